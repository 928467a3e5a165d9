/*
 * Lua 5.4 binding of libcx: `local cx = require("cx")`. This file holds the
 * module entry point, calculators and groups; other modules' classes live
 * in cx_lua_<module>.c.
 *
 * A thin layer over the C API. Handles live in userdata boxes (metatables
 * "cx.metric" and "cx.group") holding the pointer, so a second free is
 * harmless; :close() is idempotent and __gc / __close call it. Failures
 * raise an error value: a table { code = -3, name = "ERANGE", message = ... }
 * whose __tostring gives "cx: ERANGE: <message>". No global state: the
 * error metatable is kept as an upvalue of the module's functions.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "cx_lua.h"

#define METRIC_MT "cx.metric"
#define GROUP_MT "cx.group"

typedef struct metric_box {
    cx_metric *m;
} metric_box;

typedef struct group_box {
    cx_group *g;
} group_box;

static int error_tostring(lua_State *L)
{
    lua_getfield(L, 1, "name");
    lua_getfield(L, 1, "message");
    lua_pushfstring(L, "cx: %s: %s", lua_tostring(L, -2), lua_tostring(L, -1));
    return 1;
}

/* ---- options --------------------------------------------------------- */

static cx_metric_kind check_kind(lua_State *L, int arg)
{
    cx_metric_kind kind;
    const char *name = luaL_checkstring(L, arg);
    if (cx_metric_kind_from_name(&kind, name) != CX_OK)
        luaL_argerror(L, arg, lua_pushfstring(L, "unknown metric kind '%s'", name));
    return kind;
}

static double opt_number(lua_State *L, int table, const char *field, double fallback)
{
    lua_getfield(L, table, field);
    double v = lua_isnil(L, -1) ? fallback : luaL_checknumber(L, -1);
    lua_pop(L, 1);
    return v;
}

static void read_variant(lua_State *L, int table, cx_metric_kind kind, cx_metric_options *o)
{
    static const char *const csat[] = { "top_box", "mean", NULL };
    static const int csat_v[] = { CX_CSAT_TOP_BOX, CX_CSAT_MEAN };
    static const char *const ces[] = { "mean", "agree", "net", "v1", NULL };
    static const int ces_v[] = { CX_CES_MEAN, CX_CES_AGREE, CX_CES_NET, CX_CES_V1 };
    lua_getfield(L, table, "variant");
    if (!lua_isnil(L, -1)) {
        const char *name = luaL_checkstring(L, -1);
        int v = -1;
        int found = kind == CX_METRIC_CSAT ? cx_lua_lookup(name, csat, csat_v, &v)
                    : kind == CX_METRIC_CES ? cx_lua_lookup(name, ces, ces_v, &v) : 0;
        if (!found)
            luaL_error(L, "variant '%s' does not apply to %s", name, cx_metric_kind_name(kind));
        o->variant = (cx_metric_variant)v;
    }
    lua_pop(L, 1);
}

static void read_ci_method(lua_State *L, int table, cx_metric_options *o)
{
    static const char *const names[] = { "default", "wald", "adjusted_wald", "wilson", "t", "order_statistic", NULL };
    static const int values[] = { 0, 1, 2, 3, 4, 5 };
    lua_getfield(L, table, "ci_method");
    if (!lua_isnil(L, -1)) {
        int v = 0;
        const char *name = luaL_checkstring(L, -1);
        if (!cx_lua_lookup(name, names, values, &v))
            luaL_error(L, "unknown ci_method '%s'", name);
        o->ci_method = (cx_ci_method)v;
    }
    lua_pop(L, 1);
}

/* Metric options from the table at `table` (absent: defaults). */
static void read_options(lua_State *L, int table, cx_metric_kind kind, cx_metric_options *o)
{
    cx_metric_options_init(o, CX_METRIC_OPTIONS_VERSION);
    if (lua_isnoneornil(L, table))
        return;
    luaL_checktype(L, table, LUA_TTABLE);
    o->confidence = opt_number(L, table, "confidence", o->confidence);
    o->scale_min = opt_number(L, table, "scale_min", o->scale_min);
    o->scale_max = opt_number(L, table, "scale_max", o->scale_max);
    o->threshold = opt_number(L, table, "threshold", o->threshold);
    o->low_threshold = opt_number(L, table, "low_threshold", o->low_threshold);
    o->sketch_k = (uint32_t)opt_number(L, table, "sketch_k", 0);
    read_variant(L, table, kind, o);
    read_ci_method(L, table, o);
    lua_getfield(L, table, "item_weights");
    if (!lua_isnil(L, -1)) {
        luaL_checktype(L, -1, LUA_TTABLE);
        for (int i = 0; i < 3; i++) {
            lua_geti(L, -1, i + 1);
            o->item_weights[i] = luaL_checknumber(L, -1);
            lua_pop(L, 1);
        }
    }
    lua_pop(L, 1);
}

