/**
 * @file calendar.h
 * @brief Business calendars: opening hours per weekday, holidays, a time
 *        zone with daylight-saving time, effective-dated schedules, and
 *        exact business-time arithmetic.
 *
 * @defgroup calendar Business calendars
 * @{
 *
 * A ::cx_calendar says when a service desk is open. It has
 * - a time zone (::cx_timezone), in whose wall-clock time everything else is
 *   written;
 * - a weekly schedule: any number of open intervals per weekday (split
 *   shifts, lunch breaks), each `[open, close)` in seconds of the local day,
 *   0..86400 (`close` 86400 is midnight at the end of the day);
 * - holidays: local dates closed all day, or open only in the intervals
 *   they list;
 * - schedule versions: a new weekly schedule effective from a local date on
 *   (version 0 holds from the beginning).
 *
 * **Semantics.** An instant is *open* when the wall clock of the calendar's
 * zone shows a time inside an open interval of that local date's schedule.
 * The business time between two instants is the number of open seconds
 * between them. So a spring-forward gap inside opening hours is not open
 * (those wall-clock times never happen), and a fall-back hour inside
 * opening hours is open twice (it happens twice); every result is an exact
 * whole number of seconds. Definitions and worked examples are in
 * docs/service-metrics.md.
 *
 * Instants are seconds since 1970-01-01T00:00:00Z (POSIX time) from
 * #CX_CALENDAR_MIN_INSTANT (1900-01-01) to #CX_CALENDAR_MAX_INSTANT
 * (2200-01-01); calendar dates are limited to the same years.
 *
 * A calendar is made with a ::cx_calendar_builder (C, no JSON needed) or
 * read from the calendar file format (the JSON of the `cx calendar`
 * command, see cx_calendar_from_json()). Once built it is immutable:
 * every query is `const` and a calendar may be shared between threads
 * without a lock.
 *
 * @code
 * cx_timezone *tz = NULL;
 * cx_timezone_load(&tz, "Europe/Berlin", NULL);
 * cx_calendar_builder *b = NULL;
 * cx_calendar_builder_new(&b, tz);
 * for (int d = CX_WEEKDAY_MONDAY; d <= CX_WEEKDAY_FRIDAY; d++) {
 *     cx_calendar_builder_add_hours(b, 0, (cx_weekday)d, 9 * 3600, 12 * 3600);
 *     cx_calendar_builder_add_hours(b, 0, (cx_weekday)d, 13 * 3600, 17 * 3600 + 1800);
 * }
 * cx_calendar_builder_add_holiday(b, 2026, 12, 25);
 * cx_calendar *cal = NULL;
 * cx_calendar_build(&cal, b);
 * int64_t from, to, secs;
 * cx_instant_parse(&from, NULL, "2026-03-27T16:00:00+01:00");  // a Friday
 * cx_instant_parse(&to, NULL, "2026-03-30T10:00:00+02:00");    // Monday, after DST began
 * cx_calendar_business_seconds(&secs, cal, from, to);           // 1.5 h + 1 h = 9000
 * cx_calendar_free(cal);
 * cx_calendar_builder_free(b);
 * cx_timezone_free(tz);
 * @endcode
 */
#ifndef CX_CALENDAR_H
#define CX_CALENDAR_H

#include "cx/common.h"
#include "cx/timezone.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A business calendar (opaque, immutable, shareable between threads). @since 0.2.0 */
typedef struct cx_calendar cx_calendar;

/** A calendar under construction (opaque; one thread at a time). @since 0.2.0 */
typedef struct cx_calendar_builder cx_calendar_builder;

/** Earliest instant a calendar answers for: 1900-01-01T00:00:00Z. @since 0.2.0 */
#define CX_CALENDAR_MIN_INSTANT (-2208988800LL)

/** Latest instant a calendar answers for: 2200-01-01T00:00:00Z. @since 0.2.0 */
#define CX_CALENDAR_MAX_INSTANT 7258118400LL

/** Most open intervals one weekday or holiday may have. @since 0.2.0 */
#define CX_CALENDAR_MAX_INTERVALS 96

/**
 * Days of the week, numbered as ISO 8601 does.
 * @since 0.2.0
 */
