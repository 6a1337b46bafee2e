/*
 * cmd_run.c — `scc-worker run`: the daemon.  Connects, LISTENs on
 * scc_jobs, claims jobs in batches, runs each through the handler of its
 * kind (jobs.c), records the outcome, and between batches does its
 * periodic duties (expired leases, due schedule slots, pruning) and waits.
 *
 * The loop (scc_cmd_run) only calls run_step, one turn of events:
 *   run_reconnect  PostgreSQL gone: reconnect with backoff, LISTEN again,
 *                  and poll at once (notifications sent meanwhile are lost);
 *   run_periodic   every poll_interval: give back expired leases, queue due
 *                  schedule slots; every ten minutes: prune (scc.prune);
 *   run_drain      claim and run batches until none is due;
 *   run_wait       wait on the socket with poll() for a NOTIFY or the next
 *                  poll, never in a sleep loop.
 * SIGTERM/SIGINT: the job in hand is finished and recorded, the rest of the
 * batch is given back, exit 0.  SIGHUP: the log file (`log_file`) is opened
 * again once the job in hand is done (logrotate moved it away).
 *
 * This file must never hold a job kind's logic (handlers live in their own
 * files) nor SQL beyond LISTEN (queue.c and schedule.c call the functions).
 */
#include "backoff.h"
#include "cli.h"
#include "clock.h"
#include "db.h"
#include "jobs.h"
#include "log.h"
#include "mail.h"
#include "queue.h"
#include "schedule.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Seconds between two rounds of pruning, and rows of each kind a call. */
#define RUN_PRUNE_EVERY   600
#define RUN_PRUNE_ROWS    10000
#define RUN_PRUNE_ROUNDS  100

static volatile sig_atomic_t stop_flag;
static volatile sig_atomic_t reopen_flag;

/* The self-pipe: a handler writes a byte, every wait polls the read end.
 * A flag alone is lost when the signal lands between its check and poll()
 * (the wait would run its whole timeout, two minutes with a long
 * poll_interval); the byte is not. */
static int wake_pipe[2] = { -1, -1 };

static void wake(void)
{
    int saved = errno;
    if (wake_pipe[1] >= 0) {
        ssize_t r = write(wake_pipe[1], "x", 1);
        (void)r;   /* a full pipe is already a wake-up */
    }
    errno = saved;
}

/* Empties the pipe after a wait it ended. */
static void wake_drain(void)
{
    char buf[64];
    while (wake_pipe[0] >= 0 && read(wake_pipe[0], buf, sizeof(buf)) > 0)
        ;
}

static void on_stop(int sig)
{
    (void)sig;
    stop_flag = 1;
    wake();
}

static void on_hup(int sig)
{
    (void)sig;
    reopen_flag = 1;
    wake();
}

/* SIGHUP came: open the log file again (a new one when it was moved). */
static void reopen_log(const scc_config *cfg)
{
    reopen_flag = 0;
    if (cfg->log_file == NULL || *cfg->log_file == '\0')
        return;
    if (scc_log_reopen() != 0)
        scc_log_error("run", "SIGHUP: cannot reopen %s: %s (still writing to the old file)",
                      cfg->log_file, strerror(errno));
    else
        scc_log_info("run", "SIGHUP: log file %s reopened", cfg->log_file);
}

/* Waits `seconds` unless a signal arrives first (its byte in the pipe). */
static void pause_for(double seconds)
{
    struct pollfd pfd = { .fd = wake_pipe[0], .events = POLLIN };
    if (!stop_flag && seconds > 0) {
        (void)poll(&pfd, wake_pipe[0] >= 0 ? 1 : 0, (int)(seconds * 1000));
        wake_drain();
    }
}

