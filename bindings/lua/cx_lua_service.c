/*
 * Lua classes of the service module: cx.timezone, cx.calendar, cx.service.
 * A service borrows its calendar in C, so the service userdata keeps the
 * calendar userdata alive in its user value.
 */
#include <math.h>
#include <string.h>

#include "cx_lua.h"

#define TIMEZONE_MT "cx.timezone"
#define CALENDAR_MT "cx.calendar"
#define SERVICE_MT "cx.service"

typedef struct timezone_box {
    cx_timezone *tz;
} timezone_box;

typedef struct calendar_box {
    cx_calendar *cal;
} calendar_box;

typedef struct service_box {
    cx_service *svc;
} service_box;

/* An instant: seconds since the epoch, or an ISO 8601 string with offset. */
static int64_t check_instant(lua_State *L, int arg)
{
    if (lua_type(L, arg) == LUA_TSTRING) {
        int64_t seconds;
        int32_t nanos;
        int rc = cx_instant_parse(&seconds, &nanos, lua_tostring(L, arg));
        if (rc != CX_OK)
            cx_lua_raise(L, rc);
        return seconds;
    }
    return (int64_t)luaL_checkinteger(L, arg);
}

static int l_parse_instant(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)check_instant(L, 1));
    return 1;
}

/* ---- time zones ---------------------------------------------------------- */

static int l_timezone(lua_State *L)
{
    const char *name = luaL_checkstring(L, 1);
    const char *dir = luaL_optstring(L, 2, NULL);
    timezone_box *b = lua_newuserdatauv(L, sizeof *b, 0);
    b->tz = NULL;
    luaL_setmetatable(L, TIMEZONE_MT);
    CX_LUA_CHECK(L, cx_timezone_load(&b->tz, name, dir));
    return 1;
}

static cx_timezone *check_timezone(lua_State *L, int arg)
{
    timezone_box *b = luaL_checkudata(L, arg, TIMEZONE_MT);
    if (b->tz == NULL)
        luaL_error(L, "time zone is closed");
    return b->tz;
}

static int tz_offset_at(lua_State *L)
{
    int32_t offset;
    int dst;
    CX_LUA_CHECK(L, cx_timezone_offset_at(&offset, &dst, check_timezone(L, 1), check_instant(L, 2)));
    lua_pushinteger(L, offset);
    lua_pushboolean(L, dst);
    return 2;
}

static int tz_name(lua_State *L)
{
    lua_pushstring(L, cx_timezone_name(check_timezone(L, 1)));
    return 1;
}

static int tz_close(lua_State *L)
{
    timezone_box *b = luaL_checkudata(L, 1, TIMEZONE_MT);
    cx_timezone_free(b->tz);
    b->tz = NULL;
    return 0;
}

static int tz_tostring(lua_State *L)
{
    timezone_box *b = luaL_checkudata(L, 1, TIMEZONE_MT);
    lua_pushfstring(L, "cx.timezone %s", b->tz ? cx_timezone_name(b->tz) : "(closed)");
    return 1;
}

/* ---- calendars ------------------------------------------------------------ */

static calendar_box *new_calendar_box(lua_State *L)
{
    calendar_box *b = lua_newuserdatauv(L, sizeof *b, 0);
    b->cal = NULL;
    luaL_setmetatable(L, CALENDAR_MT);
    return b;
}

static cx_calendar *check_calendar(lua_State *L, int arg)
{
    calendar_box *b = luaL_checkudata(L, arg, CALENDAR_MT);
    if (b->cal == NULL)
        luaL_error(L, "calendar is closed");
    return b->cal;
}

/* cx.calendar(json_text [, zoneinfo_dir]): the calendar file format. */
static int l_calendar(lua_State *L)
{
    size_t n;
    const char *json = luaL_checklstring(L, 1, &n);
    const char *dir = luaL_optstring(L, 2, NULL);
    calendar_box *b = new_calendar_box(L);
    CX_LUA_CHECK(L, cx_calendar_from_json(&b->cal, json, n, dir));
    return 1;
}

static int l_calendar_load(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    const char *dir = luaL_optstring(L, 2, NULL);
    calendar_box *b = new_calendar_box(L);
    CX_LUA_CHECK(L, cx_calendar_load(&b->cal, path, dir));
    return 1;
}

