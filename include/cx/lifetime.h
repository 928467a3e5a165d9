/**
 * @file lifetime.h
 * @brief Customer-base models: summaries from purchase timelines, BG/NBD and
 *        Pareto/NBD purchase models, P(alive), expected purchases, the
 *        Gamma-Gamma spend model and discounted customer lifetime value.
 *
 * @defgroup lifetime Customer-base models
 * @{
 *
 * "Buy till you die" models for non-contractual settings: a customer buys
 * at random while alive and, unobserved, stops for good at some point. Each
 * customer is summarised by three numbers, in one time unit of your choice
 * (days, weeks):
 *
 * - frequency x: the number of repeat purchases (purchases after the first);
 * - recency t_x: the time of the last purchase, measured from the first
 *   (0 when x = 0);
 * - age T: the time from the first purchase to the end of observation.
 *
 * cx_lifetime_summary_new() computes these from an event timeline, with an
 * optional holdout period. cx_lifetime_fit_purchases() fits BG/NBD (Fader,
 * Hardie & Lee 2005) or Pareto/NBD (Schmittlein, Morrison & Colombo 1987) by
 * maximum likelihood; the ::cx_lifetime_fit it fills holds the parameters,
 * their standard errors, the log-likelihood and convergence diagnostics,
 * and is what every prediction function takes. cx_lifetime_fit_spend()
 * fits the Gamma-Gamma model of mean spend; cx_lifetime_clv() combines both
 * into a discounted lifetime value. Formulas, sources and a worked example
 * are in docs/lifetime.md.
 *
 * @code
 * cx_lifetime_fit fit = CX_LIFETIME_FIT_INIT;
 * if (cx_lifetime_fit_purchases(&fit, CX_LIFETIME_BGNBD, x, t_x, T, NULL, n, NULL) != CX_OK) {
 *     fprintf(stderr, "%s\n", cx_last_error());
 *     return 1;
 * }
 * printf("r %.3f alpha %.3f a %.3f b %.3f LL %.1f\n", fit.r, fit.alpha, fit.a, fit.b, fit.log_likelihood);
 * double *alive = malloc(n * sizeof *alive);
 * cx_lifetime_p_alive(alive, &fit, 0.0, x, t_x, T, n);
 * @endcode
 *
 * All functions are reentrant: they read their inputs and write only their
 * outputs. A ::cx_lifetime_summary is immutable once built and may be read
 * from several threads at once. Bulk functions check every row before they
 * write any output: on bad input the output arrays are left untouched.
 * A valid row whose value cannot be computed in doubles (a horizon too long
 * or parameters too extreme for it) fails with #CX_ERANGE naming the row;
 * the output then holds NaN for such rows and is otherwise unspecified.
 */
#ifndef CX_LIFETIME_H
#define CX_LIFETIME_H

#include "cx/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- summaries --------------------------------------------------------- */

/** Per-customer summaries built from an event timeline (opaque, immutable). @since 0.2.0 */
typedef struct cx_lifetime_summary cx_lifetime_summary;

/** Longest customer id accepted by cx_lifetime_summary_new(), in bytes. @since 0.2.0 */
#define CX_LIFETIME_ID_MAX 1024

/**
 * How purchases are grouped before counting: purchases of one customer in
 * the same bucket are one purchase (the CDNOW convention merges same-day
 * transactions). The values match ::cx_period of cx/group.h.
 * @since 0.2.0
 */
typedef enum cx_lifetime_merge {
    CX_LIFETIME_MERGE_NONE = 0,     /**< Every event is a purchase at its own timestamp. */
    CX_LIFETIME_MERGE_DAY = 1,      /**< One purchase per calendar day, timed at the day's start. */
    CX_LIFETIME_MERGE_ISO_WEEK = 2, /**< One purchase per ISO week (Monday to Sunday), timed at its Monday. */
    CX_LIFETIME_MERGE_MONTH = 3     /**< One purchase per calendar month, timed at its first day. */
} cx_lifetime_merge;

