/*
 * cx metric KIND: one number per line on standard input, one result out
 * (the DESIGN.md contract): value, standard error, interval and count, as
 * text or as one JSON object.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json_writer.h"

static const char *const help =
    "usage: cx metric nps|csat|ces|fcr|duration [OPTIONS] < NUMBERS\n"
    "\n"
    "Reads one number per line on standard input (blank lines and lines\n"
    "starting with # are skipped) and prints the metric with its standard\n"
    "error, confidence interval and count.\n"
    "\n"
    "  nps       scores 0..10; value = % promoters (9-10) - % detractors (0-6)\n"
    "  csat      scores 1..5 (see --scale); value = % of scores >= 4 (--threshold)\n"
    "  ces       scores 1..7 (CES 2.0); value = mean\n"
    "  fcr       1 = resolved on first contact, 0 = not; value = % resolved\n"
    "  duration  seconds >= 0; value = median, also p90, mean, min, max\n"
    "\n"
    "options:\n"
    "  -c, --confidence C   confidence level of the interval, 0.95 by default\n"
    "                       (0.9, 0.99 or 90, 99 as percentages)\n"
    "      --scale MIN..MAX answer scale (csat, ces), e.g. 1..7\n"
    "      --threshold T    lowest satisfied answer (csat top-box), e.g. 6\n"
    "  -j, --json           print one JSON object: metric, value, std_error,\n"
    "                       ci_low, ci_high, count, confidence (+ shares, quantiles)\n"
    "  -h, --help           this help\n"
    "\n"
    "Exit codes: 0 ok, 2 usage, 3 a line is not a number or off the scale\n"
    "(the message names the line), 5 no numbers.\n";

enum { OPT_CONFIDENCE = 1, OPT_JSON, OPT_SCALE, OPT_THRESHOLD, OPT_HELP };

static const cli_option options[] = {
    { "confidence", 'c', true, OPT_CONFIDENCE },
    { "json", 'j', false, OPT_JSON },
    { "scale", 0, true, OPT_SCALE },
    { "threshold", 0, true, OPT_THRESHOLD },
    { "help", 'h', false, OPT_HELP },
    { NULL, 0, false, 0 },
};

typedef struct metric_args {
    cx_metric_kind kind;
    cx_metric_options opts;
    bool json;
} metric_args;

static bool parse_scale(const char *s, cx_metric_options *o)
{
    const char *dots = strstr(s, "..");
    if (dots == NULL)
        return false;
    char lo[32];
    size_t n = (size_t)(dots - s);
    if (n == 0 || n >= sizeof lo)
        return false;
    memcpy(lo, s, n);
    lo[n] = '\0';
    return cli_parse_double(lo, &o->scale_min) && cli_parse_double(dots + 2, &o->scale_max);
}

static int parse_args(int argc, char **argv, metric_args *m)
{
    cli_args a;
    cli_args_init(&a, argc, argv);
    cx_metric_options defaults = CX_METRIC_OPTIONS_INIT;
    m->opts = defaults;
    int id, rc = CX_EXIT_OK;
    while (rc == CX_EXIT_OK && (id = cli_next_option(&a, options, "metric")) != 0) {
        switch (id) {
        case OPT_CONFIDENCE:
            if (!cli_parse_confidence(a.value, &m->opts.confidence))
                rc = cli_usage_error("metric", "--confidence %s is not a level in (0, 1) or a percentage", a.value);
            break;
        case OPT_JSON: m->json = true; break;
        case OPT_SCALE:
            if (!parse_scale(a.value, &m->opts))
                rc = cli_usage_error("metric", "--scale %s is not MIN..MAX", a.value);
            break;
        case OPT_THRESHOLD:
            if (!cli_parse_double(a.value, &m->opts.threshold))
                rc = cli_usage_error("metric", "--threshold %s is not a number", a.value);
            break;
        case OPT_HELP:
            fputs(help, stdout);
            rc = -1;
            break;
        default: rc = CX_EXIT_USAGE; break;
        }
    }
    if (rc == CX_EXIT_OK && a.n_operands == 0)
        rc = cli_usage_error("metric", "name a metric (nps, csat, ces, fcr or duration)");
    else if (rc == CX_EXIT_OK && a.n_operands > 1)
        rc = cli_usage_error("metric", "give one metric, not %d", a.n_operands);
    if (rc == CX_EXIT_OK && cx_metric_kind_from_name(&m->kind, a.operands[0]) != CX_OK)
        rc = cli_usage_error("metric", "unknown metric \"%s\" (nps, csat, ces, fcr or duration)", a.operands[0]);
    if (rc == CX_EXIT_OK && m->kind == CX_METRIC_CXI)
        rc = cli_usage_error("metric", "the CX Index takes three answers per respondent; use the library");
    cli_args_free(&a);
    return rc;
}

static bool blank_or_comment(const char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    return *s == '\0' || *s == '#';
}

/* Feeds every line; the message of a bad one names it. */
static int read_values(cx_metric *m)
{
    char line[512];
    unsigned long number = 0;
    while (fgets(line, sizeof line, stdin) != NULL) {
        number++;
        if (blank_or_comment(line))
            continue;
        line[strcspn(line, "\r\n")] = '\0';
        char *text = line;
        while (isspace((unsigned char)*text))
            text++;
        size_t n = strlen(text);
        while (n > 0 && isspace((unsigned char)text[n - 1]))
            text[--n] = '\0';
        double v;
        if (!cli_parse_double(text, &v))
            return cli_fail(CX_EXIT_DATA, "metric", "stdin:%lu: \"%.40s\" is not a number", number, text);
        int rc = cx_metric_add(m, v);
        if (rc != CX_OK)
            return cli_fail(cli_exit_code(rc), "metric", "stdin:%lu: %s", number, cx_last_error());
    }
    if (ferror(stdin))
        return cli_fail(CX_EXIT_IO, "metric", "reading standard input failed");
    return CX_EXIT_OK;
}

