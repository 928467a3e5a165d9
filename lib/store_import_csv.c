/* CSV import: the header, the column positions, one record per row, and
 * rejected records written back as CSV with their line and reason. */
#include <string.h>

#include "store_import_job.h"

typedef struct csv_state {
    cx__csv reader;
    char **header;        /* copies: the buffer moves on */
    size_t n_header;
} csv_state;

static void free_header(csv_state *st)
{
    for (size_t i = 0; i < st->n_header; i++)
        cx__free(st->header[i]);
    cx__free(st->header);
}

static void trim_name(const char **s, size_t *n)
{
    while (*n > 0 && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*n)--;
    }
    while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
        (*n)--;
}

static int copy_header(csv_state *st)
{
    const cx__csv *r = &st->reader;
    st->header = cx__calloc(r->count, sizeof *st->header);
    if (st->header == NULL)
        return cx__nomem("reading the CSV header");
    for (size_t i = 0; i < r->count; i++) {
        const char *name = r->fields[i].text;
        size_t n = r->fields[i].len;
        trim_name(&name, &n);
        if ((st->header[i] = cx__strndup(name, n)) == NULL)
            return cx__nomem("reading the CSV header");
        st->n_header = i + 1;
    }
    return CX_OK;
}

static int list_columns(const csv_state *st, char *buf, size_t cap)
{
    size_t at = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < st->n_header && at + 1 < cap; i++) {
        int n = snprintf(buf + at, cap - at, "%s%s", i ? ", " : "", st->header[i]);
        if (n < 0)
            break;
        at += (size_t)n;
    }
    return CX_OK;
}

/* Finds the column of every field; a required one must be there, and so
 * must one named in the column map (a typo there would drop its values). */
static int map_columns(cx__import_job *job, const csv_state *st)
{
    char columns[200];
    for (size_t f = 0; f < job->t->n_fields; f++) {
        job->column_of[f] = -1;
        for (size_t c = 0; c < st->n_header; c++) {
            if (strcmp(st->header[c], job->columns[f]) != 0)
                continue;
            if (job->column_of[f] >= 0)
                return cx__error(CX_EFORMAT, "%s:1: columns %d and %zu are both named \"%s\"", job->name,
                                 job->column_of[f] + 1, c + 1, st->header[c]);
            job->column_of[f] = (int)c;
        }
        if (job->column_of[f] < 0 && strcmp(job->columns[f], job->t->fields[f].name) != 0) {
            list_columns(st, columns, sizeof columns);
            return cx__error(CX_EFORMAT, "%s:1: the column \"%s\" mapped to %s is missing (columns: %s)", job->name,
                             job->columns[f], job->t->fields[f].name, columns);
        }
        if (job->column_of[f] < 0 && job->t->fields[f].required) {
            list_columns(st, columns, sizeof columns);
            return cx__error(CX_EFORMAT,
                             "%s:1: the %s column \"%s\" is missing (columns: %s); map another column to it "
                             "(--map %s=COLUMN)",
                             job->name, job->t->name, job->columns[f], columns, job->t->fields[f].name);
        }
    }
    return CX_OK;
}

static int read_header(cx__import_job *job, csv_state *st)
{
    bool got;
    int rc = cx__csv_next(&st->reader, &got);
    if (rc != CX_OK)
        return rc;
    if (!got)
        return cx__error(CX_EFORMAT, "%s: the input is empty; a CSV file starts with a header line naming its columns",
                         job->name);
    if ((rc = copy_header(st)) != CX_OK)
        return rc;
    return map_columns(job, st);
}

/* Points job->raw at the fields of the record; a wrong field count fails. */
static int take_fields(cx__import_job *job, const csv_state *st)
{
    const cx__csv *r = &st->reader;
    if (r->count != st->n_header)
        return cx__error(CX_EFORMAT, "%s:%llu: the record has %zu field%s, the header has %zu", job->name,
                         (unsigned long long)r->line, r->count, r->count == 1 ? "" : "s", st->n_header);
    for (size_t f = 0; f < job->t->n_fields; f++) {
        int c = job->column_of[f];
        job->raw[f] = c >= 0 ? r->fields[c].text : NULL;
        job->raw_len[f] = c >= 0 ? r->fields[c].len : 0;
    }
    return CX_OK;
}

int cx__import_csv(cx__import_job *job)
{
    csv_state st;
    memset(&st, 0, sizeof st);
    cx__csv_init(&st.reader, &job->src, job->opts.delimiter);
    job->reader = &st;
    int rc = read_header(job, &st);
    while (rc == CX_OK) {
        bool got;
        if ((rc = cx__csv_next(&st.reader, &got)) != CX_OK || !got)
            break; /* quoting errors break the file's structure: never skipped */
        job->row_line = st.reader.line;
        rc = cx__import_take_row(job, take_fields(job, &st));
    }
    job->reader = NULL;
    free_header(&st);
    cx__csv_destroy(&st.reader);
    return rc;
}

/* ---- rejects ------------------------------------------------------------------ */

static void write_field(FILE *f, const char *s, size_t n, char delimiter)
{
    bool quote = n > 0 && (s[0] == ' ' || s[n - 1] == ' ');
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == delimiter || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (!quote) {
        fwrite(s, 1, n, f);
        return;
    }
    fputc('"', f);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            fputc('"', f);
        fputc(s[i], f);
    }
    fputc('"', f);
}

int cx__import_reject_csv(cx__import_job *job)
{
    const csv_state *st = job->reader;
    FILE *f = job->reject;
    char d = job->opts.delimiter;
    if (!job->reject_started) {
        for (size_t i = 0; i < st->n_header; i++) {
            write_field(f, st->header[i], strlen(st->header[i]), d);
            fputc(d, f);
        }
        fprintf(f, "cx_line%ccx_error\r\n", d);
        job->reject_started = true;
    }
    const cx__csv *r = &st->reader;
    for (size_t i = 0; i < r->count; i++) {
        write_field(f, r->fields[i].text, r->fields[i].len, d);
        fputc(d, f);
    }
    fprintf(f, "%llu%c", (unsigned long long)job->row_line, d);
    const char *why = cx_last_error();
    write_field(f, why, strlen(why), d);
    fputs("\r\n", f);
    return CX_OK;
}
