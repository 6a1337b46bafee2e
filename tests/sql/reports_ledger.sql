-- reports_ledger.sql — the CEO, accounting officer and CFO reports
-- (039_reports_ledger.sql) on a small ledger worked out by hand: revenue
-- vs prior period and plan, the tracking gaps, cash, burn and runway (and a negative burn: cash-flow positive),
-- capital deployment, break-even, targets, recognition and deposits, the
-- expense audit's outlier and missing receipt, AP aging, payouts, and a
-- line in another currency that no sum may take; accounts' purposes.
-- Runs as the superuser inside a rolled-back transaction.
begin;
create extension if not exists pgtap;
select plan(49);

create function pg_temp.ent(slug text) returns bigint language sql as $$
    select id from scc.entities as e where e.slug = ent.slug
$$;
create function pg_temp.fig(r jsonb, section text, figure text)
returns jsonb language sql as $$
    select f -> 'value' from jsonb_array_elements(r -> 'sections') as s,
                             jsonb_array_elements(s -> 'figures') as f
     where s ->> 'id' = section and f ->> 'id' = figure
$$;
create function pg_temp.tab(r jsonb, section text)
returns jsonb language sql as $$
    select s -> 'table' -> 'rows' from jsonb_array_elements(r -> 'sections') as s where s ->> 'id' = section
$$;

-- purposes: what each type may be for
select throws_ok($$insert into scc.accounts (entity_id, code, name, type, purpose)
                   values (pg_temp.ent('charter'), 'X1', 'Cash?', 'expense', 'cash')$$,
                 '23514', null, 'an expense account cannot be cash');
select throws_ok($$insert into scc.accounts (entity_id, code, name, type, purpose)
                   values (pg_temp.ent('charter'), 'X2', 'Petty', 'asset', 'petty')$$,
                 '23514', null, 'an unknown purpose is refused');

insert into scc.accounts (entity_id, code, name, type, purpose)
select pg_temp.ent('charter'), x.code, x.name, x.type, x.purpose
  from (values ('1000', 'Cash', 'asset', 'cash'), ('1150', 'Payouts receivable', 'asset', 'receivable'),
               ('1500', 'Vessels', 'asset', 'fixed_asset'), ('2400', 'Deposits', 'liability', 'deferred_revenue'),
               ('3000', 'Equity', 'equity', null), ('4000', 'Charter revenue', 'revenue', null),
               ('5000', 'Commissions', 'expense', 'variable_cost'), ('5300', 'Maintenance', 'expense', null),
               ('5700', 'Moorage', 'expense', null)) as x (code, name, type, purpose);

-- one entry of the charter: lines [[code, cents], ...], USD unless given
create function pg_temp.je(ext text, source text, posted date, lines jsonb, cur text default 'USD')
returns void language sql as $$
    with e as (
        insert into scc.journal_entries (entity_id, posted_on, memo, source, external_id)
        values (pg_temp.ent('charter'), posted, '', source, ext) returning id, entity_id, posted_on
    )
    insert into scc.journal_lines (entry_id, entity_id, posted_on, account_id, amount_cents, currency)
    select e.id, e.entity_id, e.posted_on, a.id, (l ->> 1)::bigint, cur
      from e, jsonb_array_elements(lines) as l
      join scc.accounts as a on a.entity_id = pg_temp.ent('charter') and a.code = l ->> 0
$$;

