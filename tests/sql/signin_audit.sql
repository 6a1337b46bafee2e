-- signin_audit.sql — refused sign-ins are audited although the route
-- answers an error (sql/migrations/010_auth_review.sql, finding 10):
-- auth_redeem RETURNS its 401s, so the audit row it wrote commits.  Each
-- refusal leaves one session.refused row with its reason and a prefix of the
-- code's SHA-256, never the code.  Runs as the superuser inside a
-- rolled-back transaction.
begin;
create extension if not exists pgtap;
select plan(15);

create function pg_temp.redeem(code text, request_id text) returns text
language sql as $$
    select r.status || ' ' || (r.body -> 'error' ->> 'code') || ' ' || (r.body -> 'error' ->> 'request_id')
      from scc_api.auth_redeem(jsonb_build_object('body', jsonb_build_object('code', code),
                                                  'request_id', request_id, 'ip', '192.0.2.44')) as r
$$;
create function pg_temp.audited(request_id text) returns text
language sql as $$
    select string_agg(a.reason || ' ' || coalesce(a.after ->> 'code_sha256', '-'), ', ')
      from scc.audit_log as a where a.request_id = audited.request_id and a.action = 'session.refused'
$$;
create function pg_temp.prefix(code text) returns text
language sql as $$ select encode(substr(sha256(convert_to(code, 'UTF8')), 1, 6), 'hex') $$;

select scc.create_magic_link('door@audit.example', 'invite', 'crew') as used_code \gset
select is((select status from scc_api.auth_redeem(jsonb_build_object('body', jsonb_build_object('code', :'used_code')))),
          200, 'a link redeems once');
select scc.create_magic_link('door@audit.example', 'login', 'crew') as late_code \gset
update scc.magic_links set expires_at = now() - interval '1 second'
 where code_hash = sha256(convert_to(:'late_code', 'UTF8'));

select is(pg_temp.redeem(:'used_code', 'req-used'), '401 invalid_code req-used', 'a used link: 401 invalid_code, answered');
select is(pg_temp.audited('req-used'), 'used ' || pg_temp.prefix(:'used_code'), 'audited: used, with the code''s hash prefix');
select is(pg_temp.redeem(:'late_code', 'req-expired'), '401 invalid_code req-expired', 'an expired link: 401 invalid_code');
select is(pg_temp.audited('req-expired'), 'expired ' || pg_temp.prefix(:'late_code'), 'audited: expired');
select is(pg_temp.redeem('AAAAAAAAAAAAAAAAAAAAAA', 'req-unknown'), '401 invalid_code req-unknown', 'an unknown code: 401 invalid_code');
select is(pg_temp.audited('req-unknown'), 'unknown ' || pg_temp.prefix('AAAAAAAAAAAAAAAAAAAAAA'), 'audited: unknown');
select is(pg_temp.redeem('not a code', 'req-malformed'), '401 invalid_code req-malformed', 'a malformed code: 401 invalid_code');
select is(pg_temp.audited('req-malformed'), 'malformed ' || pg_temp.prefix('not a code'), 'audited: malformed');

select is((select a.entity_id::uuid from scc.audit_log as a where a.request_id = 'req-used'),
          (select m.id from scc.magic_links as m where m.code_hash = sha256(convert_to(:'used_code', 'UTF8'))),
          'the row names the link that was refused');
select is((select a.actor_id from scc.audit_log as a where a.request_id = 'req-expired'),
          (select u.id from scc.users as u where u.email = 'door@audit.example'),
          'and, for a bound link, its user');
select is((select a.ip from scc.audit_log as a where a.request_id = 'req-unknown'), '192.0.2.44'::inet,
          'and where the attempt came from');

-- a disabled user's link
select scc.create_magic_link('door@audit.example', 'login', 'crew') as off_code \gset
update scc.users set disabled_at = now() where email = 'door@audit.example';
select is(pg_temp.redeem(:'off_code', 'req-disabled'), '401 user_disabled req-disabled', 'a disabled user: 401 user_disabled');
select is(pg_temp.audited('req-disabled'), 'user_disabled ' || pg_temp.prefix(:'off_code'), 'audited: user_disabled');

select is((select count(*) from scc.audit_log as a
            where strpos(row_to_json(a)::text, :'used_code') > 0 or strpos(row_to_json(a)::text, :'late_code') > 0
               or strpos(row_to_json(a)::text, :'off_code') > 0 or strpos(row_to_json(a)::text, 'AAAAAAAAAAAAAAAAAAAAAA') > 0),
          0::bigint, 'no audit row holds a code');

select * from finish();
rollback;
