/*
 * White-box tests of the store's internals: the CSV and line readers at
 * their buffer boundaries (the first read takes 1 MiB), input arriving in
 * small pieces through a pipe, the timestamp parser's limits and messages,
 * content keys, and the migration machinery with made-up steps.
 */
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "store_import_internal.h"
#include "store_internal.h"

#define CHUNK (1u << 20)
#define T2025 1735689600000LL /* 2025-01-01T00:00:00Z */

/* ---- CSV at the buffer boundary ----------------------------------------------- */

/* A filler line so that the next record starts at offset `start`, then the
 * record. */
static char *with_record_at(size_t start, const char *record, size_t *len)
{
    size_t n = start + strlen(record);
    char *buf = malloc(n + 1);
    memset(buf, 'f', start - 1);
    buf[start - 1] = '\n';
    memcpy(buf + start, record, strlen(record) + 1);
    *len = n;
    return buf;
}

typedef struct parsed {
    int records;
    char fields[4][3][32];
    size_t counts[4];
    uint64_t lines[4];
} parsed;

static int parse_all(cx__source *src, parsed *p)
{
    cx__csv r;
    cx__csv_init(&r, src, ',');
    memset(p, 0, sizeof *p);
    int rc;
    bool got;
    while ((rc = cx__csv_next(&r, &got)) == CX_OK && got) {
        int i = p->records++;
        if (i >= 4)
            continue;
        p->counts[i] = r.count;
        p->lines[i] = r.line;
        for (size_t f = 0; f < r.count && f < 3; f++)
            snprintf(p->fields[i][f], sizeof p->fields[i][f], "%s", r.fields[f].len < 32 ? r.fields[f].text : "(long)");
    }
    cx__csv_destroy(&r);
    return rc;
}

static void check_record_at(size_t start, const char *record, const char *f0, const char *f1, uint64_t line,
                            int records)
{
    size_t len;
    char *buf = with_record_at(start, record, &len);
    cx__source src;
    cx__source_init_memory(&src, "t.csv", buf, len);
    parsed p;
    int rc = parse_all(&src, &p);
    if (rc != CX_OK || p.records != records || strcmp(p.fields[1][0], f0) != 0 || strcmp(p.fields[1][1], f1) != 0
        || p.lines[1] != line)
        fail_msg("record at %zu: rc %d (%s), %d records, fields \"%s\" \"%s\" (want \"%s\" \"%s\"), line %llu", start,
                 rc, cx_last_error(), p.records, p.fields[1][0], p.fields[1][1], f0, f1,
                 (unsigned long long)p.lines[1]);
    /* A record after it is intact. */
    if (records == 3 && (strcmp(p.fields[2][0], "z") != 0 || p.lines[2] != line + 2))
        fail_msg("record at %zu: the next record reads \"%s\" on line %llu", start, p.fields[2][0],
                 (unsigned long long)p.lines[2]);
    cx__source_destroy(&src);
    free(buf);
}

static void test_csv_records_across_the_boundary(void **state)
{
    (void)state;
    /* The record is placed so that each of its bytes in turn is the last
     * one of the first buffer fill: doubled quotes, a closing quote before
     * CR LF, CR LF itself and the line break inside quotes are each split. */
    const char *record = "\"ab\"\"c\",\"x\r\ny\"\r\nz,w\r\n";
    for (size_t at = CHUNK - 24; at <= CHUNK + 1; at++)
        check_record_at(at, record, "ab\"c", "x\r\ny", 2, 3);
    /* Unquoted fields and a record without a final line break. */
    for (size_t at = CHUNK - 8; at <= CHUNK + 1; at++)
        check_record_at(at, "abc,de\r\n", "abc", "de", 2, 2);
    for (size_t at = CHUNK - 8; at <= CHUNK; at++)
        check_record_at(at, "abc,\"de\"", "abc", "de", 2, 2);
}

