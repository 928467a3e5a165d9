/* Metric calculators: options, life cycle, feeding and merging. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core_internal.h"
#include "metric_internal.h"

static const char *const kind_names[] = { NULL, "nps", "csat", "ces", "fcr", "duration", "cxi" };
static const char *const kind_labels[] = { NULL, "NPS", "CSAT", "CES", "FCR", "DURATION", "CX Index" };

static bool kind_known(cx_metric_kind kind)
{
    return kind >= CX_METRIC_NPS && kind <= CX_METRIC_CXI;
}

const char *cx_metric_kind_name(cx_metric_kind kind)
{
    return kind_known(kind) ? kind_names[kind] : NULL;
}

static int ascii_lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static bool ascii_iequal(const char *a, const char *b)
{
    while (*a && *b && ascii_lower((unsigned char)*a) == ascii_lower((unsigned char)*b)) {
        a++;
        b++;
    }
    return *a == '\0' && *b == '\0';
}

int cx_metric_kind_from_name(cx_metric_kind *out, const char *name)
{
    CX__CHECK_ARG(out, "cx_metric_kind_from_name");
    CX__CHECK_ARG(name, "cx_metric_kind_from_name");
    for (int k = CX_METRIC_NPS; k <= CX_METRIC_CXI; k++) {
        if (ascii_iequal(name, kind_names[k])) {
            *out = (cx_metric_kind)k;
            return CX_OK;
        }
    }
    return cx__error(CX_ENOTFOUND, "unknown metric kind \"%.64s\" (expected nps, csat, ces, fcr, duration or cxi)", name);
}

/* ---- options --------------------------------------------------------- */

int cx_metric_options_init(cx_metric_options *opts, unsigned int version)
{
    CX__CHECK_ARG(opts, "cx_metric_options_init");
    int rc = cx__check_version(version, CX_METRIC_OPTIONS_VERSION, "cx_metric_options");
    if (rc != CX_OK)
        return rc;
    cx_metric_options defaults = CX_METRIC_OPTIONS_INIT;
    *opts = defaults;
    opts->version = version;
    return CX_OK;
}

int cx_metric_result_init(cx_metric_result *res, unsigned int version)
{
    CX__CHECK_ARG(res, "cx_metric_result_init");
    int rc = cx__check_version(version, CX_METRIC_RESULT_VERSION, "cx_metric_result");
    if (rc != CX_OK)
        return rc;
    memset(res, 0, sizeof *res);
    res->version = version;
    return CX_OK;
}

int cx_comparison_init(cx_comparison *cmp, unsigned int version)
{
    CX__CHECK_ARG(cmp, "cx_comparison_init");
    int rc = cx__check_version(version, CX_COMPARISON_VERSION, "cx_comparison");
    if (rc != CX_OK)
        return rc;
    memset(cmp, 0, sizeof *cmp);
    cmp->version = version;
    return CX_OK;
}

static bool is_whole(double v)
{
    return isfinite(v) && v == floor(v) && fabs(v) < 1e9;
}

/* A scale field: NaN takes the default, anything else must be whole. */
static int pick_scale_value(double given, double fallback, const char *field, const char *label, double *out)
{
    if (isnan(given)) {
        *out = fallback;
        return CX_OK;
    }
    if (!is_whole(given))
        return cx__error(CX_EINVAL, "%s %g for %s is not a whole number", field, given, label);
    *out = given;
    return CX_OK;
}

/* A field that a kind fixes: NaN or exactly the fixed value. */
static int require_fixed(double given, double fixed, const char *field, const char *label)
{
    if (!isnan(given) && given != fixed)
        return cx__error(CX_EINVAL, "%s is fixed at %g for %s (got %g)", field, fixed, label, given);
    return CX_OK;
}

typedef struct kind_defaults {
    cx__stat stat;
    double scale_min, scale_max;
    double threshold, low_threshold;
    bool fixed_scale;
} kind_defaults;

