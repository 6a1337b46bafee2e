
/*
 * SCC: authentication and authorisation at the door (see
 * ngx_http_scc_auth.h).
 *
 * Order of checks for every route: find the access token (Bearer first,
 * then the access cookie); refuse a cookie-carrying unsafe request whose
 * Origin is not ours (CSRF); verify the token; compare the role with the
 * route's least role.  Public routes ignore a bad token rather than
 * refuse it, so that a browser holding an expired cookie can still reach
 * /api/auth/refresh.  Refusals follow RFC 6750.
 *
 * Nothing here touches PostgreSQL, and a refused request never reaches
 * it.  Secrets and tokens are never logged.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <yajl/yajl_tree.h>

#include "ngx_http_scc.h"


#define NGX_HTTP_SCC_UNSAFE  (NGX_HTTP_POST|NGX_HTTP_PUT|NGX_HTTP_PATCH      \
                              |NGX_HTTP_DELETE)

/* "%4d-%02d-%02dT%02d:%02d:%02dZ" with any int year fits */
#define NGX_HTTP_SCC_ISO_LEN  32


static ngx_int_t ngx_http_scc_auth_bearer(ngx_http_request_t *r,
    ngx_str_t *token);
static ngx_table_elt_t *ngx_http_scc_auth_header(ngx_http_request_t *r,
    ngx_str_t *name);
static ngx_int_t ngx_http_scc_auth_cookie(ngx_http_request_t *r,
    ngx_http_scc_cookie_t *cookie, time_t max_age, ngx_str_t *value);
static void ngx_http_scc_auth_emit(yajl_gen g, yajl_val v);
static void ngx_http_scc_auth_gen_str(yajl_gen g, const char *key,
    u_char *data, size_t len);
static size_t ngx_http_scc_auth_iso(u_char *buf, time_t t);


/*
 * With scc_cookie_secure on, the names carry the prefixes browsers enforce
 * (RFC 6265bis 4.1.3): "__Host-" only on a Secure cookie of Path=/ with no
 * Domain, so no sibling subdomain or plain-http page can plant or shadow
 * the access cookie; "__Secure-" for the refresh cookie, whose Path stays
 * /api/auth (which "__Host-" forbids).  Off (plain http in development),
 * browsers would drop prefixed cookies, so the bare names are used.
 */

static ngx_http_scc_cookie_t  ngx_http_scc_cookies[2][2] = {
    {   /* scc_cookie_secure off */
        { ngx_string("scc_at"), ngx_string("/api") },
        { ngx_string("scc_rt"), ngx_string("/api/auth") }
    },
    {   /* scc_cookie_secure on */
        { ngx_string("__Host-scc_at"), ngx_string("/") },
        { ngx_string("__Secure-scc_rt"), ngx_string("/api/auth") }
    }
};
static ngx_str_t  ngx_http_scc_access_typ =
    ngx_string(NGX_HTTP_SCC_JWT_TYP_ACCESS);
static ngx_str_t  ngx_http_scc_origin = ngx_string("Origin");


ngx_int_t
ngx_http_scc_auth_init_process(ngx_cycle_t *cycle, ngx_uint_t size,
    ngx_http_scc_jwt_cache_t **cache)
{
    void                      *mem;
    ngx_http_scc_jwt_cache_t  *c;

    *cache = NULL;

    if (size == 0) {
        return NGX_OK;
    }

    c = ngx_palloc(cycle->pool, sizeof(ngx_http_scc_jwt_cache_t));
    if (c == NULL) {
        return NGX_ERROR;
    }

    mem = ngx_palloc(cycle->pool, ngx_http_scc_jwt_cache_size(size));
    if (mem == NULL) {
        return NGX_ERROR;
    }

    ngx_http_scc_jwt_cache_init(c, mem, size, &ngx_http_scc_access_typ);

    *cache = c;

    return NGX_OK;
}


ngx_http_scc_cookie_t *
ngx_http_scc_auth_cookies(ngx_flag_t secure)
{
    return ngx_http_scc_cookies[secure ? 1 : 0];
}


