/*
 * Risk models: rules, weights, scoring with evidence decay and isolation of
 * failing rules, bulk scores, top-k lists and explanations.
 */
#include <dlfcn.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_internal.h"
#include "risk_internal.h"

/* ---- options and life cycle -------------------------------------------- */

int cx_risk_options_init(cx_risk_options *opts, unsigned int version)
{
    CX__CHECK_ARG(opts, "cx_risk_options_init");
    int rc = cx__check_version(version, CX_RISK_OPTIONS_VERSION, "cx_risk_options");
    if (rc != CX_OK)
        return rc;
    cx_risk_options defaults = CX_RISK_OPTIONS_INIT;
    *opts = defaults;
    opts->version = version;
    return CX_OK;
}

int cx_rule_init(cx_rule *rule, unsigned int version)
{
    CX__CHECK_ARG(rule, "cx_rule_init");
    int rc = cx__check_version(version, CX_RULE_VERSION, "cx_rule");
    if (rc != CX_OK)
        return rc;
    cx_rule defaults = CX_RULE_INIT;
    *rule = defaults;
    rule->version = version;
    return CX_OK;
}

static int check_risk_options(const cx_risk_options *o)
{
    if (!(o->half_life_days > 0))
        return cx__error(CX_EINVAL, "cx_risk_options: half_life_days %g must be > 0 (INFINITY: evidence never fades)",
                         o->half_life_days);
    if (o->strict != 0 && o->strict != 1)
        return cx__error(CX_EINVAL, "cx_risk_options: strict %d must be 0 or 1", o->strict);
    if (o->builtin_rules != 0 && o->builtin_rules != 1)
        return cx__error(CX_EINVAL, "cx_risk_options: builtin_rules %d must be 0 or 1", o->builtin_rules);
    return CX_OK;
}

static int add_builtins(cx_risk *risk)
{
    const cx_rule *rules[16];
    size_t n = cx__builtin_rule_count();
    for (size_t i = 0; i < n; i++)
        rules[i] = cx__builtin_rule(i);
    return cx__risk_append(risk, rules, n, CX_RULE_BUILTIN, NULL);
}

int cx_risk_new(cx_risk **out, const cx_risk_options *opts)
{
    CX__CHECK_ARG(out, "cx_risk_new");
    *out = NULL;
    cx_risk_options o = CX_RISK_OPTIONS_INIT;
    if (opts != NULL) {
        int rc = cx__check_version(opts->version, CX_RISK_OPTIONS_VERSION, "cx_risk_options");
        if (rc != CX_OK)
            return rc;
        o = *opts;
        o.version = CX_RISK_OPTIONS_VERSION;
    }
    int rc = check_risk_options(&o);
    if (rc != CX_OK)
        return rc;
    cx_risk *risk = cx__calloc(1, sizeof *risk);
    if (risk == NULL)
        return cx__nomem("creating a risk model");
    risk->opts = o;
    risk->lambda = isinf(o.half_life_days) ? 0.0 : log(2.0) / (o.half_life_days * 86400000.0);
    if (o.builtin_rules && (rc = add_builtins(risk)) != CX_OK) {
        cx_risk_free(risk);
        return rc;
    }
    *out = risk;
    return CX_OK;
}

static void free_rule(cx__risk_rule *r)
{
    if (r->destroy)
        r->destroy(r->payload);
    cx__free(r->id);
    cx__free(r->description);
}

void cx_risk_free(cx_risk *risk)
{
    if (risk == NULL)
        return;
    for (size_t i = 0; i < risk->count; i++)
        free_rule(&risk->rules[i]);
    cx__free(risk->rules);
    /* Rules first: their code may live in the plugins. */
    for (size_t i = 0; i < risk->plugin_count; i++) {
        dlclose(risk->plugins[i].handle);
        cx__free(risk->plugins[i].name);
    }
    cx__free(risk->plugins);
    cx__free(risk);
}

/* ---- rules -------------------------------------------------------------- */

