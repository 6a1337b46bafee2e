/*
 * Request body validation (ngx_http_scc_json.c): one well-formed UTF-8
 * JSON object, at most 32 levels deep, nothing before or after it.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <stdlib.h>
#include <cmocka.h>

#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_http_scc_json.h"


static ngx_int_t
check(const char *body, size_t len, u_char *err)
{
    return ngx_http_scc_json_check((u_char *) body, len,
                                   NGX_HTTP_SCC_JSON_MAX_DEPTH, err);
}

#define CHECK(s, err)  check(s, sizeof(s) - 1, err)


static void
test_accepts_objects(void **state)
{
    u_char  err[NGX_HTTP_SCC_JSON_ERR_LEN];

    assert_int_equal(CHECK("{}", err), NGX_OK);
    assert_int_equal(CHECK(" {\"a\": 1} \n", err), NGX_OK);
    assert_int_equal(CHECK("{\"a\":[1,2.5,-3e9,true,false,null,\"x\"],"
                           "\"b\":{\"c\":{}}}", err), NGX_OK);
    assert_int_equal(CHECK("{\"name\":\"Gr\xc3\xbc\xc3\x9f Gott \xe2\x9b\xb5\"}",
                           err), NGX_OK);
    assert_int_equal(CHECK("{\"e\":\"\\u00e9\\n\\\"\"}", err), NGX_OK);
}


static void
test_refuses_non_objects(void **state)
{
    u_char  err[NGX_HTTP_SCC_JSON_ERR_LEN];

    assert_int_equal(CHECK("[]", err), NGX_DECLINED);
    assert_string_equal((char *) err, "request body must be a JSON object");
    assert_int_equal(CHECK("\"x\"", err), NGX_DECLINED);
    assert_int_equal(CHECK("1", err), NGX_DECLINED);
    assert_int_equal(CHECK("null", err), NGX_DECLINED);
    assert_int_equal(CHECK("true", err), NGX_DECLINED);
    assert_string_equal((char *) err, "request body must be a JSON object");
}


static void
test_refuses_empty(void **state)
{
    u_char  err[NGX_HTTP_SCC_JSON_ERR_LEN];

    assert_int_equal(check("", 0, err), NGX_DECLINED);
    assert_non_null(strstr((char *) err, "empty"));
    assert_int_equal(CHECK("   ", err), NGX_DECLINED);
}


static void
test_refuses_malformed(void **state)
{
    u_char       err[NGX_HTTP_SCC_JSON_ERR_LEN];
    ngx_uint_t   i;

    static const char  *bad[] = {
        "{",
        "{\"a\":}",
        "{\"a\":1,}",
        "{'a':1}",
        "{a:1}",
        "{\"a\":1}{}",
        "{\"a\":1} x",
        "{\"a\":01}",
        "{\"a\":NaN}",
        "{\"a\":\"\\x\"}",
        "{\"a\":1 /* c */}",
        "{\"a\":\"line\nbreak\"}",
    };

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(check(bad[i], strlen(bad[i]), err), NGX_DECLINED);
        assert_true(strncmp((char *) err, "request body is not JSON: ", 26)
                    == 0);
        assert_true(strlen((char *) err) < NGX_HTTP_SCC_JSON_ERR_LEN);
    }
}


static void
test_refuses_bad_utf8(void **state)
{
    u_char  err[NGX_HTTP_SCC_JSON_ERR_LEN];

    /* a lone continuation byte, an overlong '/', a truncated sequence */
    assert_int_equal(CHECK("{\"a\":\"\x80\"}", err), NGX_DECLINED);
    assert_int_equal(CHECK("{\"a\":\"\xc0\xaf\"}", err), NGX_DECLINED);
    assert_int_equal(CHECK("{\"a\":\"\xe2\x9b\"}", err), NGX_DECLINED);
    assert_int_equal(CHECK("{\"\xff\":1}", err), NGX_DECLINED);

    /* an encoded surrogate, a code point above U+10FFFF, overlong 3-byte */
    assert_int_equal(CHECK("{\"a\":\"\xed\xa0\x80\"}", err), NGX_DECLINED);
    assert_int_equal(CHECK("{\"a\":\"\xf4\x90\x80\x80\"}", err),
                     NGX_DECLINED);
    assert_int_equal(CHECK("{\"a\":\"\xe0\x80\xaf\"}", err), NGX_DECLINED);
    assert_string_equal((char *) err, "request body is not valid UTF-8");

    /* the highest code points of each length pass */
    assert_int_equal(CHECK("{\"a\":\"\xdf\xbf\xef\xbf\xbf\xf4\x8f\xbf\xbf"
                           "\xf0\x9f\x8c\x8a\"}", err), NGX_OK);
}


static void
test_depth(void **state)
{
    u_char      err[NGX_HTTP_SCC_JSON_ERR_LEN];
    char        buf[256];
    size_t      n;
    ngx_uint_t  depth, i;

    for (depth = 30; depth <= 34; depth++) {

        /* depth levels: {"a":{"a":...[]...}} mixing objects and arrays */

        n = 0;
        for (i = 0; i < depth; i++) {
            if (i == 0 || i % 2) {
                n += sprintf(buf + n, "{\"a\":");
            } else {
                n += sprintf(buf + n, "[");
            }
        }
        n += sprintf(buf + n, "1");
        for (i = depth; i-- > 0; ) {
            buf[n++] = (i == 0 || i % 2) ? '}' : ']';
        }

        if (depth <= NGX_HTTP_SCC_JSON_MAX_DEPTH) {
            assert_int_equal(check(buf, n, err), NGX_OK);

        } else {
            assert_int_equal(check(buf, n, err), NGX_DECLINED);
            assert_non_null(strstr((char *) err, "deeper"));
        }
    }
}


static void
test_deep_nesting_does_not_crash(void **state)
{
    u_char  err[NGX_HTTP_SCC_JSON_ERR_LEN];
    char   *buf;
    size_t  n, i;

    n = 1000000;
    buf = malloc(n);
    assert_non_null(buf);

    buf[0] = '{';
    buf[1] = '"';
    buf[2] = '"';
    buf[3] = ':';
    for (i = 4; i < n; i++) {
        buf[i] = '[';
    }

    assert_int_equal(check(buf, n, err), NGX_DECLINED);
    free(buf);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accepts_objects),
        cmocka_unit_test(test_refuses_non_objects),
        cmocka_unit_test(test_refuses_empty),
        cmocka_unit_test(test_refuses_malformed),
        cmocka_unit_test(test_refuses_bad_utf8),
        cmocka_unit_test(test_depth),
        cmocka_unit_test(test_deep_nesting_does_not_crash),
    };

    return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
