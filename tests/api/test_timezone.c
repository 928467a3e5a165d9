/*
 * Black-box tests of time zones (TZif, RFC 8536) and ISO 8601 instants.
 *
 * Offsets of real zones come from tests/reference/calendar_reference.py
 * (Python zoneinfo; "ref: offset <zone> <instant>" names its output line).
 * TZif data built in memory here carry hand-chosen offsets, and the dates
 * of their POSIX rules are worked out by hand in the comments.
 */
#include "harness.h"

/* ---- a TZif writer for hand-made zones --------------------------------------- */

typedef struct tzif_spec {
    char version;            /* 0, '2', '3' or '4' */
    size_t n_trans;
    const int64_t *at;
    const uint8_t *type;
    size_t n_types;
    const int32_t *utoff;
    const uint8_t *isdst;
    const char *footer;      /* TZ string without newlines (version >= 2) */
    uint32_t leapcnt;
} tzif_spec;

static size_t put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
    return 4;
}

static size_t put64(uint8_t *p, int64_t v)
{
    put32(p, (uint32_t)((uint64_t)v >> 32));
    return 4 + put32(p + 4, (uint32_t)v);
}

static size_t put_header(uint8_t *p, char version, uint32_t leap, uint32_t times, uint32_t types)
{
    memset(p, 0, 44);
    memcpy(p, "TZif", 4);
    p[4] = (uint8_t)version;
    put32(p + 28, leap);
    put32(p + 32, times);
    put32(p + 36, types);
    put32(p + 40, 4); /* charcnt: "UTC\0" */
    return 44;
}

/* One data block with `tsize`-byte times. */
static size_t put_block(uint8_t *p, const tzif_spec *s, unsigned tsize)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n_trans; i++)
        n += tsize == 8 ? put64(p + n, s->at[i]) : put32(p + n, (uint32_t)(int32_t)s->at[i]);
    for (size_t i = 0; i < s->n_trans; i++)
        p[n++] = s->type[i];
    for (size_t i = 0; i < s->n_types; i++) {
        n += put32(p + n, (uint32_t)s->utoff[i]);
        p[n++] = s->isdst[i];
        p[n++] = 0;
    }
    memcpy(p + n, "UTC", 4);
    n += 4;
    for (uint32_t i = 0; i < s->leapcnt; i++) {
        n += tsize == 8 ? put64(p + n, 0) : put32(p + n, 0);
        n += put32(p + n, 0);
    }
    return n;
}

static size_t build_tzif(uint8_t *buf, const tzif_spec *s)
{
    size_t n = put_header(buf, s->version, s->leapcnt, (uint32_t)s->n_trans, (uint32_t)s->n_types);
    n += put_block(buf + n, s, 4);
    if (s->version == 0)
        return n;
    n += put_header(buf + n, s->version, s->leapcnt, (uint32_t)s->n_trans, (uint32_t)s->n_types);
    n += put_block(buf + n, s, 8);
    buf[n++] = '\n';
    size_t f = strlen(s->footer);
    memcpy(buf + n, s->footer, f);
    n += f;
    buf[n++] = '\n';
    return n;
}

/* A zone with no transitions, one standard type and a footer rule. */
static cx_timezone *rule_zone(const char *footer, int32_t std)
{
    static const uint8_t isdst[] = { 0 };
    const int32_t utoff[] = { std };
    tzif_spec s = { '2', 0, NULL, NULL, 1, utoff, isdst, footer, 0 };
    uint8_t buf[512];
    size_t n = build_tzif(buf, &s);
    cx_timezone *tz = NULL;
    assert_ok(cx_timezone_from_tzif(&tz, "Test/Rule", buf, n));
    return tz;
}

static int64_t at(const char *iso)
{
    int64_t t = 0;
    assert_ok(cx_instant_parse(&t, NULL, iso));
    return t;
}

static void assert_offset(const cx_timezone *tz, const char *iso, int32_t offset, int dst)
{
    int32_t o = 12345;
    int d = -1;
    assert_ok(cx_timezone_offset_at(&o, &d, tz, at(iso)));
    if (o != offset || d != dst) {
        print_error("%s at %s: offset %d dst %d, expected %d dst %d\n", cx_timezone_name(tz), iso, (int)o, d,
                    (int)offset, dst);
        fail();
    }
}

