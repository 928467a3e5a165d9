/*
 * One ticket: checking its timeline, then measuring it in a single pass
 * over its events.
 *
 * The pass keeps clocks that advance between consecutive events: the
 * calendar and business seconds spent in each status, a metric clock that
 * stands still in the definition's pause statuses (reply and resolution
 * times are differences of its readings), and one SLA clock per target
 * that stands still in the policy's pause statuses and while solved. An
 * SLA deadline is found when a running SLA clock passes its target between
 * two events: the instant is found by adding the remaining seconds, in
 * calendar or business time, to the start of that stretch.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core_internal.h"
#include "service_internal.h"
#include "timezone_internal.h"

typedef struct pair {
    int64_t cal, bus;
} pair;

static const char *const type_names[] = { NULL, "created", "status", "message", "assigned", "merged" };
static const char *const status_names[] = { NULL, "new", "open", "pending", "on_hold", "solved", "closed", "reopened" };

#define RESOLVED_BITS (CX_STATUS_BIT(CX_STATUS_SOLVED) | CX_STATUS_BIT(CX_STATUS_CLOSED))
#define REQUESTER_WAIT_BITS \
    (CX_STATUS_BIT(CX_STATUS_NEW) | CX_STATUS_BIT(CX_STATUS_OPEN) | CX_STATUS_BIT(CX_STATUS_ON_HOLD) \
     | CX_STATUS_BIT(CX_STATUS_REOPENED))

/* ---- checking a timeline ----------------------------------------------------- */

/* "ticket 3: events[2] (message at 2026-01-05T09:00:00Z): <detail>" */
static int event_error(int code, long long ticket, size_t i, const cx_ticket_event *e, const char *fmt, ...)
    CX__PRINTF(5, 6);

static int event_error(int code, long long ticket, size_t i, const cx_ticket_event *e, const char *fmt, ...)
{
    char detail[256], when[40] = "?", prefix[48] = "";
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    if (e->time > -62167219200LL && e->time < 253402300800LL)
        cx__format_instant(when, sizeof when, e->time, 0);
    else
        snprintf(when, sizeof when, "%lld s", (long long)e->time);
    if (ticket >= 0)
        snprintf(prefix, sizeof prefix, "ticket %lld: ", ticket);
    const char *type = e->type >= 1 && e->type <= 5 ? type_names[e->type] : "event";
    return cx__error(code, "%sevents[%zu] (%s at %s): %s", prefix, i, type, when, detail);
}

static int check_fields(const cx_ticket_event *e, size_t i, long long ticket)
{
    if (e->type < CX_EVENT_CREATED || e->type > CX_EVENT_MERGED)
        return event_error(CX_EINVAL, ticket, i, e, "type %d is not 1 (created)..5 (merged)", (int)e->type);
    if (e->reserved != 0)
        return event_error(CX_EINVAL, ticket, i, e, "reserved = %u must be 0", (unsigned)e->reserved);
    if (e->type == CX_EVENT_MESSAGE && (e->flags & ~(CX_EVENT_PRIVATE | CX_EVENT_AUTOMATIC)))
        return event_error(CX_EINVAL, ticket, i, e, "flags 0x%x has bits other than PRIVATE (1) and AUTOMATIC (2)",
                           (unsigned)e->flags);
    if (e->type != CX_EVENT_MESSAGE && e->flags != 0)
        return event_error(CX_EINVAL, ticket, i, e, "flags 0x%x apply only to messages (use 0)", (unsigned)e->flags);
    if (e->type == CX_EVENT_CREATED && (e->value < 0 || e->value > CX_STATUS_ON_HOLD))
        return event_error(CX_EINVAL, ticket, i, e, "first status %d is not 0 (new), new, open, pending or on_hold",
                           (int)e->value);
    if (e->type == CX_EVENT_STATUS && (e->value < CX_STATUS_NEW || e->value > CX_STATUS_REOPENED))
        return event_error(CX_EINVAL, ticket, i, e, "status %d is not 1 (new)..7 (reopened)", (int)e->value);
    if (e->type == CX_EVENT_MESSAGE && (e->value < CX_AUTHOR_CUSTOMER || e->value > CX_AUTHOR_BOT))
        return event_error(CX_EINVAL, ticket, i, e, "author %d is not 1 (customer), 2 (agent) or 3 (bot)",
                           (int)e->value);
    if (e->time < CX_CALENDAR_MIN_INSTANT || e->time > CX_CALENDAR_MAX_INSTANT)
        return event_error(CX_ERANGE, ticket, i, e, "the time is outside 1900-01-01..2200-01-01");
    return CX_OK;
}

