/*
 * cx service: helpdesk metrics of the tickets in a store (cx/service.h),
 * each ticket's timeline built from its ticket events (tickets.c), measured
 * in calendar time and, with --calendar, in business time, per group (a
 * channel, priority, touchpoint or agent) and for all tickets.
 *
 * Tickets are added to their group's cx_service in chunks (one staged,
 * all-or-nothing call each); the total is the merge of the groups.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "service_cmd.h"

static const char *const help =
    "usage: cx service [OPTIONS]\n"
    "\n"
    "Helpdesk metrics of the tickets in a store: first and next reply, first\n"
    "and full resolution, requester and agent wait, on-hold time (median, p90,\n"
    "mean, the median's interval) in calendar time and, with a calendar, in\n"
    "business time; replies and reopens per ticket; reopen rate, one-touch\n"
    "and two FCR variants with their intervals; SLA breach rates. Per group\n"
    "and for all tickets. Definitions: docs/service-metrics.md; how the store's\n"
    "ticket events become timelines: docs/cli.md.\n"
    "\n"
    "options:\n"
    "  -s, --store FILE       the store (default $CX_STORE, else cx.db); read-only\n"
    "      --calendar FILE    business hours (docs/service-metrics.md's calendar file)\n"
    "  -d, --definition DEF   definition options, \"option=value;...\", e.g.\n"
    "                         \"clock_start=first_customer_message;bot_replies=count\"\n"
    "                         (clock_start, bot_replies, private_notes, reopen, pause,\n"
    "                         schedule; see docs/service-metrics.md)\n"
    "      --sla POLICY       SLA targets, \"first_reply=4h;first_reply.high=1h;\n"
    "                         next_reply=8h;resolution=2d;hours=business;pause=pending\"\n"
    "                         (targets for all priorities or .low .normal .high\n"
    "                         .urgent; @FILE reads the policy from a file)\n"
    "  -b, --by FIELD         group by channel (default), priority, touchpoint,\n"
    "                         agent, or none\n"
    "      --from DATE        only tickets opened from DATE (ISO 8601)\n"
    "      --to DATE          only tickets opened before DATE\n"
    "  -c, --confidence C     confidence level of the intervals (default 0.95)\n"
    "  -j, --json             print one JSON object\n"
    "  -h, --help             this help\n"
    "\n"
    "Exit codes: 0 ok, 2 usage (a bad definition or SLA policy), 3 a malformed\n"
    "calendar file or a ticket libcx cannot measure (named), 4 a file or the\n"
    "store cannot be read, 5 no tickets, 6 the store has a newer schema.\n";

enum { OPT_STORE = 1, OPT_CALENDAR, OPT_DEFINITION, OPT_SLA, OPT_BY, OPT_FROM, OPT_TO, OPT_CONFIDENCE, OPT_JSON,
       OPT_HELP };

static const cli_option options[] = {
    { "store", 's', true, OPT_STORE },
    { "calendar", 0, true, OPT_CALENDAR },
    { "definition", 'd', true, OPT_DEFINITION },
    { "sla", 0, true, OPT_SLA },
    { "by", 'b', true, OPT_BY },
    { "from", 0, true, OPT_FROM },
    { "to", 0, true, OPT_TO },
    { "confidence", 'c', true, OPT_CONFIDENCE },
    { "json", 'j', false, OPT_JSON },
    { "help", 'h', false, OPT_HELP },
    { NULL, 0, false, 0 },
};

static const char *const by_fields[] = { "channel", "priority", "touchpoint", "agent", "none" };

typedef struct service_args {
    const char *store, *calendar, *sla, *by;
    cx_service_definition def;
    cx_store_filter filter;
    double confidence;
    bool json;
} service_args;

static int set_by(service_args *s, const char *v)
{
    for (size_t i = 0; i < sizeof by_fields / sizeof by_fields[0]; i++)
        if (strcmp(v, by_fields[i]) == 0) {
            s->by = strcmp(v, "none") == 0 ? NULL : by_fields[i];
            return 0;
        }
    return cli_usage_error("service", "--by %s is not channel, priority, touchpoint, agent or none", v);
}

static int set_option(service_args *s, int id, const char *v)
{
    switch (id) {
    case OPT_STORE: s->store = v; return 0;
    case OPT_CALENDAR: s->calendar = v; return 0;
    case OPT_DEFINITION:
        return cx_service_definition_parse(&s->def, v) == CX_OK
                   ? 0
                   : cli_usage_error("service", "--definition: %s", cx_last_error());
    case OPT_SLA: s->sla = v; return 0;
    case OPT_BY: return set_by(s, v);
    case OPT_FROM:
        return cli_parse_time(v, &s->filter.from_ms) ? 0 : cli_usage_error("service", "--from %s is not a date", v);
    case OPT_TO: return cli_parse_time(v, &s->filter.to_ms) ? 0 : cli_usage_error("service", "--to %s is not a date", v);
    case OPT_CONFIDENCE:
        return cli_parse_confidence(v, &s->confidence)
                   ? 0
                   : cli_usage_error("service", "--confidence %s is not a level in (0, 1) or a percentage", v);
    case OPT_JSON: s->json = true; return 0;
    case OPT_HELP: fputs(help, stdout); return -1;
    default: return CX_EXIT_USAGE;
    }
}

static int parse_args(int argc, char **argv, service_args *s)
{
    cx_service_definition def = CX_SERVICE_DEFINITION_INIT;
    cx_store_filter all = CX_STORE_FILTER_INIT;
    s->def = def;
    s->filter = all;
    s->confidence = 0.95;
    s->by = "channel";
    const char *env = getenv("CX_STORE");
    s->store = env != NULL && *env != '\0' ? env : "cx.db";
    cli_args a;
    cli_args_init(&a, argc, argv);
    int id, rc = 0;
    while (rc == 0 && (id = cli_next_option(&a, options, "service")) != 0)
        rc = id < 0 ? CX_EXIT_USAGE : set_option(s, id, a.value);
    if (rc == 0 && a.n_operands > 0)
        rc = cli_usage_error("service", "unexpected argument \"%s\" (the store is given with --store)", a.operands[0]);
    cli_args_free(&a);
    return rc;
}

/* The SLA policy text, or the contents of @FILE. */
static int read_sla(const char *arg, char **text)
{
    if (arg[0] != '@')
        return (*text = strdup(arg)) != NULL ? CX_EXIT_OK : cli_fail(CX_EXIT_FAILURE, "service", "out of memory");
    FILE *f = fopen(arg + 1, "r");
    if (f == NULL)
        return cli_fail(CX_EXIT_IO, "service", "cannot read the SLA policy %s: %s", arg + 1, strerror(errno));
    char *buf = calloc(1, 65537);
    size_t n = buf ? fread(buf, 1, 65536, f) : 0;
    bool failed = buf == NULL || ferror(f) || !feof(f);
    fclose(f);
    if (failed) {
        free(buf);
        return cli_fail(CX_EXIT_IO, "service", "cannot read the SLA policy %s (at most 64 KiB)", arg + 1);
    }
    buf[n] = '\0';
    *text = buf;
    return CX_EXIT_OK;
}