bool cx__rule_name_ok(const char *s, size_t max)
{
    size_t n = 0;
    for (; s[n] != '\0'; n++) {
        char c = s[n];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.'
                  || c == ':' || c == '-';
        if (!ok || n >= max)
            return false;
    }
    return n > 0;
}

int cx__rule_check(const cx_rule *rule, const char *where)
{
    int rc = cx__check_version(rule->version, CX_RULE_VERSION, "cx_rule");
    if (rc != CX_OK)
        return cx__error(rc, "%s%s", where, rc == CX_EVERSION ? "rule version is newer than this library supports"
                                                              : "rule version is 0; initialise it with CX_RULE_INIT");
    if (rule->id == NULL || !cx__rule_name_ok(rule->id, CX_RULE_ID_MAX))
        return cx__error(CX_EINVAL, "%srule id \"%.64s\" must be 1..%d bytes of letters, digits and _ . : -", where,
                         rule->id ? rule->id : "(null)", CX_RULE_ID_MAX);
    if (rule->fn == NULL)
        return cx__error(CX_EINVAL, "%srule \"%s\" has no function", where, rule->id);
    if (!isfinite(rule->weight) || rule->weight < 0)
        return cx__error(CX_ERANGE, "%srule \"%s\": weight %g must be finite and >= 0", where, rule->id, rule->weight);
    if (rule->decays != 0 && rule->decays != 1)
        return cx__error(CX_EINVAL, "%srule \"%s\": decays %d must be 0 or 1", where, rule->id, rule->decays);
    return CX_OK;
}

long cx__risk_find(const cx_risk *risk, const char *id)
{
    for (size_t i = 0; i < risk->count; i++)
        if (strcmp(risk->rules[i].id, id) == 0)
            return (long)i;
    return -1;
}

static int check_new_ids(const cx_risk *risk, const cx_rule *const *rules, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (cx__risk_find(risk, rules[i]->id) >= 0)
            return cx__error(CX_EEXISTS, "the model already has a rule \"%s\"", rules[i]->id);
        for (size_t j = 0; j < i; j++)
            if (strcmp(rules[i]->id, rules[j]->id) == 0)
                return cx__error(CX_EEXISTS, "rule id \"%s\" appears twice", rules[i]->id);
    }
    return CX_OK;
}

int cx__risk_append(cx_risk *risk, const cx_rule *const *rules, size_t n, cx_rule_origin origin, const char *plugin)
{
    int rc = check_new_ids(risk, rules, n);
    if (rc != CX_OK)
        return rc;
    void *items = risk->rules;
    if (cx__grow(&items, &risk->cap, risk->count + n, sizeof *risk->rules, 8) != CX_OK)
        return cx__nomem("adding rules");
    risk->rules = items;
    size_t done = 0;
    for (; done < n; done++) {
        const cx_rule *r = rules[done];
        cx__risk_rule *slot = &risk->rules[risk->count + done];
        slot->id = cx__strdup(r->id);
        slot->description = cx__strdup(r->description ? r->description : "");
        if (slot->id == NULL || slot->description == NULL) {
            cx__free(slot->id);
            cx__free(slot->description);
            break;
        }
        slot->weight = r->weight;
        slot->decays = r->decays;
        slot->origin = origin;
        slot->fn = r->fn;
        slot->payload = r->payload;
        slot->destroy = origin == CX_RULE_CALLBACK ? r->destroy : NULL;
        slot->plugin = plugin;
    }
    if (done < n) {
        for (size_t i = 0; i < done; i++) {
            cx__free(risk->rules[risk->count + i].id);
            cx__free(risk->rules[risk->count + i].description);
        }
        return cx__nomem("adding rules");
    }
    risk->count += n;
    return CX_OK;
}

int cx_risk_add_rule(cx_risk *risk, const cx_rule *rule)
{
    CX__CHECK_ARG(risk, "cx_risk_add_rule");
    CX__CHECK_ARG(rule, "cx_risk_add_rule");
    int rc = cx__rule_check(rule, "cx_risk_add_rule: ");
    if (rc != CX_OK)
        return rc;
    return cx__risk_append(risk, &rule, 1, CX_RULE_CALLBACK, NULL);
}

