/*
 * UTF-8 tokenizer for comments and lexicon terms.
 *
 * Words are runs of letters, marks and digits (Unicode categories L*, M*,
 * N*), with inner apostrophes and hyphens ("don't", "hassle-free"); they
 * are normalized to NFC with case folding (utf8proc), or lower-cased
 * directly when plain ASCII, which is the fast path. Numbers become "#".
 * Emoji are whole grapheme clusters (a thumbs-up with a skin tone is one
 * token), keyed without variation selectors and skin tones. A chunk between
 * spaces that the table knows as an emoticon (":-)") is one token as
 * written. Every other symbol is a one-character punctuation token, so a
 * phrase never matches across one.
 */
#include <string.h>

#include <utf8proc.h>

#include "core_internal.h"
#include "text_internal.h"

enum { C_OTHER = 0, C_SPACE, C_ALPHA, C_DIGIT, C_PUNCT, C_UPPER };

/* Classes of the ASCII bytes (C_UPPER: an upper-case letter); bytes from
 * 0x80 are C_OTHER here and decoded separately. */
#define ROW_CONTROL C_OTHER, C_OTHER, C_OTHER, C_OTHER, C_OTHER, C_OTHER, C_OTHER, C_OTHER
#define ROW_HIGH ROW_CONTROL, ROW_CONTROL
static const unsigned char byte_class[256] = {
    C_OTHER, C_OTHER, C_OTHER, C_OTHER, C_OTHER, C_OTHER, C_OTHER, C_OTHER,   /* 0x00 */
    C_OTHER, C_SPACE, C_PUNCT, C_SPACE, C_SPACE, C_SPACE, C_OTHER, C_OTHER,   /* \t \n \v \f \r */
    ROW_CONTROL, ROW_CONTROL,                                                 /* 0x10 */
    C_SPACE, C_PUNCT, C_PUNCT, C_PUNCT, C_PUNCT, C_PUNCT, C_PUNCT, C_PUNCT,   /* space ! " # $ % & ' */
    C_PUNCT, C_PUNCT, C_PUNCT, C_PUNCT, C_PUNCT, C_PUNCT, C_PUNCT, C_PUNCT,   /* ( ) * + , - . / */
    C_DIGIT, C_DIGIT, C_DIGIT, C_DIGIT, C_DIGIT, C_DIGIT, C_DIGIT, C_DIGIT,   /* 0-7 */
    C_DIGIT, C_DIGIT, C_PUNCT, C_PUNCT, C_PUNCT, C_PUNCT, C_PUNCT, C_PUNCT,   /* 8 9 : ; < = > ? */
    C_PUNCT, C_UPPER, C_UPPER, C_UPPER, C_UPPER, C_UPPER, C_UPPER, C_UPPER,   /* @ A-G */
    C_UPPER, C_UPPER, C_UPPER, C_UPPER, C_UPPER, C_UPPER, C_UPPER, C_UPPER,   /* H-O */
    C_UPPER, C_UPPER, C_UPPER, C_UPPER, C_UPPER, C_UPPER, C_UPPER, C_UPPER,   /* P-W */
    C_UPPER, C_UPPER, C_UPPER, C_PUNCT, C_PUNCT, C_PUNCT, C_PUNCT, C_PUNCT,   /* X Y Z [ \ ] ^ _ */
    C_PUNCT, C_ALPHA, C_ALPHA, C_ALPHA, C_ALPHA, C_ALPHA, C_ALPHA, C_ALPHA,   /* ` a-g */
    C_ALPHA, C_ALPHA, C_ALPHA, C_ALPHA, C_ALPHA, C_ALPHA, C_ALPHA, C_ALPHA,   /* h-o */
    C_ALPHA, C_ALPHA, C_ALPHA, C_ALPHA, C_ALPHA, C_ALPHA, C_ALPHA, C_ALPHA,   /* p-w */
    C_ALPHA, C_ALPHA, C_ALPHA, C_PUNCT, C_PUNCT, C_PUNCT, C_PUNCT, C_OTHER,   /* x y z { | } ~ DEL */
    ROW_HIGH, ROW_HIGH, ROW_HIGH, ROW_HIGH, ROW_HIGH, ROW_HIGH, ROW_HIGH, ROW_HIGH,
};

