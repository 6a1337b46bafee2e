/*
 * test_cron.c - cron parsing and slot search, across the 2026 DST changes
 * of America/Los_Angeles (Mar 8, Nov 1) and Europe/London (Mar 29, Oct 25).
 *
 * Expectations are written as local wall times with the zone abbreviation
 * ("2026-03-08 03:00 PDT"), so each one reads as the rule it checks.
 * Must never depend on the machine's own time zone or clock.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cron.h"

#define LA  "America/Los_Angeles"
#define LON "Europe/London"

/* "YYYY-MM-DD HH:MM" in UTC. */
static time_t
utc(const char *s)
{
    struct tm tm;

    memset(&tm, 0, sizeof(tm));
    assert_non_null(strptime(s, "%Y-%m-%d %H:%M", &tm));
    return timegm(&tm);
}

/* The local wall time of T in ZONE, "YYYY-MM-DD HH:MM ZZZ". */
static const char *
local(time_t t, const char *zone)
{
    static char buf[64];
    char        tz[128];
    const char *old = getenv("TZ");
    char       *saved = old ? strdup(old) : NULL;
    struct tm   tm;

    snprintf(tz, sizeof(tz), ":%s", zone);
    setenv("TZ", tz, 1);
    tzset();
    localtime_r(&t, &tm);
    strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M %Z", &tm);
    if (saved) {
        setenv("TZ", saved, 1);
        free(saved);
    } else {
        unsetenv("TZ");
    }
    tzset();
    return buf;
}

/* The next N slots of EXPR after AFTER, local times joined by ", ". */
static void
expect_next(const char *expr, const char *zone, const char *after_utc,
            const char *expected)
{
    char     got[1024] = "", err[256];
    time_t   t = utc(after_utc), next;
    scc_cron c;
    size_t   count = 1, i;
    const char *p;

    for (p = expected; *p; p++)
        count += *p == ',';
    if (scc_cron_parse(expr, &c, err, sizeof(err)) != 0)
        fail_msg("'%s': %s", expr, err);
    for (i = 0; i < count; i++) {
        if (scc_cron_next_slot(&c, zone, t, &next, err, sizeof(err)) != 0)
            fail_msg("'%s' in %s: %s", expr, zone, err);
        if (next <= t)
            fail_msg("'%s': %ld is not after %ld", expr, (long)next,
                     (long)t);
        if (i)
            strcat(got, ", ");
        strcat(got, local(next, zone));
        t = next;
    }
    if (strcmp(got, expected) != 0)
        fail_msg("'%s' in %s after %s UTC\n  expected: %s\n  got:      %s",
                 expr, zone, after_utc, expected, got);
}

static void
expect_prev(const char *expr, const char *zone, const char *at_utc,
            const char *expected)
{
    time_t prev;

    assert_int_equal(scc_cron_prev(expr, zone, utc(at_utc), &prev), 0);
    if (strcmp(local(prev, zone), expected) != 0)
        fail_msg("prev '%s' in %s at %s UTC: expected %s, got %s", expr,
                 zone, at_utc, expected, local(prev, zone));
}

/* ---- parsing ------------------------------------------------------------ */

