/*
 * Black-box tests of the service metrics: named definitions, bad
 * timelines, batches (all or nothing), merging, options and allocation
 * failures. The metric values themselves are checked ticket by ticket
 * against the independent reference by test_service_vectors.c; figures
 * here are hand calculations shown beside them.
 */
#include "harness.h"

#define H 3600
#define T0 1772442000LL /* 2026-03-02T09:00:00Z, a Monday (10:00 in Berlin) */

static cx_calendar *berlin_calendar(void)
{
    cx_timezone *tz = NULL;
    assert_ok(cx_timezone_load(&tz, "Europe/Berlin", NULL));
    cx_calendar_builder *b = NULL;
    assert_ok(cx_calendar_builder_new(&b, tz));
    size_t v = 0;
    for (int d = CX_WEEKDAY_MONDAY; d <= CX_WEEKDAY_FRIDAY; d++)
        assert_ok(cx_calendar_builder_add_hours(b, 0, (cx_weekday)d, 9 * H, 17 * H));
    assert_ok(cx_calendar_builder_add_version(&v, b, 2026, 4, 1));
    for (int d = CX_WEEKDAY_MONDAY; d <= CX_WEEKDAY_FRIDAY; d++)
        assert_ok(cx_calendar_builder_add_hours(b, v, (cx_weekday)d, 8 * H, 16 * H));
    cx_calendar *cal = NULL;
    assert_ok(cx_calendar_build(&cal, b));
    cx_calendar_builder_free(b);
    cx_timezone_free(tz);
    return cal;
}

static cx_ticket_event ev(int64_t t, int type, int value, unsigned flags)
{
    cx_ticket_event e = { t, type, value, flags, 0 };
    return e;
}

/* A ticket created at t with the customer's message, answered after
 * `reply` seconds and solved then. */
static size_t simple_ticket(cx_ticket_event *out, int64_t t, int64_t reply)
{
    out[0] = ev(t, CX_EVENT_CREATED, 0, 0);
    out[1] = ev(t, CX_EVENT_MESSAGE, CX_AUTHOR_CUSTOMER, 0);
    out[2] = ev(t + reply, CX_EVENT_MESSAGE, CX_AUTHOR_AGENT, 0);
    out[3] = ev(t + reply, CX_EVENT_STATUS, CX_STATUS_SOLVED, 0);
    return 4;
}

static cx_service *new_service(const cx_calendar *cal, const char *definition, const cx_service_options *opts)
{
    cx_service_definition def = CX_SERVICE_DEFINITION_INIT;
    assert_ok(cx_service_definition_parse(&def, definition));
    cx_service *svc = NULL;
    assert_ok(cx_service_new(&svc, cal, &def, opts));
    return svc;
}

static double result_value(const cx_service *svc, cx_service_metric m, cx_time_basis b)
{
    const cx_metric *calc = NULL;
    assert_ok(cx_service_get_metric(&calc, svc, m, b));
    cx_metric_result r = CX_METRIC_RESULT_INIT;
    assert_ok(cx_metric_get_result(calc, &r));
    return r.value;
}

static uint64_t result_count(const cx_service *svc, cx_service_metric m, cx_time_basis b)
{
    const cx_metric *calc = NULL;
    assert_ok(cx_service_get_metric(&calc, svc, m, b));
    cx_metric_result r = CX_METRIC_RESULT_INIT;
    int rc = cx_metric_get_result(calc, &r);
    return rc == CX_OK ? r.count : 0;
}

/* Everything a service holds, as text, to prove a failed call changed nothing. */
static void snapshot(const cx_service *svc, char *buf, size_t size)
{
    size_t n = 0;
    cx_service_counts c = CX_SERVICE_COUNTS_INIT;
    assert_ok(cx_service_get_counts(&c, svc));
    n += (size_t)snprintf(buf + n, size - n, "%llu %llu %llu %llu;", (unsigned long long)c.tickets,
                          (unsigned long long)c.resolved, (unsigned long long)c.unresolved,
                          (unsigned long long)c.merged);
    for (int m = CX_SERVICE_FIRST_REPLY; m <= CX_SERVICE_FCR_FIRST_REPLY; m++) {
        for (int b = CX_TIME_CALENDAR; b <= CX_TIME_BUSINESS; b++) {
            const cx_metric *calc = NULL;
            assert_ok(cx_service_get_metric(&calc, svc, (cx_service_metric)m, (cx_time_basis)b));
            size_t len = 0;
            assert_ok(cx_metric_serialize(calc, NULL, 0, &len));
            n += (size_t)snprintf(buf + n, size - n, "%zu,", len);
            cx_metric_result r = CX_METRIC_RESULT_INIT;
            if (cx_metric_get_result(calc, &r) == CX_OK)
                n += (size_t)snprintf(buf + n, size - n, "%llu:%.17g;", (unsigned long long)r.count, r.value);
        }
    }
}

/* ---- definitions ---------------------------------------------------------------- */

