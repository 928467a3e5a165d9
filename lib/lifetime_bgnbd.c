/*
 * BG/NBD (Fader, Hardie & Lee 2005): log-likelihood with analytic gradient
 * and Hessian, P(alive), conditional and population expectations and the
 * distribution of the number of purchases. Parameters p = (r, alpha, a, b).
 *
 * Log-likelihood of a customer (FHL 2005), written as
 *   x = 0:  r log alpha - r log(alpha + T)
 *   x > 0:  K(x) - (r + x) V + log(a + c E)
 * with V = log(alpha + t_x), D = log(alpha + T) - V >= 0, E = exp(-(r+x) D),
 * c = b + x - 1 and
 *   K(x) = lgamma(r+x) - lgamma(r) + r log alpha + lgamma(a+b) - lgamma(b)
 *          - lgamma(a+b+x) + lgamma(b+x-1),
 * which stays finite where the published form's two terms underflow.
 * K depends on x only and is computed once per block of equal x.
 */
#include <math.h>
#include <string.h>

#include "core_internal.h"
#include "lifetime_internal.h"
#include "stats_internal.h"

enum { R, ALPHA, A, B };
#define K4 4

static void add_sym(double *h, int i, int j, double v)
{
    h[i * K4 + j] += v;
    if (i != j)
        h[j * K4 + i] += v;
}

/* x = 0 rows of one block: only r and alpha enter. */
static void zero_block(const cx__lt_rows *d, size_t lo, size_t hi, const double *p, double *ll, double *g, double *h)
{
    double r = p[R], alpha = p[ALPHA], la = log(alpha);
    double s0 = 0, su = 0, sa = 0, saa = 0;
    for (size_t i = lo; i < hi; i++) {
        double w = d->w[i], inv = 1.0 / (alpha + d->v[i]);
        s0 += w;
        su += w * log(alpha + d->v[i]);
        sa += w * inv;
        saa += w * inv * inv;
    }
    *ll += r * la * s0 - r * su;
    if (g == NULL)
        return;
    g[R] += la * s0 - su;
    g[ALPHA] += r * s0 / alpha - r * sa;
    if (h == NULL)
        return;
    add_sym(h, R, ALPHA, s0 / alpha - sa);
    add_sym(h, ALPHA, ALPHA, -r * s0 / (alpha * alpha) + r * saa);
}

/* The x-only terms K(x) times the block weight, with derivatives. */
static void block_constants(double x, double wsum, const double *p, double *ll, double *g, double *h)
{
    double r = p[R], alpha = p[ALPHA], a = p[A], b = p[B];
    *ll += wsum * (lgamma(r + x) - lgamma(r) + r * log(alpha) + lgamma(a + b) - lgamma(b) - lgamma(a + b + x)
                   + lgamma(b + x - 1));
    if (g == NULL)
        return;
    double ab = cx__digamma(a + b), abx = cx__digamma(a + b + x);
    g[R] += wsum * (cx__digamma(r + x) - cx__digamma(r) + log(alpha));
    g[ALPHA] += wsum * r / alpha;
    g[A] += wsum * (ab - abx);
    g[B] += wsum * (ab - cx__digamma(b) - abx + cx__digamma(b + x - 1));
    if (h == NULL)
        return;
    double tab = cx__trigamma(a + b), tabx = cx__trigamma(a + b + x);
    add_sym(h, R, R, wsum * (cx__trigamma(r + x) - cx__trigamma(r)));
    add_sym(h, R, ALPHA, wsum / alpha);
    add_sym(h, ALPHA, ALPHA, -wsum * r / (alpha * alpha));
    add_sym(h, A, A, wsum * (tab - tabx));
    add_sym(h, A, B, wsum * (tab - tabx));
    add_sym(h, B, B, wsum * (tab - cx__trigamma(b) - tabx + cx__trigamma(b + x - 1)));
}

