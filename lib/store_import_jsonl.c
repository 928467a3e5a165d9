/* JSON Lines import: one object per line, parsed by jansson; fields are
 * looked up by key. Rejected lines are written as objects with their line
 * and reason added. */
#include <string.h>

#include <jansson.h>

#include "store_import_job.h"

typedef struct jsonl_state {
    const char *line;
    size_t len;
    json_t *object;                             /* NULL when the line is not JSON */
    char numbers[CX__STORE_MAX_FIELDS][32];     /* numbers and booleans as text */
} jsonl_state;

static const char *json_type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    default: return "null";
    }
}

/* The text of one field's value: strings as they are, numbers and
 * booleans written out, null as absent. */
static int field_text(cx__import_job *job, jsonl_state *st, size_t f)
{
    json_t *v = json_object_get(st->object, job->columns[f]);
    job->raw[f] = NULL;
    job->raw_len[f] = 0;
    if (v == NULL || json_is_null(v))
        return CX_OK;
    char *num = st->numbers[f];
    switch (json_typeof(v)) {
    case JSON_STRING:
        job->raw[f] = json_string_value(v);
        job->raw_len[f] = json_string_length(v);
        return CX_OK;
    case JSON_INTEGER:
        snprintf(num, sizeof st->numbers[f], "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        break;
    case JSON_REAL:
        snprintf(num, sizeof st->numbers[f], "%.17g", json_real_value(v));
        break;
    case JSON_TRUE:
    case JSON_FALSE:
        snprintf(num, sizeof st->numbers[f], "%d", json_is_true(v) ? 1 : 0);
        break;
    default:
        return cx__error(CX_EFORMAT, "%s:%llu (%s): expected a string or a number, got %s", job->name,
                         (unsigned long long)job->row_line, job->columns[f], json_type_name(v));
    }
    job->raw[f] = num;
    job->raw_len[f] = strlen(num);
    return CX_OK;
}

static int parse_line(cx__import_job *job, jsonl_state *st)
{
    json_error_t err;
    st->object = json_loadb(st->line, st->len, JSON_REJECT_DUPLICATES, &err);
    if (st->object == NULL)
        return cx__error(CX_EFORMAT, "%s:%llu:%d: invalid JSON: %s", job->name, (unsigned long long)job->row_line,
                         err.column, err.text);
    if (!json_is_object(st->object))
        return cx__error(CX_EFORMAT, "%s:%llu: expected a JSON object, got %s", job->name,
                         (unsigned long long)job->row_line, json_type_name(st->object));
    for (size_t f = 0; f < job->t->n_fields; f++) {
        int rc = field_text(job, st, f);
        if (rc != CX_OK)
            return rc;
    }
    return CX_OK;
}

int cx__import_jsonl(cx__import_job *job)
{
    jsonl_state st;
    memset(&st, 0, sizeof st);
    job->reader = &st;
    int rc = CX_OK;
    for (;;) {
        char *line;
        bool got;
        if ((rc = cx__lines_next(&job->src, &line, &st.len, &job->row_line, &got)) != CX_OK || !got)
            break;
        st.line = line;
        int parsed = parse_line(job, &st);
        rc = cx__import_take_row(job, parsed);
        json_decref(st.object);
        st.object = NULL;
        if (rc != CX_OK)
            break;
    }
    job->reader = NULL;
    return rc;
}

/* ---- rejects ------------------------------------------------------------------ */

/* jansson wants UTF-8: invalid bytes of a message or line become '?'. */
static json_t *safe_string(const char *s, size_t n)
{
    json_t *v = json_stringn(s, n);
    if (v != NULL)
        return v;
    char *copy = cx__strndup(s, n);
    if (copy == NULL)
        return NULL;
    size_t from = 0, bad;
    while (from < n && !cx__utf8_valid(copy + from, n - from, &bad)) {
        copy[from + bad] = '?';
        from += bad + 1;
    }
    for (size_t i = 0; i < n; i++)
        if (copy[i] == '\0')
            copy[i] = '?';
    v = json_stringn(copy, n);
    cx__free(copy);
    return v;
}

int cx__import_reject_jsonl(cx__import_job *job)
{
    jsonl_state *st = job->reader;
    const char *why = cx_last_error();
    json_t *out = st->object != NULL && json_is_object(st->object) ? json_incref(st->object) : json_object();
    if (out == NULL)
        return cx__nomem("writing a rejected line");
    int failed = json_object_set_new(out, "cx_line", json_integer((json_int_t)job->row_line));
    failed |= json_object_set_new(out, "cx_error", safe_string(why, strlen(why)));
    if (st->object == NULL || !json_is_object(st->object))
        failed |= json_object_set_new(out, "cx_text", safe_string(st->line, st->len));
    if (!failed)
        failed = json_dumpf(out, job->reject, JSON_COMPACT) != 0 || fputc('\n', job->reject) == EOF;
    json_decref(out);
    return failed ? cx__error(CX_EIO, "writing the reject file %s failed", job->opts.reject_path) : CX_OK;
}
