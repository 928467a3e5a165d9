/**
 * @file store.h
 * @brief The SQLite-backed store: customers, touchpoints, events, survey
 *        answers, tickets and their events, comments; bulk writes, streaming
 *        reads and CSV / JSON Lines import.
 *
 * @defgroup store Store and import
 * @{
 *
 * A ::cx_store is one SQLite database file (or ":memory:") laid out in the
 * documented, versioned schema of docs/data-format.md. Opening a store
 * creates the schema or migrates an older one; a store written by a newer
 * libcx is refused with #CX_EVERSION. File stores run in WAL mode, so a
 * report can read while an import writes.
 *
 * Data comes in three ways: bulk arrays of rows (cx_store_add_events() and
 * its siblings, one transaction per call), or files and memory in CSV
 * (RFC 4180) or JSON Lines (cx_store_import_file()), one transaction per
 * batch of rows. Data goes out through callbacks, one row at a time
 * (cx_store_each_event() and its siblings), to feed the calculators and the
 * other modules; the store computes no figures of its own.
 *
 * Identity and re-imports: customers, touchpoints and tickets are entities
 * keyed by their id and updated in place when seen again; events, answers,
 * ticket events and comments are facts, appended once: a fact whose id (or,
 * without an id, whose content) is already in the store is skipped. Importing
 * the same file twice therefore changes nothing the second time.
 *
 * The store is built when libcx is configured with the meson feature `store`
 * (on by default). Without it every function here fails with #CX_ENOTFOUND
 * and a message saying so.
 *
 * Thread safety: a store handle is used by one thread at a time; separate
 * handles, even on the same file, are independent (SQLite locks the file).
 * SQLite's own memory is not routed through cx_set_allocator().
 *
 * @code
 * cx_store *s = NULL;
 * if (cx_store_open(&s, "shop.db", NULL) != CX_OK) { puts(cx_last_error()); ... }
 * cx_import_result r = CX_IMPORT_RESULT_INIT;
 * if (cx_store_import_file(&r, s, "events.csv", NULL) != CX_OK)
 *     puts(cx_last_error());   // "events.csv:17:4 (timestamp): ..."
 * cx_store_close(s);
 * @endcode
 */
#ifndef CX_STORE_H
#define CX_STORE_H

#include "cx/common.h"
#include "cx/metric.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A store (opaque). @since 0.2.0 */
typedef struct cx_store cx_store;

/** Newest schema version this library writes (see docs/data-format.md). @since 0.2.0 */
#define CX_STORE_SCHEMA_VERSION 1

/** A missing timestamp (an unresolved ticket's resolution time, say). @since 0.2.0 */
#define CX_STORE_NO_TIME INT64_MIN

/**
 * The tables of a store. Values are fixed and never reused.
 * @since 0.2.0
 */
typedef enum cx_store_table {
    CX_STORE_CUSTOMERS = 1,     /**< "customers": one row per customer (entity). */
    CX_STORE_TOUCHPOINTS = 2,   /**< "touchpoints": the touchpoint registry (entity). */
    CX_STORE_EVENTS = 3,        /**< "events": what customers did, where and when (fact). */
    CX_STORE_ANSWERS = 4,       /**< "answers": survey answers, NPS / CSAT / CES / FCR (fact). */
    CX_STORE_TICKETS = 5,       /**< "tickets": helpdesk tickets (entity). */
    CX_STORE_TICKET_EVENTS = 6, /**< "ticket_events": messages and status changes of tickets (fact). */
    CX_STORE_COMMENTS = 7       /**< "comments": free-text feedback (fact). */
} cx_store_table;

/**
 * Names a table: "customers", "touchpoints", "events", "answers",
 * "tickets", "ticket_events", "comments".
 * @param[in] table a table
 * @return a static string, or NULL for an unknown table
 * @since 0.2.0
 */
CX_API const char *cx_store_table_name(cx_store_table table);

/**
 * Finds a table by name (as cx_store_table_name(); "survey_answers" and
 * "surveys" also name the answers). ASCII case-insensitive.
 * @param[out] out the table
 * @param[in] name the name
 * @return #CX_OK; #CX_ENOTFOUND naming the unknown name and listing the
 *         known ones; #CX_EINVAL for NULL arguments
 * @since 0.2.0
 */
CX_API int cx_store_table_from_name(cx_store_table *out, const char *name);

/* ---- opening --------------------------------------------------------- */

/** cx_store_options::flags: open for reading only; never create or migrate. @since 0.2.0 */
#define CX_STORE_READ_ONLY 1u
/** cx_store_options::flags: fail with #CX_ENOTFOUND when the file does not exist. @since 0.2.0 */
#define CX_STORE_MUST_EXIST 2u

/** Version of ::cx_store_options understood by this header. @since 0.2.0 */
#define CX_STORE_OPTIONS_VERSION 1

/**
 * Options of cx_store_open().
 * @since 0.2.0
 */
typedef struct cx_store_options {
    unsigned int version;   /**< #CX_STORE_OPTIONS_VERSION */
    unsigned int flags;     /**< #CX_STORE_READ_ONLY, #CX_STORE_MUST_EXIST; default 0. */
    int busy_timeout_ms;    /**< How long to wait for another writer's lock, 0..3600000; default 5000. */
} cx_store_options;

/** Static initialiser for ::cx_store_options. @since 0.2.0 */
#define CX_STORE_OPTIONS_INIT { CX_STORE_OPTIONS_VERSION, 0u, 5000 }

