-- 039_reports_ledger.sql — the reports that read the ledger (032, through
-- the month sums of 038) with the business data (034): CEO, accounting officer and CFO.  An account says
-- what it is for beyond its type (accounts.purpose: cash, receivable,
-- payable, deferred revenue, fixed asset, variable cost), which the cash,
-- runway, deposits, capital deployment and break-even figures need; the
-- accounts import carries it.
--
-- Decisions:
--   * The reports add one currency: USD, the business's.  Lines in other
--     currencies are left out of every sum and counted in a figure of
--     their own (`other_currency_lines`), never converted at a made-up rate.
--   * Revenue is what revenue accounts were credited net of debits in the
--     period; expenses what expense accounts were debited net of credits.
--     Net income = revenue - expenses.  Burn is monthly: gross burn is the
--     mean of the expenses of the last three whole months ending with the
--     period, net burn the mean of (expenses - revenue) over them; a net
--     burn of zero or less is "cash-flow positive" and runway is n/a.
--   * Cash is the balance of the cash accounts at the period's last day.
--   * Break-even: fixed costs are expenses on accounts not marked
--     variable_cost; the contribution margin ratio is (revenue - variable
--     costs) / revenue; break-even revenue = fixed costs / that ratio, per
--     month of the three; charters per month = break-even revenue of the
--     charter entity / its revenue per completed booking.
--   * The report functions run without JIT: their queries are estimated
--     dear (the planner cannot see that a year of a million lines is read
--     through a few thousand month sums) and compiling them cost more than
--     running them.
--   * Charter revenue is recognised on the sail date: a booking's journal
--     entry (source 'booking', its external id) is dated on the day it
--     sails; money taken before is a deposit, a liability (deferred
--     revenue) until then.  The tracking gaps are the two sides that do
--     not meet: completed bookings with no entry, entries on the charter's
--     revenue accounts with no booking behind them, and marketplace
--     payouts past their expected day with nothing received.

alter table scc.accounts add column purpose text;
alter table scc.accounts add constraint accounts_purpose_check
    check (purpose in ('cash', 'receivable', 'payable', 'deferred_revenue', 'fixed_asset', 'variable_cost'));
alter table scc.accounts add constraint accounts_purpose_type_check
    check (purpose is null
           or (purpose in ('cash', 'receivable', 'fixed_asset') and type = 'asset')
           or (purpose in ('payable', 'deferred_revenue') and type = 'liability')
           or (purpose = 'variable_cost' and type = 'expense'));
comment on column scc.accounts.purpose is
    'what the account is for beyond its type: cash, receivable, fixed_asset (assets), payable, deferred_revenue (liabilities), variable_cost (expenses); null = nothing more';

-- ---------------------------------------------------------------------------
-- Ledger sums the reports share (USD)
-- ---------------------------------------------------------------------------

-- scc.ledger_flow(a, b): per entity, revenue, expenses and variable costs
-- posted in [a, b), USD.
create function scc.ledger_flow(a date, b date)
returns table (entity_id bigint, slug text, name text, revenue bigint, expenses bigint, variable bigint)
language sql
stable
as $$
    select n.id, n.slug, n.name,
           coalesce(-sum(s.net) filter (where ac.type = 'revenue'), 0)::bigint,
           coalesce(sum(s.net) filter (where ac.type = 'expense'), 0)::bigint,
           coalesce(sum(s.net) filter (where ac.type = 'expense' and ac.purpose = 'variable_cost'), 0)::bigint
      from scc.entities as n
      left join scc.accounts as ac on ac.entity_id = n.id and ac.type in ('revenue', 'expense')
      left join scc.ledger_sums(a, b) as s on s.account_id = ac.id
     group by n.id, n.slug, n.name
$$;
comment on function scc.ledger_flow(date, date) is
    'per entity: revenue (credits - debits on revenue accounts), expenses, variable costs posted in [a, b), USD';

