/*
 * cx import: CSV or JSON Lines files (or standard input) into a store, one
 * transaction per batch, with a progress bar on a terminal.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "json_writer.h"

static const char *const help =
    "usage: cx import [OPTIONS] FILE...\n"
    "\n"
    "Imports CSV (RFC 4180, with a header line) or JSON Lines files into a\n"
    "store. Each file goes to the table named by its stem: customers,\n"
    "touchpoints, events, answers, tickets, ticket_events or comments (e.g.\n"
    "events.csv, answers.jsonl); the columns are described in\n"
    "docs/data-format.md. FILE - reads standard input (give --table).\n"
    "\n"
    "Rows are written in batches, one transaction each. By default the first\n"
    "bad row stops the import: nothing of its batch is written, earlier\n"
    "batches stay, and the message names file, line, column and reason.\n"
    "Importing a file again is safe: rows already stored are skipped.\n"
    "\n"
    "options:\n"
    "  -s, --store FILE       the store (default $CX_STORE, else cx.db); created if new\n"
    "  -t, --table TABLE      the table, for files named otherwise\n"
    "  -f, --format FORMAT    csv, tsv or jsonl (default: from the extension)\n"
    "  -m, --map FIELD=COLUMN[,FIELD=COLUMN...]\n"
    "                         read a field from a column of another name\n"
    "  -d, --delimiter C      CSV delimiter (default , ; '\\t' for a tab)\n"
    "  -b, --batch-size N     rows per transaction (default 50000)\n"
    "      --skip-bad         import the good rows, reject the bad ones\n"
    "  -r, --reject FILE      with --skip-bad: rejected rows and reasons go here\n"
    "                         (default: NAME.rejects.EXT beside the input)\n"
    "      --epoch UNIT       numeric timestamps are s, ms, or auto (default)\n"
    "      --local-offset OFFSET\n"
    "                         accept times without a zone, at this UTC offset\n"
    "                         (+01:00, -05:00, 0)\n"
    "  -q, --quiet            no progress bar and no summary\n"
    "  -j, --json             print one JSON object per file\n"
    "  -h, --help             this help\n"
    "\n"
    "Exit codes: 0 ok, 2 usage, 3 bad data (the import stopped), 4 a file or\n"
    "the store could not be read or written (missing file, disk full,\n"
    "read-only store), 6 the store has a newer schema.\n";

enum {
    OPT_STORE = 1, OPT_TABLE, OPT_FORMAT, OPT_MAP, OPT_DELIMITER, OPT_BATCH, OPT_SKIP_BAD, OPT_REJECT,
    OPT_EPOCH, OPT_LOCAL_OFFSET, OPT_QUIET, OPT_JSON, OPT_HELP
};

static const cli_option options[] = {
    { "store", 's', true, OPT_STORE },
    { "table", 't', true, OPT_TABLE },
    { "format", 'f', true, OPT_FORMAT },
    { "map", 'm', true, OPT_MAP },
    { "delimiter", 'd', true, OPT_DELIMITER },
    { "batch-size", 'b', true, OPT_BATCH },
    { "skip-bad", 0, false, OPT_SKIP_BAD },
    { "reject", 'r', true, OPT_REJECT },
    { "epoch", 0, true, OPT_EPOCH },
    { "local-offset", 0, true, OPT_LOCAL_OFFSET },
    { "quiet", 'q', false, OPT_QUIET },
    { "json", 'j', false, OPT_JSON },
    { "help", 'h', false, OPT_HELP },
    { NULL, 0, false, 0 },
};

typedef struct import_args {
    const char *store;
    const char *reject;
    cx_import_options opts;
    bool quiet, json;
    cli_args a;
} import_args;

/* 0, Z, or +hh, +hh:mm, +hhmm (or -), up to 23:59, and nothing after. */
static bool parse_offset(const char *s, int32_t *minutes)
{
    if (strcmp(s, "0") == 0 || strcmp(s, "Z") == 0) {
        *minutes = 0;
        return true;
    }
    const char *d = s + 1;
    size_t n = strlen(s);
    bool ok = (s[0] == '+' || s[0] == '-') && (n == 3 || n == 5 || (n == 6 && d[2] == ':'));
    int digits[4] = { 0 }, k = 0;
    for (size_t i = 1; ok && i < n; i++) {
        if (s[i] == ':' && i == 3)
            continue;
        ok = s[i] >= '0' && s[i] <= '9';
        if (ok)
            digits[k++] = s[i] - '0';
    }
    int h = digits[0] * 10 + digits[1], m = digits[2] * 10 + digits[3];
    if (!ok || h > 23 || m > 59)
        return false;
    *minutes = (s[0] == '-' ? -1 : 1) * (h * 60 + m);
    return true;
}

