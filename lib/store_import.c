/*
 * Import of CSV and JSON Lines into the store.
 *
 * A job reads the input in batches: each row's fields are located by the
 * column names (after the column map), converted to the table's typed row
 * and validated; a batch is written in one transaction only once every row
 * of it is good (or rejected, with skip_bad). Strings of the staged rows
 * live in an arena that is reset after each batch.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store_import_internal.h"
#include "store_import_job.h"

#define DEFAULT_BATCH_ROWS 50000
#define PROGRESS_EVERY 65536
#define ARENA_BLOCK (1u << 20)

/* ---- arena ------------------------------------------------------------------ */

/* Strings of the staged rows: fixed-size blocks reused from batch to batch,
 * and blocks of their own for long strings, freed at each reset. */
static void free_big(cx__arena *a, size_t keep)
{
    for (size_t i = keep; i < a->n_big; i++)
        cx__free(a->big[i]);
    a->n_big = keep;
}

static void arena_free(cx__arena *a)
{
    for (size_t i = 0; i < a->count; i++)
        cx__free(a->blocks[i].data);
    free_big(a, 0);
    cx__free(a->blocks);
    cx__free(a->big);
    memset(a, 0, sizeof *a);
}

static void arena_reset(cx__arena *a)
{
    for (size_t i = 0; i < a->count; i++)
        a->blocks[i].used = 0;
    a->current = 0;
    free_big(a, 0);
}

static cx__arena_mark arena_mark(const cx__arena *a)
{
    return (cx__arena_mark){ a->current, a->count ? a->blocks[a->current].used : 0, a->n_big };
}

static void arena_rollback(cx__arena *a, cx__arena_mark m)
{
    for (size_t i = m.block + 1; i < a->count; i++)
        a->blocks[i].used = 0;
    a->current = m.block;
    if (a->count)
        a->blocks[m.block].used = m.used;
    free_big(a, m.n_big);
}

static char *arena_big(cx__arena *a, size_t n)
{
    if (cx__grow((void **)&a->big, &a->big_cap, a->n_big + 1, sizeof *a->big, 8) != CX_OK)
        return NULL;
    char *p = cx__malloc(n);
    if (p != NULL)
        a->big[a->n_big++] = p;
    return p;
}

static char *arena_alloc(cx__arena *a, size_t n)
{
    if (n > ARENA_BLOCK / 4)
        return arena_big(a, n);
    if (a->count > 0 && ARENA_BLOCK - a->blocks[a->current].used < n) {
        if (a->current + 1 == a->count) {
            if (cx__grow((void **)&a->blocks, &a->cap, a->count + 1, sizeof *a->blocks, 8) != CX_OK)
                return NULL;
            if ((a->blocks[a->count].data = cx__malloc(ARENA_BLOCK)) == NULL)
                return NULL;
            a->blocks[a->count++].used = 0;
        }
        a->current++;
    } else if (a->count == 0) {
        if (cx__grow((void **)&a->blocks, &a->cap, 1, sizeof *a->blocks, 8) != CX_OK
            || (a->blocks[0].data = cx__malloc(ARENA_BLOCK)) == NULL)
            return NULL;
        a->blocks[0].used = 0;
        a->count = 1;
        a->current = 0;
    }
    cx__arena_block *b = &a->blocks[a->current];
    char *p = b->data + b->used;
    b->used += n;
    return p;
}

