/*
 * Shared fixtures for the cmocka suites: tolerant comparisons and a
 * counting allocator that can fail the n-th allocation, to prove that every
 * failure path reports CX_ENOMEM, leaks nothing and changes nothing.
 */
#ifndef CX_TEST_HARNESS_H
#define CX_TEST_HARNESS_H

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cx/cx.h"

/* |actual - expected| <= tol, with both values printed on failure. */
#define assert_close(actual, expected, tol) \
    cx_test_assert_close((double)(actual), (double)(expected), (double)(tol), #actual, __FILE__, __LINE__)

static inline void cx_test_assert_close(double actual, double expected, double tol, const char *expr,
                                        const char *file, int line)
{
    if (isnan(expected) && isnan(actual))
        return;
    if (!(fabs(actual - expected) <= tol)) {
        print_error("%s = %.15g, expected %.15g (tolerance %g)\n", expr, actual, expected, tol);
        _fail(file, line);
    }
}

/* Asserts a status and prints cx_last_error() when it differs. */
#define assert_status(call, expected) \
    do { \
        int cx_test_rc_ = (call); \
        if (cx_test_rc_ != (expected)) { \
            print_error("%s returned %d (%s), expected %d; last error: %s\n", #call, cx_test_rc_, \
                        cx_strerror(cx_test_rc_), (int)(expected), cx_last_error()); \
            _fail(__FILE__, __LINE__); \
        } \
    } while (0)

#define assert_ok(call) assert_status((call), CX_OK)

/* Asserts that the last error message contains a fragment. */
#define assert_error_mentions(fragment) \
    do { \
        if (strstr(cx_last_error(), (fragment)) == NULL) { \
            print_error("last error \"%s\" does not mention \"%s\"\n", cx_last_error(), (fragment)); \
            _fail(__FILE__, __LINE__); \
        } \
    } while (0)

/* ---- failing allocator ---------------------------------------------- */

typedef struct cx_test_alloc_state {
    long calls;        /* allocations attempted */
    long fail_at;      /* 1-based call to fail; 0 = never */
    long live;         /* blocks currently allocated */
} cx_test_alloc_state;

static cx_test_alloc_state cx_test_alloc;

static inline void *cx_test_malloc(size_t size, void *payload)
{
    (void)payload;
    if (cx_test_alloc.fail_at && ++cx_test_alloc.calls == cx_test_alloc.fail_at)
        return NULL;
    void *p = malloc(size);
    if (p) cx_test_alloc.live++;
    return p;
}

static inline void *cx_test_realloc(void *ptr, size_t size, void *payload)
{
    (void)payload;
    if (cx_test_alloc.fail_at && ++cx_test_alloc.calls == cx_test_alloc.fail_at)
        return NULL;
    void *p = realloc(ptr, size);
    if (p && ptr == NULL) cx_test_alloc.live++;
    return p;
}

static inline void cx_test_free(void *ptr, void *payload)
{
    (void)payload;
    if (ptr) cx_test_alloc.live--;
    free(ptr);
}

static inline void cx_test_use_counting_allocator(void)
{
    cx_allocator a = CX_ALLOCATOR_INIT;
    a.malloc_fn = cx_test_malloc;
    a.realloc_fn = cx_test_realloc;
    a.free_fn = cx_test_free;
    memset(&cx_test_alloc, 0, sizeof cx_test_alloc);
    cx_set_allocator(&a);
}

/*
 * Runs `scenario` with the 1st, 2nd, ... allocation failing until it runs
 * without a failure. The scenario returns CX_OK or the status of the call
 * under test and must release everything it made; after each run no block
 * may remain allocated. Returns the number of failure points exercised.
 */
static inline long cx_test_each_allocation_fails(int (*scenario)(void *), void *ctx)
{
    cx_test_use_counting_allocator();
    long fail_at = 1;
    for (;; fail_at++) {
        cx_test_alloc.calls = 0;
        cx_test_alloc.fail_at = fail_at;
        cx_test_alloc.live = 0;
        int rc = scenario(ctx);
        if (cx_test_alloc.live != 0) {
            print_error("allocation %ld failing leaked %ld blocks\n", fail_at, cx_test_alloc.live);
            _fail(__FILE__, __LINE__);
        }
        if (rc != CX_OK && rc != CX_ENOMEM) {
            print_error("allocation %ld failing gave status %d (%s): %s\n", fail_at, rc, cx_strerror(rc),
                        cx_last_error());
            _fail(__FILE__, __LINE__);
        }
        if (cx_test_alloc.calls < fail_at) /* nothing failed: done */
            break;
    }
    cx_set_allocator(NULL);
    return fail_at - 1;
}

#endif /* CX_TEST_HARNESS_H */
