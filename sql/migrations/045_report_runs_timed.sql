-- 045_report_runs_timed.sql — two mends to the reports:
--   * a run's duration covers computing its figures: 033's
--     scc.report_run_begin set started_at in the UPDATE that computes the
--     JSON, where clock_timestamp() was read after scc_report.run had
--     finished, so duration_ms held the rendering alone (a CEO run of a
--     second over a million ledger lines recorded 14 ms).  started_at is
--     now read before the figures are computed.
--   * the accounting report draws a chart: its aging section shows the
--     receivables by days past due as bars (the same figures as the
--     table's Receivable column).  scc_report.accounting is 039's with that
--     chart added; nothing else in it changes.

-- scc.report_run_begin(run_id): as 033 says; started_at is the instant the
-- worker began the run, before its figures are computed.
create or replace function scc.report_run_begin(run_id bigint)
returns table (state text, kind text, period_label text, period_starts date, period_ends date,
               time_zone text, variant text, recipients text[], test boolean, data jsonb)
language plpgsql
volatile
security definer
set search_path = pg_catalog, scc
as $$
declare
    r  scc.report_runs;
    t0 timestamptz;
begin
    select x.* into r from scc.report_runs as x where x.id = run_id for update;
    if r.id is null then
        return;
    end if;
    if r.state <> 'done' then
        t0 := clock_timestamp();
        update scc.report_runs as x
           set state = 'running', started_at = t0, error = null,
               data = scc_report.run(r.kind, row(r.period_label, r.period_starts, r.period_ends, r.time_zone,
                                                 r.period_grain)::scc.report_span)
         where x.id = run_id
        returning x.* into r;
    end if;
    return query select r.state, r.kind, r.period_label, r.period_starts, r.period_ends, r.time_zone,
                        r.variant, r.recipients, r.test, r.data;
end
$$;

create or replace function scc_report.accounting(p scc.report_span)
returns jsonb
language plpgsql
stable
security definer
set search_path = pg_catalog, scc
set jit = off
as $$
declare
    recog      bigint;
    n_recog    int;
    deposits   bigint;
    deferred   bigint;
    chart      jsonb;
    expenses   jsonb;
    outliers   jsonb;
    n_out      int;
    no_receipt jsonb;
    ar         jsonb;
    ap         jsonb;
    payouts    jsonb;
    p_exp      bigint;
    p_got      bigint;
    p_late     int;
    profit     jsonb;
    other      bigint := scc.ledger_other_currency(p.starts, p.ends);
begin
    -- charter revenue recognised at the sail date, deposits held until then
    select count(*)::int, coalesce(sum(b.gross_cents - b.refunds_cents), 0)::bigint
      into n_recog, recog
      from scc.bookings as b
     where b.status = 'completed' and b.sail_on >= p.starts and b.sail_on < p.ends;
    select coalesce(sum(b.deposit_cents), 0)::bigint into deposits
      from scc.bookings as b
     where b.status <> 'cancelled' and b.sail_on >= p.ends
       and b.booked_at < (p.ends::timestamp at time zone p.time_zone);
    select coalesce(sum(h.balance), 0)::bigint into deferred from scc.ledger_held('deferred_revenue', p.ends) as h;

    select coalesce(jsonb_agg(jsonb_build_array(n.name, ac.code, ac.name, ac.type, coalesce(ac.purpose, ''),
                                                (case when ac.type in ('asset', 'expense') then 1 else -1 end
                                                 * coalesce(case when ac.type in ('revenue', 'expense') then pl.net
                                                                 else bs.net end, 0))::bigint)
                              order by n.name, ac.code), '[]')
      into chart
      from scc.accounts as ac
      join scc.entities as n on n.id = ac.entity_id
      left join scc.ledger_sums('0001-01-01', p.ends) as bs on bs.account_id = ac.id
      left join scc.ledger_sums(p.starts, p.ends) as pl on pl.account_id = ac.id
     where ac.active;

    select coalesce(jsonb_agg(jsonb_build_array(n.name, ac.code, ac.name, x.net, x.lines) order by x.net desc, n.name, ac.code), '[]')
      into expenses
      from scc.ledger_sums(p.starts, p.ends) as x
      join scc.accounts as ac on ac.id = x.account_id and ac.type = 'expense'
      join scc.entities as n on n.id = ac.entity_id
     where x.lines > 0;

    -- outliers: an expense line of the period over three times the mean
    -- debit of its account over the 365 days to the period's end (from the
    -- month sums); the twenty largest listed, all counted
    with mean as (
        select s.account_id, s.debits::numeric / s.debit_lines as mean
          from scc.ledger_sums(p.ends - 365, p.ends) as s
          join scc.accounts as ac on ac.id = s.account_id and ac.type = 'expense'
         where s.debit_lines >= 4
    ), hit as (
        select l.entry_id, l.account_id, l.posted_on, l.amount_cents, round(m.mean)::bigint as mean
          from mean as m
          cross join lateral scc.ledger_lines_over(m.account_id, 3 * m.mean, p.starts, p.ends) as l
    )
    select (select count(*) from hit)::int,
           coalesce((select jsonb_agg(jsonb_build_array(x.entity, x.code, x.external_id, to_char(x.posted_on, 'YYYY-MM-DD'),
                                                        x.amount_cents, x.mean)
                                      order by x.amount_cents desc, x.external_id)
                       from (select n.name as entity, ac.code, e.external_id, h.posted_on, h.amount_cents, h.mean
                               from hit as h
                               join scc.accounts as ac on ac.id = h.account_id
                               join scc.entities as n on n.id = ac.entity_id
                               join scc.journal_entries as e on e.id = h.entry_id
                              order by h.amount_cents desc, e.external_id
                              limit 20) as x), '[]')
      into n_out, outliers;

    select jsonb_build_array(count(*), coalesce(sum(b.amount_cents), 0))
      into no_receipt
      from scc.bills as b
     where b.receipt is null and b.issued_on >= p.starts and b.issued_on < p.ends;

    -- AR and AP at the end, by days past due
    select jsonb_agg(jsonb_build_array(k.bucket, coalesce(x.n, 0), coalesce(x.due, 0)) order by k.ord)
      into ar
      from unnest(array['current', '1-30 days', '31-60 days', '61-90 days', 'over 90 days']) with ordinality as k (bucket, ord)
      left join (select scc.aging_bucket(p.ends - i.due_on) as bucket, count(*)::int as n,
                        sum(i.amount_cents - scc.invoice_paid(i.id, p.ends))::bigint as due
                   from scc.invoices as i
                  where not i.void and i.issued_on < p.ends and i.amount_cents > scc.invoice_paid(i.id, p.ends)
                  group by 1) as x on x.bucket = k.bucket;
    select jsonb_agg(jsonb_build_array(k.bucket, coalesce(x.n, 0), coalesce(x.due, 0)) order by k.ord)
      into ap
      from unnest(array['current', '1-30 days', '31-60 days', '61-90 days', 'over 90 days']) with ordinality as k (bucket, ord)
      left join (select scc.aging_bucket(p.ends - b.due_on) as bucket, count(*)::int as n, sum(b.amount_cents)::bigint as due
                   from scc.bills as b
                  where b.issued_on < p.ends and (b.paid_on is null or b.paid_on >= p.ends)
                  group by 1) as x on x.bucket = k.bucket;

    -- marketplace payouts expected in the period: received by the end or not
    select coalesce(jsonb_agg(jsonb_build_array(c.name, x.n, x.expected, x.received, x.expected - x.received, x.late)
                              order by c.name), '[]'),
           coalesce(sum(x.expected), 0)::bigint, coalesce(sum(x.received), 0)::bigint, coalesce(sum(x.late), 0)::int
      into payouts, p_exp, p_got, p_late
      from (select b.channel, count(*)::int as n, sum(b.payout_expected_cents)::bigint as expected,
                   coalesce(sum(b.payout_received_cents) filter (where b.payout_received_on < p.ends), 0)::bigint as received,
                   count(*) filter (where b.payout_received_on is null or b.payout_received_on >= p.ends)::int as late
              from scc.bookings as b
             where b.payout_expected_on >= p.starts and b.payout_expected_on < p.ends
             group by b.channel) as x
      join scc.channels as c on c.slug = x.channel;

    -- the path to profitability: each entity's net income in the period
    -- and in each of the three months ending with it
    select coalesce(jsonb_agg(jsonb_build_array(f.name, f.revenue, f.expenses, f.revenue - f.expenses,
                                                scc.report_ratio(f.revenue - f.expenses, f.revenue))
                                 || (select jsonb_agg(m.revenue - m.expenses order by mm.starts)
                                       from scc.report_months(p, 3) as mm,
                                            scc.ledger_flow(mm.starts, mm.ends) as m
                                      where m.entity_id = f.entity_id)
                              order by f.name) filter (where f.revenue <> 0 or f.expenses <> 0), '[]')
      into profit
      from scc.ledger_flow(p.starts, p.ends) as f;

    return scc.report_json('accounting', 'Accounting report', p, 'gross',
        jsonb_build_array(
            jsonb_build_object(
                'id', 'recognition', 'title', 'Revenue recognition',
                'figures', jsonb_build_array(
                    scc.report_figure('recognised', 'Charter revenue recognised', recog, 'cents',
                        'gross - refunds of bookings completed with their sail date in the period', 'scc.bookings'),
                    scc.report_figure('recognised_bookings', 'Bookings sailed', n_recog, 'count',
                        'those bookings', 'scc.bookings'),
                    scc.report_figure('deposits_held', 'Deposits held at the end', deposits, 'cents',
                        'deposits of bookings made before the end sailing after it (a liability until they sail)', 'scc.bookings'),
                    scc.report_figure('deferred_revenue', 'Deferred revenue in the ledger', deferred, 'cents',
                        'balance of the deferred revenue accounts at the end', 'scc.journal_lines'),
                    scc.report_figure('deferred_difference', 'Difference to reconcile', deposits - deferred, 'cents',
                        'deposits held - deferred revenue in the ledger', 'scc.bookings, scc.journal_lines'),
                    scc.report_figure('other_currency_lines', 'Lines in other currencies (left out)', other, 'count',
                        'ledger lines of the period not in USD', 'scc.journal_lines'))),
            jsonb_build_object(
                'id', 'accounts', 'title', 'Chart of accounts with balances',
                'figures', jsonb_build_array(
                    scc.report_figure('accounts', 'Active accounts', jsonb_array_length(chart), 'count', 'active accounts', 'scc.accounts')),
                'table', jsonb_build_object(
                    'columns', jsonb_build_array(scc.report_column('entity', 'Entity', 'text'), scc.report_column('code', 'Code', 'text'),
                                                 scc.report_column('account', 'Account', 'text'), scc.report_column('type', 'Type', 'text'),
                                                 scc.report_column('purpose', 'Purpose', 'text'),
                                                 scc.report_column('balance', 'Balance (revenue and expense: the period)', 'cents')),
                    'rows', chart)),
            jsonb_build_object(
                'id', 'expenses', 'title', 'Expense audit',
                'figures', jsonb_build_array(
                    scc.report_figure('expenses', 'Expenses', (select coalesce(sum((r ->> 3)::bigint), 0) from jsonb_array_elements(expenses) as r),
                        'cents', 'debits - credits on expense accounts in the period', 'scc.journal_lines'),
                    scc.report_figure('outliers', 'Outlying expense lines', n_out, 'count',
                        'lines over 3 x the mean debit of their account over the 365 days to the end (accounts with 4 or more); the 20 largest listed',
                        'scc.journal_lines'),
                    scc.report_figure('missing_receipts', 'Bills without a receipt', (no_receipt ->> 0)::int, 'count',
                        'bills issued in the period with no receipt reference', 'scc.bills'),
                    scc.report_figure('missing_receipts_amount', 'Their amount', (no_receipt ->> 1)::bigint, 'cents',
                        'sum of those bills', 'scc.bills')),
                'table', jsonb_build_object(
                    'columns', jsonb_build_array(scc.report_column('entity', 'Entity', 'text'), scc.report_column('code', 'Code', 'text'),
                                                 scc.report_column('account', 'Account', 'text'), scc.report_column('amount', 'Amount', 'cents'),
                                                 scc.report_column('lines', 'Lines', 'count')),
                    'rows', expenses)),
            jsonb_build_object(
                'id', 'outliers', 'title', 'Outlying expense lines', 'figures', '[]'::jsonb,
                'table', jsonb_build_object(
                    'columns', jsonb_build_array(scc.report_column('entity', 'Entity', 'text'), scc.report_column('code', 'Account', 'text'),
                                                 scc.report_column('entry', 'Entry', 'text'), scc.report_column('posted_on', 'Posted', 'date'),
                                                 scc.report_column('amount', 'Amount', 'cents'), scc.report_column('mean', 'Mean', 'cents')),
                    'rows', outliers)),
            jsonb_build_object(
                'id', 'aging', 'title', 'AR and AP aging at the end',
                'figures', jsonb_build_array(
                    scc.report_figure('ar', 'Receivables', (select coalesce(sum((r ->> 2)::bigint), 0) from jsonb_array_elements(ar) as r), 'cents',
                        'invoices issued before the end less payments before it', 'scc.invoices, scc.payments'),
                    scc.report_figure('ap', 'Payables', (select coalesce(sum((r ->> 2)::bigint), 0) from jsonb_array_elements(ap) as r), 'cents',
                        'bills issued before the end not paid by it', 'scc.bills')),
                'table', jsonb_build_object(
                    'columns', jsonb_build_array(scc.report_column('bucket', 'Past due', 'text'),
                                                 scc.report_column('ar_count', 'Invoices', 'count'), scc.report_column('ar', 'Receivable', 'cents'),
                                                 scc.report_column('ap_count', 'Bills', 'count'), scc.report_column('ap', 'Payable', 'cents')),
                    'rows', (select jsonb_agg(a.r || jsonb_build_array(b.r -> 1, b.r -> 2) order by a.n)
                               from jsonb_array_elements(ar) with ordinality as a (r, n)
                               join jsonb_array_elements(ap) with ordinality as b (r, n) on b.n = a.n)),
                'chart', jsonb_build_object('type', 'bar', 'title', 'Receivables by days past due', 'unit', 'cents',
                    'bars', (select jsonb_agg(jsonb_build_object('label', r ->> 0, 'value', (r ->> 2)::bigint) order by n)
                               from jsonb_array_elements(ar) with ordinality as x (r, n)))),
            jsonb_build_object(
                'id', 'payouts', 'title', 'Marketplace payouts: expected and received',
                'figures', jsonb_build_array(
                    scc.report_figure('payouts_expected', 'Expected', p_exp, 'cents',
                        'payouts expected in the period', 'scc.bookings'),
                    scc.report_figure('payouts_received', 'Received by the end', p_got, 'cents',
                        'of those, received before the end', 'scc.bookings'),
                    scc.report_figure('payouts_outstanding', 'Outstanding', p_exp - p_got, 'cents', 'expected - received', 'scc.bookings'),
                    scc.report_figure('payouts_late', 'Payouts not received', p_late, 'count',
                        'payouts expected in the period not received by its end', 'scc.bookings')),
                'table', jsonb_build_object(
                    'columns', jsonb_build_array(scc.report_column('channel', 'Channel', 'text'), scc.report_column('payouts', 'Payouts', 'count'),
                                                 scc.report_column('expected', 'Expected', 'cents'), scc.report_column('received', 'Received', 'cents'),
                                                 scc.report_column('outstanding', 'Outstanding', 'cents'), scc.report_column('late', 'Not received', 'count')),
                    'rows', payouts)),
            jsonb_build_object(
                'id', 'profitability', 'title', 'The path to profitability',
                'figures', jsonb_build_array(
                    scc.report_figure('net_income', 'Net income', (select coalesce(sum((r ->> 3)::bigint), 0) from jsonb_array_elements(profit) as r),
                        'cents', 'revenue - expenses in the period, every entity', 'scc.journal_lines'),
                    scc.report_figure('profitable_entities', 'Entities with a profit',
                        (select count(*) from jsonb_array_elements(profit) as r where (r ->> 3)::bigint > 0), 'count',
                        'entities whose net income in the period is above zero', 'scc.journal_lines')),
                'table', jsonb_build_object(
                    'columns', jsonb_build_array(scc.report_column('entity', 'Entity', 'text'), scc.report_column('revenue', 'Revenue', 'cents'),
                                                 scc.report_column('expenses', 'Expenses', 'cents'), scc.report_column('net', 'Net income', 'cents'),
                                                 scc.report_column('margin', 'Margin', 'ratio'),
                                                 scc.report_column('net_m3', 'Net, 3rd month back', 'cents'),
                                                 scc.report_column('net_m2', 'Net, 2nd month back', 'cents'),
                                                 scc.report_column('net_m1', 'Net, the last month', 'cents')),
                    'rows', profit))),
        jsonb_build_object(
            'columns', jsonb_build_array('entity', 'code', 'account', 'type', 'purpose', 'balance_cents'),
            'rows', chart),
        recog = 0 and p_exp = 0 and jsonb_array_length(expenses) = 0 and jsonb_array_length(profit) = 0);
end
$$;
comment on function scc_report.accounting(scc.report_span) is
    'the accounting officer''s report: recognition and deposits, the chart with balances, the expense audit, AR/AP aging, payouts, profitability';
revoke all on function scc_report.accounting(scc.report_span) from public;
