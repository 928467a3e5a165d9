/* Purchase summaries from a file or a store (see lifetime_load.h). The
 * summary file is a plain table of numbers: one record per line, fields
 * separated by commas, a field may be quoted ("" for a quote) but not span
 * lines. Events files go through the store's importer instead. */
#include "lifetime_load.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

enum { COL_ID, COL_X, COL_TX, COL_T, COL_M, N_COLS };

#define MAX_FIELDS 256

static const char *const col_names[N_COLS][4] = {
    { "customer_id", "id", "ID", NULL }, { "frequency", "x", NULL, NULL }, { "recency", "t_x", NULL, NULL },
    { "T", NULL, NULL, NULL },           { "monetary_value", "monetary", "zbar", NULL },
};

typedef struct csv_rows {
    char **ids;
    double *col[N_COLS];   /* col[COL_ID] unused */
    size_t n, cap;
} csv_rows;

static void csv_rows_free(csv_rows *r)
{
    for (size_t i = 0; r->ids != NULL && i < r->n; i++)
        free(r->ids[i]);
    free(r->ids);
    for (int c = 0; c < N_COLS; c++)
        free(r->col[c]);
    free(r);
}

/* Splits a line into fields in place; false for a bad quote. */
static bool split(char *line, char **fields, size_t max, size_t *n)
{
    *n = 0;
    char *p = line;
    for (;;) {
        if (*n == max)
            return false;
        char *out = p;
        fields[(*n)++] = out;
        if (*p == '"') {
            for (p++;; p++) {
                if (*p == '\0')
                    return false;
                if (*p == '"' && p[1] == '"')
                    p++;
                else if (*p == '"')
                    break;
                *out++ = *p;
            }
            p++;
            if (*p != ',' && *p != '\0')
                return false;
        } else {
            while (*p != ',' && *p != '\0')
                *out++ = *p++;
        }
        char sep = *p;
        *out = '\0';
        if (sep == '\0')
            return true;
        p++;
    }
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

typedef struct reader {
    const char *path;
    unsigned long line;
    int where[N_COLS];      /* field index of each column, -1 when absent */
    size_t fields;
} reader;

static int fail(const reader *rd, const char *fmt, const char *a, const char *b)
{
    fprintf(stderr, "cx lifetime: %s:%lu: ", rd->path, rd->line);
    fprintf(stderr, fmt, a, b);
    fputc('\n', stderr);
    return CX_EXIT_DATA;
}

static int read_header(reader *rd, char *line, char **fields, size_t max)
{
    if (strncmp(line, "\xEF\xBB\xBF", 3) == 0) /* a byte-order mark */
        line += 3;
    char copy[1024];
    snprintf(copy, sizeof copy, "%s", line);
    if (!split(line, fields, max, &rd->fields))
        return fail(rd, "the header is not a list of column names%s%s", "", "");
    for (int c = 0; c < N_COLS; c++) {
        rd->where[c] = -1;
        for (size_t f = 0; f < rd->fields; f++)
            for (int k = 0; col_names[c][k] != NULL && rd->where[c] < 0; k++)
                if (strcmp(trim(fields[f]), col_names[c][k]) == 0)
                    rd->where[c] = (int)f;
    }
    for (int c = COL_X; c <= COL_T; c++)
        if (rd->where[c] < 0)
            return fail(rd, "the column \"%s\" is missing (the header is \"%.200s\"; see cx lifetime --help)",
                        col_names[c][0], copy);
    return CX_EXIT_OK;
}

static bool grow(csv_rows *r)
{
    size_t cap = r->cap ? 2 * r->cap : 1024;
    char **ids = realloc(r->ids, cap * sizeof *ids);
    if (ids == NULL)
        return false;
    r->ids = ids;
    for (int c = COL_X; c < N_COLS; c++) {
        double *col = realloc(r->col[c], cap * sizeof *col);
        if (col == NULL)
            return false;
        r->col[c] = col;
    }
    r->cap = cap;
    return true;
}

/* Parses one record; ranges are checked here so that messages name lines. */
static int read_record(reader *rd, csv_rows *r, char **fields, size_t n)
{
    if (n != rd->fields) {
        char got[32], want[32];
        snprintf(got, sizeof got, "%zu", n);
        snprintf(want, sizeof want, "%zu", rd->fields);
        return fail(rd, "the record has %s fields, the header %s", got, want);
    }
    if (r->n == r->cap && !grow(r))
        return cli_fail(CX_EXIT_FAILURE, "lifetime", "out of memory");
    double v[N_COLS] = { 0, 0, 0, 0, 0 };
    for (int c = COL_X; c < N_COLS; c++) {
        if (rd->where[c] < 0)
            continue;
        const char *text = trim(fields[rd->where[c]]);
        if (!cli_parse_double(text, &v[c]) || v[c] < 0)
            return fail(rd, "%s \"%.40s\" is not a number >= 0", col_names[c][0], text);
    }
    if (v[COL_X] != floor(v[COL_X]))
        return fail(rd, "frequency %s is not a whole number of repeat purchases%s", trim(fields[rd->where[COL_X]]), "");
    if (v[COL_TX] > v[COL_T])
        return fail(rd, "recency %s is after T %s", trim(fields[rd->where[COL_TX]]), trim(fields[rd->where[COL_T]]));
    const char *id = rd->where[COL_ID] >= 0 ? trim(fields[rd->where[COL_ID]]) : "";
    if ((r->ids[r->n] = strdup(id)) == NULL)
        return cli_fail(CX_EXIT_FAILURE, "lifetime", "out of memory");
    for (int c = COL_X; c < N_COLS; c++)
        r->col[c][r->n] = v[c];
    r->n++;
    return CX_EXIT_OK;
}

static int read_file(FILE *f, reader *rd, csv_rows *r)
{
    char *line = NULL, *fields[MAX_FIELDS];
    size_t cap = 0, n;
    ssize_t len;
    int rc = CX_EXIT_OK;
    bool header = true;
    while (rc == CX_EXIT_OK && (len = getline(&line, &cap, f)) >= 0) {
        rd->line++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (*trim(line) == '\0')
            continue;
        if (header) {
            rc = read_header(rd, line, fields, MAX_FIELDS);
            header = false;
        } else if (!split(line, fields, MAX_FIELDS, &n)) {
            rc = fail(rd, "the record does not split into fields: a quote not closed on its line, text after a "
                          "closing quote, or more than 256 fields%s%s", "", "");
        } else {
            rc = read_record(rd, r, fields, n);
        }
    }
    free(line);
    if (rc == CX_EXIT_OK && ferror(f))
        rc = cli_fail(CX_EXIT_IO, "lifetime", "reading %s failed: %s", rd->path, strerror(errno));
    if (rc == CX_EXIT_OK && r->n == 0)
        rc = cli_fail(CX_EXIT_EMPTY, "lifetime", "%s holds no customers", rd->path);
    return rc;
}

int lifetime_rows_from_csv(lifetime_rows *out, const char *path)
{
    memset(out, 0, sizeof *out);
    bool std_in = strcmp(path, "-") == 0;
    FILE *f = std_in ? stdin : fopen(path, "r");
    if (f == NULL)
        return cli_fail(CX_EXIT_IO, "lifetime", "cannot open %s: %s", path, strerror(errno));
    csv_rows *r = calloc(1, sizeof *r);
    reader rd = { std_in ? "stdin" : path, 0, { -1, -1, -1, -1, -1 }, 0 };
    int rc = r != NULL ? read_file(f, &rd, r) : cli_fail(CX_EXIT_FAILURE, "lifetime", "out of memory");
    if (!std_in)
        fclose(f);
    if (rc != CX_EXIT_OK) {
        if (r != NULL)
            csv_rows_free(r);
        return rc;
    }
    *out = (lifetime_rows){ r->n, (const char *const *)r->ids, r->col[COL_X], r->col[COL_TX], r->col[COL_T],
                            rd.where[COL_M] >= 0 ? r->col[COL_M] : NULL, CX_STORE_NO_TIME, 0, 0, false, r };
    return CX_EXIT_OK;
}

/* ---- from a store ---------------------------------------------------------- */

typedef struct purchases {
    tally ids;
    const char **id;
    int64_t *time;
    double *value;
    size_t n, cap;
    bool all_valued;
} purchases;

static int add_purchase(const cx_store_event *ev, void *payload)
{
    purchases *p = payload;
    if (ev->type == NULL || strcmp(ev->type, "purchase") != 0)
        return CX_OK;
    tally_entry *e = tally_get(&p->ids, ev->customer_id);
    if (e == NULL)
        return CX_ENOMEM;
    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 4096;
        const char **id = realloc(p->id, cap * sizeof *id);
        if (id != NULL)
            p->id = id;
        int64_t *time = realloc(p->time, cap * sizeof *time);
        if (time != NULL)
            p->time = time;
        double *value = realloc(p->value, cap * sizeof *value);
        if (value != NULL)
            p->value = value;
        if (id == NULL || time == NULL || value == NULL)
            return CX_ENOMEM;
        p->cap = cap;
    }
    p->all_valued = p->all_valued && isfinite(ev->value) && ev->value >= 0;
    p->id[p->n] = e->key;
    p->time[p->n] = ev->timestamp_ms;
    p->value[p->n++] = ev->value;
    return CX_OK;
}

