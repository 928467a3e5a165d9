/*
 * Black-box tests of business calendars: the builder, business-time
 * arithmetic across DST changes, holidays, split shifts, versions and year
 * ends, the calendar file format, errors, properties, threads and
 * allocation failures.
 *
 * Expected figures are hand calculations shown beside them; the larger set
 * of vectors in tests/data/service/calendars.json is checked against Python
 * zoneinfo by tests/reference/calendar_reference.py and run by
 * test_calendar_vectors.c. Property tests need no expected figures: they
 * check identities (additivity, add-then-measure) on pseudo-random input.
 */
#include <pthread.h>

#include "harness.h"

#define H 3600
#define SPLIT_DAY (3 * H + 4 * H + 1800) /* 09:00-12:00 and 13:00-17:30: 27000 s */

static cx_timezone *zone(const char *name)
{
    cx_timezone *tz = NULL;
    assert_ok(cx_timezone_load(&tz, name, NULL));
    return tz;
}

static int64_t at(const char *iso)
{
    int64_t t = 0;
    assert_ok(cx_instant_parse(&t, NULL, iso));
    return t;
}

/* Europe/Berlin, Monday to Friday 09:00-12:00 and 13:00-17:30. */
static cx_calendar_builder *split_builder(void)
{
    cx_timezone *tz = zone("Europe/Berlin");
    cx_calendar_builder *b = NULL;
    assert_ok(cx_calendar_builder_new(&b, tz));
    cx_timezone_free(tz); /* the builder keeps its own copy */
    for (int d = CX_WEEKDAY_MONDAY; d <= CX_WEEKDAY_FRIDAY; d++) {
        assert_ok(cx_calendar_builder_add_hours(b, 0, (cx_weekday)d, 13 * H, 17 * H + 1800));
        assert_ok(cx_calendar_builder_add_hours(b, 0, (cx_weekday)d, 9 * H, 12 * H)); /* any order */
    }
    return b;
}

static cx_calendar *build(const cx_calendar_builder *b)
{
    cx_calendar *cal = NULL;
    assert_ok(cx_calendar_build(&cal, b));
    return cal;
}

static int64_t business(const cx_calendar *cal, const char *from, const char *to)
{
    int64_t s = 0;
    assert_ok(cx_calendar_business_seconds(&s, cal, at(from), at(to)));
    return s;
}

static int64_t plus(const cx_calendar *cal, const char *from, int64_t seconds)
{
    int64_t t = 0;
    assert_ok(cx_calendar_add_business_seconds(&t, cal, at(from), seconds));
    return t;
}

/* ---- hand-computed cases ---------------------------------------------------------- */

static void test_calendar_split_shifts(void **state)
{
    (void)state;
    cx_calendar_builder *b = split_builder();
    cx_calendar *cal = build(b);
    /* 2026-03-02 is a Monday. */
    assert_int_equal(business(cal, "2026-03-02T09:00:00+01:00", "2026-03-02T12:00:00+01:00"), 3 * H);
    assert_int_equal(business(cal, "2026-03-02T10:00:00+01:00", "2026-03-02T14:00:00+01:00"), 3 * H); /* 2 h + 1 h */
    assert_int_equal(business(cal, "2026-03-02T12:00:00+01:00", "2026-03-02T13:00:00+01:00"), 0);     /* lunch */
    assert_int_equal(business(cal, "2026-03-02T00:00:00+01:00", "2026-03-09T00:00:00+01:00"), 5 * SPLIT_DAY);
    /* Friday 17:00 to Monday 09:30: 1800 + 1800. */
    assert_int_equal(business(cal, "2026-03-06T17:00:00+01:00", "2026-03-09T09:30:00+01:00"), 3600);
    /* Four weeks, one containing the start of DST on Sunday 2026-03-29:
     * weekday hours are wall-clock hours, so 20 days x 27000. */
    assert_int_equal(business(cal, "2026-03-16T00:00:00+01:00", "2026-04-13T00:00:00+02:00"), 20 * SPLIT_DAY);
    /* The same instant: 0; reversed: negative. */
    assert_int_equal(business(cal, "2026-03-02T10:00:00+01:00", "2026-03-02T10:00:00+01:00"), 0);
    assert_int_equal(business(cal, "2026-03-02T14:00:00+01:00", "2026-03-02T10:00:00+01:00"), -3 * H);
    int open = -1;
    assert_ok(cx_calendar_is_open(&open, cal, at("2026-03-02T12:00:00+01:00")));
    assert_int_equal(open, 0); /* a closing instant is closed */
    assert_ok(cx_calendar_is_open(&open, cal, at("2026-03-02T09:00:00+01:00")));
    assert_int_equal(open, 1); /* an opening instant is open */
    cx_calendar_free(cal);
    cx_calendar_builder_free(b);
}

static void test_calendar_dst_wall_clock(void **state)
{
    (void)state;
    /* A night shift 01:00-04:00 every day covers the hour Berlin skips
     * (02:00-03:00 on 2026-03-29) and the hour it repeats (02:00-03:00 on
     * 2026-10-25). */
    cx_timezone *tz = zone("Europe/Berlin");
    cx_calendar_builder *b = NULL;
    assert_ok(cx_calendar_builder_new(&b, tz));
    for (int d = 1; d <= 7; d++)
        assert_ok(cx_calendar_builder_add_hours(b, 0, (cx_weekday)d, 1 * H, 4 * H));
    cx_calendar *cal = build(b);
    /* Spring: wall 01:00-02:00 and 03:00-04:00 happen: 2 h. */
    assert_int_equal(business(cal, "2026-03-29T00:00:00+01:00", "2026-03-30T00:00:00+02:00"), 2 * H);
    /* Autumn: 01:00-03:00 CEST and 02:00-04:00 CET: 4 h. */
    assert_int_equal(business(cal, "2026-10-25T00:00:00+02:00", "2026-10-26T00:00:00+01:00"), 4 * H);
    /* Ordinary days: 3 h. */
    assert_int_equal(business(cal, "2026-03-28T00:00:00+01:00", "2026-03-29T00:00:00+01:00"), 3 * H);
    /* Adding across the gap: 01:00 CET + 1.5 h = 03:30 CEST (01:30Z). */
    assert_int_equal(plus(cal, "2026-03-29T01:00:00+01:00", 5400), at("2026-03-29T03:30:00+02:00"));
    /* Adding across the repeated hour: 02:30 CEST + 1 h = 02:00 CET + 30 min = 02:30 CET. */
    assert_int_equal(plus(cal, "2026-10-25T02:30:00+02:00", H), at("2026-10-25T02:30:00+01:00"));
    int64_t next = 0;
    assert_ok(cx_calendar_next_change(&next, cal, at("2026-03-29T01:30:00+01:00")));
    assert_int_equal(next, at("2026-03-29T04:00:00+02:00")); /* open through the gap until 04:00 CEST */
    assert_ok(cx_calendar_next_change(&next, cal, at("2026-03-29T05:00:00+02:00")));
    assert_int_equal(next, at("2026-03-30T01:00:00+02:00"));
    cx_calendar_free(cal);
    cx_calendar_builder_free(b);
    cx_timezone_free(tz);
}

