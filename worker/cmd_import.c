/*
 * cmd_import.c — `scc-worker import KIND FILE.csv`: import a CSV file of one
 * kind (accounts, journal, ...) into the database, the whole file or
 * nothing, and say what happened: the summary on stdout, or every error as
 * FILE:LINE: COLUMN: message on stderr (as compilers do, so editors jump
 * to it).
 *
 * This file must never parse CSV, check a value or touch a table: the one
 * implementation is scc.import_csv() in SQL (sql/migrations/032_ledger.sql,
 * the kinds in 041_import_kinds.sql and after),
 * the same the admin page's route runs.  Here we read the file, call it
 * with PQexecParams and print its answer.
 */
#include "cli.h"
#include "db.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A file larger than this is surely not meant (the route takes 4 MB). */
#define IMPORT_MAX_BYTES (256L * 1024 * 1024)

static const char import_help[] =
    "usage: scc-worker import [--config FILE] KIND FILE.csv\n"
    "\n"
    "Import FILE.csv (RFC 4180, UTF-8, a header line naming the kind's columns)\n"
    "as KIND: accounts, journal, bookings, deliveries, clients, invoices ...\n"
    "(every kind and its layout: samples/import/README.md).\n"
    "Every row is checked first; the file is applied whole, or not at all when\n"
    "any row is wrong.  A row whose key was imported before is updated.\n"
    "\n"
    "Prints the summary on stdout, or every error on stderr as\n"
    "  FILE:LINE: COLUMN: message\n"
    "Exit 0 imported, 1 refused (or the database failed), 2 usage error.\n";

/* The whole file in a NUL-terminated buffer, or NULL with errno set (EFBIG
 * when larger than IMPORT_MAX_BYTES, EILSEQ when it holds a NUL byte). */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap);
    if (buf == NULL) {
        fclose(f);
        errno = ENOMEM;
        return NULL;
    }
    for (;;) {
        if (n + 1 >= cap) {
            if (cap >= (size_t)IMPORT_MAX_BYTES) {
                free(buf);
                fclose(f);
                errno = EFBIG;
                return NULL;
            }
            char *more = realloc(buf, cap * 2);
            if (more == NULL) {
                free(buf);
                fclose(f);
                errno = ENOMEM;
                return NULL;
            }
            buf = more;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    int failed = ferror(f);
    fclose(f);
    if (failed) {
        free(buf);
        errno = EIO;
        return NULL;
    }
    if (memchr(buf, '\0', n) != NULL) {
        free(buf);
        errno = EILSEQ;
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* The file's name without its folders, as the import records it. */
static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash != NULL ? slash + 1 : path;
}

int scc_cmd_import(int argc, char **argv)
{
    static const struct option opts[] = {
        { "config", required_argument, NULL, 'c' },
        { "help",   no_argument,       NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    const char *config_path = NULL;
    int c;

    opterr = 0;
    while ((c = getopt_long(argc, argv, ":hc:", opts, NULL)) != -1) {
        switch (c) {
        case 'c': config_path = optarg; break;
        default:
            return scc_cli_common_option("import", c, argv, import_help);
        }
    }
    if (optind != argc - 2)
        return scc_cli_usage("import", "give a KIND and a FILE.csv (see --help)");
    const char *kind = argv[optind];
    const char *path = argv[optind + 1];

    size_t len = 0;
    char *csv = read_file(path, &len);
    if (csv == NULL) {
        if (errno == EILSEQ)
            return scc_cli_usage("import", "%s: holds a NUL byte: not a CSV text", path);
        if (errno == EFBIG)
            return scc_cli_usage("import", "%s: larger than %ld MB", path, IMPORT_MAX_BYTES >> 20);
        return scc_cli_usage("import", "cannot read %s: %s", path, strerror(errno));
    }

    scc_config cfg;
    int rc = scc_cli_load_config(&cfg, "import", config_path);
    if (rc != SCC_EXIT_OK) {
        free(csv);
        return rc;
    }
    PGconn *conn = scc_db_connect(cfg.pg, "scc-worker import");
    if (conn == NULL) {
        free(csv);
        scc_config_free(&cfg);
        return SCC_EXIT_FAILURE;
    }

    /* One row for the summary, or one an error (line, column, message). */
    const char *params[3] = { kind, csv, base_name(path) };
    PGresult *res = PQexecParams(conn,
        "with r as (select scc.import_csv($1, $2, null, $3) as j) "
        "select (r.j ->> 'import_id'), (r.j ->> 'rows'), (r.j ->> 'inserted'), (r.j ->> 'updated'), "
        "       r.j ? 'errors', e.v ->> 'line', e.v ->> 'column', e.v ->> 'message' "
        "  from r left join lateral jsonb_array_elements(r.j -> 'errors') "
        "       with ordinality as e (v, k) on true "
        " order by e.k",
        3, NULL, params, NULL, NULL, 0);
    free(csv);

    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) >= 1) {
        int n = PQntuples(res);
        if (strcmp(PQgetvalue(res, 0, 4), "t") == 0) {
            for (int i = 0; i < n; i++) {
                if (PQgetisnull(res, i, 6))
                    fprintf(stderr, "%s:%s: %s\n", path, PQgetvalue(res, i, 5), PQgetvalue(res, i, 7));
                else
                    fprintf(stderr, "%s:%s: %s: %s\n", path, PQgetvalue(res, i, 5),
                            PQgetvalue(res, i, 6), PQgetvalue(res, i, 7));
            }
            fprintf(stderr, "%s: refused, %d error%s: nothing was imported (import %s)\n",
                    path, n, n == 1 ? "" : "s", PQgetvalue(res, 0, 0));
            rc = SCC_EXIT_FAILURE;
        } else {
            printf("%s: imported as %s: %s rows, %s inserted, %s updated (import %s)\n",
                   path, kind, PQgetvalue(res, 0, 1), PQgetvalue(res, 0, 2),
                   PQgetvalue(res, 0, 3), PQgetvalue(res, 0, 0));
            rc = SCC_EXIT_OK;
        }
    } else {
        const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
        const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
        if (state != NULL && strcmp(state, "SC400") == 0) {
            /* an unknown kind: nothing was attempted */
            rc = scc_cli_usage("import", "%s", msg ? msg : "refused");
        } else if (state != NULL && strcmp(state, "22021") == 0) {
            fprintf(stderr, "%s: not UTF-8 text: save it as UTF-8 and import it again\n", path);
            rc = SCC_EXIT_FAILURE;
        } else {
            scc_db_report(conn, res, "cannot import the file", NULL);
            rc = SCC_EXIT_FAILURE;
        }
    }
    PQclear(res);
    PQfinish(conn);
    scc_config_free(&cfg);
    return rc;
}
