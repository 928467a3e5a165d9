/*
 * A generated log of about 120,000 events, checked against the independent
 * computation of tests/reference/journey_reference.py.
 *
 * The log is regenerated here from the same seed with the same splitmix64
 * stream and the same draws in the same order as the script's generate();
 * a checksum of the events proves both sides built the same log. The
 * expected funnel, variants, directly-follows counts and attribution
 * (first, last, linear, Markov orders 1 and 2 with set removals) are read
 * from tests/data/journey_reference.txt, which the script writes with plain
 * dicts and numpy.linalg.solve; each line's name is the figure it holds.
 * The data file's path is the first argument (meson passes it).
 */
#include "harness.h"

#define SEED 20240601u
#define CUSTOMERS 20000
#define DAY_MS 86400000LL
#define BASE_MS 1700000000000LL
#define N_TOUCHPOINTS 14
#define N_STAGES 5
#define GOAL_STAGE 3

static const char *reference_path = "tests/data/journey_reference.txt";

static const struct {
    const char *id;
    cx_channel channel;
    int stage;
} touchpoints[N_TOUCHPOINTS] = {
    { "display-ad", CX_CHANNEL_SOCIAL, 0 }, { "search-ad", CX_CHANNEL_WEB, 0 },    { "newsletter", CX_CHANNEL_EMAIL, 0 },
    { "home", CX_CHANNEL_WEB, 1 },          { "product", CX_CHANNEL_WEB, 1 },      { "reviews", CX_CHANNEL_WEB, 1 },
    { "app-browse", CX_CHANNEL_APP, 1 },    { "chat", CX_CHANNEL_CHAT, 1 },        { "cart", CX_CHANNEL_WEB, 2 },
    { "app-cart", CX_CHANNEL_APP, 2 },      { "checkout", CX_CHANNEL_WEB, 3 },     { "store", CX_CHANNEL_STORE, 3 },
    { "hotline", CX_CHANNEL_PHONE, 4 },     { "help-center", CX_CHANNEL_WEB, 4 },
};
static const char *const stages[N_STAGES] = { "awareness", "consideration", "intent", "purchase", "service" };

/* ---- the generator (mirrors generate() of the reference script) ---------- */

typedef struct rng {
    uint64_t state;
} rng;