/* ---- results as tables ------------------------------------------------ */

static void push_result(lua_State *L, const cx_metric_result *r)
{
    lua_createtable(L, 0, 16);
    lua_pushstring(L, cx_metric_kind_name(r->kind));
    lua_setfield(L, -2, "kind");
    cx_lua_set_number(L, "value", r->value);
    cx_lua_set_number(L, "std_error", r->std_error);
    cx_lua_set_number(L, "ci_low", r->ci_low);
    cx_lua_set_number(L, "ci_high", r->ci_high);
    cx_lua_set_number(L, "confidence", r->confidence);
    lua_pushinteger(L, (lua_Integer)r->count);
    lua_setfield(L, -2, "count");
    cx_lua_set_number(L, "weight", r->weight);
    cx_lua_set_number(L, "effective_n", r->effective_n);
    cx_lua_set_number(L, "promoters", r->promoters);
    cx_lua_set_number(L, "passives", r->passives);
    cx_lua_set_number(L, "detractors", r->detractors);
    cx_lua_set_number(L, "mean", r->mean);
    cx_lua_set_number(L, "min", r->min);
    cx_lua_set_number(L, "max", r->max);
}

/* ---- numbers from tables ---------------------------------------------- */

/* Copies the array part of the table at `arg` into a new userdata of
 * doubles (collected by Lua even if an error follows). */
static double *table_doubles(lua_State *L, int arg, size_t *n_out)
{
    luaL_checktype(L, arg, LUA_TTABLE);
    lua_Integer n = luaL_len(L, arg);
    double *v = lua_newuserdatauv(L, (size_t)(n > 0 ? n : 1) * sizeof(double), 0);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_geti(L, arg, i);
        int ok;
        v[i - 1] = lua_tonumberx(L, -1, &ok);
        if (!ok)
            luaL_error(L, "element %d of argument #%d is not a number", (int)i, arg);
        lua_pop(L, 1);
    }
    *n_out = (size_t)n;
    return v;
}

/* ---- cx.metric -------------------------------------------------------- */

static metric_box *check_box(lua_State *L, int arg)
{
    return luaL_checkudata(L, arg, METRIC_MT);
}

static cx_metric *check_metric(lua_State *L, int arg)
{
    metric_box *b = check_box(L, arg);
    if (b->m == NULL)
        luaL_error(L, "calculator is closed");
    return b->m;
}

/* Pushes an empty box: made before the C call, so nothing leaks on error. */
static metric_box *new_metric_box(lua_State *L)
{
    metric_box *b = lua_newuserdatauv(L, sizeof *b, 0);
    b->m = NULL;
    luaL_setmetatable(L, METRIC_MT);
    return b;
}

static int l_metric(lua_State *L)
{
    cx_metric_kind kind = check_kind(L, 1);
    cx_metric_options o;
    read_options(L, 2, kind, &o);
    metric_box *b = new_metric_box(L);
    CX_LUA_CHECK(L, cx_metric_new(&b->m, kind, &o));
    return 1;
}

static int m_close(lua_State *L)
{
    metric_box *b = check_box(L, 1);
    cx_metric_free(b->m);
    b->m = NULL;
    return 0;
}

static int m_add(lua_State *L)
{
    cx_metric *m = check_metric(L, 1);
    double v = luaL_checknumber(L, 2);
    if (lua_isnoneornil(L, 3))
        CX_LUA_CHECK(L, cx_metric_add(m, v));
    else
        CX_LUA_CHECK(L, cx_metric_add_weighted(m, v, luaL_checknumber(L, 3)));
    return 0;
}

static int m_add_many(lua_State *L)
{
    cx_metric *m = check_metric(L, 1);
    lua_settop(L, 3); /* fixed argument slots before buffers are pushed */
    size_t n, nw;
    const double *v = table_doubles(L, 2, &n);
    if (lua_isnoneornil(L, 3)) {
        CX_LUA_CHECK(L, cx_metric_add_many(m, v, n));
        return 0;
    }
    const double *w = table_doubles(L, 3, &nw);
    if (nw != n)
        return luaL_error(L, "%d weights for %d values", (int)nw, (int)n);
    CX_LUA_CHECK(L, cx_metric_add_many_weighted(m, v, w, n));
    return 0;
}

