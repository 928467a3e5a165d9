/*
 * Typed customer attributes: definitions, values, and the survivorship
 * rules that merge two customers' values. Each record keeps a small array
 * of values sorted by attribute number; string values are interned in one
 * pool per set.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core_internal.h"
#include "customer_internal.h"

static const char *type_name(cx_attr_type t)
{
    switch (t) {
    case CX_ATTR_STRING: return "a string";
    case CX_ATTR_NUMBER: return "a number";
    case CX_ATTR_BOOL: return "a bool";
    case CX_ATTR_TIMESTAMP: return "a timestamp";
    default: return "an unknown type";
    }
}

void cx__attr_list_free(cx__attr_list *l)
{
    cx__free(l->items);
    memset(l, 0, sizeof *l);
}

int cx__attr_list_copy(cx__attr_list *dst, const cx__attr_list *src)
{
    memset(dst, 0, sizeof *dst);
    if (src->count == 0)
        return CX_OK;
    dst->items = cx__reallocarray(NULL, src->count, sizeof *dst->items);
    if (dst->items == NULL)
        return cx__nomem("copying attributes");
    memcpy(dst->items, src->items, src->count * sizeof *dst->items);
    dst->count = dst->cap = src->count;
    return CX_OK;
}

void cx__attrs_destroy(cx_customers *db)
{
    for (size_t i = 0; i < db->attr_names.count; i++)
        if (db->attr_defs[i].destroy)
            db->attr_defs[i].destroy(db->attr_defs[i].payload);
    if (db->attrs != NULL)
        for (size_t i = 0; i < db->ids.count; i++)
            cx__attr_list_free(&db->attrs[i]);
    cx__free(db->attrs);
    cx__free(db->attr_defs);
    cx__hashmap_destroy(&db->attr_names);
    cx__hashmap_destroy(&db->strings);
}

/* ---- definitions ------------------------------------------------------- */

int cx_attribute_def_init(cx_attribute_def *def, unsigned int version)
{
    CX__CHECK_ARG(def, "cx_attribute_def_init");
    int rc = cx__check_version(version, CX_ATTRIBUTE_DEF_VERSION, "cx_attribute_def");
    if (rc != CX_OK)
        return rc;
    cx_attribute_def defaults = CX_ATTRIBUTE_DEF_INIT;
    *def = defaults;
    def->version = version;
    return CX_OK;
}

static int check_name(const char *name, const char *func)
{
    if (name == NULL)
        return cx__error(CX_EINVAL, "%s: attribute name is NULL", func);
    size_t n = strnlen(name, CX_ATTRIBUTE_NAME_MAX + 1), bad;
    if (n == 0 || n > CX_ATTRIBUTE_NAME_MAX)
        return cx__error(CX_EINVAL, "%s: attribute name \"%.32s\" must be 1..%d bytes", func, name,
                         CX_ATTRIBUTE_NAME_MAX);
    if (!cx__utf8_valid(name, n, &bad))
        return cx__error(CX_EINVAL, "%s: attribute name is not valid UTF-8 (byte %zu)", func, bad);
    return CX_OK;
}

static int check_def(const cx_customers *db, const cx_attribute_def *def)
{
    const char *f = "cx_customers_define_attribute";
    int rc = cx__check_version(def->version, CX_ATTRIBUTE_DEF_VERSION, "cx_attribute_def");
    if (rc == CX_OK)
        rc = check_name(def->name, f);
    if (rc != CX_OK)
        return rc;
    if (def->type < CX_ATTR_STRING || def->type > CX_ATTR_TIMESTAMP)
        return cx__error(CX_EINVAL, "%s: attribute \"%.64s\" has unknown type %d", f, def->name, (int)def->type);
    if (def->survivorship < CX_SURVIVE_MOST_RECENT || def->survivorship > CX_SURVIVE_CUSTOM)
        return cx__error(CX_EINVAL, "%s: attribute \"%.64s\" has unknown survivorship %d", f, def->name,
                         (int)def->survivorship);
    if (def->survivorship == CX_SURVIVE_SUM && def->type != CX_ATTR_NUMBER)
        return cx__error(CX_EINVAL, "%s: attribute \"%.64s\" is %s; CX_SURVIVE_SUM needs a number", f, def->name,
                         type_name(def->type));
    if (def->survivorship == CX_SURVIVE_CUSTOM && def->merge_fn == NULL)
        return cx__error(CX_EINVAL, "%s: attribute \"%.64s\" uses CX_SURVIVE_CUSTOM without a merge_fn", f, def->name);
    if (cx__hashmap_find(&db->attr_names, def->name, strlen(def->name)) >= 0)
        return cx__error(CX_EEXISTS, "%s: attribute \"%.64s\" is already defined", f, def->name);
    return CX_OK;
}

