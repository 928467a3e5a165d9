/*
 * Lexicons: the term table, the lexicon file reader and the compiled-in
 * English lexicon.
 *
 * Every term is stored under its normalized key (the tokenizer's output
 * joined by single spaces) so that a comment's tokens find it without
 * further work; each proper prefix of a phrase is stored too, flagged, so
 * that longest-match scanning knows when to keep extending.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core_internal.h"
#include "text_internal.h"

#define ASPECT_NAME_MAX 64
#define ASPECTS_MAX 32767
#define LEXICON_FILE_MAX (64u * 1024u * 1024u)
#define BOOST_MAX 2.0

int cx__error_at(int code, const char *where)
{
    char message[512];
    snprintf(message, sizeof message, "%s", cx_last_error()); /* the message buffer is about to be rewritten */
    return cx__error(code, "%s: %s", where, message);
}

/* ---- the table ------------------------------------------------------- */

void cx__lex_table_init(cx__lex_table *t)
{
    memset(t, 0, sizeof *t);
    cx__hashmap_init(&t->map);
}

void cx__lex_table_destroy(cx__lex_table *t)
{
    cx__hashmap_destroy(&t->map);
    cx__free(t->entries);
    for (size_t i = 0; i < t->aspect_count; i++)
        cx__free(t->aspects[i]);
    cx__free(t->aspects);
    cx__free(t->overrides);
    memset(t, 0, sizeof *t);
}

int cx__lex_table_copy(cx__lex_table *dst, const cx__lex_table *src)
{
    cx__lex_table t;
    cx__lex_table_init(&t);
    if (cx__hashmap_copy(&t.map, &src->map) != CX_OK)
        return cx__nomem("copying a lexicon table");
    size_t n = src->map.count;
    t.entries = cx__reallocarray(NULL, n ? n : 1, sizeof *t.entries);
    t.aspects = cx__calloc(src->aspect_count ? src->aspect_count : 1, sizeof *t.aspects);
    t.overrides = cx__reallocarray(NULL, src->override_count ? src->override_count : 1, sizeof *t.overrides);
    if (t.entries == NULL || t.aspects == NULL || t.overrides == NULL) {
        cx__lex_table_destroy(&t);
        return cx__nomem("copying a lexicon table");
    }
    if (n > 0)
        memcpy(t.entries, src->entries, n * sizeof *t.entries);
    t.entries_cap = n ? n : 1;
    t.aspects_cap = src->aspect_count ? src->aspect_count : 1;
    for (size_t i = 0; i < src->aspect_count; i++, t.aspect_count++) {
        if ((t.aspects[i] = cx__strdup(src->aspects[i])) == NULL) {
            cx__lex_table_destroy(&t);
            return cx__nomem("copying a lexicon table");
        }
    }
    if (src->override_count > 0)
        memcpy(t.overrides, src->overrides, src->override_count * sizeof *t.overrides);
    t.override_count = src->override_count;
    t.overrides_cap = src->override_count ? src->override_count : 1;
    t.max_unit_tokens = src->max_unit_tokens;
    t.max_aspect_tokens = src->max_aspect_tokens;
    t.terms = src->terms;
    *dst = t;
    return CX_OK;
}

const cx__lex_entry *cx__lex_find(const cx__lex_table *t, const char *key, size_t len)
{
    int64_t i = cx__hashmap_find(&t->map, key, len);
    return i < 0 ? NULL : &t->entries[i];
}

static int intern_one(cx__lex_table *t, const char *key, size_t len, uint32_t tokens, uint32_t *index)
{
    if (t->map.count + 1 > t->entries_cap) {
        void *p = t->entries;
        if (cx__grow(&p, &t->entries_cap, t->map.count + 1, sizeof *t->entries, 256) != CX_OK)
            return cx__nomem("adding a lexicon term");
        t->entries = p;
    }
    bool inserted;
    if (cx__hashmap_intern(&t->map, key, len, index, &inserted) != CX_OK)
        return cx__nomem("adding a lexicon term");
    if (inserted)
        t->entries[*index] = (cx__lex_entry){ 0, 0, 0, 0, -1, -1, (uint8_t)tokens };
    return CX_OK;
}

