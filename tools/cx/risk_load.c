/*
 * Churn risk from a store (see risk_load.h). What the store holds becomes
 * customer events (cx/customer.h):
 *
 *   events              type "purchase": a purchase of `value` (0 when
 *                       absent); any other type: an interaction
 *   tickets             a complaint when opened; its resolution when the
 *                       ticket is resolved or closed (as the report's
 *                       service section dates it)
 *   ticket events       a customer message after an agent reply: a reply,
 *                       with the seconds since that agent reply; other
 *                       customer messages: interactions
 *   answers             NPS, CSAT and CES answers
 *   comments            the compound sentiment of the text (cx/text.h, the
 *                       English lexicon; comments in other languages are
 *                       skipped)
 *
 * A customer is first seen at signup or at the first event, whichever is
 * earlier. All events go to the set in two bulk calls, resolutions last,
 * so that each resolution finds its complaint.
 */
#include "risk_load.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

typedef struct cust_data {
    int64_t signup, churned, first;
} cust_data;

typedef struct events {
    const char **ids;
    int64_t *times;
    cx_event_kind *kinds;
    double *values;
    size_t n, cap;
} events;

typedef struct feed {
    tally customers;        /* data: cust_data; order = record numbers */
    size_t last;            /* the previous row's customer + 1 (rows often come grouped by customer) */
    events main, resolutions;
    int64_t latest;
    cx_sentiment *sentiment;
    risk_list *stats;
} feed;

static void events_free(events *e)
{
    free(e->ids);
    free(e->times);
    free(e->kinds);
    free(e->values);
}

static bool events_grow(events *e)
{
    size_t cap = e->cap ? 2 * e->cap : 4096;
    const char **ids = realloc(e->ids, cap * sizeof *ids);
    if (ids != NULL)
        e->ids = ids;
    int64_t *times = realloc(e->times, cap * sizeof *times);
    if (times != NULL)
        e->times = times;
    cx_event_kind *kinds = realloc(e->kinds, cap * sizeof *kinds);
    if (kinds != NULL)
        e->kinds = kinds;
    double *values = realloc(e->values, cap * sizeof *values);
    if (values != NULL)
        e->values = values;
    if (ids == NULL || times == NULL || kinds == NULL || values == NULL)
        return false;
    e->cap = cap;
    return true;
}

static tally_entry *customer(feed *f, const char *id)
{
    tally_entry *c = f->last ? &f->customers.items[f->last - 1] : NULL;
    if (c == NULL || strcmp(c->key, id) != 0)
        c = tally_get(&f->customers, id);
    if (c != NULL && c->data == NULL) {
        cust_data *d = malloc(sizeof *d);
        if (d == NULL)
            return NULL;
        *d = (cust_data){ CX_STORE_NO_TIME, CX_STORE_NO_TIME, CX_STORE_NO_TIME };
        c->data = d;
    }
    if (c != NULL)
        f->last = (size_t)(c - f->customers.items) + 1;
    return c;
}

static int push(feed *f, events *e, const char *id, int64_t t, cx_event_kind kind, double value)
{
    tally_entry *c = customer(f, id);
    if (c == NULL || (e->n == e->cap && !events_grow(e)))
        return CX_ENOMEM;
    cust_data *d = c->data;
    if (d->first == CX_STORE_NO_TIME || t < d->first)
        d->first = t;
    if (f->latest == CX_STORE_NO_TIME || t > f->latest)
        f->latest = t;
    e->ids[e->n] = c->key;
    e->times[e->n] = t;
    e->kinds[e->n] = kind;
    e->values[e->n++] = value;
    f->stats->events++;
    return CX_OK;
}

static int add_customer(const cx_store_customer *row, void *payload)
{
    tally_entry *c = customer(payload, row->customer_id);
    if (c == NULL)
        return CX_ENOMEM;
    cust_data *d = c->data;
    d->signup = row->signup_ms;
    d->churned = row->churned_ms;
    return CX_OK;
}

static int add_event(const cx_store_event *ev, void *payload)
{
    feed *f = payload;
    if (ev->type != NULL && strcmp(ev->type, "purchase") == 0) {
        f->stats->purchases++;
        return push(f, &f->main, ev->customer_id, ev->timestamp_ms, CX_EVENT_PURCHASE,
                    isfinite(ev->value) && ev->value >= 0 ? ev->value : 0);
    }
    f->stats->interactions++;
    return push(f, &f->main, ev->customer_id, ev->timestamp_ms, CX_EVENT_INTERACTION, 0);
}

