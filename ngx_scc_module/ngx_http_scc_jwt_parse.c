
/*
 * SCC: a JWT's header and payload read through yajl's event API (see
 * ngx_http_scc_jwt_parse.h).
 *
 * The callbacks keep the state of one parse in ngx_http_scc_jwt_parse_t;
 * a callback that finds something wrong records why in p->rc and cancels
 * the parse.  Nothing is allocated but yajl's parser itself, and no
 * pointer of yajl's is kept past the callback that gave it.
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include <yajl/yajl_parse.h>

#include "ngx_http_scc_jwt_parse.h"


static int ngx_http_scc_jwt_json_value(ngx_http_scc_jwt_parse_t *p,
    ngx_uint_t type, u_char *s, size_t len, long long n);
static int ngx_http_scc_jwt_json_header(ngx_http_scc_jwt_parse_t *p,
    ngx_uint_t type, u_char *s, size_t len);
static int ngx_http_scc_jwt_json_payload(ngx_http_scc_jwt_parse_t *p,
    ngx_uint_t type, u_char *s, size_t len, long long n);
static int ngx_http_scc_jwt_json_aud(ngx_http_scc_jwt_parse_t *p,
    ngx_uint_t type, u_char *s, size_t len);
static int ngx_http_scc_jwt_json_copy(ngx_http_scc_jwt_parse_t *p,
    ngx_str_t *dst, u_char *s, size_t len);
static int ngx_http_scc_jwt_json_push(ngx_http_scc_jwt_parse_t *p,
    ngx_uint_t type);
static int ngx_http_scc_jwt_json_null(void *ctx);
static int ngx_http_scc_jwt_json_boolean(void *ctx, int b);
static int ngx_http_scc_jwt_json_integer(void *ctx, long long n);
static int ngx_http_scc_jwt_json_double(void *ctx, double d);
static int ngx_http_scc_jwt_json_string(void *ctx, const unsigned char *s,
    size_t len);
static int ngx_http_scc_jwt_json_start_map(void *ctx);
static int ngx_http_scc_jwt_json_map_key(void *ctx, const unsigned char *s,
    size_t len);
static int ngx_http_scc_jwt_json_end(void *ctx);
static int ngx_http_scc_jwt_json_start_array(void *ctx);


static yajl_callbacks  ngx_http_scc_jwt_json_callbacks = {
    ngx_http_scc_jwt_json_null,
    ngx_http_scc_jwt_json_boolean,
    ngx_http_scc_jwt_json_integer,
    ngx_http_scc_jwt_json_double,
    NULL,                       /* no yajl_number: integers stay integers */
    ngx_http_scc_jwt_json_string,
    ngx_http_scc_jwt_json_start_map,
    ngx_http_scc_jwt_json_map_key,
    ngx_http_scc_jwt_json_end,
    ngx_http_scc_jwt_json_start_array,
    ngx_http_scc_jwt_json_end
};


static ngx_http_scc_jwt_field_t  ngx_http_scc_jwt_header_fields[] = {
    { ngx_string("alg"),  NGX_HTTP_SCC_JWT_F_ALG },
    { ngx_string("typ"),  NGX_HTTP_SCC_JWT_F_TYP },
    { ngx_string("crit"), NGX_HTTP_SCC_JWT_F_CRIT },

    /*
     * A key named or carried by the token itself would let its author
     * choose the key it is verified with: refused.  "kid" is ignored: the
     * keys are tried in a fixed order whatever it says.
     */
    { ngx_string("jku"),  NGX_HTTP_SCC_JWT_F_KEY },
    { ngx_string("jwk"),  NGX_HTTP_SCC_JWT_F_KEY },
    { ngx_string("x5u"),  NGX_HTTP_SCC_JWT_F_KEY },
    { ngx_string("x5c"),  NGX_HTTP_SCC_JWT_F_KEY },

    { ngx_null_string, 0 }
};


