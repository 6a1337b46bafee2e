/*
 * queue.c — calls the queue's SQL functions (see queue.h) and renews leases.
 *
 * This file must never build SQL from values (every value is a parameter)
 * and never decide what a job's outcome means: that is cmd_run.c's job.
 */
#include "queue.h"
#include "clock.h"
#include "db.h"
#include "log.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Run one parameterised statement that returns rows; NULL on error. */
static PGresult *q(PGconn *conn, const char *sql, int n, const char *const *vals, const char *what)
{
    PGresult *res = PQexecParams(conn, sql, n, NULL, vals, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        scc_db_report(conn, res, what, NULL);
        PQclear(res);
        return NULL;
    }
    return res;
}

static int q_int(PGconn *conn, const char *sql, int n, const char *const *vals, const char *what)
{
    PGresult *res = q(conn, sql, n, vals, what);
    if (res == NULL)
        return -1;
    int v = (PQntuples(res) > 0 && !PQgetisnull(res, 0, 0)) ? atoi(PQgetvalue(res, 0, 0)) : 0;
    PQclear(res);
    return v;
}

const char *scc_queue_kinds_literal(void)
{
    static scc_buf lit;
    const char    *kinds[64];
    size_t         n = 0;

    if (lit.data == NULL) {
        for (const scc_job_kind *k = scc_job_kinds; k->kind != NULL && n < 64; k++)
            kinds[n++] = k->kind;
        if (scc_db_text_array(&lit, kinds, n) != 0)
            return "{}";
    }
    return lit.data;
}

static void fmt_double(char *buf, size_t len, double v)
{
    snprintf(buf, len, "%.6f", v);
}

int scc_queue_recover(PGconn *conn)
{
    return q_int(conn, "select scc.recover_jobs()", 0, NULL, "recovering expired leases");
}

int scc_queue_claim(PGconn *conn, const char *worker, int batch, double lease_seconds, scc_queue_batch *out)
{
    char nbuf[16], lbuf[32];
    snprintf(nbuf, sizeof(nbuf), "%d", batch);
    fmt_double(lbuf, sizeof(lbuf), lease_seconds);
    const char *vals[] = { worker, scc_queue_kinds_literal(), nbuf, lbuf };
    out->res = q(conn,
                 "select id, kind, payload::text, attempts, max_attempts "
                 "from scc.claim_jobs($1, $2::text[], $3::int, $4::float8)",
                 4, vals, "claiming jobs");
    out->n = out->res ? PQntuples(out->res) : 0;
    return out->res ? out->n : -1;
}

void scc_queue_batch_free(scc_queue_batch *b)
{
    PQclear(b->res);
    b->res = NULL;
    b->n = 0;
}

void scc_queue_batch_job(const scc_queue_batch *b, int i, int64_t *id, const char **kind,
                         const char **payload, int *attempt, int *max_attempts)
{
    *id = strtoll(PQgetvalue(b->res, i, 0), NULL, 10);
    *kind = PQgetvalue(b->res, i, 1);
    *payload = PQgetvalue(b->res, i, 2);
    *attempt = atoi(PQgetvalue(b->res, i, 3));
    *max_attempts = atoi(PQgetvalue(b->res, i, 4));
}

int scc_queue_extend(PGconn *conn, const char *worker, double lease_seconds)
{
    char lbuf[32];
    fmt_double(lbuf, sizeof(lbuf), lease_seconds);
    const char *vals[] = { worker, lbuf };
    return q_int(conn, "select scc.extend_leases($1, $2::float8)", 2, vals, "extending leases");
}

static int ids_call(PGconn *conn, const char *sql, const char *worker, const int64_t *ids, int n,
                    const char *what)
{
    if (n == 0)
        return 0;
    scc_buf lit;
    scc_buf_init(&lit);
    if (scc_db_id_array(&lit, ids, (size_t)n) != 0) {
        scc_buf_free(&lit);
        scc_log_error("db", "%s: out of memory", what);
        return -1;
    }
    const char *vals[] = { worker, lit.data };
    int r = q_int(conn, sql, 2, vals, what);
    scc_buf_free(&lit);
    return r;
}

int scc_queue_complete(PGconn *conn, const char *worker, const int64_t *ids, int n)
{
    return ids_call(conn, "select scc.complete_jobs($1, $2::int8[])", worker, ids, n,
                    "marking jobs done");
}

