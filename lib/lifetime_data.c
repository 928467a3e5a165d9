/*
 * Input checks and grouping of the per-customer rows the lifetime models
 * are fitted on. Identical rows contribute identical log-likelihood terms,
 * so they are merged and weighted: on CDNOW 2,357 customers become 1,016
 * rows. Rows are then ordered in blocks of equal frequency so that terms
 * depending only on x (log-gamma and digamma values) are computed once per
 * block.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core_internal.h"
#include "hashmap_internal.h"
#include "lifetime_internal.h"

/* Frequencies are counts: integers up to 2^53, where doubles stay exact. */
#define FREQUENCY_MAX 9007199254740992.0
/* Counting sort of the blocks when every frequency is below this. */
#define COUNTING_SORT_LIMIT 1048576.0

static int check_frequency(const char *what, const double *x, size_t i)
{
    if (!isfinite(x[i]))
        return cx__error(CX_ERANGE, "%s: frequency[%zu] is %g; frequencies must be finite", what, i, x[i]);
    if (x[i] < 0)
        return cx__error(CX_ERANGE, "%s: frequency[%zu] = %g is negative; it counts repeat purchases (>= 0)", what,
                         i, x[i]);
    if (x[i] != floor(x[i]) || x[i] > FREQUENCY_MAX)
        return cx__error(CX_ERANGE, "%s: frequency[%zu] = %g is not a whole number of repeat purchases", what, i,
                         x[i]);
    return CX_OK;
}

static int check_weight(const char *what, const double *w, size_t i)
{
    if (w != NULL && !(isfinite(w[i]) && w[i] >= 0))
        return cx__error(CX_ERANGE, "%s: weights[%zu] = %g must be finite and >= 0", what, i, w[i]);
    return CX_OK;
}

static int check_rfm_row(const char *what, const double *x, const double *tx, const double *T, size_t i)
{
    int rc = check_frequency(what, x, i);
    if (rc != CX_OK)
        return rc;
    if (!(isfinite(T[i]) && T[i] >= 0))
        return cx__error(CX_ERANGE, "%s: T[%zu] = %g must be finite and >= 0", what, i, T[i]);
    if (!(isfinite(tx[i]) && tx[i] >= 0))
        return cx__error(CX_ERANGE, "%s: recency[%zu] = %g must be finite and >= 0", what, i, tx[i]);
    if (tx[i] > T[i])
        return cx__error(CX_ERANGE, "%s: recency[%zu] = %g exceeds T[%zu] = %g; the last purchase cannot come after "
                         "the end of observation", what, i, tx[i], i, T[i]);
    if (x[i] == 0 && tx[i] != 0)
        return cx__error(CX_ERANGE, "%s: recency[%zu] = %g but frequency[%zu] = 0; without repeat purchases the "
                         "recency is 0", what, i, tx[i], i);
    return CX_OK;
}

/* One branch per row for the common case; NaN fails every comparison. */
static bool rfm_row_ok(double x, double tx, double T)
{
    return x >= 0 && x <= FREQUENCY_MAX && x == (double)(int64_t)x && T >= 0 && T <= DBL_MAX && tx >= 0 && tx <= T
           && (x > 0 || tx == 0);
}

int cx__lt_check_rfm(const char *what, const double *x, const double *tx, const double *T, const double *w, size_t n)
{
    if (n > 0 && (x == NULL || tx == NULL || T == NULL))
        return cx__error(CX_EINVAL, "%s: frequency, recency and T must not be NULL", what);
    for (size_t i = 0; i < n; i++) {
        if (rfm_row_ok(x[i], tx[i], T[i]) && (w == NULL || (w[i] >= 0 && w[i] <= DBL_MAX)))
            continue;
        int rc = check_rfm_row(what, x, tx, T, i);
        if (rc == CX_OK)
            rc = check_weight(what, w, i);
        if (rc != CX_OK)
            return rc;
    }
    return CX_OK;
}

int cx__lt_check_spend(const char *what, const double *x, const double *m, const double *w, size_t n)
{
    if (n > 0 && (x == NULL || m == NULL))
        return cx__error(CX_EINVAL, "%s: frequency and monetary must not be NULL", what);
    for (size_t i = 0; i < n; i++) {
        int rc = check_frequency(what, x, i);
        if (rc == CX_OK)
            rc = check_weight(what, w, i);
        if (rc != CX_OK)
            return rc;
        if (!(isfinite(m[i]) && m[i] >= 0))
            return cx__error(CX_ERANGE, "%s: monetary[%zu] = %g must be finite and >= 0", what, i, m[i]);
        if (x[i] > 0 && m[i] == 0)
            return cx__error(CX_ERANGE, "%s: monetary[%zu] = 0 with frequency %g; a customer with repeat purchases "
                             "has a positive mean value", what, i, x[i]);
    }
    return CX_OK;
}

/* ---- grouping ------------------------------------------------------------ */

void cx__lt_rows_free(cx__lt_rows *rows)
{
    cx__free(rows->x);
    cx__free(rows->u);
    cx__free(rows->v);
    cx__free(rows->w);
    cx__free(rows->block_start);
    memset(rows, 0, sizeof *rows);
}