ngx_int_t
ngx_http_scc_auth_check(ngx_http_request_t *r, ngx_http_scc_ctx_t *ctx)
{
    ngx_str_t                  token, at, rt, *origin;
    ngx_int_t                  bearer;
    ngx_uint_t                 hits, misses;
    ngx_table_elt_t           *h;
    ngx_http_scc_route_t      *route;
    ngx_http_scc_jwt_rc_e      rc;
    ngx_http_scc_main_conf_t  *smcf;

    smcf = ngx_http_get_module_main_conf(r, ngx_http_scc_module);
    route = ctx->match.route;
    origin = &smcf->public_origin;

    ngx_str_null(&at);
    ngx_str_null(&rt);

    (void) ngx_http_parse_multi_header_lines(&r->headers_in.cookies,
                                             &smcf->cookies[0].name, &at);
    (void) ngx_http_parse_multi_header_lines(&r->headers_in.cookies,
                                             &smcf->cookies[1].name, &rt);

    bearer = ngx_http_scc_auth_bearer(r, &token);

    if (bearer != NGX_OK) {
        token = at;
    }

    ngx_log_debug3(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "scc: access token %s, access cookie %uz bytes, "
                   "refresh cookie %uz bytes",
                   bearer == NGX_OK ? "from Bearer"
                                    : (at.len ? "from the cookie" : "none"),
                   at.len, rt.len);

    /*
     * The browser attaches cookies to any site's forms and fetches; only
     * a request that names our own origin may use them to change things.
     * API clients use Bearer tokens, which no other site can attach.
     */

    if ((r->method & NGX_HTTP_SCC_UNSAFE)
        && bearer != NGX_OK
        && (at.len || rt.len))
    {
        h = ngx_http_scc_auth_header(r, &ngx_http_scc_origin);

        if (h == NULL
            || h->value.len != origin->len
            || ngx_strncmp(h->value.data, origin->data, origin->len) != 0)
        {
            ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                          "scc: cookie-authenticated request from origin "
                          "\"%V\" refused",
                          h ? &h->value : &ngx_http_scc_origin);

            return ngx_http_scc_send_error(r, NGX_HTTP_SCC_ERR_ORIGIN, NULL);
        }
    }

    if (route->flags & NGX_HTTP_SCC_REFRESH) {
        ctx->refresh_token = rt;
    }

    if (token.len) {
        if (smcf->jwt_cache) {
            hits = smcf->jwt_cache->hits;
            misses = smcf->jwt_cache->misses;

            rc = ngx_http_scc_jwt_cache_verify(smcf->jwt_cache, &smcf->jwt,
                                               &token, ngx_time(),
                                               &ctx->claims, ctx->storage,
                                               sizeof(ctx->storage));

            ngx_http_scc_metrics_jwt_cache(smcf->metrics,
                                           smcf->jwt_cache->hits - hits,
                                           smcf->jwt_cache->misses - misses);

        } else {
            rc = ngx_http_scc_jwt_verify(&smcf->jwt, &token,
                                         &ngx_http_scc_access_typ,
                                         ngx_time(), &ctx->claims,
                                         ctx->storage, sizeof(ctx->storage));
        }

        if (rc == NGX_HTTP_SCC_JWT_OK) {
            ctx->authenticated = 1;

            ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                           "scc: access token of \"%V\", role %ui",
                           &ctx->claims.sub, ctx->claims.role);

        } else {
            ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                          "scc: access token refused: %s",
                          ngx_http_scc_jwt_strerror(rc));

            if (!(route->flags & NGX_HTTP_SCC_PUBLIC)) {
                return ngx_http_scc_send_error(r,
                                               NGX_HTTP_SCC_ERR_INVALID_TOKEN,
                                               NULL);
            }
        }
    }

    if (route->role == NGX_HTTP_SCC_ROLE_NONE) {
        return NGX_DECLINED;
    }

    if (!ctx->authenticated) {
        return ngx_http_scc_send_error(r, NGX_HTTP_SCC_ERR_UNAUTHORIZED,
                                       NULL);
    }

    if (ctx->claims.role < route->role) {
        return ngx_http_scc_send_error(r, NGX_HTTP_SCC_ERR_SCOPE, NULL);
    }

    return NGX_DECLINED;
}


/* NGX_OK with the token of "Authorization: Bearer <token>" */

static ngx_int_t
ngx_http_scc_auth_bearer(ngx_http_request_t *r, ngx_str_t *token)
{
    u_char           *p, *end;
    ngx_table_elt_t  *h;

    h = r->headers_in.authorization;

    if (h == NULL
        || h->value.len < sizeof("Bearer ") - 1
        || ngx_strncasecmp(h->value.data, (u_char *) "Bearer ",
                           sizeof("Bearer ") - 1) != 0)
    {
        return NGX_DECLINED;
    }

    p = h->value.data + sizeof("Bearer ") - 1;
    end = h->value.data + h->value.len;

    while (p < end && *p == ' ') {
        p++;
    }

    token->data = p;
    token->len = end - p;

    return NGX_OK;
}


