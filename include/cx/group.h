/**
 * @file group.h
 * @brief Grouped calculators: one calculator per segment and period, for
 *        trends per segment in one pass.
 *
 * @defgroup group Grouped calculators
 * @{
 *
 * A ::cx_group holds one ::cx_metric per key. A key is a segment (any UTF-8
 * string up to #CX_GROUP_SEGMENT_MAX bytes; "" for none) and a period bucket
 * (day, ISO week or month) taken from the answer's timestamp. Groups are
 * visited in key order: segment (bytewise), then period start. A minimum
 * count suppresses small groups: they stay listed, marked suppressed, and
 * their results are withheld.
 *
 * @code
 * cx_group_options go = CX_GROUP_OPTIONS_INIT;
 * go.period = CX_PERIOD_ISO_WEEK;
 * go.min_count = 30;
 * cx_group *g = NULL;
 * cx_group_new(&g, CX_METRIC_NPS, NULL, &go);
 * cx_group_add(g, "enterprise", 1763856000000, 9);  // ms since the epoch
 * size_t n = 0;
 * cx_group_count(&n, g);
 * for (size_t i = 0; i < n; i++) {
 *     cx_group_entry e = CX_GROUP_ENTRY_INIT;
 *     cx_metric_result r = CX_METRIC_RESULT_INIT;
 *     cx_group_get(&e, g, i);
 *     if (!e.suppressed && cx_group_get_result(&r, g, i) == CX_OK)
 *         printf("%s %s %.1f\n", e.segment, e.period_label, r.value);
 * }
 * cx_group_free(g);
 * @endcode
 */
#ifndef CX_GROUP_H
#define CX_GROUP_H

#include "cx/common.h"
#include "cx/metric.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Grouped calculators (opaque). @since 0.1.0 */
typedef struct cx_group cx_group;

/** Longest segment name, in bytes. @since 0.1.0 */
#define CX_GROUP_SEGMENT_MAX 1024

/**
 * Period buckets of a group's timestamps.
 * @since 0.1.0
 */
typedef enum cx_period {
    CX_PERIOD_NONE = 0,     /**< No period: one group per segment; timestamps are ignored. */
    CX_PERIOD_DAY = 1,      /**< Calendar day. */
    CX_PERIOD_ISO_WEEK = 2, /**< ISO 8601 week, Monday to Sunday, labelled "2026-W48". */
    CX_PERIOD_MONTH = 3     /**< Calendar month, labelled "2026-11". */
} cx_period;

/** Version of ::cx_group_options understood by this header. @since 0.1.0 */
#define CX_GROUP_OPTIONS_VERSION 1

/**
 * Options of a group.
 * @since 0.1.0
 */
typedef struct cx_group_options {
    unsigned int version;       /**< #CX_GROUP_OPTIONS_VERSION */
    cx_period period;           /**< Period bucket; #CX_PERIOD_NONE by default. */
    int32_t utc_offset_minutes; /**< Fixed offset of the local day from UTC, -1439..1439; default 0 (UTC). */
    uint64_t min_count;         /**< Groups with fewer answers are suppressed; default 0 (none). */
} cx_group_options;

/** Static initialiser for ::cx_group_options. @since 0.1.0 */
#define CX_GROUP_OPTIONS_INIT { CX_GROUP_OPTIONS_VERSION, CX_PERIOD_NONE, 0, 0u }

/**
 * Fills ::cx_group_options with defaults, for callers without macros.
 * @param[out] opts the struct to fill
 * @param[in] version the caller's #CX_GROUP_OPTIONS_VERSION
 * @return #CX_OK; #CX_EINVAL; #CX_EVERSION
 * @since 0.1.0
 */
CX_API int cx_group_options_init(cx_group_options *opts, unsigned int version);

/** Version of ::cx_group_entry understood by this header. @since 0.1.0 */
#define CX_GROUP_ENTRY_VERSION 1

/**
 * One group, as listed by cx_group_get(). Pointers are borrowed from the
 * group and valid until it is next changed or freed.
 * @since 0.1.0
 */
