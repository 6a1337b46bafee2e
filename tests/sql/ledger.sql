-- ledger.sql — sql/migrations/032_ledger.sql: the entities, the chart of
-- accounts and the journal.  An entry balanced per currency commits; an
-- unbalanced one (in any of its currencies) is refused when the deferred
-- check runs (what COMMIT runs: `set constraints ... immediate` here, since
-- the file is one rolled-back transaction) with a message naming its
-- external id; a line whose account belongs to another entity is refused
-- by the foreign key; an entry's date moves its lines'; and
-- scc.account_balances on a date.  Runs as the superuser.
begin;
create extension if not exists pgtap;
select plan(20);

select is((select count(*)::int from scc.entities
            where slug in ('charter', 'quickdumpnow', 'dangerouscentaur', 'rental-3028-51st', 'expert-yacht-delivery')),
          5, 'the five entities are seeded by slug');
select throws_ok($$insert into scc.entities (slug, name, kind) values ('Bad Slug', 'x', 'charter')$$,
                 '23514', null, 'a slug is lower case words joined by hyphens');

insert into scc.accounts (entity_id, code, name, type)
select n.id, a.code, a.name, a.type
  from scc.entities as n,
       (values ('T1000', 'Bank', 'asset'), ('T2000', 'Deposits', 'liability'), ('T4000', 'Revenue', 'revenue'),
               ('T5000', 'Fuel', 'expense')) as a (code, name, type)
 where n.slug in ('charter', 'quickdumpnow');
create function pg_temp.acct(entity text, code text) returns bigint language sql as $$
    select a.id from scc.accounts as a join scc.entities as n on n.id = a.entity_id
     where n.slug = entity and a.code = acct.code
$$;
create function pg_temp.entry(entity text, ext text, on_date date) returns bigint language sql as $$
    insert into scc.journal_entries (entity_id, posted_on, memo, source, external_id)
    select n.id, on_date, 'test', 'manual', ext from scc.entities as n where n.slug = entity
    returning id
$$;
create function pg_temp.line(entry bigint, entity text, code text, cents bigint, cur text) returns void language sql as $$
    insert into scc.journal_lines (entry_id, entity_id, posted_on, account_id, amount_cents, currency)
    select e.id, e.entity_id, e.posted_on, pg_temp.acct(entity, code), cents, cur
      from scc.journal_entries as e where e.id = entry
$$;
select throws_ok($$insert into scc.accounts (entity_id, code, name, type)
                   select id, 'T1000', 'Again', 'asset' from scc.entities where slug = 'charter'$$,
                 '23505', null, 'an account code is unique in its entity');
select throws_ok($$insert into scc.accounts (entity_id, code, name, type)
                   select id, 'T9', 'Cash', 'cash' from scc.entities where slug = 'charter'$$,
                 '23514', null, 'an account type is one of the five');

-- balanced in two currencies: passes the check
select pg_temp.entry('charter', 'BAL-1', '2026-03-14') as bal \gset
select pg_temp.line(:bal, 'charter', 'T1000', 15000, 'USD');
select pg_temp.line(:bal, 'charter', 'T4000', -15000, 'USD');
select pg_temp.line(:bal, 'charter', 'T5000', 98500, 'MXN');
select pg_temp.line(:bal, 'charter', 'T1000', -98500, 'MXN');
select lives_ok('set constraints scc.journal_lines_balanced immediate',
                'an entry balanced in USD and in MXN passes the check COMMIT runs');
set constraints scc.journal_lines_balanced deferred;

-- balanced in USD, not in EUR: refused naming the entry, the currency, both sides
select pg_temp.entry('charter', 'UNBAL-EUR', '2026-03-15') as unbal \gset
select pg_temp.line(:unbal, 'charter', 'T1000', 1000, 'USD');
select pg_temp.line(:unbal, 'charter', 'T4000', -1000, 'USD');
select pg_temp.line(:unbal, 'charter', 'T5000', 700, 'EUR');
select pg_temp.line(:unbal, 'charter', 'T1000', -600, 'EUR');
select throws_ok('set constraints scc.journal_lines_balanced immediate', 'SC422',
                 'journal entry UNBAL-EUR (charter, source manual) does not balance in EUR: debits 7.00, credits 6.00',
                 'an entry that balances in USD but not in EUR is refused, named by its external id');
set constraints scc.journal_lines_balanced deferred;
select pg_temp.line(:unbal, 'charter', 'T1000', -100, 'EUR');
select lives_ok('set constraints scc.journal_lines_balanced immediate', 'the missing credit balances it');
set constraints scc.journal_lines_balanced deferred;

