/*
 * Grouped calculators. Reference for every group's figures: a plain
 * cx_metric fed the same answers (its formulas are checked in
 * test_metric.c); period starts and labels: Python's datetime
 * (date.isocalendar(), date.toordinal()), quoted where used.
 */
#include "harness.h"

#define DAY_MS 86400000LL
/* 2026-11-23 00:00 UTC, a Monday: (date(2026,11,23) - date(1970,1,1)).days = 20780 */
#define MON_2026_11_23 (20780LL * DAY_MS)

static cx_group *new_group(cx_metric_kind kind, cx_period period, uint64_t min_count)
{
    cx_group_options go = CX_GROUP_OPTIONS_INIT;
    go.period = period;
    go.min_count = min_count;
    cx_group *g = NULL;
    assert_ok(cx_group_new(&g, kind, NULL, &go));
    return g;
}

static cx_group_entry entry_at(cx_group *g, size_t i)
{
    cx_group_entry e = CX_GROUP_ENTRY_INIT;
    assert_ok(cx_group_get(&e, g, i));
    return e;
}

static void test_group_weekly_trend_per_segment(void **state)
{
    (void)state;
    cx_group *g = new_group(CX_METRIC_NPS, CX_PERIOD_ISO_WEEK, 0);
    cx_metric *ref[2][3] = { { NULL } };
    const char *segments[2] = { "smb", "enterprise" };
    for (int s = 0; s < 2; s++)
        for (int w = 0; w < 3; w++)
            assert_ok(cx_metric_new(&ref[s][w], CX_METRIC_NPS, NULL));
    for (int i = 0; i < 3000; i++) {
        int s = i % 2, w = (i / 7) % 3;
        /* Spread over each week (Monday 00:00 .. Sunday 23:59:59). */
        int64_t ts = MON_2026_11_23 + w * 7 * DAY_MS + (i * 7919LL) % (7 * DAY_MS);
        double score = (i * 31 + s * 5 + w) % 11;
        assert_ok(cx_group_add(g, segments[s], ts, score));
        assert_ok(cx_metric_add(ref[s][w], score));
    }
    size_t n;
    assert_ok(cx_group_count(&n, g));
    assert_int_equal(n, 6);
    /* Key order: segment bytewise ("enterprise" < "smb"), then week. */
    const char *labels[3] = { "2026-W48", "2026-W49", "2026-W50" }; /* date(2026,11,23).isocalendar() week 48 */
    for (size_t i = 0; i < n; i++) {
        cx_group_entry e = entry_at(g, i);
        int s = i < 3 ? 1 : 0, w = (int)(i % 3);
        assert_string_equal(e.segment, segments[s]);
        assert_string_equal(e.period_label, labels[w]);
        assert_int_equal(e.period_start_ms, MON_2026_11_23 + w * 7 * DAY_MS);
        assert_false(e.suppressed);
        assert_non_null(e.metric);
        cx_metric_result got = CX_METRIC_RESULT_INIT, want = CX_METRIC_RESULT_INIT;
        assert_ok(cx_group_get_result(&got, g, i));
        assert_ok(cx_metric_get_result(ref[s][w], &want));
        assert_int_equal(got.count, want.count);
        assert_close(got.value, want.value, 0);
        assert_close(got.ci_low, want.ci_low, 0);
        assert_int_equal(e.count, want.count);
    }
    /* The total holds everything. */
    cx_metric *total = NULL;
    assert_ok(cx_group_total(&total, g));
    cx_metric_result r = CX_METRIC_RESULT_INIT;
    assert_ok(cx_metric_get_result(total, &r));
    assert_int_equal(r.count, 3000);
    cx_metric_free(total);
    size_t at;
    assert_ok(cx_group_find(&at, g, "smb", MON_2026_11_23 + 8 * DAY_MS));
    assert_int_equal(at, 4);
    assert_status(cx_group_find(&at, g, "smb", MON_2026_11_23 + 30 * DAY_MS), CX_ENOTFOUND);
    assert_error_mentions("\"smb\"");
    for (int s = 0; s < 2; s++)
        for (int w = 0; w < 3; w++)
            cx_metric_free(ref[s][w]);
    cx_group_free(g);
}

