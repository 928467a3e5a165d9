/*
 * Lua classes of the text module: cx.lexicon, cx.sentiment, cx.keywords.
 * Analyzers and keyword tables take their own reference to a lexicon in C,
 * so the Lua objects may be collected in any order.
 */
#include <string.h>

#include "cx_lua.h"

#define LEXICON_MT "cx.lexicon"
#define SENTIMENT_MT "cx.sentiment"
#define KEYWORDS_MT "cx.keywords"

typedef struct lexicon_box {
    cx_lexicon *lex;
} lexicon_box;

typedef struct sentiment_box {
    cx_sentiment *an;
} sentiment_box;

typedef struct keywords_box {
    cx_keywords *kw;
} keywords_box;

static const char *label_name(int label)
{
    return label < 0 ? "negative" : label > 0 ? "positive" : "neutral";
}

/* ---- lexicons ---------------------------------------------------------- */

static lexicon_box *new_lexicon_box(lua_State *L)
{
    lexicon_box *b = lua_newuserdatauv(L, sizeof *b, 0);
    b->lex = NULL;
    luaL_setmetatable(L, LEXICON_MT);
    return b;
}

static cx_lexicon *check_lexicon(lua_State *L, int arg)
{
    lexicon_box *b = luaL_checkudata(L, arg, LEXICON_MT);
    if (b->lex == NULL)
        luaL_error(L, "lexicon is closed");
    return b->lex;
}

/* cx.lexicon([language [, dir]]): English by default. */
static int l_lexicon(lua_State *L)
{
    const char *lang = luaL_optstring(L, 1, NULL);
    const char *dir = luaL_optstring(L, 2, NULL);
    lexicon_box *b = new_lexicon_box(L);
    if (lang == NULL || strcmp(lang, "en") == 0)
        CX_LUA_CHECK(L, cx_lexicon_new_default(&b->lex));
    else
        CX_LUA_CHECK(L, cx_lexicon_new_language(&b->lex, lang, dir));
    return 1;
}

static int l_lexicon_load(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    lexicon_box *b = new_lexicon_box(L);
    CX_LUA_CHECK(L, cx_lexicon_load(&b->lex, path));
    return 1;
}

static int l_lexicon_parse(lua_State *L)
{
    size_t n;
    const char *data = luaL_checklstring(L, 1, &n);
    const char *name = luaL_optstring(L, 2, "memory");
    lexicon_box *b = new_lexicon_box(L);
    CX_LUA_CHECK(L, cx_lexicon_parse(&b->lex, data, n, name));
    return 1;
}

static int lex_close(lua_State *L)
{
    lexicon_box *b = luaL_checkudata(L, 1, LEXICON_MT);
    cx_lexicon_free(b->lex);
    b->lex = NULL;
    return 0;
}

static int lex_count(lua_State *L)
{
    size_t n;
    CX_LUA_CHECK(L, cx_lexicon_count(&n, check_lexicon(L, 1)));
    lua_pushinteger(L, (lua_Integer)n);
    return 1;
}

static int lex_language(lua_State *L)
{
    const char *lang;
    CX_LUA_CHECK(L, cx_lexicon_get_language(&lang, check_lexicon(L, 1)));
    lua_pushstring(L, lang);
    return 1;
}

static int lex_lookup(lua_State *L)
{
    cx_lexicon_entry e = CX_LEXICON_ENTRY_INIT;
    CX_LUA_CHECK(L, cx_lexicon_lookup(&e, check_lexicon(L, 1), luaL_checkstring(L, 2)));
    lua_createtable(L, 0, 6);
    cx_lua_set_number(L, "valence", e.valence);
    cx_lua_set_number(L, "intensity", e.intensity);
    lua_pushboolean(L, e.has_valence);
    lua_setfield(L, -2, "has_valence");
    lua_pushboolean(L, e.negator);
    lua_setfield(L, -2, "negator");
    lua_pushboolean(L, e.stop);
    lua_setfield(L, -2, "stop");
    if (e.aspect != NULL) {
        lua_pushstring(L, e.aspect);
        lua_setfield(L, -2, "aspect");
    }
    return 1;
}

