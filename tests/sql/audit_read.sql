-- audit_read.sql — scc_api.audit_list (GET /api/audit, 017): admins read
-- the audit log newest first, filtered by actor, entity, action and time,
-- keyset-paged by id; every bad filter is refused by name; reading writes
-- nothing.  Runs as the superuser inside a rolled-back transaction.
begin;
create extension if not exists pgtap;
select plan(23);

insert into scc.users (email, name, role) values
    ('boss@audit.example', 'Bo Boss', 'admin'), ('cap@audit.example', 'Cat Cap', 'captain');
select id as boss from scc.users where email = 'boss@audit.example' \gset
select id as cap from scc.users where email = 'cap@audit.example' \gset

-- five rows of this file's own entity, at known times, two actors
insert into scc.audit_log (at, actor_id, actor_role, action, entity, entity_id, before, after, reason, ip, request_id)
values ('2026-05-01 10:00Z', :'boss', 'admin', 'thing.create', 'audit_read_thing', 'a', null, '{"n":1}', null, '10.0.0.1', 'r1'),
       ('2026-05-02 10:00Z', :'cap', 'captain', 'thing.update', 'audit_read_thing', 'a', '{"n":1}', '{"n":2}', 'fix', null, 'r2'),
       ('2026-05-03 10:00Z', :'boss', 'admin', 'thing.update', 'audit_read_thing', 'b', '{"n":5}', '{"n":6}', null, null, 'r3'),
       ('2026-05-04 10:00Z', null, null, 'thing.prune', 'audit_read_thing', null, null, null, null, null, null),
       ('2026-05-05 10:00Z', :'cap', 'captain', 'thing.update', 'audit_read_thing', 'a', '{"n":2}', '{"n":3}', null, null, 'r5');
create temporary table mine as
    select id, row_number() over (order by id) as n from scc.audit_log where entity = 'audit_read_thing';

create function pg_temp.list(actor uuid, query jsonb) returns jsonb language sql as $$
    select body::jsonb from scc_api.audit_list(jsonb_build_object(
        'actor', jsonb_build_object('id', actor, 'role', (select role from scc.users where id = actor)), 'query', query))
$$;
create function pg_temp.ids(answer jsonb) returns bigint[] language sql as $$
    select coalesce(array_agg((x ->> 'id')::bigint order by o), '{}') from jsonb_array_elements(answer -> 'items') with ordinality as a (x, o)
$$;
create function pg_temp.mine(variadic ns int[]) returns bigint[] language sql as $$
    select array_agg(m.id order by array_position(ns, m.n::int)) from mine as m where m.n = any (ns)
$$;

select (select count(*) from scc.audit_log) as rows_before \gset

-- paging: 2, 2, 1
select is(pg_temp.ids(pg_temp.list(:'boss', '{"entity":"audit_read_thing","limit":"2"}')), pg_temp.mine(5, 4),
          'newest first, limit rows');
select is((pg_temp.list(:'boss', '{"entity":"audit_read_thing","limit":"2"}') ->> 'next_before')::bigint, (pg_temp.mine(4))[1],
          'next_before is the last id of the page');
select is(pg_temp.ids(pg_temp.list(:'boss', format('{"entity":"audit_read_thing","limit":"2","before":"%s"}', (pg_temp.mine(4))[1])::jsonb)),
          pg_temp.mine(3, 2), 'before gives the next older page');
select is(pg_temp.list(:'boss', format('{"entity":"audit_read_thing","limit":"2","before":"%s"}', (pg_temp.mine(2))[1])::jsonb) -> 'next_before',
          'null'::jsonb, 'the last page has no next_before');
select is(pg_temp.ids(pg_temp.list(:'boss', format('{"entity":"audit_read_thing","limit":"2","before":"%s"}', (pg_temp.mine(2))[1])::jsonb)),
          pg_temp.mine(1), 'and holds the oldest row');
select is(pg_temp.list(:'boss', '{"entity":"audit_read_thing","limit":"5"}') -> 'next_before', 'null'::jsonb,
          'a page that holds everything left has no next_before');

