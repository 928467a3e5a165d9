/*
 * Lua side of the lifetime module: cx.fit_purchases, cx.fit_spend, cx.clv.
 * Fits are userdata holding the C result struct by value (no resources to
 * free), read with :params() and used for predictions.
 */
#include <string.h>

#include "cx_lua.h"

#define PURCHASE_FIT_MT "cx.purchase_fit"
#define SPEND_FIT_MT "cx.spend_fit"

/* The array part of the table at `arg` as doubles in a userdata; `n` must
 * match when it is not (size_t)-1. */
static double *column(lua_State *L, int arg, size_t *n)
{
    luaL_checktype(L, arg, LUA_TTABLE);
    size_t len = (size_t)luaL_len(L, arg);
    if (*n != (size_t)-1 && len != *n)
        luaL_error(L, "argument #%d has %d rows, expected %d", arg, (int)len, (int)*n);
    double *v = lua_newuserdatauv(L, (len ? len : 1) * sizeof *v, 0);
    for (size_t i = 0; i < len; i++) {
        lua_geti(L, arg, (lua_Integer)i + 1);
        int ok;
        v[i] = lua_tonumberx(L, -1, &ok);
        if (!ok)
            luaL_error(L, "element %d of argument #%d is not a number", (int)i + 1, arg);
        lua_pop(L, 1);
    }
    *n = len;
    return v;
}

static void push_doubles(lua_State *L, const double *v, size_t n)
{
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_pushnumber(L, v[i]);
        lua_seti(L, -2, (lua_Integer)i + 1);
    }
}

static cx_lifetime_fit *check_purchase_fit(lua_State *L, int arg)
{
    return luaL_checkudata(L, arg, PURCHASE_FIT_MT);
}

/* cx.fit_purchases(frequency, recency, T [, {model="bgnbd"|"pareto_nbd", weights=, penalty=, starts=}]) */
static int l_fit_purchases(lua_State *L)
{
    lua_settop(L, 4);
    size_t n = (size_t)-1;
    const double *f = column(L, 1, &n), *r = column(L, 2, &n), *t = column(L, 3, &n);
    const double *w = NULL;
    cx_lifetime_model model = CX_LIFETIME_BGNBD;
    cx_lifetime_fit_options o;
    cx_lifetime_fit_options_init(&o, CX_LIFETIME_FIT_OPTIONS_VERSION);
    if (!lua_isnil(L, 4)) {
        luaL_checktype(L, 4, LUA_TTABLE);
        lua_getfield(L, 4, "model");
        const char *name = luaL_optstring(L, -1, "bgnbd");
        if (strcmp(name, "pareto_nbd") == 0)
            model = CX_LIFETIME_PARETO_NBD;
        else if (strcmp(name, "bgnbd") != 0)
            return luaL_error(L, "unknown model '%s' (bgnbd or pareto_nbd)", name);
        lua_getfield(L, 4, "penalty");
        o.penalty = luaL_optnumber(L, -1, o.penalty);
        lua_getfield(L, 4, "starts");
        o.starts = (unsigned)luaL_optinteger(L, -1, o.starts);
        lua_getfield(L, 4, "weights");
        if (!lua_isnil(L, -1))
            w = column(L, lua_gettop(L), &n);
    }
    cx_lifetime_fit *fit = lua_newuserdatauv(L, sizeof *fit, 0);
    cx_lifetime_fit_init(fit, CX_LIFETIME_FIT_VERSION);
    luaL_setmetatable(L, PURCHASE_FIT_MT);
    CX_LUA_CHECK(L, cx_lifetime_fit_purchases(fit, model, f, r, t, w, n, &o));
    return 1;
}

