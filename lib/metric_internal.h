/* Internal layout of cx_metric, shared by the metric_*.c files. */
#ifndef CX_METRIC_INTERNAL_H
#define CX_METRIC_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "cx/metric.h"
#include "sketch_internal.h"

/* The statistic behind a kind and variant. */
typedef enum cx__stat {
    CX__STAT_NET = 1,    /* share of positives minus share of negatives, in points */
    CX__STAT_SHARE = 2,  /* share of successes, in percent */
    CX__STAT_MEAN = 3,   /* mean of answers (or of CX Index respondent scores) */
    CX__STAT_MEDIAN = 4  /* median of durations */
} cx__stat;

#define CX__MAX_SCALE_POINTS 101 /* e.g. a 0..100 scale */
#define CX__CXI_POINTS 5
#define CX__CXI_BINS (CX__CXI_POINTS * CX__CXI_POINTS * CX__CXI_POINTS)

/* Answers of one scale point: those of weight exactly 1 are counted in n1;
 * other weights are summed, so unweighted feeding stays integer-exact. */
typedef struct cx__bin {
    uint64_t n1;    /* answers of weight 1 */
    uint64_t nw;    /* answers of other weights */
    double w;       /* sum of those other weights */
    double w2;      /* sum of their squares */
} cx__bin;

struct cx_metric {
    cx_metric_kind kind;
    cx_metric_options opts;   /* resolved: no NaN defaults left */
    cx__stat stat;
    int lo, hi;               /* integer scale of answers */
    uint32_t nbins;           /* scale points (125 answer triples for CXI) */
    cx__bin *bins;            /* nbins entries; NULL for DURATION */
    /* DURATION */
    cx__sketch sketch;
    double sum;               /* sum of seconds */
    double min, max;
};

/* Resolves options for a kind; CX_EINVAL/CX_EVERSION with a message. */
int cx__metric_resolve_options(cx_metric_kind kind, const cx_metric_options *in, cx_metric_options *out);
/* Creates an empty calculator from already resolved options. */
int cx__metric_create(cx_metric **out, cx_metric_kind kind, const cx_metric_options *resolved);
/* Checks one answer and its weight; `index` < 0 means a single value. */
int cx__metric_check(const cx_metric *m, double value, double weight, long long index);
/* True when two calculators have the same kind and options; otherwise
 * records CX_ESTATE naming the difference. */
int cx__metric_same_setup(const cx_metric *a, const cx_metric *b, const char *func);
/* Total weight and count of answers. */
double cx__metric_total_weight(const cx_metric *m);
uint64_t cx__metric_count(const cx_metric *m);
/* Respondent score of a CX Index bin, in points -100..100. */
double cx__cxi_bin_score(const cx_metric *m, uint32_t bin);
/* Adds the counts of n answers on the integer scale lo .. lo + points - 1
 * to bins[0 .. points - 1], checking each; returns false, leaving bins
 * unchanged, when any value is outside the scale, fractional or NaN. */
bool cx__count_scale(const double *values, size_t n, double lo, int points, uint64_t *bins);
/* The portable kernel on its own (cx__count_scale picks SIMD when it can). */
bool cx__count_scale_portable(const double *values, size_t n, double lo, int points, uint64_t *bins);
/* Number of the z quantile for a two-sided interval. */
double cx__z_for_confidence(double confidence);

#endif /* CX_METRIC_INTERNAL_H */
