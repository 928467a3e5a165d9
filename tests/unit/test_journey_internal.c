/*
 * White-box tests of the journey module's internal helpers (linked
 * against the internal static library): the dense LU solver, the index
 * sort, Wilson intervals and the text escaping used by the exports.
 * Expected values are worked out by hand in the comments.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core_internal.h"
#include "journey_internal.h"

static void solve(double *a, size_t n, const double *b, double *x)
{
    size_t perm[16];
    assert_int_equal(cx__lu_factor(a, n, perm), CX_OK);
    cx__lu_solve(a, n, perm, b, x);
}

static void test_lu_small_system(void **state)
{
    (void)state;
    /* 2x + y - z = 8, -3x - y + 2z = -11, -2x + y + 2z = -3 has the
     * solution x = 2, y = 3, z = -1 (the classic Gaussian elimination
     * example; check: 4 + 3 + 1 = 8, -6 - 3 - 2 = -11, -4 + 3 - 2 = -3). */
    double a[9] = { 2, 1, -1, -3, -1, 2, -2, 1, 2 };
    double b[3] = { 8, -11, -3 }, x[3];
    solve(a, 3, b, x);
    assert_true(fabs(x[0] - 2) < 1e-14);
    assert_true(fabs(x[1] - 3) < 1e-14);
    assert_true(fabs(x[2] + 1) < 1e-14);
}

static void test_lu_needs_pivoting(void **state)
{
    (void)state;
    /* A zero on the diagonal: [[0, 1], [1, 0]] x = [5, 7] -> x = [7, 5]. */
    double a[4] = { 0, 1, 1, 0 };
    double b[2] = { 5, 7 }, x[2];
    solve(a, 2, b, x);
    assert_true(x[0] == 7 && x[1] == 5);
    /* A tiny pivot that elimination without pivoting would amplify:
     * [[1e-20, 1], [1, 1]] x = [1, 2] -> x ~ [1, 1]. */
    double c[4] = { 1e-20, 1, 1, 1 };
    double d[2] = { 1, 2 }, y[2];
    solve(c, 2, d, y);
    assert_true(fabs(y[0] - 1) < 1e-15 && fabs(y[1] - 1) < 1e-15);
}

static void test_lu_larger_system(void **state)
{
    (void)state;
    /* A diagonally dominant 12 x 12 matrix and a chosen solution
     * x_i = i - 5: b = A x, then solving must give x back. */
    enum { N = 12 };
    double a[N * N], copy[N * N], x[N], b[N], got[N];
    for (size_t i = 0; i < N; i++) {
        x[i] = (double)i - 5;
        for (size_t j = 0; j < N; j++)
            a[i * N + j] = i == j ? 20.0 + (double)i : 1.0 / (1.0 + (double)((i * 7 + j * 3) % 11));
    }
    for (size_t i = 0; i < N; i++) {
        b[i] = 0;
        for (size_t j = 0; j < N; j++)
            b[i] += a[i * N + j] * x[j];
    }
    memcpy(copy, a, sizeof a);
    solve(copy, N, b, got);
    for (size_t i = 0; i < N; i++)
        assert_true(fabs(got[i] - x[i]) < 1e-12);
}

static void test_lu_singular(void **state)
{
    (void)state;
    /* Rows 1 and 2 equal: singular. */
    double a[9] = { 1, 2, 3, 1, 2, 3, 0, 1, 1 };
    size_t perm[3];
    assert_int_equal(cx__lu_factor(a, 3, perm), CX_ERANGE);
    assert_non_null(strstr(cx_last_error(), "singular"));
    double zero[1] = { 0 };
    assert_int_equal(cx__lu_factor(zero, 1, perm), CX_ERANGE);
}

static int by_value(uint32_t a, uint32_t b, const void *ctx)
{
    const int *v = ctx;
    return (v[a] > v[b]) - (v[a] < v[b]);
}

static void test_sort_indices_is_stable(void **state)
{
    (void)state;
    /* Values 3 1 3 0 1 3: ascending and stable -> 3(0) 1(1) 4(1) 0(3) 2(3) 5(3). */
    const int values[] = { 3, 1, 3, 0, 1, 3 };
    uint32_t idx[6] = { 0, 1, 2, 3, 4, 5 };
    assert_int_equal(cx__sort_indices(idx, 6, by_value, values), CX_OK);
    const uint32_t expected[] = { 3, 1, 4, 0, 2, 5 };
    assert_memory_equal(idx, expected, sizeof idx);
    assert_int_equal(cx__sort_indices(idx, 1, by_value, values), CX_OK);
    assert_int_equal(cx__sort_indices(idx, 0, by_value, values), CX_OK);
}

static void test_wilson_edges(void **state)
{
    (void)state;
    double rate, lo, hi;
    cx__wilson(0, 0, 1.96, &rate, &lo, &hi);
    assert_true(isnan(rate) && isnan(lo) && isnan(hi));
    /* 0 of 10 at z = 2: centre (0 + 4/20)/(1 + 4/10) = 1/7, half-width
     * 2 sqrt(4/400)/1.4 = 1/7 -> [0, 2/7]. */
    cx__wilson(0, 10, 2.0, &rate, &lo, &hi);
    assert_true(rate == 0 && lo == 0);
    assert_true(fabs(hi - 2.0 / 7) < 1e-15);
    /* 10 of 10: the mirror image, [5/7, 1]. */
    cx__wilson(10, 10, 2.0, &rate, &lo, &hi);
    assert_true(fabs(lo - 5.0 / 7) < 1e-15 && hi == 1);
}

static void test_text_escaping(void **state)
{
    (void)state;
    cx_buffer b = CX_BUFFER_INIT;
    assert_int_equal(cx__buffer_json_string(&b, "a\"b\\c\n\x01\xC3\xA9"), CX_OK);
    assert_string_equal(b.data, "\"a\\\"b\\\\c\\n\\u0001\xC3\xA9\"");
    cx_buffer_dispose(&b);
    assert_int_equal(cx__dot_string(&b, "say \"hi\"\nnow"), CX_OK);
    assert_string_equal(b.data, "\"say \\\"hi\\\"\\nnow\"");
    cx_buffer_dispose(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lu_small_system),
        cmocka_unit_test(test_lu_needs_pivoting),
        cmocka_unit_test(test_lu_larger_system),
        cmocka_unit_test(test_lu_singular),
        cmocka_unit_test(test_sort_indices_is_stable),
        cmocka_unit_test(test_wilson_edges),
        cmocka_unit_test(test_text_escaping),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
