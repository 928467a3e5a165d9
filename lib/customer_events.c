/*
 * Recording events (validated as a whole batch, then applied) and reading
 * signals, histories and per-customer calculators back.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core_internal.h"
#include "customer_internal.h"

#define CX__REPLY_MAX_SECONDS 1e9 /* about 31 years */

static const char *kind_label(int kind)
{
    switch (kind) {
    case CX_EVENT_INTERACTION: return "interaction";
    case CX_EVENT_PURCHASE: return "purchase";
    case CX_EVENT_COMPLAINT: return "complaint";
    case CX_EVENT_COMPLAINT_RESOLVED: return "complaint resolution";
    case CX_EVENT_REPLY: return "reply";
    case CX_EVENT_NPS: return "NPS answer";
    case CX_EVENT_CSAT: return "CSAT answer";
    case CX_EVENT_CES: return "CES answer";
    case CX_EVENT_SENTIMENT: return "sentiment score";
    default: return "event";
    }
}

static bool needs_value(int kind)
{
    return kind != CX_EVENT_INTERACTION && kind != CX_EVENT_COMPLAINT && kind != CX_EVENT_COMPLAINT_RESOLVED;
}

static int check_integer(double v, int lo, int hi, const char *what, const char *where, const char *id)
{
    if (!(v >= lo && v <= hi) || v != floor(v))
        return cx__error(CX_ERANGE, "%scustomer \"%.64s\": %s %g is not an integer in %d..%d", where, id, what, v, lo,
                         hi);
    return CX_OK;
}

static int check_value(const cx_customers *db, int kind, double v, const char *where, const char *id)
{
    switch (kind) {
    case CX_EVENT_INTERACTION:
    case CX_EVENT_COMPLAINT:
    case CX_EVENT_COMPLAINT_RESOLVED:
        return CX_OK;
    case CX_EVENT_PURCHASE:
        if (!isfinite(v) || v < 0)
            return cx__error(CX_ERANGE, "%scustomer \"%.64s\": purchase amount %g must be finite and >= 0", where, id,
                             v);
        return CX_OK;
    case CX_EVENT_REPLY: /* bounded so that decayed sums of latencies stay finite in single precision */
        if (!(v >= 0 && v <= CX__REPLY_MAX_SECONDS))
            return cx__error(CX_ERANGE, "%scustomer \"%.64s\": reply latency %g s is outside 0..1e9 s", where, id,
                             v);
        return CX_OK;
    case CX_EVENT_NPS:
        return check_integer(v, 0, 10, "NPS answer", where, id);
    case CX_EVENT_CSAT:
        return check_integer(v, db->opts.csat_min, db->opts.csat_max, "CSAT answer", where, id);
    case CX_EVENT_CES:
        return check_integer(v, db->opts.ces_min, db->opts.ces_max, "CES answer", where, id);
    case CX_EVENT_SENTIMENT:
        if (!(v >= -1.0 && v <= 1.0))
            return cx__error(CX_ERANGE, "%scustomer \"%.64s\": sentiment score %g is outside -1..1", where, id, v);
        return CX_OK;
    default:
        return cx__error(CX_EINVAL, "%scustomer \"%.64s\": unknown event kind %d (expected CX_EVENT_INTERACTION .. "
                         "CX_EVENT_SENTIMENT)", where, id, kind);
    }
}

/* Checks one event against the customer as it stands before the batch,
 * counting complaints and resolutions on the record as a trial. */
static int check_event(cx_customers *db, uint32_t root, const char *id, int64_t t, int kind, const double *value,
                       const char *where)
{
    int rc = cx__customer_check_time(t, "timestamp", where);
    if (rc != CX_OK)
        return rc;
    if (value == NULL && needs_value(kind) && kind >= CX_EVENT_INTERACTION && kind <= CX_EVENT_SENTIMENT)
        return cx__error(CX_EINVAL, "%scustomer \"%.64s\": values is NULL but the event is a %s, which needs one",
                         where, id, kind_label(kind));
    if ((rc = check_value(db, kind, value ? *value : 0, where, id)) != CX_OK)
        return rc;
    cx__hot *c = &db->hot[root];
    if (c->first_seen != CX_TIME_NONE && t < c->first_seen) {
        char at[40], first[40];
        cx__format_time(at, sizeof at, t);
        cx__format_time(first, sizeof first, c->first_seen);
        return cx__error(CX_ERANGE, "%scustomer \"%.64s\": %s at %s is before the customer's first event at %s", where,
                         id, kind_label(kind), at, first);
    }
    if (kind == CX_EVENT_COMPLAINT) {
        c->complaints++;
    } else if (kind == CX_EVENT_COMPLAINT_RESOLVED) {
        if (c->complaints == c->resolved)
            return cx__error(CX_ESTATE, "%scustomer \"%.64s\" has no open complaint to resolve", where, id);
        c->resolved++;
    }
    return CX_OK;
}

