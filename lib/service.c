/*
 * The service accumulator: calculators per metric and time basis, breach
 * rate groups per SLA target.
 *
 * Adding is staged: the calculators are cloned (the groups copied), the
 * batch's observations are fed to the copies chunk by chunk, and the
 * copies are swapped in only when everything succeeded. So a failed call
 * leaves the service exactly as it was.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core_internal.h"
#include "service_internal.h"

#define CHUNK_TICKETS 4096

/* ---- life cycle ------------------------------------------------------------------ */

static cx_metric_kind slot_kind(int slot)
{
    /* Durations and counts: DURATION; rates (slots of metrics 10..13): FCR. */
    return slot >= CX__SERVICE_TIMED + CX_SERVICE_REOPEN_RATE - 1 ? CX_METRIC_FCR : CX_METRIC_DURATION;
}

static cx_metric_options metric_options(const cx_service *svc)
{
    cx_metric_options mo = CX_METRIC_OPTIONS_INIT;
    mo.confidence = svc->opts.confidence;
    return mo;
}

static int new_sla_group(cx_group **out, const cx_service *svc)
{
    cx_metric_options mo = metric_options(svc);
    return cx_group_new(out, CX_METRIC_FCR, &mo, &svc->sla_grouping);
}

void cx_service_free(cx_service *svc)
{
    if (svc == NULL)
        return;
    for (size_t v = 0; v < svc->n_pinned; v++)
        cx_calendar_free(svc->pinned[v]);
    cx__free(svc->pinned);
    for (int k = 0; k < CX__SERVICE_SLOTS; k++)
        cx_metric_free(svc->calc[k]);
    for (int k = 0; k < CX__SLA_TARGETS; k++)
        cx_group_free(svc->sla_groups[k]);
    cx__free(svc);
}

static int check_options(const cx_service_options *o)
{
    int rc = cx__check_version(o->version, CX_SERVICE_OPTIONS_VERSION, "cx_service_options");
    if (rc != CX_OK)
        return rc;
    if (!(o->confidence > 0 && o->confidence < 1))
        return cx__error(CX_EINVAL, "cx_service_options: confidence %g is not inside (0, 1)", o->confidence);
    if (o->as_of != CX_SERVICE_AS_OF_LAST_EVENT
        && (o->as_of < CX_CALENDAR_MIN_INSTANT || o->as_of > CX_CALENDAR_MAX_INSTANT))
        return cx__error(CX_ERANGE, "cx_service_options: as_of %lld s is outside 1900-01-01..2200-01-01",
                         (long long)o->as_of);
    if (o->sla_groups != NULL)
        return cx__check_version(o->sla_groups->version, CX_GROUP_OPTIONS_VERSION, "cx_service_options.sla_groups");
    return CX_OK;
}

/* Single-event semantics measure each ticket with one schedule version:
 * one pinned calendar per version. */
static int pin_versions(cx_service *svc)
{
    size_t versions = 1;
    cx_calendar_version_count(&versions, svc->cal);
    if (versions < 2)
        return CX_OK;
    svc->pinned = cx__calloc(versions, sizeof *svc->pinned);
    if (svc->pinned == NULL)
        return cx__nomem("creating a service");
    svc->n_pinned = versions;
    for (size_t v = 0; v < versions; v++) {
        int rc = cx_calendar_pin(&svc->pinned[v], svc->cal, v);
        if (rc != CX_OK)
            return rc;
    }
    return CX_OK;
}

static int create_calculators(cx_service *svc)
{
    cx_metric_options mo = metric_options(svc);
    for (int k = 0; k < CX__SERVICE_SLOTS; k++) {
        int rc = cx_metric_new(&svc->calc[k], slot_kind(k), &mo);
        if (rc != CX_OK)
            return rc;
    }
    for (int k = 0; svc->opts.sla && k < CX__SLA_TARGETS; k++) {
        int rc = new_sla_group(&svc->sla_groups[k], svc);
        if (rc != CX_OK)
            return rc;
    }
    return CX_OK;
}

