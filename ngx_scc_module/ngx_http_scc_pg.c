
/*
 * SCC: the per-worker-process PostgreSQL connection set (see
 * ngx_http_scc_pg.h).
 *
 * Each connection is a small state machine driven by nginx events:
 *
 *   CLOSED --timer--> CONNECTING --PQconnectPoll OK--> READY
 *   READY: up to conf->pipeline queries in flight, in libpq's pipeline
 *          mode, each query followed by its own Sync
 *   any --error or EOF--> CLOSED, reconnect after a backoff with jitter
 *
 * Only the asynchronous half of libpq is used: PQconnectStartParams and
 * PQconnectPoll, PQenterPipelineMode, PQsendPrepare, PQsendQueryPrepared
 * and PQpipelineSync, PQflush, PQconsumeInput, PQisBusy and PQgetResult.
 * The socket is registered level-triggered, because libpq decides how
 * much it reads, and re-checked after every PQconnectPoll, because libpq
 * may close it and open another (next host, SSL fallback), possibly under
 * the same number; the inode tells the two apart.
 *
 * Why a pipeline: a backend that finds the next query already in its
 * socket runs it at once instead of sleeping until nginx has read the
 * last answer and sent another.  A new query goes to the connection
 * with the fewest queries in flight, so that queries queue behind another
 * only when every connection is busy: a slow statement can delay the few
 * queued behind it on its connection.
 *
 * A query belongs to its caller; the set holds a pointer to it only
 * while it waits or runs, and ngx_http_scc_pg_cancel() takes it back.  A
 * connection whose query was cancelled still reads that query's results
 * and throws them away, so the pipeline stays in step.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_event.h>

#include <sys/stat.h>

#include "ngx_http_scc_pg.h"


#define NGX_HTTP_SCC_PG_CLOSED        0
#define NGX_HTTP_SCC_PG_CONNECTING    1
#define NGX_HTTP_SCC_PG_READY         2

#define NGX_HTTP_SCC_PG_CONNECT_TIMEOUT  5000

/* a connection's number in its set, for the debug log */
#define ngx_http_scc_pg_no(pc)           ((ngx_int_t) ((pc) - (pc)->set->conns))
#define NGX_HTTP_SCC_PG_BACKOFF_MIN      50
#define NGX_HTTP_SCC_PG_BACKOFF_MAX      1000


/* one query in a connection's pipeline, with the Prepare it may need */

struct ngx_http_scc_pg_cmd_s {
    ngx_http_scc_pg_query_t     *query;     /* NULL once cancelled */
    PGresult                    *res;       /* the answer kept so far */
    ngx_uint_t                   stmt;
    ngx_uint_t                   ends;      /* its commands' results read */
    unsigned                     prepare:1; /* a Prepare went first */
};


struct ngx_http_scc_pg_conn_s {
    ngx_http_scc_pg_set_t       *set;
    PGconn                      *pg;
    ngx_connection_t            *c;
    ino_t                        ino;       /* of the socket c wraps */
    ngx_event_t                  timer;     /* reconnect, connect timeout */
    ngx_msec_t                   backoff;
    ngx_http_scc_pg_cmd_t       *cmds;      /* a ring of conf->pipeline */
    ngx_uint_t                   head;      /* the oldest in flight */
    ngx_uint_t                   nflight;
    ngx_uint_t                   state;
    u_char                      *prepared;  /* a flag per statement */
};


struct ngx_http_scc_pg_set_s {
    ngx_http_scc_pg_conf_t      *conf;
    ngx_http_scc_pg_conn_t      *conns;
    ngx_queue_t                  waiting;
    ngx_uint_t                   nwaiting;
    ngx_log_t                   *log;
    ngx_http_scc_pg_gauges_t    *gauges;    /* shared memory, or NULL */
    ngx_http_scc_pg_counters_t  *counters;  /* shared memory, or NULL */
};


/* a shared counter moves, when the set has them */
#define ngx_http_scc_pg_count(set, name)                                     \
    ((set)->counters                                                         \
     ? (void) ngx_atomic_fetch_add(&(set)->counters->name, 1) : (void) 0)


static void ngx_http_scc_pg_connect(ngx_http_scc_pg_conn_t *pc);
static void ngx_http_scc_pg_connect_poll(ngx_http_scc_pg_conn_t *pc);
static ngx_int_t ngx_http_scc_pg_wrap(ngx_http_scc_pg_conn_t *pc);
static void ngx_http_scc_pg_unwrap(ngx_http_scc_pg_conn_t *pc);
static ngx_int_t ngx_http_scc_pg_arm(ngx_event_t *ev, ngx_int_t event,
    ngx_uint_t on);
static void ngx_http_scc_pg_event(ngx_event_t *ev);
static void ngx_http_scc_pg_read_handler(ngx_event_t *rev);
static void ngx_http_scc_pg_write_handler(ngx_event_t *wev);
static void ngx_http_scc_pg_timer(ngx_event_t *ev);
static void ngx_http_scc_pg_timer_handler(ngx_event_t *ev);
static void ngx_http_scc_pg_query_timer(ngx_event_t *ev);
static void ngx_http_scc_pg_query_timer_handler(ngx_event_t *ev);
static ngx_int_t ngx_http_scc_pg_send_query(ngx_http_scc_pg_set_t *set,
    ngx_http_scc_pg_query_t *q);
