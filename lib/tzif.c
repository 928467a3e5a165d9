/*
 * Reader of TZif data, RFC 8536 ("The Time Zone Information Format"),
 * versions 1 to 4, and of the POSIX TZ string in its footer (section 3.3,
 * with the RFC's extensions: hours of a rule's time in -167..167).
 *
 * A version 1 file is read from its 32-bit block. From version 2 on, the
 * 32-bit block is skipped and the 64-bit block and the footer are read.
 */
#include <stdio.h>
#include <string.h>

#include "core_internal.h"
#include "timezone_internal.h"

#define TZIF_HEADER_LEN 44
/* RFC 8536 3.2: utoff must not be -2^31; real offsets are below 26 hours. */
#define TZIF_MAX_OFFSET 93599

typedef struct tzif_counts {
    uint32_t isut, isstd, leap, time, type, chars;
} tzif_counts;

typedef struct tzif_cursor {
    const uint8_t *data;
    size_t len;
    size_t pos;
    const char *name;
} tzif_cursor;

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const uint8_t *p)
{
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

static int bad(const tzif_cursor *c, const char *what)
{
    return cx__error(CX_EFORMAT, "time zone \"%s\": TZif data is malformed at byte %zu: %s", c->name, c->pos, what);
}

static int read_header(tzif_cursor *c, char *version, tzif_counts *n)
{
    if (c->len - c->pos < TZIF_HEADER_LEN)
        return bad(c, "truncated header");
    const uint8_t *h = c->data + c->pos;
    if (memcmp(h, "TZif", 4) != 0)
        return bad(c, "no \"TZif\" magic (not a TZif file)");
    *version = (char)h[4];
    if (*version != 0 && *version != '2' && *version != '3' && *version != '4')
        return cx__error(CX_EFORMAT, "time zone \"%s\": TZif version byte 0x%02x is not 0, '2', '3' or '4'", c->name,
                         (unsigned)h[4]);
    n->isut = be32(h + 20);
    n->isstd = be32(h + 24);
    n->leap = be32(h + 28);
    n->time = be32(h + 32);
    n->type = be32(h + 36);
    n->chars = be32(h + 40);
    if (n->type == 0 || n->type > 256)
        return bad(c, "typecnt must be 1..256");
    if (n->chars == 0)
        return bad(c, "charcnt must not be 0");
    if ((n->isut != 0 && n->isut != n->type) || (n->isstd != 0 && n->isstd != n->type))
        return bad(c, "isutcnt and isstdcnt must be 0 or typecnt");
    if (n->leap != 0)
        return cx__error(CX_EFORMAT,
                         "time zone \"%s\" has leap-second records (a \"right/\" zone); its instants are not POSIX "
                         "time and are not supported",
                         c->name);
    c->pos += TZIF_HEADER_LEN;
    return CX_OK;
}

/* Size of a data block with `tsize`-byte times. */
static uint64_t block_size(const tzif_counts *n, unsigned tsize)
{
    return (uint64_t)n->time * tsize + n->time + (uint64_t)n->type * 6 + n->chars + (uint64_t)n->leap * (tsize + 4)
           + n->isstd + n->isut;
}

static int alloc_arrays(cx_timezone *tz, const tzif_counts *n)
{
    tz->n_transitions = n->time;
    tz->n_types = n->type;
    tz->transition_at = cx__reallocarray(NULL, n->time ? n->time : 1, sizeof *tz->transition_at);
    tz->transition_type = cx__malloc(n->time ? n->time : 1);
    tz->type_offset = cx__reallocarray(NULL, n->type, sizeof *tz->type_offset);
    tz->type_is_dst = cx__malloc(n->type);
    if (!tz->transition_at || !tz->transition_type || !tz->type_offset || !tz->type_is_dst)
        return cx__nomem("reading a time zone");
    return CX_OK;
}

static int read_block(tzif_cursor *c, const tzif_counts *n, unsigned tsize, cx_timezone *tz)
{
    if (block_size(n, tsize) > c->len - c->pos)
        return bad(c, "data block is truncated");
    int rc = alloc_arrays(tz, n);
    if (rc != CX_OK)
        return rc;
    const uint8_t *p = c->data + c->pos;
    for (uint32_t i = 0; i < n->time; i++) {
        tz->transition_at[i] = tsize == 8 ? be64(p + 8 * i) : (int64_t)(int32_t)be32(p + 4 * i);
        if (i > 0 && tz->transition_at[i] <= tz->transition_at[i - 1]) {
            c->pos += (size_t)tsize * i;
            return bad(c, "transition times are not ascending");
        }
    }
    p += (size_t)n->time * tsize;
    for (uint32_t i = 0; i < n->time; i++) {
        if (p[i] >= n->type) {
            c->pos = (size_t)(p + i - c->data);
            return bad(c, "transition type index is not below typecnt");
        }
        tz->transition_type[i] = p[i];
    }
    p += n->time;
    for (uint32_t i = 0; i < n->type; i++, p += 6) {
        int32_t off = (int32_t)be32(p);
        if (off < -TZIF_MAX_OFFSET || off > TZIF_MAX_OFFSET || p[4] > 1 || p[5] >= n->chars) {
            c->pos = (size_t)(p - c->data);
            return bad(c, "local time type has an offset beyond 26 hours, a DST flag not 0/1 or a bad designation index");
        }
        tz->type_offset[i] = off;
        tz->type_is_dst[i] = p[4];
    }
    c->pos += (size_t)block_size(n, tsize);
    return CX_OK;
}

static int read_footer(tzif_cursor *c, cx_timezone *tz)
{
    if (c->pos >= c->len || c->data[c->pos] != '\n')
        return bad(c, "footer does not start with a newline");
    const uint8_t *start = c->data + c->pos + 1;
    const uint8_t *nl = memchr(start, '\n', c->len - c->pos - 1);
    if (nl == NULL)
        return bad(c, "footer does not end with a newline");
    size_t n = (size_t)(nl - start);
    c->pos++;
    if (n == 0)
        return CX_OK; /* no rule: the last transition's type holds forever */
    int rc = cx__tz_parse_rule((const char *)start, n, &tz->rule);
    if (rc != CX_OK) {
        char msg[128];
        snprintf(msg, sizeof msg, "%s", cx_last_error()); /* the message buffer is rewritten below */
        return cx__error(rc, "time zone \"%s\": footer TZ string \"%.*s\": %s", c->name, (int)(n > 64 ? 64 : n),
                         (const char *)start, msg);
    }
    tz->has_rule = true;
    return CX_OK;
}

static void release_arrays(cx_timezone *tz)
{
    cx__free(tz->transition_at);
    cx__free(tz->transition_type);
    cx__free(tz->type_offset);
    cx__free(tz->type_is_dst);
    tz->transition_at = NULL;
    tz->transition_type = NULL;
    tz->type_offset = NULL;
    tz->type_is_dst = NULL;
}

int cx__tzif_parse(cx_timezone *tz, const void *data, size_t len)
{
    tzif_cursor c = { data, len, 0, tz->name };
    char version;
    tzif_counts n;
    int rc = read_header(&c, &version, &n);
    if (rc != CX_OK)
        return rc;
    if (version == 0) {
        rc = read_block(&c, &n, 4, tz);
        if (rc != CX_OK)
            release_arrays(tz);
        return rc;
    }
    if (block_size(&n, 4) > c.len - c.pos)
        return bad(&c, "version 1 data block is truncated");
    c.pos += (size_t)block_size(&n, 4);
    if ((rc = read_header(&c, &version, &n)) != CX_OK)
        return rc;
    if (version == 0)
        return bad(&c, "second header has version 0");
    if ((rc = read_block(&c, &n, 8, tz)) != CX_OK || (rc = read_footer(&c, tz)) != CX_OK)
        release_arrays(tz);
    return rc;
}

/* ---- POSIX TZ strings ------------------------------------------------ */

typedef struct rule_cursor {
    const char *s;
    size_t len, pos;
} rule_cursor;

static int peek(const rule_cursor *r)
{
    return r->pos < r->len ? (unsigned char)r->s[r->pos] : -1;
}

static bool is_alpha(int ch)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z');
}

