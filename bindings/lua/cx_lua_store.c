/*
 * Lua class of the store: cx.store(path [, {read_only=, must_exist=}]) with
 * :import(file [, options]), :count(table), :rows(table [, filter]) and
 * :close(). Rows come back as tables keyed by the documented field names.
 */
#include <string.h>

#include "cx_lua.h"

#define STORE_MT "cx.store"

typedef struct store_box {
    cx_store *s;
} store_box;

static cx_store *check_store(lua_State *L, int arg)
{
    store_box *b = luaL_checkudata(L, arg, STORE_MT);
    if (b->s == NULL)
        luaL_error(L, "store is closed");
    return b->s;
}

static cx_store_table check_table(lua_State *L, int arg)
{
    cx_store_table t;
    const char *name = luaL_checkstring(L, arg);
    if (cx_store_table_from_name(&t, name) != CX_OK)
        luaL_argerror(L, arg, lua_pushfstring(L, "unknown table '%s'", name));
    return t;
}

static int opt_flag(lua_State *L, int t, const char *field)
{
    if (lua_isnoneornil(L, t))
        return 0;
    lua_getfield(L, t, field);
    int v = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return v;
}

static const char *opt_string(lua_State *L, int t, const char *field)
{
    if (lua_isnoneornil(L, t))
        return NULL;
    lua_getfield(L, t, field); /* stays on the stack: the string lives while the call runs */
    return lua_isnil(L, -1) ? NULL : luaL_checkstring(L, -1);
}

static int l_store(lua_State *L)
{
    const char *path = luaL_optstring(L, 1, ":memory:");
    cx_store_options o = CX_STORE_OPTIONS_INIT;
    o.flags = (opt_flag(L, 2, "read_only") ? CX_STORE_READ_ONLY : 0u) | (opt_flag(L, 2, "must_exist") ? CX_STORE_MUST_EXIST : 0u);
    store_box *b = lua_newuserdatauv(L, sizeof *b, 0);
    b->s = NULL;
    luaL_setmetatable(L, STORE_MT);
    CX_LUA_CHECK(L, cx_store_open(&b->s, path, &o));
    return 1;
}

static void set_int(lua_State *L, const char *field, uint64_t v)
{
    lua_pushinteger(L, (lua_Integer)v);
    lua_setfield(L, -2, field);
}

/* st:import(file [, {table=, skip_bad=, reject_path=, column_map=}]) -> counts */
static int st_import(lua_State *L)
{
    cx_store *s = check_store(L, 1);
    const char *path = luaL_checkstring(L, 2);
    lua_settop(L, 3);
    cx_import_options o = CX_IMPORT_OPTIONS_INIT;
    const char *table = opt_string(L, 3, "table");
    if (table != NULL && cx_store_table_from_name(&o.table, table) != CX_OK)
        return luaL_error(L, "unknown table '%s'", table);
    o.skip_bad = opt_flag(L, 3, "skip_bad");
    o.reject_path = opt_string(L, 3, "reject_path");
    o.column_map = opt_string(L, 3, "column_map");
    cx_import_result r = CX_IMPORT_RESULT_INIT;
    CX_LUA_CHECK(L, cx_store_import_file(&r, s, path, &o));
    lua_createtable(L, 0, 8);
    lua_pushstring(L, cx_store_table_name(r.table));
    lua_setfield(L, -2, "table");
    set_int(L, "rows_read", r.rows_read);
    set_int(L, "inserted", r.inserted);
    set_int(L, "updated", r.updated);
    set_int(L, "unchanged", r.unchanged);
    set_int(L, "rejected", r.rejected);
    set_int(L, "batches", r.batches);
    set_int(L, "first_bad_line", r.first_bad_line);
    return 1;
}

static int st_count(lua_State *L)
{
    uint64_t n;
    CX_LUA_CHECK(L, cx_store_count(&n, check_store(L, 1), check_table(L, 2)));
    lua_pushinteger(L, (lua_Integer)n);
    return 1;
}

