/*
 * Funnels: ordered stage progression per case, Wilson intervals, stage to
 * stage durations and time to goal (DURATION calculators), and the
 * comparison of two funnels (pooled two-proportion z test with Newcombe's
 * hybrid score interval).
 */
#include <math.h>
#include <string.h>

#include "core_internal.h"
#include "journey_internal.h"
#include "stats_internal.h"

struct cx_funnel {
    size_t steps;
    char **stages;
    int *goal;
    uint64_t *entered;
    uint64_t *visited;
    cx_metric **durations; /* per step, then the time to goal at [steps] */
    cx_metric *to_goal;    /* == durations[steps] */
    uint64_t cases;
    uint64_t goal_cases;
    double confidence;
};

void cx_funnel_free(cx_funnel *f)
{
    if (f == NULL)
        return;
    for (size_t s = 0; f->durations != NULL && s <= f->steps; s++)
        cx_metric_free(f->durations[s]);
    cx__free_names(f->stages, f->stages ? f->steps : 0);
    cx__free(f->goal);
    cx__free(f->entered);
    cx__free(f->visited);
    cx__free(f->durations);
    cx__free(f);
}

static int funnel_alloc(cx_funnel **out, const cx_journey *j, double confidence)
{
    size_t k = j->stage_count;
    cx_funnel *f = cx__calloc(1, sizeof *f);
    if (f == NULL)
        return cx__nomem("computing a funnel");
    f->steps = k;
    f->confidence = confidence;
    f->stages = cx__calloc(k, sizeof *f->stages);
    f->goal = cx__calloc(k, sizeof *f->goal);
    f->entered = cx__calloc(k, sizeof *f->entered);
    f->visited = cx__calloc(k, sizeof *f->visited);
    f->durations = cx__calloc(k + 1, sizeof *f->durations);
    int rc = f->stages && f->goal && f->entered && f->visited && f->durations ? CX_OK : CX_ENOMEM;
    for (size_t s = 0; s < k && rc == CX_OK; s++) {
        f->goal[s] = j->stage_goal[s];
        if ((f->stages[s] = cx__strdup(j->stages[s])) == NULL)
            rc = CX_ENOMEM;
        if (rc == CX_OK)
            rc = cx_metric_new(&f->durations[s], CX_METRIC_DURATION, NULL);
    }
    if (rc == CX_OK)
        rc = cx_metric_new(&f->durations[k], CX_METRIC_DURATION, NULL);
    f->to_goal = f->durations ? f->durations[k] : NULL;
    if (rc != CX_OK) {
        cx_funnel_free(f);
        return cx__nomem("computing a funnel");
    }
    *out = f;
    return CX_OK;
}

static double seconds(int64_t ms)
{
    return (double)ms / 1000.0;
}

/* Walks one case: the stages reached in order, the stages visited at all,
 * and the first goal event. */
static int funnel_case(cx_funnel *f, const cx__jview *v, const cx__jcase *c, cx__dstage *d)
{
    int64_t reached[CX_JOURNEY_STAGES_MAX];
    uint64_t visited = 0;
    size_t k = 0;
    int64_t goal_ts = -1;
    for (size_t i = 0; i < c->n; i++) {
        int32_t s = v->stage_of[cx__jcase_tp(c, i)];
        if (s < 0)
            continue;
        visited |= UINT64_C(1) << s;
        if ((size_t)s == k && k < f->steps)
            reached[k++] = cx__jcase_ts(c, i);
        if (goal_ts < 0 && v->is_goal[cx__jcase_tp(c, i)])
            goal_ts = cx__jcase_ts(c, i);
    }
    f->cases++;
    int rc = CX_OK;
    for (size_t s = 0; s < k && rc == CX_OK; s++) {
        f->entered[s]++;
        rc = cx__dstage_add(d, f->durations, f->steps + 1, (uint32_t)s,
                            seconds(reached[s] - (s == 0 ? cx__jcase_ts(c, 0) : reached[s - 1])));
    }
    for (size_t s = 0; s < f->steps; s++)
        f->visited[s] += (visited >> s) & 1u;
    if (goal_ts >= 0 && rc == CX_OK) {
        f->goal_cases++;
        rc = cx__dstage_add(d, f->durations, f->steps + 1, (uint32_t)f->steps, seconds(goal_ts - cx__jcase_ts(c, 0)));
    }
    return rc;
}

