/*
 * Report section "scores": NPS, CSAT, CES (and FCR answers) overall and per
 * period, each with its interval, from grouped calculators (cx/group.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "svg.h"

static const cx_metric_kind kinds[] = { CX_METRIC_NPS, CX_METRIC_CSAT, CX_METRIC_CES, CX_METRIC_FCR };
#define N_KINDS (sizeof kinds / sizeof kinds[0])

typedef struct scores {
    cx_group *trend[N_KINDS];
} scores;

static void release(void *state)
{
    scores *s = state;
    if (s == NULL)
        return;
    for (size_t i = 0; i < N_KINDS; i++)
        cx_group_free(s->trend[i]);
    free(s);
}

static int slot_of(cx_metric_kind kind)
{
    for (size_t i = 0; i < N_KINDS; i++)
        if (kinds[i] == kind)
            return (int)i;
    return -1;
}

static int add_answer(const cx_store_answer *a, void *payload)
{
    scores *s = payload;
    int i = slot_of(a->metric);
    return i < 0 ? CX_OK : cx_group_add(s->trend[i], NULL, a->timestamp_ms, a->score);
}

static int collect(const report_ctx *ctx, void **state)
{
    scores *s = calloc(1, sizeof *s);
    if (s == NULL)
        return CX_ENOMEM;
    *state = s;
    cx_metric_options mo = CX_METRIC_OPTIONS_INIT;
    mo.confidence = ctx->confidence;
    cx_group_options go = CX_GROUP_OPTIONS_INIT;
    go.period = ctx->period;
    go.min_count = ctx->min_count;
    for (size_t i = 0; i < N_KINDS; i++) {
        int rc = cx_group_new(&s->trend[i], kinds[i], &mo, &go);
        if (rc != CX_OK)
            return rc;
    }
    return cx_store_each_answer(ctx->store, &ctx->filter, add_answer, s);
}

/* The overall result of a metric, CX_EEMPTY without answers. */
static int overall(const scores *s, size_t i, cx_metric_result *r)
{
    cx_metric *total = NULL;
    int rc = cx_group_total(&total, s->trend[i]);
    if (rc == CX_OK)
        rc = report_result(total, r);
    cx_metric_free(total);
    return rc;
}

/* The trend as chart points; the caller frees the array. */
static svg_point *trend_points(const scores *s, size_t i, size_t *n, cx_group_entry **entries)
{
    cx_group *g = s->trend[i];
    cx_group_count(n, g);
    svg_point *pts = calloc(*n ? *n : 1, sizeof *pts);
    *entries = calloc(*n ? *n : 1, sizeof **entries);
    if (pts == NULL || *entries == NULL) {
        free(pts);
        free(*entries);
        *entries = NULL;
        *n = 0;
        return NULL;
    }
    for (size_t k = 0; k < *n; k++) {
        cx_group_entry e = CX_GROUP_ENTRY_INIT;
        cx_metric_result r = CX_METRIC_RESULT_INIT;
        cx_group_get(&e, g, k);
        (*entries)[k] = e;
        bool ok = !e.suppressed && cx_group_get_result(&r, g, k) == CX_OK;
        pts[k] = (svg_point){ (*entries)[k].period_label, ok ? r.value : NAN, ok ? r.ci_low : NAN,
                              ok ? r.ci_high : NAN, (unsigned long long)e.count, !ok };
    }
    return pts;
}

static void sparkline(FILE *out, const svg_point *pts, size_t n)
{
    static const char *const blocks[] = { "\u2581", "\u2582", "\u2583", "\u2584",
                                          "\u2585", "\u2586", "\u2587", "\u2588" };
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++)
        if (!pts[i].missing) {
            lo = fmin(lo, pts[i].value);
            hi = fmax(hi, pts[i].value);
        }
    for (size_t i = 0; i < n; i++) {
        if (pts[i].missing) {
            fputc(' ', out);
            continue;
        }
        int level = hi > lo ? (int)((pts[i].value - lo) / (hi - lo) * 7.999) : 3;
        fputs(blocks[level], out);
    }
}