static void test_csv_reader_details(void **state)
{
    (void)state;
    const char *text = "\xEF\xBB\xBF" "a,b,c\n\n\r\n\"\",,\"\"\"\"\n\"multi\nline\",2,3\nlast,,";
    cx__source src;
    cx__source_init_memory(&src, "t.csv", text, strlen(text));
    parsed p;
    assert_ok(parse_all(&src, &p));
    /* Blank lines (2, 3) are skipped; an empty quoted field is a field. */
    assert_int_equal(p.records, 4);
    assert_string_equal(p.fields[0][0], "a");
    assert_int_equal(p.lines[1], 4);
    assert_int_equal(p.counts[1], 3);
    assert_string_equal(p.fields[1][0], "");
    assert_string_equal(p.fields[1][2], "\"");
    assert_int_equal(p.lines[2], 5);
    assert_string_equal(p.fields[2][0], "multi\nline");
    assert_int_equal(p.lines[3], 7);
    assert_int_equal(p.counts[3], 3);
    cx__source_destroy(&src);
    /* A quote inside an unquoted field is data (as Python's csv reads it). */
    const char *loose = "5\" screen,x\n";
    cx__source_init_memory(&src, "t.csv", loose, strlen(loose));
    assert_ok(parse_all(&src, &p));
    assert_string_equal(p.fields[0][0], "5\" screen");
    cx__source_destroy(&src);
    /* A single-column file keeps its empty quoted values. */
    const char *single = "x\n\"\"\nb\n";
    cx__source_init_memory(&src, "t.csv", single, strlen(single));
    assert_ok(parse_all(&src, &p));
    assert_int_equal(p.records, 3);
    cx__source_destroy(&src);
}

/* ---- input in small pieces -------------------------------------------------------- */

typedef struct feeder {
    int fd;
    const char *text;
    size_t piece;
} feeder;

static void *feed(void *arg)
{
    feeder *f = arg;
    size_t n = strlen(f->text);
    for (size_t at = 0; at < n; at += f->piece) {
        size_t k = n - at < f->piece ? n - at : f->piece;
        if (write(f->fd, f->text + at, k) != (ssize_t)k)
            break;
        if (at % (f->piece * 16) == 0)
            nanosleep(&(struct timespec){ 0, 100000 }, NULL);
    }
    close(f->fd);
    return NULL;
}

static void test_csv_from_a_slow_pipe(void **state)
{
    (void)state;
    const char *text = "a,b\r\n\"x\"\"y\",\"1\r\n2\"\r\nlast,\"q\"\r\n";
    for (size_t piece = 1; piece <= 5; piece++) {
        int fds[2];
        assert_int_equal(pipe(fds), 0);
        feeder f = { fds[1], text, piece };
        pthread_t t;
        assert_int_equal(pthread_create(&t, NULL, feed, &f), 0);
        cx__source src;
        cx__source_init_fd(&src, "pipe", fds[0]);
        parsed p;
        assert_ok(parse_all(&src, &p));
        pthread_join(t, NULL);
        close(fds[0]);
        assert_int_equal(p.records, 3);
        assert_string_equal(p.fields[1][0], "x\"y");
        assert_string_equal(p.fields[1][1], "1\r\n2");
        assert_string_equal(p.fields[2][1], "q");
        assert_int_equal(p.lines[2], 4);
        cx__source_destroy(&src);
    }
}

static void test_lines_reader(void **state)
{
    (void)state;
    const char *text = "\xEF\xBB\xBF{\"a\":1}\r\n  \n\n{\"b\":2}\n{\"c\":3}";
    cx__source src;
    cx__source_init_memory(&src, "t.jsonl", text, strlen(text));
    const char *want[] = { "{\"a\":1}", "{\"b\":2}", "{\"c\":3}" };
    const uint64_t lines[] = { 1, 4, 5 };
    for (int i = 0; i < 3; i++) {
        char *line;
        size_t len;
        uint64_t number;
        bool got;
        assert_ok(cx__lines_next(&src, &line, &len, &number, &got));
        assert_true(got);
        assert_string_equal(line, want[i]);
        assert_int_equal(len, strlen(want[i]));
        assert_int_equal(number, lines[i]);
    }
    char *line;
    size_t len;
    uint64_t number;
    bool got;
    assert_ok(cx__lines_next(&src, &line, &len, &number, &got));
    assert_false(got);
    cx__source_destroy(&src);
}

