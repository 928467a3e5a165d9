/*
 * Attribution of conversions: first touch, last touch, linear, and the
 * Markov-chain removal effect (Anderl, Becker, von Wangenheim & Schumann,
 * "Mapping the customer journey: Lessons learned from graph-based online
 * attribution modeling", IJRM 33(3), 2016).
 *
 * The chain has a START state, one transient state per node (order 1) or
 * per pair of consecutive nodes (order 2), and two absorbing states,
 * CONVERSION and NULL. Transition probabilities are the observed shares.
 * With Q the transient-to-transient block and r the one-step conversion
 * probabilities, the absorption probabilities x solve (I - Q) x = r, i.e.
 * x = N r with the fundamental matrix N = (I - Q)^-1 (Kemeny & Snell,
 * "Finite Markov Chains", 1960, ch. III). P(conversion) = x[START].
 * Removing nodes sends every transition into their states to NULL, which
 * is the same system restricted to the remaining states; each is solved
 * exactly with a dense LU factorisation (journey_lu.c).
 */
#include <math.h>
#include <string.h>

#include "core_internal.h"
#include "journey_internal.h"

#define TO_CONVERSION (UINT32_MAX - 1)
#define TO_NULL UINT32_MAX

typedef struct chain {
    size_t states;       /* transient states; state 0 is START */
    uint32_t *prev;      /* per state: previous node (order 2) or CX__NO_NODE */
    uint32_t *cur;       /* per state: current node, CX__NO_NODE for START */
    uint64_t *out_total; /* per state: transitions leaving it */
    size_t transitions;
    uint32_t *from, *to; /* per transition kind; `to` may be TO_CONVERSION or TO_NULL */
    uint64_t *count;
} chain;

struct cx_attribution {
    cx_attribution_model model;
    cx_journey_level level;
    unsigned int order;
    uint64_t cases, conversions, attributed;
    char **names;
    size_t name_count;
    double *credit;      /* per node */
    double *removal;     /* per node (Markov) */
    uint8_t *on_path;    /* per node: occurs on a path */
    uint32_t *listed;
    size_t count;
    chain chain;
    double probability;
};

static void chain_free(chain *c)
{
    cx__free(c->prev);
    cx__free(c->cur);
    cx__free(c->out_total);
    cx__free(c->from);
    cx__free(c->to);
    cx__free(c->count);
}

void cx_attribution_free(cx_attribution *a)
{
    if (a == NULL)
        return;
    cx__free_names(a->names, a->name_count);
    cx__free(a->credit);
    cx__free(a->removal);
    cx__free(a->on_path);
    cx__free(a->listed);
    chain_free(&a->chain);
    cx__free(a);
}

/* ---- collecting paths ------------------------------------------------- */

typedef struct chain_build {
    cx__hashmap states;      /* key: (prev, cur) */
    cx__hashmap transitions; /* key: (from state, to state) */
    uint64_t *count;         /* per transition */
    size_t count_cap;
    unsigned int order;
} chain_build;

static int intern_state(chain_build *b, uint32_t prev, uint32_t cur, uint32_t *state)
{
    uint32_t key[2] = { b->order == 2 ? prev : CX__NO_NODE, cur };
    if (cx__hashmap_intern(&b->states, key, sizeof key, state, NULL) != CX_OK)
        return cx__nomem("building the Markov chain");
    return CX_OK;
}

static int count_transition(chain_build *b, uint32_t from, uint32_t to)
{
    uint32_t key[2] = { from, to }, index;
    bool inserted;
    void *p = b->count;
    if (cx__grow(&p, &b->count_cap, b->transitions.count + 1, sizeof(uint64_t), 64) != CX_OK)
        return cx__nomem("building the Markov chain");
    b->count = p;
    if (cx__hashmap_intern(&b->transitions, key, sizeof key, &index, &inserted) != CX_OK)
        return cx__nomem("building the Markov chain");
    if (inserted)
        b->count[index] = 0;
    b->count[index]++;
    return CX_OK;
}