static int ascii_class(unsigned char c)
{
    int k = byte_class[c];
    return k == C_UPPER ? C_ALPHA : k;
}

void cx__tokens_init(cx__tokens *ws)
{
    ws->tok = ws->inline_tok;
    ws->cap = CX__INLINE_TOKENS;
    ws->norm = ws->inline_norm;
    ws->norm_cap = CX__INLINE_NORM;
    ws->cps = ws->inline_cps;
    ws->cps_cap = CX__INLINE_CPS;
    ws->count = ws->norm_len = 0;
    ws->exclamations = ws->caps_words = ws->cased_words = 0;
}

void cx__tokens_destroy(cx__tokens *ws)
{
    if (ws->tok != ws->inline_tok)
        cx__free(ws->tok);
    if (ws->norm != ws->inline_norm)
        cx__free(ws->norm);
    if (ws->cps != ws->inline_cps)
        cx__free(ws->cps);
    cx__tokens_init(ws);
}

/* Grows an array that may still sit in its inline storage. */
static int grow_array(void **items, size_t *cap, size_t need, size_t size, const void *inline_buf)
{
    if (need <= *cap)
        return CX_OK;
    size_t new_cap = *cap * 2;
    while (new_cap < need)
        new_cap *= 2;
    void *p;
    if (*items == inline_buf) {
        p = cx__reallocarray(NULL, new_cap, size);
        if (p != NULL)
            memcpy(p, *items, *cap * size);
    } else {
        p = cx__reallocarray(*items, new_cap, size);
    }
    if (p == NULL)
        return cx__nomem("tokenizing text");
    *items = p;
    *cap = new_cap;
    return CX_OK;
}

static int reserve_norm(cx__tokens *ws, size_t extra)
{
    if (CX__LIKELY(ws->norm_len + extra + 1 <= ws->norm_cap))
        return CX_OK;
    void *p = ws->norm;
    int rc = grow_array(&p, &ws->norm_cap, ws->norm_len + extra + 1, 1, ws->inline_norm);
    ws->norm = p;
    return rc;
}

static int push_token(cx__tokens *ws, cx__token **out)
{
    if (ws->count == ws->cap) {
        void *p = ws->tok;
        int rc = grow_array(&p, &ws->cap, ws->count + 1, sizeof *ws->tok, ws->inline_tok);
        ws->tok = p;
        if (rc != CX_OK)
            return rc;
    }
    cx__token *t = &ws->tok[ws->count++];
    memset(t, 0, sizeof *t);
    /* Tokens are separated by one space in the normalized buffer. */
    if (ws->norm_len > 0)
        ws->norm[ws->norm_len++] = ' ';
    t->nstart = (uint32_t)ws->norm_len;
    *out = t;
    return CX_OK;
}

/* Decodes one UTF-8 sequence (RFC 3629: no overlongs, surrogates or code
 * points above U+10FFFF). Returns its length, or 0 when invalid. */
static int decode_utf8(const unsigned char *p, size_t n, int32_t *cp)
{
    unsigned char c = p[0];
    int len;
    int32_t v;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        v = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        v = c & 0x0F;
        if (c == 0xE0) lo = 0xA0;
        if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        v = c & 0x07;
        if (c == 0xF0) lo = 0x90;
        if (c == 0xF4) hi = 0x8F;
    } else {
        return 0;
    }
    if ((size_t)len > n || p[1] < lo || p[1] > hi)
        return 0;
    v = (v << 6) | (p[1] & 0x3F);
    for (int i = 2; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (p[i] & 0x3F);
    }
    *cp = v;
    return len;
}

static bool is_word_category(int32_t cp)
{
    utf8proc_category_t c = utf8proc_category(cp);
    return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_NO);
}