int cx_service_new(cx_service **out, const cx_calendar *cal, const cx_service_definition *def,
                   const cx_service_options *opts)
{
    CX__CHECK_ARG(out, "cx_service_new");
    *out = NULL;
    cx_service_definition d = CX_SERVICE_DEFINITION_INIT;
    cx_service_options o = CX_SERVICE_OPTIONS_INIT;
    int rc;
    if (def != NULL) {
        if ((rc = cx__service_definition_check(def)) != CX_OK)
            return rc;
        d = *def;
        d.version = CX_SERVICE_DEFINITION_VERSION;
    }
    if (opts != NULL) {
        if ((rc = check_options(opts)) != CX_OK)
            return rc;
        o = *opts;
        o.version = CX_SERVICE_OPTIONS_VERSION;
    }
    if (o.sla != NULL && (rc = cx__sla_policy_check(o.sla, cal != NULL)) != CX_OK)
        return rc;
    cx_service *svc = cx__calloc(1, sizeof *svc);
    if (svc == NULL)
        return cx__nomem("creating a service");
    svc->cal = cal;
    svc->def = d;
    svc->opts = o;
    cx_group_options defaults = CX_GROUP_OPTIONS_INIT;
    svc->sla_grouping = o.sla_groups != NULL ? *o.sla_groups : defaults;
    svc->sla_grouping.version = CX_GROUP_OPTIONS_VERSION;
    svc->opts.sla_groups = &svc->sla_grouping;
    if (o.sla != NULL) {
        svc->sla = *o.sla;
        svc->sla.version = CX_SLA_POLICY_VERSION;
        svc->opts.sla = &svc->sla;
    }
    rc = CX_OK;
    if (cal != NULL && d.schedule == CX_SCHEDULE_SINGLE_EVENT)
        rc = pin_versions(svc);
    if (rc == CX_OK)
        rc = create_calculators(svc);
    if (rc != CX_OK) {
        cx_service_free(svc);
        return rc;
    }
    *out = svc;
    return CX_OK;
}

/* ---- measuring one ticket ------------------------------------------------------------ */

int cx_service_measure(cx_ticket_metrics *out, const cx_service *svc, const cx_ticket_event *events, size_t n,
                       cx_ticket_priority priority)
{
    CX__CHECK_ARG(out, "cx_service_measure");
    CX__CHECK_ARG(svc, "cx_service_measure");
    int rc = cx__check_version(out->version, CX_TICKET_METRICS_VERSION, "cx_ticket_metrics");
    if (rc != CX_OK)
        return rc;
    if ((rc = cx__ticket_validate(svc, events, n, (int32_t)priority, -1)) != CX_OK)
        return rc;
    cx_ticket_metrics full;
    if ((rc = cx__ticket_measure(svc, events, n, (int32_t)priority, &full, NULL)) != CX_OK)
        return rc;
    static const size_t sizes[] = { sizeof(cx_ticket_metrics) }; /* per version */
    full.version = out->version;
    CX__COPY_VERSIONED(out, &full, sizes);
    return CX_OK;
}

/* ---- staging ------------------------------------------------------------------------------ */

typedef struct value_list {
    double *v;
    size_t n, cap;
} value_list;

typedef struct sla_list {
    const char **segment;
    int64_t *ts;
    double *v;
    size_t n, cap;
} sla_list;

typedef struct stage {
    cx_service *svc;
    cx_metric *calc[CX__SERVICE_SLOTS];
    cx_group *groups[CX__SLA_TARGETS];
    value_list values[CX__SERVICE_SLOTS];
    sla_list sla[CX__SLA_TARGETS];
    cx_service_counts counts;
} stage;

static void stage_discard(stage *s, bool free_work)
{
    for (int k = 0; k < CX__SERVICE_SLOTS; k++) {
        if (free_work)
            cx_metric_free(s->calc[k]);
        cx__free(s->values[k].v);
    }
    for (int k = 0; k < CX__SLA_TARGETS; k++) {
        if (free_work)
            cx_group_free(s->groups[k]);
        cx__free(s->sla[k].segment);
        cx__free(s->sla[k].ts);
        cx__free(s->sla[k].v);
    }
    memset(s, 0, sizeof *s);
}

static int copy_group(cx_group **out, const cx_group *g, const cx_service *svc)
{
    int rc = new_sla_group(out, svc);
    if (rc == CX_OK && (rc = cx_group_merge(*out, g)) != CX_OK) {
        cx_group_free(*out);
        *out = NULL;
    }
    return rc;
}

