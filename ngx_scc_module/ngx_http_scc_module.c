
/*
 * SCC: ngx_http_scc_module, the JSON API door of Ship Captain Crew.
 *
 * A request to a location with "scc_api" is matched against the route
 * table, its body is checked, and one jsonb context
 *
 *   {"actor":..,"params":{..},"query":{..},"ip":..,"ua":..,
 *    "request_id":..,"body":..}
 *
 * is handed to the route's scc_api function through this worker
 * process's PostgreSQL pool.  The function's (status, body) is the
 * answer.  Nothing here may block: no blocking libpq call, no name
 * resolution, no sleeping.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_scc.h"


#define NGX_HTTP_SCC_POOL_MAX       1024
#define NGX_HTTP_SCC_JWT_CACHE_MAX  65536


static ngx_int_t ngx_http_scc_handler(ngx_http_request_t *r);
static void ngx_http_scc_body_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_scc_read_body(ngx_http_request_t *r,
    ngx_str_t *body);
static ngx_uint_t ngx_http_scc_is_json(ngx_http_request_t *r);
static ngx_int_t ngx_http_scc_call(ngx_http_request_t *r,
    ngx_http_scc_ctx_t *ctx, ngx_str_t *body);
static ngx_int_t ngx_http_scc_context(ngx_http_request_t *r,
    ngx_http_scc_ctx_t *ctx, ngx_str_t *body, u_char **param);
static ngx_int_t ngx_http_scc_context_args(ngx_http_request_t *r,
    yajl_gen g);
static ngx_int_t ngx_http_scc_unescape(ngx_pool_t *pool, u_char *start,
    u_char *end, ngx_str_t *out);
static void ngx_http_scc_query_done(ngx_http_scc_pg_query_t *q,
    PGresult *res, ngx_uint_t reason);
static void ngx_http_scc_cleanup(void *data);

static char *ngx_http_scc_pg(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *ngx_http_scc_pool_size(ngx_conf_t *cf, void *post, void *data);
static char *ngx_http_scc_pipeline(ngx_conf_t *cf, void *post, void *data);
static char *ngx_http_scc_jwt_cache_limit(ngx_conf_t *cf, void *post,
    void *data);
static char *ngx_http_scc_api(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_scc_secret_file(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_scc_load_key(ngx_conf_t *cf, ngx_str_t *file,
    ngx_http_scc_jwt_key_t **key);
static void ngx_http_scc_key_cleanup(void *data);
static char *ngx_http_scc_origin(ngx_conf_t *cf, void *post, void *data);
static ngx_int_t ngx_http_scc_add_variables(ngx_conf_t *cf);
static ngx_int_t ngx_http_scc_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_scc_postconfiguration(ngx_conf_t *cf);
static void *ngx_http_scc_create_main_conf(ngx_conf_t *cf);
static char *ngx_http_scc_init_main_conf(ngx_conf_t *cf, void *conf);
static ngx_int_t ngx_http_scc_init_process(ngx_cycle_t *cycle);
static void ngx_http_scc_exit_process(ngx_cycle_t *cycle);


static ngx_conf_post_handler_pt  ngx_http_scc_pool_size_p =
    ngx_http_scc_pool_size;
static ngx_conf_post_handler_pt  ngx_http_scc_origin_p =
    ngx_http_scc_origin;

static ngx_conf_post_handler_pt  ngx_http_scc_pipeline_p =
    ngx_http_scc_pipeline;

static ngx_conf_post_handler_pt  ngx_http_scc_jwt_cache_p =
    ngx_http_scc_jwt_cache_limit;


static ngx_command_t  ngx_http_scc_commands[] = {

    { ngx_string("scc_pg"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_http_scc_pg,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("scc_pg_pool_size"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_scc_main_conf_t, pg.size),
      &ngx_http_scc_pool_size_p },

    { ngx_string("scc_pg_pipeline"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_scc_main_conf_t, pg.pipeline),
      &ngx_http_scc_pipeline_p },

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
      ngx_http_scc_secret_file,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
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
      &ngx_http_scc_jwt_cache_p },

    { ngx_string("scc_public_origin"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_scc_main_conf_t, public_origin),
      &ngx_http_scc_origin_p },

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
    u_char                    *allow;
    ngx_int_t                  rc;
    ngx_http_scc_ctx_t        *ctx;
    ngx_http_scc_route_t      *route;
    ngx_http_scc_main_conf_t  *smcf;

    smcf = ngx_http_get_module_main_conf(r, ngx_http_scc_module);

    if (smcf->pool == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ctx = ngx_pcalloc(r->pool, sizeof(ngx_http_scc_ctx_t));
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ctx->request = r;

    rc = ngx_http_scc_route_match(&r->uri, r->method, &ctx->match);

    if (rc != NGX_OK) {

        if (rc == NGX_DECLINED) {
            return ngx_http_scc_send_error(r, NGX_HTTP_NOT_FOUND,
                                           "not_found", "no such API route");
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

        return ngx_http_scc_send_error(r, NGX_HTTP_NOT_ALLOWED,
                                       "method_not_allowed",
                                       "this route does not take "
                                       "this method");
    }

    route = ctx->match.route;

    ngx_http_set_ctx(r, ctx, ngx_http_scc_module);

    rc = ngx_http_scc_auth_check(r, ctx);

    if (rc != NGX_DECLINED) {
        return rc;
    }

    if (route->flags & NGX_HTTP_SCC_LOCAL) {
        return ngx_http_scc_auth_me(r, ctx);
    }

    if ((route->flags & NGX_HTTP_SCC_BODY)
        || ((route->flags & NGX_HTTP_SCC_BODY_OPT)
            && (r->headers_in.content_length_n > 0 || r->headers_in.chunked)))
    {
        if (!ngx_http_scc_is_json(r)) {
            return ngx_http_scc_send_error(r,
                                           NGX_HTTP_UNSUPPORTED_MEDIA_TYPE,
                                           "unsupported_media_type",
                                           "send the body as "
                                           "application/json");
        }

        r->request_body_in_single_buf = 1;

        rc = ngx_http_read_client_request_body(r, ngx_http_scc_body_handler);

        if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
            return rc;
        }

        return NGX_DONE;
    }

    if (ngx_http_discard_request_body(r) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = ngx_http_scc_call(r, ctx, NULL);

    if (rc == NGX_DONE) {
        /* the pool calls back; ngx_http_scc_query_done() finalizes */
        r->main->count++;
    }

    return rc;
}