static int cal_business_seconds(lua_State *L)
{
    int64_t out;
    CX_LUA_CHECK(L, cx_calendar_business_seconds(&out, check_calendar(L, 1), check_instant(L, 2), check_instant(L, 3)));
    lua_pushinteger(L, (lua_Integer)out);
    return 1;
}

static int cal_add_business_seconds(lua_State *L)
{
    int64_t out;
    CX_LUA_CHECK(L, cx_calendar_add_business_seconds(&out, check_calendar(L, 1), check_instant(L, 2),
                                                     (int64_t)luaL_checkinteger(L, 3)));
    lua_pushinteger(L, (lua_Integer)out);
    return 1;
}

static int cal_is_open(lua_State *L)
{
    int open;
    CX_LUA_CHECK(L, cx_calendar_is_open(&open, check_calendar(L, 1), check_instant(L, 2)));
    lua_pushboolean(L, open);
    return 1;
}

static int cal_next_change(lua_State *L)
{
    int64_t out;
    CX_LUA_CHECK(L, cx_calendar_next_change(&out, check_calendar(L, 1), check_instant(L, 2)));
    lua_pushinteger(L, (lua_Integer)out);
    return 1;
}

/* cal:measure(from, to) -> { calendar_seconds=, business_seconds=, from=, to= } */
static int cal_measure(lua_State *L)
{
    cx_calendar_span span = CX_CALENDAR_SPAN_INIT;
    CX_LUA_CHECK(L, cx_calendar_measure(&span, check_calendar(L, 1), luaL_checkstring(L, 2), luaL_checkstring(L, 3)));
    lua_createtable(L, 0, 4);
    lua_pushinteger(L, (lua_Integer)span.from);
    lua_setfield(L, -2, "from");
    lua_pushinteger(L, (lua_Integer)span.to);
    lua_setfield(L, -2, "to");
    lua_pushinteger(L, (lua_Integer)span.calendar_seconds);
    lua_setfield(L, -2, "calendar_seconds");
    lua_pushinteger(L, (lua_Integer)span.business_seconds);
    lua_setfield(L, -2, "business_seconds");
    return 1;
}

static int cal_close(lua_State *L)
{
    calendar_box *b = luaL_checkudata(L, 1, CALENDAR_MT);
    cx_calendar_free(b->cal);
    b->cal = NULL;
    return 0;
}

static int cal_tostring(lua_State *L)
{
    calendar_box *b = luaL_checkudata(L, 1, CALENDAR_MT);
    lua_pushstring(L, b->cal ? "cx.calendar" : "cx.calendar (closed)");
    return 1;
}

/* ---- tickets -------------------------------------------------------------- */

static int name_code(lua_State *L, int idx, const char *const *names, const int *values, const char *what)
{
    if (lua_type(L, idx) == LUA_TNUMBER)
        return (int)lua_tointeger(L, idx);
    int v = 0;
    const char *name = lua_tostring(L, idx);
    if (name == NULL || !cx_lua_lookup(name, names, values, &v))
        luaL_error(L, "unknown %s '%s'", what, name ? name : "?");
    return v;
}

static const char *const type_names[] = { "created", "status", "message", "assigned", "merged", NULL };
static const int type_values[] = { 1, 2, 3, 4, 5 };
static const char *const status_names[] = { "new", "open", "pending", "on_hold", "solved", "closed", "reopened", NULL };
static const int status_values[] = { 1, 2, 3, 4, 5, 6, 7 };
static const char *const author_names[] = { "customer", "agent", "bot", NULL };
static const int author_values[] = { 1, 2, 3 };
static const char *const flag_names[] = { "private", "automatic", NULL };
static const int flag_values[] = { 1, 2 };
static const char *const priority_names[] = { "low", "normal", "high", "urgent", NULL };
static const int priority_values[] = { 1, 2, 3, 4 };

