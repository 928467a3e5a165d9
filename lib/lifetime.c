/*
 * Public entry points of the lifetime module: option and result structs,
 * argument checks, the fits (grouping, starting points, the optimizer) and
 * the bulk predictions. The models live in lifetime_bgnbd.c,
 * lifetime_pnbd.c and lifetime_spend.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_internal.h"
#include "lifetime_internal.h"

#define ITERATIONS_MAX 10000u
#define PMF_COUNT_MAX 100000u
#define CLV_PERIODS_MAX 100000u
#define DISCOUNT_RATE_MAX 10.0

/* ---- struct initialisers ------------------------------------------------- */

const size_t cx__lt_fit_sizes[1] = { sizeof(cx_lifetime_fit) };
const size_t cx__lt_spend_fit_sizes[1] = { sizeof(cx_lifetime_spend_fit) };
const size_t cx__lt_fit_options_sizes[1] = { sizeof(cx_lifetime_fit_options) };
const size_t cx__lt_clv_options_sizes[1] = { sizeof(cx_lifetime_clv_options) };

int cx_lifetime_fit_options_init(cx_lifetime_fit_options *opts, unsigned int version)
{
    CX__CHECK_ARG(opts, "cx_lifetime_fit_options_init");
    int rc = cx__check_version(version, CX_LIFETIME_FIT_OPTIONS_VERSION, "cx_lifetime_fit_options");
    if (rc != CX_OK)
        return rc;
    cx_lifetime_fit_options defaults = CX_LIFETIME_FIT_OPTIONS_INIT;
    defaults.version = version;
    opts->version = version;
    CX__COPY_VERSIONED(opts, &defaults, cx__lt_fit_options_sizes);
    return CX_OK;
}

int cx_lifetime_fit_init(cx_lifetime_fit *fit, unsigned int version)
{
    CX__CHECK_ARG(fit, "cx_lifetime_fit_init");
    int rc = cx__check_version(version, CX_LIFETIME_FIT_VERSION, "cx_lifetime_fit");
    if (rc != CX_OK)
        return rc;
    cx_lifetime_fit defaults = CX_LIFETIME_FIT_INIT;
    defaults.version = version;
    fit->version = version;
    CX__COPY_VERSIONED(fit, &defaults, cx__lt_fit_sizes);
    return CX_OK;
}

int cx_lifetime_spend_fit_init(cx_lifetime_spend_fit *fit, unsigned int version)
{
    CX__CHECK_ARG(fit, "cx_lifetime_spend_fit_init");
    int rc = cx__check_version(version, CX_LIFETIME_SPEND_FIT_VERSION, "cx_lifetime_spend_fit");
    if (rc != CX_OK)
        return rc;
    cx_lifetime_spend_fit defaults = CX_LIFETIME_SPEND_FIT_INIT;
    defaults.version = version;
    fit->version = version;
    CX__COPY_VERSIONED(fit, &defaults, cx__lt_spend_fit_sizes);
    return CX_OK;
}

int cx_lifetime_clv_options_init(cx_lifetime_clv_options *opts, unsigned int version)
{
    CX__CHECK_ARG(opts, "cx_lifetime_clv_options_init");
    int rc = cx__check_version(version, CX_LIFETIME_CLV_OPTIONS_VERSION, "cx_lifetime_clv_options");
    if (rc != CX_OK)
        return rc;
    cx_lifetime_clv_options defaults = CX_LIFETIME_CLV_OPTIONS_INIT;
    defaults.version = version;
    opts->version = version;
    CX__COPY_VERSIONED(opts, &defaults, cx__lt_clv_options_sizes);
    return CX_OK;
}

const char *cx_lifetime_model_name(cx_lifetime_model model)
{
    switch (model) {
    case CX_LIFETIME_BGNBD:
        return "bgnbd";
    case CX_LIFETIME_PARETO_NBD:
        return "pareto_nbd";
    default:
        return "unknown";
    }
}

/* ---- argument checks ------------------------------------------------------ */

