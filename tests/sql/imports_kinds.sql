-- imports_kinds.sql — the generic import framework (sql/migrations/
-- 041_import_kinds.sql): layouts as rows (scc.import_kinds), the one typed
-- checker (every type's error with line and column, a key given twice),
-- each kind's rules across columns, every kind's sample file imported and
-- imported again (updated, never duplicated), and malformed files refused
-- whole.  Runs as the superuser (pg_prove from the repository's root) in a
-- rolled-back transaction; scc.import_csv is what scc_worker may run.
begin;
create extension if not exists pgtap;
select plan(9);

create function pg_temp.errors(kind text, csv text) returns table (line int, col text, code text) language sql as $$
    select (e ->> 'line')::int, e ->> 'column', e ->> 'code'
      from jsonb_array_elements(scc.import_csv(kind, csv, null, 'bad.csv') -> 'errors') as e
$$;
create function pg_temp.counts(kind text, csv text) returns jsonb language sql as $$
    select scc.import_csv(kind, csv, null, kind || '.csv') - 'import_id' - 'kind'
$$;

-- layouts are rows, the JSON shape kept
select is((select jsonb_agg(x ->> 'kind') from jsonb_array_elements(scc.import_layouts()) as x),
          (select jsonb_agg(k.kind order by k.position) from scc.import_kinds as k),
          'scc.import_layouts() lists the rows of scc.import_kinds in their order');
select is((select array_agg(c ->> 'name') from jsonb_array_elements(scc.import_layout('accounts') -> 'columns') as c),
          array['entity', 'code', 'name', 'type', 'purpose'], 'accounts has its purpose column');
select ok((select bool_and(c ? 'name' and c ? 'type' and c ? 'optional' and c ->> 'what' <> '')
             from jsonb_array_elements(scc.import_layouts()) as k, jsonb_array_elements(k -> 'columns') as c),
          'every column says its name, type, whether it may be empty and what it holds');
select throws_ok($$insert into scc.import_kinds (kind, position, title, key, key_columns, counts, sample, columns)
                   values ('widgets', 999, 'Widgets', 'id', array['id'], 'widgets', '/samples/import/widgets.csv',
                           '[{"name": "id", "type": "uuid"}]')$$,
                 '23514', null, 'a layout with an unknown column type is refused (import_kinds_columns_check)');

-- accounts: purpose, and its rule across columns
select results_eq($$select * from pg_temp.errors('accounts', E'entity,code,name,type,purpose\n'
                    'charter,P1,Bank,asset,cash\ncharter,P2,Deposits,asset,deferred_revenue\ncharter,P3,Fuel,expense,fuel\n'
                    'charter,P4,Sales,revenue,receivable\ncharter,P5,Loan,liability,payable')$$,
                  $$values (3, 'purpose', 'purpose_type_mismatch'), (4, 'purpose', 'invalid_purpose'),
                           (5, 'purpose', 'purpose_type_mismatch')$$,
                  'accounts: a purpose that does not fit the type (accounts_purpose_type_check), one that is not a purpose');

-- clients (the worked example)
\set clients `cat samples/import/clients.csv`
select is(pg_temp.counts('clients', :'clients'), '{"rows": 4, "inserted": 4, "updated": 0}', 'the clients sample: 4 clients');
select is(pg_temp.counts('clients', replace(:'clients', 'Acme Logistics', 'Acme Logistics Inc')),
          '{"rows": 4, "inserted": 0, "updated": 4}', 're-importing clients updates them');
select is((select name || ':' || active from scc.clients where external_id = 'CL-ACME'), 'Acme Logistics Inc:true',
          'a client renamed, not duplicated');
select results_eq($$select * from pg_temp.errors('clients', E'entity,external_id,name,active\n'
                    'nowhere,A,x,yes\ndangerouscentaur,,,maybe\ndangerouscentaur,CL-X,x,\ndangerouscentaur,CL-X,y,')$$,
                  $$values (2, 'entity', 'unknown_entity'), (3, 'external_id', 'external_id_required'),
                           (3, 'name', 'name_required'), (3, 'active', 'invalid_yes_no'), (5, 'external_id', 'duplicate_key')$$,
                  'clients: an unknown entity, required values, not yes or no, a key twice');

select * from finish();
rollback;
