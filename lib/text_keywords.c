/*
 * Keywords that tell two groups of comments apart: weighted log-odds with
 * an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008, "Fightin'
 * Words", Political Analysis 16(4), eq. 16, 22 and 23).
 *
 * Terms are words and bigrams of adjacent non-stop words; with stemming,
 * Snowball stems (libstemmer). Counts are staged per call: a failed add or
 * merge takes back exactly what it added, so the table is unchanged.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef CX_HAVE_STEMMER
#include <libstemmer.h>
#endif

#include "core_internal.h"
#include "text_internal.h"

#define GROUPS 3
#define TERM_MAX 512

typedef struct counts {
    uint64_t n[GROUPS];
} counts;

typedef struct ranked {
    uint32_t index;
    double delta, variance, z;
    const char *term;
} ranked;

struct cx_keywords {
    cx_lexicon *lex;     /* NULL: no stop words */
    cx_keywords_options opts;
    cx__hashmap terms;
    counts *counts;      /* per term */
    size_t counts_cap;
    uint64_t totals[GROUPS];
    ranked *ranking;
    size_t ranked_count;
    bool ranking_valid;
    void *stemmer;       /* struct sb_stemmer *, or NULL */
    cx__tokens ws;
    char *scratch;       /* a bigram being built */
    size_t scratch_cap;
    char *prev;          /* the previous kept word */
    size_t prev_len, prev_cap;
};

/* What one call added, to take it back on failure. */
typedef struct undo_log {
    uint32_t *index;
    uint64_t *amount;
    uint8_t *group;
    size_t count, cap;
    size_t terms_before;
    uint64_t totals_before[GROUPS];
} undo_log;

int cx_keywords_options_init(cx_keywords_options *opts, unsigned int version)
{
    CX__CHECK_ARG(opts, "cx_keywords_options_init");
    int rc = cx__check_version(version, CX_KEYWORDS_OPTIONS_VERSION, "cx_keywords_options");
    if (rc != CX_OK)
        return rc;
    cx_keywords_options defaults = CX_KEYWORDS_OPTIONS_INIT;
    *opts = defaults;
    opts->version = version;
    return CX_OK;
}

int cx_keyword_init(cx_keyword *kwd, unsigned int version)
{
    CX__CHECK_ARG(kwd, "cx_keyword_init");
    int rc = cx__check_version(version, CX_KEYWORD_VERSION, "cx_keyword");
    if (rc != CX_OK)
        return rc;
    memset(kwd, 0, sizeof *kwd);
    kwd->version = version;
    return CX_OK;
}

/* ---- stemming -------------------------------------------------------- */

int cx_text_stemmer_available(int *out, const char *language)
{
    CX__CHECK_ARG(out, "cx_text_stemmer_available");
    CX__CHECK_ARG(language, "cx_text_stemmer_available");
    *out = 0;
#ifdef CX_HAVE_STEMMER
    struct sb_stemmer *st = sb_stemmer_new(language, "UTF_8");
    *out = st != NULL;
    if (st != NULL)
        sb_stemmer_delete(st);
#endif
    return CX_OK;
}

static int open_stemmer(cx_keywords *kw)
{
    const char *lang = kw->lex ? kw->lex->language : "";
#ifdef CX_HAVE_STEMMER
    if (lang[0] != '\0' && (kw->stemmer = sb_stemmer_new(lang, "UTF_8")) != NULL)
        return CX_OK;
    return cx__error(CX_ENOTFOUND, "no Snowball stemmer for language \"%s\" (stem = 0 turns stemming off)", lang);
#else
    return cx__error(CX_ENOTFOUND, "stemming \"%s\": this libcx was built without libstemmer (stem = 0 turns it off)",
                     lang);
#endif
}

static void close_stemmer(cx_keywords *kw)
{
#ifdef CX_HAVE_STEMMER
    if (kw->stemmer != NULL)
        sb_stemmer_delete(kw->stemmer);
#endif
    kw->stemmer = NULL;
}