/* Statistic, default scale and thresholds of a kind and (resolved) variant. */
static int variant_defaults(cx_metric_kind kind, cx_metric_variant variant, kind_defaults *d)
{
    const char *label = kind_labels[kind];
    switch (kind) {
    case CX_METRIC_NPS:
        *d = (kind_defaults){ CX__STAT_NET, 0, 10, 9, 6, true };
        break;
    case CX_METRIC_FCR:
        *d = (kind_defaults){ CX__STAT_SHARE, 0, 1, 1, NAN, true };
        break;
    case CX_METRIC_CXI:
        *d = (kind_defaults){ CX__STAT_MEAN, 1, 5, 4, 2, true };
        break;
    case CX_METRIC_DURATION:
        *d = (kind_defaults){ CX__STAT_MEDIAN, NAN, NAN, NAN, NAN, true };
        break;
    case CX_METRIC_CSAT:
        if (variant != CX_CSAT_TOP_BOX && variant != CX_CSAT_MEAN)
            return cx__error(CX_EINVAL, "variant %d does not apply to CSAT (use CX_CSAT_TOP_BOX or CX_CSAT_MEAN)",
                             (int)variant);
        *d = (kind_defaults){ variant == CX_CSAT_MEAN ? CX__STAT_MEAN : CX__STAT_SHARE, 1, 5, NAN, NAN, false };
        return CX_OK;
    case CX_METRIC_CES:
        if (variant < CX_CES_MEAN || variant > CX_CES_V1)
            return cx__error(CX_EINVAL,
                             "variant %d does not apply to CES (use CX_CES_MEAN, CX_CES_AGREE, CX_CES_NET or CX_CES_V1)",
                             (int)variant);
        cx__stat stat = variant == CX_CES_AGREE ? CX__STAT_SHARE : variant == CX_CES_NET ? CX__STAT_NET : CX__STAT_MEAN;
        *d = (kind_defaults){ stat, 1, variant == CX_CES_V1 ? 5 : 7, NAN, NAN, false };
        return CX_OK;
    }
    if (variant != CX_VARIANT_DEFAULT)
        return cx__error(CX_EINVAL, "variant %d does not apply to %s (it has no variants; use CX_VARIANT_DEFAULT)",
                         (int)variant, label);
    return CX_OK;
}

static cx_metric_variant default_variant(cx_metric_kind kind, cx_metric_variant v)
{
    if (v != CX_VARIANT_DEFAULT)
        return v;
    if (kind == CX_METRIC_CSAT)
        return CX_CSAT_TOP_BOX;
    if (kind == CX_METRIC_CES)
        return CX_CES_MEAN;
    return CX_VARIANT_DEFAULT;
}

static int resolve_ci_method(cx__stat stat, cx_ci_method m, const char *label, cx_ci_method *out)
{
    static const cx_ci_method defaults[] = { CX_CI_DEFAULT, CX_CI_ADJUSTED_WALD, CX_CI_WILSON, CX_CI_STUDENT_T,
                                             CX_CI_ORDER_STATISTIC };
    cx_ci_method resolved = m == CX_CI_DEFAULT ? defaults[stat] : m;
    bool ok = resolved == defaults[stat] || (resolved == CX_CI_WALD && stat != CX__STAT_MEDIAN);
    if (!ok)
        return cx__error(CX_EINVAL, "ci_method %d does not apply to %s (use CX_CI_DEFAULT%s)", (int)m, label,
                         stat == CX__STAT_MEDIAN ? "" : " or CX_CI_WALD");
    *out = resolved;
    return CX_OK;
}

