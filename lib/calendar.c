/*
 * Business-time queries on a compiled calendar (see calendar_internal.h for
 * the model): business seconds, adding business seconds, open or closed,
 * next change, versions, pinning, measuring ISO 8601 spans, and writing
 * the calendar file format.
 */
#include <stdio.h>
#include <string.h>

#include "calendar_internal.h"
#include "civil_internal.h"
#include "core_internal.h"
#include "timezone_internal.h"

/* ---- lookups ------------------------------------------------------------ */

static int check_instant(int64_t t, const char *func)
{
    if (CX__LIKELY(t >= CX_CALENDAR_MIN_INSTANT && t <= CX_CALENDAR_MAX_INSTANT))
        return CX_OK;
    char text[48];
    if (t > -62167219200LL && t < 253402300800LL)
        cx__format_instant(text, sizeof text, t, 0);
    else
        snprintf(text, sizeof text, "%lld s", (long long)t);
    return cx__error(CX_ERANGE, "%s: instant %s is outside the calendar range 1900-01-01T00:00:00Z..2200-01-01T00:00:00Z",
                     func, text);
}

/* Index of the segment holding t (MIN <= t <= MAX): the bucket's first
 * segment, then forward. */
static inline size_t segment_of(const cx_calendar *cal, int64_t t)
{
    size_t k = cal->bucket[(uint64_t)(t - CX_CALENDAR_MIN_INSTANT) >> CX__BUCKET_SHIFT];
    while (k + 1 < cal->n_segs && cal->seg_start[k + 1] <= t)
        k++;
    return k;
}

static inline int64_t f_in_segment(const cx_calendar *cal, size_t k, int64_t t)
{
    const cx__segment *g = &cal->segs[k];
    return g->bias + cx__schedule_q(&cal->schedules[g->schedule], t + g->offset - g->anchor);
}

static inline int64_t f_at(const cx_calendar *cal, int64_t t)
{
    return f_in_segment(cal, segment_of(cal, t), t);
}

/* ---- business seconds --------------------------------------------------- */

int cx_calendar_business_seconds(int64_t *out, const cx_calendar *cal, int64_t from, int64_t to)
{
    CX__CHECK_ARG(out, "cx_calendar_business_seconds");
    CX__CHECK_ARG(cal, "cx_calendar_business_seconds");
    int rc;
    if ((rc = check_instant(from, "cx_calendar_business_seconds")) != CX_OK
        || (rc = check_instant(to, "cx_calendar_business_seconds")) != CX_OK)
        return rc;
    *out = f_at(cal, to) - f_at(cal, from);
    return CX_OK;
}

int cx_calendar_business_clock(int64_t *out, const cx_calendar *cal, int64_t at)
{
    CX__CHECK_ARG(out, "cx_calendar_business_clock");
    CX__CHECK_ARG(cal, "cx_calendar_business_clock");
    int rc = check_instant(at, "cx_calendar_business_clock");
    if (rc != CX_OK)
        return rc;
    *out = f_at(cal, at);
    return CX_OK;
}

int cx_calendar_business_seconds_many(int64_t *out, const cx_calendar *cal, const int64_t *from, const int64_t *to,
                                      size_t n)
{
    CX__CHECK_ARG(cal, "cx_calendar_business_seconds_many");
    if (n == 0)
        return CX_OK;
    CX__CHECK_ARG(out, "cx_calendar_business_seconds_many");
    CX__CHECK_ARG(from, "cx_calendar_business_seconds_many");
    CX__CHECK_ARG(to, "cx_calendar_business_seconds_many");
    for (size_t i = 0; i < n; i++) {
        int rc = check_instant(from[i], "cx_calendar_business_seconds_many");
        if (rc == CX_OK)
            rc = check_instant(to[i], "cx_calendar_business_seconds_many");
        if (rc != CX_OK) {
            char msg[256];
            snprintf(msg, sizeof msg, "%s", cx_last_error()); /* the message buffer is rewritten below */
            return cx__error(rc, "pair %zu: %s", i, msg);
        }
    }
    for (size_t i = 0; i < n; i++)
        out[i] = f_at(cal, to[i]) - f_at(cal, from[i]);
    return CX_OK;
}

/* ---- adding business seconds -------------------------------------------- */

/* Position x past a schedule's anchor where its cumulative open time Q
 * reaches q: the smallest x with Q(x) >= q, or with `upper` the largest
 * x with Q(x) <= q (the start of the open time after q). */
static int64_t schedule_solve(const cx__schedule *s, int64_t q, bool upper)
{
    int64_t periods = cx__floor_div(upper ? q : q - 1, s->total);
    int64_t rem = q - periods * s->total; /* lower: 1..total; upper: 0..total-1 */
    uint32_t lo = 0, hi = s->n - 1;
    while (lo < hi) { /* first interval whose end reaches rem */
        uint32_t mid = lo + (hi - lo) / 2;
        int64_t end = s->iv[mid].cum + s->iv[mid].len;
        if (upper ? end > rem : end >= rem)
            hi = mid;
        else
            lo = mid + 1;
    }
    return periods * s->period + s->iv[lo].open + (rem - s->iv[lo].cum);
}

