
/*
 * SCC: the Prometheus text exposition format, written (see
 * ngx_http_scc_metrics_text.h).  Pure: it must never allocate, and never
 * write more than its *_len() function said.
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_http_scc_metrics_text.h"


/* the longest number: 20 digits, a dot, three decimals */
#define NGX_HTTP_SCC_METRICS_NUMBER_LEN  24


static u_char *ngx_http_scc_metrics_escape(u_char *p, ngx_str_t *s,
    ngx_uint_t quote);
static size_t ngx_http_scc_metrics_line_len(ngx_str_t *name, size_t suffix,
    ngx_http_scc_metrics_label_t *labels, ngx_uint_t n);
static u_char *ngx_http_scc_metrics_line(u_char *p, ngx_str_t *name,
    const char *suffix, ngx_http_scc_metrics_label_t *labels, ngx_uint_t n,
    uint64_t value, ngx_uint_t thousandths);


size_t
ngx_http_scc_metrics_head_len(ngx_str_t *name, ngx_str_t *help,
    ngx_str_t *type)
{
    return sizeof("# HELP  \n# TYPE  \n") - 1 + 2 * name->len
           + 2 * help->len + type->len;
}


u_char *
ngx_http_scc_metrics_head(u_char *p, ngx_str_t *name, ngx_str_t *help,
    ngx_str_t *type)
{
    p = ngx_cpymem(p, "# HELP ", sizeof("# HELP ") - 1);
    p = ngx_cpymem(p, name->data, name->len);
    *p++ = ' ';
    p = ngx_http_scc_metrics_escape(p, help, 0);
    p = ngx_cpymem(p, "\n# TYPE ", sizeof("\n# TYPE ") - 1);
    p = ngx_cpymem(p, name->data, name->len);
    *p++ = ' ';
    p = ngx_cpymem(p, type->data, type->len);
    *p++ = '\n';

    return p;
}


size_t
ngx_http_scc_metrics_sample_len(ngx_str_t *name,
    ngx_http_scc_metrics_label_t *labels, ngx_uint_t n)
{
    return ngx_http_scc_metrics_line_len(name, 0, labels, n);
}


u_char *
ngx_http_scc_metrics_sample(u_char *p, ngx_str_t *name,
    ngx_http_scc_metrics_label_t *labels, ngx_uint_t n, uint64_t value)
{
    return ngx_http_scc_metrics_line(p, name, NULL, labels, n, value, 0);
}


size_t
ngx_http_scc_metrics_histogram_len(ngx_str_t *name,
    ngx_http_scc_metrics_label_t *labels, ngx_uint_t n, ngx_uint_t nbounds)
{
    size_t  len;

    /* a bucket's line has one label more: le="<number>" or le="+Inf" */

    len = (nbounds + 1)
          * (ngx_http_scc_metrics_line_len(name, sizeof("_bucket") - 1,
                                           labels, n)
             + sizeof(",le=\"\"") - 1 + NGX_HTTP_SCC_METRICS_NUMBER_LEN);

    len += ngx_http_scc_metrics_line_len(name, sizeof("_sum") - 1, labels, n)
           + ngx_http_scc_metrics_line_len(name, sizeof("_count") - 1,
                                           labels, n);

    return len;
}


