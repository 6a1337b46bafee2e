
/*
 * SCC: the Prometheus text exposition format (version 0.0.4), written.
 *
 * Pure code: nginx types and macros, no allocation and no nginx runtime,
 * so that the cmocka tests link it alone.  The caller sizes the buffer
 * with the *_len() functions (an upper bound), then writes into it; a
 * writer returns the position after what it wrote.  Names and label
 * names are the caller's constants ([a-zA-Z_:][a-zA-Z0-9_:]*); label
 * values and help texts are escaped as the format says.
 */


#ifndef _NGX_HTTP_SCC_METRICS_TEXT_H_INCLUDED_
#define _NGX_HTTP_SCC_METRICS_TEXT_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>


/* the media type of the answer */
#define NGX_HTTP_SCC_METRICS_TYPE  "text/plain; version=0.0.4; charset=utf-8"

/* the most labels a line carries, the histogram's "le" included */
#define NGX_HTTP_SCC_METRICS_LABELS_MAX  4


typedef struct {
    ngx_str_t                 name;
    ngx_str_t                 value;       /* escaped when written */
} ngx_http_scc_metrics_label_t;


/* "# HELP name help\n# TYPE name type\n" */
size_t ngx_http_scc_metrics_head_len(ngx_str_t *name, ngx_str_t *help,
    ngx_str_t *type);
u_char *ngx_http_scc_metrics_head(u_char *p, ngx_str_t *name,
    ngx_str_t *help, ngx_str_t *type);

/* "name{a="x",b="y"} value\n" (no braces without labels) */
size_t ngx_http_scc_metrics_sample_len(ngx_str_t *name,
    ngx_http_scc_metrics_label_t *labels, ngx_uint_t n);
u_char *ngx_http_scc_metrics_sample(u_char *p, ngx_str_t *name,
    ngx_http_scc_metrics_label_t *labels, ngx_uint_t n, uint64_t value);

/*
 * A histogram's series: name_bucket{labels,le="..."} for each bound
 * (in milliseconds, written in seconds) and "+Inf", cumulative, then
 * name_sum (seconds) and name_count.  counts[i] is the number of
 * observations in bucket i alone: at most bounds[i] and more than
 * bounds[i - 1]; counts[nbounds] those above every bound.
 */
size_t ngx_http_scc_metrics_histogram_len(ngx_str_t *name,
    ngx_http_scc_metrics_label_t *labels, ngx_uint_t n, ngx_uint_t nbounds);
u_char *ngx_http_scc_metrics_histogram(u_char *p, ngx_str_t *name,
    ngx_http_scc_metrics_label_t *labels, ngx_uint_t n,
    const ngx_uint_t *bounds, ngx_uint_t nbounds, const uint64_t *counts,
    uint64_t sum_ms);

/* v, or v thousandths as a decimal ("0.005", "2.5", "3"); 24 bytes do */
u_char *ngx_http_scc_metrics_number(u_char *p, uint64_t v,
    ngx_uint_t thousandths);


#endif /* _NGX_HTTP_SCC_METRICS_TEXT_H_INCLUDED_ */
