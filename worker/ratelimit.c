/*
 * ratelimit.c — token bucket arithmetic (see ratelimit.h).
 *
 * This file must never sleep: callers decide how to wait.
 */
#include "ratelimit.h"

#include <time.h>

void scc_ratelimit_init(scc_ratelimit *rl, double rate, double burst, double now)
{
    rl->rate = rate;
    rl->burst = burst < 1 ? 1 : burst;
    rl->tokens = rl->burst;
    rl->last = now;
}

double scc_ratelimit_take(scc_ratelimit *rl, double now)
{
    if (rl->rate <= 0)
        return 0;
    /* A clock that went backwards (it should not: monotonic) adds nothing. */
    if (now > rl->last) {
        rl->tokens += (now - rl->last) * rl->rate;
        if (rl->tokens > rl->burst)
            rl->tokens = rl->burst;
        rl->last = now;
    }
    /* The epsilon absorbs rounding: a caller who waited exactly what it was
     * told must get its token, not a wait of 1e-17 s. */
    if (rl->tokens >= 1 - 1e-9) {
        rl->tokens = rl->tokens >= 1 ? rl->tokens - 1 : 0;
        return 0;
    }
    return (1 - rl->tokens) / rl->rate;
}
