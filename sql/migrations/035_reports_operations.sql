-- 035_reports_operations.sql — three of the eight reports computed from
-- the business data of 034: rental operations (3028 51st St), Expert
-- Yacht Delivery, and the DangerousCentaur client portfolio audit.  They
-- replace 033's pending sections; the shape is 033's (sql/README.md,
-- "Reports"), the formulas are listed in sql/README.md ("Report
-- formulas") and each figure carries its own.
--
-- Decisions:
--   * Day spans are [starts, ends): a night, a blocked day, a period.
--     Money that spans the period's edge (a stay across month end) is
--     counted by the share of its nights inside the period, rounded to
--     the cent at the end, never per row.
--   * Moments (a work order opened, closed) are judged against the
--     period's instants in its time zone (scc.report_instants).
--   * "As of" figures (a backlog, AR aging, unbilled work) are taken at
--     the period's end: what an operator would have seen that midnight.
--   * A trend of the twelve months ending with the period rides along
--     with every report here, whatever the period's grain, so a monthly
--     mail still shows where the month sits.

-- scc.report_months(p, n): the n calendar months ending with the month
-- that holds p's last day, oldest first: (month start, next month start).
create function scc.report_months(p scc.report_span, n integer)
returns table (starts date, ends date)
language sql
immutable
as $$
    select m::date, (m + interval '1 month')::date
      from generate_series(date_trunc('month', (p.ends - 1)::timestamp) - make_interval(months => n - 1),
                           date_trunc('month', (p.ends - 1)::timestamp),
                           interval '1 month') as g (m)
$$;
comment on function scc.report_months(scc.report_span, integer) is
    'the n calendar months ending with the month of the period''s last day: [starts, ends), oldest first';

-- scc.report_days(a, b): the days of [a, b).
create function scc.report_days(a date, b date)
returns setof date
language sql
immutable
as $$
    select d::date from generate_series(a::timestamp, (b - 1)::timestamp, interval '1 day') as g (d)
     where a < b
$$;
comment on function scc.report_days(date, date) is 'each day of [a, b), none when a >= b';

-- scc.report_column(id, label, unit): one column of a section's table.
create function scc.report_column(id text, label text, unit text)
returns jsonb
language sql
immutable
as $$
    select jsonb_build_object('id', id, 'label', label, 'unit', unit)
$$;
comment on function scc.report_column(text, text, text) is 'a report table column {id, label, unit}';

-- ---------------------------------------------------------------------------
-- Rental operations
-- ---------------------------------------------------------------------------

-- scc.rental_nights(a, b): per day of [a, b) whether the property was
-- blocked and whether a confirmed stay held it, with that night's share
-- of the stay's revenue (exact, in fractional cents).
create function scc.rental_nights(a date, b date)
returns table (day date, blocked boolean, booked boolean, revenue numeric, channel text)
language sql
stable
as $$
    select d.day,
           exists (select 1 from scc.rental_blocks as k
                    where k.starts_on <= d.day and k.ends_on > d.day),
           s.id is not null,
           coalesce(s.revenue_cents::numeric / (s.check_out - s.check_in), 0),
           s.channel
      from scc.report_days(a, b) as d (day)
      left join scc.rental_stays as s
        on s.status = 'confirmed' and s.check_in <= d.day and s.check_out > d.day
$$;
comment on function scc.rental_nights(date, date) is
    'each night of [a, b): blocked, booked by a confirmed stay, that night''s share of the stay''s revenue, its channel';

-- scc_report.rental(p): occupancy adjusted for blocks, ADR, RevPAR, stays
-- and revenue per booking, nights by channel, the maintenance backlog at
-- the period's end by age, and time to resolve.
create or replace function scc_report.rental(p scc.report_span)
returns jsonb
language plpgsql
stable
security definer
set search_path = pg_catalog, scc
as $$
declare
    t          record;
    nights     int := p.ends - p.starts;
    blocked    int;
    booked     int;
    held       int;
    revenue    numeric;
    n_stays    int;
    stay_len   numeric;
    stay_rev   numeric;
    channels   jsonb;
    trend      jsonb;
    backlog    jsonb;
    b_open     int;
    b_cost     bigint;
    resolved   jsonb;
    n_closed   int;
    avg_days   numeric;
    med_days   numeric;
    spent      bigint;
    rows_csv   jsonb;
begin
    select r.from_at, r.until_at into t from scc.report_instants(p) as r;

    select count(distinct n.day) filter (where n.blocked)::int,
           count(distinct n.day) filter (where n.booked and not n.blocked)::int,
           count(distinct n.day) filter (where n.booked)::int,
           coalesce(sum(n.revenue), 0)
      into blocked, booked, held, revenue
      from scc.rental_nights(p.starts, p.ends) as n;

    -- stays that check in during the period: count, length, revenue
    select count(*)::int, avg(s.check_out - s.check_in), avg(s.revenue_cents)
      into n_stays, stay_len, stay_rev
      from scc.rental_stays as s
     where s.status = 'confirmed' and s.check_in >= p.starts and s.check_in < p.ends;

    select coalesce(jsonb_agg(jsonb_build_array(c.name, x.nights, round(x.revenue)::bigint)
                              order by x.nights desc, c.name), '[]')
      into channels
      from (select n.channel, count(*)::int as nights, sum(n.revenue) as revenue
              from scc.rental_nights(p.starts, p.ends) as n
             where n.booked
             group by n.channel) as x
      join scc.channels as c on c.slug = x.channel;

    select jsonb_agg(jsonb_build_object(
               'label', to_char(m.starts, 'YYYY-MM'),
               'value', scc.report_ratio(
                   (select count(distinct n.day) from scc.rental_nights(m.starts, m.ends) as n
                     where n.booked and not n.blocked),
                   (select count(distinct n.day) from scc.rental_nights(m.starts, m.ends) as n where not n.blocked)))
               order by m.starts)
      into trend
      from scc.report_months(p, 12) as m;

    -- the backlog: work orders open at the period's end, by age then
    select jsonb_agg(jsonb_build_array(a.bucket, coalesce(x.n, 0), coalesce(x.cost, 0)) order by a.ord),
           coalesce(sum(x.n), 0)::int, coalesce(sum(x.cost), 0)::bigint
      into backlog, b_open, b_cost
      from (values (1, '0-7 days'), (2, '8-30 days'), (3, 'over 30 days')) as a (ord, bucket)
      left join (select case when w.age <= 7 then 1 when w.age <= 30 then 2 else 3 end as ord,
                        count(*)::int as n, sum(w.cost_cents)::bigint as cost
                   from (select floor(extract(epoch from t.until_at - o.opened_at) / 86400)::int as age,
                                o.cost_cents
                           from scc.work_orders as o
                          where o.opened_at < t.until_at
                            and (o.closed_at is null or o.closed_at >= t.until_at)) as w
                  group by 1) as x on x.ord = a.ord;

    -- time to resolve: work orders closed in the period
    select count(*)::int,
           round(avg(extract(epoch from o.closed_at - o.opened_at) / 86400)::numeric, 2),
           round((percentile_cont(0.5) within group (order by extract(epoch from o.closed_at - o.opened_at) / 86400))::numeric, 2),
           coalesce(sum(o.cost_cents), 0)::bigint
      into n_closed, avg_days, med_days, spent
      from scc.work_orders as o
     where o.closed_at >= t.from_at and o.closed_at < t.until_at;

    select jsonb_agg(jsonb_build_array(pr.priority, coalesce(x.n, 0), x.avg_days) order by pr.ord)
      into resolved
      from (values (1, 'urgent'), (2, 'high'), (3, 'normal'), (4, 'low')) as pr (ord, priority)
      left join (select o.priority, count(*)::int as n,
                        round(avg(extract(epoch from o.closed_at - o.opened_at) / 86400)::numeric, 2) as avg_days
                   from scc.work_orders as o
                  where o.closed_at >= t.from_at and o.closed_at < t.until_at
                  group by o.priority) as x on x.priority = pr.priority;

    select coalesce(jsonb_agg(jsonb_build_array(s.external_id, to_char(s.check_in, 'YYYY-MM-DD'),
                                                to_char(s.check_out, 'YYYY-MM-DD'), s.check_out - s.check_in,
                                                least(s.check_out, p.ends) - greatest(s.check_in, p.starts),
                                                c.name, s.guests, s.revenue_cents,
                                                round(s.revenue_cents::numeric
                                                      * (least(s.check_out, p.ends) - greatest(s.check_in, p.starts))
                                                      / (s.check_out - s.check_in))::bigint)
                              order by s.check_in, s.external_id), '[]')
      into rows_csv
      from scc.rental_stays as s
      join scc.channels as c on c.slug = s.channel
     where s.status = 'confirmed' and s.check_in < p.ends and s.check_out > p.starts;

    return scc.report_json('rental', 'Rental operations report: 3028 51st St', p, 'gross',
        jsonb_build_array(
            jsonb_build_object(
                'id', 'occupancy', 'title', 'Occupancy, ADR and RevPAR',
                'figures', jsonb_build_array(
                    scc.report_figure('nights', 'Nights in the period', nights, 'count',
                        'days of [starts, ends)', 'the period'),
                    scc.report_figure('blocked_nights', 'Blocked nights', blocked, 'count',
                        'nights covered by an owner or maintenance block', 'scc.rental_blocks'),
                    scc.report_figure('available_nights', 'Available nights', nights - blocked, 'count',
                        'nights - blocked nights', 'scc.rental_blocks'),
                    scc.report_figure('booked_nights', 'Booked nights', booked, 'count',
                        'available nights held by a confirmed stay', 'scc.rental_stays'),
                    scc.report_figure('occupancy', 'Occupancy', scc.report_ratio(booked, nights - blocked), 'ratio',
                        'booked nights / available nights', 'scc.rental_stays, scc.rental_blocks'),
                    scc.report_figure('revenue', 'Room revenue', round(revenue), 'cents',
                        'each confirmed stay''s revenue x its nights in the period / its nights', 'scc.rental_stays'),
                    scc.report_figure('adr', 'ADR (average daily rate)',
                        round(scc.report_ratio(revenue, held)), 'cents',
                        'room revenue / nights held by a confirmed stay', 'scc.rental_stays'),
                    scc.report_figure('revpar', 'RevPAR', round(scc.report_ratio(revenue, nights - blocked)), 'cents',
                        'room revenue / available nights', 'scc.rental_stays, scc.rental_blocks')),
                'table', jsonb_build_object(
                    'columns', jsonb_build_array(scc.report_column('channel', 'Channel', 'text'),
                                                 scc.report_column('nights', 'Nights', 'count'),
                                                 scc.report_column('revenue', 'Revenue', 'cents')),
                    'rows', channels),
                'chart', jsonb_build_object(
                    'type', 'bar', 'title', 'Nights by channel', 'unit', 'count',
                    'bars', (select coalesce(jsonb_agg(jsonb_build_object('label', r ->> 0, 'value', (r ->> 1)::int)), '[]')
                               from jsonb_array_elements(channels) as r))),
            jsonb_build_object(
                'id', 'stays', 'title', 'Stays',
                'figures', jsonb_build_array(
                    scc.report_figure('stays', 'Stays', n_stays, 'count',
                        'confirmed stays checking in during the period', 'scc.rental_stays'),
                    scc.report_figure('average_stay', 'Average stay', round(stay_len, 2), 'days',
                        'mean nights of those stays', 'scc.rental_stays'),
                    scc.report_figure('revenue_per_booking', 'Revenue per booking', round(stay_rev), 'cents',
                        'mean revenue of those stays (whole stays)', 'scc.rental_stays'))),
            jsonb_build_object(
                'id', 'occupancy_trend', 'title', 'Occupancy, twelve months', 'figures', '[]'::jsonb,
                'chart', jsonb_build_object('type', 'trend', 'unit', 'ratio', 'points', trend)),
            jsonb_build_object(
                'id', 'maintenance', 'title', 'Maintenance backlog and time to resolve',
                'figures', jsonb_build_array(
                    scc.report_figure('backlog', 'Open work orders at the period''s end', b_open, 'count',
                        'work orders opened before the end and not closed by it', 'scc.work_orders'),
                    scc.report_figure('backlog_cost', 'Their estimated cost', b_cost, 'cents',
                        'sum of cost of those work orders', 'scc.work_orders'),
                    scc.report_figure('resolved', 'Work orders resolved', n_closed, 'count',
                        'work orders closed in the period', 'scc.work_orders'),
                    scc.report_figure('time_to_resolve', 'Mean time to resolve', avg_days, 'days',
                        'mean of closed - opened of those work orders', 'scc.work_orders'),
                    scc.report_figure('time_to_resolve_median', 'Median time to resolve', med_days, 'days',
                        'median of closed - opened of those work orders', 'scc.work_orders'),
                    scc.report_figure('maintenance_spent', 'Cost of resolved work', spent, 'cents',
                        'sum of cost of work orders closed in the period', 'scc.work_orders')),
                'table', jsonb_build_object(
                    'columns', jsonb_build_array(scc.report_column('age', 'Age at the period''s end', 'text'),
                                                 scc.report_column('open', 'Open', 'count'),
                                                 scc.report_column('cost', 'Cost', 'cents')),
                    'rows', backlog),
                'chart', jsonb_build_object(
                    'type', 'bar', 'title', 'Backlog by age', 'unit', 'count',
                    'bars', (select jsonb_agg(jsonb_build_object('label', r ->> 0, 'value', (r ->> 1)::int))
                               from jsonb_array_elements(backlog) as r))),
            jsonb_build_object(
                'id', 'resolution', 'title', 'Time to resolve by priority', 'figures', '[]'::jsonb,
                'table', jsonb_build_object(
                    'columns', jsonb_build_array(scc.report_column('priority', 'Priority', 'text'),
                                                 scc.report_column('resolved', 'Resolved', 'count'),
                                                 scc.report_column('mean_days', 'Mean days', 'days')),
                    'rows', resolved))),
        jsonb_build_object(
            'columns', jsonb_build_array('stay', 'check_in', 'check_out', 'nights', 'nights_in_period', 'channel',
                                         'guests', 'revenue_cents', 'revenue_in_period_cents'),
            'rows', rows_csv),
        n_stays = 0 and held = 0 and n_closed = 0 and b_open = 0);
end
$$;
comment on function scc_report.rental(scc.report_span) is
    'the rental operations report: occupancy adjusted for blocks, ADR, RevPAR, stays, the maintenance backlog by age, time to resolve';
revoke all on function scc_report.rental(scc.report_span) from public;

-- ---------------------------------------------------------------------------
-- Expert Yacht Delivery
-- ---------------------------------------------------------------------------

-- scc.delivery_stage_at(d, day): the stage a delivery stood at on the
-- morning of `day` (every stage date before it counts), null before its
-- inquiry.
create function scc.delivery_stage_at(d scc.deliveries, day date)
returns text
language sql
immutable
as $$
    select case when d.lost_on < day then 'lost'
                when d.paid_on < day then 'paid'
                when d.invoiced_on < day then 'invoiced'
                when d.delivered_on < day then 'delivered'
                when d.departed_on < day then 'in_transit'
                when d.contracted_on < day then 'contracted'
                when d.quoted_on < day then 'quoted'
                when d.inquiry_on < day then 'inquiry' end
$$;
comment on function scc.delivery_stage_at(scc.deliveries, date) is
    'the stage a delivery stood at when `day` began (from its stage dates); null before its inquiry';

-- scc_report.delivery(p): the pipeline at the period's end by stage with
-- its value, the stage flow in the period and its conversion, the
-- passages delivered in the period (miles, days at sea, speed made good,
-- utilisation), their economics (revenue per mile and per day, margin)
-- and satisfaction.
create or replace function scc_report.delivery(p scc.report_span)
returns jsonb
language plpgsql
stable
security definer
set search_path = pg_catalog, scc
as $$
declare
    days       int := p.ends - p.starts;
    pipeline   jsonb;
    flow       jsonb;
    f_inq      int;
    f_quo      int;
    f_con      int;
    f_del      int;
    f_lost     int;
    n_del      int;
    nm_plan    numeric;
    nm_log     numeric;
    d_under    numeric;
    d_weather  numeric;
    fees       bigint;
    costs      bigint;
    n_rated    int;
    rating     numeric;
    ratings    jsonb;
    trend      jsonb;
    rows_csv   jsonb;
begin
    select jsonb_agg(jsonb_build_array(s.stage, coalesce(x.n, 0), coalesce(x.value, 0)) order by s.ord)
      into pipeline
      from unnest(array['inquiry', 'quoted', 'contracted', 'in_transit', 'delivered', 'invoiced'])
           with ordinality as s (stage, ord)
      left join (select scc.delivery_stage_at(d, p.ends) as stage, count(*)::int as n,
                        coalesce(sum(d.fee_cents), 0)::bigint as value
                   from scc.deliveries as d
                  group by 1) as x on x.stage = s.stage;

    select count(*) filter (where d.inquiry_on >= p.starts and d.inquiry_on < p.ends)::int,
           count(*) filter (where d.quoted_on >= p.starts and d.quoted_on < p.ends)::int,
           count(*) filter (where d.contracted_on >= p.starts and d.contracted_on < p.ends)::int,
           count(*) filter (where d.delivered_on >= p.starts and d.delivered_on < p.ends)::int,
           count(*) filter (where d.lost_on >= p.starts and d.lost_on < p.ends)::int
      into f_inq, f_quo, f_con, f_del, f_lost
      from scc.deliveries as d;

    flow := jsonb_build_array(
        jsonb_build_array('inquiries', f_inq, null),
        jsonb_build_array('quoted', f_quo, scc.report_ratio(f_quo, f_inq)),
        jsonb_build_array('contracted', f_con, scc.report_ratio(f_con, f_quo)),
        jsonb_build_array('delivered', f_del, scc.report_ratio(f_del, f_con)),
        jsonb_build_array('lost', f_lost, null));

    -- passages delivered in the period
    select count(*)::int, coalesce(sum(d.nm_planned), 0), coalesce(sum(d.nm_logged), 0),
           coalesce(sum(d.days_underway), 0), coalesce(sum(d.weather_days), 0),
           coalesce(sum(d.fee_cents), 0)::bigint,
           coalesce(sum((select sum(c.amount_cents) from scc.delivery_costs as c where c.delivery_id = d.id)), 0)::bigint,
           count(d.rating)::int, round(avg(d.rating), 2)
      into n_del, nm_plan, nm_log, d_under, d_weather, fees, costs, n_rated, rating
      from scc.deliveries as d
     where d.delivered_on >= p.starts and d.delivered_on < p.ends;

    select jsonb_agg(jsonb_build_array(r.stars, coalesce(x.n, 0)) order by r.stars desc)
      into ratings
      from generate_series(1, 5) as r (stars)
      left join (select d.rating as stars, count(*)::int as n from scc.deliveries as d
                  where d.delivered_on >= p.starts and d.delivered_on < p.ends and d.rating is not null
                  group by d.rating) as x on x.stars = r.stars;

    select jsonb_agg(jsonb_build_object(
               'label', to_char(m.starts, 'YYYY-MM'),
               'value', (select coalesce(sum(d.nm_logged), 0) from scc.deliveries as d
                          where d.delivered_on >= m.starts and d.delivered_on < m.ends))
               order by m.starts)
      into trend
      from scc.report_months(p, 12) as m;

    select coalesce(jsonb_agg(jsonb_build_array(
               d.external_id, d.customer, d.vessel, d.from_port, d.to_port, scc.delivery_stage_at(d, p.ends),
               to_char(d.inquiry_on, 'YYYY-MM-DD'), to_char(d.delivered_on, 'YYYY-MM-DD'),
               d.nm_planned, d.nm_logged, d.days_underway, d.weather_days, d.fee_cents,
               (select coalesce(sum(c.amount_cents), 0) from scc.delivery_costs as c where c.delivery_id = d.id),
               d.rating)
               order by d.inquiry_on, d.external_id), '[]')
      into rows_csv
      from scc.deliveries as d
     where d.inquiry_on < p.ends
       and coalesce(d.lost_on, d.paid_on, p.ends) >= p.starts;

    return scc.report_json('delivery', 'Expert Yacht Delivery report', p, 'gross',
        jsonb_build_array(
            jsonb_build_object(
                'id', 'pipeline', 'title', 'Pipeline at the period''s end',
                'figures', jsonb_build_array(
                    scc.report_figure('pipeline_open', 'Open deliveries',
                        (select sum((r ->> 1)::int) from jsonb_array_elements(pipeline) as r
                          where r ->> 0 in ('inquiry', 'quoted', 'contracted', 'in_transit')), 'count',
                        'deliveries at inquiry, quoted, contracted or in transit when the period ended',
                        'scc.deliveries'),
                    scc.report_figure('pipeline_value', 'Their value',
                        (select sum((r ->> 2)::bigint) from jsonb_array_elements(pipeline) as r
                          where r ->> 0 in ('inquiry', 'quoted', 'contracted', 'in_transit')), 'cents',
                        'sum of the fee (quoted or agreed) of those deliveries', 'scc.deliveries')),
                'table', jsonb_build_object(
                    'columns', jsonb_build_array(scc.report_column('stage', 'Stage', 'text'),
                                                 scc.report_column('deliveries', 'Deliveries', 'count'),
                                                 scc.report_column('value', 'Value', 'cents')),
                    'rows', pipeline),
                'chart', jsonb_build_object(
                    'type', 'bar', 'title', 'Deliveries by stage', 'unit', 'count',
                    'bars', (select jsonb_agg(jsonb_build_object('label', r ->> 0, 'value', (r ->> 1)::int))
                               from jsonb_array_elements(pipeline) as r))),
            jsonb_build_object(
                'id', 'conversion', 'title', 'Stage flow and conversion in the period',
                'figures', jsonb_build_array(
                    scc.report_figure('quote_rate', 'Quote rate', scc.report_ratio(f_quo, f_inq), 'ratio',
                        'deliveries quoted in the period / inquiries received in it', 'scc.deliveries'),
                    scc.report_figure('win_rate', 'Win rate', scc.report_ratio(f_con, f_quo), 'ratio',
                        'deliveries contracted in the period / quoted in it', 'scc.deliveries'),
                    scc.report_figure('lost', 'Lost', f_lost, 'count',
                        'deliveries lost in the period', 'scc.deliveries')),
                'table', jsonb_build_object(
                    'columns', jsonb_build_array(scc.report_column('stage', 'Reached in the period', 'text'),
                                                 scc.report_column('deliveries', 'Deliveries', 'count'),
                                                 scc.report_column('conversion', 'From the stage before', 'ratio')),
                    'rows', flow)),
            jsonb_build_object(
                'id', 'passages', 'title', 'Passages delivered in the period',
                'figures', jsonb_build_array(
                    scc.report_figure('delivered', 'Deliveries completed', n_del, 'count',
                        'deliveries whose delivered date falls in the period', 'scc.deliveries'),
                    scc.report_figure('nm_logged', 'Nautical miles logged', nm_log, 'nm',
                        'sum of nm_logged of those deliveries', 'scc.deliveries'),
                    scc.report_figure('nm_planned', 'Nautical miles planned', nm_plan, 'nm',
                        'sum of nm_planned of those deliveries', 'scc.deliveries'),
                    scc.report_figure('days_at_sea', 'Days at sea', d_under, 'days',
                        'sum of days_underway of those deliveries', 'scc.deliveries'),
                    scc.report_figure('weather_days', 'Weather days', d_weather, 'days',
                        'sum of weather_days (waiting on weather) of those deliveries', 'scc.deliveries'),
                    scc.report_figure('speed_made_good', 'Speed made good', round(scc.report_ratio(nm_log, d_under * 24), 2),
                        'knots', 'nautical miles logged / (days at sea x 24 h)', 'scc.deliveries'),
                    scc.report_figure('utilisation', 'Crew utilisation', scc.report_ratio(d_under, days), 'ratio',
                        'days at sea of the deliveries completed / days in the period', 'scc.deliveries')),
                'chart', jsonb_build_object('type', 'trend', 'title', 'Nautical miles, twelve months', 'unit', 'nm',
                                            'points', trend)),
            jsonb_build_object(
                'id', 'economics', 'title', 'Economics of the deliveries completed',
                'figures', jsonb_build_array(
                    scc.report_figure('revenue', 'Fees', fees, 'cents',
                        'sum of fee of the deliveries completed in the period', 'scc.deliveries'),
                    scc.report_figure('costs', 'Costs', costs, 'cents',
                        'sum of their delivery costs (every kind)', 'scc.delivery_costs'),
                    scc.report_figure('margin', 'Margin', scc.report_ratio(fees - costs, fees), 'ratio',
                        '(fees - costs) / fees', 'scc.deliveries, scc.delivery_costs'),
                    scc.report_figure('revenue_per_nm', 'Revenue per nautical mile', round(scc.report_ratio(fees, nm_log)), 'cents',
                        'fees / nautical miles logged', 'scc.deliveries'),
                    scc.report_figure('revenue_per_day', 'Revenue per day at sea', round(scc.report_ratio(fees, d_under)), 'cents',
                        'fees / days at sea', 'scc.deliveries'))),
            jsonb_build_object(
                'id', 'satisfaction', 'title', 'Customer satisfaction',
                'figures', jsonb_build_array(
                    scc.report_figure('rated', 'Ratings', n_rated, 'count',
                        'deliveries completed in the period with a customer rating', 'scc.deliveries'),
                    scc.report_figure('rating', 'Average rating (1-5)', rating, 'count',
                        'mean rating of those', 'scc.deliveries')),
                'table', jsonb_build_object(
                    'columns', jsonb_build_array(scc.report_column('stars', 'Stars', 'count'),
                                                 scc.report_column('deliveries', 'Deliveries', 'count')),
                    'rows', ratings))),
        jsonb_build_object(
            'columns', jsonb_build_array('delivery', 'customer', 'vessel', 'from', 'to', 'stage_at_end', 'inquiry_on',
                                         'delivered_on', 'nm_planned', 'nm_logged', 'days_underway', 'weather_days',
                                         'fee_cents', 'costs_cents', 'rating'),
            'rows', rows_csv),
        jsonb_array_length(rows_csv) = 0);
end
$$;
comment on function scc_report.delivery(scc.report_span) is
    'the yacht delivery report: pipeline by stage with value, conversion, miles, days at sea, speed made good, economics, satisfaction';
revoke all on function scc_report.delivery(scc.report_span) from public;

-- ---------------------------------------------------------------------------
-- DangerousCentaur client portfolio audit
-- ---------------------------------------------------------------------------

-- scc.invoice_paid(i, before): what had been received against invoice i
-- before `before` began.
create function scc.invoice_paid(i uuid, before date)
returns bigint
language sql
stable
as $$
    select coalesce(sum(y.amount_cents), 0)::bigint from scc.payments as y
     where y.invoice_id = i and y.received_on < before
$$;
comment on function scc.invoice_paid(uuid, date) is 'cents received against an invoice before a day';

-- scc_report.portfolio(p): unbilled work at the period's end, contracts
-- by status and renewals in the 90 days after it, AR aging at its end,
-- DSO, collection rate and payment velocity, audit flags, and the clients
-- side by side (the CSV).
create or replace function scc_report.portfolio(p scc.report_span)
returns jsonb
language plpgsql
stable
security definer
set search_path = pg_catalog, scc
as $$
declare
    days       int := p.ends - p.starts;
    u_hours    numeric;
    u_value    numeric;
    u_appr     numeric;
    contracts  jsonb;
    renewals   jsonb;
    aging      jsonb;
    ar_end     bigint;
    ar_start   bigint;
    billed     bigint;
    collected  bigint;
    velocity   numeric;
    n_paid     int;
    over_cap   jsonb;
    mismatch   jsonb;
    overdue    jsonb;
    clients    jsonb;
    top_share  numeric;
begin
    -- unbilled: billable hours worked before the end, not on an invoice
    -- issued before it
    select coalesce(sum(t.hours), 0), coalesce(sum(t.hours * t.rate_cents), 0),
           coalesce(sum(t.hours * t.rate_cents) filter (where t.approved), 0)
      into u_hours, u_value, u_appr
      from scc.time_entries as t
      left join scc.invoices as i on i.id = t.invoice_id
     where t.billable and t.worked_on < p.ends
       and (i.id is null or i.issued_on >= p.ends);

    select jsonb_agg(jsonb_build_array(s.status, coalesce(x.n, 0)) order by s.ord)
      into contracts
      from unnest(array['draft', 'active', 'ended', 'terminated']) with ordinality as s (status, ord)
      left join (select c.status, count(*)::int as n from scc.contracts as c group by c.status) as x
        on x.status = s.status;

    select coalesce(jsonb_agg(jsonb_build_array(k.name, c.title, to_char(c.renews_on, 'YYYY-MM-DD'),
                                                c.renews_on - p.ends, c.rate_cents)
                              order by c.renews_on, k.name), '[]')
      into renewals
      from scc.contracts as c join scc.clients as k on k.id = c.client_id
     where c.status = 'active' and c.renews_on >= p.ends and c.renews_on < p.ends + 90;

    -- AR at the end: invoices issued before it, less what was paid before it
    with open_ar as (
        select i.id, p.ends - i.issued_on as age, i.amount_cents - scc.invoice_paid(i.id, p.ends) as due
          from scc.invoices as i
         where i.client_id is not null and not i.void and i.issued_on < p.ends
    )
    select jsonb_agg(jsonb_build_array(b.bucket, coalesce(x.n, 0), coalesce(x.due, 0)) order by b.ord),
           coalesce(sum(x.due), 0)::bigint
      into aging, ar_end
      from (values (1, '0-30 days'), (2, '31-60 days'), (3, '61-90 days'), (4, 'over 90 days')) as b (ord, bucket)
      left join (select case when age <= 30 then 1 when age <= 60 then 2 when age <= 90 then 3 else 4 end as ord,
                        count(*)::int as n, sum(due)::bigint as due
                   from open_ar where due > 0 group by 1) as x on x.ord = b.ord;

    select coalesce(sum(greatest(i.amount_cents - scc.invoice_paid(i.id, p.starts), 0)), 0)::bigint
      into ar_start
      from scc.invoices as i
     where i.client_id is not null and not i.void and i.issued_on < p.starts;

    select coalesce(sum(i.amount_cents), 0)::bigint into billed
      from scc.invoices as i
     where i.client_id is not null and not i.void and i.issued_on >= p.starts and i.issued_on < p.ends;

    select coalesce(sum(y.amount_cents), 0)::bigint into collected
      from scc.payments as y join scc.invoices as i on i.id = y.invoice_id
     where i.client_id is not null and not i.void and y.received_on >= p.starts and y.received_on < p.ends;

    -- velocity: days from issue to the payment that settled it, for
    -- invoices settled in the period
    select round(avg(x.settled - x.issued_on), 1), count(*)::int
      into velocity, n_paid
      from (select i.issued_on,
                   (select min(y.received_on) from scc.payments as y
                     where y.invoice_id = i.id
                       and (select sum(z.amount_cents) from scc.payments as z
                             where z.invoice_id = i.id and (z.received_on, z.id) <= (y.received_on, y.id))
                           >= i.amount_cents) as settled
              from scc.invoices as i
             where i.client_id is not null and not i.void) as x
     where x.settled >= p.starts and x.settled < p.ends;

    select coalesce(jsonb_agg(jsonb_build_array(k.name, c.title, c.hour_cap, x.hours) order by k.name, c.title), '[]')
      into over_cap
      from scc.contracts as c join scc.clients as k on k.id = c.client_id
      join lateral (select sum(t.hours) as hours from scc.time_entries as t
                     where t.contract_id = c.id and t.billable and t.worked_on < p.ends) as x on true
     where c.hour_cap is not null and x.hours > c.hour_cap;

    select coalesce(jsonb_agg(jsonb_build_array(k.name, c.title, x.entries, c.rate_cents, x.rates) order by k.name, c.title), '[]')
      into mismatch
      from scc.contracts as c join scc.clients as k on k.id = c.client_id
      join lateral (select count(*)::int as entries, jsonb_agg(distinct t.rate_cents) as rates
                      from scc.time_entries as t
                     where t.contract_id = c.id and t.rate_cents <> c.rate_cents
                       and t.worked_on >= p.starts and t.worked_on < p.ends) as x on x.entries > 0;

    select coalesce(jsonb_agg(jsonb_build_array(k.name, i.external_id, to_char(i.issued_on, 'YYYY-MM-DD'),
                                                p.ends - i.issued_on, i.amount_cents - scc.invoice_paid(i.id, p.ends))
                              order by i.issued_on, i.external_id), '[]')
      into overdue
      from scc.invoices as i join scc.clients as k on k.id = i.client_id
     where not i.void and i.issued_on < p.ends - 60
       and i.amount_cents > scc.invoice_paid(i.id, p.ends);

    with per as (
        select k.name,
               (select coalesce(sum(t.hours), 0) from scc.time_entries as t join scc.contracts as c on c.id = t.contract_id
                 where c.client_id = k.id and t.worked_on >= p.starts and t.worked_on < p.ends) as k_hours,
               (select coalesce(sum(i.amount_cents), 0) from scc.invoices as i
                 where i.client_id = k.id and not i.void and i.issued_on >= p.starts and i.issued_on < p.ends)::bigint as k_billed,
               (select coalesce(sum(y.amount_cents), 0) from scc.payments as y join scc.invoices as i on i.id = y.invoice_id
                 where i.client_id = k.id and not i.void and y.received_on >= p.starts and y.received_on < p.ends)::bigint as k_collected,
               (select coalesce(sum(i.amount_cents - scc.invoice_paid(i.id, p.ends)), 0) from scc.invoices as i
                 where i.client_id = k.id and not i.void and i.issued_on < p.ends)::bigint as k_outstanding
          from scc.clients as k
    )
    select coalesce(jsonb_agg(jsonb_build_array(per.name, per.k_hours, per.k_billed, per.k_collected, per.k_outstanding,
                                                scc.report_ratio(per.k_billed, billed))
                              order by per.k_billed desc, per.name), '[]'),
           scc.report_ratio(max(per.k_billed), billed)
      into clients, top_share
      from per
     where per.k_hours > 0 or per.k_billed > 0 or per.k_collected > 0 or per.k_outstanding > 0;

    return scc.report_json('portfolio', 'DangerousCentaur portfolio audit', p, 'gross',
        jsonb_build_array(
            jsonb_build_object(
                'id', 'unbilled', 'title', 'Unbilled work at the period''s end',
                'figures', jsonb_build_array(
                    scc.report_figure('unbilled_hours', 'Unbilled hours', u_hours, 'hours',
                        'billable hours worked before the end, not on an invoice issued before it', 'scc.time_entries'),
                    scc.report_figure('unbilled_value', 'Unbilled value', round(u_value), 'cents',
                        'sum of hours x rate of those entries', 'scc.time_entries'),
                    scc.report_figure('unbilled_approved', 'Of which approved', round(u_appr), 'cents',
                        'the same, approved entries only', 'scc.time_entries'))),
            jsonb_build_object(
                'id', 'contracts', 'title', 'Contracts by status and renewals in the next 90 days',
                'figures', jsonb_build_array(
                    scc.report_figure('renewals_90d', 'Renewals due', jsonb_array_length(renewals), 'count',
                        'active contracts renewing within 90 days after the period''s end', 'scc.contracts')),
                'table', jsonb_build_object(
                    'columns', jsonb_build_array(scc.report_column('client', 'Client', 'text'),
                                                 scc.report_column('contract', 'Contract', 'text'),
                                                 scc.report_column('renews_on', 'Renews on', 'date'),
                                                 scc.report_column('in_days', 'In days', 'days'),
                                                 scc.report_column('rate', 'Hourly rate', 'cents')),
                    'rows', renewals),
                'chart', jsonb_build_object(
                    'type', 'bar', 'title', 'Contracts by status', 'unit', 'count',
                    'bars', (select jsonb_agg(jsonb_build_object('label', r ->> 0, 'value', (r ->> 1)::int))
                               from jsonb_array_elements(contracts) as r))),
            jsonb_build_object(
                'id', 'aging', 'title', 'AR aging at the period''s end',
                'figures', jsonb_build_array(
                    scc.report_figure('ar', 'Receivables', ar_end, 'cents',
                        'invoiced before the end less received before it', 'scc.invoices, scc.payments')),
                'table', jsonb_build_object(
                    'columns', jsonb_build_array(scc.report_column('age', 'Days since issue', 'text'),
                                                 scc.report_column('invoices', 'Invoices', 'count'),
                                                 scc.report_column('due', 'Outstanding', 'cents')),
                    'rows', aging),
                'chart', jsonb_build_object(
                    'type', 'bar', 'title', 'Outstanding by age', 'unit', 'cents',
                    'bars', (select jsonb_agg(jsonb_build_object('label', r ->> 0, 'value', (r ->> 2)::bigint))
                               from jsonb_array_elements(aging) as r))),
            jsonb_build_object(
                'id', 'collection', 'title', 'DSO, collection rate and payment velocity',
                'figures', jsonb_build_array(
                    scc.report_figure('billed', 'Invoiced', billed, 'cents',
                        'invoices issued in the period', 'scc.invoices'),
                    scc.report_figure('collected', 'Collected', collected, 'cents',
                        'payments received in the period', 'scc.payments'),
                    scc.report_figure('dso', 'DSO', round(scc.report_ratio(ar_end::numeric * days, billed), 1), 'days',
                        'receivables at the end / invoiced in the period x days in the period', 'scc.invoices, scc.payments'),
                    scc.report_figure('collection_rate', 'Collection rate', scc.report_ratio(collected, ar_start + billed), 'ratio',
                        'collected / (receivables at the start + invoiced in the period)', 'scc.invoices, scc.payments'),
                    scc.report_figure('payment_velocity', 'Days to payment', velocity, 'days',
                        'mean days from issue to the payment that settled it, invoices settled in the period',
                        'scc.invoices, scc.payments'),
                    scc.report_figure('settled', 'Invoices settled', n_paid, 'count',
                        'invoices whose payments reached their amount in the period', 'scc.payments'),
                    scc.report_figure('largest_client_share', 'Largest client''s share', top_share, 'ratio',
                        'the largest client''s invoiced / invoiced in the period', 'scc.invoices'))),
            jsonb_build_object(
                'id', 'flags', 'title', 'Audit flags',
                'figures', jsonb_build_array(
                    scc.report_figure('over_cap', 'Contracts over their hour cap', jsonb_array_length(over_cap), 'count',
                        'billable hours worked before the end > hour_cap', 'scc.contracts, scc.time_entries'),
                    scc.report_figure('rate_mismatches', 'Contracts with rate mismatches', jsonb_array_length(mismatch), 'count',
                        'time entries in the period whose rate differs from their contract''s', 'scc.time_entries'),
                    scc.report_figure('unpaid_60d', 'Invoices unpaid past 60 days', jsonb_array_length(overdue), 'count',
                        'invoices issued more than 60 days before the end with money still due at it',
                        'scc.invoices, scc.payments')),
                'table', jsonb_build_object(
                    'columns', jsonb_build_array(scc.report_column('flag', 'Flag', 'text'),
                                                 scc.report_column('client', 'Client', 'text'),
                                                 scc.report_column('what', 'What', 'text'),
                                                 scc.report_column('detail', 'Detail', 'text')),
                    'rows', (select coalesce(jsonb_agg(f.r order by f.ord, f.n), '[]') from (
                        select 1 as ord, n, jsonb_build_array('over hour cap', r ->> 0, r ->> 1,
                                                              (r ->> 3) || ' h of ' || (r ->> 2) || ' h') as r
                          from jsonb_array_elements(over_cap) with ordinality as x (r, n)
                        union all
                        select 2, n, jsonb_build_array('rate mismatch', r ->> 0, r ->> 1,
                                                       (r ->> 2) || ' entries at ' || (r ->> 4) || ' against ' || (r ->> 3))
                          from jsonb_array_elements(mismatch) with ordinality as x (r, n)
                        union all
                        select 3, n, jsonb_build_array('unpaid past 60 days', r ->> 0, r ->> 1,
                                                       (r ->> 3) || ' days, ' || (r ->> 4) || ' cents due')
                          from jsonb_array_elements(overdue) with ordinality as x (r, n)) as f))),
            jsonb_build_object(
                'id', 'clients', 'title', 'Clients in the period', 'figures', '[]'::jsonb,
                'table', jsonb_build_object(
                    'columns', jsonb_build_array(scc.report_column('client', 'Client', 'text'),
                                                 scc.report_column('hours', 'Hours', 'hours'),
                                                 scc.report_column('billed', 'Invoiced', 'cents'),
                                                 scc.report_column('collected', 'Collected', 'cents'),
                                                 scc.report_column('outstanding', 'Outstanding at the end', 'cents'),
                                                 scc.report_column('share', 'Share of invoiced', 'ratio')),
                    'rows', clients))),
        jsonb_build_object(
            'columns', jsonb_build_array('client', 'hours', 'invoiced_cents', 'collected_cents',
                                         'outstanding_cents', 'share_of_invoiced'),
            'rows', clients),
        jsonb_array_length(clients) = 0 and ar_end = 0 and u_hours = 0);
end
$$;
comment on function scc_report.portfolio(scc.report_span) is
    'the DangerousCentaur portfolio audit: unbilled work, contracts and renewals, AR aging, DSO, collection, velocity, audit flags, clients';
revoke all on function scc_report.portfolio(scc.report_span) from public;
