/*
 * jobs.c — the table of job kinds this worker runs, keyed by scc.jobs.kind.
 *
 * This file must never hold a handler's code: one row per kind, the
 * handler lives in its own file (declared in jobs.h).  The worker claims
 * only the kinds listed here (see scc_queue_kinds_literal).
 */
#include "jobs.h"

#include <string.h>

const scc_job_kind scc_job_kinds[] = {
    { "noop",   scc_job_noop },    /* does nothing: tests and the benchmark */
    { "sleep",  scc_job_sleep },   /* diagnostic: {"ms": N} waits N ms, renewing its lease */
    { "fail",   scc_job_fail },    /* diagnostic: {"error": "...", "permanent": bool} fails */
    { "report", scc_job_report },  /* a report run: render, archive, queue its email (job_report.c) */
    { "email",  scc_job_email },   /* one email: templates, outbox row, transport (mail.c) */
    /* charter: events — job_event.c */
    { "event_overdue", scc_job_event_overdue }, /* return + grace: alert if still underway */
    { "event_roster",  scc_job_event_roster },  /* departure - 24 h: the roster to the captain */
    /* waivers: completion figures (helper D) — job_event.c */
    { "waiver_completion", scc_job_waiver_completion }, /* T-24 h and departure: valid ÷ manifested guests */
    /* guests: reminders (helper C) — job_event.c */
    { "guest_reminders", scc_job_guest_reminders }, /* departure - 24 h: held guests reminded */
    /* SES bounces and complaints through SNS (helper Q4) — job_sns.c */
    { "sns", scc_job_sns },  /* verify an SNS message, then suppress / record / confirm */
    { NULL, NULL }
};

scc_job_handler scc_jobs_handler(const char *kind)
{
    for (const scc_job_kind *k = scc_job_kinds; k->kind != NULL; k++) {
        if (strcmp(k->kind, kind) == 0)
            return k->handler;
    }
    return NULL;
}