static void
test_parse_valid(void **state)
{
    scc_cron c;
    char     err[256];

    (void)state;
    assert_int_equal(scc_cron_parse("*/15 * * * *", &c, err, sizeof(err)), 0);
    assert_true(c.minutes == ((1ULL << 0) | (1ULL << 15) | (1ULL << 30)
                              | (1ULL << 45)));
    assert_int_equal(c.hours, 0xFFFFFF);
    assert_int_equal(c.mdays, 0xFFFFFFFE);
    assert_int_equal(c.months, 0x1FFE);
    assert_int_equal(c.wdays, 0x7F);
    assert_true(c.mday_star && c.wday_star);

    assert_int_equal(scc_cron_parse("1-10/2 8,12,18 1,15 * *", &c, err,
                                    sizeof(err)), 0);
    assert_true(c.minutes == 0x2AA);    /* 1 3 5 7 9 */
    assert_int_equal(c.hours, (1 << 8) | (1 << 12) | (1 << 18));
    assert_int_equal(c.mdays, (1 << 1) | (1 << 15));
    assert_false(c.mday_star);

    assert_int_equal(scc_cron_parse("\t0  9 * jan-Mar,DEC MON-fri ", &c,
                                    err, sizeof(err)), 0);
    assert_int_equal(c.months, 0xE | (1 << 12));
    assert_int_equal(c.wdays, 0x3E);
    assert_false(c.wday_star);

    assert_int_equal(scc_cron_parse("0 0 * * 7", &c, err, sizeof(err)), 0);
    assert_int_equal(c.wdays, 1);
    assert_int_equal(scc_cron_parse("0 0 * * 5-7", &c, err, sizeof(err)), 0);
    assert_int_equal(c.wdays, (1 << 5) | (1 << 6) | 1);
    assert_int_equal(scc_cron_parse("0 0 * * 0-7", &c, err, sizeof(err)), 0);
    assert_int_equal(c.wdays, 0x7F);
    assert_int_equal(scc_cron_parse("0 0 * * */2", &c, err, sizeof(err)), 0);
    assert_int_equal(c.wdays, (1 << 0) | (1 << 2) | (1 << 4) | (1 << 6));
    assert_true(c.wday_star);

    assert_int_equal(scc_cron_parse("@daily", &c, err, sizeof(err)), 0);
    assert_true(c.minutes == 1 && c.hours == 1 && c.mday_star);
    assert_int_equal(scc_cron_parse("@HOURLY", &c, err, sizeof(err)), 0);
    assert_true(c.minutes == 1 && c.hours == 0xFFFFFF);
    assert_int_equal(scc_cron_parse("0 0 29 2 *", &c, err, sizeof(err)), 0);
    assert_int_equal(scc_cron_parse("0 0 31 1-3 *", &c, err, sizeof(err)), 0);
}

static void
expect_parse_error(const char *expr, const char *message)
{
    scc_cron c;
    char     err[256] = "";

    if (scc_cron_parse(expr, &c, err, sizeof(err)) == 0)
        fail_msg("'%s' parsed, expected: %s", expr, message);
    if (strcmp(err, message) != 0)
        fail_msg("'%s'\n  expected: %s\n  got:      %s", expr, message, err);
}

static void
test_parse_invalid(void **state)
{
    time_t t;

    (void)state;
    expect_parse_error("", "expected 5 fields (minute hour day-of-month "
                       "month day-of-week), got 0");
    expect_parse_error("* * * *", "expected 5 fields (minute hour "
                       "day-of-month month day-of-week), got 4");
    expect_parse_error("* * * * * *", "expected 5 fields (minute hour "
                       "day-of-month month day-of-week), got 6");
    expect_parse_error("60 * * * *", "minute: 60 is out of range 0-59");
    expect_parse_error("* 24 * * *", "hour: 24 is out of range 0-23");
    expect_parse_error("* * 0 * *", "day-of-month: 0 is out of range 1-31");
    expect_parse_error("* * 32 * *", "day-of-month: 32 is out of range 1-31");
    expect_parse_error("* * * 013 *", "month: 013 is out of range 1-12");
    expect_parse_error("* * * 13 *", "month: 13 is out of range 1-12");
    expect_parse_error("* * * * 8", "day-of-week: 8 is out of range 0-7");
    expect_parse_error("99999999999 * * * *",
                       "minute: 99999999999 is out of range 0-59");
    expect_parse_error("5-1 * * * *", "minute: range 5-1 goes backwards");
    expect_parse_error("*/0 * * * *", "minute: step 0 is out of range 1-59");
    expect_parse_error("*/99999999999 * * * *",
                       "minute: step 99999999999 is out of range 1-59");
    expect_parse_error("* * * * fri-sat-sun", "day-of-week: unexpected '-'");
    expect_parse_error("*/ * * * *", "minute: a step must be a number");
    expect_parse_error("5/15 * * * *", "minute: a step needs '*' or a range "
                       "before it, as in */N or 5-59/N");
    expect_parse_error("* * * FOO *", "month: unknown name 'FOO' (use "
                       "JAN-DEC)");
    expect_parse_error("* * * * Monday", "day-of-week: unknown name 'Monday' "
                       "(use SUN-SAT)");
    expect_parse_error("JAN * * * *", "minute: names are not allowed here "
                       "('JAN')");
    expect_parse_error("1,,2 * * * *", "minute: empty list item");
    expect_parse_error("1, * * * *", "minute: empty list item");
    expect_parse_error("1x * * * *", "minute: unexpected 'x'");
    expect_parse_error("1- * * * *", "minute: a number is missing");
    expect_parse_error("-1 * * * *", "minute: unexpected '-'");
    expect_parse_error("0 0 30 2 *", "day-of-month: no chosen day occurs in "
                       "the chosen months");
    expect_parse_error("0 0 31 4,6,9,11 *", "day-of-month: no chosen day "
                       "occurs in the chosen months");
    expect_parse_error("@reboot", "unknown shorthand '@reboot' (use @yearly, "
                       "@monthly, @weekly, @daily or @hourly)");
    expect_parse_error("@daily 5", "unknown shorthand '@daily 5' (use "
                       "@yearly, @monthly, @weekly, @daily or @hourly)");
    assert_int_equal(scc_cron_next("61 * * * *", "UTC", 0, &t), -1);
    /* Restricted day-of-week makes it an OR, so it is valid. */
    assert_int_equal(scc_cron_next("0 0 30 2 MON", "UTC", 0, &t), 0);
}

