/*
 * Pareto/NBD (Schmittlein, Morrison & Colombo 1987) in the form of Fader &
 * Hardie (2005), "A Note on Deriving the Pareto/NBD Model and Related
 * Expressions": parameters p = (r, alpha, s, beta).
 *
 *   L = Gamma(r+x) alpha^r beta^s / Gamma(r)
 *       * [ (alpha+T)^-(r+x) (beta+T)^-s + s / (r+s+x) A0 ],
 *   A0 = F(t_x) - F(T),
 *   F(y) = 2F1(r+s+x, s+1; r+s+x+1; (alpha-beta)/(alpha+y)) / (alpha+y)^(r+s+x)
 *          when alpha >= beta, else
 *          2F1(r+s+x, r+x; r+s+x+1; (beta-alpha)/(beta+y)) / (beta+y)^(r+s+x).
 *
 * Everything is kept in logs: log A0 = log F(t_x) + log1p(-F(T)/F(t_x)).
 * The likelihood has no analytic derivatives here (they would need
 * derivatives of 2F1 in its parameters); the optimizer differentiates it
 * numerically.
 */
#include <math.h>

#include "core_internal.h"
#include "lifetime_internal.h"

enum { R, ALPHA, S, BETA };

static double log_f(const double *p, double x, double y)
{
    double r = p[R], alpha = p[ALPHA], s = p[S], beta = p[BETA], m = r + s + x;
    if (alpha >= beta)
        return log(cx__hyp2f1(m, s + 1, m + 1, (alpha - beta) / (alpha + y))) - m * log(alpha + y);
    return log(cx__hyp2f1(m, r + x, m + 1, (beta - alpha) / (beta + y))) - m * log(beta + y);
}

/* log(s / (r+s+x) A0); -inf when t_x = T. */
static double log_dead_term(const double *p, double x, double tx, double T)
{
    double f_tx = log_f(p, x, tx), f_T = log_f(p, x, T);
    return log(p[S] / (p[R] + p[S] + x)) + f_tx + log1p(-exp(f_T - f_tx));
}

static double log_alive_term(const double *p, double x, double T)
{
    return -(p[R] + x) * log(p[ALPHA] + T) - p[S] * log(p[BETA] + T);
}

static double log_add(double u, double v)
{
    double hi = fmax(u, v), lo = fmin(u, v);
    return lo == -INFINITY ? hi : hi + log1p(exp(lo - hi));
}

bool cx__pnbd_loglik(const void *rows, const double *p, double *ll, double *grad, double *hess)
{
    (void)grad;
    (void)hess;
    const cx__lt_rows *d = rows;
    double r = p[R], total = 0;
    double front = r * log(p[ALPHA]) + p[S] * log(p[BETA]) - lgamma(r);
    for (size_t k = 0; k < d->blocks; k++) {
        size_t lo = d->block_start[k], hi = d->block_start[k + 1];
        double x = d->x[lo], wsum = 0, sum = 0;
        for (size_t i = lo; i < hi; i++) {
            double tx = d->u[i], T = d->v[i];
            wsum += d->w[i];
            sum += d->w[i] * log_add(log_alive_term(p, x, T), log_dead_term(p, x, tx, T));
        }
        total += sum + wsum * (lgamma(r + x) + front);
    }
    *ll = total;
    return isfinite(total);
}

double cx__pnbd_p_alive(const double *p, double t, double x, double tx, double T)
{
    double odds = exp(log_dead_term(p, x, tx, T) - log_alive_term(p, x, T));
    double alive = 1.0 / (1.0 + odds);
    /* Given alive at T the drop-out rate is gamma(s, beta + T). */
    return t == 0 ? alive : alive * exp(-p[S] * log1p(t / (p[BETA] + T)));
}

/* (1 - (1 + t/k)^-(s-1)) / (s - 1), with its limit log(1 + t/k) at s = 1. */
static double decay_integral(double s, double t, double k)
{
    double l = log1p(t / k), e = s - 1;
    return e == 0 ? l : -expm1(-e * l) / e;
}

double cx__pnbd_expected(const double *p, double t, double x, double tx, double T)
{
    /* Note 009: E[Y(t) | alive] = (r+x)(beta+T) / ((alpha+T)(s-1))
     * (1 - ((beta+T)/(beta+T+t))^(s-1)). */
    if (t == 0)
        return 0.0;
    double alive = cx__pnbd_p_alive(p, 0, x, tx, T);
    double if_alive = (p[R] + x) * (p[BETA] + T) / (p[ALPHA] + T) * decay_integral(p[S], t, p[BETA] + T);
    return if_alive * alive;
}

void cx__pnbd_p_alive_many(const double *p, double t, const double *x, const double *tx, const double *T, size_t n,
                           double *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = cx__pnbd_p_alive(p, t, x[i], tx[i], T[i]);
}

void cx__pnbd_expected_many(const double *p, double t, const double *x, const double *tx, const double *T, size_t n,
                            double *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = cx__pnbd_expected(p, t, x[i], tx[i], T[i]);
}

double cx__pnbd_population(const double *p, double t)
{
    /* Note 009: E[X(t)] = r beta / (alpha (s-1)) (1 - (beta/(beta+t))^(s-1)). */
    return p[R] * p[BETA] / p[ALPHA] * decay_integral(p[S], t, p[BETA]);
}

typedef struct pmf_integrand {
    const double *p;
    double k;
    double log_front;
} pmf_integrand;

/* Density of dying at u after exactly k purchases, mixed over the rates:
 * s beta^s / (beta+u)^(s+1) * Gamma(r+k) alpha^r u^k / (Gamma(r) k! (alpha+u)^(r+k)). */
static double dead_density(double u, const void *payload)
{
    const pmf_integrand *in = payload;
    const double *p = in->p;
    double lu = in->k == 0 ? 0.0 : in->k * log(u);
    return exp(in->log_front + lu - (p[R] + in->k) * log(p[ALPHA] + u) - (p[S] + 1) * log(p[BETA] + u));
}

int cx__pnbd_pmf(const double *p, double t, double *out, size_t count)
{
    /* P(X(t) = k) = P(k purchases in (0, t] and alive at t) + P(died
     * before t after exactly k purchases); the second part is one integral
     * over the time of death, done by adaptive Gauss-Kronrod quadrature. */
    double r = p[R], alpha = p[ALPHA], s = p[S], beta = p[BETA];
    for (size_t k = 0; k < count; k++) {
        double x = (double)k;
        double lnbd = lgamma(r + x) - lgamma(r) - lgamma(x + 1) + r * log(alpha);
        double alive = t == 0 ? (k == 0)
                              : exp(lnbd - r * log(alpha + t) + x * log(t / (alpha + t)) + s * log(beta / (beta + t)));
        double dead = 0;
        if (t > 0) {
            pmf_integrand in = { p, x, lnbd + log(s) + s * log(beta) };
            int rc = cx__integrate(dead_density, &in, 0.0, t, 1e-12, 1e-300, &dead);
            if (rc != CX_OK)
                return rc;
        }
        out[k] = alive + dead;
    }
    return CX_OK;
}
