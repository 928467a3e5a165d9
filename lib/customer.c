/*
 * Customer sets: options, life cycle, ids, profiles, consent, and the
 * per-record arrays and event log shared by the other customer*.c files.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "civil_internal.h"
#include "core_internal.h"
#include "customer_internal.h"

int cx_customers_options_init(cx_customers_options *opts, unsigned int version)
{
    CX__CHECK_ARG(opts, "cx_customers_options_init");
    int rc = cx__check_version(version, CX_CUSTOMERS_OPTIONS_VERSION, "cx_customers_options");
    if (rc != CX_OK)
        return rc;
    cx_customers_options defaults = CX_CUSTOMERS_OPTIONS_INIT;
    *opts = defaults;
    opts->version = version;
    return CX_OK;
}

static int check_scale(int lo, int hi, const char *name)
{
    if (lo >= hi || (long)hi - lo > 100)
        return cx__error(CX_EINVAL, "cx_customers_options: %s scale %d..%d must run upward over 2..101 points", name,
                         lo, hi);
    if (lo < -1000000 || hi > 1000000)
        return cx__error(CX_EINVAL, "cx_customers_options: %s scale %d..%d is outside -1000000..1000000", name, lo, hi);
    return CX_OK;
}

static int check_options(const cx_customers_options *o)
{
    if (o->keep_history != 0 && o->keep_history != 1)
        return cx__error(CX_EINVAL, "cx_customers_options: keep_history %d must be 0 or 1", o->keep_history);
    if (!(o->recent_half_life_days > 0) || !isfinite(o->recent_half_life_days))
        return cx__error(CX_EINVAL, "cx_customers_options: recent_half_life_days %g must be finite and > 0",
                         o->recent_half_life_days);
    if (!(o->baseline_half_life_days > o->recent_half_life_days) || !isfinite(o->baseline_half_life_days))
        return cx__error(CX_EINVAL,
                         "cx_customers_options: baseline_half_life_days %g must be finite and above "
                         "recent_half_life_days %g",
                         o->baseline_half_life_days, o->recent_half_life_days);
    int rc = check_scale(o->csat_min, o->csat_max, "CSAT");
    if (rc == CX_OK)
        rc = check_scale(o->ces_min, o->ces_max, "CES");
    return rc;
}

int cx_customers_new(cx_customers **out, const cx_customers_options *opts)
{
    CX__CHECK_ARG(out, "cx_customers_new");
    *out = NULL;
    cx_customers_options o = CX_CUSTOMERS_OPTIONS_INIT;
    if (opts != NULL) {
        int rc = cx__check_version(opts->version, CX_CUSTOMERS_OPTIONS_VERSION, "cx_customers_options");
        if (rc != CX_OK)
            return rc;
        o = *opts;
        o.version = CX_CUSTOMERS_OPTIONS_VERSION;
    }
    int rc = check_options(&o);
    if (rc != CX_OK)
        return rc;
    cx_customers *db = cx__calloc(1, sizeof *db);
    if (db == NULL)
        return cx__nomem("creating a customer set");
    db->opts = o;
    db->lambda_recent = log(2.0) / (o.recent_half_life_days * CX__MS_PER_DAY);
    db->lambda_baseline = log(2.0) / (o.baseline_half_life_days * CX__MS_PER_DAY);
    double ratio = o.baseline_half_life_days / o.recent_half_life_days;
    if (ratio <= 64 && fabs(ratio - round(ratio)) < 1e-12 * ratio)
        db->half_life_ratio = (unsigned)round(ratio);
    cx__hashmap_init(&db->ids);
    cx__hashmap_init(&db->attr_names);
    cx__hashmap_init(&db->strings);
    *out = db;
    return CX_OK;
}

void cx_customers_free(cx_customers *db)
{
    if (db == NULL)
        return;
    cx__attrs_destroy(db);
    for (size_t i = 0; i < db->merge_count; i++)
        cx__attr_list_free(&db->merges[i].survivor_attrs);
    cx__free(db->merges);
    for (size_t i = 0; i < db->log.chunk_count; i++)
        cx__free(db->log.chunks[i]);
    cx__free(db->log.chunks);
    cx__free(db->log_head);
    cx__free(db->hot_block);
    cx__free(db->cold);
    cx__free(db->consent);
    cx__hashmap_destroy(&db->ids);
    cx__free(db);
}

int cx_customers_get_options(cx_customers_options *out, const cx_customers *db)
{
    CX__CHECK_ARG(out, "cx_customers_get_options");
    CX__CHECK_ARG(db, "cx_customers_get_options");
    int rc = cx__check_version(out->version, CX_CUSTOMERS_OPTIONS_VERSION, "cx_customers_options");
    if (rc != CX_OK)
        return rc;
    unsigned int version = out->version;
    *out = db->opts;
    out->version = version;
    return CX_OK;
}

/* ---- helpers shared by the customer files ------------------------------ */

