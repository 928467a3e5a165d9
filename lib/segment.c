/*
 * Segments: named conditions over attributes and signals (compiled by
 * segment_parse.c) or rules, membership, and per-segment calculators.
 * Attributes are bound to the customer set at each evaluation: their
 * names, types and the literals they are compared with are checked once,
 * before any customer is looked at.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core_internal.h"
#include "hashmap_internal.h"
#include "segment_internal.h"

typedef struct seg_def {
    bool is_rule;
    seg_expr expr;
    char *rule_id;
    cx_rule_fn fn;
    void *payload;
    void (*destroy)(void *payload);
    double threshold;
} seg_def;

struct cx_segments {
    cx__hashmap names;
    seg_def *defs;
    size_t cap;
};

int cx_segments_new(cx_segments **out)
{
    CX__CHECK_ARG(out, "cx_segments_new");
    *out = cx__calloc(1, sizeof **out);
    if (*out == NULL)
        return cx__nomem("creating segments");
    cx__hashmap_init(&(*out)->names);
    return CX_OK;
}

void cx_segments_free(cx_segments *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->names.count; i++) {
        seg_def *d = &s->defs[i];
        cx__segment_expr_free(&d->expr);
        if (d->destroy)
            d->destroy(d->payload);
        cx__free(d->rule_id);
    }
    cx__free(s->defs);
    cx__hashmap_destroy(&s->names);
    cx__free(s);
}

static int check_segment_name(const cx_segments *s, const char *name, const char *func)
{
    if (name == NULL)
        return cx__error(CX_EINVAL, "%s: segment name is NULL", func);
    size_t n = strnlen(name, CX_SEGMENT_NAME_MAX + 1), bad;
    if (n == 0 || n > CX_SEGMENT_NAME_MAX)
        return cx__error(CX_EINVAL, "%s: segment name \"%.32s\" must be 1..%d bytes", func, name, CX_SEGMENT_NAME_MAX);
    if (!cx__utf8_valid(name, n, &bad))
        return cx__error(CX_EINVAL, "%s: segment name is not valid UTF-8 (byte %zu)", func, bad);
    if (cx__hashmap_find(&s->names, name, n) >= 0)
        return cx__error(CX_EEXISTS, "%s: segment \"%.64s\" is already defined", func, name);
    return CX_OK;
}

/* Adds a definition under `name`; on failure the definition stays the caller's. */
static int add_def(cx_segments *s, const char *name, const seg_def *def)
{
    void *defs = s->defs;
    if (cx__grow(&defs, &s->cap, s->names.count + 1, sizeof *s->defs, 8) != CX_OK)
        return cx__nomem("defining a segment");
    s->defs = defs;
    uint32_t index;
    if (cx__hashmap_intern(&s->names, name, strlen(name), &index, NULL) != CX_OK)
        return cx__nomem("defining a segment");
    s->defs[index] = *def;
    return CX_OK;
}

int cx_segments_define(cx_segments *s, const char *name, const char *expression)
{
    const char *f = "cx_segments_define";
    CX__CHECK_ARG(s, f);
    CX__CHECK_ARG(expression, f);
    int rc = check_segment_name(s, name, f);
    if (rc != CX_OK)
        return rc;
    if (strnlen(expression, CX_SEGMENT_EXPRESSION_MAX + 1) > CX_SEGMENT_EXPRESSION_MAX)
        return cx__error(CX_EINVAL, "%s: segment \"%.64s\": expression is longer than %d bytes", f, name,
                         CX_SEGMENT_EXPRESSION_MAX);
    seg_def def = { 0 };
    if ((rc = cx__segment_parse(expression, name, &def.expr)) != CX_OK)
        return rc;
    if ((rc = add_def(s, name, &def)) != CX_OK)
        cx__segment_expr_free(&def.expr);
    return rc;
}

