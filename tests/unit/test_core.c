/*
 * White-box tests of the core helpers (linked against the internal static
 * library): distribution functions, sorting, civil dates, hashing, UTF-8
 * validation and the blob codec.
 *
 * Distribution references: tests/reference/metric_reference.py lines
 * "norm", "t", "tcdf", "ibeta" (scipy for the normal and the incomplete
 * beta, mpmath at 30 digits for t quantiles). Dates: Python's
 * datetime.date.toordinal() - date(1970, 1, 1).toordinal() and weekday().
 */
#include "harness.h"

#include "blob_internal.h"
#include "civil_internal.h"
#include "core_internal.h"
#include "hashmap_internal.h"
#include "sort_internal.h"
#include "stats_internal.h"

static void test_core_normal(void **state)
{
    (void)state;
    assert_close(cx__norm_quantile(0.975), 1.95996398454, 1e-11);
    assert_close(cx__norm_quantile(0.999999), 4.75342430882, 1e-10);
    assert_close(cx__norm_quantile(1e-12), -7.0344838253, 1e-10);
    assert_close(cx__norm_quantile(0.5), 0, 1e-15);
    assert_true(isinf(cx__norm_quantile(0)) && isinf(cx__norm_quantile(1)));
    assert_true(isnan(cx__norm_quantile(-0.1)) && isnan(cx__norm_quantile(NAN)));
    for (double p = 1e-6; p < 1; p += 0.0137)
        assert_close(cx__norm_cdf(cx__norm_quantile(p)), p, 1e-14);
    assert_close(cx__p_two_sided_normal(1.959963984540054), 0.05, 1e-15);
}

static void test_core_student_t(void **state)
{
    (void)state;
    assert_close(cx__t_quantile(0.975, 1), 12.7062047362, 1e-9);
    assert_close(cx__t_quantile(0.975, 5), 2.57058183564, 1e-10);
    assert_close(cx__t_quantile(0.975, 7), 2.36462425159, 1e-10);
    assert_close(cx__t_quantile(0.995, 3.5), 5.08570222309, 1e-10);
    assert_close(cx__t_quantile(0.975, 1000), 1.96233908083, 1e-10);
    assert_close(cx__t_quantile(1e-9, 12), -15.8948133623, 1e-8);
    assert_close(cx__t_quantile(0.5, 4), 0, 0);
    assert_close(cx__t_cdf(2.0, 5), 0.949030260585, 1e-12);
    assert_close(cx__t_cdf(-3.0, 2.5), 0.0362880477745, 1e-12);
    assert_close(cx__t_cdf(0.7, 30), 0.75533977825, 1e-11);
    assert_close(cx__t_quantile(0.975, INFINITY), 1.95996398454, 1e-11);
    assert_true(isnan(cx__t_quantile(0.5, 0)) && isnan(cx__t_cdf(1, -1)));
    /* Quantile and CDF invert each other over a grid. */
    const double dfs[] = { 0.7, 1, 2.5, 9, 40, 300 };
    for (size_t i = 0; i < sizeof dfs / sizeof *dfs; i++)
        for (double p = 0.001; p < 1; p += 0.0491)
            assert_close(cx__t_cdf(cx__t_quantile(p, dfs[i]), dfs[i]), p, 1e-12);
}

