
/*
 * SCC: the module's metrics, kept in one shared memory zone that every
 * nginx worker process adds to with atomics, and the scc_metrics
 * location that answers them in Prometheus's text format.
 *
 * Counted: every request an scc_api location's handler took, by route
 * and status, and its latency (log phase); the connection sets' wait
 * and query timeouts and reconnects; the token caches' hits and misses.
 * Each worker process keeps its connection set's gauges in a slot of
 * its own, summed when scraped.  Nothing here may block or allocate on
 * a request's way, but the scrape's answer.
 */


#ifndef _NGX_HTTP_SCC_METRICS_H_INCLUDED_
#define _NGX_HTTP_SCC_METRICS_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_scc_pg.h"


typedef struct ngx_http_scc_metrics_s  ngx_http_scc_metrics_t;


/* at nginx -t: the zone, when an scc_api or scc_metrics location exists */
ngx_int_t ngx_http_scc_metrics_zone(ngx_conf_t *cf, ngx_shm_zone_t **zone);

/* the log phase's counting, once the locations are known */
ngx_int_t ngx_http_scc_metrics_postconfiguration(ngx_conf_t *cf);

/*
 * In a worker process: its slot (its connection set's gauges) and the
 * counters the set adds to; *m stays NULL without a zone.
 */
ngx_int_t ngx_http_scc_metrics_init_process(ngx_cycle_t *cycle,
    ngx_shm_zone_t *zone, ngx_http_scc_metrics_t **m,
    ngx_http_scc_pg_gauges_t **gauges, ngx_http_scc_pg_counters_t **counters);
void ngx_http_scc_metrics_exit_process(ngx_http_scc_metrics_t *m);

/* what a token cache decided: hits and misses since the last call */
void ngx_http_scc_metrics_jwt_cache(ngx_http_scc_metrics_t *m,
    ngx_uint_t hits, ngx_uint_t misses);

/* the content handler of an scc_metrics location */
ngx_int_t ngx_http_scc_metrics_handler(ngx_http_request_t *r);


#endif /* _NGX_HTTP_SCC_METRICS_H_INCLUDED_ */