/* The stem of a normalized word, or the word itself. */
static int stem_of(cx_keywords *kw, const char *word, size_t len, const char **out, size_t *out_len)
{
    *out = word;
    *out_len = len;
#ifdef CX_HAVE_STEMMER
    if (kw->stemmer != NULL) {
        const sb_symbol *s = sb_stemmer_stem(kw->stemmer, (const sb_symbol *)word, (int)len);
        if (s == NULL)
            return cx__nomem("stemming a word");
        *out = (const char *)s;
        *out_len = (size_t)sb_stemmer_length(kw->stemmer);
    }
#else
    (void)kw;
#endif
    return CX_OK;
}

/* ---- life cycle ------------------------------------------------------ */

static int check_options(const cx_keywords_options *in, cx_keywords_options *out)
{
    cx_keywords_options defaults = CX_KEYWORDS_OPTIONS_INIT;
    if (in == NULL)
        in = &defaults;
    int rc = cx__check_version(in->version, CX_KEYWORDS_OPTIONS_VERSION, "cx_keywords_options");
    if (rc != CX_OK)
        return rc;
    if ((in->bigrams != 0 && in->bigrams != 1) || (in->stem != 0 && in->stem != 1)
        || (in->stop_words != 0 && in->stop_words != 1))
        return cx__error(CX_EINVAL, "bigrams, stem and stop_words must be 0 or 1 (got %d, %d, %d)", in->bigrams,
                         in->stem, in->stop_words);
    if (!isnan(in->prior_scale) && !(in->prior_scale > 0 && isfinite(in->prior_scale)))
        return cx__error(CX_EINVAL, "prior_scale %g must be finite and > 0, or NaN for the background's size",
                         in->prior_scale);
    *out = *in;
    out->version = CX_KEYWORDS_OPTIONS_VERSION;
    return CX_OK;
}

int cx_keywords_new(cx_keywords **out, const cx_lexicon *lex, const cx_keywords_options *opts)
{
    CX__CHECK_ARG(out, "cx_keywords_new");
    *out = NULL;
    cx_keywords_options resolved;
    int rc = check_options(opts, &resolved);
    if (rc != CX_OK)
        return rc;
    cx_keywords *kw = cx__calloc(1, sizeof *kw);
    if (kw == NULL)
        return cx__nomem("creating a keyword table");
    kw->opts = resolved;
    kw->lex = (cx_lexicon *)lex;
    cx__hashmap_init(&kw->terms);
    cx__tokens_init(&kw->ws);
    if (resolved.stem && (rc = open_stemmer(kw)) != CX_OK) {
        cx__free(kw);
        return rc;
    }
    if (lex != NULL)
        cx__lexicon_retain(lex);
    *out = kw;
    return CX_OK;
}

void cx_keywords_free(cx_keywords *kw)
{
    if (kw == NULL)
        return;
    close_stemmer(kw);
    cx__hashmap_destroy(&kw->terms);
    cx__tokens_destroy(&kw->ws);
    cx__free(kw->counts);
    cx__free(kw->ranking);
    cx__free(kw->scratch);
    cx__free(kw->prev);
    cx_lexicon_free(kw->lex);
    cx__free(kw);
}

/* ---- counting -------------------------------------------------------- */

static void undo_begin(const cx_keywords *kw, undo_log *log)
{
    memset(log, 0, sizeof *log);
    log->terms_before = kw->terms.count;
    memcpy(log->totals_before, kw->totals, sizeof kw->totals);
}

static void undo_free(undo_log *log)
{
    cx__free(log->index);
    cx__free(log->amount);
    cx__free(log->group);
}

static void undo_apply(cx_keywords *kw, undo_log *log)
{
    for (size_t i = 0; i < log->count; i++)
        kw->counts[log->index[i]].n[log->group[i]] -= log->amount[i];
    while (kw->terms.count > log->terms_before)
        cx__hashmap_pop(&kw->terms);
    memcpy(kw->totals, log->totals_before, sizeof kw->totals);
}

