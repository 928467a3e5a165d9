/**
 * @file journey.h
 * @brief Customer journeys: observation of touchpoint events, episodes,
 *        funnels, durations, path variants, the directly-follows graph,
 *        bottlenecks, friction signals, attribution and per-touchpoint
 *        experience.
 *
 * @defgroup journey Journeys
 * @{
 *
 * A ::cx_journey holds a journey map — a copy of a touchpoint registry plus
 * an ordered list of stages, some of them goals — and the events observed
 * against it: (customer id, touchpoint id, time in ms since the epoch,
 * optional outcome such as a survey answer). Events may arrive in any order
 * and in any number of calls; customer ids are interned and each customer's
 * events are kept as one compact, time-ordered path.
 *
 * A customer's path splits into cases (episodes) wherever two consecutive
 * events are more than `inactivity_gap_ms` apart. Events of one customer
 * with the same timestamp are ordered by touchpoint index, so results never
 * depend on arrival order. A case *converts* when it contains an event at
 * a touchpoint of a goal stage.
 *
 * Analyses return immutable result objects (::cx_funnel, ::cx_variants,
 * ::cx_dfg, ::cx_friction, ::cx_attribution) that own their data, outlive
 * the journey, and may be read from several threads at once. Each is
 * listed with a `_count` and `_get` pair filling a versioned struct.
 * Analyses work at one of three levels (::cx_journey_level): touchpoints,
 * stages or channels; a *node* is one touchpoint, stage or channel, and its
 * index is the touchpoint's registry index, the stage's position, or the
 * channel's position in order of first use in the registry.
 *
 * Definitions and formulas are in docs/journeys.md.
 *
 * @code
 * const char *stages[] = { "awareness", "consideration", "purchase" };
 * const char *goals[] = { "purchase" };
 * cx_journey_options o = CX_JOURNEY_OPTIONS_INIT;
 * o.stages = stages; o.stage_count = 3;
 * o.goal_stages = goals; o.goal_count = 1;
 * o.inactivity_gap_ms = 30LL * 86400000;   // 30 days
 * cx_journey *j = NULL;
 * cx_journey_new(&j, registry, &o);         // registry copied
 * cx_journey_observe(j, "c-17", "ad-video", 1763856000000, NAN);
 * ...
 * cx_funnel *f = NULL;
 * cx_journey_funnel(&f, j, NULL);
 * cx_funnel_step s = CX_FUNNEL_STEP_INIT;
 * cx_funnel_get_step(&s, f, 2);             // s.entered, s.overall_rate ...
 * cx_funnel_free(f);
 * cx_buffer json = CX_BUFFER_INIT;
 * cx_journey_to_json(&json, j, NULL);       // cases, variants, edges
 * cx_buffer_dispose(&json);
 * cx_journey_free(j);
 * @endcode
 *
 * Thread safety: a journey is used by one thread at a time, including by
 * the analysis functions, which may reorganise its storage.
 */
#ifndef CX_JOURNEY_H
#define CX_JOURNEY_H

#include "cx/common.h"
#include "cx/group.h"
#include "cx/metric.h"
#include "cx/touchpoint.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A journey map with its observed events (opaque). @since 0.2.0 */
typedef struct cx_journey cx_journey;

/** Longest customer id, in bytes. @since 0.2.0 */
#define CX_JOURNEY_CUSTOMER_ID_MAX 256
/** Most touchpoints a journey holds (its registry copy included). @since 0.2.0 */
#define CX_JOURNEY_TOUCHPOINTS_MAX 65536
/** Most stages in a journey map. @since 0.2.0 */
#define CX_JOURNEY_STAGES_MAX 64
/** Latest accepted timestamp: 9999-12-31T23:59:59.999Z in ms since the epoch. @since 0.2.0 */
#define CX_JOURNEY_TIMESTAMP_MAX INT64_C(253402300799999)

/**
 * What the nodes of paths, graphs and breakdowns are.
 * @since 0.2.0
 */
typedef enum cx_journey_level {
    CX_JOURNEY_LEVEL_TOUCHPOINT = 1, /**< One node per touchpoint (named by id). */
    CX_JOURNEY_LEVEL_STAGE = 2,      /**< One node per stage; events of touchpoints without a stage are skipped. */
    CX_JOURNEY_LEVEL_CHANNEL = 3     /**< One node per channel name. */
} cx_journey_level;

/* ---- the journey ------------------------------------------------------ */

/** Version of ::cx_journey_options understood by this header. @since 0.2.0 */
#define CX_JOURNEY_OPTIONS_VERSION 1

/**
 * Options of a journey, copied by cx_journey_new().
 * @since 0.2.0
 */
typedef struct cx_journey_options {
    unsigned int version;            /**< #CX_JOURNEY_OPTIONS_VERSION */
    int64_t inactivity_gap_ms;       /**< A gap longer than this between consecutive events of a customer starts a new case; 0 (default): one case per customer. */
    int auto_register;               /**< Non-zero: an unknown touchpoint id in an event is registered (channel other, no stage) instead of failing with #CX_ENOTFOUND. Default 0. */
    const char *const *stages;       /**< Ordered stage names (unique, 1..#CX_STAGE_NAME_MAX bytes); NULL when stage_count is 0. */
    size_t stage_count;              /**< Number of stages, 0..#CX_JOURNEY_STAGES_MAX. */
    const char *const *goal_stages;  /**< Names of the goal stages, each one of `stages`. */
    size_t goal_count;               /**< Number of goal stages. */
} cx_journey_options;

/** Static initialiser for ::cx_journey_options. @since 0.2.0 */
#define CX_JOURNEY_OPTIONS_INIT { CX_JOURNEY_OPTIONS_VERSION, 0, 0, NULL, 0, NULL, 0 }

/**
 * Fills ::cx_journey_options with defaults, for callers without macros.
 * @param[out] opts the struct to fill
 * @param[in] version the caller's #CX_JOURNEY_OPTIONS_VERSION
 * @return #CX_OK; #CX_EINVAL if `opts` is NULL; #CX_EVERSION for an unknown version
 * @since 0.2.0
 */
CX_API int cx_journey_options_init(cx_journey_options *opts, unsigned int version);

/**
 * Creates a journey from a touchpoint registry and a stage map.
 * @param[out] out the journey, owned by the caller (cx_journey_free()); NULL on failure
 * @param[in] touchpoints the registry to copy (indices are kept), or NULL to start empty
 * @param[in] opts options (stages copied), or NULL for the defaults
 * @return #CX_OK; #CX_ERANGE for a registry of more than
 *         #CX_JOURNEY_TOUCHPOINTS_MAX touchpoints; #CX_EINVAL for a negative gap, too many stages, an empty,
 *         repeated, too long or non-UTF-8 stage name; #CX_ENOTFOUND for a
 *         goal that is not a stage, or a touchpoint whose stage is not one
 *         (the message names both); #CX_EVERSION; #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_journey_new(cx_journey **out, const cx_touchpoint_registry *touchpoints, const cx_journey_options *opts);

/**
 * Releases a journey. NULL-safe.
 * @param[in] j the journey
 * @since 0.2.0
 */