int cx__lex_table_intern(cx__lex_table *t, const char *key, size_t len, uint32_t tokens, uint16_t flags,
                         uint32_t *index_out)
{
    /* Prefixes first: "on hold for" before "on hold for an hour". */
    uint16_t prefix_flag = (flags & CX__LEX_ASPECT) ? CX__LEX_ASPECT_PREFIX : CX__LEX_PREFIX;
    uint32_t k = 1;
    for (size_t i = 0; i < len && tokens > 1; i++) {
        if (key[i] != ' ')
            continue;
        uint32_t index;
        int rc = intern_one(t, key, i, k++, &index);
        if (rc != CX_OK)
            return rc;
        t->entries[index].flags |= prefix_flag;
    }
    int rc = intern_one(t, key, len, tokens, index_out);
    if (rc != CX_OK)
        return rc;
    cx__lex_entry *e = &t->entries[*index_out];
    if ((e->flags & ~(CX__LEX_PREFIX | CX__LEX_ASPECT_PREFIX)) == 0 && (flags & ~(CX__LEX_PREFIX | CX__LEX_ASPECT_PREFIX)))
        t->terms++;
    e->flags |= flags;
    if (flags & CX__LEX_ASPECT) {
        if (tokens > t->max_aspect_tokens)
            t->max_aspect_tokens = tokens;
    } else if (tokens > t->max_unit_tokens) {
        t->max_unit_tokens = tokens;
    }
    return CX_OK;
}

static bool aspect_name_ok(const char *name, size_t *len)
{
    *len = strlen(name);
    if (*len == 0 || *len > ASPECT_NAME_MAX || !cx__utf8_valid(name, *len, NULL))
        return false;
    for (size_t i = 0; i < *len; i++)
        if ((unsigned char)name[i] < 0x20 || name[i] == '"' || name[i] == '\\' || name[i] == 0x7F)
            return false;
    return true;
}

int cx__lex_table_aspect_id(cx__lex_table *t, const char *name, bool create, int16_t *id_out)
{
    size_t len;
    if (!aspect_name_ok(name, &len))
        return cx__error(CX_EINVAL, "aspect name \"%.80s\" must be 1..%d bytes of UTF-8 without quotes, "
                         "backslashes or control characters", name, ASPECT_NAME_MAX);
    for (size_t i = 0; i < t->aspect_count; i++) {
        if (strcmp(t->aspects[i], name) == 0) {
            *id_out = (int16_t)i;
            return CX_OK;
        }
    }
    if (!create)
        return cx__error(CX_ENOTFOUND, "unknown aspect \"%s\" (add it with cx_sentiment_add_aspect_terms)", name);
    if (t->aspect_count >= ASPECTS_MAX)
        return cx__error(CX_ERANGE, "too many aspects: the limit is %d", ASPECTS_MAX);
    void *p = t->aspects;
    if (cx__grow(&p, &t->aspects_cap, t->aspect_count + 1, sizeof *t->aspects, 8) != CX_OK)
        return cx__nomem("adding an aspect");
    t->aspects = p;
    if ((t->aspects[t->aspect_count] = cx__strndup(name, len)) == NULL)
        return cx__nomem("adding an aspect");
    *id_out = (int16_t)t->aspect_count++;
    return CX_OK;
}

int cx__lex_term_key(cx__tokens *ws, const char *term, char **key_out, size_t *len_out, uint32_t *tokens_out)
{
    size_t n = strlen(term);
    if (n > 1024)
        return cx__error(CX_EFORMAT, "term \"%.40s...\" is longer than 1024 bytes", term);
    int rc = cx__tokenize(ws, term, n, false, NULL, "term: ");
    if (rc != CX_OK)
        return rc;
    if (ws->count == 0)
        return cx__error(CX_EFORMAT, "term \"%s\" has no words", term);
    if (ws->count > CX_LEXICON_TERM_MAX_TOKENS)
        return cx__error(CX_EFORMAT, "term \"%s\" has %zu tokens; the limit is %d", term, ws->count,
                         CX_LEXICON_TERM_MAX_TOKENS);
    for (size_t i = 0; i < ws->count; i++) {
        const cx__token *t = &ws->tok[i];
        if (t->type == CX__TOK_PUNCT && t->punct != '#')
            return cx__error(CX_EFORMAT, "term \"%s\" holds the punctuation \"%.*s\" (only words, numbers, "
                             "emoji and \"#\" for any number)", term, (int)(t->end - t->start), term + t->start);
    }
    *key_out = ws->norm;
    *len_out = ws->norm_len;
    *tokens_out = (uint32_t)ws->count;
    return CX_OK;
}