static const char run_help[] =
    "usage: scc-worker run [--config FILE] [--until-idle]\n"
    "\n"
    "Run the worker: LISTEN scc_jobs, claim due jobs in batches (FOR UPDATE SKIP LOCKED),\n"
    "run each by kind, queue due report schedule slots, prune old rows.  Several workers\n"
    "may run at once, on any machine.  SIGTERM or SIGINT: finish the job in hand, exit 0.\n"
    "SIGHUP: open log_file again (after logrotate moved it).\n"
    "\n"
    "  --until-idle    exit 0 once no job is due (benchmarks, one-shot runs)\n"
    "\n"
    "Config keys: poll_interval (s, 5), lease_seconds (60), batch_size (100),\n"
    "job_retention (days, 7), dead_job_retention (30), link_retention (7),\n"
    "throttle_retention (1), session_retention (30), sns_retention (30),\n"
    "worker_id (host:pid), retry_base (s, 2), retry_max (s, 3600), log_level (info),\n"
    "log_file (stderr).\n"
    "Connect as scc_worker.  One log line per job on stderr (or log_file): kind, id,\n"
    "attempt, outcome, ms.\n"
    "\n";

typedef struct {
    scc_worker        w;
    scc_run_settings  set;
    const scc_config *cfg;
    int               until_idle;
    int               connected;    /* connected at least once */
    int               failures;     /* connection attempts failed in a row */
    int               exit_code;
    double            next_poll;    /* monotonic seconds */
    double            next_prune;
    /* Done jobs not yet recorded: completing in one statement per batch is
     * what lets one process run thousands of short jobs a second. */
    int64_t          *done;
    int               ndone;
    double            first_done;   /* when the oldest unrecorded one finished */
} run_state;

static int conn_lost(PGconn *conn)
{
    return conn == NULL || PQstatus(conn) != CONNECTION_OK;
}

static int flush_done(run_state *st)
{
    if (st->ndone == 0)
        return 0;
    int n = scc_queue_complete(st->w.conn, st->w.worker_id, st->done, st->ndone);
    if (n < 0) {
        /* Not recorded: these jobs run again after their lease (at least
         * once).  Forget them so the next batch has the whole buffer. */
        st->ndone = 0;
        return -1;
    }
    if (n != st->ndone)
        scc_log_warn("run", "%d of %d finished jobs were no longer ours (lease lost)",
                     st->ndone - n, st->ndone);
    st->ndone = 0;
    return 0;
}

static void log_job(const scc_job *job, const char *outcome, double ms, const char *err)
{
    int failed = err != NULL && *err != '\0';

    scc_log(failed ? SCC_LOG_WARN : SCC_LOG_INFO, "job",
            "kind=%s id=%" PRId64 " attempt=%d/%d outcome=%s ms=%.1f%s%s%s",
            job->kind, job->id, job->attempt, job->max_attempts, outcome, ms,
            failed ? " error=\"" : "", failed ? err : "", failed ? "\"" : "");
}

/* Runs one claimed job and records a failure at once (a done job is
 * recorded with its batch).  Returns -1 when the connection broke. */
static int run_one(run_state *st, const scc_queue_batch *b, int i)
{
    scc_job job;
    const char *payload;
    scc_queue_batch_job(b, i, &job.id, &job.kind, &payload, &job.attempt, &job.max_attempts);
    job.payload_text = payload;

    char err[1024] = "";
    scc_job_result r;
    double t0 = scc_clock_monotonic();
    char perr[256];
    yajl_val tree = yajl_tree_parse(payload, perr, sizeof(perr));
    scc_job_handler h = scc_jobs_handler(job.kind);
    if (tree == NULL) {
        snprintf(err, sizeof(err), "payload is not JSON: %s", perr);
        r = SCC_JOB_FAIL;
    } else if (h == NULL) {
        /* Cannot happen (we claim only our kinds) unless the table changed. */
        snprintf(err, sizeof(err), "no handler for kind %s", job.kind);
        r = SCC_JOB_RETRY;
    } else {
        job.payload = tree;
        st->w.defer_seconds = 0;
        r = h(&st->w, &job, err, sizeof(err));
    }
    yajl_tree_free(tree);
    double ms = (scc_clock_monotonic() - t0) * 1000;

    if (r == SCC_JOB_DONE) {
        st->done[st->ndone++] = job.id;
        if (st->ndone == 1)
            st->first_done = scc_clock_monotonic();
        log_job(&job, "done", ms, NULL);
        return 0;
    }
    /* Deferred: nothing was tried, so it goes back without using an
     * attempt, after the handler's delay instead of the backoff. */
    int defer = (r == SCC_JOB_DEFER);
    if (err[0] == '\0')
        snprintf(err, sizeof(err), "%s",
                 defer ? "deferred" : r == SCC_JOB_FAIL ? "failed" : "temporary failure");
    double delay = defer ? st->w.defer_seconds
                         : scc_backoff(job.attempt, st->set.retry_base, st->set.retry_max,
                                       scc_backoff_random());
    char state[16];
    int rc = conn_lost(st->w.conn) ? -1
             : defer ? scc_queue_defer(st->w.conn, st->w.worker_id, job.id, err, delay, state)
                     : scc_queue_fail(st->w.conn, st->w.worker_id, job.id, err, delay,
                                      r == SCC_JOB_FAIL, state);
    if (rc != 0) {
        log_job(&job, "unrecorded", ms, err);
        return -1;
    }
    if (strcmp(state, "queued") == 0) {
        char outcome[48];
        snprintf(outcome, sizeof(outcome), "%s-%.1fs", defer ? "deferred" : "retry-in", delay);
        log_job(&job, outcome, ms, err);
    } else {
        log_job(&job, state, ms, err);   /* dead, or lost */
    }
    return 0;
}

