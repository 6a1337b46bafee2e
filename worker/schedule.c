/*
 * schedule.c — evaluates report schedules and queues their due slots (see
 * schedule.h).  Several workers may do this at once: the schedule's row
 * lock and the job's unique key 'schedule:<id>:<slot>' make one job per
 * slot whatever the race.
 *
 * This file must never compute slots itself (cron.c does, with its DST
 * rules) and never write SQL from values.
 */
#include "schedule.h"
#include "cron.h"
#include "db.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void park(PGconn *conn, const char *id, const char *why)
{
    const char *vals[] = { id, why };
    PGresult *res = PQexecParams(conn, "select scc.park_schedule($1::int8, $2)", 2, NULL, vals,
                                 NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        scc_db_report(conn, res, "parking a schedule", NULL);
    else
        scc_log_warn("schedule", "%s parked (disabled): %s", id, why);
    PQclear(res);
}

int scc_schedule_tick(PGconn *conn, time_t now)
{
    PGresult *res = PQexecParams(conn,
        "select id, cron, time_zone, extract(epoch from since)::float8 from scc.due_schedules()",
        0, NULL, NULL, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        scc_db_report(conn, res, "reading schedules", NULL);
        PQclear(res);
        return -1;
    }
    int queued = 0;
    for (int i = 0; i < PQntuples(res); i++) {
        const char *id = PQgetvalue(res, i, 0);
        const char *expr = PQgetvalue(res, i, 1);
        const char *tz = PQgetvalue(res, i, 2);
        double since = strtod(PQgetvalue(res, i, 3), NULL);
        char err[256], why[320];
        scc_cron cron;

        if (scc_cron_parse(expr, &cron, err, sizeof(err)) != 0) {
            snprintf(why, sizeof(why), "cron \"%s\": %s", expr, err);
            park(conn, id, why);
            continue;
        }
        if (scc_cron_check_zone(tz, err, sizeof(err)) != 0) {
            snprintf(why, sizeof(why), "time zone \"%s\": %s", tz, err);
            park(conn, id, why);
            continue;
        }
        time_t slot;
        if (scc_cron_prev_slot(&cron, tz, now, &slot, err, sizeof(err)) != 0)
            continue; /* no slot in the past 50 years: nothing is due */
        if ((double)slot <= since)
            continue;

        char slotbuf[32];
        snprintf(slotbuf, sizeof(slotbuf), "%lld", (long long)slot);
        const char *vals[] = { id, slotbuf };
        PGresult *r = PQexecParams(conn,
            "select scc.enqueue_schedule_slot($1::int8, to_timestamp($2::float8))",
            2, NULL, vals, NULL, NULL, 0);
        if (PQresultStatus(r) != PGRES_TUPLES_OK) {
            scc_db_report(conn, r, "queueing a schedule slot", NULL);
            PQclear(r);
            PQclear(res);
            return -1;
        }
        if (!PQgetisnull(r, 0, 0)) {
            char when[32];
            struct tm tm;
            gmtime_r(&slot, &tm);
            strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
            scc_log_info("schedule", "%s: slot %s queued as job %s", id, when, PQgetvalue(r, 0, 0));
            queued++;
        }
        PQclear(r);
    }
    PQclear(res);
    return queued;
}