static void ngx_http_scc_pg_publish(ngx_http_scc_pg_set_t *set);
static void ngx_http_scc_pg_results(ngx_http_scc_pg_conn_t *pc);
static void ngx_http_scc_pg_keep(ngx_http_scc_pg_conn_t *pc,
    ngx_http_scc_pg_cmd_t *cmd, PGresult *res);
static void ngx_http_scc_pg_complete(ngx_http_scc_pg_conn_t *pc);
static ngx_http_scc_pg_conn_t *ngx_http_scc_pg_pick(
    ngx_http_scc_pg_set_t *set);
static ngx_int_t ngx_http_scc_pg_dispatch(ngx_http_scc_pg_conn_t *pc,
    ngx_http_scc_pg_query_t *q);
static ngx_int_t ngx_http_scc_pg_flush(ngx_http_scc_pg_conn_t *pc);
static void ngx_http_scc_pg_serve(ngx_http_scc_pg_conn_t *pc);
static void ngx_http_scc_pg_detach(ngx_http_scc_pg_query_t *q);
static void ngx_http_scc_pg_broken(ngx_http_scc_pg_conn_t *pc,
    const char *what);
static void ngx_http_scc_pg_close(ngx_http_scc_pg_conn_t *pc);
static void ngx_http_scc_pg_schedule(ngx_http_scc_pg_conn_t *pc);
static void ngx_http_scc_pg_wake(ngx_http_scc_pg_set_t *set);
static ngx_uint_t ngx_http_scc_pg_live(ngx_http_scc_pg_set_t *set);
static void ngx_http_scc_pg_fail_waiting(ngx_http_scc_pg_set_t *set);
static void ngx_http_scc_pg_log_error(ngx_http_scc_pg_conn_t *pc,
    ngx_uint_t level, const char *what);
static void ngx_http_scc_pg_notice(void *arg, const char *message);


ngx_http_scc_pg_set_t *
ngx_http_scc_pg_set_create(ngx_cycle_t *cycle, ngx_http_scc_pg_conf_t *conf)
{
    ngx_uint_t               i;
    ngx_http_scc_pg_conn_t  *pc;
    ngx_http_scc_pg_set_t   *set;

    set = ngx_pcalloc(cycle->pool, sizeof(ngx_http_scc_pg_set_t));
    if (set == NULL) {
        return NULL;
    }

    set->conns = ngx_pcalloc(cycle->pool,
                              conf->size * sizeof(ngx_http_scc_pg_conn_t));
    if (set->conns == NULL) {
        return NULL;
    }

    set->conf = conf;
    set->log = cycle->log;

    ngx_queue_init(&set->waiting);

    for (i = 0; i < conf->size; i++) {
        pc = &set->conns[i];

        pc->set = set;

        pc->prepared = ngx_pcalloc(cycle->pool, conf->nstmts);
        if (pc->prepared == NULL) {
            return NULL;
        }

        pc->cmds = ngx_pcalloc(cycle->pool,
                               conf->pipeline * sizeof(ngx_http_scc_pg_cmd_t));
        if (pc->cmds == NULL) {
            return NULL;
        }

        pc->timer.handler = ngx_http_scc_pg_timer;
        pc->timer.data = pc;
        pc->timer.log = set->log;

        /* reconnecting must not hold a worker that is shutting down */
        pc->timer.cancelable = 1;

        ngx_http_scc_pg_connect(pc);
    }

    return set;
}


void
ngx_http_scc_pg_set_destroy(ngx_http_scc_pg_set_t *set)
{
    ngx_uint_t  i;

    for (i = 0; i < set->conf->size; i++) {
        ngx_http_scc_pg_close(&set->conns[i]);
    }
}


ngx_int_t
ngx_http_scc_pg_send(ngx_http_scc_pg_set_t *set, ngx_http_scc_pg_query_t *q)
{
    ngx_int_t  rc;

    rc = ngx_http_scc_pg_send_query(set, q);

    ngx_http_scc_pg_publish(set);

    return rc;
}


static ngx_int_t
ngx_http_scc_pg_send_query(ngx_http_scc_pg_set_t *set,
    ngx_http_scc_pg_query_t *q)
{
    ngx_http_scc_pg_conn_t  *pc;

    q->set = set;
    q->conn = NULL;
    q->cmd = NULL;
    q->waiting = 0;

    q->timer.handler = ngx_http_scc_pg_query_timer;
    q->timer.data = q;

    if (q->timer.log == NULL) {
        q->timer.log = set->log;
    }

    while ((pc = ngx_http_scc_pg_pick(set)) != NULL) {

        if (ngx_http_scc_pg_dispatch(pc, q) == NGX_OK) {
            return NGX_OK;
        }

        /* q is not on it; this connection is dead, try the next */
        ngx_http_scc_pg_broken(pc, "sending a query");
    }

    if (!ngx_http_scc_pg_live(set)) {
        ngx_log_debug0(NGX_LOG_DEBUG_HTTP, q->timer.log, 0,
                       "scc pg: no connection up or coming up");
        return NGX_DECLINED;
    }

    if (set->nwaiting >= set->conf->wait_queue) {
        ngx_log_debug1(NGX_LOG_DEBUG_HTTP, q->timer.log, 0,
                       "scc pg: wait queue full (%ui)", set->nwaiting);
        return NGX_BUSY;
    }

    ngx_queue_insert_tail(&set->waiting, &q->queue);
    q->waiting = 1;
    set->nwaiting++;

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, q->timer.log, 0,
                   "scc pg: every connection full, query waits (%ui)",
                   set->nwaiting);

    ngx_add_timer(&q->timer, set->conf->wait_timeout);

    return NGX_OK;
}