void cx__format_time(char *buf, size_t size, int64_t ms)
{
    if (ms == CX_TIME_NONE) {
        snprintf(buf, size, "(none)");
        return;
    }
    if (ms < -CX__TIME_LIMIT_MS || ms > CX__TIME_LIMIT_MS) {
        snprintf(buf, size, "%lld ms", (long long)ms);
        return;
    }
    int64_t days = cx__floor_div(ms, 86400000LL);
    int64_t rest = ms - days * 86400000LL;
    int64_t y;
    unsigned m, d;
    cx__civil_from_days(days, &y, &m, &d);
    snprintf(buf, size, "%04lld-%02u-%02uT%02u:%02u:%02u.%03uZ", (long long)y, m, d, (unsigned)(rest / 3600000),
             (unsigned)(rest / 60000 % 60), (unsigned)(rest / 1000 % 60), (unsigned)(rest % 1000));
}

int cx__customer_check_id(const char *id, const char *where)
{
    if (id == NULL)
        return cx__error(CX_EINVAL, "%scustomer id is NULL", where);
    size_t n = strnlen(id, CX_CUSTOMER_ID_MAX + 1);
    if (n == 0)
        return cx__error(CX_EINVAL, "%scustomer id is empty", where);
    if (n > CX_CUSTOMER_ID_MAX)
        return cx__error(CX_EINVAL, "%scustomer id \"%.32s...\" is longer than %d bytes", where, id,
                         CX_CUSTOMER_ID_MAX);
    size_t bad;
    if (!cx__utf8_valid(id, n, &bad))
        return cx__error(CX_EINVAL, "%scustomer id is not valid UTF-8 (byte %zu)", where, bad);
    return CX_OK;
}

int cx__customer_check_time(int64_t t, const char *what, const char *where)
{
    if (t < -CX__TIME_LIMIT_MS || t > CX__TIME_LIMIT_MS)
        return cx__error(CX_ERANGE, "%s%s %lld ms is beyond year +/-100000", where, what, (long long)t);
    return CX_OK;
}

int cx__customer_lookup(const cx_customers *db, const char *id, uint32_t *index, const char *where)
{
    if (id == NULL)
        return cx__error(CX_EINVAL, "%scustomer id is NULL", where);
    int64_t k = cx__hashmap_find(&db->ids, id, strlen(id));
    if (k < 0)
        return cx__error(CX_ENOTFOUND, "%scustomer \"%.64s\" is not known", where, id);
    *index = (uint32_t)k;
    return CX_OK;
}

/* New capacity for `need` records: exact for big batches, else 1.5x. */
static size_t next_cap(size_t cap, size_t need)
{
    size_t grown = cap + cap / 2 + 16;
    return need > grown ? need : grown;
}

static int grow_array(void **items, size_t count, size_t new_cap, size_t item)
{
    void *p = cx__reallocarray(*items, new_cap, item);
    if (p == NULL)
        return CX_ENOMEM;
    if (new_cap > count)
        memset((char *)p + count * item, 0, (new_cap - count) * item);
    *items = p;
    return CX_OK;
}

_Static_assert(sizeof(cx__hot) == 64, "a customer's hot fields fill one cache line");

