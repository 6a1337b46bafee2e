/*
 * Route matching (ngx_http_scc_route.c): exact paths, :params, 404 versus
 * 405 with the methods a path allows, HEAD as GET, and the table's own
 * consistency.  The table under test is the real one; the synthetic
 * patterns below exercise the matcher on shapes the table will grow.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_scc_route.h"


static ngx_int_t
match(const char *path, ngx_uint_t method, ngx_http_scc_match_t *m)
{
    ngx_str_t  p;

    p.data = (u_char *) path;
    p.len = strlen(path);

    return ngx_http_scc_route_match(&p, method, m);
}


static void
test_health(void **state)
{
    ngx_http_scc_match_t  m;

    assert_int_equal(match("/api/health", NGX_HTTP_GET, &m), NGX_OK);
    assert_non_null(m.route);
    assert_memory_equal(m.route->function.data, "scc_api.health", 14);
    assert_int_equal(m.nparams, 0);
    assert_true(m.route->flags & NGX_HTTP_SCC_PUBLIC);
    assert_ptr_equal(m.route, &ngx_http_scc_routes[m.index]);

    /* HEAD is answered like GET */
    assert_int_equal(match("/api/health", NGX_HTTP_HEAD, &m), NGX_OK);
}


static void
test_not_found(void **state)
{
    ngx_http_scc_match_t  m;

    assert_int_equal(match("/api/healthz", NGX_HTTP_GET, &m), NGX_DECLINED);
    assert_int_equal(match("/api/health/", NGX_HTTP_GET, &m), NGX_DECLINED);
    assert_int_equal(match("/api/healt", NGX_HTTP_GET, &m), NGX_DECLINED);
    assert_int_equal(match("/api/", NGX_HTTP_GET, &m), NGX_DECLINED);
    assert_int_equal(match("", NGX_HTTP_GET, &m), NGX_DECLINED);
    assert_int_equal(match("/API/HEALTH", NGX_HTTP_GET, &m), NGX_DECLINED);
    assert_null(m.route);
}


static void
test_method_not_allowed(void **state)
{
    u_char                buf[NGX_HTTP_SCC_ALLOW_LEN];
    size_t                n;
    ngx_http_scc_match_t  m;

    assert_int_equal(match("/api/health", NGX_HTTP_POST, &m), NGX_ABORT);
    assert_int_equal(m.allow, NGX_HTTP_GET);

    n = ngx_http_scc_route_allow(m.allow, buf);
    assert_int_equal(n, 3);
    assert_memory_equal(buf, "GET", 3);

    assert_int_equal(match("/api/health", NGX_HTTP_DELETE, &m), NGX_ABORT);
    assert_int_equal(match("/api/health", NGX_HTTP_OPTIONS, &m), NGX_ABORT);
}


static void
test_allow_list(void **state)
{
    u_char  buf[NGX_HTTP_SCC_ALLOW_LEN];
    size_t  n;

    n = ngx_http_scc_route_allow(NGX_HTTP_GET|NGX_HTTP_POST|NGX_HTTP_PUT
                                 |NGX_HTTP_PATCH|NGX_HTTP_DELETE, buf);
    assert_int_equal(n, strlen("GET, POST, PUT, PATCH, DELETE"));
    assert_memory_equal(buf, "GET, POST, PUT, PATCH, DELETE", n);

    assert_int_equal(ngx_http_scc_route_allow(0, buf), 0);
}


/* the matcher on patterns with parameters, through a scratch table */

/* Under a prefix no real route uses: the table now has /api/events rows
 * of its own, which the synthetic rows must not meet. */
static ngx_http_scc_route_t  synthetic[] = {
    { NGX_HTTP_GET, ngx_string("/api/synthetic/:id"),
      ngx_string("scc_api.event_get"), NGX_HTTP_SCC_LOCAL_NONE, 1, 0 },
    { NGX_HTTP_POST, ngx_string("/api/synthetic/:id/roles/:role/claim"),
      ngx_string("scc_api.role_claim"), NGX_HTTP_SCC_LOCAL_NONE, 1,
      NGX_HTTP_SCC_BODY },
    { NGX_HTTP_PATCH, ngx_string("/api/synthetic/:id"),
      ngx_string("scc_api.event_patch"), NGX_HTTP_SCC_LOCAL_NONE, 3,
      NGX_HTTP_SCC_BODY },
};


