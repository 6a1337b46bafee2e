
/*
 * SCC: the module's metrics (see ngx_http_scc_metrics.h).
 *
 * One shared memory zone, "scc_metrics", made whenever an scc_api or
 * scc_metrics location exists; its size follows from the route table, so
 * a reload keeps it (and the counters) and a new route table gets a new
 * one.  It holds:
 *
 *   requests   a counter per route (and one for requests no route
 *              matched) and status, 0..599 (0: none was sent)
 *   latency    a histogram per route: a counter per bucket alone (the
 *              scrape makes them cumulative) and the sum in milliseconds
 *   counters   the connection sets' timeouts and reconnects, the token
 *              caches' hits and misses
 *   slots      a worker process's connection set's gauges, found by its
 *              pid; claimed at the process's start, given back at its
 *              exit, taken over when its process died without doing so
 *
 * Every process adds with ngx_atomic_fetch_add() on its request's way
 * (the log phase: the status and the time are known) and stores only
 * into its own slot.  The scrape reads it all without a lock: each
 * figure is exact, the set of them a moment's, not an instant's.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_scc.h"
#include "ngx_http_scc_metrics_text.h"


/* worker processes, old ones finishing after a reload included */
#define NGX_HTTP_SCC_METRICS_SLOTS     256

/* statuses 0..599 by number; anything else counts as 0 */
#define NGX_HTTP_SCC_METRICS_STATUSES  600

#define NGX_HTTP_SCC_METRICS_BOUNDS                                          \
    (sizeof(ngx_http_scc_metrics_bounds) / sizeof(ngx_uint_t))


/* the latency histogram's upper bounds, in milliseconds */

static const ngx_uint_t  ngx_http_scc_metrics_bounds[] = {
    5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000
};


typedef struct {
    ngx_atomic_t                   pid;     /* 0: free */
    ngx_http_scc_pg_gauges_t       gauges;
} ngx_http_scc_metrics_slot_t;


typedef struct {
    ngx_atomic_t                   buckets[NGX_HTTP_SCC_METRICS_BOUNDS + 1];
    ngx_atomic_t                   sum_ms;
} ngx_http_scc_metrics_latency_t;


struct ngx_http_scc_metrics_s {
    ngx_http_scc_pg_counters_t     pg;
    ngx_atomic_t                   jwt_hits;
    ngx_atomic_t                   jwt_misses;
    ngx_http_scc_metrics_slot_t    slots[NGX_HTTP_SCC_METRICS_SLOTS];
    ngx_atomic_t                  *requests;   /* [route][status] */
    ngx_http_scc_metrics_latency_t *latency;   /* [route] */
};


/* a figure of the scrape, and what the families say of themselves */

typedef struct {
    ngx_str_t                      name;
    ngx_str_t                      help;
    ngx_str_t                      type;
} ngx_http_scc_metrics_family_t;


#define ngx_http_scc_metrics_family(name, type, help)                        \
    { ngx_string(name), ngx_string(help), ngx_string(type) }


/* the order of the scrape; the figures below follow it */

enum {
    NGX_HTTP_SCC_METRICS_REQUESTS = 0,
    NGX_HTTP_SCC_METRICS_DURATION,
    NGX_HTTP_SCC_METRICS_PROCESSES,
    NGX_HTTP_SCC_METRICS_PG_SIZE,
    NGX_HTTP_SCC_METRICS_PG_CONNECTED,
    NGX_HTTP_SCC_METRICS_PG_BUSY,
    NGX_HTTP_SCC_METRICS_PG_IN_FLIGHT,
    NGX_HTTP_SCC_METRICS_PG_WAITING,
    NGX_HTTP_SCC_METRICS_PG_WAIT_TIMEOUTS,
    NGX_HTTP_SCC_METRICS_PG_QUERY_TIMEOUTS,
    NGX_HTTP_SCC_METRICS_PG_RECONNECTS,
    NGX_HTTP_SCC_METRICS_JWT_HITS,
    NGX_HTTP_SCC_METRICS_JWT_MISSES,
    NGX_HTTP_SCC_METRICS_FAMILIES
};


