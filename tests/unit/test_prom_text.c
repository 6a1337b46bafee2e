/*
 * test_prom_text.c - the worker's Prometheus text writer (worker/prom_text.c),
 * what `scc-worker stats` prints: HELP and TYPE lines, samples with and
 * without a label, the format's escapes, and a failing stream reported.
 * Each check writes into an open_memstream buffer and compares it whole.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prom_text.h"

static void test_head_and_samples(void **state)
{
    (void)state;
    char  *text = NULL;
    size_t len = 0;
    FILE  *out = open_memstream(&text, &len);
    assert_non_null(out);

    assert_int_equal(scc_prom_head(out, "scc_jobs_queued", "gauge",
                                   "Jobs queued, \"by kind\";\nback\\slash."), 0);
    assert_int_equal(scc_prom_sample(out, "scc_jobs_queued", "kind", "noop", "3"), 0);
    assert_int_equal(scc_prom_sample(out, "scc_jobs_queued", "kind", "a\"b\\c\nd", "0"), 0);
    assert_int_equal(scc_prom_sample(out, "scc_jobs_due", NULL, NULL, "12.5"), 0);
    assert_int_equal(fclose(out), 0);

    assert_string_equal(text,
        "# HELP scc_jobs_queued Jobs queued, \"by kind\";\\nback\\\\slash.\n"
        "# TYPE scc_jobs_queued gauge\n"
        "scc_jobs_queued{kind=\"noop\"} 3\n"
        "scc_jobs_queued{kind=\"a\\\"b\\\\c\\nd\"} 0\n"
        "scc_jobs_due 12.5\n");
    free(text);
}

static void test_failing_stream(void **state)
{
    (void)state;
    FILE *out = fopen("/dev/full", "w");
    assert_non_null(out);
    setvbuf(out, NULL, _IONBF, 0);   /* every write reaches the device */
    assert_int_equal(scc_prom_head(out, "scc_x", "gauge", "help"), -1);
    assert_int_equal(scc_prom_sample(out, "scc_x", "k", "v", "1"), -1);
    fclose(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_head_and_samples),
        cmocka_unit_test(test_failing_stream),
    };
    return cmocka_run_group_tests_name("prom_text", tests, NULL, NULL);
}