/* START -> s1 -> ... -> sn -> CONVERSION or NULL. */
static int chain_path(chain_build *b, const uint32_t *nodes, size_t n, bool converts)
{
    uint32_t from = 0, prev = CX__NO_NODE; /* START is state 0 */
    for (size_t i = 0; i < n; i++) {
        uint32_t state;
        int rc = intern_state(b, prev, nodes[i], &state);
        if (rc == CX_OK)
            rc = count_transition(b, from, state);
        if (rc != CX_OK)
            return rc;
        from = state;
        prev = nodes[i];
    }
    return count_transition(b, from, converts ? TO_CONVERSION : TO_NULL);
}

static void credit_heuristic(cx_attribution *a, const uint32_t *nodes, size_t n)
{
    switch (a->model) {
    case CX_ATTRIBUTION_FIRST_TOUCH:
        a->credit[nodes[0]] += 1.0;
        break;
    case CX_ATTRIBUTION_LAST_TOUCH:
        a->credit[nodes[n - 1]] += 1.0;
        break;
    case CX_ATTRIBUTION_LINEAR:
        for (size_t i = 0; i < n; i++)
            a->credit[nodes[i]] += 1.0 / (double)n;
        break;
    default:
        break;
    }
}

typedef struct path_buffer {
    uint32_t *nodes;
    size_t cap;
} path_buffer;

/* The case's nodes before its first goal event; *converts tells whether
 * there is one. */
static int case_path(path_buffer *p, const cx__jview *v, const cx__jcase *c, cx_journey_level level, size_t *len,
                     bool *converts)
{
    void *mem = p->nodes;
    if (cx__grow(&mem, &p->cap, c->n + 1, sizeof(uint32_t), 64) != CX_OK)
        return cx__nomem("collecting paths");
    p->nodes = mem;
    *len = 0;
    *converts = false;
    for (size_t i = 0; i < c->n; i++) {
        if (v->is_goal[cx__jcase_tp(c, i)]) {
            *converts = true;
            break;
        }
        p->nodes[(*len)++] = cx__jview_node(v, level, cx__jcase_tp(c, i));
    }
    return CX_OK;
}

static int collect_paths(cx_attribution *a, chain_build *b, const cx__jview *v, cx_journey *j)
{
    path_buffer p = { NULL, 0 };
    cx__jcursor cur;
    cx__jcase c;
    int rc = CX_OK;
    cx__jcursor_init(&cur, j);
    while (rc == CX_OK && cx__jcursor_next(&cur, &c)) {
        size_t n = 0;
        bool converts = false;
        if ((rc = case_path(&p, v, &c, a->level, &n, &converts)) != CX_OK)
            break;
        a->cases++;
        a->conversions += converts;
        if (n == 0)
            continue; /* a conversion with nothing before it: nothing to credit */
        for (size_t i = 0; i < n; i++)
            a->on_path[p.nodes[i]] = 1;
        if (converts) {
            a->attributed++;
            credit_heuristic(a, p.nodes, n);
        }
        if (a->model == CX_ATTRIBUTION_MARKOV)
            rc = chain_path(b, p.nodes, n, converts);
    }
    cx__free(p.nodes);
    return rc;
}

/* Copies the interned states and transitions into the result's chain. */
static int chain_freeze(chain *c, const chain_build *b)
{
    size_t m = b->states.count, t = b->transitions.count;
    c->states = m;
    c->transitions = t;
    c->prev = cx__reallocarray(NULL, m + 1, sizeof *c->prev);
    c->cur = cx__reallocarray(NULL, m + 1, sizeof *c->cur);
    c->out_total = cx__calloc(m + 1, sizeof *c->out_total);
    c->from = cx__reallocarray(NULL, t + 1, sizeof *c->from);
    c->to = cx__reallocarray(NULL, t + 1, sizeof *c->to);
    c->count = cx__reallocarray(NULL, t + 1, sizeof *c->count);
    if (!c->prev || !c->cur || !c->out_total || !c->from || !c->to || !c->count)
        return cx__nomem("building the Markov chain");
    for (uint32_t s = 0; s < m; s++) {
        uint32_t key[2];
        memcpy(key, cx__hashmap_key(&b->states, s, NULL), sizeof key);
        c->prev[s] = key[0];
        c->cur[s] = key[1];
    }
    for (uint32_t i = 0; i < t; i++) {
        uint32_t key[2];
        memcpy(key, cx__hashmap_key(&b->transitions, i, NULL), sizeof key);
        c->from[i] = key[0];
        c->to[i] = key[1];
        c->count[i] = b->count[i];
        c->out_total[key[0]] += b->count[i];
    }
    return CX_OK;
}