/* First segment whose F at its end reaches v (upper: exceeds v). */
static size_t segment_reaching(const cx_calendar *cal, int64_t v, bool upper)
{
    size_t lo = 1, hi = cal->n_segs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (upper ? cal->seg_f[mid] > v : cal->seg_f[mid] >= v)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo - 1;
}

static int64_t instant_at_f(const cx_calendar *cal, int64_t v, bool upper)
{
    size_t k = segment_reaching(cal, v, upper);
    const cx__segment *g = &cal->segs[k];
    int64_t x = schedule_solve(&cal->schedules[g->schedule], v - g->bias, upper);
    int64_t t = x + g->anchor - g->offset;
    int64_t end = k + 1 < cal->n_segs ? cal->seg_start[k + 1] : CX_CALENDAR_MAX_INSTANT;
    return t < cal->seg_start[k] ? cal->seg_start[k] : t > end ? end : t;
}

int cx_calendar_add_business_seconds(int64_t *out, const cx_calendar *cal, int64_t from, int64_t seconds)
{
    CX__CHECK_ARG(out, "cx_calendar_add_business_seconds");
    CX__CHECK_ARG(cal, "cx_calendar_add_business_seconds");
    int rc = check_instant(from, "cx_calendar_add_business_seconds");
    if (rc != CX_OK)
        return rc;
    if (seconds == 0) {
        *out = from;
        return CX_OK;
    }
    int64_t f = f_at(cal, from);
    if ((seconds > 0 && seconds > cal->f_max - f) || (seconds < 0 && seconds < -f))
        return cx__error(CX_ERANGE,
                         "cx_calendar_add_business_seconds: %lld business seconds from %lld reach beyond the calendar "
                         "range 1900..2199 (it has %lld open seconds before and %lld after that instant)",
                         (long long)seconds, (long long)from, (long long)f, (long long)(cal->f_max - f));
    *out = instant_at_f(cal, f + seconds, seconds < 0);
    return CX_OK;
}

/* ---- open or closed ------------------------------------------------------- */

static bool schedule_open(const cx__schedule *s, int64_t x)
{
    int64_t r;
    cx__schedule_split(s, x, &r);
    int64_t d = r / CX__DAY;
    for (uint32_t i = s->first[d]; i < s->first[d + 1]; i++)
        if (r >= s->iv[i].open && r < s->iv[i].open + s->iv[i].len)
            return true;
    return false;
}

static bool open_at(const cx_calendar *cal, int64_t t)
{
    const cx__segment *g = &cal->segs[segment_of(cal, t)];
    return schedule_open(&cal->schedules[g->schedule], t + g->offset - g->anchor);
}

int cx_calendar_is_open(int *out, const cx_calendar *cal, int64_t at)
{
    CX__CHECK_ARG(out, "cx_calendar_is_open");
    CX__CHECK_ARG(cal, "cx_calendar_is_open");
    int rc = check_instant(at, "cx_calendar_is_open");
    if (rc != CX_OK)
        return rc;
    *out = open_at(cal, at);
    return CX_OK;
}

/* The first interval boundary of a schedule strictly after position x;
 * INT64_MAX when the schedule has no intervals. */
static int64_t schedule_next_boundary(const cx__schedule *s, int64_t x)
{
    if (s->n == 0)
        return INT64_MAX;
    int64_t periods = cx__floor_div(x, s->period), r = x - periods * s->period;
    for (uint32_t i = 0; i < s->n; i++) {
        if (s->iv[i].open > r)
            return periods * s->period + s->iv[i].open;
        if (s->iv[i].open + s->iv[i].len > r)
            return periods * s->period + s->iv[i].open + s->iv[i].len;
    }
    return (periods + 1) * s->period + s->iv[0].open;
}

int cx_calendar_next_change(int64_t *out, const cx_calendar *cal, int64_t at)
{
    CX__CHECK_ARG(out, "cx_calendar_next_change");
    CX__CHECK_ARG(cal, "cx_calendar_next_change");
    int rc = check_instant(at, "cx_calendar_next_change");
    if (rc != CX_OK)
        return rc;
    bool state = open_at(cal, at);
    size_t k = segment_of(cal, at);
    int64_t t = at;
    /* Between consecutive candidates (interval ends, segment starts) the
     * state is constant; the first candidate with another state is it. */
    while (t < CX_CALENDAR_MAX_INSTANT) {
        const cx__segment *g = &cal->segs[k];
        int64_t end = k + 1 < cal->n_segs ? cal->seg_start[k + 1] : CX_CALENDAR_MAX_INSTANT;
        int64_t x = schedule_next_boundary(&cal->schedules[g->schedule], t + g->offset - g->anchor);
        int64_t c = x == INT64_MAX ? end : x + g->anchor - g->offset;
        if (c >= end) {
            c = end;
            k++;
        }
        if (c >= CX_CALENDAR_MAX_INSTANT)
            break;
        if (open_at(cal, c) != state) {
            *out = c;
            return CX_OK;
        }
        t = c;
    }
    *out = CX_CALENDAR_MAX_INSTANT;
    return CX_OK;
}

