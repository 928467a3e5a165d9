/*
 * Report section "service": helpdesk figures from each ticket's timeline
 * (cx_store_each_ticket), per channel and overall.
 *
 *  - first response time: from the opening to the first agent reply;
 *  - resolution time: from the opening to the ticket's resolution;
 *  - first-contact resolution (one-touch): a resolved ticket counts as
 *    resolved on first contact when it got exactly one agent reply and was
 *    never reopened; the share is over resolved tickets.
 *
 * Times go into DURATION calculators (median, p90) and FCR into FCR
 * calculators, grouped by channel. With a calendar (cx report --calendar)
 * both times are also measured in business seconds, and the charts show
 * business time. `cx service` measures tickets with the service module's
 * named definitions.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "svg.h"

enum { FIRST_RESPONSE, RESOLUTION, FCR, FIRST_RESPONSE_BUSINESS, RESOLUTION_BUSINESS, N_FIGURES };

typedef struct service {
    cx_group *groups[N_FIGURES];  /* segment: channel; business times only with a calendar */
    const cx_calendar *cal;
    tally tickets;                /* per channel: count; sum = open (unresolved) tickets */
    uint64_t total, open, reopened, no_ticket_row;
} service;

static void release(void *state)
{
    service *s = state;
    if (s == NULL)
        return;
    for (int f = 0; f < N_FIGURES; f++)
        cx_group_free(s->groups[f]);
    tally_free(&s->tickets);
    free(s);
}

typedef struct timeline {
    int64_t first_reply_ms, resolved_ms;
    unsigned replies;
    bool reopened;
} timeline;

static timeline read_timeline(const cx_store_ticket *t, const cx_store_ticket_event *ev, size_t n)
{
    timeline tl = { CX_STORE_NO_TIME, t->resolved_ms, 0, false };
    int64_t last_resolution = CX_STORE_NO_TIME;
    for (size_t i = 0; i < n; i++) {
        switch (ev[i].kind) {
        case CX_STORE_TICKET_EVENT_AGENT_REPLY:
            if (tl.first_reply_ms == CX_STORE_NO_TIME && ev[i].timestamp_ms >= t->opened_ms)
                tl.first_reply_ms = ev[i].timestamp_ms;
            tl.replies++;
            break;
        case CX_STORE_TICKET_EVENT_REOPENED: tl.reopened = true; break;
        case CX_STORE_TICKET_EVENT_RESOLVED:
        case CX_STORE_TICKET_EVENT_CLOSED: last_resolution = ev[i].timestamp_ms; break;
        default: break;
        }
    }
    bool done = t->status == CX_STORE_TICKET_RESOLVED || t->status == CX_STORE_TICKET_CLOSED;
    if (tl.resolved_ms == CX_STORE_NO_TIME && done)
        tl.resolved_ms = last_resolution;
    return tl;
}

static int64_t seconds_of(int64_t ms)
{
    return ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
}

/* Business seconds between two times, in whole seconds; nothing without a calendar. */
static int add_business(service *s, int figure, const char *channel, int64_t from_ms, int64_t to_ms)
{
    int64_t seconds;
    if (s->cal == NULL)
        return CX_OK;
    int rc = cx_calendar_business_seconds(&seconds, s->cal, seconds_of(from_ms), seconds_of(to_ms));
    return rc == CX_OK ? cx_group_add(s->groups[figure], channel, 0, (double)seconds) : rc;
}

