/*
 * cron.c - parse five-field cron expressions and find their slots in an
 * IANA time zone (rules and DST behaviour: see cron.h).
 *
 * The search walks local wall-clock minutes ("naive" times: seconds since
 * 1970 as if the zone were UTC) and maps each matching one to the instant
 * it runs at.  That map never decreases, which is what makes "first slot
 * after" and "last slot before" simple scans.
 *
 * Must never leave TZ changed on return, keep global state, or loop
 * without bound (the scan is capped at SEARCH_YEARS).
 */
#include "cron.h"
#include "errmsg.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define SEARCH_YEARS  50
#define SEARCH_DAYS   (SEARCH_YEARS * 366)
/* Offsets change by less than this at a time (see cron.h). */
#define MAX_SHIFT     (3 * 3600)
#define DAY           86400

/* ---- parsing ------------------------------------------------------------ */

static const char *const month_names[] = {
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN",
    "JUL", "AUG", "SEP", "OCT", "NOV", "DEC", NULL
};
static const char *const day_names[] = {
    "SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT", NULL
};

struct field {
    const char        *label;
    int                min;
    int                max;
    const char *const *names;   /* names[i] is value i + name_base */
    int                name_base;
};

static const struct field fields[5] = {
    { "minute",       0, 59, NULL,        0 },
    { "hour",         0, 23, NULL,        0 },
    { "day-of-month", 1, 31, NULL,        0 },
    { "month",        1, 12, month_names, 1 },
    { "day-of-week",  0,  7, day_names,   0 },
};

/* Reads a number or a name at *s; advances *s.  Returns -1 with err set. */
static int
parse_value(const struct field *f, const char **s, const char *end, int *out,
            char *err, size_t errlen)
{
    const char *p = *s;
    long        v = 0;
    int         i;

    if (p < end && isdigit((unsigned char)*p)) {
        while (p < end && isdigit((unsigned char)*p)) {
            if (v < 100000)
                v = v * 10 + (*p - '0');
            p++;
        }
        if (v < f->min || v > f->max) {
            scc_errmsg_set(err, errlen, "%s: %.*s is out of range %d-%d",
                    f->label, (int)(p - *s > 20 ? 20 : p - *s), *s, f->min,
                    f->max);
            return -1;
        }
        *out = (int)v;
        *s = p;
        return 0;
    }
    if (p < end && isalpha((unsigned char)*p)) {
        while (p < end && isalpha((unsigned char)*p))
            p++;
        if (f->names != NULL && p - *s == 3)
            for (i = 0; f->names[i] != NULL; i++)
                if (strncasecmp(*s, f->names[i], 3) == 0) {
                    *out = i + f->name_base;
                    *s = p;
                    return 0;
                }
        if (f->names == NULL)
            scc_errmsg_set(err, errlen, "%s: names are not allowed here ('%.*s')",
                    f->label, (int)(p - *s > 20 ? 20 : p - *s), *s);
        else
            scc_errmsg_set(err, errlen, "%s: unknown name '%.*s' (use %s-%s)",
                    f->label, (int)(p - *s > 20 ? 20 : p - *s), *s,
                    f->names[0], f == &fields[3] ? "DEC" : "SAT");
        return -1;
    }
    if (p < end)
        scc_errmsg_set(err, errlen, "%s: unexpected '%c'", f->label, *p);
    else
        scc_errmsg_set(err, errlen, "%s: a number is missing", f->label);
    return -1;
}

