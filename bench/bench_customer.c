/*
 * Customers and churn risk: 1 million customers x 20 events (20 million
 * events) recorded through cx_customers_add_events in batches, then every
 * customer scored with the built-in rules (cx_risk_score_all). Prints the
 * median of repeated runs, memory per customer (counted through the
 * allocator hooks), and the same signals and scores computed by the named
 * peer, pandas, from the same events (bench/peer_customer.py), with the
 * ratio and a check that both agree.
 *
 * Events come in two orders: a live feed, interleaved across customers
 * (every customer's first event, then every customer's second, each wave
 * in a scrambled customer order), and a bulk import grouped by customer.
 * They are recorded by id (cx_customers_add_events) or by record number
 * (cx_customers_add_events_at, which saves the id lookup per event), with
 * and without the event history. Times are CPU seconds of the process, as
 * the machines are shared; the peer's too.
 *
 * Usage: bench_customer [peer_customer.py]; CX_BENCH_QUICK=1 for a smoke run.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cx/cx.h"

#define EVENTS_PER_CUSTOMER 20
#define BATCH 8192
#define RUNS 3
#define T0_MS 1735689600000LL /* 2025-01-01T00:00:00Z */
#define DAY_MS 86400000LL

/* ---- the data set (bench/peer_customer.py generates the same) ------------ */

static uint64_t mix(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

typedef struct dataset {
    size_t customers, events;
    char *id_text;            /* "c0000000\0c0000001\0..." */
    const char **ids;         /* per event */
    size_t *records;          /* per event: the customer's record number */
    int64_t *times;
    cx_event_kind *kinds;
    double *values;
    int64_t as_of;
} dataset;

/* Kind of event j of customer c, from h = mix(c * 20 + j): 40 % visits,
 * 20 % purchases, 10 % replies, 5 % complaints, 5 % each NPS, CSAT, CES
 * answers, 10 % sentiment scores. */
static cx_event_kind kind_of(uint64_t h)
{
    static const cx_event_kind table[20] = {
        CX_EVENT_INTERACTION, CX_EVENT_INTERACTION, CX_EVENT_INTERACTION, CX_EVENT_INTERACTION,
        CX_EVENT_INTERACTION, CX_EVENT_INTERACTION, CX_EVENT_INTERACTION, CX_EVENT_INTERACTION,
        CX_EVENT_PURCHASE, CX_EVENT_PURCHASE, CX_EVENT_PURCHASE, CX_EVENT_PURCHASE,
        CX_EVENT_REPLY, CX_EVENT_REPLY, CX_EVENT_COMPLAINT, CX_EVENT_NPS,
        CX_EVENT_CSAT, CX_EVENT_CES, CX_EVENT_SENTIMENT, CX_EVENT_SENTIMENT,
    };
    return table[h % 20];
}

static double value_of(cx_event_kind kind, uint64_t h)
{
    uint64_t v = h >> 8;
    switch (kind) {
    case CX_EVENT_PURCHASE: return (double)(10 + v % 200);
    case CX_EVENT_REPLY: return (double)(60 + v % 86400);
    case CX_EVENT_NPS: return (double)(v % 11);
    case CX_EVENT_CSAT: return (double)(1 + v % 5);
    case CX_EVENT_CES: return (double)(1 + v % 7);
    case CX_EVENT_SENTIMENT: return ((double)(v % 2001) - 1000.0) / 1000.0;
    default: return 0.0;
    }
}

/* Customer c starts within the first year and has an event every 1..20
 * days (its own gap), plus up to a day of jitter. */
static int64_t time_of(size_t c, size_t j, uint64_t h)
{
    uint64_t hc = mix(0xC0FFEEull + c);
    int64_t start = T0_MS + (int64_t)(hc % 365) * DAY_MS;
    int64_t gap = (int64_t)(1 + (hc >> 16) % 20) * DAY_MS;
    return start + (int64_t)j * gap + (int64_t)((h >> 32) % DAY_MS);
}

/* A bijection of 0..n-1 for scrambling each wave: an odd multiplier modulo n
 * is not always one, so walk the multiples of a prime that does not divide n. */
static size_t scrambled(size_t i, size_t n)
{
    return (size_t)((uint64_t)i * 1000003u % n);
}

enum order { LIVE_FEED, GROUPED };

static void make_event(dataset *d, size_t e, size_t c, size_t j)
{
    uint64_t h = mix((uint64_t)c * EVENTS_PER_CUSTOMER + j);
    d->ids[e] = d->id_text + 9 * c;
    d->records[e] = c;
    d->kinds[e] = kind_of(h);
    d->values[e] = value_of(d->kinds[e], h);
    d->times[e] = time_of(c, j, h);
    if (d->times[e] > d->as_of)
        d->as_of = d->times[e];
}

static int make_dataset(dataset *d, size_t customers, enum order order)
{
    memset(d, 0, sizeof *d);
    d->customers = customers;
    d->events = customers * EVENTS_PER_CUSTOMER;
    d->id_text = malloc(customers * 9);
    d->ids = malloc(d->events * sizeof *d->ids);
    d->records = malloc(d->events * sizeof *d->records);
    d->times = malloc(d->events * sizeof *d->times);
    d->kinds = malloc(d->events * sizeof *d->kinds);
    d->values = malloc(d->events * sizeof *d->values);
    if (!d->id_text || !d->ids || !d->records || !d->times || !d->kinds || !d->values)
        return -1;
    for (size_t c = 0; c < customers; c++)
        snprintf(d->id_text + 9 * c, 9, "c%07zu", c);
    size_t e = 0;
    if (order == LIVE_FEED) {
        for (size_t j = 0; j < EVENTS_PER_CUSTOMER; j++)
            for (size_t i = 0; i < customers; i++)
                make_event(d, e++, scrambled(i, customers), j);
    } else {
        for (size_t i = 0; i < customers; i++)
            for (size_t j = 0; j < EVENTS_PER_CUSTOMER; j++)
                make_event(d, e++, scrambled(i, customers), j);
    }
    d->as_of += DAY_MS;
    return 0;
}

static void free_dataset(dataset *d)
{
    free(d->id_text);
    free(d->ids);
    free(d->records);
    free(d->times);
    free(d->kinds);
    free(d->values);
}

/* ---- measuring ------------------------------------------------------------------ */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, compare_doubles);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* Allocator hooks that count live bytes (a 16-byte header keeps each size). */
static size_t live_bytes;

