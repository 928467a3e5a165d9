/* Helpers shared by the report sections. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

int report_result(const cx_metric *m, cx_metric_result *r)
{
    cx_metric_result fresh = CX_METRIC_RESULT_INIT;
    *r = fresh;
    return m != NULL ? cx_metric_get_result(m, r) : CX_EEMPTY;
}

void report_json_result(jw *w, const cx_metric_result *r)
{
    jw_object(w);
    jw_knumber(w, "value", r->value);
    jw_knumber(w, "std_error", r->std_error);
    jw_knumber(w, "ci_low", r->ci_low);
    jw_knumber(w, "ci_high", r->ci_high);
    jw_kint(w, "count", (int64_t)r->count);
    jw_end(w);
}

void html_text(FILE *out, const char *s)
{
    for (; s != NULL && *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '&': fputs("&amp;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&#39;", out); break;
        default: fputc(*s, out);
        }
    }
}

const char *report_metric_label(cx_metric_kind kind)
{
    switch (kind) {
    case CX_METRIC_NPS: return "NPS";
    case CX_METRIC_CSAT: return "CSAT";
    case CX_METRIC_CES: return "CES";
    case CX_METRIC_FCR: return "FCR";
    default: return "?";
    }
}

const char *report_metric_unit(cx_metric_kind kind)
{
    return kind == CX_METRIC_CSAT || kind == CX_METRIC_FCR ? " %" : "";
}

/* ---- tallies ------------------------------------------------------------- */

void tally_init(tally *t)
{
    memset(t, 0, sizeof *t);
}

void tally_free(tally *t)
{
    for (size_t i = 0; i < t->count; i++)
        free(t->items[i].key);
    free(t->items);
    free(t->slots);
    memset(t, 0, sizeof *t);
}

/* FNV-1a with a final mix, so that the low bits used for slots vary. */
static size_t hash_key(const char *s)
{
    uint64_t h = 1469598103934665603u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    h ^= h >> 32;
    h *= 0xd6e8feb86659fd93u;
    h ^= h >> 32;
    return (size_t)h;
}

static bool rehash(tally *t)
{
    size_t n = t->n_slots ? t->n_slots * 2 : 64;
    size_t *slots = calloc(n, sizeof *slots);
    if (slots == NULL)
        return false;
    for (size_t i = 0; i < t->count; i++) {
        size_t at = t->items[i].hash & (n - 1);
        while (slots[at])
            at = (at + 1) & (n - 1);
        slots[at] = i + 1;
    }
    free(t->slots);
    t->slots = slots;
    t->n_slots = n;
    return true;
}

tally_entry *tally_get(tally *t, const char *key)
{
    if (key == NULL)
        key = "";
    if ((t->count + 1) * 2 > t->n_slots && !rehash(t))
        return NULL;
    size_t hash = hash_key(key);
    size_t at = hash & (t->n_slots - 1);
    while (t->slots[at]) {
        tally_entry *e = &t->items[t->slots[at] - 1];
        if (e->hash == hash && strcmp(e->key, key) == 0)
            return e;
        at = (at + 1) & (t->n_slots - 1);
    }
    if (t->count == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        tally_entry *items = realloc(t->items, cap * sizeof *items);
        if (items == NULL)
            return NULL;
        t->items = items;
        t->cap = cap;
    }
    char *copy = strdup(key);
    if (copy == NULL)
        return NULL;
    t->items[t->count] = (tally_entry){ copy, 0, 0, NULL, hash };
    t->slots[at] = ++t->count;
    return &t->items[t->count - 1];
}

static int by_count(const void *a, const void *b)
{
    const tally_entry *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return strcmp(x->key, y->key);
}

static int by_key(const void *a, const void *b)
{
    return strcmp(((const tally_entry *)a)->key, ((const tally_entry *)b)->key);
}

/* Sorting moves entries: the slots are rebuilt. */
static void reindex(tally *t)
{
    if (t->slots != NULL) {
        memset(t->slots, 0, t->n_slots * sizeof *t->slots);
        for (size_t i = 0; i < t->count; i++) {
            size_t at = t->items[i].hash & (t->n_slots - 1);
            while (t->slots[at])
                at = (at + 1) & (t->n_slots - 1);
            t->slots[at] = i + 1;
        }
    }
}

void tally_sort_by_count(tally *t)
{
    if (t->count > 1)
        qsort(t->items, t->count, sizeof *t->items, by_count);
    reindex(t);
}

void tally_sort_by_key(tally *t)
{
    if (t->count > 1)
        qsort(t->items, t->count, sizeof *t->items, by_key);
    reindex(t);
}