/**
 * Fills ::cx_store_options with defaults, for callers without macros.
 * @param[out] opts the struct to fill
 * @param[in] version the caller's #CX_STORE_OPTIONS_VERSION
 * @return #CX_OK; #CX_EINVAL if `opts` is NULL; #CX_EVERSION if `version`
 *         is 0 or newer than this library
 * @since 0.2.0
 */
CX_API int cx_store_options_init(cx_store_options *opts, unsigned int version);

/**
 * Opens (and unless read-only, creates or migrates) a store.
 *
 * A new file gets the current schema. A file at an older schema version is
 * migrated step by step, each step in its own transaction. File stores use
 * WAL journaling; ":memory:" gives a private in-memory store.
 *
 * @param[out] out the store, owned by the caller (cx_store_close()); NULL on failure
 * @param[in] path a file name (UTF-8), or ":memory:"
 * @param[in] opts options, or NULL for the defaults
 * @return #CX_OK; #CX_ENOTFOUND when #CX_STORE_MUST_EXIST or
 *         #CX_STORE_READ_ONLY is given and the file does not exist;
 *         #CX_EIO when the file cannot be opened, or is read-only (file
 *         permissions) while write access was asked for; #CX_EFORMAT for a
 *         file that is not SQLite or not a libcx store; #CX_EVERSION for a
 *         store of a newer schema, or an older one opened read-only;
 *         #CX_EINVAL for bad options; #CX_ENOMEM; #CX_ENOTFOUND when libcx
 *         was built without the store
 * @since 0.2.0
 */
CX_API int cx_store_open(cx_store **out, const char *path, const cx_store_options *opts);

/**
 * Closes a store and releases the handle. NULL-safe.
 * @param[in] s the store
 * @since 0.2.0
 */
CX_API void cx_store_close(cx_store *s);

/**
 * The schema version of an open store (#CX_STORE_SCHEMA_VERSION once
 * migrated).
 * @param[out] out the version
 * @param[in] s the store
 * @return #CX_OK; #CX_EINVAL for NULL arguments
 * @since 0.2.0
 */
CX_API int cx_store_schema_version(unsigned int *out, const cx_store *s);

/**
 * Counts the rows of a table.
 * @param[out] out the number of rows
 * @param[in] s the store
 * @param[in] table the table
 * @return #CX_OK; #CX_EINVAL for an unknown table or NULL arguments;
 *         #CX_EIO when SQLite fails
 * @since 0.2.0
 */
CX_API int cx_store_count(uint64_t *out, cx_store *s, cx_store_table table);

/**
 * The time span of a table: its earliest and latest timestamp (events,
 * answers, ticket events and comments: `timestamp_ms`; tickets:
 * `opened_ms`; customers: `signup_ms`).
 * @param[out] first_out earliest time in ms since the epoch, or #CX_STORE_NO_TIME
 * @param[out] last_out latest time, or #CX_STORE_NO_TIME
 * @param[in] s the store
 * @param[in] table the table (not #CX_STORE_TOUCHPOINTS)
 * @return #CX_OK; #CX_EEMPTY when the table holds no timestamp (both
 *         outputs set to #CX_STORE_NO_TIME); #CX_EINVAL; #CX_EIO
 * @since 0.2.0
 */
CX_API int cx_store_time_span(int64_t *first_out, int64_t *last_out, cx_store *s, cx_store_table table);

/* ---- rows -------------------------------------------------------------- */

/**
 * Status of a ticket. Import accepts the names "open" (also "new"),
 * "pending" (also "on-hold", "hold", "waiting"), "resolved" (also
 * "solved") and "closed".
 * @since 0.2.0
 */
typedef enum cx_store_ticket_status {
    CX_STORE_TICKET_UNKNOWN = 0,  /**< Not given. */
    CX_STORE_TICKET_OPEN = 1,     /**< Waiting for the team. */
    CX_STORE_TICKET_PENDING = 2,  /**< Waiting for the customer or a third party. */
    CX_STORE_TICKET_RESOLVED = 3, /**< Solved; may still be reopened. */
    CX_STORE_TICKET_CLOSED = 4    /**< Closed for good. */
} cx_store_ticket_status;

/**
 * Kind of a ticket event. Import accepts the names "opened",
 * "customer_message", "agent_reply", "note", "resolved", "reopened",
 * "closed".
 * @since 0.2.0
 */
typedef enum cx_store_ticket_event_kind {
    CX_STORE_TICKET_EVENT_OPENED = 1,           /**< The ticket was opened (by the first customer message). */
    CX_STORE_TICKET_EVENT_CUSTOMER_MESSAGE = 2, /**< A further message from the customer. */
    CX_STORE_TICKET_EVENT_AGENT_REPLY = 3,      /**< A public reply from the team. */
    CX_STORE_TICKET_EVENT_NOTE = 4,             /**< An internal note (not seen by the customer). */
    CX_STORE_TICKET_EVENT_RESOLVED = 5,         /**< Marked resolved. */
    CX_STORE_TICKET_EVENT_REOPENED = 6,         /**< Reopened after a resolution. */
    CX_STORE_TICKET_EVENT_CLOSED = 7            /**< Closed for good. */
} cx_store_ticket_event_kind;

/** Version of ::cx_store_customer understood by this header. @since 0.2.0 */
#define CX_STORE_CUSTOMER_VERSION 1

/**
 * A customer (table "customers"). Strings are UTF-8, NULL when absent;
 * when the library hands a row to a callback they are borrowed and valid
 * only during the call.
 * @since 0.2.0
 */