static ngx_http_scc_jwt_field_t  ngx_http_scc_jwt_payload_fields[] = {
    { ngx_string("sub"),  NGX_HTTP_SCC_JWT_F_SUB },
    { ngx_string("role"), NGX_HTTP_SCC_JWT_F_ROLE },
    { ngx_string("iat"),  NGX_HTTP_SCC_JWT_F_IAT },
    { ngx_string("exp"),  NGX_HTTP_SCC_JWT_F_EXP },
    { ngx_string("nbf"),  NGX_HTTP_SCC_JWT_F_NBF },
    { ngx_string("jti"),  NGX_HTTP_SCC_JWT_F_JTI },
    { ngx_string("iss"),  NGX_HTTP_SCC_JWT_F_ISS },
    { ngx_string("aud"),  NGX_HTTP_SCC_JWT_F_AUD },
    { ngx_string("sid"),  NGX_HTTP_SCC_JWT_F_SID },
    { ngx_null_string, 0 }
};


void
ngx_http_scc_jwt_parse_init(ngx_http_scc_jwt_parse_t *p, ngx_uint_t payload)
{
    /* the arrays are written before they are read: not zeroed */

    p->rc = NGX_HTTP_SCC_JWT_OK;
    p->syntax = payload ? NGX_HTTP_SCC_JWT_ERR_PAYLOAD
                        : NGX_HTTP_SCC_JWT_ERR_HEADER;
    p->payload = payload;
    p->fields = payload ? ngx_http_scc_jwt_payload_fields
                        : ngx_http_scc_jwt_header_fields;
    p->top = 0;
    p->depth = 0;
    p->maps = 0;
    p->nkeys = 0;
    p->arena_pos = p->arena;
    p->field = NGX_HTTP_SCC_JWT_F_OTHER;
    p->seen = 0;
    p->typ = NULL;
    p->typ_ok = 0;
    p->conf = NULL;
    p->claims = NULL;
    p->storage_pos = NULL;
    p->storage_end = NULL;
    p->iat = 0;
    p->exp = 0;
    p->nbf = 0;
    p->iss_ok = 0;
    p->aud_ok = 0;
}


ngx_http_scc_jwt_rc_e
ngx_http_scc_jwt_parse(ngx_http_scc_jwt_parse_t *p, ngx_str_t *json)
{
    yajl_handle  h;
    yajl_status  status;

    /*
     * yajl's defaults are the strict ones: no comments, UTF-8 validated,
     * one value, no trailing garbage.
     */

    h = yajl_alloc(&ngx_http_scc_jwt_json_callbacks, NULL, p);
    if (h == NULL) {
        return NGX_HTTP_SCC_JWT_ERR_INTERNAL;
    }

    status = yajl_parse(h, json->data, json->len);

    if (status == yajl_status_ok) {
        status = yajl_complete_parse(h);
    }

    yajl_free(h);

    if (status == yajl_status_client_canceled
        && p->rc != NGX_HTTP_SCC_JWT_OK)
    {
        return p->rc;
    }

    if (status != yajl_status_ok || !p->top || p->depth != 0) {
        return p->syntax;
    }

    return NGX_HTTP_SCC_JWT_OK;
}


static int
ngx_http_scc_jwt_json_value(ngx_http_scc_jwt_parse_t *p, ngx_uint_t type,
    u_char *s, size_t len, long long n)
{
    if (p->depth == 0) {

        /* the top value: an object, once */

        if (type != NGX_HTTP_SCC_JWT_J_MAP || p->top) {
            p->rc = p->syntax;
            return 0;
        }

        p->top = 1;
        return 1;
    }

    if (p->depth == 1) {

        /* a member of the top object */

        if (p->field == NGX_HTTP_SCC_JWT_F_OTHER) {
            return 1;
        }

        if (p->payload) {
            return ngx_http_scc_jwt_json_payload(p, type, s, len, n);
        }

        return ngx_http_scc_jwt_json_header(p, type, s, len);
    }

    if (p->depth == 2 && p->payload && p->field == NGX_HTTP_SCC_JWT_F_AUD) {
        /* an element of the "aud" array */

        return ngx_http_scc_jwt_json_aud(p, type, s, len);
    }

    /* deeper in members we ignore */

    return 1;
}


