-- 039_ledger_months.sql — the ledger's sums kept by month, so a report
-- over a year of a million lines reads a few thousand rows instead.
--
-- Decisions:
--   * scc.ledger_months holds, per account, calendar month and currency,
--     the debits, the credits and how many lines of each, kept by
--     statement triggers on scc.journal_lines (transition tables: one
--     upsert per statement, whatever its number of rows).  Invariant: for
--     every (account, month, currency) the row equals the sums of the
--     lines posted in that month (tests/sql/ledger_months.sql checks it
--     after inserts, updates that move a line's date or account, deletes
--     and an entry's date moved by cascade).
--   * scc.ledger_sums(a, b) answers any day span: the whole months inside
--     it from the kept sums, the days at its edges from the lines (an
--     index on posted_on finds them).  Every report sum goes through it.

create table scc.ledger_months (
    account_id    bigint not null,
    month         date not null,
    currency      char(3) not null,
    debit_cents   bigint not null default 0,
    credit_cents  bigint not null default 0,
    debit_lines   bigint not null default 0,
    credit_lines  bigint not null default 0,
    constraint ledger_months_pkey primary key (account_id, month, currency),
    constraint ledger_months_account_id_fkey foreign key (account_id) references scc.accounts (id),
    constraint ledger_months_month_check check (month = date_trunc('month', month)::date),
    constraint ledger_months_amounts_check
        check (debit_cents >= 0 and credit_cents >= 0 and debit_lines >= 0 and credit_lines >= 0)
);
comment on table scc.ledger_months is
    'the ledger''s sums per account, calendar month and currency (debits, credits, lines of each), kept by triggers on journal_lines';

create index journal_lines_posted_on_idx on scc.journal_lines (posted_on) include (account_id, amount_cents, currency);
-- a line against its account's largest (the accounting report's outliers)
create index journal_lines_account_amount_idx on scc.journal_lines (account_id, amount_cents)
    include (posted_on, currency, entry_id);
-- the few lines not in USD, which the reports count apart
create index journal_lines_not_usd_idx on scc.journal_lines (posted_on) where currency <> 'USD';

-- scc.ledger_months_apply(lines, sign): adds (sign 1) or takes away
-- (sign -1) lines given as jsonb [{account_id, posted_on, currency,
-- amount_cents}] from the kept sums (taking away only ever meets a row
-- that adding made).
create function scc.ledger_months_apply(d jsonb, sign integer)
returns void
language plpgsql
as $$
begin
    if sign > 0 then
        insert into scc.ledger_months as m (account_id, month, currency, debit_cents, credit_cents, debit_lines, credit_lines)
        select x.account_id, date_trunc('month', x.posted_on)::date, x.currency,
               coalesce(sum(x.amount_cents) filter (where x.amount_cents > 0), 0),
               coalesce(-sum(x.amount_cents) filter (where x.amount_cents < 0), 0),
               count(*) filter (where x.amount_cents > 0), count(*) filter (where x.amount_cents < 0)
          from jsonb_to_recordset(d) as x (account_id bigint, posted_on date, currency char(3), amount_cents bigint)
         group by 1, 2, 3
        on conflict (account_id, month, currency) do update
           set debit_cents = m.debit_cents + excluded.debit_cents,
               credit_cents = m.credit_cents + excluded.credit_cents,
               debit_lines = m.debit_lines + excluded.debit_lines,
               credit_lines = m.credit_lines + excluded.credit_lines;
    else
        update scc.ledger_months as m
           set debit_cents = m.debit_cents - x.debits, credit_cents = m.credit_cents - x.credits,
               debit_lines = m.debit_lines - x.dl, credit_lines = m.credit_lines - x.cl
          from (select y.account_id, date_trunc('month', y.posted_on)::date as month, y.currency,
                       coalesce(sum(y.amount_cents) filter (where y.amount_cents > 0), 0) as debits,
                       coalesce(-sum(y.amount_cents) filter (where y.amount_cents < 0), 0) as credits,
                       count(*) filter (where y.amount_cents > 0) as dl, count(*) filter (where y.amount_cents < 0) as cl
                  from jsonb_to_recordset(d) as y (account_id bigint, posted_on date, currency char(3), amount_cents bigint)
                 group by 1, 2, 3) as x
         where m.account_id = x.account_id and m.month = x.month and m.currency = x.currency;
    end if;
end
$$;
comment on function scc.ledger_months_apply(jsonb, integer) is
    'adds (1) or takes away (-1) lines [{account_id, posted_on, currency, amount_cents}] from scc.ledger_months';

