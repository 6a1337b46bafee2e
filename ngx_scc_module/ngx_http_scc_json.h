
/*
 * SCC: request body validation, before PostgreSQL ever sees a body.
 *
 * Pure code (yajl only, no nginx runtime) so that the cmocka tests link
 * it alone.  It never allocates from a pool and never keeps state
 * between calls.
 */


#ifndef _NGX_HTTP_SCC_JSON_H_INCLUDED_
#define _NGX_HTTP_SCC_JSON_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>


#define NGX_HTTP_SCC_JSON_MAX_DEPTH  32
#define NGX_HTTP_SCC_JSON_ERR_LEN    128


/*
 * NGX_OK for one well-formed UTF-8 JSON object nesting at most max_depth
 * levels (the top object is level 1); otherwise NGX_DECLINED with a
 * message for the client in err (NUL-terminated, at most
 * NGX_HTTP_SCC_JSON_ERR_LEN bytes with the NUL), or NGX_ERROR when yajl
 * could not allocate.
 */
ngx_int_t ngx_http_scc_json_check(u_char *data, size_t len,
    ngx_uint_t max_depth, u_char *err);


/* 1 if the bytes are strict UTF-8 (RFC 3629), else 0 */
ngx_uint_t ngx_http_scc_json_utf8(const u_char *p, size_t len);


#endif /* _NGX_HTTP_SCC_JSON_H_INCLUDED_ */