static int count_term(cx_keywords *kw, undo_log *log, int group, const char *term, size_t len, uint64_t amount)
{
    if (len == 0 || len > TERM_MAX)
        return CX_OK;
    if (kw->terms.count + 1 > kw->counts_cap) {
        void *p = kw->counts;
        if (cx__grow(&p, &kw->counts_cap, kw->terms.count + 1, sizeof *kw->counts, 256) != CX_OK)
            return cx__nomem("counting keywords");
        kw->counts = p;
    }
    if (log->count == log->cap) {
        size_t cap = log->cap ? log->cap * 2 : 64;
        uint32_t *idx = cx__reallocarray(log->index, cap, sizeof *idx);
        if (idx == NULL)
            return cx__nomem("counting keywords");
        log->index = idx;
        uint64_t *amt = cx__reallocarray(log->amount, cap, sizeof *amt);
        if (amt == NULL)
            return cx__nomem("counting keywords");
        log->amount = amt;
        uint8_t *grp = cx__reallocarray(log->group, cap, sizeof *grp);
        if (grp == NULL)
            return cx__nomem("counting keywords");
        log->group = grp;
        log->cap = cap;
    }
    uint32_t index;
    bool inserted;
    if (cx__hashmap_intern(&kw->terms, term, len, &index, &inserted) != CX_OK)
        return cx__nomem("counting keywords");
    if (inserted)
        memset(&kw->counts[index], 0, sizeof kw->counts[index]);
    kw->counts[index].n[group] += amount;
    kw->totals[group] += amount;
    log->index[log->count] = index;
    log->group[log->count] = (uint8_t)group;
    log->amount[log->count++] = amount;
    return CX_OK;
}

static bool is_stop(const cx_keywords *kw, const char *word, size_t len)
{
    if (!kw->opts.stop_words || kw->lex == NULL)
        return false;
    const cx__lex_entry *e = cx__lex_find(&kw->lex->table, word, len);
    return e != NULL && (e->flags & CX__LEX_STOP);
}

static int count_bigram(cx_keywords *kw, undo_log *log, int group, const char *a, size_t alen, const char *b,
                        size_t blen)
{
    void *p = kw->scratch;
    if (cx__grow(&p, &kw->scratch_cap, alen + blen + 2, 1, 64) != CX_OK)
        return cx__nomem("counting keywords");
    kw->scratch = p;
    memcpy(kw->scratch, a, alen);
    kw->scratch[alen] = ' ';
    memcpy(kw->scratch + alen + 1, b, blen);
    return count_term(kw, log, group, kw->scratch, alen + blen + 1, 1);
}

/* Remembers the last kept word for the next bigram (the stemmer reuses
 * its own buffer, so the stem is copied). */
static int remember(cx_keywords *kw, const char *word, size_t len)
{
    void *p = kw->prev;
    if (cx__grow(&p, &kw->prev_cap, len + 1, 1, 64) != CX_OK)
        return cx__nomem("counting keywords");
    kw->prev = p;
    memcpy(kw->prev, word, len);
    kw->prev_len = len;
    return CX_OK;
}

static int count_tokens(cx_keywords *kw, undo_log *log, int group)
{
    const cx__tokens *tk = &kw->ws;
    bool have_prev = false;
    int rc = CX_OK;
    for (size_t i = 0; i < tk->count && rc == CX_OK; i++) {
        const cx__token *t = &tk->tok[i];
        const char *word = tk->norm + t->nstart;
        size_t len = t->nend - t->nstart;
        if ((t->type != CX__TOK_WORD && t->type != CX__TOK_EMOJI) || is_stop(kw, word, len)) {
            have_prev = false;
            continue;
        }
        const char *stem;
        size_t stem_len;
        if ((rc = stem_of(kw, word, len, &stem, &stem_len)) != CX_OK
            || (rc = count_term(kw, log, group, stem, stem_len, 1)) != CX_OK)
            break;
        if (kw->opts.bigrams && have_prev)
            rc = count_bigram(kw, log, group, kw->prev, kw->prev_len, stem, stem_len);
        if (rc == CX_OK && kw->opts.bigrams)
            rc = remember(kw, stem, stem_len);
        have_prev = true;
    }
    return rc;
}

static int check_group(cx_keywords_group group)
{
    if (group != CX_KEYWORDS_A && group != CX_KEYWORDS_B && group != CX_KEYWORDS_BACKGROUND)
        return cx__error(CX_EINVAL, "unknown keyword group %d (expected CX_KEYWORDS_A, _B or _BACKGROUND)", (int)group);
    return CX_OK;
}