/* One event from { time, type, value, flag... } at the top of the stack. */
static cx_ticket_event read_event(lua_State *L)
{
    cx_ticket_event ev = { 0, 0, 0, 0, 0 };
    int t = lua_gettop(L);
    luaL_checktype(L, t, LUA_TTABLE);
    lua_Integer len = luaL_len(L, t);
    lua_geti(L, t, 1);
    ev.time = check_instant(L, -1);
    lua_geti(L, t, 2);
    ev.type = name_code(L, -1, type_names, type_values, "event type");
    lua_geti(L, t, 3);
    if (!lua_isnil(L, -1)) {
        if (ev.type == CX_EVENT_CREATED || ev.type == CX_EVENT_STATUS)
            ev.value = name_code(L, -1, status_names, status_values, "status");
        else if (ev.type == CX_EVENT_MESSAGE)
            ev.value = name_code(L, -1, author_names, author_values, "author");
        else
            ev.value = (int32_t)luaL_checkinteger(L, -1);
    }
    for (lua_Integer i = 4; i <= len; i++) {
        lua_geti(L, t, i);
        ev.flags |= (uint32_t)name_code(L, -1, flag_names, flag_values, "event flag");
        lua_pop(L, 1);
    }
    lua_pop(L, 3);
    return ev;
}

/* The events of the table at `arg` in a userdata array pushed on the stack. */
static cx_ticket_event *read_events(lua_State *L, int arg, size_t *n_out)
{
    luaL_checktype(L, arg, LUA_TTABLE);
    size_t n = (size_t)luaL_len(L, arg);
    cx_ticket_event *events = lua_newuserdatauv(L, (n ? n : 1) * sizeof *events, 0);
    for (size_t i = 0; i < n; i++) {
        lua_geti(L, arg, (lua_Integer)i + 1);
        events[i] = read_event(L);
        lua_pop(L, 1);
    }
    *n_out = n;
    return events;
}

/* ---- services ------------------------------------------------------------- */

static cx_service *check_service(lua_State *L, int arg)
{
    service_box *b = luaL_checkudata(L, arg, SERVICE_MT);
    if (b->svc == NULL)
        luaL_error(L, "service is closed");
    return b->svc;
}

static void read_sla_targets(lua_State *L, int t, const char *field, int64_t targets[4])
{
    lua_getfield(L, t, field);
    if (lua_istable(L, -1))
        for (int p = 0; p < 4; p++) {
            lua_getfield(L, -1, priority_names[p]);
            if (!lua_isnil(L, -1))
                targets[p] = (int64_t)luaL_checkinteger(L, -1);
            lua_pop(L, 1);
        }
    lua_pop(L, 1);
}

/* { business_hours=, pause={"pending", ...}, first_reply={normal=3600, ...}, ... } */
static void read_sla(lua_State *L, int t, cx_sla_policy *p)
{
    cx_sla_policy_init(p, CX_SLA_POLICY_VERSION);
    lua_getfield(L, t, "business_hours");
    p->business_hours = lua_toboolean(L, -1);
    lua_pop(L, 1);
    lua_getfield(L, t, "pause");
    if (lua_istable(L, -1))
        for (lua_Integer i = 1; i <= luaL_len(L, -1); i++) {
            lua_geti(L, -1, i);
            p->pause_statuses |= 1u << name_code(L, -1, status_names, status_values, "status");
            lua_pop(L, 1);
        }
    lua_pop(L, 1);
    read_sla_targets(L, t, "first_reply", p->first_reply);
    read_sla_targets(L, t, "next_reply", p->next_reply);
    read_sla_targets(L, t, "resolution", p->resolution);
}

/* cx.service([calendar [, {definition=, as_of=, confidence=, sla=}]]) */
static int l_service(lua_State *L)
{
    const cx_calendar *cal = lua_isnoneornil(L, 1) ? NULL : check_calendar(L, 1);
    cx_service_definition def = CX_SERVICE_DEFINITION_INIT;
    cx_service_options o = CX_SERVICE_OPTIONS_INIT;
    cx_sla_policy sla;
    if (!lua_isnoneornil(L, 2)) {
        luaL_checktype(L, 2, LUA_TTABLE);
        lua_getfield(L, 2, "definition");
        if (!lua_isnil(L, -1))
            CX_LUA_CHECK(L, cx_service_definition_parse(&def, luaL_checkstring(L, -1)));
        lua_getfield(L, 2, "as_of");
        if (!lua_isnil(L, -1))
            o.as_of = check_instant(L, -1);
        lua_getfield(L, 2, "confidence");
        o.confidence = luaL_optnumber(L, -1, o.confidence);
        lua_getfield(L, 2, "sla");
        if (lua_istable(L, -1)) {
            read_sla(L, lua_gettop(L), &sla);
            o.sla = &sla;
        }
        lua_pop(L, 4);
    }
    service_box *b = lua_newuserdatauv(L, sizeof *b, 1);
    b->svc = NULL;
    luaL_setmetatable(L, SERVICE_MT);
    lua_pushvalue(L, 1); /* keep the calendar alive */
    lua_setiuservalue(L, -2, 1);
    CX_LUA_CHECK(L, cx_service_new(&b->svc, cal, &def, &o));
    return 1;
}