int cx_segments_define_rule(cx_segments *s, const char *name, const cx_rule *rule, double threshold)
{
    const char *f = "cx_segments_define_rule";
    CX__CHECK_ARG(s, f);
    CX__CHECK_ARG(rule, f);
    int rc = check_segment_name(s, name, f);
    if (rc == CX_OK)
        rc = cx__check_version(rule->version, CX_RULE_VERSION, "cx_rule");
    if (rc != CX_OK)
        return rc;
    if (rule->fn == NULL)
        return cx__error(CX_EINVAL, "%s: segment \"%.64s\": the rule has no function", f, name);
    if (!(threshold >= 0 && threshold <= 1))
        return cx__error(CX_ERANGE, "%s: segment \"%.64s\": threshold %g is outside 0..1", f, name, threshold);
    seg_def def = { .is_rule = true, .fn = rule->fn, .payload = rule->payload, .destroy = rule->destroy,
                    .threshold = threshold };
    def.rule_id = cx__strdup(rule->id ? rule->id : name);
    if (def.rule_id == NULL)
        return cx__nomem("defining a segment");
    if ((rc = add_def(s, name, &def)) != CX_OK)
        cx__free(def.rule_id);
    return rc;
}

int cx_segments_count(size_t *out, const cx_segments *s)
{
    CX__CHECK_ARG(out, "cx_segments_count");
    CX__CHECK_ARG(s, "cx_segments_count");
    *out = s->names.count;
    return CX_OK;
}

int cx_segments_get_name(const char **out, const cx_segments *s, size_t index)
{
    CX__CHECK_ARG(out, "cx_segments_get_name");
    CX__CHECK_ARG(s, "cx_segments_get_name");
    if (index >= s->names.count)
        return cx__error(CX_ENOTFOUND, "cx_segments_get_name: segment %zu is past the end (%zu segments)", index,
                         s->names.count);
    *out = cx__hashmap_key(&s->names, (uint32_t)index, NULL);
    return CX_OK;
}

/* ---- binding attributes ---------------------------------------------------- */

/* What a leaf is compared with, resolved against one customer set. */
typedef struct attr_binding {
    size_t attr;
    cx_attr_type type;
    double *numbers;       /* literals as numbers (numbers, booleans, times) */
} attr_binding;

typedef struct bound {
    const seg_def *def;
    const char *name;
    attr_binding *b;       /* per node */
} bound;

static void unbind(bound *bd)
{
    if (bd->b != NULL)
        for (size_t i = 0; i < bd->def->expr.count; i++)
            cx__free(bd->b[i].numbers);
    cx__free(bd->b);
    bd->b = NULL;
}

static const char *attr_type_word(cx_attr_type t)
{
    static const char *const words[] = { "?", "a string", "a number", "a boolean", "a timestamp" };
    return t >= CX_ATTR_STRING && t <= CX_ATTR_TIMESTAMP ? words[t] : words[0];
}

static int literal_mismatch(const bound *bd, const seg_node *n, cx_attr_type type, const char *needs)
{
    return cx__error(CX_EINVAL, "segment \"%.64s\": at byte %zu: attr.%.64s is %s; %s", bd->name, n->offset, n->attr,
                     attr_type_word(type), needs);
}

static int convert_literal(const bound *bd, const seg_node *n, const seg_literal *lit, cx_attr_type type, double *out)
{
    switch (type) {
    case CX_ATTR_STRING:
        return lit->type == SEG_LIT_STRING ? CX_OK : literal_mismatch(bd, n, type, "compare it with 'text'");
    case CX_ATTR_NUMBER:
        *out = lit->number;
        return lit->type == SEG_LIT_NUMBER ? CX_OK : literal_mismatch(bd, n, type, "compare it with a number");
    case CX_ATTR_BOOL:
        *out = lit->number;
        if (n->kind == SEG_BETWEEN || (n->kind == SEG_COMPARE && n->op != SEG_EQ && n->op != SEG_NE))
            return literal_mismatch(bd, n, type, "only = and != (or 'in') apply");
        if (lit->type == SEG_LIT_BOOL || (lit->type == SEG_LIT_NUMBER && (lit->number == 0 || lit->number == 1)))
            return CX_OK;
        return literal_mismatch(bd, n, type, "compare it with true or false");
    default: {
        int64_t ms;
        if (lit->type == SEG_LIT_NUMBER) {
            *out = lit->number;
            return CX_OK;
        }
        if (lit->type == SEG_LIT_STRING && cx__segment_parse_date(lit->string, &ms)) {
            *out = (double)ms;
            return CX_OK;
        }
        return literal_mismatch(bd, n, type, "compare it with milliseconds or a date 'YYYY-MM-DD'");
    }
    }
}

