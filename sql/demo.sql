-- demo.sql — a demo data set for `make run` (conf/stack demo): three boats in
-- San Diego Bay, pre and post checklist templates, ten people, and a dozen
-- events over the past and coming weeks in every state, with claims, a
-- full crew role with its waitlist and answered checklists, so that every
-- page has something real to show.  Never applied by the migrations or the
-- tests (a test that wants it loads it).
--
-- Times are relative to the moment it is loaded, on the boats' local
-- clock (America/Los_Angeles).  Ids are derived from names (md5), so the
-- set is loaded once: a database that has the first boat is left alone.
-- Run as the owner: psql -v ON_ERROR_STOP=1 -f sql/demo.sql.

begin;

create function pg_temp.id(name text) returns uuid
language sql immutable as $$ select md5('scc-demo:' || name)::uuid $$;

-- the local date today in San Diego, and a time of day on a day from it
create function pg_temp.at(days integer, hhmm text) returns timestamptz
language sql stable as $$
    select ((now() at time zone 'America/Los_Angeles')::date + days + hhmm::time)
           at time zone 'America/Los_Angeles'
$$;

do $$
begin
    if exists (select 1 from scc.boats where id = pg_temp.id('boat:jada')) then
        raise notice 'demo: already loaded';
        return;
    end if;

    insert into scc.users (id, email, name, phone, role) values
        (pg_temp.id('user:admin'), 'admin@scc.example', 'Demo Admin', '+1 619 555 0100', 'admin'),
        (pg_temp.id('user:ana'), 'ana.captain@scc.example', 'Ana Reyes', '+1 619 555 0101', 'captain'),
        (pg_temp.id('user:ben'), 'ben.captain@scc.example', 'Ben Okafor', '+1 619 555 0102', 'captain'),
        (pg_temp.id('user:cora'), 'cora@scc.example', 'Cora Lindqvist', '+1 619 555 0103', 'crew'),
        (pg_temp.id('user:dev'), 'dev@scc.example', 'Dev Patel', '+1 619 555 0104', 'crew'),
        (pg_temp.id('user:eli'), 'eli@scc.example', 'Eli Navarro', null, 'crew'),
        (pg_temp.id('user:fay'), 'fay@scc.example', 'Fay Chen', '+1 619 555 0106', 'crew'),
        (pg_temp.id('user:gus'), 'gus@scc.example', 'Gus Moreau', null, 'crew'),
        (pg_temp.id('user:hana'), 'hana@scc.example', 'Hana Sato', '+1 619 555 0108', 'crew'),
        (pg_temp.id('user:ivy'), 'ivy.guest@scc.example', 'Ivy Brooks', null, 'guest')
    on conflict do nothing;

    -- home ports: Shelter Island, Harbor Island, Glorietta Bay (Coronado)
    insert into scc.boats (id, name, port_name, port_lat, port_lon, time_zone, guest_capacity,
                           crew_min, crew_max) values
        (pg_temp.id('boat:jada'), 'JADA', 'Shelter Island Marina', 32.7142, -117.2286,
         'America/Los_Angeles', 6, 1, 2),
        (pg_temp.id('boat:queen'), 'Queen of San Diego', 'Harbor Island West Marina', 32.7253, -117.1934,
         'America/Los_Angeles', 12, 2, 3),
        (pg_temp.id('boat:pelican'), 'Pelican', 'Glorietta Bay Marina', 32.6787, -117.1717,
         'America/Los_Angeles', 4, 1, 1);

    insert into scc.checklist_templates (id, name, phase, boat_id) values
        (pg_temp.id('tpl:pre'), 'Before departure', 'pre', null),
        (pg_temp.id('tpl:post'), 'After return', 'post', null),
        (pg_temp.id('tpl:queen-pre'), 'Queen: engine room', 'pre', pg_temp.id('boat:queen'));
    insert into scc.checklist_template_items (id, template_id, position, label, kind, options, unit,
                                              min_value, max_value, required) values
        (pg_temp.id('item:lifejackets'), pg_temp.id('tpl:pre'), 1, 'Life jackets counted and stowed', 'check', null, null, null, null, true),
        (pg_temp.id('item:weather'), pg_temp.id('tpl:pre'), 2, 'Weather and sea state', 'choice', '{calm,moderate,rough,small craft advisory}', null, null, null, true),
        (pg_temp.id('item:fuel'), pg_temp.id('tpl:pre'), 3, 'Fuel on board', 'number', null, 'gal', 0, 60, true),
        (pg_temp.id('item:briefing'), pg_temp.id('tpl:pre'), 4, 'Safety briefing given', 'check', null, null, null, null, true),
        (pg_temp.id('item:prenotes'), pg_temp.id('tpl:pre'), 5, 'Anything to tell the captain', 'text', null, null, null, null, false),
        (pg_temp.id('item:bilge'), pg_temp.id('tpl:queen-pre'), 1, 'Bilge dry', 'check', null, null, null, null, true),
        (pg_temp.id('item:damage'), pg_temp.id('tpl:post'), 1, 'Damage or wear found', 'choice', '{none,minor,needs repair}', null, null, null, true),
        (pg_temp.id('item:fuelback'), pg_temp.id('tpl:post'), 2, 'Fuel left', 'number', null, 'gal', 0, 60, true),
        (pg_temp.id('item:rinse'), pg_temp.id('tpl:post'), 3, 'Boat rinsed and covered', 'check', null, null, null, null, true),
        (pg_temp.id('item:postnotes'), pg_temp.id('tpl:post'), 4, 'Notes for the next crew', 'text', null, null, null, null, false);
