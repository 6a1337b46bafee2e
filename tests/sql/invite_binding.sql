-- invite_binding.sql — every magic link is bound to the user it was made
-- for (sql/migrations/010_auth_review.sql, finding 1): an invite to an
-- existing user, by any case variant of the address, is mailed to the STORED
-- address and signs in that user only; a link made for an address nobody
-- had signs in no one who got the address later under another spelling.
-- Runs as the superuser inside a rolled-back transaction.
begin;
create extension if not exists pgtap;
select plan(16);

-- an admin and a captain
select (s.body -> 'user' ->> 'id') as chief from scc_api.auth_redeem(jsonb_build_object('body', jsonb_build_object(
    'code', scc.create_magic_link('chief@binding.example', 'invite', 'admin', null, '1 hour', 'Chief')))) as s \gset
select (s.body -> 'user' ->> 'id') as cap from scc_api.auth_redeem(jsonb_build_object('body', jsonb_build_object(
    'code', scc.create_magic_link('cap@binding.example', 'invite', 'captain', null, '1 hour', 'Cap')))) as s \gset

-- ---- a captain invites a case variant of the admin's address -----------------------
create temporary table t_inv as
    select * from scc_api.invite_create(jsonb_build_object(
        'actor', jsonb_build_object('id', :'cap', 'role', 'captain'), 'request_id', 'req-variant',
        'body', '{"email":"CHIEF@Binding.Example","role":"crew"}'::jsonb));
select is((select status from t_inv), 201, 'the invite of a variant address is accepted (the captain learns nothing new)');
select is((select body ->> 'email' from t_inv), 'chief@binding.example', 'the answer names the address the link goes to');
select is((select array_agg(j.payload ->> 'to') from scc.jobs as j
            where j.kind = 'email' and lower(j.payload ->> 'to') = 'chief@binding.example'
              and j.payload ->> 'template' = 'invite'),
          array['chief@binding.example'], 'the email job goes to the STORED address, not the variant typed');
select is((select m.user_id from scc.magic_links as m where m.id = (select (body ->> 'id')::uuid from t_inv)),
          :'chief'::uuid, 'the link is bound to the existing user');
select is((select m.email from scc.magic_links as m where m.id = (select (body ->> 'id')::uuid from t_inv)),
          'chief@binding.example', 'and carries the stored address');

-- the stored address's owner redeems it: it is their own sign-in, role unchanged
select j.payload ->> 'code' as variant_code from scc.jobs as j
 where j.kind = 'email' and j.payload ->> 'template' = 'invite' and j.payload ->> 'to' = 'chief@binding.example' \gset
create temporary table t_red as
    select * from scc_api.auth_redeem(jsonb_build_object('body', jsonb_build_object('code', :'variant_code')));
select is((select status from t_red), 200, 'the bound link redeems');
select is((select (body -> 'user' ->> 'id')::uuid from t_red), :'chief'::uuid, 'for the user it was made for');
select is((select body -> 'user' ->> 'role' from t_red), 'admin', 'whose role an invite never lowers');

-- the CLI binds the same way
select scc.create_magic_link('Chief@BINDING.example', 'invite', 'guest') as cli_code \gset
select is((select m.user_id::text || ' ' || m.email from scc.magic_links as m
            where m.code_hash = sha256(convert_to(:'cli_code', 'UTF8'))),
          :'chief' || ' chief@binding.example', 'scc.create_magic_link binds a variant to the stored user and address');

-- ---- a link made before anybody had the address -------------------------------------
select scc.create_magic_link('Late@Binding.example', 'invite', 'crew') as early_code \gset
select is((select m.user_id from scc.magic_links as m where m.code_hash = sha256(convert_to(:'early_code', 'UTF8'))),
          null::uuid, 'a link for an address nobody has is unbound');
-- meanwhile the address is taken under another spelling
select (s.body -> 'user' ->> 'id') as late from scc_api.auth_redeem(jsonb_build_object('body', jsonb_build_object(
    'code', scc.create_magic_link('late@binding.example', 'invite', 'captain')))) as s \gset
create temporary table t_late as
    select * from scc_api.auth_redeem(jsonb_build_object('body', jsonb_build_object('code', :'early_code'),
                                                         'request_id', 'req-not-bound'));
select is((select status || ' ' || (body -> 'error' ->> 'code') from t_late), '401 invalid_code',
          'it does not sign in the user who got the address later, spelled otherwise');
select is((select count(*) from scc.sessions where user_id = :'late'::uuid), 1::bigint,
          'no session was started for that user');
select is((select reason from scc.audit_log where request_id = 'req-not-bound' and action = 'session.refused'),
          'not_bound', 'the refusal is audited as not_bound');

-- the same spelling, twice: the second link was mailed to exactly that address
select scc.create_magic_link('twice@binding.example', 'invite', 'crew') as first_code \gset
select scc.create_magic_link('twice@binding.example', 'invite', 'crew') as second_code \gset
select (s.body -> 'user' ->> 'id') as twice from scc_api.auth_redeem(jsonb_build_object('body', jsonb_build_object(
    'code', :'first_code'))) as s \gset
create temporary table t_twice as
    select * from scc_api.auth_redeem(jsonb_build_object('body', jsonb_build_object('code', :'second_code')));
select is((select status from t_twice), 200, 'a second link to exactly the stored address still redeems');
select is((select (body -> 'user' ->> 'id')::uuid from t_twice), :'twice'::uuid, 'for the same user');
select is((select m.user_id from scc.magic_links as m where m.code_hash = sha256(convert_to(:'second_code', 'UTF8'))),
          :'twice'::uuid, 'and the link now records that user');

select * from finish();
rollback;
