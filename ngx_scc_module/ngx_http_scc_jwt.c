
/*
 * SCC: HS256 JSON Web Tokens (see ngx_http_scc_jwt.h); the JSON of a
 * token is read in ngx_http_scc_jwt_parse.c.
 *
 * Verification order, cheapest and least exposed first:
 *
 *   1. the length cap, before a byte is decoded;
 *   2. exactly three non-empty segments, strict base64url, a 32-byte
 *      signature;
 *   3. the MAC over the segments as received, under the current key and
 *      then the previous one, compared with CRYPTO_memcmp();
 *   4. only then is any JSON parsed: the header (alg, typ, crit, keys),
 *      unless it is byte for byte the one we sign, then the payload.
 *
 * The MAC is a small part of a verification; the payload's JSON is most
 * of the rest, which is why a forged token is cheaper to refuse than a
 * good one is to accept.
 *
 * The algorithm is fixed (HS256), so nothing in the header has to be read
 * before the MAC can be checked: yajl never sees a byte that the holder of
 * the secret did not sign, and every "alg" in the header, "none" in any
 * spelling included, is still refused afterwards unless it is "HS256".
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_http_scc_jwt.h"
#include "ngx_http_scc_jwt_parse.h"
#include "ngx_http_scc_base64url.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>


#define NGX_HTTP_SCC_JWT_SIG_B64_LEN                                          \
    ngx_http_scc_base64url_encoded_length(NGX_HTTP_SCC_JWT_MAC_LEN)


static ngx_int_t ngx_http_scc_jwt_mac(ngx_http_scc_jwt_key_t *key,
    u_char *data, size_t len, u_char *mac);
static ngx_uint_t ngx_http_scc_jwt_header_is_ours(ngx_str_t *header,
    ngx_str_t *typ);
static ngx_http_scc_jwt_rc_e ngx_http_scc_jwt_claims_check(
    ngx_http_scc_jwt_parse_t *p);
static u_char *ngx_http_scc_jwt_cat(u_char *p, u_char *last, u_char *s,
    size_t len);
static u_char *ngx_http_scc_jwt_cat_string(u_char *p, u_char *last,
    ngx_str_t *name, ngx_str_t *value);
static u_char *ngx_http_scc_jwt_cat_number(u_char *p, u_char *last,
    ngx_str_t *name, long long n);


static const char  *ngx_http_scc_jwt_errors[] = {
    "ok",
    "token too long",
    "not three non-empty segments",
    "bad base64url",
    "signature is not 32 bytes",
    "signature mismatch",
    "header is not a JSON object",
    "alg is not HS256",
    "unexpected typ",
    "crit header present",
    "jku, jwk, x5u or x5c header present",
    "payload is not a JSON object",
    "duplicate JSON key",
    "JSON too deep or too many keys",
    "claim of the wrong type",
    "exp missing",
    "token expired",
    "token not valid yet (nbf)",
    "token issued in the future (iat)",
    "wrong issuer",
    "wrong audience",
    "sub missing or empty",
    "role missing or unknown",
    "sid is not a uuid",
    "claims exceed the storage",
    "internal error"
};


static char  ngx_http_scc_jwt_digest[] = "SHA256";


ngx_int_t
ngx_http_scc_jwt_key_init(ngx_http_scc_jwt_key_t *key, u_char *secret,
    size_t len)
{
    EVP_MAC     *mac;
    OSSL_PARAM   params[2];

    key->ctx = NULL;

    if (len < NGX_HTTP_SCC_JWT_SECRET_MIN) {
        return NGX_DECLINED;
    }

    mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    if (mac == NULL) {
        return NGX_ERROR;
    }

    /* the context holds its own reference to the algorithm */

    key->ctx = EVP_MAC_CTX_new(mac);
    EVP_MAC_free(mac);

    if (key->ctx == NULL) {
        return NGX_ERROR;
    }

    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                                 ngx_http_scc_jwt_digest, 0);
    params[1] = OSSL_PARAM_construct_end();

    if (EVP_MAC_init(key->ctx, secret, len, params) != 1) {
        EVP_MAC_CTX_free(key->ctx);
        key->ctx = NULL;
        return NGX_ERROR;
    }

    return NGX_OK;
}


