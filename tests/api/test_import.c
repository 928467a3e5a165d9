/*
 * CSV and JSON Lines import (cx_store_import_*). The inputs are written
 * out in each test; expected values are read off them by hand, and
 * timestamps are worked out in the comments (days since 1970-01-01 from
 * Python's date.toordinal() differences, times 86,400,000 ms).
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

#define T2025 1735689600000LL /* 2025-01-01T00:00:00Z: (date(2025,1,1) - date(1970,1,1)).days = 20089 days */
#define HOUR 3600000LL

static char tmpdir[64];

static int make_tmpdir(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/cx-test-import-XXXXXX");
    return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int remove_tmpdir(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static const char *tmp_path(const char *name)
{
    static char path[4][160];
    static int next;
    char *p = path[next++ % 4];
    snprintf(p, sizeof path[0], "%s/%s", tmpdir, name);
    return p;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Whole file as a NUL-terminated string (caller frees). */
static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    fclose(f);
    return s;
}

static cx_store *memory_store(void)
{
    cx_store *s = NULL;
    assert_ok(cx_store_open(&s, ":memory:", NULL));
    return s;
}

static uint64_t count(cx_store *s, cx_store_table t)
{
    uint64_t n = 0;
    assert_ok(cx_store_count(&n, s, t));
    return n;
}

static int import_text(cx_store *s, const char *name, const char *text, const cx_import_options *opts,
                       cx_import_result *r)
{
    return cx_store_import_memory(r, s, text, strlen(text), name, opts);
}

typedef struct rows {
    int n;
    char a[32][64], b[32][64];
    int64_t t[32];
    double v[32];
} rows;

static void keep(rows *r, const char *a, const char *b, int64_t t, double v)
{
    if (r->n < 32) {
        snprintf(r->a[r->n], sizeof r->a[0], "%s", a ? a : "(null)");
        snprintf(r->b[r->n], sizeof r->b[0], "%s", b ? b : "(null)");
        r->t[r->n] = t;
        r->v[r->n] = v;
    }
    r->n++;
}

static int on_event(const cx_store_event *e, void *payload)
{
    keep(payload, e->customer_id, e->touchpoint, e->timestamp_ms, e->value);
    return CX_OK;
}

static rows events_of(cx_store *s)
{
    rows r;
    memset(&r, 0, sizeof r);
    assert_ok(cx_store_each_event(s, NULL, on_event, &r));
    return r;
}

/* ---- CSV ----------------------------------------------------------------- */

static void test_import_csv_rfc4180(void **state)
{
    (void)state;
    cx_store *s = memory_store();
    /* A byte-order mark, CR LF, a quoted delimiter, doubled quotes, a line
     * break inside quotes, blank lines, no line break at the end. */
    const char *csv = "\xEF\xBB\xBF"
                      "customer_id,touchpoint,timestamp,value\r\n"
                      "c1,\"home, main\",2025-01-01T00:00:00Z,1.5\r\n"
                      "\r\n"
                      "\"c2\",\"say \"\"hi\"\"\",2025-01-01T01:00:00Z,\r\n"
                      "c3,\"two\r\nlines\",2025-01-01T02:00:00Z,-2\n"
                      "\n"
                      "c4,end,2025-01-01T03:00:00Z,0";
    cx_import_result r = CX_IMPORT_RESULT_INIT;
    assert_ok(import_text(s, "events.csv", csv, NULL, &r));
    assert_int_equal(r.table, CX_STORE_EVENTS);
    assert_int_equal(r.format, CX_IMPORT_CSV);
    assert_int_equal(r.rows_read, 4);
    assert_int_equal(r.inserted, 4);
    assert_int_equal(r.batches, 1);
    assert_int_equal(r.last_committed_line, 8); /* c4 is on line 8: c3's record spans lines 5 and 6 */
    rows ev = events_of(s);
    assert_int_equal(ev.n, 4);
    assert_string_equal(ev.a[0], "c1");
    assert_string_equal(ev.b[0], "home, main");
    assert_string_equal(ev.b[1], "say \"hi\"");
    assert_string_equal(ev.b[2], "two\r\nlines");
    assert_string_equal(ev.b[3], "end");
    assert_close(ev.v[0], 1.5, 0);
    assert_true(isnan(ev.v[1]));
    assert_close(ev.v[2], -2, 0);
    assert_true(ev.t[3] == T2025 + 3 * HOUR);
    cx_store_close(s);
}

/* A last line ended by a lone CR (a CR LF file cut before its final LF):
 * the CR ends the record, in an unquoted and in a quoted last field. */
static void test_import_csv_final_cr(void **state)
{
    (void)state;
    cx_store *s = memory_store();
    cx_import_result r = CX_IMPORT_RESULT_INIT;
    assert_ok(import_text(s, "events.csv", "customer_id,touchpoint,timestamp\r\nc1,home,2025-01-01T00:00:00Z\r",
                          NULL, &r));
    assert_ok(import_text(s, "events.csv", "customer_id,timestamp,touchpoint\r\nc2,2025-01-01T00:00:00Z,\"cart\"\r",
                          NULL, &r));
    rows ev = events_of(s);
    assert_int_equal(ev.n, 2);
    assert_true(ev.t[0] == T2025);
    assert_string_equal(ev.b[1], "cart");
    cx_store_close(s);
}

static void test_import_timestamps(void **state)
{
    (void)state;
    cx_store *s = memory_store();
    const char *csv = "customer_id,touchpoint,timestamp\n"
                      "c,a,2025-01-01T10:00:00Z\n"        /* T + 10 h */
                      "c,b,2025-01-01T10:00:00+01:00\n"   /* 09:00Z: T + 9 h */
                      "c,c,2025-01-01 10:00:00.250Z\n"    /* T + 10 h + 250 ms */
                      "c,d,2025-01-01T10:00+0130\n"       /* 08:30Z: T + 8.5 h */
                      "c,e,2025-01-01T10:00:00-05\n"      /* 15:00Z: T + 15 h */
                      "c,f,2025-01-01\n"                  /* midnight UTC: T */
                      "c,g,1735689600\n"                  /* seconds: T */
                      "c,h,1735689600123\n"               /* milliseconds: T + 123 ms */
                      "c,i,1735689600.5\n"                /* fractional seconds: T + 500 ms */
                      "c,j,-86400\n"                      /* 1969-12-31T00:00:00Z */
                      "c,k,2024-02-29T00:00:00Z\n"        /* leap day: 19782 days = 1709164800000 */
                      "c,l,2016-12-31T23:59:60Z\n"        /* leap second: 2017-01-01T00:00:00Z = 1483228800000 */
                      "c,m,2025-01-01T24:00:00Z\n"        /* end of day: T + 24 h */
                      "c,n, 2025-01-01T01:00:00Z \n";     /* spaces around: T + 1 h */
    assert_ok(import_text(s, "events.csv", csv, NULL, NULL));
    rows ev = events_of(s);
    const int64_t want[] = { T2025 + 10 * HOUR, T2025 + 9 * HOUR, T2025 + 10 * HOUR + 250, T2025 + 17 * HOUR / 2,
                             T2025 + 15 * HOUR, T2025, T2025, T2025 + 123, T2025 + 500, -86400000LL,
                             1709164800000LL, 1483228800000LL, T2025 + 24 * HOUR, T2025 + HOUR };
    assert_int_equal(ev.n, 14);
    for (int i = 0; i < 14; i++)
        if (ev.t[i] != want[i])
            fail_msg("row %d (%s): %lld, expected %lld", i + 1, ev.b[i], (long long)ev.t[i], (long long)want[i]);
    /* Forced units: 1735689600123 read as seconds is beyond the year 9999. */
    cx_import_options o = CX_IMPORT_OPTIONS_INIT;
    o.epoch_unit = CX_EPOCH_MILLISECONDS;
    assert_ok(import_text(s, "events.csv", "customer_id,touchpoint,timestamp\nc,ms,1000\n", &o, NULL));
    o.epoch_unit = CX_EPOCH_SECONDS;
    assert_status(import_text(s, "events.csv", "customer_id,touchpoint,timestamp\nc,s,1735689600123\n", &o, NULL),
                  CX_EFORMAT);
    assert_error_mentions("beyond the years 0..9999");
    cx_store_close(s);
}

static void test_import_local_times(void **state)
{
    (void)state;
    cx_store *s = memory_store();
    const char *csv = "customer_id,touchpoint,timestamp\nc,a,2025-01-01T10:00:00\n";
    assert_status(import_text(s, "events.csv", csv, NULL, NULL), CX_EFORMAT);
    assert_error_mentions("events.csv:2:3 (timestamp): \"2025-01-01T10:00:00\" is not a valid time: the time has no zone");
    cx_import_options o = CX_IMPORT_OPTIONS_INIT;
    o.accept_local_times = 1;
    o.local_utc_offset_minutes = 60; /* 10:00 at UTC+01:00 is 09:00Z */
    assert_ok(import_text(s, "events.csv", csv, &o, NULL));
    rows ev = events_of(s);
    assert_true(ev.t[0] == T2025 + 9 * HOUR);
    cx_store_close(s);
}

typedef struct bad_case {
    const char *name, *text;
    int status;
    const char *message;
} bad_case;

static void test_import_errors_name_the_place(void **state)
{
    (void)state;
    const bad_case cases[] = {
        { "events.csv", "customer_id,touchpoint,timestamp\nc1,\"a\nb\",2025-01-01Z\n", CX_EFORMAT,
          "events.csv:2:3 (timestamp): \"2025-01-01Z\" is not a valid time: expected 'T'" },
        { "events.csv", "customer_id,touchpoint,timestamp\nc1,\"a\nb\",2025-01-01\nc2,x\n", CX_EFORMAT,
          "events.csv:4: the record has 2 fields, the header has 3" },
        { "events.csv", "customer_id,touchpoint,timestamp\nc1,\"open,2025-01-01\n", CX_EFORMAT,
          "events.csv:2:2: unterminated quoted field" },
        { "events.csv", "customer_id,touchpoint,timestamp\n\"c1\"x,a,2025-01-01\n", CX_EFORMAT,
          "events.csv:2:1: unexpected character after a closing quote" },
        { "events.csv", "customer_id,timestamp\nc1,2025-01-01\n", CX_EFORMAT,
          "events.csv:1: the events column \"touchpoint\" is missing (columns: customer_id, timestamp); map another "
          "column to it (--map touchpoint=COLUMN)" },
        { "events.csv", "", CX_EFORMAT, "events.csv: the input is empty" },
        { "events.csv", "customer_id,touchpoint,timestamp\nc1,a,2025-13-01T00:00:00Z\n", CX_EFORMAT,
          "events.csv:2:3 (timestamp): \"2025-13-01T00:00:00Z\" is not a valid time: month 13 is outside 1..12" },
        { "events.csv", "customer_id,touchpoint,timestamp\nc1,a,2025-02-29T00:00:00Z\n", CX_EFORMAT,
          "day 29 does not exist in that month" },
        { "events.csv", "customer_id,touchpoint,timestamp\nc1,a,2025-01-01T25:00:00Z\n", CX_EFORMAT,
          "hour 25 is outside 0..23" },
        { "events.csv", "customer_id,touchpoint,timestamp\nc1,a,soon\n", CX_EFORMAT,
          "\"soon\" is not a valid time: not a number of seconds or milliseconds" },
        { "events.csv", "customer_id,touchpoint,timestamp,value\nc1,a,0,\"12,5\"\n", CX_EFORMAT,
          "events.csv:2:4 (value): \"12,5\" is not a number" },
        { "events.csv", "customer_id,touchpoint,timestamp\n,a,0\n", CX_EFORMAT,
          "events.csv:2:1 (customer_id): is missing" },
        { "events.csv", "customer_id,touchpoint,timestamp\nc\xc3\x28,a,0\n", CX_EFORMAT,
          "events.csv:2:1 (customer_id): is not valid UTF-8 (bad byte at offset 1)" },
        { "answers.csv", "metric,score,timestamp\nnps,11,0\n", CX_ERANGE,
          "answers.csv:2:2 (score): 11 is outside the NPS scale 0..10" },
        { "answers.csv", "metric,score,timestamp\nnsp,9,0\n", CX_EFORMAT,
          "answers.csv:2:1 (metric): \"nsp\" is not a survey metric (expected nps, csat, ces or fcr)" },
        { "tickets.csv", "ticket_id,opened_at,status\nt1,0,solvedd\n", CX_EFORMAT,
          "tickets.csv:2:3 (status): \"solvedd\" is not a ticket status" },
        { "ticket_events.csv", "ticket_id,timestamp,kind\nt1,0,reply\n", CX_EFORMAT,
          "ticket_events.csv:2:3 (kind): \"reply\" is not a ticket event kind" },
        { "tickets.csv", "ticket_id,opened_at,resolved_at\nt1,2025-01-02,2025-01-01\n", CX_ERANGE,
          "tickets.csv:2:3 (resolved_at): the ticket is resolved before it was opened" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cx_store *s = memory_store();
        cx_import_result r = CX_IMPORT_RESULT_INIT;
        int rc = import_text(s, cases[i].name, cases[i].text, NULL, &r);
        if (rc != cases[i].status || strstr(cx_last_error(), cases[i].message) == NULL)
            fail_msg("case %zu: status %d, message \"%s\"; expected %d and \"%s\"", i, rc, cx_last_error(),
                     cases[i].status, cases[i].message);
        /* Nothing was written. */
        cx_store_table t;
        char stem[32];
        snprintf(stem, sizeof stem, "%.*s", (int)(strchr(cases[i].name, '.') - cases[i].name), cases[i].name);
        assert_ok(cx_store_table_from_name(&t, stem));
        assert_int_equal(count(s, t), 0);
        assert_int_equal(r.batches, 0);
        cx_store_close(s);
    }
}

/* Seven rows in batches of two; the fifth row (line 6) is bad: the first
 * two batches (rows 1-4, lines 2-5) stay, nothing of the third is written. */
static void test_import_batch_or_nothing(void **state)
{
    (void)state;
    cx_store *s = memory_store();
    const char *csv = "customer_id,touchpoint,timestamp\n"
                      "c1,a,0\nc2,a,0\nc3,a,0\nc4,a,0\nc5,a,never\nc6,a,0\nc7,a,0\n";
    cx_import_options o = CX_IMPORT_OPTIONS_INIT;
    o.batch_rows = 2;
    cx_import_result r = CX_IMPORT_RESULT_INIT;
    assert_status(import_text(s, "events.csv", csv, &o, &r), CX_EFORMAT);
    assert_error_mentions("events.csv:6:3 (timestamp)");
    assert_int_equal(r.batches, 2);
    assert_int_equal(r.inserted, 4);
    assert_int_equal(r.rows_read, 5);
    assert_int_equal(r.last_committed_line, 5);
    assert_int_equal(r.first_bad_line, 6);
    assert_non_null(strstr(r.first_bad_reason, "\"never\""));
    assert_int_equal(count(s, CX_STORE_EVENTS), 4);
    /* Fixed and imported again: the four known rows are skipped. */
    const char *fixed = "customer_id,touchpoint,timestamp\n"
                        "c1,a,0\nc2,a,0\nc3,a,0\nc4,a,0\nc5,a,1\nc6,a,0\nc7,a,0\n";
    cx_import_result r2 = CX_IMPORT_RESULT_INIT;
    assert_ok(import_text(s, "events.csv", fixed, &o, &r2));
    assert_int_equal(r2.unchanged, 4);
    assert_int_equal(r2.inserted, 3);
    assert_int_equal(count(s, CX_STORE_EVENTS), 7);
    cx_store_close(s);
}

static void test_import_skip_bad_rejects(void **state)
{
    (void)state;
    cx_store *s = memory_store();
    const char *reject = tmp_path("events.rejects.csv");
    const char *csv = "customer_id,touchpoint,timestamp\n"
                      "c1,home,0\n"
                      "c2,\"home, \"\"new\"\"\",yesterday\n"
                      "c3,home,0\n"
                      "c4,home\n"
                      "c5,home,0\n";
    cx_import_options o = CX_IMPORT_OPTIONS_INIT;
    o.skip_bad = 1;
    o.reject_path = reject;
    cx_import_result r = CX_IMPORT_RESULT_INIT;
    assert_ok(import_text(s, "events.csv", csv, &o, &r));
    assert_int_equal(r.inserted, 3);
    assert_int_equal(r.rejected, 2);
    assert_int_equal(r.first_bad_line, 3);
    assert_int_equal(count(s, CX_STORE_EVENTS), 3);
    char *text = read_file(reject);
    assert_non_null(text);
    /* The header with two more columns, then each rejected record as CSV,
     * quoted again where needed, with its line and reason. */
    const char *want =
        "customer_id,touchpoint,timestamp,cx_line,cx_error\r\n"
        "c2,\"home, \"\"new\"\"\",yesterday,3,\"events.csv:3:3 (timestamp): \"\"yesterday\"\" is not a valid time: not a "
        "number of seconds or milliseconds since the epoch\"\r\n"
        "c4,home,5,\"events.csv:5: the record has 2 fields, the header has 3\"\r\n";
    assert_string_equal(text, want);
    free(text);
    /* The rejects, fixed, import like any file: their extra columns are ignored. */
    const char *fixed = tmp_path("events.csv");
    write_file(fixed, "customer_id,touchpoint,timestamp,cx_line,cx_error\nc2,home,0,3,x\nc4,home,0,5,y\n");
    cx_import_result r2 = CX_IMPORT_RESULT_INIT;
    assert_ok(cx_store_import_file(&r2, s, fixed, &o));
    assert_int_equal(count(s, CX_STORE_EVENTS), 5);
    /* Nothing rejected: no reject file is left behind. */
    assert_int_equal(access(reject, F_OK), -1);
    /* Without a reject file the rows are only counted. */
    o.reject_path = NULL;
    cx_import_result r3 = CX_IMPORT_RESULT_INIT;
    assert_ok(import_text(s, "events.csv", csv, &o, &r3));
    assert_int_equal(r3.rejected, 2);
    assert_int_equal(r3.unchanged, 3);
    cx_store_close(s);
}

static void test_import_idempotent(void **state)
{
    (void)state;
    cx_store *s = memory_store();
    const char *customers = "customer_id,name,segment,signup_at\nc1,Ann,consumer,2024-05-01\nc2,Bob,business,\n";
    const char *events = "customer_id,touchpoint,timestamp\nc1,a,0\nc1,a,0\nc2,b,1\n";
    cx_import_result r = CX_IMPORT_RESULT_INIT;
    assert_ok(import_text(s, "customers.csv", customers, NULL, &r));
    assert_int_equal(r.inserted, 2);
    assert_ok(import_text(s, "events.csv", events, NULL, &r));
    /* Two identical rows without id are one event (same content key). */
    assert_int_equal(r.inserted, 2);
    assert_int_equal(r.unchanged, 1);
    assert_ok(import_text(s, "customers.csv", customers, NULL, &r));
    assert_int_equal(r.inserted, 0);
    assert_int_equal(r.updated, 0);
    assert_int_equal(r.unchanged, 2);
    assert_ok(import_text(s, "events.csv", events, NULL, &r));
    assert_int_equal(r.inserted, 0);
    assert_int_equal(r.unchanged, 3);
    assert_ok(import_text(s, "customers.csv", "customer_id,segment\nc2,consumer\n", NULL, &r));
    assert_int_equal(r.updated, 1);
    assert_int_equal(count(s, CX_STORE_CUSTOMERS), 2);
    assert_int_equal(count(s, CX_STORE_EVENTS), 2);
    cx_store_close(s);
}

static void test_import_column_map(void **state)
{
    (void)state;
    cx_store *s = memory_store();
    const char *csv = "user,where,ts,extra\nu1,home,2025-01-01T00:00:00Z,ignored\n";
    cx_import_options o = CX_IMPORT_OPTIONS_INIT;
    o.column_map = "customer_id=user,touchpoint=where,timestamp=ts";
    assert_ok(import_text(s, "events.csv", csv, &o, NULL));
    rows ev = events_of(s);
    assert_string_equal(ev.a[0], "u1");
    assert_true(ev.t[0] == T2025);
    const struct {
        const char *map, *message;
    } bad[] = {
        { "customer=user", "column_map: \"customer\" is not a field of events" },
        { "customer_id", "column_map: \"customer_id\" is not field=column" },
        { "customer_id=", "is not field=column" },
        { "customer_id=a,customer_id=b", "field \"customer_id\" is mapped twice" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        o.column_map = bad[i].map;
        assert_status(import_text(s, "events.csv", csv, &o, NULL), CX_EINVAL);
        assert_error_mentions(bad[i].message);
    }
    o.column_map = NULL;
    assert_status(import_text(s, "events.csv", "customer_id,touchpoint,customer_id,timestamp\na,b,c,0\n", &o, NULL),
                  CX_EFORMAT);
    assert_error_mentions("columns 1 and 3 are both named \"customer_id\"");
    /* A mapped column the header lacks is a mistake, even for an optional
     * field: its values would silently be dropped. */
    o.column_map = "customer_id=user,touchpoint=where,timestamp=ts,value=amount";
    assert_status(import_text(s, "events.csv", csv, &o, NULL), CX_EFORMAT);
    assert_error_mentions("events.csv:1: the column \"amount\" mapped to value is missing (columns: user, where, ts, extra)");
    assert_int_equal(count(s, CX_STORE_EVENTS), 1);
    cx_store_close(s);
}

static void test_import_table_and_format(void **state)
{
    (void)state;
    cx_store *s = memory_store();
    const char *tsv = "customer_id\ttouchpoint\ttimestamp\nc1\thome, main\t0\n";
    cx_import_result r = CX_IMPORT_RESULT_INIT;
    assert_ok(import_text(s, "data/events.tsv", tsv, NULL, &r));
    assert_int_equal(r.table, CX_STORE_EVENTS);
    assert_string_equal(events_of(s).b[0], "home, main");
    assert_status(import_text(s, "orders.csv", tsv, NULL, NULL), CX_EINVAL);
    assert_error_mentions("cannot tell the table of \"orders.csv\"");
    cx_import_options o = CX_IMPORT_OPTIONS_INIT;
    o.table = CX_STORE_ANSWERS;
    assert_ok(import_text(s, "orders.csv", "metric,score,timestamp\nnps,9,0\n", &o, &r));
    assert_int_equal(r.table, CX_STORE_ANSWERS);
    /* No known extension: JSON Lines when the first byte is '{'. */
    o.table = CX_STORE_EVENTS;
    assert_ok(import_text(s, "stdin", "\n  {\"customer_id\": \"c9\", \"touchpoint\": \"x\", \"timestamp\": 5}\n", &o, &r));
    assert_int_equal(r.format, CX_IMPORT_JSONL);
    assert_ok(import_text(s, "stdin", "customer_id;touchpoint;timestamp\nc8;y;6\n",
                          &(cx_import_options){ .version = 1, .table = CX_STORE_EVENTS, .delimiter = ';' }, &r));
    assert_int_equal(r.format, CX_IMPORT_CSV);
    assert_int_equal(count(s, CX_STORE_EVENTS), 3);
    cx_store_close(s);
}

/* ---- JSON Lines ------------------------------------------------------------- */

static int on_answer(const cx_store_answer *a, void *payload)
{
    keep(payload, a->customer_id, a->comment, a->timestamp_ms, a->score);
    return CX_OK;
}

static void test_import_jsonl(void **state)
{
    (void)state;
    cx_store *s = memory_store();
    const char *jsonl = "\xEF\xBB\xBF{\"customer_id\": \"c1\", \"metric\": \"nps\", \"score\": 9, \"timestamp\": "
                        "\"2025-01-01T00:00:00Z\", \"comment\": \"Tr\\u00e8s bien,\\n\\\"merci\\\"\"}\r\n"
                        "\n"
                        "{\"customer_id\": 42, \"metric\": \"fcr\", \"score\": true, \"timestamp\": 1735689600000, "
                        "\"comment\": null, \"unknown\": [1, 2]}\n"
                        "{\"customer_id\": \"c3\", \"metric\": \"csat\", \"score\": 4.0, \"timestamp\": 1735689600.25}";
    cx_import_result r = CX_IMPORT_RESULT_INIT;
    assert_ok(import_text(s, "answers.jsonl", jsonl, NULL, &r));
    assert_int_equal(r.format, CX_IMPORT_JSONL);
    assert_int_equal(r.rows_read, 3);
    assert_int_equal(r.last_committed_line, 4);
    rows a;
    memset(&a, 0, sizeof a);
    assert_ok(cx_store_each_answer(s, NULL, on_answer, &a));
    assert_int_equal(a.n, 3);
    assert_string_equal(a.a[0], "c1");
    assert_string_equal(a.b[0], "Tr\xc3\xa8s bien,\n\"merci\"");
    assert_string_equal(a.a[1], "42");
    assert_close(a.v[1], 1, 0);
    assert_string_equal(a.b[1], "(null)");
    assert_true(a.t[1] == T2025);
    assert_true(a.t[2] == T2025 + 250);
    assert_close(a.v[2], 4, 0);
    const bad_case cases[] = {
        { "answers.jsonl", "{\"metric\": \"nps\", \"score\": 9, \"timestamp\": 0}\n{\"metric\": \"nps\", \"score\": \n",
          CX_EFORMAT, "answers.jsonl:2:" },
        { "answers.jsonl", "[1, 2]\n", CX_EFORMAT, "answers.jsonl:1: expected a JSON object, got an array" },
        { "answers.jsonl", "{\"metric\": {\"a\": 1}, \"score\": 9, \"timestamp\": 0}\n", CX_EFORMAT,
          "answers.jsonl:1 (metric): expected a string or a number, got an object" },
        { "answers.jsonl", "{\"metric\": \"nps\", \"metric\": \"csat\", \"score\": 9, \"timestamp\": 0}\n", CX_EFORMAT,
          "duplicate" },
        { "answers.jsonl", "{\"metric\": \"nps\", \"score\": 12, \"timestamp\": 0}\n", CX_ERANGE,
          "answers.jsonl:1 (score): 12 is outside the NPS scale 0..10" },
        { "answers.jsonl", "{\"metric\": \"nps\", \"timestamp\": 0}\n", CX_EFORMAT, "answers.jsonl:1 (score): is missing" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int rc = import_text(s, cases[i].name, cases[i].text, NULL, NULL);
        if (rc != cases[i].status || strstr(cx_last_error(), cases[i].message) == NULL)
            fail_msg("case %zu: status %d, message \"%s\"; expected %d and \"%s\"", i, rc, cx_last_error(),
                     cases[i].status, cases[i].message);
    }
    assert_int_equal(count(s, CX_STORE_ANSWERS), 3);
    cx_store_close(s);
}

static void test_import_jsonl_rejects(void **state)
{
    (void)state;
    cx_store *s = memory_store();
    const char *reject = tmp_path("answers.rejects.jsonl");
    const char *jsonl = "{\"metric\": \"nps\", \"score\": 9, \"timestamp\": 0}\n"
                        "{\"metric\": \"nps\", \"score\": 11, \"timestamp\": 0}\n"
                        "not json\n";
    cx_import_options o = CX_IMPORT_OPTIONS_INIT;
    o.skip_bad = 1;
    o.reject_path = reject;
    cx_import_result r = CX_IMPORT_RESULT_INIT;
    assert_ok(import_text(s, "answers.jsonl", jsonl, &o, &r));
    assert_int_equal(r.inserted, 1);
    assert_int_equal(r.rejected, 2);
    char *text = read_file(reject);
    assert_non_null(text);
    /* Objects get their line and reason added; a line that is not JSON is kept as text. */
    assert_non_null(strstr(text, "{\"metric\":\"nps\",\"score\":11,\"timestamp\":0,\"cx_line\":2,\"cx_error\":"
                                 "\"answers.jsonl:2 (score): 11 is outside the NPS scale 0..10\"}\n"));
    assert_non_null(strstr(text, "\"cx_line\":3,"));
    assert_non_null(strstr(text, "\"cx_text\":\"not json\"}\n"));
    free(text);
    cx_store_close(s);
}

/* ---- progress, files, options ---------------------------------------------- */

typedef struct progress_log {
    int calls, abort_at, done_calls;
    cx_import_progress last;
    uint64_t last_rows;
} progress_log;

static int on_progress(const cx_import_progress *p, void *payload)
{
    progress_log *log = payload;
    log->calls++;
    assert_true(p->rows_read >= log->last_rows);
    log->last_rows = p->rows_read;
    log->last = *p;
    log->done_calls += p->done;
    return log->abort_at && log->calls == log->abort_at ? -99 : CX_OK;
}

static char *numbered_events(int n)
{
    size_t cap = 64 + (size_t)n * 32;
    char *csv = malloc(cap);
    size_t at = (size_t)snprintf(csv, cap, "event_id,customer_id,touchpoint,timestamp\n");
    for (int i = 0; i < n; i++)
        at += (size_t)snprintf(csv + at, cap - at, "e%d,c%d,home,%d\n", i, i % 7, i);
    return csv;
}

static void test_import_progress(void **state)
{
    (void)state;
    cx_store *s = memory_store();
    char *csv = numbered_events(35);
    cx_import_options o = CX_IMPORT_OPTIONS_INIT;
    o.batch_rows = 10;
    progress_log log = { 0 };
    o.progress = on_progress;
    o.payload = &log;
    cx_import_result r = CX_IMPORT_RESULT_INIT;
    assert_ok(import_text(s, "events.csv", csv, &o, &r));
    /* Batches of 10, 10, 10 and 5: one call after each commit, the last one done. */
    assert_int_equal(r.batches, 4);
    assert_int_equal(log.calls, 4);
    assert_int_equal(log.done_calls, 1);
    assert_int_equal(log.last.done, 1);
    assert_int_equal(log.last.rows_read, 35);
    assert_int_equal(log.last.rows_committed, 35);
    assert_int_equal(log.last.batches_committed, 4);
    assert_int_equal(log.last.bytes_read, strlen(csv));
    assert_int_equal(log.last.bytes_total, strlen(csv));
    assert_string_equal(log.last.source, "events.csv");
    /* Stopped at the second call: two batches stay, the callback's code comes back. */
    cx_store *s2 = memory_store();
    memset(&log, 0, sizeof log);
    log.abort_at = 2;
    assert_int_equal(import_text(s2, "events.csv", csv, &o, &r), -99);
    assert_error_mentions("stopped by its progress callback");
    assert_int_equal(count(s2, CX_STORE_EVENTS), 20);
    free(csv);
    cx_store_close(s);
    cx_store_close(s2);
}

static void test_import_files_and_options(void **state)
{
    (void)state;
    cx_store *s = memory_store();
    assert_status(cx_store_import_file(NULL, s, tmp_path("nothing.csv"), NULL), CX_ENOTFOUND);
    assert_error_mentions("nothing.csv");
    assert_status(cx_store_import_file(NULL, s, tmpdir, NULL), CX_EIO);
    assert_error_mentions("is a directory");
    const char *path = tmp_path("events.csv");
    write_file(path, "customer_id,touchpoint,timestamp\nc1,a,0\n");
    cx_import_options o = CX_IMPORT_OPTIONS_INIT;
    o.skip_bad = 1;
    o.reject_path = path;
    assert_status(cx_store_import_file(NULL, s, path, &o), CX_EINVAL);
    assert_error_mentions("is the input itself");
    assert_ok(cx_store_import_file(NULL, s, path, NULL));
    /* A pipe, read until its end. */
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    const char *piped = "customer_id,touchpoint,timestamp\nc2,b,1\nc3,b,2\n";
    assert_int_equal(write(fds[1], piped, strlen(piped)), (ssize_t)strlen(piped));
    close(fds[1]);
    cx_import_result r = CX_IMPORT_RESULT_INIT;
    o = (cx_import_options)CX_IMPORT_OPTIONS_INIT;
    o.table = CX_STORE_EVENTS;
    assert_ok(cx_store_import_fd(&r, s, fds[0], "stdin", &o));
    close(fds[0]);
    assert_int_equal(r.inserted, 2);
    assert_status(cx_store_import_fd(&r, s, -1, "stdin", &o), CX_EINVAL);
    /* Bad options change nothing. */
    const char *csv = "customer_id,touchpoint,timestamp\nc9,z,0\n";
    cx_import_options bad[6];
    for (int i = 0; i < 6; i++)
        bad[i] = (cx_import_options)CX_IMPORT_OPTIONS_INIT;
    bad[0].table = (cx_store_table)9;
    bad[1].format = (cx_import_format)5;
    bad[2].epoch_unit = (cx_epoch_unit)7;
    bad[3].delimiter = '"';
    bad[4].local_utc_offset_minutes = 2000;
    bad[5].version = 2;
    const int want[6] = { CX_EINVAL, CX_EINVAL, CX_EINVAL, CX_EINVAL, CX_EINVAL, CX_EVERSION };
    for (int i = 0; i < 6; i++)
        assert_status(import_text(s, "events.csv", csv, &bad[i], NULL), want[i]);
    cx_import_result old = CX_IMPORT_RESULT_INIT;
    old.version = 0;
    assert_status(import_text(s, "events.csv", csv, NULL, &old), CX_EINVAL);
    assert_status(cx_store_import_memory(NULL, s, NULL, 3, "events.csv", NULL), CX_EINVAL);
    assert_status(cx_store_import_memory(NULL, NULL, csv, 3, "events.csv", NULL), CX_EINVAL);
    assert_status(cx_store_import_memory(NULL, s, csv, 3, NULL, NULL), CX_EINVAL);
    assert_int_equal(count(s, CX_STORE_EVENTS), 3);
    cx_store_close(s);
}

/* Records and fields larger than the 1 MiB read buffer, quotes and line
 * breaks across its boundaries, and many rows. */
static void test_import_large_input(void **state)
{
    (void)state;
    cx_store *s = memory_store();
    size_t big = 3u << 20;
    size_t cap = big * 2 + 256;
    char *csv = malloc(cap);
    size_t at = (size_t)snprintf(csv, cap, "text,timestamp\n\"");
    for (size_t i = 0; i < big; i++) {
        char c = i % 1000 == 999 ? '\n' : i % 333 == 332 ? '"' : (char)('a' + i % 26);
        csv[at++] = c;
        if (c == '"')
            csv[at++] = '"';
    }
    at += (size_t)snprintf(csv + at, cap - at, "\",0\nshort,1\n");
    cx_import_result r = CX_IMPORT_RESULT_INIT;
    assert_ok(cx_store_import_memory(&r, s, csv, at, "comments.csv", NULL));
    free(csv);
    assert_int_equal(r.rows_read, 2);
    /* 3 MiB of text: 3145728 bytes, with 3145 line breaks (every 1000th
     * byte), so the second record starts on line 3 + 3145 = 3148. */
    assert_int_equal(r.last_committed_line, 3148);
    assert_int_equal(count(s, CX_STORE_COMMENTS), 2);
    cx_store_close(s);

    s = memory_store();
    char *many = numbered_events(100000);
    assert_ok(import_text(s, "events.csv", many, NULL, &r));
    assert_int_equal(r.inserted, 100000);
    assert_int_equal(r.batches, 2); /* 50,000 rows per batch by default */
    free(many);
    cx_store_close(s);
}

static void test_import_record_limit(void **state)
{
    (void)state;
    cx_store *s = memory_store();
    size_t n = (64u << 20) + 1024;
    char *csv = malloc(n);
    memcpy(csv, "text,timestamp\n\"", 16);
    memset(csv + 16, 'x', n - 16);
    assert_status(cx_store_import_memory(NULL, s, csv, n, "comments.csv", NULL), CX_EFORMAT);
    assert_error_mentions("longer than 64 MiB");
    free(csv);
    cx_store_close(s);
}

/* ---- allocation failures ------------------------------------------------------ */

static int import_scenario(void *ctx)
{
    (void)ctx;
    cx_store *s = NULL;
    int rc = cx_store_open(&s, ":memory:", NULL);
    if (rc != CX_OK)
        return rc;
    cx_import_options o = CX_IMPORT_OPTIONS_INIT;
    o.batch_rows = 2;
    const char *csv = "customer_id,touchpoint,timestamp,value\nc1,\"a \"\"b\"\"\",0,1\nc1,a,0,1\nc2,b,1,\nc1,a,0,1\n";
    const char *jsonl = "{\"metric\": \"nps\", \"score\": 9, \"timestamp\": 0, \"comment\": \"ok\"}\n";
    cx_import_result r = CX_IMPORT_RESULT_INIT;
    if ((rc = cx_store_import_memory(&r, s, csv, strlen(csv), "events.csv", &o)) == CX_OK)
        rc = cx_store_import_memory(&r, s, jsonl, strlen(jsonl), "answers.jsonl", &o);
    cx_store_close(s);
    return rc;
}

static void test_import_allocation_failures(void **state)
{
    (void)state;
    long points = cx_test_each_allocation_fails(import_scenario, NULL);
    assert_true(points > 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_import_csv_rfc4180),
        cmocka_unit_test(test_import_csv_final_cr),
        cmocka_unit_test(test_import_timestamps),
        cmocka_unit_test(test_import_local_times),
        cmocka_unit_test(test_import_errors_name_the_place),
        cmocka_unit_test(test_import_batch_or_nothing),
        cmocka_unit_test(test_import_skip_bad_rejects),
        cmocka_unit_test(test_import_idempotent),
        cmocka_unit_test(test_import_column_map),
        cmocka_unit_test(test_import_table_and_format),
        cmocka_unit_test(test_import_jsonl),
        cmocka_unit_test(test_import_jsonl_rejects),
        cmocka_unit_test(test_import_progress),
        cmocka_unit_test(test_import_files_and_options),
        cmocka_unit_test(test_import_large_input),
        cmocka_unit_test(test_import_record_limit),
        cmocka_unit_test(test_import_allocation_failures),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
