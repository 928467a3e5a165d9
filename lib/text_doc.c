/*
 * Full analyses (evidence and aspects), their JSON form, and the
 * calibration of label thresholds.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core_internal.h"
#include "text_sentiment_internal.h"

struct cx_sentiment_doc {
    cx__score_ws ws;
    cx__report report;
    char *text;                 /* copy of the analysed text, for JSON excerpts */
    size_t text_len, text_cap;
    const cx_sentiment *an;     /* for aspect names and labels */
    cx_sentiment_result result;
    bool valid;
};

int cx_sentiment_doc_new(cx_sentiment_doc **out)
{
    CX__CHECK_ARG(out, "cx_sentiment_doc_new");
    cx_sentiment_doc *doc = cx__calloc(1, sizeof *doc);
    *out = doc;
    if (doc == NULL)
        return cx__nomem("creating a sentiment document");
    cx__score_ws_init(&doc->ws);
    return CX_OK;
}

void cx_sentiment_doc_free(cx_sentiment_doc *doc)
{
    if (doc == NULL)
        return;
    cx__score_ws_destroy(&doc->ws);
    cx__free(doc->report.items);
    cx__free(doc->report.aspects);
    cx__free(doc->text);
    cx__free(doc);
}

int cx_sentiment_analyze(cx_sentiment_result *out, cx_sentiment_doc *doc, const cx_sentiment *an, const char *text,
                         size_t len)
{
    CX__CHECK_ARG(out, "cx_sentiment_analyze");
    CX__CHECK_ARG(doc, "cx_sentiment_analyze");
    CX__CHECK_ARG(an, "cx_sentiment_analyze");
    if (text == NULL && len > 0)
        return cx__error(CX_EINVAL, "cx_sentiment_analyze: text is NULL but len is %zu", len);
    int rc = cx__check_version(out->version, CX_SENTIMENT_RESULT_VERSION, "cx_sentiment_result");
    if (rc != CX_OK)
        return rc;
    doc->valid = false;
    doc->report.count = doc->report.aspect_count = 0;
    if (text == NULL)
        text = "";
    if (len <= CX_TEXT_MAX_BYTES) {
        void *p = doc->text;
        if (cx__grow(&p, &doc->text_cap, len + 1, 1, 256) != CX_OK)
            return cx__nomem("copying the analysed text");
        doc->text = p;
    }
    cx_sentiment_result r = CX_SENTIMENT_RESULT_INIT;
    r.version = out->version;
    rc = cx__sentiment_run(an, &doc->ws, text, len, &doc->report, &r, "");
    if (rc != CX_OK) {
        doc->report.count = doc->report.aspect_count = 0;
        return rc;
    }
    memcpy(doc->text, text, len);
    doc->text[len] = '\0';
    doc->text_len = len;
    doc->an = an;
    doc->result = r;
    doc->valid = true;
    CX__COPY_VERSIONED(out, &r, cx__sentiment_result_sizes);
    return CX_OK;
}

static int check_doc(const cx_sentiment_doc *doc, const char *func)
{
    if (!doc->valid)
        return cx__error(CX_ESTATE, "%s: the document holds no analysis (call cx_sentiment_analyze first)", func);
    return CX_OK;
}

int cx_sentiment_doc_evidence(cx_sentiment_evidence *out, const cx_sentiment_doc *doc, size_t index)
{
    CX__CHECK_ARG(out, "cx_sentiment_doc_evidence");
    CX__CHECK_ARG(doc, "cx_sentiment_doc_evidence");
    int rc = cx__check_version(out->version, CX_SENTIMENT_EVIDENCE_VERSION, "cx_sentiment_evidence");
    if (rc != CX_OK || (rc = check_doc(doc, "cx_sentiment_doc_evidence")) != CX_OK)
        return rc;
    if (index >= doc->report.count)
        return cx__error(CX_ERANGE, "evidence index %zu is past the last item (%zu items)", index, doc->report.count);
    const cx__evidence *ev = &doc->report.items[index];
    out->start = ev->start;
    out->end = ev->end;
    out->rule = ev->rule;
    out->rules = ev->rules;
    out->base = ev->base;
    out->valence = ev->valence;
    out->target = ev->target;
    out->aspect = ev->aspect;
    return CX_OK;
}

