/*
 * Grouped calculators. Keys are interned as bytes: the segment, a NUL, then
 * the period start as 8 big-endian bytes with the sign bit flipped, so that
 * comparing keys with memcmp orders them by segment, then by time.
 *
 * Batch updates are staged: the touched calculators are cloned, fed, and
 * swapped in only when everything succeeded; new keys are popped again on
 * failure. So a failed call leaves the group exactly as it was.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blob_internal.h"
#include "civil_internal.h"
#include "core_internal.h"
#include "cx/group.h"
#include "hashmap_internal.h"
#include "metric_internal.h"

#define MS_PER_DAY 86400000LL
#define MS_PER_MINUTE 60000LL
/* About year +/-100000: keeps every date computation far from overflow. */
#define TIMESTAMP_LIMIT_MS 3155760000000000LL
#define KEY_MAX (CX_GROUP_SEGMENT_MAX + 1 + 8)

struct cx_group {
    cx_metric_kind kind;
    cx_group_options opts;
    cx_metric *proto;        /* empty calculator: options and validation */
    cx__hashmap keys;
    cx_metric **metrics;     /* per key index */
    size_t metrics_cap;
    uint32_t *order;         /* key indices sorted by key; rebuilt when stale */
    size_t order_len;
    size_t order_cap;
};

int cx_group_options_init(cx_group_options *opts, unsigned int version)
{
    CX__CHECK_ARG(opts, "cx_group_options_init");
    int rc = cx__check_version(version, CX_GROUP_OPTIONS_VERSION, "cx_group_options");
    if (rc != CX_OK)
        return rc;
    cx_group_options defaults = CX_GROUP_OPTIONS_INIT;
    *opts = defaults;
    opts->version = version;
    return CX_OK;
}

/* ---- periods --------------------------------------------------------- */

static int check_period(cx_period period, int32_t offset)
{
    if (period < CX_PERIOD_NONE || period > CX_PERIOD_MONTH)
        return cx__error(CX_EINVAL, "unknown period %d (expected CX_PERIOD_NONE, _DAY, _ISO_WEEK or _MONTH)", (int)period);
    if (offset < -1439 || offset > 1439)
        return cx__error(CX_EINVAL, "utc_offset_minutes %d is outside -1439..1439", (int)offset);
    return CX_OK;
}

static int64_t period_start_days(cx_period period, int64_t days)
{
    int64_t y;
    unsigned m, d;
    switch (period) {
    case CX_PERIOD_DAY:
        return days;
    case CX_PERIOD_ISO_WEEK:
        return days - cx__weekday_from_days(days);
    case CX_PERIOD_MONTH:
        cx__civil_from_days(days, &y, &m, &d);
        return cx__days_from_civil(y, m, 1);
    default:
        return 0;
    }
}

int cx_period_start(int64_t *out, cx_period period, int32_t utc_offset_minutes, int64_t timestamp_ms)
{
    CX__CHECK_ARG(out, "cx_period_start");
    int rc = check_period(period, utc_offset_minutes);
    if (rc != CX_OK)
        return rc;
    if (period == CX_PERIOD_NONE) {
        *out = 0;
        return CX_OK;
    }
    if (timestamp_ms < -TIMESTAMP_LIMIT_MS || timestamp_ms > TIMESTAMP_LIMIT_MS)
        return cx__error(CX_ERANGE, "timestamp %lld ms is beyond year +/-100000", (long long)timestamp_ms);
    int64_t offset_ms = (int64_t)utc_offset_minutes * MS_PER_MINUTE;
    int64_t days = cx__floor_div(timestamp_ms + offset_ms, MS_PER_DAY);
    *out = period_start_days(period, days) * MS_PER_DAY - offset_ms;
    return CX_OK;
}