/* Weighted sums over the rows of one x > 0 block of the derivatives of
 * the row part -m V + log Q (Q = a + c E): the gradient and the ten
 * distinct Hessian entries, in the order r, alpha, a, b. */
typedef struct row_sums {
    double g[K4];
    double rr, ra, rA, rB, aa, aA, aB, AA, AB, BB;
} row_sums;

static void add_row_derivatives(row_sums *s, double m, double c, double alpha, double tx, double T, double V,
                                double D, double E, double Q, double w, bool hessian)
{
    double inv_T = 1.0 / (alpha + T), inv_tx = 1.0 / (alpha + tx);
    double Da = inv_T - inv_tx, Daa = inv_tx * inv_tx - inv_T * inv_T;
    /* First partial derivatives of E and Q; Q_a = 1, Q_b = E. */
    double Er = -D * E, Ea = -m * Da * E, qr = c * Er, qa = c * Ea;
    double inv = 1.0 / Q, wi = w * inv, wi2 = wi * inv;
    s->g[R] += w * -V + qr * wi;
    s->g[ALPHA] += w * -m * inv_tx + qa * wi;
    s->g[A] += wi;
    s->g[B] += E * wi;
    if (!hessian)
        return;
    /* d2 log Q = Q_ij / Q - Q_i Q_j / Q^2, plus the -m V terms. */
    s->rr += c * D * D * E * wi - qr * qr * wi2;
    s->ra += c * (m * D * Da - Da) * E * wi - qr * qa * wi2 - w * inv_tx;
    s->rA -= qr * wi2;
    s->rB += Er * wi - qr * E * wi2;
    s->aa += c * (m * m * Da * Da - m * Daa) * E * wi - qa * qa * wi2 + w * m * inv_tx * inv_tx;
    s->aA -= qa * wi2;
    s->aB += Ea * wi - qa * E * wi2;
    s->AA -= wi2;
    s->AB -= E * wi2;
    s->BB -= E * E * wi2;
}

static void fold_row_sums(const row_sums *s, double *g, double *h)
{
    for (int i = 0; i < K4; i++)
        g[i] += s->g[i];
    if (h == NULL)
        return;
    add_sym(h, R, R, s->rr);
    add_sym(h, R, ALPHA, s->ra);
    add_sym(h, R, A, s->rA);
    add_sym(h, R, B, s->rB);
    add_sym(h, ALPHA, ALPHA, s->aa);
    add_sym(h, ALPHA, A, s->aA);
    add_sym(h, ALPHA, B, s->aB);
    add_sym(h, A, A, s->AA);
    add_sym(h, A, B, s->AB);
    add_sym(h, B, B, s->BB);
}

static void repeat_block(const cx__lt_rows *d, size_t lo, size_t hi, const double *p, double *ll, double *g,
                         double *h)
{
    double x = d->x[lo], alpha = p[ALPHA], a = p[A];
    double m = p[R] + x, c = p[B] + x - 1, wsum = 0, sum = 0;
    row_sums s;
    memset(&s, 0, sizeof s);
    for (size_t i = lo; i < hi; i++) {
        double w = d->w[i], tx = d->u[i], T = d->v[i];
        double V = log(alpha + tx), D = log(alpha + T) - V;
        double E = exp(-m * D), Q = a + c * E;
        wsum += w;
        sum += w * (-m * V + log(Q));
        if (g != NULL)
            add_row_derivatives(&s, m, c, alpha, tx, T, V, D, E, Q, w, h != NULL);
    }
    *ll += sum;
    if (g != NULL)
        fold_row_sums(&s, g, h);
    block_constants(x, wsum, p, ll, g, h);
}