void
ngx_http_scc_jwt_key_cleanup(ngx_http_scc_jwt_key_t *key)
{
    if (key->ctx) {
        EVP_MAC_CTX_free(key->ctx);
        key->ctx = NULL;
    }
}


static ngx_int_t
ngx_http_scc_jwt_mac(ngx_http_scc_jwt_key_t *key, u_char *data, size_t len,
    u_char *mac)
{
    size_t  n;

    /*
     * Without a key, EVP_MAC_init() restarts HMAC from the inner and outer
     * blocks hashed by key_init(), cheaper than EVP_MAC_CTX_dup() and
     * much cheaper than a one-shot HMAC().  That reuse is why a key
     * belongs to one thread.
     */

    if (EVP_MAC_init(key->ctx, NULL, 0, NULL) != 1
        || EVP_MAC_update(key->ctx, data, len) != 1
        || EVP_MAC_final(key->ctx, mac, &n, NGX_HTTP_SCC_JWT_MAC_LEN) != 1
        || n != NGX_HTTP_SCC_JWT_MAC_LEN)
    {
        return NGX_ERROR;
    }

    return NGX_OK;
}


ngx_int_t
ngx_http_scc_jwt_sign(ngx_http_scc_jwt_conf_t *conf, ngx_str_t *typ,
    ngx_http_scc_jwt_claims_t *claims, u_char *buf, size_t size,
    ngx_str_t *token)
{
    u_char                    *p, *q, *last, *end;
    u_char                     json[NGX_HTTP_SCC_JWS_BUF_SIZE];
    u_char                     mac[NGX_HTTP_SCC_JWT_MAC_LEN];
    ngx_str_t                  src, dst, *role;

    static ngx_str_t  alg = ngx_string("{\"alg\":\"HS256\"");
    static ngx_str_t  s_typ = ngx_string("typ");
    static ngx_str_t  s_sub = ngx_string("sub");
    static ngx_str_t  s_role = ngx_string("role");
    static ngx_str_t  s_iat = ngx_string("iat");
    static ngx_str_t  s_exp = ngx_string("exp");
    static ngx_str_t  s_jti = ngx_string("jti");
    static ngx_str_t  s_sid = ngx_string("sid");
    static ngx_str_t  s_iss = ngx_string("iss");
    static ngx_str_t  s_aud = ngx_string("aud");

    role = ngx_http_scc_role_name(claims->role);

    if (role == NULL || claims->sub.len == 0 || typ == NULL || typ->len == 0
        || conf->current == NULL || conf->current->ctx == NULL
        || (claims->sid.len
            && !ngx_http_scc_jwt_sid_ok(claims->sid.data, claims->sid.len)))
    {
        return NGX_ERROR;
    }

    /* never make a token that verify() would refuse for its length */

    if (size > NGX_HTTP_SCC_JWT_MAX_LEN) {
        size = NGX_HTTP_SCC_JWT_MAX_LEN;
    }

    end = buf + size;

    /* the header */

    last = json + sizeof(json);

    q = ngx_http_scc_jwt_cat(json, last, alg.data, alg.len);
    q = ngx_http_scc_jwt_cat_string(q, last, &s_typ, typ);
    q = ngx_http_scc_jwt_cat(q, last, (u_char *) "}", 1);

    if (q == NULL) {
        return NGX_ERROR;
    }

    src.data = json;
    src.len = q - json;

    if (ngx_http_scc_base64url_encoded_length(src.len) + 1
        > (size_t) (end - buf))
    {
        return NGX_ERROR;
    }

    dst.data = buf;
    ngx_http_scc_base64url_encode(&dst, &src);

    p = buf + dst.len;
    *p++ = '.';

    /*
     * the payload: each member is written with a leading ",", and the
     * first "," then becomes the "{"
     */

    last = json + sizeof(json);

    q = ngx_http_scc_jwt_cat_string(json, last, &s_sub, &claims->sub);
    q = ngx_http_scc_jwt_cat_string(q, last, &s_role, role);
    q = ngx_http_scc_jwt_cat_number(q, last, &s_iat, claims->iat);
    q = ngx_http_scc_jwt_cat_number(q, last, &s_exp, claims->exp);

    if (claims->jti.len) {
        q = ngx_http_scc_jwt_cat_string(q, last, &s_jti, &claims->jti);
    }

    if (claims->sid.len) {
        q = ngx_http_scc_jwt_cat_string(q, last, &s_sid, &claims->sid);
    }

    if (conf->iss.len) {
        q = ngx_http_scc_jwt_cat_string(q, last, &s_iss, &conf->iss);
    }

    if (conf->aud.len) {
        q = ngx_http_scc_jwt_cat_string(q, last, &s_aud, &conf->aud);
    }

    q = ngx_http_scc_jwt_cat(q, last, (u_char *) "}", 1);

    if (q == NULL) {
        return NGX_ERROR;
    }

    json[0] = '{';
    src.data = json;
    src.len = q - json;

    if (ngx_http_scc_base64url_encoded_length(src.len) + 1
        + NGX_HTTP_SCC_JWT_SIG_B64_LEN > (size_t) (end - p))
    {
        return NGX_ERROR;
    }

    dst.data = p;
    ngx_http_scc_base64url_encode(&dst, &src);
    p += dst.len;

    /* the signature, over "header.payload" as encoded */

    if (ngx_http_scc_jwt_mac(conf->current, buf, p - buf, mac) != NGX_OK) {
        return NGX_ERROR;
    }

    *p++ = '.';

    src.data = mac;
    src.len = NGX_HTTP_SCC_JWT_MAC_LEN;
    dst.data = p;
    ngx_http_scc_base64url_encode(&dst, &src);
    p += dst.len;

    token->data = buf;
    token->len = p - buf;

    return NGX_OK;
}