static int resolve_scale(const cx_metric_options *in, const kind_defaults *d, cx_metric_variant variant,
                         const char *label, cx_metric_options *out)
{
    int rc;
    if (d->fixed_scale) {
        if ((rc = require_fixed(in->scale_min, d->scale_min, "scale_min", label)) != CX_OK
            || (rc = require_fixed(in->scale_max, d->scale_max, "scale_max", label)) != CX_OK
            || (rc = require_fixed(in->threshold, d->threshold, "threshold", label)) != CX_OK
            || (rc = require_fixed(in->low_threshold, d->low_threshold, "low_threshold", label)) != CX_OK)
            return rc;
        out->scale_min = d->scale_min;
        out->scale_max = d->scale_max;
        out->threshold = d->threshold;
        out->low_threshold = d->low_threshold;
        return CX_OK;
    }
    if ((rc = pick_scale_value(in->scale_min, d->scale_min, "scale_min", label, &out->scale_min)) != CX_OK
        || (rc = pick_scale_value(in->scale_max, d->scale_max, "scale_max", label, &out->scale_max)) != CX_OK)
        return rc;
    if (out->scale_min >= out->scale_max || out->scale_max - out->scale_min + 1 > CX__MAX_SCALE_POINTS)
        return cx__error(CX_EINVAL, "scale %g..%g for %s must run upward over 2..%d points", out->scale_min,
                         out->scale_max, label, CX__MAX_SCALE_POINTS);
    /* Thresholds: CSAT top-two box; CES agree = top three, disagree = bottom three. */
    double top = variant == CX_CSAT_TOP_BOX ? out->scale_max - 1 : out->scale_max - 2;
    double bottom = out->scale_min + 2;
    bool uses_top = variant == CX_CSAT_TOP_BOX || variant == CX_CES_AGREE || variant == CX_CES_NET;
    bool uses_bottom = variant == CX_CES_NET;
    out->threshold = out->low_threshold = NAN;
    if (uses_top && (rc = pick_scale_value(in->threshold, top, "threshold", label, &out->threshold)) != CX_OK)
        return rc;
    if (uses_bottom
        && (rc = pick_scale_value(in->low_threshold, bottom, "low_threshold", label, &out->low_threshold)) != CX_OK)
        return rc;
    if (!uses_top && !isnan(in->threshold))
        return cx__error(CX_EINVAL, "threshold does not apply to this %s variant (leave it NaN)", label);
    if (!uses_bottom && !isnan(in->low_threshold))
        return cx__error(CX_EINVAL, "low_threshold does not apply to this %s variant (leave it NaN)", label);
    if (uses_top && (out->threshold <= out->scale_min || out->threshold > out->scale_max))
        return cx__error(CX_EINVAL, "threshold %g is not inside the %s scale %g..%g", out->threshold, label,
                         out->scale_min, out->scale_max);
    if (uses_bottom && (out->low_threshold < out->scale_min || out->low_threshold >= out->threshold))
        return cx__error(CX_EINVAL, "low_threshold %g must lie in %g..%g, below threshold %g", out->low_threshold,
                         out->scale_min, out->threshold - 1, out->threshold);
    return CX_OK;
}

static int resolve_item_weights(const cx_metric_options *in, cx_metric_kind kind, cx_metric_options *out)
{
    double sum = 0;
    for (int i = 0; i < 3; i++) {
        double w = in->item_weights[i];
        if (!isfinite(w) || w < 0)
            return cx__error(CX_EINVAL, "item_weights[%d] = %g must be finite and >= 0", i, w);
        sum += w;
        out->item_weights[i] = w;
    }
    if (sum <= 0)
        return cx__error(CX_EINVAL, "item_weights are all 0; at least one CX Index question needs weight");
    if (kind != CX_METRIC_CXI && (in->item_weights[0] != 1 || in->item_weights[1] != 1 || in->item_weights[2] != 1))
        return cx__error(CX_EINVAL, "item_weights apply only to CX_METRIC_CXI (leave them 1, 1, 1)");
    return CX_OK;
}