/* ---- timestamps ------------------------------------------------------------------ */

static void test_time_parser_limits(void **state)
{
    (void)state;
    cx__time_rules rules = { CX_EPOCH_AUTO, false, 0 };
    int64_t t;
    char why[160];
    const char *s = "0000-01-01T00:00:00Z";
    assert_true(cx__parse_time(s, strlen(s), &rules, &t, why, sizeof why));
    assert_true(t == CX__STORE_TIME_MIN);
    s = "9999-12-31T23:59:59.999Z";
    assert_true(cx__parse_time(s, strlen(s), &rules, &t, why, sizeof why));
    assert_true(t == CX__STORE_TIME_MAX);
    /* The automatic epoch unit: below 10^11 seconds, from there milliseconds. */
    s = "99999999999";
    assert_true(cx__parse_time(s, strlen(s), &rules, &t, why, sizeof why));
    assert_true(t == 99999999999000LL);
    s = "100000000000";
    assert_true(cx__parse_time(s, strlen(s), &rules, &t, why, sizeof why));
    assert_true(t == 100000000000LL);
    /* Offsets: +14:00 is 2024-12-31T10:00Z; a comma before the fraction (ISO 8601). */
    s = "2025-01-01T00:00:00,5+14:00";
    assert_true(cx__parse_time(s, strlen(s), &rules, &t, why, sizeof why));
    assert_true(t == T2025 - 14 * 3600000LL + 500);
    const struct {
        const char *text, *why;
    } bad[] = {
        { "2025-1-01T00:00Z", "expected YYYY-MM-DD" },
        { "2025-00-10T00:00Z", "month 0 is outside 1..12" },
        { "2025-04-31T00:00Z", "day 31 does not exist" },
        { "2025-01-01T00:60Z", "minute 60 is outside 0..59" },
        { "2025-01-01T00:00:61Z", "second 61 is outside 0..60" },
        { "2025-01-01T24:00:01Z", "hour 24 is outside 0..23" },
        { "2025-01-01T00:00:00.Z", "expected digits after the decimal point" },
        { "2025-01-01T00:00+25:00", "zone offset hour 25" },
        { "2025-01-01T00:00+1", "expected hh after the zone sign" },
        { "2025-01-01T00:00Zx", "unexpected text after the time" },
        { "2025-01-01T0", "expected hh:mm after the date" },
        { "1e300", "beyond the years 0..9999" },
        { "", "empty" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        why[0] = '\0';
        if (cx__parse_time(bad[i].text, strlen(bad[i].text), &rules, &t, why, sizeof why)
            || strstr(why, bad[i].why) == NULL)
            fail_msg("\"%s\": got \"%s\", expected \"%s\"", bad[i].text, why, bad[i].why);
    }
}

/* ---- content keys --------------------------------------------------------------- */

static void test_fact_keys(void **state)
{
    (void)state;
    const cx__store_table *t = cx__store_table_desc(CX_STORE_EVENTS);
    cx_store_event a = CX_STORE_EVENT_INIT, b;
    a.customer_id = "ab";
    a.touchpoint = "c";
    a.timestamp_ms = 0;
    b = a;
    char ka[34], kb[34];
    assert_string_equal(cx__store_fact_key(t, &a, ka), cx__store_fact_key(t, &b, kb));
    /* Field boundaries count: "ab" + "c" is not "a" + "bc". */
    b.customer_id = "a";
    b.touchpoint = "bc";
    assert_string_not_equal(cx__store_fact_key(t, &a, ka), cx__store_fact_key(t, &b, kb));
    /* An absent value is not the same as a value, even 0 or "". */
    b = a;
    b.value = 0;
    assert_string_not_equal(cx__store_fact_key(t, &a, ka), cx__store_fact_key(t, &b, kb));
    b = a;
    b.channel = "c";
    assert_string_not_equal(cx__store_fact_key(t, &a, ka), cx__store_fact_key(t, &b, kb));
    /* Keys are stored: the same on every machine and in every version.
     * Expected values: tests/reference/store_fact_key_reference.py. */
    assert_string_equal(cx__store_fact_key(t, &a, ka), "#184b649f79ed3bb28bbcd830c5a548b3");
    b = a;
    b.customer_id = "C1";
    b.touchpoint = "web_payment";
    b.type = "purchase";
    b.timestamp_ms = 1735689600000LL;
    b.value = 59.9;
    b.session_id = "S1";
    assert_string_equal(cx__store_fact_key(t, &b, kb), "#16e648785b2d789b05efc706464d4a04");
    cx_store_answer an = CX_STORE_ANSWER_INIT;
    an.customer_id = "C7";
    an.touchpoint = "hotline";
    an.metric = CX_METRIC_NPS;
    an.score = 3;
    an.timestamp_ms = -86400000LL;
    assert_string_equal(cx__store_fact_key(cx__store_table_desc(CX_STORE_ANSWERS), &an, kb),
                        "#4ecb29287b7085c28c9b20cec9fd4b49");
    /* An id is its own key. */
    a.event_id = "E1";
    assert_string_equal(cx__store_fact_key(t, &a, ka), "E1");
}

/* ---- migrations -------------------------------------------------------------------- */

static int64_t pragma(cx_store *s, const char *sql)
{
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(s->db, sql, -1, &st, NULL), SQLITE_OK);
    int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    return v;
}

