
/*
 * SCC: the table of roles (see ngx_http_scc_role.h).
 *
 * The one place a role's name meets its rank.  Keep each row on one line,
 * { ngx_string("name"), NGX_HTTP_SCC_ROLE_NAME }: the API tests read it
 * to compare it with the SQL's scc.role_rank().
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_http_scc_role.h"


/* indexed by rank */

static ngx_http_scc_role_t  ngx_http_scc_roles[] = {
    { ngx_null_string, NGX_HTTP_SCC_ROLE_NONE },
    { ngx_string("guest"), NGX_HTTP_SCC_ROLE_GUEST },
    { ngx_string("crew"), NGX_HTTP_SCC_ROLE_CREW },
    { ngx_string("captain"), NGX_HTTP_SCC_ROLE_CAPTAIN },
    { ngx_string("admin"), NGX_HTTP_SCC_ROLE_ADMIN },
};

#define NGX_HTTP_SCC_NROLES                                                  \
    (sizeof(ngx_http_scc_roles) / sizeof(ngx_http_scc_role_t))


ngx_uint_t
ngx_http_scc_role_rank(u_char *name, size_t len)
{
    ngx_uint_t  i;

    for (i = NGX_HTTP_SCC_ROLE_NONE + 1; i < NGX_HTTP_SCC_NROLES; i++) {
        if (ngx_http_scc_roles[i].name.len == len
            && ngx_memcmp(ngx_http_scc_roles[i].name.data, name, len) == 0)
        {
            return ngx_http_scc_roles[i].rank;
        }
    }

    return NGX_HTTP_SCC_ROLE_NONE;
}


ngx_str_t *
ngx_http_scc_role_name(ngx_uint_t rank)
{
    if (rank == NGX_HTTP_SCC_ROLE_NONE || rank >= NGX_HTTP_SCC_NROLES) {
        return NULL;
    }

    return &ngx_http_scc_roles[rank].name;
}
