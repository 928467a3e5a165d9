/*
 * Report section "journey": the store's events as journeys (a pause of a
 * week starts a new one), built as `cx journey -s` builds them
 * (journey_load.c), once for all parts of the section:
 *
 *  - the funnel of the touchpoints' stages (report_journey_funnel.c);
 *  - the directly-follows graph (repeats of a touchpoint in a row count
 *    once) and its busiest transitions, drawn with the first bottleneck in
 *    red;
 *  - the bottlenecks: the transitions after which most journeys end
 *    without reaching a goal, and those taking the most time in all
 *    (count x mean duration).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "journey_load.h"
#include "report_journey.h"
#include "svg_graph.h"

#define EDGES_DRAWN 30
#define LISTED 5

enum { BY_COUNT, BY_LOST, BY_TIME, N_ORDERS };

typedef struct node_info {
    uint32_t node;     /* index at the touchpoint level */
    char *stage;       /* NULL: none */
    bool goal;
} node_info;

typedef struct graph {
    cx_funnel *funnel; /* NULL without stages */
    cx_dfg *g[N_ORDERS];
    node_info *nodes;  /* per node of g[BY_COUNT], in its order */
    size_t n_nodes, n_edges;
    char **stages;
    size_t n_stages;
    cx_journey_summary sum;
} graph;

static void release(void *state)
{
    graph *s = state;
    if (s == NULL)
        return;
    cx_funnel_free(s->funnel);
    for (int o = 0; o < N_ORDERS; o++)
        cx_dfg_free(s->g[o]);
    for (size_t i = 0; i < s->n_nodes; i++)
        free(s->nodes[i].stage);
    for (size_t i = 0; i < s->n_stages; i++)
        free(s->stages[i]);
    free(s->nodes);
    free(s->stages);
    free(s);
}

/* Stages and goal flags of the journey, and each node's stage. */
static int describe(graph *s, const cx_journey *j)
{
    const cx_touchpoint_registry *reg = NULL;
    size_t n = 0;
    int rc = cx_journey_stage_count(&n, j);
    if (rc == CX_OK)
        rc = cx_journey_touchpoints(&reg, j);
    s->stages = calloc(n ? n : 1, sizeof *s->stages);
    s->nodes = calloc(s->n_nodes ? s->n_nodes : 1, sizeof *s->nodes);
    if (s->stages == NULL || s->nodes == NULL)
        return CX_ENOMEM;
    for (size_t i = 0; rc == CX_OK && i < n; i++) {
        const char *name = NULL;
        rc = cx_journey_get_stage(&name, NULL, j, i);
        if (rc == CX_OK && (s->stages[s->n_stages++] = strdup(name)) == NULL)
            rc = CX_ENOMEM;
    }
    for (size_t i = 0; rc == CX_OK && i < s->n_nodes; i++) {
        cx_dfg_node nd = CX_DFG_NODE_INIT;
        cx_touchpoint_info info = CX_TOUCHPOINT_INFO_INIT;
        rc = cx_dfg_get_node(&nd, s->g[BY_COUNT], i);
        if (rc == CX_OK)
            rc = cx_touchpoint_get(&info, reg, nd.node);
        s->nodes[i].node = nd.node;
        for (size_t k = 0; rc == CX_OK && info.stage != NULL && *info.stage && k < n; k++) {
            int goal = 0;
            if (strcmp(s->stages[k], info.stage) == 0 && cx_journey_get_stage(NULL, &goal, j, k) == CX_OK)
                s->nodes[i].goal = goal != 0;
        }
        if (rc == CX_OK && info.stage != NULL && *info.stage && (s->nodes[i].stage = strdup(info.stage)) == NULL)
            rc = CX_ENOMEM;
    }
    return rc;
}

static int collect(const report_ctx *ctx, void **state)
{
    graph *s = calloc(1, sizeof *s);
    if (s == NULL)
        return CX_ENOMEM;
    *state = s;
    cx_journey_summary fresh = CX_JOURNEY_SUMMARY_INIT;
    s->sum = fresh;
    journey_setup setup;
    journey_setup_init(&setup);
    setup.filter = ctx->filter;
    setup.gap_ms = JOURNEY_REPORT_GAP_MS;
    cx_journey *j = NULL;
    int rc = journey_from_store(&j, ctx->store, &setup);
    cx_funnel_options fo = CX_FUNNEL_OPTIONS_INIT;
    fo.confidence = ctx->confidence;
    if (rc == CX_OK && (rc = cx_journey_funnel(&s->funnel, j, &fo)) == CX_EEMPTY)
        rc = CX_OK; /* no stages */
    const cx_dfg_order orders[N_ORDERS] = { CX_DFG_ORDER_COUNT, CX_DFG_ORDER_LOST, CX_DFG_ORDER_TOTAL_TIME };
    for (int o = 0; rc == CX_OK && o < N_ORDERS; o++) {
        cx_dfg_options opts = CX_DFG_OPTIONS_INIT;
        opts.collapse_repeats = 1;
        opts.order = orders[o];
        rc = cx_journey_dfg(&s->g[o], j, &opts);
    }
    if (rc == CX_OK)
        rc = cx_journey_get_summary(&s->sum, j);
    if (rc == CX_OK)
        rc = cx_dfg_count(&s->n_nodes, &s->n_edges, s->g[BY_COUNT]);
    if (rc == CX_OK)
        rc = describe(s, j);
    cx_journey_free(j);
    return rc;
}

