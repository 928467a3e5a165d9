/*
 * The store (cx/store.h): opening, schema versions, bulk writes and
 * streaming reads. Expected values are the rows written by each test (so
 * shown in it), counts worked out by hand in the comments, and the file's
 * state as SQLite itself reports it (sqlite3 opened beside libcx, as an
 * independent reader).
 */
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

#define T2025 1735689600000LL /* 2025-01-01T00:00:00Z: (date(2025,1,1) - date(1970,1,1)).days * 86400000 */
#define HOUR 3600000LL

static char tmpdir[64];

static int make_tmpdir(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/cx-test-store-XXXXXX");
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
    static char path[160];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    unlink(path);
    char side[180];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    return path;
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

/* Runs one SQL query on a file with SQLite itself; returns its first
 * column as an integer (or -1 when there is no row). */
static long long sql_int(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    long long v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

static void sql_exec(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

/* ---- tables, options ----------------------------------------------------- */

static void test_store_table_names(void **state)
{
    (void)state;
    const char *names[] = { "customers", "touchpoints", "events", "answers", "tickets", "ticket_events", "comments" };
    for (int t = CX_STORE_CUSTOMERS; t <= CX_STORE_COMMENTS; t++) {
        assert_string_equal(cx_store_table_name((cx_store_table)t), names[t - 1]);
        cx_store_table back;
        assert_ok(cx_store_table_from_name(&back, names[t - 1]));
        assert_int_equal(back, t);
    }
    assert_null(cx_store_table_name((cx_store_table)0));
    assert_null(cx_store_table_name((cx_store_table)8));
    cx_store_table t;
    assert_ok(cx_store_table_from_name(&t, "Survey_Answers"));
    assert_int_equal(t, CX_STORE_ANSWERS);
    assert_status(cx_store_table_from_name(&t, "orders"), CX_ENOTFOUND);
    assert_error_mentions("\"orders\"");
    assert_status(cx_store_table_from_name(NULL, "events"), CX_EINVAL);
}

static void test_store_options_init(void **state)
{
    (void)state;
    cx_store_options o;
    assert_ok(cx_store_options_init(&o, CX_STORE_OPTIONS_VERSION));
    assert_int_equal(o.flags, 0);
    assert_int_equal(o.busy_timeout_ms, 5000);
    assert_status(cx_store_options_init(&o, 0), CX_EINVAL);
    assert_status(cx_store_options_init(&o, CX_STORE_OPTIONS_VERSION + 1), CX_EVERSION);
    cx_store_filter f;
    assert_ok(cx_store_filter_init(&f, CX_STORE_FILTER_VERSION));
    assert_true(f.from_ms == CX_STORE_NO_TIME && f.to_ms == CX_STORE_NO_TIME && f.order == CX_STORE_ORDER_STORED);
    assert_status(cx_store_filter_init(NULL, 1), CX_EINVAL);
    cx_import_options io;
    assert_ok(cx_import_options_init(&io, CX_IMPORT_OPTIONS_VERSION));
    assert_int_equal(io.batch_rows, 0);
    assert_status(cx_import_options_init(&io, 2), CX_EVERSION);
    /* Rows and results, for callers without the macros: every field absent. */
    cx_store_event e;
    memset(&e, 0x5a, sizeof e);
    assert_ok(cx_store_event_init(&e, CX_STORE_EVENT_VERSION));
    assert_true(e.event_id == NULL && e.customer_id == NULL && e.timestamp_ms == CX_STORE_NO_TIME && isnan(e.value));
    cx_store_answer a;
    assert_ok(cx_store_answer_init(&a, 1));
    assert_true(a.metric == 0 && isnan(a.score) && a.timestamp_ms == CX_STORE_NO_TIME);
    cx_store_ticket t;
    assert_ok(cx_store_ticket_init(&t, 1));
    assert_true(t.status == CX_STORE_TICKET_UNKNOWN && t.resolved_ms == CX_STORE_NO_TIME);
    cx_store_customer c;
    cx_store_touchpoint tp;
    cx_store_ticket_event te;
    cx_store_comment cm;
    assert_ok(cx_store_customer_init(&c, 1));
    assert_true(c.churned_ms == CX_STORE_NO_TIME);
    assert_ok(cx_store_touchpoint_init(&tp, 1));
    assert_ok(cx_store_ticket_event_init(&te, 1));
    assert_ok(cx_store_comment_init(&cm, 1));
    assert_true(isnan(cm.score));
    cx_store_write_result wr;
    cx_import_result ir;
    assert_ok(cx_store_write_result_init(&wr, 1));
    assert_ok(cx_import_result_init(&ir, 1));
    assert_true(wr.inserted == 0 && ir.rows_read == 0 && ir.first_bad_reason[0] == '\0');
    assert_status(cx_store_event_init(&e, 2), CX_EVERSION);
    assert_status(cx_store_comment_init(NULL, 1), CX_EINVAL);
    assert_status(cx_import_result_init(&ir, 0), CX_EINVAL);
}

/* ---- opening ---------------------------------------------------------------- */

static void test_store_open_memory(void **state)
{
    (void)state;
    cx_store *s = memory_store();
    unsigned v = 0;
    assert_ok(cx_store_schema_version(&v, s));
    assert_int_equal(v, CX_STORE_SCHEMA_VERSION);
    for (int t = CX_STORE_CUSTOMERS; t <= CX_STORE_COMMENTS; t++)
        assert_int_equal(count(s, (cx_store_table)t), 0);
    int64_t a, b;
    assert_status(cx_store_time_span(&a, &b, s, CX_STORE_EVENTS), CX_EEMPTY);
    assert_true(a == CX_STORE_NO_TIME && b == CX_STORE_NO_TIME);
    assert_status(cx_store_time_span(&a, &b, s, CX_STORE_TOUCHPOINTS), CX_EINVAL);
    uint64_t n;
    assert_status(cx_store_count(&n, s, (cx_store_table)9), CX_EINVAL);
    assert_error_mentions("table 9");
    cx_store_close(s);
    cx_store_close(NULL);
}

static void test_store_open_errors(void **state)
{
    (void)state;
    cx_store *s = (cx_store *)&s;
    assert_status(cx_store_open(&s, NULL, NULL), CX_EINVAL);
    assert_null(s);
    assert_status(cx_store_open(NULL, ":memory:", NULL), CX_EINVAL);
    assert_status(cx_store_open(&s, "", NULL), CX_EINVAL);
    assert_error_mentions(":memory:");
    cx_store_options o = CX_STORE_OPTIONS_INIT;
    o.flags = 8;
    assert_status(cx_store_open(&s, ":memory:", &o), CX_EINVAL);
    assert_error_mentions("0x8");
    o.flags = 0;
    o.busy_timeout_ms = -1;
    assert_status(cx_store_open(&s, ":memory:", &o), CX_EINVAL);
    assert_error_mentions("busy_timeout_ms -1");
    o.busy_timeout_ms = 0;
    o.version = 2;
    assert_status(cx_store_open(&s, ":memory:", &o), CX_EVERSION);
    o.version = 1;
    o.flags = CX_STORE_MUST_EXIST;
    const char *missing = tmp_path("missing.db");
    assert_status(cx_store_open(&s, missing, &o), CX_ENOTFOUND);
    assert_error_mentions("does not exist");
    o.flags = CX_STORE_READ_ONLY;
    assert_status(cx_store_open(&s, missing, &o), CX_ENOTFOUND);
    assert_int_equal(access(missing, F_OK), -1); /* nothing created */
    assert_status(cx_store_open(&s, tmpdir, NULL), CX_EIO);
    assert_error_mentions("is a directory");
    assert_null(s);
}

static void test_store_open_file_creates_schema(void **state)
{
    (void)state;
    const char *path = tmp_path("new.db");
    cx_store *s = NULL;
    assert_ok(cx_store_open(&s, path, NULL));
    cx_store_close(s);
    /* SQLite's own view of the file: WAL journal, the libcx application id
     * "CXST" = 0x43585354 = 1129861972 (Python: int.from_bytes(b"CXST",
     * "big")), schema version 1, seven tables plus the import log. */
    assert_int_equal(sql_int(path, "PRAGMA user_version"), CX_STORE_SCHEMA_VERSION);
    assert_int_equal(sql_int(path, "PRAGMA application_id"), 1129861972);
    assert_int_equal(sql_int(path, "SELECT count(*) FROM sqlite_schema WHERE type = 'table'"), 8);
    assert_int_equal(sql_int(path, "SELECT journal_mode = 'wal' FROM pragma_journal_mode"), 1);
    assert_int_equal(sql_int(path, "SELECT integrity_check = 'ok' FROM pragma_integrity_check"), 1);
    /* Reopening an existing store keeps it. */
    assert_ok(cx_store_open(&s, path, NULL));
    cx_store_close(s);
}

static void test_store_open_refuses_foreign_files(void **state)
{
    (void)state;
    const char *text = tmp_path("notes.txt");
    FILE *f = fopen(text, "w");
    assert_non_null(f);
    fputs("this is not a database, but it is long enough to look like a header of something\n", f);
    fclose(f);
    cx_store *s = NULL;
    assert_status(cx_store_open(&s, text, NULL), CX_EFORMAT);
    assert_error_mentions("not a database");
    assert_null(s);

    const char *other = tmp_path("other.db");
    sql_exec(other, "CREATE TABLE orders(id INTEGER PRIMARY KEY)");
    assert_status(cx_store_open(&s, other, NULL), CX_EFORMAT);
    assert_error_mentions("not a libcx store");
    /* Nothing added to someone else's database. */
    assert_int_equal(sql_int(other, "SELECT count(*) FROM sqlite_schema"), 1);
}

static void test_store_schema_versions(void **state)
{
    (void)state;
    const char *path = tmp_path("future.db");
    cx_store *s = NULL;
    assert_ok(cx_store_open(&s, path, NULL));
    cx_store_close(s);
    sql_exec(path, "PRAGMA user_version = 99");
    assert_status(cx_store_open(&s, path, NULL), CX_EVERSION);
    assert_error_mentions("schema version 99");

    /* A store at version 0 (marked, no tables yet): read-only cannot
     * migrate; opened for writing, it is migrated to the current schema. */
    const char *old = tmp_path("old.db");
    sql_exec(old, "PRAGMA application_id = 1129861972; CREATE TABLE scratch(x)");
    cx_store_options ro = CX_STORE_OPTIONS_INIT;
    ro.flags = CX_STORE_READ_ONLY;
    assert_status(cx_store_open(&s, old, &ro), CX_EVERSION);
    assert_error_mentions("needs migrating");
    assert_ok(cx_store_open(&s, old, NULL));
    unsigned v;
    assert_ok(cx_store_schema_version(&v, s));
    assert_int_equal(v, CX_STORE_SCHEMA_VERSION);
    cx_store_close(s);
    assert_int_equal(sql_int(old, "PRAGMA user_version"), CX_STORE_SCHEMA_VERSION);
}

static void test_store_read_only(void **state)
{
    (void)state;
    const char *path = tmp_path("ro.db");
    cx_store *s = NULL;
    assert_ok(cx_store_open(&s, path, NULL));
    cx_store_close(s);
    cx_store_options ro = CX_STORE_OPTIONS_INIT;
    ro.flags = CX_STORE_READ_ONLY;
    assert_ok(cx_store_open(&s, path, &ro));
    cx_store_event e = CX_STORE_EVENT_INIT;
    e.customer_id = "c1";
    e.touchpoint = "web";
    e.timestamp_ms = T2025;
    assert_status(cx_store_add_events(NULL, s, &e, 1), CX_EINVAL);
    assert_error_mentions("read-only");
    assert_status(cx_store_import_memory(NULL, s, "x", 1, "events.csv", NULL), CX_EINVAL);
    assert_error_mentions("read-only");
    assert_int_equal(count(s, CX_STORE_EVENTS), 0);
    cx_store_close(s);
    if (geteuid() == 0) /* root writes to read-only files; tests/suites/80-cli.sh checks as another user */
        return;
    chmod(path, 0444);
    assert_status(cx_store_open(&s, path, NULL), CX_EIO);
    assert_error_mentions("read-only");
    chmod(path, 0644);
}

/* ---- customers (entities) ------------------------------------------------ */

typedef struct seen {
    int n;
    char ids[16][48];
    char extra[16][48];
    int64_t times[16];
    double values[16];
    int stop_at;
} seen;

static void keep(seen *sn, const char *id, const char *extra, int64_t t, double v)
{
    if (sn->n < 16) {
        snprintf(sn->ids[sn->n], sizeof sn->ids[0], "%s", id ? id : "(null)");
        snprintf(sn->extra[sn->n], sizeof sn->extra[0], "%s", extra ? extra : "(null)");
        sn->times[sn->n] = t;
        sn->values[sn->n] = v;
    }
    sn->n++;
}

static int on_customer(const cx_store_customer *c, void *payload)
{
    keep(payload, c->customer_id, c->segment, c->churned_ms, 0);
    return CX_OK;
}

static void test_store_customers_upsert(void **state)
{
    (void)state;
    cx_store *s = memory_store();
    cx_store_customer rows[3] = { CX_STORE_CUSTOMER_INIT, CX_STORE_CUSTOMER_INIT, CX_STORE_CUSTOMER_INIT };
    rows[0].customer_id = "c1";
    rows[0].segment = "consumer";
    rows[1].customer_id = "c2";
    rows[1].segment = "business";
    rows[1].name = "Zoë Wagner";
    rows[2].customer_id = "c3";
    cx_store_write_result r = CX_STORE_WRITE_RESULT_INIT;
    assert_ok(cx_store_add_customers(&r, s, rows, 3));
    assert_int_equal(r.inserted, 3);
    assert_int_equal(r.updated, 0);
    /* Again, c2 churned and without its segment: c2 updated (its segment is
     * kept), c1 and c3 unchanged. */
    rows[1].segment = NULL;
    rows[1].churned_ms = T2025 + 5 * HOUR;
    cx_store_write_result r2 = CX_STORE_WRITE_RESULT_INIT;
    assert_ok(cx_store_add_customers(&r2, s, rows, 3));
    assert_int_equal(r2.inserted, 0);
    assert_int_equal(r2.updated, 1);
    assert_int_equal(r2.unchanged, 2);
    seen sn = { 0 };
    assert_ok(cx_store_each_customer(s, NULL, on_customer, &sn));
    assert_int_equal(sn.n, 3);
    assert_string_equal(sn.ids[1], "c2");
    assert_string_equal(sn.extra[1], "business");
    assert_true(sn.times[1] == T2025 + 5 * HOUR);
    assert_true(sn.times[0] == CX_STORE_NO_TIME);
    /* Filter by customer. */
    cx_store_filter f = CX_STORE_FILTER_INIT;
    f.customer_id = "c3";
    memset(&sn, 0, sizeof sn);
    assert_ok(cx_store_each_customer(s, &f, on_customer, &sn));
    assert_int_equal(sn.n, 1);
    assert_string_equal(sn.ids[0], "c3");
    cx_store_close(s);
}

static void test_store_bad_rows_change_nothing(void **state)
{
    (void)state;
    cx_store *s = memory_store();
    cx_store_customer rows[3] = { CX_STORE_CUSTOMER_INIT, CX_STORE_CUSTOMER_INIT, CX_STORE_CUSTOMER_INIT };
    rows[0].customer_id = "c1";
    rows[2].customer_id = "c3";
    assert_status(cx_store_add_customers(NULL, s, rows, 3), CX_EINVAL);
    assert_error_mentions("rows[1].customer_id: is missing");
    rows[1].customer_id = "c\xff";
    assert_status(cx_store_add_customers(NULL, s, rows, 3), CX_EINVAL);
    assert_error_mentions("rows[1].customer_id: is not valid UTF-8");
    rows[1].customer_id = "c2";
    rows[1].signup_ms = 300000000000000LL; /* about the year 11476 */
    assert_status(cx_store_add_customers(NULL, s, rows, 3), CX_ERANGE);
    assert_error_mentions("rows[1].signup_at");
    rows[1].signup_ms = CX_STORE_NO_TIME;
    rows[2].version = 2;
    assert_status(cx_store_add_customers(NULL, s, rows, 3), CX_EINVAL);
    assert_error_mentions("rows[2].version 2 differs");
    rows[0].version = 7;
    assert_status(cx_store_add_customers(NULL, s, rows, 3), CX_EVERSION);
    assert_int_equal(count(s, CX_STORE_CUSTOMERS), 0);
    rows[0].version = rows[2].version = 1;
    assert_status(cx_store_add_customers(NULL, s, NULL, 3), CX_EINVAL);
    assert_status(cx_store_add_customers(NULL, NULL, rows, 3), CX_EINVAL);
    cx_store_write_result bad = CX_STORE_WRITE_RESULT_INIT;
    bad.version = 0;
    assert_status(cx_store_add_customers(&bad, s, rows, 3), CX_EINVAL);
    assert_ok(cx_store_add_customers(NULL, s, rows, 0));
    assert_int_equal(count(s, CX_STORE_CUSTOMERS), 0);
    assert_ok(cx_store_add_customers(NULL, s, rows, 3));
    assert_int_equal(count(s, CX_STORE_CUSTOMERS), 3);
    cx_store_close(s);
}

/* ---- events (facts) --------------------------------------------------------- */

static int on_event(const cx_store_event *e, void *payload)
{
    seen *sn = payload;
    keep(sn, e->event_id, e->channel, e->timestamp_ms, e->value);
    return sn->stop_at && sn->n == sn->stop_at ? -42 : CX_OK;
}

static cx_store_event event(const char *id, const char *customer, const char *touchpoint, int64_t t)
{
    cx_store_event e = CX_STORE_EVENT_INIT;
    e.event_id = id;
    e.customer_id = customer;
    e.touchpoint = touchpoint;
    e.timestamp_ms = t;
    return e;
}

static void test_store_events_dedup(void **state)
{
    (void)state;
    cx_store *s = memory_store();
    cx_store_event rows[4] = { event("e1", "c1", "home", T2025), event("e2", "c1", "cart", T2025 + HOUR),
                               event("e1", "c1", "home", T2025), event(NULL, "c2", "home", T2025 + 2 * HOUR) };
    cx_store_write_result r = CX_STORE_WRITE_RESULT_INIT;
    assert_ok(cx_store_add_events(&r, s, rows, 4));
    /* e1 twice in the batch: 3 new, 1 unchanged. */
    assert_int_equal(r.inserted, 3);
    assert_int_equal(r.unchanged, 1);
    /* The same again: all known, including the row without id (same content). */
    cx_store_write_result r2 = CX_STORE_WRITE_RESULT_INIT;
    assert_ok(cx_store_add_events(&r2, s, rows, 4));
    assert_int_equal(r2.inserted, 0);
    assert_int_equal(r2.unchanged, 4);
    /* Other content without an id is a new event. */
    rows[3].value = 12.5;
    assert_ok(cx_store_add_events(&r2, s, &rows[3], 1));
    assert_int_equal(r2.inserted, 1);
    assert_int_equal(count(s, CX_STORE_EVENTS), 4);
    seen sn = { 0 };
    assert_ok(cx_store_each_event(s, NULL, on_event, &sn));
    assert_int_equal(sn.n, 4);
    assert_string_equal(sn.ids[0], "e1");
    /* Derived keys: "#" and 32 hex digits, different for different content. */
    assert_int_equal(strlen(sn.ids[2]), 33);
    assert_int_equal(sn.ids[2][0], '#');
    assert_string_not_equal(sn.ids[2], sn.ids[3]);
    assert_close(sn.values[3], 12.5, 0);
    assert_true(isnan(sn.values[0]));
    cx_store_close(s);
}

static void test_store_events_read_filters(void **state)
{
    (void)state;
    cx_store *s = memory_store();
    cx_store_touchpoint tp[2] = { CX_STORE_TOUCHPOINT_INIT, CX_STORE_TOUCHPOINT_INIT };
    tp[0].touchpoint = "home";
    tp[0].channel = "web";
    tp[1].touchpoint = "hotline";
    tp[1].channel = "phone";
    assert_ok(cx_store_add_touchpoints(NULL, s, tp, 2));
    cx_store_event rows[5] = { event("e1", "c2", "home", T2025 + 3 * HOUR), event("e2", "c1", "home", T2025 + HOUR),
                               event("e3", "c2", "hotline", T2025), event("e4", "c1", "home", T2025 + 4 * HOUR),
                               event("e5", "c1", "app", T2025 + 2 * HOUR) };
    rows[3].channel = "kiosk";
    assert_ok(cx_store_add_events(NULL, s, rows, 5));
    seen sn = { 0 };
    assert_ok(cx_store_each_event(s, NULL, on_event, &sn));
    /* Channels: the event's own (kiosk), else its touchpoint's, else none. */
    assert_string_equal(sn.extra[0], "web");
    assert_string_equal(sn.extra[2], "phone");
    assert_string_equal(sn.extra[3], "kiosk");
    assert_string_equal(sn.extra[4], "(null)");
    /* By time: e3 (T), e2 (+1 h), e5 (+2 h), e1 (+3 h), e4 (+4 h). */
    cx_store_filter f = CX_STORE_FILTER_INIT;
    f.order = CX_STORE_ORDER_TIME;
    memset(&sn, 0, sizeof sn);
    assert_ok(cx_store_each_event(s, &f, on_event, &sn));
    const char *by_time[] = { "e3", "e2", "e5", "e1", "e4" };
    for (int i = 0; i < 5; i++)
        assert_string_equal(sn.ids[i], by_time[i]);
    /* By customer then time: c1: e2, e5, e4; c2: e3, e1. */
    f.order = CX_STORE_ORDER_CUSTOMER_TIME;
    memset(&sn, 0, sizeof sn);
    assert_ok(cx_store_each_event(s, &f, on_event, &sn));
    const char *by_customer[] = { "e2", "e5", "e4", "e3", "e1" };
    for (int i = 0; i < 5; i++)
        assert_string_equal(sn.ids[i], by_customer[i]);
    /* [T + 1 h, T + 4 h) of c1 at home: e2 only (e4 is at the excluded end). */
    f.from_ms = T2025 + HOUR;
    f.to_ms = T2025 + 4 * HOUR;
    f.customer_id = "c1";
    f.touchpoint = "home";
    memset(&sn, 0, sizeof sn);
    assert_ok(cx_store_each_event(s, &f, on_event, &sn));
    assert_int_equal(sn.n, 1);
    assert_string_equal(sn.ids[0], "e2");
    /* Time span of the table. */
    int64_t a, b;
    assert_ok(cx_store_time_span(&a, &b, s, CX_STORE_EVENTS));
    assert_true(a == T2025 && b == T2025 + 4 * HOUR);
    /* A callback stops the walk with its own status. */
    memset(&sn, 0, sizeof sn);
    sn.stop_at = 2;
    assert_int_equal(cx_store_each_event(s, NULL, on_event, &sn), -42);
    assert_int_equal(sn.n, 2);
    /* Bad filters and arguments. */
    f.to_ms = T2025;
    assert_status(cx_store_each_event(s, &f, on_event, &sn), CX_EINVAL);
    assert_error_mentions("before from_ms");
    f = (cx_store_filter)CX_STORE_FILTER_INIT;
    f.order = (cx_store_order)7;
    assert_status(cx_store_each_event(s, &f, on_event, &sn), CX_EINVAL);
    f.order = CX_STORE_ORDER_STORED;
    f.version = 3;
    assert_status(cx_store_each_event(s, &f, on_event, &sn), CX_EVERSION);
    assert_status(cx_store_each_event(s, NULL, NULL, &sn), CX_EINVAL);
    assert_status(cx_store_each_event(NULL, NULL, on_event, &sn), CX_EINVAL);
    cx_store_close(s);
}

/* ---- answers and comments ----------------------------------------------- */

static int on_answer(const cx_store_answer *a, void *payload)
{
    keep(payload, a->answer_id, a->comment, a->timestamp_ms, a->score);
    return CX_OK;
}

static int on_comment(const cx_store_comment *c, void *payload)
{
    keep(payload, c->comment_id, c->source, c->timestamp_ms, c->score);
    return CX_OK;
}

static cx_store_answer answer(const char *id, cx_metric_kind metric, double score)
{
    cx_store_answer a = CX_STORE_ANSWER_INIT;
    a.answer_id = id;
    a.customer_id = "c1";
    a.touchpoint = "hotline";
    a.metric = metric;
    a.score = score;
    a.timestamp_ms = T2025;
    return a;
}

static void test_store_answers_scales(void **state)
{
    (void)state;
    cx_store *s = memory_store();
    cx_store_answer rows[4] = { answer("a1", CX_METRIC_NPS, 10), answer("a2", CX_METRIC_CSAT, 1),
                                answer("a3", CX_METRIC_CES, 7), answer("a4", CX_METRIC_FCR, 0) };
    rows[0].comment = "Waited \"40\" minutes,\nthen solved.";
    assert_ok(cx_store_add_answers(NULL, s, rows, 4));
    assert_int_equal(count(s, CX_STORE_ANSWERS), 4);
    /* The comment is also a comment row: source "survey", the answer's id and score. */
    seen sn = { 0 };
    assert_ok(cx_store_each_comment(s, NULL, on_comment, &sn));
    assert_int_equal(sn.n, 1);
    assert_string_equal(sn.ids[0], "a1");
    assert_string_equal(sn.extra[0], "survey");
    assert_close(sn.values[0], 10, 0);
    memset(&sn, 0, sizeof sn);
    assert_ok(cx_store_each_answer(s, NULL, on_answer, &sn));
    assert_string_equal(sn.extra[0], "Waited \"40\" minutes,\nthen solved.");
    /* Off-scale scores, named with their row, value and scale. */
    cx_store_answer bad[2] = { answer("b1", CX_METRIC_NPS, 9), answer("b2", CX_METRIC_NPS, 11) };
    assert_status(cx_store_add_answers(NULL, s, bad, 2), CX_ERANGE);
    assert_error_mentions("rows[1].score: 11 is outside the NPS scale 0..10");
    bad[1] = answer("b2", CX_METRIC_CSAT, 4.5);
    assert_status(cx_store_add_answers(NULL, s, bad, 2), CX_ERANGE);
    assert_error_mentions("4.5 is not a whole number on the CSAT scale 1..5");
    bad[1] = answer("b2", CX_METRIC_CES, 0);
    assert_status(cx_store_add_answers(NULL, s, bad, 2), CX_ERANGE);
    assert_error_mentions("outside the CES scale 1..7");
    bad[1] = answer("b2", CX_METRIC_DURATION, 5);
    assert_status(cx_store_add_answers(NULL, s, bad, 2), CX_EINVAL);
    assert_error_mentions("rows[1].metric");
    bad[1] = answer("b2", CX_METRIC_NPS, NAN);
    assert_status(cx_store_add_answers(NULL, s, bad, 2), CX_EINVAL);
    assert_error_mentions("rows[1].score: is missing");
    assert_int_equal(count(s, CX_STORE_ANSWERS), 4);
    assert_int_equal(count(s, CX_STORE_COMMENTS), 1);
    cx_store_close(s);
}

/* ---- tickets -------------------------------------------------------------- */

typedef struct ticket_seen {
    int n;
    char ids[8][16];
    size_t events[8];
    int kinds[8][8];
    int status[8];
    int64_t opened[8];
} ticket_seen;

static int on_ticket(const cx_store_ticket *t, const cx_store_ticket_event *ev, size_t n, void *payload)
{
    ticket_seen *ts = payload;
    int i = ts->n++;
    snprintf(ts->ids[i], sizeof ts->ids[i], "%s", t->ticket_id);
    ts->events[i] = n;
    ts->status[i] = t->status;
    ts->opened[i] = t->opened_ms;
    for (size_t k = 0; k < n && k < 8; k++) {
        ts->kinds[i][k] = ev[k].kind;
        assert_string_equal(ev[k].ticket_id, t->ticket_id);
    }
    return CX_OK;
}

static void test_store_tickets_with_events(void **state)
{
    (void)state;
    cx_store *s = memory_store();
    cx_store_ticket t[2] = { CX_STORE_TICKET_INIT, CX_STORE_TICKET_INIT };
    t[0].ticket_id = "t1";
    t[0].opened_ms = T2025;
    t[0].resolved_ms = T2025 + 2 * HOUR;
    t[0].status = CX_STORE_TICKET_RESOLVED;
    t[1].ticket_id = "t2";
    t[1].opened_ms = T2025 + HOUR;
    assert_ok(cx_store_add_tickets(NULL, s, t, 2));
    cx_store_ticket_event ev[4] = { CX_STORE_TICKET_EVENT_INIT, CX_STORE_TICKET_EVENT_INIT,
                                    CX_STORE_TICKET_EVENT_INIT, CX_STORE_TICKET_EVENT_INIT };
    /* Written out of order: t1 resolved (+2 h), t1 reply (+1 h), t1 opened (T), t9 (no ticket row). */
    ev[0].ticket_id = "t1";
    ev[0].timestamp_ms = T2025 + 2 * HOUR;
    ev[0].kind = CX_STORE_TICKET_EVENT_RESOLVED;
    ev[1].ticket_id = "t1";
    ev[1].timestamp_ms = T2025 + HOUR;
    ev[1].kind = CX_STORE_TICKET_EVENT_AGENT_REPLY;
    ev[1].text = "On it.";
    ev[2].ticket_id = "t1";
    ev[2].timestamp_ms = T2025;
    ev[2].kind = CX_STORE_TICKET_EVENT_OPENED;
    ev[3].ticket_id = "t9";
    ev[3].timestamp_ms = T2025;
    ev[3].kind = CX_STORE_TICKET_EVENT_NOTE;
    assert_ok(cx_store_add_ticket_events(NULL, s, ev, 4));
    ticket_seen ts = { 0 };
    assert_ok(cx_store_each_ticket(s, NULL, on_ticket, &ts));
    assert_int_equal(ts.n, 3);
    assert_string_equal(ts.ids[0], "t1");
    assert_int_equal(ts.events[0], 3);
    assert_int_equal(ts.kinds[0][0], CX_STORE_TICKET_EVENT_OPENED);
    assert_int_equal(ts.kinds[0][1], CX_STORE_TICKET_EVENT_AGENT_REPLY);
    assert_int_equal(ts.kinds[0][2], CX_STORE_TICKET_EVENT_RESOLVED);
    assert_int_equal(ts.status[0], CX_STORE_TICKET_RESOLVED);
    assert_string_equal(ts.ids[1], "t2");
    assert_int_equal(ts.events[1], 0);
    assert_int_equal(ts.status[1], CX_STORE_TICKET_UNKNOWN);
    /* t9 exists only through its event. */
    assert_string_equal(ts.ids[2], "t9");
    assert_true(ts.opened[2] == CX_STORE_NO_TIME);
    /* With a time range, only real tickets opened in it. */
    cx_store_filter f = CX_STORE_FILTER_INIT;
    f.from_ms = T2025 + HOUR;
    memset(&ts, 0, sizeof ts);
    assert_ok(cx_store_each_ticket(s, &f, on_ticket, &ts));
    assert_int_equal(ts.n, 1);
    assert_string_equal(ts.ids[0], "t2");
    /* Errors. */
    t[1].resolved_ms = T2025;
    assert_status(cx_store_add_tickets(NULL, s, t, 2), CX_ERANGE);
    assert_error_mentions("rows[1].resolved_at: the ticket is resolved before it was opened");
    ev[3].kind = (cx_store_ticket_event_kind)12;
    assert_status(cx_store_add_ticket_events(NULL, s, ev, 4), CX_EINVAL);
    assert_error_mentions("rows[3].kind");
    t[1].resolved_ms = CX_STORE_NO_TIME;
    t[1].status = (cx_store_ticket_status)9;
    assert_status(cx_store_add_tickets(NULL, s, t, 2), CX_EINVAL);
    assert_error_mentions("status 9");
    cx_store_close(s);
}

/* Two handles on one file: each sees the other's writes when it checks for
 * known ids (PRAGMA data_version), so neither writes a duplicate. */
static void test_store_two_writers(void **state)
{
    (void)state;
    const char *path = tmp_path("shared.db");
    cx_store *a = NULL, *b = NULL;
    assert_ok(cx_store_open(&a, path, NULL));
    assert_ok(cx_store_open(&b, path, NULL));
    cx_store_event e1 = event("e1", "c1", "home", T2025), e2 = event("e2", "c1", "home", T2025 + HOUR);
    cx_store_write_result r = CX_STORE_WRITE_RESULT_INIT;
    assert_ok(cx_store_add_events(&r, a, &e1, 1));
    assert_ok(cx_store_add_events(&r, b, &e1, 1)); /* b loads the ids: e1 known */
    assert_int_equal(r.inserted, 0);
    assert_ok(cx_store_add_events(&r, a, &e2, 1)); /* a writes after b loaded */
    assert_ok(cx_store_add_events(&r, b, &e2, 1)); /* b must notice */
    assert_int_equal(r.inserted, 0);
    assert_int_equal(r.unchanged, 1);
    assert_int_equal(count(b, CX_STORE_EVENTS), 2);
    cx_store_close(a);
    cx_store_close(b);
    assert_int_equal(sql_int(path, "SELECT count(*) FROM events"), 2);
}

/* ---- allocation failures ------------------------------------------------------ */

static int count_rows(const cx_store_event *e, void *payload)
{
    (void)e;
    (*(int *)payload)++;
    return CX_OK;
}

static int write_and_read(void *ctx)
{
    (void)ctx;
    cx_store *s = NULL;
    int rc = cx_store_open(&s, ":memory:", NULL);
    if (rc != CX_OK)
        return rc;
    cx_store_touchpoint tp = CX_STORE_TOUCHPOINT_INIT;
    tp.touchpoint = "home";
    tp.channel = "web";
    cx_store_event rows[3] = { event("e1", "c1", "home", T2025), event(NULL, "c1", "home", T2025 + HOUR),
                               event("e1", "c1", "home", T2025) };
    int n = 0;
    if ((rc = cx_store_add_touchpoints(NULL, s, &tp, 1)) == CX_OK && (rc = cx_store_add_events(NULL, s, rows, 3)) == CX_OK
        && (rc = cx_store_each_event(s, NULL, count_rows, &n)) == CX_OK && n != 2)
        rc = CX_EFORMAT;
    if (rc == CX_ENOMEM) {
        /* Nothing half-written: the events are all there or none. */
        uint64_t c = 0;
        if (cx_store_count(&c, s, CX_STORE_EVENTS) == CX_OK && c != 0 && c != 2)
            rc = CX_EFORMAT;
    }
    cx_store_close(s);
    return rc;
}

static void test_store_allocation_failures(void **state)
{
    (void)state;
    long points = cx_test_each_allocation_fails(write_and_read, NULL);
    assert_true(points > 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_store_table_names),
        cmocka_unit_test(test_store_options_init),
        cmocka_unit_test(test_store_open_memory),
        cmocka_unit_test(test_store_open_errors),
        cmocka_unit_test(test_store_open_file_creates_schema),
        cmocka_unit_test(test_store_open_refuses_foreign_files),
        cmocka_unit_test(test_store_schema_versions),
        cmocka_unit_test(test_store_read_only),
        cmocka_unit_test(test_store_customers_upsert),
        cmocka_unit_test(test_store_bad_rows_change_nothing),
        cmocka_unit_test(test_store_events_dedup),
        cmocka_unit_test(test_store_events_read_filters),
        cmocka_unit_test(test_store_answers_scales),
        cmocka_unit_test(test_store_tickets_with_events),
        cmocka_unit_test(test_store_two_writers),
        cmocka_unit_test(test_store_allocation_failures),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
