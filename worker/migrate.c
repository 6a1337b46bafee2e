/*
 * migrate.c — applies sql/migrations/NNN_name.sql files to the database,
 * in numeric order, each once, each inside one transaction together with its
 * row in scc.schema_migrations (version, name, sha-256 checksum, time).
 *
 * This file must never apply anything while an applied file's checksum
 * differs from the database's record, never run two migrations in one
 * transaction (a failure must leave every earlier one applied and recorded),
 * and never run without holding the migration advisory lock.
 */
#include "migrate.h"
#include "clock.h"
#include "db.h"
#include "log.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Advisory lock key: the bytes of "SCC_MIGR" read as a big-endian int64.
 * Any fixed number would do; this one is unlikely to collide with others. */
#define MIGRATE_LOCK_KEY "5999713205185234770"

static const char bootstrap_sql[] =
    "set local client_min_messages = warning;\n"
    "create schema if not exists scc;\n"
    "create table if not exists scc.schema_migrations (\n"
    "    version    int primary key,\n"
    "    name       text not null,\n"
    "    checksum   text not null,\n"
    "    applied_at timestamptz not null default now()\n"
    ");\n"
    "comment on table scc.schema_migrations is\n"
    "    'one row per applied sql/migrations file; written only by scc-worker migrate';\n";

/* ---- reading the directory -------------------------------------------- */

/* NNN_name.sql: digits, '_', then [a-z0-9_]+ — returns the version or -1. */
static int parse_name(const char *name)
{
    const char *p = name;
    long v = 0;

    if (*p < '0' || *p > '9')
        return -1;
    while (*p >= '0' && *p <= '9') {
        v = v * 10 + (*p++ - '0');
        if (v > INT_MAX)
            return -1;
    }
    if (*p++ != '_')
        return -1;
    const char *stem = p;
    while ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_')
        p++;
    if (p == stem || strcmp(p, ".sql") != 0 || v < 1)
        return -1;
    return (int)v;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Read a whole file; refuse NUL bytes because PQexec would stop at the first
 * one and run only part of the migration. */
static char *read_file(const char *path, size_t *len_out)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        scc_log_error("migrate", "cannot read %s: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 8192, len = 0;
    char *buf = malloc(cap);
    while (buf != NULL) {
        if (len + 1 >= cap) {
            char *bigger = realloc(buf, cap * 2);
            if (bigger == NULL) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
        size_t got = fread(buf + len, 1, cap - len - 1, f);
        len += got;
        if (got == 0)
            break;
    }
    int failed = buf == NULL || ferror(f);
    fclose(f);
    if (failed) {
        scc_log_error("migrate", "cannot read %s", path);
        free(buf);
        return NULL;
    }
    buf[len] = '\0';
    if (memchr(buf, '\0', len) != NULL) {
        scc_log_error("migrate", "%s contains a NUL byte; migrations must be plain text", path);
        free(buf);
        return NULL;
    }
    *len_out = len;
    return buf;
}

static int by_version(const void *a, const void *b)
{
    const scc_migration_file *x = a, *y = b;
    return (x->version > y->version) - (x->version < y->version);
}

void scc_migrate_free(scc_migration_set *set)
{
    for (size_t i = 0; i < set->count; i++) {
        free(set->files[i].name);
        free(set->files[i].path);
        free(set->files[i].body);
    }
    free(set->files);
    set->files = NULL;
    set->count = 0;
}

int scc_migrate_load(const char *dir, scc_migration_set *set)
{
    set->files = NULL;
    set->count = 0;

    DIR *d = opendir(dir);
    if (d == NULL) {
        scc_log_error("migrate", "cannot open migrations directory %s: %s", dir, strerror(errno));
        return SCC_MIGRATE_USAGE;
    }

    size_t cap = 0;
    int rc = SCC_MIGRATE_OK;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || !ends_with(e->d_name, ".sql"))
            continue;
        int version = parse_name(e->d_name);
        if (version < 0) {
            scc_log_error("migrate", "%s/%s: a migration file must be named NNN_name.sql "
                    "(digits, '_', lower-case letters, digits or '_')", dir, e->d_name);
            rc = SCC_MIGRATE_FAILED;
            continue;
        }
        if (set->count == cap) {
            cap = cap ? cap * 2 : 16;
            scc_migration_file *bigger = realloc(set->files, cap * sizeof(*bigger));
            if (bigger == NULL) {
                scc_log_error("migrate", "out of memory");
                rc = SCC_MIGRATE_FAILED;
                break;
            }
            set->files = bigger;
        }
        scc_migration_file *m = &set->files[set->count];
        memset(m, 0, sizeof(*m));
        m->version = version;
        m->name = strdup(e->d_name);
        if (m->name == NULL || asprintf(&m->path, "%s/%s", dir, e->d_name) < 0) {
            free(m->name);
            scc_log_error("migrate", "out of memory");
            rc = SCC_MIGRATE_FAILED;
            break;
        }
        set->count++;

        size_t len = 0;
        m->body = read_file(m->path, &len);
        if (m->body == NULL || scc_sha256_hex(m->body, len, m->checksum) != 0) {
            rc = SCC_MIGRATE_FAILED;
            continue;
        }
    }
    closedir(d);

    if (set->count > 1)
        qsort(set->files, set->count, sizeof(*set->files), by_version);
    for (size_t i = 1; i < set->count; i++) {
        if (set->files[i].version == set->files[i - 1].version) {
            scc_log_error("migrate", "%s and %s have the same version %d; each number may be used once",
                          set->files[i - 1].path, set->files[i].path, set->files[i].version);
            rc = SCC_MIGRATE_FAILED;
        }
    }
    if (rc != SCC_MIGRATE_OK)
        scc_migrate_free(set);
    return rc;
}

