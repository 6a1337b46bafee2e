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

/* scc.recover_jobs: expired leases (a crashed worker's jobs) back to the
 * queue, or dead on their last attempt.  Returns how many, or -1. */
int scc_queue_recover(PGconn *conn);

/* scc.claim_jobs: lease up to `batch` due jobs of our kinds to `worker` for
 * lease_seconds; fills `out` (free with scc_queue_batch_free).  Returns the
 * number claimed, or -1. */
int scc_queue_claim(PGconn *conn, const char *worker, int batch, double lease_seconds,
                    scc_queue_batch *out);

/* Release a batch's result; the batch is empty after. */
void scc_queue_batch_free(scc_queue_batch *b);

/* Job i of a batch (0-based); strings point into the batch's result. */
void scc_queue_batch_job(const scc_queue_batch *b, int i, int64_t *id, const char **kind,
                         const char **payload, int *attempt, int *max_attempts);

/* scc.extend_leases: every job `worker` holds gets lease_seconds more.
 * Returns how many, or -1. */
int scc_queue_extend(PGconn *conn, const char *worker, double lease_seconds);

/* scc.complete_jobs: n held jobs are done.  Returns how many were marked
 * done (fewer when a lease passed to another worker), or -1. */
int scc_queue_complete(PGconn *conn, const char *worker, const int64_t *ids, int n);

/* scc.release_jobs: n claimed jobs not started go back at once, the
 * attempt not counted (a stopping worker).  Returns how many, or -1. */
int scc_queue_release(PGconn *conn, const char *worker, const int64_t *ids, int n);

/* scc.fail_job: a held job failed; queued again after retry_seconds, or
 * dead when permanent or out of attempts.  Writes the new state ("queued",
 * "dead", or "lost" when the worker no longer held the job) into
 * state[16].  Returns 0, or -1. */
int scc_queue_fail(PGconn *conn, const char *worker, int64_t id, const char *error,
                   double retry_seconds, int permanent, char state[16]);

/* scc.defer_job: a held job that was not run: queued again after
 * delay_seconds, the attempt not counted.  Writes "queued", or "lost" when
 * the worker no longer held it, into state[16].  Returns 0, or -1. */
int scc_queue_defer(PGconn *conn, const char *worker, int64_t id, const char *reason,
                    double delay_seconds, char state[16]);

/* What scc.prune and scc.prune_sns deleted, kind by kind ("done jobs",
 * "dead jobs", "magic links", "throttle rows", "sessions", "sns messages"),
 * summed over calls. */
#define SCC_QUEUE_PRUNED_KINDS 6
typedef struct {
    char what[SCC_QUEUE_PRUNED_KINDS][32];
    int  deleted[SCC_QUEUE_PRUNED_KINDS];
} scc_queue_pruned;

/* One call of scc.prune and one of scc.prune_sns with the retentions of
 * `set`, at most max_rows rows
 * of each kind; adds what was deleted to *out (zero it before the first
 * call).  Returns 1 when some kind may have more to delete (call again),
 * 0 when none, -1 on a database error. */
int scc_queue_prune(PGconn *conn, const scc_run_settings *set, int max_rows,
                    scc_queue_pruned *out);

#endif
