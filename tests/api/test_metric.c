/*
 * Black-box tests of the metric calculators (linked against libcx.so).
 *
 * Expected figures come from tests/reference/metric_reference.py, which
 * computes them with numpy, scipy and statsmodels from the published
 * definitions (docs/metrics.md); the name after "ref:" is the line of that
 * script's output. Hand calculations are shown where they are short.
 */
#include "harness.h"

static cx_metric *new_metric(cx_metric_kind kind, const cx_metric_options *opts)
{
    cx_metric *m = NULL;
    assert_ok(cx_metric_new(&m, kind, opts));
    assert_non_null(m);
    return m;
}

static cx_metric *filled(cx_metric_kind kind, const cx_metric_options *opts, const double *v, size_t n)
{
    cx_metric *m = new_metric(kind, opts);
    assert_ok(cx_metric_add_many(m, v, n));
    return m;
}

static cx_metric_result result_of(const cx_metric *m)
{
    cx_metric_result r = CX_METRIC_RESULT_INIT;
    assert_ok(cx_metric_get_result(m, &r));
    return r;
}

/* Repeats `value` `count` times into v starting at *n. */
static void repeat(double *v, size_t *n, double value, int count)
{
    for (int i = 0; i < count; i++)
        v[(*n)++] = value;
}

static const double nps_a[] = { 9, 10, 7, 0, 3, 10, 8, 6, 9, 5 };

static size_t nps_b(double *v)
{
    size_t n = 0;
    repeat(v, &n, 10, 30); repeat(v, &n, 9, 25); repeat(v, &n, 8, 20);
    repeat(v, &n, 7, 10); repeat(v, &n, 6, 8); repeat(v, &n, 3, 7);
    return n;
}

static size_t nps_c(double *v)
{
    size_t n = 0;
    repeat(v, &n, 10, 20); repeat(v, &n, 9, 20); repeat(v, &n, 8, 20);
    repeat(v, &n, 7, 15); repeat(v, &n, 5, 15); repeat(v, &n, 1, 10);
    return n;
}

/* ---- NPS -------------------------------------------------------------- */

static void test_metric_nps_hand_checked(void **state)
{
    (void)state;
    cx_metric *m = filled(CX_METRIC_NPS, NULL, nps_a, 10);
    cx_metric_result r = result_of(m);
    /* By hand: 4 promoters, 2 passives, 4 detractors of 10 -> 100 (0.4 - 0.4) = 0;
     * SE = 100 sqrt((0.4 + 0.4 - 0) / 10) = 28.2843. ref: nps_A */
    assert_int_equal(r.kind, CX_METRIC_NPS);
    assert_close(r.value, 0.0, 1e-12);
    assert_close(r.std_error, 28.2842712475, 1e-9);
    assert_close(r.ci_low, -46.4693439677, 1e-9);
    assert_close(r.ci_high, 46.4693439677, 1e-9);
    assert_close(r.promoters, 0.4, 1e-15);
    assert_close(r.passives, 0.2, 1e-15);
    assert_close(r.detractors, 0.4, 1e-15);
    assert_int_equal(r.count, 10);
    assert_close(r.weight, 10, 0);
    assert_close(r.effective_n, 10, 0);
    assert_close(r.min, 0, 0);
    assert_close(r.max, 10, 0);
    assert_close(r.mean, 6.7, 1e-12); /* 67 / 10 */
    assert_close(r.confidence, 0.95, 0);
    cx_metric_free(m);
}

static void test_metric_nps_wald_and_confidence(void **state)
{
    (void)state;
    cx_metric_options o = CX_METRIC_OPTIONS_INIT;
    o.ci_method = CX_CI_WALD;
    cx_metric *m = filled(CX_METRIC_NPS, &o, nps_a, 10);
    cx_metric_result r = result_of(m);
    assert_close(r.ci_low, -55.436152974, 1e-8); /* ref: nps_A_wald */
    assert_close(r.ci_high, 55.436152974, 1e-8);
    cx_metric_free(m);

    double v[100];
    size_t n = nps_b(v);
    m = filled(CX_METRIC_NPS, NULL, v, n);
    r = result_of(m);
    assert_close(r.value, 40, 1e-12); /* ref: nps_B */
    assert_close(r.std_error, 7.34846922835, 1e-9);
    assert_close(r.ci_low, 24.5994399823, 1e-9);
    assert_close(r.ci_high, 53.0704629303, 1e-9);
    cx_metric_free(m);

    cx_metric_options o90 = CX_METRIC_OPTIONS_INIT;
    o90.confidence = 0.90;
    m = filled(CX_METRIC_NPS, &o90, v, n);
    r = result_of(m);
    assert_close(r.ci_low, 26.8881336248, 1e-9); /* ref: nps_B_90 */
    assert_close(r.ci_high, 50.7817692878, 1e-9);
    cx_metric_free(m);
}