static void push_time(lua_State *L, const char *field, cx_service_time t)
{
    if (isnan(t.calendar))
        return; /* does not apply: the field stays nil */
    lua_createtable(L, 0, 2);
    cx_lua_set_number(L, "calendar", t.calendar);
    cx_lua_set_number(L, "business", t.business);
    lua_setfield(L, -2, field);
}

static void push_outcome(lua_State *L, const char *field, const cx_sla_outcome *o)
{
    static const char *const states[] = { "none", "achieved", "breached", "running" };
    lua_createtable(L, 0, 5);
    lua_pushstring(L, o->state >= 0 && o->state <= 3 ? states[o->state] : "unknown");
    lua_setfield(L, -2, "state");
    lua_pushinteger(L, (lua_Integer)o->target);
    lua_setfield(L, -2, "target");
    lua_pushinteger(L, (lua_Integer)o->breach_at);
    lua_setfield(L, -2, "breach_at");
    cx_lua_set_number(L, "elapsed", o->elapsed);
    cx_lua_set_number(L, "time_left", o->time_left);
    lua_setfield(L, -2, field);
}

static void push_tristate(lua_State *L, const char *field, int v)
{
    if (v >= 0) { /* -1: unresolved, the field stays nil */
        lua_pushinteger(L, v);
        lua_setfield(L, -2, field);
    }
}

static void push_ticket_metrics(lua_State *L, const cx_ticket_metrics *m)
{
    lua_createtable(L, 0, 24);
    lua_pushboolean(L, m->resolved);
    lua_setfield(L, -2, "resolved");
    lua_pushboolean(L, m->merged);
    lua_setfield(L, -2, "merged");
    lua_pushinteger(L, (lua_Integer)m->clock_start);
    lua_setfield(L, -2, "clock_start");
    push_time(L, "first_reply", m->first_reply);
    push_time(L, "next_reply_total", m->next_reply_total);
    push_time(L, "next_reply_max", m->next_reply_max);
    push_time(L, "first_resolution", m->first_resolution);
    push_time(L, "full_resolution", m->full_resolution);
    push_time(L, "requester_wait", m->requester_wait);
    push_time(L, "agent_wait", m->agent_wait);
    push_time(L, "on_hold", m->on_hold);
    lua_pushinteger(L, m->replies);
    lua_setfield(L, -2, "replies");
    lua_pushinteger(L, m->reopens);
    lua_setfield(L, -2, "reopens");
    push_tristate(L, "one_touch", m->one_touch);
    push_tristate(L, "fcr_no_follow_up", m->fcr_no_follow_up);
    push_tristate(L, "fcr_first_reply", m->fcr_first_reply);
    push_outcome(L, "sla_first_reply", &m->sla_first_reply);
    push_outcome(L, "sla_next_reply", &m->sla_next_reply);
    push_outcome(L, "sla_resolution", &m->sla_resolution);
}

static int svc_measure(lua_State *L)
{
    cx_service *svc = check_service(L, 1);
    lua_settop(L, 3);
    int priority = lua_isnil(L, 3) ? CX_PRIORITY_NORMAL : name_code(L, 3, priority_names, priority_values, "priority");
    size_t n;
    const cx_ticket_event *events = read_events(L, 2, &n);
    cx_ticket_metrics m = CX_TICKET_METRICS_INIT;
    CX_LUA_CHECK(L, cx_service_measure(&m, svc, events, n, (cx_ticket_priority)priority));
    push_ticket_metrics(L, &m);
    return 1;
}

static int svc_add_ticket(lua_State *L)
{
    cx_service *svc = check_service(L, 1);
    lua_settop(L, 4);
    int priority = lua_isnil(L, 3) ? CX_PRIORITY_NORMAL : name_code(L, 3, priority_names, priority_values, "priority");
    const char *segment = luaL_optstring(L, 4, NULL);
    size_t n;
    const cx_ticket_event *events = read_events(L, 2, &n);
    CX_LUA_CHECK(L, cx_service_add_ticket(svc, events, n, (cx_ticket_priority)priority, segment));
    return 0;
}

