/*
 * job_event.c — the charter's timed checks: the job kinds 'event_overdue'
 * (queued at an event's return + grace), 'event_roster' (24 h before
 * its departure) and 'guest_reminders' (24 h before its departure: the
 * guests still on waiver hold).  Each calls the SQL function of the same name with the
 * job's payload, scc.event_overdue(payload) / scc.event_roster(payload);
 * the function decides, under the database's view of the event at that
 * moment, whether anything is due and queues the email job itself (with a
 * unique key, so a job that runs twice still mails once).
 *
 * This file must never decide anything about an event (the state, the
 * times, who is told: all in SQL), never send mail itself (the email kind
 * does, with its outbox), and never build SQL from the payload: the
 * payload travels as one parameter.
 */
#include "db.h"
#include "jobs.h"
#include "log.h"

#include <inttypes.h>
#include <string.h>

/* Runs "select scc.<fn>($1::jsonb)" for the job: done with what the
 * function answered logged; a missing function (42883: the migration that
 * writes it is not applied here) fails for good; anything else is retried. */
static scc_job_result call_event_fn(scc_worker *w, const scc_job *job, const char *sql,
                                    char *err, size_t errlen)
{
    const char *vals[] = { job->payload_text };
    PGresult *res = PQexecParams(w->conn, sql, 1, NULL, vals, NULL, NULL, 0);
    scc_job_result r = SCC_JOB_DONE;
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
        scc_db_error(w->conn, res, job->kind, err, errlen);
        r = (state && (strcmp(state, "42883") == 0 || strncmp(state, "22", 2) == 0))
            ? SCC_JOB_FAIL : SCC_JOB_RETRY;
    } else if (PQntuples(res) == 1 && !PQgetisnull(res, 0, 0)) {
        scc_log(SCC_LOG_INFO, "event", "%s id=%" PRId64 ": %s", job->kind, job->id,
                PQgetvalue(res, 0, 0));
    }
    PQclear(res);
    return r;
}

scc_job_result scc_job_event_overdue(scc_worker *w, const scc_job *job, char *err, size_t errlen)
{
    return call_event_fn(w, job, "select scc.event_overdue($1::jsonb)::text", err, errlen);
}

scc_job_result scc_job_event_roster(scc_worker *w, const scc_job *job, char *err, size_t errlen)
{
    return call_event_fn(w, job, "select scc.event_roster($1::jsonb)::text", err, errlen);
}

/* waivers: completion figures (helper D) — the 'waiver_completion' kind,
 * queued by the events_queue_waiver_completion trigger (025) for T-24 h and
 * for departure: scc.waiver_completion_record(payload) writes the figure. */
scc_job_result scc_job_waiver_completion(scc_worker *w, const scc_job *job, char *err, size_t errlen)
{
    return call_event_fn(w, job, "select scc.waiver_completion_record($1::jsonb)::text", err, errlen);
}
/* end waivers: completion figures (helper D) */
/* guests: reminders (helper C) */
scc_job_result scc_job_guest_reminders(scc_worker *w, const scc_job *job, char *err, size_t errlen)
{
    return call_event_fn(w, job, "select scc.guest_reminders($1::jsonb)::text", err, errlen);
}
