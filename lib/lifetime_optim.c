/*
 * Maximum likelihood for the lifetime models: Newton's method on the
 * log-parameters theta = log(p), from several starting points.
 *
 * The objective minimised is F(theta) = -LL(p) / W + lambda * sum(p^2)
 * (W the total weight): scaling by W makes the gradient tolerance mean the
 * same for 100 and 10^6 customers. Each iteration solves (H + mu I) d = -g
 * with mu = 0 when the Hessian H is positive definite and the smallest
 * power of ten that makes it so otherwise (a Levenberg-style shift), caps
 * the step at 5 in log-parameter units and backtracks (Armijo condition)
 * until F decreases. A start converges when the largest gradient component
 * is below the tolerance and H is positive definite there.
 *
 * Models with analytic derivatives give the gradient and Hessian in p; the
 * chain rule moves them to theta. Others get central differences of F.
 */
#include <math.h>
#include <string.h>

#include "core_internal.h"
#include "lifetime_internal.h"

#define DIM CX__LT_DIM_MAX
#define STEP_CAP 5.0          /* largest Newton step per log-parameter */
#define THETA_LIMIT 25.0      /* |log p| beyond this: p < 1.4e-11 or > 7.2e10 */
#define ARMIJO 1e-4
#define HALVINGS 40
#define GRADIENT_STEP 1e-5    /* central differences of F (models without derivatives) */
#define HESSIAN_STEP 1e-4
#define AGREE_THETA 1e-4      /* two starts agree when their log-parameters are this close */

typedef struct point {
    double theta[DIM];
    double f;
    double g[DIM];
    double h[DIM * DIM];
    double ll;
} point;

/* F at theta; with analytic models also its gradient and Hessian. */
static bool objective(const cx__lt_problem *pr, const double *theta, double *f, double *ll_out, double *g, double *h)
{
    int k = pr->dim;
    double p[DIM], gp[DIM], hp[DIM * DIM], ll, penalty = 0;
    for (int i = 0; i < k; i++) {
        p[i] = exp(theta[i]);
        penalty += p[i] * p[i];
    }
    bool want = g != NULL && pr->analytic;
    if (!pr->loglik(pr->data, p, &ll, want ? gp : NULL, want ? hp : NULL) || !isfinite(ll))
        return false;
    double W = pr->weight, lam = pr->penalty;
    *f = -ll / W + lam * penalty;
    if (ll_out)
        *ll_out = ll;
    if (!want)
        return true;
    for (int i = 0; i < k; i++) {
        g[i] = -gp[i] * p[i] / W + 2 * lam * p[i] * p[i];
        for (int j = 0; j < k; j++)
            h[i * k + j] = -hp[i * k + j] * p[i] * p[j] / W;
        h[i * k + i] += -gp[i] * p[i] / W + 4 * lam * p[i] * p[i];
    }
    for (int i = 0; i < k * k; i++)
        if (!isfinite(h[i]))
            return false;
    return true;
}

static bool f_at(const cx__lt_problem *pr, const double *theta, int i, double di, int j, double dj, double *f)
{
    double t[DIM];
    memcpy(t, theta, sizeof t);
    t[i] += di;
    t[j] += dj;
    return objective(pr, t, f, NULL, NULL, NULL);
}

/* Central differences of F: 2k evaluations for the gradient, 2k + 4 per
 * pair for the Hessian. */
static bool differences(const cx__lt_problem *pr, point *pt)
{
    int k = pr->dim;
    const double hg = GRADIENT_STEP, hh = HESSIAN_STEP;
    for (int i = 0; i < k; i++) {
        double fp, fm, fpp, fmm;
        if (!f_at(pr, pt->theta, i, hg, i, 0, &fp) || !f_at(pr, pt->theta, i, -hg, i, 0, &fm)
            || !f_at(pr, pt->theta, i, hh, i, 0, &fpp) || !f_at(pr, pt->theta, i, -hh, i, 0, &fmm))
            return false;
        pt->g[i] = (fp - fm) / (2 * hg);
        pt->h[i * k + i] = (fpp - 2 * pt->f + fmm) / (hh * hh);
        for (int j = 0; j < i; j++) {
            double a, b, c, d;
            if (!f_at(pr, pt->theta, i, hh, j, hh, &a) || !f_at(pr, pt->theta, i, hh, j, -hh, &b)
                || !f_at(pr, pt->theta, i, -hh, j, hh, &c) || !f_at(pr, pt->theta, i, -hh, j, -hh, &d))
                return false;
            pt->h[i * k + j] = pt->h[j * k + i] = (a - b - c + d) / (4 * hh * hh);
        }
    }
    return true;
}

