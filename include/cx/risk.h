/**
 * @file risk.h
 * @brief Explainable churn-risk scoring: weighted rules over a customer's
 *        signals, time decay, evidence, top-k lists and alerts.
 *
 * @defgroup risk Churn risk
 * @{
 *
 * A risk model (::cx_risk) is a list of rules. Each rule looks at one
 * customer's signals (::cx_customer_signals, and through the context the
 * customer's attributes) and returns a value in 0..1: how strongly its
 * evidence points to churn. The score is the weighted mean
 *
 *     score = sum_i w_i * v_i * d_i / sum_i w_i
 *
 * over the rules that ran, where d_i = 2^(-age_i / half_life) fades
 * evidence of age age_i (rules that opt in), so that each rule's
 * contribution w_i v_i d_i / sum w is in score units and the contributions
 * add up to the score. The built-in rules and their defaults are listed in
 * docs/scoring.md.
 *
 * Rules come three ways through one interface, ::cx_rule: C callbacks
 * registered with cx_risk_add_rule(), plugins loaded from shared objects
 * (cx/plugin.h), and Python or Lua functions through the bindings, which
 * wrap the same callback. A rule that fails (an error status, NaN, a value
 * outside 0..1) is isolated: the score is computed from the other rules and
 * the evidence names the failed rule; with `strict` the scoring fails instead.
 *
 * @code
 * cx_risk *risk = NULL;
 * cx_risk_new(&risk, NULL);                       // the built-in rules
 * cx_risk_explanation *e = NULL;
 * cx_risk_explain(&e, risk, db, "c1", now_ms);
 * cx_risk_result r = CX_RISK_RESULT_INIT;
 * cx_risk_explanation_get_result(&r, e);
 * size_t n = 0;
 * cx_risk_explanation_count(&n, e);
 * for (size_t i = 0; i < n; i++) {
 *     cx_risk_evidence ev = CX_RISK_EVIDENCE_INIT;
 *     cx_risk_explanation_get(&ev, e, i);
 *     printf("%s (+%.2f)\n", ev.detail, ev.contribution);  // "3 unresolved complaints (+0.23)"
 * }
 * cx_risk_explanation_free(e);
 * cx_risk_free(risk);
 * @endcode
 *
 * Thread safety: a model may score from several threads at once when
 * nobody changes it and its callback rules are thread-safe (the built-in
 * rules are).
 */
#ifndef CX_RISK_H
#define CX_RISK_H

#include "cx/common.h"
#include "cx/customer.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A churn-risk model (opaque). @since 0.2.0 */
typedef struct cx_risk cx_risk;

/** Longest rule id, in bytes. @since 0.2.0 */
#define CX_RULE_ID_MAX 64

/** Version of ::cx_rule_context understood by this header. @since 0.2.0 */
#define CX_RULE_CONTEXT_VERSION 1

/**
 * What a rule sees: the customer and its signals. Everything is borrowed
 * for the duration of the call.
 * @since 0.2.0
 */
typedef struct cx_rule_context {
    unsigned int version;               /**< #CX_RULE_CONTEXT_VERSION (the library's). */
    const cx_customer_signals *signals; /**< The customer's signals as of `as_of_ms`; check `signals->version` before reading newer fields. */
    const cx_customers *customers;      /**< The set, for attribute lookups (cx_customers_get_attribute_at()). */
    const char *customer_id;            /**< The customer's id. */
    size_t customer_index;              /**< Its record number. */
    int64_t as_of_ms;                   /**< The time scored. */
} cx_rule_context;

/** Version of ::cx_rule_output understood by this header. @since 0.2.0 */
#define CX_RULE_OUTPUT_VERSION 1

/**
 * What a rule returns. The library pre-fills it: value 0, input and
 * reference NaN, evidence_ms #CX_TIME_NONE, and `detail` pointing to a
 * buffer when an explanation is being built (NULL otherwise, so scoring in
 * bulk pays for no text).
 * @since 0.2.0
 */