/* ---- solving ---------------------------------------------------------- */

typedef struct system {
    size_t k;
    int64_t *keep; /* per state: row in the system, or -1 */
    double *a, *b, *x;
    size_t *perm;
} system;

static void system_free(system *s)
{
    cx__free(s->keep);
    cx__free(s->a);
    cx__free(s->b);
    cx__free(s->x);
    cx__free(s->perm);
}

static bool state_removed(const chain *c, uint32_t s, const uint8_t *removed)
{
    if (removed == NULL || s == 0)
        return false;
    return removed[c->cur[s]] || (c->prev[s] != CX__NO_NODE && removed[c->prev[s]]);
}

static int system_alloc(system *s, const chain *c, const uint8_t *removed)
{
    memset(s, 0, sizeof *s);
    s->keep = cx__reallocarray(NULL, c->states + 1, sizeof *s->keep);
    if (s->keep == NULL)
        return cx__nomem("solving the Markov chain");
    for (uint32_t i = 0; i < c->states; i++)
        s->keep[i] = state_removed(c, i, removed) ? -1 : (int64_t)s->k++;
    s->a = cx__calloc(s->k * s->k, sizeof *s->a);
    s->b = cx__calloc(s->k, sizeof *s->b);
    s->x = cx__calloc(s->k, sizeof *s->x);
    s->perm = cx__reallocarray(NULL, s->k, sizeof *s->perm);
    if (!s->a || !s->b || !s->x || !s->perm)
        return cx__nomem("solving the Markov chain");
    return CX_OK;
}

/* Fills I - Q and r over the kept states; transitions into removed states
 * (and to NULL) simply leave the system. */
static void system_fill(system *s, const chain *c)
{
    for (size_t i = 0; i < s->k; i++)
        s->a[i * s->k + i] = 1.0;
    for (size_t t = 0; t < c->transitions; t++) {
        int64_t row = s->keep[c->from[t]];
        if (row < 0 || c->to[t] == TO_NULL)
            continue;
        double p = (double)c->count[t] / (double)c->out_total[c->from[t]];
        if (c->to[t] == TO_CONVERSION) {
            s->b[row] += p;
        } else if (s->keep[c->to[t]] >= 0) {
            s->a[(size_t)row * s->k + (size_t)s->keep[c->to[t]]] -= p;
        }
    }
}

/* P(conversion from START) with the flagged nodes removed (NULL: none). */
static int conversion_probability(const chain *c, const uint8_t *removed, double *out)
{
    system s;
    int rc = system_alloc(&s, c, removed);
    if (rc == CX_OK) {
        system_fill(&s, c);
        rc = cx__lu_factor(s.a, s.k, s.perm);
    }
    if (rc == CX_OK) {
        cx__lu_solve(s.a, s.k, s.perm, s.b, s.x);
        *out = s.x[0];
    }
    system_free(&s);
    return rc;
}

static int markov_credit(cx_attribution *a)
{
    int rc = conversion_probability(&a->chain, NULL, &a->probability);
    if (rc != CX_OK)
        return rc;
    if (!(a->probability > 0))
        return cx__error(CX_EEMPTY, "cx_journey_attribution: the chain never reaches a conversion");
    uint8_t *removed = cx__calloc(a->name_count + 1, 1);
    if (removed == NULL)
        return cx__nomem("computing removal effects");
    double sum = 0;
    for (size_t n = 0; n < a->name_count && rc == CX_OK; n++) {
        a->removal[n] = NAN;
        if (!a->on_path[n])
            continue;
        double without;
        removed[n] = 1;
        rc = conversion_probability(&a->chain, removed, &without);
        removed[n] = 0;
        a->removal[n] = 1.0 - without / a->probability;
        sum += a->removal[n];
    }
    for (size_t n = 0; n < a->name_count && rc == CX_OK; n++)
        a->credit[n] = a->on_path[n] ? (double)a->attributed * a->removal[n] / sum : 0.0;
    cx__free(removed);
    return rc;
}

/* ---- the analysis ----------------------------------------------------- */

