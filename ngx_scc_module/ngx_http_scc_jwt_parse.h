
/*
 * SCC: the JSON of a JWT's header and payload, read through yajl's event
 * API (ngx_http_scc_jwt_parse.c), for ngx_http_scc_jwt.c only.
 *
 * Pure code, like the verifier.  Events, not a tree: duplicate keys (at
 * any level, after unescaping) are seen and refused, the members that
 * mean something are checked as they come, and nothing is allocated but
 * yajl's own parser: keys and claims are copied into fixed arrays and the
 * caller's storage.
 */


#ifndef _NGX_HTTP_SCC_JWT_PARSE_H_INCLUDED_
#define _NGX_HTTP_SCC_JWT_PARSE_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_http_scc_jwt.h"


/*
 * Limits of the JSON of a header or a payload: our tokens have one level
 * and about ten members; the limits keep the duplicate-key bookkeeping
 * in fixed arrays on the stack.
 */
#define NGX_HTTP_SCC_JWT_MAX_DEPTH     8
#define NGX_HTTP_SCC_JWT_MAX_KEYS      64
#define NGX_HTTP_SCC_JWT_KEY_ARENA     1024


/* members of the header and of the payload that mean something to us */

#define NGX_HTTP_SCC_JWT_F_OTHER       0
#define NGX_HTTP_SCC_JWT_F_ALG         1
#define NGX_HTTP_SCC_JWT_F_TYP         2
#define NGX_HTTP_SCC_JWT_F_CRIT        3
#define NGX_HTTP_SCC_JWT_F_KEY         4
#define NGX_HTTP_SCC_JWT_F_SUB         5
#define NGX_HTTP_SCC_JWT_F_ROLE        6
#define NGX_HTTP_SCC_JWT_F_IAT         7
#define NGX_HTTP_SCC_JWT_F_EXP         8
#define NGX_HTTP_SCC_JWT_F_NBF         9
#define NGX_HTTP_SCC_JWT_F_JTI         10
#define NGX_HTTP_SCC_JWT_F_ISS         11
#define NGX_HTTP_SCC_JWT_F_AUD         12
#define NGX_HTTP_SCC_JWT_F_SID         13

#define NGX_HTTP_SCC_JWT_SEEN(f)       ((ngx_uint_t) 1 << (f))


/* JSON value types, as the yajl callbacks report them */

#define NGX_HTTP_SCC_JWT_J_NULL        0
#define NGX_HTTP_SCC_JWT_J_BOOLEAN     1
#define NGX_HTTP_SCC_JWT_J_INTEGER     2
#define NGX_HTTP_SCC_JWT_J_DOUBLE      3
#define NGX_HTTP_SCC_JWT_J_STRING      4
#define NGX_HTTP_SCC_JWT_J_MAP         5
#define NGX_HTTP_SCC_JWT_J_ARRAY       6


typedef struct {
    ngx_str_t                    name;
    ngx_uint_t                   field;
} ngx_http_scc_jwt_field_t;


typedef struct {
    ngx_str_t                    name;
    ngx_uint_t                   map;       /* which object it belongs to */
} ngx_http_scc_jwt_seen_key_t;


/* the state of one JSON parse, for the yajl callbacks */

typedef struct {
    ngx_http_scc_jwt_rc_e        rc;        /* why a callback cancelled */
    ngx_http_scc_jwt_rc_e        syntax;    /* ERR_HEADER or ERR_PAYLOAD */
    ngx_uint_t                   payload;   /* a payload, not a header */
    ngx_http_scc_jwt_field_t    *fields;

    ngx_uint_t                   top;       /* the top object was opened */
    ngx_uint_t                   depth;     /* open objects and arrays */
    ngx_uint_t                   maps;      /* objects opened so far */
    ngx_uint_t                   map[NGX_HTTP_SCC_JWT_MAX_DEPTH + 1];

    ngx_uint_t                   nkeys;
    ngx_http_scc_jwt_seen_key_t  keys[NGX_HTTP_SCC_JWT_MAX_KEYS];
    u_char                      *arena_pos;
    u_char                       arena[NGX_HTTP_SCC_JWT_KEY_ARENA];

    ngx_uint_t                   field;     /* member of the top object */
    ngx_uint_t                   seen;      /* NGX_HTTP_SCC_JWT_SEEN() */

    /* the header */
    ngx_str_t                   *typ;       /* expected, or NULL */
    ngx_uint_t                   typ_ok;

    /* the payload */
    ngx_http_scc_jwt_conf_t     *conf;
    ngx_http_scc_jwt_claims_t   *claims;
    u_char                      *storage_pos;
    u_char                      *storage_end;
    long long                    iat;
    long long                    exp;
    long long                    nbf;
    ngx_uint_t                   iss_ok;
    ngx_uint_t                   aud_ok;
} ngx_http_scc_jwt_parse_t;


/*
 * For the header (payload 0) or the payload (1: the caller then sets conf,
 * claims and the storage before parsing).
 */
void ngx_http_scc_jwt_parse_init(ngx_http_scc_jwt_parse_t *p,
    ngx_uint_t payload);

/*
 * NGX_HTTP_SCC_JWT_OK for one JSON object whose members we know are of
 * the right types; p->seen says which came.  Otherwise the reason: the
 * syntax error of the part, a duplicate key, a limit, a claim's type.
 */
ngx_http_scc_jwt_rc_e ngx_http_scc_jwt_parse(ngx_http_scc_jwt_parse_t *p,
    ngx_str_t *json);


#endif /* _NGX_HTTP_SCC_JWT_PARSE_H_INCLUDED_ */