static int lex_tostring(lua_State *L)
{
    lexicon_box *b = luaL_checkudata(L, 1, LEXICON_MT);
    const char *lang = "?";
    size_t n = 0;
    if (b->lex == NULL) {
        lua_pushliteral(L, "cx.lexicon (closed)");
        return 1;
    }
    cx_lexicon_get_language(&lang, b->lex);
    cx_lexicon_count(&n, b->lex);
    lua_pushfstring(L, "cx.lexicon %s (%d terms)", lang, (int)n);
    return 1;
}

/* ---- sentiment --------------------------------------------------------- */

static cx_sentiment *check_sentiment(lua_State *L, int arg)
{
    sentiment_box *b = luaL_checkudata(L, arg, SENTIMENT_MT);
    if (b->an == NULL)
        luaL_error(L, "analyzer is closed");
    return b->an;
}

static double opt_field(lua_State *L, int t, const char *field, double fallback)
{
    lua_getfield(L, t, field);
    double v = lua_isnil(L, -1) ? fallback : luaL_checknumber(L, -1);
    lua_pop(L, 1);
    return v;
}

static int opt_bool(lua_State *L, int t, const char *field, int fallback)
{
    lua_getfield(L, t, field);
    int v = lua_isnil(L, -1) ? fallback : lua_toboolean(L, -1);
    lua_pop(L, 1);
    return v;
}

/* The lexicon named by opts.lexicon (userdata) or opts.language, else English;
 * a new one is pushed (and must be freed by the caller) when *owned. */
static cx_lexicon *options_lexicon(lua_State *L, int t, cx_lexicon **owned)
{
    *owned = NULL;
    if (!lua_isnoneornil(L, t)) {
        lua_getfield(L, t, "lexicon");
        if (!lua_isnil(L, -1)) {
            cx_lexicon *lex = check_lexicon(L, -1);
            lua_pop(L, 1);
            return lex;
        }
        lua_pop(L, 1);
        lua_getfield(L, t, "language");
        const char *lang = lua_isnil(L, -1) ? NULL : luaL_checkstring(L, -1);
        lua_pop(L, 1);
        if (lang != NULL && strcmp(lang, "en") != 0) {
            int rc = cx_lexicon_new_language(owned, lang, NULL);
            if (rc != CX_OK)
                cx_lua_raise(L, rc);
            return *owned;
        }
    }
    int rc = cx_lexicon_new_default(owned);
    if (rc != CX_OK)
        cx_lua_raise(L, rc);
    return *owned;
}

/* cx.sentiment([{lexicon=, language=, negative_threshold=, positive_threshold=,
 *                alpha=, replace_invalid=, aspects=}]) */
static int l_sentiment(lua_State *L)
{
    cx_sentiment_options o = CX_SENTIMENT_OPTIONS_INIT;
    if (!lua_isnoneornil(L, 1)) {
        luaL_checktype(L, 1, LUA_TTABLE);
        o.negative_threshold = opt_field(L, 1, "negative_threshold", o.negative_threshold);
        o.positive_threshold = opt_field(L, 1, "positive_threshold", o.positive_threshold);
        o.alpha = opt_field(L, 1, "alpha", o.alpha);
        o.invalid_utf8 = opt_bool(L, 1, "replace_invalid", 0) ? CX_TEXT_INVALID_REPLACE : CX_TEXT_INVALID_ERROR;
        o.aspects = opt_bool(L, 1, "aspects", 1);
    }
    sentiment_box *b = lua_newuserdatauv(L, sizeof *b, 0);
    b->an = NULL;
    luaL_setmetatable(L, SENTIMENT_MT);
    cx_lexicon *owned;
    cx_lexicon *lex = options_lexicon(L, 1, &owned);
    int rc = cx_sentiment_new(&b->an, lex, &o);
    cx_lexicon_free(owned); /* the analyzer holds its own reference */
    CX_LUA_CHECK(L, rc);
    return 1;
}

