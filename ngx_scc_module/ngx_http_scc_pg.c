
/*
 * SCC: the per-worker-process PostgreSQL pool (see ngx_http_scc_pg.h).
 *
 * Each connection is a small state machine driven by nginx events:
 *
 *   CLOSED --timer--> CONNECTING --PQconnectPoll OK--> IDLE
 *   IDLE --send--> PREPARE (first use of a statement here) --> QUERY
 *   QUERY --last result--> IDLE, or straight to the next waiting query
 *   any --error or EOF--> CLOSED, reconnect after a backoff with jitter
 *
 * Only the asynchronous half of libpq is used: PQconnectStartParams and
 * PQconnectPoll, PQsendPrepare and PQsendQueryPrepared, PQflush,
 * PQconsumeInput, PQisBusy and PQgetResult.  The socket is registered
 * level-triggered, because libpq decides how much it reads, and
 * re-checked after every PQconnectPoll, because libpq may close it and
 * open another (next host, SSL fallback), possibly under the same
 * number; the inode tells the two apart.
 *
 * A query belongs to its caller; the pool holds a pointer to it only
 * while it waits or runs, and ngx_http_scc_pg_cancel() takes it back.  A
 * connection whose query was cancelled still reads the result to the
 * end and throws it away, so the connection stays usable.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_event.h>

#include <sys/stat.h>

#include "ngx_http_scc_pg.h"


#define NGX_HTTP_SCC_PG_CLOSED        0
#define NGX_HTTP_SCC_PG_CONNECTING    1
#define NGX_HTTP_SCC_PG_IDLE          2
#define NGX_HTTP_SCC_PG_PREPARE       3
#define NGX_HTTP_SCC_PG_QUERY         4

#define NGX_HTTP_SCC_PG_CONNECT_TIMEOUT  5000
#define NGX_HTTP_SCC_PG_BACKOFF_MIN      50
#define NGX_HTTP_SCC_PG_BACKOFF_MAX      1000


struct ngx_http_scc_pg_conn_s {
    ngx_queue_t                  queue;     /* in pool->idle */
    ngx_http_scc_pg_pool_t      *pool;
    PGconn                      *pg;
    ngx_connection_t            *c;
    ino_t                        ino;       /* of the socket c wraps */
    ngx_event_t                  timer;     /* reconnect, connect timeout */
    ngx_msec_t                   backoff;
    ngx_http_scc_pg_query_t     *query;     /* NULL once cancelled */
    PGresult                    *res;       /* of the command in flight */
    ngx_uint_t                   stmt;
    ngx_uint_t                   state;
    u_char                      *prepared;  /* a flag per statement */
};


struct ngx_http_scc_pg_pool_s {
    ngx_http_scc_pg_conf_t      *conf;
    ngx_http_scc_pg_conn_t      *conns;
    ngx_queue_t                  idle;
    ngx_queue_t                  waiting;
    ngx_uint_t                   nwaiting;
    ngx_log_t                   *log;
};


static void ngx_http_scc_pg_connect(ngx_http_scc_pg_conn_t *pc);
static void ngx_http_scc_pg_connect_poll(ngx_http_scc_pg_conn_t *pc);
static ngx_int_t ngx_http_scc_pg_wrap(ngx_http_scc_pg_conn_t *pc);
static void ngx_http_scc_pg_unwrap(ngx_http_scc_pg_conn_t *pc);
static ngx_int_t ngx_http_scc_pg_arm(ngx_event_t *ev, ngx_int_t event,
    ngx_uint_t on);
static void ngx_http_scc_pg_read_handler(ngx_event_t *rev);
static void ngx_http_scc_pg_write_handler(ngx_event_t *wev);
static void ngx_http_scc_pg_timer_handler(ngx_event_t *ev);
static void ngx_http_scc_pg_query_timer_handler(ngx_event_t *ev);
static void ngx_http_scc_pg_results(ngx_http_scc_pg_conn_t *pc);
static void ngx_http_scc_pg_finish(ngx_http_scc_pg_conn_t *pc);
static ngx_int_t ngx_http_scc_pg_dispatch(ngx_http_scc_pg_conn_t *pc,
    ngx_http_scc_pg_query_t *q);
static ngx_int_t ngx_http_scc_pg_command(ngx_http_scc_pg_conn_t *pc);
static ngx_int_t ngx_http_scc_pg_flush(ngx_http_scc_pg_conn_t *pc);
static void ngx_http_scc_pg_release(ngx_http_scc_pg_conn_t *pc);
static void ngx_http_scc_pg_detach(ngx_http_scc_pg_conn_t *pc,
    ngx_http_scc_pg_query_t *q);