static void
ngx_http_scc_body_handler(ngx_http_request_t *r)
{
    u_char               err[NGX_HTTP_SCC_JSON_ERR_LEN];
    ngx_int_t            rc;
    ngx_str_t            body;
    ngx_http_scc_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_scc_module);

    if (ngx_http_scc_read_body(r, &body) != NGX_OK) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    if (body.len == 0 && !(ctx->match.route->flags & NGX_HTTP_SCC_BODY)) {
        rc = ngx_http_scc_call(r, ctx, NULL);

        if (rc != NGX_DONE) {
            ngx_http_finalize_request(r, rc);
        }

        return;
    }

    rc = ngx_http_scc_json_check(body.data, body.len,
                                 NGX_HTTP_SCC_JSON_MAX_DEPTH, err);

    if (rc == NGX_ERROR) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    if (rc == NGX_DECLINED) {
        ngx_http_finalize_request(r,
            ngx_http_scc_send_error(r, NGX_HTTP_BAD_REQUEST, "invalid_body",
                                    (char *) err));
        return;
    }

    rc = ngx_http_scc_call(r, ctx, &body);

    if (rc != NGX_DONE) {
        ngx_http_finalize_request(r, rc);
    }
}


/*
 * The body in one piece: usually the single memory buffer nginx read it
 * into, else the pieces copied together.  Never a file: nginx -t made sure
 * that client_body_buffer_size holds client_max_body_size, and reading a
 * file back would block.
 */

static ngx_int_t
ngx_http_scc_read_body(ngx_http_request_t *r, ngx_str_t *body)
{
    size_t        len;
    u_char       *p;
    ngx_buf_t    *b;
    ngx_chain_t  *cl;

    ngx_str_null(body);

    if (r->request_body == NULL || r->request_body->bufs == NULL) {
        return NGX_OK;
    }

    cl = r->request_body->bufs;

    if (cl->next == NULL && !cl->buf->in_file) {
        body->data = cl->buf->pos;
        body->len = cl->buf->last - cl->buf->pos;
        return NGX_OK;
    }

    len = 0;

    for ( /* void */ ; cl; cl = cl->next) {
        b = cl->buf;

        if (b->in_file) {
            ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                          "scc: the request body was written to a file; "
                          "it is not read back (that would block)");
            return NGX_ERROR;
        }

        len += b->last - b->pos;
    }

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    body->data = p;
    body->len = len;

    for (cl = r->request_body->bufs; cl; cl = cl->next) {
        p = ngx_cpymem(p, cl->buf->pos, cl->buf->last - cl->buf->pos);
    }

    return NGX_OK;
}