static void test_metric_nps_compare(void **state)
{
    (void)state;
    double vb[100], vc[100];
    size_t nb = nps_b(vb), nc = nps_c(vc);
    cx_metric *b = filled(CX_METRIC_NPS, NULL, vb, nb);
    cx_metric *c = filled(CX_METRIC_NPS, NULL, vc, nc);
    cx_comparison cmp = CX_COMPARISON_INIT;
    assert_ok(cx_metric_compare(b, c, &cmp));
    /* ref: nps_compare_B_C (adjusted-Wald estimates, normal test) */
    assert_int_equal(cmp.method, CX_TEST_NET_Z);
    assert_close(cmp.difference, 25, 1e-12);
    assert_close(cmp.std_error, 10.647858948, 1e-8);
    assert_close(cmp.z, 2.27950471345, 1e-9);
    assert_close(cmp.p_value, 0.0226370801021, 1e-11);
    assert_close(cmp.ci_low, 3.40242460958, 1e-8);
    assert_close(cmp.ci_high, 45.1412647108, 1e-8);
    assert_true(isinf(cmp.df));
    /* Comparing the other way flips signs, not the p-value. */
    cx_comparison back = CX_COMPARISON_INIT;
    assert_ok(cx_metric_compare(c, b, &back));
    assert_close(back.difference, -25, 1e-12);
    assert_close(back.p_value, cmp.p_value, 1e-15);
    cx_metric_free(b);
    cx_metric_free(c);
}

static void test_metric_nps_weighted(void **state)
{
    (void)state;
    const double scores[] = { 10, 9, 8, 7, 6, 0, 10, 3 };
    const double weights[] = { 1.0, 2.0, 0.5, 1.5, 1.0, 3.0, 2.0, 1.0 };
    cx_metric *m = new_metric(CX_METRIC_NPS, NULL);
    assert_ok(cx_metric_add_many_weighted(m, scores, weights, 8));
    cx_metric_result r = result_of(m);
    /* By hand: W = 12, promoters 5/12, detractors 5/12 -> 0; Kish n = 144 / 22.5 = 6.4. ref: nps_weighted */
    assert_close(r.value, 0, 1e-12);
    assert_close(r.effective_n, 6.4, 1e-12);
    assert_close(r.std_error, 36.0843918244, 1e-9);
    assert_close(r.weight, 12, 1e-12);
    assert_int_equal(r.count, 8);
    /* One at a time gives the same. */
    cx_metric *one = new_metric(CX_METRIC_NPS, NULL);
    for (int i = 0; i < 8; i++)
        assert_ok(cx_metric_add_weighted(one, scores[i], weights[i]));
    cx_metric_result r1 = result_of(one);
    assert_close(r1.std_error, r.std_error, 1e-12);
    cx_metric_free(one);
    cx_metric_free(m);
}

/* ---- CSAT, CES, FCR --------------------------------------------------- */

static size_t csat_sample(double *v)
{
    size_t n = 0;
    repeat(v, &n, 5, 20); repeat(v, &n, 4, 17); repeat(v, &n, 3, 6);
    repeat(v, &n, 2, 4); repeat(v, &n, 1, 3);
    return n;
}