typedef struct cx_store_customer {
    unsigned int version;    /**< #CX_STORE_CUSTOMER_VERSION */
    const char *customer_id; /**< Required: the customer's id. */
    const char *name;        /**< Display name. */
    const char *email;       /**< E-mail address. */
    const char *segment;     /**< Segment or plan ("consumer", "business", ...). */
    const char *country;     /**< Country code or name. */
    int64_t signup_ms;       /**< Became a customer, ms since the epoch; #CX_STORE_NO_TIME if unknown. */
    int64_t churned_ms;      /**< Left (cancelled, closed the account); #CX_STORE_NO_TIME while active. */
} cx_store_customer;

/** Static initialiser for ::cx_store_customer. @since 0.2.0 */
#define CX_STORE_CUSTOMER_INIT { CX_STORE_CUSTOMER_VERSION, NULL, NULL, NULL, NULL, NULL, CX_STORE_NO_TIME, CX_STORE_NO_TIME }

/**
 * Initialises a ::cx_store_customer to a customer with every field absent, for callers without macros.
 * @param[out] row the struct to fill
 * @param[in] version the caller's #CX_STORE_CUSTOMER_VERSION
 * @return #CX_OK; #CX_EINVAL if `row` is NULL; #CX_EVERSION if `version` is
 *         0 or newer than this library
 * @since 0.2.0
 */
CX_API int cx_store_customer_init(cx_store_customer *row, unsigned int version);

/** Version of ::cx_store_touchpoint understood by this header. @since 0.2.0 */
#define CX_STORE_TOUCHPOINT_VERSION 1

/**
 * A touchpoint (table "touchpoints"): a place where customers meet the
 * company, with its channel and journey stage.
 * @since 0.2.0
 */
typedef struct cx_store_touchpoint {
    unsigned int version;    /**< #CX_STORE_TOUCHPOINT_VERSION */
    const char *touchpoint;  /**< Required: the touchpoint's name ("checkout", "hotline"). */
    const char *channel;     /**< Channel ("web", "app", "phone", "chat", ...). */
    const char *stage;       /**< Journey stage ("discover", "buy", "support", ...). */
    const char *description; /**< Free text. */
} cx_store_touchpoint;

/** Static initialiser for ::cx_store_touchpoint. @since 0.2.0 */
#define CX_STORE_TOUCHPOINT_INIT { CX_STORE_TOUCHPOINT_VERSION, NULL, NULL, NULL, NULL }

/**
 * Initialises a ::cx_store_touchpoint to a touchpoint with every field absent, for callers without macros.
 * @param[out] row the struct to fill
 * @param[in] version the caller's #CX_STORE_TOUCHPOINT_VERSION
 * @return #CX_OK; #CX_EINVAL if `row` is NULL; #CX_EVERSION if `version` is
 *         0 or newer than this library
 * @since 0.2.0
 */
CX_API int cx_store_touchpoint_init(cx_store_touchpoint *row, unsigned int version);

/** Version of ::cx_store_event understood by this header. @since 0.2.0 */
#define CX_STORE_EVENT_VERSION 1

/**
 * An event (table "events"): something a customer did at a touchpoint.
 * @since 0.2.0
 */
typedef struct cx_store_event {
    unsigned int version;    /**< #CX_STORE_EVENT_VERSION */
    const char *event_id;    /**< The event's id; NULL: a content key is derived (see docs/data-format.md). */
    const char *customer_id; /**< Required: who. */
    const char *touchpoint;  /**< Required: where. */
    const char *channel;     /**< Channel, when it differs from the touchpoint's. */
    const char *type;        /**< What ("visit", "add_to_cart", "purchase", "call", ...). */
    int64_t timestamp_ms;    /**< Required: when, ms since the epoch (UTC). */
    double value;            /**< An amount (order value, ...); NaN when none. */
    const char *session_id;  /**< Session or visit id. */
} cx_store_event;

/** Static initialiser for ::cx_store_event. @since 0.2.0 */
#define CX_STORE_EVENT_INIT { CX_STORE_EVENT_VERSION, NULL, NULL, NULL, NULL, NULL, CX_STORE_NO_TIME, (double)NAN, NULL }

/**
 * Initialises a ::cx_store_event to an event with every field absent (time #CX_STORE_NO_TIME, value NaN), for callers without macros.
 * @param[out] row the struct to fill
 * @param[in] version the caller's #CX_STORE_EVENT_VERSION
 * @return #CX_OK; #CX_EINVAL if `row` is NULL; #CX_EVERSION if `version` is
 *         0 or newer than this library
 * @since 0.2.0
 */
CX_API int cx_store_event_init(cx_store_event *row, unsigned int version);

/** Version of ::cx_store_answer understood by this header. @since 0.2.0 */
#define CX_STORE_ANSWER_VERSION 1

/**
 * A survey answer (table "answers"). The score must lie on the default
 * scale of its metric: NPS 0..10, CSAT 1..5, CES 1..7, FCR 0..1, integers.
 * @since 0.2.0
 */
typedef struct cx_store_answer {
    unsigned int version;    /**< #CX_STORE_ANSWER_VERSION */
    const char *answer_id;   /**< The answer's id; NULL: a content key is derived. */
    const char *customer_id; /**< Who answered. */
    const char *touchpoint;  /**< The touchpoint the survey asked about. */
    const char *channel;     /**< Its channel, when it differs from the touchpoint's. */
    cx_metric_kind metric;   /**< Required: #CX_METRIC_NPS, #CX_METRIC_CSAT, #CX_METRIC_CES or #CX_METRIC_FCR. */
    double score;            /**< Required: the answer. */
    int64_t timestamp_ms;    /**< Required: when it was given. */
    const char *comment;     /**< Free-text comment; stored in "comments" with source "survey". */
    const char *survey;      /**< Name of the survey or question. */
    const char *ticket_id;   /**< The ticket the survey followed, if any. */
} cx_store_answer;