/*
 * A JSON body must say so: besides being honest, a cross-site form can't
 * send this type without a CORS preflight, which nobody here answers.
 */

static ngx_uint_t
ngx_http_scc_is_json(ngx_http_request_t *r)
{
    size_t            len;
    ngx_table_elt_t  *h;

    h = r->headers_in.content_type;
    len = sizeof("application/json") - 1;

    if (h == NULL
        || h->value.len < len
        || ngx_strncasecmp(h->value.data, (u_char *) "application/json", len)
           != 0)
    {
        return 0;
    }

    return h->value.len == len
           || h->value.data[len] == ';'
           || h->value.data[len] == ' ';
}


/* NGX_DONE: the query is on its way; anything else is a response code */

static ngx_int_t
ngx_http_scc_call(ngx_http_request_t *r, ngx_http_scc_ctx_t *ctx,
    ngx_str_t *body)
{
    u_char                    *param;
    ngx_int_t                  rc;
    ngx_pool_cleanup_t        *cln;
    ngx_http_scc_pg_query_t   *q;
    ngx_http_scc_main_conf_t  *smcf;

    smcf = ngx_http_get_module_main_conf(r, ngx_http_scc_module);

    rc = ngx_http_scc_context(r, ctx, body, &param);

    if (rc == NGX_DECLINED) {
        return ngx_http_scc_send_error(r, NGX_HTTP_BAD_REQUEST,
                                       "invalid_utf8",
                                       "the path or query string is not "
                                       "valid UTF-8");
    }

    if (rc != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* whatever ends the request also takes the query back from the pool */

    cln = ngx_pool_cleanup_add(r->pool, 0);
    if (cln == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    cln->handler = ngx_http_scc_cleanup;
    cln->data = ctx;

    q = &ctx->query;
    q->stmt = ctx->match.index;
    q->param = (const char *) param;
    q->handler = ngx_http_scc_query_done;
    q->data = ctx;
    q->timer.log = r->connection->log;

    rc = ngx_http_scc_pg_send(smcf->pool, q);

    switch (rc) {

    case NGX_OK:
        /* notice a client that hangs up while its query runs */
        r->read_event_handler = ngx_http_test_reading;
        return NGX_DONE;

    case NGX_BUSY:
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "scc: PostgreSQL wait queue is full");
        return ngx_http_scc_send_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                       "busy", "the service is busy; "
                                       "retry shortly");

    case NGX_DECLINED:
        return ngx_http_scc_send_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                       "db_unavailable",
                                       "the database is unavailable; "
                                       "retry shortly");

    default:
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }
}


/*
 * The route function's only argument, NUL-terminated for libpq's text
 * format.  NGX_DECLINED: a string of the request is not UTF-8.
 */