static void set_string(lua_State *L, const char *field, const char *v)
{
    if (v != NULL) {
        lua_pushstring(L, v);
        lua_setfield(L, -2, field);
    }
}

static void set_time(lua_State *L, const char *field, int64_t v)
{
    if (v != CX_STORE_NO_TIME) {
        lua_pushinteger(L, (lua_Integer)v);
        lua_setfield(L, -2, field);
    }
}

/* Each callback appends one row table to the list at stack index 1 of the
 * collecting state, passed as the payload. */
typedef struct collector {
    lua_State *L;
    lua_Integer n;
} collector;

static void append(collector *c)
{
    lua_seti(c->L, -2, ++c->n);
}

static int on_customer(const cx_store_customer *r, void *payload)
{
    collector *c = payload;
    lua_State *L = c->L;
    lua_createtable(L, 0, 7);
    set_string(L, "customer_id", r->customer_id);
    set_string(L, "name", r->name);
    set_string(L, "email", r->email);
    set_string(L, "segment", r->segment);
    set_string(L, "country", r->country);
    set_time(L, "signup_ms", r->signup_ms);
    set_time(L, "churned_ms", r->churned_ms);
    append(c);
    return CX_OK;
}

static int on_touchpoint(const cx_store_touchpoint *r, void *payload)
{
    collector *c = payload;
    lua_State *L = c->L;
    lua_createtable(L, 0, 4);
    set_string(L, "touchpoint", r->touchpoint);
    set_string(L, "channel", r->channel);
    set_string(L, "stage", r->stage);
    set_string(L, "description", r->description);
    append(c);
    return CX_OK;
}

static int on_event(const cx_store_event *r, void *payload)
{
    collector *c = payload;
    lua_State *L = c->L;
    lua_createtable(L, 0, 8);
    set_string(L, "event_id", r->event_id);
    set_string(L, "customer_id", r->customer_id);
    set_string(L, "touchpoint", r->touchpoint);
    set_string(L, "channel", r->channel);
    set_string(L, "type", r->type);
    set_time(L, "timestamp_ms", r->timestamp_ms);
    cx_lua_set_number(L, "value", r->value);
    set_string(L, "session_id", r->session_id);
    append(c);
    return CX_OK;
}

static int on_answer(const cx_store_answer *r, void *payload)
{
    collector *c = payload;
    lua_State *L = c->L;
    lua_createtable(L, 0, 10);
    set_string(L, "answer_id", r->answer_id);
    set_string(L, "customer_id", r->customer_id);
    set_string(L, "touchpoint", r->touchpoint);
    set_string(L, "channel", r->channel);
    set_string(L, "metric", cx_metric_kind_name(r->metric));
    cx_lua_set_number(L, "score", r->score);
    set_time(L, "timestamp_ms", r->timestamp_ms);
    set_string(L, "comment", r->comment);
    set_string(L, "survey", r->survey);
    set_string(L, "ticket_id", r->ticket_id);
    append(c);
    return CX_OK;
}

static int on_ticket(const cx_store_ticket *r, const cx_store_ticket_event *ev, size_t n, void *payload)
{
    collector *c = payload;
    lua_State *L = c->L;
    lua_createtable(L, 0, 11);
    set_string(L, "ticket_id", r->ticket_id);
    set_string(L, "customer_id", r->customer_id);
    set_string(L, "channel", r->channel);
    set_string(L, "touchpoint", r->touchpoint);
    set_string(L, "subject", r->subject);
    set_string(L, "priority", r->priority);
    set_string(L, "agent", r->agent);
    set_time(L, "opened_ms", r->opened_ms);
    set_time(L, "resolved_ms", r->resolved_ms);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_createtable(L, 0, 5);
        set_string(L, "event_id", ev[i].event_id);
        set_time(L, "timestamp_ms", ev[i].timestamp_ms);
        lua_pushinteger(L, ev[i].kind);
        lua_setfield(L, -2, "kind");
        set_string(L, "author", ev[i].author);
        set_string(L, "text", ev[i].text);
        lua_seti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "events");
    append(c);
    return CX_OK;
}