static void test_service_definition_names(void **state)
{
    (void)state;
    cx_service_definition def = CX_SERVICE_DEFINITION_INIT;
    cx_buffer text = CX_BUFFER_INIT;
    assert_ok(cx_service_definition_describe(&text, &def));
    assert_string_equal(text.data, "clock_start=created;bot_replies=ignore;private_notes=ignore;"
                                   "reopen=keeps_first_reply;pause=none;schedule=multi_event");
    cx_buffer_dispose(&text);
    assert_ok(cx_service_definition_parse(&def, "clock_start=first_customer_message;pause=on_hold+pending;;"
                                                "bot_replies=count;private_notes=count;reopen=resets_first_reply;"
                                                "schedule=single_event"));
    assert_int_equal(def.clock_start, CX_CLOCK_FIRST_CUSTOMER_MESSAGE);
    assert_int_equal(def.pause_statuses, CX_STATUS_BIT(CX_STATUS_PENDING) | CX_STATUS_BIT(CX_STATUS_ON_HOLD));
    assert_int_equal(def.count_bot_replies, 1);
    assert_int_equal(def.count_private_notes, 1);
    assert_int_equal(def.reopen_resets_first_reply, 1);
    assert_int_equal(def.schedule, CX_SCHEDULE_SINGLE_EVENT);
    assert_ok(cx_service_definition_describe(&text, &def));
    assert_string_equal(text.data, "clock_start=first_customer_message;bot_replies=count;private_notes=count;"
                                   "reopen=resets_first_reply;pause=pending+on_hold;schedule=single_event");
    /* Round trip: the description parses back to the same definition. */
    cx_service_definition back = CX_SERVICE_DEFINITION_INIT;
    assert_ok(cx_service_definition_parse(&back, text.data));
    assert_memory_equal(&back, &def, sizeof def);
    cx_buffer_dispose(&text);

    cx_service_definition keep = def;
    static const struct {
        const char *text, *fragment;
        int code;
    } bad[] = {
        { "clock_start=later", "clock_start: unknown value \"later\" (expected created or first_customer_message)",
          CX_ENOTFOUND },
        { "pause=pending+waiting", "pause: unknown status \"waiting\"", CX_ENOTFOUND },
        { "pause=pending+", "ends with '+'", CX_ENOTFOUND },
        { "schedule=multi_event;speed=fast", "unknown definition option \"speed\"", CX_ENOTFOUND },
        { "reopen", "\"reopen\" is not option=value", CX_EFORMAT },
        { "bot_replies=yes", "expected ignore or count", CX_ENOTFOUND },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_status(cx_service_definition_parse(&def, bad[i].text), bad[i].code);
        assert_error_mentions(bad[i].fragment);
        assert_memory_equal(&def, &keep, sizeof def); /* all or nothing */
    }
    assert_status(cx_service_definition_set(&def, "pause", NULL), CX_EINVAL);
    cx_service_definition zero = { 0, CX_CLOCK_CREATED, 0, 0, 0, 0, CX_SCHEDULE_MULTI_EVENT };
    assert_status(cx_service_definition_set(&zero, "pause", "none"), CX_EINVAL);
    assert_error_mentions("version is 0");
    assert_ok(cx_service_definition_init(&zero, CX_SERVICE_DEFINITION_VERSION));
    assert_int_equal(zero.clock_start, CX_CLOCK_CREATED);
    assert_status(cx_service_definition_init(&zero, 2), CX_EVERSION);
    def.clock_start = (cx_clock_start)9;
    assert_status(cx_service_definition_describe(&text, &def), CX_EINVAL);
    assert_error_mentions("clock_start 9");
}

static void test_service_metric_names(void **state)
{
    (void)state;
    for (int m = CX_SERVICE_FIRST_REPLY; m <= CX_SERVICE_FCR_FIRST_REPLY; m++) {
        const char *name = cx_service_metric_name((cx_service_metric)m);
        assert_non_null(name);
        cx_service_metric back;
        assert_ok(cx_service_metric_from_name(&back, name));
        assert_int_equal(back, m);
    }
    assert_string_equal(cx_service_metric_name(CX_SERVICE_FCR_NO_FOLLOW_UP), "fcr_no_follow_up");
    assert_null(cx_service_metric_name((cx_service_metric)14));
    cx_service_metric m;
    assert_status(cx_service_metric_from_name(&m, "first_response"), CX_ENOTFOUND);
    assert_error_mentions("unknown service metric \"first_response\"");
}

/* ---- measuring without a calendar -------------------------------------------------- */