int cx_sentiment_doc_aspect(cx_aspect_sentiment *out, const cx_sentiment_doc *doc, size_t index)
{
    CX__CHECK_ARG(out, "cx_sentiment_doc_aspect");
    CX__CHECK_ARG(doc, "cx_sentiment_doc_aspect");
    int rc = cx__check_version(out->version, CX_ASPECT_SENTIMENT_VERSION, "cx_aspect_sentiment");
    if (rc != CX_OK || (rc = check_doc(doc, "cx_sentiment_doc_aspect")) != CX_OK)
        return rc;
    if (index >= doc->report.aspect_count)
        return cx__error(CX_ERANGE, "aspect index %zu is past the last aspect mentioned (%zu)", index,
                         doc->report.aspect_count);
    const cx__aspect_hit *a = &doc->report.aspects[index];
    out->aspect = a->aspect;
    out->name = doc->an->table->aspects[a->aspect];
    out->sum = a->sum;
    out->compound = cx__compound(a->sum, doc->an->opts.alpha);
    out->label = cx__sentiment_label(doc->an, out->compound);
    out->mentions = a->mentions;
    out->evidence = a->evidence;
    return CX_OK;
}

/* ---- JSON ------------------------------------------------------------ */

/* Valid UTF-8 with quotes, backslashes and control characters escaped. */
static int json_escaped(cx_buffer *b, const char *s, size_t n)
{
    int rc = CX_OK;
    size_t run = 0;
    for (size_t i = 0; i < n && rc == CX_OK; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        rc = cx__buffer_append(b, s + run, i - run);
        if (rc == CX_OK)
            rc = c == '"' ? cx__buffer_append(b, "\\\"", 2)
                 : c == '\\' ? cx__buffer_append(b, "\\\\", 2)
                 : c == '\n' ? cx__buffer_append(b, "\\n", 2)
                 : c == '\t' ? cx__buffer_append(b, "\\t", 2)
                 : cx__buffer_printf(b, "\\u%04x", c);
        run = i + 1;
    }
    return rc == CX_OK ? cx__buffer_append(b, s + run, n - run) : rc;
}

/* A JSON string of any bytes: an analyzer that replaces invalid UTF-8 can
 * leave such bytes inside an evidence span; each becomes U+FFFD, as the
 * tokenizer read it, so that the JSON stays UTF-8. */
static int json_string(cx_buffer *b, const char *s, size_t n)
{
    int rc = cx__buffer_append(b, "\"", 1);
    size_t i = 0;
    while (i < n && rc == CX_OK) {
        size_t bad = 0;
        bool valid = cx__utf8_valid(s + i, n - i, &bad);
        size_t end = valid ? n : i + bad;
        rc = json_escaped(b, s + i, end - i);
        if (rc == CX_OK && !valid) {
            rc = cx__buffer_append(b, "\\ufffd", 6);
            end++;
        }
        i = end;
    }
    return rc == CX_OK ? cx__buffer_append(b, "\"", 1) : rc;
}

static int json_rules(cx_buffer *b, uint32_t rules)
{
    int rc = cx__buffer_append(b, "[", 1);
    bool first = true;
    for (unsigned i = 0; i < 32 && rc == CX_OK; i++) {
        const char *name = cx_sentiment_rule_name((cx_sentiment_rule)(1u << i));
        if (name == NULL || !(rules & (1u << i)))
            continue;
        rc = cx__buffer_printf(b, "%s\"%s\"", first ? "" : ",", name);
        first = false;
    }
    return rc == CX_OK ? cx__buffer_append(b, "]", 1) : rc;
}

static int json_evidence(cx_buffer *b, const cx_sentiment_doc *doc, const cx__evidence *ev)
{
    const char *aspect = ev->aspect >= 0 ? doc->an->table->aspects[ev->aspect] : NULL;
    int rc = cx__buffer_printf(b, "{\"start\":%u,\"end\":%u,\"text\":", ev->start, ev->end);
    if (rc == CX_OK)
        rc = json_string(b, doc->text + ev->start, ev->end - ev->start);
    if (rc == CX_OK)
        rc = cx__buffer_printf(b, ",\"rule\":\"%s\",\"rules\":", cx_sentiment_rule_name((cx_sentiment_rule)ev->rule));
    if (rc == CX_OK)
        rc = json_rules(b, ev->rules);
    if (rc == CX_OK)
        rc = cx__buffer_printf(b, ",\"base\":%.6g,\"valence\":%.6g,\"target\":%d,\"aspect\":", ev->base, ev->valence,
                               (int)ev->target);
    if (rc == CX_OK)
        rc = aspect ? json_string(b, aspect, strlen(aspect)) : cx__buffer_append(b, "null", 4);
    return rc == CX_OK ? cx__buffer_append(b, "}", 1) : rc;
}