static uint64_t next(rng *r)
{
    r->state += 0x9E3779B97F4A7C15ull;
    uint64_t z = r->state;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint64_t below(rng *r, uint64_t n)
{
    return next(r) % n;
}

typedef struct log_event {
    uint32_t customer;
    uint32_t touchpoint;
    int64_t ts;
} log_event;

typedef struct event_log {
    log_event *events;
    size_t n, cap;
    uint64_t checksum;
} event_log;

static int by_stage[N_STAGES][N_TOUCHPOINTS];
static int stage_size[N_STAGES];

static void push(event_log *log, uint32_t customer, uint32_t tp, int64_t ts)
{
    if (log->n == log->cap) {
        log->cap = log->cap ? 2 * log->cap : 4096;
        log->events = realloc(log->events, log->cap * sizeof *log->events);
        assert_non_null(log->events);
    }
    log->events[log->n++] = (log_event){ customer, tp, ts };
}

static size_t episode(rng *r, int *path)
{
    int tp = below(r, 100) < 70 ? by_stage[0][below(r, (uint64_t)stage_size[0])] : (int)below(r, N_TOUCHPOINTS);
    size_t len = 0;
    path[len++] = tp;
    while (len < 12) {
        int stage = touchpoints[tp].stage;
        if (below(r, 100) < (stage == GOAL_STAGE ? 50u : 15u))
            break;
        uint64_t x = below(r, 100);
        int nxt = x < 55 ? (stage + 1 < N_STAGES ? stage + 1 : N_STAGES - 1)
                  : x < 80 ? stage
                  : x < 90 ? (stage > 0 ? stage - 1 : 0)
                  : -1;
        tp = nxt < 0 ? (int)below(r, N_TOUCHPOINTS) : by_stage[nxt][below(r, (uint64_t)stage_size[nxt])];
        path[len++] = tp;
    }
    return len;
}

static event_log generate(void)
{
    for (int t = 0; t < N_TOUCHPOINTS; t++) {
        int s = touchpoints[t].stage;
        by_stage[s][stage_size[s]++] = t;
    }
    rng r = { SEED };
    event_log log = { NULL, 0, 0, 0 };
    int path[12];
    for (uint32_t c = 0; c < CUSTOMERS; c++) {
        int64_t t = BASE_MS + (int64_t)below(&r, 60 * DAY_MS);
        int episodes = below(&r, 4) == 0 ? 2 : 1;
        for (int e = 0; e < episodes; e++) {
            size_t len = episode(&r, path);
            for (size_t i = 0; i < len; i++) {
                if (i > 0)
                    t += 1000 + (int64_t)below(&r, 3600000);
                push(&log, c, (uint32_t)path[i], t);
            }
            t += 3 * DAY_MS + (int64_t)below(&r, 10 * DAY_MS);
        }
    }
    for (size_t i = log.n - 1; i > 0; i--) { /* Fisher-Yates: arrival order */
        size_t k = (size_t)below(&r, i + 1);
        log_event tmp = log.events[i];
        log.events[i] = log.events[k];
        log.events[k] = tmp;
    }
    for (size_t i = 0; i < log.n; i++)
        log.checksum += (uint64_t)log.events[i].ts * 31 + log.events[i].touchpoint * 7u + log.events[i].customer;
    return log;
}

/* ---- the journey under test ---------------------------------------------- */

typedef struct results {
    cx_journey *journey;
    cx_funnel *funnel;
    cx_variants *variants;
    cx_dfg *dfg;
    cx_attribution *attr[5]; /* first, last, linear, markov1, markov2 */
    uint64_t checksum;
} results;

static cx_journey *load(const event_log *log)
{
    cx_touchpoint_registry *reg = NULL;
    assert_ok(cx_touchpoint_registry_new(&reg));
    for (int t = 0; t < N_TOUCHPOINTS; t++) {
        cx_touchpoint_info info = CX_TOUCHPOINT_INFO_INIT;
        info.id = touchpoints[t].id;
        info.channel = touchpoints[t].channel;
        info.stage = stages[touchpoints[t].stage];
        assert_ok(cx_touchpoint_add(NULL, reg, &info));
    }
    static const char *const goals[] = { "purchase" };
    cx_journey_options o = CX_JOURNEY_OPTIONS_INIT;
    o.inactivity_gap_ms = DAY_MS;
    o.stages = stages;
    o.stage_count = N_STAGES;
    o.goal_stages = goals;
    o.goal_count = 1;
    cx_journey *j = NULL;
    assert_ok(cx_journey_new(&j, reg, &o));
    cx_touchpoint_registry_free(reg);
    /* Customer ids as the script names them, observed in batches of 10,000. */
    char (*names)[8] = malloc(CUSTOMERS * sizeof *names);
    assert_non_null(names);
    for (int c = 0; c < CUSTOMERS; c++)
        snprintf(names[c], sizeof names[c], "c%05d", c);
    enum { BATCH = 10000 };
    static const char *customers[BATCH], *tps[BATCH];
    static int64_t ts[BATCH];
    for (size_t start = 0; start < log->n; start += BATCH) {
        size_t n = log->n - start < BATCH ? log->n - start : BATCH;
        for (size_t i = 0; i < n; i++) {
            const log_event *e = &log->events[start + i];
            customers[i] = names[e->customer];
            tps[i] = touchpoints[e->touchpoint].id;
            ts[i] = e->ts;
        }
        assert_ok(cx_journey_observe_many(j, customers, tps, ts, NULL, n));
    }
    free(names);
    return j;
}

static int setup(void **state)
{
    results *r = calloc(1, sizeof *r);
    event_log log = generate();
    r->checksum = log.checksum;
    r->journey = load(&log);
    free(log.events);
    if (cx_journey_funnel(&r->funnel, r->journey, NULL) != CX_OK
        || cx_journey_variants(&r->variants, r->journey, NULL) != CX_OK
        || cx_journey_dfg(&r->dfg, r->journey, NULL) != CX_OK)
        return -1;
    static const cx_attribution_model models[5] = { CX_ATTRIBUTION_FIRST_TOUCH, CX_ATTRIBUTION_LAST_TOUCH,
                                                    CX_ATTRIBUTION_LINEAR, CX_ATTRIBUTION_MARKOV,
                                                    CX_ATTRIBUTION_MARKOV };
    for (int m = 0; m < 5; m++) {
        cx_attribution_options o = CX_ATTRIBUTION_OPTIONS_INIT;
        o.model = models[m];
        o.markov_order = m == 4 ? 2 : 1;
        if (cx_journey_attribution(&r->attr[m], r->journey, &o) != CX_OK)
            return -1;
    }
    *state = r;
    return 0;
}

static int teardown(void **state)
{
    results *r = *state;
    for (int m = 0; m < 5; m++)
        cx_attribution_free(r->attr[m]);
    cx_dfg_free(r->dfg);
    cx_variants_free(r->variants);
    cx_funnel_free(r->funnel);
    cx_journey_free(r->journey);
    free(r);
    return 0;
}

/* ---- reading the reference ----------------------------------------------- */

typedef struct reference {
    char **lines;
    size_t n;
} reference;

static reference read_reference(void)
{
    FILE *f = fopen(reference_path, "r");
    if (f == NULL)
        fail_msg("cannot open %s (pass the path as the first argument)", reference_path);
    reference ref = { NULL, 0 };
    char line[4096];
    while (fgets(line, sizeof line, f) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        ref.lines = realloc(ref.lines, (ref.n + 1) * sizeof *ref.lines);
        ref.lines[ref.n++] = strdup(line);
    }
    fclose(f);
    assert_true(ref.n > 100);
    return ref;
}

static void free_reference(reference *ref)
{
    for (size_t i = 0; i < ref->n; i++)
        free(ref->lines[i]);
    free(ref->lines);
}

/* The value after "<key> " on the line starting with it. */
static const char *field(const reference *ref, const char *key)
{
    size_t k = strlen(key);
    for (size_t i = 0; i < ref->n; i++)
        if (strncmp(ref->lines[i], key, k) == 0 && ref->lines[i][k] == ' ')
            return ref->lines[i] + k + 1;
    fail_msg("reference has no line \"%s\"", key);
    return NULL;
}

static unsigned long long number(const reference *ref, const char *key)
{
    return strtoull(field(ref, key), NULL, 10);
}

/* ---- the comparisons ----------------------------------------------------- */

static void test_log_counts_and_funnel(void **state)
{
    results *r = *state;
    reference ref = read_reference();
    assert_int_equal(number(&ref, "seed"), SEED);
    assert_int_equal(number(&ref, "checksum"), r->checksum); /* the same log */
    cx_journey_summary s = CX_JOURNEY_SUMMARY_INIT;
    assert_ok(cx_journey_get_summary(&s, r->journey));
    assert_int_equal(s.events, number(&ref, "events"));
    assert_true(s.events >= 100000);
    assert_int_equal(s.customers, number(&ref, "customers"));
    assert_int_equal(s.cases, number(&ref, "cases"));
    assert_int_equal(s.goal_cases, number(&ref, "goal_cases"));
    size_t checked = 0;
    for (size_t i = 0; i < ref.n; i++) {
        char stage[64];
        unsigned long long entered, visited;
        if (sscanf(ref.lines[i], "funnel %63s %llu %llu", stage, &entered, &visited) != 3)
            continue;
        size_t k = 0;
        while (k < N_STAGES && strcmp(stages[k], stage) != 0)
            k++;
        cx_funnel_step step = CX_FUNNEL_STEP_INIT;
        assert_ok(cx_funnel_get_step(&step, r->funnel, k));
        assert_int_equal(step.entered, entered);
        assert_int_equal(step.visited, visited);
        checked++;
    }
    assert_int_equal(checked, N_STAGES);
    free_reference(&ref);
}

static void test_log_variants(void **state)
{
    results *r = *state;
    reference ref = read_reference();
    size_t distinct;
    uint64_t cases;
    assert_ok(cx_variants_count(NULL, &distinct, &cases, r->variants));
    assert_int_equal(distinct, number(&ref, "variants_distinct"));
    assert_int_equal(cases, number(&ref, "cases"));
    size_t rank = 0;
    for (size_t i = 0; i < ref.n; i++) {
        unsigned long long count, goals;
        int used = 0;
        if (sscanf(ref.lines[i], "variant %llu %llu %n", &count, &goals, &used) != 2 || used == 0)
            continue;
        cx_variant v = CX_VARIANT_INIT;
        assert_ok(cx_variants_get(&v, r->variants, rank++)); /* same rank as the script's */
        assert_int_equal(v.count, count);
        assert_int_equal(v.goal_count, goals);
        char path[1024] = "";
        for (size_t k = 0; k < v.length; k++) {
            strcat(path, k ? "," : "");
            strcat(path, v.names[k]);
        }
        assert_string_equal(path, ref.lines[i] + used);
    }
    assert_int_equal(rank, 25);
    free_reference(&ref);
}

static void test_log_directly_follows(void **state)
{
    results *r = *state;
    reference ref = read_reference();
    size_t edges;
    assert_ok(cx_dfg_count(NULL, &edges, r->dfg));
    assert_int_equal(edges, number(&ref, "edges"));
    size_t rank = 0;
    for (size_t i = 0; i < ref.n; i++) {
        char from[64], to[64];
        unsigned long long count, cases, lost;
        if (sscanf(ref.lines[i], "edge %63s %63s %llu %llu %llu", from, to, &count, &cases, &lost) != 5)
            continue;
        cx_dfg_edge e = CX_DFG_EDGE_INIT;
        assert_ok(cx_dfg_get_edge(&e, r->dfg, rank++)); /* same order: count, then names */
        assert_string_equal(e.from_name, from);
        assert_string_equal(e.to_name, to);
        assert_int_equal(e.count, count);
        assert_int_equal(e.cases, cases);
        assert_int_equal(e.lost, lost);
    }
    assert_int_equal(rank, edges);
    free_reference(&ref);
}

static cx_attribution_entry entry_named(const cx_attribution *a, const char *name)
{
    size_t n;
    assert_ok(cx_attribution_count(&n, a));
    for (size_t i = 0; i < n; i++) {
        cx_attribution_entry e = CX_ATTRIBUTION_ENTRY_INIT;
        assert_ok(cx_attribution_get(&e, a, i));
        if (strcmp(e.name, name) == 0)
            return e;
    }
    fail_msg("no attribution entry \"%s\"", name);
    return (cx_attribution_entry)CX_ATTRIBUTION_ENTRY_INIT;
}

static void test_log_heuristic_attribution(void **state)
{
    results *r = *state;
    reference ref = read_reference();
    static const char *const models[3] = { "first", "last", "linear" };
    size_t checked = 0;
    for (int m = 0; m < 3; m++) {
        cx_attribution_summary s = CX_ATTRIBUTION_SUMMARY_INIT;
        assert_ok(cx_attribution_get_summary(&s, r->attr[m]));
        assert_int_equal(s.conversions, number(&ref, "conversions"));
        assert_int_equal(s.attributed, number(&ref, "attributed"));
        size_t n;
        assert_ok(cx_attribution_count(&n, r->attr[m]));
        assert_int_equal(n, number(&ref, "on_path"));
        for (size_t i = 0; i < ref.n; i++) {
            char model[16], name[64];
            double credit;
            if (sscanf(ref.lines[i], "attr %15s %63s %lf", model, name, &credit) != 3 || strcmp(model, models[m]) != 0)
                continue;
            assert_close(entry_named(r->attr[m], name).credit, credit, 1e-9);
            checked++;
        }
    }
    assert_int_equal(checked, 3 * number(&ref, "on_path"));
    free_reference(&ref);
}

static void test_log_markov_attribution(void **state)
{
    results *r = *state;
    reference ref = read_reference();
    for (int order = 1; order <= 2; order++) {
        const cx_attribution *a = r->attr[2 + order];
        char key[32];
        snprintf(key, sizeof key, "markov%d_probability", order);
        double p;
        unsigned long long states;
        assert_int_equal(sscanf(field(&ref, key), "%lf %llu", &p, &states), 2);
        cx_attribution_summary s = CX_ATTRIBUTION_SUMMARY_INIT;
        assert_ok(cx_attribution_get_summary(&s, a));
        assert_close(s.conversion_probability, p, 1e-12);
        assert_int_equal(s.states, states);
        size_t nodes = 0, sets = 0;
        for (size_t i = 0; i < ref.n; i++) {
            char name[256];
            double effect, credit;
            char prefix[16];
            snprintf(prefix, sizeof prefix, "markov%d ", order);
            if (strncmp(ref.lines[i], prefix, strlen(prefix)) == 0
                && sscanf(ref.lines[i] + strlen(prefix), "%255s %lf %lf", name, &effect, &credit) == 3) {
                cx_attribution_entry e = entry_named(a, name);
                assert_close(e.removal_effect, effect, 1e-12);
                assert_close(e.credit, credit, 1e-8);
                nodes++;
            }
            snprintf(key, sizeof key, "markov%d_set %%255s %%lf", order);
            if (sscanf(ref.lines[i], key, name, &effect) == 2) {
                const char *names[8];
                size_t n = 0;
                for (char *tok = strtok(name, ","); tok != NULL && n < 8; tok = strtok(NULL, ","))
                    names[n++] = tok;
                double got;
                assert_ok(cx_attribution_removal_effect(&got, a, names, n));
                assert_close(got, effect, 1e-12);
                sets++;
            }
        }
        assert_int_equal(nodes, number(&ref, "on_path"));
        assert_int_equal(sets, 2);
    }
    free_reference(&ref);
}

/* Shards split by timestamp parity (customers span both), merged, give
 * the same funnel, variants and edges as the whole log. */
static void test_log_merged_shards(void **state)
{
    results *r = *state;
    event_log log = generate();
    event_log halves[2] = { { NULL, 0, 0, 0 }, { NULL, 0, 0, 0 } };
    for (size_t i = 0; i < log.n; i++)
        push(&halves[log.events[i].ts % 2], log.events[i].customer, log.events[i].touchpoint, log.events[i].ts);
    cx_journey *a = load(&halves[0]), *b = load(&halves[1]);
    assert_ok(cx_journey_merge(a, b));
    cx_funnel *f = NULL;
    cx_variants *v = NULL;
    cx_dfg *g = NULL;
    assert_ok(cx_journey_funnel(&f, a, NULL));
    assert_ok(cx_journey_variants(&v, a, NULL));
    assert_ok(cx_journey_dfg(&g, a, NULL));
    for (size_t k = 0; k < N_STAGES; k++) {
        cx_funnel_step x = CX_FUNNEL_STEP_INIT, y = CX_FUNNEL_STEP_INIT;
        assert_ok(cx_funnel_get_step(&x, r->funnel, k));
        assert_ok(cx_funnel_get_step(&y, f, k));
        assert_int_equal(x.entered, y.entered);
        assert_int_equal(x.visited, y.visited);
    }
    size_t listed_whole, listed_merged;
    assert_ok(cx_variants_count(&listed_whole, NULL, NULL, r->variants));
    assert_ok(cx_variants_count(&listed_merged, NULL, NULL, v));
    assert_int_equal(listed_whole, listed_merged);
    for (size_t i = 0; i < listed_whole; i += 97) {
        cx_variant x = CX_VARIANT_INIT, y = CX_VARIANT_INIT;
        assert_ok(cx_variants_get(&x, r->variants, i));
        assert_ok(cx_variants_get(&y, v, i));
        assert_int_equal(x.count, y.count);
        assert_int_equal(x.length, y.length);
        assert_memory_equal(x.path, y.path, x.length * sizeof *x.path);
    }
    size_t edges;
    assert_ok(cx_dfg_count(NULL, &edges, g));
    for (size_t i = 0; i < edges; i++) {
        cx_dfg_edge x = CX_DFG_EDGE_INIT, y = CX_DFG_EDGE_INIT;
        assert_ok(cx_dfg_get_edge(&x, r->dfg, i));
        assert_ok(cx_dfg_get_edge(&y, g, i));
        assert_string_equal(x.from_name, y.from_name);
        assert_string_equal(x.to_name, y.to_name);
        assert_int_equal(x.count, y.count);
        assert_int_equal(x.lost, y.lost);
        assert_close(x.total_seconds, y.total_seconds, 0);
    }
    cx_dfg_free(g);
    cx_variants_free(v);
    cx_funnel_free(f);
    cx_journey_free(a);
    cx_journey_free(b);
    free(halves[0].events);
    free(halves[1].events);
    free(log.events);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        reference_path = argv[1];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_log_counts_and_funnel),
        cmocka_unit_test(test_log_variants),
        cmocka_unit_test(test_log_directly_follows),
        cmocka_unit_test(test_log_heuristic_attribution),
        cmocka_unit_test(test_log_markov_attribution),
        cmocka_unit_test(test_log_merged_shards),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
