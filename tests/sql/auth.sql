-- auth.sql — pgTAP: users, sessions, magic links and the audit log of
-- migration 004: codes single use and expiring, refresh rotation and reuse
-- revoking the family, disabled users, the per-address throttle, invite
-- role rules, audit rows, privileges, and that secrets are stored only as
-- SHA-256.  Runs as the superuser inside a rolled-back transaction.
begin;
create extension if not exists pgtap;
select plan(70);

-- ---- shape and privileges ------------------------------------------------------
select has_table('scc', 'users', 'scc.users exists');
select has_table('scc', 'sessions', 'scc.sessions exists');
select has_table('scc', 'magic_links', 'scc.magic_links exists');
select has_table('scc', 'audit_log', 'scc.audit_log exists');

select is(array(select t from unnest(array['scc.users', 'scc.sessions', 'scc.magic_links',
                                            'scc.magic_link_throttle', 'scc.audit_log']) as t
                 where has_table_privilege('scc_web', t, 'select')
                    or has_table_privilege('scc_web', t, 'insert')
                    or has_table_privilege('scc_web', t, 'update')
                    or has_table_privilege('scc_web', t, 'delete')),
          '{}'::text[], 'scc_web has no privilege on any auth table');
select is(array(select p from unnest(array['update', 'delete', 'truncate', 'insert']) as p
                 where has_table_privilege('scc_worker', 'scc.audit_log', p)
                    or has_table_privilege('scc_web', 'scc.audit_log', p)),
          '{}'::text[], 'no app role may insert, update, delete or truncate scc.audit_log');
select ok(has_function_privilege('scc_worker',
              'scc.create_magic_link(text, text, text, uuid, interval, text, uuid)', 'execute'),
          'scc_worker may run scc.create_magic_link (the invite CLI)');
select ok(not has_function_privilege('public',
              'scc.create_magic_link(text, text, text, uuid, interval, text, uuid)', 'execute'),
          'PUBLIC may not run scc.create_magic_link');
select ok(not has_function_privilege('scc_web',
              'scc.create_magic_link(text, text, text, uuid, interval, text, uuid)', 'execute'),
          'scc_web may not mint codes directly');
select is(array(select f from unnest(array['auth_magic_link', 'auth_redeem', 'auth_refresh', 'auth_logout',
                                            'invite_create', 'users_list', 'user_update', 'user_disable']) as f
                 where not has_function_privilege('scc_web', ('scc_api.' || f || '(jsonb)')::regprocedure, 'execute')),
          '{}'::text[], 'scc_web may execute every auth route function');

set local role scc_web;
select throws_ok($$select count(*) from scc.users$$, '42501', null, 'scc_web cannot read scc.users');
select throws_ok($$select count(*) from scc.sessions$$, '42501', null, 'scc_web cannot read scc.sessions');
select throws_ok($$select scc.create_magic_link('x@y.example', 'invite', 'admin')$$, '42501', null,
                 'scc_web cannot call scc.create_magic_link');
reset role;
set local role scc_worker;
select throws_ok($$delete from scc.audit_log$$, '42501', null, 'scc_worker cannot delete audit rows');
reset role;

-- ---- invite, redeem once ------------------------------------------------------------
-- an admin, made the way the CLI makes the first one
select scc.create_magic_link('Boss@Example.COM', 'invite', 'admin', null, '15 minutes', 'The Boss') as boss_code \gset
select matches(:'boss_code'::text, '^[A-Za-z0-9_-]{22}$', 'a code is 128 bits in base64url (22 characters)');
select is((select count(*) from scc.magic_links where code_hash = sha256(convert_to(:'boss_code', 'UTF8'))),
          1::bigint, 'the link is stored by the SHA-256 of its code');
select is((select count(*) from scc.magic_links as m
            where strpos(row_to_json(m)::text, :'boss_code') > 0), 0::bigint,
          'the plain code appears nowhere in scc.magic_links');

create temporary table t_redeem as
    select * from scc_api.auth_redeem(jsonb_build_object(
        'body', jsonb_build_object('code', :'boss_code'), 'ip', '192.0.2.10', 'ua', 'pgtap',
        'request_id', 'req-boss', 'refresh_ttl', 3600));
select is((select status from t_redeem), 200, 'redeeming an invite answers 200');
select is((select array_agg(k order by k) from t_redeem, json_object_keys(body) as k),
          array['refresh_expires_at', 'refresh_token', 'session_id', 'user'],
          'the issuing body has user, refresh_token, refresh_expires_at and session_id (029: for the token''s sid)');
