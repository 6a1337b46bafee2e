
/*
 * SCC: the directives of the JWT code: scc_jwt_secret_file (loading the
 * keys) and the check of scc_jwt_cache.
 *
 * Runs at nginx -t and start-up only.  A secret never stays in memory
 * outside OpenSSL's key: every copy here is wiped, on every path.
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_http_scc_jwt.h"
#include "ngx_http_scc_jwt_conf.h"
#include "ngx_http_scc_defaults.h"


static char *ngx_http_scc_jwt_load_key(ngx_conf_t *cf, ngx_str_t *file,
    ngx_http_scc_jwt_key_t **key);
static void ngx_http_scc_jwt_key_free(void *data);
static char *ngx_http_scc_jwt_cache_check(ngx_conf_t *cf, void *post,
    void *data);


ngx_conf_post_t  ngx_http_scc_jwt_cache_post = {
    ngx_http_scc_jwt_cache_check
};


/*
 * scc_jwt_secret_file CURRENT [PREVIOUS]: at least 32 bytes each; one
 * trailing newline is not part of the secret, so that "openssl rand -hex
 * 32 > file" works.  The previous secret only verifies, for rotation.
 */

char *
ngx_http_scc_jwt_secret_file(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_scc_jwt_conf_t  *jcf = (void *) ((char *) conf + cmd->offset);

    char       *rv;
    ngx_str_t  *value;

    if (jcf->current) {
        return "is duplicate";
    }

    value = cf->args->elts;

    rv = ngx_http_scc_jwt_load_key(cf, &value[1], &jcf->current);
    if (rv != NGX_CONF_OK) {
        return rv;
    }

    if (cf->args->nelts == 3) {
        return ngx_http_scc_jwt_load_key(cf, &value[2], &jcf->previous);
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_scc_jwt_load_key(ngx_conf_t *cf, ngx_str_t *file,
    ngx_http_scc_jwt_key_t **key)
{
    u_char               buf[1024];
    size_t               len;
    ssize_t              n;
    ngx_fd_t             fd;
    ngx_file_t           f;
    ngx_file_info_t      fi;
    ngx_pool_cleanup_t  *cln;

    if (ngx_conf_full_name(cf->cycle, file, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    fd = ngx_open_file(file->data, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);

    if (fd == NGX_INVALID_FILE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           ngx_open_file_n " \"%V\" failed", file);
        return NGX_CONF_ERROR;
    }

    if (ngx_fd_info(fd, &fi) != NGX_FILE_ERROR
        && (ngx_file_access(&fi) & 0077))
    {
        ngx_conf_log_error(NGX_LOG_WARN, cf, 0,
                           "JWT secret file \"%V\" is readable by others; "
                           "chmod 600 it", file);
    }

    ngx_memzero(&f, sizeof(ngx_file_t));
    f.fd = fd;
    f.name = *file;
    f.log = cf->log;

    n = ngx_read_file(&f, buf, sizeof(buf), 0);

    if (ngx_close_file(fd) == NGX_FILE_ERROR) {
        ngx_conf_log_error(NGX_LOG_ALERT, cf, ngx_errno,
                           ngx_close_file_n " \"%V\" failed", file);
    }

    if (n == NGX_ERROR) {
        return NGX_CONF_ERROR;
    }

    len = n;

    if (len && buf[len - 1] == '\n') {
        len--;

        if (len && buf[len - 1] == '\r') {
            len--;
        }
    }

    if (len < NGX_HTTP_SCC_JWT_SECRET_MIN || (size_t) n == sizeof(buf)) {
        ngx_explicit_memzero(buf, sizeof(buf));
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "JWT secret file \"%V\" holds %uz bytes; it must "
                           "hold between %d and %uz random bytes", file, len,
                           NGX_HTTP_SCC_JWT_SECRET_MIN, sizeof(buf) - 1);
        return NGX_CONF_ERROR;
    }

    *key = ngx_pcalloc(cf->pool, sizeof(ngx_http_scc_jwt_key_t));
    if (*key == NULL) {
        ngx_explicit_memzero(buf, sizeof(buf));
        return NGX_CONF_ERROR;
    }

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        ngx_explicit_memzero(buf, sizeof(buf));
        return NGX_CONF_ERROR;
    }

    if (ngx_http_scc_jwt_key_init(*key, buf, len) != NGX_OK) {
        ngx_explicit_memzero(buf, sizeof(buf));
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "could not make an HMAC key of \"%V\"", file);
        return NGX_CONF_ERROR;
    }

    /* OpenSSL keeps its own copy; ours goes */
    ngx_explicit_memzero(buf, sizeof(buf));

    cln->handler = ngx_http_scc_jwt_key_free;
    cln->data = *key;

    return NGX_CONF_OK;
}


static void
ngx_http_scc_jwt_key_free(void *data)
{
    ngx_http_scc_jwt_key_cleanup(data);
}


/* scc_jwt_cache N: tokens kept per worker process */

static char *
ngx_http_scc_jwt_cache_check(ngx_conf_t *cf, void *post, void *data)
{
    ngx_uint_t  *np = data;

    if (*np > NGX_HTTP_SCC_JWT_CACHE_MAX) {
        return "must be at most " ngx_value(NGX_HTTP_SCC_JWT_CACHE_MAX)
               " (tokens per worker process; 0 turns the cache off)";
    }

    return NGX_CONF_OK;
}