ngx_http_scc_jwt_rc_e
ngx_http_scc_jwt_verify_jws(ngx_http_scc_jwt_key_t *key,
    ngx_http_scc_jwt_key_t *previous, ngx_str_t *token, ngx_str_t *typ,
    u_char *buf, size_t size, ngx_http_scc_jws_t *jws)
{
    u_char                    *start, *dot1, *dot2, *last;
    u_char                     sig[NGX_HTTP_SCC_JWT_MAC_LEN];
    u_char                     mac[NGX_HTTP_SCC_JWT_MAC_LEN];
    ngx_int_t                  match;
    ngx_str_t                  header, payload, signature, dst;
    ngx_http_scc_jwt_rc_e      rc;
    ngx_http_scc_jwt_parse_t   p;

    if (token->len > NGX_HTTP_SCC_JWT_MAX_LEN) {
        return NGX_HTTP_SCC_JWT_ERR_TOO_LONG;
    }

    if (key == NULL || key->ctx == NULL) {
        return NGX_HTTP_SCC_JWT_ERR_INTERNAL;
    }

    /*
     * header "." payload "." signature, no other ".": memchr() rather
     * than ngx_strlchr(), as it scans a word at a time
     */

    start = token->data;
    last = start + token->len;

    dot1 = memchr(start, '.', token->len);
    if (dot1 == NULL) {
        return NGX_HTTP_SCC_JWT_ERR_SEGMENTS;
    }

    dot2 = memchr(dot1 + 1, '.', last - dot1 - 1);
    if (dot2 == NULL || memchr(dot2 + 1, '.', last - dot2 - 1) != NULL) {
        return NGX_HTTP_SCC_JWT_ERR_SEGMENTS;
    }

    header.data = start;
    header.len = dot1 - start;
    payload.data = dot1 + 1;
    payload.len = dot2 - payload.data;
    signature.data = dot2 + 1;
    signature.len = last - signature.data;

    /* an empty payload would be a detached one (RFC 7515 F): not ours */

    if (header.len == 0 || payload.len == 0 || signature.len == 0) {
        return NGX_HTTP_SCC_JWT_ERR_SEGMENTS;
    }

    if (signature.len != NGX_HTTP_SCC_JWT_SIG_B64_LEN) {
        return NGX_HTTP_SCC_JWT_ERR_SIG_LEN;
    }

    /* 43 characters decode to 32 bytes exactly: no bits are left over */

    dst.data = sig;
    if (ngx_http_scc_base64url_decode(&dst, &signature) != NGX_OK
        || dst.len != NGX_HTTP_SCC_JWT_MAC_LEN)
    {
        return NGX_HTTP_SCC_JWT_ERR_BASE64;
    }

    if (ngx_http_scc_base64url_decoded_length(header.len)
        + ngx_http_scc_base64url_decoded_length(payload.len) > size)
    {
        return NGX_HTTP_SCC_JWT_ERR_INTERNAL;
    }

    jws->header.data = buf;
    if (ngx_http_scc_base64url_decode(&jws->header, &header) != NGX_OK) {
        return NGX_HTTP_SCC_JWT_ERR_BASE64;
    }

    jws->payload.data = buf + jws->header.len;
    if (ngx_http_scc_base64url_decode(&jws->payload, &payload) != NGX_OK) {
        return NGX_HTTP_SCC_JWT_ERR_BASE64;
    }

    /* the MAC covers the bytes as received, never a re-encoding */

    jws->rotated = 0;

    if (ngx_http_scc_jwt_mac(key, start, dot2 - start, mac) != NGX_OK) {
        return NGX_HTTP_SCC_JWT_ERR_INTERNAL;
    }

    match = (CRYPTO_memcmp(mac, sig, NGX_HTTP_SCC_JWT_MAC_LEN) == 0);

    if (!match && previous && previous->ctx) {
        if (ngx_http_scc_jwt_mac(previous, start, dot2 - start, mac)
            != NGX_OK)
        {
            OPENSSL_cleanse(mac, sizeof(mac));
            return NGX_HTTP_SCC_JWT_ERR_INTERNAL;
        }

        match = (CRYPTO_memcmp(mac, sig, NGX_HTTP_SCC_JWT_MAC_LEN) == 0);
        jws->rotated = match;
    }

    /* the MAC of forged bytes would make a valid token: not left around */

    OPENSSL_cleanse(mac, sizeof(mac));

    if (!match) {
        return NGX_HTTP_SCC_JWT_ERR_SIGNATURE;
    }

    if (ngx_http_scc_jwt_header_is_ours(&jws->header, typ)) {
        return NGX_HTTP_SCC_JWT_OK;
    }

    ngx_http_scc_jwt_parse_init(&p, 0);
    p.typ = typ;

    rc = ngx_http_scc_jwt_parse(&p, &jws->header);
    if (rc != NGX_HTTP_SCC_JWT_OK) {
        return rc;
    }

    if (!(p.seen & NGX_HTTP_SCC_JWT_SEEN(NGX_HTTP_SCC_JWT_F_ALG))) {
        return NGX_HTTP_SCC_JWT_ERR_ALG;
    }

    if (typ && !p.typ_ok) {
        return NGX_HTTP_SCC_JWT_ERR_TYP;
    }

    return NGX_HTTP_SCC_JWT_OK;
}


