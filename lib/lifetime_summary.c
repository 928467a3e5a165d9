/*
 * Per-customer summaries from purchase events: frequency, recency, T and
 * mean value over a calibration period, purchases and mean value over a
 * holdout period.
 *
 * Events are split by their timestamps into the calibration period (at or
 * before its end), the holdout period (after it, at or before the holdout
 * end) and the rest, so no later purchase leaks into the calibration
 * summary; then bucketed (a day, an ISO week, a month, or not at all) with
 * the calendar of cx/group.h: purchases of one customer in one bucket and
 * period are one purchase timed at the bucket's start and valued at the
 * bucket's total. T runs to the start of the bucket holding the
 * calibration end, so that with daily buckets it counts whole days to the
 * last calibration day, as the CDNOW summaries do. The events are
 * counting-sorted by customer and each customer's purchases sorted by
 * period and time: O(n log k) for n events and k events per customer.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core_internal.h"
#include "cx/group.h"
#include "hashmap_internal.h"
#include "lifetime_internal.h"

/* About year +/-100000, the range cx_period_start() accepts. */
#define TIMESTAMP_LIMIT_MS 3155760000000000LL
#define SUMMARY "cx_lifetime_summary_new"

struct cx_lifetime_summary {
    cx__hashmap ids;          /* every customer seen, holding the id strings */
    size_t count;             /* customers in the summary */
    const char **id_ptrs;     /* per customer, into ids */
    double *frequency, *recency, *T, *monetary, *frequency_holdout, *monetary_holdout;
    double duration_holdout;
    int64_t calibration_end_ms;
    size_t skipped;
};

const size_t cx__lt_summary_options_sizes[1] = { sizeof(cx_lifetime_summary_options) };
const size_t cx__lt_columns_sizes[1] = { sizeof(cx_lifetime_columns) };

_Static_assert((int)CX_LIFETIME_MERGE_DAY == (int)CX_PERIOD_DAY && (int)CX_LIFETIME_MERGE_ISO_WEEK ==
               (int)CX_PERIOD_ISO_WEEK && (int)CX_LIFETIME_MERGE_MONTH == (int)CX_PERIOD_MONTH,
               "cx_lifetime_merge mirrors cx_period");

int cx_lifetime_summary_options_init(cx_lifetime_summary_options *opts, unsigned int version)
{
    CX__CHECK_ARG(opts, "cx_lifetime_summary_options_init");
    int rc = cx__check_version(version, CX_LIFETIME_SUMMARY_OPTIONS_VERSION, "cx_lifetime_summary_options");
    if (rc != CX_OK)
        return rc;
    cx_lifetime_summary_options defaults = CX_LIFETIME_SUMMARY_OPTIONS_INIT;
    defaults.version = version;
    opts->version = version;
    CX__COPY_VERSIONED(opts, &defaults, cx__lt_summary_options_sizes);
    return CX_OK;
}

int cx_lifetime_columns_init(cx_lifetime_columns *cols, unsigned int version)
{
    CX__CHECK_ARG(cols, "cx_lifetime_columns_init");
    int rc = cx__check_version(version, CX_LIFETIME_COLUMNS_VERSION, "cx_lifetime_columns");
    if (rc != CX_OK)
        return rc;
    cx_lifetime_columns defaults = CX_LIFETIME_COLUMNS_INIT;
    defaults.version = version;
    cols->version = version;
    CX__COPY_VERSIONED(cols, &defaults, cx__lt_columns_sizes);
    return CX_OK;
}

/* ---- checks -------------------------------------------------------------- */