static void
test_bad_zones(void **state)
{
    char     err[256];
    scc_cron c;
    time_t   t;

    (void)state;
    assert_int_equal(scc_cron_parse("0 * * * *", &c, err, sizeof(err)), 0);
    assert_int_equal(scc_cron_next_slot(&c, "Mars/Olympus_Mons", 0, &t, err,
                                        sizeof(err)), -1);
    assert_non_null(strstr(err, "time zone 'Mars/Olympus_Mons': unknown"));
    assert_int_equal(scc_cron_next_slot(&c, "../../etc/passwd", 0, &t, err,
                                        sizeof(err)), -1);
    assert_non_null(strstr(err, "not an IANA zone name"));
    assert_int_equal(scc_cron_next_slot(&c, "/etc/localtime", 0, &t, err,
                                        sizeof(err)), -1);
    assert_int_equal(scc_cron_next_slot(&c, "", 0, &t, err, sizeof(err)),
                     -1);
    assert_int_equal(scc_cron_next_slot(&c, "America", 0, &t, err,
                                        sizeof(err)), -1);
    assert_int_equal(scc_cron_next_slot(&c, "zone.tab", 0, &t, err,
                                        sizeof(err)), -1);
    assert_non_null(strstr(err, "not a zone file"));
    assert_int_equal(scc_cron_check_zone(LA, err, sizeof(err)), 0);
    assert_int_equal(scc_cron_check_zone("UTC", err, sizeof(err)), 0);
    assert_int_equal(scc_cron_check_zone("Etc/GMT+5", err, sizeof(err)), 0);
}

/* The process's TZ is the same after a call as before it. */
static void
test_tz_restored(void **state)
{
    time_t t;

    (void)state;
    unsetenv("TZ");
    assert_int_equal(scc_cron_next("0 * * * *", LA, 0, &t), 0);
    assert_null(getenv("TZ"));
    setenv("TZ", ":Asia/Tokyo", 1);
    assert_int_equal(scc_cron_next("0 * * * *", LA, 0, &t), 0);
    assert_string_equal(getenv("TZ"), ":Asia/Tokyo");
    assert_int_equal(scc_cron_next("0 * * * *", "Nowhere/Atall", 0, &t), -1);
    assert_string_equal(getenv("TZ"), ":Asia/Tokyo");
    unsetenv("TZ");
}

/* ---- Los Angeles: 2026-03-08 02:00 PST -> 03:00 PDT --------------------- */