#if defined(__GNUC__)
#define PREFETCH(addr) __builtin_prefetch(addr)
#else
#define PREFETCH(addr) ((void)(addr))
#endif

/* How far ahead the loops over a batch fetch customer records: far enough
 * for a memory access to complete, near enough to stay in the caches. */
#ifndef AHEAD
#define AHEAD 12
#endif

/* Bytes of the cold part an event of a kind touches (see cx__cold). */
static void cold_range(cx_event_kind kind, size_t *from, size_t *to)
{
    switch (kind) {
    case CX_EVENT_PURCHASE:
        *from = offsetof(cx__cold, first_purchase);
        *to = offsetof(cx__cold, nps_n);
        return;
    case CX_EVENT_COMPLAINT:
        *from = offsetof(cx__cold, last_complaint);
        *to = offsetof(cx__cold, nps_value);
        return;
    case CX_EVENT_NPS:
        *from = offsetof(cx__cold, nps_n);
        *to = offsetof(cx__cold, csat_value);
        return;
    case CX_EVENT_CSAT:
        *from = offsetof(cx__cold, csat_value);
        *to = offsetof(cx__cold, ces_n);
        return;
    case CX_EVENT_CES:
        *from = offsetof(cx__cold, ces_value);
        *to = offsetof(cx__cold, sentiment_n);
        return;
    case CX_EVENT_SENTIMENT:
        *from = offsetof(cx__cold, sentiment_n);
        *to = sizeof(cx__cold);
        return;
    default: /* visits, replies, resolutions: the hot line only */
        *from = *to = 0;
        return;
    }
}

/* Fetches a customer's hot line (what checking and most events touch), and
 * the cold bytes the event needs. */
static void prefetch_record(const cx_customers *db, int64_t record, cx_event_kind kind, bool cold)
{
    if (record < 0)
        return;
    PREFETCH(&db->hot[record]);
    size_t from, to;
    cold_range(kind, &from, &to);
    if (!cold || from == to)
        return;
    const char *p = (const char *)&db->cold[record];
    PREFETCH(p + from);
    PREFETCH(p + to - 1);
}

/* A batch of events, given by id or by record number. */
typedef struct batch {
    const char *const *ids;     /* NULL when given by record */
    const size_t *records;
    const int64_t *times;
    const cx_event_kind *kinds;
    const double *values;       /* may be NULL */
    size_t n;
    bool single;                /* one event: messages without "events[i]: " */
    int64_t *found;             /* per event: record, or -1 for an unknown id */
} batch;

static const char *event_id(const cx_customers *db, const batch *b, size_t i)
{
    return b->found[i] >= 0 ? cx__hashmap_key(&db->ids, (uint32_t)b->found[i], NULL) : b->ids[i];
}

/* Checks event i. */
static int check_one(cx_customers *db, const batch *b, size_t i, const char *where)
{
    if (b->found[i] < 0 && b->ids != NULL)
        return cx__error(CX_ENOTFOUND, "%scustomer \"%.64s\" is not known", where, b->ids[i]);
    if (b->found[i] < 0)
        return cx__error(CX_ENOTFOUND, "%srecord %zu is past the end (%zu records)", where, b->records[i],
                         db->ids.count);
    return check_event(db, cx__customer_root(db, (uint32_t)b->found[i]), event_id(db, b, i), b->times[i],
                       b->kinds[i], b->values ? &b->values[i] : NULL, where);
}

static void undo_trial(cx_customers *db, const batch *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        cx__hot *c = &db->hot[cx__customer_root(db, (uint32_t)b->found[i])];
        if (b->kinds[i] == CX_EVENT_COMPLAINT)
            c->complaints--;
        else if (b->kinds[i] == CX_EVENT_COMPLAINT_RESOLVED)
            c->resolved--;
    }
}

