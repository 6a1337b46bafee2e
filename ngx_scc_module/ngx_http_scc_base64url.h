
/*
 * SCC: strict base64url (RFC 4648 section 5) without padding, as JOSE
 * (RFC 7515 section 2) uses it.
 *
 * "Pure": header-only nginx macros, no nginx runtime, callers pass buffers.
 */


#ifndef _NGX_HTTP_SCC_BASE64URL_H_INCLUDED_
#define _NGX_HTTP_SCC_BASE64URL_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>


/* exact length of the encoding of len bytes, no padding */
#define ngx_http_scc_base64url_encoded_length(len)  (((len) * 4 + 2) / 3)

/* bytes that always suffice for decoding len characters */
#define ngx_http_scc_base64url_decoded_length(len)  (((len) / 4) * 3 + 2)


/*
 * dst->data must hold ngx_http_scc_base64url_encoded_length(src->len)
 * bytes; dst->len is set, nothing is NUL-terminated.
 */
void ngx_http_scc_base64url_encode(ngx_str_t *dst, ngx_str_t *src);

/*
 * Strict decoding: only the 64 characters of the url alphabet, no "=",
 * no whitespace, src->len % 4 != 1, and the unused low bits of the last
 * character zero, so that every byte string has exactly one accepted
 * encoding.  dst->data must hold
 * ngx_http_scc_base64url_decoded_length(src->len) bytes.
 * Returns NGX_OK or NGX_ERROR (dst->len is then undefined).
 */
ngx_int_t ngx_http_scc_base64url_decode(ngx_str_t *dst, ngx_str_t *src);


#endif /* _NGX_HTTP_SCC_BASE64URL_H_INCLUDED_ */