-- scc.ledger_held(purpose, day): per entity, the balance on their normal
-- side of the accounts for `purpose` after every line posted before `day`.
create function scc.ledger_held(purpose text, day date)
returns table (entity_id bigint, balance bigint)
language sql
stable
as $$
    select ac.entity_id,
           (case when ac.type in ('asset', 'expense') then 1 else -1 end * coalesce(sum(s.net), 0))::bigint
      from scc.accounts as ac
      left join scc.ledger_sums('0001-01-01', day) as s on s.account_id = ac.id
     where ac.purpose = ledger_held.purpose
     group by ac.entity_id, ac.type
$$;
comment on function scc.ledger_held(text, date) is
    'per entity: the normal-side balance of its accounts for a purpose (cash, receivable, ...) before a day, USD';

-- scc.ledger_other_currency(a, b): lines posted in [a, b) in a currency
-- other than USD, which the reports leave out.
create function scc.ledger_other_currency(a date, b date)
returns bigint
language sql
stable
as $$
    select count(*) from scc.journal_lines as l where l.currency <> 'USD' and l.posted_on >= a and l.posted_on < b
$$;
comment on function scc.ledger_other_currency(date, date) is 'lines in [a, b) not in USD (left out of the reports'' sums)';

-- scc.report_burn(p): the three whole months ending with the period's
-- last month: mean expenses (gross burn) and mean expenses - revenue (net
-- burn), all entities, USD; null when those months have no line at all.
create function scc.report_burn(p scc.report_span, out gross numeric, out net numeric, out months jsonb)
language sql
stable
as $$
    select case when sum(f.lines) > 0 then round(avg(f.expenses)) end,
           case when sum(f.lines) > 0 then round(avg(f.expenses - f.revenue)) end,
           jsonb_agg(jsonb_build_object('label', to_char(f.starts, 'YYYY-MM'), 'value', f.expenses - f.revenue)
                     order by f.starts)
      from (select m.starts, sum(x.revenue) as revenue, sum(x.expenses) as expenses,
                   (select coalesce(sum(s.lines), 0) from scc.ledger_sums(m.starts, m.ends) as s) as lines
              from scc.report_months(p, 3) as m, scc.ledger_flow(m.starts, m.ends) as x
             group by m.starts, m.ends) as f
$$;
comment on function scc.report_burn(scc.report_span) is
    'gross and net burn: mean monthly expenses, and expenses - revenue, over the three months ending with the period';

-- ---------------------------------------------------------------------------
-- CEO
-- ---------------------------------------------------------------------------

create or replace function scc_report.ceo(p scc.report_span)
returns jsonb
language plpgsql
stable
security definer
set search_path = pg_catalog, scc
set jit = off
as $$
declare
    c          jsonb := scc_report.charter_figures(p);
    q          scc.report_span := scc.report_prior_period(p);
    t          record;
    assets     jsonb;
    a_value    bigint;
    a_renew    int;
    revenue    jsonb;
    r_now      bigint;
    r_prior    bigint;
    r_plan     bigint;
    g_book     jsonb;
    g_ledger   jsonb;
    g_payout   jsonb;
    top_client numeric;
    top_chan   numeric;
    top_cl     text;
    top_ch     text;
    equity     jsonb;
    cash       bigint;
    burn       record;
    agenda     jsonb;
    other      bigint := scc.ledger_other_currency(p.starts, p.ends);