/* When a ticket was resolved: its resolution time, else (resolved or
 * closed) its last resolved or closed event; CX_STORE_NO_TIME if open. */
static int64_t resolution_time(const cx_store_ticket *t, const cx_store_ticket_event *ev, size_t n)
{
    bool done = t->status == CX_STORE_TICKET_RESOLVED || t->status == CX_STORE_TICKET_CLOSED;
    if (!done && t->status != CX_STORE_TICKET_UNKNOWN)
        return CX_STORE_NO_TIME;
    int64_t at = t->resolved_ms;
    for (size_t i = 0; done && at == CX_STORE_NO_TIME && i < n; i++)
        if (ev[i].kind == CX_STORE_TICKET_EVENT_RESOLVED || ev[i].kind == CX_STORE_TICKET_EVENT_CLOSED)
            at = ev[i].timestamp_ms;
    return at != CX_STORE_NO_TIME && at < t->opened_ms ? t->opened_ms : at;
}

static int add_messages(feed *f, const char *id, const cx_store_ticket_event *ev, size_t n)
{
    int64_t agent = CX_STORE_NO_TIME;
    int rc = CX_OK;
    for (size_t i = 0; i < n && rc == CX_OK; i++) {
        if (ev[i].kind == CX_STORE_TICKET_EVENT_AGENT_REPLY) {
            agent = ev[i].timestamp_ms;
        } else if (ev[i].kind == CX_STORE_TICKET_EVENT_CUSTOMER_MESSAGE) {
            double seconds = agent != CX_STORE_NO_TIME ? fmin(fmax((double)(ev[i].timestamp_ms - agent) / 1000, 0), 1e9)
                                                       : NAN;
            if (isnan(seconds))
                f->stats->interactions++;
            else
                f->stats->replies++;
            rc = push(f, &f->main, id, ev[i].timestamp_ms, isnan(seconds) ? CX_EVENT_INTERACTION : CX_EVENT_REPLY,
                      isnan(seconds) ? 0 : seconds);
            agent = CX_STORE_NO_TIME;
        }
    }
    return rc;
}

static int add_ticket(const cx_store_ticket *t, const cx_store_ticket_event *ev, size_t n, void *payload)
{
    feed *f = payload;
    if (t->customer_id == NULL || t->opened_ms == CX_STORE_NO_TIME)
        return CX_OK;
    f->stats->complaints++;
    int rc = push(f, &f->main, t->customer_id, t->opened_ms, CX_EVENT_COMPLAINT, 0);
    int64_t resolved = resolution_time(t, ev, n);
    if (rc == CX_OK && resolved != CX_STORE_NO_TIME) {
        f->stats->resolutions++;
        rc = push(f, &f->resolutions, t->customer_id, resolved, CX_EVENT_COMPLAINT_RESOLVED, 0);
    }
    return rc == CX_OK ? add_messages(f, t->customer_id, ev, n) : rc;
}

static int add_answer(const cx_store_answer *a, void *payload)
{
    feed *f = payload;
    cx_event_kind kind = a->metric == CX_METRIC_NPS    ? CX_EVENT_NPS
                         : a->metric == CX_METRIC_CSAT ? CX_EVENT_CSAT
                         : a->metric == CX_METRIC_CES  ? CX_EVENT_CES
                                                       : (cx_event_kind)0;
    if (a->customer_id == NULL || kind == 0)
        return CX_OK;
    f->stats->answers++;
    return push(f, &f->main, a->customer_id, a->timestamp_ms, kind, a->score);
}

static bool english(const char *lang)
{
    return lang == NULL || *lang == '\0'
           || ((lang[0] == 'e' || lang[0] == 'E') && (lang[1] == 'n' || lang[1] == 'N')
               && (lang[2] == '\0' || lang[2] == '-' || lang[2] == '_'));
}

static int add_comment(const cx_store_comment *c, void *payload)
{
    feed *f = payload;
    if (c->customer_id == NULL || c->text == NULL)
        return CX_OK;
    if (!english(c->lang)) {
        f->stats->comments_skipped++;
        return CX_OK;
    }
    cx_sentiment_result r = CX_SENTIMENT_RESULT_INIT;
    int rc = cx_sentiment_score(&r, f->sentiment, c->text, strlen(c->text));
    if (rc != CX_OK)
        return rc;
    f->stats->sentiments++;
    return push(f, &f->main, c->customer_id, c->timestamp_ms, CX_EVENT_SENTIMENT, r.compound);
}

