
/*
 * SCC: HS256 JSON Web Tokens (RFC 7515, RFC 7519, RFC 8725), signed and
 * verified in the module with OpenSSL.
 *
 * "Pure": no nginx runtime (no pools, no logs), so the unit tests link it
 * alone.  Callers pass every buffer; the module keeps the verified claims
 * in its request context and logs ngx_http_scc_jwt_strerror(rc), while
 * the client only ever sees error="invalid_token".
 */


#ifndef _NGX_HTTP_SCC_JWT_H_INCLUDED_
#define _NGX_HTTP_SCC_JWT_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <openssl/evp.h>

#include "ngx_http_scc_role.h"


/* a secret shorter than the HMAC-SHA256 output is refused (RFC 7518 3.2) */
#define NGX_HTTP_SCC_JWT_SECRET_MIN    32

/* tokens longer than this are refused before anything is decoded */
#define NGX_HTTP_SCC_JWT_MAX_LEN       4096

/* a buffer of this size always holds a token made by sign() */
#define NGX_HTTP_SCC_JWT_SIGN_SIZE     NGX_HTTP_SCC_JWT_MAX_LEN

/* the caller's buffer for ngx_http_scc_jwt_verify_jws() */
#define NGX_HTTP_SCC_JWS_BUF_SIZE      (NGX_HTTP_SCC_JWT_MAX_LEN / 4 * 3)

/* a suggested size of claims storage: sub, jti and sid of our own tokens */
#define NGX_HTTP_SCC_JWT_STORAGE_SIZE  256

#define NGX_HTTP_SCC_JWT_MAC_LEN       32

/* "typ" of access tokens (RFC 9068); anything else signs other kinds */
#define NGX_HTTP_SCC_JWT_TYP_ACCESS    "at+jwt"



typedef enum {
    NGX_HTTP_SCC_JWT_OK = 0,
    NGX_HTTP_SCC_JWT_ERR_TOO_LONG,       /* longer than MAX_LEN */
    NGX_HTTP_SCC_JWT_ERR_SEGMENTS,       /* not three non-empty segments */
    NGX_HTTP_SCC_JWT_ERR_BASE64,         /* not strict base64url */
    NGX_HTTP_SCC_JWT_ERR_SIG_LEN,        /* signature not 32 bytes */
    NGX_HTTP_SCC_JWT_ERR_SIGNATURE,      /* MAC mismatch with every key */
    NGX_HTTP_SCC_JWT_ERR_HEADER,         /* header not a JSON object */
    NGX_HTTP_SCC_JWT_ERR_ALG,            /* alg missing or not "HS256" */
    NGX_HTTP_SCC_JWT_ERR_TYP,            /* typ missing or not expected */
    NGX_HTTP_SCC_JWT_ERR_CRIT,           /* crit present */
    NGX_HTTP_SCC_JWT_ERR_KEY_PARAM,      /* jku, jwk, x5u, x5c present */
    NGX_HTTP_SCC_JWT_ERR_PAYLOAD,        /* payload not a JSON object */
    NGX_HTTP_SCC_JWT_ERR_DUPLICATE,      /* duplicate key in a JSON object */
    NGX_HTTP_SCC_JWT_ERR_JSON_LIMIT,     /* too deep, or too many keys */
    NGX_HTTP_SCC_JWT_ERR_CLAIM_TYPE,     /* a claim of the wrong JSON type */
    NGX_HTTP_SCC_JWT_ERR_EXP_MISSING,
    NGX_HTTP_SCC_JWT_ERR_EXPIRED,
    NGX_HTTP_SCC_JWT_ERR_NBF,            /* not valid yet */
    NGX_HTTP_SCC_JWT_ERR_IAT,            /* issued in the future */
    NGX_HTTP_SCC_JWT_ERR_ISS,
    NGX_HTTP_SCC_JWT_ERR_AUD,
    NGX_HTTP_SCC_JWT_ERR_SUB,            /* sub missing or empty */
    NGX_HTTP_SCC_JWT_ERR_ROLE,           /* role missing or unknown */
    NGX_HTTP_SCC_JWT_ERR_SID,            /* sid not a lower-case uuid */
    NGX_HTTP_SCC_JWT_ERR_STORAGE,        /* sub, jti, sid exceed the storage */
    NGX_HTTP_SCC_JWT_ERR_INTERNAL,       /* OpenSSL or allocation failure */
    NGX_HTTP_SCC_JWT_ERR_LAST
} ngx_http_scc_jwt_rc_e;