int cx_journey_funnel(cx_funnel **out, cx_journey *j, const cx_funnel_options *opts)
{
    CX__CHECK_ARG(out, "cx_journey_funnel");
    *out = NULL;
    CX__CHECK_ARG(j, "cx_journey_funnel");
    cx_funnel_options o = CX_FUNNEL_OPTIONS_INIT;
    if (opts != NULL) {
        int rc = cx__check_version(opts->version, CX_FUNNEL_OPTIONS_VERSION, "cx_funnel_options");
        if (rc != CX_OK)
            return rc;
        o = *opts;
    }
    if (!(o.confidence > 0 && o.confidence < 1))
        return cx__error(CX_EINVAL, "cx_journey_funnel: confidence %g is outside (0, 1)", o.confidence);
    if (o.from_ms >= o.to_ms)
        return cx__error(CX_EINVAL, "cx_journey_funnel: from_ms %lld is not before to_ms %lld", (long long)o.from_ms,
                         (long long)o.to_ms);
    if (j->stage_count == 0)
        return cx__error(CX_EEMPTY, "cx_journey_funnel: the journey has no stages (set cx_journey_options.stages)");
    cx__jview v;
    cx_funnel *f = NULL;
    int rc = cx__jview_open(&v, j);
    if (rc != CX_OK || (rc = funnel_alloc(&f, j, o.confidence)) != CX_OK) {
        cx__jview_close(&v);
        return rc;
    }
    cx__jcursor cur;
    cx__jcase c;
    cx__dstage d;
    cx__jcursor_init(&cur, j);
    rc = cx__dstage_init(&d, j->built_events);
    while (rc == CX_OK && cx__jcursor_next(&cur, &c))
        if (cx__jcase_ts(&c, 0) >= o.from_ms && cx__jcase_ts(&c, 0) < o.to_ms)
            rc = funnel_case(f, &v, &c, &d);
    if (rc == CX_OK)
        rc = cx__dstage_flush(&d, f->durations, f->steps + 1);
    cx__dstage_destroy(&d);
    cx__jview_close(&v);
    if (rc != CX_OK) {
        cx_funnel_free(f);
        return rc;
    }
    *out = f;
    return CX_OK;
}

int cx_funnel_step_count(size_t *out, const cx_funnel *f)
{
    CX__CHECK_ARG(out, "cx_funnel_step_count");
    CX__CHECK_ARG(f, "cx_funnel_step_count");
    *out = f->steps;
    return CX_OK;
}

static int check_step(const cx_funnel *f, size_t index, const char *func)
{
    if (index >= f->steps)
        return cx__error(CX_ENOTFOUND, "%s: step %zu is past the last of %zu steps", func, index, f->steps);
    return CX_OK;
}

static uint64_t entered_before(const cx_funnel *f, size_t index)
{
    return index == 0 ? f->cases : f->entered[index - 1];
}

int cx_funnel_get_step(cx_funnel_step *out, const cx_funnel *f, size_t index)
{
    CX__CHECK_ARG(out, "cx_funnel_get_step");
    CX__CHECK_ARG(f, "cx_funnel_get_step");
    int rc = cx__check_version(out->version, CX_FUNNEL_STEP_VERSION, "cx_funnel_step");
    if (rc != CX_OK || (rc = check_step(f, index, "cx_funnel_get_step")) != CX_OK)
        return rc;
    double z = cx__norm_quantile(1.0 - (1.0 - f->confidence) / 2.0);
    cx_funnel_step s = CX_FUNNEL_STEP_INIT;
    s.version = out->version;
    s.stage = f->stages[index];
    s.goal = f->goal[index];
    s.entered = f->entered[index];
    s.visited = f->visited[index];
    uint64_t before = entered_before(f, index);
    s.dropped = before - s.entered;
    cx__wilson((double)s.entered, (double)before, z, &s.step_rate, &s.step_ci_low, &s.step_ci_high);
    cx__wilson((double)s.entered, (double)f->cases, z, &s.overall_rate, &s.overall_ci_low, &s.overall_ci_high);
    s.duration_count = s.entered;
    cx__duration_figures(f->durations[index], &s.duration_mean, &s.duration_median, &s.duration_p90);
    static const size_t sizes[] = { sizeof(cx_funnel_step) }; /* per version */
    CX__COPY_VERSIONED(out, &s, sizes);
    return CX_OK;
}

int cx_funnel_get_summary(cx_funnel_summary *out, const cx_funnel *f)
{
    CX__CHECK_ARG(out, "cx_funnel_get_summary");
    CX__CHECK_ARG(f, "cx_funnel_get_summary");
    int rc = cx__check_version(out->version, CX_FUNNEL_SUMMARY_VERSION, "cx_funnel_summary");
    if (rc != CX_OK)
        return rc;
    cx_funnel_summary s = CX_FUNNEL_SUMMARY_INIT;
    s.version = out->version;
    s.cases = f->cases;
    s.goal_cases = f->goal_cases;
    s.confidence = f->confidence;
    double z = cx__norm_quantile(1.0 - (1.0 - f->confidence) / 2.0);
    cx__wilson((double)s.goal_cases, (double)s.cases, z, &s.goal_rate, &s.goal_ci_low, &s.goal_ci_high);
    cx__duration_figures(f->to_goal, &s.time_to_goal_mean, &s.time_to_goal_median, &s.time_to_goal_p90);
    static const size_t sizes[] = { sizeof(cx_funnel_summary) }; /* per version */
    CX__COPY_VERSIONED(out, &s, sizes);
    return CX_OK;
}

