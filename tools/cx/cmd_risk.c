/*
 * cx risk: the customers most likely to leave, each with the reasons for
 * its score: the store's customers, events, tickets, answers and comments
 * fed into cx/customer.h and scored by cx/risk.h (built-in rules and
 * optional plugins); see risk_load.c for what becomes which signal.
 */
#include <stdlib.h>
#include <string.h>

#include "risk_load.h"

static const char *const help =
    "usage: cx risk [OPTIONS]\n"
    "\n"
    "Scores every customer of the store for churn risk (0..1) from their\n"
    "purchases, visits, tickets and replies, survey answers and the sentiment\n"
    "of their comments, and lists those most at risk with the reasons for\n"
    "their scores. Customers who have churned are left out. The rules and\n"
    "weights are in docs/scoring.md.\n"
    "\n"
    "options:\n"
    "  -s, --store FILE       the store (default $CX_STORE, else cx.db); opened read-only\n"
    "  -k, --top K            customers listed (default 20)\n"
    "      --as-of DATE       score as of this time (ISO 8601; default: the latest\n"
    "                         time in the store)\n"
    "      --plugin FILE      also load the rules of a plugin (a shared object; may\n"
    "                         be repeated); see docs/plugins.md\n"
    "      --include-churned  also list customers who churned by then\n"
    "  -j, --json             print one JSON object\n"
    "  -h, --help             this help\n"
    "\n"
    "Exit codes: 0 ok, 2 usage or a plugin that cannot be loaded, 4 the store\n"
    "cannot be read, 5 no customer events, 6 the store has a newer schema.\n";

enum { OPT_STORE = 1, OPT_TOP, OPT_AS_OF, OPT_PLUGIN, OPT_CHURNED, OPT_JSON, OPT_HELP };

static const cli_option options[] = {
    { "store", 's', true, OPT_STORE },   { "top", 'k', true, OPT_TOP },
    { "as-of", 0, true, OPT_AS_OF },     { "plugin", 0, true, OPT_PLUGIN },
    { "include-churned", 0, false, OPT_CHURNED }, { "json", 'j', false, OPT_JSON },
    { "help", 'h', false, OPT_HELP },    { NULL, 0, false, 0 },
};

typedef struct risk_args {
    const char *store;
    const char **plugins;
    bool json;
    risk_setup setup;
} risk_args;

static int set_option(risk_args *ra, int id, const char *v)
{
    uint64_t k;
    switch (id) {
    case OPT_STORE: ra->store = v; return 0;
    case OPT_TOP:
        if (!cli_parse_u64(v, &k) || k == 0 || k > 1000000)
            return cli_usage_error("risk", "--top %s is not a count in 1..1000000", v);
        ra->setup.top = (size_t)k;
        return 0;
    case OPT_AS_OF:
        return cli_parse_time(v, &ra->setup.as_of_ms) ? 0 : cli_usage_error("risk", "--as-of %s is not a date", v);
    case OPT_PLUGIN: ra->plugins[ra->setup.n_plugins++] = v; return 0;
    case OPT_CHURNED: ra->setup.include_churned = true; return 0;
    case OPT_JSON: ra->json = true; return 0;
    case OPT_HELP: fputs(help, stdout); return -1;
    default: return CX_EXIT_USAGE;
    }
}

static int parse_args(int argc, char **argv, risk_args *ra)
{
    ra->setup.as_of_ms = CX_STORE_NO_TIME;
    ra->setup.top = 20;
    if ((ra->plugins = calloc((size_t)argc + 1, sizeof *ra->plugins)) == NULL)
        return cli_fail(CX_EXIT_FAILURE, "risk", "out of memory");
    ra->setup.plugins = ra->plugins;
    const char *env = getenv("CX_STORE");
    ra->store = env != NULL && *env != '\0' ? env : "cx.db";
    cli_args a;
    cli_args_init(&a, argc, argv);
    int id, rc = 0;
    while (rc == 0 && (id = cli_next_option(&a, options, "risk")) != 0)
        rc = id < 0 ? CX_EXIT_USAGE : set_option(ra, id, a.value);
    if (rc == 0 && a.n_operands > 0)
        rc = cli_usage_error("risk", "unexpected argument \"%s\" (the store is given with --store)", a.operands[0]);
    cli_args_free(&a);
    return rc;
}

