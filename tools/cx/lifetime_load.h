/* Per-customer purchase summaries for `cx lifetime`: from a summary file
 * (customer_id, frequency, recency, T, optional monetary_value) or from a
 * store's purchase events (cx_lifetime_summary_new). */
#ifndef CX_LIFETIME_LOAD_H
#define CX_LIFETIME_LOAD_H

#include "cli.h"

typedef struct lifetime_rows {
    size_t n;
    const char *const *ids;     /* n ids ("" when the file has no id column) */
    const double *x, *t_x, *T;  /* frequency, recency, age */
    const double *m;            /* mean value per repeat purchase, or NULL */
    int64_t calibration_end_ms; /* store: the calibration end used */
    size_t skipped;             /* store: customers first buying after it */
    uint64_t purchases;         /* store: purchase events read */
    bool from_store;
    void *owner;                /* what holds the arrays */
} lifetime_rows;

/* Reads a summary CSV file ("-": standard input). Columns by name:
 * customer_id (or id, ID; optional), frequency (or x), recency (or t_x), T,
 * monetary_value (or monetary, zbar; optional). On failure returns a cx
 * exit code after printing "cx lifetime: FILE:LINE: reason". */
int lifetime_rows_from_csv(lifetime_rows *out, const char *path);

/* Summaries of the store's purchase events (type "purchase"; their values
 * when every purchase has one). Returns a libcx status. */
int lifetime_rows_from_store(lifetime_rows *out, cx_store *store, const cx_lifetime_summary_options *opts);

void lifetime_rows_free(lifetime_rows *rows);

#endif