static int bind_signal(const seg_node *n, attr_binding *b)
{
    b->numbers = cx__calloc(n->nlits ? n->nlits : 1, sizeof *b->numbers);
    if (b->numbers == NULL)
        return cx__nomem("evaluating a segment");
    for (size_t k = 0; k < n->nlits; k++)
        b->numbers[k] = n->lits[k].number; /* converted when parsed */
    return CX_OK;
}

static int bind_node(bound *bd, const cx_customers *db, const seg_node *n, attr_binding *b)
{
    if (n->signal != NULL)
        return bind_signal(n, b);
    int rc = cx_customers_find_attribute(&b->attr, &b->type, db, n->attr);
    if (rc != CX_OK)
        return cx__error(CX_ENOTFOUND, "segment \"%.64s\": attribute \"%.64s\" is not defined in the customer set",
                         bd->name, n->attr);
    if (n->kind == SEG_TRUTH && b->type != CX_ATTR_BOOL)
        return literal_mismatch(bd, n, b->type, "compare it with a value (only booleans stand alone)");
    b->numbers = cx__calloc(n->nlits ? n->nlits : 1, sizeof *b->numbers);
    if (b->numbers == NULL)
        return cx__nomem("evaluating a segment");
    for (size_t k = 0; k < n->nlits && rc == CX_OK; k++)
        rc = convert_literal(bd, n, &n->lits[k], b->type, &b->numbers[k]);
    return rc;
}

static int bind(bound *bd, const cx_segments *s, size_t index, const cx_customers *db)
{
    bd->def = &s->defs[index];
    bd->name = cx__hashmap_key(&s->names, (uint32_t)index, NULL);
    bd->b = NULL;
    if (bd->def->is_rule)
        return CX_OK;
    const seg_expr *e = &bd->def->expr;
    bd->b = cx__calloc(e->count ? e->count : 1, sizeof *bd->b);
    if (bd->b == NULL)
        return cx__nomem("evaluating a segment");
    int rc = CX_OK;
    for (size_t i = 0; i < e->count && rc == CX_OK; i++)
        if (e->nodes[i].attr != NULL || e->nodes[i].signal != NULL)
            rc = bind_node(bd, db, &e->nodes[i], &bd->b[i]);
    if (rc != CX_OK)
        unbind(bd);
    return rc;
}

/* ---- evaluating -------------------------------------------------------------- */

typedef struct subject {
    const cx_customers *db;
    size_t index;
    const char *id;
    const cx_customer_signals *signals;
} subject;

static bool compare(seg_op op, double a, double b)
{
    switch (op) {
    case SEG_EQ: return a == b;
    case SEG_NE: return a != b;
    case SEG_LT: return a < b;
    case SEG_LE: return a <= b;
    case SEG_GT: return a > b;
    default: return a >= b;
    }
}

/* A leaf over a value read as a double (signals, numbers, booleans, times). */
static bool leaf_number(const seg_node *n, double x, const double *numbers)
{
    if (isnan(x))
        return false;
    switch (n->kind) {
    case SEG_EXISTS: return true;
    case SEG_TRUTH: return x != 0;
    case SEG_COMPARE: return compare(n->op, x, numbers[0]);
    case SEG_BETWEEN: return x >= numbers[0] && x <= numbers[1];
    default: {
        bool found = false;
        for (size_t k = 0; k < n->nlits && !found; k++)
            found = x == numbers[k];
        return found != n->negate;
    }
    }
}

