/*
 * clock.h — the worker's one monotonic clock: intervals, timeouts, leases
 * and rates are measured on it, never on the wall clock (which jumps).
 *
 * This file must never sleep: callers wait with poll() or nanosleep.
 */
#ifndef SCC_CLOCK_H
#define SCC_CLOCK_H

/* Seconds on CLOCK_MONOTONIC (an arbitrary origin; only differences mean
 * anything). */
double scc_clock_monotonic(void);

#endif