int cx__metric_resolve_options(cx_metric_kind kind, const cx_metric_options *in, cx_metric_options *out)
{
    cx_metric_options defaults = CX_METRIC_OPTIONS_INIT;
    if (in == NULL)
        in = &defaults;
    int rc = cx__check_version(in->version, CX_METRIC_OPTIONS_VERSION, "cx_metric_options");
    if (rc != CX_OK)
        return rc;
    if (!kind_known(kind))
        return cx__error(CX_EINVAL, "unknown metric kind %d (expected 1..6, CX_METRIC_NPS..CX_METRIC_CXI)", (int)kind);
    const char *label = kind_labels[kind];
    if (!(in->confidence > 0 && in->confidence < 1))
        return cx__error(CX_EINVAL, "confidence %g is outside (0, 1); use e.g. 0.95", in->confidence);
    *out = defaults;
    out->confidence = in->confidence;
    out->variant = default_variant(kind, in->variant);
    kind_defaults d;
    if ((rc = variant_defaults(kind, out->variant, &d)) != CX_OK)
        return rc;
    if ((rc = resolve_scale(in, &d, out->variant, label, out)) != CX_OK
        || (rc = resolve_ci_method(d.stat, in->ci_method, label, &out->ci_method)) != CX_OK
        || (rc = resolve_item_weights(in, kind, out)) != CX_OK)
        return rc;
    if (in->sketch_k != 0 && kind != CX_METRIC_DURATION)
        return cx__error(CX_EINVAL, "sketch_k applies only to CX_METRIC_DURATION (leave it 0)");
    if (in->sketch_k != 0 && (in->sketch_k < CX__SKETCH_K_MIN || in->sketch_k > CX__SKETCH_K_MAX))
        return cx__error(CX_EINVAL, "sketch_k %u is outside %u..%u", in->sketch_k, CX__SKETCH_K_MIN, CX__SKETCH_K_MAX);
    out->sketch_k = kind == CX_METRIC_DURATION ? (in->sketch_k ? in->sketch_k : CX__SKETCH_K_DEFAULT) : 0;
    return CX_OK;
}

/* ---- life cycle ------------------------------------------------------ */

static cx__stat stat_of(cx_metric_kind kind, cx_metric_variant variant)
{
    kind_defaults d;
    variant_defaults(kind, variant, &d); /* options already resolved: cannot fail */
    return d.stat;
}

int cx__metric_create(cx_metric **out, cx_metric_kind kind, const cx_metric_options *resolved)
{
    cx_metric *m = cx__calloc(1, sizeof *m);
    if (m == NULL)
        return cx__nomem("creating a calculator");
    m->kind = kind;
    m->opts = *resolved;
    m->stat = stat_of(kind, resolved->variant);
    if (kind == CX_METRIC_DURATION) {
        cx__sketch_init(&m->sketch, resolved->sketch_k);
        m->min = INFINITY;
        m->max = -INFINITY;
    } else {
        m->lo = (int)resolved->scale_min;
        m->hi = (int)resolved->scale_max;
        m->nbins = kind == CX_METRIC_CXI ? CX__CXI_BINS : (uint32_t)(m->hi - m->lo + 1);
        m->bins = cx__calloc(m->nbins, sizeof *m->bins);
        if (m->bins == NULL) {
            cx__free(m);
            return cx__nomem("creating a calculator");
        }
    }
    *out = m;
    return CX_OK;
}

int cx_metric_new(cx_metric **out, cx_metric_kind kind, const cx_metric_options *opts)
{
    CX__CHECK_ARG(out, "cx_metric_new");
    *out = NULL;
    cx_metric_options resolved;
    int rc = cx__metric_resolve_options(kind, opts, &resolved);
    if (rc != CX_OK)
        return rc;
    return cx__metric_create(out, kind, &resolved);
}

void cx_metric_free(cx_metric *m)
{
    if (m == NULL)
        return;
    if (m->kind == CX_METRIC_DURATION)
        cx__sketch_destroy(&m->sketch);
    cx__free(m->bins);
    cx__free(m);
}