static bool leaf_string(const seg_node *n, const char *x)
{
    switch (n->kind) {
    case SEG_EXISTS: return true;
    case SEG_COMPARE: return compare(n->op, strcmp(x, n->lits[0].string), 0);
    case SEG_BETWEEN: return strcmp(x, n->lits[0].string) >= 0 && strcmp(x, n->lits[1].string) <= 0;
    default: {
        bool found = false;
        for (size_t k = 0; k < n->nlits && !found; k++)
            found = strcmp(x, n->lits[k].string) == 0;
        return found != n->negate;
    }
    }
}

static bool leaf_attr(const subject *sj, const seg_node *n, const attr_binding *b)
{
    cx_attr_value v = CX_ATTR_VALUE_INIT;
    if (cx_customers_get_attribute_at(&v, sj->db, sj->index, b->attr) != CX_OK)
        return false; /* not set: every comparison is false */
    switch (b->type) {
    case CX_ATTR_STRING: return leaf_string(n, v.string);
    case CX_ATTR_NUMBER: return leaf_number(n, v.number, b->numbers);
    case CX_ATTR_BOOL: return leaf_number(n, v.boolean, b->numbers);
    default: return leaf_number(n, (double)v.timestamp_ms, b->numbers);
    }
}

static bool eval_node(const bound *bd, const subject *sj, int i)
{
    const seg_node *n = &bd->def->expr.nodes[i];
    switch (n->kind) {
    case SEG_AND: return eval_node(bd, sj, n->left) && eval_node(bd, sj, n->right);
    case SEG_OR: return eval_node(bd, sj, n->left) || eval_node(bd, sj, n->right);
    case SEG_NOT: return !eval_node(bd, sj, n->left);
    default: break;
    }
    if (n->signal != NULL)
        return leaf_number(n, cx__segment_signal(n->signal, sj->signals), bd->b[i].numbers);
    return leaf_attr(sj, n, &bd->b[i]);
}

static int eval_rule(const bound *bd, const subject *sj, int64_t as_of, bool *member)
{
    const seg_def *d = bd->def;
    cx_rule_context ctx = { CX_RULE_CONTEXT_VERSION, sj->signals, sj->db, sj->id, sj->index, as_of };
    cx_rule_output out = { CX_RULE_OUTPUT_VERSION, 0.0, NAN, NAN, CX_TIME_NONE, NULL, 0 };
    int rc = d->fn(&out, &ctx, d->payload);
    if (rc != CX_OK)
        return cx__error(rc < 0 ? rc : CX_EPLUGIN, "segment \"%.64s\": rule \"%.64s\" failed with status %d for "
                         "customer \"%.64s\"", bd->name, d->rule_id, rc, sj->id);
    if (!(out.value >= 0 && out.value <= 1))
        return cx__error(CX_ERANGE, "segment \"%.64s\": rule \"%.64s\" returned %g for customer \"%.64s\", outside "
                         "0..1", bd->name, d->rule_id, out.value, sj->id);
    *member = out.value >= d->threshold;
    return CX_OK;
}

/* Membership of one seen customer; signals are computed only when needed. */
static int member_of(const bound *bd, const cx_customers *db, size_t index, int64_t as_of, bool *member)
{
    cx_customer_signals s = CX_CUSTOMER_SIGNALS_INIT;
    subject sj = { db, index, NULL, &s };
    cx_customers_get_id(&sj.id, db, index);
    if (bd->def->is_rule || bd->def->expr.uses_signals) {
        int rc = cx_customers_get_signals_at(&s, db, index, as_of);
        if (rc != CX_OK)
            return rc;
    }
    if (bd->def->is_rule)
        return eval_rule(bd, &sj, as_of, member);
    *member = eval_node(bd, &sj, bd->def->expr.root);
    return CX_OK;
}

