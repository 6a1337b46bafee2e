
/*
 * SCC: ngx_http_scc_module, the JSON API door of Ship Captain Crew.
 *
 * The directives, the configuration, and the content handler of an
 * scc_api location, a short chain of steps:
 *
 *   route   the table is matched on the URI: 404, or 405 with Allow
 *   auth    token, origin and role (ngx_http_scc_auth.c): 401, 403
 *   local   a route answered in C (GET /api/me) ends here
 *   body    read whole and checked (ngx_http_scc_body.c): 415, 400
 *   query   the jsonb context (ngx_http_scc_context.c) goes to the
 *           route's scc_api function through this worker process's
 *           connection set (ngx_http_scc_query.c, ngx_http_scc_pg.c),
 *           whose (status, body) is the answer, or for a FILE route
 *           (status, body, content_type, filename)
 *
 * Nothing here may block: no blocking libpq call, no name resolution, no
 * file read, no sleeping.  Defaults are in ngx_http_scc_defaults.h.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_scc.h"
#include "ngx_http_scc_jwt_conf.h"


typedef ngx_int_t (*ngx_http_scc_local_pt)(ngx_http_request_t *r,
    ngx_http_scc_ctx_t *ctx);


static ngx_int_t ngx_http_scc_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_scc_not_matched(ngx_http_request_t *r,
    ngx_http_scc_ctx_t *ctx, ngx_int_t rc);
static char *ngx_http_scc_api(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_scc_metrics(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_scc_content(ngx_conf_t *cf,
    ngx_http_handler_pt handler);
static char *ngx_http_scc_origin(ngx_conf_t *cf, void *post, void *data);
static ngx_int_t ngx_http_scc_add_variables(ngx_conf_t *cf);
static ngx_int_t ngx_http_scc_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_scc_postconfiguration(ngx_conf_t *cf);
static void *ngx_http_scc_create_main_conf(ngx_conf_t *cf);
static char *ngx_http_scc_init_main_conf(ngx_conf_t *cf, void *conf);
static ngx_int_t ngx_http_scc_init_stmts(ngx_conf_t *cf,
    ngx_http_scc_pg_conf_t *pg);
static ngx_int_t ngx_http_scc_init_process(ngx_cycle_t *cycle);
static void ngx_http_scc_exit_process(ngx_cycle_t *cycle);


/* the routes answered in C, indexed by a route's NGX_HTTP_SCC_LOCAL_* */

static ngx_http_scc_local_pt  ngx_http_scc_locals[] = {
    NULL,                                  /* NGX_HTTP_SCC_LOCAL_NONE */
    ngx_http_scc_auth_me                   /* NGX_HTTP_SCC_LOCAL_ME */
};


typedef char  ngx_http_scc_locals_complete_t[
    sizeof(ngx_http_scc_locals) / sizeof(ngx_http_scc_local_pt)
    == NGX_HTTP_SCC_LOCAL_LAST ? 1 : -1];


static ngx_conf_post_t  ngx_http_scc_origin_post = {
    ngx_http_scc_origin
};


