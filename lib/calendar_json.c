/*
 * Reader of the calendar file format (DESIGN.md, the `cx calendar`
 * contract) with jansson. Built only with the meson feature `json`;
 * calendar_nojson.c stands in otherwise.
 *
 * The reader drives the public builder, so a file is held to exactly the
 * rules of the C API; each error is prefixed with its place in the file.
 * jansson allocates with its own hooks (setting them would change them for
 * the whole process); everything libcx keeps goes through cx__malloc.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "calendar_internal.h"
#include "core_internal.h"

#define CALENDAR_FILE_MAX (16 * 1024 * 1024)

static const char *const day_keys[] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };

static int at(const char *where, int code, const char *fmt, const char *value)
{
    char msg[256];
    snprintf(msg, sizeof msg, fmt, value);
    return cx__error(code, "calendar file: %s: %s", where, msg);
}

/* "HH:MM" or "HH:MM:SS"; "24:00" (":00") only where `allow_24`. */
static int parse_clock(const json_t *v, const char *where, bool allow_24, int32_t *out)
{
    const char *s = json_string_value(v);
    if (s == NULL)
        return at(where, CX_EFORMAT, "expected a time of day as a string \"HH:MM\"%s", "");
    size_t n = strlen(s);
    bool shape = (n == 5 || n == 8) && s[2] == ':' && (n == 5 || s[5] == ':');
    for (size_t i = 0; shape && i < n; i++)
        if (i != 2 && i != 5 && (s[i] < '0' || s[i] > '9'))
            shape = false;
    if (!shape)
        return at(where, CX_EFORMAT, "\"%.32s\" is not a time of day (HH:MM or HH:MM:SS)", s);
    int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
    int sec = n == 8 ? (s[6] - '0') * 10 + (s[7] - '0') : 0;
    int32_t total = h * 3600 + m * 60 + sec;
    if (m > 59 || sec > 59 || total > 86400 || (total == 86400 && !allow_24))
        return at(where, CX_EFORMAT, "\"%.32s\" is not a time of day (00:00..23:59:59, 24:00 only to close)", s);
    *out = total;
    return CX_OK;
}

/* One [open, close] pair. */
static int parse_pair(const json_t *pair, const char *where, int32_t *open, int32_t *close)
{
    if (!json_is_array(pair) || json_array_size(pair) != 2)
        return at(where, CX_EFORMAT, "expected an interval [\"HH:MM\", \"HH:MM\"]%s", "");
    char place[128];
    snprintf(place, sizeof place, "%.100s[0]", where);
    int rc = parse_clock(json_array_get(pair, 0), place, false, open);
    if (rc != CX_OK)
        return rc;
    snprintf(place, sizeof place, "%.100s[1]", where);
    return parse_clock(json_array_get(pair, 1), place, true, close);
}

static int prefixed(int rc, const char *where)
{
    char msg[256];
    snprintf(msg, sizeof msg, "%s", cx_last_error());
    return cx__error(rc, "calendar file: %s: %s", where, msg);
}

typedef int (*add_interval_fn)(cx_calendar_builder *b, const void *ctx, int32_t open, int32_t close);

static int parse_intervals(const json_t *list, const char *where, cx_calendar_builder *b, add_interval_fn add,
                           const void *ctx)
{
    if (!json_is_array(list))
        return at(where, CX_EFORMAT, "expected a list of intervals [[\"09:00\", \"17:00\"], ...]%s", "");
    for (size_t i = 0; i < json_array_size(list); i++) {
        char place[128];
        snprintf(place, sizeof place, "%.80s[%zu]", where, i);
        int32_t open, close;
        int rc = parse_pair(json_array_get(list, i), place, &open, &close);
        if (rc == CX_OK && (rc = add(b, ctx, open, close)) != CX_OK)
            return prefixed(rc, place);
        if (rc != CX_OK)
            return rc;
    }
    return CX_OK;
}

typedef struct weekday_ctx {
    size_t version;
    cx_weekday day;
} weekday_ctx;

static int add_weekday_hours(cx_calendar_builder *b, const void *ctx, int32_t open, int32_t close)
{
    const weekday_ctx *w = ctx;
    return cx_calendar_builder_add_hours(b, w->version, w->day, open, close);
}

