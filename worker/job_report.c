/*
 * job_report.c — the 'report' job kind: one run of scc.report_runs
 * (payload {"run_id": id}, queued by scc.report_run_start, a schedule slot
 * or scc.enqueue_report).
 *
 *   1. scc.report_run_begin: the run becomes `running` and SQL computes and
 *      stores its JSON (scc_report.run); a run an earlier attempt finished
 *      says `done` and nothing more happens;
 *   2. report_render.c renders subject, text, HTML and CSV;
 *   3. scc.report_run_done archives them (SQL computes their SHA-256) and,
 *      when the run has recipients, queues its one email job (unique key
 *      report-run:<id>: a rerun queues none), which mails the archived
 *      rendering with the CSV attached (mail.c);
 *   any failure: scc.report_run_fail records it on the run, and the job is
 *   retried (a template may be fixed before the attempts run out).
 *
 * This file must never send mail itself (the email job kind does, with its
 * outbox), compute report figures in C (they belong in scc_report SQL),
 * or build SQL from values.
 */
#include "jobs.h"
#include "clock.h"
#include "db.h"
#include "log.h"
#include "report_render.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* scc.report_run_fail(id, why); a failure to record it is only logged
 * (the job's last_error keeps why anyway). */
static void run_failed(scc_worker *w, const char *id, const char *why)
{
    const char *vals[] = { id, why };
    PGresult *res = PQexecParams(w->conn, "select scc.report_run_fail($1::bigint, $2)", 2, NULL,
                                 vals, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        scc_log_warn("job", "report run %s: could not record its failure: %s", id,
                     PQresultErrorMessage(res));
    PQclear(res);
}

/* A database error: a missing function or bad input fails for good,
 * anything else is retried. */
static scc_job_result db_failure(scc_worker *w, PGresult *res, const char *what,
                                 char *err, size_t errlen)
{
    const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    scc_db_error(w->conn, res, what, err, errlen);
    return state && (strcmp(state, "42883") == 0 || strcmp(state, "22023") == 0)
           ? SCC_JOB_FAIL : SCC_JOB_RETRY;
}

scc_job_result scc_job_report(scc_worker *w, const scc_job *job, char *err, size_t errlen)
{
    const char *rp[] = { "run_id", NULL };
    yajl_val    rid = yajl_tree_get(job->payload, rp, yajl_t_number);
    char        id[32];
    double      t0 = scc_clock_monotonic();

    if (rid == NULL || !YAJL_IS_INTEGER(rid) || YAJL_GET_INTEGER(rid) <= 0) {
        snprintf(err, errlen, "report: payload needs {\"run_id\": N} (scc.report_run_start)");
        return SCC_JOB_FAIL;
    }
    snprintf(id, sizeof(id), "%lld", YAJL_GET_INTEGER(rid));

    const char *vals[] = { id };
    PGresult *res = PQexecParams(w->conn,
        "select state, kind, variant, test::text, data::text from scc.report_run_begin($1::bigint)",
        1, NULL, vals, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        scc_job_result r = db_failure(w, res, "report: computing the report", err, errlen);
        PQclear(res);
        run_failed(w, id, err);
        return r;
    }
    if (PQntuples(res) != 1) {
        PQclear(res);
        snprintf(err, errlen, "report: no run %s", id);
        return SCC_JOB_FAIL;
    }
    if (strcmp(PQgetvalue(res, 0, 0), "done") == 0) {
        scc_log_info("job", "report run=%s was already done by an earlier attempt", id);
        PQclear(res);
        return SCC_JOB_DONE;
    }

    char perr[256];
    yajl_val data = yajl_tree_parse(PQgetvalue(res, 0, 4), perr, sizeof(perr));
    scc_report_render_opts o = {
        .templates_dir = w->cfg->templates_dir && *w->cfg->templates_dir
                         ? w->cfg->templates_dir : "worker/templates",
        .public_url = w->cfg->public_url,
        .variant = PQgetisnull(res, 0, 2) ? NULL : PQgetvalue(res, 0, 2),
        .test = strcmp(PQgetvalue(res, 0, 3), "true") == 0,
    };
    scc_report_rendered out;
    scc_report_rendered_init(&out);
    int rendered = data ? scc_report_render(&o, data, &out, err, errlen) : -1;
    if (!data)
        snprintf(err, errlen, "report: its JSON does not parse: %s", perr);
    if (data)
        yajl_tree_free(data);
    char kind[40];
    snprintf(kind, sizeof(kind), "%s", PQgetvalue(res, 0, 1));
    PQclear(res);
    if (rendered != 0) {
        scc_report_rendered_free(&out);
        run_failed(w, id, err);
        return SCC_JOB_RETRY;
    }
    scc_worker_keep_lease(w);

    const char *dv[] = { id, out.subject.data, out.html.data, out.text.data, out.csv.data };
    res = PQexecParams(w->conn, "select scc.report_run_done($1::bigint, $2, $3, $4, $5)::text",
                       5, NULL, dv, NULL, NULL, 0);
    scc_report_rendered_free(&out);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        scc_job_result r = db_failure(w, res, "report: archiving the run", err, errlen);
        PQclear(res);
        run_failed(w, id, err);
        return r;
    }
    scc_log_info("job", "report run=%s kind=%s email_jobs=%s ms=%.0f", id, kind,
                 PQgetvalue(res, 0, 0), (scc_clock_monotonic() - t0) * 1000);
    PQclear(res);
    return SCC_JOB_DONE;
}