static int find_rule(const cx_risk *risk, const char *id, const char *where, size_t *index)
{
    if (id == NULL)
        return cx__error(CX_EINVAL, "%srule id is NULL", where);
    long k = cx__risk_find(risk, id);
    if (k < 0)
        return cx__error(CX_ENOTFOUND, "%sthe model has no rule \"%.64s\"", where, id);
    *index = (size_t)k;
    return CX_OK;
}

int cx_risk_remove_rule(cx_risk *risk, const char *id)
{
    CX__CHECK_ARG(risk, "cx_risk_remove_rule");
    size_t k;
    int rc = find_rule(risk, id, "cx_risk_remove_rule: ", &k);
    if (rc != CX_OK)
        return rc;
    free_rule(&risk->rules[k]);
    memmove(&risk->rules[k], &risk->rules[k + 1], (risk->count - k - 1) * sizeof *risk->rules);
    risk->count--;
    return CX_OK;
}

int cx_risk_rule_count(size_t *out, const cx_risk *risk)
{
    CX__CHECK_ARG(out, "cx_risk_rule_count");
    CX__CHECK_ARG(risk, "cx_risk_rule_count");
    *out = risk->count;
    return CX_OK;
}

int cx_rule_info_init(cx_rule_info *info, unsigned int version)
{
    CX__CHECK_ARG(info, "cx_rule_info_init");
    int rc = cx__check_version(version, CX_RULE_INFO_VERSION, "cx_rule_info");
    if (rc != CX_OK)
        return rc;
    memset(info, 0, sizeof *info);
    info->version = version;
    return CX_OK;
}

int cx_risk_get_rule(cx_rule_info *out, const cx_risk *risk, size_t index)
{
    CX__CHECK_ARG(out, "cx_risk_get_rule");
    CX__CHECK_ARG(risk, "cx_risk_get_rule");
    int rc = cx__check_version(out->version, CX_RULE_INFO_VERSION, "cx_rule_info");
    if (rc != CX_OK)
        return rc;
    if (index >= risk->count)
        return cx__error(CX_ENOTFOUND, "cx_risk_get_rule: rule %zu is past the end (%zu rules)", index, risk->count);
    const cx__risk_rule *r = &risk->rules[index];
    out->id = r->id;
    out->description = r->description;
    out->weight = r->weight;
    out->decays = r->decays;
    out->origin = r->origin;
    out->plugin = r->plugin;
    return CX_OK;
}

static int check_weight(const char *id, double weight, const char *where)
{
    if (!isfinite(weight) || weight < 0)
        return cx__error(CX_ERANGE, "%srule \"%.64s\": weight %g must be finite and >= 0", where, id, weight);
    return CX_OK;
}

int cx_risk_set_weight(cx_risk *risk, const char *id, double weight)
{
    CX__CHECK_ARG(risk, "cx_risk_set_weight");
    size_t k;
    int rc = find_rule(risk, id, "cx_risk_set_weight: ", &k);
    if (rc == CX_OK)
        rc = check_weight(id, weight, "cx_risk_set_weight: ");
    if (rc == CX_OK)
        risk->rules[k].weight = weight;
    return rc;
}

int cx_risk_set_weights(cx_risk *risk, const char *const *ids, const double *weights, size_t n)
{
    CX__CHECK_ARG(risk, "cx_risk_set_weights");
    if (n == 0)
        return CX_OK;
    CX__CHECK_ARG(ids, "cx_risk_set_weights");
    CX__CHECK_ARG(weights, "cx_risk_set_weights");
    char where[64];
    size_t k;
    for (size_t i = 0; i < n; i++) {
        snprintf(where, sizeof where, "cx_risk_set_weights: items[%zu]: ", i);
        int rc = find_rule(risk, ids[i], where, &k);
        if (rc == CX_OK)
            rc = check_weight(ids[i], weights[i], where);
        if (rc != CX_OK)
            return rc;
    }
    for (size_t i = 0; i < n; i++) {
        find_rule(risk, ids[i], "", &k);
        risk->rules[k].weight = weights[i];
    }
    return CX_OK;
}