static bool emoticon_ok(const char *term, size_t n)
{
    bool symbol = false;
    if (n < 2 || n > 16)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)term[i];
        if (c <= ' ' || c >= 0x7F)
            return false;
        symbol |= !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
    }
    return symbol;
}

static int add_emoticon(cx__lex_table *t, const char *term, double value, const char *where)
{
    size_t n = strlen(term);
    if (!emoticon_ok(term, n))
        return cx__error(CX_EFORMAT, "%s: emoticon \"%.40s\" must be 2..16 printable ASCII characters with at least "
                         "one symbol (list words as \"word\")", where, term);
    const cx__lex_entry *old = cx__lex_find(t, term, n);
    if (old != NULL && (old->flags & CX__LEX_VALENCE))
        return cx__error(CX_EFORMAT, "%s: \"%s\" is listed twice", where, term);
    uint32_t index;
    int rc = cx__lex_table_intern(t, term, n, 1, CX__LEX_VALENCE | CX__LEX_EMOTICON, &index);
    if (rc == CX_OK)
        t->entries[index].valence = value;
    return rc;
}

static const char *const kind_names[] = { NULL, "word", "service", "emoticon", "negator", "intensifier", "dampener",
                                          "intensifier_after", "dampener_after", "contrast", "concession", "stop",
                                          "aspect" };

static uint16_t kind_flag(cx__row_kind kind)
{
    switch (kind) {
    case CX__ROW_WORD: return CX__LEX_VALENCE;
    case CX__ROW_SERVICE: return CX__LEX_VALENCE | CX__LEX_SERVICE;
    case CX__ROW_NEGATOR: return CX__LEX_NEGATOR;
    case CX__ROW_INTENSIFIER: case CX__ROW_DAMPENER: return CX__LEX_BOOST_BEFORE;
    case CX__ROW_INTENSIFIER_AFTER: case CX__ROW_DAMPENER_AFTER: return CX__LEX_BOOST_AFTER;
    case CX__ROW_CONTRAST: return CX__LEX_CONTRAST;
    case CX__ROW_CONCESSION: return CX__LEX_CONCESSION;
    case CX__ROW_STOP: return CX__LEX_STOP;
    case CX__ROW_ASPECT: return CX__LEX_ASPECT;
    default: return 0;
    }
}

static int check_value(cx__row_kind kind, double value, const char *where)
{
    if (kind == CX__ROW_WORD || kind == CX__ROW_SERVICE || kind == CX__ROW_EMOTICON) {
        if (!(fabs(value) <= CX_LEXICON_VALENCE_MAX))
            return cx__error(CX_EFORMAT, "%s: valence %g is outside -4..4", where, value);
    } else if (kind >= CX__ROW_INTENSIFIER && kind <= CX__ROW_DAMPENER_AFTER) {
        if (!(value > 0 && value <= BOOST_MAX))
            return cx__error(CX_EFORMAT, "%s: %s amount %g is outside (0, 2]", where, kind_names[kind], value);
    }
    return CX_OK;
}

int cx__lex_table_add(cx__lex_table *t, cx__tokens *ws, cx__row_kind kind, const char *term, double value,
                      const char *text, const char *where)
{
    int rc = check_value(kind, value, where);
    if (rc != CX_OK)
        return rc;
    if (kind == CX__ROW_EMOTICON)
        return add_emoticon(t, term, value, where);
    char *key;
    size_t len;
    uint32_t tokens;
    if ((rc = cx__lex_term_key(ws, term, &key, &len, &tokens)) != CX_OK)
        return cx__error_at(rc, where);
    uint16_t flag = kind_flag(kind);
    const cx__lex_entry *old = cx__lex_find(t, key, len);
    if (old != NULL && (old->flags & flag)) {
        bool valence = (flag & CX__LEX_VALENCE) != 0;
        return cx__error(CX_EFORMAT, "%s: \"%s\" is listed twice as %s", where, term,
                         valence ? "a word or service phrase" : kind_names[kind]);
    }
    int16_t aspect = -1;
    if (kind == CX__ROW_ASPECT && (rc = cx__lex_table_aspect_id(t, text, true, &aspect)) != CX_OK)
        return cx__error_at(rc, where);
    uint32_t index;
    if ((rc = cx__lex_table_intern(t, key, len, tokens, flag, &index)) != CX_OK)
        return rc;
    cx__lex_entry *e = &t->entries[index];
    switch (kind) {
    case CX__ROW_WORD: case CX__ROW_SERVICE: e->valence = value; break;
    case CX__ROW_INTENSIFIER: e->boost_before = value; break;
    case CX__ROW_DAMPENER: e->boost_before = -value; break;
    case CX__ROW_INTENSIFIER_AFTER: e->boost_after = value; break;
    case CX__ROW_DAMPENER_AFTER: e->boost_after = -value; break;
    case CX__ROW_ASPECT: e->aspect = aspect; break;
    default: break;
    }
    return CX_OK;
}