void
ngx_http_scc_pg_cancel(ngx_http_scc_pg_query_t *q)
{
    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, q->timer.log, 0,
                   "scc pg: query cancelled (%s%s)",
                   q->waiting ? "waiting" : "",
                   q->cmd ? "in flight" : "");

    if (q->timer.timer_set) {
        ngx_del_timer(&q->timer);
    }

    if (q->waiting) {
        ngx_queue_remove(&q->queue);
        q->waiting = 0;
        q->set->nwaiting--;
    }

    if (q->cmd) {
        /* the connection reads its results to the end and drops them */
        ngx_http_scc_pg_detach(q);
    }

    ngx_http_scc_pg_publish(q->set);
}


void
ngx_http_scc_pg_stats(ngx_http_scc_pg_set_t *set,
    ngx_http_scc_pg_stats_t *stats)
{
    ngx_uint_t               i;
    ngx_http_scc_pg_conn_t  *pc;

    stats->size = set->conf->size;
    stats->connected = 0;
    stats->busy = 0;
    stats->in_flight = 0;
    stats->waiting = set->nwaiting;

    for (i = 0; i < set->conf->size; i++) {
        pc = &set->conns[i];

        if (pc->state != NGX_HTTP_SCC_PG_READY) {
            continue;
        }

        stats->connected++;
        stats->in_flight += pc->nflight;

        if (pc->nflight) {
            stats->busy++;
        }
    }
}


void
ngx_http_scc_pg_publish_to(ngx_http_scc_pg_set_t *set,
    ngx_http_scc_pg_gauges_t *gauges, ngx_http_scc_pg_counters_t *counters)
{
    set->gauges = gauges;
    set->counters = counters;

    ngx_http_scc_pg_publish(set);
}


/*
 * The set's gauges as they stand, for the other processes to read: every
 * entry point (send, cancel, the events and timers) calls this as it
 * returns, so a slot is never staler than the last thing the set did.
 */

static void
ngx_http_scc_pg_publish(ngx_http_scc_pg_set_t *set)
{
    ngx_http_scc_pg_stats_t  stats;

    if (set->gauges == NULL) {
        return;
    }

    ngx_http_scc_pg_stats(set, &stats);

    set->gauges->size = stats.size;
    set->gauges->connected = stats.connected;
    set->gauges->busy = stats.busy;
    set->gauges->in_flight = stats.in_flight;
    set->gauges->waiting = stats.waiting;
}


static void
ngx_http_scc_pg_connect(ngx_http_scc_pg_conn_t *pc)
{
    const char  *values[4];

    static const char  *keys[] = {
        "dbname", "gssencmode", "fallback_application_name", NULL
    };

    /*
     * expand_dbname: the conninfo string is parsed as a whole, and the
     * keys after it override it.  GSSAPI encryption is never tried, not
     * even because of PGGSSENCMODE: its negotiation may ask a Kerberos
     * KDC synchronously inside PQconnectPoll().
     */

    values[0] = (const char *) pc->set->conf->conninfo.data;
    values[1] = "disable";
    values[2] = "scc-nginx";
    values[3] = NULL;

    pc->pg = PQconnectStartParams(keys, values, 1);

    if (pc->pg == NULL) {
        ngx_log_error(NGX_LOG_ALERT, pc->set->log, 0,
                      "scc: PQconnectStartParams() failed: out of memory");
        ngx_http_scc_pg_schedule(pc);
        return;
    }

    if (PQstatus(pc->pg) == CONNECTION_BAD) {
        ngx_http_scc_pg_log_error(pc, NGX_LOG_ERR,
                                  "could not connect to PostgreSQL");
        ngx_http_scc_pg_close(pc);
        ngx_http_scc_pg_schedule(pc);
        return;
    }

    PQsetNoticeProcessor(pc->pg, ngx_http_scc_pg_notice, pc);

    pc->state = NGX_HTTP_SCC_PG_CONNECTING;

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, pc->set->log, 0,
                   "scc pg #%i: CLOSED -> CONNECTING", ngx_http_scc_pg_no(pc));

    ngx_add_timer(&pc->timer, NGX_HTTP_SCC_PG_CONNECT_TIMEOUT);

    /* as if PQconnectPoll() had answered PGRES_POLLING_WRITING */

    if (ngx_http_scc_pg_wrap(pc) != NGX_OK
        || ngx_http_scc_pg_arm(pc->c->write, NGX_WRITE_EVENT, 1) != NGX_OK)
    {
        ngx_http_scc_pg_close(pc);
        ngx_http_scc_pg_schedule(pc);
    }
}