static int s_close(lua_State *L)
{
    sentiment_box *b = luaL_checkudata(L, 1, SENTIMENT_MT);
    cx_sentiment_free(b->an);
    b->an = NULL;
    return 0;
}

static void push_sentiment(lua_State *L, const cx_sentiment_result *r)
{
    lua_createtable(L, 0, 7);
    cx_lua_set_number(L, "compound", r->compound);
    cx_lua_set_number(L, "positive", r->positive);
    cx_lua_set_number(L, "negative", r->negative);
    cx_lua_set_number(L, "neutral", r->neutral);
    cx_lua_set_number(L, "sum", r->sum);
    lua_pushstring(L, label_name(r->label));
    lua_setfield(L, -2, "label");
    lua_pushinteger(L, r->tokens);
    lua_setfield(L, -2, "tokens");
}

static int s_score(lua_State *L)
{
    size_t n;
    cx_sentiment *an = check_sentiment(L, 1);
    const char *text = luaL_checklstring(L, 2, &n);
    cx_sentiment_result r = CX_SENTIMENT_RESULT_INIT;
    CX_LUA_CHECK(L, cx_sentiment_score(&r, an, text, n));
    push_sentiment(L, &r);
    return 1;
}

/* an:score_many({texts}) -> {compounds}, {labels} */
static int s_score_many(lua_State *L)
{
    cx_sentiment *an = check_sentiment(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_settop(L, 2);
    size_t n = (size_t)luaL_len(L, 2);
    const char **texts = lua_newuserdatauv(L, (n ? n : 1) * sizeof *texts, 0);
    size_t *lens = lua_newuserdatauv(L, (n ? n : 1) * sizeof *lens, 0);
    double *compound = lua_newuserdatauv(L, (n ? n : 1) * sizeof *compound, 0);
    int *labels = lua_newuserdatauv(L, (n ? n : 1) * sizeof *labels, 0);
    for (size_t i = 0; i < n; i++) {
        lua_geti(L, 2, (lua_Integer)i + 1);
        texts[i] = lua_tolstring(L, -1, &lens[i]); /* kept alive by the table */
        if (texts[i] == NULL)
            return luaL_error(L, "text %d is not a string", (int)i + 1);
        lua_pop(L, 1);
    }
    CX_LUA_CHECK(L, cx_sentiment_score_many(compound, labels, an, texts, lens, n));
    lua_createtable(L, (int)n, 0);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_pushnumber(L, compound[i]);
        lua_seti(L, -3, (lua_Integer)i + 1);
        lua_pushstring(L, label_name(labels[i]));
        lua_seti(L, -2, (lua_Integer)i + 1);
    }
    return 2;
}

static void push_evidence(lua_State *L, cx_sentiment_doc *doc, const char *text, uint32_t count)
{
    lua_createtable(L, (int)count, 0);
    for (uint32_t i = 0; i < count; i++) {
        cx_sentiment_evidence ev = CX_SENTIMENT_EVIDENCE_INIT;
        if (cx_sentiment_doc_evidence(&ev, doc, i) != CX_OK)
            break;
        lua_createtable(L, 0, 6);
        lua_pushinteger(L, (lua_Integer)ev.start + 1); /* Lua strings count from 1 */
        lua_setfield(L, -2, "first");
        lua_pushinteger(L, (lua_Integer)ev.end);
        lua_setfield(L, -2, "last");
        lua_pushlstring(L, text + ev.start, ev.end - ev.start);
        lua_setfield(L, -2, "text");
        lua_pushstring(L, cx_sentiment_rule_name((cx_sentiment_rule)ev.rule));
        lua_setfield(L, -2, "rule");
        cx_lua_set_number(L, "valence", ev.valence);
        cx_lua_set_number(L, "base", ev.base);
        lua_seti(L, -2, (lua_Integer)i + 1);
    }
}