static void text(const report_ctx *ctx, const void *state, FILE *out)
{
    const scores *s = state;
    fprintf(out, "  %-5s %9s  %-20s %9s   trend by %s (first -> last)\n", "", "value", "interval", "answers",
            ctx->period_name);
    for (size_t i = 0; i < N_KINDS; i++) {
        cx_metric_result r;
        if (overall(s, i, &r) != CX_OK)
            continue;
        char n[32], ci[48];
        cli_format_count(r.count, n, sizeof n);
        snprintf(ci, sizeof ci, "[%.1f, %.1f]", r.ci_low, r.ci_high);
        fprintf(out, "  %-5s %7.1f%-2s  %-20s %9s   ", report_metric_label(kinds[i]), r.value,
                report_metric_unit(kinds[i]), ci, n);
        size_t np;
        cx_group_entry *entries = NULL;
        svg_point *pts = trend_points(s, i, &np, &entries);
        if (pts != NULL && np > 0) {
            sparkline(out, pts, np);
            size_t first = 0, last = np;
            while (first < np && pts[first].missing)
                first++;
            while (last > 0 && pts[last - 1].missing)
                last--;
            if (first < last)
                fprintf(out, "  %.1f -> %.1f", pts[first].value, pts[last - 1].value);
        }
        fputc('\n', out);
        free(pts);
        free(entries);
    }
}

static void json(const report_ctx *ctx, const void *state, jw *w)
{
    (void)ctx;
    const scores *s = state;
    jw_object(w);
    for (size_t i = 0; i < N_KINDS; i++) {
        cx_metric_result r;
        if (overall(s, i, &r) != CX_OK)
            continue;
        jw_key(w, cx_metric_kind_name(kinds[i]));
        jw_object(w);
        jw_key(w, "overall");
        report_json_result(w, &r);
        jw_key(w, "trend");
        jw_array(w);
        size_t n;
        cx_group_entry *entries = NULL;
        svg_point *pts = trend_points(s, i, &n, &entries);
        for (size_t k = 0; pts != NULL && k < n; k++) {
            jw_object(w);
            jw_kstring(w, "period", entries[k].period_label);
            jw_kint(w, "start_ms", entries[k].period_start_ms);
            jw_kint(w, "count", (int64_t)entries[k].count);
            jw_key(w, "suppressed");
            jw_bool(w, entries[k].suppressed != 0);
            jw_knumber(w, "value", pts[k].value);
            jw_knumber(w, "ci_low", pts[k].lo);
            jw_knumber(w, "ci_high", pts[k].hi);
            jw_end(w);
        }
        free(pts);
        free(entries);
        jw_end(w);
        jw_end(w);
    }
    jw_end(w);
}

static void html(const report_ctx *ctx, const void *state, FILE *out)
{
    const scores *s = state;
    fprintf(out, "<table><tr><th>metric</th><th>value</th><th>%.0f %% interval</th><th>answers</th></tr>\n",
            100 * ctx->confidence);
    for (size_t i = 0; i < N_KINDS; i++) {
        cx_metric_result r;
        if (overall(s, i, &r) != CX_OK)
            continue;
        char n[32];
        cli_format_count(r.count, n, sizeof n);
        fprintf(out, "<tr><td>%s</td><td class=\"num\">%.1f%s</td><td class=\"num\">%.1f .. %.1f</td>"
                     "<td class=\"num\">%s</td></tr>\n",
                report_metric_label(kinds[i]), r.value, report_metric_unit(kinds[i]), r.ci_low, r.ci_high, n);
    }
    fputs("</table>\n", out);
    for (size_t i = 0; i < N_KINDS; i++) {
        cx_metric_result r;
        if (overall(s, i, &r) != CX_OK)
            continue;
        size_t n;
        cx_group_entry *entries = NULL;
        svg_point *pts = trend_points(s, i, &n, &entries);
        char title[96];
        snprintf(title, sizeof title, "%s by %s, with %.0f %% interval", report_metric_label(kinds[i]),
                 ctx->period_name, 100 * ctx->confidence);
        if (pts != NULL)
            svg_trend(out, title, pts, n, NAN, NAN, report_metric_unit(kinds[i]));
        free(pts);
        free(entries);
    }
}

const report_section report_scores = { "scores", "Scores over time", collect, text, json, html, release };
