
/*
 * SCC: request body validation (see ngx_http_scc_json.h).
 *
 * yajl's parser does the hard part (grammar, UTF-8 in strings, numbers);
 * the callbacks only count depth and insist that the top value is an
 * object, so a body is read once and nothing is built from it.  The body
 * then travels to PostgreSQL as the bytes that were checked.
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include <yajl/yajl_parse.h>

#include "ngx_http_scc_json.h"


typedef struct {
    ngx_uint_t    depth;
    ngx_uint_t    max_depth;
    const char   *error;
} ngx_http_scc_json_ctx_t;


static int ngx_http_scc_json_scalar(void *data);
static int ngx_http_scc_json_boolean(void *data, int value);
static int ngx_http_scc_json_number(void *data, const char *s, size_t len);
static int ngx_http_scc_json_string(void *data, const unsigned char *s,
    size_t len);
static int ngx_http_scc_json_start_map(void *data);
static int ngx_http_scc_json_start_array(void *data);
static int ngx_http_scc_json_end(void *data);


static yajl_callbacks  ngx_http_scc_json_callbacks = {
    ngx_http_scc_json_scalar,           /* null */
    ngx_http_scc_json_boolean,
    NULL,                               /* integer: number takes it */
    NULL,                               /* double: number takes it */
    ngx_http_scc_json_number,
    ngx_http_scc_json_string,
    ngx_http_scc_json_start_map,
    ngx_http_scc_json_string,           /* map key */
    ngx_http_scc_json_end,              /* end map */
    ngx_http_scc_json_start_array,
    ngx_http_scc_json_end               /* end array */
};


ngx_int_t
ngx_http_scc_json_check(u_char *data, size_t len, ngx_uint_t max_depth,
    u_char *err)
{
    size_t                    n;
    u_char                   *msg;
    yajl_handle               h;
    yajl_status               status;
    ngx_http_scc_json_ctx_t   ctx;

    static const char  prefix[] = "request body is not JSON: ";

    ctx.depth = 0;
    ctx.max_depth = max_depth;
    ctx.error = NULL;

    if (len == 0) {
        ctx.error = "request body is empty, a JSON object is expected";
        goto invalid;
    }

    h = yajl_alloc(&ngx_http_scc_json_callbacks, NULL, &ctx);
    if (h == NULL) {
        return NGX_ERROR;
    }

    status = yajl_parse(h, data, len);

    if (status == yajl_status_ok) {
        status = yajl_complete_parse(h);
    }

    if (status == yajl_status_error) {

        /* yajl's own words say what is wrong ("invalid string") */

        msg = yajl_get_error(h, 0, data, len);

        if (msg == NULL) {
            yajl_free(h);
            return NGX_ERROR;
        }

        n = ngx_strlen(msg);

        while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' ')) {
            n--;
        }

        n = ngx_min(n, NGX_HTTP_SCC_JSON_ERR_LEN - sizeof(prefix));

        ngx_memcpy(ngx_cpymem(err, prefix, sizeof(prefix) - 1), msg, n);
        err[sizeof(prefix) - 1 + n] = '\0';

        yajl_free_error(h, msg);
        yajl_free(h);

        return NGX_DECLINED;
    }

    yajl_free(h);

    if (status == yajl_status_ok) {
        return NGX_OK;
    }

    /* yajl_status_client_canceled: a callback set ctx.error */

invalid:

    n = ngx_min(ngx_strlen(ctx.error), NGX_HTTP_SCC_JSON_ERR_LEN - 1);
    ngx_memcpy(err, ctx.error, n);
    err[n] = '\0';

    return NGX_DECLINED;
}


static int
ngx_http_scc_json_scalar(void *data)
{
    ngx_http_scc_json_ctx_t  *ctx = data;

    if (ctx->depth == 0) {
        ctx->error = "request body must be a JSON object";
        return 0;
    }

    return 1;
}


static int
ngx_http_scc_json_boolean(void *data, int value)
{
    return ngx_http_scc_json_scalar(data);
}


static int
ngx_http_scc_json_number(void *data, const char *s, size_t len)
{
    return ngx_http_scc_json_scalar(data);
}


static int
ngx_http_scc_json_string(void *data, const unsigned char *s, size_t len)
{
    ngx_http_scc_json_ctx_t  *ctx = data;

    /*
     * yajl lets overlong forms and surrogates through; PostgreSQL would
     * refuse them later, but the promise is that it never sees them.
     */

    if (!ngx_http_scc_json_utf8(s, len)) {
        ctx->error = "request body is not valid UTF-8";
        return 0;
    }

    return ngx_http_scc_json_scalar(data);
}


static int
ngx_http_scc_json_start_map(void *data)
{
    ngx_http_scc_json_ctx_t  *ctx = data;

    if (++ctx->depth > ctx->max_depth) {
        ctx->error = "request body nests deeper than the API allows";
        return 0;
    }

    return 1;
}


static int
ngx_http_scc_json_start_array(void *data)
{
    ngx_http_scc_json_ctx_t  *ctx = data;

    if (ctx->depth == 0) {
        ctx->error = "request body must be a JSON object";
        return 0;
    }

    return ngx_http_scc_json_start_map(data);
}


static int
ngx_http_scc_json_end(void *data)
{
    ngx_http_scc_json_ctx_t  *ctx = data;

    ctx->depth--;

    return 1;
}


/* strict UTF-8 (RFC 3629): shortest forms only, no surrogates, <= U+10FFFF */

ngx_uint_t
ngx_http_scc_json_utf8(const u_char *p, size_t len)
{
    u_char         c;
    uint32_t       u;
    ngx_uint_t     n, i;
    const u_char  *end;

    end = p + len;

    while (p < end) {
        c = *p++;

        if (c < 0x80) {
            continue;
        }

        if (c >= 0xc2 && c <= 0xdf) {
            n = 1;
            u = c & 0x1f;

        } else if (c >= 0xe0 && c <= 0xef) {
            n = 2;
            u = c & 0x0f;

        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 3;
            u = c & 0x07;

        } else {
            return 0;
        }

        if ((size_t) (end - p) < n) {
            return 0;
        }

        for (i = 0; i < n; i++) {
            if ((p[i] & 0xc0) != 0x80) {
                return 0;
            }

            u = (u << 6) | (p[i] & 0x3f);
        }

        p += n;

        if ((n == 2 && u < 0x800)
            || (n == 3 && (u < 0x10000 || u > 0x10ffff))
            || (u >= 0xd800 && u <= 0xdfff))
        {
            return 0;
        }
    }

    return 1;
}
