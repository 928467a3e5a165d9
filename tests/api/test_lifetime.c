/*
 * Black-box tests of the customer-base models (linked against libcx.so).
 *
 * Data: tests/data/cdnow (see its README.md), found through the
 * CX_TEST_DATA environment variable that tests/meson.build sets.
 *
 * Expected figures come from
 * - the publications: Fader, Hardie & Lee (2005, Marketing Science) for the
 *   BG/NBD and Pareto/NBD estimates on CDNOW; Fader, Hardie & Lee (2005,
 *   JMR) for the Gamma-Gamma estimates; Hardie's note 004 for the
 *   39-week conditional expectation of CDNOW customer 1;
 * - tests/reference/lifetime_reference.py (scipy, mpmath), named after
 *   "ref:" by the line of its output;
 * - hand calculations, shown.
 */
#include "harness.h"

#define CDNOW_N 2357

typedef struct cdnow {
    double x[CDNOW_N], tx[CDNOW_N], T[CDNOW_N], zbar[CDNOW_N];
    size_t n;
} cdnow;

static cdnow data;

static const char *data_dir(void)
{
    const char *d = getenv("CX_TEST_DATA");
    return d != NULL ? d : "tests/data";
}

static FILE *open_data(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/cdnow/%s", data_dir(), name);
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        print_error("cannot open %s (set CX_TEST_DATA)\n", path);
        fail();
    }
    return f;
}

static int load_cdnow(void **state)
{
    (void)state;
    FILE *f = open_data("cdnow_customers_summary_with_transactions.csv");
    char line[256];
    if (fgets(line, sizeof line, f) == NULL)
        return -1;
    int id;
    while (data.n < CDNOW_N && fscanf(f, "%d,%lf,%lf,%lf,%lf", &id, &data.x[data.n], &data.tx[data.n],
                                      &data.T[data.n], &data.zbar[data.n]) == 5)
        data.n++;
    fclose(f);
    return data.n == CDNOW_N ? 0 : -1;
}

static cx_lifetime_fit bgnbd_published(void)
{
    /* FHL (2005): the BG/NBD estimates on CDNOW. */
    cx_lifetime_fit f = CX_LIFETIME_FIT_INIT;
    f.model = CX_LIFETIME_BGNBD;
    f.r = 0.243;
    f.alpha = 4.414;
    f.a = 0.793;
    f.b = 2.426;
    return f;
}

static cx_lifetime_fit pnbd_published(void)
{
    /* FHL (2005): the Pareto/NBD estimates on the same data. */
    cx_lifetime_fit f = CX_LIFETIME_FIT_INIT;
    f.model = CX_LIFETIME_PARETO_NBD;
    f.r = 0.55;
    f.alpha = 10.58;
    f.s = 0.61;
    f.beta = 11.67;
    return f;
}

static cx_lifetime_spend_fit gg_published(void)
{
    /* Fader, Hardie & Lee (2005, JMR), CDNOW: p 6.25, q 3.74, gamma 15.44. */
    cx_lifetime_spend_fit f = CX_LIFETIME_SPEND_FIT_INIT;
    f.p = 6.25;
    f.q = 3.74;
    f.gamma = 15.44;
    return f;
}

/* Customers of the prediction tests (ref: CUST): CDNOW ids 1, 2, 3, a heavy
 * buyer and a made-up one. */
static const double cust_x[5] = { 2, 1, 0, 29, 7 };
static const double cust_tx[5] = { 30.43, 1.71, 0, 37.86, 29.43 };
static const double cust_T[5] = { 38.86, 38.86, 38.86, 38.86, 35.0 };

static void assert_rel(double actual, double expected, double rel, const char *what)
{
    if (!(fabs(actual - expected) <= rel * fabs(expected))) {
        print_error("%s = %.15g, expected %.15g (relative tolerance %g)\n", what, actual, expected, rel);
        fail();
    }
}

/* ---- BG/NBD fit on CDNOW -------------------------------------------------- */

static void test_lifetime_bgnbd_cdnow_published(void **state)
{
    (void)state;
    cx_lifetime_fit fit = CX_LIFETIME_FIT_INIT;
    assert_ok(cx_lifetime_fit_purchases(&fit, CX_LIFETIME_BGNBD, data.x, data.tx, data.T, NULL, data.n, NULL));
    /* Published (FHL 2005): r 0.243, alpha 4.414, a 0.793, b 2.426 to three
     * significant digits, LL -9582.4. */
    assert_close(fit.r, 0.243, 0.0005);
    assert_close(fit.alpha, 4.414, 0.0005);
    assert_close(fit.a, 0.793, 0.0005);
    assert_close(fit.b, 2.426, 0.0005);
    assert_close(fit.log_likelihood, -9582.4, 0.05);
    /* ref: bgnbd_fit (scipy Nelder-Mead on the same data) */
    assert_rel(fit.r, 0.242592905554, 2e-6, "r");
    assert_rel(fit.alpha, 4.41353154189, 2e-6, "alpha");
    assert_rel(fit.a, 0.792886206065, 2e-6, "a");
    assert_rel(fit.b, 2.42575381501, 2e-6, "b");
    assert_close(fit.log_likelihood, -9582.42556057, 1e-7);
    /* ref: bgnbd_se (finite-difference Hessian) */
    assert_rel(fit.std_error_r, 0.0125573193501, 1e-5, "se r");
    assert_rel(fit.std_error_alpha, 0.378221408201, 1e-5, "se alpha");
    assert_rel(fit.std_error_a, 0.185719087394, 1e-5, "se a");
    assert_rel(fit.std_error_b, 0.705345642472, 1e-5, "se b");
    assert_true(isnan(fit.s) && isnan(fit.beta) && isnan(fit.std_error_s) && isnan(fit.std_error_beta));
    assert_int_equal(fit.model, CX_LIFETIME_BGNBD);
    assert_int_equal(fit.diagnosis, CX_LIFETIME_CONVERGED);
    assert_int_equal(fit.rows, 1016); /* ref: bgnbd_distinct_rows */
    assert_close(fit.weight, 2357, 0);
    assert_int_equal(fit.starts, 3);
    assert_int_equal(fit.starts_agreeing, 3);
    assert_true(fit.gradient_norm <= 1e-8);
    assert_true(fit.iterations > 0);
    assert_close(fit.penalty, 0, 0);
}

static void test_lifetime_log_likelihood_published(void **state)
{
    (void)state;
    cx_lifetime_fit pub = bgnbd_published();
    double ll = 0;
    assert_ok(cx_lifetime_log_likelihood(&ll, &pub, data.x, data.tx, data.T, NULL, data.n));
    assert_close(ll, -9582.42683118, 1e-7); /* ref: bgnbd_ll_published_params */
    /* Hand: one customer with x = 0 contributes r log(alpha / (alpha + T));
     * r 0.5, alpha 1, T 3: 0.5 log(1/4) = -log 2. */
    cx_lifetime_fit f = bgnbd_published();
    f.r = 0.5;
    f.alpha = 1;
    const double x0 = 0, tx0 = 0, T3 = 3;
    assert_ok(cx_lifetime_log_likelihood(&ll, &f, &x0, &tx0, &T3, NULL, 1));
    assert_close(ll, -log(2.0), 1e-15);
    /* No rows: an empty sum. */
    assert_ok(cx_lifetime_log_likelihood(&ll, &f, NULL, NULL, NULL, NULL, 0));
    assert_close(ll, 0, 0);
}

static void test_lifetime_weights_group_rows(void **state)
{
    (void)state;
    /* Weights 2 count every customer twice: the same estimates, twice the
     * log-likelihood and standard errors 1/sqrt(2) as large; the data
     * concatenated with itself gives the same. */
    static double w[CDNOW_N], x2[2 * CDNOW_N], tx2[2 * CDNOW_N], T2[2 * CDNOW_N];
    for (size_t i = 0; i < data.n; i++) {
        w[i] = 2;
        x2[i] = x2[i + data.n] = data.x[i];
        tx2[i] = tx2[i + data.n] = data.tx[i];
        T2[i] = T2[i + data.n] = data.T[i];
    }
    cx_lifetime_fit one = CX_LIFETIME_FIT_INIT, weighted = CX_LIFETIME_FIT_INIT, twice = CX_LIFETIME_FIT_INIT;
    assert_ok(cx_lifetime_fit_purchases(&one, CX_LIFETIME_BGNBD, data.x, data.tx, data.T, NULL, data.n, NULL));
    assert_ok(cx_lifetime_fit_purchases(&weighted, CX_LIFETIME_BGNBD, data.x, data.tx, data.T, w, data.n, NULL));
    assert_ok(cx_lifetime_fit_purchases(&twice, CX_LIFETIME_BGNBD, x2, tx2, T2, NULL, 2 * data.n, NULL));
    assert_rel(weighted.r, one.r, 1e-7, "r");
    assert_rel(weighted.b, one.b, 1e-7, "b");
    assert_rel(weighted.log_likelihood, 2 * one.log_likelihood, 1e-12, "LL");
    assert_rel(weighted.std_error_a, one.std_error_a / sqrt(2.0), 1e-5, "se a");
    assert_int_equal(weighted.rows, one.rows);
    assert_close(weighted.weight, 2 * 2357, 0);
    assert_rel(twice.alpha, weighted.alpha, 1e-12, "alpha");
    assert_rel(twice.log_likelihood, weighted.log_likelihood, 1e-12, "LL");
    assert_int_equal(twice.rows, one.rows);
    /* Zero weights leave rows out. */
    w[0] = 0;
    cx_lifetime_fit dropped = CX_LIFETIME_FIT_INIT;
    assert_ok(cx_lifetime_fit_purchases(&dropped, CX_LIFETIME_BGNBD, data.x, data.tx, data.T, w, data.n, NULL));
    assert_close(dropped.weight, 2 * 2357 - 2, 0);
}