/*
 * Every token we sign has the same header, {"alg":"HS256","typ":"<typ>"},
 * and yajl would only find in those exact bytes alg HS256 and that typ: so
 * they are recognised without it, which saves a parse (and yajl's
 * allocations) on every verification.
 * Any other header, even one that means the same, takes the full parse.
 */

static ngx_uint_t
ngx_http_scc_jwt_header_is_ours(ngx_str_t *header, ngx_str_t *typ)
{
    u_char   *p;
    size_t    i;

    static ngx_str_t  prefix = ngx_string("{\"alg\":\"HS256\",\"typ\":\"");

    if (typ == NULL || header->len != prefix.len + typ->len + 2) {
        return 0;
    }

    /* a typ that JSON would escape cannot be compared raw */

    for (i = 0; i < typ->len; i++) {
        if (typ->data[i] < 0x20 || typ->data[i] > 0x7e
            || typ->data[i] == '"' || typ->data[i] == '\\')
        {
            return 0;
        }
    }

    p = header->data;

    if (ngx_memcmp(p, prefix.data, prefix.len) != 0) {
        return 0;
    }

    p += prefix.len;

    if (ngx_memcmp(p, typ->data, typ->len) != 0) {
        return 0;
    }

    p += typ->len;

    return p[0] == '"' && p[1] == '}';
}


ngx_http_scc_jwt_rc_e
ngx_http_scc_jwt_verify(ngx_http_scc_jwt_conf_t *conf, ngx_str_t *token,
    ngx_str_t *typ, time_t now, ngx_http_scc_jwt_claims_t *claims,
    u_char *storage, size_t size)
{
    ngx_http_scc_jwt_rc_e        rc;
    ngx_http_scc_jwt_verdict_t   verdict;

    ngx_http_scc_jwt_judge(conf, token, typ, &verdict, claims, storage, size);

    rc = ngx_http_scc_jwt_verdict_at(conf, &verdict, now);

    if (rc != NGX_HTTP_SCC_JWT_OK) {

        /* half-filled claims must not be mistaken for verified ones */

        ngx_memzero(claims, sizeof(ngx_http_scc_jwt_claims_t));
    }

    return rc;
}


