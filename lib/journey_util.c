/*
 * Helpers of the journey analyses: Wilson intervals, an index sort with a
 * context, text escaping for JSON and DOT, and the initialisers of the
 * versioned option and result structs.
 */
#include <math.h>
#include <string.h>

#include "core_internal.h"
#include "journey_internal.h"

void cx__duration_figures(const cx_metric *m, double *mean, double *median, double *p90)
{
    cx_metric_result r = CX_METRIC_RESULT_INIT;
    if (cx_metric_get_result(m, &r) != CX_OK || cx_metric_quantile(m, 0.9, p90) != CX_OK) {
        *mean = *median = *p90 = NAN;
        return;
    }
    *mean = r.mean;
    *median = r.value;
}

/* Each bulk add copies the calculator's sketch (so that a failure changes
 * nothing), so the stage holds up to a million values: few flushes. */
#define DSTAGE_MIN 256
#define DSTAGE_MAX (1u << 20)

int cx__dstage_init(cx__dstage *d, size_t expected)
{
    memset(d, 0, sizeof *d);
    size_t cap = expected < DSTAGE_MIN ? DSTAGE_MIN : expected > DSTAGE_MAX ? DSTAGE_MAX : expected;
    d->ids = cx__reallocarray(NULL, cap, sizeof *d->ids);
    d->values = cx__reallocarray(NULL, cap, sizeof *d->values);
    d->sorted = cx__reallocarray(NULL, cap, sizeof *d->sorted);
    if (!d->ids || !d->values || !d->sorted) {
        cx__dstage_destroy(d);
        return cx__nomem("staging durations");
    }
    d->cap = cap;
    return CX_OK;
}

void cx__dstage_destroy(cx__dstage *d)
{
    cx__free(d->ids);
    cx__free(d->values);
    cx__free(d->sorted);
    cx__free(d->start);
    memset(d, 0, sizeof *d);
}

int cx__dstage_flush(cx__dstage *d, cx_metric *const *metrics, size_t n)
{
    if (d->len == 0)
        return CX_OK;
    void *p = d->start;
    if (cx__grow(&p, &d->start_cap, n + 1, sizeof(size_t), 64) != CX_OK)
        return cx__nomem("staging durations");
    d->start = p;
    /* Counting sort by calculator, then one bulk add per calculator. */
    memset(d->start, 0, (n + 1) * sizeof *d->start);
    for (size_t i = 0; i < d->len; i++)
        d->start[d->ids[i] + 1]++;
    for (size_t k = 0; k < n; k++)
        d->start[k + 1] += d->start[k];
    for (size_t i = 0; i < d->len; i++)
        d->sorted[d->start[d->ids[i]]++] = d->values[i];
    size_t from = 0;
    for (size_t k = 0; k < n; k++) { /* start[k] now marks the end of k's run */
        int rc = d->start[k] > from ? cx_metric_add_many(metrics[k], d->sorted + from, d->start[k] - from) : CX_OK;
        if (rc != CX_OK)
            return rc;
        from = d->start[k];
    }
    d->len = 0;
    return CX_OK;
}

/* Bottom-up merge sort of indices: stable, O(n log n), no global state. */
int cx__sort_indices(uint32_t *idx, size_t count, int (*cmp)(uint32_t a, uint32_t b, const void *ctx),
                     const void *ctx)
{
    if (count < 2)
        return CX_OK;
    uint32_t *tmp = cx__reallocarray(NULL, count, sizeof *tmp);
    if (tmp == NULL)
        return cx__nomem("ordering results");
    uint32_t *src = idx, *dst = tmp;
    for (size_t width = 1; width < count; width *= 2) {
        for (size_t lo = 0; lo < count; lo += 2 * width) {
            size_t mid = lo + width < count ? lo + width : count;
            size_t hi = lo + 2 * width < count ? lo + 2 * width : count;
            size_t a = lo, b = mid, k = lo;
            while (a < mid && b < hi)
                dst[k++] = cmp(src[b], src[a], ctx) < 0 ? src[b++] : src[a++];
            while (a < mid)
                dst[k++] = src[a++];
            while (b < hi)
                dst[k++] = src[b++];
        }
        uint32_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != idx)
        memcpy(idx, src, count * sizeof *idx);
    cx__free(tmp);
    return CX_OK;
}

