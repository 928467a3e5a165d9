/*
 * Recording events (validated as a whole batch, then applied) and reading
 * signals, histories and per-customer calculators back.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core_internal.h"
#include "customer_internal.h"

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
    case CX_EVENT_REPLY:
        if (!isfinite(v) || v < 0)
            return cx__error(CX_ERANGE, "%scustomer \"%.64s\": %s %s %g must be finite and >= 0", where, id,
                             kind_label(kind), kind == CX_EVENT_PURCHASE ? "amount" : "latency in seconds", v);
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
    cx__cust *c = &db->cust[root];
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

static void undo_trial(cx_customers *db, const uint32_t *records, const cx_event_kind *kinds, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        cx__cust *c = &db->cust[cx__customer_root(db, records[i])];
        if (kinds[i] == CX_EVENT_COMPLAINT)
            c->complaints--;
        else if (kinds[i] == CX_EVENT_COMPLAINT_RESOLVED)
            c->resolved--;
    }
}

static int validate_events(cx_customers *db, const char *const *ids, const int64_t *times, const cx_event_kind *kinds,
                           const double *values, size_t n, bool single, uint32_t *records)
{
    char where[48] = "";
    for (size_t i = 0; i < n; i++) {
        if (!single)
            snprintf(where, sizeof where, "events[%zu]: ", i);
        int rc = cx__customer_lookup(db, ids[i], &records[i], where);
        if (rc == CX_OK)
            rc = check_event(db, cx__customer_root(db, records[i]), ids[i], times[i], kinds[i],
                             values ? &values[i] : NULL, where);
        if (rc != CX_OK) {
            undo_trial(db, records, kinds, i);
            return rc;
        }
    }
    return CX_OK;
}

static int add_events(cx_customers *db, const char *const *ids, const int64_t *times, const cx_event_kind *kinds,
                      const double *values, size_t n, bool single)
{
    uint32_t one, *records = single ? &one : cx__reallocarray(NULL, n, sizeof *records);
    if (records == NULL)
        return cx__nomem("recording events");
    int rc = validate_events(db, ids, times, kinds, values, n, single, records);
    if (rc == CX_OK && db->opts.keep_history && (rc = cx__log_reserve(db, n)) != CX_OK)
        undo_trial(db, records, kinds, n);
    if (rc == CX_OK) {
        /* Complaints were counted by the trial; nothing below can fail. */
        for (size_t i = 0; i < n; i++) {
            double v = values && needs_value(kinds[i]) ? values[i] : 0.0;
            uint32_t root = cx__customer_root(db, records[i]);
            cx__cust_fold(db, &db->cust[root], times[i], kinds[i], v, false);
            if (db->opts.keep_history)
                cx__log_append(db, records[i], times[i], (uint8_t)kinds[i], v);
        }
    }
    if (!single)
        cx__free(records);
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
    return add_events(db, ids, timestamps_ms, kinds, values, n, false);
}

