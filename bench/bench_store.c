/*
 * The store and the cx tool.
 *
 * 1. Import: cx_store_import_file of a CSV of 1 million events (8 columns,
 *    ISO 8601 times) into a new store, against `sqlite3 DB ".import --csv"`
 *    of the same file into a new database in the same run (SQLite's own
 *    importer: text columns, no parsing, no checks, no deduplication).
 *    Target: >= 500,000 rows/s.
 * 2. Report: `cx report` (text, JSON and HTML) over a store of 1 million
 *    events with survey answers, tickets and ticket events, against
 *    sqlite3 running the report's counting queries in SQL. Target: <= 3 s.
 *
 * The machines are shared: wall-clock and CPU times (this process, or the
 * child processes) are both printed; figures are medians of repeated runs.
 * CX_BENCH_QUICK=1 shrinks sizes for a smoke run.
 *
 * usage: bench_store CX_BINARY
 */
#include <math.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cx/cx.h>

#include "bench_util.h"

#define REPEATS 3

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint64_t next_u64(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double children_cpu(void)
{
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    return (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_sec
           + 1e-6 * (double)ru.ru_stime.tv_usec;
}

static void iso(char *buf, size_t cap, int64_t seconds)
{
    time_t t = (time_t)seconds;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static const char *const touchpoints[] = { "web_home", "web_search", "web_product", "web_cart", "web_checkout",
                                           "web_payment", "app_home", "app_product", "app_checkout", "delivery",
                                           "hotline", "chat_support" };
static const char *const channels[] = { "web", "web", "web", "web", "web", "web",
                                        "app", "app", "app", "post", "phone", "chat" };
#define N_TP 12
#define T2025 1735689600LL

/* The data set: events, answers, tickets and ticket events for a year. */
static void write_data(const char *dir, size_t n_events)
{
    char path[512], when[32];
    snprintf(path, sizeof path, "%s/touchpoints.csv", dir);
    FILE *f = fopen(path, "w");
    fputs("touchpoint,channel\n", f);
    for (int i = 0; i < N_TP; i++)
        fprintf(f, "%s,%s\n", touchpoints[i], channels[i]);
    fclose(f);

    snprintf(path, sizeof path, "%s/events.csv", dir);
    f = fopen(path, "w");
    fputs("event_id,customer_id,touchpoint,type,timestamp,value,session_id\n", f);
    int64_t t = T2025;
    for (size_t i = 0; i < n_events; i++) {
        t += (int64_t)(next_u64() % (2 * 31536000 / (n_events + 1) + 1));
        iso(when, sizeof when, t);
        unsigned tp = (unsigned)(next_u64() % N_TP);
        if (i % 10 == 0)
            fprintf(f, "E%08zu,C%05u,%s,purchase,%s,%.2f,S%07zu\n", i, (unsigned)(next_u64() % 25000),
                    touchpoints[tp], when, (double)(next_u64() % 20000) / 100, i / 5);
        else
            fprintf(f, "E%08zu,C%05u,%s,view,%s,,S%07zu\n", i, (unsigned)(next_u64() % 25000), touchpoints[tp],
                    when, i / 5);
    }
    fclose(f);

    size_t n_answers = n_events / 16, n_tickets = n_events / 60;
    snprintf(path, sizeof path, "%s/answers.csv", dir);
    f = fopen(path, "w");
    fputs("answer_id,customer_id,touchpoint,metric,score,timestamp,comment\n", f);
    static const char *const metrics[] = { "nps", "csat", "ces" };
    static const int top[] = { 10, 5, 7 }, bottom[] = { 0, 1, 1 };
    for (size_t i = 0; i < n_answers; i++) {
        int m = (int)(next_u64() % 3);
        iso(when, sizeof when, T2025 + (int64_t)(next_u64() % 31536000));
        fprintf(f, "A%07zu,C%05u,%s,%s,%d,%s,%s\n", i, (unsigned)(next_u64() % 25000),
                touchpoints[next_u64() % N_TP], metrics[m],
                bottom[m] + (int)(next_u64() % (unsigned)(top[m] - bottom[m] + 1)), when,
                i % 3 == 0 ? "\"Fine, thanks\"" : "");
    }
    fclose(f);

    snprintf(path, sizeof path, "%s/tickets.csv", dir);
    f = fopen(path, "w");
    char path2[512], reply[32], done[32];
    snprintf(path2, sizeof path2, "%s/ticket_events.csv", dir);
    FILE *g = fopen(path2, "w");
    fputs("ticket_id,customer_id,channel,status,opened_at,resolved_at\n", f);
    fputs("ticket_id,timestamp,kind\n", g);
    static const char *const ticket_channels[] = { "phone", "chat", "email" };
    for (size_t i = 0; i < n_tickets; i++) {
        int64_t opened = T2025 + (int64_t)(next_u64() % 31536000);
        int64_t first = opened + 60 + (int64_t)(next_u64() % 20000);
        int64_t resolved = first + (int64_t)(next_u64() % 200000);
        iso(when, sizeof when, opened);
        iso(reply, sizeof reply, first);
        iso(done, sizeof done, resolved);
        fprintf(f, "T%06zu,C%05u,%s,resolved,%s,%s\n", i, (unsigned)(next_u64() % 25000), ticket_channels[i % 3],
                when, done);
        fprintf(g, "T%06zu,%s,opened\nT%06zu,%s,agent_reply\nT%06zu,%s,resolved\n", i, when, i, reply, i, done);
    }
    fclose(f);
    fclose(g);
}

static void remove_store(const char *path)
{
    char side[700];
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
}

typedef struct timing {
    double wall, cpu;
} timing;

static timing time_import(const char *dir, size_t n, const char *store)
{
    double wall[REPEATS], cpu[REPEATS];
    char csv[512];
    snprintf(csv, sizeof csv, "%s/events.csv", dir);
    for (int r = 0; r < REPEATS; r++) {
        remove_store(store);
        cx_store *s = NULL;
        if (cx_store_open(&s, store, NULL) != CX_OK) {
            fprintf(stderr, "open: %s\n", cx_last_error());
            exit(1);
        }
        cx_import_result res = CX_IMPORT_RESULT_INIT;
        double w0 = bench_now(), c0 = cpu_now();
        int rc = cx_store_import_file(&res, s, csv, NULL);
        cx_store_close(s); /* includes the final checkpoint */
        wall[r] = bench_now() - w0;
        cpu[r] = cpu_now() - c0;
        if (rc != CX_OK || res.inserted != n) {
            fprintf(stderr, "import: %s (%llu rows)\n", cx_last_error(), (unsigned long long)res.inserted);
            exit(1);
        }
    }
    return (timing){ bench_median(wall, REPEATS), bench_median(cpu, REPEATS) };
}

/* Runs a shell command REPEATS times, before each `prepare` (untimed). */
static timing time_command(const char *command, const char *prepare)
{
    double wall[REPEATS], cpu[REPEATS];
    for (int r = 0; r < REPEATS; r++) {
        if (prepare != NULL && system(prepare) != 0)
            fprintf(stderr, "failed: %s\n", prepare);
        double w0 = bench_now(), c0 = children_cpu();
        int rc = system(command);
        wall[r] = bench_now() - w0;
        cpu[r] = children_cpu() - c0;
        if (rc != 0) {
            fprintf(stderr, "failed (%d): %s\n", rc, command);
            return (timing){ -1, -1 };
        }
    }
    return (timing){ bench_median(wall, REPEATS), bench_median(cpu, REPEATS) };
}

static void build_report_store(const char *cx, const char *dir, const char *store)
{
    remove_store(store);
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "'%s' import -q -s '%s' '%s/touchpoints.csv' '%s/events.csv' '%s/answers.csv' '%s/tickets.csv' "
             "'%s/ticket_events.csv'",
             cx, store, dir, dir, dir, dir, dir);
    if (system(cmd) != 0) {
        fprintf(stderr, "failed: %s\n", cmd);
        exit(1);
    }
}

/* The report's counting work in SQL, for scale: events per touchpoint,
 * channel and month, active customers per month, NPS per month and per
 * touchpoint, ticket counts per channel. */
static const char peer_sql[] =
    "SELECT touchpoint, count(*) FROM events GROUP BY 1;"
    "SELECT coalesce(e.channel, t.channel), count(*) FROM events e LEFT JOIN touchpoints t USING (touchpoint) GROUP BY 1;"
    "SELECT strftime('%Y-%m', timestamp_ms / 1000, 'unixepoch') m, count(*), count(DISTINCT customer_id) FROM events "
    "GROUP BY m;"
    "SELECT metric, strftime('%Y-%m', timestamp_ms / 1000, 'unixepoch') m, count(*), "
    "100.0 * (sum(score >= 9) - sum(score <= 6)) / count(*) FROM answers GROUP BY 1, 2;"
    "SELECT metric, touchpoint, count(*), avg(score) FROM answers GROUP BY 1, 2;"
    "SELECT channel, count(*) FROM tickets GROUP BY 1;";

int main(int argc, char **argv)
{
    const char *cx = argc > 1 ? argv[1] : "tools/cx/cx";
    size_t n = bench_quick() ? 20000 : 1000000;
    char dir[] = "/tmp/cx-bench-store-XXXXXX";
    if (mkdtemp(dir) == NULL)
        return 1;
    write_data(dir, n);
    char store[128], peer[128], csv[128], cmd[4096], prep[512];
    snprintf(store, sizeof store, "%s/bench.db", dir);
    snprintf(peer, sizeof peer, "%s/peer.db", dir);
    snprintf(csv, sizeof csv, "%s/events.csv", dir);
    struct stat st;
    stat(csv, &st);

    timing ours = time_import(dir, n, store);
    snprintf(cmd, sizeof cmd, "sqlite3 '%s' \".import --csv '%s' events\"", peer, csv);
    snprintf(prep, sizeof prep, "rm -f '%s' '%s-wal' '%s-shm'", peer, peer, peer);
    timing theirs = time_command(cmd, prep);

    printf("Import of %zu CSV rows (%.1f MB; medians of %d runs)\n", n, (double)st.st_size / 1e6, REPEATS);
    printf("  cx_store_import_file      : %7.3f s wall %9.0f rows/s   %7.3f s CPU %9.0f rows/s (target >= 500000)\n",
           ours.wall, n / ours.wall, ours.cpu, n / ours.cpu);
    if (theirs.wall > 0) {
        printf("  sqlite3 .import --csv     : %7.3f s wall %9.0f rows/s   %7.3f s CPU %9.0f rows/s\n", theirs.wall,
               n / theirs.wall, theirs.cpu, n / theirs.cpu);
        printf("  ratio cx / sqlite3        : %7.2f wall   %7.2f CPU (above 1: cx is faster)\n",
               theirs.wall / ours.wall, theirs.cpu / ours.cpu);
    } else {
        printf("  sqlite3 peer unavailable (Debian package sqlite3)\n");
    }

    build_report_store(cx, dir, store);
    snprintf(cmd, sizeof cmd, "'%s' report -s '%s' > /dev/null", cx, store);
    timing text = time_command(cmd, NULL);
    snprintf(cmd, sizeof cmd, "'%s' report -s '%s' --json > /dev/null", cx, store);
    timing json = time_command(cmd, NULL);
    snprintf(cmd, sizeof cmd, "'%s' report -s '%s' -q --html '%s/report.html'", cx, store, dir);
    timing html = time_command(cmd, NULL);
    snprintf(cmd, sizeof cmd, "sqlite3 '%s' \"%s\" > /dev/null", store, peer_sql);
    timing sql = time_command(cmd, NULL);
    printf("cx report over %zu events, %zu answers, %zu tickets (medians of %d runs)\n", n, n / 16, n / 60, REPEATS);
    printf("  cx report (text)          : %7.3f s wall   %7.3f s CPU (target <= 3 s)\n", text.wall, text.cpu);
    printf("  cx report --json          : %7.3f s wall   %7.3f s CPU\n", json.wall, json.cpu);
    printf("  cx report --html          : %7.3f s wall   %7.3f s CPU\n", html.wall, html.cpu);
    if (sql.wall > 0)
        printf("  sqlite3, the counting SQL : %7.3f s wall   %7.3f s CPU; ratio %.2f wall (above 1: cx is faster)\n",
               sql.wall, sql.cpu, sql.wall / text.wall);

    if (getenv("CX_BENCH_KEEP") != NULL) { /* for profiling: the data and the store stay */
        printf("kept %s\n", dir);
        return 0;
    }
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : 1;
}
