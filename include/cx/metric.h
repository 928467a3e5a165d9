/**
 * @file metric.h
 * @brief Metric calculators: NPS, CSAT, CES, FCR, durations and the CX Index,
 *        with standard errors, confidence intervals, comparisons, merging and
 *        serialization.
 *
 * @defgroup metric Metric calculators
 * @{
 *
 * A calculator (::cx_metric) is created for one kind of metric, fed answers
 * one at a time or in bulk, and asked for a result at any point. Answers can
 * be weighted; weighted results use Kish's effective sample size
 * n_eff = (sum w)^2 / sum w^2 in place of n. Calculators of the same kind
 * and options merge, so shards, threads or days can be computed apart and
 * combined, and they serialize to a portable blob (little-endian, versioned,
 * CRC-32 checked) for storage or transport.
 *
 * Definitions and their sources are in docs/metrics.md.
 *
 * @code
 * cx_metric *m = NULL;
 * if (cx_metric_new(&m, CX_METRIC_NPS, NULL) != CX_OK) { ... }
 * double scores[] = { 10, 9, 7, 3, 10 };
 * cx_metric_add_many(m, scores, 5);
 * cx_metric_result r = CX_METRIC_RESULT_INIT;
 * cx_metric_get_result(m, &r);   // r.value == 40.0, r.count == 5
 * cx_metric_free(m);
 * @endcode
 */
#ifndef CX_METRIC_H
#define CX_METRIC_H

#include <math.h>

#include "cx/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A metric calculator (opaque). @since 0.1.0 */
typedef struct cx_metric cx_metric;

/**
 * Kinds of calculators. Values are fixed and never reused.
 * @since 0.1.0
 */
typedef enum cx_metric_kind {
    /** Net Promoter Score: answers 0..10; promoters 9-10, passives 7-8,
     *  detractors 0-6; value = 100 (share of promoters - share of detractors). */
    CX_METRIC_NPS = 1,
    /** Customer Satisfaction: answers scale_min..scale_max (default 1..5);
     *  value = % of answers >= threshold (default 4), or the mean with
     *  #CX_CSAT_MEAN. */
    CX_METRIC_CSAT = 2,
    /** Customer Effort Score: answers 1..7 (CES 2.0, default); value = mean,
     *  or a share/net score by variant (::cx_metric_variant). */
    CX_METRIC_CES = 3,
    /** First-contact resolution: 1 = resolved on first contact, 0 = not;
     *  value = % resolved. */
    CX_METRIC_FCR = 4,
    /** Durations in seconds >= 0 (response, resolution, wait); value =
     *  median; any quantile, mean, min and max. */
    CX_METRIC_DURATION = 5,
    /** CX Index over three 1..5 answers per respondent (effectiveness, ease,
     *  emotion): per question the net score % 4-5 minus % 1-2, averaged with
     *  weights (default equal). Fed with cx_metric_add_cxi(). */
    CX_METRIC_CXI = 6
} cx_metric_kind;

/**
 * Named variants of a kind, where practice differs. #CX_VARIANT_DEFAULT
 * picks the kind's default (CSAT top-box, CES 2.0 mean).
 * @since 0.1.0
 */
typedef enum cx_metric_variant {
    CX_VARIANT_DEFAULT = 0, /**< The kind's default definition. */
    CX_CSAT_TOP_BOX = 1,    /**< CSAT: % of answers >= threshold (top-2-box on 1..5). */
    CX_CSAT_MEAN = 2,       /**< CSAT: mean answer. */
    CX_CES_MEAN = 3,        /**< CES 2.0: mean on 1..7 (higher = easier). */
    CX_CES_AGREE = 4,       /**< CES 2.0: % of answers >= threshold (default 5, "agree" 5-7). */
    CX_CES_NET = 5,         /**< CES 2.0 net effort: % >= threshold (5-7) minus % <= low_threshold (1-3). */
    CX_CES_V1 = 6           /**< CES 1.0: mean on 1..5, lower is better (less effort). */
} cx_metric_variant;

/**
 * Confidence-interval methods. Each kind accepts the methods listed in
 * docs/metrics.md; others are #CX_EINVAL.
 * @since 0.1.0
 */
