/*
 * cx report: reads a store through the library and prints its sections
 * (report_sections.def) to the terminal, as one JSON object, and/or as one
 * self-contained HTML page with inline SVG charts.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report.h"
#include "svg.h"

static const char *const help =
    "usage: cx report [OPTIONS]\n"
    "\n"
    "Summarises a store: what it holds; NPS, CSAT and CES over time with\n"
    "their intervals; answers and scores per touchpoint and channel; ticket\n"
    "service times and first-contact resolution per channel; activity per\n"
    "touchpoint and month; keywords of detractors and promoters and the\n"
    "sentiment of comments; journeys (funnel, graph, bottlenecks); the\n"
    "customers most at risk of churning, with their reasons. Definitions are\n"
    "in docs/cli.md.\n"
    "\n"
    "options:\n"
    "  -s, --store FILE       the store (default $CX_STORE, else cx.db); opened read-only\n"
    "  -p, --period P         trend buckets: week, month or auto (default: week for\n"
    "                         spans up to 26 weeks, else month)\n"
    "      --from DATE        only data from DATE (ISO 8601, e.g. 2025-01-01)\n"
    "      --to DATE          only data before DATE\n"
    "  -c, --confidence C     confidence level of the intervals (default 0.95)\n"
    "      --min-count N      withhold results of groups with fewer answers (default 30)\n"
    "      --calendar FILE    business hours (docs/service-metrics.md's calendar file):\n"
    "                         service times also in business time\n"
    "  -j, --json             print one JSON object instead of the text summary\n"
    "      --html FILE        also write the report as one self-contained HTML page\n"
    "  -q, --quiet            no text summary (with --html)\n"
    "  -h, --help             this help\n"
    "\n"
    "Exit codes: 0 ok, 2 usage, 3 a malformed calendar file, 4 the store, the\n"
    "calendar or the HTML file could not be read or written, 6 the store has a\n"
    "newer schema.\n";

enum { OPT_STORE = 1, OPT_PERIOD, OPT_FROM, OPT_TO, OPT_CONFIDENCE, OPT_MIN_COUNT, OPT_JSON, OPT_HTML, OPT_QUIET, OPT_HELP,
       OPT_CALENDAR };

static const cli_option options[] = {
    { "store", 's', true, OPT_STORE },
    { "period", 'p', true, OPT_PERIOD },
    { "from", 0, true, OPT_FROM },
    { "to", 0, true, OPT_TO },
    { "confidence", 'c', true, OPT_CONFIDENCE },
    { "min-count", 0, true, OPT_MIN_COUNT },
    { "json", 'j', false, OPT_JSON },
    { "html", 0, true, OPT_HTML },
    { "quiet", 'q', false, OPT_QUIET },
    { "help", 'h', false, OPT_HELP },
    { "calendar", 0, true, OPT_CALENDAR },
    { NULL, 0, false, 0 },
};

static const report_section *const sections[] = {
#define REPORT_SECTION(name) &report_##name,
#include "report_sections.def"
#undef REPORT_SECTION
};
#define N_SECTIONS (sizeof sections / sizeof sections[0])

typedef struct report_args {
    const char *store, *html;
    const char *period;
    bool json, quiet;
    report_ctx ctx;
} report_args;

static int set_option(report_args *ra, int id, const char *v)
{
    switch (id) {
    case OPT_STORE: ra->store = v; return 0;
    case OPT_PERIOD:
        if (strcmp(v, "week") != 0 && strcmp(v, "month") != 0 && strcmp(v, "auto") != 0)
            return cli_usage_error("report", "--period %s is not week, month or auto", v);
        ra->period = v;
        return 0;
    case OPT_FROM:
        return cli_parse_time(v, &ra->ctx.filter.from_ms) ? 0
                                                          : cli_usage_error("report", "--from %s is not a date", v);
    case OPT_TO:
        return cli_parse_time(v, &ra->ctx.filter.to_ms) ? 0 : cli_usage_error("report", "--to %s is not a date", v);
    case OPT_CONFIDENCE:
        return cli_parse_confidence(v, &ra->ctx.confidence)
                   ? 0
                   : cli_usage_error("report", "--confidence %s is not a level in (0, 1) or a percentage", v);
    case OPT_MIN_COUNT:
        return cli_parse_u64(v, &ra->ctx.min_count) ? 0
                                                     : cli_usage_error("report", "--min-count %s is not a count", v);
    case OPT_JSON: ra->json = true; return 0;
    case OPT_HTML: ra->html = v; return 0;
    case OPT_QUIET: ra->quiet = true; return 0;
    case OPT_CALENDAR: ra->ctx.calendar_path = v; return 0;
    case OPT_HELP: fputs(help, stdout); return -1;
    default: return CX_EXIT_USAGE;
    }
}

static int parse_args(int argc, char **argv, report_args *ra)
{
    cx_store_filter all = CX_STORE_FILTER_INIT;
    ra->ctx.filter = all;
    ra->ctx.confidence = 0.95;
    ra->ctx.min_count = 30;
    ra->period = "auto";
    const char *env = getenv("CX_STORE");
    ra->store = env != NULL && *env != '\0' ? env : "cx.db";
    cli_args a;
    cli_args_init(&a, argc, argv);
    int id, rc = 0;
    while (rc == 0 && (id = cli_next_option(&a, options, "report")) != 0)
        rc = id < 0 ? CX_EXIT_USAGE : set_option(ra, id, a.value);
    if (rc == 0 && a.n_operands > 0)
        rc = cli_usage_error("report", "unexpected argument \"%s\" (the store is given with --store)", a.operands[0]);
    cli_args_free(&a);
    return rc;
}

/* The span of the data: the earliest and latest event or answer. */
static void data_span(report_ctx *ctx)
{
    ctx->first_ms = ctx->last_ms = CX_STORE_NO_TIME;
    const cx_store_table tables[] = { CX_STORE_EVENTS, CX_STORE_ANSWERS, CX_STORE_TICKETS };
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        int64_t a, b;
        if (cx_store_time_span(&a, &b, ctx->store, tables[i]) != CX_OK)
            continue;
        if (ctx->first_ms == CX_STORE_NO_TIME || a < ctx->first_ms)
            ctx->first_ms = a;
        if (ctx->last_ms == CX_STORE_NO_TIME || b > ctx->last_ms)
            ctx->last_ms = b;
    }
    if (ctx->filter.from_ms != CX_STORE_NO_TIME && ctx->first_ms < ctx->filter.from_ms)
        ctx->first_ms = ctx->filter.from_ms;
    if (ctx->filter.to_ms != CX_STORE_NO_TIME && ctx->last_ms >= ctx->filter.to_ms)
        ctx->last_ms = ctx->filter.to_ms - 1;
}