begin
    select i.from_at, i.until_at into t from scc.report_instants(p) as i;

    select coalesce(jsonb_agg(jsonb_build_array(a.kind, a.name, n.name, to_char(a.acquired_on, 'YYYY-MM-DD'),
                                                a.cost_cents, a.value_cents, to_char(a.renews_on, 'YYYY-MM-DD'))
                              order by a.kind, a.name), '[]'),
           coalesce(sum(a.value_cents), 0)::bigint,
           count(*) filter (where a.renews_on >= p.ends and a.renews_on < p.ends + 60)::int
      into assets, a_value, a_renew
      from scc.assets as a join scc.entities as n on n.id = a.entity_id;

    select coalesce(jsonb_agg(jsonb_build_array(x.name, x.now, x.prior, scc.report_ratio(x.now - x.prior, x.prior),
                                                x.plan, scc.report_ratio(x.now, x.plan))
                              order by x.now desc, x.name), '[]'),
           coalesce(sum(x.now), 0)::bigint, coalesce(sum(x.prior), 0)::bigint, coalesce(sum(x.plan), 0)::bigint
      into revenue, r_now, r_prior, r_plan
      from (select a.name, a.revenue as now, b.revenue as prior,
                   (select coalesce(sum(g.revenue_cents), 0) from scc.targets as g
                     where g.entity_id = a.entity_id and g.month >= p.starts and g.month < p.ends)::bigint as plan
              from scc.ledger_flow(p.starts, p.ends) as a
              join scc.ledger_flow(q.starts, q.ends) as b on b.entity_id = a.entity_id) as x
     where x.now <> 0 or x.prior <> 0 or x.plan <> 0;

    -- tracking gaps
    select coalesce(jsonb_build_array(count(*), sum(b.gross_cents - b.refunds_cents)), '[0, 0]')
      into g_book
      from scc.bookings as b
     where b.status = 'completed' and b.sail_on >= p.starts and b.sail_on < p.ends
       and not exists (select 1 from scc.journal_entries as e
                        where e.entity_id = b.entity_id and e.source = 'booking' and e.external_id = b.external_id);
    with lone as (
        select e.id
          from scc.journal_entries as e
          join scc.entities as n on n.id = e.entity_id and n.kind = 'charter'
         where e.posted_on >= p.starts and e.posted_on < p.ends
           and (e.source <> 'booking'
                or not exists (select 1 from scc.bookings as b
                                where b.entity_id = e.entity_id and b.external_id = e.external_id))
    )
    select jsonb_build_array(count(distinct l.entry_id), coalesce(-sum(l.amount_cents), 0))
      into g_ledger
      from lone
      join scc.journal_lines as l on l.entry_id = lone.id and l.currency = 'USD'
      join scc.accounts as ac on ac.id = l.account_id and ac.type = 'revenue';
    select jsonb_build_array(count(*), coalesce(sum(b.payout_expected_cents), 0))
      into g_payout
      from scc.bookings as b
     where b.payout_expected_on < p.ends and b.payout_expected_cents > 0
       and (b.payout_received_on is null or b.payout_received_on >= p.ends);

    -- concentration: the largest client's share of invoiced, the largest
    -- channel's share of charter gross (bookings made in the period)
    select scc.report_ratio(max(x.amount), sum(x.amount)),
           (array_agg(x.name order by x.amount desc, x.name))[1]
      into top_client, top_cl
      from (select k.name, sum(i.amount_cents) as amount
              from scc.invoices as i join scc.clients as k on k.id = i.client_id
             where not i.void and i.issued_on >= p.starts and i.issued_on < p.ends
             group by k.name) as x;
    select scc.report_ratio(max(s.gross), sum(s.gross)),
           (array_agg(s.name order by s.gross desc, s.name) filter (where s.gross > 0))[1]
      into top_chan, top_ch
      from scc.channel_sales(p) as s;

    -- net assets per entity at the end: assets - liabilities
    select coalesce(jsonb_agg(jsonb_build_array(x.name, x.assets, x.liabilities, x.assets - x.liabilities)
                              order by x.name) filter (where x.assets <> 0 or x.liabilities <> 0), '[]')
      into equity
      from (select n.name,
                   coalesce(sum(s.net) filter (where ac.type = 'asset'), 0)::bigint as assets,
                   coalesce(-sum(s.net) filter (where ac.type = 'liability'), 0)::bigint as liabilities
              from scc.entities as n
              left join scc.accounts as ac on ac.entity_id = n.id
              left join scc.ledger_sums('0001-01-01', p.ends) as s on s.account_id = ac.id
             group by n.name) as x;

    select coalesce(sum(h.balance), 0)::bigint into cash from scc.ledger_held('cash', p.ends) as h;
    select * into burn from scc.report_burn(p);

    select coalesce(jsonb_agg(jsonb_build_array(a.priority, a.title, a.owner, coalesce(n.name, 'All'),
                                                to_char(a.due_on, 'YYYY-MM-DD'), a.status,
                                                case when a.due_on < current_date then 'overdue' else '' end)
                              order by a.priority, a.due_on nulls last, a.external_id), '[]')
      into agenda
      from scc.action_items as a left join scc.entities as n on n.id = a.entity_id
     where a.status in ('open', 'doing') and (a.due_on is null or a.due_on < current_date + 30);

    return scc.report_json('ceo', 'CEO report', p, 'mixed',
        jsonb_build_array(
            jsonb_build_object(
                'id', 'assets', 'title', 'Asset inventory',
                'figures', jsonb_build_array(
                    scc.report_figure('assets', 'Assets', jsonb_array_length(assets), 'count', 'rows of the inventory', 'scc.assets'),
                    scc.report_figure('asset_value', 'Their estimated value', a_value, 'cents', 'sum of value', 'scc.assets'),
                    scc.report_figure('renewals_60d', 'Renewing within 60 days', a_renew, 'count',
                        'domains and accounts whose renewal falls within 60 days after the end', 'scc.assets')),
                'table', jsonb_build_object(
                    'columns', jsonb_build_array(scc.report_column('kind', 'Kind', 'text'), scc.report_column('asset', 'Asset', 'text'),
                                                 scc.report_column('entity', 'Entity', 'text'),
                                                 scc.report_column('acquired', 'Acquired', 'date'),
                                                 scc.report_column('cost', 'Cost', 'cents'), scc.report_column('value', 'Value', 'cents'),
                                                 scc.report_column('renews', 'Renews', 'date')),
                    'rows', assets)),
            jsonb_build_object(
                'id', 'revenue', 'title', 'Revenue vs prior period and plan, per entity',
                'figures', jsonb_build_array(
                    scc.report_figure('revenue', 'Revenue', r_now, 'cents',
                        'credits - debits on revenue accounts in the period, USD', 'scc.journal_lines'),
                    scc.report_figure('revenue_change', 'Change on the prior period', scc.report_ratio(r_now - r_prior, r_prior), 'ratio',
                        '(revenue - prior period''s) / prior period''s', 'scc.journal_lines'),
                    scc.report_figure('revenue_vs_plan', 'Against plan', scc.report_ratio(r_now, r_plan), 'ratio',
                        'revenue / Σ monthly revenue targets of the months starting in the period', 'scc.targets'),
                    scc.report_figure('other_currency_lines', 'Lines in other currencies (left out)', other, 'count',
                        'ledger lines of the period not in USD', 'scc.journal_lines')),
                'table', jsonb_build_object(
                    'columns', jsonb_build_array(scc.report_column('entity', 'Entity', 'text'),
                                                 scc.report_column('revenue', 'Revenue', 'cents'),
                                                 scc.report_column('prior', 'Prior period', 'cents'),
                                                 scc.report_column('change', 'Change', 'ratio'),
                                                 scc.report_column('plan', 'Plan', 'cents'),
                                                 scc.report_column('vs_plan', 'Of plan', 'ratio')),
                    'rows', revenue),
                'chart', jsonb_build_object('type', 'bar', 'title', 'Revenue by entity', 'unit', 'cents',
                    'bars', (select coalesce(jsonb_agg(jsonb_build_object('label', r ->> 0, 'value', (r ->> 1)::bigint)), '[]')
                               from jsonb_array_elements(revenue) as r))),
            jsonb_build_object(
                'id', 'revenue_gaps', 'title', 'Revenue-tracking gaps',
                'figures', jsonb_build_array(
                    scc.report_figure('bookings_without_entry', 'Bookings without a ledger entry', (g_book ->> 0)::int, 'count',
                        'completed bookings sailing in the period with no journal entry of source booking and their external id',
                        'scc.bookings, scc.journal_entries'),
                    scc.report_figure('bookings_without_entry_amount', 'Their gross', (g_book ->> 1)::bigint, 'cents',
                        'gross - refunds of those bookings', 'scc.bookings'),
                    scc.report_figure('revenue_without_booking', 'Charter revenue entries without a booking', (g_ledger ->> 0)::int, 'count',
                        'entries of the period on the charter''s revenue accounts not matching a booking', 'scc.journal_entries'),
                    scc.report_figure('revenue_without_booking_amount', 'Their revenue', (g_ledger ->> 1)::bigint, 'cents',
                        'credits - debits of those entries on revenue accounts', 'scc.journal_lines'),
                    scc.report_figure('payouts_unreconciled', 'Marketplace payouts not received', (g_payout ->> 0)::int, 'count',
                        'payouts expected before the end and not received by it', 'scc.bookings'),
                    scc.report_figure('payouts_unreconciled_amount', 'Their amount', (g_payout ->> 1)::bigint, 'cents',
                        'sum of the expected payouts', 'scc.bookings'))),
            jsonb_build_object(
                'id', 'concentration', 'title', 'Equity and concentration risk',
                'figures', jsonb_build_array(
                    scc.report_figure('largest_client_share', 'Largest client''s share of invoicing', top_client, 'ratio',
                        'the largest client''s invoiced / all invoiced in the period', 'scc.invoices'),
                    jsonb_build_object('id', 'largest_client', 'label', 'Largest client', 'value', top_cl, 'unit', 'text',
                                       'formula', 'the client invoiced most in the period', 'source', 'scc.invoices'),
                    scc.report_figure('largest_channel_share', 'Largest channel''s share of charter gross', top_chan, 'ratio',
                        'the largest channel''s gross / all gross of charter bookings made in the period', 'scc.bookings'),
                    jsonb_build_object('id', 'largest_channel', 'label', 'Largest channel', 'value', top_ch, 'unit', 'text',
                                       'formula', 'the channel with the most charter gross in the period', 'source', 'scc.bookings')),
                'table', jsonb_build_object(
                    'columns', jsonb_build_array(scc.report_column('entity', 'Entity', 'text'),
                                                 scc.report_column('assets', 'Assets', 'cents'),
                                                 scc.report_column('liabilities', 'Liabilities', 'cents'),
                                                 scc.report_column('net_assets', 'Net assets', 'cents')),
                    'rows', equity)),
            jsonb_build_object(
                'id', 'cash', 'title', 'Cash and runway',
                'figures', jsonb_build_array(
                    scc.report_figure('cash', 'Cash at the end', cash, 'cents',
                        'balance of the cash accounts after the period''s last day, USD', 'scc.journal_lines'),
                    scc.report_figure('net_burn', 'Net burn a month', burn.net, 'cents',
                        'mean of expenses - revenue over the three months ending with the period', 'scc.journal_lines'),
                    scc.report_figure('runway_months', 'Runway',
                        case when burn.net > 0 then round(cash / burn.net, 1) end, 'count',
                        'cash / net burn, in months; n/a when cash-flow positive', 'scc.journal_lines'),
                    jsonb_build_object('id', 'cash_flow', 'label', 'Cash flow', 'unit', 'text',
                                       'value', case when burn.net is null then null when burn.net <= 0 then 'cash-flow positive'
                                                     else 'burning cash' end,
                                       'formula', 'net burn <= 0 is cash-flow positive', 'source', 'scc.journal_lines'))),
            scc_report.operations_risks(),
            jsonb_build_object(
                'id', 'agenda', 'title', '30-day action agenda',
                'figures', jsonb_build_array(
                    scc.report_figure('actions', 'Actions due within 30 days', jsonb_array_length(agenda), 'count',
                        'open or doing items without a due date or due within 30 days from today, p1 first', 'scc.action_items')),
                'table', jsonb_build_object(
                    'columns', jsonb_build_array(scc.report_column('priority', 'Priority', 'text'),
                                                 scc.report_column('action', 'Action', 'text'),
                                                 scc.report_column('owner', 'Owner', 'text'),
                                                 scc.report_column('entity', 'Entity', 'text'),
                                                 scc.report_column('due', 'Due', 'date'),
                                                 scc.report_column('status', 'Status', 'text'),
                                                 scc.report_column('overdue', 'Overdue', 'text')),
                    'rows', agenda)))
        || (c -> 'sections'),
        jsonb_build_object(
            'columns', jsonb_build_array('entity', 'revenue_cents', 'prior_cents', 'change', 'plan_cents', 'of_plan'),
            'rows', revenue),
        r_now = 0 and other = 0 and coalesce((c ->> 'empty')::boolean, true));