static void test_calendar_holidays_and_year_end(void **state)
{
    (void)state;
    cx_calendar_builder *b = split_builder();
    assert_ok(cx_calendar_builder_add_holiday(b, 2026, 12, 25));
    assert_ok(cx_calendar_builder_add_holiday(b, 2027, 1, 1));
    assert_ok(cx_calendar_builder_add_holiday_hours(b, 2026, 12, 31, 9 * H, 12 * H));
    assert_ok(cx_calendar_builder_add_holiday_hours(b, 2026, 12, 24, 10 * H, 12 * H));
    assert_ok(cx_calendar_builder_add_holiday_hours(b, 2026, 12, 24, 8 * H, 9 * H)); /* a second interval */
    cx_calendar *cal = build(b);
    /* Dec 24 (Thu): 08-09 and 10-12 = 3 h. Dec 25 (Fri): closed. */
    assert_int_equal(business(cal, "2026-12-24T00:00:00+01:00", "2026-12-26T00:00:00+01:00"), 3 * H);
    /* Dec 31 (Thu) 16:00 to Jan 4 (Mon) 10:00: Dec 31 closes at 12:00, Jan 1 is a holiday,
     * then the weekend; Monday 09-10 = 1 h. */
    assert_int_equal(business(cal, "2026-12-31T16:00:00+01:00", "2027-01-04T10:00:00+01:00"), H);
    /* 2 business hours from Dec 30 (Wed) 17:00: 30 min on Wednesday, 90 min on Dec 31 -> 10:30. */
    assert_int_equal(plus(cal, "2026-12-30T17:00:00+01:00", 2 * H), at("2026-12-31T10:30:00+01:00"));
    int open = -1;
    assert_ok(cx_calendar_is_open(&open, cal, at("2026-12-24T09:30:00+01:00")));
    assert_int_equal(open, 0); /* between the partial holiday's intervals */
    assert_ok(cx_calendar_is_open(&open, cal, at("2026-12-24T08:30:00+01:00")));
    assert_int_equal(open, 1); /* holiday hours may lie outside the weekly hours */
    cx_calendar_free(cal);
    cx_calendar_builder_free(b);
}

static void test_calendar_versions(void **state)
{
    (void)state;
    cx_calendar_builder *b = split_builder();
    size_t v1 = 0, v2 = 0;
    /* From Wednesday 2026-07-01: Monday to Thursday 08:00-18:00.
     * From 2027-01-01: closed altogether. Added out of date order. */
    assert_ok(cx_calendar_builder_add_version(&v2, b, 2027, 1, 1));
    assert_ok(cx_calendar_builder_add_version(&v1, b, 2026, 7, 1));
    assert_int_equal(v2, 1);
    assert_int_equal(v1, 2);
    for (int d = CX_WEEKDAY_MONDAY; d <= CX_WEEKDAY_THURSDAY; d++)
        assert_ok(cx_calendar_builder_add_hours(b, v1, (cx_weekday)d, 8 * H, 18 * H));
    cx_calendar *cal = build(b);
    size_t count = 0, v = 99;
    assert_ok(cx_calendar_version_count(&count, cal));
    assert_int_equal(count, 3);
    assert_ok(cx_calendar_version_at(&v, cal, at("2026-06-30T23:59:59+02:00")));
    assert_int_equal(v, 0);
    assert_ok(cx_calendar_version_at(&v, cal, at("2026-07-01T00:00:00+02:00")));
    assert_int_equal(v, v1);
    assert_ok(cx_calendar_version_at(&v, cal, at("2027-03-01T12:00:00+01:00")));
    assert_int_equal(v, v2);
    /* Tue 2026-06-30 16:00 -> Wed 07-01 09:00: 1.5 h under version 0, 1 h under version v1. */
    assert_int_equal(business(cal, "2026-06-30T16:00:00+02:00", "2026-07-01T09:00:00+02:00"), 5400 + H);
    /* Friday 2026-07-03 is closed under v1. */
    assert_int_equal(business(cal, "2026-07-03T00:00:00+02:00", "2026-07-04T00:00:00+02:00"), 0);
    /* Version v2 is closed: nothing after 2027-01-01, and adding past it fails. */
    assert_int_equal(business(cal, "2027-01-01T00:00:00+01:00", "2028-01-01T00:00:00+01:00"), 0);
    int64_t t = 0;
    assert_status(cx_calendar_add_business_seconds(&t, cal, at("2026-12-31T17:00:00+01:00"), H + 1), CX_ERANGE);
    assert_error_mentions("beyond the calendar range");
    /* Pinning version v1 makes it hold at all dates: Friday 2026-03-06 is closed, Monday 08-18. */
    cx_calendar *pinned = NULL;
    assert_ok(cx_calendar_pin(&pinned, cal, v1));
    assert_int_equal(business(pinned, "2026-03-06T00:00:00+01:00", "2026-03-10T00:00:00+01:00"), 10 * H);
    assert_ok(cx_calendar_version_count(&count, pinned));
    assert_int_equal(count, 1);
    cx_calendar_free(pinned);
    assert_status(cx_calendar_pin(&pinned, cal, 3), CX_EINVAL);
    assert_error_mentions("version 3 does not exist");
    assert_null(pinned);
    cx_calendar_free(cal);
    cx_calendar_builder_free(b);
}