static ngx_int_t
ngx_http_scc_context(ngx_http_request_t *r, ngx_http_scc_ctx_t *ctx,
    ngx_str_t *body, u_char **param)
{
    yajl_gen                    g;
    ngx_str_t                  *role;
    ngx_uint_t                  i;
    ngx_http_scc_param_t       *p;
    ngx_http_scc_json_out_t     out;
    ngx_http_scc_pg_stats_t     stats;
    ngx_http_variable_value_t  *id;
    ngx_http_scc_main_conf_t   *smcf;

    smcf = ngx_http_get_module_main_conf(r, ngx_http_scc_module);

    if (ngx_http_scc_json_out_init(&out, r->pool,
                                   512 + (body ? body->len : 0))
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    g = out.gen;

    yajl_gen_map_open(g);

    yajl_gen_string(g, (u_char *) "actor", 5);

    if (ctx->authenticated) {
        role = ngx_http_scc_jwt_role_name(ctx->claims.role);

        yajl_gen_map_open(g);
        yajl_gen_string(g, (u_char *) "id", 2);
        yajl_gen_string(g, ctx->claims.sub.data, ctx->claims.sub.len);
        yajl_gen_string(g, (u_char *) "role", 4);
        yajl_gen_string(g, role->data, role->len);
        yajl_gen_map_close(g);

    } else {
        yajl_gen_null(g);
    }

    if (ctx->refresh_token.len) {
        yajl_gen_string(g, (u_char *) "refresh_token", 13);

        if (yajl_gen_string(g, ctx->refresh_token.data,
                            ctx->refresh_token.len)
            != yajl_gen_status_ok)
        {
            yajl_gen_null(g);
        }
    }

    if (ctx->match.route->flags & NGX_HTTP_SCC_ISSUE) {
        yajl_gen_string(g, (u_char *) "refresh_ttl", 11);
        yajl_gen_integer(g, smcf->refresh_ttl);
    }

    /* nginx has already percent-decoded and normalised the path */

    yajl_gen_string(g, (u_char *) "params", 6);
    yajl_gen_map_open(g);

    for (i = 0; i < ctx->match.nparams; i++) {
        p = &ctx->match.params[i];

        yajl_gen_string(g, p->name.data, p->name.len);

        if (yajl_gen_string(g, p->value.data, p->value.len)
            != yajl_gen_status_ok)
        {
            return NGX_DECLINED;
        }
    }

    yajl_gen_map_close(g);

    yajl_gen_string(g, (u_char *) "query", 5);

    if (ngx_http_scc_context_args(r, g) != NGX_OK) {
        return NGX_DECLINED;
    }

    yajl_gen_string(g, (u_char *) "ip", 2);
    yajl_gen_string(g, r->connection->addr_text.data,
                    r->connection->addr_text.len);

    yajl_gen_string(g, (u_char *) "ua", 2);

    if (r->headers_in.user_agent == NULL
        || yajl_gen_string(g, r->headers_in.user_agent->value.data,
                           r->headers_in.user_agent->value.len)
           != yajl_gen_status_ok)
    {
        yajl_gen_null(g);
    }

    id = ngx_http_get_indexed_variable(r, smcf->request_id_index);

    if (id && !id->not_found) {
        yajl_gen_string(g, (u_char *) "request_id", 10);
        yajl_gen_string(g, id->data, id->len);
    }

    if (ctx->match.route->flags & NGX_HTTP_SCC_POOL_INFO) {
        ngx_http_scc_pg_stats(smcf->pool, &stats);

        yajl_gen_string(g, (u_char *) "pool", 4);
        yajl_gen_map_open(g);
        yajl_gen_string(g, (u_char *) "size", 4);
        yajl_gen_integer(g, stats.size);
        yajl_gen_string(g, (u_char *) "connected", 9);
        yajl_gen_integer(g, stats.connected);
        yajl_gen_string(g, (u_char *) "busy", 4);
        yajl_gen_integer(g, stats.busy);
        yajl_gen_string(g, (u_char *) "in_flight", 9);
        yajl_gen_integer(g, stats.in_flight);
        yajl_gen_string(g, (u_char *) "waiting", 7);
        yajl_gen_integer(g, stats.waiting);
        yajl_gen_map_close(g);
    }

    /*
     * The body was checked and goes in as the bytes received; yajl has no
     * raw values, so the object is finished by hand.
     */

    if (body && body->len) {
        ngx_http_scc_json_out_raw(&out, (u_char *) ",\"body\":", 8);
        ngx_http_scc_json_out_raw(&out, body->data, body->len);

    } else {
        ngx_http_scc_json_out_raw(&out, (u_char *) ",\"body\":null", 12);
    }

    if (ngx_http_scc_json_out_raw(&out, (u_char *) "}", 2) != NGX_OK) {
        return NGX_ERROR;
    }

    *param = out.buf->pos;

    return NGX_OK;
}


/* the query string as an object of strings; a repeated name keeps its last */

static ngx_int_t
ngx_http_scc_context_args(ngx_http_request_t *r, yajl_gen g)
{
    u_char     *p, *end, *amp, *eq;
    ngx_str_t   name, value;

    p = r->args.data;
    end = p + r->args.len;

    yajl_gen_map_open(g);

    while (p < end) {
        amp = ngx_strlchr(p, end, '&');
        if (amp == NULL) {
            amp = end;
        }

        eq = ngx_strlchr(p, amp, '=');
        if (eq == NULL) {
            eq = amp;
        }

        if (eq > p) {

            if (ngx_http_scc_unescape(r->pool, p, eq, &name) != NGX_OK
                || ngx_http_scc_unescape(r->pool, eq + (eq < amp), amp,
                                         &value)
                   != NGX_OK)
            {
                return NGX_ERROR;
            }

            if (yajl_gen_string(g, name.data, name.len) != yajl_gen_status_ok
                || yajl_gen_string(g, value.data, value.len)
                   != yajl_gen_status_ok)
            {
                return NGX_DECLINED;
            }
        }

        p = amp + 1;
    }

    yajl_gen_map_close(g);

    return NGX_OK;
}


/* form decoding: '+' is a space, then %XX */

static ngx_int_t
ngx_http_scc_unescape(ngx_pool_t *pool, u_char *start, u_char *end,
    ngx_str_t *out)
{
    u_char  *p, *src, *dst;

    p = ngx_pnalloc(pool, end - start);
    if (p == NULL) {
        return NGX_ERROR;
    }

    for (dst = p, src = start; src < end; src++) {
        *dst++ = (*src == '+') ? ' ' : *src;
    }

    /* in place: the output never overtakes the input */

    src = p;
    dst = p;
    ngx_unescape_uri(&dst, &src, end - start, 0);

    out->data = p;
    out->len = dst - p;

    return NGX_OK;
}


static void
ngx_http_scc_query_done(ngx_http_scc_pg_query_t *q, PGresult *res,
    ngx_uint_t reason)
{
    ngx_int_t            rc;
    ngx_connection_t    *c;
    ngx_http_request_t  *r;
    ngx_http_scc_ctx_t  *ctx;

    ctx = q->data;
    r = ctx->request;
    c = r->connection;

    switch (reason) {

    case NGX_HTTP_SCC_PG_DONE:

        if (ctx->match.route->flags & NGX_HTTP_SCC_ISSUE) {
            rc = ngx_http_scc_auth_issue(r, ctx, res);
            break;
        }

        if ((ctx->match.route->flags & NGX_HTTP_SCC_CLEAR)
            && ngx_http_scc_auth_clear(r) != NGX_OK)
        {
            PQclear(res);
            rc = NGX_ERROR;
            break;
        }

        rc = ngx_http_scc_send_result(r, res);
        break;

    case NGX_HTTP_SCC_PG_WAIT_TIMEOUT:
        ngx_log_error(NGX_LOG_WARN, c->log, 0,
                      "scc: no PostgreSQL connection came free in time");
        rc = ngx_http_scc_send_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                     "busy", "no database connection came "
                                     "free in time; retry shortly");
        break;

    case NGX_HTTP_SCC_PG_QUERY_TIMEOUT:
        rc = ngx_http_scc_send_error(r, NGX_HTTP_GATEWAY_TIME_OUT,
                                     "db_timeout",
                                     "the database did not answer in time");
        break;

    default: /* NGX_HTTP_SCC_PG_DOWN */
        rc = ngx_http_scc_send_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                     "db_unavailable",
                                     "the database is unavailable; "
                                     "retry shortly");
        break;
    }

    ngx_http_finalize_request(r, rc);
    ngx_http_run_posted_requests(c);
}