bool cx__bgnbd_loglik(const void *rows, const double *p, double *ll, double *grad, double *hess)
{
    const cx__lt_rows *d = rows;
    double sum = 0;
    if (grad)
        memset(grad, 0, K4 * sizeof *grad);
    if (hess)
        memset(hess, 0, K4 * K4 * sizeof *hess);
    for (size_t k = 0; k < d->blocks; k++) {
        size_t lo = d->block_start[k], hi = d->block_start[k + 1];
        if (d->x[lo] == 0)
            zero_block(d, lo, hi, p, &sum, grad, grad ? hess : NULL);
        else
            repeat_block(d, lo, hi, p, &sum, grad, grad ? hess : NULL);
    }
    *ll = sum;
    return isfinite(sum);
}

/* ---- predictions -------------------------------------------------------- */

/* 1 + a / (b + x - 1) ((alpha + T) / (alpha + t_x))^(r + x): the inverse of
 * P(alive) (Fader, Hardie & Lee 2008, "Computing P(alive) Using the BG/NBD
 * Model", note 021). The log of the ratio has an absolute error of an ulp,
 * which exp turns into a relative error of (r + x) ulps. */
static double alive_denominator(const double *p, double x, double tx, double T)
{
    if (x == 0)
        return 1.0;
    double log_ratio = log((p[ALPHA] + T) / (p[ALPHA] + tx));
    return 1.0 + p[A] / (p[B] + x - 1) * exp((p[R] + x) * log_ratio);
}

static double p_alive(const double *p, double t, double x, double tx, double T)
{
    double alive = 1.0 / alive_denominator(p, x, tx, T);
    if (t == 0)
        return alive;
    /* Given alive at T, lambda ~ gamma(r + x, alpha + T) and the drop-out
     * probability ~ beta(a, b + x); surviving t more periods has
     * probability exp(-lambda p t), whose mean is
     * 2F1(r + x, a; a + b + x; -t / (alpha + T)), here after Pfaff's
     * transformation to a series in w = t / (alpha + T + t). */
    double w = t / (p[ALPHA] + T + t);
    double survive = pow(1.0 - w, p[A]) * cx__hyp2f1(p[A] + p[B] - p[R], p[A], p[A] + p[B] + x, w);
    return alive * survive;
}

void cx__bgnbd_p_alive_many(const double *p, double t, const double *x, const double *tx, const double *T, size_t n,
                            double *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = p_alive(p, t, x[i], tx[i], T[i]);
}

#define EXPECTED_SERIES_TERMS 20000000L
/* Beyond -log(1 - z) = 11.5 (1 - z < 1e-5) the published form is used. */
#define SERIES_LOG_LIMIT 11.5

/* c G = sum_{n>=1} (e)_n (a)_{n-1} / ((c+1)_{n-1} n!) z^n. */
static double c_times_g(double e, double a, double c, double z)
{
    double term = e * z, sum = term;
    if (term == 0)
        return 0;
    for (long n = 1; n < EXPECTED_SERIES_TERMS; n++) {
        double ratio = (e + (double)n) * (a + (double)n - 1) / ((c + (double)n) * ((double)n + 1)) * z;
        term *= ratio;
        sum += term;
        double rho = fmax(fabs(ratio), z);
        if (term == 0 || (rho < 1 && fabs(term) * rho / (1 - rho) <= 1e-17 * fabs(sum)))
            return sum;
    }
    return NAN;
}

/* The published form c / (a-1) [1 - (1-z)^(a-1) 2F1(c-r-x, a-1; c; z)]
 * with cx__hyp2f1's 1 - z connection formula, for horizons so long
 * (1 - z < 1e-5) that the series below would need millions of terms. Near a = 1 the bracket cancels, so a is moved to 1 +/- h
 * and 1 +/- 2h and Richardson's extrapolation recovers the value at a. */
static double published_form(double r, double alpha, double a, double b, double t, double x, double T)
{
    double z = t / (alpha + T + t), c = a + b + x - 1, L = -log1p(t / (alpha + T));
    return c / (a - 1) * (1 - exp((a - 1) * L) * cx__hyp2f1(c - r - x, a - 1, c, z));
}

