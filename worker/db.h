/*
 * db.h — the worker's small layer over libpq: connect with a clear message,
 * run a statement and say plainly what went wrong.
 *
 * This file must never build SQL from values: anything that carries data goes
 * through PQexecParams.  It holds no business logic (that lives in sql/).
 */
#ifndef SCC_DB_H
#define SCC_DB_H

#include <libpq-fe.h>

/* Connect (blocking: the worker is not an event loop).  On failure prints
 * "cannot connect to the database (...): <reason>" to stderr and returns
 * NULL.  `application_name` shows up in pg_stat_activity. */
PGconn *scc_db_connect(const char *conninfo, const char *application_name);

/* Run a statement without parameters and expect success (a command or rows).
 * On failure prints "<what>: <server message>" to stderr and returns -1. */
int scc_db_exec(PGconn *conn, const char *sql, const char *what);

/* Print a failed result's message to stderr, prefixed with `what`; with
 * `body` (the SQL text that was run) it also names the line the server
 * pointed at.  Returns -1 so callers can `return scc_db_report(...)`. */
int scc_db_report(PGconn *conn, const PGresult *res, const char *what, const char *body);

#endif
