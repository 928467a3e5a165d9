/*
 * Writing rows: validation, fact keys, and one transaction per batch.
 *
 * Facts (events, answers, ticket events, comments) are deduplicated by key
 * against an in-memory set of the keys already stored, loaded on the first
 * write to the table and reloaded whenever another connection has written
 * (PRAGMA data_version). Entities (customers, touchpoints, tickets) are
 * upserted: given fields replace stored ones, absent fields are kept.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "store_internal.h"

#define FIELD(row, f) ((const char *)(row) + (f)->offset)
#define TEXT_AT(row, f) (*(const char *const *)(const void *)FIELD(row, f))
#define TIME_AT(row, f) (*(const int64_t *)(const void *)FIELD(row, f))
#define REAL_AT(row, f) (*(const double *)(const void *)FIELD(row, f))
#define ENUM_AT(row, f) (*(const int *)(const void *)FIELD(row, f))

/* ---- validation --------------------------------------------------------- */

static int bad_field(int code, const cx__locator *loc, size_t row, size_t field, const char *reason)
{
    char where[160];
    loc->format(loc, row, field, where, sizeof where);
    return cx__error(code, "%s: %s", where, reason);
}

static int validate_text(const cx__store_field *f, const void *row, size_t ri, size_t fi, const cx__locator *loc)
{
    const char *s = TEXT_AT(row, f);
    if (s == NULL || *s == '\0')
        return f->required ? bad_field(CX_EINVAL, loc, ri, fi, "is missing") : CX_OK;
    size_t bad;
    if (!cx__utf8_valid(s, strlen(s), &bad)) {
        char reason[64];
        snprintf(reason, sizeof reason, "is not valid UTF-8 (bad byte at offset %zu)", bad);
        return bad_field(CX_EINVAL, loc, ri, fi, reason);
    }
    return CX_OK;
}

static int validate_field(const cx__store_field *f, const void *row, size_t ri, size_t fi, const cx__locator *loc)
{
    char reason[96];
    switch (f->kind) {
    case CX__FIELD_TEXT:
        return validate_text(f, row, ri, fi, loc);
    case CX__FIELD_TIME: {
        int64_t t = TIME_AT(row, f);
        if (t == CX_STORE_NO_TIME)
            return f->required ? bad_field(CX_EINVAL, loc, ri, fi, "is missing") : CX_OK;
        if (t < CX__STORE_TIME_MIN || t > CX__STORE_TIME_MAX) {
            snprintf(reason, sizeof reason, "%lld ms is beyond the years 0..9999", (long long)t);
            return bad_field(CX_ERANGE, loc, ri, fi, reason);
        }
        return CX_OK;
    }
    case CX__FIELD_REAL: {
        double v = REAL_AT(row, f);
        if (isnan(v))
            return f->required ? bad_field(CX_EINVAL, loc, ri, fi, "is missing") : CX_OK;
        return isfinite(v) ? CX_OK : bad_field(CX_ERANGE, loc, ri, fi, "is infinite");
    }
    case CX__FIELD_METRIC: {
        int m = ENUM_AT(row, f);
        if (m < CX_METRIC_NPS || m > CX_METRIC_FCR) {
            snprintf(reason, sizeof reason, "metric %d is not CX_METRIC_NPS, _CSAT, _CES or _FCR", m);
            return bad_field(CX_EINVAL, loc, ri, fi, reason);
        }
        return CX_OK;
    }
    case CX__FIELD_STATUS: {
        int v = ENUM_AT(row, f);
        if (v < CX_STORE_TICKET_UNKNOWN || v > CX_STORE_TICKET_CLOSED) {
            snprintf(reason, sizeof reason, "status %d is not a cx_store_ticket_status", v);
            return bad_field(CX_EINVAL, loc, ri, fi, reason);
        }
        return CX_OK;
    }
    case CX__FIELD_TE_KIND: {
        int v = ENUM_AT(row, f);
        if (v < CX_STORE_TICKET_EVENT_OPENED || v > CX_STORE_TICKET_EVENT_CLOSED) {
            snprintf(reason, sizeof reason, "kind %d is not a cx_store_ticket_event_kind", v);
            return bad_field(CX_EINVAL, loc, ri, fi, reason);
        }
        return CX_OK;
    }
    }
    return CX_OK;
}