/** Marks an unset time in ::cx_lifetime_summary_options. @since 0.2.0 */
#define CX_LIFETIME_TIME_UNSET INT64_MIN

/** Milliseconds in a day, a convenient ::cx_lifetime_summary_options period. @since 0.2.0 */
#define CX_LIFETIME_DAY_MS 86400000LL

/** Milliseconds in a week. @since 0.2.0 */
#define CX_LIFETIME_WEEK_MS 604800000LL

/** Version of ::cx_lifetime_summary_options understood by this header. @since 0.2.0 */
#define CX_LIFETIME_SUMMARY_OPTIONS_VERSION 1

/**
 * Options of cx_lifetime_summary_new().
 *
 * An event belongs to the calibration period when its timestamp is at or
 * before `calibration_end_ms`, and to the holdout period when it is after
 * `calibration_end_ms` and at or before `holdout_end_ms`; later events are
 * ignored. Within each period a customer's events are merged per bucket,
 * each bucket being one purchase timed at the bucket's start. Recency runs
 * from the first to the last calibration purchase, T from the first
 * purchase to the start of the bucket holding `calibration_end_ms` (with
 * daily buckets: whole days to the last calibration day), both in units of
 * `period_ms`.
 * @since 0.2.0
 */
typedef struct cx_lifetime_summary_options {
    unsigned int version;          /**< #CX_LIFETIME_SUMMARY_OPTIONS_VERSION */
    int64_t calibration_end_ms;    /**< Last instant of the calibration period, ms since the epoch; #CX_LIFETIME_TIME_UNSET (default): the latest event. */
    int64_t holdout_end_ms;        /**< Last instant of the holdout period; #CX_LIFETIME_TIME_UNSET (default): no holdout. Needs `calibration_end_ms`. */
    int64_t period_ms;             /**< Time unit of recency, T and durations, > 0; default #CX_LIFETIME_DAY_MS. */
    cx_lifetime_merge merge;       /**< Purchase bucket; default #CX_LIFETIME_MERGE_DAY. */
    int32_t utc_offset_minutes;    /**< Offset of the local calendar from UTC for the buckets, -1439..1439; default 0. */
} cx_lifetime_summary_options;

/** Static initialiser for ::cx_lifetime_summary_options with every default. @since 0.2.0 */
#define CX_LIFETIME_SUMMARY_OPTIONS_INIT \
    { CX_LIFETIME_SUMMARY_OPTIONS_VERSION, CX_LIFETIME_TIME_UNSET, CX_LIFETIME_TIME_UNSET, CX_LIFETIME_DAY_MS, \
      CX_LIFETIME_MERGE_DAY, 0 }

/**
 * Fills ::cx_lifetime_summary_options with defaults, for callers without macros.
 * @param[out] opts the struct to fill
 * @param[in] version the caller's #CX_LIFETIME_SUMMARY_OPTIONS_VERSION
 * @return #CX_OK; #CX_EINVAL if `opts` is NULL or `version` is 0;
 *         #CX_EVERSION if `version` is newer than this library
 * @since 0.2.0
 */
CX_API int cx_lifetime_summary_options_init(cx_lifetime_summary_options *opts, unsigned int version);

/** Version of ::cx_lifetime_columns understood by this header. @since 0.2.0 */
#define CX_LIFETIME_COLUMNS_VERSION 1

/**
 * The columns of a summary, one entry per customer in order of first
 * appearance in the events. Every pointer is borrowed from the summary and
 * lives as long as it.
 * @since 0.2.0
 */
