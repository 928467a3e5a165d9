/* Helpers shared by the subcommands of `cx`. */
#define _DEFAULT_SOURCE /* gmtime_r */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int cli_exit_code(int status)
{
    switch (status) {
    case CX_OK: return CX_EXIT_OK;
    case CX_EINVAL: return CX_EXIT_USAGE;
    case CX_ERANGE:
    case CX_EFORMAT: return CX_EXIT_DATA;
    case CX_EIO:
    case CX_ENOTFOUND: return CX_EXIT_IO;
    case CX_EEMPTY: return CX_EXIT_EMPTY;
    case CX_EVERSION: return CX_EXIT_VERSION;
    default: return CX_EXIT_FAILURE;
    }
}

static void vreport(const char *command, const char *fmt, va_list ap)
{
    fprintf(stderr, "cx %s: ", command);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

int cli_fail(int code, const char *command, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(command, fmt, ap);
    va_end(ap);
    return code;
}

int cli_fail_status(const char *command, int status)
{
    return cli_fail(cli_exit_code(status), command, "%s", cx_last_error());
}

int cli_finish_stdout(const char *command, int rc)
{
    if (fflush(stdout) != 0 || ferror(stdout))
        return cli_fail(CX_EXIT_IO, command, "writing to standard output failed: %s", strerror(errno));
    return rc;
}

int cli_usage_error(const char *command, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "cx %s: ", command);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "; see 'cx %s --help'\n", command);
    va_end(ap);
    return CX_EXIT_USAGE;
}

void cli_args_init(cli_args *a, int argc, char **argv)
{
    memset(a, 0, sizeof *a);
    a->argc = argc;
    a->argv = argv;
    a->index = 1;
    a->operands = calloc((size_t)argc + 1, sizeof *a->operands);
}

void cli_args_free(cli_args *a)
{
    free(a->operands);
    a->operands = NULL;
}

static int take_value(cli_args *a, const cli_option *o, const char *inline_value, const char *command, const char *shown)
{
    if (!o->takes_value) {
        if (inline_value != NULL) {
            cli_usage_error(command, "option %s takes no value", shown);
            return -1;
        }
        return o->id;
    }
    if (inline_value != NULL) {
        a->value = inline_value;
        return o->id;
    }
    if (a->index >= a->argc) {
        cli_usage_error(command, "option %s needs a value", shown);
        return -1;
    }
    a->value = a->argv[a->index++];
    return o->id;
}

int cli_next_option(cli_args *a, const cli_option *opts, const char *command)
{
    if (a->operands == NULL) {
        cli_fail(CX_EXIT_FAILURE, command, "out of memory");
        return -1;
    }
    while (a->index < a->argc) {
        char *arg = a->argv[a->index++];
        if (strcmp(arg, "--") == 0) {
            while (a->index < a->argc)
                a->operands[a->n_operands++] = a->argv[a->index++];
            break;
        }
        if (arg[0] != '-' || arg[1] == '\0') {
            a->operands[a->n_operands++] = arg;
            continue;
        }
        if (arg[1] == '-') {
            const char *name = arg + 2, *eq = strchr(name, '=');
            size_t n = eq ? (size_t)(eq - name) : strlen(name);
            for (const cli_option *o = opts; o->long_name != NULL; o++)
                if (strlen(o->long_name) == n && strncmp(o->long_name, name, n) == 0)
                    return take_value(a, o, eq ? eq + 1 : NULL, command, arg);
            cli_usage_error(command, "unknown option %s", arg);
            return -1;
        }
        for (const cli_option *o = opts; o->long_name != NULL; o++) {
            if (o->short_name != arg[1])
                continue;
            snprintf(a->short_buf, sizeof a->short_buf, "-%c", arg[1]);
            return take_value(a, o, arg[2] ? arg + 2 : NULL, command, a->short_buf);
        }
        cli_usage_error(command, "unknown option %s", arg);
        return -1;
    }
    return 0;
}

bool cli_parse_double(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || errno == ERANGE || !isfinite(v))
        return false;
    *out = v;
    return true;
}

bool cli_parse_u64(const char *s, uint64_t *out)
{
    if (*s < '0' || *s > '9')
        return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end != '\0' || errno == ERANGE)
        return false;
    *out = v;
    return true;
}

