/*
 * Time zones: loading, offsets at instants, and the POSIX TZ rule that
 * governs instants after a TZif file's last transition (RFC 8536 3.3).
 * No process-global time-zone state is read or written.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "civil_internal.h"
#include "core_internal.h"
#include "timezone_internal.h"

#define SECONDS_PER_DAY 86400
#define PATH_MAX_LEN 4096
#define TZ_MAX_OFFSET 93599

/* ---- the POSIX rule -------------------------------------------------- */

/* Local seconds since the epoch at which a season boundary falls in year y. */
static int64_t rule_date_local(const cx__tz_date *d, int64_t y)
{
    int64_t day;
    if (d->kind == 'J') {
        day = cx__days_from_civil(y, 1, 1) + d->day - 1 + (cx__days_in_month(y, 2) == 29 && d->day >= 60);
    } else if (d->kind == 'N') {
        day = cx__days_from_civil(y, 1, 1) + d->day;
    } else {
        int64_t first = cx__days_from_civil(y, (unsigned)d->month, 1);
        int64_t next = d->month == 12 ? cx__days_from_civil(y + 1, 1, 1)
                                      : cx__days_from_civil(y, (unsigned)d->month + 1, 1);
        unsigned first_weekday = (cx__weekday_from_days(first) + 1) % 7; /* 0 = Sunday, as POSIX */
        int64_t offset = (d->weekday - (int)first_weekday + 7) % 7 + 7 * (d->week - 1);
        while (first + offset >= next)
            offset -= 7; /* week 5 means the last such weekday */
        day = first + offset;
    }
    return day * SECONDS_PER_DAY + d->time;
}

static int64_t season_start(const cx__tz_rule *r, int64_t y)
{
    return rule_date_local(&r->start, y) - r->std_offset;
}

static int64_t season_end(const cx__tz_rule *r, int64_t y)
{
    return rule_date_local(&r->end, y) - r->dst_offset;
}

static bool rule_in_dst(const cx__tz_rule *r, int64_t at)
{
    int64_t y;
    unsigned m, d;
    cx__civil_from_days(cx__floor_div(at + r->std_offset, SECONDS_PER_DAY), &y, &m, &d);
    /* A season starting in year Y ends in Y, or in Y + 1 south of the
     * equator; rule times of up to 167 hours can push either across a new
     * year, so three seasons are looked at. */
    for (int64_t year = y - 1; year <= y + 1; year++) {
        int64_t s = season_start(r, year), e = season_end(r, year);
        if (e <= s)
            e = season_end(r, year + 1);
        if (s <= at && at < e)
            return true;
    }
    return false;
}

/* The Gregorian calendar repeats every 400 years, weekdays included
 * (146097 days = 20871 weeks), and so does a rule's season. */
#define GREGORIAN_CYCLE_SECONDS (146097LL * SECONDS_PER_DAY)

static int32_t rule_offset(const cx__tz_rule *r, int64_t at, int *is_dst)
{
    /* Moved into 1970..2370 first, so that no instant of the int64 range
     * overflows the civil-date arithmetic below. */
    int64_t within = at % GREGORIAN_CYCLE_SECONDS;
    if (within < 0)
        within += GREGORIAN_CYCLE_SECONDS;
    bool dst = r->has_dst && rule_in_dst(r, within);
    if (is_dst)
        *is_dst = dst;
    return dst ? r->dst_offset : r->std_offset;
}

/* ---- offsets --------------------------------------------------------- */

/* Index of the last transition at or before `at`; -1 when before all. */
static ptrdiff_t transition_index(const cx_timezone *tz, int64_t at)
{
    size_t lo = 0, hi = tz->n_transitions;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (tz->transition_at[mid] <= at)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (ptrdiff_t)lo - 1;
}

int32_t cx__tz_offset_at(const cx_timezone *tz, int64_t at, int *is_dst)
{
    size_t n = tz->n_transitions;
    if (tz->has_rule && (n == 0 || at >= tz->transition_at[n - 1]))
        return rule_offset(&tz->rule, at, is_dst);
    ptrdiff_t i = transition_index(tz, at);
    /* RFC 8536 3.2: before the first transition, time type 0 applies. */
    unsigned type = i < 0 ? 0 : tz->transition_type[i];
    if (is_dst)
        *is_dst = tz->type_is_dst[type];
    return tz->type_offset[type];
}