static void
ngx_http_scc_pg_connect_poll(ngx_http_scc_pg_conn_t *pc)
{
    ngx_int_t                  rc;
    ngx_uint_t                 level;
    PostgresPollingStatusType  status;

    status = PQconnectPoll(pc->pg);

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, pc->set->log, 0,
                   "scc pg #%i: PQconnectPoll: %d",
                   ngx_http_scc_pg_no(pc), status);

    if (status != PGRES_POLLING_FAILED) {

        /* libpq may have closed the socket and opened another */

        if (ngx_http_scc_pg_wrap(pc) != NGX_OK) {
            goto failed;
        }
    }

    switch (status) {

    case PGRES_POLLING_READING:
        rc = ngx_http_scc_pg_arm(pc->c->write, NGX_WRITE_EVENT, 0);
        break;

    case PGRES_POLLING_WRITING:
        rc = ngx_http_scc_pg_arm(pc->c->write, NGX_WRITE_EVENT, 1);
        break;

    case PGRES_POLLING_OK:

        if (PQsetnonblocking(pc->pg, 1) != 0
            || PQenterPipelineMode(pc->pg) != 1
            || ngx_http_scc_pg_arm(pc->c->write, NGX_WRITE_EVENT, 0)
               != NGX_OK)
        {
            goto failed;
        }

        ngx_log_error(NGX_LOG_INFO, pc->set->log, 0,
                      "scc: connected to PostgreSQL, backend pid %d",
                      PQbackendPID(pc->pg));

        if (pc->timer.timer_set) {
            ngx_del_timer(&pc->timer);
        }

        ngx_memzero(pc->prepared, pc->set->conf->nstmts);
        pc->backoff = 0;
        pc->state = NGX_HTTP_SCC_PG_READY;

        ngx_log_debug1(NGX_LOG_DEBUG_HTTP, pc->set->log, 0,
                       "scc pg #%i: CONNECTING -> READY",
                       ngx_http_scc_pg_no(pc));

        ngx_http_scc_pg_wake(pc->set);
        ngx_http_scc_pg_serve(pc);
        return;

    default: /* PGRES_POLLING_FAILED */
        goto failed;
    }

    if (rc == NGX_OK) {
        return;
    }

failed:

    /* while the database stays down, only the first failure is an error */

    level = pc->backoff ? NGX_LOG_INFO : NGX_LOG_ERR;

    ngx_http_scc_pg_log_error(pc, level, "could not connect to PostgreSQL");
    ngx_http_scc_pg_close(pc);
    ngx_http_scc_pg_schedule(pc);

    if (!ngx_http_scc_pg_live(pc->set)) {
        ngx_http_scc_pg_fail_waiting(pc->set);
    }
}


/*
 * Gives libpq's current socket an nginx connection with a level-triggered
 * read event, unless the one we hold is already that socket.
 */

static ngx_int_t
ngx_http_scc_pg_wrap(ngx_http_scc_pg_conn_t *pc)
{
    int                fd;
    struct stat        st;
    ngx_connection_t  *c;

    fd = PQsocket(pc->pg);

    if (fd == -1 || fstat(fd, &st) == -1) {
        ngx_log_error(NGX_LOG_ERR, pc->set->log, ngx_errno,
                      "scc: PostgreSQL connection has no usable socket");
        return NGX_ERROR;
    }

    if (pc->c && pc->c->fd == fd && pc->ino == st.st_ino) {
        return NGX_OK;
    }

    ngx_http_scc_pg_unwrap(pc);

    c = ngx_get_connection(fd, pc->set->log);
    if (c == NULL) {
        return NGX_ERROR;
    }

    c->data = pc;
    c->read->handler = ngx_http_scc_pg_event;
    c->write->handler = ngx_http_scc_pg_event;
    c->read->log = pc->set->log;
    c->write->log = pc->set->log;
    c->number = ngx_atomic_fetch_add(ngx_connection_counter, 1);

    pc->c = c;
    pc->ino = st.st_ino;

    return ngx_http_scc_pg_arm(c->read, NGX_READ_EVENT, 1);
}


/*
 * Forgets the nginx side of a socket that libpq has closed or is about to
 * close: epoll drops a closed descriptor by itself, so the events are
 * only marked inactive (NGX_CLOSE_EVENT), and the descriptor is never
 * closed here, for it belongs to libpq.
 */

static void
ngx_http_scc_pg_unwrap(ngx_http_scc_pg_conn_t *pc)
{
    ngx_connection_t  *c;

    c = pc->c;

    if (c == NULL) {
        return;
    }

    if (c->read->active) {
        (void) ngx_del_event(c->read, NGX_READ_EVENT, NGX_CLOSE_EVENT);
    }

    if (c->write->active) {
        (void) ngx_del_event(c->write, NGX_WRITE_EVENT, NGX_CLOSE_EVENT);
    }

    if (c->read->posted) {
        ngx_delete_posted_event(c->read);
    }

    if (c->write->posted) {
        ngx_delete_posted_event(c->write);
    }

    ngx_free_connection(c);

    c->fd = (ngx_socket_t) -1;
    pc->c = NULL;
}


static ngx_int_t
ngx_http_scc_pg_arm(ngx_event_t *ev, ngx_int_t event, ngx_uint_t on)
{
    if (on && !ev->active) {
        return ngx_add_event(ev, event, NGX_LEVEL_EVENT);
    }

    if (!on && ev->active) {
        return ngx_del_event(ev, event, 0);
    }

    return NGX_OK;
}