typedef enum cx_ci_method {
    CX_CI_DEFAULT = 0,       /**< The kind's default: adjusted Wald (net scores), Wilson (shares), Student t (means), order statistics (medians). */
    CX_CI_WALD = 1,          /**< Plain Wald: estimate +/- z * standard error. */
    CX_CI_ADJUSTED_WALD = 2, /**< Net scores: add 3 answers (0.75 + 1.5 + 0.75), after Rocks (2016). */
    CX_CI_WILSON = 3,        /**< Shares: Wilson score interval. */
    CX_CI_STUDENT_T = 4,     /**< Means: mean +/- t(n_eff - 1) * standard error. */
    CX_CI_ORDER_STATISTIC = 5 /**< Medians: distribution-free interval from binomial order statistics. */
} cx_ci_method;

/**
 * Statistical tests used by cx_metric_compare().
 * @since 0.1.0
 */
typedef enum cx_test_method {
    CX_TEST_NET_Z = 1,            /**< Net scores: z on adjusted-Wald estimates. */
    CX_TEST_TWO_PROPORTION_Z = 2, /**< Shares: pooled two-proportion z; Newcombe interval. */
    CX_TEST_WELCH_T = 3,          /**< Means: Welch's unequal-variance t test. */
    CX_TEST_MEDIAN_Z = 4          /**< Medians: z on the difference, standard errors from order-statistic intervals. */
} cx_test_method;

/** Version of ::cx_metric_options understood by this header. @since 0.1.0 */
#define CX_METRIC_OPTIONS_VERSION 1

/**
 * Options of a calculator. Initialise with #CX_METRIC_OPTIONS_INIT or
 * cx_metric_options_init(); NaN in a scale field means "the kind's default".
 * @since 0.1.0
 */
typedef struct cx_metric_options {
    unsigned int version;      /**< #CX_METRIC_OPTIONS_VERSION */
    double confidence;         /**< Confidence level of intervals, in (0, 1); default 0.95. */
    double scale_min;          /**< Lowest answer (CSAT, CES); NaN: the kind's default. Integer. */
    double scale_max;          /**< Highest answer (CSAT, CES); NaN: the kind's default. Integer. */
    double threshold;          /**< Lowest "positive" answer (CSAT top-box 4, CES agree 5); NaN: default. */
    double low_threshold;      /**< Highest "negative" answer (CES net: 3); NaN: default. */
    cx_ci_method ci_method;    /**< Interval method; #CX_CI_DEFAULT. */
    cx_metric_variant variant; /**< Named variant; #CX_VARIANT_DEFAULT. */
    double item_weights[3];    /**< CX Index weights of effectiveness, ease, emotion (>= 0, not all 0); default 1, 1, 1. */
    uint32_t sketch_k;         /**< DURATION accuracy: values kept per sketch level (64..65536); 0: default 1024. */
} cx_metric_options;

/** Static initialiser for ::cx_metric_options with every default. @since 0.1.0 */
#define CX_METRIC_OPTIONS_INIT \
    { CX_METRIC_OPTIONS_VERSION, 0.95, (double)NAN, (double)NAN, (double)NAN, (double)NAN, \
      CX_CI_DEFAULT, CX_VARIANT_DEFAULT, { 1.0, 1.0, 1.0 }, 0u }

/**
 * Fills ::cx_metric_options with defaults, for callers without macros.
 *
 * @param[out] opts the struct to fill
 * @param[in] version the caller's #CX_METRIC_OPTIONS_VERSION
 * @return #CX_OK; #CX_EINVAL if `opts` is NULL; #CX_EVERSION if `version`
 *         is 0 or newer than this library
 * @since 0.1.0
 */
CX_API int cx_metric_options_init(cx_metric_options *opts, unsigned int version);

/** Version of ::cx_metric_result understood by this header. @since 0.1.0 */
#define CX_METRIC_RESULT_VERSION 1

/**
 * A calculator's result. Set `version` (#CX_METRIC_RESULT_INIT) before
 * passing it to cx_metric_get_result(); fields the library cannot compute
 * (a standard error from one answer, say) are NaN.
 * @since 0.1.0
 */
