/*
 * Results and comparisons of calculators. The formulas, and where they come
 * from, are written down in docs/metrics.md; each function here names the
 * section it implements.
 */
#include <math.h>
#include <string.h>

#include "core_internal.h"
#include "metric_internal.h"
#include "stats_internal.h"

/* What every statistic is computed from. */
typedef struct summary {
    uint64_t count;   /* answers */
    double weight;    /* sum of weights W */
    double n_eff;     /* Kish: W^2 / sum w^2 */
    double positive;  /* net and share: weight of positive answers */
    double negative;  /* net: weight of negative answers */
    double mean;      /* mean answer or respondent score */
    double var_pop;   /* weighted population variance around the mean */
    double min, max;  /* lowest and highest answer present */
} summary;

double cx__z_for_confidence(double confidence)
{
    return cx__norm_quantile(1.0 - (1.0 - confidence) / 2.0);
}

static double bin_value(const cx_metric *m, uint32_t b)
{
    return m->kind == CX_METRIC_CXI ? cx__cxi_bin_score(m, b) : (double)(m->lo + (int)b);
}

static void summarize_bins(const cx_metric *m, summary *s)
{
    double w2 = 0, weighted_sum = 0;
    memset(s, 0, sizeof *s);
    s->min = INFINITY;
    s->max = -INFINITY;
    for (uint32_t b = 0; b < m->nbins; b++) {
        const cx__bin *bin = &m->bins[b];
        double w = (double)bin->n1 + bin->w;
        s->count += bin->n1 + bin->nw;
        if (bin->n1 + bin->nw == 0)
            continue;
        double x = bin_value(m, b);
        s->weight += w;
        w2 += (double)bin->n1 + bin->w2;
        weighted_sum += w * x;
        if (x >= m->opts.threshold)
            s->positive += w;
        if (x <= m->opts.low_threshold)
            s->negative += w;
        if (x < s->min) s->min = x;
        if (x > s->max) s->max = x;
    }
    if (s->weight <= 0)
        return;
    s->n_eff = s->weight * s->weight / w2;
    s->mean = weighted_sum / s->weight;
    double ss = 0; /* second pass around the mean: no cancellation */
    for (uint32_t b = 0; b < m->nbins; b++) {
        double w = (double)m->bins[b].n1 + m->bins[b].w;
        double d = bin_value(m, b) - s->mean;
        ss += w * d * d;
    }
    s->var_pop = ss / s->weight;
}