/* ---- real zones ------------------------------------------------------------------ */

static void test_timezone_system_zones(void **state)
{
    (void)state;
    static const struct {
        const char *zone, *iso;
        int32_t offset;
        int dst;
    } cases[] = {
        /* ref: offset <zone> <instant> lines of calendar_reference.py */
        { "Europe/Berlin", "2026-03-29T00:59:59Z", 3600, 0 },
        { "Europe/Berlin", "2026-03-29T01:00:00Z", 7200, 1 },
        { "Europe/Berlin", "2026-10-25T00:59:59Z", 7200, 1 },
        { "Europe/Berlin", "2026-10-25T01:00:00Z", 3600, 0 },
        { "Europe/Berlin", "2100-07-01T12:00:00Z", 7200, 1 }, /* past the file's table: its footer rule */
        { "Europe/Berlin", "2100-12-01T12:00:00Z", 3600, 0 },
        { "America/New_York", "2026-03-08T06:59:59Z", -18000, 0 },
        { "America/New_York", "2026-03-08T07:00:00Z", -14400, 1 },
        { "America/New_York", "2026-11-01T05:59:59Z", -14400, 1 },
        { "America/New_York", "2026-11-01T06:00:00Z", -18000, 0 },
        { "Australia/Sydney", "2026-04-04T15:59:59Z", 39600, 1 },
        { "Australia/Sydney", "2026-04-04T16:00:00Z", 36000, 0 },
        { "Australia/Sydney", "2026-10-03T15:59:59Z", 36000, 0 },
        { "Australia/Sydney", "2026-10-03T16:00:00Z", 39600, 1 },
        { "Australia/Sydney", "2150-01-15T00:00:00Z", 39600, 1 },
        { "Australia/Sydney", "2150-06-15T00:00:00Z", 36000, 0 },
        { "Europe/Dublin", "2026-01-15T12:00:00Z", 0, 1 }, /* Irish winter time is the "DST" of the file */
        { "Europe/Dublin", "2026-07-15T12:00:00Z", 3600, 0 },
        { "Europe/Dublin", "2120-01-15T12:00:00Z", 0, 1 },
        { "Europe/Dublin", "2120-07-15T12:00:00Z", 3600, 0 },
        { "Asia/Kolkata", "2026-06-01T00:00:00Z", 19800, 0 },
        { "America/St_Johns", "2026-07-01T00:00:00Z", -9000, 1 },
        { "Pacific/Chatham", "2026-01-01T00:00:00Z", 49500, 1 },
        { "America/Nuuk", "2026-03-29T00:59:59Z", -7200, 0 },
        { "America/Nuuk", "2026-03-29T01:00:00Z", -3600, 1 },
        { "Europe/Moscow", "2026-01-01T00:00:00Z", 10800, 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cx_timezone *tz = NULL;
        assert_ok(cx_timezone_load(&tz, cases[i].zone, NULL));
        assert_string_equal(cx_timezone_name(tz), cases[i].zone);
        assert_offset(tz, cases[i].iso, cases[i].offset, cases[i].dst);
        cx_timezone_free(tz);
    }
}

static void test_timezone_explicit_directory(void **state)
{
    (void)state;
    cx_timezone *tz = NULL;
    assert_ok(cx_timezone_load(&tz, "UTC", "/usr/share/zoneinfo"));
    assert_offset(tz, "2026-06-01T00:00:00Z", 0, 0);
    cx_timezone_free(tz);
    assert_status(cx_timezone_load(&tz, "UTC", "/nonexistent/zoneinfo"), CX_ENOTFOUND);
    assert_error_mentions("/nonexistent/zoneinfo/UTC");
    assert_null(tz);
}

/* ---- hand-made TZif data ----------------------------------------------------------- */

static void test_timezone_tzif_v1_and_v2(void **state)
{
    (void)state;
    /* Two transitions: +1h from 1000000000 s, back to 0 from 1100000000 s. */
    const int64_t ats[] = { 1000000000, 1100000000 };
    const uint8_t types[] = { 1, 0 };
    const int32_t utoff[] = { 0, 3600 };
    const uint8_t isdst[] = { 0, 1 };
    uint8_t buf[512];
    for (int v = 0; v < 4; v++) {
        const char versions[] = { 0, '2', '3', '4' };
        tzif_spec s = { versions[v], 2, ats, types, 2, utoff, isdst, "", 0 };
        size_t n = build_tzif(buf, &s);
        cx_timezone *tz = NULL;
        assert_ok(cx_timezone_from_tzif(&tz, "Test/Two", buf, n));
        int32_t o;
        int d;
        /* Before the first transition: type 0 (RFC 8536 3.2). */
        assert_ok(cx_timezone_offset_at(&o, &d, tz, 999999999));
        assert_int_equal(o, 0);
        assert_ok(cx_timezone_offset_at(&o, &d, tz, 1000000000));
        assert_int_equal(o, 3600);
        assert_int_equal(d, 1);
        assert_ok(cx_timezone_offset_at(&o, NULL, tz, 1099999999));
        assert_int_equal(o, 3600);
        /* After the last transition, without a footer rule: its type holds. */
        assert_ok(cx_timezone_offset_at(&o, &d, tz, 4000000000LL));
        assert_int_equal(o, 0);
        assert_int_equal(d, 0);
        cx_timezone_free(tz);
    }
}

static void test_timezone_footer_rules(void **state)
{
    (void)state;
    /* US rule: 2nd Sunday of March 02:00 EST, 1st Sunday of November
     * 02:00 EDT. 2026-03-01 and 2026-11-01 are Sundays: DST from
     * 2026-03-08T07:00Z to 2026-11-01T06:00Z. */
    cx_timezone *tz = rule_zone("EST5EDT,M3.2.0,M11.1.0", -18000);
    assert_offset(tz, "2026-03-08T06:59:59Z", -18000, 0);
    assert_offset(tz, "2026-03-08T07:00:00Z", -14400, 1);
    assert_offset(tz, "2026-11-01T05:59:59Z", -14400, 1);
    assert_offset(tz, "2026-11-01T06:00:00Z", -18000, 0);
    cx_timezone_free(tz);

    /* Southern hemisphere (Sydney): DST from the 1st Sunday of October
     * 02:00 AEST to the 1st Sunday of April 03:00 AEDT, across the new
     * year: 2026-04-05 and 2026-10-04 are those Sundays, i.e.
     * 2026-04-04T16:00Z and 2026-10-03T16:00Z. */
    tz = rule_zone("AEST-10AEDT,M10.1.0,M4.1.0/3", 36000);
    assert_offset(tz, "2026-01-01T00:00:00Z", 39600, 1);
    assert_offset(tz, "2026-04-04T15:59:59Z", 39600, 1);
    assert_offset(tz, "2026-04-04T16:00:00Z", 36000, 0);
    assert_offset(tz, "2026-10-03T16:00:00Z", 39600, 1);
    assert_offset(tz, "2026-12-31T23:59:59Z", 39600, 1);
    cx_timezone_free(tz);

    /* DST all year (RFC 8536 3.3.1): starts Jan 1 00:00, ends Dec 31 25:00. */
    tz = rule_zone("EST5EDT,0/0,J365/25", -18000);
    assert_offset(tz, "2026-01-01T04:30:00Z", -14400, 1);
    assert_offset(tz, "2026-07-01T00:00:00Z", -14400, 1);
    assert_offset(tz, "2027-01-01T05:30:00Z", -14400, 1);
    cx_timezone_free(tz);

    /* Day numbers: J60 is March 1 even in leap years; 0-based 59 is Feb 29
     * in 2024 and March 1 in 2023. Offsets 0 and +1h, changes at 02:00
     * standard time = 02:00Z, end at J300/n300 02:00 daylight = 01:00Z. */
    tz = rule_zone("AAA0BBB,J60,J300", 0);
    assert_offset(tz, "2024-03-01T01:59:59Z", 0, 0);
    assert_offset(tz, "2024-03-01T02:00:00Z", 3600, 1);
    cx_timezone_free(tz);
    tz = rule_zone("AAA0BBB,59,300", 0);
    assert_offset(tz, "2024-02-29T01:59:59Z", 0, 0);
    assert_offset(tz, "2024-02-29T02:00:00Z", 3600, 1);
    assert_offset(tz, "2023-03-01T02:00:00Z", 3600, 1);
    cx_timezone_free(tz);

    /* Negative rule times (America/Nuuk since 2023): DST starts the last
     * Sunday of March at -2:00 local standard time (-03), i.e. Saturday
     * 22:00 local = Sunday 01:00Z: 2026-03-29T01:00Z; ends the last Sunday
     * of October at -1:00 local daylight time (-02) = 2026-10-25T01:00Z. */
    tz = rule_zone("<-03>3<-02>,M3.5.0/-2,M10.5.0/-1", -10800);
    assert_offset(tz, "2026-03-29T00:59:59Z", -10800, 0);
    assert_offset(tz, "2026-03-29T01:00:00Z", -7200, 1);
    assert_offset(tz, "2026-10-25T00:59:59Z", -7200, 1);
    assert_offset(tz, "2026-10-25T01:00:00Z", -10800, 0);
    cx_timezone_free(tz);

    /* Explicit daylight offset and hours beyond 24 (RFC 8536 extension):
     * M3.5.0/26 is the last Sunday of March + 26 h = Monday 02:00 local. */
    tz = rule_zone("XXX-2YYY-4:30,M3.5.0/26,M10.5.0", 7200);
    assert_offset(tz, "2026-03-30T00:00:00Z", 16200, 1); /* Mon 02:00 +02 = Mon 00:00Z */
    assert_offset(tz, "2026-03-29T23:59:59Z", 7200, 0);
    cx_timezone_free(tz);
}

static void test_timezone_rule_far_instants(void **state)
{
    (void)state;
    /* The Gregorian calendar repeats every 400 years, weekdays included
     * (146097 days = 20871 weeks), so a rule puts an instant and the same
     * instant 400 k years later in the same season. 400 years are
     * 146097 * 86400 = 12622780800 s; 730000000 cycles from 2026 still fit
     * in an int64 (2026-07-01 + 9.2146e18 s < 2^63). */
    const int64_t cycle = 12622780800LL, k = 730000000LL;
    cx_timezone *tz = rule_zone("EST5EDT,M3.2.0,M11.1.0", -18000);
    int32_t o = 0;
    int d = -1;
    assert_ok(cx_timezone_offset_at(&o, &d, tz, at("2026-07-01T00:00:00Z") + k * cycle));
    assert_int_equal(o, -14400);
    assert_int_equal(d, 1);
    assert_ok(cx_timezone_offset_at(&o, &d, tz, at("2026-01-01T00:00:00Z") - k * cycle));
    assert_int_equal(o, -18000);
    assert_int_equal(d, 0);
    /* 2026-03-08T06:59:59Z is the last second of standard time (see
     * test_timezone_footer_rules); 400 k years on, too. */
    assert_ok(cx_timezone_offset_at(&o, &d, tz, at("2026-03-08T06:59:59Z") + k * cycle));
    assert_int_equal(o, -18000);
    assert_ok(cx_timezone_offset_at(&o, &d, tz, at("2026-03-08T07:00:00Z") + k * cycle));
    assert_int_equal(o, -14400);
    /* The ends of the int64 range are instants like any other (no
     * overflow; either offset of the rule is possible there). */
    assert_ok(cx_timezone_offset_at(&o, &d, tz, INT64_MAX));
    assert_true(o == -18000 || o == -14400);
    assert_ok(cx_timezone_offset_at(&o, &d, tz, INT64_MIN));
    assert_true(o == -18000 || o == -14400);
    cx_timezone_free(tz);
}

static void test_timezone_fixed(void **state)
{
    (void)state;
    static const struct {
        int32_t offset;
        const char *name;
    } cases[] = { { 0, "UTC" }, { 3600, "UTC+01:00" }, { -12600, "UTC-03:30" }, { 20730, "UTC+05:45:30" } };
    for (size_t i = 0; i < 4; i++) {
        cx_timezone *tz = NULL;
        assert_ok(cx_timezone_fixed(&tz, cases[i].offset));
        assert_string_equal(cx_timezone_name(tz), cases[i].name);
        assert_offset(tz, "2026-07-01T00:00:00Z", cases[i].offset, 0);
        assert_offset(tz, "1950-01-01T00:00:00Z", cases[i].offset, 0);
        cx_timezone_free(tz);
    }
    cx_timezone *tz = (cx_timezone *)&tz;
    assert_status(cx_timezone_fixed(&tz, 93600), CX_ERANGE);
    assert_error_mentions("93600");
    assert_null(tz);
    assert_status(cx_timezone_fixed(NULL, 0), CX_EINVAL);
    assert_null(cx_timezone_name(NULL));
    cx_timezone_free(NULL);
}

/* ---- bad zones ------------------------------------------------------------------------ */

static void test_timezone_bad_names(void **state)
{
    (void)state;
    static const struct {
        const char *name, *fragment;
        int code;
    } cases[] = {
        { "Europe/Berln", "unknown time zone \"Europe/Berln\"", CX_ENOTFOUND },
        { "Europe", "is a directory", CX_ENOTFOUND },
        { "../etc/passwd", "starting with '.'", CX_EINVAL },
        { "/etc/passwd", "empty path component", CX_EINVAL },
        { "Europe//Berlin", "empty path component", CX_EINVAL },
        { "Europe/", "ends with '/'", CX_EINVAL },
        { "Europe/.Berlin", "starting with '.'", CX_EINVAL },
        { "Europe/Ber lin", "contains ' '", CX_EINVAL },
        { "", "empty", CX_EINVAL },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cx_timezone *tz = (cx_timezone *)&tz;
        assert_status(cx_timezone_load(&tz, cases[i].name, NULL), cases[i].code);
        assert_error_mentions(cases[i].fragment);
        assert_null(tz);
    }
    char longname[300];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    cx_timezone *tz = NULL;
    assert_status(cx_timezone_load(&tz, longname, NULL), CX_EINVAL);
    assert_error_mentions("longer than 255 bytes");
    assert_status(cx_timezone_load(&tz, NULL, NULL), CX_EINVAL);
    assert_status(cx_timezone_load(NULL, "UTC", NULL), CX_EINVAL);
}

static void expect_bad_tzif(const uint8_t *buf, size_t n, const char *fragment)
{
    cx_timezone *tz = (cx_timezone *)&tz;
    assert_status(cx_timezone_from_tzif(&tz, "Test/Bad", buf, n), CX_EFORMAT);
    assert_error_mentions(fragment);
    assert_null(tz);
}

static void test_timezone_bad_tzif(void **state)
{
    (void)state;
    const int64_t ats[] = { 1000000000, 1100000000 };
    const uint8_t types[] = { 1, 0 };
    const int32_t utoff[] = { 0, 3600 };
    const uint8_t isdst[] = { 0, 1 };
    uint8_t buf[512];
    tzif_spec s = { '2', 2, ats, types, 2, utoff, isdst, "CET-1CEST,M3.5.0,M10.5.0/3", 0 };
    size_t n = build_tzif(buf, &s);
    cx_timezone *good = NULL;
    assert_ok(cx_timezone_from_tzif(&good, "Test/Good", buf, n));
    cx_timezone_free(good);

    uint8_t bad[512];
    memcpy(bad, buf, n);
    bad[0] = 'X';
    expect_bad_tzif(bad, n, "magic");
    expect_bad_tzif(buf, 20, "truncated header");
    expect_bad_tzif(buf, n - 8, "footer"); /* the footer lost its end */
    expect_bad_tzif(buf, 60, "version 1 data block is truncated");
    memcpy(bad, buf, n);
    bad[4] = '5';
    expect_bad_tzif(bad, n, "version byte 0x35");

    tzif_spec leap = s;
    leap.leapcnt = 1;
    size_t nl = build_tzif(bad, &leap);
    expect_bad_tzif(bad, nl, "leap-second");

    const uint8_t bad_types[] = { 2, 0 };
    tzif_spec t = s;
    t.type = bad_types;
    size_t nt = build_tzif(bad, &t);
    expect_bad_tzif(bad, nt, "type index is not below typecnt");

    const int64_t backwards[] = { 1100000000, 1000000000 };
    tzif_spec b = s;
    b.at = backwards;
    size_t nb = build_tzif(bad, &b);
    expect_bad_tzif(bad, nb, "not ascending");

    const int32_t huge[] = { 0, 100000 };
    tzif_spec h = s;
    h.utoff = huge;
    size_t nh = build_tzif(bad, &h);
    expect_bad_tzif(bad, nh, "beyond 26 hours");

    static const struct {
        const char *footer, *fragment;
    } footers[] = {
        { "CET-1CEST", "without a \",start,end\" rule" },
        { "C-1", "shorter than 3" },
        { "CET-1CEST,M13.5.0,M10.5.0", "month of Mm.w.d" },
        { "CET-1CEST,M3.6.0,M10.5.0", "week of Mm.w.d" },
        { "CET-1CEST,M3.5.7,M10.5.0", "weekday of Mm.w.d" },
        { "CET-1CEST,J366,M10.5.0", "Julian day" },
        { "CET-1CEST,M3.5.0/168,M10.5.0", "hours missing or out of range" },
        { "CET-1CEST,M3.5.0,M10.5.0 x", "unexpected text" },
        { "CET-25", "hours missing or out of range" },
        { "<CE", "unterminated" },
    };
    for (size_t i = 0; i < sizeof footers / sizeof footers[0]; i++) {
        tzif_spec f = s;
        f.footer = footers[i].footer;
        size_t nf = build_tzif(bad, &f);
        expect_bad_tzif(bad, nf, footers[i].fragment);
    }

    cx_timezone *tz = NULL;
    assert_status(cx_timezone_from_tzif(&tz, "Test/Big", buf, (size_t)CX_TZIF_MAX_SIZE + 1), CX_EFORMAT);
    assert_error_mentions("exceed the limit");
    assert_status(cx_timezone_from_tzif(&tz, "", buf, n), CX_EINVAL);
    assert_status(cx_timezone_from_tzif(&tz, NULL, buf, n), CX_EINVAL);
    assert_status(cx_timezone_from_tzif(&tz, "X", NULL, n), CX_EINVAL);
    int32_t o;
    assert_status(cx_timezone_offset_at(&o, NULL, NULL, 0), CX_EINVAL);
}

/* ---- instants ------------------------------------------------------------------------------ */

static void test_timezone_instant_parse(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int64_t seconds;
        int32_t nanos;
    } good[] = {
        /* By hand: 2026-03-29 is day 20541 since 1970-01-01; 20541 * 86400 = 1774742400. */
        { "2026-03-29T00:00:00Z", 1774742400, 0 },
        { "2026-03-29T01:30:00+01:00", 1774742400 + 1800, 0 },
        { "2026-03-29t01:30:00+0100", 1774742400 + 1800, 0 },
        { "2026-03-29 01:30:00+01", 1774742400 + 1800, 0 },
        { "2026-03-29T00:00Z", 1774742400, 0 },
        { "2026-03-28T20:30:00-03:30", 1774742400, 0 },
        { "2026-03-29T00:00:00.25z", 1774742400, 250000000 },
        { "2026-03-29T00:00:00,123456789123Z", 1774742400, 123456789 },
        { "1969-12-31T23:59:59.5Z", -1, 500000000 },
        { "1970-01-01T00:00:00+00:00", 0, 0 },
        { "2024-02-29T12:00:00Z", 1709208000, 0 }, /* leap day: 19782 * 86400 + 43200 */
        { "0000-01-01T00:00:00Z", -62167219200LL, 0 },
        { "9999-12-31T23:59:59Z", 253402300799LL, 0 },
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        int64_t s = 0;
        int32_t ns = -1;
        assert_ok(cx_instant_parse(&s, &ns, good[i].text));
        if (s != good[i].seconds || ns != good[i].nanos) {
            print_error("%s: %lld s %d ns\n", good[i].text, (long long)s, (int)ns);
            fail();
        }
    }
    static const struct {
        const char *text, *fragment;
    } bad[] = {
        { "2026-03-29T00:00:00", "there is no UTC offset" },
        { "2026-03-29", "there is no time of day" },
        { "2026-13-01T00:00:00Z", "month must be 01..12" },
        { "2026-02-29T00:00:00Z", "day 29 does not exist in 2026-02" },
        { "2026-04-31T00:00:00Z", "day 31 does not exist" },
        { "2026-03-29T24:00:00Z", "hour must be 00..23" },
        { "2026-03-29T12:60:00Z", "minutes must be 00..59" },
        { "2026-12-31T23:59:60Z", "leap seconds" },
        { "2026-03-29T00:00:00+24:00", "offset hours" },
        { "2026-03-29T00:00:00+01:60", "offset minutes" },
        { "2026-03-29T00:00:00.Z", "decimal mark" },
        { "2026-03-29T00:00:00Z junk", "unexpected text" },
        { "2026-03-29X00:00:00Z", "separated by 'T'" },
        { "26-03-29T00:00:00Z", "four-digit year" },
        { "2026-03-29T00:00:00UTC", "must be Z or +hh:mm" },
        { "", "four-digit year" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t s = 42;
        assert_status(cx_instant_parse(&s, NULL, bad[i].text), CX_EFORMAT);
        assert_error_mentions(bad[i].fragment);
        assert_int_equal(s, 42); /* untouched */
    }
    int64_t s;
    assert_status(cx_instant_parse(NULL, NULL, "2026-03-29T00:00:00Z"), CX_EINVAL);
    assert_status(cx_instant_parse(&s, NULL, NULL), CX_EINVAL);
}

static void test_timezone_instant_format(void **state)
{
    (void)state;
    cx_buffer b = CX_BUFFER_INIT;
    assert_ok(cx_instant_format(&b, 1774742400 + 1800, 3600));
    assert_string_equal(b.data, "2026-03-29T01:30:00+01:00");
    cx_buffer_dispose(&b);
    assert_ok(cx_instant_format(&b, -1, 0));
    assert_string_equal(b.data, "1969-12-31T23:59:59Z");
    cx_buffer_dispose(&b);
    assert_ok(cx_instant_format(&b, 0, -20730));
    assert_string_equal(b.data, "1969-12-31T18:14:30-05:45:30");
    /* Appends; round trip through the parser. */
    assert_ok(cx_instant_format(&b, 1709208000, 0));
    assert_string_equal(b.data, "1969-12-31T18:14:30-05:45:302024-02-29T12:00:00Z");
    cx_buffer_dispose(&b);
    for (int64_t t = -86400 * 400; t < 86400 * 800000LL; t += 86400 * 977 + 3607) {
        assert_ok(cx_instant_format(&b, t, -12600));
        int64_t back = 0;
        assert_ok(cx_instant_parse(&back, NULL, b.data));
        assert_int_equal(back, t);
        cx_buffer_dispose(&b);
    }
    assert_status(cx_instant_format(&b, 253402300800LL, 0), CX_ERANGE);
    assert_error_mentions("years 0000..9999");
    assert_status(cx_instant_format(&b, 0, 93600), CX_ERANGE);
    assert_status(cx_instant_format(NULL, 0, 0), CX_EINVAL);
    assert_null(b.data);
}

/* ---- allocation failures ------------------------------------------------------------------- */

static int oom_load(void *ctx)
{
    (void)ctx;
    cx_timezone *tz = NULL;
    int rc = cx_timezone_load(&tz, "Europe/Berlin", NULL);
    if (rc == CX_OK) {
        int32_t o;
        assert_ok(cx_timezone_offset_at(&o, NULL, tz, 0));
    } else {
        assert_null(tz);
    }
    cx_timezone_free(tz);
    if (rc != CX_OK)
        return rc;
    rc = cx_timezone_fixed(&tz, 3600);
    cx_timezone_free(tz);
    if (rc != CX_OK)
        return rc;
    cx_buffer b = CX_BUFFER_INIT;
    rc = cx_instant_format(&b, 0, 0);
    cx_buffer_dispose(&b);
    return rc;
}

static void test_timezone_allocation_failures(void **state)
{
    (void)state;
    long points = cx_test_each_allocation_fails(oom_load, NULL);
    assert_true(points >= 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_timezone_system_zones),
        cmocka_unit_test(test_timezone_explicit_directory),
        cmocka_unit_test(test_timezone_tzif_v1_and_v2),
        cmocka_unit_test(test_timezone_footer_rules),
        cmocka_unit_test(test_timezone_rule_far_instants),
        cmocka_unit_test(test_timezone_fixed),
        cmocka_unit_test(test_timezone_bad_names),
        cmocka_unit_test(test_timezone_bad_tzif),
        cmocka_unit_test(test_timezone_instant_parse),
        cmocka_unit_test(test_timezone_instant_format),
        cmocka_unit_test(test_timezone_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