static int read_fit_options(cx_lifetime_fit_options *o, const cx_lifetime_fit_options *opts, const char *what)
{
    cx_lifetime_fit_options defaults = CX_LIFETIME_FIT_OPTIONS_INIT;
    *o = defaults;
    if (opts != NULL) {
        int rc = cx__check_version(opts->version, CX_LIFETIME_FIT_OPTIONS_VERSION, "cx_lifetime_fit_options");
        if (rc != CX_OK)
            return rc;
        o->version = opts->version; /* read only the caller's version's bytes */
        CX__COPY_VERSIONED(o, opts, cx__lt_fit_options_sizes);
        o->version = CX_LIFETIME_FIT_OPTIONS_VERSION;
    }
    if (!(isfinite(o->penalty) && o->penalty >= 0))
        return cx__error(CX_EINVAL, "%s: penalty %g must be finite and >= 0", what, o->penalty);
    if (o->starts < 1 || o->starts > CX_LIFETIME_STARTS_MAX)
        return cx__error(CX_EINVAL, "%s: starts %u is outside 1..%d", what, o->starts, CX_LIFETIME_STARTS_MAX);
    if (o->max_iterations < 1 || o->max_iterations > ITERATIONS_MAX)
        return cx__error(CX_EINVAL, "%s: max_iterations %u is outside 1..%u", what, o->max_iterations,
                         ITERATIONS_MAX);
    if (!(isfinite(o->tolerance) && o->tolerance > 0))
        return cx__error(CX_EINVAL, "%s: tolerance %g must be finite and > 0", what, o->tolerance);
    for (int i = 0; i < 4; i++)
        if (!(isfinite(o->initial[i]) && o->initial[i] >= 0))
            return cx__error(CX_EINVAL, "%s: initial[%d] = %g must be finite and >= 0 (0: automatic)", what, i,
                             o->initial[i]);
    return CX_OK;
}

/* The first `dim` entries of `initial` are all set (a starting point) or
 * all 0 (automatic starts). */
static int check_initial(const cx_lifetime_fit_options *o, int dim, const char *what)
{
    int set = 0;
    for (int i = 0; i < dim; i++)
        set += o->initial[i] > 0;
    for (int i = 0; set > 0 && set < dim && i < dim; i++)
        if (o->initial[i] == 0)
            return cx__error(CX_EINVAL, "%s: initial[%d] = 0: give all %d starting parameters of the model, or none "
                             "(automatic starts)", what, i, dim);
    return CX_OK;
}

static const char *const bgnbd_names[4] = { "r", "alpha", "a", "b" };
static const char *const pnbd_names[4] = { "r", "alpha", "s", "beta" };
static const char *const spend_names[3] = { "p", "q", "gamma" };

static int check_params(const double *p, const char *const *names, int k, const char *what)
{
    for (int i = 0; i < k; i++)
        if (!(isfinite(p[i]) && p[i] > 0))
            return cx__error(CX_EINVAL, "%s: parameter %s = %g must be finite and > 0 (a failed fit leaves NaN)",
                             what, names[i], p[i]);
    return CX_OK;
}

/* Copies the model's parameters to p after checking them. */
static int read_fit(const cx_lifetime_fit *fit, double *p, const char *what)
{
    if (fit == NULL)
        return cx__error(CX_EINVAL, "%s: fit is NULL", what);
    int rc = cx__check_version(fit->version, CX_LIFETIME_FIT_VERSION, "cx_lifetime_fit");
    if (rc != CX_OK)
        return rc;
    if (fit->model == CX_LIFETIME_BGNBD) {
        p[0] = fit->r, p[1] = fit->alpha, p[2] = fit->a, p[3] = fit->b;
        return check_params(p, bgnbd_names, 4, what);
    }
    if (fit->model == CX_LIFETIME_PARETO_NBD) {
        p[0] = fit->r, p[1] = fit->alpha, p[2] = fit->s, p[3] = fit->beta;
        return check_params(p, pnbd_names, 4, what);
    }
    return cx__error(CX_EINVAL, "%s: unknown model %d (expected CX_LIFETIME_BGNBD or CX_LIFETIME_PARETO_NBD)", what,
                     (int)fit->model);
}