static int stage_open(stage *s, cx_service *svc)
{
    memset(s, 0, sizeof *s);
    s->svc = svc;
    s->counts = svc->counts;
    for (int k = 0; k < CX__SERVICE_SLOTS; k++) {
        int rc = cx_metric_clone(&s->calc[k], svc->calc[k]);
        if (rc != CX_OK)
            return rc;
    }
    for (int k = 0; svc->opts.sla && k < CX__SLA_TARGETS; k++) {
        int rc = copy_group(&s->groups[k], svc->sla_groups[k], svc);
        if (rc != CX_OK)
            return rc;
    }
    return CX_OK;
}

static void stage_commit(stage *s)
{
    cx_service *svc = s->svc;
    for (int k = 0; k < CX__SERVICE_SLOTS; k++) {
        cx_metric_free(svc->calc[k]);
        svc->calc[k] = s->calc[k];
    }
    for (int k = 0; k < CX__SLA_TARGETS; k++) {
        cx_group_free(svc->sla_groups[k]);
        svc->sla_groups[k] = s->groups[k];
    }
    svc->counts = s->counts;
    stage_discard(s, false);
}

static int push_value(value_list *l, double v)
{
    if (l->n == l->cap) {
        void *items = l->v;
        if (cx__grow(&items, &l->cap, l->n + 1, sizeof *l->v, 1024) != CX_OK)
            return cx__nomem("adding tickets");
        l->v = items;
    }
    l->v[l->n++] = v;
    return CX_OK;
}

static int push_sla(sla_list *l, const char *segment, int64_t ts, double v)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 256;
        const char **seg = cx__reallocarray(l->segment, cap, sizeof *seg);
        if (seg == NULL)
            return cx__nomem("adding tickets");
        l->segment = seg;
        int64_t *t = cx__reallocarray(l->ts, cap, sizeof *t);
        if (t == NULL)
            return cx__nomem("adding tickets");
        l->ts = t;
        double *vv = cx__reallocarray(l->v, cap, sizeof *vv);
        if (vv == NULL)
            return cx__nomem("adding tickets");
        l->v = vv;
        l->cap = cap;
    }
    l->segment[l->n] = segment;
    l->ts[l->n] = ts;
    l->v[l->n++] = v;
    return CX_OK;
}

static int push_time(stage *s, cx_service_metric m, cx_service_time t)
{
    int rc = CX_OK;
    if (!isnan(t.calendar))
        rc = push_value(&s->values[cx__service_slot(m, CX_TIME_CALENDAR)], t.calendar);
    if (rc == CX_OK && !isnan(t.business))
        rc = push_value(&s->values[cx__service_slot(m, CX_TIME_BUSINESS)], t.business);
    return rc;
}

static int push_count(stage *s, cx_service_metric m, double v)
{
    return push_value(&s->values[cx__service_slot(m, CX_TIME_CALENDAR)], v);
}

static int sink_emit(void *ctx, cx_service_metric m, int64_t calendar, int64_t business, bool has_business)
{
    cx_service_time t = { (double)calendar, has_business ? (double)business : NAN };
    return push_time(ctx, m, t);
}

static int push_resolved(stage *s, const cx_ticket_metrics *m)
{
    int rc = CX_OK;
    if (rc == CX_OK)
        rc = push_time(s, CX_SERVICE_FULL_RESOLUTION, m->full_resolution);
    if (rc == CX_OK)
        rc = push_time(s, CX_SERVICE_REQUESTER_WAIT, m->requester_wait);
    if (rc == CX_OK)
        rc = push_time(s, CX_SERVICE_AGENT_WAIT, m->agent_wait);
    if (rc == CX_OK)
        rc = push_time(s, CX_SERVICE_ON_HOLD, m->on_hold);
    if (rc == CX_OK)
        rc = push_count(s, CX_SERVICE_REPLIES, m->replies);
    if (rc == CX_OK)
        rc = push_count(s, CX_SERVICE_REOPENS, m->reopens);
    if (rc == CX_OK)
        rc = push_count(s, CX_SERVICE_REOPEN_RATE, m->reopens > 0);
    if (rc == CX_OK)
        rc = push_count(s, CX_SERVICE_ONE_TOUCH, m->one_touch);
    if (rc == CX_OK)
        rc = push_count(s, CX_SERVICE_FCR_NO_FOLLOW_UP, m->fcr_no_follow_up);
    if (rc == CX_OK)
        rc = push_count(s, CX_SERVICE_FCR_FIRST_REPLY, m->fcr_first_reply);
    return rc;
}

