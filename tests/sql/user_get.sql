-- user_get.sql — scc_api.user_get (GET /api/users/:id): an admin reads
-- one user; anyone else, a bad id or an unknown one is refused with the
-- right SQLSTATE.  Runs in one transaction, rolled back.
begin;
create extension if not exists pgtap;
select plan(6);

create temp table ids (name text primary key, id uuid);
grant select on ids to scc_web;
with boss as (insert into scc.users (email, name, role) values ('boss@get.example', 'Boss', 'admin') returning id),
     deck as (insert into scc.users (email, name, role) values ('deck@get.example', 'Deck', 'crew') returning id)
insert into ids select 'boss', id from boss union all select 'deck', id from deck;

create function pg_temp.ctx(actor text, target text) returns jsonb
language sql as $$
    select jsonb_build_object('actor', jsonb_build_object('id', (select id from ids where name = actor)),
                              'params', jsonb_build_object('id', target))
$$;

set local role scc_web;
select is((select status from scc_api.user_get(pg_temp.ctx('boss', (select id::text from ids where name = 'deck')))),
          200, 'an admin reads a user');
select is((select body ->> 'email' || ' ' || (body ->> 'role') || ' ' || (body ->> 'name')
             from scc_api.user_get(pg_temp.ctx('boss', (select id::text from ids where name = 'deck')))),
          'deck@get.example crew Deck', 'the user, as scc.user_json writes it');
select throws_ok($$select scc_api.user_get(pg_temp.ctx('deck', (select id::text from ids where name = 'boss')))$$,
                 'SC403', 'your role may not do this', 'crew may not');
select throws_ok($$select scc_api.user_get(pg_temp.ctx('boss', 'nope'))$$,
                 'SC400', 'the user id must be a uuid', 'a bad id: 400');
select throws_ok($$select scc_api.user_get(pg_temp.ctx('boss', gen_random_uuid()::text))$$,
                 'SC404', 'no such user', 'an unknown id: 404');
reset role;
select is((select count(*)::int from scc.audit_log where entity_id in (select id::text from ids)), 0,
          'reading writes no audit row');

select * from finish();
rollback;
