/*
 * Special functions of the lifetime models: digamma, trigamma, the Gauss
 * hypergeometric function 2F1 and adaptive Gauss-Kronrod quadrature.
 *
 * 2F1 is summed from its Maclaurin series wherever that converges in a
 * reasonable number of terms (|z| <= 0.9 after Pfaff's transformation),
 * which avoids the cancellation the 1 - z connection formula suffers when
 * a or b is large; only for z > 0.9 is the connection formula used, and
 * the series again when the formula's two terms cancel.
 */
#include <float.h>
#include <math.h>

#include "core_internal.h"
#include "lifetime_internal.h"

/* ---- digamma and trigamma --------------------------------------------- */

/* Below this, psi(x) = psi(x + 1) - 1/x moves x up to where the
 * asymptotic series (Abramowitz & Stegun 6.3.18, 6.4.12) is exact to
 * double precision. */
#define PSI_ASYMPTOTIC_FROM 10.0

double cx__digamma(double x)
{
    double shift = 0.0;
    while (x < PSI_ASYMPTOTIC_FROM) {
        shift -= 1.0 / x;
        x += 1.0;
    }
    double f = 1.0 / (x * x);
    double series = f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f * (1.0 / 132
                    - f * (691.0 / 32760 - f / 12.0))))));
    return shift + log(x) - 0.5 / x - series;
}

double cx__trigamma(double x)
{
    double shift = 0.0;
    while (x < PSI_ASYMPTOTIC_FROM) {
        shift += 1.0 / (x * x);
        x += 1.0;
    }
    double f = 1.0 / (x * x);
    double series = f * (1.0 / 6 - f * (1.0 / 30 - f * (1.0 / 42 - f * (1.0 / 30 - f * (5.0 / 66
                    - f * (691.0 / 2730 - f * 7.0 / 6))))));
    return shift + (1.0 + 0.5 / x + series) / x;
}

/* ---- Gauss hypergeometric function ------------------------------------ */

#define SERIES_TERMS 1000000L
/* Relative size of the neglected tail: below half an ulp of the sum. */
#define TAIL 5e-17
#define SERIES_TERMS_LONG 20000000L
/* Above this |z| the series is slow and the connection formula is tried. */
#define SERIES_LIMIT 0.9
/* c - a - b closer than this to an integer makes the connection formula's
 * gamma functions blow up; the series or Richardson extrapolation in c
 * takes over. */
#define NEAR_INTEGER 1e-3
#define RICHARDSON_STEP 2e-3

static bool is_pole(double x)
{
    return x <= 0.0 && x == floor(x);
}

double cx__hyp_series(double a, double b, double c, double z, double first, long max_terms)
{
    double term = first, sum = first, az = fabs(z);
    if (first == 0.0)
        return 0.0;
    for (long n = 0; n < max_terms; n++) {
        double dn = (double)n;
        double ratio = (a + dn) * (b + dn) * z / ((c + dn) * (dn + 1.0));
        term *= ratio;
        sum += term;
        if (term == 0.0)
            return sum; /* a or b is a non-positive integer: a polynomial */
        if (!(fabs(sum) <= DBL_MAX))
            return NAN;
        /* Later ratios approach z; bound the tail by a geometric series. */
        double rho = fabs(ratio) > az ? fabs(ratio) : az;
        if (rho < 1.0 && fabs(term) * rho <= TAIL * (1.0 - rho) * fabs(sum))
            return sum;
    }
    return NAN;
}

/* log |Gamma(x)| and its sign, x not a pole. */
static double log_abs_gamma(double x, int *sign)
{
    *sign = (x > 0.0 || fmod(floor(-x), 2.0) == 1.0) ? 1 : -1;
    return lgamma(x);
}

/* Gamma(c) Gamma(d) / (Gamma(e) Gamma(f)); 0 when e or f is a pole. */
static double gamma_ratio(double c, double d, double e, double f)
{
    if (is_pole(e) || is_pole(f))
        return 0.0;
    int s1, s2, s3, s4;
    double lg = log_abs_gamma(c, &s1) + log_abs_gamma(d, &s2) - log_abs_gamma(e, &s3) - log_abs_gamma(f, &s4);
    return (double)(s1 * s2 * s3 * s4) * exp(lg);
}

/* Abramowitz & Stegun 15.3.6 for c - a - b not an integer, 0 < z < 1.
 * *lost is set when the two terms cancel to fewer than 8 digits. */
static double connection(double a, double b, double c, double z, bool *lost)
{
    double m = c - a - b, w = 1.0 - z;
    double t1 = gamma_ratio(c, m, c - a, c - b);
    if (t1 != 0.0)
        t1 *= cx__hyp_series(a, b, 1.0 - m, w, 1.0, SERIES_TERMS);
    double t2 = gamma_ratio(c, -m, a, b);
    if (t2 != 0.0)
        t2 *= pow(w, m) * cx__hyp_series(c - a, c - b, 1.0 + m, w, 1.0, SERIES_TERMS);
    double sum = t1 + t2;
    *lost = !isfinite(sum) || fabs(sum) < 1e-8 * fmax(fabs(t1), fabs(t2));
    return sum;
}

/* Richardson extrapolation across an integer c - a - b: the symmetric mean
 * of F at c +/- jh is a polynomial in (jh)^2 up to O(h^8); its value at 0
 * is F(c). The points keep c - a - b at least h/2 from the integer, where
 * the connection formula loses only a few digits, and near z = 1, where F
 * changes with c like (1 - z)^(c-a-b), four of them keep the error of the
 * extrapolation near (h log(1 - z))^8. */