end
$$;

-- the events: (key, boat, title, day from today, departure, hours, state)
create temp table demo_events (k text, boat text, title text, day int, hhmm text, hours numeric, state text,
                               reason text) on commit drop;
insert into demo_events values
    ('closed-1', 'jada', 'Saturday sunset sail', -20, '16:30', 3, 'closed', null),
    ('closed-2', 'queen', 'Harbor tour for the Lins', -13, '10:00', 4, 'closed', null),
    ('closed-3', 'jada', 'Saturday sunset sail', -6, '16:30', 3, 'closed', null),
    ('cancel-1', 'pelican', 'Whale watching', -2, '08:00', 4, 'cancelled', 'small craft advisory'),
    ('returned', 'queen', 'Morning bay cruise', 0, '00:00', 2, 'returned', null),
    ('underway', 'pelican', 'Point Loma run', 0, '00:00', 3, 'underway', null),
    ('boarding', 'jada', 'Lunch on the water', 0, '00:00', 2.5, 'boarding', null),
    ('sched-1', 'jada', 'Saturday sunset sail', 1, '16:30', 3, 'scheduled', null),
    ('sched-2', 'queen', 'Company outing: Acme', 3, '11:00', 5, 'scheduled', null),
    ('sched-3', 'pelican', 'Sunrise paddle escort', 6, '06:15', 2, 'scheduled', null),
    ('sched-4', 'jada', 'Saturday sunset sail', 8, '16:30', 3, 'scheduled', null),
    ('draft-1', 'queen', 'Fleet week parade', 15, '09:00', 6, 'draft', null);

insert into scc.events (id, boat_id, title, notes, meetup_at, meetup_place, departure_at, return_at,
                        time_zone, crew_min, crew_max, guest_max, state, cancel_reason,
                        actual_return_at, created_by)
select pg_temp.id('event:' || d.k), b.id, d.title,
       'Bring soft-soled shoes, a jacket for the wind, water.',
       t.dep - interval '30 minutes', b.port_name || ', dock A',
       t.dep, t.dep + d.hours * interval '1 hour', b.time_zone, b.crew_min, b.crew_max, b.guest_capacity,
       d.state, d.reason,
       case when d.state in ('returned', 'closed') then t.dep + d.hours * interval '1 hour' + interval '10 minutes' end,
       pg_temp.id('user:admin')
  from demo_events as d
  join scc.boats as b on b.id = pg_temp.id('boat:' || d.boat)
  cross join lateral (
      select case d.k
                 when 'underway' then date_trunc('minute', now()) - interval '1 hour'
                 when 'boarding' then date_trunc('minute', now()) + interval '90 minutes'
                 when 'returned' then date_trunc('minute', now()) - interval '5 hours'
                 else pg_temp.at(d.day, d.hhmm) end as dep) as t
 where not exists (select 1 from scc.events as e where e.id = pg_temp.id('event:' || d.k));