/** Static initialiser for ::cx_store_answer. @since 0.2.0 */
#define CX_STORE_ANSWER_INIT { CX_STORE_ANSWER_VERSION, NULL, NULL, NULL, NULL, (cx_metric_kind)0, (double)NAN, CX_STORE_NO_TIME, NULL, NULL, NULL }

/**
 * Initialises a ::cx_store_answer to an answer with every field absent, for callers without macros.
 * @param[out] row the struct to fill
 * @param[in] version the caller's #CX_STORE_ANSWER_VERSION
 * @return #CX_OK; #CX_EINVAL if `row` is NULL; #CX_EVERSION if `version` is
 *         0 or newer than this library
 * @since 0.2.0
 */
CX_API int cx_store_answer_init(cx_store_answer *row, unsigned int version);

/** Version of ::cx_store_ticket understood by this header. @since 0.2.0 */
#define CX_STORE_TICKET_VERSION 1

/**
 * A helpdesk ticket (table "tickets").
 * @since 0.2.0
 */
typedef struct cx_store_ticket {
    unsigned int version;          /**< #CX_STORE_TICKET_VERSION */
    const char *ticket_id;         /**< Required: the ticket's id. */
    const char *customer_id;       /**< Who asked. */
    const char *channel;           /**< Channel it came in by ("email", "phone", "chat", ...). */
    const char *touchpoint;        /**< Touchpoint it concerns. */
    const char *subject;           /**< Subject line. */
    const char *priority;          /**< Priority ("low", "normal", "high", "urgent", ...). */
    const char *agent;             /**< Agent or team assigned. */
    cx_store_ticket_status status; /**< Current status. */
    int64_t opened_ms;             /**< Required: when it was opened. */
    int64_t resolved_ms;           /**< When it was (last) resolved; #CX_STORE_NO_TIME if not. */
} cx_store_ticket;

/** Static initialiser for ::cx_store_ticket. @since 0.2.0 */
#define CX_STORE_TICKET_INIT { CX_STORE_TICKET_VERSION, NULL, NULL, NULL, NULL, NULL, NULL, NULL, CX_STORE_TICKET_UNKNOWN, CX_STORE_NO_TIME, CX_STORE_NO_TIME }

/**
 * Initialises a ::cx_store_ticket to a ticket with every field absent, for callers without macros.
 * @param[out] row the struct to fill
 * @param[in] version the caller's #CX_STORE_TICKET_VERSION
 * @return #CX_OK; #CX_EINVAL if `row` is NULL; #CX_EVERSION if `version` is
 *         0 or newer than this library
 * @since 0.2.0
 */
CX_API int cx_store_ticket_init(cx_store_ticket *row, unsigned int version);

/** Version of ::cx_store_ticket_event understood by this header. @since 0.2.0 */
#define CX_STORE_TICKET_EVENT_VERSION 1

/**
 * A ticket event (table "ticket_events"): a message or a status change.
 * @since 0.2.0
 */
typedef struct cx_store_ticket_event {
    unsigned int version;            /**< #CX_STORE_TICKET_EVENT_VERSION */
    const char *event_id;            /**< The event's id; NULL: a content key is derived. */
    const char *ticket_id;           /**< Required: the ticket. */
    int64_t timestamp_ms;            /**< Required: when. */
    cx_store_ticket_event_kind kind; /**< Required: what happened. */
    const char *author;              /**< Who (agent name, "customer", ...). */
    const char *text;                /**< Message text. */
} cx_store_ticket_event;

/** Static initialiser for ::cx_store_ticket_event. @since 0.2.0 */
#define CX_STORE_TICKET_EVENT_INIT { CX_STORE_TICKET_EVENT_VERSION, NULL, NULL, CX_STORE_NO_TIME, (cx_store_ticket_event_kind)0, NULL, NULL }

/**
 * Initialises a ::cx_store_ticket_event to a ticket event with every field absent, for callers without macros.
 * @param[out] row the struct to fill
 * @param[in] version the caller's #CX_STORE_TICKET_EVENT_VERSION
 * @return #CX_OK; #CX_EINVAL if `row` is NULL; #CX_EVERSION if `version` is
 *         0 or newer than this library
 * @since 0.2.0
 */
CX_API int cx_store_ticket_event_init(cx_store_ticket_event *row, unsigned int version);

/** Version of ::cx_store_comment understood by this header. @since 0.2.0 */
#define CX_STORE_COMMENT_VERSION 1

/**
 * A free-text comment (table "comments"): a review, a chat remark, or the
 * comment of a survey answer.
 * @since 0.2.0
 */
typedef struct cx_store_comment {
    unsigned int version;    /**< #CX_STORE_COMMENT_VERSION */
    const char *comment_id;  /**< The comment's id; NULL: a content key is derived. */
    const char *customer_id; /**< Who wrote it. */
    const char *touchpoint;  /**< What it is about. */
    const char *channel;     /**< Where it was written. */
    const char *source;      /**< "survey", "review", "chat", "email", "social", ... */
    int64_t timestamp_ms;    /**< Required: when. */
    const char *text;        /**< Required: the text. */
    const char *lang;        /**< Language tag ("en", "de"), if known. */
    const char *answer_id;   /**< The survey answer it came with, if any. */
    double score;            /**< That answer's score, or a review's rating; NaN when none. */
} cx_store_comment;