typedef struct cx_rule_output {
    unsigned int version;  /**< #CX_RULE_OUTPUT_VERSION (the library's). */
    double value;          /**< Strength of the evidence, in 0..1; 0 = none. */
    double input;          /**< The figure judged (3 complaints, a trend of 0.4), or NaN. */
    double reference;      /**< What it was compared with (a baseline), or NaN. */
    int64_t evidence_ms;   /**< When the evidence arose, for decay; #CX_TIME_NONE: current (no decay). */
    char *detail;          /**< NULL, or a buffer for one line of explanation ("3 unresolved complaints"); its last byte is set to NUL after the call. */
    size_t detail_cap;     /**< Size of `detail` in bytes. */
} cx_rule_output;

/**
 * A rule: fills `out` from the customer in `ctx`.
 * @param[in,out] out the pre-filled output
 * @param[in] ctx the customer
 * @param[in] payload the rule's payload
 * @return #CX_OK, or a negative status: the rule failed and is isolated
 * @since 0.2.0
 */
typedef int (*cx_rule_fn)(cx_rule_output *out, const cx_rule_context *ctx, void *payload);

/** Version of ::cx_rule understood by this header. @since 0.2.0 */
#define CX_RULE_VERSION 1

/**
 * A rule definition: the one interface of C callbacks, plugin rules and
 * binding functions.
 * @since 0.2.0
 */
typedef struct cx_rule {
    unsigned int version;    /**< #CX_RULE_VERSION */
    const char *id;          /**< Unique id, 1..#CX_RULE_ID_MAX bytes of [A-Za-z0-9_.:-] ("complaints.open"); copied. */
    const char *description; /**< One line for people, or NULL; copied. */
    double weight;           /**< Weight, finite and >= 0. */
    int decays;              /**< 1: the evidence fades with the model's half-life from `evidence_ms`. */
    cx_rule_fn fn;           /**< The rule. */
    void *payload;           /**< Passed to `fn`. */
    void (*destroy)(void *payload); /**< Called on `payload` when the rule is removed or the model freed; may be NULL. */
} cx_rule;

/** Static initialiser for ::cx_rule. @since 0.2.0 */
#define CX_RULE_INIT { CX_RULE_VERSION, NULL, NULL, 1.0, 0, NULL, NULL, NULL }

/**
 * Initialises a ::cx_rule (weight 1, no decay), for callers without macros.
 * @param[out] rule the struct to fill
 * @param[in] version the caller's #CX_RULE_VERSION
 * @return #CX_OK; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_rule_init(cx_rule *rule, unsigned int version);

/** Version of ::cx_risk_options understood by this header. @since 0.2.0 */
#define CX_RISK_OPTIONS_VERSION 1

/**
 * Options of a risk model.
 * @since 0.2.0
 */
typedef struct cx_risk_options {
    unsigned int version;    /**< #CX_RISK_OPTIONS_VERSION */
    double half_life_days;   /**< Half-life of decaying evidence, > 0 (INFINITY: never fades); default 90. */
    int strict;              /**< 1: a failing rule fails the scoring; 0 (default): it is isolated. */
    int builtin_rules;       /**< 1 (default): start with the built-in rules; 0: start empty. */
} cx_risk_options;

/** Static initialiser for ::cx_risk_options. @since 0.2.0 */
#define CX_RISK_OPTIONS_INIT { CX_RISK_OPTIONS_VERSION, 90.0, 0, 1 }

/**
 * Fills ::cx_risk_options with defaults, for callers without macros.
 * @param[out] opts the struct to fill
 * @param[in] version the caller's #CX_RISK_OPTIONS_VERSION
 * @return #CX_OK; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_risk_options_init(cx_risk_options *opts, unsigned int version);

/**
 * Creates a risk model.
 * @param[out] out the model, owned by the caller (cx_risk_free()); NULL on failure
 * @param[in] opts options, or NULL for the defaults
 * @return #CX_OK; #CX_EINVAL for a half-life that is not > 0; #CX_EVERSION; #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_risk_new(cx_risk **out, const cx_risk_options *opts);

/**
 * Releases a model, calling each rule's destructor and closing the plugins
 * it loaded. NULL-safe.
 * @param[in] risk the model
 * @since 0.2.0
 */