/* Messages are formatted only for a failure, because the "events[i]: "
 * prefix costs more than the checks themselves. */
static int validate_events(cx_customers *db, const batch *b)
{
    for (size_t i = 0; i < b->n; i++) {
        if (i + AHEAD < b->n)
            prefetch_record(db, b->found[i + AHEAD], b->kinds[i + AHEAD], false);
        int rc = check_one(db, b, i, "");
        if (rc == CX_OK)
            continue;
        if (!b->single) { /* the same check again, to name the event in the message */
            char where[48];
            snprintf(where, sizeof where, "events[%zu]: ", i);
            rc = check_one(db, b, i, where);
        }
        undo_trial(db, b, i);
        return rc;
    }
    return CX_OK;
}

static int find_records(const cx_customers *db, batch *b)
{
    if (b->ids == NULL) {
        for (size_t i = 0; i < b->n; i++)
            b->found[i] = b->records[i] < db->ids.count ? (int64_t)b->records[i] : -1;
        return CX_OK;
    }
    for (size_t i = 0; i < b->n; i++) {
        if (b->ids[i] == NULL) {
            if (b->single)
                return cx__error(CX_EINVAL, "customer id is NULL");
            return cx__error(CX_EINVAL, "events[%zu]: customer id is NULL", i);
        }
    }
    cx__hashmap_find_strings(&db->ids, b->ids, b->n, b->found);
    return CX_OK;
}

static void apply_events(cx_customers *db, const batch *b)
{
    for (size_t i = 0; i < b->n; i++) {
        if (i + AHEAD < b->n) {
            prefetch_record(db, b->found[i + AHEAD], b->kinds[i + AHEAD], true);
            if (db->opts.keep_history)
                PREFETCH(&db->log_head[b->found[i + AHEAD]]);
        }
        uint32_t record = (uint32_t)b->found[i];
        cx_event_kind kind = b->kinds[i];
        double v = b->values && needs_value(kind) ? b->values[i] : 0.0;
        uint32_t root = cx__customer_root(db, record);
        cx__cust_fold(db, &db->hot[root], &db->cold[root], b->times[i], kind, v, false);
        if (db->opts.keep_history)
            cx__log_append(db, record, b->times[i], (uint8_t)kind, v);
    }
}

static int add_events(cx_customers *db, batch *b)
{
    int64_t one;
    b->found = b->single ? &one : cx__reallocarray(NULL, b->n, sizeof *b->found);
    if (b->found == NULL)
        return cx__nomem("recording events");
    int rc = find_records(db, b);
    if (rc == CX_OK)
        rc = validate_events(db, b);
    if (rc == CX_OK && db->opts.keep_history && (rc = cx__log_reserve(db, b->n)) != CX_OK)
        undo_trial(db, b, b->n);
    /* Complaints were counted by the trial; applying cannot fail. */
    if (rc == CX_OK)
        apply_events(db, b);
    if (!b->single)
        cx__free(b->found);
    return rc;
}

int cx_customers_add_events(cx_customers *db, const char *const *ids, const int64_t *timestamps_ms,
                            const cx_event_kind *kinds, const double *values, size_t n)
{
    CX__CHECK_ARG(db, "cx_customers_add_events");
    if (n == 0)
        return CX_OK;
    CX__CHECK_ARG(ids, "cx_customers_add_events");
    CX__CHECK_ARG(timestamps_ms, "cx_customers_add_events");
    CX__CHECK_ARG(kinds, "cx_customers_add_events");
    batch b = { ids, NULL, timestamps_ms, kinds, values, n, false, NULL };
    return add_events(db, &b);
}

int cx_customers_add_events_at(cx_customers *db, const size_t *records, const int64_t *timestamps_ms,
                               const cx_event_kind *kinds, const double *values, size_t n)
{
    CX__CHECK_ARG(db, "cx_customers_add_events_at");
    if (n == 0)
        return CX_OK;
    CX__CHECK_ARG(records, "cx_customers_add_events_at");
    CX__CHECK_ARG(timestamps_ms, "cx_customers_add_events_at");
    CX__CHECK_ARG(kinds, "cx_customers_add_events_at");
    batch b = { NULL, records, timestamps_ms, kinds, values, n, false, NULL };
    return add_events(db, &b);
}

