/*
 * Report section "keywords": the terms that set detractors' comments apart
 * from promoters' (comments of NPS answers 0-6 against 9-10), ranked by the
 * weighted log-odds with an informative Dirichlet prior of Monroe et al.
 * (2008) (cx_keywords); and the sentiment of every comment (cx_sentiment,
 * the compiled-in English lexicon) per touchpoint and per channel: the
 * mean compound score and the shares of negative and positive comments
 * with Wilson intervals (FCR-kind grouped calculators).
 *
 * Comments tagged with another language than the lexicon's are left out of
 * the sentiment (untagged ones are read as English); a channel missing on
 * a comment comes from its touchpoint in the registry.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "svg.h"

#define TOP_TERMS 12

enum { BY_TOUCHPOINT, BY_CHANNEL, N_DIMS };
static const char *const dim_names[N_DIMS] = { "touchpoint", "channel" };

typedef struct keywords {
    cx_sentiment *an;
    cx_keywords *kw;
    const char *language;          /* the lexicon's, borrowed from it (the analyzer keeps it) */
    uint64_t detractors, promoters;
    cx_keyword top[2][TOP_TERMS];  /* [0] detractors' terms, [1] promoters'; terms borrowed from kw */
    size_t n_top[2];
    tally registry;                /* touchpoint -> data: its channel */
    tally comments[N_DIMS];        /* key -> count, sum of compound scores */
    cx_group *negative[N_DIMS], *positive[N_DIMS];
    uint64_t scored, other_language;
} keywords;

static void release(void *state)
{
    keywords *k = state;
    if (k == NULL)
        return;
    cx_sentiment_free(k->an);
    cx_keywords_free(k->kw);
    for (size_t i = 0; i < k->registry.count; i++)
        free(k->registry.items[i].data);
    tally_free(&k->registry);
    for (int d = 0; d < N_DIMS; d++) {
        tally_free(&k->comments[d]);
        cx_group_free(k->negative[d]);
        cx_group_free(k->positive[d]);
    }
    free(k);
}

/* ---- collecting ------------------------------------------------------------------- */

static int register_touchpoint(const cx_store_touchpoint *t, void *payload)
{
    keywords *k = payload;
    tally_entry *e = tally_get(&k->registry, t->touchpoint);
    if (e == NULL || (e->data == NULL && t->channel != NULL && (e->data = strdup(t->channel)) == NULL))
        return CX_ENOMEM;
    return CX_OK;
}

static int add_answer(const cx_store_answer *a, void *payload)
{
    keywords *k = payload;
    if (a->metric != CX_METRIC_NPS || a->comment == NULL || *a->comment == '\0' || (a->score > 6 && a->score < 9))
        return CX_OK;
    bool detractor = a->score <= 6;
    *(detractor ? &k->detractors : &k->promoters) += 1;
    return cx_keywords_add(k->kw, detractor ? CX_KEYWORDS_A : CX_KEYWORDS_B, a->comment, strlen(a->comment));
}

/* "en", "en-GB" and "EN_us" are English. */
static bool same_language(const char *tag, const char *language)
{
    size_t n = strlen(language);
    if (tag == NULL || *tag == '\0')
        return true;
    for (size_t i = 0; i < n; i++)
        if (tag[i] == '\0' || (tag[i] | 0x20) != language[i])
            return false;
    return tag[n] == '\0' || tag[n] == '-' || tag[n] == '_';
}

static int add_comment(const cx_store_comment *c, void *payload)
{
    keywords *k = payload;
    if (!same_language(c->lang, k->language)) {
        k->other_language++;
        return CX_OK;
    }
    cx_sentiment_result r = CX_SENTIMENT_RESULT_INIT;
    int rc = cx_sentiment_score(&r, k->an, c->text, strlen(c->text));
    if (rc != CX_OK)
        return rc;
    k->scored++;
    tally_entry *tp = c->touchpoint ? tally_get(&k->registry, c->touchpoint) : NULL;
    const char *channel = c->channel ? c->channel : tp && tp->data ? tp->data : "(none)";
    const char *keys[N_DIMS] = { c->touchpoint ? c->touchpoint : "(none)", channel };
    for (int d = 0; d < N_DIMS && rc == CX_OK; d++) {
        tally_entry *e = tally_get(&k->comments[d], keys[d]);
        if (e == NULL)
            return CX_ENOMEM;
        e->count++;
        e->sum += r.compound;
        rc = cx_group_add(k->negative[d], keys[d], 0, r.label == CX_SENTIMENT_NEGATIVE);
        if (rc == CX_OK)
            rc = cx_group_add(k->positive[d], keys[d], 0, r.label == CX_SENTIMENT_POSITIVE);
    }
    return rc;
}

