/*
 * migrate.h — the migration engine behind `scc-worker migrate`: find
 * sql/migrations/NNN_name.sql, check what the database already has, apply
 * the rest in order, each once, each in its own transaction.
 *
 * This file must never edit, skip or re-apply a migration on its own: an
 * applied file whose content changed is an error for a human to resolve.
 */
#ifndef SCC_MIGRATE_H
#define SCC_MIGRATE_H

#include <stddef.h>
#include <libpq-fe.h>

#include "sha256.h"

/* One migration file found on disk. */
typedef struct {
    int   version;                    /* NNN, the order key (>= 1, unique) */
    char *name;                       /* the file name, e.g. 001_foundation.sql */
    char *path;                       /* dir + "/" + name */
    char *body;                       /* file content, NUL-terminated */
    char  checksum[SCC_SHA256_HEX_SIZE];  /* sha-256 hex of the content */
} scc_migration_file;

typedef struct {
    scc_migration_file *files;
    size_t          count;
} scc_migration_set;

/* Results map one to one onto the process exit codes (see cli.h). */
enum { SCC_MIGRATE_OK = 0, SCC_MIGRATE_FAILED = 1, SCC_MIGRATE_USAGE = 2 };

/* Read every NNN_name.sql in `dir`, sorted by version.  Any other *.sql file
 * and any repeated version are errors (a misnamed file would otherwise be
 * skipped silently).  Files not ending in .sql (README.md) are ignored.
 * Logs its errors. */
int scc_migrate_load(const char *dir, scc_migration_set *set);

/* Release what scc_migrate_load read (bodies, names, paths). */
void scc_migrate_free(scc_migration_set *set);

/* Apply `set` over `conn` under an advisory lock; prints one line per
 * migration applied and a summary ("up to date ..." when nothing was left)
 * on stdout, and logs what went wrong.
 * Returns SCC_MIGRATE_OK or SCC_MIGRATE_FAILED. */
int scc_migrate_apply(PGconn *conn, const scc_migration_set *set);

#endif