/* Value and derivatives at pt->theta. */
static bool evaluate(const cx__lt_problem *pr, point *pt)
{
    if (pr->analytic)
        return objective(pr, pt->theta, &pt->f, &pt->ll, pt->g, pt->h);
    return objective(pr, pt->theta, &pt->f, &pt->ll, NULL, NULL) && differences(pr, pt);
}

/* Cholesky factor L (row-major, lower) of a k x k matrix; false unless
 * positive definite. */
static bool cholesky(const double *a, int k, double *l)
{
    memset(l, 0, sizeof(double) * (size_t)(k * k));
    for (int j = 0; j < k; j++) {
        double d = a[j * k + j];
        for (int m = 0; m < j; m++)
            d -= l[j * k + m] * l[j * k + m];
        if (!(d > 0))
            return false;
        l[j * k + j] = sqrt(d);
        for (int i = j + 1; i < k; i++) {
            double s = a[i * k + j];
            for (int m = 0; m < j; m++)
                s -= l[i * k + m] * l[j * k + m];
            l[i * k + j] = s / l[j * k + j];
        }
    }
    return true;
}

/* Solves L L^T x = b in place. */
static void cholesky_solve(const double *l, int k, double *b)
{
    for (int i = 0; i < k; i++) {
        for (int m = 0; m < i; m++)
            b[i] -= l[i * k + m] * b[m];
        b[i] /= l[i * k + i];
    }
    for (int i = k - 1; i >= 0; i--) {
        for (int m = i + 1; m < k; m++)
            b[i] -= l[m * k + i] * b[m];
        b[i] /= l[i * k + i];
    }
}

static double max_abs(const double *v, int k)
{
    double m = 0;
    for (int i = 0; i < k; i++)
        m = fmax(m, fabs(v[i]));
    return m;
}

/* Newton direction of the shifted Hessian; false when no shift helps. */
static bool direction(const point *pt, int k, double *d)
{
    double a[DIM * DIM], l[DIM * DIM], scale = 0;
    for (int i = 0; i < k; i++)
        scale = fmax(scale, fabs(pt->h[i * k + i]));
    double mu = 0;
    for (int tries = 0; tries < 40; tries++) {
        memcpy(a, pt->h, sizeof a);
        for (int i = 0; i < k; i++)
            a[i * k + i] += mu;
        if (cholesky(a, k, l)) {
            for (int i = 0; i < k; i++)
                d[i] = -pt->g[i];
            cholesky_solve(l, k, d);
            double big = max_abs(d, k);
            if (big > STEP_CAP)
                for (int i = 0; i < k; i++)
                    d[i] *= STEP_CAP / big;
            return true;
        }
        mu = mu == 0 ? fmax(1e-10, 1e-6 * scale) : mu * 10;
    }
    return false;
}

static bool positive_definite(const point *pt, int k)
{
    double l[DIM * DIM];
    return cholesky(pt->h, k, l);
}

