/*
 * Report section "touchpoints": survey answers per touchpoint and per
 * channel, with NPS, CSAT and CES of each (grouped calculators without
 * periods, one group per touchpoint or channel).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "svg.h"

static const cx_metric_kind kinds[] = { CX_METRIC_NPS, CX_METRIC_CSAT, CX_METRIC_CES };
#define N_KINDS (sizeof kinds / sizeof kinds[0])

enum { BY_TOUCHPOINT, BY_CHANNEL, N_DIMS };
static const char *const dim_names[N_DIMS] = { "touchpoint", "channel" };

typedef struct touchpoints {
    cx_group *groups[N_DIMS][N_KINDS];
    tally answers[N_DIMS];   /* all answers per key; data: the touchpoint's channel (first seen) */
} touchpoints;

static void release(void *state)
{
    touchpoints *t = state;
    if (t == NULL)
        return;
    for (int d = 0; d < N_DIMS; d++) {
        for (size_t k = 0; k < N_KINDS; k++)
            cx_group_free(t->groups[d][k]);
        for (size_t i = 0; i < t->answers[d].count; i++)
            free(t->answers[d].items[i].data);
        tally_free(&t->answers[d]);
    }
    free(t);
}

static int count_answer(tally *tl, const char *key, const char *channel)
{
    tally_entry *e = tally_get(tl, key);
    if (e == NULL)
        return CX_ENOMEM;
    e->count++;
    if (e->data == NULL && channel != NULL && (e->data = strdup(channel)) == NULL)
        return CX_ENOMEM;
    return CX_OK;
}

static int add_answer(const cx_store_answer *a, void *payload)
{
    touchpoints *t = payload;
    const char *keys[N_DIMS] = { a->touchpoint ? a->touchpoint : "(none)", a->channel ? a->channel : "(none)" };
    for (int d = 0; d < N_DIMS; d++) {
        int rc = count_answer(&t->answers[d], keys[d], d == BY_TOUCHPOINT ? a->channel : NULL);
        if (rc != CX_OK)
            return rc;
        for (size_t k = 0; k < N_KINDS; k++)
            if (kinds[k] == a->metric && (rc = cx_group_add(t->groups[d][k], keys[d], 0, a->score)) != CX_OK)
                return rc;
    }
    return CX_OK;
}

static int collect(const report_ctx *ctx, void **state)
{
    touchpoints *t = calloc(1, sizeof *t);
    if (t == NULL)
        return CX_ENOMEM;
    *state = t;
    cx_metric_options mo = CX_METRIC_OPTIONS_INIT;
    mo.confidence = ctx->confidence;
    cx_group_options go = CX_GROUP_OPTIONS_INIT;
    go.min_count = ctx->min_count;
    for (int d = 0; d < N_DIMS; d++) {
        tally_init(&t->answers[d]);
        for (size_t k = 0; k < N_KINDS; k++) {
            int rc = cx_group_new(&t->groups[d][k], kinds[k], &mo, &go);
            if (rc != CX_OK)
                return rc;
        }
    }
    int rc = cx_store_each_answer(ctx->store, &ctx->filter, add_answer, t);
    for (int d = 0; d < N_DIMS; d++)
        tally_sort_by_count(&t->answers[d]);
    return rc;
}

/* The result of one key's group, or CX_EEMPTY (no answers, suppressed). */
static int key_result(const touchpoints *t, int d, size_t k, const char *key, cx_metric_result *r)
{
    size_t at;
    cx_metric_result fresh = CX_METRIC_RESULT_INIT;
    *r = fresh;
    if (cx_group_find(&at, t->groups[d][k], key, 0) != CX_OK)
        return CX_EEMPTY;
    return cx_group_get_result(r, t->groups[d][k], at);
}

/* Keys ordered by NPS, lowest first (keys without an NPS last). */
typedef struct ranked {
    const tally_entry *entry;
    double nps;
} ranked;

static int by_nps(const void *a, const void *b)
{
    double x = ((const ranked *)a)->nps, y = ((const ranked *)b)->nps;
    if (isnan(x) || isnan(y))
        return isnan(x) - isnan(y);
    return (x > y) - (x < y);
}

static ranked *rank(const touchpoints *t, int d)
{
    const tally *tl = &t->answers[d];
    ranked *r = calloc(tl->count ? tl->count : 1, sizeof *r);
    if (r == NULL)
        return NULL;
    for (size_t i = 0; i < tl->count; i++) {
        cx_metric_result res;
        r[i].entry = &tl->items[i];
        r[i].nps = key_result(t, d, 0, tl->items[i].key, &res) == CX_OK ? res.value : NAN;
    }
    qsort(r, tl->count, sizeof *r, by_nps);
    return r;
}