static int parse_week(const json_t *week, const char *where, cx_calendar_builder *b, size_t version)
{
    if (!json_is_object(week))
        return at(where, CX_EFORMAT, "expected an object of weekdays {\"mon\": [...], ...}%s", "");
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)week, key, value) {
        int d = 0;
        while (d < 7 && strcmp(key, day_keys[d]) != 0)
            d++;
        char place[96];
        snprintf(place, sizeof place, "%.60s.%.16s", where, key);
        if (d == 7)
            return at(place, CX_EFORMAT, "unknown weekday \"%.32s\" (expected mon, tue, wed, thu, fri, sat, sun)", key);
        weekday_ctx ctx = { version, (cx_weekday)(d + 1) };
        int rc = parse_intervals(value, place, b, add_weekday_hours, &ctx);
        if (rc != CX_OK)
            return rc;
    }
    return CX_OK;
}

/* Exactly "YYYY-MM-DD": ten characters, digits but for the two dashes. */
static int parse_date(const json_t *v, const char *where, int32_t *y, unsigned *m, unsigned *d)
{
    const char *s = json_string_value(v);
    bool shape = s != NULL && strlen(s) == 10;
    for (size_t i = 0; shape && i < 10; i++)
        shape = i == 4 || i == 7 ? s[i] == '-' : s[i] >= '0' && s[i] <= '9';
    if (!shape)
        return at(where, CX_EFORMAT, "expected a date \"YYYY-MM-DD\"%s", s ? "" : " as a string");
    *y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    *m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
    *d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
    return CX_OK;
}

typedef struct holiday_ctx {
    int32_t y;
    unsigned m, d;
} holiday_ctx;

static int add_holiday_hours(cx_calendar_builder *b, const void *ctx, int32_t open, int32_t close)
{
    const holiday_ctx *h = ctx;
    return cx_calendar_builder_add_holiday_hours(b, h->y, h->m, h->d, open, close);
}

static int parse_partial_holiday(const json_t *obj, const char *where, cx_calendar_builder *b)
{
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)obj, key, value) {
        if (strcmp(key, "date") != 0 && strcmp(key, "open") != 0)
            return at(where, CX_EFORMAT, "unknown key \"%.32s\" (a holiday has \"date\" and \"open\")", key);
    }
    char place[96];
    snprintf(place, sizeof place, "%.60s.date", where);
    holiday_ctx h;
    int rc = parse_date(json_object_get(obj, "date"), place, &h.y, &h.m, &h.d);
    if (rc != CX_OK)
        return rc;
    /* The builder adds the intervals of a date that is already a partial
     * holiday to it; in a file, a date listed twice is a mistake. */
    int64_t day;
    if (cx__cal_day_number(&day, h.y, h.m, h.d, "") == CX_OK) {
        for (size_t i = 0; i < b->spec.n_holidays; i++)
            if (b->spec.holidays[i].day == day)
                return cx__error(CX_EEXISTS, "calendar file: %s: %04d-%02u-%02u is already a holiday", where,
                                 (int)h.y, h.m, h.d);
    }
    const json_t *open = json_object_get(obj, "open");
    snprintf(place, sizeof place, "%.60s.open", where);
    if (open == NULL || (json_is_array(open) && json_array_size(open) == 0)) {
        /* no hours: closed all day */
        rc = cx_calendar_builder_add_holiday(b, h.y, h.m, h.d);
        return rc == CX_OK ? rc : prefixed(rc, where);
    }
    return parse_intervals(open, place, b, add_holiday_hours, &h);
}

static int parse_holidays(const json_t *list, cx_calendar_builder *b)
{
    if (!json_is_array(list))
        return at("holidays", CX_EFORMAT, "expected a list of dates%s", "");
    for (size_t i = 0; i < json_array_size(list); i++) {
        char place[48];
        snprintf(place, sizeof place, "holidays[%zu]", i);
        const json_t *item = json_array_get(list, i);
        int rc;
        if (json_is_object(item)) {
            rc = parse_partial_holiday(item, place, b);
        } else {
            holiday_ctx h;
            rc = parse_date(item, place, &h.y, &h.m, &h.d);
            if (rc == CX_OK && (rc = cx_calendar_builder_add_holiday(b, h.y, h.m, h.d)) != CX_OK)
                rc = prefixed(rc, place);
        }
        if (rc != CX_OK)
            return rc;
    }
    return CX_OK;
}

