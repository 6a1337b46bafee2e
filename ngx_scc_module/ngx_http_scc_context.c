
/*
 * SCC: the one argument of a route's SQL function, a jsonb context
 *
 *   {"actor":{"id","role","jti"?,"sid"?}|null,"params":{..},"query":{..},
 *    "ip","ua","request_id","body":..}
 *
 * plus "refresh_token"/"refresh_ttl" for the token routes and "pool" (the
 * connection set's figures) for health.  Built with yajl into the request
 * pool; nothing else about the request reaches SQL.  A string that is not
 * UTF-8 is refused, never repaired.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_scc.h"


static ngx_int_t ngx_http_scc_context_args(ngx_http_request_t *r,
    yajl_gen g);
static ngx_int_t ngx_http_scc_unescape(ngx_pool_t *pool, u_char *start,
    u_char *end, ngx_str_t *out);


/*
 * The route function's only argument, NUL-terminated for libpq's text
 * format.  NGX_DECLINED: a string of the request is not UTF-8.
 */

ngx_int_t
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
        role = ngx_http_scc_role_name(ctx->claims.role);

        yajl_gen_map_open(g);
        yajl_gen_string(g, (u_char *) "id", 2);
        yajl_gen_string(g, ctx->claims.sub.data, ctx->claims.sub.len);
        yajl_gen_string(g, (u_char *) "role", 4);
        yajl_gen_string(g, role->data, role->len);

        /* the token's own id: what a route records as the token it saw */
        if (ctx->claims.jti.len) {
            yajl_gen_string(g, (u_char *) "jti", 3);

            if (yajl_gen_string(g, ctx->claims.jti.data, ctx->claims.jti.len)
                != yajl_gen_status_ok)
            {
                yajl_gen_null(g);
            }
        }

        /*
         * the session the token was issued in (its scc.sessions row, a
         * uuid checked by the verifier): what a waiver signature records
         * once SQL has found it live and the actor's
         */
        if (ctx->claims.sid.len) {
            yajl_gen_string(g, (u_char *) "sid", 3);
            yajl_gen_string(g, ctx->claims.sid.data, ctx->claims.sid.len);
        }

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

    if (ctx->match.route->flags & NGX_HTTP_SCC_PG_STATS) {
        ngx_http_scc_pg_stats(smcf->pg_set, &stats);

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
