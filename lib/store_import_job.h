/*
 * An import job, shared by the import driver (store_import.c) and the
 * format readers (store_import_csv.c, store_import_jsonl.c).
 */
#ifndef CX_STORE_IMPORT_JOB_H
#define CX_STORE_IMPORT_JOB_H

#include <stdio.h>

#include "store_import_internal.h"
#include "store_internal.h"

typedef struct cx__arena_block {
    char *data;
    size_t used;
} cx__arena_block;

typedef struct cx__arena {
    cx__arena_block *blocks;
    size_t count, cap, current;
    char **big;
    size_t n_big, big_cap;
} cx__arena;

typedef struct cx__arena_mark {
    size_t block, used, n_big;
} cx__arena_mark;

typedef struct cx__import_job {
    cx_store *s;
    const cx__store_table *t;
    cx_import_options opts;       /* resolved: delimiter set */
    cx__time_rules rules;
    size_t batch_rows;
    const char *name;
    cx_import_format format;
    cx__source src;
    uint64_t bytes_total;
    int64_t started_ms;
    /* Columns: the name each field is read from, and (CSV) its position. */
    char columns[CX__STORE_MAX_FIELDS][128];
    int column_of[CX__STORE_MAX_FIELDS];   /* CSV: 0-based column, -1 when absent */
    /* The row being converted: raw text per field (NULL when absent). */
    const char *raw[CX__STORE_MAX_FIELDS];
    size_t raw_len[CX__STORE_MAX_FIELDS];
    uint64_t row_line;
    /* Staged rows of the current batch. */
    unsigned char *rows;
    size_t n_rows, rows_cap;
    cx__arena arena;
    uint64_t batch_last_line;
    uint64_t rows_committed;
    FILE *reject;
    bool reject_started;
    void *reader;                 /* the format reader's state, for rejects */
    cx_import_result result;
} cx__import_job;

/* Driver (store_import.c). */
int cx__import_stage_row(cx__import_job *job);
int cx__import_take_row(cx__import_job *job, int parse_rc);

/* Readers: read every row, calling cx__import_take_row for each. */
int cx__import_csv(cx__import_job *job);
int cx__import_jsonl(cx__import_job *job);
int cx__import_reject_csv(cx__import_job *job);
int cx__import_reject_jsonl(cx__import_job *job);

#endif /* CX_STORE_IMPORT_JOB_H */