/* Claims and runs batches until none is due.  Returns the number of jobs
 * run, or -1 when the connection broke. */
static int run_drain(run_state *st)
{
    int total = 0;
    while (!stop_flag) {
        scc_queue_batch b;
        int n = scc_queue_claim(st->w.conn, st->w.worker_id, st->set.batch_size,
                                st->set.lease_seconds, &b);
        if (n < 0)
            return -1;
        st->w.last_extend = scc_clock_monotonic();  /* claiming set the lease */
        int i;
        for (i = 0; i < n && !stop_flag; i++) {
            if (scc_worker_keep_lease(&st->w) != 0 || run_one(st, &b, i) != 0) {
                scc_queue_batch_free(&b);
                return -1;
            }
            /* A slow job must not hold earlier ones unrecorded for long. */
            if (st->ndone > 0 && scc_clock_monotonic() - st->first_done > 0.05
                && flush_done(st) != 0) {
                scc_queue_batch_free(&b);
                return -1;
            }
        }
        if (flush_done(st) != 0) {
            scc_queue_batch_free(&b);
            return -1;
        }
        if (i < n) {
            /* Stopping: give back what we claimed but did not start, so it
             * does not wait for our lease to expire. */
            int64_t *rest = malloc(sizeof(int64_t) * (size_t)(n - i));
            int k = 0;
            for (int j = i; rest != NULL && j < n; j++)
                rest[k++] = strtoll(PQgetvalue(b.res, j, 0), NULL, 10);
            if (rest != NULL && scc_queue_release(st->w.conn, st->w.worker_id, rest, k) >= 0)
                scc_log_info("run", "gave back %d claimed job(s) not started", k);
            free(rest);
        }
        scc_queue_batch_free(&b);
        total += i;
        if (n < st->set.batch_size)
            break;
    }
    return total;
}

static PGconn *connect_and_listen(const scc_config *cfg, const char *worker_id)
{
    char app[160];
    snprintf(app, sizeof(app), "scc-worker %s", worker_id);
    PGconn *conn = scc_db_connect(cfg->pg, app);
    if (conn == NULL)
        return NULL;
    if (scc_db_exec(conn, "listen scc_jobs", "LISTEN scc_jobs") != 0) {
        PQfinish(conn);
        return NULL;
    }
    return conn;
}

/* Reads what arrived on the socket; returns 1 when a notification came,
 * 0 when none, -1 when the connection is gone. */
static int take_notifications(PGconn *conn)
{
    if (!PQconsumeInput(conn))
        return -1;
    int got = 0;
    PGnotify *n;
    while ((n = PQnotifies(conn)) != NULL) {
        got = 1;
        PQfreemem(n);
    }
    return got;
}

/* PostgreSQL is gone (or was never there): reconnect, LISTEN again and
 * poll at once.  Returns 0 when connected, 1 when not (it waited its
 * backoff), -1 when the run must end (--until-idle and no database). */