CX_API void cx_journey_free(cx_journey *j);

/**
 * The journey's own touchpoint registry (its copy, grown by
 * auto-registration, cx_journey_add_touchpoint() and merges).
 * @param[out] out the registry, borrowed: valid while the journey lives; do not free
 * @param[in] j the journey
 * @return #CX_OK; #CX_EINVAL for NULL arguments
 * @since 0.2.0
 */
CX_API int cx_journey_touchpoints(const cx_touchpoint_registry **out, const cx_journey *j);

/**
 * Registers one more touchpoint in the journey's registry.
 * @param[out] out its index; may be NULL
 * @param[in,out] j the journey
 * @param[in] info the touchpoint, as cx_touchpoint_add()
 * @return as cx_touchpoint_add(); #CX_ENOTFOUND when its stage is not a
 *         stage of the journey; #CX_ERANGE when the journey already holds
 *         #CX_JOURNEY_TOUCHPOINTS_MAX touchpoints
 * @since 0.2.0
 */
CX_API int cx_journey_add_touchpoint(uint32_t *out, cx_journey *j, const cx_touchpoint_info *info);

/**
 * Number of stages of the journey map.
 * @param[out] out the count
 * @param[in] j the journey
 * @return #CX_OK; #CX_EINVAL for NULL arguments
 * @since 0.2.0
 */
CX_API int cx_journey_stage_count(size_t *out, const cx_journey *j);

/**
 * Name and goal flag of the stage at `index` (map order).
 * @param[out] name_out the name, borrowed from the journey; may be NULL
 * @param[out] goal_out 1 for a goal stage, else 0; may be NULL
 * @param[in] j the journey
 * @param[in] index 0 .. count - 1
 * @return #CX_OK; #CX_ENOTFOUND for an index past the end; #CX_EINVAL
 * @since 0.2.0
 */
CX_API int cx_journey_get_stage(const char **name_out, int *goal_out, const cx_journey *j, size_t index);

/**
 * Interns a customer id, for hosts that observe with indices
 * (cx_journey_observe_ids()). Interning a known id returns its index.
 * @param[out] out the customer's index (0, 1, 2, ... in order of first appearance)
 * @param[in,out] j the journey
 * @param[in] customer_id UTF-8, 1..#CX_JOURNEY_CUSTOMER_ID_MAX bytes
 * @return #CX_OK; #CX_EINVAL for an empty, too long or non-UTF-8 id; #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_journey_intern_customer(uint32_t *out, cx_journey *j, const char *customer_id);

/**
 * Observes one event.
 * @param[in,out] j the journey
 * @param[in] customer_id UTF-8, 1..#CX_JOURNEY_CUSTOMER_ID_MAX bytes
 * @param[in] touchpoint_id a registered touchpoint id (or any valid id with `auto_register`)
 * @param[in] timestamp_ms ms since the epoch, 0..#CX_JOURNEY_TIMESTAMP_MAX
 * @param[in] outcome an answer attached to the event (survey score, rating),
 *            read by cx_journey_experience(); NaN for none
 * @return #CX_OK; #CX_EINVAL for a bad id; #CX_ENOTFOUND for an unknown
 *         touchpoint; #CX_ERANGE for a timestamp out of range, an infinite
 *         outcome, or an auto-registration past #CX_JOURNEY_TOUCHPOINTS_MAX;
 *         #CX_ENOMEM. On failure the journey is unchanged.
 * @since 0.2.0
 */
CX_API int cx_journey_observe(cx_journey *j, const char *customer_id, const char *touchpoint_id, int64_t timestamp_ms,
                              double outcome);

/**
 * Observes many events, all or nothing: every event is checked before any is
 * stored, and the message names the first bad one ("events[3]: ...").
 * @param[in,out] j the journey
 * @param[in] customer_ids n customer ids
 * @param[in] touchpoint_ids n touchpoint ids
 * @param[in] timestamps_ms n timestamps
 * @param[in] outcomes n outcomes (NaN for none), or NULL for none at all
 * @param[in] n number of events (0 is allowed)
 * @return as cx_journey_observe(); #CX_EINVAL for NULL arrays with n > 0
 * @since 0.2.0
 */
CX_API int cx_journey_observe_many(cx_journey *j, const char *const *customer_ids, const char *const *touchpoint_ids,
                                   const int64_t *timestamps_ms, const double *outcomes, size_t n);

/**
 * Observes many events given by indices: customers from
 * cx_journey_intern_customer(), touchpoints from the journey's registry.
 * The fast path for bulk loads; all or nothing.
 * @param[in,out] j the journey
 * @param[in] customers n customer indices
 * @param[in] touchpoints n touchpoint indices
 * @param[in] timestamps_ms n timestamps
 * @param[in] outcomes n outcomes (NaN for none), or NULL
 * @param[in] n number of events
 * @return #CX_OK; #CX_ENOTFOUND for an index past the last customer or
 *         touchpoint; #CX_ERANGE as cx_journey_observe(); #CX_EINVAL;
 *         #CX_ENOMEM (journey unchanged)
 * @since 0.2.0
 */
CX_API int cx_journey_observe_ids(cx_journey *j, const uint32_t *customers, const uint32_t *touchpoints,
                                  const int64_t *timestamps_ms, const double *outcomes, size_t n);

/**
 * Merges the events of `from` into `into`, as if `into` had observed them
 * all (shards by customer, by day, by thread). Customers are matched by id,
 * touchpoints by id; touchpoints unknown to `into` are registered.
 * @param[in,out] into the receiving journey
 * @param[in] from a journey with the same gap and stages (unchanged)
 * @return #CX_OK; #CX_ESTATE for a different gap or stage map, or a
 *         touchpoint registered with another channel or stage (named);
 *         #CX_ERANGE when into would hold more than #CX_JOURNEY_TOUCHPOINTS_MAX
 *         touchpoints; #CX_EINVAL; #CX_ENOMEM (into unchanged)
 * @since 0.2.0
 */
CX_API int cx_journey_merge(cx_journey *into, const cx_journey *from);

/** Version of ::cx_journey_summary understood by this header. @since 0.2.0 */
#define CX_JOURNEY_SUMMARY_VERSION 1

/**
 * Counts describing a journey.
 * @since 0.2.0
 */