static int read_options(cx_lifetime_summary_options *o, const cx_lifetime_summary_options *opts)
{
    cx_lifetime_summary_options defaults = CX_LIFETIME_SUMMARY_OPTIONS_INIT;
    *o = defaults;
    if (opts != NULL) {
        int rc = cx__check_version(opts->version, CX_LIFETIME_SUMMARY_OPTIONS_VERSION, "cx_lifetime_summary_options");
        if (rc != CX_OK)
            return rc;
        o->version = opts->version; /* read only the caller's version's bytes */
        CX__COPY_VERSIONED(o, opts, cx__lt_summary_options_sizes);
        o->version = CX_LIFETIME_SUMMARY_OPTIONS_VERSION;
    }
    if (o->period_ms <= 0)
        return cx__error(CX_EINVAL, SUMMARY ": period_ms %lld must be > 0 (86400000 for days)", (long long)o->period_ms);
    if (o->merge < CX_LIFETIME_MERGE_NONE || o->merge > CX_LIFETIME_MERGE_MONTH)
        return cx__error(CX_EINVAL, SUMMARY ": unknown merge %d (expected CX_LIFETIME_MERGE_NONE, _DAY, _ISO_WEEK or "
                         "_MONTH)", (int)o->merge);
    if (o->utc_offset_minutes < -1439 || o->utc_offset_minutes > 1439)
        return cx__error(CX_EINVAL, SUMMARY ": utc_offset_minutes %d is outside -1439..1439", (int)o->utc_offset_minutes);
    const int64_t ends[2] = { o->calibration_end_ms, o->holdout_end_ms };
    for (int i = 0; i < 2; i++)
        if (ends[i] != CX_LIFETIME_TIME_UNSET && (ends[i] < -TIMESTAMP_LIMIT_MS || ends[i] > TIMESTAMP_LIMIT_MS))
            return cx__error(CX_ERANGE, SUMMARY ": %s %lld is beyond year +/-100000",
                             i == 0 ? "calibration_end_ms" : "holdout_end_ms", (long long)ends[i]);
    if (o->holdout_end_ms != CX_LIFETIME_TIME_UNSET) {
        if (o->calibration_end_ms == CX_LIFETIME_TIME_UNSET)
            return cx__error(CX_EINVAL, SUMMARY ": holdout_end_ms is set but calibration_end_ms is not");
        if (o->holdout_end_ms <= o->calibration_end_ms)
            return cx__error(CX_EINVAL, SUMMARY ": holdout_end_ms %lld is not after calibration_end_ms %lld",
                             (long long)o->holdout_end_ms, (long long)o->calibration_end_ms);
    }
    return CX_OK;
}

static int check_event(const char *const *ids, const int64_t *ts, const double *values, size_t i)
{
    if (ids[i] == NULL)
        return cx__error(CX_EINVAL, SUMMARY ": customer_ids[%zu] is NULL", i);
    size_t len = strnlen(ids[i], CX_LIFETIME_ID_MAX + 1);
    if (len > CX_LIFETIME_ID_MAX)
        return cx__error(CX_EINVAL, SUMMARY ": customer_ids[%zu] \"%.32s...\" is longer than %d bytes", i, ids[i],
                         CX_LIFETIME_ID_MAX);
    size_t bad;
    if (!cx__utf8_valid(ids[i], len, &bad))
        return cx__error(CX_EINVAL, SUMMARY ": customer_ids[%zu] is not valid UTF-8 (byte %zu)", i, bad);
    if (ts[i] < -TIMESTAMP_LIMIT_MS || ts[i] > TIMESTAMP_LIMIT_MS)
        return cx__error(CX_ERANGE, SUMMARY ": timestamps_ms[%zu] = %lld is beyond year +/-100000", i,
                         (long long)ts[i]);
    if (values != NULL && !(isfinite(values[i]) && values[i] >= 0))
        return cx__error(CX_ERANGE, SUMMARY ": values[%zu] = %g must be finite and >= 0", i, values[i]);
    return CX_OK;
}

static int check_events(const char *const *ids, const int64_t *ts, const double *values, size_t n)
{
    if (n > 0 && (ids == NULL || ts == NULL))
        return cx__error(CX_EINVAL, SUMMARY ": customer_ids and timestamps_ms must not be NULL");
    if (n > UINT32_MAX)
        return cx__error(CX_EINVAL, SUMMARY ": %zu events exceed the limit of %u", n, UINT32_MAX);
    for (size_t i = 0; i < n; i++) {
        int rc = check_event(ids, ts, values, i);
        if (rc != CX_OK)
            return rc;
    }
    return CX_OK;
}

/* ---- building ------------------------------------------------------------ */

enum { CALIBRATION, HOLDOUT, LATER };

typedef struct purchase {
    int64_t at;     /* bucket start, ms */
    double value;
    int part;       /* CALIBRATION, HOLDOUT or LATER */
} purchase;

/* By period, then time. */
static bool before(const purchase *a, const purchase *b)
{
    return a->part != b->part ? a->part < b->part : a->at < b->at;
}

static int compare_purchase(const void *pa, const void *pb)
{
    const purchase *a = pa, *b = pb;
    return before(a, b) ? -1 : before(b, a) ? 1 : 0;
}

static void sort_purchases(purchase *p, size_t n)
{
    if (n > 16) {
        qsort(p, n, sizeof *p, compare_purchase);
        return;
    }
    for (size_t i = 1; i < n; i++) {
        purchase key = p[i];
        size_t j = i;
        for (; j > 0 && before(&key, &p[j - 1]); j--)
            p[j] = p[j - 1];
        p[j] = key;
    }
}

/* Working arrays, freed together. */
typedef struct scratch {
    uint32_t *customer;  /* per event */
    size_t *start;       /* per customer + 1: offsets into `sorted` */
    purchase *sorted;    /* events grouped by customer */
} scratch;