/* ---- talking to the database ------------------------------------------- */

/* Take the session advisory lock, saying so if we have to wait: a second
 * runner (another deploy, a test) then queues instead of colliding. */
static int take_lock(PGconn *conn)
{
    PGresult *res = PQexec(conn, "select pg_try_advisory_lock(" MIGRATE_LOCK_KEY ")");
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        scc_db_report(conn, res, "cannot take the migration lock", NULL);
        PQclear(res);
        return -1;
    }
    int got = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
    PQclear(res);
    if (got)
        return 0;
    scc_log_info("migrate", "another migration run holds the lock; waiting for it to finish...");
    return scc_db_exec(conn, "select pg_advisory_lock(" MIGRATE_LOCK_KEY ")",
                       "cannot take the migration lock");
}

/* After a failed statement: when it was a privilege error, say who should
 * run migrations, since connecting as the wrong role is the usual cause. */
static void owner_hint(const PGresult *res)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    if (state != NULL && strcmp(state, "42501") == 0)
        scc_log_error("migrate", "scc-worker migrate must connect as the schema owner "
                "(user=scc_owner in SCC_PG), not as an application role");
}

/* Create scc and scc.schema_migrations when missing.  Checked first so a role
 * without CREATE on the database can still run migrate on a set-up database. */
static int bootstrap(PGconn *conn)
{
    PGresult *res = PQexec(conn, "select to_regclass('scc.schema_migrations') is not null");
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        scc_db_report(conn, res, "cannot look for scc.schema_migrations", NULL);
        owner_hint(res);
        PQclear(res);
        return -1;
    }
    int exists = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
    PQclear(res);
    if (exists)
        return 0;

    if (scc_db_exec(conn, "begin", "cannot begin a transaction") != 0)
        return -1;
    if (scc_db_exec(conn, bootstrap_sql, "cannot create scc.schema_migrations") != 0) {
        scc_db_exec(conn, "rollback", "rollback");
        return -1;
    }
    return scc_db_exec(conn, "commit", "cannot create scc.schema_migrations");
}

