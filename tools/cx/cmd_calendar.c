/*
 * cx calendar: business time with a calendar file (the DESIGN.md
 * contract): the business and calendar seconds between two instants, an
 * instant plus business seconds, or whether the calendar is open at an
 * instant. Without instants it prints the calendar as the library read it.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json_writer.h"

static const char *const help =
    "usage: cx calendar --calendar CAL.json [-j] FROM TO\n"
    "       cx calendar --calendar CAL.json [-j] --add SECONDS FROM\n"
    "       cx calendar --calendar CAL.json [-j] --open AT\n"
    "       cx calendar --calendar CAL.json\n"
    "\n"
    "Business time with a calendar file (opening hours per weekday, holidays,\n"
    "a time zone; the format is in docs/service-metrics.md). Instants are\n"
    "ISO 8601 with a UTC offset, e.g. 2026-03-27T16:00:00+01:00 or ...Z.\n"
    "\n"
    "  FROM TO          the open (business) seconds in [FROM, TO) and the\n"
    "                   calendar seconds TO - FROM\n"
    "  --add S FROM     the earliest instant with S business seconds after FROM\n"
    "                   (S < 0: the latest before it); S may carry a unit:\n"
    "                   90, 90s, 30m, 1.5h, 2d\n"
    "  --open AT        whether the calendar is open at AT, and its next change\n"
    "  (no instants)    the calendar as read, in the calendar file format\n"
    "\n"
    "options:\n"
    "      --calendar FILE  the calendar file (required); zones come from $TZDIR,\n"
    "                       else /usr/share/zoneinfo\n"
    "  -j, --json           print one JSON object: from, to, timezone,\n"
    "                       business_seconds, calendar_seconds (--add: result,\n"
    "                       result_utc; --open: open, next_change)\n"
    "  -h, --help           this help\n"
    "\n"
    "Exit codes: 0 ok, 2 usage (a malformed instant or duration), 3 the calendar\n"
    "file is malformed or names an unknown time zone, 4 it cannot be read.\n";

enum { OPT_CALENDAR = 1, OPT_ADD, OPT_OPEN, OPT_JSON, OPT_HELP };

static const cli_option options[] = {
    { "calendar", 0, true, OPT_CALENDAR },
    { "add", 0, true, OPT_ADD },
    { "open", 0, true, OPT_OPEN },
    { "json", 'j', false, OPT_JSON },
    { "help", 'h', false, OPT_HELP },
    { NULL, 0, false, 0 },
};

typedef enum mode { SHOW, MEASURE, ADD, OPEN } mode;

typedef struct calendar_args {
    const char *calendar, *add, *open;
    const char *from, *to;
    bool json;
    mode mode;
} calendar_args;

static int choose_mode(calendar_args *c, const cli_args *a)
{
    if (c->calendar == NULL)
        return cli_usage_error("calendar", "name the calendar file with --calendar FILE");
    if (c->add != NULL && c->open != NULL)
        return cli_usage_error("calendar", "give --add or --open, not both");
    int want = c->add != NULL ? 1 : c->open != NULL ? 0 : a->n_operands == 0 ? 0 : 2;
    if (a->n_operands != want)
        return cli_usage_error("calendar", "%s takes %d instant%s, not %d",
                               c->add ? "--add" : c->open ? "--open" : "measuring", want, want == 1 ? "" : "s",
                               a->n_operands);
    c->mode = c->add ? ADD : c->open ? OPEN : want == 2 ? MEASURE : SHOW;
    c->from = want > 0 ? a->operands[0] : c->open;
    c->to = want > 1 ? a->operands[1] : NULL;
    return CX_EXIT_OK;
}

static int parse_args(int argc, char **argv, calendar_args *c)
{
    cli_args a;
    cli_args_init(&a, argc, argv);
    int id, rc = CX_EXIT_OK;
    while (rc == CX_EXIT_OK && (id = cli_next_option(&a, options, "calendar")) != 0) {
        switch (id) {
        case OPT_CALENDAR: c->calendar = a.value; break;
        case OPT_ADD: c->add = a.value; break;
        case OPT_OPEN: c->open = a.value; break;
        case OPT_JSON: c->json = true; break;
        case OPT_HELP:
            fputs(help, stdout);
            rc = -1;
            break;
        default: rc = CX_EXIT_USAGE; break;
        }
    }
    if (rc == CX_EXIT_OK)
        rc = choose_mode(c, &a);
    cli_args_free(&a);
    return rc;
}

/* An instant from the command line; a malformed one is a usage error. */
static int parse_instant(const char *text, int64_t *out)
{
    if (cx_instant_parse(out, NULL, text) != CX_OK)
        return cli_usage_error("calendar", "%s", cx_last_error());
    return CX_EXIT_OK;
}

static const char *zone_name(const cx_calendar *cal)
{
    return cx_timezone_name(cx_calendar_timezone(cal));
}

