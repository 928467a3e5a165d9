/*
 * cx lifetime: the BG/NBD (or Pareto/NBD) purchase model fitted to
 * per-customer summaries (the DESIGN.md contract: `cx lifetime --json
 * SUMMARY.csv`), or to summaries built from a store's purchase events;
 * then per customer P(alive), expected purchases and, with purchase
 * values, the Gamma-Gamma spend model and a discounted lifetime value.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json_writer.h"
#include "lifetime_load.h"

static const char *const help =
    "usage: cx lifetime [OPTIONS] [SUMMARY]\n"
    "\n"
    "Fits a customer-base model to one row per customer: frequency (repeat\n"
    "purchases), recency (time of the last purchase after the first) and T\n"
    "(time from the first purchase to the end of observation), in one time\n"
    "unit. SUMMARY is a CSV file with the columns customer_id, frequency,\n"
    "recency, T and optionally monetary_value ('-': standard input); without\n"
    "it the summaries are built from the purchase events of the store. Prints\n"
    "the fit and the customers of highest lifetime value (or, without values,\n"
    "most expected purchases) with P(alive).\n"
    "\n"
    "options:\n"
    "  -s, --store FILE         the store (default $CX_STORE, else cx.db); opened read-only\n"
    "      --calibration-end DATE  summarise purchases up to DATE, a date including its\n"
    "                           whole day (UTC) (store; default: the latest purchase)\n"
    "      --period day|week    the time unit (of the file; of the summaries; default week)\n"
    "      --model bgnbd|pareto_nbd  the purchase model (default bgnbd)\n"
    "      --horizon N          periods ahead for expected purchases and value (default:\n"
    "                           a year, 52 weeks or 365 days)\n"
    "      --discount R         yearly discount rate of the value (default 0.1)\n"
    "  -k, --top K              customers listed (default 20)\n"
    "  -j, --json               one JSON object: r, alpha, a, b, log_likelihood, ... top\n"
    "  -h, --help               this help\n"
    "\n"
    "Exit codes: 0 ok, 2 usage, 3 a bad row (named) or a fit that does not\n"
    "converge, 4 a file or the store cannot be read, 5 no purchases.\n";

enum { OPT_STORE = 1, OPT_CAL_END, OPT_PERIOD, OPT_MODEL, OPT_HORIZON, OPT_DISCOUNT, OPT_TOP, OPT_JSON, OPT_HELP };

static const cli_option options[] = {
    { "store", 's', true, OPT_STORE },      { "calibration-end", 0, true, OPT_CAL_END },
    { "period", 0, true, OPT_PERIOD },      { "model", 0, true, OPT_MODEL },
    { "horizon", 0, true, OPT_HORIZON },    { "discount", 0, true, OPT_DISCOUNT },
    { "top", 'k', true, OPT_TOP },          { "json", 'j', false, OPT_JSON },
    { "help", 'h', false, OPT_HELP },       { NULL, 0, false, 0 },
};

typedef struct lifetime_args {
    const char *store, *summary;
    int64_t calibration_end_ms;
    bool weeks, json;
    cx_lifetime_model model;
    uint64_t horizon, top;
    double discount;
} lifetime_args;

static int set_option(lifetime_args *la, int id, const char *v)
{
    switch (id) {
    case OPT_STORE: la->store = v; return 0;
    case OPT_CAL_END:
        if (!cli_parse_time(v, &la->calibration_end_ms))
            return cli_usage_error("lifetime", "--calibration-end %s is not a date", v);
        if (strlen(v) == 10) /* a date: up to the end of that day (UTC) */
            la->calibration_end_ms += 86400000 - 1;
        return 0;
    case OPT_PERIOD:
        if (strcmp(v, "day") != 0 && strcmp(v, "week") != 0)
            return cli_usage_error("lifetime", "--period %s is not day or week", v);
        la->weeks = strcmp(v, "week") == 0;
        return 0;
    case OPT_MODEL:
        if (strcmp(v, "bgnbd") != 0 && strcmp(v, "pareto_nbd") != 0)
            return cli_usage_error("lifetime", "--model %s is not bgnbd or pareto_nbd", v);
        la->model = strcmp(v, "bgnbd") == 0 ? CX_LIFETIME_BGNBD : CX_LIFETIME_PARETO_NBD;
        return 0;
    case OPT_HORIZON:
        return cli_parse_u64(v, &la->horizon) && la->horizon >= 1 && la->horizon <= 100000
                   ? 0
                   : cli_usage_error("lifetime", "--horizon %s is not a number of periods in 1..100000", v);
    case OPT_DISCOUNT:
        return cli_parse_double(v, &la->discount) && la->discount >= 0 && la->discount < 10
                   ? 0
                   : cli_usage_error("lifetime", "--discount %s is not a yearly rate in 0..10", v);
    case OPT_TOP:
        return cli_parse_u64(v, &la->top) && la->top >= 1 ? 0
                                                           : cli_usage_error("lifetime", "--top %s is not a count", v);
    case OPT_JSON: la->json = true; return 0;
    case OPT_HELP: fputs(help, stdout); return -1;
    default: return CX_EXIT_USAGE;
    }
}

