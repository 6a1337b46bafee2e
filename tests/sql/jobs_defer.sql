-- jobs_defer.sql — scc.defer_job (sql/migrations/007_defer_jobs.sql):
-- a held job that was not run goes back to the queue for later without
-- using an attempt, so a long provider pause cannot make jobs dead.
-- Runs in one transaction, rolled back.
begin;
create extension if not exists pgtap;
select plan(12);

select ok((select p.prosecdef and p.proconfig @> array['search_path=pg_catalog, scc']
             from pg_proc as p
            where p.oid = 'scc.defer_job(text, bigint, text, double precision)'::regprocedure),
          'scc.defer_job is security definer with a pinned search_path');
select ok(has_function_privilege('scc_worker', 'scc.defer_job(text, bigint, text, double precision)', 'execute'),
          'scc_worker may defer jobs');
select ok(not has_function_privilege('scc_web', 'scc.defer_job(text, bigint, text, double precision)', 'execute'),
          'scc_web may not');

-- one attempt only: a counted attempt would make it dead
create temporary table t (v bigint);
grant select on t to scc_worker;
insert into t select scc.enqueue_job('noop', '{}', max_attempts => 1);

set local role scc_worker;
select is((select count(*)::int from scc.claim_jobs('w1', array['noop'], 10, 60)), 1, 'claimed (attempt 1 of 1)');
select is(scc.defer_job('w2', (select v from t), 'not mine', 30), null, 'another worker cannot defer it');
select is(scc.defer_job('w1', (select v from t), 'sending is paused', 30), 'queued', 'deferred by its holder');
reset role;

select is((select state || ' ' || attempts || ' ' || last_error from scc.jobs where id = (select v from t)),
          'queued 0 sending is paused', 'queued, the attempt not counted, why noted');
select ok((select run_at between now() + interval '29 seconds' and now() + interval '31 seconds'
             from scc.jobs where id = (select v from t)), 'runnable 30 s from now');

set local role scc_worker;
select is((select count(*)::int from scc.claim_jobs('w1', array['noop'], 10, 60)), 0, 'not claimable before then');
select is(scc.defer_job('w1', (select v from t), 'again', 30), null, 'a job not held cannot be deferred');
reset role;

update scc.jobs set run_at = now() where id = (select v from t);
set local role scc_worker;
select is((select count(*)::int from scc.claim_jobs('w1', array['noop'], 10, 60)), 1, 'claimed again when due');
reset role;
select is((select state || ' ' || attempts || '/' || max_attempts from scc.jobs where id = (select v from t)),
          'running 1/1', 'its one attempt is still there to use');

select * from finish();
rollback;