typedef struct cx_lifetime_columns {
    unsigned int version;              /**< #CX_LIFETIME_COLUMNS_VERSION, set by the caller. */
    size_t count;                      /**< Number of customers. */
    const char *const *customer_ids;   /**< Customer ids (NUL-terminated UTF-8). */
    const double *frequency;           /**< Repeat purchases in the calibration period (x). */
    const double *recency;             /**< Last minus first purchase time, in periods (t_x). */
    const double *T;                   /**< Start of the bucket holding the calibration end minus the first purchase time, in periods. */
    const double *monetary;            /**< Mean value per repeat purchase (first purchase excluded), 0 when x = 0; NULL without values. */
    const double *frequency_holdout;   /**< Purchases in the holdout period; NULL without a holdout. */
    const double *monetary_holdout;    /**< Mean value per holdout purchase, 0 when none; NULL without a holdout or values. */
    double duration_holdout;           /**< Length of the holdout period (holdout end minus calibration end) in periods; 0 without a holdout. */
    int64_t calibration_end_ms;        /**< The calibration end used. */
    size_t customers_skipped;          /**< Customers whose first purchase falls after the calibration end (left out). */
} cx_lifetime_columns;

/** Static initialiser for ::cx_lifetime_columns. @since 0.2.0 */
#define CX_LIFETIME_COLUMNS_INIT \
    { CX_LIFETIME_COLUMNS_VERSION, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0.0, 0, 0 }

/**
 * Initialises a ::cx_lifetime_columns, for callers without macros.
 * @param[out] cols the struct to clear and stamp with `version`
 * @param[in] version the caller's #CX_LIFETIME_COLUMNS_VERSION
 * @return #CX_OK; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_lifetime_columns_init(cx_lifetime_columns *cols, unsigned int version);

/**
 * Builds per-customer summaries (frequency, recency, T, mean value and the
 * holdout columns) from purchase events given in any order.
 *
 * The events are checked whole before anything is built.
 *
 * @param[out] out the summaries, owned by the caller (cx_lifetime_summary_free()); NULL on failure
 * @param[in] customer_ids n customer ids (UTF-8, at most #CX_LIFETIME_ID_MAX bytes)
 * @param[in] timestamps_ms n purchase times, ms since the epoch (within year +/-100000)
 * @param[in] values n purchase values (finite, >= 0), or NULL for no monetary columns
 * @param[in] n number of events
 * @param[in] opts options, or NULL for the defaults
 * @return #CX_OK; #CX_EINVAL naming the event with a NULL, over-long or
 *         non-UTF-8 id, or a bad option; #CX_ERANGE naming the event with a
 *         timestamp out of range or a negative, NaN or infinite value;
 *         #CX_EEMPTY when there are no events or no customer has a purchase
 *         in the calibration period; #CX_EVERSION; #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_lifetime_summary_new(cx_lifetime_summary **out, const char *const *customer_ids,
                                   const int64_t *timestamps_ms, const double *values, size_t n,
                                   const cx_lifetime_summary_options *opts);

/**
 * Releases summaries. NULL-safe.
 * @param[in] s the summaries
 * @since 0.2.0
 */
CX_API void cx_lifetime_summary_free(cx_lifetime_summary *s);

/**
 * Gives the columns of the summaries.
 * @param[in,out] out the columns; `out->version` set by the caller; the
 *                pointers are borrowed from `s`
 * @param[in] s the summaries
 * @return #CX_OK; #CX_EINVAL if an argument is NULL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_lifetime_summary_get(cx_lifetime_columns *out, const cx_lifetime_summary *s);

/* ---- purchase models ----------------------------------------------------- */

/**
 * Purchase models. Values are fixed forever.
 * @since 0.2.0
 */
typedef enum cx_lifetime_model {
    CX_LIFETIME_BGNBD = 1,      /**< BG/NBD (Fader, Hardie & Lee 2005): parameters r, alpha, a, b. */
    CX_LIFETIME_PARETO_NBD = 2  /**< Pareto/NBD (Schmittlein, Morrison & Colombo 1987): parameters r, alpha, s, beta. */
} cx_lifetime_model;

/**
 * Outcome of a maximum-likelihood fit. Every value but
 * #CX_LIFETIME_CONVERGED comes with the status #CX_ESTATE.
 * @since 0.2.0
 */