/* ---- scoring ----------------------------------------------------------- */

int cx_risk_result_init(cx_risk_result *r, unsigned int version)
{
    CX__CHECK_ARG(r, "cx_risk_result_init");
    int rc = cx__check_version(version, CX_RISK_RESULT_VERSION, "cx_risk_result");
    if (rc != CX_OK)
        return rc;
    memset(r, 0, sizeof *r);
    r->version = version;
    return CX_OK;
}

/* One rule's outcome for one customer. */
typedef struct rule_outcome {
    size_t rule;
    int status;
    bool ran;
    double value, decay, contribution, input, reference;
    int64_t evidence_ms;
    char detail[CX__DETAIL_MAX];
} rule_outcome;

static double decay_of(const cx_risk *risk, const cx__risk_rule *r, int64_t evidence_ms, int64_t as_of)
{
    if (!r->decays || evidence_ms == CX_TIME_NONE || risk->lambda == 0.0 || evidence_ms >= as_of)
        return 1.0;
    return exp(-risk->lambda * (double)(as_of - evidence_ms));
}

/* Classifies a rule's return: CX_OK, or the status that isolates it with a
 * message in `why`. */
static int classify(int rc, double value, char *why, size_t size)
{
    if (rc != CX_OK) {
        int status = rc < 0 ? rc : CX_EPLUGIN;
        snprintf(why, size, "failed with status %d (%s)", rc, cx_strerror(status));
        return status;
    }
    if (isnan(value)) {
        snprintf(why, size, "returned NaN");
        return CX_ERANGE;
    }
    if (value < 0 || value > 1) {
        snprintf(why, size, "returned %g, outside 0..1", value);
        return CX_ERANGE;
    }
    return CX_OK;
}

/* Formats into a fixed buffer where cutting a long line short is fine. */
static void format_detail(char *buf, size_t size, const char *fmt, ...) CX__PRINTF(3, 4);
static void format_detail(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, size, fmt, ap);
    va_end(ap);
}

static int run_rule(const cx_risk *risk, size_t i, const cx_rule_context *ctx, rule_outcome *o, bool explain)
{
    const cx__risk_rule *r = &risk->rules[i];
    cx_rule_output out = { CX_RULE_OUTPUT_VERSION, 0.0, NAN, NAN, CX_TIME_NONE, NULL, 0 };
    if (explain) {
        o->detail[0] = '\0';
        out.detail = o->detail;
        out.detail_cap = sizeof o->detail;
    }
    int rc = r->fn(&out, ctx, r->payload);
    if (explain) /* a rule may fill the buffer to the last byte */
        o->detail[sizeof o->detail - 1] = '\0';
    char why[96];
    o->rule = i;
    o->ran = true;
    o->status = classify(rc, out.value, why, sizeof why);
    o->input = out.input;
    o->reference = out.reference;
    o->evidence_ms = out.evidence_ms;
    if (o->status != CX_OK) {
        o->value = NAN;
        o->decay = NAN;
        if (risk->opts.strict)
            return cx__error(o->status, "rule \"%s\" %s for customer \"%.64s\"", r->id, why, ctx->customer_id);
        if (explain) {
            char rule_text[CX__DETAIL_MAX];
            snprintf(rule_text, sizeof rule_text, "%s", o->detail);
            format_detail(o->detail, sizeof o->detail, "rule %s %s%s%s", r->id, why, rule_text[0] ? ": " : "",
                          rule_text);
        }
        return CX_OK;
    }
    o->value = out.value;
    o->decay = decay_of(risk, r, out.evidence_ms, ctx->as_of_ms);
    return CX_OK;
}