static int m_add_cxi(lua_State *L)
{
    cx_metric *m = check_metric(L, 1);
    CX_LUA_CHECK(L, cx_metric_add_cxi(m, luaL_checknumber(L, 2), luaL_checknumber(L, 3), luaL_checknumber(L, 4),
                               luaL_optnumber(L, 5, 1.0)));
    return 0;
}

static int m_result(lua_State *L)
{
    cx_metric *m = check_metric(L, 1);
    cx_metric_result r = CX_METRIC_RESULT_INIT;
    CX_LUA_CHECK(L, cx_metric_get_result(m, &r));
    push_result(L, &r);
    return 1;
}

static int m_quantile(lua_State *L)
{
    double q;
    CX_LUA_CHECK(L, cx_metric_quantile(check_metric(L, 1), luaL_checknumber(L, 2), &q));
    lua_pushnumber(L, q);
    return 1;
}

static int m_merge(lua_State *L)
{
    CX_LUA_CHECK(L, cx_metric_merge(check_metric(L, 1), check_metric(L, 2)));
    lua_settop(L, 1);
    return 1;
}

static int m_compare(lua_State *L)
{
    static const char *const tests[] = { "", "net_z", "two_proportion_z", "welch_t", "median_z" };
    cx_comparison c = CX_COMPARISON_INIT;
    CX_LUA_CHECK(L, cx_metric_compare(check_metric(L, 1), check_metric(L, 2), &c));
    lua_createtable(L, 0, 9);
    cx_lua_set_number(L, "difference", c.difference);
    cx_lua_set_number(L, "std_error", c.std_error);
    cx_lua_set_number(L, "ci_low", c.ci_low);
    cx_lua_set_number(L, "ci_high", c.ci_high);
    cx_lua_set_number(L, "z", c.z);
    cx_lua_set_number(L, "p_value", c.p_value);
    cx_lua_set_number(L, "df", c.df);
    cx_lua_set_number(L, "confidence", c.confidence);
    lua_pushstring(L, c.method >= 1 && c.method <= 4 ? tests[c.method] : "unknown");
    lua_setfield(L, -2, "method");
    return 1;
}

static int m_clone(lua_State *L)
{
    cx_metric *m = check_metric(L, 1);
    metric_box *b = new_metric_box(L);
    CX_LUA_CHECK(L, cx_metric_clone(&b->m, m));
    return 1;
}

static int m_kind(lua_State *L)
{
    cx_metric_kind kind;
    CX_LUA_CHECK(L, cx_metric_get_kind(&kind, check_metric(L, 1)));
    lua_pushstring(L, cx_metric_kind_name(kind));
    return 1;
}

static int m_serialize(lua_State *L)
{
    cx_metric *m = check_metric(L, 1);
    size_t n;
    CX_LUA_CHECK(L, cx_metric_serialize(m, NULL, 0, &n));
    luaL_Buffer buf;
    char *p = luaL_buffinitsize(L, &buf, n);
    CX_LUA_CHECK(L, cx_metric_serialize(m, p, n, &n));
    luaL_pushresultsize(&buf, n);
    return 1;
}

static int l_deserialize(lua_State *L)
{
    size_t n;
    const char *s = luaL_checklstring(L, 1, &n);
    metric_box *b = new_metric_box(L);
    CX_LUA_CHECK(L, cx_metric_deserialize(&b->m, s, n));
    return 1;
}

static int m_tostring(lua_State *L)
{
    metric_box *b = check_box(L, 1);
    cx_metric_result r = CX_METRIC_RESULT_INIT;
    if (b->m == NULL)
        lua_pushliteral(L, "cx.metric (closed)");
    else if (cx_metric_get_result(b->m, &r) == CX_OK)
        lua_pushfstring(L, "cx.metric %s %f [%f, %f] n=%d", cx_metric_kind_name(r.kind), r.value, r.ci_low, r.ci_high,
                        (int)r.count);
    else
        lua_pushliteral(L, "cx.metric (empty)");
    return 1;
}

/* ---- cx.group --------------------------------------------------------- */

static group_box *check_gbox(lua_State *L, int arg)
{
    return luaL_checkudata(L, arg, GROUP_MT);
}