typedef enum cx_lifetime_diagnosis {
    CX_LIFETIME_CONVERGED = 0,          /**< The gradient vanished at a point where the Hessian is negative definite. */
    CX_LIFETIME_MAX_ITERATIONS = 1,     /**< The iteration limit was reached first. */
    CX_LIFETIME_LINE_SEARCH_FAILED = 2, /**< No step along the search direction improved the likelihood. */
    CX_LIFETIME_NOT_A_MAXIMUM = 3,      /**< The gradient vanished but the Hessian is not negative definite: a saddle or a flat ridge. */
    CX_LIFETIME_DIVERGED = 4,           /**< A parameter ran off towards 0 or infinity: the data do not identify it. */
    CX_LIFETIME_NOT_FINITE = 5          /**< The likelihood could not be evaluated (overflow, NaN) at the starting points. */
} cx_lifetime_diagnosis;

/** Most starting points cx_lifetime_fit_purchases() accepts. @since 0.2.0 */
#define CX_LIFETIME_STARTS_MAX 8

/** Version of ::cx_lifetime_fit_options understood by this header. @since 0.2.0 */
#define CX_LIFETIME_FIT_OPTIONS_VERSION 1

/**
 * Options of cx_lifetime_fit_purchases() and cx_lifetime_fit_spend().
 * @since 0.2.0
 */
typedef struct cx_lifetime_fit_options {
    unsigned int version;          /**< #CX_LIFETIME_FIT_OPTIONS_VERSION */
    double penalty;                /**< L2 coefficient lambda >= 0: maximise LL/W - lambda * sum(param^2), W the total weight; default 0. */
    unsigned int starts;           /**< Starting points, 1..#CX_LIFETIME_STARTS_MAX; default 3. */
    unsigned int max_iterations;   /**< Newton iterations per start, 1..10000; default 100. */
    double tolerance;              /**< Convergence: largest gradient component of the mean log-likelihood per unit weight with respect to the log-parameters, > 0; default 1e-8. */
    double initial[4];             /**< First starting point in the model's parameter order (r, alpha, a, b / r, alpha, s, beta / p, q, gamma): all of the model's set (> 0), or all 0 (default): automatic; #CX_EINVAL otherwise. */
} cx_lifetime_fit_options;

/** Static initialiser for ::cx_lifetime_fit_options with every default. @since 0.2.0 */
#define CX_LIFETIME_FIT_OPTIONS_INIT { CX_LIFETIME_FIT_OPTIONS_VERSION, 0.0, 3u, 100u, 1e-8, { 0.0, 0.0, 0.0, 0.0 } }

/**
 * Fills ::cx_lifetime_fit_options with defaults, for callers without macros.
 * @param[out] opts the struct to fill
 * @param[in] version the caller's #CX_LIFETIME_FIT_OPTIONS_VERSION
 * @return #CX_OK; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_lifetime_fit_options_init(cx_lifetime_fit_options *opts, unsigned int version);

/** Version of ::cx_lifetime_fit understood by this header. @since 0.2.0 */
#define CX_LIFETIME_FIT_VERSION 1

/**
 * A fitted (or hand-set) purchase model: what every prediction function
 * takes. To predict from published parameters, initialise with
 * #CX_LIFETIME_FIT_INIT and set `model` and its four parameters.
 * @since 0.2.0
 */