-- cash: 1,000,000 - 10,000 (June) - 10,000 (July) - 140,000 (August)
-- - 50,000 (September) - 100,000 (October) = 690,000
select pg_temp.je('O0', 'opening', '2026-07-01', '[["1000", 1000000], ["1500", 5000000], ["3000", -6000000]]');
select pg_temp.je('O1', 'bank', '2026-07-15', '[["5300", 10000], ["1000", -10000]]');
select pg_temp.je('O1b', 'bank', '2026-06-15', '[["5300", 10000], ["1000", -10000]]');
select pg_temp.je('A1', 'bank', '2026-08-10', '[["1000", 300000], ["4000", -300000]]');
select pg_temp.je('A2', 'bank', '2026-08-20', '[["5000", 30000], ["5700", 400000], ["5300", 10000], ["1000", -440000]]');
select pg_temp.je('S1', 'bank', '2026-09-10', '[["1000", 400000], ["4000", -400000]]');
select pg_temp.je('S2', 'bank', '2026-09-20', '[["5000", 40000], ["5700", 400000], ["5300", 10000], ["1000", -450000]]');
select pg_temp.je('BK1', 'booking', '2026-10-10', '[["1000", 200000], ["4000", -200000]]');
select pg_temp.je('M1', 'manual', '2026-10-11', '[["1000", 300000], ["4000", -300000]]');
select pg_temp.je('O4', 'bank', '2026-10-05', '[["5300", 90000], ["1000", -90000]]');
select pg_temp.je('T2', 'bank', '2026-10-20', '[["5000", 50000], ["5700", 400000], ["1000", -450000]]');
select pg_temp.je('CAP', 'bank', '2026-10-25', '[["1500", 100000], ["1000", -100000]]');
select pg_temp.je('DEP', 'deposit', '2026-10-20', '[["1000", 40000], ["2400", -40000]]');
select pg_temp.je('EUR1', 'bank', '2026-10-21', '[["1000", 5000], ["4000", -5000]]', 'EUR');
select pg_temp.je('N1', 'bank', '2026-11-02', '[["1000", 999999], ["4000", -999999]]');

insert into scc.bookings (entity_id, external_id, channel, sail_on, booked_at, status, gross_cents, commission_cents,
                          deposit_cents, payout_expected_on, payout_expected_cents, payout_received_on,
                          payout_received_cents) values
    (pg_temp.ent('charter'), 'BK1', 'sailo', '2026-10-10', '2026-09-20 12:00+00', 'completed', 200000, 30000, 0,
     '2026-10-17', 170000, '2026-10-19', 170000),
    (pg_temp.ent('charter'), 'BK2', 'direct', '2026-11-15', '2026-10-20 12:00+00', 'confirmed', 100000, 0, 50000,
     null, null, null, null),
    (pg_temp.ent('charter'), 'BK3', 'direct', '2026-10-12', '2026-10-01 12:00+00', 'completed', 100000, 0, 0,
     null, null, null, null),
    (pg_temp.ent('charter'), 'BK4', 'getmyboat', '2026-10-20', '2026-10-02 12:00+00', 'completed', 80000, 10000, 0,
     '2026-10-27', 70000, null, null);
insert into scc.targets (entity_id, month, revenue_cents, expenses_cents) values
    (pg_temp.ent('charter'), '2026-10-01', 400000, 500000);
insert into scc.bills (entity_id, external_id, vendor, issued_on, due_on, amount_cents, receipt) values
    (pg_temp.ent('charter'), 'B1', 'Chandlery', '2026-10-01', '2026-10-10', 20000, null),
    (pg_temp.ent('charter'), 'B2', 'Marina', '2026-10-01', '2026-11-10', 30000, 'scan-1');
insert into scc.assets (entity_id, external_id, kind, name, value_cents, renews_on) values
    (pg_temp.ent('charter'), 'boat', 'boat', 'JADA', 5000000, null),
    (pg_temp.ent('charter'), 'domain', 'domain', 'jada.example', null, '2026-11-20');

-- ---------------------------------------------------------------------------
-- CEO, October 2026
-- ---------------------------------------------------------------------------
create temp table c as select scc_report.ceo(scc.report_period('2026-10', 'UTC')) as j;
select is((select pg_temp.fig(j, 'revenue', 'revenue') from c), '500000', 'ceo: revenue 200,000 + 300,000 (USD only)');
select is((select pg_temp.fig(j, 'revenue', 'revenue_change') from c), '0.2500', 'ceo: +25 % on September''s 400,000');
select is((select pg_temp.fig(j, 'revenue', 'revenue_vs_plan') from c), '1.2500', 'ceo: 500,000 of a 400,000 plan');
select is((select pg_temp.fig(j, 'revenue', 'other_currency_lines') from c), '2', 'ceo: the EUR entry''s two lines left out');
select is((select pg_temp.tab(j, 'revenue') -> 0 from c),
          '["Charter operation (JADA, Queen of San Diego)", 500000, 400000, 0.2500, 400000, 1.2500]', 'ceo: the charter''s row');