static ngx_http_scc_metrics_family_t  ngx_http_scc_metrics_families[] = {
    ngx_http_scc_metrics_family("scc_http_requests_total", "counter",
        "Requests the API answered, by route and status (route "
        "\"unmatched\": no route has the path or the method)."),
    ngx_http_scc_metrics_family("scc_http_request_duration_seconds",
        "histogram",
        "Time from the request's first byte to its end (log phase), "
        "by route."),
    ngx_http_scc_metrics_family("scc_metrics_processes", "gauge",
        "nginx worker processes whose figures are summed here."),
    ngx_http_scc_metrics_family("scc_pg_pool_size", "gauge",
        "PostgreSQL connections the worker processes may hold "
        "(scc_pg_pool_size each)."),
    ngx_http_scc_metrics_family("scc_pg_connections", "gauge",
        "PostgreSQL connections ready."),
    ngx_http_scc_metrics_family("scc_pg_busy", "gauge",
        "PostgreSQL connections with a query in flight."),
    ngx_http_scc_metrics_family("scc_pg_in_flight", "gauge",
        "Queries sent to PostgreSQL and not answered yet."),
    ngx_http_scc_metrics_family("scc_pg_waiting", "gauge",
        "Requests waiting for room on a connection."),
    ngx_http_scc_metrics_family("scc_pg_wait_timeouts_total", "counter",
        "Requests that waited scc_pg_wait_timeout for a connection in "
        "vain (503 busy)."),
    ngx_http_scc_metrics_family("scc_pg_query_timeouts_total", "counter",
        "Queries not answered within scc_pg_query_timeout (504); each "
        "drops its connection."),
    ngx_http_scc_metrics_family("scc_pg_reconnects_total", "counter",
        "Connection attempts after a connection was lost or failed."),
    ngx_http_scc_metrics_family("scc_jwt_cache_hits_total", "counter",
        "Access tokens answered from a worker process's cache of "
        "verified tokens."),
    ngx_http_scc_metrics_family("scc_jwt_cache_misses_total", "counter",
        "Access tokens the cache had not seen, verified in full.")
};


typedef char  ngx_http_scc_metrics_families_complete_t[
    sizeof(ngx_http_scc_metrics_families)
    / sizeof(ngx_http_scc_metrics_family_t)
    == NGX_HTTP_SCC_METRICS_FAMILIES ? 1 : -1];


/* a nonzero request counter, as the scrape found it */

typedef struct {
    ngx_uint_t                     route;
    ngx_uint_t                     status;
    uint64_t                       value;
} ngx_http_scc_metrics_count_t;


/* a route's histogram, as the scrape found it */

typedef struct {
    ngx_uint_t                     route;
    uint64_t                       buckets[NGX_HTTP_SCC_METRICS_BOUNDS + 1];
    uint64_t                       sum_ms;
} ngx_http_scc_metrics_hist_t;


typedef struct {
    uint64_t                       value[NGX_HTTP_SCC_METRICS_FAMILIES];
    ngx_array_t                    counts;  /* ngx_http_scc_metrics_count_t */
    ngx_array_t                    hists;   /* ngx_http_scc_metrics_hist_t */
} ngx_http_scc_metrics_snap_t;


static ngx_int_t ngx_http_scc_metrics_init_zone(ngx_shm_zone_t *zone,
    void *data);
static size_t ngx_http_scc_metrics_bytes(void);
static size_t ngx_http_scc_metrics_zone_size(void);
static ngx_int_t ngx_http_scc_metrics_log(ngx_http_request_t *r);
static ngx_int_t ngx_http_scc_metrics_snap(ngx_http_request_t *r,
    ngx_http_scc_metrics_t *m, ngx_http_scc_metrics_snap_t *snap);
static ngx_uint_t ngx_http_scc_metrics_alive(ngx_pid_t pid);
static ngx_uint_t ngx_http_scc_metrics_labels(ngx_uint_t route,
    ngx_http_scc_metrics_label_t *labels, u_char *method);
static u_char *ngx_http_scc_metrics_write(u_char *p,
    ngx_http_scc_metrics_snap_t *snap, ngx_uint_t measure, size_t *len);


/* this process's slot, while it has one */
static ngx_http_scc_metrics_slot_t  *ngx_http_scc_metrics_own;

