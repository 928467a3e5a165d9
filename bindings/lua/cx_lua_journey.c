/*
 * Lua class of the journey module: cx.journey({stages=, goals=,
 * auto_register=, inactivity_gap_ms=}) with :add_touchpoint, :observe,
 * :observe_many, :summary, :funnel, :variants, :edges, :attribution,
 * :to_json, :dot and :merge. Result objects of the C API are read into
 * tables and released within each call.
 */
#include <math.h>
#include <string.h>

#include "cx_lua.h"

#define JOURNEY_MT "cx.journey"

typedef struct journey_box {
    cx_journey *j;
} journey_box;

static cx_journey *check_journey(lua_State *L, int arg)
{
    journey_box *b = luaL_checkudata(L, arg, JOURNEY_MT);
    if (b->j == NULL)
        luaL_error(L, "journey is closed");
    return b->j;
}

/* The strings of the array at t[field] in a userdata of pointers (pushed). */
static const char **string_list(lua_State *L, int t, const char *field, size_t *n)
{
    lua_getfield(L, t, field);
    int list = lua_gettop(L);
    *n = lua_istable(L, list) ? (size_t)luaL_len(L, list) : 0;
    const char **items = lua_newuserdatauv(L, (*n ? *n : 1) * sizeof *items, 0);
    for (size_t i = 0; i < *n; i++) {
        lua_geti(L, list, (lua_Integer)i + 1);
        items[i] = luaL_checkstring(L, -1); /* the list table keeps it alive */
        lua_pop(L, 1);
    }
    return items;
}

static int l_journey(lua_State *L)
{
    cx_journey_options o;
    cx_journey_options_init(&o, CX_JOURNEY_OPTIONS_VERSION);
    if (!lua_isnoneornil(L, 1)) {
        luaL_checktype(L, 1, LUA_TTABLE);
        o.stages = string_list(L, 1, "stages", &o.stage_count);
        o.goal_stages = string_list(L, 1, "goals", &o.goal_count);
        lua_getfield(L, 1, "auto_register");
        o.auto_register = lua_toboolean(L, -1);
        lua_getfield(L, 1, "inactivity_gap_ms");
        o.inactivity_gap_ms = (int64_t)luaL_optinteger(L, -1, 0);
    }
    journey_box *b = lua_newuserdatauv(L, sizeof *b, 0);
    b->j = NULL;
    luaL_setmetatable(L, JOURNEY_MT);
    CX_LUA_CHECK(L, cx_journey_new(&b->j, NULL, &o));
    return 1;
}

/* j:add_touchpoint(id [, {name=, channel=, stage=}]) -> index */
static int j_add_touchpoint(lua_State *L)
{
    cx_journey *j = check_journey(L, 1);
    cx_touchpoint_info info = CX_TOUCHPOINT_INFO_INIT;
    info.id = luaL_checkstring(L, 2);
    if (!lua_isnoneornil(L, 3)) {
        luaL_checktype(L, 3, LUA_TTABLE);
        lua_getfield(L, 3, "name");
        info.name = luaL_optstring(L, -1, NULL);
        lua_getfield(L, 3, "stage");
        info.stage = luaL_optstring(L, -1, NULL);
        lua_getfield(L, 3, "channel");
        const char *channel = luaL_optstring(L, -1, NULL);
        if (channel != NULL && cx_channel_from_name(&info.channel, channel) != CX_OK) {
            info.channel = CX_CHANNEL_CUSTOM;
            info.channel_name = channel;
        }
    }
    uint32_t index;
    CX_LUA_CHECK(L, cx_journey_add_touchpoint(&index, j, &info));
    lua_pushinteger(L, index);
    return 1;
}

static int j_observe(lua_State *L)
{
    cx_journey *j = check_journey(L, 1);
    CX_LUA_CHECK(L, cx_journey_observe(j, luaL_checkstring(L, 2), luaL_checkstring(L, 3),
                                       (int64_t)luaL_checkinteger(L, 4), luaL_optnumber(L, 5, NAN)));
    return 0;
}

/* j:observe_many(customers, touchpoints, timestamps): all or nothing */
static int j_observe_many(lua_State *L)
{
    cx_journey *j = check_journey(L, 1);
    lua_settop(L, 4);
    for (int a = 2; a <= 4; a++)
        luaL_checktype(L, a, LUA_TTABLE);
    size_t n = (size_t)luaL_len(L, 2);
    if ((size_t)luaL_len(L, 3) != n || (size_t)luaL_len(L, 4) != n)
        return luaL_error(L, "customers, touchpoints and timestamps must have the same length");
    const char **cust = lua_newuserdatauv(L, (n ? n : 1) * sizeof *cust, 0);
    const char **tps = lua_newuserdatauv(L, (n ? n : 1) * sizeof *tps, 0);
    int64_t *ts = lua_newuserdatauv(L, (n ? n : 1) * sizeof *ts, 0);
    for (size_t i = 0; i < n; i++) {
        lua_geti(L, 2, (lua_Integer)i + 1);
        cust[i] = luaL_checkstring(L, -1);
        lua_geti(L, 3, (lua_Integer)i + 1);
        tps[i] = luaL_checkstring(L, -1);
        lua_geti(L, 4, (lua_Integer)i + 1);
        ts[i] = (int64_t)luaL_checkinteger(L, -1);
        lua_pop(L, 3);
    }
    CX_LUA_CHECK(L, cx_journey_observe_many(j, cust, tps, ts, NULL, n));
    return 0;
}