/* `text` is checked already: valid UTF-8 within the length limit. */
static int add_text(cx_keywords *kw, undo_log *log, int group, const char *text, size_t len, const char *what)
{
    int rc = cx__tokenize(&kw->ws, text, len, false, NULL, what);
    return rc == CX_OK ? count_tokens(kw, log, group) : rc;
}

int cx_keywords_add_many(cx_keywords *kw, cx_keywords_group group, const char *const *texts, const size_t *lens,
                         size_t n)
{
    CX__CHECK_ARG(kw, "cx_keywords_add_many");
    int rc = check_group(group);
    if (rc != CX_OK)
        return rc;
    if (texts == NULL && n > 0)
        return cx__error(CX_EINVAL, "cx_keywords_add_many: texts is NULL but n is %zu", n);
    /* Bad input is found before anything is counted, so that it changes
     * nothing, the ranking included. */
    rc = cx__text_check_batch(texts, lens, n, true);
    if (rc != CX_OK)
        return rc;
    undo_log log;
    undo_begin(kw, &log);
    /* The ranking points into the terms' key storage, which may move as
     * terms are added; it stays valid only while that storage stays put. */
    bool ranking_was_valid = kw->ranking_valid;
    const char *keys_before = kw->terms.arena;
    if (n > 0)
        kw->ranking_valid = false;
    char what[48];
    for (size_t i = 0; i < n && rc == CX_OK; i++) {
        snprintf(what, sizeof what, "texts[%zu]: ", i);
        rc = add_text(kw, &log, (int)group, texts[i], lens ? lens[i] : strlen(texts[i]), what);
    }
    if (rc != CX_OK) {
        undo_apply(kw, &log);
        kw->ranking_valid = ranking_was_valid && kw->terms.arena == keys_before;
    }
    undo_free(&log);
    return rc;
}

int cx_keywords_add(cx_keywords *kw, cx_keywords_group group, const char *text, size_t len)
{
    CX__CHECK_ARG(kw, "cx_keywords_add");
    if (text == NULL && len > 0)
        return cx__error(CX_EINVAL, "cx_keywords_add: text is NULL but len is %zu", len);
    const char *texts[1] = { text ? text : "" };
    return cx_keywords_add_many(kw, group, texts, &len, 1);
}

int cx_keywords_merge(cx_keywords *into, const cx_keywords *from)
{
    CX__CHECK_ARG(into, "cx_keywords_merge");
    CX__CHECK_ARG(from, "cx_keywords_merge");
    const char *la = into->lex ? into->lex->language : "", *lb = from->lex ? from->lex->language : "";
    if (into->opts.bigrams != from->opts.bigrams || into->opts.stem != from->opts.stem
        || into->opts.stop_words != from->opts.stop_words || strcmp(la, lb) != 0)
        return cx__error(CX_ESTATE, "cannot merge keyword tables with different options or languages "
                         "(bigrams %d/%d, stem %d/%d, stop_words %d/%d, language \"%s\"/\"%s\")", into->opts.bigrams,
                         from->opts.bigrams, into->opts.stem, from->opts.stem, into->opts.stop_words,
                         from->opts.stop_words, la, lb);
    int rc = CX_OK;
    undo_log log;
    undo_begin(into, &log);
    bool ranking_was_valid = into->ranking_valid; /* as in cx_keywords_add_many */
    const char *keys_before = into->terms.arena;
    into->ranking_valid = false;
    for (uint32_t i = 0; i < from->terms.count && rc == CX_OK; i++) {
        size_t len;
        const char *term = cx__hashmap_key(&from->terms, i, &len);
        for (int g = 0; g < GROUPS && rc == CX_OK; g++)
            if (from->counts[i].n[g] > 0)
                rc = count_term(into, &log, g, term, len, from->counts[i].n[g]);
    }
    if (rc != CX_OK) {
        undo_apply(into, &log);
        into->ranking_valid = ranking_was_valid && into->terms.arena == keys_before;
    }
    undo_free(&log);
    return rc;
}

