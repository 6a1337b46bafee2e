-- jobs.sql — pgTAP: the job queue and report schedules of migration
-- 002_jobs.sql: enqueue_job's contract (unique keys, defaults), claim /
-- complete / fail / release / recover as the worker role, the notify
-- trigger, schedule_report / enqueue_report validation, privileges.
-- Runs as the superuser inside one transaction that is rolled back.
begin;
create extension if not exists pgtap;
select plan(42);

-- ---- tables, functions, privileges ---------------------------------------------
select has_table('scc', 'jobs', 'scc.jobs exists');
select has_table('scc', 'report_schedules', 'scc.report_schedules exists');
select has_function('scc', 'enqueue_job', array['text', 'jsonb', 'timestamp with time zone', 'integer', 'text', 'integer'],
                    'scc.enqueue_job(kind, payload, run_at, priority, unique_key, max_attempts)');
select has_trigger('scc', 'jobs', 'jobs_notify', 'jobs has the notify trigger');
select ok(has_function_privilege('scc_worker', 'scc.claim_jobs(text, text[], int, double precision)', 'execute'),
          'scc_worker may claim');
select ok(has_function_privilege('scc_worker', 'scc.enqueue_job(text, jsonb, timestamptz, int, text, int)', 'execute'),
          'scc_worker may enqueue (report -> email)');
select ok(not has_function_privilege('scc_worker', 'scc.schedule_report(text, text, text, text[], jsonb)', 'execute'),
          'scc_worker may not create schedules');
select ok(not has_function_privilege('scc_web', 'scc.enqueue_job(text, jsonb, timestamptz, int, text, int)', 'execute'),
          'scc_web may not enqueue directly');
select ok(not has_table_privilege('scc_worker', 'scc.jobs', 'select'), 'scc_worker has no table privilege on scc.jobs');
select ok((select bool_and(p.prosecdef and p.proconfig @> array['search_path=pg_catalog, scc'])
             from pg_proc as p
            where p.pronamespace = 'scc'::regnamespace
              and p.proname in ('enqueue_job', 'claim_jobs', 'complete_jobs', 'fail_job', 'release_jobs',
                                'recover_jobs', 'extend_leases', 'prune_jobs', 'schedule_report',
                                'unschedule_report', 'enqueue_report', 'due_schedules',
                                'enqueue_schedule_slot', 'park_schedule')),
          'queue and schedule functions are security definer with a pinned search_path');

-- ---- enqueue_job -----------------------------------------------------------------
create temporary table t (name text primary key, v bigint);
grant select on t to scc_worker;
insert into t values ('a', scc.enqueue_job('noop', '{"x":1}'));
select is((select state || ' ' || priority || ' ' || attempts || ' ' || max_attempts from scc.jobs where id = (select v from t where name = 'a')),
          'queued 0 0 5', 'defaults: queued, priority 0, no attempt, 5 attempts');
select ok((select run_at <= now() from scc.jobs where id = (select v from t where name = 'a')), 'run_at defaults to now');
insert into t values ('k1', scc.enqueue_job('noop', '{}', now(), 0, 'pgtap:key'));
select is(scc.enqueue_job('noop', '{"other":1}', now(), 5, 'pgtap:key'), (select v from t where name = 'k1'),
          'an existing unique key returns the existing id');
select is((select count(*)::int from scc.jobs where unique_key = 'pgtap:key'), 1, '... and inserts nothing');
update scc.jobs set state = 'done', finished_at = now() where id = (select v from t where name = 'k1');
select is(scc.enqueue_job('noop', '{}', now(), 0, 'pgtap:key'), (select v from t where name = 'k1'),
          'a finished job still holds its key');
select throws_ok($$select scc.enqueue_job('noop', '[1]')$$, '23514', null, 'payload must be an object');
select throws_ok($$select scc.enqueue_job('Bad Kind', '{}')$$, '23514', null, 'kind must be a lower-case name');
select throws_ok($$select scc.enqueue_job(null, '{}')$$, '22004', null, 'kind is required');

-- ---- claim, complete, fail, release, recover (as the worker role) ----------------
delete from scc.jobs;
insert into t values ('low', scc.enqueue_job('noop', '{}', now() - interval '1 minute', 0));
insert into t values ('high', scc.enqueue_job('noop', '{}', now(), 9));
insert into t values ('later', scc.enqueue_job('noop', '{}', now() + interval '1 hour', 99));
insert into t values ('other', scc.enqueue_job('pgtap_other', '{}', now(), 50));
set local role scc_worker;
select is((select array_agg(id order by ord) from scc.claim_jobs('w1', array['noop'], 10, 60) with ordinality as c(id, kind, payload, attempts, max_attempts, ord)),
          (select array[(select v from t where name = 'high'), (select v from t where name = 'low')]),
          'claim: due jobs of the given kinds only, highest priority first');
