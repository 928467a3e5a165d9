/*
 * cx journey: customer journeys from an events file (the DESIGN.md
 * contract: `cx journey --json EVENTS.csv`) or from a store: the funnel of
 * the touchpoints' stages, the most frequent paths, the bottlenecks, and
 * the directly-follows graph as JSON or Graphviz DOT.
 */
#include <stdlib.h>
#include <string.h>

#include "journey_load.h"

static const char *const help =
    "usage: cx journey [OPTIONS] [EVENTS]\n"
    "\n"
    "Follows each customer's events from touchpoint to touchpoint. EVENTS is a\n"
    "CSV or JSON Lines file of events (customer_id, touchpoint, timestamp as\n"
    "ISO 8601 or epoch milliseconds; '-' reads standard input); without it the\n"
    "events, touchpoints and stages of the store are read. Prints the funnel of\n"
    "the stages, the most frequent paths and the bottlenecks.\n"
    "\n"
    "options:\n"
    "  -s, --store FILE       the store (default $CX_STORE, else cx.db); opened read-only\n"
    "  -m, --map F=COL,...    read a field from a column of another name\n"
    "                         (customer_id=user,timestamp=ts; see docs/data-format.md)\n"
    "      --stages A,B,...   the funnel's stages in order (default: the stages of the\n"
    "                         store's touchpoints, in the order they were imported)\n"
    "      --goal A,...       goal stages (default: the stages of the touchpoints where\n"
    "                         events of type purchase happen, else the last stage)\n"
    "      --gap DURATION     a pause longer than this starts a new journey: 30m, 12h,\n"
    "                         7d, seconds, or 0 for one journey per customer (default:\n"
    "                         0 for an events file; 7d for a store, as in cx report)\n"
    "      --from DATE        only events from DATE (ISO 8601)\n"
    "      --to DATE          only events before DATE\n"
    "      --collapse         count repeats of a touchpoint in a row once (A A B: A B)\n"
    "  -k, --top K            paths and transitions listed (default 10; --json: all paths)\n"
    "  -j, --json             one JSON object: cases, variants, edges (and funnel)\n"
    "      --dot              the directly-follows graph in Graphviz DOT\n"
    "  -h, --help             this help\n"
    "\n"
    "Exit codes: 0 ok, 2 usage, 3 a bad row in EVENTS (named), 4 a file or the\n"
    "store cannot be read, 5 no events, 6 the store has a newer schema.\n";

enum {
    OPT_STORE = 1, OPT_MAP, OPT_STAGES, OPT_GOAL, OPT_GAP, OPT_FROM, OPT_TO, OPT_TOP, OPT_JSON, OPT_DOT,
    OPT_COLLAPSE, OPT_HELP
};

static const cli_option options[] = {
    { "store", 's', true, OPT_STORE },      { "map", 'm', true, OPT_MAP },    { "stages", 0, true, OPT_STAGES },
    { "goal", 0, true, OPT_GOAL },          { "gap", 0, true, OPT_GAP },      { "from", 0, true, OPT_FROM },
    { "to", 0, true, OPT_TO },              { "top", 'k', true, OPT_TOP },    { "json", 'j', false, OPT_JSON },
    { "dot", 0, false, OPT_DOT },           { "collapse", 0, false, OPT_COLLAPSE },
    { "help", 'h', false, OPT_HELP },       { NULL, 0, false, 0 },
};

typedef struct journey_args {
    const char *store, *events;
    uint64_t top;
    bool json, dot, top_given, collapse, gap_given;
    journey_setup setup;
} journey_args;