static int
ngx_http_scc_jwt_json_header(ngx_http_scc_jwt_parse_t *p, ngx_uint_t type,
    u_char *s, size_t len)
{
    switch (p->field) {

    case NGX_HTTP_SCC_JWT_F_ALG:

        /* exactly, byte for byte: "hs256", "none", "None" are all refused */

        if (type != NGX_HTTP_SCC_JWT_J_STRING
            || len != sizeof("HS256") - 1
            || ngx_memcmp(s, "HS256", sizeof("HS256") - 1) != 0)
        {
            p->rc = NGX_HTTP_SCC_JWT_ERR_ALG;
            return 0;
        }

        return 1;

    case NGX_HTTP_SCC_JWT_F_TYP:

        /*
         * Compared exactly, although RFC 7515 4.1.9 makes media types
         * case-insensitive: we only accept what we sign.
         */

        if (type != NGX_HTTP_SCC_JWT_J_STRING) {
            p->rc = NGX_HTTP_SCC_JWT_ERR_TYP;
            return 0;
        }

        if (p->typ) {
            if (len != p->typ->len || ngx_memcmp(s, p->typ->data, len) != 0) {
                p->rc = NGX_HTTP_SCC_JWT_ERR_TYP;
                return 0;
            }

            p->typ_ok = 1;
        }

        return 1;

    default:
        return 1;
    }
}


static int
ngx_http_scc_jwt_json_payload(ngx_http_scc_jwt_parse_t *p, ngx_uint_t type,
    u_char *s, size_t len, long long n)
{
    ngx_http_scc_jwt_conf_t   *conf;
    ngx_http_scc_jwt_claims_t *claims;

    conf = p->conf;
    claims = p->claims;

    switch (p->field) {

    case NGX_HTTP_SCC_JWT_F_IAT:
    case NGX_HTTP_SCC_JWT_F_EXP:
    case NGX_HTTP_SCC_JWT_F_NBF:

        /*
         * NumericDate, but only the integers that we write: "1.7e9" and
         * "1700000000" (a string) are refused, and so is what time_t
         * cannot hold.
         */

        if (type != NGX_HTTP_SCC_JWT_J_INTEGER
            || n > (long long) NGX_MAX_TIME_T_VALUE
            || n < -(long long) NGX_MAX_TIME_T_VALUE)
        {
            p->rc = NGX_HTTP_SCC_JWT_ERR_CLAIM_TYPE;
            return 0;
        }

        if (p->field == NGX_HTTP_SCC_JWT_F_IAT) {
            p->iat = n;

        } else if (p->field == NGX_HTTP_SCC_JWT_F_EXP) {
            p->exp = n;

        } else {
            p->nbf = n;
        }

        return 1;

    case NGX_HTTP_SCC_JWT_F_AUD:

        /* RFC 7519 4.1.3: a string, or an array of strings */

        if (type == NGX_HTTP_SCC_JWT_J_ARRAY) {
            return 1;
        }

        return ngx_http_scc_jwt_json_aud(p, type, s, len);

    default:
        break;
    }

    /* the other claims we know are strings */

    if (type != NGX_HTTP_SCC_JWT_J_STRING) {
        p->rc = NGX_HTTP_SCC_JWT_ERR_CLAIM_TYPE;
        return 0;
    }

    switch (p->field) {

    case NGX_HTTP_SCC_JWT_F_SUB:

        if (len == 0) {
            p->rc = NGX_HTTP_SCC_JWT_ERR_SUB;
            return 0;
        }

        return ngx_http_scc_jwt_json_copy(p, &claims->sub, s, len);

    case NGX_HTTP_SCC_JWT_F_JTI:
        return ngx_http_scc_jwt_json_copy(p, &claims->jti, s, len);

    case NGX_HTTP_SCC_JWT_F_SID:

        /* the session's id goes into SQL as a uuid: its shape is checked */

        if (!ngx_http_scc_jwt_sid_ok(s, len)) {
            p->rc = NGX_HTTP_SCC_JWT_ERR_SID;
            return 0;
        }

        return ngx_http_scc_jwt_json_copy(p, &claims->sid, s, len);

    case NGX_HTTP_SCC_JWT_F_ROLE:

        claims->role = ngx_http_scc_role_rank(s, len);

        if (claims->role == NGX_HTTP_SCC_ROLE_NONE) {
            p->rc = NGX_HTTP_SCC_JWT_ERR_ROLE;
            return 0;
        }

        return 1;

    case NGX_HTTP_SCC_JWT_F_ISS:

        if (conf->iss.len == len && ngx_memcmp(s, conf->iss.data, len) == 0)
        {
            p->iss_ok = 1;
        }

        return 1;

    default:
        return 1;
    }
}