int cx_timezone_offset_at(int32_t *offset_out, int *is_dst_out, const cx_timezone *tz, int64_t at)
{
    CX__CHECK_ARG(offset_out, "cx_timezone_offset_at");
    CX__CHECK_ARG(tz, "cx_timezone_offset_at");
    *offset_out = cx__tz_offset_at(tz, at, is_dst_out);
    return CX_OK;
}

const char *cx_timezone_name(const cx_timezone *tz)
{
    return tz ? tz->name : NULL;
}

/* ---- changes of offset in a range ------------------------------------ */

static int64_t year_of(int64_t at)
{
    int64_t y;
    unsigned m, d;
    cx__civil_from_days(cx__floor_div(at, SECONDS_PER_DAY), &y, &m, &d);
    return y;
}

static void sort_instants(int64_t *v, size_t n)
{
    for (size_t i = 1; i < n; i++) { /* nearly sorted already: insertion sort */
        int64_t x = v[i];
        size_t j = i;
        while (j > 0 && v[j - 1] > x) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
}

/* Instants where an offset may change in (from, to]: the file's
 * transitions, then the rule's season boundaries. */
static int candidate_instants(const cx_timezone *tz, int64_t from, int64_t to, int64_t **out, size_t *n)
{
    size_t nt = tz->n_transitions;
    int64_t rule_from = nt ? tz->transition_at[nt - 1] : from;
    int64_t first_year = year_of(rule_from > from ? rule_from : from) - 2, last_year = year_of(to) + 2;
    size_t rule_count = tz->has_rule && tz->rule.has_dst && to > rule_from ? (size_t)(last_year - first_year + 1) * 2 : 0;
    int64_t *v = cx__reallocarray(NULL, nt + rule_count + 1, sizeof *v);
    if (v == NULL)
        return cx__nomem("listing time-zone transitions");
    size_t k = 0;
    for (size_t i = 0; i < nt; i++)
        if (tz->transition_at[i] > from && tz->transition_at[i] <= to)
            v[k++] = tz->transition_at[i];
    size_t rule_first = k;
    for (int64_t y = first_year; rule_count && y <= last_year; y++) {
        int64_t s = season_start(&tz->rule, y), e = season_end(&tz->rule, y);
        if (s > rule_from && s > from && s <= to)
            v[k++] = s;
        if (e > rule_from && e > from && e <= to)
            v[k++] = e;
    }
    sort_instants(v + rule_first, k - rule_first);
    *out = v;
    *n = k;
    return CX_OK;
}

int cx__tz_changes(const cx_timezone *tz, int64_t from, int64_t to, cx__tz_change **out, size_t *n)
{
    int64_t *cand = NULL;
    size_t nc = 0;
    *out = NULL;
    *n = 0;
    int rc = candidate_instants(tz, from, to, &cand, &nc);
    if (rc != CX_OK)
        return rc;
    cx__tz_change *changes = cx__reallocarray(NULL, nc + 1, sizeof *changes);
    if (changes == NULL) {
        cx__free(cand);
        return cx__nomem("listing time-zone transitions");
    }
    int32_t current = cx__tz_offset_at(tz, from, NULL);
    size_t k = 0;
    for (size_t i = 0; i < nc; i++) {
        int32_t off = cx__tz_offset_at(tz, cand[i], NULL);
        if (off != current && (k == 0 || changes[k - 1].at != cand[i])) {
            changes[k++] = (cx__tz_change){ cand[i], off };
            current = off;
        }
    }
    cx__free(cand);
    *out = changes;
    *n = k;
    return CX_OK;
}

/* ---- life cycle ------------------------------------------------------ */

void cx_timezone_free(cx_timezone *tz)
{
    if (tz == NULL)
        return;
    cx__free(tz->name);
    cx__free(tz->transition_at);
    cx__free(tz->transition_type);
    cx__free(tz->type_offset);
    cx__free(tz->type_is_dst);
    cx__free(tz);
}

static cx_timezone *zone_named(const char *name)
{
    cx_timezone *tz = cx__calloc(1, sizeof *tz);
    if (tz == NULL)
        return NULL;
    tz->name = cx__strdup(name);
    if (tz->name == NULL) {
        cx__free(tz);
        return NULL;
    }
    return tz;
}

static void *dup_array(const void *src, size_t count, size_t size)
{
    void *p = cx__reallocarray(NULL, count ? count : 1, size);
    if (p != NULL && count)
        memcpy(p, src, count * size);
    return p;
}

int cx__tz_copy(cx_timezone **out, const cx_timezone *tz)
{
    *out = NULL;
    cx_timezone *c = zone_named(tz->name);
    if (c == NULL)
        return cx__nomem("copying a time zone");
    c->n_transitions = tz->n_transitions;
    c->n_types = tz->n_types;
    c->has_rule = tz->has_rule;
    c->rule = tz->rule;
    c->transition_at = dup_array(tz->transition_at, tz->n_transitions, sizeof *c->transition_at);
    c->transition_type = dup_array(tz->transition_type, tz->n_transitions, 1);
    c->type_offset = dup_array(tz->type_offset, tz->n_types, sizeof *c->type_offset);
    c->type_is_dst = dup_array(tz->type_is_dst, tz->n_types, 1);
    if (!c->transition_at || !c->transition_type || !c->type_offset || !c->type_is_dst) {
        cx_timezone_free(c);
        return cx__nomem("copying a time zone");
    }
    *out = c;
    return CX_OK;
}

static void format_offset(char *buf, size_t size, int32_t offset)
{
    int32_t a = offset < 0 ? -offset : offset;
    if (a % 60)
        snprintf(buf, size, "%c%02d:%02d:%02d", offset < 0 ? '-' : '+', (int)(a / 3600), (int)(a / 60 % 60),
                 (int)(a % 60));
    else
        snprintf(buf, size, "%c%02d:%02d", offset < 0 ? '-' : '+', (int)(a / 3600), (int)(a / 60 % 60));
}

int cx_timezone_fixed(cx_timezone **out, int32_t utc_offset_seconds)
{
    CX__CHECK_ARG(out, "cx_timezone_fixed");
    *out = NULL;
    if (utc_offset_seconds < -TZ_MAX_OFFSET || utc_offset_seconds > TZ_MAX_OFFSET)
        return cx__error(CX_ERANGE, "cx_timezone_fixed: offset %ld s is outside -93599..93599 (26 hours)",
                         (long)utc_offset_seconds);
    char name[24] = "UTC";
    if (utc_offset_seconds != 0)
        format_offset(name + 3, sizeof name - 3, utc_offset_seconds);
    cx_timezone *tz = zone_named(name);
    if (tz != NULL) {
        tz->n_types = 1;
        tz->transition_at = cx__malloc(sizeof *tz->transition_at);
        tz->transition_type = cx__malloc(1);
        tz->type_offset = cx__malloc(sizeof *tz->type_offset);
        tz->type_is_dst = cx__calloc(1, 1);
    }
    if (tz == NULL || !tz->transition_at || !tz->transition_type || !tz->type_offset || !tz->type_is_dst) {
        cx_timezone_free(tz);
        return cx__nomem("making a fixed-offset time zone");
    }
    tz->type_offset[0] = utc_offset_seconds;
    *out = tz;
    return CX_OK;
}

static int check_name_length(const char *name, const char *func)
{
    size_t n = strnlen(name, CX_TIMEZONE_NAME_MAX + 1);
    if (n == 0)
        return cx__error(CX_EINVAL, "%s: the time-zone name is empty", func);
    if (n > CX_TIMEZONE_NAME_MAX)
        return cx__error(CX_EINVAL, "%s: time-zone name \"%.32s...\" is longer than %d bytes", func, name,
                         CX_TIMEZONE_NAME_MAX);
    return CX_OK;
}

int cx_timezone_from_tzif(cx_timezone **out, const char *name, const void *data, size_t len)
{
    CX__CHECK_ARG(out, "cx_timezone_from_tzif");
    *out = NULL;
    CX__CHECK_ARG(name, "cx_timezone_from_tzif");
    CX__CHECK_ARG(data, "cx_timezone_from_tzif");
    int rc = check_name_length(name, "cx_timezone_from_tzif");
    if (rc != CX_OK)
        return rc;
    if (len > CX_TZIF_MAX_SIZE)
        return cx__error(CX_EFORMAT, "time zone \"%s\": %zu bytes of TZif data exceed the limit of %d", name, len,
                         CX_TZIF_MAX_SIZE);
    cx_timezone *tz = zone_named(name);
    if (tz == NULL)
        return cx__nomem("reading a time zone");
    if ((rc = cx__tzif_parse(tz, data, len)) != CX_OK) {
        cx_timezone_free(tz);
        return rc;
    }
    *out = tz;
    return CX_OK;
}

/* ---- loading from the zoneinfo directory ----------------------------- */

static bool name_char_ok(char ch)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_'
           || ch == '-' || ch == '+' || ch == '.';
}