/* Apply one file and its record in a single transaction. */
static int apply_one(PGconn *conn, const scc_migration_file *m)
{
    char what[600];
    double t0 = scc_clock_monotonic();

    if (scc_db_exec(conn, "begin", "cannot begin a transaction") != 0)
        return -1;

    /* The file is trusted SQL from the repository, possibly many statements:
     * PQexec runs them all inside our open transaction. */
    PGresult *res = PQexec(conn, m->body);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY) {
        snprintf(what, sizeof(what), "migration %s failed, nothing of it was applied", m->path);
        scc_db_report(conn, res, what, m->body);
        owner_hint(res);
        PQclear(res);
        scc_db_exec(conn, "rollback", "rollback");
        return -1;
    }
    PQclear(res);

    /* A file that says COMMIT or ROLLBACK itself would split the migration
     * from its record; refuse it rather than record something half-true. */
    if (PQtransactionStatus(conn) != PQTRANS_INTRANS) {
        scc_log_error("migrate", "migration %s ended the transaction itself (COMMIT/ROLLBACK/BEGIN in the "
                "file?); migration files must not contain transaction control", m->path);
        if (PQtransactionStatus(conn) != PQTRANS_IDLE)
            scc_db_exec(conn, "rollback", "rollback");
        return -1;
    }

    char version[16];
    snprintf(version, sizeof(version), "%d", m->version);
    const char *params[3] = { version, m->name, m->checksum };
    res = PQexecParams(conn,
                       "insert into scc.schema_migrations (version, name, checksum) "
                       "values ($1::int, $2::text, $3::text)",
                       3, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        snprintf(what, sizeof(what), "cannot record migration %s", m->name);
        scc_db_report(conn, res, what, NULL);
        PQclear(res);
        scc_db_exec(conn, "rollback", "rollback");
        return -1;
    }
    PQclear(res);

    snprintf(what, sizeof(what), "cannot commit migration %s", m->name);
    if (scc_db_exec(conn, "commit", what) != 0)
        return -1;
    printf("applied %s (%.0f ms)\n", m->name, (scc_clock_monotonic() - t0) * 1e3);
    fflush(stdout);
    return 0;
}

/* What the database says is applied. */
typedef struct {
    int   version;
    char *name;
    char *checksum;
} applied_row;

int scc_migrate_apply(PGconn *conn, const scc_migration_set *set)
{
    if (take_lock(conn) != 0 || bootstrap(conn) != 0)
        return SCC_MIGRATE_FAILED;

    PGresult *res = PQexec(conn,
                           "select version, name, checksum from scc.schema_migrations "
                           "order by version");
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        scc_db_report(conn, res, "cannot read scc.schema_migrations", NULL);
        owner_hint(res);
        PQclear(res);
        return SCC_MIGRATE_FAILED;
    }

    int rows = PQntuples(res), rc = SCC_MIGRATE_OK;
    int max_applied = 0;

    /* 1. Every applied file must be unchanged, checked before anything runs. */
    for (int r = 0; r < rows; r++) {
        int version = atoi(PQgetvalue(res, r, 0));
        const char *name = PQgetvalue(res, r, 1);
        const char *sum = PQgetvalue(res, r, 2);
        if (version > max_applied)
            max_applied = version;

        const scc_migration_file *m = NULL;
        for (size_t i = 0; i < set->count; i++)
            if (set->files[i].version == version)
                m = &set->files[i];

        if (m == NULL) {
            /* Not fatal: an older checkout against a newer database is a
             * normal moment while switching branches. */
            scc_log_warn("migrate", "the database has migration %d (%s) but there is no such "
                    "file here; is this checkout older than the database?", version, name);
        } else if (strcmp(m->checksum, sum) != 0) {
            scc_log_error("migrate", "refusing to migrate: %s was already applied (as %s) and has changed since "
                    "(checksum %.12s... in the database, %.12s... on disk). Never edit an "
                    "applied migration: restore the file and put the change in a new migration.",
                    m->path, name, sum, m->checksum);
            rc = SCC_MIGRATE_FAILED;
        }
    }

    /* 2. Apply what is missing, in order, each in its own transaction. */
    int applied_now = 0;
    for (size_t i = 0; rc == SCC_MIGRATE_OK && i < set->count; i++) {
        const scc_migration_file *m = &set->files[i];
        int done = 0;
        for (int r = 0; r < rows && !done; r++)
            done = atoi(PQgetvalue(res, r, 0)) == m->version;
        if (done)
            continue;
        if (m->version < max_applied)
            scc_log_info("migrate", "%s is older than the newest applied migration (%d); "
                    "applying it now", m->name, max_applied);
        if (apply_one(conn, m) != 0) {
            rc = SCC_MIGRATE_FAILED;
            break;
        }
        applied_now++;
        if (m->version > max_applied)
            max_applied = m->version;
    }
    PQclear(res);

    if (rc == SCC_MIGRATE_OK) {
        if (applied_now == 0)
            printf("up to date: %d migration%s applied, schema version %d\n",
                   rows, rows == 1 ? "" : "s", max_applied);
        else
            printf("applied %d migration%s, schema version %d\n",
                   applied_now, applied_now == 1 ? "" : "s", max_applied);
    }
    /* The advisory lock is a session lock: it goes with the connection,
     * which the caller closes; unlocking explicitly keeps it short anyway. */
    scc_db_exec(conn, "select pg_advisory_unlock(" MIGRATE_LOCK_KEY ")", "cannot release the lock");
    return rc;
}
