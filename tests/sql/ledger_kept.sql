-- ledger_kept.sql — what 043_reports_faster.sql keeps for the reports
-- equals what it stands for after every kind of write:
--   * scc.ledger_days: per day, account and currency with lines, the sums
--     of the lines, and no row for a day without lines (many-row insert, an entry re-dated with its lines by cascade,
--     a line moved to another account, a delete); scc.ledger_sums over
--     spans of every shape (edges only, whole months with edges, starting
--     on a first, one day) equals the lines' own sums;
--   * scc.ledger_gap_bookings / scc.ledger_gap_entries: exactly the
--     completed bookings with no booking entry, and the entries that are
--     no booking's entry with their USD revenue, through writes on
--     bookings, entries, lines and accounts;
--   * scc.booking_days: per UTC day and channel, the bookings not
--     cancelled and their money (insert, cancel, re-date, channel moved,
--     restore, delete); scc.channel_sales equals 037's reading of the
--     bookings over periods in zones at :00, :30 and :45 offsets;
--   * scc.ledger_months_rebuild() gives the same rows for all of them.
-- Runs as the superuser inside a rolled-back transaction.
begin;
create extension if not exists pgtap;
select plan(41);

create function pg_temp.ent(slug text) returns bigint language sql as $$
    select id from scc.entities as e where e.slug = ent.slug
$$;
insert into scc.accounts (entity_id, code, name, type) values
    (pg_temp.ent('charter'), 'K1000', 'Cash', 'asset'), (pg_temp.ent('charter'), 'K4000', 'Revenue', 'revenue'),
    (pg_temp.ent('charter'), 'K4100', 'Other revenue', 'revenue'), (pg_temp.ent('charter'), 'K5000', 'Costs', 'expense');
create function pg_temp.acct(code text) returns bigint language sql as $$
    select id from scc.accounts where code = acct.code
$$;

-- the day sums against the lines: rows in one and not the other
create function pg_temp.days_diff() returns bigint language sql as $$
    with lines as (
        select l.posted_on as day, l.account_id, l.currency,
               coalesce(sum(l.amount_cents) filter (where l.amount_cents > 0), 0) as debit_cents,
               coalesce(-sum(l.amount_cents) filter (where l.amount_cents < 0), 0) as credit_cents,
               count(*) filter (where l.amount_cents > 0) as debit_lines, count(*) filter (where l.amount_cents < 0) as credit_lines
          from scc.journal_lines as l group by 1, 2, 3
    ), kept as (
        select day, account_id, currency, debit_cents, credit_cents, debit_lines, credit_lines
          from scc.ledger_days
    )
    select count(*) from ((select * from kept except select * from lines)
                          union all (select * from lines except select * from kept)) as d
$$;

-- ledger_sums against the lines over a span
create function pg_temp.sums_differ(a date, b date) returns boolean language sql as $$
    select (select coalesce(jsonb_object_agg(account_id, jsonb_build_array(net, debits, lines, debit_lines)), '{}')
              from scc.ledger_sums(a, b))
           is distinct from
           (select coalesce(jsonb_object_agg(account_id, jsonb_build_array(net, debits, lines, debit_lines)), '{}') from (
               select l.account_id, sum(l.amount_cents)::bigint as net, sum(greatest(l.amount_cents, 0))::bigint as debits,
                      count(*)::bigint as lines, count(*) filter (where l.amount_cents > 0)::bigint as debit_lines
                 from scc.journal_lines as l
                where l.currency = 'USD' and l.posted_on >= a and l.posted_on < b
                group by l.account_id) as x)
$$;