static char *arena_strndup(cx__arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    if (p != NULL) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

/* ---- options ----------------------------------------------------------------- */

static int check_import_options(const cx_import_options *o)
{
    int rc = cx__check_version(o->version, CX_IMPORT_OPTIONS_VERSION, "cx_import_options");
    if (rc != CX_OK)
        return rc;
    if (o->table != 0 && cx__store_table_desc(o->table) == NULL)
        return cx__error(CX_EINVAL, "cx_import_options: unknown table %d", (int)o->table);
    if ((int)o->format < CX_IMPORT_AUTO || (int)o->format > CX_IMPORT_JSONL)
        return cx__error(CX_EINVAL, "cx_import_options: unknown format %d", (int)o->format);
    if ((int)o->epoch_unit < CX_EPOCH_AUTO || (int)o->epoch_unit > CX_EPOCH_MILLISECONDS)
        return cx__error(CX_EINVAL, "cx_import_options: unknown epoch_unit %d", (int)o->epoch_unit);
    if (o->delimiter == '"' || o->delimiter == '\n' || o->delimiter == '\r')
        return cx__error(CX_EINVAL, "cx_import_options: the delimiter cannot be a quote or a line break");
    if (o->local_utc_offset_minutes < -1439 || o->local_utc_offset_minutes > 1439)
        return cx__error(CX_EINVAL, "cx_import_options: local_utc_offset_minutes %d is outside -1439..1439",
                         (int)o->local_utc_offset_minutes);
    if (o->batch_rows > 100000000u)
        return cx__error(CX_EINVAL, "cx_import_options: batch_rows %zu is above 100000000", o->batch_rows);
    return CX_OK;
}

static const char *base_name(const char *name)
{
    const char *slash = strrchr(name, '/');
    return slash ? slash + 1 : name;
}

static const char *extension(const char *name)
{
    const char *dot = strrchr(base_name(name), '.');
    return dot ? dot + 1 : "";
}

static int infer_table(const char *name, cx_store_table *out)
{
    const char *base = base_name(name);
    const char *dot = strchr(base, '.');
    size_t n = dot ? (size_t)(dot - base) : strlen(base);
    char stem[64];
    if (n > 0 && n < sizeof stem) {
        memcpy(stem, base, n);
        stem[n] = '\0';
        if (cx_store_table_from_name(out, stem) == CX_OK)
            return CX_OK;
    }
    return cx__error(CX_EINVAL,
                     "cannot tell the table of \"%s\" from its name: call the file customers, touchpoints, events, "
                     "answers, tickets, ticket_events or comments (.csv or .jsonl), or name the table (--table)",
                     base);
}

/* The format from the extension, else from the first byte. */
static int infer_format(cx__import_job *job)
{
    const char *ext = extension(job->name);
    if (cx__ascii_iequal_n(ext, strlen(ext), "csv") || cx__ascii_iequal_n(ext, strlen(ext), "tsv")
        || cx__ascii_iequal_n(ext, strlen(ext), "tab")) {
        job->format = CX_IMPORT_CSV;
        if (job->opts.delimiter == 0 && !cx__ascii_iequal_n(ext, strlen(ext), "csv"))
            job->opts.delimiter = '\t';
        return CX_OK;
    }
    if (cx__ascii_iequal_n(ext, strlen(ext), "jsonl") || cx__ascii_iequal_n(ext, strlen(ext), "ndjson")
        || cx__ascii_iequal_n(ext, strlen(ext), "json")) {
        job->format = CX_IMPORT_JSONL;
        return CX_OK;
    }
    cx__source *src = &job->src;
    while (!src->eof && src->len - src->pos < 64) {
        int rc = cx__source_fill(src);
        if (rc != CX_OK)
            return rc;
    }
    size_t i = src->pos;
    if (i + 3 <= src->len && memcmp(src->buf + i, "\xEF\xBB\xBF", 3) == 0)
        i += 3;
    while (i < src->len && (src->buf[i] == ' ' || src->buf[i] == '\n' || src->buf[i] == '\r' || src->buf[i] == '\t'))
        i++;
    job->format = i < src->len && src->buf[i] == '{' ? CX_IMPORT_JSONL : CX_IMPORT_CSV;
    return CX_OK;
}

/* "field=column,field=column" into job->columns. */
static int apply_column_map(cx__import_job *job)
{
    const cx__store_table *t = job->t;
    for (size_t i = 0; i < t->n_fields; i++)
        snprintf(job->columns[i], sizeof job->columns[i], "%s", t->fields[i].name);
    const char *p = job->opts.column_map;
    bool mapped[CX__STORE_MAX_FIELDS] = { false };
    while (p != NULL && *p != '\0') {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        const char *eq = memchr(p, '=', n);
        if (eq == NULL || eq == p || eq == p + n - 1)
            return cx__error(CX_EINVAL, "column_map: \"%.*s\" is not field=column", (int)n, p);
        size_t fn = (size_t)(eq - p), cn = n - fn - 1;
        size_t f = 0;
        while (f < t->n_fields && !(strlen(t->fields[f].name) == fn && memcmp(t->fields[f].name, p, fn) == 0))
            f++;
        if (f == t->n_fields)
            return cx__error(CX_EINVAL, "column_map: \"%.*s\" is not a field of %s", (int)fn, p, t->name);
        if (mapped[f])
            return cx__error(CX_EINVAL, "column_map: field \"%s\" is mapped twice", t->fields[f].name);
        if (cn >= sizeof job->columns[f])
            return cx__error(CX_EINVAL, "column_map: the column name for \"%s\" is longer than %zu bytes",
                             t->fields[f].name, sizeof job->columns[f] - 1);
        memcpy(job->columns[f], eq + 1, cn);
        job->columns[f][cn] = '\0';
        mapped[f] = true;
        p = end ? end + 1 : p + n;
    }
    return CX_OK;
}

/* ---- locating errors ------------------------------------------------------- */

static void locate(const cx__locator *loc, size_t row, size_t field, char *buf, size_t cap)
{
    (void)row;
    const cx__import_job *job = loc->ctx;
    if (job->format == CX_IMPORT_CSV)
        snprintf(buf, cap, "%s:%llu:%d (%s)", job->name, (unsigned long long)job->row_line,
                 job->column_of[field] + 1, job->columns[field]);
    else
        snprintf(buf, cap, "%s:%llu (%s)", job->name, (unsigned long long)job->row_line, job->columns[field]);
}

/* "<where>: <reason>", the reason formatted from `fmt` with the value (cut
 * to 60 bytes) and an explanation. */
static int field_error(const cx__import_job *job, int code, size_t field, const char *fmt, const char *text,
                       size_t len, const char *why)
{
    cx__locator loc = { locate, job };
    char where[200], shown[80], reason[300];
    locate(&loc, 0, field, where, sizeof where);
    snprintf(shown, sizeof shown, "%.*s%s", len > 60 ? 60 : (int)len, text, len > 60 ? "..." : "");
    snprintf(reason, sizeof reason, fmt, shown, why);
    return cx__error(code, "%s: %s", where, reason);
}

/* ---- converting one row ------------------------------------------------------ */

#define ROW_AT(job, i) ((job)->rows + (i) * (job)->t->row_size)

static int convert_field(cx__import_job *job, size_t i, const char *text, size_t len, char *row)
{
    const cx__store_field *f = &job->t->fields[i];
    void *p = row + f->offset;
    char why[160];
    switch (f->kind) {
    case CX__FIELD_TEXT: {
        char *copy = arena_strndup(&job->arena, text, len);
        if (copy == NULL)
            return cx__nomem("staging imported rows");
        if (memchr(text, '\0', len) != NULL)
            return field_error(job, CX_EFORMAT, i, "\"%s\" contains a NUL byte%s", text, len, "");
        *(const char **)p = copy;
        return CX_OK;
    }
    case CX__FIELD_TIME:
        if (!cx__parse_time(text, len, &job->rules, (int64_t *)p, why, sizeof why))
            return field_error(job, CX_EFORMAT, i, "\"%s\" is not a valid time: %s", text, len, why);
        return CX_OK;
    case CX__FIELD_REAL:
        if (!cx__parse_real(text, len, (double *)p))
            return field_error(job, CX_EFORMAT, i, "\"%s\" is not a number%s", text, len, "");
        return CX_OK;
    case CX__FIELD_METRIC:
        if (!cx__parse_answer_metric(text, len, (cx_metric_kind *)p))
            return field_error(job, CX_EFORMAT, i, "\"%s\" is not a survey metric%s", text, len,
                               " (expected nps, csat, ces or fcr)");
        return CX_OK;
    case CX__FIELD_STATUS:
        if (!cx__parse_status(text, len, (cx_store_ticket_status *)p))
            return field_error(job, CX_EFORMAT, i, "\"%s\" is not a ticket status%s", text, len,
                               " (expected open, pending, resolved or closed)");
        return CX_OK;
    case CX__FIELD_TE_KIND:
        if (!cx__parse_te_kind(text, len, (cx_store_ticket_event_kind *)p))
            return field_error(job, CX_EFORMAT, i, "\"%s\" is not a ticket event kind%s", text, len,
                               " (expected opened, customer_message, agent_reply, note, resolved, reopened or closed)");
        return CX_OK;
    }
    return CX_OK;
}

static void set_absent(const cx__store_field *f, char *row)
{
    void *p = row + f->offset;
    switch (f->kind) {
    case CX__FIELD_TEXT: *(const char **)p = NULL; break;
    case CX__FIELD_TIME: *(int64_t *)p = CX_STORE_NO_TIME; break;
    case CX__FIELD_REAL: *(double *)p = NAN; break;
    default: *(int *)p = 0; break;
    }
}

/* Converts job->raw into the next staged row; on failure the staged
 * strings of the row are dropped. */
int cx__import_stage_row(cx__import_job *job)
{
    if (cx__grow((void **)&job->rows, &job->rows_cap, job->n_rows + 1, job->t->row_size, 1024) != CX_OK)
        return cx__nomem("staging imported rows");
    char *row = (char *)ROW_AT(job, job->n_rows);
    memset(row, 0, job->t->row_size);
    *(unsigned int *)(void *)row = 1;
    cx__arena_mark mark = arena_mark(&job->arena);
    int rc = CX_OK;
    for (size_t i = 0; rc == CX_OK && i < job->t->n_fields; i++) {
        if (job->raw[i] == NULL || job->raw_len[i] == 0)
            set_absent(&job->t->fields[i], row);
        else
            rc = convert_field(job, i, job->raw[i], job->raw_len[i], row);
    }
    cx__locator loc = { locate, job };
    if (rc == CX_OK && (rc = cx__store_validate_row(job->t, row, 0, &loc)) == CX_EINVAL) {
        /* A missing or malformed value is bad input here, not a bad argument. */
        char message[512];
        snprintf(message, sizeof message, "%s", cx_last_error());
        rc = cx__error(CX_EFORMAT, "%s", message);
    }
    if (rc != CX_OK) {
        arena_rollback(&job->arena, mark);
        return rc;
    }
    job->n_rows++;
    job->batch_last_line = job->row_line;
    return CX_OK;
}

/* ---- rejects ------------------------------------------------------------------- */

static int open_rejects(cx__import_job *job)
{
    if (!job->opts.skip_bad || job->opts.reject_path == NULL)
        return CX_OK;
    job->reject = fopen(job->opts.reject_path, "w");
    if (job->reject == NULL)
        return cx__error(CX_EIO, "cannot create the reject file %s: %s", job->opts.reject_path, strerror(errno));
    return CX_OK;
}

static int close_rejects(cx__import_job *job, int rc)
{
    if (job->reject == NULL)
        return rc;
    bool failed = ferror(job->reject) != 0;
    failed |= fclose(job->reject) != 0;
    job->reject = NULL;
    if (job->result.rejected == 0)
        remove(job->opts.reject_path);
    if (failed && rc == CX_OK)
        return cx__error(CX_EIO, "writing the reject file %s failed: %s", job->opts.reject_path, strerror(errno));
    return rc;
}

static void note_bad_row(cx__import_job *job)
{
    if (job->result.first_bad_line == 0) {
        job->result.first_bad_line = job->row_line;
        snprintf(job->result.first_bad_reason, sizeof job->result.first_bad_reason, "%s", cx_last_error());
    }
}

/* Records a bad row: counted, and written to the reject file. */
static int reject_row(cx__import_job *job)
{
    job->result.rejected++;
    note_bad_row(job);
    if (job->reject == NULL)
        return CX_OK;
    int rc = job->format == CX_IMPORT_CSV ? cx__import_reject_csv(job) : cx__import_reject_jsonl(job);
    if (rc == CX_OK && ferror(job->reject))
        rc = cx__error(CX_EIO, "writing the reject file %s failed: %s", job->opts.reject_path, strerror(errno));
    return rc;
}

/* ---- batches ------------------------------------------------------------------ */

static void fill_progress(const cx__import_job *job, cx_import_progress *p, int done)
{
    *p = (cx_import_progress){ CX_IMPORT_PROGRESS_VERSION,
                               job->name,
                               job->result.rows_read,
                               job->rows_committed,
                               job->result.rejected,
                               cx__source_offset(&job->src),
                               job->bytes_total,
                               job->result.batches,
                               done };
}

static int report_progress(cx__import_job *job, int done)
{
    if (job->opts.progress == NULL)
        return CX_OK;
    cx_import_progress p;
    fill_progress(job, &p, done);
    cx__error(CX_OK, "%s", ""); /* to tell whether the callback sets a message */
    int rc = job->opts.progress(&p, job->opts.payload);
    if (rc != CX_OK && cx_last_error_code() == CX_OK)
        cx__error(rc, "%s: the import was stopped by its progress callback (status %d)", job->name, rc);
    return rc;
}

static int commit_batch(cx__import_job *job)
{
    if (job->n_rows > 0) {
        cx_store_write_result counts = CX_STORE_WRITE_RESULT_INIT;
        int rc = cx__store_write_rows(job->s, job->t, job->rows, job->n_rows, &counts);
        if (rc != CX_OK)
            return rc;
        job->result.inserted += counts.inserted;
        job->result.updated += counts.updated;
        job->result.unchanged += counts.unchanged;
        job->result.batches++;
        job->result.last_committed_line = job->batch_last_line;
    }
    job->rows_committed = job->result.rows_read;
    job->n_rows = 0;
    arena_reset(&job->arena);
    return CX_OK;
}

/* One row has been read into job->raw (or failed to parse with `parse_rc`):
 * stage it or deal with it being bad. */
int cx__import_take_row(cx__import_job *job, int parse_rc)
{
    job->result.rows_read++;
    int rc = parse_rc == CX_OK ? cx__import_stage_row(job) : parse_rc;
    if (rc != CX_OK) {
        if (rc == CX_ENOMEM || rc == CX_EIO)
            return rc;
        if (!job->opts.skip_bad) {
            note_bad_row(job);
            return rc;
        }
        if ((rc = reject_row(job)) != CX_OK)
            return rc;
    }
    if (job->result.rows_read % PROGRESS_EVERY == 0 && (rc = report_progress(job, 0)) != CX_OK)
        return rc;
    if (job->n_rows >= job->batch_rows) {
        if ((rc = commit_batch(job)) != CX_OK || (rc = report_progress(job, 0)) != CX_OK)
            return rc;
    }
    return CX_OK;
}

static int finish(cx__import_job *job)
{
    int rc = commit_batch(job);
    if (rc == CX_OK)
        rc = report_progress(job, 1);
    return rc;
}

/* ---- the job --------------------------------------------------------------------- */

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The import log: one row per import, best effort (a full disk that
 * failed the import fails this too, and must not hide the first error). */
static void log_import(cx__import_job *job, int rc)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(job->s->db,
                           "INSERT INTO imports(source, table_name, format, started_ms, finished_ms, rows_read, "
                           "inserted, updated, unchanged, rejected, status) VALUES(?,?,?,?,?,?,?,?,?,?,?)",
                           -1, &st, NULL) != SQLITE_OK)
        return;
    const cx_import_result *r = &job->result;
    sqlite3_bind_text(st, 1, job->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, job->t->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, job->format == CX_IMPORT_CSV ? "csv" : "jsonl", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, job->started_ms);
    sqlite3_bind_int64(st, 5, now_ms());
    sqlite3_bind_int64(st, 6, (int64_t)r->rows_read);
    sqlite3_bind_int64(st, 7, (int64_t)r->inserted);
    sqlite3_bind_int64(st, 8, (int64_t)r->updated);
    sqlite3_bind_int64(st, 9, (int64_t)r->unchanged);
    sqlite3_bind_int64(st, 10, (int64_t)r->rejected);
    sqlite3_bind_text(st, 11, rc == CX_OK ? "ok" : cx_strerror(rc), -1, SQLITE_STATIC);
    sqlite3_step(st);
    sqlite3_finalize(st);
}

