/*
 * The worked example of docs/journeys.md: nine customer journeys across
 * five touchpoints, their funnel, paths, graph, friction and attribution.
 * Run with --dot to print the directly-follows graph in Graphviz DOT
 * (docs/images/journey_example.svg is `journey --dot | dot -Tsvg`).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cx/cx.h"

#define CHECK(call)                                                                   \
    do {                                                                              \
        int rc_ = (call);                                                             \
        if (rc_ != CX_OK) {                                                           \
            fprintf(stderr, "%s failed: %s (%s)\n", #call, cx_strerror(rc_), cx_last_error()); \
            return 1;                                                                 \
        }                                                                             \
    } while (0)

static const struct {
    const char *customer, *touchpoint;
    long long seconds;
} events[] = {
    { "c1", "ad", 0 },      { "c1", "web", 60 },    { "c1", "buy", 180 },    { "c2", "ad", 0 },
    { "c2", "chat", 120 },  { "c2", "web", 300 },   { "c2", "buy", 600 },    { "c2", "call", 4000 },
    { "c3", "web", 0 },     { "c3", "ad", 30 },     { "c3", "web", 90 },     { "c4", "ad", 0 },
    { "c5", "ad", 0 },      { "c5", "web", 100 },   { "c5", "web", 172800 }, { "c5", "buy", 172850 },
    { "c6", "chat", 0 },    { "c6", "chat", 60 },   { "c6", "call", 200 },   { "c6", "buy", 500 },
    { "c7", "ad", 0 },      { "c7", "web", 120 },   { "c7", "buy", 240 },    { "c8", "ad", 500 },
};

static int build(cx_journey **out)
{
    static const struct {
        const char *id;
        cx_channel channel;
        const char *stage;
    } touchpoints[] = {
        { "ad", CX_CHANNEL_SOCIAL, "awareness" }, { "web", CX_CHANNEL_WEB, "consideration" },
        { "chat", CX_CHANNEL_CHAT, "consideration" }, { "buy", CX_CHANNEL_WEB, "purchase" },
        { "call", CX_CHANNEL_PHONE, "service" },
    };
    static const char *const stages[] = { "awareness", "consideration", "purchase", "service" };
    static const char *const goals[] = { "purchase" };
    cx_touchpoint_registry *reg = NULL;
    CHECK(cx_touchpoint_registry_new(&reg));
    for (size_t i = 0; i < sizeof touchpoints / sizeof touchpoints[0]; i++) {
        cx_touchpoint_info info = CX_TOUCHPOINT_INFO_INIT;
        info.id = touchpoints[i].id;
        info.channel = touchpoints[i].channel;
        info.stage = touchpoints[i].stage;
        CHECK(cx_touchpoint_add(NULL, reg, &info));
    }
    cx_journey_options o = CX_JOURNEY_OPTIONS_INIT;
    o.inactivity_gap_ms = 86400000; /* a day apart: a new journey */
    o.stages = stages;
    o.stage_count = 4;
    o.goal_stages = goals;
    o.goal_count = 1;
    int rc = cx_journey_new(out, reg, &o);
    cx_touchpoint_registry_free(reg);
    CHECK(rc);
    for (size_t i = 0; i < sizeof events / sizeof events[0]; i++)
        CHECK(cx_journey_observe(*out, events[i].customer, events[i].touchpoint, events[i].seconds * 1000, NAN));
    return 0;
}

static int report(cx_journey *j)
{
    cx_funnel *f = NULL;
    CHECK(cx_journey_funnel(&f, j, NULL));
    printf("%-14s %7s %7s %9s %9s %10s\n", "stage", "entered", "dropped", "step", "overall", "median s");
    for (size_t k = 0; k < 4; k++) {
        cx_funnel_step s = CX_FUNNEL_STEP_INIT;
        CHECK(cx_funnel_get_step(&s, f, k));
        printf("%-14s %7llu %7llu %8.1f%% %8.1f%% %10.0f\n", s.stage, (unsigned long long)s.entered,
               (unsigned long long)s.dropped, 100 * s.step_rate, 100 * s.overall_rate, s.duration_median);
    }
    cx_funnel_free(f);

    cx_variant_options vo = CX_VARIANT_OPTIONS_INIT;
    vo.top_k = 3;
    cx_variants *v = NULL;
    CHECK(cx_journey_variants(&v, j, &vo));
    printf("\ntop paths\n");
    for (size_t i = 0; i < 3; i++) {
        cx_variant x = CX_VARIANT_INIT;
        CHECK(cx_variants_get(&x, v, i));
        printf("  %llu x ", (unsigned long long)x.count);
        for (size_t k = 0; k < x.length; k++)
            printf("%s%s", k ? " > " : "", x.names[k]);
        printf("  (goal rate %.0f%%)\n", 100 * x.goal_rate);
    }
    cx_variants_free(v);

    cx_dfg_options go = CX_DFG_OPTIONS_INIT;
    go.order = CX_DFG_ORDER_TOTAL_TIME;
    cx_dfg *g = NULL;
    CHECK(cx_journey_dfg(&g, j, &go));
    printf("\nbottlenecks by time x volume\n");
    for (size_t i = 0; i < 3; i++) {
        cx_dfg_edge e = CX_DFG_EDGE_INIT;
        CHECK(cx_dfg_get_edge(&e, g, i));
        printf("  %s -> %s: %llu x, %.0f s in total, %llu lost\n", e.from_name, e.to_name,
               (unsigned long long)e.count, e.total_seconds, (unsigned long long)e.lost);
    }
    cx_dfg_free(g);

    cx_attribution *a = NULL;
    CHECK(cx_journey_attribution(&a, j, NULL));
    printf("\nMarkov attribution (order 1)\n");
    size_t n;
    CHECK(cx_attribution_count(&n, a));
    for (size_t i = 0; i < n; i++) {
        cx_attribution_entry e = CX_ATTRIBUTION_ENTRY_INIT;
        CHECK(cx_attribution_get(&e, a, i));
        printf("  %-5s removal effect %.3f, credit %.2f of 5 conversions\n", e.name, e.removal_effect, e.credit);
    }
    cx_attribution_free(a);
    return 0;
}

static int dot(cx_journey *j)
{
    cx_dfg *g = NULL;
    CHECK(cx_journey_dfg(&g, j, NULL));
    cx_buffer b = CX_BUFFER_INIT;
    int rc = cx_dfg_to_dot(&b, g);
    if (rc == CX_OK)
        fputs(b.data, stdout);
    cx_buffer_dispose(&b);
    cx_dfg_free(g);
    CHECK(rc);
    return 0;
}

int main(int argc, char **argv)
{
    cx_journey *j = NULL;
    if (build(&j) != 0)
        return 1;
    int rc = argc > 1 && strcmp(argv[1], "--dot") == 0 ? dot(j) : report(j);
    cx_journey_free(j);
    return rc;
}