static void period_label(char *buf, size_t size, cx_period period, int32_t offset, int64_t start_ms)
{
    int64_t days = cx__floor_div(start_ms + (int64_t)offset * MS_PER_MINUTE, MS_PER_DAY);
    int64_t y;
    unsigned m, d;
    cx__civil_from_days(days, &y, &m, &d);
    switch (period) {
    case CX_PERIOD_DAY:
        snprintf(buf, size, "%04lld-%02u-%02u", (long long)y, m, d);
        break;
    case CX_PERIOD_ISO_WEEK: {
        /* The ISO year is the year of the week's Thursday. */
        int64_t thursday = days + 3, iso_year;
        cx__civil_from_days(thursday, &iso_year, &m, &d);
        unsigned week = (unsigned)((thursday - cx__days_from_civil(iso_year, 1, 1)) / 7 + 1); /* 1..53 */
        snprintf(buf, size, "%04lld-W%02u", (long long)iso_year, week % 100u);
        break;
    }
    case CX_PERIOD_MONTH:
        snprintf(buf, size, "%04lld-%02u", (long long)y, m);
        break;
    default:
        buf[0] = '\0';
    }
}

/* ---- keys ------------------------------------------------------------ */

typedef struct group_key {
    unsigned char bytes[KEY_MAX];
    size_t len;
} group_key;

/* "item 3: " for messages about one item of a batch; formatted only on
 * failure, since make_key runs once per item. */
static void item_prefix(char *where, size_t size, long long index)
{
    where[0] = '\0';
    if (index >= 0)
        snprintf(where, size, "item %lld: ", index);
}

static int make_key(const cx_group *g, const char *segment, int64_t timestamp_ms, long long index, group_key *key)
{
    char where[48];
    if (segment == NULL)
        segment = "";
    size_t n = strnlen(segment, CX_GROUP_SEGMENT_MAX + 1);
    if (n > CX_GROUP_SEGMENT_MAX) {
        item_prefix(where, sizeof where, index);
        return cx__error(CX_EINVAL, "%ssegment \"%.32s...\" is longer than %d bytes", where, segment,
                         CX_GROUP_SEGMENT_MAX);
    }
    size_t bad;
    if (!cx__utf8_valid(segment, n, &bad)) {
        item_prefix(where, sizeof where, index);
        return cx__error(CX_EINVAL, "%ssegment is not valid UTF-8 (byte %zu)", where, bad);
    }
    int64_t start = 0;
    if (g->opts.period != CX_PERIOD_NONE) {
        int rc = cx_period_start(&start, g->opts.period, g->opts.utc_offset_minutes, timestamp_ms);
        if (rc != CX_OK) {
            item_prefix(where, sizeof where, index);
            return cx__error(rc, "%s%s", where, cx_last_error());
        }
    }
    memcpy(key->bytes, segment, n);
    key->bytes[n] = 0;
    uint64_t ordered = (uint64_t)start ^ (1ull << 63);
    for (int i = 0; i < 8; i++)
        key->bytes[n + 1 + i] = (unsigned char)(ordered >> (56 - 8 * i));
    key->len = n + 9;
    return CX_OK;
}

static void split_key(const cx__hashmap *keys, uint32_t index, const char **segment, int64_t *start)
{
    size_t len;
    const unsigned char *k = (const unsigned char *)cx__hashmap_key(keys, index, &len);
    uint64_t ordered = 0;
    for (int i = 0; i < 8; i++)
        ordered = ordered << 8 | k[len - 8 + i];
    *segment = (const char *)k;
    *start = (int64_t)(ordered ^ (1ull << 63));
}

/* ---- life cycle ------------------------------------------------------ */

int cx_group_new(cx_group **out, cx_metric_kind kind, const cx_metric_options *metric_opts, const cx_group_options *opts)
{
    CX__CHECK_ARG(out, "cx_group_new");
    *out = NULL;
    cx_group_options go = CX_GROUP_OPTIONS_INIT;
    if (opts != NULL) {
        int rc = cx__check_version(opts->version, CX_GROUP_OPTIONS_VERSION, "cx_group_options");
        if (rc != CX_OK)
            return rc;
        go = *opts;
        go.version = CX_GROUP_OPTIONS_VERSION;
    }
    int rc = check_period(go.period, go.utc_offset_minutes);
    if (rc != CX_OK)
        return rc;
    cx_group *g = cx__calloc(1, sizeof *g);
    if (g == NULL)
        return cx__nomem("creating a group");
    if ((rc = cx_metric_new(&g->proto, kind, metric_opts)) != CX_OK) {
        cx__free(g);
        return rc;
    }
    g->kind = kind;
    g->opts = go;
    cx__hashmap_init(&g->keys);
    *out = g;
    return CX_OK;
}

