
/*
 * SCC: the directives of the JWT code (ngx_http_scc_jwt_conf.c).
 *
 * Not pure: they read files and log at nginx -t, so they live apart from
 * the verifier that the unit tests link alone.
 */


#ifndef _NGX_HTTP_SCC_JWT_CONF_H_INCLUDED_
#define _NGX_HTTP_SCC_JWT_CONF_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>


/*
 * scc_jwt_secret_file CURRENT [PREVIOUS], given the offset of an
 * ngx_http_scc_jwt_conf_t in its configuration: the keys are made at
 * once, and freed with the configuration's pool.
 */
char *ngx_http_scc_jwt_secret_file(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);

/* checks scc_jwt_cache: at most NGX_HTTP_SCC_JWT_CACHE_MAX tokens */
extern ngx_conf_post_t  ngx_http_scc_jwt_cache_post;


#endif /* _NGX_HTTP_SCC_JWT_CONF_H_INCLUDED_ */