static void *count_malloc(size_t size, void *payload)
{
    (void)payload;
    size_t *p = malloc(size + 16);
    if (p == NULL)
        return NULL;
    *p = size;
    live_bytes += size;
    return (char *)p + 16;
}

static void count_free(void *ptr, void *payload)
{
    (void)payload;
    if (ptr == NULL)
        return;
    size_t *p = (size_t *)((char *)ptr - 16);
    live_bytes -= *p;
    free(p);
}

static void *count_realloc(void *ptr, size_t size, void *payload)
{
    if (ptr == NULL)
        return count_malloc(size, payload);
    size_t *p = (size_t *)((char *)ptr - 16), old = *p;
    size_t *q = realloc(p, size + 16);
    if (q == NULL)
        return NULL;
    *q = size;
    live_bytes = live_bytes - old + size;
    return (char *)q + 16;
}

static void check(int rc, const char *what)
{
    if (rc != CX_OK) {
        fprintf(stderr, "%s failed: %s: %s\n", what, cx_strerror(rc), cx_last_error());
        exit(1);
    }
}

typedef struct config {
    const char *label;
    enum order order;
    int by_record;
    int history;
} config;

typedef struct run {
    double ingest, score, mean_score;
    size_t scored;
} run;

static cx_customers *ingest(const dataset *d, const config *cfg)
{
    cx_customers_options o = CX_CUSTOMERS_OPTIONS_INIT;
    o.keep_history = cfg->history;
    cx_customers *db = NULL;
    check(cx_customers_new(&db, &o), "cx_customers_new");
    const char **ids = malloc(d->customers * sizeof *ids);
    for (size_t c = 0; c < d->customers; c++)
        ids[c] = d->id_text + 9 * c;
    check(cx_customers_add_many(db, ids, NULL, d->customers), "cx_customers_add_many");
    free(ids);
    for (size_t e = 0; e < d->events; e += BATCH) {
        size_t n = d->events - e < BATCH ? d->events - e : BATCH;
        if (cfg->by_record)
            check(cx_customers_add_events_at(db, d->records + e, d->times + e, d->kinds + e, d->values + e, n),
                  "cx_customers_add_events_at");
        else
            check(cx_customers_add_events(db, d->ids + e, d->times + e, d->kinds + e, d->values + e, n),
                  "cx_customers_add_events");
    }
    return db;
}

static run measure(const dataset *d, const config *cfg, double *scores)
{
    run r = { 0, 0, 0, 0 };
    double t = now();
    cx_customers *db = ingest(d, cfg);
    r.ingest = now() - t;
    cx_risk *risk = NULL;
    check(cx_risk_new(&risk, NULL), "cx_risk_new");
    t = now();
    check(cx_risk_score_all(scores, d->customers, risk, db, d->as_of), "cx_risk_score_all");
    r.score = now() - t;
    double sum = 0;
    for (size_t c = 0; c < d->customers; c++) {
        if (!isnan(scores[c])) {
            sum += scores[c];
            r.scored++;
        }
    }
    r.mean_score = sum / (double)r.scored;
    cx_risk_free(risk);
    cx_customers_free(db);
    return r;
}

