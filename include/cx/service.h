/**
 * @file service.h
 * @brief Helpdesk service metrics: ticket timelines, reply and resolution
 *        times in calendar and business time, wait times, reopens,
 *        one-touch and first-contact resolution, and SLA policies, each
 *        under named, documented definition options.
 *
 * @defgroup service Service metrics
 * @{
 *
 * A ticket is an array of ::cx_ticket_event in time order: its creation,
 * status changes, messages (customer, agent or bot; public or private) and
 * assignments. A ::cx_service measures tickets under a
 * ::cx_service_definition (when the clock starts, what counts as a reply,
 * which statuses pause the clock ...) against a business calendar, and
 * feeds every metric to libcx calculators (::cx_metric): durations to
 * #CX_METRIC_DURATION calculators (median, any quantile, mean), rates to
 * #CX_METRIC_FCR calculators (percentage with a Wilson interval). So
 * intervals, comparisons, merging and serialization come with them. An
 * optional ::cx_sla_policy adds targets per priority with achieved,
 * breached (with the breach instant) or running (with the time left)
 * outcomes, and breach rates per segment in ::cx_group calculators.
 *
 * Every definition and option is written out in docs/service-metrics.md,
 * with a table of how to reproduce common helpdesk conventions.
 *
 * Threads: a ::cx_service is used by one thread at a time; the calendar it
 * reads may be shared.
 *
 * @code
 * cx_service_definition def = CX_SERVICE_DEFINITION_INIT;
 * cx_service_definition_parse(&def, "clock_start=created;pause=pending");
 * cx_service *svc = NULL;
 * cx_service_new(&svc, cal, &def, NULL);
 * cx_ticket_event t[] = {
 *     { created, CX_EVENT_CREATED, 0, 0, 0 },
 *     { created, CX_EVENT_MESSAGE, CX_AUTHOR_CUSTOMER, 0, 0 },
 *     { created + 3600, CX_EVENT_MESSAGE, CX_AUTHOR_AGENT, 0, 0 },
 *     { created + 3600, CX_EVENT_STATUS, CX_STATUS_SOLVED, 0, 0 },
 * };
 * cx_service_add_ticket(svc, t, 4, CX_PRIORITY_NORMAL, "billing");
 * const cx_metric *m = NULL;
 * cx_service_get_metric(&m, svc, CX_SERVICE_FIRST_REPLY, CX_TIME_BUSINESS);
 * cx_metric_result r = CX_METRIC_RESULT_INIT;
 * cx_metric_get_result(m, &r);   // r.value: median business seconds to first reply
 * cx_service_free(svc);
 * @endcode
 */
#ifndef CX_SERVICE_H
#define CX_SERVICE_H

#include "cx/calendar.h"
#include "cx/common.h"
#include "cx/group.h"
#include "cx/metric.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- ticket timelines ------------------------------------------------------ */

/**
 * What happened in a ticket's timeline.
 * @since 0.2.0
 */
typedef enum cx_ticket_event_type {
    CX_EVENT_CREATED = 1,  /**< The ticket was created; `value` is its first status (0 for #CX_STATUS_NEW). Exactly one, first. */
    CX_EVENT_STATUS = 2,   /**< The status changed to `value` (::cx_ticket_status). */
    CX_EVENT_MESSAGE = 3,  /**< A message by `value` (::cx_author); flags #CX_EVENT_PRIVATE, #CX_EVENT_AUTOMATIC. */
    CX_EVENT_ASSIGNED = 4, /**< Assigned to the agent or group whose id is `value` (any number). */
    CX_EVENT_MERGED = 5    /**< Merged into another ticket; the timeline ends and the ticket leaves the metrics. */
} cx_ticket_event_type;

/**
 * Ticket statuses, as common helpdesks name them.
 * @since 0.2.0
 */
