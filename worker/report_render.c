/*
 * report_render.c — a report's JSON as subject, text, HTML and CSV (see
 * report_render.h): the view the templates are rendered over (the text
 * body from report_text.c, the HTML sections with every value already
 * formatted), the templates and their partials, the CSV (csv.c).
 *
 * This file must never touch the database, send anything, or read a file
 * other than a template.
 */
#include "report_render.h"

#include "csv.h"
#include "json.h"
#include "report_format.h"
#include "report_text.h"
#include "template.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <yajl/yajl_gen.h>

#define TREND_PX     40     /* tallest HTML trend bar, pixels */

/* ---- small helpers ----------------------------------------------------------------- */

/* A string member, "" when absent. */
static const char *text_of(yajl_val v, const char *key)
{
    const char *s = scc_report_str(v, key);
    return s ? s : "";
}

static int put(scc_buf *b, const char *s)
{
    return scc_buf_append(b, s, strlen(s));
}

static void fmt(yajl_val v, const char *unit, char *buf, size_t len)
{
    scc_report_format(v, unit, buf, len);
}

/* ---- the HTML view ------------------------------------------------------------------- */

static void gen_kv(yajl_gen g, const char *k, const char *v)
{
    scc_json_gen_str(g, k);
    scc_json_gen_str(g, v ? v : "");
}

static void gen_int(yajl_gen g, const char *k, long v)
{
    char n[32];
    snprintf(n, sizeof(n), "%ld", v);
    scc_json_gen_str(g, k);
    yajl_gen_number(g, n, strlen(n));
}

