-- event_pages.sql — the event page's kept rows (020_event_page_cache.sql):
-- after each kind of write the page GET /api/events/:id answers, read from
-- scc.event_pages, is the page built from the tables, for every kind of
-- caller; the row is built (not stale) by the write itself; what depends
-- on the clock (overdue, too early, departure passed) is kept on both sides
-- of the instant it changes and picked by the read; a person's or a boat's change rebuilds open events and
-- leaves closed ones stale (read from the tables); an event's row goes
-- with it.  The deferred trigger is made immediate here (the transaction
-- is rolled back, never committed), so each statement settles its pages.
-- Runs as the superuser inside a rolled-back transaction.
begin;
create extension if not exists pgtap;
select plan(44);
set constraints all immediate;

-- ---- fixtures ------------------------------------------------------------------------
insert into scc.users (id, email, name, role) values
    ('00000000-0000-4000-8000-0000000000a1', 'admin@pages.example', 'Ada Admin', 'admin'),
    ('00000000-0000-4000-8000-0000000000c1', 'cap@pages.example', 'Cleo Captain', 'captain'),
    ('00000000-0000-4000-8000-000000000001', 'crew1@pages.example', 'Crew One', 'crew'),
    ('00000000-0000-4000-8000-000000000002', 'crew2@pages.example', 'Crew Two', 'crew'),
    ('00000000-0000-4000-8000-000000000003', 'crew3@pages.example', 'Crew Three', 'crew'),
    ('00000000-0000-4000-8000-0000000000f1', 'guest@pages.example', 'Gus Guest', 'guest');
insert into scc.boats (id, name, port_name, port_lat, port_lon, time_zone, guest_capacity, crew_min, crew_max)
values ('00000000-0000-4000-8000-00000000b001', 'Page Test Boat', 'Shelter Island', 32.71, -117.23,
        'America/Los_Angeles', 6, 1, 1);
insert into scc.checklist_templates (id, name, phase, boat_id) values
    ('00000000-0000-4000-8000-00000000f001', 'Page pre', 'pre', '00000000-0000-4000-8000-00000000b001');
insert into scc.checklist_template_items (template_id, position, label, kind, required) values
    ('00000000-0000-4000-8000-00000000f001', 1, 'Life jackets aboard', 'check', true),
    ('00000000-0000-4000-8000-00000000f001', 2, 'Fuel level', 'number', false);

create function pg_temp.ctx(actor text, ev text, params jsonb default '{}', body jsonb default null)
returns jsonb language sql as $$
    select jsonb_build_object('actor', jsonb_build_object('id', actor,
                                                          'role', (select u.role from scc.users as u where u.id = actor::uuid)),
                              'params', jsonb_build_object('id', ev) || params, 'query', '{}'::jsonb,
                              'body', body, 'request_id', 'req-pages')
$$;
-- the page as the route answers it, and as built from the tables now
create function pg_temp.got(actor text, ev text) returns jsonb language sql as $$
    select body::jsonb from scc_api.event_get(pg_temp.ctx(actor, ev))
$$;
create function pg_temp.want(actor text, ev text) returns jsonb language sql as $$
    select scc.event_page_json(e, actor::uuid, (select u.role from scc.users as u where u.id = actor::uuid))::jsonb
      from scc.events as e where e.id = ev::uuid
$$;
-- the kept row is built, and every caller's page from it is the one built
-- from the tables: 'ok', or what differs
create function pg_temp.same(ev text) returns text language plpgsql as $$
declare
    who text;
begin
    if not exists (select 1 from scc.event_pages as p where p.event_id = ev::uuid and not p.stale) then
        return 'the row is stale or missing';
    end if;
    foreach who in array array['00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-0000000000c1',
                               '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002',
                               '00000000-0000-4000-8000-000000000003'] loop
        if pg_temp.got(who, ev) is distinct from pg_temp.want(who, ev) then
            return 'differs for ' || who;
        end if;
    end loop;
    return 'ok';
end
$$;
create function pg_temp.call(fn text, c jsonb) returns int language plpgsql as $$
declare
    st int;
begin
    execute format('select status from scc_api.%I($1)', fn) into st using c;
    return st;
end
$$;
\set admin '''00000000-0000-4000-8000-0000000000a1'''
\set cap '''00000000-0000-4000-8000-0000000000c1'''
\set c1 '''00000000-0000-4000-8000-000000000001'''
\set c2 '''00000000-0000-4000-8000-000000000002'''
\set c3 '''00000000-0000-4000-8000-000000000003'''

