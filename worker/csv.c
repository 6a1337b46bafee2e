/*
 * csv.c — RFC 4180 CSV of a report's table (see csv.h).
 *
 * This file must never read or write files, touch the database or log.
 */
#include "csv.h"

#include <stdio.h>
#include <string.h>

int scc_csv_field(scc_buf *out, const char *s, size_t len)
{
    int guard = len > 0 && strchr("=+-@\t\r", s[0]) != NULL;
    int quote = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n') {
            quote = 1;
            break;
        }
    }
    if (quote && scc_buf_append(out, "\"", 1))
        return -1;
    if (guard && scc_buf_append(out, "'", 1))
        return -1;
    size_t from = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"') {
            if (scc_buf_append(out, s + from, i + 1 - from))    /* the quote ... */
                return -1;
            if (scc_buf_append(out, "\"", 1))                   /* ... doubled */
                return -1;
            from = i + 1;
        }
    }
    if (scc_buf_append(out, s + from, len - from))
        return -1;
    return quote ? scc_buf_append(out, "\"", 1) : 0;
}

int scc_csv_value(scc_buf *out, yajl_val v)
{
    if (v == NULL || YAJL_IS_NULL(v))
        return 0;
    if (YAJL_IS_STRING(v))
        return scc_csv_field(out, v->u.string, strlen(v->u.string));
    if (YAJL_IS_NUMBER(v)) {
        const char *r = v->u.number.r;
        return scc_buf_append(out, r, strlen(r));
    }
    if (YAJL_IS_TRUE(v))
        return scc_buf_append(out, "true", 4);
    if (YAJL_IS_FALSE(v))
        return scc_buf_append(out, "false", 5);
    return -1;
}

int scc_csv_table(scc_buf *out, yajl_val csv, char *err, size_t errlen)
{
    const char *cp[] = { "columns", NULL }, *rp[] = { "rows", NULL };
    yajl_val cols = csv ? yajl_tree_get(csv, cp, yajl_t_array) : NULL;
    yajl_val rows = csv ? yajl_tree_get(csv, rp, yajl_t_array) : NULL;

    if (cols == NULL || rows == NULL || cols->u.array.len == 0) {
        snprintf(err, errlen, "csv: needs {\"columns\": [...], \"rows\": [...]}");
        return -1;
    }
    size_t n = cols->u.array.len;
    for (size_t i = 0; i < n; i++) {
        yajl_val c = cols->u.array.values[i];
        if (!YAJL_IS_STRING(c)) {
            snprintf(err, errlen, "csv: column %zu is not a string", i + 1);
            return -1;
        }
        if ((i > 0 && scc_buf_append(out, ",", 1)) || scc_csv_value(out, c))
            goto oom;
    }
    if (scc_buf_append(out, "\r\n", 2))
        goto oom;
    for (size_t r = 0; r < rows->u.array.len; r++) {
        yajl_val row = rows->u.array.values[r];
        if (!YAJL_IS_ARRAY(row) || row->u.array.len != n) {
            snprintf(err, errlen, "csv: row %zu does not have %zu fields", r + 1, n);
            return -1;
        }
        for (size_t i = 0; i < n; i++) {
            yajl_val v = row->u.array.values[i];
            if (v && (YAJL_IS_OBJECT(v) || YAJL_IS_ARRAY(v))) {
                snprintf(err, errlen, "csv: row %zu field %zu is not a scalar", r + 1, i + 1);
                return -1;
            }
            if ((i > 0 && scc_buf_append(out, ",", 1)) || scc_csv_value(out, v))
                goto oom;
        }
        if (scc_buf_append(out, "\r\n", 2))
            goto oom;
    }
    return 0;
oom:
    snprintf(err, errlen, "csv: out of memory");
    return -1;
}