/* Default scales of the answer metrics (cx/metric.h): NPS 0..10, CSAT
 * 1..5, CES 2.0 1..7, FCR 0..1; whole numbers. */
static int validate_score(const cx_store_answer *a, size_t ri, const cx__locator *loc)
{
    static const double lo[] = { 0, 0, 1, 1, 0 }, hi[] = { 0, 10, 5, 7, 1 };
    static const char *const label[] = { NULL, "NPS", "CSAT", "CES", "FCR" };
    double v = a->score;
    if (v >= lo[a->metric] && v <= hi[a->metric] && v == floor(v))
        return CX_OK;
    char reason[96];
    snprintf(reason, sizeof reason, "%g is %s the %s scale %g..%g", v,
             v >= lo[a->metric] && v <= hi[a->metric] ? "not a whole number on" : "outside", label[a->metric],
             lo[a->metric], hi[a->metric]);
    return bad_field(CX_ERANGE, loc, ri, 5, reason);
}

int cx__store_validate_row(const cx__store_table *t, const void *row, size_t row_index, const cx__locator *loc)
{
    for (size_t i = 0; i < t->n_fields; i++) {
        int rc = validate_field(&t->fields[i], row, row_index, i, loc);
        if (rc != CX_OK)
            return rc;
    }
    if (t->table == CX_STORE_ANSWERS)
        return validate_score(row, row_index, loc);
    if (t->table == CX_STORE_TICKETS) {
        const cx_store_ticket *tk = row;
        if (tk->resolved_ms != CX_STORE_NO_TIME && tk->resolved_ms < tk->opened_ms)
            return bad_field(CX_ERANGE, loc, row_index, 9, "the ticket is resolved before it was opened");
    }
    return CX_OK;
}

/* ---- fact keys ---------------------------------------------------------- */

/* Two independent 64-bit lanes over the same bytes, a 128-bit content
 * fingerprint: FNV-1a and a multiply-rotate lane, each finished with a
 * splitmix64-style avalanche. Not cryptographic; collisions between
 * honest rows are negligible (about n^2 / 2^129). */
typedef struct content_hash {
    uint64_t a, b;
} content_hash;

static void hash_bytes(content_hash *h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h->a = (h->a ^ p[i]) * 0x100000001b3ull;
        h->b = (h->b + p[i] + 1) * 0x9e3779b97f4a7c15ull;
        h->b = (h->b << 23) | (h->b >> 41);
    }
}

/* The n low bytes of v, least significant first, whatever the host's
 * byte order: keys are stored and must be the same on every machine. */
static void hash_le(content_hash *h, uint64_t v, size_t n)
{
    unsigned char b[8];
    for (size_t i = 0; i < n; i++)
        b[i] = (unsigned char)(v >> (8 * i));
    hash_bytes(h, b, n);
}

static uint64_t avalanche(uint64_t x, uint64_t m1, uint64_t m2)
{
    x ^= x >> 31;
    x *= m1;
    x ^= x >> 29;
    x *= m2;
    x ^= x >> 32;
    return x;
}

/* Each field is a tag byte (absent / present) and its value, so that NULL,
 * "" and field boundaries are all distinct; numbers little-endian (times 8
 * bytes, reals their IEEE 754 bits, enumerations 4 bytes). */
static void hash_field(content_hash *h, const cx__store_field *f, const void *row)
{
    unsigned char tag[2] = { 0, (unsigned char)f->kind };
    int64_t t;
    double v;
    uint64_t bits;
    int e;
    switch (f->kind) {
    case CX__FIELD_TEXT: {
        const char *s = TEXT_AT(row, f);
        tag[0] = s != NULL && *s != '\0';
        hash_bytes(h, tag, 2);
        if (tag[0])
            hash_bytes(h, s, strlen(s) + 1);
        return;
    }
    case CX__FIELD_TIME:
        t = TIME_AT(row, f);
        tag[0] = t != CX_STORE_NO_TIME;
        hash_bytes(h, tag, 2);
        hash_le(h, (uint64_t)t, 8);
        return;
    case CX__FIELD_REAL:
        v = REAL_AT(row, f);
        tag[0] = !isnan(v);
        hash_bytes(h, tag, 2);
        if (tag[0]) {
            memcpy(&bits, &v, sizeof bits);
            hash_le(h, bits, 8);
        }
        return;
    default:
        e = ENUM_AT(row, f);
        tag[0] = 1;
        hash_bytes(h, tag, 2);
        hash_le(h, (uint64_t)(uint32_t)e, 4);
        return;
    }
}