static void test_migrations(void **state)
{
    (void)state;
    cx_store *s = NULL;
    assert_ok(cx_store_open(&s, ":memory:", NULL));
    assert_int_equal(pragma(s, "PRAGMA user_version"), 1);
    /* A later step applied on top, and steps already passed skipped. */
    const cx__store_migration steps[] = {
        { 1, "CREATE TABLE must_not_run(x)" },
        { 2, "ALTER TABLE events ADD COLUMN referrer TEXT; CREATE TABLE step2(x)" },
    };
    assert_ok(cx__store_migrate(s, 1, steps, 2));
    assert_int_equal(pragma(s, "PRAGMA user_version"), 2);
    assert_int_equal(pragma(s, "SELECT count(*) FROM sqlite_schema WHERE name = 'must_not_run'"), 0);
    assert_int_equal(pragma(s, "SELECT count(*) FROM pragma_table_info('events') WHERE name = 'referrer'"), 1);
    /* A failing step leaves no trace: its first statement is rolled back. */
    const cx__store_migration broken[] = { { 3, "CREATE TABLE half(x); CREATE TABLE events(y)" } };
    assert_status(cx__store_migrate(s, 2, broken, 1), CX_EIO);
    assert_error_mentions("migrating the schema to version 3");
    assert_error_mentions("already exists");
    assert_int_equal(pragma(s, "PRAGMA user_version"), 2);
    assert_int_equal(pragma(s, "SELECT count(*) FROM sqlite_schema WHERE name = 'half'"), 0);
    cx_store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_records_across_the_boundary),
        cmocka_unit_test(test_csv_reader_details),
        cmocka_unit_test(test_csv_from_a_slow_pipe),
        cmocka_unit_test(test_lines_reader),
        cmocka_unit_test(test_time_parser_limits),
        cmocka_unit_test(test_fact_keys),
        cmocka_unit_test(test_migrations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
