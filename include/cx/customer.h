/**
 * @file customer.h
 * @brief Customer profiles: ids, typed attributes, consent flags, signals
 *        kept incrementally from events, identity merge and unmerge.
 *
 * @defgroup customer Customers
 * @{
 *
 * A ::cx_customers set holds one record per customer id. Events (visits,
 * purchases, complaints, replies, survey answers, sentiment scores) update
 * the customer's signals incrementally in O(1) memory: recency, frequency
 * and monetary value, interaction-rate, reply-latency, repurchase-interval
 * and sentiment trends, open complaints, the last NPS category and the
 * CSAT/CES history. Trends compare a recent and a baseline exponentially
 * decayed estimate; the definitions are in docs/scoring.md.
 *
 * With `keep_history` (the default) the set also keeps a compact event log,
 * so that signals can be replayed as of a past time, a merge of two ids can
 * be undone with the signals recomputed, and per-customer calculators
 * (cx_customers_metric()) can be built from a customer's answers.
 *
 * Times are milliseconds since 1970-01-01T00:00:00Z. Ids and attribute
 * names are UTF-8 strings.
 *
 * @code
 * cx_customers *db = NULL;
 * cx_customers_new(&db, NULL);
 * cx_customers_add(db, "c1", CX_TIME_NONE);
 * cx_customers_add_event(db, "c1", 1767225600000, CX_EVENT_PURCHASE, 49.90);
 * cx_customers_add_event(db, "c1", 1768435200000, CX_EVENT_NPS, 4);
 * cx_customer_signals s = CX_CUSTOMER_SIGNALS_INIT;
 * cx_customers_get_signals(&s, db, "c1", 1769040000000);
 * // s.purchases == 1, s.nps_category == CX_NPS_DETRACTOR, s.recency_days == 7
 * cx_customers_free(db);
 * @endcode
 *
 * Thread safety: a set is used by one thread at a time; read-only calls
 * (getters, signals, scoring) may run concurrently on a set nobody changes.
 */
#ifndef CX_CUSTOMER_H
#define CX_CUSTOMER_H

#include "cx/common.h"
#include "cx/metric.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A set of customers (opaque). @since 0.2.0 */
typedef struct cx_customers cx_customers;

/** "No time": an unknown first-seen time, or a signal without an event. @since 0.2.0 */
#define CX_TIME_NONE INT64_MIN

/** Longest customer id, in bytes. @since 0.2.0 */
#define CX_CUSTOMER_ID_MAX 256

/** Longest attribute name, in bytes. @since 0.2.0 */
#define CX_ATTRIBUTE_NAME_MAX 128

/**
 * Kinds of customer events. Values are fixed and never reused.
 * "Interactions" (counted by the interaction rate) are the kinds marked so.
 * @since 0.2.0
 */
typedef enum cx_event_kind {
    /** A visit, login, call or message from the customer; an interaction. `value` is ignored. */
    CX_EVENT_INTERACTION = 1,
    /** A purchase; `value` is its amount (finite, >= 0); an interaction. */
    CX_EVENT_PURCHASE = 2,
    /** The customer opened a complaint; an interaction. `value` is ignored. */
    CX_EVENT_COMPLAINT = 3,
    /** The oldest open complaint was resolved; not an interaction. The customer
     *  must have an open complaint. `value` is ignored. */
    CX_EVENT_COMPLAINT_RESOLVED = 4,
    /** The customer replied to a message; `value` is the seconds the customer
     *  took (0 .. 1e9); an interaction. */
    CX_EVENT_REPLY = 5,
    /** An NPS answer; `value` an integer 0..10. */
    CX_EVENT_NPS = 6,
    /** A CSAT answer; `value` an integer on the set's CSAT scale (default 1..5). */
    CX_EVENT_CSAT = 7,
    /** A CES answer; `value` an integer on the set's CES scale (default 1..7, higher is easier). */
    CX_EVENT_CES = 8,
    /** A sentiment score of something the customer wrote, from the host's
     *  scorer (or libcx's text module); `value` in -1..1. */
    CX_EVENT_SENTIMENT = 9
} cx_event_kind;

/**
 * NPS category of an answer.
 * @since 0.2.0
 */
typedef enum cx_nps_category {
    CX_NPS_NONE = 0,      /**< No answer yet. */
    CX_NPS_DETRACTOR = 1, /**< 0..6 */
    CX_NPS_PASSIVE = 2,   /**< 7..8 */
    CX_NPS_PROMOTER = 3   /**< 9..10 */
} cx_nps_category;

/** Version of ::cx_customers_options understood by this header. @since 0.2.0 */
#define CX_CUSTOMERS_OPTIONS_VERSION 1