int cx__dot_string(cx_buffer *b, const char *s)
{
    int rc = cx__buffer_append(b, "\"", 1);
    for (const char *p = s; *p != '\0' && rc == CX_OK; p++) {
        if (*p == '"' || *p == '\\')
            rc = cx__buffer_append(b, "\\", 1);
        if (rc == CX_OK)
            rc = *p == '\n' ? cx__buffer_append(b, "\\n", 2) : cx__buffer_append(b, p, 1);
    }
    if (rc == CX_OK)
        rc = cx__buffer_append(b, "\"", 1);
    return rc;
}

/* cx_<name>_init(ptr, version): check, copy the defaults, stamp the version. */
#define DEFINE_INIT(type, name, current, init)                              \
    int name(type *p, unsigned int version)                                 \
    {                                                                       \
        CX__CHECK_ARG(p, #name);                                            \
        int rc = cx__check_version(version, current, #type);                \
        if (rc != CX_OK)                                                    \
            return rc;                                                      \
        type defaults = init;                                               \
        *p = defaults;                                                      \
        p->version = version;                                               \
        return CX_OK;                                                       \
    }

DEFINE_INIT(cx_funnel_options, cx_funnel_options_init, CX_FUNNEL_OPTIONS_VERSION, CX_FUNNEL_OPTIONS_INIT)
DEFINE_INIT(cx_funnel_step, cx_funnel_step_init, CX_FUNNEL_STEP_VERSION, CX_FUNNEL_STEP_INIT)
DEFINE_INIT(cx_funnel_summary, cx_funnel_summary_init, CX_FUNNEL_SUMMARY_VERSION, CX_FUNNEL_SUMMARY_INIT)
DEFINE_INIT(cx_variant_options, cx_variant_options_init, CX_VARIANT_OPTIONS_VERSION, CX_VARIANT_OPTIONS_INIT)
DEFINE_INIT(cx_variant, cx_variant_init, CX_VARIANT_VERSION, CX_VARIANT_INIT)
DEFINE_INIT(cx_dfg_options, cx_dfg_options_init, CX_DFG_OPTIONS_VERSION, CX_DFG_OPTIONS_INIT)
DEFINE_INIT(cx_dfg_node, cx_dfg_node_init, CX_DFG_NODE_VERSION, CX_DFG_NODE_INIT)
DEFINE_INIT(cx_dfg_edge, cx_dfg_edge_init, CX_DFG_EDGE_VERSION, CX_DFG_EDGE_INIT)
DEFINE_INIT(cx_friction_options, cx_friction_options_init, CX_FRICTION_OPTIONS_VERSION, CX_FRICTION_OPTIONS_INIT)
DEFINE_INIT(cx_friction_summary, cx_friction_summary_init, CX_FRICTION_SUMMARY_VERSION, CX_FRICTION_SUMMARY_INIT)
DEFINE_INIT(cx_friction_entry, cx_friction_entry_init, CX_FRICTION_ENTRY_VERSION, CX_FRICTION_ENTRY_INIT)
DEFINE_INIT(cx_attribution_options, cx_attribution_options_init, CX_ATTRIBUTION_OPTIONS_VERSION,
            CX_ATTRIBUTION_OPTIONS_INIT)
DEFINE_INIT(cx_attribution_summary, cx_attribution_summary_init, CX_ATTRIBUTION_SUMMARY_VERSION,
            CX_ATTRIBUTION_SUMMARY_INIT)
DEFINE_INIT(cx_attribution_entry, cx_attribution_entry_init, CX_ATTRIBUTION_ENTRY_VERSION, CX_ATTRIBUTION_ENTRY_INIT)
DEFINE_INIT(cx_journey_json_options, cx_journey_json_options_init, CX_JOURNEY_JSON_OPTIONS_VERSION,
            CX_JOURNEY_JSON_OPTIONS_INIT)
