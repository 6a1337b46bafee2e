-- 007_defer_jobs.sql — a job that was not run is not a failed attempt.
--
-- Why: when the email provider pauses the account (SES SendingPaused,
-- AccountSuspended), every email job the worker claims can only wait; with
-- scc.fail_job each of those claims used an attempt, so a pause longer
-- than a job's remaining retries made it dead although nothing was tried.
-- scc.defer_job puts a held job back to run after delay_seconds without
-- counting the claim's attempt (like scc.release_jobs, with a time and a
-- reason).

-- scc.defer_job: a held job that was not run goes back to the queue,
-- runnable delay_seconds from now, attempts as before the claim, last_error
-- saying why.  Returns 'queued', or null when the worker no longer holds it.
create function scc.defer_job(worker text, id bigint, reason text, delay_seconds double precision)
returns text
language sql
volatile
security definer
set search_path = pg_catalog, scc
as $$
    update scc.jobs as j
    set state        = 'queued',
        attempts     = greatest(j.attempts - 1, 0),
        run_at       = now() + make_interval(secs => greatest(defer_job.delay_seconds, 0)),
        last_error   = left(coalesce(defer_job.reason, 'deferred'), 2000),
        locked_until = null,
        locked_by    = null,
        updated_at   = now()
    where j.id = defer_job.id and j.state = 'running' and j.locked_by = defer_job.worker
    returning j.state
$$;
comment on function scc.defer_job(text, bigint, text, double precision) is
    'a held job that was not run: queued again after delay_seconds, the attempt not counted';
grant execute on function scc.defer_job(text, bigint, text, double precision) to scc_worker;
