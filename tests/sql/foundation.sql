-- foundation.sql — pgTAP: the schemas, roles and privileges of
-- migration 001, and the contract of scc_api.health.
-- Runs as the superuser inside one transaction that is rolled back, so it
-- leaves the database as it found it (pgtap included).
begin;
create extension if not exists pgtap;
select plan(22);

-- the three schemas, owned by scc_owner
select has_schema('scc');
select has_schema('scc_api');
select has_schema('scc_report');
select schema_owner_is('scc', 'scc_owner');
select schema_owner_is('scc_api', 'scc_owner');
select schema_owner_is('scc_report', 'scc_owner');

-- the roles exist (cluster level, sql/roles.sql)
select has_role('scc_owner');
select has_role('scc_web');
select has_role('scc_worker');

-- migrations are recorded with a sha-256 checksum
select has_table('scc', 'schema_migrations', 'scc.schema_migrations exists');
select col_is_pk('scc', 'schema_migrations', 'version', 'version is the primary key');
select ok((select bool_and(checksum ~ '^[0-9a-f]{64}$') from scc.schema_migrations),
          'every checksum is sha-256 hex');

-- scc_web: usage on scc_api and execute on its functions; nothing in scc
select ok(has_schema_privilege('scc_web', 'scc_api', 'usage'), 'scc_web may use scc_api');
select ok(not has_schema_privilege('scc_web', 'scc', 'usage'), 'scc_web may not use scc');
select ok(has_function_privilege('scc_web', 'scc_api.health(jsonb)', 'execute'),
          'scc_web may execute scc_api.health');
select ok(not has_table_privilege('scc_web', 'scc.schema_migrations', 'select'),
          'scc_web may not read scc.schema_migrations');

-- health: 200, the documented keys, ctx.pool echoed, schema_version = max(version)
select is((scc_api.health('{"pool":{"size":2,"connected":1,"busy":1,"waiting":0}}')).status, 200,
          'health answers 200');
select is((select array_agg(k order by k) from json_object_keys(
              (scc_api.health('{}')).body) as k),
          array['db_time', 'pool', 'schema_version', 'status'],
          'health body has exactly status, db_time, schema_version, pool');
select is((scc_api.health('{"pool":{"size":2}}')).body -> 'pool' ->> 'size', '2',
          'health echoes ctx.pool');
select is(((scc_api.health('{}')).body ->> 'schema_version')::int,
          (select max(version) from scc.schema_migrations),
          'schema_version is the newest applied migration');

-- as scc_web: the function works, the table behind it does not
set local role scc_web;
select lives_ok($$select scc_api.health('{}')$$, 'scc_web can call scc_api.health');
select throws_ok($$select count(*) from scc.schema_migrations$$, '42501', null,
                 'scc_web cannot select from scc tables');
reset role;

select * from finish();
rollback;
