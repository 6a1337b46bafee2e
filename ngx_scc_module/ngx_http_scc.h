
/*
 * SCC: what the files of ngx_http_scc_module share.
 *
 * The module is a thin, fast, safe door: it authenticates, matches a
 * route, checks the body, builds one jsonb context and calls one SQL
 * function through the per-process pool.  Business rules live in SQL.
 */


#ifndef _NGX_HTTP_SCC_H_INCLUDED_
#define _NGX_HTTP_SCC_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_scc_defaults.h"
#include "ngx_http_scc_role.h"
#include "ngx_http_scc_route.h"
#include "ngx_http_scc_json.h"
#include "ngx_http_scc_pg.h"
#include "ngx_http_scc_reply.h"
#include "ngx_http_scc_jwt.h"
#include "ngx_http_scc_jwt_cache.h"
#include "ngx_http_scc_auth.h"
#include "ngx_http_scc_metrics.h"


/* a location with scc_api, checked once merged */
typedef struct {
    ngx_http_core_loc_conf_t  *clcf;
    u_char                    *file;         /* where, for messages */
    ngx_uint_t                 line;
} ngx_http_scc_api_loc_t;


typedef struct {
    ngx_http_scc_pg_conf_t     pg;
    ngx_http_scc_jwt_conf_t    jwt;          /* keys, iss, aud, leeway */
    time_t                     jwt_ttl;
    time_t                     refresh_ttl;
    ngx_str_t                  public_origin;
    ngx_flag_t                 cookie_secure;
    ngx_http_scc_cookie_t     *cookies;      /* access, refresh */
    ngx_array_t               *api_locs;     /* ngx_http_scc_api_loc_t, or
                                                NULL: no scc_api anywhere */
    ngx_int_t                  request_id_index;
    ngx_uint_t                 jwt_cache_size;  /* tokens, 0: none */
    ngx_http_scc_pg_set_t     *pg_set;       /* this worker process's */
    ngx_http_scc_jwt_cache_t  *jwt_cache;    /* this worker process's */
    /* metrics (helper Q5) */
    ngx_flag_t                 metrics_wanted;  /* an scc_metrics location */
    ngx_shm_zone_t            *metrics_zone; /* with scc_api or scc_metrics */
    ngx_http_scc_metrics_t    *metrics;      /* the zone's, in a process */
} ngx_http_scc_main_conf_t;


struct ngx_http_scc_ctx_s {
    ngx_http_scc_pg_query_t    query;
    ngx_http_request_t        *request;
    ngx_http_scc_match_t       match;
    ngx_http_scc_jwt_claims_t  claims;       /* valid when authenticated */
    ngx_str_t                  refresh_token;
    unsigned                   authenticated:1;
    u_char                     storage[NGX_HTTP_SCC_JWT_STORAGE_SIZE];
};


/*
 * The steps of the handler after auth (see ngx_http_scc_module.c).  Each
 * returns a response code, or NGX_DONE when it goes on asynchronously.
 */

/* ngx_http_scc_body.c: read and check the body, then the query */
ngx_int_t ngx_http_scc_body_read(ngx_http_request_t *r,
    ngx_http_scc_ctx_t *ctx);

/* at nginx -t: no scc_api location may spill a body to a file */
ngx_int_t ngx_http_scc_body_check_locations(ngx_conf_t *cf,
    ngx_array_t *locs);

/*
 * ngx_http_scc_context.c: the route function's argument, NUL-terminated,
 * into *param; NGX_DECLINED when a string of the request is not UTF-8
 */
ngx_int_t ngx_http_scc_context(ngx_http_request_t *r, ngx_http_scc_ctx_t *ctx,
    ngx_str_t *body, u_char **param);

/* ngx_http_scc_query.c: NGX_DONE when the query is on its way */
ngx_int_t ngx_http_scc_query(ngx_http_request_t *r, ngx_http_scc_ctx_t *ctx,
    ngx_str_t *body);


extern ngx_module_t  ngx_http_scc_module;


#endif /* _NGX_HTTP_SCC_H_INCLUDED_ */