int cx_metric_clone(cx_metric **out, const cx_metric *m)
{
    CX__CHECK_ARG(out, "cx_metric_clone");
    *out = NULL;
    CX__CHECK_ARG(m, "cx_metric_clone");
    cx_metric *copy;
    int rc = cx__metric_create(&copy, m->kind, &m->opts);
    if (rc != CX_OK)
        return rc;
    if (m->bins != NULL)
        memcpy(copy->bins, m->bins, m->nbins * sizeof *m->bins);
    if (m->kind == CX_METRIC_DURATION) {
        cx__sketch_destroy(&copy->sketch);
        if (cx__sketch_copy(&copy->sketch, &m->sketch) != CX_OK) {
            cx__free(copy);
            return cx__nomem("copying a calculator");
        }
        copy->sum = m->sum;
        copy->min = m->min;
        copy->max = m->max;
    }
    *out = copy;
    return CX_OK;
}

int cx_metric_get_kind(cx_metric_kind *out, const cx_metric *m)
{
    CX__CHECK_ARG(out, "cx_metric_get_kind");
    CX__CHECK_ARG(m, "cx_metric_get_kind");
    *out = m->kind;
    return CX_OK;
}

int cx_metric_get_options(cx_metric_options *out, const cx_metric *m)
{
    CX__CHECK_ARG(out, "cx_metric_get_options");
    CX__CHECK_ARG(m, "cx_metric_get_options");
    int rc = cx__check_version(out->version, CX_METRIC_OPTIONS_VERSION, "cx_metric_options");
    if (rc != CX_OK)
        return rc;
    static const size_t sizes[] = { sizeof(cx_metric_options) }; /* per version */
    cx_metric_options copy = m->opts;
    copy.version = out->version;
    CX__COPY_VERSIONED(out, &copy, sizes);
    return CX_OK;
}

/* ---- validation ------------------------------------------------------ */

static void where_prefix(char *buf, size_t size, long long index)
{
    if (index < 0)
        buf[0] = '\0';
    else
        snprintf(buf, size, "values[%lld]: ", index);
}

int cx__metric_check(const cx_metric *m, double value, double weight, long long index)
{
    /* The place is formatted only on failure: this runs once per value of a batch. */
    char where[48];
#define WHERE (where_prefix(where, sizeof where, index), where)
    const char *label = kind_labels[m->kind];
    if (!isfinite(weight) || weight < 0)
        return cx__error(CX_ERANGE, "%sweight %g must be finite and >= 0", WHERE, weight);
    if (m->kind == CX_METRIC_DURATION) {
        if (weight != 1.0)
            return cx__error(CX_EINVAL, "%sweight %g: DURATION calculators take unweighted values (weight 1)", WHERE,
                             weight);
        if (!isfinite(value) || value < 0)
            return cx__error(CX_ERANGE, "%sduration %g is not a finite number of seconds >= 0", WHERE, value);
        return CX_OK;
    }
    if (isnan(value))
        return cx__error(CX_ERANGE, "%sscore NaN is not a number (the %s scale is %d..%d)", WHERE, label, m->lo, m->hi);
    if (value < m->lo || value > m->hi)
        return cx__error(CX_ERANGE, "%sscore %g is outside the %s scale %d..%d", WHERE, value, label, m->lo, m->hi);
    if (value != floor(value))
        return cx__error(CX_ERANGE, "%sscore %g is not a whole number on the %s scale %d..%d", WHERE, value, label,
                         m->lo, m->hi);
    return CX_OK;
}
#undef WHERE

static int require_not_cxi(const cx_metric *m, const char *func)
{
    if (m->kind == CX_METRIC_CXI)
        return cx__error(CX_EINVAL, "%s: a CX Index calculator takes three answers per respondent; use cx_metric_add_cxi",
                         func);
    return CX_OK;
}

/* ---- feeding --------------------------------------------------------- */

static void bin_add(cx__bin *b, double weight)
{
    if (weight == 1.0) {
        b->n1++;
    } else {
        b->nw++;
        b->w += weight;
        b->w2 += weight * weight;
    }
}