static bool is_digit(int ch)
{
    return ch >= '0' && ch <= '9';
}

static int rule_error(const rule_cursor *r, const char *what)
{
    return cx__error(CX_EFORMAT, "%s at character %zu", what, r->pos + 1);
}

/* A zone abbreviation: 3+ letters, or <...> of letters, digits, '+', '-'. */
static int parse_abbreviation(rule_cursor *r)
{
    size_t n = 0;
    if (peek(r) == '<') {
        r->pos++;
        while (is_alpha(peek(r)) || is_digit(peek(r)) || peek(r) == '+' || peek(r) == '-') {
            r->pos++;
            n++;
        }
        if (peek(r) != '>')
            return rule_error(r, "unterminated <abbreviation>");
        r->pos++;
    } else {
        while (is_alpha(peek(r))) {
            r->pos++;
            n++;
        }
    }
    return n >= 3 ? CX_OK : rule_error(r, "zone abbreviation shorter than 3 characters");
}

static long parse_number(rule_cursor *r, int max_digits)
{
    long v = 0;
    int digits = 0;
    while (is_digit(peek(r)) && digits < max_digits) {
        v = v * 10 + (peek(r) - '0');
        r->pos++;
        digits++;
    }
    return digits ? v : -1;
}

/* [+-]hh[:mm[:ss]] with hh <= max_hours; the sign is returned applied. */
static int parse_hms(rule_cursor *r, long max_hours, int32_t *out)
{
    int sign = 1;
    if (peek(r) == '+' || peek(r) == '-')
        sign = r->s[r->pos++] == '-' ? -1 : 1;
    long h = parse_number(r, 3), m = 0, s = 0;
    if (h < 0 || h > max_hours)
        return rule_error(r, "hours missing or out of range");
    if (peek(r) == ':') {
        r->pos++;
        if ((m = parse_number(r, 2)) < 0 || m > 59)
            return rule_error(r, "minutes missing or above 59");
        if (peek(r) == ':') {
            r->pos++;
            if ((s = parse_number(r, 2)) < 0 || s > 59)
                return rule_error(r, "seconds missing or above 59");
        }
    }
    *out = (int32_t)(sign * (h * 3600 + m * 60 + s));
    return CX_OK;
}

