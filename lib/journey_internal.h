/*
 * Internal layout of cx_journey, shared by the journey_*.c files.
 *
 * Events are stored twice over their life: first appended to `pending` in
 * arrival order (16 bytes each), then, when an analysis needs them, merged
 * into per-customer paths in compressed-sparse-row form: `offsets` gives
 * each customer's slice of `ev`. A stored event is one 64-bit word, the
 * timestamp (at most CX_JOURNEY_TIMESTAMP_MAX < 2^48) shifted left by 16
 * bits above the touchpoint index (at most CX_JOURNEY_TOUCHPOINTS_MAX), so
 * sorting the words orders a path by (timestamp, touchpoint) and a path
 * costs 8 bytes per event. Outcomes are kept apart, as they are read by
 * one analysis only.
 */
#ifndef CX_JOURNEY_INTERNAL_H
#define CX_JOURNEY_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "cx/journey.h"
#include "hashmap_internal.h"
#include "stats_internal.h"

#define CX__NO_NODE UINT32_MAX
#define CX__TP_BITS 16

static inline uint64_t cx__ev_pack(int64_t ts, uint32_t tp)
{
    return (uint64_t)ts << CX__TP_BITS | tp;
}

static inline int64_t cx__ev_ts(uint64_t ev)
{
    return (int64_t)(ev >> CX__TP_BITS);
}

static inline uint32_t cx__ev_tp(uint64_t ev)
{
    return (uint32_t)(ev & ((1u << CX__TP_BITS) - 1));
}

typedef struct cx__jevent {
    int64_t ts;
    uint32_t customer;
    uint32_t touchpoint;
} cx__jevent;

typedef struct cx__joutcome {
    int64_t ts;
    uint32_t customer;
    uint32_t touchpoint;
    double value;
} cx__joutcome;

struct cx_journey {
    int64_t gap_ms;
    int auto_register;
    char **stages;           /* stage_count names */
    int *stage_goal;         /* per stage: 1 for a goal */
    size_t stage_count;
    cx_touchpoint_registry *reg;
    cx__hashmap customers;

    /* Built paths. */
    size_t built_customers;  /* customers covered by offsets */
    size_t *offsets;         /* built_customers + 1 entries */
    uint64_t *ev;            /* packed events, see above */
    size_t built_events;

    /* Events not yet merged into the paths. */
    cx__jevent *pending;
    size_t pending_count, pending_cap;

    cx__joutcome *outcomes;
    size_t outcome_count, outcome_cap;

    int64_t first_ms, last_ms;
};

/* Index of a stage by name, or -1. */
int cx__journey_find_stage(const cx_journey *j, const char *name);

/* Merges pending events into the per-customer paths. CX_OK or CX_ENOMEM
 * (journey unchanged). */
int cx__journey_build(cx_journey *j);

/*
 * What an analysis needs to know about touchpoints, resolved once per
 * call: stage and channel of each touchpoint, node names per level.
 * Names are borrowed from the journey's registry and stages.
 */
typedef struct cx__jview {
    const cx_journey *j;
    size_t touchpoints;
    int32_t *stage_of;          /* per touchpoint: stage index or -1 */
    uint8_t *is_goal;           /* per touchpoint: its stage is a goal */
    uint32_t *channel_of;       /* per touchpoint: channel node */
    const char **tp_names;      /* per touchpoint: id */
    const char **channel_names; /* per channel node */
    size_t channels;
} cx__jview;

/* Builds the journey and resolves the view. CX_OK or CX_ENOMEM. */
int cx__jview_open(cx__jview *v, cx_journey *j);
void cx__jview_close(cx__jview *v);

/* Checks a level argument; CX_EINVAL naming `func` otherwise. */
int cx__check_level(cx_journey_level level, bool allow_stage, const char *func);
size_t cx__jview_node_count(const cx__jview *v, cx_journey_level level);
const char *cx__jview_node_name(const cx__jview *v, cx_journey_level level, uint32_t node);