typedef enum cx_ticket_status {
    CX_STATUS_NEW = 1,      /**< Not yet looked at. */
    CX_STATUS_OPEN = 2,     /**< An agent is working on it. */
    CX_STATUS_PENDING = 3,  /**< Waiting for the customer. */
    CX_STATUS_ON_HOLD = 4,  /**< Waiting for a third party. */
    CX_STATUS_SOLVED = 5,   /**< Solved; may be reopened. */
    CX_STATUS_CLOSED = 6,   /**< Closed for good: nothing may follow. */
    CX_STATUS_REOPENED = 7  /**< Open again after being solved (only from #CX_STATUS_SOLVED). */
} cx_ticket_status;

/** A status as a bit of a status set (pause sets): `1u << status`. @since 0.2.0 */
#define CX_STATUS_BIT(status) (1u << (unsigned)(status))

/**
 * Who wrote a message.
 * @since 0.2.0
 */
typedef enum cx_author {
    CX_AUTHOR_CUSTOMER = 1, /**< The requester. */
    CX_AUTHOR_AGENT = 2,    /**< A human agent. */
    CX_AUTHOR_BOT = 3       /**< A bot or virtual agent. */
} cx_author;

/** Message flag: an internal note, not seen by the customer. @since 0.2.0 */
#define CX_EVENT_PRIVATE 0x1u
/** Message flag: sent by an automation (auto-responder, trigger, macro on a timer). @since 0.2.0 */
#define CX_EVENT_AUTOMATIC 0x2u

/**
 * One event of a ticket. A fixed 24-byte record (no version field, so that
 * arrays of it can be passed in bulk, numpy structured arrays included);
 * `reserved` must be 0 and is where a later release may put more.
 * @since 0.2.0
 */
typedef struct cx_ticket_event {
    int64_t time;      /**< Seconds since the epoch (UTC). */
    int32_t type;      /**< ::cx_ticket_event_type */
    int32_t value;     /**< The status, author or assignee, by type. */
    uint32_t flags;    /**< #CX_EVENT_PRIVATE, #CX_EVENT_AUTOMATIC (messages only). */
    uint32_t reserved; /**< Must be 0. */
} cx_ticket_event;

/**
 * Ticket priorities of SLA policies.
 * @since 0.2.0
 */
typedef enum cx_ticket_priority {
    CX_PRIORITY_LOW = 1,    /**< Low. */
    CX_PRIORITY_NORMAL = 2, /**< Normal (the default). */
    CX_PRIORITY_HIGH = 3,   /**< High. */
    CX_PRIORITY_URGENT = 4  /**< Urgent. */
} cx_ticket_priority;

/* ---- definitions ---------------------------------------------------------- */

/**
 * When a ticket's clock starts (option `clock_start`).
 * @since 0.2.0
 */
typedef enum cx_clock_start {
    CX_CLOCK_CREATED = 1,               /**< `created`: at the ticket's creation. */
    CX_CLOCK_FIRST_CUSTOMER_MESSAGE = 2 /**< `first_customer_message`: at the customer's first message (creation when there is none). */
} cx_clock_start;

/**
 * Which schedule version measures a ticket when the calendar changes while
 * it is open (option `schedule`).
 * @since 0.2.0
 */
typedef enum cx_schedule_semantics {
    CX_SCHEDULE_MULTI_EVENT = 1, /**< `multi_event`: each stretch of time with the version in force then. */
    CX_SCHEDULE_SINGLE_EVENT = 2 /**< `single_event`: reply and resolution times and SLA clocks with the version in
                                      force at the clock start; status-period sums stay multi-event. */
} cx_schedule_semantics;

/** Version of ::cx_service_definition understood by this header. @since 0.2.0 */
#define CX_SERVICE_DEFINITION_VERSION 1

/**
 * The definition options of the metrics. Each option has a name and named
 * values (cx_service_definition_set()), and a definition prints as a
 * string of them (cx_service_definition_describe()), so a figure can be
 * reproduced from its definition.
 * @since 0.2.0
 */