static int parse_args(int argc, char **argv, lifetime_args *la)
{
    *la = (lifetime_args){ NULL, NULL, CX_STORE_NO_TIME, true, false, CX_LIFETIME_BGNBD, 0, 20, 0.1 };
    cli_args a;
    cli_args_init(&a, argc, argv);
    int id, rc = 0;
    while (rc == 0 && (id = cli_next_option(&a, options, "lifetime")) != 0)
        rc = id < 0 ? CX_EXIT_USAGE : set_option(la, id, a.value);
    if (rc == 0 && a.n_operands > 1)
        rc = cli_usage_error("lifetime", "give one summary file, not %d", a.n_operands);
    la->summary = rc == 0 && a.n_operands == 1 ? a.operands[0] : NULL;
    if (rc == 0 && la->summary != NULL && la->store != NULL)
        rc = cli_usage_error("lifetime", "give a summary file or a store (-s), not both");
    if (rc == 0 && la->summary != NULL && la->calibration_end_ms != CX_STORE_NO_TIME)
        rc = cli_usage_error("lifetime", "--calibration-end applies to a store; a summary file is already summarised");
    cli_args_free(&a);
    if (la->horizon == 0)
        la->horizon = la->weeks ? 52 : 365;
    if (rc == 0 && la->summary == NULL && la->store == NULL) {
        const char *env = getenv("CX_STORE");
        la->store = env != NULL && *env != '\0' ? env : "cx.db";
    }
    return rc;
}

static int load(lifetime_rows *rows, const lifetime_args *la)
{
    if (la->summary != NULL)
        return lifetime_rows_from_csv(rows, la->summary);
    cx_store *store = NULL;
    cx_store_options so = CX_STORE_OPTIONS_INIT;
    so.flags = CX_STORE_READ_ONLY;
    int st = cx_store_open(&store, la->store, &so);
    cx_lifetime_summary_options o = CX_LIFETIME_SUMMARY_OPTIONS_INIT;
    o.calibration_end_ms = la->calibration_end_ms;
    o.period_ms = la->weeks ? CX_LIFETIME_WEEK_MS : CX_LIFETIME_DAY_MS;
    if (st == CX_OK)
        st = lifetime_rows_from_store(rows, store, &o);
    cx_store_close(store);
    if (st == CX_EEMPTY)
        return cli_fail(CX_EXIT_EMPTY, "lifetime", "no purchases (events of type purchase) to summarise in %s: %s",
                        la->store, cx_last_error());
    return st == CX_OK ? CX_EXIT_OK : cli_fail_status("lifetime", st);
}

typedef struct ranked {
    double key;
    size_t row;
} ranked;

/* What is computed per customer, and the order they are listed in. */
typedef struct outlook {
    cx_lifetime_fit fit;
    cx_lifetime_spend_fit spend;
    bool has_spend;
    char spend_error[256];
    double *alive, *expected, *value, *clv;
    ranked *order;
} outlook;

static void outlook_free(outlook *o)
{
    free(o->alive);
    free(o->expected);
    free(o->value);
    free(o->clv);
    free(o->order);
}

static int spend_and_value(outlook *o, const lifetime_rows *r, const lifetime_args *la)
{
    cx_lifetime_spend_fit sf = CX_LIFETIME_SPEND_FIT_INIT;
    int st = cx_lifetime_fit_spend(&sf, r->x, r->m, NULL, r->n, NULL);
    if (st == CX_OK)
        st = cx_lifetime_expected_spend(o->value, &sf, r->x, r->m, r->n);
    cx_lifetime_clv_options co = CX_LIFETIME_CLV_OPTIONS_INIT;
    co.periods = (unsigned)la->horizon;
    co.discount_rate = pow(1 + la->discount, (la->weeks ? 7 : 1) / 365.25) - 1;
    if (st == CX_OK)
        st = cx_lifetime_clv(o->clv, &o->fit, &sf, r->x, r->t_x, r->T, r->m, r->n, &co);
    if (st == CX_ENOMEM)
        return st;
    o->has_spend = st == CX_OK;
    o->spend = sf;
    if (st != CX_OK)
        snprintf(o->spend_error, sizeof o->spend_error, "%s", cx_last_error());
    return CX_OK;
}

