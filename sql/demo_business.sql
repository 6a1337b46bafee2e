-- demo_business.sql — twelve months of the business's data for `make run`
-- (conf/stack demo loads it after demo.sql), so each of the eight reports
-- has figures, charts and a CSV the moment an admin opens the preview:
-- past sails of JADA and Queen of San Diego with their bookings, the
-- boats' blocked days, the rental property's stays, blocks and work
-- orders, yacht deliveries at every stage, the consulting practice's
-- clients, contracts, time, invoices and payments, the technology estate,
-- marketing by channel and month, targets, assets and action items.
--
-- The same every time: every "random" choice is a hash of what it is for
-- (pg_temp.rnd), never random(), so the data only moves with the day it
-- is loaded on (the twelve months end with the current month, in the
-- boats' zone).  Ids of events come from names as in demo.sql; the rest
-- carry external ids.  Loaded once: a database that has the first demo
-- booking is left alone.  Run as the owner, after demo.sql:
-- psql -v ON_ERROR_STOP=1 -f sql/demo_business.sql.

begin;

create function pg_temp.id(name text) returns uuid
language sql immutable as $$ select md5('scc-demo:' || name)::uuid $$;

-- a number in [0, 1) fixed by its key
create function pg_temp.rnd(key text) returns double precision
language sql immutable as $$
    select ('x' || substr(md5('scc-demo-business:' || key), 1, 8))::bit(32)::bigint / 4294967296.0
$$;

-- an integer in [lo, hi] fixed by its key
create function pg_temp.pick(key text, lo integer, hi integer) returns integer
language sql immutable as $$ select lo + floor(pg_temp.rnd(key) * (hi - lo + 1))::integer $$;

create function pg_temp.ent(slug text) returns bigint
language sql stable as $$ select e.id from scc.entities as e where e.slug = ent.slug $$;

-- the first day of the month `n` months before the current one (local)
create function pg_temp.month(n integer) returns date
language sql stable as $$
    select (date_trunc('month', (now() at time zone 'America/Los_Angeles')::date) - make_interval(months => n))::date
$$;

create function pg_temp.today() returns date
language sql stable as $$ select (now() at time zone 'America/Los_Angeles')::date $$;

create temp table demo_loaded on commit drop as
select exists (select 1 from scc.bookings where external_id = 'demo-bk-0001') as loaded;

-- ---------------------------------------------------------------------------
-- Channels the rental and delivery businesses sell through
-- ---------------------------------------------------------------------------
insert into scc.channels (slug, name, kind, sequence) values
    ('airbnb', 'Airbnb', 'marketplace', null),
    ('vrbo', 'Vrbo', 'marketplace', null),
    ('google_ads', 'Google Ads', 'paid', null),
    ('instagram', 'Instagram', 'social', null),
    ('referral', 'Referrals', 'referral', null)
on conflict (slug) do nothing;

-- ---------------------------------------------------------------------------
-- Charter: a year of sails (JADA on Saturdays at 16:30 for 3 h, Queen of
-- San Diego on Sundays at 10:00 for 4 h and on Wednesdays at 11:00 for
-- 3 h), one in twenty cancelled for weather, with a captain and crew.
-- ---------------------------------------------------------------------------
create temp table demo_sails on commit drop as
select 'past:' || b.k || ':' || to_char(d, 'YYYY-MM-DD') as k, b.k as boat, b.title, d::date as day,
       b.hhmm, b.hours,
       case when pg_temp.rnd('cancel:' || b.k || d::date) < 0.05 then 'cancelled' else 'closed' end as state
  from generate_series(pg_temp.month(12), pg_temp.today() - 8, interval '1 day') as d
  join (values ('jada', 6, 'Saturday sunset sail', '16:30', 3),
               ('queen', 0, 'Sunday harbour cruise', '10:00', 4),
               ('queen', 3, 'Midweek bay lunch', '11:00', 3)) as b (k, dow, title, hhmm, hours)
    on extract(dow from d) = b.dow
 where not (select loaded from demo_loaded);

insert into scc.events (id, boat_id, title, notes, meetup_at, meetup_place, departure_at, return_at,
                        time_zone, crew_min, crew_max, guest_max, state, cancel_reason,
                        actual_return_at, created_by, waiver_version_id)
select pg_temp.id('event:' || s.k), b.id, s.title, '', t.dep - interval '30 minutes', b.port_name || ', dock A',
       t.dep, t.dep + s.hours * interval '1 hour', b.time_zone, b.crew_min, b.crew_max, b.guest_capacity,
       s.state, case when s.state = 'cancelled' then 'weather: small craft advisory' end,
       case when s.state = 'closed' then t.dep + s.hours * interval '1 hour' + pg_temp.pick('late:' || s.k, 0, 25) * interval '1 minute' end,
       pg_temp.id('user:admin'),
       -- sailed under demo.sql's charter waiver, as every demo event past draft
       case when s.state <> 'cancelled' then pg_temp.id('waiver:charter:1') end
  from demo_sails as s
  join scc.boats as b on b.id = pg_temp.id('boat:' || s.boat)
  cross join lateral (select (s.day + s.hhmm::time) at time zone b.time_zone as dep) as t
 where not exists (select 1 from scc.events as e where e.id = pg_temp.id('event:' || s.k));

-- a captain and crew on each (crew_min of the boat, one more now and then)
insert into scc.event_roles (event_id, user_id, role, state, since, changed_by, reason)
select e.id, pg_temp.id('user:' || c.who), 'captain', 'confirmed', e.created_at, pg_temp.id('user:admin'), 'demo'
  from demo_sails as s
  join scc.events as e on e.id = pg_temp.id('event:' || s.k)
  cross join lateral (select case when pg_temp.rnd('capt:' || s.k) < 0.5 then 'ana' else 'ben' end as who) as c
 where not exists (select 1 from scc.event_roles as r where r.event_id = e.id);
insert into scc.event_roles (event_id, user_id, role, state, since, changed_by, reason)
select e.id, pg_temp.id('user:' || w.who), 'crew', 'confirmed', e.created_at, pg_temp.id('user:admin'), 'demo'
  from demo_sails as s
  join scc.events as e on e.id = pg_temp.id('event:' || s.k)
  cross join lateral (
      select x.who from unnest(array['cora', 'dev', 'eli', 'fay', 'gus', 'hana']) with ordinality as x (who, n)
       order by pg_temp.rnd('crew:' || s.k || x.who)
       limit e.crew_min + case when pg_temp.rnd('extra:' || s.k) < 0.3 and e.crew_min < e.crew_max then 1 else 0 end) as w
 where not exists (select 1 from scc.event_roles as r where r.event_id = e.id and r.role = 'crew');

-- bookings: one to three parties a sail, by channel; marketplaces take
-- their commission, card payments cost 2.9 % + 30 cents; a cancelled sail
-- refunds its bookings; marketplaces pay out a week after the sail
create temp table demo_bookings on commit drop as
select row_number() over (order by s.day, s.k, n) as seq, s.k, s.boat, s.day, s.state, n,
       case when r < 0.35 then 'direct' when r < 0.65 then 'sailo' when r < 0.85 then 'getmyboat'
            when r < 0.95 then 'viator' else 'getyourguide' end as channel,
       pg_temp.pick('party:' || s.k || n, 2, case s.boat when 'jada' then 3 else 5 end) as party,
       case s.boat when 'jada' then 9500 else 7500 end
           * case when extract(month from s.day) between 6 and 9 then 1.2 else 1 end as price
  from demo_sails as s
  cross join lateral generate_series(1, pg_temp.pick('parties:' || s.k, 1, 3)) as n
  cross join lateral (select pg_temp.rnd('channel:' || s.k || n) as r) as c;

insert into scc.bookings (entity_id, external_id, channel, event_id, boat_id, sail_on, booked_at, party_size,
                          status, cancellation_cause, cancelled_at, gross_cents, commission_cents, fees_cents,
                          refunds_cents, deposit_cents, payout_expected_on, payout_expected_cents,
                          payout_received_on, payout_received_cents, customer)
select pg_temp.ent('charter'), 'demo-bk-' || lpad(b.seq::text, 4, '0'), b.channel, pg_temp.id('event:' || b.k),
       pg_temp.id('boat:' || b.boat), b.day,
       (b.day - pg_temp.pick('lead:' || b.k || b.n, 3, 45) + time '12:00') at time zone 'America/Los_Angeles',
       b.party,
       case when b.state = 'cancelled' then 'cancelled' else 'completed' end,
       case when b.state = 'cancelled' then 'weather' end,
       case when b.state = 'cancelled' then (b.day - 1 + time '18:00') at time zone 'America/Los_Angeles' end,
       g.gross, g.commission, g.fees,
       case when b.state = 'cancelled' then g.gross else 0 end,
       0,
       case when b.channel <> 'direct' then b.day + 7 end,
       case when b.channel <> 'direct' then g.gross - g.commission - case when b.state = 'cancelled' then g.gross - g.commission else 0 end end,
       case when b.channel <> 'direct' and b.day + 9 <= pg_temp.today() and pg_temp.rnd('paid:' || b.k || b.n) < 0.97
            then b.day + 9 end,
       case when b.channel <> 'direct' and b.day + 9 <= pg_temp.today() and pg_temp.rnd('paid:' || b.k || b.n) < 0.97
            then g.gross - g.commission - case when b.state = 'cancelled' then g.gross - g.commission else 0 end end,
       'Party of ' || b.party
  from demo_bookings as b
  cross join lateral (
      select (b.party * b.price)::bigint as gross,
             round(b.party * b.price * case b.channel when 'sailo' then 0.15 when 'getmyboat' then 0.125
                                                      when 'viator' then 0.20 when 'getyourguide' then 0.25 else 0 end)::bigint
                 as commission,
             case b.channel when 'direct' then round(b.party * b.price * 0.029 + 30)::bigint else 0 end as fees) as g
 where not (select loaded from demo_loaded);

-- bookings for the sails to come (demo.sql's scheduled events), half paid
-- as a deposit
insert into scc.bookings (entity_id, external_id, channel, event_id, boat_id, sail_on, booked_at, party_size,
                          status, gross_cents, deposit_cents, customer)
select pg_temp.ent('charter'), 'demo-bk-next-' || n, 'direct', e.id, e.boat_id,
       (e.departure_at at time zone e.time_zone)::date, now() - interval '5 days', 4, 'confirmed', 38000, 19000,
       'Party of 4'
  from (values (1, 'sched-1'), (2, 'sched-2'), (3, 'sched-4')) as x (n, k)
  join scc.events as e on e.id = pg_temp.id('event:' || x.k)
 where not (select loaded from demo_loaded);

-- the boats' blocked days: a haul-out, the owner's week, a few weather days
insert into scc.boat_blocks (boat_id, external_id, kind, starts_on, ends_on, note)
select pg_temp.id('boat:' || x.boat), x.k, x.kind, x.starts, x.starts + x.days, x.note
  from (values ('jada', 'demo-block-haulout', 'maintenance', pg_temp.month(8) + 9, 7, 'haul-out and bottom paint'),
               ('queen', 'demo-block-owner', 'owner', pg_temp.month(5) + 14, 4, 'owner''s family trip'),
               ('queen', 'demo-block-engine', 'maintenance', pg_temp.month(2) + 3, 3, 'engine service'),
               ('jada', 'demo-block-storm', 'weather', pg_temp.month(10) + 20, 2, 'winter storm')) as x (boat, k, kind, starts, days, note)
 where not (select loaded from demo_loaded);

-- ---------------------------------------------------------------------------
-- Rental: 3028 51st St
-- ---------------------------------------------------------------------------
-- stays one after another: a gap of 0 to 4 nights, 2 to 7 nights each,
-- dearer in summer; the owner's week and a maintenance block are skipped
insert into scc.rental_blocks (entity_id, external_id, kind, starts_on, ends_on, note)
select pg_temp.ent('rental-3028-51st'), x.k, x.kind, x.starts, x.starts + x.days, x.note
  from (values ('demo-rb-owner', 'owner', pg_temp.month(6) + 2, 7, 'owner visiting'),
               ('demo-rb-floors', 'maintenance', pg_temp.month(3) + 10, 3, 'floors refinished')) as x (k, kind, starts, days, note)
 where not (select loaded from demo_loaded);

insert into scc.rental_stays (entity_id, external_id, channel, check_in, check_out, guests, status, revenue_cents)
with recursive s (n, check_in, nights) as (
    select 1, pg_temp.month(12) + 1, pg_temp.pick('stay-len:1', 2, 7)
    union all
    select s.n + 1, x.ci, pg_temp.pick('stay-len:' || (s.n + 1), 2, 7)
      from s
      cross join lateral (select s.check_in + s.nights + pg_temp.pick('stay-gap:' || s.n, 0, 4) as ci0) as g
      cross join lateral (
          -- a stay that would touch a block starts after it
          select coalesce((select max(k.ends_on) from scc.rental_blocks as k
                            where k.starts_on < g.ci0 + 7 and k.ends_on > g.ci0), g.ci0) as ci) as x
     where x.ci < pg_temp.today() + 45
)
select pg_temp.ent('rental-3028-51st'), 'demo-stay-' || lpad(s.n::text, 3, '0'),
       case when r < 0.55 then 'airbnb' when r < 0.8 then 'vrbo' else 'direct' end,
       s.check_in, s.check_in + s.nights, pg_temp.pick('stay-guests:' || s.n, 1, 5),
       case when pg_temp.rnd('stay-cancel:' || s.n) < 0.04 then 'cancelled' else 'confirmed' end,
       s.nights * (16500 + case when extract(month from s.check_in) between 6 and 9 then 8000 else 0 end
                   + pg_temp.pick('stay-rate:' || s.n, 0, 30) * 100)
  from s
  cross join lateral (select pg_temp.rnd('stay-channel:' || s.n) as r) as c
 where not (select loaded from demo_loaded)
   and not exists (select 1 from scc.rental_blocks as k where k.starts_on < s.check_in + s.nights and k.ends_on > s.check_in);

-- work orders: about three a month, most resolved within days, a few open
insert into scc.work_orders (entity_id, external_id, title, priority, opened_at, closed_at, cost_cents)
select pg_temp.ent('rental-3028-51st'), 'demo-wo-' || lpad(n::text, 3, '0'), w.title, w.priority, w.opened,
       case when w.opened + w.takes * interval '1 hour' < now() and pg_temp.rnd('wo-open:' || n) > 0.08
            then w.opened + w.takes * interval '1 hour' end,
       pg_temp.pick('wo-cost:' || n, 0, 60) * 500
  from generate_series(1, 36) as n
  cross join lateral (
      select (array['Leaking kitchen tap', 'Smoke alarm battery', 'Sticky front door lock', 'Dishwasher not draining',
                    'Garden irrigation timer', 'Replace shower head', 'Patch wall by the stairs', 'Wi-Fi router reset',
                    'Porch light out', 'Window screen torn'])[pg_temp.pick('wo-title:' || n, 1, 10)] as title,
             (array['low', 'normal', 'normal', 'high', 'urgent'])[pg_temp.pick('wo-prio:' || n, 1, 5)] as priority,
             ((pg_temp.month(12) + (n * 10) + pg_temp.pick('wo-day:' || n, 0, 6)) + time '09:00')
                 at time zone 'America/Los_Angeles' as opened,
             pg_temp.pick('wo-takes:' || n, 4, 24 * 25) as takes) as w
 where not (select loaded from demo_loaded) and w.opened < now();

-- ---------------------------------------------------------------------------
-- Expert Yacht Delivery: an inquiry every two weeks or so, along the stages
-- their age allows, one in four lost; and five recent ones in the pipeline
-- ---------------------------------------------------------------------------
insert into scc.deliveries (entity_id, external_id, customer, vessel, vessel_length_ft, from_port, to_port, stage,
                            inquiry_on, quoted_on, contracted_on, departed_on, delivered_on, invoiced_on, paid_on,
                            lost_on, nm_planned, nm_logged, days_underway, weather_days, fee_cents, rating)
select pg_temp.ent('expert-yacht-delivery'), 'demo-dl-' || lpad(n::text, 3, '0'), r.customer, r.vessel, r.len,
       r.from_port, r.to_port, st.stage, d.inq,
       case when st.k >= 2 or (st.stage = 'lost' and d.lost_after >= 2) then d.quo end,
       case when st.k >= 3 or (st.stage = 'lost' and d.lost_after >= 3) then d.con end,
       case when st.k >= 4 then d.dep end, case when st.k >= 5 then d.dlv end,
       case when st.k >= 6 then d.inv end, case when st.k >= 7 then d.paid end,
       case when st.stage = 'lost' then d.lost end,
       r.nm, case when st.k >= 5 then round((r.nm * (1.02 + pg_temp.rnd('dl-extra:' || n) * 0.1))::numeric, 1) end,
       case when st.k >= 5 then round((r.nm / (6.2 + pg_temp.rnd('dl-speed:' || n) * 1.5) / 24)::numeric, 2) end,
       case when st.k >= 5 then pg_temp.pick('dl-weather:' || n, 0, 3) else 0 end,
       (r.nm * (450 + pg_temp.pick('dl-rate:' || n, 0, 150)))::bigint,
       case when st.k >= 5 then pg_temp.pick('dl-rating:' || n, 3, 5) end
  from (select generate_series(1, 26) union all select generate_series(101, 105)) as g (n)
  cross join lateral (
      select (array['Harbor Yachts', 'M. Alvarez', 'Pacific Charters', 'J. Kim', 'Blue Water Brokerage', 'S. Ortega'])[pg_temp.pick('dl-cust:' || n, 1, 6)] as customer,
             x.*
        from (values ('Swan 48', 48.0, 'San Diego', 'Seattle', 1120),
                     ('Hinckley 43', 43.0, 'Newport Beach', 'Cabo San Lucas', 800),
                     ('J/122', 40.0, 'San Diego', 'Honolulu', 2260),
                     ('Beneteau 45', 45.0, 'Ensenada', 'San Francisco', 620),
                     ('Catalina 42', 42.0, 'Marina del Rey', 'San Diego', 110),
                     ('Grand Banks 46', 46.0, 'Puerto Vallarta', 'San Diego', 1130)) as x (vessel, len, from_port, to_port, nm)
       offset pg_temp.pick('dl-route:' || n, 0, 5) limit 1) as r
  cross join lateral (
      select case when n = 105 then pg_temp.today() - 32 - ceil(r.nm / 150.0)::int
                  when n > 100 then pg_temp.today() - (array[2, 6, 20, 31])[n - 100]
                  else pg_temp.month(12) + n * 13 + pg_temp.pick('dl-day:' || n, 0, 6) end as inq,
             pg_temp.pick('dl-lost-after:' || n, 1, 3) as lost_after) as i
  cross join lateral (
      select i.inq, i.lost_after, i.inq + 4 as quo, i.inq + 14 as con, i.inq + 30 as dep,
             i.inq + 30 + ceil(r.nm / 150.0)::int + 2 as dlv, i.inq + 30 + ceil(r.nm / 150.0)::int + 4 as inv,
             i.inq + 30 + ceil(r.nm / 150.0)::int + 4 + pg_temp.pick('dl-pay:' || n, 10, 40) as paid,
             case i.lost_after when 1 then i.inq + 3 when 2 then i.inq + 9 else i.inq + 17 end as lost) as d
  cross join lateral (
      select case when n < 100 and pg_temp.rnd('dl-lost:' || n) < 0.25 and d.lost <= pg_temp.today() then 'lost'
                  when d.paid <= pg_temp.today() then 'paid' when d.inv <= pg_temp.today() then 'invoiced'
                  when d.dlv <= pg_temp.today() then 'delivered' when d.dep <= pg_temp.today() then 'in_transit'
                  when d.con <= pg_temp.today() then 'contracted' when d.quo <= pg_temp.today() then 'quoted'
                  else 'inquiry' end as stage) as s
  cross join lateral (
      select s.stage, case s.stage when 'inquiry' then 1 when 'quoted' then 2 when 'contracted' then 3
                                   when 'in_transit' then 4 when 'delivered' then 5 when 'invoiced' then 6
                                   when 'paid' then 7 else 0 end as k) as st
 where not (select loaded from demo_loaded) and d.inq <= pg_temp.today();

insert into scc.delivery_costs (delivery_id, external_id, kind, incurred_on, amount_cents)
select d.id, d.external_id || ':' || c.kind, c.kind, d.delivered_on,
       round(d.nm_logged * c.per_nm * (0.8 + pg_temp.rnd('dc:' || d.external_id || c.kind) * 0.4)::numeric)::bigint
  from scc.deliveries as d
  cross join (values ('crew', 150), ('fuel', 90), ('travel', 40), ('provisions', 20)) as c (kind, per_nm)
 where d.external_id like 'demo-dl-%' and d.delivered_on is not null
   and not exists (select 1 from scc.delivery_costs as x where x.delivery_id = d.id);

-- ---------------------------------------------------------------------------
-- DangerousCentaur: five clients, their contracts, weekday time, monthly
-- invoices of the month before's approved hours, payments 15 to 75 days
-- later (the latest few unpaid, and one of Pier 9's long overdue); one
-- contract runs over its cap, one entry carries an old rate
-- ---------------------------------------------------------------------------
insert into scc.clients (entity_id, external_id, name)
select pg_temp.ent('dangerouscentaur'), x.k, x.name
  from (values ('demo-cl-harbor', 'Harbor Analytics'), ('demo-cl-mesa', 'Mesa Health'),
               ('demo-cl-kelp', 'Kelp Robotics'), ('demo-cl-tidal', 'Tidal Credit Union'),
               ('demo-cl-pier', 'Pier 9 Studios')) as x (k, name)
 where not (select loaded from demo_loaded);

insert into scc.contracts (client_id, external_id, title, status, starts_on, ends_on, renews_on, rate_cents, hour_cap)
select k.id, x.k, x.title, x.status, pg_temp.month(x.starts), case when x.ends is not null then pg_temp.month(x.ends) - 1 end,
       case when x.status = 'active' then pg_temp.today() + x.renews end, x.rate, x.cap
  from (values ('demo-cl-harbor', 'demo-ct-harbor', 'Data platform retainer', 'active', 12, null, 40, 17500, null),
               ('demo-cl-mesa', 'demo-ct-mesa', 'Security audit', 'active', 5, null, 75, 20000, 80),
               ('demo-cl-kelp', 'demo-ct-kelp', 'Firmware review', 'ended', 12, 6, null, 18500, 200),
               ('demo-cl-tidal', 'demo-ct-tidal', 'Architecture advisory', 'active', 9, null, 200, 22500, null),
               ('demo-cl-pier', 'demo-ct-pier', 'Pipeline rebuild', 'active', 4, null, 20, 15000, 80))
       as x (client, k, title, status, starts, ends, renews, rate, cap)
  join scc.clients as k on k.external_id = x.client
 where not (select loaded from demo_loaded);

insert into scc.time_entries (contract_id, external_id, worked_on, hours, rate_cents, billable, approved)
select c.id, c.external_id || ':' || to_char(d, 'YYYY-MM-DD'), d::date,
       pg_temp.pick('te:' || c.external_id || d::date, 4, 12) / 2.0,
       c.rate_cents,
       pg_temp.rnd('te-bill:' || c.external_id || d::date) > 0.1,
       d::date < pg_temp.today() - 5 or pg_temp.rnd('te-appr:' || c.external_id || d::date) > 0.5
  from scc.contracts as c
  cross join lateral generate_series(c.starts_on, least(coalesce(c.ends_on, pg_temp.today() - 1), pg_temp.today() - 1),
                                     interval '1 day') as d
 where c.external_id like 'demo-ct-%'
   and extract(isodow from d) <= 5
   and pg_temp.rnd('te-day:' || c.external_id || d::date) < case c.external_id when 'demo-ct-harbor' then 0.5
                                                                               when 'demo-ct-mesa' then 0.35 else 0.25 end
   and not exists (select 1 from scc.time_entries as t where t.contract_id = c.id);

-- Tidal's first entry of last month was logged at last year's rate
update scc.time_entries as t
   set rate_cents = t.rate_cents - 2500
 where t.id = (select x.id from scc.time_entries as x join scc.contracts as c on c.id = x.contract_id
                where c.external_id = 'demo-ct-tidal' and x.worked_on >= pg_temp.month(1)
                order by x.worked_on limit 1)
   and not (select loaded from demo_loaded);

-- an invoice per contract and month for the month's approved billable
-- hours, issued on the 3rd of the next month, due in 30 days
insert into scc.invoices (entity_id, external_id, client_id, counterparty, issued_on, due_on, amount_cents)
select pg_temp.ent('dangerouscentaur'), c.external_id || ':inv:' || to_char(m.m, 'YYYY-MM'), k.id, k.name,
       (m.m + interval '1 month')::date + 2, (m.m + interval '1 month')::date + 32,
       round(sum(t.hours * t.rate_cents))::bigint
  from scc.contracts as c
  join scc.clients as k on k.id = c.client_id
  join scc.time_entries as t on t.contract_id = c.id and t.billable and t.approved
  cross join lateral (select date_trunc('month', t.worked_on)::date as m) as m
 where c.external_id like 'demo-ct-%' and (m.m + interval '1 month')::date + 2 <= pg_temp.today()
   and not exists (select 1 from scc.invoices as i where i.external_id like c.external_id || ':inv:%')
 group by c.external_id, k.id, k.name, m.m;

update scc.time_entries as t
   set invoice_id = i.id
  from scc.contracts as c, scc.invoices as i
 where c.id = t.contract_id and c.external_id like 'demo-ct-%' and t.billable and t.approved and t.invoice_id is null
   and i.external_id = c.external_id || ':inv:' || to_char(t.worked_on, 'YYYY-MM');

insert into scc.payments (invoice_id, external_id, received_on, amount_cents)
select i.id, i.external_id || ':pay', i.issued_on + p.days, i.amount_cents
  from scc.invoices as i
  cross join lateral (select pg_temp.pick('pay:' || i.external_id, 15, case when i.client_id = (select id from scc.clients where external_id = 'demo-cl-pier') then 95 else 55 end) as days) as p
 where i.external_id like 'demo-ct-%' and i.issued_on + p.days <= pg_temp.today()
   and i.external_id <> 'demo-ct-pier:inv:' || to_char(pg_temp.month(4), 'YYYY-MM')
   and not exists (select 1 from scc.payments as y where y.invoice_id = i.id);

-- ---------------------------------------------------------------------------
-- Technology
-- ---------------------------------------------------------------------------
insert into scc.services (external_id, name, stack, provider, monthly_cost_cents, active_from, active_to)
select x.k, x.name, x.stack, x.provider, x.cost, pg_temp.month(x.since), case when x.until is not null then pg_temp.month(x.until) - 1 end
  from (values ('demo-svc-vps', 'Application server', 'hosting', 'Hetzner', 4900, 12, null),
               ('demo-svc-db', 'Database server', 'data', 'Hetzner', 3900, 12, null),
               ('demo-svc-backup', 'Off-site backups', 'data', 'Backblaze', 600, 12, null),
               ('demo-svc-ses', 'Email sending', 'email', 'Amazon SES', 250, 12, null),
               ('demo-svc-dns', 'DNS and TLS', 'web', 'Cloudflare', 0, 12, null),
               ('demo-svc-ci', 'CI runners', 'ci', 'GitHub', 2100, 12, null),
               ('demo-svc-monitor', 'Uptime monitoring', 'monitoring', 'Better Stack', 2400, 7, null),
               ('demo-svc-old-crm', 'Old booking widget', 'web', 'Bookeo', 3900, 12, 5),
               ('demo-svc-maps', 'Maps', 'web', 'Mapbox', 500, 4, null)) as x (k, name, stack, provider, cost, since, until)
 where not (select loaded from demo_loaded);

insert into scc.security_findings (external_id, stack, severity, title, found_on, fixed_on)
select 'demo-sf-' || lpad(n::text, 2, '0'), s.stack, s.severity, s.title, f.found,
       case when f.found + f.takes < pg_temp.today() and pg_temp.rnd('sf-open:' || n) > 0.2 then f.found + f.takes end
  from generate_series(1, 26) as n
  cross join lateral (
      select (array['web', 'web', 'hosting', 'data', 'email', 'ci'])[pg_temp.pick('sf-stack:' || n, 1, 6)] as stack,
             (array['critical', 'high', 'high', 'medium', 'medium', 'medium', 'low', 'low'])[pg_temp.pick('sf-sev:' || n, 1, 8)] as severity,
             (array['Outdated TLS cipher', 'Missing security header', 'Dependency with known CVE', 'Weak SSH setting',
                    'Backup not encrypted', 'DMARC policy none', 'Secrets in CI log', 'Open admin port',
                    'Session cookie without SameSite', 'Verbose error page'])[pg_temp.pick('sf-title:' || n, 1, 10)] as title) as s
  cross join lateral (select pg_temp.month(12) + n * 13 + pg_temp.pick('sf-day:' || n, 0, 9) as found,
                             pg_temp.pick('sf-takes:' || n, 1, 120) as takes) as f
 where not (select loaded from demo_loaded) and f.found <= pg_temp.today();

insert into scc.ux_issues (external_id, page, severity, title, status, opened_on, closed_on)
select 'demo-ux-' || lpad(n::text, 2, '0'), u.page, u.severity, u.title,
       case when o.closed is null then 'open' when pg_temp.rnd('ux-wontfix:' || n) < 0.1 then 'wontfix' else 'fixed' end,
       o.opened, o.closed
  from generate_series(1, 14) as n
  cross join lateral (
      select (array['/event', '/signin', '/waiver', '/manifest', '/events', '/admin-reports'])[pg_temp.pick('ux-page:' || n, 1, 6)] as page,
             (array['critical', 'high', 'medium', 'medium', 'low'])[pg_temp.pick('ux-sev:' || n, 1, 5)] as severity,
             (array['Tap target too small', 'Error message unclear', 'Slow on 3G', 'Date picker confusing',
                    'Contrast too low on buttons', 'Lost scroll position'])[pg_temp.pick('ux-title:' || n, 1, 6)] as title) as u
  cross join lateral (
      select pg_temp.month(12) + n * 24 as opened,
             case when pg_temp.month(12) + n * 24 + pg_temp.pick('ux-takes:' || n, 3, 60) < pg_temp.today()
                  then pg_temp.month(12) + n * 24 + pg_temp.pick('ux-takes:' || n, 3, 60) end as closed) as o
 where not (select loaded from demo_loaded) and o.opened <= pg_temp.today();

insert into scc.repositories (name, stack)
select x.name, x.stack from (values ('scc', 'web'), ('scc-site', 'web'), ('ops-ansible', 'hosting'), ('rental-scripts', 'data'))
       as x (name, stack)
 where not exists (select 1 from scc.repositories as r where r.name = x.name);

-- CI: scc runs on most weekdays, the site now and then, ops rarely and
-- failing often, the rental scripts never
insert into scc.ci_runs (repository_id, external_id, ran_at, outcome)
select r.id, 'demo-ci-' || r.name || ':' || to_char(d, 'YYYY-MM-DD'),
       (d::date + time '15:00') at time zone 'America/Los_Angeles',
       case when pg_temp.rnd('ci-fail:' || r.name || d::date) < x.fail then 'failed' else 'passed' end
  from scc.repositories as r
  join (values ('scc', 0.7, 0.08), ('scc-site', 0.2, 0.05), ('ops-ansible', 0.1, 0.35)) as x (name, often, fail)
    on x.name = r.name
  cross join lateral generate_series(pg_temp.month(12), pg_temp.today() - 1, interval '1 day') as d
 where extract(isodow from d) <= 5 and pg_temp.rnd('ci-day:' || r.name || d::date) < x.often
   and not exists (select 1 from scc.ci_runs as c where c.repository_id = r.id);

insert into scc.deploys (repository_id, external_id, deployed_at, outcome)
select r.id, 'demo-dep-' || r.name || ':' || to_char(d, 'YYYY-MM-DD'),
       (d::date + time '17:00') at time zone 'America/Los_Angeles',
       case when pg_temp.rnd('dep-fail:' || r.name || d::date) < 0.07 then 'rolled_back' else 'success' end
  from scc.repositories as r
  cross join lateral generate_series(pg_temp.month(12), pg_temp.today() - 1, interval '1 day') as d
 where r.name in ('scc', 'scc-site') and extract(isodow from d) in (2, 4)
   and pg_temp.rnd('dep-day:' || r.name || d::date) < case r.name when 'scc' then 0.8 else 0.3 end
   and not exists (select 1 from scc.deploys as x where x.repository_id = r.id);

-- ---------------------------------------------------------------------------
-- Marketing
-- ---------------------------------------------------------------------------
insert into scc.channel_listings (entity_id, channel, status, listed_on, url)
select pg_temp.ent(x.entity), x.channel, x.status, case when x.status = 'live' then pg_temp.month(x.since) end, x.url
  from (values ('charter', 'direct', 'live', 12, 'https://jada.example/book'),
               ('charter', 'sailo', 'live', 11, 'https://www.sailo.com/boats/jada'),
               ('charter', 'getmyboat', 'live', 6, 'https://www.getmyboat.com/boats/queen'),
               ('charter', 'viator', 'in_progress', null, null),
               ('charter', 'getyourguide', 'not_started', null, null),
               ('rental-3028-51st', 'airbnb', 'live', 12, 'https://www.airbnb.com/rooms/3028'),
               ('rental-3028-51st', 'vrbo', 'live', 9, 'https://www.vrbo.com/3028'),
               ('rental-3028-51st', 'direct', 'paused', null, null),
               ('expert-yacht-delivery', 'direct', 'live', 12, 'https://expertyachtdelivery.example'),
               ('dangerouscentaur', 'referral', 'live', 12, null),
               ('quickdumpnow', 'google_ads', 'in_progress', null, null)) as x (entity, channel, status, since, url)
 where not exists (select 1 from scc.channel_listings as l where l.entity_id = pg_temp.ent(x.entity) and l.channel = x.channel);

-- the charter funnel per channel and month: visits by channel, then
-- inquiries, quotes and bookings at rates of their own; paid spend on
-- Google Ads and Instagram (they feed the direct bookings)
insert into scc.marketing_months (entity_id, channel, month, spend_cents, visits, inquiries, quotes, bookings)
select pg_temp.ent('charter'), c.channel, m.m, c.spend * (0.8 + pg_temp.rnd('mk-spend:' || c.channel || m.m) * 0.4),
       v.visits, round(v.visits * c.inq)::int, round(v.visits * c.inq * 0.5)::int,
       (select count(*) from scc.bookings as b
         where b.channel = c.channel and b.booked_at >= (m.m + time '00:00') at time zone 'America/Los_Angeles'
           and b.booked_at < ((m.m + interval '1 month')::date + time '00:00') at time zone 'America/Los_Angeles')::int
  from generate_series(12, 0, -1) as n
  cross join lateral (select pg_temp.month(n) as m) as m
  cross join (values ('direct', 0, 0.05, 900), ('sailo', 0, 0.04, 700), ('getmyboat', 0, 0.035, 500),
                     ('viator', 0, 0.02, 150), ('google_ads', 45000, 0.03, 1200), ('instagram', 15000, 0.01, 800))
       as c (channel, spend, inq, base)
  cross join lateral (select (c.base * (0.7 + pg_temp.rnd('mk-visits:' || c.channel || m.m) * 0.6)
                              * case when extract(month from m.m) between 5 and 9 then 1.5 else 1 end)::int as visits) as v
 where not exists (select 1 from scc.marketing_months as x where x.entity_id = pg_temp.ent('charter'));

insert into scc.seo_tasks (entity_id, external_id, title, priority, status, due_on, done_on)
select pg_temp.ent(x.entity), x.k, x.title, x.priority, x.status,
       pg_temp.today() + x.due, case when x.status = 'done' then pg_temp.today() - x.done end
  from (values ('charter', 'demo-seo-gbp', 'Claim and complete the Google Business profile', 'p1', 'done', -60, 70),
               ('charter', 'demo-seo-reviews', 'Ask every guest for a review the day after', 'p1', 'doing', 14, null),
               ('charter', 'demo-seo-citations', 'List on five San Diego harbour directories', 'p2', 'todo', 30, null),
               ('charter', 'demo-seo-pages', 'A page per sail with its own photos', 'p2', 'todo', 45, null),
               ('rental-3028-51st', 'demo-seo-rental', 'Neighbourhood guide page', 'p3', 'todo', 60, null),
               ('expert-yacht-delivery', 'demo-seo-eyd', 'Route pages: San Diego to Seattle, to Cabo', 'p2', 'done', -20, 25))
       as x (entity, k, title, priority, status, due, done)
 where not (select loaded from demo_loaded);

-- ---------------------------------------------------------------------------
-- Plans: monthly targets, assets, action items
-- ---------------------------------------------------------------------------
insert into scc.targets (entity_id, month, revenue_cents, expenses_cents, bookings)
select pg_temp.ent(x.entity), pg_temp.month(n),
       x.revenue * case when extract(month from pg_temp.month(n)) between 6 and 9 then 1.3 else 1 end,
       x.expenses, x.bookings
  from generate_series(12, -2, -1) as n
  cross join (values ('charter', 1200000, 700000, 30), ('rental-3028-51st', 550000, 180000, 6),
                     ('expert-yacht-delivery', 900000, 500000, 2), ('dangerouscentaur', 1800000, 300000, 4),
                     ('quickdumpnow', 200000, 150000, 20)) as x (entity, revenue, expenses, bookings)
 where not exists (select 1 from scc.targets as t where t.entity_id = pg_temp.ent(x.entity) and t.month = pg_temp.month(n));

insert into scc.assets (entity_id, external_id, kind, name, acquired_on, cost_cents, value_cents, renews_on, note)
select pg_temp.ent(x.entity), x.k, x.kind, x.name, x.acquired::date, x.cost, x.value,
       case when x.renews is not null then pg_temp.today() + x.renews end, ''
  from (values ('charter', 'demo-asset-jada', 'boat', 'JADA (sailing yacht, 38 ft)', '2019-04-01', 14500000, 11800000, null),
               ('charter', 'demo-asset-queen', 'boat', 'Queen of San Diego (motor yacht, 52 ft)', '2021-06-15', 38000000, 33500000, null),
               ('rental-3028-51st', 'demo-asset-house', 'property', '3028 51st St', '2018-09-01', 61000000, 89000000, null),
               ('quickdumpnow', 'demo-asset-truck', 'vehicle', 'Dump truck (F-550)', '2023-03-01', 6800000, 5200000, null),
               ('charter', 'demo-asset-domain-jada', 'domain', 'jada.example', '2019-03-01', 1500, null, 41),
               ('expert-yacht-delivery', 'demo-asset-domain-eyd', 'domain', 'expertyachtdelivery.example', '2020-01-10', 1500, null, 160),
               ('dangerouscentaur', 'demo-asset-domain-dc', 'domain', 'dangerouscentaur.example', '2017-05-05', 1500, null, 12),
               ('charter', 'demo-asset-sailo', 'account', 'Sailo host account', '2025-11-01', null, null, null),
               ('charter', 'demo-asset-gmb', 'account', 'GetMyBoat host account', '2026-05-01', null, null, null))
       as x (entity, k, kind, name, acquired, cost, value, renews)
 where not (select loaded from demo_loaded);

insert into scc.action_items (entity_id, external_id, title, owner, priority, status, opened_on, due_on, done_on)
select case when x.entity is not null then pg_temp.ent(x.entity) end, x.k, x.title, x.owner, x.priority, x.status,
       pg_temp.today() - x.age, pg_temp.today() + x.due, case when x.status in ('done', 'dropped') then pg_temp.today() - 1 end
  from (values ('charter', 'demo-act-viator', 'Finish the Viator listing', 'Ana', 'p1', 'doing', 20, 10),
               ('charter', 'demo-act-captain', 'Recruit a third captain for summer', 'Owner', 'p1', 'open', 30, 25),
               (null, 'demo-act-insurance', 'Renew the fleet insurance', 'Owner', 'p1', 'open', 5, 18),
               ('rental-3028-51st', 'demo-act-roof', 'Get three quotes for the roof', 'Owner', 'p2', 'open', 12, 40),
               ('dangerouscentaur', 'demo-act-pier', 'Chase Pier 9''s overdue invoices', 'Owner', 'p1', 'open', 3, 5),
               ('expert-yacht-delivery', 'demo-act-crew', 'Line up crew for the Honolulu run', 'Ben', 'p2', 'open', 8, 28),
               ('quickdumpnow', 'demo-act-ads', 'Launch the Google Ads campaign', 'Owner', 'p3', 'open', 15, 60),
               (null, 'demo-act-books', 'Close the books for last month', 'Bookkeeper', 'p2', 'done', 25, -2))
       as x (entity, k, title, owner, priority, status, age, due)
 where not (select loaded from demo_loaded);

-- ---------------------------------------------------------------------------
-- The ledger: a chart of accounts per entity and a year of entries, each
-- written from the rows above (a booking's revenue on its sail date, a
-- payout when it arrived, a stay's on check-in, an invoice's when issued,
-- its payment when received) or as the month's bills; every entry
-- balances.  Two sailed bookings have no entry and one voucher sale has
-- no booking, so the CEO's tracking gaps have something to show.
-- ---------------------------------------------------------------------------
insert into scc.accounts (entity_id, code, name, type, purpose)
select n.id, a.code, coalesce(case a.code when '4000' then r.revenue end, a.name), a.type, a.purpose
  from scc.entities as n
  join (values ('charter', 'Charter revenue'), ('rental-3028-51st', 'Rental income'),
               ('expert-yacht-delivery', 'Delivery fees'), ('dangerouscentaur', 'Consulting fees'),
               ('quickdumpnow', 'Hauling revenue')) as r (slug, revenue) on r.slug = n.slug
  cross join (values ('1000', 'Operating cash', 'asset', 'cash'),
                     ('1100', 'Accounts receivable', 'asset', 'receivable'),
                     ('1150', 'Marketplace payouts receivable', 'asset', 'receivable'),
                     ('1500', 'Vessels, property and equipment', 'asset', 'fixed_asset'),
                     ('2000', 'Accounts payable', 'liability', 'payable'),
                     ('2400', 'Customer deposits', 'liability', 'deferred_revenue'),
                     ('3000', 'Owner''s equity', 'equity', null),
                     ('4000', 'Revenue', 'revenue', null),
                     ('5000', 'Commissions and platform fees', 'expense', 'variable_cost'),
                     ('5100', 'Fuel', 'expense', 'variable_cost'),
                     ('5200', 'Crew and contractors', 'expense', 'variable_cost'),
                     ('5300', 'Maintenance and repairs', 'expense', null),
                     ('5400', 'Insurance', 'expense', null),
                     ('5500', 'Marketing', 'expense', null),
                     ('5600', 'Software and hosting', 'expense', null),
                     ('5700', 'Moorage, utilities and rent', 'expense', null)) as a (code, name, type, purpose)
 where not (select loaded from demo_loaded)
   and not exists (select 1 from scc.accounts as x where x.entity_id = n.id and x.code = a.code);

-- the entries to write: entity, source, external id, date, memo, lines
-- [[account code, cents (+ debit, - credit)], ...] (zero lines dropped)
create temp table demo_je (entity text, source text, external_id text, posted_on date, memo text, lines jsonb)
    on commit drop;

-- opening balances
insert into demo_je
select x.slug, 'opening', 'opening', pg_temp.month(12), 'Opening balances',
       jsonb_build_array(jsonb_build_array('1000', x.cash), jsonb_build_array('1500', x.fixed),
                         jsonb_build_array('3000', -(x.cash + x.fixed)))
  from (values ('charter', 6000000, 52500000), ('rental-3028-51st', 1500000, 61000000),
               ('expert-yacht-delivery', 2500000, 0), ('dangerouscentaur', 4000000, 0),
               ('quickdumpnow', 800000, 6800000)) as x (slug, cash, fixed);

-- charter: each sailed booking on its sail date (two left out), its payout
insert into demo_je
select 'charter', 'booking', b.external_id, b.sail_on, b.customer || ' (' || b.channel || ')',
       jsonb_build_array(jsonb_build_array(case when b.channel = 'direct' then '1000' else '1150' end,
                                           b.gross_cents - b.commission_cents - b.fees_cents),
                         jsonb_build_array('5000', b.commission_cents + b.fees_cents),
                         jsonb_build_array('4000', -b.gross_cents))
  from scc.bookings as b
 where b.external_id like 'demo-bk-%' and b.status = 'completed'
   and b.external_id not in ('demo-bk-0050', 'demo-bk-' || lpad(((select count(*) from scc.bookings) - 3)::text, 4, '0'));
insert into demo_je
select 'charter', 'payout', b.external_id, b.payout_received_on, 'payout from ' || b.channel,
       jsonb_build_array(jsonb_build_array('1000', b.payout_received_cents), jsonb_build_array('1150', -b.payout_received_cents))
  from scc.bookings as b
 where b.external_id like 'demo-bk-%' and b.status = 'completed' and b.payout_received_cents > 0;
insert into demo_je values
    ('charter', 'manual', 'demo-je-voucher', pg_temp.month(1) + 10, 'gift voucher sold at the boat show',
     '[["1000", 25000], ["4000", -25000]]'),
    ('charter', 'bank', 'demo-je-sails', pg_temp.month(4) + 5, 'new mainsail and jib for JADA',
     '[["1500", 1200000], ["1000", -1200000]]'),
    ('charter', 'bank', 'demo-je-rigging', pg_temp.month(1) + 12, 'standing rigging replaced on Queen',
     '[["5300", 380000], ["1000", -380000]]');
-- deposits taken for the sails to come: a liability until they sail
insert into demo_je
select 'charter', 'deposit', b.external_id, (b.booked_at at time zone 'America/Los_Angeles')::date, 'deposit',
       jsonb_build_array(jsonb_build_array('1000', b.deposit_cents), jsonb_build_array('2400', -b.deposit_cents))
  from scc.bookings as b
 where b.external_id like 'demo-bk-next-%';

-- the month's bills, paid from cash: the charter's running costs (its
-- marketing from the spend recorded), the rental's, the delivery
-- business's and the practice's fixed costs, QuickDumpNow's weekly takings
insert into demo_je
select x.slug, 'bank', x.slug || ':' || to_char(m.m, 'YYYY-MM') || ':' || x.code, m.m + 27, x.memo,
       jsonb_build_array(jsonb_build_array(x.code, v.amount), jsonb_build_array('1000', -v.amount))
  from generate_series(12, 0, -1) as n
  cross join lateral (select pg_temp.month(n) as m) as m
  cross join (values ('charter', '5100', 'fuel', 90000), ('charter', '5200', 'crew pay', 240000),
                     ('charter', '5300', 'maintenance', 60000), ('charter', '5400', 'insurance', 85000),
                     ('charter', '5600', 'software', 15000), ('charter', '5700', 'moorage', 180000),
                     ('charter', '5500', 'marketing', null),
                     ('rental-3028-51st', '5400', 'insurance', 25000), ('rental-3028-51st', '5700', 'utilities', 30000),
                     ('rental-3028-51st', '5300', 'work orders', null),
                     ('expert-yacht-delivery', '5400', 'insurance', 40000), ('expert-yacht-delivery', '5600', 'software', 5000),
                     ('dangerouscentaur', '5200', 'contractors', 150000), ('dangerouscentaur', '5400', 'insurance', 20000),
                     ('dangerouscentaur', '5600', 'software', 30000),
                     ('quickdumpnow', '5100', 'fuel', 40000), ('quickdumpnow', '5300', 'maintenance', 30000),
                     ('quickdumpnow', '5400', 'insurance', 25000)) as x (slug, code, memo, base)
  cross join lateral (
      select case when x.base is not null
                  then round(x.base * (0.85 + pg_temp.rnd('bill:' || x.slug || x.code || m.m) * 0.3))::bigint
                  when x.code = '5500'
                  then (select coalesce(sum(y.spend_cents), 0) from scc.marketing_months as y
                         where y.entity_id = pg_temp.ent('charter') and y.month = m.m)
                  else (select coalesce(sum(w.cost_cents), 0) from scc.work_orders as w
                         where w.closed_at >= (m.m + time '00:00') at time zone 'America/Los_Angeles'
                           and w.closed_at < ((m.m + interval '1 month')::date + time '00:00') at time zone 'America/Los_Angeles')
             end as amount) as v
 where m.m + 27 <= pg_temp.today() and v.amount > 0;
insert into demo_je
select 'quickdumpnow', 'bank', 'quickdumpnow:takings:' || to_char(d, 'YYYY-MM-DD'), d::date, 'the week''s hauling',
       jsonb_build_array(jsonb_build_array('1000', v.amount), jsonb_build_array('4000', -v.amount))
  from generate_series(pg_temp.month(12) + 6, pg_temp.today() - 1, interval '7 days') as d
  cross join lateral (select (30000 + pg_temp.pick('qdn:' || d::date, 0, 400) * 100)::bigint as amount) as v;

-- rental: each stay's revenue on check-in, less the platform's fee
insert into demo_je
select 'rental-3028-51st', 'stay', s.external_id, s.check_in, 'stay via ' || s.channel,
       jsonb_build_array(jsonb_build_array('1000', s.revenue_cents - f.fee), jsonb_build_array('5000', f.fee),
                         jsonb_build_array('4000', -s.revenue_cents))
  from scc.rental_stays as s
  cross join lateral (select case when s.channel = 'direct' then 0 else round(s.revenue_cents * 0.03)::bigint end as fee) as f
 where s.external_id like 'demo-stay-%' and s.status = 'confirmed' and s.check_in <= pg_temp.today();

-- deliveries: invoiced, paid, and their costs when delivered
insert into demo_je
select 'expert-yacht-delivery', 'delivery', d.external_id || ':invoice', d.invoiced_on, 'invoice to ' || d.customer,
       jsonb_build_array(jsonb_build_array('1100', d.fee_cents), jsonb_build_array('4000', -d.fee_cents))
  from scc.deliveries as d where d.external_id like 'demo-dl-%' and d.invoiced_on is not null;
insert into demo_je
select 'expert-yacht-delivery', 'delivery', d.external_id || ':payment', d.paid_on, 'payment from ' || d.customer,
       jsonb_build_array(jsonb_build_array('1000', d.fee_cents), jsonb_build_array('1100', -d.fee_cents))
  from scc.deliveries as d where d.external_id like 'demo-dl-%' and d.paid_on is not null;
insert into demo_je
select 'expert-yacht-delivery', 'delivery', d.external_id || ':costs', d.delivered_on, 'costs of ' || d.vessel,
       jsonb_build_array(jsonb_build_array('5200', c.crew), jsonb_build_array('5100', c.fuel),
                         jsonb_build_array('5300', c.other), jsonb_build_array('1000', -(c.crew + c.fuel + c.other)))
  from scc.deliveries as d
  cross join lateral (select coalesce(sum(x.amount_cents) filter (where x.kind = 'crew'), 0) as crew,
                             coalesce(sum(x.amount_cents) filter (where x.kind = 'fuel'), 0) as fuel,
                             coalesce(sum(x.amount_cents) filter (where x.kind not in ('crew', 'fuel')), 0) as other
                        from scc.delivery_costs as x where x.delivery_id = d.id) as c
 where d.external_id like 'demo-dl-%' and d.delivered_on is not null and c.crew + c.fuel + c.other > 0;

-- the practice: invoices when issued, payments when received
insert into demo_je
select 'dangerouscentaur', 'invoice', i.external_id, i.issued_on, 'invoice to ' || i.counterparty,
       jsonb_build_array(jsonb_build_array('1100', i.amount_cents), jsonb_build_array('4000', -i.amount_cents))
  from scc.invoices as i where i.external_id like 'demo-ct-%';
insert into demo_je
select 'dangerouscentaur', 'payment', y.external_id, y.received_on, 'payment',
       jsonb_build_array(jsonb_build_array('1000', y.amount_cents), jsonb_build_array('1100', -y.amount_cents))
  from scc.payments as y where y.external_id like 'demo-ct-%';

insert into scc.journal_entries (entity_id, posted_on, memo, source, external_id)
select pg_temp.ent(j.entity), j.posted_on, j.memo, j.source, j.external_id
  from demo_je as j
 where not (select loaded from demo_loaded);
insert into scc.journal_lines (entry_id, entity_id, posted_on, account_id, amount_cents, currency)
select e.id, e.entity_id, e.posted_on, a.id, (l.x ->> 1)::bigint, 'USD'
  from demo_je as j
  join scc.journal_entries as e
    on e.entity_id = pg_temp.ent(j.entity) and e.source = j.source and e.external_id = j.external_id
  cross join lateral jsonb_array_elements(j.lines) as l (x)
  join scc.accounts as a on a.entity_id = e.entity_id and a.code = l.x ->> 0
 where not (select loaded from demo_loaded) and (l.x ->> 1)::bigint <> 0;

-- bills (AP) for the charter's moorage and the rental's utilities, paid
-- ten days after issue except the latest; two without a receipt
insert into scc.bills (entity_id, external_id, vendor, issued_on, due_on, paid_on, amount_cents, receipt)
select pg_temp.ent(x.slug), x.slug || ':bill:' || to_char(m.m, 'YYYY-MM'), x.vendor, m.m + 1, m.m + 16,
       case when m.m + 11 <= pg_temp.today() - 20 then m.m + 11 end, x.amount,
       case when pg_temp.rnd('receipt:' || x.slug || m.m) < 0.1 then null else 'scan-' || x.slug || '-' || to_char(m.m, 'YYYYMM') end
  from generate_series(12, 0, -1) as n
  cross join lateral (select pg_temp.month(n) as m) as m
  cross join (values ('charter', 'Shelter Island Marina', 180000), ('rental-3028-51st', 'SDG&E', 30000)) as x (slug, vendor, amount)
 where not (select loaded from demo_loaded) and m.m + 1 <= pg_temp.today();

commit;
