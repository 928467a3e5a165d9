/*
 * DURATION at scale: the sketch's rank error against an exact sort of 10
 * million values (1 million under sanitizers), for continuous, tied, sorted
 * and reversed inputs, fed in one batch, one by one, and merged from shards;
 * and its memory bound.
 *
 * Rank error of a returned value v for quantile q: the distance from q to
 * the interval [#{x < v} / n, #{x <= v} / n] of ranks v occupies in the
 * exactly sorted data (0 when q falls inside). The bound is 1 %.
 */
#include "harness.h"

static const double quantiles[] = { 0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999 };
#define NQ (sizeof quantiles / sizeof *quantiles)

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static double uniform(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return ((double)(rng >> 11) + 0.5) / 9007199254740992.0;
}

static size_t scale(void)
{
    return getenv("CX_TEST_SANITIZED") ? 1000000 : 10000000;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static size_t count_below(const double *sorted, size_t n, double v, bool inclusive)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sorted[mid] < v || (inclusive && sorted[mid] == v))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static double rank_error(const double *sorted, size_t n, double q, double v)
{
    double lo = (double)count_below(sorted, n, v, false) / (double)n;
    double hi = (double)count_below(sorted, n, v, true) / (double)n;
    return q < lo ? lo - q : q > hi ? q - hi : 0.0;
}

static double worst_rank_error(const cx_metric *m, const double *sorted, size_t n)
{
    double worst = 0;
    for (size_t i = 0; i < NQ; i++) {
        double v;
        assert_ok(cx_metric_quantile(m, quantiles[i], &v));
        double e = rank_error(sorted, n, quantiles[i], v);
        if (e > worst) worst = e;
    }
    return worst;
}

enum shape { LOGNORMAL, WHOLE_SECONDS, ASCENDING, DESCENDING };

static void fill(double *v, size_t n, enum shape shape)
{
    for (size_t i = 0; i < n; i++) {
        double u1 = uniform(), u2 = uniform();
        double normal = sqrt(-2 * log(u1)) * cos(6.283185307179586 * u2);
        switch (shape) {
        case LOGNORMAL: v[i] = exp(6 + 1.5 * normal); break;              /* reply times, heavy tail */
        case WHOLE_SECONDS: v[i] = floor(-900 * log(u1)); break;          /* many ties */
        case ASCENDING: v[i] = (double)i * 0.5; break;
        case DESCENDING: v[i] = (double)(n - i); break;
        }
    }
}

static void check_shape(enum shape shape, const char *name)
{
    size_t n = scale();
    double *values = malloc(n * sizeof *values), *sorted = malloc(n * sizeof *sorted);
    assert_non_null(values);
    assert_non_null(sorted);
    fill(values, n, shape);
    memcpy(sorted, values, n * sizeof *values);
    qsort(sorted, n, sizeof *sorted, compare_doubles);

    cx_metric *batch = NULL, *single = NULL, *merged = NULL;
    assert_ok(cx_metric_new(&batch, CX_METRIC_DURATION, NULL));
    assert_ok(cx_metric_new(&single, CX_METRIC_DURATION, NULL));
    assert_ok(cx_metric_new(&merged, CX_METRIC_DURATION, NULL));
    for (size_t at = 0; at < n; at += 1000000)
        assert_ok(cx_metric_add_many(batch, values + at, n - at < 1000000 ? n - at : 1000000));
    for (size_t i = 0; i < n; i++)
        assert_ok(cx_metric_add(single, values[i]));
    /* Eight shards of interleaved values, merged pairwise as a tree would. */
    cx_metric *shard[8];
    for (int s = 0; s < 8; s++)
        assert_ok(cx_metric_new(&shard[s], CX_METRIC_DURATION, NULL));
    for (size_t i = 0; i < n; i++)
        assert_ok(cx_metric_add(shard[i % 8], values[i]));
    for (int width = 1; width < 8; width *= 2)
        for (int s = 0; s + width < 8; s += 2 * width)
            assert_ok(cx_metric_merge(shard[s], shard[s + width]));
    assert_ok(cx_metric_merge(merged, shard[0]));
    for (int s = 0; s < 8; s++)
        cx_metric_free(shard[s]);

    double e_batch = worst_rank_error(batch, sorted, n);
    double e_single = worst_rank_error(single, sorted, n);
    double e_merged = worst_rank_error(merged, sorted, n);
    print_message("%-14s n=%zu worst rank error: batch %.4f%%, one by one %.4f%%, merged %.4f%%\n", name, n,
                  100 * e_batch, 100 * e_single, 100 * e_merged);
    assert_true(e_batch <= 0.01);
    assert_true(e_single <= 0.01);
    assert_true(e_merged <= 0.01);

    /* Exact figures survive the sketch: count, min, max, mean. */
    cx_metric_result r = CX_METRIC_RESULT_INIT;
    assert_ok(cx_metric_get_result(merged, &r));
    assert_int_equal(r.count, n);
    assert_close(r.min, sorted[0], 0);
    assert_close(r.max, sorted[n - 1], 0);
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += values[i];
    assert_close(r.mean, sum / (double)n, 1e-9 * fabs(sum / (double)n));
    /* The median's interval brackets it. */
    assert_true(r.ci_low <= r.value && r.value <= r.ci_high);

    /* Memory stays bounded: the blob holds at most a few thousand values. */
    size_t len;
    assert_ok(cx_metric_serialize(merged, NULL, 0, &len));
    assert_true(len < 64 * 1024);
    cx_metric_free(batch);
    cx_metric_free(single);
    cx_metric_free(merged);
    free(values);
    free(sorted);
}

static void test_duration_lognormal(void **state)
{
    (void)state;
    check_shape(LOGNORMAL, "lognormal");
}

static void test_duration_whole_seconds(void **state)
{
    (void)state;
    check_shape(WHOLE_SECONDS, "whole seconds");
}

static void test_duration_sorted_inputs(void **state)
{
    (void)state;
    check_shape(ASCENDING, "ascending");
    check_shape(DESCENDING, "descending");
}

/* Exact while at most k values were added: every quantile equals numpy's
 * default (linear interpolation), here checked against a direct sort. */
static void test_duration_exact_up_to_k(void **state)
{
    (void)state;
    cx_metric_options o = CX_METRIC_OPTIONS_INIT;
    o.sketch_k = 256;
    cx_metric *m = NULL;
    assert_ok(cx_metric_new(&m, CX_METRIC_DURATION, &o));
    double values[256], sorted[256];
    for (int i = 0; i < 256; i++)
        values[i] = sorted[i] = floor(uniform() * 1000);
    assert_ok(cx_metric_add_many(m, values, 256));
    qsort(sorted, 256, sizeof *sorted, compare_doubles);
    for (double q = 0; q <= 1; q += 0.01) {
        double h = 255 * q, v;
        size_t lo = (size_t)floor(h);
        double expect = sorted[lo] + (lo + 1 < 256 ? (h - (double)lo) * (sorted[lo + 1] - sorted[lo]) : 0);
        assert_ok(cx_metric_quantile(m, q, &v));
        assert_close(v, expect, 1e-9);
    }
    cx_metric_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_duration_exact_up_to_k),
        cmocka_unit_test(test_duration_lognormal),
        cmocka_unit_test(test_duration_whole_seconds),
        cmocka_unit_test(test_duration_sorted_inputs),
    };
    return cmocka_run_group_tests_name("duration", tests, NULL, NULL);
}