static int push_sla_outcomes(stage *s, const cx_ticket_metrics *m, const char *segment, int64_t created)
{
    const cx_sla_outcome *o[CX__SLA_TARGETS] = { &m->sla_first_reply, &m->sla_next_reply, &m->sla_resolution };
    for (int k = 0; s->svc->opts.sla && k < CX__SLA_TARGETS; k++) {
        if (o[k]->state != CX_SLA_BREACHED && o[k]->state != CX_SLA_ACHIEVED)
            continue;
        int rc = push_sla(&s->sla[k], segment, created * 1000, o[k]->state == CX_SLA_BREACHED);
        if (rc != CX_OK)
            return rc;
    }
    return CX_OK;
}

static int stage_ticket(stage *s, const cx_ticket_event *ev, size_t n, int32_t priority, const char *segment)
{
    size_t marks[CX__SERVICE_SLOTS];
    for (int k = 0; k < CX__SERVICE_SLOTS; k++)
        marks[k] = s->values[k].n;
    cx__service_sink sink = { sink_emit, s };
    cx_ticket_metrics m;
    int rc = cx__ticket_measure(s->svc, ev, n, priority, &m, &sink);
    if (rc != CX_OK)
        return rc;
    s->counts.tickets++;
    if (m.merged) { /* a merged ticket lives on in the one it was merged into */
        for (int k = 0; k < CX__SERVICE_SLOTS; k++)
            s->values[k].n = marks[k];
        s->counts.merged++;
        return CX_OK;
    }
    if ((rc = push_time(s, CX_SERVICE_FIRST_RESOLUTION, m.first_resolution)) != CX_OK)
        return rc;
    if (m.resolved) {
        s->counts.resolved++;
        if ((rc = push_resolved(s, &m)) != CX_OK)
            return rc;
    } else {
        s->counts.unresolved++;
    }
    return push_sla_outcomes(s, &m, segment ? segment : "", ev[0].time);
}

static int stage_flush(stage *s)
{
    for (int k = 0; k < CX__SERVICE_SLOTS; k++) {
        int rc = cx_metric_add_many(s->calc[k], s->values[k].v, s->values[k].n);
        if (rc != CX_OK)
            return rc;
        s->values[k].n = 0;
    }
    for (int k = 0; s->svc->opts.sla && k < CX__SLA_TARGETS; k++) {
        sla_list *l = &s->sla[k];
        int rc = cx_group_add_many(s->groups[k], l->segment, l->ts, l->v, l->n);
        if (rc != CX_OK)
            return rc;
        l->n = 0;
    }
    return CX_OK;
}

/* ---- adding tickets ---------------------------------------------------------------------- */

/* `ticket` >= 0 prefixes the message with the ticket's index. */
static int check_segment(const char *segment, long long ticket)
{
    if (segment == NULL)
        return CX_OK;
    size_t n = strnlen(segment, CX_GROUP_SEGMENT_MAX + 1), bad = 0;
    bool too_long = n > CX_GROUP_SEGMENT_MAX;
    if (!too_long && cx__utf8_valid(segment, n, &bad))
        return CX_OK;
    char prefix[48] = "";
    if (ticket >= 0)
        snprintf(prefix, sizeof prefix, "ticket %lld: ", ticket);
    if (too_long)
        return cx__error(CX_EINVAL, "%ssegment \"%.32s...\" is longer than %d bytes", prefix, segment,
                         CX_GROUP_SEGMENT_MAX);
    return cx__error(CX_EINVAL, "%ssegment is not valid UTF-8 (byte %zu)", prefix, bad);
}

int cx_service_add_ticket(cx_service *svc, const cx_ticket_event *events, size_t n, cx_ticket_priority priority,
                          const char *segment)
{
    CX__CHECK_ARG(svc, "cx_service_add_ticket");
    int rc = cx__ticket_validate(svc, events, n, (int32_t)priority, -1);
    if (rc == CX_OK)
        rc = check_segment(segment, -1);
    if (rc != CX_OK)
        return rc;
    stage s;
    rc = stage_open(&s, svc);
    if (rc == CX_OK)
        rc = stage_ticket(&s, events, n, (int32_t)priority, segment);
    if (rc == CX_OK)
        rc = stage_flush(&s);
    if (rc != CX_OK) {
        stage_discard(&s, true);
        return rc;
    }
    stage_commit(&s);
    return CX_OK;
}