typedef struct cx_lifetime_fit {
    unsigned int version;              /**< #CX_LIFETIME_FIT_VERSION, set by the caller. */
    cx_lifetime_model model;           /**< The model. */
    double r;                          /**< Shape of the gamma distribution of purchase rates. */
    double alpha;                      /**< Rate (inverse scale) of the gamma distribution of purchase rates. */
    double a;                          /**< BG/NBD: first shape of the beta distribution of drop-out probabilities; NaN for Pareto/NBD. */
    double b;                          /**< BG/NBD: second shape of that beta distribution; NaN for Pareto/NBD. */
    double s;                          /**< Pareto/NBD: shape of the gamma distribution of drop-out rates; NaN for BG/NBD. */
    double beta;                       /**< Pareto/NBD: rate of the gamma distribution of drop-out rates; NaN for BG/NBD. */
    double log_likelihood;             /**< Log-likelihood at the estimate (without the penalty). */
    double std_error_r;                /**< Standard error of r (inverse of the observed information). */
    double std_error_alpha;            /**< Standard error of alpha. */
    double std_error_a;                /**< Standard error of a (BG/NBD); NaN otherwise. */
    double std_error_b;                /**< Standard error of b (BG/NBD); NaN otherwise. */
    double std_error_s;                /**< Standard error of s (Pareto/NBD); NaN otherwise. */
    double std_error_beta;             /**< Standard error of beta (Pareto/NBD); NaN otherwise. */
    double weight;                     /**< Customers fitted: the sum of the weights. */
    uint64_t rows;                     /**< Distinct (x, t_x, T) rows the likelihood was evaluated on. */
    double penalty;                    /**< The L2 coefficient used. */
    cx_lifetime_diagnosis diagnosis;   /**< Convergence outcome of the best start. */
    unsigned int iterations;           /**< Newton iterations over all starts. */
    unsigned int starts;               /**< Starting points tried. */
    unsigned int starts_agreeing;      /**< Starts that converged to the reported estimate. */
    double gradient_norm;              /**< Largest gradient component at the end (see ::cx_lifetime_fit_options tolerance). */
} cx_lifetime_fit;

/** Static initialiser for ::cx_lifetime_fit. @since 0.2.0 */
#define CX_LIFETIME_FIT_INIT \
    { CX_LIFETIME_FIT_VERSION, (cx_lifetime_model)0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, \
      0.0, 0.0, 0u, 0.0, CX_LIFETIME_CONVERGED, 0u, 0u, 0u, 0.0 }

/**
 * Initialises a ::cx_lifetime_fit, for callers without macros.
 * @param[out] fit the struct to clear and stamp with `version`
 * @param[in] version the caller's #CX_LIFETIME_FIT_VERSION
 * @return #CX_OK; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_lifetime_fit_init(cx_lifetime_fit *fit, unsigned int version);

/**
 * Names a model: "bgnbd" or "pareto_nbd".
 * @param[in] model the model
 * @return a static string; "unknown" for other values
 * @since 0.2.0
 */
CX_API const char *cx_lifetime_model_name(cx_lifetime_model model);