static void choose_period(report_args *ra)
{
    bool weeks = strcmp(ra->period, "week") == 0;
    if (strcmp(ra->period, "auto") == 0)
        weeks = ra->ctx.first_ms == CX_STORE_NO_TIME || ra->ctx.last_ms - ra->ctx.first_ms <= 26LL * 7 * 86400000;
    ra->ctx.period = weeks ? CX_PERIOD_ISO_WEEK : CX_PERIOD_MONTH;
    ra->ctx.period_name = weeks ? "week" : "month";
}

/* ---- output --------------------------------------------------------------- */

static void print_text(const report_ctx *ctx, void *const *states, FILE *out)
{
    for (size_t i = 0; i < N_SECTIONS; i++) {
        fprintf(out, "%s%s\n", i ? "\n" : "", sections[i]->title);
        sections[i]->text(ctx, states[i], out);
    }
}

static void print_json(const report_ctx *ctx, void *const *states, FILE *out)
{
    jw w;
    jw_init(&w, out);
    jw_object(&w);
    jw_kstring(&w, "libcx", cx_version_string());
    jw_key(&w, "sections");
    jw_object(&w);
    for (size_t i = 0; i < N_SECTIONS; i++) {
        jw_key(&w, sections[i]->name);
        sections[i]->json(ctx, states[i], &w);
    }
    jw_end(&w);
    jw_end(&w);
    jw_finish(&w);
}

static const char page_css[] =
    "body{font:15px/1.45 system-ui,sans-serif;color:#222;max-width:980px;margin:0 auto;padding:1rem 1.5rem}"
    "h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:2px solid #4e79a7}"
    "nav a{margin-right:1rem}table{border-collapse:collapse;margin:.5rem 0 1rem}"
    "th,td{padding:.2rem .7rem;border-bottom:1px solid #e3e3e3;text-align:left}td.num{text-align:right;"
    "font-variant-numeric:tabular-nums;white-space:nowrap}.cards{display:flex;flex-wrap:wrap;gap:.6rem}.card{border:1px solid #ddd;"
    "border-radius:6px;padding:.4rem .8rem;min-width:7rem}.card b{display:block;font-size:1.3rem}"
    ".card span{color:#666;font-size:.85rem}footer{margin-top:3rem;color:#777;font-size:.85rem}";