static void test_calendar_next_change_and_measure(void **state)
{
    (void)state;
    cx_calendar_builder *b = split_builder();
    cx_calendar *cal = build(b);
    int64_t next = 0;
    assert_ok(cx_calendar_next_change(&next, cal, at("2026-03-02T10:00:00+01:00")));
    assert_int_equal(next, at("2026-03-02T12:00:00+01:00"));
    assert_ok(cx_calendar_next_change(&next, cal, at("2026-03-02T12:00:00+01:00")));
    assert_int_equal(next, at("2026-03-02T13:00:00+01:00"));
    assert_ok(cx_calendar_next_change(&next, cal, at("2026-03-06T18:00:00+01:00")));
    assert_int_equal(next, at("2026-03-09T09:00:00+01:00")); /* over the weekend */

    cx_calendar_span span = CX_CALENDAR_SPAN_INIT;
    assert_ok(cx_calendar_measure(&span, cal, "2026-03-27T16:00:00+01:00", "2026-03-30T10:00:00+02:00"));
    /* By hand: Friday 16:00-17:30 (5400) + Monday 09:00-10:00 (3600); 65 elapsed hours. */
    assert_int_equal(span.business_seconds, 9000);
    assert_int_equal(span.calendar_seconds, 65 * H);
    assert_int_equal(span.from, at("2026-03-27T15:00:00Z"));
    cx_calendar_span keep = span;
    assert_status(cx_calendar_measure(&span, cal, "2026-03-27T16:00:00", "2026-03-30T10:00:00+02:00"), CX_EFORMAT);
    assert_error_mentions("no UTC offset");
    assert_status(cx_calendar_measure(&span, cal, "2026-03-27T16:00:00Z", "2300-01-01T00:00:00Z"), CX_ERANGE);
    assert_memory_equal(&span, &keep, sizeof span);
    cx_calendar_span v0 = { 0, 0, 0, 0, 0 };
    assert_status(cx_calendar_measure(&v0, cal, "2026-03-27T16:00:00Z", "2026-03-27T17:00:00Z"), CX_EINVAL);
    cx_calendar_span v9 = { 9, 0, 0, 0, 0 };
    assert_status(cx_calendar_measure(&v9, cal, "2026-03-27T16:00:00Z", "2026-03-27T17:00:00Z"), CX_EVERSION);
    assert_ok(cx_calendar_span_init(&v9, CX_CALENDAR_SPAN_VERSION));
    assert_int_equal(v9.version, CX_CALENDAR_SPAN_VERSION);
    assert_status(cx_calendar_span_init(&v9, 2), CX_EVERSION);
    assert_ptr_not_equal(cx_calendar_timezone(cal), NULL);
    assert_string_equal(cx_timezone_name(cx_calendar_timezone(cal)), "Europe/Berlin");
    assert_null(cx_calendar_timezone(NULL));
    cx_calendar_free(cal);
    cx_calendar_builder_free(b);
}

/* ---- properties --------------------------------------------------------------------- */