/**
 * Options of a customer set. Initialise with #CX_CUSTOMERS_OPTIONS_INIT or
 * cx_customers_options_init().
 * @since 0.2.0
 */
typedef struct cx_customers_options {
    unsigned int version;         /**< #CX_CUSTOMERS_OPTIONS_VERSION */
    int keep_history;             /**< 1 (default): keep the event log for replay, unmerge and per-customer calculators; 0: signals only. */
    double recent_half_life_days;  /**< Half-life of the "recent" estimates of trends, > 0; default 30. */
    double baseline_half_life_days; /**< Half-life of the "baseline" estimates, > recent; default 180. */
    int csat_min;                 /**< Lowest CSAT answer; default 1. */
    int csat_max;                 /**< Highest CSAT answer (> csat_min, at most csat_min + 100); default 5. */
    int ces_min;                  /**< Lowest CES answer; default 1. */
    int ces_max;                  /**< Highest CES answer (> ces_min, at most ces_min + 100); default 7. */
} cx_customers_options;

/** Static initialiser for ::cx_customers_options with every default. @since 0.2.0 */
#define CX_CUSTOMERS_OPTIONS_INIT { CX_CUSTOMERS_OPTIONS_VERSION, 1, 30.0, 180.0, 1, 5, 1, 7 }

/**
 * Fills ::cx_customers_options with defaults, for callers without macros.
 * @param[out] opts the struct to fill
 * @param[in] version the caller's #CX_CUSTOMERS_OPTIONS_VERSION
 * @return #CX_OK; #CX_EINVAL if `opts` is NULL or `version` is 0;
 *         #CX_EVERSION if `version` is newer than this library
 * @since 0.2.0
 */
CX_API int cx_customers_options_init(cx_customers_options *opts, unsigned int version);

/**
 * Creates an empty customer set.
 * @param[out] out the set, owned by the caller (cx_customers_free()); NULL on failure
 * @param[in] opts options, or NULL for the defaults; copied
 * @return #CX_OK; #CX_EINVAL for an option out of range (named in the
 *         message); #CX_EVERSION; #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_customers_new(cx_customers **out, const cx_customers_options *opts);

/**
 * Releases a set, its customers, attributes and history, and calls the
 * destructors of custom survivorship callbacks. NULL-safe.
 * @param[in] db the set
 * @since 0.2.0
 */
CX_API void cx_customers_free(cx_customers *db);

/**
 * Returns the options of a set.
 * @param[in,out] out options; `out->version` set by the caller
 * @param[in] db the set
 * @return #CX_OK; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_customers_get_options(cx_customers_options *out, const cx_customers *db);

/**
 * Adds a customer.
 * @param[in,out] db the set
 * @param[in] id the customer id (UTF-8, 1..#CX_CUSTOMER_ID_MAX bytes)
 * @param[in] first_seen_ms when the customer was first seen (events before it
 *            are refused), or #CX_TIME_NONE to take the earliest event
 * @return #CX_OK; #CX_EEXISTS naming the id; #CX_EINVAL for an empty, too
 *         long or invalid UTF-8 id; #CX_ERANGE for a time beyond year +/-100000;
 *         #CX_ENOMEM (set unchanged)
 * @since 0.2.0
 */
CX_API int cx_customers_add(cx_customers *db, const char *id, int64_t first_seen_ms);

/**
 * Adds many customers, all or nothing.
 * @param[in,out] db the set
 * @param[in] ids n customer ids
 * @param[in] first_seen_ms n first-seen times, or NULL for all #CX_TIME_NONE
 * @param[in] n number of customers
 * @return as cx_customers_add(), the message naming the item's index; an id
 *         repeated within the batch is #CX_EEXISTS
 * @since 0.2.0
 */
CX_API int cx_customers_add_many(cx_customers *db, const char *const *ids, const int64_t *first_seen_ms, size_t n);

/**
 * Number of customer records, ids merged into others included. Records
 * are numbered 0 .. count - 1 in the order they were added.
 * @param[out] out the number of records
 * @param[in] db the set
 * @return #CX_OK; #CX_EINVAL
 * @since 0.2.0
 */
CX_API int cx_customers_count(size_t *out, const cx_customers *db);

/**
 * Finds the record number of an id.
 * @param[out] out the record number
 * @param[in] db the set
 * @param[in] id the customer id
 * @return #CX_OK; #CX_ENOTFOUND naming the id; #CX_EINVAL
 * @since 0.2.0
 */
CX_API int cx_customers_find(size_t *out, const cx_customers *db, const char *id);

