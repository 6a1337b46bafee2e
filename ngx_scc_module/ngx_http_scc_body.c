
/*
 * SCC: the request body, from the socket to a checked JSON object.
 *
 * A route that takes a body gets it as application/json (415 otherwise),
 * read whole into one memory buffer, and checked (one object, strict
 * UTF-8, at most NGX_HTTP_SCC_JSON_MAX_DEPTH levels; 400 invalid_body
 * otherwise) before the query is built.  A body must never be read from a
 * file (that read would block the worker): nginx -t refuses every scc_api
 * location whose buffer is smaller than its largest body.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_scc.h"


static void ngx_http_scc_body_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_scc_body_get(ngx_http_request_t *r,
    ngx_str_t *body);
static ngx_uint_t ngx_http_scc_body_is_json(ngx_http_request_t *r,
    ngx_uint_t text);
static ngx_uint_t ngx_http_scc_body_type_is(ngx_table_elt_t *h, char *type,
    size_t len);


ngx_int_t
ngx_http_scc_body_read(ngx_http_request_t *r, ngx_http_scc_ctx_t *ctx)
{
    ngx_int_t  rc;

    if (!ngx_http_scc_body_is_json(r, ctx->match.route->flags
                                         & NGX_HTTP_SCC_BODY_TEXT))
    {
        return ngx_http_scc_send_error(r, NGX_HTTP_SCC_ERR_MEDIA_TYPE, NULL);
    }

    r->request_body_in_single_buf = 1;

    rc = ngx_http_read_client_request_body(r, ngx_http_scc_body_handler);

    if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
        return rc;
    }

    return NGX_DONE;
}


static void
ngx_http_scc_body_handler(ngx_http_request_t *r)
{
    u_char               err[NGX_HTTP_SCC_JSON_ERR_LEN];
    ngx_int_t            rc;
    ngx_str_t            body, *bp;
    ngx_http_scc_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_scc_module);

    if (ngx_http_scc_body_get(r, &body) != NGX_OK) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "scc: body of %uz bytes read", body.len);

    bp = &body;

    if (body.len == 0 && !(ctx->match.route->flags & NGX_HTTP_SCC_BODY)) {

        /* an optional body that did not come */

        bp = NULL;
        goto query;
    }

    rc = ngx_http_scc_json_check(body.data, body.len,
                                 NGX_HTTP_SCC_JSON_MAX_DEPTH, err);

    if (rc == NGX_ERROR) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    if (rc == NGX_DECLINED) {
        ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "scc: body refused: %s", err);

        ngx_http_finalize_request(r,
            ngx_http_scc_send_error(r, NGX_HTTP_SCC_ERR_INVALID_BODY,
                                    (char *) err));
        return;
    }

query:

    rc = ngx_http_scc_query(r, ctx, bp);

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
ngx_http_scc_body_get(ngx_http_request_t *r, ngx_str_t *body)
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
 * send this type without a CORS preflight, which nobody here answers.  A
 * BODY_TEXT route (POST /api/ses/sns: Amazon SNS posts its JSON as
 * text/plain) takes text/plain too; its body is checked as JSON all the
 * same, and it changes nothing a forged cross-site post could use.
 */

static ngx_uint_t
ngx_http_scc_body_is_json(ngx_http_request_t *r, ngx_uint_t text)
{
    ngx_table_elt_t  *h;

    h = r->headers_in.content_type;

    if (h == NULL) {
        return 0;
    }

    if (ngx_http_scc_body_type_is(h, "application/json",
                                  sizeof("application/json") - 1))
    {
        return 1;
    }

    return text && ngx_http_scc_body_type_is(h, "text/plain",
                                             sizeof("text/plain") - 1);
}


static ngx_uint_t
ngx_http_scc_body_type_is(ngx_table_elt_t *h, char *type, size_t len)
{
    if (h->value.len < len
        || ngx_strncasecmp(h->value.data, (u_char *) type, len) != 0)
    {
        return 0;
    }

    return h->value.len == len
           || h->value.data[len] == ';'
           || h->value.data[len] == ' ';
}


/*
 * A body nginx spilled to a temporary file could only be read back with a
 * blocking read(): every scc_api location must keep the largest body it
 * accepts in memory.  Checked once the locations are merged.
 */

ngx_int_t
ngx_http_scc_body_check_locations(ngx_conf_t *cf, ngx_array_t *locs)
{
    ngx_uint_t                 i;
    ngx_http_scc_api_loc_t    *loc;
    ngx_http_core_loc_conf_t  *clcf;

    if (locs == NULL) {
        return NGX_OK;
    }

    loc = locs->elts;

    for (i = 0; i < locs->nelts; i++) {
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