static void test_group_period_boundaries(void **state)
{
    (void)state;
    int64_t start;
    /* ISO weeks across the year end (Python: date(2026,12,31).isocalendar() = (2026, 53, 4);
     * date(2027,1,1) = (2026, 53, 5); date(2024,12,30) = (2025, 1, 1); date(2021,1,3) = (2020, 53, 7)). */
    const struct { long long days; const char *label; } weeks[] = {
        { 20818, "2026-W53" }, /* 2026-12-31 */
        { 20819, "2026-W53" }, /* 2027-01-01 */
        { 20087, "2025-W01" }, /* 2024-12-30 */
        { 18630, "2020-W53" }, /* 2021-01-03 */
    };
    cx_group *g = new_group(CX_METRIC_FCR, CX_PERIOD_ISO_WEEK, 0);
    for (size_t i = 0; i < 4; i++) {
        assert_ok(cx_group_add(g, NULL, weeks[i].days * DAY_MS + 3600000, 1));
        size_t at;
        assert_ok(cx_group_find(&at, g, "", weeks[i].days * DAY_MS));
        assert_string_equal(entry_at(g, at).period_label, weeks[i].label);
    }
    cx_group_free(g);
    /* Months and days, with and without a local offset. */
    assert_ok(cx_period_start(&start, CX_PERIOD_MONTH, 0, MON_2026_11_23 + 5 * 3600000));
    assert_int_equal(start, 20758LL * DAY_MS); /* 2026-11-01 */
    assert_ok(cx_period_start(&start, CX_PERIOD_DAY, 0, -1));
    assert_int_equal(start, -DAY_MS); /* 1969-12-31 */
    /* 2026-11-23 23:30 UTC is 2026-11-24 00:30 at UTC+01:00: that local day starts at 23:00 UTC. */
    assert_ok(cx_period_start(&start, CX_PERIOD_DAY, 60, MON_2026_11_23 + 23 * 3600000LL + 1800000));
    assert_int_equal(start, MON_2026_11_23 + 23 * 3600000LL);
    assert_ok(cx_period_start(&start, CX_PERIOD_NONE, 0, 123));
    assert_int_equal(start, 0);
    assert_status(cx_period_start(&start, (cx_period)9, 0, 0), CX_EINVAL);
    assert_status(cx_period_start(&start, CX_PERIOD_DAY, 1440, 0), CX_EINVAL);
    assert_status(cx_period_start(&start, CX_PERIOD_DAY, 0, INT64_MAX), CX_ERANGE);
    assert_error_mentions("beyond year");

    /* Month labels with a local offset. */
    cx_group_options go = CX_GROUP_OPTIONS_INIT;
    go.period = CX_PERIOD_MONTH;
    go.utc_offset_minutes = -300; /* UTC-05:00: 2026-12-01 03:00 UTC is still November */
    cx_group *m = NULL;
    assert_ok(cx_group_new(&m, CX_METRIC_CSAT, NULL, &go));
    assert_ok(cx_group_add(m, "x", 20788LL * DAY_MS + 3 * 3600000, 5));
    assert_string_equal(entry_at(m, 0).period_label, "2026-11");
    cx_group_free(m);
}

static void test_group_suppression(void **state)
{
    (void)state;
    cx_group *g = new_group(CX_METRIC_CSAT, CX_PERIOD_NONE, 5);
    for (int i = 0; i < 3; i++)
        assert_ok(cx_group_add(g, "small", 0, 5));
    for (int i = 0; i < 5; i++)
        assert_ok(cx_group_add(g, "large", 0, 4));
    size_t n;
    assert_ok(cx_group_count(&n, g));
    assert_int_equal(n, 2); /* suppressed groups stay listed */
    cx_group_entry large = entry_at(g, 0), small = entry_at(g, 1);
    assert_string_equal(large.segment, "large");
    assert_false(large.suppressed);
    assert_string_equal(small.segment, "small");
    assert_true(small.suppressed);
    assert_null(small.metric);
    assert_int_equal(small.count, 3);
    cx_metric_result r = CX_METRIC_RESULT_INIT;
    assert_status(cx_group_get_result(&r, g, 1), CX_EEMPTY);
    assert_error_mentions("suppressed: 3 answers, below min_count 5");
    assert_ok(cx_group_get_result(&r, g, 0));
    assert_close(r.value, 100, 0);
    assert_status(cx_group_get_result(&r, g, 2), CX_ENOTFOUND);
    cx_group_free(g);
}

