/*
 * White-box tests of the lifetime module's numerical helpers (linked
 * against the internal static library): the Gauss hypergeometric function,
 * digamma and trigamma, quadrature, row grouping and the Newton optimizer.
 *
 * Expected values: tests/reference/lifetime_reference.py (mpmath), named
 * after "ref:"; hand calculations, shown.
 */
#include "harness.h"

#include "lifetime_internal.h"

static void assert_rel(double actual, double expected, double rel, const char *what)
{
    if (!(fabs(actual - expected) <= rel * fabs(expected))) {
        print_error("%s = %.17g, expected %.17g (relative tolerance %g)\n", what, actual, expected, rel);
        fail();
    }
}

typedef struct hyp_case {
    double a, b, c, z, value, rel;
} hyp_case;

/* ref: hyp2f1_0 .. hyp2f1_21 (mpmath.hyp2f1, printed to 17 digits) */
static const hyp_case hyp_cases[] = {
    { 0.243, 2.426, 2.219, 0.1, 1.0284747094002531, 1e-14 },         /* series */
    { 0.243, 2.426, 2.219, 0.9, 1.947631169818602, 1e-14 },
    { 0.243, 2.426, 2.219, 0.99, 4.3752613674085374, 1e-14 },        /* connection formula */
    { 2.243, 4.426, 4.219, 0.5005, 5.1740105300250949, 1e-14 },
    { 30.243, 31.426, 31.219, 0.7, 8310956028987069, 1e-14 },        /* large parameters */
    { 1.5, 2.5, 4.0, 0.95, 7.8242263412350157, 1e-14 },              /* c - a - b = 0: series */
    { 1.5, 2.5, 4.0, -0.5, 0.67404024682559338, 1e-14 },             /* Pfaff */
    { 2.243, 0.793, 5.219, -8.5, 0.33078233795911144, 1e-14 },
    { 1.16, 1.6, 2.16, 0.3, 1.3525719241416039, 1e-14 },
    { 3.0, 2.0, 5.0, 0.999, 53.295718788451865, 1e-13 },             /* integer c - a - b, slow series */
    { 0.5, 0.5, 1.0, 0.9, 1.6412644143423707, 1e-14 },
    { 1.0, 1.0, 2.0, -100.0, 0.046151205168412597, 1e-14 },          /* log(101)/100 */
    { 5.2, 1.7, 6.9, 0.8, 5.8994959252118111, 1e-14 },
    { 4.1595, 1.6061, 5.1595, 0.97, 38.053859078073408, 1e-14 },     /* Pareto/NBD-like */
    { 2.0, 3.0, 1.5, 0.75, 174.08315931098994, 1e-14 },
    { 0.7, 0.3, 0.2, 0.6, 2.4430644332573084, 1e-14 },
    { 10.0, 1.0, 11.0, 0.9999, 63.886577216281935, 1e-12 },
    { 1.0, 1.0, 2.0005, 0.9999999, 16.060533516489624, 1e-12 },      /* Richardson across c - a - b = 0 */
    { 0.5, 1.5, 3.0, 0.99999999, 1.6976525031579073, 1e-14 },        /* c - a - b = 1 */
    { 2.5, 1.5, 3.0, 0.9999999, 16976507.888246085, 1e-12 },         /* c - a - b = -1 */
    { -2.0, 1.5, 2.5, 0.7, 0.37000000000000005, 1e-14 },             /* polynomial, hand below */
    { 0.3, 0.8, 1.7, -1e6, 0.024694150199567586, 1e-13 },
};

static void test_hyp2f1_reference(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof hyp_cases / sizeof hyp_cases[0]; i++) {
        const hyp_case *h = &hyp_cases[i];
        char what[64];
        snprintf(what, sizeof what, "hyp2f1 case %zu", i);
        assert_rel(cx__hyp2f1(h->a, h->b, h->c, h->z), h->value, h->rel, what);
    }
}

