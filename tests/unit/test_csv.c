/*
 * test_csv.c - worker/csv.c: RFC 4180 fields and whole tables from a
 * report's JSON (CRLF after every record, quotes doubled, quoting only
 * when needed, formula-looking text guarded, numbers verbatim, null
 * empty), and the shapes it refuses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <yajl/yajl_tree.h>

#include "csv.h"

static char *field(const char *s)
{
    static scc_buf b;
    scc_buf_reset(&b);
    assert_int_equal(scc_csv_field(&b, s, strlen(s)), 0);
    return b.data ? b.data : "";
}

static void test_fields(void **state)
{
    (void)state;
    assert_string_equal(field("plain"), "plain");
    assert_string_equal(field(""), "");
    assert_string_equal(field("a,b"), "\"a,b\"");
    assert_string_equal(field("say \"hi\""), "\"say \"\"hi\"\"\"");
    assert_string_equal(field("\""), "\"\"\"\"");
    assert_string_equal(field("two\r\nlines"), "\"two\r\nlines\"");
    assert_string_equal(field("line\nfeed"), "\"line\nfeed\"");
    assert_string_equal(field("caf\xC3\xA9 \xE2\x96\x88"), "caf\xC3\xA9 \xE2\x96\x88");   /* UTF-8 as it is */
    /* formula-looking text: an apostrophe first (as scc.csv_text) */
    assert_string_equal(field("=SUM(A1)"), "'=SUM(A1)");
    assert_string_equal(field("+1"), "'+1");
    assert_string_equal(field("-2"), "'-2");
    assert_string_equal(field("@cmd"), "'@cmd");
    assert_string_equal(field("=a,\"b\""), "\"'=a,\"\"b\"\"\"");
    assert_string_equal(field("a=b"), "a=b");
}

static char *table(const char *json, int *rc, char *err, size_t errlen)
{
    static scc_buf b;
    char perr[128];
    yajl_val v = yajl_tree_parse(json, perr, sizeof(perr));
    assert_non_null(v);
    scc_buf_reset(&b);
    *rc = scc_csv_table(&b, v, err, errlen);
    yajl_tree_free(v);
    return b.data ? b.data : "";
}

static void test_table(void **state)
{
    (void)state;
    int rc;
    char err[128] = "";
    const char *out = table("{\"columns\":[\"date\",\"boat\",\"n\",\"ratio\",\"note\"],"
                            "\"rows\":[[\"2026-02-03\",\"Alpha, the \\\"first\\\"\",3,0.1250,null],"
                            "[\"2026-02-04\",\"=cmd\",-5,1e3,true]]}", &rc, err, sizeof(err));
    assert_int_equal(rc, 0);
    assert_string_equal(out,
        "date,boat,n,ratio,note\r\n"
        "2026-02-03,\"Alpha, the \"\"first\"\"\",3,0.1250,\r\n"
        "2026-02-04,'=cmd,-5,1e3,true\r\n");
    out = table("{\"columns\":[\"section\"],\"rows\":[]}", &rc, err, sizeof(err));
    assert_int_equal(rc, 0);
    assert_string_equal(out, "section\r\n");
}

static void test_refused(void **state)
{
    (void)state;
    int rc;
    char err[128];
    table("{\"columns\":[\"a\",\"b\"],\"rows\":[[1]]}", &rc, err, sizeof(err));
    assert_int_equal(rc, -1);
    assert_string_equal(err, "csv: row 1 does not have 2 fields");
    table("{\"columns\":[\"a\"],\"rows\":[[{\"x\":1}]]}", &rc, err, sizeof(err));
    assert_int_equal(rc, -1);
    assert_string_equal(err, "csv: row 1 field 1 is not a scalar");
    table("{\"columns\":[],\"rows\":[]}", &rc, err, sizeof(err));
    assert_int_equal(rc, -1);
    table("{\"rows\":[]}", &rc, err, sizeof(err));
    assert_int_equal(rc, -1);
    table("{\"columns\":[1],\"rows\":[]}", &rc, err, sizeof(err));
    assert_int_equal(rc, -1);
    assert_string_equal(err, "csv: column 1 is not a string");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
