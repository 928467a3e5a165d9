/*
 * Benchmark of the service metrics and business calendars.
 *
 *   tickets    1,000,000 synthetic tickets of 10 events each, every metric
 *              in business and calendar time plus an SLA policy, added in
 *              one cx_service_add_tickets call (target: <= 2 s)
 *   durations  business seconds between 10,000,000 random pairs of
 *              instants over four years (target: >= 10 million/s)
 *   peer       the same work on a subset by the independent Python
 *              implementation (bench/peer_service.py, which runs
 *              tests/reference/service_reference.py), in the same run;
 *              the ratios compare throughputs
 *
 * Every figure is the median of 3 runs. CX_BENCH_QUICK=1 shrinks the sizes
 * to a sub-second smoke run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cx/cx.h"

#ifndef CX_BENCH_SOURCE_DIR
#error "CX_BENCH_SOURCE_DIR must name the bench directory"
#endif

#define RUNS 3
#define H 3600

static double clock_seconds(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Wall time, and CPU time of this process: on a shared machine the wall
 * time also counts the time others held the cores. */
typedef struct timing {
    double wall, cpu;
} timing;

static timing now(void)
{
    timing t = { clock_seconds(CLOCK_MONOTONIC), clock_seconds(CLOCK_PROCESS_CPUTIME_ID) };
    return t;
}

static timing since(timing t0)
{
    timing t = now();
    t.wall -= t0.wall;
    t.cpu -= t0.cpu;
    return t;
}