static int check_zone_name(const char *name)
{
    int rc = check_name_length(name, "cx_timezone_load");
    if (rc != CX_OK)
        return rc;
    bool component_start = true;
    for (const char *p = name; *p; p++) {
        if (*p == '/') {
            if (component_start)
                return cx__error(CX_EINVAL, "time-zone name \"%s\" has an empty path component", name);
            component_start = true;
            continue;
        }
        if (component_start && *p == '.')
            return cx__error(CX_EINVAL, "time-zone name \"%s\" has a component starting with '.'", name);
        if (!name_char_ok(*p))
            return cx__error(CX_EINVAL, "time-zone name \"%s\" contains '%c' (allowed: letters, digits, _ - + . /)",
                             name, *p);
        component_start = false;
    }
    if (component_start)
        return cx__error(CX_EINVAL, "time-zone name \"%s\" ends with '/'", name);
    return CX_OK;
}

/* Reads a whole file of at most `limit` bytes into a new buffer. */
static int read_file(const char *path, const char *name, size_t limit, unsigned char **data, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        int e = errno;
        if (e == ENOENT || e == ENOTDIR)
            return cx__error(CX_ENOTFOUND, "unknown time zone \"%s\" (no file %s)", name, path);
        return cx__error(CX_EIO, "time zone \"%s\": cannot open %s: %s", name, path, strerror(e));
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0) {
        int e = errno;
        fclose(f);
        return cx__error(CX_EIO, "time zone \"%s\": cannot read %s: %s", name, path, strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        fclose(f);
        return cx__error(CX_ENOTFOUND, "unknown time zone \"%s\" (%s is %s)", name, path,
                         S_ISDIR(st.st_mode) ? "a directory" : "not a regular file");
    }
    if ((uintmax_t)st.st_size > limit) {
        fclose(f);
        return cx__error(CX_EFORMAT, "time zone \"%s\": %s is larger than %zu bytes", name, path, limit);
    }
    size_t size = (size_t)st.st_size;
    unsigned char *buf = cx__malloc(size + 1);
    if (buf == NULL) {
        fclose(f);
        return cx__nomem("reading a time-zone file");
    }
    size_t n = fread(buf, 1, size, f);
    int e = ferror(f) ? errno : 0;
    fclose(f);
    if (e != 0 || n != size) {
        cx__free(buf);
        return cx__error(CX_EIO, "time zone \"%s\": cannot read %s: %s", name, path, e ? strerror(e) : "short read");
    }
    *data = buf;
    *len = n;
    return CX_OK;
}

int cx_timezone_load(cx_timezone **out, const char *name, const char *zoneinfo_dir)
{
    CX__CHECK_ARG(out, "cx_timezone_load");
    *out = NULL;
    CX__CHECK_ARG(name, "cx_timezone_load");
    int rc = check_zone_name(name);
    if (rc != CX_OK)
        return rc;
    const char *dir = zoneinfo_dir ? zoneinfo_dir : CX_ZONEINFO_DIR;
    char path[PATH_MAX_LEN];
    int n = snprintf(path, sizeof path, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= sizeof path)
        return cx__error(CX_EINVAL, "cx_timezone_load: path %.64s.../%s is longer than %d bytes", dir, name,
                         PATH_MAX_LEN - 1);
    unsigned char *data = NULL;
    size_t len = 0;
    if ((rc = read_file(path, name, CX_TZIF_MAX_SIZE, &data, &len)) != CX_OK)
        return rc;
    rc = cx_timezone_from_tzif(out, name, data, len);
    cx__free(data);
    return rc;
}