static size_t group_blob(const cx_group *g, unsigned char **out)
{
    size_t len;
    assert_ok(cx_group_serialize(g, NULL, 0, &len));
    *out = malloc(len);
    assert_ok(cx_group_serialize(g, *out, len, &len));
    return len;
}

static void assert_groups_equal(const cx_group *a, const cx_group *b)
{
    unsigned char *x, *y;
    size_t lx = group_blob(a, &x), ly = group_blob(b, &y);
    assert_int_equal(lx, ly);
    assert_memory_equal(x, y, lx);
    free(x);
    free(y);
}

static void test_group_add_many_all_or_nothing(void **state)
{
    (void)state;
    cx_group *g = new_group(CX_METRIC_NPS, CX_PERIOD_DAY, 0);
    assert_ok(cx_group_add(g, "a", 0, 9));
    cx_group *before = new_group(CX_METRIC_NPS, CX_PERIOD_DAY, 0);
    assert_ok(cx_group_add(before, "a", 0, 9));
    const char *segs[6] = { "a", "b", "c", "a", "d", "e" };
    int64_t ts[6] = { 0, DAY_MS, 2 * DAY_MS, 3 * DAY_MS, 0, 0 };
    double v[6] = { 10, 9, 8, 7, 6, 5 };
    v[4] = 11;
    assert_status(cx_group_add_many(g, segs, ts, v, 6), CX_ERANGE);
    assert_error_mentions("values[4]: score 11");
    assert_groups_equal(g, before);
    v[4] = 6;
    segs[5] = "bad\xff";
    assert_status(cx_group_add_many(g, segs, ts, v, 6), CX_EINVAL);
    assert_error_mentions("item 5: segment is not valid UTF-8");
    assert_groups_equal(g, before);
    segs[5] = "e";
    ts[2] = INT64_MIN;
    assert_status(cx_group_add_many(g, segs, ts, v, 6), CX_ERANGE);
    assert_error_mentions("item 2");
    assert_groups_equal(g, before);
    assert_status(cx_group_add_many(g, segs, NULL, v, 6), CX_EINVAL);
    char longseg[CX_GROUP_SEGMENT_MAX + 2];
    memset(longseg, 's', sizeof longseg - 1);
    longseg[sizeof longseg - 1] = '\0';
    assert_status(cx_group_add(g, longseg, 0, 5), CX_EINVAL);
    assert_error_mentions("longer than 1024 bytes");
    assert_status(cx_group_add(g, "a", 0, NAN), CX_ERANGE);
    assert_status(cx_group_add_weighted(g, "z", 0, 5, -1), CX_ERANGE);
    assert_groups_equal(g, before);
    ts[2] = 2 * DAY_MS;
    assert_ok(cx_group_add_many(g, segs, ts, v, 6));
    size_t n;
    assert_ok(cx_group_count(&n, g));
    assert_int_equal(n, 6); /* a@0, a@3d, b, c, d, e */
    cx_group_free(before);
    cx_group_free(g);
}

