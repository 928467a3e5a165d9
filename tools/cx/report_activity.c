/*
 * Report section "activity": events per touchpoint and channel, and per
 * month the events and the customers active (with at least one event).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report.h"
#include "svg.h"

typedef struct month_row {
    char label[16];      /* "2025-03" */
    uint64_t events, active;
} month_row;

typedef struct activity {
    tally touchpoints;   /* data: the channel first seen */
    tally channels;
    tally customers;     /* data: a bit per month, set once the customer is active in it */
    month_row *months;   /* from the month of the data's first time */
    size_t n_months, words;
    int64_t first_month; /* year * 12 + month - 1 */
    uint64_t total, outside;
    int64_t cached_day, cached_month;
} activity;

static void release(void *state)
{
    activity *a = state;
    if (a == NULL)
        return;
    for (size_t i = 0; i < a->touchpoints.count; i++)
        free(a->touchpoints.items[i].data);
    for (size_t i = 0; i < a->customers.count; i++)
        free(a->customers.items[i].data);
    tally_free(&a->touchpoints);
    tally_free(&a->channels);
    tally_free(&a->customers);
    free(a->months);
    free(a);
}

static int64_t day_of(int64_t ms)
{
    return ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
}

static int64_t month_number(int64_t day)
{
    time_t t = (time_t)(day * 86400);
    struct tm tm;
    gmtime_r(&t, &tm);
    return (int64_t)(tm.tm_year + 1900) * 12 + tm.tm_mon;
}

/* Index of an event's month in a->months (-1 outside the span); the month
 * is looked up once per day, events coming roughly in time order. */
static int64_t month_index(activity *a, int64_t ms)
{
    int64_t day = day_of(ms);
    if (day != a->cached_day) {
        a->cached_day = day;
        a->cached_month = month_number(day) - a->first_month;
    }
    return a->cached_month >= 0 && (size_t)a->cached_month < a->n_months ? a->cached_month : -1;
}

static int count_active(activity *a, const char *customer, int64_t month)
{
    tally_entry *c = tally_get(&a->customers, customer);
    if (c == NULL || (c->data == NULL && (c->data = calloc(a->words, sizeof(uint64_t))) == NULL))
        return CX_ENOMEM;
    uint64_t *bits = c->data, bit = 1ull << (month % 64);
    if (!(bits[month / 64] & bit)) {
        bits[month / 64] |= bit;
        a->months[month].active++;
    }
    return CX_OK;
}

static int add_event(const cx_store_event *ev, void *payload)
{
    activity *a = payload;
    tally_entry *tp = tally_get(&a->touchpoints, ev->touchpoint);
    if (tp == NULL)
        return CX_ENOMEM;
    tp->count++;
    if (tp->data == NULL && ev->channel != NULL && (tp->data = strdup(ev->channel)) == NULL)
        return CX_ENOMEM;
    tally_entry *ch = tally_get(&a->channels, ev->channel ? ev->channel : "(none)");
    if (ch == NULL)
        return CX_ENOMEM;
    ch->count++;
    a->total++;
    int64_t m = month_index(a, ev->timestamp_ms);
    if (m < 0) {
        a->outside++;
        return CX_OK;
    }
    a->months[m].events++;
    return count_active(a, ev->customer_id, m);
}

static int make_months(const report_ctx *ctx, activity *a)
{
    /* no data, or a --from/--to range beside the data's span */
    if (ctx->first_ms == CX_STORE_NO_TIME || ctx->last_ms < ctx->first_ms)
        return CX_OK;
    a->first_month = month_number(day_of(ctx->first_ms));
    a->n_months = (size_t)(month_number(day_of(ctx->last_ms)) - a->first_month + 1);
    a->words = (a->n_months + 63) / 64;
    a->months = calloc(a->n_months, sizeof *a->months);
    if (a->months == NULL)
        return CX_ENOMEM;
    for (size_t i = 0; i < a->n_months; i++) {
        int64_t n = a->first_month + (int64_t)i;
        snprintf(a->months[i].label, sizeof a->months[i].label, "%04d-%02d", (int)(n / 12) % 10000, (int)(n % 12) + 1);
    }
    return CX_OK;
}

static int collect(const report_ctx *ctx, void **state)
{
    activity *a = calloc(1, sizeof *a);
    if (a == NULL)
        return CX_ENOMEM;
    *state = a;
    a->cached_day = INT64_MIN;
    int rc = make_months(ctx, a);
    if (rc == CX_OK)
        rc = cx_store_each_event(ctx->store, &ctx->filter, add_event, a);
    tally_sort_by_count(&a->touchpoints);
    tally_sort_by_count(&a->channels);
    return rc;
}

