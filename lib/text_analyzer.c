/*
 * Sentiment analyzers: options, domain overrides and aspects (changed on a
 * private copy of the lexicon's table, staged and swapped in whole), and
 * the scoring entry points.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core_internal.h"
#include "text_sentiment_internal.h"

static const char *const rule_names[] = { "lexicon", "phrase", "service", "emoticon", "emoji", "override",
                                          "negation", "intensifier", "dampener", "contrast", "caps", "exclamation" };

const char *cx_sentiment_rule_name(cx_sentiment_rule rule)
{
    for (unsigned i = 0; i < sizeof rule_names / sizeof rule_names[0]; i++)
        if ((unsigned)rule == 1u << i)
            return rule_names[i];
    return NULL;
}

const char *cx_sentiment_label_name(cx_sentiment_label label)
{
    switch (label) {
    case CX_SENTIMENT_NEGATIVE: return "negative";
    case CX_SENTIMENT_NEUTRAL: return "neutral";
    case CX_SENTIMENT_POSITIVE: return "positive";
    default: return NULL;
    }
}

/* ---- struct initialisers --------------------------------------------- */

int cx_sentiment_options_init(cx_sentiment_options *opts, unsigned int version)
{
    CX__CHECK_ARG(opts, "cx_sentiment_options_init");
    int rc = cx__check_version(version, CX_SENTIMENT_OPTIONS_VERSION, "cx_sentiment_options");
    if (rc != CX_OK)
        return rc;
    cx_sentiment_options defaults = CX_SENTIMENT_OPTIONS_INIT;
    *opts = defaults;
    opts->version = version;
    return CX_OK;
}

