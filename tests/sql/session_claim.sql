-- session_claim.sql — the session an access token is issued in
-- (sql/migrations/029_session_claim.sql): the issuing answers of redeem and
-- refresh name the scc.sessions row whose refresh token they hold
-- (session_id, which the module signs as the token's sid), a refresh the
-- new row, the grace window's second answer the same successor; and
-- scc.actor_session judges a sid: the actor's, live (a rotated row of a live
-- family included), or why not.  What signing does with it is in
-- waiver_signing.sql.
-- Runs as the superuser inside a rolled-back transaction.
begin;
create extension if not exists pgtap;
select plan(16);

-- ---- issuing --------------------------------------------------------------------------------------------
create temporary table t_redeem as
select * from scc_api.auth_redeem(jsonb_build_object('body', jsonb_build_object(
    'code', scc.create_magic_link('sid@claim.example', 'invite', 'guest', null, '1 hour', 'Sid'))));
select (body ->> 'refresh_token') as rt0, (body ->> 'session_id') as sid0, (body -> 'user' ->> 'id') as uid
  from t_redeem \gset
select is((select status from t_redeem), 200, 'redeem answers 200');
select is((select id::text from scc.sessions where refresh_hash = sha256(convert_to(:'rt0', 'UTF8'))), :'sid0',
          'redeem''s session_id is the session holding its refresh token');
select is((select user_id::text from scc.sessions where id = :'sid0'::uuid), :'uid', 'the signed-in user''s');

create temporary table t_first as select * from scc_api.auth_refresh(jsonb_build_object('refresh_token', :'rt0'));
create temporary table t_second as select * from scc_api.auth_refresh(jsonb_build_object('refresh_token', :'rt0'));
select (body ->> 'refresh_token') as rt1, (body ->> 'session_id') as sid1 from t_first \gset
select is((select id::text from scc.sessions where refresh_hash = sha256(convert_to(:'rt1', 'UTF8'))), :'sid1',
          'refresh''s session_id is the new session, holding the new refresh token');
select isnt(:'sid1'::text, :'sid0'::text, 'a new row, not the old one');
select is((select replaced_by::text from scc.sessions where id = :'sid0'::uuid), :'sid1', 'which replaced the old one');
select is((select body ->> 'session_id' from t_second), :'sid1',
          'the grace window''s second answer names the same successor');

-- ---- judging a sid ----------------------------------------------------------------------------------------
create function pg_temp.judge(u text, sid text) returns text language sql as $$
    select concat_ws(' ', coalesce(a.refusal, 'ok'), a.session_id::text, scc.iso(a.started_at))
      from scc.actor_session(jsonb_build_object('actor', jsonb_build_object('id', u, 'role', 'guest', 'sid', sid))) as a
$$;
select is(pg_temp.judge(:'uid', :'sid1'),
          concat_ws(' ', 'ok', :'sid1', (select scc.iso(created_at) from scc.sessions where id = :'sid0'::uuid)),
          'the live row: ok, started at the sign-in (the first row of its family)');
select is(pg_temp.judge(:'uid', :'sid0'),
          concat_ws(' ', 'ok', :'sid0', (select scc.iso(created_at) from scc.sessions where id = :'sid0'::uuid)),
          'the row a refresh replaced: ok while its family is live');
select is(pg_temp.judge(:'uid', null), 'no_sid', 'no sid: no_sid');
select is(pg_temp.judge(gen_random_uuid()::text, :'sid1'), 'session_mismatch', 'someone else''s session: mismatch');
select is(pg_temp.judge(:'uid', gen_random_uuid()::text), 'session_mismatch', 'no such session: mismatch');
select is(pg_temp.judge(:'uid', upper(:'sid1')), 'session_mismatch', 'not in PostgreSQL''s spelling: mismatch');
select is(pg_temp.judge(:'uid', 'x'), 'session_mismatch', 'not a uuid: mismatch');

-- signed out (the logout route, with the live refresh token)
select is((select status from scc_api.auth_logout(jsonb_build_object('refresh_token', :'rt1'))), 204, 'signed out');
select is(pg_temp.judge(:'uid', :'sid0') || ' / ' || pg_temp.judge(:'uid', :'sid1'), 'session_revoked / session_revoked',
          'then every row of the family is ended');

select * from finish();
rollback;
