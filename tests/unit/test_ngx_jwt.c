/*
 * Unit tests of the HS256 JWT codec (ngx_http_scc_jwt.c).
 *
 * 1. Published vectors, loaded from SCC_VECTORS at run time: every case of
 *    the Wycheproof JWS file whose group key is {"kty":"oct"} (HS256), and
 *    RFC 7515 A.1 / RFC 7519 6.1.  They test the JWS layer
 *    (ngx_http_scc_jwt_verify_jws()): they know nothing of our claims.
 * 2. Our own attack list against the claims layer (ngx_http_scc_jwt_verify()),
 *    each token also through the cache of verified tokens, twice, with the
 *    same answer required (verify_at()).
 *    Hostile tokens are built here with OpenSSL's one-shot HMAC(), not
 *    with the code under test.
 * 3. The cache of verified tokens: hits, times applied at every use,
 *    forgeries that share a kept token's length and tail, refusals kept,
 *    internal errors not kept, LRU replacement, the cases it leaves alone.
 * 4. With SCC_JWT_BENCH=1, a micro-benchmark (no timed assertion).
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include "ngx_http_scc_jwt.h"
#include "ngx_http_scc_jwt_cache.h"
#include "ngx_http_scc_base64url.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <cmocka.h>

#include <openssl/hmac.h>
#include <yajl/yajl_tree.h>


#ifndef SCC_VECTORS
#error "SCC_VECTORS must be the path of tests/vectors"
#endif


#define NOW          1700000000
#define TOKEN_MAX    (2 * NGX_HTTP_SCC_JWT_MAX_LEN)


static u_char  secret[] = "k7Q2m9Xr4Tz8Lw1Bv6Nc3Hy5Jd0Fp2Sa";  /* 32 bytes */
static u_char  old_secret[] = "previous-secret-of-32-bytes-0123";

static ngx_http_scc_jwt_key_t   key;
static ngx_http_scc_jwt_key_t   old_key;
static ngx_http_scc_jwt_conf_t  conf;

static ngx_str_t  typ_access = ngx_string(NGX_HTTP_SCC_JWT_TYP_ACCESS);


/* helpers */


static char *
read_file(const char *name)
{
    FILE    *f;
    long     n;
    char    *buf, path[1024];

    snprintf(path, sizeof(path), "%s/%s", SCC_VECTORS, name);

    f = fopen(path, "rb");
    if (f == NULL) {
        fail_msg("cannot open %s", path);
    }

    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    assert_true(n > 0);
    assert_int_equal(fseek(f, 0, SEEK_SET), 0);

    buf = malloc(n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, n, f), (size_t) n);
    buf[n] = '\0';
    fclose(f);

    return buf;
}


static yajl_val
load_json(const char *name)
{
    char      *text, err[256];
    yajl_val   root;

    text = read_file(name);
    root = yajl_tree_parse(text, err, sizeof(err));
    free(text);

    if (root == NULL) {
        fail_msg("%s: %s", name, err);
    }

    return root;
}


static const char *
json_string(yajl_val obj, const char *name)
{
    const char  *path[2] = { name, NULL };
    yajl_val     v;

    v = yajl_tree_get(obj, path, yajl_t_string);

    return v ? YAJL_GET_STRING(v) : NULL;
}


/* a JWK "k" through our own strict decoder: the vectors' keys are canonical */

static ngx_int_t
jwk_key(yajl_val jwk, ngx_http_scc_jwt_key_t *k)
{
    u_char      raw[256];
    ngx_str_t   src, dst;
    ngx_int_t   rc;

    src.data = (u_char *) json_string(jwk, "k");
    assert_non_null(src.data);
    src.len = strlen((char *) src.data);
    assert_true(ngx_http_scc_base64url_decoded_length(src.len)
                <= sizeof(raw));

    dst.data = raw;
    assert_int_equal(ngx_http_scc_base64url_decode(&dst, &src), NGX_OK);

    rc = ngx_http_scc_jwt_key_init(k, raw, dst.len);
    OPENSSL_cleanse(raw, sizeof(raw));

    return rc;
}


static size_t
b64(u_char *out, const void *in, size_t len)
{
    ngx_str_t  src, dst;

    src.data = (u_char *) in;
    src.len = len;
    dst.data = out;
    ngx_http_scc_base64url_encode(&dst, &src);

    return dst.len;
}


/*
 * header and payload as JSON text, a MAC by md (NULL: no signature) with
 * the given secret, in out (TOKEN_MAX bytes), NUL-terminated.
 */

static size_t
craft(char *out, const char *header, const char *payload, const EVP_MD *md,
    const u_char *sec, size_t sec_len)
{
    u_char        *p, mac[EVP_MAX_MD_SIZE];
    unsigned int   mac_len;

    assert_true(strlen(header) + strlen(payload) < TOKEN_MAX / 2);

    p = (u_char *) out;
    p += b64(p, header, strlen(header));
    *p++ = '.';
    p += b64(p, payload, strlen(payload));

    if (md != NULL) {
        assert_non_null(HMAC(md, sec, (int) sec_len, (u_char *) out,
                             p - (u_char *) out, mac, &mac_len));
        *p++ = '.';
        p += b64(p, mac, mac_len);

    } else {
        *p++ = '.';
    }

    *p = '\0';

    return p - (u_char *) out;
}


static size_t
craft_ok(char *out, const char *header, const char *payload)
{
    return craft(out, header, payload, EVP_sha256(), secret,
                 sizeof(secret) - 1);
}


#define assert_rc(expr, rc)                                                   \
    assert_string_equal(ngx_http_scc_jwt_strerror(expr),                      \
                        ngx_http_scc_jwt_strerror(rc))


static void
assert_same_claims(ngx_http_scc_jwt_claims_t *a, ngx_http_scc_jwt_claims_t *b)
{
    assert_int_equal(a->sub.len, b->sub.len);
    assert_int_equal(a->jti.len, b->jti.len);
    assert_int_equal(a->sid.len, b->sid.len);
    assert_int_equal(a->role, b->role);
    assert_int_equal(a->iat, b->iat);
    assert_int_equal(a->exp, b->exp);
    assert_int_equal(a->rotated, b->rotated);

    if (a->sub.len) {
        assert_memory_equal(a->sub.data, b->sub.data, a->sub.len);
    }

    if (a->jti.len) {
        assert_memory_equal(a->jti.data, b->jti.data, a->jti.len);
    }

    if (a->sid.len) {
        assert_memory_equal(a->sid.data, b->sid.data, a->sid.len);
    }
}


/*
 * Every token of the attack list goes through the verifier and through a
 * fresh cache of verified tokens twice (a miss, then a hit): all three
 * must give the same answer and the same claims.
 */

static ngx_http_scc_jwt_rc_e
verify_at(const char *token, size_t len, time_t now,
    ngx_http_scc_jwt_claims_t *claims)
{
    ngx_str_t                   t;
    ngx_uint_t                  i, cached;
    ngx_http_scc_jwt_rc_e       rc, crc;
    ngx_http_scc_jwt_cache_t    cache;
    ngx_http_scc_jwt_claims_t   cclaims;

    static u_char  storage[NGX_HTTP_SCC_JWT_STORAGE_SIZE];
    static u_char  cstorage[NGX_HTTP_SCC_JWT_STORAGE_SIZE];
    static u_char  mem[NGX_HTTP_SCC_JWT_CACHE_WAYS
                       * sizeof(ngx_http_scc_jwt_cache_entry_t)];

    t.data = (u_char *) token;
    t.len = len;

    rc = ngx_http_scc_jwt_verify(&conf, &t, &typ_access, now, claims,
                                 storage, sizeof(storage));

    assert_int_equal(ngx_http_scc_jwt_cache_size(1), sizeof(mem));
    ngx_http_scc_jwt_cache_init(&cache, mem, 1, &typ_access);

    cached = (len >= 8 && len <= NGX_HTTP_SCC_JWT_CACHE_TOKEN_MAX);

    for (i = 0; i < 2; i++) {
        crc = ngx_http_scc_jwt_cache_verify(&cache, &conf, &t, now, &cclaims,
                                            cstorage, sizeof(cstorage));
        assert_rc(crc, rc);
        assert_same_claims(&cclaims, claims);
    }

    /* an internal error is never kept: both calls are misses then */

    if (rc == NGX_HTTP_SCC_JWT_ERR_INTERNAL) {
        assert_int_equal(cache.misses, 2 * cached);
        assert_int_equal(cache.hits, 0);

    } else {
        assert_int_equal(cache.misses, cached);
        assert_int_equal(cache.hits, cached);
    }

    return rc;
}


static ngx_http_scc_jwt_rc_e
verify(const char *token)
{
    ngx_http_scc_jwt_claims_t  claims;

    return verify_at(token, strlen(token), NOW, &claims);
}


/* header and payload crafted and signed with our secret, then verified */

static ngx_http_scc_jwt_rc_e
verify_crafted(const char *header, const char *payload)
{
    char  tok[TOKEN_MAX];

    craft_ok(tok, header, payload);

    return verify(tok);
}


#define HDR      "{\"alg\":\"HS256\",\"typ\":\"at+jwt\"}"
#define ISS      "https://scc.example"
#define AUD      "scc-api"
#define CLAIMS   "\"sub\":\"42\",\"role\":\"crew\",\"iat\":1699999990," \
                 "\"jti\":\"j1\",\"iss\":\"" ISS "\",\"aud\":\"" AUD "\""
#define PAYLOAD  "{" CLAIMS ",\"exp\":1700000900}"



static int
setup(void **state)
{
    if (ngx_http_scc_jwt_key_init(&key, secret, sizeof(secret) - 1)
        != NGX_OK
        || ngx_http_scc_jwt_key_init(&old_key, old_secret,
                                     sizeof(old_secret) - 1)
           != NGX_OK)
    {
        return -1;
    }

    ngx_memzero(&conf, sizeof(conf));
    conf.current = &key;
    conf.previous = NULL;
    ngx_str_set(&conf.iss, ISS);
    ngx_str_set(&conf.aud, AUD);
    conf.leeway = 0;

    return 0;
}


static int
teardown(void **state)
{
    ngx_http_scc_jwt_key_cleanup(&key);
    ngx_http_scc_jwt_key_cleanup(&old_key);

    return 0;
}


/* conf back to its default before each test that changes it */

static int
reset(void **state)
{
    conf.current = &key;
    conf.previous = NULL;
    ngx_str_set(&conf.iss, ISS);
    ngx_str_set(&conf.aud, AUD);
    conf.leeway = 0;

    return 0;
}


/* 1. published vectors */


/*
 * Cases whose published label disagrees with the strict reading of
 * RFC 7515: the code is not bent to them.  Each is still asserted, with
 * the outcome the RFC gives.
 */

typedef struct {
    long long    tc_id;
    int          valid;          /* what we assert */
    const char  *reason;
} vector_exception_t;

static vector_exception_t  wycheproof_exceptions[] = {
    { 367, 1, "labelled invalid (\"invalidBase64Padding\"), but its jws is "
              "byte for byte tcId 357 (ValidMac): the padding the label "
              "speaks of is not in the file, so the token is valid" },
    { 370, 1, "labelled invalid (\"invalidBase64PaddingInPayload\"), but "
              "its jws is byte for byte tcId 357 (ValidMac): valid" },
    { 372, 0, "labelled valid (\"InvalidCharacterInsertedInHeader\"): a "
              "'?' is not base64url (RFC 7515 2, RFC 4648 5), and the MAC "
              "is that of tcId 357, over other bytes: MACing the bytes as "
              "received (RFC 7515 5.2) refuses it" },
    { 373, 0, "labelled valid (\"InvalidCharacterInsertedInPayload\"): "
              "same as 372, in the payload" },
};


static vector_exception_t *
wycheproof_exception(long long tc_id)
{
    size_t  i;

    for (i = 0; i < sizeof(wycheproof_exceptions)
                    / sizeof(wycheproof_exceptions[0]); i++)
    {
        if (wycheproof_exceptions[i].tc_id == tc_id) {
            return &wycheproof_exceptions[i];
        }
    }

    return NULL;
}


