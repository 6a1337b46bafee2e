-- 047_worker_stats.sql — the job queue's and the outbox's figures for
-- `scc-worker stats` (issue 12, "Metrics"; helper Q5), which prints them in
-- Prometheus's text format like the module's /metrics.
--
-- One function, read-only, granted to scc_worker: the worker has no table
-- privilege on scc.jobs or scc.email_outbox and needs none for this.

-- scc.worker_stats(): one row a figure, in the order they are printed:
--   name         the metric's name (scc_jobs_*, scc_email_outbox)
--   type         'gauge' (each figure says how things stand now)
--   help         the metric's HELP text, the same on each of its rows
--   label        the one label's name ('kind', 'status'), or null
--   label_value  its value
--   value        the figure (a count, or seconds with milliseconds)
-- The figures:
--   scc_jobs_queued{kind}, scc_jobs_running{kind}, scc_jobs_dead{kind}:
--     jobs in that state, for every kind that has a job queued, running or
--     dead (0 where it has none in that state): a kind appears once it
--     has one and stays while any is kept;
--   scc_jobs_due: queued jobs whose run_at has come (waiting for a worker);
--   scc_jobs_oldest_queued_age_seconds: how long the oldest due job has
--     been waiting (now - run_at), 0 when none is due: a worker that has
--     stopped shows as a growing age;
--   scc_email_outbox{status}: outbox rows by status, every status of
--     email_outbox_status_check (queued, sending, sent, failed, unknown).
-- Done jobs are not counted (they are pruned after job_retention).
create function scc.worker_stats()
returns table (name text, type text, help text, label text, label_value text, value numeric)
language sql
stable
security definer
set search_path = pg_catalog, scc
as $$
    with by_kind as (
        select j.kind,
               count(*) filter (where j.state = 'queued') as queued,
               count(*) filter (where j.state = 'running') as running,
               count(*) filter (where j.state = 'dead') as dead
          from scc.jobs as j
         where j.state in ('queued', 'running', 'dead')
         group by j.kind
    ),
    due as (
        select count(*) as n,
               coalesce(extract(epoch from now() - min(j.run_at)), 0) as age
          from scc.jobs as j
         where j.state = 'queued' and j.run_at <= now()
    ),
    figures (ord, name, help, label, label_value, value) as (
        select 1, 'scc_jobs_queued', 'Jobs queued, by kind (due or not).', 'kind', k.kind, k.queued::numeric
          from by_kind as k
        union all
        select 2, 'scc_jobs_running', 'Jobs a worker holds under a lease, by kind.', 'kind', k.kind, k.running
          from by_kind as k
        union all
        select 3, 'scc_jobs_dead', 'Jobs that failed their last attempt, by kind (kept for inspection).',
               'kind', k.kind, k.dead
          from by_kind as k
        union all
        select 4, 'scc_jobs_due', 'Queued jobs whose time has come, waiting for a worker.', null, null, d.n
          from due as d
        union all
        select 5, 'scc_jobs_oldest_queued_age_seconds',
               'How long the oldest due job has waited for a worker (0: none waits).', null, null,
               trim_scale(round(d.age::numeric, 3))
          from due as d
        union all
        select 6, 'scc_email_outbox', 'Emails in the outbox, by status.', 'status', s.status,
               coalesce(o.n, 0)
          from unnest(array['queued', 'sending', 'sent', 'failed', 'unknown']) as s (status)
          left join (select x.status, count(*) as n from scc.email_outbox as x group by x.status) as o
                 on o.status = s.status
    )
    select f.name, 'gauge', f.help, f.label, f.label_value, f.value
      from figures as f
     order by f.ord, f.label_value;
$$;

comment on function scc.worker_stats() is
    'the job queue''s and the outbox''s figures, one row a metric and label, for `scc-worker stats` (Prometheus text)';

revoke all on function scc.worker_stats() from public;
grant execute on function scc.worker_stats() to scc_worker;