select is((select pg_temp.fig(j, 'revenue_gaps', 'bookings_without_entry') from c), '2', 'ceo: BK3 and BK4 have no entry');
select is((select pg_temp.fig(j, 'revenue_gaps', 'bookings_without_entry_amount') from c), '180000', 'ceo: their gross');
select is((select pg_temp.fig(j, 'revenue_gaps', 'revenue_without_booking') from c), '1', 'ceo: M1 has no booking');
select is((select pg_temp.fig(j, 'revenue_gaps', 'revenue_without_booking_amount') from c), '300000', 'ceo: its revenue');
select is((select pg_temp.fig(j, 'revenue_gaps', 'payouts_unreconciled') from c), '1', 'ceo: BK4''s payout not received');
select is((select pg_temp.fig(j, 'concentration', 'largest_channel_share') from c), '0.7143',
          'ceo: direct made 200,000 of October''s 280,000 booked');
select is((select pg_temp.fig(j, 'concentration', 'largest_channel') from c), '"Direct"', 'ceo: the largest channel');
select is((select pg_temp.fig(j, 'concentration', 'largest_client_share') from c), 'null', 'ceo: nothing invoiced: n/a');
select is((select pg_temp.tab(j, 'concentration') from c),
          '[["Charter operation (JADA, Queen of San Diego)", 5790000, 40000, 5750000]]', 'ceo: net assets at the end');
select is((select pg_temp.fig(j, 'cash', 'cash') from c), '690000', 'ceo: cash at the end');
select is((select pg_temp.fig(j, 'cash', 'net_burn') from c), '76667', 'ceo: net burn (140,000 + 50,000 + 40,000) / 3');
select is((select pg_temp.fig(j, 'cash', 'runway_months') from c), '9.0', 'ceo: 690,000 / 76,667 months');
select is((select pg_temp.fig(j, 'cash', 'cash_flow') from c), '"burning cash"', 'ceo: burning cash');
select is((select pg_temp.fig(j, 'assets', 'renewals_60d') from c), '1', 'ceo: the domain renews within 60 days');
select is((select pg_temp.fig(j, 'assets', 'asset_value') from c), '5000000', 'ceo: asset value');

-- ---------------------------------------------------------------------------
-- Accounting, October 2026
-- ---------------------------------------------------------------------------
create temp table a as select scc_report.accounting(scc.report_period('2026-10', 'UTC')) as j;
select is((select pg_temp.fig(j, 'recognition', 'recognised') from a), '380000', 'accounting: BK1 + BK3 + BK4 sailed');
select is((select pg_temp.fig(j, 'recognition', 'deposits_held') from a), '50000', 'accounting: BK2''s deposit is held');
select is((select pg_temp.fig(j, 'recognition', 'deferred_revenue') from a), '40000', 'accounting: the ledger holds 40,000');
select is((select pg_temp.fig(j, 'recognition', 'deferred_difference') from a), '10000', 'accounting: 10,000 to reconcile');
select is((select pg_temp.tab(j, 'expenses') from a),
          '[["Charter operation (JADA, Queen of San Diego)", "5700", "Moorage", 400000, 1],
            ["Charter operation (JADA, Queen of San Diego)", "5300", "Maintenance", 90000, 1],
            ["Charter operation (JADA, Queen of San Diego)", "5000", "Commissions", 50000, 1]]', 'accounting: expenses by account');
select is((select pg_temp.tab(j, 'outliers') from a),
          '[["Charter operation (JADA, Queen of San Diego)", "5300", "O4", "2026-10-05", 90000, 26000]]',
          'accounting: 90,000 is over 3 x the mean 26,000 of maintenance''s five debits');
select is((select pg_temp.fig(j, 'expenses', 'missing_receipts') from a), '1', 'accounting: B1 has no receipt');
select is((select pg_temp.tab(j, 'aging') from a),
          '[["current", 0, 0, 1, 30000], ["1-30 days", 0, 0, 1, 20000], ["31-60 days", 0, 0, 0, 0],
            ["61-90 days", 0, 0, 0, 0], ["over 90 days", 0, 0, 0, 0]]', 'accounting: AP by days past due');