static void view_figures(yajl_gen g, yajl_val figures)
{
    char val[128];

    scc_json_gen_str(g, "has_figures");
    yajl_gen_bool(g, figures && figures->u.array.len > 0);
    scc_json_gen_str(g, "figures");
    yajl_gen_array_open(g);
    for (size_t i = 0; figures && i < figures->u.array.len; i++) {
        yajl_val f = figures->u.array.values[i];
        fmt(scc_report_get(f, "value", yajl_t_any), scc_report_str(f, "unit"), val, sizeof(val));
        yajl_gen_map_open(g);
        gen_kv(g, "label", scc_report_str(f, "label"));
        gen_kv(g, "display", val);
        gen_kv(g, "formula", scc_report_str(f, "formula"));
        gen_kv(g, "source", scc_report_str(f, "source"));
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
}

static void view_table(yajl_gen g, yajl_val table)
{
    yajl_val cols = scc_report_get(table, "columns", yajl_t_array);
    yajl_val rows = scc_report_get(table, "rows", yajl_t_array);
    size_t   n = cols ? cols->u.array.len : 0, nr = rows ? rows->u.array.len : 0;
    char     val[256];

    scc_json_gen_str(g, "table");
    yajl_gen_map_open(g);
    gen_int(g, "ncols", (long)n);
    scc_json_gen_str(g, "empty");
    yajl_gen_bool(g, nr == 0);
    scc_json_gen_str(g, "columns");
    yajl_gen_array_open(g);
    for (size_t c = 0; c < n; c++) {
        yajl_gen_map_open(g);
        gen_kv(g, "label", scc_report_str(cols->u.array.values[c], "label"));
        const char *unit = scc_report_str(cols->u.array.values[c], "unit");
        gen_kv(g, "align", scc_report_right_aligned(unit) ? "right" : "left");
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
    scc_json_gen_str(g, "rows");
    yajl_gen_array_open(g);
    for (size_t r = 0; r < nr; r++) {
        yajl_val row = rows->u.array.values[r];
        yajl_gen_map_open(g);
        scc_json_gen_str(g, "cells");
        yajl_gen_array_open(g);
        for (size_t c = 0; c < n; c++) {
            const char *unit = scc_report_str(cols->u.array.values[c], "unit");
            fmt(YAJL_IS_ARRAY(row) && c < row->u.array.len ? row->u.array.values[c] : NULL,
                unit, val, sizeof(val));
            yajl_gen_map_open(g);
            gen_kv(g, "text", val);
            gen_kv(g, "align", scc_report_right_aligned(unit) ? "right" : "left");
            yajl_gen_map_close(g);
        }
        yajl_gen_array_close(g);
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
    yajl_gen_map_close(g);
}

static void view_bars(yajl_gen g, yajl_val chart)
{
    yajl_val    bars = scc_report_get(chart, "bars", yajl_t_array);
    const char *unit = scc_report_str(chart, "unit");
    double      max = 0;
    char        val[128];

    for (size_t i = 0; bars && i < bars->u.array.len; i++)
        if (scc_report_num(scc_report_get(bars->u.array.values[i], "value", yajl_t_number)) > max)
            max = scc_report_num(scc_report_get(bars->u.array.values[i], "value", yajl_t_number));
    scc_json_gen_str(g, "bars");
    yajl_gen_map_open(g);
    gen_kv(g, "title", scc_report_str(chart, "title"));
    scc_json_gen_str(g, "items");
    yajl_gen_array_open(g);
    for (size_t i = 0; bars && i < bars->u.array.len; i++) {
        yajl_val x = bars->u.array.values[i];
        double   v = scc_report_num(scc_report_get(x, "value", yajl_t_number));
        long     pct = max > 0 && v > 0 ? lround(v / max * 100) : 0;
        if (v > 0 && pct == 0)
            pct = 1;
        fmt(scc_report_get(x, "value", yajl_t_any), unit, val, sizeof(val));
        yajl_gen_map_open(g);
        gen_kv(g, "label", scc_report_str(x, "label"));
        gen_kv(g, "display", val);
        gen_int(g, "pct", pct);
        gen_int(g, "rest", 100 - pct);
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
    yajl_gen_map_close(g);
}

static void view_trend(yajl_gen g, yajl_val chart, const char *title)
{
    yajl_val    pts = scc_report_get(chart, "points", yajl_t_array);
    const char *unit = scc_report_str(chart, "unit");
    double      max = 0;
    size_t      n = pts ? pts->u.array.len : 0;
    char        val[128];

    for (size_t i = 0; i < n; i++)
        if (scc_report_num(scc_report_get(pts->u.array.values[i], "value", yajl_t_number)) > max)
            max = scc_report_num(scc_report_get(pts->u.array.values[i], "value", yajl_t_number));
    scc_json_gen_str(g, "trend");
    yajl_gen_map_open(g);
    gen_kv(g, "title", title);
    gen_kv(g, "first", n ? scc_report_str(pts->u.array.values[0], "label") : "");
    gen_kv(g, "last", n ? scc_report_str(pts->u.array.values[n - 1], "label") : "");
    scc_json_gen_str(g, "points");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < n; i++) {
        yajl_val x = pts->u.array.values[i];
        double   v = scc_report_num(scc_report_get(x, "value", yajl_t_number));
        fmt(scc_report_get(x, "value", yajl_t_any), unit, val, sizeof(val));
        yajl_gen_map_open(g);
        gen_kv(g, "label", scc_report_str(x, "label"));
        gen_kv(g, "display", val);
        gen_int(g, "h", 2 + (max > 0 && v > 0 ? lround(v / max * (TREND_PX - 2)) : 0));
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
    yajl_gen_map_close(g);
}

static void view_sections(yajl_gen g, yajl_val sections)
{
    scc_json_gen_str(g, "sections");
    yajl_gen_array_open(g);
    for (size_t i = 0; sections && i < sections->u.array.len; i++) {
        yajl_val s = sections->u.array.values[i];
        yajl_val chart = scc_report_get(s, "chart", yajl_t_object);
        yajl_val table = scc_report_get(s, "table", yajl_t_object);
        const char *ctype = scc_report_str(chart, "type");
        yajl_gen_map_open(g);
        gen_kv(g, "id", scc_report_str(s, "id"));
        gen_kv(g, "title", scc_report_str(s, "title"));
        if (scc_report_str(s, "pending"))
            gen_kv(g, "pending", scc_report_str(s, "pending"));
        view_figures(g, scc_report_get(s, "figures", yajl_t_array));
        if (table)
            view_table(g, table);
        if (ctype && strcmp(ctype, "bar") == 0)
            view_bars(g, chart);
        if (ctype && strcmp(ctype, "trend") == 0)
            view_trend(g, chart, scc_report_str(s, "title"));
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
}

/* "2026-11-01" minus one day, into buf ("2026-10-31"); the input when it
 * does not parse. */
static void day_before(const char *iso, char *buf, size_t len)
{
    struct tm tm;
    memset(&tm, 0, sizeof(tm));
    if (iso && sscanf(iso, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) == 3) {
        tm.tm_year -= 1900;
        tm.tm_mon -= 1;
        tm.tm_hour = 12;
        time_t t = timegm(&tm) - 86400;
        gmtime_r(&t, &tm);
        strftime(buf, len, "%Y-%m-%d", &tm);
        return;
    }
    snprintf(buf, len, "%s", iso ? iso : "");
}

static const char *amounts_line(const char *a)
{
    if (a && strcmp(a, "net") == 0)
        return "Amounts are net: after commissions, fees and refunds.";
    if (a && strcmp(a, "mixed") == 0)
        return "Amounts are gross or net as each figure's formula says.";
    return "Amounts are gross: before commissions, fees and refunds.";
}

/* The view every template of the report is rendered over, as JSON text
 * into out. */
static int build_view(const scc_report_render_opts *o, yajl_val data, const char *body,
                      scc_buf *out)
{
    yajl_val period = scc_report_get(data, "period", yajl_t_object);
    char     last[16], line[256];
    const unsigned char *buf;
    size_t   len;

    day_before(scc_report_str(period, "ends"), last, sizeof(last));
    snprintf(line, sizeof(line), "%s: %s to %s, %s", text_of(period, "label"),
             text_of(period, "starts"), last, text_of(period, "time_zone"));
    scc_buf head;
    scc_buf_init(&head);
    if (scc_report_wrap(&head, text_of(data, "title"), 0) || scc_report_wrap(&head, line, 0) ||
        scc_report_wrap(&head, amounts_line(scc_report_str(data, "amounts")), 0)) {
        scc_buf_free(&head);
        return -1;
    }
    /* the template puts the line break after it */
    if (head.len > 0 && head.data[head.len - 1] == '\n')
        head.data[--head.len] = '\0';
    yajl_gen g = yajl_gen_alloc(NULL);
    if (!g) {
        scc_buf_free(&head);
        return -1;
    }
    yajl_gen_map_open(g);
    gen_kv(g, "head", head.data);
    scc_buf_free(&head);
    gen_kv(g, "kind", scc_report_str(data, "kind"));
    gen_kv(g, "title", scc_report_str(data, "title"));
    gen_kv(g, "period_label", scc_report_str(period, "label"));
    gen_kv(g, "period_line", line);
    gen_kv(g, "time_zone", scc_report_str(period, "time_zone"));
    gen_kv(g, "amounts", scc_report_str(data, "amounts"));
    gen_kv(g, "amounts_line", amounts_line(scc_report_str(data, "amounts")));
    gen_kv(g, "generated_at", scc_report_str(data, "generated_at"));
    scc_json_gen_str(g, "test");
    yajl_gen_bool(g, o->test);
    if (o->variant && *o->variant)
        gen_kv(g, "variant", o->variant);
    if (o->public_url && *o->public_url)
        gen_kv(g, "public_url", o->public_url);
    gen_kv(g, "body", body);
    view_sections(g, scc_report_get(data, "sections", yajl_t_array));
    yajl_gen_map_close(g);
    int bad = yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok ||
              scc_buf_append(out, (const char *)buf, len);
    yajl_gen_free(g);
    return bad ? -1 : 0;
}

/* ---- templates ------------------------------------------------------------------------- */

/* Read a whole file into out (scc_buf keeps it NUL-terminated).  0, 1 when it does not
 * exist, -1 on another error (err says). */
static int read_file(const char *path, scc_buf *out, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    char  chunk[8192];
    size_t n;

    if (!f) {
        if (errno == ENOENT)
            return 1;
        snprintf(err, errlen, "cannot read %.300s: %s", path, strerror(errno));
        return -1;
    }
    int bad = 0;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        bad |= scc_buf_append(out, chunk, n);
    bad |= ferror(f) || scc_buf_append(out, "", 0);
    fclose(f);
    if (bad)
        snprintf(err, errlen, "cannot read %.300s", path);
    return bad ? -1 : 0;
}

#define MAX_PARTIALS 8

typedef struct {
    const char *dir;
    char       *name[MAX_PARTIALS];
    scc_buf     src[MAX_PARTIALS];
    size_t      n;
} partials;

/* NAME.partial.mustache in the templates folder (names: a-z 0-9 _ only). */
static const char *partial(void *ud, const char *name, size_t name_len, size_t *len)
{
    partials *p = ud;
    char      path[4096], perr[64];

    for (size_t i = 0; i < name_len; i++)
        if (!(islower((unsigned char)name[i]) || isdigit((unsigned char)name[i]) || name[i] == '_'))
            return NULL;
    for (size_t i = 0; i < p->n; i++) {
        if (strcmp(p->name[i], name) == 0) {
            *len = p->src[i].len;
            return p->src[i].data;
        }
    }
    if (p->n == MAX_PARTIALS)
        return NULL;
    snprintf(path, sizeof(path), "%s/%.*s.partial.mustache", p->dir, (int)name_len, name);
    scc_buf_init(&p->src[p->n]);
    if (read_file(path, &p->src[p->n], perr, sizeof(perr)) != 0 ||
        (p->name[p->n] = strndup(name, name_len)) == NULL) {
        scc_buf_free(&p->src[p->n]);
        return NULL;
    }
    *len = p->src[p->n].len;
    return p->src[p->n++].data;
}

/* Render report_<kind>[_<variant>].<part>.mustache over view into out. */
static int render_part(const scc_report_render_opts *o, const char *kind, const char *part,
                       yajl_val view, partials *pp, scc_buf *out, char *err, size_t errlen)
{
    char    path[4096];
    scc_buf src;
    int     rc = 1;

    scc_buf_init(&src);
    if (o->variant && *o->variant) {
        snprintf(path, sizeof(path), "%s/report_%s_%s.%s.mustache", o->templates_dir, kind,
                 o->variant, part);
        rc = read_file(path, &src, err, errlen);
    }
    if (rc == 1) {
        snprintf(path, sizeof(path), "%s/report_%s.%s.mustache", o->templates_dir, kind, part);
        rc = read_file(path, &src, err, errlen);
        if (rc == 1)
            snprintf(err, errlen, "no template %.300s", path);
    }
    if (rc == 0) {
        char terr[256];
        rc = scc_template_render_string(src.data, src.len, view, partial, pp, out,
                                        terr, sizeof(terr));
        if (rc != 0)
            snprintf(err, errlen, "template %.300s: %s", path, terr);
    }
    scc_buf_free(&src);
    return rc == 0 && scc_buf_append(out, "", 0) == 0 ? 0 : -1;
}

static int kind_ok(const char *k)
{
    if (!k || !*k || strlen(k) > 32)
        return 0;
    for (; *k; k++)
        if (!islower((unsigned char)*k))
            return 0;
    return 1;
}

static int variant_ok(const char *v)
{
    if (!v || !*v)
        return 1;
    if (strlen(v) > 32)
        return 0;
    for (; *v; v++)
        if (!(islower((unsigned char)*v) || isdigit((unsigned char)*v) || *v == '_' || *v == '-'))
            return 0;
    return 1;
}

void scc_report_rendered_init(scc_report_rendered *r)
{
    scc_buf_init(&r->subject);
    scc_buf_init(&r->text);
    scc_buf_init(&r->html);
    scc_buf_init(&r->csv);
}

void scc_report_rendered_free(scc_report_rendered *r)
{
    scc_buf_free(&r->subject);
    scc_buf_free(&r->text);
    scc_buf_free(&r->html);
    scc_buf_free(&r->csv);
}

int scc_report_render(const scc_report_render_opts *o, yajl_val data,
                      scc_report_rendered *r, char *err, size_t errlen)
{
    const char *kind = scc_report_str(data, "kind");
    scc_buf     body, viewtext;
    yajl_val    view = NULL;
    partials    pp;
    int         rc = -1;

    if (!kind_ok(kind) || !scc_report_get(data, "sections", yajl_t_array) ||
        !scc_report_get(data, "period", yajl_t_object)) {
        snprintf(err, errlen, "report: the JSON has no kind, period or sections");
        return -1;
    }
    if (!variant_ok(o->variant)) {
        snprintf(err, errlen, "report: bad variant");
        return -1;
    }
    memset(&pp, 0, sizeof(pp));
    pp.dir = o->templates_dir;
    scc_buf_init(&body);
    scc_buf_init(&viewtext);
    if (scc_report_text_body(data, &body) || scc_buf_append(&body, "", 0) ||
        build_view(o, data, body.data, &viewtext)) {
        snprintf(err, errlen, "report: out of memory laying it out");
        goto done;
    }
    char perr[128];
    view = yajl_tree_parse(viewtext.data, perr, sizeof(perr));
    if (!view) {
        snprintf(err, errlen, "report: the view: %s", perr);
        goto done;
    }
    if (render_part(o, kind, "subject", view, &pp, &r->subject, err, errlen) ||
        render_part(o, kind, "txt", view, &pp, &r->text, err, errlen) ||
        render_part(o, kind, "html", view, &pp, &r->html, err, errlen))
        goto done;
    if (scc_csv_table(&r->csv, scc_report_get(data, "csv", yajl_t_object), err, errlen))
        goto done;
    /* The subject is one line, without trailing blanks; a test says so. */
    for (size_t i = 0; i < r->subject.len; i++)
        if (r->subject.data[i] == '\r' || r->subject.data[i] == '\n' || r->subject.data[i] == '\t')
            r->subject.data[i] = ' ';
    while (r->subject.len > 0 && r->subject.data[r->subject.len - 1] == ' ')
        r->subject.len--;
    if (scc_buf_append(&r->subject, "", 0))
        goto done;
    if (o->test) {
        scc_buf t;
        scc_buf_init(&t);
        if (put(&t, "[Test] ") || put(&t, r->subject.data)) {
            scc_buf_free(&t);
            goto done;
        }
        scc_buf_free(&r->subject);
        r->subject = t;
    }
    rc = 0;
done:
    if (view)
        yajl_tree_free(view);
    for (size_t i = 0; i < pp.n; i++) {
        free(pp.name[i]);
        scc_buf_free(&pp.src[i]);
    }
    scc_buf_free(&body);
    scc_buf_free(&viewtext);
    return rc;
}