typedef struct cx_journey_summary {
    unsigned int version;  /**< #CX_JOURNEY_SUMMARY_VERSION, set by the caller. */
    uint64_t events;       /**< Events observed. */
    uint64_t customers;    /**< Customers interned. */
    uint64_t cases;        /**< Cases (customer journeys split by the inactivity gap). */
    uint64_t goal_cases;   /**< Cases containing a goal-stage event. */
    uint64_t touchpoints;  /**< Touchpoints registered. */
    uint64_t outcomes;     /**< Events carrying an outcome. */
    int64_t first_ms;      /**< Earliest timestamp (0 without events). */
    int64_t last_ms;       /**< Latest timestamp (0 without events). */
    uint64_t memory_bytes; /**< Bytes held for events, outcomes and customer ids. */
} cx_journey_summary;

/** Static initialiser for ::cx_journey_summary. @since 0.2.0 */
#define CX_JOURNEY_SUMMARY_INIT { CX_JOURNEY_SUMMARY_VERSION, 0u, 0u, 0u, 0u, 0u, 0u, 0, 0, 0u }

/**
 * Initialises a ::cx_journey_summary, for callers without macros.
 * @param[out] s the struct to clear and stamp
 * @param[in] version the caller's #CX_JOURNEY_SUMMARY_VERSION
 * @return #CX_OK; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_journey_summary_init(cx_journey_summary *s, unsigned int version);

/**
 * Counts of a journey.
 * @param[in,out] out the summary; `out->version` set by the caller
 * @param[in,out] j the journey (its storage may be reorganised)
 * @return #CX_OK; #CX_EINVAL; #CX_EVERSION; #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_journey_get_summary(cx_journey_summary *out, cx_journey *j);

/**
 * One customer's events in time order (all cases).
 * @param[out] touchpoints_out receives touchpoint indices; may be NULL
 * @param[out] timestamps_out receives timestamps in ms; may be NULL
 * @param[in] cap entries each non-NULL array can hold
 * @param[out] len number of events of the customer
 * @param[in,out] j the journey
 * @param[in] customer_id the customer
 * @return #CX_OK; #CX_ENOTFOUND naming an unknown customer; #CX_EINVAL for
 *         NULL `len` or a `cap` too small for the non-NULL arrays (`*len` set);
 *         #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_journey_get_path(uint32_t *touchpoints_out, int64_t *timestamps_out, size_t cap, size_t *len,
                               cx_journey *j, const char *customer_id);

/**
 * Feeds the outcomes attached to events into grouped calculators, one group
 * per touchpoint, stage or channel (the segment is the node's name; "" for
 * events of touchpoints without a stage at the stage level): NPS, CSAT or
 * CES where it happened.
 * @param[out] out a new group, owned by the caller (cx_group_free()); NULL on failure
 * @param[in,out] j the journey
 * @param[in] by the level that names the segments
 * @param[in] kind the calculator of every group
 * @param[in] metric_opts calculator options, or NULL
 * @param[in] group_opts grouping options (periods, minimum count), or NULL
 * @return #CX_OK; #CX_ERANGE for an outcome off the kind's scale (the message
 *         names the customer, touchpoint and time); #CX_EINVAL for a bad
 *         level or options; #CX_EVERSION; #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_journey_experience(cx_group **out, cx_journey *j, cx_journey_level by, cx_metric_kind kind,
                                 const cx_metric_options *metric_opts, const cx_group_options *group_opts);

/* ---- funnels ---------------------------------------------------------- */

/** A funnel over the journey's stages (opaque, immutable). @since 0.2.0 */
typedef struct cx_funnel cx_funnel;

/** Version of ::cx_funnel_options understood by this header. @since 0.2.0 */
#define CX_FUNNEL_OPTIONS_VERSION 1

/**
 * Options of a funnel.
 * @since 0.2.0
 */
typedef struct cx_funnel_options {
    unsigned int version; /**< #CX_FUNNEL_OPTIONS_VERSION */
    double confidence;    /**< Confidence level of the Wilson intervals, in (0, 1); default 0.95. */
    int64_t from_ms;      /**< Only cases whose first event is at or after this time; default 0. */
    int64_t to_ms;        /**< ... and before this time; default INT64_MAX (no limit). */
} cx_funnel_options;

/** Static initialiser for ::cx_funnel_options. @since 0.2.0 */
#define CX_FUNNEL_OPTIONS_INIT { CX_FUNNEL_OPTIONS_VERSION, 0.95, 0, INT64_MAX }

/**
 * Fills ::cx_funnel_options with defaults.
 * @param[out] opts the struct to fill
 * @param[in] version the caller's #CX_FUNNEL_OPTIONS_VERSION
 * @return #CX_OK; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_funnel_options_init(cx_funnel_options *opts, unsigned int version);

/** Version of ::cx_funnel_step understood by this header. @since 0.2.0 */
#define CX_FUNNEL_STEP_VERSION 1

/**
 * One step (stage) of a funnel. A case *enters* step k when it contains
 * events of stages 1..k in that order (not necessarily adjacent). Rates are
 * shares in 0..1 with Wilson score intervals; durations are in seconds.
 * @since 0.2.0
 */
typedef struct cx_funnel_step {
    unsigned int version;   /**< #CX_FUNNEL_STEP_VERSION, set by the caller. */
    const char *stage;      /**< Stage name (borrowed from the funnel). */
    int goal;               /**< 1 for a goal stage. */
    uint64_t entered;       /**< Cases entering this step in order. */
    uint64_t visited;       /**< Cases with any event of this stage, in any order. */
    uint64_t dropped;       /**< Cases lost since the previous step: entered(k-1) - entered(k), with entered(0) = cases. */
    double step_rate;       /**< entered(k) / entered(k-1); NaN when entered(k-1) is 0. */
    double step_ci_low;     /**< Wilson lower bound of step_rate. */
    double step_ci_high;    /**< Wilson upper bound of step_rate. */
    double overall_rate;    /**< entered(k) / cases. */
    double overall_ci_low;  /**< Wilson lower bound of overall_rate. */
    double overall_ci_high; /**< Wilson upper bound of overall_rate. */
    uint64_t duration_count;  /**< Cases timed: those entering the step. */
    double duration_mean;     /**< Mean seconds from reaching the previous step (the case's first event for step 1) to reaching this one; NaN when none. */
    double duration_median;   /**< Median of those seconds (DURATION calculator). */
    double duration_p90;      /**< 90th percentile of those seconds. */
} cx_funnel_step;

/** Static initialiser for ::cx_funnel_step. @since 0.2.0 */
#define CX_FUNNEL_STEP_INIT { CX_FUNNEL_STEP_VERSION, NULL, 0, 0u, 0u, 0u, 0, 0, 0, 0, 0, 0, 0u, 0, 0, 0 }