select is(scc.complete_jobs('w2', array[(select v from t where name = 'high')]), 0, 'another worker cannot complete my job');
select is(scc.complete_jobs('w1', array[(select v from t where name = 'high')]), 1, 'complete');
select is(scc.fail_job('w1', (select v from t where name = 'low'), 'oops', 30), 'queued', 'fail with attempts left: queued again');
reset role;
select ok((select run_at > now() + interval '29 seconds' and last_error = 'oops' and locked_by is null
             from scc.jobs where id = (select v from t where name = 'low')), '... after the delay, error kept');
update scc.jobs set run_at = now(), attempts = 4 where id = (select v from t where name = 'low');
set local role scc_worker;
select is((select count(*)::int from scc.claim_jobs('w1', array['noop'], 10, 60)), 1, 'claim its last attempt');
select is(scc.fail_job('w1', (select v from t where name = 'low'), 'still broken', 30), 'dead', 'out of attempts: dead');
reset role;
select is((select state || ' ' || attempts || ' ' || last_error from scc.jobs where id = (select v from t where name = 'low')),
          'dead 5 still broken', 'dead keeps attempts and the last error');
update scc.jobs set run_at = now() where id = (select v from t where name = 'later');
set local role scc_worker;
select is((select count(*)::int from scc.claim_jobs('w3', array['noop'], 10, 60)), 1, 'claim the later job');
select is(scc.release_jobs('w3', array[(select v from t where name = 'later')]), 1, 'release it');
reset role;
select is((select state || ' ' || attempts from scc.jobs where id = (select v from t where name = 'later')),
          'queued 0', 'released: queued, attempt not counted');
set local role scc_worker;
select is((select count(*)::int from scc.claim_jobs('w4', array['noop'], 10, 60)), 1, 'claim again');
reset role;
update scc.jobs set locked_until = now() - interval '1 second' where id = (select v from t where name = 'later');
set local role scc_worker;
select is(scc.recover_jobs(), 1, 'an expired lease is recovered');
reset role;
select is((select state || ' ' || attempts || ' ' || last_error from scc.jobs where id = (select v from t where name = 'later')),
          'queued 1 lease expired on w4 during attempt 1', 'recovered: queued again, attempts kept, why noted');

-- ---- schedules -------------------------------------------------------------------
select lives_ok($$insert into t values ('s', scc.schedule_report('ceo', '0 7 * * MON-FRI', 'America/Los_Angeles',
                                                              array['ceo@scc.example'], '{"period":"last_week"}'))$$,
                'schedule_report with a valid kind, cron, zone and recipients');
select is((select kind || ' ' || cron || ' ' || time_zone || ' ' || enabled from scc.report_schedules where id = (select v from t where name = 's')),
          'ceo 0 7 * * MON-FRI America/Los_Angeles true', 'the schedule row');
select throws_ok($$select scc.schedule_report('ceoo', '0 7 * * *', 'UTC', array['a@b.co'])$$, '22023', null, 'unknown kind refused');
select throws_ok($$select scc.schedule_report('ceo', '0 7 * *', 'UTC', array['a@b.co'])$$, '22023', null, 'four fields refused');
select throws_ok($$select scc.schedule_report('ceo', '0 7 * * *; drop table x', 'UTC', array['a@b.co'])$$, '22023', null, 'junk after cron refused');
select throws_ok($$select scc.schedule_report('ceo', '0 7 * * *', 'Mars/Olympus', array['a@b.co'])$$, '22023', null, 'unknown zone refused');
select throws_ok($$select scc.schedule_report('ceo', '0 7 * * *', 'UTC', array[]::text[])$$, '22023', null, 'no recipients refused');
select throws_ok($$select scc.schedule_report('ceo', '0 7 * * *', 'UTC', array['not-an-address'])$$, '22023', null, 'bad recipient refused');
select throws_ok($$select scc.enqueue_report('cmo', '', array['a@b.co'])$$, '22023', null, 'enqueue_report needs a period');
insert into t values ('r', scc.enqueue_report('cmo', '2026-10', array['a@b.co']));
select is((select j.kind || ' ' || r.kind || ' ' || r.period from scc.jobs as j
             join scc.report_runs as r on r.id = (j.payload ->> 'run_id')::bigint
            where j.id = (select v from t where name = 'r')),
          'report cmo 2026-10', 'enqueue_report queues a report job for its run (033)');

select * from finish();
rollback;