-- checklists for every event past draft
do $$
begin
    perform scc.event_copy_checklists(e.id)
       from scc.events as e
      where e.id in (select pg_temp.id('event:' || k) from demo_events where state <> 'draft');
end
$$;

-- the roster: (event, person, role, state); sched-1 is JADA with two crew
-- seats, both taken, and two people waiting
create temp table demo_roster (k text, who text, role text, state text, n int) on commit drop;
insert into demo_roster values
    ('closed-1', 'ana', 'captain', 'confirmed', 1), ('closed-1', 'cora', 'crew', 'confirmed', 2),
    ('closed-1', 'dev', 'crew', 'confirmed', 3),
    ('closed-2', 'ben', 'captain', 'confirmed', 1), ('closed-2', 'eli', 'crew', 'confirmed', 2),
    ('closed-2', 'fay', 'crew', 'confirmed', 3), ('closed-2', 'ivy', 'guest', 'confirmed', 4),
    ('closed-3', 'ana', 'captain', 'confirmed', 1), ('closed-3', 'gus', 'crew', 'confirmed', 2),
    ('cancel-1', 'ben', 'captain', 'confirmed', 1), ('cancel-1', 'hana', 'crew', 'confirmed', 2),
    ('returned', 'ben', 'captain', 'confirmed', 1), ('returned', 'cora', 'crew', 'confirmed', 2),
    ('returned', 'dev', 'crew', 'confirmed', 3),
    ('underway', 'ana', 'captain', 'confirmed', 1), ('underway', 'eli', 'crew', 'confirmed', 2),
    ('boarding', 'ben', 'captain', 'confirmed', 1), ('boarding', 'fay', 'crew', 'confirmed', 2),
    ('sched-1', 'ana', 'captain', 'confirmed', 1), ('sched-1', 'cora', 'crew', 'confirmed', 2),
    ('sched-1', 'gus', 'crew', 'confirmed', 3), ('sched-1', 'hana', 'crew', 'waitlisted', 4),
    ('sched-1', 'dev', 'crew', 'waitlisted', 5),
    ('sched-2', 'ben', 'captain', 'designated', 1), ('sched-2', 'eli', 'crew', 'confirmed', 2),
    ('sched-3', 'fay', 'crew', 'confirmed', 1),
    ('sched-4', 'ana', 'captain', 'confirmed', 1);

insert into scc.event_roles (event_id, user_id, role, state, queued_at, since, changed_by, reason)
select pg_temp.id('event:' || r.k), pg_temp.id('user:' || r.who), r.role, r.state,
       case when r.state = 'waitlisted' then e.created_at + r.n * interval '1 minute' end,
       e.created_at + r.n * interval '1 minute',
       case when r.state = 'designated' then pg_temp.id('user:admin') else pg_temp.id('user:' || r.who) end,
       case when r.state = 'designated' then 'demo: designated by the admin' else 'demo' end
  from demo_roster as r
  join scc.events as e on e.id = pg_temp.id('event:' || r.k)
 where not exists (select 1 from scc.event_roles as x
                    where x.event_id = e.id and x.user_id = pg_temp.id('user:' || r.who));

-- answers: every item of the closed and returned events, the pre items of
-- the one underway, a few on the boarding one; values vary by event so the
-- option analysis has a distribution to show
insert into scc.checklist_answers (item_id, value, note, answered_by, answered_at)
select i.id,
       case i.kind
           when 'check' then 'true'::jsonb
           when 'choice' then to_jsonb(i.options[1 + (abs(hashtext(e.id::text || i.label)) % 2)])
           when 'number' then to_jsonb(20 + abs(hashtext(e.id::text || i.label)) % 30)
           else to_jsonb('All good.'::text) end,
       '', (select r.user_id from scc.event_roles as r
             where r.event_id = e.id and r.role = 'crew' order by r.id limit 1),
       case i.phase when 'pre' then e.departure_at - interval '20 minutes'
                    else coalesce(e.actual_return_at, e.return_at) + interval '15 minutes' end
  from scc.events as e
  join scc.event_checklist_items as i on i.event_id = e.id
 where e.id in (select pg_temp.id('event:' || k) from demo_events)
   and (e.state in ('closed', 'returned') and (i.phase = 'pre' or e.state = 'closed')
        or e.state = 'underway' and i.phase = 'pre'
        or e.state = 'boarding' and i.phase = 'pre' and i.kind = 'check')
   and not exists (select 1 from scc.checklist_answers as a where a.item_id = i.id);