static void test_lifetime_penalty_and_starts(void **state)
{
    (void)state;
    cx_lifetime_fit_options o = CX_LIFETIME_FIT_OPTIONS_INIT;
    o.penalty = 0.1;
    cx_lifetime_fit fit = CX_LIFETIME_FIT_INIT;
    assert_ok(cx_lifetime_fit_purchases(&fit, CX_LIFETIME_BGNBD, data.x, data.tx, data.T, NULL, data.n, &o));
    /* ref: bgnbd_fit_penalty_0.1 (maximise LL/n - 0.1 sum p^2); the LL
     * reported is the plain one at the penalised estimate. */
    assert_rel(fit.r, 0.115149097358, 1e-5, "r");
    assert_rel(fit.alpha, 0.571235509648, 1e-5, "alpha");
    assert_rel(fit.a, 0.164634897313, 1e-5, "a");
    assert_rel(fit.b, 0.286498794015, 1e-5, "b");
    assert_close(fit.log_likelihood, -9828.90775176, 1e-5);
    assert_close(fit.penalty, 0.1, 0);

    /* One start from a user's point reaches the same estimate. */
    cx_lifetime_fit_options one = CX_LIFETIME_FIT_OPTIONS_INIT;
    one.starts = 1;
    one.initial[0] = 0.5;
    one.initial[1] = 10;
    one.initial[2] = 2;
    one.initial[3] = 5;
    one.tolerance = 1e-10;
    cx_lifetime_fit single = CX_LIFETIME_FIT_INIT;
    assert_ok(cx_lifetime_fit_purchases(&single, CX_LIFETIME_BGNBD, data.x, data.tx, data.T, NULL, data.n, &one));
    assert_int_equal(single.starts, 1);
    assert_int_equal(single.starts_agreeing, 1);
    assert_rel(single.r, 0.242592905554, 2e-6, "r"); /* ref: bgnbd_fit */
    assert_rel(single.b, 2.42575381501, 2e-6, "b");
    assert_true(single.gradient_norm <= 1e-10);

    cx_lifetime_fit_options eight = CX_LIFETIME_FIT_OPTIONS_INIT;
    eight.starts = CX_LIFETIME_STARTS_MAX;
    cx_lifetime_fit many = CX_LIFETIME_FIT_INIT;
    assert_ok(cx_lifetime_fit_purchases(&many, CX_LIFETIME_BGNBD, data.x, data.tx, data.T, NULL, data.n, &eight));
    assert_int_equal(many.starts, CX_LIFETIME_STARTS_MAX);
    assert_true(many.starts_agreeing >= 1);
    assert_rel(many.a, 0.792886206065, 2e-6, "a");
}

/* ---- BG/NBD predictions ---------------------------------------------------- */

static void test_lifetime_bgnbd_p_alive(void **state)
{
    (void)state;
    cx_lifetime_fit pub = bgnbd_published();
    double out[5];
    assert_ok(cx_lifetime_p_alive(out, &pub, 0, cust_x, cust_tx, cust_T, 5));
    /* ref: bgnbd_customer_0..4 p_alive */
    const double now[5] = { 0.726578570081, 0.212100985377, 1, 0.950899326715, 0.778977117406 };
    const double at10[5] = { 0.674850842012, 0.201567904834, 0.986940691569, 0.817689119366, 0.683658160308 };
    const double at39[5] = { 0.567138035628, 0.178381224142, 0.955644660455, 0.592208734942, 0.513489602036 };
    for (int i = 0; i < 5; i++)
        assert_rel(out[i], now[i], 1e-11, "p_alive");
    assert_ok(cx_lifetime_p_alive(out, &pub, 10, cust_x, cust_tx, cust_T, 5));
    for (int i = 0; i < 5; i++)
        assert_rel(out[i], at10[i], 1e-11, "p_alive_10");
    assert_ok(cx_lifetime_p_alive(out, &pub, 39, cust_x, cust_tx, cust_T, 5));
    for (int i = 0; i < 5; i++)
        assert_rel(out[i], at39[i], 1e-11, "p_alive_39"); /* customers 0, 2 also ref: _quadrature */

    /* Hand: r 1, alpha 1, a 1, b 2, x 1, t_x 1, T 3:
     * 1 / (1 + 1/(2 + 1 - 1) ((1 + 3)/(1 + 1))^2) = 1 / (1 + 2) = 1/3. */
    cx_lifetime_fit h = CX_LIFETIME_FIT_INIT;
    h.model = CX_LIFETIME_BGNBD;
    h.r = 1, h.alpha = 1, h.a = 1, h.b = 2;
    const double x = 1, tx = 1, T = 3;
    assert_ok(cx_lifetime_p_alive(out, &h, 0, &x, &tx, &T, 1));
    assert_close(out[0], 1.0 / 3.0, 1e-15);
}

static void test_lifetime_bgnbd_expectations(void **state)
{
    (void)state;
    cx_lifetime_fit pub = bgnbd_published();
    double out[10];
    assert_ok(cx_lifetime_expected_purchases(out, &pub, 39, cust_x, cust_tx, cust_T, 5));
    /* Hardie's note 004 gives 1.226 for customer 1 over the next 39 weeks. */
    assert_close(out[0], 1.226, 0.0005);
    /* ref: bgnbd_customer_0..4 expected_39 (scipy hyp2f1; mpmath agrees) */
    const double e39[5] = { 1.22602817477, 0.20318698708, 0.195098052011, 19.3642718828, 4.36928194852 };
    for (int i = 0; i < 5; i++)
        assert_rel(out[i], e39[i], 1e-11, "expected_39");
    /* Nothing is expected in no time. */
    assert_ok(cx_lifetime_expected_purchases(out, &pub, 0, cust_x, cust_tx, cust_T, 5));
    for (int i = 0; i < 5; i++)
        assert_close(out[i], 0, 0);

    /* a + b < 1 takes the published 2F1 form outside its range; the
     * rewritten series still holds. ref: bgnbd_small_ab_0, _3 (quadrature
     * of the definition). */
    cx_lifetime_fit small = CX_LIFETIME_FIT_INIT;
    small.model = CX_LIFETIME_BGNBD;
    small.r = 0.5, small.alpha = 3, small.a = 0.3, small.b = 0.4;
    const double sx[2] = { 0, 3 }, stx[2] = { 0, 8 }, sT[2] = { 10, 10 };
    assert_ok(cx_lifetime_expected_purchases(out, &small, 20, sx, stx, sT, 2));
    assert_rel(out[0], 0.567268096141, 1e-10, "a + b < 1, x = 0");
    assert_rel(out[1], 3.66122914494, 1e-10, "a + b < 1, x = 3");
}

