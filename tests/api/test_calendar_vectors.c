/*
 * Runs the calendar test vectors of tests/data/service/calendars.json:
 * calendars in the calendar file format, spans with their business and
 * calendar seconds, additions of business seconds, and open/closed checks.
 * The expected values come from tests/reference/calendar_reference.py
 * (Python zoneinfo, two independent methods); hand calculations are in the
 * vectors' "note" fields. The same file serves the bindings' tests.
 */
#include <jansson.h>

#include "harness.h"

#ifndef CX_TEST_DATA_DIR
#error "CX_TEST_DATA_DIR must name tests/data"
#endif

typedef struct vectors {
    json_t *root;
    const char *names[32];
    cx_calendar *cals[32];
    size_t n;
} vectors;

static json_t *load_json(const char *file)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/service/%s", CX_TEST_DATA_DIR, file);
    json_error_t err;
    json_t *root = json_load_file(path, 0, &err);
    if (root == NULL) {
        print_error("%s:%d: %s\n", path, err.line, err.text);
        fail();
    }
    return root;
}

static int setup(void **state)
{
    vectors *v = calloc(1, sizeof *v);
    v->root = load_json("calendars.json");
    const char *name;
    json_t *spec;
    json_object_foreach(json_object_get(v->root, "calendars"), name, spec) {
        char *text = json_dumps(spec, 0);
        cx_calendar *cal = NULL;
        int rc = cx_calendar_from_json(&cal, text, strlen(text), NULL);
        free(text);
        if (rc != CX_OK) {
            print_error("calendar %s: %s\n", name, cx_last_error());
            return -1;
        }
        v->names[v->n] = name;
        v->cals[v->n++] = cal;
    }
    *state = v;
    return 0;
}

static int teardown(void **state)
{
    vectors *v = *state;
    for (size_t i = 0; i < v->n; i++)
        cx_calendar_free(v->cals[i]);
    json_decref(v->root);
    free(v);
    return 0;
}

static const cx_calendar *calendar_named(const vectors *v, const json_t *c)
{
    const char *name = json_string_value(json_object_get(c, "calendar"));
    for (size_t i = 0; i < v->n; i++)
        if (strcmp(v->names[i], name) == 0)
            return v->cals[i];
    print_error("no calendar %s\n", name);
    fail();
    return NULL;
}

static const char *text_of(const json_t *c, const char *key)
{
    const char *s = json_string_value(json_object_get(c, key));
    assert_non_null(s);
    return s;
}

static void test_calendar_vectors_spans(void **state)
{
    vectors *v = *state;
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(v->root, "spans"), i, c) {
        cx_calendar_span span = CX_CALENDAR_SPAN_INIT;
        assert_ok(cx_calendar_measure(&span, calendar_named(v, c), text_of(c, "from"), text_of(c, "to")));
        json_int_t business = json_integer_value(json_object_get(c, "business_seconds"));
        json_int_t calendar = json_integer_value(json_object_get(c, "calendar_seconds"));
        if (span.business_seconds != business || span.calendar_seconds != calendar) {
            print_error("spans[%zu] (%s): business %lld calendar %lld, expected %lld %lld\n", i,
                        text_of(c, "note"), (long long)span.business_seconds, (long long)span.calendar_seconds,
                        (long long)business, (long long)calendar);
            fail();
        }
    }
    assert_true(i >= 20);
}

static void test_calendar_vectors_additions(void **state)
{
    vectors *v = *state;
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(v->root, "additions"), i, c) {
        int64_t from = 0, t = 0;
        assert_ok(cx_instant_parse(&from, NULL, text_of(c, "from")));
        json_int_t seconds = json_integer_value(json_object_get(c, "seconds"));
        assert_ok(cx_calendar_add_business_seconds(&t, calendar_named(v, c), from, seconds));
        cx_buffer text = CX_BUFFER_INIT;
        assert_ok(cx_instant_format(&text, t, 0));
        if (strcmp(text.data, text_of(c, "expected")) != 0) {
            print_error("additions[%zu] (%s): %s, expected %s\n", i, text_of(c, "note"), text.data,
                        text_of(c, "expected"));
            fail();
        }
        cx_buffer_dispose(&text);
    }
    assert_true(i >= 10);
}

static void test_calendar_vectors_open_at(void **state)
{
    vectors *v = *state;
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(v->root, "open_at"), i, c) {
        int64_t t = 0;
        int open = -1;
        assert_ok(cx_instant_parse(&t, NULL, text_of(c, "at")));
        assert_ok(cx_calendar_is_open(&open, calendar_named(v, c), t));
        if (open != json_is_true(json_object_get(c, "open"))) {
            print_error("open_at[%zu] (%s): %d\n", i, text_of(c, "note"), open);
            fail();
        }
    }
    assert_true(i >= 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_calendar_vectors_spans),
        cmocka_unit_test(test_calendar_vectors_additions),
        cmocka_unit_test(test_calendar_vectors_open_at),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
