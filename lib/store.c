/* The store: opening, schema versions and migrations, counts. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store_internal.h"

static const char *const table_names[] = { NULL,      "customers", "touchpoints",   "events",
                                           "answers", "tickets",   "ticket_events", "comments" };

const char *cx_store_table_name(cx_store_table table)
{
    return cx__store_table_desc(table) != NULL ? table_names[table] : NULL;
}

int cx_store_table_from_name(cx_store_table *out, const char *name)
{
    CX__CHECK_ARG(out, "cx_store_table_from_name");
    CX__CHECK_ARG(name, "cx_store_table_from_name");
    size_t n = strlen(name);
    for (int t = CX_STORE_CUSTOMERS; t <= CX_STORE_COMMENTS; t++) {
        if (cx__ascii_iequal_n(name, n, table_names[t])) {
            *out = (cx_store_table)t;
            return CX_OK;
        }
    }
    if (cx__ascii_iequal_n(name, n, "survey_answers") || cx__ascii_iequal_n(name, n, "surveys")) {
        *out = CX_STORE_ANSWERS;
        return CX_OK;
    }
    return cx__error(CX_ENOTFOUND,
                     "unknown table \"%.64s\" (expected customers, touchpoints, events, answers, tickets, "
                     "ticket_events or comments)",
                     name);
}

/* ---- SQLite helpers ---------------------------------------------------- */

int cx__store_sqlite_error(const cx_store *s, int sqlite_rc, const char *what)
{
    const char *path = s != NULL && s->path != NULL ? s->path : "store";
    const char *msg = s != NULL && s->db != NULL ? sqlite3_errmsg(s->db) : sqlite3_errstr(sqlite_rc);
    switch (sqlite_rc & 0xff) {
    case SQLITE_NOMEM:
        return cx__error(CX_ENOMEM, "out of memory in SQLite while %s", what);
    case SQLITE_FULL:
        return cx__error(CX_EIO, "%s: disk full while %s (%s)", path, what, msg);
    case SQLITE_READONLY:
        return cx__error(CX_EIO, "%s: the store is read-only while %s (%s)", path, what, msg);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return cx__error(CX_EIO, "%s: the store is locked by another writer while %s (%s); try again", path, what,
                         msg);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return cx__error(CX_EFORMAT, "%s: the store file is damaged or not a database while %s (%s)", path, what,
                         msg);
    case SQLITE_IOERR: {
        /* The system's reason says more than "disk I/O error" (a file size
         * limit, a vanished device). */
        int sys = s != NULL && s->db != NULL ? sqlite3_system_errno(s->db) : 0;
        if (sys == ENOSPC)
            return cx__error(CX_EIO, "%s: disk full while %s (%s)", path, what, strerror(sys));
        if (sys != 0)
            return cx__error(CX_EIO, "%s: reading or writing the store failed while %s: %s: %s", path, what, msg,
                             strerror(sys));
        return cx__error(CX_EIO, "%s: reading or writing the store failed while %s: %s (a full disk, a file size "
                         "limit or a failing device)", path, what, msg);
    }
    default:
        return cx__error(CX_EIO, "%s: SQLite failed while %s: %s", path, what, msg);
    }
}

int cx__store_exec(cx_store *s, const char *sql, const char *what)
{
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? CX_OK : cx__store_sqlite_error(s, rc, what);
}

int cx__store_prepare(cx_store *s, sqlite3_stmt **out, const char *sql)
{
    int rc = sqlite3_prepare_v2(s->db, sql, -1, out, NULL);
    return rc == SQLITE_OK ? CX_OK : cx__store_sqlite_error(s, rc, "preparing a statement");
}

static int query_int(cx_store *s, const char *sql, int64_t *out)
{
    sqlite3_stmt *st = NULL;
    int rc = cx__store_prepare(s, &st, sql);
    if (rc != CX_OK)
        return rc;
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        *out = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        return CX_OK;
    }
    rc = cx__store_sqlite_error(s, step, "reading the store's header");
    sqlite3_finalize(st);
    return rc;
}