static cx_group *check_group(lua_State *L, int arg)
{
    group_box *b = check_gbox(L, arg);
    if (b->g == NULL)
        luaL_error(L, "group is closed");
    return b->g;
}

static cx_period read_period(lua_State *L, int table)
{
    static const char *const names[] = { "none", "day", "iso_week", "week", "month", NULL };
    static const int values[] = { 0, 1, 2, 2, 3 };
    int v = 0;
    lua_getfield(L, table, "period");
    if (!lua_isnil(L, -1) && !cx_lua_lookup(luaL_checkstring(L, -1), names, values, &v))
        luaL_error(L, "unknown period '%s' (day, iso_week or month)", lua_tostring(L, -1));
    lua_pop(L, 1);
    return (cx_period)v;
}

static int l_group(lua_State *L)
{
    cx_metric_kind kind = check_kind(L, 1);
    cx_metric_options mo;
    read_options(L, 2, kind, &mo);
    cx_group_options go = CX_GROUP_OPTIONS_INIT;
    if (!lua_isnoneornil(L, 2)) {
        go.period = read_period(L, 2);
        go.utc_offset_minutes = (int32_t)opt_number(L, 2, "utc_offset_minutes", 0);
        go.min_count = (uint64_t)opt_number(L, 2, "min_count", 0);
    }
    group_box *b = lua_newuserdatauv(L, sizeof *b, 0);
    b->g = NULL;
    luaL_setmetatable(L, GROUP_MT);
    CX_LUA_CHECK(L, cx_group_new(&b->g, kind, &mo, &go));
    return 1;
}

static int g_close(lua_State *L)
{
    group_box *b = check_gbox(L, 1);
    cx_group_free(b->g);
    b->g = NULL;
    return 0;
}

static int g_add(lua_State *L)
{
    cx_group *g = check_group(L, 1);
    const char *segment = luaL_optstring(L, 2, NULL);
    double v = luaL_checknumber(L, 3);
    int64_t ts = (int64_t)luaL_optinteger(L, 4, 0);
    if (lua_isnoneornil(L, 5))
        CX_LUA_CHECK(L, cx_group_add(g, segment, ts, v));
    else
        CX_LUA_CHECK(L, cx_group_add_weighted(g, segment, ts, v, luaL_checknumber(L, 5)));
    return 0;
}

static int g_add_many(lua_State *L)
{
    cx_group *g = check_group(L, 1);
    lua_settop(L, 4); /* fixed argument slots before buffers are pushed */
    size_t n;
    const double *v = table_doubles(L, 2, &n);
    const char **segments = NULL;
    int64_t *ts = NULL;
    if (!lua_isnoneornil(L, 3)) {
        luaL_checktype(L, 3, LUA_TTABLE);
        segments = lua_newuserdatauv(L, (n ? n : 1) * sizeof *segments, 0);
        for (size_t i = 0; i < n; i++) {
            lua_geti(L, 3, (lua_Integer)i + 1);
            segments[i] = lua_tostring(L, -1); /* the table keeps the string alive */
            if (segments[i] == NULL)
                return luaL_error(L, "segment %d is not a string", (int)i + 1);
            lua_pop(L, 1);
        }
    }
    if (!lua_isnoneornil(L, 4)) {
        luaL_checktype(L, 4, LUA_TTABLE);
        ts = lua_newuserdatauv(L, (n ? n : 1) * sizeof *ts, 0);
        for (size_t i = 0; i < n; i++) {
            lua_geti(L, 4, (lua_Integer)i + 1);
            ts[i] = (int64_t)luaL_checkinteger(L, -1);
            lua_pop(L, 1);
        }
    }
    CX_LUA_CHECK(L, cx_group_add_many(g, segments, ts, v, n));
    return 0;
}

static int g_len(lua_State *L)
{
    size_t n;
    CX_LUA_CHECK(L, cx_group_count(&n, check_group(L, 1)));
    lua_pushinteger(L, (lua_Integer)n);
    return 1;
}

