/**
 * @file segment.h
 * @brief Segments and personas defined by rules over attributes and
 *        signals, membership, and per-segment calculators.
 *
 * @defgroup segment Segments
 * @{
 *
 * A ::cx_segments holds named segments. A segment is defined by a
 * condition, written as an expression:
 *
 *     attr.plan in ('gold', 'platinum') and open_complaints >= 2
 *     not attr.newsletter and (recency_days > 60 or nps_category = 'detractor')
 *     attr.signup between '2025-01-01' and '2025-12-31' and attr.email exists
 *
 * Bare names are signals (the fields of ::cx_customer_signals);
 * `attr.NAME` (or `attr."any name"`) is an attribute. Comparisons are
 * `= != < <= > >=`, `in (...)`, `not in (...)`, `between A and B`
 * (inclusive) and `exists`; a boolean attribute alone is a condition;
 * `and`, `or`, `not` and parentheses combine them. A comparison with a
 * missing attribute or a NaN signal is false. The grammar is in
 * docs/customers.md. A segment can also be defined by a ::cx_rule (member
 * when the rule's value reaches a threshold), the interface shared with
 * risk rules and the bindings.
 *
 * @code
 * cx_segments *s = NULL;
 * cx_segments_new(&s);
 * cx_segments_define(s, "unhappy-gold", "attr.plan = 'gold' and nps_category = 'detractor'");
 * size_t n;
 * cx_customers_count(&n, db);
 * uint8_t *member = malloc(n);
 * cx_segments_evaluate(member, n, s, "unhappy-gold", db, now_ms);
 * @endcode
 *
 * Thread safety: defined segments are read-only during evaluation and may
 * be shared between threads (rule segments: when their rules are thread-safe).
 */
#ifndef CX_SEGMENT_H
#define CX_SEGMENT_H

#include "cx/common.h"
#include "cx/customer.h"
#include "cx/group.h"
#include "cx/risk.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A set of segment definitions (opaque). @since 0.2.0 */
typedef struct cx_segments cx_segments;

/** Longest segment name, in bytes. @since 0.2.0 */
#define CX_SEGMENT_NAME_MAX 128

/** Longest segment expression, in bytes. @since 0.2.0 */
#define CX_SEGMENT_EXPRESSION_MAX 4096

/**
 * Creates an empty set of segments.
 * @param[out] out the set, owned by the caller (cx_segments_free()); NULL on failure
 * @return #CX_OK; #CX_EINVAL; #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_segments_new(cx_segments **out);

/**
 * Releases segments and the payloads of rule segments. NULL-safe.
 * @param[in] s the segments
 * @since 0.2.0
 */
CX_API void cx_segments_free(cx_segments *s);

/**
 * Defines a segment by an expression (see the grammar above).
 * @param[in,out] s the segments
 * @param[in] name the segment's name (UTF-8, 1..#CX_SEGMENT_NAME_MAX bytes)
 * @param[in] expression the condition (at most #CX_SEGMENT_EXPRESSION_MAX bytes)
 * @return #CX_OK; #CX_EFORMAT for a syntax error (the message gives the
 *         byte offset and what was expected); #CX_EINVAL for an unknown
 *         signal or a literal of the wrong type for a signal; #CX_EEXISTS
 *         for a name already defined; #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_segments_define(cx_segments *s, const char *name, const char *expression);

/**
 * Defines a segment by a rule: a customer is a member when the rule's
 * value reaches `threshold`. On success the segments own the rule's
 * payload; on failure the caller keeps it.
 * @param[in,out] s the segments
 * @param[in] name the segment's name
 * @param[in] rule the rule (copied; its weight and decay are ignored)
 * @param[in] threshold in [0, 1]
 * @return #CX_OK; #CX_EEXISTS; #CX_EINVAL for a missing `fn` or bad name;
 *         #CX_ERANGE for a threshold outside 0..1; #CX_EVERSION; #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_segments_define_rule(cx_segments *s, const char *name, const cx_rule *rule, double threshold);

/**
 * Number of segments.
 * @param[out] out the number of segments
 * @param[in] s the segments
 * @return #CX_OK; #CX_EINVAL
 * @since 0.2.0
 */
CX_API int cx_segments_count(size_t *out, const cx_segments *s);

/**
 * Name of the segment at `index` (in definition order).
 * @param[out] out the name, borrowed from the segments
 * @param[in] s the segments
 * @param[in] index 0 .. count - 1
 * @return #CX_OK; #CX_ENOTFOUND past the end; #CX_EINVAL
 * @since 0.2.0
 */
CX_API int cx_segments_get_name(const char **out, const cx_segments *s, size_t index);

/**
 * Membership of every customer record in one segment as of a time. Ids
 * merged into others and customers not yet seen are not members.
 * @param[out] member_out one byte per record: 1 member, 0 not
 * @param[in] cap bytes `member_out` can hold (at least the record count)
 * @param[in] s the segments
 * @param[in] name the segment
 * @param[in] db the customers
 * @param[in] as_of_ms the time of the signals
 * @return #CX_OK; #CX_ENOTFOUND for an unknown segment or an attribute the
 *         set does not define; #CX_EINVAL for a `cap` too small or a literal
 *         of the wrong type for an attribute (both named); a rule
 *         segment's failure naming the customer (a positive status as
 *         #CX_EPLUGIN, a value outside 0..1 or NaN as #CX_ERANGE; the bytes
 *         of `member_out` are then not all written); #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_segments_evaluate(uint8_t *member_out, size_t cap, const cx_segments *s, const char *name,
                                const cx_customers *db, int64_t as_of_ms);

/**
 * The segments one customer belongs to.
 * @param[out] member_out one byte per segment, in definition order
 * @param[in] cap bytes `member_out` can hold (at least the segment count)
 * @param[in] s the segments
 * @param[in] db the customers
 * @param[in] id the customer id
 * @param[in] as_of_ms the time of the signals
 * @return as cx_segments_evaluate(); #CX_ENOTFOUND for an unknown id;
 *         #CX_EEMPTY when the customer was not yet seen
 * @since 0.2.0
 */
CX_API int cx_segments_match(uint8_t *member_out, size_t cap, const cx_segments *s, const cx_customers *db,
                             const char *id, int64_t as_of_ms);

/**
 * Builds per-segment calculators: a ::cx_group whose segments are the
 * segment names, fed with the members' survey answers of one kind up to
 * `as_of_ms` (membership as of that time; a customer in two segments counts
 * in both). Needs a set with `keep_history`.
 * @param[out] out the group, owned by the caller (cx_group_free()); NULL on failure
 * @param[in] s the segments
 * @param[in] db the customers
 * @param[in] kind #CX_METRIC_NPS, #CX_METRIC_CSAT or #CX_METRIC_CES (CSAT and CES on the set's scales;
 *            on a 2-point CSAT scale the top answer counts as satisfied)
 * @param[in] opts grouping options (periods, minimum counts), or NULL
 * @param[in] as_of_ms the time
 * @return #CX_OK; #CX_EINVAL for another kind; #CX_ESTATE without history;
 *         as cx_segments_evaluate() and cx_group_new(); #CX_ENOMEM
 * @since 0.2.0
 */
CX_API int cx_segments_group(cx_group **out, const cx_segments *s, const cx_customers *db, cx_metric_kind kind,
                             const cx_group_options *opts, int64_t as_of_ms);

/** @} */

#ifdef __cplusplus
}
#endif

#endif /* CX_SEGMENT_H */
