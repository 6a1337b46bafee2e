/*
 * db.c — connecting to PostgreSQL and reporting its errors for scc-worker.
 *
 * This file must never interpolate values into SQL (use PQexecParams in the
 * caller) and never print the conninfo: it may hold a password.
 */
#include "db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* libpq messages end with a newline, sometimes with several lines; keep them
 * but without the trailing newline so our own prefix/suffix reads well. */
static void print_trimmed(const char *msg)
{
    size_t n = msg ? strlen(msg) : 0;
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
        n--;
    fprintf(stderr, "%.*s\n", (int)n, msg ? msg : "");
}

/* Describe where we tried to connect, without the password, for the error. */
static void describe_target(PGconn *conn, char *buf, size_t len)
{
    const char *host = PQhost(conn);
    const char *db = PQdb(conn);
    const char *user = PQuser(conn);
    snprintf(buf, len, "host=%s dbname=%s user=%s",
             host && *host ? host : "(default socket)", db ? db : "?", user ? user : "?");
}

PGconn *scc_db_connect(const char *conninfo, const char *application_name)
{
    /* Expanded keywords so application_name does not need string pasting
     * into the conninfo (which could break its quoting). */
    const char *keys[] = { "dbname", "application_name", "connect_timeout", NULL };
    const char *vals[] = { conninfo, application_name, "10", NULL };

    PGconn *conn = PQconnectdbParams(keys, vals, 1 /* expand dbname */);
    if (conn == NULL) {
        fprintf(stderr, "cannot connect to the database: out of memory\n");
        return NULL;
    }
    if (PQstatus(conn) != CONNECTION_OK) {
        char target[512];
        describe_target(conn, target, sizeof(target));
        fprintf(stderr, "cannot connect to the database (%s): ", target);
        print_trimmed(PQerrorMessage(conn));
        PQfinish(conn);
        return NULL;
    }
    return conn;
}

int scc_db_report(PGconn *conn, const PGresult *res, const char *what, const char *body)
{
    const char *msg = res ? PQresultErrorMessage(res) : NULL;
    if (msg == NULL || *msg == '\0')
        msg = PQerrorMessage(conn);

    /* The server gives a 1-based character position inside the statement;
     * turning it into a line number makes a failing migration easy to fix. */
    const char *pos = res ? PQresultErrorField(res, PG_DIAG_STATEMENT_POSITION) : NULL;
    if (body != NULL && pos != NULL) {
        long chars = strtol(pos, NULL, 10), line = 1;
        for (const char *p = body; *p && chars > 1; p++, chars--) {
            /* position counts characters, not bytes: skip UTF-8 continuation bytes */
            if (((unsigned char)*p & 0xC0) == 0x80)
                chars++;
            if (*p == '\n')
                line++;
        }
        fprintf(stderr, "%s (near line %ld): ", what, line);
    } else {
        fprintf(stderr, "%s: ", what);
    }
    print_trimmed(msg);
    return -1;
}

int scc_db_exec(PGconn *conn, const char *sql, const char *what)
{
    PGresult *res = PQexec(conn, sql);
    ExecStatusType st = PQresultStatus(res);
    int rc = 0;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        rc = scc_db_report(conn, res, what, NULL);
    PQclear(res);
    return rc;
}
