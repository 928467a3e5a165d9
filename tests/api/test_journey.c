/*
 * Black-box tests of journeys (linked against libcx.so): observation,
 * cases, funnels, variants, the directly-follows graph, exports, merging,
 * bad input and allocation failures.
 *
 * The journey is the hand-checked one of journey_fixture.h; counts and
 * durations below are worked out by hand from its event table (quantiles
 * by linear interpolation between order statistics, numpy's default).
 * Wilson intervals and comparisons come from tests/reference/
 * journey_reference.py (statsmodels); the name after "ref:" is the line
 * of its output.
 */
#include "journey_fixture.h"

static cx_funnel_step step_of(const cx_funnel *f, size_t index)
{
    cx_funnel_step s = CX_FUNNEL_STEP_INIT;
    assert_ok(cx_funnel_get_step(&s, f, index));
    return s;
}

static cx_dfg_edge edge_of(const cx_dfg *g, size_t index)
{
    cx_dfg_edge e = CX_DFG_EDGE_INIT;
    assert_ok(cx_dfg_get_edge(&e, g, index));
    return e;
}

static void assert_edge(const cx_dfg *g, size_t index, const char *from, const char *to, uint64_t count)
{
    cx_dfg_edge e = edge_of(g, index);
    assert_string_equal(e.from_name, from);
    assert_string_equal(e.to_name, to);
    assert_int_equal(e.count, count);
}

static cx_journey_summary summary_of(cx_journey *j)
{
    cx_journey_summary s = CX_JOURNEY_SUMMARY_INIT;
    assert_ok(cx_journey_get_summary(&s, j));
    return s;
}

/* ---- observation and cases -------------------------------------------- */

static void test_journey_counts_and_cases(void **state)
{
    (void)state;
    cx_journey *j = fixture_journey();
    cx_journey_summary s = summary_of(j);
    assert_int_equal(s.events, 24);
    assert_int_equal(s.customers, 8);
    assert_int_equal(s.cases, 9);      /* c5 splits at its two-day gap */
    assert_int_equal(s.goal_cases, 5); /* c1, c2, c5 (2nd), c6, c7 */
    assert_int_equal(s.touchpoints, 5);
    assert_int_equal(s.outcomes, 5);
    assert_int_equal(s.first_ms, 0);
    assert_int_equal(s.last_ms, 172850000); /* c5's buy at 2 days + 50 s */
    assert_true(s.memory_bytes > 0);

    /* c5 in time order whatever the arrival order: ad, web, web, buy. */
    uint32_t tps[8];
    int64_t ts[8];
    size_t len = 0;
    assert_ok(cx_journey_get_path(tps, ts, 8, &len, j, "c5"));
    assert_int_equal(len, 4);
    assert_int_equal(tps[0], 0);
    assert_int_equal(tps[1], 1);
    assert_int_equal(tps[2], 1);
    assert_int_equal(tps[3], 3);
    assert_int_equal(ts[1], 100000);
    assert_int_equal(ts[3], 172850000);
    assert_ok(cx_journey_get_path(NULL, NULL, 0, &len, j, "c2"));
    assert_int_equal(len, 5);
    assert_status(cx_journey_get_path(tps, NULL, 2, &len, j, "c2"), CX_EINVAL);
    assert_error_mentions("cap 2 is smaller than the customer's 5 events");
    assert_status(cx_journey_get_path(tps, ts, 8, &len, j, "c99"), CX_ENOTFOUND);
    assert_error_mentions("customer \"c99\"");

    size_t n = 0;
    const char *name = NULL;
    int goal = -1;
    assert_ok(cx_journey_stage_count(&n, j));
    assert_int_equal(n, 4);
    assert_ok(cx_journey_get_stage(&name, &goal, j, 2));
    assert_string_equal(name, "purchase");
    assert_int_equal(goal, 1);
    assert_ok(cx_journey_get_stage(&name, &goal, j, 0));
    assert_int_equal(goal, 0);
    assert_status(cx_journey_get_stage(&name, &goal, j, 4), CX_ENOTFOUND);
    const cx_touchpoint_registry *reg = NULL;
    assert_ok(cx_journey_touchpoints(&reg, j));
    uint32_t index;
    assert_ok(cx_touchpoint_find(&index, reg, "call"));
    assert_int_equal(index, 4);
    cx_journey_free(j);
    cx_journey_free(NULL);
}

static void test_journey_arrival_order_does_not_matter(void **state)
{
    (void)state;
    cx_journey *a = fixture_journey();
    cx_journey *b = fixture_empty();
    size_t reversed[FIXTURE_EVENTS];
    for (size_t i = 0; i < FIXTURE_EVENTS; i++)
        reversed[i] = FIXTURE_EVENTS - 1 - i;
    fixture_feed(b, reversed);
    cx_journey *c = fixture_empty();
    for (size_t i = 0; i < FIXTURE_EVENTS; i++) /* one at a time, with an analysis in between */
        assert_ok(cx_journey_observe(c, fixture_events[i].customer, fixture_events[i].touchpoint,
                                     fixture_events[i].seconds * 1000, fixture_events[i].outcome));
    char *ja = journey_json(a), *jb = journey_json(b), *jc = journey_json(c);
    assert_string_equal(ja, jb);
    assert_string_equal(ja, jc);
    free(ja);
    free(jb);
    free(jc);
    cx_journey_free(a);
    cx_journey_free(b);
    cx_journey_free(c);
}

static void test_journey_gap_zero_keeps_one_case_per_customer(void **state)
{
    (void)state;
    cx_touchpoint_registry *reg = fixture_registry();
    cx_journey_options o = fixture_options();
    o.inactivity_gap_ms = 0;
    cx_journey *j = NULL;
    assert_ok(cx_journey_new(&j, reg, &o));
    fixture_feed(j, NULL);
    assert_int_equal(summary_of(j).cases, 8);
    cx_journey_free(j);
    /* A 100 s gap splits wherever consecutive events are more than 100 s
     * apart: c1 (60, 120) 2 cases; c2 (120, 180, 300, 3400) 5; c3 (30, 60)
     * 1; c4 1; c5 (100 is not more than 100, 2 days, 50) 2; c6 (60, 140,
     * 300) 3; c7 (120, 120) 3; c8 1. Total 18. */
    o.inactivity_gap_ms = 100000;
    assert_ok(cx_journey_new(&j, reg, &o));
    fixture_feed(j, NULL);
    assert_int_equal(summary_of(j).cases, 18);
    cx_journey_free(j);
    cx_touchpoint_registry_free(reg);
}

static void test_journey_observe_ids(void **state)
{
    (void)state;
    cx_journey *ids = fixture_empty();
    const cx_touchpoint_registry *reg;
    assert_ok(cx_journey_touchpoints(&reg, ids));
    uint32_t customers[FIXTURE_EVENTS], tps[FIXTURE_EVENTS];
    int64_t ts[FIXTURE_EVENTS];
    double outcomes[FIXTURE_EVENTS];
    for (size_t i = 0; i < FIXTURE_EVENTS; i++) {
        assert_ok(cx_journey_intern_customer(&customers[i], ids, fixture_events[i].customer));
        assert_ok(cx_touchpoint_find(&tps[i], reg, fixture_events[i].touchpoint));
        ts[i] = fixture_events[i].seconds * 1000;
        outcomes[i] = fixture_events[i].outcome;
    }
    assert_int_equal(customers[3], 1); /* c2: second customer interned */
    assert_ok(cx_journey_observe_ids(ids, customers, tps, ts, outcomes, FIXTURE_EVENTS));
    cx_journey *strings = fixture_journey();
    char *a = journey_json(ids), *b = journey_json(strings);
    assert_string_equal(a, b);
    free(a);
    free(b);

    /* Bad indices and times: rejected whole, message names the event. */
    uint32_t bad_customer[2] = { 0, 8 }, two_tps[2] = { 0, 1 }, bad_tp[2] = { 5, 0 };
    int64_t two_ts[2] = { 1, 2 }, bad_ts[2] = { 1, -5 };
    double bad_outcome[2] = { NAN, INFINITY };
    assert_status(cx_journey_observe_ids(ids, bad_customer, two_tps, two_ts, NULL, 2), CX_ENOTFOUND);
    assert_error_mentions("events[1]: customer index 8 is past the last of 8 customers");
    assert_status(cx_journey_observe_ids(ids, customers, bad_tp, two_ts, NULL, 2), CX_ENOTFOUND);
    assert_error_mentions("events[0]: touchpoint index 5 is past the last of 5 touchpoints");
    assert_status(cx_journey_observe_ids(ids, customers, two_tps, bad_ts, NULL, 2), CX_ERANGE);
    assert_error_mentions("events[1]: timestamp -5 ms is outside");
    assert_status(cx_journey_observe_ids(ids, customers, two_tps, two_ts, bad_outcome, 2), CX_ERANGE);
    assert_error_mentions("events[1]: outcome inf is infinite");
    assert_status(cx_journey_observe_ids(ids, NULL, two_tps, two_ts, NULL, 2), CX_EINVAL);
    assert_ok(cx_journey_observe_ids(ids, NULL, NULL, NULL, NULL, 0));
    a = journey_json(ids);
    b = journey_json(strings);
    assert_string_equal(a, b);
    assert_int_equal(summary_of(ids).events, 24);
    free(a);
    free(b);
    cx_journey_free(ids);
    cx_journey_free(strings);
}