select is((select s -> 'chart' from a, jsonb_array_elements(j -> 'sections') as s where s ->> 'id' = 'aging'),
          '{"type": "bar", "unit": "cents", "title": "Receivables by days past due",
            "bars": [{"label": "current", "value": 0}, {"label": "1-30 days", "value": 0},
                     {"label": "31-60 days", "value": 0}, {"label": "61-90 days", "value": 0},
                     {"label": "over 90 days", "value": 0}]}',
          'accounting: the aging chart draws the receivables (none here; the payables are in the table only)');
select is((select pg_temp.fig(j, 'payouts', 'payouts_expected') from a), '240000', 'accounting: payouts expected in October');
select is((select pg_temp.fig(j, 'payouts', 'payouts_outstanding') from a), '70000', 'accounting: BK4''s outstanding');
select is((select pg_temp.tab(j, 'profitability') from a),
          '[["Charter operation (JADA, Queen of San Diego)", 500000, 540000, -40000, -0.0800, -140000, -50000, -40000]]',
          'accounting: net income, margin and the three months');
select is((select r from a, jsonb_array_elements(pg_temp.tab(j, 'accounts')) as r where r ->> 1 = '2400'),
          '["Charter operation (JADA, Queen of San Diego)", "2400", "Deposits", "liability", "deferred_revenue", 40000]',
          'accounting: a liability''s balance on its normal side');
select is((select r from a, jsonb_array_elements(pg_temp.tab(j, 'accounts')) as r where r ->> 1 = '4000'),
          '["Charter operation (JADA, Queen of San Diego)", "4000", "Charter revenue", "revenue", "", 500000]',
          'accounting: revenue shows the period only (not November''s entry, not EUR)');

-- ---------------------------------------------------------------------------
-- CFO, October 2026
-- ---------------------------------------------------------------------------
create temp table f as select scc_report.cfo(scc.report_period('2026-10', 'UTC')) as j;
select is((select pg_temp.fig(j, 'burn', 'gross_burn') from f), '476667', 'cfo: gross burn (440,000 + 450,000 + 540,000) / 3');
select is((select pg_temp.fig(j, 'burn', 'net_burn') from f), '76667', 'cfo: net burn');
select is((select pg_temp.fig(j, 'runway', 'runway_months') from f), '9.0', 'cfo: runway');
select is((select pg_temp.fig(j, 'capital', 'capital_deployed') from f), '100000', 'cfo: the vessel''s 100,000');
select is((select pg_temp.fig(j, 'break_even', 'fixed_costs') from f), '436667', 'cfo: fixed costs a month');
select is((select pg_temp.fig(j, 'break_even', 'contribution_margin') from f), '0.9000', 'cfo: (400,000 - 40,000) / 400,000');
select is((select pg_temp.fig(j, 'break_even', 'break_even_revenue') from f), '485185', 'cfo: 436,667 / 0.9');
select is((select pg_temp.fig(j, 'break_even', 'charters_per_month') from f), '4',
          'cfo: 485,185 / 126,667 a booking, rounded up');
select is((select pg_temp.tab(j, 'targets') from f),
          '[["Charter operation (JADA, Queen of San Diego)", 500000, 400000, 1.2500, 540000, 500000, 1.0800]]', 'cfo: targets');
-- negative burn: November's 999,999 of revenue and no expense outweigh
-- September's and October's burn: (50,000 + 40,000 - 999,999) / 3
create temp table fn as select scc_report.cfo(scc.report_period('2026-11', 'UTC')) as j;
select is((select pg_temp.fig(j, 'burn', 'net_burn') from fn), '-303333', 'cfo: a negative net burn (50,000 + 40,000 - 999,999) / 3');
select is((select pg_temp.fig(j, 'runway', 'runway_months') from fn), 'null', 'cfo: no runway when cash-flow positive');
select is((select pg_temp.fig(j, 'runway', 'cash_flow') from fn), '"cash-flow positive"', 'cfo: says cash-flow positive');
select is((select pg_temp.fig(scc_report.cfo(scc.report_period('2020-01', 'UTC')), 'runway', 'cash_flow')), 'null',
          'cfo: a period with no ledger says nothing of cash flow');

select * from finish();
rollback;
