/*
 * report_render.h — a report's JSON (scc_report.run, the shape in
 * sql/README.md) rendered as its email: the subject, the text part, the
 * HTML part and the CSV attachment.
 *
 * The templates are worker/templates/report_<kind>.{subject,txt,html}.mustache
 * (report_<kind>_<variant>.* first, for an A/B variant, each part falling
 * back to the default), rendered over a view this file builds from the
 * JSON: figures formatted (report_format.h), the text body laid out in C
 * within 78 characters a line (report_text.h), and for the HTML the
 * sections as lists the shared partial report_sections_html walks
 * (worker/templates/report_sections_html.partial.mustache): figures,
 * tables, bars as table cells of a width, trends as rows of small bars.
 * No script, SVG or remote image.
 *
 * This file must never touch the database or send anything; it reads
 * templates from the folder it is given and nothing else.
 */
#ifndef SCC_REPORT_RENDER_H
#define SCC_REPORT_RENDER_H

#include <yajl/yajl_tree.h>

#include "buf.h"

typedef struct {
    const char *templates_dir;  /* folder of the .mustache files */
    const char *public_url;     /* base of the "open SCC" link, or NULL */
    const char *variant;        /* template variant, or NULL */
    int         test;           /* a "send a test to me" run: the subject says so */
} scc_report_render_opts;

typedef struct {
    scc_buf subject, text, html, csv;
} scc_report_rendered;

void scc_report_rendered_init(scc_report_rendered *r);
void scc_report_rendered_free(scc_report_rendered *r);

/* Render DATA into R (its buffers appended to; NUL-terminated on success).
 * Returns 0, or -1 with err (a missing or broken template, a report not of
 * the shape, out of memory). */
int scc_report_render(const scc_report_render_opts *o, yajl_val data,
                      scc_report_rendered *r, char *err, size_t errlen);

#endif
