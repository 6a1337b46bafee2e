/*
 * report_format.h — how a report's figures read: values by unit (currency
 * from integer cents with thousands separators, ratios as percentages,
 * counts, days, hours, nautical miles, knots; null as "n/a") and the
 * charts that survive mail clients in text: bars of eighth blocks
 * (▏▎▍▌▋▊▉█) and trend lines of small bars (▁▂▃▄▅▆▇█).
 *
 * Formatting is done here, in C, once for the text and the HTML of a run
 * (report_render.c), so both say the same; SQL keeps raw values (cents,
 * ratios) so the JSON and the CSV stay exact.
 *
 * This file must never touch the database, read files or log.
 */
#ifndef SCC_REPORT_FORMAT_H
#define SCC_REPORT_FORMAT_H

#include <stddef.h>
#include <yajl/yajl_tree.h>

#include "buf.h"

/* The text of value V in UNIT into buf (always NUL-terminated):
 *   null or missing      "n/a"
 *   cents    123456789   "$1,234,567.89"   (-5 -> "-$0.05")
 *   count    1234        "1,234"
 *   ratio    0.125       "12.5%"           (one decimal)
 *   percent  12.5        "12.5%"
 *   days     56          "56 days"  ("1 day"; one decimal when not whole)
 *   hours    3.5         "3.5 h"
 *   nm       1234.5      "1,234.5 nm"
 *   knots    6.25        "6.3 kn"
 *   text, date, other    the string (or the number) as it is
 * Returns the length written. */
size_t scc_report_format(yajl_val v, const char *unit, char *buf, size_t len);

/* The report JSON's parts: member KEY of object V of type T (NULL when
 * absent or of another type; V may be NULL), a string member (or NULL),
 * a number's value (0 when not a number). */
yajl_val    scc_report_get(yajl_val v, const char *key, yajl_type t);
const char *scc_report_str(yajl_val v, const char *key);
double      scc_report_num(yajl_val v);

/* Whether a column of UNIT is right-aligned (every unit but text and
 * date: figures line up on their last digit). */
int scc_report_right_aligned(const char *unit);

/* The number of characters (UTF-8 code points) in s[0..n). */
size_t scc_utf8_len(const char *s, size_t n);

/* The byte length of the longest prefix of s (n bytes) that has at most
 * `chars` characters (never cutting a character). */
size_t scc_utf8_prefix(const char *s, size_t n, size_t chars);

/* Append a bar of value / max x width cells, in eighths of a cell (█ full,
 * ▏..▉ the last part); a positive value too small to show gets one ▏, zero
 * or less (or max <= 0) nothing.  Returns the cells used, or -1 when out of
 * memory. */
int scc_chart_bar(scc_buf *out, double value, double max, int width);

/* Append one character per value, ▁ for 0 (or less) up to █ for the
 * largest (all ▁ when every value is 0).  Returns 0, or -1 when out of
 * memory. */
int scc_chart_spark(scc_buf *out, const double *v, size_t n);

#endif