#define DEFINE_INIT(fn, type, current, label) \
    int fn(type *p, unsigned int version) \
    { \
        CX__CHECK_ARG(p, #fn); \
        int rc = cx__check_version(version, (current), label); \
        if (rc != CX_OK) \
            return rc; \
        memset(p, 0, sizeof *p); \
        p->version = version; \
        return CX_OK; \
    }

DEFINE_INIT(cx_sentiment_result_init, cx_sentiment_result, CX_SENTIMENT_RESULT_VERSION, "cx_sentiment_result")
DEFINE_INIT(cx_sentiment_calibration_init, cx_sentiment_calibration, CX_SENTIMENT_CALIBRATION_VERSION,
            "cx_sentiment_calibration")

int cx_sentiment_evidence_init(cx_sentiment_evidence *ev, unsigned int version)
{
    CX__CHECK_ARG(ev, "cx_sentiment_evidence_init");
    int rc = cx__check_version(version, CX_SENTIMENT_EVIDENCE_VERSION, "cx_sentiment_evidence");
    if (rc != CX_OK)
        return rc;
    cx_sentiment_evidence defaults = CX_SENTIMENT_EVIDENCE_INIT;
    *ev = defaults;
    ev->version = version;
    return CX_OK;
}

int cx_aspect_sentiment_init(cx_aspect_sentiment *as, unsigned int version)
{
    CX__CHECK_ARG(as, "cx_aspect_sentiment_init");
    int rc = cx__check_version(version, CX_ASPECT_SENTIMENT_VERSION, "cx_aspect_sentiment");
    if (rc != CX_OK)
        return rc;
    cx_aspect_sentiment defaults = CX_ASPECT_SENTIMENT_INIT;
    *as = defaults;
    as->version = version;
    return CX_OK;
}

/* ---- life cycle ------------------------------------------------------ */

static int check_thresholds(double neg, double pos)
{
    if (!(neg >= -1 && neg <= 1) || !(pos >= -1 && pos <= 1))
        return cx__error(CX_EINVAL, "thresholds %g and %g must lie in -1..1", neg, pos);
    if (neg > pos)
        return cx__error(CX_EINVAL, "negative_threshold %g is above positive_threshold %g", neg, pos);
    return CX_OK;
}

static int resolve_options(const cx_sentiment_options *in, cx_sentiment_options *out)
{
    cx_sentiment_options defaults = CX_SENTIMENT_OPTIONS_INIT;
    if (in == NULL)
        in = &defaults;
    int rc = cx__check_version(in->version, CX_SENTIMENT_OPTIONS_VERSION, "cx_sentiment_options");
    if (rc != CX_OK || (rc = check_thresholds(in->negative_threshold, in->positive_threshold)) != CX_OK)
        return rc;
    if (!(in->alpha > 0) || !isfinite(in->alpha))
        return cx__error(CX_EINVAL, "alpha %g must be finite and > 0 (default 15)", in->alpha);
    if (in->invalid_utf8 != CX_TEXT_INVALID_ERROR && in->invalid_utf8 != CX_TEXT_INVALID_REPLACE)
        return cx__error(CX_EINVAL, "invalid_utf8 %d is neither CX_TEXT_INVALID_ERROR nor CX_TEXT_INVALID_REPLACE",
                         (int)in->invalid_utf8);
    if (in->aspects != 0 && in->aspects != 1)
        return cx__error(CX_EINVAL, "aspects %d must be 0 or 1", in->aspects);
    *out = *in;
    out->version = CX_SENTIMENT_OPTIONS_VERSION;
    return CX_OK;
}

/* Copies the table without its aspects (aspects = 0). */
static int table_without_aspects(const cx__lex_table *src, cx__lex_table *dst)
{
    int rc = cx__lex_table_copy(dst, src);
    if (rc != CX_OK)
        return rc;
    for (size_t i = 0; i < dst->map.count; i++) {
        dst->entries[i].flags &= (uint16_t)~(CX__LEX_ASPECT | CX__LEX_ASPECT_PREFIX);
        dst->entries[i].aspect = -1;
    }
    for (size_t i = 0; i < dst->aspect_count; i++)
        cx__free(dst->aspects[i]);
    dst->aspect_count = 0;
    dst->max_aspect_tokens = 0;
    return CX_OK;
}

int cx_sentiment_new(cx_sentiment **out, const cx_lexicon *lex, const cx_sentiment_options *opts)
{
    CX__CHECK_ARG(out, "cx_sentiment_new");
    *out = NULL;
    CX__CHECK_ARG(lex, "cx_sentiment_new");
    cx_sentiment_options resolved;
    int rc = resolve_options(opts, &resolved);
    if (rc != CX_OK)
        return rc;
    cx_sentiment *an = cx__calloc(1, sizeof *an);
    if (an == NULL)
        return cx__nomem("creating a sentiment analyzer");
    an->opts = resolved;
    an->table = &lex->table;
    if (!resolved.aspects) {
        if ((rc = table_without_aspects(&lex->table, &an->own)) != CX_OK) {
            cx__free(an);
            return rc;
        }
        an->owns = true;
        an->table = &an->own;
    }
    cx__lexicon_retain(lex);
    an->lex = (cx_lexicon *)lex;
    *out = an;
    return CX_OK;
}

void cx_sentiment_free(cx_sentiment *an)
{
    if (an == NULL)
        return;
    if (an->owns)
        cx__lex_table_destroy(&an->own);
    cx_lexicon_free(an->lex);
    cx__free(an);
}

int cx_sentiment_set_thresholds(cx_sentiment *an, double negative_threshold, double positive_threshold)
{
    CX__CHECK_ARG(an, "cx_sentiment_set_thresholds");
    int rc = check_thresholds(negative_threshold, positive_threshold);
    if (rc != CX_OK)
        return rc;
    an->opts.negative_threshold = negative_threshold;
    an->opts.positive_threshold = positive_threshold;
    return CX_OK;
}

/* ---- staged changes -------------------------------------------------- */

/* Changes go to a copy of the analyzer's table, swapped in on success. */
static int stage(const cx_sentiment *an, cx__lex_table *copy)
{
    return cx__lex_table_copy(copy, an->table);
}

static void commit(cx_sentiment *an, cx__lex_table *copy)
{
    if (an->owns)
        cx__lex_table_destroy(&an->own);
    an->own = *copy;
    an->owns = true;
    an->table = &an->own;
    an->aspect_overrides = false;
    for (size_t i = 0; i < an->own.override_count; i++)
        an->aspect_overrides |= an->own.overrides[i].aspect >= 0;
}

static int set_override(cx__lex_table *t, const char *key, size_t len, uint32_t tokens, int16_t aspect, double valence)
{
    uint32_t index;
    int rc = cx__lex_table_intern(t, key, len, tokens, CX__LEX_OVERRIDE, &index);
    if (rc != CX_OK)
        return rc;
    cx__lex_entry *e = &t->entries[index];
    for (int32_t o = e->override; o >= 0; o = t->overrides[o].next) {
        if (t->overrides[o].aspect == aspect) {
            t->overrides[o].valence = valence;
            return CX_OK;
        }
    }
    void *p = t->overrides;
    if (cx__grow(&p, &t->overrides_cap, t->override_count + 1, sizeof *t->overrides, 8) != CX_OK)
        return cx__nomem("adding an override");
    t->overrides = p;
    t->overrides[t->override_count] = (cx__override){ e->override, aspect, valence };
    e->override = (int32_t)t->override_count++;
    return CX_OK;
}

int cx_sentiment_override(cx_sentiment *an, const char *term, double valence, const char *aspect)
{
    CX__CHECK_ARG(an, "cx_sentiment_override");
    CX__CHECK_ARG(term, "cx_sentiment_override");
    if (!(fabs(valence) <= CX_LEXICON_VALENCE_MAX))
        return cx__error(CX_ERANGE, "override valence %g for \"%.80s\" is outside -4..4", valence, term);
    int16_t aspect_id = -1;
    int rc;
    if (aspect != NULL && (rc = cx__lex_table_aspect_id((cx__lex_table *)an->table, aspect, false, &aspect_id)) != CX_OK)
        return rc;
    cx__tokens ws;
    cx__tokens_init(&ws);
    char *key;
    size_t len;
    uint32_t tokens;
    cx__lex_table copy;
    rc = cx__lex_term_key(&ws, term, &key, &len, &tokens);
    if (rc == CX_OK && (rc = stage(an, &copy)) == CX_OK) {
        if ((rc = set_override(&copy, key, len, tokens, aspect_id, valence)) == CX_OK)
            commit(an, &copy);
        else
            cx__lex_table_destroy(&copy);
    }
    cx__tokens_destroy(&ws);
    return rc;
}

static int add_aspect_term(cx__lex_table *t, cx__tokens *ws, int16_t aspect, const char *term, size_t i)
{
    char *key;
    size_t len;
    uint32_t tokens;
    int rc = cx__lex_term_key(ws, term, &key, &len, &tokens);
    if (rc != CX_OK) {
        char where[32];
        snprintf(where, sizeof where, "terms[%zu]", i);
        return cx__error_at(rc, where);
    }
    uint32_t index;
    if ((rc = cx__lex_table_intern(t, key, len, tokens, CX__LEX_ASPECT, &index)) != CX_OK)
        return rc;
    t->entries[index].aspect = aspect;
    return CX_OK;
}

int cx_sentiment_add_aspect_terms(cx_sentiment *an, const char *aspect, const char *const *terms, size_t n)
{
    CX__CHECK_ARG(an, "cx_sentiment_add_aspect_terms");
    CX__CHECK_ARG(aspect, "cx_sentiment_add_aspect_terms");
    if (terms == NULL && n > 0)
        return cx__error(CX_EINVAL, "cx_sentiment_add_aspect_terms: terms is NULL but n is %zu", n);
    for (size_t i = 0; i < n; i++)
        if (terms[i] == NULL)
            return cx__error(CX_EINVAL, "cx_sentiment_add_aspect_terms: terms[%zu] is NULL", i);
    cx__lex_table copy;
    int rc = stage(an, &copy);
    if (rc != CX_OK)
        return rc;
    int16_t id;
    cx__tokens ws;
    cx__tokens_init(&ws);
    rc = cx__lex_table_aspect_id(&copy, aspect, true, &id);
    for (size_t i = 0; i < n && rc == CX_OK; i++)
        rc = add_aspect_term(&copy, &ws, id, terms[i], i);
    cx__tokens_destroy(&ws);
    if (rc != CX_OK) {
        cx__lex_table_destroy(&copy);
        return rc;
    }
    commit(an, &copy);
    return CX_OK;
}

int cx_sentiment_clear_aspects(cx_sentiment *an)
{
    CX__CHECK_ARG(an, "cx_sentiment_clear_aspects");
    cx__lex_table copy;
    int rc = table_without_aspects(an->table, &copy);
    if (rc != CX_OK)
        return rc;
    /* Aspect-specific overrides go with their aspects: silence them. */
    for (size_t i = 0; i < copy.override_count; i++) {
        if (copy.overrides[i].aspect >= 0) {
            copy.overrides[i].aspect = INT16_MAX;
        }
    }
    commit(an, &copy);
    an->aspect_overrides = false;
    return CX_OK;
}

int cx_sentiment_aspect_count(size_t *out, const cx_sentiment *an)
{
    CX__CHECK_ARG(out, "cx_sentiment_aspect_count");
    CX__CHECK_ARG(an, "cx_sentiment_aspect_count");
    *out = an->table->aspect_count;
    return CX_OK;
}

int cx_sentiment_aspect_name(const char **out, const cx_sentiment *an, size_t index)
{
    CX__CHECK_ARG(out, "cx_sentiment_aspect_name");
    CX__CHECK_ARG(an, "cx_sentiment_aspect_name");
    if (index >= an->table->aspect_count)
        return cx__error(CX_ERANGE, "aspect index %zu is past the last aspect (%zu aspects)", index,
                         an->table->aspect_count);
    *out = an->table->aspects[index];
    return CX_OK;
}

/* ---- scoring --------------------------------------------------------- */

int cx_sentiment_score(cx_sentiment_result *out, const cx_sentiment *an, const char *text, size_t len)
{
    CX__CHECK_ARG(out, "cx_sentiment_score");
    CX__CHECK_ARG(an, "cx_sentiment_score");
    if (text == NULL && len > 0)
        return cx__error(CX_EINVAL, "cx_sentiment_score: text is NULL but len is %zu", len);
    int rc = cx__check_version(out->version, CX_SENTIMENT_RESULT_VERSION, "cx_sentiment_result");
    if (rc != CX_OK)
        return rc;
    cx__score_ws ws;
    cx__score_ws_init(&ws);
    cx_sentiment_result r = CX_SENTIMENT_RESULT_INIT;
    r.version = out->version;
    rc = cx__sentiment_run(an, &ws, text ? text : "", len, NULL, &r, "");
    cx__score_ws_destroy(&ws);
    if (rc == CX_OK)
        CX__COPY_VERSIONED(out, &r, cx__sentiment_result_sizes);
    return rc;
}

int cx_sentiment_score_many(double *compound_out, int *label_out, const cx_sentiment *an, const char *const *texts,
                            const size_t *lens, size_t n)
{
    CX__CHECK_ARG(an, "cx_sentiment_score_many");
    if (n == 0)
        return CX_OK;
    CX__CHECK_ARG(compound_out, "cx_sentiment_score_many");
    CX__CHECK_ARG(texts, "cx_sentiment_score_many");
    int rc = cx__text_check_batch(texts, lens, n, an->opts.invalid_utf8 == CX_TEXT_INVALID_ERROR);
    if (rc != CX_OK)
        return rc;
    cx__score_ws ws;
    cx__score_ws_init(&ws);
    for (size_t i = 0; i < n && rc == CX_OK; i++) {
        cx_sentiment_result r = CX_SENTIMENT_RESULT_INIT;
        rc = cx__sentiment_run(an, &ws, texts[i], lens ? lens[i] : strlen(texts[i]), NULL, &r, "");
        compound_out[i] = r.compound;
        if (label_out != NULL)
            label_out[i] = (int)r.label;
    }
    cx__score_ws_destroy(&ws);
    return rc;
}