/**
 * Fits a purchase model by maximum likelihood.
 *
 * Identical (x, t_x, T) rows are merged first and evaluated once with their
 * summed weight. The log-likelihood is maximised over the log-parameters by
 * Newton's method with a backtracking line search (Hessian shifted to
 * positive definiteness when needed), from `opts->starts` starting points;
 * the best converged start is reported. BG/NBD uses the analytic gradient
 * and Hessian; Pareto/NBD central differences of its log-likelihood.
 * Standard errors come from the inverse Hessian of the (penalised)
 * log-likelihood at the estimate.
 *
 * A fit that does not converge returns #CX_ESTATE with the reason in
 * cx_last_error() and in `out->diagnosis`; its parameters, log-likelihood
 * and standard errors are then NaN, never values that look valid.
 *
 * @param[in,out] out the fit; `out->version` set by the caller
 * @param[in] model the model to fit
 * @param[in] frequency n repeat-purchase counts x (integers >= 0)
 * @param[in] recency n recencies t_x (0 <= t_x <= T; 0 when x = 0)
 * @param[in] T n ages T (finite, >= 0)
 * @param[in] weights n weights (finite, >= 0; rows of weight 0 are left
 *            out), or NULL for 1 each (use them for pre-grouped data)
 * @param[in] n number of rows
 * @param[in] opts options, or NULL for the defaults
 * @return #CX_OK; #CX_ERANGE naming the first bad row (negative or
 *         fractional frequency, recency above T, NaN, infinity, negative
 *         weight); #CX_EEMPTY when no row has a positive weight;
 *         #CX_ESTATE when the fit does not converge; #CX_EINVAL for an
 *         unknown model, a NULL array or a bad option; #CX_EVERSION;
 *         #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_lifetime_fit_purchases(cx_lifetime_fit *out, cx_lifetime_model model, const double *frequency,
                                     const double *recency, const double *T, const double *weights, size_t n,
                                     const cx_lifetime_fit_options *opts);

/**
 * Log-likelihood of a purchase model's parameters on data, without any
 * penalty: to compare models or check published estimates.
 * @param[out] out the summed (weighted) log-likelihood
 * @param[in] fit the model and parameters
 * @param[in] frequency n frequencies
 * @param[in] recency n recencies
 * @param[in] T n ages
 * @param[in] weights n weights, or NULL for 1 each
 * @param[in] n number of rows
 * @return #CX_OK; #CX_ERANGE as cx_lifetime_fit_purchases(); #CX_EINVAL for
 *         an unknown model or parameters that are not finite and positive
 *         (such as those of a failed fit); #CX_EVERSION; #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_lifetime_log_likelihood(double *out, const cx_lifetime_fit *fit, const double *frequency,
                                      const double *recency, const double *T, const double *weights, size_t n);

/**
 * Probability that each customer is still alive at time T + t, given their
 * history: t = 0 gives P(alive) now, t > 0 the probability that they are
 * still alive t periods later (not knowing what happens in between).
 * @param[out] out n probabilities
 * @param[in] fit the model and parameters
 * @param[in] t time ahead, finite and >= 0
 * @param[in] frequency n frequencies
 * @param[in] recency n recencies
 * @param[in] T n ages
 * @param[in] n number of customers
 * @return #CX_OK; #CX_ERANGE naming the first bad row or a bad `t`;
 *         #CX_EINVAL for bad parameters or a NULL array; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_lifetime_p_alive(double *out, const cx_lifetime_fit *fit, double t, const double *frequency,
                               const double *recency, const double *T, size_t n);

/**
 * Conditional expected number of purchases of each customer in (T, T + t],
 * given their history: E[Y(t) | x, t_x, T].
 * @param[out] out n expectations
 * @param[in] fit the model and parameters
 * @param[in] t length of the future period, finite and >= 0
 * @param[in] frequency n frequencies
 * @param[in] recency n recencies
 * @param[in] T n ages
 * @param[in] n number of customers
 * @return as cx_lifetime_p_alive(); #CX_ERANGE also when a Pareto/NBD s
 *         or a horizon makes the expectation infinite or incomputable
 * @since 0.2.0
 */
CX_API int cx_lifetime_expected_purchases(double *out, const cx_lifetime_fit *fit, double t,
                                          const double *frequency, const double *recency, const double *T, size_t n);

/**
 * Expected number of repeat purchases E[X(t)] of a new customer in their
 * first t periods, for each t: the population curve behind tracking plots.
 * @param[out] out n expectations
 * @param[in] fit the model and parameters
 * @param[in] t n durations, finite and >= 0
 * @param[in] n number of durations
 * @return #CX_OK; #CX_ERANGE naming a bad duration; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_lifetime_expected_population(double *out, const cx_lifetime_fit *fit, const double *t, size_t n);

/**
 * Probabilities P(X(t) = k), k = 0 .. count - 1, that a new customer makes
 * exactly k repeat purchases in their first t periods.
 * @param[out] out count probabilities
 * @param[in] fit the model and parameters
 * @param[in] t the duration, finite and >= 0
 * @param[in] count number of probabilities, at most 100000
 * @return #CX_OK; #CX_ERANGE for a bad `t` or `count`, or when an integral
 *         does not reach its accuracy (Pareto/NBD; `out` is then
 *         unspecified); #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_lifetime_purchase_probabilities(double *out, const cx_lifetime_fit *fit, double t, size_t count);

/**
 * Writes a fit as one JSON object with the keys `model`, `r`, `alpha`, `a`,
 * `b` (BG/NBD) or `s`, `beta` (Pareto/NBD), `log_likelihood`, the
 * `std_error_*` keys, `weight`, `rows`, `penalty`, `gradient_norm`,
 * `diagnosis` ("converged", "max_iterations", "line_search_failed",
 * "not_a_maximum", "diverged" or "not_finite"), `iterations`, `starts` and
 * `starts_agreeing`. NaN is written as null; numbers round-trip exactly.
 * @param[in,out] out the buffer to append to (cx_buffer_dispose() releases it)
 * @param[in] fit the fit
 * @return #CX_OK; #CX_EINVAL; #CX_EVERSION; #CX_ENOMEM (the buffer keeps
 *         its earlier contents)
 * @since 0.2.0
 */
