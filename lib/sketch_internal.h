/*
 * A mergeable quantile sketch after Karnin, Lang & Liberty, "Optimal
 * Quantile Approximation in Streams" (FOCS 2016): a stack of compactors,
 * level h holding items of weight 2^h. Level capacities shrink by 2/3 per
 * level below the top (never below 8); when the sketch is full, the lowest
 * full level is sorted and every other item (odd or even positions, chosen
 * by a seeded generator, so results are reproducible) moves up a level.
 * While at most k items have been added nothing is compacted, and the
 * sketch is exact.
 */
#ifndef CX_SKETCH_INTERNAL_H
#define CX_SKETCH_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "blob_internal.h"

#define CX__SKETCH_K_DEFAULT 1024u
#define CX__SKETCH_K_MIN 64u
#define CX__SKETCH_K_MAX 65536u
#define CX__SKETCH_MAX_LEVELS 64u

typedef struct cx__sketch_level {
    double *items;  /* level 0 unsorted, levels >= 1 sorted ascending */
    uint32_t len;
    uint32_t cap;   /* allocated */
} cx__sketch_level;

typedef struct cx__sketch {
    uint32_t k;
    uint32_t nlevels;
    cx__sketch_level levels[CX__SKETCH_MAX_LEVELS];
    uint64_t n;     /* items added (sum of weights) */
    uint64_t rng;   /* xorshift64* state */
    uint64_t total_len;
    uint64_t capacity; /* total capacity for nlevels levels (cached) */
} cx__sketch;

void cx__sketch_init(cx__sketch *s, uint32_t k);
void cx__sketch_destroy(cx__sketch *s);
int cx__sketch_copy(cx__sketch *dst, const cx__sketch *src);

/* Adds one finite value. CX_OK or CX_ENOMEM (sketch unchanged). */
int cx__sketch_add(cx__sketch *s, double v);
/* Adds n finite values. CX_OK or CX_ENOMEM (sketch unchanged). */
int cx__sketch_add_many(cx__sketch *s, const double *v, size_t n);
/* Merges src into dst (same k). CX_OK or CX_ENOMEM (dst unchanged). */
int cx__sketch_merge(cx__sketch *dst, const cx__sketch *src);

/* True while no item has been compacted (quantiles are exact). */
bool cx__sketch_is_exact(const cx__sketch *s);

/* Quantile q in [0,1]: exact type-7 interpolation while exact, else the
 * item at weighted rank ceil(q n). CX_OK, CX_EEMPTY, CX_ENOMEM. */
int cx__sketch_quantile(const cx__sketch *s, double q, double *out);
/* The r-th smallest value, 1 <= r <= n (nearest-rank). */
int cx__sketch_rank_value(const cx__sketch *s, uint64_t r, double *out);

void cx__sketch_write(cx__writer *w, const cx__sketch *s);
/* Reads and validates a sketch; CX_EFORMAT naming `what` on bad data. */
int cx__sketch_read(cx__reader *r, cx__sketch *s, const char *what);

#endif /* CX_SKETCH_INTERNAL_H */
