/*
 * ratelimit.h — a token bucket: at most `rate` events per second on
 * average, with bursts of at most `burst` events.
 *
 * The clock is passed in (seconds, monotonic), so the arithmetic is unit
 * tested without sleeping; the caller sleeps for what scc_ratelimit_take
 * says.  This file must never sleep or read the clock itself.
 */
#ifndef SCC_RATELIMIT_H
#define SCC_RATELIMIT_H

typedef struct {
    double rate;     /* tokens per second; <= 0 means no limit */
    double burst;    /* bucket size (>= 1) */
    double tokens;   /* tokens now */
    double last;     /* clock of the last update */
} scc_ratelimit;

/* rate per second (0 = off); burst = max(1, burst).  The bucket starts full. */
void scc_ratelimit_init(scc_ratelimit *rl, double rate, double burst, double now);

/* Take one token at time `now`.  Returns 0 when one was available (it is
 * taken), else the seconds to wait before one will be (nothing taken: call
 * again after waiting). */
double scc_ratelimit_take(scc_ratelimit *rl, double now);

#endif