typedef enum cx_weekday {
    CX_WEEKDAY_MONDAY = 1,    /**< Monday */
    CX_WEEKDAY_TUESDAY = 2,   /**< Tuesday */
    CX_WEEKDAY_WEDNESDAY = 3, /**< Wednesday */
    CX_WEEKDAY_THURSDAY = 4,  /**< Thursday */
    CX_WEEKDAY_FRIDAY = 5,    /**< Friday */
    CX_WEEKDAY_SATURDAY = 6,  /**< Saturday */
    CX_WEEKDAY_SUNDAY = 7     /**< Sunday */
} cx_weekday;

/* ---- building ---------------------------------------------------------- */

/**
 * Starts a calendar in a time zone, closed at all times until hours are
 * added. Version 0 of the weekly schedule exists from the start.
 *
 * @param[out] out the builder, owned by the caller
 *             (cx_calendar_builder_free()); NULL on failure
 * @param[in] tz the zone (copied; the caller keeps ownership)
 * @return #CX_OK; #CX_EINVAL for NULL arguments; #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_calendar_builder_new(cx_calendar_builder **out, const cx_timezone *tz);

/**
 * Releases a builder. NULL-safe. Calendars built from it are independent.
 * @param[in] b the builder
 * @since 0.2.0
 */
CX_API void cx_calendar_builder_free(cx_calendar_builder *b);

/**
 * Adds a schedule version effective from a local date on (from its local
 * midnight). Its weekly schedule starts empty (closed).
 *
 * @param[out] out the new version's index (1, 2, ... in order of adding;
 *             versions take effect in date order whatever their index)
 * @param[in,out] b the builder
 * @param[in] year year 1900..2199
 * @param[in] month 1..12
 * @param[in] day 1..31, a day of that month
 * @return #CX_OK; #CX_EINVAL for NULL arguments or a date that does not
 *         exist or lies outside 1900..2199; #CX_EEXISTS when a version
 *         already starts on that date; #CX_ENOMEM (builder unchanged)
 * @since 0.2.0
 */
CX_API int cx_calendar_builder_add_version(size_t *out, cx_calendar_builder *b, int32_t year, unsigned month,
                                           unsigned day);

/**
 * Adds an open interval to a weekday of a schedule version.
 *
 * @param[in,out] b the builder
 * @param[in] version the version's index (0 for the base schedule)
 * @param[in] weekday the day of the week
 * @param[in] open seconds after local midnight, 0..86399
 * @param[in] close seconds after local midnight, open+1..86400
 * @return #CX_OK; #CX_EINVAL for an unknown version or weekday, a reversed
 *         or out-of-range interval, an interval overlapping one already on
 *         that day (the message names both), or more than
 *         #CX_CALENDAR_MAX_INTERVALS on the day; #CX_ENOMEM (builder unchanged)
 * @since 0.2.0
 */
CX_API int cx_calendar_builder_add_hours(cx_calendar_builder *b, size_t version, cx_weekday weekday, int32_t open,
                                         int32_t close);

/**
 * Declares a local date a holiday, closed all day.
 *
 * @param[in,out] b the builder
 * @param[in] year year 1900..2199
 * @param[in] month 1..12
 * @param[in] day a day of that month
 * @return #CX_OK; #CX_EINVAL for a date that does not exist or is out of
 *         range; #CX_EEXISTS when the date is already a holiday; #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_calendar_builder_add_holiday(cx_calendar_builder *b, int32_t year, unsigned month, unsigned day);

/**
 * Declares a local date a holiday open only in the intervals given by this
 * and further calls for the same date (a partial holiday, such as a
 * Christmas Eve morning).
 *
 * @param[in,out] b the builder
 * @param[in] year year 1900..2199
 * @param[in] month 1..12
 * @param[in] day a day of that month
 * @param[in] open seconds after local midnight, 0..86399
 * @param[in] close seconds after local midnight, open+1..86400
 * @return #CX_OK; #CX_EINVAL for a bad date or interval, or an interval
 *         overlapping another of that date; #CX_EEXISTS when the date is
 *         already a holiday closed all day; #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_calendar_builder_add_holiday_hours(cx_calendar_builder *b, int32_t year, unsigned month, unsigned day,
                                                 int32_t open, int32_t close);

/**
 * Builds an immutable calendar from the builder's current contents. The
 * builder is unchanged and may go on to build other calendars.
 *
 * @param[out] out the calendar, owned by the caller (cx_calendar_free());
 *             NULL on failure
 * @param[in] b the builder
 * @return #CX_OK; #CX_EINVAL for NULL arguments; #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_calendar_build(cx_calendar **out, const cx_calendar_builder *b);

/**
 * Releases a calendar. NULL-safe.
 * @param[in] cal the calendar
 * @since 0.2.0
 */
