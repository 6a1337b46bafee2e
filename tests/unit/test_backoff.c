/*
 * test_backoff.c - exponential backoff with equal jitter (worker/backoff.c):
 * the bounds of each attempt's delay, the cap, and the random source's range.
 * Must never sleep or depend on the clock.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "backoff.h"

static void test_doubles(void **state)
{
    (void)state;
    /* r = 0 gives the guaranteed half, r -> 1 the whole delay. */
    assert_true(scc_backoff(1, 2, 3600, 0) == 1.0);
    assert_true(scc_backoff(2, 2, 3600, 0) == 2.0);
    assert_true(scc_backoff(3, 2, 3600, 0) == 4.0);
    assert_true(scc_backoff(4, 2, 3600, 0) == 8.0);
    assert_true(scc_backoff(1, 2, 3600, 0.5) == 1.5);
    assert_true(scc_backoff(3, 2, 3600, 0.999999) > 7.99);
    assert_true(scc_backoff(3, 2, 3600, 0.999999) < 8.0);
}

static void test_cap(void **state)
{
    (void)state;
    assert_true(scc_backoff(20, 2, 60, 0) == 30.0);
    assert_true(scc_backoff(20, 2, 60, 0.999999) <= 60.0);
    /* huge attempt counts neither overflow nor go negative */
    assert_true(scc_backoff(1000, 2, 3600, 0) == 1800.0);
    assert_true(scc_backoff(2147483647, 2, 3600, 0.5) == 2700.0);
}

static void test_bad_inputs(void **state)
{
    (void)state;
    assert_true(scc_backoff(0, 2, 3600, 0) == 1.0);      /* attempt < 1 is the first */
    assert_true(scc_backoff(-5, 2, 3600, 0) == 1.0);
    assert_true(scc_backoff(1, 2, 3600, -1) == 1.0);     /* r clamped to [0, 1) */
    assert_true(scc_backoff(1, 2, 3600, 7) < 2.0);
}

static void test_random_range(void **state)
{
    (void)state;
    double lo = 1, hi = 0;
    for (int i = 0; i < 10000; i++) {
        double r = scc_backoff_random();
        assert_true(r >= 0 && r < 1);
        if (r < lo) lo = r;
        if (r > hi) hi = r;
    }
    /* spread over the range, not stuck */
    assert_true(lo < 0.01);
    assert_true(hi > 0.99);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_doubles),
        cmocka_unit_test(test_cap),
        cmocka_unit_test(test_bad_inputs),
        cmocka_unit_test(test_random_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