static int json_aspects(cx_buffer *b, const cx_sentiment_doc *doc)
{
    int rc = cx__buffer_append(b, ",\"aspects\":[", 12);
    for (size_t i = 0; i < doc->report.aspect_count && rc == CX_OK; i++) {
        cx_aspect_sentiment a = CX_ASPECT_SENTIMENT_INIT;
        cx_sentiment_doc_aspect(&a, doc, i);
        const char *open = i ? ",{\"aspect\":" : "{\"aspect\":";
        rc = cx__buffer_append(b, open, strlen(open));
        if (rc == CX_OK)
            rc = json_string(b, a.name, strlen(a.name));
        if (rc == CX_OK)
            rc = cx__buffer_printf(b, ",\"compound\":%.6g,\"label\":\"%s\",\"mentions\":%u}", a.compound,
                                   cx_sentiment_label_name(a.label), a.mentions);
    }
    return rc == CX_OK ? cx__buffer_append(b, "]}", 2) : rc;
}

int cx_sentiment_doc_json(cx_buffer *out, const cx_sentiment_doc *doc)
{
    CX__CHECK_ARG(out, "cx_sentiment_doc_json");
    CX__CHECK_ARG(doc, "cx_sentiment_doc_json");
    int rc = check_doc(doc, "cx_sentiment_doc_json");
    if (rc != CX_OK)
        return rc;
    size_t before = out->size;
    const cx_sentiment_result *r = &doc->result;
    rc = cx__buffer_printf(out, "{\"compound\":%.6g,\"positive\":%.6g,\"negative\":%.6g,\"neutral\":%.6g,"
                           "\"label\":\"%s\",\"evidence\":[", r->compound, r->positive, r->negative, r->neutral,
                           cx_sentiment_label_name(r->label));
    for (size_t i = 0; i < doc->report.count && rc == CX_OK; i++) {
        if (i > 0)
            rc = cx__buffer_append(out, ",", 1);
        if (rc == CX_OK)
            rc = json_evidence(out, doc, &doc->report.items[i]);
    }
    if (rc == CX_OK)
        rc = cx__buffer_append(out, "]", 1);
    if (rc == CX_OK)
        rc = json_aspects(out, doc);
    if (rc != CX_OK && out->data != NULL) { /* leave the buffer as it was */
        out->size = before;
        out->data[before] = '\0';
    }
    return rc;
}

/* ---- calibration ----------------------------------------------------- */

typedef struct scored {
    double compound;
    int label;
} scored;

static int by_compound(const void *a, const void *b)
{
    double x = ((const scored *)a)->compound, y = ((const scored *)b)->compound;
    return (x > y) - (x < y);
}

static double accuracy_at(const scored *s, size_t n, double neg, double pos)
{
    size_t right = 0;
    for (size_t i = 0; i < n; i++) {
        int label = s[i].compound >= pos ? 1 : s[i].compound <= neg ? -1 : 0;
        right += label == s[i].label;
    }
    return (double)right / (double)n;
}

typedef struct groups {
    double *value;           /* distinct scores, ascending */
    size_t *neg, *neu, *pos; /* labels among the first k groups (prefix counts) */
    size_t m;
} groups;

/* Cut k (0..m) splits the first k groups from the rest; its threshold lies
 * midway between group k-1 and group k, or at the end of -1..1. */
static double cut_value(const groups *g, size_t k)
{
    if (k == 0)
        return g->value[0] > -1 ? (g->value[0] - 1) / 2 : -1;
    if (k == g->m)
        return g->value[g->m - 1] < 1 ? (g->value[g->m - 1] + 1) / 2 : 1;
    return (g->value[k - 1] + g->value[k]) / 2;
}