static bool is_space_category(int32_t cp)
{
    utf8proc_category_t c = utf8proc_category(cp);
    return c == UTF8PROC_CATEGORY_ZS || c == UTF8PROC_CATEGORY_ZL || c == UTF8PROC_CATEGORY_ZP
           || cp == 0xFEFF || cp == 0x200B;
}

static bool is_emoji_start(int32_t cp)
{
    int b = utf8proc_get_property(cp)->boundclass;
    return b == UTF8PROC_BOUNDCLASS_EXTENDED_PICTOGRAPHIC || b == UTF8PROC_BOUNDCLASS_E_BASE
           || b == UTF8PROC_BOUNDCLASS_E_BASE_GAZ || b == UTF8PROC_BOUNDCLASS_GLUE_AFTER_ZWJ
           || b == UTF8PROC_BOUNDCLASS_REGIONAL_INDICATOR || b == UTF8PROC_BOUNDCLASS_E_ZWG;
}

static bool is_apostrophe(int32_t cp)
{
    return cp == '\'' || cp == 0x2019 || cp == 0x02BC;
}

/* The code point at p[i] (0 when invalid or at the end): a look-ahead. */
static int32_t peek(const unsigned char *p, size_t n, size_t i, int *len)
{
    int32_t cp = 0;
    *len = i < n ? decode_utf8(p + i, n - i, &cp) : 0;
    return *len ? cp : 0;
}

static bool word_char(int32_t cp)
{
    if (cp < 0x80)
        return ascii_class((unsigned char)cp) == C_ALPHA || ascii_class((unsigned char)cp) == C_DIGIT;
    return is_word_category(cp);
}

typedef struct word_scan {
    size_t end;
    bool ascii, digits_only;
    uint32_t upper, lower;
} word_scan;

/* Scans a word starting at i (a word character). */
static void scan_word(const unsigned char *p, size_t n, size_t i, word_scan *w)
{
    w->ascii = true;
    w->digits_only = true;
    w->upper = w->lower = 0;
    for (;;) {
        /* The fast path: a run of ASCII letters and digits. */
        while (i < n) {
            int k = byte_class[p[i]];
            if (k != C_ALPHA && k != C_UPPER && k != C_DIGIT)
                break;
            w->digits_only &= k == C_DIGIT;
            w->upper += k == C_UPPER;
            w->lower += k == C_ALPHA;
            i++;
        }
        if (i >= n)
            break;
        unsigned char next_byte = p[i];
        if (next_byte < 0x80 && next_byte != '\'' && next_byte != '-'
            && !(w->digits_only && (next_byte == '.' || next_byte == ',')))
            break; /* a space or punctuation ends the word */
        int len;
        int32_t cp = peek(p, n, i, &len);
        if (len == 0)
            break;
        if (word_char(cp)) {
            if (cp >= 0x80) {
                w->ascii = false;
                utf8proc_category_t c = utf8proc_category(cp);
                w->digits_only &= (c == UTF8PROC_CATEGORY_ND);
                w->upper += (c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LT);
                w->lower += (c == UTF8PROC_CATEGORY_LL);
            } else if (cp >= '0' && cp <= '9') {
                /* digits */
            } else {
                w->digits_only = false;
                w->upper += (cp <= 'Z');
                w->lower += (cp >= 'a');
            }
            i += (size_t)len;
            continue;
        }
        /* Inner joiners: an apostrophe or hyphen between word characters,
         * a '.' or ',' between digits of a number. */
        int len2;
        int32_t next = peek(p, n, i + (size_t)len, &len2);
        bool joins = len2 > 0 && word_char(next)
                     && (is_apostrophe(cp) || cp == '-'
                         || (w->digits_only && (cp == '.' || cp == ',') && next >= '0' && next <= '9'));
        if (!joins)
            break;
        if (cp >= 0x80)
            w->ascii = false;
        i += (size_t)len;
    }
    w->end = i;
}

/* NFC + case folding of a non-ASCII word into the normalized buffer;
 * apostrophe variants become "'". */