-- the kept gaps against their definitions: rows in one and not the other
create function pg_temp.gaps_diff() returns bigint language sql as $$
    with bk as (
        select b.id, b.sail_on from scc.bookings as b
         where b.status = 'completed'
           and not exists (select 1 from scc.journal_entries as e
                            where e.entity_id = b.entity_id and e.source = 'booking' and e.external_id = b.external_id)
    ), en as (
        select e.id, e.entity_id, e.posted_on, -sum(l.amount_cents) as revenue
          from scc.journal_entries as e
          join scc.journal_lines as l on l.entry_id = e.id and l.currency = 'USD'
          join scc.accounts as ac on ac.id = l.account_id and ac.type = 'revenue'
         where e.source <> 'booking'
            or not exists (select 1 from scc.bookings as b where b.entity_id = e.entity_id and b.external_id = e.external_id)
         group by e.id, e.entity_id, e.posted_on
    ), kb as (
        select booking_id, sail_on from scc.ledger_gap_bookings
    ), ke as (
        select entry_id, entity_id, posted_on, revenue_cents::numeric from scc.ledger_gap_entries
    )
    select (select count(*) from ((select * from bk except select * from kb) union all (select * from kb except select * from bk)) as d)
         + (select count(*) from ((select * from en except select * from ke) union all (select * from ke except select * from en)) as d)
$$;

-- an entry of the charter: lines [[code, cents, currency?], ...]
create function pg_temp.je(ext text, source text, posted date, lines jsonb) returns void language sql as $$
    with e as (
        insert into scc.journal_entries (entity_id, posted_on, memo, source, external_id)
        values (pg_temp.ent('charter'), posted, '', source, ext) returning id, entity_id, posted_on
    )
    insert into scc.journal_lines (entry_id, entity_id, posted_on, account_id, amount_cents, currency)
    select e.id, e.entity_id, e.posted_on, pg_temp.acct(l ->> 0), (l ->> 1)::bigint, coalesce(l ->> 2, 'USD')
      from e, jsonb_array_elements(lines) as l
$$;
create function pg_temp.bk(ext text, sail date, status text default 'completed') returns void language sql as $$
    insert into scc.bookings (entity_id, external_id, channel, sail_on, booked_at, status, cancellation_cause, gross_cents)
    values (pg_temp.ent('charter'), ext, 'direct', sail, sail - 10, status,
            case when status = 'cancelled' then 'weather' end, 100000)
$$;
create function pg_temp.gap_entry(ext text) returns bigint language sql as $$
    select g.revenue_cents from scc.ledger_gap_entries as g join scc.journal_entries as e on e.id = g.entry_id
     where e.external_id = ext
$$;
create function pg_temp.gap_booking(ext text) returns boolean language sql as $$
    select exists (select 1 from scc.ledger_gap_bookings as g join scc.bookings as b on b.id = g.booking_id
                    where b.external_id = ext)
$$;

-- ---------------------------------------------------------------------------
-- Day sums
-- ---------------------------------------------------------------------------

-- 90 entries over five months, two lines each, in two statements
insert into scc.journal_entries (entity_id, posted_on, memo, source, external_id)
select pg_temp.ent('charter'), date '2026-06-20' + (i * 3) / 2, '', 'test', 'KD' || i from generate_series(1, 90) as i;
insert into scc.journal_lines (entry_id, entity_id, posted_on, account_id, amount_cents, currency)
select e.id, e.entity_id, e.posted_on, pg_temp.acct(x.code), x.amount * (1 + e.id % 7), x.cur
  from scc.journal_entries as e
  cross join (values ('K1000', 1000, 'USD'), ('K5000', 300, 'USD'), ('K4000', -1300, 'USD')) as x (code, amount, cur)
 where e.source = 'test';
select is(pg_temp.days_diff(), 0::bigint, 'after a many-row insert the day sums are the lines''');
select ok((select count(*) from scc.ledger_days where account_id = pg_temp.acct('K1000'))
          = (select count(distinct posted_on) from scc.journal_lines where account_id = pg_temp.acct('K1000')),
          'one row per day, account and currency');

update scc.journal_entries set posted_on = posted_on + 33 where external_id in ('KD3', 'KD4', 'KD50');
select is(pg_temp.days_diff(), 0::bigint, 'entries re-dated (their lines follow by cascade)');

update scc.journal_lines set account_id = pg_temp.acct('K4100')
 where entry_id = (select id from scc.journal_entries where external_id = 'KD10') and account_id = pg_temp.acct('K4000');