static void
test_wycheproof_hs256(void **state)
{
    size_t                    g, t, cases, labelled, excepted, failed;
    u_char                    buf[NGX_HTTP_SCC_JWS_BUF_SIZE];
    yajl_val                  root, groups, group, tests, tc, jwk, v;
    ngx_str_t                 token;
    long long                 tc_id;
    const char               *result, *comment;
    ngx_http_scc_jws_t        jws;
    ngx_http_scc_jwt_rc_e     rc;
    ngx_http_scc_jwt_key_t    k;
    vector_exception_t       *ex;

    const char  *groups_path[] = { "testGroups", NULL };
    const char  *tests_path[] = { "tests", NULL };
    const char  *private_path[] = { "private", NULL };
    const char  *public_path[] = { "public", NULL };
    const char  *id_path[] = { "tcId", NULL };

    root = load_json("jws/wycheproof_json_web_signature_test.json");

    groups = yajl_tree_get(root, groups_path, yajl_t_array);
    assert_non_null(groups);

    cases = labelled = excepted = failed = 0;

    for (g = 0; g < YAJL_GET_ARRAY(groups)->len; g++) {
        group = YAJL_GET_ARRAY(groups)->values[g];

        jwk = yajl_tree_get(group, private_path, yajl_t_object);
        if (jwk == NULL || json_string(jwk, "kty") == NULL
            || strcmp(json_string(jwk, "kty"), "oct") != 0)
        {
            jwk = yajl_tree_get(group, public_path, yajl_t_object);
        }

        if (jwk == NULL || json_string(jwk, "kty") == NULL
            || strcmp(json_string(jwk, "kty"), "oct") != 0)
        {
            continue;
        }

        /* every HS256 key of the file has at least 32 bytes */

        assert_int_equal(jwk_key(jwk, &k), NGX_OK);

        tests = yajl_tree_get(group, tests_path, yajl_t_array);
        assert_non_null(tests);

        for (t = 0; t < YAJL_GET_ARRAY(tests)->len; t++) {
            tc = YAJL_GET_ARRAY(tests)->values[t];

            v = yajl_tree_get(tc, id_path, yajl_t_number);
            assert_non_null(v);
            tc_id = YAJL_GET_INTEGER(v);

            token.data = (u_char *) json_string(tc, "jws");
            result = json_string(tc, "result");
            comment = json_string(tc, "comment");
            assert_non_null(token.data);
            assert_non_null(result);
            token.len = strlen((char *) token.data);

            rc = ngx_http_scc_jwt_verify_jws(&k, NULL, &token, NULL, buf,
                                             sizeof(buf), &jws);
            cases++;

            ex = wycheproof_exception(tc_id);

            if (ex != NULL) {
                excepted++;

                if ((rc == NGX_HTTP_SCC_JWT_OK) != ex->valid) {
                    print_error("tcId %lld (%s): exception expects %s, "
                                "got %s\n", tc_id, comment,
                                ex->valid ? "valid" : "invalid",
                                ngx_http_scc_jwt_strerror(rc));
                    failed++;
                }

                continue;
            }

            labelled++;

            if (strcmp(result, "acceptable") == 0) {
                continue;
            }

            if (strcmp(result, "valid") == 0
                ? rc != NGX_HTTP_SCC_JWT_OK
                : rc == NGX_HTTP_SCC_JWT_OK)
            {
                print_error("tcId %lld (%s): labelled %s, got %s\n", tc_id,
                            comment, result, ngx_http_scc_jwt_strerror(rc));
                failed++;
            }
        }

        ngx_http_scc_jwt_key_cleanup(&k);
    }

    yajl_tree_free(root);

    print_message("# wycheproof HS256: %zu cases, %zu as labelled, "
                  "%zu listed exceptions\n", cases, labelled, excepted);

    assert_int_equal(failed, 0);

    /* the file has 40 HS256 cases; a new version must be looked at */
    assert_int_equal(cases, 40);
    assert_int_equal(excepted, sizeof(wycheproof_exceptions)
                               / sizeof(wycheproof_exceptions[0]));
}


static void
test_rfc7515_a1(void **state)
{
    u_char                      buf[NGX_HTTP_SCC_JWS_BUF_SIZE];
    u_char                      storage[NGX_HTTP_SCC_JWT_STORAGE_SIZE];
    yajl_val                    root, jwk, unsecured, expect, v;
    ngx_str_t                   token, typ;
    ngx_http_scc_jws_t          jws;
    ngx_http_scc_jwt_key_t      k;
    ngx_http_scc_jwt_conf_t     c;
    ngx_http_scc_jwt_claims_t   claims;

    const char  *jwk_path[] = { "jwk", NULL };
    const char  *unsecured_path[] = { "unsecured_variant", NULL };
    const char  *expect_path[] = { "expect", NULL };
    const char  *exp_path[] = { "exp", NULL };

    root = load_json("jws/rfc7515_a1.json");

    jwk = yajl_tree_get(root, jwk_path, yajl_t_object);
    assert_non_null(jwk);
    assert_int_equal(jwk_key(jwk, &k), NGX_OK);

    expect = yajl_tree_get(root, expect_path, yajl_t_object);
    assert_non_null(expect);
    assert_string_equal(json_string(expect, "signature"), "valid");

    /* the signed token: the JWS layer accepts it, CR LF and all */

    token.data = (u_char *) json_string(root, "token");
    assert_non_null(token.data);
    token.len = strlen((char *) token.data);

    assert_rc(ngx_http_scc_jwt_verify_jws(&k, NULL, &token, NULL, buf,
                                          sizeof(buf), &jws),
              NGX_HTTP_SCC_JWT_OK);
    assert_non_null(memmem(jws.header.data, jws.header.len, "\r\n", 2));
    assert_non_null(memmem(jws.payload.data, jws.payload.len,
                           "\"exp\":1300819380", 16));

    /* its typ is "JWT": exact */

    ngx_str_set(&typ, "JWT");
    assert_rc(ngx_http_scc_jwt_verify_jws(&k, NULL, &token, &typ, buf,
                                          sizeof(buf), &jws),
              NGX_HTTP_SCC_JWT_OK);
    ngx_str_set(&typ, "jwt");
    assert_rc(ngx_http_scc_jwt_verify_jws(&k, NULL, &token, &typ, buf,
                                          sizeof(buf), &jws),
              NGX_HTTP_SCC_JWT_ERR_TYP);

    /* at the real clock, the claims layer finds it expired */

    v = yajl_tree_get(expect, exp_path, yajl_t_number);
    assert_non_null(v);
    assert_int_equal(YAJL_GET_INTEGER(v), 1300819380);
    assert_non_null(strstr(json_string(expect, "at_real_clock"), "expired"));

    ngx_memzero(&c, sizeof(c));
    c.current = &k;
    ngx_str_set(&typ, "JWT");

    assert_rc(ngx_http_scc_jwt_verify(&c, &token, &typ, time(NULL), &claims,
                                      storage, sizeof(storage)),
              NGX_HTTP_SCC_JWT_ERR_EXPIRED);

    /* the unsecured token of RFC 7519 6.1: alg none is never accepted */

    unsecured = yajl_tree_get(root, unsecured_path, yajl_t_object);
    assert_non_null(unsecured);
    assert_non_null(strstr(json_string(unsecured, "expect"), "rejected"));

    token.data = (u_char *) json_string(unsecured, "token");
    assert_non_null(token.data);
    token.len = strlen((char *) token.data);

    assert_int_not_equal(ngx_http_scc_jwt_verify_jws(&k, NULL, &token, NULL,
                                                     buf, sizeof(buf), &jws),
                         NGX_HTTP_SCC_JWT_OK);
    assert_int_not_equal(ngx_http_scc_jwt_verify(&c, &token, &typ,
                                                 1300819000, &claims,
                                                 storage, sizeof(storage)),
                         NGX_HTTP_SCC_JWT_OK);

    ngx_http_scc_jwt_key_cleanup(&k);
    yajl_tree_free(root);
}


/* 2. our own attack list */


static void
test_crafted_baseline(void **state)
{
    char                        tok[TOKEN_MAX];
    size_t                      len;
    ngx_http_scc_jwt_claims_t   claims;

    /* the craft() helper and the verifier agree on a good token */

    len = craft_ok(tok, HDR, PAYLOAD);
    assert_rc(verify_at(tok, len, NOW, &claims), NGX_HTTP_SCC_JWT_OK);
    assert_int_equal(claims.sub.len, 2);
    assert_memory_equal(claims.sub.data, "42", 2);
    assert_int_equal(claims.role, NGX_HTTP_SCC_ROLE_CREW);
    assert_int_equal(claims.exp, 1700000900);
    assert_int_equal(claims.iat, 1699999990);
    assert_int_equal(claims.jti.len, 2);
    assert_int_equal(claims.rotated, 0);

    /* members in any order, whitespace in the JSON, unknown members */

    assert_rc(verify_crafted(" { \"typ\" : \"at+jwt\" ,\n\t\"alg\":\"HS256\","
                             "\"kid\":\"whatever\",\"cty\":\"x\"} ",
                             "{\"exp\":1700000900,\"x\":{\"a\":[1,{\"b\":"
                             "null}]}," CLAIMS ",\"y\":[true,false,1.5]}"),
              NGX_HTTP_SCC_JWT_OK);

    /* the same key in two different objects is no duplicate */

    assert_rc(verify_crafted(HDR, "{\"a\":{\"k\":1},\"b\":{\"k\":1}," CLAIMS
                             ",\"exp\":1700000900,\"k\":0}"),
              NGX_HTTP_SCC_JWT_OK);

    /* escapes are JSON: "HS\u0032\u0035\u0036" is "HS256" */

    assert_rc(verify_crafted("{\"alg\":\"HS\\u0032\\u00356\","
                             "\"typ\":\"at+jwt\"}", PAYLOAD),
              NGX_HTTP_SCC_JWT_OK);
}


static void
test_alg_none(void **state)
{
    size_t       i;
    char         tok[TOKEN_MAX], hdr[128];
    const char  *nones[] = { "none", "None", "NONE", "nOnE", "", "HS256 ",
                             "hs256", "Hs256", "HS256\\u0000", " HS256" };

    for (i = 0; i < sizeof(nones) / sizeof(nones[0]); i++) {
        snprintf(hdr, sizeof(hdr), "{\"alg\":\"%s\",\"typ\":\"at+jwt\"}",
                 nones[i]);

        /* unsigned, as an attacker sends it: "header.payload." */

        craft(tok, hdr, PAYLOAD, NULL, NULL, 0);
        assert_rc(verify(tok), NGX_HTTP_SCC_JWT_ERR_SEGMENTS);

        /* with a signature of the right length but wrong */

        strcat(tok, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        assert_rc(verify(tok), NGX_HTTP_SCC_JWT_ERR_SIGNATURE);

        /* even MACed with our own key, the alg is refused */

        assert_rc(verify_crafted(hdr, PAYLOAD), NGX_HTTP_SCC_JWT_ERR_ALG);
    }

    /* no alg, or not a string */

    assert_rc(verify_crafted("{\"typ\":\"at+jwt\"}", PAYLOAD),
              NGX_HTTP_SCC_JWT_ERR_ALG);
    assert_rc(verify_crafted("{\"alg\":null,\"typ\":\"at+jwt\"}", PAYLOAD),
              NGX_HTTP_SCC_JWT_ERR_ALG);
    assert_rc(verify_crafted("{\"alg\":[\"HS256\"],\"typ\":\"at+jwt\"}",
                             PAYLOAD),
              NGX_HTTP_SCC_JWT_ERR_ALG);
    assert_rc(verify_crafted("{\"alg\":{\"HS256\":1},\"typ\":\"at+jwt\"}",
                             PAYLOAD),
              NGX_HTTP_SCC_JWT_ERR_ALG);
}


static void
test_alg_confusion(void **state)
{
    size_t       i;
    char         tok[TOKEN_MAX], hdr[128];
    const char  *algs[] = { "RS256", "ES256", "PS256", "HS384", "HS512",
                            "EdDSA" };

    for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
        snprintf(hdr, sizeof(hdr), "{\"alg\":\"%s\",\"typ\":\"at+jwt\"}",
                 algs[i]);

        /* the secret used as an HMAC-SHA256 key under another alg name */

        craft(tok, hdr, PAYLOAD, EVP_sha256(), secret, sizeof(secret) - 1);
        assert_rc(verify(tok), NGX_HTTP_SCC_JWT_ERR_ALG);
    }

    /* HS384 and HS512 MACs are 48 and 64 bytes: never 32 */

    craft(tok, "{\"alg\":\"HS384\",\"typ\":\"at+jwt\"}", PAYLOAD, EVP_sha384(),
          secret, sizeof(secret) - 1);
    assert_rc(verify(tok), NGX_HTTP_SCC_JWT_ERR_SIG_LEN);

    craft(tok, "{\"alg\":\"HS512\",\"typ\":\"at+jwt\"}", PAYLOAD, EVP_sha512(),
          secret, sizeof(secret) - 1);
    assert_rc(verify(tok), NGX_HTTP_SCC_JWT_ERR_SIG_LEN);

    /* HS256 with another secret */

    craft(tok, HDR, PAYLOAD, EVP_sha256(), (u_char *) "another secret", 14);
    assert_rc(verify(tok), NGX_HTTP_SCC_JWT_ERR_SIGNATURE);
}


/* another base64url character, not in a last position */

static void
other_char(char *c)
{
    *c = (*c == 'A') ? 'B' : 'A';
}


static void
test_stripped_and_tampered(void **state)
{
    char     tok[TOKEN_MAX], bad[2 * TOKEN_MAX + 8];
    char    *dot1, *dot2;
    size_t   len;

    len = craft_ok(tok, HDR, PAYLOAD);
    dot1 = strchr(tok, '.');
    dot2 = strchr(dot1 + 1, '.');

    /* stripped signature, with and without its "." */

    memcpy(bad, tok, dot2 - tok + 1);
    bad[dot2 - tok + 1] = '\0';
    assert_rc(verify(bad), NGX_HTTP_SCC_JWT_ERR_SEGMENTS);
    bad[dot2 - tok] = '\0';
    assert_rc(verify(bad), NGX_HTTP_SCC_JWT_ERR_SEGMENTS);

    /* a signature cut short or made longer */

    memcpy(bad, tok, len - 1);
    bad[len - 1] = '\0';
    assert_rc(verify(bad), NGX_HTTP_SCC_JWT_ERR_SIG_LEN);
    snprintf(bad, sizeof(bad), "%sA", tok);
    assert_rc(verify(bad), NGX_HTTP_SCC_JWT_ERR_SIG_LEN);

    /* one character changed, in each segment, still valid base64url */

    strcpy(bad, tok);
    other_char(&bad[(dot1 - tok) + 5]);
    assert_rc(verify(bad), NGX_HTTP_SCC_JWT_ERR_SIGNATURE);

    strcpy(bad, tok);
    other_char(&bad[3]);
    assert_rc(verify(bad), NGX_HTTP_SCC_JWT_ERR_SIGNATURE);

    strcpy(bad, tok);
    other_char(&bad[(dot2 - tok) + 1]);
    assert_rc(verify(bad), NGX_HTTP_SCC_JWT_ERR_SIGNATURE);

    strcpy(bad, tok);
    other_char(&bad[len - 5]);
    assert_rc(verify(bad), NGX_HTTP_SCC_JWT_ERR_SIGNATURE);

    /* a payload of another user under the original signature */

    {
        char  other[TOKEN_MAX];

        craft_ok(other, HDR, "{\"sub\":\"1\",\"role\":\"admin\","
                 "\"exp\":1700000900,\"iss\":\"" ISS "\",\"aud\":\"" AUD
                 "\"}");
        memcpy(bad, other, strrchr(other, '.') - other);
        strcpy(bad + (strrchr(other, '.') - other), dot2);
        assert_rc(verify(bad), NGX_HTTP_SCC_JWT_ERR_SIGNATURE);
    }

    /* the signature of the token as it is: fine */

    assert_rc(verify(tok), NGX_HTTP_SCC_JWT_OK);
}