static double across_integer(double a, double b, double c, double z)
{
    const double h = RICHARDSON_STEP;
    /* Lagrange weights at 0 for the nodes x_j = j^2 = 1, 4, 9, 16:
     * prod_{i != j} x_i / (x_i - x_j). */
    static const double weight[4] = { 56.0 / 35.0, -28.0 / 35.0, 8.0 / 35.0, -1.0 / 35.0 };
    double value = 0;
    for (int j = 1; j <= 4; j++) {
        bool up_lost, down_lost;
        double mean = 0.5 * (connection(a, b, c + j * h, z, &up_lost) + connection(a, b, c - j * h, z, &down_lost));
        if (up_lost || down_lost)
            return NAN;
        value += weight[j - 1] * mean;
    }
    return value;
}

/* 0 < z < 1. */
static double hyp_unit(double a, double b, double c, double z)
{
    if (z <= SERIES_LIMIT)
        return cx__hyp_series(a, b, c, z, 1.0, SERIES_TERMS);
    double m = c - a - b;
    if (fabs(m - nearbyint(m)) < NEAR_INTEGER) {
        double s = cx__hyp_series(a, b, c, z, 1.0, SERIES_TERMS);
        return isnan(s) ? across_integer(a, b, c, z) : s;
    }
    bool lost;
    double v = connection(a, b, c, z, &lost);
    return lost ? cx__hyp_series(a, b, c, z, 1.0, SERIES_TERMS_LONG) : v;
}

double cx__hyp2f1(double a, double b, double c, double z)
{
    if (!isfinite(a) || !isfinite(b) || !isfinite(c) || !isfinite(z) || z >= 1.0 || is_pole(c))
        return NAN;
    if (z == 0.0 || a == 0.0 || b == 0.0)
        return 1.0;
    if (is_pole(a) || is_pole(b))
        return cx__hyp_series(a, b, c, z, 1.0, SERIES_TERMS); /* a polynomial */
    if (z > 0.0)
        return hyp_unit(a, b, c, z);
    /* Pfaff (A&S 15.3.4/15.3.5) maps z < 0 to w = z / (z - 1) in (0, 1);
     * of its two forms, prefer the one with fewer negative parameters,
     * whose series has fewer sign changes. */
    double w = z / (z - 1.0);
    int neg_first = (a < 0.0) + (c - b < 0.0), neg_second = (c - a < 0.0) + (b < 0.0);
    if (neg_first <= neg_second)
        return pow(1.0 - z, -a) * hyp_unit(a, c - b, c, w);
    return pow(1.0 - z, -b) * hyp_unit(c - a, b, c, w);
}

/* ---- adaptive Gauss-Kronrod quadrature ---------------------------------- */

/* Nodes and weights of the 15-point Kronrod rule and its embedded 7-point
 * Gauss rule on [-1, 1] (Piessens et al., QUADPACK, 1983): abscissae
 * xgk[1], xgk[3], xgk[5], xgk[7] are the Gauss nodes. */
static const double xgk[8] = {
    0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
    0.864864423359769072789712788640926, 0.741531185599394439863864773280788,
    0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
    0.207784955007898467600689403773245, 0.0,
};
static const double wgk[8] = {
    0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
    0.104790010322250183839876322541518, 0.140653259715525918745189590510238,
    0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
    0.204432940075298892414161999234649, 0.209482141084727828012999174891714,
};
static const double wg[4] = {
    0.129484966168869693270611432679082, 0.279705391489276667901467771423780,
    0.381830050505118944950369775488975, 0.417959183673469387755102040816327,
};

typedef struct interval {
    double lo, hi, value, error;
} interval;

static interval gauss_kronrod(cx__integrand f, const void *payload, double lo, double hi)
{
    double centre = 0.5 * (lo + hi), half = 0.5 * (hi - lo);
    double fc = f(centre, payload);
    double kronrod = wgk[7] * fc, gauss = wg[3] * fc;
    for (int i = 0; i < 7; i++) {
        double pair = f(centre - half * xgk[i], payload) + f(centre + half * xgk[i], payload);
        kronrod += wgk[i] * pair;
        if (i % 2 == 1)
            gauss += wg[i / 2] * pair;
    }
    interval iv = { lo, hi, kronrod * half, fabs((kronrod - gauss) * half) };
    return iv;
}

#define QUADRATURE_INTERVALS 256

int cx__integrate(cx__integrand f, const void *payload, double lo, double hi, double rel, double abs_tol,
                  double *out)
{
    interval parts[QUADRATURE_INTERVALS];
    size_t count = 1;
    parts[0] = gauss_kronrod(f, payload, lo, hi);
    for (;;) {
        double total = 0.0, error = 0.0;
        size_t worst = 0;
        for (size_t i = 0; i < count; i++) {
            total += parts[i].value;
            error += parts[i].error;
            if (parts[i].error > parts[worst].error)
                worst = i;
        }
        if (!isfinite(total))
            return cx__error(CX_ERANGE, "integral over [%g, %g] is not finite", lo, hi);
        if (error <= fmax(abs_tol, rel * fabs(total))) {
            *out = total;
            return CX_OK;
        }
        if (count == QUADRATURE_INTERVALS)
            return cx__error(CX_ERANGE, "integral over [%g, %g] did not reach relative accuracy %g in %d intervals",
                             lo, hi, rel, QUADRATURE_INTERVALS);
        interval w = parts[worst];
        double mid = 0.5 * (w.lo + w.hi);
        parts[worst] = gauss_kronrod(f, payload, w.lo, mid);
        parts[count++] = gauss_kronrod(f, payload, mid, w.hi);
    }
}
