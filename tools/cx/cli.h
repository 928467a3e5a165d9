/* Shared by the subcommands of `cx`: exit codes, messages, option parsing,
 * number and time formatting. */
#ifndef CX_CLI_H
#define CX_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <cx/cx.h>

/* Exit codes (documented in docs/cli.md and docs/cx.1). */
enum {
    CX_EXIT_OK = 0,       /* success */
    CX_EXIT_FAILURE = 1,  /* anything else: out of memory, an internal error */
    CX_EXIT_USAGE = 2,    /* bad command line: unknown option, bad option value */
    CX_EXIT_DATA = 3,     /* bad input data: malformed file or row, value out of range */
    CX_EXIT_IO = 4,       /* a file could not be found, read or written (disk full, read-only) */
    CX_EXIT_EMPTY = 5,    /* no data to compute a result from */
    CX_EXIT_VERSION = 6   /* a store of a newer (or not yet migrated) schema */
};

/* The subcommands (commands.def). */
#define CX_COMMAND(name, summary) int cx_cmd_##name(int argc, char **argv);
#include "commands.def"
#undef CX_COMMAND

/* The exit code for a libcx status. */
int cli_exit_code(int status);
/* Prints "cx <command>: <message>" to stderr; returns `code`. */
int cli_fail(int code, const char *command, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Prints cx_last_error() for a failed libcx call; returns its exit code. */
int cli_fail_status(const char *command, int status);
/* Flushes standard output; when that fails (a full disk, a closed pipe)
 * prints "cx <command>: writing to standard output failed: <reason>" and
 * returns 4, else returns `rc`. The last step of every command. */
int cli_finish_stdout(const char *command, int rc);
/* Prints "cx <command>: <message>; see cx <command> --help", returns 2. */
int cli_usage_error(const char *command, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Command-line options: a small getopt_long-like scanner. */
typedef struct cli_option {
    const char *long_name;  /* without "--" */
    char short_name;        /* 0 if none */
    bool takes_value;
    int id;
} cli_option;

typedef struct cli_args {
    int argc;
    char **argv;
    int index;              /* next argument */
    const char *value;      /* the current option's value */
    char **operands;        /* non-option arguments, in order */
    int n_operands;
    char short_buf[3];
} cli_args;

/* Next option id, 0 at the end (operands collected), -1 after an error
 * (printed). "--" ends the options; "-" is an operand. */
int cli_next_option(cli_args *a, const cli_option *opts, const char *command);
void cli_args_init(cli_args *a, int argc, char **argv);
void cli_args_free(cli_args *a);

bool cli_parse_double(const char *s, double *out);
bool cli_parse_u64(const char *s, uint64_t *out);
/* A confidence level in (0, 1), or a percentage in (1, 100). */
bool cli_parse_confidence(const char *s, double *out);
/* ISO 8601 date (its midnight, UTC) or date-time (UTC unless it has Z or an
 * offset: +hh:mm, +hhmm, +hh) to ms; false for anything else, including
 * days that do not exist and text after the time. */
bool cli_parse_time(const char *s, int64_t *out);
/* Seconds, optionally negative and with a unit: "90", "90s", "30m", "1.5h",
 * "2d" (whole seconds after the unit is applied). */
bool cli_parse_seconds(const char *s, int64_t *out);

/* The zoneinfo folder: $TZDIR when set, else NULL (the library's default). */
const char *cli_zoneinfo_dir(void);
/* Loads a calendar file (docs/service-metrics.md); prints a failure as
 * "cx <command>: ..." and returns its exit code: 4 when the file cannot be
 * read, 3 when its content is wrong (an unknown zone included). */
int cli_load_calendar(const char *command, const char *path, cx_calendar **out);
/* Appends an instant as RFC 3339 in the calendar's zone ("...+02:00"). */
int cli_format_instant(cx_buffer *out, const cx_calendar *cal, int64_t at);

/* "1,234,567" */
void cli_format_count(uint64_t n, char *buf, size_t cap);
/* "2025-03-01" (UTC) */
void cli_format_date(int64_t ms, char *buf, size_t cap);
/* Seconds as "42 s", "3.5 min", "2.1 h", "1.5 d". */
void cli_format_duration(double seconds, char *buf, size_t cap);

/* True when stderr is a terminal (progress bars). */
bool cli_stderr_is_tty(void);

#endif