void
ngx_http_scc_jwt_judge(ngx_http_scc_jwt_conf_t *conf, ngx_str_t *token,
    ngx_str_t *typ, ngx_http_scc_jwt_verdict_t *verdict,
    ngx_http_scc_jwt_claims_t *claims, u_char *storage, size_t size)
{
    u_char                     buf[NGX_HTTP_SCC_JWS_BUF_SIZE];
    ngx_http_scc_jws_t         jws;
    ngx_http_scc_jwt_rc_e      rc;
    ngx_http_scc_jwt_parse_t   p;

    ngx_memzero(verdict, sizeof(ngx_http_scc_jwt_verdict_t));
    ngx_memzero(claims, sizeof(ngx_http_scc_jwt_claims_t));

    verdict->before = NGX_HTTP_SCC_JWT_ERR_INTERNAL;
    verdict->after = NGX_HTTP_SCC_JWT_ERR_INTERNAL;

    /* an access token and any other kind differ by typ: it is required */

    if (typ == NULL || typ->len == 0) {
        return;
    }

    rc = ngx_http_scc_jwt_verify_jws(conf->current, conf->previous, token,
                                     typ, buf, sizeof(buf), &jws);

    if (rc == NGX_HTTP_SCC_JWT_OK) {
        ngx_http_scc_jwt_parse_init(&p, 1);
        p.conf = conf;
        p.claims = claims;
        p.storage_pos = storage;
        p.storage_end = storage + size;

        rc = ngx_http_scc_jwt_parse(&p, &jws.payload);
    }

    if (rc == NGX_HTTP_SCC_JWT_OK
        && !(p.seen & NGX_HTTP_SCC_JWT_SEEN(NGX_HTTP_SCC_JWT_F_EXP)))
    {
        rc = NGX_HTTP_SCC_JWT_ERR_EXP_MISSING;
    }

    verdict->before = rc;

    if (rc != NGX_HTTP_SCC_JWT_OK) {
        ngx_memzero(claims, sizeof(ngx_http_scc_jwt_claims_t));
        return;
    }

    verdict->exp = p.exp;

    if (p.seen & NGX_HTTP_SCC_JWT_SEEN(NGX_HTTP_SCC_JWT_F_NBF)) {
        verdict->nbf = p.nbf;
        verdict->times |= NGX_HTTP_SCC_JWT_T_NBF;
    }

    if (p.seen & NGX_HTTP_SCC_JWT_SEEN(NGX_HTTP_SCC_JWT_F_IAT)) {
        verdict->iat = p.iat;
        verdict->times |= NGX_HTTP_SCC_JWT_T_IAT;
    }

    verdict->after = ngx_http_scc_jwt_claims_check(&p);

    if (verdict->after != NGX_HTTP_SCC_JWT_OK) {
        ngx_memzero(claims, sizeof(ngx_http_scc_jwt_claims_t));
        return;
    }

    claims->iat = (time_t) p.iat;
    claims->exp = (time_t) p.exp;
    claims->rotated = jws.rotated;
}


ngx_http_scc_jwt_rc_e
ngx_http_scc_jwt_verdict_at(ngx_http_scc_jwt_conf_t *conf,
    ngx_http_scc_jwt_verdict_t *verdict, time_t now)
{
    long long  leeway;

    if (verdict->before != NGX_HTTP_SCC_JWT_OK) {
        return verdict->before;
    }

    leeway = conf->leeway > 0 ? conf->leeway : 0;

    /*
     * RFC 7519 4.1.4: valid only before exp.  The sums are done on the
     * side of now, which is small, so that a huge exp cannot overflow.
     * The times come first: "expired" is the common and harmless case.
     */

    if (verdict->exp <= (long long) now - leeway) {
        return NGX_HTTP_SCC_JWT_ERR_EXPIRED;
    }

    if ((verdict->times & NGX_HTTP_SCC_JWT_T_NBF)
        && verdict->nbf > (long long) now + leeway)
    {
        return NGX_HTTP_SCC_JWT_ERR_NBF;
    }

    if ((verdict->times & NGX_HTTP_SCC_JWT_T_IAT)
        && verdict->iat > (long long) now + leeway)
    {
        return NGX_HTTP_SCC_JWT_ERR_IAT;
    }

    return verdict->after;
}


