/*
 * Stand-ins for the calendar file reader when libcx is built without the
 * meson feature `json` (no jansson): the functions exist, so the ABI is the
 * same, and say how to get them.
 */
#include "calendar_internal.h"
#include "core_internal.h"

static int no_json(const char *func)
{
    return cx__error(CX_EINVAL,
                     "%s: this libcx was built without JSON support (meson -Djson=enabled with jansson); "
                     "build calendars with cx_calendar_builder instead",
                     func);
}

int cx_calendar_from_json(cx_calendar **out, const char *json, size_t len, const char *zoneinfo_dir)
{
    (void)json, (void)len, (void)zoneinfo_dir;
    if (out)
        *out = NULL;
    return no_json("cx_calendar_from_json");
}

int cx_calendar_from_json_zone(cx_calendar **out, const char *json, size_t len, const cx_timezone *tz)
{
    (void)json, (void)len, (void)tz;
    if (out)
        *out = NULL;
    return no_json("cx_calendar_from_json_zone");
}

int cx_calendar_load(cx_calendar **out, const char *path, const char *zoneinfo_dir)
{
    (void)path, (void)zoneinfo_dir;
    if (out)
        *out = NULL;
    return no_json("cx_calendar_load");
}

int cx_calendar_measure_file(cx_calendar_span *out, const char *path, const char *zoneinfo_dir, const char *from,
                             const char *to)
{
    (void)out, (void)path, (void)zoneinfo_dir, (void)from, (void)to;
    return no_json("cx_calendar_measure_file");
}
