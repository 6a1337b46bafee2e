-- ledger_months.sql — the ledger's month sums (038_ledger_months.sql)
-- equal the lines they sum after every kind of write: an insert of many
-- lines in one statement, an entry's date moved to another month (its
-- lines follow by cascade), a line moved to another account, a delete;
-- scc.ledger_sums over a span with whole months and edges equals the
-- lines' own sums; the rebuild gives the same rows.
-- Runs as the superuser inside a rolled-back transaction.
begin;
create extension if not exists pgtap;
select plan(9);

create function pg_temp.ent(slug text) returns bigint language sql as $$
    select id from scc.entities as e where e.slug = ent.slug
$$;
insert into scc.accounts (entity_id, code, name, type) values
    (pg_temp.ent('charter'), 'T1000', 'Cash', 'asset'), (pg_temp.ent('charter'), 'T4000', 'Revenue', 'revenue'),
    (pg_temp.ent('charter'), 'T5000', 'Costs', 'expense');
create function pg_temp.acct(code text) returns bigint language sql as $$
    select id from scc.accounts where code = acct.code
$$;

-- the kept sums against the lines, as one comparable text
create function pg_temp.diff() returns bigint language sql as $$
    select count(*) from (
        (select account_id, month, currency, debit_cents, credit_cents, debit_lines, credit_lines
           from scc.ledger_months where debit_lines + credit_lines > 0
         except
         select l.account_id, date_trunc('month', l.posted_on)::date, l.currency,
                coalesce(sum(l.amount_cents) filter (where l.amount_cents > 0), 0),
                coalesce(-sum(l.amount_cents) filter (where l.amount_cents < 0), 0),
                count(*) filter (where l.amount_cents > 0), count(*) filter (where l.amount_cents < 0)
           from scc.journal_lines as l group by 1, 2, 3)
        union all
        (select l.account_id, date_trunc('month', l.posted_on)::date, l.currency,
                coalesce(sum(l.amount_cents) filter (where l.amount_cents > 0), 0),
                coalesce(-sum(l.amount_cents) filter (where l.amount_cents < 0), 0),
                count(*) filter (where l.amount_cents > 0), count(*) filter (where l.amount_cents < 0)
           from scc.journal_lines as l group by 1, 2, 3
         except
         select account_id, month, currency, debit_cents, credit_cents, debit_lines, credit_lines
           from scc.ledger_months where debit_lines + credit_lines > 0)) as d
$$;

-- 60 entries over four months, two lines each, in two statements
insert into scc.journal_entries (entity_id, posted_on, memo, source, external_id)
select pg_temp.ent('charter'), date '2026-07-01' + i * 2, '', 'test', 'LM' || i from generate_series(1, 60) as i;
insert into scc.journal_lines (entry_id, entity_id, posted_on, account_id, amount_cents, currency)
select e.id, e.entity_id, e.posted_on, pg_temp.acct(x.code), x.amount * (1 + e.id % 7), x.cur
  from scc.journal_entries as e
  cross join (values ('T1000', 1000, 'USD'), ('T4000', -1000, 'USD')) as x (code, amount, cur)
 where e.source = 'test';
select is(pg_temp.diff(), 0::bigint, 'after a many-row insert the month sums are the lines''');
select ok((select count(*) from scc.ledger_months where account_id = pg_temp.acct('T1000')) = 4,
          'one row per account, month and currency (July to October)');

update scc.journal_entries set posted_on = posted_on + 40 where external_id in ('LM3', 'LM4');
select is(pg_temp.diff(), 0::bigint, 'entries moved to another month (their lines follow by cascade)');

update scc.journal_lines set account_id = pg_temp.acct('T5000'), amount_cents = -amount_cents
 where entry_id = (select id from scc.journal_entries where external_id = 'LM10') and account_id = pg_temp.acct('T4000');
select is(pg_temp.diff(), 0::bigint, 'a line moved to another account, its sign turned');

delete from scc.journal_entries where external_id in ('LM20', 'LM21', 'LM22');
select is(pg_temp.diff(), 0::bigint, 'entries deleted (their lines by cascade)');

insert into scc.journal_entries (entity_id, posted_on, memo, source, external_id)
values (pg_temp.ent('charter'), '2026-08-15', '', 'test', 'LM-EUR');
insert into scc.journal_lines (entry_id, entity_id, posted_on, account_id, amount_cents, currency)
select e.id, e.entity_id, e.posted_on, pg_temp.acct(x.code), x.amount, 'EUR'
  from scc.journal_entries as e, (values ('T1000', 500), ('T4000', -500)) as x (code, amount)
 where e.external_id = 'LM-EUR';
select is(pg_temp.diff(), 0::bigint, 'another currency has rows of its own');

-- a span with edges: 2026-07-10 to 2026-09-20 (August whole)
select is((select jsonb_object_agg(account_id, jsonb_build_array(net, debits, lines, debit_lines))
             from scc.ledger_sums('2026-07-10', '2026-09-20')),
          (select jsonb_object_agg(account_id, jsonb_build_array(net, debits, lines, debit_lines)) from (
              select l.account_id, sum(l.amount_cents)::bigint as net, sum(greatest(l.amount_cents, 0))::bigint as debits,
                     count(*)::bigint as lines, count(*) filter (where l.amount_cents > 0)::bigint as debit_lines
                from scc.journal_lines as l
               where l.currency = 'USD' and l.posted_on >= '2026-07-10' and l.posted_on < '2026-09-20'
               group by l.account_id) as x),
          'ledger_sums over whole months and edge days equals the lines'' sums (USD only)');
select is((select jsonb_object_agg(account_id, net) from scc.ledger_sums('2026-07-10', '2026-07-20')),
          (select jsonb_object_agg(account_id, net) from (
              select l.account_id, sum(l.amount_cents)::bigint as net from scc.journal_lines as l
               where l.currency = 'USD' and l.posted_on >= '2026-07-10' and l.posted_on < '2026-07-20'
               group by l.account_id) as x),
          'a span inside one month comes from the lines alone');

create temp table kept as select * from scc.ledger_months where debit_lines + credit_lines > 0;
select scc.ledger_months_rebuild();
select is((select count(*) from (select * from kept except select * from scc.ledger_months) as d), 0::bigint,
          'the rebuild gives the rows the triggers kept');

select * from finish();
rollback;
