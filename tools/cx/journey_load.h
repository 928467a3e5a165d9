/* Journeys from a store or an events file, for `cx journey` and the
 * report's funnel and journey sections: the store's touchpoints (channel,
 * stage) become the journey's registry, its events are observed in bulk. */
#ifndef CX_JOURNEY_LOAD_H
#define CX_JOURNEY_LOAD_H

#include "cli.h"

/* Default inactivity gap of the report's journeys: a week. */
#define JOURNEY_REPORT_GAP_MS (7LL * 86400000)

typedef struct journey_setup {
    const char *stages;  /* "a,b,c": the funnel's stages in order; NULL: the touchpoints' stages in stored order */
    const char *goals;   /* "b,c": goal stages; NULL: the stages of the touchpoints with purchase events */
    int64_t gap_ms;      /* inactivity gap; 0: one journey per customer */
    const char *column_map; /* events file: other column names ("field=column,...") */
    cx_store_filter filter; /* events read (time range) */
    char error[256];     /* why a stage or goal list was refused (status CX_EINVAL) */
} journey_setup;

void journey_setup_init(journey_setup *setup);

/* Builds the journey of a store's events. Returns a libcx status; a bad
 * stage or goal list is CX_EINVAL with setup->error set. */
int journey_from_store(cx_journey **out, cx_store *store, journey_setup *setup);

/* Reads an events file (CSV or JSON Lines; "-" for standard input) into a
 * private in-memory store with the store's importer, then builds its
 * journey. Epoch numbers are milliseconds, date-times without a zone UTC;
 * setup->column_map applies. */
int journey_from_file(cx_journey **out, const char *path, journey_setup *setup);

/* Terminal tables (journey_text.c): the funnel with its intervals; the
 * first `top` edges of a graph ordered by cases lost (or, by_time, by time
 * x volume); the `top` most frequent paths. */
void journey_print_funnel(FILE *out, const cx_funnel *f);
void journey_print_edges(FILE *out, const cx_dfg *g, size_t top, bool by_time);
void journey_print_variants(FILE *out, const cx_variants *v, size_t top, bool goals);

/* "90s", "30m", "12h", "7d" or seconds ("3600") to ms; false if malformed. */
bool journey_parse_gap(const char *s, int64_t *out);

#endif