static void
test_la_spring_forward(void **state)
{
    (void)state;
    /* 02:30 does not exist on Mar 8: it runs once at 03:00 PDT. */
    expect_next("30 2 * * *", LA, "2026-03-07 20:00",
                "2026-03-08 03:00 PDT, 2026-03-09 02:30 PDT");
    /* Four slots in the gap still run once. */
    expect_next("*/15 2 * * *", LA, "2026-03-08 08:00",
                "2026-03-08 03:00 PDT, 2026-03-09 02:00 PDT");
    /* Hourly: 01:00 PST, then 02:00 (gap) and 03:00 share 03:00 PDT. */
    expect_next("0 * * * *", LA, "2026-03-08 08:30",
                "2026-03-08 01:00 PST, 2026-03-08 03:00 PDT, "
                "2026-03-08 04:00 PDT");
    expect_next("30 * * * *", LA, "2026-03-08 08:00",
                "2026-03-08 00:30 PST, 2026-03-08 01:30 PST, "
                "2026-03-08 03:00 PDT, 2026-03-08 03:30 PDT");
    /* Just before the gap ends, and exactly at its end (strictly after). */
    expect_next("30 2 * * *", LA, "2026-03-08 09:59",
                "2026-03-08 03:00 PDT");
    expect_next("30 2 * * *", LA, "2026-03-08 10:00",
                "2026-03-09 02:30 PDT");
    expect_next("0 3 * * *", LA, "2026-03-08 09:00",
                "2026-03-08 03:00 PDT, 2026-03-09 03:00 PDT");
    /* Times outside the gap are untouched. */
    expect_next("0 9 * * *", LA, "2026-03-07 00:00",
                "2026-03-07 09:00 PST, 2026-03-08 09:00 PDT, "
                "2026-03-09 09:00 PDT");
}

/* ---- Los Angeles: 2026-11-01 02:00 PDT -> 01:00 PST --------------------- */

static void
test_la_fall_back(void **state)
{
    (void)state;
    /* 01:30 happens twice: it runs at the first one only. */
    expect_next("30 1 * * *", LA, "2026-10-31 19:00",
                "2026-11-01 01:30 PDT, 2026-11-02 01:30 PST");
    expect_next("0 * * * *", LA, "2026-11-01 07:30",
                "2026-11-01 01:00 PDT, 2026-11-01 02:00 PST, "
                "2026-11-01 03:00 PST");
    expect_next("*/30 * * * *", LA, "2026-11-01 07:15",
                "2026-11-01 00:30 PDT, 2026-11-01 01:00 PDT, "
                "2026-11-01 01:30 PDT, 2026-11-01 02:00 PST");
    /* From inside the repeated hour (01:15 PST): 01:45 already ran. */
    expect_next("45 1 * * *", LA, "2026-11-01 09:15",
                "2026-11-02 01:45 PST");
    expect_next("0 2 * * *", LA, "2026-11-01 09:15",
                "2026-11-01 02:00 PST");
    expect_next("30 0 * * *", LA, "2026-10-31 12:00",
                "2026-11-01 00:30 PDT, 2026-11-02 00:30 PST");
}

/* ---- London: 2026-03-29 01:00 GMT -> 02:00 BST, 2026-10-25 back -------- */

static void
test_london(void **state)
{
    (void)state;
    expect_next("30 1 * * *", LON, "2026-03-28 12:00",
                "2026-03-29 02:00 BST, 2026-03-30 01:30 BST");
    expect_next("0 * * * *", LON, "2026-03-28 23:30",
                "2026-03-29 00:00 GMT, 2026-03-29 02:00 BST, "
                "2026-03-29 03:00 BST");
    expect_next("30 1 * * *", LON, "2026-10-24 12:00",
                "2026-10-25 01:30 BST, 2026-10-26 01:30 GMT");
    expect_next("0 * * * *", LON, "2026-10-24 23:30",
                "2026-10-25 01:00 BST, 2026-10-25 02:00 GMT, "
                "2026-10-25 03:00 GMT");
    expect_next("0 0 * * *", LON, "2026-10-24 12:00",
                "2026-10-25 00:00 BST, 2026-10-26 00:00 GMT");
}

/* ---- day rules ---------------------------------------------------------- */

static void
test_vixie_dom_dow(void **state)
{
    (void)state;
    /* Both restricted: the 1st OR a Monday (2026-02-01 is a Sunday). */
    expect_next("0 0 1 * MON", "UTC", "2026-01-20 00:00",
                "2026-01-26 00:00 UTC, 2026-02-01 00:00 UTC, "
                "2026-02-02 00:00 UTC, 2026-02-09 00:00 UTC");
    /* Friday the 13th is one match, not two. */
    expect_next("0 12 13 * 5", "UTC", "2026-02-10 00:00",
                "2026-02-13 12:00 UTC, 2026-02-20 12:00 UTC");
    /* A day-of-week starting with '*' counts as unrestricted (Vixie):
     * the 1st AND an even weekday; Jan 1 Thu, Feb 1 Sun, Mar 1 Sun,
     * Apr-Jul 1st are Wed, Fri, Mon, Wed, Aug 1 Sat. */
    expect_next("0 0 1 * */2", "UTC", "2025-12-31 00:00",
                "2026-01-01 00:00 UTC, 2026-02-01 00:00 UTC, "
                "2026-03-01 00:00 UTC, 2026-08-01 00:00 UTC");
    /* Only day-of-week restricted. */
    expect_next("0 0 * * sat,SUN", "UTC", "2026-01-01 00:00",
                "2026-01-03 00:00 UTC, 2026-01-04 00:00 UTC, "
                "2026-01-10 00:00 UTC");
}