static double load_average(void)
{
    double load = -1;
    FILE *f = fopen("/proc/loadavg", "r");
    if (f) {
        if (fscanf(f, "%lf", &load) != 1)
            load = -1;
        fclose(f);
    }
    return load;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median3(double *v)
{
    qsort(v, RUNS, sizeof *v, compare_doubles);
    return v[RUNS / 2];
}

static timing median_timing(const timing *runs)
{
    double wall[RUNS], cpu[RUNS];
    for (int r = 0; r < RUNS; r++) {
        wall[r] = runs[r].wall;
        cpu[r] = runs[r].cpu;
    }
    timing m = { median3(wall), median3(cpu) };
    return m;
}

static void check(int rc, const char *what)
{
    if (rc != CX_OK) {
        fprintf(stderr, "bench_service: %s failed: %s\n", what, cx_last_error());
        exit(1);
    }
}

static uint64_t next_random(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Europe/Berlin, Monday to Friday 09:00-12:00 and 13:00-17:30, eight
 * holidays a year 2024-2028, a new schedule from 2026-07-01. */
static cx_calendar *bench_calendar(void)
{
    cx_timezone *tz = NULL;
    check(cx_timezone_load(&tz, "Europe/Berlin", NULL), "loading Europe/Berlin");
    cx_calendar_builder *b = NULL;
    check(cx_calendar_builder_new(&b, tz), "creating the builder");
    size_t v = 0;
    check(cx_calendar_builder_add_version(&v, b, 2026, 7, 1), "adding a version");
    for (int d = CX_WEEKDAY_MONDAY; d <= CX_WEEKDAY_FRIDAY; d++) {
        check(cx_calendar_builder_add_hours(b, 0, (cx_weekday)d, 9 * H, 12 * H), "adding hours");
        check(cx_calendar_builder_add_hours(b, 0, (cx_weekday)d, 13 * H, 17 * H + 1800), "adding hours");
        check(cx_calendar_builder_add_hours(b, v, (cx_weekday)d, 8 * H, 16 * H), "adding hours");
    }
    static const unsigned days[][2] = { { 1, 1 }, { 5, 1 }, { 10, 3 }, { 12, 25 }, { 12, 26 }, { 1, 6 }, { 11, 1 } };
    for (int y = 2024; y <= 2028; y++) {
        for (size_t i = 0; i < sizeof days / sizeof days[0]; i++)
            check(cx_calendar_builder_add_holiday(b, y, days[i][0], days[i][1]), "adding a holiday");
        check(cx_calendar_builder_add_holiday_hours(b, y, 12, 24, 9 * H, 12 * H), "adding a holiday");
    }
    cx_calendar *cal = NULL;
    check(cx_calendar_build(&cal, b), "building the calendar");
    cx_calendar_builder_free(b);
    cx_timezone_free(tz);
    return cal;
}

/* Gaps from seconds to days: a mix of short and long waits. */
static int64_t gap(uint64_t *s, int64_t scale)
{
    uint64_t r = next_random(s);
    int64_t base = (int64_t)(r % (uint64_t)scale);
    return (r >> 60) < 3 ? base * 40 : base; /* one in five waits much longer */
}

/* Ten events: created, customer message, assignment, agent reply, pending,
 * customer message, open, a private note, agent reply, solved. */
static void make_ticket(cx_ticket_event *e, uint64_t *s, int64_t t)
{
    int64_t r1 = t + 60 + gap(s, 4 * H), c = r1 + 60 + gap(s, 8 * H), n = c + gap(s, H), r2 = n + 60 + gap(s, 2 * H);
    const cx_ticket_event events[10] = {
        { t, CX_EVENT_CREATED, 0, 0, 0 },
        { t, CX_EVENT_MESSAGE, CX_AUTHOR_CUSTOMER, 0, 0 },
        { t + 30, CX_EVENT_ASSIGNED, (int32_t)(next_random(s) % 50), 0, 0 },
        { r1, CX_EVENT_MESSAGE, CX_AUTHOR_AGENT, 0, 0 },
        { r1, CX_EVENT_STATUS, CX_STATUS_PENDING, 0, 0 },
        { c, CX_EVENT_MESSAGE, CX_AUTHOR_CUSTOMER, 0, 0 },
        { c, CX_EVENT_STATUS, CX_STATUS_OPEN, 0, 0 },
        { n, CX_EVENT_MESSAGE, CX_AUTHOR_AGENT, CX_EVENT_PRIVATE, 0 },
        { r2, CX_EVENT_MESSAGE, CX_AUTHOR_AGENT, 0, 0 },
        { r2, CX_EVENT_STATUS, CX_STATUS_SOLVED, 0, 0 },
    };
    memcpy(e, events, sizeof events);
}

#define T_FIRST 1704067200LL /* 2024-01-01T00:00:00Z */
#define T_SPAN (4LL * 365 * 86400)

typedef struct workload {
    size_t n;
    cx_ticket_event *events;
    size_t *offsets;
    int32_t *priorities;
    const char **segments;
} workload;

static workload make_workload(size_t n)
{
    static const char *const teams[] = { "billing", "tech", "sales", "returns" };
    workload w = { n, malloc(sizeof(cx_ticket_event) * 10 * n), malloc(sizeof(size_t) * (n + 1)),
                   malloc(sizeof(int32_t) * n), malloc(sizeof(char *) * n) };
    if (!w.events || !w.offsets || !w.priorities || !w.segments) {
        fprintf(stderr, "bench_service: out of memory\n");
        exit(1);
    }
    uint64_t s = 0x853C49E6748FEA9Bull;
    w.offsets[0] = 0;
    for (size_t i = 0; i < n; i++) {
        make_ticket(w.events + 10 * i, &s, T_FIRST + (int64_t)(next_random(&s) % (uint64_t)T_SPAN));
        w.offsets[i + 1] = 10 * (i + 1);
        w.priorities[i] = (int32_t)(next_random(&s) % 4) + 1;
        w.segments[i] = teams[next_random(&s) % 4];
    }
    return w;
}

static void free_workload(workload *w)
{
    free(w->events);
    free(w->offsets);
    free(w->priorities);
    free(w->segments);
}

static cx_service *bench_service(const cx_calendar *cal, const cx_sla_policy *p)
{
    cx_service_options o = CX_SERVICE_OPTIONS_INIT;
    o.sla = p;
    static const cx_group_options by_month = { CX_GROUP_OPTIONS_VERSION, CX_PERIOD_MONTH, 0, 0 };
    o.sla_groups = &by_month;
    cx_service *svc = NULL;
    check(cx_service_new(&svc, cal, NULL, &o), "creating the service");
    return svc;
}

static timing run_tickets(const cx_calendar *cal, const workload *w)
{
    cx_sla_policy p = CX_SLA_POLICY_INIT;
    for (int k = 0; k < 4; k++) {
        p.first_reply[k] = (4 - k) * H;
        p.next_reply[k] = (8 - k) * H;
        p.resolution[k] = (40 - 8 * k) * H;
    }
    cx_service *svc = bench_service(cal, &p);
    timing t0 = now();
    check(cx_service_add_tickets(svc, w->events, w->offsets, w->n, w->priorities, w->segments), "adding tickets");
    timing t = since(t0);
    cx_service_counts c = CX_SERVICE_COUNTS_INIT;
    check(cx_service_get_counts(&c, svc), "counting");
    if (c.tickets != w->n) {
        fprintf(stderr, "bench_service: %llu tickets counted\n", (unsigned long long)c.tickets);
        exit(1);
    }
    cx_service_free(svc);
    return t;
}

static timing run_durations(const cx_calendar *cal, size_t n, int64_t *checksum)
{
    int64_t *from = malloc(sizeof *from * n), *to = malloc(sizeof *to * n), *out = malloc(sizeof *out * n);
    uint64_t s = 0x2545F4914F6CDD1Dull;
    for (size_t i = 0; i < n; i++) {
        from[i] = T_FIRST + (int64_t)(next_random(&s) % (uint64_t)T_SPAN);
        to[i] = from[i] + (int64_t)(next_random(&s) % (30 * 86400));
    }
    timing t0 = now();
    check(cx_calendar_business_seconds_many(out, cal, from, to, n), "measuring durations");
    timing t = since(t0);
    *checksum = 0;
    for (size_t i = 0; i < n; i++)
        *checksum += out[i];
    free(from);
    free(to);
    free(out);
    return t;
}

/* Writes the peer's subset: the calendar and tickets in the vectors' format. */
static void write_subset(const char *path, const cx_calendar *cal, const workload *w, size_t n)
{
    static const char *const kinds[] = { "", "created", "status", "message", "assigned", "merged" };
    static const char *const statuses[] = { "", "new", "open", "pending", "on_hold", "solved", "closed", "reopened" };
    static const char *const authors[] = { "", "customer", "agent", "bot" };
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        fprintf(stderr, "bench_service: cannot write %s\n", path);
        exit(1);
    }
    cx_buffer json = CX_BUFFER_INIT;
    check(cx_calendar_to_json(&json, cal), "writing the calendar");
    fprintf(f, "{\"calendar\": %s, \"tickets\": [\n", json.data);
    cx_buffer_dispose(&json);
    for (size_t i = 0; i < n; i++) {
        static const char *const priorities[] = { "", "low", "normal", "high", "urgent" };
        fprintf(f, "%s{\"id\": \"t%zu\", \"priority\": \"%s\", \"segment\": \"%s\", \"events\": [", i ? ",\n" : "",
                i, priorities[w->priorities[i]], w->segments[i]);
        for (size_t k = w->offsets[i]; k < w->offsets[i + 1]; k++) {
            const cx_ticket_event *e = &w->events[k];
            cx_buffer when = CX_BUFFER_INIT;
            check(cx_instant_format(&when, e->time, 0), "formatting");
            fprintf(f, "%s[\"%s\", \"%s\"", k > w->offsets[i] ? ", " : "", when.data, kinds[e->type]);
            cx_buffer_dispose(&when);
            if (e->type == CX_EVENT_STATUS)
                fprintf(f, ", \"%s\"", statuses[e->value]);
            else if (e->type == CX_EVENT_MESSAGE)
                fprintf(f, ", \"%s\"%s", authors[e->value], e->flags & CX_EVENT_PRIVATE ? ", \"private\"" : "");
            else if (e->type == CX_EVENT_ASSIGNED)
                fprintf(f, ", %d", (int)e->value);
            fputc(']', f);
        }
        fputs("]}", f);
    }
    fputs("]}\n", f);
    fclose(f);
}

typedef struct peer_result {
    double tickets_per_s, durations_per_s;         /* wall time */
    double tickets_per_cpu_s, durations_per_cpu_s; /* CPU time */
    int ok;
} peer_result;

static peer_result run_peer(const char *subset, int quick)
{
    peer_result r = { 0, 0, 0, 0, 0 };
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s/peer_service.py %s %s", CX_BENCH_SOURCE_DIR, subset,
             quick ? "--quick" : "");
    FILE *p = popen(cmd, "r");
    if (p == NULL)
        return r;
    char line[512];
    while (fgets(line, sizeof line, p)) {
        fputs("  peer> ", stdout);
        fputs(line, stdout);
        sscanf(line, "tickets_per_s %lf", &r.tickets_per_s);
        sscanf(line, "durations_per_s %lf", &r.durations_per_s);
        sscanf(line, "tickets_per_cpu_s %lf", &r.tickets_per_cpu_s);
        sscanf(line, "durations_per_cpu_s %lf", &r.durations_per_cpu_s);
    }
    r.ok = pclose(p) == 0 && r.tickets_per_s > 0 && r.durations_per_s > 0 && r.tickets_per_cpu_s > 0
           && r.durations_per_cpu_s > 0;
    return r;
}