ngx_uint_t
ngx_http_scc_jwt_sid_ok(u_char *s, size_t len)
{
    size_t  i;

    /* 8-4-4-4-12 lower-case hex digits: how PostgreSQL writes a uuid */

    if (len != NGX_HTTP_SCC_JWT_SID_LEN) {
        return 0;
    }

    for (i = 0; i < len; i++) {

        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-') {
                return 0;
            }

            continue;
        }

        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
            return 0;
        }
    }

    return 1;
}


static int
ngx_http_scc_jwt_json_aud(ngx_http_scc_jwt_parse_t *p, ngx_uint_t type,
    u_char *s, size_t len)
{
    ngx_http_scc_jwt_conf_t  *conf;

    if (type != NGX_HTTP_SCC_JWT_J_STRING) {
        p->rc = NGX_HTTP_SCC_JWT_ERR_CLAIM_TYPE;
        return 0;
    }

    conf = p->conf;

    if (conf->aud.len == len && ngx_memcmp(s, conf->aud.data, len) == 0) {
        p->aud_ok = 1;
    }

    return 1;
}


static int
ngx_http_scc_jwt_json_copy(ngx_http_scc_jwt_parse_t *p, ngx_str_t *dst,
    u_char *s, size_t len)
{
    /* yajl's pointer may be to its own buffer, reused for the next value */

    if ((size_t) (p->storage_end - p->storage_pos) < len) {
        p->rc = NGX_HTTP_SCC_JWT_ERR_STORAGE;
        return 0;
    }

    dst->data = p->storage_pos;
    dst->len = len;
    p->storage_pos = ngx_cpymem(p->storage_pos, s, len);

    return 1;
}


static int
ngx_http_scc_jwt_json_push(ngx_http_scc_jwt_parse_t *p, ngx_uint_t type)
{
    if (!ngx_http_scc_jwt_json_value(p, type, NULL, 0, 0)) {
        return 0;
    }

    if (p->depth == NGX_HTTP_SCC_JWT_MAX_DEPTH) {
        p->rc = NGX_HTTP_SCC_JWT_ERR_JSON_LIMIT;
        return 0;
    }

    p->depth++;

    /* keys are compared only with those of the same object */

    p->map[p->depth] = (type == NGX_HTTP_SCC_JWT_J_MAP) ? ++p->maps : 0;

    return 1;
}


static int
ngx_http_scc_jwt_json_null(void *ctx)
{
    return ngx_http_scc_jwt_json_value(ctx, NGX_HTTP_SCC_JWT_J_NULL,
                                       NULL, 0, 0);
}


static int
ngx_http_scc_jwt_json_boolean(void *ctx, int b)
{
    return ngx_http_scc_jwt_json_value(ctx, NGX_HTTP_SCC_JWT_J_BOOLEAN,
                                       NULL, 0, 0);
}