static ngx_str_t  ngx_http_scc_metrics_zone_name = ngx_string("scc_metrics");


ngx_int_t
ngx_http_scc_metrics_zone(ngx_conf_t *cf, ngx_shm_zone_t **zone)
{
    ngx_shm_zone_t  *z;

    z = ngx_shared_memory_add(cf, &ngx_http_scc_metrics_zone_name,
                              ngx_http_scc_metrics_zone_size(),
                              &ngx_http_scc_module);
    if (z == NULL) {
        return NGX_ERROR;
    }

    z->init = ngx_http_scc_metrics_init_zone;

    *zone = z;

    return NGX_OK;
}


/* the metrics with the counters of every route (and of "unmatched") */

static size_t
ngx_http_scc_metrics_bytes(void)
{
    return sizeof(ngx_http_scc_metrics_t)
           + (ngx_http_scc_nroutes + 1)
             * (NGX_HTTP_SCC_METRICS_STATUSES * sizeof(ngx_atomic_t)
                + sizeof(ngx_http_scc_metrics_latency_t));
}


/* ... and the slab pool's share of the zone */

static size_t
ngx_http_scc_metrics_zone_size(void)
{
    return ngx_align(ngx_http_scc_metrics_bytes(), ngx_pagesize)
           + 8 * ngx_pagesize;
}


static ngx_int_t
ngx_http_scc_metrics_init_zone(ngx_shm_zone_t *zone, void *data)
{
    u_char                  *p;
    ngx_slab_pool_t         *shpool;
    ngx_http_scc_metrics_t  *m;

    if (data) {
        /* a reload: the same size, so the same route table; it goes on */
        zone->data = data;
        return NGX_OK;
    }

    shpool = (ngx_slab_pool_t *) zone->shm.addr;

    p = ngx_slab_calloc(shpool, ngx_http_scc_metrics_bytes());
    if (p == NULL) {
        return NGX_ERROR;
    }

    m = (ngx_http_scc_metrics_t *) p;
    p += sizeof(ngx_http_scc_metrics_t);

    m->requests = (ngx_atomic_t *) p;
    p += (ngx_http_scc_nroutes + 1) * NGX_HTTP_SCC_METRICS_STATUSES
         * sizeof(ngx_atomic_t);

    m->latency = (ngx_http_scc_metrics_latency_t *) p;

    shpool->data = m;
    zone->data = m;

    return NGX_OK;
}


ngx_int_t
ngx_http_scc_metrics_postconfiguration(ngx_conf_t *cf)
{
    ngx_http_handler_pt        *h;
    ngx_http_core_main_conf_t  *cmcf;
    ngx_http_scc_main_conf_t   *smcf;

    smcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_scc_module);

    if (smcf->metrics_zone == NULL) {
        return NGX_OK;
    }

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_LOG_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_scc_metrics_log;

    return NGX_OK;
}


ngx_int_t
ngx_http_scc_metrics_init_process(ngx_cycle_t *cycle, ngx_shm_zone_t *zone,
    ngx_http_scc_metrics_t **mp, ngx_http_scc_pg_gauges_t **gauges,
    ngx_http_scc_pg_counters_t **counters)
{
    ngx_uint_t                    i, pass;
    ngx_atomic_uint_t             pid;
    ngx_http_scc_metrics_t       *m;
    ngx_http_scc_metrics_slot_t  *slot;

    *mp = NULL;
    *gauges = NULL;
    *counters = NULL;

    if (zone == NULL) {
        return NGX_OK;
    }

    m = zone->data;

    *mp = m;
    *counters = &m->pg;

    /* a free slot, else one whose process died without giving it back */

    for (pass = 0; pass < 2; pass++) {

        for (i = 0; i < NGX_HTTP_SCC_METRICS_SLOTS; i++) {
            slot = &m->slots[i];
            pid = slot->pid;

            if (pass == 0 ? pid != 0
                          : ngx_http_scc_metrics_alive((ngx_pid_t) pid))
            {
                continue;
            }

            if (ngx_atomic_cmp_set(&slot->pid, pid, (ngx_atomic_uint_t) ngx_pid))
            {
                ngx_memzero(&slot->gauges, sizeof(ngx_http_scc_pg_gauges_t));
                ngx_http_scc_metrics_own = slot;
                *gauges = &slot->gauges;
                return NGX_OK;
            }
        }
    }

    ngx_log_error(NGX_LOG_WARN, cycle->log, 0,
                  "scc: no free slot in \"%V\" for this worker process's "
                  "connection figures (%d slots)",
                  &ngx_http_scc_metrics_zone_name,
                  NGX_HTTP_SCC_METRICS_SLOTS);

    return NGX_OK;
}


