/**
 * @file timezone.h
 * @brief Time zones read from TZif data (RFC 8536) and ISO 8601 instants.
 *
 * @defgroup timezone Time zones and instants
 * @{
 *
 * A ::cx_timezone maps instants (seconds since 1970-01-01T00:00:00Z, leap
 * seconds not counted, as POSIX time) to their offset from UTC. It is read
 * from a TZif file of the system's zoneinfo directory, from TZif bytes in
 * memory, or made with a fixed offset. libcx never reads or changes the
 * process's `TZ` variable or calls `localtime`/`tzset`: every zone is a
 * value of its own, and two threads may use different zones at once.
 *
 * Offsets follow RFC 8536: the file's transitions, then the POSIX TZ rule of
 * its footer for instants after the last transition (so a "slim" file, or a
 * "fat" one past 2037, keeps following its daylight-saving rule); before the
 * first transition, the zone's first local time type applies.
 *
 * A zone is immutable once made: it may be shared between threads for
 * reading.
 *
 * @code
 * cx_timezone *tz = NULL;
 * if (cx_timezone_load(&tz, "Europe/Berlin", NULL) != CX_OK) { ... }
 * int64_t t = 0;
 * cx_instant_parse(&t, NULL, "2026-03-29T01:30:00Z");
 * int32_t offset = 0;
 * int dst = 0;
 * cx_timezone_offset_at(&offset, &dst, tz, t);  // offset == 7200, dst == 1
 * cx_timezone_free(tz);
 * @endcode
 */
#ifndef CX_TIMEZONE_H
#define CX_TIMEZONE_H

#include "cx/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A time zone (opaque, immutable). @since 0.2.0 */
typedef struct cx_timezone cx_timezone;

/** The zoneinfo directory used when a loader is given NULL. @since 0.2.0 */
#define CX_ZONEINFO_DIR "/usr/share/zoneinfo"

/** Longest zone name accepted, in bytes. @since 0.2.0 */
#define CX_TIMEZONE_NAME_MAX 255

/** Largest TZif file or buffer accepted, in bytes (real ones are below 10 KiB). @since 0.2.0 */
#define CX_TZIF_MAX_SIZE (1024 * 1024)

/**
 * Loads a zone from the TZif file `<zoneinfo_dir>/<name>`.
 *
 * The name is an IANA zone name such as "Europe/Berlin" or "UTC": path
 * components of letters, digits, '_', '-', '+' and '.', none empty and
 * none starting with '.', so a name cannot leave the directory.
 *
 * @param[out] out the zone, owned by the caller (cx_timezone_free()); NULL
 *             on failure
 * @param[in] name the zone name
 * @param[in] zoneinfo_dir the directory, or NULL for #CX_ZONEINFO_DIR
 * @return #CX_OK; #CX_EINVAL for a NULL argument or a name that is not a
 *         zone name (the message says which character or component);
 *         #CX_ENOTFOUND when no file of that name exists (an unknown zone);
 *         #CX_EIO when the file cannot be read; #CX_EFORMAT when it is not
 *         valid TZif data (the message names the field);
 *         #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_timezone_load(cx_timezone **out, const char *name, const char *zoneinfo_dir);

/**
 * Reads a zone from TZif bytes in memory (versions 1 to 4 of RFC 8536;
 * files with leap-second records, the "right/" zones, are refused because
 * their instants are not POSIX time).
 *
 * @param[out] out the zone, owned by the caller; NULL on failure
 * @param[in] name the name the zone reports (copied), e.g. "Europe/Berlin"
 * @param[in] data the TZif bytes (not kept)
 * @param[in] len their length, at most #CX_TZIF_MAX_SIZE
 * @return #CX_OK; #CX_EINVAL for NULL arguments, an empty or overlong name;
 *         #CX_EFORMAT for malformed data (the message names the field and
 *         the byte offset); #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_timezone_from_tzif(cx_timezone **out, const char *name, const void *data, size_t len);

/**
 * Makes a zone with one fixed offset and no daylight-saving time. Its name
 * is "UTC" for offset 0, else "UTC+hh:mm" or "UTC-hh:mm" (with ":ss" when
 * the offset has seconds).
 *
 * @param[out] out the zone, owned by the caller; NULL on failure
 * @param[in] utc_offset_seconds seconds east of UTC, -93599..93599
 *            (less than 26 hours, the TZif limit)
 * @return #CX_OK; #CX_EINVAL for NULL `out`; #CX_ERANGE for an offset
 *         outside the range; #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_timezone_fixed(cx_timezone **out, int32_t utc_offset_seconds);

/**
 * Releases a zone. NULL-safe.
 * @param[in] tz the zone
 * @since 0.2.0
 */
CX_API void cx_timezone_free(cx_timezone *tz);

/**
 * Returns the zone's name.
 * @param[in] tz the zone
 * @return the name, borrowed from the zone (valid until it is freed); NULL
 *         when `tz` is NULL
 * @since 0.2.0
 */
CX_API const char *cx_timezone_name(const cx_timezone *tz);

/**
 * Returns the offset from UTC in force at an instant.
 *
 * @param[out] offset_out seconds east of UTC (local time = UTC + offset)
 * @param[out] is_dst_out 1 when daylight-saving time is in force, else 0;
 *             may be NULL
 * @param[in] tz the zone
 * @param[in] at the instant, seconds since the epoch
 * @return #CX_OK; #CX_EINVAL for a NULL `offset_out` or `tz`
 * @since 0.2.0
 */
CX_API int cx_timezone_offset_at(int32_t *offset_out, int *is_dst_out, const cx_timezone *tz, int64_t at);

/**
 * Parses an ISO 8601 / RFC 3339 instant with a UTC offset:
 * `YYYY-MM-DDThh:mm[:ss[.fraction]]` followed by `Z` or an offset
 * `+hh:mm`, `+hhmm` or `+hh` (or `-`). The separator may be `T`, `t` or a
 * space; the fraction may use `.` or `,` and up to 9 digits are kept.
 * Years 0000..9999; seconds 60 (leap seconds) and hour 24 are refused, as
 * are instants without an offset (their meaning would depend on a zone).
 *
 * @param[out] seconds_out seconds since the epoch, rounded down to the
 *             whole second
 * @param[out] nanos_out the fraction of a second in nanoseconds
 *             (0..999999999), or NULL to drop it
 * @param[in] text the NUL-terminated text
 * @return #CX_OK; #CX_EFORMAT for malformed text, naming the text and the
 *         part that is wrong (a missing offset, month 13, February 30 ...);
 *         #CX_EINVAL for NULL arguments
 * @since 0.2.0
 */
CX_API int cx_instant_parse(int64_t *seconds_out, int32_t *nanos_out, const char *text);

/**
 * Formats an instant as RFC 3339 text in a given offset, e.g.
 * "2026-03-29T03:30:00+02:00" ("Z" for offset 0), appended to `out`.
 *
 * @param[in,out] out the buffer to append to (release with cx_buffer_dispose())
 * @param[in] at the instant, seconds since the epoch (years 0000..9999)
 * @param[in] utc_offset_seconds the offset to show, -93599..93599
 * @return #CX_OK; #CX_EINVAL for NULL `out`; #CX_ERANGE for an offset or
 *         year out of range; #CX_ENOMEM (`out` unchanged)
 * @since 0.2.0
 */
CX_API int cx_instant_format(cx_buffer *out, int64_t at, int32_t utc_offset_seconds);

/** @} */

#ifdef __cplusplus
}
#endif

#endif /* CX_TIMEZONE_H */