/* ---- collecting ------------------------------------------------------------------ */

#define CHUNK 4096

typedef struct collector {
    service_figures *fig;
    const cx_calendar *cal;
    const cx_service_definition *def;
    cx_service_options opts;
    timeline tl;
    char why[600];                  /* the message of a ticket libcx refused */
} collector;

static void group_free(service_group *g)
{
    if (g == NULL)
        return;
    cx_service_free(g->svc);
    timeline_free(&g->pending);
    for (size_t i = 0; i < g->n; i++)
        free(g->ids[i]);
    free(g->offsets);
    free(g->priorities);
    free(g->segments);
    free(g->ids);
    free(g);
}

static const char *group_key(const collector *c, const cx_store_ticket *t)
{
    const char *by = c->fig->by, *v = NULL;
    if (by == NULL)
        return "all";
    if (strcmp(by, "channel") == 0)
        v = t->channel;
    else if (strcmp(by, "touchpoint") == 0)
        v = t->touchpoint;
    else if (strcmp(by, "agent") == 0)
        v = t->agent;
    else
        v = (const char *[]){ "?", "low", "normal", "high", "urgent" }[ticket_priority(t->priority)];
    return v != NULL && *v != '\0' ? v : "(none)";
}

static int group_of(collector *c, const cx_store_ticket *t, service_group **out, const char **key)
{
    tally_entry *e = tally_get(&c->fig->groups, group_key(c, t));
    if (e == NULL)
        return CX_ENOMEM;
    if (e->data == NULL) {
        service_group *g = calloc(1, sizeof *g);
        int st = g ? cx_service_new(&g->svc, c->cal, c->def, &c->opts) : CX_ENOMEM;
        if (st != CX_OK) {
            group_free(g);
            return st;
        }
        e->data = g;
    }
    e->count++;
    *out = e->data;
    *key = e->key;
    return CX_OK;
}