int cx_customers_find_many(size_t *out, const cx_customers *db, const char *const *ids, size_t n)
{
    CX__CHECK_ARG(db, "cx_customers_find_many");
    if (n == 0)
        return CX_OK;
    CX__CHECK_ARG(out, "cx_customers_find_many");
    CX__CHECK_ARG(ids, "cx_customers_find_many");
    int64_t *found = cx__reallocarray(NULL, n, sizeof *found);
    if (found == NULL)
        return cx__nomem("looking up customers");
    batch b = { ids, NULL, NULL, NULL, NULL, n, false, found };
    int rc = find_records(db, &b);
    for (size_t i = 0; i < n && rc == CX_OK; i++) {
        if (found[i] < 0)
            rc = cx__error(CX_ENOTFOUND, "cx_customers_find_many: ids[%zu]: customer \"%.64s\" is not known", i,
                           ids[i]);
    }
    for (size_t i = 0; i < n && rc == CX_OK; i++)
        out[i] = (size_t)found[i];
    cx__free(found);
    return rc;
}

int cx_customers_add_event(cx_customers *db, const char *id, int64_t timestamp_ms, cx_event_kind kind, double value)
{
    CX__CHECK_ARG(db, "cx_customers_add_event");
    batch b = { &id, NULL, &timestamp_ms, &kind, &value, 1, true, NULL };
    return add_events(db, &b);
}

/* ---- signals ------------------------------------------------------------ */

int cx_customer_signals_init(cx_customer_signals *s, unsigned int version)
{
    CX__CHECK_ARG(s, "cx_customer_signals_init");
    int rc = cx__check_version(version, CX_CUSTOMER_SIGNALS_VERSION, "cx_customer_signals");
    if (rc != CX_OK)
        return rc;
    memset(s, 0, sizeof *s);
    s->version = version;
    return CX_OK;
}

static int signals_of_record(cx_customer_signals *out, const cx_customers *db, uint32_t index, int64_t as_of)
{
    int rc = cx__customer_check_time(as_of, "as_of", "");
    if (rc != CX_OK)
        return rc;
    uint32_t root = cx__customer_root(db, index);
    const cx__hot *c = &db->hot[root];
    const char *id = cx__hashmap_key(&db->ids, index, NULL);
    char at[40], when[40]; /* formatted for messages only: this path is hot */
    if (c->first_seen == CX_TIME_NONE || as_of < c->first_seen) {
        cx__format_time(at, sizeof at, as_of);
        cx__format_time(when, sizeof when, c->first_seen);
        return cx__error(CX_EEMPTY, "customer \"%.64s\" was not yet seen at %s (first seen %s)", id, at, when);
    }
    if (c->last_seen == CX_TIME_NONE || as_of >= c->last_seen) {
        cx__cust_signals(db, c, &db->cold[root], as_of, out);
        return CX_OK;
    }
    if (!db->opts.keep_history) {
        cx__format_time(at, sizeof at, as_of);
        cx__format_time(when, sizeof when, c->last_seen);
        return cx__error(CX_ESTATE, "customer \"%.64s\": %s is before its latest event at %s; replaying the past needs "
                         "a set with keep_history", id, at, when);
    }
    uint32_t *members;
    size_t count;
    cx__cust past;
    if ((rc = cx__customer_members(db, root, &members, &count)) != CX_OK)
        return rc;
    rc = cx__customer_replay(db, members, count, as_of, &past);
    cx__free(members);
    if (rc == CX_OK)
        cx__cust_signals(db, &past.hot, &past.cold, as_of, out);
    return rc;
}

int cx_customers_get_signals_at(cx_customer_signals *out, const cx_customers *db, size_t index, int64_t as_of_ms)
{
    CX__CHECK_ARG(out, "cx_customers_get_signals_at");
    CX__CHECK_ARG(db, "cx_customers_get_signals_at");
    int rc = cx__check_version(out->version, CX_CUSTOMER_SIGNALS_VERSION, "cx_customer_signals");
    if (rc != CX_OK)
        return rc;
    if (index >= db->ids.count)
        return cx__error(CX_ENOTFOUND, "cx_customers_get_signals_at: record %zu is past the end (%zu records)", index,
                         db->ids.count);
    return signals_of_record(out, db, (uint32_t)index, as_of_ms);
}