static void write_html(const report_ctx *ctx, void *const *states, FILE *out)
{
    char now[32];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(now, sizeof now, "%Y-%m-%d %H:%M UTC", &tm);
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>CX report: ",
          out);
    html_text(out, ctx->store_path);
    fprintf(out, "</title><style>%s%s</style></head>\n<body>\n<h1>Customer-experience report</h1>\n<p>Store <code>",
            page_css, svg_css);
    html_text(out, ctx->store_path);
    fprintf(out, "</code>, generated %s.</p>\n<nav>", now);
    for (size_t i = 0; i < N_SECTIONS; i++)
        fprintf(out, "<a href=\"#%s\">%s</a>", sections[i]->name, sections[i]->title);
    fputs("</nav>\n", out);
    for (size_t i = 0; i < N_SECTIONS; i++) {
        fprintf(out, "<section id=\"%s\"><h2>%s</h2>\n", sections[i]->name, sections[i]->title);
        sections[i]->html(ctx, states[i], out);
        fputs("</section>\n", out);
    }
    fprintf(out, "<footer>cx report, libcx %s. Intervals: adjusted Wald (NPS), Wilson (shares), Student t "
                 "(means); see docs/cli.md.</footer>\n</body></html>\n",
            cx_version_string());
}

static int save_html(const char *path, const report_ctx *ctx, void *const *states)
{
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return cli_fail(CX_EXIT_IO, "report", "cannot create %s: %s", path, strerror(errno));
    write_html(ctx, states, f);
    int failed = ferror(f);
    int saved_errno = errno;
    if (fclose(f) != 0 && !failed) {
        failed = 1;
        saved_errno = errno;
    }
    if (failed)
        return cli_fail(CX_EXIT_IO, "report", "writing %s failed: %s", path, strerror(saved_errno));
    return CX_EXIT_OK;
}

static int collect_all(const report_ctx *ctx, void **states)
{
    for (size_t i = 0; i < N_SECTIONS; i++) {
        int st = sections[i]->collect(ctx, &states[i]);
        if (st != CX_OK) {
            if (st == CX_ENOMEM)
                return cli_fail(CX_EXIT_FAILURE, "report", "out of memory in section %s", sections[i]->name);
            return cli_fail(cli_exit_code(st), "report", "section %s: %s", sections[i]->name, cx_last_error());
        }
    }
    return CX_EXIT_OK;
}

int cx_cmd_report(int argc, char **argv)
{
    report_args ra;
    memset(&ra, 0, sizeof ra);
    int rc = parse_args(argc, argv, &ra);
    if (rc != 0)
        return rc < 0 ? CX_EXIT_OK : rc;
    cx_calendar *cal = NULL;
    if (ra.ctx.calendar_path != NULL && (rc = cli_load_calendar("report", ra.ctx.calendar_path, &cal)) != 0)
        return rc;
    ra.ctx.calendar = cal;
    cx_store_options so = CX_STORE_OPTIONS_INIT;
    so.flags = CX_STORE_READ_ONLY;
    int st = cx_store_open(&ra.ctx.store, ra.store, &so);
    if (st != CX_OK) {
        cx_calendar_free(cal);
        return cli_fail_status("report", st);
    }
    ra.ctx.store_path = ra.store;
    data_span(&ra.ctx);
    choose_period(&ra);
    void *states[N_SECTIONS] = { NULL };
    rc = collect_all(&ra.ctx, states);
    if (rc == CX_EXIT_OK && ra.json)
        print_json(&ra.ctx, states, stdout);
    else if (rc == CX_EXIT_OK && !ra.quiet)
        print_text(&ra.ctx, states, stdout);
    if (rc == CX_EXIT_OK)
        rc = cli_finish_stdout("report", rc);
    if (rc == CX_EXIT_OK && ra.html != NULL)
        rc = save_html(ra.html, &ra.ctx, states);
    for (size_t i = 0; i < N_SECTIONS; i++)
        if (states[i] != NULL)
            sections[i]->release(states[i]);
    cx_store_close(ra.ctx.store);
    cx_calendar_free(cal);
    return rc;
}