int scc_queue_release(PGconn *conn, const char *worker, const int64_t *ids, int n)
{
    return ids_call(conn, "select scc.release_jobs($1, $2::int8[])", worker, ids, n,
                    "releasing jobs");
}

/* The state a job-moving function returned into state[16]; "lost" when it
 * returned none (the worker no longer held the job). */
static int job_state(PGresult *res, char state[16])
{
    if (res == NULL)
        return -1;
    snprintf(state, 16, "%s",
             (PQntuples(res) > 0 && !PQgetisnull(res, 0, 0)) ? PQgetvalue(res, 0, 0) : "lost");
    PQclear(res);
    return 0;
}

int scc_queue_fail(PGconn *conn, const char *worker, int64_t id, const char *error,
                   double retry_seconds, int permanent, char state[16])
{
    char idbuf[24], rbuf[32];
    snprintf(idbuf, sizeof(idbuf), "%" PRId64, id);
    fmt_double(rbuf, sizeof(rbuf), retry_seconds);
    const char *vals[] = { worker, idbuf, error, rbuf, permanent ? "true" : "false" };
    return job_state(q(conn, "select scc.fail_job($1, $2::int8, $3, $4::float8, $5::boolean)",
                       5, vals, "recording a failed job"), state);
}

int scc_queue_defer(PGconn *conn, const char *worker, int64_t id, const char *reason,
                    double delay_seconds, char state[16])
{
    char idbuf[24], dbuf[32];
    snprintf(idbuf, sizeof(idbuf), "%" PRId64, id);
    fmt_double(dbuf, sizeof(dbuf), delay_seconds);
    const char *vals[] = { worker, idbuf, reason, dbuf };
    return job_state(q(conn, "select scc.defer_job($1, $2::int8, $3, $4::float8)",
                       4, vals, "deferring a job"), state);
}

int scc_queue_prune(PGconn *conn, const scc_run_settings *set, int max_rows,
                    scc_queue_pruned *out)
{
    char        b[5][32], mbuf[16];
    const char *vals[6];
    double      days[5] = { set->job_retention, set->dead_job_retention, set->link_retention,
                            set->throttle_retention, set->session_retention };
    int         i, more = 0;

    for (i = 0; i < 5; i++) {
        fmt_double(b[i], sizeof(b[i]), days[i]);
        vals[i] = b[i];
    }
    snprintf(mbuf, sizeof(mbuf), "%d", max_rows);
    vals[5] = mbuf;
    PGresult *res = q(conn, "select what, deleted from scc.prune($1::float8, $2::float8, "
                      "$3::float8, $4::float8, $5::float8, $6::int)", 6, vals, "pruning");
    if (res == NULL)
        return -1;
    for (i = 0; i < PQntuples(res) && i < SCC_QUEUE_PRUNED_KINDS - 1; i++) {
        snprintf(out->what[i], sizeof(out->what[i]), "%s", PQgetvalue(res, i, 0));
        out->deleted[i] += atoi(PQgetvalue(res, i, 1));
        more |= atoi(PQgetvalue(res, i, 1)) >= max_rows;
    }
    PQclear(res);

    /* SNS deliveries (049), the last kind */
    fmt_double(b[0], sizeof(b[0]), set->sns_retention);
    vals[0] = b[0];
    vals[1] = mbuf;
    res = q(conn, "select what, deleted from scc.prune_sns($1::float8, $2::int)", 2, vals,
            "pruning SNS deliveries");
    if (res == NULL)
        return -1;
    if (PQntuples(res) == 1) {
        i = SCC_QUEUE_PRUNED_KINDS - 1;
        snprintf(out->what[i], sizeof(out->what[i]), "%s", PQgetvalue(res, 0, 0));
        out->deleted[i] += atoi(PQgetvalue(res, 0, 1));
        more |= atoi(PQgetvalue(res, 0, 1)) >= max_rows;
    }
    PQclear(res);
    return more;
}

int scc_worker_keep_lease(scc_worker *w)
{
    double now = scc_clock_monotonic();
    /* A third of the lease: two renewals may fail (a slow query, a blip)
     * before another worker could take the job over. */
    if (now - w->last_extend < w->lease_seconds / 3)
        return 0;
    if (scc_queue_extend(w->conn, w->worker_id, w->lease_seconds) < 0)
        return -1;
    w->last_extend = now;
    return 0;
}