static int parse_versions(const json_t *list, cx_calendar_builder *b)
{
    if (!json_is_array(list))
        return at("versions", CX_EFORMAT, "expected a list of {\"from\": date, \"week\": {...}}%s", "");
    for (size_t i = 0; i < json_array_size(list); i++) {
        char place[48], sub[64];
        snprintf(place, sizeof place, "versions[%zu]", i);
        const json_t *item = json_array_get(list, i);
        if (!json_is_object(item))
            return at(place, CX_EFORMAT, "expected an object {\"from\": date, \"week\": {...}}%s", "");
        const char *key;
        json_t *value;
        json_object_foreach((json_t *)item, key, value) {
            if (strcmp(key, "from") != 0 && strcmp(key, "week") != 0)
                return at(place, CX_EFORMAT, "unknown key \"%.32s\" (a version has \"from\" and \"week\")", key);
        }
        int32_t y;
        unsigned m, d;
        size_t index;
        snprintf(sub, sizeof sub, "%s.from", place);
        int rc = parse_date(json_object_get(item, "from"), sub, &y, &m, &d);
        if (rc != CX_OK)
            return rc;
        if ((rc = cx_calendar_builder_add_version(&index, b, y, m, d)) != CX_OK)
            return prefixed(rc, sub);
        snprintf(sub, sizeof sub, "%s.week", place);
        if ((rc = parse_week(json_object_get(item, "week"), sub, b, index)) != CX_OK)
            return rc;
    }
    return CX_OK;
}

static int check_top_keys(const json_t *root)
{
    static const char *const known[] = { "timezone", "week", "holidays", "versions" };
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)root, key, value) {
        size_t k = 0;
        while (k < 4 && strcmp(key, known[k]) != 0)
            k++;
        if (k == 4)
            return at("top level", CX_EFORMAT, "unknown key \"%.32s\" (expected timezone, week, holidays, versions)", key);
    }
    if (json_object_get(root, "week") == NULL)
        return at("top level", CX_EFORMAT, "the \"week\" schedule is missing%s", "");
    return CX_OK;
}

static int parse_root(const char *json, size_t len, json_t **root)
{
    json_error_t err;
    *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &err);
    if (*root == NULL)
        return cx__error(CX_EFORMAT, "calendar file: line %d, column %d: %s", err.line, err.column, err.text);
    if (!json_is_object(*root)) {
        json_decref(*root);
        *root = NULL;
        return cx__error(CX_EFORMAT, "calendar file: the top level must be an object {\"timezone\": ..., \"week\": ...}");
    }
    return CX_OK;
}

static int build_from(cx_calendar **out, const json_t *root, const cx_timezone *tz)
{
    cx_calendar_builder *b = NULL;
    int rc = cx_calendar_builder_new(&b, tz);
    if (rc == CX_OK)
        rc = parse_week(json_object_get(root, "week"), "week", b, 0);
    if (rc == CX_OK && json_object_get(root, "holidays"))
        rc = parse_holidays(json_object_get(root, "holidays"), b);
    if (rc == CX_OK && json_object_get(root, "versions"))
        rc = parse_versions(json_object_get(root, "versions"), b);
    if (rc == CX_OK)
        rc = cx_calendar_build(out, b);
    cx_calendar_builder_free(b);
    return rc;
}

int cx_calendar_from_json(cx_calendar **out, const char *json, size_t len, const char *zoneinfo_dir)
{
    CX__CHECK_ARG(out, "cx_calendar_from_json");
    *out = NULL;
    CX__CHECK_ARG(json, "cx_calendar_from_json");
    json_t *root;
    int rc = parse_root(json, len, &root);
    if (rc == CX_OK && (rc = check_top_keys(root)) == CX_OK) {
        const char *name = json_string_value(json_object_get(root, "timezone"));
        cx_timezone *tz = NULL;
        if (name == NULL)
            rc = at("timezone", CX_EFORMAT, "expected the zone's name as a string, e.g. \"Europe/Berlin\"%s", "");
        else if ((rc = cx_timezone_load(&tz, name, zoneinfo_dir)) != CX_OK)
            rc = prefixed(rc, "timezone");
        if (rc == CX_OK)
            rc = build_from(out, root, tz);
        cx_timezone_free(tz);
    }
    json_decref(root);
    return rc;
}