/* the connection's events, and then its set publishes */

static void
ngx_http_scc_pg_event(ngx_event_t *ev)
{
    ngx_connection_t       *c;
    ngx_http_scc_pg_set_t  *set;

    c = ev->data;
    set = ((ngx_http_scc_pg_conn_t *) c->data)->set;

    if (ev->write) {
        ngx_http_scc_pg_write_handler(ev);

    } else {
        ngx_http_scc_pg_read_handler(ev);
    }

    ngx_http_scc_pg_publish(set);
}


static void
ngx_http_scc_pg_read_handler(ngx_event_t *rev)
{
    PGnotify                *n;
    ngx_connection_t        *c;
    ngx_http_scc_pg_conn_t  *pc;

    c = rev->data;
    pc = c->data;

    if (pc->state == NGX_HTTP_SCC_PG_CONNECTING) {
        ngx_http_scc_pg_connect_poll(pc);
        return;
    }

    if (!PQconsumeInput(pc->pg)) {
        ngx_http_scc_pg_broken(pc, "reading");
        return;
    }

    /* nobody LISTENs here, but a NOTIFY must not pile up */

    while ((n = PQnotifies(pc->pg)) != NULL) {
        PQfreemem(n);
    }

    if (pc->nflight == 0) {

        /* an idle connection speaks only to say goodbye */

        if (PQstatus(pc->pg) == CONNECTION_BAD) {
            ngx_http_scc_pg_broken(pc, "idle");
        }

        return;
    }

    if (pc->c->write->active && ngx_http_scc_pg_flush(pc) != NGX_OK) {
        ngx_http_scc_pg_broken(pc, "writing");
        return;
    }

    ngx_http_scc_pg_results(pc);
}


static void
ngx_http_scc_pg_write_handler(ngx_event_t *wev)
{
    ngx_connection_t        *c;
    ngx_http_scc_pg_conn_t  *pc;

    c = wev->data;
    pc = c->data;

    if (pc->state == NGX_HTTP_SCC_PG_CONNECTING) {
        ngx_http_scc_pg_connect_poll(pc);
        return;
    }

    if (ngx_http_scc_pg_flush(pc) != NGX_OK) {
        ngx_http_scc_pg_broken(pc, "writing");
    }
}


static void
ngx_http_scc_pg_timer(ngx_event_t *ev)
{
    ngx_http_scc_pg_set_t  *set;

    set = ((ngx_http_scc_pg_conn_t *) ev->data)->set;

    ngx_http_scc_pg_timer_handler(ev);
    ngx_http_scc_pg_publish(set);
}


static void
ngx_http_scc_pg_timer_handler(ngx_event_t *ev)
{
    ngx_http_scc_pg_conn_t  *pc;

    pc = ev->data;

    if (pc->state == NGX_HTTP_SCC_PG_CONNECTING) {
        ngx_log_error(NGX_LOG_ERR, pc->set->log, NGX_ETIMEDOUT,
                      "scc: connecting to PostgreSQL timed out");
        ngx_http_scc_pg_close(pc);
        ngx_http_scc_pg_schedule(pc);

        if (!ngx_http_scc_pg_live(pc->set)) {
            ngx_http_scc_pg_fail_waiting(pc->set);
        }

        return;
    }

    if (pc->state == NGX_HTTP_SCC_PG_CLOSED) {
        ngx_log_debug1(NGX_LOG_DEBUG_HTTP, pc->set->log, 0,
                       "scc pg #%i: backoff over, reconnecting",
                       ngx_http_scc_pg_no(pc));
        ngx_http_scc_pg_count(pc->set, reconnects);
        ngx_http_scc_pg_connect(pc);
    }
}


/*
 * Waiting: no connection came free in time.  Running: the result did not
 * come in time; the statement may hold locks or be stuck, and the only
 * non-blocking way to stop it with libpq 15 is to drop the connection
 * (PQcancel() would open a connection synchronously).  The server ends
 * the statement when it notices, sooner with client_connection_check_
 * interval or a statement_timeout below the module's query timeout.
 */

/* the query's handler may free q: its set is taken first */

static void
ngx_http_scc_pg_query_timer(ngx_event_t *ev)
{
    ngx_http_scc_pg_set_t  *set;

    set = ((ngx_http_scc_pg_query_t *) ev->data)->set;

    ngx_http_scc_pg_query_timer_handler(ev);
    ngx_http_scc_pg_publish(set);
}


