/*
 * Journey benchmark: ingest rates (pre-interned indices and string ids),
 * bytes per stored event, and funnel + variants + directly-follows graph
 * over the whole log, against pandas (bench/peer_journey.py, groupby and
 * shift) doing the same work on the same events in the same run.
 *
 * Events: customers with one or two episodes of 1..12 touchpoint events
 * drawn from a stage-by-stage walk over 20 touchpoints (as the reference
 * log of the tests), in shuffled arrival order. 10 million events; with
 * CX_BENCH_QUICK=1, 50,000 (CX_BENCH_EVENTS=n sets any size). Every figure
 * is the median of 3 runs (pandas runs once in the smoke run), in process
 * CPU time on both sides.
 * Usage: bench_journey PEER_SCRIPT
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cx/cx.h"

#define N_TP 20
#define N_STAGES 5
#define GOAL_STAGE 3
#define DAY_MS 86400000LL
#define REPEATS 3

static const int tp_stage[N_TP] = { 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 4 };
static const char *const stages[N_STAGES] = { "awareness", "consideration", "intent", "purchase", "service" };

typedef struct events {
    uint32_t *customer;
    uint32_t *tp;
    int64_t *ts;
    size_t n, customers;
} events;

static uint64_t rng_state = 42;

static uint64_t next(void)
{
    rng_state += 0x9E3779B97F4A7C15ull;
    uint64_t z = rng_state;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* CPU time of the process: the machines are shared, and this keeps other
 * tenants' load out of the figures (the peer measures the same way). */
static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, compare_doubles);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n);
    if (p == NULL) {
        fprintf(stderr, "bench_journey: out of memory\n");
        exit(1);
    }
    return p;
}

static int random_tp_of_stage(int stage)
{
    int first = 0, count = 0;
    for (int t = 0; t < N_TP; t++) {
        if (tp_stage[t] == stage) {
            if (count == 0)
                first = t;
            count++;
        }
    }
    return first + (int)(next() % (uint64_t)count);
}

static size_t episode(int *path)
{
    int tp = next() % 100 < 70 ? random_tp_of_stage(0) : (int)(next() % N_TP);
    size_t len = 0;
    path[len++] = tp;
    while (len < 12) {
        int stage = tp_stage[tp];
        if (next() % 100 < (stage == GOAL_STAGE ? 50u : 15u))
            break;
        uint64_t x = next() % 100;
        int s = x < 55 ? (stage + 1 < N_STAGES ? stage + 1 : stage) : x < 80 ? stage : x < 90 ? (stage ? stage - 1 : 0) : -1;
        tp = s < 0 ? (int)(next() % N_TP) : random_tp_of_stage(s);
        path[len++] = tp;
    }
    return len;
}

static events generate(size_t target)
{
    events e = { xmalloc(target * sizeof(uint32_t)), xmalloc(target * sizeof(uint32_t)),
                 xmalloc(target * sizeof(int64_t)), 0, 0 };
    int path[12];
    while (e.n < target) {
        uint32_t c = (uint32_t)e.customers++;
        int64_t t = 1700000000000LL + (int64_t)(next() % (uint64_t)(60 * DAY_MS));
        int episodes = next() % 4 == 0 ? 2 : 1;
        for (int k = 0; k < episodes && e.n < target; k++) {
            size_t len = episode(path);
            for (size_t i = 0; i < len && e.n < target; i++) {
                if (i > 0)
                    t += 1000 + (int64_t)(next() % 3600000);
                e.customer[e.n] = c;
                e.tp[e.n] = (uint32_t)path[i];
                e.ts[e.n++] = t;
            }
            t += 3 * DAY_MS + (int64_t)(next() % (uint64_t)(10 * DAY_MS));
        }
    }
    for (size_t i = e.n - 1; i > 0; i--) { /* arrival order */
        size_t k = (size_t)(next() % (i + 1));
        uint32_t c = e.customer[i], p = e.tp[i];
        int64_t t = e.ts[i];
        e.customer[i] = e.customer[k];
        e.tp[i] = e.tp[k];
        e.ts[i] = e.ts[k];
        e.customer[k] = c;
        e.tp[k] = p;
        e.ts[k] = t;
    }
    return e;
}

static void check(int rc, const char *what)
{
    if (rc != CX_OK) {
        fprintf(stderr, "bench_journey: %s failed: %s\n", what, cx_last_error());
        exit(1);
    }
}