select is((select body -> 'user' ->> 'role' from t_redeem), 'admin', 'the new user has the designated role');
select is((select body -> 'user' ->> 'name' from t_redeem), 'The Boss', 'and the designated name');
select (body -> 'user' ->> 'id') as boss, (body ->> 'refresh_token') as boss_rt from t_redeem \gset
select matches(:'boss_rt'::text, '^[A-Za-z0-9_-]{43}$', 'a refresh token is 32 bytes in base64url');
select is((select count(*) from scc.sessions
            where refresh_hash = sha256(convert_to(:'boss_rt', 'UTF8')) and ip = '192.0.2.10'::inet
              and user_agent = 'pgtap' and expires_at between now() + interval '59 minutes' and now() + interval '61 minutes'),
          1::bigint, 'the session keeps the token''s SHA-256, ip, user agent and refresh_ttl expiry');
select is((select count(*) from scc.sessions as s where strpos(row_to_json(s)::text, :'boss_rt') > 0), 0::bigint,
          'the plain refresh token appears nowhere in scc.sessions');
select is((select r.status || ' ' || (r.body -> 'error' ->> 'code') || ': ' || (r.body -> 'error' ->> 'message')
             from scc_api.auth_redeem(jsonb_build_object('body', jsonb_build_object('code', :'boss_code'))) as r),
          '401 invalid_code: this link is not valid (any more)', 'a code works once only (401, returned)');
select is((select r.status || ' ' || (r.body -> 'error' ->> 'code')
             from scc_api.auth_redeem('{"body":{"code":"AAAAAAAAAAAAAAAAAAAAAA"}}') as r),
          '401 invalid_code', 'an unknown code is refused 401');
select throws_ok($$select scc_api.auth_redeem('{"body":{}}')$$, 'SC400', null, 'a missing code is 400');
select is((select count(*) from scc.users where lower(email) = 'boss@example.com'), 1::bigint,
          'one user for the address, whatever its case');

-- expiry
select scc.create_magic_link('boss@example.com', 'login', 'admin') as late_code \gset
update scc.magic_links set expires_at = now() - interval '1 second'
 where code_hash = sha256(convert_to(:'late_code', 'UTF8'));
select is((select r.status || ' ' || (r.body -> 'error' ->> 'code')
             from scc_api.auth_redeem(jsonb_build_object('body', jsonb_build_object('code', :'late_code'))) as r),
          '401 invalid_code', 'an expired code is refused');

-- ---- invites: role rules --------------------------------------------------------------
select scc.create_magic_link('cap@example.com', 'invite', 'captain', null, '1 day', 'Cap') as cap_code \gset
select (s.body -> 'user' ->> 'id') as cap from scc_api.auth_redeem(
    jsonb_build_object('body', jsonb_build_object('code', :'cap_code'))) as s \gset
create temporary table t_inv as
    select * from scc_api.invite_create(jsonb_build_object(
        'actor', jsonb_build_object('id', :'cap', 'role', 'captain'), 'ip', '198.51.100.7',
        'request_id', 'req-inv', 'body', '{"email":"deckhand@example.com","role":"crew","name":"Deck Hand"}'::jsonb));
select is((select status from t_inv), 201, 'a captain may invite crew');
select is((select array_agg(k order by k) from t_inv, json_object_keys(body) as k),
          array['email', 'expires_at', 'id', 'role'], 'the invite answer is id, email, role, expires_at — no code');
select ok((select (body ->> 'expires_at')::timestamptz between now() + interval '7 days' - interval '1 minute'
                                                           and now() + interval '7 days' + interval '1 minute' from t_inv),
          'an invite lives 7 days');
select is((select payload ->> 'template' from scc.jobs where kind = 'email' and payload ->> 'to' = 'deckhand@example.com'),
          'invite', 'an invite email job is queued');
select is((select count(*) from scc.magic_links as m join scc.jobs as j on j.payload ->> 'to' = m.email
            where m.email = 'deckhand@example.com'
              and m.code_hash = sha256(convert_to(j.payload ->> 'code', 'UTF8'))), 1::bigint,
          'the job carries the plain code of the stored hash');
select is((select count(*) from scc.audit_log
            where action = 'invite.create' and actor_id = :'cap'::uuid and actor_role = 'captain'
              and ip = '198.51.100.7'::inet and request_id = 'req-inv'), 1::bigint,
          'the invite is audited with actor, role, ip and request id');