typedef struct cx_service_definition {
    unsigned int version;           /**< #CX_SERVICE_DEFINITION_VERSION */
    cx_clock_start clock_start;     /**< `clock_start`: #CX_CLOCK_CREATED by default. */
    int count_bot_replies;          /**< `bot_replies` = `count`|`ignore`: bot and automatic messages count as agent replies; default 0 (ignore). */
    int count_private_notes;        /**< `private_notes` = `count`|`ignore`: agents' private notes count as replies; default 0 (ignore). */
    int reopen_resets_first_reply;  /**< `reopen` = `resets_first_reply`|`keeps_first_reply`: a reopen starts a new first-reply measurement; default 0 (keeps). */
    uint32_t pause_statuses;        /**< `pause` = `none` or statuses joined by '+': time in them does not count towards reply and resolution times; default 0 (none). */
    cx_schedule_semantics schedule; /**< `schedule`: #CX_SCHEDULE_MULTI_EVENT by default. */
} cx_service_definition;

/** Static initialiser for ::cx_service_definition with every default. @since 0.2.0 */
#define CX_SERVICE_DEFINITION_INIT \
    { CX_SERVICE_DEFINITION_VERSION, CX_CLOCK_CREATED, 0, 0, 0, 0u, CX_SCHEDULE_MULTI_EVENT }

/**
 * Fills ::cx_service_definition with defaults, for callers without macros.
 * @param[out] def the struct to fill
 * @param[in] version the caller's #CX_SERVICE_DEFINITION_VERSION
 * @return #CX_OK; #CX_EINVAL if `def` is NULL; #CX_EVERSION if unknown
 * @since 0.2.0
 */
CX_API int cx_service_definition_init(cx_service_definition *def, unsigned int version);

/**
 * Sets one option by name: `clock_start` (created, first_customer_message),
 * `bot_replies` (count, ignore), `private_notes` (count, ignore), `reopen`
 * (keeps_first_reply, resets_first_reply), `pause` (none, or statuses
 * joined by '+': new, open, pending, on_hold, solved, closed, reopened),
 * `schedule` (multi_event, single_event).
 *
 * @param[in,out] def the definition (unchanged on failure)
 * @param[in] option the option's name
 * @param[in] value the value's name
 * @return #CX_OK; #CX_ENOTFOUND for an unknown option or value (the
 *         message lists the known ones); #CX_EINVAL for NULL arguments;
 *         #CX_EVERSION for a bad `def->version`
 * @since 0.2.0
 */
CX_API int cx_service_definition_set(cx_service_definition *def, const char *option, const char *value);

/**
 * Sets options from a string of `option=value` pairs separated by ';',
 * as cx_service_definition_describe() writes them; options not named keep
 * their values. All or nothing.
 *
 * @param[in,out] def the definition (unchanged on failure)
 * @param[in] text e.g. "clock_start=first_customer_message;pause=pending+on_hold"
 * @return as cx_service_definition_set(); #CX_EFORMAT for a pair without '='
 * @since 0.2.0
 */
CX_API int cx_service_definition_parse(cx_service_definition *def, const char *text);

/**
 * Writes a definition as `option=value` pairs separated by ';', every
 * option included, in a fixed order, e.g. "clock_start=created;
 * bot_replies=ignore;private_notes=ignore;reopen=keeps_first_reply;
 * pause=none;schedule=multi_event" (without spaces).
 *
 * @param[in,out] out the buffer the text is appended to
 * @param[in] def the definition
 * @return #CX_OK; #CX_EINVAL for NULL arguments or an option out of range;
 *         #CX_EVERSION; #CX_ENOMEM (`out` unchanged)
 * @since 0.2.0
 */
CX_API int cx_service_definition_describe(cx_buffer *out, const cx_service_definition *def);

/* ---- SLA policies -------------------------------------------------------------- */

/**
 * The targets of an SLA policy.
 * @since 0.2.0
 */
