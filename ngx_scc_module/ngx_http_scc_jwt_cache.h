
/*
 * SCC: a per-process cache of verified tokens, in front of
 * ngx_http_scc_jwt_verify().
 *
 * An API client sends the same access token with every request for up
 * to fifteen minutes; checking its MAC and parsing its JSON each time is
 * most of what GET /api/me costs.  The cache keeps, per token, what
 * ngx_http_scc_jwt_judge() decided (good or bad), and answers each
 * request with ngx_http_scc_jwt_verdict_at() for that moment: the answer
 * is always the one ngx_http_scc_jwt_verify() would give, expiry
 * included.  It never widens what a token may do; a process holds its
 * own (keys change only with a new configuration, hence new processes).
 *
 * "Pure" like ngx_http_scc_jwt.c: the caller gives the memory.
 */


#ifndef _NGX_HTTP_SCC_JWT_CACHE_H_INCLUDED_
#define _NGX_HTTP_SCC_JWT_CACHE_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include "ngx_http_scc_jwt.h"


/* entries of a set, replaced least recently used first */
#define NGX_HTTP_SCC_JWT_CACHE_WAYS       4

/* longer tokens are verified every time (ours are about 300 bytes) */
#define NGX_HTTP_SCC_JWT_CACHE_TOKEN_MAX  512


typedef struct {
    uint64_t                     tag;       /* the token's last 8 bytes */
    ngx_uint_t                   used;      /* cache clock at last use */
    size_t                       len;       /* 0: empty */
    ngx_http_scc_jwt_verdict_t   verdict;
    ngx_http_scc_jwt_claims_t    claims;    /* point into storage */
    u_char                       storage[NGX_HTTP_SCC_JWT_STORAGE_SIZE];
    u_char                       token[NGX_HTTP_SCC_JWT_CACHE_TOKEN_MAX];
} ngx_http_scc_jwt_cache_entry_t;


typedef struct {
    ngx_http_scc_jwt_cache_entry_t  *entries;
    ngx_uint_t                       bits;     /* 2^bits sets */
    ngx_uint_t                       clock;
    ngx_str_t                        typ;      /* the one kind it holds */
    ngx_uint_t                       hits;
    ngx_uint_t                       misses;
} ngx_http_scc_jwt_cache_t;


/* the bytes a cache of at least n tokens needs (n > 0) */
size_t ngx_http_scc_jwt_cache_size(ngx_uint_t n);

/*
 * mem: ngx_http_scc_jwt_cache_size(n) bytes, kept as long as the cache;
 * they are zeroed here.  typ: the one kind of token it answers for.
 */
void ngx_http_scc_jwt_cache_init(ngx_http_scc_jwt_cache_t *cache, void *mem,
    ngx_uint_t n, ngx_str_t *typ);

/*
 * ngx_http_scc_jwt_verify(conf, token, cache->typ, now, ...), answered
 * from the cache when the token was seen before.  conf must be the same
 * at every call.
 */
ngx_http_scc_jwt_rc_e ngx_http_scc_jwt_cache_verify(
    ngx_http_scc_jwt_cache_t *cache, ngx_http_scc_jwt_conf_t *conf,
    ngx_str_t *token, time_t now, ngx_http_scc_jwt_claims_t *claims,
    u_char *storage, size_t size);


#endif /* _NGX_HTTP_SCC_JWT_CACHE_H_INCLUDED_ */
