
/*
 * SCC: the API's route table and its matcher.
 *
 * Pure code: no allocation and no nginx runtime, so that the cmocka tests
 * link it alone.  A route names what answers it: one SQL function in
 * scc_api, called with one jsonb argument, or one local handler in C.
 * The table is static and the SQL is derived from it at start-up, so
 * nothing from a request ever becomes part of a statement.
 */


#ifndef _NGX_HTTP_SCC_ROUTE_H_INCLUDED_
#define _NGX_HTTP_SCC_ROUTE_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_scc_role.h"


/*
 * Route flags.  A route's least role is one of NGX_HTTP_SCC_ROLE_*
 * (NONE for public routes); the order is the hierarchy.
 */
#define NGX_HTTP_SCC_PUBLIC          0x0001  /* no token needed */
#define NGX_HTTP_SCC_BODY            0x0002  /* a JSON object body is needed */
#define NGX_HTTP_SCC_BODY_OPT        0x0004  /* a JSON object body may come */
#define NGX_HTTP_SCC_PG_STATS        0x0008  /* context has the set's figures */
#define NGX_HTTP_SCC_REFRESH         0x0010  /* context has the refresh token */
#define NGX_HTTP_SCC_ISSUE           0x0020  /* answer issues tokens, cookies */
#define NGX_HTTP_SCC_CLEAR           0x0040  /* answer clears the cookies */
#define NGX_HTTP_SCC_FILE            0x0080  /* answer is a file_response */
#define NGX_HTTP_SCC_BODY_TEXT       0x0100  /* text/plain JSON accepted too */

/*
 * Local handlers: routes answered by the module in C, no SQL.  Each names
 * its own; the module's table of handlers is indexed by these (a number,
 * not a pointer, so that this table stays linkable alone).
 */
#define NGX_HTTP_SCC_LOCAL_NONE      0       /* an SQL function answers */
#define NGX_HTTP_SCC_LOCAL_ME        1       /* GET /api/me */
#define NGX_HTTP_SCC_LOCAL_LAST      2

#define NGX_HTTP_SCC_MAX_PARAMS      4

/* "Allow: GET, POST, PUT, PATCH, DELETE" fits easily */
#define NGX_HTTP_SCC_ALLOW_LEN       64

/* the longest file name a FILE route may give */
#define NGX_HTTP_SCC_FILENAME_MAX    128


typedef struct {
    ngx_uint_t                method;
    ngx_str_t                 pattern;     /* "/api/events/:id/claim" */
    ngx_str_t                 function;    /* "scc_api.health", or empty */
    ngx_uint_t                local;       /* NGX_HTTP_SCC_LOCAL_*, or NONE */
    ngx_uint_t                role;
    ngx_uint_t                flags;
} ngx_http_scc_route_t;


typedef struct {
    ngx_str_t                 name;
    ngx_str_t                 value;       /* still percent-encoded */
} ngx_http_scc_param_t;


typedef struct {
    ngx_uint_t                index;
    ngx_http_scc_route_t     *route;
    ngx_uint_t                nparams;
    ngx_http_scc_param_t      params[NGX_HTTP_SCC_MAX_PARAMS];
    ngx_uint_t                allow;       /* methods of a known path */
} ngx_http_scc_match_t;


extern ngx_http_scc_route_t   ngx_http_scc_routes[];
extern const ngx_uint_t       ngx_http_scc_nroutes;


/*
 * NGX_OK: m->route matched.  NGX_DECLINED: no route has this path (404).
 * NGX_ABORT: the path exists for other methods, listed in m->allow (405).
 */
ngx_int_t ngx_http_scc_route_match(ngx_str_t *path, ngx_uint_t method,
    ngx_http_scc_match_t *m);

/* writes "GET, POST" for a method mask; buf has NGX_HTTP_SCC_ALLOW_LEN */
size_t ngx_http_scc_route_allow(ngx_uint_t allow, u_char *buf);

/*
 * checks the table itself: patterns, parameter counts, and that each
 * route names exactly one SQL function in scc_api or one local handler;
 * a FILE route is an SQL route that neither issues nor clears tokens
 */
ngx_int_t ngx_http_scc_route_check(ngx_str_t *err);

/*
 * What a FILE route's function may put in the headers, checked before
 * anything is sent: a media type of printable ASCII without quote or
 * backslash (so no CR, LF or other control byte), and a file name of
 * [A-Za-z0-9._-], not starting with a dot, at most
 * NGX_HTTP_SCC_FILENAME_MAX bytes.  1: it may go out as it is.
 */
ngx_uint_t ngx_http_scc_route_file_type_ok(u_char *p, size_t len);
ngx_uint_t ngx_http_scc_route_file_name_ok(u_char *p, size_t len);


#endif /* _NGX_HTTP_SCC_ROUTE_H_INCLUDED_ */
