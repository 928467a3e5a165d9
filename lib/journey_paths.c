/*
 * Path variants and the directly-follows graph.
 *
 * Both walk each case as a sequence of nodes at the requested level
 * (touchpoints, stages or channels), skipping events without a node and,
 * on request, collapsing runs of the same node. Variants are interned as
 * byte strings of node indices; edges as (from, to) pairs.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core_internal.h"
#include "journey_internal.h"

/* ---- walking a case at a level ---------------------------------------- */

typedef struct node_step {
    uint32_t node;
    int64_t ts;      /* time of the step's (last, when collapsed) event */
    int64_t first;   /* time of its first event */
} node_step;

typedef struct node_walk {
    node_step *steps;
    size_t len, cap;
    bool converts; /* the case has a goal-stage event */
} node_walk;

/* Maps a case to its node steps. CX_OK or CX_ENOMEM. */
static int walk_case(node_walk *w, const cx__jview *v, const cx__jcase *c, cx_journey_level level, bool collapse)
{
    void *p = w->steps;
    if (cx__grow(&p, &w->cap, c->n, sizeof(node_step), 64) != CX_OK)
        return cx__nomem("walking a case");
    w->steps = p;
    w->len = 0;
    w->converts = false;
    for (size_t i = 0; i < c->n; i++) {
        w->converts |= v->is_goal[cx__jcase_tp(c, i)];
        uint32_t node = cx__jview_node(v, level, cx__jcase_tp(c, i));
        if (node == CX__NO_NODE)
            continue;
        if (collapse && w->len > 0 && w->steps[w->len - 1].node == node) {
            w->steps[w->len - 1].ts = cx__jcase_ts(c, i);
            continue;
        }
        w->steps[w->len++] = (node_step){ node, cx__jcase_ts(c, i), cx__jcase_ts(c, i) };
    }
    return CX_OK;
}

/* ---- variants --------------------------------------------------------- */

struct cx_variants {
    size_t listed, distinct;
    uint64_t cases;
    char **names;            /* node names */
    size_t name_count;
    size_t *start;           /* listed + 1 offsets into nodes */
    uint32_t *nodes;
    const char **node_names; /* parallel to nodes */
    uint64_t *count;
    uint64_t *goals;
};

void cx_variants_free(cx_variants *v)
{
    if (v == NULL)
        return;
    cx__free_names(v->names, v->name_count);
    cx__free(v->start);
    cx__free(v->nodes);
    cx__free(v->node_names);
    cx__free(v->count);
    cx__free(v->goals);
    cx__free(v);
}

typedef struct variant_tally {
    cx__hashmap paths;        /* key: node indices as bytes */
    uint64_t *count, *goals;  /* per distinct path */
    size_t cap;
    uint32_t *scratch;
    size_t scratch_cap;
    uint64_t cases;
} variant_tally;

static void tally_free(variant_tally *t)
{
    cx__hashmap_destroy(&t->paths);
    cx__free(t->count);
    cx__free(t->goals);
    cx__free(t->scratch);
}

static int tally_case(variant_tally *t, const node_walk *w, bool converts)
{
    void *p = t->scratch;
    if (cx__grow(&p, &t->scratch_cap, w->len + 1, sizeof(uint32_t), 64) != CX_OK)
        return cx__nomem("counting variants");
    t->scratch = p;
    for (size_t i = 0; i < w->len; i++)
        t->scratch[i] = w->steps[i].node;
    uint32_t index;
    bool inserted;
    if (cx__hashmap_intern(&t->paths, t->scratch, w->len * sizeof(uint32_t), &index, &inserted) != CX_OK)
        return cx__nomem("counting variants");
    if (inserted) {
        void *c = t->count, *g = t->goals;
        size_t cap_c = t->cap, cap_g = t->cap;
        int rc = cx__grow(&c, &cap_c, index + 1, sizeof(uint64_t), 64);
        if (rc == CX_OK) {
            t->count = c;
            rc = cx__grow(&g, &cap_g, index + 1, sizeof(uint64_t), 64);
        }
        if (rc != CX_OK) {
            cx__hashmap_pop(&t->paths);
            return cx__nomem("counting variants");
        }
        t->goals = g;
        t->cap = cap_g;
        t->count[index] = t->goals[index] = 0;
    }
    t->count[index]++;
    t->goals[index] += converts;
    t->cases++;
    return CX_OK;
}

