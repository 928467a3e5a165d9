/*
 * JSON export of a journey: counts, variants, directly-follows edges and,
 * when the journey has stages, the funnel. The object is what `cx journey
 * --json` prints.
 */
#include <math.h>
#include <string.h>

#include "core_internal.h"
#include "journey_internal.h"

/* A JSON number: integers as such, other values with 15 significant
 * digits, NaN and infinities as null. */
static int json_number(cx_buffer *b, double x)
{
    if (!isfinite(x))
        return cx__buffer_append(b, "null", 4);
    return cx__buffer_printf(b, "%.15g", x);
}

static int json_variants(cx_buffer *b, const cx_variants *v)
{
    size_t listed;
    cx_variants_count(&listed, NULL, NULL, v);
    int rc = cx__buffer_printf(b, "\"variants\": [");
    for (size_t i = 0; i < listed && rc == CX_OK; i++) {
        cx_variant x = CX_VARIANT_INIT;
        cx_variants_get(&x, v, i);
        rc = cx__buffer_printf(b, "%s{\"path\": [", i ? ", " : "");
        for (size_t k = 0; k < x.length && rc == CX_OK; k++) {
            if (k > 0)
                rc = cx__buffer_append(b, ", ", 2);
            if (rc == CX_OK)
                rc = cx__buffer_json_string(b, x.names[k]);
        }
        if (rc == CX_OK)
            rc = cx__buffer_printf(b, "], \"count\": %llu, \"share\": ", (unsigned long long)x.count);
        if (rc == CX_OK)
            rc = json_number(b, x.share);
        if (rc == CX_OK)
            rc = cx__buffer_printf(b, ", \"goals\": %llu}", (unsigned long long)x.goal_count);
    }
    return rc == CX_OK ? cx__buffer_append(b, "]", 1) : rc;
}

static int json_edge(cx_buffer *b, const cx_dfg_edge *e)
{
    int rc = cx__buffer_append(b, "{\"from\": ", 9);
    if (rc == CX_OK)
        rc = cx__buffer_json_string(b, e->from_name);
    if (rc == CX_OK)
        rc = cx__buffer_append(b, ", \"to\": ", 8);
    if (rc == CX_OK)
        rc = cx__buffer_json_string(b, e->to_name);
    if (rc == CX_OK)
        rc = cx__buffer_printf(b, ", \"count\": %llu, \"cases\": %llu, \"lost\": %llu, \"mean_seconds\": ",
                               (unsigned long long)e->count, (unsigned long long)e->cases,
                               (unsigned long long)e->lost);
    if (rc == CX_OK)
        rc = json_number(b, e->mean_seconds);
    if (rc == CX_OK)
        rc = cx__buffer_append(b, ", \"median_seconds\": ", 20);
    if (rc == CX_OK)
        rc = json_number(b, e->median_seconds);
    if (rc == CX_OK)
        rc = cx__buffer_append(b, ", \"p90_seconds\": ", 17);
    if (rc == CX_OK)
        rc = json_number(b, e->p90_seconds);
    return rc == CX_OK ? cx__buffer_append(b, "}", 1) : rc;
}

static int json_edges(cx_buffer *b, const cx_dfg *g)
{
    size_t edges;
    cx_dfg_count(NULL, &edges, g);
    int rc = cx__buffer_printf(b, "\"edges\": [");
    for (size_t i = 0; i < edges && rc == CX_OK; i++) {
        cx_dfg_edge e = CX_DFG_EDGE_INIT;
        cx_dfg_get_edge(&e, g, i);
        if (i > 0)
            rc = cx__buffer_append(b, ", ", 2);
        if (rc == CX_OK)
            rc = json_edge(b, &e);
    }
    return rc == CX_OK ? cx__buffer_append(b, "]", 1) : rc;
}

