/*
 * Identity merge and unmerge. A merge combines the absorbed id's state into
 * the survivor's (decayed sums brought to a common reference time), resolves
 * attributes by survivorship and logs what it needs to be undone: the
 * survivor's attributes and consent before it. An unmerge rebuilds both
 * customers' states from the history, so it needs keep_history.
 */
#include <stdio.h>
#include <string.h>

#include "core_internal.h"
#include "customer_internal.h"

static const char *id_of(const cx_customers *db, uint32_t index)
{
    return cx__hashmap_key(&db->ids, index, NULL);
}

static int check_merge(const cx_customers *db, uint32_t s, uint32_t a, int64_t at_ms)
{
    if (s == a)
        return cx__error(CX_EINVAL, "cx_customers_merge: cannot merge customer \"%.64s\" into itself", id_of(db, s));
    if (db->hot[s].parent != s)
        return cx__error(CX_ESTATE, "cx_customers_merge: survivor \"%.64s\" was merged into \"%.64s\"; merge into that "
                         "id instead", id_of(db, s), id_of(db, cx__customer_root(db, s)));
    if (db->hot[a].parent != a)
        return cx__error(CX_ESTATE, "cx_customers_merge: customer \"%.64s\" is already merged into \"%.64s\"",
                         id_of(db, a), id_of(db, cx__customer_root(db, a)));
    return cx__customer_check_time(at_ms, "at_ms", "cx_customers_merge: ");
}

int cx_customers_merge(cx_customers *db, const char *survivor_id, const char *absorbed_id, int64_t at_ms)
{
    const char *f = "cx_customers_merge: ";
    CX__CHECK_ARG(db, "cx_customers_merge");
    uint32_t s, a;
    int rc = cx__customer_lookup(db, survivor_id, &s, f);
    if (rc == CX_OK)
        rc = cx__customer_lookup(db, absorbed_id, &a, f);
    if (rc == CX_OK)
        rc = check_merge(db, s, a, at_ms);
    if (rc != CX_OK)
        return rc;
    void *merges = db->merges;
    if (cx__grow(&merges, &db->merge_cap, db->merge_count + 1, sizeof *db->merges, 8) != CX_OK)
        return cx__nomem("merging customers");
    db->merges = merges;
    uint32_t merge_id = (uint32_t)db->merge_count + 1;
    cx__attr_list before = { 0 }, merged = { 0 };
    if (db->attrs != NULL && (rc = cx__attr_list_copy(&before, &db->attrs[s])) == CX_OK)
        rc = cx__attrs_merge(db, s, a, merge_id, &merged);
    if (rc != CX_OK) {
        cx__attr_list_free(&before);
        return rc;
    }
    /* Everything is staged; commit. */
    cx__cust cs, ca;
    cx__cust_load(db, s, &cs);
    cx__cust_load(db, a, &ca);
    cx__cust_combine(db, &cs, &ca);
    cs.cold.flags |= CX__CUST_ABSORBED;
    cx__cust_store(db, s, &cs);
    db->hot[a].parent = s;
    uint32_t consent_before = cx__consent(db, s), consent_after = consent_before & cx__consent(db, a);
    if (db->consent != NULL)
        db->consent[s] = consent_after;
    if (db->attrs != NULL) {
        cx__attr_list_free(&db->attrs[s]);
        db->attrs[s] = merged;
    }
    db->merges[db->merge_count++] = (cx__merge){ s, a, at_ms, false, consent_before, consent_after, before };
    return CX_OK;
}

/* The latest merge that absorbed `a` and is still in force. */
static cx__merge *active_merge_of(cx_customers *db, uint32_t a)
{
    for (size_t k = db->merge_count; k-- > 0;)
        if (!db->merges[k].undone && db->merges[k].absorbed == a)
            return &db->merges[k];
    return NULL;
}

static bool absorbs_any(const cx_customers *db, uint32_t s)
{
    for (size_t k = 0; k < db->merge_count; k++)
        if (!db->merges[k].undone && db->merges[k].survivor == s)
            return true;
    return false;
}

/* Rebuilds the state of root `r` from its members' whole history. */
static int rebuild(const cx_customers *db, uint32_t r, cx__cust *out)
{
    uint32_t *members;
    size_t count;
    int rc = cx__customer_members(db, r, &members, &count);
    if (rc != CX_OK)
        return rc;
    rc = cx__customer_replay(db, members, count, INT64_MAX, out);
    cx__free(members);
    return rc;
}

/* Resolutions close complaints by count. One recorded under one id while
 * it closed the other id's complaint would leave that side with more
 * resolutions than complaints: its later complaints would never show as
 * open. Such a merge cannot be split back. */
