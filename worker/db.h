/*
 * db.h — the worker's small layer over libpq: connect with a clear message,
 * run a statement and say plainly what went wrong, and PostgreSQL array
 * literals both ways (the only way lists cross into SQL: as one parameter).
 *
 * This file must never build SQL from values: anything that carries data goes
 * through PQexecParams.  It holds no business logic (that lives in sql/).
 */
#ifndef SCC_DB_H
#define SCC_DB_H

#include <stddef.h>
#include <stdint.h>
#include <libpq-fe.h>

#include "buf.h"

/* Connect (blocking: the worker is not an event loop).  On failure logs
 * "cannot connect to the database (...): <reason>" and returns NULL.
 * `application_name` shows up in pg_stat_activity. */
PGconn *scc_db_connect(const char *conninfo, const char *application_name);

/* Run a statement without parameters and expect success (a command or rows).
 * On failure logs "<what>: <server message>" and returns -1. */
int scc_db_exec(PGconn *conn, const char *sql, const char *what);

/* Log a failed result's message, prefixed with `what`; with `body` (the SQL
 * text that was run) it also names the line the server pointed at.  Returns
 * -1 so callers can `return scc_db_report(...)`. */
int scc_db_report(PGconn *conn, const PGresult *res, const char *what, const char *body);

/* The same message without logging it: "<what>: <server message>" (one
 * line, control characters removed) into err, for a caller that records it
 * (a job's last_error).  Returns -1. */
int scc_db_error(PGconn *conn, const PGresult *res, const char *what, char *err, size_t errlen);

/* A text[] literal of n strings ("{\"a\",\"b\\\"c\"}", every element
 * quoted) appended to b.  Returns 0, or -1 when out of memory. */
int scc_db_text_array(scc_buf *b, const char *const *v, size_t n);

/* An int8[] literal of n ids ("{1,2,3}") appended to b.  Returns 0 or -1. */
int scc_db_id_array(scc_buf *b, const int64_t *ids, size_t n);

/* Parse a text[] in PostgreSQL's text output form into *n strings held in
 * one allocation (free() the returned array once).  NULL when out of memory. */
char **scc_db_parse_text_array(const char *s, size_t *n);

#endif