static void job_destroy(cx__import_job *job)
{
    if (job->reject != NULL)
        fclose(job->reject);
    cx__source_destroy(&job->src);
    arena_free(&job->arena);
    cx__free(job->rows);
}

static int run_job(cx__import_job *job)
{
    int rc = open_rejects(job);
    if (rc != CX_OK)
        return rc;
    rc = job->format == CX_IMPORT_CSV ? cx__import_csv(job) : cx__import_jsonl(job);
    if (rc == CX_OK)
        rc = finish(job);
    return close_rejects(job, rc);
}

static int prepare_job(cx__import_job *job, const cx_import_options *opts)
{
    cx_import_options defaults = CX_IMPORT_OPTIONS_INIT;
    int rc = check_import_options(opts ? opts : &defaults);
    if (rc != CX_OK)
        return rc;
    job->opts = opts ? *opts : defaults;
    job->batch_rows = job->opts.batch_rows ? job->opts.batch_rows : DEFAULT_BATCH_ROWS;
    job->rules = (cx__time_rules){ job->opts.epoch_unit, job->opts.accept_local_times != 0,
                                   job->opts.local_utc_offset_minutes };
    cx_store_table table = job->opts.table;
    if (table == 0 && (rc = infer_table(job->name, &table)) != CX_OK)
        return rc;
    job->t = cx__store_table_desc(table);
    job->result.table = table;
    if ((rc = apply_column_map(job)) != CX_OK)
        return rc;
    job->format = job->opts.format;
    if (job->format == CX_IMPORT_AUTO && (rc = infer_format(job)) != CX_OK)
        return rc;
    if (job->opts.delimiter == 0)
        job->opts.delimiter = ',';
    job->result.format = job->format;
    return CX_OK;
}