typedef struct cx_metric_result {
    unsigned int version;   /**< #CX_METRIC_RESULT_VERSION, set by the caller. */
    cx_metric_kind kind;    /**< Kind of the calculator. */
    double value;           /**< The metric: NPS -100..100, shares in %, means, median seconds. */
    double std_error;       /**< Standard error of `value`. */
    double ci_low;          /**< Lower confidence bound. */
    double ci_high;         /**< Upper confidence bound. */
    double confidence;      /**< Confidence level of the interval. */
    uint64_t count;         /**< Number of answers. */
    double weight;          /**< Sum of weights (equals `count` when unweighted). */
    double effective_n;     /**< Kish effective sample size (sum w)^2 / sum w^2. */
    double promoters;       /**< Net scores: share 0..1 of positive answers (NPS promoters); shares: share of successes; else NaN. */
    double passives;        /**< Net scores: share 0..1 of neutral answers; else NaN. */
    double detractors;      /**< Net scores: share 0..1 of negative answers; shares: share of failures; else NaN. */
    double mean;            /**< Mean answer (all kinds; the mean of seconds for DURATION). */
    double min;             /**< Smallest answer. */
    double max;             /**< Largest answer. */
} cx_metric_result;

/** Static initialiser for ::cx_metric_result. @since 0.1.0 */
#define CX_METRIC_RESULT_INIT { CX_METRIC_RESULT_VERSION, (cx_metric_kind)0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }

/**
 * Initialises a ::cx_metric_result, for callers without macros.
 * @param[out] res the struct to clear and stamp with `version`
 * @param[in] version the caller's #CX_METRIC_RESULT_VERSION
 * @return #CX_OK; #CX_EINVAL if `res` is NULL; #CX_EVERSION if unknown
 * @since 0.1.0
 */
CX_API int cx_metric_result_init(cx_metric_result *res, unsigned int version);

/** Version of ::cx_comparison understood by this header. @since 0.1.0 */
#define CX_COMPARISON_VERSION 1

/**
 * The comparison of two calculators of the same kind and options.
 * @since 0.1.0
 */
typedef struct cx_comparison {
    unsigned int version;   /**< #CX_COMPARISON_VERSION, set by the caller. */
    double difference;      /**< a.value - b.value. */
    double std_error;       /**< Standard error of the difference used by the test. */
    double ci_low;          /**< Lower confidence bound of the difference. */
    double ci_high;         /**< Upper confidence bound of the difference. */
    double z;               /**< Test statistic: z, or Welch's t for means. */
    double p_value;         /**< Two-sided p-value. */
    double df;              /**< Degrees of freedom (Welch); INFINITY for z tests. */
    double confidence;      /**< Confidence level of the interval. */
    cx_test_method method;  /**< The test applied. */
} cx_comparison;

/** Static initialiser for ::cx_comparison. @since 0.1.0 */
#define CX_COMPARISON_INIT { CX_COMPARISON_VERSION, 0, 0, 0, 0, 0, 0, 0, 0, (cx_test_method)0 }

/**
 * Initialises a ::cx_comparison, for callers without macros.
 * @param[out] cmp the struct to clear and stamp with `version`
 * @param[in] version the caller's #CX_COMPARISON_VERSION
 * @return #CX_OK; #CX_EINVAL if `cmp` is NULL; #CX_EVERSION if unknown
 * @since 0.1.0
 */
CX_API int cx_comparison_init(cx_comparison *cmp, unsigned int version);

/**
 * Creates a calculator.
 *
 * @param[out] out the new calculator, owned by the caller (cx_metric_free());
 *             NULL on failure
 * @param[in] kind the metric
 * @param[in] opts options, or NULL for the defaults; copied
 * @return #CX_OK; #CX_EINVAL for an unknown kind or an option that does not
 *         fit it (a variant of another kind, a reversed scale, a confidence
 *         outside (0, 1)); #CX_EVERSION for an options version newer than the
 *         library; #CX_ENOMEM
 * @since 0.1.0
 */
CX_API int cx_metric_new(cx_metric **out, cx_metric_kind kind, const cx_metric_options *opts);

/**
 * Releases a calculator. NULL-safe.
 * @param[in] m the calculator
 * @since 0.1.0
 */
CX_API void cx_metric_free(cx_metric *m);

/**
 * Copies a calculator with its answers.
 * @param[out] out the copy, owned by the caller; NULL on failure
 * @param[in] m the calculator to copy
 * @return #CX_OK; #CX_EINVAL; #CX_ENOMEM
 * @since 0.1.0
 */
CX_API int cx_metric_clone(cx_metric **out, const cx_metric *m);

/**
 * Returns the kind of a calculator.
 * @param[out] out the kind
 * @param[in] m the calculator
 * @return #CX_OK; #CX_EINVAL if an argument is NULL
 * @since 0.1.0
 */