static int check_offsets(const cx_ticket_event *events, const size_t *offsets, size_t n_tickets)
{
    CX__CHECK_ARG(offsets, "cx_service_add_tickets");
    if (offsets[0] != 0)
        return cx__error(CX_EINVAL, "cx_service_add_tickets: offsets[0] = %zu must be 0", offsets[0]);
    for (size_t i = 0; i < n_tickets; i++)
        if (offsets[i + 1] <= offsets[i])
            return cx__error(CX_EINVAL,
                             "cx_service_add_tickets: offsets[%zu] = %zu does not exceed offsets[%zu] = %zu (every "
                             "ticket needs at least its created event)",
                             i + 1, offsets[i + 1], i, offsets[i]);
    CX__CHECK_ARG(events, "cx_service_add_tickets");
    return CX_OK;
}

static int check_batch(const cx_service *svc, const cx_ticket_event *events, const size_t *offsets, size_t n_tickets,
                       const int32_t *priorities, const char *const *segments)
{
    int rc = check_offsets(events, offsets, n_tickets);
    for (size_t i = 0; i < n_tickets && rc == CX_OK; i++) {
        int32_t priority = priorities ? priorities[i] : CX_PRIORITY_NORMAL;
        rc = cx__ticket_validate(svc, events + offsets[i], offsets[i + 1] - offsets[i], priority, (long long)i);
        if (rc == CX_OK && segments)
            rc = check_segment(segments[i], (long long)i);
    }
    return rc;
}

int cx_service_add_tickets(cx_service *svc, const cx_ticket_event *events, const size_t *offsets, size_t n_tickets,
                           const int32_t *priorities, const char *const *segments)
{
    CX__CHECK_ARG(svc, "cx_service_add_tickets");
    if (n_tickets == 0)
        return CX_OK;
    int rc = check_batch(svc, events, offsets, n_tickets, priorities, segments);
    if (rc != CX_OK)
        return rc;
    stage s;
    rc = stage_open(&s, svc);
    for (size_t i = 0; i < n_tickets && rc == CX_OK; i++) {
        int32_t priority = priorities ? priorities[i] : CX_PRIORITY_NORMAL;
        rc = stage_ticket(&s, events + offsets[i], offsets[i + 1] - offsets[i], priority,
                          segments ? segments[i] : NULL);
        if (rc == CX_OK && ((i + 1) % CHUNK_TICKETS == 0 || i + 1 == n_tickets))
            rc = stage_flush(&s);
    }
    if (rc != CX_OK) {
        stage_discard(&s, true);
        return rc;
    }
    stage_commit(&s);
    return CX_OK;
}

/* ---- results ------------------------------------------------------------------------------- */

int cx_service_get_metric(const cx_metric **out, const cx_service *svc, cx_service_metric metric, cx_time_basis basis)
{
    CX__CHECK_ARG(out, "cx_service_get_metric");
    CX__CHECK_ARG(svc, "cx_service_get_metric");
    if (metric < CX_SERVICE_FIRST_REPLY || metric > CX_SERVICE_FCR_FIRST_REPLY)
        return cx__error(CX_EINVAL, "cx_service_get_metric: metric %d is not 1 (first_reply)..13 (fcr_first_reply)",
                         (int)metric);
    if (basis != CX_TIME_CALENDAR && basis != CX_TIME_BUSINESS)
        return cx__error(CX_EINVAL, "cx_service_get_metric: basis %d is not CX_TIME_CALENDAR (1) or CX_TIME_BUSINESS (2)",
                         (int)basis);
    *out = svc->calc[cx__service_slot(metric, (int)metric <= CX__SERVICE_TIMED ? basis : CX_TIME_CALENDAR)];
    return CX_OK;
}

