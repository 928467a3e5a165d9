/*
 * Lua classes of the customer layer: cx.customers, cx.risk (with rules
 * written in Lua), cx.plugin and cx.segments.
 *
 * A Lua rule is a C rule whose payload holds a registry reference to the
 * function. The model box records the lua_State that is scoring, so the
 * callback runs the function on the caller's own state (coroutines
 * included), under lua_pcall: an error fails the rule with its message,
 * which the model isolates (or, when strict, returns as the scoring's
 * error).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cx_lua.h"

#define CUSTOMERS_MT "cx.customers"
#define RISK_MT "cx.risk"
#define PLUGIN_MT "cx.plugin"
#define SEGMENTS_MT "cx.segments"

typedef struct customers_box {
    cx_customers *db;
} customers_box;

typedef struct risk_box {
    cx_risk *risk;
    lua_State *scoring; /* the state running the current score, for Lua rules */
} risk_box;

typedef struct plugin_box {
    cx_plugin *plugin;
} plugin_box;

typedef struct segments_box {
    cx_segments *s;
} segments_box;

static cx_customers *check_customers(lua_State *L, int arg)
{
    customers_box *b = luaL_checkudata(L, arg, CUSTOMERS_MT);
    if (b->db == NULL)
        luaL_error(L, "customer set is closed");
    return b->db;
}

static int64_t opt_as_of(lua_State *L, int arg)
{
    if (lua_isnoneornil(L, arg))
        return (int64_t)time(NULL) * 1000; /* now */
    return (int64_t)luaL_checkinteger(L, arg);
}