static void test_journey_auto_register(void **state)
{
    (void)state;
    cx_journey_options o = CX_JOURNEY_OPTIONS_INIT;
    cx_journey *strict = NULL, *open = NULL;
    assert_ok(cx_journey_new(&strict, NULL, &o));
    assert_status(cx_journey_observe(strict, "c1", "chekout", 5, NAN), CX_ENOTFOUND);
    assert_error_mentions("touchpoint \"chekout\" is not registered");
    o.auto_register = 1;
    assert_ok(cx_journey_new(&open, NULL, &o));
    const char *customers[] = { "a", "a", "b" }, *tps[] = { "home", "cart", "home" };
    int64_t ts[] = { 1, 2, 3 };
    assert_ok(cx_journey_observe_many(open, customers, tps, ts, NULL, 3));
    const cx_touchpoint_registry *reg;
    assert_ok(cx_journey_touchpoints(&reg, open));
    cx_touchpoint_info info = CX_TOUCHPOINT_INFO_INIT;
    assert_ok(cx_touchpoint_get(&info, reg, 1));
    assert_string_equal(info.id, "cart");
    assert_int_equal(info.channel, CX_CHANNEL_OTHER);
    assert_string_equal(info.stage, "");
    /* A failing batch registers nothing: the bad time comes after the new id. */
    const char *tps2[] = { "brand-new", "home", "home" };
    int64_t ts2[] = { 4, 5, -1 };
    assert_status(cx_journey_observe_many(open, customers, tps2, ts2, NULL, 3), CX_ERANGE);
    size_t n;
    assert_ok(cx_touchpoint_count(&n, reg));
    assert_int_equal(n, 2);
    /* cx_journey_add_touchpoint checks the stage against the map. */
    info.id = "help";
    info.stage = "service";
    assert_status(cx_journey_add_touchpoint(NULL, open, &info), CX_ENOTFOUND);
    assert_error_mentions("stage \"service\", which is not a stage of the journey");
    info.stage = NULL;
    uint32_t index;
    assert_ok(cx_journey_add_touchpoint(&index, open, &info));
    assert_int_equal(index, 2);
    cx_journey_free(strict);
    cx_journey_free(open);
}

/* cx_journey_touchpoints() lends the journey's registry for as long as the
 * journey lives, and cx_touchpoint_get() lends its strings for as long as
 * the registry lives: growing the registry (auto-registration, merges)
 * must keep both valid. Counts checked by hand: 1 touchpoint, then 2
 * after "cart" is auto-registered, then 3 after the merge brings "call". */
static void test_journey_registry_outlives_growth(void **state)
{
    (void)state;
    cx_journey_options o = CX_JOURNEY_OPTIONS_INIT;
    o.auto_register = 1;
    cx_journey *j = NULL, *other = NULL;
    assert_ok(cx_journey_new(&j, NULL, &o));
    assert_ok(cx_journey_observe(j, "a", "home", 1, NAN));
    const cx_touchpoint_registry *reg = NULL;
    assert_ok(cx_journey_touchpoints(&reg, j));
    cx_touchpoint_info home = CX_TOUCHPOINT_INFO_INIT;
    assert_ok(cx_touchpoint_get(&home, reg, 0));

    assert_ok(cx_journey_observe(j, "a", "cart", 2, NAN)); /* auto-registered */
    const cx_touchpoint_registry *now = NULL;
    assert_ok(cx_journey_touchpoints(&now, j));
    assert_ptr_equal(now, reg);
    size_t n = 0;
    assert_ok(cx_touchpoint_count(&n, reg));
    assert_int_equal(n, 2);
    assert_string_equal(home.id, "home");

    assert_ok(cx_journey_new(&other, NULL, &o));
    assert_ok(cx_journey_observe(other, "b", "call", 3, NAN));
    assert_ok(cx_journey_merge(j, other)); /* registers "call" */
    assert_ok(cx_journey_touchpoints(&now, j));
    assert_ptr_equal(now, reg);
    assert_ok(cx_touchpoint_count(&n, reg));
    assert_int_equal(n, 3);
    uint32_t index = 0;
    assert_ok(cx_touchpoint_find(&index, reg, "call"));
    assert_int_equal(index, 2);
    assert_string_equal(home.id, "home");
    assert_string_equal(home.channel_name, "other");
    cx_journey_free(other);
    cx_journey_free(j);
}

static void test_journey_touchpoint_limit(void **state)
{
    (void)state;
    /* Stored events keep the touchpoint index in 16 bits: 65,536 fit. */
    cx_touchpoint_registry *reg = NULL;
    assert_ok(cx_touchpoint_registry_new(&reg));
    char id[16];
    for (int t = 0; t < CX_JOURNEY_TOUCHPOINTS_MAX; t++) {
        cx_touchpoint_info info = CX_TOUCHPOINT_INFO_INIT;
        snprintf(id, sizeof id, "t%d", t);
        info.id = id;
        assert_ok(cx_touchpoint_add(NULL, reg, &info));
    }
    cx_journey_options o = CX_JOURNEY_OPTIONS_INIT;
    o.auto_register = 1;
    cx_journey *j = NULL;
    assert_ok(cx_journey_new(&j, reg, &o));
    assert_ok(cx_journey_observe(j, "u", "t65535", 2000, NAN));
    assert_ok(cx_journey_observe(j, "u", "t0", 2000, NAN));
    uint32_t tps[2];
    int64_t ts[2];
    size_t len;
    assert_ok(cx_journey_get_path(tps, ts, 2, &len, j, "u"));
    assert_int_equal(tps[0], 0); /* same time: ordered by touchpoint index */
    assert_int_equal(tps[1], 65535);
    assert_int_equal(ts[1], 2000);
    cx_touchpoint_info more = CX_TOUCHPOINT_INFO_INIT;
    more.id = "one-more";
    assert_status(cx_journey_add_touchpoint(NULL, j, &more), CX_ERANGE);
    assert_error_mentions("at most 65536 touchpoints (65537 needed)");
    assert_status(cx_journey_observe(j, "u", "one-more", 5, NAN), CX_ERANGE);
    assert_int_equal(summary_of(j).events, 2);
    assert_int_equal(summary_of(j).touchpoints, 65536);
    cx_journey *k = NULL;
    assert_ok(cx_journey_new(&k, NULL, &o));
    assert_ok(cx_journey_observe(k, "v", "one-more", 5, NAN));
    assert_status(cx_journey_merge(j, k), CX_ERANGE);
    assert_int_equal(summary_of(j).customers, 1);
    cx_journey_free(k);
    cx_journey_free(j);
    assert_ok(cx_touchpoint_add(NULL, reg, &more));
    assert_status(cx_journey_new(&j, reg, &o), CX_ERANGE);
    assert_error_mentions("cx_journey_new: a journey holds at most 65536 touchpoints");
    cx_touchpoint_registry_free(reg);
}

/* ---- funnels ----------------------------------------------------------- */