/*
 * A secret, keyed once per process (HMAC's inner and outer blocks are
 * hashed then); each MAC afterwards resets the context from that state.
 * The context is reused in place, so a key belongs to one thread: an
 * nginx worker has one.
 */
typedef struct {
    EVP_MAC_CTX                *ctx;
} ngx_http_scc_jwt_key_t;


typedef struct {
    ngx_http_scc_jwt_key_t     *current;    /* signs and verifies */
    ngx_http_scc_jwt_key_t     *previous;   /* NULL, or verifies only */
    ngx_str_t                   iss;        /* empty: neither written */
    ngx_str_t                   aud;        /*   nor checked */
    time_t                      leeway;     /* seconds, >= 0 */
} ngx_http_scc_jwt_conf_t;


typedef struct {
    ngx_str_t                   sub;        /* required */
    ngx_str_t                   jti;        /* optional: empty if absent */
    ngx_str_t                   sid;        /* optional: the session's uuid */
    ngx_uint_t                  role;       /* NGX_HTTP_SCC_ROLE_* */
    time_t                      iat;
    time_t                      exp;
    ngx_uint_t                  rotated;    /* verify: previous key used */
} ngx_http_scc_jwt_claims_t;


/* the JWS layer only: a verified header, and the payload as bytes */
typedef struct {
    ngx_str_t                   header;     /* decoded header JSON */
    ngx_str_t                   payload;    /* decoded payload */
    ngx_uint_t                  rotated;    /* previous key used */
} ngx_http_scc_jws_t;


/*
 * NGX_OK; NGX_DECLINED if the secret is shorter than
 * NGX_HTTP_SCC_JWT_SECRET_MIN bytes; NGX_ERROR if OpenSSL fails.
 * OpenSSL keeps its own copy of the secret: the caller may cleanse its.
 */
ngx_int_t ngx_http_scc_jwt_key_init(ngx_http_scc_jwt_key_t *key,
    u_char *secret, size_t len);
void ngx_http_scc_jwt_key_cleanup(ngx_http_scc_jwt_key_t *key);

/*
 * header {"alg":"HS256","typ":typ} and payload {"sub","role","iat","exp",
 * "jti","sid","iss","aud"} (jti, sid, iss and aud only when not empty),
 * signed with conf->current.  Strings must be printable ASCII and a sid
 * a uuid (ngx_http_scc_jwt_sid_ok()), or they are refused.
 * NGX_OK and the token in buf, or NGX_ERROR (too small a buffer, bad claims,
 * OpenSSL failure).
 */
ngx_int_t ngx_http_scc_jwt_sign(ngx_http_scc_jwt_conf_t *conf, ngx_str_t *typ,
    ngx_http_scc_jwt_claims_t *claims, u_char *buf, size_t size,
    ngx_str_t *token);

/*
 * The JWS layer (RFC 7515), compact serialization, HS256 only: size cap,
 * three non-empty segments of strict base64url, a 32-byte signature that
 * is the HMAC of the segments as received, under the current key then the
 * previous one, and a header that is a JSON object without duplicate keys,
 * "alg" exactly "HS256", no "crit", no "jku"/"jwk"/"x5u"/"x5c" ("kid" is
 * ignored: it never selects a key), and "typ" equal to typ unless typ is
 * NULL.  The payload may be any bytes.  buf holds the decoded header and
 * payload and has at least NGX_HTTP_SCC_JWS_BUF_SIZE bytes.
 */