static int read_spend(const cx_lifetime_spend_fit *fit, double *p, const char *what)
{
    if (fit == NULL)
        return cx__error(CX_EINVAL, "%s: spend fit is NULL", what);
    int rc = cx__check_version(fit->version, CX_LIFETIME_SPEND_FIT_VERSION, "cx_lifetime_spend_fit");
    if (rc != CX_OK)
        return rc;
    p[0] = fit->p, p[1] = fit->q, p[2] = fit->gamma;
    if ((rc = check_params(p, spend_names, 3, what)) != CX_OK)
        return rc;
    if (!(p[1] > 1))
        return cx__error(CX_EINVAL, "%s: q = %g must exceed 1 for the mean spend p gamma / (q - 1) to be finite",
                         what, p[1]);
    return CX_OK;
}

static int check_horizon(double t, const char *what)
{
    if (!(isfinite(t) && t >= 0))
        return cx__error(CX_ERANGE, "%s: t = %g must be finite and >= 0", what, t);
    return CX_OK;
}

/* ---- fitting -------------------------------------------------------------- */

static void purchase_base(const cx__lt_rows *rows, cx_lifetime_model model, double (*base)[4])
{
    double sx = 0, sT = 0;
    for (size_t i = 0; i < rows->n; i++) {
        sx += rows->w[i] * rows->x[i];
        sT += rows->w[i] * rows->v[i];
    }
    /* Matches the mean purchase rate r / alpha to the observed one. */
    double rate = sx > 0 && sT > 0 ? sx / sT : 1.0;
    double mean_T = sT > 0 ? sT / rows->total_weight : 1.0;
    (*base)[0] = 1.0;
    (*base)[1] = 1.0 / rate;
    (*base)[2] = 1.0;
    (*base)[3] = model == CX_LIFETIME_BGNBD ? 1.0 : mean_T;
}

static void fail_fit(cx_lifetime_fit *out)
{
    out->r = out->alpha = out->a = out->b = out->s = out->beta = NAN;
    out->log_likelihood = NAN;
    out->std_error_r = out->std_error_alpha = out->std_error_a = out->std_error_b = NAN;
    out->std_error_s = out->std_error_beta = NAN;
}

static void fill_parameters(cx_lifetime_fit *out, cx_lifetime_model model, const cx__lt_solution *sol)
{
    out->r = sol->p[0], out->alpha = sol->p[1];
    out->std_error_r = sol->se[0], out->std_error_alpha = sol->se[1];
    if (model == CX_LIFETIME_BGNBD) {
        out->a = sol->p[2], out->b = sol->p[3];
        out->std_error_a = sol->se[2], out->std_error_b = sol->se[3];
    } else {
        out->s = sol->p[2], out->beta = sol->p[3];
        out->std_error_s = sol->se[2], out->std_error_beta = sol->se[3];
    }
    out->log_likelihood = sol->log_likelihood;
}

static void store_fit(cx_lifetime_fit *dst, cx_lifetime_model model, const cx__lt_rows *rows,
                      const cx_lifetime_fit_options *o, const cx__lt_problem *pr, const cx__lt_solution *sol, int rc)
{
    cx_lifetime_fit result = CX_LIFETIME_FIT_INIT, *out = &result;
    out->version = dst->version;
    out->model = model;
    out->weight = rows->total_weight;
    out->rows = (uint64_t)rows->n;
    out->penalty = o->penalty;
    out->diagnosis = sol->diagnosis;
    out->iterations = sol->iterations;
    out->starts = pr->starts;
    out->starts_agreeing = sol->starts_agreeing;
    out->gradient_norm = sol->gradient_norm;
    fail_fit(out);
    if (rc == CX_OK)
        fill_parameters(out, model, sol);
    CX__COPY_VERSIONED(dst, out, cx__lt_fit_sizes);
}