/* The most typical terms of each group: z > 0 from the top, z < 0 from the end. */
static int rank(keywords *k)
{
    size_t n = 0;
    int rc = cx_keywords_rank(&n, k->kw);
    if (rc == CX_EEMPTY)
        return CX_OK;
    for (size_t i = 0; rc == CX_OK && i < n && (k->n_top[0] < TOP_TERMS || k->n_top[1] < TOP_TERMS); i++) {
        cx_keyword top = CX_KEYWORD_INIT, bottom = CX_KEYWORD_INIT;
        if ((rc = cx_keywords_get(&top, k->kw, i)) == CX_OK && top.z > 0 && k->n_top[0] < TOP_TERMS)
            k->top[0][k->n_top[0]++] = top;
        if (rc == CX_OK && (rc = cx_keywords_get(&bottom, k->kw, n - 1 - i)) == CX_OK && bottom.z < 0
            && k->n_top[1] < TOP_TERMS)
            k->top[1][k->n_top[1]++] = bottom;
    }
    return rc;
}

static int setup(const report_ctx *ctx, keywords *k)
{
    cx_lexicon *lex = NULL;
    cx_sentiment_options so = CX_SENTIMENT_OPTIONS_INIT;
    so.invalid_utf8 = CX_TEXT_INVALID_REPLACE;
    int rc = cx_lexicon_new_default(&lex);
    if (rc == CX_OK)
        rc = cx_sentiment_new(&k->an, lex, &so);
    if (rc == CX_OK)
        rc = cx_keywords_new(&k->kw, lex, NULL);
    if (rc == CX_OK)
        rc = cx_lexicon_get_language(&k->language, lex);
    cx_lexicon_free(lex); /* the analyzer and the table keep it */
    cx_metric_options mo = CX_METRIC_OPTIONS_INIT;
    mo.confidence = ctx->confidence;
    cx_group_options go = CX_GROUP_OPTIONS_INIT;
    go.min_count = ctx->min_count;
    for (int d = 0; d < N_DIMS && rc == CX_OK; d++) {
        tally_init(&k->comments[d]);
        if ((rc = cx_group_new(&k->negative[d], CX_METRIC_FCR, &mo, &go)) == CX_OK)
            rc = cx_group_new(&k->positive[d], CX_METRIC_FCR, &mo, &go);
    }
    return rc;
}

static int collect(const report_ctx *ctx, void **state)
{
    keywords *k = calloc(1, sizeof *k);
    if (k == NULL)
        return CX_ENOMEM;
    *state = k;
    tally_init(&k->registry);
    int rc = setup(ctx, k);
    if (rc == CX_OK)
        rc = cx_store_each_touchpoint(ctx->store, NULL, register_touchpoint, k);
    if (rc == CX_OK)
        rc = cx_store_each_answer(ctx->store, &ctx->filter, add_answer, k);
    if (rc == CX_OK)
        rc = rank(k);
    if (rc == CX_OK)
        rc = cx_store_each_comment(ctx->store, &ctx->filter, add_comment, k);
    for (int d = 0; d < N_DIMS; d++)
        tally_sort_by_count(&k->comments[d]);
    return rc;
}

/* The share of negative (or positive) comments of a key, CX_EEMPTY when withheld. */
static int share(const keywords *k, int d, bool negative, const char *key, cx_metric_result *r)
{
    cx_group *g = negative ? k->negative[d] : k->positive[d];
    size_t at;
    cx_metric_result fresh = CX_METRIC_RESULT_INIT;
    *r = fresh;
    if (cx_group_find(&at, g, key, 0) != CX_OK)
        return CX_EEMPTY;
    return cx_group_get_result(r, g, at);
}

/* ---- output ----------------------------------------------------------------------- */

static void text_terms(FILE *out, const keywords *k)
{
    char a[32], b[32];
    cli_format_count(k->detractors, a, sizeof a);
    cli_format_count(k->promoters, b, sizeof b);
    fprintf(out, "  from the comments of %s detractors and %s promoters (NPS answers)\n", a, b);
    if (k->n_top[0] + k->n_top[1] == 0) {
        fputs("  no terms: one of the groups has no comments\n", out);
        return;
    }
    fprintf(out, "  %-22s %6s %5s %5s   %-22s %6s %5s %5s\n", "detractors write", "z", "det", "pro", "promoters write", "z",
            "det", "pro");
    for (size_t i = 0; i < TOP_TERMS && (i < k->n_top[0] || i < k->n_top[1]); i++) {
        for (int g = 0; g < 2; g++) {
            const cx_keyword *t = &k->top[g][i];
            if (i < k->n_top[g])
                fprintf(out, "  %-22.22s %6.1f %5llu %5llu ", t->term, t->z, (unsigned long long)t->count_a,
                        (unsigned long long)t->count_b);
            else
                fprintf(out, "  %-22s %6s %5s %5s ", "", "", "", "");
        }
        fputc('\n', out);
    }
}