static int read_store(feed *f, cx_store *store)
{
    cx_lexicon *lex = NULL;
    cx_sentiment_options so = CX_SENTIMENT_OPTIONS_INIT;
    so.invalid_utf8 = CX_TEXT_INVALID_REPLACE;
    int rc = cx_lexicon_new_default(&lex);
    if (rc == CX_OK)
        rc = cx_sentiment_new(&f->sentiment, lex, &so);
    cx_lexicon_free(lex);
    if (rc == CX_OK)
        rc = cx_store_each_customer(store, NULL, add_customer, f);
    if (rc == CX_OK)
        rc = cx_store_each_event(store, NULL, add_event, f);
    if (rc == CX_OK)
        rc = cx_store_each_ticket(store, NULL, add_ticket, f);
    if (rc == CX_OK)
        rc = cx_store_each_answer(store, NULL, add_answer, f);
    if (rc == CX_OK)
        rc = cx_store_each_comment(store, NULL, add_comment, f);
    return rc;
}

/* The set: customers in tally order (record numbers), then the events. */
static int build_set(cx_customers **db, const feed *f)
{
    size_t n = f->customers.count;
    const char **ids = malloc((n ? n : 1) * sizeof *ids);
    int64_t *first = malloc((n ? n : 1) * sizeof *first);
    int rc = ids != NULL && first != NULL ? cx_customers_new(db, NULL) : CX_ENOMEM;
    for (size_t i = 0; rc == CX_OK && i < n; i++) {
        const cust_data *d = f->customers.items[i].data;
        ids[i] = f->customers.items[i].key;
        first[i] = d->signup != CX_STORE_NO_TIME && (d->first == CX_STORE_NO_TIME || d->signup < d->first) ? d->signup
                                                                                                           : d->first;
    }
    if (rc == CX_OK)
        rc = cx_customers_add_many(*db, ids, first, n);
    if (rc == CX_OK)
        rc = cx_customers_add_events(*db, f->main.ids, f->main.times, f->main.kinds, f->main.values, f->main.n);
    if (rc == CX_OK)
        rc = cx_customers_add_events(*db, f->resolutions.ids, f->resolutions.times, f->resolutions.kinds,
                                     f->resolutions.values, f->resolutions.n);
    free(ids);
    free(first);
    return rc;
}

static int build_model(cx_risk **risk, const risk_setup *setup)
{
    int rc = cx_risk_new(risk, NULL);
    for (size_t i = 0; rc == CX_OK && i < setup->n_plugins; i++) {
        cx_plugin *p = NULL;
        rc = cx_plugin_load(&p, setup->plugins[i]);
        if (rc == CX_OK)
            rc = cx_risk_add_plugin(*risk, p);
        cx_plugin_free(p);
    }
    return rc;
}

typedef struct ranked {
    double score;
    size_t record;
} ranked;

static int by_score(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    return (x->record > y->record) - (x->record < y->record);
}

/* Scores everyone, leaves out the churned, explains the first `top`. */
static int rank(risk_list *out, const feed *f, const cx_risk *risk, const cx_customers *db, const risk_setup *setup)
{
    size_t n = f->customers.count, m = 0;
    double *scores = malloc((n ? n : 1) * sizeof *scores);
    ranked *r = malloc((n ? n : 1) * sizeof *r);
    int rc = scores != NULL && r != NULL ? cx_risk_score_all(scores, n, risk, db, out->as_of_ms) : CX_ENOMEM;
    double sum = 0;
    for (size_t i = 0; rc == CX_OK && i < n; i++) {
        const cust_data *d = f->customers.items[i].data;
        if (isnan(scores[i]))
            continue;
        if (!setup->include_churned && d->churned != CX_STORE_NO_TIME && d->churned <= out->as_of_ms) {
            out->churned++;
            continue;
        }
        sum += scores[i];
        r[m++] = (ranked){ scores[i], i };
    }
    out->scored = m;
    out->mean_score = m > 0 ? sum / (double)m : NAN;
    if (rc == CX_OK && m > 0)
        qsort(r, m, sizeof *r, by_score);
    size_t k = m < setup->top ? m : setup->top;
    if (rc == CX_OK && (out->top = calloc(k ? k : 1, sizeof *out->top)) == NULL)
        rc = CX_ENOMEM;
    for (size_t i = 0; rc == CX_OK && i < k; i++) {
        risk_customer *c = &out->top[out->n_top];
        if ((c->id = strdup(f->customers.items[r[i].record].key)) == NULL)
            rc = CX_ENOMEM;
        else
            out->n_top++;
        c->score = r[i].score;
        if (rc == CX_OK)
            rc = cx_risk_explain(&c->why, risk, db, c->id, out->as_of_ms);
    }
    free(scores);
    free(r);
    return rc;
}

