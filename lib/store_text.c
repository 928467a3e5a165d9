/*
 * Text conversions of the importers: timestamps (ISO 8601 / RFC 3339 and
 * epoch numbers), numbers, and the names of metrics, ticket statuses and
 * ticket event kinds.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil_internal.h"
#include "store_internal.h"

#define MS_PER_SECOND 1000LL
#define MS_PER_MINUTE 60000LL
#define MS_PER_DAY 86400000LL

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

bool cx__ascii_iequal_n(const char *a, size_t n, const char *b)
{
    size_t i = 0;
    for (; i < n && b[i] != '\0'; i++)
        if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
            return false;
    return i == n && b[i] == '\0';
}

static void trim(const char **s, size_t *n)
{
    while (*n > 0 && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*n)--;
    }
    while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
        (*n)--;
}

bool cx__parse_real(const char *s, size_t n, double *out)
{
    trim(&s, &n);
    char buf[64];
    if (n == 0 || n >= sizeof buf)
        return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    char *end;
    double v = strtod(buf, &end);
    if (end != buf + n || !isfinite(v))
        return false;
    *out = v;
    return true;
}

/* ---- timestamps ---------------------------------------------------------- */

typedef struct cursor {
    const char *p, *end;
} cursor;

static bool digits(cursor *c, int count, int *out)
{
    int v = 0;
    for (int i = 0; i < count; i++) {
        if (c->p >= c->end || c->p[0] < '0' || c->p[0] > '9')
            return false;
        v = v * 10 + (*c->p++ - '0');
    }
    *out = v;
    return true;
}

static bool accept(cursor *c, char ch)
{
    if (c->p < c->end && *c->p == ch) {
        c->p++;
        return true;
    }
    return false;
}

static bool fail(char *why, size_t cap, const char *fmt, ...) CX__PRINTF(3, 4);

static bool fail(char *why, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, cap, fmt, ap);
    va_end(ap);
    return false;
}

static bool parse_date(cursor *c, int64_t *days, char *why, size_t cap)
{
    int y, m, d;
    if (!digits(c, 4, &y) || !accept(c, '-') || !digits(c, 2, &m) || !accept(c, '-') || !digits(c, 2, &d))
        return fail(why, cap, "expected YYYY-MM-DD");
    if (m < 1 || m > 12)
        return fail(why, cap, "month %d is outside 1..12", m);
    if (d < 1 || (unsigned)d > cx__days_in_month(y, (unsigned)m))
        return fail(why, cap, "day %d does not exist in that month", d);
    *days = cx__days_from_civil(y, (unsigned)m, (unsigned)d);
    return true;
}

/* hh:mm[:ss[.fraction]]; a leap second 60 rolls into the next minute. */
static bool parse_clock(cursor *c, int64_t *ms, char *why, size_t cap)
{
    int h, mi, sec = 0, frac_ms = 0;
    if (!digits(c, 2, &h) || !accept(c, ':') || !digits(c, 2, &mi))
        return fail(why, cap, "expected hh:mm after the date");
    if (accept(c, ':')) {
        if (!digits(c, 2, &sec))
            return fail(why, cap, "expected two digits of seconds");
        if (accept(c, '.') || accept(c, ',')) {
            int scale = 100, count = 0;
            while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
                frac_ms += (*c->p++ - '0') * scale;
                scale /= 10;
                count++;
            }
            if (count == 0)
                return fail(why, cap, "expected digits after the decimal point");
        }
    }
    if (h > 24 || (h == 24 && (mi != 0 || sec != 0 || frac_ms != 0)))
        return fail(why, cap, "hour %d is outside 0..23", h);
    if (mi > 59)
        return fail(why, cap, "minute %d is outside 0..59", mi);
    if (sec > 60)
        return fail(why, cap, "second %d is outside 0..60", sec);
    *ms = ((int64_t)h * 3600 + mi * 60 + sec) * MS_PER_SECOND + frac_ms;
    return true;
}

/* Z, +hh:mm, +hhmm, +hh (and the minus forms). */
static bool parse_zone(cursor *c, int64_t *offset_ms, bool *present, char *why, size_t cap)
{
    *present = true;
    if (accept(c, 'Z') || accept(c, 'z')) {
        *offset_ms = 0;
        return true;
    }
    int sign = accept(c, '+') ? 1 : accept(c, '-') ? -1 : 0;
    if (sign == 0) {
        *present = false;
        *offset_ms = 0;
        return true;
    }
    int h, m = 0;
    if (!digits(c, 2, &h))
        return fail(why, cap, "expected hh after the zone sign");
    if (accept(c, ':')) {
        if (!digits(c, 2, &m))
            return fail(why, cap, "expected mm in the zone offset");
    } else if (c->p < c->end) {
        if (!digits(c, 2, &m))
            return fail(why, cap, "expected hhmm in the zone offset");
    }
    if (h > 23 || m > 59)
        return fail(why, cap, "zone offset hour %d or its minutes are out of range", h);
    *offset_ms = sign * ((int64_t)h * 60 + m) * MS_PER_MINUTE;
    return true;
}