CX_API void cx_risk_free(cx_risk *risk);

/**
 * Adds a rule. On success the model owns `rule->payload` (its destructor
 * runs when the rule is removed or the model freed); on failure the caller
 * keeps it.
 * @param[in,out] risk the model
 * @param[in] rule the rule (copied)
 * @return #CX_OK; #CX_EEXISTS for an id already used; #CX_EINVAL for a bad
 *         id or a missing `fn`; #CX_ERANGE for a negative, NaN or infinite
 *         weight; #CX_EVERSION; #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_risk_add_rule(cx_risk *risk, const cx_rule *rule);

/**
 * Removes a rule, calling its destructor.
 * @param[in,out] risk the model
 * @param[in] id the rule's id
 * @return #CX_OK; #CX_ENOTFOUND naming the id; #CX_EINVAL
 * @since 0.2.0
 */
CX_API int cx_risk_remove_rule(cx_risk *risk, const char *id);

/**
 * Number of rules.
 * @param[out] out the number of rules
 * @param[in] risk the model
 * @return #CX_OK; #CX_EINVAL
 * @since 0.2.0
 */
CX_API int cx_risk_rule_count(size_t *out, const cx_risk *risk);

/**
 * Where a rule came from.
 * @since 0.2.0
 */
typedef enum cx_rule_origin {
    CX_RULE_BUILTIN = 1,  /**< One of libcx's rules. */
    CX_RULE_CALLBACK = 2, /**< Added with cx_risk_add_rule(). */
    CX_RULE_PLUGIN = 3    /**< From a plugin. */
} cx_rule_origin;

/** Version of ::cx_rule_info understood by this header. @since 0.2.0 */
#define CX_RULE_INFO_VERSION 1

/**
 * Description of a rule of a model. Strings are borrowed from the model
 * and valid until the rule is removed.
 * @since 0.2.0
 */
typedef struct cx_rule_info {
    unsigned int version;    /**< #CX_RULE_INFO_VERSION, set by the caller. */
    const char *id;          /**< The id. */
    const char *description; /**< The description ("" when none). */
    double weight;           /**< Current weight. */
    int decays;              /**< 1 when its evidence fades. */
    cx_rule_origin origin;   /**< Where it came from. */
    const char *plugin;      /**< Name of its plugin, or NULL. */
} cx_rule_info;

/** Static initialiser for ::cx_rule_info. @since 0.2.0 */
#define CX_RULE_INFO_INIT { CX_RULE_INFO_VERSION, NULL, NULL, 0, 0, (cx_rule_origin)0, NULL }

/**
 * Initialises a ::cx_rule_info, for callers without macros.
 * @param[out] info the struct to clear and stamp with `version`
 * @param[in] version the caller's #CX_RULE_INFO_VERSION
 * @return #CX_OK; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_rule_info_init(cx_rule_info *info, unsigned int version);

/**
 * Describes the rule at `index` (in the order rules were added).
 * @param[in,out] out the description; `out->version` set by the caller
 * @param[in] risk the model
 * @param[in] index 0 .. count - 1
 * @return #CX_OK; #CX_ENOTFOUND past the end; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_risk_get_rule(cx_rule_info *out, const cx_risk *risk, size_t index);

/**
 * Sets the weight of one rule.
 * @param[in,out] risk the model
 * @param[in] id the rule's id
 * @param[in] weight finite and >= 0 (0 switches the rule off)
 * @return #CX_OK; #CX_ENOTFOUND; #CX_ERANGE naming the rule and weight; #CX_EINVAL
 * @since 0.2.0
 */
CX_API int cx_risk_set_weight(cx_risk *risk, const char *id, double weight);