static int add_ticket(const cx_store_ticket *t, const cx_store_ticket_event *ev, size_t n, void *payload)
{
    service *s = payload;
    if (t->opened_ms == CX_STORE_NO_TIME) {
        s->no_ticket_row++;
        return CX_OK;
    }
    const char *channel = t->channel ? t->channel : "(none)";
    tally_entry *e = tally_get(&s->tickets, channel);
    if (e == NULL)
        return CX_ENOMEM;
    e->count++;
    s->total++;
    timeline tl = read_timeline(t, ev, n);
    s->reopened += tl.reopened;
    int rc = CX_OK;
    if (tl.first_reply_ms != CX_STORE_NO_TIME)
        rc = cx_group_add(s->groups[FIRST_RESPONSE], channel, 0, (double)(tl.first_reply_ms - t->opened_ms) / 1000);
    if (rc == CX_OK && tl.first_reply_ms != CX_STORE_NO_TIME)
        rc = add_business(s, FIRST_RESPONSE_BUSINESS, channel, t->opened_ms, tl.first_reply_ms);
    if (tl.resolved_ms == CX_STORE_NO_TIME) {
        s->open++;
        e->sum += 1;
        return rc;
    }
    if (rc == CX_OK)
        rc = cx_group_add(s->groups[RESOLUTION], channel, 0, (double)(tl.resolved_ms - t->opened_ms) / 1000);
    if (rc == CX_OK)
        rc = add_business(s, RESOLUTION_BUSINESS, channel, t->opened_ms, tl.resolved_ms);
    if (rc == CX_OK)
        rc = cx_group_add(s->groups[FCR], channel, 0, tl.replies == 1 && !tl.reopened ? 1 : 0);
    return rc;
}

static int collect(const report_ctx *ctx, void **state)
{
    service *s = calloc(1, sizeof *s);
    if (s == NULL)
        return CX_ENOMEM;
    *state = s;
    tally_init(&s->tickets);
    cx_metric_options mo = CX_METRIC_OPTIONS_INIT;
    mo.confidence = ctx->confidence;
    cx_metric_options dur = mo;
    dur.sketch_k = 65536; /* exact quantiles up to 65,536 tickets per channel */
    cx_group_options go = CX_GROUP_OPTIONS_INIT;
    go.min_count = ctx->min_count;
    s->cal = ctx->calendar;
    int rc;
    if ((rc = cx_group_new(&s->groups[FIRST_RESPONSE], CX_METRIC_DURATION, &dur, &go)) != CX_OK
        || (rc = cx_group_new(&s->groups[RESOLUTION], CX_METRIC_DURATION, &dur, &go)) != CX_OK
        || (rc = cx_group_new(&s->groups[FCR], CX_METRIC_FCR, &mo, &go)) != CX_OK)
        return rc;
    for (int f = FIRST_RESPONSE_BUSINESS; s->cal != NULL && f <= RESOLUTION_BUSINESS; f++)
        if ((rc = cx_group_new(&s->groups[f], CX_METRIC_DURATION, &dur, &go)) != CX_OK)
            return rc;
    rc = cx_store_each_ticket(ctx->store, &ctx->filter, add_ticket, s);
    tally_sort_by_count(&s->tickets);
    return rc;
}

/* Figures of one channel (or of all: channel NULL). */
typedef struct figures {
    uint64_t tickets;
    cx_metric_result fcr;
    bool has_fcr;
    double response_p50, response_p90, resolution_p50, resolution_p90;
    uint64_t responded, resolved;
    double business_response_p50, business_response_p90, business_resolution_p50, business_resolution_p90;
    uint64_t business_responded, business_resolved;
} figures;

static void quantiles(const cx_metric *m, double *p50, double *p90, uint64_t *count)
{
    cx_metric_result r = CX_METRIC_RESULT_INIT;
    *p50 = *p90 = NAN;
    *count = 0;
    if (m == NULL || cx_metric_get_result(m, &r) != CX_OK)
        return;
    *count = r.count;
    cx_metric_quantile(m, 0.5, p50);
    cx_metric_quantile(m, 0.9, p90);
}

/* The calculator of a channel (borrowed) or the total (owned: *owned). */
static const cx_metric *figure_metric(cx_group *g, const char *channel, cx_metric **owned)
{
    *owned = NULL;
    if (channel == NULL)
        return cx_group_total(owned, g) == CX_OK ? *owned : NULL;
    size_t at;
    cx_group_entry e = CX_GROUP_ENTRY_INIT;
    if (cx_group_find(&at, g, channel, 0) != CX_OK || cx_group_get(&e, g, at) != CX_OK)
        return NULL;
    return e.metric;
}