int cx_service_get_sla_group(cx_group **out, cx_service *svc, cx_sla_metric metric)
{
    CX__CHECK_ARG(out, "cx_service_get_sla_group");
    CX__CHECK_ARG(svc, "cx_service_get_sla_group");
    if (metric < CX_SLA_FIRST_REPLY || metric > CX_SLA_RESOLUTION)
        return cx__error(CX_EINVAL, "cx_service_get_sla_group: target %d is not 1 (first reply)..3 (resolution)",
                         (int)metric);
    if (svc->opts.sla == NULL)
        return cx__error(CX_ENOTFOUND, "cx_service_get_sla_group: the service has no SLA policy (set options.sla)");
    *out = svc->sla_groups[metric - 1];
    return CX_OK;
}

int cx_service_get_counts(cx_service_counts *out, const cx_service *svc)
{
    CX__CHECK_ARG(out, "cx_service_get_counts");
    CX__CHECK_ARG(svc, "cx_service_get_counts");
    int rc = cx__check_version(out->version, CX_SERVICE_COUNTS_VERSION, "cx_service_counts");
    if (rc != CX_OK)
        return rc;
    static const size_t sizes[] = { sizeof(cx_service_counts) }; /* per version */
    cx_service_counts counts = svc->counts;
    counts.version = out->version;
    CX__COPY_VERSIONED(out, &counts, sizes);
    return CX_OK;
}

/* ---- merging ---------------------------------------------------------------------------------- */

static bool same_policy(const cx_sla_policy *a, const cx_sla_policy *b)
{
    if (a->business_hours != b->business_hours || a->pause_statuses != b->pause_statuses)
        return false;
    for (int i = 0; i < 4; i++)
        if (a->first_reply[i] != b->first_reply[i] || a->next_reply[i] != b->next_reply[i]
            || a->resolution[i] != b->resolution[i])
            return false;
    return true;
}

static int same_setup(const cx_service *a, const cx_service *b)
{
    const cx_service_definition *x = &a->def, *y = &b->def;
    if (x->clock_start != y->clock_start || x->count_bot_replies != y->count_bot_replies
        || x->count_private_notes != y->count_private_notes
        || x->reopen_resets_first_reply != y->reopen_resets_first_reply || x->pause_statuses != y->pause_statuses
        || x->schedule != y->schedule)
        return cx__error(CX_ESTATE, "cx_service_merge: the services have different definitions");
    if (a->opts.as_of != b->opts.as_of || a->opts.confidence != b->opts.confidence)
        return cx__error(CX_ESTATE, "cx_service_merge: the services have different as_of or confidence options");
    if ((a->opts.sla == NULL) != (b->opts.sla == NULL) || (a->opts.sla && !same_policy(&a->sla, &b->sla)))
        return cx__error(CX_ESTATE, "cx_service_merge: the services have different SLA policies");
    const cx_group_options *ga = &a->sla_grouping, *gb = &b->sla_grouping;
    if (a->opts.sla && (ga->period != gb->period || ga->utc_offset_minutes != gb->utc_offset_minutes
                        || ga->min_count != gb->min_count))
        return cx__error(CX_ESTATE, "cx_service_merge: the services group their SLA breach rates differently");
    if ((a->cal == NULL) != (b->cal == NULL))
        return cx__error(CX_ESTATE, "cx_service_merge: one service has a calendar and the other has none");
    return CX_OK;
}

int cx_service_merge(cx_service *into, const cx_service *from)
{
    CX__CHECK_ARG(into, "cx_service_merge");
    CX__CHECK_ARG(from, "cx_service_merge");
    int rc = same_setup(into, from);
    if (rc != CX_OK)
        return rc;
    stage s;
    rc = stage_open(&s, into);
    for (int k = 0; k < CX__SERVICE_SLOTS && rc == CX_OK; k++)
        rc = cx_metric_merge(s.calc[k], from->calc[k]);
    for (int k = 0; into->opts.sla && k < CX__SLA_TARGETS && rc == CX_OK; k++)
        rc = cx_group_merge(s.groups[k], from->sla_groups[k]);
    if (rc != CX_OK) {
        stage_discard(&s, true);
        return rc;
    }
    s.counts.tickets += from->counts.tickets;
    s.counts.resolved += from->counts.resolved;
    s.counts.unresolved += from->counts.unresolved;
    s.counts.merged += from->counts.merged;
    stage_commit(&s);
    return CX_OK;
}