u_char *
ngx_http_scc_metrics_histogram(u_char *p, ngx_str_t *name,
    ngx_http_scc_metrics_label_t *labels, ngx_uint_t n,
    const ngx_uint_t *bounds, ngx_uint_t nbounds, const uint64_t *counts,
    uint64_t sum_ms)
{
    u_char                        le[NGX_HTTP_SCC_METRICS_NUMBER_LEN];
    uint64_t                      total;
    ngx_uint_t                    i, k;
    ngx_http_scc_metrics_label_t  all[NGX_HTTP_SCC_METRICS_LABELS_MAX];

    for (k = 0; k < n && k < NGX_HTTP_SCC_METRICS_LABELS_MAX - 1; k++) {
        all[k] = labels[k];
    }

    ngx_str_set(&all[k].name, "le");
    all[k].value.data = le;

    total = 0;

    for (i = 0; i <= nbounds; i++) {
        total += counts[i];

        if (i < nbounds) {
            all[k].value.len = ngx_http_scc_metrics_number(le, bounds[i], 1)
                               - le;

        } else {
            ngx_str_set(&all[k].value, "+Inf");
        }

        p = ngx_http_scc_metrics_line(p, name, "_bucket", all, k + 1, total,
                                      0);
    }

    p = ngx_http_scc_metrics_line(p, name, "_sum", labels, k, sum_ms, 1);
    p = ngx_http_scc_metrics_line(p, name, "_count", labels, k, total, 0);

    return p;
}


u_char *
ngx_http_scc_metrics_number(u_char *p, uint64_t v, ngx_uint_t thousandths)
{
    u_char      digits[NGX_HTTP_SCC_METRICS_NUMBER_LEN];
    uint64_t    frac;
    ngx_uint_t  n, w;

    frac = 0;
    w = 0;

    if (thousandths) {
        frac = v % 1000;
        v /= 1000;
        w = 3;

        /* "2.5", not "2.500"; "3", not "3.000" */

        while (w && frac % 10 == 0) {
            frac /= 10;
            w--;
        }
    }

    n = 0;

    do {
        digits[n++] = (u_char) ('0' + v % 10);
        v /= 10;
    } while (v);

    while (n) {
        *p++ = digits[--n];
    }

    if (w) {
        *p++ = '.';

        for (n = w; n; n--) {
            digits[n - 1] = (u_char) ('0' + frac % 10);
            frac /= 10;
        }

        p = ngx_cpymem(p, digits, w);
    }

    return p;
}


/* a label value escapes \, " and newline; a help text \ and newline */

static u_char *
ngx_http_scc_metrics_escape(u_char *p, ngx_str_t *s, ngx_uint_t quote)
{
    u_char  *c, *end;

    end = s->data + s->len;

    for (c = s->data; c < end; c++) {

        switch (*c) {

        case '\\':
            *p++ = '\\';
            *p++ = '\\';
            break;

        case '\n':
            *p++ = '\\';
            *p++ = 'n';
            break;

        case '"':
            if (quote) {
                *p++ = '\\';
            }

            *p++ = '"';
            break;

        default:
            *p++ = *c;
        }
    }

    return p;
}


static size_t
ngx_http_scc_metrics_line_len(ngx_str_t *name, size_t suffix,
    ngx_http_scc_metrics_label_t *labels, ngx_uint_t n)
{
    size_t      len;
    ngx_uint_t  i;

    len = name->len + suffix + sizeof("{} \n") - 1
          + NGX_HTTP_SCC_METRICS_NUMBER_LEN;

    for (i = 0; i < n; i++) {
        len += labels[i].name.len + sizeof(",=\"\"") - 1
               + 2 * labels[i].value.len;
    }

    return len;
}


static u_char *
ngx_http_scc_metrics_line(u_char *p, ngx_str_t *name, const char *suffix,
    ngx_http_scc_metrics_label_t *labels, ngx_uint_t n, uint64_t value,
    ngx_uint_t thousandths)
{
    ngx_uint_t  i;

    p = ngx_cpymem(p, name->data, name->len);

    if (suffix) {
        p = ngx_cpymem(p, suffix, ngx_strlen(suffix));
    }

    for (i = 0; i < n; i++) {
        *p++ = i ? ',' : '{';
        p = ngx_cpymem(p, labels[i].name.data, labels[i].name.len);
        *p++ = '=';
        *p++ = '"';
        p = ngx_http_scc_metrics_escape(p, &labels[i].value, 1);
        *p++ = '"';
    }

    if (n) {
        *p++ = '}';
    }

    *p++ = ' ';
    p = ngx_http_scc_metrics_number(p, value, thousandths);
    *p++ = '\n';

    return p;
}