static void
ngx_http_scc_cleanup(void *data)
{
    ngx_http_scc_ctx_t  *ctx = data;

    if (ctx->query.pool) {
        ngx_http_scc_pg_cancel(&ctx->query);
    }
}


static char *
ngx_http_scc_pg(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_scc_main_conf_t *smcf = conf;

    char                *err, *host, *hostaddr;
    size_t               len;
    u_char              *p, *end, *comma;
    ngx_str_t           *value;
    PQconninfoOption    *opts, *o;

    if (smcf->pg.conninfo.data) {
        return "is duplicate";
    }

    value = cf->args->elts;

    opts = PQconninfoParse((char *) value[1].data, &err);

    if (opts == NULL) {
        if (err == NULL) {
            return NGX_CONF_ERROR;
        }

        len = ngx_strlen(err);

        while (len && err[len - 1] == '\n') {
            len--;
        }

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid PostgreSQL conninfo \"%V\": %*s",
                           &value[1], len, err);
        PQfreemem(err);
        return NGX_CONF_ERROR;
    }

    host = NULL;
    hostaddr = NULL;

    for (o = opts; o->keyword; o++) {
        if (o->val == NULL) {
            continue;
        }

        if (ngx_strcmp(o->keyword, "host") == 0) {
            host = o->val;

        } else if (ngx_strcmp(o->keyword, "hostaddr") == 0) {
            hostaddr = o->val;

        } else if (ngx_strcmp(o->keyword, "gssencmode") == 0
                   && ngx_strcmp(o->val, "disable") != 0)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"scc_pg\" takes only gssencmode=disable: "
                               "GSSAPI negotiation may ask a Kerberos KDC "
                               "synchronously, which would block nginx");
            PQconninfoFree(opts);
            return NGX_CONF_ERROR;

        } else if (ngx_strcmp(o->keyword, "service") == 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"scc_pg\" does not take \"service\": a "
                               "service file may name a host, and "
                               "resolving it would block nginx");
            PQconninfoFree(opts);
            return NGX_CONF_ERROR;
        }
    }

    /*
     * libpq resolves a host name with getaddrinfo(), which blocks; only a
     * socket directory or a numeric address is safe inside nginx.
     */

    if (host && hostaddr == NULL) {
        p = (u_char *) host;
        end = p + ngx_strlen(host);

        while (p < end) {
            comma = ngx_strlchr(p, end, ',');
            if (comma == NULL) {
                comma = end;
            }

            if (comma > p
                && p[0] != '/'
                && p[0] != '@'
                && ngx_inet_addr(p, comma - p) == INADDR_NONE
#if (NGX_HAVE_INET6)
                && ngx_inet6_addr(p, comma - p, NULL) != NGX_OK
#endif
               )
            {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "\"scc_pg\" host \"%*s\" is a name, and "
                                   "resolving it would block nginx: use a "
                                   "unix socket directory, a numeric "
                                   "address, or add hostaddr=",
                                   comma - p, p);
                PQconninfoFree(opts);
                return NGX_CONF_ERROR;
            }

            p = comma + 1;
        }
    }

    PQconninfoFree(opts);

    /* configuration strings are NUL-terminated, as libpq wants */
    smcf->pg.conninfo = value[1];

    return NGX_CONF_OK;
}