static int run_reconnect(run_state *st)
{
    if (st->w.conn != NULL) {
        scc_log_warn("run", "lost the database connection; reconnecting");
        PQfinish(st->w.conn);
        st->w.conn = NULL;
        st->ndone = 0;   /* unrecorded: they run again after the lease */
    }
    st->w.conn = connect_and_listen(st->cfg, st->w.worker_id);
    if (st->w.conn == NULL) {
        if (!st->connected && st->until_idle) {
            st->exit_code = SCC_EXIT_FAILURE;
            return -1;
        }
        st->failures++;
        pause_for(scc_backoff(st->failures, 0.2, 2.0, scc_backoff_random()));
        return 1;
    }
    if (st->connected)
        scc_log_info("run", "reconnected");
    st->connected = 1;
    st->failures = 0;
    st->next_poll = 0;   /* poll at once: notifications sent meanwhile are lost */
    return 0;
}

/* Deletes what outlived its retention (scc.prune), a bounded batch of each
 * kind a statement so every transaction stays short; a few rounds keep up
 * with thousands of jobs a second.  Returns -1 on a database error. */
static int run_prune(run_state *st)
{
    scc_queue_pruned pruned;
    int              round, more = 1;

    memset(&pruned, 0, sizeof(pruned));
    for (round = 0; more == 1 && round < RUN_PRUNE_ROUNDS && !stop_flag; round++)
        more = scc_queue_prune(st->w.conn, &st->set, RUN_PRUNE_ROWS, &pruned);
    for (int i = 0; i < SCC_QUEUE_PRUNED_KINDS; i++)
        if (pruned.deleted[i] > 0)
            scc_log_info("prune", "deleted %d %s", pruned.deleted[i], pruned.what[i]);
    return more < 0 ? -1 : 0;
}

/* Every poll_interval: expired leases back to the queue, due schedule
 * slots queued; every RUN_PRUNE_EVERY seconds: pruning.  Returns -1 when
 * the connection broke (the next step reconnects), else 0: an SQL error
 * with the connection up is logged and the run goes on. */
static int run_periodic(run_state *st)
{
    double now = scc_clock_monotonic();

    if (now < st->next_poll)
        return 0;
    st->next_poll = now + st->set.poll_interval;
    if ((scc_queue_recover(st->w.conn) < 0 || scc_schedule_tick(st->w.conn, time(NULL)) < 0)
        && conn_lost(st->w.conn))
        return -1;
    if (now >= st->next_prune) {
        st->next_prune = now + RUN_PRUNE_EVERY;
        if (run_prune(st) != 0 && conn_lost(st->w.conn))
            return -1;
    }
    return 0;
}

/* Nothing is due: wait on the socket for a notification or the next poll.
 * Returns 0, or -1 when poll() itself failed (the run ends). */
static int run_wait(run_state *st)
{
    int timeout = (int)((st->next_poll - scc_clock_monotonic()) * 1000) + 1;
    if (timeout < 0)
        timeout = 0;
    if (stop_flag || reopen_flag)
        timeout = 0;
    struct pollfd pfd[2] = {
        { .fd = PQsocket(st->w.conn), .events = POLLIN },
        { .fd = wake_pipe[0], .events = POLLIN },
    };
    int pr = poll(pfd, wake_pipe[0] >= 0 ? 2 : 1, timeout);
    if (pr < 0 && errno != EINTR) {
        scc_log_error("run", "poll: %s", strerror(errno));
        st->exit_code = SCC_EXIT_FAILURE;
        return -1;
    }
    if (pr > 0 && (pfd[1].revents & POLLIN))
        wake_drain();
    /* A broken connection is marked bad by libpq: the next step reconnects. */
    if (pr > 0 && pfd[0].revents != 0)
        (void)take_notifications(st->w.conn);
    return 0;
}

/* One turn of events.  Returns 0 to go on, -1 to end the run (exit_code
 * says how). */