static void
test_params(void **state)
{
    ngx_str_t             p;
    ngx_http_scc_match_t  m;
    ngx_http_scc_route_t *r;
    ngx_uint_t            i;
    ngx_http_scc_route_t  keep;

    /*
     * The matcher reads the module's own table; to exercise the segment
     * logic on richer patterns, each synthetic row takes the place of the
     * first row in turn, and the row is put back afterwards.
     */
    keep = ngx_http_scc_routes[0];

    for (i = 0; i < 3; i++) {
        r = &ngx_http_scc_routes[0];
        *r = synthetic[i];

        switch (i) {
        case 0:
            p.data = (u_char *) "/api/synthetic/42";
            p.len = strlen((char *) p.data);
            assert_int_equal(ngx_http_scc_route_match(&p, NGX_HTTP_GET, &m),
                             NGX_OK);
            assert_int_equal(m.nparams, 1);
            assert_int_equal(m.params[0].name.len, 2);
            assert_memory_equal(m.params[0].name.data, "id", 2);
            assert_int_equal(m.params[0].value.len, 2);
            assert_memory_equal(m.params[0].value.data, "42", 2);

            /* an empty segment is no parameter */
            p.data = (u_char *) "/api/synthetic/";
            p.len = strlen((char *) p.data);
            assert_int_equal(ngx_http_scc_route_match(&p, NGX_HTTP_GET, &m),
                             NGX_DECLINED);

            /* a parameter never spans a slash */
            p.data = (u_char *) "/api/synthetic/4/2";
            p.len = strlen((char *) p.data);
            assert_int_equal(ngx_http_scc_route_match(&p, NGX_HTTP_GET, &m),
                             NGX_DECLINED);
            break;

        case 1:
            p.data = (u_char *) "/api/synthetic/abc-1/roles/crew/claim";
            p.len = strlen((char *) p.data);
            assert_int_equal(ngx_http_scc_route_match(&p, NGX_HTTP_POST, &m),
                             NGX_OK);
            assert_int_equal(m.nparams, 2);
            assert_memory_equal(m.params[0].value.data, "abc-1", 5);
            assert_int_equal(m.params[0].value.len, 5);
            assert_memory_equal(m.params[1].name.data, "role", 4);
            assert_memory_equal(m.params[1].value.data, "crew", 4);
            assert_int_equal(m.params[1].value.len, 4);

            p.data = (u_char *) "/api/synthetic/abc-1/roles/crew/claimx";
            p.len = strlen((char *) p.data);
            assert_int_equal(ngx_http_scc_route_match(&p, NGX_HTTP_POST, &m),
                             NGX_DECLINED);

            p.data = (u_char *) "/api/synthetic/abc-1/roles/crew";
            p.len = strlen((char *) p.data);
            assert_int_equal(ngx_http_scc_route_match(&p, NGX_HTTP_POST, &m),
                             NGX_DECLINED);
            break;

        case 2:
            p.data = (u_char *) "/api/synthetic/7";
            p.len = strlen((char *) p.data);
            assert_int_equal(ngx_http_scc_route_match(&p, NGX_HTTP_GET, &m),
                             NGX_ABORT);
            assert_int_equal(m.allow, NGX_HTTP_PATCH);
            break;
        }
    }

    ngx_http_scc_routes[0] = keep;
}