static void test_journey_funnel_hand_checked(void **state)
{
    (void)state;
    cx_journey *j = fixture_journey();
    cx_funnel *f = NULL;
    assert_ok(cx_journey_funnel(&f, j, NULL));
    size_t n;
    assert_ok(cx_funnel_step_count(&n, f));
    assert_int_equal(n, 4);
    /* Ordered entries (greedy): c1 a,c,p; c2 a,c,p,s; c3 a,c (web@0 comes
     * before any awareness event); c4 a; c5 first case a,c, second none;
     * c6 none (it starts in consideration); c7 a,c,p; c8 a.
     * entered 7, 5, 3, 1 of 9 cases; visited 7, 7, 5, 2. */
    static const uint64_t entered[] = { 7, 5, 3, 1 }, visited[] = { 7, 7, 5, 2 }, dropped[] = { 2, 2, 2, 2 };
    for (size_t k = 0; k < 4; k++) {
        cx_funnel_step s = step_of(f, k);
        assert_string_equal(s.stage, fixture_stages[k]);
        assert_int_equal(s.goal, k == 2);
        assert_int_equal(s.entered, entered[k]);
        assert_int_equal(s.visited, visited[k]);
        assert_int_equal(s.dropped, dropped[k]);
        assert_int_equal(s.duration_count, entered[k]);
    }
    /* ref: small_step_k / small_overall_k (statsmodels Wilson) */
    cx_funnel_step s = step_of(f, 1);
    assert_close(s.step_rate, 5.0 / 7, 1e-15);
    assert_close(s.step_ci_low, 0.358934451833, 1e-11);
    assert_close(s.step_ci_high, 0.917781075996, 1e-11);
    assert_close(s.overall_rate, 5.0 / 9, 1e-15);
    assert_close(s.overall_ci_low, 0.266651293495, 1e-11);
    assert_close(s.overall_ci_high, 0.811221478902, 1e-11);
    s = step_of(f, 3);
    assert_close(s.step_ci_low, 0.0614919447204, 1e-11);
    assert_close(s.step_ci_high, 0.792340399198, 1e-11);
    assert_close(s.overall_ci_low, 0.0198908876385, 1e-11);
    assert_close(s.overall_ci_high, 0.434999705577, 1e-11);
    s = step_of(f, 0);
    assert_close(s.step_ci_low, 0.452588969107, 1e-11);
    assert_close(s.step_ci_high, 0.936774892882, 1e-11);

    /* Durations in seconds. Step 0 (case start -> awareness): c3 30, the
     * six others 0 -> mean 30/7, median 0, p90 = x[5] + 0.4 (x[6] - x[5]) = 12.
     * Step 1: c1 60, c2 120, c3 90 - 30 = 60, c5 100, c7 120 -> sorted
     * 60 60 100 120 120: mean 92, median 100, p90 (h = 3.6) 120.
     * Step 2: c1 120, c2 480, c7 120: mean 240, median 120, p90 (h = 1.8)
     * 120 + 0.8 x 360 = 408. Step 3: c2 4000 - 600 = 3400. */
    s = step_of(f, 0);
    assert_close(s.duration_mean, 30.0 / 7, 1e-12);
    assert_close(s.duration_median, 0, 1e-12);
    assert_close(s.duration_p90, 12, 1e-9);
    s = step_of(f, 1);
    assert_close(s.duration_mean, 92, 1e-12);
    assert_close(s.duration_median, 100, 1e-12);
    assert_close(s.duration_p90, 120, 1e-9);
    s = step_of(f, 2);
    assert_close(s.duration_mean, 240, 1e-12);
    assert_close(s.duration_median, 120, 1e-12);
    assert_close(s.duration_p90, 408, 1e-9);
    s = step_of(f, 3);
    assert_close(s.duration_median, 3400, 1e-12);

    /* Goal: 5 of 9 cases; times to goal 180, 600, 50, 500, 240 s -> mean
     * 314, median 240, p90 (h = 3.6) 500 + 0.6 x 100 = 560. ref: small_goal */
    cx_funnel_summary sum = CX_FUNNEL_SUMMARY_INIT;
    assert_ok(cx_funnel_get_summary(&sum, f));
    assert_int_equal(sum.cases, 9);
    assert_int_equal(sum.goal_cases, 5);
    assert_close(sum.goal_rate, 5.0 / 9, 1e-15);
    assert_close(sum.goal_ci_low, 0.266651293495, 1e-11);
    assert_close(sum.goal_ci_high, 0.811221478902, 1e-11);
    assert_close(sum.confidence, 0.95, 0);
    assert_close(sum.time_to_goal_mean, 314, 1e-12);
    assert_close(sum.time_to_goal_median, 240, 1e-12);
    assert_close(sum.time_to_goal_p90, 560, 1e-9);

    /* The calculators themselves, for any quantile. */
    cx_metric *m = NULL;
    double q;
    assert_ok(cx_funnel_step_duration(&m, f, 2));
    assert_ok(cx_metric_quantile(m, 1.0, &q));
    assert_close(q, 480, 0);
    cx_metric_free(m);
    assert_ok(cx_funnel_goal_duration(&m, f));
    assert_ok(cx_metric_quantile(m, 0.0, &q));
    assert_close(q, 50, 0);
    cx_metric_free(m);
    assert_status(cx_funnel_step_duration(&m, f, 4), CX_ENOTFOUND);
    assert_null(m);
    cx_funnel_free(f);
    cx_funnel_free(NULL);
    cx_journey_free(j);
}

/* Adds `count` customers whose single case follows `path` from time t0. */
static void add_cases(cx_journey *j, int *next_id, int count, const char *const *path, size_t len, int64_t t0)
{
    char id[16];
    for (int c = 0; c < count; c++) {
        snprintf(id, sizeof id, "p%d", (*next_id)++);
        for (size_t i = 0; i < len; i++)
            assert_ok(cx_journey_observe(j, id, path[i], t0 + (int64_t)i * 1000, NAN));
    }
}

static void test_journey_funnel_periods_compare(void **state)
{
    (void)state;
    cx_journey *j = fixture_empty();
    static const char *const aw[] = { "ad" }, *const awc[] = { "ad", "web" }, *const awcp[] = { "ad", "web", "buy" },
                             *const c_only[] = { "web" };
    const int64_t period_b = 1000000000; /* ms: period A before, B from here */
    int id = 0;
    /* Period A: 40 cases; awareness 30, consideration 20, purchase 10. */
    add_cases(j, &id, 10, aw, 1, 0);
    add_cases(j, &id, 10, awc, 2, 0);
    add_cases(j, &id, 10, awcp, 3, 0);
    add_cases(j, &id, 10, c_only, 1, 0);
    /* Period B: 50 cases; awareness 45, consideration 25, purchase 20. */
    add_cases(j, &id, 20, aw, 1, period_b);
    add_cases(j, &id, 5, awc, 2, period_b);
    add_cases(j, &id, 20, awcp, 3, period_b);
    add_cases(j, &id, 5, c_only, 1, period_b);

    cx_funnel_options oa = CX_FUNNEL_OPTIONS_INIT, ob = CX_FUNNEL_OPTIONS_INIT;
    oa.to_ms = period_b;
    ob.from_ms = period_b;
    cx_funnel *a = NULL, *b = NULL;
    assert_ok(cx_journey_funnel(&a, j, &oa));
    assert_ok(cx_journey_funnel(&b, j, &ob));
    assert_int_equal(step_of(a, 1).entered, 20);
    assert_int_equal(step_of(b, 1).entered, 25);
    cx_comparison step = CX_COMPARISON_INIT, overall = CX_COMPARISON_INIT;
    assert_ok(cx_funnel_compare(&step, &overall, a, b, 1));
    /* ref: compare_step_1 (20/30 vs 25/45), compare_overall_1 (20/40 vs 25/50) */
    assert_int_equal(step.method, CX_TEST_TWO_PROPORTION_Z);
    assert_close(step.difference, 0.111111111111, 1e-11);
    assert_close(step.std_error, 0.115470053838, 1e-11);
    assert_close(step.z, 0.962250448649, 1e-11);
    assert_close(step.p_value, 0.335923813152, 1e-11);
    assert_close(step.ci_low, -0.113016066271, 1e-11);
    assert_close(step.ci_high, 0.312520572696, 1e-11);
    assert_close(overall.difference, 0, 1e-15);
    assert_close(overall.std_error, 0.106066017178, 1e-11);
    assert_close(overall.p_value, 1, 1e-12);
    assert_close(overall.ci_low, -0.199354709206, 1e-11);
    assert_close(overall.ci_high, 0.199354709206, 1e-11);
    assert_ok(cx_funnel_compare(&step, NULL, a, b, 2));
    /* ref: compare_step_2 (10/20 vs 20/25) */
    assert_close(step.difference, -0.3, 1e-12);
    assert_close(step.z, -2.12132034356, 1e-10);
    assert_close(step.p_value, 0.0338948535247, 1e-11);
    assert_close(step.ci_low, -0.529542908549, 1e-11);
    assert_close(step.ci_high, -0.022726460481, 1e-11);
    assert_ok(cx_funnel_compare(NULL, &overall, a, b, 2));
    /* ref: compare_overall_2 (10/40 vs 20/50) */
    assert_close(overall.z, -1.5, 1e-12);
    assert_close(overall.p_value, 0.133614402538, 1e-11);
    assert_close(overall.ci_low, -0.325462550434, 1e-11);
    assert_close(overall.ci_high, 0.0460633746351, 1e-11);

    /* Errors: step index, versions, mismatched stages, empty funnels. */
    assert_status(cx_funnel_compare(&step, &overall, a, b, 4), CX_ENOTFOUND);
    step.version = 7;
    assert_status(cx_funnel_compare(&step, NULL, a, b, 1), CX_EVERSION);
    step.version = CX_COMPARISON_VERSION;
    cx_funnel_options empty = CX_FUNNEL_OPTIONS_INIT;
    empty.from_ms = 5 * period_b;
    cx_funnel *none = NULL;
    assert_ok(cx_journey_funnel(&none, j, &empty));
    assert_int_equal(step_of(none, 0).entered, 0);
    assert_true(isnan(step_of(none, 0).step_rate));
    assert_status(cx_funnel_compare(&step, NULL, a, none, 0), CX_EEMPTY);
    assert_error_mentions("in the second funnel");
    assert_status(cx_funnel_compare(NULL, &overall, none, a, 0), CX_EEMPTY);
    static const char *const other_stages[] = { "awareness", "consideration", "checkout", "service" };
    cx_journey_options o = CX_JOURNEY_OPTIONS_INIT;
    o.stages = other_stages;
    o.stage_count = 4;
    cx_journey *k = NULL;
    assert_ok(cx_journey_new(&k, NULL, &o));
    cx_funnel *fk = NULL;
    assert_ok(cx_journey_funnel(&fk, k, NULL));
    assert_status(cx_funnel_compare(&step, NULL, a, fk, 0), CX_ESTATE);
    assert_error_mentions("step 2 is \"purchase\" in one funnel and \"checkout\"");
    cx_funnel_free(fk);
    cx_journey_free(k);
    cx_funnel_free(none);
    cx_funnel_free(a);
    cx_funnel_free(b);
    cx_journey_free(j);
}