static void format_time(int64_t ms, char *buf, size_t cap)
{
    cli_format_date(ms, buf, cap);
    size_t n = strlen(buf);
    int64_t s = (ms / 1000) % 86400;
    if (s < 0)
        s += 86400;
    snprintf(buf + n, cap - n, "T%02d:%02d:%02dZ", (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60));
}

static void print_text(const risk_list *l)
{
    char when[40], scored[32], churned[32];
    format_time(l->as_of_ms, when, sizeof when);
    cli_format_count(l->scored, scored, sizeof scored);
    cli_format_count(l->churned, churned, sizeof churned);
    printf("Churn risk as of %s: %s customers scored (mean %.3f), %s who churned left out, %zu rules\n", when, scored,
           l->mean_score, churned, l->rules);
    printf("  %4s  %-16s %5s  %s\n", "rank", "customer", "score", "reasons (contribution to the score)");
    for (size_t i = 0; i < l->n_top; i++) {
        char reasons[1024];
        risk_reasons_text(reasons, sizeof reasons, l->top[i].why, 4, "; ");
        printf("  %4zu  %-16.16s %5.3f  %s\n", i + 1, l->top[i].id, l->top[i].score, reasons);
    }
}

static void print_json(const risk_list *l)
{
    char when[40];
    format_time(l->as_of_ms, when, sizeof when);
    jw w;
    jw_init(&w, stdout);
    jw_object(&w);
    jw_kstring(&w, "as_of", when);
    jw_kint(&w, "as_of_ms", l->as_of_ms);
    jw_kint(&w, "customers", (int64_t)l->customers);
    jw_kint(&w, "scored", (int64_t)l->scored);
    jw_kint(&w, "churned_left_out", (int64_t)l->churned);
    jw_knumber(&w, "mean_score", l->mean_score);
    jw_kint(&w, "rules", (int64_t)l->rules);
    jw_key(&w, "top");
    jw_array(&w);
    for (size_t i = 0; i < l->n_top; i++)
        risk_json_customer(&w, &l->top[i], i + 1);
    jw_end(&w);
    jw_end(&w);
    jw_finish(&w);
}

static int run(const risk_args *ra)
{
    cx_store *store = NULL;
    cx_store_options so = CX_STORE_OPTIONS_INIT;
    so.flags = CX_STORE_READ_ONLY;
    int st = cx_store_open(&store, ra->store, &so);
    if (st != CX_OK)
        return cli_fail_status("risk", st);
    risk_list l;
    st = risk_load(&l, store, &ra->setup);
    cx_store_close(store);
    int rc = CX_EXIT_OK;
    if (st == CX_EEMPTY && l.events == 0)
        rc = cli_fail(CX_EXIT_EMPTY, "risk", "the store %s holds no customer events to score", ra->store);
    else if (st == CX_EPLUGIN || (ra->setup.n_plugins > 0 && (st == CX_EVERSION || st == CX_EEXISTS)))
        rc = cli_fail(CX_EXIT_USAGE, "risk", "%s", cx_last_error());
    else if (st != CX_OK)
        rc = cli_fail_status("risk", st);
    else if (ra->json)
        print_json(&l);
    else
        print_text(&l);
    risk_list_free(&l);
    if (rc == CX_EXIT_OK)
        rc = cli_finish_stdout("risk", rc);
    return rc;
}

int cx_cmd_risk(int argc, char **argv)
{
    risk_args ra;
    memset(&ra, 0, sizeof ra);
    int rc = parse_args(argc, argv, &ra);
    if (rc == 0)
        rc = run(&ra);
    else if (rc < 0)
        rc = CX_EXIT_OK;
    free(ra.plugins);
    return rc;
}
