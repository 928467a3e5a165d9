/*
 * The sentiment rules. A comment is tokenized, grouped into units (the
 * longest lexicon term starting at each token), split into clauses, and
 * each unit with a valence is moved by the rules of docs/text.md in a fixed
 * order: domain override, capitals, intensifiers and dampeners, negation,
 * contrast. The contributions add up to S; exclamation marks strengthen S;
 * compound = S / sqrt(S^2 + alpha).
 *
 * The constants follow VADER (Hutto & Gilbert 2014) where it has them:
 * intensifier step 0.293 with decay 1, 0.95, 0.9 by distance, capitals
 * 0.733, negation x -0.74, "but" weights 0.5 and 1.5, exclamation 0.292 per
 * mark up to 4, alpha 15. Negated negative words flip at x -0.5 instead:
 * "not bad" is milder than "good" (see docs/text.md).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core_internal.h"
#include "text_sentiment_internal.h"

#define CAPS_BOOST 0.733
#define NEGATE_POSITIVE (-0.74)
#define NEGATE_NEGATIVE (-0.5)
#define CONTRAST_BEFORE 0.5
#define CONTRAST_AFTER 1.5
#define EXCLAMATION_STEP 0.292
#define EXCLAMATION_MAX 4
#define WINDOW_BEFORE 3
#define WINDOW_AFTER 2

static const double boost_decay[WINDOW_BEFORE + 1] = { 0, 1.0, 0.95, 0.9 };

const size_t cx__sentiment_result_sizes[CX_SENTIMENT_RESULT_VERSION] = { sizeof(cx_sentiment_result) };

void cx__score_ws_init(cx__score_ws *ws)
{
    cx__tokens_init(&ws->tok);
    ws->units = ws->inline_units;
    ws->units_cap = CX__INLINE_UNITS;
    ws->mentions = ws->inline_mentions;
    ws->mentions_cap = CX__INLINE_MENTIONS;
    ws->unit_count = ws->mention_count = 0;
}

void cx__score_ws_destroy(cx__score_ws *ws)
{
    cx__tokens_destroy(&ws->tok);
    if (ws->units != ws->inline_units)
        cx__free(ws->units);
    if (ws->mentions != ws->inline_mentions)
        cx__free(ws->mentions);
    cx__score_ws_init(ws);
}

static int grow_inline(void **items, size_t *cap, size_t need, size_t size, const void *inline_buf)
{
    if (need <= *cap)
        return CX_OK;
    size_t new_cap = *cap * 2;
    while (new_cap < need)
        new_cap *= 2;
    void *p = cx__reallocarray(*items == inline_buf ? NULL : *items, new_cap, size);
    if (p == NULL)
        return cx__nomem("scoring text");
    if (*items == inline_buf)
        memcpy(p, inline_buf, *cap * size);
    *items = p;
    *cap = new_cap;
    return CX_OK;
}

double cx__compound(double sum, double alpha)
{
    double c = sum / sqrt(sum * sum + alpha);
    return c < -1 ? -1 : c > 1 ? 1 : c;
}

cx_sentiment_label cx__sentiment_label(const cx_sentiment *an, double compound)
{
    if (compound >= an->opts.positive_threshold)
        return CX_SENTIMENT_POSITIVE;
    if (compound <= an->opts.negative_threshold)
        return CX_SENTIMENT_NEGATIVE;
    return CX_SENTIMENT_NEUTRAL;
}

static double sign(double v)
{
    return v > 0 ? 1 : v < 0 ? -1 : 0;
}

/* ---- units ----------------------------------------------------------- */

static bool is_boundary_punct(char c)
{
    return c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == '\n';
}

