-- 044_charter_figures.sql — issue 11's charter figures complete: available
-- boat-days net of boat blocks (034's scc.boat_blocks: maintenance, owner,
-- weather), blocked boat-days by cause, revenue per booking and per
-- available boat-day (gross and net) from 034's scc.bookings.  Redefines
-- 033's scc_report.charter_figures(p) with the same signature and every key
-- it answered before (CEO, CFO and CMO append its sections, so the new
-- figures appear there without changing them).  Formulas: sql/README.md
-- ("Report formulas (charter ...)").
--
-- Decisions:
--   - a block is whole local dates [starts_on, ends_on) of the boat; a
--     closure over part of a day is recorded as the whole day or not at
--     all, so a boat-day is either blocked or available.  Block dates and
--     the period's days are both calendar dates (the period's in its zone),
--     compared as dates: a change of daylight saving changes no count;
--   - a (boat, day) under two blocks counts once, under the first cause in
--     the order maintenance, owner, weather; only active boats' blocks count
--     (inactive boats have no available days to lose);
--   - utilisation's numerator leaves out sailed boat-days that fall on a
--     blocked day or belong to an inactive boat, so it stays within 0..1;
--   - revenue is of bookings completed with their sail date in the period
--     (recognised at the sail date, as the accounting report does):
--     gross - refunds; net also less commission and fees.  Confirmed
--     bookings have not sailed and cancelled ones have no sailing; a
--     cancelled booking's kept amount is not a charter's revenue.

-- scc.report_blocked_days(p): each (active boat, day) of [starts, ends)
-- inside a block, once, with the first of its causes (maintenance, owner,
-- weather).
create function scc.report_blocked_days(p scc.report_span)
returns table (boat_id uuid, day date, kind text)
language sql
stable
as $$
    select distinct on (k.boat_id, d.day) k.boat_id, d.day::date, k.kind
      from scc.boat_blocks as k
      join scc.boats as b on b.id = k.boat_id and b.active
     cross join lateral generate_series(greatest(k.starts_on, p.starts)::timestamp,
                                        (least(k.ends_on, p.ends) - 1)::timestamp,
                                        interval '1 day') as d (day)
     where k.starts_on < p.ends and k.ends_on > p.starts
     order by k.boat_id, d.day, array_position(array['maintenance', 'owner', 'weather'], k.kind)
$$;
comment on function scc.report_blocked_days(scc.report_span) is
    'each active boat''s blocked days inside a period, once, with the first cause of maintenance, owner, weather';
revoke all on function scc.report_blocked_days(scc.report_span) from public;

-- scc_report.charter_figures(p): as 033 states it, with available
-- boat-days = active boats x days - blocked boat-days; utilisation = sailed
-- boat-days of active boats on days not blocked / available boat-days;
-- blocked boat-days by cause (a section 'charter_blocks' with a table and a
-- bar chart); bookings sailed, charter revenue, revenue per booking and per
-- available boat-day, gross of commission and net of it (null when the
-- denominator is zero).
create or replace function scc_report.charter_figures(p scc.report_span)
returns jsonb
language plpgsql
stable
security definer
set search_path = pg_catalog, scc
set jit = off
as $$
declare
    days     int := p.ends - p.starts;
    n_boats  int;
    n_events int;
    n_live   int;
    n_sailed int;
    n_cancel int;
    bd_sail  int;
    crew_f   int;
    crew_m   int;
    capt_un  int;
    guests   int;
    v_valid  int;
    v_man    int;
    by_state jsonb;
    causes   jsonb;
    trend    jsonb;
    rows_csv jsonb;
    by_day   boolean := p.grain = 'month' or (p.grain = 'range' and p.ends - p.starts <= 62);
    bd_block int;
    bd_avail int;
    bd_use   int;
    blocks   jsonb;
    n_book   int;
    rev      bigint;
    rev_net  bigint;