const char *cx__store_fact_key(const cx__store_table *t, const void *row, char buf[34])
{
    const char *id = TEXT_AT(row, &t->fields[0]);
    if (id != NULL && *id != '\0')
        return id;
    content_hash h = { 0xcbf29ce484222325ull, 0x6a09e667f3bcc908ull };
    hash_bytes(&h, t->name, strlen(t->name) + 1);
    for (size_t i = 1; i < t->n_fields; i++)
        hash_field(&h, &t->fields[i], row);
    uint64_t a = avalanche(h.a, 0xbf58476d1ce4e5b9ull, 0x94d049bb133111ebull);
    uint64_t b = avalanche(h.b, 0xff51afd7ed558ccdull, 0xc4ceb9fe1a85ec53ull);
    snprintf(buf, 34, "#%016llx%016llx", (unsigned long long)a, (unsigned long long)b);
    return buf;
}

/* ---- statements --------------------------------------------------------- */

static int build_insert_sql(const cx__store_table *t, cx_buffer *sql)
{
    int rc = cx__buffer_printf(sql, "INSERT INTO %s(", t->name);
    for (size_t i = 0; rc == CX_OK && i < t->n_fields; i++)
        rc = cx__buffer_printf(sql, "%s%s", i ? ", " : "", t->fields[i].column);
    if (rc == CX_OK)
        rc = cx__buffer_printf(sql, ") VALUES(");
    for (size_t i = 0; rc == CX_OK && i < t->n_fields; i++)
        rc = cx__buffer_printf(sql, "%s?%zu", i ? ", " : "", i + 1);
    if (rc == CX_OK)
        rc = cx__buffer_printf(sql, ")");
    if (rc != CX_OK || t->fact)
        return rc;
    /* Entities: given values replace stored ones; the WHERE clause makes a
     * repeat with nothing new a no-op (0 changes). */
    const char *id = t->fields[0].column;
    rc = cx__buffer_printf(sql, " ON CONFLICT(%s) DO UPDATE SET ", id);
    for (size_t i = 1; rc == CX_OK && i < t->n_fields; i++)
        rc = cx__buffer_printf(sql, "%s%s = coalesce(excluded.%s, %s)", i > 1 ? ", " : "", t->fields[i].column,
                               t->fields[i].column, t->fields[i].column);
    if (rc == CX_OK)
        rc = cx__buffer_printf(sql, " WHERE ");
    for (size_t i = 1; rc == CX_OK && i < t->n_fields; i++)
        rc = cx__buffer_printf(sql, "%scoalesce(excluded.%s, %s) IS NOT %s", i > 1 ? " OR " : "",
                               t->fields[i].column, t->fields[i].column, t->fields[i].column);
    return rc;
}

static int prepare_statements(cx_store *s, const cx__store_table *t)
{
    if (s->insert[t->table] != NULL)
        return CX_OK;
    cx_buffer sql = CX_BUFFER_INIT;
    int rc = build_insert_sql(t, &sql);
    if (rc != CX_OK) {
        cx_buffer_dispose(&sql);
        return cx__nomem("preparing an insert");
    }
    rc = cx__store_prepare(s, &s->insert[t->table], sql.data);
    cx_buffer_dispose(&sql);
    if (rc != CX_OK || t->fact)
        return rc;
    char exists[128];
    snprintf(exists, sizeof exists, "SELECT 1 FROM %s WHERE %s = ?1", t->name, t->fields[0].column);
    return cx__store_prepare(s, &s->exists[t->table], exists);
}

static const char *enum_name(const cx__store_field *f, int v)
{
    switch (f->kind) {
    case CX__FIELD_METRIC: return cx_metric_kind_name((cx_metric_kind)v);
    case CX__FIELD_STATUS: return cx__status_name((cx_store_ticket_status)v);
    case CX__FIELD_TE_KIND: return cx__te_kind_name((cx_store_ticket_event_kind)v);
    default: return NULL;
    }
}

