/*
 * job_diag.c — diagnostic job kinds: noop, sleep and fail.  They exist so
 * tests and the benchmark can drive the real queue (leases, retries,
 * crashes) without sending anything anywhere.
 *
 * This file must never have side effects outside the job itself: no
 * email, no writes.  Only scc_owner can enqueue jobs, so these kinds give
 * nobody a new power.
 */
#include "clock.h"
#include "jobs.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

scc_job_result scc_job_noop(scc_worker *w, const scc_job *job, char *err, size_t errlen)
{
    (void)w; (void)job; (void)err; (void)errlen;
    return SCC_JOB_DONE;
}

/* {"ms": N}: wait N milliseconds (at most a day), renewing the lease, and
 * finish even when SIGTERM arrives meanwhile (that is what "finish the job
 * in hand" means; the test for it uses this kind). */
scc_job_result scc_job_sleep(scc_worker *w, const scc_job *job, char *err, size_t errlen)
{
    const char *path[] = { "ms", NULL };
    yajl_val v = yajl_tree_get(job->payload, path, yajl_t_number);
    if (v == NULL || !YAJL_IS_INTEGER(v) || YAJL_GET_INTEGER(v) < 0 ||
        YAJL_GET_INTEGER(v) > 86400000) {
        snprintf(err, errlen, "sleep: payload needs \"ms\": an integer from 0 to 86400000");
        return SCC_JOB_FAIL;
    }
    double end = (scc_clock_monotonic() * 1000) + (double)YAJL_GET_INTEGER(v);
    for (;;) {
        double left = end - (scc_clock_monotonic() * 1000);
        if (left <= 0)
            break;
        /* Wake at least every second to renew the lease when it is due. */
        int slice = left > 1000 ? 1000 : (int)left + 1;
        if (poll(NULL, 0, slice) < 0 && errno != EINTR)
            break;
        if (scc_worker_keep_lease(w) != 0) {
            snprintf(err, errlen, "sleep: lost the database while renewing the lease");
            return SCC_JOB_RETRY;
        }
    }
    return SCC_JOB_DONE;
}

/* {"error": "text", "permanent": false}: fails with that message,
 * temporarily (retried with backoff) unless permanent. */
scc_job_result scc_job_fail(scc_worker *w, const scc_job *job, char *err, size_t errlen)
{
    (void)w;
    const char *epath[] = { "error", NULL };
    const char *ppath[] = { "permanent", NULL };
    yajl_val e = yajl_tree_get(job->payload, epath, yajl_t_string);
    yajl_val p = yajl_tree_get(job->payload, ppath, yajl_t_true);
    snprintf(err, errlen, "%s", e ? YAJL_GET_STRING(e) : "failed on purpose");
    return p ? SCC_JOB_FAIL : SCC_JOB_RETRY;
}
