/*
 * test_ratelimit.c - the token bucket of worker/ratelimit.c with an
 * injected clock: no sleeping, exact arithmetic.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include "ratelimit.h"

#define near(a, b) assert_true(fabs((a) - (b)) < 1e-9)

static void test_off(void **state)
{
    (void)state;
    scc_ratelimit rl;
    scc_ratelimit_init(&rl, 0, 0, 100);
    for (int i = 0; i < 100000; i++)
        assert_true(scc_ratelimit_take(&rl, 100) == 0);
}

static void test_burst_then_rate(void **state)
{
    (void)state;
    scc_ratelimit rl;
    scc_ratelimit_init(&rl, 10, 10, 1000);   /* 10/s, bucket of 10, full */
    for (int i = 0; i < 10; i++)
        assert_true(scc_ratelimit_take(&rl, 1000) == 0);
    /* Empty: the next token comes in 0.1 s. */
    near(scc_ratelimit_take(&rl, 1000), 0.1);
    near(scc_ratelimit_take(&rl, 1000.05), 0.05);   /* half a token so far */
    assert_true(scc_ratelimit_take(&rl, 1000.1) == 0);
    near(scc_ratelimit_take(&rl, 1000.1), 0.1);
}

static void test_steady_rate_over_time(void **state)
{
    (void)state;
    /* Over 60 simulated seconds at 7/s with a bucket of 1, a greedy caller
     * that waits exactly what it is told gets 7*60 + 1 tokens (the first
     * from the full bucket), never more. */
    scc_ratelimit rl;
    scc_ratelimit_init(&rl, 7, 1, 0);
    double now = 0;
    int got = 0;
    while (now <= 60 + 1e-9) {
        double w = scc_ratelimit_take(&rl, now);
        if (w == 0)
            got++;
        else
            now += w;
    }
    assert_in_range(got, 7 * 60, 7 * 60 + 1);
}

static void test_idle_does_not_overfill(void **state)
{
    (void)state;
    scc_ratelimit rl;
    scc_ratelimit_init(&rl, 2, 3, 0);
    for (int i = 0; i < 3; i++)
        assert_true(scc_ratelimit_take(&rl, 0) == 0);
    /* An hour idle refills to the bucket size, not 7200 tokens. */
    for (int i = 0; i < 3; i++)
        assert_true(scc_ratelimit_take(&rl, 3600) == 0);
    near(scc_ratelimit_take(&rl, 3600), 0.5);
    /* A clock that steps back adds nothing and breaks nothing. */
    near(scc_ratelimit_take(&rl, 3599), 0.5);
    /* Burst below 1 is raised to 1. */
    scc_ratelimit_init(&rl, 0.5, 0, 0);
    assert_true(scc_ratelimit_take(&rl, 0) == 0);
    near(scc_ratelimit_take(&rl, 0), 2.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_off),
        cmocka_unit_test(test_burst_then_rate),
        cmocka_unit_test(test_steady_rate_over_time),
        cmocka_unit_test(test_idle_does_not_overfill),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
