/*
 * Building business calendars: the builder, which validates every interval
 * and date as it is added, and the compiler, which turns the specification
 * into the segment table described in calendar_internal.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar_internal.h"
#include "civil_internal.h"
#include "core_internal.h"
#include "timezone_internal.h"

#define FIRST_YEAR 1900
#define LAST_YEAR 2199

static const char *const weekday_names[] = { "Monday", "Tuesday", "Wednesday", "Thursday",
                                             "Friday", "Saturday", "Sunday" };

/* ---- dates and intervals --------------------------------------------- */

int cx__cal_day_number(int64_t *out, int32_t year, unsigned month, unsigned day, const char *what)
{
    if (year < FIRST_YEAR || year > LAST_YEAR)
        return cx__error(CX_EINVAL, "%s: year %ld is outside %d..%d", what, (long)year, FIRST_YEAR, LAST_YEAR);
    if (month < 1 || month > 12)
        return cx__error(CX_EINVAL, "%s: month %u is not 1..12", what, month);
    if (day < 1 || day > cx__days_in_month(year, month))
        return cx__error(CX_EINVAL, "%s: day %u does not exist in %04ld-%02u", what, day, (long)year, month);
    *out = cx__days_from_civil(year, month, day);
    return CX_OK;
}

static void hhmm(char *buf, size_t size, int32_t s)
{
    if (s % 60)
        snprintf(buf, size, "%02d:%02d:%02d", (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60));
    else
        snprintf(buf, size, "%02d:%02d", (int)(s / 3600), (int)(s / 60 % 60));
}

int cx__cal_day_add(cx__cal_day *d, int32_t open, int32_t close, const char *where)
{
    if (open < 0 || open >= CX__DAY || close <= open || close > CX__DAY)
        return cx__error(CX_EINVAL, "%s: interval [%ld, %ld) s is not within 0..86400 with open < close", where,
                         (long)open, (long)close);
    char a[16], b[16], c[16], e[16];
    hhmm(a, sizeof a, open);
    hhmm(b, sizeof b, close);
    uint32_t at = 0;
    while (at < d->n && d->iv[at].open < open)
        at++;
    for (uint32_t i = 0; i < d->n; i++) {
        if (d->iv[i].open < close && open < d->iv[i].close) {
            hhmm(c, sizeof c, d->iv[i].open);
            hhmm(e, sizeof e, d->iv[i].close);
            return cx__error(CX_EINVAL, "%s: open interval %s-%s overlaps %s-%s", where, a, b, c, e);
        }
    }
    if (d->n >= CX_CALENDAR_MAX_INTERVALS)
        return cx__error(CX_EINVAL, "%s: more than %d open intervals on one day", where, CX_CALENDAR_MAX_INTERVALS);
    memmove(&d->iv[at + 1], &d->iv[at], (d->n - at) * sizeof d->iv[0]);
    d->iv[at] = (cx__cal_interval){ open, close };
    d->n++;
    return CX_OK;
}

/* ---- the specification ----------------------------------------------- */

void cx__cal_spec_free(cx__cal_spec *s)
{
    cx__free(s->versions);
    cx__free(s->holidays);
    memset(s, 0, sizeof *s);
}

int cx__cal_spec_copy(cx__cal_spec *dst, const cx__cal_spec *src)
{
    memset(dst, 0, sizeof *dst);
    dst->versions = cx__reallocarray(NULL, src->n_versions, sizeof *dst->versions);
    dst->holidays = cx__reallocarray(NULL, src->n_holidays ? src->n_holidays : 1, sizeof *dst->holidays);
    if (dst->versions == NULL || dst->holidays == NULL) {
        cx__cal_spec_free(dst);
        return cx__nomem("copying a calendar");
    }
    memcpy(dst->versions, src->versions, src->n_versions * sizeof *dst->versions);
    if (src->n_holidays)
        memcpy(dst->holidays, src->holidays, src->n_holidays * sizeof *dst->holidays);
    dst->n_versions = dst->cap_versions = src->n_versions;
    dst->n_holidays = src->n_holidays;
    dst->cap_holidays = src->n_holidays ? src->n_holidays : 1;
    return CX_OK;
}

