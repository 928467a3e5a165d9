/*
 * Status codes, per-thread error messages, versions and allocator hooks.
 * Expected values are the fixed contract of DESIGN.md (status values) and
 * meson's project version.
 */
#include <pthread.h>

#include "harness.h"

static void test_common_status_values_are_fixed(void **state)
{
    (void)state;
    assert_int_equal(CX_OK, 0);
    assert_int_equal(CX_EINVAL, -1);
    assert_int_equal(CX_ENOMEM, -2);
    assert_int_equal(CX_ERANGE, -3);
    assert_int_equal(CX_ENOTFOUND, -4);
    assert_int_equal(CX_EEXISTS, -5);
    assert_int_equal(CX_EIO, -6);
    assert_int_equal(CX_EFORMAT, -7);
    assert_int_equal(CX_EVERSION, -8);
    assert_int_equal(CX_EEMPTY, -9);
    assert_int_equal(CX_ESTATE, -10);
    assert_int_equal(CX_EPLUGIN, -11);
    const char *names[] = { "CX_OK", "CX_EINVAL", "CX_ENOMEM", "CX_ERANGE", "CX_ENOTFOUND", "CX_EEXISTS",
                            "CX_EIO", "CX_EFORMAT", "CX_EVERSION", "CX_EEMPTY", "CX_ESTATE", "CX_EPLUGIN" };
    for (int code = 0; code >= -11; code--)
        assert_int_equal(strncmp(cx_strerror(code), names[-code], strlen(names[-code])), 0);
    assert_string_equal(cx_strerror(-99), "unknown libcx status");
    assert_string_equal(cx_strerror(5), "unknown libcx status");
}

static void *fail_in_thread(void *arg)
{
    cx_metric *m = NULL;
    cx_metric_new(&m, CX_METRIC_CSAT, NULL);
    cx_metric_add(m, 9);
    cx_metric_free(m);
    /* Copy the message out before the thread ends. */
    snprintf(arg, 128, "%s", cx_last_error());
    return NULL;
}

static void test_common_errors_are_per_thread(void **state)
{
    (void)state;
    cx_metric *m = NULL;
    assert_ok(cx_metric_new(&m, CX_METRIC_NPS, NULL));
    assert_status(cx_metric_add(m, 11), CX_ERANGE);
    char other[128] = "";
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, fail_in_thread, other), 0);
    assert_int_equal(pthread_join(t, NULL), 0);
    assert_string_equal(other, "score 9 is outside the CSAT scale 1..5");
    /* This thread still sees its own message. */
    assert_string_equal(cx_last_error(), "score 11 is outside the NPS scale 0..10");
    assert_int_equal(cx_last_error_code(), CX_ERANGE);
    cx_metric_free(m);
}

static void *fresh_thread(void *arg)
{
    *(int *)arg = cx_last_error()[0] == '\0' && cx_last_error_code() == CX_OK;
    return NULL;
}

static void test_common_new_thread_has_no_error(void **state)
{
    (void)state;
    int clean = 0;
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, fresh_thread, &clean), 0);
    assert_int_equal(pthread_join(t, NULL), 0);
    assert_true(clean);
}

static void test_common_versions(void **state)
{
    (void)state;
    assert_int_equal(cx_version(), CX_VERSION_NUMBER);
    assert_int_equal(CX_VERSION_NUMBER, CX_VERSION_MAJOR * 10000 + CX_VERSION_MINOR * 100 + CX_VERSION_PATCH);
    assert_string_equal(cx_version_string(), CX_VERSION_STRING);
    char expect[32];
    snprintf(expect, sizeof expect, "%d.%d.%d", CX_VERSION_MAJOR, CX_VERSION_MINOR, CX_VERSION_PATCH);
    assert_string_equal(cx_version_string(), expect);
    assert_true(CX_VERSION_AT_LEAST(0, 1, 0));
    assert_false(CX_VERSION_AT_LEAST(99, 0, 0));
}

static void test_common_allocator_hooks(void **state)
{
    (void)state;
    cx_allocator a;
    assert_ok(cx_allocator_init(&a, CX_ALLOCATOR_VERSION));
    assert_null(a.malloc_fn);
    assert_status(cx_allocator_init(&a, 2), CX_EVERSION);
    assert_status(cx_allocator_init(NULL, 1), CX_EINVAL);
    assert_status(cx_set_allocator(&a), CX_EINVAL); /* hooks missing */
    assert_error_mentions("must all be set");
    a.version = 0;
    assert_status(cx_set_allocator(&a), CX_EINVAL);

    /* Every allocation goes through the hooks, and all are released. */
    cx_test_use_counting_allocator();
    cx_metric *m = NULL;
    assert_ok(cx_metric_new(&m, CX_METRIC_DURATION, NULL));
    for (int i = 0; i < 10000; i++)
        assert_ok(cx_metric_add(m, i));
    cx_group *g = NULL;
    assert_ok(cx_group_new(&g, CX_METRIC_NPS, NULL, NULL));
    assert_ok(cx_group_add(g, "x", 0, 5));
    assert_true(cx_test_alloc.live > 2);
    cx_metric_free(m);
    cx_group_free(g);
    assert_int_equal(cx_test_alloc.live, 0);
    assert_ok(cx_set_allocator(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_common_status_values_are_fixed),
        cmocka_unit_test(test_common_errors_are_per_thread),
        cmocka_unit_test(test_common_new_thread_has_no_error),
        cmocka_unit_test(test_common_versions),
        cmocka_unit_test(test_common_allocator_hooks),
    };
    return cmocka_run_group_tests_name("common", tests, NULL, NULL);
}