static void test_lifetime_bgnbd_population(void **state)
{
    (void)state;
    cx_lifetime_fit pub = bgnbd_published();
    const double t[5] = { 0, 1, 39, 78, 500 };
    double out[5];
    assert_ok(cx_lifetime_expected_population(out, &pub, t, 5));
    assert_close(out[0], 0, 0);
    /* ref: bgnbd_population_1, _39, _78, _500 */
    assert_rel(out[1], 0.0532678911717, 1e-11, "E[X(1)]");
    assert_rel(out[2], 1.19672319332, 1e-11, "E[X(39)]");
    assert_rel(out[3], 1.86051905794, 1e-11, "E[X(78)]");
    assert_rel(out[4], 4.88786815529, 1e-10, "E[X(500)]");

    /* Horizons so long that z = t / (alpha + t) is within 1e-7 of 1.
     * ref: bgnbd_population_1e8, _1e12, bgnbd_customer_0_1e6,
     * bgnbd_population_a_1.000001_1e8 (mpmath at 40 digits) */
    const double far[2] = { 1e8, 1e12 };
    assert_ok(cx_lifetime_expected_population(out, &pub, far, 2));
    assert_rel(out[0], 155.117028654, 1e-10, "E[X(1e8)]");
    assert_rel(out[1], 1104.49709754, 1e-8, "E[X(1e12)]");
    const double x1 = 2, tx1 = 30.43, T1 = 38.86;
    assert_ok(cx_lifetime_expected_purchases(out, &pub, 1e6, &x1, &tx1, &T1, 1));
    assert_rel(out[0], 87.3280400465, 1e-10, "E[Y(1e6)]");
    cx_lifetime_fit near = pub;
    near.a = 1.000001; /* the published form's removable singularity at a = 1 */
    assert_ok(cx_lifetime_expected_population(out, &near, far, 1));
    assert_rel(out[0], 29.1436839672, 1e-10, "E[X(1e8)], a near 1");

    double pmf[10];
    assert_ok(cx_lifetime_purchase_probabilities(pmf, &pub, 39, 10));
    /* ref: bgnbd_pmf_39 (FHL 2005); p0 and p3 also by quadrature */
    const double expect[10] = { 0.573786352096, 0.199395280836, 0.0854297595391, 0.045860353848, 0.0276714493358,
                                0.0179654938666, 0.0122689767156, 0.00869542880416, 0.00634030830926,
                                0.00472802164142 };
    for (int k = 0; k < 10; k++)
        assert_rel(pmf[k], expect[k], 1e-10, "P(X(39)=k)");
    /* The probabilities sum to 1 and their mean is E[X(39)]. */
    static double many[20000];
    assert_ok(cx_lifetime_purchase_probabilities(many, &pub, 39, 20000));
    double total = 0, mean = 0;
    for (int k = 0; k < 20000; k++) {
        total += many[k];
        mean += k * many[k];
    }
    assert_close(total, 1, 1e-4);
    assert_close(mean, 1.19672319332, 2e-2);
    /* At t = 0 nobody has bought: P(X(0) = 0) = 1. */
    assert_ok(cx_lifetime_purchase_probabilities(pmf, &pub, 0, 3));
    assert_close(pmf[0], 1, 0);
    assert_close(pmf[1], 0, 0);
    assert_close(pmf[2], 0, 0);
}

/* ---- Pareto/NBD ------------------------------------------------------------- */

static void test_lifetime_pareto_cdnow(void **state)
{
    (void)state;
    cx_lifetime_fit fit = CX_LIFETIME_FIT_INIT;
    assert_ok(cx_lifetime_fit_purchases(&fit, CX_LIFETIME_PARETO_NBD, data.x, data.tx, data.T, NULL, data.n, NULL));
    /* Published (FHL 2005): r 0.55, alpha 10.58, s 0.61, beta 11.67, LL -9595.0. */
    assert_close(fit.r, 0.55, 0.005);
    assert_close(fit.alpha, 10.58, 0.005);
    assert_close(fit.s, 0.61, 0.005);
    assert_close(fit.beta, 11.67, 0.005);
    assert_close(fit.log_likelihood, -9595.0, 0.05);
    /* ref: pnbd_fit, pnbd_se */
    assert_rel(fit.r, 0.553275509586, 1e-5, "r");
    assert_rel(fit.alpha, 10.5776122583, 1e-5, "alpha");
    assert_rel(fit.s, 0.606213443946, 1e-4, "s");
    assert_rel(fit.beta, 11.6679070285, 1e-4, "beta");
    assert_close(fit.log_likelihood, -9594.97392983, 1e-6);
    assert_rel(fit.std_error_r, 0.047628741314, 1e-3, "se r");
    assert_rel(fit.std_error_alpha, 0.842723825604, 1e-3, "se alpha");
    assert_rel(fit.std_error_s, 0.187279355767, 1e-3, "se s");
    assert_rel(fit.std_error_beta, 6.21102145608, 1e-3, "se beta");
    assert_true(isnan(fit.a) && isnan(fit.b));
    assert_int_equal(fit.model, CX_LIFETIME_PARETO_NBD);
    assert_int_equal(fit.diagnosis, CX_LIFETIME_CONVERGED);
    /* The BG/NBD fits CDNOW slightly better (-9582.4 against -9595.0). */
    cx_lifetime_fit bg = bgnbd_published();
    double ll_bg;
    assert_ok(cx_lifetime_log_likelihood(&ll_bg, &bg, data.x, data.tx, data.T, NULL, data.n));
    assert_true(ll_bg > fit.log_likelihood);
}

static void test_lifetime_pareto_predictions(void **state)
{
    (void)state;
    cx_lifetime_fit pn = pnbd_published();
    double out[6];
    /* ref: pnbd_customer_0..4 (mpmath hyp2f1); customer 0 also by quadrature */
    const double now[5] = { 0.868410917132, 0.166994550526, 0.293773950467, 0.983424889555, 0.878688771727 };
    const double at39[5] = { 0.612617656866, 0.117805762496, 0.207241877817, 0.693753889613, 0.606628189247 };
    const double e39[5] = { 1.45037137479, 0.169530468488, 0.10582535589, 19.0332278081, 4.6555963351 };
    assert_ok(cx_lifetime_p_alive(out, &pn, 0, cust_x, cust_tx, cust_T, 5));
    for (int i = 0; i < 5; i++)
        assert_rel(out[i], now[i], 1e-10, "p_alive");
    assert_ok(cx_lifetime_p_alive(out, &pn, 39, cust_x, cust_tx, cust_T, 5));
    for (int i = 0; i < 5; i++)
        assert_rel(out[i], at39[i], 1e-10, "p_alive_39");
    assert_ok(cx_lifetime_expected_purchases(out, &pn, 39, cust_x, cust_tx, cust_T, 5));
    for (int i = 0; i < 5; i++)
        assert_rel(out[i], e39[i], 1e-10, "expected_39");

    const double t[2] = { 39, 78 };
    assert_ok(cx_lifetime_expected_population(out, &pn, t, 2));
    assert_rel(out[0], 1.20235236283, 1e-11, "E[X(39)]"); /* ref: pnbd_population_39 */
    assert_rel(out[1], 1.88999837053, 1e-11, "E[X(78)]"); /* ref: pnbd_population_78 */

    assert_ok(cx_lifetime_purchase_probabilities(out, &pn, 39, 6));
    /* ref: pnbd_pmf_39 (k = 2 also by 2-D quadrature) */
    const double pmf[6] = { 0.596019791878, 0.165105750942, 0.0820325306608, 0.0486848756116, 0.0314266682534,
                            0.0212816515077 };
    for (int k = 0; k < 6; k++)
        assert_rel(out[k], pmf[k], 1e-9, "P(X(39)=k)");

    /* Hand, s = 1 (the limit of the published form):
     * E[X(t)] = r beta / alpha log(1 + t / beta); r 1, alpha 2, beta 4,
     * t 4: 2 log 2. */
    cx_lifetime_fit one = CX_LIFETIME_FIT_INIT;
    one.model = CX_LIFETIME_PARETO_NBD;
    one.r = 1, one.alpha = 2, one.s = 1, one.beta = 4;
    const double four = 4;
    assert_ok(cx_lifetime_expected_population(out, &one, &four, 1));
    assert_close(out[0], 2 * log(2.0), 1e-15);
}

/* ---- Gamma-Gamma and CLV --------------------------------------------------- */

static void test_lifetime_gamma_gamma(void **state)
{
    (void)state;
    cx_lifetime_spend_fit fit = CX_LIFETIME_SPEND_FIT_INIT;
    assert_ok(cx_lifetime_fit_spend(&fit, data.x, data.zbar, NULL, data.n, NULL));
    /* Published (FHL 2005, JMR): p 6.25, q 3.74, gamma 15.44; this summary's
     * mean values are rounded to cents, which moves gamma by 0.008. */
    assert_close(fit.p, 6.25, 0.005);
    assert_close(fit.q, 3.74, 0.005);
    assert_close(fit.gamma, 15.44, 0.01);
    /* ref: gg_fit, gg_se */
    assert_rel(fit.p, 6.24880202895, 1e-5, "p");
    assert_rel(fit.q, 3.74458869188, 1e-5, "q");
    assert_rel(fit.gamma, 15.4477505935, 1e-5, "gamma");
    assert_close(fit.log_likelihood, -4055.9232435, 1e-6);
    assert_rel(fit.std_error_p, 1.18968936627, 1e-4, "se p");
    assert_rel(fit.std_error_q, 0.290166010991, 1e-4, "se q");
    assert_rel(fit.std_error_gamma, 4.16000329718, 1e-4, "se gamma");
    assert_close(fit.weight, 946, 0); /* ref: gg_fit customers (x > 0) */
    assert_rel(fit.mean_spend, fit.p * fit.gamma / (fit.q - 1), 1e-15, "mean");
    assert_int_equal(fit.diagnosis, CX_LIFETIME_CONVERGED);

    cx_lifetime_spend_fit pub = gg_published();
    const double x[4] = { 2, 1, 0, 10 }, m[4] = { 22.35, 11.77, 0, 50 };
    double out[4];
    assert_ok(cx_lifetime_expected_spend(out, &pub, x, m, 4));
    /* ref: gg_expected_spend_*; the x = 0 value is the population mean
     * 6.25 * 15.44 / 2.74 = 35.2189781 (hand). */
    assert_rel(out[0], 24.6637139108, 1e-11, "E[M] 2");
    assert_rel(out[1], 18.9168520578, 1e-11, "E[M] 1");
    assert_rel(out[2], 35.2189781022, 1e-11, "E[M] 0");
    assert_rel(out[3], 49.3792152054, 1e-11, "E[M] 10");
}