/* One comma-separated item: '*', N, N-M, '*'/S or N-M/S. */
static int
parse_item(const struct field *f, const char *s, const char *end,
           uint64_t *bits, char *err, size_t errlen)
{
    int         lo, hi, step = 1, v, is_range;
    long        st = 0;
    const char *digits;

    if (s == end) {
        scc_errmsg_set(err, errlen, "%s: empty list item", f->label);
        return -1;
    }
    if (*s == '*') {
        lo = f->min;
        hi = f->max == 7 ? 6 : f->max;  /* Sunday once, as 0 */
        is_range = 1;
        s++;
    } else {
        if (parse_value(f, &s, end, &lo, err, errlen) != 0)
            return -1;
        hi = lo;
        is_range = 0;
        if (s < end && *s == '-') {
            s++;
            if (parse_value(f, &s, end, &hi, err, errlen) != 0)
                return -1;
            /* "FRI-SUN" ends on Sunday's other number, 7. */
            if (f->max == 7 && hi == 0 && lo > 0)
                hi = 7;
            if (hi < lo) {
                scc_errmsg_set(err, errlen, "%s: range %d-%d goes backwards",
                        f->label, lo, hi);
                return -1;
            }
            is_range = 1;
        }
    }
    if (s < end && *s == '/') {
        if (!is_range) {
            scc_errmsg_set(err, errlen, "%s: a step needs '*' or a range before "
                    "it, as in */N or %d-%d/N", f->label, lo, f->max);
            return -1;
        }
        s++;
        if (s == end || !isdigit((unsigned char)*s)) {
            scc_errmsg_set(err, errlen, "%s: a step must be a number", f->label);
            return -1;
        }
        digits = s;
        while (s < end && isdigit((unsigned char)*s)) {
            if (st < 100000)
                st = st * 10 + (*s - '0');
            s++;
        }
        if (st < 1 || st > f->max) {
            scc_errmsg_set(err, errlen, "%s: step %.*s is out of range 1-%d",
                    f->label, (int)(s - digits > 20 ? 20 : s - digits),
                    digits, f->max);
            return -1;
        }
        step = (int)st;
    }
    if (s < end) {
        scc_errmsg_set(err, errlen, "%s: unexpected '%c'", f->label, *s);
        return -1;
    }
    for (v = lo; v <= hi; v += step)
        *bits |= (uint64_t)1 << (v == 7 && f->max == 7 ? 0 : v);
    return 0;
}

static int
parse_field(const struct field *f, const char *s, const char *end,
            uint64_t *bits, uint8_t *star, char *err, size_t errlen)
{
    const char *comma;

    *bits = 0;
    /* Vixie cron looks only at the first character for its dom/dow rule. */
    *star = *s == '*';
    for (;;) {
        comma = memchr(s, ',', (size_t)(end - s));
        if (parse_item(f, s, comma ? comma : end, bits, err, errlen) != 0)
            return -1;
        if (comma == NULL)
            return 0;
        s = comma + 1;
    }
}

static const struct {
    const char *name;
    const char *expr;
} macros[] = {
    { "@yearly",   "0 0 1 1 *" },
    { "@annually", "0 0 1 1 *" },
    { "@monthly",  "0 0 1 * *" },
    { "@weekly",   "0 0 * * 0" },
    { "@daily",    "0 0 * * *" },
    { "@midnight", "0 0 * * *" },
    { "@hourly",   "0 * * * *" },
};

static const int month_days[13] = {
    0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
};

int
scc_cron_parse(const char *expr, scc_cron *out, char *err, size_t errlen)
{
    const char *start[6], *end[6], *p;
    uint64_t    bits[5];
    uint8_t     star[5];
    int         n = 0, i, m, d;
    size_t      k;

    if (expr == NULL) {
        scc_errmsg_set(err, errlen, "no cron expression");
        return -1;
    }
    while (isspace((unsigned char)*expr))
        expr++;
    if (*expr == '@') {
        for (k = 0; k < sizeof(macros) / sizeof(macros[0]); k++) {
            size_t l = strlen(macros[k].name);

            if (strncasecmp(expr, macros[k].name, l) == 0) {
                for (p = expr + l; isspace((unsigned char)*p); p++)
                    ;
                if (*p == '\0')
                    return scc_cron_parse(macros[k].expr, out, err, errlen);
            }
        }
        scc_errmsg_set(err, errlen, "unknown shorthand '%.20s' (use @yearly, "
                "@monthly, @weekly, @daily or @hourly)", expr);
        return -1;
    }
    for (p = expr; *p != '\0';) {
        while (isspace((unsigned char)*p))
            p++;
        if (*p == '\0')
            break;
        if (n < 6)
            start[n] = p;
        while (*p != '\0' && !isspace((unsigned char)*p))
            p++;
        if (n < 6)
            end[n] = p;
        n++;
    }
    if (n != 5) {
        scc_errmsg_set(err, errlen, "expected 5 fields (minute hour day-of-month "
                "month day-of-week), got %d", n);
        return -1;
    }
    for (i = 0; i < 5; i++)
        if (parse_field(&fields[i], start[i], end[i], &bits[i], &star[i],
                        err, errlen) != 0)
            return -1;
    memset(out, 0, sizeof(*out));
    out->minutes = bits[0];
    out->hours = (uint32_t)bits[1];
    out->mdays = (uint32_t)bits[2];
    out->months = (uint16_t)bits[3];
    out->wdays = (uint8_t)bits[4];
    out->mday_star = star[2];
    out->wday_star = star[4];

    /* With the weekday unrestricted only day-of-month decides, and
     * "30 2" would otherwise be searched for in vain. */
    if (!out->mday_star && out->wday_star) {
        for (m = 1; m <= 12; m++)
            for (d = 1; d <= month_days[m]; d++)
                if ((out->months >> m & 1) && (out->mdays >> d & 1))
                    return 0;
        scc_errmsg_set(err, errlen, "day-of-month: no chosen day occurs in the "
                "chosen months");
        return -1;
    }
    return 0;
}

