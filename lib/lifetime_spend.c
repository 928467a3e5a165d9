/*
 * Gamma-Gamma model of mean spend (Fader, Hardie & Lee 2005, "RFM and CLV:
 * Using Iso-Value Curves"; Fader & Hardie 2013, note 025): parameters
 * p = (p, q, gamma). A customer with x repeat purchases of mean value m has
 *
 *   log f(m) = lgamma(px + q) - lgamma(px) - lgamma(q) + q log gamma
 *              + px log x + (px - 1) log m - (px + q) log(gamma + x m),
 *
 * with analytic gradient and Hessian (digamma and trigamma). Rows are the
 * distinct (x, m) pairs of customers with x > 0, in blocks of equal x.
 */
#include <math.h>
#include <string.h>

#include "core_internal.h"
#include "lifetime_internal.h"

enum { P, Q, G };
#define K3 3

static void add_sym(double *h, int i, int j, double v)
{
    h[i * K3 + j] += v;
    if (i != j)
        h[j * K3 + i] += v;
}

/* Terms depending on x only, times the block weight. */
static void block_constants(double x, double wsum, const double *p, double *ll, double *g, double *h)
{
    double px = p[P] * x, q = p[Q], gm = p[G];
    *ll += wsum * (lgamma(px + q) - lgamma(px) - lgamma(q) + q * log(gm) + px * log(x));
    if (g == NULL)
        return;
    double dpq = cx__digamma(px + q);
    g[P] += wsum * x * (dpq - cx__digamma(px) + log(x));
    g[Q] += wsum * (dpq - cx__digamma(q) + log(gm));
    g[G] += wsum * q / gm;
    if (h == NULL)
        return;
    double tpq = cx__trigamma(px + q);
    add_sym(h, P, P, wsum * x * x * (tpq - cx__trigamma(px)));
    add_sym(h, P, Q, wsum * x * tpq);
    add_sym(h, Q, Q, wsum * (tpq - cx__trigamma(q)));
    add_sym(h, Q, G, wsum / gm);
    add_sym(h, G, G, -wsum * q / (gm * gm));
}

bool cx__gg_loglik(const void *rows, const double *p, double *ll, double *grad, double *hess)
{
    const cx__lt_rows *d = rows;
    double total = 0, gm = p[G];
    if (grad)
        memset(grad, 0, K3 * sizeof *grad);
    if (hess)
        memset(hess, 0, K3 * K3 * sizeof *hess);
    for (size_t k = 0; k < d->blocks; k++) {
        size_t lo = d->block_start[k], hi = d->block_start[k + 1];
        double x = d->x[lo], px = p[P] * x, shape = px + p[Q], wsum = 0;
        for (size_t i = lo; i < hi; i++) {
            double w = d->w[i], m = d->u[i], lm = log(m), denom = gm + x * m, ld = log(denom);
            wsum += w;
            total += w * ((px - 1) * lm - shape * ld);
            if (grad == NULL)
                continue;
            grad[P] += w * x * (lm - ld);
            grad[Q] -= w * ld;
            grad[G] -= w * shape / denom;
            if (hess == NULL)
                continue;
            add_sym(hess, P, G, -w * x / denom);
            add_sym(hess, Q, G, -w / denom);
            add_sym(hess, G, G, w * shape / (denom * denom));
        }
        block_constants(x, wsum, p, &total, grad, hess);
    }
    *ll = total;
    return isfinite(total);
}