static void test_lifetime_clv(void **state)
{
    (void)state;
    cx_lifetime_fit bg = bgnbd_published();
    cx_lifetime_spend_fit gg = gg_published();
    cx_lifetime_clv_options o = CX_LIFETIME_CLV_OPTIONS_INIT;
    o.periods = 12;
    o.period_length = 4.345; /* a month in weeks */
    o.discount_rate = 0.01;
    o.margin = 0.3;
    const double x[3] = { 2, 0, 7 }, tx[3] = { 30.43, 0, 29.43 }, T[3] = { 38.86, 38.86, 35 }, m[3] = { 22.35, 0, 41.5 };
    double out[3];
    assert_ok(cx_lifetime_clv(out, &bg, &gg, x, tx, T, m, 3, &o));
    /* ref: clv_customer_0..2 */
    assert_rel(out[0], 10.8867633377, 1e-10, "clv 0");
    assert_rel(out[1], 2.51070130768, 1e-10, "clv 1");
    assert_rel(out[2], 63.8951727135, 1e-10, "clv 2");

    /* Without discounting and margin 1, CLV = E[M] E[Y(12 L)]: the
     * increments telescope (hand). */
    o.discount_rate = 0;
    o.margin = 1;
    double spend[3], y[3];
    assert_ok(cx_lifetime_clv(out, &bg, &gg, x, tx, T, m, 3, &o));
    assert_ok(cx_lifetime_expected_spend(spend, &gg, x, m, 3));
    assert_ok(cx_lifetime_expected_purchases(y, &bg, 12 * 4.345, x, tx, T, 3));
    for (int i = 0; i < 3; i++)
        assert_rel(out[i], spend[i] * y[i], 1e-12, "telescoped");
    /* Defaults: 12 periods of 1 unit, 1 % a period, margin 1. */
    assert_ok(cx_lifetime_clv(out, &bg, &gg, x, tx, T, m, 3, NULL));
    assert_true(out[0] > 0 && out[2] > out[0]);
}

/* ---- summaries from transactions ---------------------------------------------- */

/* Days from 1970-01-01 to a proleptic Gregorian date (the era algorithm
 * of Howard Hinnant's date library, written out). */
static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int64_t)era * 146097 + doe - 719468;
}

static int64_t date_ms(long yyyymmdd)
{
    return days_from_civil((int)(yyyymmdd / 10000), (int)(yyyymmdd / 100 % 100), (int)(yyyymmdd % 100)) * 86400000LL;
}

typedef struct events {
    size_t n;
    char (*ids)[8];
    const char **id_ptrs;
    int64_t *ts;
    double *values;
} events;

static events load_events(void)
{
    events e = { 0, NULL, NULL, NULL, NULL };
    FILE *f = open_data("CDNOW_sample.txt");
    size_t cap = 7000;
    e.ids = malloc(cap * sizeof *e.ids);
    e.id_ptrs = malloc(cap * sizeof *e.id_ptrs);
    e.ts = malloc(cap * sizeof *e.ts);
    e.values = malloc(cap * sizeof *e.values);
    long orig, id, date;
    double cds, value;
    while (e.n < cap && fscanf(f, "%ld %ld %ld %lf %lf", &orig, &id, &date, &cds, &value) == 5) {
        snprintf(e.ids[e.n], sizeof e.ids[e.n], "%ld", id);
        e.id_ptrs[e.n] = e.ids[e.n];
        e.ts[e.n] = date_ms(date);
        e.values[e.n] = value;
        e.n++;
    }
    fclose(f);
    assert_int_equal(e.n, 6919);
    return e;
}

static void free_events(events *e)
{
    free(e->ids);
    free(e->id_ptrs);
    free(e->ts);
    free(e->values);
}

static void test_lifetime_summary_cdnow(void **state)
{
    (void)state;
    events e = load_events();
    cx_lifetime_summary_options o = CX_LIFETIME_SUMMARY_OPTIONS_INIT;
    o.calibration_end_ms = date_ms(19970930);
    o.holdout_end_ms = date_ms(19980630);
    o.period_ms = CX_LIFETIME_WEEK_MS;
    cx_lifetime_summary *s = NULL;
    assert_ok(cx_lifetime_summary_new(&s, e.id_ptrs, e.ts, e.values, e.n, &o));
    cx_lifetime_columns c = CX_LIFETIME_COLUMNS_INIT;
    assert_ok(cx_lifetime_summary_get(&c, s));
    assert_int_equal(c.count, 2357);
    assert_int_equal(c.customers_skipped, 0);
    /* The published summary, column by column (its times and means are
     * rounded to 2 decimals). */
    for (size_t i = 0; i < c.count; i++) {
        size_t k = (size_t)atoi(c.customer_ids[i]) - 1;
        assert_true(k < data.n);
        assert_close(c.frequency[i], data.x[k], 0);
        assert_close(c.recency[i], data.tx[k], 0.005 + 1e-9);
        assert_close(c.T[i], data.T[k], 0.005 + 1e-9);
        assert_close(c.monetary[i], data.zbar[k], 0.005 + 1e-9);
    }
    /* ref: summary_holdout (pandas), summary_customer_1_holdout */
    assert_close(c.duration_holdout, 39, 1e-12);
    double purchases = 0, buyers = 0;
    for (size_t i = 0; i < c.count; i++) {
        purchases += c.frequency_holdout[i];
        buyers += c.frequency_holdout[i] > 0;
    }
    assert_close(purchases, 1882, 0);
    assert_close(buyers, 684, 0);
    assert_string_equal(c.customer_ids[0], "1");
    assert_close(c.frequency_holdout[0], 1, 0);
    assert_close(c.monetary_holdout[0], 26.48, 1e-12);
    assert_int_equal(c.calibration_end_ms, date_ms(19970930));

    /* Fitted straight from the transactions (unrounded times), the
     * estimates still round to the published ones. */
    cx_lifetime_fit fit = CX_LIFETIME_FIT_INIT;
    assert_ok(cx_lifetime_fit_purchases(&fit, CX_LIFETIME_BGNBD, c.frequency, c.recency, c.T, NULL, c.count, NULL));
    assert_close(fit.r, 0.243, 0.0005);
    assert_close(fit.alpha, 4.414, 0.0015);
    assert_close(fit.a, 0.793, 0.0015);
    assert_close(fit.b, 2.426, 0.0015);
    cx_lifetime_summary_free(s);
    free_events(&e);
}