/* ---- the builder ------------------------------------------------------- */

int cx_calendar_builder_new(cx_calendar_builder **out, const cx_timezone *tz)
{
    CX__CHECK_ARG(out, "cx_calendar_builder_new");
    *out = NULL;
    CX__CHECK_ARG(tz, "cx_calendar_builder_new");
    cx_calendar_builder *b = cx__calloc(1, sizeof *b);
    if (b == NULL)
        return cx__nomem("creating a calendar builder");
    b->spec.versions = cx__calloc(1, sizeof *b->spec.versions);
    if (b->spec.versions == NULL || cx__tz_copy(&b->tz, tz) != CX_OK) {
        cx_calendar_builder_free(b);
        return cx__nomem("creating a calendar builder");
    }
    b->spec.versions[0].from_day = INT64_MIN;
    b->spec.n_versions = b->spec.cap_versions = 1;
    *out = b;
    return CX_OK;
}

void cx_calendar_builder_free(cx_calendar_builder *b)
{
    if (b == NULL)
        return;
    cx_timezone_free(b->tz);
    cx__cal_spec_free(&b->spec);
    cx__free(b);
}

static void date_text(char *buf, size_t size, int64_t day)
{
    int64_t y;
    unsigned m, d;
    cx__civil_from_days(day, &y, &m, &d);
    snprintf(buf, size, "%04lld-%02u-%02u", (long long)y, m, d);
}

int cx_calendar_builder_add_version(size_t *out, cx_calendar_builder *b, int32_t year, unsigned month, unsigned day)
{
    CX__CHECK_ARG(out, "cx_calendar_builder_add_version");
    CX__CHECK_ARG(b, "cx_calendar_builder_add_version");
    int64_t from;
    int rc = cx__cal_day_number(&from, year, month, day, "cx_calendar_builder_add_version");
    if (rc != CX_OK)
        return rc;
    for (size_t i = 1; i < b->spec.n_versions; i++) {
        if (b->spec.versions[i].from_day == from) {
            char text[16];
            date_text(text, sizeof text, from);
            return cx__error(CX_EEXISTS, "cx_calendar_builder_add_version: version %zu already starts on %s", i, text);
        }
    }
    void *items = b->spec.versions;
    if (cx__grow(&items, &b->spec.cap_versions, b->spec.n_versions + 1, sizeof *b->spec.versions, 2) != CX_OK)
        return cx__nomem("adding a calendar version");
    b->spec.versions = items;
    cx__cal_version *v = &b->spec.versions[b->spec.n_versions];
    memset(v, 0, sizeof *v);
    v->from_day = from;
    *out = b->spec.n_versions++;
    return CX_OK;
}

int cx_calendar_builder_add_hours(cx_calendar_builder *b, size_t version, cx_weekday weekday, int32_t open,
                                  int32_t close)
{
    CX__CHECK_ARG(b, "cx_calendar_builder_add_hours");
    if (version >= b->spec.n_versions)
        return cx__error(CX_EINVAL, "cx_calendar_builder_add_hours: version %zu does not exist (the builder has %zu)",
                         version, b->spec.n_versions);
    if (weekday < CX_WEEKDAY_MONDAY || weekday > CX_WEEKDAY_SUNDAY)
        return cx__error(CX_EINVAL, "cx_calendar_builder_add_hours: weekday %d is not 1 (Monday)..7 (Sunday)",
                         (int)weekday);
    char where[64];
    snprintf(where, sizeof where, "version %zu, %s", version, weekday_names[weekday - 1]);
    return cx__cal_day_add(&b->spec.versions[version].week[weekday - 1], open, close, where);
}

