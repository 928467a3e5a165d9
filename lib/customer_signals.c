/*
 * Per-customer state: folding events in, combining two states (merge),
 * rebuilding a state from the history (replay, unmerge), and turning a
 * state into signals as of a time. Formulas: docs/scoring.md.
 *
 * Decayed sums S = sum_i w_i exp(-lambda (t_ref - t_i)) are kept relative to
 * the customer's latest event t_ref and scaled forward when a later event
 * arrives; an earlier (out-of-order) event is added with its own factor.
 * Every aggregate is independent of arrival order, so incremental state,
 * combined states and a replay of the history agree.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core_internal.h"
#include "customer_internal.h"

void cx__cust_reset(cx__cust *c)
{
    memset(c, 0, sizeof *c);
    c->first_seen = c->last_seen = CX_TIME_NONE;
    c->first_purchase = c->prev_purchase = c->last_purchase = CX_TIME_NONE;
    c->last_complaint = c->last_nps = c->last_csat = c->last_ces = c->last_sentiment = CX_TIME_NONE;
}

/* Scales the decayed sums from the state's reference time forward to `to`. */
static void shift_to(const cx_customers *db, cx__cust *c, int64_t to)
{
    double dt = (double)(to - c->last_seen);
    float fr = (float)exp(-db->lambda_recent * dt);
    float fb = (float)exp(-db->lambda_baseline * dt);
    for (int i = 0; i < R_COUNT; i++)
        c->recent[i] *= fr;
    for (int i = 0; i < B_COUNT; i++)
        c->baseline[i] *= fb;
    c->last_seen = to;
}

static void add_decayed(cx__cust *c, int r_index, int b_index, double wr, double wb, double x)
{
    c->recent[r_index] += (float)(wr * x);
    if (b_index >= 0)
        c->baseline[b_index] += (float)(wb * x);
}

static void fold_purchase(cx__cust *c, int64_t t, double amount)
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

static void fold_survey(const cx_customers *db, cx__cust *c, int64_t t, int kind, double value, double wr)
{
    switch (kind) {
    case CX_EVENT_NPS:
        c->nps_n++;
        if (t >= c->last_nps) {
            c->last_nps = t;
            c->nps_value = (uint8_t)value;
        }
        break;
    case CX_EVENT_CSAT:
        c->csat_n++;
        c->csat_sum += (float)value;
        add_decayed(c, R_CSAT_X, -1, wr, 0, value);
        add_decayed(c, R_CSAT_W, -1, wr, 0, 1);
        if (t >= c->last_csat) {
            c->last_csat = t;
            c->csat_value = (uint8_t)(value - db->opts.csat_min);
        }
        break;
    case CX_EVENT_CES:
        c->ces_n++;
        c->ces_sum += (float)value;
        add_decayed(c, R_CES_X, -1, wr, 0, value);
        add_decayed(c, R_CES_W, -1, wr, 0, 1);
        if (t >= c->last_ces) {
            c->last_ces = t;
            c->ces_value = (uint8_t)(value - db->opts.ces_min);
        }
        break;
    default:
        break;
    }
}