static char *
ngx_http_scc_pool_size(ngx_conf_t *cf, void *post, void *data)
{
    ngx_uint_t  *np = data;

    if (*np == 0) {
        return "must be at least 1: each nginx worker process needs "
               "a PostgreSQL connection";
    }

    if (*np > NGX_HTTP_SCC_POOL_MAX) {
        return "must be at most 1024 (it counts per worker process)";
    }

    return NGX_CONF_OK;
}


/* scc_pg_pipeline N: queries in flight on one connection */

static char *
ngx_http_scc_pipeline(ngx_conf_t *cf, void *post, void *data)
{
    ngx_uint_t  *np = data;

    if (*np == 0) {
        return "must be at least 1 (1: one query at a time a connection)";
    }

    if (*np > NGX_HTTP_SCC_PG_PIPELINE_MAX) {
        return "must be at most 64";
    }

    return NGX_CONF_OK;
}


/* scc_jwt_cache N: tokens kept per worker process, about 0.9 KB each */

static char *
ngx_http_scc_jwt_cache_limit(ngx_conf_t *cf, void *post, void *data)
{
    ngx_uint_t  *np = data;

    if (*np > NGX_HTTP_SCC_JWT_CACHE_MAX) {
        return "must be at most 65536 (tokens per worker process; "
               "0 turns the cache off)";
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_scc_api(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_scc_api_loc_t    *loc;
    ngx_http_core_loc_conf_t  *clcf;
    ngx_http_scc_main_conf_t  *smcf;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

    if (clcf->handler) {
        return "is duplicate, or the location has another handler";
    }

    clcf->handler = ngx_http_scc_handler;

    smcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_scc_module);

    if (!smcf->api) {
        smcf->api = 1;
        smcf->api_file = cf->conf_file->file.name.data;
        smcf->api_line = cf->conf_file->line;
    }

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
     *     smcf->api = 0;
     *     smcf->pool = NULL;
     *     smcf->jwt_cache = NULL;
     *     smcf->jwt.current = NULL;
     *     smcf->jwt.previous = NULL;
     *     smcf->jwt.iss = { 0, NULL };
     *     smcf->jwt.aud = { 0, NULL };
     *     smcf->public_origin = { 0, NULL };
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

    u_char                  *p;
    size_t                   len;
    ngx_str_t                name, err;
    ngx_uint_t               i;
    ngx_http_scc_route_t    *route;
    ngx_http_scc_pg_stmt_t  *stmt;

    ngx_conf_init_uint_value(smcf->pg.size, 4);
    ngx_conf_init_uint_value(smcf->pg.pipeline, 8);
    ngx_conf_init_msec_value(smcf->pg.wait_timeout, 3000);
    ngx_conf_init_msec_value(smcf->pg.query_timeout, 30000);
    ngx_conf_init_uint_value(smcf->pg.wait_queue, 1024);
    ngx_conf_init_value(smcf->jwt_ttl, 900);
    ngx_conf_init_value(smcf->refresh_ttl, 30 * 86400);
    ngx_conf_init_value(smcf->jwt.leeway, 0);
    ngx_conf_init_value(smcf->cookie_secure, 1);
    ngx_conf_init_uint_value(smcf->jwt_cache_size, 1024);

    smcf->cookies = ngx_http_scc_auth_cookies(smcf->cookie_secure);

    if (!smcf->api) {
        return NGX_CONF_OK;
    }

    if (smcf->jwt.current == NULL) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "\"scc_api\" in %s:%ui needs \"scc_jwt_secret_file\" "
                      "in the http block", smcf->api_file, smcf->api_line);
        return NGX_CONF_ERROR;
    }

    if (smcf->public_origin.len == 0) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "\"scc_api\" in %s:%ui needs \"scc_public_origin\" "
                      "in the http block: browsers' requests are checked "
                      "against it", smcf->api_file, smcf->api_line);
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
                      "http block", smcf->api_file, smcf->api_line);
        return NGX_CONF_ERROR;
    }

    if (ngx_http_scc_route_check(&err) != NGX_OK) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "scc: malformed route table entry \"%V\"", &err);
        return NGX_CONF_ERROR;
    }

    ngx_str_set(&name, "request_id");

    smcf->request_id_index = ngx_http_get_variable_index(cf, &name);
    if (smcf->request_id_index == NGX_ERROR) {
        return NGX_CONF_ERROR;
    }

    /*
     * One prepared statement per route, its SQL derived from the static
     * table alone: nothing from a request ever becomes SQL text.
     */

    smcf->pg.nstmts = ngx_http_scc_nroutes;
    smcf->pg.stmts = ngx_pcalloc(cf->pool, ngx_http_scc_nroutes
                                           * sizeof(ngx_http_scc_pg_stmt_t));
    if (smcf->pg.stmts == NULL) {
        return NGX_CONF_ERROR;
    }

    for (i = 0; i < ngx_http_scc_nroutes; i++) {
        route = &ngx_http_scc_routes[i];
        stmt = &smcf->pg.stmts[i];

        if (route->flags & NGX_HTTP_SCC_LOCAL) {
            continue;
        }

        p = ngx_pnalloc(cf->pool, sizeof("scc_") + NGX_INT_T_LEN);
        if (p == NULL) {
            return NGX_CONF_ERROR;
        }

        stmt->name.data = p;
        stmt->name.len = ngx_sprintf(p, "scc_%ui%Z", i) - p - 1;

        len = sizeof("select status, body from ($1::jsonb)")
              + route->function.len;

        p = ngx_pnalloc(cf->pool, len);
        if (p == NULL) {
            return NGX_CONF_ERROR;
        }

        stmt->sql.data = p;
        stmt->sql.len = ngx_sprintf(p, "select status, body from %V"
                                    "($1::jsonb)%Z", &route->function)
                        - p - 1;
    }

    return NGX_CONF_OK;
}