static void
test_table_is_consistent(void **state)
{
    ngx_str_t   err;
    ngx_uint_t  i, j;

    assert_int_equal(ngx_http_scc_route_check(&err), NGX_OK);

    /* no two rows share method and pattern */
    for (i = 0; i < ngx_http_scc_nroutes; i++) {
        for (j = i + 1; j < ngx_http_scc_nroutes; j++) {
            assert_false(ngx_http_scc_routes[i].method
                             == ngx_http_scc_routes[j].method
                         && ngx_http_scc_routes[i].pattern.len
                             == ngx_http_scc_routes[j].pattern.len
                         && memcmp(ngx_http_scc_routes[i].pattern.data,
                                   ngx_http_scc_routes[j].pattern.data,
                                   ngx_http_scc_routes[i].pattern.len) == 0);
        }
    }
}


static void
test_check_refuses_bad_rows(void **state)
{
    ngx_str_t             err;
    ngx_http_scc_route_t  keep;

    keep = ngx_http_scc_routes[0];

    ngx_str_set(&ngx_http_scc_routes[0].pattern, "/api/x/:");
    assert_int_equal(ngx_http_scc_route_check(&err), NGX_ERROR);

    ngx_str_set(&ngx_http_scc_routes[0].pattern, "/x/health");
    assert_int_equal(ngx_http_scc_route_check(&err), NGX_ERROR);

    ngx_str_set(&ngx_http_scc_routes[0].pattern, "/api/a:b");
    assert_int_equal(ngx_http_scc_route_check(&err), NGX_ERROR);

    ngx_http_scc_routes[0] = keep;
    ngx_str_set(&ngx_http_scc_routes[0].function, "public.health");
    assert_int_equal(ngx_http_scc_route_check(&err), NGX_ERROR);

    /* a row names one handler: an SQL function or a local one, not both */
    ngx_http_scc_routes[0] = keep;
    ngx_http_scc_routes[0].local = NGX_HTTP_SCC_LOCAL_ME;
    assert_int_equal(ngx_http_scc_route_check(&err), NGX_ERROR);

    /* nor neither */
    ngx_http_scc_routes[0] = keep;
    ngx_str_null(&ngx_http_scc_routes[0].function);
    assert_int_equal(ngx_http_scc_route_check(&err), NGX_ERROR);

    /* nor a local handler that does not exist */
    ngx_http_scc_routes[0] = keep;
    ngx_str_null(&ngx_http_scc_routes[0].function);
    ngx_http_scc_routes[0].local = NGX_HTTP_SCC_LOCAL_LAST;
    assert_int_equal(ngx_http_scc_route_check(&err), NGX_ERROR);

    ngx_http_scc_routes[0].local = NGX_HTTP_SCC_LOCAL_ME;
    assert_int_equal(ngx_http_scc_route_check(&err), NGX_OK);

    /* a local handler sends no file answer */
    ngx_http_scc_routes[0].flags |= NGX_HTTP_SCC_FILE;
    assert_int_equal(ngx_http_scc_route_check(&err), NGX_ERROR);

    /* nor does a file answer issue or clear tokens */
    ngx_http_scc_routes[0] = keep;
    ngx_http_scc_routes[0].flags |= NGX_HTTP_SCC_FILE;
    assert_int_equal(ngx_http_scc_route_check(&err), NGX_OK);
    ngx_http_scc_routes[0].flags |= NGX_HTTP_SCC_ISSUE;
    assert_int_equal(ngx_http_scc_route_check(&err), NGX_ERROR);
    ngx_http_scc_routes[0].flags &= ~NGX_HTTP_SCC_ISSUE;
    ngx_http_scc_routes[0].flags |= NGX_HTTP_SCC_CLEAR;
    assert_int_equal(ngx_http_scc_route_check(&err), NGX_ERROR);

    /* SNS (helper Q4): text/plain only on a public, cookie-free body route */
    ngx_http_scc_routes[0] = keep;
    ngx_http_scc_routes[0].flags = NGX_HTTP_SCC_PUBLIC|NGX_HTTP_SCC_BODY_TEXT;
    assert_int_equal(ngx_http_scc_route_check(&err), NGX_ERROR);
    ngx_http_scc_routes[0].flags |= NGX_HTTP_SCC_BODY;
    assert_int_equal(ngx_http_scc_route_check(&err), NGX_OK);
    ngx_http_scc_routes[0].flags |= NGX_HTTP_SCC_REFRESH;
    assert_int_equal(ngx_http_scc_route_check(&err), NGX_ERROR);
    ngx_http_scc_routes[0].flags = NGX_HTTP_SCC_BODY|NGX_HTTP_SCC_BODY_TEXT;
    assert_int_equal(ngx_http_scc_route_check(&err), NGX_ERROR);

    ngx_http_scc_routes[0] = keep;
    assert_int_equal(ngx_http_scc_route_check(&err), NGX_OK);
}