static void
test_padding_whitespace_noncanonical(void **state)
{
    char     tok[TOKEN_MAX], bad[2 * TOKEN_MAX + 8];
    char    *dot1, *dot2;
    size_t   len, h, i, pad;

    /* a payload whose encoding has 2 or 3 characters in its last quantum */

    for (pad = 0; pad < 3; pad++) {
        char  payload[256];

        snprintf(payload, sizeof(payload), "{" CLAIMS ",\"exp\":1700000900,"
                 "\"p\":\"%.*s\"}", (int) pad, "xxx");
        len = craft_ok(tok, HDR, payload);
        assert_rc(verify(tok), NGX_HTTP_SCC_JWT_OK);

        dot1 = strchr(tok, '.');
        dot2 = strchr(dot1 + 1, '.');
        h = dot1 - tok;

        /* "=" padding after any segment */

        snprintf(bad, sizeof(bad), "%.*s=.%s", (int) h, tok, dot1 + 1);
        assert_int_not_equal(verify(bad), NGX_HTTP_SCC_JWT_OK);
        snprintf(bad, sizeof(bad), "%.*s==%s", (int) (dot2 - tok), tok,
                 dot2);
        assert_int_not_equal(verify(bad), NGX_HTTP_SCC_JWT_OK);
        snprintf(bad, sizeof(bad), "%s=", tok);
        assert_int_not_equal(verify(bad), NGX_HTTP_SCC_JWT_OK);

        /* whitespace anywhere: around, inside, CR LF */

        snprintf(bad, sizeof(bad), "%s\n", tok);
        assert_int_not_equal(verify(bad), NGX_HTTP_SCC_JWT_OK);
        snprintf(bad, sizeof(bad), " %s", tok);
        assert_int_not_equal(verify(bad), NGX_HTTP_SCC_JWT_OK);
        snprintf(bad, sizeof(bad), "%.*s\r\n%s", (int) h, tok, tok + h);
        assert_int_not_equal(verify(bad), NGX_HTTP_SCC_JWT_OK);

        for (i = 1; i < len; i += 7) {
            snprintf(bad, sizeof(bad), "%.*s %s", (int) i, tok, tok + i);
            assert_int_not_equal(verify(bad), NGX_HTTP_SCC_JWT_OK);
            snprintf(bad, sizeof(bad), "%.*s\n%s", (int) i, tok, tok + i);
            assert_int_not_equal(verify(bad), NGX_HTTP_SCC_JWT_OK);
        }

        /* standard base64 characters instead of url ones */

        strcpy(bad, tok);
        bad[2] = '+';
        assert_rc(verify(bad), NGX_HTTP_SCC_JWT_ERR_BASE64);
        strcpy(bad, tok);
        bad[(dot2 - tok) + 2] = '/';
        assert_rc(verify(bad), NGX_HTTP_SCC_JWT_ERR_BASE64);

        /*
         * the last character of the payload with its unused bits set:
         * the same bytes, another spelling, refused before the MAC
         */

        if ((dot2 - dot1 - 1) % 4 != 0) {
            strcpy(bad, tok);
            bad[(dot2 - tok) - 1] += 1;
            assert_rc(verify(bad), NGX_HTTP_SCC_JWT_ERR_BASE64);
        }
    }

    /* the signature's last character has 2 unused bits: "B" sets one */

    {
        static const char  *sigs[] = {
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB",
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA_",
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        };

        for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
            snprintf(bad, sizeof(bad), "%.*s%s",
                     (int) (strrchr(tok, '.') - tok + 1), tok, sigs[i]);
            assert_int_not_equal(verify(bad), NGX_HTTP_SCC_JWT_OK);
        }

        snprintf(bad, sizeof(bad), "%.*s%s",
                 (int) (strrchr(tok, '.') - tok + 1), tok, sigs[0]);
        assert_rc(verify(bad), NGX_HTTP_SCC_JWT_ERR_BASE64);
    }
}


static void
test_size_cap(void **state)
{
    char                        tok[TOKEN_MAX], payload[TOKEN_MAX];
    size_t                      len, n, under;
    ngx_http_scc_jwt_claims_t   claims;

    under = 0;

    /*
     * Correctly signed tokens around NGX_HTTP_SCC_JWT_MAX_LEN: a character
     * of payload is 4/3 of a token character, so the lengths go by 1 or 2
     * and the largest under the cap is MAX_LEN or MAX_LEN - 1.
     */

    for (n = 2800; n < 3200; n++) {
        snprintf(payload, sizeof(payload), "{" CLAIMS ",\"exp\":1700000900,"
                 "\"pad\":\"%0*d\"}", (int) n, 0);
        len = craft_ok(tok, HDR, payload);

        if (len > NGX_HTTP_SCC_JWT_MAX_LEN) {
            break;
        }

        if (len >= NGX_HTTP_SCC_JWT_MAX_LEN - 1) {
            assert_rc(verify_at(tok, len, NOW, &claims), NGX_HTTP_SCC_JWT_OK);
            under++;
        }
    }

    assert_true(under >= 1);

    /* one byte more, signed just as well: refused before decoding */

    assert_true(len > NGX_HTTP_SCC_JWT_MAX_LEN);
    assert_rc(verify_at(tok, len, NOW, &claims),
              NGX_HTTP_SCC_JWT_ERR_TOO_LONG);

    /* garbage of any kind, when too long, is only "too long" */

    memset(tok, '.', NGX_HTTP_SCC_JWT_MAX_LEN + 1);
    assert_rc(verify_at(tok, NGX_HTTP_SCC_JWT_MAX_LEN + 1, NOW, &claims),
              NGX_HTTP_SCC_JWT_ERR_TOO_LONG);
}


static void
test_segments(void **state)
{
    char     tok[TOKEN_MAX], bad[2 * TOKEN_MAX + 8];
    char    *dot1, *dot2;

    craft_ok(tok, HDR, PAYLOAD);
    dot1 = strchr(tok, '.');
    dot2 = strchr(dot1 + 1, '.');

    /* two segments */
    snprintf(bad, sizeof(bad), "%.*s%s", (int) (dot1 - tok), tok, dot2);
    assert_rc(verify(bad), NGX_HTTP_SCC_JWT_ERR_SEGMENTS);

    /* four and five */
    snprintf(bad, sizeof(bad), "%s.%s", tok, dot2 + 1);
    assert_rc(verify(bad), NGX_HTTP_SCC_JWT_ERR_SEGMENTS);
    snprintf(bad, sizeof(bad), "%s.", tok);
    assert_rc(verify(bad), NGX_HTTP_SCC_JWT_ERR_SEGMENTS);
    snprintf(bad, sizeof(bad), "%.*s.%s", (int) (dot2 - tok), tok, tok);
    assert_rc(verify(bad), NGX_HTTP_SCC_JWT_ERR_SEGMENTS);

    /* empty segments */
    snprintf(bad, sizeof(bad), "%s", dot1);
    assert_rc(verify(bad), NGX_HTTP_SCC_JWT_ERR_SEGMENTS);
    snprintf(bad, sizeof(bad), "%.*s.%s", (int) (dot1 - tok), tok, dot2);
    assert_rc(verify(bad), NGX_HTTP_SCC_JWT_ERR_SEGMENTS);

    assert_rc(verify(""), NGX_HTTP_SCC_JWT_ERR_SEGMENTS);
    assert_rc(verify("."), NGX_HTTP_SCC_JWT_ERR_SEGMENTS);
    assert_rc(verify(".."), NGX_HTTP_SCC_JWT_ERR_SEGMENTS);
    assert_rc(verify("..."), NGX_HTTP_SCC_JWT_ERR_SEGMENTS);
    assert_rc(verify("abc"), NGX_HTTP_SCC_JWT_ERR_SEGMENTS);

    /* the JSON serialization is no compact token */
    assert_rc(verify("{\"payload\":\"e30\",\"signatures\":[]}"),
              NGX_HTTP_SCC_JWT_ERR_SEGMENTS);
}


static void
test_duplicate_keys(void **state)
{
    /* in the header */

    assert_rc(verify_crafted("{\"alg\":\"HS256\",\"typ\":\"at+jwt\","
                             "\"alg\":\"HS256\"}", PAYLOAD),
              NGX_HTTP_SCC_JWT_ERR_DUPLICATE);
    assert_rc(verify_crafted("{\"alg\":\"none\",\"alg\":\"HS256\","
                             "\"typ\":\"at+jwt\"}", PAYLOAD),
              NGX_HTTP_SCC_JWT_ERR_ALG);
    assert_rc(verify_crafted("{\"alg\":\"HS256\",\"typ\":\"at+jwt\","
                             "\"typ\":\"at+jwt\"}", PAYLOAD),
              NGX_HTTP_SCC_JWT_ERR_DUPLICATE);
    assert_rc(verify_crafted("{\"alg\":\"HS256\",\"typ\":\"at+jwt\","
                             "\"\\u0061lg\":\"HS256\"}", PAYLOAD),
              NGX_HTTP_SCC_JWT_ERR_DUPLICATE);
    assert_rc(verify_crafted("{\"alg\":\"HS256\",\"typ\":\"at+jwt\","
                             "\"x\":{\"k\":1,\"k\":2}}", PAYLOAD),
              NGX_HTTP_SCC_JWT_ERR_DUPLICATE);

    /* in the payload, top level and nested */

    assert_rc(verify_crafted(HDR, "{" CLAIMS ",\"exp\":1700000900,"
                             "\"exp\":1800000000}"),
              NGX_HTTP_SCC_JWT_ERR_DUPLICATE);
    assert_rc(verify_crafted(HDR, "{" CLAIMS ",\"exp\":1700000900,"
                             "\"role\":\"admin\"}"),
              NGX_HTTP_SCC_JWT_ERR_DUPLICATE);
    assert_rc(verify_crafted(HDR, "{" CLAIMS ",\"exp\":1700000900,"
                             "\"s\\u0075b\":\"1\"}"),
              NGX_HTTP_SCC_JWT_ERR_DUPLICATE);
    assert_rc(verify_crafted(HDR, "{" CLAIMS ",\"exp\":1700000900,"
                             "\"x\":[{\"a\":1},{\"b\":1,\"b\":1}]}"),
              NGX_HTTP_SCC_JWT_ERR_DUPLICATE);
}


static void
test_exp_nbf_iat(void **state)
{
    char                        tok[TOKEN_MAX];
    size_t                      len;
    ngx_http_scc_jwt_claims_t   claims;

#define P(extra)  "{" CLAIMS extra "}"

    /* exp: required, an integer */

    assert_rc(verify_crafted(HDR, P("")), NGX_HTTP_SCC_JWT_ERR_EXP_MISSING);
    assert_rc(verify_crafted(HDR, P(",\"exp\":\"1700000900\"")),
              NGX_HTTP_SCC_JWT_ERR_CLAIM_TYPE);
    assert_rc(verify_crafted(HDR, P(",\"exp\":1700000900.0")),
              NGX_HTTP_SCC_JWT_ERR_CLAIM_TYPE);
    assert_rc(verify_crafted(HDR, P(",\"exp\":1.7e9")),
              NGX_HTTP_SCC_JWT_ERR_CLAIM_TYPE);
    assert_rc(verify_crafted(HDR, P(",\"exp\":null")),
              NGX_HTTP_SCC_JWT_ERR_CLAIM_TYPE);
    assert_rc(verify_crafted(HDR, P(",\"exp\":true")),
              NGX_HTTP_SCC_JWT_ERR_CLAIM_TYPE);
    assert_rc(verify_crafted(HDR, P(",\"exp\":[1800000000]")),
              NGX_HTTP_SCC_JWT_ERR_CLAIM_TYPE);
    assert_rc(verify_crafted(HDR, P(",\"exp\":99999999999999999999999")),
              NGX_HTTP_SCC_JWT_ERR_PAYLOAD);
    assert_rc(verify_crafted(HDR, P(",\"exp\":9223372036854775807")),
              NGX_HTTP_SCC_JWT_OK);

    /* expired: valid only before exp (RFC 7519 4.1.4) */

    len = craft_ok(tok, HDR, P(",\"exp\":1700000000"));
    assert_rc(verify_at(tok, len, NOW - 1, &claims), NGX_HTTP_SCC_JWT_OK);
    assert_rc(verify_at(tok, len, NOW, &claims),
              NGX_HTTP_SCC_JWT_ERR_EXPIRED);
    assert_rc(verify_at(tok, len, NOW + 3600, &claims),
              NGX_HTTP_SCC_JWT_ERR_EXPIRED);

    /* leeway */

    conf.leeway = 10;
    assert_rc(verify_at(tok, len, NOW + 9, &claims), NGX_HTTP_SCC_JWT_OK);
    assert_rc(verify_at(tok, len, NOW + 10, &claims),
              NGX_HTTP_SCC_JWT_ERR_EXPIRED);
    conf.leeway = 0;

    /* nbf */

    len = craft_ok(tok, HDR, P(",\"exp\":1700000900,\"nbf\":1700000060"));
    assert_rc(verify_at(tok, len, NOW, &claims), NGX_HTTP_SCC_JWT_ERR_NBF);
    assert_rc(verify_at(tok, len, NOW + 60, &claims), NGX_HTTP_SCC_JWT_OK);
    conf.leeway = 60;
    assert_rc(verify_at(tok, len, NOW, &claims), NGX_HTTP_SCC_JWT_OK);
    conf.leeway = 0;
    assert_rc(verify_crafted(HDR, P(",\"exp\":1700000900,\"nbf\":\"0\"")),
              NGX_HTTP_SCC_JWT_ERR_CLAIM_TYPE);

    /* iat not in the future */

    len = craft_ok(tok, HDR, "{\"sub\":\"42\",\"role\":\"crew\","
                   "\"iat\":1700000030,\"exp\":1700000900,"
                   "\"iss\":\"" ISS "\",\"aud\":\"" AUD "\"}");
    assert_rc(verify_at(tok, len, NOW, &claims), NGX_HTTP_SCC_JWT_ERR_IAT);
    assert_rc(verify_at(tok, len, NOW + 30, &claims), NGX_HTTP_SCC_JWT_OK);
    conf.leeway = 30;
    assert_rc(verify_at(tok, len, NOW, &claims), NGX_HTTP_SCC_JWT_OK);
    conf.leeway = 0;
    assert_rc(verify_crafted(HDR, "{\"sub\":\"42\",\"role\":\"crew\","
                             "\"iat\":1.5,\"exp\":1700000900}"),
              NGX_HTTP_SCC_JWT_ERR_CLAIM_TYPE);

#undef P
}