/* Grows the hot records, keeping them 64-byte aligned (one cache line
 * each) inside a block from the host's allocator, which only promises
 * malloc's alignment: the block is over-allocated and the records moved
 * when realloc returns a block at another offset. */
static int grow_hot(cx_customers *db, size_t count, size_t cap)
{
    size_t old_offset = db->hot_block ? (size_t)((char *)db->hot - (char *)db->hot_block) : 0;
    if (cap > (SIZE_MAX - 64) / sizeof(cx__hot))
        return CX_ENOMEM;
    char *block = cx__realloc(db->hot_block, cap * sizeof(cx__hot) + 64);
    if (block == NULL)
        return CX_ENOMEM;
    size_t offset = (size_t)(-(uintptr_t)block & 63);
    if (offset != old_offset)
        memmove(block + offset, block + old_offset, count * sizeof(cx__hot));
    db->hot_block = block;
    db->hot = (cx__hot *)(void *)(block + offset);
    return CX_OK;
}

int cx__customers_reserve(cx_customers *db, size_t need)
{
    if (need > UINT32_MAX - 1)
        return cx__error(CX_ENOMEM, "a customer set holds at most %u records", UINT32_MAX - 1);
    if (need <= db->cust_cap)
        return CX_OK;
    size_t cap = next_cap(db->cust_cap, need), count = db->ids.count;
    if (grow_hot(db, count, cap) != CX_OK)
        return cx__nomem("adding customers");
    void *p = db->cold;
    if (grow_array(&p, count, cap, sizeof *db->cold) != CX_OK)
        return cx__nomem("adding customers");
    db->cold = p;
    if (db->opts.keep_history) {
        p = db->log_head;
        if (grow_array(&p, count, cap, sizeof *db->log_head) != CX_OK)
            return cx__nomem("adding customers");
        db->log_head = p;
    }
    if (db->attrs != NULL) {
        p = db->attrs;
        if (grow_array(&p, count, cap, sizeof *db->attrs) != CX_OK)
            return cx__nomem("adding customers");
        db->attrs = p;
    }
    if (db->consent != NULL) {
        p = db->consent;
        if (grow_array(&p, count, cap, sizeof *db->consent) != CX_OK)
            return cx__nomem("adding customers");
        db->consent = p;
    }
    db->cust_cap = cap; /* every array now holds `cap` records */
    return CX_OK;
}

int cx__log_reserve(cx_customers *db, size_t extra)
{
    cx__log *log = &db->log;
    if (extra > UINT32_MAX - 1 - log->len)
        return cx__error(CX_ENOMEM, "the event history holds at most %u events", UINT32_MAX - 1);
    size_t need = (log->len + extra + CX__LOG_CHUNK - 1) >> CX__LOG_CHUNK_BITS;
    void *chunks = log->chunks;
    if (cx__grow(&chunks, &log->chunk_cap, need, sizeof *log->chunks, 16) != CX_OK)
        return cx__nomem("growing the event history");
    log->chunks = chunks;
    /* Chunks allocated before a failure stay as spare room. */
    while (log->chunk_count < need) {
        cx__log_chunk *c = cx__malloc(sizeof *c);
        if (c == NULL)
            return cx__nomem("growing the event history");
        log->chunks[log->chunk_count++] = c;
    }
    return CX_OK;
}

void cx__log_append(cx_customers *db, uint32_t record, int64_t t, uint8_t kind, double value)
{
    cx__log *log = &db->log;
    size_t i = log->len++;
    cx__log_chunk *c = CX__LOG_AT(log, i);
    size_t k = CX__LOG_SLOT(i);
    c->time[k] = t;
    c->value[k] = value;
    c->kind[k] = kind;
    c->prev[k] = db->log_head[record];
    db->log_head[record] = (uint32_t)i + 1;
}

/* ---- adding customers -------------------------------------------------- */

static void where_item(char *buf, size_t size, const char *array, long long index)
{
    if (index < 0)
        buf[0] = '\0';
    else
        snprintf(buf, size, "%s[%lld]: ", array, index);
}