static int json_funnel(cx_buffer *b, const cx_funnel *f)
{
    size_t steps;
    cx_funnel_step_count(&steps, f);
    int rc = cx__buffer_printf(b, ", \"funnel\": [");
    for (size_t i = 0; i < steps && rc == CX_OK; i++) {
        cx_funnel_step s = CX_FUNNEL_STEP_INIT;
        cx_funnel_get_step(&s, f, i);
        rc = cx__buffer_printf(b, "%s{\"stage\": ", i ? ", " : "");
        if (rc == CX_OK)
            rc = cx__buffer_json_string(b, s.stage);
        if (rc == CX_OK)
            rc = cx__buffer_printf(b, ", \"goal\": %s, \"entered\": %llu, \"step_rate\": ", s.goal ? "true" : "false",
                                   (unsigned long long)s.entered);
        if (rc == CX_OK)
            rc = json_number(b, s.step_rate);
        if (rc == CX_OK)
            rc = cx__buffer_append(b, ", \"overall_rate\": ", 18);
        if (rc == CX_OK)
            rc = json_number(b, s.overall_rate);
        if (rc == CX_OK)
            rc = cx__buffer_append(b, "}", 1);
    }
    return rc == CX_OK ? cx__buffer_append(b, "]", 1) : rc;
}

typedef struct export_parts {
    cx_variants *variants;
    cx_dfg *dfg;
    cx_funnel *funnel;
    cx_journey_summary summary;
} export_parts;

static int export_compute(export_parts *p, cx_journey *j, const cx_journey_json_options *o)
{
    cx_variant_options vo = CX_VARIANT_OPTIONS_INIT;
    vo.level = o->level;
    vo.top_k = o->top_k;
    vo.collapse_repeats = o->collapse_repeats;
    cx_dfg_options go = CX_DFG_OPTIONS_INIT;
    go.level = o->level;
    go.collapse_repeats = o->collapse_repeats;
    int rc = cx_journey_get_summary(&p->summary, j);
    if (rc == CX_OK)
        rc = cx_journey_variants(&p->variants, j, &vo);
    if (rc == CX_OK)
        rc = cx_journey_dfg(&p->dfg, j, &go);
    if (rc == CX_OK && j->stage_count > 0)
        rc = cx_journey_funnel(&p->funnel, j, NULL);
    return rc;
}

static int export_write(cx_buffer *b, const export_parts *p)
{
    int rc = cx__buffer_printf(b, "{\"events\": %llu, \"customers\": %llu, \"cases\": %llu, ",
                               (unsigned long long)p->summary.events, (unsigned long long)p->summary.customers,
                               (unsigned long long)p->summary.cases);
    if (rc == CX_OK)
        rc = json_variants(b, p->variants);
    if (rc == CX_OK)
        rc = cx__buffer_append(b, ", ", 2);
    if (rc == CX_OK)
        rc = json_edges(b, p->dfg);
    if (rc == CX_OK && p->funnel != NULL)
        rc = json_funnel(b, p->funnel);
    if (rc == CX_OK)
        rc = cx__buffer_append(b, "}\n", 2);
    return rc;
}

int cx_journey_to_json(cx_buffer *out, cx_journey *j, const cx_journey_json_options *opts)
{
    CX__CHECK_ARG(out, "cx_journey_to_json");
    CX__CHECK_ARG(j, "cx_journey_to_json");
    cx_journey_json_options o = CX_JOURNEY_JSON_OPTIONS_INIT;
    if (opts != NULL) {
        int rc = cx__check_version(opts->version, CX_JOURNEY_JSON_OPTIONS_VERSION, "cx_journey_json_options");
        if (rc != CX_OK)
            return rc;
        o = *opts;
    }
    int rc = cx__check_level(o.level, true, "cx_journey_to_json");
    if (rc != CX_OK)
        return rc;
    export_parts p = { NULL, NULL, NULL, CX_JOURNEY_SUMMARY_INIT };
    size_t before = out->size;
    rc = export_compute(&p, j, &o);
    if (rc == CX_OK)
        rc = export_write(out, &p);
    if (rc != CX_OK && out->data != NULL) {
        out->size = before;
        out->data[before] = '\0';
    }
    cx_variants_free(p.variants);
    cx_dfg_free(p.dfg);
    cx_funnel_free(p.funnel);
    return rc;
}