/** Static initialiser for ::cx_store_comment. @since 0.2.0 */
#define CX_STORE_COMMENT_INIT { CX_STORE_COMMENT_VERSION, NULL, NULL, NULL, NULL, NULL, CX_STORE_NO_TIME, NULL, NULL, NULL, (double)NAN }

/**
 * Initialises a ::cx_store_comment to a comment with every field absent, for callers without macros.
 * @param[out] row the struct to fill
 * @param[in] version the caller's #CX_STORE_COMMENT_VERSION
 * @return #CX_OK; #CX_EINVAL if `row` is NULL; #CX_EVERSION if `version` is
 *         0 or newer than this library
 * @since 0.2.0
 */
CX_API int cx_store_comment_init(cx_store_comment *row, unsigned int version);

/* ---- bulk writes ------------------------------------------------------- */

/** Version of ::cx_store_write_result understood by this header. @since 0.2.0 */
#define CX_STORE_WRITE_RESULT_VERSION 1

/**
 * What a write did.
 * @since 0.2.0
 */
typedef struct cx_store_write_result {
    unsigned int version; /**< #CX_STORE_WRITE_RESULT_VERSION, set by the caller. */
    uint64_t inserted;    /**< New rows. */
    uint64_t updated;     /**< Entities (customers, touchpoints, tickets) changed in place. */
    uint64_t unchanged;   /**< Rows already present: facts with a known id or content, entities with no new value. */
} cx_store_write_result;

/** Static initialiser for ::cx_store_write_result. @since 0.2.0 */
#define CX_STORE_WRITE_RESULT_INIT { CX_STORE_WRITE_RESULT_VERSION, 0u, 0u, 0u }

/**
 * Initialises a ::cx_store_write_result to zero counts, for callers without macros.
 * @param[out] result the struct to fill
 * @param[in] version the caller's #CX_STORE_WRITE_RESULT_VERSION
 * @return #CX_OK; #CX_EINVAL if `result` is NULL; #CX_EVERSION if `version` is
 *         0 or newer than this library
 * @since 0.2.0
 */
CX_API int cx_store_write_result_init(cx_store_write_result *result, unsigned int version);

/**
 * Writes customers, all or nothing, in one transaction. A customer already
 * in the store is updated: fields given (non-NULL, or a time other than
 * #CX_STORE_NO_TIME) replace the stored ones, absent fields are kept.
 *
 * Every row must have the `version` of `rows[0]` (the array's stride).
 *
 * @param[in,out] out counts of what was done, or NULL; `out->version` set by the caller
 * @param[in,out] s the store
 * @param[in] rows the customers
 * @param[in] n number of rows (0 is allowed)
 * @return #CX_OK; #CX_EINVAL naming the first bad row and field
 *         ("rows[3].customer_id is missing", not UTF-8, ...) and for a
 *         read-only store; #CX_EVERSION for a row version newer than the
 *         library; #CX_EIO when SQLite fails (disk full, ...): nothing was
 *         written; #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_store_add_customers(cx_store_write_result *out, cx_store *s, const cx_store_customer *rows, size_t n);

/**
 * Writes touchpoints, all or nothing (updated in place like customers).
 * @param[in,out] out counts, or NULL
 * @param[in,out] s the store
 * @param[in] rows the touchpoints
 * @param[in] n number of rows
 * @return as cx_store_add_customers()
 * @since 0.2.0
 */
CX_API int cx_store_add_touchpoints(cx_store_write_result *out, cx_store *s, const cx_store_touchpoint *rows, size_t n);

/**
 * Writes events, all or nothing. Events whose id (or derived content key)
 * is already stored, or repeated within `rows`, are counted as unchanged.
 * @param[in,out] out counts, or NULL
 * @param[in,out] s the store
 * @param[in] rows the events
 * @param[in] n number of rows
 * @return as cx_store_add_customers(); #CX_ERANGE for a timestamp
 *         beyond the years 0..9999 or an infinite value
 * @since 0.2.0
 */
CX_API int cx_store_add_events(cx_store_write_result *out, cx_store *s, const cx_store_event *rows, size_t n);

/**
 * Writes survey answers, all or nothing; comments go to "comments" with
 * source "survey" and the answer's id and score.
 * @param[in,out] out counts of answers, or NULL
 * @param[in,out] s the store
 * @param[in] rows the answers
 * @param[in] n number of rows
 * @return as cx_store_add_events(); #CX_ERANGE for a score off its
 *         metric's scale ("rows[2].score 11 is outside the NPS scale 0..10");
 *         #CX_EINVAL for a metric other than NPS, CSAT, CES or FCR
 * @since 0.2.0
 */
CX_API int cx_store_add_answers(cx_store_write_result *out, cx_store *s, const cx_store_answer *rows, size_t n);

/**
 * Writes tickets, all or nothing (updated in place like customers).
 * @param[in,out] out counts, or NULL
 * @param[in,out] s the store
 * @param[in] rows the tickets
 * @param[in] n number of rows
 * @return as cx_store_add_events(); #CX_ERANGE for a resolution before
 *         the opening
 * @since 0.2.0
 */
CX_API int cx_store_add_tickets(cx_store_write_result *out, cx_store *s, const cx_store_ticket *rows, size_t n);

/**
 * Writes ticket events, all or nothing (facts, like events).
 * @param[in,out] out counts, or NULL
 * @param[in,out] s the store
 * @param[in] rows the ticket events
 * @param[in] n number of rows
 * @return as cx_store_add_events(); #CX_EINVAL for an unknown kind
 * @since 0.2.0
 */