int cx_funnel_step_duration(cx_metric **out, const cx_funnel *f, size_t index)
{
    CX__CHECK_ARG(out, "cx_funnel_step_duration");
    *out = NULL;
    CX__CHECK_ARG(f, "cx_funnel_step_duration");
    int rc = check_step(f, index, "cx_funnel_step_duration");
    return rc != CX_OK ? rc : cx_metric_clone(out, f->durations[index]);
}

int cx_funnel_goal_duration(cx_metric **out, const cx_funnel *f)
{
    CX__CHECK_ARG(out, "cx_funnel_goal_duration");
    *out = NULL;
    CX__CHECK_ARG(f, "cx_funnel_goal_duration");
    return cx_metric_clone(out, f->to_goal);
}

/* Pooled two-proportion z test of xa/na against xb/nb, with Newcombe's
 * hybrid score interval (method 10 of Newcombe 1998) built from the two
 * Wilson intervals. */
static void compare_rates(double xa, double na, double xb, double nb, double confidence, cx_comparison *c)
{
    double z = cx__norm_quantile(1.0 - (1.0 - confidence) / 2.0);
    double pa, la, ua, pb, lb, ub;
    cx__wilson(xa, na, z, &pa, &la, &ua);
    cx__wilson(xb, nb, z, &pb, &lb, &ub);
    double pooled = (xa + xb) / (na + nb);
    double se = sqrt(pooled * (1.0 - pooled) * (1.0 / na + 1.0 / nb));
    double d = pa - pb;
    cx_comparison r = CX_COMPARISON_INIT;
    r.version = c->version;
    r.difference = d;
    r.std_error = se;
    r.z = se > 0 ? d / se : 0.0; /* se == 0 only when both rates are 0 or both 1 */
    r.p_value = cx__p_two_sided_normal(r.z);
    r.ci_low = d - sqrt((pa - la) * (pa - la) + (ub - pb) * (ub - pb));
    r.ci_high = d + sqrt((ua - pa) * (ua - pa) + (pb - lb) * (pb - lb));
    r.df = INFINITY;
    r.confidence = confidence;
    r.method = CX_TEST_TWO_PROPORTION_Z;
    static const size_t sizes[] = { sizeof(cx_comparison) }; /* per version */
    CX__COPY_VERSIONED(c, &r, sizes);
}

static int same_stages(const cx_funnel *a, const cx_funnel *b)
{
    if (a->steps != b->steps)
        return cx__error(CX_ESTATE, "cx_funnel_compare: the funnels have %zu and %zu steps", a->steps, b->steps);
    for (size_t s = 0; s < a->steps; s++)
        if (strcmp(a->stages[s], b->stages[s]) != 0)
            return cx__error(CX_ESTATE, "cx_funnel_compare: step %zu is \"%.64s\" in one funnel and \"%.64s\" in the "
                             "other", s, a->stages[s], b->stages[s]);
    return CX_OK;
}

int cx_funnel_compare(cx_comparison *step_out, cx_comparison *overall_out, const cx_funnel *a, const cx_funnel *b,
                      size_t index)
{
    CX__CHECK_ARG(a, "cx_funnel_compare");
    CX__CHECK_ARG(b, "cx_funnel_compare");
    int rc = CX_OK;
    if (step_out != NULL)
        rc = cx__check_version(step_out->version, CX_COMPARISON_VERSION, "cx_comparison");
    if (rc == CX_OK && overall_out != NULL)
        rc = cx__check_version(overall_out->version, CX_COMPARISON_VERSION, "cx_comparison");
    if (rc != CX_OK || (rc = same_stages(a, b)) != CX_OK || (rc = check_step(a, index, "cx_funnel_compare")) != CX_OK)
        return rc;
    uint64_t na = entered_before(a, index), nb = entered_before(b, index);
    if (step_out != NULL && (na == 0 || nb == 0))
        return cx__error(CX_EEMPTY, "cx_funnel_compare: step %zu (\"%.64s\") has no cases to convert in %s funnel",
                         index, a->stages[index], na == 0 ? "the first" : "the second");
    if (overall_out != NULL && (a->cases == 0 || b->cases == 0))
        return cx__error(CX_EEMPTY, "cx_funnel_compare: %s funnel has no cases", a->cases == 0 ? "the first" : "the second");
    if (step_out != NULL)
        compare_rates((double)a->entered[index], (double)na, (double)b->entered[index], (double)nb, a->confidence,
                      step_out);
    if (overall_out != NULL)
        compare_rates((double)a->entered[index], (double)a->cases, (double)b->entered[index], (double)b->cases,
                      a->confidence, overall_out);
    return CX_OK;
}
