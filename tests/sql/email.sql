-- email.sql — the email outbox (sql/migrations/003_email.sql): who may
-- do what, and the state machine the worker drives: prepare (claim, mark
-- sending, lock) -> finish (sent / failed / queued / unknown, code scrubbed),
-- suppressions, and recovery of rows a dead worker left `sending`.
-- Runs in one transaction, rolled back.
begin;
create extension if not exists pgtap;
select plan(30);

select has_table('scc', 'email_outbox', 'scc.email_outbox exists');
select has_table('scc', 'email_suppressions', 'scc.email_suppressions exists');
select ok(not has_table_privilege('scc_worker', 'scc.email_outbox', 'select'),
          'scc_worker cannot read the outbox table directly');
select ok(not has_table_privilege('scc_web', 'scc.email_outbox', 'select'), 'nor can scc_web');
select ok(has_function_privilege('scc_worker', 'scc.email_prepare(bigint, text, text[], text[], text, text, text)', 'execute'),
          'scc_worker may call scc.email_prepare');
select ok(not has_function_privilege('scc_web', 'scc.email_prepare(bigint, text, text[], text[], text, text, text)', 'execute'),
          'scc_web may not');
select ok(not has_function_privilege('scc_web', 'scc.email_finish(bigint, text, text, text, bigint)', 'execute'),
          'scc_web may not finish emails');

-- The worker role reaches everything through the functions.
set local role scc_worker;
select scc.email_prepare(null, 'noreply@scc.example', '{w@example.com}', '{}', 'Test', 'test', 'outbox') is not null
       as claimed \gset
select ok(:'claimed', 'scc_worker can claim an email through scc.email_prepare');
reset role;
select scc.email_finish(id, 'sent', 'f.eml', null, null) from scc.email_outbox where recipients = '{w@example.com}';

-- A job with a code, as 004_auth queues them.
create temp table t (job bigint, box bigint);
insert into t (job) select scc.enqueue_job('email', '{"template":"login_link","to":"ann@example.com","code":"secret-code"}');

select results_eq(
    $$select status, recipients from scc.email_prepare((select job from t), 'noreply@scc.example',
        '{ann@example.com}', '{audit@scc.example}', 'Sign in', 'login_link', 'ses')$$,
    $$values ('sending'::text, '{ann@example.com}'::text[])$$,
    'a new email is claimed: sending, with its recipients');
update t set box = (select id from scc.email_outbox where job_id = t.job);
select results_eq($$select status, attempts, bcc from scc.email_outbox where id = (select box from t)$$,
    $$values ('sending'::text, 1, '{audit@scc.example}'::text[])$$, 'row is sending, attempt 1, audit bcc kept');

-- A temporary failure: queued again, code kept for the next attempt.
select lives_ok($$select scc.email_finish((select box from t), 'queued', null, 'SES 429 throttled', null)$$,
    'finish queued (429)');
select is((select status from scc.email_outbox where id = (select box from t)), 'queued', 'queued between attempts');
select is((select payload ? 'code' from scc.jobs where id = (select job from t)), true, 'code kept while it may be retried');
select is((select status from scc.email_prepare((select job from t), 'noreply@scc.example', '{ann@example.com}',
            '{}', 'Sign in', 'login_link', 'ses')), 'sending', 'the retry claims the same row');
select is((select attempts from scc.email_outbox where id = (select box from t)), 2, 'attempt 2');
select is((select count(*)::int from scc.email_outbox where job_id = (select job from t)), 1, 'one row per job');

-- Sent: provider id recorded, code scrubbed in the same call.
select lives_ok($$select scc.email_finish((select box from t), 'sent', 'ses-msg-1', null, (select job from t))$$,
    'finish sent');
select results_eq($$select status, provider_message_id, sent_at is not null from scc.email_outbox where id = (select box from t)$$,
    $$values ('sent'::text, 'ses-msg-1'::text, true)$$, 'sent with the provider id and a time');
select is((select payload ? 'code' from scc.jobs where id = (select job from t)), false, 'the plain code is gone');
select is((select payload->>'to' from scc.jobs where id = (select job from t)), 'ann@example.com', 'the rest of the payload stays');
select is((select status from scc.email_prepare((select job from t), 'noreply@scc.example', '{ann@example.com}',
            '{}', 'Sign in', 'login_link', 'ses')), 'sent', 'a rerun of the job finds it sent: nothing to do');

-- Suppressions: stored lower-case, honoured case-insensitively.
select lives_ok($$select scc.suppress_email('Bounce@Example.COM', 'bounce', 'hard bounce')$$, 'suppress');
select is(scc.email_suppressed('bounce@example.com'), 'bounce', 'suppressed, lower-cased');
select results_eq(
    $$select status, recipients from scc.email_prepare(null, 'noreply@scc.example', '{BOUNCE@example.com}',
        '{}', 'Hi', 'test', 'ses')$$,
    $$values ('suppressed'::text, '{}'::text[])$$, 'all recipients suppressed: not sent');
select is((select last_error from scc.email_outbox where recipients = '{BOUNCE@example.com}'),
    'suppressed: BOUNCE@example.com (bounce)', 'the row says why');

-- A worker that dies during the call: its session lock goes with it.
insert into t (job) select scc.enqueue_job('email', '{"template":"invite","to":"bo@example.com","code":"c2"}');
select is((select status from scc.email_prepare((select max(job) from t), 'noreply@scc.example', '{bo@example.com}',
            '{}', 'Invite', 'invite', 'ses')), 'sending', 'second job claimed');
select ok(pg_advisory_unlock_all() is null or true, 'the session that held the lock is gone (simulated)');
select is(scc.email_recover(), 1, 'recovery marks the orphaned sending row');
select results_eq(
    $$select status from scc.email_prepare((select max(job) from t), 'noreply@scc.example', '{bo@example.com}',
        '{}', 'Invite', 'invite', 'ses')$$,
    $$values ('unknown'::text)$$, 'a retry finds it unknown and must not send');
select throws_ok($$select scc.email_finish(1, 'bogus', null, null, null)$$, '22023', null, 'bad status refused');

select * from finish();
rollback;
