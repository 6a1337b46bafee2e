-- outbox_retention.sql — sql/migrations/011_outbox_and_retention.sql:
-- suppressions checked on every attempt of an email (scc.email_prepare),
-- no plain magic-link code left in a finished email job whatever way it
-- ended (trigger jobs_scrub_code), and scc.prune's retention of jobs,
-- magic links, throttle rows and session families.
-- Runs in one transaction, rolled back.
begin;
create extension if not exists pgtap;
select plan(47);

-- ---- suppressions on every attempt -----------------------------------------------------
create temporary table t (name text primary key, v bigint);
grant select on t to scc_worker;

insert into t values ('j1', scc.enqueue_job('email',
    '{"template":"login_link","to":["ann@example.com","bob@example.com"],"code":"c-retry"}'));
select results_eq(
    $$select status, recipients from scc.email_prepare((select v from t where name = 'j1'), 'noreply@scc.example',
        '{ann@example.com,bob@example.com}', '{}', 'Sign in', 'login_link', 'ses')$$,
    $$values ('sending'::text, '{ann@example.com,bob@example.com}'::text[])$$,
    'first attempt: both recipients');
insert into t select 'b1', id from scc.email_outbox where job_id = (select v from t where name = 'j1');
select scc.email_finish((select v from t where name = 'b1'), 'queued', null, 'SES 500', null);

-- bob bounces between the attempts
select scc.suppress_email('Bob@Example.com', 'bounce', 'hard bounce');
select results_eq(
    $$select status, recipients from scc.email_prepare((select v from t where name = 'j1'), 'noreply@scc.example',
        '{ann@example.com,bob@example.com}', '{}', 'Sign in', 'login_link', 'ses')$$,
    $$values ('sending'::text, '{ann@example.com}'::text[])$$,
    'the retry drops the address suppressed since the first attempt');
select results_eq(
    $$select status, attempts, recipients, last_error from scc.email_outbox where id = (select v from t where name = 'b1')$$,
    $$values ('sending'::text, 2, '{ann@example.com}'::text[], 'suppressed: bob@example.com (bounce)'::text)$$,
    'the row holds the addresses this attempt mails and says who was dropped');
select scc.email_finish((select v from t where name = 'b1'), 'queued', null, 'SES 500 again', null);

-- now ann too: nobody is left
select scc.suppress_email('ann@example.com', 'complaint');
select results_eq(
    $$select status, recipients from scc.email_prepare((select v from t where name = 'j1'), 'noreply@scc.example',
        '{ann@example.com,bob@example.com}', '{}', 'Sign in', 'login_link', 'ses')$$,
    $$values ('suppressed'::text, '{}'::text[])$$,
    'a retry with every recipient suppressed sends nothing');
select results_eq(
    $$select status, attempts, last_error from scc.email_outbox where id = (select v from t where name = 'b1')$$,
    $$values ('failed'::text, 2, 'suppressed: ann@example.com (complaint)'::text)$$,
    'the row fails as on a first attempt, attempts not counted');
select ok(not exists (select from pg_locks where locktype = 'advisory' and pid = pg_backend_pid()
                        and objid = scc.email_lock_key((select v from t where name = 'b1'))),
          'no advisory lock left behind by the suppressed retry');
select is((select status from scc.email_prepare((select v from t where name = 'j1'), 'noreply@scc.example',
            '{ann@example.com}', '{}', 'Sign in', 'login_link', 'ses')), 'failed',
          'a later attempt finds it failed: nothing to do');

select results_eq($$select keep, dropped from scc.email_unsuppressed('{x@example.com,ANN@example.com,y@example.com}')$$,
    $$values ('{x@example.com,y@example.com}'::text[], '{ANN@example.com (complaint)}'::text[])$$,
    'email_unsuppressed keeps the order and names the reason');
select ok(not has_function_privilege('scc_web', 'scc.email_unsuppressed(text[])', 'execute'),
          'scc_web may not call email_unsuppressed');