static void test_hyp2f1_special_values(void **state)
{
    (void)state;
    /* Hand: the series of 2F1(-2, 1.5; 2.5; 0.7) stops after three terms:
     * 1 + (-2)(1.5)/(2.5) 0.7 + (-2)(-1)(1.5)(2.5)/((2.5)(3.5) 2!) 0.49
     * = 1 - 0.84 + 0.21 = 0.37. */
    assert_close(cx__hyp2f1(-2.0, 1.5, 2.5, 0.7), 0.37, 1e-15);
    /* 2F1(1, 1; 2; z) = -log(1 - z) / z. */
    assert_rel(cx__hyp2f1(1, 1, 2, 0.5), 2 * log(2.0), 1e-15, "log");
    assert_rel(cx__hyp2f1(1, 1, 2, 0.95), -log(0.05) / 0.95, 1e-13, "log near 1");
    /* 2F1(a, b; b; z) = (1 - z)^-a. */
    assert_rel(cx__hyp2f1(2.5, 3.25, 3.25, 0.96), pow(0.04, -2.5), 1e-12, "power");
    assert_rel(cx__hyp2f1(2.5, 3.25, 3.25, -3), pow(4.0, -2.5), 1e-14, "power, z < 0");
    assert_close(cx__hyp2f1(1, 2, 3, 0), 1, 0);
    assert_close(cx__hyp2f1(0, 2, 3, 0.5), 1, 0);
    assert_true(isnan(cx__hyp2f1(1, 2, 3, 1)));
    assert_true(isnan(cx__hyp2f1(1, 2, 0, 0.5)));
    assert_true(isnan(cx__hyp2f1(1, 2, -3, 0.5)));
    assert_true(isnan(cx__hyp2f1(NAN, 2, 3, 0.5)));
    assert_true(isnan(cx__hyp2f1(1, 2, 3, -INFINITY)));
    /* A series that cannot converge in the allowed terms says so. */
    assert_true(isnan(cx__hyp_series(1, 1, 2, 0.999999, 1.0, 10)));
}

static void test_digamma_trigamma(void **state)
{
    (void)state;
    /* ref: digamma_* (mpmath.digamma, mpmath.psi(1, .)) */
    const double v[6] = { 0.243, 1.0, 2.5, 7.3, 30.0, 250.0 };
    const double psi[6] = { -4.3510938644232109, -0.57721566490153287, 0.70315664064524319, 1.9178203356379862,
                            3.3844381326855251, 5.5194595845310461 };
    const double tri[6] = { 18.141779787095828, 1.6449340668482264, 0.49035775610023485, 0.14679576813142711,
                            0.033895060357739946, 0.0040080106666325341 };
    for (int i = 0; i < 6; i++) {
        assert_rel(cx__digamma(v[i]), psi[i], 1e-15, "digamma");
        assert_rel(cx__trigamma(v[i]), tri[i], 1e-15, "trigamma");
    }
    /* Recurrences, by definition: psi(x+1) = psi(x) + 1/x, psi'(x+1) = psi'(x) - 1/x^2. */
    for (double x = 0.01; x < 40; x *= 1.7) {
        assert_close(cx__digamma(x + 1), cx__digamma(x) + 1 / x, 1e-13 * (1 + 1 / x));
        assert_close(cx__trigamma(x + 1), cx__trigamma(x) - 1 / (x * x), 1e-13 * (1 + 1 / (x * x)));
    }
    /* psi(1) = -Euler's gamma; psi'(1) = pi^2 / 6. */
    assert_close(cx__digamma(1), -0.57721566490153286, 1e-15);
    assert_close(cx__trigamma(1), 1.6449340668482264, 1e-15);
}

static double power_fn(double x, const void *payload)
{
    return pow(x, *(const double *)payload);
}

static double peak_fn(double x, const void *payload)
{
    (void)payload;
    return 1e4 / (1 + 1e8 * (x - 0.3) * (x - 0.3)); /* integral over [0, 1]: atan(7000) + atan(3000) */
}

static void test_integrate(void **state)
{
    (void)state;
    double out, k = 7;
    assert_ok(cx__integrate(power_fn, &k, 0, 1, 1e-13, 0, &out));
    assert_close(out, 1.0 / 8, 1e-15); /* hand: 1/(k+1) */
    k = -0.5;
    assert_ok(cx__integrate(power_fn, &k, 0, 4, 1e-9, 0, &out));
    assert_close(out, 4, 1e-8); /* hand: 2 sqrt(4) */
    assert_ok(cx__integrate(peak_fn, NULL, 0, 1, 1e-12, 0, &out));
    assert_close(out, atan(7000.0) + atan(3000.0), 1e-10);
    k = -1.5; /* not integrable at 0 */
    assert_status(cx__integrate(power_fn, &k, 0, 1, 1e-12, 0, &out), CX_ERANGE);
    assert_error_mentions("did not reach");
}