static int attribution_options(cx_attribution_options *o, const cx_attribution_options *opts)
{
    cx_attribution_options defaults = CX_ATTRIBUTION_OPTIONS_INIT;
    *o = defaults;
    if (opts != NULL) {
        int rc = cx__check_version(opts->version, CX_ATTRIBUTION_OPTIONS_VERSION, "cx_attribution_options");
        if (rc != CX_OK)
            return rc;
        *o = *opts;
    }
    if (o->model < CX_ATTRIBUTION_FIRST_TOUCH || o->model > CX_ATTRIBUTION_MARKOV)
        return cx__error(CX_EINVAL, "cx_journey_attribution: model %d is not a cx_attribution_model (1..4)",
                         (int)o->model);
    if (o->model == CX_ATTRIBUTION_MARKOV && o->markov_order != 1 && o->markov_order != 2)
        return cx__error(CX_EINVAL, "cx_journey_attribution: markov_order %u is not 1 or 2", o->markov_order);
    return cx__check_level(o->level, false, "cx_journey_attribution");
}

static int attribution_alloc(cx_attribution **out, const cx__jview *v, const cx_attribution_options *o)
{
    cx_attribution *a = cx__calloc(1, sizeof *a);
    if (a == NULL)
        return cx__nomem("computing an attribution");
    a->model = o->model;
    a->level = o->level;
    a->order = o->model == CX_ATTRIBUTION_MARKOV ? o->markov_order : 0;
    a->probability = NAN;
    a->names = cx__jview_copy_names(v, o->level, &a->name_count);
    a->credit = cx__calloc(a->name_count + 1, sizeof *a->credit);
    a->removal = cx__calloc(a->name_count + 1, sizeof *a->removal);
    a->on_path = cx__calloc(a->name_count + 1, sizeof *a->on_path);
    a->listed = cx__reallocarray(NULL, a->name_count + 1, sizeof *a->listed);
    if (!a->names || !a->credit || !a->removal || !a->on_path || !a->listed) {
        cx_attribution_free(a);
        return cx__nomem("computing an attribution");
    }
    for (size_t n = 0; n < a->name_count; n++)
        a->removal[n] = NAN;
    *out = a;
    return CX_OK;
}

static int compare_credit(uint32_t x, uint32_t y, const void *ctx)
{
    const cx_attribution *a = ctx;
    if (a->credit[x] != a->credit[y])
        return a->credit[x] > a->credit[y] ? -1 : 1;
    return strcmp(a->names[x], a->names[y]);
}

static int attribution_run(cx_attribution *a, const cx__jview *v, cx_journey *j, size_t max_states)
{
    chain_build b = { { 0 }, { 0 }, NULL, 0, a->order };
    cx__hashmap_init(&b.states);
    cx__hashmap_init(&b.transitions);
    uint32_t start;
    int rc = intern_state(&b, CX__NO_NODE, CX__NO_NODE, &start);
    if (rc == CX_OK)
        rc = collect_paths(a, &b, v, j);
    if (rc == CX_OK && a->attributed == 0)
        rc = cx__error(CX_EEMPTY, "cx_journey_attribution: no converting case has a touchpoint before its goal "
                       "(%llu cases, %llu conversions)", (unsigned long long)a->cases,
                       (unsigned long long)a->conversions);
    if (rc == CX_OK && a->model == CX_ATTRIBUTION_MARKOV && b.states.count > max_states)
        rc = cx__error(CX_ERANGE, "cx_journey_attribution: the order-%u chain has %zu states, more than max_states "
                       "%zu", a->order, b.states.count, max_states);
    if (rc == CX_OK && a->model == CX_ATTRIBUTION_MARKOV && (rc = chain_freeze(&a->chain, &b)) == CX_OK)
        rc = markov_credit(a);
    cx__hashmap_destroy(&b.states);
    cx__hashmap_destroy(&b.transitions);
    cx__free(b.count);
    for (size_t n = 0; n < a->name_count; n++)
        if (a->on_path[n])
            a->listed[a->count++] = (uint32_t)n;
    if (rc == CX_OK)
        rc = cx__sort_indices(a->listed, a->count, compare_credit, a);
    return rc;
}

