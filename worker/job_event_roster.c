/*
 * job_event_roster.c — the 'event_roster' job kind: the roster an event's
 * captain gets 24 hours before departure.  The events routes queue it with
 * {event_id, departure_at} for departure − 24 h; everything else is SQL
 * (scc.event_roster, sql/migrations/016_roster.sql): it sends nothing when
 * the event was cancelled or moved meanwhile, and queues the 'event_roster'
 * email under a unique key, so a job that runs twice mails once.
 *
 * This file must never decide anything about the roster nor send mail
 * itself: it hands the payload to SQL and reports the outcome.
 */
#include "db.h"
#include "jobs.h"

#include <stdio.h>
#include <string.h>

scc_job_result scc_job_event_roster(scc_worker *w, const scc_job *job, char *err, size_t errlen)
{
    const char *vals[] = { job->payload_text };
    PGresult *res = PQexecParams(w->conn, "select scc.event_roster($1::jsonb)", 1, NULL, vals,
                                 NULL, NULL, 0);
    scc_job_result r = SCC_JOB_DONE;
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
        scc_db_error(w->conn, res, "event_roster", err, errlen);
        /* a malformed payload never gets better; anything else may */
        r = (state && strcmp(state, "22023") == 0) ? SCC_JOB_FAIL : SCC_JOB_RETRY;
    }
    PQclear(res);
    return r;
}