/**
 * Returns the id of a record.
 * @param[out] out the id, borrowed from the set (valid until it is freed)
 * @param[in] db the set
 * @param[in] index the record number
 * @return #CX_OK; #CX_ENOTFOUND for an index past the end; #CX_EINVAL
 * @since 0.2.0
 */
CX_API int cx_customers_get_id(const char **out, const cx_customers *db, size_t index);

/**
 * Records one event of a customer (see cx_customers_add_events()).
 * @param[in,out] db the set
 * @param[in] id the customer id (an id merged into another counts for the survivor)
 * @param[in] timestamp_ms time of the event
 * @param[in] kind what happened
 * @param[in] value the amount, score or seconds (see ::cx_event_kind)
 * @return as cx_customers_add_events()
 * @since 0.2.0
 */
CX_API int cx_customers_add_event(cx_customers *db, const char *id, int64_t timestamp_ms, cx_event_kind kind,
                                  double value);

/**
 * Records many events, all or nothing: every event is checked (known id,
 * known kind, value on its scale, time not before the customer's first
 * event, a complaint open for each resolution) before any is applied.
 * Events may arrive out of time order.
 * @param[in,out] db the set
 * @param[in] ids n customer ids
 * @param[in] timestamps_ms n times
 * @param[in] kinds n kinds
 * @param[in] values n values (may be NULL when no kind needs one: interactions, complaints, resolutions)
 * @param[in] n number of events
 * @return #CX_OK; #CX_ENOTFOUND naming an unknown id; #CX_ERANGE naming a
 *         value off its scale (NaN, infinity, a fraction on an integer
 *         scale) or a time before the customer's first event; #CX_EINVAL
 *         for an unknown kind or NULL arrays; #CX_ESTATE for a resolution
 *         without an open complaint; #CX_ENOMEM. Every message names the
 *         event's index and customer; on failure the set is unchanged.
 * @since 0.2.0
 */
CX_API int cx_customers_add_events(cx_customers *db, const char *const *ids, const int64_t *timestamps_ms,
                                   const cx_event_kind *kinds, const double *values, size_t n);

/**
 * Finds the record numbers of many ids at once (faster than one
 * cx_customers_find() per id on large sets), for cx_customers_add_events_at().
 * @param[out] out n record numbers
 * @param[in] db the set
 * @param[in] ids n customer ids
 * @param[in] n number of ids
 * @return #CX_OK; #CX_ENOTFOUND naming the first unknown id and its index
 *         (`out` is then left unwritten); #CX_EINVAL for NULL arrays or ids; #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_customers_find_many(size_t *out, const cx_customers *db, const char *const *ids, size_t n);

/**
 * Records many events of customers given by record number, all or
 * nothing: as cx_customers_add_events() without an id lookup per event. A
 * host that keeps the record numbers of its customers (from
 * cx_customers_add_many() order or cx_customers_find_many()) saves a hash
 * lookup per event, which dominates on sets larger than the CPU caches.
 * @param[in,out] db the set
 * @param[in] records n record numbers (0 .. count - 1)
 * @param[in] timestamps_ms n times
 * @param[in] kinds n kinds
 * @param[in] values n values (may be NULL when no kind needs one)
 * @param[in] n number of events
 * @return as cx_customers_add_events(); #CX_ENOTFOUND for a record number
 *         past the end (named with the event's index)
 * @since 0.2.0
 */
CX_API int cx_customers_add_events_at(cx_customers *db, const size_t *records, const int64_t *timestamps_ms,
                                      const cx_event_kind *kinds, const double *values, size_t n);

/**
 * Sets a customer's consent flags: a bit mask whose meaning the host
 * defines (email, SMS, profiling, ...). A merge keeps only the consents
 * both ids gave.
 * @param[in,out] db the set
 * @param[in] id the customer id
 * @param[in] flags the consent bits
 * @return #CX_OK; #CX_ENOTFOUND; #CX_EINVAL
 * @since 0.2.0
 */
CX_API int cx_customers_set_consent(cx_customers *db, const char *id, uint32_t flags);

/** Version of ::cx_customer_profile understood by this header. @since 0.2.0 */
#define CX_CUSTOMER_PROFILE_VERSION 1

/**
 * A customer's profile. Pointers are borrowed from the set and valid until
 * it is next changed or freed. For an id merged into another the figures
 * are the survivor's and `merged_into` names it.
 * @since 0.2.0
 */
