/*
 * cli.c — shared pieces of scc-worker's command line (see cli.h).
 *
 * This file must never connect to the database: subcommands decide whether
 * and when they need one.
 */
#include "cli.h"
#include "log.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>

const char scc_cli_common_help[] =
    "  --config FILE   read settings from FILE (`key = value` lines; keys: worker/README.md)\n"
    "  -h, --help      show this help\n"
    "\n"
    "Environment: SCC_PG (a libpq conninfo) overrides `pg` from the config file.\n"
    "Exit codes: 0 done, 1 runtime failure (e.g. database unreachable), 2 usage or config error.\n";

int scc_cli_load_config(scc_config *cfg, const char *cmd, const char *config_path)
{
    char err[SCC_CONFIG_ERR_SIZE];

    scc_config_init(cfg);
    if (config_path != NULL && scc_config_load_file(cfg, config_path, err, sizeof(err)) != 0)
        goto invalid;
    scc_config_load_env(cfg);
    /* every command talks to the database: a bad conninfo stops it here */
    if (scc_config_check_pg(cfg, err, sizeof(err)) != 0)
        goto invalid;
    if (cfg->log_level != NULL && *cfg->log_level != '\0') {
        scc_log_level level;
        if (scc_log_parse_level(cfg->log_level, &level) != 0) {
            snprintf(err, sizeof(err), "log_level must be debug, info, warn or error (got \"%s\")",
                     cfg->log_level);
            goto invalid;
        }
        scc_log_set_level(level);
    }
    return SCC_EXIT_OK;

invalid:
    scc_cli_usage(cmd, "%s", err);
    scc_config_free(cfg);
    return SCC_EXIT_USAGE;
}

int scc_cli_usage(const char *cmd, const char *fmt, ...)
{
    char    msg[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    fprintf(stderr, "scc-worker%s%s: %s\n", cmd ? " " : "", cmd ? cmd : "", msg);
    return SCC_EXIT_USAGE;
}

int scc_cli_common_option(const char *cmd, int c, char **argv, const char *help)
{
    if (c == 'h') {
        fputs(help, stdout);
        fputs(scc_cli_common_help, stdout);
        return SCC_EXIT_OK;
    }
    if (c == ':')
        return scc_cli_usage(cmd, "%s needs a value", argv[optind - 1]);
    return scc_cli_usage(cmd, "unknown option %s (see --help)", argv[optind - 1]);
}