/* ---- lexicon objects ------------------------------------------------- */

static int lexicon_alloc(cx_lexicon **out)
{
    cx_lexicon *lex = cx__calloc(1, sizeof *lex);
    if (lex == NULL)
        return cx__nomem("creating a lexicon");
    atomic_init(&lex->refs, 1);
    cx__lex_table_init(&lex->table);
    *out = lex;
    return CX_OK;
}

static void lexicon_destroy(cx_lexicon *lex)
{
    cx__lex_table_destroy(&lex->table);
    cx__free(lex);
}

void cx__lexicon_retain(const cx_lexicon *lex)
{
    /* The count is the one mutable part of a shared, immutable lexicon. */
    atomic_fetch_add_explicit(&((cx_lexicon *)lex)->refs, 1, memory_order_relaxed);
}

void cx_lexicon_free(cx_lexicon *lex)
{
    if (lex != NULL && atomic_fetch_sub_explicit(&lex->refs, 1, memory_order_acq_rel) == 1)
        lexicon_destroy(lex);
}

static bool language_ok(const char *code)
{
    size_t n = strlen(code);
    if (n == 0 || n > 31)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = code[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return false;
    }
    return true;
}

int cx_lexicon_new_default(cx_lexicon **out)
{
    CX__CHECK_ARG(out, "cx_lexicon_new_default");
    *out = NULL;
    cx_lexicon *lex;
    int rc = lexicon_alloc(&lex);
    if (rc != CX_OK)
        return rc;
    snprintf(lex->language, sizeof lex->language, "%s", cx__lexicon_en_language);
    cx__tokens ws;
    cx__tokens_init(&ws);
    for (size_t i = 0; i < cx__lexicon_en_count && rc == CX_OK; i++) {
        const cx__lexicon_row *row = &cx__lexicon_en_rows[i];
        rc = cx__lex_table_add(&lex->table, &ws, (cx__row_kind)row->kind, row->term, row->value, row->text,
                               "compiled-in English lexicon");
    }
    cx__tokens_destroy(&ws);
    if (rc != CX_OK) {
        lexicon_destroy(lex);
        return rc;
    }
    *out = lex;
    return CX_OK;
}

/* Locale-independent decimal: [+-]digits[.digits], at most 15 digits, read
 * as an integer over a power of ten so that "0.3" is the double nearest 0.3. */
static bool parse_decimal(const char *s, double *out)
{
    const char *p = s;
    double sign = 1, mantissa = 0, scale = 1;
    int digits = 0;
    if (*p == '+' || *p == '-')
        sign = *p++ == '-' ? -1 : 1;
    for (; *p >= '0' && *p <= '9'; p++, digits++)
        mantissa = mantissa * 10 + (*p - '0');
    if (*p == '.') {
        for (p++; *p >= '0' && *p <= '9'; p++, digits++) {
            mantissa = mantissa * 10 + (*p - '0');
            scale *= 10;
        }
    }
    if (digits == 0 || digits > 15 || *p != '\0')
        return false;
    *out = sign * (mantissa / scale);
    return true;
}

static int kind_from_name(const char *name, cx__row_kind *out)
{
    for (int k = CX__ROW_WORD; k <= CX__ROW_ASPECT; k++) {
        if (strcmp(name, kind_names[k]) == 0) {
            *out = (cx__row_kind)k;
            return CX_OK;
        }
    }
    return CX_ENOTFOUND;
}

static bool kind_takes_number(cx__row_kind k)
{
    return k == CX__ROW_WORD || k == CX__ROW_SERVICE || k == CX__ROW_EMOTICON
           || (k >= CX__ROW_INTENSIFIER && k <= CX__ROW_DAMPENER_AFTER);
}