void cx_group_free(cx_group *g)
{
    if (g == NULL)
        return;
    for (size_t i = 0; i < g->keys.count; i++)
        cx_metric_free(g->metrics[i]);
    cx__free(g->metrics);
    cx__free(g->order);
    cx__hashmap_destroy(&g->keys);
    cx_metric_free(g->proto);
    cx__free(g);
}

/* Finds or creates the group of a key; *created tells whether it is new. */
static int intern_group(cx_group *g, const group_key *key, uint32_t *index, bool *created)
{
    void *metrics = g->metrics;
    if (cx__grow(&metrics, &g->metrics_cap, g->keys.count + 1, sizeof(cx_metric *), 16) != CX_OK)
        return cx__nomem("adding a group");
    g->metrics = metrics;
    if (cx__hashmap_intern(&g->keys, key->bytes, key->len, index, created) != CX_OK)
        return cx__nomem("adding a group");
    if (!*created)
        return CX_OK;
    if (cx_metric_clone(&g->metrics[*index], g->proto) != CX_OK) {
        cx__hashmap_pop(&g->keys);
        return cx__nomem("adding a group");
    }
    g->order_len = 0; /* stale */
    return CX_OK;
}

/* Removes groups created since `first_new` (newest first). */
static void drop_new_groups(cx_group *g, size_t first_new)
{
    while (g->keys.count > first_new) {
        cx_metric_free(g->metrics[g->keys.count - 1]);
        cx__hashmap_pop(&g->keys);
    }
    g->order_len = 0;
}

/* ---- adding ---------------------------------------------------------- */

static int add_one(cx_group *g, const char *segment, int64_t ts, double value, double weight, const double *cxi)
{
    group_key key;
    int rc = make_key(g, segment, ts, -1, &key);
    if (rc != CX_OK)
        return rc;
    /* Check the answer on the prototype first, so a bad one creates no group. */
    if (cxi == NULL && (rc = cx__metric_check(g->proto, value, weight, -1)) != CX_OK)
        return rc;
    if (cxi == NULL && g->kind == CX_METRIC_CXI)
        return cx_metric_add_weighted(g->proto, value, weight); /* reports the misuse */
    if (cxi != NULL && (rc = cx_metric_add_cxi_many(g->proto, NULL, 0)) != CX_OK)
        return rc; /* not a CX Index group */
    uint32_t index;
    bool created;
    if ((rc = intern_group(g, &key, &index, &created)) != CX_OK)
        return rc;
    cx_metric *m = g->metrics[index];
    rc = cxi ? cx_metric_add_cxi(m, cxi[0], cxi[1], cxi[2], weight) : cx_metric_add_weighted(m, value, weight);
    if (rc != CX_OK && created)
        drop_new_groups(g, g->keys.count - 1);
    return rc;
}

int cx_group_add_weighted(cx_group *g, const char *segment, int64_t timestamp_ms, double value, double weight)
{
    CX__CHECK_ARG(g, "cx_group_add_weighted");
    return add_one(g, segment, timestamp_ms, value, weight, NULL);
}

int cx_group_add(cx_group *g, const char *segment, int64_t timestamp_ms, double value)
{
    CX__CHECK_ARG(g, "cx_group_add");
    return add_one(g, segment, timestamp_ms, value, 1.0, NULL);
}

int cx_group_add_cxi(cx_group *g, const char *segment, int64_t timestamp_ms, double effectiveness, double ease,
                     double emotion, double weight)
{
    CX__CHECK_ARG(g, "cx_group_add_cxi");
    const double answers[3] = { effectiveness, ease, emotion };
    return add_one(g, segment, timestamp_ms, 0, weight, answers);
}