static void push_aspects(lua_State *L, cx_sentiment_doc *doc, uint32_t count)
{
    lua_createtable(L, 0, (int)count);
    for (uint32_t i = 0; i < count; i++) {
        cx_aspect_sentiment a = CX_ASPECT_SENTIMENT_INIT;
        if (cx_sentiment_doc_aspect(&a, doc, i) != CX_OK)
            break;
        lua_createtable(L, 0, 3);
        cx_lua_set_number(L, "compound", a.compound);
        lua_pushstring(L, label_name(a.label));
        lua_setfield(L, -2, "label");
        lua_pushinteger(L, a.mentions);
        lua_setfield(L, -2, "mentions");
        lua_setfield(L, -2, a.name);
    }
}

/* an:analyze(text) -> result with .evidence (spans, rules) and .aspects */
static int s_analyze(lua_State *L)
{
    size_t n;
    cx_sentiment *an = check_sentiment(L, 1);
    const char *text = luaL_checklstring(L, 2, &n);
    cx_sentiment_doc *doc = NULL;
    CX_LUA_CHECK(L, cx_sentiment_doc_new(&doc));
    cx_sentiment_result r = CX_SENTIMENT_RESULT_INIT;
    int rc = cx_sentiment_analyze(&r, doc, an, text, n);
    if (rc != CX_OK) {
        cx_sentiment_doc_free(doc);
        return cx_lua_raise(L, rc);
    }
    push_sentiment(L, &r);
    push_evidence(L, doc, text, r.evidence_count);
    lua_setfield(L, -2, "evidence");
    push_aspects(L, doc, r.aspect_count);
    lua_setfield(L, -2, "aspects");
    cx_sentiment_doc_free(doc);
    return 1;
}

static int s_override(lua_State *L)
{
    CX_LUA_CHECK(L, cx_sentiment_override(check_sentiment(L, 1), luaL_checkstring(L, 2), luaL_checknumber(L, 3),
                                          luaL_optstring(L, 4, NULL)));
    return 0;
}

static int s_tostring(lua_State *L)
{
    sentiment_box *b = luaL_checkudata(L, 1, SENTIMENT_MT);
    lua_pushstring(L, b->an ? "cx.sentiment" : "cx.sentiment (closed)");
    return 1;
}

/* ---- keywords ---------------------------------------------------------- */

static cx_keywords *check_keywords(lua_State *L, int arg)
{
    keywords_box *b = luaL_checkudata(L, arg, KEYWORDS_MT);
    if (b->kw == NULL)
        luaL_error(L, "keyword table is closed");
    return b->kw;
}

/* cx.keywords([{lexicon=, language=, bigrams=, stem=, stop_words=, min_count=, prior_scale=}]) */
static int l_keywords(lua_State *L)
{
    cx_keywords_options o;
    cx_keywords_options_init(&o, CX_KEYWORDS_OPTIONS_VERSION);
    if (!lua_isnoneornil(L, 1)) {
        luaL_checktype(L, 1, LUA_TTABLE);
        o.bigrams = opt_bool(L, 1, "bigrams", o.bigrams);
        o.stem = opt_bool(L, 1, "stem", o.stem);
        o.stop_words = opt_bool(L, 1, "stop_words", o.stop_words);
        o.min_count = (uint32_t)opt_field(L, 1, "min_count", o.min_count);
        o.prior_scale = opt_field(L, 1, "prior_scale", o.prior_scale);
    }
    keywords_box *b = lua_newuserdatauv(L, sizeof *b, 0);
    b->kw = NULL;
    luaL_setmetatable(L, KEYWORDS_MT);
    cx_lexicon *owned;
    cx_lexicon *lex = options_lexicon(L, 1, &owned);
    int rc = cx_keywords_new(&b->kw, lex, &o);
    cx_lexicon_free(owned);
    CX_LUA_CHECK(L, rc);
    return 1;
}

static cx_keywords_group check_group_name(lua_State *L, int arg)
{
    static const char *const names[] = { "a", "b", "background", NULL };
    static const int values[] = { CX_KEYWORDS_A, CX_KEYWORDS_B, CX_KEYWORDS_BACKGROUND };
    int v = 0;
    if (!cx_lua_lookup(luaL_checkstring(L, arg), names, values, &v))
        luaL_argerror(L, arg, "group must be 'a', 'b' or 'background'");
    return (cx_keywords_group)v;
}