static ngx_uint_t
type_ok(const char *s)
{
    return ngx_http_scc_route_file_type_ok((u_char *) s, strlen(s));
}


static ngx_uint_t
name_ok(const char *s)
{
    return ngx_http_scc_route_file_name_ok((u_char *) s, strlen(s));
}


/* what a FILE route's function may put into Content-Type */

static void
test_file_type(void **state)
{
    char  buf[300];

    assert_true(type_ok("text/calendar; charset=utf-8"));
    assert_true(type_ok("text/csv"));
    assert_true(type_ok("application/vnd.ms-excel"));
    assert_true(type_ok("a"));

    assert_false(type_ok(""));
    assert_false(type_ok("text/plain\r\nSet-Cookie: a=b"));
    assert_false(type_ok("text/plain\n"));
    assert_false(type_ok("text/plain\r"));
    assert_false(type_ok("text/plain\t"));
    assert_false(type_ok("text/plain; name=\"a\""));
    assert_false(type_ok("text/plain\\"));
    assert_false(type_ok("text/plain\x7f"));
    assert_false(type_ok("text/plain\xc3\xa9"));
    assert_false(type_ok("\x80"));

    /* a NUL inside the length is refused too */
    assert_false(ngx_http_scc_route_file_type_ok((u_char *) "text\0x", 6));

    memset(buf, 'a', sizeof(buf));
    assert_true(ngx_http_scc_route_file_type_ok((u_char *) buf, 255));
    assert_false(ngx_http_scc_route_file_type_ok((u_char *) buf, 256));
}


/* what it may put into Content-Disposition's filename */

static void
test_file_name(void **state)
{
    char  buf[NGX_HTTP_SCC_FILENAME_MAX + 1];

    assert_true(name_ok("scc.ics"));
    assert_true(name_ok("analysis-2026-11_boat.csv"));
    assert_true(name_ok("A.B.C"));
    assert_true(name_ok("x"));

    assert_false(name_ok(""));
    assert_false(name_ok(".hidden"));
    assert_false(name_ok("../etc/passwd"));
    assert_false(name_ok("a/b"));
    assert_false(name_ok("a\\b"));
    assert_false(name_ok("a b"));
    assert_false(name_ok("a\"b"));
    assert_false(name_ok("a;b"));
    assert_false(name_ok("a\r\nb"));
    assert_false(name_ok("caf\xc3\xa9.csv"));
    assert_false(ngx_http_scc_route_file_name_ok((u_char *) "a\0b", 3));

    memset(buf, 'a', sizeof(buf));
    assert_true(ngx_http_scc_route_file_name_ok((u_char *) buf,
                                                NGX_HTTP_SCC_FILENAME_MAX));
    assert_false(ngx_http_scc_route_file_name_ok((u_char *) buf,
                                                 NGX_HTTP_SCC_FILENAME_MAX
                                                 + 1));
}


/*
 * One path, two answerers: GET /api/me is the module's, PATCH /api/me an
 * SQL function's; other methods get 405 naming both.
 */

