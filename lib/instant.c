/*
 * ISO 8601 / RFC 3339 instants with a UTC offset: parsing and formatting.
 * Dates are proleptic Gregorian; seconds count as POSIX time does (no leap
 * seconds).
 */
#include <stdio.h>
#include <string.h>

#include "civil_internal.h"
#include "core_internal.h"
#include "timezone_internal.h"

#define MAX_OFFSET 93599

typedef struct text_cursor {
    const char *s;
    size_t pos;
} text_cursor;

/* Reads exactly n digits; -1 if they are not all there. */
static long digits(text_cursor *c, int n)
{
    long v = 0;
    for (int i = 0; i < n; i++) {
        char ch = c->s[c->pos];
        if (ch < '0' || ch > '9')
            return -1;
        v = v * 10 + (ch - '0');
        c->pos++;
    }
    return v;
}

static bool take(text_cursor *c, char ch)
{
    if (c->s[c->pos] != ch)
        return false;
    c->pos++;
    return true;
}

static int malformed(const char *text, const char *what)
{
    return cx__error(CX_EFORMAT, "instant \"%.64s\": %s (expected YYYY-MM-DDThh:mm:ss with Z or +hh:mm)", text, what);
}

static int parse_date(text_cursor *c, const char *text, int64_t *days)
{
    long y = digits(c, 4);
    if (y < 0 || !take(c, '-'))
        return malformed(text, "the date must start with a four-digit year and '-'");
    long m = digits(c, 2);
    if (m < 1 || m > 12 || !take(c, '-'))
        return malformed(text, "the month must be 01..12");
    long d = digits(c, 2);
    if (d < 1 || (unsigned long)d > cx__days_in_month(y, (unsigned)m))
        return cx__error(CX_EFORMAT, "instant \"%.64s\": day %02ld does not exist in %04ld-%02ld", text, d, y, m);
    *days = cx__days_from_civil(y, (unsigned)m, (unsigned)d);
    return CX_OK;
}

static int parse_time(text_cursor *c, const char *text, int64_t *seconds, int32_t *nanos)
{
    long h = digits(c, 2);
    if (h < 0 || h > 23 || !take(c, ':'))
        return malformed(text, "the hour must be 00..23, followed by ':'");
    long mi = digits(c, 2), s = 0;
    if (mi < 0 || mi > 59)
        return malformed(text, "the minutes must be 00..59");
    *nanos = 0;
    if (take(c, ':')) {
        if ((s = digits(c, 2)) < 0 || s > 59)
            return malformed(text, "the seconds must be 00..59 (leap seconds are not POSIX time)");
        if (c->s[c->pos] == '.' || c->s[c->pos] == ',') {
            c->pos++;
            int n = 0;
            long scale = 100000000;
            while (c->s[c->pos] >= '0' && c->s[c->pos] <= '9') {
                if (n++ < 9) {
                    *nanos += (int32_t)((c->s[c->pos] - '0') * scale);
                    scale /= 10;
                }
                c->pos++;
            }
            if (n == 0)
                return malformed(text, "a decimal mark must be followed by digits");
        }
    }
    *seconds = h * 3600 + mi * 60 + s;
    return CX_OK;
}

static int parse_offset(text_cursor *c, const char *text, int32_t *offset)
{
    if (take(c, 'Z') || take(c, 'z')) {
        *offset = 0;
        return CX_OK;
    }
    char sign = c->s[c->pos];
    if (sign != '+' && sign != '-')
        return malformed(text, sign ? "the UTC offset must be Z or +hh:mm" : "there is no UTC offset");
    c->pos++;
    long h = digits(c, 2), m = 0;
    if (h < 0 || h > 23)
        return malformed(text, "the offset hours must be 00..23");
    bool colon = take(c, ':');
    if (colon || (c->s[c->pos] >= '0' && c->s[c->pos] <= '9')) {
        if ((m = digits(c, 2)) < 0 || m > 59)
            return malformed(text, "the offset minutes must be 00..59");
    }
    *offset = (int32_t)((sign == '-' ? -1 : 1) * (h * 3600 + m * 60));
    return CX_OK;
}

int cx_instant_parse(int64_t *seconds_out, int32_t *nanos_out, const char *text)
{
    CX__CHECK_ARG(seconds_out, "cx_instant_parse");
    CX__CHECK_ARG(text, "cx_instant_parse");
    text_cursor c = { text, 0 };
    int64_t days = 0, secs = 0;
    int32_t nanos = 0, offset = 0;
    int rc = parse_date(&c, text, &days);
    if (rc != CX_OK)
        return rc;
    if (!take(&c, 'T') && !take(&c, 't') && !take(&c, ' '))
        return malformed(text, c.s[c.pos] ? "the date and time must be separated by 'T'" : "there is no time of day");
    if ((rc = parse_time(&c, text, &secs, &nanos)) != CX_OK || (rc = parse_offset(&c, text, &offset)) != CX_OK)
        return rc;
    if (c.s[c.pos] != '\0')
        return malformed(text, "unexpected text after the offset");
    *seconds_out = days * 86400 + secs - offset;
    if (nanos_out)
        *nanos_out = nanos;
    return CX_OK;
}

void cx__format_instant(char *buf, size_t size, int64_t at, int32_t offset)
{
    int64_t local = at + offset;
    int64_t days = cx__floor_div(local, 86400), sod = local - days * 86400, y;
    unsigned m, d;
    cx__civil_from_days(days, &y, &m, &d);
    int n = snprintf(buf, size, "%04lld-%02u-%02uT%02d:%02d:%02d", (long long)y, m, d, (int)(sod / 3600),
                     (int)(sod / 60 % 60), (int)(sod % 60));
    if (n < 0 || (size_t)n >= size)
        return;
    if (offset == 0) {
        snprintf(buf + n, size - (size_t)n, "Z");
        return;
    }
    int32_t a = offset < 0 ? -offset : offset;
    if (a % 60)
        snprintf(buf + n, size - (size_t)n, "%c%02d:%02d:%02d", offset < 0 ? '-' : '+', (int)(a / 3600),
                 (int)(a / 60 % 60), (int)(a % 60));
    else
        snprintf(buf + n, size - (size_t)n, "%c%02d:%02d", offset < 0 ? '-' : '+', (int)(a / 3600), (int)(a / 60 % 60));
}

/* 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z */
#define YEAR0_SECONDS (-62167219200LL)
#define YEAR10000_SECONDS 253402300800LL

int cx_instant_format(cx_buffer *out, int64_t at, int32_t utc_offset_seconds)
{
    CX__CHECK_ARG(out, "cx_instant_format");
    if (utc_offset_seconds < -MAX_OFFSET || utc_offset_seconds > MAX_OFFSET)
        return cx__error(CX_ERANGE, "cx_instant_format: offset %ld s is outside -93599..93599", (long)utc_offset_seconds);
    if (at > INT64_MAX - MAX_OFFSET || at < INT64_MIN + MAX_OFFSET || at + utc_offset_seconds < YEAR0_SECONDS
        || at + utc_offset_seconds >= YEAR10000_SECONDS)
        return cx__error(CX_ERANGE, "cx_instant_format: instant %lld s is outside the years 0000..9999", (long long)at);
    char buf[48];
    cx__format_instant(buf, sizeof buf, at, utc_offset_seconds);
    return cx__buffer_append(out, buf, strlen(buf));
}