static void text(const report_ctx *ctx, const void *state, FILE *out)
{
    (void)ctx;
    const touchpoints *t = state;
    for (int d = 0; d < N_DIMS; d++) {
        ranked *r = rank(t, d);
        if (r == NULL)
            return;
        fprintf(out, "  %-18s %9s %8s %8s %8s   (lowest NPS first)\n", dim_names[d], "answers", "NPS", "CSAT %",
                "CES");
        for (size_t i = 0; i < t->answers[d].count; i++) {
            char n[32];
            cli_format_count(r[i].entry->count, n, sizeof n);
            fprintf(out, "  %-18.18s %9s", r[i].entry->key, n);
            for (size_t k = 0; k < N_KINDS; k++) {
                cx_metric_result res;
                if (key_result(t, d, k, r[i].entry->key, &res) == CX_OK)
                    fprintf(out, " %8.*f", kinds[k] == CX_METRIC_CES ? 2 : 1, res.value);
                else
                    fprintf(out, " %8s", "-");
            }
            fputc('\n', out);
        }
        free(r);
        if (d + 1 < N_DIMS)
            fputc('\n', out);
    }
}

static void json(const report_ctx *ctx, const void *state, jw *w)
{
    (void)ctx;
    const touchpoints *t = state;
    jw_object(w);
    for (int d = 0; d < N_DIMS; d++) {
        jw_key(w, d == BY_TOUCHPOINT ? "by_touchpoint" : "by_channel");
        jw_array(w);
        for (size_t i = 0; i < t->answers[d].count; i++) {
            const tally_entry *e = &t->answers[d].items[i];
            jw_object(w);
            jw_kstring(w, dim_names[d], e->key);
            if (d == BY_TOUCHPOINT)
                jw_kstring(w, "channel", e->data);
            jw_kint(w, "answers", (int64_t)e->count);
            for (size_t k = 0; k < N_KINDS; k++) {
                cx_metric_result r;
                if (key_result(t, d, k, e->key, &r) != CX_OK)
                    continue;
                jw_key(w, cx_metric_kind_name(kinds[k]));
                report_json_result(w, &r);
            }
            jw_end(w);
        }
        jw_end(w);
    }
    jw_end(w);
}

static void html_table(FILE *out, const touchpoints *t, int d, const ranked *r)
{
    fprintf(out, "<table><tr><th>%s</th>%s<th>answers</th><th>NPS</th><th>CSAT</th><th>CES</th></tr>\n", dim_names[d],
            d == BY_TOUCHPOINT ? "<th>channel</th>" : "");
    for (size_t i = 0; i < t->answers[d].count; i++) {
        char n[32];
        cli_format_count(r[i].entry->count, n, sizeof n);
        fputs("<tr><td>", out);
        html_text(out, r[i].entry->key);
        if (d == BY_TOUCHPOINT) {
            fputs("</td><td>", out);
            html_text(out, r[i].entry->data ? r[i].entry->data : "");
        }
        fprintf(out, "</td><td class=\"num\">%s</td>", n);
        for (size_t k = 0; k < N_KINDS; k++) {
            cx_metric_result res;
            if (key_result(t, d, k, r[i].entry->key, &res) == CX_OK)
                fprintf(out, "<td class=\"num\" title=\"%.1f .. %.1f, n=%llu\">%.*f</td>", res.ci_low, res.ci_high,
                        (unsigned long long)res.count, kinds[k] == CX_METRIC_CES ? 2 : 1, res.value);
            else
                fputs("<td class=\"num\">-</td>", out);
        }
        fputs("</tr>\n", out);
    }
    fputs("</table>\n", out);
}

static void html_chart(FILE *out, const report_ctx *ctx, const touchpoints *t, int d, const ranked *r)
{
    size_t n = t->answers[d].count, m = 0;
    svg_bar *bars = calloc(n ? n : 1, sizeof *bars);
    char (*notes)[48] = calloc(n ? n : 1, sizeof *notes);
    double lo = 0, hi = 0;
    for (size_t i = 0; bars != NULL && notes != NULL && i < n; i++) {
        cx_metric_result res;
        if (key_result(t, d, 0, r[i].entry->key, &res) != CX_OK)
            continue;
        char count[32];
        cli_format_count(res.count, count, sizeof count);
        snprintf(notes[m], sizeof notes[m], "n=%s", count);
        bars[m] = (svg_bar){ r[i].entry->key, notes[m], res.value, res.ci_low, res.ci_high, false };
        m++;
        lo = fmin(lo, res.ci_low);
        hi = fmax(hi, res.ci_high);
    }
    if (m > 0) {
        char title[96];
        snprintf(title, sizeof title, "NPS by %s, lowest first, with %.0f %% interval", dim_names[d],
                 100 * ctx->confidence);
        svg_hbars(out, title, bars, m, lo, hi, "");
    }
    free(bars);
    free(notes);
}

static void html(const report_ctx *ctx, const void *state, FILE *out)
{
    const touchpoints *t = state;
    for (int d = 0; d < N_DIMS; d++) {
        ranked *r = rank(t, d);
        if (r == NULL)
            return;
        html_chart(out, ctx, t, d, r);
        html_table(out, t, d, r);
        free(r);
    }
}

const report_section report_touchpoints = { "touchpoints", "Answers by touchpoint and channel", collect, text, json,
                                            html, release };