static int normalize_unicode(cx__tokens *ws, const unsigned char *s, size_t n)
{
    const utf8proc_option_t opts = UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD;
    utf8proc_ssize_t count;
    for (;;) {
        count = utf8proc_decompose(s, (utf8proc_ssize_t)n, ws->cps, (utf8proc_ssize_t)ws->cps_cap, opts);
        if (count < 0)
            return cx__error(CX_EFORMAT, "text could not be normalized: %s", utf8proc_errmsg(count));
        if ((size_t)count <= ws->cps_cap)
            break;
        void *p = ws->cps;
        int rc = grow_array(&p, &ws->cps_cap, (size_t)count, sizeof *ws->cps, ws->inline_cps);
        ws->cps = p;
        if (rc != CX_OK)
            return rc;
    }
    for (utf8proc_ssize_t k = 0; k < count; k++)
        if (ws->cps[k] == 0x2019 || ws->cps[k] == 0x02BC)
            ws->cps[k] = '\'';
    utf8proc_ssize_t bytes = utf8proc_reencode(ws->cps, count, opts);
    if (bytes < 0)
        return cx__error(CX_EFORMAT, "text could not be normalized: %s", utf8proc_errmsg(bytes));
    int rc = reserve_norm(ws, (size_t)bytes);
    if (rc != CX_OK)
        return rc;
    memcpy(ws->norm + ws->norm_len, ws->cps, (size_t)bytes);
    ws->norm_len += (size_t)bytes;
    return CX_OK;
}

static int emit_word(cx__tokens *ws, const unsigned char *p, size_t start, const word_scan *w)
{
    size_t n = w->end - start;
    int rc = reserve_norm(ws, n + 2);
    cx__token *t;
    if (rc != CX_OK || (rc = push_token(ws, &t)) != CX_OK)
        return rc;
    t->start = (uint32_t)start;
    t->end = (uint32_t)w->end;
    if (w->digits_only) {
        t->type = CX__TOK_NUMBER;
        ws->norm[ws->norm_len++] = '#';
    } else {
        t->type = CX__TOK_WORD;
        t->cased = w->upper + w->lower > 0;
        t->caps = w->upper >= 2 && w->lower == 0;
        ws->cased_words += t->cased;
        ws->caps_words += t->caps;
        if (w->ascii) {
            char *o = ws->norm + ws->norm_len;
            for (size_t k = 0; k < n; k++) {
                unsigned char c = p[start + k];
                o[k] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
            }
            ws->norm_len += n;
        } else if ((rc = normalize_unicode(ws, p + start, n)) != CX_OK) {
            return rc;
        }
    }
    t->nend = (uint32_t)ws->norm_len;
    return CX_OK;
}

static bool emoji_ignorable(int32_t cp)
{
    return cp == 0xFE0E || cp == 0xFE0F || (cp >= 0x1F3FB && cp <= 0x1F3FF);
}

/* One emoji grapheme cluster from i; returns its end. */
static int emit_emoji(cx__tokens *ws, const unsigned char *p, size_t n, size_t i, int32_t first, int first_len,
                      size_t *end)
{
    utf8proc_int32_t state = 0;
    size_t j = i + (size_t)first_len;
    int32_t prev = first;
    for (;;) {
        int len;
        int32_t cp = peek(p, n, j, &len);
        if (len == 0 || utf8proc_grapheme_break_stateful(prev, cp, &state))
            break;
        prev = cp;
        j += (size_t)len;
    }
    int rc = reserve_norm(ws, j - i + 2);
    cx__token *t;
    if (rc != CX_OK || (rc = push_token(ws, &t)) != CX_OK)
        return rc;
    t->type = CX__TOK_EMOJI;
    t->start = (uint32_t)i;
    t->end = (uint32_t)j;
    for (size_t k = i; k < j;) {
        int32_t cp;
        int len = decode_utf8(p + k, j - k, &cp);
        if (!emoji_ignorable(cp)) {
            memcpy(ws->norm + ws->norm_len, p + k, (size_t)len);
            ws->norm_len += (size_t)len;
        }
        k += (size_t)len;
    }
    if (ws->norm_len == t->nstart) { /* a lone modifier: keep it as written */
        memcpy(ws->norm + ws->norm_len, p + i, j - i);
        ws->norm_len += j - i;
    }
    t->nend = (uint32_t)ws->norm_len;
    *end = j;
    return CX_OK;
}