/* Backtracking along d; on success *pt moves to the accepted point. */
static bool line_search(const cx__lt_problem *pr, point *pt, const double *d)
{
    int k = pr->dim;
    double slope = 0;
    for (int i = 0; i < k; i++)
        slope += pt->g[i] * d[i];
    point trial = *pt;
    double t = 1;
    for (int n = 0; n < HALVINGS; n++, t *= 0.5) {
        for (int i = 0; i < k; i++)
            trial.theta[i] = pt->theta[i] + t * d[i];
        /* The full step is usually accepted: analytic models evaluate the
         * derivatives with it, saving a pass over the data; shorter steps
         * get the value only. */
        bool full = n == 0 && pr->analytic;
        bool ok = full ? evaluate(pr, &trial) : objective(pr, trial.theta, &trial.f, &trial.ll, NULL, NULL);
        if (ok && trial.f <= pt->f + ARMIJO * t * slope) {
            if (!full && !evaluate(pr, &trial))
                return false;
            *pt = trial;
            return true;
        }
    }
    return false;
}

static bool diverged(const point *pt, int k)
{
    for (int i = 0; i < k; i++)
        if (fabs(pt->theta[i]) > THETA_LIMIT)
            return true;
    return false;
}

/* Newton iterations from pt (already evaluated). */
static cx_lifetime_diagnosis newton(const cx__lt_problem *pr, point *pt, unsigned *iterations)
{
    int k = pr->dim;
    for (unsigned it = 0;; it++) {
        if (max_abs(pt->g, k) <= pr->tolerance)
            return positive_definite(pt, k) ? CX_LIFETIME_CONVERGED : CX_LIFETIME_NOT_A_MAXIMUM;
        if (it == pr->max_iterations)
            return CX_LIFETIME_MAX_ITERATIONS;
        double d[DIM];
        if (!direction(pt, k, d))
            return CX_LIFETIME_LINE_SEARCH_FAILED;
        double decrease = 0;
        for (int i = 0; i < k; i++)
            decrease -= pt->g[i] * d[i];
        if (!line_search(pr, pt, d)) {
            /* Nothing improves F in the last bits: a stationary point as
             * precise as doubles allow. */
            bool at_floor = decrease <= 1e-14 * (1 + fabs(pt->f));
            return at_floor && positive_definite(pt, k) ? CX_LIFETIME_CONVERGED : CX_LIFETIME_LINE_SEARCH_FAILED;
        }
        ++*iterations;
        if (diverged(pt, k))
            return CX_LIFETIME_DIVERGED;
    }
}

/* Standard errors from the inverse of W * (Hessian of F in p). */
static bool standard_errors(const cx__lt_problem *pr, const point *pt, double *se)
{
    int k = pr->dim;
    double info[DIM * DIM] = { 0 }, l[DIM * DIM], p[DIM];
    for (int i = 0; i < k; i++)
        p[i] = exp(pt->theta[i]);
    for (int i = 0; i < k; i++)
        for (int j = 0; j < k; j++)
            info[i * k + j] = pr->weight * (pt->h[i * k + j] - (i == j ? pt->g[i] : 0)) / (p[i] * p[j]);
    if (!cholesky(info, k, l))
        return false;
    for (int i = 0; i < k; i++) {
        double e[DIM] = { 0 };
        e[i] = 1;
        cholesky_solve(l, k, e);
        se[i] = sqrt(e[i]);
    }
    return true;
}

static const char *reason(cx_lifetime_diagnosis d)
{
    switch (d) {
    case CX_LIFETIME_MAX_ITERATIONS:
        return "the iteration limit was reached before the gradient vanished";
    case CX_LIFETIME_LINE_SEARCH_FAILED:
        return "no step along the Newton direction improved the likelihood";
    case CX_LIFETIME_NOT_A_MAXIMUM:
        return "the Hessian is not negative definite where the gradient vanished (a saddle or a flat ridge)";
    case CX_LIFETIME_DIVERGED:
        return "a parameter ran off towards 0 or infinity, so the data do not identify it";
    case CX_LIFETIME_NOT_FINITE:
        return "the log-likelihood is not finite at the starting points";
    default:
        return "converged";
    }
}

typedef struct outcome {
    point pt;
    cx_lifetime_diagnosis diagnosis;
    bool finite;
} outcome;