typedef enum cx_sla_metric {
    CX_SLA_FIRST_REPLY = 1, /**< Clock start to the first agent reply. */
    CX_SLA_NEXT_REPLY = 2,  /**< Each customer message (after the first reply) to the next agent reply. */
    CX_SLA_RESOLUTION = 3   /**< Clock start to the final resolution (the clock also stops while solved). */
} cx_sla_metric;

/**
 * Outcome of one SLA target on one ticket.
 * @since 0.2.0
 */
typedef enum cx_sla_state {
    CX_SLA_NONE = 0,     /**< No target, nothing to measure, or a merged ticket. */
    CX_SLA_ACHIEVED = 1, /**< Met. */
    CX_SLA_BREACHED = 2, /**< Missed (the deadline passed before the clock stopped). */
    CX_SLA_RUNNING = 3   /**< Still running within its target. */
} cx_sla_state;

/** Version of ::cx_sla_policy understood by this header. @since 0.2.0 */
#define CX_SLA_POLICY_VERSION 1

/**
 * An SLA policy: targets per priority (index priority - 1: low, normal,
 * high, urgent), in seconds, 0 for none.
 * @since 0.2.0
 */
typedef struct cx_sla_policy {
    unsigned int version;     /**< #CX_SLA_POLICY_VERSION */
    int business_hours;       /**< 1 (default): targets count business seconds of the service's calendar; 0: calendar seconds. */
    uint32_t pause_statuses;  /**< Statuses whose time does not count (#CX_STATUS_BIT); default #CX_STATUS_PENDING. Solved time never counts. */
    int64_t first_reply[4];   /**< First-reply targets by priority. */
    int64_t next_reply[4];    /**< Next-reply targets by priority. */
    int64_t resolution[4];    /**< Resolution targets by priority. */
} cx_sla_policy;

/** Static initialiser for ::cx_sla_policy: business hours, pending pauses, no targets. @since 0.2.0 */
#define CX_SLA_POLICY_INIT \
    { CX_SLA_POLICY_VERSION, 1, CX_STATUS_BIT(CX_STATUS_PENDING), { 0, 0, 0, 0 }, { 0, 0, 0, 0 }, { 0, 0, 0, 0 } }

/**
 * Fills ::cx_sla_policy with defaults, for callers without macros.
 * @param[out] policy the struct to fill
 * @param[in] version the caller's #CX_SLA_POLICY_VERSION
 * @return #CX_OK; #CX_EINVAL if `policy` is NULL; #CX_EVERSION if unknown
 * @since 0.2.0
 */
CX_API int cx_sla_policy_init(cx_sla_policy *policy, unsigned int version);

/**
 * One SLA target's outcome on a ticket.
 * @since 0.2.0
 */
typedef struct cx_sla_outcome {
    cx_sla_state state; /**< The outcome. */
    int64_t target;     /**< The target applied, in seconds (0 when none). */
    int64_t breach_at;  /**< #CX_SLA_BREACHED: the instant the (first) deadline passed; else 0. */
    double elapsed;     /**< Seconds on the SLA clock when it stopped (or at the "as of" instant); for next replies, of the last one. NaN with no target. */
    double time_left;   /**< #CX_SLA_RUNNING: target - elapsed; else NaN. */
} cx_sla_outcome;

/* ---- measuring tickets ----------------------------------------------------------- */

/**
 * Time bases of the metrics.
 * @since 0.2.0
 */
typedef enum cx_time_basis {
    CX_TIME_CALENDAR = 1, /**< Elapsed seconds. */
    CX_TIME_BUSINESS = 2  /**< Open seconds of the business calendar. */
} cx_time_basis;

/**
 * A duration in both time bases; NaN when it is not defined for the
 * ticket (no reply yet, never solved) or, for `business`, when the service
 * has no calendar.
 * @since 0.2.0
 */
typedef struct cx_service_time {
    double calendar; /**< Calendar seconds. */
    double business; /**< Business seconds. */
} cx_service_time;