typedef struct cx_customer_profile {
    unsigned int version;   /**< #CX_CUSTOMER_PROFILE_VERSION, set by the caller. */
    const char *id;         /**< The id asked for (borrowed). */
    size_t index;           /**< Its record number. */
    const char *merged_into; /**< Id of the customer this id was merged into (the current survivor), or NULL. */
    int64_t first_seen_ms;  /**< First seen: the given time or the earliest event; #CX_TIME_NONE when neither. */
    int64_t last_seen_ms;   /**< Latest event of any kind; #CX_TIME_NONE without events. */
    uint64_t events;        /**< Events recorded. */
    uint32_t consent;       /**< Consent bits. */
    size_t attributes;      /**< Number of attributes set. */
} cx_customer_profile;

/** Static initialiser for ::cx_customer_profile. @since 0.2.0 */
#define CX_CUSTOMER_PROFILE_INIT { CX_CUSTOMER_PROFILE_VERSION, NULL, 0, NULL, 0, 0, 0u, 0u, 0 }

/**
 * Initialises a ::cx_customer_profile, for callers without macros.
 * @param[out] p the struct to clear and stamp with `version`
 * @param[in] version the caller's #CX_CUSTOMER_PROFILE_VERSION
 * @return #CX_OK; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_customer_profile_init(cx_customer_profile *p, unsigned int version);

/**
 * Describes a customer.
 * @param[in,out] out the profile; `out->version` set by the caller
 * @param[in] db the set
 * @param[in] id the customer id
 * @return #CX_OK; #CX_ENOTFOUND; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_customers_get_profile(cx_customer_profile *out, const cx_customers *db, const char *id);

/**
 * Describes the customer of a record (see cx_customers_get_profile()), for
 * bulk use without id lookups.
 * @param[in,out] out the profile; `out->version` set by the caller
 * @param[in] db the set
 * @param[in] index the record number
 * @return #CX_OK; #CX_ENOTFOUND for an index past the end; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_customers_get_profile_at(cx_customer_profile *out, const cx_customers *db, size_t index);

/** Version of ::cx_customer_signals understood by this header. @since 0.2.0 */
#define CX_CUSTOMER_SIGNALS_VERSION 1

/**
 * A customer's signals as of a time. Formulas are in docs/scoring.md.
 * Rates are per day; durations of gaps and intervals in days; reply
 * latencies in seconds. A figure with too little data is NaN; a time
 * without an event is #CX_TIME_NONE.
 * @since 0.2.0
 */
typedef struct cx_customer_signals {
    unsigned int version;              /**< #CX_CUSTOMER_SIGNALS_VERSION, set by the caller. */
    int64_t as_of_ms;                  /**< The time the signals describe. */
    int64_t first_seen_ms;             /**< First seen. */
    int64_t last_seen_ms;              /**< Latest event of any kind up to as_of. */
    double tenure_days;                /**< as_of - first seen. */
    double recency_days;               /**< as_of - latest event; NaN without events. */
    uint64_t events;                   /**< Events of every kind. */
    uint64_t interactions;             /**< Interactions (interaction, purchase, complaint, reply). */
    double interaction_rate_recent;    /**< Interactions per day, recent estimate (decayed, corrected for tenure). */
    double interaction_rate_baseline;  /**< Interactions per day, baseline estimate. */
    double interaction_trend;          /**< recent / baseline rate; NaN when the baseline is 0. */
    uint64_t purchases;                /**< Frequency: number of purchases. */
    double monetary_total;             /**< Sum of purchase amounts. */
    double monetary_mean;              /**< Mean purchase amount; NaN without purchases. */
    int64_t last_purchase_ms;          /**< Latest purchase. */
    double repurchase_interval_mean_days; /**< (last - first purchase) / (purchases - 1); NaN below 2 purchases. */
    double repurchase_interval_last_days; /**< Latest purchase - the one before; NaN below 2 purchases. */
    double repurchase_gap_days;        /**< as_of - latest purchase; NaN without purchases. */
    double repurchase_trend;           /**< max(gap, last interval) / mean interval; NaN below 2 purchases or a mean of 0. */
    uint64_t replies;                  /**< Customer replies. */
    double reply_latency_recent;       /**< Decayed mean reply latency in seconds, recent half-life; NaN without replies. */
    double reply_latency_baseline;     /**< The same with the baseline half-life. */
    double reply_latency_trend;        /**< recent / baseline latency; NaN when undefined. */
    uint64_t complaints;               /**< Complaints opened. */
    uint64_t open_complaints;          /**< Complaints opened and not resolved. */
    int64_t last_complaint_ms;         /**< Latest complaint opened. */
    uint64_t nps_answers;              /**< NPS answers. */
    double last_nps;                   /**< Latest NPS answer 0..10; NaN without. */
    cx_nps_category nps_category;      /**< Category of the latest NPS answer. */
    int64_t last_nps_ms;               /**< Time of the latest NPS answer. */
    uint64_t csat_answers;             /**< CSAT answers. */
    double csat_mean;                  /**< Mean CSAT answer; NaN without. */
    double csat_recent;                /**< Decayed mean CSAT answer (recent half-life). */
    double csat_last;                  /**< Latest CSAT answer. */
    int64_t last_csat_ms;              /**< Time of the latest CSAT answer. */
    uint64_t ces_answers;              /**< CES answers. */
    double ces_mean;                   /**< Mean CES answer; NaN without. */
    double ces_recent;                 /**< Decayed mean CES answer (recent half-life). */
    double ces_last;                   /**< Latest CES answer. */
    int64_t last_ces_ms;               /**< Time of the latest CES answer. */
    uint64_t sentiment_scores;         /**< Sentiment scores. */
    double sentiment_recent;           /**< Decayed mean sentiment, recent half-life; NaN without. */
    double sentiment_baseline;         /**< Decayed mean sentiment, baseline half-life. */
    double sentiment_trend;            /**< recent - baseline. */
    int64_t last_sentiment_ms;         /**< Time of the latest sentiment score. */
} cx_customer_signals;