static int build_rows(cx__lt_rows *rows, const double *x, const double *u, const double *v, const double *w, size_t n,
                      bool only_repeaters, const char *what)
{
    int rc = cx__lt_rows_build(rows, x, u, v, w, n, only_repeaters);
    if (rc == CX_ENOMEM)
        return cx__nomem("grouping customers");
    if (rc == CX_EEMPTY)
        return cx__error(CX_EEMPTY, "%s: no customer %sto fit (%zu rows, none with a positive weight%s)", what,
                         only_repeaters ? "with repeat purchases " : "", n, only_repeaters ? " and x > 0" : "");
    return rc;
}

int cx_lifetime_fit_purchases(cx_lifetime_fit *out, cx_lifetime_model model, const double *frequency,
                              const double *recency, const double *T, const double *weights, size_t n,
                              const cx_lifetime_fit_options *opts)
{
    static const char what[] = "cx_lifetime_fit_purchases";
    CX__CHECK_ARG(out, what);
    int rc = cx__check_version(out->version, CX_LIFETIME_FIT_VERSION, "cx_lifetime_fit");
    cx_lifetime_fit_options o;
    if (rc == CX_OK)
        rc = read_fit_options(&o, opts, what);
    if (rc == CX_OK && model != CX_LIFETIME_BGNBD && model != CX_LIFETIME_PARETO_NBD)
        rc = cx__error(CX_EINVAL, "%s: unknown model %d (expected CX_LIFETIME_BGNBD or CX_LIFETIME_PARETO_NBD)", what,
                       (int)model);
    if (rc == CX_OK)
        rc = check_initial(&o, 4, what);
    if (rc == CX_OK)
        rc = cx__lt_check_rfm(what, frequency, recency, T, weights, n);
    cx__lt_rows rows;
    if (rc == CX_OK)
        rc = build_rows(&rows, frequency, recency, T, weights, n, false, what);
    if (rc != CX_OK)
        return rc;
    cx__lt_problem pr = { .dim = 4, .data = &rows, .weight = rows.total_weight, .penalty = o.penalty,
                          .starts = o.starts, .max_iterations = o.max_iterations, .tolerance = o.tolerance };
    pr.loglik = model == CX_LIFETIME_BGNBD ? cx__bgnbd_loglik : cx__pnbd_loglik;
    pr.analytic = model == CX_LIFETIME_BGNBD;
    double base[4];
    purchase_base(&rows, model, &base);
    cx__lt_set_starts(&pr, &o, (const double(*)[4])&base);
    cx__lt_solution sol;
    rc = cx__lt_maximise(&pr, &sol, what);
    store_fit(out, model, &rows, &o, &pr, &sol, rc);
    cx__lt_rows_free(&rows);
    return rc;
}

int cx_lifetime_log_likelihood(double *out, const cx_lifetime_fit *fit, const double *frequency,
                               const double *recency, const double *T, const double *weights, size_t n)
{
    static const char what[] = "cx_lifetime_log_likelihood";
    CX__CHECK_ARG(out, what);
    double p[4];
    int rc = read_fit(fit, p, what);
    if (rc == CX_OK)
        rc = cx__lt_check_rfm(what, frequency, recency, T, weights, n);
    if (rc != CX_OK)
        return rc;
    cx__lt_rows rows;
    rc = cx__lt_rows_build(&rows, frequency, recency, T, weights, n, false);
    if (rc == CX_EEMPTY) {
        *out = 0.0; /* an empty sum */
        return CX_OK;
    }
    if (rc != CX_OK)
        return cx__nomem("grouping customers");
    double ll;
    bool finite = (fit->model == CX_LIFETIME_BGNBD ? cx__bgnbd_loglik : cx__pnbd_loglik)(&rows, p, &ll, NULL, NULL);
    cx__lt_rows_free(&rows);
    if (!finite)
        return cx__error(CX_ERANGE, "%s: the log-likelihood is not finite at these parameters", what);
    *out = ll;
    return CX_OK;
}