static void
ngx_http_scc_pg_query_timer_handler(ngx_event_t *ev)
{
    ngx_http_scc_pg_conn_t   *pc;
    ngx_http_scc_pg_query_t  *q;

    q = ev->data;

    if (q->waiting) {
        ngx_queue_remove(&q->queue);
        q->waiting = 0;
        q->set->nwaiting--;

        ngx_log_debug0(NGX_LOG_DEBUG_HTTP, ev->log, 0,
                       "scc pg: wait timed out");

        ngx_http_scc_pg_count(q->set, wait_timeouts);

        q->handler(q, NULL, NGX_HTTP_SCC_PG_WAIT_TIMEOUT);
        return;
    }

    pc = q->conn;

    if (pc == NULL) {
        return;
    }

    ngx_log_error(NGX_LOG_ERR, pc->set->log, NGX_ETIMEDOUT,
                  "scc: PostgreSQL statement \"%V\" timed out, "
                  "dropping its connection",
                  &pc->set->conf->stmts[q->stmt].name);

    ngx_http_scc_pg_count(pc->set, query_timeouts);

    /* the queries behind it on this connection learn it is down */

    ngx_http_scc_pg_detach(q);
    ngx_http_scc_pg_broken(pc, NULL);

    q->handler(q, NULL, NGX_HTTP_SCC_PG_QUERY_TIMEOUT);
}


/*
 * A query's results in pipeline mode: its Prepare's result if one went
 * first, NULL, the query's result(s), NULL, then PGRES_PIPELINE_SYNC,
 * which completes it.  After a failed Prepare the query's result is
 * PGRES_PIPELINE_ABORTED; the Prepare's error is the answer then.
 */

static void
ngx_http_scc_pg_results(ngx_http_scc_pg_conn_t *pc)
{
    PGresult               *res;
    ngx_http_scc_pg_cmd_t  *cmd;

    while (pc->state == NGX_HTTP_SCC_PG_READY
           && pc->nflight
           && !PQisBusy(pc->pg))
    {
        cmd = &pc->cmds[pc->head];
        res = PQgetResult(pc->pg);

        if (res == NULL) {

            /*
             * The end of one command's results.  More of them than a
             * query has commands means libpq and we are out of step.
             */

            if (PQstatus(pc->pg) == CONNECTION_BAD || ++cmd->ends > 2) {
                ngx_http_scc_pg_broken(pc, "reading a result");
                return;
            }

            continue;
        }

        if (PQresultStatus(res) == PGRES_PIPELINE_SYNC) {
            PQclear(res);
            ngx_http_scc_pg_complete(pc);
            continue;
        }

        ngx_http_scc_pg_keep(pc, cmd, res);
    }
}


static void
ngx_http_scc_pg_keep(ngx_http_scc_pg_conn_t *pc, ngx_http_scc_pg_cmd_t *cmd,
    PGresult *res)
{
    ExecStatusType  status;

    status = PQresultStatus(res);

    if (cmd->prepare) {

        /* the first result is the Prepare's */

        cmd->prepare = 0;

        if (status == PGRES_COMMAND_OK) {
            PQclear(res);
            return;
        }

        /* not prepared after all: a later query prepares it again */

        pc->prepared[cmd->stmt] = 0;
    }

    /* one statement gives one result; keep the first, or an error */

    if (cmd->res == NULL) {
        cmd->res = res;

    } else if (status == PGRES_FATAL_ERROR
               && PQresultStatus(cmd->res) != PGRES_FATAL_ERROR)
    {
        PQclear(cmd->res);
        cmd->res = res;

    } else {
        PQclear(res);
    }
}


/* the command in flight is complete: its last result has been read */

/* the oldest query in flight is complete: its Sync has come back */

static void
ngx_http_scc_pg_complete(ngx_http_scc_pg_conn_t *pc)
{
    PGresult                 *res;
    ngx_http_scc_pg_cmd_t    *cmd;
    ngx_http_scc_pg_query_t  *q;

    cmd = &pc->cmds[pc->head];
    res = cmd->res;
    q = cmd->query;

    if (q) {
        ngx_http_scc_pg_detach(q);
    }

    cmd->res = NULL;
    pc->head = (pc->head + 1) % pc->set->conf->pipeline;
    pc->nflight--;

    ngx_log_debug3(NGX_LOG_DEBUG_HTTP, pc->set->log, 0,
                   "scc pg #%i: query done%s, %ui in flight",
                   ngx_http_scc_pg_no(pc),
                   q ? "" : " (cancelled)", pc->nflight);

    /* the place it leaves goes to the oldest waiting query */

    ngx_http_scc_pg_serve(pc);

    if (q) {
        q->handler(q, res, NGX_HTTP_SCC_PG_DONE);

    } else if (res) {
        PQclear(res);
    }
}


/*
 * The ready connection with the fewest queries in flight, if one has
 * room: an idle connection first, a pipeline only when all are busy.
 */

static ngx_http_scc_pg_conn_t *
ngx_http_scc_pg_pick(ngx_http_scc_pg_set_t *set)
{
    ngx_uint_t               i;
    ngx_http_scc_pg_conn_t  *pc, *best;

    best = NULL;

    for (i = 0; i < set->conf->size; i++) {
        pc = &set->conns[i];

        if (pc->state != NGX_HTTP_SCC_PG_READY
            || pc->nflight >= set->conf->pipeline)
        {
            continue;
        }

        if (best == NULL || pc->nflight < best->nflight) {
            best = pc;

            if (pc->nflight == 0) {
                break;
            }
        }
    }

    return best;
}


/*
 * The statement's Prepare on its first use on this connection, the query,
 * and a Sync of its own.  On NGX_ERROR q is not on the connection, which
 * must be dropped (libpq may hold part of the commands).
 */

