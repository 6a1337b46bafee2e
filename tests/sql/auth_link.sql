-- auth_link.sql — scc_api.auth_link (POST /api/auth/link): describes an
-- unspent magic link and changes nothing; used, expired and unknown codes
-- are refused alike.  Runs in one transaction, rolled back.
begin;
create extension if not exists pgtap;
select plan(8);

insert into scc.users (email, name, role) values ('Stored@Link.example', 'Stored', 'crew');
insert into scc.magic_links (code_hash, purpose, email, role, name, user_id, expires_at)
select scc.token_hash('linklinklinklinklink01'), 'invite', 'stored@link.example', 'captain', 'Typed',
       (select id from scc.users where email = 'Stored@Link.example'), now() + interval '1 day'
union all
select scc.token_hash('linklinklinklinklink02'), 'invite', 'new@link.example', 'guest', null, null,
       now() + interval '1 day'
union all
select scc.token_hash('linklinklinklinklink03'), 'login', 'new@link.example', 'guest', null, null,
       now() - interval '1 second';
insert into scc.magic_links (code_hash, purpose, email, role, expires_at, consumed_at)
values (scc.token_hash('linklinklinklinklink04'), 'login', 'used@link.example', 'guest',
        now() + interval '1 day', now());

create function pg_temp.ctx(code text) returns jsonb
language sql as $$ select jsonb_build_object('body', jsonb_build_object('code', code)) $$;

set local role scc_web;
select is((select body -> 'link' ->> 'email' from scc_api.auth_link(pg_temp.ctx('linklinklinklinklink01'))),
          'Stored@Link.example', 'a link bound to a user shows the user''s stored address');
select is((select body -> 'link' ->> 'name' from scc_api.auth_link(pg_temp.ctx('linklinklinklinklink01'))),
          'Stored', 'and the user''s name');
select is((select (body -> 'link' ->> 'purpose') || ' ' || (body -> 'link' ->> 'email') || ' ' || (body -> 'link' ->> 'role')
             from scc_api.auth_link(pg_temp.ctx('linklinklinklinklink02'))),
          'invite new@link.example guest', 'an invite for a new address shows the invited address and role');
select throws_ok($$select scc_api.auth_link(pg_temp.ctx('linklinklinklinklink03'))$$,
                 'SC401', 'this link is not valid (any more)', 'an expired link is refused');
select throws_ok($$select scc_api.auth_link(pg_temp.ctx('linklinklinklinklink04'))$$,
                 'SC401', 'this link is not valid (any more)', 'a used link is refused');
select throws_ok($$select scc_api.auth_link(pg_temp.ctx('linklinklinklinklink05'))$$,
                 'SC401', 'this link is not valid (any more)', 'an unknown code is refused');
select throws_ok($$select scc_api.auth_link('{"body":{}}')$$,
                 'SC400', 'a code is required', 'no code: 400');
reset role;
select is((select count(*)::int from scc.magic_links
            where email like '%@link.example' and consumed_at is not null), 1,
          'reading links consumed none (only the one made used)');

select * from finish();
rollback;