static void test_service_calendar_time_only(void **state)
{
    (void)state;
    cx_service *svc = new_service(NULL, "", NULL);
    cx_ticket_event t[8];
    size_t n = simple_ticket(t, T0, 5400);
    cx_ticket_metrics m = CX_TICKET_METRICS_INIT;
    assert_ok(cx_service_measure(&m, svc, t, n, CX_PRIORITY_NORMAL));
    /* By hand: reply and solve 90 min after creation; no calendar, so business is NaN. */
    assert_close(m.first_reply.calendar, 5400, 0);
    assert_true(isnan(m.first_reply.business));
    assert_close(m.full_resolution.calendar, 5400, 0);
    assert_int_equal(m.resolved, 1);
    assert_int_equal(m.sla_first_reply.state, CX_SLA_NONE);
    assert_ok(cx_service_add_ticket(svc, t, n, CX_PRIORITY_NORMAL, NULL));
    assert_close(result_value(svc, CX_SERVICE_FIRST_REPLY, CX_TIME_CALENDAR), 5400, 0);
    assert_int_equal(result_count(svc, CX_SERVICE_FIRST_REPLY, CX_TIME_BUSINESS), 0); /* nothing fed */
    /* Counts and rates have one calculator for both bases. */
    const cx_metric *a = NULL, *b = NULL;
    assert_ok(cx_service_get_metric(&a, svc, CX_SERVICE_REPLIES, CX_TIME_CALENDAR));
    assert_ok(cx_service_get_metric(&b, svc, CX_SERVICE_REPLIES, CX_TIME_BUSINESS));
    assert_ptr_equal(a, b);
    cx_metric_kind kind;
    assert_ok(cx_metric_get_kind(&kind, a));
    assert_int_equal(kind, CX_METRIC_DURATION);
    assert_ok(cx_service_get_metric(&a, svc, CX_SERVICE_FCR_FIRST_REPLY, CX_TIME_CALENDAR));
    assert_ok(cx_metric_get_kind(&kind, a));
    assert_int_equal(kind, CX_METRIC_FCR);
    assert_close(result_value(svc, CX_SERVICE_FCR_FIRST_REPLY, CX_TIME_CALENDAR), 100, 0);
    cx_group *g = NULL;
    assert_status(cx_service_get_sla_group(&g, svc, CX_SLA_FIRST_REPLY), CX_ENOTFOUND);
    assert_error_mentions("no SLA policy");
    cx_service_free(svc);
}

static void test_service_counts_per_ticket(void **state)
{
    (void)state;
    /* An agent reply at 10:00, a customer message at 10:30 answered at 11:15
     * and one at 12:00 answered at 12:10; solved at 12:10. Default
     * definition, no calendar: first reply 0, next replies 2700 and 600. */
    cx_service *svc = new_service(NULL, "", NULL);
    cx_ticket_event t[] = {
        ev(T0, CX_EVENT_CREATED, CX_STATUS_OPEN, 0),
        ev(T0, CX_EVENT_MESSAGE, CX_AUTHOR_CUSTOMER, 0),
        ev(T0, CX_EVENT_MESSAGE, CX_AUTHOR_AGENT, 0),
        ev(T0 + 1800, CX_EVENT_MESSAGE, CX_AUTHOR_CUSTOMER, 0),
        ev(T0 + 1900, CX_EVENT_MESSAGE, CX_AUTHOR_CUSTOMER, 0), /* the wait is already open */
        ev(T0 + 4500, CX_EVENT_MESSAGE, CX_AUTHOR_AGENT, CX_EVENT_PRIVATE), /* a note: not a reply */
        ev(T0 + 4500, CX_EVENT_MESSAGE, CX_AUTHOR_AGENT, 0),
        ev(T0 + 7200, CX_EVENT_MESSAGE, CX_AUTHOR_CUSTOMER, 0),
        ev(T0 + 7800, CX_EVENT_MESSAGE, CX_AUTHOR_AGENT, 0),
        ev(T0 + 7800, CX_EVENT_ASSIGNED, 12, 0),
        ev(T0 + 7800, CX_EVENT_STATUS, CX_STATUS_SOLVED, 0),
        ev(T0 + 9000, CX_EVENT_STATUS, CX_STATUS_CLOSED, 0),
    };
    cx_ticket_metrics m;
    assert_ok(cx_ticket_metrics_init(&m, CX_TICKET_METRICS_VERSION));
    assert_ok(cx_service_measure(&m, svc, t, 12, CX_PRIORITY_NORMAL));
    assert_close(m.first_reply.calendar, 0, 0);
    assert_int_equal(m.next_reply_count, 2);
    assert_close(m.next_reply_total.calendar, 2700 + 600, 0);
    assert_close(m.next_reply_max.calendar, 2700, 0);
    assert_int_equal(m.replies, 3);
    assert_int_equal(m.assignments, 1);
    assert_int_equal(m.one_touch, 0);
    assert_int_equal(m.fcr_no_follow_up, 0);
    assert_int_equal(m.fcr_first_reply, 0);
    assert_close(m.full_resolution.calendar, 7800, 0); /* closing after the solve changes nothing */
    assert_close(m.requester_wait.calendar, 7800, 0);  /* open from creation to the solve */
    assert_ok(cx_service_add_ticket(svc, t, 12, CX_PRIORITY_NORMAL, "x"));
    /* The next-reply calculator gets each wait: median of 600 and 2700 = 1650. */
    assert_close(result_value(svc, CX_SERVICE_NEXT_REPLY, CX_TIME_CALENDAR), 1650, 1e-9);
    assert_close(result_value(svc, CX_SERVICE_REPLIES, CX_TIME_CALENDAR), 3, 0);
    cx_service_free(svc);
}