/**
 * Initialises a ::cx_funnel_step.
 * @param[out] step the struct to clear and stamp
 * @param[in] version the caller's #CX_FUNNEL_STEP_VERSION
 * @return #CX_OK; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_funnel_step_init(cx_funnel_step *step, unsigned int version);

/** Version of ::cx_funnel_summary understood by this header. @since 0.2.0 */
#define CX_FUNNEL_SUMMARY_VERSION 1

/**
 * Totals of a funnel.
 * @since 0.2.0
 */
typedef struct cx_funnel_summary {
    unsigned int version;    /**< #CX_FUNNEL_SUMMARY_VERSION, set by the caller. */
    uint64_t cases;          /**< Cases in the funnel's time window. */
    uint64_t goal_cases;     /**< Cases with a goal-stage event (in any order). */
    double goal_rate;        /**< goal_cases / cases; NaN without cases. */
    double goal_ci_low;      /**< Wilson lower bound of goal_rate. */
    double goal_ci_high;     /**< Wilson upper bound of goal_rate. */
    double confidence;       /**< Confidence level of the intervals. */
    double time_to_goal_mean;   /**< Mean seconds from a case's first event to its first goal event; NaN without goals. */
    double time_to_goal_median; /**< Median of those seconds. */
    double time_to_goal_p90;    /**< 90th percentile of those seconds. */
} cx_funnel_summary;

/** Static initialiser for ::cx_funnel_summary. @since 0.2.0 */
#define CX_FUNNEL_SUMMARY_INIT { CX_FUNNEL_SUMMARY_VERSION, 0u, 0u, 0, 0, 0, 0, 0, 0, 0 }

/**
 * Initialises a ::cx_funnel_summary.
 * @param[out] s the struct to clear and stamp
 * @param[in] version the caller's #CX_FUNNEL_SUMMARY_VERSION
 * @return #CX_OK; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_funnel_summary_init(cx_funnel_summary *s, unsigned int version);

/**
 * Computes the funnel of the journey's stages.
 * @param[out] out the funnel, owned by the caller (cx_funnel_free()); NULL on failure
 * @param[in,out] j the journey
 * @param[in] opts options, or NULL for the defaults
 * @return #CX_OK; #CX_EEMPTY when the journey has no stages; #CX_EINVAL for
 *         a confidence outside (0, 1) or from_ms >= to_ms; #CX_EVERSION; #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_journey_funnel(cx_funnel **out, cx_journey *j, const cx_funnel_options *opts);

/**
 * Releases a funnel. NULL-safe.
 * @param[in] f the funnel
 * @since 0.2.0
 */
CX_API void cx_funnel_free(cx_funnel *f);

/**
 * Number of steps (the journey's stages).
 * @param[out] out the count
 * @param[in] f the funnel
 * @return #CX_OK; #CX_EINVAL
 * @since 0.2.0
 */
CX_API int cx_funnel_step_count(size_t *out, const cx_funnel *f);

/**
 * Describes one step.
 * @param[in,out] out the step; `out->version` set by the caller
 * @param[in] f the funnel
 * @param[in] index 0 .. count - 1 (stage order)
 * @return #CX_OK; #CX_ENOTFOUND; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_funnel_get_step(cx_funnel_step *out, const cx_funnel *f, size_t index);

/**
 * Totals of the funnel: cases, goal rate and time to goal.
 * @param[in,out] out the summary; `out->version` set by the caller
 * @param[in] f the funnel
 * @return #CX_OK; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_funnel_get_summary(cx_funnel_summary *out, const cx_funnel *f);

/**
 * The durations of one step as a DURATION calculator (seconds), for any
 * quantile, interval or comparison.
 * @param[out] out a new calculator, owned by the caller (cx_metric_free()); NULL on failure
 * @param[in] f the funnel
 * @param[in] index the step
 * @return #CX_OK; #CX_ENOTFOUND; #CX_EINVAL; #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_funnel_step_duration(cx_metric **out, const cx_funnel *f, size_t index);

/**
 * The times to goal as a DURATION calculator (seconds).
 * @param[out] out a new calculator, owned by the caller; NULL on failure
 * @param[in] f the funnel
 * @return #CX_OK; #CX_EINVAL; #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_funnel_goal_duration(cx_metric **out, const cx_funnel *f);

/**
 * Compares one step of two funnels (two periods, two segments): pooled
 * two-proportion z test and Newcombe hybrid score interval on the step rate
 * and on the overall rate. Differences are a - b, as shares; the intervals
 * are at the confidence level of `a` (::cx_funnel_options.confidence).
 * @param[in,out] step_out comparison of step rates; `version` set by the caller; may be NULL
 * @param[in,out] overall_out comparison of overall rates; may be NULL
 * @param[in] a the first funnel
 * @param[in] b the second funnel, over the same stages
 * @param[in] index the step
 * @return #CX_OK; #CX_ESTATE for funnels of different stages; #CX_EEMPTY
 *         when a rate has no cases in either funnel; #CX_ENOTFOUND; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_funnel_compare(cx_comparison *step_out, cx_comparison *overall_out, const cx_funnel *a,
                             const cx_funnel *b, size_t index);

/* ---- path variants ---------------------------------------------------- */

/** Path variants: distinct sequences of nodes with their counts (opaque, immutable). @since 0.2.0 */
typedef struct cx_variants cx_variants;

/** Version of ::cx_variant_options understood by this header. @since 0.2.0 */
#define CX_VARIANT_OPTIONS_VERSION 1

/**
 * Options of a variant analysis.
 * @since 0.2.0
 */
typedef struct cx_variant_options {
    unsigned int version;   /**< #CX_VARIANT_OPTIONS_VERSION */
    cx_journey_level level; /**< Nodes of the paths; #CX_JOURNEY_LEVEL_TOUCHPOINT. */
    size_t top_k;           /**< Keep only the k most frequent; 0 (default): all. */
    int collapse_repeats;   /**< Non-zero: consecutive repeats of a node count once (A A B -> A B). Default 0. */
} cx_variant_options;

/** Static initialiser for ::cx_variant_options. @since 0.2.0 */
#define CX_VARIANT_OPTIONS_INIT { CX_VARIANT_OPTIONS_VERSION, CX_JOURNEY_LEVEL_TOUCHPOINT, 0u, 0 }

/**
 * Fills ::cx_variant_options with defaults.
 * @param[out] opts the struct to fill
 * @param[in] version the caller's #CX_VARIANT_OPTIONS_VERSION
 * @return #CX_OK; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_variant_options_init(cx_variant_options *opts, unsigned int version);

/** Version of ::cx_variant understood by this header. @since 0.2.0 */
#define CX_VARIANT_VERSION 1