CX_API int cx_metric_get_kind(cx_metric_kind *out, const cx_metric *m);

/**
 * Returns the options of a calculator with every default resolved (the
 * scale, thresholds and variant in force).
 * @param[out] out options; `out->version` set by the caller
 * @param[in] m the calculator
 * @return #CX_OK; #CX_EINVAL; #CX_EVERSION
 * @since 0.1.0
 */
CX_API int cx_metric_get_options(cx_metric_options *out, const cx_metric *m);

/**
 * Adds one answer.
 *
 * @param[in,out] m the calculator
 * @param[in] value an answer on the kind's scale (integers for NPS, CSAT,
 *            CES, FCR; seconds >= 0 for DURATION)
 * @return #CX_OK; #CX_ERANGE for a value outside the scale, a fraction on an
 *         integer scale, NaN or infinity (message names the value and the
 *         scale); #CX_EINVAL for a NULL handle or a CX Index calculator
 *         (use cx_metric_add_cxi()); #CX_ENOMEM (DURATION)
 * @since 0.1.0
 */
CX_API int cx_metric_add(cx_metric *m, double value);

/**
 * Adds one weighted answer (survey weights, sampling weights).
 *
 * @param[in,out] m the calculator
 * @param[in] value an answer, as for cx_metric_add()
 * @param[in] weight a finite weight >= 0
 * @return as cx_metric_add(); #CX_ERANGE also for a negative, NaN or
 *         infinite weight
 * @since 0.1.0
 */
CX_API int cx_metric_add_weighted(cx_metric *m, double value, double weight);

/**
 * Adds many answers, all or nothing: every value is checked before any is
 * added, and on failure the calculator is unchanged.
 *
 * @param[in,out] m the calculator
 * @param[in] values the answers
 * @param[in] n number of answers (0 is allowed)
 * @return #CX_OK; #CX_ERANGE naming the first bad value and its index;
 *         #CX_EINVAL for NULL `values` with n > 0; #CX_ENOMEM
 * @since 0.1.0
 */
CX_API int cx_metric_add_many(cx_metric *m, const double *values, size_t n);

/**
 * Adds many weighted answers, all or nothing.
 *
 * @param[in,out] m the calculator
 * @param[in] values the answers
 * @param[in] weights one weight per answer (finite, >= 0)
 * @param[in] n number of answers
 * @return as cx_metric_add_many()
 * @since 0.1.0
 */
CX_API int cx_metric_add_many_weighted(cx_metric *m, const double *values, const double *weights, size_t n);

/**
 * Adds one respondent's three answers to a CX Index calculator.
 *
 * @param[in,out] m a #CX_METRIC_CXI calculator
 * @param[in] effectiveness answer 1..5 to "met my needs"
 * @param[in] ease answer 1..5 to "was easy to work with"
 * @param[in] emotion answer 1..5 to "enjoyable to work with"
 * @param[in] weight the respondent's weight (finite, >= 0; 1 when unweighted)
 * @return #CX_OK; #CX_ERANGE naming the answer outside 1..5; #CX_EINVAL for
 *         another kind of calculator
 * @since 0.1.0
 */
CX_API int cx_metric_add_cxi(cx_metric *m, double effectiveness, double ease, double emotion, double weight);

/**
 * Adds many respondents to a CX Index calculator, all or nothing.
 *
 * @param[in,out] m a #CX_METRIC_CXI calculator
 * @param[in] triples 3 * n answers: effectiveness, ease, emotion of each respondent
 * @param[in] n number of respondents
 * @return as cx_metric_add_cxi(); the message names the respondent's index
 * @since 0.1.0
 */
CX_API int cx_metric_add_cxi_many(cx_metric *m, const double *triples, size_t n);

/**
 * Merges the answers of `from` into `into`, as if `into` had been fed
 * everything. `from` is not changed.
 *
 * @param[in,out] into the calculator receiving answers
 * @param[in] from a calculator of the same kind and options
 * @return #CX_OK; #CX_ESTATE for different kinds or options (message names
 *         the difference); #CX_EINVAL; #CX_ENOMEM (into unchanged)
 * @since 0.1.0
 */
CX_API int cx_metric_merge(cx_metric *into, const cx_metric *from);

