/*
 * Runs the ticket test vectors of tests/data/service/tickets.json: every
 * ticket under every named definition, each metric and SLA outcome, and
 * the aggregates (medians, rates with Wilson intervals, breach rates per
 * segment). Expected values come from tests/reference/service_reference.py
 * (plain Python from the definitions, business time from Python zoneinfo);
 * the vectors' "note" fields give hand calculations. The same file serves
 * the bindings' tests.
 */
#include <jansson.h>

#include "harness.h"

#ifndef CX_TEST_DATA_DIR
#error "CX_TEST_DATA_DIR must name tests/data"
#endif

typedef struct fixture {
    json_t *root;
    cx_calendar *cal;
    cx_sla_policy sla;
    int64_t as_of;
} fixture;

static int64_t instant(const char *iso)
{
    int64_t t = 0;
    assert_ok(cx_instant_parse(&t, NULL, iso));
    return t;
}

static int index_of(const char *name, const char *const *names, int n)
{
    for (int i = 0; i < n; i++)
        if (strcmp(name, names[i]) == 0)
            return i;
    print_error("unknown name %s\n", name);
    fail();
    return -1;
}

static const char *const priorities[] = { "low", "normal", "high", "urgent" };

static void read_targets(const json_t *sla, const char *key, int64_t *targets)
{
    for (int p = 0; p < 4; p++)
        targets[p] = json_integer_value(json_object_get(json_object_get(sla, key), priorities[p]));
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    char path[1024];
    snprintf(path, sizeof path, "%s/service/tickets.json", CX_TEST_DATA_DIR);
    json_error_t err;
    f->root = json_load_file(path, 0, &err);
    if (f->root == NULL) {
        print_error("%s:%d: %s\n", path, err.line, err.text);
        return -1;
    }
    char *cal = json_dumps(json_object_get(f->root, "calendar"), 0);
    int rc = cx_calendar_from_json(&f->cal, cal, strlen(cal), NULL);
    free(cal);
    if (rc != CX_OK)
        return -1;
    const json_t *sla = json_object_get(f->root, "sla");
    cx_sla_policy p = CX_SLA_POLICY_INIT;
    p.business_hours = json_is_true(json_object_get(sla, "business_hours"));
    assert_string_equal(json_string_value(json_object_get(sla, "pause")), "pending"); /* the policy's default */
    read_targets(sla, "first_reply", p.first_reply);
    read_targets(sla, "next_reply", p.next_reply);
    read_targets(sla, "resolution", p.resolution);
    f->sla = p;
    f->as_of = instant(json_string_value(json_object_get(f->root, "as_of")));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    cx_calendar_free(f->cal);
    json_decref(f->root);
    free(f);
    return 0;
}

/* ---- events ----------------------------------------------------------------------- */

static cx_ticket_event event_of(const json_t *row)
{
    static const char *const kinds[] = { "created", "status", "message", "assigned", "merged" };
    static const char *const statuses[] = { "new", "open", "pending", "on_hold", "solved", "closed", "reopened" };
    static const char *const authors[] = { "customer", "agent", "bot" };
    cx_ticket_event e = { 0, 0, 0, 0, 0 };
    e.time = instant(json_string_value(json_array_get(row, 0)));
    e.type = index_of(json_string_value(json_array_get(row, 1)), kinds, 5) + 1;
    const json_t *value = json_array_get(row, 2);
    if (e.type == CX_EVENT_STATUS || (e.type == CX_EVENT_CREATED && value))
        e.value = index_of(json_string_value(value), statuses, 7) + 1;
    else if (e.type == CX_EVENT_MESSAGE)
        e.value = index_of(json_string_value(value), authors, 3) + 1;
    else if (e.type == CX_EVENT_ASSIGNED)
        e.value = (int32_t)json_integer_value(value);
    for (size_t i = 3; i < json_array_size(row); i++)
        e.flags |= strcmp(json_string_value(json_array_get(row, i)), "private") == 0 ? CX_EVENT_PRIVATE
                                                                                     : CX_EVENT_AUTOMATIC;
    return e;
}