static void
test_names_and_sunday(void **state)
{
    (void)state;
    expect_next("0 0 * * 7", "UTC", "2026-01-01 00:00",
                "2026-01-04 00:00 UTC, 2026-01-11 00:00 UTC");
    expect_next("0 0 * * 0", "UTC", "2026-01-01 00:00",
                "2026-01-04 00:00 UTC");
    expect_next("15 10 1 feb,Jun,OCT *", "UTC", "2026-01-01 00:00",
                "2026-02-01 10:15 UTC, 2026-06-01 10:15 UTC, "
                "2026-10-01 10:15 UTC, 2027-02-01 10:15 UTC");
    expect_next("0 8 * * mon-FRI", "UTC", "2026-01-02 09:00",
                "2026-01-05 08:00 UTC, 2026-01-06 08:00 UTC");
    expect_next("0 0 * * fri-sun", "UTC", "2026-01-01 00:00",
                "2026-01-02 00:00 UTC, 2026-01-03 00:00 UTC, "
                "2026-01-04 00:00 UTC, 2026-01-09 00:00 UTC");
}

static void
test_steps(void **state)
{
    (void)state;
    expect_next("1-10/2 * * * *", "UTC", "2026-01-01 00:00",
                "2026-01-01 00:01 UTC, 2026-01-01 00:03 UTC, "
                "2026-01-01 00:05 UTC, 2026-01-01 00:07 UTC, "
                "2026-01-01 00:09 UTC, 2026-01-01 01:01 UTC");
    expect_next("*/15 * * * *", "UTC", "2026-01-01 00:07",
                "2026-01-01 00:15 UTC, 2026-01-01 00:30 UTC, "
                "2026-01-01 00:45 UTC, 2026-01-01 01:00 UTC");
    expect_next("0 */6 * * *", "UTC", "2026-01-01 00:00",
                "2026-01-01 06:00 UTC, 2026-01-01 12:00 UTC, "
                "2026-01-01 18:00 UTC, 2026-01-02 00:00 UTC");
    expect_next("0 0 */10 * *", "UTC", "2026-01-01 00:00",
                "2026-01-11 00:00 UTC, 2026-01-21 00:00 UTC, "
                "2026-01-31 00:00 UTC, 2026-02-01 00:00 UTC");
    expect_next("* * * * *", "UTC", "2026-12-31 23:58",
                "2026-12-31 23:59 UTC, 2027-01-01 00:00 UTC");
}

static void
test_leap_day(void **state)
{
    (void)state;
    expect_next("0 0 29 2 *", "UTC", "2026-01-01 00:00",
                "2028-02-29 00:00 UTC, 2032-02-29 00:00 UTC");
    /* 2100 is not a leap year. */
    expect_next("0 0 29 2 *", "UTC", "2096-03-01 00:00",
                "2104-02-29 00:00 UTC");
    expect_next("0 0 29 2 *", LA, "2026-01-01 00:00",
                "2028-02-29 00:00 PST");
    expect_next("0 0 31 * *", "UTC", "2026-01-31 00:00",
                "2026-03-31 00:00 UTC, 2026-05-31 00:00 UTC");
}

/* ---- the last slot at or before an instant (catching up) ---------------- */

