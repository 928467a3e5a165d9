/*
 * Normal and Student t distributions.
 *
 * The normal CDF comes from erfc (accurate in both tails); its inverse
 * starts from the Abramowitz & Stegun 26.2.23 rational approximation and is
 * polished with Newton steps on the CDF, which reaches full precision in a
 * few iterations. The t CDF uses the regularised incomplete beta function,
 * evaluated by its continued fraction (modified Lentz method); the t
 * quantile is a safeguarded Newton search on that CDF.
 */
#include <float.h>
#include <math.h>

#include "stats_internal.h"

#define CX__SQRT2 1.41421356237309504880
#define CX__SQRT2PI 2.50662827463100050242
#define CX__LOG_PI 1.14472988584940017414

double cx__norm_cdf(double x)
{
    return 0.5 * erfc(-x / CX__SQRT2);
}

static double norm_pdf(double x)
{
    return exp(-0.5 * x * x) / CX__SQRT2PI;
}

/* A&S 26.2.23 for 0 < p <= 0.5 (absolute error < 4.5e-4). */
static double norm_quantile_rough(double p)
{
    double t = sqrt(-2.0 * log(p));
    double num = 2.515517 + t * (0.802853 + t * 0.010328);
    double den = 1.0 + t * (1.432788 + t * (0.189269 + t * 0.001308));
    return -(t - num / den);
}

double cx__norm_quantile(double p)
{
    if (isnan(p) || p < 0.0 || p > 1.0)
        return NAN;
    if (p == 0.0)
        return -INFINITY;
    if (p == 1.0)
        return INFINITY;
    /* Work in the lower tail for accuracy, reflect at the end. */
    double lower = p <= 0.5 ? p : 1.0 - p;
    double x = norm_quantile_rough(lower);
    for (int i = 0; i < 4; i++) {
        double err = 0.5 * erfc(-x / CX__SQRT2) - lower;
        double step = err / norm_pdf(x);
        /* Halley's correction: the normal pdf's derivative is -x pdf. */
        x -= step / (1.0 + 0.5 * x * step);
    }
    return p <= 0.5 ? x : -x;
}

/* Continued fraction for the incomplete beta (Lentz's method). */
static double beta_continued_fraction(double a, double b, double x)
{
    const double tiny = 1e-300;
    double qab = a + b, qap = a + 1.0, qam = a - 1.0;
    double c = 1.0;
    double d = 1.0 - qab * x / qap;
    if (fabs(d) < tiny) d = tiny;
    d = 1.0 / d;
    double h = d;
    for (int m = 1; m <= 10000; m++) {
        double m2 = 2.0 * m;
        double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if (fabs(d) < tiny) d = tiny;
        c = 1.0 + aa / c;
        if (fabs(c) < tiny) c = tiny;
        d = 1.0 / d;
        h *= d * c;
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if (fabs(d) < tiny) d = tiny;
        c = 1.0 + aa / c;
        if (fabs(c) < tiny) c = tiny;
        d = 1.0 / d;
        double delta = d * c;
        h *= delta;
        if (fabs(delta - 1.0) < 1e-16)
            break;
    }
    return h;
}

double cx__incomplete_beta(double a, double b, double x)
{
    if (isnan(x) || a <= 0.0 || b <= 0.0)
        return NAN;
    if (x <= 0.0)
        return 0.0;
    if (x >= 1.0)
        return 1.0;
    double log_front = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x);
    double front = exp(log_front);
    /* The fraction converges fast for x < (a + 1) / (a + b + 2); use the
     * symmetry I_x(a, b) = 1 - I_{1-x}(b, a) otherwise. */
    if (x < (a + 1.0) / (a + b + 2.0))
        return front * beta_continued_fraction(a, b, x) / a;
    return 1.0 - front * beta_continued_fraction(b, a, 1.0 - x) / b;
}

/* P(T > |t|) for t >= 0, computed directly to keep precision in the tail. */
static double t_upper_tail(double t, double df)
{
    double x = df / (df + t * t);
    return 0.5 * cx__incomplete_beta(0.5 * df, 0.5, x);
}

double cx__t_cdf(double t, double df)
{
    if (isnan(t) || isnan(df) || df <= 0.0)
        return NAN;
    if (isinf(df))
        return cx__norm_cdf(t);
    if (isinf(t))
        return t > 0 ? 1.0 : 0.0;
    double tail = t_upper_tail(fabs(t), df);
    return t >= 0 ? 1.0 - tail : tail;
}

static double t_pdf(double t, double df)
{
    double log_pdf = lgamma(0.5 * (df + 1.0)) - lgamma(0.5 * df) - 0.5 * (log(df) + CX__LOG_PI)
                     - 0.5 * (df + 1.0) * log1p(t * t / df);
    return exp(log_pdf);
}

double cx__t_quantile(double p, double df)
{
    if (isnan(p) || isnan(df) || p < 0.0 || p > 1.0 || df <= 0.0)
        return NAN;
    if (isinf(df))
        return cx__norm_quantile(p);
    if (p == 0.0)
        return -INFINITY;
    if (p == 1.0)
        return INFINITY;
    if (p == 0.5)
        return 0.0;
    /* Solve for the upper tail q = min(p, 1-p) on t >= 0. */
    double q = p < 0.5 ? p : 1.0 - p;
    double lo = 0.0, hi = 1.0;
    while (t_upper_tail(hi, df) > q && hi < 1e300)
        hi *= 2.0;
    double t = fmax(cx__norm_quantile(1.0 - q), 0.5 * (lo + hi));
    if (t > hi) t = 0.5 * (lo + hi);
    for (int i = 0; i < 200; i++) {
        double f = t_upper_tail(t, df) - q; /* decreasing in t */
        if (f > 0) lo = t; else hi = t;
        double next = t + f / t_pdf(t, df);
        if (!(next > lo && next < hi))
            next = 0.5 * (lo + hi);
        if (fabs(next - t) <= 4.0 * DBL_EPSILON * fabs(next))
            return p < 0.5 ? -next : next;
        t = next;
    }
    return p < 0.5 ? -t : t;
}

double cx__p_two_sided_normal(double z)
{
    if (isnan(z))
        return NAN;
    return erfc(fabs(z) / CX__SQRT2);
}

double cx__p_two_sided_t(double t, double df)
{
    if (isnan(t) || isnan(df))
        return NAN;
    if (isinf(df))
        return cx__p_two_sided_normal(t);
    if (isinf(t))
        return 0.0;
    return 2.0 * t_upper_tail(fabs(t), df);
}

/* Wilson score interval for x successes of n (fractions); NaN for n <= 0. */
void cx__wilson(double x, double n, double z, double *rate, double *lo, double *hi)
{
    if (n <= 0) {
        *rate = *lo = *hi = NAN;
        return;
    }
    double p = x / n, z2 = z * z;
    double denom = 1.0 + z2 / n;
    double centre = (p + z2 / (2.0 * n)) / denom;
    double half = z * sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n)) / denom;
    *rate = p;
    *lo = fmax(0.0, centre - half);
    *hi = fmin(1.0, centre + half);
}