typedef struct cx_group_entry {
    unsigned int version;     /**< #CX_GROUP_ENTRY_VERSION, set by the caller. */
    const char *segment;      /**< Segment name (borrowed). */
    int64_t period_start_ms;  /**< Start of the period, ms since the epoch (UTC); 0 without periods. */
    char period_label[16];    /**< "2026-11-23", "2026-W48", "2026-11", or "" without periods. */
    uint64_t count;           /**< Answers in the group. */
    int suppressed;           /**< 1 when count < min_count: the result is withheld. */
    const cx_metric *metric;  /**< The group's calculator (borrowed); NULL when suppressed. */
} cx_group_entry;

/** Static initialiser for ::cx_group_entry. @since 0.1.0 */
#define CX_GROUP_ENTRY_INIT { CX_GROUP_ENTRY_VERSION, NULL, 0, { 0 }, 0u, 0, NULL }

/**
 * Creates grouped calculators.
 * @param[out] out the group, owned by the caller (cx_group_free()); NULL on failure
 * @param[in] kind the metric of every group
 * @param[in] metric_opts options of every group's calculator, or NULL
 * @param[in] opts grouping options, or NULL for the defaults
 * @return #CX_OK; #CX_EINVAL for bad options (as cx_metric_new(), or a
 *         period or offset out of range); #CX_EVERSION; #CX_ENOMEM
 * @since 0.1.0
 */
CX_API int cx_group_new(cx_group **out, cx_metric_kind kind, const cx_metric_options *metric_opts,
                        const cx_group_options *opts);

/**
 * Releases a group and its calculators. NULL-safe.
 * @param[in] g the group
 * @since 0.1.0
 */
CX_API void cx_group_free(cx_group *g);

/**
 * Adds one answer to the group of its segment and period.
 * @param[in,out] g the group
 * @param[in] segment segment name (UTF-8, at most #CX_GROUP_SEGMENT_MAX bytes), or NULL for ""
 * @param[in] timestamp_ms time of the answer, ms since the epoch (ignored without periods)
 * @param[in] value the answer, as cx_metric_add()
 * @return #CX_OK; #CX_ERANGE as cx_metric_add(); #CX_EINVAL for a segment
 *         that is too long or not UTF-8; #CX_ENOMEM
 * @since 0.1.0
 */
CX_API int cx_group_add(cx_group *g, const char *segment, int64_t timestamp_ms, double value);

/**
 * Adds one weighted answer.
 * @param[in,out] g the group
 * @param[in] segment segment name, or NULL
 * @param[in] timestamp_ms time of the answer in ms
 * @param[in] value the answer
 * @param[in] weight its weight (finite, >= 0)
 * @return as cx_group_add()
 * @since 0.1.0
 */
CX_API int cx_group_add_weighted(cx_group *g, const char *segment, int64_t timestamp_ms, double value, double weight);

/**
 * Adds many answers, all or nothing: every segment and value is checked
 * before any is added.
 * @param[in,out] g the group
 * @param[in] segments n segment names, or NULL for all ""
 * @param[in] timestamps_ms n timestamps, or NULL (only without periods)
 * @param[in] values n answers
 * @param[in] n number of answers
 * @return #CX_OK; #CX_ERANGE or #CX_EINVAL naming the first bad item and its
 *         index; #CX_ENOMEM (group unchanged)
 * @since 0.1.0
 */
CX_API int cx_group_add_many(cx_group *g, const char *const *segments, const int64_t *timestamps_ms,
                             const double *values, size_t n);

/**
 * Adds one respondent to a CX Index group (see cx_metric_add_cxi()).
 * @param[in,out] g a #CX_METRIC_CXI group
 * @param[in] segment segment name, or NULL
 * @param[in] timestamp_ms time of the answers in ms
 * @param[in] effectiveness answer 1..5
 * @param[in] ease answer 1..5
 * @param[in] emotion answer 1..5
 * @param[in] weight the respondent's weight (1 when unweighted)
 * @return as cx_metric_add_cxi(), plus the segment errors of cx_group_add()
 * @since 0.1.0
 */
CX_API int cx_group_add_cxi(cx_group *g, const char *segment, int64_t timestamp_ms, double effectiveness, double ease,
                            double emotion, double weight);

