
/*
 * The table of roles (ngx_http_scc_role.c): names and ranks both ways,
 * the order of the hierarchy, and names that are no role.  That the SQL's
 * scc.role_rank() agrees is tests/api/roles.test.js's business.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_http_scc_role.h"


static ngx_uint_t
rank(const char *name)
{
    return ngx_http_scc_role_rank((u_char *) name, strlen(name));
}


static void
test_names_and_ranks(void **state)
{
    ngx_uint_t   r;
    ngx_str_t   *name;

    static const char  *names[] = { NULL, "guest", "crew", "captain",
                                    "admin" };

    for (r = NGX_HTTP_SCC_ROLE_GUEST; r <= NGX_HTTP_SCC_ROLE_ADMIN; r++) {
        name = ngx_http_scc_role_name(r);
        assert_non_null(name);
        assert_int_equal(name->len, strlen(names[r]));
        assert_memory_equal(name->data, names[r], name->len);
        assert_int_equal(rank(names[r]), r);
    }

    /* the hierarchy: one comparison decides */
    assert_true(rank("guest") < rank("crew"));
    assert_true(rank("crew") < rank("captain"));
    assert_true(rank("captain") < rank("admin"));
}


static void
test_no_role(void **state)
{
    assert_null(ngx_http_scc_role_name(NGX_HTTP_SCC_ROLE_NONE));
    assert_null(ngx_http_scc_role_name(NGX_HTTP_SCC_ROLE_ADMIN + 1));
    assert_null(ngx_http_scc_role_name((ngx_uint_t) -1));

    /* exactly, byte for byte: no case folding, no prefix, no padding */
    assert_int_equal(rank(""), NGX_HTTP_SCC_ROLE_NONE);
    assert_int_equal(rank("Admin"), NGX_HTTP_SCC_ROLE_NONE);
    assert_int_equal(rank("admi"), NGX_HTTP_SCC_ROLE_NONE);
    assert_int_equal(rank("admin "), NGX_HTTP_SCC_ROLE_NONE);
    assert_int_equal(rank("owner"), NGX_HTTP_SCC_ROLE_NONE);
    assert_int_equal(ngx_http_scc_role_rank((u_char *) "admin\0x", 7),
                     NGX_HTTP_SCC_ROLE_NONE);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names_and_ranks),
        cmocka_unit_test(test_no_role),
    };

    return cmocka_run_group_tests_name("role", tests, NULL, NULL);
}