select is(pg_temp.days_diff(), 0::bigint, 'a line moved to another account');

delete from scc.journal_entries where external_id in ('KD20', 'KD21', 'KD22');
select is(pg_temp.days_diff(), 0::bigint, 'entries deleted (their lines by cascade)');

select pg_temp.je('KD-EUR', 'test', '2026-08-15', '[["K1000", 500, "EUR"], ["K4000", -500, "EUR"]]');
select is(pg_temp.days_diff(), 0::bigint, 'another currency has rows of its own');

select is((select count(*) from (select a::date as a, a::date + n as b from generate_series(date '2026-06-01', date '2026-12-31', interval '3 days') as a,
                                                          unnest(array[1, 2, 9, 29, 31, 45, 70, 200]) as n) as s
            where pg_temp.sums_differ(s.a, s.b)), 0::bigint,
          'ledger_sums equals the lines'' USD sums over 576 spans (one day to whole months with edges)');
select ok(not pg_temp.sums_differ('0001-01-01', '2026-09-17'), 'ledger_sums from the beginning to a day inside a month');
select ok(not pg_temp.sums_differ('2026-07-01', '2026-09-01'), 'ledger_sums over whole months only');

-- ---------------------------------------------------------------------------
-- Revenue-tracking gaps
-- ---------------------------------------------------------------------------

select is(pg_temp.gaps_diff(), 0::bigint, 'the test entries (no booking) are gap entries with their revenue');
select is(pg_temp.gap_entry('KD1'), (select -sum(amount_cents)::bigint from scc.journal_lines as l join scc.journal_entries as e
                                       on e.id = l.entry_id where e.external_id = 'KD1' and l.account_id = pg_temp.acct('K4000')),
          'a gap entry''s revenue is credits - debits of its revenue lines');
select is(pg_temp.gap_entry('KD-EUR'), null, 'an entry with revenue only in EUR is no gap entry');

select pg_temp.bk('KB1', '2026-10-05');
select ok(pg_temp.gap_booking('KB1'), 'a completed booking without an entry is a gap');
select pg_temp.je('KB1', 'booking', '2026-10-05', '[["K1000", 100000], ["K4000", -100000]]');
select ok(not pg_temp.gap_booking('KB1'), 'its booking entry closes the gap');
select is(pg_temp.gap_entry('KB1'), null, 'and that entry is no gap either');
select is(pg_temp.gaps_diff(), 0::bigint, 'kept = defined');

select pg_temp.je('KB2', 'booking', '2026-10-06', '[["K1000", 70000], ["K4000", -70000]]');
select is(pg_temp.gap_entry('KB2'), 70000::bigint, 'a booking entry without its booking is a gap');
select pg_temp.bk('KB2', '2026-10-06');
select is(pg_temp.gap_entry('KB2'), null, 'the booking arriving after its entry closes it');
select ok(not pg_temp.gap_booking('KB2'), 'the booking has its entry');

update scc.bookings set external_id = 'KB2-renamed' where external_id = 'KB2';
select ok(pg_temp.gap_entry('KB2') = 70000 and pg_temp.gap_booking('KB2-renamed'),
          'a booking''s key changed: its old entry and the booking are both gaps');
update scc.bookings set external_id = 'KB2' where external_id = 'KB2-renamed';
select is(pg_temp.gaps_diff(), 0::bigint, 'changed back: kept = defined');

update scc.journal_entries set source = 'manual' where external_id = 'KB1';
select ok(pg_temp.gap_entry('KB1') = 100000 and pg_temp.gap_booking('KB1'),
          'an entry''s source changed from booking: it and its booking are gaps');
update scc.journal_entries set source = 'booking' where external_id = 'KB1';

