/*
 * Fuzz target: the request body checker (ngx_http_scc_json_check).  Any
 * bytes: it must answer NGX_OK or NGX_DECLINED with a NUL-terminated
 * message, never crash, never read past the input.
 */

#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_http_scc_json.h"


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    u_char     *copy, err[NGX_HTTP_SCC_JSON_ERR_LEN];
    ngx_int_t   rc;

    /* an exact-size copy, so ASan sees any read past the end */
    copy = malloc(size ? size : 1);
    if (copy == NULL) {
        return 0;
    }

    ngx_memcpy(copy, data, size);

    rc = ngx_http_scc_json_check(copy, size, NGX_HTTP_SCC_JSON_MAX_DEPTH, err);

    if (rc == NGX_DECLINED && ngx_strlen(err) >= NGX_HTTP_SCC_JSON_ERR_LEN) {
        abort();
    }

    free(copy);

    return 0;
}