static void text(const report_ctx *ctx, const void *state, FILE *out)
{
    (void)ctx;
    const keywords *k = state;
    text_terms(out, k);
    char n[32];
    cli_format_count(k->scored, n, sizeof n);
    fprintf(out, "\n  sentiment of %s comments (%llu in other languages left out)\n", n,
            (unsigned long long)k->other_language);
    for (int d = 0; d < N_DIMS && k->scored > 0; d++) {
        fprintf(out, "  %-18s %9s %6s  %-19s %-19s\n", dim_names[d], "comments", "mean", "negative %", "positive %");
        for (size_t i = 0; i < k->comments[d].count; i++) {
            const tally_entry *e = &k->comments[d].items[i];
            char count[32], cells[2][40];
            cli_format_count(e->count, count, sizeof count);
            for (int g = 0; g < 2; g++) {
                cx_metric_result r;
                if (share(k, d, g == 0, e->key, &r) == CX_OK)
                    snprintf(cells[g], sizeof cells[g], "%.1f [%.1f, %.1f]", r.value, r.ci_low, r.ci_high);
                else
                    snprintf(cells[g], sizeof cells[g], "-");
            }
            fprintf(out, "  %-18.18s %9s %+6.2f  %-19s %-19s\n", e->key, count, e->sum / (double)e->count, cells[0],
                    cells[1]);
        }
    }
}

static void json_terms(jw *w, const keywords *k, int g)
{
    jw_key(w, g == 0 ? "detractor_terms" : "promoter_terms");
    jw_array(w);
    for (size_t i = 0; i < k->n_top[g]; i++) {
        const cx_keyword *t = &k->top[g][i];
        jw_object(w);
        jw_kstring(w, "term", t->term);
        jw_knumber(w, "z", t->z);
        jw_knumber(w, "delta", t->delta);
        jw_kint(w, "detractors", (int64_t)t->count_a);
        jw_kint(w, "promoters", (int64_t)t->count_b);
        jw_end(w);
    }
    jw_end(w);
}

static void json_share(jw *w, const keywords *k, int d, bool negative, const char *key)
{
    cx_metric_result r;
    jw_key(w, negative ? "negative" : "positive");
    if (share(k, d, negative, key, &r) == CX_OK)
        report_json_result(w, &r);
    else
        jw_null(w);
}

static void json(const report_ctx *ctx, const void *state, jw *w)
{
    (void)ctx;
    const keywords *k = state;
    jw_object(w);
    jw_kstring(w, "lexicon", k->language);
    jw_kint(w, "detractor_comments", (int64_t)k->detractors);
    jw_kint(w, "promoter_comments", (int64_t)k->promoters);
    json_terms(w, k, 0);
    json_terms(w, k, 1);
    jw_kint(w, "comments_scored", (int64_t)k->scored);
    jw_kint(w, "comments_other_language", (int64_t)k->other_language);
    for (int d = 0; d < N_DIMS; d++) {
        jw_key(w, d == BY_TOUCHPOINT ? "by_touchpoint" : "by_channel");
        jw_array(w);
        for (size_t i = 0; i < k->comments[d].count; i++) {
            const tally_entry *e = &k->comments[d].items[i];
            jw_object(w);
            jw_kstring(w, dim_names[d], e->key);
            jw_kint(w, "comments", (int64_t)e->count);
            jw_knumber(w, "mean_compound", e->sum / (double)e->count);
            json_share(w, k, d, true, e->key);
            json_share(w, k, d, false, e->key);
            jw_end(w);
        }
        jw_end(w);
    }
    jw_end(w);
}

/* The terms side by side, as in the terminal: term, z, and how many
 * detractors and promoters used it. */
static void html_terms_table(FILE *out, const keywords *k)
{
    fputs("<table><tr><th>detractors write</th><th>z</th><th>detractors</th><th>promoters</th>"
          "<th>promoters write</th><th>z</th><th>detractors</th><th>promoters</th></tr>\n", out);
    for (size_t i = 0; i < TOP_TERMS && (i < k->n_top[0] || i < k->n_top[1]); i++) {
        fputs("<tr>", out);
        for (int g = 0; g < 2; g++) {
            const cx_keyword *t = &k->top[g][i];
            if (i >= k->n_top[g]) {
                fputs("<td></td><td></td><td></td><td></td>", out);
                continue;
            }
            fputs("<td>", out);
            html_text(out, t->term);
            fprintf(out, "</td><td class=\"num\">%.1f</td><td class=\"num\">%llu</td><td class=\"num\">%llu</td>", t->z,
                    (unsigned long long)t->count_a, (unsigned long long)t->count_b);
        }
        fputs("</tr>\n", out);
    }
    fputs("</table>\n", out);
}

