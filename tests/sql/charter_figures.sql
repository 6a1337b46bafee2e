-- charter_figures.sql — 044's charter figures on a fixture computed by hand:
-- available boat-days net of boat blocks (a block over part of the period,
-- two overlapping blocks, blocks across either edge of the period, a block
-- of an inactive boat, a period across the spring daylight-saving change),
-- blocked boat-days by cause, a boat-day sailed while blocked, all days
-- blocked (utilisation and per-boat-day n/a), and revenue per booking and
-- per available boat-day with a cancelled, a confirmed, a partly refunded
-- and a wholly refunded booking.  CEO, CFO and CMO carry the new figures.
-- Runs as the superuser inside a rolled-back transaction.
begin;
create extension if not exists pgtap;
select plan(14);
set constraints all immediate;

-- March 2026 in Los Angeles: 31 days, clocks forward on 8 March.  Boats A
-- and B active, C not.  Blocks ([starts_on, ends_on), whole local days):
--   A maintenance 5..8 March: 5, 6, 7                      maintenance 3
--   A weather 7..10 March: 7 (already maintenance), 8, 9  weather 2
--   B owner 25 February..3 March: 1, 2 (clipped)           owner 2
--   B weather 30 March..5 April: 30, 31 (clipped)          weather 2
--   C maintenance 10..20 March: C is not active            nothing
-- Blocked 3 + 2 + 2 + 2 = 9; available 2 x 31 - 9 = 53.
-- Sailed: A 3 March, A 6 March (a blocked day: not in utilisation), B 15
-- March: sailed boat-days 3; utilisation 2 / 53 = 0.0377.
insert into scc.boats (id, name, port_name, port_lat, port_lon, time_zone, guest_capacity, crew_min, crew_max, active)
values ('00000000-0000-4000-8000-00000000cb0a', 'Alpha', 'Shelter Island', 32.71, -117.23, 'America/Los_Angeles', 6, 0, 3, true),
       ('00000000-0000-4000-8000-00000000cb0b', 'Bravo', 'Shelter Island', 32.71, -117.23, 'America/Los_Angeles', 6, 0, 3, true),
       ('00000000-0000-4000-8000-00000000cb0c', 'Charlie', 'Shelter Island', 32.71, -117.23, 'America/Los_Angeles', 6, 0, 3, false);
update scc.boats set active = false
 where id not in ('00000000-0000-4000-8000-00000000cb0a', '00000000-0000-4000-8000-00000000cb0b');
insert into scc.boat_blocks (boat_id, external_id, kind, starts_on, ends_on) values
    ('00000000-0000-4000-8000-00000000cb0a', 'A-M1', 'maintenance', '2026-03-05', '2026-03-08'),
    ('00000000-0000-4000-8000-00000000cb0a', 'A-W1', 'weather', '2026-03-07', '2026-03-10'),
    ('00000000-0000-4000-8000-00000000cb0b', 'B-O1', 'owner', '2026-02-25', '2026-03-03'),
    ('00000000-0000-4000-8000-00000000cb0b', 'B-W1', 'weather', '2026-03-30', '2026-04-05'),
    ('00000000-0000-4000-8000-00000000cb0c', 'C-M1', 'maintenance', '2026-03-10', '2026-03-20');
insert into scc.events (id, boat_id, title, departure_at, return_at, time_zone, crew_min, crew_max, guest_max, state)
values ('00000000-0000-4000-8000-0000000ce001', '00000000-0000-4000-8000-00000000cb0a', 'C1',
        '2026-03-03 10:00'::timestamp at time zone 'America/Los_Angeles',
        '2026-03-03 14:00'::timestamp at time zone 'America/Los_Angeles', 'America/Los_Angeles', 0, 2, 6, 'closed'),
       ('00000000-0000-4000-8000-0000000ce002', '00000000-0000-4000-8000-00000000cb0a', 'C2',
        '2026-03-06 10:00'::timestamp at time zone 'America/Los_Angeles',
        '2026-03-06 14:00'::timestamp at time zone 'America/Los_Angeles', 'America/Los_Angeles', 0, 2, 6, 'closed'),
       ('00000000-0000-4000-8000-0000000ce003', '00000000-0000-4000-8000-00000000cb0b', 'C3',
        '2026-03-15 10:00'::timestamp at time zone 'America/Los_Angeles',
        '2026-03-15 14:00'::timestamp at time zone 'America/Los_Angeles', 'America/Los_Angeles', 0, 2, 6, 'returned');

