
/*
 * SCC: the directives of the PostgreSQL connection set (scc_pg, and the
 * checks of scc_pg_pool_size and scc_pg_pipeline).
 *
 * Runs at nginx -t only.  It must let through nothing that would make a
 * worker block on a connection: see ngx_http_scc_pg_conninfo().
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_http_scc_pg.h"


static char *ngx_http_scc_pg_size_check(ngx_conf_t *cf, void *post,
    void *data);
static char *ngx_http_scc_pg_pipeline_check(ngx_conf_t *cf, void *post,
    void *data);


ngx_conf_post_t  ngx_http_scc_pg_size_post = {
    ngx_http_scc_pg_size_check
};


ngx_conf_post_t  ngx_http_scc_pg_pipeline_post = {
    ngx_http_scc_pg_pipeline_check
};


/*
 * scc_pg "conninfo": parsed by libpq itself at nginx -t, and refused when
 * using it could block a worker: a host name (getaddrinfo() blocks), a
 * service file (it may name a host), GSSAPI encryption (its negotiation
 * may ask a Kerberos KDC synchronously inside PQconnectPoll()).  The
 * connection forces gssencmode=disable in any case, against PGGSSENCMODE.
 */

char *
ngx_http_scc_pg_conninfo(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_scc_pg_conf_t  *pcf = (void *) ((char *) conf + cmd->offset);

    char                *err, *host, *hostaddr;
    size_t               len;
    u_char              *p, *end, *comma;
    ngx_str_t           *value;
    PQconninfoOption    *opts, *o;

    if (pcf->conninfo.data) {
        return "is duplicate";
    }

    value = cf->args->elts;

    opts = PQconninfoParse((char *) value[1].data, &err);

    if (opts == NULL) {
        if (err == NULL) {
            return NGX_CONF_ERROR;
        }

        len = ngx_strlen(err);

        while (len && err[len - 1] == '\n') {
            len--;
        }

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid PostgreSQL conninfo \"%V\": %*s",
                           &value[1], len, err);
        PQfreemem(err);
        return NGX_CONF_ERROR;
    }

    host = NULL;
    hostaddr = NULL;

    for (o = opts; o->keyword; o++) {
        if (o->val == NULL) {
            continue;
        }

        if (ngx_strcmp(o->keyword, "host") == 0) {
            host = o->val;

        } else if (ngx_strcmp(o->keyword, "hostaddr") == 0) {
            hostaddr = o->val;

        } else if (ngx_strcmp(o->keyword, "gssencmode") == 0
                   && ngx_strcmp(o->val, "disable") != 0)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"scc_pg\" takes only gssencmode=disable: "
                               "GSSAPI negotiation may ask a Kerberos KDC "
                               "synchronously, which would block nginx");
            PQconninfoFree(opts);
            return NGX_CONF_ERROR;

        } else if (ngx_strcmp(o->keyword, "service") == 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"scc_pg\" does not take \"service\": a "
                               "service file may name a host, and "
                               "resolving it would block nginx");
            PQconninfoFree(opts);
            return NGX_CONF_ERROR;
        }
    }

    /*
     * libpq resolves a host name with getaddrinfo(), which blocks; only a
     * socket directory or a numeric address is safe inside nginx.
     */

    if (host && hostaddr == NULL) {
        p = (u_char *) host;
        end = p + ngx_strlen(host);

        while (p < end) {
            comma = ngx_strlchr(p, end, ',');
            if (comma == NULL) {
                comma = end;
            }

            if (comma > p
                && p[0] != '/'
                && p[0] != '@'
                && ngx_inet_addr(p, comma - p) == INADDR_NONE
#if (NGX_HAVE_INET6)
                && ngx_inet6_addr(p, comma - p, NULL) != NGX_OK
#endif
               )
            {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "\"scc_pg\" host \"%*s\" is a name, and "
                                   "resolving it would block nginx: use a "
                                   "unix socket directory, a numeric "
                                   "address, or add hostaddr=",
                                   comma - p, p);
                PQconninfoFree(opts);
                return NGX_CONF_ERROR;
            }

            p = comma + 1;
        }
    }

    PQconninfoFree(opts);

    /* configuration strings are NUL-terminated, as libpq wants */
    pcf->conninfo = value[1];

    return NGX_CONF_OK;
}


/* scc_pg_pool_size N: connections per worker process */

static char *
ngx_http_scc_pg_size_check(ngx_conf_t *cf, void *post, void *data)
{
    ngx_uint_t  *np = data;

    if (*np == 0) {
        return "must be at least 1: each nginx worker process needs "
               "a PostgreSQL connection";
    }

    if (*np > NGX_HTTP_SCC_PG_POOL_SIZE_MAX) {
        return "must be at most " ngx_value(NGX_HTTP_SCC_PG_POOL_SIZE_MAX)
               " (it counts per worker process)";
    }

    return NGX_CONF_OK;
}


/* scc_pg_pipeline N: queries in flight on one connection */

static char *
ngx_http_scc_pg_pipeline_check(ngx_conf_t *cf, void *post, void *data)
{
    ngx_uint_t  *np = data;

    if (*np == 0) {
        return "must be at least 1 (1: one query at a time a connection)";
    }

    if (*np > NGX_HTTP_SCC_PG_PIPELINE_MAX) {
        return "must be at most " ngx_value(NGX_HTTP_SCC_PG_PIPELINE_MAX);
    }

    return NGX_CONF_OK;
}