static int check_store(cx_store *s, const char *func)
{
    CX__CHECK_ARG(s, func);
    if (s->read_only)
        return cx__error(CX_EINVAL, "%s: %s was opened read-only; open it without CX_STORE_READ_ONLY to import", func,
                         s->path);
    return CX_OK;
}

/* Writes only the fields of the caller's version of cx_import_result. */
static void copy_result(cx_import_result *out, const cx_import_result *r)
{
    static const size_t sizes[CX_IMPORT_RESULT_VERSION] = { sizeof(cx_import_result) };
    if (out == NULL)
        return;
    cx_import_result copy = *r;
    copy.version = out->version;
    CX__COPY_VERSIONED(out, &copy, sizes);
}

/* Runs a job on an initialised source; the source is destroyed. */
static int import_source(cx_import_result *out, cx_store *s, cx__import_job *job, const cx_import_options *opts)
{
    job->s = s;
    job->started_ms = now_ms();
    job->result = (cx_import_result)CX_IMPORT_RESULT_INIT;
    int rc = prepare_job(job, opts);
    if (rc == CX_OK) {
        rc = run_job(job);
        log_import(job, rc);
    }
    copy_result(out, &job->result);
    job_destroy(job);
    return rc;
}

static int check_out(cx_import_result *out)
{
    return out == NULL ? CX_OK : cx__check_version(out->version, CX_IMPORT_RESULT_VERSION, "cx_import_result");
}