static int bind_field(sqlite3_stmt *st, int at, const cx__store_field *f, const void *row)
{
    switch (f->kind) {
    case CX__FIELD_TEXT: {
        const char *s = TEXT_AT(row, f);
        return s != NULL && *s != '\0' ? sqlite3_bind_text(st, at, s, -1, SQLITE_STATIC) : sqlite3_bind_null(st, at);
    }
    case CX__FIELD_TIME: {
        int64_t t = TIME_AT(row, f);
        return t != CX_STORE_NO_TIME ? sqlite3_bind_int64(st, at, t) : sqlite3_bind_null(st, at);
    }
    case CX__FIELD_REAL: {
        double v = REAL_AT(row, f);
        return !isnan(v) ? sqlite3_bind_double(st, at, v) : sqlite3_bind_null(st, at);
    }
    default: {
        const char *name = enum_name(f, ENUM_AT(row, f));
        return name != NULL ? sqlite3_bind_text(st, at, name, -1, SQLITE_STATIC) : sqlite3_bind_null(st, at);
    }
    }
}

/* ---- key sets ------------------------------------------------------------ */

static void drop_key_sets(cx_store *s)
{
    for (int t = 0; t <= CX__STORE_TABLES; t++) {
        cx__hashmap_destroy(&s->keys[t].keys);
        s->keys[t].loaded = false;
    }
}

static int load_key_set(cx_store *s, const cx__store_table *t)
{
    cx__key_set *ks = &s->keys[t->table];
    if (ks->loaded)
        return CX_OK;
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT %s FROM %s", t->fields[0].column, t->name);
    sqlite3_stmt *st = NULL;
    int rc = cx__store_prepare(s, &st, sql);
    if (rc != CX_OK)
        return rc;
    int step;
    while (rc == CX_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        const void *key = sqlite3_column_text(st, 0);
        uint32_t index;
        bool inserted;
        if (key != NULL
            && cx__hashmap_intern(&ks->keys, key, (size_t)sqlite3_column_bytes(st, 0), &index, &inserted) != CX_OK)
            rc = cx__nomem("loading the ids already stored");
    }
    if (rc == CX_OK && step != SQLITE_DONE)
        rc = cx__store_sqlite_error(s, step, "loading the ids already stored");
    sqlite3_finalize(st);
    if (rc != CX_OK) {
        cx__hashmap_destroy(&ks->keys);
        return rc;
    }
    ks->loaded = true;
    return CX_OK;
}

/* Another connection may have written since the key sets were loaded:
 * checked inside the write transaction, so no one can write in between. */
static int refresh_key_sets(cx_store *s)
{
    sqlite3_stmt *st = NULL;
    int rc = cx__store_prepare(s, &st, "PRAGMA data_version");
    if (rc != CX_OK)
        return rc;
    int step = sqlite3_step(st);
    int64_t version = step == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    if (step != SQLITE_ROW)
        return cx__store_sqlite_error(s, step, "checking for other writers");
    if (version != s->data_version) {
        drop_key_sets(s);
        s->data_version = version;
    }
    return CX_OK;
}

/* ---- writing ----------------------------------------------------------- */

typedef struct write_state {
    cx_store *s;
    const cx__store_table *t;
    size_t added[CX__STORE_TABLES + 1]; /* keys interned per table, to pop on failure */
    cx_store_write_result counts;
} write_state;

/* Claims a fact key; *fresh is false when it is already stored. */
static int claim_key(write_state *w, cx_store_table table, const char *key, bool *fresh)
{
    uint32_t index;
    int rc = cx__hashmap_intern(&w->s->keys[table].keys, key, strlen(key), &index, fresh);
    if (rc != CX_OK)
        return cx__nomem("recording the ids written");
    if (*fresh)
        w->added[table]++;
    return CX_OK;
}

static void release_keys(write_state *w)
{
    for (int t = 0; t <= CX__STORE_TABLES; t++)
        for (; w->added[t] > 0; w->added[t]--)
            cx__hashmap_pop(&w->s->keys[t].keys);
}

static int insert_row(cx_store *s, const cx__store_table *t, const void *row, const char *key)
{
    sqlite3_stmt *st = s->insert[t->table];
    int rc = SQLITE_OK;
    for (size_t i = 0; rc == SQLITE_OK && i < t->n_fields; i++)
        rc = i == 0 && key != NULL ? sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC)
                                   : bind_field(st, (int)i + 1, &t->fields[i], row);
    if (rc != SQLITE_OK)
        return cx__store_sqlite_error(s, rc, "binding a row");
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return CX_OK;
    char what[48];
    snprintf(what, sizeof what, "writing %s", t->name);
    return cx__store_sqlite_error(s, rc, what);
}