static bool parse_iso(const char *s, size_t n, const cx__time_rules *rules, int64_t *out, char *why, size_t cap)
{
    cursor c = { s, s + n };
    int64_t days = 0, clock = 0, offset = 0;
    if (!parse_date(&c, &days, why, cap))
        return false;
    bool date_only = c.p == c.end;
    bool zoned = false;
    if (!date_only) {
        if (!(accept(&c, 'T') || accept(&c, 't') || accept(&c, ' ')))
            return fail(why, cap, "expected 'T' between the date and the time");
        if (!parse_clock(&c, &clock, why, cap) || !parse_zone(&c, &offset, &zoned, why, cap))
            return false;
        if (c.p != c.end)
            return fail(why, cap, "unexpected text after the time");
    }
    if (!zoned) {
        if (!date_only && !rules->accept_local)
            return fail(why, cap, "the time has no zone (add Z or an offset such as +01:00)");
        offset = (int64_t)rules->local_offset_minutes * MS_PER_MINUTE;
    }
    *out = days * MS_PER_DAY + clock - offset;
    return true;
}

static bool parse_epoch(const char *s, size_t n, const cx__time_rules *rules, int64_t *out, char *why, size_t cap)
{
    double v;
    if (!cx__parse_real(s, n, &v))
        return fail(why, cap, "not a number of seconds or milliseconds since the epoch");
    bool seconds = rules->epoch_unit == CX_EPOCH_SECONDS || (rules->epoch_unit == CX_EPOCH_AUTO && fabs(v) < 1e11);
    double ms = seconds ? v * 1000.0 : v;
    if (!(ms >= (double)CX__STORE_TIME_MIN && ms <= (double)CX__STORE_TIME_MAX))
        return fail(why, cap, "epoch value is beyond the years 0..9999");
    *out = (int64_t)llround(ms);
    return true;
}

/* Four digits and a dash start a date; anything else is an epoch number. */
static bool looks_like_date(const char *s, size_t n)
{
    for (size_t i = 0; i < 4; i++)
        if (i >= n || s[i] < '0' || s[i] > '9')
            return false;
    return n > 4 && s[4] == '-';
}

bool cx__parse_time(const char *s, size_t n, const cx__time_rules *rules, int64_t *out, char *why, size_t why_cap)
{
    trim(&s, &n);
    if (n == 0) {
        snprintf(why, why_cap, "empty");
        return false;
    }
    bool ok = looks_like_date(s, n) ? parse_iso(s, n, rules, out, why, why_cap)
                                    : parse_epoch(s, n, rules, out, why, why_cap);
    if (ok && (*out < CX__STORE_TIME_MIN || *out > CX__STORE_TIME_MAX))
        return fail(why, why_cap, "the time is beyond the years 0..9999");
    return ok;
}

/* ---- names -------------------------------------------------------------- */

typedef struct name_value {
    const char *name;
    int value;
} name_value;

static bool lookup(const name_value *table, size_t n_table, const char *s, size_t n, int *out)
{
    trim(&s, &n);
    for (size_t i = 0; i < n_table; i++) {
        if (cx__ascii_iequal_n(s, n, table[i].name)) {
            *out = table[i].value;
            return true;
        }
    }
    return false;
}

static const name_value statuses[] = {
    { "open", CX_STORE_TICKET_OPEN },         { "new", CX_STORE_TICKET_OPEN },
    { "pending", CX_STORE_TICKET_PENDING },   { "on-hold", CX_STORE_TICKET_PENDING },
    { "on_hold", CX_STORE_TICKET_PENDING },   { "hold", CX_STORE_TICKET_PENDING },
    { "waiting", CX_STORE_TICKET_PENDING },   { "resolved", CX_STORE_TICKET_RESOLVED },
    { "solved", CX_STORE_TICKET_RESOLVED },   { "closed", CX_STORE_TICKET_CLOSED },
};

static const name_value te_kinds[] = {
    { "opened", CX_STORE_TICKET_EVENT_OPENED },
    { "customer_message", CX_STORE_TICKET_EVENT_CUSTOMER_MESSAGE },
    { "agent_reply", CX_STORE_TICKET_EVENT_AGENT_REPLY },
    { "note", CX_STORE_TICKET_EVENT_NOTE },
    { "resolved", CX_STORE_TICKET_EVENT_RESOLVED },
    { "reopened", CX_STORE_TICKET_EVENT_REOPENED },
    { "closed", CX_STORE_TICKET_EVENT_CLOSED },
};

static const name_value metrics[] = {
    { "nps", CX_METRIC_NPS },
    { "csat", CX_METRIC_CSAT },
    { "ces", CX_METRIC_CES },
    { "fcr", CX_METRIC_FCR },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

bool cx__parse_status(const char *s, size_t n, cx_store_ticket_status *out)
{
    int v;
    if (!lookup(statuses, N(statuses), s, n, &v))
        return false;
    *out = (cx_store_ticket_status)v;
    return true;
}

bool cx__parse_te_kind(const char *s, size_t n, cx_store_ticket_event_kind *out)
{
    int v;
    if (!lookup(te_kinds, N(te_kinds), s, n, &v))
        return false;
    *out = (cx_store_ticket_event_kind)v;
    return true;
}

bool cx__parse_answer_metric(const char *s, size_t n, cx_metric_kind *out)
{
    int v;
    if (!lookup(metrics, N(metrics), s, n, &v))
        return false;
    *out = (cx_metric_kind)v;
    return true;
}

const char *cx__status_name(cx_store_ticket_status status)
{
    static const char *const names[] = { NULL, "open", "pending", "resolved", "closed" };
    return status >= CX_STORE_TICKET_OPEN && status <= CX_STORE_TICKET_CLOSED ? names[status] : NULL;
}

const char *cx__te_kind_name(cx_store_ticket_event_kind kind)
{
    return kind >= CX_STORE_TICKET_EVENT_OPENED && kind <= CX_STORE_TICKET_EVENT_CLOSED ? te_kinds[kind - 1].name
                                                                                       : NULL;
}