static int pf_params(lua_State *L)
{
    const cx_lifetime_fit *fit = check_purchase_fit(L, 1);
    lua_createtable(L, 0, 12);
    lua_pushstring(L, cx_lifetime_model_name(fit->model));
    lua_setfield(L, -2, "model");
    cx_lua_set_number(L, "r", fit->r);
    cx_lua_set_number(L, "alpha", fit->alpha);
    cx_lua_set_number(L, "a", fit->a);
    cx_lua_set_number(L, "b", fit->b);
    cx_lua_set_number(L, "s", fit->s);
    cx_lua_set_number(L, "beta", fit->beta);
    cx_lua_set_number(L, "log_likelihood", fit->log_likelihood);
    cx_lua_set_number(L, "std_error_r", fit->std_error_r);
    cx_lua_set_number(L, "std_error_alpha", fit->std_error_alpha);
    cx_lua_set_number(L, "std_error_a", fit->std_error_a);
    cx_lua_set_number(L, "std_error_b", fit->std_error_b);
    lua_pushinteger(L, fit->iterations);
    lua_setfield(L, -2, "iterations");
    return 1;
}

typedef int (*predict_fn)(double *, const cx_lifetime_fit *, double, const double *, const double *, const double *,
                          size_t);

static int predict(lua_State *L, predict_fn fn, double t, int first)
{
    const cx_lifetime_fit *fit = check_purchase_fit(L, 1);
    size_t n = (size_t)-1;
    const double *f = column(L, first, &n), *r = column(L, first + 1, &n), *T = column(L, first + 2, &n);
    double *out = lua_newuserdatauv(L, (n ? n : 1) * sizeof *out, 0);
    CX_LUA_CHECK(L, fn(out, fit, t, f, r, T, n));
    push_doubles(L, out, n);
    return 1;
}

/* fit:p_alive(frequency, recency, T [, t]) */
static int pf_p_alive(lua_State *L)
{
    double t = luaL_optnumber(L, 5, 0.0);
    lua_settop(L, 4);
    return predict(L, cx_lifetime_p_alive, t, 2);
}

/* fit:expected_purchases(t, frequency, recency, T) */
static int pf_expected_purchases(lua_State *L)
{
    double t = luaL_checknumber(L, 2);
    lua_settop(L, 5);
    return predict(L, cx_lifetime_expected_purchases, t, 3);
}

static int pf_json(lua_State *L)
{
    cx_buffer buf = CX_BUFFER_INIT;
    CX_LUA_CHECK(L, cx_lifetime_fit_json(&buf, check_purchase_fit(L, 1)));
    lua_pushlstring(L, buf.data, buf.size);
    cx_buffer_dispose(&buf);
    return 1;
}

static int pf_tostring(lua_State *L)
{
    const cx_lifetime_fit *fit = check_purchase_fit(L, 1);
    lua_pushfstring(L, "cx.purchase_fit %s LL=%f", cx_lifetime_model_name(fit->model), fit->log_likelihood);
    return 1;
}

/* cx.fit_spend(frequency, monetary) */
static int l_fit_spend(lua_State *L)
{
    lua_settop(L, 2);
    size_t n = (size_t)-1;
    const double *f = column(L, 1, &n), *m = column(L, 2, &n);
    cx_lifetime_spend_fit *fit = lua_newuserdatauv(L, sizeof *fit, 0);
    cx_lifetime_spend_fit_init(fit, CX_LIFETIME_SPEND_FIT_VERSION);
    luaL_setmetatable(L, SPEND_FIT_MT);
    CX_LUA_CHECK(L, cx_lifetime_fit_spend(fit, f, m, NULL, n, NULL));
    return 1;
}

static int sf_params(lua_State *L)
{
    const cx_lifetime_spend_fit *fit = luaL_checkudata(L, 1, SPEND_FIT_MT);
    lua_createtable(L, 0, 5);
    cx_lua_set_number(L, "p", fit->p);
    cx_lua_set_number(L, "q", fit->q);
    cx_lua_set_number(L, "gamma", fit->gamma);
    cx_lua_set_number(L, "log_likelihood", fit->log_likelihood);
    cx_lua_set_number(L, "mean_spend", fit->mean_spend);
    return 1;
}