/* Staged feeding: values bucketed per group, fed to clones, swapped in. */
typedef struct staged {
    uint32_t *group_of;   /* per item */
    size_t *start;        /* per group: offset into `values` */
    double *values;       /* items ordered by group */
    cx_metric **work;     /* per group: the calculator being fed */
} staged;

static void staged_free(staged *s, size_t groups, bool free_work)
{
    if (free_work && s->work)
        for (size_t i = 0; i < groups; i++)
            cx_metric_free(s->work[i]);
    cx__free(s->group_of);
    cx__free(s->start);
    cx__free(s->values);
    cx__free(s->work);
}

static int bucket_values(cx_group *g, staged *s, const double *values, size_t n)
{
    size_t groups = g->keys.count;
    s->start = cx__calloc(groups + 1, sizeof *s->start);
    s->values = cx__reallocarray(NULL, n, sizeof *s->values);
    s->work = cx__calloc(groups, sizeof *s->work);
    if (!s->start || !s->values || !s->work)
        return CX_ENOMEM;
    for (size_t i = 0; i < n; i++)
        s->start[s->group_of[i] + 1]++;
    for (size_t k = 0; k < groups; k++)
        s->start[k + 1] += s->start[k];
    size_t *fill = cx__reallocarray(NULL, groups, sizeof *fill);
    if (fill == NULL)
        return CX_ENOMEM;
    memcpy(fill, s->start, groups * sizeof *fill);
    for (size_t i = 0; i < n; i++)
        s->values[fill[s->group_of[i]]++] = values[i];
    cx__free(fill);
    return CX_OK;
}

static int feed_clones(cx_group *g, staged *s)
{
    for (size_t k = 0; k < g->keys.count; k++) {
        size_t count = s->start[k + 1] - s->start[k];
        if (count == 0)
            continue;
        int rc = cx_metric_clone(&s->work[k], g->metrics[k]);
        if (rc == CX_OK)
            rc = cx_metric_add_many(s->work[k], s->values + s->start[k], count);
        if (rc != CX_OK)
            return rc;
    }
    return CX_OK;
}

static void commit_clones(cx_group *g, staged *s)
{
    for (size_t k = 0; k < g->keys.count; k++) {
        if (s->work[k] == NULL)
            continue;
        cx_metric_free(g->metrics[k]);
        g->metrics[k] = s->work[k];
        s->work[k] = NULL;
    }
}

static int validate_batch(cx_group *g, const int64_t *timestamps, const double *values, size_t n)
{
    if (g->kind == CX_METRIC_CXI)
        return cx_metric_add_many(g->proto, NULL, 0); /* reports the misuse */
    if (timestamps == NULL && g->opts.period != CX_PERIOD_NONE)
        return cx__error(CX_EINVAL, "cx_group_add_many: timestamps_ms is NULL but the group has periods");
    for (size_t i = 0; i < n; i++) {
        int rc = cx__metric_check(g->proto, values[i], 1.0, (long long)i);
        if (rc != CX_OK)
            return rc;
    }
    return CX_OK;
}

int cx_group_add_many(cx_group *g, const char *const *segments, const int64_t *timestamps_ms, const double *values,
                      size_t n)
{
    CX__CHECK_ARG(g, "cx_group_add_many");
    if (n == 0)
        return CX_OK;
    CX__CHECK_ARG(values, "cx_group_add_many");
    int rc = validate_batch(g, timestamps_ms, values, n);
    if (rc != CX_OK)
        return rc;
    staged s = { 0 };
    size_t first_new = g->keys.count;
    s.group_of = cx__reallocarray(NULL, n, sizeof *s.group_of);
    if (s.group_of == NULL)
        return cx__nomem("grouping answers");
    for (size_t i = 0; i < n && rc == CX_OK; i++) {
        group_key key;
        bool created;
        rc = make_key(g, segments ? segments[i] : NULL, timestamps_ms ? timestamps_ms[i] : 0, (long long)i, &key);
        if (rc == CX_OK)
            rc = intern_group(g, &key, &s.group_of[i], &created);
    }
    if (rc == CX_OK && bucket_values(g, &s, values, n) != CX_OK)
        rc = cx__nomem("grouping answers");
    if (rc == CX_OK)
        rc = feed_clones(g, &s);
    size_t groups = g->keys.count;
    if (rc == CX_OK)
        commit_clones(g, &s);
    staged_free(&s, groups, true); /* frees clones that were not committed */
    if (rc != CX_OK)
        drop_new_groups(g, first_new);
    return rc;
}