static cx_event_kind check_kind(lua_State *L, int arg)
{
    static const char *const names[] = { "interaction", "purchase", "complaint", "complaint_resolved", "reply",
                                         "nps", "csat", "ces", "sentiment", NULL };
    static const int values[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
    int v = 0;
    if (!cx_lua_lookup(luaL_checkstring(L, arg), names, values, &v))
        luaL_argerror(L, arg, "unknown event kind");
    return (cx_event_kind)v;
}

/* ---- customers -------------------------------------------------------- */

static int l_customers(lua_State *L)
{
    cx_customers_options o;
    cx_customers_options_init(&o, CX_CUSTOMERS_OPTIONS_VERSION);
    if (!lua_isnoneornil(L, 1)) {
        luaL_checktype(L, 1, LUA_TTABLE);
        lua_getfield(L, 1, "keep_history");
        if (!lua_isnil(L, -1))
            o.keep_history = lua_toboolean(L, -1);
        lua_pop(L, 1);
    }
    customers_box *b = lua_newuserdatauv(L, sizeof *b, 0);
    b->db = NULL;
    luaL_setmetatable(L, CUSTOMERS_MT);
    CX_LUA_CHECK(L, cx_customers_new(&b->db, &o));
    return 1;
}

static int c_add(lua_State *L)
{
    cx_customers *db = check_customers(L, 1);
    int64_t first = lua_isnoneornil(L, 3) ? CX_TIME_NONE : (int64_t)luaL_checkinteger(L, 3);
    CX_LUA_CHECK(L, cx_customers_add(db, luaL_checkstring(L, 2), first));
    return 0;
}

/* db:add_event(id, timestamp_ms, kind [, value]) */
static int c_add_event(lua_State *L)
{
    cx_customers *db = check_customers(L, 1);
    CX_LUA_CHECK(L, cx_customers_add_event(db, luaL_checkstring(L, 2), (int64_t)luaL_checkinteger(L, 3),
                                           check_kind(L, 4), luaL_optnumber(L, 5, NAN)));
    return 0;
}

static void push_signals(lua_State *L, const cx_customer_signals *s)
{
    static const char *const categories[] = { "none", "detractor", "passive", "promoter" };
    lua_createtable(L, 0, 24);
    cx_lua_set_number(L, "tenure_days", s->tenure_days);
    cx_lua_set_number(L, "recency_days", s->recency_days);
    lua_pushinteger(L, (lua_Integer)s->events);
    lua_setfield(L, -2, "events");
    lua_pushinteger(L, (lua_Integer)s->interactions);
    lua_setfield(L, -2, "interactions");
    cx_lua_set_number(L, "interaction_trend", s->interaction_trend);
    lua_pushinteger(L, (lua_Integer)s->purchases);
    lua_setfield(L, -2, "purchases");
    cx_lua_set_number(L, "monetary_total", s->monetary_total);
    cx_lua_set_number(L, "repurchase_trend", s->repurchase_trend);
    cx_lua_set_number(L, "reply_latency_trend", s->reply_latency_trend);
    lua_pushinteger(L, (lua_Integer)s->complaints);
    lua_setfield(L, -2, "complaints");
    lua_pushinteger(L, (lua_Integer)s->open_complaints);
    lua_setfield(L, -2, "open_complaints");
    cx_lua_set_number(L, "last_nps", s->last_nps);
    lua_pushstring(L, s->nps_category >= 0 && s->nps_category <= 3 ? categories[s->nps_category] : "none");
    lua_setfield(L, -2, "nps_category");
    cx_lua_set_number(L, "csat_mean", s->csat_mean);
    cx_lua_set_number(L, "ces_mean", s->ces_mean);
    cx_lua_set_number(L, "sentiment_recent", s->sentiment_recent);
    cx_lua_set_number(L, "sentiment_trend", s->sentiment_trend);
}

/* db:signals(id [, as_of_ms]) */
static int c_signals(lua_State *L)
{
    cx_customer_signals s = CX_CUSTOMER_SIGNALS_INIT;
    CX_LUA_CHECK(L, cx_customers_get_signals(&s, check_customers(L, 1), luaL_checkstring(L, 2), opt_as_of(L, 3)));
    push_signals(L, &s);
    return 1;
}

static int c_len(lua_State *L)
{
    size_t n;
    CX_LUA_CHECK(L, cx_customers_count(&n, check_customers(L, 1)));
    lua_pushinteger(L, (lua_Integer)n);
    return 1;
}

static int c_merge(lua_State *L)
{
    CX_LUA_CHECK(L, cx_customers_merge(check_customers(L, 1), luaL_checkstring(L, 2), luaL_checkstring(L, 3),
                                       (int64_t)luaL_checkinteger(L, 4)));
    return 0;
}

static int c_unmerge(lua_State *L)
{
    CX_LUA_CHECK(L, cx_customers_unmerge(check_customers(L, 1), luaL_checkstring(L, 2)));
    return 0;
}

static int c_close(lua_State *L)
{
    customers_box *b = luaL_checkudata(L, 1, CUSTOMERS_MT);
    cx_customers_free(b->db);
    b->db = NULL;
    return 0;
}

static int c_tostring(lua_State *L)
{
    customers_box *b = luaL_checkudata(L, 1, CUSTOMERS_MT);
    lua_pushstring(L, b->db ? "cx.customers" : "cx.customers (closed)");
    return 1;
}

/* ---- Lua rules ---------------------------------------------------------- */

typedef struct lua_rule {
    risk_box *model;   /* gives the scoring state */
    lua_State *main;   /* for unref when the rule is destroyed */
    int ref;           /* registry reference of the function */
} lua_rule;

static void write_detail(cx_rule_output *out, const char *text)
{
    if (out->detail != NULL && out->detail_cap > 0 && text != NULL) {
        size_t n = strlen(text);
        if (n >= out->detail_cap)
            n = out->detail_cap - 1;
        memcpy(out->detail, text, n);
        out->detail[n] = '\0';
    }
}

/* Reads the function's return: a number, or number and detail text. */
static int read_rule_result(lua_State *L, int base, cx_rule_output *out)
{
    int ok;
    out->value = lua_tonumberx(L, base, &ok);
    if (!ok) {
        write_detail(out, "the Lua rule did not return a number");
        return CX_EPLUGIN;
    }
    if (lua_type(L, base + 1) == LUA_TSTRING)
        write_detail(out, lua_tostring(L, base + 1));
    return CX_OK;
}

static int lua_rule_fn(cx_rule_output *out, const cx_rule_context *ctx, void *payload)
{
    lua_rule *rule = payload;
    lua_State *L = rule->model->scoring;
    if (L == NULL || !lua_checkstack(L, 8))
        return CX_EPLUGIN;
    int top = lua_gettop(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, rule->ref);
    push_signals(L, ctx->signals);
    int rc = CX_OK;
    if (lua_pcall(L, 1, 2, 0) != LUA_OK) {
        write_detail(out, lua_tostring(L, -1));
        rc = CX_EPLUGIN;
    } else {
        rc = read_rule_result(L, top + 1, out);
    }
    lua_settop(L, top);
    return rc;
}

static void lua_rule_destroy(void *payload)
{
    lua_rule *rule = payload;
    luaL_unref(rule->main, LUA_REGISTRYINDEX, rule->ref);
    free(rule);
}

/* ---- risk --------------------------------------------------------------- */

static risk_box *check_risk(lua_State *L, int arg)
{
    risk_box *b = luaL_checkudata(L, arg, RISK_MT);
    if (b->risk == NULL)
        luaL_error(L, "risk model is closed");
    return b;
}

static int l_risk(lua_State *L)
{
    cx_risk_options o;
    cx_risk_options_init(&o, CX_RISK_OPTIONS_VERSION);
    if (!lua_isnoneornil(L, 1)) {
        luaL_checktype(L, 1, LUA_TTABLE);
        lua_getfield(L, 1, "builtin_rules");
        if (!lua_isnil(L, -1))
            o.builtin_rules = lua_toboolean(L, -1);
        lua_getfield(L, 1, "strict");
        o.strict = lua_toboolean(L, -1);
        lua_getfield(L, 1, "half_life_days");
        o.half_life_days = luaL_optnumber(L, -1, o.half_life_days);
        lua_pop(L, 3);
    }
    risk_box *b = lua_newuserdatauv(L, sizeof *b, 0);
    b->risk = NULL;
    b->scoring = NULL;
    luaL_setmetatable(L, RISK_MT);
    CX_LUA_CHECK(L, cx_risk_new(&b->risk, &o));
    return 1;
}

/* model:add_rule(id, fn [, {weight=, decays=, description=}]); fn(signals) -> value [, detail] */
static int r_add_rule(lua_State *L)
{
    risk_box *b = check_risk(L, 1);
    const char *id = luaL_checkstring(L, 2);
    luaL_checktype(L, 3, LUA_TFUNCTION);
    cx_rule r;
    cx_rule_init(&r, CX_RULE_VERSION);
    r.id = id;
    r.weight = 0.1;
    if (!lua_isnoneornil(L, 4)) {
        luaL_checktype(L, 4, LUA_TTABLE);
        lua_getfield(L, 4, "weight");
        r.weight = luaL_optnumber(L, -1, r.weight);
        lua_getfield(L, 4, "decays");
        r.decays = lua_toboolean(L, -1);
        lua_getfield(L, 4, "description");
        r.description = luaL_optstring(L, -1, NULL);
    }
    lua_rule *payload = malloc(sizeof *payload);
    if (payload == NULL)
        return luaL_error(L, "out of memory");
    lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_MAINTHREAD);
    payload->main = lua_tothread(L, -1);
    lua_pop(L, 1);
    payload->model = b;
    lua_pushvalue(L, 3);
    payload->ref = luaL_ref(L, LUA_REGISTRYINDEX);
    r.fn = lua_rule_fn;
    r.payload = payload;
    r.destroy = lua_rule_destroy;
    int rc = cx_risk_add_rule(b->risk, &r);
    if (rc != CX_OK) {
        lua_rule_destroy(payload); /* not taken by the model */
        return cx_lua_raise(L, rc);
    }
    return 0;
}