/** Version of ::cx_ticket_metrics understood by this header. @since 0.2.0 */
#define CX_TICKET_METRICS_VERSION 1

/**
 * Every metric of one ticket. Reply and resolution times exclude time in
 * the definition's pause statuses; wait times are sums over status periods
 * up to the "as of" instant (final once the ticket is resolved).
 * @since 0.2.0
 */
typedef struct cx_ticket_metrics {
    unsigned int version;           /**< #CX_TICKET_METRICS_VERSION, set by the caller. */
    int resolved;                   /**< 1 when solved or closed at the end of the timeline. */
    int merged;                     /**< 1 when merged into another ticket. */
    int64_t clock_start;            /**< The instant the clock started. */
    size_t schedule_version;        /**< Calendar version in force at the clock start (0 without a calendar). */
    cx_service_time first_reply;    /**< Clock start to the first counted agent reply. */
    cx_service_time first_reply_last; /**< With `reopen=resets_first_reply`: the latest cycle's first reply; else as first_reply. */
    uint32_t first_reply_count;     /**< Number of first-reply measurements (cycles with a reply). */
    uint32_t next_reply_count;      /**< Number of answered next-reply waits. */
    cx_service_time next_reply_total; /**< Sum of next-reply times (NaN with none). */
    cx_service_time next_reply_max; /**< Longest next-reply time (NaN with none). */
    cx_service_time first_resolution; /**< Clock start to the first solve, when that comes after the clock start. */
    cx_service_time full_resolution;  /**< Clock start to the final solve (resolved tickets with a solve after the clock start). */
    cx_service_time requester_wait; /**< Time in new, open, on-hold and reopened. */
    cx_service_time agent_wait;     /**< Time in pending. */
    cx_service_time on_hold;        /**< Time in on-hold. */
    uint32_t replies;               /**< Counted agent replies. */
    uint32_t reopens;               /**< Times the ticket left solved for an unsolved status. */
    uint32_t assignments;           /**< Assignment events. */
    int one_touch;                  /**< Resolved with fewer than 2 agent replies: 1/0; -1 unless resolved. */
    int fcr_no_follow_up;           /**< FCR "no customer follow-up after the first agent reply": 1/0; -1 unless resolved. */
    int fcr_first_reply;            /**< FCR "resolved in the first reply": 1/0; -1 unless resolved. */
    cx_sla_outcome sla_first_reply; /**< First-reply target. */
    cx_sla_outcome sla_next_reply;  /**< Next-reply target (breached if any wait breached). */
    cx_sla_outcome sla_resolution;  /**< Resolution target. */
} cx_ticket_metrics;

/** Static initialiser for ::cx_ticket_metrics (every field zero; cx_service_measure() fills them). @since 0.2.0 */
#define CX_TICKET_METRICS_INIT \
    { CX_TICKET_METRICS_VERSION, 0, 0, 0, 0u, { 0, 0 }, { 0, 0 }, 0u, 0u, { 0, 0 }, { 0, 0 }, { 0, 0 }, { 0, 0 }, \
      { 0, 0 }, { 0, 0 }, { 0, 0 }, 0u, 0u, 0u, 0, 0, 0, { CX_SLA_NONE, 0, 0, 0, 0 }, \
      { CX_SLA_NONE, 0, 0, 0, 0 }, { CX_SLA_NONE, 0, 0, 0, 0 } }

/**
 * Initialises a ::cx_ticket_metrics, for callers without macros.
 * @param[out] m the struct to clear and stamp with `version`
 * @param[in] version the caller's #CX_TICKET_METRICS_VERSION
 * @return #CX_OK; #CX_EINVAL if `m` is NULL; #CX_EVERSION if unknown
 * @since 0.2.0
 */
CX_API int cx_ticket_metrics_init(cx_ticket_metrics *m, unsigned int version);

/* ---- the service accumulator --------------------------------------------------------- */

/** Service metrics of many tickets (opaque). @since 0.2.0 */
typedef struct cx_service cx_service;