/* Scores record `index`; `outcomes` (one per rule) is filled when explaining. */
static int score_record(const cx_risk *risk, const cx_customers *db, size_t index, int64_t as_of, cx_risk_result *res,
                        rule_outcome *outcomes, bool explain)
{
    cx_customer_signals s = CX_CUSTOMER_SIGNALS_INIT;
    int rc = cx_customers_get_signals_at(&s, db, index, as_of);
    if (rc != CX_OK)
        return rc;
    const char *id;
    cx_customers_get_id(&id, db, index);
    cx_rule_context ctx = { CX_RULE_CONTEXT_VERSION, &s, db, id, index, as_of };
    double weighted = 0.0, total = 0.0;
    size_t used = 0, failed = 0;
    for (size_t i = 0; i < risk->count; i++) {
        const cx__risk_rule *r = &risk->rules[i];
        rule_outcome local, *o = outcomes ? &outcomes[i] : &local;
        memset(o, 0, offsetof(rule_outcome, detail));
        o->rule = i;
        if (r->weight == 0.0) { /* switched off: not run */
            o->value = o->input = o->reference = NAN;
            o->decay = 1.0;
            o->evidence_ms = CX_TIME_NONE;
            if (explain)
                snprintf(o->detail, sizeof o->detail, "switched off (weight 0)");
            continue;
        }
        if ((rc = run_rule(risk, i, &ctx, o, explain)) != CX_OK)
            return rc;
        if (o->status != CX_OK) {
            failed++;
            continue;
        }
        weighted += r->weight * o->value * o->decay;
        total += r->weight;
        used++;
    }
    if (total <= 0.0)
        return cx__error(CX_EEMPTY, "customer \"%.64s\": %s", id,
                         failed ? "every rule with a weight failed, so there is no score"
                                : "no rule has a weight > 0, so there is no score");
    for (size_t i = 0; outcomes && i < risk->count; i++)
        if (outcomes[i].ran && outcomes[i].status == CX_OK)
            outcomes[i].contribution = risk->rules[i].weight * outcomes[i].value * outcomes[i].decay / total;
    unsigned int version = res->version;
    memset(res, 0, sizeof *res);
    res->version = version;
    res->score = weighted / total;
    res->as_of_ms = as_of;
    res->rules = used;
    res->failed = failed;
    res->total_weight = total;
    return CX_OK;
}

int cx_risk_score(cx_risk_result *out, const cx_risk *risk, const cx_customers *db, const char *id, int64_t as_of_ms)
{
    CX__CHECK_ARG(out, "cx_risk_score");
    CX__CHECK_ARG(risk, "cx_risk_score");
    CX__CHECK_ARG(db, "cx_risk_score");
    int rc = cx__check_version(out->version, CX_RISK_RESULT_VERSION, "cx_risk_result");
    size_t index;
    if (rc == CX_OK)
        rc = cx_customers_find(&index, db, id);
    if (rc != CX_OK)
        return rc;
    return score_record(risk, db, index, as_of_ms, out, NULL, false);
}

/* NaN for records that are not scored: ids merged away, customers not yet seen. */
static int score_or_nan(const cx_risk *risk, const cx_customers *db, size_t index, int64_t as_of, double *score)
{
    cx_customer_profile p = CX_CUSTOMER_PROFILE_INIT;
    cx_customers_get_profile_at(&p, db, index);
    if (p.merged_into != NULL || p.first_seen_ms == CX_TIME_NONE || as_of < p.first_seen_ms) {
        *score = NAN;
        return CX_OK;
    }
    cx_risk_result r = CX_RISK_RESULT_INIT;
    int rc = score_record(risk, db, index, as_of, &r, NULL, false);
    *score = r.score;
    return rc;
}

int cx_risk_score_all(double *scores_out, size_t cap, const cx_risk *risk, const cx_customers *db, int64_t as_of_ms)
{
    CX__CHECK_ARG(scores_out, "cx_risk_score_all");
    CX__CHECK_ARG(risk, "cx_risk_score_all");
    CX__CHECK_ARG(db, "cx_risk_score_all");
    size_t n;
    cx_customers_count(&n, db);
    if (cap < n)
        return cx__error(CX_EINVAL, "cx_risk_score_all: scores_out holds %zu scores but the set has %zu records", cap,
                         n);
    for (size_t i = 0; i < n; i++) {
        int rc = score_or_nan(risk, db, i, as_of_ms, &scores_out[i]);
        if (rc != CX_OK)
            return rc;
    }
    return CX_OK;
}