/** Static initialiser for ::cx_customer_signals. @since 0.2.0 */
#define CX_CUSTOMER_SIGNALS_INIT { CX_CUSTOMER_SIGNALS_VERSION, 0, 0, 0, 0, 0, 0u, 0u, 0, 0, 0, 0u, 0, 0, 0, 0, 0, 0, \
    0, 0u, 0, 0, 0, 0u, 0u, 0, 0u, 0, CX_NPS_NONE, 0, 0u, 0, 0, 0, 0, 0u, 0, 0, 0, 0, 0u, 0, 0, 0, 0 }

/**
 * Initialises a ::cx_customer_signals, for callers without macros.
 * @param[out] s the struct to clear and stamp with `version`
 * @param[in] version the caller's #CX_CUSTOMER_SIGNALS_VERSION
 * @return #CX_OK; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_customer_signals_init(cx_customer_signals *s, unsigned int version);

/**
 * Computes a customer's signals as of a time. From the latest event
 * onward this decays the incremental state; earlier, it replays the
 * history (which needs `keep_history`).
 * @param[in,out] out the signals; `out->version` set by the caller
 * @param[in] db the set
 * @param[in] id the customer id (an id merged into another answers for the survivor)
 * @param[in] as_of_ms the time
 * @return #CX_OK; #CX_ENOTFOUND; #CX_EEMPTY when the customer was not yet
 *         seen at `as_of_ms`; #CX_ESTATE for a time before the latest event
 *         without history; #CX_ERANGE for a time beyond year +/-100000;
 *         #CX_ENOMEM (replay); #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_customers_get_signals(cx_customer_signals *out, const cx_customers *db, const char *id,
                                    int64_t as_of_ms);

/**
 * Computes the signals of the customer of a record (see
 * cx_customers_get_signals()); for bulk use without id lookups.
 * @param[in,out] out the signals; `out->version` set by the caller
 * @param[in] db the set
 * @param[in] index the record number
 * @param[in] as_of_ms the time
 * @return as cx_customers_get_signals(); #CX_ENOTFOUND for an index past the end
 * @since 0.2.0
 */
CX_API int cx_customers_get_signals_at(cx_customer_signals *out, const cx_customers *db, size_t index,
                                       int64_t as_of_ms);

/* ---- attributes ------------------------------------------------------ */

/**
 * Types of attribute values.
 * @since 0.2.0
 */
typedef enum cx_attr_type {
    CX_ATTR_STRING = 1,    /**< UTF-8 text. */
    CX_ATTR_NUMBER = 2,    /**< A finite double. */
    CX_ATTR_BOOL = 3,      /**< 0 or 1. */
    CX_ATTR_TIMESTAMP = 4  /**< Milliseconds since the epoch. */
} cx_attr_type;

/**
 * How a merge picks an attribute's value when both ids have one. When
 * only one has a value, that value survives.
 * @since 0.2.0
 */
typedef enum cx_survivorship {
    CX_SURVIVE_MOST_RECENT = 1, /**< The value set latest (`updated_ms`); the survivor's on a tie. */
    CX_SURVIVE_OLDEST = 2,      /**< The value set first; the survivor's on a tie. */
    CX_SURVIVE_NON_EMPTY = 3,   /**< The survivor's, unless it is an empty string. */
    CX_SURVIVE_SUM = 4,         /**< The sum (numbers only); the latest `updated_ms`. */
    CX_SURVIVE_CUSTOM = 5       /**< The attribute's callback decides. */
} cx_survivorship;