static int check_complaints(const cx_customers *db, uint32_t s, const cx__cust *new_s, uint32_t a,
                            const cx__cust *new_a)
{
    const uint32_t records[2] = { s, a };
    const cx__cust *states[2] = { new_s, new_a };
    for (int i = 0; i < 2; i++) {
        const cx__hot *h = &states[i]->hot;
        if (h->resolved <= h->complaints)
            continue;
        uint32_t extra = h->resolved - h->complaints;
        return cx__error(CX_ESTATE, "cx_customers_unmerge: \"%.64s\" would keep %u complaint resolution%s more than "
                         "its complaints: %s closed complaints of \"%.64s\" while the two were merged; the merge "
                         "stays", id_of(db, records[i]), extra, extra > 1 ? "s" : "", extra > 1 ? "they" : "it",
                         id_of(db, records[1 - i]));
    }
    return CX_OK;
}

static int check_unmerge(cx_customers *db, const char *absorbed_id, uint32_t *a, cx__merge **g)
{
    const char *f = "cx_customers_unmerge: ";
    if (!db->opts.keep_history)
        return cx__error(CX_ESTATE, "%sundoing a merge needs a customer set created with keep_history", f);
    int rc = cx__customer_lookup(db, absorbed_id, a, f);
    if (rc != CX_OK)
        return rc;
    *g = active_merge_of(db, *a);
    if (*g == NULL)
        return cx__error(CX_ESTATE, "%scustomer \"%.64s\" is not merged into another", f, absorbed_id);
    uint32_t s = (*g)->survivor;
    if (db->hot[s].parent != s)
        return cx__error(CX_ESTATE, "%s\"%.64s\" was itself merged into \"%.64s\" since; unmerge \"%.64s\" first", f,
                         id_of(db, s), id_of(db, db->hot[s].parent), id_of(db, s));
    return CX_OK;
}

int cx_customers_unmerge(cx_customers *db, const char *absorbed_id)
{
    CX__CHECK_ARG(db, "cx_customers_unmerge");
    uint32_t a = 0;
    cx__merge *g = NULL;
    int rc = check_unmerge(db, absorbed_id, &a, &g);
    if (rc != CX_OK)
        return rc;
    uint32_t s = g->survivor, merge_id = (uint32_t)(g - db->merges) + 1;
    cx__cust new_s, new_a;
    cx__attr_list attrs = { 0 };
    g->undone = true; /* so that the members of s no longer include a */
    rc = rebuild(db, s, &new_s);
    if (rc == CX_OK)
        rc = rebuild(db, a, &new_a);
    if (rc == CX_OK)
        rc = check_complaints(db, s, &new_s, a, &new_a);
    if (rc == CX_OK && db->attrs != NULL)
        rc = cx__attrs_unmerge(db, &db->attrs[s], &g->survivor_attrs, merge_id, &attrs);
    if (rc != CX_OK) {
        g->undone = false;
        return rc;
    }
    new_s.hot.parent = s;
    new_s.cold.flags = absorbs_any(db, s) ? CX__CUST_ABSORBED : 0;
    new_a.hot.parent = a;
    new_a.cold.flags = db->cold[a].flags;
    cx__cust_store(db, s, &new_s);
    cx__cust_store(db, a, &new_a);
    if (db->consent != NULL && db->consent[s] == g->consent_after)
        db->consent[s] = g->consent_before;
    if (db->attrs != NULL) {
        cx__attr_list_free(&db->attrs[s]);
        db->attrs[s] = attrs;
    }
    return CX_OK;
}

int cx_merge_record_init(cx_merge_record *r, unsigned int version)
{
    CX__CHECK_ARG(r, "cx_merge_record_init");
    int rc = cx__check_version(version, CX_MERGE_RECORD_VERSION, "cx_merge_record");
    if (rc != CX_OK)
        return rc;
    memset(r, 0, sizeof *r);
    r->version = version;
    return CX_OK;
}

int cx_customers_merge_count(size_t *out, const cx_customers *db)
{
    CX__CHECK_ARG(out, "cx_customers_merge_count");
    CX__CHECK_ARG(db, "cx_customers_merge_count");
    *out = db->merge_count;
    return CX_OK;
}

int cx_customers_get_merge(cx_merge_record *out, const cx_customers *db, size_t index)
{
    CX__CHECK_ARG(out, "cx_customers_get_merge");
    CX__CHECK_ARG(db, "cx_customers_get_merge");
    int rc = cx__check_version(out->version, CX_MERGE_RECORD_VERSION, "cx_merge_record");
    if (rc != CX_OK)
        return rc;
    if (index >= db->merge_count)
        return cx__error(CX_ENOTFOUND, "cx_customers_get_merge: entry %zu is past the end (%zu merges)", index,
                         db->merge_count);
    const cx__merge *g = &db->merges[index];
    out->survivor = id_of(db, g->survivor);
    out->absorbed = id_of(db, g->absorbed);
    out->at_ms = g->at_ms;
    out->undone = g->undone;
    return CX_OK;
}