select pg_temp.bk('KB3', '2026-10-07');
update scc.bookings set status = 'cancelled', cancellation_cause = 'weather' where external_id = 'KB3';
select ok(not pg_temp.gap_booking('KB3'), 'a cancelled booking is no gap');
update scc.bookings set status = 'completed', cancellation_cause = null, sail_on = '2026-10-09' where external_id = 'KB3';
select is((select g.sail_on from scc.ledger_gap_bookings as g join scc.bookings as b on b.id = g.booking_id
            where b.external_id = 'KB3'), '2026-10-09'::date, 'completed again and re-dated: the gap row follows');

update scc.journal_lines set amount_cents = amount_cents * 2
 where entry_id = (select id from scc.journal_entries where external_id = 'KD1');
select is(pg_temp.gaps_diff(), 0::bigint, 'a line''s amount changed: the gap''s revenue follows');
update scc.journal_lines set account_id = pg_temp.acct('K5000')
 where entry_id = (select id from scc.journal_entries where external_id = 'KD2') and account_id = pg_temp.acct('K4000');
select is(pg_temp.gap_entry('KD2'), null, 'an entry whose revenue line moved to an expense account is no gap');

update scc.accounts set type = 'expense' where id = pg_temp.acct('K4100');
select is(pg_temp.gap_entry('KD10'), null, 'an account no longer revenue: its entries leave the gaps');
update scc.accounts set type = 'revenue' where id = pg_temp.acct('K4100');
select ok(pg_temp.gap_entry('KD10') is not null, 'revenue again: back');

delete from scc.bookings where external_id = 'KB2';
select is(pg_temp.gap_entry('KB2'), 70000::bigint, 'a booking deleted: its entry is a gap');
delete from scc.journal_entries where external_id = 'KB1';
select ok(pg_temp.gap_booking('KB1'), 'an entry deleted: its booking is a gap');
select is(pg_temp.gaps_diff(), 0::bigint, 'kept = defined after every kind of write');

-- the CEO reads them: October 2026, charter entity
select is((select f -> 'value' from jsonb_array_elements(scc_report.ceo(scc.report_period('2026-10', 'UTC')) -> 'sections') as s,
                                    jsonb_array_elements(s -> 'figures') as f
            where s ->> 'id' = 'revenue_gaps' and f ->> 'id' = 'bookings_without_entry'),
          '2'::jsonb,
          'the CEO''s bookings without an entry are the period''s gap rows (KB1, KB3)');

-- ---------------------------------------------------------------------------
-- The channels' sales by UTC day
-- ---------------------------------------------------------------------------

create function pg_temp.booking_days_diff() returns bigint language sql as $$
    with defined as (
        select (b.booked_at at time zone 'UTC')::date as day, b.channel, count(*) as bookings, sum(b.gross_cents) as gross,
               sum(b.commission_cents) as commission, sum(b.fees_cents) as fees
          from scc.bookings as b where b.status <> 'cancelled' group by 1, 2
    ), kept as (
        select day, channel, bookings, gross_cents::numeric, commission_cents::numeric, fees_cents::numeric from scc.booking_days
    )
    select count(*) from ((select * from defined except select * from kept) union all (select * from kept except select * from defined)) as d
$$;
-- 037's channel_sales, the bookings read whole
create function pg_temp.sales_037(p scc.report_span) returns jsonb language sql as $$
    with i as (select from_at, until_at from scc.report_instants(p))
    select coalesce(jsonb_agg(jsonb_build_array(c.slug, coalesce(b.n, 0)::int, coalesce(b.gross, 0)::bigint,
                                                coalesce(b.commission, 0)::bigint, coalesce(b.fees, 0)::bigint) order by c.slug), '[]')
      from scc.channels as c
      left join (select x.channel, count(*) as n, sum(x.gross_cents) as gross,
                        sum(x.commission_cents) as commission, sum(x.fees_cents) as fees
                   from scc.bookings as x, i
                  where x.status <> 'cancelled' and x.booked_at >= i.from_at and x.booked_at < i.until_at
                  group by x.channel) as b on b.channel = c.slug
$$;
create function pg_temp.sales_now(p scc.report_span) returns jsonb language sql as $$
    select coalesce(jsonb_agg(jsonb_build_array(s.slug, s.bookings, s.gross, s.commission, s.fees) order by s.slug), '[]')
      from scc.channel_sales(p) as s