static void test_lifetime_summary_options(void **state)
{
    (void)state;
    events e = load_events();
    /* ISO-week buckets, calibration through 1997-09-30. ref: summary_weeks */
    cx_lifetime_summary_options o = CX_LIFETIME_SUMMARY_OPTIONS_INIT;
    o.calibration_end_ms = date_ms(19970930);
    o.period_ms = CX_LIFETIME_WEEK_MS;
    o.merge = CX_LIFETIME_MERGE_ISO_WEEK;
    cx_lifetime_summary *s = NULL;
    assert_ok(cx_lifetime_summary_new(&s, e.id_ptrs, e.ts, NULL, e.n, &o));
    cx_lifetime_columns c = CX_LIFETIME_COLUMNS_INIT;
    assert_ok(cx_lifetime_summary_get(&c, s));
    double total = 0;
    for (size_t i = 0; i < c.count; i++)
        total += c.frequency[i];
    assert_close(total, 2216, 0);
    assert_close(c.frequency[0], 2, 0);
    assert_close(c.T[0], 39, 1e-12); /* Monday 1996-12-30 to Monday 1997-09-29 */
    assert_null(c.monetary);
    assert_null(c.frequency_holdout);
    assert_null(c.monetary_holdout);
    assert_close(c.duration_holdout, 0, 0);
    cx_lifetime_summary_free(s);

    /* Hand: without merging every event counts; the calibration end
     * defaults to the latest purchase. Customer "a" buys at days 0, 0, 3
     * (T = 10 days to the latest event of "b" at day 10); "b" at day 10. */
    const char *ids[4] = { "a", "a", "b", "a" };
    const int64_t ts[4] = { 0, 0, 10 * CX_LIFETIME_DAY_MS, 3 * CX_LIFETIME_DAY_MS };
    const double v[4] = { 5, 7, 9, 11 };
    cx_lifetime_summary_options none = CX_LIFETIME_SUMMARY_OPTIONS_INIT;
    none.merge = CX_LIFETIME_MERGE_NONE;
    assert_ok(cx_lifetime_summary_new(&s, ids, ts, v, 4, &none));
    assert_ok(cx_lifetime_summary_get(&c, s));
    assert_int_equal(c.count, 2);
    assert_string_equal(c.customer_ids[0], "a");
    assert_close(c.frequency[0], 2, 0);  /* 3 events - 1 */
    assert_close(c.recency[0], 3, 0);
    assert_close(c.T[0], 10, 0);
    assert_close(c.monetary[0], 9, 0);   /* (7 + 11) / 2: the repeat events */
    assert_close(c.frequency[1], 0, 0);
    assert_close(c.T[1], 0, 0);
    assert_close(c.monetary[1], 0, 0);
    cx_lifetime_summary_free(s);
    /* Merged by day, the two day-0 events are one purchase worth 12. */
    cx_lifetime_summary_options day = CX_LIFETIME_SUMMARY_OPTIONS_INIT;
    assert_ok(cx_lifetime_summary_new(&s, ids, ts, v, 4, &day));
    assert_ok(cx_lifetime_summary_get(&c, s));
    assert_close(c.frequency[0], 1, 0);
    assert_close(c.monetary[0], 11, 0);
    cx_lifetime_summary_free(s);
    /* A customer whose first purchase is after the calibration end is
     * left out and counted. */
    cx_lifetime_summary_options early = CX_LIFETIME_SUMMARY_OPTIONS_INIT;
    early.calibration_end_ms = 5 * CX_LIFETIME_DAY_MS;
    assert_ok(cx_lifetime_summary_new(&s, ids, ts, v, 4, &early));
    assert_ok(cx_lifetime_summary_get(&c, s));
    assert_int_equal(c.count, 1);
    assert_int_equal(c.customers_skipped, 1);
    assert_close(c.T[0], 5, 0);
    cx_lifetime_summary_free(s);
    cx_lifetime_summary_free(NULL);
    free_events(&e);
}

/* ---- JSON ----------------------------------------------------------------- */

static void test_lifetime_fit_json(void **state)
{
    (void)state;
    cx_lifetime_fit fit = CX_LIFETIME_FIT_INIT;
    assert_ok(cx_lifetime_fit_purchases(&fit, CX_LIFETIME_BGNBD, data.x, data.tx, data.T, NULL, data.n, NULL));
    cx_buffer b = CX_BUFFER_INIT;
    assert_ok(cx_lifetime_fit_json(&b, &fit));
    assert_non_null(strstr(b.data, "{\"model\": \"bgnbd\", \"r\": 0.24259"));
    assert_non_null(strstr(b.data, "\"alpha\": 4.4135"));
    assert_non_null(strstr(b.data, "\"a\": 0.79288"));
    assert_non_null(strstr(b.data, "\"b\": 2.4257"));
    assert_non_null(strstr(b.data, "\"log_likelihood\": -9582.4255"));
    assert_non_null(strstr(b.data, "\"rows\": 1016, \"diagnosis\": \"converged\", \"iterations\": "));
    assert_int_equal(b.data[b.size - 1], '}');
    cx_buffer_dispose(&b);
    cx_lifetime_fit pn = pnbd_published();
    pn.log_likelihood = NAN;
    assert_ok(cx_lifetime_fit_json(&b, &pn));
    assert_non_null(strstr(b.data, "\"model\": \"pareto_nbd\""));
    assert_non_null(strstr(b.data, "\"s\": 0.61"));
    assert_non_null(strstr(b.data, "\"log_likelihood\": null"));
    assert_null(strstr(b.data, "\"a\":"));
    cx_buffer_dispose(&b);
    assert_string_equal(cx_lifetime_model_name(CX_LIFETIME_BGNBD), "bgnbd");
    assert_string_equal(cx_lifetime_model_name(CX_LIFETIME_PARETO_NBD), "pareto_nbd");
    assert_string_equal(cx_lifetime_model_name((cx_lifetime_model)9), "unknown");
    /* Errors leave the buffer as it was. */
    cx_buffer kept = CX_BUFFER_INIT;
    assert_ok(cx_lifetime_fit_json(&kept, &pn));
    size_t size = kept.size;
    cx_lifetime_fit bad = pn;
    bad.model = (cx_lifetime_model)9;
    assert_status(cx_lifetime_fit_json(&kept, &bad), CX_EINVAL);
    assert_error_mentions("cx_lifetime_fit_json: unknown model 9");
    bad = pn;
    bad.version = CX_LIFETIME_FIT_VERSION + 1;
    assert_status(cx_lifetime_fit_json(&kept, &bad), CX_EVERSION);
    assert_int_equal(kept.size, size);
    cx_buffer newer = CX_BUFFER_INIT;
    newer.version = CX_BUFFER_VERSION + 1;
    assert_status(cx_lifetime_fit_json(&newer, &pn), CX_EVERSION);
    assert_error_mentions("cx_buffer version 2 is not 1");
    assert_null(newer.data);
    assert_status(cx_lifetime_fit_json(NULL, &pn), CX_EINVAL);
    assert_status(cx_lifetime_fit_json(&kept, NULL), CX_EINVAL);
    assert_int_equal(kept.size, size);
    cx_buffer_dispose(&kept);
}

/* ---- struct initialisers ---------------------------------------------------- */

static void test_lifetime_struct_init(void **state)
{
    (void)state;
    cx_lifetime_fit_options o;
    assert_ok(cx_lifetime_fit_options_init(&o, CX_LIFETIME_FIT_OPTIONS_VERSION));
    assert_int_equal(o.version, CX_LIFETIME_FIT_OPTIONS_VERSION);
    assert_close(o.penalty, 0, 0);
    assert_int_equal(o.starts, 3);
    assert_int_equal(o.max_iterations, 100);
    assert_close(o.tolerance, 1e-8, 0);
    assert_close(o.initial[3], 0, 0);
    assert_status(cx_lifetime_fit_options_init(&o, 0), CX_EINVAL);
    assert_status(cx_lifetime_fit_options_init(&o, CX_LIFETIME_FIT_OPTIONS_VERSION + 1), CX_EVERSION);
    assert_status(cx_lifetime_fit_options_init(NULL, 1), CX_EINVAL);
    cx_lifetime_fit f;
    assert_ok(cx_lifetime_fit_init(&f, CX_LIFETIME_FIT_VERSION));
    assert_int_equal(f.version, CX_LIFETIME_FIT_VERSION);
    assert_status(cx_lifetime_fit_init(&f, 2), CX_EVERSION);
    cx_lifetime_spend_fit sf;
    assert_ok(cx_lifetime_spend_fit_init(&sf, CX_LIFETIME_SPEND_FIT_VERSION));
    assert_status(cx_lifetime_spend_fit_init(&sf, 0), CX_EINVAL);
    cx_lifetime_clv_options co;
    assert_ok(cx_lifetime_clv_options_init(&co, CX_LIFETIME_CLV_OPTIONS_VERSION));
    assert_int_equal(co.periods, 12);
    assert_status(cx_lifetime_clv_options_init(&co, 7), CX_EVERSION);
    cx_lifetime_summary_options so;
    assert_ok(cx_lifetime_summary_options_init(&so, CX_LIFETIME_SUMMARY_OPTIONS_VERSION));
    assert_true(so.calibration_end_ms == CX_LIFETIME_TIME_UNSET);
    assert_int_equal(so.merge, CX_LIFETIME_MERGE_DAY);
    assert_status(cx_lifetime_summary_options_init(&so, 0), CX_EINVAL);
    cx_lifetime_columns c;
    assert_ok(cx_lifetime_columns_init(&c, CX_LIFETIME_COLUMNS_VERSION));
    assert_null(c.frequency);
    assert_status(cx_lifetime_columns_init(&c, 2), CX_EVERSION);
}

/* ---- bad input --------------------------------------------------------------- */

/* Runs a fit expected to fail with `code` and a message containing
 * `fragment`, and checks that the result struct was not touched. */
static void expect_fit_error(cx_lifetime_model model, const double *x, const double *tx, const double *T,
                             const double *w, size_t n, const cx_lifetime_fit_options *o, int code,
                             const char *fragment)
{
    cx_lifetime_fit fit = CX_LIFETIME_FIT_INIT, before;
    fit.r = 123;
    before = fit;
    assert_status(cx_lifetime_fit_purchases(&fit, model, x, tx, T, w, n, o), code);
    assert_error_mentions(fragment);
    assert_memory_equal(&fit, &before, sizeof fit);
}