/* ---- top k ---------------------------------------------------------------- */

typedef struct ranked {
    double score;
    size_t index;
} ranked;

/* True when a ranks below b: lower score, or equal score and later record. */
static bool below(const ranked *a, const ranked *b)
{
    return a->score < b->score || (a->score == b->score && a->index > b->index);
}

/* Min-heap of the k best so far: the root is the weakest kept. */
static void sift(ranked *h, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, m = i;
        if (l < n && below(&h[l], &h[m])) m = l;
        if (l + 1 < n && below(&h[l + 1], &h[m])) m = l + 1;
        if (m == i) return;
        ranked t = h[i];
        h[i] = h[m];
        h[m] = t;
        i = m;
    }
}

static size_t select_top(const double *scores, size_t n, size_t k, ranked *heap)
{
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(scores[i]))
            continue;
        ranked r = { scores[i], i };
        if (len < k) { /* sift the newcomer up: O(log k), not a whole heapify */
            size_t j = len++;
            while (j > 0 && below(&r, &heap[(j - 1) / 2])) {
                heap[j] = heap[(j - 1) / 2];
                j = (j - 1) / 2;
            }
            heap[j] = r;
        } else if (below(&heap[0], &r)) {
            heap[0] = r;
            sift(heap, len, 0);
        }
    }
    /* Heap sort into best-first order: repeatedly move the weakest to the end. */
    for (size_t end = len; end > 1; end--) {
        ranked t = heap[0];
        heap[0] = heap[end - 1];
        heap[end - 1] = t;
        sift(heap, end - 1, 0);
    }
    return len;
}

int cx_risk_top(size_t *indices_out, double *scores_out, size_t k, size_t *len, const cx_risk *risk,
                const cx_customers *db, int64_t as_of_ms)
{
    CX__CHECK_ARG(len, "cx_risk_top");
    *len = 0;
    CX__CHECK_ARG(risk, "cx_risk_top");
    CX__CHECK_ARG(db, "cx_risk_top");
    if (k == 0)
        return CX_OK;
    CX__CHECK_ARG(indices_out, "cx_risk_top");
    size_t n;
    cx_customers_count(&n, db);
    if (k > n)
        k = n;
    double *scores = cx__reallocarray(NULL, n ? n : 1, sizeof *scores);
    ranked *heap = cx__reallocarray(NULL, k ? k : 1, sizeof *heap);
    int rc = scores && heap ? cx_risk_score_all(scores, n, risk, db, as_of_ms) : cx__nomem("ranking customers");
    if (rc == CX_OK) {
        size_t got = select_top(scores, n, k, heap);
        for (size_t i = 0; i < got; i++) {
            indices_out[i] = heap[i].index;
            if (scores_out)
                scores_out[i] = heap[i].score;
        }
        *len = got;
    }
    cx__free(scores);
    cx__free(heap);
    return rc;
}

/* ---- explanations -------------------------------------------------------- */

typedef struct evidence_item {
    char *rule_id;
    size_t order;  /* rule's position in the model */
    int status;
    double value, weight, decay, contribution, input, reference;
    int64_t evidence_ms;
    char detail[CX__DETAIL_MAX];
} evidence_item;

struct cx_risk_explanation {
    char *customer;
    cx_risk_result result;
    evidence_item *items;
    size_t count;
};

int cx_risk_evidence_init(cx_risk_evidence *ev, unsigned int version)
{
    CX__CHECK_ARG(ev, "cx_risk_evidence_init");
    int rc = cx__check_version(version, CX_RISK_EVIDENCE_VERSION, "cx_risk_evidence");
    if (rc != CX_OK)
        return rc;
    memset(ev, 0, sizeof *ev);
    ev->version = version;
    return CX_OK;
}

void cx_risk_explanation_free(cx_risk_explanation *e)
{
    if (e == NULL)
        return;
    for (size_t i = 0; i < e->count; i++)
        cx__free(e->items[i].rule_id);
    cx__free(e->items);
    cx__free(e->customer);
    cx__free(e);
}