/**
 * One path variant. Arrays are borrowed from the ::cx_variants object.
 * @since 0.2.0
 */
typedef struct cx_variant {
    unsigned int version;      /**< #CX_VARIANT_VERSION, set by the caller. */
    size_t length;             /**< Nodes in the path (0 for cases with no event at the level). */
    const uint32_t *path;      /**< `length` node indices. */
    const char *const *names;  /**< `length` node names. */
    uint64_t count;            /**< Cases following exactly this path. */
    double share;              /**< count / cases. */
    uint64_t goal_count;       /**< Of those, cases that convert. */
    double goal_rate;          /**< goal_count / count. */
} cx_variant;

/** Static initialiser for ::cx_variant. @since 0.2.0 */
#define CX_VARIANT_INIT { CX_VARIANT_VERSION, 0u, NULL, NULL, 0u, 0, 0u, 0 }

/**
 * Initialises a ::cx_variant.
 * @param[out] v the struct to clear and stamp
 * @param[in] version the caller's #CX_VARIANT_VERSION
 * @return #CX_OK; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_variant_init(cx_variant *v, unsigned int version);

/**
 * Counts the path variants of all cases, most frequent first (ties: by the
 * node names, element by element, bytewise).
 * @param[out] out the variants, owned by the caller (cx_variants_free()); NULL on failure
 * @param[in,out] j the journey
 * @param[in] opts options, or NULL for the defaults
 * @return #CX_OK; #CX_EINVAL for an unknown level; #CX_EVERSION; #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_journey_variants(cx_variants **out, cx_journey *j, const cx_variant_options *opts);

/**
 * Releases variants. NULL-safe.
 * @param[in] v the variants
 * @since 0.2.0
 */
CX_API void cx_variants_free(cx_variants *v);

/**
 * Counts of a variant analysis.
 * @param[out] listed_out variants listed (at most top_k); may be NULL
 * @param[out] distinct_out distinct variants before top_k; may be NULL
 * @param[out] cases_out cases counted; may be NULL
 * @param[in] v the variants
 * @return #CX_OK; #CX_EINVAL
 * @since 0.2.0
 */
CX_API int cx_variants_count(size_t *listed_out, size_t *distinct_out, uint64_t *cases_out, const cx_variants *v);

/**
 * Describes the variant at `index` (0 = most frequent).
 * @param[in,out] out the variant; `out->version` set by the caller
 * @param[in] v the variants
 * @param[in] index 0 .. listed - 1
 * @return #CX_OK; #CX_ENOTFOUND; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_variants_get(cx_variant *out, const cx_variants *v, size_t index);

/* ---- directly-follows graph and bottlenecks ----------------------------- */

/** A directly-follows graph (opaque, immutable). @since 0.2.0 */
typedef struct cx_dfg cx_dfg;

/**
 * Orders of the edges of a ::cx_dfg. The last two rank bottlenecks.
 * @since 0.2.0
 */
typedef enum cx_dfg_order {
    CX_DFG_ORDER_COUNT = 1,     /**< By transitions, most first. */
    CX_DFG_ORDER_LOST = 2,      /**< By cases lost right after the transition, most first. */
    CX_DFG_ORDER_TOTAL_TIME = 3 /**< By time x volume: the sum of the transition's durations, most first. */
} cx_dfg_order;

/** Version of ::cx_dfg_options understood by this header. @since 0.2.0 */
#define CX_DFG_OPTIONS_VERSION 1

/**
 * Options of a directly-follows graph.
 * @since 0.2.0
 */
typedef struct cx_dfg_options {
    unsigned int version;   /**< #CX_DFG_OPTIONS_VERSION */
    cx_journey_level level; /**< Nodes of the graph; #CX_JOURNEY_LEVEL_TOUCHPOINT. */
    int collapse_repeats;   /**< Non-zero: no self-loops; a run A A B gives one edge A -> B timed from the last A. Default 0. */
    cx_dfg_order order;     /**< Edge order; #CX_DFG_ORDER_COUNT. Ties: more transitions first, then by names. */
} cx_dfg_options;

/** Static initialiser for ::cx_dfg_options. @since 0.2.0 */
#define CX_DFG_OPTIONS_INIT { CX_DFG_OPTIONS_VERSION, CX_JOURNEY_LEVEL_TOUCHPOINT, 0, CX_DFG_ORDER_COUNT }

/**
 * Fills ::cx_dfg_options with defaults.
 * @param[out] opts the struct to fill
 * @param[in] version the caller's #CX_DFG_OPTIONS_VERSION
 * @return #CX_OK; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_dfg_options_init(cx_dfg_options *opts, unsigned int version);

/** Version of ::cx_dfg_node understood by this header. @since 0.2.0 */
#define CX_DFG_NODE_VERSION 1

/**
 * One node of the graph.
 * @since 0.2.0
 */
typedef struct cx_dfg_node {
    unsigned int version; /**< #CX_DFG_NODE_VERSION, set by the caller. */
    uint32_t node;        /**< Node index at the graph's level. */
    const char *name;     /**< Node name (borrowed from the graph). */
    uint64_t events;      /**< Events at the node (after collapsing repeats). */
    uint64_t cases;       /**< Cases visiting the node. */
    uint64_t starts;      /**< Cases starting at the node. */
    uint64_t ends;        /**< Cases ending at the node. */
    uint64_t lost;        /**< Cases ending at the node without converting. */
} cx_dfg_node;

/** Static initialiser for ::cx_dfg_node. @since 0.2.0 */
#define CX_DFG_NODE_INIT { CX_DFG_NODE_VERSION, 0u, NULL, 0u, 0u, 0u, 0u, 0u }

/**
 * Initialises a ::cx_dfg_node.
 * @param[out] node the struct to clear and stamp
 * @param[in] version the caller's #CX_DFG_NODE_VERSION
 * @return #CX_OK; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_dfg_node_init(cx_dfg_node *node, unsigned int version);

/** Version of ::cx_dfg_edge understood by this header. @since 0.2.0 */
#define CX_DFG_EDGE_VERSION 1

/**
 * One edge A -> B: B directly follows A in a case. Durations in seconds.
 * @since 0.2.0
 */
typedef struct cx_dfg_edge {
    unsigned int version;  /**< #CX_DFG_EDGE_VERSION, set by the caller. */
    uint32_t from;         /**< Node index of A. */
    uint32_t to;           /**< Node index of B. */
    const char *from_name; /**< Name of A (borrowed from the graph). */
    const char *to_name;   /**< Name of B (borrowed from the graph). */
    uint64_t count;        /**< Transitions A -> B. */
    uint64_t cases;        /**< Cases with at least one such transition. */
    uint64_t lost;         /**< Cases whose last transition is A -> B and that do not convert. */
    double total_seconds;  /**< Time x volume: the sum of the durations = count x mean. */
    double mean_seconds;   /**< Mean duration. */
    double median_seconds; /**< Median duration (DURATION calculator). */
    double p90_seconds;    /**< 90th percentile of the duration. */
} cx_dfg_edge;