end
$$;
comment on function scc_report.ceo(scc.report_span) is
    'the CEO report: assets, revenue vs prior and plan, tracking gaps, equity and concentration, cash and runway, operational risks, the agenda, charter';
revoke all on function scc_report.ceo(scc.report_span) from public;

-- scc.ledger_lines_over(account, bound, a, b): the account's USD lines
-- posted in [a, b) whose amount is over `bound`, found through
-- journal_lines_account_amount_idx one account at a time (PL/pgSQL, so
-- the planner cannot turn it into a scan of every line, and planned for
-- each bound: a generic plan would not know the bound is high).
create function scc.ledger_lines_over(account bigint, bound numeric, a date, b date)
returns table (entry_id bigint, account_id bigint, posted_on date, amount_cents bigint)
language plpgsql
stable
set plan_cache_mode = force_custom_plan
as $$
begin
    return query
    select y.entry_id, y.account_id, y.posted_on, y.amount_cents
      from scc.journal_lines as y
     where y.account_id = account and y.amount_cents > bound
       and y.posted_on >= a and y.posted_on < b and y.currency = 'USD';
end
$$;
comment on function scc.ledger_lines_over(bigint, numeric, date, date) is
    'an account''s USD lines in [a, b) over an amount (by the account-amount index)';

-- ---------------------------------------------------------------------------
-- Accounting officer
-- ---------------------------------------------------------------------------