/*
 * A body nginx spilled to a temporary file could only be read back with a
 * blocking read(): every scc_api location must keep the largest body it
 * accepts in memory.  Checked once the locations are merged.
 */

static ngx_int_t
ngx_http_scc_postconfiguration(ngx_conf_t *cf)
{
    ngx_uint_t                 i;
    ngx_http_scc_api_loc_t    *loc;
    ngx_http_core_loc_conf_t  *clcf;
    ngx_http_scc_main_conf_t  *smcf;

    smcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_scc_module);

    if (smcf->api_locs == NULL) {
        return NGX_OK;
    }

    loc = smcf->api_locs->elts;

    for (i = 0; i < smcf->api_locs->nelts; i++) {
        clcf = loc[i].clcf;

        if (clcf->client_max_body_size == 0
            || clcf->client_max_body_size
               > (off_t) clcf->client_body_buffer_size)
        {
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                          "\"scc_api\" in %s:%ui needs "
                          "\"client_body_buffer_size\" (%uz) at least as "
                          "large as \"client_max_body_size\" (%O, 0: no "
                          "limit): a larger body would wait in a temporary "
                          "file, and reading it back would block nginx",
                          loc[i].file, loc[i].line,
                          clcf->client_body_buffer_size,
                          clcf->client_max_body_size);
            return NGX_ERROR;
        }

        if (clcf->client_body_in_file_only) {
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                          "\"scc_api\" in %s:%ui does not work with "
                          "\"client_body_in_file_only\": reading the file "
                          "back would block nginx",
                          loc[i].file, loc[i].line);
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_scc_init_process(ngx_cycle_t *cycle)
{
    ngx_http_scc_main_conf_t  *smcf;

    /* cache managers and loaders serve no requests */

    if (ngx_process != NGX_PROCESS_WORKER
        && ngx_process != NGX_PROCESS_SINGLE)
    {
        return NGX_OK;
    }

    smcf = ngx_http_cycle_get_module_main_conf(cycle, ngx_http_scc_module);

    if (smcf == NULL || !smcf->api) {
        return NGX_OK;
    }

    smcf->pool = ngx_http_scc_pg_pool_create(cycle, &smcf->pg);

    if (smcf->pool == NULL) {
        return NGX_ERROR;
    }

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

    if (smcf && smcf->pool) {
        ngx_http_scc_pg_pool_destroy(smcf->pool);
        smcf->pool = NULL;
    }
}