/* ---- calendar arithmetic (proleptic Gregorian, no time zones) ----------- */

/* The civil date of day Z since 1970-01-01 (H. Hinnant's algorithm). */
static void
civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    int64_t  era;
    unsigned doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = (unsigned)(z - era * 146097);
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static int64_t
floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* Does local calendar day DAYS (since 1970-01-01) match? */
static int
day_matches(const scc_cron *c, int64_t days)
{
    int64_t y;
    int     m, d, wd, dom, dow;

    civil_from_days(days, &y, &m, &d);
    if (!(c->months >> m & 1))
        return 0;
    wd = (int)(((days + 4) % 7 + 7) % 7);   /* 1970-01-01 was a Thursday */
    dom = c->mdays >> d & 1;
    dow = c->wdays >> wd & 1;
    if (c->mday_star || c->wday_star)
        return dom && dow;
    return dom || dow;
}

/* ---- time zones --------------------------------------------------------- */

struct zone {
    char *saved_tz;     /* TZ before we changed it, or NULL if unset */
    int   had_tz;
};

int
scc_cron_check_zone(const char *tz, char *err, size_t errlen)
{
    const char *dir = getenv("TZDIR"), *p;
    char        path[512], magic[4];
    int         fd;
    ssize_t     n;

    if (tz == NULL || *tz == '\0') {
        scc_errmsg_set(err, errlen, "time zone: none given");
        return -1;
    }
    /* glibc would read any file the name points at, and silently use UTC
     * for a name it cannot find: both are refused here. */
    for (p = tz; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr("/_+-", *p)
            && !(*p == '.' && p[1] != '.')) {
            scc_errmsg_set(err, errlen, "time zone '%.60s': not an IANA zone "
                    "name", tz);
            return -1;
        }
    if (tz[0] == '/' || tz[0] == '.' || strstr(tz, "/.") != NULL
        || strlen(tz) > 200) {
        scc_errmsg_set(err, errlen, "time zone '%.60s': not an IANA zone name",
                tz);
        return -1;
    }
    snprintf(path, sizeof(path), "%s/%s",
             dir && *dir ? dir : "/usr/share/zoneinfo", tz);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        scc_errmsg_set(err, errlen, "time zone '%.60s': unknown (%s)", tz,
                strerror(errno));
        return -1;
    }
    n = read(fd, magic, sizeof(magic));
    close(fd);
    if (n != (ssize_t)sizeof(magic) || memcmp(magic, "TZif", 4) != 0) {
        scc_errmsg_set(err, errlen, "time zone '%.60s': not a zone file", tz);
        return -1;
    }
    return 0;
}

static int
zone_enter(struct zone *z, const char *tz, char *err, size_t errlen)
{
    const char *old = getenv("TZ");
    char        val[256];

    if (scc_cron_check_zone(tz, err, errlen) != 0)
        return -1;
    z->had_tz = old != NULL;
    z->saved_tz = NULL;
    if (old != NULL && (z->saved_tz = strdup(old)) == NULL) {
        scc_errmsg_set(err, errlen, "out of memory");
        return -1;
    }
    /* The ':' makes glibc read the zone file, never parse a POSIX rule. */
    snprintf(val, sizeof(val), ":%s", tz);
    if (setenv("TZ", val, 1) != 0) {
        scc_errmsg_set(err, errlen, "setenv TZ: %s", strerror(errno));
        free(z->saved_tz);
        return -1;
    }
    tzset();
    return 0;
}

static void
zone_leave(struct zone *z)
{
    if (z->had_tz && z->saved_tz != NULL)
        setenv("TZ", z->saved_tz, 1);
    else
        unsetenv("TZ");
    free(z->saved_tz);
    z->saved_tz = NULL;
    tzset();
}

/* UTC offset (seconds east) in force at instant T; -1 when T is absurd. */
static int
offset_at(int64_t t, long *off)
{
    time_t    tt = (time_t)t;
    struct tm tm;

    if (localtime_r(&tt, &tm) == NULL)
        return -1;
    *off = tm.tm_gmtoff;
    return 0;
}

/*
 * The instant local wall time N (naive seconds) runs at: its only or
 * first occurrence, or for a time inside a spring-forward gap the instant
 * the gap ends.
 */