/* Counted rules by contribution, largest first; then switched-off rules;
 * failed rules last; ties in model order. */
static int rank_of(const evidence_item *x)
{
    return x->status != CX_OK ? 2 : (isnan(x->value) ? 1 : 0);
}

static int compare_evidence(const void *a, const void *b)
{
    const evidence_item *x = a, *y = b;
    int rx = rank_of(x), ry = rank_of(y);
    if (rx != ry)
        return rx < ry ? -1 : 1;
    if (rx == 0 && x->contribution != y->contribution)
        return x->contribution > y->contribution ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

static int build_items(cx_risk_explanation *e, const cx_risk *risk, const rule_outcome *o)
{
    e->items = cx__calloc(risk->count ? risk->count : 1, sizeof *e->items);
    if (e->items == NULL)
        return cx__nomem("explaining a score");
    for (size_t i = 0; i < risk->count; i++, e->count++) {
        evidence_item *it = &e->items[i];
        if ((it->rule_id = cx__strdup(risk->rules[i].id)) == NULL)
            return cx__nomem("explaining a score");
        it->order = i;
        it->status = o[i].status;
        it->value = o[i].value;
        it->weight = risk->rules[i].weight;
        it->decay = o[i].decay;
        it->contribution = o[i].contribution;
        it->input = o[i].input;
        it->reference = o[i].reference;
        it->evidence_ms = o[i].evidence_ms;
        memcpy(it->detail, o[i].detail, sizeof it->detail);
    }
    qsort(e->items, e->count, sizeof *e->items, compare_evidence);
    return CX_OK;
}

int cx_risk_explain(cx_risk_explanation **out, const cx_risk *risk, const cx_customers *db, const char *id,
                    int64_t as_of_ms)
{
    CX__CHECK_ARG(out, "cx_risk_explain");
    *out = NULL;
    CX__CHECK_ARG(risk, "cx_risk_explain");
    CX__CHECK_ARG(db, "cx_risk_explain");
    size_t index;
    int rc = cx_customers_find(&index, db, id);
    if (rc != CX_OK)
        return rc;
    rule_outcome *o = cx__calloc(risk->count ? risk->count : 1, sizeof *o);
    cx_risk_explanation *e = cx__calloc(1, sizeof *e);
    if (o == NULL || e == NULL) {
        cx__free(o);
        cx__free(e);
        return cx__nomem("explaining a score");
    }
    e->result.version = CX_RISK_RESULT_VERSION;
    rc = score_record(risk, db, index, as_of_ms, &e->result, o, true);
    if (rc == CX_OK)
        rc = build_items(e, risk, o);
    if (rc == CX_OK && (e->customer = cx__strdup(id)) == NULL)
        rc = cx__nomem("explaining a score");
    cx__free(o);
    if (rc != CX_OK) {
        cx_risk_explanation_free(e);
        return rc;
    }
    *out = e;
    return CX_OK;
}

int cx_risk_explanation_get_result(cx_risk_result *out, const cx_risk_explanation *e)
{
    CX__CHECK_ARG(out, "cx_risk_explanation_get_result");
    CX__CHECK_ARG(e, "cx_risk_explanation_get_result");
    int rc = cx__check_version(out->version, CX_RISK_RESULT_VERSION, "cx_risk_result");
    if (rc != CX_OK)
        return rc;
    unsigned int version = out->version;
    *out = e->result;
    out->version = version;
    return CX_OK;
}

int cx_risk_explanation_count(size_t *out, const cx_risk_explanation *e)
{
    CX__CHECK_ARG(out, "cx_risk_explanation_count");
    CX__CHECK_ARG(e, "cx_risk_explanation_count");
    *out = e->count;
    return CX_OK;
}

int cx_risk_explanation_get(cx_risk_evidence *out, const cx_risk_explanation *e, size_t index)
{
    CX__CHECK_ARG(out, "cx_risk_explanation_get");
    CX__CHECK_ARG(e, "cx_risk_explanation_get");
    int rc = cx__check_version(out->version, CX_RISK_EVIDENCE_VERSION, "cx_risk_evidence");
    if (rc != CX_OK)
        return rc;
    if (index >= e->count)
        return cx__error(CX_ENOTFOUND, "cx_risk_explanation_get: entry %zu is past the end (%zu entries)", index,
                         e->count);
    const evidence_item *it = &e->items[index];
    out->rule_id = it->rule_id;
    out->status = it->status;
    out->value = it->value;
    out->weight = it->weight;
    out->decay = it->decay;
    out->contribution = it->contribution;
    out->input = it->input;
    out->reference = it->reference;
    out->evidence_ms = it->evidence_ms;
    out->detail = it->detail;
    return CX_OK;
}

/* ---- JSON ---------------------------------------------------------------- */

static int json_number(cx_buffer *b, const char *key, double v)
{
    if (!isfinite(v))
        return cx__buffer_printf(b, ",\"%s\":null", key);
    return cx__buffer_printf(b, ",\"%s\":%.17g", key, v);
}

static int json_evidence(cx_buffer *b, const evidence_item *it)
{
    int rc = cx__buffer_printf(b, "{\"rule\":");
    if (rc == CX_OK) rc = cx__buffer_json_string(b, it->rule_id);
    if (rc == CX_OK && it->status == CX_OK) rc = cx__buffer_printf(b, ",\"status\":null");
    if (rc == CX_OK && it->status != CX_OK) {
        char name[32];
        snprintf(name, sizeof name, "%s", cx_strerror(it->status));
        char *colon = strchr(name, ':');
        if (colon) *colon = '\0';
        rc = cx__buffer_printf(b, ",\"status\":\"%s\"", name);
    }
    if (rc == CX_OK) rc = json_number(b, "value", it->value);
    if (rc == CX_OK) rc = json_number(b, "weight", it->weight);
    if (rc == CX_OK) rc = json_number(b, "decay", it->decay);
    if (rc == CX_OK) rc = json_number(b, "contribution", it->status == CX_OK ? it->contribution : NAN);
    if (rc == CX_OK) rc = json_number(b, "input", it->input);
    if (rc == CX_OK) rc = json_number(b, "reference", it->reference);
    if (rc == CX_OK)
        rc = it->evidence_ms == CX_TIME_NONE ? cx__buffer_printf(b, ",\"evidence_ms\":null")
                                             : cx__buffer_printf(b, ",\"evidence_ms\":%lld", (long long)it->evidence_ms);
    if (rc == CX_OK) rc = cx__buffer_printf(b, ",\"detail\":");
    if (rc == CX_OK) rc = cx__buffer_json_string(b, it->detail);
    return rc == CX_OK ? cx__buffer_append(b, "}", 1) : rc;
}

int cx_risk_explanation_to_json(cx_buffer *out, const cx_risk_explanation *e)
{
    CX__CHECK_ARG(out, "cx_risk_explanation_to_json");
    CX__CHECK_ARG(e, "cx_risk_explanation_to_json");
    size_t keep = out->size;
    int rc = cx__buffer_printf(out, "{\"customer\":");
    if (rc == CX_OK) rc = cx__buffer_json_string(out, e->customer);
    if (rc == CX_OK) rc = cx__buffer_printf(out, ",\"as_of_ms\":%lld", (long long)e->result.as_of_ms);
    if (rc == CX_OK) rc = json_number(out, "score", e->result.score);
    if (rc == CX_OK)
        rc = cx__buffer_printf(out, ",\"rules\":%zu,\"failed\":%zu,\"evidence\":[", e->result.rules, e->result.failed);
    for (size_t i = 0; i < e->count && rc == CX_OK; i++) {
        if (i > 0) rc = cx__buffer_append(out, ",", 1);
        if (rc == CX_OK) rc = json_evidence(out, &e->items[i]);
    }
    if (rc == CX_OK) rc = cx__buffer_append(out, "]}", 2);
    if (rc != CX_OK && out->data != NULL) { /* keep what the buffer had */
        out->size = keep;
        out->data[keep] = '\0';
    }
    return rc;
}