/* The comment of an answer becomes a comment row with the answer's key. */
static int write_answer_comment(write_state *w, const cx_store_answer *a, const char *key)
{
    if (a->comment == NULL || *a->comment == '\0')
        return CX_OK;
    const cx__store_table *ct = cx__store_table_desc(CX_STORE_COMMENTS);
    int rc;
    bool fresh;
    if ((rc = prepare_statements(w->s, ct)) != CX_OK || (rc = load_key_set(w->s, ct)) != CX_OK
        || (rc = claim_key(w, CX_STORE_COMMENTS, key, &fresh)) != CX_OK || !fresh)
        return rc;
    cx_store_comment c = CX_STORE_COMMENT_INIT;
    c.comment_id = key;
    c.customer_id = a->customer_id;
    c.touchpoint = a->touchpoint;
    c.channel = a->channel;
    c.source = "survey";
    c.timestamp_ms = a->timestamp_ms;
    c.text = a->comment;
    c.answer_id = key;
    c.score = a->score;
    return insert_row(w->s, ct, &c, key);
}

static int write_fact(write_state *w, const void *row)
{
    char buf[34];
    const char *key = cx__store_fact_key(w->t, row, buf);
    bool fresh;
    int rc = claim_key(w, w->t->table, key, &fresh);
    if (rc != CX_OK)
        return rc;
    if (!fresh) {
        w->counts.unchanged++;
        return CX_OK;
    }
    if ((rc = insert_row(w->s, w->t, row, key)) != CX_OK)
        return rc;
    w->counts.inserted++;
    return w->t->table == CX_STORE_ANSWERS ? write_answer_comment(w, row, key) : CX_OK;
}

static int write_entity(write_state *w, const void *row)
{
    sqlite3_stmt *ex = w->s->exists[w->t->table];
    const char *id = TEXT_AT(row, &w->t->fields[0]);
    sqlite3_bind_text(ex, 1, id, -1, SQLITE_STATIC);
    int step = sqlite3_step(ex);
    sqlite3_reset(ex);
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        return cx__store_sqlite_error(w->s, step, "looking up an id");
    int rc = insert_row(w->s, w->t, row, NULL);
    if (rc != CX_OK)
        return rc;
    if (step == SQLITE_DONE)
        w->counts.inserted++;
    else if (sqlite3_changes(w->s->db) > 0)
        w->counts.updated++;
    else
        w->counts.unchanged++;
    return CX_OK;
}

static int write_all(write_state *w, const void *rows, size_t n)
{
    int rc;
    if ((rc = refresh_key_sets(w->s)) != CX_OK || (rc = prepare_statements(w->s, w->t)) != CX_OK)
        return rc;
    if (w->t->fact && (rc = load_key_set(w->s, w->t)) != CX_OK)
        return rc;
    const char *p = rows;
    for (size_t i = 0; i < n; i++, p += w->t->row_size) {
        rc = w->t->fact ? write_fact(w, p) : write_entity(w, p);
        if (rc != CX_OK)
            return rc;
    }
    return CX_OK;
}

int cx__store_write_rows(cx_store *s, const cx__store_table *t, const void *rows, size_t n,
                         cx_store_write_result *result)
{
    if (s->read_only)
        return cx__error(CX_EINVAL, "%s was opened read-only; open it without CX_STORE_READ_ONLY to write", s->path);
    if (n == 0)
        return CX_OK;
    write_state w = { .s = s, .t = t };
    char what[48];
    snprintf(what, sizeof what, "starting a transaction on %s", t->name);
    int rc = cx__store_exec(s, "BEGIN IMMEDIATE", what);
    if (rc != CX_OK)
        return rc;
    rc = write_all(&w, rows, n);
    if (rc == CX_OK) {
        snprintf(what, sizeof what, "committing %zu rows to %s", n, t->name);
        rc = cx__store_exec(s, "COMMIT", what);
    }
    if (rc != CX_OK) {
        /* The message of the failure is kept: ROLLBACK's own cannot help. */
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        release_keys(&w);
        return rc;
    }
    if (result != NULL) {
        result->inserted += w.counts.inserted;
        result->updated += w.counts.updated;
        result->unchanged += w.counts.unchanged;
    }
    return CX_OK;
}