static void scratch_free(scratch *s)
{
    cx__free(s->customer);
    cx__free(s->start);
    cx__free(s->sorted);
}

void cx_lifetime_summary_free(cx_lifetime_summary *s)
{
    if (s == NULL)
        return;
    cx__hashmap_destroy(&s->ids);
    cx__free(s->id_ptrs);
    cx__free(s->frequency);
    cx__free(s->recency);
    cx__free(s->T);
    cx__free(s->monetary);
    cx__free(s->frequency_holdout);
    cx__free(s->monetary_holdout);
    cx__free(s);
}

static int64_t bucket_of(const cx_lifetime_summary_options *o, int64_t ts)
{
    if (o->merge == CX_LIFETIME_MERGE_NONE)
        return ts;
    int64_t start = 0;
    cx_period_start(&start, (cx_period)o->merge, o->utc_offset_minutes, ts); /* checked range: cannot fail */
    return start;
}

static int part_of(const cx_lifetime_summary_options *o, int64_t cal_end, int64_t ts)
{
    if (ts <= cal_end)
        return CALIBRATION;
    return o->holdout_end_ms != CX_LIFETIME_TIME_UNSET && ts <= o->holdout_end_ms ? HOLDOUT : LATER;
}

static int group_events(scratch *s, cx__hashmap *ids, const char *const *id, const int64_t *ts, const double *values,
                        size_t n, const cx_lifetime_summary_options *o, int64_t cal_end)
{
    s->customer = cx__reallocarray(NULL, n, sizeof *s->customer);
    s->sorted = cx__reallocarray(NULL, n, sizeof *s->sorted);
    if (s->customer == NULL || s->sorted == NULL)
        return cx__nomem("summarising purchases");
    for (size_t i = 0; i < n; i++) {
        bool inserted;
        if (cx__hashmap_intern(ids, id[i], strlen(id[i]), &s->customer[i], &inserted) != CX_OK)
            return cx__nomem("summarising purchases");
    }
    size_t customers = ids->count;
    s->start = cx__calloc(customers + 1, sizeof *s->start);
    if (s->start == NULL)
        return cx__nomem("summarising purchases");
    for (size_t i = 0; i < n; i++)
        s->start[s->customer[i] + 1]++;
    for (size_t k = 0; k < customers; k++)
        s->start[k + 1] += s->start[k];
    for (size_t i = 0; i < n; i++) {
        purchase p = { bucket_of(o, ts[i]), values ? values[i] : 0.0, part_of(o, cal_end, ts[i]) };
        s->sorted[s->start[s->customer[i]]++] = p;
    }
    /* The fill moved each start to the next customer's; shift back. */
    memmove(s->start + 1, s->start, customers * sizeof *s->start);
    s->start[0] = 0;
    return CX_OK;
}

static int alloc_columns(cx_lifetime_summary *s, size_t customers, bool values, bool holdout)
{
    s->id_ptrs = cx__reallocarray(NULL, customers, sizeof *s->id_ptrs);
    s->frequency = cx__reallocarray(NULL, customers, sizeof(double));
    s->recency = cx__reallocarray(NULL, customers, sizeof(double));
    s->T = cx__reallocarray(NULL, customers, sizeof(double));
    bool ok = s->id_ptrs && s->frequency && s->recency && s->T;
    if (ok && values)
        ok = (s->monetary = cx__reallocarray(NULL, customers, sizeof(double))) != NULL;
    if (ok && holdout)
        ok = (s->frequency_holdout = cx__reallocarray(NULL, customers, sizeof(double))) != NULL;
    if (ok && holdout && values)
        ok = (s->monetary_holdout = cx__reallocarray(NULL, customers, sizeof(double))) != NULL;
    return ok ? CX_OK : cx__nomem("summarising purchases");
}

typedef struct tally {
    size_t calibration, holdout; /* distinct buckets */
    int64_t first, last;
    double repeat_value, holdout_value;
} tally;

/* Walks one customer's events, sorted by period and bucket; without
 * merging every event is a purchase of its own. */
static tally count_buckets(const purchase *p, size_t n, bool merge)
{
    tally t = { 0, 0, 0, 0, 0.0, 0.0 };
    for (size_t i = 0; i < n; i++) {
        bool new_purchase = !merge || i == 0 || p[i].at != p[i - 1].at || p[i].part != p[i - 1].part;
        if (p[i].part == CALIBRATION) {
            if (new_purchase && t.calibration++ == 0)
                t.first = p[i].at;
            t.last = p[i].at;
            if (t.calibration > 1)
                t.repeat_value += p[i].value;
        } else if (p[i].part == HOLDOUT) {
            t.holdout += new_purchase;
            t.holdout_value += p[i].value;
        }
    }
    return t;
}