/* ---- predictions ------------------------------------------------------------ */

static int predict(double *out, const cx_lifetime_fit *fit, double t, const double *x, const double *tx,
                   const double *T, size_t n, cx__lt_many_fn bg, cx__lt_many_fn pn, const char *what)
{
    CX__CHECK_ARG(out, what);
    double p[4];
    int rc = read_fit(fit, p, what);
    if (rc == CX_OK)
        rc = check_horizon(t, what);
    if (rc == CX_OK)
        rc = cx__lt_check_rfm(what, x, tx, T, NULL, n);
    if (rc != CX_OK)
        return rc;
    (fit->model == CX_LIFETIME_BGNBD ? bg : pn)(p, t, x, tx, T, n, out);
    for (size_t i = 0; i < n; i++)
        if (!isfinite(out[i]))
            return cx__error(CX_ERANGE, "%s: row %zu (x %g, t_x %g, T %g) could not be computed at t = %g; %s "
                             "(rows that failed hold NaN)", what, i, x[i], tx[i], T[i], t,
                             t > 0 ? "the horizon may be too long for these parameters"
                                   : "the parameters are too extreme for this row");
    return CX_OK;
}

int cx_lifetime_p_alive(double *out, const cx_lifetime_fit *fit, double t, const double *frequency,
                        const double *recency, const double *T, size_t n)
{
    return predict(out, fit, t, frequency, recency, T, n, cx__bgnbd_p_alive_many, cx__pnbd_p_alive_many,
                   "cx_lifetime_p_alive");
}

int cx_lifetime_expected_purchases(double *out, const cx_lifetime_fit *fit, double t, const double *frequency,
                                   const double *recency, const double *T, size_t n)
{
    return predict(out, fit, t, frequency, recency, T, n, cx__bgnbd_expected_many, cx__pnbd_expected_many,
                   "cx_lifetime_expected_purchases");
}

int cx_lifetime_expected_population(double *out, const cx_lifetime_fit *fit, const double *t, size_t n)
{
    static const char what[] = "cx_lifetime_expected_population";
    CX__CHECK_ARG(out, what);
    double p[4];
    int rc = read_fit(fit, p, what);
    if (rc != CX_OK)
        return rc;
    if (n > 0 && t == NULL)
        return cx__error(CX_EINVAL, "%s: t is NULL", what);
    for (size_t i = 0; i < n; i++)
        if (!(isfinite(t[i]) && t[i] >= 0))
            return cx__error(CX_ERANGE, "%s: t[%zu] = %g must be finite and >= 0", what, i, t[i]);
    for (size_t i = 0; i < n; i++) {
        out[i] = fit->model == CX_LIFETIME_BGNBD ? cx__bgnbd_population(p, t[i]) : cx__pnbd_population(p, t[i]);
        if (!isfinite(out[i]))
            return cx__error(CX_ERANGE, "%s: E[X(t)] could not be computed at t[%zu] = %g (rows from %zu on are "
                             "unspecified)", what, i, t[i], i);
    }
    return CX_OK;
}

int cx_lifetime_purchase_probabilities(double *out, const cx_lifetime_fit *fit, double t, size_t count)
{
    static const char what[] = "cx_lifetime_purchase_probabilities";
    CX__CHECK_ARG(out, what);
    double p[4];
    int rc = read_fit(fit, p, what);
    if (rc == CX_OK)
        rc = check_horizon(t, what);
    if (rc == CX_OK && count > PMF_COUNT_MAX)
        rc = cx__error(CX_ERANGE, "%s: count %zu exceeds %u", what, count, PMF_COUNT_MAX);
    if (rc != CX_OK)
        return rc;
    rc = fit->model == CX_LIFETIME_BGNBD ? cx__bgnbd_pmf(p, t, out, count) : cx__pnbd_pmf(p, t, out, count);
    if (rc != CX_OK) {
        char reason[256];
        snprintf(reason, sizeof reason, "%s", cx_last_error()); /* the message buffer is rewritten below */
        return cx__error(rc, "%s: %s", what, reason);
    }
    return CX_OK;
}