-- ---- no code in a finished email job -------------------------------------------------------
-- one job per way a job ends; each holds a code while queued
create function pg_temp.email_job(code text, attempts int default 5) returns bigint language sql as $$
    select scc.enqueue_job('email', jsonb_build_object('template', 'login_link', 'to', 'zed@example.com',
                                                        'code', code), now(), 0, null, attempts)
$$;
insert into t values ('done', pg_temp.email_job('c-done')),
                     ('perm', pg_temp.email_job('c-perm')),
                     ('used', pg_temp.email_job('c-used', 1)),
                     ('retry', pg_temp.email_job('c-retry2')),
                     ('defer', pg_temp.email_job('c-defer', 1)),
                     ('reaped', pg_temp.email_job('c-reaped', 1)),
                     ('requeued', pg_temp.email_job('c-requeued', 2)),
                     ('release', pg_temp.email_job('c-release', 1));
insert into t values ('noop', scc.enqueue_job('noop', '{"code":"not-an-email"}'));

set local role scc_worker;
select is((select count(*)::int from scc.claim_jobs('w1', array['email', 'noop'], 100, 60)), 10,
          'the worker claims them all');
reset role;
select ok((select bool_and(payload ? 'code') from scc.jobs where kind = 'email' and state = 'running'),
          'running email jobs keep their code');

set local role scc_worker;
select is(scc.complete_jobs('w1', array[(select v from t where name = 'done')]), 1, 'sent: done');
select is(scc.fail_job('w1', (select v from t where name = 'perm'), 'bad recipient', 1, true), 'dead',
          'bad recipient / bad template name: dead at once');
select is(scc.fail_job('w1', (select v from t where name = 'used'), 'no sender configured', 1), 'dead',
          'no sender on the last attempt: dead');
select is(scc.fail_job('w1', (select v from t where name = 'retry'), 'no template', 1), 'queued',
          'a failure with attempts left: queued');
select is(scc.defer_job('w1', (select v from t where name = 'defer'), 'sending paused', 1), 'queued',
          'a pause: deferred');
select is(scc.release_jobs('w1', array[(select v from t where name = 'release')]), 1, 'given back on SIGTERM');
select is(scc.complete_jobs('w1', array[(select v from t where name = 'noop')]), 1, 'the noop job: done');
reset role;

select is((select payload ? 'code' from scc.jobs where id = (select v from t where name = 'done')), false,
          'done: code gone');
select is((select payload ? 'code' from scc.jobs where id = (select v from t where name = 'perm')), false,
          'dead at once: code gone');
select is((select payload ? 'code' from scc.jobs where id = (select v from t where name = 'used')), false,
          'dead after its last attempt: code gone');
select is((select payload ->> 'code' from scc.jobs where id = (select v from t where name = 'retry')), 'c-retry2',
          'queued for a retry: code kept');
select is((select payload ->> 'code' from scc.jobs where id = (select v from t where name = 'defer')), 'c-defer',
          'deferred: code kept');
select is((select payload ->> 'code' from scc.jobs where id = (select v from t where name = 'release')), 'c-release',
          'given back: code kept');
select is((select payload ->> 'code' from scc.jobs where id = (select v from t where name = 'noop')), 'not-an-email',
          'another kind''s payload is left alone');
select is((select payload ->> 'to' from scc.jobs where id = (select v from t where name = 'done')), 'zed@example.com',
          'the rest of the payload stays');

-- a crashed worker's leases expire: reaped as dead (last attempt) or queued
update scc.jobs set locked_until = now() - interval '1 second'
 where id in ((select v from t where name = 'reaped'), (select v from t where name = 'requeued'));
set local role scc_worker;
select is(scc.recover_jobs(), 2, 'two expired leases recovered');
reset role;
select results_eq($$select state, payload ? 'code' from scc.jobs where id = (select v from t where name = 'reaped')$$,
    $$values ('dead'::text, false)$$, 'lease expired on the last attempt: dead, code gone');
