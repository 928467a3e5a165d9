/*
 * Per-customer state: folding events in, combining two states (merge),
 * rebuilding a state from the history (replay, unmerge), and turning a
 * state into signals as of a time. Formulas: docs/scoring.md.
 *
 * Decayed sums are relative to a per-customer epoch E (see
 * customer_internal.h): an event at t adds x exp(lambda (t - E)) to its own
 * sums only, whatever its arrival order. Every aggregate is independent of
 * arrival order, so incremental state, combined states and a replay of the
 * history agree (up to single-precision rounding of the sums).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core_internal.h"
#include "customer_internal.h"

void cx__cust_reset(cx__cust *c)
{
    memset(c, 0, sizeof *c);
    c->hot.first_seen = c->hot.last_seen = CX_TIME_NONE;
    cx__cold *k = &c->cold;
    k->first_purchase = k->prev_purchase = k->last_purchase = CX_TIME_NONE;
    k->last_complaint = k->last_nps = k->last_csat = k->last_ces = k->last_sentiment = CX_TIME_NONE;
}

void cx__cust_load(const cx_customers *db, uint32_t index, cx__cust *out)
{
    out->hot = db->hot[index];
    out->cold = db->cold[index];
}

void cx__cust_store(cx_customers *db, uint32_t index, const cx__cust *in)
{
    db->hot[index] = in->hot;
    db->cold[index] = in->cold;
}

/* ---- decay ------------------------------------------------------------------ */

/* exp(lambda x) for both half-lives. With the default half-lives (30 and
 * 180 days) the recent factor is a whole power of the baseline one, which
 * saves an exp per event. */
static void growth(const cx_customers *db, double x_ms, double *recent, double *baseline)
{
    *baseline = exp(db->lambda_baseline * x_ms);
    unsigned k = db->half_life_ratio;
    if (k == 0) {
        *recent = exp(db->lambda_recent * x_ms);
        return;
    }
    double power = 1.0, base = *baseline;
    for (; k > 0; k >>= 1, base *= base)
        if (k & 1)
            power *= base;
    *recent = power;
}

static int64_t epoch_ms(const cx__hot *h)
{
    return (int64_t)h->epoch_hours * CX__MS_PER_HOUR;
}

static int32_t hour_of(int64_t t)
{
    int64_t hours = t / CX__MS_PER_HOUR; /* |t| < 2^62 ms: the hours fit in int32 */
    return (int32_t)(hours - (t < 0 && t % CX__MS_PER_HOUR != 0));
}

static void scale4(float *sum, float fr, float fb)
{
    sum[D_RECENT_X] *= fr;
    sum[D_RECENT_W] *= fr;
    sum[D_BASELINE_X] *= fb;
    sum[D_BASELINE_W] *= fb;
}

/* Moves the epoch to `hours`, rescaling every decayed sum. */
static void rebase(const cx_customers *db, cx__hot *h, cx__cold *c, int32_t hours)
{
    double fr, fb;
    growth(db, (double)(epoch_ms(h) - (int64_t)hours * CX__MS_PER_HOUR), &fr, &fb);
    h->inter[0] *= (float)fr;
    h->inter[1] *= (float)fb;
    scale4(h->latency, (float)fr, (float)fb);
    scale4(c->sentiment, (float)fr, (float)fb);
    c->csat[0] *= (float)fr;
    c->csat[1] *= (float)fr;
    c->ces[0] *= (float)fr;
    c->ces[1] *= (float)fr;
    h->epoch_hours = hours;
}

/* Weights exp(lambda (t - E)) of an event, moving the epoch first if the
 * recent weight would grow past e^40. */
static void weights_of(const cx_customers *db, cx__hot *h, cx__cold *c, int64_t t, double *wr, double *wb)
{
    if (db->lambda_recent * (double)(t - epoch_ms(h)) > CX__EPOCH_LIMIT)
        rebase(db, h, c, hour_of(t));
    growth(db, (double)(t - epoch_ms(h)), wr, wb);
}

