/*
 * Building the per-customer paths from pending events, walking them case by
 * case, and the per-analysis view of touchpoints (stage, goal, channel).
 */
#include <stdlib.h>
#include <string.h>

#include "core_internal.h"
#include "journey_internal.h"

/* ---- building the paths ----------------------------------------------- */

static int compare_words(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Sorts one customer's slice; slices are usually short and nearly sorted. */
static void sort_slice(uint64_t *ev, size_t n)
{
    size_t i = 1;
    while (i < n && ev[i] >= ev[i - 1])
        i++;
    if (i >= n)
        return;
    if (n > 32) {
        qsort(ev, n, sizeof *ev, compare_words);
        return;
    }
    for (; i < n; i++) {
        uint64_t x = ev[i];
        size_t k = i;
        for (; k > 0 && x < ev[k - 1]; k--)
            ev[k] = ev[k - 1];
        ev[k] = x;
    }
}

#define RADIX_BITS 11
#define RADIX_BUCKETS (1u << RADIX_BITS)

/* Orders the pending events by customer, stably: an LSD radix sort on the
 * customer index, 11 bits per pass. Each customer's new events then form
 * one run, so filling the paths reads and writes sequentially instead of
 * scattering every event. Only the order of `pending` changes, which no
 * result depends on. The buffer not holding the result is handed back in
 * *spare (16 bytes per pending event; NULL when none), for reuse.
 * CX_OK or CX_ENOMEM. */
static int order_pending(cx_journey *j, size_t customers, void **spare)
{
    *spare = NULL;
    unsigned passes = 0;
    for (size_t c = customers > 0 ? customers - 1 : 0; c > 0; c >>= RADIX_BITS)
        passes++;
    if (passes == 0 || j->pending_count < 2)
        return CX_OK;
    cx__jevent *tmp = cx__reallocarray(NULL, j->pending_count, sizeof *tmp);
    if (tmp == NULL)
        return cx__nomem("ordering events by customer");
    cx__jevent *src = j->pending, *dst = tmp;
    size_t at[RADIX_BUCKETS];
    for (unsigned p = 0; p < passes; p++) {
        unsigned shift = p * RADIX_BITS;
        memset(at, 0, sizeof at);
        for (size_t i = 0; i < j->pending_count; i++)
            at[(src[i].customer >> shift) & (RADIX_BUCKETS - 1)]++;
        for (size_t b = 0, sum = 0; b < RADIX_BUCKETS; b++) {
            size_t n = at[b];
            at[b] = sum;
            sum += n;
        }
        for (size_t i = 0; i < j->pending_count; i++)
            dst[at[(src[i].customer >> shift) & (RADIX_BUCKETS - 1)]++] = src[i];
        cx__jevent *t = src;
        src = dst;
        dst = t;
    }
    *spare = dst;
    j->pending = src;
    j->pending_cap = j->pending_count;
    return CX_OK;
}

/* New offsets: each customer's built events plus its pending ones. */
static void count_slices(const cx_journey *j, size_t *offsets, size_t customers)
{
    for (size_t c = 0; c < j->built_customers; c++)
        offsets[c + 1] = j->offsets[c + 1] - j->offsets[c];
    for (size_t e = 0; e < j->pending_count; e++)
        offsets[j->pending[e].customer + 1]++;
    for (size_t c = 0; c < customers; c++)
        offsets[c + 1] += offsets[c];
}

/* Each customer's slice: its built events, then its run of pending ones. */
static void fill_slices(const cx_journey *j, uint64_t *ev, size_t customers)
{
    size_t out = 0, p = 0;
    for (size_t c = 0; c < customers; c++) {
        if (c < j->built_customers) {
            size_t old = j->offsets[c + 1] - j->offsets[c];
            memcpy(ev + out, j->ev + j->offsets[c], old * sizeof *ev);
            out += old;
        }
        for (; p < j->pending_count && j->pending[p].customer == c; p++)
            ev[out++] = cx__ev_pack(j->pending[p].ts, j->pending[p].touchpoint);
    }
}

int cx__journey_build(cx_journey *j)
{
    size_t customers = j->customers.count;
    if (j->pending_count == 0 && j->built_customers == customers)
        return CX_OK;
    void *spare;
    int rc = order_pending(j, customers, &spare);
    if (rc != CX_OK)
        return rc;
    size_t total = j->built_events + j->pending_count;
    /* The radix sort's spare buffer holds the paths when they fit (always
     * on a first build): no second large allocation. */
    bool reuse = spare != NULL && (total + 1) * sizeof(uint64_t) <= j->pending_count * sizeof(cx__jevent);
    size_t *offsets = cx__calloc(customers + 1, sizeof *offsets);
    uint64_t *ev = reuse ? spare : cx__reallocarray(NULL, total + 1, sizeof *ev);
    if (!reuse)
        cx__free(spare);
    if (!offsets || !ev) {
        cx__free(offsets);
        cx__free(ev);
        return cx__nomem("ordering events by customer");
    }
    count_slices(j, offsets, customers);
    fill_slices(j, ev, customers);
    if (reuse) { /* give back the unused half; a failed shrink keeps the block */
        uint64_t *fitted = cx__reallocarray(ev, total + 1, sizeof *ev);
        if (fitted != NULL)
            ev = fitted;
    }
    for (size_t c = 0; c < customers; c++)
        sort_slice(ev + offsets[c], offsets[c + 1] - offsets[c]);
    cx__free(j->offsets);
    cx__free(j->ev);
    cx__free(j->pending);
    j->offsets = offsets;
    j->ev = ev;
    j->built_customers = customers;
    j->built_events = total;
    j->pending = NULL;
    j->pending_count = j->pending_cap = 0;
    return CX_OK;
}

void cx__jcursor_init(cx__jcursor *c, const cx_journey *j)
{
    c->j = j;
    c->customer = 0;
    c->pos = 0;
}

bool cx__jcursor_next(cx__jcursor *c, cx__jcase *out)
{
    const cx_journey *j = c->j;
    while (c->customer < j->built_customers && c->pos >= j->offsets[c->customer + 1])
        c->customer++;
    if (c->customer >= j->built_customers)
        return false;
    size_t start = c->pos, end = j->offsets[c->customer + 1];
    size_t stop = start + 1;
    if (j->gap_ms > 0)
        while (stop < end && cx__ev_ts(j->ev[stop]) - cx__ev_ts(j->ev[stop - 1]) <= j->gap_ms)
            stop++;
    else
        stop = end;
    out->ev = j->ev + start;
    out->n = stop - start;
    out->customer = (uint32_t)c->customer;
    c->pos = stop;
    return true;
}

/* ---- the view --------------------------------------------------------- */

void cx__jview_close(cx__jview *v)
{
    cx__free(v->stage_of);
    cx__free(v->is_goal);
    cx__free(v->channel_of);
    cx__free(v->tp_names);
    cx__free(v->channel_names);
    memset(v, 0, sizeof *v);
}

/* Numbers channel names in order of first use in the registry. */
static int resolve_channels(cx__jview *v)
{
    cx__hashmap names;
    cx__hashmap_init(&names);
    int rc = CX_OK;
    for (size_t i = 0; i < v->touchpoints && rc == CX_OK; i++) {
        cx_touchpoint_info info = CX_TOUCHPOINT_INFO_INIT;
        cx_touchpoint_get(&info, v->j->reg, i);
        bool inserted;
        uint32_t node;
        rc = cx__hashmap_intern(&names, info.channel_name, strlen(info.channel_name), &node, &inserted);
        if (rc == CX_OK) {
            v->channel_of[i] = node;
            if (inserted)
                v->channel_names[node] = info.channel_name;
        }
    }
    v->channels = names.count;
    cx__hashmap_destroy(&names);
    return rc;
}

int cx__jview_open(cx__jview *v, cx_journey *j)
{
    memset(v, 0, sizeof *v);
    int rc = cx__journey_build(j);
    if (rc != CX_OK)
        return rc;
    v->j = j;
    cx_touchpoint_count(&v->touchpoints, j->reg);
    size_t n = v->touchpoints + 1;
    v->stage_of = cx__reallocarray(NULL, n, sizeof *v->stage_of);
    v->is_goal = cx__calloc(n, sizeof *v->is_goal);
    v->channel_of = cx__reallocarray(NULL, n, sizeof *v->channel_of);
    v->tp_names = cx__reallocarray(NULL, n, sizeof *v->tp_names);
    v->channel_names = cx__reallocarray(NULL, n, sizeof *v->channel_names);
    if (!v->stage_of || !v->is_goal || !v->channel_of || !v->tp_names || !v->channel_names
        || resolve_channels(v) != CX_OK) {
        cx__jview_close(v);
        return cx__nomem("resolving touchpoints");
    }
    for (size_t i = 0; i < v->touchpoints; i++) {
        cx_touchpoint_info info = CX_TOUCHPOINT_INFO_INIT;
        cx_touchpoint_get(&info, j->reg, i);
        v->tp_names[i] = info.id;
        int s = info.stage[0] ? cx__journey_find_stage(j, info.stage) : -1;
        v->stage_of[i] = s;
        v->is_goal[i] = s >= 0 && j->stage_goal[s];
    }
    return CX_OK;
}

int cx__check_level(cx_journey_level level, bool allow_stage, const char *func)
{
    if (level == CX_JOURNEY_LEVEL_TOUCHPOINT || level == CX_JOURNEY_LEVEL_CHANNEL
        || (allow_stage && level == CX_JOURNEY_LEVEL_STAGE))
        return CX_OK;
    return cx__error(CX_EINVAL, "%s: level %d is not %s", func, (int)level,
                     allow_stage ? "CX_JOURNEY_LEVEL_TOUCHPOINT, _STAGE or _CHANNEL"
                                 : "CX_JOURNEY_LEVEL_TOUCHPOINT or _CHANNEL");
}

size_t cx__jview_node_count(const cx__jview *v, cx_journey_level level)
{
    switch (level) {
    case CX_JOURNEY_LEVEL_STAGE: return v->j->stage_count;
    case CX_JOURNEY_LEVEL_CHANNEL: return v->channels;
    default: return v->touchpoints;
    }
}

const char *cx__jview_node_name(const cx__jview *v, cx_journey_level level, uint32_t node)
{
    switch (level) {
    case CX_JOURNEY_LEVEL_STAGE: return v->j->stages[node];
    case CX_JOURNEY_LEVEL_CHANNEL: return v->channel_names[node];
    default: return v->tp_names[node];
    }
}

void cx__free_names(char **names, size_t count)
{
    for (size_t i = 0; names != NULL && i < count; i++)
        cx__free(names[i]);
    cx__free(names);
}

char **cx__jview_copy_names(const cx__jview *v, cx_journey_level level, size_t *count)
{
    size_t n = cx__jview_node_count(v, level);
    char **names = cx__calloc(n + 1, sizeof *names);
    for (size_t i = 0; names != NULL && i < n; i++) {
        if ((names[i] = cx__strdup(cx__jview_node_name(v, level, (uint32_t)i))) == NULL) {
            cx__free_names(names, i);
            names = NULL;
        }
    }
    *count = names ? n : 0;
    return names;
}