static void set_int(lua_State *L, const char *field, uint64_t v)
{
    lua_pushinteger(L, (lua_Integer)v);
    lua_setfield(L, -2, field);
}

static int j_summary(lua_State *L)
{
    cx_journey_summary s = CX_JOURNEY_SUMMARY_INIT;
    CX_LUA_CHECK(L, cx_journey_get_summary(&s, check_journey(L, 1)));
    lua_createtable(L, 0, 6);
    set_int(L, "events", s.events);
    set_int(L, "customers", s.customers);
    set_int(L, "cases", s.cases);
    set_int(L, "goal_cases", s.goal_cases);
    set_int(L, "touchpoints", s.touchpoints);
    set_int(L, "memory_bytes", s.memory_bytes);
    return 1;
}

/* j:funnel() -> steps, summary */
static int j_funnel(lua_State *L)
{
    cx_funnel *f = NULL;
    CX_LUA_CHECK(L, cx_journey_funnel(&f, check_journey(L, 1), NULL));
    size_t n = 0;
    cx_funnel_step_count(&n, f);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        cx_funnel_step s = CX_FUNNEL_STEP_INIT;
        cx_funnel_get_step(&s, f, i);
        lua_createtable(L, 0, 9);
        lua_pushstring(L, s.stage);
        lua_setfield(L, -2, "stage");
        set_int(L, "entered", s.entered);
        set_int(L, "visited", s.visited);
        set_int(L, "dropped", s.dropped);
        cx_lua_set_number(L, "step_rate", s.step_rate);
        cx_lua_set_number(L, "overall_rate", s.overall_rate);
        cx_lua_set_number(L, "overall_ci_low", s.overall_ci_low);
        cx_lua_set_number(L, "overall_ci_high", s.overall_ci_high);
        cx_lua_set_number(L, "duration_median", s.duration_median);
        lua_seti(L, -2, (lua_Integer)i + 1);
    }
    cx_funnel_summary sum = CX_FUNNEL_SUMMARY_INIT;
    cx_funnel_get_summary(&sum, f);
    cx_funnel_free(f);
    lua_createtable(L, 0, 4);
    set_int(L, "cases", sum.cases);
    set_int(L, "goal_cases", sum.goal_cases);
    cx_lua_set_number(L, "goal_rate", sum.goal_rate);
    cx_lua_set_number(L, "time_to_goal_median", sum.time_to_goal_median);
    return 2;
}

/* j:variants([top]) -> { {path={...}, count=, share=, goal_rate=}, ... } */
static int j_variants(lua_State *L)
{
    cx_variant_options o;
    cx_variant_options_init(&o, CX_VARIANT_OPTIONS_VERSION);
    o.top_k = (size_t)luaL_optinteger(L, 2, 0);
    cx_variants *v = NULL;
    CX_LUA_CHECK(L, cx_journey_variants(&v, check_journey(L, 1), &o));
    size_t listed = 0, distinct = 0;
    uint64_t cases = 0;
    cx_variants_count(&listed, &distinct, &cases, v);
    lua_createtable(L, (int)listed, 0);
    for (size_t i = 0; i < listed; i++) {
        cx_variant e = CX_VARIANT_INIT;
        cx_variants_get(&e, v, i);
        lua_createtable(L, 0, 4);
        lua_createtable(L, (int)e.length, 0);
        for (size_t k = 0; k < e.length; k++) {
            lua_pushstring(L, e.names[k]);
            lua_seti(L, -2, (lua_Integer)k + 1);
        }
        lua_setfield(L, -2, "path");
        set_int(L, "count", e.count);
        cx_lua_set_number(L, "share", e.share);
        cx_lua_set_number(L, "goal_rate", e.goal_rate);
        lua_seti(L, -2, (lua_Integer)i + 1);
    }
    cx_variants_free(v);
    return 1;
}