/* ---- versions ------------------------------------------------------------ */

uint32_t cx__calendar_version_on_day(const cx_calendar *cal, int64_t day)
{
    size_t lo = 0, hi = cal->spec.n_versions;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cal->version_day[mid] <= day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return cal->version_index[lo - 1]; /* version_day[0] is INT64_MIN */
}

int cx_calendar_version_count(size_t *out, const cx_calendar *cal)
{
    CX__CHECK_ARG(out, "cx_calendar_version_count");
    CX__CHECK_ARG(cal, "cx_calendar_version_count");
    *out = cal->spec.n_versions;
    return CX_OK;
}

int cx_calendar_version_at(size_t *out, const cx_calendar *cal, int64_t at)
{
    CX__CHECK_ARG(out, "cx_calendar_version_at");
    CX__CHECK_ARG(cal, "cx_calendar_version_at");
    int rc = check_instant(at, "cx_calendar_version_at");
    if (rc != CX_OK)
        return rc;
    const cx__segment *g = &cal->segs[segment_of(cal, at)];
    *out = cx__calendar_version_on_day(cal, cx__floor_div(at + g->offset, CX__DAY));
    return CX_OK;
}

int cx_calendar_pin(cx_calendar **out, const cx_calendar *cal, size_t version)
{
    CX__CHECK_ARG(out, "cx_calendar_pin");
    *out = NULL;
    CX__CHECK_ARG(cal, "cx_calendar_pin");
    if (version >= cal->spec.n_versions)
        return cx__error(CX_EINVAL, "cx_calendar_pin: version %zu does not exist (the calendar has %zu)", version,
                         cal->spec.n_versions);
    cx__cal_spec spec = cal->spec;
    cx__cal_version only = cal->spec.versions[version];
    only.from_day = INT64_MIN;
    spec.versions = &only;
    spec.n_versions = spec.cap_versions = 1;
    return cx__calendar_compile(out, cal->tz, &spec);
}

const cx_timezone *cx_calendar_timezone(const cx_calendar *cal)
{
    return cal ? cal->tz : NULL;
}

/* ---- spans between ISO 8601 instants --------------------------------------- */

int cx_calendar_span_init(cx_calendar_span *span, unsigned int version)
{
    CX__CHECK_ARG(span, "cx_calendar_span_init");
    int rc = cx__check_version(version, CX_CALENDAR_SPAN_VERSION, "cx_calendar_span");
    if (rc != CX_OK)
        return rc;
    memset(span, 0, sizeof *span);
    span->version = version;
    return CX_OK;
}

int cx_calendar_measure(cx_calendar_span *out, const cx_calendar *cal, const char *from, const char *to)
{
    CX__CHECK_ARG(out, "cx_calendar_measure");
    CX__CHECK_ARG(cal, "cx_calendar_measure");
    CX__CHECK_ARG(from, "cx_calendar_measure");
    CX__CHECK_ARG(to, "cx_calendar_measure");
    int rc = cx__check_version(out->version, CX_CALENDAR_SPAN_VERSION, "cx_calendar_span");
    if (rc != CX_OK)
        return rc;
    int64_t a, b, business;
    if ((rc = cx_instant_parse(&a, NULL, from)) != CX_OK || (rc = cx_instant_parse(&b, NULL, to)) != CX_OK)
        return rc;
    if ((rc = cx_calendar_business_seconds(&business, cal, a, b)) != CX_OK)
        return rc;
    out->from = a;
    out->to = b;
    out->calendar_seconds = b - a;
    out->business_seconds = business;
    return CX_OK;
}

/* ---- writing the calendar file format ---------------------------------------- */

static int write_time(cx_buffer *out, int32_t s)
{
    if (s % 60)
        return cx__buffer_printf(out, "\"%02d:%02d:%02d\"", (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60));
    return cx__buffer_printf(out, "\"%02d:%02d\"", (int)(s / 3600), (int)(s / 60 % 60));
}

