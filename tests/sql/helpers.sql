-- helpers.sql — sql/migrations/008_helpers_unpinned.sql: the helpers
-- carry no SET (so the SQL ones inline), everything SECURITY DEFINER still
-- pins search_path, and a helper still works from a role whose search_path
-- does not name scc (every object in it is qualified).
-- Runs in one transaction, rolled back.
begin;
create extension if not exists pgtap;
select plan(6);

select is(array(select p.oid::regprocedure::text
                  from pg_proc as p
                 where p.pronamespace = 'scc'::regnamespace
                   and not p.prosecdef
                   and p.proconfig is not null
                 order by 1),
          array['scc.jobs_notify()', 'scc.ledger_lines_over(bigint,numeric,date,date)', 'scc.random_token(integer)'],
          'only the trigger, random_token (pgcrypto by its bare name) and ledger_lines_over (a plan for each bound) keep a SET');
select is((select count(*)::int
             from pg_proc as p
            where p.pronamespace in ('scc'::regnamespace, 'scc_api'::regnamespace)
              and p.prosecdef
              and not coalesce(p.proconfig @> array['search_path=pg_catalog, scc'], false)),
          0, 'every security definer function still pins search_path = pg_catalog, scc');
select is((select provolatile::text from pg_proc where oid = 'scc.iso(timestamptz)'::regprocedure), 's',
          'scc.iso is stable (to_char is)');
select ok((select proconfig @> array['plan_cache_mode=force_generic_plan']
             from pg_proc where oid = 'scc_api.users_list(jsonb)'::regprocedure),
          'users_list plans its searches once');

-- under a search_path without scc, the helpers still find what they use
set local search_path = public;
select is(scc.iso('2026-11-25 10:00:00+00'::timestamptz), '2026-11-25T10:00:00.000000Z',
          'scc.iso works whatever the search_path');
select is(scc.role_rank('captain') > scc.role_rank('crew'), true, 'scc.role_rank too');

select * from finish();
rollback;