int cx_customers_get_signals(cx_customer_signals *out, const cx_customers *db, const char *id, int64_t as_of_ms)
{
    CX__CHECK_ARG(out, "cx_customers_get_signals");
    CX__CHECK_ARG(db, "cx_customers_get_signals");
    int rc = cx__check_version(out->version, CX_CUSTOMER_SIGNALS_VERSION, "cx_customer_signals");
    uint32_t index;
    if (rc == CX_OK)
        rc = cx__customer_lookup(db, id, &index, "cx_customers_get_signals: ");
    if (rc != CX_OK)
        return rc;
    return signals_of_record(out, db, index, as_of_ms);
}

/* ---- history ------------------------------------------------------------ */

static int need_history(const cx_customers *db, const char *func)
{
    if (!db->opts.keep_history)
        return cx__error(CX_ESTATE, "%s needs a customer set created with keep_history", func);
    return CX_OK;
}

int cx_customers_walk_events(const cx_customers *db, const char *id, int64_t as_of_ms,
                             int (*fn)(size_t record, int64_t timestamp_ms, cx_event_kind kind, double value,
                                       void *payload),
                             void *payload)
{
    CX__CHECK_ARG(db, "cx_customers_walk_events");
    CX__CHECK_ARG(fn, "cx_customers_walk_events");
    uint32_t index, *members, *entries;
    size_t count, n;
    int rc = need_history(db, "cx_customers_walk_events");
    if (rc == CX_OK)
        rc = cx__customer_lookup(db, id, &index, "cx_customers_walk_events: ");
    if (rc == CX_OK)
        rc = cx__customer_members(db, cx__customer_root(db, index), &members, &count);
    if (rc != CX_OK)
        return rc;
    rc = cx__customer_history(db, members, count, as_of_ms, &entries, &n);
    cx__free(members);
    if (rc != CX_OK)
        return rc;
    for (size_t i = 0; i < n && rc == CX_OK; i++) {
        uint32_t e = entries[2 * i];
        const cx__log_chunk *c = CX__LOG_AT(&db->log, e);
        size_t k = CX__LOG_SLOT(e);
        if (c->kind[k] != CX__EVENT_CREATED)
            rc = fn(entries[2 * i + 1], c->time[k], (cx_event_kind)c->kind[k], c->value[k], payload);
    }
    cx__free(entries);
    return rc;
}

typedef struct metric_feed {
    cx_metric *metric;
    cx_event_kind kind;
} metric_feed;

static int feed_metric(size_t record, int64_t t, cx_event_kind kind, double value, void *payload)
{
    (void)record;
    (void)t;
    metric_feed *f = payload;
    return kind == f->kind ? cx_metric_add(f->metric, value) : CX_OK;
}

int cx_customers_metric(cx_metric **out, const cx_customers *db, const char *id, cx_metric_kind kind, int64_t as_of_ms)
{
    CX__CHECK_ARG(out, "cx_customers_metric");
    *out = NULL;
    CX__CHECK_ARG(db, "cx_customers_metric");
    cx_metric_options mo = CX_METRIC_OPTIONS_INIT;
    metric_feed feed = { NULL, CX_EVENT_NPS };
    if (kind == CX_METRIC_CSAT) {
        feed.kind = CX_EVENT_CSAT;
        mo.scale_min = db->opts.csat_min;
        mo.scale_max = db->opts.csat_max;
        if (db->opts.csat_max - db->opts.csat_min < 2) /* 2 points: the top-2 box would be all of it */
            mo.threshold = db->opts.csat_max;
    } else if (kind == CX_METRIC_CES) {
        feed.kind = CX_EVENT_CES;
        mo.scale_min = db->opts.ces_min;
        mo.scale_max = db->opts.ces_max;
    } else if (kind != CX_METRIC_NPS) {
        return cx__error(CX_EINVAL, "cx_customers_metric: kind %d is not NPS, CSAT or CES", (int)kind);
    }
    int rc = need_history(db, "cx_customers_metric");
    if (rc == CX_OK)
        rc = cx_metric_new(&feed.metric, kind, &mo);
    if (rc == CX_OK)
        rc = cx_customers_walk_events(db, id, as_of_ms, feed_metric, &feed);
    if (rc != CX_OK) {
        cx_metric_free(feed.metric);
        return rc;
    }
    *out = feed.metric;
    return CX_OK;
}
