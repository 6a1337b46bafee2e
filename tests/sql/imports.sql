-- imports.sql — CSV import (sql/migrations/032_ledger.sql): the RFC 4180
-- parser on tricky text (quotes, doubled quotes, commas and line breaks in
-- quotes, CRLF/LF/CR, no final line end, a byte order mark, blank lines,
-- misplaced quotes), both sample files (samples/import/, read from the
-- repository) imported and imported again (updated, not duplicated), and
-- malformed files refused whole with every error by line and column:
-- missing and unknown columns, a bad date, a bad amount, an unknown
-- entity, an external id given twice, an unbalanced entry.  Runs as the
-- superuser (pg_prove from the repository's root) in a rolled-back
-- transaction; scc.import_csv is what scc_worker may run.
begin;
create extension if not exists pgtap;
select plan(35);

-- the parser
select results_eq($$select line, fields, problem from scc.csv_records(E'a,b,c\n1,"x,y",3\r\n"multi\nline","he said ""hi""",\n\n4,5,6')$$,
                  $$values (1, array['a','b','c'], null::text), (2, array['1','x,y','3'], null),
                           (3, array[E'multi\nline', 'he said "hi"', ''], null), (6, array['4','5','6'], null)$$,
                  'quoted commas, a line break in quotes (lines counted), doubled quotes, an empty last field, a blank line');
select results_eq($$select line, fields from scc.csv_records(E'\uFEFFa,b\r\n1,2\r\n')$$,
                  $$values (1, array['a','b']), (2, array['1','2'])$$, 'a byte order mark dropped, CRLF, a final line end');
select results_eq($$select line, fields from scc.csv_records(E'a,b\r1,2')$$,
                  $$values (1, array['a','b']), (2, array['1','2'])$$, 'CR line ends, no final line end');
select results_eq($$select line, fields from scc.csv_records(E',\n,,\n"",""\n"a"')$$,
                  $$values (1, array['','']), (2, array['','','']), (3, array['','']), (4, array['a'])$$,
                  'empty fields, quoted empty fields, a quoted field alone');
select results_eq($$select line, fields from scc.csv_records(E'x\n"""",""""""\n"a""b",c')$$,
                  $$values (1, array['x']), (2, array['"', '""']), (3, array['a"b', 'c'])$$,
                  'fields that are only doubled quotes');
select results_eq($$select line, fields from scc.csv_records(E'a,"b\r\nc"\n2,3')$$,
                  $$values (1, array['a', E'b\nc']), (3, array['2', '3'])$$,
                  'a CRLF inside quotes is kept as LF and counts as a line');
select is((select count(*)::int from scc.csv_records('')), 0, 'an empty text has no records');
select results_eq($$select line, problem from scc.csv_records(E'a,b\n1,"2"x\nab"c,d')$$,
                  $$values (1, null::text), (2, 'field 2: text after the closing quote of a quoted field'),
                           (3, 'field 1: a quote inside an unquoted field (quote the whole field and double each quote in it)')$$,
                  'text after a closing quote, a quote inside an unquoted field: named by field');
select results_eq($$select line, problem from scc.csv_records(E'a,b\n1,"2\n3,4\n')$$,
                  $$values (1, null::text), (2, 'field 2: a quoted field is not closed')$$,
                  'an unclosed quote takes the rest of the file and is named');
select is((select count(*)::int from scc.csv_records(
              (select string_agg(format('%s,"memo, %s",%s.25', i, i, i), E'\n') from generate_series(1, 5000) as i))),
          5000, '5,000 quoted records');

-- values
select is(scc.import_date('2024-02-29'), date '2024-02-29', 'a leap day');
select ok(scc.import_date('2026-02-29') is null and scc.import_date('2026-13-01') is null
          and scc.import_date('2026-1-01') is null and scc.import_date('01/02/2026') is null,
          'not dates: Feb 29 of 2026, month 13, one digit, another format');
select is(array[scc.import_cents('1250'), scc.import_cents('1250.5'), scc.import_cents('1250.05'), scc.import_cents('-0.07')],
          array[125000::bigint, 125050, 125005, -7], 'amounts to cents');
select ok(scc.import_cents('1,250.00') is null and scc.import_cents('1.234') is null and scc.import_cents('$5') is null
          and scc.import_cents('') is null and scc.import_cents('1e3') is null,
          'not amounts: a thousands separator, three places, a sign, empty, an exponent');

-- the sample files, as the CLI's role runs them
\set accounts `cat samples/import/accounts.csv`
\set journal `cat samples/import/journal.csv`
set local role scc_worker;
select is(scc.import_csv('accounts', :'accounts', null, 'accounts.csv') - 'import_id',
          '{"kind": "accounts", "rows": 30, "inserted": 30, "updated": 0}', 'the accounts sample: 30 accounts');
select is(scc.import_csv('journal', :'journal', null, 'journal.csv') - 'import_id',
          '{"kind": "journal", "rows": 23, "inserted": 11, "updated": 0}', 'the journal sample: 11 entries of 23 lines');
select throws_ok($$select count(*) from scc.journal_entries$$, '42501', null, 'scc_worker reads no ledger table');
reset role;
select is((select count(*)::int from scc.journal_lines as l join scc.journal_entries as e on e.id = l.entry_id
            where e.source in ('bank', 'sailo', 'stripe', 'quickbooks', 'airbnb') and e.import_id is not null), 23,
          'the 23 lines are in the ledger');
select is((select memo from scc.journal_entries where external_id = 'DC-2026-001'), 'Invoice 1042, "Acme" retainer',
          'a quoted memo with a comma and doubled quotes');
select is((select balance_cents from scc.account_balances('expert-yacht-delivery', '2026-10-31')
            where code = '5000' and currency = 'MXN'), 985000::bigint, 'an MXN expense');
set local role scc_worker;
select is(scc.import_csv('journal', replace(:'journal', 'CH-2026-001,charter,2026-10-03', 'CH-2026-001,charter,2026-10-04'),
                         null, 'journal.csv') - 'import_id',
          '{"kind": "journal", "rows": 23, "inserted": 0, "updated": 11}', 're-importing updates every entry');
select is(scc.import_csv('accounts', replace(:'accounts', 'charter,5200,Crew wages', 'charter,5200,Crew wages and tips'),
                         null, 'accounts.csv') - 'import_id',
          '{"kind": "accounts", "rows": 30, "inserted": 0, "updated": 30}', 're-importing accounts updates them');
reset role;
select is((select count(*)::int from scc.journal_lines as l join scc.journal_entries as e on e.id = l.entry_id
            where e.external_id like '__-2026-00_'), 23, 'no line duplicated by the re-import');
select is((select array_agg(distinct l.posted_on) from scc.journal_lines as l
             join scc.journal_entries as e on e.id = l.entry_id where e.external_id = 'CH-2026-001'),
          array[date '2026-10-04'], 'the re-import moved the entry and its lines to the new date');
select is((select name from scc.accounts where code = '5200'
             and entity_id = (select id from scc.entities where slug = 'charter')), 'Crew wages and tips', 'an account renamed');

-- malformed files, refused whole
create function pg_temp.errors(kind text, csv text) returns table (line int, col text, code text) language sql as $$
    select (e ->> 'line')::int, e ->> 'column', e ->> 'code'
      from jsonb_array_elements(scc.import_csv(kind, csv, null, 'bad.csv') -> 'errors') as e
$$;
create function pg_temp.journal_csv(rows text) returns text language sql as $$
    select 'external_id,entity,posted_on,memo,account,debit,credit,currency,source' || E'\n' || rows
$$;
select results_eq($$select * from pg_temp.errors('journal', 'external_id,entity,posted_on,account,debit,credit,currency,source,notes
X,charter,2026-10-01,1000,1.00,,USD,bank,hi')$$,
                  $$values (1, 'memo', 'missing_column'), (1, 'notes', 'unknown_column')$$,
                  'a missing and an unknown column: line 1, named');
select results_eq($$select * from pg_temp.errors('journal', pg_temp.journal_csv(
E'A,charter,2026-10-01,ok,1000,10.00,,USD,bank\nA,charter,2026-10-01,ok,4000,,10.00,USD,bank\n'
'B,charter,2026-10-32,bad date,1000,5.00,,USD,bank\nB,charter,2026-10-32,bad date,4000,,5.00,USD,bank\n'
'C,charter,2026-10-02,bad amount,1000,5.001,,USD,bank\nC,charter,2026-10-02,bad amount,4000,,five,USD,bank\n'
'D,nowhere,2026-10-02,unknown entity,1000,1.00,,USD,bank\nD,nowhere,2026-10-02,unknown entity,4000,,1.00,USD,bank\n'
'A,charter,2026-10-01,again,1000,1.00,,USD,bank\nA,charter,2026-10-01,again,4000,,1.00,USD,bank\n'
'E,charter,2026-10-03,unbalanced,1000,10.00,,USD,bank\nE,charter,2026-10-03,unbalanced,4000,,9.99,USD,bank\n'
'F,charter,2026-10-03,wrong account,9999,1.00,,USD,bank\nF,charter,2026-10-03,wrong account,4000,,1.00,USD,bank'))$$,
                  $$values (4, 'posted_on', 'invalid_date'), (5, 'posted_on', 'invalid_date'),
                           (6, 'debit', 'invalid_amount'), (7, 'credit', 'invalid_amount'),
                           (8, 'entity', 'unknown_entity'), (9, 'entity', 'unknown_entity'),
                           (10, 'external_id', 'duplicate_external_id'),
                           (12, 'external_id', 'unbalanced_entry'),
                           (14, 'account', 'unknown_account')$$,
                  'every error of a journal file, by line and column, in line order');
select is((select e ->> 'message' from jsonb_array_elements(scc.import_csv('journal', pg_temp.journal_csv(
              E'E,charter,2026-10-03,x,1000,10.00,,USD,bank\nE,charter,2026-10-03,x,4000,,10.00,USD,bank\nE,charter,2026-10-03,x,1000,1.00,,EUR,bank'),
              null, 'bad.csv') -> 'errors') as e),
          'entry E does not balance in EUR: debits 1.00, credits 0.00 (lines 4)',
          'an entry balanced in USD, not in EUR: refused naming the currency and its lines');
select results_eq($$select * from pg_temp.errors('journal', pg_temp.journal_csv(
E'G,charter,2026-10-03,x,1000,1.00,1.00,USD,bank\nG,charter,2026-10-04,x,4000,,,USD,Bank\nH,charter,2026-10-03,"x"y,1000,1.00,,USD,bank\nH,charter'))$$,
                  $$values (2, 'credit', 'debit_and_credit'), (3, 'posted_on', 'entry_mismatch'),
                           (3, 'debit', 'amount_required'), (3, 'source', 'invalid_source'),
                           (3, 'source', 'entry_mismatch'),
                           (4, 'memo', 'bad_quoting'), (5, null, 'field_count')$$,
                  'both sides, neither, lines of one entry that disagree, bad quoting, a short row');
select results_eq($$select * from pg_temp.errors('accounts', E'entity,code,name,type,purpose\ncharter,X1,One,asset,\ncharter,X1,Two,asset,\nnowhere,x 2,,cash,')$$,
                  $$values (3, 'code', 'duplicate_key'), (4, 'entity', 'unknown_entity'), (4, 'code', 'invalid_code'),
                           (4, 'name', 'name_required'), (4, 'type', 'invalid_type')$$,
                  'an accounts file: a key twice, an unknown entity, a bad code, no name, a bad type');
select results_eq($$select * from pg_temp.errors('journal', '')
                    union all select * from pg_temp.errors('journal', pg_temp.journal_csv(''))$$,
                  $$values (1, null::text, 'empty_file'), (2, null, 'no_rows')$$, 'an empty file, a header alone');
select is((select count(*)::int from scc.accounts where code = 'X1'), 0, 'nothing of a refused file is applied');
select is((select count(*)::int from scc.imports where status = 'refused' and filename = 'bad.csv' and via = 'cli'
              and error_count = jsonb_array_length(errors)), 7, 'each refusal is recorded with its errors');
select throws_ok($$select scc.import_csv('ledger', 'x', null, 'x.csv')$$, 'SC400', null, 'an unknown kind is refused');
select is((select count(*)::int from scc.imports as i
            where not exists (select 1 from scc.audit_log as a
                               where a.entity = 'import' and a.entity_id = i.id::text
                                 and a.action = case i.status when 'applied' then 'import.apply' else 'import.refuse' end)),
          0, 'every import is audited');

select * from finish();
rollback;
