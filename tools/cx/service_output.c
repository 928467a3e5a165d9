/* The output of `cx service`: per group and for all tickets, as text
 * tables or as one JSON object (members named as cx_service_metric_name()). */
#include <math.h>
#include <string.h>

#include "service_cmd.h"

/* cx/service.h: metrics 1..7 are durations in two time bases, 8..9 counts,
 * 10..13 rates. */
#define LAST_TIMED ((int)CX_SERVICE_ON_HOLD)
#define LAST_COUNT ((int)CX_SERVICE_REOPENS)
#define LAST_METRIC ((int)CX_SERVICE_FCR_FIRST_REPLY)

/* A duration or count calculator's figures. */
typedef struct summary {
    bool ok;
    uint64_t count;
    double median, p90, mean, ci_low, ci_high;
} summary;

static summary summarize(const cx_service *svc, cx_service_metric metric, cx_time_basis basis)
{
    summary s = { false, 0, NAN, NAN, NAN, NAN, NAN };
    const cx_metric *m = NULL;
    cx_metric_result r = CX_METRIC_RESULT_INIT;
    if (cx_service_get_metric(&m, svc, metric, basis) != CX_OK || cx_metric_get_result(m, &r) != CX_OK)
        return s;
    s = (summary){ true, r.count, r.value, NAN, r.mean, r.ci_low, r.ci_high };
    cx_metric_quantile(m, 0.9, &s.p90);
    return s;
}

static bool rate(const cx_service *svc, cx_service_metric metric, cx_metric_result *r)
{
    const cx_metric *m = NULL;
    return cx_service_get_metric(&m, svc, metric, CX_TIME_CALENDAR) == CX_OK && report_result(m, r) == CX_OK;
}

/* The breach rate of one SLA target over all the service's segments. */
static bool breach_rate(cx_service *svc, cx_sla_metric target, cx_metric_result *r)
{
    cx_group *g = NULL;
    cx_metric *total = NULL;
    bool ok = cx_service_get_sla_group(&g, svc, target) == CX_OK && cx_group_total(&total, g) == CX_OK
              && report_result(total, r) == CX_OK;
    cx_metric_free(total);
    return ok;
}

static cx_service *service_at(const service_figures *f, size_t i)
{
    return ((const service_group *)f->groups.items[i].data)->svc;
}

/* ---- JSON ------------------------------------------------------------------------- */

static void json_summary(jw *w, const summary *s)
{
    if (!s->ok) {
        jw_null(w);
        return;
    }
    jw_object(w);
    jw_kint(w, "count", (int64_t)s->count);
    jw_knumber(w, "median", s->median);
    jw_knumber(w, "p90", s->p90);
    jw_knumber(w, "mean", s->mean);
    jw_knumber(w, "ci_low", s->ci_low);
    jw_knumber(w, "ci_high", s->ci_high);
    jw_end(w);
}

static void json_rate(jw *w, bool ok, const cx_metric_result *r)
{
    if (ok)
        report_json_result(w, r);
    else
        jw_null(w);
}

static void json_metric(jw *w, const service_figures *f, const cx_service *svc, cx_service_metric metric)
{
    jw_key(w, cx_service_metric_name(metric));
    if ((int)metric <= LAST_TIMED) {
        jw_object(w);
        summary cal = summarize(svc, metric, CX_TIME_CALENDAR);
        jw_key(w, "calendar");
        json_summary(w, &cal);
        summary bus = summarize(svc, metric, CX_TIME_BUSINESS);
        jw_key(w, "business");
        if (f->calendar != NULL)
            json_summary(w, &bus);
        else
            jw_null(w);
        jw_end(w);
    } else if ((int)metric <= LAST_COUNT) {
        summary s = summarize(svc, metric, CX_TIME_CALENDAR);
        json_summary(w, &s);
    } else {
        cx_metric_result r;
        bool ok = rate(svc, metric, &r);
        json_rate(w, ok, &r);
    }
}