select results_eq($$select state, payload ? 'code' from scc.jobs where id = (select v from t where name = 'requeued')$$,
    $$values ('queued'::text, true)$$, 'lease expired with attempts left: queued, code kept');

-- an owner parking a job by hand (a cancel) and a row written already finished
update scc.jobs set state = 'dead', finished_at = now(), locked_until = null, locked_by = null
 where id = (select v from t where name = 'retry');
select is((select payload ? 'code' from scc.jobs where id = (select v from t where name = 'retry')), false,
          'cancelled by hand (set dead): code gone');
insert into scc.jobs (kind, payload, state, finished_at)
values ('email', '{"template":"invite","to":"x@example.com","code":"c-insert"}', 'done', now())
returning id as inserted \gset
select is((select payload ? 'code' from scc.jobs where id = :inserted), false, 'inserted as done: no code');

-- ---- scc.prune --------------------------------------------------------------------------
select ok((select p.prosecdef and p.proconfig @> array['search_path=pg_catalog, scc']
             from pg_proc as p
            where p.oid = 'scc.prune(double precision, double precision, double precision, double precision, double precision, int)'::regprocedure),
          'scc.prune is security definer with a pinned search_path');
select ok(has_function_privilege('scc_worker', 'scc.prune(double precision, double precision, double precision, double precision, double precision, int)', 'execute'),
          'scc_worker may prune');
select ok(not has_function_privilege('scc_web', 'scc.prune(double precision, double precision, double precision, double precision, double precision, int)', 'execute'),
          'scc_web may not');
select hasnt_function('scc', 'prune_jobs', 'scc.prune_jobs is gone: scc.prune is the one way to prune');
select throws_ok($$select * from scc.prune(7, -1, 7, 1, 30)$$, '22023', null, 'a negative retention is refused');
select throws_ok($$select * from scc.prune(7, 30, 7, 1, 30, 0)$$, '22023', null, 'max_rows 0 is refused');

-- a clean slate for counting
delete from scc.jobs;
delete from scc.magic_link_throttle;
delete from scc.magic_links;
delete from scc.sessions;
insert into scc.jobs (kind, payload, state, finished_at) values
    ('noop', '{"n":"done-old"}',  'done', now() - interval '8 days'),
    ('noop', '{"n":"done-new"}',  'done', now() - interval '6 days'),
    ('fail', '{"n":"dead-old"}',  'dead', now() - interval '31 days'),
    ('fail', '{"n":"dead-new"}',  'dead', now() - interval '29 days'),
    ('noop', '{"n":"queued-old"}', 'queued', null);
update scc.jobs set created_at = now() - interval '90 days' where payload ->> 'n' = 'queued-old';

insert into scc.users (id, email, role) values
    ('00000000-0000-4000-8000-0000000000a1', 'prune-a@example.com', 'crew');
insert into scc.magic_links (code_hash, purpose, email, role, expires_at, consumed_at, created_at) values
    (sha256('l-expired-old'), 'login', 'prune-a@example.com', 'crew', now() - interval '8 days', null, now() - interval '9 days'),
    (sha256('l-expired-new'), 'login', 'prune-a@example.com', 'crew', now() - interval '6 days', null, now() - interval '7 days'),
    (sha256('l-used-old'),    'login', 'prune-a@example.com', 'crew', now() + interval '1 day', now() - interval '8 days', now() - interval '9 days'),
    (sha256('l-live-old'),    'invite', 'prune-a@example.com', 'crew', now() + interval '1 day', null, now() - interval '29 days');
insert into scc.magic_link_throttle (email_hash, last_at) values
    (sha256('t-old'), now() - interval '2 days'),
    (sha256('t-new'), now() - interval '1 hour');
