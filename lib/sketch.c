/* KLL quantile sketch: see sketch_internal.h. */
#include <math.h>
#include <string.h>

#include "core_internal.h"
#include "sketch_internal.h"
#include "sort_internal.h"

#define MIN_LEVEL_CAP 8u
#define RNG_SEED 0x9E3779B97F4A7C15ull

static uint64_t total_capacity(uint32_t k, uint32_t nlevels);

/* Changes the number of levels, which redistributes the capacities. */
static void set_levels(cx__sketch *s, uint32_t nlevels)
{
    s->nlevels = nlevels;
    s->capacity = total_capacity(s->k, nlevels);
}

void cx__sketch_init(cx__sketch *s, uint32_t k)
{
    memset(s, 0, sizeof *s);
    s->k = k;
    s->rng = RNG_SEED;
    set_levels(s, 1);
}

void cx__sketch_destroy(cx__sketch *s)
{
    for (uint32_t h = 0; h < CX__SKETCH_MAX_LEVELS; h++)
        cx__free(s->levels[h].items);
    memset(s, 0, sizeof *s);
}

/* Capacity of level h when the sketch has `nlevels` levels: k at the top,
 * times 2/3 per level below it (integer arithmetic: reproducible). */
static uint32_t level_capacity(uint32_t k, uint32_t nlevels, uint32_t h)
{
    uint64_t cap = k;
    for (uint32_t depth = nlevels - 1 - h; depth > 0 && cap > MIN_LEVEL_CAP; depth--)
        cap = (cap * 2 + 2) / 3;
    return cap < MIN_LEVEL_CAP ? MIN_LEVEL_CAP : (uint32_t)cap;
}

static uint64_t total_capacity(uint32_t k, uint32_t nlevels)
{
    uint64_t sum = 0;
    for (uint32_t h = 0; h < nlevels; h++)
        sum += level_capacity(k, nlevels, h);
    return sum;
}

static uint64_t next_random(cx__sketch *s)
{
    uint64_t x = s->rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    s->rng = x;
    return x * 0x2545F4914F6CDD1Dull;
}

static int reserve(cx__sketch_level *lv, uint64_t need)
{
    if (need > UINT32_MAX)
        return CX_ENOMEM;
    if (need <= lv->cap)
        return CX_OK;
    size_t cap = lv->cap;
    void *items = lv->items;
    if (cx__grow(&items, &cap, (size_t)need, sizeof(double), 16) != CX_OK)
        return CX_ENOMEM;
    lv->items = items;
    lv->cap = (uint32_t)cap;
    return CX_OK;
}

/* Merges sorted b[0..nb) into sorted level `lv` (capacity reserved). */
static void merge_sorted_into(cx__sketch_level *lv, const double *b, uint32_t nb)
{
    uint32_t i = lv->len, j = nb, out = lv->len + nb;
    double *a = lv->items;
    while (j > 0) {
        if (i > 0 && a[i - 1] > b[j - 1])
            a[--out] = a[--i];
        else
            a[--out] = b[--j];
    }
    lv->len += nb;
}

/* Moves every other item of level h up to level h + 1. When the level has
 * an odd number of items, its largest stays behind. Capacity for the
 * items moving up must already be reserved. */
static void compact_level(cx__sketch *s, uint32_t h)
{
    cx__sketch_level *lv = &s->levels[h];
    if (h == 0)
        cx__sort_doubles(lv->items, lv->len);
    uint32_t pairs = lv->len / 2;
    uint32_t offset = (uint32_t)(next_random(s) >> 63);
    /* Pick in place: item 2i + offset goes to slot i (slot i <= 2i). */
    for (uint32_t i = 0; i < pairs; i++)
        lv->items[i] = lv->items[2 * i + offset];
    merge_sorted_into(&s->levels[h + 1], lv->items, pairs);
    uint32_t kept = lv->len - 2 * pairs;
    if (kept)
        lv->items[0] = lv->items[lv->len - 1];
    lv->len = kept;
    s->total_len -= pairs;
}

/* Compacts the lowest level at or over its capacity. Allocations happen
 * before anything moves, so a failure leaves the sketch unchanged. */
static int compress_once(cx__sketch *s)
{
    for (uint32_t h = 0; h < s->nlevels; h++) {
        if (s->levels[h].len < level_capacity(s->k, s->nlevels, h))
            continue;
        if (h + 1 >= CX__SKETCH_MAX_LEVELS)
            return CX_ENOMEM; /* 2^63 items: not reachable in practice */
        cx__sketch_level *up = &s->levels[h + 1];
        if (reserve(up, (uint64_t)up->len + s->levels[h].len / 2) != CX_OK)
            return CX_ENOMEM;
        if (h + 1 == s->nlevels)
            set_levels(s, s->nlevels + 1);
        compact_level(s, h);
        return CX_OK;
    }
    return CX_OK;
}

static bool is_full(const cx__sketch *s)
{
    return s->total_len >= s->capacity;
}

