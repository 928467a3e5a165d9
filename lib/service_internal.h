/*
 * Internal layout of the service module, shared by the definition, the
 * ticket measurement and the accumulator.
 */
#ifndef CX_SERVICE_INTERNAL_H
#define CX_SERVICE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "cx/service.h"

#define CX__SERVICE_METRICS 13      /* cx_service_metric 1..13 */
#define CX__SERVICE_TIMED 7         /* metrics 1..7 have both time bases */
#define CX__SERVICE_SLOTS (2 * CX__SERVICE_TIMED + (CX__SERVICE_METRICS - CX__SERVICE_TIMED))
#define CX__SLA_TARGETS 3

/* Calculator slot of a metric in a basis. */
static inline int cx__service_slot(cx_service_metric m, cx_time_basis b)
{
    return (int)m <= CX__SERVICE_TIMED ? 2 * ((int)m - 1) + ((int)b - 1) : CX__SERVICE_TIMED + (int)m - 1;
}

/* Receives the observations that may occur several times per ticket
 * (first replies per cycle, next replies). */
typedef struct cx__service_sink {
    int (*emit)(void *ctx, cx_service_metric metric, int64_t calendar, int64_t business, bool has_business);
    void *ctx;
} cx__service_sink;

struct cx_service {
    const cx_calendar *cal;        /* borrowed; NULL: calendar time only */
    cx_calendar **pinned;          /* single-event semantics: one calendar per version */
    size_t n_pinned;
    cx_service_definition def;
    cx_service_options opts;       /* opts.sla points at `sla` or is NULL */
    cx_sla_policy sla;
    cx_group_options sla_grouping; /* opts.sla_groups points here */
    cx_metric *calc[CX__SERVICE_SLOTS];
    cx_group *sla_groups[CX__SLA_TARGETS];
    cx_service_counts counts;
};

/* Checks one ticket's timeline; `ticket` >= 0 prefixes messages with it. */
int cx__ticket_validate(const cx_service *svc, const cx_ticket_event *ev, size_t n, int32_t priority,
                        long long ticket);
/* Measures a validated ticket into *out (latest version), emitting the
 * repeated observations to `sink` (may be NULL). CX_OK or the sink's code. */
int cx__ticket_measure(const cx_service *svc, const cx_ticket_event *ev, size_t n, int32_t priority,
                       cx_ticket_metrics *out, const cx__service_sink *sink);

/* Definitions: checks every field; CX_EINVAL naming the field. */
int cx__service_definition_check(const cx_service_definition *def);
/* Option values; CX_EINVAL naming the field. */
int cx__sla_policy_check(const cx_sla_policy *p, bool has_calendar);

#endif /* CX_SERVICE_INTERNAL_H */