/* ---- merging --------------------------------------------------------- */

static int same_grouping(const cx_group *a, const cx_group *b)
{
    int rc = cx__metric_same_setup(a->proto, b->proto, "cx_group_merge");
    if (rc != CX_OK)
        return rc;
    if (a->opts.period != b->opts.period || a->opts.utc_offset_minutes != b->opts.utc_offset_minutes
        || a->opts.min_count != b->opts.min_count)
        return cx__error(CX_ESTATE, "cx_group_merge: the groups differ in period, offset or min_count");
    return CX_OK;
}

int cx_group_merge(cx_group *into, const cx_group *from)
{
    CX__CHECK_ARG(into, "cx_group_merge");
    CX__CHECK_ARG(from, "cx_group_merge");
    if (into == from)
        return cx__error(CX_EINVAL, "cx_group_merge: cannot merge a group into itself");
    int rc = same_grouping(into, from);
    if (rc != CX_OK)
        return rc;
    size_t first_new = into->keys.count;
    uint32_t *target = cx__reallocarray(NULL, from->keys.count ? from->keys.count : 1, sizeof *target);
    if (target == NULL)
        return cx__nomem("merging groups");
    for (uint32_t i = 0; i < from->keys.count && rc == CX_OK; i++) {
        group_key key;
        const char *k = cx__hashmap_key(&from->keys, i, &key.len);
        memcpy(key.bytes, k, key.len);
        bool created;
        rc = intern_group(into, &key, &target[i], &created);
    }
    cx_metric **work = rc == CX_OK ? cx__calloc(from->keys.count + 1, sizeof *work) : NULL;
    if (rc == CX_OK && work == NULL)
        rc = cx__nomem("merging groups");
    for (uint32_t i = 0; i < from->keys.count && rc == CX_OK; i++) {
        rc = cx_metric_clone(&work[i], into->metrics[target[i]]);
        if (rc == CX_OK)
            rc = cx_metric_merge(work[i], from->metrics[i]);
    }
    for (uint32_t i = 0; i < from->keys.count && work != NULL; i++) {
        if (rc == CX_OK) {
            cx_metric_free(into->metrics[target[i]]);
            into->metrics[target[i]] = work[i];
        } else {
            cx_metric_free(work[i]);
        }
    }
    if (rc != CX_OK)
        drop_new_groups(into, first_new);
    cx__free(work);
    cx__free(target);
    return rc;
}

/* ---- listing --------------------------------------------------------- */

typedef struct key_ref {
    const char *bytes;
    size_t len;
    uint32_t index;
} key_ref;

static int compare_key_refs(const void *a, const void *b)
{
    const key_ref *x = a, *y = b;
    int c = memcmp(x->bytes, y->bytes, x->len < y->len ? x->len : y->len);
    return c != 0 ? c : (x->len > y->len) - (x->len < y->len);
}

static int ensure_order(cx_group *g)
{
    size_t n = g->keys.count;
    if (g->order_len == n)
        return CX_OK;
    void *order = g->order;
    key_ref *refs = cx__reallocarray(NULL, n ? n : 1, sizeof *refs);
    if (refs == NULL || cx__grow(&order, &g->order_cap, n, sizeof(uint32_t), 16) != CX_OK) {
        cx__free(refs);
        return cx__nomem("ordering groups");
    }
    g->order = order;
    for (size_t i = 0; i < n; i++) {
        refs[i].bytes = cx__hashmap_key(&g->keys, (uint32_t)i, &refs[i].len);
        refs[i].index = (uint32_t)i;
    }
    qsort(refs, n, sizeof *refs, compare_key_refs);
    for (size_t i = 0; i < n; i++)
        g->order[i] = refs[i].index;
    cx__free(refs);
    g->order_len = n;
    return CX_OK;
}