static void
test_local_and_sql_on_one_path(void **state)
{
    u_char                buf[NGX_HTTP_SCC_ALLOW_LEN];
    size_t                n;
    ngx_http_scc_match_t  m;

    assert_int_equal(match("/api/me", NGX_HTTP_GET, &m), NGX_OK);
    assert_int_equal(m.route->local, NGX_HTTP_SCC_LOCAL_ME);
    assert_int_equal(m.route->function.len, 0);

    assert_int_equal(match("/api/me", NGX_HTTP_HEAD, &m), NGX_OK);
    assert_int_equal(m.route->local, NGX_HTTP_SCC_LOCAL_ME);

    assert_int_equal(match("/api/me", NGX_HTTP_PATCH, &m), NGX_OK);
    assert_int_equal(m.route->local, NGX_HTTP_SCC_LOCAL_NONE);
    assert_int_equal(m.route->function.len, sizeof("scc_api.me_update") - 1);
    assert_memory_equal(m.route->function.data, "scc_api.me_update",
                        sizeof("scc_api.me_update") - 1);
    assert_true(m.route->flags & NGX_HTTP_SCC_BODY);

    assert_int_equal(match("/api/me", NGX_HTTP_PUT, &m), NGX_ABORT);
    assert_int_equal(m.allow, NGX_HTTP_GET|NGX_HTTP_PATCH);
    n = ngx_http_scc_route_allow(m.allow, buf);
    assert_int_equal(n, sizeof("GET, PATCH") - 1);
    assert_memory_equal(buf, "GET, PATCH", n);

    /* the longer paths are their own routes */
    assert_int_equal(match("/api/me/profile", NGX_HTTP_GET, &m), NGX_OK);
    assert_int_equal(m.route->local, NGX_HTTP_SCC_LOCAL_NONE);
    assert_int_equal(match("/api/me/", NGX_HTTP_GET, &m), NGX_DECLINED);
}


/* the calendar feed: public, a file answer, its token a parameter */

static void
test_calendar_feed(void **state)
{
    ngx_http_scc_match_t  m;

    assert_int_equal(match("/api/calendar/AbC-_0123456789abcdefg",
                           NGX_HTTP_GET, &m), NGX_OK);
    assert_true(m.route->flags & NGX_HTTP_SCC_FILE);
    assert_true(m.route->flags & NGX_HTTP_SCC_PUBLIC);
    assert_int_equal(m.nparams, 1);
    assert_int_equal(m.params[0].name.len, 5);
    assert_memory_equal(m.params[0].name.data, "token", 5);
    assert_int_equal(m.params[0].value.len, 22);

    assert_int_equal(match("/api/calendar/", NGX_HTTP_GET, &m),
                     NGX_DECLINED);
    assert_int_equal(match("/api/calendar/a/b", NGX_HTTP_GET, &m),
                     NGX_DECLINED);
}


/* each route names what answers it: /api/me the module, the rest SQL */

static void
test_handlers(void **state)
{
    ngx_uint_t  i, local;

    local = 0;

    for (i = 0; i < ngx_http_scc_nroutes; i++) {
        if (ngx_http_scc_routes[i].local == NGX_HTTP_SCC_LOCAL_NONE) {
            assert_true(ngx_http_scc_routes[i].function.len > 8);
            continue;
        }

        local++;
        assert_int_equal(ngx_http_scc_routes[i].function.len, 0);
        assert_false(ngx_http_scc_routes[i].flags & NGX_HTTP_SCC_FILE);
        assert_int_equal(ngx_http_scc_routes[i].local, NGX_HTTP_SCC_LOCAL_ME);
        assert_int_equal(ngx_http_scc_routes[i].pattern.len,
                         sizeof("/api/me") - 1);
        assert_memory_equal(ngx_http_scc_routes[i].pattern.data, "/api/me",
                            sizeof("/api/me") - 1);
    }

    assert_int_equal(local, 1);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_health),
        cmocka_unit_test(test_not_found),
        cmocka_unit_test(test_method_not_allowed),
        cmocka_unit_test(test_allow_list),
        cmocka_unit_test(test_params),
        cmocka_unit_test(test_table_is_consistent),
        cmocka_unit_test(test_check_refuses_bad_rows),
        cmocka_unit_test(test_handlers),
        cmocka_unit_test(test_file_type),
        cmocka_unit_test(test_file_name),
        cmocka_unit_test(test_local_and_sql_on_one_path),
        cmocka_unit_test(test_calendar_feed),
    };

    return cmocka_run_group_tests_name("route", tests, NULL, NULL);
}