/**
 * Sets the weights of many rules, all or nothing.
 * @param[in,out] risk the model
 * @param[in] ids n rule ids
 * @param[in] weights n weights
 * @param[in] n number of rules
 * @return as cx_risk_set_weight(), the message naming the item's index
 * @since 0.2.0
 */
CX_API int cx_risk_set_weights(cx_risk *risk, const char *const *ids, const double *weights, size_t n);

/** Version of ::cx_risk_result understood by this header. @since 0.2.0 */
#define CX_RISK_RESULT_VERSION 1

/**
 * A customer's churn-risk score.
 * @since 0.2.0
 */
typedef struct cx_risk_result {
    unsigned int version;  /**< #CX_RISK_RESULT_VERSION, set by the caller. */
    double score;          /**< Score in 0..1. */
    int64_t as_of_ms;      /**< The time scored. */
    size_t rules;          /**< Rules that ran and counted. */
    size_t failed;         /**< Rules that failed and were left out. */
    double total_weight;   /**< Sum of the weights of the rules that counted. */
} cx_risk_result;

/** Static initialiser for ::cx_risk_result. @since 0.2.0 */
#define CX_RISK_RESULT_INIT { CX_RISK_RESULT_VERSION, 0, 0, 0, 0, 0 }

/**
 * Initialises a ::cx_risk_result, for callers without macros.
 * @param[out] r the struct to clear and stamp with `version`
 * @param[in] version the caller's #CX_RISK_RESULT_VERSION
 * @return #CX_OK; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_risk_result_init(cx_risk_result *r, unsigned int version);

/**
 * Scores one customer as of a time (a past time replays the history).
 * @param[in,out] out the score; `out->version` set by the caller
 * @param[in] risk the model
 * @param[in] db the customers
 * @param[in] id the customer id
 * @param[in] as_of_ms the time
 * @return #CX_OK; the errors of cx_customers_get_signals(); #CX_EEMPTY when
 *         no rule has a weight > 0 or every rule failed; with `strict`,
 *         #CX_ERANGE for a value outside 0..1 or NaN, or the failing rule's
 *         own status (#CX_EPLUGIN for a positive one), naming the rule;
 *         #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_risk_score(cx_risk_result *out, const cx_risk *risk, const cx_customers *db, const char *id,
                         int64_t as_of_ms);

/**
 * Scores every customer record as of a time. Ids merged into others, and
 * customers not yet seen at `as_of_ms`, get NaN.
 * @param[out] scores_out one score per record, in record order
 * @param[in] cap number of doubles `scores_out` can hold (at least the record count)
 * @param[in] risk the model
 * @param[in] db the customers
 * @param[in] as_of_ms the time
 * @return #CX_OK; #CX_EINVAL for a `cap` below the record count (named);
 *         the errors of cx_risk_score() naming the customer (nothing useful
 *         is left in `scores_out` then)
 * @since 0.2.0
 */
CX_API int cx_risk_score_all(double *scores_out, size_t cap, const cx_risk *risk, const cx_customers *db,
                             int64_t as_of_ms);

/**
 * The k customers most at risk, highest score first (ties: lower record
 * number first).
 * @param[out] indices_out up to k record numbers
 * @param[out] scores_out their scores, or NULL
 * @param[in] k how many to return
 * @param[out] len how many were returned (fewer than k when fewer customers have a score)
 * @param[in] risk the model
 * @param[in] db the customers
 * @param[in] as_of_ms the time
 * @return #CX_OK; as cx_risk_score_all(); #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_risk_top(size_t *indices_out, double *scores_out, size_t k, size_t *len, const cx_risk *risk,
                       const cx_customers *db, int64_t as_of_ms);

/* ---- explanations ------------------------------------------------------ */

/** A scored customer with its evidence (opaque). @since 0.2.0 */
typedef struct cx_risk_explanation cx_risk_explanation;

