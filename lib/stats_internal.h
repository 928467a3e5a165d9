/* Distribution functions used for intervals and tests. */
#ifndef CX_STATS_INTERNAL_H
#define CX_STATS_INTERNAL_H

/* Standard normal CDF and its inverse (full double precision). */
double cx__norm_cdf(double x);
double cx__norm_quantile(double p);

/* Student t CDF and inverse for real degrees of freedom df > 0. */
double cx__t_cdf(double t, double df);
double cx__t_quantile(double p, double df);

/* Regularised incomplete beta I_x(a, b). */
double cx__incomplete_beta(double a, double b, double x);

/* Two-sided p-values. */
double cx__p_two_sided_normal(double z);
double cx__p_two_sided_t(double t, double df);

/* Wilson score interval of x successes in n trials (n may be an effective
 * size): *rate = x / n and the bounds, clipped to 0..1; NaN for n <= 0. */
void cx__wilson(double x, double n, double z, double *rate, double *lo, double *hi);

#endif /* CX_STATS_INTERNAL_H */
