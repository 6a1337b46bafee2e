-- api_conventions.sql — pgTAP: rules every route function must keep,
-- checked over all of scc_api so new routes are covered without new tests.
-- Runs as the superuser inside a rolled-back transaction.
begin;
create extension if not exists pgtap;
select plan(5);

-- every function in scc_api ...
create temporary view api_functions as
    select p.oid, p.oid::regprocedure as signature, p.prosecdef, p.proconfig,
           pg_get_userbyid(p.proowner) as owner
      from pg_proc as p
     where p.pronamespace = 'scc_api'::regnamespace;

select cmp_ok((select count(*) from api_functions), '>=', 1::bigint, 'scc_api has functions');

select is(array(select signature::text from api_functions where not prosecdef), '{}'::text[],
          'every scc_api function is security definer');

select is(array(select signature::text from api_functions
                 where not coalesce(proconfig @> array['search_path=pg_catalog, scc'], false)),
          '{}'::text[],
          'every scc_api function pins search_path = pg_catalog, scc');

select is(array(select signature::text from api_functions where owner <> 'scc_owner'), '{}'::text[],
          'every scc_api function is owned by scc_owner');

-- nobody but scc_web (and the owner) may execute them: not PUBLIC
select is(array(select signature::text from api_functions
                 where has_function_privilege('public', oid, 'execute')), '{}'::text[],
          'no scc_api function is executable by PUBLIC');

select * from finish();
rollback;