static bool listed(const cx_dfg_edge *e, int order)
{
    return order == BY_LOST ? e->lost > 0 : order == BY_TIME ? e->total_seconds > 0 : true;
}

static void text(const report_ctx *ctx, const void *state, FILE *out)
{
    (void)ctx;
    const graph *s = state;
    if (s->n_edges == 0) {
        fputs("  no transitions\n", out);
        return;
    }
    char cases[32], customers[32], edges[32];
    cli_format_count(s->sum.cases, cases, sizeof cases);
    cli_format_count(s->sum.customers, customers, sizeof customers);
    cli_format_count(s->n_edges, edges, sizeof edges);
    fprintf(out, "  %s journeys of %s customers (a pause of a week starts a new one)\n", cases, customers);
    funnel_text(out, s->funnel);
    fprintf(out, "  %s distinct transitions (repeats of a touchpoint in a row count once)\n", edges);
    fputs("  bottlenecks: transitions after which journeys end without reaching a goal\n", out);
    journey_print_edges(out, s->g[BY_LOST], LISTED, false);
    fputs("  slowest: count x mean time = their total time, most first\n", out);
    journey_print_edges(out, s->g[BY_TIME], LISTED, true);
}

static void json_edges(jw *w, const graph *s, int order, size_t max)
{
    jw_array(w);
    for (size_t i = 0; i < s->n_edges && i < max; i++) {
        cx_dfg_edge e = CX_DFG_EDGE_INIT;
        if (cx_dfg_get_edge(&e, s->g[order], i) != CX_OK || !listed(&e, order))
            break;
        jw_object(w);
        jw_kstring(w, "from", e.from_name);
        jw_kstring(w, "to", e.to_name);
        jw_kint(w, "count", (int64_t)e.count);
        jw_kint(w, "cases", (int64_t)e.cases);
        jw_kint(w, "lost", (int64_t)e.lost);
        jw_knumber(w, "median_seconds", e.median_seconds);
        jw_knumber(w, "p90_seconds", e.p90_seconds);
        jw_knumber(w, "total_seconds", e.total_seconds);
        jw_end(w);
    }
    jw_end(w);
}

static void json(const report_ctx *ctx, const void *state, jw *w)
{
    (void)ctx;
    const graph *s = state;
    jw_object(w);
    jw_kint(w, "gap_seconds", JOURNEY_REPORT_GAP_MS / 1000);
    jw_kint(w, "cases", (int64_t)s->sum.cases);
    jw_kint(w, "customers", (int64_t)s->sum.customers);
    jw_key(w, "funnel");
    funnel_json(w, s->funnel);
    jw_kint(w, "edge_count", (int64_t)s->n_edges);
    jw_key(w, "nodes");
    jw_array(w);
    for (size_t i = 0; i < s->n_nodes; i++) {
        cx_dfg_node nd = CX_DFG_NODE_INIT;
        if (cx_dfg_get_node(&nd, s->g[BY_COUNT], i) != CX_OK)
            continue;
        jw_object(w);
        jw_kstring(w, "touchpoint", nd.name);
        jw_kstring(w, "stage", s->nodes[i].stage);
        jw_kint(w, "events", (int64_t)nd.events);
        jw_kint(w, "cases", (int64_t)nd.cases);
        jw_kint(w, "starts", (int64_t)nd.starts);
        jw_kint(w, "ends", (int64_t)nd.ends);
        jw_kint(w, "lost", (int64_t)nd.lost);
        jw_end(w);
    }
    jw_end(w);
    jw_key(w, "edges");
    json_edges(w, s, BY_COUNT, EDGES_DRAWN);
    jw_key(w, "bottlenecks");
    json_edges(w, s, BY_LOST, LISTED);
    jw_key(w, "slowest");
    json_edges(w, s, BY_TIME, LISTED);
    jw_end(w);
}

/* The position of a node in s->nodes. */
static size_t node_at(const graph *s, uint32_t node)
{
    for (size_t i = 0; i < s->n_nodes; i++)
        if (s->nodes[i].node == node)
            return i;
    return s->n_nodes;
}

static size_t column_of(const graph *s, const node_info *n)
{
    for (size_t k = 0; n->stage != NULL && k < s->n_stages; k++)
        if (strcmp(s->stages[k], n->stage) == 0)
            return k;
    return s->n_stages;
}

typedef struct drawing {
    svg_edge *edges;
    char (*notes)[200];
    size_t n;
} drawing;