static void test_core_incomplete_beta(void **state)
{
    (void)state;
    assert_close(cx__incomplete_beta(2, 3, 0.4), 0.5248, 1e-14); /* also by hand: 1 - (0.6^4 + 4 * 0.4 * 0.6^3) */
    assert_close(cx__incomplete_beta(0.5, 0.5, 0.1), 0.204832764699, 1e-12);
    assert_close(cx__incomplete_beta(50, 20, 0.7), 0.382509248381, 1e-12);
    assert_close(cx__incomplete_beta(3, 4, 0), 0, 0);
    assert_close(cx__incomplete_beta(3, 4, 1), 1, 0);
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void test_core_sort(void **state)
{
    (void)state;
    uint64_t s = 42;
    enum { N = 5000 };
    static double a[N], b[N];
    for (int pattern = 0; pattern < 6; pattern++) {
        for (int n = 0; n <= N; n = n < 40 ? n + 1 : n * 3) {
            for (int i = 0; i < n; i++) {
                s = s * 6364136223846793005ull + 1442695040888963407ull;
                double r = (double)(s >> 11);
                /* random, sorted, reversed, few distinct, all equal, organ pipe */
                double v = pattern == 0 ? r : pattern == 1 ? i : pattern == 2 ? n - i : pattern == 3 ? (double)(s % 3)
                         : pattern == 4 ? 7.0 : (double)(i < n / 2 ? i : n - i);
                a[i] = b[i] = v;
            }
            cx__sort_doubles(a, (size_t)n);
            qsort(b, (size_t)n, sizeof *b, compare_doubles);
            assert_memory_equal(a, b, (size_t)n * sizeof *a);
        }
    }
}

static void test_core_civil_dates(void **state)
{
    (void)state;
    const struct { int y, m, d; long long days; unsigned weekday; } ref[] = {
        { 2000, 3, 1, 11017, 2 }, { 1969, 12, 31, -1, 2 }, { 1, 1, 1, -719162, 0 }, { 9999, 12, 31, 2932896, 4 },
        { 2024, 2, 29, 19782, 3 }, { 1900, 3, 1, -25508, 3 }, { 2026, 11, 23, 20780, 0 },
    };
    for (size_t i = 0; i < sizeof ref / sizeof *ref; i++) {
        assert_int_equal(cx__days_from_civil(ref[i].y, (unsigned)ref[i].m, (unsigned)ref[i].d), ref[i].days);
        assert_int_equal(cx__weekday_from_days(ref[i].days), ref[i].weekday);
    }
    /* Round trip and continuity over +/- 2,000 years around the epoch. */
    int64_t y0;
    unsigned m0, d0;
    cx__civil_from_days(-800001, &y0, &m0, &d0);
    for (int64_t z = -800000; z <= 800000; z++) {
        int64_t y;
        unsigned m, d;
        cx__civil_from_days(z, &y, &m, &d);
        assert_int_equal(cx__days_from_civil(y, m, d), z);
        bool next_day = (y == y0 && m == m0 && d == d0 + 1) || (y == y0 && m == m0 + 1 && d == 1)
                        || (y == y0 + 1 && m == 1 && d == 1 && m0 == 12);
        assert_true(next_day);
        y0 = y; m0 = m; d0 = d;
    }
    assert_int_equal(cx__floor_div(-1, 86400000), -1);
    assert_int_equal(cx__floor_div(86400000, 86400000), 1);
}

static void test_core_hashmap(void **state)
{
    (void)state;
    cx__hashmap map;
    cx__hashmap_init(&map);
    char key[32];
    for (uint32_t i = 0; i < 20000; i++) {
        snprintf(key, sizeof key, "customer-%u", i);
        uint32_t index;
        bool inserted;
        assert_ok(cx__hashmap_intern(&map, key, strlen(key), &index, &inserted));
        assert_true(inserted);
        assert_int_equal(index, i);
    }
    for (uint32_t i = 0; i < 20000; i += 7) {
        snprintf(key, sizeof key, "customer-%u", i);
        assert_int_equal(cx__hashmap_find(&map, key, strlen(key)), i);
        size_t len;
        assert_string_equal(cx__hashmap_key(&map, i, &len), key);
    }
    assert_int_equal(cx__hashmap_find(&map, "nobody", 6), -1);
    /* Popping the newest keys keeps every older one findable. */
    cx__hashmap copy;
    assert_ok(cx__hashmap_copy(&copy, &map));
    for (int i = 0; i < 5000; i++)
        cx__hashmap_pop(&map);
    assert_int_equal(map.count, 15000);
    for (uint32_t i = 0; i < 20000; i++) {
        snprintf(key, sizeof key, "customer-%u", i);
        assert_int_equal(cx__hashmap_find(&map, key, strlen(key)), i < 15000 ? (int64_t)i : -1);
        assert_int_equal(cx__hashmap_find(&copy, key, strlen(key)), i);
    }
    /* Keys around the 8 bytes an entry keeps inline: same prefixes, other lengths. */
    cx__hashmap short_keys;
    cx__hashmap_init(&short_keys);
    const char *ab = "abcdefghijkl";
    for (size_t len = 0; len <= 12; len++) {
        uint32_t at;
        assert_ok(cx__hashmap_intern(&short_keys, ab, len, &at, NULL));
        assert_int_equal(at, len);
    }
    for (size_t len = 0; len <= 12; len++)
        assert_int_equal(cx__hashmap_find(&short_keys, ab, len), (int64_t)len);
    assert_int_equal(cx__hashmap_find(&short_keys, "abcdefghijkX", 12), -1); /* differs after the prefix */
    assert_int_equal(cx__hashmap_find(&short_keys, "abcdefgX", 8), -1);      /* differs inside it */
    cx__hashmap_destroy(&short_keys);
    /* Keys may hold NUL bytes and be empty. */
    uint32_t index;
    assert_ok(cx__hashmap_intern(&map, "a\0b", 3, &index, NULL));
    assert_int_equal(cx__hashmap_find(&map, "a\0b", 3), index);
    assert_int_equal(cx__hashmap_find(&map, "a", 1), -1);
    assert_ok(cx__hashmap_intern(&map, "", 0, &index, NULL));
    assert_int_equal(cx__hashmap_find(&map, "", 0), index);
    cx__hashmap_destroy(&map);
    cx__hashmap_destroy(&copy);
}

static void test_core_utf8(void **state)
{
    (void)state;
    size_t bad;
    assert_true(cx__utf8_valid("plain ascii", 11, &bad));
    assert_true(cx__utf8_valid("\xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14, &bad)); /* été € 😀 */
    assert_true(cx__utf8_valid("Vi\xe1\xbb\x87t", 6, &bad)); /* Việt */
    const struct { const char *s; size_t n, at; } invalid[] = {
        { "ab\x80", 3, 2 },             /* lone continuation */
        { "\xc0\xaf", 2, 0 },           /* overlong '/' */
        { "x\xe0\x80\xaf", 4, 1 },      /* overlong 3-byte */
        { "\xed\xa0\x80", 3, 0 },       /* surrogate U+D800 */
        { "\xf4\x90\x80\x80", 4, 0 },   /* above U+10FFFF */
        { "\xe2\x82", 2, 0 },           /* truncated */
        { "ok\xff", 3, 2 },
    };
    for (size_t i = 0; i < sizeof invalid / sizeof *invalid; i++) {
        assert_false(cx__utf8_valid(invalid[i].s, invalid[i].n, &bad));
        assert_int_equal(bad, invalid[i].at);
    }
}

static void test_core_blob_codec(void **state)
{
    (void)state;
    unsigned char buf[64];
    cx__writer w = { buf, sizeof buf, 0 };
    cx__put_u16(&w, 0x1234);
    cx__put_u32(&w, 0xA1B2C3D4u);
    cx__put_i64(&w, -2);
    cx__put_f64(&w, 1.5);
    cx__put_crc(&w);
    assert_true(cx__writer_fits(&w));
    assert_int_equal(w.len, 2 + 4 + 8 + 8 + 4);
    assert_memory_equal(buf, "\x34\x12\xd4\xc3\xb2\xa1\xfe\xff\xff\xff\xff\xff\xff\xff", 14);
    assert_memory_equal(buf + 14, "\x00\x00\x00\x00\x00\x00\xf8\x3f", 8); /* 1.5 little-endian */
    /* CRC-32 check value of "123456789" is 0xCBF43926 (the standard check). */
    assert_int_equal(cx__crc32("123456789", 9), 0xCBF43926u);
    cx__reader r;
    assert_ok(cx__reader_open(&r, buf, w.len, "test"));
    assert_int_equal(cx__get_u16(&r), 0x1234);
    assert_int_equal(cx__get_u32(&r), 0xA1B2C3D4u);
    assert_int_equal(cx__get_i64(&r), -2);
    assert_close(cx__get_f64(&r), 1.5, 0);
    assert_int_equal(cx__reader_left(&r), 0);
    cx__get_u8(&r);
    assert_true(r.bad);
    buf[3] ^= 1;
    assert_status(cx__reader_open(&r, buf, w.len, "test"), CX_EFORMAT);
    assert_status(cx__reader_open(&r, buf, 3, "test"), CX_EFORMAT);
    /* A writer without a buffer only counts. */
    cx__writer sizer = { NULL, 0, 0 };
    cx__put_u64(&sizer, 1);
    assert_int_equal(sizer.len, 8);
    assert_false(cx__writer_fits(&sizer));
}

static void test_core_errors_and_buffers(void **state)
{
    (void)state;
    assert_status(cx__error(CX_ERANGE, "value %d too big", 7), CX_ERANGE);
    assert_string_equal(cx_last_error(), "value 7 too big");
    /* Long messages are cut, not overflowed. */
    char longtext[2000];
    memset(longtext, 'x', sizeof longtext - 1);
    longtext[sizeof longtext - 1] = '\0';
    cx__error(CX_EINVAL, "%s", longtext);
    assert_true(strlen(cx_last_error()) < 1000);
    /* A message may wrap the current one (overlapping source and target). */
    cx__error(CX_ERANGE, "score 11 is outside the NPS scale 0..10");
    cx__error(CX_EFORMAT, "item 3: %s", cx_last_error());
    assert_string_equal(cx_last_error(), "item 3: score 11 is outside the NPS scale 0..10");
    assert_int_equal(cx_last_error_code(), CX_EFORMAT);
    cx_buffer b = CX_BUFFER_INIT;
    for (int i = 0; i < 1000; i++)
        assert_ok(cx__buffer_printf(&b, "%d,", i));
    assert_int_equal(strncmp(b.data, "0,1,2,", 6), 0);
    assert_int_equal(b.data[b.size], '\0');
    char big[600];
    memset(big, 'y', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_ok(cx__buffer_printf(&b, "%s", big));
    assert_int_equal(b.data[b.size - 1], 'y');
    cx_buffer_dispose(&b);
    cx_buffer_dispose(&b);
    assert_null(b.data);
    cx_buffer_dispose(NULL);
    assert_status(cx__check_version(0, 1, "x"), CX_EINVAL);
    assert_status(cx__check_version(2, 1, "x"), CX_EVERSION);
    assert_ok(cx__check_version(1, 1, "x"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_core_normal),
        cmocka_unit_test(test_core_student_t),
        cmocka_unit_test(test_core_incomplete_beta),
        cmocka_unit_test(test_core_sort),
        cmocka_unit_test(test_core_civil_dates),
        cmocka_unit_test(test_core_hashmap),
        cmocka_unit_test(test_core_utf8),
        cmocka_unit_test(test_core_blob_codec),
        cmocka_unit_test(test_core_errors_and_buffers),
    };
    return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