static void
test_typ(void **state)
{
    u_char                      buf[NGX_HTTP_SCC_JWT_SIGN_SIZE];
    ngx_str_t                   token, typ;
    ngx_http_scc_jwt_claims_t   claims, out;

    assert_rc(verify_crafted("{\"alg\":\"HS256\"}", PAYLOAD),
              NGX_HTTP_SCC_JWT_ERR_TYP);
    assert_rc(verify_crafted("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", PAYLOAD),
              NGX_HTTP_SCC_JWT_ERR_TYP);
    assert_rc(verify_crafted("{\"alg\":\"HS256\",\"typ\":\"AT+JWT\"}",
                             PAYLOAD),
              NGX_HTTP_SCC_JWT_ERR_TYP);
    assert_rc(verify_crafted("{\"alg\":\"HS256\",\"typ\":"
                             "\"application/at+jwt\"}", PAYLOAD),
              NGX_HTTP_SCC_JWT_ERR_TYP);
    assert_rc(verify_crafted("{\"alg\":\"HS256\",\"typ\":\"at+jwt \"}",
                             PAYLOAD),
              NGX_HTTP_SCC_JWT_ERR_TYP);
    assert_rc(verify_crafted("{\"alg\":\"HS256\",\"typ\":1}", PAYLOAD),
              NGX_HTTP_SCC_JWT_ERR_TYP);
    assert_rc(verify_crafted("{\"alg\":\"HS256\",\"typ\":[\"at+jwt\"]}",
                             PAYLOAD),
              NGX_HTTP_SCC_JWT_ERR_TYP);

    /* a refresh or link token of ours, offered as an access token */

    ngx_memzero(&claims, sizeof(claims));
    ngx_str_set(&claims.sub, "42");
    claims.role = NGX_HTTP_SCC_ROLE_ADMIN;
    claims.iat = NOW;
    claims.exp = NOW + 900;

    ngx_str_set(&typ, "refresh+jwt");
    assert_int_equal(ngx_http_scc_jwt_sign(&conf, &typ, &claims, buf,
                                           sizeof(buf), &token), NGX_OK);
    assert_rc(verify_at((char *) token.data, token.len, NOW, &out),
              NGX_HTTP_SCC_JWT_ERR_TYP);

    ngx_str_set(&typ, "link+jwt");
    assert_int_equal(ngx_http_scc_jwt_sign(&conf, &typ, &claims, buf,
                                           sizeof(buf), &token), NGX_OK);
    assert_rc(verify_at((char *) token.data, token.len, NOW, &out),
              NGX_HTTP_SCC_JWT_ERR_TYP);

    /* and the other way round */

    assert_int_equal(ngx_http_scc_jwt_sign(&conf, &typ_access, &claims, buf,
                                           sizeof(buf), &token), NGX_OK);
    {
        u_char  storage[NGX_HTTP_SCC_JWT_STORAGE_SIZE];

        assert_rc(ngx_http_scc_jwt_verify(&conf, &token, &typ, NOW, &out,
                                          storage, sizeof(storage)),
                  NGX_HTTP_SCC_JWT_ERR_TYP);
        assert_rc(ngx_http_scc_jwt_verify(&conf, &token, NULL, NOW, &out,
                                          storage, sizeof(storage)),
                  NGX_HTTP_SCC_JWT_ERR_INTERNAL);
    }
}


static void
test_header_params(void **state)
{
    assert_rc(verify_crafted("{\"alg\":\"HS256\",\"typ\":\"at+jwt\","
                             "\"crit\":[\"exp\"],\"exp\":1}", PAYLOAD),
              NGX_HTTP_SCC_JWT_ERR_CRIT);
    assert_rc(verify_crafted("{\"alg\":\"HS256\",\"typ\":\"at+jwt\","
                             "\"crit\":[]}", PAYLOAD),
              NGX_HTTP_SCC_JWT_ERR_CRIT);
    assert_rc(verify_crafted("{\"alg\":\"HS256\",\"typ\":\"at+jwt\","
                             "\"b64\":false,\"crit\":[\"b64\"]}", PAYLOAD),
              NGX_HTTP_SCC_JWT_ERR_CRIT);
    assert_rc(verify_crafted("{\"alg\":\"HS256\",\"typ\":\"at+jwt\","
                             "\"jku\":\"https://evil.example/k\"}", PAYLOAD),
              NGX_HTTP_SCC_JWT_ERR_KEY_PARAM);
    assert_rc(verify_crafted("{\"alg\":\"HS256\",\"typ\":\"at+jwt\","
                             "\"jwk\":{\"kty\":\"oct\",\"k\":\"AAAA\"}}",
                             PAYLOAD),
              NGX_HTTP_SCC_JWT_ERR_KEY_PARAM);
    assert_rc(verify_crafted("{\"alg\":\"HS256\",\"typ\":\"at+jwt\","
                             "\"x5u\":\"https://evil.example/c\"}", PAYLOAD),
              NGX_HTTP_SCC_JWT_ERR_KEY_PARAM);
    assert_rc(verify_crafted("{\"alg\":\"HS256\",\"typ\":\"at+jwt\","
                             "\"x5c\":[\"MIIB\"]}", PAYLOAD),
              NGX_HTTP_SCC_JWT_ERR_KEY_PARAM);

    /* kid never selects a key: ignored, whatever it says */

    assert_rc(verify_crafted("{\"alg\":\"HS256\",\"typ\":\"at+jwt\","
                             "\"kid\":\"../../dev/null\"}", PAYLOAD),
              NGX_HTTP_SCC_JWT_OK);
}


static void
test_not_json_objects(void **state)
{
    assert_rc(verify_crafted("[\"HS256\"]", PAYLOAD),
              NGX_HTTP_SCC_JWT_ERR_HEADER);
    assert_rc(verify_crafted("\"HS256\"", PAYLOAD),
              NGX_HTTP_SCC_JWT_ERR_HEADER);
    assert_rc(verify_crafted("{\"alg\":\"HS256\",\"typ\":\"at+jwt\"", PAYLOAD),
              NGX_HTTP_SCC_JWT_ERR_HEADER);
    assert_rc(verify_crafted(HDR "{}", PAYLOAD),
              NGX_HTTP_SCC_JWT_ERR_HEADER);
    assert_rc(verify_crafted(HDR " x", PAYLOAD),
              NGX_HTTP_SCC_JWT_ERR_HEADER);
    assert_rc(verify_crafted("{'alg':'HS256'}", PAYLOAD),
              NGX_HTTP_SCC_JWT_ERR_HEADER);

    /* as long as the header we sign, and almost the same */

#define H(s)  "{\"alg\":\"HS" s

    assert_rc(verify_crafted(H("256\",\"typ\":\"at+jwt\"]"), PAYLOAD),
              NGX_HTTP_SCC_JWT_ERR_HEADER);
    assert_rc(verify_crafted(H("256\",\"typ\":\"at+jwt}}"), PAYLOAD),
              NGX_HTTP_SCC_JWT_ERR_HEADER);
    assert_rc(verify_crafted(H("256\",\"typ\":\"at+jwt\"\""), PAYLOAD),
              NGX_HTTP_SCC_JWT_ERR_HEADER);
    assert_rc(verify_crafted(H("256\",\"typ\":\"at+jwu\"}"), PAYLOAD),
              NGX_HTTP_SCC_JWT_ERR_TYP);
    assert_rc(verify_crafted(H("384\",\"typ\":\"at+jwt\"}"), PAYLOAD),
              NGX_HTTP_SCC_JWT_ERR_ALG);

#undef H

    assert_rc(verify_crafted(HDR, "Zm9v"), NGX_HTTP_SCC_JWT_ERR_PAYLOAD);
    assert_rc(verify_crafted(HDR, "[" PAYLOAD "]"),
              NGX_HTTP_SCC_JWT_ERR_PAYLOAD);
    assert_rc(verify_crafted(HDR, "1700000900"),
              NGX_HTTP_SCC_JWT_ERR_PAYLOAD);
    assert_rc(verify_crafted(HDR, " "), NGX_HTTP_SCC_JWT_ERR_PAYLOAD);
    assert_rc(verify_crafted(HDR, PAYLOAD PAYLOAD),
              NGX_HTTP_SCC_JWT_ERR_PAYLOAD);
    assert_rc(verify_crafted(HDR, "/* c */" PAYLOAD),
              NGX_HTTP_SCC_JWT_ERR_PAYLOAD);
    assert_rc(verify_crafted(HDR, "{" CLAIMS ",\"exp\":1700000900,}"),
              NGX_HTTP_SCC_JWT_ERR_PAYLOAD);
    assert_rc(verify_crafted(HDR, "{" CLAIMS ",\"exp\":1700000900,"
                             "\"x\":\"\xff\xfe\"}"),
              NGX_HTTP_SCC_JWT_ERR_PAYLOAD);
    assert_rc(verify_crafted(HDR, "\xef\xbb\xbf" PAYLOAD),
              NGX_HTTP_SCC_JWT_ERR_PAYLOAD);
}


static void
test_json_limits(void **state)
{
    char    payload[4096], *p;
    size_t  i;

    /* 8 levels are allowed, the 9th is not */

    assert_rc(verify_crafted(HDR, "{" CLAIMS ",\"exp\":1700000900,"
                             "\"x\":[[[[[[[1]]]]]]]}"),
              NGX_HTTP_SCC_JWT_OK);
    assert_rc(verify_crafted(HDR, "{" CLAIMS ",\"exp\":1700000900,"
                             "\"x\":[[[[[[[[1]]]]]]]]}"),
              NGX_HTTP_SCC_JWT_ERR_JSON_LIMIT);

    /* 64 keys are allowed, the 65th is not */

    for (i = 57; i <= 58; i++) {
        size_t  k;

        p = payload;
        p += sprintf(p, "{" CLAIMS ",\"exp\":1700000900");

        for (k = 0; k < i; k++) {
            p += sprintf(p, ",\"k%zu\":0", k);
        }

        strcpy(p, "}");

        assert_rc(verify_crafted(HDR, payload),
                  i == 57 ? NGX_HTTP_SCC_JWT_OK
                          : NGX_HTTP_SCC_JWT_ERR_JSON_LIMIT);
    }
}


