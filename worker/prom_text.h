/*
 * prom_text.h — Prometheus's text exposition format (0.0.4), written to a
 * stdio stream: what `scc-worker stats` prints, in the same form as the
 * nginx module's /metrics (ngx_scc_module/ngx_http_scc_metrics_text.c).
 *
 * This file must never decide what is measured (that is SQL's
 * scc.worker_stats()) nor check names: they are the caller's constants.
 */
#ifndef SCC_PROM_TEXT_H
#define SCC_PROM_TEXT_H

#include <stdio.h>

/* "# HELP name help\n# TYPE name type\n", the help escaped (\\ and \n).
 * Returns 0, or -1 when the stream failed. */
int scc_prom_head(FILE *out, const char *name, const char *type, const char *help);

/* "name value\n", or "name{label=\"v\"} value\n" with the label's value
 * escaped (\\, \" and \n) when label is not NULL.  value is written as
 * given (a number in text).  Returns 0, or -1 when the stream failed. */
int scc_prom_sample(FILE *out, const char *name, const char *label,
                    const char *label_value, const char *value);

#endif