/* "ticket 3: " when the timeline is one of a batch. */
static void ticket_prefix(char *buf, size_t size, long long ticket)
{
    buf[0] = '\0';
    if (ticket >= 0)
        snprintf(buf, size, "ticket %lld: ", ticket);
}

/* Exactly one CREATED, first; nothing before it. */
static int check_creation(const cx_ticket_event *ev, size_t n, long long ticket)
{
    size_t created = n;
    for (size_t i = 0; i < n; i++) {
        if (ev[i].type != CX_EVENT_CREATED)
            continue;
        if (created < n)
            return event_error(CX_EINVAL, ticket, i, &ev[i], "a second created event (the first is events[%zu])",
                               created);
        created = i;
    }
    if (created == n) {
        char prefix[48];
        ticket_prefix(prefix, sizeof prefix, ticket);
        return cx__error(CX_EINVAL, "%sthe timeline of %zu events has no created event", prefix, n);
    }
    for (size_t i = 0; i < n; i++) {
        if (ev[i].time < ev[created].time) {
            char when[40];
            cx__format_instant(when, sizeof when, ev[created].time, 0);
            return event_error(CX_EINVAL, ticket, i, &ev[i], "precedes the ticket's creation at %s", when);
        }
    }
    if (created != 0)
        return event_error(CX_EINVAL, ticket, 0, &ev[0], "comes before the created event (events[%zu]); put it first",
                           created);
    return CX_OK;
}

static int check_sequence(const cx_ticket_event *ev, size_t n, int64_t as_of, long long ticket)
{
    int status = ev[0].value ? ev[0].value : CX_STATUS_NEW;
    size_t ended = 0; /* index of the closing or merge, 0 if none */
    char when[40];
    for (size_t i = 1; i < n; i++) {
        const cx_ticket_event *e = &ev[i];
        if (e->time < ev[i - 1].time) {
            cx__format_instant(when, sizeof when, ev[i - 1].time, 0);
            return event_error(CX_EINVAL, ticket, i, e, "is earlier than events[%zu] at %s; events must be in time order",
                               i - 1, when);
        }
        if (ended)
            return event_error(CX_EINVAL, ticket, i, e, "follows the ticket's %s at events[%zu]",
                               ev[ended].type == CX_EVENT_MERGED ? "merge" : "closing", ended);
        if (e->type == CX_EVENT_STATUS) {
            if (e->value == CX_STATUS_REOPENED && status != CX_STATUS_SOLVED)
                return event_error(CX_EINVAL, ticket, i, e, "reopened from status %s; only a solved ticket can be reopened",
                                   status_names[status]);
            status = e->value;
            if (status == CX_STATUS_CLOSED)
                ended = i;
        }
        if (e->type == CX_EVENT_MERGED)
            ended = i;
    }
    if (as_of != CX_SERVICE_AS_OF_LAST_EVENT && ev[n - 1].time > as_of) {
        cx__format_instant(when, sizeof when, as_of, 0);
        return event_error(CX_EINVAL, ticket, n - 1, &ev[n - 1], "is after the as-of instant %s", when);
    }
    return CX_OK;
}