static ngx_table_elt_t *
ngx_http_scc_auth_header(ngx_http_request_t *r, ngx_str_t *name)
{
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    part = &r->headers_in.headers.part;
    h = part->elts;

    for (i = 0; /* void */ ; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                return NULL;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        if (h[i].key.len == name->len
            && ngx_strncasecmp(h[i].key.data, name->data, name->len) == 0)
        {
            return &h[i];
        }
    }
}


ngx_int_t
ngx_http_scc_auth_me(ngx_http_request_t *r, ngx_http_scc_ctx_t *ctx)
{
    u_char     *p;
    size_t      len;
    ngx_buf_t  *b;
    ngx_str_t  *role, *sub, *sid;

    /*
     * Built without yajl, like the errors: it is the hottest route.  The
     * subject is UTF-8 (the verifier's JSON parser checked it); the role
     * name, the session's uuid (checked by the verifier too) and the time
     * need no escaping.  {"user":{"id","role"},"session_id"?,"expires_at"}:
     * session_id only for a token that names its session.
     */

    if (ngx_http_discard_request_body(r) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    sub = &ctx->claims.sub;
    sid = &ctx->claims.sid;
    role = ngx_http_scc_role_name(ctx->claims.role);

    len = sizeof("{\"user\":{\"id\":,\"role\":\"\"},\"expires_at\":\"\"}")
          - 1
          + NGX_HTTP_SCC_JSON_STRING_MAX(sub->len)
          + role->len + NGX_HTTP_SCC_ISO_LEN
          + (sid->len ? sizeof(",\"session_id\":\"\"") - 1 + sid->len : 0);

    b = ngx_create_temp_buf(r->pool, len);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = ngx_cpymem(b->last, "{\"user\":{\"id\":",
                   sizeof("{\"user\":{\"id\":") - 1);
    p = ngx_http_scc_json_string(p, sub->data, sub->len);
    p = ngx_cpymem(p, ",\"role\":\"", sizeof(",\"role\":\"") - 1);
    p = ngx_cpymem(p, role->data, role->len);
    p = ngx_cpymem(p, "\"}", 2);

    if (sid->len) {
        p = ngx_cpymem(p, ",\"session_id\":\"",
                       sizeof(",\"session_id\":\"") - 1);
        p = ngx_cpymem(p, sid->data, sid->len);
        *p++ = '"';
    }

    p = ngx_cpymem(p, ",\"expires_at\":\"", sizeof(",\"expires_at\":\"") - 1);
    p += ngx_http_scc_auth_iso(p, ctx->claims.exp);
    *p++ = '"';
    *p++ = '}';

    b->last = p;

    return ngx_http_scc_send_json(r, NGX_HTTP_OK, b);
}


/*
 * The SQL function answered {"user": {...}, "refresh_token": "...",
 * "refresh_expires_at": "...", "session_id": "..."}: sign an access token
 * for that user in that session (its "sid"), put both tokens in HttpOnly
 * cookies, and give them in the body only to API clients (no Origin
 * header): a page's scripts never see a token.  The body is built here,
 * so session_id, which is for the token, never reaches the client.
 */

ngx_int_t
ngx_http_scc_auth_issue(ngx_http_request_t *r, ngx_http_scc_ctx_t *ctx,
    PGresult *res)
{
    char                       err[128];
    u_char                    *buf;
    ngx_int_t                  status;
    ngx_str_t                  token, refresh;
    yajl_gen                   g;
    yajl_val                   root, user, id, role, rt, rexp, sid;
    ngx_uint_t                 api_client;
    ngx_http_scc_json_out_t    out;
    ngx_http_scc_jwt_claims_t  claims;
    ngx_http_scc_main_conf_t  *smcf;

    static const char  *user_path[] = { "user", NULL };
    static const char  *id_path[] = { "id", NULL };
    static const char  *role_path[] = { "role", NULL };
    static const char  *rt_path[] = { "refresh_token", NULL };
    static const char  *rexp_path[] = { "refresh_expires_at", NULL };
    static const char  *sid_path[] = { "session_id", NULL };

    smcf = ngx_http_get_module_main_conf(r, ngx_http_scc_module);

    status = NGX_ERROR;

    if (PQresultStatus(res) == PGRES_TUPLES_OK
        && PQntuples(res) == 1
        && PQnfields(res) == 2
        && !PQgetisnull(res, 0, 0)
        && !PQgetisnull(res, 0, 1))
    {
        status = ngx_atoi((u_char *) PQgetvalue(res, 0, 0),
                          PQgetlength(res, 0, 0));
    }

    if (status != NGX_HTTP_OK) {

        /*
         * A refused refresh token means the session is over: its cookies
         * go.  A refused magic link says nothing about the session the
         * browser may already have, so it stays.
         */

        if ((ctx->match.route->flags & NGX_HTTP_SCC_REFRESH)
            && ngx_http_scc_auth_clear(r) != NGX_OK)
        {
            PQclear(res);
            return NGX_ERROR;
        }

        return ngx_http_scc_send_result(r, res);
    }

    root = yajl_tree_parse(PQgetvalue(res, 0, 1), err, sizeof(err));
    PQclear(res);

    if (root == NULL) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "scc: issuing route answered no JSON: %s", err);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    user = yajl_tree_get(root, user_path, yajl_t_object);
    id = user ? yajl_tree_get(user, id_path, yajl_t_string) : NULL;
    role = user ? yajl_tree_get(user, role_path, yajl_t_string) : NULL;
    rt = yajl_tree_get(root, rt_path, yajl_t_string);
    rexp = yajl_tree_get(root, rexp_path, yajl_t_string);
    sid = yajl_tree_get(root, sid_path, yajl_t_string);

    ngx_memzero(&claims, sizeof(ngx_http_scc_jwt_claims_t));

    if (role) {
        claims.role = ngx_http_scc_role_rank((u_char *) role->u.string,
                                             ngx_strlen(role->u.string));
    }

    if (id == NULL || rt == NULL || sid == NULL
        || claims.role == NGX_HTTP_SCC_ROLE_NONE)
    {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "scc: issuing route answered without user.id, "
                      "user.role, refresh_token or session_id");
        yajl_tree_free(root);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* every access token names the session it was issued in */

    claims.sid.data = (u_char *) YAJL_GET_STRING(sid);
    claims.sid.len = ngx_strlen(claims.sid.data);

    if (!ngx_http_scc_jwt_sid_ok(claims.sid.data, claims.sid.len)) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "scc: issuing route answered a session_id that is "
                      "not a uuid");
        yajl_tree_free(root);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    claims.sub.data = (u_char *) YAJL_GET_STRING(id);
    claims.sub.len = ngx_strlen(claims.sub.data);
    claims.iat = ngx_time();
    claims.exp = claims.iat + smcf->jwt_ttl;

    buf = ngx_pnalloc(r->pool, NGX_HTTP_SCC_JWT_SIGN_SIZE
                               + NGX_HTTP_SCC_JWT_JTI_LEN);
    if (buf == NULL) {
        yajl_tree_free(root);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    claims.jti.data = buf + NGX_HTTP_SCC_JWT_SIGN_SIZE;
    claims.jti.len = NGX_HTTP_SCC_JWT_JTI_LEN;

    if (ngx_http_scc_jwt_jti(claims.jti.data) != NGX_OK
        || ngx_http_scc_jwt_sign(&smcf->jwt, &ngx_http_scc_access_typ,
                                 &claims, buf, NGX_HTTP_SCC_JWT_SIGN_SIZE,
                                 &token)
           != NGX_OK)
    {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "scc: could not sign an access token");
        yajl_tree_free(root);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    refresh.data = (u_char *) YAJL_GET_STRING(rt);
    refresh.len = ngx_strlen(refresh.data);

    if (ngx_http_scc_auth_cookie(r, &smcf->cookies[0], smcf->jwt_ttl,
                                 &token)
           != NGX_OK
        || ngx_http_scc_auth_cookie(r, &smcf->cookies[1], smcf->refresh_ttl,
                                    &refresh)
           != NGX_OK
        || ngx_http_scc_json_out_init(&out, r->pool, 1024) != NGX_OK)
    {
        yajl_tree_free(root);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    api_client = (ngx_http_scc_auth_header(r, &ngx_http_scc_origin) == NULL);

    g = out.gen;

    yajl_gen_map_open(g);
    yajl_gen_string(g, (u_char *) "user", 4);
    ngx_http_scc_auth_emit(g, user);
    ngx_http_scc_auth_gen_str(g, "token_type", (u_char *) "Bearer", 6);
    yajl_gen_string(g, (u_char *) "expires_in", 10);
    yajl_gen_integer(g, smcf->jwt_ttl);

    if (api_client) {
        ngx_http_scc_auth_gen_str(g, "access_token", token.data, token.len);
        ngx_http_scc_auth_gen_str(g, "refresh_token", refresh.data,
                                  refresh.len);

        if (rexp) {
            yajl_gen_string(g, (u_char *) "refresh_expires_at", 18);
            ngx_http_scc_auth_emit(g, rexp);
        }
    }

    yajl_gen_map_close(g);

    yajl_tree_free(root);

    if (out.failed) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_scc_send_json(r, NGX_HTTP_OK, out.buf);
}


ngx_int_t
ngx_http_scc_auth_clear(ngx_http_request_t *r)
{
    ngx_str_t                  empty = ngx_null_string;
    ngx_http_scc_main_conf_t  *smcf;

    smcf = ngx_http_get_module_main_conf(r, ngx_http_scc_module);

    if (ngx_http_scc_auth_cookie(r, &smcf->cookies[0], 0, &empty) != NGX_OK
        || ngx_http_scc_auth_cookie(r, &smcf->cookies[1], 0, &empty)
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    return NGX_OK;
}


/*
 * HttpOnly: no script reads them; SameSite=Strict: no other site's page
 * sends them; the refresh token goes only to /api/auth, so it crosses the
 * wire as rarely as possible.  Never a Domain attribute.
 */

static ngx_int_t
ngx_http_scc_auth_cookie(ngx_http_request_t *r, ngx_http_scc_cookie_t *cookie,
    time_t max_age, ngx_str_t *value)
{
    size_t                     len;
    u_char                    *p, *last;
    ngx_http_scc_main_conf_t  *smcf;

    smcf = ngx_http_get_module_main_conf(r, ngx_http_scc_module);

    len = cookie->name.len + value->len + cookie->path.len + NGX_TIME_T_LEN
          + sizeof("=; Path=; Max-Age=; HttpOnly; SameSite=Strict; Secure");

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    last = ngx_sprintf(p, "%V=%V; Path=%V; Max-Age=%T; HttpOnly; "
                       "SameSite=Strict%s", &cookie->name, value,
                       &cookie->path, max_age,
                       smcf->cookie_secure ? "; Secure" : "");

    return ngx_http_scc_add_header(r, "Set-Cookie", p, last - p);
}


/* writes a parsed JSON value back out as it was */

static void
ngx_http_scc_auth_emit(yajl_gen g, yajl_val v)
{
    size_t  i;

    if (YAJL_IS_STRING(v)) {
        yajl_gen_string(g, (u_char *) v->u.string, ngx_strlen(v->u.string));

    } else if (YAJL_IS_NUMBER(v)) {
        yajl_gen_number(g, v->u.number.r, ngx_strlen(v->u.number.r));

    } else if (YAJL_IS_OBJECT(v)) {
        yajl_gen_map_open(g);

        for (i = 0; i < v->u.object.len; i++) {
            yajl_gen_string(g, (u_char *) v->u.object.keys[i],
                            ngx_strlen(v->u.object.keys[i]));
            ngx_http_scc_auth_emit(g, v->u.object.values[i]);
        }

        yajl_gen_map_close(g);

    } else if (YAJL_IS_ARRAY(v)) {
        yajl_gen_array_open(g);

        for (i = 0; i < v->u.array.len; i++) {
            ngx_http_scc_auth_emit(g, v->u.array.values[i]);
        }

        yajl_gen_array_close(g);

    } else if (YAJL_IS_TRUE(v)) {
        yajl_gen_bool(g, 1);

    } else if (YAJL_IS_FALSE(v)) {
        yajl_gen_bool(g, 0);

    } else {
        yajl_gen_null(g);
    }
}


static void
ngx_http_scc_auth_gen_str(yajl_gen g, const char *key, u_char *data,
    size_t len)
{
    yajl_gen_string(g, (u_char *) key, ngx_strlen(key));
    yajl_gen_string(g, data, len);
}


static size_t
ngx_http_scc_auth_iso(u_char *buf, time_t t)
{
    ngx_tm_t  tm;

    ngx_gmtime(t, &tm);

    return ngx_sprintf(buf, "%4d-%02d-%02dT%02d:%02d:%02dZ",
                       tm.ngx_tm_year, tm.ngx_tm_mon, tm.ngx_tm_mday,
                       tm.ngx_tm_hour, tm.ngx_tm_min, tm.ngx_tm_sec)
           - buf;
}
