/*
 * Counting answers on an integer scale: the hot loop of cx_metric_add_many.
 *
 * Every value is checked (inside the scale, a whole number, not NaN) while
 * it is counted, so a batch is read once. Two kernels:
 *
 * - AVX2 (x86-64, chosen at run time), for scales of at most 16 points:
 *   each lane keeps packed 8-bit counters in two 64-bit words (points 0-7
 *   and 8-15) and adds 1 << (8 * point) with a variable shift; shifts of 64
 *   or more yield 0, so each point lands in exactly one word. The counters
 *   are spilled before they can overflow (127 iterations of 2 values per
 *   lane). Software prefetch keeps the stream ahead of the loads.
 * - Portable C for any scale: four interleaved histograms, so runs of equal
 *   scores do not serialise on one counter.
 */
#include <string.h>

#include "metric_internal.h"

#define PREFETCH_AHEAD 512 /* doubles: 4 KiB */

#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch((p), 0, 0)
#else
#define PREFETCH(p) ((void)0)
#endif

bool cx__count_scale_portable(const double *values, size_t n, double lo, int points, uint64_t *bins)
{
    uint64_t local[4][CX__MAX_SCALE_POINTS];
    memset(local, 0, sizeof local);
    const double span = points - 1;
    bool bad = false;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        PREFETCH(values + i + PREFETCH_AHEAD);
        for (int j = 0; j < 4; j++) {
            double t = values[i + j] - lo;
            bool in_range = t >= 0 && t <= span; /* false for NaN */
            int b = in_range ? (int)t : 0;
            bad |= !in_range | ((double)b != t);
            local[j][b]++;
        }
    }
    for (; i < n; i++) {
        double t = values[i] - lo;
        bool in_range = t >= 0 && t <= span;
        int b = in_range ? (int)t : 0;
        bad |= !in_range | ((double)b != t);
        local[0][b]++;
    }
    if (bad)
        return false;
    for (int b = 0; b < points; b++)
        bins[b] += local[0][b] + local[1][b] + local[2][b] + local[3][b];
    return true;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define CX__HAVE_AVX2_KERNEL 1

__attribute__((target("avx2"))) static inline __m256d avx2_valid(__m256d t, __m256d span)
{
    __m256d in_range = _mm256_and_pd(_mm256_cmp_pd(t, _mm256_setzero_pd(), _CMP_GE_OQ),
                                     _mm256_cmp_pd(t, span, _CMP_LE_OQ));
    __m256d whole = _mm256_cmp_pd(_mm256_round_pd(t, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC), t, _CMP_EQ_OQ);
    return _mm256_and_pd(in_range, whole);
}

/* Bit offsets 8 * point of four values, as 64-bit lanes. */
__attribute__((target("avx2"))) static inline __m256i avx2_offsets(__m256d t)
{
    return _mm256_slli_epi64(_mm256_cvtepi32_epi64(_mm256_cvttpd_epi32(t)), 3);
}

__attribute__((target("avx2"))) static void avx2_spill(__m256i low, __m256i high, uint64_t *bins)
{
    uint64_t a[4], b[4];
    _mm256_storeu_si256((__m256i *)(void *)a, low);
    _mm256_storeu_si256((__m256i *)(void *)b, high);
    for (int f = 0; f < 8; f++)
        for (int l = 0; l < 4; l++) {
            bins[f] += (a[l] >> (8 * f)) & 255u;
            bins[f + 8] += (b[l] >> (8 * f)) & 255u;
        }
}

/* Counts the first n - n % 8 values into 16 bins; returns false if any is bad. */
__attribute__((target("avx2"))) static bool count_avx2(const double *v, size_t n, double lo, int points,
                                                       uint64_t bins16[16])
{
    const __m256d vlo = _mm256_set1_pd(lo), span = _mm256_set1_pd(points - 1);
    const __m256i one = _mm256_set1_epi64x(1), sixty_four = _mm256_set1_epi64x(64);
    __m256d valid = _mm256_castsi256_pd(_mm256_set1_epi64x(-1));
    size_t i = 0;
    while (i + 8 <= n) {
        __m256i low = _mm256_setzero_si256(), high = _mm256_setzero_si256();
        size_t end = n - i > 8 * 127 ? i + 8 * 127 : n;
        for (; i + 8 <= end; i += 8) {
            _mm_prefetch((const char *)(v + i + PREFETCH_AHEAD), _MM_HINT_T0);
            __m256d t0 = _mm256_sub_pd(_mm256_loadu_pd(v + i), vlo);
            __m256d t1 = _mm256_sub_pd(_mm256_loadu_pd(v + i + 4), vlo);
            valid = _mm256_and_pd(valid, _mm256_and_pd(avx2_valid(t0, span), avx2_valid(t1, span)));
            __m256i o0 = avx2_offsets(t0), o1 = avx2_offsets(t1);
            low = _mm256_add_epi64(low, _mm256_add_epi64(_mm256_sllv_epi64(one, o0), _mm256_sllv_epi64(one, o1)));
            high = _mm256_add_epi64(high, _mm256_add_epi64(_mm256_sllv_epi64(one, _mm256_sub_epi64(o0, sixty_four)),
                                                           _mm256_sllv_epi64(one, _mm256_sub_epi64(o1, sixty_four))));
        }
        avx2_spill(low, high, bins16);
    }
    return _mm256_movemask_pd(valid) == 15;
}
#endif

bool cx__count_scale(const double *values, size_t n, double lo, int points, uint64_t *bins)
{
#ifdef CX__HAVE_AVX2_KERNEL
    if (points <= 16 && n >= 64 && __builtin_cpu_supports("avx2")) {
        uint64_t bins16[16] = { 0 };
        size_t bulk = n - n % 8;
        bool ok = count_avx2(values, bulk, lo, points, bins16);
        ok &= cx__count_scale_portable(values + bulk, n - bulk, lo, points, bins16);
        if (ok)
            for (int b = 0; b < points; b++)
                bins[b] += bins16[b];
        return ok;
    }
#endif
    return cx__count_scale_portable(values, n, lo, points, bins);
}