static void test_journey_funnel_rejects_bad_options(void **state)
{
    (void)state;
    cx_journey *j = fixture_journey();
    cx_funnel *f = (cx_funnel *)j;
    cx_funnel_options o = CX_FUNNEL_OPTIONS_INIT;
    o.confidence = 1.0;
    assert_status(cx_journey_funnel(&f, j, &o), CX_EINVAL);
    assert_error_mentions("confidence 1 is outside (0, 1)");
    assert_null(f);
    o.confidence = 0.9;
    o.from_ms = 10;
    o.to_ms = 10;
    assert_status(cx_journey_funnel(&f, j, &o), CX_EINVAL);
    assert_error_mentions("from_ms 10 is not before to_ms 10");
    o.version = 2;
    assert_status(cx_journey_funnel(&f, j, &o), CX_EVERSION);
    cx_journey *plain = NULL;
    assert_ok(cx_journey_new(&plain, NULL, NULL));
    assert_status(cx_journey_funnel(&f, plain, NULL), CX_EEMPTY);
    assert_error_mentions("no stages");
    cx_journey_free(plain);
    /* 90 % intervals are narrower than 95 % ones. */
    o = (cx_funnel_options)CX_FUNNEL_OPTIONS_INIT;
    o.confidence = 0.90;
    assert_ok(cx_journey_funnel(&f, j, &o));
    assert_true(step_of(f, 1).step_ci_low > 0.358934451833);
    cx_funnel_step s = CX_FUNNEL_STEP_INIT;
    assert_status(cx_funnel_get_step(&s, f, 9), CX_ENOTFOUND);
    assert_error_mentions("step 9 is past the last of 4 steps");
    s.version = 0;
    assert_status(cx_funnel_get_step(&s, f, 0), CX_EINVAL);
    cx_funnel_summary sum = CX_FUNNEL_SUMMARY_INIT;
    sum.version = 2;
    assert_status(cx_funnel_get_summary(&sum, f), CX_EVERSION);
    cx_funnel_free(f);
    cx_journey_free(j);
}

/* ---- variants ---------------------------------------------------------- */

static void assert_variant(const cx_variants *v, size_t index, uint64_t count, uint64_t goals, size_t length,
                           const char *const *names)
{
    cx_variant x = CX_VARIANT_INIT;
    assert_ok(cx_variants_get(&x, v, index));
    assert_int_equal(x.count, count);
    assert_int_equal(x.goal_count, goals);
    assert_int_equal(x.length, length);
    for (size_t i = 0; i < length; i++)
        assert_string_equal(x.names[i], names[i]);
}

static void test_journey_variants(void **state)
{
    (void)state;
    cx_journey *j = fixture_journey();
    cx_variants *v = NULL;
    assert_ok(cx_journey_variants(&v, j, NULL));
    size_t listed, distinct;
    uint64_t cases;
    assert_ok(cx_variants_count(&listed, &distinct, &cases, v));
    /* Nine cases; c1 and c7 share ad web buy, c4 and c8 share ad. Ties are
     * ordered by names element by element, a prefix first. */
    assert_int_equal(cases, 9);
    assert_int_equal(distinct, 7);
    assert_int_equal(listed, 7);
    static const char *const v0[] = { "ad" }, *const v1[] = { "ad", "web", "buy" },
                             *const v2[] = { "ad", "chat", "web", "buy", "call" }, *const v3[] = { "ad", "web" },
                             *const v4[] = { "chat", "chat", "call", "buy" }, *const v5[] = { "web", "ad", "web" },
                             *const v6[] = { "web", "buy" };
    assert_variant(v, 0, 2, 0, 1, v0);
    assert_variant(v, 1, 2, 2, 3, v1);
    assert_variant(v, 2, 1, 1, 5, v2);
    assert_variant(v, 3, 1, 0, 2, v3);
    assert_variant(v, 4, 1, 1, 4, v4);
    assert_variant(v, 5, 1, 0, 3, v5);
    assert_variant(v, 6, 1, 1, 2, v6);
    cx_variant x = CX_VARIANT_INIT;
    assert_ok(cx_variants_get(&x, v, 1));
    assert_close(x.share, 2.0 / 9, 1e-15);
    assert_close(x.goal_rate, 1.0, 0);
    assert_int_equal(x.path[2], 3); /* buy is touchpoint 3 */
    assert_status(cx_variants_get(&x, v, 7), CX_ENOTFOUND);
    cx_variants_free(v);

    /* Top 2 at the stage level, repeats collapsed: ad web buy and the
     * c2/c6-like paths become stage sequences; the two most frequent are
     * [awareness] (c4, c8) and [awareness, consideration, purchase]
     * (c1, c7). */
    cx_variant_options o = CX_VARIANT_OPTIONS_INIT;
    o.level = CX_JOURNEY_LEVEL_STAGE;
    o.top_k = 2;
    o.collapse_repeats = 1;
    assert_ok(cx_journey_variants(&v, j, &o));
    assert_ok(cx_variants_count(&listed, &distinct, NULL, v));
    assert_int_equal(listed, 2);
    assert_int_equal(distinct, 7);
    static const char *const s0[] = { "awareness" }, *const s1[] = { "awareness", "consideration", "purchase" };
    assert_variant(v, 0, 2, 0, 1, s0);
    assert_variant(v, 1, 2, 2, 3, s1);
    cx_variants_free(v);

    /* Channel level: c1 and c7 are social web web, c5's first case social
     * web; c4 and c8 social. */
    o = (cx_variant_options)CX_VARIANT_OPTIONS_INIT;
    o.level = CX_JOURNEY_LEVEL_CHANNEL;
    assert_ok(cx_journey_variants(&v, j, &o));
    static const char *const ch0[] = { "social" }, *const ch1[] = { "social", "web", "web" };
    assert_variant(v, 0, 2, 0, 1, ch0);
    assert_variant(v, 1, 2, 2, 3, ch1);
    cx_variants_free(v);

    o.level = (cx_journey_level)7;
    assert_status(cx_journey_variants(&v, j, &o), CX_EINVAL);
    assert_error_mentions("level 7");
    assert_null(v);
    cx_variants_free(NULL);
    cx_journey_free(j);
}

/* Variants of more than 2^24 cases still rank by count. One customer whose
 * events are 2 ms apart with a 1 ms gap, so every event is a case of its
 * own: 2^24 cases [web] and 2^24 - 1 cases [ad]. By hand, [web] comes
 * first (more cases) although "ad" sorts before "web". Fed in chunks of
 * 2^20 events to keep the test's own arrays small. */
static void test_journey_variants_rank_large_counts(void **state)
{
    (void)state;
    enum { CHUNK = 1 << 20 };
    const uint64_t web_cases = UINT64_C(1) << 24, ad_cases = web_cases - 1, total = web_cases + ad_cases;
    cx_touchpoint_registry *fixture_reg = fixture_registry();
    cx_journey_options jo = fixture_options();
    jo.inactivity_gap_ms = 1;
    cx_journey *j = NULL;
    assert_ok(cx_journey_new(&j, fixture_reg, &jo));
    cx_touchpoint_registry_free(fixture_reg);
    const cx_touchpoint_registry *reg;
    assert_ok(cx_journey_touchpoints(&reg, j));
    uint32_t ad, web, customer;
    assert_ok(cx_touchpoint_find(&ad, reg, "ad"));
    assert_ok(cx_touchpoint_find(&web, reg, "web"));
    assert_ok(cx_journey_intern_customer(&customer, j, "everyone"));
    uint32_t *customers = malloc(CHUNK * sizeof *customers), *tps = malloc(CHUNK * sizeof *tps);
    int64_t *ts = malloc(CHUNK * sizeof *ts);
    assert_non_null(customers);
    assert_non_null(tps);
    assert_non_null(ts);
    for (uint64_t at = 0; at < total; at += CHUNK) {
        size_t n = total - at < CHUNK ? (size_t)(total - at) : CHUNK;
        for (size_t i = 0; i < n; i++) {
            customers[i] = customer;
            tps[i] = at + i < web_cases ? web : ad;
            ts[i] = (int64_t)(2 * (at + i));
        }
        assert_ok(cx_journey_observe_ids(j, customers, tps, ts, NULL, n));
    }
    free(customers);
    free(tps);
    free(ts);
    cx_variants *v = NULL;
    assert_ok(cx_journey_variants(&v, j, NULL));
    static const char *const w[] = { "web" }, *const a[] = { "ad" };
    assert_variant(v, 0, web_cases, 0, 1, w);
    assert_variant(v, 1, ad_cases, 0, 1, a);
    cx_variants_free(v);
    cx_journey_free(j);
}

/* ---- directly-follows graph -------------------------------------------- */