static size_t events_of(const json_t *ticket, cx_ticket_event *out)
{
    const json_t *rows = json_object_get(ticket, "events");
    for (size_t i = 0; i < json_array_size(rows); i++)
        out[i] = event_of(json_array_get(rows, i));
    return json_array_size(rows);
}

static cx_service *service_for(const fixture *f, const char *definition)
{
    cx_service_definition def = CX_SERVICE_DEFINITION_INIT;
    assert_ok(cx_service_definition_parse(&def, definition));
    cx_service_options opts = CX_SERVICE_OPTIONS_INIT;
    opts.as_of = f->as_of;
    opts.sla = &f->sla;
    cx_service *svc = NULL;
    assert_ok(cx_service_new(&svc, f->cal, &def, &opts));
    return svc;
}

/* ---- comparing ---------------------------------------------------------------------- */

typedef struct where {
    const char *ticket, *definition, *field;
} where;

static void mismatch(const where *w, const char *got, const char *expected)
{
    print_error("%s / %s: %s = %s, expected %s\n", w->ticket, w->definition, w->field, got, expected);
    fail();
}

static void check_time(where w, const char *field, cx_service_time got, const json_t *expected)
{
    char a[96], b[96];
    w.field = field;
    if (json_is_null(expected) || expected == NULL) {
        if (!isnan(got.calendar) || !isnan(got.business)) {
            snprintf(a, sizeof a, "[%g, %g]", got.calendar, got.business);
            mismatch(&w, a, "null");
        }
        return;
    }
    double cal = (double)json_integer_value(json_array_get(expected, 0));
    double bus = (double)json_integer_value(json_array_get(expected, 1));
    if (got.calendar != cal || got.business != bus) {
        snprintf(a, sizeof a, "[%g, %g]", got.calendar, got.business);
        snprintf(b, sizeof b, "[%g, %g]", cal, bus);
        mismatch(&w, a, b);
    }
}

static void check_int(where w, const char *field, long long got, const json_t *expected)
{
    long long e = json_is_null(expected) ? -1 : json_is_boolean(expected) ? json_is_true(expected)
                                                                            : json_integer_value(expected);
    if (got != e) {
        char a[32], b[32];
        w.field = field;
        snprintf(a, sizeof a, "%lld", got);
        snprintf(b, sizeof b, "%lld", e);
        mismatch(&w, a, b);
    }
}

static void check_sla(where w, const char *field, const cx_sla_outcome *got, const json_t *expected)
{
    static const char *const states[] = { "none", "achieved", "breached", "running" };
    w.field = field;
    const char *state = json_string_value(json_object_get(expected, "state"));
    if (strcmp(states[got->state], state) != 0)
        mismatch(&w, states[got->state], state);
    if (got->state == CX_SLA_NONE)
        return;
    char text[40];
    check_int(w, field, (long long)got->elapsed, json_object_get(expected, "elapsed"));
    if (got->state == CX_SLA_BREACHED) {
        cx_buffer b = CX_BUFFER_INIT;
        assert_ok(cx_instant_format(&b, got->breach_at, 0));
        snprintf(text, sizeof text, "%s", b.data);
        cx_buffer_dispose(&b);
        const char *at = json_string_value(json_object_get(expected, "breach_at"));
        if (strcmp(text, at) != 0)
            mismatch(&w, text, at);
    }
    if (got->state == CX_SLA_RUNNING)
        check_int(w, field, (long long)got->time_left, json_object_get(expected, "time_left"));
}