/* After a refused chunk: which ticket, and why. */
static void name_refused(collector *c, const service_group *g)
{
    snprintf(c->why, sizeof c->why, "%s", cx_last_error());
    for (size_t i = 0; i < g->n; i++) {
        cx_ticket_metrics m = CX_TICKET_METRICS_INIT;
        const cx_ticket_event *ev = g->pending.events + g->offsets[i];
        if (cx_service_measure(&m, g->svc, ev, g->offsets[i + 1] - g->offsets[i], g->priorities[i]) != CX_OK) {
            snprintf(c->why, sizeof c->why, "ticket %s: %s", g->ids[i], cx_last_error());
            return;
        }
    }
}

static int flush(collector *c, service_group *g)
{
    int st = cx_service_add_tickets(g->svc, g->pending.events, g->offsets, g->n, g->priorities, g->segments);
    if (st != CX_OK)
        name_refused(c, g);
    for (size_t i = 0; i < g->n; i++)
        free(g->ids[i]);
    g->n = g->pending.n = 0;
    return st;
}

/* Room for one more waiting ticket (up to CHUNK). */
static int reserve(service_group *g)
{
    if (g->n < g->cap)
        return CX_OK;
    size_t cap = g->cap ? 2 * g->cap : 16;
    size_t *offsets = realloc(g->offsets, (cap + 1) * sizeof *offsets);
    if (offsets != NULL)
        g->offsets = offsets;
    int32_t *priorities = realloc(g->priorities, cap * sizeof *priorities);
    if (priorities != NULL)
        g->priorities = priorities;
    const char **segments = realloc(g->segments, cap * sizeof *segments);
    if (segments != NULL)
        g->segments = segments;
    char **ids = realloc(g->ids, cap * sizeof *ids);
    if (ids != NULL)
        g->ids = ids;
    if (offsets == NULL || priorities == NULL || segments == NULL || ids == NULL)
        return CX_ENOMEM;
    g->cap = cap;
    g->offsets[0] = 0;
    return CX_OK;
}

static int append(service_group *g, const timeline *tl, const cx_store_ticket *t, const char *key)
{
    if (reserve(g) != CX_OK)
        return CX_ENOMEM;
    for (size_t i = 0; i < tl->n; i++) {
        if (g->pending.n == g->pending.cap) {
            size_t cap = g->pending.cap ? 2 * g->pending.cap : 1024;
            cx_ticket_event *grown = realloc(g->pending.events, cap * sizeof *grown);
            if (grown == NULL)
                return CX_ENOMEM;
            g->pending.events = grown;
            g->pending.cap = cap;
        }
        g->pending.events[g->pending.n++] = tl->events[i];
    }
    if ((g->ids[g->n] = strdup(t->ticket_id ? t->ticket_id : "?")) == NULL)
        return CX_ENOMEM;
    g->priorities[g->n] = (int32_t)ticket_priority(t->priority);
    g->segments[g->n] = key;
    g->offsets[++g->n] = g->pending.n;
    return CX_OK;
}

static int add_ticket(const cx_store_ticket *t, const cx_store_ticket_event *ev, size_t n, void *payload)
{
    collector *c = payload;
    int st = timeline_build(&c->tl, t, ev, n);
    if (st == CX_EEMPTY) {
        c->fig->skipped_tickets++;
        return CX_OK;
    }
    service_group *g = NULL;
    const char *key = NULL;
    if (st == CX_OK)
        st = group_of(c, t, &g, &key);
    if (st == CX_OK)
        st = append(g, &c->tl, t, key);
    c->fig->ignored_events += c->tl.ignored;
    return st == CX_OK && g->n == CHUNK ? flush(c, g) : st;
}