CX_API int cx_store_add_ticket_events(cx_store_write_result *out, cx_store *s, const cx_store_ticket_event *rows,
                                      size_t n);

/**
 * Writes comments, all or nothing (facts, like events).
 * @param[in,out] out counts, or NULL
 * @param[in,out] s the store
 * @param[in] rows the comments
 * @param[in] n number of rows
 * @return as cx_store_add_events()
 * @since 0.2.0
 */
CX_API int cx_store_add_comments(cx_store_write_result *out, cx_store *s, const cx_store_comment *rows, size_t n);

/* ---- streaming reads ----------------------------------------------------- */

/**
 * Order of the rows of a read.
 * @since 0.2.0
 */
typedef enum cx_store_order {
    CX_STORE_ORDER_STORED = 0,       /**< The order rows were written in (fastest). */
    CX_STORE_ORDER_TIME = 1,         /**< By timestamp, then stored order. */
    CX_STORE_ORDER_CUSTOMER_TIME = 2 /**< By customer id (bytewise), then timestamp: one journey after another. */
} cx_store_order;

/** Version of ::cx_store_filter understood by this header. @since 0.2.0 */
#define CX_STORE_FILTER_VERSION 1

/**
 * Which rows a read visits. The time range applies to each table's
 * timestamp (tickets: `opened_ms`; customers: `signup_ms`, customers
 * without one are visited only when no range is set); the id filters apply
 * to tables having that column and are ignored by the others.
 * @since 0.2.0
 */
typedef struct cx_store_filter {
    unsigned int version;    /**< #CX_STORE_FILTER_VERSION */
    int64_t from_ms;         /**< Earliest time, inclusive; #CX_STORE_NO_TIME: no lower bound. */
    int64_t to_ms;           /**< Latest time, exclusive; #CX_STORE_NO_TIME: no upper bound. */
    const char *customer_id; /**< Only this customer; NULL: all. */
    const char *touchpoint;  /**< Only this touchpoint; NULL: all. */
    cx_store_order order;    /**< Row order; #CX_STORE_ORDER_STORED. */
} cx_store_filter;

/** Static initialiser for ::cx_store_filter: every row, in stored order. @since 0.2.0 */
#define CX_STORE_FILTER_INIT { CX_STORE_FILTER_VERSION, CX_STORE_NO_TIME, CX_STORE_NO_TIME, NULL, NULL, CX_STORE_ORDER_STORED }

/**
 * Fills ::cx_store_filter with defaults, for callers without macros.
 * @param[out] filter the struct to fill
 * @param[in] version the caller's #CX_STORE_FILTER_VERSION
 * @return #CX_OK; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_store_filter_init(cx_store_filter *filter, unsigned int version);

/**
 * Receives one customer. Return #CX_OK to go on; any other value stops the
 * read, which returns that value.
 * @since 0.2.0
 */
typedef int (*cx_store_customer_fn)(const cx_store_customer *row, void *payload);
/** Receives one touchpoint (see ::cx_store_customer_fn). @since 0.2.0 */
typedef int (*cx_store_touchpoint_fn)(const cx_store_touchpoint *row, void *payload);
/** Receives one event (see ::cx_store_customer_fn). @since 0.2.0 */
typedef int (*cx_store_event_fn)(const cx_store_event *row, void *payload);
/** Receives one answer (see ::cx_store_customer_fn). @since 0.2.0 */
typedef int (*cx_store_answer_fn)(const cx_store_answer *row, void *payload);
/**
 * Receives one ticket with its events in time order (see
 * ::cx_store_customer_fn); `events` is NULL when `n_events` is 0.
 * @since 0.2.0
 */
typedef int (*cx_store_ticket_fn)(const cx_store_ticket *row, const cx_store_ticket_event *events, size_t n_events,
                                  void *payload);
/** Receives one comment (see ::cx_store_customer_fn). @since 0.2.0 */
typedef int (*cx_store_comment_fn)(const cx_store_comment *row, void *payload);

/**
 * Visits customers. Rows and their strings are borrowed for the duration
 * of one callback. The callback must not write to the same store handle.
 * @param[in] s the store
 * @param[in] filter which rows, or NULL for all (customer_id and signup range apply)
 * @param[in] fn called once per row
 * @param[in] payload passed to `fn`
 * @return #CX_OK; the callback's value when it stopped the read (its
 *         message, if it set one, is kept); #CX_EINVAL; #CX_EVERSION for a
 *         newer filter; #CX_EIO when SQLite fails
 * @since 0.2.0
 */
CX_API int cx_store_each_customer(cx_store *s, const cx_store_filter *filter, cx_store_customer_fn fn, void *payload);

/**
 * Visits touchpoints (only the touchpoint filter applies).
 * @param[in] s the store
 * @param[in] filter which rows, or NULL
 * @param[in] fn called once per row
 * @param[in] payload passed to `fn`
 * @return as cx_store_each_customer()
 * @since 0.2.0
 */
CX_API int cx_store_each_touchpoint(cx_store *s, const cx_store_filter *filter, cx_store_touchpoint_fn fn,
                                    void *payload);

/**
 * Visits events. `channel` is the event's own channel or, when it has none,
 * its touchpoint's.
 * @param[in] s the store
 * @param[in] filter which rows and in which order, or NULL
 * @param[in] fn called once per row
 * @param[in] payload passed to `fn`
 * @return as cx_store_each_customer()
 * @since 0.2.0
 */