select throws_ok(format($$select scc_api.invite_create('{"actor":{"id":"%s","role":"captain"},"body":{"email":"x@example.com","role":"captain"}}')$$, :'cap'),
                 'SC403', null, 'a captain may not invite a captain');
select throws_ok(format($$select scc_api.invite_create('{"actor":{"id":"%s","role":"captain"},"body":{"email":"x@example.com","role":"admin"}}')$$, :'cap'),
                 'SC403', null, 'a captain may not invite an admin');
select (s.body -> 'user' ->> 'id') as crewman from scc_api.auth_redeem(jsonb_build_object('body', jsonb_build_object(
    'code', scc.create_magic_link('crewman@example.com', 'invite', 'crew')))) as s \gset
select throws_ok(format($$select scc_api.invite_create('{"actor":{"id":"%s","role":"crew"},"body":{"email":"x@example.com","role":"guest"}}')$$, :'crewman'),
                 'SC403', null, 'crew may not invite');
select throws_ok(format($$select scc_api.invite_create('{"actor":{"id":"%s","role":"admin"},"body":{"email":"x@example.com","role":"guest"}}')$$, :'crewman'),
                 'SC403', null, 'SQL goes by the role in scc.users, not the token''s (a demotion counts at once)');
select throws_ok($$select scc_api.invite_create('{"actor":{"id":"00000000-0000-0000-0000-000000000001","role":"admin"},"body":{"email":"x@example.com","role":"guest"}}')$$,
                 'SC401', null, 'a token naming no user is refused');
select is((scc_api.invite_create(jsonb_build_object('actor', jsonb_build_object('id', :'boss', 'role', 'admin'),
              'body', '{"email":"second@example.com","role":"admin"}'::jsonb))).status, 201,
          'an admin may invite an admin');
select throws_ok(format($$select scc_api.invite_create('{"actor":{"id":"%s","role":"admin"},"body":{"email":"nope","role":"crew"}}')$$, :'boss'),
                 'SC400', 'this is not an email address', 'a malformed email is 400');
select throws_ok(format($$select scc_api.invite_create('{"actor":{"id":"%s","role":"admin"},"body":{"email":"a@example.com","role":"pirate"}}')$$, :'boss'),
                 'SC400', null, 'an unknown role is 400');
select throws_ok(format($$select scc_api.invite_create('{"actor":{"id":"%s","role":"admin"},"body":{"email":"a@example.com","role":"crew","event_id":"42"}}')$$, :'boss'),
                 'SC400', null, 'a malformed event_id is 400');

-- an invite to an existing user raises the role, never lowers it
select scc.create_magic_link('cap@example.com', 'invite', 'guest') as low_code \gset
select is((scc_api.auth_redeem(jsonb_build_object('body', jsonb_build_object('code', :'low_code')))).body -> 'user' ->> 'role',
          'captain', 'an invite with a lower role does not demote');
select scc.create_magic_link('cap@example.com', 'invite', 'admin') as high_code \gset
select is((scc_api.auth_redeem(jsonb_build_object('body', jsonb_build_object('code', :'high_code')))).body -> 'user' ->> 'role',
          'admin', 'an invite with a higher role promotes');
select is((select count(*) from scc.audit_log where action = 'user.role' and entity_id = :'cap'), 1::bigint,
          'the promotion is audited');

-- ---- refresh rotation and reuse --------------------------------------------------------
create temporary table t_r1 as
    select * from scc_api.auth_refresh(jsonb_build_object('refresh_token', :'boss_rt', 'ip', '192.0.2.11'));
select is((select status from t_r1), 200, 'refresh answers 200');
select (body ->> 'refresh_token') as rt2 from t_r1 \gset
select isnt(:'rt2'::text, :'boss_rt'::text, 'refresh hands out a new token');
select is((select count(*) from scc.sessions as o join scc.sessions as n on n.id = o.replaced_by
            where o.refresh_hash = sha256(convert_to(:'boss_rt', 'UTF8'))
              and n.refresh_hash = sha256(convert_to(:'rt2', 'UTF8'))
              and n.family = o.family and o.revoked_at is not null and n.revoked_at is null), 1::bigint,
          'the old session is revoked and replaced by the new one, in the same family');
create temporary table t_r2 as
    select * from scc_api.auth_refresh(jsonb_build_object('body', jsonb_build_object('refresh_token', :'rt2')));
select is((select status from t_r2), 200, 'the new token refreshes too (from body.refresh_token)');
select (body ->> 'refresh_token') as rt_newest from t_r2 \gset
create temporary table t_reuse as
    select * from scc_api.auth_refresh(jsonb_build_object('refresh_token', :'boss_rt'));