/* Longest unit term starting at token i; returns its token count (0: none). */
static uint32_t longest_unit(const cx__lex_table *t, const cx__tokens *tk, size_t i, int32_t *entry)
{
    uint32_t best = 0;
    uint32_t max = t->max_unit_tokens;
    const char *base = tk->norm + tk->tok[i].nstart;
    for (uint32_t k = 0; k < max && i + k < tk->count; k++) {
        const cx__token *tok = &tk->tok[i + k];
        if (tok->type == CX__TOK_EMOTICON || (tok->type == CX__TOK_PUNCT && tok->punct != '#'))
            break;
        int64_t idx = cx__hashmap_find(&t->map, base, tok->nend - tk->tok[i].nstart);
        if (idx < 0)
            break;
        const cx__lex_entry *e = &t->entries[idx];
        if (e->flags & CX__LEX_UNIT_FLAGS) {
            best = k + 1;
            *entry = (int32_t)idx;
        }
        if (!(e->flags & CX__LEX_PREFIX))
            break;
    }
    return best;
}

/* Length of the UTF-8 sequence led by byte c. */
static size_t lead_length(unsigned char c)
{
    return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

static int32_t emoji_entry(const cx__lex_table *t, const cx__tokens *tk, const cx__token *tok)
{
    const char *key = tk->norm + tok->nstart;
    size_t len = tok->nend - tok->nstart;
    int64_t idx = cx__hashmap_find(&t->map, key, len);
    if (idx < 0 && len > lead_length((unsigned char)key[0])) /* a sequence: try its base emoji */
        idx = cx__hashmap_find(&t->map, key, lead_length((unsigned char)key[0]));
    return idx >= 0 && (t->entries[idx].flags & CX__LEX_VALENCE) ? (int32_t)idx : -1;
}

static int push_unit(cx__score_ws *ws, cx__unit **out)
{
    if (ws->unit_count == ws->units_cap) {
        void *p = ws->units;
        int rc = grow_inline(&p, &ws->units_cap, ws->unit_count + 1, sizeof *ws->units, ws->inline_units);
        ws->units = p;
        if (rc != CX_OK)
            return rc;
    }
    *out = &ws->units[ws->unit_count++];
    return CX_OK;
}

static int build_units(const cx__lex_table *t, cx__score_ws *ws, uint32_t *words)
{
    const cx__tokens *tk = &ws->tok;
    ws->unit_count = 0;
    *words = 0;
    uint32_t clause = 0;
    for (size_t i = 0; i < tk->count;) {
        const cx__token *tok = &tk->tok[i];
        if (tok->type == CX__TOK_PUNCT && tok->punct != '#') {
            i++;
            if (!is_boundary_punct(tok->punct))
                continue;
        }
        cx__unit *u;
        int rc = push_unit(ws, &u);
        if (rc != CX_OK)
            return rc;
        *u = (cx__unit){ (uint32_t)i, (uint32_t)i, 0, -1, -1, clause, 1.0 };
        if (tok->type == CX__TOK_PUNCT && tok->punct != '#') {
            u->first = u->last = (uint32_t)(i - 1);
            u->flags = CX__UNIT_BOUNDARY;
            clause++;
            continue;
        }
        uint32_t span = 1;
        if (tok->type == CX__TOK_EMOTICON) {
            int64_t idx = cx__hashmap_find(&t->map, tk->norm + tok->nstart, tok->nend - tok->nstart);
            u->entry = (int32_t)idx;
        } else if (tok->type == CX__TOK_EMOJI) {
            u->entry = emoji_entry(t, tk, tok);
        } else {
            uint32_t k = longest_unit(t, tk, i, &u->entry);
            span = k ? k : 1;
        }
        u->last = (uint32_t)(i + span - 1);
        if (u->entry >= 0)
            u->flags = t->entries[u->entry].flags & (CX__LEX_UNIT_FLAGS | CX__LEX_SERVICE | CX__LEX_EMOTICON);
        bool caps = true;
        for (uint32_t k = 0; k < span; k++)
            caps &= tk->tok[i + k].caps != 0;
        if (caps && tok->type == CX__TOK_WORD)
            u->flags |= CX__UNIT_CAPS;
        if (u->flags & (CX__LEX_CONTRAST | CX__LEX_CONCESSION)) /* the contrast word opens a clause */
            u->clause = ++clause;
        *words += span;
        i += span;
    }
    return CX_OK;
}

/* ---- aspects --------------------------------------------------------- */

static uint32_t longest_aspect(const cx__lex_table *t, const cx__tokens *tk, size_t i, int16_t *aspect)
{
    uint32_t best = 0;
    const char *base = tk->norm + tk->tok[i].nstart;
    for (uint32_t k = 0; k < t->max_aspect_tokens && i + k < tk->count; k++) {
        const cx__token *tok = &tk->tok[i + k];
        if (tok->type != CX__TOK_WORD && tok->type != CX__TOK_NUMBER)
            break;
        int64_t idx = cx__hashmap_find(&t->map, base, tok->nend - tk->tok[i].nstart);
        if (idx < 0)
            break;
        const cx__lex_entry *e = &t->entries[idx];
        if ((e->flags & CX__LEX_ASPECT) && e->aspect >= 0) {
            best = k + 1;
            *aspect = e->aspect;
        }
        if (!(e->flags & CX__LEX_ASPECT_PREFIX))
            break;
    }
    return best;
}

static int find_mentions(const cx__lex_table *t, cx__score_ws *ws)
{
    const cx__tokens *tk = &ws->tok;
    ws->mention_count = 0;
    size_t u = 0;
    for (size_t i = 0; i < tk->count;) {
        int16_t aspect = -1;
        uint32_t k = tk->tok[i].type == CX__TOK_WORD ? longest_aspect(t, tk, i, &aspect) : 0;
        if (k == 0) {
            i++;
            continue;
        }
        while (u + 1 < ws->unit_count && ws->units[u].last < i)
            u++;
        if (ws->mention_count == ws->mentions_cap) {
            void *p = ws->mentions;
            int rc = grow_inline(&p, &ws->mentions_cap, ws->mention_count + 1, sizeof *ws->mentions,
                                 ws->inline_mentions);
            ws->mentions = p;
            if (rc != CX_OK)
                return rc;
        }
        ws->mentions[ws->mention_count++] = (cx__mention){ (uint32_t)i, ws->units[u].clause, aspect };
        i += k;
    }
    return CX_OK;
}

/* Each unit takes the aspect named nearest to it within its clause (the
 * earlier one of two as near). Units and mentions are in token order and
 * clause numbers never decrease along it, so the same-clause mentions of a
 * unit form one run of the mentions, and the nearest is one of the two
 * mentions around the unit's first token: one sweep. */
static void attribute_aspects(cx__score_ws *ws)
{
    size_t next = 0; /* first mention after the unit's first token */
    for (size_t u = 0; u < ws->unit_count; u++) {
        cx__unit *unit = &ws->units[u];
        while (next < ws->mention_count && ws->mentions[next].token <= unit->first)
            next++;
        const cx__mention *before = next > 0 ? &ws->mentions[next - 1] : NULL;
        const cx__mention *after = next < ws->mention_count ? &ws->mentions[next] : NULL;
        if (before != NULL && before->clause != unit->clause)
            before = NULL;
        if (after != NULL && after->clause != unit->clause)
            after = NULL;
        if (before != NULL && (after == NULL || unit->first - before->token <= after->token - unit->first))
            unit->aspect = before->aspect;
        else if (after != NULL)
            unit->aspect = after->aspect;
    }
}

/* ---- contrast -------------------------------------------------------- */

/* "but": what precedes the first one counts x0.5, what follows x1.5.
 * Otherwise "although": its own clause counts x0.5, the rest x1.5.
 * Returns the unit that set the weights, or NULL. */
static const cx__unit *weigh_contrast(cx__score_ws *ws)
{
    size_t n = ws->unit_count;
    for (size_t u = 0; u < n; u++) {
        if (ws->units[u].flags & CX__LEX_CONTRAST) {
            for (size_t k = 0; k < n; k++)
                ws->units[k].weight = k < u ? CONTRAST_BEFORE : k > u ? CONTRAST_AFTER : 1.0;
            return &ws->units[u];
        }
    }
    for (size_t u = 0; u < n; u++) {
        if (ws->units[u].flags & CX__LEX_CONCESSION) {
            uint32_t clause = ws->units[u].clause;
            for (size_t k = 0; k < n; k++)
                ws->units[k].weight = k == u ? 1.0 : ws->units[k].clause == clause ? CONTRAST_BEFORE : CONTRAST_AFTER;
            return &ws->units[u];
        }
    }
    return NULL;
}

/* ---- rules ----------------------------------------------------------- */

typedef struct scorer {
    const cx_sentiment *an;
    const cx__lex_table *t;
    cx__score_ws *ws;
    cx__report *report;
    bool mixed_case;
    int32_t item;  /* evidence index of the unit being scored */
    const cx__unit *contrast; /* the contrast or concession word that weighs the units, or NULL */
} scorer;

static uint32_t span_start(const scorer *s, const cx__unit *u)
{
    return s->ws->tok.tok[u->first].start;
}

static uint32_t span_end(const scorer *s, const cx__unit *u)
{
    return s->ws->tok.tok[u->last].end;
}

static int report_item(scorer *s, uint32_t start, uint32_t end, uint32_t rule, double base, double valence,
                       int32_t target, int32_t aspect)
{
    cx__report *r = s->report;
    if (r == NULL)
        return CX_OK;
    if (r->count == r->cap) {
        void *p = r->items;
        if (cx__grow(&p, &r->cap, r->count + 1, sizeof *r->items, 16) != CX_OK)
            return cx__nomem("recording evidence");
        r->items = p;
    }
    r->items[r->count++] = (cx__evidence){ start, end, rule, rule, base, valence, target, aspect };
    return CX_OK;
}

static int modifier(scorer *s, const cx__unit *by, uint32_t rule, double delta, uint32_t *rules)
{
    *rules |= rule;
    if (s->report == NULL || s->item < 0)
        return CX_OK;
    return report_item(s, span_start(s, by), span_end(s, by), rule, 0, delta, s->item, -1);
}

/* The valence a unit carries, after the host's overrides. */
static bool base_valence(const scorer *s, const cx__unit *u, double *v, uint32_t *rules)
{
    const cx__lex_entry *e = &s->t->entries[u->entry];
    if (e->flags & CX__LEX_OVERRIDE) {
        const cx__override *general = NULL;
        for (int32_t o = e->override; o >= 0; o = s->t->overrides[o].next) {
            const cx__override *ov = &s->t->overrides[o];
            if (ov->aspect >= 0 && ov->aspect == u->aspect) {
                *v = ov->valence;
                *rules |= CX_RULE_OVERRIDE;
                return true;
            }
            if (ov->aspect < 0)
                general = ov;
        }
        if (general != NULL) {
            *v = general->valence;
            *rules |= CX_RULE_OVERRIDE;
            return true;
        }
    }
    if (!(e->flags & CX__LEX_VALENCE))
        return false;
    *v = e->valence;
    return true;
}

static uint32_t own_rule(const scorer *s, const cx__unit *u)
{
    if (u->flags & CX__LEX_EMOTICON)
        return CX_RULE_EMOTICON;
    if (s->ws->tok.tok[u->first].type == CX__TOK_EMOJI)
        return CX_RULE_EMOJI;
    if (u->flags & CX__LEX_SERVICE)
        return CX_RULE_SERVICE;
    return u->last > u->first ? CX_RULE_PHRASE : CX_RULE_LEXICON;
}

static bool stops_window(const cx__unit *u)
{
    return (u->flags & (CX__UNIT_BOUNDARY | CX__LEX_CONTRAST | CX__LEX_CONCESSION)) != 0;
}

static int apply_boosters(scorer *s, size_t idx, double *v, uint32_t *rules)
{
    const cx__unit *units = s->ws->units;
    for (size_t d = 1; d <= WINDOW_BEFORE && d <= idx; d++) {
        const cx__unit *b = &units[idx - d];
        if (stops_window(b))
            break;
        if (!(b->flags & CX__LEX_BOOST_BEFORE) || (b->flags & CX__LEX_VALENCE))
            continue;
        double amount = s->t->entries[b->entry].boost_before * boost_decay[d];
        double delta = amount > 0 ? sign(*v) * amount : -sign(*v) * fmin(-amount, fabs(*v));
        *v += delta;
        int rc = modifier(s, b, amount > 0 ? CX_RULE_INTENSIFIER : CX_RULE_DAMPENER, delta, rules);
        if (rc != CX_OK)
            return rc;
    }
    for (size_t d = 1; d <= WINDOW_AFTER && idx + d < s->ws->unit_count; d++) {
        const cx__unit *b = &units[idx + d];
        if (stops_window(b) || (b->flags & CX__LEX_VALENCE))
            break;
        if (!(b->flags & CX__LEX_BOOST_AFTER))
            continue;
        double amount = s->t->entries[b->entry].boost_after * boost_decay[d];
        double delta = amount > 0 ? sign(*v) * amount : -sign(*v) * fmin(-amount, fabs(*v));
        *v += delta;
        int rc = modifier(s, b, amount > 0 ? CX_RULE_INTENSIFIER : CX_RULE_DAMPENER, delta, rules);
        if (rc != CX_OK)
            return rc;
    }
    return CX_OK;
}

/* A negator up to three units back flips the valence. The scope ends at a
 * clause boundary, a contrast word, or a word of the other polarity ("no
 * problems or complaints" negates both; "no problems and great service"
 * leaves "great" alone). */
static int apply_negation(scorer *s, size_t idx, double *v, uint32_t *rules)
{
    const cx__unit *units = s->ws->units;
    for (size_t d = 1; d <= WINDOW_BEFORE && d <= idx; d++) {
        const cx__unit *b = &units[idx - d];
        if (stops_window(b))
            break;
        if ((b->flags & CX__LEX_VALENCE) && b->entry >= 0 && sign(s->t->entries[b->entry].valence) != sign(*v))
            break;
        if ((b->flags & CX__LEX_NEGATOR) && !(b->flags & CX__LEX_VALENCE)) {
            double before = *v;
            *v *= *v > 0 ? NEGATE_POSITIVE : NEGATE_NEGATIVE;
            return modifier(s, b, CX_RULE_NEGATION, *v - before, rules);
        }
    }
    return CX_OK;
}

typedef struct sums {
    double total, positive, negative;
    uint32_t neutral_words;
} sums;

static int score_unit(scorer *s, size_t idx, sums *acc)
{
    cx__unit *u = &s->ws->units[idx];
    double base;
    uint32_t rules = own_rule(s, u);
    if (u->entry < 0 || !base_valence(s, u, &base, &rules) || base == 0) {
        acc->neutral_words += (u->flags & CX__UNIT_BOUNDARY) ? 0 : u->last - u->first + 1;
        return CX_OK;
    }
    s->item = s->report ? (int32_t)s->report->count : -1;
    int rc = report_item(s, span_start(s, u), span_end(s, u), own_rule(s, u), base, 0, -1, u->aspect);
    double v = base;
    if (rc == CX_OK && (u->flags & CX__UNIT_CAPS) && s->mixed_case) {
        v += sign(v) * CAPS_BOOST;
        rc = modifier(s, u, CX_RULE_CAPS, sign(v) * CAPS_BOOST, &rules);
    }
    if (rc == CX_OK)
        rc = apply_boosters(s, idx, &v, &rules);
    if (rc == CX_OK)
        rc = apply_negation(s, idx, &v, &rules);
    if (rc == CX_OK && u->weight != 1.0) {
        double delta = v * (u->weight - 1.0);
        v += delta;
        rc = modifier(s, s->contrast, CX_RULE_CONTRAST, delta, &rules);
    }
    if (rc != CX_OK)
        return rc;
    if (s->report != NULL) {
        s->report->items[s->item].valence = v;
        s->report->items[s->item].rules = rules;
    }
    acc->total += v;
    if (v > 0)
        acc->positive += v;
    else
        acc->negative -= v;
    return CX_OK;
}

static int exclamation(scorer *s, sums *acc)
{
    uint32_t marks = s->ws->tok.exclamations;
    if (marks == 0 || acc->total == 0)
        return CX_OK;
    double emphasis = EXCLAMATION_STEP * (marks < EXCLAMATION_MAX ? marks : EXCLAMATION_MAX);
    double delta = sign(acc->total) * emphasis;
    acc->total += delta;
    if (delta > 0)
        acc->positive += emphasis;
    else
        acc->negative += emphasis;
    if (s->report == NULL)
        return CX_OK;
    const cx__tokens *tk = &s->ws->tok;
    for (size_t i = 0; i < tk->count; i++)
        if (tk->tok[i].type == CX__TOK_PUNCT && tk->tok[i].punct == '!')
            return report_item(s, tk->tok[i].start, tk->tok[i].end, CX_RULE_EXCLAMATION, 0, delta, -1, -1);
    return CX_OK;
}

/* Per-aspect sums in order of first mention. */
static int collect_aspects(const scorer *s, cx__report *r)
{
    r->aspect_count = 0;
    for (size_t m = 0; m < s->ws->mention_count; m++) {
        int16_t a = s->ws->mentions[m].aspect;
        size_t k = 0;
        while (k < r->aspect_count && r->aspects[k].aspect != a)
            k++;
        if (k == r->aspect_count) {
            void *p = r->aspects;
            if (cx__grow(&p, &r->aspects_cap, k + 1, sizeof *r->aspects, 4) != CX_OK)
                return cx__nomem("recording aspects");
            r->aspects = p;
            r->aspects[r->aspect_count++] = (cx__aspect_hit){ a, 0, 0, 0 };
        }
        r->aspects[k].mentions++;
    }
    for (size_t i = 0; i < r->count; i++) {
        const cx__evidence *ev = &r->items[i];
        if (ev->target >= 0 || ev->aspect < 0)
            continue;
        for (size_t k = 0; k < r->aspect_count; k++) {
            if (r->aspects[k].aspect == ev->aspect) {
                r->aspects[k].sum += ev->valence;
                r->aspects[k].evidence++;
            }
        }
    }
    return CX_OK;
}

static void fill_result(const cx_sentiment *an, const sums *acc, uint32_t words, const cx__report *r,
                        cx_sentiment_result *res)
{
    double mass = acc->positive + acc->negative + acc->neutral_words;
    res->sum = acc->total;
    res->compound = cx__compound(acc->total, an->opts.alpha);
    res->positive = mass > 0 ? acc->positive / mass : 0;
    res->negative = mass > 0 ? acc->negative / mass : 0;
    res->neutral = mass > 0 ? acc->neutral_words / mass : 1;
    res->label = cx__sentiment_label(an, res->compound);
    res->tokens = words;
    res->evidence_count = r ? (uint32_t)r->count : 0;
    res->aspect_count = r ? (uint32_t)r->aspect_count : 0;
}

int cx__sentiment_run(const cx_sentiment *an, cx__score_ws *ws, const char *text, size_t len, cx__report *report,
                      cx_sentiment_result *res, const char *what)
{
    if (len > CX_TEXT_MAX_BYTES)
        return cx__error(CX_ERANGE, "%stext of %zu bytes is longer than the limit of %u bytes", what, len,
                         CX_TEXT_MAX_BYTES);
    const cx__lex_table *t = an->table;
    bool replace = an->opts.invalid_utf8 == CX_TEXT_INVALID_REPLACE;
    int rc = cx__tokenize(&ws->tok, text, len, replace, t, what);
    uint32_t words = 0;
    if (rc == CX_OK)
        rc = build_units(t, ws, &words);
    ws->mention_count = 0;
    bool aspects = t->aspect_count > 0 && (report != NULL || an->aspect_overrides);
    if (rc == CX_OK && aspects && (rc = find_mentions(t, ws)) == CX_OK)
        attribute_aspects(ws);
    if (rc != CX_OK)
        return rc;
    const cx__unit *contrast = weigh_contrast(ws);
    scorer s = { an, t, ws, report, ws->tok.caps_words < ws->tok.cased_words, -1, contrast };
    sums acc = { 0, 0, 0, 0 };
    if (report != NULL)
        report->count = report->aspect_count = 0;
    for (size_t u = 0; u < ws->unit_count && rc == CX_OK; u++)
        rc = score_unit(&s, u, &acc);
    if (rc == CX_OK)
        rc = exclamation(&s, &acc);
    if (rc == CX_OK && report != NULL)
        rc = collect_aspects(&s, report);
    if (rc != CX_OK)
        return rc;
    fill_result(an, &acc, words, report, res);
    return CX_OK;
}