-- scc.aging_bucket(days): 'current' (not yet due) or the bucket of days
-- past due.
create function scc.aging_bucket(days integer)
returns text
language sql
immutable
as $$
    select case when days <= 0 then 'current' when days <= 30 then '1-30 days' when days <= 60 then '31-60 days'
                when days <= 90 then '61-90 days' else 'over 90 days' end
$$;
comment on function scc.aging_bucket(integer) is 'days past due → current, 1-30, 31-60, 61-90 or over 90 days';

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
                               join jsonb_array_elements(ap) with ordinality as b (r, n) on b.n = a.n))),
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

-- ---------------------------------------------------------------------------
-- CFO
-- ---------------------------------------------------------------------------

create or replace function scc_report.cfo(p scc.report_span)
returns jsonb
language plpgsql
stable
security definer
set search_path = pg_catalog, scc
set jit = off
as $$
declare
    c          jsonb := scc_report.charter_figures(p);
    burn       record;
    cash       bigint;
    capital    jsonb;
    cap_total  bigint;
    m3         record;
    be_rev     numeric;
    ch         record;
    per_sail   numeric;
    targets    jsonb;
begin
    select * into burn from scc.report_burn(p);
    select coalesce(sum(h.balance), 0)::bigint into cash from scc.ledger_held('cash', p.ends) as h;

    -- capital deployed: debits to fixed-asset accounts in the period
    select coalesce(jsonb_agg(jsonb_build_array(n.name, ac.code, ac.name, x.debits) order by x.debits desc, n.name), '[]'),
           coalesce(sum(x.debits), 0)::bigint
      into capital, cap_total
      from scc.ledger_sums(p.starts, p.ends) as x
      join scc.accounts as ac on ac.id = x.account_id and ac.purpose = 'fixed_asset'
      join scc.entities as n on n.id = ac.entity_id
     where x.debits > 0;

    -- break-even over the three months ending with the period (monthly means)
    select sum(f.revenue) / 3.0 as revenue, sum(f.expenses - f.variable) / 3.0 as fixed,
           sum(f.variable) / 3.0 as variable
      into m3
      from scc.report_months(p, 3) as m, scc.ledger_flow(m.starts, m.ends) as f;
    be_rev := case when m3.revenue > 0 and m3.revenue > m3.variable
                   then round(m3.fixed / ((m3.revenue - m3.variable) / m3.revenue)) end;

    select sum(f.revenue) / 3.0 as revenue, sum(f.expenses - f.variable) / 3.0 as fixed,
           sum(f.variable) / 3.0 as variable
      into ch
      from scc.report_months(p, 3) as m, scc.ledger_flow(m.starts, m.ends) as f
     where f.slug = 'charter';
    select scc.report_ratio(sum(b.gross_cents - b.refunds_cents), count(*)) into per_sail
      from scc.bookings as b, scc.report_months(p, 3) as m
     where b.status = 'completed' and b.sail_on >= m.starts and b.sail_on < m.ends;

    select coalesce(jsonb_agg(jsonb_build_array(f.name, f.revenue, t.revenue, scc.report_ratio(f.revenue, t.revenue),
                                                f.expenses, t.expenses, scc.report_ratio(f.expenses, t.expenses))
                              order by f.name) filter (where t.revenue > 0 or t.expenses > 0 or f.revenue <> 0), '[]')
      into targets
      from scc.ledger_flow(p.starts, p.ends) as f
      left join lateral (select coalesce(sum(g.revenue_cents), 0)::bigint as revenue,
                                coalesce(sum(g.expenses_cents), 0)::bigint as expenses
                           from scc.targets as g
                          where g.entity_id = f.entity_id and g.month >= p.starts and g.month < p.ends) as t on true;

    return scc.report_json('cfo', 'CFO report', p, 'net',
        jsonb_build_array(
            jsonb_build_object(
                'id', 'burn', 'title', 'Burn (three-month average)',
                'figures', jsonb_build_array(
                    scc.report_figure('gross_burn', 'Gross burn a month', burn.gross, 'cents',
                        'mean monthly expenses over the three months ending with the period', 'scc.journal_lines'),
                    scc.report_figure('net_burn', 'Net burn a month', burn.net, 'cents',
                        'mean monthly expenses - revenue over those months (below zero: cash-flow positive)', 'scc.journal_lines')),
                'chart', jsonb_build_object('type', 'trend', 'title', 'Net burn by month', 'unit', 'cents',
                                            'points', coalesce(burn.months, '[]'))),
            jsonb_build_object(
                'id', 'runway', 'title', 'Cash and runway',
                'figures', jsonb_build_array(
                    scc.report_figure('cash', 'Cash at the end', cash, 'cents',
                        'balance of the cash accounts after the period''s last day', 'scc.journal_lines'),
                    scc.report_figure('runway_months', 'Runway', case when burn.net > 0 then round(cash / burn.net, 1) end, 'count',
                        'cash / net burn, in months; n/a when cash-flow positive', 'scc.journal_lines'),
                    jsonb_build_object('id', 'cash_flow', 'label', 'Cash flow', 'unit', 'text',
                                       'value', case when burn.net is null then null when burn.net <= 0 then 'cash-flow positive'
                                                     else 'burning cash' end,
                                       'formula', 'net burn <= 0 is cash-flow positive', 'source', 'scc.journal_lines'))),
            jsonb_build_object(
                'id', 'capital', 'title', 'Capital deployment',
                'figures', jsonb_build_array(
                    scc.report_figure('capital_deployed', 'Capital deployed', cap_total, 'cents',
                        'debits to fixed-asset accounts in the period', 'scc.journal_lines')),
                'table', jsonb_build_object(
                    'columns', jsonb_build_array(scc.report_column('entity', 'Entity', 'text'), scc.report_column('code', 'Code', 'text'),
                                                 scc.report_column('account', 'Account', 'text'), scc.report_column('amount', 'Deployed', 'cents')),
                    'rows', capital)),
            jsonb_build_object(
                'id', 'break_even', 'title', 'Break-even revenue and charters per month',
                'figures', jsonb_build_array(
                    scc.report_figure('fixed_costs', 'Fixed costs a month', round(m3.fixed), 'cents',
                        'mean monthly expenses on accounts not marked variable_cost, three months', 'scc.journal_lines'),
                    scc.report_figure('contribution_margin', 'Contribution margin',
                        scc.report_ratio(m3.revenue - m3.variable, m3.revenue), 'ratio',
                        '(revenue - variable costs) / revenue, three months', 'scc.journal_lines'),
                    scc.report_figure('break_even_revenue', 'Break-even revenue a month', be_rev, 'cents',
                        'fixed costs / contribution margin', 'scc.journal_lines'),
                    scc.report_figure('charter_break_even_revenue', 'Charter break-even revenue a month',
                        case when ch.revenue > 0 and ch.revenue > ch.variable
                             then round(ch.fixed / ((ch.revenue - ch.variable) / ch.revenue)) end, 'cents',
                        'the charter entity''s fixed costs / its contribution margin', 'scc.journal_lines'),
                    scc.report_figure('charters_per_month', 'Charters a month to break even',
                        case when ch.revenue > 0 and ch.revenue > ch.variable and per_sail > 0
                             then ceil(ch.fixed / ((ch.revenue - ch.variable) / ch.revenue) / per_sail) end, 'count',
                        'charter break-even revenue / revenue per completed booking, rounded up', 'scc.journal_lines, scc.bookings'))),
            jsonb_build_object(
                'id', 'targets', 'title', 'Monthly targets vs actual',
                'figures', jsonb_build_array(
                    scc.report_figure('revenue_vs_target', 'Revenue against target',
                        scc.report_ratio((select sum((r ->> 1)::bigint) from jsonb_array_elements(targets) as r),
                                         (select sum((r ->> 2)::bigint) from jsonb_array_elements(targets) as r)), 'ratio',
                        'revenue / Σ revenue targets of the months starting in the period', 'scc.targets')),
                'table', jsonb_build_object(
                    'columns', jsonb_build_array(scc.report_column('entity', 'Entity', 'text'),
                                                 scc.report_column('revenue', 'Revenue', 'cents'), scc.report_column('revenue_target', 'Target', 'cents'),
                                                 scc.report_column('revenue_of_target', 'Of target', 'ratio'),
                                                 scc.report_column('expenses', 'Expenses', 'cents'), scc.report_column('expenses_target', 'Budget', 'cents'),
                                                 scc.report_column('expenses_of_budget', 'Of budget', 'ratio')),
                    'rows', targets)))
        || (c -> 'sections'),
        jsonb_build_object(
            'columns', jsonb_build_array('entity', 'revenue_cents', 'revenue_target_cents', 'revenue_of_target',
                                         'expenses_cents', 'expenses_budget_cents', 'expenses_of_budget'),
            'rows', targets),
        burn.gross is null and cap_total = 0 and coalesce((c ->> 'empty')::boolean, true));
end
$$;
comment on function scc_report.cfo(scc.report_span) is
    'the CFO report: gross and net burn, cash and runway, capital deployment, break-even, targets vs actual, charter';
revoke all on function scc_report.cfo(scc.report_span) from public;

alter function scc_report.charter_figures(scc.report_span) set jit = off;
alter function scc_report.rental(scc.report_span) set jit = off;
alter function scc_report.delivery(scc.report_span) set jit = off;
alter function scc_report.portfolio(scc.report_span) set jit = off;
alter function scc_report.cto(scc.report_span) set jit = off;
alter function scc_report.cmo(scc.report_span) set jit = off;