/**
 * Merges every group of `from` into the same key of `into`.
 * @param[in,out] into the receiving group
 * @param[in] from a group of the same kind and options (unchanged)
 * @return #CX_OK; #CX_ESTATE for different kinds or options; #CX_EINVAL;
 *         #CX_ENOMEM (into unchanged)
 * @since 0.1.0
 */
CX_API int cx_group_merge(cx_group *into, const cx_group *from);

/**
 * Number of groups, suppressed ones included.
 * @param[out] out the number of groups
 * @param[in] g the group
 * @return #CX_OK; #CX_EINVAL
 * @since 0.1.0
 */
CX_API int cx_group_count(size_t *out, const cx_group *g);

/**
 * Describes the group at `index` in key order.
 * @param[in,out] out the entry; `out->version` set by the caller
 * @param[in] g the group
 * @param[in] index 0 .. count - 1
 * @return #CX_OK; #CX_ENOTFOUND for an index past the end; #CX_EINVAL;
 *         #CX_EVERSION; #CX_ENOMEM (ordering the keys)
 * @since 0.1.0
 */
CX_API int cx_group_get(cx_group_entry *out, cx_group *g, size_t index);

/**
 * Result of the group at `index` in key order.
 * @param[in,out] out the result; `out->version` set by the caller
 * @param[in] g the group
 * @param[in] index 0 .. count - 1
 * @return #CX_OK; #CX_EEMPTY for a suppressed group (the message gives its
 *         count and the minimum); #CX_ENOTFOUND; as cx_metric_get_result()
 * @since 0.1.0
 */
CX_API int cx_group_get_result(cx_metric_result *out, cx_group *g, size_t index);

/**
 * Finds the group of a segment and timestamp.
 * @param[out] out its index in key order
 * @param[in] g the group
 * @param[in] segment segment name, or NULL for ""
 * @param[in] timestamp_ms any time within the period (ignored without periods)
 * @return #CX_OK; #CX_ENOTFOUND naming the key; #CX_EINVAL; #CX_ENOMEM
 * @since 0.1.0
 */
CX_API int cx_group_find(size_t *out, cx_group *g, const char *segment, int64_t timestamp_ms);

/**
 * A calculator holding every answer of every group (suppressed ones too),
 * for the overall figure beside the breakdown.
 * @param[out] out a new calculator owned by the caller
 * @param[in] g the group
 * @return #CX_OK; #CX_EINVAL; #CX_ENOMEM
 * @since 0.1.0
 */
CX_API int cx_group_total(cx_metric **out, const cx_group *g);

/**
 * Writes a group as a portable blob (see cx_metric_serialize()).
 * @param[in] g the group
 * @param[out] buf destination, or NULL to ask for the size
 * @param[in] cap bytes available
 * @param[out] len bytes written or needed
 * @return #CX_OK; #CX_EINVAL (buffer too small: `*len` holds the size); #CX_ENOMEM
 * @since 0.1.0
 */
CX_API int cx_group_serialize(const cx_group *g, void *buf, size_t cap, size_t *len);

/**
 * Reads a group from a blob.
 * @param[out] out the group, owned by the caller; NULL on failure
 * @param[in] buf the blob
 * @param[in] len its length
 * @return #CX_OK; #CX_EFORMAT; #CX_EVERSION; #CX_ENOMEM; #CX_EINVAL
 * @since 0.1.0
 */
CX_API int cx_group_deserialize(cx_group **out, const void *buf, size_t len);

/**
 * Start of the period containing a timestamp, as the group buckets it.
 * @param[out] out period start, ms since the epoch
 * @param[in] period the bucket
 * @param[in] utc_offset_minutes local offset from UTC
 * @param[in] timestamp_ms the timestamp
 * @return #CX_OK; #CX_EINVAL for an unknown period or offset; #CX_ERANGE for
 *         a timestamp beyond year +/-100000
 * @since 0.1.0
 */
CX_API int cx_period_start(int64_t *out, cx_period period, int32_t utc_offset_minutes, int64_t timestamp_ms);

/** @} */

#ifdef __cplusplus
}
#endif

#endif /* CX_GROUP_H */
