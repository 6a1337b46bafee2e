
/*
 * SCC: the per-process cache of verified tokens (see
 * ngx_http_scc_jwt_cache.h).
 *
 * What it must never do: answer differently from a fresh verification.
 * So it keeps verdicts, not answers (the moment is applied at every use),
 * it compares the whole token, never a hash of it, and an internal error
 * is never kept.  Bad tokens are kept too: a client retrying an expired
 * or forged token costs as little as a good one, and a flood of distinct
 * forgeries only evicts entries, each then costing one verification, as
 * without a cache.
 *
 * Lookup: a set is chosen by the token's last eight bytes, which are
 * signature characters, uniformly distributed for the tokens we sign;
 * anyone may pick the set of a forged token, but that only evicts.  The
 * whole token is then compared with CRYPTO_memcmp(), whose time does not
 * depend on where the bytes differ, so timing tells nothing about the
 * tokens the cache holds.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include "ngx_http_scc_jwt_cache.h"

#include <openssl/crypto.h>


/* Fibonacci hashing: the top bits of the product pick the set */
#define NGX_HTTP_SCC_JWT_CACHE_MIX  0x9e3779b97f4a7c15ULL


static ngx_uint_t ngx_http_scc_jwt_cache_bits(ngx_uint_t n);
static void ngx_http_scc_jwt_cache_claims(ngx_http_scc_jwt_cache_entry_t *e,
    ngx_http_scc_jwt_claims_t *claims, u_char *storage);


static ngx_uint_t
ngx_http_scc_jwt_cache_bits(ngx_uint_t n)
{
    ngx_uint_t  bits;

    bits = 0;

    while (((ngx_uint_t) NGX_HTTP_SCC_JWT_CACHE_WAYS << bits) < n) {
        bits++;
    }

    return bits;
}


size_t
ngx_http_scc_jwt_cache_size(ngx_uint_t n)
{
    return ((size_t) NGX_HTTP_SCC_JWT_CACHE_WAYS
            << ngx_http_scc_jwt_cache_bits(n))
           * sizeof(ngx_http_scc_jwt_cache_entry_t);
}


void
ngx_http_scc_jwt_cache_init(ngx_http_scc_jwt_cache_t *cache, void *mem,
    ngx_uint_t n, ngx_str_t *typ)
{
    ngx_memzero(cache, sizeof(ngx_http_scc_jwt_cache_t));

    cache->bits = ngx_http_scc_jwt_cache_bits(n);
    cache->entries = mem;
    cache->typ = *typ;

    /* every page is touched now: the process's size does not grow later */

    ngx_memzero(mem, ngx_http_scc_jwt_cache_size(n));
}


ngx_http_scc_jwt_rc_e
ngx_http_scc_jwt_cache_verify(ngx_http_scc_jwt_cache_t *cache,
    ngx_http_scc_jwt_conf_t *conf, ngx_str_t *token, time_t now,
    ngx_http_scc_jwt_claims_t *claims, u_char *storage, size_t size)
{
    uint64_t                         tag;
    ngx_uint_t                       i, set;
    ngx_http_scc_jwt_rc_e            rc;
    ngx_http_scc_jwt_cache_entry_t  *e, *victim;

    /*
     * The claims' storage must be the size the entries have, or a token
     * whose sub, jti and sid fit one and not the other would be judged
     * differently.
     */

    if (token->len < sizeof(uint64_t)
        || token->len > NGX_HTTP_SCC_JWT_CACHE_TOKEN_MAX
        || size != NGX_HTTP_SCC_JWT_STORAGE_SIZE)
    {
        return ngx_http_scc_jwt_verify(conf, token, &cache->typ, now, claims,
                                       storage, size);
    }

    ngx_memcpy(&tag, token->data + token->len - sizeof(uint64_t),
               sizeof(uint64_t));

    set = cache->bits
          ? (ngx_uint_t) ((tag * NGX_HTTP_SCC_JWT_CACHE_MIX)
                          >> (64 - cache->bits))
          : 0;

    e = &cache->entries[set * NGX_HTTP_SCC_JWT_CACHE_WAYS];
    victim = e;

    for (i = 0; i < NGX_HTTP_SCC_JWT_CACHE_WAYS; i++, e++) {

        if (e->len == token->len
            && e->tag == tag
            && CRYPTO_memcmp(e->token, token->data, token->len) == 0)
        {
            cache->hits++;
            e->used = ++cache->clock;
            goto found;
        }

        if (e->used < victim->used) {
            victim = e;
        }
    }

    cache->misses++;

    e = victim;
    e->len = 0;

    ngx_http_scc_jwt_judge(conf, token, &cache->typ, &e->verdict, &e->claims,
                           e->storage, sizeof(e->storage));

    /* an internal error (OpenSSL, typ) says nothing of the token */

    if (e->verdict.before != NGX_HTTP_SCC_JWT_ERR_INTERNAL) {
        e->tag = tag;
        e->len = token->len;
        ngx_memcpy(e->token, token->data, token->len);
        e->used = ++cache->clock;

    } else {
        e->used = 0;
    }

found:

    rc = ngx_http_scc_jwt_verdict_at(conf, &e->verdict, now);

    if (rc == NGX_HTTP_SCC_JWT_OK) {
        ngx_http_scc_jwt_cache_claims(e, claims, storage);

    } else {
        ngx_memzero(claims, sizeof(ngx_http_scc_jwt_claims_t));
    }

    return rc;
}


/* the entry's claims, with sub, jti and sid in the caller's storage */

static void
ngx_http_scc_jwt_cache_claims(ngx_http_scc_jwt_cache_entry_t *e,
    ngx_http_scc_jwt_claims_t *claims, u_char *storage)
{
    ngx_memcpy(storage, e->storage, sizeof(e->storage));

    *claims = e->claims;

    if (claims->sub.data) {
        claims->sub.data = storage + (e->claims.sub.data - e->storage);
    }

    if (claims->jti.data) {
        claims->jti.data = storage + (e->claims.jti.data - e->storage);
    }

    if (claims->sid.data) {
        claims->sid.data = storage + (e->claims.sid.data - e->storage);
    }
}