/** `as_of` value meaning "each ticket as of its last event". @since 0.2.0 */
#define CX_SERVICE_AS_OF_LAST_EVENT INT64_MIN

/** Version of ::cx_service_options understood by this header. @since 0.2.0 */
#define CX_SERVICE_OPTIONS_VERSION 1

/**
 * Options of a ::cx_service.
 * @since 0.2.0
 */
typedef struct cx_service_options {
    unsigned int version;         /**< #CX_SERVICE_OPTIONS_VERSION */
    int64_t as_of;                /**< The instant tickets are measured at (open waits, running SLAs); #CX_SERVICE_AS_OF_LAST_EVENT by default. No event may be later. */
    double confidence;            /**< Confidence level of every calculator's interval, in (0, 1); default 0.95. */
    const cx_sla_policy *sla;     /**< SLA policy (copied), or NULL for none. */
    const cx_group_options *sla_groups; /**< How breach rates are grouped (by segment, and by period of the ticket's creation); copied; NULL: by segment only. */
} cx_service_options;

/** Static initialiser for ::cx_service_options. @since 0.2.0 */
#define CX_SERVICE_OPTIONS_INIT \
    { CX_SERVICE_OPTIONS_VERSION, CX_SERVICE_AS_OF_LAST_EVENT, 0.95, NULL, NULL }

/**
 * Fills ::cx_service_options with defaults, for callers without macros.
 * @param[out] opts the struct to fill
 * @param[in] version the caller's #CX_SERVICE_OPTIONS_VERSION
 * @return #CX_OK; #CX_EINVAL if `opts` is NULL; #CX_EVERSION if unknown
 * @since 0.2.0
 */
CX_API int cx_service_options_init(cx_service_options *opts, unsigned int version);

/**
 * The service metrics, each with a name (cx_service_metric_name()).
 * Durations are #CX_METRIC_DURATION calculators in each time basis;
 * counts are #CX_METRIC_DURATION calculators too (median, quantiles and
 * mean of a non-negative number; one calculator for both bases); rates are
 * #CX_METRIC_FCR calculators (percent, Wilson interval; one for both bases).
 * @since 0.2.0
 */
typedef enum cx_service_metric {
    CX_SERVICE_FIRST_REPLY = 1,      /**< `first_reply`: per ticket with a reply (per cycle with resets). */
    CX_SERVICE_NEXT_REPLY = 2,       /**< `next_reply`: per answered next-reply wait. */
    CX_SERVICE_FIRST_RESOLUTION = 3, /**< `first_resolution`: per ticket ever solved. */
    CX_SERVICE_FULL_RESOLUTION = 4,  /**< `full_resolution`: per resolved ticket. */
    CX_SERVICE_REQUESTER_WAIT = 5,   /**< `requester_wait`: per resolved ticket. */
    CX_SERVICE_AGENT_WAIT = 6,       /**< `agent_wait`: per resolved ticket. */
    CX_SERVICE_ON_HOLD = 7,          /**< `on_hold`: per resolved ticket. */
    CX_SERVICE_REPLIES = 8,          /**< `replies`: agent replies per resolved ticket (a count). */
    CX_SERVICE_REOPENS = 9,          /**< `reopens`: reopens per resolved ticket (a count). */
    CX_SERVICE_REOPEN_RATE = 10,     /**< `reopen_rate`: % of resolved tickets reopened at least once. */
    CX_SERVICE_ONE_TOUCH = 11,       /**< `one_touch`: % of resolved tickets with fewer than 2 agent replies. */
    CX_SERVICE_FCR_NO_FOLLOW_UP = 12, /**< `fcr_no_follow_up`: % of resolved tickets with a reply, no customer message after the first reply and no reopen. */
    CX_SERVICE_FCR_FIRST_REPLY = 13  /**< `fcr_first_reply`: % of resolved tickets first solved with exactly one agent reply before, never reopened. */
} cx_service_metric;