static ngx_int_t
ngx_http_scc_pg_dispatch(ngx_http_scc_pg_conn_t *pc,
    ngx_http_scc_pg_query_t *q)
{
    ngx_uint_t               prepare;
    ngx_http_scc_pg_cmd_t   *cmd;
    ngx_http_scc_pg_stmt_t  *stmt;

    stmt = &pc->set->conf->stmts[q->stmt];
    prepare = !pc->prepared[q->stmt];

    if ((prepare
         && !PQsendPrepare(pc->pg, (const char *) stmt->name.data,
                           (const char *) stmt->sql.data, 1, NULL))
        || !PQsendQueryPrepared(pc->pg, (const char *) stmt->name.data, 1,
                                &q->param, NULL, NULL, 0)
        || !PQpipelineSync(pc->pg)
        || ngx_http_scc_pg_flush(pc) != NGX_OK)
    {
        ngx_http_scc_pg_log_error(pc, NGX_LOG_ERR,
                                  "could not send to PostgreSQL");
        return NGX_ERROR;
    }

    /* the queries after it need not prepare it again */

    pc->prepared[q->stmt] = 1;

    cmd = &pc->cmds[(pc->head + pc->nflight) % pc->set->conf->pipeline];
    cmd->query = q;
    cmd->res = NULL;
    cmd->stmt = q->stmt;
    cmd->ends = 0;
    cmd->prepare = prepare;

    pc->nflight++;

    q->conn = pc;
    q->cmd = cmd;

    ngx_log_debug4(NGX_LOG_DEBUG_HTTP, q->timer.log, 0,
                   "scc pg #%i: sent \"%V\"%s, %ui in flight",
                   ngx_http_scc_pg_no(pc),
                   &stmt->name, prepare ? " with its Prepare" : "",
                   pc->nflight);

    /* from now on the query timeout counts, not the wait */

    ngx_add_timer(&q->timer, pc->set->conf->query_timeout);

    return NGX_OK;
}



/* PQflush() until libpq has handed everything to the kernel */

static ngx_int_t
ngx_http_scc_pg_flush(ngx_http_scc_pg_conn_t *pc)
{
    int  rc;

    rc = PQflush(pc->pg);

    if (rc == -1) {
        return NGX_ERROR;
    }

    return ngx_http_scc_pg_arm(pc->c->write, NGX_WRITE_EVENT, rc == 1);
}


/*
 * Places free on a connection go to the oldest waiting queries.  Every
 * query runs outside an explicit transaction, so a connection with none
 * in flight must be PQTRANS_IDLE, or the session is not what we think it
 * is and it is not reused.
 */

static void
ngx_http_scc_pg_serve(ngx_http_scc_pg_conn_t *pc)
{
    ngx_queue_t              *head;
    ngx_http_scc_pg_set_t    *set;
    ngx_http_scc_pg_query_t  *q;

    set = pc->set;

    if (pc->nflight == 0 && PQtransactionStatus(pc->pg) != PQTRANS_IDLE) {
        ngx_log_error(NGX_LOG_ALERT, set->log, 0,
                      "scc: PostgreSQL connection is not idle after a "
                      "statement (transaction status %d), reconnecting",
                      (int) PQtransactionStatus(pc->pg));
        ngx_http_scc_pg_broken(pc, NULL);
        return;
    }

    while (pc->nflight < set->conf->pipeline
           && !ngx_queue_empty(&set->waiting))
    {
        head = ngx_queue_head(&set->waiting);
        ngx_queue_remove(head);

        q = ngx_queue_data(head, ngx_http_scc_pg_query_t, queue);
        q->waiting = 0;
        set->nwaiting--;

        if (ngx_http_scc_pg_dispatch(pc, q) != NGX_OK) {

            /* the connection died under q: q learns it, like the others */

            if (q->timer.timer_set) {
                ngx_del_timer(&q->timer);
            }

            ngx_http_scc_pg_broken(pc, "sending a query");
            q->handler(q, NULL, NGX_HTTP_SCC_PG_DOWN);
            return;
        }
    }
}


static void
ngx_http_scc_pg_detach(ngx_http_scc_pg_query_t *q)
{
    q->cmd->query = NULL;
    q->cmd = NULL;
    q->conn = NULL;

    if (q->timer.timer_set) {
        ngx_del_timer(&q->timer);
    }
}


/*
 * The connection is unusable.  Its queries learn that the database is
 * down; if no connection is left up or coming up, the waiting ones do
 * too, now instead of at their timeout.
 */

static void
ngx_http_scc_pg_broken(ngx_http_scc_pg_conn_t *pc, const char *what)
{
    ngx_uint_t                i, n;
    ngx_http_scc_pg_cmd_t    *cmd;
    ngx_http_scc_pg_set_t    *set;
    ngx_http_scc_pg_query_t  *q[NGX_HTTP_SCC_PG_PIPELINE_MAX];

    set = pc->set;

    if (what) {
        ngx_http_scc_pg_log_error(pc, NGX_LOG_ERR, what);
    }

    n = 0;

    for (i = 0; i < pc->nflight; i++) {
        cmd = &pc->cmds[(pc->head + i) % set->conf->pipeline];

        if (cmd->query) {
            q[n] = cmd->query;
            ngx_http_scc_pg_detach(q[n]);
            n++;
        }
    }

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, set->log, 0,
                   "scc pg #%i: broken, %ui queries fail",
                   ngx_http_scc_pg_no(pc), n);

    ngx_http_scc_pg_close(pc);
    ngx_http_scc_pg_schedule(pc);

    for (i = 0; i < n; i++) {
        q[i]->handler(q[i], NULL, NGX_HTTP_SCC_PG_DOWN);
    }

    if (!ngx_http_scc_pg_live(set)) {
        ngx_http_scc_pg_fail_waiting(set);
    }
}