create function scc.ledger_months_keep()
returns trigger
language plpgsql
as $$
begin
    if tg_op in ('UPDATE', 'DELETE') then
        perform scc.ledger_months_apply(
            (select coalesce(jsonb_agg(jsonb_build_object('account_id', o.account_id, 'posted_on', o.posted_on,
                                                          'currency', o.currency, 'amount_cents', o.amount_cents)), '[]')
               from old_lines as o), -1);
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        perform scc.ledger_months_apply(
            (select coalesce(jsonb_agg(jsonb_build_object('account_id', n.account_id, 'posted_on', n.posted_on,
                                                          'currency', n.currency, 'amount_cents', n.amount_cents)), '[]')
               from new_lines as n), 1);
    end if;
    return null;
end
$$;
comment on function scc.ledger_months_keep() is
    'statement trigger on journal_lines: the statement''s old lines taken from, its new lines added to scc.ledger_months';

create trigger ledger_months_keep_insert after insert on scc.journal_lines
    referencing new table as new_lines for each statement execute function scc.ledger_months_keep();
create trigger ledger_months_keep_update after update on scc.journal_lines
    referencing old table as old_lines new table as new_lines for each statement execute function scc.ledger_months_keep();
create trigger ledger_months_keep_delete after delete on scc.journal_lines
    referencing old table as old_lines for each statement execute function scc.ledger_months_keep();

-- scc.ledger_months_rebuild(): the kept sums computed again from every
-- line (after a load made with triggers off; never needed otherwise).
create function scc.ledger_months_rebuild()
returns bigint
language plpgsql
as $$
declare
    n bigint;
begin
    lock table scc.journal_lines in share mode;
    delete from scc.ledger_months;
    insert into scc.ledger_months (account_id, month, currency, debit_cents, credit_cents, debit_lines, credit_lines)
    select l.account_id, date_trunc('month', l.posted_on)::date, l.currency,
           coalesce(sum(l.amount_cents) filter (where l.amount_cents > 0), 0),
           coalesce(-sum(l.amount_cents) filter (where l.amount_cents < 0), 0),
           count(*) filter (where l.amount_cents > 0), count(*) filter (where l.amount_cents < 0)
      from scc.journal_lines as l
     group by 1, 2, 3;
    get diagnostics n = row_count;
    return n;
end
$$;
comment on function scc.ledger_months_rebuild() is
    'scc.ledger_months recomputed from every journal line; returns its rows';

insert into scc.ledger_months (account_id, month, currency, debit_cents, credit_cents, debit_lines, credit_lines)
select l.account_id, date_trunc('month', l.posted_on)::date, l.currency,
       coalesce(sum(l.amount_cents) filter (where l.amount_cents > 0), 0),
       coalesce(-sum(l.amount_cents) filter (where l.amount_cents < 0), 0),
       count(*) filter (where l.amount_cents > 0), count(*) filter (where l.amount_cents < 0)
  from scc.journal_lines as l
 group by 1, 2, 3;

-- scc.ledger_sums(a, b): per account, the USD lines posted in [a, b):
-- debits - credits, the debits, the number of lines and of debit lines.
-- Whole calendar months [ws, we) from the kept sums; the days before ws
-- and from we on (or every day, when no whole month fits) from the lines,
-- each edge a plain range the posted_on index answers.
create function scc.ledger_sums(a date, b date)
returns table (account_id bigint, net bigint, debits bigint, lines bigint, debit_lines bigint)
language sql
stable
as $$
    with w as (
        select (date_trunc('month', a - 1) + interval '1 month')::date as ws, date_trunc('month', b)::date as we
    )
    select s.account_id, sum(s.net)::bigint, sum(s.debits)::bigint, sum(s.lines)::bigint, sum(s.dl)::bigint
      from (select m.account_id, m.debit_cents - m.credit_cents as net, m.debit_cents as debits,
                   m.debit_lines + m.credit_lines as lines, m.debit_lines as dl
              from scc.ledger_months as m, w
             where m.currency = 'USD' and w.ws < w.we and m.month >= w.ws and m.month < w.we
            union all
            select l.account_id, l.amount_cents, greatest(l.amount_cents, 0), 1, (l.amount_cents > 0)::int
              from scc.journal_lines as l, w
             where l.currency = 'USD' and l.posted_on >= a and l.posted_on < least(w.ws, b)
            union all
            select l.account_id, l.amount_cents, greatest(l.amount_cents, 0), 1, (l.amount_cents > 0)::int
              from scc.journal_lines as l, w
             where l.currency = 'USD' and l.posted_on >= greatest(w.we, w.ws, a) and l.posted_on < b) as s
     group by s.account_id
$$;
comment on function scc.ledger_sums(date, date) is
    'per account, USD lines posted in [a, b): debits - credits, debits, lines, debit lines; whole months from scc.ledger_months';