static void test_journey_dfg_hand_checked(void **state)
{
    (void)state;
    cx_journey *j = fixture_journey();
    cx_dfg *g = NULL;
    assert_ok(cx_journey_dfg(&g, j, NULL));
    size_t nodes, edges;
    assert_ok(cx_dfg_count(&nodes, &edges, g));
    assert_int_equal(nodes, 5);
    assert_int_equal(edges, 9);
    /* Transitions: ad->web c1 c3 c5 c7 (60, 60, 100, 120 s); web->buy c1
     * c2 c5 c7 (120, 300, 50, 120); one each of ad->chat, buy->call,
     * call->buy, chat->call, chat->chat, chat->web, web->ad. By count, then
     * names. */
    assert_edge(g, 0, "ad", "web", 4);
    assert_edge(g, 1, "web", "buy", 4);
    assert_edge(g, 2, "ad", "chat", 1);
    assert_edge(g, 3, "buy", "call", 1);
    assert_edge(g, 4, "call", "buy", 1);
    assert_edge(g, 5, "chat", "call", 1);
    assert_edge(g, 6, "chat", "chat", 1);
    assert_edge(g, 7, "chat", "web", 1);
    assert_edge(g, 8, "web", "ad", 1);
    /* ad->web: lost by c3 and c5's first case, which end right after it
     * without converting; total 340 s, mean 85, median 80, p90 (h = 2.7)
     * 100 + 0.7 x 20 = 114. */
    cx_dfg_edge e = edge_of(g, 0);
    assert_int_equal(e.cases, 4);
    assert_int_equal(e.lost, 2);
    assert_close(e.total_seconds, 340, 1e-12);
    assert_close(e.mean_seconds, 85, 1e-12);
    assert_close(e.median_seconds, 80, 1e-12);
    assert_close(e.p90_seconds, 114, 1e-9);
    assert_int_equal(e.from, 0);
    assert_int_equal(e.to, 1);
    /* web->buy: 50 120 120 300 -> total 590, median 120, p90 120 + 0.7 x 180 = 246. */
    e = edge_of(g, 1);
    assert_int_equal(e.lost, 0);
    assert_close(e.total_seconds, 590, 1e-12);
    assert_close(e.median_seconds, 120, 1e-12);
    assert_close(e.p90_seconds, 246, 1e-9);
    cx_metric *m = NULL;
    double q;
    assert_ok(cx_dfg_edge_duration(&m, g, 1));
    assert_ok(cx_metric_quantile(m, 0, &q));
    assert_close(q, 50, 0);
    cx_metric_free(m);
    assert_status(cx_dfg_edge_duration(&m, g, 9), CX_ENOTFOUND);

    /* Nodes by events: ad 7, web 7 (names break the tie), buy 5, chat 3,
     * call 2. ad starts 6 cases and ends 2 (c4, c8), both lost; web starts
     * c3 and c5's second case and ends c3 and c5's first case, both lost. */
    cx_dfg_node node = CX_DFG_NODE_INIT;
    assert_ok(cx_dfg_get_node(&node, g, 0));
    assert_string_equal(node.name, "ad");
    assert_int_equal(node.events, 7);
    assert_int_equal(node.cases, 7);
    assert_int_equal(node.starts, 6);
    assert_int_equal(node.ends, 2);
    assert_int_equal(node.lost, 2);
    assert_ok(cx_dfg_get_node(&node, g, 1));
    assert_string_equal(node.name, "web");
    assert_int_equal(node.cases, 6);
    assert_int_equal(node.starts, 2);
    assert_ok(cx_dfg_get_node(&node, g, 2));
    assert_string_equal(node.name, "buy");
    assert_int_equal(node.ends, 4);
    assert_int_equal(node.lost, 0);
    assert_ok(cx_dfg_get_node(&node, g, 4));
    assert_string_equal(node.name, "call");
    assert_int_equal(node.node, 4);
    assert_status(cx_dfg_get_node(&node, g, 5), CX_ENOTFOUND);
    cx_dfg_free(g);
    cx_dfg_free(NULL);
    cx_journey_free(j);
}

static void test_journey_bottleneck_rankings(void **state)
{
    (void)state;
    cx_journey *j = fixture_journey();
    cx_dfg_options o = CX_DFG_OPTIONS_INIT;
    o.order = CX_DFG_ORDER_LOST;
    cx_dfg *g = NULL;
    assert_ok(cx_journey_dfg(&g, j, &o));
    /* Only ad->web loses cases (2); the rest follow by count, then names. */
    assert_edge(g, 0, "ad", "web", 4);
    assert_int_equal(edge_of(g, 0).lost, 2);
    assert_edge(g, 1, "web", "buy", 4);
    assert_edge(g, 2, "ad", "chat", 1);
    cx_dfg_free(g);
    /* Time x volume: buy->call 3400 s, web->buy 590, ad->web 340,
     * call->buy 300, chat->web 180, chat->call 140, ad->chat 120,
     * chat->chat 60, web->ad 30. */
    o.order = CX_DFG_ORDER_TOTAL_TIME;
    assert_ok(cx_journey_dfg(&g, j, &o));
    static const char *const order[][2] = { { "buy", "call" }, { "web", "buy" }, { "ad", "web" },
                                            { "call", "buy" }, { "chat", "web" }, { "chat", "call" },
                                            { "ad", "chat" }, { "chat", "chat" }, { "web", "ad" } };
    static const double seconds[] = { 3400, 590, 340, 300, 180, 140, 120, 60, 30 };
    for (size_t i = 0; i < 9; i++) {
        cx_dfg_edge e = edge_of(g, i);
        assert_string_equal(e.from_name, order[i][0]);
        assert_string_equal(e.to_name, order[i][1]);
        assert_close(e.total_seconds, seconds[i], 1e-12);
    }
    cx_dfg_free(g);
    /* Collapsing repeats drops chat->chat; chat->call is timed from the
     * last chat (60 s) to the call (200 s): 140 s. chat now counts 2 events. */
    o = (cx_dfg_options)CX_DFG_OPTIONS_INIT;
    o.collapse_repeats = 1;
    assert_ok(cx_journey_dfg(&g, j, &o));
    size_t edges;
    assert_ok(cx_dfg_count(NULL, &edges, g));
    assert_int_equal(edges, 8);
    for (size_t i = 0; i < edges; i++) {
        cx_dfg_edge e = edge_of(g, i);
        assert_false(strcmp(e.from_name, "chat") == 0 && strcmp(e.to_name, "chat") == 0);
        if (strcmp(e.from_name, "chat") == 0 && strcmp(e.to_name, "call") == 0)
            assert_close(e.total_seconds, 140, 1e-12);
    }
    cx_dfg_free(g);
    /* Stage level: aw->cons 5 (c1 c2 c3 c5 c7), cons->pur 4 (c1 c2 c5 c7),
     * cons->cons 2 (c2 chat->web,
     * c6 chat->chat), then one each of cons->aw, cons->svc, pur->svc,
     * svc->pur: 7 edges over 4 stages. */
    o = (cx_dfg_options)CX_DFG_OPTIONS_INIT;
    o.level = CX_JOURNEY_LEVEL_STAGE;
    assert_ok(cx_journey_dfg(&g, j, &o));
    size_t nodes;
    assert_ok(cx_dfg_count(&nodes, &edges, g));
    assert_int_equal(nodes, 4);
    assert_int_equal(edges, 7);
    assert_edge(g, 0, "awareness", "consideration", 5);
    assert_edge(g, 1, "consideration", "purchase", 4);
    assert_edge(g, 2, "consideration", "consideration", 2);
    cx_dfg_free(g);
    /* Channel level: social, web, chat, phone. */
    o.level = CX_JOURNEY_LEVEL_CHANNEL;
    assert_ok(cx_journey_dfg(&g, j, &o));
    assert_ok(cx_dfg_count(&nodes, NULL, g));
    assert_int_equal(nodes, 4);
    cx_dfg_free(g);
    o.order = (cx_dfg_order)0;
    assert_status(cx_journey_dfg(&g, j, &o), CX_EINVAL);
    assert_error_mentions("order 0");
    o.order = CX_DFG_ORDER_COUNT;
    o.version = 3;
    assert_status(cx_journey_dfg(&g, j, &o), CX_EVERSION);
    assert_null(g);
    cx_journey_free(j);
}

/* Transitions spanning the whole accepted time range: 40,000 cases of ad
 * at 0 ms then web at CX_JOURNEY_TIMESTAMP_MAX. By hand: each transition
 * lasts 253,402,300,799.999 s; their sum, 40,000 x that =
 * 10,136,092,031,999,960 s (1.01e19 ms), is past what 64-bit milliseconds
 * hold (9.22e18), so the sum must not wrap. One web -> buy transition of
 * 1 s ranks after it by time x volume. */