-- filters
select is(pg_temp.ids(pg_temp.list(:'boss', format('{"entity":"audit_read_thing","actor":"%s"}', :'cap')::jsonb)),
          pg_temp.mine(5, 2), 'actor');
select is(pg_temp.ids(pg_temp.list(:'boss', '{"entity":"audit_read_thing","action":"thing.update"}')),
          pg_temp.mine(5, 3, 2), 'action');
select is(pg_temp.ids(pg_temp.list(:'boss', '{"entity":"audit_read_thing","from":"2026-05-02","to":"2026-05-04T10:00:00Z"}')),
          pg_temp.mine(3, 2), 'from <= at < to');
select is(pg_temp.ids(pg_temp.list(:'boss', '{"entity":"audit_read_thing","from":"2026-05-04T12:00:00+02:00"}')),
          pg_temp.mine(5, 4), 'a time with an offset');
select is((pg_temp.list(:'boss', '{"entity":"audit_read_thing","limit":"5"}') -> 'items' -> 3) - 'id',
          jsonb_build_object('at', '2026-05-02T10:00:00.000000Z',
                             'actor', jsonb_build_object('id', :'cap', 'name', 'Cat Cap', 'email', 'cap@audit.example'),
                             'actor_role', 'captain', 'action', 'thing.update', 'entity', 'audit_read_thing',
                             'entity_id', 'a', 'before', '{"n":1}'::jsonb, 'after', '{"n":2}'::jsonb, 'reason', 'fix',
                             'ip', null, 'request_id', 'r2'),
          'a row: when, who (with name and address), what, before and after, why');
select is((pg_temp.list(:'boss', '{"entity":"audit_read_thing","limit":"5"}') -> 'items' -> 1 -> 'actor'), 'null'::jsonb,
          'a row without an actor');

-- refusals
select throws_ok(format($$select pg_temp.list(%L, '{"actor":"bob"}')$$, :'boss'), 'SC400', 'actor must be a uuid', 'a bad actor');
select throws_ok(format($$select pg_temp.list(%L, '{"limit":"0"}')$$, :'boss'), 'SC400', 'limit must be a whole number from 1 to 200', 'limit 0');
select throws_ok(format($$select pg_temp.list(%L, '{"limit":"201"}')$$, :'boss'), 'SC400', 'limit must be a whole number from 1 to 200', 'limit 201');
select throws_ok(format($$select pg_temp.list(%L, '{"before":"-3"}')$$, :'boss'), 'SC400',
                 'before must be an audit row id (a whole number >= 1)', 'a bad before');
select throws_ok(format($$select pg_temp.list(%L, '{"from":"now"}')$$, :'boss'), 'SC400',
                 'from must be an ISO 8601 date or date-time with a zone (2026-07-04, 2026-07-04T18:30:00Z)', 'from=now is not ISO 8601');
select throws_ok(format($$select pg_temp.list(%L, '{"to":"2026-05-04T10:00:00"}')$$, :'boss'), 'SC400',
                 'to must be an ISO 8601 date or date-time with a zone (2026-07-04, 2026-07-04T18:30:00Z)', 'a time without a zone');
select throws_ok(format($$select pg_temp.list(%L, '{"from":"2026-05-04","to":"2026-05-01"}')$$, :'boss'), 'SC400',
                 'to must be after from', 'a range out of order');
select throws_ok(format($$select pg_temp.list(%L, jsonb_build_object('entity', repeat('e', 101)))$$, :'boss'), 'SC400',
                 'entity: at most 100 characters', 'a long entity');
select throws_ok(format($$select pg_temp.list(%L, '{"who":"me"}')$$, :'boss'), 'SC400',
                 'who is not a parameter of this route', 'an unknown parameter');
select is((select count(*) from scc.audit_log), :rows_before::bigint, 'reading writes no audit row');
select throws_ok(format($$select pg_temp.list(%L, '{}')$$, :'cap'), 'SC403', 'your role may not do this', 'a captain may not read it');

select * from finish();
rollback;