int cx__ticket_validate(const cx_service *svc, const cx_ticket_event *ev, size_t n, int32_t priority,
                        long long ticket)
{
    char prefix[48];
    if (priority < CX_PRIORITY_LOW || priority > CX_PRIORITY_URGENT) {
        ticket_prefix(prefix, sizeof prefix, ticket);
        return cx__error(CX_EINVAL, "%spriority %d is not 1 (low)..4 (urgent)", prefix, (int)priority);
    }
    if (n == 0 || ev == NULL) {
        ticket_prefix(prefix, sizeof prefix, ticket);
        return cx__error(CX_EINVAL, n == 0 ? "%sthe timeline has no events (it needs at least the created event)"
                                           : "%sevents is NULL",
                         prefix);
    }
    for (size_t i = 0; i < n; i++) {
        int rc = check_fields(&ev[i], i, ticket);
        if (rc != CX_OK)
            return rc;
    }
    int rc = check_creation(ev, n, ticket);
    if (rc != CX_OK)
        return rc;
    return check_sequence(ev, n, svc->opts.as_of, ticket);
}

/* ---- SLA clocks ---------------------------------------------------------------- */

typedef struct sla_track {
    int64_t target;         /* 0: no target */
    bool running;
    int64_t elapsed;        /* of the running clock */
    int64_t last;           /* of the last stopped clock */
    bool has_deadline;
    int64_t deadline;
    uint32_t stopped;       /* clocks stopped so far */
    bool breached;
    int64_t breach_at;      /* first breach */
} sla_track;

static void sla_start(sla_track *s)
{
    if (s->target <= 0)
        return;
    s->running = true;
    s->elapsed = 0;
    s->has_deadline = false;
}

static void sla_note_breach(sla_track *s)
{
    if (!s->breached) {
        s->breached = true;
        s->breach_at = s->deadline;
    }
}

static void sla_stop(sla_track *s)
{
    if (!s->running)
        return;
    s->running = false;
    s->stopped++;
    s->last = s->elapsed;
    if (s->elapsed > s->target)
        sla_note_breach(s);
}

/* A clock made moot (a wait answered by a new cycle's first reply). */
static void sla_cancel(sla_track *s)
{
    s->running = false;
}

static void sla_outcome(const sla_track *s, cx_sla_outcome *out)
{
    out->target = s->target;
    out->breach_at = 0;
    out->elapsed = NAN;
    out->time_left = NAN;
    out->state = CX_SLA_NONE;
    if (s->target <= 0)
        return;
    if (s->running)
        out->elapsed = (double)s->elapsed;
    else if (s->stopped)
        out->elapsed = (double)s->last;
    if (s->breached) {
        out->state = CX_SLA_BREACHED;
        out->breach_at = s->breach_at;
    } else if (s->running) {
        out->state = CX_SLA_RUNNING;
        out->time_left = (double)(s->target - s->elapsed);
    } else if (s->stopped) {
        out->state = CX_SLA_ACHIEVED;
    }
}

/* ---- the pass over the events -------------------------------------------------- */

typedef struct ticket_run {
    const cx_service *svc;
    const cx_calendar *cal;  /* reply, resolution and SLA clocks: pinned with single-event semantics; or NULL */
    const cx_calendar *status_cal; /* status-period sums: the service's calendar (multi-event), or NULL */
    uint32_t pause;          /* statuses stopping the metric clock */
    uint32_t sla_pause;      /* statuses stopping the SLA clocks */
    bool sla_business;
    int status;
    int64_t t;               /* time reached */
    int64_t position;        /* cal's business clock at t */
    int64_t status_position; /* status_cal's business clock at t */
    pair clock;              /* metric clock since creation */
    pair sums[8];            /* time per status */
    sla_track sla[CX__SLA_TARGETS];
} ticket_run;

static int64_t sla_cross(const ticket_run *r, int64_t from, int64_t seconds)
{
    int64_t at = from + seconds;
    if (r->sla_business)
        cx_calendar_add_business_seconds(&at, r->cal, from, seconds); /* in range: the stretch is */
    return at;
}

static void sla_advance(ticket_run *r, sla_track *s, int64_t from, int64_t delta)
{
    if (!s->running || delta == 0)
        return;
    if (!s->has_deadline && s->elapsed + delta >= s->target) {
        s->deadline = sla_cross(r, from, s->target - s->elapsed);
        s->has_deadline = true;
    }
    s->elapsed += delta;
}