static void test_rows_grouping(void **state)
{
    (void)state;
    const double x[7] = { 2, 0, 2, 1, 0, 2, 0 };
    const double u[7] = { 3, 0, 3, 1, -0.0, 4, 0 };
    const double v[7] = { 5, 6, 5, 6, 6, 5, 7 };
    const double w[7] = { 1, 2, 0.5, 1, 1, 0, 3 };
    cx__lt_rows rows;
    assert_ok(cx__lt_rows_build(&rows, x, u, v, w, 7, false));
    /* Hand: (0,0,6) weight 2 + 1 (-0.0 is 0), (0,0,7) 3, (1,1,6) 1,
     * (2,3,5) 1 + 0.5; (2,4,5) has weight 0 and is left out: 8.5 in all. */
    assert_int_equal(rows.n, 4);
    assert_int_equal(rows.blocks, 3);
    assert_close(rows.total_weight, 8.5, 0);
    const double ex[4] = { 0, 0, 1, 2 }, ev[4] = { 6, 7, 6, 5 }, ew[4] = { 3, 3, 1, 1.5 };
    for (int i = 0; i < 4; i++) {
        assert_close(rows.x[i], ex[i], 0);
        assert_close(rows.v[i], ev[i], 0);
        assert_close(rows.w[i], ew[i], 0);
    }
    assert_int_equal(rows.block_start[0], 0);
    assert_int_equal(rows.block_start[1], 2);
    assert_int_equal(rows.block_start[2], 3);
    assert_int_equal(rows.block_start[3], 4);
    cx__lt_rows_free(&rows);
    /* Repeat buyers only, no weights; huge frequencies sort without a
     * counting table. Rows (5e9, 3), (1, 0), (5e9, 3): two distinct. */
    const double big[3] = { 5e9, 1, 5e9 };
    assert_ok(cx__lt_rows_build(&rows, big, u, NULL, NULL, 3, true));
    assert_int_equal(rows.n, 2);
    assert_close(rows.x[0], 1, 0);
    assert_close(rows.x[1], 5e9, 0);
    assert_close(rows.w[1], 2, 0);
    assert_int_equal(rows.blocks, 2);
    cx__lt_rows_free(&rows);
    const double zeros[2] = { 0, 0 };
    assert_status(cx__lt_rows_build(&rows, zeros, zeros, NULL, NULL, 2, true), CX_EEMPTY);
}

/* A separable concave log-likelihood in log p: -sum w (log p_i - c_i)^2,
 * maximised at p_i = exp(c_i). */
typedef struct quadratic {
    double c[4], w;
} quadratic;

static bool quadratic_ll(const void *data, const double *p, double *ll, double *grad, double *hess)
{
    const quadratic *q = data;
    *ll = 0;
    for (int i = 0; i < 2; i++) {
        double d = log(p[i]) - q->c[i];
        *ll -= q->w * d * d;
        if (grad)
            grad[i] = -2 * q->w * d / p[i];
        if (hess) {
            hess[i * 2 + i] = -2 * q->w * (1 - d) / (p[i] * p[i]);
            hess[i * 2 + 1 - i] = 0;
        }
    }
    return true;
}

static bool saddle_ll(const void *data, const double *p, double *ll, double *grad, double *hess)
{
    (void)data, (void)grad, (void)hess;
    double a = log(p[0]), b = log(p[1]);
    *ll = a * a - b * b;
    return true;
}

static bool runaway_ll(const void *data, const double *p, double *ll, double *grad, double *hess)
{
    (void)data, (void)grad, (void)hess;
    *ll = -p[0] - (log(p[1]) - 1) * (log(p[1]) - 1); /* best at p0 -> 0 */
    return true;
}

static cx__lt_problem problem(cx__lt_loglik_fn f, bool analytic, const void *data)
{
    cx__lt_problem pr;
    memset(&pr, 0, sizeof pr);
    pr.dim = 2;
    pr.loglik = f;
    pr.analytic = analytic;
    pr.data = data;
    pr.weight = 10;
    pr.starts = 2;
    pr.max_iterations = 100;
    pr.tolerance = 1e-10;
    pr.start[0][0] = pr.start[0][1] = 1;
    pr.start[1][0] = 0.2, pr.start[1][1] = 7;
    return pr;
}