typedef struct quantiles {
    double p50, p90;
} quantiles;

static void print_text(const metric_args *a, const cx_metric_result *r, const quantiles *q)
{
    const char *name = cx_metric_kind_name(a->kind);
    char upper[16];
    size_t i = 0;
    for (; name[i] && i + 1 < sizeof upper; i++)
        upper[i] = (char)toupper((unsigned char)name[i]);
    upper[i] = '\0';
    const char *unit = a->kind == CX_METRIC_CSAT || a->kind == CX_METRIC_FCR ? " %" : a->kind == CX_METRIC_DURATION ? " s" : "";
    printf("%s %.2f%s  %.0f%% CI [%.2f, %.2f]  SE %.3f  n=%llu\n", upper, r->value, unit, 100 * r->confidence,
           r->ci_low, r->ci_high, r->std_error, (unsigned long long)r->count);
    if (a->kind == CX_METRIC_NPS)
        printf("promoters %.1f %%  passives %.1f %%  detractors %.1f %%\n", 100 * r->promoters, 100 * r->passives,
               100 * r->detractors);
    if (a->kind == CX_METRIC_DURATION)
        printf("p90 %.2f s  mean %.2f s  min %.2f s  max %.2f s\n", q->p90, r->mean, r->min, r->max);
}

static void print_json(const metric_args *a, const cx_metric_result *r, const quantiles *q)
{
    jw w;
    jw_init(&w, stdout);
    jw_object(&w);
    jw_kstring(&w, "metric", cx_metric_kind_name(a->kind));
    jw_knumber(&w, "value", r->value);
    jw_knumber(&w, "std_error", r->std_error);
    jw_knumber(&w, "ci_low", r->ci_low);
    jw_knumber(&w, "ci_high", r->ci_high);
    jw_kint(&w, "count", (int64_t)r->count);
    jw_knumber(&w, "confidence", r->confidence);
    jw_knumber(&w, "mean", r->mean);
    jw_knumber(&w, "min", r->min);
    jw_knumber(&w, "max", r->max);
    if (a->kind == CX_METRIC_NPS) {
        jw_knumber(&w, "promoters", r->promoters);
        jw_knumber(&w, "passives", r->passives);
        jw_knumber(&w, "detractors", r->detractors);
    }
    if (a->kind == CX_METRIC_DURATION) {
        jw_knumber(&w, "p50", q->p50);
        jw_knumber(&w, "p90", q->p90);
    }
    jw_end(&w);
    jw_finish(&w);
}

int cx_cmd_metric(int argc, char **argv)
{
    metric_args a;
    memset(&a, 0, sizeof a);
    int rc = parse_args(argc, argv, &a);
    if (rc != CX_EXIT_OK)
        return rc < 0 ? CX_EXIT_OK : rc;
    cx_metric *m = NULL;
    int st = cx_metric_new(&m, a.kind, &a.opts);
    if (st != CX_OK)
        return cli_fail(CX_EXIT_USAGE, "metric", "%s", cx_last_error());
    if ((rc = read_values(m)) == CX_EXIT_OK) {
        cx_metric_result r = CX_METRIC_RESULT_INIT;
        quantiles q = { NAN, NAN };
        st = cx_metric_get_result(m, &r);
        if (st == CX_EEMPTY)
            rc = cli_fail(CX_EXIT_EMPTY, "metric", "no numbers on standard input");
        else if (st != CX_OK)
            rc = cli_fail_status("metric", st);
        else {
            if (a.kind == CX_METRIC_DURATION) {
                cx_metric_quantile(m, 0.5, &q.p50);
                cx_metric_quantile(m, 0.9, &q.p90);
            }
            if (a.json)
                print_json(&a, &r, &q);
            else
                print_text(&a, &r, &q);
        }
    }
    cx_metric_free(m);
    return rc == CX_EXIT_OK ? cli_finish_stdout("metric", rc) : rc;
}