static void ngx_http_scc_pg_broken(ngx_http_scc_pg_conn_t *pc,
    const char *what);
static void ngx_http_scc_pg_close(ngx_http_scc_pg_conn_t *pc);
static void ngx_http_scc_pg_schedule(ngx_http_scc_pg_conn_t *pc);
static void ngx_http_scc_pg_wake(ngx_http_scc_pg_pool_t *pool);
static ngx_uint_t ngx_http_scc_pg_live(ngx_http_scc_pg_pool_t *pool);
static void ngx_http_scc_pg_fail_waiting(ngx_http_scc_pg_pool_t *pool);
static void ngx_http_scc_pg_log_error(ngx_http_scc_pg_conn_t *pc,
    ngx_uint_t level, const char *what);
static void ngx_http_scc_pg_notice(void *arg, const char *message);


ngx_http_scc_pg_pool_t *
ngx_http_scc_pg_pool_create(ngx_cycle_t *cycle, ngx_http_scc_pg_conf_t *conf)
{
    ngx_uint_t               i;
    ngx_http_scc_pg_conn_t  *pc;
    ngx_http_scc_pg_pool_t  *pool;

    pool = ngx_pcalloc(cycle->pool, sizeof(ngx_http_scc_pg_pool_t));
    if (pool == NULL) {
        return NULL;
    }

    pool->conns = ngx_pcalloc(cycle->pool,
                              conf->size * sizeof(ngx_http_scc_pg_conn_t));
    if (pool->conns == NULL) {
        return NULL;
    }

    pool->conf = conf;
    pool->log = cycle->log;

    ngx_queue_init(&pool->idle);
    ngx_queue_init(&pool->waiting);

    for (i = 0; i < conf->size; i++) {
        pc = &pool->conns[i];

        pc->pool = pool;

        pc->prepared = ngx_pcalloc(cycle->pool, conf->nstmts);
        if (pc->prepared == NULL) {
            return NULL;
        }

        pc->timer.handler = ngx_http_scc_pg_timer_handler;
        pc->timer.data = pc;
        pc->timer.log = pool->log;

        /* reconnecting must not hold a worker that is shutting down */
        pc->timer.cancelable = 1;

        ngx_http_scc_pg_connect(pc);
    }

    return pool;
}


void
ngx_http_scc_pg_pool_destroy(ngx_http_scc_pg_pool_t *pool)
{
    ngx_uint_t  i;

    for (i = 0; i < pool->conf->size; i++) {
        ngx_http_scc_pg_close(&pool->conns[i]);
    }
}


ngx_int_t
ngx_http_scc_pg_send(ngx_http_scc_pg_pool_t *pool, ngx_http_scc_pg_query_t *q)
{
    ngx_queue_t             *head;
    ngx_http_scc_pg_conn_t  *pc;

    q->pool = pool;
    q->conn = NULL;
    q->waiting = 0;

    q->timer.handler = ngx_http_scc_pg_query_timer_handler;
    q->timer.data = q;

    if (q->timer.log == NULL) {
        q->timer.log = pool->log;
    }

    while (!ngx_queue_empty(&pool->idle)) {
        head = ngx_queue_head(&pool->idle);
        ngx_queue_remove(head);

        pc = ngx_queue_data(head, ngx_http_scc_pg_conn_t, queue);
        pc->state = NGX_HTTP_SCC_PG_QUERY;

        if (ngx_http_scc_pg_dispatch(pc, q) == NGX_OK) {
            return NGX_OK;
        }

        /* q is detached again; this connection is dead, try the next */
        ngx_http_scc_pg_broken(pc, "sending a query");
    }

    if (!ngx_http_scc_pg_live(pool)) {
        return NGX_DECLINED;
    }

    if (pool->nwaiting >= pool->conf->wait_queue) {
        return NGX_BUSY;
    }

    ngx_queue_insert_tail(&pool->waiting, &q->queue);
    q->waiting = 1;
    pool->nwaiting++;

    ngx_add_timer(&q->timer, pool->conf->wait_timeout);

    return NGX_OK;
}


void
ngx_http_scc_pg_cancel(ngx_http_scc_pg_query_t *q)
{
    if (q->timer.timer_set) {
        ngx_del_timer(&q->timer);
    }

    if (q->waiting) {
        ngx_queue_remove(&q->queue);
        q->waiting = 0;
        q->pool->nwaiting--;
    }

    if (q->conn) {
        /* the connection reads the result to the end and drops it */
        q->conn->query = NULL;
        q->conn = NULL;
    }
}