static uint64_t next_random(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Calendars for the property tests: split shifts with holidays and a
 * version (Berlin), a night shift (Berlin), always open (Sydney), and a
 * closed-on-weekdays one (New York). */
static cx_calendar *property_calendar(int which)
{
    static const char *const zones[] = { "Europe/Berlin", "Europe/Berlin", "Australia/Sydney", "America/New_York" };
    cx_calendar_builder *b = NULL;
    if (which == 0) {
        b = split_builder();
        for (int y = 2024; y <= 2030; y++) {
            assert_ok(cx_calendar_builder_add_holiday(b, y, 12, 25));
            assert_ok(cx_calendar_builder_add_holiday_hours(b, y, 12, 24, 9 * H, 11 * H));
        }
        size_t v = 0;
        assert_ok(cx_calendar_builder_add_version(&v, b, 2027, 4, 1));
        assert_ok(cx_calendar_builder_add_hours(b, v, CX_WEEKDAY_SATURDAY, 10 * H, 14 * H));
    } else {
        cx_timezone *tz = zone(zones[which]);
        assert_ok(cx_calendar_builder_new(&b, tz));
        cx_timezone_free(tz);
        for (int d = 1; d <= 7; d++) {
            if (which == 1)
                assert_ok(cx_calendar_builder_add_hours(b, 0, (cx_weekday)d, 1 * H, 4 * H));
            else if (which == 2)
                assert_ok(cx_calendar_builder_add_hours(b, 0, (cx_weekday)d, 0, 24 * H));
            else if (d >= 6)
                assert_ok(cx_calendar_builder_add_hours(b, 0, (cx_weekday)d, 7 * H + 17, 23 * H + 59 * 60 + 59));
        }
    }
    cx_calendar *cal = build(b);
    cx_calendar_builder_free(b);
    return cal;
}

#define PROPERTY_BASE 1704067200LL /* 2024-01-01T00:00:00Z */
#define PROPERTY_SPAN (7LL * 365 * 86400)

static void test_calendar_property_additive(void **state)
{
    (void)state;
    uint64_t seed = 0x9E3779B97F4A7C15ull;
    for (int which = 0; which < 4; which++) {
        cx_calendar *cal = property_calendar(which);
        for (int i = 0; i < 3000; i++) {
            int64_t x = PROPERTY_BASE + (int64_t)(next_random(&seed) % PROPERTY_SPAN);
            int64_t y = x + (int64_t)(next_random(&seed) % (40 * 86400));
            int64_t z = y + (int64_t)(next_random(&seed) % (400 * 86400));
            int64_t xy, yz, xz, zx;
            assert_ok(cx_calendar_business_seconds(&xy, cal, x, y));
            assert_ok(cx_calendar_business_seconds(&yz, cal, y, z));
            assert_ok(cx_calendar_business_seconds(&xz, cal, x, z));
            assert_ok(cx_calendar_business_seconds(&zx, cal, z, x));
            assert_int_equal(xy + yz, xz);
            assert_int_equal(zx, -xz);
            assert_true(xy >= 0 && xy <= y - x); /* open instants are a part of [x, y) */
            if (which == 2)
                assert_int_equal(xy, y - x); /* always open: business time is elapsed time */
            int open;
            int64_t one;
            assert_ok(cx_calendar_is_open(&open, cal, x));
            assert_ok(cx_calendar_business_seconds(&one, cal, x, x + 1));
            assert_int_equal(open, one);
        }
        cx_calendar_free(cal);
    }
}

static void test_calendar_property_round_trip(void **state)
{
    (void)state;
    uint64_t seed = 0xD1B54A32D192ED03ull;
    for (int which = 0; which < 4; which++) {
        cx_calendar *cal = property_calendar(which);
        for (int i = 0; i < 3000; i++) {
            int64_t from = PROPERTY_BASE + (int64_t)(next_random(&seed) % PROPERTY_SPAN);
            int64_t n = (int64_t)(next_random(&seed) % (200 * H)) - 50 * H;
            int64_t t, back, before;
            assert_ok(cx_calendar_add_business_seconds(&t, cal, from, n));
            assert_ok(cx_calendar_business_seconds(&back, cal, from, t));
            assert_int_equal(back, n);
            if (n > 0) { /* the earliest such instant */
                assert_ok(cx_calendar_business_seconds(&before, cal, from, t - 1));
                assert_true(before < n);
            } else if (n < 0) { /* the latest such instant */
                assert_ok(cx_calendar_business_seconds(&before, cal, t + 1, from));
                assert_true(before < -n);
            } else {
                assert_int_equal(t, from);
            }
        }
        cx_calendar_free(cal);
    }
}

static void test_calendar_property_next_change(void **state)
{
    (void)state;
    uint64_t seed = 0x2545F4914F6CDD1Dull;
    for (int which = 0; which < 4; which++) {
        cx_calendar *cal = property_calendar(which);
        for (int i = 0; i < 500; i++) {
            int64_t t = PROPERTY_BASE + (int64_t)(next_random(&seed) % PROPERTY_SPAN), next;
            int open, later;
            assert_ok(cx_calendar_is_open(&open, cal, t));
            assert_ok(cx_calendar_next_change(&next, cal, t));
            assert_true(next > t);
            if (next == CX_CALENDAR_MAX_INSTANT)
                continue;
            /* Constant up to the change, then different. */
            int64_t span;
            assert_ok(cx_calendar_business_seconds(&span, cal, t, next));
            assert_int_equal(span, open ? next - t : 0);
            assert_ok(cx_calendar_is_open(&later, cal, next));
            assert_int_not_equal(later, open);
        }
        cx_calendar_free(cal);
    }
}

static void test_calendar_many(void **state)
{
    (void)state;
    cx_calendar *cal = property_calendar(0);
    int64_t from[64], to[64], out[64], one;
    uint64_t seed = 77;
    for (int i = 0; i < 64; i++) {
        from[i] = PROPERTY_BASE + (int64_t)(next_random(&seed) % PROPERTY_SPAN);
        to[i] = from[i] + (int64_t)(next_random(&seed) % (90 * 86400)) - 10 * 86400;
    }
    assert_ok(cx_calendar_business_seconds_many(out, cal, from, to, 64));
    for (int i = 0; i < 64; i++) {
        assert_ok(cx_calendar_business_seconds(&one, cal, from[i], to[i]));
        assert_int_equal(out[i], one);
    }
    int64_t keep[64];
    memcpy(keep, out, sizeof keep);
    to[40] = 9000000000LL; /* year 2255 */
    assert_status(cx_calendar_business_seconds_many(out, cal, from, to, 64), CX_ERANGE);
    assert_error_mentions("pair 40");
    assert_memory_equal(out, keep, sizeof keep); /* nothing written */
    assert_ok(cx_calendar_business_seconds_many(NULL, cal, NULL, NULL, 0));
    assert_status(cx_calendar_business_seconds_many(out, cal, NULL, to, 3), CX_EINVAL);
    cx_calendar_free(cal);
}

/* ---- errors ------------------------------------------------------------------------------- */

static void assert_same_calendar(const cx_calendar_builder *b, const char *expected_json)
{
    cx_calendar *cal = build(b);
    cx_buffer text = CX_BUFFER_INIT;
    assert_ok(cx_calendar_to_json(&text, cal));
    assert_string_equal(text.data, expected_json);
    cx_buffer_dispose(&text);
    cx_calendar_free(cal);
}

static void test_calendar_builder_errors(void **state)
{
    (void)state;
    cx_calendar_builder *b = split_builder();
    size_t v = 0;
    assert_ok(cx_calendar_builder_add_version(&v, b, 2026, 7, 1));
    assert_ok(cx_calendar_builder_add_holiday(b, 2026, 12, 25));
    assert_ok(cx_calendar_builder_add_holiday_hours(b, 2026, 12, 24, 9 * H, 12 * H));

    assert_status(cx_calendar_builder_add_hours(b, 0, CX_WEEKDAY_MONDAY, 11 * H, 12 * H + 1800), CX_EINVAL);
    assert_error_mentions("version 0, Monday: open interval 11:00-12:30 overlaps 09:00-12:00");
    assert_status(cx_calendar_builder_add_hours(b, 0, CX_WEEKDAY_FRIDAY, 8 * H, 18 * H), CX_EINVAL);
    assert_error_mentions("overlaps");
    assert_status(cx_calendar_builder_add_hours(b, 0, (cx_weekday)8, 8 * H, 9 * H), CX_EINVAL);
    assert_error_mentions("weekday 8");
    assert_status(cx_calendar_builder_add_hours(b, 0, (cx_weekday)0, 8 * H, 9 * H), CX_EINVAL);
    assert_status(cx_calendar_builder_add_hours(b, 2, CX_WEEKDAY_MONDAY, 8 * H, 9 * H), CX_EINVAL);
    assert_error_mentions("version 2 does not exist");
    assert_status(cx_calendar_builder_add_hours(b, 0, CX_WEEKDAY_SUNDAY, 10 * H, 10 * H), CX_EINVAL);
    assert_error_mentions("open < close");
    assert_status(cx_calendar_builder_add_hours(b, 0, CX_WEEKDAY_SUNDAY, -1, 10 * H), CX_EINVAL);
    assert_status(cx_calendar_builder_add_hours(b, 0, CX_WEEKDAY_SUNDAY, 10 * H, 86401), CX_EINVAL);
    assert_status(cx_calendar_builder_add_version(&v, b, 2026, 7, 1), CX_EEXISTS);
    assert_error_mentions("version 1 already starts on 2026-07-01");
    assert_status(cx_calendar_builder_add_version(&v, b, 2026, 2, 29), CX_EINVAL);
    assert_error_mentions("day 29 does not exist in 2026-02");
    assert_status(cx_calendar_builder_add_version(&v, b, 1899, 12, 31), CX_EINVAL);
    assert_error_mentions("year 1899 is outside 1900..2199");
    assert_status(cx_calendar_builder_add_holiday(b, 2026, 13, 1), CX_EINVAL);
    assert_error_mentions("month 13");
    assert_status(cx_calendar_builder_add_holiday(b, 2026, 12, 25), CX_EEXISTS);
    assert_error_mentions("2026-12-25 is already a holiday");
    assert_status(cx_calendar_builder_add_holiday(b, 2026, 12, 24), CX_EEXISTS);
    assert_status(cx_calendar_builder_add_holiday_hours(b, 2026, 12, 25, 9 * H, 10 * H), CX_EEXISTS);
    assert_error_mentions("closed all day");
    assert_status(cx_calendar_builder_add_holiday_hours(b, 2026, 12, 24, 11 * H, 13 * H), CX_EINVAL);
    assert_error_mentions("2026-12-24: open interval 11:00-13:00 overlaps 09:00-12:00");
    assert_status(cx_calendar_builder_add_holiday_hours(b, 2026, 12, 23, 13 * H, 12 * H), CX_EINVAL);
    /* Too many intervals on one day. */
    for (int i = 0; i < CX_CALENDAR_MAX_INTERVALS; i++)
        assert_ok(cx_calendar_builder_add_holiday_hours(b, 2030, 1, 2, i * 600, i * 600 + 300));
    assert_status(cx_calendar_builder_add_holiday_hours(b, 2030, 1, 2, 80000, 80001), CX_EINVAL);
    assert_error_mentions("more than 96 open intervals");
    assert_status(cx_calendar_builder_add_holiday(NULL, 2026, 1, 1), CX_EINVAL);
    assert_status(cx_calendar_builder_add_version(NULL, b, 2026, 1, 1), CX_EINVAL);
    assert_status(cx_calendar_build(NULL, b), CX_EINVAL);
    cx_calendar *cal = (cx_calendar *)&cal;
    assert_status(cx_calendar_build(&cal, NULL), CX_EINVAL);
    assert_null(cal);
    cx_calendar_builder *nb = (cx_calendar_builder *)&nb;
    assert_status(cx_calendar_builder_new(&nb, NULL), CX_EINVAL);
    assert_null(nb);
    cx_calendar_builder_free(NULL);
    cx_calendar_free(NULL);
    cx_calendar_builder_free(b);
}

static void test_calendar_failed_calls_change_nothing(void **state)
{
    (void)state;
    cx_calendar_builder *b = split_builder();
    assert_ok(cx_calendar_builder_add_holiday_hours(b, 2026, 12, 24, 9 * H, 12 * H));
    cx_calendar *cal = build(b);
    cx_buffer json = CX_BUFFER_INIT;
    assert_ok(cx_calendar_to_json(&json, cal));
    cx_calendar_free(cal);
    size_t v;
    /* Each failing call leaves the builder as it was. */
    assert_status(cx_calendar_builder_add_hours(b, 0, CX_WEEKDAY_MONDAY, 11 * H, 14 * H), CX_EINVAL);
    assert_status(cx_calendar_builder_add_holiday_hours(b, 2026, 12, 24, 10 * H, 11 * H), CX_EINVAL);
    assert_status(cx_calendar_builder_add_holiday(b, 2026, 12, 24), CX_EEXISTS);
    assert_status(cx_calendar_builder_add_holiday_hours(b, 2026, 12, 23, 12 * H, 11 * H), CX_EINVAL);
    assert_status(cx_calendar_builder_add_version(&v, b, 2026, 4, 31), CX_EINVAL);
    assert_same_calendar(b, json.data);
    cx_buffer_dispose(&json);
    cx_calendar_builder_free(b);
}

static void test_calendar_range_errors(void **state)
{
    (void)state;
    cx_calendar_builder *b = split_builder();
    cx_calendar *cal = build(b);
    int64_t out = 7, inside = at("2026-03-02T10:00:00Z");
    assert_status(cx_calendar_business_seconds(&out, cal, inside, CX_CALENDAR_MAX_INSTANT + 1), CX_ERANGE);
    assert_error_mentions("2200-01-01T00:00:01Z is outside the calendar range");
    assert_status(cx_calendar_business_seconds(&out, cal, CX_CALENDAR_MIN_INSTANT - 1, inside), CX_ERANGE);
    assert_error_mentions("1899-12-31T23:59:59Z");
    assert_status(cx_calendar_business_seconds(&out, cal, INT64_MIN, inside), CX_ERANGE);
    assert_int_equal(out, 7);
    assert_ok(cx_calendar_business_seconds(&out, cal, CX_CALENDAR_MIN_INSTANT, CX_CALENDAR_MAX_INSTANT));
    assert_true(out > 0);
    assert_status(cx_calendar_add_business_seconds(&out, cal, inside, INT64_MAX), CX_ERANGE);
    assert_status(cx_calendar_add_business_seconds(&out, cal, inside, INT64_MIN), CX_ERANGE);
    assert_status(cx_calendar_add_business_seconds(&out, cal, CX_CALENDAR_MAX_INSTANT + 1, 1), CX_ERANGE);
    int open;
    assert_status(cx_calendar_is_open(&open, cal, CX_CALENDAR_MAX_INSTANT + 1), CX_ERANGE);
    assert_status(cx_calendar_next_change(&out, cal, CX_CALENDAR_MIN_INSTANT - 1), CX_ERANGE);
    size_t v;
    assert_status(cx_calendar_version_at(&v, cal, CX_CALENDAR_MAX_INSTANT + 1), CX_ERANGE);
    /* The business clock: its differences are business seconds (Monday
     * 10:00 to 14:00 = 2 h + 1 h), and it is 0 at the range's start. */
    int64_t c10 = -1, c14 = -1;
    assert_ok(cx_calendar_business_clock(&c10, cal, at("2026-03-02T10:00:00+01:00")));
    assert_ok(cx_calendar_business_clock(&c14, cal, at("2026-03-02T14:00:00+01:00")));
    assert_int_equal(c14 - c10, 3 * H);
    assert_ok(cx_calendar_business_clock(&c10, cal, CX_CALENDAR_MIN_INSTANT));
    assert_int_equal(c10, 0);
    out = 7;
    assert_status(cx_calendar_business_clock(&out, cal, CX_CALENDAR_MAX_INSTANT + 1), CX_ERANGE);
    assert_error_mentions("cx_calendar_business_clock: instant 2200-01-01T00:00:01Z is outside the calendar range");
    assert_int_equal(out, 7);
    assert_status(cx_calendar_business_clock(NULL, cal, inside), CX_EINVAL);
    assert_status(cx_calendar_business_clock(&out, NULL, inside), CX_EINVAL);
    assert_status(cx_calendar_business_seconds(NULL, cal, 0, 0), CX_EINVAL);
    assert_status(cx_calendar_business_seconds(&out, NULL, 0, 0), CX_EINVAL);
    assert_status(cx_calendar_is_open(NULL, cal, 0), CX_EINVAL);
    assert_status(cx_calendar_version_count(NULL, cal), CX_EINVAL);
    cx_calendar_free(cal);

    /* A calendar that is never open: every addition runs out of range. */
    cx_timezone *tz = zone("UTC");
    cx_calendar_builder *closed = NULL;
    assert_ok(cx_calendar_builder_new(&closed, tz));
    cal = build(closed);
    assert_status(cx_calendar_add_business_seconds(&out, cal, inside, 1), CX_ERANGE);
    assert_error_mentions("it has 0 open seconds before and 0 after");
    assert_ok(cx_calendar_next_change(&out, cal, inside));
    assert_int_equal(out, CX_CALENDAR_MAX_INSTANT);
    cx_calendar_free(cal);
    cx_calendar_builder_free(closed);
    cx_timezone_free(tz);
    cx_calendar_builder_free(b);
}

/* ---- the calendar file format ------------------------------------------------------------- */

#ifdef CX_TEST_HAVE_JSON
static const char *const berlin_json =
    "{\"timezone\": \"Europe/Berlin\", \"week\": {\"mon\": [[\"09:00\",\"12:00\"],[\"13:00\",\"17:30\"]],"
    " \"fri\": [[\"09:00\",\"15:00:30\"]], \"sun\": []},"
    " \"holidays\": [\"2026-12-25\", {\"date\": \"2026-12-24\", \"open\": [[\"09:00\",\"12:00\"]]},"
    "  {\"date\": \"2026-12-31\", \"open\": []}],"
    " \"versions\": [{\"from\": \"2027-01-01\", \"week\": {\"tue\": [[\"00:00\",\"24:00\"]]}}]}";

static void test_calendar_json_round_trip(void **state)
{
    (void)state;
    cx_calendar *cal = NULL;
    assert_ok(cx_calendar_from_json(&cal, berlin_json, strlen(berlin_json), NULL));
    /* Monday 2026-03-02: 7.5 h; Friday 2026-03-06: 6 h 30 s; Tuesday closed until 2027. */
    assert_int_equal(business(cal, "2026-03-02T00:00:00+01:00", "2026-03-09T00:00:00+01:00"), SPLIT_DAY + 6 * H + 30);
    assert_int_equal(business(cal, "2027-01-05T00:00:00+01:00", "2027-01-06T00:00:00+01:00"), 24 * H);
    /* Thursday Dec 31 is a holiday with no hours: closed (it is closed anyway on Thursdays). */
    cx_buffer text = CX_BUFFER_INIT;
    assert_ok(cx_calendar_to_json(&text, cal));
    assert_string_equal(text.data,
                        "{\"timezone\": \"Europe/Berlin\", \"week\": {\"mon\": [[\"09:00\", \"12:00\"], [\"13:00\", "
                        "\"17:30\"]], \"tue\": [], \"wed\": [], \"thu\": [], \"fri\": [[\"09:00\", \"15:00:30\"]], "
                        "\"sat\": [], \"sun\": []}, \"holidays\": [{\"date\": \"2026-12-24\", \"open\": [[\"09:00\", "
                        "\"12:00\"]]}, \"2026-12-25\", \"2026-12-31\"], \"versions\": [{\"from\": "
                        "\"2027-01-01\", \"week\": {\"mon\": [], \"tue\": [[\"00:00\", \"24:00\"]], \"wed\": [], "
                        "\"thu\": [], \"fri\": [], \"sat\": [], \"sun\": []}}]}");
    cx_calendar *back = NULL;
    assert_ok(cx_calendar_from_json(&back, text.data, text.size, NULL));
    cx_buffer again = CX_BUFFER_INIT;
    assert_ok(cx_calendar_to_json(&again, back));
    assert_string_equal(again.data, text.data);
    uint64_t seed = 5;
    for (int i = 0; i < 200; i++) {
        int64_t a = PROPERTY_BASE + (int64_t)(next_random(&seed) % PROPERTY_SPAN), x, y;
        assert_ok(cx_calendar_business_seconds(&x, cal, a, a + 86400 * 9));
        assert_ok(cx_calendar_business_seconds(&y, back, a, a + 86400 * 9));
        assert_int_equal(x, y);
    }
    cx_buffer_dispose(&again);
    cx_buffer_dispose(&text);
    cx_calendar_free(back);
    cx_calendar_free(cal);
}

static void expect_json_error(const char *json, int code, const char *fragment)
{
    cx_calendar *cal = (cx_calendar *)&cal;
    assert_status(cx_calendar_from_json(&cal, json, strlen(json), NULL), code);
    assert_error_mentions(fragment);
    assert_null(cal);
}

static void test_calendar_json_errors(void **state)
{
    (void)state;
    expect_json_error("{\"timezone\": \"Europe/Berlin\", \"week\": {\"mon\": [[\"09:00\" \"12:00\"]]}}", CX_EFORMAT,
                      "line 1, column");
    expect_json_error("[1, 2]", CX_EFORMAT, "the top level must be an object");
    expect_json_error("{\"timezone\": \"Europe/Berlin\"}", CX_EFORMAT, "\"week\" schedule is missing");
    expect_json_error("{\"timezone\": \"Europe/Berlin\", \"week\": {}, \"holiday\": []}", CX_EFORMAT,
                      "unknown key \"holiday\"");
    expect_json_error("{\"timezone\": \"Europe/Berln\", \"week\": {}}", CX_ENOTFOUND,
                      "timezone: unknown time zone \"Europe/Berln\"");
    expect_json_error("{\"timezone\": 7, \"week\": {}}", CX_EFORMAT, "timezone: expected the zone's name");
    expect_json_error("{\"timezone\": \"UTC\", \"week\": {\"monday\": []}}", CX_EFORMAT,
                      "week.monday: unknown weekday \"monday\"");
    expect_json_error("{\"timezone\": \"UTC\", \"week\": {\"mon\": [[\"09:00\", \"25:00\"]]}}", CX_EFORMAT,
                      "week.mon[0][1]: \"25:00\" is not a time of day");
    expect_json_error("{\"timezone\": \"UTC\", \"week\": {\"mon\": [[\"24:00\", \"24:00\"]]}}", CX_EFORMAT,
                      "week.mon[0][0]: \"24:00\"");
    expect_json_error("{\"timezone\": \"UTC\", \"week\": {\"mon\": [[\"9:00\", \"12:00\"]]}}", CX_EFORMAT,
                      "week.mon[0][0]: \"9:00\" is not a time of day (HH:MM or HH:MM:SS)");
    expect_json_error("{\"timezone\": \"UTC\", \"week\": {\"mon\": [[\"09:00\"]]}}", CX_EFORMAT,
                      "week.mon[0]: expected an interval");
    expect_json_error("{\"timezone\": \"UTC\", \"week\": {\"mon\": [[\"09:00\", \"12:00\"], [\"11:00\", \"13:00\"]]}}",
                      CX_EINVAL, "week.mon[1]: version 0, Monday: open interval 11:00-13:00 overlaps 09:00-12:00");
    expect_json_error("{\"timezone\": \"UTC\", \"week\": {\"mon\": [[\"12:00\", \"09:00\"]]}}", CX_EINVAL,
                      "week.mon[0]");
    expect_json_error("{\"timezone\": \"UTC\", \"week\": {}, \"holidays\": [\"2026-12-25\", \"2026-12-25\"]}",
                      CX_EEXISTS, "holidays[1]: cx_calendar_builder_add_holiday: 2026-12-25 is already a holiday");
    expect_json_error("{\"timezone\": \"UTC\", \"week\": {}, \"holidays\": [\"2026-02-30\"]}", CX_EINVAL,
                      "holidays[0]: cx_calendar_builder_add_holiday: day 30 does not exist");
    expect_json_error("{\"timezone\": \"UTC\", \"week\": {}, \"holidays\": [\"26-12-25\"]}", CX_EFORMAT,
                      "holidays[0]: expected a date \"YYYY-MM-DD\"");
    /* Ten characters with the dashes in place are not enough: every other
     * one must be a digit. */
    expect_json_error("{\"timezone\": \"UTC\", \"week\": {}, \"holidays\": [\"2026-+1-01\"]}", CX_EFORMAT,
                      "holidays[0]: expected a date \"YYYY-MM-DD\"");
    expect_json_error("{\"timezone\": \"UTC\", \"week\": {}, \"holidays\": [\"2026- 1-01\"]}", CX_EFORMAT,
                      "holidays[0]: expected a date \"YYYY-MM-DD\"");
    expect_json_error("{\"timezone\": \"UTC\", \"week\": {}, \"versions\": [{\"from\": \"+026-07-01\", \"week\": {}}]}",
                      CX_EFORMAT, "versions[0].from: expected a date");
    /* A partial holiday listed twice is a duplicate like a closed one. */
    expect_json_error("{\"timezone\": \"UTC\", \"week\": {}, \"holidays\": ["
                      "{\"date\": \"2026-12-24\", \"open\": [[\"09:00\", \"12:00\"]]}, "
                      "{\"date\": \"2026-12-24\", \"open\": [[\"13:00\", \"14:00\"]]}]}",
                      CX_EEXISTS, "holidays[1]: 2026-12-24 is already a holiday");
    expect_json_error("{\"timezone\": \"UTC\", \"week\": {}, \"holidays\": [{\"date\": \"2026-12-24\", \"hours\": []}]}",
                      CX_EFORMAT, "holidays[0]: unknown key \"hours\"");
    expect_json_error("{\"timezone\": \"UTC\", \"week\": {}, \"versions\": [{\"from\": \"2026-07-01\"}, "
                      "{\"from\": \"2026-07-01\", \"week\": {}}]}",
                      CX_EFORMAT, "versions[0].week: expected an object");
    expect_json_error("{\"timezone\": \"UTC\", \"week\": {}, \"versions\": [{\"from\": \"2026-07-01\", \"week\": {}}, "
                      "{\"from\": \"2026-07-01\", \"week\": {}}]}",
                      CX_EEXISTS, "versions[1].from");
    expect_json_error("{\"timezone\": \"UTC\", \"timezone\": \"UTC\", \"week\": {}}", CX_EFORMAT, "duplicate");
    cx_calendar *cal = NULL;
    assert_status(cx_calendar_from_json(&cal, NULL, 0, NULL), CX_EINVAL);
    assert_status(cx_calendar_from_json(NULL, "{}", 2, NULL), CX_EINVAL);
}

static void test_calendar_json_in_memory_zone(void **state)
{
    (void)state;
    /* The in-memory loader: a zone made without the zoneinfo directory. */
    cx_timezone *tz = NULL;
    assert_ok(cx_timezone_fixed(&tz, 5 * H + 1800));
    const char *json = "{\"week\": {\"mon\": [[\"09:00\", \"17:00\"]]}}";
    cx_calendar *cal = NULL;
    assert_ok(cx_calendar_from_json_zone(&cal, json, strlen(json), tz));
    /* Monday 2026-03-02 09:00 at +05:30 is 03:30Z. */
    assert_int_equal(business(cal, "2026-03-02T03:30:00Z", "2026-03-02T04:30:00Z"), H);
    cx_calendar_free(cal);
    const char *named = "{\"timezone\": \"UTC+05:30\", \"week\": {}}";
    assert_ok(cx_calendar_from_json_zone(&cal, named, strlen(named), tz));
    cx_calendar_free(cal);
    const char *other = "{\"timezone\": \"Asia/Kolkata\", \"week\": {}}";
    assert_status(cx_calendar_from_json_zone(&cal, other, strlen(other), tz), CX_EINVAL);
    assert_error_mentions("the file names \"Asia/Kolkata\" but the zone given is \"UTC+05:30\"");
    assert_null(cal);
    assert_status(cx_calendar_from_json_zone(&cal, other, strlen(other), NULL), CX_EINVAL);
    cx_timezone_free(tz);
}

static void test_calendar_load_file(void **state)
{
    (void)state;
    char path[] = "/tmp/cx_calendar_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs(berlin_json, f);
    fclose(f);
    cx_calendar_span span = CX_CALENDAR_SPAN_INIT;
    assert_ok(cx_calendar_measure_file(&span, path, NULL, "2026-03-02T11:30:00+01:00", "2026-03-02T13:30:00+01:00"));
    assert_int_equal(span.business_seconds, H);     /* 30 min before and 30 min after lunch */
    assert_int_equal(span.calendar_seconds, 2 * H);
    cx_calendar *cal = NULL;
    assert_ok(cx_calendar_load(&cal, path, "/usr/share/zoneinfo"));
    cx_calendar_free(cal);
    f = fopen(path, "w");
    fputs("{\"timezone\": \"UTC\", \"week\": {\"mon\": [[\"09:00\", \"99:00\"]]}}", f);
    fclose(f);
    assert_status(cx_calendar_load(&cal, path, NULL), CX_EFORMAT);
    assert_error_mentions(path);
    assert_error_mentions("week.mon[0][1]");
    remove(path);
    assert_status(cx_calendar_load(&cal, path, NULL), CX_ENOTFOUND);
    assert_error_mentions("cannot open");
    assert_null(cal);
    assert_status(cx_calendar_measure_file(&span, path, NULL, "2026-03-02T11:30:00Z", "2026-03-02T13:30:00Z"),
                  CX_ENOTFOUND);
}
#endif

/* ---- threads ---------------------------------------------------------------------------------- */

typedef struct thread_job {
    const cx_calendar *cal;
    uint64_t seed;
    int64_t sum;
} thread_job;

static void *thread_main(void *arg)
{
    thread_job *job = arg;
    for (int i = 0; i < 20000; i++) {
        int64_t a = PROPERTY_BASE + (int64_t)(next_random(&job->seed) % PROPERTY_SPAN), s = 0, t = 0;
        cx_calendar_business_seconds(&s, job->cal, a, a + 86400 * 3);
        cx_calendar_add_business_seconds(&t, job->cal, a, 3600);
        job->sum += s + (t - a);
    }
    return NULL;
}

static void test_calendar_shared_between_threads(void **state)
{
    (void)state;
    cx_calendar *cal = property_calendar(0);
    thread_job jobs[4], alone[4];
    pthread_t threads[4];
    for (int i = 0; i < 4; i++) {
        jobs[i] = (thread_job){ cal, 1000u + (uint64_t)i, 0 };
        alone[i] = jobs[i];
        thread_main(&alone[i]);
    }
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&threads[i], NULL, thread_main, &jobs[i]), 0);
    for (int i = 0; i < 4; i++) {
        pthread_join(threads[i], NULL);
        assert_int_equal(jobs[i].sum, alone[i].sum);
    }
    cx_calendar_free(cal);
}