/**
 * Computes the result from the answers so far.
 *
 * @param[in] m the calculator
 * @param[in,out] out the result; `out->version` set by the caller; only the
 *                fields of that version are written
 * @return #CX_OK; #CX_EEMPTY when there are no answers (or all weights are 0);
 *         #CX_EINVAL; #CX_EVERSION for an unknown result version
 * @since 0.1.0
 */
CX_API int cx_metric_get_result(const cx_metric *m, cx_metric_result *out);

/**
 * Returns a quantile of a DURATION calculator. Exact (linear interpolation
 * between order statistics, as numpy's default) while the calculator holds
 * at most `sketch_k` values; beyond that, from the sketch, whose rank error
 * is below 1 % (see docs/metrics.md).
 *
 * @param[in] m a #CX_METRIC_DURATION calculator
 * @param[in] q the quantile in [0, 1] (0.5 = median, 0.9 = p90)
 * @param[out] out the value in seconds
 * @return #CX_OK; #CX_ERANGE for q outside [0, 1] or NaN; #CX_EEMPTY with no
 *         values; #CX_EINVAL for another kind
 * @since 0.1.0
 */
CX_API int cx_metric_quantile(const cx_metric *m, double q, double *out);

/**
 * Returns the distribution of answers of a scale calculator (NPS, CSAT,
 * CES, FCR): the sum of weights of each scale point from scale_min upward.
 *
 * @param[out] weights_out receives one sum per scale point; may be NULL to ask for the length
 * @param[in] m the calculator
 * @param[in] cap number of doubles `weights_out` can hold
 * @param[out] len number of scale points
 * @return #CX_OK; #CX_EINVAL for DURATION, CXI, a NULL `len` or a `cap`
 *         smaller than the number of points (with `*len` set)
 * @since 0.1.0
 */
CX_API int cx_metric_distribution(double *weights_out, const cx_metric *m, size_t cap, size_t *len);

/**
 * Compares two calculators of the same kind and options: difference a - b
 * with its standard error, interval and two-sided p-value, by the test
 * documented for the kind (::cx_test_method).
 *
 * @param[in] a first calculator
 * @param[in] b second calculator
 * @param[in,out] out the comparison; `out->version` set by the caller
 * @return #CX_OK; #CX_ESTATE for different kinds or options; #CX_EEMPTY if
 *         either has no answers; #CX_EINVAL; #CX_EVERSION
 * @since 0.1.0
 */
CX_API int cx_metric_compare(const cx_metric *a, const cx_metric *b, cx_comparison *out);

/**
 * Writes a calculator as a portable blob: little-endian, versioned, with a
 * CRC-32 of its contents. Call with `buf` NULL to learn the size.
 *
 * @param[in] m the calculator
 * @param[out] buf destination, or NULL to ask for the size
 * @param[in] cap bytes available at `buf`
 * @param[out] len bytes written, or needed when `buf` is NULL or too small
 * @return #CX_OK; #CX_EINVAL for NULL `m` or `len`, or a `cap` too small
 *         (with `*len` set to the size needed)
 * @since 0.1.0
 */
CX_API int cx_metric_serialize(const cx_metric *m, void *buf, size_t cap, size_t *len);

/**
 * Reads a calculator from a blob written by cx_metric_serialize().
 *
 * @param[out] out the calculator, owned by the caller; NULL on failure
 * @param[in] buf the blob
 * @param[in] len its length
 * @return #CX_OK; #CX_EFORMAT for a truncated or corrupted blob (bad magic,
 *         checksum, sizes or contents); #CX_EVERSION for a blob of a newer
 *         format; #CX_ENOMEM; #CX_EINVAL for NULL arguments
 * @since 0.1.0
 */
CX_API int cx_metric_deserialize(cx_metric **out, const void *buf, size_t len);

/**
 * Names a kind: "nps", "csat", "ces", "fcr", "duration", "cxi".
 * @param[in] kind a kind
 * @return a static string, or NULL for an unknown kind
 * @since 0.1.0
 */
CX_API const char *cx_metric_kind_name(cx_metric_kind kind);

/**
 * Finds a kind by its name (as cx_metric_kind_name(), ASCII case-insensitive).
 * @param[out] out the kind
 * @param[in] name the name
 * @return #CX_OK; #CX_ENOTFOUND naming the unknown name; #CX_EINVAL
 * @since 0.1.0
 */
CX_API int cx_metric_kind_from_name(cx_metric_kind *out, const char *name);

/** @} */

#ifdef __cplusplus
}
#endif

#endif /* CX_METRIC_H */