-- a one-sided entry
select pg_temp.entry('charter', 'ONE-SIDED', '2026-03-16') as one \gset
select pg_temp.line(:one, 'charter', 'T1000', 2500, 'USD');
select throws_ok('set constraints scc.journal_lines_balanced immediate', 'SC422',
                 'journal entry ONE-SIDED (charter, source manual) does not balance in USD: debits 25.00, credits 0.00',
                 'a debit without its credit is refused');
set constraints scc.journal_lines_balanced deferred;
delete from scc.journal_entries where id = :one;
select lives_ok('set constraints scc.journal_lines_balanced immediate', 'deleting the entry deletes its lines and the problem');
set constraints scc.journal_lines_balanced deferred;

-- an entry without lines
select pg_temp.entry('charter', 'EMPTY', '2026-03-16') as empty \gset
select throws_ok('set constraints scc.journal_entries_have_lines immediate', 'SC422',
                 'journal entry EMPTY (source manual) has no lines', 'an entry needs lines');
set constraints scc.journal_entries_have_lines deferred;
delete from scc.journal_entries where id = :empty;

-- an account of another entity
select throws_ok(format($$insert into scc.journal_lines (entry_id, entity_id, posted_on, account_id, amount_cents, currency)
                          select e.id, e.entity_id, e.posted_on, %s, 100, 'USD' from scc.journal_entries as e where e.id = %s$$,
                        pg_temp.acct('quickdumpnow', 'T1000'), :bal),
                 '23503', null, 'a line''s account must be of the entry''s entity');
select throws_ok(format($$insert into scc.journal_lines (entry_id, entity_id, posted_on, account_id, amount_cents, currency)
                          select e.id, e.entity_id, date '2020-01-01', %s, 100, 'USD' from scc.journal_entries as e where e.id = %s$$,
                        pg_temp.acct('charter', 'T1000'), :bal),
                 '23503', null, 'a line''s date is its entry''s');
select throws_ok(format($$select pg_temp.line(%s, 'charter', 'T1000', 100, 'usd')$$, :bal),
                 '23514', null, 'a currency is three capital letters');
select throws_ok(format($$select pg_temp.line(%s, 'charter', 'T1000', 0, 'USD')$$, :bal),
                 '23514', null, 'a line moves money');
select throws_ok($$insert into scc.journal_entries (entity_id, posted_on, source, external_id)
                   select id, '2026-03-14', 'manual', 'BAL-1' from scc.entities where slug = 'charter'$$,
                 '23505', null, 'an external id is unique per entity and source');

-- the entry's date moves its lines'
update scc.journal_entries set posted_on = '2026-03-20' where id = :bal;
select is((select array_agg(distinct posted_on) from scc.journal_lines where entry_id = :bal),
          array[date '2026-03-20'], 'lines follow their entry''s date');

-- balances: debit-normal and credit-normal sides, a date cut, an account without lines
select results_eq($$select code, currency::text, debit_cents, credit_cents, net_cents, balance_cents
                     from scc.account_balances('charter', '2026-03-31') where code like 'T%' order by code, currency$$,
                  $$values ('T1000', 'EUR', 0::bigint, 700::bigint, -700::bigint, -700::bigint),
                           ('T1000', 'MXN', 0, 98500, -98500, -98500),
                           ('T1000', 'USD', 16000, 0, 16000, 16000),
                           ('T2000', null, 0, 0, 0, 0),
                           ('T4000', 'USD', 0, 16000, -16000, 16000),
                           ('T5000', 'EUR', 700, 0, 700, 700),
                           ('T5000', 'MXN', 98500, 0, 98500, 98500)$$,
                  'balances per account and currency, on each account''s normal side');
select results_eq($$select code, coalesce(currency::text, '-'), balance_cents
                     from scc.account_balances('charter', '2026-03-15') where code like 'T%' order by code, currency$$,
                  $$values ('T1000', 'EUR', -700::bigint), ('T1000', 'USD', 1000), ('T2000', '-', 0),
                           ('T4000', 'USD', 1000), ('T5000', 'EUR', 700)$$,
                  'a balance counts lines up to its date only (BAL-1 moved to the 20th)');
select is((select count(*)::int from scc.account_balances('no-such-entity', '2026-03-31')), 0,
          'an unknown entity has no balances');
select lives_ok('set constraints all immediate', 'everything left balances');

select * from finish();
rollback;