/** Version of ::cx_attr_value understood by this header. @since 0.2.0 */
#define CX_ATTR_VALUE_VERSION 1

/**
 * An attribute value. The field of its type holds the value.
 * @since 0.2.0
 */
typedef struct cx_attr_value {
    unsigned int version;  /**< #CX_ATTR_VALUE_VERSION */
    cx_attr_type type;     /**< Type of the value. */
    const char *string;    /**< #CX_ATTR_STRING: the text (borrowed from the set, or from the callback that made it). */
    double number;         /**< #CX_ATTR_NUMBER: the number. */
    int boolean;           /**< #CX_ATTR_BOOL: 0 or 1. */
    int64_t timestamp_ms;  /**< #CX_ATTR_TIMESTAMP: the time. */
    int64_t updated_ms;    /**< When the value was set (as given by the host). */
} cx_attr_value;

/** Static initialiser for ::cx_attr_value. @since 0.2.0 */
#define CX_ATTR_VALUE_INIT { CX_ATTR_VALUE_VERSION, (cx_attr_type)0, NULL, 0, 0, 0, 0 }

/**
 * Initialises a ::cx_attr_value, for callers without macros.
 * @param[out] v the struct to clear and stamp with `version`
 * @param[in] version the caller's #CX_ATTR_VALUE_VERSION
 * @return #CX_OK; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_attr_value_init(cx_attr_value *v, unsigned int version);

/**
 * A custom survivorship rule: picks or makes the merged value of an
 * attribute both ids have. Strings written to `out` are copied by the set
 * right after the call.
 * @param[in,out] out the merged value, pre-filled with the survivor's; keep its `type`
 * @param[in] survivor the survivor's value
 * @param[in] absorbed the value of the id being merged in
 * @param[in] payload the attribute's payload
 * @return #CX_OK, or a negative status that aborts the merge (the set is
 *         unchanged; the status comes back from cx_customers_merge(), a
 *         positive one as #CX_EINVAL)
 * @since 0.2.0
 */
typedef int (*cx_survivorship_fn)(cx_attr_value *out, const cx_attr_value *survivor, const cx_attr_value *absorbed,
                                  void *payload);

/** Version of ::cx_attribute_def understood by this header. @since 0.2.0 */
#define CX_ATTRIBUTE_DEF_VERSION 1

/**
 * Definition of an attribute: its name, type and survivorship rule.
 * @since 0.2.0
 */
typedef struct cx_attribute_def {
    unsigned int version;         /**< #CX_ATTRIBUTE_DEF_VERSION */
    const char *name;             /**< Name (UTF-8, 1..#CX_ATTRIBUTE_NAME_MAX bytes); copied. */
    cx_attr_type type;            /**< Type of its values. */
    cx_survivorship survivorship; /**< Merge rule; #CX_SURVIVE_MOST_RECENT by default. */
    cx_survivorship_fn merge_fn;  /**< #CX_SURVIVE_CUSTOM: the rule. */
    void *payload;                /**< Passed to `merge_fn`. */
    void (*destroy)(void *payload); /**< Called on `payload` when the set is freed; may be NULL. */
} cx_attribute_def;

/** Static initialiser for ::cx_attribute_def. @since 0.2.0 */
#define CX_ATTRIBUTE_DEF_INIT { CX_ATTRIBUTE_DEF_VERSION, NULL, (cx_attr_type)0, CX_SURVIVE_MOST_RECENT, NULL, NULL, NULL }

/**
 * Initialises a ::cx_attribute_def, for callers without macros.
 * @param[out] def the struct to fill with defaults
 * @param[in] version the caller's #CX_ATTRIBUTE_DEF_VERSION
 * @return #CX_OK; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_attribute_def_init(cx_attribute_def *def, unsigned int version);

/**
 * Defines an attribute. On success the set owns `def->payload` (its
 * destructor runs when the set is freed); on failure the caller keeps it.
 * @param[in,out] db the set
 * @param[in] def the definition (copied)
 * @return #CX_OK; #CX_EEXISTS for a name already defined; #CX_EINVAL for a
 *         bad name, an unknown type or rule, #CX_SURVIVE_SUM on a
 *         non-number, #CX_SURVIVE_CUSTOM without `merge_fn`; #CX_EVERSION;
 *         #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_customers_define_attribute(cx_customers *db, const cx_attribute_def *def);

/**
 * Finds an attribute by name.
 * @param[out] index_out its number (0 .. defined - 1, in definition order); may be NULL
 * @param[out] type_out its type; may be NULL
 * @param[in] db the set
 * @param[in] name the attribute name
 * @return #CX_OK; #CX_ENOTFOUND naming the attribute; #CX_EINVAL
 * @since 0.2.0
 */