-- waivers: the demo's waiver template (helper A) ------------------------------
-- A global "Charter liability waiver", version 1, in the safe format
-- (headings, a list, bold; sql/README.md, "Waivers"), its hash computed
-- from its bytes as the routes do, and every demo event that is scheduled
-- or later (not a draft, not cancelled) pinned to it.  Loaded once (ids
-- from names); the pin only where an event requires nothing yet.
insert into scc.waiver_templates (id, name, boat_id, active, created_by)
select pg_temp.id('waiver:charter'), 'Charter liability waiver', null,
       not exists (select 1 from scc.waiver_templates as t where t.boat_id is null and t.active),
       pg_temp.id('user:admin')
 where not exists (select 1 from scc.waiver_templates as t where t.id = pg_temp.id('waiver:charter'));
insert into scc.waiver_versions (id, template_id, version, title, body, body_sha256, intent_text, consent_text,
                                 adult_text, validity, change_note, created_by)
select pg_temp.id('waiver:charter:1'), pg_temp.id('waiver:charter'), 1,
       'Release of liability, assumption of risk and indemnity', w.body,
       encode(sha256(convert_to(w.body, 'UTF8')), 'hex'),
       'I have read this waiver, I understand that I give up substantial rights by signing it, and I sign it of my own free will.',
       'I agree to sign this waiver electronically and to receive it and its records electronically.',
       'I am 18 years of age or older.',
       'event', 'First version', pg_temp.id('user:admin')
  from (values ($waiver$# Release of liability, assumption of risk and indemnity

Please read this carefully. **By signing it you give up legal rights**, including the right to sue the
owners and crew of the vessel for injury or loss caused by their ordinary negligence.

## The activity

You are joining a sail on San Diego Bay or the nearby ocean aboard a vessel operated by the charter
company ("we"). The captain decides when and where the vessel sails, and may shorten or cancel a
sail for weather, sea state or safety.

## Risks you accept

Sailing has risks that care cannot remove. They include:
- slips, falls and injuries on a moving, wet deck, from lines, winches, the boom and other gear;
- sudden changes of weather, wind and sea state, cold water and sun exposure;
- seasickness, and the time it takes to reach medical help from the water;
- falling overboard, and collision with other vessels or objects.

**I accept these risks** for myself and for every minor I sign for.

## Your part

- Follow the captain's and crew's instructions at all times.
- Wear the life jacket given to you when the captain asks, and always if you cannot swim.
- Tell the captain about any medical condition that could matter at sea.
- Do not board under the influence of alcohol or drugs.

## Release and indemnity

To the fullest extent the law allows, I release the owners, operators, captain and crew of the
vessel from all claims for injury, illness, death or loss of property arising from the sail,
**except claims arising from gross negligence or wilful misconduct**, and I agree to indemnify
them against claims brought by others because of my acts.

## Minors

If I sign for a minor, I am their parent or legal guardian and I agree to these terms on their
behalf.

This waiver is governed by the laws of the State of California. If any part of it is held
unenforceable, the rest remains in force.
$waiver$)) as w (body)
 where not exists (select 1 from scc.waiver_versions as v where v.id = pg_temp.id('waiver:charter:1'));
update scc.events as e
   set waiver_version_id = pg_temp.id('waiver:charter:1')
 where e.id in (select pg_temp.id('event:' || d.k) from demo_events as d where d.state not in ('draft', 'cancelled'))
   and e.waiver_version_id is null;


-- The ledger (charts of accounts and a year of entries) is written with
-- the business's year by demo_business.sql, which conf/stack demo loads
-- next: every entry there is made from the rows it records.

commit;