static int set_option(journey_args *ja, int id, const char *v)
{
    switch (id) {
    case OPT_STORE: ja->store = v; return 0;
    case OPT_MAP: ja->setup.column_map = v; return 0;
    case OPT_STAGES: ja->setup.stages = v; return 0;
    case OPT_GOAL: ja->setup.goals = v; return 0;
    case OPT_GAP:
        ja->gap_given = true;
        return journey_parse_gap(v, &ja->setup.gap_ms)
                   ? 0
                   : cli_usage_error("journey", "--gap %s is not a duration such as 30m, 12h, 7d or 3600", v);
    case OPT_FROM:
        return cli_parse_time(v, &ja->setup.filter.from_ms) ? 0
                                                             : cli_usage_error("journey", "--from %s is not a date", v);
    case OPT_TO:
        return cli_parse_time(v, &ja->setup.filter.to_ms) ? 0 : cli_usage_error("journey", "--to %s is not a date", v);
    case OPT_TOP:
        ja->top_given = true;
        return cli_parse_u64(v, &ja->top) && ja->top > 0 ? 0 : cli_usage_error("journey", "--top %s is not a count", v);
    case OPT_JSON: ja->json = true; return 0;
    case OPT_DOT: ja->dot = true; return 0;
    case OPT_COLLAPSE: ja->collapse = true; return 0;
    case OPT_HELP: fputs(help, stdout); return -1;
    default: return CX_EXIT_USAGE;
    }
}

static int check_args(journey_args *ja, const cli_args *a)
{
    if (a->n_operands > 1)
        return cli_usage_error("journey", "give one events file, not %d", a->n_operands);
    ja->events = a->n_operands == 1 ? a->operands[0] : NULL;
    if (ja->events != NULL && ja->store != NULL)
        return cli_usage_error("journey", "give an events file or a store (-s), not both");
    if (ja->events != NULL && (ja->setup.stages != NULL || ja->setup.goals != NULL))
        return cli_usage_error("journey", "--stages and --goal need the touchpoints' stages: import the events "
                                          "and touchpoints into a store and use -s");
    if (ja->events == NULL && ja->setup.column_map != NULL)
        return cli_usage_error("journey", "--map applies to an events file");
    if (ja->json && ja->dot)
        return cli_usage_error("journey", "choose --json or --dot");
    return 0;
}

static int parse_args(int argc, char **argv, journey_args *ja)
{
    journey_setup_init(&ja->setup);
    ja->top = 10;
    cli_args a;
    cli_args_init(&a, argc, argv);
    int id, rc = 0;
    while (rc == 0 && (id = cli_next_option(&a, options, "journey")) != 0)
        rc = id < 0 ? CX_EXIT_USAGE : set_option(ja, id, a.value);
    if (rc == 0)
        rc = check_args(ja, &a);
    cli_args_free(&a);
    if (rc == 0 && ja->events == NULL && ja->store == NULL) {
        const char *env = getenv("CX_STORE");
        ja->store = env != NULL && *env != '\0' ? env : "cx.db";
    }
    if (ja->store != NULL && !ja->gap_given)
        ja->setup.gap_ms = JOURNEY_REPORT_GAP_MS;
    return rc;
}

static int load(journey_args *ja, cx_journey **j)
{
    int st;
    if (ja->events != NULL) {
        st = journey_from_file(j, ja->events, &ja->setup);
    } else {
        cx_store *store = NULL;
        cx_store_options so = CX_STORE_OPTIONS_INIT;
        so.flags = CX_STORE_READ_ONLY;
        st = cx_store_open(&store, ja->store, &so);
        if (st == CX_OK)
            st = journey_from_store(j, store, &ja->setup);
        cx_store_close(store);
    }
    if (st == CX_EINVAL && ja->setup.error[0] != '\0')
        return cli_usage_error("journey", "%s", ja->setup.error);
    if (st != CX_OK)
        return cli_fail_status("journey", st);
    cx_journey_summary sum = CX_JOURNEY_SUMMARY_INIT;
    if (cx_journey_get_summary(&sum, *j) == CX_OK && sum.events == 0)
        return cli_fail(CX_EXIT_EMPTY, "journey", "no events%s", ja->events ? " in the file" : " in the store");
    return CX_EXIT_OK;
}

static int print_buffer(cx_journey *j, const journey_args *ja)
{
    cx_buffer b = CX_BUFFER_INIT;
    int st;
    if (ja->dot) {
        cx_dfg *g = NULL;
        cx_dfg_options o = CX_DFG_OPTIONS_INIT;
        o.collapse_repeats = ja->collapse;
        st = cx_journey_dfg(&g, j, &o);
        if (st == CX_OK)
            st = cx_dfg_to_dot(&b, g);
        cx_dfg_free(g);
    } else {
        cx_journey_json_options o = CX_JOURNEY_JSON_OPTIONS_INIT;
        o.top_k = ja->top_given ? (size_t)ja->top : 0;
        o.collapse_repeats = ja->collapse;
        st = cx_journey_to_json(&b, j, &o);
    }
    if (st == CX_OK)
        printf("%s%s", b.data, b.size > 0 && b.data[b.size - 1] == '\n' ? "" : "\n");
    cx_buffer_dispose(&b);
    return st == CX_OK ? CX_EXIT_OK : cli_fail_status("journey", st);
}