typedef struct parse_state {
    cx_lexicon *lex;
    cx__tokens ws;
    const char *name;
    size_t line;
    char where[96];
    bool language_seen;
} parse_state;

/* Splits a line (modified in place) at tabs; returns the column count. */
static size_t split_tabs(char *line, char **cols, size_t max)
{
    size_t n = 0;
    cols[n++] = line;
    for (char *p = line; *p; p++) {
        if (*p == '\t') {
            *p = '\0';
            if (n == max)
                return max + 1;
            cols[n++] = p + 1;
        }
    }
    return n;
}

static int parse_directive(parse_state *st, char **cols, size_t n)
{
    if (n != 2)
        return cx__error(CX_EFORMAT, "%s: a directive has 2 columns (\"@name TAB value\"), not %zu", st->where, n);
    if (strcmp(cols[0], "@format") == 0) {
        if (strcmp(cols[1], "libcx-lexicon 1") != 0)
            return cx__error(CX_EVERSION, "%s: format \"%.40s\" is not \"libcx-lexicon 1\"", st->where, cols[1]);
        return CX_OK;
    }
    if (strcmp(cols[0], "@language") == 0) {
        if (!language_ok(cols[1]))
            return cx__error(CX_EFORMAT, "%s: language \"%.40s\" must be 1..31 letters, digits, '-' or '_'",
                             st->where, cols[1]);
        if (st->language_seen)
            return cx__error(CX_EFORMAT, "%s: @language is given twice", st->where);
        st->language_seen = true;
        snprintf(st->lex->language, sizeof st->lex->language, "%s", cols[1]);
        return CX_OK;
    }
    return cx__error(CX_EFORMAT, "%s: unknown directive \"%.40s\" (expected @format or @language)", st->where, cols[0]);
}

static int parse_row(parse_state *st, char *line)
{
    char *cols[4];
    size_t n = split_tabs(line, cols, 3);
    if (cols[0][0] == '@')
        return parse_directive(st, cols, n);
    cx__row_kind kind;
    if (kind_from_name(cols[0], &kind) != CX_OK)
        return cx__error(CX_EFORMAT, "%s: unknown kind \"%.40s\" (expected word, service, emoticon, negator, "
                         "intensifier, dampener, intensifier_after, dampener_after, contrast, concession, stop "
                         "or aspect)", st->where, cols[0]);
    bool needs_value = kind_takes_number(kind) || kind == CX__ROW_ASPECT;
    size_t want = needs_value ? 3 : 2;
    if (n != want)
        return cx__error(CX_EFORMAT, "%s: a %s row has %zu tab-separated columns (kind, term%s), not %zu", st->where,
                         kind_names[kind], want, needs_value ? (kind == CX__ROW_ASPECT ? ", aspect" : ", value") : "",
                         n > 3 ? (size_t)4 : n);
    if (cols[1][0] == '\0')
        return cx__error(CX_EFORMAT, "%s: the term (column 2) is empty", st->where);
    double value = 0;
    if (kind_takes_number(kind) && !parse_decimal(cols[2], &value))
        return cx__error(CX_EFORMAT, "%s: value \"%.40s\" (column 3) is not a decimal number", st->where, cols[2]);
    return cx__lex_table_add(&st->lex->table, &st->ws, kind, cols[1], value, kind == CX__ROW_ASPECT ? cols[2] : NULL,
                             st->where);
}

static bool blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t')
            return false;
    return true;
}

static int parse_lines(parse_state *st, const char *data, size_t len)
{
    char *line = NULL;
    size_t cap = 0;
    int rc = CX_OK;
    size_t pos = 0;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        pos = 3; /* a byte-order mark */
    while (pos < len && rc == CX_OK) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - data) : len;
        size_t n = end - pos;
        if (n > 0 && data[pos + n - 1] == '\r')
            n--;
        st->line++;
        snprintf(st->where, sizeof st->where, "%.64s:%zu", st->name, st->line);
        if (n > 0 && data[pos] != '#' && !blank(data + pos, n)) {
            void *p = line;
            if (cx__grow(&p, &cap, n + 1, 1, 256) != CX_OK) {
                rc = cx__nomem("reading a lexicon");
                break;
            }
            line = p;
            memcpy(line, data + pos, n);
            line[n] = '\0';
            if (memchr(line, '\0', n) != NULL)
                rc = cx__error(CX_EFORMAT, "%s: the line holds a NUL byte", st->where);
            else
                rc = parse_row(st, line);
        }
        pos = end + 1;
    }
    cx__free(line);
    return rc;
}

