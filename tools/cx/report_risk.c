/*
 * Report section "risk": the customers most at risk of churning, scored as
 * `cx risk` scores them (risk_load.c, the built-in rules) as of the end of
 * the data (or of --to), with the reasons for each score. Customers who
 * have churned are left out.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "risk_load.h"
#include "svg.h"

#define LISTED 10

static void release(void *state)
{
    if (state != NULL)
        risk_list_free(state);
    free(state);
}

static int collect(const report_ctx *ctx, void **state)
{
    risk_list *l = calloc(1, sizeof *l);
    if (l == NULL)
        return CX_ENOMEM;
    *state = l;
    risk_setup setup = { CX_STORE_NO_TIME, NULL, 0, LISTED, false };
    if (ctx->filter.to_ms != CX_STORE_NO_TIME)
        setup.as_of_ms = ctx->filter.to_ms - 1;
    int rc = risk_load(l, ctx->store, &setup);
    return rc == CX_EEMPTY && l->events == 0 ? CX_OK : rc;
}

static void text(const report_ctx *ctx, const void *state, FILE *out)
{
    (void)ctx;
    const risk_list *l = state;
    if (l->n_top == 0) {
        fputs("  no customers to score\n", out);
        return;
    }
    char when[16], scored[32];
    cli_format_date(l->as_of_ms, when, sizeof when);
    cli_format_count(l->scored, scored, sizeof scored);
    fprintf(out, "  as of %s, %s customers scored 0..1 (mean %.3f); churned customers left out\n", when, scored,
            l->mean_score);
    for (size_t i = 0; i < l->n_top; i++) { /* one reason a line, under the first */
        char reasons[1024];
        risk_reasons_text(reasons, sizeof reasons, l->top[i].why, 3, "\n                         ");
        fprintf(out, "  %2zu %-12.12s %5.3f  %s\n", i + 1, l->top[i].id, l->top[i].score, reasons);
    }
}

static void json(const report_ctx *ctx, const void *state, jw *w)
{
    (void)ctx;
    const risk_list *l = state;
    char when[16] = "";
    if (l->n_top > 0)
        cli_format_date(l->as_of_ms, when, sizeof when);
    jw_object(w);
    jw_kstring(w, "as_of", l->n_top > 0 ? when : NULL);
    jw_kint(w, "customers", (int64_t)l->customers);
    jw_kint(w, "scored", (int64_t)l->scored);
    jw_kint(w, "churned_left_out", (int64_t)l->churned);
    jw_knumber(w, "mean_score", l->mean_score);
    jw_key(w, "top");
    jw_array(w);
    for (size_t i = 0; i < l->n_top; i++)
        risk_json_customer(w, &l->top[i], i + 1);
    jw_end(w);
    jw_end(w);
}

/* The first rule with a contribution, for the chart's notes. */
static const char *main_reason(const cx_risk_explanation *e)
{
    cx_risk_evidence ev = CX_RISK_EVIDENCE_INIT;
    return cx_risk_explanation_get(&ev, e, 0) == CX_OK && ev.contribution > 0 ? ev.rule_id : "";
}

static void html_reasons(FILE *out, const cx_risk_explanation *e)
{
    size_t n = 0;
    cx_risk_explanation_count(&n, e);
    fputs("<ul style=\"margin:0;padding-left:1.1rem\">", out);
    for (size_t i = 0; i < n; i++) {
        cx_risk_evidence ev = CX_RISK_EVIDENCE_INIT;
        if (cx_risk_explanation_get(&ev, e, i) != CX_OK || (ev.status == CX_OK && !(ev.contribution > 0.005)))
            continue;
        fputs("<li>", out);
        html_text(out, ev.detail);
        if (ev.status == CX_OK)
            fprintf(out, " <b>+%.2f</b>", ev.contribution);
        fputs(" <small>(", out);
        html_text(out, ev.rule_id);
        fputs(")</small></li>", out);
    }
    fputs("</ul>", out);
}

static void html(const report_ctx *ctx, const void *state, FILE *out)
{
    (void)ctx;
    const risk_list *l = state;
    if (l->n_top == 0) {
        fputs("<p>No customers to score.</p>\n", out);
        return;
    }
    svg_bar bars[LISTED];
    for (size_t i = 0; i < l->n_top && i < LISTED; i++)
        bars[i] = (svg_bar){ l->top[i].id, main_reason(l->top[i].why), 100 * l->top[i].score, NAN, NAN, false };
    svg_hbars(out, "Churn-risk score x 100 of the customers most at risk, with the largest reason", bars,
              l->n_top < LISTED ? l->n_top : LISTED, 0, 100, "");
    char when[16], scored[32];
    cli_format_date(l->as_of_ms, when, sizeof when);
    cli_format_count(l->scored, scored, sizeof scored);
    fprintf(out, "<p>Scored as of %s: %s customers (mean score %.3f); those who have churned are left out. The score "
                 "is the weighted mean of the rules' evidence (docs/scoring.md); each reason shows its part of the "
                 "score.</p>\n<table><tr><th>#</th><th>customer</th><th>score</th><th>reasons</th></tr>\n",
            when, scored, l->mean_score);
    for (size_t i = 0; i < l->n_top; i++) {
        fprintf(out, "<tr><td class=\"num\">%zu</td><td>", i + 1);
        html_text(out, l->top[i].id);
        fprintf(out, "</td><td class=\"num\">%.3f</td><td>", l->top[i].score);
        html_reasons(out, l->top[i].why);
        fputs("</td></tr>\n", out);
    }
    fputs("</table>\n", out);
}

const report_section report_risk = { "risk", "Customers at risk", collect, text, json, html, release };