/* ---- JSON ------------------------------------------------------------------ */

/* The shorter of %.15g and %.17g that reads back as the same double. */
static int json_number(cx_buffer *b, const char *key, double v, bool comma)
{
    if (!isfinite(v))
        return cx__buffer_printf(b, "%s\"%s\": null", comma ? ", " : "", key);
    char text[32];
    snprintf(text, sizeof text, "%.15g", v);
    if (strtod(text, NULL) != v)
        snprintf(text, sizeof text, "%.17g", v);
    return cx__buffer_printf(b, "%s\"%s\": %s", comma ? ", " : "", key, text);
}

static const char *diagnosis_name(cx_lifetime_diagnosis d)
{
    static const char *const names[] = { "converged", "max_iterations", "line_search_failed", "not_a_maximum",
                                         "diverged", "not_finite" };
    return (unsigned)d < sizeof names / sizeof names[0] ? names[d] : "unknown";
}

static int write_fit_json(cx_buffer *b, const cx_lifetime_fit *f)
{
    bool bg = f->model == CX_LIFETIME_BGNBD;
    int rc = cx__buffer_printf(b, "{\"model\": \"%s\"", cx_lifetime_model_name(f->model));
    const char *keys[] = { "r", "alpha", bg ? "a" : "s", bg ? "b" : "beta", "log_likelihood", "std_error_r",
                           "std_error_alpha", bg ? "std_error_a" : "std_error_s", bg ? "std_error_b" : "std_error_beta",
                           "weight", "penalty", "gradient_norm" };
    double values[] = { f->r, f->alpha, bg ? f->a : f->s, bg ? f->b : f->beta, f->log_likelihood, f->std_error_r,
                        f->std_error_alpha, bg ? f->std_error_a : f->std_error_s,
                        bg ? f->std_error_b : f->std_error_beta, f->weight, f->penalty, f->gradient_norm };
    for (size_t i = 0; i < sizeof values / sizeof values[0] && rc == CX_OK; i++)
        rc = json_number(b, keys[i], values[i], true);
    if (rc == CX_OK)
        rc = cx__buffer_printf(b, ", \"rows\": %llu, \"diagnosis\": \"%s\", \"iterations\": %u, \"starts\": %u, "
                               "\"starts_agreeing\": %u}", (unsigned long long)f->rows, diagnosis_name(f->diagnosis),
                               f->iterations, f->starts, f->starts_agreeing);
    return rc;
}

int cx_lifetime_fit_json(cx_buffer *out, const cx_lifetime_fit *fit)
{
    static const char what[] = "cx_lifetime_fit_json";
    CX__CHECK_ARG(out, what);
    CX__CHECK_ARG(fit, what);
    int rc = cx__check_version(fit->version, CX_LIFETIME_FIT_VERSION, "cx_lifetime_fit");
    if (rc == CX_OK && out->version != CX_BUFFER_VERSION)
        rc = cx__error(CX_EVERSION, "%s: cx_buffer version %u is not %d", what, out->version, CX_BUFFER_VERSION);
    if (rc == CX_OK && fit->model != CX_LIFETIME_BGNBD && fit->model != CX_LIFETIME_PARETO_NBD)
        rc = cx__error(CX_EINVAL, "%s: unknown model %d", what, (int)fit->model);
    if (rc != CX_OK)
        return rc;
    size_t before = out->size;
    rc = write_fit_json(out, fit);
    if (rc != CX_OK && out->data != NULL) {
        out->size = before;
        out->data[before] = '\0';
    }
    return rc;
}

/* ---- spend and value ------------------------------------------------------- */