static size_t line_of(const char *data, size_t offset)
{
    size_t line = 1;
    for (size_t i = 0; i < offset; i++)
        line += data[i] == '\n';
    return line;
}

int cx_lexicon_parse(cx_lexicon **out, const char *data, size_t len, const char *name)
{
    CX__CHECK_ARG(out, "cx_lexicon_parse");
    *out = NULL;
    if (data == NULL && len > 0)
        return cx__error(CX_EINVAL, "cx_lexicon_parse: data is NULL but len is %zu", len);
    if (name == NULL)
        name = "lexicon";
    size_t bad;
    if (len > 0 && !cx__utf8_valid(data, len, &bad))
        return cx__error(CX_EFORMAT, "%.64s:%zu: invalid UTF-8 at byte offset %zu", name, line_of(data, bad), bad);
    parse_state st = { 0 };
    st.name = name;
    int rc = lexicon_alloc(&st.lex);
    if (rc != CX_OK)
        return rc;
    cx__tokens_init(&st.ws);
    rc = parse_lines(&st, data, len);
    cx__tokens_destroy(&st.ws);
    if (rc != CX_OK) {
        lexicon_destroy(st.lex);
        return rc;
    }
    *out = st.lex;
    return CX_OK;
}

static int read_file(const char *path, char **data_out, size_t *len_out)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return cx__error(errno == ENOENT ? CX_ENOTFOUND : CX_EIO, "cannot open lexicon file \"%s\": %s", path,
                         strerror(errno));
    char *data = NULL;
    size_t len = 0, cap = 0;
    int rc = CX_OK;
    for (;;) {
        void *p = data;
        if (cx__grow(&p, &cap, len + 65536, 1, 65536) != CX_OK) {
            rc = cx__nomem("reading a lexicon file");
            break;
        }
        data = p;
        size_t got = fread(data + len, 1, cap - len, f);
        len += got;
        if (got == 0 || len > LEXICON_FILE_MAX)
            break;
    }
    if (rc == CX_OK && ferror(f))
        rc = cx__error(CX_EIO, "cannot read lexicon file \"%s\": %s", path, strerror(errno));
    else if (rc == CX_OK && len > LEXICON_FILE_MAX)
        rc = cx__error(CX_EFORMAT, "lexicon file \"%s\" is larger than %u bytes", path, LEXICON_FILE_MAX);
    fclose(f);
    if (rc != CX_OK) {
        cx__free(data);
        return rc;
    }
    *data_out = data;
    *len_out = len;
    return CX_OK;
}

int cx_lexicon_load(cx_lexicon **out, const char *path)
{
    CX__CHECK_ARG(out, "cx_lexicon_load");
    *out = NULL;
    CX__CHECK_ARG(path, "cx_lexicon_load");
    char *data;
    size_t len;
    int rc = read_file(path, &data, &len);
    if (rc == CX_ENOTFOUND)
        rc = CX_EIO;
    if (rc != CX_OK)
        return rc;
    const char *base = strrchr(path, '/');
    rc = cx_lexicon_parse(out, data, len, base ? base + 1 : path);
    cx__free(data);
    return rc;
}

int cx_lexicon_new_language(cx_lexicon **out, const char *language, const char *dir)
{
    CX__CHECK_ARG(out, "cx_lexicon_new_language");
    *out = NULL;
    CX__CHECK_ARG(language, "cx_lexicon_new_language");
    if (!language_ok(language))
        return cx__error(CX_EINVAL, "language code \"%.40s\" must be 1..31 letters, digits, '-' or '_'", language);
    bool english = strcmp(language, cx__lexicon_en_language) == 0;
    if (dir == NULL) {
        if (english)
            return cx_lexicon_new_default(out);
        return cx__error(CX_ENOTFOUND, "no compiled-in lexicon for language \"%s\" (only \"en\"); pass the lexicon "
                         "folder, such as `pkg-config --variable=lexicondir libcx`", language);
    }
    size_t n = strlen(dir) + strlen(language) + 6;
    char *path = cx__malloc(n);
    if (path == NULL)
        return cx__nomem("finding a lexicon");
    snprintf(path, n, "%s/%s.tsv", dir, language);
    char *data;
    size_t len;
    int rc = read_file(path, &data, &len);
    if (rc == CX_ENOTFOUND && english) {
        rc = cx_lexicon_new_default(out);
    } else if (rc == CX_ENOTFOUND) {
        rc = cx__error(CX_ENOTFOUND, "no lexicon for language \"%s\": \"%s\" does not exist", language, path);
    } else if (rc == CX_OK) {
        rc = cx_lexicon_parse(out, data, len, path);
        cx__free(data);
    }
    cx__free(path);
    return rc;
}

