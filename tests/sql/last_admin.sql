-- last_admin.sql — an enabled admin always remains (sql/migrations/
-- 010_auth_review.sql, finding 6): scc.keep_an_admin refuses to take the
-- last one, and the routes that demote or disable an admin call it under the
-- admins lock.  Two admins acting on each other at the same moment are
-- tested over HTTP (tests/api/last_admin.test.js): one session cannot race
-- itself.  Runs as the superuser inside a rolled-back transaction.
begin;
create extension if not exists pgtap;
select plan(9);

-- only this file's admins count
update scc.users set disabled_at = now() where role = 'admin' and disabled_at is null;
select (s.body -> 'user' ->> 'id') as ann from scc_api.auth_redeem(jsonb_build_object('body', jsonb_build_object(
    'code', scc.create_magic_link('ann@admins.example', 'invite', 'admin')))) as s \gset
select (s.body -> 'user' ->> 'id') as bob from scc_api.auth_redeem(jsonb_build_object('body', jsonb_build_object(
    'code', scc.create_magic_link('bob@admins.example', 'invite', 'admin')))) as s \gset

select lives_ok(format($$select scc.keep_an_admin(%L)$$, :'ann'), 'with two enabled admins either may go');
select ok(exists (select 1 from pg_locks where locktype = 'advisory' and pid = pg_backend_pid() and granted),
          'scc.keep_an_admin holds the admins advisory lock until the transaction ends');

-- the state another transaction would have committed: bob disabled
update scc.users set disabled_at = now() where id = :'bob';
select throws_ok(format($$select scc.keep_an_admin(%L)$$, :'ann'), 'SC409',
                 'this is the last enabled admin; make another admin first', 'the last enabled admin may not go');
select is((select count(*) from pg_proc where proname = 'keep_an_admin'
             and not has_function_privilege('scc_web', oid, 'execute')), 1::bigint,
          'scc_web may not call the helper itself');
update scc.users set disabled_at = null where id = :'bob';

-- the routes: demoting or disabling an enabled admin goes through the lock
select is((scc_api.user_update(jsonb_build_object('actor', jsonb_build_object('id', :'ann', 'role', 'admin'),
              'params', jsonb_build_object('id', :'bob'), 'body', '{"role":"captain"}'::jsonb))).status, 200,
          'an admin demotes another while one remains');
select is((select role from scc.users where id = :'bob'), 'captain', 'the demotion is made');
select (s.body -> 'user' ->> 'id') as cy from scc_api.auth_redeem(jsonb_build_object('body', jsonb_build_object(
    'code', scc.create_magic_link('cy@admins.example', 'invite', 'admin')))) as s \gset
select is((scc_api.user_disable(jsonb_build_object('actor', jsonb_build_object('id', :'ann', 'role', 'admin'),
              'params', jsonb_build_object('id', :'cy')))).status, 200,
          'an admin disables another while one remains');
select is((select count(*) from scc.users where role = 'admin' and disabled_at is null), 1::bigint,
          'one enabled admin is left');
-- promoting or demoting someone who is not an enabled admin needs no admin count
select is((scc_api.user_update(jsonb_build_object('actor', jsonb_build_object('id', :'ann', 'role', 'admin'),
              'params', jsonb_build_object('id', :'cy'), 'body', '{"role":"crew"}'::jsonb))).status, 200,
          'a disabled admin may be demoted while the last enabled admin stays');

select * from finish();
rollback;