static figures channel_figures(const service *s, const char *channel, uint64_t tickets)
{
    figures f;
    memset(&f, 0, sizeof f);
    f.tickets = tickets;
    cx_metric *owned;
    const cx_metric *m = figure_metric(s->groups[FIRST_RESPONSE], channel, &owned);
    quantiles(m, &f.response_p50, &f.response_p90, &f.responded);
    cx_metric_free(owned);
    m = figure_metric(s->groups[RESOLUTION], channel, &owned);
    quantiles(m, &f.resolution_p50, &f.resolution_p90, &f.resolved);
    cx_metric_free(owned);
    m = figure_metric(s->groups[FCR], channel, &owned);
    f.has_fcr = report_result(m, &f.fcr) == CX_OK;
    cx_metric_free(owned);
    f.business_response_p50 = f.business_response_p90 = f.business_resolution_p50 = f.business_resolution_p90 = NAN;
    if (s->cal == NULL)
        return f;
    m = figure_metric(s->groups[FIRST_RESPONSE_BUSINESS], channel, &owned);
    quantiles(m, &f.business_response_p50, &f.business_response_p90, &f.business_responded);
    cx_metric_free(owned);
    m = figure_metric(s->groups[RESOLUTION_BUSINESS], channel, &owned);
    quantiles(m, &f.business_resolution_p50, &f.business_resolution_p90, &f.business_resolved);
    cx_metric_free(owned);
    return f;
}

/* The figures with the business times in place of the calendar times. */
static figures business_view(figures f)
{
    f.response_p50 = f.business_response_p50;
    f.response_p90 = f.business_response_p90;
    f.resolution_p50 = f.business_resolution_p50;
    f.resolution_p90 = f.business_resolution_p90;
    f.responded = f.business_responded;
    f.resolved = f.business_resolved;
    return f;
}

static const char *zone_of(const cx_calendar *cal)
{
    return cx_timezone_name(cx_calendar_timezone(cal));
}

static void text_row(FILE *out, const char *label, const figures *f)
{
    char n[32], a[16], b[16], c[16], d[16], fcr[32] = "-";
    cli_format_count(f->tickets, n, sizeof n);
    cli_format_duration(f->response_p50, a, sizeof a);
    cli_format_duration(f->response_p90, b, sizeof b);
    cli_format_duration(f->resolution_p50, c, sizeof c);
    cli_format_duration(f->resolution_p90, d, sizeof d);
    if (f->has_fcr)
        snprintf(fcr, sizeof fcr, "%.1f %%", f->fcr.value);
    fprintf(out, "  %-12.12s %8s %8s  %9s / %-9s  %9s / %-9s\n", label, n, fcr, a, b, c, d);
}

static void text_table(FILE *out, const service *s, bool business)
{
    fprintf(out, "  %-12s %8s %8s  %21s  %21s\n", business ? "business" : "channel", "tickets", business ? "" : "FCR",
            "first response p50/p90", "resolution p50/p90");
    for (size_t i = 0; i <= s->tickets.count; i++) {
        bool all = i == s->tickets.count;
        const char *key = all ? NULL : s->tickets.items[i].key;
        figures f = channel_figures(s, key, all ? s->total : s->tickets.items[i].count);
        if (business) {
            f = business_view(f);
            f.has_fcr = false;
        }
        text_row(out, all ? "all" : key, &f);
    }
}

