/*
 * Shared internals of the lifetime module (lib/lifetime*.c): special
 * functions, quadrature, the Newton optimizer and grouped data. Not
 * installed; symbols are hidden.
 */
#ifndef CX_LIFETIME_INTERNAL_H
#define CX_LIFETIME_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cx/lifetime.h"

/* Sizes of every version of the lifetime module's versioned structs (one
 * so far), for CX__COPY_VERSIONED (core_internal.h): results are built in a
 * local copy and only the caller's version's bytes written out; options are
 * read the same way over the defaults, so a caller compiled against older
 * headers is never read or written past its struct. */
extern const size_t cx__lt_fit_sizes[1];
extern const size_t cx__lt_spend_fit_sizes[1];
extern const size_t cx__lt_fit_options_sizes[1];
extern const size_t cx__lt_clv_options_sizes[1];
extern const size_t cx__lt_summary_options_sizes[1];
extern const size_t cx__lt_columns_sizes[1];

/* ---- special functions (lifetime_math.c) ------------------------------- */

/* Digamma psi(x) and trigamma psi'(x) for x > 0, to about 1e-15 relative. */
double cx__digamma(double x);
double cx__trigamma(double x);

/* Gauss hypergeometric 2F1(a, b; c; z) for real a, b, c and z < 1: the
 * Maclaurin series for |z| <= 1/2, Pfaff's transformation for z < 0 and the
 * 1 - z connection formula for 1/2 < z < 1 (Abramowitz & Stegun 15.3.5,
 * 15.3.6), with Richardson extrapolation across the integer cases of
 * c - a - b. NaN when c is a non-positive integer, z >= 1 or an argument is
 * not finite. */
double cx__hyp2f1(double a, double b, double c, double z);

/* The sum of the Maclaurin series of 2F1 from its first term `first` (the
 * n = 0 term is `first`, term n + 1 = term n * (a+n)(b+n) z / ((c+n)(n+1)));
 * NaN when it has not converged after `max_terms` terms. */
double cx__hyp_series(double a, double b, double c, double z, double first, long max_terms);

/* Adaptive Gauss-Kronrod (7-15) quadrature of f over [lo, hi] to relative
 * accuracy `rel` (absolute `abs_tol`); returns CX_OK or CX_ERANGE when the
 * subdivision limit is reached first. */
typedef double (*cx__integrand)(double x, const void *payload);
int cx__integrate(cx__integrand f, const void *payload, double lo, double hi, double rel, double abs_tol,
                  double *out);

/* ---- grouped data (lifetime_data.c) ----------------------------------- */

/* Distinct (x, u, v) rows with summed weights, ordered in blocks of equal x
 * (ascending); within a block, in order of first appearance. For the
 * purchase models u = t_x and v = T; for Gamma-Gamma u = mean value, v = 0. */
typedef struct cx__lt_rows {
    size_t n;              /* distinct rows */
    double *x, *u, *v, *w; /* per row */
    size_t blocks;         /* blocks of equal x */
    size_t *block_start;   /* blocks + 1 offsets into the rows */
    double total_weight;
} cx__lt_rows;

/* Groups rows i with keep(i) and weight > 0. CX_OK, CX_EEMPTY (no rows) or
 * CX_ENOMEM. weights may be NULL (1 each); v may be NULL (0 each). */
int cx__lt_rows_build(cx__lt_rows *out, const double *x, const double *u, const double *v, const double *weights,
                      size_t n, bool only_repeaters);
void cx__lt_rows_free(cx__lt_rows *rows);

/* Row checks shared by the public functions; `what` names the function.
 * They name the first bad row in the message. */
int cx__lt_check_rfm(const char *what, const double *x, const double *tx, const double *T, const double *w,
                     size_t n);
int cx__lt_check_spend(const char *what, const double *x, const double *m, const double *w, size_t n);

/* ---- optimizer (lifetime_optim.c) -------------------------------------- */

#define CX__LT_DIM_MAX 4

/* Log-likelihood at natural parameters p: *ll always; grad (dim) and hess
 * (dim x dim, row-major) when not NULL and the model has analytic
 * derivatives. Returns false when the value is not finite. */
typedef bool (*cx__lt_loglik_fn)(const void *data, const double *p, double *ll, double *grad, double *hess);

typedef struct cx__lt_problem {
    int dim;
    cx__lt_loglik_fn loglik;
    bool analytic;            /* loglik fills grad and hess */
    const void *data;
    double weight;            /* total weight W */
    double penalty;           /* lambda */
    unsigned starts;
    double start[CX_LIFETIME_STARTS_MAX][CX__LT_DIM_MAX];
    unsigned max_iterations;
    double tolerance;
} cx__lt_problem;

typedef struct cx__lt_solution {
    double p[CX__LT_DIM_MAX];
    double se[CX__LT_DIM_MAX];
    double log_likelihood;
    double gradient_norm;
    cx_lifetime_diagnosis diagnosis;
    unsigned iterations;
    unsigned starts_agreeing;
} cx__lt_solution;

/* Maximises the penalised log-likelihood from every start. CX_OK when the
 * best start converged (solution filled), else CX_ESTATE with a message
 * naming the reason (solution holds the diagnosis and counters). */
int cx__lt_maximise(const cx__lt_problem *prob, cx__lt_solution *sol, const char *what);

/* Fills starts 1..n-1 from the automatic points; start 0 is opts->initial
 * when set. */
void cx__lt_set_starts(cx__lt_problem *prob, const cx_lifetime_fit_options *opts, const double (*automatic)[4]);

/* ---- models ------------------------------------------------------------ */

bool cx__bgnbd_loglik(const void *rows, const double *p, double *ll, double *grad, double *hess);
bool cx__pnbd_loglik(const void *rows, const double *p, double *ll, double *grad, double *hess);
bool cx__gg_loglik(const void *rows, const double *p, double *ll, double *grad, double *hess);

/* Predictions; arguments already checked. NaN for a value that cannot be
 * computed. The _many forms fill out[0..n-1] for arrays of customers. */
typedef void (*cx__lt_many_fn)(const double *p, double t, const double *x, const double *tx, const double *T,
                               size_t n, double *out);
void cx__bgnbd_p_alive_many(const double *p, double t, const double *x, const double *tx, const double *T, size_t n,
                            double *out);
void cx__bgnbd_expected_many(const double *p, double t, const double *x, const double *tx, const double *T, size_t n,
                             double *out);
double cx__bgnbd_expected(const double *p, double t, double x, double tx, double T);
double cx__bgnbd_population(const double *p, double t);
int cx__bgnbd_pmf(const double *p, double t, double *out, size_t count);
void cx__pnbd_p_alive_many(const double *p, double t, const double *x, const double *tx, const double *T, size_t n,
                           double *out);
void cx__pnbd_expected_many(const double *p, double t, const double *x, const double *tx, const double *T, size_t n,
                            double *out);
double cx__pnbd_p_alive(const double *p, double t, double x, double tx, double T);
double cx__pnbd_expected(const double *p, double t, double x, double tx, double T);
double cx__pnbd_population(const double *p, double t);
int cx__pnbd_pmf(const double *p, double t, double *out, size_t count);

#endif /* CX_LIFETIME_INTERNAL_H */