static void print_header(cx_journey *j, const journey_args *ja)
{
    cx_journey_summary s = CX_JOURNEY_SUMMARY_INIT;
    cx_journey_get_summary(&s, j);
    char cases[32], customers[32], events[32], gap[16];
    cli_format_count(s.cases, cases, sizeof cases);
    cli_format_count(s.customers, customers, sizeof customers);
    cli_format_count(s.events, events, sizeof events);
    cli_format_duration((double)ja->setup.gap_ms / 1000, gap, sizeof gap);
    printf("Journeys: %s of %s customers, %s events at %llu touchpoints; ", cases, customers, events,
           (unsigned long long)s.touchpoints);
    if (ja->setup.gap_ms > 0)
        printf("a pause over %s starts a new journey\n", gap);
    else
        printf("one journey per customer\n");
}

static bool has_goals(const cx_journey *j)
{
    size_t n = 0;
    cx_journey_stage_count(&n, j);
    for (size_t i = 0; i < n; i++) {
        int goal = 0;
        if (cx_journey_get_stage(NULL, &goal, j, i) == CX_OK && goal)
            return true;
    }
    return false;
}

static int print_text(cx_journey *j, const journey_args *ja)
{
    print_header(j, ja);
    bool goals = has_goals(j);
    cx_funnel *f = NULL;
    cx_variants *v = NULL;
    cx_dfg *lost = NULL, *slow = NULL;
    cx_dfg_options by_lost = CX_DFG_OPTIONS_INIT, by_time = CX_DFG_OPTIONS_INIT;
    cx_variant_options vo = CX_VARIANT_OPTIONS_INIT;
    by_lost.order = CX_DFG_ORDER_LOST;
    by_time.order = CX_DFG_ORDER_TOTAL_TIME;
    by_lost.collapse_repeats = by_time.collapse_repeats = vo.collapse_repeats = ja->collapse;
    int st = cx_journey_funnel(&f, j, NULL);
    if (st == CX_OK) {
        printf("\nFunnel\n");
        journey_print_funnel(stdout, f);
    }
    st = st == CX_EEMPTY ? CX_OK : st;
    if (st == CX_OK && (st = cx_journey_variants(&v, j, &vo)) == CX_OK) {
        printf("\nMost frequent paths (journeys, share, %spath)\n", goals ? "goal rate, " : "");
        journey_print_variants(stdout, v, (size_t)ja->top, goals);
    }
    if (st == CX_OK && goals && (st = cx_journey_dfg(&lost, j, &by_lost)) == CX_OK) {
        printf("\nBottlenecks: transitions after which journeys end without reaching a goal\n");
        journey_print_edges(stdout, lost, (size_t)ja->top, false);
    }
    if (st == CX_OK && (st = cx_journey_dfg(&slow, j, &by_time)) == CX_OK) {
        printf("\nSlowest transitions: count x mean time = their total time, most first\n");
        journey_print_edges(stdout, slow, (size_t)ja->top, true);
    }
    cx_funnel_free(f);
    cx_variants_free(v);
    cx_dfg_free(lost);
    cx_dfg_free(slow);
    return st == CX_OK ? CX_EXIT_OK : cli_fail_status("journey", st);
}

int cx_cmd_journey(int argc, char **argv)
{
    journey_args ja;
    memset(&ja, 0, sizeof ja);
    int rc = parse_args(argc, argv, &ja);
    if (rc != 0)
        return rc < 0 ? CX_EXIT_OK : rc;
    cx_journey *j = NULL;
    rc = load(&ja, &j);
    if (rc == CX_EXIT_OK)
        rc = ja.json || ja.dot ? print_buffer(j, &ja) : print_text(j, &ja);
    cx_journey_free(j);
    if (rc == CX_EXIT_OK)
        rc = cli_finish_stdout("journey", rc);
    return rc;
}
