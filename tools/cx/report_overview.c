/* Report section "overview": what the store holds and the span covered. */
#include <stdlib.h>
#include <string.h>

#include "report.h"

typedef struct overview {
    uint64_t rows[8];              /* per cx_store_table */
    uint64_t customers_churned;
    int64_t first_ms, last_ms;
} overview;

static int count_churned(const cx_store_customer *c, void *payload)
{
    overview *o = payload;
    if (c->churned_ms != CX_STORE_NO_TIME)
        o->customers_churned++;
    return CX_OK;
}

static int collect(const report_ctx *ctx, void **state)
{
    overview *o = calloc(1, sizeof *o);
    if (o == NULL)
        return CX_ENOMEM;
    *state = o;
    for (int t = CX_STORE_CUSTOMERS; t <= CX_STORE_COMMENTS; t++) {
        int rc = cx_store_count(&o->rows[t], ctx->store, (cx_store_table)t);
        if (rc != CX_OK)
            return rc;
    }
    o->first_ms = ctx->first_ms;
    o->last_ms = ctx->last_ms;
    return cx_store_each_customer(ctx->store, NULL, count_churned, o);
}

static const char *const labels[8] = { NULL, "customers", "touchpoints", "events", "survey answers", "tickets",
                                       "ticket events", "comments" };

static void text(const report_ctx *ctx, const void *state, FILE *out)
{
    const overview *o = state;
    char n[32], from[16] = "-", to[16] = "-", churned[32];
    fprintf(out, "Store %s\n", ctx->store_path);
    for (int t = CX_STORE_CUSTOMERS; t <= CX_STORE_COMMENTS; t++) {
        cli_format_count(o->rows[t], n, sizeof n);
        fprintf(out, "  %-15s %12s", labels[t], n);
        if (t == CX_STORE_CUSTOMERS && o->rows[t] > 0) {
            cli_format_count(o->customers_churned, churned, sizeof churned);
            fprintf(out, "   (%s churned, %.1f %%)", churned, 100.0 * (double)o->customers_churned / (double)o->rows[t]);
        }
        fputc('\n', out);
    }
    if (o->first_ms != CX_STORE_NO_TIME) {
        cli_format_date(o->first_ms, from, sizeof from);
        cli_format_date(o->last_ms, to, sizeof to);
    }
    fprintf(out, "  span            %s .. %s, trends by %s, intervals at %.0f %%\n", from, to, ctx->period_name,
            100 * ctx->confidence);
}

static void json(const report_ctx *ctx, const void *state, jw *w)
{
    const overview *o = state;
    char from[16], to[16];
    jw_object(w);
    jw_kstring(w, "store", ctx->store_path);
    jw_key(w, "rows");
    jw_object(w);
    for (int t = CX_STORE_CUSTOMERS; t <= CX_STORE_COMMENTS; t++)
        jw_kint(w, cx_store_table_name((cx_store_table)t), (int64_t)o->rows[t]);
    jw_end(w);
    jw_kint(w, "customers_churned", (int64_t)o->customers_churned);
    bool span = o->first_ms != CX_STORE_NO_TIME;
    if (span) {
        cli_format_date(o->first_ms, from, sizeof from);
        cli_format_date(o->last_ms, to, sizeof to);
    }
    jw_kstring(w, "first", span ? from : NULL);
    jw_kstring(w, "last", span ? to : NULL);
    jw_kstring(w, "period", ctx->period_name);
    jw_knumber(w, "confidence", ctx->confidence);
    jw_end(w);
}

static void html(const report_ctx *ctx, const void *state, FILE *out)
{
    const overview *o = state;
    char n[32], from[16] = "-", to[16] = "-";
    fputs("<div class=\"cards\">", out);
    for (int t = CX_STORE_CUSTOMERS; t <= CX_STORE_COMMENTS; t++) {
        cli_format_count(o->rows[t], n, sizeof n);
        fprintf(out, "<div class=\"card\"><b>%s</b><span>%s</span></div>", n, labels[t]);
    }
    fputs("</div>\n", out);
    if (o->first_ms != CX_STORE_NO_TIME) {
        cli_format_date(o->first_ms, from, sizeof from);
        cli_format_date(o->last_ms, to, sizeof to);
    }
    fprintf(out, "<p>Data from %s to %s; trends by %s; intervals at %.0f %% confidence.", from, to, ctx->period_name,
            100 * ctx->confidence);
    if (o->rows[CX_STORE_CUSTOMERS] > 0)
        fprintf(out, " %.1f %% of customers have churned.",
                100.0 * (double)o->customers_churned / (double)o->rows[CX_STORE_CUSTOMERS]);
    fputs("</p>\n", out);
}

const report_section report_overview = { "overview", "Overview", collect, text, json, html, free };