/* Reads node i of a stored path (keys are not aligned for uint32_t). */
static uint32_t path_node(const char *key, size_t i)
{
    uint32_t node;
    memcpy(&node, key + i * sizeof node, sizeof node);
    return node;
}

typedef struct variant_order {
    const variant_tally *t;
    const uint32_t *rank; /* per node: its place in bytewise name order */
    uint64_t *key;        /* per variant: a prefix of the order, see sort_key */
} variant_order;

/* Paths compare element by element by node name (through the ranks, as
 * names are unique per level), a prefix first. */
static int compare_paths(const char *ka, size_t la, const char *kb, size_t lb, const uint32_t *rank)
{
    for (size_t i = 0; i < la && i < lb; i++) {
        uint32_t ra = rank[path_node(ka, i)], rb = rank[path_node(kb, i)];
        if (ra != rb)
            return ra < rb ? -1 : 1;
    }
    return (la > lb) - (la < lb);
}

static int compare_variants(uint32_t a, uint32_t b, const void *ctx)
{
    const variant_order *o = ctx;
    if (o->key[a] != o->key[b])
        return o->key[a] < o->key[b] ? -1 : 1;
    if (o->t->count[a] != o->t->count[b])
        return o->t->count[a] > o->t->count[b] ? -1 : 1;
    size_t la, lb;
    const char *ka = cx__hashmap_key(&o->t->paths, a, &la);
    const char *kb = cx__hashmap_key(&o->t->paths, b, &lb);
    return compare_paths(ka, la / sizeof(uint32_t), kb, lb / sizeof(uint32_t), o->rank);
}

static int compare_names(uint32_t a, uint32_t b, const void *ctx)
{
    char *const *names = ctx;
    return strcmp(names[a], names[b]);
}

/*
 * A 64-bit key whose order agrees with compare_variants wherever the keys
 * differ, so most comparisons never touch the paths: the count inverted
 * in the top 24 bits, then as many leading nodes as fit in the other 40,
 * each as rank + 1 (0 marks the end of a shorter path, which sorts first).
 * Equal keys fall back to the full comparison. Counts of 0xFFFFFF and more
 * do not fit: their key is 0, so they sort first and, among themselves,
 * by the full comparison (count, then path) rather than by path alone.
 */
static uint64_t sort_key(const variant_order *o, uint32_t v, unsigned bits)
{
    uint64_t count = o->t->count[v];
    if (count >= 0xFFFFFF)
        return 0;
    uint64_t key = (0xFFFFFF - count) << 40;
    size_t len;
    const char *path = cx__hashmap_key(&o->t->paths, v, &len);
    len /= sizeof(uint32_t);
    unsigned used = 0;
    for (size_t i = 0; used + bits <= 40; i++, used += bits)
        key |= (uint64_t)(i < len ? o->rank[path_node(path, i)] + 1 : 0) << (40 - used - bits);
    return key;
}

static unsigned bits_for(size_t nodes)
{
    unsigned bits = 1;
    while (((size_t)1 << bits) < nodes + 1)
        bits++;
    return bits;
}