static void store_spend_fit(cx_lifetime_spend_fit *dst, const cx__lt_rows *rows, const cx_lifetime_fit_options *o,
                            const cx__lt_problem *pr, const cx__lt_solution *sol, int rc)
{
    cx_lifetime_spend_fit out = CX_LIFETIME_SPEND_FIT_INIT;
    bool ok = rc == CX_OK;
    out.version = dst->version;
    out.weight = rows->total_weight;
    out.rows = (uint64_t)rows->n;
    out.penalty = o->penalty;
    out.diagnosis = sol->diagnosis;
    out.iterations = sol->iterations;
    out.starts = pr->starts;
    out.starts_agreeing = sol->starts_agreeing;
    out.gradient_norm = sol->gradient_norm;
    out.p = ok ? sol->p[0] : NAN, out.q = ok ? sol->p[1] : NAN, out.gamma = ok ? sol->p[2] : NAN;
    out.std_error_p = ok ? sol->se[0] : NAN, out.std_error_q = ok ? sol->se[1] : NAN;
    out.std_error_gamma = ok ? sol->se[2] : NAN;
    out.log_likelihood = ok ? sol->log_likelihood : NAN;
    out.mean_spend = ok && out.q > 1 ? out.p * out.gamma / (out.q - 1) : NAN;
    CX__COPY_VERSIONED(dst, &out, cx__lt_spend_fit_sizes);
}

int cx_lifetime_fit_spend(cx_lifetime_spend_fit *out, const double *frequency, const double *monetary,
                          const double *weights, size_t n, const cx_lifetime_fit_options *opts)
{
    static const char what[] = "cx_lifetime_fit_spend";
    CX__CHECK_ARG(out, what);
    int rc = cx__check_version(out->version, CX_LIFETIME_SPEND_FIT_VERSION, "cx_lifetime_spend_fit");
    cx_lifetime_fit_options o;
    if (rc == CX_OK)
        rc = read_fit_options(&o, opts, what);
    if (rc == CX_OK)
        rc = check_initial(&o, 3, what);
    if (rc == CX_OK)
        rc = cx__lt_check_spend(what, frequency, monetary, weights, n);
    cx__lt_rows rows;
    if (rc == CX_OK)
        rc = build_rows(&rows, frequency, monetary, NULL, weights, n, true, what);
    if (rc != CX_OK)
        return rc;
    double mean = 0;
    for (size_t i = 0; i < rows.n; i++)
        mean += rows.w[i] * rows.u[i] / rows.total_weight;
    /* p = 1, q = 2 and gamma = the mean value give E[M] = p gamma / (q - 1) = mean. */
    double base[4] = { 1.0, 2.0, mean, 1.0 };
    cx__lt_problem pr = { .dim = 3, .loglik = cx__gg_loglik, .analytic = true, .data = &rows,
                          .weight = rows.total_weight, .penalty = o.penalty, .starts = o.starts,
                          .max_iterations = o.max_iterations, .tolerance = o.tolerance };
    cx__lt_set_starts(&pr, &o, (const double(*)[4])&base);
    cx__lt_solution sol;
    rc = cx__lt_maximise(&pr, &sol, what);
    store_spend_fit(out, &rows, &o, &pr, &sol, rc);
    cx__lt_rows_free(&rows);
    return rc;
}

static double expected_spend(const double *p, double x, double m)
{
    /* Note 025: a weighted mean of the population mean p gamma / (q-1)
     * and the customer's own mean m. */
    return p[0] * (p[2] + x * m) / (p[0] * x + p[1] - 1);
}

int cx_lifetime_expected_spend(double *out, const cx_lifetime_spend_fit *fit, const double *frequency,
                               const double *monetary, size_t n)
{
    static const char what[] = "cx_lifetime_expected_spend";
    CX__CHECK_ARG(out, what);
    double p[3];
    int rc = read_spend(fit, p, what);
    if (rc == CX_OK)
        rc = cx__lt_check_spend(what, frequency, monetary, NULL, n);
    if (rc != CX_OK)
        return rc;
    for (size_t i = 0; i < n; i++)
        out[i] = expected_spend(p, frequency[i], monetary[i]);
    return CX_OK;
}