static void
test_iss_aud(void **state)
{
#define P(iss_aud)  "{\"sub\":\"42\",\"role\":\"crew\",\"exp\":1700000900" \
                    iss_aud "}"

    assert_rc(verify_crafted(HDR, P(",\"aud\":\"" AUD "\"")),
              NGX_HTTP_SCC_JWT_ERR_ISS);
    assert_rc(verify_crafted(HDR, P(",\"iss\":\"https://evil.example\","
                                    "\"aud\":\"" AUD "\"")),
              NGX_HTTP_SCC_JWT_ERR_ISS);
    assert_rc(verify_crafted(HDR, P(",\"iss\":\"https://SCC.example\","
                                    "\"aud\":\"" AUD "\"")),
              NGX_HTTP_SCC_JWT_ERR_ISS);
    assert_rc(verify_crafted(HDR, P(",\"iss\":[\"" ISS "\"],"
                                    "\"aud\":\"" AUD "\"")),
              NGX_HTTP_SCC_JWT_ERR_CLAIM_TYPE);

    assert_rc(verify_crafted(HDR, P(",\"iss\":\"" ISS "\"")),
              NGX_HTTP_SCC_JWT_ERR_AUD);
    assert_rc(verify_crafted(HDR, P(",\"iss\":\"" ISS "\","
                                    "\"aud\":\"other-api\"")),
              NGX_HTTP_SCC_JWT_ERR_AUD);
    assert_rc(verify_crafted(HDR, P(",\"iss\":\"" ISS "\","
                                    "\"aud\":\"scc-api2\"")),
              NGX_HTTP_SCC_JWT_ERR_AUD);

    /* RFC 7519 4.1.3: an array containing it */

    assert_rc(verify_crafted(HDR, P(",\"iss\":\"" ISS "\","
                                    "\"aud\":[\"other\",\"" AUD "\"]")),
              NGX_HTTP_SCC_JWT_OK);
    assert_rc(verify_crafted(HDR, P(",\"iss\":\"" ISS "\","
                                    "\"aud\":[\"other\",\"x\"]")),
              NGX_HTTP_SCC_JWT_ERR_AUD);
    assert_rc(verify_crafted(HDR, P(",\"iss\":\"" ISS "\",\"aud\":[]")),
              NGX_HTTP_SCC_JWT_ERR_AUD);
    assert_rc(verify_crafted(HDR, P(",\"iss\":\"" ISS "\","
                                    "\"aud\":[\"" AUD "\",1]")),
              NGX_HTTP_SCC_JWT_ERR_CLAIM_TYPE);
    assert_rc(verify_crafted(HDR, P(",\"iss\":\"" ISS "\","
                                    "\"aud\":[[\"" AUD "\"]]")),
              NGX_HTTP_SCC_JWT_ERR_CLAIM_TYPE);
    assert_rc(verify_crafted(HDR, P(",\"iss\":\"" ISS "\","
                                    "\"aud\":{\"" AUD "\":1}")),
              NGX_HTTP_SCC_JWT_ERR_CLAIM_TYPE);

    /* not configured: not required */

    ngx_str_null(&conf.iss);
    ngx_str_null(&conf.aud);
    assert_rc(verify_crafted(HDR, P("")), NGX_HTTP_SCC_JWT_OK);
    assert_rc(verify_crafted(HDR, P(",\"iss\":\"x\",\"aud\":\"y\"")),
              NGX_HTTP_SCC_JWT_OK);

#undef P
}


static void
test_sub_role(void **state)
{
    size_t       i;
    char         payload[512];
    const char  *bad_roles[] = { "root", "Admin", "ADMIN", "admin ", "",
                                 "superuser", "admin\\u0000" };
    const char  *roles[] = { "guest", "crew", "captain", "admin" };
    ngx_uint_t   role_ids[] = { NGX_HTTP_SCC_ROLE_GUEST,
                                NGX_HTTP_SCC_ROLE_CREW,
                                NGX_HTTP_SCC_ROLE_CAPTAIN,
                                NGX_HTTP_SCC_ROLE_ADMIN };
    size_t       len;
    char         tok[TOKEN_MAX];
    ngx_http_scc_jwt_claims_t  claims;

#define TAIL ",\"exp\":1700000900,\"iss\":\"" ISS "\",\"aud\":\"" AUD "\"}"

    for (i = 0; i < sizeof(bad_roles) / sizeof(bad_roles[0]); i++) {
        snprintf(payload, sizeof(payload), "{\"sub\":\"42\",\"role\":\"%s\""
                 TAIL, bad_roles[i]);
        assert_rc(verify_crafted(HDR, payload), NGX_HTTP_SCC_JWT_ERR_ROLE);
    }

    for (i = 0; i < 4; i++) {
        snprintf(payload, sizeof(payload), "{\"sub\":\"42\",\"role\":\"%s\""
                 TAIL, roles[i]);
        len = craft_ok(tok, HDR, payload);
        assert_rc(verify_at(tok, len, NOW, &claims), NGX_HTTP_SCC_JWT_OK);
        assert_int_equal(claims.role, role_ids[i]);
    }

    assert_rc(verify_crafted(HDR, "{\"sub\":\"42\"" TAIL),
              NGX_HTTP_SCC_JWT_ERR_ROLE);
    assert_rc(verify_crafted(HDR, "{\"sub\":\"42\",\"role\":4" TAIL),
              NGX_HTTP_SCC_JWT_ERR_CLAIM_TYPE);
    assert_rc(verify_crafted(HDR, "{\"sub\":\"42\",\"role\":[\"admin\"]"
                             TAIL),
              NGX_HTTP_SCC_JWT_ERR_CLAIM_TYPE);

    assert_rc(verify_crafted(HDR, "{\"role\":\"crew\"" TAIL),
              NGX_HTTP_SCC_JWT_ERR_SUB);
    assert_rc(verify_crafted(HDR, "{\"sub\":\"\",\"role\":\"crew\"" TAIL),
              NGX_HTTP_SCC_JWT_ERR_SUB);
    assert_rc(verify_crafted(HDR, "{\"sub\":42,\"role\":\"crew\"" TAIL),
              NGX_HTTP_SCC_JWT_ERR_CLAIM_TYPE);
    assert_rc(verify_crafted(HDR, "{\"sub\":\"42\",\"jti\":7,"
                             "\"role\":\"crew\"" TAIL),
              NGX_HTTP_SCC_JWT_ERR_CLAIM_TYPE);

    /* escaped strings come back unescaped, and claims are zeroed on error */

    len = craft_ok(tok, HDR, "{\"sub\":\"a\\\"b\\\\c\\u00e9\","
                   "\"role\":\"crew\"" TAIL);
    assert_rc(verify_at(tok, len, NOW, &claims), NGX_HTTP_SCC_JWT_OK);
    assert_int_equal(claims.sub.len, 7);
    assert_memory_equal(claims.sub.data, "a\"b\\c\xc3\xa9", 7);

    len = craft_ok(tok, HDR, "{\"sub\":\"42\",\"role\":\"crew\"}");
    assert_rc(verify_at(tok, len, NOW, &claims),
              NGX_HTTP_SCC_JWT_ERR_EXP_MISSING);
    assert_int_equal(claims.sub.len, 0);
    assert_null(claims.sub.data);
    assert_int_equal(claims.role, NGX_HTTP_SCC_ROLE_NONE);

#undef TAIL
}


static void
test_storage(void **state)
{
    u_char                      storage[8];
    char                        tok[TOKEN_MAX];
    ngx_str_t                   t;
    ngx_http_scc_jwt_claims_t   claims;

    t.data = (u_char *) tok;
    t.len = craft_ok(tok, HDR, "{\"sub\":\"12345\",\"jti\":\"678\","
                     "\"role\":\"crew\",\"exp\":1700000900,\"iss\":\"" ISS
                     "\",\"aud\":\"" AUD "\"}");

    assert_rc(ngx_http_scc_jwt_verify(&conf, &t, &typ_access, NOW, &claims,
                                      storage, 8),
              NGX_HTTP_SCC_JWT_OK);
    assert_memory_equal(claims.sub.data, "12345", 5);
    assert_memory_equal(claims.jti.data, "678", 3);
    assert_ptr_equal(claims.sub.data, storage);

    assert_rc(ngx_http_scc_jwt_verify(&conf, &t, &typ_access, NOW, &claims,
                                      storage, 7),
              NGX_HTTP_SCC_JWT_ERR_STORAGE);
}


static void
test_rotation(void **state)
{
    u_char                      buf[NGX_HTTP_SCC_JWT_SIGN_SIZE];
    u_char                      storage[NGX_HTTP_SCC_JWT_STORAGE_SIZE];
    ngx_str_t                   old_token, new_token;
    u_char                      old_buf[NGX_HTTP_SCC_JWT_SIGN_SIZE];
    ngx_http_scc_jwt_conf_t     c;
    ngx_http_scc_jwt_claims_t   claims, out;

    ngx_memzero(&claims, sizeof(claims));
    ngx_str_set(&claims.sub, "7");
    claims.role = NGX_HTTP_SCC_ROLE_GUEST;
    claims.iat = NOW;
    claims.exp = NOW + 900;

    /* before the rotation: old_key is current */

    c = conf;
    c.current = &old_key;
    c.previous = NULL;
    assert_int_equal(ngx_http_scc_jwt_sign(&c, &typ_access, &claims, old_buf,
                                           sizeof(old_buf), &old_token),
                     NGX_OK);

    /* after it: key is current, old_key previous */

    c.current = &key;
    c.previous = &old_key;

    assert_rc(ngx_http_scc_jwt_verify(&c, &old_token, &typ_access, NOW, &out,
                                      storage, sizeof(storage)),
              NGX_HTTP_SCC_JWT_OK);
    assert_int_equal(out.rotated, 1);
    assert_memory_equal(out.sub.data, "7", 1);

    /* signing uses the current key only */

    assert_int_equal(ngx_http_scc_jwt_sign(&c, &typ_access, &claims, buf,
                                           sizeof(buf), &new_token), NGX_OK);
    assert_rc(ngx_http_scc_jwt_verify(&c, &new_token, &typ_access, NOW, &out,
                                      storage, sizeof(storage)),
              NGX_HTTP_SCC_JWT_OK);
    assert_int_equal(out.rotated, 0);

    c.previous = NULL;
    assert_rc(ngx_http_scc_jwt_verify(&c, &new_token, &typ_access, NOW, &out,
                                      storage, sizeof(storage)),
              NGX_HTTP_SCC_JWT_OK);

    /* once the previous key is gone, so are its tokens */

    assert_rc(ngx_http_scc_jwt_verify(&c, &old_token, &typ_access, NOW, &out,
                                      storage, sizeof(storage)),
              NGX_HTTP_SCC_JWT_ERR_SIGNATURE);

    /* a previous key never makes a new token valid under the old one */

    c.current = &old_key;
    c.previous = NULL;
    assert_rc(ngx_http_scc_jwt_verify(&c, &new_token, &typ_access, NOW, &out,
                                      storage, sizeof(storage)),
              NGX_HTTP_SCC_JWT_ERR_SIGNATURE);
}


static void
test_key_length(void **state)
{
    u_char                  s[64];
    ngx_http_scc_jwt_key_t  k;

    memset(s, 0x5a, sizeof(s));

    assert_int_equal(ngx_http_scc_jwt_key_init(&k, s, 0), NGX_DECLINED);
    assert_null(k.ctx);
    assert_int_equal(ngx_http_scc_jwt_key_init(&k, s, 16), NGX_DECLINED);
    assert_int_equal(ngx_http_scc_jwt_key_init(&k, s, 31), NGX_DECLINED);
    assert_null(k.ctx);
    ngx_http_scc_jwt_key_cleanup(&k);

    assert_int_equal(ngx_http_scc_jwt_key_init(&k, s, 32), NGX_OK);
    assert_non_null(k.ctx);
    ngx_http_scc_jwt_key_cleanup(&k);
    assert_null(k.ctx);
    ngx_http_scc_jwt_key_cleanup(&k);

    assert_int_equal(ngx_http_scc_jwt_key_init(&k, s, 64), NGX_OK);
    ngx_http_scc_jwt_key_cleanup(&k);
}


static void
test_sign_round_trip(void **state)
{
    u_char                      buf[NGX_HTTP_SCC_JWT_SIGN_SIZE];
    u_char                      jti[NGX_HTTP_SCC_JWT_JTI_LEN];
    u_char                      jti2[NGX_HTTP_SCC_JWT_JTI_LEN];
    u_char                      json[NGX_HTTP_SCC_JWS_BUF_SIZE];
    ngx_str_t                   token, seg, dst;
    ngx_uint_t                  role;
    ngx_http_scc_jwt_claims_t   claims, out;

    assert_int_equal(ngx_http_scc_jwt_jti(jti), NGX_OK);
    assert_int_equal(ngx_http_scc_jwt_jti(jti2), NGX_OK);
    assert_memory_not_equal(jti, jti2, NGX_HTTP_SCC_JWT_JTI_LEN);

    for (role = NGX_HTTP_SCC_ROLE_GUEST;
         role <= NGX_HTTP_SCC_ROLE_ADMIN;
         role++)
    {
        ngx_memzero(&claims, sizeof(claims));
        ngx_str_set(&claims.sub, "8c1f6b0e-3d2a-4e57-9a41-0f3c2b7d9e11");
        claims.jti.data = jti;
        claims.jti.len = NGX_HTTP_SCC_JWT_JTI_LEN;
        claims.role = role;
        claims.iat = NOW;
        claims.exp = NOW + 900;

        assert_int_equal(ngx_http_scc_jwt_sign(&conf, &typ_access, &claims,
                                               buf, sizeof(buf), &token),
                         NGX_OK);
        assert_rc(verify_at((char *) token.data, token.len, NOW, &out),
                  NGX_HTTP_SCC_JWT_OK);

        assert_int_equal(out.sub.len, claims.sub.len);
        assert_memory_equal(out.sub.data, claims.sub.data, claims.sub.len);
        assert_int_equal(out.jti.len, claims.jti.len);
        assert_memory_equal(out.jti.data, claims.jti.data, claims.jti.len);
        assert_int_equal(out.role, role);
        assert_int_equal(out.iat, NOW);
        assert_int_equal(out.exp, NOW + 900);
        assert_int_equal(out.rotated, 0);

        /* valid until exp, not at it */
        assert_rc(verify_at((char *) token.data, token.len, NOW + 899, &out),
                  NGX_HTTP_SCC_JWT_OK);
        assert_rc(verify_at((char *) token.data, token.len, NOW + 900, &out),
                  NGX_HTTP_SCC_JWT_ERR_EXPIRED);
    }

    /* the header is exactly what RFC 9068 asks */

    seg.data = token.data;
    seg.len = (u_char *) memchr(token.data, '.', token.len) - token.data;
    dst.data = json;
    assert_int_equal(ngx_http_scc_base64url_decode(&dst, &seg), NGX_OK);
    assert_int_equal(dst.len, sizeof("{\"alg\":\"HS256\",\"typ\":\"at+jwt\"}")
                              - 1);
    assert_memory_equal(json, "{\"alg\":\"HS256\",\"typ\":\"at+jwt\"}",
                        dst.len);

    /* an independent HMAC agrees with ours */

    {
        u_char         mac[32], enc[64];
        unsigned int   n;
        char          *dot2;

        dot2 = memrchr(token.data, '.', token.len);
        assert_non_null(HMAC(EVP_sha256(), secret, sizeof(secret) - 1,
                             token.data, (u_char *) dot2 - token.data, mac,
                             &n));
        assert_int_equal(n, 32);
        assert_int_equal(b64(enc, mac, 32), 43);
        assert_memory_equal(enc, dot2 + 1, 43);
        assert_int_equal(token.data + token.len - (u_char *) dot2, 44);
    }

    /* quotes and backslashes are escaped and come back */

    ngx_str_set(&claims.sub, "a\"b\\c");
    assert_int_equal(ngx_http_scc_jwt_sign(&conf, &typ_access, &claims, buf,
                                           sizeof(buf), &token), NGX_OK);
    assert_rc(verify_at((char *) token.data, token.len, NOW, &out),
              NGX_HTTP_SCC_JWT_OK);
    assert_int_equal(out.sub.len, 5);
    assert_memory_equal(out.sub.data, "a\"b\\c", 5);

    /* negative and large times */

    claims.iat = -5;
    claims.exp = 9223372036854775807LL;
    assert_int_equal(ngx_http_scc_jwt_sign(&conf, &typ_access, &claims, buf,
                                           sizeof(buf), &token), NGX_OK);
    assert_rc(verify_at((char *) token.data, token.len, NOW, &out),
              NGX_HTTP_SCC_JWT_OK);
    assert_int_equal(out.iat, -5);
    assert_int_equal(out.exp, 9223372036854775807LL);

    /* without iss, aud and jti */

    {
        ngx_http_scc_jwt_conf_t  c = conf;

        ngx_str_null(&c.iss);
        ngx_str_null(&c.aud);
        ngx_str_null(&claims.jti);
        claims.iat = NOW;
        claims.exp = NOW + 1;
        assert_int_equal(ngx_http_scc_jwt_sign(&c, &typ_access, &claims, buf,
                                               sizeof(buf), &token), NGX_OK);
        assert_rc(verify_at((char *) token.data, token.len, NOW, &out),
                  NGX_HTTP_SCC_JWT_ERR_ISS);
        {
            u_char  storage[64];

            assert_rc(ngx_http_scc_jwt_verify(&c, &token, &typ_access, NOW,
                                              &out, storage,
                                              sizeof(storage)),
                      NGX_HTTP_SCC_JWT_OK);
            assert_int_equal(out.jti.len, 0);
        }
    }
}


