/*
 * Internal layout of business calendars, shared by the builder, the
 * compiler, the queries and the JSON reader.
 *
 * The model: business time is the measure of the open instants. F(t), the
 * business seconds from CX_CALENDAR_MIN_INSTANT to t, is continuous and
 * piecewise linear with slope 0 or 1. The UTC time line is cut into
 * segments in which both the zone's offset and the local day's schedule are
 * constant; inside segment k, local time L = t + offset_k is linear in t and
 * F(t) = bias_k + Q_k(L - anchor_k), where Q_k is the cumulative open time
 * of the segment's schedule: a weekly one (a schedule version, anchored on
 * a Monday) or a one-day one (a holiday, anchored at its local midnight).
 * One binary search over segment starts and a few additions answer F(t).
 */
#ifndef CX_CALENDAR_INTERNAL_H
#define CX_CALENDAR_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "cx/calendar.h"

#define CX__DAY 86400
#define CX__WEEK (7 * CX__DAY)
/* Local midnight of Monday 1969-12-29, the anchor of weekly schedules. */
#define CX__MONDAY_ANCHOR (-3 * CX__DAY)

/* ---- the specification (what the builder collects) --------------------- */

typedef struct cx__cal_interval {
    int32_t open, close;   /* seconds of the local day, 0 <= open < close <= 86400 */
} cx__cal_interval;

typedef struct cx__cal_day {
    uint32_t n;
    cx__cal_interval iv[CX_CALENDAR_MAX_INTERVALS]; /* sorted, disjoint */
} cx__cal_day;

typedef struct cx__cal_version {
    int64_t from_day;      /* local day number; INT64_MIN for version 0 */
    cx__cal_day week[7];   /* 0 = Monday */
} cx__cal_version;

typedef struct cx__cal_holiday {
    int64_t day;           /* local day number */
    bool closed;           /* closed all day (no intervals) */
    cx__cal_day hours;     /* open intervals of a partial holiday */
} cx__cal_holiday;

typedef struct cx__cal_spec {
    cx__cal_version *versions;
    size_t n_versions, cap_versions;
    cx__cal_holiday *holidays; /* in order of adding */
    size_t n_holidays, cap_holidays;
} cx__cal_spec;

struct cx_calendar_builder {
    cx_timezone *tz;
    cx__cal_spec spec;
};

/* Buckets of about 12 days index the segments, so finding the segment of
 * an instant is a lookup and a step or two forward (segments start at
 * offset changes, holidays and versions: a few a month at most). */
#define CX__BUCKET_SHIFT 20

/* ---- the compiled calendar ---------------------------------------------- */

/* An open interval of a compiled schedule, relative to its period start. */
typedef struct cx__open {
    int64_t open;
    int64_t len;
    int64_t cum;           /* open seconds of the period before this interval */
} cx__open;

/* A periodic schedule: a week (versions) or a day (holidays). */
typedef struct cx__schedule {
    int64_t period;        /* CX__WEEK or CX__DAY */
    int64_t total;         /* open seconds per period */
    uint32_t first[8];     /* intervals of day d are [first[d], first[d + 1]) */
    uint32_t n;
    cx__open *iv;          /* points into the calendar's interval pool */
} cx__schedule;

typedef struct cx__segment {
    int64_t bias;          /* F(t) = bias + Q(t + offset - anchor) */
    int64_t anchor;        /* local seconds where the schedule's period starts */
    int32_t offset;        /* zone offset, seconds east of UTC */
    uint32_t schedule;     /* index into schedules */
} cx__segment;

struct cx_calendar {
    cx_timezone *tz;
    cx__cal_spec spec;
    cx__schedule *schedules;  /* versions first, then holidays in date order */
    cx__open *pool;
    size_t n_schedules;
    int64_t *seg_start;       /* UTC start of each segment, ascending */
    int64_t *seg_f;           /* F at each segment start */
    cx__segment *segs;
    size_t n_segs;
    int64_t f_max;            /* F(CX_CALENDAR_MAX_INSTANT) */
    uint32_t *bucket;         /* per 2^CX__BUCKET_SHIFT s from MIN: the segment holding the bucket's start */
    size_t n_buckets;
    int64_t *version_day;     /* version start days, ascending (first: INT64_MIN) */
    uint32_t *version_index;  /* the version starting on version_day[i] */
};

/* Spec helpers (calendar_build.c). */
void cx__cal_spec_free(cx__cal_spec *s);
int cx__cal_spec_copy(cx__cal_spec *dst, const cx__cal_spec *src);
/* Compiles a calendar from a zone and spec (both copied). */
int cx__calendar_compile(cx_calendar **out, const cx_timezone *tz, const cx__cal_spec *spec);

/* Splits a position x past a schedule's anchor into whole periods and
 * the remainder 0 <= r < period. Periods are a week or a day: the
 * divisions are by constants, which compilers turn into multiplications. */
static inline int64_t cx__schedule_split(const cx__schedule *s, int64_t x, int64_t *r)
{
    int64_t q = s->period == CX__WEEK ? x / CX__WEEK : x / CX__DAY;
    int64_t rem = x - q * s->period;
    if (rem < 0) {
        rem += s->period;
        q--;
    }
    *r = rem;
    return q;
}

/* Cumulative open seconds of a schedule at x seconds past its anchor. */
static inline int64_t cx__schedule_q(const cx__schedule *s, int64_t x)
{
    int64_t r, periods = cx__schedule_split(s, x, &r);
    uint32_t i = s->first[r / CX__DAY], end = s->first[r / CX__DAY + 1];
    int64_t p = i < s->n ? s->iv[i].cum : s->total;
    for (; i < end; i++) {
        const cx__open *o = &s->iv[i];
        if (r <= o->open)
            break;
        p = o->cum + (r - o->open < o->len ? r - o->open : o->len);
    }
    return periods * s->total + p;
}
/* Index of the version in force on a local day. */
uint32_t cx__calendar_version_on_day(const cx_calendar *cal, int64_t day);

/* Day number of a date, validating it; CX_EINVAL naming `what`. */
int cx__cal_day_number(int64_t *out, int32_t year, unsigned month, unsigned day, const char *what);
/* Adds an interval to a day, keeping it sorted; CX_EINVAL on overlap,
 * bad bounds or too many intervals, the message prefixed by `where`. */
int cx__cal_day_add(cx__cal_day *d, int32_t open, int32_t close, const char *where);

#endif /* CX_CALENDAR_INTERNAL_H */