void cx__cust_fold(const cx_customers *db, cx__cust *c, int64_t t, int kind, double value, bool count_complaints)
{
    if (c->first_seen == CX_TIME_NONE || t < c->first_seen)
        c->first_seen = t;
    if (kind == CX__EVENT_CREATED)
        return;
    double wr = 1.0, wb = 1.0;
    if (c->last_seen == CX_TIME_NONE) {
        c->last_seen = t;
    } else if (t > c->last_seen) {
        shift_to(db, c, t);
    } else if (t < c->last_seen) {
        double dt = (double)(c->last_seen - t);
        wr = exp(-db->lambda_recent * dt);
        wb = exp(-db->lambda_baseline * dt);
    }
    switch (kind) {
    case CX_EVENT_PURCHASE:
        fold_purchase(c, t, value);
        break;
    case CX_EVENT_COMPLAINT:
        if (count_complaints)
            c->complaints++;
        if (t > c->last_complaint)
            c->last_complaint = t;
        break;
    case CX_EVENT_COMPLAINT_RESOLVED:
        if (count_complaints)
            c->resolved++;
        return;
    case CX_EVENT_REPLY:
        c->replies++;
        add_decayed(c, R_LAT_X, B_LAT_X, wr, wb, value);
        add_decayed(c, R_LAT_W, B_LAT_W, wr, wb, 1);
        break;
    case CX_EVENT_SENTIMENT:
        c->sentiment_n++;
        add_decayed(c, R_SENT_X, B_SENT_X, wr, wb, value);
        add_decayed(c, R_SENT_W, B_SENT_W, wr, wb, 1);
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
    c->interactions++;
    add_decayed(c, R_INTER, B_INTER, wr, wb, 1);
}

/* ---- merging two states ------------------------------------------------ */

static int64_t earlier(int64_t a, int64_t b)
{
    if (a == CX_TIME_NONE) return b;
    if (b == CX_TIME_NONE) return a;
    return a < b ? a : b;
}

static void combine_purchases(cx__cust *into, const cx__cust *from)
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

static void combine_latest(cx__cust *into, const cx__cust *from)
{
    if (from->last_nps > into->last_nps) {
        into->last_nps = from->last_nps;
        into->nps_value = from->nps_value;
    }
    if (from->last_csat > into->last_csat) {
        into->last_csat = from->last_csat;
        into->csat_value = from->csat_value;
    }
    if (from->last_ces > into->last_ces) {
        into->last_ces = from->last_ces;
        into->ces_value = from->ces_value;
    }
    if (from->last_complaint > into->last_complaint)
        into->last_complaint = from->last_complaint;
    if (from->last_sentiment > into->last_sentiment)
        into->last_sentiment = from->last_sentiment;
}

void cx__cust_combine(const cx_customers *db, cx__cust *into, const cx__cust *from)
{
    if (from->last_seen != CX_TIME_NONE) {
        cx__cust other = *from;
        if (into->last_seen == CX_TIME_NONE)
            into->last_seen = other.last_seen;
        else if (other.last_seen > into->last_seen)
            shift_to(db, into, other.last_seen);
        else if (other.last_seen < into->last_seen)
            shift_to(db, &other, into->last_seen);
        for (int i = 0; i < R_COUNT; i++)
            into->recent[i] += other.recent[i];
        for (int i = 0; i < B_COUNT; i++)
            into->baseline[i] += other.baseline[i];
    }
    into->first_seen = earlier(into->first_seen, from->first_seen);
    combine_purchases(into, from);
    combine_latest(into, from);
    into->csat_sum += from->csat_sum;
    into->ces_sum += from->ces_sum;
    into->interactions += from->interactions;
    into->replies += from->replies;
    into->complaints += from->complaints;
    into->resolved += from->resolved;
    into->nps_n += from->nps_n;
    into->csat_n += from->csat_n;
    into->ces_n += from->ces_n;
    into->sentiment_n += from->sentiment_n;
}

/* ---- members and history ----------------------------------------------- */

int cx__customer_members(const cx_customers *db, uint32_t root, uint32_t **members, size_t *count)
{
    size_t cap = 4, n = 0;
    uint32_t *m = cx__reallocarray(NULL, cap, sizeof *m);
    if (m == NULL)
        return cx__nomem("listing merged ids");
    m[n++] = root;
    for (size_t i = 0; i < n; i++) {
        if (!(db->cust[m[i]].flags & CX__CUST_ABSORBED))
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
        for (uint32_t e = db->log_head[members[m]]; e != 0; e = db->log.prev[e - 1]) {
            if (db->log.time[e - 1] > as_of)
                continue;
            void *p = items;
            if (cx__grow(&p, &cap, n + 1, sizeof *items, 32) != CX_OK) {
                cx__free(items);
                return cx__nomem("reading the event history");
            }
            items = p;
            items[n++] = (history_item){ db->log.time[e - 1], e - 1, members[m] };
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
        uint32_t e = items[i].entry;
        cx__cust_fold(db, out, db->log.time[e], db->log.kind[e], db->log.value[e], true);
    }
    cx__free(items);
    return CX_OK;
}
