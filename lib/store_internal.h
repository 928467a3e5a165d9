/*
 * The store's internals, shared by lib/store*.c: the handle, the table
 * descriptors that drive validation, SQL, reading and import, the fact-key
 * sets, and the text helpers the importers share.
 */
#ifndef CX_STORE_INTERNAL_H
#define CX_STORE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "core_internal.h"
#include "cx/store.h"
#include "hashmap_internal.h"

#define CX__STORE_TABLES 7      /* CX_STORE_CUSTOMERS .. CX_STORE_COMMENTS */
#define CX__STORE_MAX_FIELDS 12
/* application_id of a libcx store: "CXST". */
#define CX__STORE_APPLICATION_ID 0x43585354

/* ---- table descriptors ------------------------------------------------ */

typedef enum cx__field_kind {
    CX__FIELD_TEXT,      /* const char * */
    CX__FIELD_TIME,      /* int64_t ms, CX_STORE_NO_TIME when absent */
    CX__FIELD_REAL,      /* double, NaN when absent */
    CX__FIELD_METRIC,    /* cx_metric_kind: nps csat ces fcr */
    CX__FIELD_STATUS,    /* cx_store_ticket_status */
    CX__FIELD_TE_KIND    /* cx_store_ticket_event_kind */
} cx__field_kind;

typedef struct cx__store_field {
    const char *name;    /* import name = SQL column name ("timestamp" is stored as timestamp_ms) */
    const char *column;  /* SQL column */
    cx__field_kind kind;
    bool required;
    size_t offset;       /* in the row struct */
} cx__store_field;

typedef struct cx__store_table {
    cx_store_table table;
    const char *name;
    bool fact;                 /* append-only, deduplicated by key; else an entity (upsert) */
    const cx__store_field *fields;
    size_t n_fields;           /* field 0 is the id */
    size_t row_size;           /* sizeof the current row struct */
    int time_field;            /* index of the table's timestamp, or -1 */
    int customer_field;        /* index of customer_id, or -1 */
    int touchpoint_field;      /* index of touchpoint, or -1 */
} cx__store_table;

/* Descriptor of a table, or NULL for an unknown value. */
const cx__store_table *cx__store_table_desc(cx_store_table table);
/* Row size of a caller's struct version (the array stride), 0 if unknown. */
size_t cx__store_row_size(cx_store_table table, unsigned int version);

/* ---- the handle --------------------------------------------------------- */

/* Ids of the facts already stored, per fact table, loaded on first write. */
typedef struct cx__key_set {
    bool loaded;
    cx__hashmap keys;
} cx__key_set;

struct cx_store {
    sqlite3 *db;
    char *path;
    bool read_only;
    unsigned int schema_version;
    int64_t data_version;          /* PRAGMA data_version when the key sets were loaded */
    cx__key_set keys[CX__STORE_TABLES + 1];
    sqlite3_stmt *insert[CX__STORE_TABLES + 1]; /* prepared on first use */
    sqlite3_stmt *exists[CX__STORE_TABLES + 1]; /* entities: SELECT by id */
};

/* Records a SQLite failure as CX_EIO (CX_ENOMEM, CX_EINVAL for read-only)
 * with `what` and SQLite's message; returns the code. */
int cx__store_sqlite_error(const cx_store *s, int sqlite_rc, const char *what);
int cx__store_exec(cx_store *s, const char *sql, const char *what);
int cx__store_prepare(cx_store *s, sqlite3_stmt **out, const char *sql);

/* Schema: the migration steps from version i to i + 1, and applying them. */
typedef struct cx__store_migration {
    unsigned int to_version;
    const char *sql;
} cx__store_migration;

extern const cx__store_migration cx__store_migrations[];
extern const size_t cx__store_migration_count;
/* Brings the database from `from` to the last step's version, one
 * transaction per step. A failing step is rolled back and reported. */
int cx__store_migrate(cx_store *s, unsigned int from, const cx__store_migration *steps, size_t n_steps);

/* ---- writing --------------------------------------------------------- */

/* Where a bad field is: formats the prefix of an error message. */
typedef struct cx__locator {
    void (*format)(const struct cx__locator *loc, size_t row, size_t field, char *buf, size_t cap);
    const void *ctx;
} cx__locator;

/* Checks one typed row (all fields of the current version). */
int cx__store_validate_row(const cx__store_table *t, const void *row, size_t row_index, const cx__locator *loc);
/* Writes n validated rows (stride t->row_size) in one transaction;
 * all or nothing. Counts go to *result (may be NULL). */
int cx__store_write_rows(cx_store *s, const cx__store_table *t, const void *rows, size_t n,
                         cx_store_write_result *result);

/* The key of a fact row: its id, or "#" and 32 hex digits of a 128-bit
 * hash of its content. buf must hold 34 bytes. */
const char *cx__store_fact_key(const cx__store_table *t, const void *row, char buf[34]);

/* ---- text helpers shared by the importers ------------------------------ */

/* Parses a timestamp: ISO 8601 date-time with Z or an offset, a date, or an
 * epoch number. On failure writes the reason to `why`. */
typedef struct cx__time_rules {
    cx_epoch_unit epoch_unit;
    bool accept_local;
    int32_t local_offset_minutes;
} cx__time_rules;

bool cx__parse_time(const char *s, size_t n, const cx__time_rules *rules, int64_t *out, char *why, size_t why_cap);
bool cx__parse_real(const char *s, size_t n, double *out);
/* Ticket status and event kind names (with synonyms); metric names. */
bool cx__parse_status(const char *s, size_t n, cx_store_ticket_status *out);
bool cx__parse_te_kind(const char *s, size_t n, cx_store_ticket_event_kind *out);
bool cx__parse_answer_metric(const char *s, size_t n, cx_metric_kind *out);
const char *cx__status_name(cx_store_ticket_status status);
const char *cx__te_kind_name(cx_store_ticket_event_kind kind);
bool cx__ascii_iequal_n(const char *a, size_t n, const char *b);


/* Timestamps accepted anywhere in the store: years 0000..9999. */
#define CX__STORE_TIME_MIN (-62167219200000LL) /* 0000-01-01T00:00:00Z */
#define CX__STORE_TIME_MAX (253402300799999LL) /* 9999-12-31T23:59:59.999Z */

#endif /* CX_STORE_INTERNAL_H */