void
ngx_http_scc_metrics_exit_process(ngx_http_scc_metrics_t *m)
{
    ngx_http_scc_metrics_slot_t  *slot;

    slot = ngx_http_scc_metrics_own;

    if (m == NULL || slot == NULL) {
        return;
    }

    ngx_memzero(&slot->gauges, sizeof(ngx_http_scc_pg_gauges_t));
    ngx_memory_barrier();
    slot->pid = 0;

    ngx_http_scc_metrics_own = NULL;
}


void
ngx_http_scc_metrics_jwt_cache(ngx_http_scc_metrics_t *m, ngx_uint_t hits,
    ngx_uint_t misses)
{
    if (m == NULL) {
        return;
    }

    if (hits) {
        (void) ngx_atomic_fetch_add(&m->jwt_hits, hits);
    }

    if (misses) {
        (void) ngx_atomic_fetch_add(&m->jwt_misses, misses);
    }
}


/*
 * The log phase: a request an scc_api handler took (it has our context)
 * counts under its route, or as unmatched, with the status sent ($status)
 * and the time since its first byte.
 */

static ngx_int_t
ngx_http_scc_metrics_log(ngx_http_request_t *r)
{
    ngx_uint_t                       route, status, b;
    ngx_time_t                      *tp;
    ngx_msec_int_t                   ms;
    ngx_http_scc_ctx_t              *ctx;
    ngx_http_scc_metrics_t          *m;
    ngx_http_scc_main_conf_t        *smcf;
    ngx_http_scc_metrics_latency_t  *lat;

    ctx = ngx_http_get_module_ctx(r, ngx_http_scc_module);

    if (ctx == NULL) {
        return NGX_OK;
    }

    smcf = ngx_http_get_module_main_conf(r, ngx_http_scc_module);
    m = smcf->metrics;

    if (m == NULL) {
        return NGX_OK;
    }

    route = ctx->match.route ? ctx->match.index : ngx_http_scc_nroutes;

    status = r->err_status ? r->err_status : r->headers_out.status;

    if (status >= NGX_HTTP_SCC_METRICS_STATUSES) {
        status = 0;
    }

    (void) ngx_atomic_fetch_add(
               &m->requests[route * NGX_HTTP_SCC_METRICS_STATUSES + status],
               1);

    tp = ngx_timeofday();

    ms = (ngx_msec_int_t) ((tp->sec - r->start_sec) * 1000
                           + (tp->msec - r->start_msec));
    ms = ngx_max(ms, 0);

    for (b = 0; b < NGX_HTTP_SCC_METRICS_BOUNDS; b++) {
        if ((ngx_uint_t) ms <= ngx_http_scc_metrics_bounds[b]) {
            break;
        }
    }

    lat = &m->latency[route];

    (void) ngx_atomic_fetch_add(&lat->buckets[b], 1);
    (void) ngx_atomic_fetch_add(&lat->sum_ms, (ngx_atomic_int_t) ms);

    return NGX_OK;
}


/* GET (or HEAD) the text; the location's allow/deny decide who may */

ngx_int_t
ngx_http_scc_metrics_handler(ngx_http_request_t *r)
{
    u_char                       *p;
    size_t                        len;
    ngx_int_t                     rc;
    ngx_buf_t                    *b;
    ngx_chain_t                   out;
    ngx_http_scc_metrics_t       *m;
    ngx_http_scc_main_conf_t     *smcf;
    ngx_http_scc_metrics_snap_t   snap;

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
        return NGX_HTTP_NOT_ALLOWED;
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    smcf = ngx_http_get_module_main_conf(r, ngx_http_scc_module);
    m = smcf->metrics;

    if (m == NULL) {
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "scc: no metrics in this process");
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ngx_http_scc_metrics_snap(r, m, &snap) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    len = 0;
    (void) ngx_http_scc_metrics_write(NULL, &snap, 1, &len);

    b = ngx_create_temp_buf(r->pool, len);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = ngx_http_scc_metrics_write(b->pos, &snap, 0, NULL);

    b->last = p;
    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    r->headers_out.status = NGX_HTTP_OK;
    r->headers_out.content_length_n = b->last - b->pos;
    ngx_str_set(&r->headers_out.content_type, NGX_HTTP_SCC_METRICS_TYPE);
    r->headers_out.content_type_len = r->headers_out.content_type.len;
    r->headers_out.content_type_lowcase = NULL;

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
}