/** Static initialiser for ::cx_dfg_edge. @since 0.2.0 */
#define CX_DFG_EDGE_INIT { CX_DFG_EDGE_VERSION, 0u, 0u, NULL, NULL, 0u, 0u, 0u, 0, 0, 0, 0 }

/**
 * Initialises a ::cx_dfg_edge.
 * @param[out] edge the struct to clear and stamp
 * @param[in] version the caller's #CX_DFG_EDGE_VERSION
 * @return #CX_OK; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_dfg_edge_init(cx_dfg_edge *edge, unsigned int version);

/**
 * Builds the directly-follows graph of all cases, with per-edge counts,
 * durations and losses. Ordered by #CX_DFG_ORDER_LOST or
 * #CX_DFG_ORDER_TOTAL_TIME it is the bottleneck ranking.
 * @param[out] out the graph, owned by the caller (cx_dfg_free()); NULL on failure
 * @param[in,out] j the journey
 * @param[in] opts options, or NULL for the defaults
 * @return #CX_OK; #CX_EINVAL for an unknown level or order; #CX_EVERSION; #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_journey_dfg(cx_dfg **out, cx_journey *j, const cx_dfg_options *opts);

/**
 * Releases a graph. NULL-safe.
 * @param[in] g the graph
 * @since 0.2.0
 */
CX_API void cx_dfg_free(cx_dfg *g);

/**
 * Numbers of nodes and edges.
 * @param[out] nodes_out nodes that occur, may be NULL
 * @param[out] edges_out edges, may be NULL
 * @param[in] g the graph
 * @return #CX_OK; #CX_EINVAL
 * @since 0.2.0
 */
CX_API int cx_dfg_count(size_t *nodes_out, size_t *edges_out, const cx_dfg *g);

/**
 * Describes a node; nodes are listed by events, most first, then by name.
 * @param[in,out] out the node; `out->version` set by the caller
 * @param[in] g the graph
 * @param[in] index 0 .. nodes - 1
 * @return #CX_OK; #CX_ENOTFOUND; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_dfg_get_node(cx_dfg_node *out, const cx_dfg *g, size_t index);

/**
 * Describes an edge, in the graph's order.
 * @param[in,out] out the edge; `out->version` set by the caller
 * @param[in] g the graph
 * @param[in] index 0 .. edges - 1
 * @return #CX_OK; #CX_ENOTFOUND; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_dfg_get_edge(cx_dfg_edge *out, const cx_dfg *g, size_t index);

/**
 * The durations of one edge as a DURATION calculator (seconds).
 * @param[out] out a new calculator, owned by the caller; NULL on failure
 * @param[in] g the graph
 * @param[in] index the edge
 * @return #CX_OK; #CX_ENOTFOUND; #CX_EINVAL; #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_dfg_edge_duration(cx_metric **out, const cx_dfg *g, size_t index);

/**
 * Writes the graph in Graphviz DOT, appended to `out`: one box per node
 * (with its event count), start and end markers, one arrow per edge labelled
 * with its count and median duration, thicker for more transitions.
 * @param[in,out] out the buffer to append to (initialise with #CX_BUFFER_INIT;
 *                release with cx_buffer_dispose())
 * @param[in] g the graph
 * @return #CX_OK; #CX_EINVAL; #CX_ENOMEM (the buffer keeps its old contents)
 * @since 0.2.0
 */
CX_API int cx_dfg_to_dot(cx_buffer *out, const cx_dfg *g);

/* ---- friction --------------------------------------------------------- */

/** Friction signals (opaque, immutable). @since 0.2.0 */
typedef struct cx_friction cx_friction;

/** Version of ::cx_friction_options understood by this header. @since 0.2.0 */
#define CX_FRICTION_OPTIONS_VERSION 1

/**
 * Options of the friction analysis.
 * @since 0.2.0
 */
typedef struct cx_friction_options {
    unsigned int version;     /**< #CX_FRICTION_OPTIONS_VERSION */
    int64_t repeat_window_ms; /**< A contact at the same touchpoint within this time of the previous one (same case) is a repeat contact; default 7 days. */
} cx_friction_options;

/** Static initialiser for ::cx_friction_options. @since 0.2.0 */
#define CX_FRICTION_OPTIONS_INIT { CX_FRICTION_OPTIONS_VERSION, INT64_C(604800000) }

/**
 * Fills ::cx_friction_options with defaults.
 * @param[out] opts the struct to fill
 * @param[in] version the caller's #CX_FRICTION_OPTIONS_VERSION
 * @return #CX_OK; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_friction_options_init(cx_friction_options *opts, unsigned int version);

/** Version of ::cx_friction_summary understood by this header. @since 0.2.0 */
#define CX_FRICTION_SUMMARY_VERSION 1

/**
 * Friction over all cases. A *transition* is a pair of consecutive events
 * of a case.
 * @since 0.2.0
 */
typedef struct cx_friction_summary {
    unsigned int version;          /**< #CX_FRICTION_SUMMARY_VERSION, set by the caller. */
    uint64_t cases;                /**< Cases analysed. */
    uint64_t repeat_contacts;      /**< Events at the same touchpoint as an earlier event of the case, within the repeat window of the latest one. */
    uint64_t cases_with_repeats;   /**< Cases with at least one repeat contact. */
    uint64_t revisits;             /**< Loops: events returning to a touchpoint seen earlier in the case after another touchpoint. */
    uint64_t cases_with_loops;     /**< Cases with at least one revisit. */
    uint64_t backtracks;           /**< Transitions from a later stage back to an earlier one (map order). */
    uint64_t cases_with_backtracks; /**< Cases with at least one backtrack. */
    uint64_t channel_switches;     /**< Transitions between touchpoints of different channels. */
    uint64_t cases_crossing_channels; /**< Cases with at least one channel switch (events on two or more channels). */
    double crossing_share;         /**< cases_crossing_channels / cases. */
    uint64_t ended_after_switch;   /**< Cases whose last transition is a channel switch. */
    uint64_t lost_after_switch;    /**< Of those, cases that do not convert. */
} cx_friction_summary;

/** Static initialiser for ::cx_friction_summary. @since 0.2.0 */
#define CX_FRICTION_SUMMARY_INIT { CX_FRICTION_SUMMARY_VERSION, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0, 0u, 0u }