int cx_journey_attribution(cx_attribution **out, cx_journey *j, const cx_attribution_options *opts)
{
    CX__CHECK_ARG(out, "cx_journey_attribution");
    *out = NULL;
    CX__CHECK_ARG(j, "cx_journey_attribution");
    cx_attribution_options o;
    int rc = attribution_options(&o, opts);
    cx__jview v;
    if (rc != CX_OK || (rc = cx__jview_open(&v, j)) != CX_OK)
        return rc;
    cx_attribution *a = NULL;
    if ((rc = attribution_alloc(&a, &v, &o)) == CX_OK)
        rc = attribution_run(a, &v, j, o.max_states);
    cx__jview_close(&v);
    if (rc != CX_OK) {
        cx_attribution_free(a);
        return rc;
    }
    *out = a;
    return CX_OK;
}

int cx_attribution_get_summary(cx_attribution_summary *out, const cx_attribution *a)
{
    CX__CHECK_ARG(out, "cx_attribution_get_summary");
    CX__CHECK_ARG(a, "cx_attribution_get_summary");
    int rc = cx__check_version(out->version, CX_ATTRIBUTION_SUMMARY_VERSION, "cx_attribution_summary");
    if (rc != CX_OK)
        return rc;
    cx_attribution_summary s = { out->version, a->model, a->order, a->cases, a->conversions, a->attributed,
                                 a->probability, a->chain.states };
    static const size_t sizes[] = { sizeof(cx_attribution_summary) }; /* per version */
    CX__COPY_VERSIONED(out, &s, sizes);
    return CX_OK;
}

int cx_attribution_count(size_t *out, const cx_attribution *a)
{
    CX__CHECK_ARG(out, "cx_attribution_count");
    CX__CHECK_ARG(a, "cx_attribution_count");
    *out = a->count;
    return CX_OK;
}

int cx_attribution_get(cx_attribution_entry *out, const cx_attribution *a, size_t index)
{
    CX__CHECK_ARG(out, "cx_attribution_get");
    CX__CHECK_ARG(a, "cx_attribution_get");
    int rc = cx__check_version(out->version, CX_ATTRIBUTION_ENTRY_VERSION, "cx_attribution_entry");
    if (rc != CX_OK)
        return rc;
    if (index >= a->count)
        return cx__error(CX_ENOTFOUND, "cx_attribution_get: index %zu is past the last of %zu nodes", index, a->count);
    uint32_t n = a->listed[index];
    cx_attribution_entry e = { out->version, n, a->names[n], a->credit[n], a->credit[n] / (double)a->attributed,
                               a->removal[n] };
    static const size_t sizes[] = { sizeof(cx_attribution_entry) }; /* per version */
    CX__COPY_VERSIONED(out, &e, sizes);
    return CX_OK;
}

static int flag_nodes(uint8_t *removed, const cx_attribution *a, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (names[i] == NULL)
            return cx__error(CX_EINVAL, "cx_attribution_removal_effect: names[%zu] is NULL", i);
        size_t node = 0;
        while (node < a->name_count && (!a->on_path[node] || strcmp(a->names[node], names[i]) != 0))
            node++;
        if (node == a->name_count)
            return cx__error(CX_ENOTFOUND, "cx_attribution_removal_effect: names[%zu] \"%.64s\" is not a node of the "
                             "chain", i, names[i]);
        removed[node] = 1;
    }
    return CX_OK;
}

int cx_attribution_removal_effect(double *out, const cx_attribution *a, const char *const *names, size_t n)
{
    CX__CHECK_ARG(out, "cx_attribution_removal_effect");
    CX__CHECK_ARG(a, "cx_attribution_removal_effect");
    if (a->model != CX_ATTRIBUTION_MARKOV)
        return cx__error(CX_EINVAL, "cx_attribution_removal_effect: the attribution is not a Markov model (model %d)",
                         (int)a->model);
    if (n > 0 && names == NULL)
        return cx__error(CX_EINVAL, "cx_attribution_removal_effect: names is NULL but n is %zu", n);
    uint8_t *removed = cx__calloc(a->name_count + 1, 1);
    if (removed == NULL)
        return cx__nomem("computing a removal effect");
    int rc = flag_nodes(removed, a, names, n);
    double without = 0;
    if (rc == CX_OK)
        rc = conversion_probability(&a->chain, removed, &without);
    if (rc == CX_OK)
        *out = 1.0 - without / a->probability;
    cx__free(removed);
    return rc;
}