static void run_starts(const cx__lt_problem *pr, outcome *runs, unsigned *iterations)
{
    for (unsigned s = 0; s < pr->starts; s++) {
        outcome *o = &runs[s];
        memset(o, 0, sizeof *o);
        for (int i = 0; i < pr->dim; i++)
            o->pt.theta[i] = log(pr->start[s][i]);
        o->finite = evaluate(pr, &o->pt);
        o->diagnosis = o->finite ? newton(pr, &o->pt, iterations) : CX_LIFETIME_NOT_FINITE;
    }
}

/* The converged start with the lowest F; else the finite one with the
 * lowest F; else start 0. */
static unsigned best_start(const cx__lt_problem *pr, const outcome *runs)
{
    unsigned best = 0;
    for (int pass = 0; pass < 2; pass++) {
        bool found = false;
        for (unsigned s = 0; s < pr->starts; s++) {
            bool eligible = pass == 0 ? runs[s].diagnosis == CX_LIFETIME_CONVERGED : runs[s].finite;
            if (eligible && (!found || runs[s].pt.f < runs[best].pt.f)) {
                best = s;
                found = true;
            }
        }
        if (found)
            return best;
    }
    return 0;
}

static unsigned agreeing(const cx__lt_problem *pr, const outcome *runs, unsigned best)
{
    unsigned n = 0;
    for (unsigned s = 0; s < pr->starts; s++) {
        if (runs[s].diagnosis != CX_LIFETIME_CONVERGED)
            continue;
        double gap = 0;
        for (int i = 0; i < pr->dim; i++)
            gap = fmax(gap, fabs(runs[s].pt.theta[i] - runs[best].pt.theta[i]));
        n += gap <= AGREE_THETA;
    }
    return n;
}

int cx__lt_maximise(const cx__lt_problem *pr, cx__lt_solution *sol, const char *what)
{
    outcome runs[CX_LIFETIME_STARTS_MAX];
    memset(sol, 0, sizeof *sol);
    run_starts(pr, runs, &sol->iterations);
    unsigned best = best_start(pr, runs);
    const outcome *o = &runs[best];
    sol->diagnosis = o->diagnosis;
    sol->gradient_norm = o->finite ? max_abs(o->pt.g, pr->dim) : NAN;
    sol->starts_agreeing = agreeing(pr, runs, best);
    if (o->diagnosis == CX_LIFETIME_CONVERGED && !standard_errors(pr, &o->pt, sol->se))
        sol->diagnosis = CX_LIFETIME_NOT_A_MAXIMUM;
    if (sol->diagnosis != CX_LIFETIME_CONVERGED)
        return cx__error(CX_ESTATE, "%s: the fit did not converge from any of %u starting points: %s (best start: "
                         "largest gradient %.3g after %u iterations in all)", what, pr->starts,
                         reason(sol->diagnosis), sol->gradient_norm, sol->iterations);
    for (int i = 0; i < pr->dim; i++)
        sol->p[i] = exp(o->pt.theta[i]);
    sol->log_likelihood = o->pt.ll;
    return CX_OK;
}

/* Multipliers of the automatic base point, one row per start: the first
 * is the base itself, the others spread over an order of magnitude. */
static const double start_factors[CX_LIFETIME_STARTS_MAX][DIM] = {
    { 1, 1, 1, 1 },       { 0.5, 0.5, 0.5, 2 }, { 2, 2, 2, 0.5 }, { 0.25, 0.25, 2, 2 },
    { 4, 4, 0.5, 0.5 },   { 1, 1, 4, 4 },       { 1, 1, 0.25, 0.25 }, { 0.5, 2, 1, 1 },
};

void cx__lt_set_starts(cx__lt_problem *pr, const cx_lifetime_fit_options *opts, const double (*base)[4])
{
    bool user = true;
    for (int i = 0; i < pr->dim; i++)
        user = user && opts->initial[i] > 0 && isfinite(opts->initial[i]);
    unsigned s = 0;
    if (user) {
        for (int i = 0; i < pr->dim; i++)
            pr->start[0][i] = opts->initial[i];
        s = 1;
    }
    for (unsigned f = 0; s < pr->starts; s++, f++)
        for (int i = 0; i < pr->dim; i++)
            pr->start[s][i] = (*base)[i] * start_factors[f][i];
}