static void text(const report_ctx *ctx, const void *state, FILE *out)
{
    const service *s = state;
    if (s->total == 0) {
        fputs("  no tickets\n", out);
        return;
    }
    text_table(out, s, false);
    char open[32], reopened[32];
    cli_format_count(s->open, open, sizeof open);
    cli_format_count(s->reopened, reopened, sizeof reopened);
    fprintf(out, "  unresolved: %s; reopened: %s\n", open, reopened);
    if (s->cal == NULL)
        return;
    fprintf(out, "  in business hours of %s (%s):\n", ctx->calendar_path, zone_of(s->cal));
    text_table(out, s, true);
}

static void json_times(jw *w, const char *key, uint64_t count, double p50, double p90)
{
    jw_key(w, key);
    jw_object(w);
    jw_kint(w, "count", (int64_t)count);
    jw_knumber(w, "median", p50);
    jw_knumber(w, "p90", p90);
    jw_end(w);
}

static void json_figures(jw *w, const figures *f, bool business)
{
    jw_kint(w, "tickets", (int64_t)f->tickets);
    jw_key(w, "fcr");
    if (f->has_fcr)
        report_json_result(w, &f->fcr);
    else
        jw_null(w);
    jw_key(w, "first_response_seconds");
    jw_object(w);
    jw_kint(w, "count", (int64_t)f->responded);
    jw_knumber(w, "median", f->response_p50);
    jw_knumber(w, "p90", f->response_p90);
    jw_end(w);
    jw_key(w, "resolution_seconds");
    jw_object(w);
    jw_kint(w, "count", (int64_t)f->resolved);
    jw_knumber(w, "median", f->resolution_p50);
    jw_knumber(w, "p90", f->resolution_p90);
    jw_end(w);
    if (!business)
        return;
    json_times(w, "first_response_business_seconds", f->business_responded, f->business_response_p50,
               f->business_response_p90);
    json_times(w, "resolution_business_seconds", f->business_resolved, f->business_resolution_p50,
               f->business_resolution_p90);
}

static void json(const report_ctx *ctx, const void *state, jw *w)
{
    const service *s = state;
    jw_object(w);
    jw_key(w, "calendar");
    if (s->cal != NULL) {
        jw_object(w);
        jw_kstring(w, "file", ctx->calendar_path);
        jw_kstring(w, "timezone", zone_of(s->cal));
        jw_end(w);
    } else {
        jw_null(w);
    }
    figures all = channel_figures(s, NULL, s->total);
    json_figures(w, &all, s->cal != NULL);
    jw_kint(w, "unresolved", (int64_t)s->open);
    jw_kint(w, "reopened", (int64_t)s->reopened);
    jw_kint(w, "without_ticket_row", (int64_t)s->no_ticket_row);
    jw_key(w, "by_channel");
    jw_array(w);
    for (size_t i = 0; i < s->tickets.count; i++) {
        figures f = channel_figures(s, s->tickets.items[i].key, s->tickets.items[i].count);
        jw_object(w);
        jw_kstring(w, "channel", s->tickets.items[i].key);
        json_figures(w, &f, s->cal != NULL);
        jw_kint(w, "unresolved", (int64_t)s->tickets.items[i].sum);
        jw_end(w);
    }
    jw_end(w);
    jw_end(w);
}

/* Medians (bars) and p90 (whiskers) of a time per channel, in minutes or
 * hours, whichever reads better; in business time with a calendar. */