CX_API void cx_calendar_free(cx_calendar *cal);

/* ---- the calendar file format ------------------------------------------ */

/**
 * Reads a calendar from the calendar file format (JSON, UTF-8):
 *
 * @code{.json}
 * {"timezone": "Europe/Berlin",
 *  "week": {"mon": [["09:00","12:00"],["13:00","17:30"]], "tue": [...], ..., "sun": []},
 *  "holidays": ["2026-12-25", {"date": "2026-12-24", "open": [["09:00","12:00"]]}],
 *  "versions": [{"from": "2027-01-01", "week": {...}}]}
 * @endcode
 *
 * Times are "HH:MM" or "HH:MM:SS" of local wall-clock time, "24:00" only
 * as a closing time; weekdays missing from a "week" are closed; unknown
 * keys are errors (so a misspelt weekday is caught). "versions" is
 * optional: each entry's week applies from its local date on.
 *
 * Needs libcx built with JSON support (meson feature `json`, on by
 * default when jansson is found).
 *
 * @param[out] out the calendar, owned by the caller; NULL on failure
 * @param[in] json the text (need not be NUL-terminated)
 * @param[in] len its length in bytes
 * @param[in] zoneinfo_dir where to find the zone's TZif file, or NULL for
 *            #CX_ZONEINFO_DIR
 * @return #CX_OK; #CX_EFORMAT for malformed JSON or content, the message
 *         naming the place (`week.mon[1][0]`, `holidays[2]`) and the value;
 *         #CX_EINVAL for overlapping intervals or NULL arguments, or when
 *         libcx was built without JSON support; #CX_ENOTFOUND for an unknown
 *         zone; #CX_EEXISTS for a date listed twice; as cx_timezone_load()
 *         for the zone; #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_calendar_from_json(cx_calendar **out, const char *json, size_t len, const char *zoneinfo_dir);

/**
 * Reads a calendar from the calendar file format with a zone the caller
 * already has (from cx_timezone_from_tzif(), say) instead of loading the
 * one named in the file. The file's "timezone" may be absent; if present it
 * must equal the zone's name.
 *
 * @param[out] out the calendar, owned by the caller; NULL on failure
 * @param[in] json the text
 * @param[in] len its length in bytes
 * @param[in] tz the zone (copied)
 * @return as cx_calendar_from_json(); #CX_EINVAL also when the file names
 *         another zone
 * @since 0.2.0
 */
CX_API int cx_calendar_from_json_zone(cx_calendar **out, const char *json, size_t len, const cx_timezone *tz);

/**
 * Reads a calendar from a file in the calendar file format.
 *
 * @param[out] out the calendar, owned by the caller; NULL on failure
 * @param[in] path the file
 * @param[in] zoneinfo_dir as cx_calendar_from_json()
 * @return as cx_calendar_from_json(), the message starting with the path;
 *         #CX_ENOTFOUND when the file does not exist; #CX_EIO when it cannot
 *         be read
 * @since 0.2.0
 */
CX_API int cx_calendar_load(cx_calendar **out, const char *path, const char *zoneinfo_dir);

/**
 * Writes a calendar in the calendar file format (one JSON object; times as
 * "HH:MM", or "HH:MM:SS" when they have seconds). Reading it back gives a
 * calendar with the same answers. Needs no JSON library.
 *
 * @param[in,out] out the buffer the text is appended to (cx_buffer_dispose())
 * @param[in] cal the calendar
 * @return #CX_OK; #CX_EINVAL for NULL arguments; #CX_ENOMEM (`out` unchanged)
 * @since 0.2.0
 */
CX_API int cx_calendar_to_json(cx_buffer *out, const cx_calendar *cal);

/* ---- queries ------------------------------------------------------------- */