/* Moves the clocks from r->t to t. */
static void advance(ticket_run *r, int64_t t)
{
    if (t == r->t)
        return;
    pair d = { t - r->t, 0 };
    if (r->cal) {
        int64_t pos = 0;
        cx_calendar_business_clock(&pos, r->cal, t); /* t was checked to be in range */
        d.bus = pos - r->position;
        r->position = pos;
    }
    pair ds = d; /* status sums are multi-event: with the service's own calendar */
    if (r->status_cal != r->cal) {
        int64_t pos = 0;
        cx_calendar_business_clock(&pos, r->status_cal, t);
        ds.bus = pos - r->status_position;
        r->status_position = pos;
    }
    unsigned bit = CX_STATUS_BIT(r->status);
    r->sums[r->status].cal += ds.cal;
    r->sums[r->status].bus += ds.bus;
    if (!(r->pause & bit)) {
        r->clock.cal += d.cal;
        r->clock.bus += d.bus;
    }
    if (!(r->sla_pause & bit)) {
        int64_t delta = r->sla_business ? d.bus : d.cal;
        for (int k = 0; k < CX__SLA_TARGETS; k++)
            sla_advance(r, &r->sla[k], r->t, delta);
    }
    r->t = t;
}

/* What the pass has found so far. */
typedef struct ticket_state {
    bool started;            /* the clock start has been passed */
    pair start;              /* metric clock at the clock start */
    bool cycle_open;         /* waiting for the first reply of the current cycle */
    pair cycle_start;
    bool wait_open;          /* a customer waits for a next reply */
    pair wait_start;
    bool replied;            /* a counted reply after the clock start */
    bool any_reply;          /* a counted reply at all */
    bool follow_up;          /* a customer message after the first counted reply */
    bool solved_once;
    uint32_t replies_before_solve;
    bool resolved_since_start; /* a resolution after the clock start */
    pair last_resolution;      /* metric clock at the latest one */
    bool merged;
} ticket_state;

static bool counts_as_reply(const cx_service_definition *def, const cx_ticket_event *e)
{
    if (e->value == CX_AUTHOR_CUSTOMER)
        return false;
    bool automated = e->value == CX_AUTHOR_BOT || (e->flags & CX_EVENT_AUTOMATIC);
    if (automated && !def->count_bot_replies)
        return false;
    return !(e->flags & CX_EVENT_PRIVATE) || def->count_private_notes;
}

static pair minus(pair a, pair b)
{
    return (pair){ a.cal - b.cal, a.bus - b.bus };
}

static int emit(const cx__service_sink *sink, cx_service_metric m, pair v, bool business)
{
    return sink ? sink->emit(sink->ctx, m, v.cal, v.bus, business) : CX_OK;
}

static cx_service_time as_time(pair v, bool business)
{
    return (cx_service_time){ (double)v.cal, business ? (double)v.bus : NAN };
}

static void add_time(cx_service_time *total, pair v, bool business)
{
    total->calendar = isnan(total->calendar) ? (double)v.cal : total->calendar + (double)v.cal;
    if (business)
        total->business = isnan(total->business) ? (double)v.bus : total->business + (double)v.bus;
}

static void max_time(cx_service_time *m, pair v, bool business)
{
    if (isnan(m->calendar) || (double)v.cal > m->calendar)
        m->calendar = (double)v.cal;
    if (business && (isnan(m->business) || (double)v.bus > m->business))
        m->business = (double)v.bus;
}

static int on_reply(ticket_run *r, ticket_state *st, cx_ticket_metrics *out, const cx__service_sink *sink)
{
    bool business = r->cal != NULL;
    out->replies++;
    if (!st->solved_once)
        st->replies_before_solve++;
    st->any_reply = true;
    if (!st->started)
        return CX_OK;
    st->replied = true;
    if (st->cycle_open) {
        pair v = minus(r->clock, st->cycle_start);
        st->cycle_open = false;
        if (out->first_reply_count++ == 0)
            out->first_reply = as_time(v, business);
        out->first_reply_last = as_time(v, business);
        sla_stop(&r->sla[0]);
        return emit(sink, CX_SERVICE_FIRST_REPLY, v, business);
    }
    if (st->wait_open) {
        pair v = minus(r->clock, st->wait_start);
        st->wait_open = false;
        out->next_reply_count++;
        add_time(&out->next_reply_total, v, business);
        max_time(&out->next_reply_max, v, business);
        sla_stop(&r->sla[1]);
        return emit(sink, CX_SERVICE_NEXT_REPLY, v, business);
    }
    return CX_OK;
}

