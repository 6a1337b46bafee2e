/*
 * jobs.h — what a job is to the worker, and the table of handlers keyed by
 * kind (`scc.jobs.kind`) that `scc-worker run` dispatches to.
 *
 * Adding a kind = write `scc_job_result job_KIND(...)` in its own file
 * (declare it below) and add one row to `scc_job_kinds` in jobs.c.  The
 * worker only claims kinds that are in that table, so a job of a kind this
 * binary does not know waits for a worker that does, instead of failing.
 *
 * This file must never hold a handler's logic or SQL: it is the contract
 * between the run loop (cmd_run.c, queue.c) and the handlers.
 */
#ifndef SCC_JOBS_H
#define SCC_JOBS_H

#include <stddef.h>
#include <stdint.h>
#include <libpq-fe.h>
#include <yajl/yajl_tree.h>

#include "config.h"

/* What a handler says about the job it ran:
 *   SCC_JOB_DONE   it is finished: the job becomes `done`;
 *   SCC_JOB_RETRY  a temporary failure (network, 429, 5xx, lock): the job is
 *              queued again after an exponential backoff with jitter, or
 *              becomes `dead` when it used its last attempt;
 *   SCC_JOB_FAIL   a permanent failure (bad payload, 4xx): `dead` at once;
 *   SCC_JOB_DEFER  nothing was tried (the email provider paused the account):
 *              queued again after w->defer_seconds, the attempt not
 *              counted, so a long pause cannot make the job dead.
 * With SCC_JOB_RETRY, SCC_JOB_FAIL and SCC_JOB_DEFER the handler writes why into err
 * (kept in scc.jobs.last_error, so never put a secret there). */
typedef enum { SCC_JOB_DONE, SCC_JOB_RETRY, SCC_JOB_FAIL, SCC_JOB_DEFER } scc_job_result;

/* One claimed job.  Everything is owned by the run loop and valid only
 * during the handler call. */
typedef struct scc_job {
    int64_t      id;
    const char  *kind;
    const char  *payload_text;  /* the jsonb as text */
    yajl_val     payload;       /* parsed payload (never NULL: {} at least) */
    int          attempt;       /* 1 for the first run (attempts after claiming) */
    int          max_attempts;
} scc_job;

/* The worker process as handlers see it. */
typedef struct scc_worker {
    const scc_config *cfg;      /* the loaded configuration */
    PGconn           *conn;     /* autocommit connection, no transaction open
                                 * between handler calls; a handler may run
                                 * statements on it (PQexecParams only) but
                                 * must leave no transaction open and must not
                                 * LISTEN/UNLISTEN */
    const char       *worker_id;   /* "host:pid" or config worker_id: jobs' locked_by */
    double            lease_seconds;
    double            last_extend; /* monotonic seconds of the last lease extension */
    volatile int     *stopping;    /* non-zero once SIGTERM/SIGINT arrived */
    double            defer_seconds; /* set by a handler returning SCC_JOB_DEFER */
} scc_worker;

typedef scc_job_result (*scc_job_handler)(scc_worker *w, const scc_job *job,
                                          char *err, size_t errlen);

typedef struct {
    const char      *kind;
    scc_job_handler  handler;
} scc_job_kind;

/* The table (jobs.c), ended by a { NULL, NULL } row. */
extern const scc_job_kind scc_job_kinds[];

/* The handler for KIND, or NULL. */
scc_job_handler scc_jobs_handler(const char *kind);

/* Long handlers call this now and then (it is cheap when nothing is due):
 * it renews the lease of every job this worker holds when a third of the
 * lease has passed, so a slow job is not taken over by another worker.
 * Returns 0, or -1 when the database could not be reached. */
int scc_worker_keep_lease(scc_worker *w);

/* Handlers (one file each). */
scc_job_result scc_job_noop(scc_worker *w, const scc_job *job, char *err, size_t errlen);
scc_job_result scc_job_sleep(scc_worker *w, const scc_job *job, char *err, size_t errlen);
scc_job_result scc_job_fail(scc_worker *w, const scc_job *job, char *err, size_t errlen);
scc_job_result scc_job_report(scc_worker *w, const scc_job *job, char *err, size_t errlen);
/* scc_job_email: worker/mail.c (the email helper's), row added in jobs.c. */
scc_job_result scc_job_email(scc_worker *w, const scc_job *job, char *err, size_t errlen);
/* charter: events — worker/job_event.c */
scc_job_result scc_job_event_overdue(scc_worker *w, const scc_job *job, char *err, size_t errlen);
scc_job_result scc_job_event_roster(scc_worker *w, const scc_job *job, char *err, size_t errlen);
/* waivers: completion figures (helper D) — worker/job_event.c */
scc_job_result scc_job_waiver_completion(scc_worker *w, const scc_job *job, char *err, size_t errlen);
/* guests: reminders (helper C) */
scc_job_result scc_job_guest_reminders(scc_worker *w, const scc_job *job, char *err, size_t errlen);
/* SES bounces and complaints through SNS (helper Q4) — worker/job_sns.c */
scc_job_result scc_job_sns(scc_worker *w, const scc_job *job, char *err, size_t errlen);

#endif