static int find_segment(const cx_segments *s, const char *name, const char *func, size_t *index)
{
    if (name == NULL)
        return cx__error(CX_EINVAL, "%s: segment name is NULL", func);
    int64_t k = cx__hashmap_find(&s->names, name, strlen(name));
    if (k < 0)
        return cx__error(CX_ENOTFOUND, "%s: no segment \"%.64s\"", func, name);
    *index = (size_t)k;
    return CX_OK;
}

/* True for a record that answers for itself and was seen by `as_of`. */
static bool scoreable(const cx_customers *db, size_t index, int64_t as_of)
{
    cx_customer_profile p = CX_CUSTOMER_PROFILE_INIT;
    cx_customers_get_profile_at(&p, db, index);
    return p.merged_into == NULL && p.first_seen_ms != CX_TIME_NONE && as_of >= p.first_seen_ms;
}

static int evaluate_all(uint8_t *member_out, const bound *bd, const cx_customers *db, size_t n, int64_t as_of)
{
    for (size_t i = 0; i < n; i++) {
        bool member = false;
        if (scoreable(db, i, as_of)) {
            int rc = member_of(bd, db, i, as_of, &member);
            if (rc != CX_OK)
                return rc;
        }
        member_out[i] = member;
    }
    return CX_OK;
}

int cx_segments_evaluate(uint8_t *member_out, size_t cap, const cx_segments *s, const char *name,
                         const cx_customers *db, int64_t as_of_ms)
{
    const char *f = "cx_segments_evaluate";
    CX__CHECK_ARG(member_out, f);
    CX__CHECK_ARG(s, f);
    CX__CHECK_ARG(db, f);
    size_t k = 0, n = 0;
    int rc = find_segment(s, name, f, &k);
    if (rc != CX_OK)
        return rc;
    cx_customers_count(&n, db);
    if (cap < n)
        return cx__error(CX_EINVAL, "%s: member_out holds %zu bytes but the set has %zu records", f, cap, n);
    bound bd;
    if ((rc = bind(&bd, s, k, db)) != CX_OK)
        return rc;
    rc = evaluate_all(member_out, &bd, db, n, as_of_ms);
    unbind(&bd);
    return rc;
}

int cx_segments_match(uint8_t *member_out, size_t cap, const cx_segments *s, const cx_customers *db, const char *id,
                      int64_t as_of_ms)
{
    const char *f = "cx_segments_match";
    CX__CHECK_ARG(member_out, f);
    CX__CHECK_ARG(s, f);
    CX__CHECK_ARG(db, f);
    if (cap < s->names.count)
        return cx__error(CX_EINVAL, "%s: member_out holds %zu bytes but there are %zu segments", f, cap,
                         s->names.count);
    size_t index;
    cx_customer_profile p = CX_CUSTOMER_PROFILE_INIT;
    int rc = cx_customers_find(&index, db, id);
    if (rc == CX_OK)
        rc = cx_customers_get_profile_at(&p, db, index);
    if (rc != CX_OK)
        return rc;
    if (p.first_seen_ms == CX_TIME_NONE || as_of_ms < p.first_seen_ms)
        return cx__error(CX_EEMPTY, "%s: customer \"%.64s\" was not yet seen at %lld ms", f, id, (long long)as_of_ms);
    for (size_t k = 0; k < s->names.count && rc == CX_OK; k++) {
        bound bd;
        bool member = false;
        if ((rc = bind(&bd, s, k, db)) != CX_OK)
            break;
        rc = member_of(&bd, db, index, as_of_ms, &member);
        member_out[k] = member;
        unbind(&bd);
    }
    return rc;
}

/* ---- per-segment calculators ------------------------------------------------ */

typedef struct answers {
    const char **segments;
    int64_t *times;
    double *values;
    size_t n, cap;
    const char *segment;   /* the segment being collected */
    cx_event_kind kind;
} answers;

static void answers_free(answers *a)
{
    cx__free(a->segments);
    cx__free(a->times);
    cx__free(a->values);
}