static void test_metric_csat_top_box_and_mean(void **state)
{
    (void)state;
    double v[64];
    size_t n = csat_sample(v);
    cx_metric *m = filled(CX_METRIC_CSAT, NULL, v, n);
    cx_metric_result r = result_of(m);
    /* 37 of 50 answers are 4 or 5 -> 74 %. ref: csat (statsmodels Wilson) */
    assert_close(r.value, 74, 1e-12);
    assert_close(r.std_error, 6.20322496771, 1e-9);
    assert_close(r.ci_low, 60.4468427352, 1e-9);
    assert_close(r.ci_high, 84.1284725064, 1e-9);
    assert_close(r.promoters, 0.74, 1e-15);
    cx_metric_free(m);

    cx_metric_options o = CX_METRIC_OPTIONS_INIT;
    o.variant = CX_CSAT_MEAN;
    m = filled(CX_METRIC_CSAT, &o, v, n);
    r = result_of(m);
    assert_close(r.value, 3.94, 1e-12); /* ref: csat_mean (t quantile by mpmath) */
    assert_close(r.std_error, 0.167600107155, 1e-10);
    assert_close(r.ci_low, 3.60319497492, 1e-9);
    assert_close(r.ci_high, 4.27680502508, 1e-9);
    cx_metric_free(m);

    /* A 1..10 scale: top-two box by default is 9..10. */
    cx_metric_options o10 = CX_METRIC_OPTIONS_INIT;
    o10.scale_min = 1;
    o10.scale_max = 10;
    m = new_metric(CX_METRIC_CSAT, &o10);
    const double ten[] = { 10, 9, 8, 1 };
    assert_ok(cx_metric_add_many(m, ten, 4));
    r = result_of(m);
    assert_close(r.value, 50, 1e-12);
    cx_metric_options got = CX_METRIC_OPTIONS_INIT;
    assert_ok(cx_metric_get_options(&got, m));
    assert_close(got.threshold, 9, 0);
    assert_int_equal(got.variant, CX_CSAT_TOP_BOX);
    assert_int_equal(got.ci_method, CX_CI_WILSON);
    cx_metric_free(m);
}

static void test_metric_csat_compare(void **state)
{
    (void)state;
    double v[64];
    size_t n = csat_sample(v);
    cx_metric *a = filled(CX_METRIC_CSAT, NULL, v, n);
    cx_metric *b = new_metric(CX_METRIC_CSAT, NULL);
    for (int i = 0; i < 60; i++)
        assert_ok(cx_metric_add(b, i < 30 ? 5 : 2)); /* 30 of 60 */
    cx_comparison c = CX_COMPARISON_INIT;
    assert_ok(cx_metric_compare(a, b, &c));
    /* ref: csat_compare (statsmodels proportions_ztest; Newcombe method 10) */
    assert_int_equal(c.method, CX_TEST_TWO_PROPORTION_Z);
    assert_close(c.difference, 24, 1e-12);
    assert_close(c.z, 2.56860061683, 1e-9);
    assert_close(c.p_value, 0.0102110064349, 1e-11);
    assert_close(c.ci_low, 5.72111321221, 1e-8);
    assert_close(c.ci_high, 39.9064636444, 1e-8);
    cx_metric_free(a);
    cx_metric_free(b);
}

static size_t ces_sample(double *v)
{
    size_t n = 0;
    repeat(v, &n, 7, 12); repeat(v, &n, 6, 15); repeat(v, &n, 5, 10); repeat(v, &n, 4, 6);
    repeat(v, &n, 3, 4); repeat(v, &n, 2, 2); repeat(v, &n, 1, 1);
    return n;
}

static void test_metric_ces_variants(void **state)
{
    (void)state;
    double v[64];
    size_t n = ces_sample(v);
    cx_metric *m = filled(CX_METRIC_CES, NULL, v, n);
    cx_metric_result r = result_of(m);
    assert_close(r.value, 5.3, 1e-12); /* ref: ces_mean */
    assert_close(r.std_error, 0.216182085006, 1e-10);
    assert_close(r.ci_low, 4.86556583526, 1e-9);
    assert_close(r.ci_high, 5.73443416474, 1e-9);
    cx_metric_free(m);

    cx_metric_options o = CX_METRIC_OPTIONS_INIT;
    o.variant = CX_CES_AGREE;
    m = filled(CX_METRIC_CES, &o, v, n);
    r = result_of(m);
    assert_close(r.value, 74, 1e-12); /* 37 of 50 answer 5..7. ref: ces_agree */
    assert_close(r.ci_low, 60.4468427352, 1e-9);
    assert_close(r.ci_high, 84.1284725064, 1e-9);
    cx_metric_free(m);

    o.variant = CX_CES_NET;
    m = filled(CX_METRIC_CES, &o, v, n);
    r = result_of(m);
    assert_close(r.value, 60, 1e-12); /* 74 % agree - 14 % disagree (1..3). ref: ces_net */
    assert_close(r.std_error, 10.1980390272, 1e-9);
    assert_close(r.promoters, 0.74, 1e-15);
    assert_close(r.detractors, 0.14, 1e-15);
    cx_metric_free(m);

    /* CES 1.0: 1..5, lower is better; a 6 is off the scale. */
    o.variant = CX_CES_V1;
    m = new_metric(CX_METRIC_CES, &o);
    assert_status(cx_metric_add(m, 6), CX_ERANGE);
    assert_error_mentions("outside the CES scale 1..5");
    const double easy[] = { 1, 2, 2, 1 };
    assert_ok(cx_metric_add_many(m, easy, 4));
    assert_close(result_of(m).value, 1.5, 1e-12);
    cx_metric_free(m);
}