/**
 * Initialises a ::cx_friction_summary.
 * @param[out] s the struct to clear and stamp
 * @param[in] version the caller's #CX_FRICTION_SUMMARY_VERSION
 * @return #CX_OK; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_friction_summary_init(cx_friction_summary *s, unsigned int version);

/** Version of ::cx_friction_entry understood by this header. @since 0.2.0 */
#define CX_FRICTION_ENTRY_VERSION 1

/**
 * Friction at one touchpoint: where the signals land.
 * @since 0.2.0
 */
typedef struct cx_friction_entry {
    unsigned int version;        /**< #CX_FRICTION_ENTRY_VERSION, set by the caller. */
    uint32_t touchpoint;         /**< Touchpoint index. */
    const char *id;              /**< Touchpoint id (borrowed from the result). */
    uint64_t events;             /**< Events at the touchpoint. */
    uint64_t repeat_contacts;    /**< Repeat contacts at it. */
    uint64_t revisits;           /**< Revisits of it. */
    uint64_t backtracks_into;    /**< Backtracks arriving at it. */
    uint64_t switches_into;      /**< Channel switches arriving at it. */
    uint64_t ended_after_switch; /**< Cases ending at it right after switching channel to it. */
    uint64_t lost_after_switch;  /**< Of those, cases that do not convert. */
} cx_friction_entry;

/** Static initialiser for ::cx_friction_entry. @since 0.2.0 */
#define CX_FRICTION_ENTRY_INIT { CX_FRICTION_ENTRY_VERSION, 0u, NULL, 0u, 0u, 0u, 0u, 0u, 0u, 0u }

/**
 * Initialises a ::cx_friction_entry.
 * @param[out] e the struct to clear and stamp
 * @param[in] version the caller's #CX_FRICTION_ENTRY_VERSION
 * @return #CX_OK; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_friction_entry_init(cx_friction_entry *e, unsigned int version);

/**
 * Computes friction signals: repeat contacts, loops, backtracking and
 * channel switches.
 * @param[out] out the result, owned by the caller (cx_friction_free()); NULL on failure
 * @param[in,out] j the journey
 * @param[in] opts options, or NULL for the defaults
 * @return #CX_OK; #CX_ERANGE for a negative window; #CX_EVERSION; #CX_EINVAL; #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_journey_friction(cx_friction **out, cx_journey *j, const cx_friction_options *opts);

/**
 * Releases a friction result. NULL-safe.
 * @param[in] f the result
 * @since 0.2.0
 */
CX_API void cx_friction_free(cx_friction *f);

/**
 * Totals of the friction analysis.
 * @param[in,out] out the summary; `out->version` set by the caller
 * @param[in] f the result
 * @return #CX_OK; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_friction_get_summary(cx_friction_summary *out, const cx_friction *f);

/**
 * Number of touchpoint entries (touchpoints with at least one event).
 * @param[out] out the count
 * @param[in] f the result
 * @return #CX_OK; #CX_EINVAL
 * @since 0.2.0
 */
CX_API int cx_friction_count(size_t *out, const cx_friction *f);

/**
 * Friction at one touchpoint; entries are in touchpoint index order.
 * @param[in,out] out the entry; `out->version` set by the caller
 * @param[in] f the result
 * @param[in] index 0 .. count - 1
 * @return #CX_OK; #CX_ENOTFOUND; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_friction_get(cx_friction_entry *out, const cx_friction *f, size_t index);

/* ---- attribution ------------------------------------------------------ */

/** Attribution of conversions to touchpoints or channels (opaque, immutable). @since 0.2.0 */
typedef struct cx_attribution cx_attribution;

/**
 * Attribution models.
 * @since 0.2.0
 */
typedef enum cx_attribution_model {
    CX_ATTRIBUTION_FIRST_TOUCH = 1, /**< All credit to the first node of the path. */
    CX_ATTRIBUTION_LAST_TOUCH = 2,  /**< All credit to the last node before the goal. */
    CX_ATTRIBUTION_LINEAR = 3,      /**< Equal credit to every event of the path. */
    CX_ATTRIBUTION_MARKOV = 4       /**< Markov-chain removal effect, computed exactly on the absorbing chain. */
} cx_attribution_model;

/** Version of ::cx_attribution_options understood by this header. @since 0.2.0 */
#define CX_ATTRIBUTION_OPTIONS_VERSION 1

/**
 * Options of an attribution.
 * @since 0.2.0
 */
typedef struct cx_attribution_options {
    unsigned int version;       /**< #CX_ATTRIBUTION_OPTIONS_VERSION */
    cx_attribution_model model; /**< Model; #CX_ATTRIBUTION_MARKOV. */
    cx_journey_level level;     /**< #CX_JOURNEY_LEVEL_TOUCHPOINT (default) or #CX_JOURNEY_LEVEL_CHANNEL. */
    unsigned int markov_order;  /**< Order of the chain, 1 (default) or 2. */
    size_t max_states;          /**< Largest chain accepted (transient states, START included); default 2000. The cost grows as nodes x states^3. */
} cx_attribution_options;

/** Static initialiser for ::cx_attribution_options. @since 0.2.0 */
#define CX_ATTRIBUTION_OPTIONS_INIT \
    { CX_ATTRIBUTION_OPTIONS_VERSION, CX_ATTRIBUTION_MARKOV, CX_JOURNEY_LEVEL_TOUCHPOINT, 1u, 2000u }

/**
 * Fills ::cx_attribution_options with defaults.
 * @param[out] opts the struct to fill
 * @param[in] version the caller's #CX_ATTRIBUTION_OPTIONS_VERSION
 * @return #CX_OK; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_attribution_options_init(cx_attribution_options *opts, unsigned int version);

/** Version of ::cx_attribution_summary understood by this header. @since 0.2.0 */
#define CX_ATTRIBUTION_SUMMARY_VERSION 1

/**
 * Totals of an attribution. A case's *path* is its events before its first
 * goal-stage event (all its events when it does not convert).
 * @since 0.2.0
 */
typedef struct cx_attribution_summary {
    unsigned int version;          /**< #CX_ATTRIBUTION_SUMMARY_VERSION, set by the caller. */
    cx_attribution_model model;    /**< The model. */
    unsigned int markov_order;     /**< Chain order (Markov), else 0. */
    uint64_t cases;                /**< Cases. */
    uint64_t conversions;          /**< Converting cases. */
    uint64_t attributed;           /**< Converting cases with a non-empty path: the credit to share out. */
    double conversion_probability; /**< Markov: probability of reaching conversion from START in the chain; else NaN. */
    size_t states;                 /**< Markov: transient states of the chain (START included); else 0. */
} cx_attribution_summary;

/** Static initialiser for ::cx_attribution_summary. @since 0.2.0 */
#define CX_ATTRIBUTION_SUMMARY_INIT \
    { CX_ATTRIBUTION_SUMMARY_VERSION, (cx_attribution_model)0, 0u, 0u, 0u, 0u, 0, 0u }