static void add4(float *sum, double wr, double wb, double x)
{
    sum[D_RECENT_X] += (float)(wr * x);
    sum[D_RECENT_W] += (float)wr;
    sum[D_BASELINE_X] += (float)(wb * x);
    sum[D_BASELINE_W] += (float)wb;
}

/* ---- folding events ------------------------------------------------------------ */

static void fold_purchase(cx__cold *c, int64_t t, double amount)
{
    c->purchases++;
    c->monetary += amount;
    if (c->first_purchase == CX_TIME_NONE || t < c->first_purchase)
        c->first_purchase = t;
    if (t >= c->last_purchase) { /* CX_TIME_NONE is the smallest time */
        c->prev_purchase = c->last_purchase;
        c->last_purchase = t;
    } else if (t > c->prev_purchase) {
        c->prev_purchase = t;
    }
}

static void fold_answer(float *sum, float *total, uint32_t *n, int64_t *last, uint8_t *latest, int64_t t,
                        double value, int offset, double wr)
{
    (*n)++;
    *total += (float)value;
    sum[0] += (float)(wr * value);
    sum[1] += (float)wr;
    if (t >= *last) {
        *last = t;
        *latest = (uint8_t)(value - offset);
    }
}

static void fold_survey(const cx_customers *db, cx__cold *c, int64_t t, int kind, double value, double wr)
{
    if (kind == CX_EVENT_CSAT) {
        fold_answer(c->csat, &c->csat_sum, &c->csat_n, &c->last_csat, &c->csat_value, t, value, db->opts.csat_min,
                    wr);
    } else if (kind == CX_EVENT_CES) {
        fold_answer(c->ces, &c->ces_sum, &c->ces_n, &c->last_ces, &c->ces_value, t, value, db->opts.ces_min, wr);
    } else {
        c->nps_n++;
        if (t >= c->last_nps) {
            c->last_nps = t;
            c->nps_value = (uint8_t)value;
        }
    }
}

static bool decays(int kind)
{
    return kind != CX_EVENT_COMPLAINT_RESOLVED && kind != CX_EVENT_NPS && kind != CX__EVENT_CREATED;
}

void cx__cust_fold(const cx_customers *db, cx__hot *h, cx__cold *c, int64_t t, int kind, double value,
                   bool count_complaints)
{
    if (h->first_seen == CX_TIME_NONE || t < h->first_seen)
        h->first_seen = t;
    if (kind == CX__EVENT_CREATED)
        return;
    /* The first event of any kind starts the sums here: an epoch left at
     * 1970 would underflow every weight of events long before it. */
    if (h->last_seen == CX_TIME_NONE)
        h->epoch_hours = hour_of(t);
    double wr = 0.0, wb = 0.0;
    if (decays(kind))
        weights_of(db, h, c, t, &wr, &wb);
    if (t > h->last_seen)
        h->last_seen = t;
    switch (kind) {
    case CX_EVENT_PURCHASE:
        fold_purchase(c, t, value);
        break;
    case CX_EVENT_COMPLAINT:
        if (count_complaints)
            h->complaints++;
        if (t > c->last_complaint)
            c->last_complaint = t;
        break;
    case CX_EVENT_COMPLAINT_RESOLVED:
        if (count_complaints)
            h->resolved++;
        return;
    case CX_EVENT_REPLY:
        h->replies++;
        add4(h->latency, wr, wb, value);
        break;
    case CX_EVENT_SENTIMENT:
        c->sentiment_n++;
        add4(c->sentiment, wr, wb, value);
        if (t > c->last_sentiment)
            c->last_sentiment = t;
        return;
    case CX_EVENT_NPS:
    case CX_EVENT_CSAT:
    case CX_EVENT_CES:
        fold_survey(db, c, t, kind, value, wr);
        return;
    default:
        break;
    }
    /* Interactions: visits, purchases, complaints, replies. */
    h->interactions++;
    h->inter[0] += (float)wr;
    h->inter[1] += (float)wb;
}