-- ---- an event is created and scheduled: its row is there, built ----------------------------------
select is(pg_temp.call('event_create', pg_temp.ctx(:admin, null, body => jsonb_build_object(
           'boat_id', '00000000-0000-4000-8000-00000000b001', 'title', 'Kept sail',
           'departure_at', scc.iso(now() + interval '3 days'), 'return_at', scc.iso(now() + interval '3 days 3 hours'),
           'state', 'scheduled'))), 201, 'an admin schedules an event');
select (select id::text from scc.events where title = 'Kept sail') as ev \gset
select is(pg_temp.same(:'ev'), 'ok', 'created: the kept page is the page built from the tables');
select is((select p.checklist::jsonb #>> '{pre,items,0,label}' from scc.event_pages as p where p.event_id = :'ev'::uuid),
          'Life jackets aboard', 'the checklist copied at scheduling is in the kept row');

-- ---- the roster -----------------------------------------------------------------------------------
select is(pg_temp.call('role_claim', pg_temp.ctx(:cap, :'ev', '{"role": "captain"}')), 201, 'the captain claims');
select is(pg_temp.same(:'ev'), 'ok', 'after a claim');
select is(pg_temp.call('role_claim', pg_temp.ctx(:c1, :'ev', '{"role": "crew"}')), 201, 'crew one claims the seat');
select is(pg_temp.call('role_claim', pg_temp.ctx(:c2, :'ev', '{"role": "crew"}')), 201, 'crew two waits');
select is(pg_temp.call('role_claim', pg_temp.ctx(:c3, :'ev', '{"role": "crew"}')), 201, 'crew three waits behind');
select is(pg_temp.same(:'ev'), 'ok', 'after a waitlist forms');
select is(pg_temp.got(:c3, :'ev') #>> '{you,places,0,position}', '2', 'the third in line reads position 2');
select is(pg_temp.call('role_release', pg_temp.ctx(:c1, :'ev', '{"role": "crew"}')), 200, 'crew one releases');
select is(pg_temp.same(:'ev'), 'ok', 'after a release and a promotion');
select is(pg_temp.got(:c3, :'ev') #>> '{you,places,0,position}', '1', 'crew three moves up');
select is(pg_temp.call('role_override', pg_temp.ctx(:admin, :'ev', body => jsonb_build_object(
           'action', 'add', 'user_id', :c1, 'role', 'crew', 'reason', 'needed', 'silent', true))), 200,
          'an admin adds crew one back past capacity');
select is(pg_temp.same(:'ev'), 'ok', 'after an override');

-- ---- who may read it: from the kept row ------------------------------------------------------------
select throws_ok(format('select scc_api.event_get(%L)', pg_temp.ctx('00000000-0000-4000-8000-0000000000f1', :'ev')),
                 'SC404', null, 'a guest without a place is told there is no such event');
insert into scc.event_roles (event_id, user_id, role, state, reason)
values (:'ev'::uuid, '00000000-0000-4000-8000-0000000000f1', 'guest', 'confirmed', 'fixture');
select is(pg_temp.got('00000000-0000-4000-8000-0000000000f1', :'ev'),
          pg_temp.want('00000000-0000-4000-8000-0000000000f1', :'ev'), 'with a place, the guest reads the page');

-- ---- checklists ---------------------------------------------------------------------------------
select (select i.id::text from scc.event_checklist_items as i
         where i.event_id = :'ev'::uuid and i.label = 'Life jackets aboard') as item \gset
select is(pg_temp.got(:admin, :'ev') #>> '{transitions,0,missing,0,code}', 'too_early',
          'before boarding opens the read adds the clock''s refusal');
select is((select array[p.transitions::jsonb #>> '{0,missing,0,code}', p.transitions_flipped::jsonb #>> '{0,allowed}',
                     (p.flips_at = e.departure_at - interval '2 hours')::text]
             from scc.event_pages as p join scc.events as e on e.id = p.event_id where p.event_id = :'ev'::uuid),
          array['too_early', 'true', 'true'],
          'the kept row holds both sides of the instant boarding opens');
select is(pg_temp.call('checklist_answer', pg_temp.ctx(:c2, :'ev', jsonb_build_object('item', :'item'),
           '{"value": true}')), 200, 'crew answers an item');
select is(pg_temp.same(:'ev'), 'ok', 'after an answer');
select is(pg_temp.call('checklist_answer', pg_temp.ctx(:c2, :'ev', jsonb_build_object('item', :'item'),
           '{"value": null}')), 200, 'and clears it');
select is(pg_temp.same(:'ev'), 'ok', 'after an answer is cleared');

-- ---- the event itself -----------------------------------------------------------------------------
select is(pg_temp.call('event_update', pg_temp.ctx(:cap, :'ev', body => '{"title": "Kept sail, renamed", "silent": true}')),
          200, 'the captain renames the event');
select is(pg_temp.same(:'ev'), 'ok', 'after an edit');
update scc.events set departure_at = now() + interval '1 hour', return_at = now() + interval '4 hours'
 where id = :'ev'::uuid;
select is(pg_temp.call('event_transition', pg_temp.ctx(:cap, :'ev', body => '{"to": "boarding"}')), 200,
          'boarding opens');
select is(pg_temp.same(:'ev'), 'ok', 'after a transition');
select is((select p.transitions::jsonb #>> '{0,missing,0,code}' from scc.event_pages as p where p.event_id = :'ev'::uuid),
          'pre_item_unanswered', 'the kept row names the unanswered item underway needs');
select ok((select p.flips_at is null and p.transitions_flipped is null from scc.event_pages as p
            where p.event_id = :'ev'::uuid), 'boarding: the clock changes nothing, one side only');
select is(pg_temp.call('checklist_answer', pg_temp.ctx(:c2, :'ev', jsonb_build_object('item', :'item'),
           '{"value": true}')), 200, 'the item is answered');
select is(pg_temp.call('event_transition', pg_temp.ctx(:cap, :'ev', body => '{"to": "underway"}')), 200,
          'the boat leaves');
-- the return passes while it is out: the read picks the kept row's overdue side
update scc.events set departure_at = now() - interval '5 hours', return_at = now() - interval '1 hour'
 where id = :'ev'::uuid;
select is(pg_temp.same(:'ev'), 'ok', 'underway, past its return');
select is(pg_temp.got(:cap, :'ev') #>> '{timing,overdue}', 'true', 'the page says overdue');
select is((select array[p.timing::jsonb ->> 'overdue', p.timing_flipped::jsonb ->> 'overdue']
             from scc.event_pages as p where p.event_id = :'ev'::uuid), array['false', 'true'],
          'from the side of the instant the read picked');

-- ---- a person's or a boat's change ---------------------------------------------------------------
insert into scc.events (id, boat_id, title, departure_at, return_at, time_zone, crew_min, crew_max, guest_max, state)
values ('00000000-0000-4000-8000-00000000e0c1', '00000000-0000-4000-8000-00000000b001', 'Old sail',
        now() - interval '30 days', now() - interval '30 days' + interval '3 hours', 'America/Los_Angeles', 1, 1, 6, 'closed');
insert into scc.event_roles (event_id, user_id, role, state, reason)
values ('00000000-0000-4000-8000-00000000e0c1', :c2, 'crew', 'confirmed', 'fixture');
select is(pg_temp.same('00000000-0000-4000-8000-00000000e0c1'), 'ok', 'a closed event''s own writes build its row');
update scc.users set name = 'Crew Two Renamed' where id = :c2::uuid;
select is(pg_temp.same(:'ev'), 'ok', 'a rename rebuilds the open event''s page');
select ok((select p.stale from scc.event_pages as p where p.event_id = '00000000-0000-4000-8000-00000000e0c1'),
          'and leaves the closed event''s row stale');
select is(pg_temp.got(:admin, '00000000-0000-4000-8000-00000000e0c1'),
          pg_temp.want(:admin, '00000000-0000-4000-8000-00000000e0c1'),
          'whose page is then read from the tables, with the new name');
select is(pg_temp.got(:admin, '00000000-0000-4000-8000-00000000e0c1') #>> '{roster,people,0,name}',
          'Crew Two Renamed', 'the new name it is');
update scc.users set phone = '+1 619 555 0101' where id = :c1::uuid;
select is(pg_temp.same(:'ev'), 'ok', 'a change that is not the name leaves the page built');
select is(pg_temp.call('boat_update', jsonb_build_object('actor', jsonb_build_object('id', :admin, 'role', 'admin'),
           'params', jsonb_build_object('id', '00000000-0000-4000-8000-00000000b001'),
           'body', '{"name": "Page Test Boat II"}'::jsonb, 'request_id', 'req-pages')), 200, 'the boat is renamed');
select is(pg_temp.same(:'ev'), 'ok', 'a boat''s change rebuilds its open events');
select is(pg_temp.got(:admin, :'ev') #>> '{event,boat,name}', 'Page Test Boat II', 'with the new name');

-- ---- the row goes with its event ------------------------------------------------------------------
delete from scc.events where id = '00000000-0000-4000-8000-00000000e0c1';
select is((select count(*)::int from scc.event_pages where event_id = '00000000-0000-4000-8000-00000000e0c1'), 0,
          'an event''s row goes with it');

select * from finish();
rollback;
