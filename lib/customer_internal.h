/*
 * Internal layout of cx_customers, shared by the customer*.c files (not by
 * other modules, which use cx/customer.h).
 *
 * Per-customer state is kept small (see docs/performance.md): decayed sums
 * are floats relative to the customer's latest event, survey answers keep
 * only counts, sums and the latest value. The optional history is one
 * columnar log of every event with, per record, a backward chain through it.
 */
#ifndef CX_CUSTOMER_INTERNAL_H
#define CX_CUSTOMER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cx/customer.h"
#include "hashmap_internal.h"

/* About year +/-100000, as the group module: keeps date arithmetic safe. */
#define CX__TIME_LIMIT_MS 3155760000000000LL
#define CX__MS_PER_DAY 86400000.0

/* Log-only pseudo kind: the first-seen time given when the customer was added. */
#define CX__EVENT_CREATED 0

/*
 * Decayed sums are kept relative to a per-customer epoch E (whole hours):
 * S = sum_i x_i exp(lambda (t_i - E)), so that an event adds one term to
 * its own sums and touches nothing else; S as of T is S exp(-lambda (T - E)).
 * The epoch moves forward (rescaling every sum) only when exp(lambda_recent
 * (t - E)) would pass e^40, about every 58 recent half-lives.
 */
#define CX__EPOCH_LIMIT 40.0
#define CX__MS_PER_HOUR 3600000LL

enum { D_RECENT_X, D_RECENT_W, D_BASELINE_X, D_BASELINE_W }; /* layout of a 4-float sum */

/* What most events touch, in one 64-byte cache line per customer. */
typedef struct cx__hot {
    int64_t first_seen;       /* given or earliest event; CX_TIME_NONE */
    uint32_t parent;          /* itself, or the record it was merged into */
    uint32_t complaints, resolved; /* checking a batch reads only the fields up to here */
    uint32_t interactions;
    int64_t last_seen;        /* latest event */
    int32_t epoch_hours;      /* E of the decayed sums, hours since 1970 */
    float inter[2];           /* interactions: recent, baseline (weights only) */
    uint32_t replies;
    float latency[4];         /* reply seconds: recent x, w, baseline x, w */
} cx__hot;

/* The rest, grouped by the kind of event that touches it (without padding),
 * so that recording an event fetches only its group's one or two lines. */
typedef struct cx__cold {
    int64_t first_purchase, prev_purchase, last_purchase; /* earliest, second latest, latest */
    double monetary;
    uint32_t purchases;
    uint32_t nps_n;
    int64_t last_nps;
    int64_t last_complaint;
    uint8_t nps_value, csat_value, ces_value; /* latest answers (CSAT, CES as offsets from the scale minimum) */
    uint8_t flags;
    uint32_t csat_n;
    int64_t last_csat;
    float csat[2];            /* recent x, w */
    float csat_sum;
    uint32_t ces_n;
    int64_t last_ces;
    float ces[2];             /* recent x, w */
    float ces_sum;
    uint32_t sentiment_n;
    int64_t last_sentiment;
    float sentiment[4];       /* recent x, w, baseline x, w */
} cx__cold;

#define CX__CUST_ABSORBED 0x01u /* some id was merged into this one */

/* A whole state, as a value (replay, merge). */
typedef struct cx__cust {
    cx__hot hot;
    cx__cold cold;
} cx__cust;

/* One attribute value of a record. */
typedef struct cx__attr_entry {
    uint32_t attr;            /* definition number */
    uint32_t merge_id;        /* merge (1-based) that produced the value, 0 if set directly */
    int64_t updated;
    union {
        double number;
        int64_t time;
        uint32_t string;      /* index in the string pool */
        int32_t boolean;
    } v;
} cx__attr_entry;

typedef struct cx__attr_list {
    cx__attr_entry *items;    /* sorted by attr */
    uint32_t count, cap;
} cx__attr_list;

typedef struct cx__attr_def {
    cx_attr_type type;
    cx_survivorship survivorship;
    cx_survivorship_fn merge_fn;
    void *payload;
    void (*destroy)(void *payload);
} cx__attr_def;

typedef struct cx__merge {
    uint32_t survivor, absorbed;
    int64_t at_ms;
    bool undone;
    uint32_t consent_before, consent_after; /* survivor's */
    cx__attr_list survivor_attrs;          /* the survivor's attributes before the merge */
} cx__merge;

/* The event history: fixed-size chunks, so it grows without copying and
 * holds at most one partly used chunk of slack. */
#define CX__LOG_CHUNK_BITS 14
#define CX__LOG_CHUNK (1u << CX__LOG_CHUNK_BITS)

typedef struct cx__log_chunk {
    int64_t time[CX__LOG_CHUNK];
    double value[CX__LOG_CHUNK];
    uint32_t prev[CX__LOG_CHUNK];   /* previous entry of the same record + 1; 0 ends the chain */
    uint8_t kind[CX__LOG_CHUNK];
} cx__log_chunk;