/* ---- schema versions ---------------------------------------------------- */

static int apply_step(cx_store *s, const cx__store_migration *step)
{
    char what[64];
    snprintf(what, sizeof what, "migrating the schema to version %u", step->to_version);
    int rc = cx__store_exec(s, "BEGIN IMMEDIATE", what);
    if (rc != CX_OK)
        return rc;
    char pragma[96];
    snprintf(pragma, sizeof pragma, "PRAGMA application_id = %d; PRAGMA user_version = %u;",
             CX__STORE_APPLICATION_ID, step->to_version);
    if ((rc = cx__store_exec(s, step->sql, what)) != CX_OK || (rc = cx__store_exec(s, pragma, what)) != CX_OK
        || (rc = cx__store_exec(s, "COMMIT", what)) != CX_OK) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    s->schema_version = step->to_version;
    return CX_OK;
}

int cx__store_migrate(cx_store *s, unsigned int from, const cx__store_migration *steps, size_t n_steps)
{
    for (size_t i = 0; i < n_steps; i++) {
        if (steps[i].to_version <= from)
            continue;
        int rc = apply_step(s, &steps[i]);
        if (rc != CX_OK)
            return rc;
    }
    return CX_OK;
}

/* A database that is neither empty nor marked as a libcx store is someone
 * else's: refuse it rather than add tables to it. */
static int check_schema(cx_store *s, const cx_store_options *opts)
{
    int64_t app_id = 0, version = 0, objects = 0;
    int rc;
    if ((rc = query_int(s, "PRAGMA application_id", &app_id)) != CX_OK
        || (rc = query_int(s, "PRAGMA user_version", &version)) != CX_OK
        || (rc = query_int(s, "SELECT count(*) FROM sqlite_schema", &objects)) != CX_OK)
        return rc;
    if (objects > 0 && app_id != CX__STORE_APPLICATION_ID)
        return cx__error(CX_EFORMAT, "%s is an SQLite database but not a libcx store (application_id %lld)", s->path,
                         (long long)app_id);
    unsigned int newest = cx__store_migrations[cx__store_migration_count - 1].to_version;
    if (version > (int64_t)newest)
        return cx__error(CX_EVERSION, "%s has schema version %lld, newer than this libcx supports (%u); use a newer libcx",
                         s->path, (long long)version, newest);
    s->schema_version = (unsigned int)version;
    if (version == (int64_t)newest)
        return CX_OK;
    if (opts->flags & CX_STORE_READ_ONLY)
        return cx__error(CX_EVERSION, "%s has schema version %lld and needs migrating to %u; open it once for writing",
                         s->path, (long long)version, newest);
    return cx__store_migrate(s, (unsigned int)version, cx__store_migrations, cx__store_migration_count);
}

static bool is_memory_path(const char *path)
{
    return strcmp(path, ":memory:") == 0;
}

static int check_options(const cx_store_options *opts)
{
    int rc = cx__check_version(opts->version, CX_STORE_OPTIONS_VERSION, "cx_store_options");
    if (rc != CX_OK)
        return rc;
    if (opts->flags & ~(CX_STORE_READ_ONLY | CX_STORE_MUST_EXIST))
        return cx__error(CX_EINVAL, "cx_store_open: unknown flags 0x%x (known: CX_STORE_READ_ONLY, CX_STORE_MUST_EXIST)",
                         opts->flags & ~(CX_STORE_READ_ONLY | CX_STORE_MUST_EXIST));
    if (opts->busy_timeout_ms < 0 || opts->busy_timeout_ms > 3600000)
        return cx__error(CX_EINVAL, "cx_store_open: busy_timeout_ms %d is outside 0..3600000", opts->busy_timeout_ms);
    return CX_OK;
}

