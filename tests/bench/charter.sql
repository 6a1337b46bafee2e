-- charter.sql — the charter bench's data (tests/bench/charter): the demo
-- data set (sql/demo.sql, loaded first) scaled to 10,000 events, each with
-- a captain, crew, a guest, its checklists copied and mostly answered; and
-- what the three measurements need:
--   bench_page    the event the page is fetched for (a full roster, a
--                 waitlist, answered items) and an admin to fetch it as;
--   bench_claims  100 scheduled events with three crew seats each, and 64
--                 crew members who claim and release on them;
--   bench_cal     a crew member with a place on 500 events (the feed).
-- Run as the superuser on database scc: psql -v ON_ERROR_STOP=1 -f.

begin;

-- 200 people, crew and captains, who fill the rosters
insert into scc.users (email, name, role)
select format('bench%s@scc.example', n), format('Bench Person %s', n),
       case when n % 10 = 0 then 'captain' else 'crew' end
  from generate_series(1, 200) as n;

-- 10,000 events over two years either side of today on the three boats
insert into scc.events (boat_id, title, notes, meetup_at, meetup_place, departure_at, return_at,
                        time_zone, crew_min, crew_max, guest_max, state)
select b.id, format('Bench sail %s', n), 'Bring water.',
       d - interval '30 minutes', b.port_name, d, d + interval '3 hours', b.time_zone,
       b.crew_min, b.crew_max, b.guest_capacity,
       case when d < now() then 'closed' else 'scheduled' end
  from generate_series(1, 9900) as n
  cross join lateral (select (array(select id from scc.boats order by name))[1 + n % 3] as boat_id) as pick
  join scc.boats as b on b.id = pick.boat_id
  cross join lateral (select date_trunc('hour', now()) + (n - 4950) * interval '2 hours 7 minutes' as d) as t;

-- the roster: a captain, the boat's crew, one guest
with e as (
    select e.id, e.crew_max, row_number() over (order by e.id) as k
      from scc.events as e where e.title like 'Bench sail %'
), people as (
    select u.id, u.role, row_number() over (partition by u.role order by u.email) as k,
           count(*) over (partition by u.role) as n
      from scc.users as u where u.email like 'bench%@scc.example'
)
insert into scc.event_roles (event_id, user_id, role, state, reason)
select e.id, p.id, r.role, 'confirmed', 'bench'
  from e
  cross join lateral (values ('captain', 0), ('crew', 1), ('crew', 2)) as r (role, slot)
  join people as p
    on p.role = case r.role when 'captain' then 'captain' else 'crew' end
   and p.k = 1 + (e.k * 7 + r.slot * 13) % p.n
 where r.slot <= e.crew_max;

do $$
begin
    perform scc.event_copy_checklists(e.id) from scc.events as e where e.title like 'Bench sail %';
end
$$;

insert into scc.checklist_answers (item_id, value, answered_by)
select i.id,
       case i.kind when 'check' then 'true'::jsonb
                   when 'choice' then to_jsonb(i.options[1 + abs(hashtext(i.id::text)) % cardinality(i.options)])
                   when 'number' then to_jsonb(abs(hashtext(i.id::text)) % 60)
                   else '"ok"'::jsonb end,
       null
  from scc.event_checklist_items as i
  join scc.events as e on e.id = i.event_id
 where e.title like 'Bench sail %' and abs(hashtext(i.id::text)) % 5 <> 0;

-- the page: the demo's full JADA sail (two crew, two waiting, answers)
create table public.bench_page as
select e.id as event_id,
       (select u.id from scc.users as u where u.email = 'admin@scc.example') as admin_id
  from scc.events as e
 where e.id = md5('scc-demo:event:sched-1')::uuid;

-- claims: 100 events, three crew seats each, nobody on them yet
insert into scc.events (boat_id, title, departure_at, return_at, time_zone, crew_min, crew_max,
                        guest_max, state)
select (select id from scc.boats order by name limit 1), format('Claims %s', n),
       now() + interval '10 days' + n * interval '1 hour', now() + interval '10 days 3 hours' + n * interval '1 hour',
       'America/Los_Angeles', 1, 3, 0, 'scheduled'
  from generate_series(1, 100) as n;
insert into scc.users (email, name, role)
select format('claimer%s@scc.example', n), format('Claimer %s', n), 'crew' from generate_series(1, 64) as n;
create table public.bench_claims as
select (select array_agg(e.id order by e.title) from scc.events as e where e.title like 'Claims %') as events,
       (select array_agg(u.id order by u.email) from scc.users as u where u.email like 'claimer%@scc.example') as users;

-- the feed: one crew member on 500 events
insert into scc.users (email, name, role) values ('calendar@scc.example', 'Calendar Reader', 'crew');
insert into scc.event_roles (event_id, user_id, role, state, queued_at, reason)
select e.id, u.id, 'crew', case when e.k % 10 = 0 then 'waitlisted' else 'confirmed' end,
       case when e.k % 10 = 0 then clock_timestamp() end, 'bench'
  from (select x.id, row_number() over (order by abs(extract(epoch from x.departure_at - now())), x.id) as k
          from scc.events as x where x.title like 'Bench sail %') as e
  cross join scc.users as u
 where u.email = 'calendar@scc.example' and e.k <= 500;
create table public.bench_cal as
select u.id as user_id from scc.users as u where u.email = 'calendar@scc.example';

commit;
vacuum analyze;
