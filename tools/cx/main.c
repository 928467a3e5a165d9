/*
 * cx: the libcx command-line tool. `cx COMMAND [OPTIONS]`; the commands
 * are listed in commands.def, each in its own cmd_<name>.c.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

typedef struct command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
} command;

static const command commands[] = {
#define CX_COMMAND(name, summary) { #name, summary, cx_cmd_##name },
#include "commands.def"
#undef CX_COMMAND
};

#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *out)
{
    fprintf(out, "usage: cx COMMAND [OPTIONS] [ARGUMENTS]\n"
                 "       cx --help | --version\n\n"
                 "Customer-experience analytics with libcx %s.\n\ncommands:\n",
            cx_version_string());
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n'cx COMMAND --help' describes a command; 'man cx' or docs/cli.md has the whole manual.\n"
                 "Exit codes: 0 ok, 1 failure, 2 usage, 3 bad data, 4 file or I/O error, 5 no data,\n"
                 "6 store version.\n");
}

static const command *find_command(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CX_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
        usage(stdout);
        return CX_EXIT_OK;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0) {
        printf("cx (libcx) %s\n", cx_version_string());
        return CX_EXIT_OK;
    }
    if (strcmp(name, "help") == 0) {
        if (argc < 3) {
            usage(stdout);
            return CX_EXIT_OK;
        }
        const command *c = find_command(argv[2]);
        if (c == NULL)
            return cli_fail(CX_EXIT_USAGE, "help", "unknown command \"%s\"; 'cx --help' lists them", argv[2]);
        char *help_argv[] = { argv[2], (char *)"--help", NULL };
        return c->run(2, help_argv);
    }
    const command *c = find_command(name);
    if (c == NULL) {
        fprintf(stderr, "cx: unknown command \"%s\"; 'cx --help' lists them\n", name);
        return CX_EXIT_USAGE;
    }
    return c->run(argc - 1, argv + 1);
}