static int
slot_instant(int64_t n, int64_t *out)
{
    long    oa, ob, o;
    int64_t ta, tb, lo, hi, mid;
    int     va, vb;

    if (offset_at(n - 2 * DAY, &oa) != 0 || offset_at(n + 2 * DAY, &ob) != 0)
        return -1;
    ta = n - oa;
    tb = n - ob;
    if (offset_at(ta, &o) != 0)
        return -1;
    va = o == oa;
    if (offset_at(tb, &o) != 0)
        return -1;
    vb = o == ob;
    if (va && vb) {
        *out = ta < tb ? ta : tb;
        return 0;
    }
    if (va || vb) {
        *out = va ? ta : tb;
        return 0;
    }
    /* A gap: find the first second whose offset differs from the one in
     * force just before the gap. */
    lo = ta < tb ? ta : tb;
    hi = ta < tb ? tb : ta;
    if (offset_at(lo, &oa) != 0)
        return -1;
    while (hi - lo > 1) {
        mid = lo + (hi - lo) / 2;
        if (offset_at(mid, &o) != 0)
            return -1;
        if (o == oa)
            lo = mid;
        else
            hi = mid;
    }
    *out = hi;
    return 0;
}

/* ---- searching ---------------------------------------------------------- */

/*
 * The first (DIR > 0) slot strictly after LIMIT, or the last (DIR < 0)
 * slot at or before LIMIT.  Matching local minutes are visited in order
 * from a little beyond where LIMIT falls locally, since the shift between
 * local and UTC moves by less than MAX_SHIFT.
 */
static int
search(const scc_cron *c, int64_t limit, int dir, int64_t *found,
       char *err, size_t errlen)
{
    long    off;
    int64_t naive, from, day, n, t;
    int     i, h, mi, hh, mm;

    if (offset_at(limit, &off) != 0) {
        scc_errmsg_set(err, errlen, "time out of range");
        return -1;
    }
    naive = limit + off;
    from = dir > 0 ? naive - MAX_SHIFT : naive + MAX_SHIFT;
    day = floor_div(from, DAY);
    for (i = 0; i <= SEARCH_DAYS; i++, day += dir) {
        if (!day_matches(c, day))
            continue;
        for (h = 0; h < 24; h++) {
            hh = dir > 0 ? h : 23 - h;
            if (!(c->hours >> hh & 1))
                continue;
            for (mi = 0; mi < 60; mi++) {
                mm = dir > 0 ? mi : 59 - mi;
                if (!(c->minutes >> mm & 1))
                    continue;
                n = day * DAY + hh * 3600 + mm * 60;
                if (dir > 0 ? n < from : n > from)
                    continue;
                if (slot_instant(n, &t) != 0) {
                    scc_errmsg_set(err, errlen, "time out of range");
                    return -1;
                }
                if (dir > 0 ? t > limit : t <= limit) {
                    *found = t;
                    return 0;
                }
            }
        }
    }
    scc_errmsg_set(err, errlen, "no slot within %d years", SEARCH_YEARS);
    return -1;
}

static int
slot(const scc_cron *c, const char *tz, time_t at, int dir, time_t *out,
     char *err, size_t errlen)
{
    struct zone z;
    int64_t     t;
    int         rc;

    if (c->minutes == 0 || c->hours == 0 || c->months == 0) {
        scc_errmsg_set(err, errlen, "empty schedule");
        return -1;
    }
    if (zone_enter(&z, tz, err, errlen) != 0)
        return -1;
    rc = search(c, (int64_t)at, dir, &t, err, errlen);
    zone_leave(&z);
    if (rc == 0)
        *out = (time_t)t;
    return rc;
}

int
scc_cron_next_slot(const scc_cron *cron, const char *tz, time_t after,
                   time_t *next, char *err, size_t errlen)
{
    return slot(cron, tz, after, 1, next, err, errlen);
}

int
scc_cron_prev_slot(const scc_cron *cron, const char *tz, time_t at,
                   time_t *prev, char *err, size_t errlen)
{
    return slot(cron, tz, at, -1, prev, err, errlen);
}

int
scc_cron_next(const char *expr, const char *tz, time_t after, time_t *next)
{
    scc_cron c;

    if (scc_cron_parse(expr, &c, NULL, 0) != 0)
        return -1;
    return scc_cron_next_slot(&c, tz, after, next, NULL, 0);
}

int
scc_cron_prev(const char *expr, const char *tz, time_t at, time_t *prev)
{
    scc_cron c;

    if (scc_cron_parse(expr, &c, NULL, 0) != 0)
        return -1;
    return scc_cron_prev_slot(&c, tz, at, prev, NULL, 0);
}
