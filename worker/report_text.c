/*
 * report_text.c — the text part of a report's email (see report_text.h):
 * its sections laid out within 78 characters a line.
 *
 * This file must never touch the database, read files or log.
 */
#include "report_text.h"

#include "report_format.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEXT_WIDTH   78
#define BAR_MAX      40     /* text bar cells at most */
#define SPARK_LINE   60     /* trend characters a line */

/* ---- lines and cells ---------------------------------------------------------------- */

static int put(scc_buf *b, const char *s)
{
    return scc_buf_append(b, s, strlen(s));
}

static int spaces(scc_buf *b, size_t n)
{
    static const char sp[] = "                                        ";
    while (n > 0) {
        size_t k = n < sizeof(sp) - 1 ? n : sizeof(sp) - 1;
        if (scc_buf_append(b, sp, k))
            return -1;
        n -= k;
    }
    return 0;
}

static size_t chars(const char *s)
{
    return scc_utf8_len(s, strlen(s));
}

/* s cut to at most `width` characters ("…" marks a cut), then padded to
 * width on the left (right != 0) or the right. */
static int cell(scc_buf *b, const char *s, size_t width, int right)
{
    size_t n = chars(s), len = strlen(s);
    if (n > width) {
        size_t keep = width > 0 ? scc_utf8_prefix(s, len, width - 1) : 0;
        if (scc_buf_append(b, s, keep) || (width > 0 && put(b, "\xE2\x80\xA6")))
            return -1;
        return 0;
    }
    if (right && spaces(b, width - n))
        return -1;
    if (scc_buf_append(b, s, len))
        return -1;
    return right ? 0 : spaces(b, width - n);
}

/* Word-wrap s at TEXT_WIDTH, every line starting with `indent` spaces.  A
 * word longer than a line (a URL) stands alone on its line. */
int scc_report_wrap(scc_buf *b, const char *s, size_t indent)
{
    size_t col = 0;
    int    first = 1;

    while (*s) {
        while (*s == ' ' || *s == '\n')
            s++;
        if (!*s)
            break;
        size_t wl = strcspn(s, " \n"), wc = scc_utf8_len(s, wl);
        if (!first && col + 1 + wc > TEXT_WIDTH) {
            if (put(b, "\n"))
                return -1;
            first = 1;
        }
        if (first) {
            if (spaces(b, indent))
                return -1;
            col = indent;
        } else {
            if (put(b, " "))
                return -1;
            col++;
        }
        if (scc_buf_append(b, s, wl))
            return -1;
        col += wc;
        first = 0;
        s += wl;
    }
    return first && col == 0 ? 0 : put(b, "\n");
}

static void fmt(yajl_val v, const char *unit, char *buf, size_t len)
{
    scc_report_format(v, unit, buf, len);
}

/* The unit of column c of a table's columns. */
static const char *unit_of(yajl_val cols, size_t c)
{
    return scc_report_str(cols->u.array.values[c], "unit");
}

/* ---- the sections ----------------------------------------------------------------- */

static int text_figures(scc_buf *b, yajl_val figures)
{
    char val[128];

    for (size_t i = 0; figures && i < figures->u.array.len; i++) {
        yajl_val f = figures->u.array.values[i];
        const char *label = scc_report_str(f, "label"), *formula = scc_report_str(f, "formula");
        fmt(scc_report_get(f, "value", yajl_t_any), scc_report_str(f, "unit"), val, sizeof(val));
        if (!label)
            label = "";
        size_t lc = chars(label), vc = chars(val);
        if (2 + lc + 2 + vc <= TEXT_WIDTH) {
            if (spaces(b, 2) || put(b, label) || spaces(b, TEXT_WIDTH - 2 - lc - vc) ||
                put(b, val) || put(b, "\n"))
                return -1;
        } else {
            if (scc_report_wrap(b, label, 2) ||
                spaces(b, TEXT_WIDTH - (vc < TEXT_WIDTH ? vc : 0)) ||
                put(b, val) || put(b, "\n"))
                return -1;
        }
        if (formula && *formula) {
            scc_buf f2;
            scc_buf_init(&f2);
            int bad = put(&f2, "(") || put(&f2, formula) || put(&f2, ")") ||
                      scc_report_wrap(b, f2.data, 6);
            scc_buf_free(&f2);
            if (bad)
                return -1;
        }
    }
    return 0;
}

/* A table too wide for the line even with its text columns cut to 8: each
 * row as a record, its first value as a heading and every other value on a
 * line of its own under its column's label. */