int cx_calendar_from_json_zone(cx_calendar **out, const char *json, size_t len, const cx_timezone *tz)
{
    CX__CHECK_ARG(out, "cx_calendar_from_json_zone");
    *out = NULL;
    CX__CHECK_ARG(json, "cx_calendar_from_json_zone");
    CX__CHECK_ARG(tz, "cx_calendar_from_json_zone");
    json_t *root;
    int rc = parse_root(json, len, &root);
    if (rc == CX_OK && (rc = check_top_keys(root)) == CX_OK) {
        const json_t *named = json_object_get(root, "timezone");
        const char *name = json_string_value(named);
        if (named != NULL && name == NULL)
            rc = at("timezone", CX_EFORMAT, "expected the zone's name as a string%s", "");
        else if (name != NULL && strcmp(name, cx_timezone_name(tz)) != 0)
            rc = cx__error(CX_EINVAL, "calendar file: timezone: the file names \"%.64s\" but the zone given is \"%.64s\"",
                           name, cx_timezone_name(tz));
        if (rc == CX_OK)
            rc = build_from(out, root, tz);
    }
    json_decref(root);
    return rc;
}

static int read_whole_file(const char *path, char **data, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        int e = errno;
        return cx__error(e == ENOENT || e == ENOTDIR ? CX_ENOTFOUND : CX_EIO, "%s: cannot open: %s", path, strerror(e));
    }
    size_t cap = 4096, n = 0;
    char *buf = cx__malloc(cap);
    int rc = buf ? CX_OK : cx__nomem("reading a calendar file");
    while (rc == CX_OK) {
        n += fread(buf + n, 1, cap - n, f);
        if (ferror(f)) {
            rc = cx__error(CX_EIO, "%s: cannot read: %s", path, strerror(errno));
        } else if (n < cap) {
            break;
        } else if (cap >= CALENDAR_FILE_MAX) {
            rc = cx__error(CX_EFORMAT, "%s: larger than %d bytes; not a calendar file", path, CALENDAR_FILE_MAX);
        } else {
            char *bigger = cx__realloc(buf, cap * 2);
            if (bigger == NULL)
                rc = cx__nomem("reading a calendar file");
            else {
                buf = bigger;
                cap *= 2;
            }
        }
    }
    fclose(f);
    if (rc != CX_OK) {
        cx__free(buf);
        return rc;
    }
    *data = buf;
    *len = n;
    return CX_OK;
}

int cx_calendar_load(cx_calendar **out, const char *path, const char *zoneinfo_dir)
{
    CX__CHECK_ARG(out, "cx_calendar_load");
    *out = NULL;
    CX__CHECK_ARG(path, "cx_calendar_load");
    char *data = NULL;
    size_t len = 0;
    int rc = read_whole_file(path, &data, &len);
    if (rc != CX_OK)
        return rc;
    rc = cx_calendar_from_json(out, data, len, zoneinfo_dir);
    cx__free(data);
    if (rc != CX_OK && rc != CX_ENOMEM) {
        char msg[400];
        snprintf(msg, sizeof msg, "%s", cx_last_error());
        return cx__error(rc, "%s: %s", path, msg);
    }
    return rc;
}

int cx_calendar_measure_file(cx_calendar_span *out, const char *path, const char *zoneinfo_dir, const char *from,
                             const char *to)
{
    CX__CHECK_ARG(out, "cx_calendar_measure_file");
    int rc = cx__check_version(out->version, CX_CALENDAR_SPAN_VERSION, "cx_calendar_span");
    if (rc != CX_OK)
        return rc;
    cx_calendar *cal = NULL;
    if ((rc = cx_calendar_load(&cal, path, zoneinfo_dir)) != CX_OK)
        return rc;
    rc = cx_calendar_measure(out, cal, from, to);
    cx_calendar_free(cal);
    return rc;
}