int cx_customers_add_event(cx_customers *db, const char *id, int64_t timestamp_ms, cx_event_kind kind, double value)
{
    CX__CHECK_ARG(db, "cx_customers_add_event");
    return add_events(db, &id, &timestamp_ms, &kind, &value, 1, true);
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

static double days_between(int64_t from, int64_t to)
{
    return (double)(to - from) / CX__MS_PER_DAY;
}

static double ratio(double a, double b)
{
    return b > 0 && !isnan(a) ? a / b : NAN;
}

/* Events per day from a decayed count, corrected for a short tenure: a
 * steady rate r gives an expected decayed count r (1 - e^(-l A)) / l. */
static double decayed_rate(double decayed_count, double half_life_days, double tenure_days)
{
    double lambda = log(2.0) / half_life_days;
    double span = tenure_days > 1.0 ? tenure_days : 1.0;
    return decayed_count * lambda / -expm1(-lambda * span);
}

static void fill_activity(const cx_customers *db, const cx__cust *c, double fr, double fb, cx_customer_signals *s)
{
    s->events = (uint64_t)c->interactions + c->resolved + c->nps_n + c->csat_n + c->ces_n + c->sentiment_n;
    s->interactions = c->interactions;
    s->recency_days = c->last_seen == CX_TIME_NONE ? NAN : days_between(c->last_seen, s->as_of_ms);
    s->interaction_rate_recent = decayed_rate(c->recent[R_INTER] * fr, db->opts.recent_half_life_days, s->tenure_days);
    s->interaction_rate_baseline =
        decayed_rate(c->baseline[B_INTER] * fb, db->opts.baseline_half_life_days, s->tenure_days);
    s->interaction_trend = ratio(s->interaction_rate_recent, s->interaction_rate_baseline);
    s->replies = c->replies;
    s->reply_latency_recent = ratio(c->recent[R_LAT_X], c->recent[R_LAT_W]);
    s->reply_latency_baseline = ratio(c->baseline[B_LAT_X], c->baseline[B_LAT_W]);
    s->reply_latency_trend = ratio(s->reply_latency_recent, s->reply_latency_baseline);
    s->complaints = c->complaints;
    s->open_complaints = c->complaints > c->resolved ? c->complaints - c->resolved : 0;
    s->last_complaint_ms = c->last_complaint;
}

static void fill_purchases(const cx__cust *c, cx_customer_signals *s)
{
    s->purchases = c->purchases;
    s->monetary_total = c->monetary;
    s->monetary_mean = c->purchases ? c->monetary / c->purchases : NAN;
    s->last_purchase_ms = c->last_purchase;
    s->repurchase_gap_days = c->purchases ? days_between(c->last_purchase, s->as_of_ms) : NAN;
    s->repurchase_interval_mean_days = NAN;
    s->repurchase_interval_last_days = NAN;
    s->repurchase_trend = NAN;
    if (c->purchases >= 2) {
        s->repurchase_interval_mean_days = days_between(c->first_purchase, c->last_purchase) / (c->purchases - 1);
        s->repurchase_interval_last_days = days_between(c->prev_purchase, c->last_purchase);
        double open = fmax(s->repurchase_gap_days, s->repurchase_interval_last_days);
        s->repurchase_trend = ratio(open, s->repurchase_interval_mean_days);
    }
}

static cx_nps_category nps_category(uint32_t answers, int value)
{
    if (answers == 0) return CX_NPS_NONE;
    if (value >= 9) return CX_NPS_PROMOTER;
    if (value >= 7) return CX_NPS_PASSIVE;
    return CX_NPS_DETRACTOR;
}

static void fill_surveys(const cx_customers *db, const cx__cust *c, cx_customer_signals *s)
{
    s->nps_answers = c->nps_n;
    s->last_nps = c->nps_n ? c->nps_value : NAN;
    s->nps_category = nps_category(c->nps_n, c->nps_value);
    s->last_nps_ms = c->last_nps;
    s->csat_answers = c->csat_n;
    s->csat_mean = c->csat_n ? (double)c->csat_sum / c->csat_n : NAN;
    s->csat_recent = ratio(c->recent[R_CSAT_X], c->recent[R_CSAT_W]);
    s->csat_last = c->csat_n ? c->csat_value + db->opts.csat_min : NAN;
    s->last_csat_ms = c->last_csat;
    s->ces_answers = c->ces_n;
    s->ces_mean = c->ces_n ? (double)c->ces_sum / c->ces_n : NAN;
    s->ces_recent = ratio(c->recent[R_CES_X], c->recent[R_CES_W]);
    s->ces_last = c->ces_n ? c->ces_value + db->opts.ces_min : NAN;
    s->last_ces_ms = c->last_ces;
    s->sentiment_scores = c->sentiment_n;
    /* Means of values that may be negative: the weights decide emptiness. */
    s->sentiment_recent = c->recent[R_SENT_W] > 0 ? c->recent[R_SENT_X] / c->recent[R_SENT_W] : NAN;
    s->sentiment_baseline = c->baseline[B_SENT_W] > 0 ? c->baseline[B_SENT_X] / c->baseline[B_SENT_W] : NAN;
    s->sentiment_trend = s->sentiment_recent - s->sentiment_baseline;
    s->last_sentiment_ms = c->last_sentiment;
}

/* Signals of a state at `as_of`, which is not before its latest event. */
static void fill_signals(const cx_customers *db, const cx__cust *c, int64_t as_of, cx_customer_signals *s)
{
    unsigned int version = s->version;
    memset(s, 0, sizeof *s);
    s->version = version;
    s->as_of_ms = as_of;
    s->first_seen_ms = c->first_seen;
    s->last_seen_ms = c->last_seen;
    s->tenure_days = days_between(c->first_seen, as_of);
    double dt = c->last_seen == CX_TIME_NONE ? 0.0 : (double)(as_of - c->last_seen);
    double fr = exp(-db->lambda_recent * dt), fb = exp(-db->lambda_baseline * dt);
    fill_activity(db, c, fr, fb, s);
    fill_purchases(c, s);
    fill_surveys(db, c, s);
}

static int signals_of_record(cx_customer_signals *out, const cx_customers *db, uint32_t index, int64_t as_of)
{
    int rc = cx__customer_check_time(as_of, "as_of", "");
    if (rc != CX_OK)
        return rc;
    uint32_t root = cx__customer_root(db, index);
    const cx__cust *c = &db->cust[root];
    const char *id = cx__hashmap_key(&db->ids, index, NULL);
    char at[40], when[40];
    cx__format_time(at, sizeof at, as_of);
    if (c->first_seen == CX_TIME_NONE || as_of < c->first_seen) {
        cx__format_time(when, sizeof when, c->first_seen);
        return cx__error(CX_EEMPTY, "customer \"%.64s\" was not yet seen at %s (first seen %s)", id, at, when);
    }
    if (c->last_seen == CX_TIME_NONE || as_of >= c->last_seen) {
        fill_signals(db, c, as_of, out);
        return CX_OK;
    }
    if (!db->opts.keep_history) {
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
        fill_signals(db, &past, as_of, out);
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
        if (db->log.kind[e] != CX__EVENT_CREATED)
            rc = fn(entries[2 * i + 1], db->log.time[e], (cx_event_kind)db->log.kind[e], db->log.value[e], payload);
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