static void on_customer_message(ticket_run *r, ticket_state *st)
{
    if (st->any_reply)
        st->follow_up = true;
    if (st->started && st->replied && !st->cycle_open && !st->wait_open) {
        st->wait_open = true;
        st->wait_start = r->clock;
        sla_start(&r->sla[1]);
    }
}

static void on_status(ticket_run *r, ticket_state *st, int to, cx_ticket_metrics *out)
{
    bool business = r->cal != NULL;
    bool leaving_solved = r->status == CX_STATUS_SOLVED && to != CX_STATUS_SOLVED && to != CX_STATUS_CLOSED;
    if (leaving_solved) {
        out->reopens++;
        if (r->svc->def.reopen_resets_first_reply && st->started) {
            st->cycle_open = true;
            st->cycle_start = r->clock;
            st->wait_open = false;
            sla_cancel(&r->sla[1]); /* the new cycle's first reply answers it */
            sla_start(&r->sla[0]);
        }
    }
    bool resolving = to == CX_STATUS_SOLVED || (to == CX_STATUS_CLOSED && r->status != CX_STATUS_SOLVED);
    if (resolving) {
        if (st->started && !st->solved_once)
            out->first_resolution = as_time(minus(r->clock, st->start), business);
        st->solved_once = true;
        if (st->started) {
            st->resolved_since_start = true;
            st->last_resolution = r->clock;
        }
        /* A resolution answers whatever reply was awaited: it stops the
         * reply clocks and ends an open wait (unmeasured). */
        sla_stop(&r->sla[0]);
        sla_stop(&r->sla[1]);
        st->wait_open = false;
    }
    r->status = to;
}

static void start_clock(ticket_run *r, ticket_state *st)
{
    st->started = true;
    st->start = r->clock;
    st->cycle_open = true;
    st->cycle_start = r->clock;
    sla_start(&r->sla[0]);
    sla_start(&r->sla[2]);
}

/* Index of the event at which the clock starts. */
static size_t clock_start_index(const cx_service_definition *def, const cx_ticket_event *ev, size_t n)
{
    if (def->clock_start == CX_CLOCK_FIRST_CUSTOMER_MESSAGE)
        for (size_t i = 0; i < n; i++)
            if (ev[i].type == CX_EVENT_MESSAGE && ev[i].value == CX_AUTHOR_CUSTOMER)
                return i;
    return 0;
}

static void init_run(ticket_run *r, const cx_service *svc, const cx_ticket_event *ev, int32_t priority,
                     int64_t clock_start, cx_ticket_metrics *out)
{
    memset(r, 0, sizeof *r);
    r->svc = svc;
    r->cal = r->status_cal = svc->cal;
    out->schedule_version = 0;
    if (svc->cal) {
        cx_calendar_version_at(&out->schedule_version, svc->cal, clock_start);
        if (svc->n_pinned)
            r->cal = svc->pinned[out->schedule_version];
        cx_calendar_business_clock(&r->position, r->cal, ev[0].time);
        cx_calendar_business_clock(&r->status_position, r->status_cal, ev[0].time);
    }
    r->pause = svc->def.pause_statuses;
    r->status = ev[0].value ? ev[0].value : CX_STATUS_NEW;
    r->t = ev[0].time;
    if (svc->opts.sla) {
        const cx_sla_policy *p = &svc->sla;
        r->sla_business = p->business_hours != 0;
        r->sla_pause = p->pause_statuses | RESOLVED_BITS;
        r->sla[0].target = p->first_reply[priority - 1];
        r->sla[1].target = p->next_reply[priority - 1];
        r->sla[2].target = p->resolution[priority - 1];
    }
}

