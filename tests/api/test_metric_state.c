/*
 * Calculators as state: merging shards, cloning, blobs (round trip,
 * truncation, corruption, future versions, fuzzing) and running out of
 * memory at every allocation.
 *
 * The reference for a merge is the same calculator fed everything; for a
 * blob, the calculator it was written from.
 */
#include "harness.h"

static uint32_t crc32_ieee(const unsigned char *p, size_t n)
{
    /* Independent bitwise CRC-32 (polynomial 0xEDB88320, as zlib). */
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int k = 0; k < 8; k++)
            crc = (crc & 1) ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
    }
    return ~crc;
}

static void fix_crc(unsigned char *blob, size_t len)
{
    uint32_t crc = crc32_ieee(blob, len - 4);
    for (int i = 0; i < 4; i++)
        blob[len - 4 + i] = (unsigned char)(crc >> (8 * i));
}

static uint64_t rng_state = 0x853c49e6748fea9bull;

static uint64_t next_u64(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static double uniform(void)
{
    return (double)(next_u64() >> 11) / 9007199254740992.0;
}

static unsigned char *blob_of(const cx_metric *m, size_t *len)
{
    assert_ok(cx_metric_serialize(m, NULL, 0, len));
    unsigned char *buf = malloc(*len);
    assert_non_null(buf);
    size_t written;
    assert_ok(cx_metric_serialize(m, buf, *len, &written));
    assert_int_equal(written, *len);
    return buf;
}

static bool same_blob(const cx_metric *a, const cx_metric *b)
{
    size_t la, lb;
    unsigned char *x = blob_of(a, &la), *y = blob_of(b, &lb);
    bool same = la == lb && memcmp(x, y, la) == 0;
    free(x);
    free(y);
    return same;
}

static void assert_same_result(const cx_metric *a, const cx_metric *b, double tol)
{
    cx_metric_result x = CX_METRIC_RESULT_INIT, y = CX_METRIC_RESULT_INIT;
    assert_ok(cx_metric_get_result(a, &x));
    assert_ok(cx_metric_get_result(b, &y));
    assert_int_equal(x.count, y.count);
    assert_close(x.value, y.value, tol);
    assert_close(x.std_error, y.std_error, tol);
    assert_close(x.ci_low, y.ci_low, tol);
    assert_close(x.ci_high, y.ci_high, tol);
    assert_close(x.weight, y.weight, tol);
    assert_close(x.mean, y.mean, tol);
}

/* One calculator of each kind, fed a few answers. */
static cx_metric *sample_metric(cx_metric_kind kind, int seed)
{
    cx_metric *m = NULL;
    cx_metric_options o = CX_METRIC_OPTIONS_INIT;
    if (kind == CX_METRIC_CES && seed % 2)
        o.variant = CX_CES_NET;
    assert_ok(cx_metric_new(&m, kind, &o));
    for (int i = 0; i < 40 + seed; i++) {
        double u = uniform();
        switch (kind) {
        case CX_METRIC_NPS: assert_ok(cx_metric_add_weighted(m, floor(u * 11), i % 3 ? 1.0 : 0.5 + u)); break;
        case CX_METRIC_CSAT: assert_ok(cx_metric_add(m, 1 + floor(u * 5))); break;
        case CX_METRIC_CES: assert_ok(cx_metric_add(m, 1 + floor(u * 7))); break;
        case CX_METRIC_FCR: assert_ok(cx_metric_add(m, u < 0.7)); break;
        case CX_METRIC_DURATION: assert_ok(cx_metric_add(m, floor(-600 * log(1 - u)))); break;
        case CX_METRIC_CXI:
            assert_ok(cx_metric_add_cxi(m, 1 + floor(u * 5), 1 + floor(uniform() * 5), 1 + floor(uniform() * 5), 1.0));
            break;
        }
    }
    return m;
}

/* ---- merging -------------------------------------------------------- */

static void test_metric_merge_shards_equals_one(void **state)
{
    (void)state;
    for (int kind = CX_METRIC_NPS; kind <= CX_METRIC_CES; kind++) {
        cx_metric *whole = NULL, *merged = NULL, *shard[5];
        assert_ok(cx_metric_new(&whole, (cx_metric_kind)kind, NULL));
        assert_ok(cx_metric_new(&merged, (cx_metric_kind)kind, NULL));
        for (int s = 0; s < 5; s++)
            assert_ok(cx_metric_new(&shard[s], (cx_metric_kind)kind, NULL));
        for (int i = 0; i < 5000; i++) {
            double v = kind == CX_METRIC_NPS ? i % 11 : kind == CX_METRIC_CSAT ? 1 + i % 5 : 1 + (i * 7) % 7;
            assert_ok(cx_metric_add(whole, v));
            assert_ok(cx_metric_add(shard[i % 5], v));
        }
        for (int s = 0; s < 5; s++) {
            assert_ok(cx_metric_merge(merged, shard[s]));
            cx_metric_free(shard[s]);
        }
        assert_same_result(whole, merged, 0);
        assert_true(same_blob(whole, merged)); /* integer counts: identical state */
        cx_metric_free(whole);
        cx_metric_free(merged);
    }
}

static void test_metric_merge_durations(void **state)
{
    (void)state;
    /* Within the exact range (<= 1024 values), merging is exact. */
    cx_metric *whole = NULL, *a = NULL, *b = NULL;
    assert_ok(cx_metric_new(&whole, CX_METRIC_DURATION, NULL));
    assert_ok(cx_metric_new(&a, CX_METRIC_DURATION, NULL));
    assert_ok(cx_metric_new(&b, CX_METRIC_DURATION, NULL));
    for (int i = 0; i < 1000; i++) {
        double v = floor(-300 * log(1 - uniform()));
        assert_ok(cx_metric_add(whole, v));
        assert_ok(cx_metric_add(i % 2 ? a : b, v));
    }
    assert_ok(cx_metric_merge(a, b));
    assert_same_result(whole, a, 0);
    for (double q = 0; q <= 1.0; q += 0.05) {
        double x, y;
        assert_ok(cx_metric_quantile(whole, q, &x));
        assert_ok(cx_metric_quantile(a, q, &y));
        assert_close(x, y, 0);
    }
    cx_metric_free(whole);
    cx_metric_free(a);
    cx_metric_free(b);
}

static void test_metric_merge_rejects_mismatch(void **state)
{
    (void)state;
    cx_metric *nps = sample_metric(CX_METRIC_NPS, 0), *csat = sample_metric(CX_METRIC_CSAT, 0);
    size_t before_len;
    unsigned char *before = blob_of(nps, &before_len);
    assert_status(cx_metric_merge(nps, csat), CX_ESTATE);
    assert_error_mentions("kinds differ");
    cx_metric_options o = CX_METRIC_OPTIONS_INIT;
    o.variant = CX_CSAT_MEAN;
    cx_metric *csat_mean = NULL;
    assert_ok(cx_metric_new(&csat_mean, CX_METRIC_CSAT, &o));
    assert_status(cx_metric_merge(csat, csat_mean), CX_ESTATE);
    assert_error_mentions("option variant");
    assert_status(cx_metric_merge(nps, nps), CX_EINVAL);
    assert_status(cx_metric_merge(NULL, nps), CX_EINVAL);
    assert_status(cx_metric_merge(nps, NULL), CX_EINVAL);
    size_t after_len;
    unsigned char *after = blob_of(nps, &after_len);
    assert_int_equal(before_len, after_len);
    assert_memory_equal(before, after, before_len);
    free(before);
    free(after);
    cx_metric_free(nps);
    cx_metric_free(csat);
    cx_metric_free(csat_mean);
}

static void test_metric_clone_is_independent(void **state)
{
    (void)state;
    for (int kind = CX_METRIC_NPS; kind <= CX_METRIC_CXI; kind++) {
        cx_metric *m = sample_metric((cx_metric_kind)kind, 3), *copy = NULL;
        assert_ok(cx_metric_clone(&copy, m));
        assert_true(same_blob(m, copy));
        if (kind == CX_METRIC_CXI)
            assert_ok(cx_metric_add_cxi(copy, 5, 5, 5, 1));
        else
            assert_ok(cx_metric_add(copy, 1));
        assert_false(same_blob(m, copy));
        cx_metric_free(copy);
        cx_metric_free(m);
    }
}

/* ---- blobs ---------------------------------------------------------- */

static void test_metric_blob_round_trip(void **state)
{
    (void)state;
    for (int kind = CX_METRIC_NPS; kind <= CX_METRIC_CXI; kind++) {
        for (int seed = 0; seed < 2; seed++) {
            cx_metric *m = sample_metric((cx_metric_kind)kind, seed), *back = NULL;
            size_t len;
            unsigned char *blob = blob_of(m, &len);
            assert_ok(cx_metric_deserialize(&back, blob, len));
            assert_same_result(m, back, 0);
            assert_true(same_blob(m, back));
            /* The blob carries the options. */
            cx_metric_options a = CX_METRIC_OPTIONS_INIT, b = CX_METRIC_OPTIONS_INIT;
            assert_ok(cx_metric_get_options(&a, m));
            assert_ok(cx_metric_get_options(&b, back));
            assert_int_equal(a.variant, b.variant);
            free(blob);
            cx_metric_free(back);
            cx_metric_free(m);
        }
    }
}

static void test_metric_blob_layout_is_little_endian(void **state)
{
    (void)state;
    cx_metric *m = NULL;
    assert_ok(cx_metric_new(&m, CX_METRIC_FCR, NULL));
    assert_ok(cx_metric_add(m, 1));
    size_t len;
    unsigned char *blob = blob_of(m, &len);
    /* Hand layout: magic, u16 format 1, u16 kind 4; options: 5 doubles, 2 u32, 3 doubles,
     * 1 u32 (76 bytes); u32 bins = 2 at offset 84; 2 bins x 32 bytes from 88; CRC:
     * 8 + 76 + 4 + 64 + 4 = 156 bytes. */
    assert_int_equal(len, 156);
    assert_memory_equal(blob, "CXMT\x01\x00\x04\x00", 8);
    assert_int_equal(blob[84], 2);       /* bins */
    assert_int_equal(blob[88 + 32], 1);  /* n1 of the bin for answer 1 */
    assert_int_equal(crc32_ieee(blob, len - 4),
                     (uint32_t)blob[len - 4] | (uint32_t)blob[len - 3] << 8 | (uint32_t)blob[len - 2] << 16
                         | (uint32_t)blob[len - 1] << 24);
    free(blob);
    cx_metric_free(m);
}

static void test_metric_blob_small_buffer(void **state)
{
    (void)state;
    cx_metric *m = sample_metric(CX_METRIC_NPS, 0);
    size_t need, len = 0;
    assert_ok(cx_metric_serialize(m, NULL, 0, &need));
    unsigned char small[16];
    assert_status(cx_metric_serialize(m, small, sizeof small, &len), CX_EINVAL);
    assert_int_equal(len, need);
    assert_error_mentions("too small");
    assert_status(cx_metric_serialize(m, small, sizeof small, NULL), CX_EINVAL);
    cx_metric_free(m);
}

static void test_metric_blob_truncated_and_corrupted(void **state)
{
    (void)state;
    for (int kind = CX_METRIC_NPS; kind <= CX_METRIC_CXI; kind++) {
        cx_metric *m = sample_metric((cx_metric_kind)kind, 1), *back = (cx_metric *)&back;
        size_t len;
        unsigned char *blob = blob_of(m, &len);
        for (size_t cut = 0; cut < len; cut++) {
            assert_status(cx_metric_deserialize(&back, blob, cut), CX_EFORMAT);
            assert_null(back);
        }
        for (size_t i = 0; i < len; i++) {
            blob[i] ^= 0x5A;
            assert_status(cx_metric_deserialize(&back, blob, len), CX_EFORMAT);
            blob[i] ^= 0x5A;
        }
        free(blob);
        cx_metric_free(m);
    }
    cx_metric *back = NULL;
    assert_status(cx_metric_deserialize(&back, NULL, 10), CX_EINVAL);
    assert_status(cx_metric_deserialize(NULL, "x", 1), CX_EINVAL);
}

static void test_metric_blob_future_version(void **state)
{
    (void)state;
    cx_metric *m = sample_metric(CX_METRIC_CSAT, 0), *back = NULL;
    size_t len;
    unsigned char *blob = blob_of(m, &len);
    blob[4] = 2; /* format 2 */
    fix_crc(blob, len);
    assert_status(cx_metric_deserialize(&back, blob, len), CX_EVERSION);
    assert_error_mentions("format 2 is not supported");
    blob[4] = 1;
    blob[6] = 77; /* unknown kind */
    fix_crc(blob, len);
    assert_status(cx_metric_deserialize(&back, blob, len), CX_EFORMAT);
    assert_error_mentions("unknown kind 77");
    assert_null(back);
    free(blob);
    cx_metric_free(m);
}

/* Mutations with the checksum repaired reach the content checks: any
 * outcome but a crash, a leak or an inconsistent calculator is a failure. */
static void test_metric_blob_fuzz(void **state)
{
    (void)state;
    for (int kind = CX_METRIC_NPS; kind <= CX_METRIC_CXI; kind++) {
        cx_metric *m = sample_metric((cx_metric_kind)kind, 2);
        size_t len;
        unsigned char *blob = blob_of(m, &len);
        unsigned char *work = malloc(len);
        for (int round = 0; round < 3000; round++) {
            memcpy(work, blob, len);
            int flips = 1 + (int)(next_u64() % 4);
            for (int f = 0; f < flips; f++) {
                size_t at = next_u64() % (len - 4);
                work[at] = round % 3 == 0 ? (unsigned char)next_u64() : work[at] ^ (unsigned char)(1u << (next_u64() % 8));
            }
            fix_crc(work, len);
            cx_metric *back = NULL;
            int rc = cx_metric_deserialize(&back, work, len);
            assert_true(rc == CX_OK || rc == CX_EFORMAT || rc == CX_EVERSION);
            if (rc == CX_OK) {
                cx_metric_result r = CX_METRIC_RESULT_INIT;
                rc = cx_metric_get_result(back, &r);
                assert_true(rc == CX_OK || rc == CX_EEMPTY);
                if (rc == CX_OK)
                    assert_false(isnan(r.value));
                cx_metric_free(back);
            } else {
                assert_null(back);
            }
        }
        free(work);
        free(blob);
        cx_metric_free(m);
    }
    /* Random bytes. */
    unsigned char noise[512];
    for (int round = 0; round < 2000; round++) {
        size_t len = next_u64() % sizeof noise;
        for (size_t i = 0; i < len; i++)
            noise[i] = (unsigned char)next_u64();
        if (round % 2 && len >= 12) {
            memcpy(noise, "CXMT\x01\x00", 6);
            fix_crc(noise, len);
        }
        cx_metric *back = NULL;
        int rc = cx_metric_deserialize(&back, noise, len);
        assert_true(rc == CX_EFORMAT || rc == CX_EVERSION);
    }
}

/* ---- out of memory -------------------------------------------------- */

typedef struct oom_case {
    cx_metric_kind kind;
    int step; /* which operation to exercise */
} oom_case;

static int oom_scenario(void *ctx)
{
    const oom_case *c = ctx;
    cx_metric *m = NULL, *other = NULL, *back = NULL;
    int rc = cx_metric_new(&m, c->kind, NULL);
    if (rc != CX_OK)
        return rc;
    double values[3000];
    for (int i = 0; i < 3000; i++)
        values[i] = c->kind == CX_METRIC_DURATION ? (i * 7919) % 5000 : c->kind == CX_METRIC_FCR ? i % 2 : i % 5 + 1;
    if (c->step == 0) {
        rc = cx_metric_add_many(m, values, 3000);
    } else if (c->step == 1) {
        rc = cx_metric_clone(&other, m);
        if (rc == CX_OK) rc = cx_metric_add_many(other, values, 3000);
        if (rc == CX_OK) rc = cx_metric_merge(m, other);
    } else {
        unsigned char blob[65536];
        size_t len;
        for (int i = 0; i < 3000 && rc == CX_OK; i++)
            rc = cx_metric_add(m, values[i]);
        if (rc == CX_OK) rc = cx_metric_serialize(m, blob, sizeof blob, &len);
        if (rc == CX_OK) rc = cx_metric_deserialize(&back, blob, len);
        if (rc == CX_OK) {
            cx_metric_result r = CX_METRIC_RESULT_INIT;
            double q;
            rc = cx_metric_get_result(back, &r);
            if (rc == CX_OK && c->kind == CX_METRIC_DURATION)
                rc = cx_metric_quantile(back, 0.9, &q);
        }
    }
    /* Whatever failed, the calculator must still be usable and consistent. */
    if (rc == CX_ENOMEM) {
        cx_metric_result r = CX_METRIC_RESULT_INIT;
        int check = cx_metric_get_result(m, &r);
        if (check == CX_OK && c->step == 0 && c->kind == CX_METRIC_DURATION && r.count != 0)
            rc = CX_ESTATE; /* a failed batch must add nothing */
    }
    cx_metric_free(back);
    cx_metric_free(other);
    cx_metric_free(m);
    return rc;
}

static void test_metric_out_of_memory(void **state)
{
    (void)state;
    long points = 0;
    for (int kind = CX_METRIC_NPS; kind <= CX_METRIC_DURATION; kind++)
        for (int step = 0; step < 3; step++) {
            oom_case c = { (cx_metric_kind)kind, step };
            points += cx_test_each_allocation_fails(oom_scenario, &c);
        }
    assert_true(points > 50); /* failure points were actually exercised */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_metric_merge_shards_equals_one),
        cmocka_unit_test(test_metric_merge_durations),
        cmocka_unit_test(test_metric_merge_rejects_mismatch),
        cmocka_unit_test(test_metric_clone_is_independent),
        cmocka_unit_test(test_metric_blob_round_trip),
        cmocka_unit_test(test_metric_blob_layout_is_little_endian),
        cmocka_unit_test(test_metric_blob_small_buffer),
        cmocka_unit_test(test_metric_blob_truncated_and_corrupted),
        cmocka_unit_test(test_metric_blob_future_version),
        cmocka_unit_test(test_metric_blob_fuzz),
        cmocka_unit_test(test_metric_out_of_memory),
    };
    return cmocka_run_group_tests_name("metric_state", tests, NULL, NULL);
}