CX_API int cx_customers_find_attribute(size_t *index_out, cx_attr_type *type_out, const cx_customers *db,
                                       const char *name);

/**
 * Sets a string attribute.
 * @param[in,out] db the set
 * @param[in] id the customer id
 * @param[in] name a #CX_ATTR_STRING attribute
 * @param[in] value UTF-8 text (copied)
 * @param[in] updated_ms when the value was set (used by survivorship)
 * @return #CX_OK; #CX_ENOTFOUND for an unknown id or attribute; #CX_EINVAL
 *         for an attribute of another type (named with both types) or
 *         invalid UTF-8; #CX_ENOMEM (nothing changed)
 * @since 0.2.0
 */
CX_API int cx_customers_set_string(cx_customers *db, const char *id, const char *name, const char *value,
                                   int64_t updated_ms);

/**
 * Sets a number attribute.
 * @param[in,out] db the set
 * @param[in] id the customer id
 * @param[in] name a #CX_ATTR_NUMBER attribute
 * @param[in] value a finite number
 * @param[in] updated_ms when the value was set
 * @return as cx_customers_set_string(); #CX_ERANGE for NaN or infinity
 * @since 0.2.0
 */
CX_API int cx_customers_set_number(cx_customers *db, const char *id, const char *name, double value,
                                   int64_t updated_ms);

/**
 * Sets a boolean attribute.
 * @param[in,out] db the set
 * @param[in] id the customer id
 * @param[in] name a #CX_ATTR_BOOL attribute
 * @param[in] value 0 or 1 (any non-zero is 1)
 * @param[in] updated_ms when the value was set
 * @return as cx_customers_set_string()
 * @since 0.2.0
 */
CX_API int cx_customers_set_bool(cx_customers *db, const char *id, const char *name, int value, int64_t updated_ms);

/**
 * Sets a timestamp attribute.
 * @param[in,out] db the set
 * @param[in] id the customer id
 * @param[in] name a #CX_ATTR_TIMESTAMP attribute
 * @param[in] value the time in ms
 * @param[in] updated_ms when the value was set
 * @return as cx_customers_set_string()
 * @since 0.2.0
 */
CX_API int cx_customers_set_timestamp(cx_customers *db, const char *id, const char *name, int64_t value,
                                      int64_t updated_ms);

/**
 * Removes an attribute value from a customer (no-op when unset).
 * @param[in,out] db the set
 * @param[in] id the customer id
 * @param[in] name the attribute
 * @return #CX_OK; #CX_ENOTFOUND for an unknown id or attribute; #CX_EINVAL
 * @since 0.2.0
 */
CX_API int cx_customers_unset_attribute(cx_customers *db, const char *id, const char *name);

/**
 * Reads an attribute value.
 * @param[in,out] out the value; `out->version` set by the caller; strings borrowed from the set
 * @param[in] db the set
 * @param[in] id the customer id (an id merged into another answers for the survivor)
 * @param[in] name the attribute
 * @return #CX_OK; #CX_ENOTFOUND for an unknown id or attribute, or a value
 *         not set (the message says which); #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_customers_get_attribute(cx_attr_value *out, const cx_customers *db, const char *id, const char *name);

/**
 * Reads an attribute value by record and attribute number, for bulk use.
 * @param[in,out] out the value; `out->version` set by the caller
 * @param[in] db the set
 * @param[in] index the record number
 * @param[in] attribute the attribute number (cx_customers_find_attribute())
 * @return as cx_customers_get_attribute()
 * @since 0.2.0
 */
CX_API int cx_customers_get_attribute_at(cx_attr_value *out, const cx_customers *db, size_t index, size_t attribute);

/* ---- identity merge ---------------------------------------------------- */

/**
 * Merges two ids of one customer: `absorbed_id` becomes an alias of
 * `survivor_id`. Signals are combined, attributes resolved by each
 * attribute's survivorship rule, consents intersected; the merge is
 * logged so it can be undone with cx_customers_unmerge(). Later events,
 * attributes and queries of `absorbed_id` go to the survivor.
 * @param[in,out] db the set
 * @param[in] survivor_id the id that stays
 * @param[in] absorbed_id the id merged into it
 * @param[in] at_ms when the merge happened (logged)
 * @return #CX_OK; #CX_ENOTFOUND for an unknown id; #CX_EINVAL for the same
 *         id twice; #CX_ESTATE when either id is already merged into another
 *         (the message names it); an error from a custom survivorship rule;
 *         #CX_ENOMEM (set unchanged)
 * @since 0.2.0
 */