int cx_customers_define_attribute(cx_customers *db, const cx_attribute_def *def)
{
    CX__CHECK_ARG(db, "cx_customers_define_attribute");
    CX__CHECK_ARG(def, "cx_customers_define_attribute");
    int rc = check_def(db, def);
    if (rc != CX_OK)
        return rc;
    void *defs = db->attr_defs;
    if (cx__grow(&defs, &db->attr_defs_cap, db->attr_names.count + 1, sizeof *db->attr_defs, 8) != CX_OK)
        return cx__nomem("defining an attribute");
    db->attr_defs = defs;
    uint32_t index;
    if (cx__hashmap_intern(&db->attr_names, def->name, strlen(def->name), &index, NULL) != CX_OK)
        return cx__nomem("defining an attribute");
    db->attr_defs[index] = (cx__attr_def){ def->type, def->survivorship, def->merge_fn, def->payload, def->destroy };
    return CX_OK;
}

int cx_customers_find_attribute(size_t *index_out, cx_attr_type *type_out, const cx_customers *db, const char *name)
{
    CX__CHECK_ARG(db, "cx_customers_find_attribute");
    CX__CHECK_ARG(name, "cx_customers_find_attribute");
    int64_t k = cx__hashmap_find(&db->attr_names, name, strlen(name));
    if (k < 0)
        return cx__error(CX_ENOTFOUND, "cx_customers_find_attribute: attribute \"%.64s\" is not defined", name);
    if (index_out)
        *index_out = (size_t)k;
    if (type_out)
        *type_out = db->attr_defs[k].type;
    return CX_OK;
}

/* ---- values ------------------------------------------------------------ */

static cx__attr_entry *find_entry(const cx__attr_list *l, uint32_t attr, uint32_t *pos)
{
    uint32_t i = 0;
    while (i < l->count && l->items[i].attr < attr)
        i++;
    if (pos)
        *pos = i;
    return i < l->count && l->items[i].attr == attr ? &l->items[i] : NULL;
}

static int ensure_lists(cx_customers *db)
{
    if (db->attrs != NULL)
        return CX_OK;
    db->attrs = cx__calloc(db->cust_cap ? db->cust_cap : 1, sizeof *db->attrs);
    return db->attrs ? CX_OK : cx__nomem("storing attributes");
}

static int insert_entry(cx__attr_list *l, uint32_t pos, const cx__attr_entry *e)
{
    void *items = l->items;
    size_t cap = l->cap;
    if (cx__grow(&items, &cap, (size_t)l->count + 1, sizeof *l->items, 2) != CX_OK)
        return cx__nomem("storing an attribute");
    l->items = items;
    l->cap = (uint32_t)cap;
    memmove(&l->items[pos + 1], &l->items[pos], (l->count - pos) * sizeof *l->items);
    l->items[pos] = *e;
    l->count++;
    return CX_OK;
}

/* Looks up the customer and the attribute and checks the value's type. */
static int resolve_target(const cx_customers *db, const char *id, const char *name, cx_attr_type type,
                          const char *func, uint32_t *root, uint32_t *attr)
{
    char where[64];
    snprintf(where, sizeof where, "%s: ", func);
    uint32_t index;
    int rc = cx__customer_lookup(db, id, &index, where);
    if (rc != CX_OK)
        return rc;
    CX__CHECK_ARG(name, func);
    int64_t k = cx__hashmap_find(&db->attr_names, name, strlen(name));
    if (k < 0)
        return cx__error(CX_ENOTFOUND, "%s: attribute \"%.64s\" is not defined", func, name);
    if (type != 0 && db->attr_defs[k].type != type)
        return cx__error(CX_EINVAL, "%s: attribute \"%.64s\" is %s; cannot set it to %s", func, name,
                         type_name(db->attr_defs[k].type), type_name(type));
    *root = cx__customer_root(db, index);
    *attr = (uint32_t)k;
    return CX_OK;
}