/* rank[node] = position of the node's name in bytewise order. */
static uint32_t *name_ranks(char *const *names, size_t n)
{
    uint32_t *order = cx__reallocarray(NULL, n + 1, sizeof *order);
    uint32_t *rank = cx__reallocarray(NULL, n + 1, sizeof *rank);
    for (size_t i = 0; order != NULL && i < n; i++)
        order[i] = (uint32_t)i;
    if (order == NULL || rank == NULL || cx__sort_indices(order, n, compare_names, names) != CX_OK) {
        cx__free(order);
        cx__free(rank);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        rank[order[i]] = (uint32_t)i;
    cx__free(order);
    return rank;
}

static int variants_fill(cx_variants *v, const variant_tally *t, const uint32_t *order)
{
    size_t total = 0;
    for (size_t i = 0; i < v->listed; i++) {
        size_t len;
        cx__hashmap_key(&t->paths, order[i], &len);
        total += len / sizeof(uint32_t);
    }
    v->start = cx__calloc(v->listed + 1, sizeof *v->start);
    v->nodes = cx__reallocarray(NULL, total + 1, sizeof *v->nodes);
    v->node_names = cx__reallocarray(NULL, total + 1, sizeof *v->node_names);
    v->count = cx__reallocarray(NULL, v->listed + 1, sizeof *v->count);
    v->goals = cx__reallocarray(NULL, v->listed + 1, sizeof *v->goals);
    if (!v->start || !v->nodes || !v->node_names || !v->count || !v->goals)
        return cx__nomem("listing variants");
    size_t at = 0;
    for (size_t i = 0; i < v->listed; i++) {
        size_t len;
        const char *key = cx__hashmap_key(&t->paths, order[i], &len);
        for (size_t k = 0; k < len / sizeof(uint32_t); k++, at++) {
            v->nodes[at] = path_node(key, k);
            v->node_names[at] = v->names[v->nodes[at]];
        }
        v->start[i + 1] = at;
        v->count[i] = t->count[order[i]];
        v->goals[i] = t->goals[order[i]];
    }
    return CX_OK;
}

static int variants_tally(variant_tally *t, const cx__jview *v, cx_journey *j, const cx_variant_options *o)
{
    node_walk w = { 0 };
    cx__jcursor cur;
    cx__jcase c;
    int rc = CX_OK;
    cx__jcursor_init(&cur, j);
    while (rc == CX_OK && cx__jcursor_next(&cur, &c)) {
        rc = walk_case(&w, v, &c, o->level, o->collapse_repeats != 0);
        if (rc == CX_OK)
            rc = tally_case(t, &w, w.converts);
    }
    cx__free(w.steps);
    return rc;
}

static int variants_build(cx_variants *out, const cx__jview *v, cx_journey *j, const cx_variant_options *o)
{
    variant_tally t = { 0 };
    cx__hashmap_init(&t.paths);
    int rc = variants_tally(&t, v, j, o);
    size_t distinct = t.paths.count;
    uint32_t *order = rc == CX_OK ? cx__reallocarray(NULL, distinct + 1, sizeof *order) : NULL;
    if (rc == CX_OK && order == NULL)
        rc = cx__nomem("ordering variants");
    for (size_t i = 0; rc == CX_OK && i < distinct; i++)
        order[i] = (uint32_t)i;
    variant_order ctx = { &t, rc == CX_OK ? name_ranks(out->names, out->name_count) : NULL,
                          rc == CX_OK ? cx__reallocarray(NULL, distinct + 1, sizeof(uint64_t)) : NULL };
    if (rc == CX_OK && (ctx.rank == NULL || ctx.key == NULL))
        rc = cx__nomem("ordering variants");
    unsigned bits = bits_for(out->name_count);
    for (size_t i = 0; rc == CX_OK && i < distinct; i++)
        ctx.key[i] = sort_key(&ctx, (uint32_t)i, bits);
    if (rc == CX_OK)
        rc = cx__sort_indices(order, distinct, compare_variants, &ctx);
    cx__free((void *)ctx.rank);
    cx__free(ctx.key);
    if (rc == CX_OK) {
        out->distinct = distinct;
        out->cases = t.cases;
        out->listed = o->top_k > 0 && o->top_k < distinct ? o->top_k : distinct;
        rc = variants_fill(out, &t, order);
    }
    cx__free(order);
    tally_free(&t);
    return rc;
}

static int variant_options(cx_variant_options *o, const cx_variant_options *opts, const char *func)
{
    cx_variant_options defaults = CX_VARIANT_OPTIONS_INIT;
    *o = defaults;
    if (opts != NULL) {
        int rc = cx__check_version(opts->version, CX_VARIANT_OPTIONS_VERSION, "cx_variant_options");
        if (rc != CX_OK)
            return rc;
        *o = *opts;
    }
    return cx__check_level(o->level, true, func);
}

int cx_journey_variants(cx_variants **out, cx_journey *j, const cx_variant_options *opts)
{
    CX__CHECK_ARG(out, "cx_journey_variants");
    *out = NULL;
    CX__CHECK_ARG(j, "cx_journey_variants");
    cx_variant_options o;
    int rc = variant_options(&o, opts, "cx_journey_variants");
    if (rc != CX_OK)
        return rc;
    cx__jview view;
    if ((rc = cx__jview_open(&view, j)) != CX_OK)
        return rc;
    cx_variants *v = cx__calloc(1, sizeof *v);
    if (v == NULL || (v->names = cx__jview_copy_names(&view, o.level, &v->name_count)) == NULL)
        rc = cx__nomem("counting variants");
    if (rc == CX_OK)
        rc = variants_build(v, &view, j, &o);
    cx__jview_close(&view);
    if (rc != CX_OK) {
        cx_variants_free(v);
        return rc;
    }
    *out = v;
    return CX_OK;
}

int cx_variants_count(size_t *listed_out, size_t *distinct_out, uint64_t *cases_out, const cx_variants *v)
{
    CX__CHECK_ARG(v, "cx_variants_count");
    if (listed_out != NULL)
        *listed_out = v->listed;
    if (distinct_out != NULL)
        *distinct_out = v->distinct;
    if (cases_out != NULL)
        *cases_out = v->cases;
    return CX_OK;
}

int cx_variants_get(cx_variant *out, const cx_variants *v, size_t index)
{
    CX__CHECK_ARG(out, "cx_variants_get");
    CX__CHECK_ARG(v, "cx_variants_get");
    int rc = cx__check_version(out->version, CX_VARIANT_VERSION, "cx_variant");
    if (rc != CX_OK)
        return rc;
    if (index >= v->listed)
        return cx__error(CX_ENOTFOUND, "cx_variants_get: index %zu is past the last of %zu variants listed", index,
                         v->listed);
    cx_variant r = CX_VARIANT_INIT;
    r.version = out->version;
    r.length = v->start[index + 1] - v->start[index];
    r.path = v->nodes + v->start[index];
    r.names = v->node_names + v->start[index];
    r.count = v->count[index];
    r.share = v->cases ? (double)r.count / (double)v->cases : NAN;
    r.goal_count = v->goals[index];
    r.goal_rate = (double)r.goal_count / (double)r.count;
    static const size_t sizes[] = { sizeof(cx_variant) }; /* per version */
    CX__COPY_VERSIONED(out, &r, sizes);
    return CX_OK;
}

/* ---- directly-follows graph ------------------------------------------- */

typedef struct dfg_edge {
    uint32_t from, to;
    uint64_t count, cases, lost;
    double total_ms;    /* exact below 2^53 ms; 64-bit integers could overflow */
    uint64_t last_case; /* case number + 1 of the latest case counted */
} dfg_edge;

typedef struct dfg_node {
    uint64_t events, cases, starts, ends, lost;
    uint64_t last_case;
} dfg_node;

struct cx_dfg {
    cx_journey_level level;
    cx_dfg_order order;
    char **names;
    size_t name_count;
    dfg_node *node;      /* per node index */
    uint32_t *node_list; /* node indices listed, in order */
    size_t nodes;
    dfg_edge *edges;     /* in the graph's order once built */
    cx_metric **durations; /* per edge, parallel to edges */
    size_t edge_count, edge_cap, durations_cap;
};

void cx_dfg_free(cx_dfg *g)
{
    if (g == NULL)
        return;
    for (size_t e = 0; e < g->edge_count; e++)
        cx_metric_free(g->durations[e]);
    cx__free(g->durations);
    cx__free(g->edges);
    cx__free(g->node);
    cx__free(g->node_list);
    cx__free_names(g->names, g->name_count);
    cx__free(g);
}

/* Edges are found through a dense from x to table when the level has at
 * most DENSE_NODES nodes, else through a hash map of (from, to) pairs. */
#define DENSE_NODES 1024

typedef struct dfg_build {
    cx_dfg *g;
    uint32_t *dense;  /* edge index + 1 per (from, to); 0: none yet */
    cx__hashmap keys; /* (from, to) -> edge index, when not dense */
    uint64_t case_no;
    cx__dstage stage;
} dfg_build;

static int add_edge(dfg_build *b, uint32_t from, uint32_t to)
{
    cx_dfg *g = b->g;
    void *p = g->edges, *q = g->durations;
    size_t cap = g->edge_cap;
    if (cx__grow(&p, &cap, g->edge_count + 1, sizeof(dfg_edge), 64) != CX_OK)
        return cx__nomem("building the graph");
    g->edges = p;
    g->edge_cap = cap;
    if (cx__grow(&q, &g->durations_cap, g->edge_count + 1, sizeof(cx_metric *), 64) != CX_OK)
        return cx__nomem("building the graph");
    g->durations = q;
    if (cx_metric_new(&g->durations[g->edge_count], CX_METRIC_DURATION, NULL) != CX_OK)
        return cx__nomem("building the graph");
    g->edges[g->edge_count++] = (dfg_edge){ from, to, 0, 0, 0, 0, 0 };
    return CX_OK;
}

static int find_edge(dfg_build *b, uint32_t from, uint32_t to, uint32_t *out)
{
    cx_dfg *g = b->g;
    if (b->dense != NULL) {
        uint32_t *slot = &b->dense[(size_t)from * g->name_count + to];
        if (*slot == 0) {
            int rc = add_edge(b, from, to);
            if (rc != CX_OK)
                return rc;
            *slot = (uint32_t)g->edge_count;
        }
        *out = *slot - 1;
        return CX_OK;
    }
    uint32_t key[2] = { from, to }, index;
    bool inserted;
    if (cx__hashmap_intern(&b->keys, key, sizeof key, &index, &inserted) != CX_OK)
        return cx__nomem("building the graph");
    if (inserted && add_edge(b, from, to) != CX_OK) {
        cx__hashmap_pop(&b->keys);
        return cx__nomem("building the graph");
    }
    *out = index;
    return CX_OK;
}

static void count_node(dfg_node *n, uint64_t case_no)
{
    n->events++;
    if (n->last_case != case_no) {
        n->last_case = case_no;
        n->cases++;
    }
}

static int dfg_case(dfg_build *b, const node_walk *w, bool converts)
{
    if (w->len == 0)
        return CX_OK;
    cx_dfg *g = b->g;
    uint64_t case_no = ++b->case_no;
    uint32_t last = UINT32_MAX;
    count_node(&g->node[w->steps[0].node], case_no);
    for (size_t i = 1; i < w->len; i++) {
        int rc = find_edge(b, w->steps[i - 1].node, w->steps[i].node, &last);
        if (rc != CX_OK)
            return rc;
        dfg_edge *e = &g->edges[last];
        int64_t ms = w->steps[i].first - w->steps[i - 1].ts;
        e->count++;
        e->total_ms += (double)ms;
        if (e->last_case != case_no) {
            e->last_case = case_no;
            e->cases++;
        }
        if ((rc = cx__dstage_add(&b->stage, g->durations, g->edge_count, last, (double)ms / 1000.0)) != CX_OK)
            return rc;
        count_node(&g->node[w->steps[i].node], case_no);
    }
    g->node[w->steps[0].node].starts++;
    dfg_node *end = &g->node[w->steps[w->len - 1].node];
    end->ends++;
    if (!converts) {
        end->lost++;
        if (last != UINT32_MAX)
            g->edges[last].lost++;
    }
    return CX_OK;
}

static int compare_edges(uint32_t a, uint32_t b, const void *ctx)
{
    const cx_dfg *g = ctx;
    const dfg_edge *x = &g->edges[a], *y = &g->edges[b];
    if (g->order == CX_DFG_ORDER_LOST && x->lost != y->lost)
        return x->lost > y->lost ? -1 : 1;
    if (g->order == CX_DFG_ORDER_TOTAL_TIME && x->total_ms != y->total_ms)
        return x->total_ms > y->total_ms ? -1 : 1;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    int c = strcmp(g->names[x->from], g->names[y->from]);
    return c != 0 ? c : strcmp(g->names[x->to], g->names[y->to]);
}

static int compare_nodes(uint32_t a, uint32_t b, const void *ctx)
{
    const cx_dfg *g = ctx;
    if (g->node[a].events != g->node[b].events)
        return g->node[a].events > g->node[b].events ? -1 : 1;
    return strcmp(g->names[a], g->names[b]);
}

/* Puts the edges in the graph's order and lists the nodes that occur. */
static int dfg_order(cx_dfg *g)
{
    uint32_t *idx = cx__reallocarray(NULL, g->edge_count + 1, sizeof *idx);
    dfg_edge *sorted = cx__reallocarray(NULL, g->edge_count + 1, sizeof *sorted);
    g->node_list = cx__reallocarray(NULL, g->name_count + 1, sizeof *g->node_list);
    int rc = idx && sorted && g->node_list ? CX_OK : cx__nomem("ordering the graph");
    for (size_t e = 0; rc == CX_OK && e < g->edge_count; e++)
        idx[e] = (uint32_t)e;
    if (rc == CX_OK)
        rc = cx__sort_indices(idx, g->edge_count, compare_edges, g);
    for (size_t n = 0; rc == CX_OK && n < g->name_count; n++)
        if (g->node[n].events > 0)
            g->node_list[g->nodes++] = (uint32_t)n;
    if (rc == CX_OK)
        rc = cx__sort_indices(g->node_list, g->nodes, compare_nodes, g);
    cx_metric **durations = rc == CX_OK ? cx__reallocarray(NULL, g->edge_count + 1, sizeof *durations) : NULL;
    if (rc == CX_OK && durations == NULL)
        rc = cx__nomem("ordering the graph");
    if (rc == CX_OK) {
        for (size_t e = 0; e < g->edge_count; e++) {
            sorted[e] = g->edges[idx[e]];
            durations[e] = g->durations[idx[e]];
        }
        cx__free(g->edges);
        cx__free(g->durations);
        g->edges = sorted;
        g->durations = durations;
        g->edge_cap = g->durations_cap = g->edge_count;
        sorted = NULL;
    }
    cx__free(sorted);
    cx__free(idx);
    return rc;
}

static int dfg_walk(cx_dfg *g, const cx__jview *v, cx_journey *j, bool collapse)
{
    dfg_build b = { g, NULL, { 0 }, 0, { 0 } };
    cx__hashmap_init(&b.keys);
    int rc = cx__dstage_init(&b.stage, j->built_events);
    if (rc == CX_OK && g->name_count <= DENSE_NODES
        && (b.dense = cx__calloc(g->name_count * g->name_count + 1, sizeof *b.dense)) == NULL)
        rc = cx__nomem("building the graph");
    node_walk w = { 0 };
    cx__jcursor cur;
    cx__jcase c;
    cx__jcursor_init(&cur, j);
    while (rc == CX_OK && cx__jcursor_next(&cur, &c)) {
        rc = walk_case(&w, v, &c, g->level, collapse);
        if (rc == CX_OK)
            rc = dfg_case(&b, &w, w.converts);
    }
    if (rc == CX_OK)
        rc = cx__dstage_flush(&b.stage, g->durations, g->edge_count);
    cx__dstage_destroy(&b.stage);
    cx__free(w.steps);
    cx__free(b.dense);
    cx__hashmap_destroy(&b.keys);
    return rc;
}

static int dfg_options(cx_dfg_options *o, const cx_dfg_options *opts)
{
    cx_dfg_options defaults = CX_DFG_OPTIONS_INIT;
    *o = defaults;
    if (opts != NULL) {
        int rc = cx__check_version(opts->version, CX_DFG_OPTIONS_VERSION, "cx_dfg_options");
        if (rc != CX_OK)
            return rc;
        *o = *opts;
    }
    if (o->order < CX_DFG_ORDER_COUNT || o->order > CX_DFG_ORDER_TOTAL_TIME)
        return cx__error(CX_EINVAL, "cx_journey_dfg: order %d is not CX_DFG_ORDER_COUNT, _LOST or _TOTAL_TIME",
                         (int)o->order);
    return cx__check_level(o->level, true, "cx_journey_dfg");
}

int cx_journey_dfg(cx_dfg **out, cx_journey *j, const cx_dfg_options *opts)
{
    CX__CHECK_ARG(out, "cx_journey_dfg");
    *out = NULL;
    CX__CHECK_ARG(j, "cx_journey_dfg");
    cx_dfg_options o;
    int rc = dfg_options(&o, opts);
    cx__jview v;
    if (rc != CX_OK || (rc = cx__jview_open(&v, j)) != CX_OK)
        return rc;
    cx_dfg *g = cx__calloc(1, sizeof *g);
    if (g != NULL) {
        g->level = o.level;
        g->order = o.order;
        g->names = cx__jview_copy_names(&v, o.level, &g->name_count);
        g->node = cx__calloc(g->name_count + 1, sizeof *g->node);
    }
    if (g == NULL || g->names == NULL || g->node == NULL)
        rc = cx__nomem("building the graph");
    if (rc == CX_OK)
        rc = dfg_walk(g, &v, j, o.collapse_repeats != 0);
    if (rc == CX_OK)
        rc = dfg_order(g);
    cx__jview_close(&v);
    if (rc != CX_OK) {
        cx_dfg_free(g);
        return rc;
    }
    *out = g;
    return CX_OK;
}

int cx_dfg_count(size_t *nodes_out, size_t *edges_out, const cx_dfg *g)
{
    CX__CHECK_ARG(g, "cx_dfg_count");
    if (nodes_out != NULL)
        *nodes_out = g->nodes;
    if (edges_out != NULL)
        *edges_out = g->edge_count;
    return CX_OK;
}

int cx_dfg_get_node(cx_dfg_node *out, const cx_dfg *g, size_t index)
{
    CX__CHECK_ARG(out, "cx_dfg_get_node");
    CX__CHECK_ARG(g, "cx_dfg_get_node");
    int rc = cx__check_version(out->version, CX_DFG_NODE_VERSION, "cx_dfg_node");
    if (rc != CX_OK)
        return rc;
    if (index >= g->nodes)
        return cx__error(CX_ENOTFOUND, "cx_dfg_get_node: index %zu is past the last of %zu nodes", index, g->nodes);
    uint32_t n = g->node_list[index];
    const dfg_node *d = &g->node[n];
    cx_dfg_node r = { out->version, n, g->names[n], d->events, d->cases, d->starts, d->ends, d->lost };
    static const size_t sizes[] = { sizeof(cx_dfg_node) }; /* per version */
    CX__COPY_VERSIONED(out, &r, sizes);
    return CX_OK;
}

int cx_dfg_get_edge(cx_dfg_edge *out, const cx_dfg *g, size_t index)
{
    CX__CHECK_ARG(out, "cx_dfg_get_edge");
    CX__CHECK_ARG(g, "cx_dfg_get_edge");
    int rc = cx__check_version(out->version, CX_DFG_EDGE_VERSION, "cx_dfg_edge");
    if (rc != CX_OK)
        return rc;
    if (index >= g->edge_count)
        return cx__error(CX_ENOTFOUND, "cx_dfg_get_edge: index %zu is past the last of %zu edges", index,
                         g->edge_count);
    const dfg_edge *e = &g->edges[index];
    cx_dfg_edge r = CX_DFG_EDGE_INIT;
    r.version = out->version;
    r.from = e->from;
    r.to = e->to;
    r.from_name = g->names[e->from];
    r.to_name = g->names[e->to];
    r.count = e->count;
    r.cases = e->cases;
    r.lost = e->lost;
    r.total_seconds = e->total_ms / 1000.0;
    double mean; /* the exact one is total / count */
    cx__duration_figures(g->durations[index], &mean, &r.median_seconds, &r.p90_seconds);
    r.mean_seconds = r.total_seconds / (double)e->count;
    static const size_t sizes[] = { sizeof(cx_dfg_edge) }; /* per version */
    CX__COPY_VERSIONED(out, &r, sizes);
    return CX_OK;
}

int cx_dfg_edge_duration(cx_metric **out, const cx_dfg *g, size_t index)
{
    CX__CHECK_ARG(out, "cx_dfg_edge_duration");
    *out = NULL;
    CX__CHECK_ARG(g, "cx_dfg_edge_duration");
    if (index >= g->edge_count)
        return cx__error(CX_ENOTFOUND, "cx_dfg_edge_duration: index %zu is past the last of %zu edges", index,
                         g->edge_count);
    return cx_metric_clone(out, g->durations[index]);
}

/* ---- DOT -------------------------------------------------------------- */

/* "42 s", "3.5 min", "2.1 h", "1.5 d". */
static void human_duration(char *buf, size_t size, double s)
{
    if (isnan(s))
        snprintf(buf, size, "-");
    else if (s < 60)
        snprintf(buf, size, "%.0f s", s);
    else if (s < 3600)
        snprintf(buf, size, "%.1f min", s / 60);
    else if (s < 86400)
        snprintf(buf, size, "%.1f h", s / 3600);
    else
        snprintf(buf, size, "%.1f d", s / 86400);
}

static int dot_nodes(cx_buffer *b, const cx_dfg *g)
{
    int rc = CX_OK;
    for (size_t i = 0; i < g->nodes && rc == CX_OK; i++) {
        uint32_t n = g->node_list[i];
        char label[CX_TOUCHPOINT_ID_MAX + 64];
        snprintf(label, sizeof label, "%s\n%llu", g->names[n], (unsigned long long)g->node[n].events);
        rc = cx__buffer_printf(b, "  n%u [label=", n);
        if (rc == CX_OK)
            rc = cx__dot_string(b, label);
        if (rc == CX_OK)
            rc = cx__buffer_printf(b, "];\n");
        if (rc == CX_OK && g->node[n].starts > 0)
            rc = cx__buffer_printf(b, "  start -> n%u [label=\"%llu\", style=dashed];\n", n,
                                   (unsigned long long)g->node[n].starts);
        if (rc == CX_OK && g->node[n].ends > 0)
            rc = cx__buffer_printf(b, "  n%u -> end [label=\"%llu\", style=dashed];\n", n,
                                   (unsigned long long)g->node[n].ends);
    }
    return rc;
}

static int dot_edges(cx_buffer *b, const cx_dfg *g)
{
    uint64_t most = 1;
    for (size_t e = 0; e < g->edge_count; e++)
        if (g->edges[e].count > most)
            most = g->edges[e].count;
    int rc = CX_OK;
    for (size_t e = 0; e < g->edge_count && rc == CX_OK; e++) {
        const dfg_edge *x = &g->edges[e];
        double mean, median, p90;
        char when[32];
        cx__duration_figures(g->durations[e], &mean, &median, &p90);
        human_duration(when, sizeof when, median);
        double width = 1.0 + 4.0 * (double)x->count / (double)most;
        rc = cx__buffer_printf(b, "  n%u -> n%u [label=\"%llu\\n%s\", penwidth=%.2f];\n", x->from, x->to,
                               (unsigned long long)x->count, when, width);
    }
    return rc;
}

int cx_dfg_to_dot(cx_buffer *out, const cx_dfg *g)
{
    CX__CHECK_ARG(out, "cx_dfg_to_dot");
    CX__CHECK_ARG(g, "cx_dfg_to_dot");
    size_t before = out->size;
    int rc = cx__buffer_printf(out, "digraph journey {\n  rankdir=LR;\n  node [shape=box, style=rounded, "
                                    "fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n"
                                    "  start [shape=circle, label=\"start\"];\n  end [shape=doublecircle, "
                                    "label=\"end\"];\n");
    if (rc == CX_OK)
        rc = dot_nodes(out, g);
    if (rc == CX_OK)
        rc = dot_edges(out, g);
    if (rc == CX_OK)
        rc = cx__buffer_printf(out, "}\n");
    if (rc != CX_OK && out->data != NULL) {
        out->size = before;
        out->data[before] = '\0';
    }
    return rc;
}
