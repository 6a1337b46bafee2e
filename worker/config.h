/*
 * config.h — scc-worker's configuration: what the settings are and how they
 * are loaded (a `key = value` file, then the environment on top).
 *
 * This file must never talk to the database or any other service: it only
 * reads text, so every subcommand can validate its configuration before it
 * touches anything.
 */
#ifndef SCC_CONFIG_H
#define SCC_CONFIG_H

#include <stddef.h>

/* Every setting the worker knows.  Strings are owned by the struct and
 * released by config_free(); NULL means "not set". */
typedef struct {
    char *pg;              /* libpq conninfo (key `pg`, env SCC_PG) */
    char *migrations_dir;  /* key `migrations_dir`; default "sql/migrations" */
} scc_config;

/* Size of the buffer config functions write their error message into. */
#define CONFIG_ERR_SIZE 512

/* Fill `cfg` with defaults. */
void config_init(scc_config *cfg);

/* Read `path` (a file of `key = value` lines, `#` comments, blank lines
 * allowed; a value may be wrapped in double quotes to keep leading or
 * trailing spaces).  Unknown keys and malformed lines are errors, because a
 * typo silently ignored is a setting silently lost.  Returns 0, or -1 with a
 * message naming the file and line in `err`. */
int config_load_file(scc_config *cfg, const char *path, char *err, size_t errlen);

/* Apply the environment on top (SCC_PG).  Never fails. */
void config_load_env(scc_config *cfg);

/* Check that what is needed is present and well formed (the conninfo is
 * parsed by libpq here, without connecting).  Returns 0 or -1 with `err`. */
int config_check_pg(const scc_config *cfg, char *err, size_t errlen);

void config_free(scc_config *cfg);

#endif