static int set_entry(cx_customers *db, uint32_t root, cx__attr_entry *e)
{
    int rc = ensure_lists(db);
    if (rc != CX_OK)
        return rc;
    cx__attr_list *l = &db->attrs[root];
    uint32_t pos;
    cx__attr_entry *old = find_entry(l, e->attr, &pos);
    if (old != NULL) {
        *old = *e;
        return CX_OK;
    }
    return insert_entry(l, pos, e);
}

static int set_value(cx_customers *db, const char *id, const char *name, cx_attr_type type, cx__attr_entry *e,
                     const char *func)
{
    uint32_t root;
    int rc = resolve_target(db, id, name, type, func, &root, &e->attr);
    if (rc != CX_OK)
        return rc;
    e->merge_id = 0;
    return set_entry(db, root, e);
}

int cx_customers_set_number(cx_customers *db, const char *id, const char *name, double value, int64_t updated_ms)
{
    CX__CHECK_ARG(db, "cx_customers_set_number");
    if (!isfinite(value))
        return cx__error(CX_ERANGE, "cx_customers_set_number: attribute \"%.64s\": value %g is not finite",
                         name ? name : "(null)", value);
    cx__attr_entry e = { 0, 0, updated_ms, { .number = value } };
    return set_value(db, id, name, CX_ATTR_NUMBER, &e, "cx_customers_set_number");
}

int cx_customers_set_bool(cx_customers *db, const char *id, const char *name, int value, int64_t updated_ms)
{
    CX__CHECK_ARG(db, "cx_customers_set_bool");
    cx__attr_entry e = { 0, 0, updated_ms, { .boolean = value != 0 } };
    return set_value(db, id, name, CX_ATTR_BOOL, &e, "cx_customers_set_bool");
}

int cx_customers_set_timestamp(cx_customers *db, const char *id, const char *name, int64_t value, int64_t updated_ms)
{
    CX__CHECK_ARG(db, "cx_customers_set_timestamp");
    cx__attr_entry e = { 0, 0, updated_ms, { .time = value } };
    return set_value(db, id, name, CX_ATTR_TIMESTAMP, &e, "cx_customers_set_timestamp");
}

static int intern_string(cx_customers *db, const char *s, uint32_t *index, const char *func)
{
    size_t n = strlen(s), bad;
    if (!cx__utf8_valid(s, n, &bad))
        return cx__error(CX_EINVAL, "%s: string value is not valid UTF-8 (byte %zu)", func, bad);
    if (cx__hashmap_intern(&db->strings, s, n, index, NULL) != CX_OK)
        return cx__nomem("storing a string attribute");
    return CX_OK;
}

int cx_customers_set_string(cx_customers *db, const char *id, const char *name, const char *value, int64_t updated_ms)
{
    const char *f = "cx_customers_set_string";
    CX__CHECK_ARG(db, f);
    CX__CHECK_ARG(value, f);
    uint32_t root, attr, str;
    int rc = resolve_target(db, id, name, CX_ATTR_STRING, f, &root, &attr);
    if (rc == CX_OK)
        rc = intern_string(db, value, &str, f); /* a pooled string nobody uses is harmless */
    if (rc != CX_OK)
        return rc;
    cx__attr_entry e = { attr, 0, updated_ms, { .string = str } };
    return set_entry(db, root, &e);
}

int cx_customers_unset_attribute(cx_customers *db, const char *id, const char *name)
{
    CX__CHECK_ARG(db, "cx_customers_unset_attribute");
    uint32_t root, attr, pos;
    int rc = resolve_target(db, id, name, (cx_attr_type)0, "cx_customers_unset_attribute", &root, &attr);
    if (rc != CX_OK || db->attrs == NULL)
        return rc;
    cx__attr_list *l = &db->attrs[root];
    if (find_entry(l, attr, &pos) != NULL) {
        memmove(&l->items[pos], &l->items[pos + 1], (l->count - pos - 1) * sizeof *l->items);
        l->count--;
    }
    return CX_OK;
}

