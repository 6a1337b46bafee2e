-- refresh_grace.sql — two tabs refreshing at once (sql/migrations/
-- 010_auth_review.sql, finding 5): for 30 seconds after a rotation the
-- rotated token answers the SAME successor again; after the window it is
-- reuse and revokes the family.  The window is crossed by moving the
-- rotation time (revoked_at) back, not by sleeping.
-- Runs as the superuser inside a rolled-back transaction (now() is fixed:
-- every call below happens at the same instant, inside the window).
begin;
create extension if not exists pgtap;
select plan(14);

select (s.body ->> 'refresh_token') as rt0, (s.body -> 'user' ->> 'id') as uid
  from scc_api.auth_redeem(jsonb_build_object('body', jsonb_build_object(
      'code', scc.create_magic_link('tabs@grace.example', 'invite', 'crew', null, '1 hour', 'Tabs')))) as s \gset
select family from scc.sessions where refresh_hash = sha256(convert_to(:'rt0', 'UTF8')) \gset

create temporary table t_first as select * from scc_api.auth_refresh(jsonb_build_object('refresh_token', :'rt0'));
create temporary table t_second as select * from scc_api.auth_refresh(jsonb_build_object('refresh_token', :'rt0'));
select is((select status from t_first), 200, 'the first refresh rotates');
select is((select status from t_second), 200, 'the same token again within the window: 200, not reuse');
select is((select body ->> 'refresh_token' from t_second), (select body ->> 'refresh_token' from t_first),
          'both answers carry the same successor token');
select is((select body ->> 'refresh_expires_at' from t_second), (select body ->> 'refresh_expires_at' from t_first),
          'with the same expiry');
select is((select count(*) from scc.sessions where family = :'family'::uuid and revoked_at is null), 1::bigint,
          'the family keeps exactly one live session (no second successor was made)');
select body ->> 'refresh_token' as rt1 from t_first \gset
select is((select count(*) from scc.sessions as s where strpos(row_to_json(s)::text, :'rt1') > 0), 0::bigint,
          'the successor''s plain token is stored nowhere');
select is((select length(successor_key) from scc.sessions where refresh_hash = sha256(convert_to(:'rt0', 'UTF8'))),
          32, 'the rotated session keeps a 32-byte successor key');
select is((select status from scc_api.auth_refresh(jsonb_build_object('refresh_token', :'rt1'))), 200,
          'the successor refreshes: the session survived');

-- the successor has rotated in turn: the first token's successor is gone, so it is reuse
select is((select status || ' ' || (body -> 'error' ->> 'code')
             from scc_api.auth_refresh(jsonb_build_object('refresh_token', :'rt0'))), '401 refresh_reuse',
          'a token whose successor has rotated already is reuse, even within the window');
select is((select count(*) from scc.sessions where family = :'family'::uuid and revoked_at is null), 0::bigint,
          'and the family is revoked');

-- ---- after the window ---------------------------------------------------------------------
select (s.body ->> 'refresh_token') as rt_a
  from scc_api.auth_redeem(jsonb_build_object('body', jsonb_build_object(
      'code', scc.create_magic_link('tabs@grace.example', 'login', 'crew')))) as s \gset
select family as family_a from scc.sessions where refresh_hash = sha256(convert_to(:'rt_a', 'UTF8')) \gset
select is((select status from scc_api.auth_refresh(jsonb_build_object('refresh_token', :'rt_a'))), 200,
          'a fresh sign-in rotates');
update scc.sessions set revoked_at = revoked_at - interval '31 seconds'
 where refresh_hash = sha256(convert_to(:'rt_a', 'UTF8'));
select is((select status || ' ' || (body -> 'error' ->> 'code')
             from scc_api.auth_refresh(jsonb_build_object('refresh_token', :'rt_a'))), '401 refresh_reuse',
          '31 seconds after the rotation the same token is reuse');
select is((select count(*) from scc.sessions where family = :'family_a'::uuid and revoked_at is null), 0::bigint,
          'which revokes the whole family, the successor included');
select is((select count(*) from scc.sessions where family = :'family_a'::uuid and successor_key is not null),
          0::bigint, 'and wipes the family''s successor keys');

select * from finish();
rollback;