static int text_records(scc_buf *b, yajl_val cols, yajl_val rows)
{
    size_t n = cols->u.array.len, nr = rows ? rows->u.array.len : 0, lw = 0;
    char   val[256];
    int    bad = 0;

    for (size_t c = 1; c < n; c++) {
        const char *l = scc_report_str(cols->u.array.values[c], "label");
        if (chars(l ? l : "") > lw)
            lw = chars(l ? l : "");
    }
    if (lw > 36)
        lw = 36;
    for (size_t r = 0; r < nr && !bad; r++) {
        yajl_val row = rows->u.array.values[r];
        for (size_t c = 0; c < n && !bad; c++) {
            const char *l = scc_report_str(cols->u.array.values[c], "label");
            fmt(YAJL_IS_ARRAY(row) && c < row->u.array.len ? row->u.array.values[c] : NULL,
                unit_of(cols, c), val, sizeof(val));
            if (c == 0) {
                bad = spaces(b, 2) || cell(b, val, TEXT_WIDTH - 2, 0);
            } else {
                size_t vw = TEXT_WIDTH - 6 - lw;
                bad = spaces(b, 4) || cell(b, l ? l : "", lw, 0) || spaces(b, 2) ||
                      cell(b, val, vw, 0);
            }
            while (!bad && b->len > 0 && b->data[b->len - 1] == ' ')
                b->len--;
            bad = bad || put(b, "\n");
        }
    }
    if (!bad && nr == 0)
        bad = put(b, "  (none)\n");
    return bad ? -1 : 0;
}

static int text_table(scc_buf *b, yajl_val table)
{
    yajl_val cols = scc_report_get(table, "columns", yajl_t_array);
    yajl_val rows = scc_report_get(table, "rows", yajl_t_array);
    char     val[256];

    if (!cols || cols->u.array.len == 0)
        return 0;
    size_t n = cols->u.array.len, nr = rows ? rows->u.array.len : 0;
    size_t *w = calloc(n, sizeof(size_t));
    if (!w)
        return -1;
    for (size_t c = 0; c < n; c++) {
        const char *l = scc_report_str(cols->u.array.values[c], "label");
        w[c] = chars(l ? l : "");
        for (size_t r = 0; r < nr; r++) {
            yajl_val row = rows->u.array.values[r];
            if (!YAJL_IS_ARRAY(row) || c >= row->u.array.len)
                continue;
            fmt(row->u.array.values[c], unit_of(cols, c), val, sizeof(val));
            if (chars(val) > w[c])
                w[c] = chars(val);
        }
    }
    /* Too wide: the widest text column gives way, down to 8. */
    for (;;) {
        size_t total = 2, widest = n;
        for (size_t c = 0; c < n; c++) {
            total += w[c] + (c ? 2 : 0);
            if (!scc_report_right_aligned(unit_of(cols, c)) && w[c] > 8 &&
                (widest == n || w[c] > w[widest]))
                widest = c;
        }
        if (total <= TEXT_WIDTH)
            break;
        if (widest == n) {
            free(w);
            return text_records(b, cols, rows);
        }
        w[widest] -= (total - TEXT_WIDTH < w[widest] - 8) ? total - TEXT_WIDTH : w[widest] - 8;
    }
    int bad = spaces(b, 2);
    for (size_t c = 0; c < n && !bad; c++) {
        const char *l = scc_report_str(cols->u.array.values[c], "label");
        bad = (c && spaces(b, 2)) ||
              cell(b, l ? l : "", w[c], scc_report_right_aligned(unit_of(cols, c)));
    }
    bad = bad || put(b, "\n");
    for (size_t r = 0; r < nr && !bad; r++) {
        yajl_val row = rows->u.array.values[r];
        bad = spaces(b, 2);
        for (size_t c = 0; c < n && !bad; c++) {
            const char *unit = scc_report_str(cols->u.array.values[c], "unit");
            fmt(YAJL_IS_ARRAY(row) && c < row->u.array.len ? row->u.array.values[c] : NULL,
                unit, val, sizeof(val));
            bad = (c && spaces(b, 2)) || cell(b, val, w[c], scc_report_right_aligned(unit));
        }
        /* no trailing blanks */
        while (!bad && b->len > 0 && b->data[b->len - 1] == ' ')
            b->len--;
        bad = bad || put(b, "\n");
    }
    if (!bad && nr == 0)
        bad = put(b, "  (none)\n");
    free(w);
    return bad ? -1 : 0;
}