static int read_clv_options(cx_lifetime_clv_options *o, const cx_lifetime_clv_options *opts, const char *what)
{
    cx_lifetime_clv_options defaults = CX_LIFETIME_CLV_OPTIONS_INIT;
    *o = defaults;
    if (opts != NULL) {
        int rc = cx__check_version(opts->version, CX_LIFETIME_CLV_OPTIONS_VERSION, "cx_lifetime_clv_options");
        if (rc != CX_OK)
            return rc;
        o->version = opts->version; /* read only the caller's version's bytes */
        CX__COPY_VERSIONED(o, opts, cx__lt_clv_options_sizes);
        o->version = CX_LIFETIME_CLV_OPTIONS_VERSION;
    }
    if (o->periods < 1 || o->periods > CLV_PERIODS_MAX)
        return cx__error(CX_EINVAL, "%s: periods %u is outside 1..%u", what, o->periods, CLV_PERIODS_MAX);
    if (!(isfinite(o->period_length) && o->period_length > 0))
        return cx__error(CX_EINVAL, "%s: period_length %g must be finite and > 0", what, o->period_length);
    if (!(o->discount_rate >= 0 && o->discount_rate < DISCOUNT_RATE_MAX))
        return cx__error(CX_EINVAL, "%s: discount_rate %g is outside [0, %g)", what, o->discount_rate,
                         DISCOUNT_RATE_MAX);
    if (!(isfinite(o->margin) && o->margin >= 0))
        return cx__error(CX_EINVAL, "%s: margin %g must be finite and >= 0", what, o->margin);
    return CX_OK;
}

/* Discounted expected purchases: sum_k (E[Y(k L)] - E[Y((k-1) L)]) / (1+d)^k. */
static double discounted_purchases(const cx_lifetime_fit *fit, const double *p, const cx_lifetime_clv_options *o,
                                   double x, double tx, double T)
{
    double (*f)(const double *, double, double, double, double) =
        fit->model == CX_LIFETIME_BGNBD ? cx__bgnbd_expected : cx__pnbd_expected;
    double total = 0, previous = 0, discount = 1;
    for (unsigned k = 1; k <= o->periods; k++) {
        double current = f(p, (double)k * o->period_length, x, tx, T);
        discount /= 1 + o->discount_rate;
        total += (current - previous) * discount;
        previous = current;
    }
    return total;
}

int cx_lifetime_clv(double *out, const cx_lifetime_fit *purchases, const cx_lifetime_spend_fit *spend,
                    const double *frequency, const double *recency, const double *T, const double *monetary, size_t n,
                    const cx_lifetime_clv_options *opts)
{
    static const char what[] = "cx_lifetime_clv";
    CX__CHECK_ARG(out, what);
    double p[4], q[3];
    cx_lifetime_clv_options o;
    int rc = read_fit(purchases, p, what);
    if (rc == CX_OK)
        rc = read_spend(spend, q, what);
    if (rc == CX_OK)
        rc = read_clv_options(&o, opts, what);
    if (rc == CX_OK)
        rc = cx__lt_check_rfm(what, frequency, recency, T, NULL, n);
    if (rc == CX_OK)
        rc = cx__lt_check_spend(what, frequency, monetary, NULL, n);
    if (rc != CX_OK)
        return rc;
    size_t bad = n;
    for (size_t i = 0; i < n; i++) {
        double value = expected_spend(q, frequency[i], monetary[i]) * o.margin;
        out[i] = value * discounted_purchases(purchases, p, &o, frequency[i], recency[i], T[i]);
        if (bad == n && !isfinite(out[i]))
            bad = i;
    }
    if (bad < n)
        return cx__error(CX_ERANGE, "%s: row %zu could not be computed over %u periods of %g; the horizon may be too "
                         "long for these parameters (rows that failed hold NaN)", what, bad, o.periods,
                         o.period_length);
    return CX_OK;
}