static double expected_near_one(const double *p, double t, double x, double T)
{
    double r = p[R], alpha = p[ALPHA], a = p[A], b = p[B];
    const double h = 2e-5;
    if (fabs(a - 1) >= 1e-5)
        return published_form(r, alpha, a, b, t, x, T);
    double s = a - 1; /* the offset from 1 at which to extrapolate, in (-1e-5, 1e-5) */
    double near = 0.5 * (published_form(r, alpha, 1 + s + h, b, t, x, T)
                         + published_form(r, alpha, 1 + s - h, b, t, x, T));
    double far = 0.5 * (published_form(r, alpha, 1 + s + 2 * h, b, t, x, T)
                        + published_form(r, alpha, 1 + s - 2 * h, b, t, x, T));
    return (4 * near - far) / 3;
}

/*
 * E[Y(t) | x, t_x, T] (FHL 2005). With z = t / (alpha + T + t),
 * c = a + b + x - 1, Euler's transformation turns the published
 * (c / (a-1)) [1 - (1-z)^(r+x) 2F1(r+x, b+x; c; z)] into
 * (c / (a-1)) [1 - (1-z)^(a-1) 2F1(c-r-x, a-1; c; z)]; writing
 * 2F1(., a-1; c; z) = 1 + (a-1) G removes the removable singularity at
 * a = 1 and leaves c [-expm1((a-1) L) / (a-1) - (1-z)^(a-1) G],
 * L = log(1 - z): finite for every a, b > 0 and free of overflow for large x.
 */
static double expected_if_alive(const double *p, double t, double x, double T)
{
    double a = p[A], b = p[B], r = p[R], alpha = p[ALPHA];
    double z = t / (alpha + T + t), L = -log1p(t / (alpha + T)), eps = a - 1;
    double c = a + b + x - 1;
    double first = eps == 0 ? -L : -expm1(eps * L) / eps;
    /* The series needs about 40 / (1 - z) terms. */
    double cg = -L < SERIES_LOG_LIMIT ? c_times_g(c - r - x, a, c, z) : NAN;
    return isnan(cg) ? expected_near_one(p, t, x, T) : c * first - exp(eps * L) * cg;
}

double cx__bgnbd_expected(const double *p, double t, double x, double tx, double T)
{
    if (t == 0)
        return 0.0;
    return expected_if_alive(p, t, x, T) / alive_denominator(p, x, tx, T);
}

void cx__bgnbd_expected_many(const double *p, double t, const double *x, const double *tx, const double *T, size_t n,
                             double *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = cx__bgnbd_expected(p, t, x[i], tx[i], T[i]);
}

double cx__bgnbd_population(const double *p, double t)
{
    /* E[X(t)] (FHL 2005) is E[Y(t)] of a customer just acquired. */
    return t == 0 ? 0.0 : expected_if_alive(p, t, 0, 0);
}

static double log_beta(double a, double b)
{
    return lgamma(a) + lgamma(b) - lgamma(a + b);
}

int cx__bgnbd_pmf(const double *p, double t, double *out, size_t count)
{
    /* P(X(t) = x) (FHL 2005). The bracket 1 - sum_{j<x} NBD(j) is the upper tail
     * of the negative binomial, I_q(x, r) with q = t / (alpha + t). */
    double r = p[R], alpha = p[ALPHA], a = p[A], b = p[B];
    double lq = log(t / (alpha + t)), lp = log(alpha / (alpha + t)), q = t / (alpha + t);
    double lb = log_beta(a, b);
    for (size_t k = 0; k < count; k++) {
        double x = (double)k;
        double alive = t == 0 ? (k == 0) : exp(log_beta(a, b + x) - lb + lgamma(r + x) - lgamma(r) - lgamma(x + 1)
                                               + r * lp + x * lq);
        double dead = 0;
        if (k > 0 && t > 0)
            dead = exp(log_beta(a + 1, b + x - 1) - lb) * cx__incomplete_beta(x, r, q);
        out[k] = alive + dead;
    }
    return CX_OK;
}