static int duration_add(cx_metric *m, double value)
{
    if (cx__sketch_add(&m->sketch, value) != CX_OK)
        return cx__nomem("adding a duration");
    m->sum += value;
    if (value < m->min) m->min = value;
    if (value > m->max) m->max = value;
    return CX_OK;
}

int cx_metric_add_weighted(cx_metric *m, double value, double weight)
{
    CX__CHECK_ARG(m, "cx_metric_add_weighted");
    int rc = require_not_cxi(m, "cx_metric_add_weighted");
    if (rc == CX_OK)
        rc = cx__metric_check(m, value, weight, -1);
    if (rc != CX_OK)
        return rc;
    if (m->kind == CX_METRIC_DURATION)
        return duration_add(m, value);
    bin_add(&m->bins[(int)value - m->lo], weight);
    return CX_OK;
}

int cx_metric_add(cx_metric *m, double value)
{
    CX__CHECK_ARG(m, "cx_metric_add");
    int rc = require_not_cxi(m, "cx_metric_add");
    if (rc == CX_OK)
        rc = cx__metric_check(m, value, 1.0, -1);
    if (rc != CX_OK)
        return rc;
    if (m->kind == CX_METRIC_DURATION)
        return duration_add(m, value);
    m->bins[(int)value - m->lo].n1++;
    return CX_OK;
}

/* Finds the first bad value of a batch, for the error message. */
static int report_first_bad(const cx_metric *m, const double *values, const double *weights, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int rc = cx__metric_check(m, values[i], weights ? weights[i] : 1.0, (long long)i);
        if (rc != CX_OK)
            return rc;
    }
    return cx__error(CX_ERANGE, "a value in the batch is out of range");
}

/* Unweighted scale answers: counted and checked in one pass
 * (metric_count.c); only a batch that passes whole is added. */
static int scale_add_many(cx_metric *m, const double *values, size_t n)
{
    uint64_t counts[CX__MAX_SCALE_POINTS] = { 0 };
    if (!cx__count_scale(values, n, m->lo, (int)m->nbins, counts))
        return report_first_bad(m, values, NULL, n);
    for (uint32_t b = 0; b < m->nbins; b++)
        m->bins[b].n1 += counts[b];
    return CX_OK;
}

static int duration_add_many(cx_metric *m, const double *values, size_t n)
{
    double sum = 0, lo = m->min, hi = m->max;
    bool bad = false;
    for (size_t i = 0; i < n; i++) {
        double v = values[i];
        bad |= !(v >= 0 && v <= DBL_MAX);
        sum += v;
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
    }
    if (bad)
        return report_first_bad(m, values, NULL, n);
    if (n == 1)
        return duration_add(m, values[0]);
    /* Add into a copy, so that running out of memory midway changes nothing. */
    cx__sketch work;
    if (cx__sketch_copy(&work, &m->sketch) != CX_OK)
        return cx__nomem("adding durations");
    if (cx__sketch_add_many(&work, values, n) != CX_OK) {
        cx__sketch_destroy(&work);
        return cx__nomem("adding durations");
    }
    cx__sketch_destroy(&m->sketch);
    m->sketch = work;
    m->sum += sum;
    m->min = lo;
    m->max = hi;
    return CX_OK;
}

int cx_metric_add_many(cx_metric *m, const double *values, size_t n)
{
    CX__CHECK_ARG(m, "cx_metric_add_many");
    int rc = require_not_cxi(m, "cx_metric_add_many");
    if (rc != CX_OK)
        return rc;
    if (n == 0)
        return CX_OK;
    CX__CHECK_ARG(values, "cx_metric_add_many");
    if (m->kind == CX_METRIC_DURATION)
        return duration_add_many(m, values, n);
    return scale_add_many(m, values, n);
}