ngx_http_scc_jwt_rc_e ngx_http_scc_jwt_verify_jws(ngx_http_scc_jwt_key_t *key,
    ngx_http_scc_jwt_key_t *previous, ngx_str_t *token, ngx_str_t *typ,
    u_char *buf, size_t size, ngx_http_scc_jws_t *jws);

/*
 * The JWS layer and then our claims: the payload a JSON object without
 * duplicate keys, "exp" a required integer, "nbf" and "iat" integers if
 * present, all against now with conf->leeway, "iss" and "aud" as
 * configured ("aud" a string or an array of strings), "sub" a non-empty
 * string, "role" one of admin, captain, crew, guest, "sid" (optional: the
 * tokens signed before it existed have none) a uuid in PostgreSQL's
 * canonical text.  sub, jti and sid are copied into storage
 * (NGX_HTTP_SCC_JWT_STORAGE_SIZE bytes suffice for the tokens we sign);
 * claims point there, and are zeroed on any error.
 * typ is required here (NGX_HTTP_SCC_JWT_TYP_ACCESS for access tokens).
 */
ngx_http_scc_jwt_rc_e ngx_http_scc_jwt_verify(ngx_http_scc_jwt_conf_t *conf,
    ngx_str_t *token, ngx_str_t *typ, time_t now,
    ngx_http_scc_jwt_claims_t *claims, u_char *storage, size_t size);

/*
 * verify() in two steps, for the cache of verified tokens: judge() makes
 * every check that no clock can change and keeps the times the others
 * need; verdict_at() answers for a moment exactly what verify() would.
 * judge() fills claims (and storage) only when the token is good at some
 * moment: verdict_at() decides which.
 */

#define NGX_HTTP_SCC_JWT_T_NBF         0x01
#define NGX_HTTP_SCC_JWT_T_IAT         0x02

typedef struct {
    ngx_http_scc_jwt_rc_e       before;     /* JWS, JSON, "exp" present */
    ngx_http_scc_jwt_rc_e       after;      /* iss, aud, sub, role */
    ngx_uint_t                  times;      /* NGX_HTTP_SCC_JWT_T_* */
    long long                   exp;
    long long                   nbf;
    long long                   iat;
} ngx_http_scc_jwt_verdict_t;

void ngx_http_scc_jwt_judge(ngx_http_scc_jwt_conf_t *conf, ngx_str_t *token,
    ngx_str_t *typ, ngx_http_scc_jwt_verdict_t *verdict,
    ngx_http_scc_jwt_claims_t *claims, u_char *storage, size_t size);
ngx_http_scc_jwt_rc_e ngx_http_scc_jwt_verdict_at(
    ngx_http_scc_jwt_conf_t *conf, ngx_http_scc_jwt_verdict_t *verdict,
    time_t now);

/* a fresh jti: 16 random bytes in base64url, 22 characters into buf */
#define NGX_HTTP_SCC_JWT_JTI_LEN       22
ngx_int_t ngx_http_scc_jwt_jti(u_char *buf);

/*
 * The session a token was issued in ("sid"): the id of its scc.sessions
 * row, exactly as PostgreSQL writes a uuid (8-4-4-4-12 lower-case hex
 * digits); any other spelling is refused, as we only accept what we sign.
 */
#define NGX_HTTP_SCC_JWT_SID_LEN       36
ngx_uint_t ngx_http_scc_jwt_sid_ok(u_char *s, size_t len);

/* why a token was refused, for the error log (never for the client) */
const char *ngx_http_scc_jwt_strerror(ngx_http_scc_jwt_rc_e rc);


#endif /* _NGX_HTTP_SCC_JWT_H_INCLUDED_ */