static int check_reject_path(const cx_import_options *opts, int input_fd)
{
    struct stat in, rej;
    if (opts == NULL || opts->reject_path == NULL || input_fd < 0 || fstat(input_fd, &in) != 0
        || stat(opts->reject_path, &rej) != 0)
        return CX_OK;
    if (in.st_dev == rej.st_dev && in.st_ino == rej.st_ino)
        return cx__error(CX_EINVAL, "the reject file %s is the input itself", opts->reject_path);
    return CX_OK;
}

int cx_store_import_fd(cx_import_result *out, cx_store *s, int fd, const char *name, const cx_import_options *opts)
{
    int rc;
    if ((rc = check_store(s, "cx_store_import_fd")) != CX_OK || (rc = check_out(out)) != CX_OK)
        return rc;
    CX__CHECK_ARG(name, "cx_store_import_fd");
    if (fd < 0)
        return cx__error(CX_EINVAL, "cx_store_import_fd: fd %d is not a file descriptor", fd);
    if ((rc = check_reject_path(opts, fd)) != CX_OK)
        return rc;
    cx__import_job job;
    memset(&job, 0, sizeof job);
    job.name = name;
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
        job.bytes_total = (uint64_t)st.st_size;
    cx__source_init_fd(&job.src, name, fd);
    return import_source(out, s, &job, opts);
}