static int run_step(run_state *st)
{
    if (conn_lost(st->w.conn)) {
        int rc = run_reconnect(st);
        if (rc != 0)
            return rc < 0 ? -1 : 0;
    }
    if (run_periodic(st) != 0)
        return 0;
    int ran = run_drain(st);
    if (ran < 0) {
        if (conn_lost(st->w.conn))
            return 0;
        /* An SQL error with the connection up (a bug, a missing
         * migration): do not spin on it. */
        if (st->until_idle) {
            st->exit_code = SCC_EXIT_FAILURE;
            return -1;
        }
        pause_for(st->set.poll_interval);
        return 0;
    }
    if (st->until_idle && ran == 0)
        return -1;
    if (ran > 0 || stop_flag)
        return 0;   /* maybe more became due meanwhile */
    return run_wait(st);
}

int scc_cmd_run(int argc, char **argv)
{
    static const struct option opts[] = {
        { "config", required_argument, NULL, 'c' },
        { "until-idle", no_argument, NULL, 'u' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *config_path = NULL;
    run_state st;
    memset(&st, 0, sizeof(st));
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":c:uh", opts, NULL)) != -1) {
        switch (c) {
        case 'c': config_path = optarg; break;
        case 'u': st.until_idle = 1; break;
        default: return scc_cli_common_option("run", c, argv, run_help);
        }
    }
    if (optind < argc)
        return scc_cli_usage("run", "unexpected argument \"%s\"", argv[optind]);

    scc_config cfg;
    char err[SCC_CONFIG_ERR_SIZE];
    if (scc_cli_load_config(&cfg, "run", config_path) != SCC_EXIT_OK)
        return SCC_EXIT_USAGE;
    if (scc_config_run_settings(&cfg, &st.set, err, sizeof(err)) != 0 ||
        scc_mail_check_config(&cfg, 0, err, sizeof(err)) != 0) {
        scc_config_free(&cfg);
        return scc_cli_usage("run", "%s", err);
    }
    if (cfg.log_file != NULL && *cfg.log_file != '\0' && scc_log_open(cfg.log_file) != 0) {
        snprintf(err, sizeof(err), "log_file: cannot open %s: %s", cfg.log_file,
                 strerror(errno));
        scc_config_free(&cfg);
        return scc_cli_usage("run", "%s", err);
    }
    /* A worker may serve only the queue; email jobs then wait, retried, for
     * a sender, and the reason is said once here as well as on each job. */
    if (cfg.sender == NULL || *cfg.sender == '\0')
        scc_log_warn("run", "no sender configured: email jobs will be retried "
                     "until `sender` is set in the config file");
    st.done = malloc(sizeof(int64_t) * (size_t)st.set.batch_size);
    if (st.done == NULL) {
        scc_log_error("run", "out of memory");
        scc_config_free(&cfg);
        return SCC_EXIT_FAILURE;
    }
    st.cfg = &cfg;
    st.exit_code = SCC_EXIT_OK;
    st.w.cfg = &cfg;
    st.w.worker_id = st.set.worker_id;
    st.w.lease_seconds = st.set.lease_seconds;
    st.w.stopping = &stop_flag;

    /* No SA_RESTART: a signal must interrupt poll() so we notice it; the
     * self-pipe covers one that lands just before poll() begins. */
    if (pipe2(wake_pipe, O_NONBLOCK | O_CLOEXEC) != 0) {
        scc_log_warn("run", "pipe: %s (a signal may wait for the next poll)", strerror(errno));
        wake_pipe[0] = wake_pipe[1] = -1;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sa.sa_handler = on_hup;
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    scc_log_info("run", "scc-worker run: worker %s (poll %gs, lease %gs, batch %d, kinds %s)",
                 st.w.worker_id, st.set.poll_interval, st.set.lease_seconds, st.set.batch_size,
                 scc_queue_kinds_literal());

    for (;;) {
        if (reopen_flag)
            reopen_log(&cfg);
        if (stop_flag || run_step(&st) != 0)
            break;
    }

    if (!conn_lost(st.w.conn))
        (void)flush_done(&st);
    if (stop_flag)
        scc_log_info("run", "stopping on signal (job in hand finished)");
    PQfinish(st.w.conn);
    free(st.done);
    scc_config_free(&cfg);
    if (wake_pipe[0] >= 0) {
        close(wake_pipe[0]);
        close(wake_pipe[1]);
        wake_pipe[0] = wake_pipe[1] = -1;
    }
    return st.exit_code;
}