static cx__cal_holiday *find_holiday(const cx__cal_spec *s, int64_t day)
{
    for (size_t i = 0; i < s->n_holidays; i++)
        if (s->holidays[i].day == day)
            return &s->holidays[i];
    return NULL;
}

static int new_holiday(cx__cal_spec *s, int64_t day, bool closed, cx__cal_holiday **out)
{
    void *items = s->holidays;
    if (cx__grow(&items, &s->cap_holidays, s->n_holidays + 1, sizeof *s->holidays, 8) != CX_OK)
        return cx__nomem("adding a holiday");
    s->holidays = items;
    cx__cal_holiday *h = &s->holidays[s->n_holidays++];
    memset(h, 0, sizeof *h);
    h->day = day;
    h->closed = closed;
    *out = h;
    return CX_OK;
}

int cx_calendar_builder_add_holiday(cx_calendar_builder *b, int32_t year, unsigned month, unsigned day)
{
    CX__CHECK_ARG(b, "cx_calendar_builder_add_holiday");
    int64_t d;
    int rc = cx__cal_day_number(&d, year, month, day, "cx_calendar_builder_add_holiday");
    if (rc != CX_OK)
        return rc;
    if (find_holiday(&b->spec, d) != NULL) {
        char text[16];
        date_text(text, sizeof text, d);
        return cx__error(CX_EEXISTS, "cx_calendar_builder_add_holiday: %s is already a holiday", text);
    }
    cx__cal_holiday *h;
    return new_holiday(&b->spec, d, true, &h);
}

int cx_calendar_builder_add_holiday_hours(cx_calendar_builder *b, int32_t year, unsigned month, unsigned day,
                                          int32_t open, int32_t close)
{
    CX__CHECK_ARG(b, "cx_calendar_builder_add_holiday_hours");
    int64_t d;
    int rc = cx__cal_day_number(&d, year, month, day, "cx_calendar_builder_add_holiday_hours");
    if (rc != CX_OK)
        return rc;
    char where[48];
    date_text(where, sizeof where, d);
    cx__cal_holiday *h = find_holiday(&b->spec, d);
    if (h != NULL && h->closed)
        return cx__error(CX_EEXISTS, "cx_calendar_builder_add_holiday_hours: %s is already a holiday closed all day",
                         where);
    if (h != NULL)
        return cx__cal_day_add(&h->hours, open, close, where);
    cx__cal_day scratch = { 0 };
    if ((rc = cx__cal_day_add(&scratch, open, close, where)) != CX_OK)
        return rc;
    if ((rc = new_holiday(&b->spec, d, false, &h)) != CX_OK)
        return rc;
    h->hours = scratch;
    return CX_OK;
}

int cx_calendar_build(cx_calendar **out, const cx_calendar_builder *b)
{
    CX__CHECK_ARG(out, "cx_calendar_build");
    *out = NULL;
    CX__CHECK_ARG(b, "cx_calendar_build");
    return cx__calendar_compile(out, b->tz, &b->spec);
}

/* ---- compiling ----------------------------------------------------------- */

/* Appends the intervals of one day, starting `base` seconds into the
 * period, merging intervals that touch. */
static uint32_t compile_day(cx__open *iv, uint32_t n, const cx__cal_day *d, int64_t base, int64_t *cum)
{
    for (uint32_t i = 0; i < d->n; i++) {
        int64_t open = base + d->iv[i].open, len = d->iv[i].close - d->iv[i].open;
        if (n > 0 && i > 0 && iv[n - 1].open + iv[n - 1].len == open) {
            iv[n - 1].len += len;
        } else {
            iv[n] = (cx__open){ open, len, *cum };
            n++;
        }
        *cum += len;
    }
    return n;
}

static void compile_week(cx__schedule *s, cx__open *pool, const cx__cal_version *v)
{
    int64_t cum = 0;
    uint32_t n = 0;
    s->period = CX__WEEK;
    s->iv = pool;
    for (int d = 0; d < 7; d++) {
        s->first[d] = n;
        n = compile_day(pool, n, &v->week[d], (int64_t)d * CX__DAY, &cum);
    }
    s->first[7] = n;
    s->n = n;
    s->total = cum;
}