static void test_journey_dfg_long_transitions(void **state)
{
    (void)state;
    enum { CASES = 40000 };
    cx_touchpoint_registry *fixture_reg = fixture_registry();
    cx_journey_options jo = fixture_options();
    jo.inactivity_gap_ms = 0; /* one case per customer, however long */
    cx_journey *j = NULL;
    assert_ok(cx_journey_new(&j, fixture_reg, &jo));
    cx_touchpoint_registry_free(fixture_reg);
    const cx_touchpoint_registry *reg;
    assert_ok(cx_journey_touchpoints(&reg, j));
    uint32_t ad, web, buy;
    assert_ok(cx_touchpoint_find(&ad, reg, "ad"));
    assert_ok(cx_touchpoint_find(&web, reg, "web"));
    assert_ok(cx_touchpoint_find(&buy, reg, "buy"));
    uint32_t *customers = malloc(2 * CASES * sizeof *customers), *tps = malloc(2 * CASES * sizeof *tps);
    int64_t *ts = malloc(2 * CASES * sizeof *ts);
    assert_non_null(customers);
    assert_non_null(tps);
    assert_non_null(ts);
    char id[16];
    for (size_t c = 0; c < CASES; c++) {
        snprintf(id, sizeof id, "u%zu", c);
        assert_ok(cx_journey_intern_customer(&customers[2 * c], j, id));
        customers[2 * c + 1] = customers[2 * c];
        tps[2 * c] = ad;
        tps[2 * c + 1] = web;
        ts[2 * c] = 0;
        ts[2 * c + 1] = CX_JOURNEY_TIMESTAMP_MAX;
    }
    assert_ok(cx_journey_observe_ids(j, customers, tps, ts, NULL, 2 * CASES));
    assert_ok(cx_journey_observe(j, "short", "web", 1000, NAN));
    assert_ok(cx_journey_observe(j, "short", "buy", 2000, NAN));
    cx_dfg_options o = CX_DFG_OPTIONS_INIT;
    o.order = CX_DFG_ORDER_TOTAL_TIME;
    cx_dfg *g = NULL;
    assert_ok(cx_journey_dfg(&g, j, &o));
    cx_dfg_edge e = edge_of(g, 0);
    assert_string_equal(e.from_name, "ad");
    assert_string_equal(e.to_name, "web");
    assert_int_equal(e.count, CASES);
    assert_close(e.total_seconds, 10136092031999960.0, 1e-12 * 10136092031999960.0);
    assert_close(e.mean_seconds, 253402300799.999, 1e-12 * 253402300799.999);
    e = edge_of(g, 1);
    assert_string_equal(e.from_name, "web");
    assert_close(e.total_seconds, 1, 0);
    cx_dfg_free(g);
    free(customers);
    free(tps);
    free(ts);
    cx_journey_free(j);
}

static void test_journey_dot_export(void **state)
{
    (void)state;
    cx_journey *j = fixture_journey();
    cx_dfg *g = NULL;
    assert_ok(cx_journey_dfg(&g, j, NULL));
    cx_buffer b = CX_BUFFER_INIT;
    assert_ok(cx_dfg_to_dot(&b, g));
    assert_ok(cx_dfg_to_dot(&b, g)); /* appends a second copy */
    const char *first = strstr(b.data, "digraph journey {\n");
    assert_non_null(first);
    assert_non_null(strstr(first + 1, "digraph journey {\n"));
    /* ad is node 0 with 7 events, starts 6 cases, ends 2. */
    assert_non_null(strstr(b.data, "  n0 [label=\"ad\\n7\"];\n"));
    assert_non_null(strstr(b.data, "  start -> n0 [label=\"6\", style=dashed];\n"));
    assert_non_null(strstr(b.data, "  n0 -> end [label=\"2\", style=dashed];\n"));
    /* ad -> web: 4 transitions (the most: pen width 1 + 4 x 4/4), median 80 s = 1.3 min. */
    assert_non_null(strstr(b.data, "  n0 -> n1 [label=\"4\\n1.3 min\", penwidth=5.00];\n"));
    /* web -> ad: 30 s. */
    assert_non_null(strstr(b.data, "  n1 -> n0 [label=\"1\\n30 s\", penwidth=2.00];\n"));
    /* buy -> call: 1 transition (1 + 4 x 1/4), 3400 s = 56.7 min. */
    assert_non_null(strstr(b.data, "  n3 -> n4 [label=\"1\\n56.7 min\", penwidth=2.00];\n"));
    assert_int_equal(b.data[b.size - 2], '}');
    assert_int_equal(strlen(b.data), b.size);
    cx_buffer_dispose(&b);
    assert_status(cx_dfg_to_dot(NULL, g), CX_EINVAL);
    cx_dfg_free(g);
    cx_journey_free(j);
}

/* ---- JSON ------------------------------------------------------------- */

static void test_journey_json_export(void **state)
{
    (void)state;
    cx_journey_options o = CX_JOURNEY_OPTIONS_INIT;
    o.auto_register = 1;
    cx_journey *j = NULL;
    assert_ok(cx_journey_new(&j, NULL, &o));
    /* a: x@0 y@1.5 s; b: x@0; "q\"t" needs escaping. */
    assert_ok(cx_journey_observe(j, "a", "x", 0, NAN));
    assert_ok(cx_journey_observe(j, "a", "y", 1500, NAN));
    assert_ok(cx_journey_observe(j, "b", "x", 0, NAN));
    assert_ok(cx_journey_observe(j, "c", "q\"t", 7, NAN));
    cx_buffer b = CX_BUFFER_INIT;
    assert_ok(cx_journey_to_json(&b, j, NULL));
    /* Three variants of one case each: [q"t], [x], [x, y] by names (the
     * quote sorts before letters); one edge x->y taking 1.5 s, lost (the
     * journey has no goal, so no case converts). */
    assert_string_equal(b.data,
        "{\"events\": 4, \"customers\": 3, \"cases\": 3, \"variants\": ["
        "{\"path\": [\"q\\\"t\"], \"count\": 1, \"share\": 0.333333333333333, \"goals\": 0}, "
        "{\"path\": [\"x\"], \"count\": 1, \"share\": 0.333333333333333, \"goals\": 0}, "
        "{\"path\": [\"x\", \"y\"], \"count\": 1, \"share\": 0.333333333333333, \"goals\": 0}], "
        "\"edges\": [{\"from\": \"x\", \"to\": \"y\", \"count\": 1, \"cases\": 1, \"lost\": 1, "
        "\"mean_seconds\": 1.5, \"median_seconds\": 1.5, \"p90_seconds\": 1.5}]}\n");
    size_t first = b.size;
    cx_journey_json_options jo = CX_JOURNEY_JSON_OPTIONS_INIT;
    jo.top_k = 1;
    assert_ok(cx_journey_to_json(&b, j, &jo)); /* appended */
    assert_non_null(strstr(b.data + first, "\"variants\": [{\"path\": [\"q\\\"t\"]"));
    assert_null(strstr(b.data + first, "\"path\": [\"x\"]"));
    jo.level = (cx_journey_level)0;
    assert_status(cx_journey_to_json(&b, j, &jo), CX_EINVAL);
    jo.level = CX_JOURNEY_LEVEL_TOUCHPOINT;
    jo.version = 5;
    assert_status(cx_journey_to_json(&b, j, &jo), CX_EVERSION);
    cx_buffer_dispose(&b);
    cx_journey_free(j);

    /* An empty journey exports empty lists; a customer without events
     * counts as a customer but has no case. */
    assert_ok(cx_journey_new(&j, NULL, NULL));
    uint32_t index;
    assert_ok(cx_journey_intern_customer(&index, j, "nobody"));
    b = (cx_buffer)CX_BUFFER_INIT;
    assert_ok(cx_journey_to_json(&b, j, NULL));
    assert_string_equal(b.data, "{\"events\": 0, \"customers\": 1, \"cases\": 0, \"variants\": [], \"edges\": []}\n");
    cx_buffer_dispose(&b);
    cx_journey_free(j);

    /* With stages the object also has the funnel. */
    j = fixture_journey();
    char *text = journey_json(j);
    assert_non_null(strstr(text, "\"cases\": 9, "));
    assert_non_null(strstr(text, "\"funnel\": [{\"stage\": \"awareness\", \"goal\": false, \"entered\": 7, "));
    assert_non_null(strstr(text, "{\"stage\": \"purchase\", \"goal\": true, \"entered\": 3, \"step_rate\": 0.6, "));
    free(text);
    cx_journey_free(j);
}

/* ---- merging ------------------------------------------------------------ */

static cx_journey *fixture_subset(bool (*keep)(const fixture_event *))
{
    cx_journey *j = fixture_empty();
    for (size_t i = 0; i < FIXTURE_EVENTS; i++)
        if (keep(&fixture_events[i]))
            assert_ok(cx_journey_observe(j, fixture_events[i].customer, fixture_events[i].touchpoint,
                                         fixture_events[i].seconds * 1000, fixture_events[i].outcome));
    return j;
}

static bool first_customers(const fixture_event *e) { return strcmp(e->customer, "c5") < 0; }
static bool last_customers(const fixture_event *e) { return !first_customers(e); }
static bool early(const fixture_event *e) { return e->seconds < 150; }
static bool late(const fixture_event *e) { return !early(e); }

static void test_journey_merge_shards(void **state)
{
    (void)state;
    cx_journey *whole = fixture_journey();
    char *expected = journey_json(whole);
    bool (*const splits[][2])(const fixture_event *) = { { first_customers, last_customers }, { early, late },
                                                        { late, early } };
    for (size_t s = 0; s < 3; s++) {
        cx_journey *a = fixture_subset(splits[s][0]);
        cx_journey *b = fixture_subset(splits[s][1]);
        char *before_b = journey_json(b); /* also builds b's paths */
        assert_ok(cx_journey_merge(a, b));
        char *merged = journey_json(a);
        assert_string_equal(merged, expected);
        char *after_b = journey_json(b);
        assert_string_equal(after_b, before_b);
        cx_journey_summary sa = summary_of(a);
        assert_int_equal(sa.outcomes, 5);
        assert_int_equal(sa.customers, 8);
        free(merged);
        free(before_b);
        free(after_b);
        cx_journey_free(a);
        cx_journey_free(b);
    }
    free(expected);
    cx_journey_free(whole);
}