static void test_metric_ces_welch(void **state)
{
    (void)state;
    double v[64], w[64];
    size_t n = ces_sample(v), m2 = 0;
    repeat(w, &m2, 7, 5); repeat(w, &m2, 6, 10); repeat(w, &m2, 5, 15); repeat(w, &m2, 4, 10);
    repeat(w, &m2, 3, 6); repeat(w, &m2, 2, 3); repeat(w, &m2, 1, 1);
    cx_metric *a = filled(CX_METRIC_CES, NULL, v, n);
    cx_metric *b = filled(CX_METRIC_CES, NULL, w, m2);
    cx_comparison c = CX_COMPARISON_INIT;
    assert_ok(cx_metric_compare(a, b, &c));
    /* ref: ces_welch (statsmodels ttest_ind usevar="unequal") */
    assert_int_equal(c.method, CX_TEST_WELCH_T);
    assert_close(c.difference, 0.6, 1e-12);
    assert_close(c.std_error, 0.297609523657, 1e-10);
    assert_close(c.z, 2.0160645151, 1e-9);
    assert_close(c.df, 97.7012258379, 1e-7);
    assert_close(c.p_value, 0.0465387359147, 1e-10);
    assert_close(c.ci_low, 0.00938101220602, 1e-9);
    assert_close(c.ci_high, 1.19061898779, 1e-9);
    cx_metric_free(a);
    cx_metric_free(b);
}

static void test_metric_fcr(void **state)
{
    (void)state;
    cx_metric *m = new_metric(CX_METRIC_FCR, NULL);
    for (int i = 0; i < 100; i++)
        assert_ok(cx_metric_add(m, i < 83 ? 1 : 0));
    cx_metric_result r = result_of(m);
    assert_close(r.value, 83, 1e-12); /* ref: fcr */
    assert_close(r.ci_low, 74.4519952324, 1e-9);
    assert_close(r.ci_high, 89.1064338859, 1e-9);
    assert_status(cx_metric_add(m, 2), CX_ERANGE);
    assert_error_mentions("outside the FCR scale 0..1");
    cx_metric_free(m);
}

/* ---- CX Index -------------------------------------------------------- */

static void test_metric_cx_index(void **state)
{
    (void)state;
    const double answers[] = { 5, 4, 3, 2, 2, 1, 4, 5, 5, 3, 3, 4, 1, 4, 5, 5, 5, 5 };
    cx_metric *m = new_metric(CX_METRIC_CXI, NULL);
    assert_ok(cx_metric_add_cxi_many(m, answers, 6));
    cx_metric_result r = result_of(m);
    /* Per question nets: effectiveness (3 - 2) / 6, ease (4 - 1) / 6, emotion (4 - 1) / 6
     * -> 16.67, 50, 50; average 38.89. ref: cxi (respondent means, t interval, clamped to 100) */
    assert_close(r.value, 38.8888888889, 1e-9);
    assert_close(r.std_error, 30.3274312532, 1e-9);
    assert_close(r.ci_low, -39.0702550122, 1e-9);
    assert_close(r.ci_high, 100, 0);
    assert_int_equal(r.count, 6);
    cx_metric_free(m);

    cx_metric_options o = CX_METRIC_OPTIONS_INIT;
    o.item_weights[0] = 2;
    m = new_metric(CX_METRIC_CXI, &o);
    for (int i = 0; i < 6; i++)
        assert_ok(cx_metric_add_cxi(m, answers[3 * i], answers[3 * i + 1], answers[3 * i + 2], 1.0));
    assert_close(result_of(m).value, 33.3333333333, 1e-9); /* ref: cxi_weighted */
    /* Misuse and bad answers. */
    assert_status(cx_metric_add(m, 4), CX_EINVAL);
    assert_error_mentions("cx_metric_add_cxi");
    assert_status(cx_metric_add_cxi(m, 5, 6, 1, 1.0), CX_ERANGE);
    assert_error_mentions("ease answer 6 is outside the CX Index scale 1..5");
    const double bad[] = { 5, 5, 5, 1, 1, 0 };
    assert_status(cx_metric_add_cxi_many(m, bad, 2), CX_ERANGE);
    assert_error_mentions("respondent 1: emotion answer 0");
    assert_int_equal(result_of(m).count, 6);
    cx_metric *nps = new_metric(CX_METRIC_NPS, NULL);
    assert_status(cx_metric_add_cxi(nps, 5, 5, 5, 1.0), CX_EINVAL);
    assert_status(cx_metric_add_cxi_many(nps, bad, 0), CX_EINVAL);
    cx_metric_free(nps);
    o.item_weights[0] = o.item_weights[1] = o.item_weights[2] = 0;
    cx_metric *none = NULL;
    assert_status(cx_metric_new(&none, CX_METRIC_CXI, &o), CX_EINVAL);
    assert_null(none);
    cx_metric_free(m);
}