int cx_store_import_file(cx_import_result *out, cx_store *s, const char *path, const cx_import_options *opts)
{
    int rc;
    if ((rc = check_store(s, "cx_store_import_file")) != CX_OK || (rc = check_out(out)) != CX_OK)
        return rc;
    CX__CHECK_ARG(path, "cx_store_import_file");
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return cx__error(errno == ENOENT ? CX_ENOTFOUND : CX_EIO, "cannot open %s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        close(fd);
        return cx__error(CX_EIO, "cannot import %s: it is a directory", path);
    }
    rc = cx_store_import_fd(out, s, fd, path, opts);
    close(fd);
    return rc;
}

int cx_store_import_memory(cx_import_result *out, cx_store *s, const void *data, size_t len, const char *name,
                           const cx_import_options *opts)
{
    int rc;
    if ((rc = check_store(s, "cx_store_import_memory")) != CX_OK || (rc = check_out(out)) != CX_OK)
        return rc;
    CX__CHECK_ARG(name, "cx_store_import_memory");
    if (data == NULL && len > 0)
        return cx__error(CX_EINVAL, "cx_store_import_memory: data is NULL with len = %zu", len);
    cx__import_job job;
    memset(&job, 0, sizeof job);
    job.name = name;
    job.bytes_total = len;
    cx__source_init_memory(&job.src, name, data, len);
    return import_source(out, s, &job, opts);
}