static void check_ticket(where w, const cx_ticket_metrics *m, const json_t *e)
{
    check_int(w, "resolved", m->resolved, json_object_get(e, "resolved"));
    check_int(w, "merged", m->merged, json_object_get(e, "merged"));
    check_time(w, "first_reply", m->first_reply, json_object_get(e, "first_reply"));
    check_time(w, "first_reply_last", m->first_reply_last, json_object_get(e, "first_reply_last"));
    check_int(w, "first_reply_count", m->first_reply_count, json_object_get(e, "first_reply_count"));
    check_int(w, "next_reply_count", m->next_reply_count, json_object_get(e, "next_reply_count"));
    check_time(w, "next_reply_total", m->next_reply_total, json_object_get(e, "next_reply_total"));
    check_time(w, "next_reply_max", m->next_reply_max, json_object_get(e, "next_reply_max"));
    check_time(w, "first_resolution", m->first_resolution, json_object_get(e, "first_resolution"));
    check_time(w, "full_resolution", m->full_resolution, json_object_get(e, "full_resolution"));
    check_time(w, "requester_wait", m->requester_wait, json_object_get(e, "requester_wait"));
    check_time(w, "agent_wait", m->agent_wait, json_object_get(e, "agent_wait"));
    check_time(w, "on_hold", m->on_hold, json_object_get(e, "on_hold"));
    check_int(w, "replies", m->replies, json_object_get(e, "replies"));
    check_int(w, "reopens", m->reopens, json_object_get(e, "reopens"));
    check_int(w, "assignments", m->assignments, json_object_get(e, "assignments"));
    check_int(w, "one_touch", m->one_touch, json_object_get(e, "one_touch"));
    check_int(w, "fcr_no_follow_up", m->fcr_no_follow_up, json_object_get(e, "fcr_no_follow_up"));
    check_int(w, "fcr_first_reply", m->fcr_first_reply, json_object_get(e, "fcr_first_reply"));
    check_sla(w, "sla_first_reply", &m->sla_first_reply, json_object_get(e, "sla_first_reply"));
    check_sla(w, "sla_next_reply", &m->sla_next_reply, json_object_get(e, "sla_next_reply"));
    check_sla(w, "sla_resolution", &m->sla_resolution, json_object_get(e, "sla_resolution"));
}

/* ---- the tests ------------------------------------------------------------------------------ */

static void test_service_vectors_tickets(void **state)
{
    fixture *f = *state;
    const char *name;
    json_t *text;
    int checked = 0;
    json_object_foreach(json_object_get(f->root, "definitions"), name, text) {
        cx_service *svc = service_for(f, json_string_value(text));
        size_t i;
        json_t *ticket;
        json_array_foreach(json_object_get(f->root, "tickets"), i, ticket) {
            cx_ticket_event ev[64];
            size_t n = events_of(ticket, ev);
            int prio = index_of(json_string_value(json_object_get(ticket, "priority")), priorities, 4) + 1;
            cx_ticket_metrics m;
            assert_ok(cx_ticket_metrics_init(&m, CX_TICKET_METRICS_VERSION));
            assert_ok(cx_service_measure(&m, svc, ev, n, (cx_ticket_priority)prio));
            const json_t *expected = json_object_get(json_object_get(ticket, "expected"), name);
            where w = { json_string_value(json_object_get(ticket, "id")), name, NULL };
            assert_int_equal(m.clock_start, instant(json_string_value(json_object_get(expected, "clock_start"))));
            check_ticket(w, &m, expected);
            checked++;
        }
        cx_service_free(svc);
    }
    assert_true(checked >= 40);
}

/* Adds every ticket in one batch and checks the calculators against the
 * reference's aggregates. */