static void test_service_solved_before_clock_start(void **state)
{
    (void)state;
    /* clock_start=first_customer_message: an agent writes at 0:01 and solves
     * at 0:02; the customer's first message, the clock start S, comes at
     * 0:10 and the ticket stays solved. By hand: no resolution comes after
     * S, so both resolution times are undefined (NaN, not 120 - 600 =
     * -480); the ticket still counts as resolved with one reply before
     * its solve. */
    cx_service *svc = new_service(NULL, "clock_start=first_customer_message", NULL);
    cx_ticket_event t[] = {
        ev(T0, CX_EVENT_CREATED, CX_STATUS_OPEN, 0),
        ev(T0 + 60, CX_EVENT_MESSAGE, CX_AUTHOR_AGENT, 0),
        ev(T0 + 120, CX_EVENT_STATUS, CX_STATUS_SOLVED, 0),
        ev(T0 + 600, CX_EVENT_MESSAGE, CX_AUTHOR_CUSTOMER, 0),
    };
    cx_ticket_metrics m = CX_TICKET_METRICS_INIT;
    assert_ok(cx_service_measure(&m, svc, t, 4, CX_PRIORITY_NORMAL));
    assert_int_equal(m.resolved, 1);
    assert_int_equal(m.clock_start, T0 + 600);
    assert_true(isnan(m.first_resolution.calendar));
    assert_true(isnan(m.full_resolution.calendar));
    assert_int_equal(m.fcr_first_reply, 1);
    assert_ok(cx_service_add_ticket(svc, t, 4, CX_PRIORITY_NORMAL, NULL));
    assert_int_equal(result_count(svc, CX_SERVICE_FULL_RESOLUTION, CX_TIME_CALENDAR), 0);
    assert_int_equal(result_count(svc, CX_SERVICE_REPLIES, CX_TIME_CALENDAR), 1);
    /* Reopened and solved again after S: full resolution from S to that
     * solve, 0:10 to 0:40 = 1800; the first resolution (0:02) still
     * precedes S. */
    cx_ticket_event again[] = {
        t[0], t[1], t[2], t[3],
        ev(T0 + 900, CX_EVENT_STATUS, CX_STATUS_REOPENED, 0),
        ev(T0 + 2400, CX_EVENT_STATUS, CX_STATUS_SOLVED, 0),
    };
    assert_ok(cx_service_measure(&m, svc, again, 6, CX_PRIORITY_NORMAL));
    assert_close(m.full_resolution.calendar, 1800, 0);
    assert_true(isnan(m.first_resolution.calendar));
    cx_service_free(svc);
}

/* ---- bad timelines ---------------------------------------------------------------------- */