static void clear_metrics(cx_ticket_metrics *out)
{
    const cx_service_time none = { NAN, NAN };
    memset(out, 0, sizeof *out);
    out->version = CX_TICKET_METRICS_VERSION;
    out->first_reply = out->first_reply_last = out->next_reply_total = out->next_reply_max = none;
    out->first_resolution = out->full_resolution = none;
}

static pair status_sum(const ticket_run *r, uint32_t bits)
{
    pair s = { 0, 0 };
    for (int k = 1; k <= 7; k++) {
        if (bits & CX_STATUS_BIT(k)) {
            s.cal += r->sums[k].cal;
            s.bus += r->sums[k].bus;
        }
    }
    return s;
}

static void finish(ticket_run *r, const ticket_state *st, cx_ticket_metrics *out)
{
    bool business = r->cal != NULL; /* status_cal is NULL exactly when cal is */
    out->merged = st->merged;
    out->resolved = !st->merged && (RESOLVED_BITS & CX_STATUS_BIT(r->status)) != 0;
    /* A ticket solved before its clock started (before the customer's
     * first message) and not since has no resolution time. */
    if (out->resolved && st->resolved_since_start)
        out->full_resolution = as_time(minus(st->last_resolution, st->start), business);
    out->requester_wait = as_time(status_sum(r, REQUESTER_WAIT_BITS), business);
    out->agent_wait = as_time(status_sum(r, CX_STATUS_BIT(CX_STATUS_PENDING)), business);
    out->on_hold = as_time(status_sum(r, CX_STATUS_BIT(CX_STATUS_ON_HOLD)), business);
    out->one_touch = out->fcr_no_follow_up = out->fcr_first_reply = -1;
    if (out->resolved) {
        out->one_touch = out->replies < 2;
        out->fcr_no_follow_up = st->any_reply && !st->follow_up && out->reopens == 0;
        out->fcr_first_reply = st->replies_before_solve == 1 && out->reopens == 0;
    }
    if (out->resolved)
        sla_stop(&r->sla[2]); /* stopped for good at the final resolution */
    for (int k = 0; k < CX__SLA_TARGETS; k++) {
        sla_track *s = &r->sla[k];
        if (st->merged)
            s->target = 0;
        if (s->running && s->elapsed > s->target)
            sla_note_breach(s);
    }
    sla_outcome(&r->sla[0], &out->sla_first_reply);
    sla_outcome(&r->sla[1], &out->sla_next_reply);
    sla_outcome(&r->sla[2], &out->sla_resolution);
}

int cx__ticket_measure(const cx_service *svc, const cx_ticket_event *ev, size_t n, int32_t priority,
                       cx_ticket_metrics *out, const cx__service_sink *sink)
{
    clear_metrics(out);
    size_t start_index = clock_start_index(&svc->def, ev, n);
    out->clock_start = ev[start_index].time;
    ticket_run r;
    init_run(&r, svc, ev, priority, out->clock_start, out);
    ticket_state st = { 0 };
    int rc = CX_OK;
    for (size_t i = 0; i < n && rc == CX_OK; i++) {
        const cx_ticket_event *e = &ev[i];
        advance(&r, e->time);
        if (i == start_index)
            start_clock(&r, &st);
        switch (e->type) {
        case CX_EVENT_MESSAGE:
            if (e->value == CX_AUTHOR_CUSTOMER)
                on_customer_message(&r, &st);
            else if (counts_as_reply(&svc->def, e))
                rc = on_reply(&r, &st, out, sink);
            break;
        case CX_EVENT_STATUS:
            on_status(&r, &st, e->value, out);
            break;
        case CX_EVENT_ASSIGNED:
            out->assignments++;
            break;
        case CX_EVENT_MERGED:
            st.merged = true;
            break;
        default:
            break;
        }
    }
    if (rc != CX_OK)
        return rc;
    advance(&r, svc->opts.as_of == CX_SERVICE_AS_OF_LAST_EVENT ? ev[n - 1].time : svc->opts.as_of);
    finish(&r, &st, out);
    return CX_OK;
}