static void add_edge(drawing *d, const graph *s, const cx_dfg_edge *e, bool hot)
{
    char *note = d->notes[d->n], median[16], count[32], lost[32];
    cli_format_duration(e->median_seconds, median, sizeof median);
    cli_format_count(e->count, count, sizeof count);
    cli_format_count(e->lost, lost, sizeof lost);
    if (hot)
        snprintf(note, sizeof d->notes[0], "bottleneck %.40s -> %.40s: %s of %s journeys end there, no goal reached",
                 e->from_name, e->to_name, lost, count);
    else
        snprintf(note, sizeof d->notes[0], "%.40s -> %.40s: %s transitions, median %s", e->from_name, e->to_name,
                 count, median);
    d->edges[d->n++] = (svg_edge){ node_at(s, e->from), node_at(s, e->to), (double)e->count, note, hot };
}

/* The busiest edges and the first bottleneck, over all nodes. */
static void html_graph(FILE *out, const graph *s)
{
    size_t max = s->n_edges < EDGES_DRAWN ? s->n_edges : EDGES_DRAWN;
    drawing d = { calloc(max + 1, sizeof *d.edges), calloc(max + 1, sizeof *d.notes), 0 };
    svg_node *nodes = calloc(s->n_nodes ? s->n_nodes : 1, sizeof *nodes);
    const char **columns = calloc(s->n_stages + 1, sizeof *columns);
    cx_dfg_edge hot = CX_DFG_EDGE_INIT;
    bool has_hot = cx_dfg_get_edge(&hot, s->g[BY_LOST], 0) == CX_OK && hot.lost > 0, drawn = false;
    for (size_t i = 0; d.edges != NULL && d.notes != NULL && i < max; i++) {
        cx_dfg_edge e = CX_DFG_EDGE_INIT;
        if (cx_dfg_get_edge(&e, s->g[BY_COUNT], i) != CX_OK)
            break;
        bool is_hot = has_hot && e.from == hot.from && e.to == hot.to;
        drawn = drawn || is_hot;
        add_edge(&d, s, &e, is_hot);
    }
    if (d.edges != NULL && d.notes != NULL && has_hot && !drawn)
        add_edge(&d, s, &hot, true);
    bool unstaged = false;
    for (size_t i = 0; nodes != NULL && i < s->n_nodes; i++) {
        cx_dfg_node nd = CX_DFG_NODE_INIT;
        cx_dfg_get_node(&nd, s->g[BY_COUNT], i);
        nodes[i] = (svg_node){ nd.name, column_of(s, &s->nodes[i]), (unsigned long long)nd.events, s->nodes[i].goal };
        unstaged = unstaged || nodes[i].column == s->n_stages;
    }
    for (size_t k = 0; columns != NULL && k < s->n_stages; k++)
        columns[k] = s->stages[k];
    if (columns != NULL && nodes != NULL && d.edges != NULL && d.notes != NULL) {
        columns[s->n_stages] = "(no stage)";
        svg_graph(out, "Journey graph: the busiest transitions, the worst bottleneck in red", columns,
                  s->n_stages + unstaged, nodes, s->n_nodes, d.edges, d.n);
    }
    free(d.edges);
    free(d.notes);
    free(nodes);
    free(columns);
}

static void html_table(FILE *out, const graph *s, int order)
{
    fprintf(out, "<table><tr><th>transition</th><th>transitions</th><th>%s</th><th>median time</th></tr>\n",
            order == BY_LOST ? "journeys ending there without a goal" : "time in all");
    for (size_t i = 0; i < LISTED && i < s->n_edges; i++) {
        cx_dfg_edge e = CX_DFG_EDGE_INIT;
        if (cx_dfg_get_edge(&e, s->g[order], i) != CX_OK || !listed(&e, order))
            break;
        char count[32], lost[32], median[16], total[16];
        cli_format_count(e.count, count, sizeof count);
        cli_format_count(e.lost, lost, sizeof lost);
        cli_format_duration(e.median_seconds, median, sizeof median);
        cli_format_duration(e.total_seconds, total, sizeof total);
        fputs("<tr><td>", out);
        html_text(out, e.from_name);
        fputs(" &rarr; ", out);
        html_text(out, e.to_name);
        fprintf(out, "</td><td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td></tr>\n", count,
                order == BY_LOST ? lost : total, median);
    }
    fputs("</table>\n", out);
}

static void html(const report_ctx *ctx, const void *state, FILE *out)
{
    (void)ctx;
    const graph *s = state;
    if (s->n_edges == 0) {
        fputs("<p>No transitions.</p>\n", out);
        return;
    }
    char cases[32], customers[32];
    cli_format_count(s->sum.cases, cases, sizeof cases);
    cli_format_count(s->sum.customers, customers, sizeof customers);
    fprintf(out, "<p>%s journeys of %s customers: a customer's events until a pause of more than a week.</p>\n", cases,
            customers);
    funnel_html(out, s->funnel);
    html_graph(out, s);
    fputs("<p>Bottlenecks: the transitions after which most journeys end without reaching a goal stage.</p>\n", out);
    html_table(out, s, BY_LOST);
    fputs("<p>The slowest transitions: their count times their mean duration.</p>\n", out);
    html_table(out, s, BY_TIME);
}

const report_section report_journey = { "journey", "Journeys: funnel, graph and bottlenecks", collect, text, json,
                                        html, release };