static void
test_sign_refusals(void **state)
{
    u_char                      buf[NGX_HTTP_SCC_JWT_SIGN_SIZE];
    char                        big[NGX_HTTP_SCC_JWT_MAX_LEN];
    ngx_str_t                   token, typ;
    ngx_http_scc_jwt_claims_t   claims;
    ngx_http_scc_jwt_conf_t     c;
    size_t                      need;

    ngx_memzero(&claims, sizeof(claims));
    ngx_str_set(&claims.sub, "42");
    claims.role = NGX_HTTP_SCC_ROLE_CREW;
    claims.iat = NOW;
    claims.exp = NOW + 900;

    /* the exact size suffices, one byte less does not */

    assert_int_equal(ngx_http_scc_jwt_sign(&conf, &typ_access, &claims, buf,
                                           sizeof(buf), &token), NGX_OK);
    need = token.len;
    assert_int_equal(ngx_http_scc_jwt_sign(&conf, &typ_access, &claims, buf,
                                           need, &token), NGX_OK);
    assert_int_equal(ngx_http_scc_jwt_sign(&conf, &typ_access, &claims, buf,
                                           need - 1, &token), NGX_ERROR);
    assert_int_equal(ngx_http_scc_jwt_sign(&conf, &typ_access, &claims, buf,
                                           10, &token), NGX_ERROR);

    /* no role, an unknown one, no sub, no typ, no key */

    claims.role = NGX_HTTP_SCC_ROLE_NONE;
    assert_int_equal(ngx_http_scc_jwt_sign(&conf, &typ_access, &claims, buf,
                                           sizeof(buf), &token), NGX_ERROR);
    claims.role = NGX_HTTP_SCC_ROLE_ADMIN + 1;
    assert_int_equal(ngx_http_scc_jwt_sign(&conf, &typ_access, &claims, buf,
                                           sizeof(buf), &token), NGX_ERROR);
    claims.role = NGX_HTTP_SCC_ROLE_CREW;

    ngx_str_null(&claims.sub);
    assert_int_equal(ngx_http_scc_jwt_sign(&conf, &typ_access, &claims, buf,
                                           sizeof(buf), &token), NGX_ERROR);
    ngx_str_set(&claims.sub, "42");

    ngx_str_null(&typ);
    assert_int_equal(ngx_http_scc_jwt_sign(&conf, &typ, &claims, buf,
                                           sizeof(buf), &token), NGX_ERROR);
    assert_int_equal(ngx_http_scc_jwt_sign(&conf, NULL, &claims, buf,
                                           sizeof(buf), &token), NGX_ERROR);

    c = conf;
    c.current = NULL;
    assert_int_equal(ngx_http_scc_jwt_sign(&c, &typ_access, &claims, buf,
                                           sizeof(buf), &token), NGX_ERROR);

    /* control characters and non-ASCII bytes */

    ngx_str_set(&claims.sub, "4\n2");
    assert_int_equal(ngx_http_scc_jwt_sign(&conf, &typ_access, &claims, buf,
                                           sizeof(buf), &token), NGX_ERROR);
    ngx_str_set(&claims.sub, "\xc3\xa9");
    assert_int_equal(ngx_http_scc_jwt_sign(&conf, &typ_access, &claims, buf,
                                           sizeof(buf), &token), NGX_ERROR);
    ngx_str_set(&claims.sub, "42");
    ngx_str_set(&typ, "at+jwt\x7f");
    assert_int_equal(ngx_http_scc_jwt_sign(&conf, &typ, &claims, buf,
                                           sizeof(buf), &token), NGX_ERROR);

    /* a token longer than verify() accepts is never made */

    memset(big, 'x', sizeof(big));
    claims.sub.data = (u_char *) big;
    claims.sub.len = 3000;
    assert_int_equal(ngx_http_scc_jwt_sign(&conf, &typ_access, &claims, buf,
                                           sizeof(buf), &token), NGX_ERROR);
    claims.sub.len = 2900;
    assert_int_equal(ngx_http_scc_jwt_sign(&conf, &typ_access, &claims, buf,
                                           sizeof(buf), &token), NGX_OK);
    assert_true(token.len <= NGX_HTTP_SCC_JWT_MAX_LEN);
    {
        u_char                      storage[NGX_HTTP_SCC_JWT_MAX_LEN];
        ngx_http_scc_jwt_claims_t   out;

        assert_rc(ngx_http_scc_jwt_verify(&conf, &token, &typ_access, NOW,
                                          &out, storage, sizeof(storage)),
                  NGX_HTTP_SCC_JWT_OK);
        assert_int_equal(out.sub.len, 2900);
    }
}


static void
test_strerror(void **state)
{
    unsigned     i, j;
    const char  *a, *b;

    for (i = 0; i < NGX_HTTP_SCC_JWT_ERR_LAST; i++) {
        a = ngx_http_scc_jwt_strerror(i);
        assert_non_null(a);

        for (j = 0; j < i; j++) {
            b = ngx_http_scc_jwt_strerror(j);
            assert_true(strcmp(a, b) != 0);
        }
    }

    assert_string_equal(ngx_http_scc_jwt_strerror(NGX_HTTP_SCC_JWT_ERR_LAST),
                        "unknown error");
    assert_null(ngx_http_scc_role_name(0));
    assert_null(ngx_http_scc_role_name(5));
    assert_memory_equal(ngx_http_scc_role_name(4)->data, "admin", 5);
}


/* 3. the cache of verified tokens (ngx_http_scc_jwt_cache.c) */


static u_char  cache_mem[1024 * sizeof(ngx_http_scc_jwt_cache_entry_t)];


static void
cache_new(ngx_http_scc_jwt_cache_t *cache, ngx_uint_t n)
{
    assert_true(ngx_http_scc_jwt_cache_size(n) <= sizeof(cache_mem));
    ngx_http_scc_jwt_cache_init(cache, cache_mem, n, &typ_access);
}


static ngx_http_scc_jwt_rc_e
cache_at(ngx_http_scc_jwt_cache_t *cache, const char *token, size_t len,
    time_t now, ngx_http_scc_jwt_claims_t *claims, u_char *storage)
{
    ngx_str_t  t;

    t.data = (u_char *) token;
    t.len = len;

    return ngx_http_scc_jwt_cache_verify(cache, &conf, &t, now, claims,
                                         storage,
                                         NGX_HTTP_SCC_JWT_STORAGE_SIZE);
}


static void
test_cache_sizes(void **state)
{
    size_t  e;

    e = sizeof(ngx_http_scc_jwt_cache_entry_t);

    /* sets of four entries, a power of two of them */

    assert_int_equal(ngx_http_scc_jwt_cache_size(1), 4 * e);
    assert_int_equal(ngx_http_scc_jwt_cache_size(4), 4 * e);
    assert_int_equal(ngx_http_scc_jwt_cache_size(5), 8 * e);
    assert_int_equal(ngx_http_scc_jwt_cache_size(9), 16 * e);
    assert_int_equal(ngx_http_scc_jwt_cache_size(1000), 1024 * e);
    assert_int_equal(ngx_http_scc_jwt_cache_size(1024), 1024 * e);
}


static void
test_cache_hit_claims(void **state)
{
    char                        tok[TOKEN_MAX];
    size_t                      len;
    u_char                      storage[NGX_HTTP_SCC_JWT_STORAGE_SIZE];
    ngx_http_scc_jwt_cache_t    cache;
    ngx_http_scc_jwt_claims_t   claims;

    cache_new(&cache, 1024);
    len = craft_ok(tok, HDR, PAYLOAD);

    assert_rc(cache_at(&cache, tok, len, NOW, &claims, storage),
              NGX_HTTP_SCC_JWT_OK);
    assert_int_equal(cache.misses, 1);
    assert_int_equal(cache.hits, 0);

    ngx_memset(storage, 'x', sizeof(storage));

    assert_rc(cache_at(&cache, tok, len, NOW, &claims, storage),
              NGX_HTTP_SCC_JWT_OK);
    assert_int_equal(cache.misses, 1);
    assert_int_equal(cache.hits, 1);

    /* a hit's claims live in the caller's storage, not in the cache */

    assert_int_equal(claims.sub.len, 2);
    assert_memory_equal(claims.sub.data, "42", 2);
    assert_true(claims.sub.data >= storage
                && claims.sub.data + 2 <= storage + sizeof(storage));
    assert_int_equal(claims.jti.len, 2);
    assert_memory_equal(claims.jti.data, "j1", 2);
    assert_true(claims.jti.data >= storage
                && claims.jti.data + 2 <= storage + sizeof(storage));
    assert_int_equal(claims.role, NGX_HTTP_SCC_ROLE_CREW);
    assert_int_equal(claims.iat, 1699999990);
    assert_int_equal(claims.exp, 1700000900);
}


static void
test_cache_times(void **state)
{
    char                        tok[TOKEN_MAX];
    size_t                      len;
    u_char                      storage[NGX_HTTP_SCC_JWT_STORAGE_SIZE];
    ngx_http_scc_jwt_cache_t    cache;
    ngx_http_scc_jwt_claims_t   claims;

    /* a good token kept is refused the second it expires */

    cache_new(&cache, 1024);
    len = craft_ok(tok, HDR, PAYLOAD);

    assert_rc(cache_at(&cache, tok, len, 1700000899, &claims, storage),
              NGX_HTTP_SCC_JWT_OK);
    assert_rc(cache_at(&cache, tok, len, 1700000900, &claims, storage),
              NGX_HTTP_SCC_JWT_ERR_EXPIRED);
    assert_null(claims.sub.data);
    assert_int_equal(claims.role, NGX_HTTP_SCC_ROLE_NONE);
    assert_int_equal(cache.hits, 1);

    /* with a leeway (a new configuration: a new cache) */

    conf.leeway = 30;
    cache_new(&cache, 1024);
    assert_rc(cache_at(&cache, tok, len, 1700000929, &claims, storage),
              NGX_HTTP_SCC_JWT_OK);
    assert_rc(cache_at(&cache, tok, len, 1700000930, &claims, storage),
              NGX_HTTP_SCC_JWT_ERR_EXPIRED);
    conf.leeway = 0;

    /* a token refused as not valid yet is accepted from the cache later */

    cache_new(&cache, 1024);
    len = craft_ok(tok, HDR, "{" CLAIMS ",\"exp\":1700000900,"
                             "\"nbf\":1700000060}");

    assert_rc(cache_at(&cache, tok, len, NOW, &claims, storage),
              NGX_HTTP_SCC_JWT_ERR_NBF);
    assert_rc(cache_at(&cache, tok, len, NOW + 60, &claims, storage),
              NGX_HTTP_SCC_JWT_OK);
    assert_memory_equal(claims.sub.data, "42", 2);
    assert_int_equal(cache.misses, 1);
    assert_int_equal(cache.hits, 1);

    /* iat in the future, the same */

    cache_new(&cache, 1024);
    len = craft_ok(tok, HDR, "{\"sub\":\"42\",\"role\":\"crew\",\"iss\":\""
                             ISS "\",\"aud\":\"" AUD "\","
                             "\"iat\":1700000010,\"exp\":1700000900}");

    assert_rc(cache_at(&cache, tok, len, NOW, &claims, storage),
              NGX_HTTP_SCC_JWT_ERR_IAT);
    assert_rc(cache_at(&cache, tok, len, NOW + 10, &claims, storage),
              NGX_HTTP_SCC_JWT_OK);

    /* an expired token with a wrong issuer is "expired", as uncached */

    cache_new(&cache, 1024);
    len = craft_ok(tok, HDR, "{\"sub\":\"42\",\"role\":\"crew\","
                             "\"iss\":\"other\",\"aud\":\"" AUD "\","
                             "\"exp\":1700000900}");

    assert_rc(cache_at(&cache, tok, len, NOW, &claims, storage),
              NGX_HTTP_SCC_JWT_ERR_ISS);
    assert_rc(cache_at(&cache, tok, len, NOW + 900, &claims, storage),
              NGX_HTTP_SCC_JWT_ERR_EXPIRED);
}