/* ---- allocation failures ------------------------------------------------------------------------ */

static int oom_build(void *ctx)
{
    (void)ctx;
    cx_timezone *tz = NULL;
    cx_calendar_builder *b = NULL;
    cx_calendar *cal = NULL, *pinned = NULL;
    cx_buffer text = CX_BUFFER_INIT;
    size_t v = 0;
    int rc = cx_timezone_fixed(&tz, 3600);
    if (rc == CX_OK)
        rc = cx_calendar_builder_new(&b, tz);
    for (int d = 1; d <= 5 && rc == CX_OK; d++)
        rc = cx_calendar_builder_add_hours(b, 0, (cx_weekday)d, 9 * H, 17 * H);
    for (int y = 2020; y < 2030 && rc == CX_OK; y++)
        rc = cx_calendar_builder_add_holiday(b, y, 1, 1);
    if (rc == CX_OK)
        rc = cx_calendar_builder_add_holiday_hours(b, 2026, 12, 24, 9 * H, 12 * H);
    if (rc == CX_OK)
        rc = cx_calendar_builder_add_version(&v, b, 2027, 1, 1);
    if (rc == CX_OK)
        rc = cx_calendar_build(&cal, b);
    if (rc == CX_OK)
        rc = cx_calendar_pin(&pinned, cal, v);
    if (rc == CX_OK && (rc = cx_calendar_to_json(&text, cal)) != CX_OK)
        assert_null(text.data); /* a failed write leaves the buffer as it was */
#ifdef CX_TEST_HAVE_JSON
    cx_calendar *back = NULL;
    if (rc == CX_OK)
        rc = cx_calendar_from_json_zone(&back, text.data, text.size, tz);
    cx_calendar_free(back);
#endif
    cx_buffer_dispose(&text);
    cx_calendar_free(pinned);
    cx_calendar_free(cal);
    cx_calendar_builder_free(b);
    cx_timezone_free(tz);
    return rc;
}