int main(void)
{
    int quick = getenv("CX_BENCH_QUICK") != NULL && strcmp(getenv("CX_BENCH_QUICK"), "0") != 0;
    size_t n_tickets = quick ? 20000 : 1000000, n_pairs = quick ? 200000 : 10000000, n_peer = quick ? 10 : 300;
    cx_calendar *cal = bench_calendar();
    workload w = make_workload(n_tickets);
    timing t_tickets[RUNS], t_durations[RUNS];
    int64_t checksum = 0;
    for (int r = 0; r < RUNS; r++) {
        t_tickets[r] = run_tickets(cal, &w);
        t_durations[r] = run_durations(cal, n_pairs, &checksum);
    }
    timing tt = median_timing(t_tickets), td = median_timing(t_durations);
    double tickets_per_s = (double)n_tickets / tt.wall, durations_per_s = (double)n_pairs / td.wall;
    printf("machine: load average %.2f when the runs ended (wall time includes waiting for shared cores)\n",
           load_average());
    printf("libcx service: %zu tickets x 10 events, every metric in business and calendar time + SLA: "
           "median %.3f s wall, %.3f s CPU, of %d runs (%.0f tickets/s wall)%s\n",
           n_tickets, tt.wall, tt.cpu, RUNS, tickets_per_s,
           quick ? "" : tt.wall <= 2.0 ? " [target <= 2 s: met]"
                      : tt.cpu <= 2.0 ? " [target <= 2 s: met in CPU time, not in wall time]" : " [target <= 2 s: NOT met]");
    double cpu_rate = (double)n_pairs / td.cpu;
    printf("libcx calendar: %zu business-duration queries: median %.3f s wall, %.3f s CPU, of %d runs "
           "(%.1f million/s wall, %.1f million/s CPU; checksum %lld)%s\n",
           n_pairs, td.wall, td.cpu, RUNS, durations_per_s / 1e6, cpu_rate / 1e6, (long long)checksum,
           quick ? "" : durations_per_s >= 1e7 ? " [target >= 10 million/s: met]"
                      : cpu_rate >= 1e7 ? " [target >= 10 million/s: met in CPU time, not in wall time]"
                                        : " [target >= 10 million/s: NOT met]");

    char subset[] = "/tmp/cx_bench_service_XXXXXX";
    int fd = mkstemp(subset);
    if (fd < 0) {
        fprintf(stderr, "bench_service: cannot create a temporary file\n");
        return 1;
    }
    close(fd);
    write_subset(subset, cal, &w, n_peer);
    peer_result peer = run_peer(subset, quick);
    remove(subset);
    if (peer.ok) {
        printf("peer (Python reference implementation, %zu tickets; median of %d runs): %.1f tickets/s, %.0f "
               "business durations/s wall; %.1f and %.0f per CPU second\n",
               n_peer, RUNS, peer.tickets_per_s, peer.durations_per_s, peer.tickets_per_cpu_s,
               peer.durations_per_cpu_s);
        printf("ratio libcx / Python reference, wall time: tickets %.0fx, business durations %.0fx\n",
               tickets_per_s / peer.tickets_per_s, durations_per_s / peer.durations_per_s);
        printf("ratio libcx / Python reference, CPU time: tickets %.0fx, business durations %.0fx\n",
               (double)n_tickets / tt.cpu / peer.tickets_per_cpu_s, cpu_rate / peer.durations_per_cpu_s);
    } else {
        printf("peer (Python reference implementation): not run (needs /usr/bin/python3 with zoneinfo)\n");
    }
    free_workload(&w);
    cx_calendar_free(cal);
    return 0;
}
