/*
 * cmd_stats.c — `scc-worker stats`: the job queue's and the outbox's
 * figures (queued, running and dead jobs by kind, the oldest due job's
 * age, emails by status) on stdout in Prometheus's text format, for a
 * node_exporter textfile collector, a cron job or a person.
 *
 * This file must never compute a figure or read a table: every row comes
 * from scc.worker_stats() in SQL (047), in its order; here they are only
 * printed (prom_text.c), a HELP and TYPE before each metric's first row.
 */
#include "cli.h"
#include "db.h"
#include "prom_text.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char stats_help[] =
    "usage: scc-worker stats [--config FILE]\n"
    "\n"
    "Print the job queue's and the outbox's figures in Prometheus's text format\n"
    "(version 0.0.4), from scc.worker_stats():\n"
    "  scc_jobs_queued{kind}, scc_jobs_running{kind}, scc_jobs_dead{kind}\n"
    "  scc_jobs_due, scc_jobs_oldest_queued_age_seconds\n"
    "  scc_email_outbox{status}\n"
    "For a textfile collector: scc-worker stats > DIR/scc.prom.$$ && mv DIR/scc.prom.$$ DIR/scc.prom\n";

int scc_cmd_stats(int argc, char **argv)
{
    static const struct option opts[] = {
        { "config", required_argument, NULL, 'c' },
        { "help",   no_argument,       NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    const char *config_path = NULL;
    int c;

    opterr = 0;
    while ((c = getopt_long(argc, argv, ":hc:", opts, NULL)) != -1) {
        switch (c) {
        case 'c': config_path = optarg; break;
        default:
            return scc_cli_common_option("stats", c, argv, stats_help);
        }
    }
    if (optind != argc)
        return scc_cli_usage("stats", "takes no arguments (see --help)");

    scc_config cfg;
    int rc = scc_cli_load_config(&cfg, "stats", config_path);
    if (rc != SCC_EXIT_OK)
        return rc;
    PGconn *conn = scc_db_connect(cfg.pg, "scc-worker stats");
    if (conn == NULL) {
        scc_config_free(&cfg);
        return SCC_EXIT_FAILURE;
    }
    PGresult *res = PQexec(conn, "select name, type, help, label, label_value, value::text "
                                 "from scc.worker_stats()");
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        scc_db_report(conn, res, "cannot read the queue's figures", NULL);
        rc = SCC_EXIT_FAILURE;
    } else {
        const char *last = "";
        rc = SCC_EXIT_OK;
        for (int i = 0; i < PQntuples(res) && rc == SCC_EXIT_OK; i++) {
            const char *name = PQgetvalue(res, i, 0);
            const char *label = PQgetisnull(res, i, 3) ? NULL : PQgetvalue(res, i, 3);
            if ((strcmp(name, last) != 0 &&
                 scc_prom_head(stdout, name, PQgetvalue(res, i, 1), PQgetvalue(res, i, 2)) != 0) ||
                scc_prom_sample(stdout, name, label, PQgetvalue(res, i, 4), PQgetvalue(res, i, 5)) != 0)
                rc = SCC_EXIT_FAILURE;
            last = name;
        }
        if (fflush(stdout) != 0)
            rc = SCC_EXIT_FAILURE;
    }
    PQclear(res);
    PQfinish(conn);
    scc_config_free(&cfg);
    return rc;
}
