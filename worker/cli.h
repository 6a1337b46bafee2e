/*
 * cli.h — what every scc-worker subcommand shares: exit codes, the common
 * options (--config, --help) and loading the configuration.
 *
 * This file must never hold a subcommand's own logic; each lives in its
 * cmd_NAME.c and is listed once in main.c's command table.
 */
#ifndef SCC_CLI_H
#define SCC_CLI_H

#include "config.h"

/* Exit codes, the same for every subcommand, so scripts can tell a typo in
 * the command line from a database that is down. */
enum {
    SCC_EXIT_OK = 0,       /* did what was asked */
    SCC_EXIT_FAILURE = 1, /* runtime failure: database unreachable, SQL error, refused migration */
    SCC_EXIT_USAGE = 2     /* usage or configuration error: nothing was attempted */
};

/* A subcommand: `scc-worker NAME [options]`.  `run` gets argv with argv[0]
 * set to the subcommand's name, so getopt_long works as for a program. */
typedef struct {
    const char *name;
    const char *summary;   /* one line for `scc-worker --help` */
    int (*run)(int argc, char **argv);
} scc_cli_command;

/* Load --config FILE (may be NULL), then the environment, into `cfg`, check
 * the conninfo (without connecting) and set the log level (`log_level`).
 * Prints "scc-worker CMD: why" and returns SCC_EXIT_USAGE on a bad file,
 * conninfo or level, else SCC_EXIT_OK. */
int scc_cli_load_config(scc_config *cfg, const char *cmd, const char *config_path);

/* The options every subcommand's getopt_long loop (optstring starting with
 * ':', opterr = 0) handles alike; call it for any option the loop does not
 * own.  -h prints HELP and the common lines and gives SCC_EXIT_OK; a missing
 * value or an unknown option is said on stderr and gives SCC_EXIT_USAGE. */
int scc_cli_common_option(const char *cmd, int c, char **argv, const char *help);

/* A usage or configuration error, for the person at the terminal: prints
 * "scc-worker CMD: <message>" on stderr as plain text (not a log line: it
 * comes before the log level is known) and returns SCC_EXIT_USAGE. */
int scc_cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The lines every subcommand's --help ends with. */
extern const char scc_cli_common_help[];

/* Subcommands (one file each). */
int scc_cmd_migrate(int argc, char **argv);
int scc_cmd_run(int argc, char **argv);
int scc_cmd_invite(int argc, char **argv);
int scc_cmd_send_test_email(int argc, char **argv);
/* ledger: CSV import (helper K) */
int scc_cmd_import(int argc, char **argv);
/* metrics: the queue's figures (helper Q5) */
int scc_cmd_stats(int argc, char **argv);

#endif