static double bytes_per_customer(const dataset *d, int history)
{
    cx_allocator a = CX_ALLOCATOR_INIT;
    a.malloc_fn = count_malloc;
    a.realloc_fn = count_realloc;
    a.free_fn = count_free;
    live_bytes = 0;
    cx_set_allocator(&a);
    config cfg = { "", LIVE_FEED, 1, history };
    cx_customers *db = ingest(d, &cfg);
    double per = (double)live_bytes / (double)d->customers;
    cx_customers_free(db);
    cx_set_allocator(NULL);
    return per;
}

/* ---- the pandas peer ------------------------------------------------------------------ */

typedef struct peer_result {
    double seconds, mean_score;
    int ok;
} peer_result;

static peer_result run_peer(const char *script, size_t customers)
{
    peer_result p = { -1, NAN, 0 };
    char cmd[1024], line[512];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 '%s' %zu %d", script, customers, RUNS);
    FILE *f = popen(cmd, "r");
    if (f == NULL)
        return p;
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "seconds=", 8) == 0)
            p.seconds = atof(line + 8);
        else if (strncmp(line, "mean_score=", 11) == 0)
            p.mean_score = atof(line + 11);
    }
    p.ok = pclose(f) == 0 && p.seconds > 0;
    return p;
}

static const config configs[] = {
    { "live feed, by id, with history (defaults)", LIVE_FEED, 0, 1 },
    { "live feed, by record number, with history", LIVE_FEED, 1, 1 },
    { "live feed, by record number, no history", LIVE_FEED, 1, 0 },
    { "bulk import grouped by customer, by id, with history", GROUPED, 0, 1 },
};
#define CONFIGS (sizeof configs / sizeof configs[0])

int main(int argc, char **argv)
{
    const char *q = getenv("CX_BENCH_QUICK");
    int quick = q != NULL && *q != '\0' && strcmp(q, "0") != 0;
    size_t customers = quick ? 5000 : 1000000;
    const char *peer = argc > 1 ? argv[1] : "bench/peer_customer.py";
    dataset data[2];
    if (make_dataset(&data[LIVE_FEED], customers, LIVE_FEED) != 0
        || make_dataset(&data[GROUPED], customers, GROUPED) != 0) {
        fprintf(stderr, "out of memory generating the data set\n");
        return 1;
    }
    double *scores = malloc(customers * sizeof *scores);
    printf("customers: %zu customers x %d events = %zu events in batches of %d; CPU seconds, medians of %d runs\n",
           customers, EVENTS_PER_CUSTOMER, data[0].events, BATCH, RUNS);
    double total[CONFIGS], mean_score[CONFIGS];
    for (size_t k = 0; k < CONFIGS; k++) {
        double ingest_s[RUNS], score_s[RUNS], total_s[RUNS];
        for (int i = 0; i < RUNS; i++) {
            run r = measure(&data[configs[k].order], &configs[k], scores);
            ingest_s[i] = r.ingest;
            score_s[i] = r.score;
            total_s[i] = r.ingest + r.score;
            mean_score[k] = r.mean_score;
        }
        double in = median(ingest_s, RUNS), sc = median(score_s, RUNS);
        total[k] = median(total_s, RUNS);
        printf("  %-52s ingest %6.3f s (%5.1f M events/s)  score %5.3f s  total %6.3f s\n", configs[k].label, in,
               (double)data[0].events / in / 1e6, sc, total[k]);
    }
    printf("  memory per customer (state, id index and history, counted by the allocator hooks): %.1f bytes "
           "without history, %.1f bytes with\n",
           bytes_per_customer(&data[LIVE_FEED], 0), bytes_per_customer(&data[LIVE_FEED], 1));
    printf("  libcx mean score %.9f over %zu customers\n", mean_score[0], customers);

    int status = 0;
    peer_result p = run_peer(peer, customers);
    if (!p.ok) {
        printf("  pandas peer unavailable (python3-pandas missing?)\n");
    } else {
        printf("  pandas peer (groupby over the same events: signals and built-in rules): %.3f s, mean score %.9f\n",
               p.seconds, p.mean_score);
        for (size_t k = 0; k < CONFIGS; k++)
            printf("  ratio pandas / libcx, %-52s %5.1fx\n", configs[k].label, p.seconds / total[k]);
        for (size_t k = 0; k < CONFIGS; k++) {
            if (fabs(p.mean_score - mean_score[k]) > 1e-6) {
                printf("  MISMATCH: libcx (%s) and pandas disagree on the scores\n", configs[k].label);
                status = 1;
            }
        }
    }
    free(scores);
    free_dataset(&data[LIVE_FEED]);
    free_dataset(&data[GROUPED]);
    return status;
}
