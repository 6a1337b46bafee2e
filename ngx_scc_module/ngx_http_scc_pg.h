
/*
 * SCC: a per-worker-process set of non-blocking libpq connections driven
 * by nginx's event loop: the "connection set" (a pool, in nginx, is an
 * ngx_pool_t; the directives keep their scc_pg_pool_* names).
 *
 * The set knows statements and queries, not HTTP: a caller hands it a
 * query (statement index, one text parameter, a completion handler) and
 * is called back exactly once, never from inside ngx_http_scc_pg_send().
 * Each connection runs in libpq's pipeline mode: up to conf->pipeline
 * queries are in flight on it, each followed by its own Sync, so each is
 * its own transaction and an error ends no other query.
 * It must never call a blocking libpq function, never resolve a host
 * name, never negotiate GSSAPI, and never keep a pointer to a query its
 * owner has cancelled.
 */


#ifndef _NGX_HTTP_SCC_PG_H_INCLUDED_
#define _NGX_HTTP_SCC_PG_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_event.h>

#include <libpq-fe.h>

#include "ngx_http_scc_defaults.h"


/* why a query ended, for its completion handler */
#define NGX_HTTP_SCC_PG_DONE          0   /* res holds the result */
#define NGX_HTTP_SCC_PG_DOWN          1   /* the database went away */
#define NGX_HTTP_SCC_PG_WAIT_TIMEOUT  2   /* no connection came free */
#define NGX_HTTP_SCC_PG_QUERY_TIMEOUT 3   /* the result did not come */


typedef struct ngx_http_scc_pg_set_s    ngx_http_scc_pg_set_t;
typedef struct ngx_http_scc_pg_conn_s   ngx_http_scc_pg_conn_t;
typedef struct ngx_http_scc_pg_cmd_s    ngx_http_scc_pg_cmd_t;
typedef struct ngx_http_scc_pg_query_s  ngx_http_scc_pg_query_t;

/* res, when not NULL, belongs to the handler, which must PQclear() it */
typedef void (*ngx_http_scc_pg_handler_pt)(ngx_http_scc_pg_query_t *q,
    PGresult *res, ngx_uint_t reason);


typedef struct {
    ngx_str_t                    name;     /* NUL-terminated */
    ngx_str_t                    sql;      /* NUL-terminated */
} ngx_http_scc_pg_stmt_t;


typedef struct {
    ngx_str_t                    conninfo; /* NUL-terminated */
    ngx_uint_t                   size;
    ngx_uint_t                   pipeline; /* queries in flight a conn */
    ngx_msec_t                   wait_timeout;
    ngx_msec_t                   query_timeout;
    ngx_uint_t                   wait_queue;
    ngx_http_scc_pg_stmt_t      *stmts;
    ngx_uint_t                   nstmts;
} ngx_http_scc_pg_conf_t;


struct ngx_http_scc_pg_query_s {
    ngx_queue_t                  queue;    /* in set->waiting */
    ngx_event_t                  timer;    /* wait, then query timeout */
    ngx_http_scc_pg_set_t       *set;
    ngx_http_scc_pg_conn_t      *conn;     /* while in flight */
    ngx_http_scc_pg_cmd_t       *cmd;      /* its place in conn's pipeline */
    ngx_uint_t                   stmt;
    const char                  *param;    /* NUL-terminated */
    ngx_http_scc_pg_handler_pt   handler;
    void                        *data;
    unsigned                     waiting:1;
};


typedef struct {
    ngx_uint_t                   size;
    ngx_uint_t                   connected;
    ngx_uint_t                   busy;     /* connections with a query */
    ngx_uint_t                   in_flight; /* queries sent, not answered */
    ngx_uint_t                   waiting;
} ngx_http_scc_pg_stats_t;


/*
 * The figures a set publishes in shared memory for the metrics
 * (ngx_http_scc_metrics.c): its own gauges, stored when any of its entry
 * points returns, and counters every process's set adds to.
 */
typedef struct {
    ngx_atomic_t                 size;
    ngx_atomic_t                 connected;
    ngx_atomic_t                 busy;
    ngx_atomic_t                 in_flight;
    ngx_atomic_t                 waiting;
} ngx_http_scc_pg_gauges_t;


typedef struct {
    ngx_atomic_t                 wait_timeouts;
    ngx_atomic_t                 query_timeouts;
    ngx_atomic_t                 reconnects; /* attempts after a loss */
} ngx_http_scc_pg_counters_t;


ngx_http_scc_pg_set_t *ngx_http_scc_pg_set_create(ngx_cycle_t *cycle,
    ngx_http_scc_pg_conf_t *conf);
void ngx_http_scc_pg_set_destroy(ngx_http_scc_pg_set_t *set);

/*
 * NGX_OK: the handler will be called later.  NGX_DECLINED: the database
 * is down (no connection is up or coming up).  NGX_BUSY: the wait queue
 * is full.  Nothing is called back unless NGX_OK is returned.
 */
ngx_int_t ngx_http_scc_pg_send(ngx_http_scc_pg_set_t *set,
    ngx_http_scc_pg_query_t *q);

/* the owner is gone: drop the query and never call its handler */
void ngx_http_scc_pg_cancel(ngx_http_scc_pg_query_t *q);

void ngx_http_scc_pg_stats(ngx_http_scc_pg_set_t *set,
    ngx_http_scc_pg_stats_t *stats);

/* from now on the set publishes there (either may be NULL) */
void ngx_http_scc_pg_publish_to(ngx_http_scc_pg_set_t *set,
    ngx_http_scc_pg_gauges_t *gauges, ngx_http_scc_pg_counters_t *counters);


/*
 * The directives (ngx_http_scc_pg_conf.c): scc_pg's handler, given the
 * offset of an ngx_http_scc_pg_conf_t in its configuration, and the posts
 * checking scc_pg_pool_size and scc_pg_pipeline.
 */
char *ngx_http_scc_pg_conninfo(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);

extern ngx_conf_post_t  ngx_http_scc_pg_size_post;
extern ngx_conf_post_t  ngx_http_scc_pg_pipeline_post;


#endif /* _NGX_HTTP_SCC_PG_H_INCLUDED_ */