CX_API int cx_lifetime_fit_json(cx_buffer *out, const cx_lifetime_fit *fit);

/* ---- spend and value ----------------------------------------------------- */

/** Version of ::cx_lifetime_spend_fit understood by this header. @since 0.2.0 */
#define CX_LIFETIME_SPEND_FIT_VERSION 1

/**
 * A fitted (or hand-set) Gamma-Gamma spend model (Fader, Hardie & Lee 2005;
 * Fader & Hardie 2013): a customer's purchase values are gamma(p, nu)
 * around their mean p / nu, and nu is gamma(q, gamma) across customers.
 * @since 0.2.0
 */
typedef struct cx_lifetime_spend_fit {
    unsigned int version;              /**< #CX_LIFETIME_SPEND_FIT_VERSION, set by the caller. */
    double p;                          /**< Shape of a customer's purchase values. */
    double q;                          /**< Shape of the gamma distribution of nu. */
    double gamma;                      /**< Rate of the gamma distribution of nu. */
    double log_likelihood;             /**< Log-likelihood at the estimate (without the penalty). */
    double std_error_p;                /**< Standard error of p. */
    double std_error_q;                /**< Standard error of q. */
    double std_error_gamma;            /**< Standard error of gamma. */
    double mean_spend;                 /**< Population mean spend per purchase p gamma / (q - 1); NaN when q <= 1. */
    double weight;                     /**< Customers fitted (those with x > 0): the sum of their weights. */
    uint64_t rows;                     /**< Distinct (x, mean value) rows. */
    double penalty;                    /**< The L2 coefficient used. */
    cx_lifetime_diagnosis diagnosis;   /**< Convergence outcome of the best start. */
    unsigned int iterations;           /**< Newton iterations over all starts. */
    unsigned int starts;               /**< Starting points tried. */
    unsigned int starts_agreeing;      /**< Starts that converged to the reported estimate. */
    double gradient_norm;              /**< Largest gradient component at the end. */
} cx_lifetime_spend_fit;

/** Static initialiser for ::cx_lifetime_spend_fit. @since 0.2.0 */
#define CX_LIFETIME_SPEND_FIT_INIT \
    { CX_LIFETIME_SPEND_FIT_VERSION, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0u, 0.0, CX_LIFETIME_CONVERGED, \
      0u, 0u, 0u, 0.0 }