int cx_metric_add_many_weighted(cx_metric *m, const double *values, const double *weights, size_t n)
{
    CX__CHECK_ARG(m, "cx_metric_add_many_weighted");
    int rc = require_not_cxi(m, "cx_metric_add_many_weighted");
    if (rc != CX_OK || n == 0)
        return rc;
    CX__CHECK_ARG(values, "cx_metric_add_many_weighted");
    CX__CHECK_ARG(weights, "cx_metric_add_many_weighted");
    for (size_t i = 0; i < n; i++)
        if ((rc = cx__metric_check(m, values[i], weights[i], (long long)i)) != CX_OK)
            return rc;
    if (m->kind == CX_METRIC_DURATION)
        return duration_add_many(m, values, n);
    for (size_t i = 0; i < n; i++)
        bin_add(&m->bins[(int)values[i] - m->lo], weights[i]);
    return CX_OK;
}

/* ---- CX Index -------------------------------------------------------- */

static int cxi_check(const cx_metric *m, const double answers[3], double weight, long long index)
{
    static const char *const items[3] = { "effectiveness", "ease", "emotion" };
    char where[48];
    if (index < 0)
        where[0] = '\0';
    else
        snprintf(where, sizeof where, "respondent %lld: ", index);
    if (m->kind != CX_METRIC_CXI)
        return cx__error(CX_EINVAL, "cx_metric_add_cxi: the calculator is %s, not a CX Index (CX_METRIC_CXI)",
                         kind_labels[m->kind]);
    if (!isfinite(weight) || weight < 0)
        return cx__error(CX_ERANGE, "%sweight %g must be finite and >= 0", where, weight);
    for (int i = 0; i < 3; i++) {
        double v = answers[i];
        if (!(v >= 1 && v <= 5) || v != floor(v))
            return cx__error(CX_ERANGE, "%s%s answer %g is outside the CX Index scale 1..5 (whole numbers)", where,
                             items[i], v);
    }
    return CX_OK;
}

static uint32_t cxi_bin(const double answers[3])
{
    return (uint32_t)((answers[0] - 1) * 25 + (answers[1] - 1) * 5 + (answers[2] - 1));
}

int cx_metric_add_cxi(cx_metric *m, double effectiveness, double ease, double emotion, double weight)
{
    CX__CHECK_ARG(m, "cx_metric_add_cxi");
    double answers[3] = { effectiveness, ease, emotion };
    int rc = cxi_check(m, answers, weight, -1);
    if (rc != CX_OK)
        return rc;
    bin_add(&m->bins[cxi_bin(answers)], weight);
    return CX_OK;
}

int cx_metric_add_cxi_many(cx_metric *m, const double *triples, size_t n)
{
    CX__CHECK_ARG(m, "cx_metric_add_cxi_many");
    if (n > 0)
        CX__CHECK_ARG(triples, "cx_metric_add_cxi_many");
    for (size_t i = 0; i < n; i++) {
        int rc = cxi_check(m, triples + 3 * i, 1.0, (long long)i);
        if (rc != CX_OK)
            return rc;
    }
    if (n == 0 && m->kind != CX_METRIC_CXI)
        return cxi_check(m, (const double[3]){ 1, 1, 1 }, 1.0, -1);
    for (size_t i = 0; i < n; i++)
        m->bins[cxi_bin(triples + 3 * i)].n1++;
    return CX_OK;
}

double cx__cxi_bin_score(const cx_metric *m, uint32_t bin)
{
    int answers[3] = { (int)(bin / 25) + 1, (int)(bin / 5 % 5) + 1, (int)(bin % 5) + 1 };
    double total = 0, weights = 0;
    for (int i = 0; i < 3; i++) {
        double net = answers[i] >= 4 ? 100.0 : answers[i] <= 2 ? -100.0 : 0.0;
        total += m->opts.item_weights[i] * net;
        weights += m->opts.item_weights[i];
    }
    return total / weights;
}

/* ---- merging --------------------------------------------------------- */

static bool same_double(double a, double b)
{
    return a == b || (isnan(a) && isnan(b));
}