/* ---- DURATION, exact range ------------------------------------------ */

static const double durations[] = { 600, 30, 7200, 45, 60, 240, 90, 120, 86400, 150, 180, 300, 900, 1200, 3600 };

static void test_metric_duration_exact(void **state)
{
    (void)state;
    cx_metric *m = filled(CX_METRIC_DURATION, NULL, durations, 15);
    cx_metric_result r = result_of(m);
    /* ref: duration (numpy quantiles; ranks 4 and 12 from Campbell & Gardner) */
    assert_close(r.value, 240, 0);
    assert_close(r.ci_low, 90, 0);
    assert_close(r.ci_high, 1200, 0);
    assert_close(r.std_error, (1200 - 90) / (2 * 1.95996398454), 1e-9);
    assert_close(r.mean, 6741, 1e-9);
    assert_close(r.min, 30, 0);
    assert_close(r.max, 86400, 0);
    assert_int_equal(r.count, 15);
    double q;
    assert_ok(cx_metric_quantile(m, 0.9, &q));
    assert_close(q, 5760, 1e-9);
    assert_ok(cx_metric_quantile(m, 0.25, &q));
    assert_close(q, 105, 1e-9);
    assert_ok(cx_metric_quantile(m, 0, &q));
    assert_close(q, 30, 0);
    assert_ok(cx_metric_quantile(m, 1, &q));
    assert_close(q, 86400, 0);
    assert_status(cx_metric_quantile(m, 1.5, &q), CX_ERANGE);
    assert_status(cx_metric_quantile(m, NAN, &q), CX_ERANGE);
    /* Durations are unweighted and never negative. */
    assert_status(cx_metric_add_weighted(m, 10, 2.0), CX_EINVAL);
    assert_status(cx_metric_add(m, -1), CX_ERANGE);
    assert_error_mentions("duration -1");
    assert_status(cx_metric_add(m, INFINITY), CX_ERANGE);
    assert_int_equal(result_of(m).count, 15);
    cx_metric_free(m);

    /* Too few values for a 95 % interval: the bounds are NaN, not invented. */
    m = new_metric(CX_METRIC_DURATION, NULL);
    assert_ok(cx_metric_add(m, 42));
    r = result_of(m);
    assert_close(r.value, 42, 0);
    assert_true(isnan(r.ci_low) && isnan(r.ci_high) && isnan(r.std_error));
    cx_metric *nps = new_metric(CX_METRIC_NPS, NULL);
    assert_ok(cx_metric_add(nps, 5));
    assert_status(cx_metric_quantile(nps, 0.5, &q), CX_EINVAL);
    cx_metric_free(nps);
    cx_metric_free(m);
}

/* ---- bad input ------------------------------------------------------ */

static void test_metric_rejects_bad_scores(void **state)
{
    (void)state;
    cx_metric *m = new_metric(CX_METRIC_NPS, NULL);
    assert_status(cx_metric_add(m, 11), CX_ERANGE);
    assert_string_equal(cx_last_error(), "score 11 is outside the NPS scale 0..10");
    assert_int_equal(cx_last_error_code(), CX_ERANGE);
    assert_status(cx_metric_add(m, -1), CX_ERANGE);
    assert_status(cx_metric_add(m, 7.5), CX_ERANGE);
    assert_error_mentions("7.5 is not a whole number on the NPS scale 0..10");
    assert_status(cx_metric_add(m, NAN), CX_ERANGE);
    assert_error_mentions("NaN");
    assert_status(cx_metric_add(m, INFINITY), CX_ERANGE);
    assert_status(cx_metric_add(m, -INFINITY), CX_ERANGE);
    assert_status(cx_metric_add_weighted(m, 9, -1), CX_ERANGE);
    assert_error_mentions("weight -1");
    assert_status(cx_metric_add_weighted(m, 9, NAN), CX_ERANGE);
    assert_status(cx_metric_add_weighted(m, 9, INFINITY), CX_ERANGE);
    /* Nothing was added by any of them. */
    cx_metric_result r = CX_METRIC_RESULT_INIT;
    assert_status(cx_metric_get_result(m, &r), CX_EEMPTY);
    assert_error_mentions("no answers");
    cx_metric_free(m);
}