/* ---- the public bulk writers ----------------------------------------------- */

static void locate_row(const cx__locator *loc, size_t row, size_t field, char *buf, size_t cap)
{
    const cx__store_table *t = loc->ctx;
    snprintf(buf, cap, "rows[%zu].%s", row, t->fields[field].name);
}

static const char *const row_struct_names[] = { NULL,
    "cx_store_customer", "cx_store_touchpoint", "cx_store_event", "cx_store_answer",
    "cx_store_ticket", "cx_store_ticket_event", "cx_store_comment" };

/* Checks every row of a caller's array (stride from rows[0].version). */
static int validate_rows(const cx__store_table *t, const void *rows, size_t n)
{
    unsigned int version = *(const unsigned int *)rows;
    int rc = cx__check_version(version, 1, row_struct_names[t->table]);
    if (rc != CX_OK)
        return rc;
    size_t stride = cx__store_row_size(t->table, version);
    cx__locator loc = { locate_row, t };
    const char *p = rows;
    for (size_t i = 0; i < n; i++, p += stride) {
        unsigned int v = *(const unsigned int *)(const void *)p;
        if (v != version)
            return cx__error(CX_EINVAL, "rows[%zu].version %u differs from rows[0].version %u", i, v, version);
        if ((rc = cx__store_validate_row(t, p, i, &loc)) != CX_OK)
            return rc;
    }
    return CX_OK;
}

static int add_rows(cx_store_write_result *out, cx_store *s, cx_store_table table, const void *rows, size_t n,
                    const char *func)
{
    CX__CHECK_ARG(s, func);
    if (n > 0 && rows == NULL)
        return cx__error(CX_EINVAL, "%s: rows is NULL with n = %zu", func, n);
    int rc;
    if (out != NULL
        && (rc = cx__check_version(out->version, CX_STORE_WRITE_RESULT_VERSION, "cx_store_write_result")) != CX_OK)
        return rc;
    if (s->read_only)
        return cx__error(CX_EINVAL, "%s: %s was opened read-only; open it without CX_STORE_READ_ONLY to write", func,
                         s->path);
    const cx__store_table *t = cx__store_table_desc(table);
    cx_store_write_result counts = CX_STORE_WRITE_RESULT_INIT;
    if (n > 0 && ((rc = validate_rows(t, rows, n)) != CX_OK || (rc = cx__store_write_rows(s, t, rows, n, &counts)) != CX_OK))
        return rc;
    if (out != NULL) {
        out->inserted = counts.inserted;
        out->updated = counts.updated;
        out->unchanged = counts.unchanged;
    }
    return CX_OK;
}

int cx_store_add_customers(cx_store_write_result *out, cx_store *s, const cx_store_customer *rows, size_t n)
{
    return add_rows(out, s, CX_STORE_CUSTOMERS, rows, n, "cx_store_add_customers");
}

int cx_store_add_touchpoints(cx_store_write_result *out, cx_store *s, const cx_store_touchpoint *rows, size_t n)
{
    return add_rows(out, s, CX_STORE_TOUCHPOINTS, rows, n, "cx_store_add_touchpoints");
}

int cx_store_add_events(cx_store_write_result *out, cx_store *s, const cx_store_event *rows, size_t n)
{
    return add_rows(out, s, CX_STORE_EVENTS, rows, n, "cx_store_add_events");
}

int cx_store_add_answers(cx_store_write_result *out, cx_store *s, const cx_store_answer *rows, size_t n)
{
    return add_rows(out, s, CX_STORE_ANSWERS, rows, n, "cx_store_add_answers");
}

int cx_store_add_tickets(cx_store_write_result *out, cx_store *s, const cx_store_ticket *rows, size_t n)
{
    return add_rows(out, s, CX_STORE_TICKETS, rows, n, "cx_store_add_tickets");
}

int cx_store_add_ticket_events(cx_store_write_result *out, cx_store *s, const cx_store_ticket_event *rows, size_t n)
{
    return add_rows(out, s, CX_STORE_TICKET_EVENTS, rows, n, "cx_store_add_ticket_events");
}

int cx_store_add_comments(cx_store_write_result *out, cx_store *s, const cx_store_comment *rows, size_t n)
{
    return add_rows(out, s, CX_STORE_COMMENTS, rows, n, "cx_store_add_comments");
}