static int write_intervals(cx_buffer *out, const cx__cal_day *d)
{
    int rc = cx__buffer_append(out, "[", 1);
    for (uint32_t i = 0; i < d->n && rc == CX_OK; i++) {
        rc = cx__buffer_append(out, i ? ", [" : "[", i ? 3 : 1);
        if (rc == CX_OK)
            rc = write_time(out, d->iv[i].open);
        if (rc == CX_OK)
            rc = cx__buffer_append(out, ", ", 2);
        if (rc == CX_OK)
            rc = write_time(out, d->iv[i].close);
        if (rc == CX_OK)
            rc = cx__buffer_append(out, "]", 1);
    }
    return rc == CX_OK ? cx__buffer_append(out, "]", 1) : rc;
}

static int write_week(cx_buffer *out, const cx__cal_version *v)
{
    static const char *const keys[] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };
    int rc = cx__buffer_append(out, "{", 1);
    for (int d = 0; d < 7 && rc == CX_OK; d++) {
        rc = cx__buffer_printf(out, "%s\"%s\": ", d ? ", " : "", keys[d]);
        if (rc == CX_OK)
            rc = write_intervals(out, &v->week[d]);
    }
    return rc == CX_OK ? cx__buffer_append(out, "}", 1) : rc;
}

static int write_date(cx_buffer *out, int64_t day)
{
    int64_t y;
    unsigned m, d;
    cx__civil_from_days(day, &y, &m, &d);
    return cx__buffer_printf(out, "\"%04lld-%02u-%02u\"", (long long)y, m, d);
}

static int write_holidays(cx_buffer *out, const cx__cal_spec *s)
{
    int rc = cx__buffer_append(out, "[", 1);
    for (size_t h = 0; h < s->n_holidays && rc == CX_OK; h++) {
        const cx__cal_holiday *hol = &s->holidays[h];
        if (h)
            rc = cx__buffer_append(out, ", ", 2);
        if (rc == CX_OK && !hol->closed)
            rc = cx__buffer_append(out, "{\"date\": ", 9);
        if (rc == CX_OK)
            rc = write_date(out, hol->day);
        if (rc == CX_OK && !hol->closed) {
            rc = cx__buffer_append(out, ", \"open\": ", 10);
            if (rc == CX_OK)
                rc = write_intervals(out, &hol->hours);
            if (rc == CX_OK)
                rc = cx__buffer_append(out, "}", 1);
        }
    }
    return rc == CX_OK ? cx__buffer_append(out, "]", 1) : rc;
}

static int write_versions(cx_buffer *out, const cx__cal_spec *s)
{
    int rc = cx__buffer_append(out, "[", 1);
    for (size_t v = 1; v < s->n_versions && rc == CX_OK; v++) {
        rc = cx__buffer_append(out, v > 1 ? ", {\"from\": " : "{\"from\": ", v > 1 ? 11 : 9);
        if (rc == CX_OK)
            rc = write_date(out, s->versions[v].from_day);
        if (rc == CX_OK)
            rc = cx__buffer_append(out, ", \"week\": ", 10);
        if (rc == CX_OK)
            rc = write_week(out, &s->versions[v]);
        if (rc == CX_OK)
            rc = cx__buffer_append(out, "}", 1);
    }
    return rc == CX_OK ? cx__buffer_append(out, "]", 1) : rc;
}

int cx_calendar_to_json(cx_buffer *out, const cx_calendar *cal)
{
    CX__CHECK_ARG(out, "cx_calendar_to_json");
    CX__CHECK_ARG(cal, "cx_calendar_to_json");
    cx_buffer work = CX_BUFFER_INIT;
    /* Zone names are checked to be plain ASCII without quotes when loaded
     * by name; names given to the in-memory loader are escaped here. */
    int rc = cx__buffer_append(&work, "{\"timezone\": \"", 14);
    for (const char *p = cal->tz->name; *p && rc == CX_OK; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch == '"' || ch == '\\')
            rc = cx__buffer_printf(&work, "\\%c", ch);
        else if (ch < 0x20)
            rc = cx__buffer_printf(&work, "\\u%04x", ch);
        else
            rc = cx__buffer_append(&work, p, 1);
    }
    if (rc == CX_OK)
        rc = cx__buffer_append(&work, "\", \"week\": ", 11);
    if (rc == CX_OK)
        rc = write_week(&work, &cal->spec.versions[0]);
    if (rc == CX_OK)
        rc = cx__buffer_append(&work, ", \"holidays\": ", 14);
    if (rc == CX_OK)
        rc = write_holidays(&work, &cal->spec);
    if (rc == CX_OK && cal->spec.n_versions > 1) {
        rc = cx__buffer_append(&work, ", \"versions\": ", 14);
        if (rc == CX_OK)
            rc = write_versions(&work, &cal->spec);
    }
    if (rc == CX_OK)
        rc = cx__buffer_append(&work, "}", 1);
    if (rc == CX_OK)
        rc = cx__buffer_append(out, work.data, work.size);
    cx_buffer_dispose(&work);
    return rc;
}