static void summarise(cx_lifetime_summary *s, scratch *w, const cx_lifetime_summary_options *o)
{
    double unit = (double)o->period_ms;
    bool holdout = o->holdout_end_ms != CX_LIFETIME_TIME_UNSET;
    int64_t end_bucket = bucket_of(o, s->calibration_end_ms);
    for (uint32_t k = 0; k < s->ids.count; k++) {
        purchase *p = w->sorted + w->start[k];
        size_t n = w->start[k + 1] - w->start[k];
        sort_purchases(p, n);
        tally t = count_buckets(p, n, o->merge != CX_LIFETIME_MERGE_NONE);
        if (t.calibration == 0) {
            s->skipped++;
            continue;
        }
        size_t len, c = s->count++;
        double x = (double)(t.calibration - 1);
        s->id_ptrs[c] = cx__hashmap_key(&s->ids, k, &len);
        s->frequency[c] = x;
        s->recency[c] = (double)(t.last - t.first) / unit;
        s->T[c] = (double)(end_bucket - t.first) / unit;
        if (s->monetary)
            s->monetary[c] = x > 0 ? t.repeat_value / x : 0.0;
        if (s->frequency_holdout)
            s->frequency_holdout[c] = (double)t.holdout;
        if (s->monetary_holdout)
            s->monetary_holdout[c] = t.holdout > 0 ? t.holdout_value / (double)t.holdout : 0.0;
    }
    s->duration_holdout = holdout ? (double)(o->holdout_end_ms - s->calibration_end_ms) / unit : 0.0;
}

static int64_t latest(const int64_t *ts, size_t n)
{
    int64_t last = INT64_MIN;
    for (size_t i = 0; i < n; i++)
        last = ts[i] > last ? ts[i] : last;
    return last;
}

int cx_lifetime_summary_new(cx_lifetime_summary **out, const char *const *customer_ids, const int64_t *timestamps_ms,
                            const double *values, size_t n, const cx_lifetime_summary_options *opts)
{
    CX__CHECK_ARG(out, SUMMARY);
    *out = NULL;
    cx_lifetime_summary_options o;
    int rc = read_options(&o, opts);
    if (rc == CX_OK)
        rc = check_events(customer_ids, timestamps_ms, values, n);
    if (rc == CX_OK && n == 0)
        rc = cx__error(CX_EEMPTY, SUMMARY ": no events");
    if (rc != CX_OK)
        return rc;
    cx_lifetime_summary *s = cx__calloc(1, sizeof *s);
    if (s == NULL)
        return cx__nomem("summarising purchases");
    cx__hashmap_init(&s->ids);
    s->calibration_end_ms = o.calibration_end_ms != CX_LIFETIME_TIME_UNSET ? o.calibration_end_ms
                                                                           : latest(timestamps_ms, n);
    scratch w = { NULL, NULL, NULL };
    rc = group_events(&w, &s->ids, customer_ids, timestamps_ms, values, n, &o, s->calibration_end_ms);
    if (rc == CX_OK)
        rc = alloc_columns(s, s->ids.count, values != NULL, o.holdout_end_ms != CX_LIFETIME_TIME_UNSET);
    if (rc == CX_OK)
        summarise(s, &w, &o);
    scratch_free(&w);
    if (rc == CX_OK && s->count == 0)
        rc = cx__error(CX_EEMPTY, SUMMARY ": none of the %zu customers has a purchase at or before the calibration "
                       "end %lld ms", s->skipped, (long long)s->calibration_end_ms);
    if (rc != CX_OK) {
        cx_lifetime_summary_free(s);
        return rc;
    }
    *out = s;
    return CX_OK;
}

int cx_lifetime_summary_get(cx_lifetime_columns *out, const cx_lifetime_summary *s)
{
    CX__CHECK_ARG(out, "cx_lifetime_summary_get");
    CX__CHECK_ARG(s, "cx_lifetime_summary_get");
    int rc = cx__check_version(out->version, CX_LIFETIME_COLUMNS_VERSION, "cx_lifetime_columns");
    if (rc != CX_OK)
        return rc;
    cx_lifetime_columns c = CX_LIFETIME_COLUMNS_INIT;
    c.version = out->version;
    c.count = s->count;
    c.customer_ids = s->id_ptrs;
    c.frequency = s->frequency;
    c.recency = s->recency;
    c.T = s->T;
    c.monetary = s->monetary;
    c.frequency_holdout = s->frequency_holdout;
    c.monetary_holdout = s->monetary_holdout;
    c.duration_holdout = s->duration_holdout;
    c.calibration_end_ms = s->calibration_end_ms;
    c.customers_skipped = s->skipped;
    CX__COPY_VERSIONED(out, &c, cx__lt_columns_sizes);
    return CX_OK;
}
