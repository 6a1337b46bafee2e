/*
 * clock.c — the monotonic clock (see clock.h).
 *
 * This file must never read the wall clock: durations only.
 */
#include "clock.h"

#include <time.h>

double scc_clock_monotonic(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}