static cx_journey *new_journey(void)
{
    cx_touchpoint_registry *reg = NULL;
    check(cx_touchpoint_registry_new(&reg), "registry");
    for (int t = 0; t < N_TP; t++) {
        char id[16];
        snprintf(id, sizeof id, "tp-%02d", t);
        cx_touchpoint_info info = CX_TOUCHPOINT_INFO_INIT;
        info.id = id;
        info.channel = (cx_channel)(1 + t % 8);
        info.stage = stages[tp_stage[t]];
        check(cx_touchpoint_add(NULL, reg, &info), "touchpoint");
    }
    static const char *const goals[] = { "purchase" };
    cx_journey_options o = CX_JOURNEY_OPTIONS_INIT;
    o.inactivity_gap_ms = DAY_MS;
    o.stages = stages;
    o.stage_count = N_STAGES;
    o.goal_stages = goals;
    o.goal_count = 1;
    cx_journey *j = NULL;
    check(cx_journey_new(&j, reg, &o), "journey");
    cx_touchpoint_registry_free(reg);
    return j;
}

/* Interns customers 0..n-1 as "cust-<n>" so that index == customer. */
static cx_journey *journey_with_customers(size_t customers)
{
    cx_journey *j = new_journey();
    char id[32];
    for (size_t c = 0; c < customers; c++) {
        uint32_t index;
        snprintf(id, sizeof id, "cust-%zu", c);
        check(cx_journey_intern_customer(&index, j, id), "intern");
    }
    return j;
}

typedef struct figures {
    double ids_rate, strings_rate, bytes_built, bytes_pending, analysis_s;
    cx_journey_summary summary;
    uint64_t entered[N_STAGES];
    size_t variants, edges;
} figures;

static double ingest_ids(const events *e)
{
    cx_journey *j = journey_with_customers(e->customers);
    double t0 = now();
    check(cx_journey_observe_ids(j, e->customer, e->tp, e->ts, NULL, e->n), "observe_ids");
    double s = now() - t0;
    cx_journey_free(j);
    return (double)e->n / s;
}

/* String ids as a parser hands them over: each batch's ids copied into one
 * contiguous text buffer (untimed); only cx_journey_observe_many is timed. */
static double ingest_strings(const events *e, char (*names)[32], const char *const *tp_ids)
{
    enum { BATCH = 65536 };
    static const char *customers[BATCH], *tps[BATCH];
    static char text[BATCH * 32];
    cx_journey *j = new_journey();
    double seconds = 0;
    for (size_t start = 0; start < e->n; start += BATCH) {
        size_t n = e->n - start < BATCH ? e->n - start : BATCH, used = 0;
        for (size_t i = 0; i < n; i++) {
            size_t len = strlen(names[e->customer[start + i]]) + 1;
            memcpy(text + used, names[e->customer[start + i]], len);
            customers[i] = text + used;
            used += len;
            tps[i] = tp_ids[e->tp[start + i]];
        }
        double t0 = now();
        check(cx_journey_observe_many(j, customers, tps, e->ts + start, NULL, n), "observe_many");
        seconds += now() - t0;
    }
    cx_journey_free(j);
    return (double)e->n / seconds;
}

/* Funnel + variants + DFG from freshly observed (unsorted) events. */
static double analyse(const events *e, figures *f)
{
    cx_journey *j = journey_with_customers(e->customers);
    check(cx_journey_observe_ids(j, e->customer, e->tp, e->ts, NULL, e->n), "observe_ids");
    double t0 = now();
    cx_funnel *funnel = NULL;
    cx_variants *variants = NULL;
    cx_dfg *dfg = NULL;
    check(cx_journey_funnel(&funnel, j, NULL), "funnel");
    check(cx_journey_variants(&variants, j, NULL), "variants");
    check(cx_journey_dfg(&dfg, j, NULL), "dfg");
    double s = now() - t0;
    f->summary.version = CX_JOURNEY_SUMMARY_VERSION;
    check(cx_journey_get_summary(&f->summary, j), "summary");
    for (size_t k = 0; k < N_STAGES; k++) {
        cx_funnel_step step = CX_FUNNEL_STEP_INIT;
        check(cx_funnel_get_step(&step, funnel, k), "step");
        f->entered[k] = step.entered;
    }
    check(cx_variants_count(NULL, &f->variants, NULL, variants), "variants");
    check(cx_dfg_count(NULL, &f->edges, dfg), "dfg");
    cx_funnel_free(funnel);
    cx_variants_free(variants);
    cx_dfg_free(dfg);
    cx_journey_free(j);
    return s;
}

static void write_events(const char *path, const events *e)
{
    FILE *out = fopen(path, "wb");
    if (out == NULL || fwrite(e->customer, sizeof(uint32_t), e->n, out) != e->n
        || fwrite(e->tp, sizeof(uint32_t), e->n, out) != e->n || fwrite(e->ts, sizeof(int64_t), e->n, out) != e->n) {
        fprintf(stderr, "bench_journey: cannot write %s\n", path);
        exit(1);
    }
    fclose(out);
}

