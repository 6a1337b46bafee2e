/*
 * report_text.h — the text part of a report's email: the sections of its
 * JSON (scc_report.run, sql/README.md) laid out in C, every line at most
 * 78 characters (UTF-8 characters; only a word longer than a line, a URL,
 * stands alone past it): each title underlined, figures with the value
 * right-aligned and the formula under it, tables with columns sized to
 * their contents (a text column gives way, cut with …), bars of eighth
 * blocks, trends as one small bar a point.  The text template puts it in
 * its frame ({{{body}}}, report_render.c).
 *
 * This file must never touch the database, read files or log.
 */
#ifndef SCC_REPORT_TEXT_H
#define SCC_REPORT_TEXT_H

#include <stddef.h>
#include <yajl/yajl_tree.h>

#include "buf.h"

/* Append the sections of report DATA laid out as text.  Returns 0, or -1
 * when out of memory. */
int scc_report_text_body(yajl_val data, scc_buf *out);

/* Append s word-wrapped at 78 characters, every line starting with
 * `indent` spaces and ending with a newline (nothing for blank s).
 * Returns 0, or -1 when out of memory. */
int scc_report_wrap(scc_buf *b, const char *s, size_t indent);

#endif