static ngx_command_t  ngx_http_scc_commands[] = {

    { ngx_string("scc_pg"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_http_scc_pg_conninfo,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_scc_main_conf_t, pg),
      NULL },

    { ngx_string("scc_pg_pool_size"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_scc_main_conf_t, pg.size),
      &ngx_http_scc_pg_size_post },

    { ngx_string("scc_pg_pipeline"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_scc_main_conf_t, pg.pipeline),
      &ngx_http_scc_pg_pipeline_post },

    { ngx_string("scc_pg_wait_timeout"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_scc_main_conf_t, pg.wait_timeout),
      NULL },

    { ngx_string("scc_pg_wait_queue"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_scc_main_conf_t, pg.wait_queue),
      NULL },

    { ngx_string("scc_pg_query_timeout"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_scc_main_conf_t, pg.query_timeout),
      NULL },

    { ngx_string("scc_jwt_secret_file"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE12,
      ngx_http_scc_jwt_secret_file,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_scc_main_conf_t, jwt),
      NULL },

    { ngx_string("scc_jwt_ttl"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_sec_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_scc_main_conf_t, jwt_ttl),
      NULL },

    { ngx_string("scc_refresh_ttl"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_sec_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_scc_main_conf_t, refresh_ttl),
      NULL },

    { ngx_string("scc_jwt_issuer"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_scc_main_conf_t, jwt.iss),
      NULL },

    { ngx_string("scc_jwt_audience"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_scc_main_conf_t, jwt.aud),
      NULL },

    { ngx_string("scc_jwt_leeway"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_sec_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_scc_main_conf_t, jwt.leeway),
      NULL },

    { ngx_string("scc_jwt_cache"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_scc_main_conf_t, jwt_cache_size),
      &ngx_http_scc_jwt_cache_post },

    { ngx_string("scc_public_origin"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_scc_main_conf_t, public_origin),
      &ngx_http_scc_origin_post },

    { ngx_string("scc_cookie_secure"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_scc_main_conf_t, cookie_secure),
      NULL },

    { ngx_string("scc_api"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_scc_api,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    /* metrics (helper Q5): Prometheus text, see ngx_http_scc_metrics.c */
    { ngx_string("scc_metrics"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_scc_metrics,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

      ngx_null_command
};


static ngx_http_variable_t  ngx_http_scc_vars[] = {

    { ngx_string("scc_user_id"), NULL, ngx_http_scc_variable, 0,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("scc_role"), NULL, ngx_http_scc_variable, 1,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

      ngx_http_null_variable
};


static ngx_http_module_t  ngx_http_scc_module_ctx = {
    ngx_http_scc_add_variables,            /* preconfiguration */
    ngx_http_scc_postconfiguration,        /* postconfiguration */

    ngx_http_scc_create_main_conf,         /* create main configuration */
    ngx_http_scc_init_main_conf,           /* init main configuration */

    NULL,                                  /* create server configuration */
    NULL,                                  /* merge server configuration */

    NULL,                                  /* create location configuration */
    NULL                                   /* merge location configuration */
};


ngx_module_t  ngx_http_scc_module = {
    NGX_MODULE_V1,
    &ngx_http_scc_module_ctx,              /* module context */
    ngx_http_scc_commands,                 /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    NULL,                                  /* init module */
    ngx_http_scc_init_process,             /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    ngx_http_scc_exit_process,             /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};


static ngx_int_t
ngx_http_scc_handler(ngx_http_request_t *r)
{
    ngx_int_t                  rc;
    ngx_http_scc_ctx_t        *ctx;
    ngx_http_scc_route_t      *route;
    ngx_http_scc_main_conf_t  *smcf;

    smcf = ngx_http_get_module_main_conf(r, ngx_http_scc_module);

    if (smcf->pg_set == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ctx = ngx_pcalloc(r->pool, sizeof(ngx_http_scc_ctx_t));
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ctx->request = r;

    /* the metrics count a request with a context, matched or not */

    ngx_http_set_ctx(r, ctx, ngx_http_scc_module);

    /* route */

    rc = ngx_http_scc_route_match(&r->uri, r->method, &ctx->match);

    if (rc != NGX_OK) {
        return ngx_http_scc_not_matched(r, ctx, rc);
    }

    route = ctx->match.route;

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "scc: route \"%V\" #%ui", &route->pattern,
                   ctx->match.index);

    /* auth */

    rc = ngx_http_scc_auth_check(r, ctx);

    if (rc != NGX_DECLINED) {
        ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "scc: auth refused: %i", rc);
        return rc;
    }

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "scc: auth passed, %s, role %ui",
                   ctx->authenticated ? "token" : "no token",
                   ctx->claims.role);

    /* local */

    if (route->local != NGX_HTTP_SCC_LOCAL_NONE) {
        ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "scc: local handler %ui", route->local);

        return ngx_http_scc_locals[route->local](r, ctx);
    }

    /* body */

    if ((route->flags & NGX_HTTP_SCC_BODY)
        || ((route->flags & NGX_HTTP_SCC_BODY_OPT)
            && (r->headers_in.content_length_n > 0 || r->headers_in.chunked)))
    {
        ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "scc: reading the body");

        /* ngx_http_scc_body.c goes on with the query */

        return ngx_http_scc_body_read(r, ctx);
    }

    if (ngx_http_discard_request_body(r) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* query */

    rc = ngx_http_scc_query(r, ctx, NULL);

    if (rc == NGX_DONE) {
        /* the set calls back; ngx_http_scc_query_done() finalizes */
        r->main->count++;
    }

    return rc;
}


/* 404 for an unknown path, 405 with Allow for a known path */

static ngx_int_t
ngx_http_scc_not_matched(ngx_http_request_t *r, ngx_http_scc_ctx_t *ctx,
    ngx_int_t rc)
{
    u_char  *allow;

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "scc: no route for \"%V\"", &r->uri);

    if (rc == NGX_DECLINED) {
        return ngx_http_scc_send_error(r, NGX_HTTP_SCC_ERR_NOT_FOUND, NULL);
    }

    allow = ngx_pnalloc(r->pool, NGX_HTTP_SCC_ALLOW_LEN);
    if (allow == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ngx_http_scc_add_header(r, "Allow", allow,
            ngx_http_scc_route_allow(ctx->match.allow, allow))
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_scc_send_error(r, NGX_HTTP_SCC_ERR_METHOD, NULL);
}


static char *
ngx_http_scc_api(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    char                      *rv;
    ngx_http_scc_api_loc_t    *loc;
    ngx_http_core_loc_conf_t  *clcf;
    ngx_http_scc_main_conf_t  *smcf;

    rv = ngx_http_scc_content(cf, ngx_http_scc_handler);
    if (rv != NGX_CONF_OK) {
        return rv;
    }

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    smcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_scc_module);

    if (smcf->api_locs == NULL) {
        smcf->api_locs = ngx_array_create(cf->pool, 4,
                                          sizeof(ngx_http_scc_api_loc_t));
        if (smcf->api_locs == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    loc = ngx_array_push(smcf->api_locs);
    if (loc == NULL) {
        return NGX_CONF_ERROR;
    }

    loc->clcf = clcf;
    loc->file = cf->conf_file->file.name.data;
    loc->line = cf->conf_file->line;

    return NGX_CONF_OK;
}


/* metrics (helper Q5): the figures in Prometheus text, any location */

static char *
ngx_http_scc_metrics(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    char                      *rv;
    ngx_http_scc_main_conf_t  *smcf;

    rv = ngx_http_scc_content(cf, ngx_http_scc_metrics_handler);
    if (rv != NGX_CONF_OK) {
        return rv;
    }

    smcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_scc_module);
    smcf->metrics_wanted = 1;

    return NGX_CONF_OK;
}


/* the location's content handler, unless it has one already */

static char *
ngx_http_scc_content(ngx_conf_t *cf, ngx_http_handler_pt handler)
{
    ngx_http_core_loc_conf_t  *clcf;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

    if (clcf->handler) {
        return "is duplicate, or the location has another handler";
    }

    clcf->handler = handler;

    return NGX_CONF_OK;
}


/* scheme://host[:port], exactly as a browser sends it in Origin */

static char *
ngx_http_scc_origin(ngx_conf_t *cf, void *post, void *data)
{
    ngx_str_t  *origin = data;

    u_char  *p, *host;

    p = origin->data;

    if (origin->len > 8 && ngx_strncmp(p, "https://", 8) == 0) {
        host = p + 8;

    } else if (origin->len > 7 && ngx_strncmp(p, "http://", 7) == 0) {
        host = p + 7;

    } else {
        return "must start with http:// or https://";
    }

    if (ngx_strlchr(host, p + origin->len, '/') != NULL) {
        return "must be scheme://host[:port], with no path or trailing slash";
    }

    return NGX_CONF_OK;
}


static void *
ngx_http_scc_create_main_conf(ngx_conf_t *cf)
{
    ngx_http_scc_main_conf_t  *smcf;

    smcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_scc_main_conf_t));
    if (smcf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     smcf->pg.conninfo = { 0, NULL };
     *     smcf->pg.stmts = NULL;
     *     smcf->api_locs = NULL;
     *     smcf->cookies = NULL;
     *     smcf->pg_set = NULL;
     *     smcf->jwt_cache = NULL;
     *     smcf->jwt.current = NULL;
     *     smcf->jwt.previous = NULL;
     *     smcf->jwt.iss = { 0, NULL };
     *     smcf->jwt.aud = { 0, NULL };
     *     smcf->public_origin = { 0, NULL };
     *     smcf->metrics_wanted = 0;
     *     smcf->metrics_zone = NULL;
     *     smcf->metrics = NULL;
     */

    smcf->pg.size = NGX_CONF_UNSET_UINT;
    smcf->pg.pipeline = NGX_CONF_UNSET_UINT;
    smcf->pg.wait_timeout = NGX_CONF_UNSET_MSEC;
    smcf->pg.query_timeout = NGX_CONF_UNSET_MSEC;
    smcf->pg.wait_queue = NGX_CONF_UNSET_UINT;
    smcf->request_id_index = NGX_ERROR;
    smcf->jwt_ttl = NGX_CONF_UNSET;
    smcf->refresh_ttl = NGX_CONF_UNSET;
    smcf->jwt.leeway = NGX_CONF_UNSET;
    smcf->cookie_secure = NGX_CONF_UNSET;
    smcf->jwt_cache_size = NGX_CONF_UNSET_UINT;

    return smcf;
}


static char *
ngx_http_scc_init_main_conf(ngx_conf_t *cf, void *conf)
{
    ngx_http_scc_main_conf_t *smcf = conf;

    ngx_str_t                name, err;
    ngx_uint_t               i;
    ngx_http_scc_api_loc_t  *api;

    ngx_conf_init_uint_value(smcf->pg.size,
                             NGX_HTTP_SCC_DEFAULT_PG_POOL_SIZE);
    ngx_conf_init_uint_value(smcf->pg.pipeline,
                             NGX_HTTP_SCC_DEFAULT_PG_PIPELINE);
    ngx_conf_init_msec_value(smcf->pg.wait_timeout,
                             NGX_HTTP_SCC_DEFAULT_PG_WAIT_TIMEOUT);
    ngx_conf_init_msec_value(smcf->pg.query_timeout,
                             NGX_HTTP_SCC_DEFAULT_PG_QUERY_TIMEOUT);
    ngx_conf_init_uint_value(smcf->pg.wait_queue,
                             NGX_HTTP_SCC_DEFAULT_PG_WAIT_QUEUE);
    ngx_conf_init_value(smcf->jwt_ttl, NGX_HTTP_SCC_DEFAULT_JWT_TTL);
    ngx_conf_init_value(smcf->refresh_ttl, NGX_HTTP_SCC_DEFAULT_REFRESH_TTL);
    ngx_conf_init_value(smcf->jwt.leeway, NGX_HTTP_SCC_DEFAULT_JWT_LEEWAY);
    ngx_conf_init_value(smcf->cookie_secure,
                        NGX_HTTP_SCC_DEFAULT_COOKIE_SECURE);
    ngx_conf_init_uint_value(smcf->jwt_cache_size,
                             NGX_HTTP_SCC_DEFAULT_JWT_CACHE);

    smcf->cookies = ngx_http_scc_auth_cookies(smcf->cookie_secure);

    if (smcf->api_locs || smcf->metrics_wanted) {
        if (ngx_http_scc_metrics_zone(cf, &smcf->metrics_zone) != NGX_OK) {
            return NGX_CONF_ERROR;
        }
    }

    if (smcf->api_locs == NULL) {
        return NGX_CONF_OK;
    }

    api = smcf->api_locs->elts;    /* the first, for messages */

    if (smcf->jwt.current == NULL) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "\"scc_api\" in %s:%ui needs \"scc_jwt_secret_file\" "
                      "in the http block", api->file, api->line);
        return NGX_CONF_ERROR;
    }

    if (smcf->public_origin.len == 0) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "\"scc_api\" in %s:%ui needs \"scc_public_origin\" "
                      "in the http block: browsers' requests are checked "
                      "against it", api->file, api->line);
        return NGX_CONF_ERROR;
    }

    if (smcf->jwt_ttl <= 0 || smcf->refresh_ttl <= smcf->jwt_ttl) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "\"scc_jwt_ttl\" must be positive and shorter than "
                      "\"scc_refresh_ttl\"");
        return NGX_CONF_ERROR;
    }

    if (smcf->pg.conninfo.data == NULL) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "\"scc_api\" in %s:%ui needs \"scc_pg\" in the "
                      "http block", api->file, api->line);
        return NGX_CONF_ERROR;
    }

    if (ngx_http_scc_route_check(&err) != NGX_OK) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "scc: malformed route table entry \"%V\"", &err);
        return NGX_CONF_ERROR;
    }

    for (i = 0; i < ngx_http_scc_nroutes; i++) {
        if (ngx_http_scc_routes[i].local != NGX_HTTP_SCC_LOCAL_NONE
            && ngx_http_scc_locals[ngx_http_scc_routes[i].local] == NULL)
        {
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                          "scc: route \"%V\" names no local handler",
                          &ngx_http_scc_routes[i].pattern);
            return NGX_CONF_ERROR;
        }
    }

    ngx_str_set(&name, "request_id");

    smcf->request_id_index = ngx_http_get_variable_index(cf, &name);
    if (smcf->request_id_index == NGX_ERROR) {
        return NGX_CONF_ERROR;
    }

    if (ngx_http_scc_init_stmts(cf, &smcf->pg) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/*
 * One prepared statement per SQL route, its text derived from the static
 * table alone: nothing from a request ever becomes SQL text.  A local
 * route keeps an empty slot, so that a statement's index is its route's.
 */

static ngx_int_t
ngx_http_scc_init_stmts(ngx_conf_t *cf, ngx_http_scc_pg_conf_t *pg)
{
    u_char                  *p;
    size_t                   len;
    ngx_uint_t               i;
    ngx_http_scc_route_t    *route;
    ngx_http_scc_pg_stmt_t  *stmt;

    pg->nstmts = ngx_http_scc_nroutes;
    pg->stmts = ngx_pcalloc(cf->pool, ngx_http_scc_nroutes
                                      * sizeof(ngx_http_scc_pg_stmt_t));
    if (pg->stmts == NULL) {
        return NGX_ERROR;
    }

    for (i = 0; i < ngx_http_scc_nroutes; i++) {
        route = &ngx_http_scc_routes[i];
        stmt = &pg->stmts[i];

        if (route->local != NGX_HTTP_SCC_LOCAL_NONE) {
            continue;
        }

        p = ngx_pnalloc(cf->pool, sizeof("scc_") + NGX_INT_T_LEN);
        if (p == NULL) {
            return NGX_ERROR;
        }

        stmt->name.data = p;
        stmt->name.len = ngx_sprintf(p, "scc_%ui%Z", i) - p - 1;

        /* a FILE route's function returns scc_api.file_response */

        len = sizeof("select status, body, content_type, filename "
                     "from ($1::jsonb)")
              + route->function.len;

        p = ngx_pnalloc(cf->pool, len);
        if (p == NULL) {
            return NGX_ERROR;
        }

        stmt->sql.data = p;

        if (route->flags & NGX_HTTP_SCC_FILE) {
            stmt->sql.len = ngx_sprintf(p, "select status, body, "
                                        "content_type, filename from %V"
                                        "($1::jsonb)%Z", &route->function)
                            - p - 1;

        } else {
            stmt->sql.len = ngx_sprintf(p, "select status, body from %V"
                                        "($1::jsonb)%Z", &route->function)
                            - p - 1;
        }
    }

    return NGX_OK;
}


/* once the locations are merged: no scc_api body may go to a file */

static ngx_int_t
ngx_http_scc_postconfiguration(ngx_conf_t *cf)
{
    ngx_http_scc_main_conf_t  *smcf;

    smcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_scc_module);

    if (ngx_http_scc_metrics_postconfiguration(cf) != NGX_OK) {
        return NGX_ERROR;
    }

    return ngx_http_scc_body_check_locations(cf, smcf->api_locs);
}