/* ---- merging two states ------------------------------------------------------------ */

static int64_t earlier(int64_t a, int64_t b)
{
    if (a == CX_TIME_NONE) return b;
    if (b == CX_TIME_NONE) return a;
    return a < b ? a : b;
}

static void combine_purchases(cx__cold *into, const cx__cold *from)
{
    into->first_purchase = earlier(into->first_purchase, from->first_purchase);
    /* The two latest of four times (CX_TIME_NONE sorts first). */
    int64_t t[4] = { into->last_purchase, into->prev_purchase, from->last_purchase, from->prev_purchase };
    int64_t top = CX_TIME_NONE, second = CX_TIME_NONE;
    for (int i = 0; i < 4; i++) {
        if (t[i] >= top) {
            second = top;
            top = t[i];
        } else if (t[i] > second) {
            second = t[i];
        }
    }
    into->last_purchase = top;
    into->prev_purchase = second;
    into->purchases += from->purchases;
    into->monetary += from->monetary;
}

static void take_later(int64_t *into_t, uint8_t *into_v, int64_t from_t, uint8_t from_v)
{
    if (from_t > *into_t) {
        *into_t = from_t;
        *into_v = from_v;
    }
}

static void combine_cold(cx__cold *into, const cx__cold *from)
{
    combine_purchases(into, from);
    take_later(&into->last_nps, &into->nps_value, from->last_nps, from->nps_value);
    take_later(&into->last_csat, &into->csat_value, from->last_csat, from->csat_value);
    take_later(&into->last_ces, &into->ces_value, from->last_ces, from->ces_value);
    if (from->last_complaint > into->last_complaint)
        into->last_complaint = from->last_complaint;
    if (from->last_sentiment > into->last_sentiment)
        into->last_sentiment = from->last_sentiment;
    for (int i = 0; i < 4; i++)
        into->sentiment[i] += from->sentiment[i];
    for (int i = 0; i < 2; i++) {
        into->csat[i] += from->csat[i];
        into->ces[i] += from->ces[i];
    }
    into->csat_sum += from->csat_sum;
    into->ces_sum += from->ces_sum;
    into->nps_n += from->nps_n;
    into->csat_n += from->csat_n;
    into->ces_n += from->ces_n;
    into->sentiment_n += from->sentiment_n;
}

static void combine_hot(cx__hot *into, const cx__hot *from)
{
    into->first_seen = earlier(into->first_seen, from->first_seen);
    if (from->last_seen > into->last_seen)
        into->last_seen = from->last_seen;
    into->complaints += from->complaints;
    into->resolved += from->resolved;
    into->interactions += from->interactions;
    into->replies += from->replies;
    for (int i = 0; i < 2; i++)
        into->inter[i] += from->inter[i];
    for (int i = 0; i < 4; i++)
        into->latency[i] += from->latency[i];
}

void cx__cust_combine(const cx_customers *db, cx__cust *into, const cx__cust *from)
{
    /* Bring both sets of sums to the later epoch (scaling down, never up).
     * A state without events has no sums and takes the other's epoch, which
     * may lie before its own unset one (1970). */
    cx__cust other = *from;
    if (into->hot.last_seen == CX_TIME_NONE)
        into->hot.epoch_hours = other.hot.epoch_hours;
    else if (other.hot.last_seen == CX_TIME_NONE)
        other.hot.epoch_hours = into->hot.epoch_hours;
    if (other.hot.epoch_hours > into->hot.epoch_hours)
        rebase(db, &into->hot, &into->cold, other.hot.epoch_hours);
    else if (other.hot.epoch_hours < into->hot.epoch_hours)
        rebase(db, &other.hot, &other.cold, into->hot.epoch_hours);
    combine_hot(&into->hot, &other.hot);
    combine_cold(&into->cold, &other.cold);
}

/* ---- signals ------------------------------------------------------------------------ */

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