/* ---- ranking --------------------------------------------------------- */

static int by_z(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->z != y->z)
        return x->z > y->z ? -1 : 1;
    return strcmp(x->term, y->term);
}

/* The prior: alpha_w = a0 * pi_w, pi_w the term's share of the background
 * (Laplace-smoothed when a background group was given, else the pooled
 * counts of A and B), a0 the prior_scale or the background's size. */
typedef struct prior {
    bool background;
    double a0, size, vocabulary;
} prior;

static double alpha_of(const prior *p, const counts *c)
{
    if (p->background)
        return p->a0 * ((double)c->n[CX_KEYWORDS_BACKGROUND] + 1) / (p->size + p->vocabulary);
    return p->a0 * (double)(c->n[CX_KEYWORDS_A] + c->n[CX_KEYWORDS_B]) / p->size;
}

int cx_keywords_rank(size_t *count_out, cx_keywords *kw)
{
    CX__CHECK_ARG(count_out, "cx_keywords_rank");
    CX__CHECK_ARG(kw, "cx_keywords_rank");
    double na = (double)kw->totals[CX_KEYWORDS_A], nb = (double)kw->totals[CX_KEYWORDS_B];
    if (na == 0 || nb == 0)
        return cx__error(CX_EEMPTY, "cx_keywords_rank: group %s has no terms", na == 0 ? "A" : "B");
    prior p = { kw->totals[CX_KEYWORDS_BACKGROUND] > 0, 0, 0, (double)kw->terms.count };
    p.size = p.background ? (double)kw->totals[CX_KEYWORDS_BACKGROUND] : na + nb;
    p.a0 = isnan(kw->opts.prior_scale) ? p.size : kw->opts.prior_scale;
    ranked *r = cx__reallocarray(NULL, kw->terms.count ? kw->terms.count : 1, sizeof *r);
    if (r == NULL)
        return cx__nomem("ranking keywords");
    size_t n = 0;
    for (uint32_t i = 0; i < kw->terms.count; i++) {
        const counts *c = &kw->counts[i];
        double ya = (double)c->n[CX_KEYWORDS_A], yb = (double)c->n[CX_KEYWORDS_B];
        if (ya + yb < kw->opts.min_count || ya + yb == 0)
            continue;
        double a = alpha_of(&p, c);
        /* Monroe et al. (2008), eq. 16 and 22-23. */
        double delta = log((ya + a) / (na + p.a0 - ya - a)) - log((yb + a) / (nb + p.a0 - yb - a));
        double variance = 1 / (ya + a) + 1 / (yb + a);
        double z = delta / sqrt(variance);
        if (!isfinite(z))
            continue;
        r[n++] = (ranked){ i, delta, variance, z, cx__hashmap_key(&kw->terms, i, NULL) };
    }
    qsort(r, n, sizeof *r, by_z);
    cx__free(kw->ranking);
    kw->ranking = r;
    kw->ranked_count = n;
    kw->ranking_valid = true;
    *count_out = n;
    return CX_OK;
}

int cx_keywords_get(cx_keyword *out, const cx_keywords *kw, size_t index)
{
    CX__CHECK_ARG(out, "cx_keywords_get");
    CX__CHECK_ARG(kw, "cx_keywords_get");
    int rc = cx__check_version(out->version, CX_KEYWORD_VERSION, "cx_keyword");
    if (rc != CX_OK)
        return rc;
    if (!kw->ranking_valid)
        return cx__error(CX_ESTATE, "cx_keywords_get: the table is not ranked or changed since (call cx_keywords_rank)");
    if (index >= kw->ranked_count)
        return cx__error(CX_ERANGE, "keyword index %zu is past the last ranked term (%zu terms)", index,
                         kw->ranked_count);
    const ranked *r = &kw->ranking[index];
    out->term = r->term;
    out->delta = r->delta;
    out->variance = r->variance;
    out->z = r->z;
    out->count_a = kw->counts[r->index].n[CX_KEYWORDS_A];
    out->count_b = kw->counts[r->index].n[CX_KEYWORDS_B];
    return CX_OK;
}