int cx__sketch_add(cx__sketch *s, double v)
{
    cx__sketch_level *l0 = &s->levels[0];
    if (l0->len == l0->cap && reserve(l0, (uint64_t)l0->len + 1) != CX_OK)
        return CX_ENOMEM;
    if (is_full(s) && compress_once(s) != CX_OK)
        return CX_ENOMEM;
    l0->items[l0->len++] = v;
    s->total_len++;
    s->n++;
    return CX_OK;
}

int cx__sketch_add_many(cx__sketch *s, const double *v, size_t n)
{
    /* Feed in runs that fill level 0 up to the sketch's capacity, so the
     * fullness check runs once per run instead of once per value. */
    size_t i = 0;
    while (i < n) {
        if (is_full(s) && compress_once(s) != CX_OK)
            return CX_ENOMEM; /* earlier values stay added: callers work on a copy */
        uint64_t room = s->capacity - s->total_len;
        size_t run = n - i < room ? n - i : (size_t)room;
        if (run == 0)
            continue; /* compress_once made room on the next pass */
        cx__sketch_level *l0 = &s->levels[0];
        if (reserve(l0, (uint64_t)l0->len + run) != CX_OK)
            return CX_ENOMEM;
        memcpy(l0->items + l0->len, v + i, run * sizeof(double));
        l0->len += (uint32_t)run;
        s->total_len += run;
        s->n += run;
        i += run;
    }
    return CX_OK;
}

int cx__sketch_copy(cx__sketch *dst, const cx__sketch *src)
{
    cx__sketch tmp = *src;
    for (uint32_t h = 0; h < CX__SKETCH_MAX_LEVELS; h++) {
        tmp.levels[h].items = NULL;
        tmp.levels[h].cap = 0;
    }
    for (uint32_t h = 0; h < src->nlevels; h++) {
        if (reserve(&tmp.levels[h], src->levels[h].len) != CX_OK) {
            cx__sketch_destroy(&tmp);
            return CX_ENOMEM;
        }
        if (src->levels[h].len)
            memcpy(tmp.levels[h].items, src->levels[h].items, src->levels[h].len * sizeof(double));
    }
    *dst = tmp;
    return CX_OK;
}

int cx__sketch_merge(cx__sketch *dst, const cx__sketch *src)
{
    /* Work on a copy so that an allocation failure leaves dst unchanged. */
    cx__sketch work;
    if (cx__sketch_copy(&work, dst) != CX_OK)
        return CX_ENOMEM;
    for (uint32_t h = 0; h < src->nlevels; h++) {
        const cx__sketch_level *from = &src->levels[h];
        cx__sketch_level *to = &work.levels[h];
        if (reserve(to, (uint64_t)to->len + from->len) != CX_OK)
            goto nomem;
        if (h == 0) {
            if (from->len)
                memcpy(to->items + to->len, from->items, from->len * sizeof(double));
            to->len += from->len;
        } else {
            merge_sorted_into(to, from->items, from->len);
        }
        work.total_len += from->len;
    }
    if (src->nlevels > work.nlevels)
        set_levels(&work, src->nlevels);
    work.n += src->n;
    while (work.total_len > work.capacity) {
        if (compress_once(&work) != CX_OK)
            goto nomem;
    }
    cx__sketch_destroy(dst);
    *dst = work;
    return CX_OK;
nomem:
    cx__sketch_destroy(&work);
    return CX_ENOMEM;
}

bool cx__sketch_is_exact(const cx__sketch *s)
{
    return s->nlevels == 1;
}

typedef struct weighted_item {
    double value;
    uint64_t weight;
} weighted_item;

/* All items with their weights, sorted by value; caller frees. */
static int sorted_view(const cx__sketch *s, weighted_item **out, size_t *count)
{
    size_t total = (size_t)s->total_len;
    double *values = cx__reallocarray(NULL, total, sizeof(double));
    weighted_item *view = cx__reallocarray(NULL, total, sizeof *view);
    if (values == NULL || view == NULL) {
        cx__free(values);
        cx__free(view);
        return CX_ENOMEM;
    }
    /* Sort level 0 on its own, then merge levels pairwise by walking
     * cursors: levels >= 1 are already sorted. */
    const cx__sketch_level *l0 = &s->levels[0];
    if (l0->len)
        memcpy(values, l0->items, l0->len * sizeof(double));
    cx__sort_doubles(values, l0->len);
    uint32_t cursor[CX__SKETCH_MAX_LEVELS] = { 0 };
    for (size_t out_i = 0; out_i < total; out_i++) {
        uint32_t best = UINT32_MAX;
        double best_value = 0;
        for (uint32_t h = 0; h < s->nlevels; h++) {
            uint32_t len = s->levels[h].len;
            if (cursor[h] >= len)
                continue;
            double v = h == 0 ? values[cursor[h]] : s->levels[h].items[cursor[h]];
            if (best == UINT32_MAX || v < best_value) {
                best = h;
                best_value = v;
            }
        }
        view[out_i].value = best_value;
        view[out_i].weight = (uint64_t)1 << best;
        cursor[best]++;
    }
    cx__free(values);
    *out = view;
    *count = total;
    return CX_OK;
}