int cx_group_count(size_t *out, const cx_group *g)
{
    CX__CHECK_ARG(out, "cx_group_count");
    CX__CHECK_ARG(g, "cx_group_count");
    *out = g->keys.count;
    return CX_OK;
}

static int locate(cx_group *g, size_t index, uint32_t *key_index, const char *func)
{
    if (index >= g->keys.count)
        return cx__error(CX_ENOTFOUND, "%s: index %zu is past the last of %zu groups", func, index, g->keys.count);
    int rc = ensure_order(g);
    if (rc != CX_OK)
        return rc;
    *key_index = g->order[index];
    return CX_OK;
}

static bool is_suppressed(const cx_group *g, const cx_metric *m)
{
    return cx__metric_count(m) < g->opts.min_count;
}

int cx_group_get(cx_group_entry *out, cx_group *g, size_t index)
{
    CX__CHECK_ARG(out, "cx_group_get");
    CX__CHECK_ARG(g, "cx_group_get");
    int rc = cx__check_version(out->version, CX_GROUP_ENTRY_VERSION, "cx_group_entry");
    uint32_t k = 0;
    if (rc != CX_OK || (rc = locate(g, index, &k, "cx_group_get")) != CX_OK)
        return rc;
    cx_group_entry e = CX_GROUP_ENTRY_INIT;
    e.version = out->version;
    split_key(&g->keys, k, &e.segment, &e.period_start_ms);
    period_label(e.period_label, sizeof e.period_label, g->opts.period, g->opts.utc_offset_minutes, e.period_start_ms);
    e.count = cx__metric_count(g->metrics[k]);
    e.suppressed = is_suppressed(g, g->metrics[k]);
    e.metric = e.suppressed ? NULL : g->metrics[k];
    static const size_t sizes[] = { sizeof(cx_group_entry) }; /* per version */
    CX__COPY_VERSIONED(out, &e, sizes);
    return CX_OK;
}

int cx_group_get_result(cx_metric_result *out, cx_group *g, size_t index)
{
    CX__CHECK_ARG(out, "cx_group_get_result");
    CX__CHECK_ARG(g, "cx_group_get_result");
    uint32_t k = 0;
    int rc = locate(g, index, &k, "cx_group_get_result");
    if (rc != CX_OK)
        return rc;
    const cx_metric *m = g->metrics[k];
    if (is_suppressed(g, m)) {
        const char *segment;
        int64_t start;
        split_key(&g->keys, k, &segment, &start);
        return cx__error(CX_EEMPTY, "group \"%.64s\" is suppressed: %llu answers, below min_count %llu", segment,
                         (unsigned long long)cx__metric_count(m), (unsigned long long)g->opts.min_count);
    }
    return cx_metric_get_result(m, out);
}

int cx_group_find(size_t *out, cx_group *g, const char *segment, int64_t timestamp_ms)
{
    CX__CHECK_ARG(out, "cx_group_find");
    CX__CHECK_ARG(g, "cx_group_find");
    group_key key;
    int rc = make_key(g, segment, timestamp_ms, -1, &key);
    if (rc != CX_OK)
        return rc;
    int64_t k = cx__hashmap_find(&g->keys, key.bytes, key.len);
    if (k < 0)
        return cx__error(CX_ENOTFOUND, "cx_group_find: no group for segment \"%.64s\" at %lld ms",
                         segment ? segment : "", (long long)timestamp_ms);
    if ((rc = ensure_order(g)) != CX_OK)
        return rc;
    for (size_t i = 0; i < g->keys.count; i++) {
        if (g->order[i] == (uint32_t)k) {
            *out = i;
            return CX_OK;
        }
    }
    return cx__error(CX_ENOTFOUND, "cx_group_find: group index is inconsistent");
}

int cx_group_total(cx_metric **out, const cx_group *g)
{
    CX__CHECK_ARG(out, "cx_group_total");
    *out = NULL;
    CX__CHECK_ARG(g, "cx_group_total");
    cx_metric *total;
    int rc = cx_metric_clone(&total, g->proto);
    if (rc != CX_OK)
        return rc;
    for (size_t i = 0; i < g->keys.count; i++) {
        if ((rc = cx_metric_merge(total, g->metrics[i])) != CX_OK) {
            cx_metric_free(total);
            return rc;
        }
    }
    *out = total;
    return CX_OK;
}