CX_API int cx_store_each_event(cx_store *s, const cx_store_filter *filter, cx_store_event_fn fn, void *payload);

/**
 * Visits survey answers (`channel` completed from the touchpoint as for
 * events; `comment` filled from the answer's comment, if any).
 * @param[in] s the store
 * @param[in] filter which rows and in which order, or NULL
 * @param[in] fn called once per row
 * @param[in] payload passed to `fn`
 * @return as cx_store_each_customer()
 * @since 0.2.0
 */
CX_API int cx_store_each_answer(cx_store *s, const cx_store_filter *filter, cx_store_answer_fn fn, void *payload);

/**
 * Visits tickets, each with all its events in time order. Tickets known
 * only from their events (no ticket row imported) are visited too, with
 * `opened_ms` #CX_STORE_NO_TIME and status #CX_STORE_TICKET_UNKNOWN, when
 * the filter sets neither a time range nor a customer or touchpoint.
 * @param[in] s the store
 * @param[in] filter which tickets (time range on `opened_ms`), or NULL
 * @param[in] fn called once per ticket
 * @param[in] payload passed to `fn`
 * @return as cx_store_each_customer(); #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_store_each_ticket(cx_store *s, const cx_store_filter *filter, cx_store_ticket_fn fn, void *payload);

/**
 * Visits comments.
 * @param[in] s the store
 * @param[in] filter which rows and in which order, or NULL
 * @param[in] fn called once per row
 * @param[in] payload passed to `fn`
 * @return as cx_store_each_customer()
 * @since 0.2.0
 */
CX_API int cx_store_each_comment(cx_store *s, const cx_store_filter *filter, cx_store_comment_fn fn, void *payload);

/* ---- import -------------------------------------------------------------- */

/**
 * File formats of an import.
 * @since 0.2.0
 */
typedef enum cx_import_format {
    CX_IMPORT_AUTO = 0,  /**< By extension (.csv, .tsv, .jsonl, .ndjson, .json), else by the first byte. */
    CX_IMPORT_CSV = 1,   /**< RFC 4180 CSV with a header line (any single-byte delimiter). */
    CX_IMPORT_JSONL = 2  /**< JSON Lines: one JSON object per line. */
} cx_import_format;

/**
 * Unit of numeric timestamps.
 * @since 0.2.0
 */
typedef enum cx_epoch_unit {
    CX_EPOCH_AUTO = 0,        /**< Seconds when |value| < 10^11 (before the year 5138), else milliseconds. */
    CX_EPOCH_SECONDS = 1,     /**< Seconds since 1970-01-01T00:00:00Z (fractions allowed). */
    CX_EPOCH_MILLISECONDS = 2 /**< Milliseconds since the epoch. */
} cx_epoch_unit;

/** Version of ::cx_import_progress understood by this header. @since 0.2.0 */
#define CX_IMPORT_PROGRESS_VERSION 1

/**
 * Where an import stands, handed to the progress callback.
 * @since 0.2.0
 */
typedef struct cx_import_progress {
    unsigned int version;       /**< #CX_IMPORT_PROGRESS_VERSION */
    const char *source;         /**< The file name (borrowed). */
    uint64_t rows_read;         /**< Data rows read so far. */
    uint64_t rows_committed;    /**< Rows read in batches already committed. */
    uint64_t rows_rejected;     /**< Rows rejected so far (with skip_bad). */
    uint64_t bytes_read;        /**< Bytes consumed. */
    uint64_t bytes_total;       /**< Size of the input, or 0 when unknown (a pipe). */
    uint64_t batches_committed; /**< Transactions committed. */
    int done;                   /**< 1 on the last call, after the last commit. */
} cx_import_progress;

/**
 * Progress callback: called after every committed batch, every 65536 rows
 * while a batch is read, and once at the end. Return #CX_OK to go on; any
 * other value aborts the import: the batch being read is dropped, the
 * committed ones stay, and the import returns that value.
 * @since 0.2.0
 */
typedef int (*cx_import_progress_fn)(const cx_import_progress *progress, void *payload);

/** Version of ::cx_import_options understood by this header. @since 0.2.0 */
#define CX_IMPORT_OPTIONS_VERSION 1

/**
 * Options of an import.
 * @since 0.2.0
 */
typedef struct cx_import_options {
    unsigned int version;           /**< #CX_IMPORT_OPTIONS_VERSION */
    cx_store_table table;           /**< Target table; 0: from the file name's stem ("events.csv" -> events). */
    cx_import_format format;        /**< #CX_IMPORT_AUTO by default. */
    char delimiter;                 /**< CSV delimiter; 0: ',' (or a tab for .tsv). */
    size_t batch_rows;              /**< Rows per transaction; 0: 50000. */
    int skip_bad;                   /**< 0: a bad row fails its batch and stops the import; 1: bad rows are rejected, the rest imported. */
    const char *reject_path;        /**< With skip_bad: where rejected rows go, with the reason (created or truncated; removed if nothing was rejected); NULL: count only. */
    const char *column_map;         /**< Other column names: "field=column,field=column" (e.g. "timestamp=ts,customer_id=user"); NULL: none. */
    cx_epoch_unit epoch_unit;       /**< Unit of numeric timestamps; #CX_EPOCH_AUTO. */
    int accept_local_times;         /**< 1: date-times without a zone are taken at `local_utc_offset_minutes`; 0: they are an error. */
    int32_t local_utc_offset_minutes; /**< Offset for zone-less times, -1439..1439 (date-only values also use it). */
    cx_import_progress_fn progress; /**< Progress callback, or NULL. */
    void *payload;                  /**< Passed to `progress`. */
} cx_import_options;