/* The remaining chunks, then the total as the merge of every group. */
static int finish(collector *c)
{
    service_figures *f = c->fig;
    int st = cx_service_new(&f->all, c->cal, c->def, &c->opts);
    tally_sort_by_count(&f->groups);
    for (size_t i = 0; st == CX_OK && i < f->groups.count; i++) {
        service_group *g = f->groups.items[i].data;
        st = g->n > 0 ? flush(c, g) : CX_OK;
        if (st == CX_OK)
            st = cx_service_merge(f->all, g->svc);
    }
    return st;
}

static int collect(const service_args *s, cx_store *store, collector *c)
{
    int st = cx_store_each_ticket(store, &s->filter, add_ticket, c);
    if (st == CX_OK)
        st = finish(c);
    timeline_free(&c->tl);
    if (st == CX_ENOMEM)
        return cli_fail(CX_EXIT_FAILURE, "service", "out of memory");
    if (st != CX_OK)
        return cli_fail(cli_exit_code(st) == CX_EXIT_USAGE ? CX_EXIT_DATA : cli_exit_code(st), "service", "%s",
                        c->why[0] ? c->why : cx_last_error());
    cx_service_counts counts = CX_SERVICE_COUNTS_INIT;
    cx_service_get_counts(&counts, c->fig->all);
    return counts.tickets > 0 ? CX_EXIT_OK : cli_fail(CX_EXIT_EMPTY, "service", "no tickets in %s", s->store);
}

/* ---- the command ------------------------------------------------------------------- */

static void release(service_figures *f)
{
    for (size_t i = 0; i < f->groups.count; i++)
        group_free(f->groups.items[i].data);
    tally_free(&f->groups);
    cx_service_free(f->all);
}

/* The calendar, the SLA policy and the definition's text; an exit code. */
static int prepare(const service_args *s, collector *c, cx_calendar **cal, cx_sla_policy *sla, cx_buffer *def)
{
    int rc = s->calendar ? cli_load_calendar("service", s->calendar, cal) : CX_EXIT_OK;
    char *text = NULL, why[300];
    if (rc == CX_EXIT_OK && s->sla != NULL && (rc = read_sla(s->sla, &text)) == CX_EXIT_OK) {
        if (!sla_parse(sla, text, *cal != NULL, why, sizeof why))
            rc = cli_usage_error("service", "--sla: %s", why);
        else if (sla->business_hours && *cal == NULL)
            rc = cli_usage_error("service", "--sla: hours=business needs --calendar");
        c->opts.sla = sla;
    }
    free(text);
    c->opts.confidence = s->confidence;
    int st = rc == CX_EXIT_OK ? cx_service_definition_describe(def, &s->def) : CX_OK;
    if (st != CX_OK)
        rc = cli_fail_status("service", st);
    c->fig->definition = def->data;
    c->cal = c->fig->calendar = *cal;
    c->def = &s->def;
    return rc;
}

int cx_cmd_service(int argc, char **argv)
{
    service_args s;
    memset(&s, 0, sizeof s);
    int rc = parse_args(argc, argv, &s);
    if (rc != 0)
        return rc < 0 ? CX_EXIT_OK : rc;
    service_figures fig = { s.by, NULL, s.calendar, NULL, s.sla, s.confidence, NULL, { 0 }, 0, 0 };
    tally_init(&fig.groups);
    collector c;
    memset(&c, 0, sizeof c);
    cx_service_options so = CX_SERVICE_OPTIONS_INIT;
    c.opts = so;
    c.fig = &fig;
    cx_calendar *cal = NULL;
    cx_sla_policy sla;
    cx_buffer def = CX_BUFFER_INIT;
    cx_store *store = NULL;
    rc = prepare(&s, &c, &cal, &sla, &def);
    cx_store_options opts = CX_STORE_OPTIONS_INIT;
    opts.flags = CX_STORE_READ_ONLY;
    int st = rc == CX_EXIT_OK ? cx_store_open(&store, s.store, &opts) : CX_OK;
    if (st != CX_OK)
        rc = cli_fail_status("service", st);
    if (rc == CX_EXIT_OK)
        rc = collect(&s, store, &c);
    if (rc == CX_EXIT_OK && s.json)
        service_print_json(&fig, stdout);
    else if (rc == CX_EXIT_OK)
        service_print_text(&fig, stdout);
    if (rc == CX_EXIT_OK)
        rc = cli_finish_stdout("service", rc);
    release(&fig);
    cx_store_close(store);
    cx_calendar_free(cal);
    cx_buffer_dispose(&def);
    return rc;
}