/* Checks the file before SQLite sees it, for messages a user can act on. */
static int check_file(const char *path, const cx_store_options *opts)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        if (errno == ENOENT && (opts->flags & (CX_STORE_MUST_EXIST | CX_STORE_READ_ONLY)))
            return cx__error(CX_ENOTFOUND, "store %s does not exist", path);
        if (errno == ENOENT)
            return CX_OK;
        return cx__error(CX_EIO, "store %s: %s", path, strerror(errno));
    }
    if (S_ISDIR(st.st_mode))
        return cx__error(CX_EIO, "store %s is a directory", path);
    return CX_OK;
}

static int sqlite_open(cx_store *s, const char *name, int flags)
{
    int rc = sqlite3_open_v2(name, &s->db, flags | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK)
        return rc == SQLITE_NOMEM ? cx__nomem("opening the store")
                                  : cx__error(CX_EIO, "cannot open store %s: %s", s->path,
                                              s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
    sqlite3_extended_result_codes(s->db, 1);
    return CX_OK;
}

/* A WAL store in a place the reader cannot write (a read-only file, a
 * directory of another user) cannot get its shared-memory file. Without a
 * write-ahead log left behind, nothing is pending in one: the file alone is
 * the whole store, and SQLite may read it as immutable. */
static int reopen_immutable(cx_store *s)
{
    char *wal = cx__malloc(strlen(s->path) + 5);
    if (wal == NULL)
        return cx__nomem("opening the store");
    sprintf(wal, "%s-wal", s->path);
    bool pending = access(wal, F_OK) == 0;
    cx__free(wal);
    if (pending)
        return cx__error(CX_EIO, "store %s cannot be read: its write-ahead log %s-wal needs a writable directory",
                         s->path, s->path);
    cx_buffer uri = CX_BUFFER_INIT;
    int rc = cx__buffer_printf(&uri, "file:");
    for (const char *p = s->path; rc == CX_OK && *p; p++)
        rc = *p == '%' || *p == '?' || *p == '#' ? cx__buffer_printf(&uri, "%%%02X", (unsigned char)*p)
                                                 : cx__buffer_append(&uri, p, 1);
    if (rc == CX_OK)
        rc = cx__buffer_printf(&uri, "?immutable=1");
    if (rc != CX_OK) {
        cx_buffer_dispose(&uri);
        return cx__nomem("opening the store");
    }
    sqlite3_close(s->db);
    s->db = NULL;
    rc = sqlite_open(s, uri.data, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI);
    cx_buffer_dispose(&uri);
    return rc;
}

static int open_db(cx_store *s, const cx_store_options *opts)
{
    bool memory = is_memory_path(s->path);
    s->read_only = (opts->flags & CX_STORE_READ_ONLY) != 0;
    int rc = sqlite_open(s, s->path, s->read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (rc != CX_OK)
        return rc;
    sqlite3_busy_timeout(s->db, opts->busy_timeout_ms);
    if (!s->read_only && !memory && sqlite3_db_readonly(s->db, "main") == 1)
        return cx__error(CX_EIO, "store %s is read-only (file or directory permissions); open it read-only or make it "
                         "writable", s->path);
    int64_t ignored;
    if (s->read_only && !memory && query_int(s, "PRAGMA application_id", &ignored) != CX_OK
        && (sqlite3_extended_errcode(s->db) & 0xff) == SQLITE_READONLY && (rc = reopen_immutable(s)) != CX_OK)
        return rc;
    if ((rc = query_int(s, "PRAGMA application_id", &ignored)) != CX_OK)
        return rc;
    if (!s->read_only) {
        /* WAL: readers and one writer at a time; NORMAL sync is safe
         * against application crashes (a power cut may lose the last
         * commits, never consistency). */
        const char *pragmas = memory ? "PRAGMA synchronous = OFF;"
                                     : "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;";
        if ((rc = cx__store_exec(s, pragmas, "setting the journal mode")) != CX_OK)
            return rc;
    }
    return cx__store_exec(s, "PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;", "setting the cache size");
}

void cx_store_close(cx_store *s)
{
    if (s == NULL)
        return;
    for (int t = 0; t <= CX__STORE_TABLES; t++) {
        sqlite3_finalize(s->insert[t]);
        sqlite3_finalize(s->exists[t]);
        cx__hashmap_destroy(&s->keys[t].keys);
    }
    sqlite3_close(s->db);
    cx__free(s->path);
    cx__free(s);
}

int cx_store_open(cx_store **out, const char *path, const cx_store_options *opts)
{
    CX__CHECK_ARG(out, "cx_store_open");
    *out = NULL;
    CX__CHECK_ARG(path, "cx_store_open");
    cx_store_options defaults = CX_STORE_OPTIONS_INIT;
    if (opts == NULL)
        opts = &defaults;
    int rc = check_options(opts);
    if (rc != CX_OK)
        return rc;
    if (*path == '\0')
        return cx__error(CX_EINVAL, "cx_store_open: the path is empty (use \":memory:\" for an in-memory store)");
    if (!is_memory_path(path) && (rc = check_file(path, opts)) != CX_OK)
        return rc;
    cx_store *s = cx__calloc(1, sizeof *s);
    if (s == NULL || (s->path = cx__strdup(path)) == NULL) {
        cx__free(s);
        return cx__nomem("opening the store");
    }
    for (int t = 0; t <= CX__STORE_TABLES; t++)
        cx__hashmap_init(&s->keys[t].keys);
    if ((rc = open_db(s, opts)) != CX_OK || (rc = check_schema(s, opts)) != CX_OK) {
        cx_store_close(s);
        return rc;
    }
    *out = s;
    return CX_OK;
}

int cx_store_schema_version(unsigned int *out, const cx_store *s)
{
    CX__CHECK_ARG(out, "cx_store_schema_version");
    CX__CHECK_ARG(s, "cx_store_schema_version");
    *out = s->schema_version;
    return CX_OK;
}

int cx_store_count(uint64_t *out, cx_store *s, cx_store_table table)
{
    CX__CHECK_ARG(out, "cx_store_count");
    CX__CHECK_ARG(s, "cx_store_count");
    const cx__store_table *t = cx__store_table_desc(table);
    if (t == NULL)
        return cx__error(CX_EINVAL, "cx_store_count: unknown table %d", (int)table);
    char sql[64];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", t->name);
    int64_t n = 0;
    int rc = query_int(s, sql, &n);
    if (rc == CX_OK)
        *out = (uint64_t)n;
    return rc;
}

int cx_store_time_span(int64_t *first_out, int64_t *last_out, cx_store *s, cx_store_table table)
{
    CX__CHECK_ARG(first_out, "cx_store_time_span");
    CX__CHECK_ARG(last_out, "cx_store_time_span");
    CX__CHECK_ARG(s, "cx_store_time_span");
    const cx__store_table *t = cx__store_table_desc(table);
    if (t == NULL || t->time_field < 0)
        return cx__error(CX_EINVAL, "cx_store_time_span: table %d has no timestamp", (int)table);
    const char *col = t->fields[t->time_field].column;
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT min(%s), max(%s) FROM %s", col, col, t->name);
    sqlite3_stmt *st = NULL;
    int rc = cx__store_prepare(s, &st, sql);
    if (rc != CX_OK)
        return rc;
    *first_out = *last_out = CX_STORE_NO_TIME;
    int step = sqlite3_step(st);
    if (step != SQLITE_ROW)
        rc = cx__store_sqlite_error(s, step, "reading a time span");
    else if (sqlite3_column_type(st, 0) == SQLITE_NULL)
        rc = cx__error(CX_EEMPTY, "%s holds no timestamps", t->name);
    else {
        *first_out = sqlite3_column_int64(st, 0);
        *last_out = sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    return rc;
}