int cx_lexicon_get_language(const char **out, const cx_lexicon *lex)
{
    CX__CHECK_ARG(out, "cx_lexicon_get_language");
    CX__CHECK_ARG(lex, "cx_lexicon_get_language");
    *out = lex->language;
    return CX_OK;
}

int cx_lexicon_count(size_t *out, const cx_lexicon *lex)
{
    CX__CHECK_ARG(out, "cx_lexicon_count");
    CX__CHECK_ARG(lex, "cx_lexicon_count");
    *out = lex->table.terms;
    return CX_OK;
}

int cx_lexicon_entry_init(cx_lexicon_entry *entry, unsigned int version)
{
    CX__CHECK_ARG(entry, "cx_lexicon_entry_init");
    int rc = cx__check_version(version, CX_LEXICON_ENTRY_VERSION, "cx_lexicon_entry");
    if (rc != CX_OK)
        return rc;
    memset(entry, 0, sizeof *entry);
    entry->version = version;
    return CX_OK;
}

static void fill_entry(cx_lexicon_entry *out, const cx__lex_entry *e, const cx__lex_table *t)
{
    out->valence = (e->flags & CX__LEX_VALENCE) ? e->valence : 0;
    out->intensity = e->boost_before;
    out->intensity_after = e->boost_after;
    out->has_valence = (e->flags & CX__LEX_VALENCE) != 0;
    out->service = (e->flags & CX__LEX_SERVICE) != 0;
    out->emoticon = (e->flags & CX__LEX_EMOTICON) != 0;
    out->negator = (e->flags & CX__LEX_NEGATOR) != 0;
    out->contrast = (e->flags & CX__LEX_CONTRAST) != 0;
    out->concession = (e->flags & CX__LEX_CONCESSION) != 0;
    out->stop = (e->flags & CX__LEX_STOP) != 0;
    out->aspect = (e->flags & CX__LEX_ASPECT) && e->aspect >= 0 ? t->aspects[e->aspect] : NULL;
}

int cx_lexicon_lookup(cx_lexicon_entry *out, const cx_lexicon *lex, const char *term)
{
    CX__CHECK_ARG(out, "cx_lexicon_lookup");
    CX__CHECK_ARG(lex, "cx_lexicon_lookup");
    CX__CHECK_ARG(term, "cx_lexicon_lookup");
    int rc = cx__check_version(out->version, CX_LEXICON_ENTRY_VERSION, "cx_lexicon_entry");
    if (rc != CX_OK)
        return rc;
    size_t bad;
    if (!cx__utf8_valid(term, strlen(term), &bad))
        return cx__error(CX_EFORMAT, "cx_lexicon_lookup: term has invalid UTF-8 at byte offset %zu", bad);
    const uint16_t real = (uint16_t)~(CX__LEX_PREFIX | CX__LEX_ASPECT_PREFIX);
    const cx__lex_entry *e = cx__lex_find(&lex->table, term, strlen(term));
    if (e == NULL || !(e->flags & CX__LEX_EMOTICON)) {
        cx__tokens ws;
        cx__tokens_init(&ws);
        char *key;
        size_t len;
        uint32_t tokens;
        rc = cx__lex_term_key(&ws, term, &key, &len, &tokens);
        e = rc == CX_OK ? cx__lex_find(&lex->table, key, len) : NULL;
        cx__tokens_destroy(&ws);
        if (rc == CX_ENOMEM)
            return rc;
    }
    if (e == NULL || (e->flags & real) == 0)
        return cx__error(CX_ENOTFOUND, "term \"%.80s\" is not in the %s lexicon", term,
                         lex->language[0] ? lex->language : "unnamed");
    fill_entry(out, e, &lex->table);
    return CX_OK;
}
