/*
 * White-box test of cx__hashmap_find_strings (the batched lookup used to
 * record events by id): it must agree with cx__hashmap_find key by key, for
 * present and absent keys, across table sizes and batch lengths that are
 * not multiples of its internal group size.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core_internal.h"
#include "hashmap_internal.h"

static void test_hashmap_batch_agrees_with_find(void **state)
{
    (void)state;
    enum { KEYS = 5000, QUERIES = 7777 };
    static char text[KEYS + QUERIES][16];
    static const char *queries[QUERIES];
    static int64_t found[QUERIES];
    cx__hashmap m;
    cx__hashmap_init(&m);
    int64_t none[3] = { 7, 7, 7 };
    const char *empty_queries[3] = { "a", "b", "c" };
    cx__hashmap_find_strings(&m, empty_queries, 3, none); /* an empty table finds nothing */
    for (int i = 0; i < 3; i++)
        assert_int_equal(none[i], -1);
    for (int i = 0; i < KEYS; i++) {
        snprintf(text[i], sizeof text[i], "id-%d", i * 3);
        uint32_t index;
        assert_int_equal(cx__hashmap_intern(&m, text[i], strlen(text[i]), &index, NULL), CX_OK);
    }
    /* Every third query is absent ("id-1", "id-4", ...); some keys repeat. */
    for (int q = 0; q < QUERIES; q++) {
        snprintf(text[KEYS + q], sizeof text[0], "id-%d", (q * 7) % (3 * KEYS + 10));
        queries[q] = text[KEYS + q];
    }
    for (size_t n = 0; n <= 70; n += 7) { /* short batches and the remainders of groups */
        cx__hashmap_find_strings(&m, queries, n, found);
        for (size_t q = 0; q < n; q++)
            assert_int_equal(found[q], cx__hashmap_find(&m, queries[q], strlen(queries[q])));
    }
    cx__hashmap_find_strings(&m, queries, QUERIES, found);
    long present = 0;
    for (int q = 0; q < QUERIES; q++) {
        int64_t expected = cx__hashmap_find(&m, queries[q], strlen(queries[q]));
        assert_int_equal(found[q], expected);
        present += expected >= 0;
    }
    assert_true(present > QUERIES / 4 && present < QUERIES);
    cx__hashmap_destroy(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hashmap_batch_agrees_with_find),
    };
    return cmocka_run_group_tests_name("hashmap_batch", tests, NULL, NULL);
}