/**
 * Business seconds between two instants: the open seconds in `[from, to)`,
 * negative (minus those in `[to, from)`) when `to` precedes `from`. Additive:
 * b(x, y) + b(y, z) == b(x, z) for any x, y, z.
 *
 * @param[out] out the business seconds
 * @param[in] cal the calendar
 * @param[in] from first instant
 * @param[in] to second instant
 * @return #CX_OK; #CX_EINVAL for NULL arguments; #CX_ERANGE for an instant
 *         outside #CX_CALENDAR_MIN_INSTANT..#CX_CALENDAR_MAX_INSTANT (the
 *         message names it)
 * @since 0.2.0
 */
CX_API int cx_calendar_business_seconds(int64_t *out, const cx_calendar *cal, int64_t from, int64_t to);

/**
 * Reads the calendar's business clock: the open seconds from
 * #CX_CALENDAR_MIN_INSTANT to `at`. The difference of two readings is the
 * business time between them, so a caller measuring many spans that share
 * instants (a ticket's events) reads each instant once.
 *
 * @param[out] out open seconds since #CX_CALENDAR_MIN_INSTANT
 * @param[in] cal the calendar
 * @param[in] at the instant
 * @return #CX_OK; #CX_EINVAL for NULL arguments; #CX_ERANGE for an instant
 *         outside the range
 * @since 0.2.0
 */
CX_API int cx_calendar_business_clock(int64_t *out, const cx_calendar *cal, int64_t at);

/**
 * Business seconds between many pairs of instants, all or nothing: every
 * instant is checked before any result is written.
 *
 * @param[out] out n results
 * @param[in] cal the calendar
 * @param[in] from n first instants
 * @param[in] to n second instants
 * @param[in] n number of pairs (0 is allowed)
 * @return #CX_OK; #CX_ERANGE naming the first bad pair's index and instant
 *         (`out` untouched); #CX_EINVAL for NULL arrays with n > 0
 * @since 0.2.0
 */
CX_API int cx_calendar_business_seconds_many(int64_t *out, const cx_calendar *cal, const int64_t *from,
                                             const int64_t *to, size_t n);

/**
 * Adds business seconds to an instant. For `seconds` > 0 the result is the
 * earliest instant at which `seconds` business seconds have passed since
 * `from` (a deadline: 2 business hours from Friday 16:00 with a 17:00 close
 * and a 09:00 Monday opening is Monday 10:00). For `seconds` < 0 it is the
 * latest instant with that many business seconds before `from`; 0 gives
 * `from`. Round trip: cx_calendar_business_seconds(from, result) == seconds.
 *
 * @param[out] out the resulting instant
 * @param[in] cal the calendar
 * @param[in] from the starting instant
 * @param[in] seconds business seconds to add (negative to go back)
 * @return #CX_OK; #CX_EINVAL for NULL arguments; #CX_ERANGE for a `from`
 *         outside the range, or a result that would fall outside it
 *         (including a calendar with too few open hours to reach it)
 * @since 0.2.0
 */
CX_API int cx_calendar_add_business_seconds(int64_t *out, const cx_calendar *cal, int64_t from, int64_t seconds);

/**
 * Tells whether the calendar is open at an instant (the instant is inside
 * an open interval, which includes its opening and excludes its closing
 * second).
 *
 * @param[out] out 1 when open, 0 when closed
 * @param[in] cal the calendar
 * @param[in] at the instant
 * @return #CX_OK; #CX_EINVAL for NULL arguments; #CX_ERANGE for an instant
 *         outside the range
 * @since 0.2.0
 */
CX_API int cx_calendar_is_open(int *out, const cx_calendar *cal, int64_t at);

/**
 * Finds the next instant after `at` at which the calendar opens or closes.
 *
 * @param[out] out the next change, or #CX_CALENDAR_MAX_INSTANT when nothing
 *             changes before the end of the range
 * @param[in] cal the calendar
 * @param[in] at the instant
 * @return #CX_OK; #CX_EINVAL for NULL arguments; #CX_ERANGE for an instant
 *         outside the range
 * @since 0.2.0
 */
CX_API int cx_calendar_next_change(int64_t *out, const cx_calendar *cal, int64_t at);

/**
 * Number of schedule versions (1 plus those added).
 * @param[out] out the count
 * @param[in] cal the calendar
 * @return #CX_OK; #CX_EINVAL for NULL arguments
 * @since 0.2.0
 */
