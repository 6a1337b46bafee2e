/*
 * Fuzz target: the route matcher on any path and method.  A match must lie
 * inside the path; parameters must be non-empty and slash-free.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_scc_route.h"


static const ngx_uint_t  methods[] = {
    NGX_HTTP_GET, NGX_HTTP_HEAD, NGX_HTTP_POST, NGX_HTTP_PUT,
    NGX_HTTP_DELETE, NGX_HTTP_PATCH, NGX_HTTP_OPTIONS
};


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    u_char                *copy;
    ngx_str_t              path;
    ngx_uint_t             i;
    ngx_http_scc_match_t   m;

    if (size == 0) {
        return 0;
    }

    copy = malloc(size - 1 ? size - 1 : 1);
    if (copy == NULL) {
        return 0;
    }

    ngx_memcpy(copy, data + 1, size - 1);
    path.data = copy;
    path.len = size - 1;

    if (ngx_http_scc_route_match(&path, methods[data[0] % 7], &m) == NGX_OK) {
        for (i = 0; i < m.nparams; i++) {
            if (m.params[i].value.len == 0
                || m.params[i].value.data < copy
                || m.params[i].value.data + m.params[i].value.len
                   > copy + path.len
                || ngx_strlchr(m.params[i].value.data,
                               m.params[i].value.data + m.params[i].value.len,
                               '/'))
            {
                abort();
            }
        }
    }

    free(copy);

    return 0;
}
