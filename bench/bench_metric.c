/*
 * Metric calculators.
 *
 * 1. cx_metric_add_many on an NPS calculator over 100 million scores,
 *    against a plain read of the same array (the memory-bound limit) and
 *    against numpy computing the same NPS (bench/peer_metric.py) in the same
 *    run. Targets: at least half the plain read's speed; faster than numpy.
 * 2. DURATION: values per second into the sketch, batch and one by one.
 *    Target: >= 20 million values/s.
 *
 * Figures are medians of repeated runs. CX_BENCH_QUICK=1 shrinks sizes.
 */
#include <math.h>
#include <stdint.h>

#include <cx/cx.h>

#include "bench_util.h"

#define REPEATS 5

static uint64_t rng = 0x2545F4914F6CDD1Dull;

static uint64_t next_u64(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Same distribution as the numpy peer: probabilities per score 0..10. */
static void fill_scores(double *v, size_t n)
{
    static const int weights[11] = { 3, 1, 1, 2, 2, 4, 6, 10, 18, 22, 31 };
    int table[100], k = 0;
    for (int s = 0; s < 11; s++)
        for (int w = 0; w < weights[s]; w++)
            table[k++] = s;
    for (size_t i = 0; i < n; i++)
        v[i] = table[next_u64() % 100];
}

/* Reads every byte of the array as integers; the compiler vectorises it. */
static uint64_t plain_read(const double *v, size_t n)
{
    const uint64_t *u = (const uint64_t *)(const void *)v;
    uint64_t a = 0, b = 0, c = 0, d = 0;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        a += u[i];
        b += u[i + 1];
        c += u[i + 2];
        d += u[i + 3];
    }
    for (; i < n; i++)
        a += u[i];
    return a ^ b ^ c ^ d;
}

static volatile uint64_t sink;

static double time_plain_read(const double *v, size_t n)
{
    double t[REPEATS];
    for (int r = 0; r < REPEATS; r++) {
        double t0 = bench_now();
        sink = plain_read(v, n);
        t[r] = bench_now() - t0;
    }
    return bench_median(t, REPEATS);
}

static double time_nps(const double *v, size_t n, double *nps)
{
    double t[REPEATS];
    for (int r = 0; r < REPEATS; r++) {
        cx_metric *m = NULL;
        cx_metric_new(&m, CX_METRIC_NPS, NULL);
        double t0 = bench_now();
        if (cx_metric_add_many(m, v, n) != CX_OK) {
            fprintf(stderr, "add_many failed: %s\n", cx_last_error());
            exit(1);
        }
        cx_metric_result res = CX_METRIC_RESULT_INIT;
        cx_metric_get_result(m, &res);
        t[r] = bench_now() - t0;
        *nps = res.value;
        cx_metric_free(m);
    }
    return bench_median(t, REPEATS);
}

static double time_durations(const double *v, size_t n, int batch, double *median)
{
    double t[REPEATS];
    for (int r = 0; r < REPEATS; r++) {
        cx_metric *m = NULL;
        cx_metric_new(&m, CX_METRIC_DURATION, NULL);
        double t0 = bench_now();
        if (batch) {
            for (size_t at = 0; at < n; at += 1u << 20)
                cx_metric_add_many(m, v + at, n - at < (1u << 20) ? n - at : (1u << 20));
        } else {
            for (size_t i = 0; i < n; i++)
                cx_metric_add(m, v[i]);
        }
        t[r] = bench_now() - t0;
        cx_metric_quantile(m, 0.5, median);
        cx_metric_free(m);
    }
    return bench_median(t, REPEATS);
}

int main(int argc, char **argv)
{
    const char *peer = argc > 1 ? argv[1] : "bench/peer_metric.py";
    size_t n = bench_quick() ? 1000000 : 100000000;
    double *scores = malloc(n * sizeof *scores);
    if (scores == NULL)
        return 1;
    fill_scores(scores, n);

    double nps = 0;
    double t_read = time_plain_read(scores, n);
    double t_nps = time_nps(scores, n, &nps);
    char args[64];
    snprintf(args, sizeof args, "%zu %d", n, REPEATS);
    double t_numpy = bench_python_peer(peer, args, "nps_seconds");
    double t_numpy_full = bench_python_peer(peer, args, "nps_checked_seconds");

    printf("NPS over %zu scores (medians of %d runs)\n", n, REPEATS);
    printf("  plain read of the array : %8.3f s  %7.0f M values/s  %6.2f GB/s\n", t_read, n / t_read / 1e6,
           n * 8.0 / t_read / 1e9);
    printf("  cx_metric_add_many      : %8.3f s  %7.0f M values/s  NPS %.2f\n", t_nps, n / t_nps / 1e6, nps);
    printf("  ratio to plain read     : %8.2f  (target >= 0.50)\n", t_read / t_nps);
    if (t_numpy > 0) {
        printf("  numpy, counts only      : %8.3f s  (count_nonzero >= 9 and <= 6)\n", t_numpy);
        printf("  numpy, checked          : %8.3f s  (range and integer check + bincount, as libcx)\n", t_numpy_full);
        printf("  speed-up over numpy     : %8.2fx counts only, %.2fx checked (target > 1)\n", t_numpy / t_nps,
               t_numpy_full / t_nps);
    } else {
        printf("  numpy peer unavailable (python3-numpy missing)\n");
    }

    size_t nd = bench_quick() ? 1000000 : 20000000;
    double *secs = malloc(nd * sizeof *secs);
    for (size_t i = 0; i < nd; i++) {
        double u = ((double)(next_u64() >> 11) + 0.5) / 9007199254740992.0;
        secs[i] = floor(-600.0 * log(u));
    }
    double med_batch, med_single;
    double t_batch = time_durations(secs, nd, 1, &med_batch);
    double t_single = time_durations(secs, nd, 0, &med_single);
    printf("DURATION over %zu values (medians of %d runs)\n", nd, REPEATS);
    printf("  cx_metric_add_many      : %8.3f s  %7.1f M values/s (target >= 20)\n", t_batch, nd / t_batch / 1e6);
    printf("  cx_metric_add           : %8.3f s  %7.1f M values/s\n", t_single, nd / t_single / 1e6);
    printf("  median %.0f s (exponential, mean 600 s: expected 600 ln 2 = 416)\n", med_batch);
    free(secs);
    free(scores);
    return 0;
}