int cx__sketch_rank_value(const cx__sketch *s, uint64_t r, double *out)
{
    if (s->n == 0)
        return CX_EEMPTY;
    if (r < 1) r = 1;
    if (r > s->n) r = s->n;
    weighted_item *view;
    size_t count;
    if (sorted_view(s, &view, &count) != CX_OK)
        return CX_ENOMEM;
    uint64_t cumulative = 0;
    double v = view[count - 1].value;
    for (size_t i = 0; i < count; i++) {
        cumulative += view[i].weight;
        if (cumulative >= r) {
            v = view[i].value;
            break;
        }
    }
    cx__free(view);
    *out = v;
    return CX_OK;
}

int cx__sketch_quantile(const cx__sketch *s, double q, double *out)
{
    if (s->n == 0)
        return CX_EEMPTY;
    if (!cx__sketch_is_exact(s)) {
        double rank = ceil(q * (double)s->n);
        return cx__sketch_rank_value(s, rank < 1 ? 1 : (uint64_t)rank, out);
    }
    uint32_t n = s->levels[0].len;
    double *sorted = cx__reallocarray(NULL, n, sizeof(double));
    if (sorted == NULL)
        return CX_ENOMEM;
    memcpy(sorted, s->levels[0].items, n * sizeof(double));
    cx__sort_doubles(sorted, n);
    /* Linear interpolation between order statistics (Hyndman & Fan type 7). */
    double h = (n - 1) * q;
    size_t lo = (size_t)floor(h);
    double v = sorted[lo];
    if (lo + 1 < n)
        v += (h - (double)lo) * (sorted[lo + 1] - sorted[lo]);
    cx__free(sorted);
    *out = v;
    return CX_OK;
}

void cx__sketch_write(cx__writer *w, const cx__sketch *s)
{
    cx__put_u32(w, s->k);
    cx__put_u64(w, s->n);
    cx__put_u64(w, s->rng);
    cx__put_u32(w, s->nlevels);
    for (uint32_t h = 0; h < s->nlevels; h++) {
        cx__put_u32(w, s->levels[h].len);
        for (uint32_t i = 0; i < s->levels[h].len; i++)
            cx__put_f64(w, s->levels[h].items[i]);
    }
}

static int read_level(cx__reader *r, cx__sketch *s, uint32_t h, const char *what)
{
    uint32_t len = cx__get_u32(r);
    if (r->bad || (uint64_t)len * 8 > cx__reader_left(r))
        return cx__error(CX_EFORMAT, "%s: sketch level %u is truncated", what, h);
    if (reserve(&s->levels[h], len) != CX_OK)
        return cx__nomem("reading a sketch");
    for (uint32_t i = 0; i < len; i++) {
        double v = cx__get_f64(r);
        if (!isfinite(v))
            return cx__error(CX_EFORMAT, "%s: sketch level %u holds a non-finite value", what, h);
        if (h > 0 && i > 0 && v < s->levels[h].items[i - 1])
            return cx__error(CX_EFORMAT, "%s: sketch level %u is not sorted", what, h);
        s->levels[h].items[i] = v;
    }
    s->levels[h].len = len;
    s->total_len += len;
    return CX_OK;
}

int cx__sketch_read(cx__reader *r, cx__sketch *s, const char *what)
{
    uint32_t k = cx__get_u32(r);
    uint64_t n = cx__get_u64(r);
    uint64_t rng = cx__get_u64(r);
    uint32_t nlevels = cx__get_u32(r);
    if (r->bad)
        return cx__error(CX_EFORMAT, "%s: sketch header is truncated", what);
    if (k < CX__SKETCH_K_MIN || k > CX__SKETCH_K_MAX)
        return cx__error(CX_EFORMAT, "%s: sketch k %u is outside %u..%u", what, k, CX__SKETCH_K_MIN, CX__SKETCH_K_MAX);
    if (nlevels < 1 || nlevels > CX__SKETCH_MAX_LEVELS - 1 || rng == 0)
        return cx__error(CX_EFORMAT, "%s: sketch has %u levels or a zero generator state", what, nlevels);
    cx__sketch_init(s, k);
    s->rng = rng;
    set_levels(s, nlevels);
    uint64_t weight = 0;
    for (uint32_t h = 0; h < nlevels; h++) {
        int rc = read_level(r, s, h, what);
        if (rc != CX_OK) {
            cx__sketch_destroy(s);
            return rc;
        }
        uint64_t len = s->levels[h].len;
        if (len > (UINT64_MAX - weight) >> h) {
            cx__sketch_destroy(s);
            return cx__error(CX_EFORMAT, "%s: sketch level %u overflows the count", what, h);
        }
        weight += len << h;
    }
    if (weight != n || s->total_len > s->capacity) {
        cx__sketch_destroy(s);
        return cx__error(CX_EFORMAT, "%s: sketch sizes are inconsistent (weights sum to %llu, count %llu)", what,
                         (unsigned long long)weight, (unsigned long long)n);
    }
    s->n = n;
    return CX_OK;
}
