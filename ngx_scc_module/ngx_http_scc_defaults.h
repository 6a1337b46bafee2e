
/*
 * SCC: the module's defaults and limits, in one place.
 *
 * The merge of the configuration (ngx_http_scc_init_main_conf()) and the
 * directives' checks use these; the README's directive table quotes them
 * (tests/api/config.test.js compares the two).  Times are in the units the
 * directives store: milliseconds for the scc_pg_* timeouts, seconds for
 * the rest.
 */


#ifndef _NGX_HTTP_SCC_DEFAULTS_H_INCLUDED_
#define _NGX_HTTP_SCC_DEFAULTS_H_INCLUDED_


/* scc_pg_*: the connection set of each worker process */
#define NGX_HTTP_SCC_DEFAULT_PG_POOL_SIZE      4
#define NGX_HTTP_SCC_DEFAULT_PG_PIPELINE       8
#define NGX_HTTP_SCC_DEFAULT_PG_WAIT_TIMEOUT   3000      /* ms: 3s */
#define NGX_HTTP_SCC_DEFAULT_PG_WAIT_QUEUE     1024
#define NGX_HTTP_SCC_DEFAULT_PG_QUERY_TIMEOUT  30000     /* ms: 30s */

#define NGX_HTTP_SCC_PG_POOL_SIZE_MAX          1024
#define NGX_HTTP_SCC_PG_PIPELINE_MAX           64

/* scc_jwt_*, scc_refresh_ttl, scc_cookie_secure */
#define NGX_HTTP_SCC_DEFAULT_JWT_TTL           900       /* s: 15m */
#define NGX_HTTP_SCC_DEFAULT_REFRESH_TTL       2592000   /* s: 30d */
#define NGX_HTTP_SCC_DEFAULT_JWT_LEEWAY        0         /* s */
#define NGX_HTTP_SCC_DEFAULT_JWT_CACHE         1024      /* tokens */
#define NGX_HTTP_SCC_DEFAULT_COOKIE_SECURE     1         /* on */

#define NGX_HTTP_SCC_JWT_CACHE_MAX             65536


#endif /* _NGX_HTTP_SCC_DEFAULTS_H_INCLUDED_ */
