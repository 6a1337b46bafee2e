/*
 * cron.h - five-field cron expressions evaluated in an IANA time zone.
 *
 * Report schedules are rows with a cron expression and a time zone; the
 * scheduler asks for the next slot after an instant and, after downtime,
 * for the latest slot at or before now (only that one is caught up).
 * This file must never touch the database or decide what runs: it only
 * answers "when".
 *
 * Syntax: "minute hour day-of-month month day-of-week", separated by
 * blanks.  Each field is a comma list of '*', N, N-M, '*'/S or N-M/S;
 * a step needs '*' or a range ("5/15" is refused as ambiguous).  Months
 * JAN-DEC and days SUN-SAT may be named, in any case; day 7 is Sunday
 * too, and a weekday range may end on Sunday ("FRI-SUN", "5-0").
 * @yearly (@annually), @monthly, @weekly, @daily (@midnight) and @hourly
 * are accepted.  Vixie rule: when both day-of-month and
 * day-of-week are restricted, a day matches if EITHER matches; a field
 * that starts with '*' (a stepped star too) counts as unrestricted, as in
 * Vixie cron, and then both must match.  A day-of-month that never occurs
 * in the chosen months ("0 0 30 2 *") is an error.
 *
 * Slots are local wall-clock minutes in the schedule's zone.  DST rules:
 *  - A local time that does not exist (spring-forward gap, e.g. 02:30 on
 *    2026-03-08 in America/Los_Angeles) runs once, at the first valid
 *    instant after the gap (03:00 PDT), like Vixie cron and systemd.
 *    Several slots in the same gap, and a slot right at the end of the
 *    gap, all fall on that instant and run once.
 *  - A local time that occurs twice (fall-back) runs once, at its first
 *    occurrence.  So an hourly job runs at 01:00 PDT and next at 02:00 PST
 *    on 2026-11-01 in Los Angeles: every local hour once, none twice.
 * Every slot is thus one instant, and the instants strictly increase with
 * the local time, so (schedule, slot instant) is a sound unique key.
 * Zones are assumed to change their UTC offset at most once in four days
 * and by less than three hours at a time (true of tzdata since 1970
 * except Pacific/Apia skipping 2011-12-30, where results stay ordered
 * but slots near the jump may be off).
 *
 * Time zones are resolved by glibc: evaluation sets TZ to the zone,
 * calls tzset(), and restores the previous TZ before returning.  That is
 * not thread-safe (TZ is process-wide); the worker is single-threaded.
 * A zone name must name a TZif file under $TZDIR or /usr/share/zoneinfo.
 */
#ifndef SCC_CRON_H
#define SCC_CRON_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

typedef struct scc_cron {
    uint64_t minutes;   /* bit N: minute N, 0-59 */
    uint32_t hours;     /* bit N: hour N, 0-23 */
    uint32_t mdays;     /* bit N: day of month N, 1-31 */
    uint16_t months;    /* bit N: month N, 1-12 */
    uint8_t  wdays;     /* bit N: weekday N, 0 = Sunday - 6 */
    uint8_t  mday_star; /* field began with '*' (see the Vixie rule) */
    uint8_t  wday_star;
} scc_cron;

/*
 * Parses EXPR into *out.  Returns 0, or -1 with a message naming the field
 * and the reason in err, e.g. "minute: 60 is out of range 0-59".
 */
int scc_cron_parse(const char *expr, scc_cron *out, char *err, size_t errlen);

/* Returns 0 when TZ names a usable IANA zone, else -1 with a message. */
int scc_cron_check_zone(const char *tz, char *err, size_t errlen);

/*
 * Sets *next to the first slot of CRON in zone TZ strictly after AFTER.
 * Returns 0, or -1 with a message (bad zone; no slot within 50 years).
 */
int scc_cron_next_slot(const scc_cron *cron, const char *tz, time_t after,
                       time_t *next, char *err, size_t errlen);

/*
 * Sets *prev to the last slot of CRON in zone TZ at or before AT.  Returns
 * 0, or -1 with a message (bad zone; no slot within the past 50 years).
 */
int scc_cron_prev_slot(const scc_cron *cron, const char *tz, time_t at,
                       time_t *prev, char *err, size_t errlen);

/* Parse-and-evaluate conveniences; -1 on a bad expression or zone. */
int scc_cron_next(const char *expr, const char *tz, time_t after,
                  time_t *next);
int scc_cron_prev(const char *expr, const char *tz, time_t at,
                  time_t *prev);

#endif
