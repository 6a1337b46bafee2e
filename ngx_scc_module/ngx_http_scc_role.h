
/*
 * SCC: the roles, one table for the JWT code, authentication and routes.
 *
 * Pure code: no nginx runtime, so that the unit tests link it alone.  A
 * role's rank orders the hierarchy ("role >= least role of the route" is
 * one comparison) and must equal what the SQL's scc.role_rank() answers
 * for the same name: tests/api/roles.test.js reads the table below from
 * ngx_http_scc_role.c and asks PostgreSQL, and fails if either changes
 * alone.
 */


#ifndef _NGX_HTTP_SCC_ROLE_H_INCLUDED_
#define _NGX_HTTP_SCC_ROLE_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>


/* ranks; NONE is no role at all (a public route, an unknown name) */
#define NGX_HTTP_SCC_ROLE_NONE     0
#define NGX_HTTP_SCC_ROLE_GUEST    1
#define NGX_HTTP_SCC_ROLE_CREW     2
#define NGX_HTTP_SCC_ROLE_CAPTAIN  3
#define NGX_HTTP_SCC_ROLE_ADMIN    4


typedef struct {
    ngx_str_t                  name;
    ngx_uint_t                 rank;
} ngx_http_scc_role_t;


/* the rank of a role's name, or NGX_HTTP_SCC_ROLE_NONE for no role */
ngx_uint_t ngx_http_scc_role_rank(u_char *name, size_t len);

/* "guest" ... "admin" for a rank, or NULL for NONE or an unknown rank */
ngx_str_t *ngx_http_scc_role_name(ngx_uint_t rank);


#endif /* _NGX_HTTP_SCC_ROLE_H_INCLUDED_ */