static int r_add_plugin(lua_State *L)
{
    risk_box *b = check_risk(L, 1);
    plugin_box *p = luaL_checkudata(L, 2, PLUGIN_MT);
    if (p->plugin == NULL)
        return luaL_error(L, "plugin is closed");
    CX_LUA_CHECK(L, cx_risk_add_plugin(b->risk, p->plugin));
    return 0;
}

/* model:score(customers, id [, as_of_ms]) -> score, rules, failed */
static int r_score(lua_State *L)
{
    risk_box *b = check_risk(L, 1);
    cx_customers *db = check_customers(L, 2);
    const char *id = luaL_checkstring(L, 3);
    int64_t as_of = opt_as_of(L, 4);
    cx_risk_result r = CX_RISK_RESULT_INIT;
    b->scoring = L;
    int rc = cx_risk_score(&r, b->risk, db, id, as_of);
    b->scoring = NULL;
    CX_LUA_CHECK(L, rc);
    lua_pushnumber(L, r.score);
    lua_pushinteger(L, (lua_Integer)r.rules);
    lua_pushinteger(L, (lua_Integer)r.failed);
    return 3;
}

/* model:explain(customers, id [, as_of_ms]) -> score, { {rule=, value=, contribution=, detail=, status=}, ... } */
static int r_explain(lua_State *L)
{
    risk_box *b = check_risk(L, 1);
    cx_customers *db = check_customers(L, 2);
    const char *id = luaL_checkstring(L, 3);
    int64_t as_of = opt_as_of(L, 4);
    cx_risk_explanation *e = NULL;
    b->scoring = L;
    int rc = cx_risk_explain(&e, b->risk, db, id, as_of);
    b->scoring = NULL;
    CX_LUA_CHECK(L, rc);
    cx_risk_result r = CX_RISK_RESULT_INIT;
    size_t n = 0;
    cx_risk_explanation_get_result(&r, e);
    cx_risk_explanation_count(&n, e);
    lua_pushnumber(L, r.score);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        cx_risk_evidence ev = CX_RISK_EVIDENCE_INIT;
        cx_risk_explanation_get(&ev, e, i);
        lua_createtable(L, 0, 6);
        lua_pushstring(L, ev.rule_id);
        lua_setfield(L, -2, "rule");
        lua_pushinteger(L, ev.status);
        lua_setfield(L, -2, "status");
        cx_lua_set_number(L, "value", ev.value);
        cx_lua_set_number(L, "weight", ev.weight);
        cx_lua_set_number(L, "contribution", ev.contribution);
        lua_pushstring(L, ev.detail ? ev.detail : "");
        lua_setfield(L, -2, "detail");
        lua_seti(L, -2, (lua_Integer)i + 1);
    }
    cx_risk_explanation_free(e);
    return 2;
}