static int emit_punct(cx__tokens *ws, size_t start, size_t end, char c)
{
    int rc = reserve_norm(ws, 3);
    cx__token *t;
    if (rc != CX_OK || (rc = push_token(ws, &t)) != CX_OK)
        return rc;
    t->type = CX__TOK_PUNCT;
    t->start = (uint32_t)start;
    t->end = (uint32_t)end;
    t->punct = c;
    ws->norm[ws->norm_len++] = c;
    t->nend = (uint32_t)ws->norm_len;
    ws->exclamations += (c == '!');
    return CX_OK;
}

/* Non-ASCII punctuation that ends a clause maps to its ASCII twin; the rest
 * is a neutral symbol, written as 0x01. */
static char punct_of(int32_t cp)
{
    switch (cp) {
    case 0x2026: case 0x3002: case 0xFF0E: return '.';
    case 0xFF01: case 0x203C: return '!';
    case 0xFF1F: return '?';
    case 0xFF0C: case 0x3001: return ',';
    case 0xFF1B: return ';';
    default: return 0x01;
    }
}

#define EMOTICON_MAX 16

/* An emoticon chunk at i (up to the next ASCII space), as written, with
 * trailing sentence punctuation tried off too; returns its length or 0. */
static size_t match_emoticon(const cx__lex_table *t, const unsigned char *p, size_t n, size_t i)
{
    size_t j = i;
    bool symbol = false;
    while (j < n && j - i <= EMOTICON_MAX && ascii_class(p[j]) != C_SPACE && p[j] != '\n') {
        symbol |= ascii_class(p[j]) == C_PUNCT;
        j++;
    }
    if (!symbol || j - i > EMOTICON_MAX)
        return 0;
    /* "great," or "minutes." hold no symbol but their trailing punctuation:
     * no emoticon has that shape, so skip the lookups. */
    size_t core = j;
    while (core > i && (p[core - 1] == '.' || p[core - 1] == ',' || p[core - 1] == '!' || p[core - 1] == '?'
                        || p[core - 1] == ';'))
        core--;
    bool core_symbol = false;
    for (size_t k = i; k < core; k++)
        core_symbol |= ascii_class(p[k]) == C_PUNCT;
    if (!core_symbol && core > i)
        return 0;
    for (size_t len = j - i; len >= 2; len--) {
        const cx__lex_entry *e = cx__lex_find(t, (const char *)p + i, len);
        if (e != NULL && (e->flags & CX__LEX_EMOTICON))
            return len;
        unsigned char last = p[i + len - 1];
        if (last != '.' && last != ',' && last != '!' && last != '?' && last != ';')
            break;
    }
    return 0;
}

static int emit_emoticon(cx__tokens *ws, const unsigned char *p, size_t i, size_t len)
{
    int rc = reserve_norm(ws, len + 2);
    cx__token *t;
    if (rc != CX_OK || (rc = push_token(ws, &t)) != CX_OK)
        return rc;
    t->type = CX__TOK_EMOTICON;
    t->start = (uint32_t)i;
    t->end = (uint32_t)(i + len);
    memcpy(ws->norm + ws->norm_len, p + i, len);
    ws->norm_len += len;
    t->nend = (uint32_t)ws->norm_len;
    return CX_OK;
}

