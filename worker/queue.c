/*
 * queue.c — calls the queue's SQL functions (see queue.h) and renews leases.
 *
 * This file must never build SQL from values (every value is a parameter)
 * and never decide what a job's outcome means: that is cmd_run.c's job.
 */
#include "queue.h"
#include "db.h"

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

/* "{1,2,3}": an int8[] parameter. */
static char *ids_literal(const int64_t *ids, int n)
{
    size_t cap = 2 + (size_t)n * 21 + 1;
    char *s = malloc(cap), *p = s;
    if (s == NULL)
        return NULL;
    *p++ = '{';
    for (int i = 0; i < n; i++)
        p += sprintf(p, "%s%" PRId64, i ? "," : "", ids[i]);
    *p++ = '}';
    *p = '\0';
    return s;
}

const char *scc_queue_kinds_literal(void)
{
    static char lit[1024];
    if (lit[0] == '\0') {
        /* Kinds are checked by scc.jobs (^[a-z][a-z0-9_]*$), so they need
         * no quoting inside an array literal. */
        size_t len = 0;
        lit[len++] = '{';
        for (const scc_job_kind *k = scc_job_kinds; k->kind != NULL; k++) {
            int w = snprintf(lit + len, sizeof(lit) - len, "%s%s",
                             k == scc_job_kinds ? "" : ",", k->kind);
            if (w < 0 || (size_t)w >= sizeof(lit) - len - 1)
                break;
            len += (size_t)w;
        }
        lit[len++] = '}';
        lit[len] = '\0';
    }
    return lit;
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
    char *lit = ids_literal(ids, n);
    if (lit == NULL) {
        fprintf(stderr, "%s: out of memory\n", what);
        return -1;
    }
    const char *vals[] = { worker, lit };
    int r = q_int(conn, sql, 2, vals, what);
    free(lit);
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

int scc_queue_prune(PGconn *conn, double retention_days)
{
    char rbuf[32];
    fmt_double(rbuf, sizeof(rbuf), retention_days);
    const char *vals[] = { rbuf };
    return q_int(conn, "select scc.prune_jobs($1::float8)", 1, vals, "pruning done jobs");
}

static double mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int scc_worker_keep_lease(scc_worker *w)
{
    double now = mono_now();
    /* A third of the lease: two renewals may fail (a slow query, a blip)
     * before another worker could take the job over. */
    if (now - w->last_extend < w->lease_seconds / 3)
        return 0;
    if (scc_queue_extend(w->conn, w->worker_id, w->lease_seconds) < 0)
        return -1;
    w->last_extend = now;
    return 0;
}