static void json_service(jw *w, const service_figures *f, cx_service *svc)
{
    cx_service_counts n = CX_SERVICE_COUNTS_INIT;
    cx_service_get_counts(&n, svc);
    jw_kint(w, "tickets", (int64_t)n.tickets);
    jw_kint(w, "resolved", (int64_t)n.resolved);
    jw_kint(w, "unresolved", (int64_t)n.unresolved);
    jw_kint(w, "merged", (int64_t)n.merged);
    for (int m = CX_SERVICE_FIRST_REPLY; m <= LAST_METRIC; m++)
        json_metric(w, f, svc, (cx_service_metric)m);
    if (f->sla == NULL)
        return;
    static const char *const targets[] = { "first_reply", "next_reply", "resolution" };
    jw_key(w, "sla_breach");
    jw_object(w);
    for (int t = CX_SLA_FIRST_REPLY; t <= CX_SLA_RESOLUTION; t++) {
        cx_metric_result r;
        bool ok = breach_rate(svc, (cx_sla_metric)t, &r);
        jw_key(w, targets[t - 1]);
        json_rate(w, ok, &r);
    }
    jw_end(w);
}

void service_print_json(const service_figures *f, FILE *out)
{
    jw w;
    jw_init(&w, out);
    jw_object(&w);
    jw_kstring(&w, "definition", f->definition);
    jw_key(&w, "calendar");
    if (f->calendar != NULL) {
        jw_object(&w);
        jw_kstring(&w, "file", f->calendar_path);
        jw_kstring(&w, "timezone", cx_timezone_name(cx_calendar_timezone(f->calendar)));
        jw_end(&w);
    } else {
        jw_null(&w);
    }
    jw_kstring(&w, "sla", f->sla);
    jw_knumber(&w, "confidence", f->confidence);
    jw_kint(&w, "events_ignored", (int64_t)f->ignored_events);
    jw_kstring(&w, "by", f->by);
    jw_key(&w, "all");
    jw_object(&w);
    json_service(&w, f, f->all);
    jw_end(&w);
    jw_key(&w, "groups");
    jw_array(&w);
    for (size_t i = 0; f->by != NULL && i < f->groups.count; i++) {
        jw_object(&w);
        jw_kstring(&w, f->by, f->groups.items[i].key);
        json_service(&w, f, service_at(f, i));
        jw_end(&w);
    }
    jw_end(&w);
    jw_end(&w);
    jw_finish(&w);
}

/* ---- text ------------------------------------------------------------------------------ */

static void duration_pair(char *buf, size_t cap, const summary *s)
{
    char a[16], b[16];
    cli_format_duration(s->median, a, sizeof a);
    cli_format_duration(s->p90, b, sizeof b);
    snprintf(buf, cap, "%s / %s", a, b);
}

static void times_row(FILE *out, const char *label, const cx_service *svc, cx_time_basis basis)
{
    cx_service_counts n = CX_SERVICE_COUNTS_INIT;
    cx_service_get_counts(&n, svc);
    summary first = summarize(svc, CX_SERVICE_FIRST_REPLY, basis);
    summary next = summarize(svc, CX_SERVICE_NEXT_REPLY, basis);
    summary full = summarize(svc, CX_SERVICE_FULL_RESOLUTION, basis);
    summary wait = summarize(svc, CX_SERVICE_REQUESTER_WAIT, basis);
    char count[32], a[40], b[16], c[40], d[16];
    cli_format_count(n.tickets, count, sizeof count);
    duration_pair(a, sizeof a, &first);
    cli_format_duration(next.median, b, sizeof b);
    duration_pair(c, sizeof c, &full);
    cli_format_duration(wait.median, d, sizeof d);
    fprintf(out, "  %-14.14s %8s  %-22s %10s  %-22s %10s\n", label, count, a, b, c, d);
}