$$;

-- 400 bookings over four months at every hour, five channels, some cancelled
insert into scc.bookings (entity_id, external_id, channel, sail_on, booked_at, status, cancellation_cause, gross_cents,
                          commission_cents, fees_cents)
select pg_temp.ent('charter'), 'KS' || i, (array['direct', 'sailo', 'getmyboat', 'viator', 'getyourguide'])[1 + i % 5],
       date '2026-12-01', timestamptz '2026-08-01 00:00+00' + i * interval '7 hours 13 minutes',
       case when i % 9 = 0 then 'cancelled' else 'confirmed' end, case when i % 9 = 0 then 'customer' end,
       10000 + i * 37, i * 5, i % 3 * 100
  from generate_series(1, 400) as i;
select is(pg_temp.booking_days_diff(), 0::bigint, 'after a many-row insert the bookings by day are the bookings''');
update scc.bookings set status = 'cancelled', cancellation_cause = 'weather' where external_id in ('KS10', 'KS11', 'KS12');
update scc.bookings set booked_at = booked_at + interval '3 days', channel = 'viator', gross_cents = gross_cents + 1
 where external_id in ('KS20', 'KS21', 'KS22', 'KS23');
update scc.bookings set status = 'confirmed', cancellation_cause = null where external_id = 'KS18';
delete from scc.bookings where external_id in ('KS30', 'KS31');
select is(pg_temp.booking_days_diff(), 0::bigint, 'cancelled, re-dated, moved to another channel, restored, deleted');
select is((select count(*) from scc.booking_days where bookings <= 0), 0::bigint, 'no row without a booking');
select is((select count(*)
             from generate_series(timestamp '2026-07-29', timestamp '2026-12-05', interval '5 days') as a,
                  unnest(array[0, 1, 2, 30, 61]) as n,
                  unnest(array['UTC', 'America/Los_Angeles', 'Asia/Kolkata', 'Asia/Kathmandu']) as z,
                  lateral scc.report_period(to_char(a, 'YYYY-MM-DD') || '..' || to_char(a::date + n, 'YYYY-MM-DD'), z) as p
            where pg_temp.sales_037(p) is distinct from pg_temp.sales_now(p)), 0::bigint,
          'channel_sales equals the bookings read whole over 520 periods in four zones (offsets of :30 and :45 too)');
select ok(pg_temp.sales_now(scc.report_period('2026-09', 'America/Los_Angeles')) <> pg_temp.sales_037(scc.report_period('2026-10', 'UTC')),
          'and the periods are not all alike');

-- ---------------------------------------------------------------------------
-- The rebuild
-- ---------------------------------------------------------------------------

create temp table kept_days as select * from scc.ledger_days;
create temp table kept_gb as select * from scc.ledger_gap_bookings;
create temp table kept_ge as select * from scc.ledger_gap_entries;
create temp table kept_bd as select * from scc.booking_days;
select ok(scc.ledger_months_rebuild() > 0, 'the rebuild returns the month sums'' rows');
select is((select count(*) from ((select * from kept_days except select * from scc.ledger_days)
                                 union all (select * from scc.ledger_days except select * from kept_days)) as d),
          0::bigint, 'the rebuild gives the day sums the triggers kept');
select is((select count(*) from ((select * from kept_gb except select * from scc.ledger_gap_bookings)
                                 union all (select * from scc.ledger_gap_bookings except select * from kept_gb)) as d)
          + (select count(*) from ((select * from kept_ge except select * from scc.ledger_gap_entries)
                                   union all (select * from scc.ledger_gap_entries except select * from kept_ge)) as d),
          0::bigint, 'and the gaps the triggers kept');
select is((select count(*) from ((select * from kept_bd except select * from scc.booking_days)
                                 union all (select * from scc.booking_days except select * from kept_bd)) as d),
          0::bigint, 'and the bookings by day');

select * from finish();
rollback;