CX_API int cx_calendar_version_count(size_t *out, const cx_calendar *cal);

/**
 * Index of the schedule version in force at an instant (the one of its
 * local date).
 * @param[out] out the version's index
 * @param[in] cal the calendar
 * @param[in] at the instant
 * @return #CX_OK; #CX_EINVAL for NULL arguments; #CX_ERANGE for an instant
 *         outside the range
 * @since 0.2.0
 */
CX_API int cx_calendar_version_at(size_t *out, const cx_calendar *cal, int64_t at);

/**
 * Makes a calendar whose only schedule is one version of `cal`, in force at
 * all dates, with the same zone and holidays: the calendar of "single-event"
 * measurement, where a whole ticket is measured with the schedule in force
 * when its clock started.
 *
 * @param[out] out the new calendar, owned by the caller; NULL on failure
 * @param[in] cal the calendar
 * @param[in] version the version's index
 * @return #CX_OK; #CX_EINVAL for NULL arguments or an unknown version;
 *         #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_calendar_pin(cx_calendar **out, const cx_calendar *cal, size_t version);

/**
 * The calendar's time zone.
 * @param[in] cal the calendar
 * @return the zone, borrowed from the calendar (valid until it is freed);
 *         NULL when `cal` is NULL
 * @since 0.2.0
 */
CX_API const cx_timezone *cx_calendar_timezone(const cx_calendar *cal);

/** Version of ::cx_calendar_span understood by this header. @since 0.2.0 */
#define CX_CALENDAR_SPAN_VERSION 1

/**
 * Calendar and business time between two instants, as the `cx calendar`
 * command prints them.
 * @since 0.2.0
 */
typedef struct cx_calendar_span {
    unsigned int version;     /**< #CX_CALENDAR_SPAN_VERSION, set by the caller. */
    int64_t from;             /**< First instant, seconds since the epoch (fractions dropped). */
    int64_t to;               /**< Second instant. */
    int64_t calendar_seconds; /**< to - from. */
    int64_t business_seconds; /**< Open seconds in [from, to) (negative when to < from). */
} cx_calendar_span;

/** Static initialiser for ::cx_calendar_span. @since 0.2.0 */
#define CX_CALENDAR_SPAN_INIT { CX_CALENDAR_SPAN_VERSION, 0, 0, 0, 0 }

/**
 * Initialises a ::cx_calendar_span, for callers without macros.
 * @param[out] span the struct to clear and stamp with `version`
 * @param[in] version the caller's #CX_CALENDAR_SPAN_VERSION
 * @return #CX_OK; #CX_EINVAL if `span` is NULL; #CX_EVERSION if unknown
 * @since 0.2.0
 */
CX_API int cx_calendar_span_init(cx_calendar_span *span, unsigned int version);

/**
 * Measures the time between two ISO 8601 instants with UTC offsets (see
 * cx_instant_parse()) in calendar and business seconds.
 *
 * @param[in,out] out the span; `out->version` set by the caller; written
 *                only on success
 * @param[in] cal the calendar
 * @param[in] from first instant, e.g. "2026-03-27T16:00:00+01:00"
 * @param[in] to second instant
 * @return #CX_OK; #CX_EFORMAT for a malformed instant (the message says
 *         which); #CX_ERANGE for an instant outside the calendar's range;
 *         #CX_EINVAL; #CX_EVERSION
 * @since 0.2.0
 */
CX_API int cx_calendar_measure(cx_calendar_span *out, const cx_calendar *cal, const char *from, const char *to);

/**
 * Loads a calendar file and measures the time between two ISO 8601
 * instants: what `cx calendar --calendar CAL.json FROM TO` does.
 *
 * @param[in,out] out the span; `out->version` set by the caller
 * @param[in] path the calendar file
 * @param[in] zoneinfo_dir as cx_calendar_from_json()
 * @param[in] from first instant
 * @param[in] to second instant
 * @return as cx_calendar_load() and cx_calendar_measure()
 * @since 0.2.0
 */
CX_API int cx_calendar_measure_file(cx_calendar_span *out, const char *path, const char *zoneinfo_dir,
                                    const char *from, const char *to);

/** @} */

#ifdef __cplusplus
}
#endif

#endif /* CX_CALENDAR_H */