static void test_optimizer(void **state)
{
    (void)state;
    quadratic q = { { 0.5, -1.25, 0, 0 }, 10 };
    cx__lt_solution sol;
    for (int analytic = 0; analytic < 2; analytic++) {
        cx__lt_problem pr = problem(quadratic_ll, analytic, &q);
        assert_ok(cx__lt_maximise(&pr, &sol, "test"));
        assert_int_equal(sol.diagnosis, CX_LIFETIME_CONVERGED);
        assert_rel(sol.p[0], exp(0.5), 1e-9, "p0");
        assert_rel(sol.p[1], exp(-1.25), 1e-9, "p1");
        assert_int_equal(sol.starts_agreeing, 2);
        /* Hand: at the maximum d = 0, so d2 ll / dp_i^2 = -2 w / p_i^2 and
         * se_i = p_i / sqrt(2 w) = p_i / sqrt(20). */
        assert_rel(sol.se[0], exp(0.5) / sqrt(20.0), 1e-6, "se0");
        assert_rel(sol.se[1], exp(-1.25) / sqrt(20.0), 1e-6, "se1");
        assert_close(sol.log_likelihood, 0, 1e-15);
    }
    /* An L2 penalty pulls towards 0: the optimum of
     * -(log p - c)^2 - lam p^2 (per unit weight) solves
     * (log p - c) + lam p^2 = 0; for c = 0.5, lam = 0.1: p = 1.4709... */
    cx__lt_problem pr = problem(quadratic_ll, true, &q);
    pr.penalty = 0.1; /* F = -ll / W + lam sum p^2 with W = w = 10 */
    assert_ok(cx__lt_maximise(&pr, &sol, "test"));
    double p = sol.p[0];
    assert_close(log(p) - 0.5 + 0.1 * p * p, 0, 1e-9);

    pr = problem(saddle_ll, false, NULL);
    pr.starts = 1;
    assert_status(cx__lt_maximise(&pr, &sol, "test"), CX_ESTATE);
    assert_int_equal(sol.diagnosis, CX_LIFETIME_NOT_A_MAXIMUM);
    assert_error_mentions("test: the fit did not converge from any of 1 starting points");

    pr = problem(runaway_ll, false, NULL);
    pr.tolerance = 1e-13; /* the gradient e^theta / W vanishes only past |theta| = 25 */
    assert_status(cx__lt_maximise(&pr, &sol, "test"), CX_ESTATE);
    assert_int_equal(sol.diagnosis, CX_LIFETIME_DIVERGED);
    assert_error_mentions("ran off");
}

static void test_start_points(void **state)
{
    (void)state;
    cx__lt_problem pr;
    memset(&pr, 0, sizeof pr);
    pr.dim = 4;
    pr.starts = 3;
    cx_lifetime_fit_options o = CX_LIFETIME_FIT_OPTIONS_INIT;
    const double base[4] = { 1, 10, 2, 4 };
    cx__lt_set_starts(&pr, &o, &base);
    assert_close(pr.start[0][1], 10, 0);
    assert_close(pr.start[1][0], 0.5, 0); /* factors 0.5, 0.5, 0.5, 2 */
    assert_close(pr.start[1][3], 8, 0);
    assert_close(pr.start[2][2], 4, 0);   /* factors 2, 2, 2, 0.5 */
    o.initial[0] = 3, o.initial[1] = 4, o.initial[2] = 5, o.initial[3] = 6;
    cx__lt_set_starts(&pr, &o, &base);
    assert_close(pr.start[0][3], 6, 0);   /* the user's point first */
    assert_close(pr.start[1][1], 10, 0);  /* then the automatic ones */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hyp2f1_reference),
        cmocka_unit_test(test_hyp2f1_special_values),
        cmocka_unit_test(test_digamma_trigamma),
        cmocka_unit_test(test_integrate),
        cmocka_unit_test(test_rows_grouping),
        cmocka_unit_test(test_optimizer),
        cmocka_unit_test(test_start_points),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