static int check_new_customer(const char *id, int64_t first_seen, const char *where)
{
    int rc = cx__customer_check_id(id, where);
    if (rc == CX_OK && first_seen != CX_TIME_NONE)
        rc = cx__customer_check_time(first_seen, "first_seen", where);
    return rc;
}

/* Checks ids and times; messages are formatted only for a failure. */
static int check_new_customers(const char *const *ids, const int64_t *first_seen_ms, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int64_t first = first_seen_ms ? first_seen_ms[i] : CX_TIME_NONE;
        if (check_new_customer(ids[i], first, "") == CX_OK)
            continue;
        char where[48];
        where_item(where, sizeof where, "customers", (long long)i);
        return check_new_customer(ids[i], first, where);
    }
    return CX_OK;
}

static void init_record(cx_customers *db, uint32_t index, int64_t first_seen)
{
    cx__cust c;
    cx__cust_reset(&c);
    c.hot.first_seen = first_seen;
    c.hot.parent = index;
    cx__cust_store(db, index, &c);
    if (db->consent != NULL)
        db->consent[index] = 0;
    if (db->opts.keep_history) {
        db->log_head[index] = 0;
        if (first_seen != CX_TIME_NONE)
            cx__log_append(db, index, first_seen, CX__EVENT_CREATED, 0);
    }
    if (db->attrs != NULL)
        memset(&db->attrs[index], 0, sizeof db->attrs[index]);
}

/* Drops the records added since `first_new` (newest first). */
static void drop_new_records(cx_customers *db, size_t first_new, size_t log_len)
{
    while (db->ids.count > first_new)
        cx__hashmap_pop(&db->ids);
    db->log.len = log_len;
}

int cx_customers_add_many(cx_customers *db, const char *const *ids, const int64_t *first_seen_ms, size_t n)
{
    CX__CHECK_ARG(db, "cx_customers_add_many");
    if (n == 0)
        return CX_OK;
    CX__CHECK_ARG(ids, "cx_customers_add_many");
    int rc = check_new_customers(ids, first_seen_ms, n);
    if (rc != CX_OK)
        return rc;
    size_t first_new = db->ids.count, log_len = db->log.len;
    rc = cx__customers_reserve(db, first_new + n);
    if (rc == CX_OK && db->opts.keep_history)
        rc = cx__log_reserve(db, n);
    for (size_t i = 0; i < n && rc == CX_OK; i++) {
        uint32_t index;
        bool inserted;
        if (cx__hashmap_intern(&db->ids, ids[i], strlen(ids[i]), &index, &inserted) != CX_OK) {
            rc = cx__nomem("adding customers");
        } else if (!inserted) {
            char where[48];
            where_item(where, sizeof where, "customers", (long long)i);
            rc = cx__error(CX_EEXISTS, "%scustomer \"%.64s\" %s", where, ids[i],
                           index < first_new ? "already exists" : "appears twice in the batch");
        } else {
            init_record(db, index, first_seen_ms ? first_seen_ms[i] : CX_TIME_NONE);
        }
    }
    if (rc != CX_OK)
        drop_new_records(db, first_new, log_len);
    return rc;
}

int cx_customers_add(cx_customers *db, const char *id, int64_t first_seen_ms)
{
    CX__CHECK_ARG(db, "cx_customers_add");
    int rc = check_new_customer(id, first_seen_ms, "");
    if (rc == CX_OK && cx__hashmap_find(&db->ids, id, strlen(id)) >= 0)
        rc = cx__error(CX_EEXISTS, "customer \"%.64s\" already exists", id);
    if (rc != CX_OK)
        return rc;
    const char *ids[1] = { id };
    const int64_t first[1] = { first_seen_ms };
    return cx_customers_add_many(db, ids, first, 1);
}

/* ---- lookups ----------------------------------------------------------- */

int cx_customers_count(size_t *out, const cx_customers *db)
{
    CX__CHECK_ARG(out, "cx_customers_count");
    CX__CHECK_ARG(db, "cx_customers_count");
    *out = db->ids.count;
    return CX_OK;
}