static void html_times(FILE *out, const service *s, bool resolution)
{
    size_t n = s->tickets.count, m = 0;
    svg_bar *bars = calloc(n ? n : 1, sizeof *bars);
    char (*notes)[48] = calloc(n ? n : 1, sizeof *notes);
    figures *f = calloc(n ? n : 1, sizeof *f);
    double top = 0;
    for (size_t i = 0; f != NULL && i < n; i++) {
        f[i] = channel_figures(s, s->tickets.items[i].key, s->tickets.items[i].count);
        if (s->cal != NULL)
            f[i] = business_view(f[i]);
        double p90 = resolution ? f[i].resolution_p90 : f[i].response_p90;
        if (!isnan(p90))
            top = fmax(top, p90);
    }
    bool hours = top >= 3 * 3600;
    double scale = hours ? 3600 : 60;
    const char *unit = hours ? " h" : " min";
    for (size_t i = 0; bars != NULL && notes != NULL && f != NULL && i < n; i++) {
        double p50 = (resolution ? f[i].resolution_p50 : f[i].response_p50) / scale;
        double p90 = (resolution ? f[i].resolution_p90 : f[i].response_p90) / scale;
        if (isnan(p50))
            continue;
        snprintf(notes[m], sizeof notes[m], "p90 %.1f%s", p90, unit);
        bars[m] = (svg_bar){ s->tickets.items[i].key, notes[m], p50, p50, p90, false };
        m++;
    }
    char title[128];
    snprintf(title, sizeof title, "%s time by channel%s: median (bar) to p90 (whisker), %s",
             resolution ? "Resolution" : "First response", s->cal ? " in business hours" : "", hours ? "hours" : "minutes");
    if (m > 0)
        svg_hbars(out, title, bars, m, 0, top / scale, unit);
    free(bars);
    free(notes);
    free(f);
}

static void html_row(FILE *out, const char *label, const figures *f, bool business)
{
    char n[32], a[16], b[16], c[16], d[16];
    cli_format_count(f->tickets, n, sizeof n);
    cli_format_duration(f->response_p50, a, sizeof a);
    cli_format_duration(f->response_p90, b, sizeof b);
    cli_format_duration(f->resolution_p50, c, sizeof c);
    cli_format_duration(f->resolution_p90, d, sizeof d);
    fputs("<tr><td>", out);
    html_text(out, label);
    fprintf(out, "</td><td class=\"num\">%s</td>", n);
    if (f->has_fcr)
        fprintf(out, "<td class=\"num\" title=\"%.1f .. %.1f\">%.1f %%</td>", f->fcr.ci_low, f->fcr.ci_high,
                f->fcr.value);
    else
        fputs("<td class=\"num\">-</td>", out);
    fprintf(out, "<td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td>",
            a, b, c, d);
    if (business) {
        cli_format_duration(f->business_response_p50, a, sizeof a);
        cli_format_duration(f->business_resolution_p50, c, sizeof c);
        fprintf(out, "<td class=\"num\">%s</td><td class=\"num\">%s</td>", a, c);
    }
    fputs("</tr>\n", out);
}

static void html(const report_ctx *ctx, const void *state, FILE *out)
{
    const service *s = state;
    if (s->total == 0) {
        fputs("<p>No tickets.</p>\n", out);
        return;
    }
    html_times(out, s, false);
    html_times(out, s, true);
    fputs("<table><tr><th>channel</th><th>tickets</th><th>FCR (one-touch)</th><th>first response p50</th>"
          "<th>p90</th><th>resolution p50</th><th>p90</th>",
          out);
    bool business = s->cal != NULL;
    if (business)
        fputs("<th>business first response p50</th><th>business resolution p50</th>", out);
    fputs("</tr>\n", out);
    for (size_t i = 0; i < s->tickets.count; i++) {
        figures f = channel_figures(s, s->tickets.items[i].key, s->tickets.items[i].count);
        html_row(out, s->tickets.items[i].key, &f, business);
    }
    figures all = channel_figures(s, NULL, s->total);
    html_row(out, "all channels", &all, business);
    fprintf(out, "</table>\n<p>%llu tickets unresolved, %llu reopened. FCR counts resolved tickets with exactly one "
                 "agent reply and no reopening.",
            (unsigned long long)s->open, (unsigned long long)s->reopened);
    if (business) {
        fputs(" Business time: the open hours of ", out);
        html_text(out, ctx->calendar_path);
        fputs(" (", out);
        html_text(out, zone_of(s->cal));
        fputs(").", out);
    }
    fputs("</p>\n", out);
}

const report_section report_service = { "service", "Service: tickets", collect, text, json, html, release };