static void compile_holiday(cx__schedule *s, cx__open *pool, const cx__cal_holiday *h)
{
    int64_t cum = 0;
    s->period = CX__DAY;
    s->iv = pool;
    s->n = h->closed ? 0 : compile_day(pool, 0, &h->hours, 0, &cum);
    s->first[0] = 0;
    for (int d = 1; d < 8; d++)
        s->first[d] = s->n;
    s->total = cum;
}

static int compare_holidays(const void *a, const void *b)
{
    int64_t x = ((const cx__cal_holiday *)a)->day, y = ((const cx__cal_holiday *)b)->day;
    return (x > y) - (x < y);
}

static int compile_schedules(cx_calendar *cal)
{
    cx__cal_spec *s = &cal->spec;
    qsort(s->holidays, s->n_holidays, sizeof *s->holidays, compare_holidays);
    size_t total_iv = 0;
    for (size_t v = 0; v < s->n_versions; v++)
        for (int d = 0; d < 7; d++)
            total_iv += s->versions[v].week[d].n;
    for (size_t h = 0; h < s->n_holidays; h++)
        total_iv += s->holidays[h].hours.n;
    cal->n_schedules = s->n_versions + s->n_holidays;
    cal->schedules = cx__calloc(cal->n_schedules, sizeof *cal->schedules);
    cal->pool = cx__reallocarray(NULL, total_iv ? total_iv : 1, sizeof *cal->pool);
    if (cal->schedules == NULL || cal->pool == NULL)
        return cx__nomem("compiling a calendar");
    cx__open *next = cal->pool;
    for (size_t v = 0; v < s->n_versions; v++) {
        compile_week(&cal->schedules[v], next, &s->versions[v]);
        next += cal->schedules[v].n;
    }
    for (size_t h = 0; h < s->n_holidays; h++) {
        cx__schedule *sc = &cal->schedules[s->n_versions + h];
        compile_holiday(sc, next, &s->holidays[h]);
        next += sc->n;
    }
    return CX_OK;
}

/* Version starts in date order, for cx_calendar_version_at and pieces. */
static int compile_version_order(cx_calendar *cal)
{
    size_t n = cal->spec.n_versions;
    cal->version_day = cx__reallocarray(NULL, n, sizeof *cal->version_day);
    cal->version_index = cx__reallocarray(NULL, n, sizeof *cal->version_index);
    if (cal->version_day == NULL || cal->version_index == NULL)
        return cx__nomem("compiling a calendar");
    for (size_t i = 0; i < n; i++) { /* insertion sort: versions are few */
        int64_t day = cal->spec.versions[i].from_day;
        size_t j = i;
        while (j > 0 && cal->version_day[j - 1] > day) {
            cal->version_day[j] = cal->version_day[j - 1];
            cal->version_index[j] = cal->version_index[j - 1];
            j--;
        }
        cal->version_day[j] = day;
        cal->version_index[j] = (uint32_t)i;
    }
    return CX_OK;
}

/* A run of local days with one schedule: days [first_day, next piece). */
typedef struct piece {
    int64_t first_day;
    uint32_t schedule;
    int64_t anchor;
} piece;

static piece piece_at(const cx_calendar *cal, int64_t day, size_t *holiday_cursor)
{
    const cx__cal_spec *s = &cal->spec;
    while (*holiday_cursor < s->n_holidays && s->holidays[*holiday_cursor].day < day)
        (*holiday_cursor)++;
    if (*holiday_cursor < s->n_holidays && s->holidays[*holiday_cursor].day == day)
        return (piece){ day, (uint32_t)(s->n_versions + *holiday_cursor), day * CX__DAY };
    return (piece){ day, cx__calendar_version_on_day(cal, day), CX__MONDAY_ANCHOR };
}