/** Version of ::cx_risk_evidence understood by this header. @since 0.2.0 */
#define CX_RISK_EVIDENCE_VERSION 1

/**
 * One rule's part in a score. Strings are borrowed from the explanation.
 * @since 0.2.0
 */
typedef struct cx_risk_evidence {
    unsigned int version;  /**< #CX_RISK_EVIDENCE_VERSION, set by the caller. */
    const char *rule_id;   /**< The rule. */
    int status;            /**< #CX_OK, or why the rule was left out (its error status; #CX_ERANGE for NaN or a value outside 0..1). */
    double value;          /**< The rule's value 0..1 (NaN when it failed). */
    double weight;         /**< The rule's weight. */
    double decay;          /**< Fading factor applied, 0..1 (1 for current evidence). */
    double contribution;   /**< weight * value * decay / total weight: its share of the score. */
    double input;          /**< The figure the rule judged, or NaN. */
    double reference;      /**< What it was compared with, or NaN. */
    int64_t evidence_ms;   /**< When the evidence arose, or #CX_TIME_NONE. */
    const char *detail;    /**< One line: the rule's text, or for a failed rule what went wrong. */
} cx_risk_evidence;

/** Static initialiser for ::cx_risk_evidence. @since 0.2.0 */
#define CX_RISK_EVIDENCE_INIT { CX_RISK_EVIDENCE_VERSION, NULL, 0, 0, 0, 0, 0, 0, 0, 0, NULL }

/**
 * Initialises a ::cx_risk_evidence, for callers without macros.
 * @param[out] ev the struct to clear and stamp with `version`
 * @param[in] version the caller's #CX_RISK_EVIDENCE_VERSION
 * @return #CX_OK; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_risk_evidence_init(cx_risk_evidence *ev, unsigned int version);

/**
 * Scores one customer and keeps the evidence of every rule, sorted by
 * contribution (largest first; failed rules last).
 * @param[out] out the explanation, owned by the caller (cx_risk_explanation_free()); NULL on failure
 * @param[in] risk the model
 * @param[in] db the customers
 * @param[in] id the customer id
 * @param[in] as_of_ms the time
 * @return as cx_risk_score(); #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_risk_explain(cx_risk_explanation **out, const cx_risk *risk, const cx_customers *db, const char *id,
                           int64_t as_of_ms);

/**
 * Releases an explanation. NULL-safe.
 * @param[in] e the explanation
 * @since 0.2.0
 */
CX_API void cx_risk_explanation_free(cx_risk_explanation *e);

/**
 * The score of an explanation.
 * @param[in,out] out the score; `out->version` set by the caller
 * @param[in] e the explanation
 * @return #CX_OK; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_risk_explanation_get_result(cx_risk_result *out, const cx_risk_explanation *e);

/**
 * Number of evidence entries (one per rule of the model).
 * @param[out] out the number of entries
 * @param[in] e the explanation
 * @return #CX_OK; #CX_EINVAL
 * @since 0.2.0
 */
CX_API int cx_risk_explanation_count(size_t *out, const cx_risk_explanation *e);

/**
 * Reads an evidence entry.
 * @param[in,out] out the entry; `out->version` set by the caller
 * @param[in] e the explanation
 * @param[in] index 0 .. count - 1, largest contribution first
 * @return #CX_OK; #CX_ENOTFOUND past the end; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_risk_explanation_get(cx_risk_evidence *out, const cx_risk_explanation *e, size_t index);

/**
 * Writes an explanation as one JSON object: `customer`, `as_of_ms`,
 * `score`, `rules`, `failed`, and `evidence`, an array of objects with
 * `rule`, `status` (null, or the status name), `value`, `weight`, `decay`,
 * `contribution`, `input`, `reference` (numbers or null), `evidence_ms`
 * (or null) and `detail`.
 * @param[in,out] out a buffer the JSON is appended to (cx_buffer_dispose() releases it)
 * @param[in] e the explanation
 * @return #CX_OK; #CX_EINVAL; #CX_ENOMEM (the buffer keeps what it had)
 * @since 0.2.0
 */