/* j:edges(["count"|"lost"|"total_time"]) -> { {from=, to=, count=, lost=, median_seconds=}, ... } */
static int j_edges(lua_State *L)
{
    static const char *const orders[] = { "count", "lost", "total_time", NULL };
    static const int order_values[] = { CX_DFG_ORDER_COUNT, CX_DFG_ORDER_LOST, CX_DFG_ORDER_TOTAL_TIME };
    cx_dfg_options o;
    cx_dfg_options_init(&o, CX_DFG_OPTIONS_VERSION);
    int order = CX_DFG_ORDER_COUNT;
    if (!lua_isnoneornil(L, 2) && !cx_lua_lookup(luaL_checkstring(L, 2), orders, order_values, &order))
        return luaL_argerror(L, 2, "order must be 'count', 'lost' or 'total_time'");
    o.order = (cx_dfg_order)order;
    cx_dfg *g = NULL;
    CX_LUA_CHECK(L, cx_journey_dfg(&g, check_journey(L, 1), &o));
    size_t nodes = 0, edges = 0;
    cx_dfg_count(&nodes, &edges, g);
    lua_createtable(L, (int)edges, 0);
    for (size_t i = 0; i < edges; i++) {
        cx_dfg_edge e = CX_DFG_EDGE_INIT;
        cx_dfg_get_edge(&e, g, i);
        lua_createtable(L, 0, 6);
        lua_pushstring(L, e.from_name);
        lua_setfield(L, -2, "from");
        lua_pushstring(L, e.to_name);
        lua_setfield(L, -2, "to");
        set_int(L, "count", e.count);
        set_int(L, "lost", e.lost);
        cx_lua_set_number(L, "median_seconds", e.median_seconds);
        cx_lua_set_number(L, "total_seconds", e.total_seconds);
        lua_seti(L, -2, (lua_Integer)i + 1);
    }
    cx_dfg_free(g);
    return 1;
}

/* j:attribution(["markov"|"first_touch"|"last_touch"|"linear"]) -> { {name=, credit=, share=, removal_effect=}, ... } */
static int j_attribution(lua_State *L)
{
    static const char *const models[] = { "first_touch", "last_touch", "linear", "markov", NULL };
    static const int model_values[] = { 1, 2, 3, 4 };
    cx_attribution_options o;
    cx_attribution_options_init(&o, CX_ATTRIBUTION_OPTIONS_VERSION);
    int model = CX_ATTRIBUTION_MARKOV;
    if (!lua_isnoneornil(L, 2) && !cx_lua_lookup(luaL_checkstring(L, 2), models, model_values, &model))
        return luaL_argerror(L, 2, "model must be 'first_touch', 'last_touch', 'linear' or 'markov'");
    o.model = (cx_attribution_model)model;
    cx_attribution *a = NULL;
    CX_LUA_CHECK(L, cx_journey_attribution(&a, check_journey(L, 1), &o));
    size_t n = 0;
    cx_attribution_count(&n, a);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        cx_attribution_entry e = CX_ATTRIBUTION_ENTRY_INIT;
        cx_attribution_get(&e, a, i);
        lua_createtable(L, 0, 4);
        lua_pushstring(L, e.name);
        lua_setfield(L, -2, "name");
        cx_lua_set_number(L, "credit", e.credit);
        cx_lua_set_number(L, "share", e.share);
        cx_lua_set_number(L, "removal_effect", e.removal_effect);
        lua_seti(L, -2, (lua_Integer)i + 1);
    }
    cx_attribution_free(a);
    return 1;
}

static int j_to_json(lua_State *L)
{
    cx_buffer buf = CX_BUFFER_INIT;
    CX_LUA_CHECK(L, cx_journey_to_json(&buf, check_journey(L, 1), NULL));
    lua_pushlstring(L, buf.data, buf.size);
    cx_buffer_dispose(&buf);
    return 1;
}

static int j_dot(lua_State *L)
{
    cx_dfg *g = NULL;
    CX_LUA_CHECK(L, cx_journey_dfg(&g, check_journey(L, 1), NULL));
    cx_buffer buf = CX_BUFFER_INIT;
    int rc = cx_dfg_to_dot(&buf, g);
    cx_dfg_free(g);
    CX_LUA_CHECK(L, rc);
    lua_pushlstring(L, buf.data, buf.size);
    cx_buffer_dispose(&buf);
    return 1;
}

static int j_merge(lua_State *L)
{
    CX_LUA_CHECK(L, cx_journey_merge(check_journey(L, 1), check_journey(L, 2)));
    lua_settop(L, 1);
    return 1;
}

static int j_close(lua_State *L)
{
    journey_box *b = luaL_checkudata(L, 1, JOURNEY_MT);
    cx_journey_free(b->j);
    b->j = NULL;
    return 0;
}

static int j_tostring(lua_State *L)
{
    journey_box *b = luaL_checkudata(L, 1, JOURNEY_MT);
    lua_pushstring(L, b->j ? "cx.journey" : "cx.journey (closed)");
    return 1;
}

static const luaL_Reg journey_methods[] = {
    { "add_touchpoint", j_add_touchpoint }, { "observe", j_observe }, { "observe_many", j_observe_many },
    { "summary", j_summary }, { "funnel", j_funnel }, { "variants", j_variants }, { "edges", j_edges },
    { "attribution", j_attribution }, { "to_json", j_to_json }, { "dot", j_dot }, { "merge", j_merge },
    { "close", j_close }, { NULL, NULL },
};

static const luaL_Reg journey_functions[] = {
    { "journey", l_journey }, { NULL, NULL },
};

void cx_lua_open_journey(lua_State *L)
{
    lua_pushvalue(L, -2);
    cx_lua_new_class(L, JOURNEY_MT, journey_methods, j_close, j_tostring, NULL);
    lua_pop(L, 1);
    lua_pushvalue(L, -2);
    luaL_setfuncs(L, journey_functions, 1);
}