static void
test_cache_forgery(void **state)
{
    char                        good[TOKEN_MAX], forged[TOKEN_MAX];
    char                       *dot;
    size_t                      len, i;
    u_char                      storage[NGX_HTTP_SCC_JWT_STORAGE_SIZE];
    ngx_http_scc_jwt_cache_t    cache;
    ngx_http_scc_jwt_claims_t   claims;

    cache_new(&cache, 1024);
    len = craft_ok(good, HDR, PAYLOAD);

    assert_rc(cache_at(&cache, good, len, NOW, &claims, storage),
              NGX_HTTP_SCC_JWT_OK);

    /*
     * The good token's signature on another payload of the same length:
     * the same length and the same last bytes, so the same set and tag.
     * Only the whole comparison tells them apart.
     */

    ngx_memcpy(forged, good, len + 1);
    dot = strchr(forged, '.');
    assert_non_null(dot);

    dot[1] = (dot[1] == 'e') ? 'f' : 'e';

    assert_rc(cache_at(&cache, forged, len, NOW, &claims, storage),
              NGX_HTTP_SCC_JWT_ERR_SIGNATURE);
    assert_null(claims.sub.data);
    assert_int_equal(cache.misses, 2);

    /* one byte anywhere: the first, a middle one, the one before the tail */

    for (i = 0; i + 8 < len; i += 7) {
        ngx_memcpy(forged, good, len + 1);
        forged[i] ^= 0x01;

        assert_int_not_equal(cache_at(&cache, forged, len, NOW, &claims,
                                      storage),
                             NGX_HTTP_SCC_JWT_OK);
    }

    /* the good one is still there, and still good */

    assert_rc(cache_at(&cache, good, len, NOW, &claims, storage),
              NGX_HTTP_SCC_JWT_OK);

    /* a prefix of a kept token is not that token */

    assert_int_not_equal(cache_at(&cache, good, len - 1, NOW, &claims,
                                  storage),
                         NGX_HTTP_SCC_JWT_OK);
}


static void
test_cache_refusals_kept(void **state)
{
    char                        tok[TOKEN_MAX];
    size_t                      len;
    u_char                      storage[NGX_HTTP_SCC_JWT_STORAGE_SIZE];
    ngx_http_scc_jwt_cache_t    cache;
    ngx_http_scc_jwt_claims_t   claims;

    /* a bad signature is answered from the cache the second time */

    cache_new(&cache, 1024);
    len = craft_ok(tok, HDR, PAYLOAD);
    tok[len - 2] = (tok[len - 2] == 'A') ? 'B' : 'A';

    assert_rc(cache_at(&cache, tok, len, NOW, &claims, storage),
              NGX_HTTP_SCC_JWT_ERR_SIGNATURE);
    assert_rc(cache_at(&cache, tok, len, NOW, &claims, storage),
              NGX_HTTP_SCC_JWT_ERR_SIGNATURE);
    assert_int_equal(cache.misses, 1);
    assert_int_equal(cache.hits, 1);

    /* another kind of token: the cache holds access tokens only */

    len = craft_ok(tok, "{\"alg\":\"HS256\",\"typ\":\"rt+jwt\"}", PAYLOAD);

    assert_rc(cache_at(&cache, tok, len, NOW, &claims, storage),
              NGX_HTTP_SCC_JWT_ERR_TYP);
    assert_rc(cache_at(&cache, tok, len, NOW, &claims, storage),
              NGX_HTTP_SCC_JWT_ERR_TYP);
    assert_int_equal(cache.hits, 2);
}


static void
test_cache_internal_not_kept(void **state)
{
    char                        tok[TOKEN_MAX];
    size_t                      len;
    u_char                      storage[NGX_HTTP_SCC_JWT_STORAGE_SIZE];
    ngx_http_scc_jwt_key_t      none;
    ngx_http_scc_jwt_cache_t    cache;
    ngx_http_scc_jwt_claims_t   claims;

    cache_new(&cache, 1024);
    len = craft_ok(tok, HDR, PAYLOAD);

    /* a key OpenSSL could not set up: an internal error, not a verdict */

    none.ctx = NULL;
    conf.current = &none;

    assert_rc(cache_at(&cache, tok, len, NOW, &claims, storage),
              NGX_HTTP_SCC_JWT_ERR_INTERNAL);

    conf.current = &key;

    assert_rc(cache_at(&cache, tok, len, NOW, &claims, storage),
              NGX_HTTP_SCC_JWT_OK);
    assert_int_equal(cache.misses, 2);
    assert_int_equal(cache.hits, 0);
}


static void
test_cache_lru(void **state)
{
    char                        tok[6][TOKEN_MAX];
    size_t                      len[6];
    u_char                      storage[NGX_HTTP_SCC_JWT_STORAGE_SIZE];
    ngx_uint_t                  i;
    ngx_http_scc_jwt_cache_t    cache;
    ngx_http_scc_jwt_claims_t   claims;
    char                        payload[256];

    /* one set of four: every token lands in it */

    cache_new(&cache, 4);

    for (i = 0; i < 6; i++) {
        snprintf(payload, sizeof(payload),
                 "{\"sub\":\"user-%u\",\"role\":\"guest\",\"iss\":\"" ISS
                 "\",\"aud\":\"" AUD "\",\"exp\":1700000900}", (unsigned) i);
        len[i] = craft_ok(tok[i], HDR, payload);
    }

    for (i = 0; i < 4; i++) {
        assert_rc(cache_at(&cache, tok[i], len[i], NOW, &claims, storage),
                  NGX_HTTP_SCC_JWT_OK);
    }

    assert_int_equal(cache.misses, 4);

    /* 0 is used again: 1 is now the least recently used, and goes */

    assert_rc(cache_at(&cache, tok[0], len[0], NOW, &claims, storage),
              NGX_HTTP_SCC_JWT_OK);
    assert_int_equal(cache.hits, 1);

    assert_rc(cache_at(&cache, tok[4], len[4], NOW, &claims, storage),
              NGX_HTTP_SCC_JWT_OK);
    assert_int_equal(cache.misses, 5);

    assert_rc(cache_at(&cache, tok[0], len[0], NOW, &claims, storage),
              NGX_HTTP_SCC_JWT_OK);
    assert_rc(cache_at(&cache, tok[2], len[2], NOW, &claims, storage),
              NGX_HTTP_SCC_JWT_OK);
    assert_int_equal(cache.hits, 3);

    assert_rc(cache_at(&cache, tok[1], len[1], NOW, &claims, storage),
              NGX_HTTP_SCC_JWT_OK);
    assert_int_equal(cache.misses, 6);

    /* and each answer carried its own token's claims */

    assert_memory_equal(claims.sub.data, "user-1", 6);
}


static void
test_cache_bypass(void **state)
{
    char                        tok[TOKEN_MAX], payload[1024];
    size_t                      len;
    u_char                      storage[2 * NGX_HTTP_SCC_JWT_STORAGE_SIZE];
    ngx_str_t                   t;
    ngx_http_scc_jwt_cache_t    cache;
    ngx_http_scc_jwt_claims_t   claims;

    cache_new(&cache, 1024);

    /* a token longer than an entry holds is verified every time */

    snprintf(payload, sizeof(payload), "{" CLAIMS ",\"exp\":1700000900,"
             "\"x\":\"%0600d\"}", 0);
    len = craft_ok(tok, HDR, payload);
    assert_true(len > NGX_HTTP_SCC_JWT_CACHE_TOKEN_MAX);

    assert_rc(cache_at(&cache, tok, len, NOW, &claims, storage),
              NGX_HTTP_SCC_JWT_OK);
    assert_rc(cache_at(&cache, tok, len, NOW + 900, &claims, storage),
              NGX_HTTP_SCC_JWT_ERR_EXPIRED);

    /* so is any token when the storage is not the entries' size */

    len = craft_ok(tok, HDR, PAYLOAD);
    t.data = (u_char *) tok;
    t.len = len;

    assert_rc(ngx_http_scc_jwt_cache_verify(&cache, &conf, &t, NOW, &claims,
                                            storage, sizeof(storage)),
              NGX_HTTP_SCC_JWT_OK);

    /* and a few bytes are no token */

    assert_rc(cache_at(&cache, "a.b.c", 5, NOW, &claims, storage),
              NGX_HTTP_SCC_JWT_ERR_SIG_LEN);

    assert_int_equal(cache.misses, 0);
    assert_int_equal(cache.hits, 0);
}


static void
test_cache_rotation(void **state)
{
    u_char                      buf[NGX_HTTP_SCC_JWT_SIGN_SIZE];
    u_char                      storage[NGX_HTTP_SCC_JWT_STORAGE_SIZE];
    ngx_str_t                   token;
    ngx_http_scc_jwt_cache_t    cache;
    ngx_http_scc_jwt_claims_t   claims, out;

    ngx_memzero(&claims, sizeof(claims));
    ngx_str_set(&claims.sub, "7");
    claims.role = NGX_HTTP_SCC_ROLE_GUEST;
    claims.iat = NOW;
    claims.exp = NOW + 900;

    conf.current = &old_key;
    assert_int_equal(ngx_http_scc_jwt_sign(&conf, &typ_access, &claims, buf,
                                           sizeof(buf), &token), NGX_OK);

    conf.current = &key;
    conf.previous = &old_key;
    cache_new(&cache, 1024);

    assert_rc(cache_at(&cache, (char *) token.data, token.len, NOW, &out,
                       storage),
              NGX_HTTP_SCC_JWT_OK);
    assert_int_equal(out.rotated, 1);
    assert_rc(cache_at(&cache, (char *) token.data, token.len, NOW, &out,
                       storage),
              NGX_HTTP_SCC_JWT_OK);
    assert_int_equal(out.rotated, 1);
    assert_int_equal(cache.hits, 1);
}


/* 4. benchmark: SCC_JWT_BENCH=1 */


static double
now_ns(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);

    return ts.tv_sec * 1e9 + ts.tv_nsec;
}


static void
bench(void)
{
    int                         i, n, bad;
    u_char                      buf[NGX_HTTP_SCC_JWT_SIGN_SIZE];
    u_char                      badbuf[NGX_HTTP_SCC_JWT_SIGN_SIZE];
    u_char                      storage[NGX_HTTP_SCC_JWT_STORAGE_SIZE];
    u_char                      jti[NGX_HTTP_SCC_JWT_JTI_LEN];
    double                      t;
    ngx_str_t                   token, tampered;
    ngx_http_scc_jwt_conf_t     c;
    ngx_http_scc_jwt_claims_t   claims, out;

    n = 1000000;
    reset(NULL);
    c = conf;

    ngx_memzero(&claims, sizeof(claims));
    ngx_str_set(&claims.sub, "8c1f6b0e-3d2a-4e57-9a41-0f3c2b7d9e11");
    claims.role = NGX_HTTP_SCC_ROLE_CAPTAIN;
    claims.iat = NOW;
    claims.exp = NOW + 900;

    if (ngx_http_scc_jwt_jti(jti) != NGX_OK) {
        return;
    }

    claims.jti.data = jti;
    claims.jti.len = sizeof(jti);

    if (ngx_http_scc_jwt_sign(&c, &typ_access, &claims, buf, sizeof(buf),
                              &token)
        != NGX_OK)
    {
        return;
    }

    ngx_memcpy(badbuf, token.data, token.len);
    tampered.data = badbuf;
    tampered.len = token.len;
    tampered.data[tampered.len - 2] ^= 0x01;

    printf("# bench: token of %zu bytes, %d iterations\n", token.len, n);

    t = now_ns();
    for (i = 0; i < n; i++) {
        if (ngx_http_scc_jwt_sign(&c, &typ_access, &claims, buf, sizeof(buf),
                                  &token)
            != NGX_OK)
        {
            return;
        }
    }
    printf("# bench: sign            %6.0f ns/op\n", (now_ns() - t) / n);

    bad = 0;
    t = now_ns();
    for (i = 0; i < n; i++) {
        bad += ngx_http_scc_jwt_verify(&c, &token, &typ_access, NOW, &out,
                                       storage, sizeof(storage))
               != NGX_HTTP_SCC_JWT_OK;
    }
    printf("# bench: verify (valid)  %6.0f ns/op (%d refused)\n",
           (now_ns() - t) / n, bad);

    bad = 0;
    t = now_ns();
    for (i = 0; i < n; i++) {
        bad += ngx_http_scc_jwt_verify(&c, &tampered, &typ_access, NOW, &out,
                                       storage, sizeof(storage))
               != NGX_HTTP_SCC_JWT_OK;
    }
    printf("# bench: verify (bad sig)%6.0f ns/op (%d refused)\n",
           (now_ns() - t) / n, bad);

    c.previous = &old_key;
    bad = 0;
    t = now_ns();
    for (i = 0; i < n; i++) {
        bad += ngx_http_scc_jwt_verify(&c, &tampered, &typ_access, NOW, &out,
                                       storage, sizeof(storage))
               != NGX_HTTP_SCC_JWT_OK;
    }
    printf("# bench: verify (bad sig, two keys) %6.0f ns/op (%d refused)\n",
           (now_ns() - t) / n, bad);
}



