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

#endif /* CX_STATS_INTERNAL_H */