static void fill_activity(const cx_customers *db, const cx__hot *h, const cx__cold *c, cx_customer_signals *s)
{
    s->events = (uint64_t)h->interactions + h->resolved + c->nps_n + c->csat_n + c->ces_n + c->sentiment_n;
    s->interactions = h->interactions;
    s->recency_days = h->last_seen == CX_TIME_NONE ? NAN : days_between(h->last_seen, s->as_of_ms);
    /* Decay from the epoch to as_of: exp(-lambda (T - E)). */
    double fr = exp(-db->lambda_recent * (double)(s->as_of_ms - epoch_ms(h)));
    double fb = exp(-db->lambda_baseline * (double)(s->as_of_ms - epoch_ms(h)));
    s->interaction_rate_recent = decayed_rate(h->inter[0] * fr, db->opts.recent_half_life_days, s->tenure_days);
    s->interaction_rate_baseline = decayed_rate(h->inter[1] * fb, db->opts.baseline_half_life_days, s->tenure_days);
    s->interaction_trend = ratio(s->interaction_rate_recent, s->interaction_rate_baseline);
    s->replies = h->replies;
    s->reply_latency_recent = ratio(h->latency[D_RECENT_X], h->latency[D_RECENT_W]);
    s->reply_latency_baseline = ratio(h->latency[D_BASELINE_X], h->latency[D_BASELINE_W]);
    s->reply_latency_trend = ratio(s->reply_latency_recent, s->reply_latency_baseline);
    s->complaints = h->complaints;
    s->open_complaints = h->complaints > h->resolved ? h->complaints - h->resolved : 0;
    s->last_complaint_ms = c->last_complaint;
}

static void fill_purchases(const cx__cold *c, cx_customer_signals *s)
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

/* Mean of a decayed sum whose values may be negative: the weight decides emptiness. */
static double decayed_mean(const float *sum, int x, int w)
{
    return sum[w] > 0 ? sum[x] / sum[w] : NAN;
}

static void fill_surveys(const cx_customers *db, const cx__cold *c, cx_customer_signals *s)
{
    s->nps_answers = c->nps_n;
    s->last_nps = c->nps_n ? c->nps_value : NAN;
    s->nps_category = nps_category(c->nps_n, c->nps_value);
    s->last_nps_ms = c->last_nps;
    s->csat_answers = c->csat_n;
    s->csat_mean = c->csat_n ? (double)c->csat_sum / c->csat_n : NAN;
    s->csat_recent = ratio(c->csat[0], c->csat[1]);
    s->csat_last = c->csat_n ? c->csat_value + db->opts.csat_min : NAN;
    s->last_csat_ms = c->last_csat;
    s->ces_answers = c->ces_n;
    s->ces_mean = c->ces_n ? (double)c->ces_sum / c->ces_n : NAN;
    s->ces_recent = ratio(c->ces[0], c->ces[1]);
    s->ces_last = c->ces_n ? c->ces_value + db->opts.ces_min : NAN;
    s->last_ces_ms = c->last_ces;
    s->sentiment_scores = c->sentiment_n;
    s->sentiment_recent = decayed_mean(c->sentiment, D_RECENT_X, D_RECENT_W);
    s->sentiment_baseline = decayed_mean(c->sentiment, D_BASELINE_X, D_BASELINE_W);
    s->sentiment_trend = s->sentiment_recent - s->sentiment_baseline;
    s->last_sentiment_ms = c->last_sentiment;
}

void cx__cust_signals(const cx_customers *db, const cx__hot *h, const cx__cold *c, int64_t as_of,
                      cx_customer_signals *s)
{
    unsigned int version = s->version;
    memset(s, 0, sizeof *s);
    s->version = version;
    s->as_of_ms = as_of;
    s->first_seen_ms = h->first_seen;
    s->last_seen_ms = h->last_seen;
    s->tenure_days = days_between(h->first_seen, as_of);
    fill_activity(db, h, c, s);
    fill_purchases(c, s);
    fill_surveys(db, c, s);
}