static int build_groups(const scored *s, size_t n, groups *g)
{
    g->value = cx__reallocarray(NULL, n, sizeof *g->value);
    g->neg = cx__calloc(n + 1, sizeof *g->neg);
    g->neu = cx__calloc(n + 1, sizeof *g->neu);
    g->pos = cx__calloc(n + 1, sizeof *g->pos);
    if (!g->value || !g->neg || !g->neu || !g->pos)
        return cx__nomem("calibrating thresholds");
    g->m = 0;
    for (size_t i = 0; i < n; i++) {
        if (g->m == 0 || s[i].compound != g->value[g->m - 1]) {
            g->value[g->m] = s[i].compound;
            g->m++;
            g->neg[g->m] = g->neg[g->m - 1];
            g->neu[g->m] = g->neu[g->m - 1];
            g->pos[g->m] = g->pos[g->m - 1];
        }
        g->neg[g->m] += s[i].label < 0;
        g->neu[g->m] += s[i].label == 0;
        g->pos[g->m] += s[i].label > 0;
    }
    return CX_OK;
}

static void free_groups(groups *g)
{
    cx__free(g->value);
    cx__free(g->neg);
    cx__free(g->neu);
    cx__free(g->pos);
}

/* Right answers with cuts a <= b: negatives among the first a groups,
 * neutrals among groups a..b-1, positives from group b on. For each b the
 * best a <= b is a running maximum, so the search is linear. */
static void best_cuts(const groups *g, double *neg_out, double *pos_out)
{
    long best_right = -1, run_value = 0;
    double best_dist = INFINITY, run_dist = INFINITY;
    size_t run_a = 0;
    size_t total_pos = g->pos[g->m];
    for (size_t b = 0; b <= g->m; b++) {
        long f = (long)g->neg[b] - (long)g->neu[b];
        double da = fabs(cut_value(g, b) + 0.05);
        if (b == 0 || f > run_value || (f == run_value && da < run_dist)) {
            run_value = f;
            run_dist = da;
            run_a = b;
        }
        long right = run_value + (long)g->neu[b] + (long)(total_pos - g->pos[b]);
        double dist = run_dist + fabs(cut_value(g, b) - 0.05);
        if (right > best_right || (right == best_right && dist < best_dist)) {
            best_right = right;
            best_dist = dist;
            *neg_out = cut_value(g, run_a);
            *pos_out = cut_value(g, b);
        }
    }
}

int cx_sentiment_calibrate(cx_sentiment_calibration *out, const double *compound, const int *labels, size_t n)
{
    CX__CHECK_ARG(out, "cx_sentiment_calibrate");
    int rc = cx__check_version(out->version, CX_SENTIMENT_CALIBRATION_VERSION, "cx_sentiment_calibration");
    if (rc != CX_OK)
        return rc;
    if (n == 0)
        return cx__error(CX_EEMPTY, "cx_sentiment_calibrate: the sample is empty");
    CX__CHECK_ARG(compound, "cx_sentiment_calibrate");
    CX__CHECK_ARG(labels, "cx_sentiment_calibrate");
    for (size_t i = 0; i < n; i++) {
        if (!(compound[i] >= -1 && compound[i] <= 1))
            return cx__error(CX_ERANGE, "compound[%zu] = %g is outside -1..1", i, compound[i]);
        if (labels[i] < -1 || labels[i] > 1)
            return cx__error(CX_ERANGE, "labels[%zu] = %d is not -1, 0 or 1", i, labels[i]);
    }
    scored *s = cx__reallocarray(NULL, n, sizeof *s);
    if (s == NULL)
        return cx__nomem("calibrating thresholds");
    for (size_t i = 0; i < n; i++)
        s[i] = (scored){ compound[i], labels[i] };
    qsort(s, n, sizeof *s, by_compound);
    groups g = { 0 };
    rc = build_groups(s, n, &g);
    if (rc == CX_OK) {
        double neg = -0.05, pos = 0.05;
        best_cuts(&g, &neg, &pos);
        out->negative_threshold = neg;
        out->positive_threshold = pos;
        out->accuracy = accuracy_at(s, n, neg, pos);
        out->default_accuracy = accuracy_at(s, n, -0.05, 0.05);
        out->count = n;
    }
    free_groups(&g);
    cx__free(s);
    return rc;
}
