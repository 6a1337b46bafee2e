/*
 * backoff.h — how long to wait before trying again: exponential backoff
 * with jitter, for failed jobs and for reconnecting to PostgreSQL.
 *
 * This file must never sleep, read the clock or touch anything: it only
 * computes a delay, so it is unit-tested with a fixed random value.
 */
#ifndef SCC_BACKOFF_H
#define SCC_BACKOFF_H

/*
 * The delay before attempt `attempt + 1` after `attempt` failures (attempt
 * >= 1): d = min(cap, base * 2^(attempt-1)), then "equal jitter":
 * d/2 + r * d/2, with r in [0, 1).  Half the delay is guaranteed (so
 * retries do back off) and the other half is spread, so many jobs that
 * failed together do not all come back in the same instant.
 * base and cap in seconds; returns seconds.
 */
double scc_backoff(int attempt, double base, double cap, double r);

/* A uniform value in [0, 1) from the process's own generator (seeded once
 * from the clock and the pid), for callers of scc_backoff. */
double scc_backoff_random(void);

#endif