CX_API int cx_risk_explanation_to_json(cx_buffer *out, const cx_risk_explanation *e);

/* ---- alerts ------------------------------------------------------------ */

/** Alert state of customers against a level, with hysteresis (opaque). @since 0.2.0 */
typedef struct cx_risk_alert cx_risk_alert;

/** Version of ::cx_risk_alert_event understood by this header. @since 0.2.0 */
#define CX_RISK_ALERT_EVENT_VERSION 1

/**
 * A customer crossing the alert level.
 * @since 0.2.0
 */
typedef struct cx_risk_alert_event {
    unsigned int version;     /**< #CX_RISK_ALERT_EVENT_VERSION (the library's). */
    const char *customer_id;  /**< The customer (borrowed for the call). */
    size_t customer_index;    /**< Its record number. */
    double score;             /**< Its new score. */
    int raised;               /**< 1: the score reached the level; 0: it fell below level - hysteresis. */
    int64_t as_of_ms;         /**< The time scored. */
} cx_risk_alert_event;

/**
 * Called for each customer whose alert is raised or cleared.
 * @param[in] ev the crossing
 * @param[in] payload the alert's payload
 * @return #CX_OK, or a negative status that aborts the update (no alert
 *         state changes; the status comes back from cx_risk_alert_update(),
 *         a positive one as #CX_EINVAL)
 * @since 0.2.0
 */
typedef int (*cx_risk_alert_fn)(const cx_risk_alert_event *ev, void *payload);

/**
 * Creates alert state: a customer's alert is raised when its score reaches
 * `level` and cleared only when it falls below `level - hysteresis`, so a
 * score wobbling around the level does not flap.
 * @param[out] out the alert, owned by the caller (cx_risk_alert_free()); NULL on failure
 * @param[in] level the level, in (0, 1]
 * @param[in] hysteresis in [0, level)
 * @param[in] fn the callback
 * @param[in] payload passed to `fn`; owned by the alert on success
 * @param[in] destroy called on `payload` by cx_risk_alert_free(); may be NULL
 * @return #CX_OK; #CX_ERANGE naming a level or hysteresis out of range;
 *         #CX_EINVAL for a NULL `fn`; #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_risk_alert_new(cx_risk_alert **out, double level, double hysteresis, cx_risk_alert_fn fn, void *payload,
                             void (*destroy)(void *payload));

/**
 * Releases alert state and calls the payload's destructor. NULL-safe.
 * @param[in] alert the alert
 * @since 0.2.0
 */
CX_API void cx_risk_alert_free(cx_risk_alert *alert);

/**
 * Feeds new scores (from cx_risk_score_all()) and calls the callback for
 * every customer whose alert is raised or cleared, in record order. NaN
 * scores leave a customer's state as it is. An alert follows one customer
 * set; records added since the last update start cleared.
 * @param[in,out] alert the alert
 * @param[in] db the customers the scores belong to
 * @param[in] scores one score per record (0..1 or NaN)
 * @param[in] n number of scores: the set's record count
 * @param[in] as_of_ms the time scored (passed to the callback)
 * @return #CX_OK; #CX_EINVAL for `n` other than the record count; #CX_ERANGE
 *         naming a score outside 0..1; the callback's status (no state
 *         changed); #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_risk_alert_update(cx_risk_alert *alert, const cx_customers *db, const double *scores, size_t n,
                                int64_t as_of_ms);

/**
 * Tells whether a record's alert is raised.
 * @param[out] out 1 when raised, else 0 (also for records never scored)
 * @param[in] alert the alert
 * @param[in] index the record number
 * @return #CX_OK; #CX_EINVAL
 * @since 0.2.0
 */
CX_API int cx_risk_alert_is_raised(int *out, const cx_risk_alert *alert, size_t index);

/** @} */

#ifdef __cplusplus
}
#endif

#endif /* CX_RISK_H */