typedef struct distinct {
    cx__hashmap map;
    double *w;    /* per distinct row */
    size_t cap;
} distinct;

static int add_distinct(distinct *d, double x, double u, double v, double w)
{
    /* + 0.0 turns -0.0 into +0.0, so both hash alike. */
    double key[3] = { x + 0.0, u + 0.0, v + 0.0 };
    uint32_t index;
    bool inserted;
    void *weights = d->w;
    if (cx__grow(&weights, &d->cap, d->map.count + 1, sizeof *d->w, 1024) != CX_OK)
        return CX_ENOMEM;
    d->w = weights;
    if (cx__hashmap_intern(&d->map, key, sizeof key, &index, &inserted) != CX_OK)
        return CX_ENOMEM;
    d->w[index] = inserted ? w : d->w[index] + w;
    return CX_OK;
}

static void key_of(const distinct *d, uint32_t index, double *key)
{
    size_t len;
    memcpy(key, cx__hashmap_key(&d->map, index, &len), 3 * sizeof *key);
}

typedef struct by_x {
    double x;
    uint32_t index;
} by_x;

static int compare_by_x(const void *pa, const void *pb)
{
    const by_x *a = pa, *b = pb;
    if (a->x != b->x)
        return a->x < b->x ? -1 : 1;
    return (a->index > b->index) - (a->index < b->index);
}

/* Order of the distinct rows: by x, then first appearance. */
static uint32_t *order_by_x(const distinct *d, double max_x)
{
    size_t n = d->map.count;
    uint32_t *order = cx__reallocarray(NULL, n, sizeof *order);
    if (order == NULL)
        return NULL;
    double key[3];
    if (max_x < COUNTING_SORT_LIMIT) {
        size_t slots = (size_t)max_x + 2;
        size_t *start = cx__calloc(slots, sizeof *start);
        if (start == NULL) {
            cx__free(order);
            return NULL;
        }
        for (uint32_t i = 0; i < n; i++) {
            key_of(d, i, key);
            start[(size_t)key[0] + 1]++;
        }
        for (size_t k = 1; k < slots; k++)
            start[k] += start[k - 1];
        for (uint32_t i = 0; i < n; i++) {
            key_of(d, i, key);
            order[start[(size_t)key[0]]++] = i;
        }
        cx__free(start);
        return order;
    }
    by_x *tmp = cx__reallocarray(NULL, n, sizeof *tmp);
    if (tmp == NULL) {
        cx__free(order);
        return NULL;
    }
    for (uint32_t i = 0; i < n; i++) {
        key_of(d, i, key);
        tmp[i].x = key[0];
        tmp[i].index = i;
    }
    qsort(tmp, n, sizeof *tmp, compare_by_x);
    for (size_t i = 0; i < n; i++)
        order[i] = tmp[i].index;
    cx__free(tmp);
    return order;
}

static int alloc_rows(cx__lt_rows *out, size_t n)
{
    out->x = cx__reallocarray(NULL, n, sizeof(double));
    out->u = cx__reallocarray(NULL, n, sizeof(double));
    out->v = cx__reallocarray(NULL, n, sizeof(double));
    out->w = cx__reallocarray(NULL, n, sizeof(double));
    out->block_start = cx__reallocarray(NULL, n + 1, sizeof(size_t));
    if (!out->x || !out->u || !out->v || !out->w || !out->block_start) {
        cx__lt_rows_free(out);
        return CX_ENOMEM;
    }
    return CX_OK;
}

static int fill_rows(cx__lt_rows *out, const distinct *d, double max_x)
{
    size_t n = d->map.count;
    uint32_t *order = order_by_x(d, max_x);
    if (order == NULL || alloc_rows(out, n) != CX_OK) {
        cx__free(order);
        return CX_ENOMEM;
    }
    out->n = n;
    out->blocks = 0;
    double key[3];
    for (size_t i = 0; i < n; i++) {
        key_of(d, order[i], key);
        if (i == 0 || key[0] != out->x[i - 1])
            out->block_start[out->blocks++] = i;
        out->x[i] = key[0];
        out->u[i] = key[1];
        out->v[i] = key[2];
        out->w[i] = d->w[order[i]];
        out->total_weight += out->w[i];
    }
    out->block_start[out->blocks] = n;
    cx__free(order);
    return CX_OK;
}

int cx__lt_rows_build(cx__lt_rows *out, const double *x, const double *u, const double *v, const double *weights,
                      size_t n, bool only_repeaters)
{
    memset(out, 0, sizeof *out);
    distinct d = { .w = NULL, .cap = 0 };
    cx__hashmap_init(&d.map);
    double max_x = 0;
    int rc = CX_OK;
    for (size_t i = 0; i < n && rc == CX_OK; i++) {
        double w = weights ? weights[i] : 1.0;
        if (w == 0 || (only_repeaters && x[i] == 0))
            continue;
        max_x = fmax(max_x, x[i]);
        rc = add_distinct(&d, x[i], u[i], v ? v[i] : 0.0, w);
    }
    if (rc == CX_OK && d.map.count == 0)
        rc = CX_EEMPTY;
    if (rc == CX_OK)
        rc = fill_rows(out, &d, max_x);
    cx__hashmap_destroy(&d.map);
    cx__free(d.w);
    return rc;
}