int cx__metric_same_setup(const cx_metric *a, const cx_metric *b, const char *func)
{
    if (a->kind != b->kind)
        return cx__error(CX_ESTATE, "%s: kinds differ (%s vs %s)", func, kind_labels[a->kind], kind_labels[b->kind]);
    const cx_metric_options *x = &a->opts, *y = &b->opts;
    const char *field = NULL;
    if (x->variant != y->variant) field = "variant";
    else if (!same_double(x->scale_min, y->scale_min) || !same_double(x->scale_max, y->scale_max)) field = "scale";
    else if (!same_double(x->threshold, y->threshold)) field = "threshold";
    else if (!same_double(x->low_threshold, y->low_threshold)) field = "low_threshold";
    else if (x->confidence != y->confidence) field = "confidence";
    else if (x->ci_method != y->ci_method) field = "ci_method";
    else if (x->sketch_k != y->sketch_k) field = "sketch_k";
    else
        for (int i = 0; i < 3; i++)
            if (x->item_weights[i] != y->item_weights[i]) field = "item_weights";
    if (field != NULL)
        return cx__error(CX_ESTATE, "%s: the two %s calculators differ in option %s", func, kind_labels[a->kind], field);
    return CX_OK;
}

int cx_metric_merge(cx_metric *into, const cx_metric *from)
{
    CX__CHECK_ARG(into, "cx_metric_merge");
    CX__CHECK_ARG(from, "cx_metric_merge");
    int rc = cx__metric_same_setup(into, from, "cx_metric_merge");
    if (rc != CX_OK)
        return rc;
    if (into == from)
        return cx__error(CX_EINVAL, "cx_metric_merge: cannot merge a calculator into itself; clone it first");
    if (into->kind == CX_METRIC_DURATION) {
        if (cx__sketch_merge(&into->sketch, &from->sketch) != CX_OK)
            return cx__nomem("merging durations");
        into->sum += from->sum;
        if (from->min < into->min) into->min = from->min;
        if (from->max > into->max) into->max = from->max;
        return CX_OK;
    }
    for (uint32_t b = 0; b < into->nbins; b++) {
        into->bins[b].n1 += from->bins[b].n1;
        into->bins[b].nw += from->bins[b].nw;
        into->bins[b].w += from->bins[b].w;
        into->bins[b].w2 += from->bins[b].w2;
    }
    return CX_OK;
}

/* ---- totals and distribution ---------------------------------------- */

uint64_t cx__metric_count(const cx_metric *m)
{
    if (m->kind == CX_METRIC_DURATION)
        return m->sketch.n;
    uint64_t n = 0;
    for (uint32_t b = 0; b < m->nbins; b++)
        n += m->bins[b].n1 + m->bins[b].nw;
    return n;
}

double cx__metric_total_weight(const cx_metric *m)
{
    if (m->kind == CX_METRIC_DURATION)
        return (double)m->sketch.n;
    double w = 0;
    for (uint32_t b = 0; b < m->nbins; b++)
        w += (double)m->bins[b].n1 + m->bins[b].w;
    return w;
}

int cx_metric_distribution(double *weights_out, const cx_metric *m, size_t cap, size_t *len)
{
    CX__CHECK_ARG(m, "cx_metric_distribution");
    CX__CHECK_ARG(len, "cx_metric_distribution");
    if (m->kind == CX_METRIC_DURATION || m->kind == CX_METRIC_CXI)
        return cx__error(CX_EINVAL, "cx_metric_distribution: %s has no answer scale; use cx_metric_quantile or the result",
                         kind_labels[m->kind]);
    *len = m->nbins;
    if (weights_out == NULL)
        return CX_OK;
    if (cap < m->nbins)
        return cx__error(CX_EINVAL, "cx_metric_distribution: room for %zu points, the scale has %u", cap, m->nbins);
    for (uint32_t b = 0; b < m->nbins; b++)
        weights_out[b] = (double)m->bins[b].n1 + m->bins[b].w;
    return CX_OK;
}