/* svc:metric(name [, "calendar"|"business"]) -> result table */
static int svc_metric(lua_State *L)
{
    cx_service *svc = check_service(L, 1);
    cx_service_metric metric;
    CX_LUA_CHECK(L, cx_service_metric_from_name(&metric, luaL_checkstring(L, 2)));
    const char *basis = luaL_optstring(L, 3, "calendar");
    cx_time_basis b = strcmp(basis, "business") == 0 ? CX_TIME_BUSINESS : CX_TIME_CALENDAR;
    const cx_metric *m;
    CX_LUA_CHECK(L, cx_service_get_metric(&m, svc, metric, b));
    cx_metric_result r = CX_METRIC_RESULT_INIT;
    CX_LUA_CHECK(L, cx_metric_get_result(m, &r));
    lua_createtable(L, 0, 6);
    cx_lua_set_number(L, "value", r.value);
    cx_lua_set_number(L, "std_error", r.std_error);
    cx_lua_set_number(L, "ci_low", r.ci_low);
    cx_lua_set_number(L, "ci_high", r.ci_high);
    lua_pushinteger(L, (lua_Integer)r.count);
    lua_setfield(L, -2, "count");
    return 1;
}

static int svc_counts(lua_State *L)
{
    cx_service_counts c = CX_SERVICE_COUNTS_INIT;
    CX_LUA_CHECK(L, cx_service_get_counts(&c, check_service(L, 1)));
    lua_createtable(L, 0, 4);
    lua_pushinteger(L, (lua_Integer)c.tickets);
    lua_setfield(L, -2, "tickets");
    lua_pushinteger(L, (lua_Integer)c.resolved);
    lua_setfield(L, -2, "resolved");
    lua_pushinteger(L, (lua_Integer)c.unresolved);
    lua_setfield(L, -2, "unresolved");
    lua_pushinteger(L, (lua_Integer)c.merged);
    lua_setfield(L, -2, "merged");
    return 1;
}

static int svc_merge(lua_State *L)
{
    CX_LUA_CHECK(L, cx_service_merge(check_service(L, 1), check_service(L, 2)));
    lua_settop(L, 1);
    return 1;
}

static int svc_close(lua_State *L)
{
    service_box *b = luaL_checkudata(L, 1, SERVICE_MT);
    cx_service_free(b->svc);
    b->svc = NULL;
    return 0;
}

static int svc_tostring(lua_State *L)
{
    service_box *b = luaL_checkudata(L, 1, SERVICE_MT);
    lua_pushstring(L, b->svc ? "cx.service" : "cx.service (closed)");
    return 1;
}

/* ---- registration ---------------------------------------------------------- */

static const luaL_Reg timezone_methods[] = {
    { "offset_at", tz_offset_at }, { "name", tz_name }, { "close", tz_close }, { NULL, NULL },
};

static const luaL_Reg calendar_methods[] = {
    { "business_seconds", cal_business_seconds }, { "add_business_seconds", cal_add_business_seconds },
    { "is_open", cal_is_open }, { "next_change", cal_next_change }, { "measure", cal_measure },
    { "close", cal_close }, { NULL, NULL },
};

static const luaL_Reg service_methods[] = {
    { "measure", svc_measure }, { "add_ticket", svc_add_ticket }, { "metric", svc_metric },
    { "counts", svc_counts }, { "merge", svc_merge }, { "close", svc_close }, { NULL, NULL },
};

static const luaL_Reg service_functions[] = {
    { "timezone", l_timezone }, { "parse_instant", l_parse_instant }, { "calendar", l_calendar },
    { "calendar_load", l_calendar_load }, { "service", l_service }, { NULL, NULL },
};

void cx_lua_open_service(lua_State *L)
{
    lua_pushvalue(L, -2); /* error metatable on top for the classes */
    cx_lua_new_class(L, TIMEZONE_MT, timezone_methods, tz_close, tz_tostring, NULL);
    cx_lua_new_class(L, CALENDAR_MT, calendar_methods, cal_close, cal_tostring, NULL);
    cx_lua_new_class(L, SERVICE_MT, service_methods, svc_close, svc_tostring, NULL);
    lua_pop(L, 1);
    lua_pushvalue(L, -2);
    luaL_setfuncs(L, service_functions, 1);
}
