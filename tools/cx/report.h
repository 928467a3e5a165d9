/*
 * `cx report` is a list of sections (report_sections.def). Each reads what
 * it needs from the store into its own state, then writes itself as text,
 * as a JSON member and as an HTML <section>. Sections know nothing of each
 * other.
 */
#ifndef CX_REPORT_H
#define CX_REPORT_H

#include <stdio.h>

#include "cli.h"
#include "json_writer.h"

typedef struct report_ctx {
    cx_store *store;
    const char *store_path;
    cx_store_filter filter;     /* time range of the report */
    cx_period period;           /* trend buckets */
    const char *period_name;    /* "week" or "month" */
    double confidence;
    uint64_t min_count;         /* groups with fewer answers are suppressed */
    int64_t first_ms, last_ms;  /* the data's span (events and answers) */
    const cx_calendar *calendar; /* business hours (--calendar), or NULL */
    const char *calendar_path;
} report_ctx;

typedef struct report_section {
    const char *name;           /* JSON member and HTML id */
    const char *title;
    /* Reads the store; *state is the section's (freed by release). Returns
     * a libcx status. */
    int (*collect)(const report_ctx *ctx, void **state);
    void (*text)(const report_ctx *ctx, const void *state, FILE *out);
    void (*json)(const report_ctx *ctx, const void *state, jw *w);
    void (*html)(const report_ctx *ctx, const void *state, FILE *out);
    void (*release)(void *state);
} report_section;

#define REPORT_SECTION(name) extern const report_section report_##name;
#include "report_sections.def"
#undef REPORT_SECTION

/* ---- helpers shared by the sections (report_util.c) ---------------------- */

/* A calculator result as JSON: value, std_error, ci_low, ci_high, count. */
void report_json_result(jw *w, const cx_metric_result *r);
/* The result of a calculator (NULL: CX_EEMPTY). */
int report_result(const cx_metric *m, cx_metric_result *r);
/* HTML-escaped text. */
void html_text(FILE *out, const char *s);
/* A metric's display name and unit: "NPS", ""; "CSAT", " %"; ... */
const char *report_metric_label(cx_metric_kind kind);
const char *report_metric_unit(cx_metric_kind kind);

/* Small string-keyed tallies (touchpoints, channels, months). */
typedef struct tally_entry {
    char *key;
    uint64_t count;
    double sum;
    void *data;                 /* owned by the user of the tally */
    size_t hash;
} tally_entry;

typedef struct tally {
    tally_entry *items;
    size_t count, cap;
    size_t *slots;              /* index + 1; open addressing */
    size_t n_slots;
} tally;

void tally_init(tally *t);
void tally_free(tally *t);
/* The entry of `key`, created with count 0 if new; NULL when out of memory. */
tally_entry *tally_get(tally *t, const char *key);
/* Sorts entries by count, descending (ties by key). Invalidates lookups. */
void tally_sort_by_count(tally *t);
void tally_sort_by_key(tally *t);

#endif