-- Bookings (cents), sail date in March unless said:
--   K1 completed 3 March: gross 100000, fees 3000                  revenue 100000, net 97000
--   K2 completed 15 March: gross 60000, commission 9000, fees 1000, refunds 20000
--                                                                  revenue  40000, net 30000
--   K3 completed 20 March, wholly refunded: gross 30000, refunds 30000   revenue 0, net 0
--   K4 cancelled 20 March (weather): gross 50000, refunds 50000    not counted
--   K5 confirmed 25 March: gross 80000                             not sailed, not counted
--   K6 completed 1 April: gross 90000                              outside
-- Bookings sailed 3; revenue 140000, net 127000; per booking 46667 and
-- 42333; per available boat-day 140000 / 53 = 2642, 127000 / 53 = 2396.
insert into scc.bookings (entity_id, external_id, channel, sail_on, booked_at, status, cancellation_cause,
                          gross_cents, commission_cents, fees_cents, refunds_cents)
select n.id, k.x, k.ch, k.d::date, '2026-01-10 12:00+00', k.st, k.cause, k.g, k.c, k.f, k.r
  from scc.entities as n,
       (values ('K1', 'direct', '2026-03-03', 'completed', null, 100000, 0, 3000, 0),
               ('K2', 'sailo', '2026-03-15', 'completed', null, 60000, 9000, 1000, 20000),
               ('K3', 'direct', '2026-03-20', 'completed', null, 30000, 0, 0, 30000),
               ('K4', 'getmyboat', '2026-03-20', 'cancelled', 'weather', 50000, 0, 0, 50000),
               ('K5', 'direct', '2026-03-25', 'confirmed', null, 80000, 0, 0, 0),
               ('K6', 'direct', '2026-04-01', 'completed', null, 90000, 0, 0, 0))
       as k (x, ch, d, st, cause, g, c, f, r)
 where n.slug = 'charter';

create function pg_temp.fig(r jsonb, id text) returns text language sql as $f$
    select coalesce(f ->> 'value', 'null') || ' ' || (f ->> 'unit')
      from jsonb_array_elements(r -> 'sections') as s, jsonb_array_elements(s -> 'figures') as f
     where f ->> 'id' = id
$f$;
create temporary table rep as select scc_report.charter_figures(scc.report_period('2026-03', 'America/Los_Angeles')) as r;

select is(pg_temp.fig(r, 'blocked_boat_days') || ', ' || pg_temp.fig(r, 'available_boat_days'),
          '9 days, 53 days', 'blocked 9 (overlap once, clipped at both edges, inactive boat left out); available 62 - 9') from rep;
select is((select s -> 'table' -> 'rows' from jsonb_array_elements(r -> 'sections') as s where s ->> 'id' = 'charter_blocks'),
          '[["maintenance", 3], ["owner", 2], ["weather", 4]]'::jsonb,
          'blocked boat-days by cause: the day under two blocks counted once, under maintenance') from rep;
select is(pg_temp.fig(r, 'blocked_maintenance') || ', ' || pg_temp.fig(r, 'blocked_owner') || ', '
          || pg_temp.fig(r, 'blocked_weather'),
          '3 days, 2 days, 4 days', 'the causes as figures') from rep;
select is(pg_temp.fig(r, 'sailed_boat_days') || ', ' || pg_temp.fig(r, 'utilisation'),
          '3 days, 0.0377 ratio', 'utilisation 2 / 53: the boat-day sailed while blocked is not counted') from rep;