static void test_lifetime_fit_bad_rows(void **state)
{
    (void)state;
    double x[4] = { 1, 0, 2, 3 }, tx[4] = { 2, 0, 3, 4 }, T[4] = { 5, 5, 5, 5 }, w[4] = { 1, 1, 1, 1 };
    x[2] = -1;
    expect_fit_error(CX_LIFETIME_BGNBD, x, tx, T, NULL, 4, NULL, CX_ERANGE, "frequency[2] = -1 is negative");
    x[2] = 1.5;
    expect_fit_error(CX_LIFETIME_BGNBD, x, tx, T, NULL, 4, NULL, CX_ERANGE, "frequency[2] = 1.5 is not a whole");
    x[2] = NAN;
    expect_fit_error(CX_LIFETIME_BGNBD, x, tx, T, NULL, 4, NULL, CX_ERANGE, "frequency[2] is nan");
    x[2] = 2;
    tx[3] = 6;
    expect_fit_error(CX_LIFETIME_PARETO_NBD, x, tx, T, NULL, 4, NULL, CX_ERANGE, "recency[3] = 6 exceeds T[3] = 5");
    tx[3] = 4;
    T[0] = INFINITY;
    expect_fit_error(CX_LIFETIME_BGNBD, x, tx, T, NULL, 4, NULL, CX_ERANGE, "T[0] = inf");
    T[0] = 5;
    tx[1] = 1;
    expect_fit_error(CX_LIFETIME_BGNBD, x, tx, T, NULL, 4, NULL, CX_ERANGE, "recency[1] = 1 but frequency[1] = 0");
    tx[1] = 0;
    tx[0] = NAN;
    expect_fit_error(CX_LIFETIME_BGNBD, x, tx, T, NULL, 4, NULL, CX_ERANGE, "recency[0]");
    tx[0] = 2;
    w[3] = -1;
    expect_fit_error(CX_LIFETIME_BGNBD, x, tx, T, w, 4, NULL, CX_ERANGE, "weights[3] = -1");
    w[3] = NAN;
    expect_fit_error(CX_LIFETIME_BGNBD, x, tx, T, w, 4, NULL, CX_ERANGE, "weights[3]");
    for (int i = 0; i < 4; i++)
        w[i] = 0;
    expect_fit_error(CX_LIFETIME_BGNBD, x, tx, T, w, 4, NULL, CX_EEMPTY, "no customer");
    expect_fit_error(CX_LIFETIME_BGNBD, x, tx, T, NULL, 0, NULL, CX_EEMPTY, "no customer");
    expect_fit_error((cx_lifetime_model)7, x, tx, T, NULL, 4, NULL, CX_EINVAL, "unknown model 7");
    expect_fit_error(CX_LIFETIME_BGNBD, NULL, tx, T, NULL, 4, NULL, CX_EINVAL, "must not be NULL");
    assert_status(cx_lifetime_fit_purchases(NULL, CX_LIFETIME_BGNBD, x, tx, T, NULL, 4, NULL), CX_EINVAL);
    cx_lifetime_fit newer = CX_LIFETIME_FIT_INIT;
    newer.version = CX_LIFETIME_FIT_VERSION + 1;
    assert_status(cx_lifetime_fit_purchases(&newer, CX_LIFETIME_BGNBD, x, tx, T, NULL, 4, NULL), CX_EVERSION);
}

static void test_lifetime_fit_bad_options(void **state)
{
    (void)state;
    cx_lifetime_fit_options o = CX_LIFETIME_FIT_OPTIONS_INIT;
    o.penalty = -1;
    expect_fit_error(CX_LIFETIME_BGNBD, data.x, data.tx, data.T, NULL, data.n, &o, CX_EINVAL, "penalty -1");
    o = (cx_lifetime_fit_options)CX_LIFETIME_FIT_OPTIONS_INIT;
    o.starts = 0;
    expect_fit_error(CX_LIFETIME_BGNBD, data.x, data.tx, data.T, NULL, data.n, &o, CX_EINVAL, "starts 0 is outside 1..8");
    o.starts = 9;
    expect_fit_error(CX_LIFETIME_BGNBD, data.x, data.tx, data.T, NULL, data.n, &o, CX_EINVAL, "starts 9");
    o = (cx_lifetime_fit_options)CX_LIFETIME_FIT_OPTIONS_INIT;
    o.max_iterations = 0;
    expect_fit_error(CX_LIFETIME_BGNBD, data.x, data.tx, data.T, NULL, data.n, &o, CX_EINVAL, "max_iterations 0");
    o = (cx_lifetime_fit_options)CX_LIFETIME_FIT_OPTIONS_INIT;
    o.tolerance = 0;
    expect_fit_error(CX_LIFETIME_BGNBD, data.x, data.tx, data.T, NULL, data.n, &o, CX_EINVAL, "tolerance 0");
    o = (cx_lifetime_fit_options)CX_LIFETIME_FIT_OPTIONS_INIT;
    o.initial[2] = -1;
    expect_fit_error(CX_LIFETIME_BGNBD, data.x, data.tx, data.T, NULL, data.n, &o, CX_EINVAL, "initial[2] = -1");
    /* A starting point given in part is a mistake, not "automatic". */
    o = (cx_lifetime_fit_options)CX_LIFETIME_FIT_OPTIONS_INIT;
    o.initial[0] = 0.5;
    o.initial[1] = 10;
    expect_fit_error(CX_LIFETIME_BGNBD, data.x, data.tx, data.T, NULL, data.n, &o, CX_EINVAL,
                     "initial[2] = 0: give all 4 starting parameters of the model, or none");
    cx_lifetime_spend_fit sf = CX_LIFETIME_SPEND_FIT_INIT, sf_before = sf;
    assert_status(cx_lifetime_fit_spend(&sf, data.x, data.zbar, NULL, data.n, &o), CX_EINVAL);
    assert_error_mentions("initial[2] = 0: give all 3 starting parameters of the model, or none");
    assert_memory_equal(&sf, &sf_before, sizeof sf);
    o.initial[2] = 20; /* p, q, gamma: initial[3] is not used by Gamma-Gamma */
    assert_ok(cx_lifetime_fit_spend(&sf, data.x, data.zbar, NULL, data.n, &o));
    o = (cx_lifetime_fit_options)CX_LIFETIME_FIT_OPTIONS_INIT;
    o.version = 0;
    expect_fit_error(CX_LIFETIME_BGNBD, data.x, data.tx, data.T, NULL, data.n, &o, CX_EINVAL, "version is 0");
    o.version = CX_LIFETIME_FIT_OPTIONS_VERSION + 1;
    expect_fit_error(CX_LIFETIME_BGNBD, data.x, data.tx, data.T, NULL, data.n, &o, CX_EVERSION, "newer");
}

static void test_lifetime_fit_not_converging(void **state)
{
    (void)state;
    /* Nobody came back: the drop-out parameters are not identified and r
     * runs to 0. The fit says so and reports no parameters. */
    double x[3] = { 0, 0, 0 }, tx[3] = { 0, 0, 0 }, T[3] = { 10, 20, 30 };
    cx_lifetime_fit fit = CX_LIFETIME_FIT_INIT;
    assert_status(cx_lifetime_fit_purchases(&fit, CX_LIFETIME_BGNBD, x, tx, T, NULL, 3, NULL), CX_ESTATE);
    assert_error_mentions("did not converge");
    assert_int_not_equal(fit.diagnosis, CX_LIFETIME_CONVERGED);
    assert_true(isnan(fit.r) && isnan(fit.alpha) && isnan(fit.a) && isnan(fit.b));
    assert_true(isnan(fit.log_likelihood) && isnan(fit.std_error_r));
    assert_int_equal(fit.starts_agreeing, 0);
    assert_int_equal(fit.model, CX_LIFETIME_BGNBD);
    assert_close(fit.weight, 3, 0);
    /* Such a fit cannot be used for predictions. */
    double out[3] = { -1, -1, -1 };
    assert_status(cx_lifetime_p_alive(out, &fit, 0, x, tx, T, 3), CX_EINVAL);
    assert_error_mentions("parameter r = nan");
    assert_close(out[0], -1, 0);
    cx_buffer b = CX_BUFFER_INIT;
    assert_ok(cx_lifetime_fit_json(&b, &fit));
    assert_non_null(strstr(b.data, "\"r\": null"));
    assert_null(strstr(b.data, "\"diagnosis\": \"converged\""));
    cx_buffer_dispose(&b);

    /* One iteration is not enough on CDNOW. */
    cx_lifetime_fit_options o = CX_LIFETIME_FIT_OPTIONS_INIT;
    o.max_iterations = 1;
    assert_status(cx_lifetime_fit_purchases(&fit, CX_LIFETIME_BGNBD, data.x, data.tx, data.T, NULL, data.n, &o),
                  CX_ESTATE);
    assert_int_equal(fit.diagnosis, CX_LIFETIME_MAX_ITERATIONS);
    assert_error_mentions("iteration limit");
    assert_true(isnan(fit.b));
    assert_true(fit.gradient_norm > o.tolerance);

    /* The spend model with a single repeat customer has a flat likelihood
     * in one direction. */
    const double gx[1] = { 3 }, gm[1] = { 20 };
    cx_lifetime_spend_fit sf = CX_LIFETIME_SPEND_FIT_INIT;
    assert_status(cx_lifetime_fit_spend(&sf, gx, gm, NULL, 1, NULL), CX_ESTATE);
    assert_true(isnan(sf.p) && isnan(sf.mean_spend));
}