typedef struct cx__log {
    cx__log_chunk **chunks;
    size_t chunk_count, chunk_cap;
    size_t len;
} cx__log;

/* One log entry, read or written in place. */
#define CX__LOG_AT(log, i) ((log)->chunks[(i) >> CX__LOG_CHUNK_BITS])
#define CX__LOG_SLOT(i) ((i) & (CX__LOG_CHUNK - 1))

struct cx_customers {
    cx_customers_options opts;
    double lambda_recent, lambda_baseline; /* decay rates per ms: ln 2 / half-life */
    unsigned half_life_ratio;  /* baseline / recent half-life when a whole number (2..64), else 0 */
    cx__hashmap ids;
    cx__hot *hot;             /* per record, 64-byte aligned inside hot_block */
    void *hot_block;
    cx__cold *cold;           /* per record */
    uint32_t *consent;        /* per record, allocated with the first consent set */
    size_t cust_cap;
    uint32_t *log_head;       /* per record: latest log entry + 1 (history only) */
    cx__log log;
    cx__hashmap attr_names;
    cx__attr_def *attr_defs;
    size_t attr_defs_cap;
    cx__attr_list *attrs;     /* per record, allocated with the first attribute value */
    cx__hashmap strings;      /* pool of string values */
    cx__merge *merges;
    size_t merge_count, merge_cap;
};

/* ---- customer.c ---- */
/* Validates an id; `where` prefixes the message ("customers[3]: "). */
int cx__customer_check_id(const char *id, const char *where);
int cx__customer_check_time(int64_t t, const char *what, const char *where);
/* Record number of an id, or CX_ENOTFOUND naming it. */
int cx__customer_lookup(const cx_customers *db, const char *id, uint32_t *index, const char *where);
/* Follows merges to the record that answers for `index`. */
static inline uint32_t cx__customer_root(const cx_customers *db, uint32_t index)
{
    while (db->hot[index].parent != index)
        index = db->hot[index].parent;
    return index;
}
static inline uint32_t cx__consent(const cx_customers *db, uint32_t index)
{
    return db->consent ? db->consent[index] : 0;
}
/* Writes "2026-01-31T12:00:00.000Z" (buf of at least 32 bytes). */
void cx__format_time(char *buf, size_t size, int64_t ms);
/* Grows the per-record arrays to hold `need` records. */
int cx__customers_reserve(cx_customers *db, size_t need);
/* Grows the log to hold `extra` more entries. */
int cx__log_reserve(cx_customers *db, size_t extra);
void cx__log_append(cx_customers *db, uint32_t record, int64_t t, uint8_t kind, double value);

/* ---- customer_signals.c ---- */
void cx__cust_reset(cx__cust *c);
void cx__cust_load(const cx_customers *db, uint32_t index, cx__cust *out);
void cx__cust_store(cx_customers *db, uint32_t index, const cx__cust *in);
/* Folds one event into a state; `count_complaints` false when a batch
 * already counted them while validating. */
void cx__cust_fold(const cx_customers *db, cx__hot *h, cx__cold *c, int64_t t, int kind, double value,
                   bool count_complaints);
/* Combines state `from` into `into` (merge). */
void cx__cust_combine(const cx_customers *db, cx__cust *into, const cx__cust *from);
/* Signals of a state as of `as_of`, which is not before its latest event. */
void cx__cust_signals(const cx_customers *db, const cx__hot *h, const cx__cold *c, int64_t as_of,
                      cx_customer_signals *s);
/* Member records of a root (itself and the ids merged into it, transitively). */
int cx__customer_members(const cx_customers *db, uint32_t root, uint32_t **members, size_t *count);
/* Rebuilds a state from the history of `members` up to `as_of` (inclusive). */
int cx__customer_replay(const cx_customers *db, const uint32_t *members, size_t count, int64_t as_of, cx__cust *out);
/* Log entries of `members` up to `as_of`, in time order (then log order). */
int cx__customer_history(const cx_customers *db, const uint32_t *members, size_t count, int64_t as_of,
                         uint32_t **entries, size_t *len);

/* ---- customer_attr.c ---- */
void cx__attrs_destroy(cx_customers *db);
void cx__attr_list_free(cx__attr_list *l);
int cx__attr_list_copy(cx__attr_list *dst, const cx__attr_list *src);
/* Builds the merged attribute list of survivor and absorbed (staged). */
int cx__attrs_merge(cx_customers *db, uint32_t survivor, uint32_t absorbed, uint32_t merge_id, cx__attr_list *out);
/* Builds the survivor's list after undoing merge `merge_id` (staged). */
int cx__attrs_unmerge(const cx_customers *db, const cx__attr_list *current, const cx__attr_list *before,
                      uint32_t merge_id, cx__attr_list *out);

#endif /* CX_CUSTOMER_INTERNAL_H */
