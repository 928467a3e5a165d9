/*
 * Internal layout of cx_timezone, shared with the calendar compiler, which
 * needs every change of offset in a range of instants.
 */
#ifndef CX_TIMEZONE_INTERNAL_H
#define CX_TIMEZONE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "cx/timezone.h"

/* One end of a daylight-saving season in a POSIX TZ rule. */
typedef struct cx__tz_date {
    char kind;       /* 'J': Julian day 1..365 without Feb 29; 'N': day 0..365; 'M': month.week.weekday */
    int16_t day;     /* J and N: the day */
    int8_t month;    /* M: 1..12 */
    int8_t week;     /* M: 1..5 (5 = last) */
    int8_t weekday;  /* M: 0 = Sunday .. 6 */
    int32_t time;    /* local time of day of the change, -167h..167h in seconds */
} cx__tz_date;

/* The POSIX TZ string of a TZif footer, e.g. "CET-1CEST,M3.5.0,M10.5.0/3". */
typedef struct cx__tz_rule {
    int32_t std_offset;  /* seconds east of UTC */
    int32_t dst_offset;
    bool has_dst;
    cx__tz_date start;   /* standard -> daylight, in local standard time */
    cx__tz_date end;     /* daylight -> standard, in local daylight time */
} cx__tz_rule;

struct cx_timezone {
    char *name;
    size_t n_transitions;
    int64_t *transition_at;    /* ascending */
    uint8_t *transition_type;  /* index into the type arrays */
    size_t n_types;
    int32_t *type_offset;      /* seconds east of UTC */
    uint8_t *type_is_dst;
    bool has_rule;             /* the footer rule governs instants after the last transition */
    cx__tz_rule rule;
};

/* Offset at an instant (is_dst may be NULL). */
int32_t cx__tz_offset_at(const cx_timezone *tz, int64_t at, int *is_dst);

/* One change of offset: from `at` on, local time is UTC + offset. */
typedef struct cx__tz_change {
    int64_t at;
    int32_t offset;
} cx__tz_change;

/* Every change of offset in (from, to], ascending, in a new array the
 * caller frees with cx__free. CX_OK or CX_ENOMEM. */
int cx__tz_changes(const cx_timezone *tz, int64_t from, int64_t to, cx__tz_change **out, size_t *n);

/* Deep copy. CX_OK or CX_ENOMEM. */
int cx__tz_copy(cx_timezone **out, const cx_timezone *tz);

/* Parses TZif bytes into *tz, whose name is already set; on failure no
 * array is left allocated. CX_OK, CX_EFORMAT or CX_ENOMEM. */
int cx__tzif_parse(cx_timezone *tz, const void *data, size_t len);

/* Parses a POSIX TZ string (RFC 8536 section 3.3). CX_OK or CX_EFORMAT. */
int cx__tz_parse_rule(const char *text, size_t len, cx__tz_rule *rule);

/* Writes an instant as "YYYY-MM-DDThh:mm:ssZ" (or with an offset) into a
 * caller's buffer of at least 32 bytes, for messages. */
void cx__format_instant(char *buf, size_t size, int64_t at, int32_t offset);

#endif /* CX_TIMEZONE_INTERNAL_H */