static void test_journey_merge_registers_and_rejects(void **state)
{
    (void)state;
    cx_journey_options o = fixture_options();
    cx_journey *small = NULL;
    assert_ok(cx_journey_new(&small, NULL, &o)); /* no touchpoints at all */
    cx_journey *full = fixture_journey();
    assert_ok(cx_journey_merge(small, full));
    const cx_touchpoint_registry *reg;
    assert_ok(cx_journey_touchpoints(&reg, small));
    cx_touchpoint_info info = CX_TOUCHPOINT_INFO_INIT;
    uint32_t index;
    assert_ok(cx_touchpoint_find(&index, reg, "call"));
    assert_ok(cx_touchpoint_get(&info, reg, index));
    assert_int_equal(info.channel, CX_CHANNEL_PHONE);
    assert_string_equal(info.stage, "service");
    char *a = journey_json(small), *b = journey_json(full);
    assert_string_equal(a, b);
    free(a);
    free(b);

    /* A touchpoint of another channel, another gap, other stages. */
    cx_journey *clash = NULL;
    assert_ok(cx_journey_new(&clash, NULL, &o));
    cx_touchpoint_info call = CX_TOUCHPOINT_INFO_INIT;
    call.id = "call";
    call.channel = CX_CHANNEL_CHAT;
    call.stage = "service";
    assert_ok(cx_journey_add_touchpoint(NULL, clash, &call));
    assert_ok(cx_journey_observe(clash, "z", "call", 5, NAN));
    char *clash_before = journey_json(clash);
    assert_status(cx_journey_merge(clash, full), CX_ESTATE);
    assert_error_mentions("touchpoint \"call\" has channel chat");
    char *clash_after = journey_json(clash);
    assert_string_equal(clash_before, clash_after);
    assert_int_equal(summary_of(clash).customers, 1);
    free(clash_before);
    free(clash_after);
    cx_journey *other = NULL;
    o.inactivity_gap_ms = 5;
    assert_ok(cx_journey_new(&other, NULL, &o));
    assert_status(cx_journey_merge(other, full), CX_ESTATE);
    assert_error_mentions("inactivity gaps differ (5 and 86400000 ms)");
    cx_journey_free(other);
    o = fixture_options();
    o.goal_count = 0;
    assert_ok(cx_journey_new(&other, NULL, &o));
    assert_status(cx_journey_merge(other, full), CX_ESTATE);
    assert_error_mentions("stage 2 differs");
    cx_journey_free(other);
    o.stage_count = 2;
    assert_ok(cx_journey_new(&other, NULL, &o));
    assert_status(cx_journey_merge(other, full), CX_ESTATE);
    assert_error_mentions("2 and 4 stages");
    cx_journey_free(other);
    assert_status(cx_journey_merge(full, full), CX_EINVAL);
    assert_status(cx_journey_merge(NULL, full), CX_EINVAL);
    cx_journey_free(clash);
    cx_journey_free(small);
    cx_journey_free(full);
}

/* ---- bad input ---------------------------------------------------------- */

/* Runs a failing observe_many; the journey must be exactly as before. */
static void expect_batch_rejected(cx_journey *j, const char *const *customers, const char *const *tps,
                                  const int64_t *ts, const double *outcomes, size_t n, int status,
                                  const char *fragment)
{
    char *before = journey_json(j);
    cx_journey_summary s0 = summary_of(j);
    assert_status(cx_journey_observe_many(j, customers, tps, ts, outcomes, n), status);
    assert_error_mentions(fragment);
    char *after = journey_json(j);
    cx_journey_summary s1 = summary_of(j);
    assert_string_equal(before, after);
    assert_int_equal(s0.events, s1.events);
    assert_int_equal(s0.customers, s1.customers);
    assert_int_equal(s0.outcomes, s1.outcomes);
    assert_int_equal(s0.touchpoints, s1.touchpoints);
    free(before);
    free(after);
}

static void test_journey_rejects_bad_events(void **state)
{
    (void)state;
    cx_journey *j = fixture_journey();
    char long_id[CX_JOURNEY_CUSTOMER_ID_MAX + 2];
    memset(long_id, 'c', sizeof long_id - 1);
    long_id[sizeof long_id - 1] = '\0';
    const char *tps[] = { "ad", "web", "buy" };
    int64_t ts[] = { 1000, 2000, 3000 };
    /* Each batch has new customers before the bad event: none may stay. */
    const char *empty[] = { "n1", "n2", "" };
    expect_batch_rejected(j, empty, tps, ts, NULL, 3, CX_EINVAL, "events[2]: customer id is empty");
    const char *too_long[] = { "n1", long_id, "n3" };
    expect_batch_rejected(j, too_long, tps, ts, NULL, 3, CX_EINVAL, "events[1]: customer id \"cccc");
    expect_batch_rejected(j, too_long, tps, ts, NULL, 3, CX_EINVAL, "longer than 256 bytes");
    const char *bad_utf8[] = { "n1", "n2", "caf\xC3" };
    expect_batch_rejected(j, bad_utf8, tps, ts, NULL, 3, CX_EINVAL, "events[2]: customer id is not valid UTF-8 (byte 3)");
    const char *null_id[] = { "n1", NULL, "n3" };
    expect_batch_rejected(j, null_id, tps, ts, NULL, 3, CX_EINVAL, "events[1]: customer id is NULL");
    const char *customers[] = { "n1", "n2", "n3" };
    const char *unknown[] = { "ad", "chekout", "buy" };
    expect_batch_rejected(j, customers, unknown, ts, NULL, 3, CX_ENOTFOUND,
                          "events[1]: touchpoint \"chekout\" is not registered");
    const char *empty_tp[] = { "ad", "web", "" };
    expect_batch_rejected(j, customers, empty_tp, ts, NULL, 3, CX_EINVAL, "events[2]: touchpoint id is empty");
    char long_tp[CX_TOUCHPOINT_ID_MAX + 2];
    memset(long_tp, 't', sizeof long_tp - 1);
    long_tp[sizeof long_tp - 1] = '\0';
    const char *too_long_tp[] = { long_tp, "web", "buy" };
    expect_batch_rejected(j, customers, too_long_tp, ts, NULL, 3, CX_EINVAL, "events[0]: touchpoint id \"tttt");
    const char *bad_tp[] = { "ad", "\xED\xA0\x80", "buy" }; /* a UTF-16 surrogate */
    expect_batch_rejected(j, customers, bad_tp, ts, NULL, 3, CX_EINVAL, "events[1]: touchpoint id is not valid UTF-8");
    int64_t negative[] = { 1000, -1, 3000 };
    expect_batch_rejected(j, customers, tps, negative, NULL, 3, CX_ERANGE, "events[1]: timestamp -1 ms is outside");
    int64_t overflow[] = { 1000, 2000, CX_JOURNEY_TIMESTAMP_MAX + 1 };
    expect_batch_rejected(j, customers, tps, overflow, NULL, 3, CX_ERANGE,
                          "events[2]: timestamp 253402300800000 ms is outside 0..253402300799999");
    double outcomes[] = { 5, -INFINITY, NAN };
    expect_batch_rejected(j, customers, tps, ts, outcomes, 3, CX_ERANGE, "events[1]: outcome -inf is infinite");
    expect_batch_rejected(j, NULL, tps, ts, NULL, 3, CX_EINVAL, "customer_ids is NULL");

    /* The single-event call says the same without an index. */
    assert_status(cx_journey_observe(j, "n1", "ad", -5, NAN), CX_ERANGE);
    assert_error_mentions("timestamp -5 ms");
    assert_null(strstr(cx_last_error(), "events["));
    assert_status(cx_journey_observe(j, "", "ad", 5, NAN), CX_EINVAL);
    assert_status(cx_journey_observe(NULL, "n1", "ad", 5, NAN), CX_EINVAL);
    uint32_t index;
    assert_status(cx_journey_intern_customer(&index, j, ""), CX_EINVAL);
    assert_int_equal(summary_of(j).customers, 8);
    /* The limits themselves are accepted. */
    long_id[CX_JOURNEY_CUSTOMER_ID_MAX] = '\0';
    assert_ok(cx_journey_observe(j, long_id, "ad", CX_JOURNEY_TIMESTAMP_MAX, NAN));
    assert_ok(cx_journey_observe(j, "n0", "ad", 0, NAN));
    assert_int_equal(summary_of(j).events, 26);
    cx_journey_free(j);
}

static void expect_new_rejected(const cx_touchpoint_registry *reg, const cx_journey_options *o, int status,
                                const char *fragment)
{
    cx_journey *j = (cx_journey *)o;
    assert_status(cx_journey_new(&j, reg, o), status);
    assert_error_mentions(fragment);
    assert_null(j);
}