select is((select status from t_reuse), 401, 'a rotated token presented again answers 401');
select is((select body -> 'error' ->> 'code' from t_reuse), 'refresh_reuse', '... with refresh_reuse');
select is((select count(*) from scc.sessions
            where family = (select family from scc.sessions where refresh_hash = sha256(convert_to(:'boss_rt', 'UTF8')))
              and revoked_at is null), 0::bigint, 'reuse revokes the whole family');
select throws_ok(format($$select scc_api.auth_refresh('{"refresh_token":"%s"}')$$, :'rt_newest'),
                 'SC401', null, 'after reuse even the newest token of the family is dead');
select throws_ok($$select scc_api.auth_refresh('{}')$$, 'SC401', null, 'no token: 401');

-- logout
select (s.body ->> 'refresh_token') as rt3 from scc_api.auth_redeem(jsonb_build_object('body', jsonb_build_object(
    'code', scc.create_magic_link('boss@example.com', 'login', 'admin')))) as s \gset
select is((scc_api.auth_logout(jsonb_build_object('refresh_token', :'rt3'))).status, 204, 'logout answers 204');
select throws_ok(format($$select scc_api.auth_refresh('{"refresh_token":"%s"}')$$, :'rt3'),
                 'SC401', null, 'a logged-out token no longer refreshes');
select is((scc_api.auth_logout('{"body":{"refresh_token":"nothing-like-a-token"}}')).status, 204,
          'logout with an unknown token still answers 204');

-- ---- disabled users -------------------------------------------------------------------------
select (s.body ->> 'refresh_token') as dh_rt from scc_api.auth_redeem(jsonb_build_object('body', jsonb_build_object(
    'code', (select j.payload ->> 'code' from scc.jobs as j where j.payload ->> 'to' = 'deckhand@example.com')))) as s \gset
select id as dh from scc.users where email = 'deckhand@example.com' \gset
select scc.create_magic_link('deckhand@example.com', 'login', 'crew') as dh_code \gset
select is((scc_api.user_disable(jsonb_build_object('actor', jsonb_build_object('id', :'boss', 'role', 'admin'),
              'params', jsonb_build_object('id', :'dh'), 'body', '{"reason":"left the company"}'::jsonb,
              'request_id', 'req-dis'))).status, 200, 'an admin disables a user');
select is((select count(*) from scc.sessions where user_id = :'dh'::uuid and revoked_at is null), 0::bigint,
          'disabling revokes every session of the user');
select is((select r.status || ' ' || (r.body -> 'error' ->> 'code') || ': ' || (r.body -> 'error' ->> 'message')
             from scc_api.auth_redeem(jsonb_build_object('body', jsonb_build_object('code', :'dh_code'))) as r),
          '401 user_disabled: this account is disabled', 'a disabled user cannot redeem a link');
select throws_ok(format($$select scc_api.auth_refresh('{"refresh_token":"%s"}')$$, :'dh_rt'),
                 'SC401', null, 'nor refresh');
select is((select reason from scc.audit_log where action = 'user.disable' and entity_id = :'dh'),
          'left the company', 'the disabling is audited with its reason');
select throws_ok(format($$select scc_api.user_disable('{"actor":{"id":"%s","role":"admin"},"params":{"id":"%s"}}')$$, :'boss', :'boss'),
                 'SC409', null, 'an admin cannot disable themself');

-- ---- magic-link requests: same answer, one link a minute ------------------------------------
delete from scc.magic_link_throttle;
select is((scc_api.auth_magic_link('{"body":{"email":"boss@example.com"}}')).body::text,
          (scc_api.auth_magic_link('{"body":{"email":"stranger@example.com"}}')).body::text,
          'known and unknown addresses get the same answer');
select is((select count(*) from scc.jobs where payload ->> 'template' = 'login_link' and payload ->> 'to' ilike 'boss@example.com'),
          1::bigint, 'a known address gets one login email');
select is((scc_api.auth_magic_link('{"body":{"email":"BOSS@example.com"}}')).status, 202, 'asking again at once is 202 too');
select is((select count(*) from scc.jobs where payload ->> 'template' = 'login_link' and payload ->> 'to' ilike 'boss@example.com'),
          1::bigint, '... but sends no second link within a minute (any case of the address)');
select is((select count(*) from scc.jobs where payload ->> 'to' = 'stranger@example.com'), 0::bigint,
          'an unknown address gets no email');

select * from finish();
rollback;