static inline uint32_t cx__jview_node(const cx__jview *v, cx_journey_level level, uint32_t tp)
{
    switch (level) {
    case CX_JOURNEY_LEVEL_STAGE:
        return v->stage_of[tp] < 0 ? CX__NO_NODE : (uint32_t)v->stage_of[tp];
    case CX_JOURNEY_LEVEL_CHANNEL:
        return v->channel_of[tp];
    default:
        return tp;
    }
}

/* Copies the node names of a level into one owned array (free with
 * cx__free_names). NULL on allocation failure. */
char **cx__jview_copy_names(const cx__jview *v, cx_journey_level level, size_t *count);
void cx__free_names(char **names, size_t count);

/* One case: a slice of one customer's path. */
typedef struct cx__jcase {
    const uint64_t *ev;
    size_t n;
    uint32_t customer;
} cx__jcase;

static inline int64_t cx__jcase_ts(const cx__jcase *c, size_t i)
{
    return cx__ev_ts(c->ev[i]);
}

static inline uint32_t cx__jcase_tp(const cx__jcase *c, size_t i)
{
    return cx__ev_tp(c->ev[i]);
}

typedef struct cx__jcursor {
    const cx_journey *j;
    size_t customer;
    size_t pos;
} cx__jcursor;

void cx__jcursor_init(cx__jcursor *c, const cx_journey *j);
/* Next case of the built paths; false when done. */
bool cx__jcursor_next(cx__jcursor *c, cx__jcase *out);

/* True when the case has an event at a goal-stage touchpoint. */
static inline bool cx__jcase_converts(const cx__jview *v, const cx__jcase *c)
{
    for (size_t i = 0; i < c->n; i++)
        if (v->is_goal[cx__jcase_tp(c, i)])
            return true;
    return false;
}

/*
 * Durations on their way to DURATION calculators: values are staged with
 * the id of their calculator and fed in bulk (cx_metric_add_many) when the
 * stage fills or is flushed, which costs about half of adding them one at
 * a time.
 */
typedef struct cx__dstage {
    uint32_t *ids;
    double *values, *sorted;
    size_t len, cap;
    size_t *start;      /* per calculator, at flush */
    size_t start_cap;
} cx__dstage;

/* `expected`: about how many values will come (sizes the stage). */
int cx__dstage_init(cx__dstage *d, size_t expected);
void cx__dstage_destroy(cx__dstage *d);
/* Feeds the staged values to metrics[id] (n calculators) and empties the stage. */
int cx__dstage_flush(cx__dstage *d, cx_metric *const *metrics, size_t n);

static inline int cx__dstage_add(cx__dstage *d, cx_metric *const *metrics, size_t n, uint32_t id, double seconds)
{
    if (d->len == d->cap) {
        int rc = cx__dstage_flush(d, metrics, n);
        if (rc != CX_OK)
            return rc;
    }
    d->ids[d->len] = id;
    d->values[d->len++] = seconds;
    return CX_OK;
}

/* Mean, median and 90th percentile of a DURATION calculator; NaN when it
 * is empty. */
void cx__duration_figures(const cx_metric *m, double *mean, double *median, double *p90);


/* Sorts `count` indices by the ordering of `cmp` over a context, stably
 * (merge sort); CX_OK or CX_ENOMEM. Used for results ordered by several
 * keys without a global comparator context. */
int cx__sort_indices(uint32_t *idx, size_t count, int (*cmp)(uint32_t a, uint32_t b, const void *ctx),
                     const void *ctx);

int cx__dot_string(cx_buffer *b, const char *s);

/* Dense LU factorisation with partial pivoting of an n x n row-major
 * matrix, in place; `perm` receives the row order. CX_OK, or CX_ERANGE for
 * a singular matrix. */
int cx__lu_factor(double *a, size_t n, size_t *perm);
/* Solves A x = b with the factors of cx__lu_factor (b and x distinct). */
void cx__lu_solve(const double *lu, size_t n, const size_t *perm, const double *b, double *x);

#endif /* CX_JOURNEY_INTERNAL_H */
