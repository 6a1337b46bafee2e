/*
 * test_report_format.c - worker/report_format.c: figures by unit (currency
 * from cents with thousands separators, ratios as percentages, n/a for
 * null), the text bar chart in eighths of a block, the trend line of small
 * bars, and UTF-8 counting; plus worker/report_text.c's text body: every
 * line within 78 characters, bars and trends where they belong.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <yajl/yajl_tree.h>

#include "report_format.h"
#include "report_text.h"

static const char *f(const char *json, const char *unit)
{
    static char buf[128];
    char perr[64];
    yajl_val v = yajl_tree_parse(json, perr, sizeof(perr));
    assert_non_null(v);
    scc_report_format(v, unit, buf, sizeof(buf));
    yajl_tree_free(v);
    return buf;
}

static void test_values(void **state)
{
    (void)state;
    assert_string_equal(f("null", "cents"), "n/a");
    assert_string_equal(f("null", "ratio"), "n/a");
    assert_string_equal(f("123456789", "cents"), "$1,234,567.89");
    assert_string_equal(f("0", "cents"), "$0.00");
    assert_string_equal(f("-5", "cents"), "-$0.05");
    assert_string_equal(f("-100000", "cents"), "-$1,000.00");
    assert_string_equal(f("99", "cents"), "$0.99");
    assert_string_equal(f("1234", "count"), "1,234");
    assert_string_equal(f("1234567", "count"), "1,234,567");
    assert_string_equal(f("0", "count"), "0");
    assert_string_equal(f("0.1250", "ratio"), "12.5%");
    assert_string_equal(f("1", "ratio"), "100.0%");
    assert_string_equal(f("0", "ratio"), "0.0%");
    assert_string_equal(f("0.33333", "ratio"), "33.3%");
    assert_string_equal(f("-0.0001", "ratio"), "0.0%");
    assert_string_equal(f("12.5", "percent"), "12.5%");
    assert_string_equal(f("56", "days"), "56 days");
    assert_string_equal(f("1", "days"), "1 day");
    assert_string_equal(f("2.5", "days"), "2.5 days");
    assert_string_equal(f("3.5", "hours"), "3.5 h");
    assert_string_equal(f("1234.5", "nm"), "1,234.5 nm");
    assert_string_equal(f("6.26", "knots"), "6.3 kn");
    assert_string_equal(f("\"Alpha\"", "text"), "Alpha");
    assert_string_equal(f("\"2026-02-03\"", "date"), "2026-02-03");
}

static const char *bar(double v, double max, int width, int *cells)
{
    static scc_buf b;
    scc_buf_reset(&b);
    *cells = scc_chart_bar(&b, v, max, width);
    return b.data ? b.data : "";
}

static void test_bars(void **state)
{
    (void)state;
    int n;
    assert_string_equal(bar(10, 10, 4, &n), "\xE2\x96\x88\xE2\x96\x88\xE2\x96\x88\xE2\x96\x88");
    assert_int_equal(n, 4);
    assert_string_equal(bar(5, 10, 4, &n), "\xE2\x96\x88\xE2\x96\x88");                 /* ██ */
    assert_int_equal(n, 2);
    assert_string_equal(bar(1, 8, 1, &n), "\xE2\x96\x8F");                            /* ▏ 1/8 */
    assert_string_equal(bar(3, 8, 1, &n), "\xE2\x96\x8D");                            /* ▍ 3/8 */
    assert_string_equal(bar(7, 8, 1, &n), "\xE2\x96\x89");                            /* ▉ 7/8 */
    assert_string_equal(bar(9, 16, 2, &n), "\xE2\x96\x88\xE2\x96\x8F");               /* █▏ */
    assert_int_equal(n, 2);
    assert_string_equal(bar(0.001, 100, 40, &n), "\xE2\x96\x8F");                     /* too small to show: ▏ */
    assert_string_equal(bar(0, 10, 40, &n), "");
    assert_int_equal(n, 0);
    assert_string_equal(bar(5, 0, 40, &n), "");                                       /* no scale */
    assert_string_equal(bar(-3, 10, 40, &n), "");
    assert_string_equal(bar(20, 10, 2, &n), "\xE2\x96\x88\xE2\x96\x88");              /* capped at max */
}

static void test_spark(void **state)
{
    (void)state;
    scc_buf b;
    scc_buf_init(&b);
    double v[] = { 0, 1, 2, 3, 4, 5, 6, 7 };
    assert_int_equal(scc_chart_spark(&b, v, 8), 0);
    assert_string_equal(b.data, "\xE2\x96\x81\xE2\x96\x82\xE2\x96\x83\xE2\x96\x84"
                                "\xE2\x96\x85\xE2\x96\x86\xE2\x96\x87\xE2\x96\x88");   /* ▁▂▃▄▅▆▇█ */
    scc_buf_reset(&b);
    double z[] = { 0, 0, 0 };
    assert_int_equal(scc_chart_spark(&b, z, 3), 0);
    assert_string_equal(b.data, "\xE2\x96\x81\xE2\x96\x81\xE2\x96\x81");
    assert_int_equal(scc_utf8_len(b.data, b.len), 3);
    scc_buf_free(&b);
}

static void test_utf8(void **state)
{
    (void)state;
    const char *s = "a\xC3\xA9\xE2\x96\x88z";   /* aé█z */
    assert_int_equal(scc_utf8_len(s, strlen(s)), 4);
    assert_int_equal(scc_utf8_prefix(s, strlen(s), 2), 3);
    assert_int_equal(scc_utf8_prefix(s, strlen(s), 3), 6);
    assert_int_equal(scc_utf8_prefix(s, strlen(s), 10), strlen(s));
}