CX_API int cx_customers_merge(cx_customers *db, const char *survivor_id, const char *absorbed_id, int64_t at_ms);

/**
 * Undoes the merge of `absorbed_id`: it becomes a customer of its own again
 * with its own events and attributes, and the survivor's signals are
 * recomputed from the events left to it. Survivor attributes changed since
 * the merge keep their new values; the others return to their values from
 * before the merge. Events recorded under `absorbed_id` after the merge go
 * back with it.
 * @param[in,out] db the set (created with `keep_history`)
 * @param[in] absorbed_id an id merged into another
 * @return #CX_OK; #CX_ENOTFOUND; #CX_ESTATE when the id is not merged, the
 *         survivor was itself merged since (undo that first), the set
 *         keeps no history, or a complaint resolution recorded under one id
 *         closed a complaint of the other (either side would be left with
 *         more resolutions than complaints; the message names it);
 *         #CX_ENOMEM (set unchanged)
 * @since 0.2.0
 */
CX_API int cx_customers_unmerge(cx_customers *db, const char *absorbed_id);

/** Version of ::cx_merge_record understood by this header. @since 0.2.0 */
#define CX_MERGE_RECORD_VERSION 1

/**
 * One entry of the merge log.
 * @since 0.2.0
 */
typedef struct cx_merge_record {
    unsigned int version;    /**< #CX_MERGE_RECORD_VERSION, set by the caller. */
    const char *survivor;    /**< Id that stayed (borrowed). */
    const char *absorbed;    /**< Id merged into it (borrowed). */
    int64_t at_ms;           /**< When the merge happened. */
    int undone;              /**< 1 once unmerged. */
} cx_merge_record;

/** Static initialiser for ::cx_merge_record. @since 0.2.0 */
#define CX_MERGE_RECORD_INIT { CX_MERGE_RECORD_VERSION, NULL, NULL, 0, 0 }

/**
 * Initialises a ::cx_merge_record, for callers without macros.
 * @param[out] r the struct to clear and stamp with `version`
 * @param[in] version the caller's #CX_MERGE_RECORD_VERSION
 * @return #CX_OK; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_merge_record_init(cx_merge_record *r, unsigned int version);

/**
 * Number of entries in the merge log (undone merges included).
 * @param[out] out the number of entries
 * @param[in] db the set
 * @return #CX_OK; #CX_EINVAL
 * @since 0.2.0
 */
CX_API int cx_customers_merge_count(size_t *out, const cx_customers *db);

/**
 * Reads an entry of the merge log, oldest first.
 * @param[in,out] out the entry; `out->version` set by the caller
 * @param[in] db the set
 * @param[in] index 0 .. count - 1
 * @return #CX_OK; #CX_ENOTFOUND past the end; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_customers_get_merge(cx_merge_record *out, const cx_customers *db, size_t index);

/**
 * Builds a calculator from a customer's survey answers up to a time: its
 * NPS, CSAT or CES history as a ::cx_metric (CSAT and CES on the set's
 * scales; on a 2-point CSAT scale the top answer counts as satisfied).
 * Needs `keep_history`.
 * @param[out] out a new calculator owned by the caller; NULL on failure
 * @param[in] db the set
 * @param[in] id the customer id
 * @param[in] kind #CX_METRIC_NPS, #CX_METRIC_CSAT or #CX_METRIC_CES
 * @param[in] as_of_ms answers up to this time are included
 * @return #CX_OK; #CX_ENOTFOUND; #CX_EINVAL for another kind; #CX_ESTATE
 *         without history; #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_customers_metric(cx_metric **out, const cx_customers *db, const char *id, cx_metric_kind kind,
                               int64_t as_of_ms);

/**
 * Visits a customer's recorded events up to a time, in time order (ties in
 * the order recorded), with the events of ids merged into it. Needs
 * `keep_history`.
 * @param[in] db the set
 * @param[in] id the customer id
 * @param[in] as_of_ms events up to this time are visited
 * @param[in] fn called per event with the record number it was recorded
 *            under; a non-zero return stops the walk and is returned
 * @param[in] payload passed to `fn`
 * @return #CX_OK; the callback's status; #CX_ENOTFOUND; #CX_ESTATE without
 *         history; #CX_EINVAL; #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_customers_walk_events(const cx_customers *db, const char *id, int64_t as_of_ms,
                                    int (*fn)(size_t record, int64_t timestamp_ms, cx_event_kind kind, double value,
                                              void *payload),
                                    void *payload);

/** @} */

#ifdef __cplusplus
}
#endif

#endif /* CX_CUSTOMER_H */