/**
 * Names a metric ("first_reply", ... as listed in ::cx_service_metric).
 * @param[in] metric the metric
 * @return a static string, or NULL for an unknown metric
 * @since 0.2.0
 */
CX_API const char *cx_service_metric_name(cx_service_metric metric);

/**
 * Finds a metric by name.
 * @param[out] out the metric
 * @param[in] name its name
 * @return #CX_OK; #CX_ENOTFOUND naming the unknown name; #CX_EINVAL
 * @since 0.2.0
 */
CX_API int cx_service_metric_from_name(cx_service_metric *out, const char *name);

/**
 * Creates a service accumulator.
 *
 * @param[out] out the service, owned by the caller (cx_service_free());
 *             NULL on failure
 * @param[in] cal the business calendar, or NULL to measure calendar time
 *            only (business values are NaN). Borrowed: it must outlive the
 *            service and is only read, so one calendar may serve several
 *            services and threads.
 * @param[in] def the definition (copied), or NULL for the defaults
 * @param[in] opts options (copied, with the SLA policy), or NULL
 * @return #CX_OK; #CX_EINVAL for an option out of range (naming it), an
 *         SLA on business hours without a calendar, or a negative target;
 *         #CX_EVERSION; #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_service_new(cx_service **out, const cx_calendar *cal, const cx_service_definition *def,
                          const cx_service_options *opts);

/**
 * Releases a service and its calculators. NULL-safe.
 * @param[in] svc the service
 * @since 0.2.0
 */
CX_API void cx_service_free(cx_service *svc);

/**
 * Measures one ticket without adding it.
 *
 * The timeline must hold exactly one #CX_EVENT_CREATED, first; events in
 * time order (equal times keep their order); no event before the creation
 * or after the "as of" instant; nothing after #CX_STATUS_CLOSED or
 * #CX_EVENT_MERGED; #CX_STATUS_REOPENED only from #CX_STATUS_SOLVED; known
 * types, statuses, authors and flags; `reserved` 0; times within the
 * calendar range.
 *
 * @param[in,out] out the metrics; `out->version` set by the caller
 * @param[in] svc the service (its calendar, definition, SLA, as-of)
 * @param[in] events the timeline
 * @param[in] n number of events (>= 1)
 * @param[in] priority the ticket's priority (for SLA targets)
 * @return #CX_OK; #CX_EINVAL for a bad timeline, naming the event's index,
 *         time and the rule it breaks, or a bad priority; #CX_ERANGE for a
 *         time outside the calendar range; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_service_measure(cx_ticket_metrics *out, const cx_service *svc, const cx_ticket_event *events, size_t n,
                              cx_ticket_priority priority);

/**
 * Measures one ticket and adds its metrics to the calculators, all or
 * nothing.
 *
 * @param[in,out] svc the service
 * @param[in] events the timeline (rules as cx_service_measure())
 * @param[in] n number of events
 * @param[in] priority the ticket's priority
 * @param[in] segment the ticket's segment for SLA breach rates (a team, a
 *            channel; UTF-8, at most #CX_GROUP_SEGMENT_MAX bytes), or NULL
 * @return as cx_service_measure(); #CX_ENOMEM (service unchanged)
 * @since 0.2.0
 */
CX_API int cx_service_add_ticket(cx_service *svc, const cx_ticket_event *events, size_t n,
                                 cx_ticket_priority priority, const char *segment);

/**
 * Adds many tickets, all or nothing: every ticket is checked before any is
 * added. Ticket i's events are `events[offsets[i]] .. events[offsets[i+1]-1]`.
 *
 * @param[in,out] svc the service
 * @param[in] events all events, ticket after ticket
 * @param[in] offsets n_tickets + 1 ascending offsets, offsets[0] == 0
 * @param[in] n_tickets number of tickets (0 is allowed)
 * @param[in] priorities n_tickets priorities (::cx_ticket_priority values),
 *            or NULL for all normal
 * @param[in] segments n_tickets segments, or NULL for all ""
 * @return #CX_OK; #CX_EINVAL or #CX_ERANGE naming the ticket, the event
 *         and the rule; #CX_ENOMEM (service unchanged)
 * @since 0.2.0
 */