/* ---- blobs ----------------------------------------------------------- */

/*
 * "CXGR", u16 format 1, u32 period, i32 offset, u64 min_count, the
 * prototype calculator's blob (u32 length + bytes), u32 groups, then per
 * group: u32 key length, key bytes, u32 blob length, calculator blob; CRC.
 */
#define GROUP_MAGIC "CXGR"
#define GROUP_FORMAT 1u
#define GWHAT "cx_group_deserialize"

static int put_metric(cx__writer *w, const cx_metric *m)
{
    size_t len;
    cx_metric_serialize(m, NULL, 0, &len);
    if (len > UINT32_MAX)
        return cx__error(CX_EINVAL, "cx_group_serialize: a calculator blob exceeds 4 GiB");
    cx__put_u32(w, (uint32_t)len);
    if (w->buf != NULL && w->len <= w->cap && len <= w->cap - w->len)
        cx_metric_serialize(m, w->buf + w->len, len, &len);
    w->len += len;
    return CX_OK;
}

static int write_group(cx__writer *w, const cx_group *g)
{
    cx__put_bytes(w, GROUP_MAGIC, 4);
    cx__put_u16(w, GROUP_FORMAT);
    cx__put_u32(w, (uint32_t)g->opts.period);
    cx__put_u32(w, (uint32_t)g->opts.utc_offset_minutes);
    cx__put_u64(w, g->opts.min_count);
    int rc = put_metric(w, g->proto);
    cx__put_u32(w, (uint32_t)g->keys.count);
    for (uint32_t i = 0; i < g->keys.count && rc == CX_OK; i++) {
        size_t len;
        const char *key = cx__hashmap_key(&g->keys, i, &len);
        cx__put_u32(w, (uint32_t)len);
        cx__put_bytes(w, key, len);
        rc = put_metric(w, g->metrics[i]);
    }
    cx__put_crc(w);
    return rc;
}

int cx_group_serialize(const cx_group *g, void *buf, size_t cap, size_t *len)
{
    CX__CHECK_ARG(g, "cx_group_serialize");
    CX__CHECK_ARG(len, "cx_group_serialize");
    cx__writer sizer = { NULL, 0, 0 };
    int rc = write_group(&sizer, g);
    *len = sizer.len;
    if (rc != CX_OK || buf == NULL)
        return rc;
    if (cap < sizer.len)
        return cx__error(CX_EINVAL, "cx_group_serialize: buffer of %zu bytes is too small; %zu needed", cap, sizer.len);
    cx__writer w = { buf, cap, 0 };
    return write_group(&w, g);
}

static int get_metric(cx__reader *r, cx_metric **out)
{
    uint32_t len = cx__get_u32(r);
    const uint8_t *blob = cx__get_bytes(r, len);
    if (blob == NULL)
        return cx__error(CX_EFORMAT, GWHAT ": blob is truncated inside a calculator");
    int rc = cx_metric_deserialize(out, blob, len);
    if (rc != CX_OK)
        return cx__error(rc == CX_EVERSION ? CX_EVERSION : CX_EFORMAT, GWHAT ": %s", cx_last_error());
    return CX_OK;
}

static int read_group_header(cx__reader *r, cx_group_options *go)
{
    const uint8_t *magic = cx__get_bytes(r, 4);
    if (magic == NULL || memcmp(magic, GROUP_MAGIC, 4) != 0)
        return cx__error(CX_EFORMAT, GWHAT ": not a group blob (magic \"CXGR\" missing)");
    uint16_t format = cx__get_u16(r);
    go->period = (cx_period)cx__get_u32(r);
    go->utc_offset_minutes = (int32_t)cx__get_u32(r);
    go->min_count = cx__get_u64(r);
    if (r->bad)
        return cx__error(CX_EFORMAT, GWHAT ": blob header is truncated");
    if (format == 0 || format > GROUP_FORMAT)
        return cx__error(format == 0 ? CX_EFORMAT : CX_EVERSION, GWHAT ": group format %u is not supported (1..%u)",
                         format, GROUP_FORMAT);
    if (check_period(go->period, go->utc_offset_minutes) != CX_OK)
        return cx__error(CX_EFORMAT, GWHAT ": %s", cx_last_error());
    return CX_OK;
}