static int set_option(import_args *ia, int id, const char *v)
{
    cx_import_options *o = &ia->opts;
    uint64_t n;
    switch (id) {
    case OPT_STORE: ia->store = v; return 0;
    case OPT_TABLE:
        return cx_store_table_from_name(&o->table, v) == CX_OK ? 0 : cli_usage_error("import", "%s", cx_last_error());
    case OPT_FORMAT:
        if (strcmp(v, "csv") == 0 || strcmp(v, "tsv") == 0) {
            o->format = CX_IMPORT_CSV;
            if (v[0] == 't' && o->delimiter == 0)
                o->delimiter = '\t';
        } else if (strcmp(v, "jsonl") == 0 || strcmp(v, "ndjson") == 0) {
            o->format = CX_IMPORT_JSONL;
        } else {
            return cli_usage_error("import", "--format %s is not csv, tsv or jsonl", v);
        }
        return 0;
    case OPT_MAP: o->column_map = v; return 0;
    case OPT_DELIMITER:
        if (strcmp(v, "\\t") == 0 || strcmp(v, "tab") == 0)
            o->delimiter = '\t';
        else if (strlen(v) == 1)
            o->delimiter = v[0];
        else
            return cli_usage_error("import", "--delimiter %s is not a single character", v);
        return 0;
    case OPT_BATCH:
        if (!cli_parse_u64(v, &n) || n == 0 || n > 100000000)
            return cli_usage_error("import", "--batch-size %s is not a number of rows in 1..100000000", v);
        o->batch_rows = (size_t)n;
        return 0;
    case OPT_SKIP_BAD: o->skip_bad = 1; return 0;
    case OPT_REJECT: ia->reject = v; return 0;
    case OPT_EPOCH:
        if (strcmp(v, "s") == 0)
            o->epoch_unit = CX_EPOCH_SECONDS;
        else if (strcmp(v, "ms") == 0)
            o->epoch_unit = CX_EPOCH_MILLISECONDS;
        else if (strcmp(v, "auto") == 0)
            o->epoch_unit = CX_EPOCH_AUTO;
        else
            return cli_usage_error("import", "--epoch %s is not s, ms or auto", v);
        return 0;
    case OPT_LOCAL_OFFSET:
        if (!parse_offset(v, &o->local_utc_offset_minutes))
            return cli_usage_error("import", "--local-offset %s is not an offset such as +01:00", v);
        o->accept_local_times = 1;
        return 0;
    case OPT_QUIET: ia->quiet = true; return 0;
    case OPT_JSON: ia->json = true; return 0;
    case OPT_HELP: fputs(help, stdout); return -1;
    default: return CX_EXIT_USAGE;
    }
}

static int parse_args(int argc, char **argv, import_args *ia)
{
    cx_import_options defaults = CX_IMPORT_OPTIONS_INIT;
    ia->opts = defaults;
    const char *env = getenv("CX_STORE");
    ia->store = env != NULL && *env != '\0' ? env : "cx.db";
    cli_args_init(&ia->a, argc, argv);
    int id, rc = 0;
    while (rc == 0 && (id = cli_next_option(&ia->a, options, "import")) != 0)
        rc = id < 0 ? CX_EXIT_USAGE : set_option(ia, id, ia->a.value);
    if (rc != 0)
        return rc;
    if (ia->a.n_operands == 0)
        return cli_usage_error("import", "name the files to import");
    if (ia->reject != NULL && !ia->opts.skip_bad)
        return cli_usage_error("import", "--reject needs --skip-bad");
    if (ia->reject != NULL && ia->a.n_operands > 1)
        return cli_usage_error("import", "--reject names one file; import one input at a time with it");
    return 0;
}

/* ---- progress ------------------------------------------------------------------ */

typedef struct progress_state {
    bool draw;
    double started;
} progress_state;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int on_progress(const cx_import_progress *p, void *payload)
{
    progress_state *st = payload;
    if (!st->draw)
        return CX_OK;
    char rows[32];
    cli_format_count(p->rows_read, rows, sizeof rows);
    if (p->bytes_total > 0) {
        int percent = (int)(100.0 * (double)p->bytes_read / (double)p->bytes_total);
        if (percent > 100)
            percent = 100;
        int filled = percent * 30 / 100;
        fprintf(stderr, "\r%s [%.*s%*s] %3d%%  %s rows", p->source, filled, "##############################",
                30 - filled, "", percent, rows);
    } else {
        fprintf(stderr, "\r%s  %s rows", p->source, rows);
    }
    if (p->done)
        fputs("\r\033[K", stderr);
    fflush(stderr);
    return CX_OK;
}

/* ---- one file -------------------------------------------------------------------- */

/* NAME.rejects.EXT beside the input (or in the current directory for -). */
static char *default_reject_path(const char *input)
{
    const char *base = strcmp(input, "-") == 0 ? "stdin.csv" : input;
    const char *slash = strrchr(base, '/');
    const char *dot = strrchr(slash ? slash + 1 : base, '.');
    size_t stem = dot ? (size_t)(dot - base) : strlen(base);
    const char *ext = dot ? dot : ".csv";
    size_t n = stem + strlen(".rejects") + strlen(ext) + 1;
    char *path = malloc(n);
    if (path != NULL)
        snprintf(path, n, "%.*s.rejects%s", (int)stem, base, ext);
    return path;
}

