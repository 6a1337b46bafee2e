/*
 * Fuzz target: JWT verification (ngx_http_scc_jwt_verify and the JWS
 * layer under it), and the cache of verified tokens in front of it.
 *
 * The first byte chooses:
 *   even: the rest is a token, any bytes.  Nothing but a token we signed
 *         may pass; random bytes never carry a valid MAC.
 *   odd:  the rest is a payload, signed here with our header and key, so
 *         the claims layer sees any JSON the fuzzer makes.
 * Either way the token then goes through one cache kept across inputs
 * (small, so that tokens of the same length and tail collide and evict
 * each other), twice, at two moments: every answer must be the one the
 * verifier gives, claims included ("sid", the session, a uuid whenever
 * it is accepted).  Nothing may crash or read past the token.
 */

#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_http_scc_jwt.h"
#include "ngx_http_scc_jwt_cache.h"
#include "ngx_http_scc_base64url.h"

#include <openssl/hmac.h>


#define FUZZ_SECRET  "fuzz-secret-of-thirty-two-bytes!!"
#define FUZZ_HEADER  "{\"alg\":\"HS256\",\"typ\":\"at+jwt\"}"
#define FUZZ_NOW     1800000000


static ngx_http_scc_jwt_key_t    key;
static ngx_http_scc_jwt_conf_t   conf;
static ngx_str_t                 typ = ngx_string(NGX_HTTP_SCC_JWT_TYP_ACCESS);
static ngx_http_scc_jwt_cache_t  cache;
static u_char                    cache_mem[16
                                     * sizeof(ngx_http_scc_jwt_cache_entry_t)];


static void
same(ngx_http_scc_jwt_claims_t *a, ngx_http_scc_jwt_claims_t *b)
{
    if (a->sub.len != b->sub.len || a->jti.len != b->jti.len
        || a->sid.len != b->sid.len
        || a->role != b->role || a->iat != b->iat || a->exp != b->exp
        || a->rotated != b->rotated
        || (a->sub.len && ngx_memcmp(a->sub.data, b->sub.data, a->sub.len))
        || (a->jti.len && ngx_memcmp(a->jti.data, b->jti.data, a->jti.len))
        || (a->sid.len && ngx_memcmp(a->sid.data, b->sid.data, a->sid.len)))
    {
        abort();
    }

    /* a sid that passed is a uuid as PostgreSQL writes it, nothing else */

    if (a->sid.len && !ngx_http_scc_jwt_sid_ok(a->sid.data, a->sid.len)) {
        abort();
    }
}


/* header "." base64url(payload) "." MAC, in a malloc()ed token */

static u_char *
sign(const uint8_t *payload, size_t size, size_t *len)
{
    u_char        *t, *p;
    unsigned int   mac_len;
    ngx_str_t      src, dst;
    u_char         mac[EVP_MAX_MD_SIZE];

    t = malloc(ngx_http_scc_base64url_encoded_length(sizeof(FUZZ_HEADER) - 1)
               + ngx_http_scc_base64url_encoded_length(size)
               + ngx_http_scc_base64url_encoded_length(32) + 2);
    if (t == NULL) {
        return NULL;
    }

    src.data = (u_char *) FUZZ_HEADER;
    src.len = sizeof(FUZZ_HEADER) - 1;
    dst.data = t;
    ngx_http_scc_base64url_encode(&dst, &src);
    p = t + dst.len;
    *p++ = '.';

    src.data = (u_char *) payload;
    src.len = size;
    dst.data = p;
    ngx_http_scc_base64url_encode(&dst, &src);
    p += dst.len;

    if (HMAC(EVP_sha256(), FUZZ_SECRET, sizeof(FUZZ_SECRET) - 1, t, p - t,
             mac, &mac_len) == NULL)
    {
        abort();
    }

    *p++ = '.';
    src.data = mac;
    src.len = mac_len;
    dst.data = p;
    ngx_http_scc_base64url_encode(&dst, &src);
    p += dst.len;

    *len = p - t;

    return t;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    u_char                     *copy, storage[NGX_HTTP_SCC_JWT_STORAGE_SIZE];
    u_char                      cstorage[NGX_HTTP_SCC_JWT_STORAGE_SIZE];
    u_char                      buf[NGX_HTTP_SCC_JWS_BUF_SIZE];
    size_t                      len;
    time_t                      now;
    ngx_uint_t                  i, signed_here;
    ngx_str_t                   token;
    ngx_http_scc_jws_t          jws;
    ngx_http_scc_jwt_rc_e       rc, crc;
    ngx_http_scc_jwt_claims_t   claims, cclaims;

    if (key.ctx == NULL) {
        if (ngx_http_scc_jwt_key_init(&key, (u_char *) FUZZ_SECRET,
                                      sizeof(FUZZ_SECRET) - 1)
            != NGX_OK)
        {
            abort();
        }

        conf.current = &key;
        ngx_str_set(&conf.iss, "scc");
        ngx_str_set(&conf.aud, "scc");

        ngx_http_scc_jwt_cache_init(&cache, cache_mem, 16, &typ);
    }

    if (size == 0) {
        return 0;
    }

    signed_here = data[0] & 1;

    if (signed_here) {
        copy = sign(data + 1, size - 1, &len);

    } else {
        len = size - 1;
        copy = malloc(len ? len : 1);

        if (copy) {
            ngx_memcpy(copy, data + 1, len);
        }
    }

    if (copy == NULL) {
        return 0;
    }

    token.data = copy;
    token.len = len;

    if (!signed_here) {

        /* random bytes never carry a valid MAC: both layers must refuse */

        if (ngx_http_scc_jwt_verify(&conf, &token, &typ, FUZZ_NOW, &claims,
                                    storage, sizeof(storage))
            == NGX_HTTP_SCC_JWT_OK
            || ngx_http_scc_jwt_verify_jws(&key, NULL, &token, NULL, buf,
                                           sizeof(buf), &jws)
               == NGX_HTTP_SCC_JWT_OK)
        {
            abort();
        }
    }

    /* the cache answers what the verifier answers, at any moment */

    for (i = 0; i < 4; i++) {
        now = (i & 1) ? FUZZ_NOW + 86400 * 365 : FUZZ_NOW;

        rc = ngx_http_scc_jwt_verify(&conf, &token, &typ, now, &claims,
                                     storage, sizeof(storage));
        crc = ngx_http_scc_jwt_cache_verify(&cache, &conf, &token, now,
                                            &cclaims, cstorage,
                                            sizeof(cstorage));
        if (rc != crc) {
            abort();
        }

        same(&claims, &cclaims);
    }

    free(copy);

    return 0;
}
