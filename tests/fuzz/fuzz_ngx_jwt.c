/*
 * Fuzz target: JWT verification (ngx_http_scc_jwt_verify and the JWS
 * layer under it) on any bytes, with a fixed key.  Nothing but a token we
 * signed may pass; nothing may crash or read past the token.
 */

#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_http_scc_jwt.h"


static ngx_http_scc_jwt_key_t   key;
static ngx_http_scc_jwt_conf_t  conf;
static ngx_str_t                typ = ngx_string(NGX_HTTP_SCC_JWT_TYP_ACCESS);


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    u_char                     *copy, storage[NGX_HTTP_SCC_JWT_STORAGE_SIZE];
    u_char                      buf[NGX_HTTP_SCC_JWS_BUF_SIZE];
    ngx_str_t                   token;
    ngx_http_scc_jws_t          jws;
    ngx_http_scc_jwt_claims_t   claims;

    if (key.ctx == NULL) {
        if (ngx_http_scc_jwt_key_init(&key,
                (u_char *) "fuzz-secret-of-thirty-two-bytes!!", 33) != NGX_OK)
        {
            abort();
        }

        conf.current = &key;
        ngx_str_set(&conf.iss, "scc");
        ngx_str_set(&conf.aud, "scc");
    }

    copy = malloc(size ? size : 1);
    if (copy == NULL) {
        return 0;
    }

    ngx_memcpy(copy, data, size);
    token.data = copy;
    token.len = size;

    /* random bytes never carry a valid MAC: both layers must refuse */

    if (ngx_http_scc_jwt_verify(&conf, &token, &typ, 1800000000, &claims,
                                storage, sizeof(storage))
        == NGX_HTTP_SCC_JWT_OK
        || ngx_http_scc_jwt_verify_jws(&key, NULL, &token, NULL, buf,
                                       sizeof(buf), &jws)
           == NGX_HTTP_SCC_JWT_OK)
    {
        abort();
    }

    free(copy);

    return 0;
}
