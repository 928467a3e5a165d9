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

typedef struct activity {
    tally touchpoints;    /* data: the channel first seen */
    tally channels;
    tally months;         /* count: events; sum: active customers */
    tally month_customer; /* "YYYY-MM customer": distinct pairs */
    uint64_t total;
    int64_t cached_day;   /* month label of the last day seen */
    char cached_month[8];
} activity;

static void release(void *state)
{
    activity *a = state;
    if (a == NULL)
        return;
    for (size_t i = 0; i < a->touchpoints.count; i++)
        free(a->touchpoints.items[i].data);
    tally_free(&a->touchpoints);
    tally_free(&a->channels);
    tally_free(&a->months);
    tally_free(&a->month_customer);
    free(a);
}

static const char *month_of(activity *a, int64_t ms)
{
    int64_t day = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
    if (day != a->cached_day) {
        time_t t = (time_t)(day * 86400);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(a->cached_month, sizeof a->cached_month, "%Y-%m", &tm);
        a->cached_day = day;
    }
    return a->cached_month;
}

static int add_event(const cx_store_event *ev, void *payload)
{
    activity *a = payload;
    tally_entry *tp = tally_get(&a->touchpoints, ev->touchpoint);
    tally_entry *ch = tally_get(&a->channels, ev->channel ? ev->channel : "(none)");
    const char *month = month_of(a, ev->timestamp_ms);
    tally_entry *mo = tally_get(&a->months, month);
    if (tp == NULL || ch == NULL || mo == NULL)
        return CX_ENOMEM;
    tp->count++;
    ch->count++;
    mo->count++;
    a->total++;
    if (tp->data == NULL && ev->channel != NULL && (tp->data = strdup(ev->channel)) == NULL)
        return CX_ENOMEM;
    char key[160];
    snprintf(key, sizeof key, "%s %s", month, ev->customer_id);
    tally_entry *mc = tally_get(&a->month_customer, key);
    if (mc == NULL)
        return CX_ENOMEM;
    if (mc->count++ == 0)
        mo->sum += 1;
    return CX_OK;
}

static int collect(const report_ctx *ctx, void **state)
{
    activity *a = calloc(1, sizeof *a);
    if (a == NULL)
        return CX_ENOMEM;
    *state = a;
    a->cached_day = INT64_MIN;
    int rc = cx_store_each_event(ctx->store, &ctx->filter, add_event, a);
    tally_sort_by_count(&a->touchpoints);
    tally_sort_by_count(&a->channels);
    tally_sort_by_key(&a->months);
    tally_free(&a->month_customer);
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
    for (size_t i = 0; i < a->months.count; i++) {
        char n[32], c[32];
        cli_format_count(a->months.items[i].count, n, sizeof n);
        cli_format_count((uint64_t)a->months.items[i].sum, c, sizeof c);
        fprintf(out, "  %-8s %10s %18s\n", a->months.items[i].key, n, c);
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
    for (size_t i = 0; i < a->months.count; i++) {
        jw_object(w);
        jw_kstring(w, "month", a->months.items[i].key);
        jw_kint(w, "events", (int64_t)a->months.items[i].count);
        jw_kint(w, "active_customers", (int64_t)a->months.items[i].sum);
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
        bars[i] = (svg_bar){ e->key, notes[i], 100.0 * (double)e->count / (double)a->total, NAN, NAN };
        hi = fmax(hi, bars[i].value);
    }
    if (bars != NULL && notes != NULL)
        svg_hbars(out, "Share of events by touchpoint", bars, n, 0, hi, " %");
    free(bars);
    free(notes);
    size_t m = a->months.count;
    svg_point *pts = calloc(m ? m : 1, sizeof *pts);
    for (size_t i = 0; pts != NULL && i < m; i++)
        pts[i] = (svg_point){ a->months.items[i].key, a->months.items[i].sum, NAN, NAN,
                              (unsigned long long)a->months.items[i].count, false };
    if (pts != NULL)
        svg_columns(out, "Active customers by month", pts, m, "");
    free(pts);
    fputs("<table><tr><th>month</th><th>events</th><th>active customers</th></tr>\n", out);
    for (size_t i = 0; i < m; i++) {
        char events[32], customers[32];
        cli_format_count(a->months.items[i].count, events, sizeof events);
        cli_format_count((uint64_t)a->months.items[i].sum, customers, sizeof customers);
        fprintf(out, "<tr><td>%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td></tr>\n",
                a->months.items[i].key, events, customers);
    }
    fputs("</table>\n", out);
}

const report_section report_activity = { "activity", "Activity: events", collect, text, json, html, release };