static ngx_int_t
ngx_http_scc_init_process(ngx_cycle_t *cycle)
{
    ngx_http_scc_main_conf_t    *smcf;
    ngx_http_scc_pg_gauges_t    *gauges;
    ngx_http_scc_pg_counters_t  *counters;

    /* cache managers and loaders serve no requests */

    if (ngx_process != NGX_PROCESS_WORKER
        && ngx_process != NGX_PROCESS_SINGLE)
    {
        return NGX_OK;
    }

    smcf = ngx_http_cycle_get_module_main_conf(cycle, ngx_http_scc_module);

    if (smcf == NULL) {
        return NGX_OK;
    }

    if (ngx_http_scc_metrics_init_process(cycle, smcf->metrics_zone,
                                          &smcf->metrics, &gauges, &counters)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (smcf->api_locs == NULL) {
        return NGX_OK;
    }

    smcf->pg_set = ngx_http_scc_pg_set_create(cycle, &smcf->pg);

    if (smcf->pg_set == NULL) {
        return NGX_ERROR;
    }

    ngx_http_scc_pg_publish_to(smcf->pg_set, gauges, counters);

    if (ngx_http_scc_auth_init_process(cycle, smcf->jwt_cache_size,
                                       &smcf->jwt_cache)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    return NGX_OK;
}


static void
ngx_http_scc_exit_process(ngx_cycle_t *cycle)
{
    ngx_http_scc_main_conf_t  *smcf;

    smcf = ngx_http_cycle_get_module_main_conf(cycle, ngx_http_scc_module);

    if (smcf && smcf->pg_set) {
        ngx_http_scc_pg_set_destroy(smcf->pg_set);
        smcf->pg_set = NULL;
    }

    if (smcf) {
        ngx_http_scc_metrics_exit_process(smcf->metrics);
        smcf->metrics = NULL;
    }
}


static ngx_int_t
ngx_http_scc_add_variables(ngx_conf_t *cf)
{
    ngx_http_variable_t  *var, *v;

    for (v = ngx_http_scc_vars; v->name.len; v++) {
        var = ngx_http_add_variable(cf, &v->name, v->flags);
        if (var == NULL) {
            return NGX_ERROR;
        }

        var->get_handler = v->get_handler;
        var->data = v->data;
    }

    return NGX_OK;
}


/* $scc_user_id and $scc_role: who the access token said, for the logs */

static ngx_int_t
ngx_http_scc_variable(ngx_http_request_t *r, ngx_http_variable_value_t *v,
    uintptr_t data)
{
    ngx_str_t           *s;
    ngx_http_scc_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_scc_module);

    if (ctx == NULL || !ctx->authenticated) {
        v->not_found = 1;
        return NGX_OK;
    }

    s = data ? ngx_http_scc_role_name(ctx->claims.role)
             : &ctx->claims.sub;

    v->data = s->data;
    v->len = s->len;
    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;

    return NGX_OK;
}