void
ngx_http_scc_pg_stats(ngx_http_scc_pg_pool_t *pool,
    ngx_http_scc_pg_stats_t *stats)
{
    ngx_uint_t  i, state;

    stats->size = pool->conf->size;
    stats->connected = 0;
    stats->busy = 0;
    stats->waiting = pool->nwaiting;

    for (i = 0; i < pool->conf->size; i++) {
        state = pool->conns[i].state;

        if (state >= NGX_HTTP_SCC_PG_IDLE) {
            stats->connected++;
        }

        if (state > NGX_HTTP_SCC_PG_IDLE) {
            stats->busy++;
        }
    }
}


static void
ngx_http_scc_pg_connect(ngx_http_scc_pg_conn_t *pc)
{
    const char  *values[3];

    static const char  *keys[] = {
        "dbname", "fallback_application_name", NULL
    };

    /* expand_dbname: the conninfo string is parsed as a whole */

    values[0] = (const char *) pc->pool->conf->conninfo.data;
    values[1] = "scc-nginx";
    values[2] = NULL;

    pc->pg = PQconnectStartParams(keys, values, 1);

    if (pc->pg == NULL) {
        ngx_log_error(NGX_LOG_ALERT, pc->pool->log, 0,
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
            || ngx_http_scc_pg_arm(pc->c->write, NGX_WRITE_EVENT, 0)
               != NGX_OK)
        {
            goto failed;
        }

        ngx_log_error(NGX_LOG_INFO, pc->pool->log, 0,
                      "scc: connected to PostgreSQL, backend pid %d",
                      PQbackendPID(pc->pg));

        if (pc->timer.timer_set) {
            ngx_del_timer(&pc->timer);
        }

        ngx_memzero(pc->prepared, pc->pool->conf->nstmts);
        pc->backoff = 0;
        pc->state = NGX_HTTP_SCC_PG_IDLE;

        ngx_http_scc_pg_wake(pc->pool);
        ngx_http_scc_pg_release(pc);
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

    if (!ngx_http_scc_pg_live(pc->pool)) {
        ngx_http_scc_pg_fail_waiting(pc->pool);
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
        ngx_log_error(NGX_LOG_ERR, pc->pool->log, ngx_errno,
                      "scc: PostgreSQL connection has no usable socket");
        return NGX_ERROR;
    }

    if (pc->c && pc->c->fd == fd && pc->ino == st.st_ino) {
        return NGX_OK;
    }

    ngx_http_scc_pg_unwrap(pc);

    c = ngx_get_connection(fd, pc->pool->log);
    if (c == NULL) {
        return NGX_ERROR;
    }

    c->data = pc;
    c->read->handler = ngx_http_scc_pg_read_handler;
    c->write->handler = ngx_http_scc_pg_write_handler;
    c->read->log = pc->pool->log;
    c->write->log = pc->pool->log;
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

    if (pc->state == NGX_HTTP_SCC_PG_IDLE) {

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
ngx_http_scc_pg_timer_handler(ngx_event_t *ev)
{
    ngx_http_scc_pg_conn_t  *pc;

    pc = ev->data;

    if (pc->state == NGX_HTTP_SCC_PG_CONNECTING) {
        ngx_log_error(NGX_LOG_ERR, pc->pool->log, NGX_ETIMEDOUT,
                      "scc: connecting to PostgreSQL timed out");
        ngx_http_scc_pg_close(pc);
        ngx_http_scc_pg_schedule(pc);

        if (!ngx_http_scc_pg_live(pc->pool)) {
            ngx_http_scc_pg_fail_waiting(pc->pool);
        }

        return;
    }

    if (pc->state == NGX_HTTP_SCC_PG_CLOSED) {
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

static void
ngx_http_scc_pg_query_timer_handler(ngx_event_t *ev)
{
    ngx_http_scc_pg_conn_t   *pc;
    ngx_http_scc_pg_query_t  *q;

    q = ev->data;

    if (q->waiting) {
        ngx_queue_remove(&q->queue);
        q->waiting = 0;
        q->pool->nwaiting--;

        q->handler(q, NULL, NGX_HTTP_SCC_PG_WAIT_TIMEOUT);
        return;
    }

    pc = q->conn;

    if (pc == NULL) {
        return;
    }

    ngx_log_error(NGX_LOG_ERR, pc->pool->log, NGX_ETIMEDOUT,
                  "scc: PostgreSQL statement \"%V\" timed out, "
                  "dropping its connection",
                  &pc->pool->conf->stmts[pc->stmt].name);

    ngx_http_scc_pg_detach(pc, q);
    ngx_http_scc_pg_broken(pc, NULL);

    q->handler(q, NULL, NGX_HTTP_SCC_PG_QUERY_TIMEOUT);
}


static void
ngx_http_scc_pg_results(ngx_http_scc_pg_conn_t *pc)
{
    PGresult  *res;

    while (!PQisBusy(pc->pg)) {

        res = PQgetResult(pc->pg);

        if (res == NULL) {
            ngx_http_scc_pg_finish(pc);
            return;
        }

        /* one statement gives one result; keep the first, or an error */

        if (pc->res == NULL) {
            pc->res = res;

        } else if (PQresultStatus(res) == PGRES_FATAL_ERROR) {
            PQclear(pc->res);
            pc->res = res;

        } else {
            PQclear(res);
        }
    }
}


/* the command in flight is complete: its last result has been read */

static void
ngx_http_scc_pg_finish(ngx_http_scc_pg_conn_t *pc)
{
    PGresult                 *res;
    ngx_http_scc_pg_query_t  *q;

    res = pc->res;
    pc->res = NULL;
    q = pc->query;

    if (PQstatus(pc->pg) == CONNECTION_BAD) {

        /* libpq's "server closed the connection" is no answer */

        if (res) {
            PQclear(res);
        }

        ngx_http_scc_pg_broken(pc, "reading a result");
        return;
    }

    if (pc->state == NGX_HTTP_SCC_PG_PREPARE
        && res
        && PQresultStatus(res) == PGRES_COMMAND_OK)
    {
        PQclear(res);
        pc->prepared[pc->stmt] = 1;

        if (q == NULL) {
            ngx_http_scc_pg_release(pc);
            return;
        }

        if (ngx_http_scc_pg_command(pc) != NGX_OK) {
            ngx_http_scc_pg_broken(pc, "sending a query");
        }

        return;
    }

    /* a query's result, or a failed PREPARE, which answers the query */

    if (q) {
        ngx_http_scc_pg_detach(pc, q);
    }

    ngx_http_scc_pg_release(pc);

    if (q) {
        q->handler(q, res, NGX_HTTP_SCC_PG_DONE);

    } else if (res) {
        PQclear(res);
    }
}


static ngx_int_t
ngx_http_scc_pg_dispatch(ngx_http_scc_pg_conn_t *pc,
    ngx_http_scc_pg_query_t *q)
{
    pc->query = q;
    pc->stmt = q->stmt;
    q->conn = pc;

    /* from now on the query timeout counts, not the wait */

    ngx_add_timer(&q->timer, pc->pool->conf->query_timeout);

    if (ngx_http_scc_pg_command(pc) != NGX_OK) {
        ngx_http_scc_pg_detach(pc, q);
        return NGX_ERROR;
    }

    return NGX_OK;
}


/* prepares the statement on first use on this connection, else runs it */

static ngx_int_t
ngx_http_scc_pg_command(ngx_http_scc_pg_conn_t *pc)
{
    int                      ok;
    ngx_http_scc_pg_stmt_t  *stmt;

    stmt = &pc->pool->conf->stmts[pc->stmt];

    if (!pc->prepared[pc->stmt]) {
        pc->state = NGX_HTTP_SCC_PG_PREPARE;
        ok = PQsendPrepare(pc->pg, (const char *) stmt->name.data,
                           (const char *) stmt->sql.data, 1, NULL);

    } else {
        pc->state = NGX_HTTP_SCC_PG_QUERY;
        ok = PQsendQueryPrepared(pc->pg, (const char *) stmt->name.data, 1,
                                 &pc->query->param, NULL, NULL, 0);
    }

    if (!ok) {
        ngx_http_scc_pg_log_error(pc, NGX_LOG_ERR,
                                  "could not send to PostgreSQL");
        return NGX_ERROR;
    }

    return ngx_http_scc_pg_flush(pc);
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
 * A connection whose command is complete serves the oldest waiting query
 * or goes idle.  Every statement runs outside an explicit transaction, so
 * anything but PQTRANS_IDLE means the session is not what we think it is
 * and it is not reused.
 */

static void
ngx_http_scc_pg_release(ngx_http_scc_pg_conn_t *pc)
{
    ngx_queue_t              *head;
    ngx_http_scc_pg_pool_t   *pool;
    ngx_http_scc_pg_query_t  *q;

    pool = pc->pool;

    if (PQtransactionStatus(pc->pg) != PQTRANS_IDLE) {
        ngx_log_error(NGX_LOG_ALERT, pool->log, 0,
                      "scc: PostgreSQL connection is not idle after a "
                      "statement (transaction status %d), reconnecting",
                      (int) PQtransactionStatus(pc->pg));
        ngx_http_scc_pg_broken(pc, NULL);
        return;
    }

    if (!ngx_queue_empty(&pool->waiting)) {
        head = ngx_queue_head(&pool->waiting);
        ngx_queue_remove(head);

        q = ngx_queue_data(head, ngx_http_scc_pg_query_t, queue);
        q->waiting = 0;
        pool->nwaiting--;

        if (ngx_http_scc_pg_dispatch(pc, q) == NGX_OK) {
            return;
        }

        /* the connection died under q: q learns it, like any other */

        pc->query = q;
        q->conn = pc;

        ngx_http_scc_pg_broken(pc, "sending a query");
        return;
    }

    pc->state = NGX_HTTP_SCC_PG_IDLE;

    /* LIFO: the busiest connections stay warm, the rest may rest */
    ngx_queue_insert_head(&pool->idle, &pc->queue);
}


static void
ngx_http_scc_pg_detach(ngx_http_scc_pg_conn_t *pc, ngx_http_scc_pg_query_t *q)
{
    pc->query = NULL;
    q->conn = NULL;

    if (q->timer.timer_set) {
        ngx_del_timer(&q->timer);
    }
}


/*
 * The connection is unusable.  Its query, if any, learns that the
 * database is down; if no connection is left up or coming up, neither
 * is waiting any longer: they fail now instead of at their timeout.
 */

static void
ngx_http_scc_pg_broken(ngx_http_scc_pg_conn_t *pc, const char *what)
{
    ngx_http_scc_pg_pool_t   *pool;
    ngx_http_scc_pg_query_t  *q;

    pool = pc->pool;
    q = pc->query;

    if (what) {
        ngx_http_scc_pg_log_error(pc, NGX_LOG_ERR, what);
    }

    if (q) {
        ngx_http_scc_pg_detach(pc, q);
    }

    ngx_http_scc_pg_close(pc);
    ngx_http_scc_pg_schedule(pc);

    if (q) {
        q->handler(q, NULL, NGX_HTTP_SCC_PG_DOWN);
    }

    if (!ngx_http_scc_pg_live(pool)) {
        ngx_http_scc_pg_fail_waiting(pool);
    }
}


static void
ngx_http_scc_pg_close(ngx_http_scc_pg_conn_t *pc)
{
    if (pc->state == NGX_HTTP_SCC_PG_IDLE) {
        ngx_queue_remove(&pc->queue);
    }

    if (pc->timer.timer_set) {
        ngx_del_timer(&pc->timer);
    }

    if (pc->res) {
        PQclear(pc->res);
        pc->res = NULL;
    }

    ngx_http_scc_pg_unwrap(pc);

    if (pc->pg) {
        PQfinish(pc->pg);
        pc->pg = NULL;
    }

    pc->query = NULL;
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

    ngx_add_timer(&pc->timer, delay);
}


/*
 * One connection got through, so the database is back: the others stop
 * waiting out their backoff and reconnect now.
 */

static void
ngx_http_scc_pg_wake(ngx_http_scc_pg_pool_t *pool)
{
    ngx_uint_t               i;
    ngx_http_scc_pg_conn_t  *pc;

    for (i = 0; i < pool->conf->size; i++) {
        pc = &pool->conns[i];

        if (pc->state == NGX_HTTP_SCC_PG_CLOSED && pc->timer.timer_set) {
            pc->backoff = 0;
            ngx_add_timer(&pc->timer, 1);
        }
    }
}


static ngx_uint_t
ngx_http_scc_pg_live(ngx_http_scc_pg_pool_t *pool)
{
    ngx_uint_t  i;

    for (i = 0; i < pool->conf->size; i++) {
        if (pool->conns[i].state != NGX_HTTP_SCC_PG_CLOSED) {
            return 1;
        }
    }

    return 0;
}


static void
ngx_http_scc_pg_fail_waiting(ngx_http_scc_pg_pool_t *pool)
{
    ngx_queue_t              *head;
    ngx_http_scc_pg_query_t  *q;

    while (!ngx_queue_empty(&pool->waiting)) {
        head = ngx_queue_head(&pool->waiting);
        ngx_queue_remove(head);

        q = ngx_queue_data(head, ngx_http_scc_pg_query_t, queue);
        q->waiting = 0;
        pool->nwaiting--;

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

    ngx_log_error(level, pc->pool->log, 0, "scc: %s: %*s", what, len, msg);
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

    ngx_log_error(NGX_LOG_NOTICE, pc->pool->log, 0, "scc: PostgreSQL: %*s",
                  len, message);
}