/* One non-ASCII code point (or invalid byte) at i. */
static int step_unicode(cx__tokens *ws, const unsigned char *p, size_t n, size_t *i, bool replace, const char *what)
{
    int32_t cp;
    int len = decode_utf8(p + *i, n - *i, &cp);
    if (len == 0) {
        if (!replace)
            return cx__error(CX_EFORMAT, "%sinvalid UTF-8 at byte offset %zu (byte 0x%02X)", what, *i, p[*i]);
        (*i)++; /* U+FFFD: a separator */
        return CX_OK;
    }
    if (is_word_category(cp)) {
        word_scan w;
        scan_word(p, n, *i, &w);
        int rc = emit_word(ws, p, *i, &w);
        *i = w.end;
        return rc;
    }
    if (is_emoji_start(cp))
        return emit_emoji(ws, p, n, *i, cp, len, i);
    size_t start = *i;
    *i += (size_t)len;
    if (is_space_category(cp) || cp == 0xFFFD || utf8proc_category(cp) == UTF8PROC_CATEGORY_CC
        || utf8proc_category(cp) == UTF8PROC_CATEGORY_CF || emoji_ignorable(cp))
        return CX_OK;
    return emit_punct(ws, start, *i, punct_of(cp));
}

int cx__tokenize(cx__tokens *ws, const char *text, size_t len, bool replace, const cx__lex_table *emoticons,
                 const char *what)
{
    const unsigned char *p = (const unsigned char *)text;
    ws->count = ws->norm_len = 0;
    ws->exclamations = ws->caps_words = ws->cased_words = 0;
    bool chunk_start = true;
    size_t i = 0;
    int rc = CX_OK;
    while (i < len && rc == CX_OK) {
        unsigned char c = p[i];
        int cls = c < 0x80 ? ascii_class(c) : C_OTHER;
        if (c < 0x80 && (cls == C_SPACE || cls == C_OTHER)) {
            chunk_start = true;
            i++;
            continue;
        }
        if (cls == C_ALPHA || cls == C_DIGIT) {
            /* A word; a chunk that is a whole word cannot be an emoticon,
             * which needs a symbol, so only a word ending in punctuation
             * is checked (":-)" after "x", say "xD:"). */
            word_scan w;
            scan_word(p, len, i, &w);
            size_t elen = 0;
            if (chunk_start && emoticons != NULL && w.end < len && p[w.end] < 0x80
                && ascii_class(p[w.end]) == C_PUNCT && p[w.end] != '\n')
                elen = match_emoticon(emoticons, p, len, i);
            rc = elen ? emit_emoticon(ws, p, i, elen) : emit_word(ws, p, i, &w);
            i = elen ? i + elen : w.end;
            chunk_start = false;
            continue;
        }
        if (chunk_start && emoticons != NULL && c < 0x80) {
            size_t elen = match_emoticon(emoticons, p, len, i);
            if (elen > 0) {
                rc = emit_emoticon(ws, p, i, elen);
                i += elen;
                chunk_start = false;
                continue;
            }
        }
        chunk_start = false;
        if (c >= 0x80) {
            rc = step_unicode(ws, p, len, &i, replace, what);
        } else {
            rc = emit_punct(ws, i, i + 1, (char)c);
            chunk_start = c == '\n';
            i++;
        }
    }
    if (rc == CX_OK)
        ws->norm[ws->norm_len] = '\0';
    return rc;
}

int cx__text_check_batch(const char *const *texts, const size_t *lens, size_t n, bool utf8)
{
    for (size_t i = 0; i < n; i++) {
        if (texts[i] == NULL)
            return cx__error(CX_EINVAL, "texts[%zu] is NULL", i);
        size_t len = lens ? lens[i] : strlen(texts[i]), bad;
        if (len > CX_TEXT_MAX_BYTES)
            return cx__error(CX_ERANGE, "texts[%zu]: text of %zu bytes is longer than the limit of %u bytes", i,
                             len, CX_TEXT_MAX_BYTES);
        if (utf8 && !cx__utf8_valid(texts[i], len, &bad))
            return cx__error(CX_EFORMAT, "texts[%zu]: invalid UTF-8 at byte offset %zu (byte 0x%02X)", i, bad,
                             (unsigned char)texts[i][bad]);
    }
    return CX_OK;
}
