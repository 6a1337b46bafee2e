/*
 * report_format.c — values by unit and text charts (see report_format.h).
 *
 * This file must never touch the database, read files or log.
 */
#include "report_format.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "1234567" -> "1,234,567" (digits only, no sign) into dst. */
static void group(const char *digits, char *dst, size_t len)
{
    size_t n = strlen(digits), o = 0;
    for (size_t i = 0; i < n && o + 1 < len; i++) {
        if (i > 0 && (n - i) % 3 == 0 && o + 2 < len)
            dst[o++] = ',';
        dst[o++] = digits[i];
    }
    dst[o] = '\0';
}

/* x with `decimals` places (0 or 1 or 2), thousands grouped, into buf;
 * decimals < 0: one place unless whole. */
static size_t number(double x, int decimals, const char *prefix, const char *suffix,
                     char *buf, size_t len)
{
    char   raw[64], ip[64], grouped[96];
    int    neg = x < 0;
    double a = fabs(x);

    if (decimals < 0)
        decimals = fabs(a - round(a)) < 0.05 ? 0 : 1;
    snprintf(raw, sizeof(raw), "%.*f", decimals, a);
    char *dot = strchr(raw, '.');
    snprintf(ip, sizeof(ip), "%.*s", dot ? (int)(dot - raw) : (int)strlen(raw), raw);
    group(ip, grouped, sizeof(grouped));
    /* "-0.0" is not a number anyone wants to read */
    if (neg && strspn(raw, "0.") == strlen(raw))
        neg = 0;
    int n = snprintf(buf, len, "%s%s%s%s%s", neg ? "-" : "", prefix, grouped, dot ? dot : "",
                     suffix);
    return n < 0 ? 0 : ((size_t)n < len ? (size_t)n : len - 1);
}

size_t scc_report_format(yajl_val v, const char *unit, char *buf, size_t len)
{
    int n;

    if (len == 0)
        return 0;
    if (v == NULL || YAJL_IS_NULL(v)) {
        n = snprintf(buf, len, "n/a");
        return (size_t)n < len ? (size_t)n : len - 1;
    }
    if (YAJL_IS_STRING(v)) {
        n = snprintf(buf, len, "%s", v->u.string);
        return (size_t)n < len ? (size_t)n : len - 1;
    }
    if (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v)) {
        n = snprintf(buf, len, "%s", YAJL_IS_TRUE(v) ? "yes" : "no");
        return (size_t)n < len ? (size_t)n : len - 1;
    }
    if (!YAJL_IS_NUMBER(v)) {
        buf[0] = '\0';
        return 0;
    }
    double x = strtod(v->u.number.r, NULL);
    if (unit == NULL)
        unit = "";
    if (strcmp(unit, "cents") == 0) {
        /* integer cents: exact with integers, whatever the size */
        long long c = llround(x);
        unsigned long long a = c < 0 ? (unsigned long long)(-(c + 1)) + 1 : (unsigned long long)c;
        char digits[32], grouped[48];
        snprintf(digits, sizeof(digits), "%llu", a / 100);
        group(digits, grouped, sizeof(grouped));
        n = snprintf(buf, len, "%s$%s.%02llu", c < 0 ? "-" : "", grouped, a % 100);
        return n < 0 ? 0 : ((size_t)n < len ? (size_t)n : len - 1);
    }
    if (strcmp(unit, "ratio") == 0)
        return number(x * 100, 1, "", "%", buf, len);
    if (strcmp(unit, "percent") == 0)
        return number(x, 1, "", "%", buf, len);
    if (strcmp(unit, "count") == 0)
        return number(x, fabs(x - round(x)) < 1e-9 ? 0 : 1, "", "", buf, len);
    if (strcmp(unit, "days") == 0)
        return number(x, -1, "", fabs(x - 1) < 1e-9 ? " day" : " days", buf, len);
    if (strcmp(unit, "hours") == 0)
        return number(x, -1, "", " h", buf, len);
    if (strcmp(unit, "nm") == 0)
        return number(x, -1, "", " nm", buf, len);
    if (strcmp(unit, "knots") == 0)
        return number(x, 1, "", " kn", buf, len);
    n = snprintf(buf, len, "%s", v->u.number.r);
    return (size_t)n < len ? (size_t)n : len - 1;
}

yajl_val scc_report_get(yajl_val v, const char *key, yajl_type t)
{
    const char *path[] = { key, NULL };
    return v ? yajl_tree_get(v, path, t) : NULL;
}

const char *scc_report_str(yajl_val v, const char *key)
{
    yajl_val s = scc_report_get(v, key, yajl_t_string);
    return s ? s->u.string : NULL;
}

double scc_report_num(yajl_val v)
{
    return v && YAJL_IS_NUMBER(v) ? strtod(v->u.number.r, NULL) : 0;
}

int scc_report_right_aligned(const char *unit)
{
    return unit && strcmp(unit, "text") != 0 && strcmp(unit, "date") != 0;
}

size_t scc_utf8_len(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            c++;
    return c;
}

size_t scc_utf8_prefix(const char *s, size_t n, size_t chars)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++) {
        if (((unsigned char)s[i] & 0xC0) != 0x80) {
            if (c == chars)
                return i;
            c++;
        }
    }
    return n;
}

/* U+2588 FULL BLOCK, then U+2589..U+258F: 7/8 down to 1/8. */
static const char *const eighths[8] = {
    "", "\xE2\x96\x8F", "\xE2\x96\x8E", "\xE2\x96\x8D", "\xE2\x96\x8C",
    "\xE2\x96\x8B", "\xE2\x96\x8A", "\xE2\x96\x89",
};
#define FULL_BLOCK "\xE2\x96\x88"

int scc_chart_bar(scc_buf *out, double value, double max, int width)
{
    if (!(value > 0) || !(max > 0) || width <= 0)
        return 0;
    if (value > max)
        value = max;
    long parts = lround(value / max * width * 8);
    if (parts < 1)
        parts = 1;
    int cells = 0;
    for (long i = 0; i < parts / 8; i++, cells++)
        if (scc_buf_append(out, FULL_BLOCK, 3))
            return -1;
    if (parts % 8) {
        if (scc_buf_append(out, eighths[parts % 8], 3))
            return -1;
        cells++;
    }
    return cells;
}

/* U+2581 LOWER ONE EIGHTH BLOCK .. U+2588 FULL BLOCK */
int scc_chart_spark(scc_buf *out, const double *v, size_t n)
{
    double max = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i] > max)
            max = v[i];
    for (size_t i = 0; i < n; i++) {
        long level = max > 0 && v[i] > 0 ? lround(v[i] / max * 7) : 0;
        char ch[4] = { '\xE2', '\x96', (char)(0x81 + level), '\0' };
        if (scc_buf_append(out, ch, 3))
            return -1;
    }
    return 0;
}
