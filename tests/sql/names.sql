-- names.sql — the house names (sql/README.md, "Names"): every constraint on
-- a table of scc is <table>_pkey or <table>_<what>_<key|fkey|check|excl>.
-- PostgreSQL's own name for an unnamed check over several columns,
-- <table>_check[N], says nothing and fails here, so new DDL names its
-- constraints.  Constraint triggers (020's event_pages_settle) are
-- triggers and named as triggers are, for what they do.  Runs in one transaction, rolled back.
begin;
create extension if not exists pgtap;
select plan(2);

select cmp_ok((select count(*) from pg_constraint as c join pg_class as t on t.oid = c.conrelid
                where t.relnamespace = 'scc'::regnamespace), '>=', 30::bigint,
              'the tables of scc have their constraints');
select is(array(select t.relname || '.' || c.conname
                  from pg_constraint as c join pg_class as t on t.oid = c.conrelid
                 where t.relnamespace = 'scc'::regnamespace
                   and c.contype <> 't'  -- a constraint trigger is a trigger, named as triggers are
                   and c.conname !~ ('^' || t.relname || '_(pkey|[a-z0-9_]+_(key|fkey|check|excl))$')
                 order by 1),
          '{}'::text[], 'every constraint is named <table>_pkey or <table>_<what>_<kind>');

select * from finish();
rollback;
