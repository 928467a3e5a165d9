/*
 * Dense LU factorisation with partial pivoting (Doolittle, row-major, in
 * place): P A = L U with unit lower-triangular L. The textbook algorithm
 * (Golub & Van Loan, "Matrix Computations", algorithm 3.4.1); the order of
 * operations is fixed, so results are identical from run to run.
 */
#include <float.h>
#include <math.h>

#include "core_internal.h"
#include "journey_internal.h"

static size_t pivot_row(const double *a, size_t n, size_t k)
{
    size_t best = k;
    double best_abs = fabs(a[k * n + k]);
    for (size_t i = k + 1; i < n; i++) {
        double v = fabs(a[i * n + k]);
        if (v > best_abs) {
            best_abs = v;
            best = i;
        }
    }
    return best;
}

static void swap_rows(double *a, size_t n, size_t r, size_t s)
{
    for (size_t c = 0; c < n; c++) {
        double t = a[r * n + c];
        a[r * n + c] = a[s * n + c];
        a[s * n + c] = t;
    }
}

int cx__lu_factor(double *a, size_t n, size_t *perm)
{
    double scale = 0;
    for (size_t i = 0; i < n * n; i++)
        scale = fmax(scale, fabs(a[i]));
    for (size_t i = 0; i < n; i++)
        perm[i] = i;
    for (size_t k = 0; k < n; k++) {
        size_t p = pivot_row(a, n, k);
        if (!(fabs(a[p * n + k]) > scale * DBL_EPSILON * (double)n))
            return cx__error(CX_ERANGE, "LU factorisation: the %zu x %zu matrix is singular at column %zu", n, n, k);
        if (p != k) {
            swap_rows(a, n, p, k);
            size_t t = perm[p];
            perm[p] = perm[k];
            perm[k] = t;
        }
        const double *row_k = a + k * n;
        for (size_t i = k + 1; i < n; i++) {
            double *row_i = a + i * n;
            if (row_i[k] == 0.0)
                continue; /* chains are sparse: skip empty rows */
            double factor = row_i[k] / row_k[k];
            row_i[k] = factor;
            for (size_t c = k + 1; c < n; c++)
                row_i[c] -= factor * row_k[c];
        }
    }
    return CX_OK;
}

void cx__lu_solve(const double *lu, size_t n, const size_t *perm, const double *b, double *x)
{
    /* L y = P b by forward substitution, then U x = y backwards. */
    for (size_t i = 0; i < n; i++) {
        double s = b[perm[i]];
        for (size_t k = 0; k < i; k++)
            s -= lu[i * n + k] * x[k];
        x[i] = s;
    }
    for (size_t i = n; i-- > 0;) {
        double s = x[i];
        for (size_t k = i + 1; k < n; k++)
            s -= lu[i * n + k] * x[k];
        x[i] = s / lu[i * n + i];
    }
}