static void test_metric_add_many_is_all_or_nothing(void **state)
{
    (void)state;
    cx_metric *m = new_metric(CX_METRIC_NPS, NULL);
    assert_ok(cx_metric_add(m, 10));
    double batch[1000];
    for (int i = 0; i < 1000; i++)
        batch[i] = i % 11;
    batch[777] = 12;
    assert_status(cx_metric_add_many(m, batch, 1000), CX_ERANGE);
    assert_string_equal(cx_last_error(), "values[777]: score 12 is outside the NPS scale 0..10");
    batch[777] = 3;
    batch[999] = NAN;
    assert_status(cx_metric_add_many(m, batch, 1000), CX_ERANGE);
    assert_error_mentions("values[999]");
    double w[1000];
    for (int i = 0; i < 1000; i++)
        w[i] = 1;
    batch[999] = 3;
    w[5] = -2;
    assert_status(cx_metric_add_many_weighted(m, batch, w, 1000), CX_ERANGE);
    assert_error_mentions("values[5]: weight -2");
    assert_int_equal(result_of(m).count, 1);
    /* Empty batches are fine; NULL with n > 0 is not. */
    assert_ok(cx_metric_add_many(m, NULL, 0));
    assert_status(cx_metric_add_many(m, NULL, 3), CX_EINVAL);
    assert_status(cx_metric_add_many(NULL, batch, 3), CX_EINVAL);
    assert_error_mentions("m is NULL");

    cx_metric *d = new_metric(CX_METRIC_DURATION, NULL);
    double secs[] = { 1, 2, 3, -4, 5 };
    assert_status(cx_metric_add_many(d, secs, 5), CX_ERANGE);
    assert_error_mentions("values[3]: duration -4");
    cx_metric_result r = CX_METRIC_RESULT_INIT;
    assert_status(cx_metric_get_result(d, &r), CX_EEMPTY);
    cx_metric_free(d);
    cx_metric_free(m);
}

static void test_metric_rejects_bad_options(void **state)
{
    (void)state;
    cx_metric *m = (cx_metric *)&m; /* must be reset to NULL */
    cx_metric_options o = CX_METRIC_OPTIONS_INIT;
    assert_status(cx_metric_new(&m, (cx_metric_kind)99, NULL), CX_EINVAL);
    assert_null(m);
    assert_error_mentions("unknown metric kind 99");
    o.confidence = 1.0;
    assert_status(cx_metric_new(&m, CX_METRIC_NPS, &o), CX_EINVAL);
    assert_error_mentions("confidence 1");
    o = (cx_metric_options)CX_METRIC_OPTIONS_INIT;
    o.scale_max = 5;
    assert_status(cx_metric_new(&m, CX_METRIC_NPS, &o), CX_EINVAL);
    assert_error_mentions("scale_max is fixed at 10 for NPS");
    o = (cx_metric_options)CX_METRIC_OPTIONS_INIT;
    o.scale_min = 5;
    o.scale_max = 1;
    assert_status(cx_metric_new(&m, CX_METRIC_CSAT, &o), CX_EINVAL);
    o.scale_min = 1.5;
    assert_status(cx_metric_new(&m, CX_METRIC_CSAT, &o), CX_EINVAL);
    o = (cx_metric_options)CX_METRIC_OPTIONS_INIT;
    o.threshold = 6;
    assert_status(cx_metric_new(&m, CX_METRIC_CSAT, &o), CX_EINVAL);
    assert_error_mentions("threshold 6 is not inside the CSAT scale 1..5");
    o = (cx_metric_options)CX_METRIC_OPTIONS_INIT;
    o.variant = CX_CES_NET;
    assert_status(cx_metric_new(&m, CX_METRIC_CSAT, &o), CX_EINVAL);
    assert_status(cx_metric_new(&m, CX_METRIC_NPS, &o), CX_EINVAL);
    o.low_threshold = 5;
    assert_status(cx_metric_new(&m, CX_METRIC_CES, &o), CX_EINVAL);
    assert_error_mentions("low_threshold 5");
    o = (cx_metric_options)CX_METRIC_OPTIONS_INIT;
    o.ci_method = CX_CI_WILSON;
    assert_status(cx_metric_new(&m, CX_METRIC_NPS, &o), CX_EINVAL);
    o.ci_method = CX_CI_WALD;
    assert_status(cx_metric_new(&m, CX_METRIC_DURATION, &o), CX_EINVAL);
    o = (cx_metric_options)CX_METRIC_OPTIONS_INIT;
    o.sketch_k = 10;
    assert_status(cx_metric_new(&m, CX_METRIC_DURATION, &o), CX_EINVAL);
    assert_status(cx_metric_new(&m, CX_METRIC_NPS, &o), CX_EINVAL);
    o = (cx_metric_options)CX_METRIC_OPTIONS_INIT;
    o.version = 0;
    assert_status(cx_metric_new(&m, CX_METRIC_NPS, &o), CX_EINVAL);
    o.version = CX_METRIC_OPTIONS_VERSION + 1;
    assert_status(cx_metric_new(&m, CX_METRIC_NPS, &o), CX_EVERSION);
    assert_error_mentions("newer than this library");
    assert_status(cx_metric_new(NULL, CX_METRIC_NPS, NULL), CX_EINVAL);
    assert_null(m);
}

