/*
 * job_report.c — the 'report' job kind: one run of a report (from a
 * schedule slot or scc.enqueue_report) for a period and recipients.
 *
 * Until the report functions land (scc_report.*), a run sends a short
 * summary: it queues one 'email' job with template 'report_summary' and the
 * run's facts as data.  The email job carries the unique key
 * 'report:<job id>', so a report job that runs twice (a retry, a lease that
 * expired) still queues one email.
 *
 * This file must never send mail itself (the email job kind does, with its
 * outbox) nor compute report figures in C (they belong in scc_report SQL).
 */
#include "jobs.h"
#include "db.h"
#include "json.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <yajl/yajl_gen.h>

static const char *titles[][2] = {
    { "ceo", "CEO report" },           { "cto", "CTO report" },
    { "accounting", "Accounting report" }, { "cmo", "CMO report" },
    { "cfo", "CFO report" },           { "rental", "Rental operations report" },
    { "delivery", "Yacht delivery report" }, { "portfolio", "Client portfolio audit" },
};

static const char *title_of(const char *kind)
{
    for (size_t i = 0; i < sizeof(titles) / sizeof(titles[0]); i++) {
        if (strcmp(titles[i][0], kind) == 0)
            return titles[i][1];
    }
    return NULL;
}

scc_job_result scc_job_report(scc_worker *w, const scc_job *job, char *err, size_t errlen)
{
    const char *kpath[] = { "kind", NULL }, *ppath[] = { "period", NULL };
    const char *rpath[] = { "recipients", NULL }, *spath[] = { "schedule_id", NULL };
    const char *slpath[] = { "slot", NULL };
    yajl_val kind = yajl_tree_get(job->payload, kpath, yajl_t_string);
    yajl_val period = yajl_tree_get(job->payload, ppath, yajl_t_string);
    yajl_val rcpt = yajl_tree_get(job->payload, rpath, yajl_t_array);
    yajl_val sched = yajl_tree_get(job->payload, spath, yajl_t_number);
    yajl_val slot = yajl_tree_get(job->payload, slpath, yajl_t_string);

    const char *title = kind ? title_of(YAJL_GET_STRING(kind)) : NULL;
    if (title == NULL || period == NULL || rcpt == NULL || rcpt->u.array.len == 0) {
        snprintf(err, errlen, "report: payload needs kind (one of the eight), period and recipients");
        return SCC_JOB_FAIL;
    }
    for (size_t i = 0; i < rcpt->u.array.len; i++) {
        if (!YAJL_IS_STRING(rcpt->u.array.values[i])) {
            snprintf(err, errlen, "report: recipients must be strings");
            return SCC_JOB_FAIL;
        }
    }

    /* The email job's payload: {"template":"report_summary","to":[...],
     * "data":{kind,title,period,schedule_id,slot,job_id}}. */
    yajl_gen g = yajl_gen_alloc(NULL);
    if (g == NULL) {
        snprintf(err, errlen, "report: out of memory");
        return SCC_JOB_RETRY;
    }
    char idbuf[24];
    snprintf(idbuf, sizeof(idbuf), "%" PRId64, job->id);
    yajl_gen_map_open(g);
    scc_json_gen_str(g, "template"); scc_json_gen_str(g, "report_summary");
    scc_json_gen_str(g, "to"); scc_json_gen_value(g, rcpt);
    scc_json_gen_str(g, "data");
    yajl_gen_map_open(g);
    scc_json_gen_str(g, "kind"); scc_json_gen_value(g, kind);
    scc_json_gen_str(g, "title"); scc_json_gen_str(g, title);
    scc_json_gen_str(g, "period"); scc_json_gen_value(g, period);
    if (sched) { scc_json_gen_str(g, "schedule_id"); scc_json_gen_value(g, sched); }
    if (slot) { scc_json_gen_str(g, "slot"); scc_json_gen_value(g, slot); }
    scc_json_gen_str(g, "job_id"); yajl_gen_number(g, idbuf, strlen(idbuf));
    yajl_gen_map_close(g);
    yajl_gen_map_close(g);

    const unsigned char *json;
    size_t len;
    yajl_gen_get_buf(g, &json, &len);
    char key[48];
    snprintf(key, sizeof(key), "report:%" PRId64, job->id);
    const char *vals[] = { (const char *)json, key };
    PGresult *res = PQexecParams(w->conn,
        "select scc.enqueue_job('email', $1::jsonb, now(), 0, $2, 5)", 2, NULL, vals, NULL, NULL, 0);
    scc_job_result r = SCC_JOB_DONE;
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        const char *msg = PQresultErrorMessage(res);
        snprintf(err, errlen, "report: queueing its email: %.*s", (int)strcspn(msg, "\n"), msg);
        r = SCC_JOB_RETRY;
    }
    PQclear(res);
    yajl_gen_free(g);
    return r;
}