static void test_group_cx_index_and_durations(void **state)
{
    (void)state;
    cx_group *g = new_group(CX_METRIC_CXI, CX_PERIOD_NONE, 0);
    assert_ok(cx_group_add_cxi(g, "web", 0, 5, 5, 4, 1));
    assert_ok(cx_group_add_cxi(g, "web", 0, 1, 2, 3, 1));
    assert_status(cx_group_add(g, "web", 0, 5), CX_EINVAL);
    double v = 5;
    assert_status(cx_group_add_many(g, NULL, NULL, &v, 1), CX_EINVAL);
    assert_status(cx_group_add_cxi(g, "web", 0, 5, 9, 4, 1), CX_ERANGE);
    cx_metric_result r = CX_METRIC_RESULT_INIT;
    assert_ok(cx_group_get_result(&r, g, 0));
    /* Respondents: (100 + 100 + 100) / 3 = 100 and (-100 - 100 + 0) / 3 = -66.67 -> mean 16.67 */
    assert_close(r.value, 100.0 / 6.0, 1e-12);
    cx_group_free(g);

    cx_group *nps = new_group(CX_METRIC_NPS, CX_PERIOD_NONE, 0);
    assert_status(cx_group_add_cxi(nps, "x", 0, 5, 5, 5, 1), CX_EINVAL);
    cx_group_free(nps);

    cx_group *d = new_group(CX_METRIC_DURATION, CX_PERIOD_NONE, 0);
    double secs[5000];
    const char *segs[5000];
    for (int i = 0; i < 5000; i++) {
        secs[i] = (i * 37) % 1000;
        segs[i] = i % 2 ? "chat" : "phone";
    }
    assert_ok(cx_group_add_many(d, segs, NULL, secs, 5000));
    assert_ok(cx_group_get_result(&r, d, 0)); /* chat: odd i */
    assert_int_equal(r.count, 2500);
    cx_group_free(d);
}

static void test_group_merge_and_blob(void **state)
{
    (void)state;
    cx_group *whole = new_group(CX_METRIC_CSAT, CX_PERIOD_MONTH, 2);
    cx_group *parts[3] = { new_group(CX_METRIC_CSAT, CX_PERIOD_MONTH, 2), new_group(CX_METRIC_CSAT, CX_PERIOD_MONTH, 2),
                           new_group(CX_METRIC_CSAT, CX_PERIOD_MONTH, 2) };
    const char *segs[4] = { "north", "south", "east", "west" };
    for (int i = 0; i < 1200; i++) {
        int64_t ts = MON_2026_11_23 + (i % 90) * DAY_MS;
        double v = 1 + (i * 13) % 5;
        assert_ok(cx_group_add(whole, segs[i % 4], ts, v));
        assert_ok(cx_group_add(parts[i % 3], segs[i % 4], ts, v));
    }
    cx_group *merged = new_group(CX_METRIC_CSAT, CX_PERIOD_MONTH, 2);
    for (int p = 0; p < 3; p++)
        assert_ok(cx_group_merge(merged, parts[p]));
    size_t nw, nm;
    assert_ok(cx_group_count(&nw, whole));
    assert_ok(cx_group_count(&nm, merged));
    assert_int_equal(nw, nm);
    for (size_t i = 0; i < nw; i++) {
        cx_metric_result a = CX_METRIC_RESULT_INIT, b = CX_METRIC_RESULT_INIT;
        assert_ok(cx_group_get_result(&a, whole, i));
        assert_ok(cx_group_get_result(&b, merged, i));
        assert_int_equal(a.count, b.count);
        assert_close(a.value, b.value, 0);
        assert_string_equal(entry_at(whole, i).segment, entry_at(merged, i).segment);
    }
    /* Round trip through a blob, then merge errors. */
    unsigned char *blob;
    size_t len = group_blob(merged, &blob);
    cx_group *back = NULL;
    assert_ok(cx_group_deserialize(&back, blob, len));
    assert_groups_equal(back, merged);
    for (size_t cut = 0; cut < len; cut += 7) {
        cx_group *partial = NULL;
        assert_status(cx_group_deserialize(&partial, blob, cut), CX_EFORMAT);
        assert_null(partial);
    }
    blob[10] ^= 0x40;
    cx_group *bad = NULL;
    assert_status(cx_group_deserialize(&bad, blob, len), CX_EFORMAT);
    assert_null(bad);
    free(blob);
    cx_group *other = new_group(CX_METRIC_CSAT, CX_PERIOD_DAY, 2);
    assert_status(cx_group_merge(merged, other), CX_ESTATE);
    cx_group *nps = new_group(CX_METRIC_NPS, CX_PERIOD_MONTH, 2);
    assert_status(cx_group_merge(merged, nps), CX_ESTATE);
    assert_status(cx_group_merge(merged, merged), CX_EINVAL);
    cx_group_free(nps);
    cx_group_free(other);
    cx_group_free(back);
    for (int p = 0; p < 3; p++)
        cx_group_free(parts[p]);
    cx_group_free(merged);
    cx_group_free(whole);
}