/**
 * Initialises a ::cx_attribution_summary.
 * @param[out] s the struct to clear and stamp
 * @param[in] version the caller's #CX_ATTRIBUTION_SUMMARY_VERSION
 * @return #CX_OK; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_attribution_summary_init(cx_attribution_summary *s, unsigned int version);

/** Version of ::cx_attribution_entry understood by this header. @since 0.2.0 */
#define CX_ATTRIBUTION_ENTRY_VERSION 1

/**
 * Credit of one node.
 * @since 0.2.0
 */
typedef struct cx_attribution_entry {
    unsigned int version;  /**< #CX_ATTRIBUTION_ENTRY_VERSION, set by the caller. */
    uint32_t node;         /**< Node index (touchpoint or channel). */
    const char *name;      /**< Node name (borrowed from the result). */
    double credit;         /**< Conversions credited; the credits sum to `attributed`. */
    double share;          /**< credit / attributed. */
    double removal_effect; /**< Markov: 1 - P(conversion without the node) / P(conversion); else NaN. */
} cx_attribution_entry;

/** Static initialiser for ::cx_attribution_entry. @since 0.2.0 */
#define CX_ATTRIBUTION_ENTRY_INIT { CX_ATTRIBUTION_ENTRY_VERSION, 0u, NULL, 0, 0, 0 }

/**
 * Initialises a ::cx_attribution_entry.
 * @param[out] e the struct to clear and stamp
 * @param[in] version the caller's #CX_ATTRIBUTION_ENTRY_VERSION
 * @return #CX_OK; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_attribution_entry_init(cx_attribution_entry *e, unsigned int version);

/**
 * Attributes the journey's conversions to the nodes of the paths leading to
 * them. Deterministic: the Markov model solves the absorbing chain with a
 * dense LU factorisation (partial pivoting), no simulation.
 * @param[out] out the result, owned by the caller (cx_attribution_free()); NULL on failure
 * @param[in,out] j the journey
 * @param[in] opts options, or NULL for the defaults
 * @return #CX_OK; #CX_EEMPTY without conversions to attribute (no goal stage,
 *         or no converting case with a path); #CX_ERANGE for a chain larger
 *         than max_states; #CX_EINVAL for an unknown model, level or order;
 *         #CX_EVERSION; #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_journey_attribution(cx_attribution **out, cx_journey *j, const cx_attribution_options *opts);

/**
 * Releases an attribution. NULL-safe.
 * @param[in] a the attribution
 * @since 0.2.0
 */
CX_API void cx_attribution_free(cx_attribution *a);

/**
 * Totals of an attribution.
 * @param[in,out] out the summary; `out->version` set by the caller
 * @param[in] a the attribution
 * @return #CX_OK; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_attribution_get_summary(cx_attribution_summary *out, const cx_attribution *a);

/**
 * Number of nodes credited (every node that occurs on a path).
 * @param[out] out the count
 * @param[in] a the attribution
 * @return #CX_OK; #CX_EINVAL
 * @since 0.2.0
 */
CX_API int cx_attribution_count(size_t *out, const cx_attribution *a);

/**
 * Credit of the node at `index`; nodes are listed by credit, most first,
 * then by name.
 * @param[in,out] out the entry; `out->version` set by the caller
 * @param[in] a the attribution
 * @param[in] index 0 .. count - 1
 * @return #CX_OK; #CX_ENOTFOUND; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_attribution_get(cx_attribution_entry *out, const cx_attribution *a, size_t index);

/**
 * Removal effect of a set of nodes taken out together: 1 - P(conversion
 * when every path through any of them ends without converting) / P(conversion).
 * @param[out] out the removal effect, 0..1
 * @param[in] a a Markov attribution
 * @param[in] names node names (touchpoint ids or channel names)
 * @param[in] n number of names (0 gives 0)
 * @return #CX_OK; #CX_ENOTFOUND naming a node that is not in the chain;
 *         #CX_EINVAL for another model or NULL arguments; #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_attribution_removal_effect(double *out, const cx_attribution *a, const char *const *names, size_t n);

/* ---- export ----------------------------------------------------------- */

/** Version of ::cx_journey_json_options understood by this header. @since 0.2.0 */
#define CX_JOURNEY_JSON_OPTIONS_VERSION 1

/**
 * Options of the JSON export.
 * @since 0.2.0
 */
typedef struct cx_journey_json_options {
    unsigned int version;   /**< #CX_JOURNEY_JSON_OPTIONS_VERSION */
    cx_journey_level level; /**< Nodes of variants and edges; #CX_JOURNEY_LEVEL_TOUCHPOINT. */
    size_t top_k;           /**< Variants listed; 0 (default): all. */
    int collapse_repeats;   /**< As in ::cx_variant_options, for variants and edges. */
} cx_journey_json_options;

/** Static initialiser for ::cx_journey_json_options. @since 0.2.0 */
#define CX_JOURNEY_JSON_OPTIONS_INIT { CX_JOURNEY_JSON_OPTIONS_VERSION, CX_JOURNEY_LEVEL_TOUCHPOINT, 0u, 0 }

/**
 * Fills ::cx_journey_json_options with defaults.
 * @param[out] opts the struct to fill
 * @param[in] version the caller's #CX_JOURNEY_JSON_OPTIONS_VERSION
 * @return #CX_OK; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_journey_json_options_init(cx_journey_json_options *opts, unsigned int version);

/**
 * Writes the journey as one JSON object, appended to `out`:
 * `{"events": N, "customers": N, "cases": N,
 *   "variants": [{"path": [node, ...], "count": N, "share": x, "goals": N}, ...],
 *   "edges": [{"from": A, "to": B, "count": N, "cases": N, "lost": N,
 *              "mean_seconds": x, "median_seconds": x, "p90_seconds": x}, ...],
 *   "funnel": [{"stage": S, "goal": b, "entered": N, "step_rate": x, "overall_rate": x}, ...]}`
 * with variants most frequent first, edges by count, and "funnel" only when
 * the journey has stages. This is the output of `cx journey --json`.
 * @param[in,out] out the buffer to append to (release with cx_buffer_dispose())
 * @param[in,out] j the journey
 * @param[in] opts options, or NULL for the defaults
 * @return #CX_OK; #CX_EINVAL; #CX_EVERSION; #CX_ENOMEM (the buffer keeps its old contents)
 * @since 0.2.0
 */
CX_API int cx_journey_to_json(cx_buffer *out, cx_journey *j, const cx_journey_json_options *opts);

/** @} */

#ifdef __cplusplus
}
#endif

#endif /* CX_JOURNEY_H */