static int on_comment(const cx_store_comment *r, void *payload)
{
    collector *c = payload;
    lua_State *L = c->L;
    lua_createtable(L, 0, 10);
    set_string(L, "comment_id", r->comment_id);
    set_string(L, "customer_id", r->customer_id);
    set_string(L, "touchpoint", r->touchpoint);
    set_string(L, "channel", r->channel);
    set_string(L, "source", r->source);
    set_time(L, "timestamp_ms", r->timestamp_ms);
    set_string(L, "text", r->text);
    set_string(L, "lang", r->lang);
    set_string(L, "answer_id", r->answer_id);
    cx_lua_set_number(L, "score", r->score);
    append(c);
    return CX_OK;
}

/* st:rows(table [, {since_ms=, until_ms=, customer=, touchpoint=, order="time"}]) -> { row, ... } */
static int st_rows(lua_State *L)
{
    cx_store *s = check_store(L, 1);
    cx_store_table t = check_table(L, 2);
    lua_settop(L, 3);
    cx_store_filter f = CX_STORE_FILTER_INIT;
    if (!lua_isnil(L, 3)) {
        luaL_checktype(L, 3, LUA_TTABLE);
        lua_getfield(L, 3, "since_ms");
        f.from_ms = lua_isnil(L, -1) ? f.from_ms : (int64_t)luaL_checkinteger(L, -1);
        lua_getfield(L, 3, "until_ms");
        f.to_ms = lua_isnil(L, -1) ? f.to_ms : (int64_t)luaL_checkinteger(L, -1);
        f.customer_id = opt_string(L, 3, "customer");
        f.touchpoint = opt_string(L, 3, "touchpoint");
        const char *order = opt_string(L, 3, "order");
        f.order = order == NULL ? CX_STORE_ORDER_STORED
                  : strcmp(order, "time") == 0 ? CX_STORE_ORDER_TIME
                  : strcmp(order, "customer_time") == 0 ? CX_STORE_ORDER_CUSTOMER_TIME : CX_STORE_ORDER_STORED;
    }
    lua_newtable(L);
    collector c = { L, 0 };
    int rc;
    switch (t) {
    case CX_STORE_CUSTOMERS: rc = cx_store_each_customer(s, &f, on_customer, &c); break;
    case CX_STORE_TOUCHPOINTS: rc = cx_store_each_touchpoint(s, &f, on_touchpoint, &c); break;
    case CX_STORE_EVENTS: rc = cx_store_each_event(s, &f, on_event, &c); break;
    case CX_STORE_ANSWERS: rc = cx_store_each_answer(s, &f, on_answer, &c); break;
    case CX_STORE_TICKETS: rc = cx_store_each_ticket(s, &f, on_ticket, &c); break;
    case CX_STORE_COMMENTS: rc = cx_store_each_comment(s, &f, on_comment, &c); break;
    default: return luaL_error(L, "ticket events are read with their tickets (table 'tickets')");
    }
    CX_LUA_CHECK(L, rc);
    return 1;
}

static int st_close(lua_State *L)
{
    store_box *b = luaL_checkudata(L, 1, STORE_MT);
    cx_store_close(b->s);
    b->s = NULL;
    return 0;
}

static int st_tostring(lua_State *L)
{
    store_box *b = luaL_checkudata(L, 1, STORE_MT);
    lua_pushstring(L, b->s ? "cx.store" : "cx.store (closed)");
    return 1;
}

static const luaL_Reg store_methods[] = {
    { "import", st_import }, { "count", st_count }, { "rows", st_rows }, { "close", st_close }, { NULL, NULL },
};

static const luaL_Reg store_functions[] = {
    { "store", l_store }, { NULL, NULL },
};

void cx_lua_open_store(lua_State *L)
{
    lua_pushvalue(L, -2);
    cx_lua_new_class(L, STORE_MT, store_methods, st_close, st_tostring, NULL);
    lua_pop(L, 1);
    lua_pushvalue(L, -2);
    luaL_setfuncs(L, store_functions, 1);
}