/* A stored key must be one that make_key could have produced. */
static bool key_well_formed(const cx_group *g, const uint8_t *key, size_t len)
{
    if (len < 9 || len > KEY_MAX || memchr(key, 0, len - 9) != NULL || key[len - 9] != 0
        || !cx__utf8_valid((const char *)key, len - 9, NULL))
        return false;
    uint64_t ordered = 0;
    for (int i = 0; i < 8; i++)
        ordered = ordered << 8 | key[len - 8 + i];
    int64_t start = (int64_t)(ordered ^ (1ull << 63)), expected;
    if (g->opts.period == CX_PERIOD_NONE)
        return start == 0;
    return cx_period_start(&expected, g->opts.period, g->opts.utc_offset_minutes, start) == CX_OK && expected == start;
}

static int read_groups(cx__reader *r, cx_group *g)
{
    uint32_t count = cx__get_u32(r);
    if (r->bad || count > cx__reader_left(r) / 8)
        return cx__error(CX_EFORMAT, GWHAT ": group count is truncated or impossible");
    for (uint32_t i = 0; i < count; i++) {
        uint32_t klen = cx__get_u32(r);
        const uint8_t *kbytes = cx__get_bytes(r, klen);
        if (kbytes == NULL || !key_well_formed(g, kbytes, klen))
            return cx__error(CX_EFORMAT, GWHAT ": group %u has a malformed key", i);
        group_key key;
        memcpy(key.bytes, kbytes, klen);
        key.len = klen;
        uint32_t index;
        bool created;
        int rc = intern_group(g, &key, &index, &created);
        if (rc != CX_OK)
            return rc;
        if (!created)
            return cx__error(CX_EFORMAT, GWHAT ": group %u repeats a key", i);
        cx_metric *m;
        if ((rc = get_metric(r, &m)) != CX_OK)
            return rc;
        if (cx__metric_same_setup(g->proto, m, GWHAT) != CX_OK) {
            cx_metric_free(m);
            return cx__error(CX_EFORMAT, GWHAT ": group %u has a calculator of other options", i);
        }
        cx_metric_free(g->metrics[index]);
        g->metrics[index] = m;
    }
    return CX_OK;
}

int cx_group_deserialize(cx_group **out, const void *buf, size_t len)
{
    CX__CHECK_ARG(out, "cx_group_deserialize");
    *out = NULL;
    CX__CHECK_ARG(buf, "cx_group_deserialize");
    cx__reader r;
    cx_group_options go = CX_GROUP_OPTIONS_INIT;
    int rc = cx__reader_open(&r, buf, len, GWHAT);
    if (rc == CX_OK)
        rc = read_group_header(&r, &go);
    cx_metric *proto = NULL;
    if (rc == CX_OK)
        rc = get_metric(&r, &proto);
    if (rc != CX_OK)
        return rc;
    cx_group *g = cx__calloc(1, sizeof *g);
    if (g == NULL) {
        cx_metric_free(proto);
        return cx__nomem("reading a group");
    }
    g->proto = proto;
    g->opts = go;
    cx_metric_get_kind(&g->kind, proto);
    cx__hashmap_init(&g->keys);
    if (cx__metric_count(proto) != 0)
        rc = cx__error(CX_EFORMAT, GWHAT ": the prototype calculator is not empty");
    if (rc == CX_OK)
        rc = read_groups(&r, g);
    if (rc == CX_OK && cx__reader_left(&r) != 0)
        rc = cx__error(CX_EFORMAT, GWHAT ": %zu unexpected bytes after the groups", cx__reader_left(&r));
    if (rc != CX_OK) {
        cx_group_free(g);
        return rc;
    }
    *out = g;
    return CX_OK;
}