/*
 * scc_jwt_secret_file CURRENT [PREVIOUS]: at least 32 bytes each; one
 * trailing newline is not part of the secret, so that "openssl rand -hex
 * 32 > file" works.  The previous secret only verifies, for rotation.
 */

static char *
ngx_http_scc_secret_file(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_scc_main_conf_t *smcf = conf;

    char       *rv;
    ngx_str_t  *value;

    if (smcf->jwt.current) {
        return "is duplicate";
    }

    value = cf->args->elts;

    rv = ngx_http_scc_load_key(cf, &value[1], &smcf->jwt.current);
    if (rv != NGX_CONF_OK) {
        return rv;
    }

    smcf->secret_file = value[1];

    if (cf->args->nelts == 3) {
        return ngx_http_scc_load_key(cf, &value[2], &smcf->jwt.previous);
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_scc_load_key(ngx_conf_t *cf, ngx_str_t *file,
    ngx_http_scc_jwt_key_t **key)
{
    u_char               buf[1024];
    size_t               len;
    ssize_t              n;
    ngx_fd_t             fd;
    ngx_file_t           f;
    ngx_file_info_t      fi;
    ngx_pool_cleanup_t  *cln;

    if (ngx_conf_full_name(cf->cycle, file, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    fd = ngx_open_file(file->data, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);

    if (fd == NGX_INVALID_FILE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           ngx_open_file_n " \"%V\" failed", file);
        return NGX_CONF_ERROR;
    }

    if (ngx_fd_info(fd, &fi) != NGX_FILE_ERROR
        && (ngx_file_access(&fi) & 0077))
    {
        ngx_conf_log_error(NGX_LOG_WARN, cf, 0,
                           "JWT secret file \"%V\" is readable by others; "
                           "chmod 600 it", file);
    }

    ngx_memzero(&f, sizeof(ngx_file_t));
    f.fd = fd;
    f.name = *file;
    f.log = cf->log;

    n = ngx_read_file(&f, buf, sizeof(buf), 0);

    if (ngx_close_file(fd) == NGX_FILE_ERROR) {
        ngx_conf_log_error(NGX_LOG_ALERT, cf, ngx_errno,
                           ngx_close_file_n " \"%V\" failed", file);
    }

    if (n == NGX_ERROR) {
        return NGX_CONF_ERROR;
    }

    len = n;

    if (len && buf[len - 1] == '\n') {
        len--;

        if (len && buf[len - 1] == '\r') {
            len--;
        }
    }

    if (len < NGX_HTTP_SCC_JWT_SECRET_MIN || (size_t) n == sizeof(buf)) {
        ngx_explicit_memzero(buf, sizeof(buf));
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "JWT secret file \"%V\" holds %uz bytes; it must "
                           "hold between %d and %uz random bytes", file, len,
                           NGX_HTTP_SCC_JWT_SECRET_MIN, sizeof(buf) - 1);
        return NGX_CONF_ERROR;
    }

    *key = ngx_pcalloc(cf->pool, sizeof(ngx_http_scc_jwt_key_t));
    if (*key == NULL) {
        ngx_explicit_memzero(buf, sizeof(buf));
        return NGX_CONF_ERROR;
    }

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        ngx_explicit_memzero(buf, sizeof(buf));
        return NGX_CONF_ERROR;
    }

    if (ngx_http_scc_jwt_key_init(*key, buf, len) != NGX_OK) {
        ngx_explicit_memzero(buf, sizeof(buf));
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "could not make an HMAC key of \"%V\"", file);
        return NGX_CONF_ERROR;
    }

    /* OpenSSL keeps its own copy; ours goes */
    ngx_explicit_memzero(buf, sizeof(buf));

    cln->handler = ngx_http_scc_key_cleanup;
    cln->data = *key;

    return NGX_CONF_OK;
}


static void
ngx_http_scc_key_cleanup(void *data)
{
    ngx_http_scc_jwt_key_cleanup(data);
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

    s = data ? ngx_http_scc_jwt_role_name(ctx->claims.role)
             : &ctx->claims.sub;

    v->data = s->data;
    v->len = s->len;
    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;

    return NGX_OK;
}