select is(pg_temp.fig(r, 'bookings_sailed') || ', ' || pg_temp.fig(r, 'charter_revenue'),
          '3 count, 140000 cents', 'bookings completed in the period (cancelled and confirmed left out), gross - refunds') from rep;
select is(pg_temp.fig(r, 'revenue_per_booking') || ', ' || pg_temp.fig(r, 'net_revenue_per_booking'),
          '46667 cents, 42333 cents', 'revenue per booking 140000 / 3, net 127000 / 3') from rep;
select is(pg_temp.fig(r, 'revenue_per_available_boat_day') || ', ' || pg_temp.fig(r, 'net_revenue_per_available_boat_day'),
          '2642 cents, 2396 cents', 'per available boat-day 140000 / 53, net 127000 / 53') from rep;

-- the range 7..9 March (across the change of 8 March, a 23-hour day): A is
-- blocked on each day; with B inactive no boat-day is available
update scc.boats set active = false where id = '00000000-0000-4000-8000-00000000cb0b';
select is(pg_temp.fig(r, 'available_boat_days') || ', ' || pg_temp.fig(r, 'blocked_boat_days') || ', '
          || pg_temp.fig(r, 'utilisation') || ', ' || pg_temp.fig(r, 'revenue_per_available_boat_day') || ', '
          || pg_temp.fig(r, 'revenue_per_booking'),
          '0 days, 3 days, null ratio, null cents, null cents', 'all days blocked: utilisation and per boat-day n/a, no booking n/a')
  from (select scc_report.charter_figures(scc.report_period('2026-03-07..2026-03-09', 'America/Los_Angeles')) as r) as x;
select is(pg_temp.fig(r, 'available_boat_days') || ', ' || pg_temp.fig(r, 'blocked_boat_days'),
          '1 days, 2 days', 'the change of 8 March counts whole days: 8 and 9 blocked, 10 free')
  from (select scc_report.charter_figures(scc.report_period('2026-03-08..2026-03-10', 'America/Los_Angeles')) as r) as x;
select is(pg_temp.fig(r, 'revenue_per_booking') || ', ' || pg_temp.fig(r, 'net_revenue_per_booking'),
          '0 cents, 0 cents', 'a wholly refunded sailing earns 0 and still counts as a booking')
  from (select scc_report.charter_figures(scc.report_period('2026-03-20..2026-03-20', 'America/Los_Angeles')) as r) as x;

-- the same figures in the reports that carry the charter
update scc.boats set active = true where id = '00000000-0000-4000-8000-00000000cb0b';
select is((select array_agg(k.k order by k.k)
             from unnest(array['ceo', 'cto', 'accounting', 'cmo', 'cfo', 'rental', 'delivery', 'portfolio']) as k(k)
            where exists (select 1 from jsonb_array_elements(scc_report.run(k.k, scc.report_period('2026-03', 'America/Los_Angeles'))
                                                             -> 'sections') as s
                           where s ->> 'id' = 'charter_blocks')),
          array['ceo', 'cfo', 'cmo'], 'CEO, CFO and CMO carry the blocks by cause');
select is(pg_temp.fig(scc_report.run('ceo', scc.report_period('2026-03', 'America/Los_Angeles')), 'revenue_per_available_boat_day'),
          '2642 cents', 'the CEO report shows revenue per available boat-day');
select ok(not has_function_privilege('scc_web', 'scc.report_blocked_days(scc.report_span)', 'execute')
          and not has_function_privilege('scc_worker', 'scc.report_blocked_days(scc.report_span)', 'execute'),
          'the blocked days are read through the reports only');
select ok((select p.proconfig @> array['jit=off'] from pg_proc as p
            where p.oid = 'scc_report.charter_figures(scc.report_span)'::regprocedure),
          'charter_figures keeps 039''s jit = off');

select * from finish();
rollback;
