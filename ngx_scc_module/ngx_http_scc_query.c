
/*
 * SCC: a route's SQL function called through the connection set, and its
 * answer sent.
 *
 * The context becomes the one parameter of the route's prepared statement;
 * the set calls ngx_http_scc_query_done() exactly once unless the request
 * goes first, in which case the request pool's cleanup takes the query
 * back.  Nothing here waits: a query is sent, or refused at once (503).
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_scc.h"


static void ngx_http_scc_query_done(ngx_http_scc_pg_query_t *q,
    PGresult *res, ngx_uint_t reason);
static void ngx_http_scc_query_cleanup(void *data);


/* NGX_DONE: the query is on its way; anything else is a response code */

ngx_int_t
ngx_http_scc_query(ngx_http_request_t *r, ngx_http_scc_ctx_t *ctx,
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
        return ngx_http_scc_send_error(r, NGX_HTTP_SCC_ERR_INVALID_UTF8, NULL);
    }

    if (rc != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* whatever ends the request also takes the query back from the set */

    cln = ngx_pool_cleanup_add(r->pool, 0);
    if (cln == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    cln->handler = ngx_http_scc_query_cleanup;
    cln->data = ctx;

    q = &ctx->query;
    q->stmt = ctx->match.index;
    q->param = (const char *) param;
    q->handler = ngx_http_scc_query_done;
    q->data = ctx;
    q->timer.log = r->connection->log;

    rc = ngx_http_scc_pg_send(smcf->pg_set, q);

    switch (rc) {

    case NGX_OK:
        ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "scc: query \"%V\" on its way",
                       &ctx->match.route->function);

        /* notice a client that hangs up while its query runs */
        r->read_event_handler = ngx_http_test_reading;
        return NGX_DONE;

    case NGX_BUSY:
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "scc: PostgreSQL wait queue is full");
        return ngx_http_scc_send_error(r, NGX_HTTP_SCC_ERR_BUSY, NULL);

    case NGX_DECLINED:
        return ngx_http_scc_send_error(r, NGX_HTTP_SCC_ERR_DB_UNAVAILABLE,
                                       NULL);

    default:
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }
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

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, c->log, 0,
                   "scc: query done, reason %ui", reason);

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

        if (ctx->match.route->flags & NGX_HTTP_SCC_FILE) {
            rc = ngx_http_scc_send_file(r, res);
            break;
        }

        rc = ngx_http_scc_send_result(r, res);
        break;

    case NGX_HTTP_SCC_PG_WAIT_TIMEOUT:
        ngx_log_error(NGX_LOG_WARN, c->log, 0,
                      "scc: no PostgreSQL connection came free in time");
        rc = ngx_http_scc_send_error(r, NGX_HTTP_SCC_ERR_BUSY_WAIT, NULL);
        break;

    case NGX_HTTP_SCC_PG_QUERY_TIMEOUT:
        rc = ngx_http_scc_send_error(r, NGX_HTTP_SCC_ERR_DB_TIMEOUT, NULL);
        break;

    default: /* NGX_HTTP_SCC_PG_DOWN */
        rc = ngx_http_scc_send_error(r, NGX_HTTP_SCC_ERR_DB_UNAVAILABLE,
                                     NULL);
        break;
    }

    ngx_http_finalize_request(r, rc);
    ngx_http_run_posted_requests(c);
}


static void
ngx_http_scc_query_cleanup(void *data)
{
    ngx_http_scc_ctx_t  *ctx = data;

    if (ctx->query.set) {
        ngx_http_scc_pg_cancel(&ctx->query);
    }
}