int lifetime_rows_from_store(lifetime_rows *out, cx_store *store, const cx_lifetime_summary_options *opts)
{
    memset(out, 0, sizeof *out);
    purchases p;
    memset(&p, 0, sizeof p);
    tally_init(&p.ids);
    p.all_valued = true;
    cx_lifetime_summary *s = NULL;
    int rc = cx_store_each_event(store, NULL, add_purchase, &p);
    if (rc == CX_OK)
        rc = cx_lifetime_summary_new(&s, p.id, p.time, p.all_valued ? p.value : NULL, p.n, opts);
    cx_lifetime_columns c = CX_LIFETIME_COLUMNS_INIT;
    if (rc == CX_OK)
        rc = cx_lifetime_summary_get(&c, s);
    if (rc == CX_OK)
        *out = (lifetime_rows){ c.count, c.customer_ids, c.frequency, c.recency, c.T, c.monetary,
                                c.calibration_end_ms, c.customers_skipped, p.n, true, s };
    else
        cx_lifetime_summary_free(s);
    tally_free(&p.ids);
    free(p.id);
    free(p.time);
    free(p.value);
    return rc;
}

void lifetime_rows_free(lifetime_rows *rows)
{
    if (rows->owner != NULL && !rows->from_store)
        csv_rows_free(rows->owner);
    else
        cx_lifetime_summary_free(rows->owner);
    memset(rows, 0, sizeof *rows);
}