static void add_day(int64_t *days, size_t *n, int64_t day)
{
    days[(*n)++] = day;
}

static int compare_days(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The local day axis cut where the schedule may change. */
static int compile_pieces(const cx_calendar *cal, piece **out, size_t *count)
{
    const cx__cal_spec *s = &cal->spec;
    size_t cap = 1 + s->n_versions + 2 * s->n_holidays, n = 0;
    int64_t *days = cx__reallocarray(NULL, cap, sizeof *days);
    piece *pieces = cx__reallocarray(NULL, cap, sizeof *pieces);
    if (days == NULL || pieces == NULL) {
        cx__free(days);
        cx__free(pieces);
        return cx__nomem("compiling a calendar");
    }
    add_day(days, &n, cx__floor_div(CX_CALENDAR_MIN_INSTANT, CX__DAY) - 2);
    for (size_t v = 1; v < s->n_versions; v++)
        add_day(days, &n, s->versions[v].from_day);
    for (size_t h = 0; h < s->n_holidays; h++) {
        add_day(days, &n, s->holidays[h].day);
        add_day(days, &n, s->holidays[h].day + 1);
    }
    qsort(days, n, sizeof *days, compare_days);
    size_t k = 0, cursor = 0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && days[i] == days[i - 1])
            continue;
        piece p = piece_at(cal, days[i], &cursor);
        if (k > 0 && pieces[k - 1].schedule == p.schedule && pieces[k - 1].anchor == p.anchor)
            continue;
        pieces[k++] = p;
    }
    cx__free(days);
    *out = pieces;
    *count = k;
    return CX_OK;
}

typedef struct segment_list {
    int64_t *start;
    cx__segment *segs;
    size_t n, cap;
} segment_list;

static int push_segment(segment_list *l, int64_t start, int32_t offset, const piece *p)
{
    if (l->n > 0 && l->start[l->n - 1] == start)
        l->n--; /* an empty segment: replaced */
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        int64_t *s = cx__reallocarray(l->start, cap, sizeof *s);
        if (s == NULL)
            return cx__nomem("compiling a calendar");
        l->start = s;
        cx__segment *g = cx__reallocarray(l->segs, cap, sizeof *g);
        if (g == NULL)
            return cx__nomem("compiling a calendar");
        l->segs = g;
        l->cap = cap;
    }
    l->start[l->n] = start;
    l->segs[l->n] = (cx__segment){ 0, p->anchor, offset, p->schedule };
    l->n++;
    return CX_OK;
}

static size_t piece_index(const piece *pieces, size_t n, int64_t day)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (pieces[mid].first_day <= day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? lo - 1 : 0;
}

/* Cuts the UTC span [a, b) of constant offset by the pieces it meets. */
static int cut_offset_span(segment_list *l, int64_t a, int64_t b, int32_t off, const piece *pieces, size_t np)
{
    size_t j = piece_index(pieces, np, cx__floor_div(a + off, CX__DAY));
    for (;;) {
        int64_t start = j == 0 || pieces[j].first_day * CX__DAY - off < a ? a : pieces[j].first_day * CX__DAY - off;
        int rc = push_segment(l, start, off, &pieces[j]);
        if (rc != CX_OK)
            return rc;
        if (j + 1 >= np || pieces[j + 1].first_day * CX__DAY - off >= b)
            return CX_OK;
        j++;
    }
}