/* the claims that do not depend on the moment, in a fixed order */

static ngx_http_scc_jwt_rc_e
ngx_http_scc_jwt_claims_check(ngx_http_scc_jwt_parse_t *p)
{
    ngx_http_scc_jwt_conf_t  *conf;

    conf = p->conf;

    if (conf->iss.len && !p->iss_ok) {
        return NGX_HTTP_SCC_JWT_ERR_ISS;
    }

    if (conf->aud.len && !p->aud_ok) {
        return NGX_HTTP_SCC_JWT_ERR_AUD;
    }

    if (!(p->seen & NGX_HTTP_SCC_JWT_SEEN(NGX_HTTP_SCC_JWT_F_SUB))) {
        return NGX_HTTP_SCC_JWT_ERR_SUB;
    }

    if (!(p->seen & NGX_HTTP_SCC_JWT_SEEN(NGX_HTTP_SCC_JWT_F_ROLE))) {
        return NGX_HTTP_SCC_JWT_ERR_ROLE;
    }

    return NGX_HTTP_SCC_JWT_OK;
}


ngx_int_t
ngx_http_scc_jwt_jti(u_char *buf)
{
    u_char     rnd[16];
    ngx_str_t  src, dst;

    if (RAND_bytes(rnd, sizeof(rnd)) != 1) {
        return NGX_ERROR;
    }

    src.data = rnd;
    src.len = sizeof(rnd);
    dst.data = buf;

    ngx_http_scc_base64url_encode(&dst, &src);

    return NGX_OK;
}


const char *
ngx_http_scc_jwt_strerror(ngx_http_scc_jwt_rc_e rc)
{
    if ((ngx_uint_t) rc >= NGX_HTTP_SCC_JWT_ERR_LAST) {
        return "unknown error";
    }

    return ngx_http_scc_jwt_errors[rc];
}


/* writing JSON for sign(): each helper passes a NULL p through */


static u_char *
ngx_http_scc_jwt_cat(u_char *p, u_char *last, u_char *s, size_t len)
{
    if (p == NULL || (size_t) (last - p) < len) {
        return NULL;
    }

    return ngx_cpymem(p, s, len);
}


static u_char *
ngx_http_scc_jwt_cat_string(u_char *p, u_char *last, ngx_str_t *name,
    ngx_str_t *value)
{
    u_char  *s, *end;

    /* ,"name":" */

    if (p == NULL || (size_t) (last - p) < name->len + 5) {
        return NULL;
    }

    *p++ = ',';
    *p++ = '"';
    p = ngx_cpymem(p, name->data, name->len);
    *p++ = '"';
    *p++ = ':';
    *p++ = '"';

    /*
     * Printable ASCII only: our ids, roles, jti and URLs need no more, and
     * the bytes we sign are then valid UTF-8 that yajl will accept back.
     */

    end = value->data + value->len;

    for (s = value->data; s < end; s++) {

        if (*s < 0x20 || *s > 0x7e) {
            return NULL;
        }

        if (last - p < 2) {
            return NULL;
        }

        if (*s == '"' || *s == '\\') {
            *p++ = '\\';
        }

        *p++ = *s;
    }

    return ngx_http_scc_jwt_cat(p, last, (u_char *) "\"", 1);
}


static u_char *
ngx_http_scc_jwt_cat_number(u_char *p, u_char *last, ngx_str_t *name,
    long long n)
{
    u_char               digits[NGX_INT64_LEN], *d;
    unsigned long long   u;

    /* ,"name": */

    if (p == NULL || (size_t) (last - p) < name->len + 4) {
        return NULL;
    }

    *p++ = ',';
    *p++ = '"';
    p = ngx_cpymem(p, name->data, name->len);
    *p++ = '"';
    *p++ = ':';

    /* ngx_sprintf() is not ours to link: the digits by hand */

    u = n < 0 ? 0 - (unsigned long long) n : (unsigned long long) n;
    d = digits + sizeof(digits);

    do {
        *--d = (u_char) ('0' + u % 10);
        u /= 10;
    } while (u);

    if (n < 0) {
        *--d = '-';
    }

    return ngx_http_scc_jwt_cat(p, last, d, digits + sizeof(digits) - d);
}