static int parse_date(rule_cursor *r, cx__tz_date *d)
{
    d->time = 7200; /* POSIX default: 02:00 */
    long v;
    if (peek(r) == 'J') {
        r->pos++;
        d->kind = 'J';
        if ((v = parse_number(r, 3)) < 1 || v > 365)
            return rule_error(r, "Julian day Jn must be 1..365");
        d->day = (int16_t)v;
    } else if (peek(r) == 'M') {
        long m, w, wd;
        r->pos++;
        d->kind = 'M';
        if ((m = parse_number(r, 2)) < 1 || m > 12 || peek(r) != '.')
            return rule_error(r, "month of Mm.w.d must be 1..12");
        r->pos++;
        if ((w = parse_number(r, 1)) < 1 || w > 5 || peek(r) != '.')
            return rule_error(r, "week of Mm.w.d must be 1..5");
        r->pos++;
        if ((wd = parse_number(r, 1)) < 0 || wd > 6)
            return rule_error(r, "weekday of Mm.w.d must be 0..6");
        d->month = (int8_t)m;
        d->week = (int8_t)w;
        d->weekday = (int8_t)wd;
    } else {
        d->kind = 'N';
        if ((v = parse_number(r, 3)) < 0 || v > 365)
            return rule_error(r, "day n must be 0..365");
        d->day = (int16_t)v;
    }
    if (peek(r) == '/') {
        r->pos++;
        return parse_hms(r, 167, &d->time);
    }
    return CX_OK;
}

int cx__tz_parse_rule(const char *text, size_t len, cx__tz_rule *rule)
{
    rule_cursor r = { text, len, 0 };
    memset(rule, 0, sizeof *rule);
    int32_t west;
    int rc;
    if ((rc = parse_abbreviation(&r)) != CX_OK || (rc = parse_hms(&r, 24, &west)) != CX_OK)
        return rc;
    rule->std_offset = -west; /* POSIX offsets count west of Greenwich */
    if (r.pos == r.len)
        return CX_OK;
    if ((rc = parse_abbreviation(&r)) != CX_OK)
        return rc;
    rule->has_dst = true;
    rule->dst_offset = rule->std_offset + 3600;
    if (peek(&r) != ',' && r.pos < r.len) {
        if ((rc = parse_hms(&r, 24, &west)) != CX_OK)
            return rc;
        rule->dst_offset = -west;
    }
    if (peek(&r) != ',')
        return rule_error(&r, "daylight-saving time without a \",start,end\" rule");
    r.pos++;
    if ((rc = parse_date(&r, &rule->start)) != CX_OK)
        return rc;
    if (peek(&r) != ',')
        return rule_error(&r, "expected \",\" before the end of daylight-saving time");
    r.pos++;
    if ((rc = parse_date(&r, &rule->end)) != CX_OK)
        return rc;
    if (r.pos != r.len)
        return rule_error(&r, "unexpected text after the rule");
    return CX_OK;
}