/* ---- members and history ------------------------------------------------------------- */

int cx__customer_members(const cx_customers *db, uint32_t root, uint32_t **members, size_t *count)
{
    size_t cap = 4, n = 0;
    uint32_t *m = cx__reallocarray(NULL, cap, sizeof *m);
    if (m == NULL)
        return cx__nomem("listing merged ids");
    m[n++] = root;
    for (size_t i = 0; i < n; i++) {
        if (!(db->cold[m[i]].flags & CX__CUST_ABSORBED))
            continue;
        for (size_t k = 0; k < db->merge_count; k++) {
            const cx__merge *g = &db->merges[k];
            if (g->undone || g->survivor != m[i])
                continue;
            void *items = m;
            if (cx__grow(&items, &cap, n + 1, sizeof *m, 4) != CX_OK) {
                cx__free(m);
                return cx__nomem("listing merged ids");
            }
            m = items;
            m[n++] = g->absorbed;
        }
    }
    *members = m;
    *count = n;
    return CX_OK;
}

typedef struct history_item {
    int64_t time;
    uint32_t entry;
    uint32_t record;
} history_item;

static int compare_items(const void *a, const void *b)
{
    const history_item *x = a, *y = b;
    if (x->time != y->time)
        return x->time < y->time ? -1 : 1;
    return x->entry < y->entry ? -1 : x->entry > y->entry;
}

static int gather(const cx_customers *db, const uint32_t *members, size_t count, int64_t as_of, history_item **out,
                  size_t *len)
{
    size_t n = 0, cap = 0;
    history_item *items = NULL;
    for (size_t m = 0; m < count; m++) {
        for (uint32_t e = db->log_head[members[m]]; e != 0;) {
            const cx__log_chunk *c = CX__LOG_AT(&db->log, e - 1);
            size_t k = CX__LOG_SLOT(e - 1);
            int64_t t = c->time[k];
            uint32_t entry = e - 1;
            e = c->prev[k];
            if (t > as_of)
                continue;
            void *p = items;
            if (cx__grow(&p, &cap, n + 1, sizeof *items, 32) != CX_OK) {
                cx__free(items);
                return cx__nomem("reading the event history");
            }
            items = p;
            items[n++] = (history_item){ t, entry, members[m] };
        }
    }
    if (n > 1)
        qsort(items, n, sizeof *items, compare_items);
    *out = items;
    *len = n;
    return CX_OK;
}

int cx__customer_history(const cx_customers *db, const uint32_t *members, size_t count, int64_t as_of,
                         uint32_t **entries, size_t *len)
{
    history_item *items;
    size_t n;
    int rc = gather(db, members, count, as_of, &items, &n);
    if (rc != CX_OK)
        return rc;
    /* Entries and their records, packed as pairs into one array. */
    uint32_t *e = cx__reallocarray(NULL, n ? 2 * n : 1, sizeof *e);
    if (e == NULL) {
        cx__free(items);
        return cx__nomem("reading the event history");
    }
    for (size_t i = 0; i < n; i++) {
        e[2 * i] = items[i].entry;
        e[2 * i + 1] = items[i].record;
    }
    cx__free(items);
    *entries = e;
    *len = n;
    return CX_OK;
}

int cx__customer_replay(const cx_customers *db, const uint32_t *members, size_t count, int64_t as_of, cx__cust *out)
{
    history_item *items;
    size_t n;
    int rc = gather(db, members, count, as_of, &items, &n);
    if (rc != CX_OK)
        return rc;
    cx__cust_reset(out);
    for (size_t i = 0; i < n; i++) {
        const cx__log_chunk *c = CX__LOG_AT(&db->log, items[i].entry);
        size_t k = CX__LOG_SLOT(items[i].entry);
        cx__cust_fold(db, &out->hot, &out->cold, c->time[k], c->kind[k], c->value[k], true);
    }
    cx__free(items);
    return CX_OK;
}