static int compile_segments(cx_calendar *cal, const piece *pieces, size_t np)
{
    cx__tz_change *changes = NULL;
    size_t nc = 0;
    int rc = cx__tz_changes(cal->tz, CX_CALENDAR_MIN_INSTANT, CX_CALENDAR_MAX_INSTANT, &changes, &nc);
    if (rc != CX_OK)
        return rc;
    segment_list l = { 0 };
    int64_t a = CX_CALENDAR_MIN_INSTANT;
    int32_t off = cx__tz_offset_at(cal->tz, a, NULL);
    for (size_t i = 0; i <= nc && rc == CX_OK; i++) {
        int64_t b = i < nc ? changes[i].at : CX_CALENDAR_MAX_INSTANT + 1;
        rc = cut_offset_span(&l, a, b, off, pieces, np);
        if (i < nc) {
            a = changes[i].at;
            off = changes[i].offset;
        }
    }
    cx__free(changes);
    cal->seg_start = l.start;
    cal->segs = l.segs;
    cal->n_segs = l.n;
    if (rc == CX_OK && (cal->seg_f = cx__reallocarray(NULL, l.n, sizeof *cal->seg_f)) == NULL)
        rc = cx__nomem("compiling a calendar");
    return rc;
}

/* Fixes each segment's bias so that F is continuous and F(MIN) = 0. */
static void compile_biases(cx_calendar *cal)
{
    int64_t f = 0;
    for (size_t k = 0; k < cal->n_segs; k++) {
        cx__segment *g = &cal->segs[k];
        const cx__schedule *s = &cal->schedules[g->schedule];
        int64_t end = k + 1 < cal->n_segs ? cal->seg_start[k + 1] : CX_CALENDAR_MAX_INSTANT;
        g->bias = f - cx__schedule_q(s, cal->seg_start[k] + g->offset - g->anchor);
        cal->seg_f[k] = f;
        f = g->bias + cx__schedule_q(s, end + g->offset - g->anchor);
    }
    cal->f_max = f;
}

static int compile_buckets(cx_calendar *cal)
{
    uint64_t span = (uint64_t)(CX_CALENDAR_MAX_INSTANT - CX_CALENDAR_MIN_INSTANT);
    cal->n_buckets = (size_t)(span >> CX__BUCKET_SHIFT) + 1;
    cal->bucket = cx__reallocarray(NULL, cal->n_buckets, sizeof *cal->bucket);
    if (cal->bucket == NULL)
        return cx__nomem("compiling a calendar");
    size_t k = 0;
    for (size_t b = 0; b < cal->n_buckets; b++) {
        int64_t start = CX_CALENDAR_MIN_INSTANT + (int64_t)((uint64_t)b << CX__BUCKET_SHIFT);
        while (k + 1 < cal->n_segs && cal->seg_start[k + 1] <= start)
            k++;
        cal->bucket[b] = (uint32_t)k;
    }
    return CX_OK;
}

int cx__calendar_compile(cx_calendar **out, const cx_timezone *tz, const cx__cal_spec *spec)
{
    *out = NULL;
    cx_calendar *cal = cx__calloc(1, sizeof *cal);
    if (cal == NULL)
        return cx__nomem("compiling a calendar");
    int rc = cx__tz_copy(&cal->tz, tz);
    if (rc == CX_OK)
        rc = cx__cal_spec_copy(&cal->spec, spec);
    if (rc == CX_OK)
        rc = compile_schedules(cal);
    if (rc == CX_OK)
        rc = compile_version_order(cal);
    piece *pieces = NULL;
    size_t np = 0;
    if (rc == CX_OK)
        rc = compile_pieces(cal, &pieces, &np);
    if (rc == CX_OK)
        rc = compile_segments(cal, pieces, np);
    cx__free(pieces);
    if (rc == CX_OK)
        rc = compile_buckets(cal);
    if (rc != CX_OK) {
        cx_calendar_free(cal);
        return rc;
    }
    compile_biases(cal);
    *out = cal;
    return CX_OK;
}

void cx_calendar_free(cx_calendar *cal)
{
    if (cal == NULL)
        return;
    cx_timezone_free(cal->tz);
    cx__cal_spec_free(&cal->spec);
    cx__free(cal->schedules);
    cx__free(cal->pool);
    cx__free(cal->seg_start);
    cx__free(cal->seg_f);
    cx__free(cal->segs);
    cx__free(cal->version_day);
    cx__free(cal->version_index);
    cx__free(cal->bucket);
    cx__free(cal);
}