int cx_attr_value_init(cx_attr_value *v, unsigned int version)
{
    CX__CHECK_ARG(v, "cx_attr_value_init");
    int rc = cx__check_version(version, CX_ATTR_VALUE_VERSION, "cx_attr_value");
    if (rc != CX_OK)
        return rc;
    memset(v, 0, sizeof *v);
    v->version = version;
    return CX_OK;
}

static void to_public(const cx_customers *db, const cx__attr_entry *e, cx_attr_value *out)
{
    unsigned int version = out->version;
    memset(out, 0, sizeof *out);
    out->version = version;
    out->type = db->attr_defs[e->attr].type;
    out->updated_ms = e->updated;
    switch (out->type) {
    case CX_ATTR_STRING: out->string = cx__hashmap_key(&db->strings, e->v.string, NULL); break;
    case CX_ATTR_NUMBER: out->number = e->v.number; break;
    case CX_ATTR_BOOL: out->boolean = e->v.boolean; break;
    case CX_ATTR_TIMESTAMP: out->timestamp_ms = e->v.time; break;
    }
}

static int get_entry(cx_attr_value *out, const cx_customers *db, uint32_t index, uint32_t attr, const char *func)
{
    uint32_t root = cx__customer_root(db, index);
    const cx__attr_entry *e = db->attrs ? find_entry(&db->attrs[root], attr, NULL) : NULL;
    if (e == NULL)
        return cx__error(CX_ENOTFOUND, "%s: customer \"%.64s\" has no value for attribute \"%.64s\"", func,
                         cx__hashmap_key(&db->ids, index, NULL), cx__hashmap_key(&db->attr_names, attr, NULL));
    to_public(db, e, out);
    return CX_OK;
}

int cx_customers_get_attribute(cx_attr_value *out, const cx_customers *db, const char *id, const char *name)
{
    const char *f = "cx_customers_get_attribute";
    CX__CHECK_ARG(out, f);
    CX__CHECK_ARG(db, f);
    int rc = cx__check_version(out->version, CX_ATTR_VALUE_VERSION, "cx_attr_value");
    uint32_t root, attr, index;
    if (rc == CX_OK)
        rc = resolve_target(db, id, name, (cx_attr_type)0, f, &root, &attr);
    if (rc != CX_OK)
        return rc;
    cx__customer_lookup(db, id, &index, "");
    return get_entry(out, db, index, attr, f);
}

int cx_customers_get_attribute_at(cx_attr_value *out, const cx_customers *db, size_t index, size_t attribute)
{
    const char *f = "cx_customers_get_attribute_at";
    CX__CHECK_ARG(out, f);
    CX__CHECK_ARG(db, f);
    int rc = cx__check_version(out->version, CX_ATTR_VALUE_VERSION, "cx_attr_value");
    if (rc != CX_OK)
        return rc;
    if (index >= db->ids.count)
        return cx__error(CX_ENOTFOUND, "%s: record %zu is past the end (%zu records)", f, index, db->ids.count);
    if (attribute >= db->attr_names.count)
        return cx__error(CX_ENOTFOUND, "%s: attribute %zu is past the end (%zu defined)", f, attribute,
                         db->attr_names.count);
    return get_entry(out, db, (uint32_t)index, (uint32_t)attribute, f);
}

/* ---- survivorship ------------------------------------------------------ */

static int run_custom(cx_customers *db, const cx__attr_def *def, const cx__attr_entry *s, const cx__attr_entry *a,
                      cx__attr_entry *out)
{
    const char *name = cx__hashmap_key(&db->attr_names, s->attr, NULL);
    cx_attr_value vs = CX_ATTR_VALUE_INIT, va = CX_ATTR_VALUE_INIT, vo = CX_ATTR_VALUE_INIT;
    to_public(db, s, &vs);
    to_public(db, a, &va);
    vo = vs;
    int rc = def->merge_fn(&vo, &vs, &va, def->payload);
    if (rc != CX_OK)
        return cx__error(rc < 0 ? rc : CX_EINVAL, "cx_customers_merge: the survivorship rule of attribute \"%.64s\" "
                         "failed with status %d", name, rc);
    if (vo.type != def->type)
        return cx__error(CX_EINVAL, "cx_customers_merge: the survivorship rule of attribute \"%.64s\" returned %s, "
                         "not %s", name, type_name(vo.type), type_name(def->type));
    out->attr = s->attr;
    out->updated = vo.updated_ms;
    switch (def->type) {
    case CX_ATTR_STRING:
        if (vo.string == NULL)
            return cx__error(CX_EINVAL, "cx_customers_merge: the survivorship rule of attribute \"%.64s\" returned a "
                             "NULL string", name);
        return intern_string(db, vo.string, &out->v.string, "cx_customers_merge");
    case CX_ATTR_NUMBER:
        if (!isfinite(vo.number))
            return cx__error(CX_ERANGE, "cx_customers_merge: the survivorship rule of attribute \"%.64s\" returned "
                             "%g, not a finite number", name, vo.number);
        out->v.number = vo.number;
        return CX_OK;
    case CX_ATTR_BOOL: out->v.boolean = vo.boolean != 0; return CX_OK;
    default: out->v.time = vo.timestamp_ms; return CX_OK;
    }
}