/*
 * Everything the text will say, read once from the zone into the
 * request's pool, so that the length measured is the length written.
 */

static ngx_int_t
ngx_http_scc_metrics_snap(ngx_http_request_t *r, ngx_http_scc_metrics_t *m,
    ngx_http_scc_metrics_snap_t *snap)
{
    uint64_t                        v, total;
    ngx_uint_t                      i, s, b;
    ngx_atomic_uint_t               pid;
    ngx_http_scc_metrics_hist_t    *h;
    ngx_http_scc_metrics_slot_t    *slot;
    ngx_http_scc_metrics_count_t   *c;
    ngx_http_scc_metrics_latency_t *lat;

    ngx_memzero(snap->value, sizeof(snap->value));

    for (i = 0; i < NGX_HTTP_SCC_METRICS_SLOTS; i++) {
        slot = &m->slots[i];
        pid = slot->pid;

        if (pid == 0
            || ((ngx_pid_t) pid != ngx_pid
                && !ngx_http_scc_metrics_alive((ngx_pid_t) pid)))
        {
            continue;
        }

        snap->value[NGX_HTTP_SCC_METRICS_PROCESSES]++;
        snap->value[NGX_HTTP_SCC_METRICS_PG_SIZE] += slot->gauges.size;
        snap->value[NGX_HTTP_SCC_METRICS_PG_CONNECTED] +=
                                                   slot->gauges.connected;
        snap->value[NGX_HTTP_SCC_METRICS_PG_BUSY] += slot->gauges.busy;
        snap->value[NGX_HTTP_SCC_METRICS_PG_IN_FLIGHT] +=
                                                   slot->gauges.in_flight;
        snap->value[NGX_HTTP_SCC_METRICS_PG_WAITING] += slot->gauges.waiting;
    }

    snap->value[NGX_HTTP_SCC_METRICS_PG_WAIT_TIMEOUTS] = m->pg.wait_timeouts;
    snap->value[NGX_HTTP_SCC_METRICS_PG_QUERY_TIMEOUTS] =
                                                   m->pg.query_timeouts;
    snap->value[NGX_HTTP_SCC_METRICS_PG_RECONNECTS] = m->pg.reconnects;
    snap->value[NGX_HTTP_SCC_METRICS_JWT_HITS] = m->jwt_hits;
    snap->value[NGX_HTTP_SCC_METRICS_JWT_MISSES] = m->jwt_misses;

    if (ngx_array_init(&snap->counts, r->pool, 64,
                       sizeof(ngx_http_scc_metrics_count_t))
        != NGX_OK
        || ngx_array_init(&snap->hists, r->pool, 16,
                          sizeof(ngx_http_scc_metrics_hist_t))
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    for (i = 0; i <= ngx_http_scc_nroutes; i++) {

        for (s = 0; s < NGX_HTTP_SCC_METRICS_STATUSES; s++) {
            v = m->requests[i * NGX_HTTP_SCC_METRICS_STATUSES + s];

            if (v == 0) {
                continue;
            }

            c = ngx_array_push(&snap->counts);
            if (c == NULL) {
                return NGX_ERROR;
            }

            c->route = i;
            c->status = s;
            c->value = v;
        }

        lat = &m->latency[i];
        total = 0;

        for (b = 0; b <= NGX_HTTP_SCC_METRICS_BOUNDS; b++) {
            total += lat->buckets[b];
        }

        if (total == 0) {
            continue;
        }

        h = ngx_array_push(&snap->hists);
        if (h == NULL) {
            return NGX_ERROR;
        }

        h->route = i;
        h->sum_ms = lat->sum_ms;

        for (b = 0; b <= NGX_HTTP_SCC_METRICS_BOUNDS; b++) {
            h->buckets[b] = lat->buckets[b];
        }
    }

    return NGX_OK;
}


/* a slot's process: alive, and ours to signal (else its pid was reused) */

static ngx_uint_t
ngx_http_scc_metrics_alive(ngx_pid_t pid)
{
    return pid > 0 && kill(pid, 0) == 0;
}


/* method and route, from the route table; "unmatched" past its end */

static ngx_uint_t
ngx_http_scc_metrics_labels(ngx_uint_t route,
    ngx_http_scc_metrics_label_t *labels, u_char *method)
{
    ngx_http_scc_route_t  *rt;

    if (route == ngx_http_scc_nroutes) {
        ngx_str_set(&labels[0].name, "route");
        ngx_str_set(&labels[0].value, "unmatched");
        return 1;
    }

    rt = &ngx_http_scc_routes[route];

    ngx_str_set(&labels[0].name, "method");
    labels[0].value.data = method;
    labels[0].value.len = ngx_http_scc_route_allow(rt->method, method);

    ngx_str_set(&labels[1].name, "route");
    labels[1].value = rt->pattern;

    return 2;
}


/*
 * The text, or with measure set, only its length (an upper bound) into
 * *len: the same walk both times.
 */

static u_char *
ngx_http_scc_metrics_write(u_char *p, ngx_http_scc_metrics_snap_t *snap,
    ngx_uint_t measure, size_t *len)
{
    u_char                         method[NGX_HTTP_SCC_ALLOW_LEN];
    u_char                         code[NGX_INT_T_LEN];
    ngx_uint_t                     i, f, n;
    ngx_http_scc_metrics_hist_t   *h;
    ngx_http_scc_metrics_count_t  *c;
    ngx_http_scc_metrics_family_t *fam;
    ngx_http_scc_metrics_label_t   labels[NGX_HTTP_SCC_METRICS_LABELS_MAX];

    for (f = 0; f < NGX_HTTP_SCC_METRICS_FAMILIES; f++) {
        fam = &ngx_http_scc_metrics_families[f];

        if (measure) {
            *len += ngx_http_scc_metrics_head_len(&fam->name, &fam->help,
                                                  &fam->type);
        } else {
            p = ngx_http_scc_metrics_head(p, &fam->name, &fam->help,
                                          &fam->type);
        }

        if (f == NGX_HTTP_SCC_METRICS_REQUESTS) {
            c = snap->counts.elts;

            for (i = 0; i < snap->counts.nelts; i++) {
                n = ngx_http_scc_metrics_labels(c[i].route, labels, method);

                ngx_str_set(&labels[n].name, "code");
                labels[n].value.data = code;
                labels[n].value.len =
                    ngx_http_scc_metrics_number(code, c[i].status, 0) - code;
                n++;

                if (measure) {
                    *len += ngx_http_scc_metrics_sample_len(&fam->name,
                                                            labels, n);
                } else {
                    p = ngx_http_scc_metrics_sample(p, &fam->name, labels, n,
                                                    c[i].value);
                }
            }

            continue;
        }

        if (f == NGX_HTTP_SCC_METRICS_DURATION) {
            h = snap->hists.elts;

            for (i = 0; i < snap->hists.nelts; i++) {
                n = ngx_http_scc_metrics_labels(h[i].route, labels, method);

                if (measure) {
                    *len += ngx_http_scc_metrics_histogram_len(&fam->name,
                                labels, n, NGX_HTTP_SCC_METRICS_BOUNDS);
                } else {
                    p = ngx_http_scc_metrics_histogram(p, &fam->name, labels,
                                n, ngx_http_scc_metrics_bounds,
                                NGX_HTTP_SCC_METRICS_BOUNDS, h[i].buckets,
                                h[i].sum_ms);
                }
            }

            continue;
        }

        if (measure) {
            *len += ngx_http_scc_metrics_sample_len(&fam->name, NULL, 0);
        } else {
            p = ngx_http_scc_metrics_sample(p, &fam->name, NULL, 0,
                                            snap->value[f]);
        }
    }

    return p;
}