static int by_key(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? 1 : -1;
    return (x->row > y->row) - (x->row < y->row);
}

static int compute(outlook *o, const lifetime_rows *r, const lifetime_args *la)
{
    size_t n = r->n;
    o->fit = (cx_lifetime_fit)CX_LIFETIME_FIT_INIT;
    int st = cx_lifetime_fit_purchases(&o->fit, la->model, r->x, r->t_x, r->T, NULL, n, NULL);
    if (st != CX_OK)
        return cli_fail(st == CX_ESTATE ? CX_EXIT_DATA : cli_exit_code(st), "lifetime", "%s", cx_last_error());
    o->alive = malloc(n * sizeof *o->alive);
    o->expected = malloc(n * sizeof *o->expected);
    o->value = malloc(n * sizeof *o->value);
    o->clv = malloc(n * sizeof *o->clv);
    o->order = malloc(n * sizeof *o->order);
    if (!o->alive || !o->expected || !o->value || !o->clv || !o->order)
        return cli_fail(CX_EXIT_FAILURE, "lifetime", "out of memory");
    st = cx_lifetime_p_alive(o->alive, &o->fit, 0, r->x, r->t_x, r->T, n);
    if (st == CX_OK)
        st = cx_lifetime_expected_purchases(o->expected, &o->fit, (double)la->horizon, r->x, r->t_x, r->T, n);
    if (st == CX_OK && r->m != NULL)
        st = spend_and_value(o, r, la);
    if (st != CX_OK)
        return cli_fail_status("lifetime", st);
    for (size_t i = 0; i < n; i++)
        o->order[i] = (ranked){ o->has_spend ? o->clv[i] : o->expected[i], i };
    qsort(o->order, n, sizeof *o->order, by_key);
    return CX_EXIT_OK;
}

static const char *unit(const lifetime_args *la)
{
    return la->weeks ? "week" : "day";
}

static void print_fit(const cx_lifetime_fit *f, const lifetime_rows *r, const lifetime_args *la)
{
    char n[32];
    cli_format_count(r->n, n, sizeof n);
    bool bg = f->model == CX_LIFETIME_BGNBD;
    char rows[32];
    cli_format_count(f->rows, rows, sizeof rows);
    printf("%s fit on %s customers (%s distinct rows; time unit: %s)\n", bg ? "BG/NBD" : "Pareto/NBD", n, rows,
           unit(la));
    printf("  r      %10.4f  (SE %.4f)\n  alpha  %10.4f  (SE %.4f)\n", f->r, f->std_error_r, f->alpha,
           f->std_error_alpha);
    if (bg)
        printf("  a      %10.4f  (SE %.4f)\n  b      %10.4f  (SE %.4f)\n", f->a, f->std_error_a, f->b, f->std_error_b);
    else
        printf("  s      %10.4f  (SE %.4f)\n  beta   %10.4f  (SE %.4f)\n", f->s, f->std_error_s, f->beta,
               f->std_error_beta);
    printf("  log-likelihood %.4f; converged in %u iterations, %u of %u starts agree\n", f->log_likelihood,
           f->iterations, f->starts_agreeing, f->starts);
}