-- family f1: rotated twice, then revoked 40 days ago: ended
-- family f2: rotated, its newest token expired 10 days ago: ended, but not long enough
-- family f3: an old rotated (revoked) token and a live successor: live
insert into scc.sessions (id, user_id, family, refresh_hash, expires_at, revoked_at, replaced_by, created_at) values
    ('00000000-0000-4000-8000-00000000f103', '00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-0000000000f1',
     sha256('s13'), now() + interval '1 day', now() - interval '40 days', null, now() - interval '60 days'),
    ('00000000-0000-4000-8000-00000000f102', '00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-0000000000f1',
     sha256('s12'), now() + interval '1 day', now() - interval '50 days', '00000000-0000-4000-8000-00000000f103', now() - interval '61 days'),
    ('00000000-0000-4000-8000-00000000f101', '00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-0000000000f1',
     sha256('s11'), now() + interval '1 day', now() - interval '55 days', '00000000-0000-4000-8000-00000000f102', now() - interval '62 days'),
    ('00000000-0000-4000-8000-00000000f202', '00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-0000000000f2',
     sha256('s22'), now() - interval '10 days', null, null, now() - interval '40 days'),
    ('00000000-0000-4000-8000-00000000f201', '00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-0000000000f2',
     sha256('s21'), now() - interval '30 days', now() - interval '60 days', '00000000-0000-4000-8000-00000000f202', now() - interval '70 days'),
    ('00000000-0000-4000-8000-00000000f302', '00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-0000000000f3',
     sha256('s32'), now() + interval '20 days', null, null, now() - interval '50 days'),
    ('00000000-0000-4000-8000-00000000f301', '00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-0000000000f3',
     sha256('s31'), now() + interval '20 days', now() - interval '50 days', '00000000-0000-4000-8000-00000000f302', now() - interval '90 days');

set local role scc_worker;
select results_eq($$select what, deleted from scc.prune(7, 30, 7, 1, 30)$$,
    $$values ('done jobs'::text, 1), ('dead jobs', 1), ('magic links', 2), ('throttle rows', 1), ('sessions', 3)$$,
    'prune reports what it deleted, kind by kind');
reset role;
select is((select string_agg(payload ->> 'n', ',' order by payload ->> 'n') from scc.jobs),
          'dead-new,done-new,queued-old', 'done and dead jobs past their retention are gone; a queued job is never pruned');
select is((select count(*)::int from scc.magic_links where code_hash in (sha256('l-expired-new'), sha256('l-live-old'))), 2,
          'a recently expired link and a live link (however old) stay');
select is((select count(*)::int from scc.magic_links where code_hash in (sha256('l-expired-old'), sha256('l-used-old'))), 0,
          'links expired or consumed before the retention are gone');
select is((select count(*)::int from scc.magic_link_throttle where email_hash = sha256('t-new')), 1,
          'a recent throttle row stays');
select is((select string_agg(distinct family::text, ',') from scc.sessions where user_id = '00000000-0000-4000-8000-0000000000a1'),
          '00000000-0000-4000-8000-0000000000f2,00000000-0000-4000-8000-0000000000f3',
          'only the family that ended before the retention is gone');
select is((select count(*)::int from scc.sessions where family = '00000000-0000-4000-8000-0000000000f3'), 2,
          'a live family keeps its rotated tokens (reuse detection)');

-- bounded batches
insert into scc.jobs (kind, payload, state, finished_at)
select 'noop', '{}', 'done', now() - interval '9 days' from generate_series(1, 5);
select is((select deleted from scc.prune(7, 30, 7, 1, 30, 2) where what = 'done jobs'), 2, 'at most max_rows a call');
select is((select count(*)::int from scc.jobs where state = 'done' and finished_at < now() - interval '7 days'), 3,
          'the rest waits for the next call');
select is((select deleted from scc.prune(0, 30, 7, 1, 30) where what = 'done jobs'), 4,
          'retention 0: every done job goes');

select * from finish();
rollback;