bool cli_parse_confidence(const char *s, double *out)
{
    double v;
    if (!cli_parse_double(s, &v))
        return false;
    if (v > 1 && v < 100)
        v /= 100;
    if (!(v > 0 && v < 1))
        return false;
    *out = v;
    return true;
}

bool cli_parse_time(const char *s, int64_t *out)
{
    /* cx_instant_parse() wants a date-time with an offset: a date is its
     * midnight and a date-time without an offset is UTC. */
    size_t n = strlen(s);
    const char *time = strpbrk(s, "Tt ");
    bool zoned = time != NULL && (strpbrk(time, "Zz+") != NULL || strchr(time, '-') != NULL);
    char text[64];
    if (n == 10)
        snprintf(text, sizeof text, "%sT00:00:00Z", s);
    else if (time != NULL && !zoned && n < sizeof text - 1)
        snprintf(text, sizeof text, "%sZ", s);
    else if (n < sizeof text)
        snprintf(text, sizeof text, "%s", s);
    else
        return false;
    int64_t seconds;
    int32_t nanos;
    if (cx_instant_parse(&seconds, &nanos, text) != CX_OK)
        return false;
    *out = seconds * 1000 + nanos / 1000000;
    return true;
}

bool cli_parse_seconds(const char *s, int64_t *out)
{
    static const struct {
        const char *suffix;
        double seconds;
    } units[] = { { "", 1 }, { "s", 1 }, { "m", 60 }, { "min", 60 }, { "h", 3600 }, { "d", 86400 } };
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || errno == ERANGE || !isfinite(v) || isspace((unsigned char)*s))
        return false;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (strcmp(end, units[i].suffix) != 0)
            continue;
        double seconds = v * units[i].seconds;
        /* whole seconds, within the calendars' 300 years */
        if (seconds != floor(seconds) || fabs(seconds) > 1e10)
            return false;
        *out = (int64_t)seconds;
        return true;
    }
    return false;
}

const char *cli_zoneinfo_dir(void)
{
    const char *dir = getenv("TZDIR");
    return dir != NULL && *dir != '\0' ? dir : NULL;
}

int cli_load_calendar(const char *command, const char *path, cx_calendar **out)
{
    int st = cx_calendar_load(out, path, cli_zoneinfo_dir());
    if (st == CX_OK)
        return CX_EXIT_OK;
    /* CX_ENOTFOUND is a missing file or, in a file that exists, an unknown zone */
    bool unreadable = st == CX_EIO || (st == CX_ENOTFOUND && access(path, F_OK) != 0);
    int code = unreadable ? CX_EXIT_IO : st == CX_ENOMEM ? CX_EXIT_FAILURE : CX_EXIT_DATA;
    return cli_fail(code, command, "calendar %s", cx_last_error());
}

int cli_format_instant(cx_buffer *out, const cx_calendar *cal, int64_t at)
{
    int32_t offset = 0;
    int st = cx_timezone_offset_at(&offset, NULL, cx_calendar_timezone(cal), at);
    return st == CX_OK ? cx_instant_format(out, at, offset) : st;
}

void cli_format_count(uint64_t n, char *buf, size_t cap)
{
    char digits[32];
    int len = snprintf(digits, sizeof digits, "%llu", (unsigned long long)n);
    size_t at = 0;
    for (int i = 0; i < len && at + 2 < cap; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            buf[at++] = ',';
        buf[at++] = digits[i];
    }
    buf[at] = '\0';
}

void cli_format_date(int64_t ms, char *buf, size_t cap)
{
    time_t t = (time_t)(ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000));
    struct tm tm;
    if (gmtime_r(&t, &tm) == NULL || strftime(buf, cap, "%Y-%m-%d", &tm) == 0)
        snprintf(buf, cap, "?");
}

void cli_format_duration(double seconds, char *buf, size_t cap)
{
    if (isnan(seconds))
        snprintf(buf, cap, "-");
    else if (seconds < 120)
        snprintf(buf, cap, "%.0f s", seconds);
    else if (seconds < 7200)
        snprintf(buf, cap, "%.1f min", seconds / 60);
    else if (seconds < 172800)
        snprintf(buf, cap, "%.1f h", seconds / 3600);
    else
        snprintf(buf, cap, "%.1f d", seconds / 86400);
}

bool cli_stderr_is_tty(void)
{
    return isatty(STDERR_FILENO) == 1;
}
