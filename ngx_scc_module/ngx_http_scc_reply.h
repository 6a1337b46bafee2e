
/*
 * SCC: what the module sends back, in one JSON shape everywhere.
 *
 * Success bodies come from the SQL function as text and are sent as they
 * came; errors are {"error":{"code","message","request_id"}}.  Details a
 * client should not see (SQL, constraint names) go to the error log only.
 */


#ifndef _NGX_HTTP_SCC_REPLY_H_INCLUDED_
#define _NGX_HTTP_SCC_REPLY_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <libpq-fe.h>
#include <yajl/yajl_gen.h>


/* a yajl generator printing into a growing buffer of a pool */
typedef struct {
    yajl_gen                  gen;
    ngx_buf_t                *buf;
    ngx_pool_t               *pool;
    ngx_uint_t                failed;   /* a buffer could not grow */
} ngx_http_scc_json_out_t;


ngx_int_t ngx_http_scc_json_out_init(ngx_http_scc_json_out_t *out,
    ngx_pool_t *pool, size_t size);
ngx_int_t ngx_http_scc_json_out_raw(ngx_http_scc_json_out_t *out,
    u_char *data, size_t len);

/*
 * A JSON string without yajl, for the answers built on every request: the
 * bytes must be UTF-8 (ngx_http_scc_json_utf8()); the buffer must hold
 * NGX_HTTP_SCC_JSON_STRING_MAX(len) bytes (quotes, every byte as \u00XX),
 * so that one pass writes it.
 */
#define NGX_HTTP_SCC_JSON_STRING_MAX(len)  (6 * (size_t) (len) + 2)

u_char *ngx_http_scc_json_string(u_char *p, u_char *s, size_t len);

ngx_int_t ngx_http_scc_add_header(ngx_http_request_t *r, char *key,
    u_char *value, size_t len);
ngx_int_t ngx_http_scc_send_json(ngx_http_request_t *r, ngx_uint_t status,
    ngx_buf_t *b);
/*
 * Every error the module itself answers, one row each in the table of
 * ngx_http_scc_reply.c (HTTP status, code, message, RFC 6750 challenge).
 * A 503 always carries Retry-After.
 */
typedef enum {
    NGX_HTTP_SCC_ERR_NOT_FOUND = 0,
    NGX_HTTP_SCC_ERR_METHOD,
    NGX_HTTP_SCC_ERR_MEDIA_TYPE,
    NGX_HTTP_SCC_ERR_INVALID_BODY,       /* message: the checker's words */
    NGX_HTTP_SCC_ERR_INVALID_UTF8,
    NGX_HTTP_SCC_ERR_ORIGIN,
    NGX_HTTP_SCC_ERR_INVALID_TOKEN,
    NGX_HTTP_SCC_ERR_UNAUTHORIZED,
    NGX_HTTP_SCC_ERR_SCOPE,
    NGX_HTTP_SCC_ERR_BUSY,               /* the wait queue is full */
    NGX_HTTP_SCC_ERR_BUSY_WAIT,          /* no connection came free */
    NGX_HTTP_SCC_ERR_DB_UNAVAILABLE,
    NGX_HTTP_SCC_ERR_DB_RESOURCES,
    NGX_HTTP_SCC_ERR_DB_TIMEOUT,
    NGX_HTTP_SCC_ERR_RETRY,
    NGX_HTTP_SCC_ERR_INVALID_INPUT,      /* message: PostgreSQL's words */
    NGX_HTTP_SCC_ERR_MISSING_VALUE,
    NGX_HTTP_SCC_ERR_VALUE_REFUSED,
    NGX_HTTP_SCC_ERR_EXISTS,
    NGX_HTTP_SCC_ERR_REFERENCE,
    NGX_HTTP_SCC_ERR_OVERLAP,
    NGX_HTTP_SCC_ERR_INTERNAL,
    NGX_HTTP_SCC_ERR_LAST
} ngx_http_scc_err_e;


/* err's own message, or message instead of it when not NULL */
ngx_int_t ngx_http_scc_send_error(ngx_http_request_t *r,
    ngx_http_scc_err_e err, const char *message);
ngx_int_t ngx_http_scc_send_result(ngx_http_request_t *r, PGresult *res);

/*
 * A FILE route's answer (status, body, content_type, filename): the body
 * goes out from libpq's memory as it is, with its own Content-Type and,
 * for a file name, Content-Disposition: attachment.  Header values outside
 * the safe set are refused (500, logged), never sent.
 */
ngx_int_t ngx_http_scc_send_file(ngx_http_request_t *r, PGresult *res);


#endif /* _NGX_HTTP_SCC_REPLY_H_INCLUDED_ */