static int r_close(lua_State *L)
{
    risk_box *b = luaL_checkudata(L, 1, RISK_MT);
    cx_risk_free(b->risk);
    b->risk = NULL;
    return 0;
}

static int r_tostring(lua_State *L)
{
    risk_box *b = luaL_checkudata(L, 1, RISK_MT);
    lua_pushstring(L, b->risk ? "cx.risk" : "cx.risk (closed)");
    return 1;
}

/* ---- plugins and segments ----------------------------------------------- */

static int l_plugin(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    plugin_box *b = lua_newuserdatauv(L, sizeof *b, 0);
    b->plugin = NULL;
    luaL_setmetatable(L, PLUGIN_MT);
    CX_LUA_CHECK(L, cx_plugin_load(&b->plugin, path));
    return 1;
}

static int p_info(lua_State *L)
{
    plugin_box *b = luaL_checkudata(L, 1, PLUGIN_MT);
    cx_plugin_info i = CX_PLUGIN_INFO_INIT;
    CX_LUA_CHECK(L, cx_plugin_get_info(&i, b->plugin));
    lua_createtable(L, 0, 3);
    lua_pushstring(L, i.name);
    lua_setfield(L, -2, "name");
    lua_pushstring(L, i.plugin_version);
    lua_setfield(L, -2, "version");
    lua_pushinteger(L, (lua_Integer)i.rules);
    lua_setfield(L, -2, "rules");
    return 1;
}