static int k_add(lua_State *L)
{
    size_t n;
    cx_keywords *kw = check_keywords(L, 1);
    cx_keywords_group group = check_group_name(L, 2);
    const char *text = luaL_checklstring(L, 3, &n);
    CX_LUA_CHECK(L, cx_keywords_add(kw, group, text, n));
    return 0;
}

/* kw:rank([top]) -> { {term=, z=, delta=, variance=, count_a=, count_b=}, ... } */
static int k_rank(lua_State *L)
{
    cx_keywords *kw = check_keywords(L, 1);
    size_t n;
    CX_LUA_CHECK(L, cx_keywords_rank(&n, kw));
    lua_Integer top = luaL_optinteger(L, 2, (lua_Integer)n);
    if (top < 0 || (size_t)top > n)
        top = (lua_Integer)n;
    lua_createtable(L, (int)top, 0);
    for (lua_Integer i = 0; i < top; i++) {
        cx_keyword k = CX_KEYWORD_INIT;
        CX_LUA_CHECK(L, cx_keywords_get(&k, kw, (size_t)i));
        lua_createtable(L, 0, 6);
        lua_pushstring(L, k.term);
        lua_setfield(L, -2, "term");
        cx_lua_set_number(L, "z", k.z);
        cx_lua_set_number(L, "delta", k.delta);
        cx_lua_set_number(L, "variance", k.variance);
        lua_pushinteger(L, (lua_Integer)k.count_a);
        lua_setfield(L, -2, "count_a");
        lua_pushinteger(L, (lua_Integer)k.count_b);
        lua_setfield(L, -2, "count_b");
        lua_seti(L, -2, i + 1);
    }
    return 1;
}

static int k_merge(lua_State *L)
{
    CX_LUA_CHECK(L, cx_keywords_merge(check_keywords(L, 1), check_keywords(L, 2)));
    lua_settop(L, 1);
    return 1;
}

static int k_close(lua_State *L)
{
    keywords_box *b = luaL_checkudata(L, 1, KEYWORDS_MT);
    cx_keywords_free(b->kw);
    b->kw = NULL;
    return 0;
}

static int k_tostring(lua_State *L)
{
    keywords_box *b = luaL_checkudata(L, 1, KEYWORDS_MT);
    lua_pushstring(L, b->kw ? "cx.keywords" : "cx.keywords (closed)");
    return 1;
}

/* ---- registration ------------------------------------------------------- */

static const luaL_Reg lexicon_methods[] = {
    { "count", lex_count }, { "language", lex_language }, { "lookup", lex_lookup }, { "close", lex_close },
    { NULL, NULL },
};

static const luaL_Reg sentiment_methods[] = {
    { "score", s_score }, { "score_many", s_score_many }, { "analyze", s_analyze }, { "override", s_override },
    { "close", s_close }, { NULL, NULL },
};

static const luaL_Reg keywords_methods[] = {
    { "add", k_add }, { "rank", k_rank }, { "merge", k_merge }, { "close", k_close }, { NULL, NULL },
};

static const luaL_Reg text_functions[] = {
    { "lexicon", l_lexicon }, { "lexicon_load", l_lexicon_load }, { "lexicon_parse", l_lexicon_parse },
    { "sentiment", l_sentiment }, { "keywords", l_keywords }, { NULL, NULL },
};

void cx_lua_open_text(lua_State *L)
{
    lua_pushvalue(L, -2); /* error metatable on top for the classes */
    cx_lua_new_class(L, LEXICON_MT, lexicon_methods, lex_close, lex_tostring, NULL);
    cx_lua_new_class(L, SENTIMENT_MT, sentiment_methods, s_close, s_tostring, NULL);
    cx_lua_new_class(L, KEYWORDS_MT, keywords_methods, k_close, k_tostring, NULL);
    lua_pop(L, 1);
    lua_pushvalue(L, -2);
    luaL_setfuncs(L, text_functions, 1);
}