/* "sid", the session a token was issued in (029): a uuid as PostgreSQL
 * writes it, or nothing */

#define SID      "4f1c2b3a-9d8e-4c7b-a6f5-0e1d2c3b4a59"


static void
test_sid(void **state)
{
    char                        tok[TOKEN_MAX], payload[256];
    size_t                      len;
    ngx_uint_t                  i;
    ngx_http_scc_jwt_rc_e       rc;
    ngx_http_scc_jwt_claims_t   claims;

    /* the value of "sid" in our claims, and what the verifier says */

    static const struct {
        const char             *sid;
        ngx_http_scc_jwt_rc_e   rc;
    } cases[] = {
        { "\"" SID "\"", NGX_HTTP_SCC_JWT_OK },
        /* \u0039 is "9": the same uuid once unescaped */
        { "\"4f1c2b3a-9d8e-4c7b-a6f5-0e1d2c3b4a5\\u0039\"",
          NGX_HTTP_SCC_JWT_OK },
        { "\"\"", NGX_HTTP_SCC_JWT_ERR_SID },
        { "\"4F1C2B3A-9D8E-4C7B-A6F5-0E1D2C3B4A59\"",
          NGX_HTTP_SCC_JWT_ERR_SID },
        { "\"4f1c2b3a-9d8e-4c7b-a6f5-0e1d2c3b4a5\"", NGX_HTTP_SCC_JWT_ERR_SID },
        { "\"4f1c2b3a-9d8e-4c7b-a6f5-0e1d2c3b4a590\"",
          NGX_HTTP_SCC_JWT_ERR_SID },
        { "\"4f1c2b3a9-d8e-4c7b-a6f5-0e1d2c3b4a59\"",
          NGX_HTTP_SCC_JWT_ERR_SID },
        { "\"4f1c2b3a-9d8e-4c7b-a6f5-0e1d2c3b4a5g\"",
          NGX_HTTP_SCC_JWT_ERR_SID },
        { "\"4f1c2b3a-9d8e-4c7b-a6f5-0e1d2c3b-a59\"",
          NGX_HTTP_SCC_JWT_ERR_SID },
        { "\"{4f1c2b3a-9d8e-4c7b-a6f5-0e1d2c3b4a}\"",
          NGX_HTTP_SCC_JWT_ERR_SID },
        { "\"4f1c2b3a9d8e4c7ba6f50e1d2c3b4a59\"", NGX_HTTP_SCC_JWT_ERR_SID },
        { "7", NGX_HTTP_SCC_JWT_ERR_CLAIM_TYPE },
        { "null", NGX_HTTP_SCC_JWT_ERR_CLAIM_TYPE },
        { "[\"" SID "\"]", NGX_HTTP_SCC_JWT_ERR_CLAIM_TYPE },
        /* once */
        { "\"" SID "\",\"sid\":\"" SID "\"", NGX_HTTP_SCC_JWT_ERR_DUPLICATE }
    };

    /*
     * Kept as the verifier and the cache give it when good; any other
     * spelling or type refused, and the claims zeroed.
     */

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(payload, sizeof(payload),
                 "{" CLAIMS ",\"exp\":1700000900,\"sid\":%s}", cases[i].sid);
        len = craft_ok(tok, HDR, payload);

        rc = verify_at(tok, len, NOW, &claims);
        assert_rc(rc, cases[i].rc);

        if (rc == NGX_HTTP_SCC_JWT_OK) {
            assert_int_equal(claims.sid.len, 36);
            assert_memory_equal(claims.sid.data, SID, 36);

        } else {
            assert_int_equal(claims.sid.len, 0);
            assert_int_equal(claims.sub.len, 0);
            assert_int_equal(claims.role, NGX_HTTP_SCC_ROLE_NONE);
        }
    }

    /* without one (a token signed before sid existed): still good */

    len = craft_ok(tok, HDR, PAYLOAD);
    assert_rc(verify_at(tok, len, NOW, &claims), NGX_HTTP_SCC_JWT_OK);
    assert_int_equal(claims.sid.len, 0);
    assert_null(claims.sid.data);

    /* deeper, it is only a member of something we ignore */

    assert_rc(verify_crafted(HDR, "{" CLAIMS ",\"x\":{\"sid\":1},"
                             "\"exp\":1700000900}"),
              NGX_HTTP_SCC_JWT_OK);

    /* the shape check itself */

    assert_true(ngx_http_scc_jwt_sid_ok((u_char *) SID, 36));
    assert_false(ngx_http_scc_jwt_sid_ok((u_char *) SID, 35));
    assert_false(ngx_http_scc_jwt_sid_ok((u_char *) "", 0));
}


static void
test_sid_storage(void **state)
{
    u_char                      storage[5 + 3 + 36];
    char                        tok[TOKEN_MAX];
    ngx_str_t                   t;
    ngx_http_scc_jwt_claims_t   claims;

    /* sub, jti and sid share the storage */

    t.data = (u_char *) tok;
    t.len = craft_ok(tok, HDR, "{\"sub\":\"12345\",\"jti\":\"678\","
                     "\"sid\":\"" SID "\",\"role\":\"crew\","
                     "\"exp\":1700000900,\"iss\":\"" ISS "\",\"aud\":\""
                     AUD "\"}");

    assert_rc(ngx_http_scc_jwt_verify(&conf, &t, &typ_access, NOW, &claims,
                                      storage, sizeof(storage)),
              NGX_HTTP_SCC_JWT_OK);
    assert_ptr_equal(claims.sid.data, storage + 8);
    assert_memory_equal(claims.sid.data, SID, 36);

    assert_rc(ngx_http_scc_jwt_verify(&conf, &t, &typ_access, NOW, &claims,
                                      storage, sizeof(storage) - 1),
              NGX_HTTP_SCC_JWT_ERR_STORAGE);
}


/* claims signed with conf, then verified at NOW (and through a cache) */

static ngx_http_scc_jwt_rc_e
sign_verify(ngx_http_scc_jwt_claims_t *claims, ngx_str_t *token,
    ngx_http_scc_jwt_claims_t *out)
{
    static u_char  buf[NGX_HTTP_SCC_JWT_SIGN_SIZE];

    assert_int_equal(ngx_http_scc_jwt_sign(&conf, &typ_access, claims, buf,
                                           sizeof(buf), token), NGX_OK);

    return verify_at((char *) token->data, token->len, NOW, out);
}


static void
test_sid_sign(void **state)
{
    u_char                      buf[NGX_HTTP_SCC_JWT_SIGN_SIZE];
    u_char                      json[NGX_HTTP_SCC_JWS_BUF_SIZE];
    ngx_str_t                   token, seg, dst;
    u_char                     *dot1, *dot2;
    ngx_http_scc_jwt_claims_t   claims, out;

    ngx_memzero(&claims, sizeof(claims));
    ngx_str_set(&claims.sub, "8c1f6b0e-3d2a-4e57-9a41-0f3c2b7d9e11");
    ngx_str_set(&claims.jti, "abcdefghijklmnopqrstuv");
    ngx_str_set(&claims.sid, SID);
    claims.role = NGX_HTTP_SCC_ROLE_GUEST;
    claims.iat = NOW;
    claims.exp = NOW + 900;

    /* signed in, and read back through the verifier and the cache */

    assert_rc(sign_verify(&claims, &token, &out), NGX_HTTP_SCC_JWT_OK);
    assert_int_equal(out.sid.len, 36);
    assert_memory_equal(out.sid.data, SID, 36);

    /* the payload says it as a plain member, after jti */

    dot1 = memchr(token.data, '.', token.len);
    dot2 = memchr(dot1 + 1, '.', token.data + token.len - dot1 - 1);
    seg.data = dot1 + 1;
    seg.len = dot2 - seg.data;
    dst.data = json;
    assert_int_equal(ngx_http_scc_base64url_decode(&dst, &seg), NGX_OK);
    assert_non_null(memmem(json, dst.len,
                           "\"jti\":\"abcdefghijklmnopqrstuv\","
                           "\"sid\":\"" SID "\"",
                           sizeof("\"jti\":\"abcdefghijklmnopqrstuv\","
                                  "\"sid\":\"" SID "\"") - 1));

    /* a sid the verifier would refuse is never signed */

    ngx_str_set(&claims.sid, "4F1C2B3A-9D8E-4C7B-A6F5-0E1D2C3B4A59");
    assert_int_equal(ngx_http_scc_jwt_sign(&conf, &typ_access, &claims, buf,
                                           sizeof(buf), &token), NGX_ERROR);
    ngx_str_set(&claims.sid, "session-1");
    assert_int_equal(ngx_http_scc_jwt_sign(&conf, &typ_access, &claims, buf,
                                           sizeof(buf), &token), NGX_ERROR);

    /* and none is none */

    ngx_str_null(&claims.sid);
    assert_rc(sign_verify(&claims, &token, &out), NGX_HTTP_SCC_JWT_OK);
    assert_int_equal(out.sid.len, 0);
}


static void
test_cache_sid(void **state)
{
    char                        tok[TOKEN_MAX];
    size_t                      len;
    u_char                      storage[NGX_HTTP_SCC_JWT_STORAGE_SIZE];
    ngx_http_scc_jwt_cache_t    cache;
    ngx_http_scc_jwt_claims_t   claims;

    cache_new(&cache, 16);
    len = craft_ok(tok, HDR, "{" CLAIMS ",\"sid\":\"" SID "\","
                   "\"exp\":1700000900}");

    assert_rc(cache_at(&cache, tok, len, NOW, &claims, storage),
              NGX_HTTP_SCC_JWT_OK);

    ngx_memset(storage, 'x', sizeof(storage));

    assert_rc(cache_at(&cache, tok, len, NOW, &claims, storage),
              NGX_HTTP_SCC_JWT_OK);
    assert_int_equal(cache.hits, 1);

    /* a hit's sid, like its jti, lives in the caller's storage */

    assert_int_equal(claims.sid.len, 36);
    assert_memory_equal(claims.sid.data, SID, 36);
    assert_true(claims.sid.data >= storage
                && claims.sid.data + 36 <= storage + sizeof(storage));

    /* a kept refusal of a bad sid is still a refusal, and zeroes */

    len = craft_ok(tok, HDR, "{" CLAIMS ",\"sid\":\"nope\","
                   "\"exp\":1700000900}");

    assert_rc(cache_at(&cache, tok, len, NOW, &claims, storage),
              NGX_HTTP_SCC_JWT_ERR_SID);
    assert_rc(cache_at(&cache, tok, len, NOW, &claims, storage),
              NGX_HTTP_SCC_JWT_ERR_SID);
    assert_int_equal(cache.hits, 2);
    assert_int_equal(claims.sid.len, 0);
    assert_null(claims.sid.data);
}


int
main(void)
{
    int  rc;

    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_wycheproof_hs256),
        cmocka_unit_test(test_rfc7515_a1),
        cmocka_unit_test_setup(test_crafted_baseline, reset),
        cmocka_unit_test_setup(test_alg_none, reset),
        cmocka_unit_test_setup(test_alg_confusion, reset),
        cmocka_unit_test_setup(test_stripped_and_tampered, reset),
        cmocka_unit_test_setup(test_padding_whitespace_noncanonical, reset),
        cmocka_unit_test_setup(test_size_cap, reset),
        cmocka_unit_test_setup(test_segments, reset),
        cmocka_unit_test_setup(test_duplicate_keys, reset),
        cmocka_unit_test_setup(test_exp_nbf_iat, reset),
        cmocka_unit_test_setup(test_typ, reset),
        cmocka_unit_test_setup(test_header_params, reset),
        cmocka_unit_test_setup(test_not_json_objects, reset),
        cmocka_unit_test_setup(test_json_limits, reset),
        cmocka_unit_test_setup(test_iss_aud, reset),
        cmocka_unit_test_setup(test_sub_role, reset),
        cmocka_unit_test_setup(test_storage, reset),
        cmocka_unit_test_setup(test_rotation, reset),
        cmocka_unit_test(test_key_length),
        cmocka_unit_test_setup(test_sign_round_trip, reset),
        cmocka_unit_test_setup(test_sign_refusals, reset),
        cmocka_unit_test(test_strerror),
        cmocka_unit_test(test_cache_sizes),
        cmocka_unit_test_setup(test_cache_hit_claims, reset),
        cmocka_unit_test_setup(test_cache_times, reset),
        cmocka_unit_test_setup(test_cache_forgery, reset),
        cmocka_unit_test_setup(test_cache_refusals_kept, reset),
        cmocka_unit_test_setup(test_cache_internal_not_kept, reset),
        cmocka_unit_test_setup(test_cache_lru, reset),
        cmocka_unit_test_setup(test_cache_bypass, reset),
        cmocka_unit_test_setup(test_cache_rotation, reset),
        cmocka_unit_test_setup(test_sid, reset),
        cmocka_unit_test_setup(test_sid_storage, reset),
        cmocka_unit_test_setup(test_sid_sign, reset),
        cmocka_unit_test_setup(test_cache_sid, reset),
    };

    rc = cmocka_run_group_tests(tests, setup, teardown);

    if (getenv("SCC_JWT_BENCH") != NULL
        && strcmp(getenv("SCC_JWT_BENCH"), "1") == 0)
    {
        if (setup(NULL) == 0) {
            bench();
            teardown(NULL);
        }
    }

    return rc;
}