int cx_customers_find(size_t *out, const cx_customers *db, const char *id)
{
    CX__CHECK_ARG(out, "cx_customers_find");
    CX__CHECK_ARG(db, "cx_customers_find");
    uint32_t index;
    int rc = cx__customer_lookup(db, id, &index, "cx_customers_find: ");
    if (rc == CX_OK)
        *out = index;
    return rc;
}

int cx_customers_get_id(const char **out, const cx_customers *db, size_t index)
{
    CX__CHECK_ARG(out, "cx_customers_get_id");
    CX__CHECK_ARG(db, "cx_customers_get_id");
    if (index >= db->ids.count)
        return cx__error(CX_ENOTFOUND, "cx_customers_get_id: record %zu is past the end (%zu records)", index,
                         db->ids.count);
    *out = cx__hashmap_key(&db->ids, (uint32_t)index, NULL);
    return CX_OK;
}

int cx_customers_set_consent(cx_customers *db, const char *id, uint32_t flags)
{
    CX__CHECK_ARG(db, "cx_customers_set_consent");
    uint32_t index;
    int rc = cx__customer_lookup(db, id, &index, "cx_customers_set_consent: ");
    if (rc != CX_OK)
        return rc;
    if (db->consent == NULL && flags != 0) { /* allocated with the first consent given */
        db->consent = cx__calloc(db->cust_cap ? db->cust_cap : 1, sizeof *db->consent);
        if (db->consent == NULL)
            return cx__nomem("storing consent flags");
    }
    if (db->consent != NULL)
        db->consent[cx__customer_root(db, index)] = flags;
    return CX_OK;
}

int cx_customer_profile_init(cx_customer_profile *p, unsigned int version)
{
    CX__CHECK_ARG(p, "cx_customer_profile_init");
    int rc = cx__check_version(version, CX_CUSTOMER_PROFILE_VERSION, "cx_customer_profile");
    if (rc != CX_OK)
        return rc;
    memset(p, 0, sizeof *p);
    p->version = version;
    return CX_OK;
}

static uint64_t event_count(const cx__hot *h, const cx__cold *c)
{
    return (uint64_t)h->interactions + h->resolved + c->nps_n + c->csat_n + c->ces_n + c->sentiment_n;
}

static void fill_profile(cx_customer_profile *out, const cx_customers *db, uint32_t index)
{
    uint32_t root = cx__customer_root(db, index);
    const cx__hot *h = &db->hot[root];
    out->id = cx__hashmap_key(&db->ids, index, NULL);
    out->index = index;
    out->merged_into = root == index ? NULL : cx__hashmap_key(&db->ids, root, NULL);
    out->first_seen_ms = h->first_seen;
    out->last_seen_ms = h->last_seen;
    out->events = event_count(h, &db->cold[root]);
    out->consent = cx__consent(db, root);
    out->attributes = db->attrs ? db->attrs[root].count : 0;
}

int cx_customers_get_profile(cx_customer_profile *out, const cx_customers *db, const char *id)
{
    CX__CHECK_ARG(out, "cx_customers_get_profile");
    CX__CHECK_ARG(db, "cx_customers_get_profile");
    int rc = cx__check_version(out->version, CX_CUSTOMER_PROFILE_VERSION, "cx_customer_profile");
    uint32_t index;
    if (rc == CX_OK)
        rc = cx__customer_lookup(db, id, &index, "cx_customers_get_profile: ");
    if (rc == CX_OK)
        fill_profile(out, db, index);
    return rc;
}

int cx_customers_get_profile_at(cx_customer_profile *out, const cx_customers *db, size_t index)
{
    CX__CHECK_ARG(out, "cx_customers_get_profile_at");
    CX__CHECK_ARG(db, "cx_customers_get_profile_at");
    int rc = cx__check_version(out->version, CX_CUSTOMER_PROFILE_VERSION, "cx_customer_profile");
    if (rc != CX_OK)
        return rc;
    if (index >= db->ids.count)
        return cx__error(CX_ENOTFOUND, "cx_customers_get_profile_at: record %zu is past the end (%zu records)", index,
                         db->ids.count);
    fill_profile(out, db, (uint32_t)index);
    return CX_OK;
}
