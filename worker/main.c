/*
 * main.c — scc-worker's entry point: picks the subcommand and runs it.
 *
 * This file must never grow a subcommand's logic: adding one means writing
 * cmd_NAME.c, declaring it in cli.h and adding one row to `commands` below.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const scc_cli_command commands[] = {
    { "run",     "the daemon: run queued jobs and report schedules (see run --help)", scc_cmd_run },
    { "migrate", "apply sql/migrations in order, each once (see migrate --help)", scc_cmd_migrate },
    { "invite",  "print a sign-in link for a new or existing user (see invite --help)", scc_cmd_invite },
    { "send-test-email", "send a test email now through the configured transport (see send-test-email --help)", scc_cmd_send_test_email },
    /* ledger: CSV import (helper K) */
    { "import",  "import a CSV file of one kind (accounts, journal), all or nothing (see import --help)", scc_cmd_import },
    /* metrics: the queue's figures (helper Q5) */
    { "stats",   "print the job queue's and the outbox's figures in Prometheus text (see stats --help)", scc_cmd_stats },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
    fputs("usage: scc-worker COMMAND [options]   (scc-worker COMMAND --help for more)\n"
          "\n"
          "SCC's worker: everything slow or scheduled, away from nginx.\n"
          "\n"
          "Commands:\n", out);
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(out, "  %-16s %s\n", commands[i].name, commands[i].summary);
    fputs("\nCommon options:\n", out);
    fputs(scc_cli_common_help, out);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return SCC_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return SCC_EXIT_OK;
    }
    for (size_t i = 0; i < N_COMMANDS; i++) {
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    }
    return scc_cli_usage(NULL, "unknown command \"%s\" (see scc-worker --help)", argv[1]);
}
