/*
 * Fuzz target: the cron parser (worker/cron.c) on any expression; a parsed
 * one must give a next slot after and a previous slot at or before a fixed
 * instant in a zone with daylight saving, or a clear error.
 */
#include "cron.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t size)
{
    char err[256];
    char *expr = malloc(size + 1);
    if (expr == NULL)
        return 0;
    memcpy(expr, bytes, size);
    expr[size] = '\0';
    scc_cron c;
    if (scc_cron_parse(expr, &c, err, sizeof(err)) == 0) {
        const time_t at = 1793440800; /* 2026-11-01, around a DST change in LA */
        time_t next, prev;
        if (scc_cron_next_slot(&c, "America/Los_Angeles", at, &next, err, sizeof(err)) == 0 &&
            next <= at)
            abort();
        if (scc_cron_prev_slot(&c, "America/Los_Angeles", at, &prev, err, sizeof(err)) == 0 &&
            prev > at)
            abort();
    }
    free(expr);
    return 0;
}