static int measure(const calendar_args *c, const cx_calendar *cal)
{
    cx_calendar_span span = CX_CALENDAR_SPAN_INIT;
    int st = cx_calendar_measure(&span, cal, c->from, c->to);
    if (st != CX_OK) /* the calendar is read: the instants are wrong */
        return cli_usage_error("calendar", "%s", cx_last_error());
    if (c->json) {
        jw w;
        jw_init(&w, stdout);
        jw_object(&w);
        jw_kstring(&w, "from", c->from);
        jw_kstring(&w, "to", c->to);
        jw_kstring(&w, "timezone", zone_name(cal));
        jw_kint(&w, "business_seconds", span.business_seconds);
        jw_kint(&w, "calendar_seconds", span.calendar_seconds);
        jw_end(&w);
        jw_finish(&w);
        return CX_EXIT_OK;
    }
    char business[16], elapsed[16];
    cli_format_duration((double)llabs(span.business_seconds), business, sizeof business);
    cli_format_duration((double)llabs(span.calendar_seconds), elapsed, sizeof elapsed);
    printf("business %lld s (%s%s), calendar %lld s (%s%s)\n", (long long)span.business_seconds,
           span.business_seconds < 0 ? "-" : "", business, (long long)span.calendar_seconds,
           span.calendar_seconds < 0 ? "-" : "", elapsed);
    return CX_EXIT_OK;
}

static int add(const calendar_args *c, const cx_calendar *cal)
{
    int64_t from, seconds, result;
    int rc = parse_instant(c->from, &from);
    if (rc != CX_EXIT_OK)
        return rc;
    if (!cli_parse_seconds(c->add, &seconds))
        return cli_usage_error("calendar", "--add %s is not a whole number of seconds (90, 30m, 1.5h, 2d)", c->add);
    int st = cx_calendar_add_business_seconds(&result, cal, from, seconds);
    if (st != CX_OK)
        return cli_usage_error("calendar", "%s", cx_last_error());
    cx_buffer local = CX_BUFFER_INIT, utc = CX_BUFFER_INIT;
    st = cli_format_instant(&local, cal, result);
    if (st == CX_OK)
        st = cx_instant_format(&utc, result, 0);
    if (st == CX_OK && c->json) {
        jw w;
        jw_init(&w, stdout);
        jw_object(&w);
        jw_kstring(&w, "from", c->from);
        jw_kint(&w, "seconds", seconds);
        jw_kstring(&w, "timezone", zone_name(cal));
        jw_kstring(&w, "result", local.data);
        jw_kstring(&w, "result_utc", utc.data);
        jw_end(&w);
        jw_finish(&w);
    } else if (st == CX_OK) {
        printf("%s\n", local.data);
    }
    cx_buffer_dispose(&local);
    cx_buffer_dispose(&utc);
    return st == CX_OK ? CX_EXIT_OK : cli_fail_status("calendar", st);
}

static int open_at(const calendar_args *c, const cx_calendar *cal)
{
    int64_t at, next;
    int is_open = 0;
    int rc = parse_instant(c->from, &at);
    if (rc != CX_EXIT_OK)
        return rc;
    int st = cx_calendar_is_open(&is_open, cal, at);
    if (st == CX_OK)
        st = cx_calendar_next_change(&next, cal, at);
    if (st != CX_OK)
        return cli_usage_error("calendar", "%s", cx_last_error());
    cx_buffer change = CX_BUFFER_INIT;
    bool changes = next < CX_CALENDAR_MAX_INSTANT;
    if (changes && (st = cli_format_instant(&change, cal, next)) != CX_OK)
        return cli_fail_status("calendar", st);
    if (c->json) {
        jw w;
        jw_init(&w, stdout);
        jw_object(&w);
        jw_kstring(&w, "at", c->from);
        jw_kstring(&w, "timezone", zone_name(cal));
        jw_key(&w, "open");
        jw_bool(&w, is_open != 0);
        jw_kstring(&w, "next_change", changes ? change.data : NULL);
        jw_end(&w);
        jw_finish(&w);
    } else if (changes) {
        printf("%s (%s %s)\n", is_open ? "open" : "closed", is_open ? "closes" : "opens", change.data);
    } else {
        printf("%s\n", is_open ? "open" : "closed");
    }
    cx_buffer_dispose(&change);
    return CX_EXIT_OK;
}

static int show(const cx_calendar *cal)
{
    cx_buffer text = CX_BUFFER_INIT;
    int st = cx_calendar_to_json(&text, cal);
    if (st != CX_OK)
        return cli_fail_status("calendar", st);
    printf("%s\n", text.data);
    cx_buffer_dispose(&text);
    return CX_EXIT_OK;
}

int cx_cmd_calendar(int argc, char **argv)
{
    calendar_args c;
    memset(&c, 0, sizeof c);
    int rc = parse_args(argc, argv, &c);
    if (rc != CX_EXIT_OK)
        return rc < 0 ? CX_EXIT_OK : rc;
    cx_calendar *cal = NULL;
    if ((rc = cli_load_calendar("calendar", c.calendar, &cal)) != CX_EXIT_OK)
        return rc;
    switch (c.mode) {
    case MEASURE: rc = measure(&c, cal); break;
    case ADD: rc = add(&c, cal); break;
    case OPEN: rc = open_at(&c, cal); break;
    default: rc = show(cal); break;
    }
    cx_calendar_free(cal);
    return rc == CX_EXIT_OK ? cli_finish_stdout("calendar", rc) : rc;
}
