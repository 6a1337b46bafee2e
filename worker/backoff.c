/*
 * backoff.c — exponential backoff with jitter (see backoff.h).
 *
 * This file must never sleep or touch the database: callers decide what to
 * do with the delay (a job's next run_at, the wait before reconnecting).
 */
#include "backoff.h"

#include <math.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

double scc_backoff(int attempt, double base, double cap, double r)
{
    if (attempt < 1)
        attempt = 1;
    if (r < 0)
        r = 0;
    if (r >= 1)
        r = 0.999999;
    /* 2^(attempt-1) overflows nothing as a double, but cap it early so a
     * job with 100 attempts does not compute 2^99 seconds. */
    double d = base * ldexp(1.0, attempt > 60 ? 60 : attempt - 1);
    if (d > cap)
        d = cap;
    return d / 2 + r * (d / 2);
}

double scc_backoff_random(void)
{
    static int seeded;
    static unsigned short state[3];
    if (!seeded) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        state[0] = (unsigned short)ts.tv_nsec;
        state[1] = (unsigned short)(ts.tv_nsec >> 16) ^ (unsigned short)getpid();
        state[2] = (unsigned short)ts.tv_sec;
        seeded = 1;
    }
    return erand48(state);
}