/**
 * Initialises a ::cx_lifetime_spend_fit, for callers without macros.
 * @param[out] fit the struct to clear and stamp with `version`
 * @param[in] version the caller's #CX_LIFETIME_SPEND_FIT_VERSION
 * @return #CX_OK; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_lifetime_spend_fit_init(cx_lifetime_spend_fit *fit, unsigned int version);

/**
 * Fits the Gamma-Gamma spend model by maximum likelihood on the customers
 * with repeat purchases (x > 0; the others are skipped), with the same
 * optimizer, options and failure rules as cx_lifetime_fit_purchases().
 * @param[in,out] out the fit; `out->version` set by the caller
 * @param[in] frequency n frequencies x (integers >= 0)
 * @param[in] monetary n mean values per repeat purchase (finite, >= 0; > 0 when x > 0)
 * @param[in] weights n weights, or NULL for 1 each
 * @param[in] n number of rows
 * @param[in] opts options, or NULL for the defaults
 * @return #CX_OK; #CX_ERANGE naming the first bad row; #CX_EEMPTY when no
 *         row has x > 0 and a positive weight; #CX_ESTATE when the fit does
 *         not converge; #CX_EINVAL; #CX_EVERSION; #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_lifetime_fit_spend(cx_lifetime_spend_fit *out, const double *frequency, const double *monetary,
                                 const double *weights, size_t n, const cx_lifetime_fit_options *opts);

/**
 * Conditional expected spend per purchase of each customer,
 * E[M | p, q, gamma, x, mbar] = p (gamma + x mbar) / (p x + q - 1): the
 * population mean for x = 0, moving towards the customer's own mean as x
 * grows.
 * @param[out] out n expected values
 * @param[in] fit the spend model (q > 1)
 * @param[in] frequency n frequencies
 * @param[in] monetary n mean values per repeat purchase
 * @param[in] n number of customers
 * @return #CX_OK; #CX_ERANGE naming the first bad row; #CX_EINVAL for bad
 *         parameters (q <= 1 makes the mean infinite); #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_lifetime_expected_spend(double *out, const cx_lifetime_spend_fit *fit, const double *frequency,
                                      const double *monetary, size_t n);

/** Version of ::cx_lifetime_clv_options understood by this header. @since 0.2.0 */
#define CX_LIFETIME_CLV_OPTIONS_VERSION 1

/**
 * Options of cx_lifetime_clv(). The horizon is `periods` periods of
 * `period_length` model time units each.
 * @since 0.2.0
 */
typedef struct cx_lifetime_clv_options {
    unsigned int version;          /**< #CX_LIFETIME_CLV_OPTIONS_VERSION */
    unsigned int periods;          /**< Number of periods, 1..100000; default 12. */
    double period_length;          /**< Length of a period in the model's time unit, > 0; default 1. */
    double discount_rate;          /**< Discount rate per period, 0 <= d < 10; default 0.01. */
    double margin;                 /**< Profit margin applied to spend, finite and >= 0; default 1. */
} cx_lifetime_clv_options;

/** Static initialiser for ::cx_lifetime_clv_options with every default. @since 0.2.0 */
#define CX_LIFETIME_CLV_OPTIONS_INIT { CX_LIFETIME_CLV_OPTIONS_VERSION, 12u, 1.0, 0.01, 1.0 }

/**
 * Fills ::cx_lifetime_clv_options with defaults, for callers without macros.
 * @param[out] opts the struct to fill
 * @param[in] version the caller's #CX_LIFETIME_CLV_OPTIONS_VERSION
 * @return #CX_OK; #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_lifetime_clv_options_init(cx_lifetime_clv_options *opts, unsigned int version);

/**
 * Discounted customer lifetime value over a horizon:
 * margin * E[M] * sum_k (E[Y(k L)] - E[Y((k - 1) L)]) / (1 + d)^k for
 * k = 1 .. periods, with E[Y] from the purchase model and E[M] from the
 * spend model.
 * @param[out] out n values
 * @param[in] purchases the purchase model
 * @param[in] spend the spend model (q > 1)
 * @param[in] frequency n frequencies
 * @param[in] recency n recencies
 * @param[in] T n ages
 * @param[in] monetary n mean values per repeat purchase
 * @param[in] n number of customers
 * @param[in] opts options, or NULL for the defaults
 * @return #CX_OK; #CX_ERANGE naming the first bad row; #CX_EINVAL for bad
 *         parameters or options; #CX_EVERSION; #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_lifetime_clv(double *out, const cx_lifetime_fit *purchases, const cx_lifetime_spend_fit *spend,
                           const double *frequency, const double *recency, const double *T, const double *monetary,
                           size_t n, const cx_lifetime_clv_options *opts);

/** @} */

#ifdef __cplusplus
}
#endif

#endif /* CX_LIFETIME_H */
