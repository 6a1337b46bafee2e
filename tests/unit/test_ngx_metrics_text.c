
/*
 * The module's Prometheus text writer (ngx_http_scc_metrics_text.c): the
 * lines exactly as the format says, escaping, numbers in thousandths, a
 * histogram's cumulative buckets, and that no writer ever goes past the
 * length its *_len() function promised (a guard byte after the text).
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_http_scc_metrics_text.h"


#define GUARD  0xA5


static u_char  buf[16384];


/* the buffer holds exactly len bytes of room, then guard bytes */

static void
room(size_t len)
{
    assert_true(len < sizeof(buf));
    memset(buf, GUARD, sizeof(buf));
    (void) len;
}


static void
assert_text(u_char *end, size_t len, const char *want)
{
    assert_true((size_t) (end - buf) <= len);
    assert_int_equal(buf[len], GUARD);
    assert_int_equal((size_t) (end - buf), strlen(want));
    assert_memory_equal(buf, want, strlen(want));
}


static void
test_head(void **state)
{
    size_t     len;
    u_char    *p;
    ngx_str_t  name = ngx_string("scc_x_total");
    ngx_str_t  help = ngx_string("Back\\slash and\nnewline, \"quotes\" kept.");
    ngx_str_t  type = ngx_string("counter");

    len = ngx_http_scc_metrics_head_len(&name, &help, &type);
    room(len);
    p = ngx_http_scc_metrics_head(buf, &name, &help, &type);

    assert_text(p, len,
                "# HELP scc_x_total Back\\\\slash and\\nnewline, "
                "\"quotes\" kept.\n"
                "# TYPE scc_x_total counter\n");
}


static void
test_sample(void **state)
{
    size_t                        len;
    u_char                       *p;
    ngx_str_t                     name = ngx_string("scc_requests_total");
    ngx_http_scc_metrics_label_t  labels[2] = {
        { ngx_string("route"), ngx_string("/api/events/:id") },
        { ngx_string("odd"), ngx_string("a\"b\\c\nd") }
    };

    /* no label: no braces */
    len = ngx_http_scc_metrics_sample_len(&name, NULL, 0);
    room(len);
    p = ngx_http_scc_metrics_sample(buf, &name, NULL, 0, 0);
    assert_text(p, len, "scc_requests_total 0\n");

    len = ngx_http_scc_metrics_sample_len(&name, labels, 2);
    room(len);
    p = ngx_http_scc_metrics_sample(buf, &name, labels, 2,
                                    18446744073709551615ULL);
    assert_text(p, len,
                "scc_requests_total{route=\"/api/events/:id\","
                "odd=\"a\\\"b\\\\c\\nd\"} 18446744073709551615\n");
}


static void
test_number(void **state)
{
    u_char  *p;

    static const struct {
        uint64_t     v;
        ngx_uint_t   thousandths;
        const char  *want;
    } cases[] = {
        { 0, 0, "0" },
        { 42, 0, "42" },
        { 0, 1, "0" },
        { 5, 1, "0.005" },
        { 10, 1, "0.01" },
        { 250, 1, "0.25" },
        { 1000, 1, "1" },
        { 2500, 1, "2.5" },
        { 10000, 1, "10" },
        { 1234567, 1, "1234.567" },
        { 18446744073709551615ULL, 1, "18446744073709551.615" },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        memset(buf, GUARD, sizeof(buf));
        p = ngx_http_scc_metrics_number(buf, cases[i].v,
                                        cases[i].thousandths);
        assert_true(p - buf <= 24);
        assert_int_equal((size_t) (p - buf), strlen(cases[i].want));
        assert_memory_equal(buf, cases[i].want, strlen(cases[i].want));
    }
}


static void
test_histogram(void **state)
{
    size_t                        len;
    u_char                       *p;
    ngx_str_t                     name = ngx_string("scc_d_seconds");
    ngx_http_scc_metrics_label_t  labels[1] = {
        { ngx_string("route"), ngx_string("/api/health") }
    };

    static const ngx_uint_t  bounds[] = { 5, 250, 1000 };
    static const uint64_t    counts[] = { 2, 0, 3, 1 };

    len = ngx_http_scc_metrics_histogram_len(&name, labels, 1, 3);
    room(len);
    p = ngx_http_scc_metrics_histogram(buf, &name, labels, 1, bounds, 3,
                                       counts, 12345);

    assert_text(p, len,
        "scc_d_seconds_bucket{route=\"/api/health\",le=\"0.005\"} 2\n"
        "scc_d_seconds_bucket{route=\"/api/health\",le=\"0.25\"} 2\n"
        "scc_d_seconds_bucket{route=\"/api/health\",le=\"1\"} 5\n"
        "scc_d_seconds_bucket{route=\"/api/health\",le=\"+Inf\"} 6\n"
        "scc_d_seconds_sum{route=\"/api/health\"} 12.345\n"
        "scc_d_seconds_count{route=\"/api/health\"} 6\n");

    /* without labels, le is the only one */
    len = ngx_http_scc_metrics_histogram_len(&name, NULL, 0, 1);
    room(len);
    p = ngx_http_scc_metrics_histogram(buf, &name, NULL, 0, bounds, 1,
                                       counts, 0);

    assert_text(p, len,
        "scc_d_seconds_bucket{le=\"0.005\"} 2\n"
        "scc_d_seconds_bucket{le=\"+Inf\"} 2\n"
        "scc_d_seconds_sum 0\n"
        "scc_d_seconds_count 2\n");
}


/* the worst case of every byte: the bounds still hold */

static void
test_worst_case_fits(void **state)
{
    size_t                        len;
    u_char                       *p, value[200];
    ngx_str_t                     name = ngx_string("n");
    ngx_http_scc_metrics_label_t  labels[3];

    static const ngx_uint_t  bounds[] = { 18446744073709551615ULL };
    static const uint64_t    counts[] = { 18446744073709551615ULL, 0 };

    memset(value, '"', sizeof(value));

    for (ngx_uint_t i = 0; i < 3; i++) {
        ngx_str_set(&labels[i].name, "l");
        labels[i].value.data = value;
        labels[i].value.len = sizeof(value);
    }

    len = ngx_http_scc_metrics_sample_len(&name, labels, 3);
    room(len);
    p = ngx_http_scc_metrics_sample(buf, &name, labels, 3,
                                    18446744073709551615ULL);
    assert_true((size_t) (p - buf) <= len);
    assert_int_equal(buf[len], GUARD);

    len = ngx_http_scc_metrics_histogram_len(&name, labels, 3, 1);
    room(len);
    p = ngx_http_scc_metrics_histogram(buf, &name, labels, 3, bounds, 1,
                                       counts, 18446744073709551615ULL);
    assert_true((size_t) (p - buf) <= len);
    assert_int_equal(buf[len], GUARD);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_head),
        cmocka_unit_test(test_sample),
        cmocka_unit_test(test_number),
        cmocka_unit_test(test_histogram),
        cmocka_unit_test(test_worst_case_fits),
    };

    return cmocka_run_group_tests_name("metrics_text", tests, NULL, NULL);
}