static void test_journey_new_rejects_bad_map(void **state)
{
    (void)state;
    cx_journey_options o = fixture_options();
    o.inactivity_gap_ms = -1;
    expect_new_rejected(NULL, &o, CX_EINVAL, "inactivity_gap_ms -1 is negative");
    o = fixture_options();
    o.stage_count = CX_JOURNEY_STAGES_MAX + 1;
    expect_new_rejected(NULL, &o, CX_EINVAL, "65 stages exceed the maximum of 64");
    const char *const twice[] = { "a", "b", "a" };
    o.stages = twice;
    o.stage_count = 3;
    o.goal_count = 0;
    expect_new_rejected(NULL, &o, CX_EINVAL, "stage \"a\" is listed twice (stages[0] and [2])");
    const char *const blank[] = { "a", "" };
    o.stages = blank;
    o.stage_count = 2;
    expect_new_rejected(NULL, &o, CX_EINVAL, "stages[1] is empty");
    const char *const bad[] = { "\xC0\xAF" };
    o.stages = bad;
    o.stage_count = 1;
    expect_new_rejected(NULL, &o, CX_EINVAL, "stages[0] is not valid UTF-8");
    o = fixture_options();
    const char *const goal[] = { "checkout" };
    o.goal_stages = goal;
    expect_new_rejected(NULL, &o, CX_ENOTFOUND, "goal stage \"checkout\" is not one of the 4 stages");
    o = fixture_options();
    o.stages = NULL;
    expect_new_rejected(NULL, &o, CX_EINVAL, "stages or goal_stages is NULL");
    o = fixture_options();
    o.version = 2;
    expect_new_rejected(NULL, &o, CX_EVERSION, "cx_journey_options");
    /* A touchpoint whose stage the map does not have. */
    cx_touchpoint_registry *reg = fixture_registry();
    o = fixture_options();
    o.stage_count = 3; /* no "service" */
    expect_new_rejected(reg, &o, CX_ENOTFOUND, "touchpoint \"call\" is in stage \"service\"");
    cx_touchpoint_registry_free(reg);
    assert_status(cx_journey_new(NULL, NULL, NULL), CX_EINVAL);
    /* Defaults: no stages, no splitting. */
    cx_journey *j = NULL;
    assert_ok(cx_journey_new(&j, NULL, NULL));
    size_t n = 9;
    assert_ok(cx_journey_stage_count(&n, j));
    assert_int_equal(n, 0);
    cx_journey_free(j);
}

static void test_journey_struct_inits(void **state)
{
    (void)state;
    cx_journey_options jo;
    cx_funnel_options fo;
    cx_funnel_step fs;
    cx_funnel_summary fsum;
    cx_variant_options vo;
    cx_variant v;
    cx_dfg_options go;
    cx_dfg_node gn;
    cx_dfg_edge ge;
    cx_journey_summary js;
    cx_journey_json_options xo;
    memset(&fo, 0xFF, sizeof fo);
    assert_ok(cx_funnel_options_init(&fo, CX_FUNNEL_OPTIONS_VERSION));
    assert_close(fo.confidence, 0.95, 0);
    assert_int_equal(fo.from_ms, 0);
    assert_true(fo.to_ms == INT64_MAX);
    assert_ok(cx_journey_options_init(&jo, 1));
    assert_int_equal(jo.inactivity_gap_ms, 0);
    assert_ok(cx_funnel_step_init(&fs, 1));
    assert_ok(cx_funnel_summary_init(&fsum, 1));
    assert_ok(cx_variant_options_init(&vo, 1));
    assert_int_equal(vo.level, CX_JOURNEY_LEVEL_TOUCHPOINT);
    assert_ok(cx_variant_init(&v, 1));
    assert_ok(cx_dfg_options_init(&go, 1));
    assert_int_equal(go.order, CX_DFG_ORDER_COUNT);
    assert_ok(cx_dfg_node_init(&gn, 1));
    assert_ok(cx_dfg_edge_init(&ge, 1));
    assert_ok(cx_journey_summary_init(&js, 1));
    assert_ok(cx_journey_json_options_init(&xo, 1));
    assert_int_equal(xo.top_k, 0);
    assert_status(cx_journey_options_init(&jo, 2), CX_EVERSION);
    assert_status(cx_funnel_options_init(&fo, 0), CX_EINVAL);
    assert_status(cx_dfg_edge_init(NULL, 1), CX_EINVAL);
    assert_status(cx_variant_init(&v, 99), CX_EVERSION);
    assert_status(cx_journey_summary_init(&js, 2), CX_EVERSION);
}

/* ---- allocation failures ------------------------------------------------ */

static int oom_analyses(cx_journey *j)
{
    cx_funnel *f = NULL;
    cx_variants *v = NULL;
    cx_dfg *g = NULL;
    cx_buffer b = CX_BUFFER_INIT;
    cx_variant_options vo = CX_VARIANT_OPTIONS_INIT;
    vo.level = CX_JOURNEY_LEVEL_STAGE;
    vo.collapse_repeats = 1;
    int rc = cx_journey_funnel(&f, j, NULL);
    if (rc == CX_OK)
        rc = cx_journey_variants(&v, j, &vo);
    if (rc == CX_OK)
        rc = cx_journey_dfg(&g, j, NULL);
    if (rc == CX_OK)
        rc = cx_dfg_to_dot(&b, g);
    if (rc == CX_OK) {
        size_t before = b.size;
        rc = cx_journey_to_json(&b, j, NULL);
        if (rc != CX_OK && b.size != before)
            rc = CX_ESTATE; /* a failed export must leave the buffer as it was */
    }
    cx_buffer_dispose(&b);
    cx_dfg_free(g);
    cx_variants_free(v);
    cx_funnel_free(f);
    return rc;
}

static int oom_scenario(void *ctx)
{
    (void)ctx;
    cx_touchpoint_registry *reg = NULL;
    cx_journey *j = NULL, *other = NULL;
    cx_journey_options o = fixture_options();
    o.auto_register = 1;
    int rc = cx_touchpoint_registry_new(&reg);
    for (int i = 0; i < 5 && rc == CX_OK; i++) {
        static const char *const ids[] = { "ad", "web", "chat", "buy", "call" };
        cx_touchpoint_info info = CX_TOUCHPOINT_INFO_INIT;
        info.id = ids[i];
        info.stage = fixture_stages[i == 0 ? 0 : i < 3 ? 1 : i == 3 ? 2 : 3];
        rc = cx_touchpoint_add(NULL, reg, &info);
    }
    if (rc == CX_OK)
        rc = cx_journey_new(&j, reg, &o);
    if (rc == CX_OK)
        rc = cx_journey_new(&other, reg, &o);
    const char *customers[FIXTURE_EVENTS], *tps[FIXTURE_EVENTS];
    int64_t ts[FIXTURE_EVENTS];
    for (size_t i = 0; i < FIXTURE_EVENTS; i++) {
        customers[i] = fixture_events[i].customer;
        tps[i] = i == 5 ? "new-touchpoint" : fixture_events[i].touchpoint; /* auto-registered */
        ts[i] = fixture_events[i].seconds * 1000;
    }
    if (rc == CX_OK) {
        rc = cx_journey_observe_many(j, customers, tps, ts, NULL, FIXTURE_EVENTS);
        cx_journey_summary s = CX_JOURNEY_SUMMARY_INIT;
        if (rc == CX_ENOMEM && cx_journey_get_summary(&s, j) == CX_OK && (s.events != 0 || s.customers != 0 || s.touchpoints != 5))
            rc = CX_ESTATE; /* a failed batch must leave nothing behind */
    }
    if (rc == CX_OK)
        rc = oom_analyses(j);
    if (rc == CX_OK)
        rc = cx_journey_observe(other, "late", "ad", 5, NAN);
    if (rc == CX_OK) {
        rc = cx_journey_merge(other, j);
        cx_journey_summary s = CX_JOURNEY_SUMMARY_INIT;
        if (rc == CX_ENOMEM && cx_journey_get_summary(&s, other) == CX_OK && (s.events != 1 || s.customers != 1 || s.touchpoints != 5))
            rc = CX_ESTATE; /* a failed merge must leave nothing behind */
    }
    if (rc == CX_OK)
        rc = oom_analyses(other);
    cx_journey_free(other);
    cx_journey_free(j);
    cx_touchpoint_registry_free(reg);
    return rc;
}

static void test_journey_out_of_memory(void **state)
{
    (void)state;
    long points = cx_test_each_allocation_fails(oom_scenario, NULL);
    assert_true(points > 300);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_journey_counts_and_cases),
        cmocka_unit_test(test_journey_arrival_order_does_not_matter),
        cmocka_unit_test(test_journey_gap_zero_keeps_one_case_per_customer),
        cmocka_unit_test(test_journey_observe_ids),
        cmocka_unit_test(test_journey_auto_register),
        cmocka_unit_test(test_journey_registry_outlives_growth),
        cmocka_unit_test(test_journey_touchpoint_limit),
        cmocka_unit_test(test_journey_funnel_hand_checked),
        cmocka_unit_test(test_journey_funnel_periods_compare),
        cmocka_unit_test(test_journey_funnel_rejects_bad_options),
        cmocka_unit_test(test_journey_variants),
        cmocka_unit_test(test_journey_variants_rank_large_counts),
        cmocka_unit_test(test_journey_dfg_hand_checked),
        cmocka_unit_test(test_journey_bottleneck_rankings),
        cmocka_unit_test(test_journey_dfg_long_transitions),
        cmocka_unit_test(test_journey_dot_export),
        cmocka_unit_test(test_journey_json_export),
        cmocka_unit_test(test_journey_merge_shards),
        cmocka_unit_test(test_journey_merge_registers_and_rejects),
        cmocka_unit_test(test_journey_rejects_bad_events),
        cmocka_unit_test(test_journey_new_rejects_bad_map),
        cmocka_unit_test(test_journey_struct_inits),
        cmocka_unit_test(test_journey_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