static int sf_expected_spend(lua_State *L)
{
    const cx_lifetime_spend_fit *fit = luaL_checkudata(L, 1, SPEND_FIT_MT);
    lua_settop(L, 3);
    size_t n = (size_t)-1;
    const double *f = column(L, 2, &n), *m = column(L, 3, &n);
    double *out = lua_newuserdatauv(L, (n ? n : 1) * sizeof *out, 0);
    CX_LUA_CHECK(L, cx_lifetime_expected_spend(out, fit, f, m, n));
    push_doubles(L, out, n);
    return 1;
}

static int sf_tostring(lua_State *L)
{
    const cx_lifetime_spend_fit *fit = luaL_checkudata(L, 1, SPEND_FIT_MT);
    lua_pushfstring(L, "cx.spend_fit p=%f q=%f gamma=%f", fit->p, fit->q, fit->gamma);
    return 1;
}

/* cx.clv(purchase_fit, spend_fit, frequency, recency, T, monetary [, {periods=, discount_rate=, margin=}]) */
static int l_clv(lua_State *L)
{
    const cx_lifetime_fit *pf = check_purchase_fit(L, 1);
    const cx_lifetime_spend_fit *sf = luaL_checkudata(L, 2, SPEND_FIT_MT);
    lua_settop(L, 7);
    cx_lifetime_clv_options o;
    cx_lifetime_clv_options_init(&o, CX_LIFETIME_CLV_OPTIONS_VERSION);
    if (!lua_isnil(L, 7)) {
        luaL_checktype(L, 7, LUA_TTABLE);
        lua_getfield(L, 7, "periods");
        o.periods = (unsigned)luaL_optinteger(L, -1, o.periods);
        lua_getfield(L, 7, "period_length");
        o.period_length = luaL_optnumber(L, -1, o.period_length);
        lua_getfield(L, 7, "discount_rate");
        o.discount_rate = luaL_optnumber(L, -1, o.discount_rate);
        lua_getfield(L, 7, "margin");
        o.margin = luaL_optnumber(L, -1, o.margin);
        lua_pop(L, 4);
    }
    size_t n = (size_t)-1;
    const double *f = column(L, 3, &n), *r = column(L, 4, &n), *T = column(L, 5, &n), *m = column(L, 6, &n);
    double *out = lua_newuserdatauv(L, (n ? n : 1) * sizeof *out, 0);
    CX_LUA_CHECK(L, cx_lifetime_clv(out, pf, sf, f, r, T, m, n, &o));
    push_doubles(L, out, n);
    return 1;
}

static int no_gc(lua_State *L)
{
    (void)L; /* fits hold no resources */
    return 0;
}

static const luaL_Reg purchase_methods[] = {
    { "params", pf_params }, { "p_alive", pf_p_alive }, { "expected_purchases", pf_expected_purchases },
    { "json", pf_json }, { NULL, NULL },
};

static const luaL_Reg spend_methods[] = {
    { "params", sf_params }, { "expected_spend", sf_expected_spend }, { NULL, NULL },
};

static const luaL_Reg lifetime_functions[] = {
    { "fit_purchases", l_fit_purchases }, { "fit_spend", l_fit_spend }, { "clv", l_clv }, { NULL, NULL },
};

void cx_lua_open_lifetime(lua_State *L)
{
    lua_pushvalue(L, -2);
    cx_lua_new_class(L, PURCHASE_FIT_MT, purchase_methods, no_gc, pf_tostring, NULL);
    cx_lua_new_class(L, SPEND_FIT_MT, spend_methods, no_gc, sf_tostring, NULL);
    lua_pop(L, 1);
    lua_pushvalue(L, -2);
    luaL_setfuncs(L, lifetime_functions, 1);
}