static int collect(size_t record, int64_t t, cx_event_kind kind, double value, void *payload)
{
    (void)record;
    answers *a = payload;
    if (kind != a->kind)
        return CX_OK;
    if (a->n == a->cap) {
        size_t cap = a->cap ? 2 * a->cap : 256;
        void *p;
        if ((p = cx__reallocarray(a->segments, cap, sizeof *a->segments)) == NULL)
            return cx__nomem("collecting answers");
        a->segments = p;
        if ((p = cx__reallocarray(a->times, cap, sizeof *a->times)) == NULL)
            return cx__nomem("collecting answers");
        a->times = p;
        if ((p = cx__reallocarray(a->values, cap, sizeof *a->values)) == NULL)
            return cx__nomem("collecting answers");
        a->values = p;
        a->cap = cap;
    }
    a->segments[a->n] = a->segment;
    a->times[a->n] = t;
    a->values[a->n++] = value;
    return CX_OK;
}

static int collect_segment(const cx_segments *s, size_t k, const cx_customers *db, int64_t as_of, uint8_t *member,
                           size_t n, answers *a)
{
    const char *name = cx__hashmap_key(&s->names, (uint32_t)k, NULL);
    int rc = cx_segments_evaluate(member, n, s, name, db, as_of);
    a->segment = name;
    for (size_t i = 0; i < n && rc == CX_OK; i++) {
        const char *id;
        if (!member[i])
            continue;
        cx_customers_get_id(&id, db, i);
        rc = cx_customers_walk_events(db, id, as_of, collect, a);
    }
    return rc;
}

static int metric_setup(const cx_customers *db, cx_metric_kind kind, cx_metric_options *mo, cx_event_kind *event)
{
    cx_customers_options o = CX_CUSTOMERS_OPTIONS_INIT;
    cx_customers_get_options(&o, db);
    if (!o.keep_history)
        return cx__error(CX_ESTATE, "cx_segments_group needs a customer set created with keep_history");
    switch (kind) {
    case CX_METRIC_NPS: *event = CX_EVENT_NPS; return CX_OK;
    case CX_METRIC_CSAT:
        *event = CX_EVENT_CSAT;
        mo->scale_min = o.csat_min;
        mo->scale_max = o.csat_max;
        if (o.csat_max - o.csat_min < 2) /* 2 points: the top-2 box would be all of it */
            mo->threshold = o.csat_max;
        return CX_OK;
    case CX_METRIC_CES:
        *event = CX_EVENT_CES;
        mo->scale_min = o.ces_min;
        mo->scale_max = o.ces_max;
        return CX_OK;
    default:
        return cx__error(CX_EINVAL, "cx_segments_group: kind %d is not NPS, CSAT or CES", (int)kind);
    }
}

int cx_segments_group(cx_group **out, const cx_segments *s, const cx_customers *db, cx_metric_kind kind,
                      const cx_group_options *opts, int64_t as_of_ms)
{
    const char *f = "cx_segments_group";
    CX__CHECK_ARG(out, f);
    *out = NULL;
    CX__CHECK_ARG(s, f);
    CX__CHECK_ARG(db, f);
    cx_metric_options mo = CX_METRIC_OPTIONS_INIT;
    answers a = { 0 };
    cx_group *g = NULL;
    int rc = metric_setup(db, kind, &mo, &a.kind);
    if (rc == CX_OK)
        rc = cx_group_new(&g, kind, &mo, opts);
    size_t n = 0;
    cx_customers_count(&n, db);
    uint8_t *member = rc == CX_OK ? cx__malloc(n ? n : 1) : NULL;
    if (rc == CX_OK && member == NULL)
        rc = cx__nomem("building per-segment calculators");
    for (size_t k = 0; k < s->names.count && rc == CX_OK; k++)
        rc = collect_segment(s, k, db, as_of_ms, member, n, &a);
    if (rc == CX_OK)
        rc = cx_group_add_many(g, a.segments, a.times, a.values, a.n);
    cx__free(member);
    answers_free(&a);
    if (rc != CX_OK) {
        cx_group_free(g);
        return rc;
    }
    *out = g;
    return CX_OK;
}