static void test_metric_struct_versions(void **state)
{
    (void)state;
    cx_metric_options o;
    assert_ok(cx_metric_options_init(&o, CX_METRIC_OPTIONS_VERSION));
    assert_close(o.confidence, 0.95, 0);
    assert_true(isnan(o.scale_min));
    assert_status(cx_metric_options_init(&o, 2), CX_EVERSION);
    assert_status(cx_metric_options_init(NULL, 1), CX_EINVAL);
    cx_metric_result r;
    assert_ok(cx_metric_result_init(&r, 1));
    cx_comparison c;
    assert_ok(cx_comparison_init(&c, 1));
    assert_status(cx_comparison_init(&c, 0), CX_EINVAL);

    cx_metric *m = filled(CX_METRIC_NPS, NULL, nps_a, 10);
    r.version = CX_METRIC_RESULT_VERSION + 1;
    assert_status(cx_metric_get_result(m, &r), CX_EVERSION);
    c.version = 7;
    assert_status(cx_metric_compare(m, m, &c), CX_EVERSION);
    cx_metric_kind kind;
    assert_ok(cx_metric_get_kind(&kind, m));
    assert_int_equal(kind, CX_METRIC_NPS);
    cx_metric_free(m);
    cx_metric_free(NULL);
}

static void test_metric_kind_names(void **state)
{
    (void)state;
    const char *names[] = { "nps", "csat", "ces", "fcr", "duration", "cxi" };
    for (int k = 1; k <= 6; k++) {
        cx_metric_kind kind;
        assert_string_equal(cx_metric_kind_name((cx_metric_kind)k), names[k - 1]);
        assert_ok(cx_metric_kind_from_name(&kind, names[k - 1]));
        assert_int_equal(kind, k);
    }
    cx_metric_kind kind;
    assert_ok(cx_metric_kind_from_name(&kind, "NPS"));
    assert_status(cx_metric_kind_from_name(&kind, "nope"), CX_ENOTFOUND);
    assert_error_mentions("\"nope\"");
    assert_null(cx_metric_kind_name((cx_metric_kind)0));
}

static void test_metric_distribution(void **state)
{
    (void)state;
    cx_metric *m = filled(CX_METRIC_NPS, NULL, nps_a, 10);
    size_t len = 0;
    assert_ok(cx_metric_distribution(NULL, m, 0, &len));
    assert_int_equal(len, 11);
    double dist[11];
    assert_status(cx_metric_distribution(dist, m, 5, &len), CX_EINVAL);
    assert_ok(cx_metric_distribution(dist, m, 11, &len));
    const double expected[11] = { 1, 0, 0, 1, 0, 1, 1, 1, 1, 2, 2 }; /* counted by hand from nps_a */
    for (int i = 0; i < 11; i++)
        assert_close(dist[i], expected[i], 0);
    cx_metric *d = new_metric(CX_METRIC_DURATION, NULL);
    assert_status(cx_metric_distribution(NULL, d, 0, &len), CX_EINVAL);
    cx_metric_free(d);
    cx_metric_free(m);
}

/* ---- compare edge cases --------------------------------------------- */