static void test_lifetime_prediction_errors(void **state)
{
    (void)state;
    cx_lifetime_fit pub = bgnbd_published();
    double out[5] = { -1, -1, -1, -1, -1 };
    double x[2] = { 1, 2 }, tx[2] = { 3, 9 }, T[2] = { 5, 5 };
    assert_status(cx_lifetime_p_alive(out, &pub, 0, x, tx, T, 2), CX_ERANGE);
    assert_error_mentions("cx_lifetime_p_alive: recency[1] = 9 exceeds T[1] = 5");
    assert_close(out[0], -1, 0);
    tx[1] = 4;
    assert_status(cx_lifetime_expected_purchases(out, &pub, -1, x, tx, T, 2), CX_ERANGE);
    assert_error_mentions("t = -1");
    assert_status(cx_lifetime_expected_purchases(out, &pub, NAN, x, tx, T, 2), CX_ERANGE);
    assert_close(out[0], -1, 0);
    cx_lifetime_fit bad = pub;
    bad.a = 0;
    assert_status(cx_lifetime_p_alive(out, &bad, 0, x, tx, T, 2), CX_EINVAL);
    assert_error_mentions("parameter a = 0");
    bad = pub;
    bad.model = (cx_lifetime_model)0;
    assert_status(cx_lifetime_p_alive(out, &bad, 0, x, tx, T, 2), CX_EINVAL);
    assert_error_mentions("unknown model 0");
    bad = pub;
    bad.version = 0;
    assert_status(cx_lifetime_p_alive(out, &bad, 0, x, tx, T, 2), CX_EINVAL);
    assert_status(cx_lifetime_p_alive(out, NULL, 0, x, tx, T, 2), CX_EINVAL);
    assert_status(cx_lifetime_p_alive(NULL, &pub, 0, x, tx, T, 2), CX_EINVAL);
    cx_lifetime_fit pn = pnbd_published();
    pn.beta = NAN;
    assert_status(cx_lifetime_expected_purchases(out, &pn, 1, x, tx, T, 2), CX_EINVAL);
    assert_error_mentions("parameter beta = nan");
    assert_close(out[1], -1, 0);

    const double t[3] = { 1, -2, 3 };
    assert_status(cx_lifetime_expected_population(out, &pub, t, 3), CX_ERANGE);
    assert_error_mentions("t[1] = -2");
    assert_close(out[0], -1, 0);
    assert_status(cx_lifetime_expected_population(out, &pub, NULL, 3), CX_EINVAL);
    assert_status(cx_lifetime_purchase_probabilities(out, &pub, 39, 100001), CX_ERANGE);
    assert_error_mentions("count 100001 exceeds 100000");
    assert_status(cx_lifetime_purchase_probabilities(out, &pub, INFINITY, 3), CX_ERANGE);
    assert_close(out[0], -1, 0);
    /* All four Pareto/NBD parameters at 1e-8 and t = 1e300: the density of
     * dying is a spike at 0 that 256 quadrature intervals cannot resolve.
     * The message keeps the quadrature's reason whole after the name. */
    cx_lifetime_fit spike = pnbd_published();
    spike.r = spike.alpha = spike.s = spike.beta = 1e-8;
    assert_status(cx_lifetime_purchase_probabilities(out, &spike, 1e300, 3), CX_ERANGE);
    assert_error_mentions("cx_lifetime_purchase_probabilities: integral over [0, 1e+300] did not reach relative "
                          "accuracy");
    /* A valid row the model cannot compute: Pareto/NBD with r = s = 100,
     * alpha = 0.01, beta = 1e6 and x = 0, T = 1 needs 2F1(200, 100; 201; z)
     * at z = (beta - alpha) / (beta + T), 1 - z ~ 1e-6, which grows like
     * (1 - z)^(201 - 300) ~ 1e594, beyond a double. The row is named and
     * holds NaN; the rows before it are computed. */
    cx_lifetime_fit extreme = pnbd_published();
    extreme.r = extreme.s = 100;
    extreme.alpha = 0.01;
    extreme.beta = 1e6;
    const double ex[2] = { 1, 0 }, etx[2] = { 5000, 0 }, eT[2] = { 10000, 1 };
    assert_status(cx_lifetime_p_alive(out, &extreme, 0, ex, etx, eT, 2), CX_ERANGE);
    assert_error_mentions("cx_lifetime_p_alive: row 1 (x 0, t_x 0, T 1) could not be computed");
    assert_true(out[0] >= 0 && out[0] <= 1);
    assert_true(isnan(out[1]));
    double ll = 7;
    bad = pub;
    bad.r = -1;
    assert_status(cx_lifetime_log_likelihood(&ll, &bad, x, tx, T, NULL, 2), CX_EINVAL);
    assert_close(ll, 7, 0);
}

static void test_lifetime_spend_errors(void **state)
{
    (void)state;
    cx_lifetime_spend_fit pub = gg_published(), before;
    const double x[3] = { 1, 0, 2 };
    double m[3] = { 10, 0, 0 }, out[3] = { -1, -1, -1 };
    assert_status(cx_lifetime_expected_spend(out, &pub, x, m, 3), CX_ERANGE);
    assert_error_mentions("monetary[2] = 0 with frequency 2");
    m[2] = -5;
    assert_status(cx_lifetime_expected_spend(out, &pub, x, m, 3), CX_ERANGE);
    assert_error_mentions("monetary[2] = -5");
    m[2] = 5;
    cx_lifetime_spend_fit flat = pub;
    flat.q = 1;
    assert_status(cx_lifetime_expected_spend(out, &flat, x, m, 3), CX_EINVAL);
    assert_error_mentions("q = 1 must exceed 1");
    assert_close(out[0], -1, 0);
    cx_lifetime_spend_fit fit = CX_LIFETIME_SPEND_FIT_INIT;
    fit.p = 99;
    before = fit;
    m[2] = NAN;
    assert_status(cx_lifetime_fit_spend(&fit, x, m, NULL, 3, NULL), CX_ERANGE);
    assert_memory_equal(&fit, &before, sizeof fit);
    const double zero[2] = { 0, 0 }, mm[2] = { 3, 4 };
    assert_status(cx_lifetime_fit_spend(&fit, zero, mm, NULL, 2, NULL), CX_EEMPTY);
    assert_error_mentions("with repeat purchases");
    assert_memory_equal(&fit, &before, sizeof fit);

    cx_lifetime_fit bg = bgnbd_published();
    const double tx[3] = { 1, 0, 2 }, T[3] = { 3, 3, 3 };
    m[2] = 5;
    cx_lifetime_clv_options o = CX_LIFETIME_CLV_OPTIONS_INIT;
    o.periods = 0;
    assert_status(cx_lifetime_clv(out, &bg, &pub, x, tx, T, m, 3, &o), CX_EINVAL);
    assert_error_mentions("periods 0");
    o = (cx_lifetime_clv_options)CX_LIFETIME_CLV_OPTIONS_INIT;
    o.period_length = 0;
    assert_status(cx_lifetime_clv(out, &bg, &pub, x, tx, T, m, 3, &o), CX_EINVAL);
    assert_error_mentions("period_length 0");
    o = (cx_lifetime_clv_options)CX_LIFETIME_CLV_OPTIONS_INIT;
    o.discount_rate = NAN;
    assert_status(cx_lifetime_clv(out, &bg, &pub, x, tx, T, m, 3, &o), CX_EINVAL);
    assert_error_mentions("discount_rate");
    o = (cx_lifetime_clv_options)CX_LIFETIME_CLV_OPTIONS_INIT;
    o.margin = -1;
    assert_status(cx_lifetime_clv(out, &bg, &pub, x, tx, T, m, 3, &o), CX_EINVAL);
    assert_error_mentions("margin -1");
    assert_status(cx_lifetime_clv(out, &bg, NULL, x, tx, T, m, 3, NULL), CX_EINVAL);
    assert_error_mentions("spend fit is NULL");
    const double bad_tx[3] = { 1, 0, 4 };
    assert_status(cx_lifetime_clv(out, &bg, &pub, x, bad_tx, T, m, 3, NULL), CX_ERANGE);
    assert_error_mentions("recency[2] = 4 exceeds T[2] = 3");
    assert_close(out[2], -1, 0);
}

static void expect_summary_error(const char *const *ids, const int64_t *ts, const double *v, size_t n,
                                 const cx_lifetime_summary_options *o, int code, const char *fragment)
{
    cx_lifetime_summary *s = (cx_lifetime_summary *)&s; /* any non-NULL value */
    assert_status(cx_lifetime_summary_new(&s, ids, ts, v, n, o), code);
    assert_error_mentions(fragment);
    assert_null(s);
}