static void
test_prev(void **state)
{
    (void)state;
    expect_prev("0 9 * * *", LA, "2026-03-10 15:00", "2026-03-09 09:00 PDT");
    expect_prev("0 9 * * *", LA, "2026-03-10 16:00", "2026-03-10 09:00 PDT");
    expect_prev("0 9 * * *", LA, "2026-03-10 16:01", "2026-03-10 09:00 PDT");
    /* The gap slot is remembered at the instant it ran. */
    expect_prev("30 2 * * *", LA, "2026-03-08 12:00", "2026-03-08 03:00 PDT");
    expect_prev("30 2 * * *", LA, "2026-03-08 09:59", "2026-03-07 02:30 PST");
    /* In the repeated hour the slot is the first 01:30. */
    expect_prev("30 1 * * *", LA, "2026-11-01 09:40", "2026-11-01 01:30 PDT");
    expect_prev("0 * * * *", LA, "2026-11-01 09:40", "2026-11-01 01:00 PDT");
    expect_prev("0 * * * *", LA, "2026-11-01 10:00", "2026-11-01 02:00 PST");
    expect_prev("0 0 29 2 *", "UTC", "2031-01-01 00:00",
                "2028-02-29 00:00 UTC");
    expect_prev("0 * * * *", LON, "2026-03-29 01:30", "2026-03-29 02:00 BST");
    expect_prev("0 * * * *", LON, "2026-03-29 00:59", "2026-03-29 00:00 GMT");
}

/*
 * Around every transition and for several schedules: next is after t,
 * prev is at or before t, prev(next(t)) = next(t), next(prev(t)) > t,
 * and walking next() through the day never repeats an instant or a local
 * wall time.
 */
static void
test_next_prev_agree(void **state)
{
    static const char *const exprs[] = {
        "0 * * * *", "30 1 * * *", "30 2 * * *", "*/15 * * * *",
        "*/7 1-3 * * *", "59 23 * * *", "0 0 1 * MON",
    };
    static const struct { const char *zone, *from; } days[] = {
        { LA, "2026-03-07 12:00" }, { LA, "2026-10-31 12:00" },
        { LON, "2026-03-28 12:00" }, { LON, "2026-10-24 12:00" },
    };
    size_t i, j;
    time_t t, end, next, prev, back;
    char   seen[64][32];
    size_t nseen;

    (void)state;
    for (i = 0; i < sizeof(days) / sizeof(days[0]); i++) {
        for (j = 0; j < sizeof(exprs) / sizeof(exprs[0]); j++) {
            end = utc(days[i].from) + 2 * 86400;
            for (t = utc(days[i].from); t < end; t += 600) {
                assert_int_equal(scc_cron_next(exprs[j], days[i].zone, t,
                                               &next), 0);
                assert_int_equal(scc_cron_prev(exprs[j], days[i].zone, t,
                                               &prev), 0);
                assert_true(next > t);
                assert_true(prev <= t);
                assert_int_equal(scc_cron_prev(exprs[j], days[i].zone, next,
                                               &back), 0);
                assert_true(back == next);
                assert_int_equal(scc_cron_next(exprs[j], days[i].zone, prev,
                                               &back), 0);
                assert_true(back > t);
            }
            /* Each local wall time at most once over the two days. */
            t = utc(days[i].from);
            nseen = 0;
            while (nseen < 64) {
                size_t k;

                assert_int_equal(scc_cron_next(exprs[j], days[i].zone, t,
                                               &next), 0);
                if (next >= end)
                    break;
                snprintf(seen[nseen], sizeof(seen[0]), "%.16s",
                         local(next, days[i].zone));
                for (k = 0; k < nseen; k++)
                    if (strcmp(seen[k], seen[nseen]) == 0)
                        fail_msg("'%s' in %s runs twice at %s", exprs[j],
                                 days[i].zone, seen[k]);
                nseen++;
                t = next;
            }
        }
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_valid),
        cmocka_unit_test(test_parse_invalid),
        cmocka_unit_test(test_bad_zones),
        cmocka_unit_test(test_tz_restored),
        cmocka_unit_test(test_la_spring_forward),
        cmocka_unit_test(test_la_fall_back),
        cmocka_unit_test(test_london),
        cmocka_unit_test(test_vixie_dom_dow),
        cmocka_unit_test(test_names_and_sunday),
        cmocka_unit_test(test_steps),
        cmocka_unit_test(test_leap_day),
        cmocka_unit_test(test_prev),
        cmocka_unit_test(test_next_prev_agree),
    };

    if (scc_cron_check_zone(LA, NULL, 0) != 0
        || scc_cron_check_zone(LON, NULL, 0) != 0) {
        fprintf(stderr, "tzdata is missing (apt-get install tzdata)\n");
        return 1;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