static void test_service_vectors_aggregates(void **state)
{
    fixture *f = *state;
    const char *name;
    json_t *text;
    json_object_foreach(json_object_get(f->root, "definitions"), name, text) {
        cx_service *svc = service_for(f, json_string_value(text));
        const json_t *tickets = json_object_get(f->root, "tickets");
        size_t nt = json_array_size(tickets), offsets[32] = { 0 }, n = 0;
        cx_ticket_event ev[512];
        int32_t prio[32];
        const char *segments[32];
        for (size_t i = 0; i < nt; i++) {
            const json_t *t = json_array_get(tickets, i);
            n += events_of(t, ev + n);
            offsets[i + 1] = n;
            prio[i] = index_of(json_string_value(json_object_get(t, "priority")), priorities, 4) + 1;
            segments[i] = json_string_value(json_object_get(t, "segment"));
        }
        assert_ok(cx_service_add_tickets(svc, ev, offsets, nt, prio, segments));
        const json_t *agg = json_object_get(json_object_get(f->root, "aggregate"), name);
        const cx_metric *m = NULL;
        cx_metric_result r = CX_METRIC_RESULT_INIT;
        assert_ok(cx_service_get_metric(&m, svc, CX_SERVICE_FIRST_REPLY, CX_TIME_BUSINESS));
        assert_ok(cx_metric_get_result(m, &r));
        assert_close(r.value, json_number_value(json_object_get(agg, "first_reply_business_median")), 1e-9);
        assert_ok(cx_service_get_metric(&m, svc, CX_SERVICE_FULL_RESOLUTION, CX_TIME_CALENDAR));
        assert_ok(cx_metric_get_result(m, &r));
        assert_close(r.value, json_number_value(json_object_get(agg, "full_resolution_calendar_median")), 1e-9);
        static const struct {
            cx_service_metric metric;
            const char *key;
        } rates[] = { { CX_SERVICE_ONE_TOUCH, "one_touch" },
                      { CX_SERVICE_FCR_NO_FOLLOW_UP, "fcr_no_follow_up" },
                      { CX_SERVICE_FCR_FIRST_REPLY, "fcr_first_reply" } };
        for (int k = 0; k < 3; k++) {
            const json_t *e = json_object_get(agg, rates[k].key);
            assert_ok(cx_service_get_metric(&m, svc, rates[k].metric, CX_TIME_BUSINESS));
            assert_ok(cx_metric_get_result(m, &r));
            assert_close(r.value, json_number_value(json_object_get(e, "value")), 1e-9);
            assert_close(r.ci_low, json_number_value(json_object_get(e, "ci_low")), 1e-9);
            assert_close(r.ci_high, json_number_value(json_object_get(e, "ci_high")), 1e-9);
        }
        assert_ok(cx_service_get_metric(&m, svc, CX_SERVICE_REOPEN_RATE, CX_TIME_CALENDAR));
        assert_ok(cx_metric_get_result(m, &r));
        assert_close(r.value, json_number_value(json_object_get(agg, "reopen_rate")), 1e-9);

        static const char *const targets[] = { "sla_first_reply", "sla_next_reply", "sla_resolution" };
        for (int k = 0; k < 3; k++) {
            cx_group *g = NULL;
            assert_ok(cx_service_get_sla_group(&g, svc, (cx_sla_metric)(k + 1)));
            const char *segment;
            json_t *e;
            json_object_foreach(json_object_get(json_object_get(agg, "sla_breach_rate"), targets[k]), segment, e) {
                size_t index;
                assert_ok(cx_group_find(&index, g, segment, 0));
                assert_ok(cx_group_get_result(&r, g, index));
                assert_int_equal(r.count, json_integer_value(json_object_get(e, "count")));
                assert_close(r.value, json_number_value(json_object_get(e, "value")), 1e-9);
                assert_close(r.ci_low, json_number_value(json_object_get(e, "ci_low")), 1e-9);
                assert_close(r.ci_high, json_number_value(json_object_get(e, "ci_high")), 1e-9);
            }
        }
        cx_service_counts c = CX_SERVICE_COUNTS_INIT;
        assert_ok(cx_service_get_counts(&c, svc));
        assert_int_equal(c.tickets, nt);
        assert_int_equal(c.merged, 1);
        assert_int_equal(c.unresolved, 1);
        assert_int_equal(c.resolved, nt - 2);
        cx_service_free(svc);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_service_vectors_tickets),
        cmocka_unit_test(test_service_vectors_aggregates),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
