/*
 * queue.h — the worker's side of the job queue: one function per SQL
 * function of sql/migrations/002_jobs.sql (recover, claim, extend, complete,
 * fail, release, defer; prune: 011_outbox_and_retention.sql).
 *
 * This file must never decide policy (what to retry, how long to wait):
 * the run loop (cmd_run.c) decides, the SQL functions enforce.  Every call
 * is parameterised (PQexecParams).
 */
#ifndef SCC_QUEUE_H
#define SCC_QUEUE_H

#include <stddef.h>
#include <stdint.h>
#include <libpq-fe.h>

#include "config.h"
#include "jobs.h"

/* A claimed batch: the PGresult of scc.claim_jobs plus its jobs. */
typedef struct {
    PGresult *res;
    int       n;
} scc_queue_batch;

/* All calls return -1 on a database error (message logged);
 * then PQstatus(conn) tells whether the connection itself was lost. */

/* The kinds this worker can run, as a PostgreSQL array literal built once
 * from scc_job_kinds ("{noop,sleep,...}"): passed as a parameter. */
const char *scc_queue_kinds_literal(void);

int scc_queue_recover(PGconn *conn);
/* Claims up to `batch` jobs; fills `out` (free with scc_queue_batch_free). */
int scc_queue_claim(PGconn *conn, const char *worker, int batch, double lease_seconds, scc_queue_batch *out);
void scc_queue_batch_free(scc_queue_batch *b);
/* Job i of a batch (0-based); strings point into the batch's result. */
void scc_queue_batch_job(const scc_queue_batch *b, int i, int64_t *id, const char **kind,
                         const char **payload, int *attempt, int *max_attempts);

int scc_queue_extend(PGconn *conn, const char *worker, double lease_seconds);
/* ids: n job ids.  Returns how many were marked done, or -1. */
int scc_queue_complete(PGconn *conn, const char *worker, const int64_t *ids, int n);
int scc_queue_release(PGconn *conn, const char *worker, const int64_t *ids, int n);
/* Writes the new state ("queued", "dead", or "lost" when the worker no
 * longer held the job) into state[16]. */
int scc_queue_fail(PGconn *conn, const char *worker, int64_t id, const char *error,
                   double retry_seconds, int permanent, char state[16]);
/* A held job that was not run: queued again after delay_seconds, the
 * attempt not counted.  Writes "queued", or "lost" when the worker no
 * longer held it, into state[16]. */
int scc_queue_defer(PGconn *conn, const char *worker, int64_t id, const char *reason,
                    double delay_seconds, char state[16]);
/* What scc.prune deleted, kind by kind ("done jobs", "dead jobs", "magic
 * links", "throttle rows", "sessions"), summed over calls. */
#define SCC_QUEUE_PRUNED_KINDS 5
typedef struct {
    char what[SCC_QUEUE_PRUNED_KINDS][32];
    int  deleted[SCC_QUEUE_PRUNED_KINDS];
} scc_queue_pruned;

/* One call of scc.prune with the retentions of `set`, at most max_rows rows
 * of each kind; adds what was deleted to *out (zero it before the first
 * call).  Returns 1 when some kind may have more to delete (call again),
 * 0 when none, -1 on a database error. */
int scc_queue_prune(PGconn *conn, const scc_run_settings *set, int max_rows,
                    scc_queue_pruned *out);

#endif