static int
ngx_http_scc_jwt_json_integer(void *ctx, long long n)
{
    return ngx_http_scc_jwt_json_value(ctx, NGX_HTTP_SCC_JWT_J_INTEGER,
                                       NULL, 0, n);
}


static int
ngx_http_scc_jwt_json_double(void *ctx, double d)
{
    return ngx_http_scc_jwt_json_value(ctx, NGX_HTTP_SCC_JWT_J_DOUBLE,
                                       NULL, 0, 0);
}


static int
ngx_http_scc_jwt_json_string(void *ctx, const unsigned char *s, size_t len)
{
    return ngx_http_scc_jwt_json_value(ctx, NGX_HTTP_SCC_JWT_J_STRING,
                                       (u_char *) s, len, 0);
}


static int
ngx_http_scc_jwt_json_start_map(void *ctx)
{
    return ngx_http_scc_jwt_json_push(ctx, NGX_HTTP_SCC_JWT_J_MAP);
}


static int
ngx_http_scc_jwt_json_start_array(void *ctx)
{
    return ngx_http_scc_jwt_json_push(ctx, NGX_HTTP_SCC_JWT_J_ARRAY);
}


static int
ngx_http_scc_jwt_json_end(void *ctx)
{
    ngx_http_scc_jwt_parse_t  *p = ctx;

    p->depth--;

    return 1;
}


static int
ngx_http_scc_jwt_json_map_key(void *ctx, const unsigned char *s, size_t len)
{
    ngx_uint_t                 i, map;
    ngx_http_scc_jwt_field_t  *f;
    ngx_http_scc_jwt_parse_t  *p = ctx;

    /*
     * RFC 7515 4 and RFC 7519 4 let a parser reject duplicate names or
     * keep the last one; two parsers keeping different ones would read
     * two different tokens from the same bytes, so we reject them, at
     * every level and after unescaping ("\u0061lg" is "alg").
     */

    map = p->map[p->depth];

    for (i = 0; i < p->nkeys; i++) {
        if (p->keys[i].map == map
            && p->keys[i].name.len == len
            && ngx_memcmp(p->keys[i].name.data, s, len) == 0)
        {
            p->rc = NGX_HTTP_SCC_JWT_ERR_DUPLICATE;
            return 0;
        }
    }

    if (p->nkeys == NGX_HTTP_SCC_JWT_MAX_KEYS
        || (size_t) (p->arena + NGX_HTTP_SCC_JWT_KEY_ARENA - p->arena_pos)
           < len)
    {
        p->rc = NGX_HTTP_SCC_JWT_ERR_JSON_LIMIT;
        return 0;
    }

    /* copied: yajl's pointer may be to a buffer it reuses */

    p->keys[p->nkeys].map = map;
    p->keys[p->nkeys].name.data = p->arena_pos;
    p->keys[p->nkeys].name.len = len;
    p->arena_pos = ngx_cpymem(p->arena_pos, s, len);
    p->nkeys++;

    if (p->depth != 1) {
        return 1;
    }

    p->field = NGX_HTTP_SCC_JWT_F_OTHER;

    for (f = p->fields; f->name.len; f++) {
        if (f->name.len == len && ngx_memcmp(f->name.data, s, len) == 0) {
            p->field = f->field;
            break;
        }
    }

    p->seen |= NGX_HTTP_SCC_JWT_SEEN(p->field);

    if (p->field == NGX_HTTP_SCC_JWT_F_CRIT) {

        /* RFC 7515 4.1.11: we understand no extension, so none is "crit" */

        p->rc = NGX_HTTP_SCC_JWT_ERR_CRIT;
        return 0;
    }

    if (p->field == NGX_HTTP_SCC_JWT_F_KEY) {
        p->rc = NGX_HTTP_SCC_JWT_ERR_KEY_PARAM;
        return 0;
    }

    return 1;
}
