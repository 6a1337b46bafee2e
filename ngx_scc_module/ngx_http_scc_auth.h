
/*
 * SCC: who is asking, and may they.
 *
 * Access tokens are HS256 JWTs checked in-process (no database round
 * trip); they come as "Authorization: Bearer" from API clients or as the
 * HttpOnly cookie __Host-scc_at from the browser (scc_at without
 * scc_cookie_secure).  The refresh token is opaque, lives in the cookie
 * __Secure-scc_rt (scc_rt; path /api/auth) or an API client's body,
 * and only PostgreSQL can tell whether it is good.
 */


#ifndef _NGX_HTTP_SCC_AUTH_H_INCLUDED_
#define _NGX_HTTP_SCC_AUTH_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <libpq-fe.h>

#include "ngx_http_scc_jwt_cache.h"


typedef struct ngx_http_scc_ctx_s  ngx_http_scc_ctx_t;


/* one of our cookies: its name and Path */
typedef struct {
    ngx_str_t                  name;
    ngx_str_t                  path;
} ngx_http_scc_cookie_t;


/*
 * The access and the refresh cookie, in that order, for scc_cookie_secure:
 * "__Host-scc_at" (Path=/) and "__Secure-scc_rt" when on, "scc_at" and
 * "scc_rt" when off.
 */
ngx_http_scc_cookie_t *ngx_http_scc_auth_cookies(ngx_flag_t secure);


/*
 * A worker process's cache of verified access tokens (scc_jwt_cache), in
 * the cycle's pool; nothing when the size is 0.
 */
ngx_int_t ngx_http_scc_auth_init_process(ngx_cycle_t *cycle, ngx_uint_t size,
    ngx_http_scc_jwt_cache_t **cache);

/*
 * NGX_DECLINED: go on (ctx says who, if anyone); anything else is the
 * response code of a refusal already sent (401, 403).
 */
ngx_int_t ngx_http_scc_auth_check(ngx_http_request_t *r,
    ngx_http_scc_ctx_t *ctx);

/* a route answered by the module itself: GET /api/me */
ngx_int_t ngx_http_scc_auth_me(ngx_http_request_t *r, ngx_http_scc_ctx_t *ctx);

/* a token-issuing route's SQL result becomes tokens and cookies */
ngx_int_t ngx_http_scc_auth_issue(ngx_http_request_t *r,
    ngx_http_scc_ctx_t *ctx, PGresult *res);

/* Set-Cookie headers that delete both cookies */
ngx_int_t ngx_http_scc_auth_clear(ngx_http_request_t *r);


#endif /* _NGX_HTTP_SCC_AUTH_H_INCLUDED_ */