/** Static initialiser for ::cx_import_options. @since 0.2.0 */
#define CX_IMPORT_OPTIONS_INIT \
    { CX_IMPORT_OPTIONS_VERSION, (cx_store_table)0, CX_IMPORT_AUTO, 0, 0u, 0, NULL, NULL, CX_EPOCH_AUTO, 0, 0, NULL, NULL }

/**
 * Fills ::cx_import_options with defaults, for callers without macros.
 * @param[out] opts the struct to fill
 * @param[in] version the caller's #CX_IMPORT_OPTIONS_VERSION
 * @return #CX_OK; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_import_options_init(cx_import_options *opts, unsigned int version);

/** Version of ::cx_import_result understood by this header. @since 0.2.0 */
#define CX_IMPORT_RESULT_VERSION 1

/**
 * What an import did. Filled on success and on failure alike: after a
 * failure it tells how far the import got (the committed batches stay).
 * @since 0.2.0
 */
typedef struct cx_import_result {
    unsigned int version;         /**< #CX_IMPORT_RESULT_VERSION, set by the caller. */
    cx_store_table table;         /**< The table written. */
    cx_import_format format;      /**< The format read. */
    uint64_t rows_read;           /**< Data rows read (blank lines not counted). */
    uint64_t inserted;            /**< New rows written. */
    uint64_t updated;             /**< Entities changed in place. */
    uint64_t unchanged;           /**< Rows already in the store (re-imports). */
    uint64_t rejected;            /**< Bad rows skipped (skip_bad). */
    uint64_t batches;             /**< Transactions committed. */
    uint64_t last_committed_line; /**< Last input line of the last committed batch (0: none). */
    uint64_t first_bad_line;      /**< Line of the first bad row, 0 if none. */
    char first_bad_reason[256];   /**< Its reason, as in the error message ("" if none). */
} cx_import_result;

/** Static initialiser for ::cx_import_result. @since 0.2.0 */
#define CX_IMPORT_RESULT_INIT { CX_IMPORT_RESULT_VERSION, (cx_store_table)0, CX_IMPORT_AUTO, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, { 0 } }

/**
 * Initialises a ::cx_import_result to zero counts, for callers without macros.
 * @param[out] result the struct to fill
 * @param[in] version the caller's #CX_IMPORT_RESULT_VERSION
 * @return #CX_OK; #CX_EINVAL if `result` is NULL; #CX_EVERSION if `version` is
 *         0 or newer than this library
 * @since 0.2.0
 */
CX_API int cx_import_result_init(cx_import_result *result, unsigned int version);

/**
 * Imports a CSV or JSON Lines file into its table.
 *
 * The file is read in batches of `batch_rows` rows; each batch is parsed
 * and checked whole, then written in one transaction. By default the first
 * bad row fails: nothing of its batch is written, earlier batches stay, and
 * the error names the file, line, column and reason
 * ("events.csv:17:4 (timestamp): \"2025-13-01\" is not a valid time: month
 * 13 is outside 1..12"). With `skip_bad`, bad rows go to the reject file
 * and everything else is written. Importing a file again is harmless:
 * facts already stored are skipped, entities rewritten with the same values.
 *
 * Columns are matched by name to the fields of docs/data-format.md (after
 * `column_map`); unknown columns are ignored; a missing required column,
 * or a CSV header without a column the map names, is an error before any
 * row is read.
 *
 * @param[in,out] out what was done, or NULL; `out->version` set by the caller
 * @param[in,out] s the store (not read-only)
 * @param[in] path the file (UTF-8 name)
 * @param[in] opts options, or NULL for the defaults
 * @return #CX_OK; #CX_EFORMAT for a malformed row or file (bad quoting, a
 *         wrong number of fields, bad JSON, a bad value, a missing column);
 *         #CX_ERANGE for a value off its scale or a time out of range;
 *         #CX_EIO when the file cannot be read or the store written (disk
 *         full, read-only); #CX_ENOTFOUND when the file does not exist;
 *         #CX_EINVAL for bad options, an unknown table, or a read-only
 *         store; the progress callback's value when it aborted; #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_store_import_file(cx_import_result *out, cx_store *s, const char *path, const cx_import_options *opts);

/**
 * Imports from an open file descriptor (a pipe, standard input), reading
 * until end of file; batches are committed as their rows arrive.
 * @param[in,out] out what was done, or NULL
 * @param[in,out] s the store
 * @param[in] fd a readable descriptor (not closed)
 * @param[in] name the name used in messages and to infer the table and format ("events.csv")
 * @param[in] opts options, or NULL
 * @return as cx_store_import_file()
 * @since 0.2.0
 */
CX_API int cx_store_import_fd(cx_import_result *out, cx_store *s, int fd, const char *name,
                              const cx_import_options *opts);

/**
 * Imports from memory.
 * @param[in,out] out what was done, or NULL
 * @param[in,out] s the store
 * @param[in] data the bytes (not NUL-terminated necessarily)
 * @param[in] len their number
 * @param[in] name the name used in messages and to infer the table and format
 * @param[in] opts options, or NULL
 * @return as cx_store_import_file()
 * @since 0.2.0
 */
CX_API int cx_store_import_memory(cx_import_result *out, cx_store *s, const void *data, size_t len, const char *name,
                                  const cx_import_options *opts);

/** @} */

#ifdef __cplusplus
}
#endif

#endif /* CX_STORE_H */
