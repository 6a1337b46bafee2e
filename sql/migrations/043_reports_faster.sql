-- 043_reports_faster.sql — the CEO, accounting and CMO reports within
-- 500 ms over a year of a million ledger lines (issue 11, "Benchmark";
-- helper M).  Every figure stays what 037 and 039 compute
-- (tests/sql/reports_*.sql hold them); only where they are read from
-- changes.
--
-- Decisions:
--   * The ledger's day sums.  038's month sums answer whole months; a
--     span that does not start and end on a month's first day (the
--     bench's "last twelve months", any range) read the days at its
--     edges from the lines: up to two months of lines for every sum, and
--     the reports take several sums (a year's edges were ~85,000 lines
--     each, five to eight times a report).  scc.ledger_days keeps, per
--     day, account and currency, the same four sums as ledger_months, by
--     statement triggers of its own on journal_lines; scc.ledger_sums (same
--     signature and rows) reads the edges from it, so any span is whole
--     months plus at most ~60 day rows per account.
--   * The revenue-tracking gaps are kept, not searched.  The CEO's two
--     reconciliation figures were hash anti-joins over a year of bookings
--     and of charter entries with their lines, to find a handful of rows.
--     Two small tables hold exactly the unmatched side, maintained by
--     statement triggers on every table the match depends on:
--     scc.ledger_gap_bookings (completed bookings with no journal entry of
--     source 'booking' and their entity and external id) and
--     scc.ledger_gap_entries (entries that are not such a booking's entry,
--     with at least one USD line on a revenue account, and the revenue of
--     those lines).  The report reads the period's rows.
--   * One rebuild.  A load made with triggers off (the bench) calls
--     scc.ledger_months_rebuild(); it now rebuilds every kept ledger
--     structure (month sums, day sums, the gaps), same signature, same
--     result (the month sums' rows).
--   * scc.channel_sales(p) is computed once per CMO report (it was six
--     passes over the period's bookings) and held as jsonb for the
--     sections; the CEO calls it once as before.

-- ---------------------------------------------------------------------------
-- The day sums
-- ---------------------------------------------------------------------------

create table scc.ledger_days (
    day           date not null,
    account_id    bigint not null,
    currency      char(3) not null,
    debit_cents   bigint not null default 0,
    credit_cents  bigint not null default 0,
    debit_lines   bigint not null default 0,
    credit_lines  bigint not null default 0,
    constraint ledger_days_pkey primary key (day, account_id, currency),
    constraint ledger_days_account_id_fkey foreign key (account_id) references scc.accounts (id),
    constraint ledger_days_amounts_check
        check (debit_cents >= 0 and credit_cents >= 0 and debit_lines >= 0 and credit_lines >= 0)
);
comment on table scc.ledger_days is
    'the ledger''s sums per day, account and currency (debits, credits, lines of each), kept by triggers on journal_lines';

-- scc.ledger_days_keep(): statement trigger on journal_lines (the
-- transition tables old_lines / new_lines by the event): the statement's
-- old lines taken away from, its new lines added to the day sums; a row
-- left without lines is deleted (a row exists only for a day with lines,
-- so a span's edges answer for exactly the accounts with lines in them).
create function scc.ledger_days_keep()
returns trigger
language plpgsql
as $$
begin
    if tg_op in ('UPDATE', 'DELETE') then
        update scc.ledger_days as d
           set debit_cents = d.debit_cents - x.debits, credit_cents = d.credit_cents - x.credits,
               debit_lines = d.debit_lines - x.dl, credit_lines = d.credit_lines - x.cl
          from (select o.posted_on, o.account_id, o.currency,
                       coalesce(sum(o.amount_cents) filter (where o.amount_cents > 0), 0) as debits,
                       coalesce(-sum(o.amount_cents) filter (where o.amount_cents < 0), 0) as credits,
                       count(*) filter (where o.amount_cents > 0) as dl, count(*) filter (where o.amount_cents < 0) as cl
                  from old_lines as o
                 group by 1, 2, 3) as x
         where d.day = x.posted_on and d.account_id = x.account_id and d.currency = x.currency;
        -- a day left without lines has no row
        delete from scc.ledger_days as d
         using (select distinct o.posted_on, o.account_id, o.currency from old_lines as o) as k
         where d.day = k.posted_on and d.account_id = k.account_id and d.currency = k.currency
           and d.debit_lines = 0 and d.credit_lines = 0;
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        insert into scc.ledger_days as d (day, account_id, currency, debit_cents, credit_cents, debit_lines, credit_lines)
        select n.posted_on, n.account_id, n.currency,
               coalesce(sum(n.amount_cents) filter (where n.amount_cents > 0), 0),
               coalesce(-sum(n.amount_cents) filter (where n.amount_cents < 0), 0),
               count(*) filter (where n.amount_cents > 0), count(*) filter (where n.amount_cents < 0)
          from new_lines as n
         group by 1, 2, 3
        on conflict (day, account_id, currency) do update
           set debit_cents = d.debit_cents + excluded.debit_cents,
               credit_cents = d.credit_cents + excluded.credit_cents,
               debit_lines = d.debit_lines + excluded.debit_lines,
               credit_lines = d.credit_lines + excluded.credit_lines;
    end if;
    return null;
end
$$;
comment on function scc.ledger_days_keep() is
    'statement trigger on journal_lines: the statement''s old lines taken from, its new lines added to scc.ledger_days';

create trigger ledger_days_keep_insert after insert on scc.journal_lines
    referencing new table as new_lines for each statement execute function scc.ledger_days_keep();
create trigger ledger_days_keep_update after update on scc.journal_lines
    referencing old table as old_lines new table as new_lines for each statement execute function scc.ledger_days_keep();
create trigger ledger_days_keep_delete after delete on scc.journal_lines
    referencing old table as old_lines for each statement execute function scc.ledger_days_keep();

-- scc.ledger_sums(a, b): as 038's, per account, the USD lines posted in
-- [a, b): debits - credits, the debits, the number of lines and of debit
-- lines.  Whole calendar months [ws, we) from the month sums; the days
-- before ws and from we on (or every day, when no whole month fits) from
-- the day sums.
create or replace function scc.ledger_sums(a date, b date)
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
            select d.account_id, d.debit_cents - d.credit_cents, d.debit_cents, d.debit_lines + d.credit_lines, d.debit_lines
              from scc.ledger_days as d, w
             where d.currency = 'USD' and d.day >= a and d.day < least(w.ws, b)
            union all
            select d.account_id, d.debit_cents - d.credit_cents, d.debit_cents, d.debit_lines + d.credit_lines, d.debit_lines
              from scc.ledger_days as d, w
             where d.currency = 'USD' and d.day >= greatest(w.we, w.ws, a) and d.day < b) as s
     group by s.account_id
$$;
comment on function scc.ledger_sums(date, date) is
    'per account, USD lines posted in [a, b): debits - credits, debits, lines, debit lines; whole months from scc.ledger_months, the edges from scc.ledger_days';

-- ---------------------------------------------------------------------------
-- The revenue-tracking gaps, kept
-- ---------------------------------------------------------------------------

create table scc.ledger_gap_bookings (
    booking_id  uuid not null,
    sail_on     date not null,
    constraint ledger_gap_bookings_pkey primary key (booking_id),
    constraint ledger_gap_bookings_booking_id_fkey foreign key (booking_id) references scc.bookings (id) on delete cascade
);
comment on table scc.ledger_gap_bookings is
    'completed bookings with no journal entry of source booking and their entity and external id (kept by triggers)';
create index ledger_gap_bookings_sail_on_idx on scc.ledger_gap_bookings (sail_on);

create table scc.ledger_gap_entries (
    entry_id       bigint not null,
    entity_id      bigint not null,
    posted_on      date not null,
    revenue_cents  bigint not null,
    constraint ledger_gap_entries_pkey primary key (entry_id),
    constraint ledger_gap_entries_entry_id_fkey foreign key (entry_id) references scc.journal_entries (id) on delete cascade
);
comment on table scc.ledger_gap_entries is
    'journal entries that are no booking''s entry, with a USD line on a revenue account: credits - debits of those lines (kept by triggers)';
comment on column scc.ledger_gap_entries.revenue_cents is 'credits - debits of the entry''s USD lines on revenue accounts';
create index ledger_gap_entries_posted_on_idx on scc.ledger_gap_entries (posted_on);

-- scc.ledger_gap_bookings_refresh(ids): the rows of these bookings made
-- again from what the bookings and the entries say now.
create function scc.ledger_gap_bookings_refresh(ids uuid[])
returns void
language sql
as $$
    delete from scc.ledger_gap_bookings as g where g.booking_id = any (ids);
    insert into scc.ledger_gap_bookings (booking_id, sail_on)
    select b.id, b.sail_on
      from scc.bookings as b
     where b.id = any (ids) and b.status = 'completed'
       and not exists (select 1 from scc.journal_entries as e
                        where e.entity_id = b.entity_id and e.source = 'booking' and e.external_id = b.external_id);
$$;
comment on function scc.ledger_gap_bookings_refresh(uuid[]) is
    'scc.ledger_gap_bookings made again for these bookings';

-- scc.ledger_gap_entries_refresh(ids): the rows of these entries made
-- again from what the entries, their lines, the accounts and the bookings
-- say now.
create function scc.ledger_gap_entries_refresh(ids bigint[])
returns void
language sql
as $$
    delete from scc.ledger_gap_entries as g where g.entry_id = any (ids);
    insert into scc.ledger_gap_entries (entry_id, entity_id, posted_on, revenue_cents)
    select e.id, e.entity_id, e.posted_on, -sum(l.amount_cents)
      from scc.journal_entries as e
      join scc.journal_lines as l on l.entry_id = e.id and l.currency = 'USD'
      join scc.accounts as ac on ac.id = l.account_id and ac.type = 'revenue'
     where e.id = any (ids)
       and (e.source <> 'booking'
            or not exists (select 1 from scc.bookings as b where b.entity_id = e.entity_id and b.external_id = e.external_id))
     group by e.id, e.entity_id, e.posted_on;
$$;
comment on function scc.ledger_gap_entries_refresh(bigint[]) is
    'scc.ledger_gap_entries made again for these journal entries';

-- Triggers: each statement refreshes the rows its old and new rows touch.
create function scc.ledger_gaps_keep_lines()
returns trigger
language plpgsql
as $$
declare
    ids bigint[];
begin
    if tg_op = 'INSERT' then
        select array_agg(distinct n.entry_id) into ids from new_lines as n;
    elsif tg_op = 'UPDATE' then
        select array_agg(distinct x.entry_id) into ids
          from (select o.entry_id from old_lines as o union select n.entry_id from new_lines as n) as x;
    else
        select array_agg(distinct o.entry_id) into ids from old_lines as o;
    end if;
    perform scc.ledger_gap_entries_refresh(ids);
    return null;
end
$$;
comment on function scc.ledger_gaps_keep_lines() is
    'statement trigger on journal_lines: the gap rows of the entries whose lines changed made again';

create trigger ledger_gaps_keep_insert after insert on scc.journal_lines
    referencing new table as new_lines for each statement execute function scc.ledger_gaps_keep_lines();
create trigger ledger_gaps_keep_update after update on scc.journal_lines
    referencing old table as old_lines new table as new_lines for each statement execute function scc.ledger_gaps_keep_lines();
create trigger ledger_gaps_keep_delete after delete on scc.journal_lines
    referencing old table as old_lines for each statement execute function scc.ledger_gaps_keep_lines();

-- journal_entries: an entry's key (entity, source, external id) decides
-- which booking it is; an entry's own gap row follows its key and date,
-- and the bookings of its old and new key are looked at again.
create function scc.ledger_gaps_keep_entries()
returns trigger
language plpgsql
as $$
declare
    keys jsonb;
begin
    if tg_op = 'INSERT' then
        select jsonb_agg(jsonb_build_array(n.entity_id, n.external_id)) into keys from new_entries as n
         where n.source = 'booking';
    elsif tg_op = 'UPDATE' then
        perform scc.ledger_gap_entries_refresh((select array_agg(n.id) from new_entries as n));
        select jsonb_agg(jsonb_build_array(x.entity_id, x.external_id)) into keys
          from (select o.entity_id, o.external_id from old_entries as o where o.source = 'booking'
                union select n.entity_id, n.external_id from new_entries as n where n.source = 'booking') as x;
    else
        select jsonb_agg(jsonb_build_array(o.entity_id, o.external_id)) into keys from old_entries as o
         where o.source = 'booking';
    end if;
    if keys is not null then
        perform scc.ledger_gap_bookings_refresh(
            (select array_agg(b.id)
               from jsonb_array_elements(keys) as k
               join scc.bookings as b on b.entity_id = (k ->> 0)::bigint and b.external_id = k ->> 1));
    end if;
    return null;
end
$$;
comment on function scc.ledger_gaps_keep_entries() is
    'statement trigger on journal_entries: the gap rows of changed entries and of the bookings of their keys made again';

create trigger ledger_gaps_keep_insert after insert on scc.journal_entries
    referencing new table as new_entries for each statement execute function scc.ledger_gaps_keep_entries();
create trigger ledger_gaps_keep_update after update on scc.journal_entries
    referencing old table as old_entries new table as new_entries for each statement execute function scc.ledger_gaps_keep_entries();
create trigger ledger_gaps_keep_delete after delete on scc.journal_entries
    referencing old table as old_entries for each statement execute function scc.ledger_gaps_keep_entries();

-- bookings: a booking's own gap row follows its status, date and key; the
-- booking entries of its old and new key are looked at again.
create function scc.ledger_gaps_keep_bookings()
returns trigger
language plpgsql
as $$
declare
    keys jsonb;
begin
    if tg_op = 'INSERT' then
        perform scc.ledger_gap_bookings_refresh((select array_agg(n.id) from new_bookings as n));
        select jsonb_agg(jsonb_build_array(n.entity_id, n.external_id)) into keys from new_bookings as n;
    elsif tg_op = 'UPDATE' then
        perform scc.ledger_gap_bookings_refresh((select array_agg(n.id) from new_bookings as n));
        select jsonb_agg(jsonb_build_array(x.entity_id, x.external_id)) into keys
          from (select o.entity_id, o.external_id from old_bookings as o
                union select n.entity_id, n.external_id from new_bookings as n) as x;
    else
        select jsonb_agg(jsonb_build_array(o.entity_id, o.external_id)) into keys from old_bookings as o;
    end if;
    perform scc.ledger_gap_entries_refresh(
        (select array_agg(e.id)
           from jsonb_array_elements(keys) as k
           join scc.journal_entries as e
             on e.entity_id = (k ->> 0)::bigint and e.source = 'booking' and e.external_id = k ->> 1));
    return null;
end
$$;
comment on function scc.ledger_gaps_keep_bookings() is
    'statement trigger on bookings: the gap rows of changed bookings and of the booking entries of their keys made again';

create trigger ledger_gaps_keep_insert after insert on scc.bookings
    referencing new table as new_bookings for each statement execute function scc.ledger_gaps_keep_bookings();
create trigger ledger_gaps_keep_update after update on scc.bookings
    referencing old table as old_bookings new table as new_bookings for each statement execute function scc.ledger_gaps_keep_bookings();
create trigger ledger_gaps_keep_delete after delete on scc.bookings
    referencing old table as old_bookings for each statement execute function scc.ledger_gaps_keep_bookings();

-- accounts: an account that becomes (or stops being) a revenue account
-- changes the revenue of every entry with a line on it.
create function scc.ledger_gaps_keep_accounts()
returns trigger
language plpgsql
as $$
begin
    perform scc.ledger_gap_entries_refresh(
        (select array_agg(distinct l.entry_id)
           from new_accounts as n
           join old_accounts as o on o.id = n.id and (o.type = 'revenue') <> (n.type = 'revenue')
           join scc.journal_lines as l on l.account_id = n.id));
    return null;
end
$$;
comment on function scc.ledger_gaps_keep_accounts() is
    'statement trigger on accounts: an account moved into or out of revenue makes its entries'' gap rows again';

create trigger ledger_gaps_keep_update after update on scc.accounts
    referencing old table as old_accounts new table as new_accounts for each statement
    execute function scc.ledger_gaps_keep_accounts();

-- ---------------------------------------------------------------------------
-- The channels' sales by UTC day, kept
-- ---------------------------------------------------------------------------

-- scc.booking_days: per UTC day of booked_at and channel, the bookings not
-- cancelled, their gross, commission and fees.  A period's bounds are
-- local midnights, instants at any offset; the UTC days wholly inside them
-- come from here, the hours at the edges from the bookings (by booked_at),
-- as ledger_sums reads the ledger.
create table scc.booking_days (
    day               date not null,
    channel           text not null,
    bookings          bigint not null,
    gross_cents       bigint not null,
    commission_cents  bigint not null,
    fees_cents        bigint not null,
    constraint booking_days_pkey primary key (day, channel),
    constraint booking_days_bookings_check check (bookings > 0)
);
comment on table scc.booking_days is
    'per UTC day of booked_at and channel: bookings not cancelled, their gross, commission and fees (kept by triggers on bookings)';
create index bookings_booked_at_idx on scc.bookings (booked_at);

-- scc.booking_days_keep(): statement trigger on bookings (transition tables
-- old_bookings / new_bookings by the event): the statement's old rows not
-- cancelled taken away, its new ones added; a day and channel left with
-- no booking has no row.
create function scc.booking_days_keep()
returns trigger
language plpgsql
as $$
begin
    if tg_op in ('UPDATE', 'DELETE') then
        -- a day and channel losing all its bookings goes; the others are reduced
        delete from scc.booking_days as d
         using (select (o.booked_at at time zone 'UTC')::date as day, o.channel, count(*) as n
                  from old_bookings as o
                 where o.status <> 'cancelled'
                 group by 1, 2) as x
         where d.day = x.day and d.channel = x.channel and d.bookings = x.n;
        update scc.booking_days as d
           set bookings = d.bookings - x.n, gross_cents = d.gross_cents - x.gross,
               commission_cents = d.commission_cents - x.commission, fees_cents = d.fees_cents - x.fees
          from (select (o.booked_at at time zone 'UTC')::date as day, o.channel, count(*) as n, sum(o.gross_cents) as gross,
                       sum(o.commission_cents) as commission, sum(o.fees_cents) as fees
                  from old_bookings as o
                 where o.status <> 'cancelled'
                 group by 1, 2) as x
         where d.day = x.day and d.channel = x.channel and d.bookings > x.n;
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        insert into scc.booking_days as d (day, channel, bookings, gross_cents, commission_cents, fees_cents)
        select (n.booked_at at time zone 'UTC')::date, n.channel, count(*), sum(n.gross_cents), sum(n.commission_cents),
               sum(n.fees_cents)
          from new_bookings as n
         where n.status <> 'cancelled'
         group by 1, 2
        on conflict (day, channel) do update
           set bookings = d.bookings + excluded.bookings, gross_cents = d.gross_cents + excluded.gross_cents,
               commission_cents = d.commission_cents + excluded.commission_cents,
               fees_cents = d.fees_cents + excluded.fees_cents;
    end if;
    return null;
end
$$;
comment on function scc.booking_days_keep() is
    'statement trigger on bookings: the statement''s old rows (not cancelled) taken from, its new ones added to scc.booking_days';

create trigger booking_days_keep_insert after insert on scc.bookings
    referencing new table as new_bookings for each statement execute function scc.booking_days_keep();
create trigger booking_days_keep_update after update on scc.bookings
    referencing old table as old_bookings new table as new_bookings for each statement execute function scc.booking_days_keep();
create trigger booking_days_keep_delete after delete on scc.bookings
    referencing old table as old_bookings for each statement execute function scc.booking_days_keep();

-- scc.channel_sales(p): as 037's, the bookings' part read as whole UTC
-- days [ds, de) inside the period's instants from scc.booking_days and the
-- instants before ds and from de on (or all of them, when no whole day
-- fits) from the bookings.
create or replace function scc.channel_sales(p scc.report_span)
returns table (slug text, name text, kind text, sequence integer, bookings integer, gross bigint,
               commission bigint, fees bigint, spend bigint, visits bigint, inquiries bigint, quotes bigint,
               funnel_bookings bigint)
language sql
stable
as $$
    with i as (select from_at, until_at from scc.report_instants(p)),
    d as (select i.from_at, i.until_at, ((i.from_at at time zone 'UTC') - interval '1 microsecond')::date + 1 as ds,
                 (i.until_at at time zone 'UTC')::date as de
            from i),
    w as (select d.from_at, d.until_at, d.ds, d.de, d.ds::timestamp at time zone 'UTC' as ds_at,
                 d.de::timestamp at time zone 'UTC' as de_at
            from d)
    select c.slug, c.name, c.kind, c.sequence,
           coalesce(b.n, 0)::int, coalesce(b.gross, 0)::bigint, coalesce(b.commission, 0)::bigint,
           coalesce(b.fees, 0)::bigint, coalesce(m.spend, 0)::bigint, coalesce(m.visits, 0)::bigint,
           coalesce(m.inquiries, 0)::bigint, coalesce(m.quotes, 0)::bigint, coalesce(m.bookings, 0)::bigint
      from scc.channels as c
      left join (select x.channel, sum(x.n) as n, sum(x.gross) as gross, sum(x.commission) as commission,
                        sum(x.fees) as fees
                   from (select k.channel, k.bookings as n, k.gross_cents as gross, k.commission_cents as commission,
                                k.fees_cents as fees
                           from scc.booking_days as k, w
                          where w.ds < w.de and k.day >= w.ds and k.day < w.de
                         union all
                         select y.channel, 1, y.gross_cents, y.commission_cents, y.fees_cents
                           from scc.bookings as y, w
                          where y.status <> 'cancelled' and y.booked_at >= w.from_at and y.booked_at < least(w.ds_at, w.until_at)
                         union all
                         select y.channel, 1, y.gross_cents, y.commission_cents, y.fees_cents
                           from scc.bookings as y, w
                          where y.status <> 'cancelled' and y.booked_at >= greatest(w.de_at, w.ds_at, w.from_at)
                            and y.booked_at < w.until_at) as x
                  group by x.channel) as b on b.channel = c.slug
      left join (select y.channel, sum(y.spend_cents) as spend, sum(y.visits) as visits,
                        sum(y.inquiries) as inquiries, sum(y.quotes) as quotes, sum(y.bookings) as bookings
                   from scc.marketing_months as y
                  where y.month >= p.starts and y.month < p.ends
                  group by y.channel) as m on m.channel = c.slug
$$;
comment on function scc.channel_sales(scc.report_span) is
    'per channel: charter bookings made in the period (not cancelled), their gross, commission and fees; spend and funnel of the months starting in it';

-- ---------------------------------------------------------------------------
-- One rebuild for every kept ledger structure
-- ---------------------------------------------------------------------------

-- scc.ledger_months_rebuild(): as 038's, and every other structure kept
-- for the reports too: the day sums, the gaps, the channels' sales by day
-- (after a load made with triggers off; never needed otherwise).  Returns
-- the month sums' rows, as before.
create or replace function scc.ledger_months_rebuild()
returns bigint
language plpgsql
as $$
declare
    n bigint;
begin
    lock table scc.journal_lines in share mode;
    lock table scc.journal_entries, scc.bookings, scc.accounts in share mode;
    delete from scc.ledger_months;
    insert into scc.ledger_months (account_id, month, currency, debit_cents, credit_cents, debit_lines, credit_lines)
    select l.account_id, date_trunc('month', l.posted_on)::date, l.currency,
           coalesce(sum(l.amount_cents) filter (where l.amount_cents > 0), 0),
           coalesce(-sum(l.amount_cents) filter (where l.amount_cents < 0), 0),
           count(*) filter (where l.amount_cents > 0), count(*) filter (where l.amount_cents < 0)
      from scc.journal_lines as l
     group by 1, 2, 3;
    get diagnostics n = row_count;
    delete from scc.ledger_days;
    insert into scc.ledger_days (day, account_id, currency, debit_cents, credit_cents, debit_lines, credit_lines)
    select l.posted_on, l.account_id, l.currency,
           coalesce(sum(l.amount_cents) filter (where l.amount_cents > 0), 0),
           coalesce(-sum(l.amount_cents) filter (where l.amount_cents < 0), 0),
           count(*) filter (where l.amount_cents > 0), count(*) filter (where l.amount_cents < 0)
      from scc.journal_lines as l
     group by 1, 2, 3;
    delete from scc.ledger_gap_bookings;
    insert into scc.ledger_gap_bookings (booking_id, sail_on)
    select b.id, b.sail_on
      from scc.bookings as b
     where b.status = 'completed'
       and not exists (select 1 from scc.journal_entries as e
                        where e.entity_id = b.entity_id and e.source = 'booking' and e.external_id = b.external_id);
    delete from scc.booking_days;
    insert into scc.booking_days (day, channel, bookings, gross_cents, commission_cents, fees_cents)
    select (b.booked_at at time zone 'UTC')::date, b.channel, count(*), sum(b.gross_cents), sum(b.commission_cents),
           sum(b.fees_cents)
      from scc.bookings as b
     where b.status <> 'cancelled'
     group by 1, 2;
    delete from scc.ledger_gap_entries;
    insert into scc.ledger_gap_entries (entry_id, entity_id, posted_on, revenue_cents)
    select e.id, e.entity_id, e.posted_on, -sum(l.amount_cents)
      from scc.journal_lines as l
      join scc.accounts as ac on ac.id = l.account_id and ac.type = 'revenue'
      join scc.journal_entries as e on e.id = l.entry_id
     where l.currency = 'USD'
       and (e.source <> 'booking'
            or not exists (select 1 from scc.bookings as b where b.entity_id = e.entity_id and b.external_id = e.external_id))
     group by e.id, e.entity_id, e.posted_on;
    return n;
end
$$;
comment on function scc.ledger_months_rebuild() is
    'every structure kept for the reports recomputed from the lines, entries and bookings (month and day sums, the revenue-tracking gaps, bookings by day); returns the month sums'' rows';

select scc.ledger_months_rebuild();

-- ---------------------------------------------------------------------------
-- Bookings' payouts and sail dates, by index
-- ---------------------------------------------------------------------------

-- the CEO's payouts not received: those never received, and those
-- received after a day; the accounting report's payouts expected in a
-- period (index-only)
create index bookings_payout_unreceived_idx on scc.bookings (payout_expected_on) include (payout_expected_cents)
    where payout_received_on is null and payout_expected_cents > 0;
create index bookings_payout_received_idx on scc.bookings (payout_received_on)
    include (payout_expected_on, payout_expected_cents) where payout_expected_cents > 0;
create index bookings_payout_expected_idx on scc.bookings (payout_expected_on)
    include (channel, payout_expected_cents, payout_received_on, payout_received_cents);
-- bookings by sail date whatever their entity (accounting: recognised and
-- deposits held; CFO: revenue per sail), index-only
create index bookings_sail_on_money_idx on scc.bookings (sail_on)
    include (status, gross_cents, refunds_cents, deposit_cents, booked_at);

-- ---------------------------------------------------------------------------
-- The accounting report's outliers: 039's scc.ledger_lines_over, the bound
-- as a whole number of cents
-- ---------------------------------------------------------------------------

-- scc.ledger_lines_over(account, bound, a, b): as 039's.  An amount in
-- cents is over a bound exactly when it is over the bound's floor, and a
-- bigint bound (at most the largest bigint, which no amount is over) lets
-- journal_lines_account_amount_idx start at it (a
-- numeric one cast every amount and read the account's whole span).
create or replace function scc.ledger_lines_over(account bigint, bound numeric, a date, b date)
returns table (entry_id bigint, account_id bigint, posted_on date, amount_cents bigint)
language plpgsql
stable
set plan_cache_mode = force_custom_plan
as $$
begin
    return query
    select y.entry_id, y.account_id, y.posted_on, y.amount_cents
      from scc.journal_lines as y
     where y.account_id = account and y.amount_cents > least(floor(bound), 9223372036854775807)::bigint
       and y.posted_on >= a and y.posted_on < b and y.currency = 'USD';
end
$$;
comment on function scc.ledger_lines_over(bigint, numeric, date, date) is
    'an account''s USD lines in [a, b) over an amount (by the account-amount index)';

-- ---------------------------------------------------------------------------
-- CEO: 039's, the tracking gaps read from the kept gap rows
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

    -- tracking gaps: the period's kept rows (scc.ledger_gap_bookings,
    -- scc.ledger_gap_entries), the same sets 039 searched for
    select coalesce(jsonb_build_array(count(*), sum(b.gross_cents - b.refunds_cents)), '[0, 0]')
      into g_book
      from scc.ledger_gap_bookings as g
      join scc.bookings as b on b.id = g.booking_id
     where g.sail_on >= p.starts and g.sail_on < p.ends and b.status = 'completed';
    select jsonb_build_array(count(*), coalesce(sum(g.revenue_cents), 0))
      into g_ledger
      from scc.ledger_gap_entries as g
      join scc.entities as n on n.id = g.entity_id and n.kind = 'charter'
     where g.posted_on >= p.starts and g.posted_on < p.ends;
    -- payouts expected before the end and not received by it: never
    -- received, or received from the end on (each by its partial index)
    select jsonb_build_array(count(*), coalesce(sum(x.payout_expected_cents), 0))
      into g_payout
      from (select b.payout_expected_cents
              from scc.bookings as b
             where b.payout_received_on is null and b.payout_expected_cents > 0 and b.payout_expected_on < p.ends
            union all
            select b.payout_expected_cents
              from scc.bookings as b
             where b.payout_received_on >= p.ends and b.payout_expected_cents > 0 and b.payout_expected_on < p.ends) as x;

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

-- ---------------------------------------------------------------------------
-- CMO: 037's, scc.channel_sales(p) computed once and read by every section
-- ---------------------------------------------------------------------------

create or replace function scc_report.cmo(p scc.report_span)
returns jsonb
language plpgsql
stable
security definer
set search_path = pg_catalog, scc
set jit = off
as $$
declare
    c          jsonb := scc_report.charter_figures(p);
    chans      jsonb;
    matrix     jsonb;
    matrix_c   jsonb;
    n_live     int;
    mix        jsonb;
    t_book     int;
    t_gross    bigint;
    t_cut      bigint;
    t_spend    bigint;
    cac        jsonb;
    funnel     jsonb;
    f_vis      bigint;
    f_inq      bigint;
    f_quo      bigint;
    f_book     bigint;
    roas       jsonb;
    seq        jsonb;
    next_ch    text;
    seo        jsonb;
    seo_open   int;
    seo_done   int;
    rows_csv   jsonb;
    sales      jsonb;
begin
    -- the visibility matrix: every entity against the channels with a
    -- listing anywhere, or in the marketplace sequence
    select coalesce(jsonb_agg(jsonb_build_object('slug', x.slug, 'name', x.name) order by x.sequence nulls last, x.name), '[]')
      into chans
      from scc.channels as x
     where x.sequence is not null or exists (select 1 from scc.channel_listings as l where l.channel = x.slug);

    select jsonb_build_array(scc.report_column('entity', 'Entity', 'text'))
           || coalesce(jsonb_agg(scc.report_column(ch ->> 'slug', ch ->> 'name', 'text') order by n), '[]')
      into matrix_c
      from jsonb_array_elements(chans) with ordinality as x (ch, n);

    select coalesce(jsonb_agg(jsonb_build_array(e.name) || (
               select coalesce(jsonb_agg(coalesce(l.status, 'not_listed') order by n), '[]')
                 from jsonb_array_elements(chans) with ordinality as x (ch, n)
                 left join scc.channel_listings as l on l.entity_id = e.id and l.channel = ch ->> 'slug')
             order by e.name), '[]')
      into matrix
      from scc.entities as e
     where e.active;

    select count(*)::int into n_live from scc.channel_listings as l where l.status = 'live';

    -- the channels' sales, once for every section below
    select coalesce(jsonb_agg(to_jsonb(s)), '[]') into sales from scc.channel_sales(p) as s;

    -- channel mix and effective commission (charter bookings made in the period)
    select coalesce(sum(s.bookings), 0)::int, coalesce(sum(s.gross), 0)::bigint,
           coalesce(sum(s.commission + s.fees), 0)::bigint, coalesce(sum(s.spend), 0)::bigint,
           coalesce(sum(s.visits), 0), coalesce(sum(s.inquiries), 0), coalesce(sum(s.quotes), 0),
           coalesce(sum(s.funnel_bookings), 0)
      into t_book, t_gross, t_cut, t_spend, f_vis, f_inq, f_quo, f_book
      from jsonb_to_recordset(sales) as s (slug text, name text, kind text, sequence integer, bookings integer, gross bigint,
                                           commission bigint, fees bigint, spend bigint, visits bigint, inquiries bigint,
                                           quotes bigint, funnel_bookings bigint);

    select coalesce(jsonb_agg(jsonb_build_array(s.name, s.bookings, scc.report_ratio(s.bookings, t_book), s.gross,
                                                scc.report_ratio(s.gross, t_gross), s.commission + s.fees,
                                                scc.report_ratio(s.commission + s.fees, s.gross))
                              order by s.gross desc, s.name) filter (where s.bookings > 0), '[]')
      into mix
      from jsonb_to_recordset(sales) as s (slug text, name text, kind text, sequence integer, bookings integer, gross bigint,
                                           commission bigint, fees bigint, spend bigint, visits bigint, inquiries bigint,
                                           quotes bigint, funnel_bookings bigint);

    select coalesce(jsonb_agg(jsonb_build_array(s.name, s.spend, s.commission + s.fees, s.bookings,
                                                round(scc.report_ratio(s.spend + s.commission + s.fees, s.bookings)))
                              order by s.name) filter (where s.bookings > 0 or s.spend > 0), '[]')
      into cac
      from jsonb_to_recordset(sales) as s (slug text, name text, kind text, sequence integer, bookings integer, gross bigint,
                                           commission bigint, fees bigint, spend bigint, visits bigint, inquiries bigint,
                                           quotes bigint, funnel_bookings bigint);

    select coalesce(jsonb_agg(jsonb_build_array(s.name, s.visits, s.inquiries, s.quotes, s.funnel_bookings,
                                                scc.report_ratio(s.inquiries, s.visits), scc.report_ratio(s.quotes, s.inquiries),
                                                scc.report_ratio(s.funnel_bookings, s.quotes),
                                                scc.report_ratio(s.funnel_bookings, s.visits))
                              order by s.visits desc, s.name) filter (where s.visits + s.inquiries + s.quotes + s.funnel_bookings > 0), '[]')
      into funnel
      from jsonb_to_recordset(sales) as s (slug text, name text, kind text, sequence integer, bookings integer, gross bigint,
                                           commission bigint, fees bigint, spend bigint, visits bigint, inquiries bigint,
                                           quotes bigint, funnel_bookings bigint);

    select coalesce(jsonb_agg(jsonb_build_array(s.name, s.spend, s.gross, scc.report_ratio(s.gross, s.spend))
                              order by s.spend desc, s.name) filter (where s.spend > 0), '[]')
      into roas
      from jsonb_to_recordset(sales) as s (slug text, name text, kind text, sequence integer, bookings integer, gross bigint,
                                           commission bigint, fees bigint, spend bigint, visits bigint, inquiries bigint,
                                           quotes bigint, funnel_bookings bigint);

    -- the marketplace sequence for the charter operation
    select coalesce(jsonb_agg(jsonb_build_array(x.sequence, x.name, coalesce(l.status, 'not_listed'),
                                                to_char(l.listed_on, 'YYYY-MM-DD'))
                              order by x.sequence, x.name), '[]'),
           (array_agg(x.name order by x.sequence, x.name) filter (where coalesce(l.status, '') <> 'live'))[1]
      into seq, next_ch
      from scc.channels as x
      left join scc.entities as e on e.slug = 'charter'
      left join scc.channel_listings as l on l.entity_id = e.id and l.channel = x.slug
     where x.sequence is not null;

    select coalesce(jsonb_agg(jsonb_build_array(e.name, k.title, k.priority, k.status, to_char(k.due_on, 'YYYY-MM-DD'))
                              order by k.priority, k.due_on nulls last, k.external_id), '[]'),
           count(*)::int
      into seo, seo_open
      from scc.seo_tasks as k join scc.entities as e on e.id = k.entity_id
     where k.status <> 'done';
    select count(*)::int into seo_done from scc.seo_tasks as k
     where k.done_on >= p.starts and k.done_on < p.ends;

    select coalesce(jsonb_agg(jsonb_build_array(s.slug, s.bookings, s.gross, s.commission, s.fees,
                                                scc.report_ratio(s.commission + s.fees, s.gross), s.spend,
                                                round(scc.report_ratio(s.spend + s.commission + s.fees, s.bookings)),
                                                scc.report_ratio(s.gross, s.spend), s.visits, s.inquiries, s.quotes,
                                                s.funnel_bookings)
                              order by s.sequence nulls last, s.slug), '[]')
      into rows_csv
      from jsonb_to_recordset(sales) as s (slug text, name text, kind text, sequence integer, bookings integer, gross bigint,
                                           commission bigint, fees bigint, spend bigint, visits bigint, inquiries bigint,
                                           quotes bigint, funnel_bookings bigint);

    return scc.report_json('cmo', 'CMO report', p, 'gross',
        jsonb_build_array(
            jsonb_build_object(
                'id', 'visibility', 'title', 'Channel visibility matrix',
                'figures', jsonb_build_array(
                    scc.report_figure('listings_live', 'Live listings', n_live, 'count',
                        'entity and channel pairs listed live', 'scc.channel_listings')),
                'table', jsonb_build_object('columns', matrix_c, 'rows', matrix)),
            jsonb_build_object(
                'id', 'channel_mix', 'title', 'Channel mix and effective commission',
                'figures', jsonb_build_array(
                    scc.report_figure('bookings', 'Bookings made', t_book, 'count',
                        'charter bookings made in the period, not cancelled', 'scc.bookings'),
                    scc.report_figure('gross', 'Their gross', t_gross, 'cents', 'sum of gross of those', 'scc.bookings'),
                    scc.report_figure('effective_commission', 'Effective commission', scc.report_ratio(t_cut, t_gross), 'ratio',
                        '(commission + fees) / gross', 'scc.bookings')),
                'table', jsonb_build_object(
                    'columns', jsonb_build_array(scc.report_column('channel', 'Channel', 'text'),
                                                 scc.report_column('bookings', 'Bookings', 'count'),
                                                 scc.report_column('booking_share', 'Share', 'ratio'),
                                                 scc.report_column('gross', 'Gross', 'cents'),
                                                 scc.report_column('gross_share', 'Share of gross', 'ratio'),
                                                 scc.report_column('cut', 'Commission and fees', 'cents'),
                                                 scc.report_column('effective', 'Effective commission', 'ratio')),
                    'rows', mix),
                'chart', jsonb_build_object('type', 'bar', 'title', 'Gross by channel', 'unit', 'cents',
                    'bars', (select coalesce(jsonb_agg(jsonb_build_object('label', r ->> 0, 'value', (r ->> 3)::bigint)), '[]')
                               from jsonb_array_elements(mix) as r))),
            jsonb_build_object(
                'id', 'cac', 'title', 'CAC by channel',
                'figures', jsonb_build_array(
                    scc.report_figure('cac', 'Blended CAC', round(scc.report_ratio(t_spend + t_cut, t_book)), 'cents',
                        '(spend + commission + fees) / bookings made', 'scc.marketing_months, scc.bookings')),
                'table', jsonb_build_object(
                    'columns', jsonb_build_array(scc.report_column('channel', 'Channel', 'text'),
                                                 scc.report_column('spend', 'Spend', 'cents'),
                                                 scc.report_column('cut', 'Commission and fees', 'cents'),
                                                 scc.report_column('bookings', 'Bookings', 'count'),
                                                 scc.report_column('cac', 'CAC', 'cents')),
                    'rows', cac)),
            jsonb_build_object(
                'id', 'funnel', 'title', 'Funnel conversion',
                'figures', jsonb_build_array(
                    scc.report_figure('visits', 'Visits', f_vis, 'count', 'sum of visits', 'scc.marketing_months'),
                    scc.report_figure('inquiry_rate', 'Visit to inquiry', scc.report_ratio(f_inq, f_vis), 'ratio',
                        'inquiries / visits', 'scc.marketing_months'),
                    scc.report_figure('quote_rate', 'Inquiry to quote', scc.report_ratio(f_quo, f_inq), 'ratio',
                        'quotes / inquiries', 'scc.marketing_months'),
                    scc.report_figure('close_rate', 'Quote to booking', scc.report_ratio(f_book, f_quo), 'ratio',
                        'bookings / quotes', 'scc.marketing_months'),
                    scc.report_figure('conversion', 'Visit to booking', scc.report_ratio(f_book, f_vis), 'ratio',
                        'bookings / visits', 'scc.marketing_months')),
                'table', jsonb_build_object(
                    'columns', jsonb_build_array(scc.report_column('channel', 'Channel', 'text'),
                                                 scc.report_column('visits', 'Visits', 'count'),
                                                 scc.report_column('inquiries', 'Inquiries', 'count'),
                                                 scc.report_column('quotes', 'Quotes', 'count'),
                                                 scc.report_column('bookings', 'Bookings', 'count'),
                                                 scc.report_column('inquiry_rate', 'Visit to inquiry', 'ratio'),
                                                 scc.report_column('quote_rate', 'Inquiry to quote', 'ratio'),
                                                 scc.report_column('close_rate', 'Quote to booking', 'ratio'),
                                                 scc.report_column('conversion', 'Visit to booking', 'ratio')),
                    'rows', funnel),
                'chart', jsonb_build_object('type', 'bar', 'title', 'The funnel', 'unit', 'count',
                    'bars', jsonb_build_array(jsonb_build_object('label', 'visits', 'value', f_vis),
                                              jsonb_build_object('label', 'inquiries', 'value', f_inq),
                                              jsonb_build_object('label', 'quotes', 'value', f_quo),
                                              jsonb_build_object('label', 'bookings', 'value', f_book)))),
            jsonb_build_object(
                'id', 'roas', 'title', 'ROAS and MER',
                'figures', jsonb_build_array(
                    scc.report_figure('spend', 'Marketing spend', t_spend, 'cents', 'sum of spend', 'scc.marketing_months'),
                    scc.report_figure('mer', 'MER', scc.report_ratio(t_gross, t_spend), 'ratio',
                        'gross of bookings made / marketing spend', 'scc.bookings, scc.marketing_months')),
                'table', jsonb_build_object(
                    'columns', jsonb_build_array(scc.report_column('channel', 'Channel', 'text'),
                                                 scc.report_column('spend', 'Spend', 'cents'),
                                                 scc.report_column('gross', 'Gross', 'cents'),
                                                 scc.report_column('roas', 'ROAS', 'ratio')),
                    'rows', roas)),
            jsonb_build_object(
                'id', 'sequence', 'title', 'Channel sequence: Sailo, GetMyBoat, Viator/GetYourGuide',
                'figures', jsonb_build_array(
                    jsonb_build_object('id', 'next_channel', 'label', 'Next to open', 'value', next_ch, 'unit', 'text',
                                       'formula', 'the first channel of the sequence not live for the charter operation',
                                       'source', 'scc.channels, scc.channel_listings')),
                'table', jsonb_build_object(
                    'columns', jsonb_build_array(scc.report_column('step', 'Step', 'count'),
                                                 scc.report_column('channel', 'Channel', 'text'),
                                                 scc.report_column('status', 'Status', 'text'),
                                                 scc.report_column('listed_on', 'Listed on', 'date')),
                    'rows', seq)),
            jsonb_build_object(
                'id', 'seo', 'title', 'Local SEO tasks',
                'figures', jsonb_build_array(
                    scc.report_figure('seo_open', 'Open', seo_open, 'count', 'tasks not done', 'scc.seo_tasks'),
                    scc.report_figure('seo_done', 'Done in the period', seo_done, 'count',
                        'tasks done in the period', 'scc.seo_tasks')),
                'table', jsonb_build_object(
                    'columns', jsonb_build_array(scc.report_column('entity', 'Entity', 'text'),
                                                 scc.report_column('task', 'Task', 'text'),
                                                 scc.report_column('priority', 'Priority', 'text'),
                                                 scc.report_column('status', 'Status', 'text'),
                                                 scc.report_column('due_on', 'Due', 'date')),
                    'rows', seo)))
        || (c -> 'sections'),
        jsonb_build_object(
            'columns', jsonb_build_array('channel', 'bookings', 'gross_cents', 'commission_cents', 'fees_cents',
                                         'effective_commission', 'spend_cents', 'cac_cents', 'roas', 'visits',
                                         'inquiries', 'quotes', 'funnel_bookings'),
            'rows', rows_csv),
        t_book = 0 and t_spend = 0 and f_vis = 0 and coalesce((c ->> 'empty')::boolean, true));
end
$$;
comment on function scc_report.cmo(scc.report_span) is
    'the CMO report: visibility matrix, channel mix and effective commission, CAC, funnel, ROAS and MER, the marketplace sequence, local SEO, charter';
revoke all on function scc_report.cmo(scc.report_span) from public;
