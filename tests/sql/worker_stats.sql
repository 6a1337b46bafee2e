-- worker_stats.sql — scc.worker_stats() (sql/migrations/047_worker_stats.sql),
-- what `scc-worker stats` prints: its privileges, its rows (one a metric and
-- label, in order, HELP the same on each row of a metric), the figures over
-- jobs in every state, and that its outbox statuses are exactly the ones
-- email_outbox_status_check allows.  Runs in one transaction, rolled back.
begin;
create extension if not exists pgtap;
select plan(10);

select ok((select p.prosecdef and p.proconfig @> array['search_path=pg_catalog, scc'] and p.provolatile = 's'
             from pg_proc as p where p.oid = 'scc.worker_stats()'::regprocedure),
          'scc.worker_stats is a stable security definer with a pinned search_path');
select ok(has_function_privilege('scc_worker', 'scc.worker_stats()', 'execute'), 'scc_worker may call it');
select ok(not has_function_privilege('scc_web', 'scc.worker_stats()', 'execute'), 'scc_web may not');
select ok(obj_description('scc.worker_stats()'::regprocedure, 'pg_proc') is not null, 'it has a comment');

truncate scc.jobs cascade;
select scc.enqueue_job('noop', '{}', now() - interval '2 min');
select scc.enqueue_job('noop', '{}', now() + interval '1 h');
select scc.enqueue_job('other', '{}');
update scc.jobs set state = 'dead' where kind = 'other';
select scc.enqueue_job('gone', '{}');
update scc.jobs set state = 'done', finished_at = now() where kind = 'gone';

create temporary table s as select * from scc.worker_stats();

select is((select string_agg(name || coalesce('{' || label || '=' || label_value || '}', '') || ' ' || value, ', '
                              order by ord)
             from (select *, row_number() over () as ord from s) as x
            where name like 'scc_jobs%' and name <> 'scc_jobs_oldest_queued_age_seconds'),
          'scc_jobs_queued{kind=noop} 2, scc_jobs_queued{kind=other} 0, '
          'scc_jobs_running{kind=noop} 0, scc_jobs_running{kind=other} 0, '
          'scc_jobs_dead{kind=noop} 0, scc_jobs_dead{kind=other} 1, scc_jobs_due 1',
          'jobs by kind and state (done ones not counted), in order; due: the one whose time has come');
select ok((select value between 119 and 600 from s where name = 'scc_jobs_oldest_queued_age_seconds'),
          'the oldest due job has waited about two minutes');
select is((select count(distinct help)::int from s group by name order by 1 desc limit 1), 1,
          'one HELP a metric');
select ok((select bool_and(type = 'gauge') from s), 'every figure is a gauge');
select is((select array_agg(label_value order by label_value) from s where name = 'scc_email_outbox'),
          (select array_agg(v order by v)
             from regexp_matches((select pg_get_constraintdef(c.oid) from pg_constraint as c
                                   where c.conname = 'email_outbox_status_check'), '''([a-z]+)''', 'g') as m (a),
                  lateral (select m.a[1] as v) as l),
          'the outbox statuses are exactly those email_outbox_status_check allows');

truncate scc.jobs cascade;
select is((select value from scc.worker_stats() where name = 'scc_jobs_oldest_queued_age_seconds'), 0::numeric,
          'no due job: age 0');

select * from finish();
rollback;