static void rate_cell(FILE *out, bool ok, const cx_metric_result *r)
{
    char cell[40] = "-";
    if (ok)
        snprintf(cell, sizeof cell, "%.1f [%.1f, %.1f]", r->value, r->ci_low, r->ci_high);
    fprintf(out, " %-20s", cell);
}

static void rates_row(FILE *out, const char *label, cx_service *svc, bool sla)
{
    static const cx_service_metric rates[] = { CX_SERVICE_ONE_TOUCH, CX_SERVICE_FCR_NO_FOLLOW_UP,
                                               CX_SERVICE_FCR_FIRST_REPLY, CX_SERVICE_REOPEN_RATE };
    fprintf(out, "  %-14.14s", label);
    for (int k = 0; k < (sla ? 3 : 4); k++) {
        cx_metric_result r;
        bool ok = sla ? breach_rate(svc, (cx_sla_metric)(CX_SLA_FIRST_REPLY + k), &r) : rate(svc, rates[k], &r);
        rate_cell(out, ok, &r);
    }
    fputc('\n', out);
}

enum table_kind { TIMES, RATES, SLA_RATES };

/* One table: a row per group, then all tickets. */
static void table(FILE *out, const service_figures *f, enum table_kind kind, cx_time_basis basis)
{
    size_t groups = f->by != NULL ? f->groups.count : 0;
    for (size_t i = 0; i <= groups; i++) {
        cx_service *svc = i == groups ? f->all : service_at(f, i);
        const char *label = i == groups ? "all" : f->groups.items[i].key;
        if (kind == TIMES)
            times_row(out, label, svc, basis);
        else
            rates_row(out, label, svc, kind == SLA_RATES);
    }
}

static void header(FILE *out, const service_figures *f)
{
    cx_service_counts n = CX_SERVICE_COUNTS_INIT;
    cx_service_get_counts(&n, f->all);
    char tickets[32], resolved[32], unresolved[32];
    cli_format_count(n.tickets, tickets, sizeof tickets);
    cli_format_count(n.resolved, resolved, sizeof resolved);
    cli_format_count(n.unresolved, unresolved, sizeof unresolved);
    fprintf(out, "%s tickets%s%s: %s resolved, %s unresolved\n", tickets, f->by ? " by " : "", f->by ? f->by : "",
            resolved, unresolved);
    fprintf(out, "definition  %s\n", f->definition);
    if (f->calendar != NULL)
        fprintf(out, "calendar    %s (%s)\n", f->calendar_path, cx_timezone_name(cx_calendar_timezone(f->calendar)));
    if (f->sla != NULL)
        fprintf(out, "SLA         %s\n", f->sla);
    if (f->ignored_events > 0)
        fprintf(out, "ignored     %llu ticket events without a place in a timeline (see docs/cli.md)\n",
                (unsigned long long)f->ignored_events);
}

void service_print_text(const service_figures *f, FILE *out)
{
    header(out, f);
    for (int b = f->calendar != NULL ? 2 : 1; b >= 1; b--) {
        fprintf(out, "\n%-16s %8s  %-22s %10s  %-22s %10s\n", b == 2 ? "business time" : "calendar time", "tickets",
                "first reply p50 / p90", "next p50", "resolution p50 / p90", "wait p50");
        table(out, f, TIMES, (cx_time_basis)b);
    }
    fprintf(out, "\n%-16s %-20s %-20s %-20s %-20s\n", "% of resolved", "one-touch", "FCR no follow-up",
            "FCR first reply", "reopened");
    table(out, f, RATES, CX_TIME_CALENDAR);
    if (f->sla != NULL) {
        fprintf(out, "\n%-16s %-20s %-20s %-20s\n", "SLA breached %", "first reply", "next reply", "resolution");
        table(out, f, SLA_RATES, CX_TIME_CALENDAR);
    }
    fprintf(out, "\nIntervals: %.0f %% (Wilson for rates); medians and p90 as docs/metrics.md.\n",
            100 * f->confidence);
}