static void print_text(const outlook *o, const lifetime_rows *r, const lifetime_args *la)
{
    print_fit(&o->fit, r, la);
    if (r->from_store) {
        char end[16], purchases[32];
        cli_format_date(r->calibration_end_ms, end, sizeof end);
        cli_format_count(r->purchases, purchases, sizeof purchases);
        printf("  calibration up to %s, from the store's %s purchase events (%zu customers first buying later left "
               "out)\n", end, purchases, r->skipped);
    }
    if (o->has_spend)
        printf("Gamma-Gamma spend: p %.4f, q %.4f, gamma %.4f; mean spend per purchase %.2f\n", o->spend.p, o->spend.q,
               o->spend.gamma, o->spend.mean_spend);
    else if (r->m != NULL)
        printf("No spend model: %s\n", o->spend_error);
    printf("\nTop %llu customers by %s over %llu %ss%s\n", (unsigned long long)la->top,
           o->has_spend ? "lifetime value" : "expected purchases", (unsigned long long)la->horizon, unit(la),
           o->has_spend ? "" : " (no purchase values: no lifetime value)");
    printf("  %-16s %6s %8s %8s %9s %12s %10s %10s\n", "customer", "x", "t_x", "T", "P(alive)", "E[purchases]",
           "E[spend]", "value");
    for (size_t k = 0; k < r->n && k < la->top; k++) {
        size_t i = o->order[k].row;
        printf("  %-16.16s %6.0f %8.2f %8.2f %9.3f %12.3f", r->ids[i], r->x[i], r->t_x[i], r->T[i], o->alive[i],
               o->expected[i]);
        if (o->has_spend)
            printf(" %10.2f %10.2f\n", o->value[i], o->clv[i]);
        else
            printf(" %10s %10s\n", "-", "-");
    }
}

/* Prints the JSON object of a libcx buffer without its closing brace and
 * sets the writer up inside that object, so that more members follow. */
static void continue_object(jw *w, const cx_buffer *b)
{
    size_t n = b->size;
    while (n > 0 && b->data[n - 1] != '}')
        n--;
    fwrite(b->data, 1, n > 0 ? n - 1 : 0, stdout);
    jw_init(w, stdout);
    w->depth = 1;
    w->has_items[1] = true;
    w->closer[1] = '}';
}

static void json_customer(jw *w, const outlook *o, const lifetime_rows *r, size_t i)
{
    jw_object(w);
    jw_kstring(w, "customer_id", r->ids[i]);
    jw_knumber(w, "frequency", r->x[i]);
    jw_knumber(w, "recency", r->t_x[i]);
    jw_knumber(w, "T", r->T[i]);
    if (r->m != NULL)
        jw_knumber(w, "monetary_value", r->m[i]);
    jw_knumber(w, "p_alive", o->alive[i]);
    jw_knumber(w, "expected_purchases", o->expected[i]);
    if (o->has_spend) {
        jw_knumber(w, "expected_spend", o->value[i]);
        jw_knumber(w, "clv", o->clv[i]);
    }
    jw_end(w);
}

static int print_json(const outlook *o, const lifetime_rows *r, const lifetime_args *la)
{
    cx_buffer b = CX_BUFFER_INIT;
    int st = cx_lifetime_fit_json(&b, &o->fit);
    if (st != CX_OK)
        return cli_fail_status("lifetime", st);
    jw w;
    continue_object(&w, &b);
    cx_buffer_dispose(&b);
    jw_kint(&w, "customers", (int64_t)r->n);
    jw_kstring(&w, "period", unit(la));
    jw_kint(&w, "horizon", (int64_t)la->horizon);
    jw_key(&w, "spend");
    if (o->has_spend) {
        jw_object(&w);
        jw_knumber(&w, "p", o->spend.p);
        jw_knumber(&w, "q", o->spend.q);
        jw_knumber(&w, "gamma", o->spend.gamma);
        jw_knumber(&w, "mean_spend", o->spend.mean_spend);
        jw_knumber(&w, "log_likelihood", o->spend.log_likelihood);
        jw_knumber(&w, "discount_per_year", la->discount);
        jw_end(&w);
    } else {
        jw_null(&w);
    }
    jw_key(&w, "top");
    jw_array(&w);
    for (size_t k = 0; k < r->n && k < la->top; k++)
        json_customer(&w, o, r, o->order[k].row);
    jw_end(&w);
    jw_end(&w);
    jw_finish(&w);
    return CX_EXIT_OK;
}

int cx_cmd_lifetime(int argc, char **argv)
{
    lifetime_args la;
    int rc = parse_args(argc, argv, &la);
    if (rc != 0)
        return rc < 0 ? CX_EXIT_OK : rc;
    lifetime_rows rows;
    memset(&rows, 0, sizeof rows);
    outlook o;
    memset(&o, 0, sizeof o);
    rc = load(&rows, &la);
    if (rc == CX_EXIT_OK)
        rc = compute(&o, &rows, &la);
    if (rc == CX_EXIT_OK && la.json)
        rc = print_json(&o, &rows, &la);
    else if (rc == CX_EXIT_OK)
        print_text(&o, &rows, &la);
    outlook_free(&o);
    lifetime_rows_free(&rows);
    if (rc == CX_EXIT_OK)
        rc = cli_finish_stdout("lifetime", rc);
    return rc;
}