static void test_lifetime_summary_errors(void **state)
{
    (void)state;
    const char *ids[3] = { "a", "b", "c" };
    int64_t ts[3] = { 0, 86400000, 2 * 86400000LL };
    double v[3] = { 1, 2, 3 };
    ids[1] = NULL;
    expect_summary_error(ids, ts, v, 3, NULL, CX_EINVAL, "customer_ids[1] is NULL");
    ids[1] = "\xff\xfe";
    expect_summary_error(ids, ts, v, 3, NULL, CX_EINVAL, "customer_ids[1] is not valid UTF-8");
    static char long_id[CX_LIFETIME_ID_MAX + 2];
    memset(long_id, 'x', CX_LIFETIME_ID_MAX + 1);
    ids[1] = long_id;
    expect_summary_error(ids, ts, v, 3, NULL, CX_EINVAL, "is longer than 1024 bytes");
    ids[1] = "b";
    ts[2] = INT64_MAX;
    expect_summary_error(ids, ts, v, 3, NULL, CX_ERANGE, "timestamps_ms[2]");
    ts[2] = 0;
    v[0] = -1;
    expect_summary_error(ids, ts, v, 3, NULL, CX_ERANGE, "values[0] = -1");
    v[0] = NAN;
    expect_summary_error(ids, ts, v, 3, NULL, CX_ERANGE, "values[0] = nan");
    v[0] = 1;
    expect_summary_error(ids, ts, v, 0, NULL, CX_EEMPTY, "no events");
    expect_summary_error(NULL, ts, v, 3, NULL, CX_EINVAL, "must not be NULL");
    cx_lifetime_summary_options o = CX_LIFETIME_SUMMARY_OPTIONS_INIT;
    o.holdout_end_ms = 10;
    expect_summary_error(ids, ts, v, 3, &o, CX_EINVAL, "calibration_end_ms is not");
    o.calibration_end_ms = 10;
    expect_summary_error(ids, ts, v, 3, &o, CX_EINVAL, "holdout_end_ms 10 is not after calibration_end_ms 10");
    o = (cx_lifetime_summary_options)CX_LIFETIME_SUMMARY_OPTIONS_INIT;
    o.period_ms = 0;
    expect_summary_error(ids, ts, v, 3, &o, CX_EINVAL, "period_ms 0");
    o = (cx_lifetime_summary_options)CX_LIFETIME_SUMMARY_OPTIONS_INIT;
    o.merge = (cx_lifetime_merge)9;
    expect_summary_error(ids, ts, v, 3, &o, CX_EINVAL, "unknown merge 9");
    o = (cx_lifetime_summary_options)CX_LIFETIME_SUMMARY_OPTIONS_INIT;
    o.utc_offset_minutes = 1440;
    expect_summary_error(ids, ts, v, 3, &o, CX_EINVAL, "utc_offset_minutes 1440");
    o = (cx_lifetime_summary_options)CX_LIFETIME_SUMMARY_OPTIONS_INIT;
    o.calibration_end_ms = -86400000LL;
    expect_summary_error(ids, ts, v, 3, &o, CX_EEMPTY, "none of the 3 customers");
    o = (cx_lifetime_summary_options)CX_LIFETIME_SUMMARY_OPTIONS_INIT;
    o.calibration_end_ms = INT64_MAX;
    expect_summary_error(ids, ts, v, 3, &o, CX_ERANGE, "calibration_end_ms 9223372036854775807 is beyond");
    o = (cx_lifetime_summary_options)CX_LIFETIME_SUMMARY_OPTIONS_INIT;
    o.version = 5;
    expect_summary_error(ids, ts, v, 3, &o, CX_EVERSION, "newer");
    assert_status(cx_lifetime_summary_new(NULL, ids, ts, v, 3, NULL), CX_EINVAL);
    cx_lifetime_columns c = CX_LIFETIME_COLUMNS_INIT;
    assert_status(cx_lifetime_summary_get(&c, NULL), CX_EINVAL);
}

/* ---- allocation failures ------------------------------------------------------ */

static int fit_scenario(void *ctx)
{
    (void)ctx;
    cx_lifetime_fit fit = CX_LIFETIME_FIT_INIT, before = fit;
    int rc = cx_lifetime_fit_purchases(&fit, CX_LIFETIME_BGNBD, data.x, data.tx, data.T, NULL, 400, NULL);
    if (rc != CX_OK && memcmp(&fit, &before, sizeof fit) != 0)
        return CX_EINVAL; /* changed on failure */
    return rc;
}

static int pareto_scenario(void *ctx)
{
    (void)ctx;
    cx_lifetime_fit fit = CX_LIFETIME_FIT_INIT;
    cx_lifetime_fit_options o = CX_LIFETIME_FIT_OPTIONS_INIT;
    o.starts = 1;
    return cx_lifetime_fit_purchases(&fit, CX_LIFETIME_PARETO_NBD, data.x, data.tx, data.T, NULL, 200, &o);
}

static int spend_scenario(void *ctx)
{
    (void)ctx;
    cx_lifetime_spend_fit fit = CX_LIFETIME_SPEND_FIT_INIT;
    int rc = cx_lifetime_fit_spend(&fit, data.x, data.zbar, NULL, data.n, NULL);
    return rc == CX_OK && fabs(fit.p - 6.24880202895) > 1e-4 ? CX_EINVAL : rc;
}

static int ll_scenario(void *ctx)
{
    (void)ctx;
    cx_lifetime_fit pub = bgnbd_published();
    double ll = 0;
    return cx_lifetime_log_likelihood(&ll, &pub, data.x, data.tx, data.T, NULL, data.n);
}

static int summary_scenario(void *ctx)
{
    events *e = ctx;
    cx_lifetime_summary_options o = CX_LIFETIME_SUMMARY_OPTIONS_INIT;
    o.calibration_end_ms = date_ms(19970930);
    o.holdout_end_ms = date_ms(19980630);
    cx_lifetime_summary *s = (cx_lifetime_summary *)e;
    int rc = cx_lifetime_summary_new(&s, e->id_ptrs, e->ts, e->values, 300, &o);
    if (rc != CX_OK)
        return s == NULL ? rc : CX_EINVAL;
    cx_lifetime_columns c = CX_LIFETIME_COLUMNS_INIT;
    rc = cx_lifetime_summary_get(&c, s);
    cx_lifetime_summary_free(s);
    return rc;
}

static int json_scenario(void *ctx)
{
    (void)ctx;
    cx_lifetime_fit pub = bgnbd_published();
    cx_buffer b = CX_BUFFER_INIT;
    int rc = cx_lifetime_fit_json(&b, &pub);
    cx_buffer_dispose(&b);
    return rc;
}

static void test_lifetime_allocation_failures(void **state)
{
    (void)state;
    assert_true(cx_test_each_allocation_fails(fit_scenario, NULL) > 5);
    assert_true(cx_test_each_allocation_fails(pareto_scenario, NULL) > 5);
    assert_true(cx_test_each_allocation_fails(spend_scenario, NULL) > 5);
    assert_true(cx_test_each_allocation_fails(ll_scenario, NULL) > 5);
    events e = load_events();
    assert_true(cx_test_each_allocation_fails(summary_scenario, &e) > 5);
    free_events(&e);
    assert_true(cx_test_each_allocation_fails(json_scenario, NULL) >= 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lifetime_bgnbd_cdnow_published),
        cmocka_unit_test(test_lifetime_log_likelihood_published),
        cmocka_unit_test(test_lifetime_weights_group_rows),
        cmocka_unit_test(test_lifetime_penalty_and_starts),
        cmocka_unit_test(test_lifetime_bgnbd_p_alive),
        cmocka_unit_test(test_lifetime_bgnbd_expectations),
        cmocka_unit_test(test_lifetime_bgnbd_population),
        cmocka_unit_test(test_lifetime_pareto_cdnow),
        cmocka_unit_test(test_lifetime_pareto_predictions),
        cmocka_unit_test(test_lifetime_gamma_gamma),
        cmocka_unit_test(test_lifetime_clv),
        cmocka_unit_test(test_lifetime_summary_cdnow),
        cmocka_unit_test(test_lifetime_summary_options),
        cmocka_unit_test(test_lifetime_fit_json),
        cmocka_unit_test(test_lifetime_struct_init),
        cmocka_unit_test(test_lifetime_fit_bad_rows),
        cmocka_unit_test(test_lifetime_fit_bad_options),
        cmocka_unit_test(test_lifetime_fit_not_converging),
        cmocka_unit_test(test_lifetime_prediction_errors),
        cmocka_unit_test(test_lifetime_spend_errors),
        cmocka_unit_test(test_lifetime_summary_errors),
        cmocka_unit_test(test_lifetime_allocation_failures),
    };
    return cmocka_run_group_tests(tests, load_cdnow, NULL);
}