/* g:entries() -> { {segment=, period_label=, period_start_ms=, count=, suppressed=, result=}, ... } */
static int g_entries(lua_State *L)
{
    cx_group *g = check_group(L, 1);
    size_t n;
    CX_LUA_CHECK(L, cx_group_count(&n, g));
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        cx_group_entry e = CX_GROUP_ENTRY_INIT;
        CX_LUA_CHECK(L, cx_group_get(&e, g, i));
        lua_createtable(L, 0, 6);
        lua_pushstring(L, e.segment);
        lua_setfield(L, -2, "segment");
        lua_pushstring(L, e.period_label);
        lua_setfield(L, -2, "period_label");
        lua_pushinteger(L, (lua_Integer)e.period_start_ms);
        lua_setfield(L, -2, "period_start_ms");
        lua_pushinteger(L, (lua_Integer)e.count);
        lua_setfield(L, -2, "count");
        lua_pushboolean(L, e.suppressed);
        lua_setfield(L, -2, "suppressed");
        if (!e.suppressed) {
            cx_metric_result r = CX_METRIC_RESULT_INIT;
            CX_LUA_CHECK(L, cx_group_get_result(&r, g, i));
            push_result(L, &r);
            lua_setfield(L, -2, "result");
        }
        lua_seti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

static int g_total(lua_State *L)
{
    cx_group *g = check_group(L, 1);
    metric_box *b = new_metric_box(L);
    CX_LUA_CHECK(L, cx_group_total(&b->m, g));
    return 1;
}

static int g_merge(lua_State *L)
{
    CX_LUA_CHECK(L, cx_group_merge(check_group(L, 1), check_group(L, 2)));
    lua_settop(L, 1);
    return 1;
}

static int g_serialize(lua_State *L)
{
    cx_group *g = check_group(L, 1);
    size_t n;
    CX_LUA_CHECK(L, cx_group_serialize(g, NULL, 0, &n));
    luaL_Buffer buf;
    char *p = luaL_buffinitsize(L, &buf, n);
    CX_LUA_CHECK(L, cx_group_serialize(g, p, n, &n));
    luaL_pushresultsize(&buf, n);
    return 1;
}

static int l_group_deserialize(lua_State *L)
{
    size_t n;
    const char *s = luaL_checklstring(L, 1, &n);
    group_box *b = lua_newuserdatauv(L, sizeof *b, 0);
    b->g = NULL;
    luaL_setmetatable(L, GROUP_MT);
    CX_LUA_CHECK(L, cx_group_deserialize(&b->g, s, n));
    return 1;
}

static int g_tostring(lua_State *L)
{
    group_box *b = check_gbox(L, 1);
    size_t n = 0;
    if (b->g == NULL)
        lua_pushliteral(L, "cx.group (closed)");
    else {
        cx_group_count(&n, b->g);
        lua_pushfstring(L, "cx.group (%d groups)", (int)n);
    }
    return 1;
}

static int l_version(lua_State *L)
{
    lua_pushstring(L, cx_version_string());
    return 1;
}

/* ---- module ---------------------------------------------------------- */

static const luaL_Reg metric_methods[] = {
    { "add", m_add }, { "add_many", m_add_many }, { "add_cxi", m_add_cxi }, { "result", m_result },
    { "quantile", m_quantile }, { "merge", m_merge }, { "compare", m_compare }, { "clone", m_clone },
    { "kind", m_kind }, { "serialize", m_serialize }, { "close", m_close }, { NULL, NULL },
};

static const luaL_Reg group_methods[] = {
    { "add", g_add }, { "add_many", g_add_many }, { "entries", g_entries }, { "count", g_len },
    { "total", g_total }, { "merge", g_merge }, { "serialize", g_serialize }, { "close", g_close },
    { NULL, NULL },
};

static const luaL_Reg module_functions[] = {
    { "metric", l_metric }, { "deserialize", l_deserialize }, { "group", l_group },
    { "group_deserialize", l_group_deserialize }, { "version", l_version }, { NULL, NULL },
};

int luaopen_cx(lua_State *L);

int luaopen_cx(lua_State *L)
{
    lua_newtable(L); /* error metatable: shared by every function as upvalue 1 */
    lua_pushcfunction(L, error_tostring);
    lua_setfield(L, -2, "__tostring");
    cx_lua_new_class(L, METRIC_MT, metric_methods, m_close, m_tostring, NULL);
    cx_lua_new_class(L, GROUP_MT, group_methods, g_close, g_tostring, g_len);
    luaL_newlibtable(L, module_functions);
    lua_pushvalue(L, -2);
    luaL_setfuncs(L, module_functions, 1);
    cx_lua_open_text(L);
    cx_lua_open_service(L);
    cx_lua_open_store(L);
    cx_lua_open_lifetime(L);
    cx_lua_open_journey(L);
    cx_lua_open_customer(L);
    lua_pushstring(L, cx_version_string());
    lua_setfield(L, -2, "_VERSION");
    return 1;
}