CX_API int cx_service_add_tickets(cx_service *svc, const cx_ticket_event *events, const size_t *offsets,
                                  size_t n_tickets, const int32_t *priorities, const char *const *segments);

/**
 * The calculator of one metric in one time basis.
 *
 * @param[out] out the calculator, borrowed from the service: valid until
 *             the service is next changed or freed; clone it to keep it
 * @param[in] svc the service
 * @param[in] metric the metric
 * @param[in] basis the time basis (any for counts and rates)
 * @return #CX_OK; #CX_EINVAL for an unknown metric or basis
 * @since 0.2.0
 */
CX_API int cx_service_get_metric(const cx_metric **out, const cx_service *svc, cx_service_metric metric,
                                 cx_time_basis basis);

/**
 * The breach rates of one SLA target: a #CX_METRIC_FCR group per segment
 * (and period, per the options) fed 1 for each breached and 0 for each
 * achieved ticket (running tickets not yet breached are left out), so its
 * value is the breach rate in percent with a Wilson interval.
 *
 * @param[out] out the group, borrowed from the service (valid until the
 *             service is next changed or freed); not NULL
 * @param[in] svc the service
 * @param[in] metric the SLA target
 * @return #CX_OK; #CX_EINVAL for an unknown target; #CX_ENOTFOUND when the
 *         service has no SLA policy
 * @since 0.2.0
 */
CX_API int cx_service_get_sla_group(cx_group **out, cx_service *svc, cx_sla_metric metric);

/** Version of ::cx_service_counts understood by this header. @since 0.2.0 */
#define CX_SERVICE_COUNTS_VERSION 1

/**
 * How many tickets a service has seen.
 * @since 0.2.0
 */
typedef struct cx_service_counts {
    unsigned int version; /**< #CX_SERVICE_COUNTS_VERSION, set by the caller. */
    uint64_t tickets;     /**< Tickets added. */
    uint64_t resolved;    /**< Resolved at the end of their timeline. */
    uint64_t unresolved;  /**< Neither resolved nor merged. */
    uint64_t merged;      /**< Merged into other tickets. */
} cx_service_counts;

/** Static initialiser for ::cx_service_counts. @since 0.2.0 */
#define CX_SERVICE_COUNTS_INIT { CX_SERVICE_COUNTS_VERSION, 0u, 0u, 0u, 0u }

/**
 * Initialises a ::cx_service_counts, for callers without macros.
 * @param[out] counts the struct to clear and stamp with `version`
 * @param[in] version the caller's #CX_SERVICE_COUNTS_VERSION
 * @return #CX_OK; #CX_EINVAL if `counts` is NULL; #CX_EVERSION if unknown
 * @since 0.2.0
 */
CX_API int cx_service_counts_init(cx_service_counts *counts, unsigned int version);

/**
 * Counts the tickets a service has seen.
 * @param[in,out] out the counts; `out->version` set by the caller
 * @param[in] svc the service
 * @return #CX_OK; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_service_get_counts(cx_service_counts *out, const cx_service *svc);

/**
 * Merges the tickets of `from` into `into`, as if `into` had been fed them
 * all. Both must have the same definition, options and SLA policy;
 * measuring both with the same calendar is the caller's part.
 *
 * @param[in,out] into the receiving service
 * @param[in] from the other service (unchanged)
 * @return #CX_OK; #CX_ESTATE for different definitions or options (the
 *         message names the difference); #CX_EINVAL; #CX_ENOMEM (into unchanged)
 * @since 0.2.0
 */
CX_API int cx_service_merge(cx_service *into, const cx_service *from);

/** @} */

#ifdef __cplusplus
}
#endif

#endif /* CX_SERVICE_H */