static void test_text_body(void **state)
{
    (void)state;
    const char *json =
        "{\"kind\":\"ceo\",\"sections\":["
        "{\"id\":\"a\",\"title\":\"Charter operations\",\"figures\":["
        "{\"id\":\"u\",\"label\":\"Utilisation\",\"value\":0.125,\"unit\":\"ratio\","
        "\"formula\":\"sailed boat-days / available boat-days, a formula long enough to be "
        "wrapped over two lines of text in the email\"},"
        "{\"id\":\"r\",\"label\":\"Revenue\",\"value\":123456789,\"unit\":\"cents\"},"
        "{\"id\":\"w\",\"label\":\"Waivers\",\"value\":null,\"unit\":\"ratio\"}],"
        "\"table\":{\"columns\":[{\"label\":\"Event\",\"unit\":\"text\"},{\"label\":\"Guests\",\"unit\":\"count\"}],"
        "\"rows\":[[\"A very long event title that would never fit in one column of a plain text "
        "table in an email\",1200]]},"
        "\"chart\":{\"type\":\"bar\",\"title\":\"By state\",\"unit\":\"count\",\"bars\":["
        "{\"label\":\"closed\",\"value\":4},{\"label\":\"cancelled\",\"value\":1},{\"label\":\"draft\",\"value\":0}]}},"
        "{\"id\":\"t\",\"title\":\"Trend\",\"figures\":[],\"chart\":{\"type\":\"trend\",\"unit\":\"count\","
        "\"points\":[{\"label\":\"2026-02-01\",\"value\":0},{\"label\":\"2026-02-02\",\"value\":2}]}},"
        "{\"id\":\"p\",\"title\":\"Cash\",\"pending\":\"ledger\",\"figures\":[]}]}";
    char perr[128];
    yajl_val v = yajl_tree_parse(json, perr, sizeof(perr));
    assert_non_null(v);
    scc_buf b;
    scc_buf_init(&b);
    assert_int_equal(scc_report_text_body(v, &b), 0);
    yajl_tree_free(v);
    /* every line within 78 characters */
    const char *p = b.data;
    while (*p) {
        size_t n = strcspn(p, "\n");
        if (scc_utf8_len(p, n) > 78)
            fail_msg("a line of %zu characters: %.*s", scc_utf8_len(p, n), (int)n, p);
        p += n + (p[n] == '\n');
    }
    assert_non_null(strstr(b.data, "  Utilisation"));
    assert_non_null(strstr(b.data, "12.5%\n"));
    assert_non_null(strstr(b.data, "$1,234,567.89\n"));
    assert_non_null(strstr(b.data, "n/a\n"));
    assert_non_null(strstr(b.data, "\xE2\x80\xA6"));                                  /* a cell cut with … */
    assert_non_null(strstr(b.data, "1,200\n"));
    /* closed: the longest bar (40 cells); cancelled a quarter of it (10) */
    assert_non_null(strstr(b.data, "  closed     " "\xE2\x96\x88\xE2\x96\x88\xE2\x96\x88"));
    assert_non_null(strstr(b.data, "  \xE2\x96\x81\xE2\x96\x88\n"));                 /* ▁█ */
    assert_non_null(strstr(b.data, "Awaiting data: ledger"));
    scc_buf_free(&b);
}

/* a table of many money columns cannot fit 78 characters even with its
 * text cut: each row becomes a record, a value a line under its label */
static void test_text_records(void **state)
{
    (void)state;
    const char *json =
        "{\"kind\":\"cfo\",\"sections\":[{\"id\":\"t\",\"title\":\"Targets\",\"figures\":[],"
        "\"table\":{\"columns\":[{\"label\":\"Entity\",\"unit\":\"text\"},"
        "{\"label\":\"Revenue\",\"unit\":\"cents\"},{\"label\":\"Target\",\"unit\":\"cents\"},"
        "{\"label\":\"Of target\",\"unit\":\"ratio\"},{\"label\":\"Expenses\",\"unit\":\"cents\"},"
        "{\"label\":\"Budget\",\"unit\":\"cents\"},{\"label\":\"Of budget\",\"unit\":\"ratio\"}],"
        "\"rows\":[[\"Charter operation (JADA, Queen of San Diego)\",123456789,100000000,1.2346,"
        "98765432,90000000,1.0974]]}}]}";
    char perr[128];
    yajl_val v = yajl_tree_parse(json, perr, sizeof(perr));
    assert_non_null(v);
    scc_buf b;
    scc_buf_init(&b);
    assert_int_equal(scc_report_text_body(v, &b), 0);
    yajl_tree_free(v);
    const char *p = b.data;
    while (*p) {
        size_t n = strcspn(p, "\n");
        if (scc_utf8_len(p, n) > 78)
            fail_msg("a line of %zu characters: %.*s", scc_utf8_len(p, n), (int)n, p);
        p += n + (p[n] == '\n');
    }
    assert_non_null(strstr(b.data, "  Charter operation (JADA, Queen of San Diego)\n"));
    assert_non_null(strstr(b.data, "    Revenue    $1,234,567.89\n"));
    assert_non_null(strstr(b.data, "    Of budget  109.7%\n"));
    scc_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_bars),
        cmocka_unit_test(test_spark),
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_text_body),
        cmocka_unit_test(test_text_records),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