static void text(const report_ctx *ctx, const void *state, FILE *out)
{
    (void)ctx;
    const activity *a = state;
    if (a->total == 0) {
        fputs("  no events\n", out);
        return;
    }
    fprintf(out, "  %-18s %-10s %10s %7s\n", "touchpoint", "channel", "events", "share");
    for (size_t i = 0; i < a->touchpoints.count; i++) {
        const tally_entry *e = &a->touchpoints.items[i];
        char n[32];
        cli_format_count(e->count, n, sizeof n);
        fprintf(out, "  %-18.18s %-10.10s %10s %6.1f%%\n", e->key, e->data ? (const char *)e->data : "", n,
                100.0 * (double)e->count / (double)a->total);
    }
    fprintf(out, "\n  %-8s %10s %18s\n", "month", "events", "active customers");
    for (size_t i = 0; i < a->n_months; i++) {
        char n[32], c[32];
        cli_format_count(a->months[i].events, n, sizeof n);
        cli_format_count(a->months[i].active, c, sizeof c);
        fprintf(out, "  %-8s %10s %18s\n", a->months[i].label, n, c);
    }
}

static void json_tally(jw *w, const char *key_name, const tally *t, bool with_channel)
{
    jw_array(w);
    for (size_t i = 0; i < t->count; i++) {
        jw_object(w);
        jw_kstring(w, key_name, t->items[i].key);
        if (with_channel)
            jw_kstring(w, "channel", t->items[i].data);
        jw_kint(w, "events", (int64_t)t->items[i].count);
        jw_end(w);
    }
    jw_end(w);
}

static void json(const report_ctx *ctx, const void *state, jw *w)
{
    (void)ctx;
    const activity *a = state;
    jw_object(w);
    jw_kint(w, "events", (int64_t)a->total);
    jw_key(w, "by_touchpoint");
    json_tally(w, "touchpoint", &a->touchpoints, true);
    jw_key(w, "by_channel");
    json_tally(w, "channel", &a->channels, false);
    jw_key(w, "by_month");
    jw_array(w);
    for (size_t i = 0; i < a->n_months; i++) {
        jw_object(w);
        jw_kstring(w, "month", a->months[i].label);
        jw_kint(w, "events", (int64_t)a->months[i].events);
        jw_kint(w, "active_customers", (int64_t)a->months[i].active);
        jw_end(w);
    }
    jw_end(w);
    jw_end(w);
}

static void html(const report_ctx *ctx, const void *state, FILE *out)
{
    (void)ctx;
    const activity *a = state;
    if (a->total == 0) {
        fputs("<p>No events.</p>\n", out);
        return;
    }
    size_t n = a->touchpoints.count;
    svg_bar *bars = calloc(n ? n : 1, sizeof *bars);
    char (*notes)[32] = calloc(n ? n : 1, sizeof *notes);
    double hi = 0;
    for (size_t i = 0; bars != NULL && notes != NULL && i < n; i++) {
        const tally_entry *e = &a->touchpoints.items[i];
        snprintf(notes[i], sizeof notes[i], "%s", e->data ? (const char *)e->data : "");
        bars[i] = (svg_bar){ e->key, notes[i], 100.0 * (double)e->count / (double)a->total, NAN, NAN, false };
        hi = fmax(hi, bars[i].value);
    }
    if (bars != NULL && notes != NULL)
        svg_hbars(out, "Share of events by touchpoint", bars, n, 0, hi, " %");
    free(bars);
    free(notes);
    size_t m = a->n_months;
    svg_point *pts = calloc(m ? m : 1, sizeof *pts);
    for (size_t i = 0; pts != NULL && i < m; i++)
        pts[i] = (svg_point){ a->months[i].label, (double)a->months[i].active, NAN, NAN,
                              (unsigned long long)a->months[i].events, false };
    if (pts != NULL)
        svg_columns(out, "Active customers by month", pts, m, "");
    free(pts);
    fputs("<table><tr><th>month</th><th>events</th><th>active customers</th></tr>\n", out);
    for (size_t i = 0; i < m; i++) {
        char events[32], customers[32];
        cli_format_count(a->months[i].events, events, sizeof events);
        cli_format_count(a->months[i].active, customers, sizeof customers);
        fprintf(out, "<tr><td>%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td></tr>\n",
                a->months[i].label, events, customers);
    }
    fputs("</table>\n", out);
}

const report_section report_activity = { "activity", "Activity: events", collect, text, json, html, release };