begin
    select count(*)::int into n_boats from scc.boats as b where b.active;

    -- the active boats' blocked days inside the period, each (boat, day)
    -- once, under the first of its causes in the order maintenance, owner,
    -- weather (so the causes add up to the total)
    select coalesce(sum(x.n), 0)::int,
           jsonb_agg(jsonb_build_array(k.kind, coalesce(x.n, 0)) order by k.o)
      into bd_block, blocks
      from unnest(array['maintenance', 'owner', 'weather']) with ordinality as k (kind, o)
      left join (select d.kind, count(*)::int as n
                   from scc.report_blocked_days(p) as d
                  group by d.kind) as x on x.kind = k.kind;
    bd_avail := n_boats * days - bd_block;

    -- sailed boat-days on days not blocked (a boat that sailed on a day it
    -- was blocked does not count against the days it was available)
    select count(*)::int into bd_use
      from (select distinct x.boat_id, d.day::date as day
              from scc.report_charter_events(p) as x
              join scc.boats as b on b.id = x.boat_id and b.active
             cross join lateral generate_series(greatest(x.dep_day, p.starts)::timestamp,
                                                least(x.ret_day, p.ends - 1)::timestamp,
                                                interval '1 day') as d (day)
             where x.state in ('underway', 'returned', 'closed')) as s
     where not exists (select 1 from scc.report_blocked_days(p) as k
                        where k.boat_id = s.boat_id and k.day = s.day);

    -- bookings completed with their sail date in the period (cancelled and
    -- confirmed ones earn nothing yet); revenue = gross - refunds, net also
    -- less the channel's commission and fees
    select count(*)::int, coalesce(sum(b.gross_cents - b.refunds_cents), 0)::bigint,
           coalesce(sum(b.gross_cents - b.refunds_cents - b.commission_cents - b.fees_cents), 0)::bigint
      into n_book, rev, rev_net
      from scc.bookings as b
     where b.status = 'completed' and b.sail_on >= p.starts and b.sail_on < p.ends;

    select count(*)::int,
           count(*) filter (where state <> 'draft')::int,
           count(*) filter (where state in ('underway', 'returned', 'closed'))::int,
           count(*) filter (where state = 'cancelled')::int,
           coalesce(sum(least(crew_filled, crew_max)) filter (where state in ('scheduled', 'boarding', 'underway', 'returned', 'closed')), 0)::int,
           coalesce(sum(crew_max) filter (where state in ('scheduled', 'boarding', 'underway', 'returned', 'closed')), 0)::int,
           count(*) filter (where state in ('scheduled', 'boarding', 'underway', 'returned', 'closed') and captain_filled = 0)::int,
           coalesce(sum(guests_filled) filter (where state in ('underway', 'returned', 'closed')), 0)::int,
           coalesce(sum(w_valid), 0)::int, coalesce(sum(w_manifested), 0)::int
      into n_events, n_live, n_sailed, n_cancel, crew_f, crew_m, capt_un, guests, v_valid, v_man
      from scc.report_charter_events(p);

    select count(distinct (x.boat_id, d.day))::int into bd_sail
      from scc.report_charter_events(p) as x
      cross join lateral generate_series(greatest(x.dep_day, p.starts), least(x.ret_day, p.ends - 1),
                                         interval '1 day') as d (day)
     where x.state in ('underway', 'returned', 'closed');

    select jsonb_agg(jsonb_build_array(s.state, coalesce(c.n, 0)) order by s.n)
      into by_state
      from unnest(array['draft', 'scheduled', 'boarding', 'underway', 'returned', 'closed', 'cancelled'])
           with ordinality as s (state, n)
      left join (select state, count(*)::int as n from scc.report_charter_events(p) group by state) as c on c.state = s.state;

    select coalesce(jsonb_agg(jsonb_build_array(cancel_reason, n) order by n desc, cancel_reason), '[]')
      into causes
      from (select cancel_reason, count(*)::int as n from scc.report_charter_events(p)
             where state = 'cancelled' group by cancel_reason) as c;

    select jsonb_agg(jsonb_build_object('label', to_char(b.b, case when by_day then 'YYYY-MM-DD' else 'YYYY-MM' end),
                                        'value', (select count(*) from scc.report_charter_events(p) as x
                                                   where x.state in ('underway', 'returned', 'closed')
                                                     and x.dep_day >= b.b::date
                                                     and x.dep_day < (b.b + case when by_day then interval '1 day'
                                                                                 else interval '1 month' end)::date))
                     order by b.b)
      into trend
      from generate_series(case when by_day then p.starts::timestamp else date_trunc('month', p.starts::timestamp) end,
                           (p.ends - 1)::timestamp,
                           case when by_day then interval '1 day' else interval '1 month' end) as b (b);

    select coalesce(jsonb_agg(jsonb_build_array(to_char(x.dep_day, 'YYYY-MM-DD'), x.boat, x.title, x.state,
                                                x.captain_filled, x.crew_filled, x.crew_max, x.guests_filled,
                                                x.w_valid, x.w_manifested, x.cancel_reason)
                              order by x.dep_day, x.boat, x.title, x.id), '[]')
      into rows_csv
      from scc.report_charter_events(p) as x;

    return jsonb_build_object(
        'empty', n_events = 0,
        'sections', jsonb_build_array(
            jsonb_build_object(
                'id', 'charter', 'title', 'Charter operations',
                'figures', jsonb_build_array(
                    scc.report_figure('events', 'Events', n_events, 'count',
                        'events departing in the period, every state', 'scc.events'),
                    scc.report_figure('events_sailed', 'Events sailed', n_sailed, 'count',
                        'events departing in the period now underway, returned or closed', 'scc.events'),
                    scc.report_figure('events_cancelled', 'Cancellations', n_cancel, 'count',
                        'events departing in the period that were cancelled', 'scc.events'),
                    scc.report_figure('cancellation_rate', 'Cancellation rate',
                        scc.report_ratio(n_cancel, n_live), 'ratio',
                        'cancelled / events not draft', 'scc.events'),
                    scc.report_figure('available_boat_days', 'Available boat-days', bd_avail, 'days',
                        'active boats x days in the period - blocked boat-days', 'scc.boats, scc.boat_blocks'),
                    scc.report_figure('blocked_boat_days', 'Blocked boat-days', bd_block, 'days',
                        'distinct (active boat, day) of the period inside a maintenance, owner or weather block',
                        'scc.boat_blocks'),
                    scc.report_figure('sailed_boat_days', 'Sailed boat-days', bd_sail, 'days',
                        'distinct boat and local day from departure to return, of events sailed, inside the period',
                        'scc.events'),
                    scc.report_figure('utilisation', 'Utilisation',
                        scc.report_ratio(bd_use, bd_avail), 'ratio',
                        'sailed boat-days of active boats on days not blocked / available boat-days',
                        'scc.events, scc.boats, scc.boat_blocks'),
                    scc.report_figure('bookings_sailed', 'Bookings sailed', n_book, 'count',
                        'bookings completed with their sail date in the period', 'scc.bookings'),
                    scc.report_figure('charter_revenue', 'Charter revenue', rev, 'cents',
                        'gross - refunds of those bookings', 'scc.bookings'),
                    scc.report_figure('revenue_per_booking', 'Revenue per booking', round(scc.report_ratio(rev, n_book)), 'cents',
                        '(gross - refunds) / bookings sailed', 'scc.bookings'),
                    scc.report_figure('net_revenue_per_booking', 'Net revenue per booking',
                        round(scc.report_ratio(rev_net, n_book)), 'cents',
                        '(gross - refunds - commission - fees) / bookings sailed', 'scc.bookings'),
                    scc.report_figure('revenue_per_available_boat_day', 'Revenue per available boat-day',
                        round(scc.report_ratio(rev, bd_avail)), 'cents',
                        '(gross - refunds) of bookings sailed / available boat-days', 'scc.bookings, scc.boat_blocks'),
                    scc.report_figure('net_revenue_per_available_boat_day', 'Net revenue per available boat-day',
                        round(scc.report_ratio(rev_net, bd_avail)), 'cents',
                        '(gross - refunds - commission - fees) of bookings sailed / available boat-days',
                        'scc.bookings, scc.boat_blocks'),
                    scc.report_figure('crew_fill_rate', 'Crew fill rate', scc.report_ratio(crew_f, crew_m), 'ratio',
                        'filled crew places (at most crew_max) / crew_max, events scheduled to closed',
                        'scc.event_roles'),
                    scc.report_figure('captain_seats_unfilled', 'Captain seats unfilled', capt_un, 'count',
                        'events scheduled to closed without a claimed, designated or confirmed captain',
                        'scc.event_roles'),
                    scc.report_figure('guests_carried', 'Guests carried', guests, 'count',
                        'filled guest places of events sailed', 'scc.event_roles'),
                    scc.report_figure('waiver_completion', 'Waiver completion', scc.report_ratio(v_valid, v_man), 'ratio',
                        'valid / manifested guests at departure, summed over the events', 'scc.waiver_completion')),
                'table', jsonb_build_object(
                    'columns', jsonb_build_array(jsonb_build_object('id', 'state', 'label', 'State', 'unit', 'text'),
                                                 jsonb_build_object('id', 'events', 'label', 'Events', 'unit', 'count')),
                    'rows', by_state),
                'chart', jsonb_build_object(
                    'type', 'bar', 'title', 'Events by state', 'unit', 'count',
                    'bars', (select jsonb_agg(jsonb_build_object('label', r ->> 0, 'value', (r ->> 1)::int))
                               from jsonb_array_elements(by_state) as r))),
            jsonb_build_object(
                'id', 'charter_blocks', 'title', 'Boat-days blocked by cause',
                'figures', jsonb_build_array(
                    scc.report_figure('blocked_maintenance', 'Maintenance', (blocks -> 0 ->> 1)::int, 'days',
                        'blocked boat-days under maintenance', 'scc.boat_blocks'),
                    scc.report_figure('blocked_owner', 'Owner use', (blocks -> 1 ->> 1)::int, 'days',
                        'blocked boat-days for the owner''s use, not under maintenance', 'scc.boat_blocks'),
                    scc.report_figure('blocked_weather', 'Weather', (blocks -> 2 ->> 1)::int, 'days',
                        'blocked boat-days for weather, not under maintenance or owner use', 'scc.boat_blocks')),
                'table', jsonb_build_object(
                    'columns', jsonb_build_array(scc.report_column('cause', 'Cause', 'text'),
                                                 scc.report_column('boat_days', 'Boat-days', 'days')),
                    'rows', blocks),
                'chart', jsonb_build_object(
                    'type', 'bar', 'title', 'Blocked boat-days by cause', 'unit', 'days',
                    'bars', (select jsonb_agg(jsonb_build_object('label', r ->> 0, 'value', (r ->> 1)::int))
                               from jsonb_array_elements(blocks) as r))),
            jsonb_build_object(
                'id', 'charter_cancellations', 'title', 'Cancellations and causes',
                'figures', jsonb_build_array(
                    scc.report_figure('cancellation_causes', 'Causes', jsonb_array_length(causes), 'count',
                        'distinct cancel_reason of the cancelled events', 'scc.events')),
                'table', jsonb_build_object(
                    'columns', jsonb_build_array(jsonb_build_object('id', 'cause', 'label', 'Cause', 'unit', 'text'),
                                                 jsonb_build_object('id', 'events', 'label', 'Events', 'unit', 'count')),
                    'rows', causes)),
            jsonb_build_object(
                'id', 'charter_trend', 'title', case when by_day then 'Events sailed per day' else 'Events sailed per month' end,
                'figures', '[]'::jsonb,
                'chart', jsonb_build_object('type', 'trend', 'unit', 'count', 'points', coalesce(trend, '[]')))),
        'csv', jsonb_build_object(
            'columns', jsonb_build_array('departure_date', 'boat', 'event', 'state', 'captains', 'crew', 'crew_max',
                                         'guests', 'waivers_valid', 'waivers_manifested', 'cancel_reason'),
            'rows', rows_csv));
end
$$;
comment on function scc_report.charter_figures(scc.report_span) is
    'the charter sections of a period (figures net of boat blocks, revenue per booking and boat-day, blocks by cause, events by state, causes, trend) and its per-event CSV';
revoke all on function scc_report.charter_figures(scc.report_span) from public;