static void feed_free(feed *f)
{
    for (size_t i = 0; i < f->customers.count; i++)
        free(f->customers.items[i].data);
    tally_free(&f->customers);
    events_free(&f->main);
    events_free(&f->resolutions);
    cx_sentiment_free(f->sentiment);
}

int risk_load(risk_list *out, cx_store *store, const risk_setup *setup)
{
    memset(out, 0, sizeof *out);
    out->mean_score = NAN;
    feed f;
    memset(&f, 0, sizeof f);
    tally_init(&f.customers);
    f.latest = CX_STORE_NO_TIME;
    f.stats = out;
    cx_customers *db = NULL;
    cx_risk *risk = NULL;
    int rc = build_model(&risk, setup);
    if (rc == CX_OK)
        rc = cx_risk_rule_count(&out->rules, risk);
    if (rc == CX_OK)
        rc = read_store(&f, store);
    out->customers = f.customers.count;
    out->as_of_ms = setup->as_of_ms != CX_STORE_NO_TIME ? setup->as_of_ms : f.latest;
    if (rc == CX_OK && out->as_of_ms == CX_STORE_NO_TIME)
        rc = CX_EEMPTY;
    if (rc == CX_OK)
        rc = build_set(&db, &f);
    if (rc == CX_OK)
        rc = rank(out, &f, risk, db, setup);
    cx_customers_free(db);
    cx_risk_free(risk);
    feed_free(&f);
    return rc;
}

void risk_list_free(risk_list *l)
{
    for (size_t i = 0; i < l->n_top; i++) {
        free(l->top[i].id);
        cx_risk_explanation_free(l->top[i].why);
    }
    free(l->top);
    memset(l, 0, sizeof *l);
}

void risk_reasons_text(char *buf, size_t cap, const cx_risk_explanation *e, size_t max_reasons,
                       const char *separator)
{
    size_t n = 0, at = 0, shown = 0;
    buf[0] = '\0';
    cx_risk_explanation_count(&n, e);
    for (size_t i = 0; i < n && shown < max_reasons && at < cap; i++) {
        cx_risk_evidence ev = CX_RISK_EVIDENCE_INIT;
        if (cx_risk_explanation_get(&ev, e, i) != CX_OK || (ev.status == CX_OK && !(ev.contribution > 0)))
            continue;
        int w = ev.status == CX_OK
                    ? snprintf(buf + at, cap - at, "%s%s (+%.2f)", shown ? separator : "", ev.detail, ev.contribution)
                    : snprintf(buf + at, cap - at, "%srule %s failed: %s", shown ? separator : "", ev.rule_id,
                               ev.detail);
        if (w < 0)
            break;
        at += (size_t)w;
        shown++;
    }
    if (shown == 0)
        snprintf(buf, cap, "no evidence of risk");
}

static void json_evidence(jw *w, const cx_risk_evidence *ev)
{
    jw_object(w);
    jw_kstring(w, "rule", ev->rule_id);
    jw_knumber(w, "contribution", ev->contribution);
    jw_knumber(w, "value", ev->value);
    jw_knumber(w, "weight", ev->weight);
    jw_knumber(w, "decay", ev->decay);
    jw_knumber(w, "input", ev->input);
    jw_knumber(w, "reference", ev->reference);
    jw_kstring(w, "detail", ev->detail);
    if (ev->status != CX_OK)
        jw_kstring(w, "error", cx_strerror(ev->status));
    jw_end(w);
}

void risk_json_customer(jw *w, const risk_customer *c, size_t rank)
{
    jw_object(w);
    jw_kint(w, "rank", (int64_t)rank);
    jw_kstring(w, "customer_id", c->id);
    jw_knumber(w, "score", c->score);
    jw_key(w, "reasons");
    jw_array(w);
    size_t n = 0;
    cx_risk_explanation_count(&n, c->why);
    for (size_t i = 0; i < n; i++) {
        cx_risk_evidence ev = CX_RISK_EVIDENCE_INIT;
        if (cx_risk_explanation_get(&ev, c->why, i) == CX_OK && (ev.status != CX_OK || ev.contribution > 0))
            json_evidence(w, &ev);
    }
    jw_end(w);
    jw_end(w);
}