typedef struct peer {
    double seconds;
    unsigned long long cases, variants, edges, entered[N_STAGES];
    int ok;
} peer;

static peer run_peer(const char *script, const events *e, int repeats)
{
    peer p = { NAN, 0, 0, 0, { 0 }, 0 };
    char path[] = "/tmp/cx_bench_journey_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return p;
    close(fd);
    write_events(path, e);
    char stage_list[4 * N_TP] = "";
    for (int t = 0; t < N_TP; t++)
        snprintf(stage_list + strlen(stage_list), sizeof stage_list - strlen(stage_list), "%s%d", t ? "," : "",
                 tp_stage[t]);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s %s %zu %d %lld %d %s %d", script, path, e->n, N_TP, DAY_MS, repeats,
             stage_list, GOAL_STAGE);
    FILE *out = popen(cmd, "r");
    char line[512];
    while (out != NULL && fgets(line, sizeof line, out) != NULL) {
        p.ok += sscanf(line, "peer_seconds %lf", &p.seconds);
        sscanf(line, "cases %llu", &p.cases);
        sscanf(line, "variants %llu", &p.variants);
        sscanf(line, "edges %llu", &p.edges);
        sscanf(line, "funnel %llu %llu %llu %llu %llu", &p.entered[0], &p.entered[1], &p.entered[2], &p.entered[3],
               &p.entered[4]);
    }
    if (out != NULL)
        pclose(out);
    remove(path);
    return p;
}

int main(int argc, char **argv)
{
    int quick = getenv("CX_BENCH_QUICK") != NULL && strcmp(getenv("CX_BENCH_QUICK"), "1") == 0;
    size_t n = quick ? 50000 : 10000000;
    if (getenv("CX_BENCH_EVENTS") != NULL) /* for profiling at other sizes */
        n = (size_t)strtoull(getenv("CX_BENCH_EVENTS"), NULL, 10);
    const char *script = argc > 1 ? argv[1] : "bench/peer_journey.py";
    events e = generate(n);
    printf("journey benchmark: %zu events, %zu customers, %d touchpoints, %s\n", e.n, e.customers, N_TP,
           quick ? "quick" : "full");

    char (*names)[32] = xmalloc(e.customers * sizeof *names);
    for (size_t c = 0; c < e.customers; c++)
        snprintf(names[c], sizeof names[c], "cust-%zu", c);
    char tp_names[N_TP][16];
    const char *tp_ids[N_TP];
    for (int t = 0; t < N_TP; t++) {
        snprintf(tp_names[t], sizeof tp_names[t], "tp-%02d", t);
        tp_ids[t] = tp_names[t];
    }

    double ids[REPEATS], strings[REPEATS], analysis[REPEATS];
    figures f;
    memset(&f, 0, sizeof f);
    for (int r = 0; r < REPEATS; r++) {
        ids[r] = ingest_ids(&e);
        strings[r] = ingest_strings(&e, names, tp_ids);
        analysis[r] = analyse(&e, &f);
    }
    double ids_rate = median(ids, REPEATS), strings_rate = median(strings, REPEATS);
    double analysis_s = median(analysis, REPEATS);
    double bytes = (double)f.summary.memory_bytes / (double)f.summary.events;
    printf("ingest, pre-interned ids:   %8.2f M events/s  (target >= 10)\n", ids_rate / 1e6);
    printf("ingest, string ids:         %8.2f M events/s  (target >= 3)\n", strings_rate / 1e6);
    printf("stored bytes per event:     %8.2f  (paths, customer ids and index; target <= 24)\n", bytes);
    printf("funnel + variants + DFG:    %8.3f s  (%zu cases, %zu variants, %zu edges; target <= 2 s at 10 M)\n",
           analysis_s, (size_t)f.summary.cases, f.variants, f.edges);

    peer p = run_peer(script, &e, quick ? 1 : REPEATS); /* the smoke run times pandas once */
    if (p.ok) {
        int agrees = p.cases == f.summary.cases && p.variants == f.variants && p.edges == f.edges;
        for (int k = 0; k < N_STAGES; k++)
            agrees = agrees && p.entered[k] == f.entered[k];
        printf("pandas (groupby/shift), same work: %8.3f s  (results %s)\n", p.seconds,
               agrees ? "agree" : "DIFFER");
        printf("ratio pandas / libcx:       %8.1f x\n", p.seconds / analysis_s);
    } else {
        printf("pandas peer: not run (%s missing or failed)\n", script);
    }
    free(names);
    free(e.customer);
    free(e.tp);
    free(e.ts);
    return 0;
}