static int p_close(lua_State *L)
{
    plugin_box *b = luaL_checkudata(L, 1, PLUGIN_MT);
    cx_plugin_free(b->plugin);
    b->plugin = NULL;
    return 0;
}

static int p_tostring(lua_State *L)
{
    lua_pushliteral(L, "cx.plugin");
    return 1;
}

static int l_segments(lua_State *L)
{
    segments_box *b = lua_newuserdatauv(L, sizeof *b, 0);
    b->s = NULL;
    luaL_setmetatable(L, SEGMENTS_MT);
    CX_LUA_CHECK(L, cx_segments_new(&b->s));
    return 1;
}

static cx_segments *check_segments(lua_State *L, int arg)
{
    segments_box *b = luaL_checkudata(L, arg, SEGMENTS_MT);
    if (b->s == NULL)
        luaL_error(L, "segments are closed");
    return b->s;
}

static int s_define(lua_State *L)
{
    CX_LUA_CHECK(L, cx_segments_define(check_segments(L, 1), luaL_checkstring(L, 2), luaL_checkstring(L, 3)));
    return 0;
}

/* segs:members(name, customers [, as_of_ms]) -> { id, ... } */
static int s_members(lua_State *L)
{
    cx_segments *s = check_segments(L, 1);
    const char *name = luaL_checkstring(L, 2);
    cx_customers *db = check_customers(L, 3);
    int64_t as_of = opt_as_of(L, 4);
    size_t n = 0;
    CX_LUA_CHECK(L, cx_customers_count(&n, db));
    uint8_t *member = lua_newuserdatauv(L, n ? n : 1, 0);
    CX_LUA_CHECK(L, cx_segments_evaluate(member, n, s, name, db, as_of));
    lua_newtable(L);
    lua_Integer k = 0;
    for (size_t i = 0; i < n; i++) {
        const char *id;
        if (member[i] && cx_customers_get_id(&id, db, i) == CX_OK) {
            lua_pushstring(L, id);
            lua_seti(L, -2, ++k);
        }
    }
    return 1;
}

static int s_close(lua_State *L)
{
    segments_box *b = luaL_checkudata(L, 1, SEGMENTS_MT);
    cx_segments_free(b->s);
    b->s = NULL;
    return 0;
}

static int s_tostring(lua_State *L)
{
    lua_pushliteral(L, "cx.segments");
    return 1;
}

static const luaL_Reg customers_methods[] = {
    { "add", c_add }, { "add_event", c_add_event }, { "signals", c_signals }, { "count", c_len },
    { "merge", c_merge }, { "unmerge", c_unmerge }, { "close", c_close }, { NULL, NULL },
};

static const luaL_Reg risk_methods[] = {
    { "add_rule", r_add_rule }, { "add_plugin", r_add_plugin }, { "score", r_score }, { "explain", r_explain },
    { "close", r_close }, { NULL, NULL },
};

static const luaL_Reg plugin_methods[] = {
    { "info", p_info }, { "close", p_close }, { NULL, NULL },
};

static const luaL_Reg segments_methods[] = {
    { "define", s_define }, { "members", s_members }, { "close", s_close }, { NULL, NULL },
};

static const luaL_Reg customer_functions[] = {
    { "customers", l_customers }, { "risk", l_risk }, { "plugin", l_plugin }, { "segments", l_segments },
    { NULL, NULL },
};

void cx_lua_open_customer(lua_State *L)
{
    lua_pushvalue(L, -2);
    cx_lua_new_class(L, CUSTOMERS_MT, customers_methods, c_close, c_tostring, c_len);
    cx_lua_new_class(L, RISK_MT, risk_methods, r_close, r_tostring, NULL);
    cx_lua_new_class(L, PLUGIN_MT, plugin_methods, p_close, p_tostring, NULL);
    cx_lua_new_class(L, SEGMENTS_MT, segments_methods, s_close, s_tostring, NULL);
    lua_pop(L, 1);
    lua_pushvalue(L, -2);
    luaL_setfuncs(L, customer_functions, 1);
}
