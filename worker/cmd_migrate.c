/*
 * cmd_migrate.c — `scc-worker migrate`: the command line around the
 * migration engine in migrate.c.
 *
 * This file must never contain migration logic itself (ordering, checksums,
 * transactions live in migrate.c); it parses options, loads the config,
 * connects and maps results to exit codes.
 */
#include "cli.h"
#include "db.h"
#include "migrate.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char migrate_help[] =
    "usage: scc-worker migrate [--dir DIR] [--config FILE]\n"
    "\n"
    "Apply DIR/NNN_name.sql (default sql/migrations) in numeric order, each once,\n"
    "each in its own transaction together with its row in scc.schema_migrations\n"
    "(version, name, sha-256 checksum).  Already applied files are checked: one\n"
    "that changed since is refused (exit 1) and nothing is applied.  Concurrent\n"
    "runs wait for each other (advisory lock).  Connects as the schema owner.\n"
    "\n"
    "  --dir DIR       migrations directory (config key migrations_dir)\n";

int scc_cmd_migrate(int argc, char **argv)
{
    static const struct option opts[] = {
        { "dir",    required_argument, NULL, 'd' },
        { "config", required_argument, NULL, 'c' },
        { "help",   no_argument,       NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    const char *dir = NULL, *config_path = NULL;
    int c;

    opterr = 0;
    while ((c = getopt_long(argc, argv, ":hd:c:", opts, NULL)) != -1) {
        switch (c) {
        case 'd': dir = optarg; break;
        case 'c': config_path = optarg; break;
        default:
            return scc_cli_common_option("migrate", c, argv, migrate_help);
        }
    }
    if (optind < argc) {
        return scc_cli_usage("migrate", "unexpected argument \"%s\" (see --help)", argv[optind]);
    }

    scc_config cfg;
    int rc = scc_cli_load_config(&cfg, "migrate", config_path);
    if (rc != SCC_EXIT_OK)
        return rc;
    if (dir == NULL)
        dir = cfg.migrations_dir ? cfg.migrations_dir : "sql/migrations";

    /* Read the files before connecting: a misnamed file is found without
     * needing a database, and nothing is half-done if the folder is wrong. */
    scc_migration_set set;
    rc = scc_migrate_load(dir, &set);
    if (rc != SCC_MIGRATE_OK) {
        scc_config_free(&cfg);
        return rc == SCC_MIGRATE_USAGE ? SCC_EXIT_USAGE : SCC_EXIT_FAILURE;
    }

    PGconn *conn = scc_db_connect(cfg.pg, "scc-worker migrate");
    if (conn == NULL) {
        rc = SCC_EXIT_FAILURE;
    } else {
        rc = scc_migrate_apply(conn, &set) == SCC_MIGRATE_OK ? SCC_EXIT_OK : SCC_EXIT_FAILURE;
        PQfinish(conn);
    }
    scc_migrate_free(&set);
    scc_config_free(&cfg);
    return rc;
}
