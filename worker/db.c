/*
 * db.c — connecting to PostgreSQL, reporting its errors, and PostgreSQL
 * array literals, for scc-worker (see db.h).
 *
 * This file must never interpolate values into SQL (use PQexecParams in the
 * caller) and never print the conninfo: it may hold a password.
 */
#include "db.h"
#include "errmsg.h"
#include "log.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The message of a failed result, else the connection's. */
static const char *db_message(PGconn *conn, const PGresult *res)
{
    const char *msg = res ? PQresultErrorMessage(res) : NULL;

    if (msg == NULL || *msg == '\0')
        msg = PQerrorMessage(conn);
    return msg ? msg : "";
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
    char        target[512], msg[1024];

    PGconn *conn = PQconnectdbParams(keys, vals, 1 /* expand dbname */);
    if (conn == NULL) {
        scc_log_error("db", "cannot connect to the database: out of memory");
        return NULL;
    }
    if (PQstatus(conn) != CONNECTION_OK) {
        describe_target(conn, target, sizeof(target));
        scc_copy_message(msg, sizeof(msg), PQerrorMessage(conn), strlen(PQerrorMessage(conn)));
        scc_log_error("db", "cannot connect to the database (%s): %s", target, msg);
        PQfinish(conn);
        return NULL;
    }
    return conn;
}

int scc_db_report(PGconn *conn, const PGresult *res, const char *what, const char *body)
{
    const char *msg = db_message(conn, res);
    char        clean[2048];

    scc_copy_message(clean, sizeof(clean), msg, strlen(msg));
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
        scc_log_error("db", "%s (near line %ld): %s", what, line, clean);
    } else {
        scc_log_error("db", "%s: %s", what, clean);
    }
    return -1;
}

int scc_db_error(PGconn *conn, const PGresult *res, const char *what, char *err, size_t errlen)
{
    const char *msg = db_message(conn, res);
    char        clean[300];

    scc_copy_message(clean, sizeof(clean), msg, strlen(msg));
    snprintf(err, errlen, "%s: %s", what, clean);
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

int scc_db_text_array(scc_buf *b, const char *const *v, size_t n)
{
    int bad = scc_buf_append(b, "{", 1);

    for (size_t i = 0; i < n; i++) {
        if (i)
            bad |= scc_buf_append(b, ",", 1);
        bad |= scc_buf_append(b, "\"", 1);
        for (const char *p = v[i]; *p; p++) {
            if (*p == '"' || *p == '\\')
                bad |= scc_buf_append(b, "\\", 1);
            bad |= scc_buf_append(b, p, 1);
        }
        bad |= scc_buf_append(b, "\"", 1);
    }
    bad |= scc_buf_append(b, "}", 1);
    return bad ? -1 : 0;
}

int scc_db_id_array(scc_buf *b, const int64_t *ids, size_t n)
{
    char num[24];
    int  bad = scc_buf_append(b, "{", 1);

    for (size_t i = 0; i < n; i++) {
        int len = snprintf(num, sizeof(num), "%s%" PRId64, i ? "," : "", ids[i]);
        bad |= scc_buf_append(b, num, (size_t)len);
    }
    bad |= scc_buf_append(b, "}", 1);
    return bad ? -1 : 0;
}

char **scc_db_parse_text_array(const char *s, size_t *n)
{
    size_t cap = strlen(s) + 1, count = 0;
    char **out = malloc(sizeof(char *) * (cap / 2 + 2) + cap);
    if (!out)
        return NULL;
    char *w = (char *)(out + cap / 2 + 2);
    const char *p = s;
    if (*p == '{')
        p++;
    while (*p && *p != '}') {
        out[count++] = w;
        if (*p == '"') {
            p++;
            while (*p && *p != '"') {
                if (*p == '\\' && p[1])
                    p++;
                *w++ = *p++;
            }
            if (*p == '"')
                p++;
        } else {
            while (*p && *p != ',' && *p != '}')
                *w++ = *p++;
        }
        *w++ = '\0';
        if (*p == ',')
            p++;
    }
    *n = count;
    return out;
}