static double clamp(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* docs/metrics.md "Net scores": trinomial standard error and interval. */
static double net_std_error(double p, double d, double n)
{
    double diff = p - d;
    double var = p + d - diff * diff;
    return 100.0 * sqrt((var > 0 ? var : 0) / n);
}

/* Adjusted-Wald estimate: add 3 answers, split 0.75 / 1.5 / 0.75. */
static void net_adjusted(const summary *s, double *estimate, double *std_error)
{
    double n = s->n_eff + 3.0;
    double p = (s->positive / s->weight * s->n_eff + 0.75) / n;
    double d = (s->negative / s->weight * s->n_eff + 0.75) / n;
    *estimate = 100.0 * (p - d);
    *std_error = net_std_error(p, d, n);
}

static void net_result(const cx_metric *m, const summary *s, double z, cx_metric_result *r)
{
    double p = s->positive / s->weight, d = s->negative / s->weight;
    r->value = 100.0 * (p - d);
    r->std_error = net_std_error(p, d, s->n_eff);
    double centre = r->value, half = z * r->std_error;
    if (m->opts.ci_method == CX_CI_ADJUSTED_WALD) {
        double se;
        net_adjusted(s, &centre, &se);
        half = z * se;
    }
    r->ci_low = clamp(centre - half, -100, 100);
    r->ci_high = clamp(centre + half, -100, 100);
    r->promoters = p;
    r->detractors = d;
    r->passives = 1.0 - p - d;
}

/* Wilson score interval for a share p of n, as fractions. */
static void wilson(double p, double n, double z, double *lo, double *hi)
{
    double rate;
    cx__wilson(p * n, n, z, &rate, lo, hi);
}

static void share_result(const cx_metric *m, const summary *s, double z, cx_metric_result *r)
{
    double p = s->positive / s->weight;
    r->value = 100.0 * p;
    r->std_error = 100.0 * sqrt(p * (1.0 - p) / s->n_eff);
    if (m->opts.ci_method == CX_CI_WILSON) {
        double lo, hi;
        wilson(p, s->n_eff, z, &lo, &hi);
        r->ci_low = 100.0 * lo;
        r->ci_high = 100.0 * hi;
    } else {
        r->ci_low = clamp(r->value - z * r->std_error, 0, 100);
        r->ci_high = clamp(r->value + z * r->std_error, 0, 100);
    }
    r->promoters = p;
    r->detractors = 1.0 - p;
}

/* Sample standard deviation with Kish's n in place of n (Bessel-corrected). */
static double mean_std_error(const summary *s)
{
    if (s->n_eff <= 1.0)
        return NAN;
    return sqrt(s->var_pop / (s->n_eff - 1.0));
}

static void mean_result(const cx_metric *m, const summary *s, double confidence, cx_metric_result *r)
{
    r->value = s->mean;
    r->std_error = mean_std_error(s);
    double q = 1.0 - (1.0 - confidence) / 2.0;
    double crit = m->opts.ci_method == CX_CI_STUDENT_T ? cx__t_quantile(q, s->n_eff - 1.0) : cx__norm_quantile(q);
    /* A mean cannot leave the scale of its answers (-100..100 for CX Index). */
    double lo = m->kind == CX_METRIC_CXI ? -100.0 : m->opts.scale_min;
    double hi = m->kind == CX_METRIC_CXI ? 100.0 : m->opts.scale_max;
    r->ci_low = clamp(r->value - crit * r->std_error, lo, hi);
    r->ci_high = clamp(r->value + crit * r->std_error, lo, hi);
}

/* Campbell & Gardner (1988): ranks n/2 -/+ z sqrt(n)/2 (upper + 1), rounded.
 * A rank outside 1..n means the interval cannot reach the confidence: NaN. */
static int median_interval(const cx_metric *m, double z, double *lo, double *hi)
{
    double n = (double)m->sketch.n;
    double r = nearbyint(n / 2.0 - z * sqrt(n) / 2.0);
    double u = nearbyint(1.0 + n / 2.0 + z * sqrt(n) / 2.0);
    *lo = *hi = NAN;
    if (r >= 1 && cx__sketch_rank_value(&m->sketch, (uint64_t)r, lo) != CX_OK)
        return CX_ENOMEM;
    if (u <= n && cx__sketch_rank_value(&m->sketch, (uint64_t)u, hi) != CX_OK)
        return CX_ENOMEM;
    return CX_OK;
}

static int median_result(const cx_metric *m, double z, cx_metric_result *r)
{
    if (cx__sketch_quantile(&m->sketch, 0.5, &r->value) != CX_OK
        || median_interval(m, z, &r->ci_low, &r->ci_high) != CX_OK)
        return cx__nomem("computing a median");
    r->std_error = (r->ci_high - r->ci_low) / (2.0 * z);
    r->count = m->sketch.n;
    r->weight = r->effective_n = (double)m->sketch.n;
    r->mean = m->sum / (double)m->sketch.n;
    r->min = m->min;
    r->max = m->max;
    r->promoters = r->passives = r->detractors = NAN;
    return CX_OK;
}

static int require_answers(const cx_metric *m, const summary *s, const char *func)
{
    if (m->kind == CX_METRIC_DURATION ? m->sketch.n == 0 : s->count == 0)
        return cx__error(CX_EEMPTY, "%s: the calculator has no answers yet", func);
    if (m->kind != CX_METRIC_DURATION && s->weight <= 0)
        return cx__error(CX_EEMPTY, "%s: all %llu answers have weight 0", func, (unsigned long long)s->count);
    return CX_OK;
}

static void summarize(const cx_metric *m, summary *s)
{
    if (m->kind == CX_METRIC_DURATION) {
        memset(s, 0, sizeof *s);
        s->count = m->sketch.n;
        s->weight = s->n_eff = (double)m->sketch.n;
    } else {
        summarize_bins(m, s);
    }
}

int cx_metric_get_result(const cx_metric *m, cx_metric_result *out)
{
    CX__CHECK_ARG(m, "cx_metric_get_result");
    CX__CHECK_ARG(out, "cx_metric_get_result");
    int rc = cx__check_version(out->version, CX_METRIC_RESULT_VERSION, "cx_metric_result");
    if (rc != CX_OK)
        return rc;
    summary s;
    summarize(m, &s);
    if ((rc = require_answers(m, &s, "cx_metric_get_result")) != CX_OK)
        return rc;
    cx_metric_result r;
    memset(&r, 0, sizeof r);
    r.version = out->version;
    r.kind = m->kind;
    r.confidence = m->opts.confidence;
    double z = cx__z_for_confidence(m->opts.confidence);
    if (m->stat == CX__STAT_MEDIAN) {
        if ((rc = median_result(m, z, &r)) != CX_OK)
            return rc;
    } else {
        r.count = s.count;
        r.weight = s.weight;
        r.effective_n = s.n_eff;
        r.mean = s.mean;
        r.min = s.min;
        r.max = s.max;
        r.promoters = r.passives = r.detractors = NAN;
        if (m->stat == CX__STAT_NET)
            net_result(m, &s, z, &r);
        else if (m->stat == CX__STAT_SHARE)
            share_result(m, &s, z, &r);
        else
            mean_result(m, &s, m->opts.confidence, &r);
    }
    static const size_t sizes[] = { sizeof(cx_metric_result) }; /* per version */
    CX__COPY_VERSIONED(out, &r, sizes);
    return CX_OK;
}

int cx_metric_quantile(const cx_metric *m, double q, double *out)
{
    CX__CHECK_ARG(m, "cx_metric_quantile");
    CX__CHECK_ARG(out, "cx_metric_quantile");
    if (m->kind != CX_METRIC_DURATION)
        return cx__error(CX_EINVAL, "cx_metric_quantile: quantiles are kept by DURATION calculators only");
    if (!(q >= 0 && q <= 1))
        return cx__error(CX_ERANGE, "cx_metric_quantile: q = %g is outside [0, 1]", q);
    if (m->sketch.n == 0)
        return cx__error(CX_EEMPTY, "cx_metric_quantile: the calculator has no values yet");
    if (q == 0) {
        *out = m->min;
        return CX_OK;
    }
    if (q == 1) {
        *out = m->max;
        return CX_OK;
    }
    if (cx__sketch_quantile(&m->sketch, q, out) != CX_OK)
        return cx__nomem("computing a quantile");
    return CX_OK;
}

/* ---- comparisons ---------------------------------------------------- */

/* Fills z and p from a difference and its standard error; a zero standard
 * error means both sides are constant: equal (p = 1) or surely different. */
static void finish_z_test(cx_comparison *c, double diff, double se)
{
    if (se > 0) {
        c->z = diff / se;
    } else {
        c->z = diff == 0 ? 0.0 : copysign(INFINITY, diff);
    }
    c->p_value = isinf(c->df) ? cx__p_two_sided_normal(c->z) : cx__p_two_sided_t(c->z, c->df);
}

static void compare_net(const cx_metric *a, const summary *sa, const summary *sb, double z, cx_comparison *c)
{
    double ea, eb, se_a, se_b;
    if (a->opts.ci_method == CX_CI_ADJUSTED_WALD) {
        net_adjusted(sa, &ea, &se_a);
        net_adjusted(sb, &eb, &se_b);
    } else {
        ea = 100.0 * (sa->positive - sa->negative) / sa->weight;
        eb = 100.0 * (sb->positive - sb->negative) / sb->weight;
        se_a = net_std_error(sa->positive / sa->weight, sa->negative / sa->weight, sa->n_eff);
        se_b = net_std_error(sb->positive / sb->weight, sb->negative / sb->weight, sb->n_eff);
    }
    c->method = CX_TEST_NET_Z;
    c->std_error = sqrt(se_a * se_a + se_b * se_b);
    c->df = INFINITY;
    finish_z_test(c, ea - eb, c->std_error);
    c->ci_low = ea - eb - z * c->std_error;
    c->ci_high = ea - eb + z * c->std_error;
}

/* Pooled two-proportion z test; Newcombe's hybrid score interval (method 10). */
static void compare_share(const summary *sa, const summary *sb, double z, cx_comparison *c)
{
    double pa = sa->positive / sa->weight, pb = sb->positive / sb->weight;
    double na = sa->n_eff, nb = sb->n_eff;
    double pooled = (pa * na + pb * nb) / (na + nb);
    double se = sqrt(pooled * (1.0 - pooled) * (1.0 / na + 1.0 / nb));
    c->method = CX_TEST_TWO_PROPORTION_Z;
    c->std_error = 100.0 * se;
    c->df = INFINITY;
    finish_z_test(c, pa - pb, se);
    double la, ua, lb, ub;
    wilson(pa, na, z, &la, &ua);
    wilson(pb, nb, z, &lb, &ub);
    double d = pa - pb;
    c->ci_low = 100.0 * (d - sqrt((pa - la) * (pa - la) + (ub - pb) * (ub - pb)));
    c->ci_high = 100.0 * (d + sqrt((ua - pa) * (ua - pa) + (pb - lb) * (pb - lb)));
}

static int compare_mean(const cx_metric *a, const summary *sa, const summary *sb, cx_comparison *c)
{
    if (sa->n_eff <= 1.0 || sb->n_eff <= 1.0)
        return cx__error(CX_EEMPTY, "cx_metric_compare: Welch's test needs more than one answer on each side "
                                    "(effective sizes %g and %g)", sa->n_eff, sb->n_eff);
    double va = sa->var_pop / (sa->n_eff - 1.0), vb = sb->var_pop / (sb->n_eff - 1.0); /* s^2 / n */
    double se = sqrt(va + vb);
    c->method = CX_TEST_WELCH_T;
    c->std_error = se;
    bool use_t = a->opts.ci_method == CX_CI_STUDENT_T && se > 0;
    /* Welch-Satterthwaite degrees of freedom. */
    c->df = use_t ? (va + vb) * (va + vb) / (va * va / (sa->n_eff - 1.0) + vb * vb / (sb->n_eff - 1.0)) : INFINITY;
    finish_z_test(c, sa->mean - sb->mean, se);
    double q = 1.0 - (1.0 - a->opts.confidence) / 2.0;
    double crit = use_t ? cx__t_quantile(q, c->df) : cx__norm_quantile(q);
    c->ci_low = c->difference - crit * se;
    c->ci_high = c->difference + crit * se;
    return CX_OK;
}

static int compare_median(const cx_metric *a, const cx_metric *b, double z, cx_comparison *c)
{
    cx_metric_result ra = CX_METRIC_RESULT_INIT, rb = CX_METRIC_RESULT_INIT;
    if (median_result(a, z, &ra) != CX_OK || median_result(b, z, &rb) != CX_OK)
        return CX_ENOMEM;
    c->method = CX_TEST_MEDIAN_Z;
    c->std_error = sqrt(ra.std_error * ra.std_error + rb.std_error * rb.std_error);
    c->df = INFINITY;
    if (isnan(c->std_error)) {
        c->z = c->p_value = NAN;
    } else {
        finish_z_test(c, c->difference, c->std_error);
    }
    c->ci_low = c->difference - z * c->std_error;
    c->ci_high = c->difference + z * c->std_error;
    return CX_OK;
}

int cx_metric_compare(const cx_metric *a, const cx_metric *b, cx_comparison *out)
{
    CX__CHECK_ARG(a, "cx_metric_compare");
    CX__CHECK_ARG(b, "cx_metric_compare");
    CX__CHECK_ARG(out, "cx_metric_compare");
    int rc = cx__check_version(out->version, CX_COMPARISON_VERSION, "cx_comparison");
    if (rc != CX_OK || (rc = cx__metric_same_setup(a, b, "cx_metric_compare")) != CX_OK)
        return rc;
    cx_metric_result ra = CX_METRIC_RESULT_INIT, rb = CX_METRIC_RESULT_INIT;
    if ((rc = cx_metric_get_result(a, &ra)) != CX_OK || (rc = cx_metric_get_result(b, &rb)) != CX_OK)
        return rc;
    summary sa, sb;
    summarize(a, &sa);
    summarize(b, &sb);
    cx_comparison c;
    memset(&c, 0, sizeof c);
    c.version = out->version;
    c.confidence = a->opts.confidence;
    c.difference = ra.value - rb.value;
    double z = cx__z_for_confidence(a->opts.confidence);
    switch (a->stat) {
    case CX__STAT_NET: compare_net(a, &sa, &sb, z, &c); break;
    case CX__STAT_SHARE: compare_share(&sa, &sb, z, &c); break;
    case CX__STAT_MEAN: rc = compare_mean(a, &sa, &sb, &c); break;
    case CX__STAT_MEDIAN: rc = compare_median(a, b, z, &c); break;
    }
    if (rc == CX_ENOMEM)
        return cx__nomem("comparing medians");
    if (rc != CX_OK)
        return rc;
    static const size_t sizes[] = { sizeof(cx_comparison) }; /* per version */
    CX__COPY_VERSIONED(out, &c, sizes);
    return CX_OK;
}