static void test_service_bad_timelines(void **state)
{
    (void)state;
    cx_calendar *cal = berlin_calendar();
    cx_service_options opts = CX_SERVICE_OPTIONS_INIT;
    opts.as_of = T0 + 30 * 86400;
    cx_service *svc = new_service(cal, "", &opts);
    cx_ticket_event good[4];
    simple_ticket(good, T0, 600);
    assert_ok(cx_service_add_ticket(svc, good, 4, CX_PRIORITY_NORMAL, NULL));
    char before[4096], after[4096];
    snapshot(svc, before, sizeof before);

    static const struct {
        int index;             /* event to change */
        cx_ticket_event event; /* its new value */
        int code;
        const char *fragment;
    } cases[] = {
        { 2, { T0 - 60, CX_EVENT_MESSAGE, CX_AUTHOR_AGENT, 0, 0 }, CX_EINVAL,
          "events[2] (message at 2026-03-02T08:59:00Z): precedes the ticket's creation at 2026-03-02T09:00:00Z" },
        { 3, { T0 + 300, CX_EVENT_STATUS, CX_STATUS_SOLVED, 0, 0 }, CX_EINVAL,
          "events[3] (status at 2026-03-02T09:05:00Z): is earlier than events[2] at 2026-03-02T09:10:00Z; events must "
          "be in time order" },
        { 0, { T0, CX_EVENT_MESSAGE, CX_AUTHOR_CUSTOMER, 0, 0 }, CX_EINVAL, "has no created event" },
        { 1, { T0, CX_EVENT_CREATED, 0, 0, 0 }, CX_EINVAL, "a second created event (the first is events[0])" },
        { 3, { T0 + 600, CX_EVENT_STATUS, CX_STATUS_REOPENED, 0, 0 }, CX_EINVAL,
          "reopened from status new; only a solved ticket can be reopened" },
        { 3, { T0 + 600, CX_EVENT_STATUS, 8, 0, 0 }, CX_EINVAL, "status 8 is not 1 (new)..7 (reopened)" },
        { 2, { T0 + 600, CX_EVENT_MESSAGE, 4, 0, 0 }, CX_EINVAL, "author 4 is not 1 (customer), 2 (agent) or 3 (bot)" },
        { 2, { T0 + 600, CX_EVENT_MESSAGE, CX_AUTHOR_AGENT, 4, 0 }, CX_EINVAL, "flags 0x4 has bits" },
        { 3, { T0 + 600, CX_EVENT_STATUS, CX_STATUS_SOLVED, CX_EVENT_PRIVATE, 0 }, CX_EINVAL,
          "flags 0x1 apply only to messages" },
        { 2, { T0 + 600, 6, 0, 0, 0 }, CX_EINVAL, "type 6 is not 1 (created)..5 (merged)" },
        { 2, { T0 + 600, CX_EVENT_MESSAGE, CX_AUTHOR_AGENT, 0, 1 }, CX_EINVAL, "reserved = 1 must be 0" },
        { 0, { T0, CX_EVENT_CREATED, CX_STATUS_SOLVED, 0, 0 }, CX_EINVAL, "first status 5" },
        { 3, { T0 + 60 * 86400, CX_EVENT_STATUS, CX_STATUS_SOLVED, 0, 0 }, CX_EINVAL,
          "is after the as-of instant 2026-04-01T09:00:00Z" },
        { 3, { 9000000000LL, CX_EVENT_STATUS, CX_STATUS_SOLVED, 0, 0 }, CX_ERANGE,
          "the time is outside 1900-01-01..2200-01-01" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cx_ticket_event t[4];
        memcpy(t, good, sizeof t);
        t[cases[i].index] = cases[i].event;
        assert_status(cx_service_add_ticket(svc, t, 4, CX_PRIORITY_NORMAL, NULL), cases[i].code);
        assert_error_mentions(cases[i].fragment);
        cx_ticket_metrics m;
        assert_ok(cx_ticket_metrics_init(&m, CX_TICKET_METRICS_VERSION));
        assert_status(cx_service_measure(&m, svc, t, 4, CX_PRIORITY_NORMAL), cases[i].code);
    }
    /* Events after a closing or a merge. */
    cx_ticket_event closed[] = { good[0], ev(T0 + 60, CX_EVENT_STATUS, CX_STATUS_CLOSED, 0),
                                 ev(T0 + 120, CX_EVENT_MESSAGE, CX_AUTHOR_CUSTOMER, 0) };
    assert_status(cx_service_add_ticket(svc, closed, 3, CX_PRIORITY_NORMAL, NULL), CX_EINVAL);
    assert_error_mentions("events[2] (message at 2026-03-02T09:02:00Z): follows the ticket's closing at events[1]");
    closed[1] = ev(T0 + 60, CX_EVENT_MERGED, 0, 0);
    assert_status(cx_service_add_ticket(svc, closed, 3, CX_PRIORITY_NORMAL, NULL), CX_EINVAL);
    assert_error_mentions("follows the ticket's merge");
    cx_ticket_event created_late[] = { ev(T0, CX_EVENT_MESSAGE, CX_AUTHOR_CUSTOMER, 0), good[0] };
    assert_status(cx_service_add_ticket(svc, created_late, 2, CX_PRIORITY_NORMAL, NULL), CX_EINVAL);
    assert_error_mentions("comes before the created event (events[1]); put it first");
    assert_status(cx_service_add_ticket(svc, good, 4, (cx_ticket_priority)5, NULL), CX_EINVAL);
    assert_error_mentions("priority 5 is not 1 (low)..4 (urgent)");
    assert_status(cx_service_add_ticket(svc, good, 0, CX_PRIORITY_NORMAL, NULL), CX_EINVAL);
    assert_error_mentions("no events");
    assert_status(cx_service_add_ticket(svc, NULL, 4, CX_PRIORITY_NORMAL, NULL), CX_EINVAL);
    assert_status(cx_service_add_ticket(svc, good, 4, CX_PRIORITY_NORMAL, "\xff\xfe"), CX_EINVAL);
    assert_error_mentions("segment is not valid UTF-8 (byte 0)");
    snapshot(svc, after, sizeof after);
    assert_string_equal(after, before); /* nothing applied */

    cx_ticket_metrics old;
    memset(&old, 0, sizeof old);
    old.version = 99;
    assert_status(cx_service_measure(&old, svc, good, 4, CX_PRIORITY_NORMAL), CX_EVERSION);
    assert_status(cx_service_measure(NULL, svc, good, 4, CX_PRIORITY_NORMAL), CX_EINVAL);
    cx_service_free(svc);
    cx_calendar_free(cal);
}

static void test_service_batch_all_or_nothing(void **state)
{
    (void)state;
    cx_service *svc = new_service(NULL, "", NULL);
    cx_ticket_event events[40];
    size_t offsets[11] = { 0 };
    for (int i = 0; i < 10; i++)
        offsets[i + 1] = offsets[i] + simple_ticket(events + offsets[i], T0 + i * 86400, 60 * (i + 1));
    events[offsets[6] + 2].time = T0 + 6 * 86400 - 1; /* ticket 6: a reply before its creation */
    char before[4096], after[4096];
    snapshot(svc, before, sizeof before);
    assert_status(cx_service_add_tickets(svc, events, offsets, 10, NULL, NULL), CX_EINVAL);
    assert_error_mentions("ticket 6: events[2] (message at 2026-03-08T08:59:59Z): precedes the ticket's creation");
    snapshot(svc, after, sizeof after);
    assert_string_equal(after, before);
    events[offsets[6] + 2].time = T0 + 6 * 86400 + 420;

    int32_t prio[10] = { 1, 2, 3, 4, 1, 2, 3, 4, 1, 0 };
    assert_status(cx_service_add_tickets(svc, events, offsets, 10, prio, NULL), CX_EINVAL);
    assert_error_mentions("ticket 9: priority 0");
    const char *segments[10] = { "a", "b", "a", "b", "a", "b", "a", "b", "a", "\xc3" };
    assert_status(cx_service_add_tickets(svc, events, offsets, 10, NULL, segments), CX_EINVAL);
    assert_error_mentions("ticket 9: segment is not valid UTF-8");
    size_t bad_offsets[11];
    memcpy(bad_offsets, offsets, sizeof bad_offsets);
    bad_offsets[4] = bad_offsets[3];
    assert_status(cx_service_add_tickets(svc, events, bad_offsets, 10, NULL, NULL), CX_EINVAL);
    assert_error_mentions("offsets[4] = 12 does not exceed offsets[3] = 12");
    bad_offsets[0] = 1;
    assert_status(cx_service_add_tickets(svc, events, bad_offsets, 10, NULL, NULL), CX_EINVAL);
    assert_error_mentions("offsets[0] = 1 must be 0");
    assert_status(cx_service_add_tickets(svc, events, NULL, 10, NULL, NULL), CX_EINVAL);
    snapshot(svc, after, sizeof after);
    assert_string_equal(after, before);

    assert_ok(cx_service_add_tickets(svc, events, offsets, 0, NULL, NULL));
    assert_ok(cx_service_add_tickets(svc, events, offsets, 10, NULL, NULL));
    /* First replies 60, 120, ..., 600 s: median (300 + 360) / 2 = 330. */
    assert_close(result_value(svc, CX_SERVICE_FIRST_REPLY, CX_TIME_CALENDAR), 330, 1e-9);
    cx_service_free(svc);
}

static void test_service_batch_equals_single_and_merge(void **state)
{
    (void)state;
    cx_calendar *cal = berlin_calendar();
    cx_sla_policy p = CX_SLA_POLICY_INIT;
    p.first_reply[1] = 1800;
    cx_service_options opts = CX_SERVICE_OPTIONS_INIT;
    opts.sla = &p;
    enum { N = 9000 }; /* more than one internal chunk of 4096 */
    cx_ticket_event *events = malloc(sizeof *events * 4 * N);
    size_t *offsets = malloc(sizeof *offsets * (N + 1));
    const char **segments = malloc(sizeof *segments * N);
    offsets[0] = 0;
    for (int i = 0; i < N; i++) {
        offsets[i + 1] = offsets[i] + simple_ticket(events + offsets[i], T0 + (int64_t)i * 1234, 60 + (i * 37) % 7200);
        segments[i] = i % 3 ? "email" : "chat";
    }
    cx_service *batch = new_service(cal, "", &opts), *single = new_service(cal, "", &opts);
    cx_service *left = new_service(cal, "", &opts), *right = new_service(cal, "", &opts);
    assert_ok(cx_service_add_tickets(batch, events, offsets, N, NULL, segments));
    for (int i = 0; i < 200; i++)
        assert_ok(cx_service_add_ticket(single, events + offsets[i], 4, CX_PRIORITY_NORMAL, segments[i]));
    assert_ok(cx_service_add_tickets(left, events, offsets, 200, NULL, segments));
    char a[4096], b[4096];
    snapshot(single, a, sizeof a);
    snapshot(left, b, sizeof b);
    assert_string_equal(a, b);
    /* Merging two halves equals adding everything to one. */
    cx_service *whole = new_service(cal, "", &opts);
    assert_ok(cx_service_add_tickets(whole, events, offsets, 400, NULL, segments));
    assert_ok(cx_service_add_tickets(right, events + offsets[200], offsets, 0, NULL, NULL));
    size_t shifted[201];
    for (int i = 0; i <= 200; i++)
        shifted[i] = offsets[200 + i] - offsets[200];
    assert_ok(cx_service_add_tickets(right, events + offsets[200], shifted, 200, NULL, segments + 200));
    assert_ok(cx_service_merge(left, right));
    snapshot(whole, a, sizeof a);
    snapshot(left, b, sizeof b);
    assert_string_equal(a, b);
    cx_group *g = NULL;
    size_t index;
    cx_metric_result r = CX_METRIC_RESULT_INIT, r2 = CX_METRIC_RESULT_INIT;
    assert_ok(cx_service_get_sla_group(&g, whole, CX_SLA_FIRST_REPLY));
    assert_ok(cx_group_find(&index, g, "chat", 0));
    assert_ok(cx_group_get_result(&r, g, index));
    assert_ok(cx_service_get_sla_group(&g, left, CX_SLA_FIRST_REPLY));
    assert_ok(cx_group_find(&index, g, "chat", 0));
    assert_ok(cx_group_get_result(&r2, g, index));
    assert_int_equal(r.count, r2.count);
    assert_close(r.value, r2.value, 1e-12);

    cx_service_counts c = CX_SERVICE_COUNTS_INIT;
    assert_ok(cx_service_get_counts(&c, batch));
    assert_int_equal(c.tickets, N);
    assert_int_equal(c.resolved, N);
    assert_int_equal(result_count(batch, CX_SERVICE_FIRST_REPLY, CX_TIME_BUSINESS), N);

    /* Merging services of different setups is refused, changing nothing. */
    cx_service *other = new_service(cal, "pause=pending", &opts);
    assert_status(cx_service_merge(left, other), CX_ESTATE);
    assert_error_mentions("different definitions");
    cx_service_free(other);
    other = new_service(cal, "", NULL);
    assert_status(cx_service_merge(left, other), CX_ESTATE);
    assert_error_mentions("different SLA policies");
    cx_service_free(other);
    cx_service_options monthly = opts;
    cx_group_options by_month = CX_GROUP_OPTIONS_INIT;
    by_month.period = CX_PERIOD_MONTH;
    monthly.sla_groups = &by_month;
    other = new_service(cal, "", &monthly);
    assert_status(cx_service_merge(left, other), CX_ESTATE);
    assert_error_mentions("group their SLA breach rates differently");
    cx_service_free(other);
    other = new_service(NULL, "", &(cx_service_options)CX_SERVICE_OPTIONS_INIT);
    cx_service *plain = new_service(cal, "", NULL);
    assert_status(cx_service_merge(plain, other), CX_ESTATE);
    assert_error_mentions("calendar");
    snapshot(left, a, sizeof a);
    assert_string_equal(a, b);
    cx_service_free(plain);
    cx_service_free(other);
    cx_service_free(whole);
    cx_service_free(left);
    cx_service_free(right);
    cx_service_free(single);
    cx_service_free(batch);
    free(segments);
    free(offsets);
    free(events);
    cx_calendar_free(cal);
}

/* ---- options ------------------------------------------------------------------------------------ */

static void test_service_option_errors(void **state)
{
    (void)state;
    cx_calendar *cal = berlin_calendar();
    cx_service *svc = (cx_service *)&svc;
    cx_service_options o = CX_SERVICE_OPTIONS_INIT;
    o.confidence = 1.5;
    assert_status(cx_service_new(&svc, cal, NULL, &o), CX_EINVAL);
    assert_error_mentions("confidence 1.5");
    assert_null(svc);
    o = (cx_service_options)CX_SERVICE_OPTIONS_INIT;
    o.as_of = 9000000000LL;
    assert_status(cx_service_new(&svc, cal, NULL, &o), CX_ERANGE);
    assert_error_mentions("as_of 9000000000");
    cx_sla_policy p = CX_SLA_POLICY_INIT;
    o = (cx_service_options)CX_SERVICE_OPTIONS_INIT;
    o.sla = &p;
    assert_status(cx_service_new(&svc, NULL, NULL, &o), CX_EINVAL);
    assert_error_mentions("business_hours = 1 needs a calendar");
    p.business_hours = 0;
    assert_ok(cx_service_new(&svc, NULL, NULL, &o)); /* calendar-time SLAs need no calendar */
    cx_service_free(svc);
    p.resolution[3] = -5;
    assert_status(cx_service_new(&svc, cal, NULL, &o), CX_EINVAL);
    assert_error_mentions("resolution[3] = -5 s is negative");
    p.resolution[3] = 0;
    p.pause_statuses = 1u << 9;
    assert_status(cx_service_new(&svc, cal, NULL, &o), CX_EINVAL);
    assert_error_mentions("pause_statuses 0x200");
    cx_service_definition d = CX_SERVICE_DEFINITION_INIT;
    d.count_bot_replies = 2;
    assert_status(cx_service_new(&svc, cal, &d, NULL), CX_EINVAL);
    assert_error_mentions("count_bot_replies = 2 must be 0 or 1");
    d = (cx_service_definition)CX_SERVICE_DEFINITION_INIT;
    d.schedule = (cx_schedule_semantics)0;
    assert_status(cx_service_new(&svc, cal, &d, NULL), CX_EINVAL);
    assert_error_mentions("schedule 0");
    d = (cx_service_definition)CX_SERVICE_DEFINITION_INIT;
    d.version = 7;
    assert_status(cx_service_new(&svc, cal, &d, NULL), CX_EVERSION);
    o = (cx_service_options)CX_SERVICE_OPTIONS_INIT;
    o.version = 0;
    assert_status(cx_service_new(&svc, cal, NULL, &o), CX_EINVAL);
    assert_status(cx_service_new(NULL, cal, NULL, NULL), CX_EINVAL);

    assert_ok(cx_service_options_init(&o, CX_SERVICE_OPTIONS_VERSION));
    assert_int_equal(o.as_of, CX_SERVICE_AS_OF_LAST_EVENT);
    assert_ok(cx_sla_policy_init(&p, CX_SLA_POLICY_VERSION));
    assert_int_equal(p.pause_statuses, CX_STATUS_BIT(CX_STATUS_PENDING));
    assert_status(cx_sla_policy_init(&p, 3), CX_EVERSION);
    assert_status(cx_service_options_init(NULL, 1), CX_EINVAL);

    assert_ok(cx_service_new(&svc, cal, NULL, NULL));
    const cx_metric *m = NULL;
    assert_status(cx_service_get_metric(&m, svc, (cx_service_metric)0, CX_TIME_CALENDAR), CX_EINVAL);
    assert_status(cx_service_get_metric(&m, svc, CX_SERVICE_FIRST_REPLY, (cx_time_basis)3), CX_EINVAL);
    assert_error_mentions("basis 3");
    cx_group *g = NULL;
    assert_status(cx_service_get_sla_group(&g, svc, (cx_sla_metric)4), CX_EINVAL);
    cx_service_counts c = { 2, 0, 0, 0, 0 };
    assert_status(cx_service_get_counts(&c, svc), CX_EVERSION);
    assert_ok(cx_service_counts_init(&c, CX_SERVICE_COUNTS_VERSION));
    assert_ok(cx_service_get_counts(&c, svc));
    assert_int_equal(c.tickets, 0);
    assert_status(cx_service_counts_init(&c, 2), CX_EVERSION);
    cx_ticket_metrics tm;
    assert_ok(cx_ticket_metrics_init(&tm, CX_TICKET_METRICS_VERSION));
    assert_status(cx_ticket_metrics_init(&tm, 2), CX_EVERSION);
    assert_status(cx_service_definition_init(NULL, 1), CX_EINVAL);
    cx_service_free(svc);
    cx_service_free(NULL);
    cx_calendar_free(cal);
}

/* ---- allocation failures ------------------------------------------------------------------------- */

typedef struct oom_ctx {
    const cx_calendar *cal;
    const cx_ticket_event *events;
    const size_t *offsets;
    size_t n;
} oom_ctx;

static int oom_scenario(void *arg)
{
    const oom_ctx *c = arg;
    cx_sla_policy p = CX_SLA_POLICY_INIT;
    p.first_reply[1] = 600;
    p.resolution[1] = 3600;
    cx_service_options o = CX_SERVICE_OPTIONS_INIT;
    o.sla = &p;
    cx_group_options by_month = CX_GROUP_OPTIONS_INIT;
    by_month.period = CX_PERIOD_MONTH;
    o.sla_groups = &by_month;
    cx_service_definition d = CX_SERVICE_DEFINITION_INIT;
    d.schedule = CX_SCHEDULE_SINGLE_EVENT; /* pins one calendar per version */
    cx_service *svc = NULL, *other = NULL;
    int rc = cx_service_new(&svc, c->cal, &d, &o);
    if (rc == CX_OK)
        rc = cx_service_new(&other, c->cal, &d, &o);
    if (rc == CX_OK)
        rc = cx_service_add_tickets(other, c->events, c->offsets, c->n, NULL, NULL);
    char before[4096], after[4096];
    if (rc == CX_OK) {
        snapshot(svc, before, sizeof before);
        rc = cx_service_add_tickets(svc, c->events, c->offsets, c->n, NULL, NULL);
        if (rc != CX_OK) {
            snapshot(svc, after, sizeof after);
            assert_string_equal(after, before); /* a failed batch changes nothing */
        }
    }
    if (rc == CX_OK) {
        snapshot(svc, before, sizeof before);
        rc = cx_service_merge(svc, other);
        if (rc != CX_OK) {
            snapshot(svc, after, sizeof after);
            assert_string_equal(after, before);
        }
    }
    if (rc == CX_OK)
        rc = cx_service_add_ticket(svc, c->events, 4, CX_PRIORITY_NORMAL, "one");
    cx_service_free(other);
    cx_service_free(svc);
    return rc;
}

static void test_service_allocation_failures(void **state)
{
    (void)state;
    cx_calendar *cal = berlin_calendar();
    cx_ticket_event events[80];
    size_t offsets[21] = { 0 };
    for (int i = 0; i < 20; i++)
        offsets[i + 1] = offsets[i] + simple_ticket(events + offsets[i], T0 + i * 3 * 86400, 900 * (i + 1));
    oom_ctx c = { cal, events, offsets, 20 };
    long points = cx_test_each_allocation_fails(oom_scenario, &c);
    assert_true(points >= 50);
    cx_calendar_free(cal);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_service_definition_names),
        cmocka_unit_test(test_service_metric_names),
        cmocka_unit_test(test_service_calendar_time_only),
        cmocka_unit_test(test_service_counts_per_ticket),
        cmocka_unit_test(test_service_solved_before_clock_start),
        cmocka_unit_test(test_service_bad_timelines),
        cmocka_unit_test(test_service_batch_all_or_nothing),
        cmocka_unit_test(test_service_batch_equals_single_and_merge),
        cmocka_unit_test(test_service_option_errors),
        cmocka_unit_test(test_service_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