static void test_calendar_allocation_failures(void **state)
{
    (void)state;
    long points = cx_test_each_allocation_fails(oom_build, NULL);
    assert_true(points >= 20);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_calendar_split_shifts),
        cmocka_unit_test(test_calendar_dst_wall_clock),
        cmocka_unit_test(test_calendar_holidays_and_year_end),
        cmocka_unit_test(test_calendar_versions),
        cmocka_unit_test(test_calendar_next_change_and_measure),
        cmocka_unit_test(test_calendar_property_additive),
        cmocka_unit_test(test_calendar_property_round_trip),
        cmocka_unit_test(test_calendar_property_next_change),
        cmocka_unit_test(test_calendar_many),
        cmocka_unit_test(test_calendar_builder_errors),
        cmocka_unit_test(test_calendar_failed_calls_change_nothing),
        cmocka_unit_test(test_calendar_range_errors),
#ifdef CX_TEST_HAVE_JSON
        cmocka_unit_test(test_calendar_json_round_trip),
        cmocka_unit_test(test_calendar_json_errors),
        cmocka_unit_test(test_calendar_json_in_memory_zone),
        cmocka_unit_test(test_calendar_load_file),
#endif
        cmocka_unit_test(test_calendar_shared_between_threads),
        cmocka_unit_test(test_calendar_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