static void test_group_options(void **state)
{
    (void)state;
    cx_group *g = (cx_group *)&g;
    cx_group_options go;
    assert_ok(cx_group_options_init(&go, CX_GROUP_OPTIONS_VERSION));
    assert_int_equal(go.period, CX_PERIOD_NONE);
    go.version = 9;
    assert_status(cx_group_new(&g, CX_METRIC_NPS, NULL, &go), CX_EVERSION);
    assert_null(g);
    go.version = 1;
    go.utc_offset_minutes = 2000;
    assert_status(cx_group_new(&g, CX_METRIC_NPS, NULL, &go), CX_EINVAL);
    go.utc_offset_minutes = 0;
    go.period = (cx_period)7;
    assert_status(cx_group_new(&g, CX_METRIC_NPS, NULL, &go), CX_EINVAL);
    cx_metric_options mo = CX_METRIC_OPTIONS_INIT;
    mo.confidence = 2;
    assert_status(cx_group_new(&g, CX_METRIC_NPS, &mo, NULL), CX_EINVAL);
    assert_ok(cx_group_new(&g, CX_METRIC_NPS, NULL, NULL));
    cx_group_entry e = CX_GROUP_ENTRY_INIT;
    e.version = 5;
    assert_ok(cx_group_add(g, "x", 0, 1));
    assert_status(cx_group_get(&e, g, 0), CX_EVERSION);
    cx_group_free(g);
    cx_group_free(NULL);
}

typedef struct oom_ctx {
    int op;
} oom_ctx;

static int oom_group(void *ctx)
{
    const oom_ctx *c = ctx;
    cx_group *g = NULL, *h = NULL;
    cx_group_options go = CX_GROUP_OPTIONS_INIT;
    go.period = CX_PERIOD_DAY;
    cx_metric_kind kind = c->op == 2 ? CX_METRIC_DURATION : CX_METRIC_NPS;
    int rc = cx_group_new(&g, kind, NULL, &go);
    if (rc == CX_OK) rc = cx_group_new(&h, kind, NULL, &go);
    const char *segs[40];
    int64_t ts[40];
    double v[40];
    char names[40][8];
    for (int i = 0; i < 40; i++) {
        snprintf(names[i], sizeof names[i], "s%d", i % 9);
        segs[i] = names[i];
        ts[i] = (i % 4) * DAY_MS;
        v[i] = i % 11;
    }
    if (rc == CX_OK) rc = cx_group_add(g, "s1", 0, 3);
    unsigned char snapshot[8192], after[8192];
    size_t snap_len = 0, after_len = 0;
    if (rc == CX_OK) rc = cx_group_serialize(g, snapshot, sizeof snapshot, &snap_len);
    if (rc == CX_OK) {
        rc = c->op == 1 ? (cx_group_add_many(h, segs, ts, v, 40) == CX_OK ? cx_group_merge(g, h) : CX_OK)
                        : cx_group_add_many(g, segs, ts, v, 40);
        /* A failure must leave g exactly as it was. */
        if (rc == CX_ENOMEM && cx_group_serialize(g, after, sizeof after, &after_len) == CX_OK
            && (after_len != snap_len || memcmp(after, snapshot, snap_len) != 0))
            rc = CX_ESTATE;
    }
    if (rc == CX_OK) {
        cx_group_entry e = CX_GROUP_ENTRY_INIT;
        rc = cx_group_get(&e, g, 0);
    }
    cx_group_free(h);
    cx_group_free(g);
    return rc;
}

static void test_group_out_of_memory(void **state)
{
    (void)state;
    for (int op = 0; op < 3; op++) {
        oom_ctx c = { op };
        assert_true(cx_test_each_allocation_fails(oom_group, &c) > 5);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_group_weekly_trend_per_segment),
        cmocka_unit_test(test_group_period_boundaries),
        cmocka_unit_test(test_group_suppression),
        cmocka_unit_test(test_group_add_many_all_or_nothing),
        cmocka_unit_test(test_group_cx_index_and_durations),
        cmocka_unit_test(test_group_merge_and_blob),
        cmocka_unit_test(test_group_options),
        cmocka_unit_test(test_group_out_of_memory),
    };
    return cmocka_run_group_tests_name("group", tests, NULL, NULL);
}