/* Resolves a value both ids have; *changed is false when the survivor's stays. */
static int resolve_pair(cx_customers *db, const cx__attr_entry *s, const cx__attr_entry *a, cx__attr_entry *out,
                        bool *changed)
{
    const cx__attr_def *def = &db->attr_defs[s->attr];
    *out = *s;
    *changed = false;
    switch (def->survivorship) {
    case CX_SURVIVE_MOST_RECENT:
        *changed = a->updated > s->updated;
        break;
    case CX_SURVIVE_OLDEST:
        *changed = a->updated < s->updated;
        break;
    case CX_SURVIVE_NON_EMPTY:
        *changed = def->type == CX_ATTR_STRING && cx__hashmap_key(&db->strings, s->v.string, NULL)[0] == '\0';
        break;
    case CX_SURVIVE_SUM:
        out->v.number = s->v.number + a->v.number;
        out->updated = s->updated > a->updated ? s->updated : a->updated;
        *changed = true;
        if (!isfinite(out->v.number))
            return cx__error(CX_ERANGE, "cx_customers_merge: attribute \"%.64s\": the sum %g + %g overflows",
                             cx__hashmap_key(&db->attr_names, s->attr, NULL), s->v.number, a->v.number);
        return CX_OK;
    default:
        *changed = true;
        return run_custom(db, def, s, a, out);
    }
    if (*changed)
        *out = *a;
    return CX_OK;
}

static int append_entry(cx__attr_list *l, const cx__attr_entry *e)
{
    return insert_entry(l, l->count, e);
}

int cx__attrs_merge(cx_customers *db, uint32_t survivor, uint32_t absorbed, uint32_t merge_id, cx__attr_list *out)
{
    memset(out, 0, sizeof *out);
    if (db->attrs == NULL)
        return CX_OK;
    const cx__attr_list *s = &db->attrs[survivor], *a = &db->attrs[absorbed];
    uint32_t i = 0, j = 0;
    int rc = CX_OK;
    while (rc == CX_OK && (i < s->count || j < a->count)) {
        cx__attr_entry e;
        bool changed = true;
        if (j == a->count || (i < s->count && s->items[i].attr < a->items[j].attr)) {
            e = s->items[i++];
            changed = false;
        } else if (i == s->count || a->items[j].attr < s->items[i].attr) {
            e = a->items[j++];
        } else {
            rc = resolve_pair(db, &s->items[i++], &a->items[j++], &e, &changed);
        }
        if (changed)
            e.merge_id = merge_id;
        if (rc == CX_OK)
            rc = append_entry(out, &e);
    }
    if (rc != CX_OK)
        cx__attr_list_free(out);
    return rc;
}

int cx__attrs_unmerge(const cx_customers *db, const cx__attr_list *current, const cx__attr_list *before,
                      uint32_t merge_id, cx__attr_list *out)
{
    (void)db;
    memset(out, 0, sizeof *out);
    int rc = CX_OK;
    for (uint32_t i = 0; i < current->count && rc == CX_OK; i++) {
        const cx__attr_entry *e = &current->items[i];
        if (e->merge_id == merge_id)
            e = find_entry(before, e->attr, NULL); /* the value from before, or none */
        if (e != NULL)
            rc = append_entry(out, e);
    }
    if (rc != CX_OK)
        cx__attr_list_free(out);
    return rc;
}