static void
ngx_http_scc_pg_close(ngx_http_scc_pg_conn_t *pc)
{
    ngx_http_scc_pg_cmd_t  *cmd;

    if (pc->timer.timer_set) {
        ngx_del_timer(&pc->timer);
    }

    /* results read so far; queries still on it are forgotten */

    while (pc->nflight) {
        cmd = &pc->cmds[pc->head];

        if (cmd->query) {
            ngx_http_scc_pg_detach(cmd->query);
        }

        if (cmd->res) {
            PQclear(cmd->res);
            cmd->res = NULL;
        }

        pc->head = (pc->head + 1) % pc->set->conf->pipeline;
        pc->nflight--;
    }

    pc->head = 0;

    ngx_http_scc_pg_unwrap(pc);

    if (pc->pg) {
        PQfinish(pc->pg);
        pc->pg = NULL;
    }

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, pc->set->log, 0,
                   "scc pg #%i: state %ui -> CLOSED",
                   ngx_http_scc_pg_no(pc), pc->state);

    pc->state = NGX_HTTP_SCC_PG_CLOSED;
}


/* exponential backoff with jitter, so that workers don't reconnect in step */

static void
ngx_http_scc_pg_schedule(ngx_http_scc_pg_conn_t *pc)
{
    ngx_msec_t  delay;

    if (ngx_terminate) {
        return;
    }

    if (pc->backoff == 0) {
        pc->backoff = NGX_HTTP_SCC_PG_BACKOFF_MIN;

    } else {
        pc->backoff = ngx_min(pc->backoff * 2, NGX_HTTP_SCC_PG_BACKOFF_MAX);
    }

    delay = pc->backoff / 2 + (ngx_msec_t) ngx_random() % (pc->backoff / 2);

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, pc->set->log, 0,
                   "scc pg #%i: reconnect in %M ms",
                   ngx_http_scc_pg_no(pc), delay);

    ngx_add_timer(&pc->timer, delay);
}


/*
 * One connection got through, so the database is back: the others stop
 * waiting out their backoff and reconnect now.
 */

static void
ngx_http_scc_pg_wake(ngx_http_scc_pg_set_t *set)
{
    ngx_uint_t               i;
    ngx_http_scc_pg_conn_t  *pc;

    for (i = 0; i < set->conf->size; i++) {
        pc = &set->conns[i];

        if (pc->state == NGX_HTTP_SCC_PG_CLOSED && pc->timer.timer_set) {
            ngx_log_debug1(NGX_LOG_DEBUG_HTTP, set->log, 0,
                           "scc pg #%ui: woken, reconnecting now", i);
            pc->backoff = 0;
            ngx_add_timer(&pc->timer, 1);
        }
    }
}


static ngx_uint_t
ngx_http_scc_pg_live(ngx_http_scc_pg_set_t *set)
{
    ngx_uint_t  i;

    for (i = 0; i < set->conf->size; i++) {
        if (set->conns[i].state != NGX_HTTP_SCC_PG_CLOSED) {
            return 1;
        }
    }

    return 0;
}


static void
ngx_http_scc_pg_fail_waiting(ngx_http_scc_pg_set_t *set)
{
    ngx_queue_t              *head;
    ngx_http_scc_pg_query_t  *q;

    while (!ngx_queue_empty(&set->waiting)) {
        head = ngx_queue_head(&set->waiting);
        ngx_queue_remove(head);

        q = ngx_queue_data(head, ngx_http_scc_pg_query_t, queue);
        q->waiting = 0;
        set->nwaiting--;

        if (q->timer.timer_set) {
            ngx_del_timer(&q->timer);
        }

        q->handler(q, NULL, NGX_HTTP_SCC_PG_DOWN);
    }
}


static void
ngx_http_scc_pg_log_error(ngx_http_scc_pg_conn_t *pc, ngx_uint_t level,
    const char *what)
{
    size_t   len;
    char    *msg;

    msg = pc->pg ? PQerrorMessage(pc->pg) : "no connection";
    len = ngx_strlen(msg);

    /* libpq ends its messages with a newline; the log adds its own */

    while (len && (msg[len - 1] == '\n' || msg[len - 1] == ' ')) {
        len--;
    }

    ngx_log_error(level, pc->set->log, 0, "scc: %s: %*s", what, len, msg);
}


static void
ngx_http_scc_pg_notice(void *arg, const char *message)
{
    size_t                   len;
    ngx_http_scc_pg_conn_t  *pc;

    pc = arg;
    len = ngx_strlen(message);

    while (len && message[len - 1] == '\n') {
        len--;
    }

    /* libpq would print notices on stderr; they belong in the log */

    ngx_log_error(NGX_LOG_NOTICE, pc->set->log, 0, "scc: PostgreSQL: %*s",
                  len, message);
}