static void print_summary(const char *file, const cx_import_result *r, double seconds, const char *reject)
{
    char read[32], ins[32], upd[32], same[32], rej[32];
    cli_format_count(r->rows_read, read, sizeof read);
    cli_format_count(r->inserted, ins, sizeof ins);
    cli_format_count(r->updated, upd, sizeof upd);
    cli_format_count(r->unchanged, same, sizeof same);
    cli_format_count(r->rejected, rej, sizeof rej);
    printf("%s -> %s: %s rows read, %s new, %s updated, %s already stored, %s rejected (%.2f s)\n", file,
           cx_store_table_name(r->table), read, ins, upd, same, rej, seconds);
    if (r->rejected > 0)
        printf("  first rejected row: %s\n  rejected rows are in %s\n", r->first_bad_reason,
               reject ? reject : "(no reject file)");
}

static void print_json(const char *file, const cx_import_result *r, double seconds, int status, const char *reject)
{
    jw w;
    jw_init_compact(&w, stdout);
    jw_object(&w);
    jw_kstring(&w, "file", file);
    jw_kstring(&w, "table", cx_store_table_name(r->table));
    jw_kstring(&w, "status", status == CX_OK ? "ok" : "failed");
    jw_kint(&w, "rows_read", (int64_t)r->rows_read);
    jw_kint(&w, "inserted", (int64_t)r->inserted);
    jw_kint(&w, "updated", (int64_t)r->updated);
    jw_kint(&w, "unchanged", (int64_t)r->unchanged);
    jw_kint(&w, "rejected", (int64_t)r->rejected);
    jw_kint(&w, "batches", (int64_t)r->batches);
    jw_kint(&w, "last_committed_line", (int64_t)r->last_committed_line);
    jw_kstring(&w, "reject_file", r->rejected ? reject : NULL);
    jw_kstring(&w, "error", status == CX_OK ? NULL : cx_last_error());
    jw_knumber(&w, "seconds", seconds);
    jw_end(&w);
    jw_finish(&w);
}

/* After a failed import: what is in the store and what is not. */
static void explain_failure(const cx_import_result *r, int status)
{
    if (status == CX_ENOMEM || r->table == 0)
        return;
    if (r->batches == 0)
        fprintf(stderr, "cx import: nothing of this file was written\n");
    else
        fprintf(stderr,
                "cx import: %llu batch%s up to line %llu %s written; nothing after it was. Fix the file and run the "
                "import again: rows already stored are skipped\n",
                (unsigned long long)r->batches, r->batches == 1 ? "" : "es",
                (unsigned long long)r->last_committed_line, r->batches == 1 ? "was" : "were");
}

static int import_one(cx_store *s, import_args *ia, const char *file)
{
    cx_import_options o = ia->opts;
    char *reject = NULL;
    if (o.skip_bad) {
        reject = ia->reject ? strdup(ia->reject) : default_reject_path(file);
        if (reject == NULL)
            return cli_fail(CX_EXIT_FAILURE, "import", "out of memory");
        o.reject_path = reject;
    }
    progress_state ps = { !ia->quiet && !ia->json && cli_stderr_is_tty(), now_seconds() };
    o.progress = on_progress;
    o.payload = &ps;
    cx_import_result r = CX_IMPORT_RESULT_INIT;
    int status = strcmp(file, "-") == 0 ? cx_store_import_fd(&r, s, STDIN_FILENO, "stdin", &o)
                                        : cx_store_import_file(&r, s, file, &o);
    double seconds = now_seconds() - ps.started;
    if (ps.draw)
        fputs("\r\033[K", stderr);
    int rc = CX_EXIT_OK;
    if (ia->json)
        print_json(file, &r, seconds, status, reject);
    if (status != CX_OK) {
        rc = cli_fail_status("import", status);
        explain_failure(&r, status);
    } else if (!ia->quiet && !ia->json) {
        print_summary(file, &r, seconds, reject);
    }
    free(reject);
    return rc;
}

int cx_cmd_import(int argc, char **argv)
{
    import_args ia;
    memset(&ia, 0, sizeof ia);
    int rc = parse_args(argc, argv, &ia);
    if (rc != 0) {
        cli_args_free(&ia.a);
        return rc < 0 ? CX_EXIT_OK : rc;
    }
    cx_store *s = NULL;
    int status = cx_store_open(&s, ia.store, NULL);
    if (status != CX_OK) {
        cli_args_free(&ia.a);
        return cli_fail_status("import", status);
    }
    for (int i = 0; i < ia.a.n_operands && rc == CX_EXIT_OK; i++)
        rc = import_one(s, &ia, ia.a.operands[i]);
    cx_store_close(s);
    cli_args_free(&ia.a);
    return rc == CX_EXIT_OK ? cli_finish_stdout("import", rc) : rc;
}
