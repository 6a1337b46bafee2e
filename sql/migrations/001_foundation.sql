-- 001_foundation.sql — the three schemas, the response type every route
-- returns, the privileges model, and the first route: scc_api.health.
--
-- Runs as scc_owner (scc-worker migrate), inside one transaction with its
-- record in scc.schema_migrations.  Never edit this file once applied:
-- write 002_... instead.

-- scc: tables (private: no app role reads them directly).  scc-worker
-- migrate creates it before the first migration, with schema_migrations.
comment on schema scc is 'SCC tables; private to scc_owner, reached through scc_api and scc_report';

-- scc_api: one function per API route; the only thing scc_web may run.
create schema scc_api;
comment on schema scc_api is 'SCC route functions (security definer), executed by scc_web';

-- scc_report: report queries, run by the worker.
create schema scc_report;
comment on schema scc_report is 'SCC report functions, executed by scc_worker';

-- Nobody but the owner may use the private schema; the app roles get only
-- what is granted below, function by function.
revoke all on schema scc from public;
grant usage on schema scc_api to scc_web;
grant usage on schema scc_report to scc_worker;

-- Functions are executable by PUBLIC by default; for everything scc_owner
-- creates from now on, they are not.  Each route function is granted to
-- scc_web explicitly right after its definition.
alter default privileges for role scc_owner revoke execute on functions from public;

-- Only the app roles may connect to this database.
do $$
begin
    execute format('revoke all on database %I from public', current_database());
    execute format('grant connect on database %I to scc_web, scc_worker', current_database());
end
$$;

-- What every route function returns: the HTTP status and the JSON body the
-- module sends as it is (it never parses it again).
create type scc_api.response as (status int, body json);
comment on type scc_api.response is 'route result: HTTP status and JSON body, sent by the module unchanged';

-- GET /api/health (public)
-- ctx: the module's request context; ctx->'pool' holds the module's pool
--      figures ({"size","connected","busy","waiting"}) and is echoed back.
-- returns 200 {"status":"ok","db_time":"<ISO 8601>","schema_version":N,"pool":{...}}
-- One round trip that proves the database answers and shows the schema level.
-- It reads scc.schema_migrations on purpose: the API tests lock that table
-- to make this query hang, simulating a slow query without test hooks.
create function scc_api.health(ctx jsonb)
returns scc_api.response
language sql
stable
security definer
set search_path = pg_catalog, scc
as $$
    select 200,
           json_build_object(
               'status', 'ok',
               'db_time', to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
               'schema_version', (select max(m.version) from scc.schema_migrations as m),
               'pool', ctx -> 'pool')
$$;
comment on function scc_api.health(jsonb) is 'GET /api/health: 200 with database time, schema version and the pool figures from ctx.pool';
revoke execute on function scc_api.health(jsonb) from public;
grant execute on function scc_api.health(jsonb) to scc_web;