static void html_terms(FILE *out, const keywords *k)
{
    svg_bar bars[2 * TOP_TERMS];
    char notes[2 * TOP_TERMS][48];
    size_t m = 0;
    double lo = 0, hi = 0;
    for (int g = 0; g < 2; g++)
        for (size_t i = 0; i < k->n_top[g]; i++) {
            const cx_keyword *t = &k->top[g][i];
            snprintf(notes[m], sizeof notes[m], "%llu / %llu", (unsigned long long)t->count_a,
                     (unsigned long long)t->count_b);
            bars[m] = (svg_bar){ t->term, notes[m], t->z, NAN, NAN, true }; /* detractors' terms in red */
            m++;
            lo = fmin(lo, t->z);
            hi = fmax(hi, t->z);
        }
    if (m > 0) {
        svg_hbars(out, "Terms of detractors (z > 0, red) and promoters (z < 0, blue); detractors / promoters using them", bars, m,
                  lo, hi, "");
        html_terms_table(out, k);
    }
    char a[32], b[32];
    cli_format_count(k->detractors, a, sizeof a);
    cli_format_count(k->promoters, b, sizeof b);
    fprintf(out, "<p>From the comments of %s detractors (NPS 0-6) and %s promoters (9-10); z of the weighted log-odds "
                 "ratio with an informative Dirichlet prior (Monroe et al. 2008).</p>\n",
            a, b);
}

static void html_share(FILE *out, bool ok, const cx_metric_result *r)
{
    if (ok)
        fprintf(out, "<td class=\"num\" title=\"%.1f .. %.1f\">%.1f %%</td>", r->ci_low, r->ci_high, r->value);
    else
        fputs("<td class=\"num\">-</td>", out);
}

static void html_sentiment(FILE *out, const report_ctx *ctx, const keywords *k, int d)
{
    const tally *t = &k->comments[d];
    svg_bar *bars = calloc(t->count ? t->count : 1, sizeof *bars);
    char (*notes)[48] = calloc(t->count ? t->count : 1, sizeof *notes);
    size_t m = 0;
    fprintf(out, "<table><tr><th>%s</th><th>comments</th><th>mean compound</th><th>negative</th><th>positive</th></tr>\n",
            dim_names[d]);
    for (size_t i = 0; i < t->count; i++) {
        const tally_entry *e = &t->items[i];
        cx_metric_result neg, pos;
        bool has_neg = share(k, d, true, e->key, &neg) == CX_OK, has_pos = share(k, d, false, e->key, &pos) == CX_OK;
        char count[32];
        cli_format_count(e->count, count, sizeof count);
        fputs("<tr><td>", out);
        html_text(out, e->key);
        fprintf(out, "</td><td class=\"num\">%s</td><td class=\"num\">%+.2f</td>", count, e->sum / (double)e->count);
        html_share(out, has_neg, &neg);
        html_share(out, has_pos, &pos);
        fputs("</tr>\n", out);
        if (has_neg && bars != NULL && notes != NULL) {
            cli_format_count(neg.count, count, sizeof count);
            snprintf(notes[m], sizeof notes[m], "n=%s", count);
            bars[m] = (svg_bar){ e->key, notes[m], neg.value, neg.ci_low, neg.ci_high, false };
            m++;
        }
    }
    fputs("</table>\n", out);
    char title[128];
    snprintf(title, sizeof title, "Negative comments by %s, %% with %.0f %% interval", dim_names[d],
             100 * ctx->confidence);
    if (m > 0)
        svg_hbars(out, title, bars, m, 0, 100, "");
    free(bars);
    free(notes);
}

static void html(const report_ctx *ctx, const void *state, FILE *out)
{
    const keywords *k = state;
    html_terms(out, k);
    char n[32];
    cli_format_count(k->scored, n, sizeof n);
    fprintf(out, "<p>Sentiment of %s comments (English lexicon; %llu in other languages left out). Negative: "
                 "compound score at most -0.05, positive: at least 0.05 (docs/text.md).</p>\n",
            n, (unsigned long long)k->other_language);
    for (int d = 0; d < N_DIMS; d++)
        html_sentiment(out, ctx, k, d);
}

const report_section report_keywords = { "keywords", "Comments: keywords and sentiment", collect, text, json, html,
                                         release };
