/*
 * test_log.c - the worker's logging layer (worker/log.c): the line's shape
 * (UTC time to the millisecond, level, component, message), the level
 * filter and its names, one line per call whatever the message holds, and
 * a long message cut to one bounded line.  stderr is pointed at a temporary
 * file for each check and read back; nothing else is touched.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

static char captured[16384];

/* Runs fn with stderr going to a temporary file; its text into captured. */
static void capture(void (*fn)(void))
{
    char  path[] = "/tmp/scc-test-log-XXXXXX";
    int   fd = mkstemp(path), saved = dup(STDERR_FILENO);
    FILE *f;
    size_t n;

    assert_true(fd >= 0 && saved >= 0);
    unlink(path);
    fflush(stderr);
    assert_int_equal(dup2(fd, STDERR_FILENO), STDERR_FILENO);
    fn();
    fflush(stderr);
    assert_int_equal(dup2(saved, STDERR_FILENO), STDERR_FILENO);
    close(saved);
    f = fdopen(fd, "r");
    assert_non_null(f);
    rewind(f);
    n = fread(captured, 1, sizeof(captured) - 1, f);
    captured[n] = '\0';
    fclose(f);
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static void log_one(void)
{
    scc_log_set_level(SCC_LOG_INFO);
    scc_log_info("job", "kind=%s id=%d outcome=%s", "noop", 42, "done");
}

static void test_line_shape(void **state)
{
    regex_t re;

    (void)state;
    capture(log_one);
    assert_int_equal(regcomp(&re, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"
                                  "\\.[0-9]{3}Z info job: kind=noop id=42 outcome=done\n$",
                             REG_EXTENDED), 0);
    assert_int_equal(regexec(&re, captured, 0, NULL, 0), 0);
    regfree(&re);
}

static void log_levels(void)
{
    scc_log_set_level(SCC_LOG_WARN);
    scc_log_debug("run", "a debug line");
    scc_log_info("run", "an info line");
    scc_log_warn("run", "a warning");
    scc_log_error("db", "an error");
    scc_log_set_level(SCC_LOG_INFO);
}

static void test_level_filter(void **state)
{
    (void)state;
    capture(log_levels);
    assert_null(strstr(captured, "debug line"));
    assert_null(strstr(captured, "info line"));
    assert_non_null(strstr(captured, "Z warn run: a warning\n"));
    assert_non_null(strstr(captured, "Z error db: an error\n"));
    assert_int_equal(count_lines(captured), 2);
}

static void test_level_names(void **state)
{
    scc_log_level level = SCC_LOG_ERROR;

    (void)state;
    assert_int_equal(scc_log_parse_level("debug", &level), 0);
    assert_int_equal(level, SCC_LOG_DEBUG);
    assert_int_equal(scc_log_parse_level("warn", &level), 0);
    assert_int_equal(level, SCC_LOG_WARN);
    assert_int_equal(scc_log_parse_level("error", &level), 0);
    assert_int_equal(level, SCC_LOG_ERROR);
    assert_int_equal(scc_log_parse_level("info", &level), 0);
    assert_int_equal(level, SCC_LOG_INFO);
    assert_int_equal(scc_log_parse_level("INFO", &level), -1);
    assert_int_equal(scc_log_parse_level("loud", &level), -1);
    assert_int_equal(scc_log_parse_level("", &level), -1);
    assert_int_equal(scc_log_parse_level(NULL, &level), -1);
    assert_int_equal(level, SCC_LOG_INFO);   /* untouched by a refusal */
}

static void log_multiline(void)
{
    scc_log_set_level(SCC_LOG_INFO);
    scc_log_error("db", "%s", "ERROR:  relation \"nowhere\" does not exist\nLINE 3: select\r\n");
}

static void test_one_line(void **state)
{
    (void)state;
    capture(log_multiline);
    assert_int_equal(count_lines(captured), 1);
    assert_non_null(strstr(captured, "does not exist LINE 3: select"));
}

static void log_long(void)
{
    static char big[10000];

    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    scc_log_set_level(SCC_LOG_INFO);
    scc_log_warn("email", "%s", big);
    scc_log_info("email", "after");
}

static void test_long_message_cut(void **state)
{
    char *second;

    (void)state;
    capture(log_long);
    assert_int_equal(count_lines(captured), 2);
    second = strchr(captured, '\n') + 1;
    assert_true(second - captured <= 4096 + 128);
    assert_true(second - captured > 4096);
    assert_non_null(strstr(second, "Z info email: after\n"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_line_shape),
        cmocka_unit_test(test_level_filter),
        cmocka_unit_test(test_level_names),
        cmocka_unit_test(test_one_line),
        cmocka_unit_test(test_long_message_cut),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