static void test_metric_compare_errors(void **state)
{
    (void)state;
    cx_metric *nps = filled(CX_METRIC_NPS, NULL, nps_a, 10);
    cx_metric *csat = new_metric(CX_METRIC_CSAT, NULL);
    cx_metric *empty = new_metric(CX_METRIC_NPS, NULL);
    cx_comparison c = CX_COMPARISON_INIT;
    assert_ok(cx_metric_add(csat, 5));
    assert_status(cx_metric_compare(nps, csat, &c), CX_ESTATE);
    assert_error_mentions("kinds differ (NPS vs CSAT)");
    assert_status(cx_metric_compare(nps, empty, &c), CX_EEMPTY);
    cx_metric_options o90 = CX_METRIC_OPTIONS_INIT;
    o90.confidence = 0.9;
    cx_metric *nps90 = filled(CX_METRIC_NPS, &o90, nps_a, 10);
    assert_status(cx_metric_compare(nps, nps90, &c), CX_ESTATE);
    assert_error_mentions("option confidence");
    /* Welch needs two answers a side. */
    cx_metric *ces1 = new_metric(CX_METRIC_CES, NULL), *ces2 = new_metric(CX_METRIC_CES, NULL);
    assert_ok(cx_metric_add(ces1, 5));
    assert_ok(cx_metric_add(ces2, 5));
    assert_ok(cx_metric_add(ces2, 6));
    assert_status(cx_metric_compare(ces1, ces2, &c), CX_EEMPTY);
    /* Two constant samples: equal gives p = 1, different gives p = 0. */
    assert_ok(cx_metric_add(ces1, 5));
    cx_metric *ces3 = new_metric(CX_METRIC_CES, NULL);
    assert_ok(cx_metric_add(ces3, 5));
    assert_ok(cx_metric_add(ces3, 5));
    assert_ok(cx_metric_compare(ces1, ces3, &c));
    assert_close(c.p_value, 1, 0);
    assert_close(c.z, 0, 0);
    assert_status(cx_metric_compare(NULL, ces3, &c), CX_EINVAL);
    cx_metric_free(ces1);
    cx_metric_free(ces2);
    cx_metric_free(ces3);
    cx_metric_free(nps90);
    cx_metric_free(nps);
    cx_metric_free(csat);
    cx_metric_free(empty);
}

static void test_metric_compare_durations(void **state)
{
    (void)state;
    cx_metric *a = filled(CX_METRIC_DURATION, NULL, durations, 15);
    cx_metric *b = new_metric(CX_METRIC_DURATION, NULL);
    for (int i = 0; i < 15; i++)
        assert_ok(cx_metric_add(b, durations[i] * 2));
    cx_comparison c = CX_COMPARISON_INIT;
    assert_ok(cx_metric_compare(a, b, &c));
    assert_int_equal(c.method, CX_TEST_MEDIAN_Z);
    assert_close(c.difference, -240, 0); /* 240 - 480 */
    /* SE by hand: sqrt(((1200 - 90) / 2z)^2 + ((2400 - 180) / 2z)^2), z = 1.959964 */
    double sa = 1110 / (2 * 1.95996398454), sb = 2220 / (2 * 1.95996398454);
    assert_close(c.std_error, sqrt(sa * sa + sb * sb), 1e-9);
    assert_close(c.z, -240 / sqrt(sa * sa + sb * sb), 1e-9);
    cx_metric_free(a);
    cx_metric_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_metric_nps_hand_checked),
        cmocka_unit_test(test_metric_nps_wald_and_confidence),
        cmocka_unit_test(test_metric_nps_compare),
        cmocka_unit_test(test_metric_nps_weighted),
        cmocka_unit_test(test_metric_csat_top_box_and_mean),
        cmocka_unit_test(test_metric_csat_compare),
        cmocka_unit_test(test_metric_ces_variants),
        cmocka_unit_test(test_metric_ces_welch),
        cmocka_unit_test(test_metric_fcr),
        cmocka_unit_test(test_metric_cx_index),
        cmocka_unit_test(test_metric_duration_exact),
        cmocka_unit_test(test_metric_rejects_bad_scores),
        cmocka_unit_test(test_metric_add_many_is_all_or_nothing),
        cmocka_unit_test(test_metric_rejects_bad_options),
        cmocka_unit_test(test_metric_struct_versions),
        cmocka_unit_test(test_metric_kind_names),
        cmocka_unit_test(test_metric_distribution),
        cmocka_unit_test(test_metric_compare_errors),
        cmocka_unit_test(test_metric_compare_durations),
    };
    return cmocka_run_group_tests_name("metric", tests, NULL, NULL);
}