static int text_bars(scc_buf *b, yajl_val chart)
{
    yajl_val    bars = scc_report_get(chart, "bars", yajl_t_array);
    const char *unit = scc_report_str(chart, "unit"), *title = scc_report_str(chart, "title");
    char        val[128];
    size_t      lw = 0, vw = 0;
    double      max = 0;

    if (!bars || bars->u.array.len == 0)
        return 0;
    for (size_t i = 0; i < bars->u.array.len; i++) {
        yajl_val x = bars->u.array.values[i];
        const char *l = scc_report_str(x, "label");
        size_t lc = chars(l ? l : "");
        if (lc > lw)
            lw = lc;
        fmt(scc_report_get(x, "value", yajl_t_any), unit, val, sizeof(val));
        if (chars(val) > vw)
            vw = chars(val);
        if (scc_report_num(scc_report_get(x, "value", yajl_t_number)) > max)
            max = scc_report_num(scc_report_get(x, "value", yajl_t_number));
    }
    if (lw > 24)
        lw = 24;
    int bw = (int)TEXT_WIDTH - 2 - (int)lw - 2 - 1 - (int)vw;
    if (bw > BAR_MAX)
        bw = BAR_MAX;
    if (bw < 4)
        bw = 4;
    if (title && *title && (put(b, "\n") || scc_report_wrap(b, title, 2)))
        return -1;
    for (size_t i = 0; i < bars->u.array.len; i++) {
        yajl_val x = bars->u.array.values[i];
        const char *l = scc_report_str(x, "label");
        fmt(scc_report_get(x, "value", yajl_t_any), unit, val, sizeof(val));
        if (spaces(b, 2) || cell(b, l ? l : "", lw, 0) || spaces(b, 2))
            return -1;
        double v = scc_report_num(scc_report_get(x, "value", yajl_t_number));
        int used = scc_chart_bar(b, v, max, bw);
        if (used < 0 || spaces(b, (size_t)(bw - used) + 1) || cell(b, val, vw, 1) || put(b, "\n"))
            return -1;
    }
    return 0;
}

static int text_trend(scc_buf *b, yajl_val chart)
{
    yajl_val    pts = scc_report_get(chart, "points", yajl_t_array);
    const char *unit = scc_report_str(chart, "unit");
    char        val[128], line[256];
    double      max = 0;
    size_t      imax = 0;

    if (!pts || pts->u.array.len == 0)
        return 0;
    size_t n = pts->u.array.len;
    double *v = calloc(n, sizeof(double));
    if (!v)
        return -1;
    for (size_t i = 0; i < n; i++) {
        v[i] = scc_report_num(scc_report_get(pts->u.array.values[i], "value", yajl_t_number));
        if (v[i] > max) {
            max = v[i];
            imax = i;
        }
    }
    int bad = 0;
    for (size_t i = 0; i < n && !bad; i += SPARK_LINE)
        bad = spaces(b, 2) || scc_chart_spark(b, v + i, n - i < SPARK_LINE ? n - i : SPARK_LINE) ||
              put(b, "\n");
    free(v);
    if (bad)
        return -1;
    const char *first = scc_report_str(pts->u.array.values[0], "label");
    const char *last = scc_report_str(pts->u.array.values[n - 1], "label");
    fmt(scc_report_get(pts->u.array.values[imax], "value", yajl_t_any), unit, val, sizeof(val));
    const char *at = scc_report_str(pts->u.array.values[imax], "label");
    snprintf(line, sizeof(line), "%s to %s; highest %s%s%s", first ? first : "", last ? last : "",
             val, max > 0 && at ? " on " : "", max > 0 && at ? at : "");
    return scc_report_wrap(b, line, 2);
}

int scc_report_text_body(yajl_val data, scc_buf *out)
{
    yajl_val sections = scc_report_get(data, "sections", yajl_t_array);

    for (size_t i = 0; sections && i < sections->u.array.len; i++) {
        yajl_val s = sections->u.array.values[i];
        const char *title = scc_report_str(s, "title"), *pending = scc_report_str(s, "pending");
        yajl_val chart = scc_report_get(s, "chart", yajl_t_object);
        yajl_val table = scc_report_get(s, "table", yajl_t_object);
        const char *ctype = scc_report_str(chart, "type");
        if (!title)
            title = "";
        size_t tl = chars(title) > TEXT_WIDTH ? TEXT_WIDTH : chars(title);
        if ((i && put(out, "\n")) || scc_report_wrap(out, title, 0))
            return -1;
        for (size_t k = 0; k < tl; k++)
            if (put(out, "-"))
                return -1;
        if (put(out, "\n"))
            return -1;
        if (pending) {
            char line[256];
            snprintf(line, sizeof(line), "Awaiting data: %s (not recorded yet). No figure is "
                     "shown until it is.", pending);
            if (scc_report_wrap(out, line, 2))
                return -1;
        }
        if (text_figures(out, scc_report_get(s, "figures", yajl_t_array)))
            return -1;
        if (table && ((scc_report_get(s, "figures", yajl_t_array) &&
                       scc_report_get(s, "figures", yajl_t_array)->u.array.len && put(out, "\n")) ||
                      text_table(out, table)))
            return -1;
        if (ctype && strcmp(ctype, "bar") == 0 && text_bars(out, chart))
            return -1;
        if (ctype && strcmp(ctype, "trend") == 0 && text_trend(out, chart))
            return -1;
    }
    return 0;
}
