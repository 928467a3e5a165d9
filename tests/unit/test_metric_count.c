/*
 * The counting kernels behind cx_metric_add_many: the dispatched kernel
 * (AVX2 where the CPU has it) must agree with the portable one, and with a
 * plain per-value count, for every batch length, scale and position of a
 * bad value (inside the SIMD bulk or in the scalar tail).
 */
#include "harness.h"

#include "metric_internal.h"

static uint64_t rng = 12345;

static uint64_t next_u64(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void reference_count(const double *v, size_t n, int lo, uint64_t *bins)
{
    for (size_t i = 0; i < n; i++)
        bins[(int)v[i] - lo]++;
}

static void test_metric_count_kernels_agree(void **state)
{
    (void)state;
    static double v[3000];
    const int scales[][2] = { { 0, 10 }, { 1, 5 }, { 1, 7 }, { 0, 1 }, { -3, 3 }, { 1, 16 }, { 0, 16 }, { 0, 100 } };
    for (size_t s = 0; s < sizeof scales / sizeof *scales; s++) {
        int lo = scales[s][0], points = scales[s][1] - lo + 1;
        for (size_t n = 0; n < 3000; n = n < 70 ? n + 1 : n * 2 + 13) {
            for (size_t i = 0; i < n; i++)
                v[i] = lo + (double)(next_u64() % (uint64_t)points);
            uint64_t want[CX__MAX_SCALE_POINTS] = { 0 }, fast[CX__MAX_SCALE_POINTS] = { 0 },
                     slow[CX__MAX_SCALE_POINTS] = { 0 };
            reference_count(v, n, lo, want);
            assert_true(cx__count_scale(v, n, lo, points, fast));
            assert_true(cx__count_scale_portable(v, n, lo, points, slow));
            assert_memory_equal(want, fast, sizeof want);
            assert_memory_equal(want, slow, sizeof want);
        }
    }
}

static void test_metric_count_rejects_every_bad_position(void **state)
{
    (void)state;
    static double v[2051];
    const double bad[] = { 11, -1, 3.5, NAN, INFINITY, -INFINITY, 1e300, -0.5, 10.000001 };
    for (size_t n = 1; n <= 2051; n = n < 40 ? n + 1 : n + 201) {
        for (size_t i = 0; i < n; i++)
            v[i] = (double)(next_u64() % 11);
        for (size_t at = 0; at < n; at += n > 50 ? 17 : 1) {
            double keep = v[at];
            v[at] = bad[(at + n) % (sizeof bad / sizeof *bad)];
            uint64_t bins[CX__MAX_SCALE_POINTS] = { 0 };
            assert_false(cx__count_scale(v, n, 0, 11, bins));
            assert_false(cx__count_scale_portable(v, n, 0, 11, bins));
            for (int b = 0; b < 11; b++)
                assert_int_equal(bins[b], 0); /* unchanged on failure */
            v[at] = keep;
        }
    }
}

/* Counters are 8 bits per lane inside the SIMD kernel: long runs of one
 * score must spill before they overflow. */
static void test_metric_count_long_runs(void **state)
{
    (void)state;
    size_t n = 1000003;
    double *v = malloc(n * sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = i < 600000 ? 9 : 0;
    uint64_t bins[CX__MAX_SCALE_POINTS] = { 0 };
    assert_true(cx__count_scale(v, n, 0, 11, bins));
    assert_int_equal(bins[9], 600000);
    assert_int_equal(bins[0], n - 600000);
    free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_metric_count_kernels_agree),
        cmocka_unit_test(test_metric_count_rejects_every_bad_position),
        cmocka_unit_test(test_metric_count_long_runs),
    };
    return cmocka_run_group_tests_name("metric_count", tests, NULL, NULL);
}
