-- charter_tables.sql — the charter tables' own rules (014): the
-- constraints a route can't break, the roster's history trigger, the copy
-- of checklists into an event, and the event page's roster, checklist and
-- places JSON.  Runs in one transaction, rolled back.
begin;
create extension if not exists pgtap;
select plan(17);

insert into scc.users (id, email, name, role) values
    ('00000000-0000-4000-8000-0000000000a1', 'cap@tables.example', 'Cap', 'captain'),
    ('00000000-0000-4000-8000-0000000000b1', 'deck1@tables.example', 'Deck One', 'crew'),
    ('00000000-0000-4000-8000-0000000000b2', 'deck2@tables.example', 'Deck Two', 'crew'),
    ('00000000-0000-4000-8000-0000000000b3', 'deck3@tables.example', 'Deck Three', 'crew');
insert into scc.boats (id, name, port_name, port_lat, port_lon, time_zone, guest_capacity, crew_min, crew_max)
values ('00000000-0000-4000-8000-00000000b0a7', 'Tables', 'Shelter Island', 32.714, -117.228,
        'America/Los_Angeles', 6, 1, 2);
insert into scc.events (id, boat_id, title, departure_at, return_at, time_zone, crew_min, crew_max, guest_max, state)
values ('00000000-0000-4000-8000-0000000000e1', '00000000-0000-4000-8000-00000000b0a7', 'Sunset sail',
        now() + interval '3 days', now() + interval '3 days 3 hours', 'America/Los_Angeles', 1, 2, 6, 'scheduled');

select throws_ok($$insert into scc.events (boat_id, title, departure_at, return_at, time_zone, crew_min, crew_max, guest_max)
                   values ('00000000-0000-4000-8000-00000000b0a7', 'Backwards', now(), now() - interval '1 hour',
                           'UTC', 1, 2, 0)$$,
                 '23514', null, 'an event returns after it departs');
select throws_ok($$update scc.events set state = 'cancelled' where id = '00000000-0000-4000-8000-0000000000e1'$$,
                 '23514', null, 'a cancelled event has a reason');
select throws_ok($$insert into scc.boats (name, port_name, port_lat, port_lon, time_zone, guest_capacity, crew_min, crew_max)
                   values ('Odd', 'Port', 32, -117, 'UTC', 4, 3, 2)$$,
                 '23514', null, 'crew_min is at most crew_max');
select throws_ok($$insert into scc.checklist_templates (id, name, phase) values ('00000000-0000-4000-8000-0000000000f0', 'T', 'pre');
                   insert into scc.checklist_template_items (template_id, position, label, kind)
                   values ('00000000-0000-4000-8000-0000000000f0', 1, 'Sea state', 'choice')$$,
                 '23514', null, 'a choice item has options');

-- the roster: two crew seats taken, one waiting; a person holds one live place
insert into scc.event_roles (event_id, user_id, role, state, changed_by, reason) values
    ('00000000-0000-4000-8000-0000000000e1', '00000000-0000-4000-8000-0000000000a1', 'captain', 'confirmed', null, 'claimed'),
    ('00000000-0000-4000-8000-0000000000e1', '00000000-0000-4000-8000-0000000000b1', 'crew', 'confirmed', null, 'claimed'),
    ('00000000-0000-4000-8000-0000000000e1', '00000000-0000-4000-8000-0000000000b2', 'crew', 'claimed', null, 'claimed');
insert into scc.event_roles (event_id, user_id, role, state, queued_at)
values ('00000000-0000-4000-8000-0000000000e1', '00000000-0000-4000-8000-0000000000b3', 'crew', 'waitlisted', clock_timestamp());
select throws_ok($$insert into scc.event_roles (event_id, user_id, role, state)
                   values ('00000000-0000-4000-8000-0000000000e1', '00000000-0000-4000-8000-0000000000b1', 'captain', 'claimed')$$,
                 '23505', null, 'one live place a person an event');
select throws_ok($$insert into scc.event_roles (event_id, user_id, role, state)
                   values ('00000000-0000-4000-8000-0000000000e1', '00000000-0000-4000-8000-0000000000a1', 'crew', 'waitlisted')$$,
                 '23514', null, 'a waitlisted place has its queue time');

update scc.event_roles set state = 'released', changed_by = '00000000-0000-4000-8000-0000000000b2', reason = 'sick'
 where user_id = '00000000-0000-4000-8000-0000000000b2';
update scc.event_roles set reason = 'a note only'
 where user_id = '00000000-0000-4000-8000-0000000000b1';
select results_eq($$select from_state, to_state, changed_by::text, reason from scc.event_role_changes
                     where user_id = '00000000-0000-4000-8000-0000000000b2' order by id$$,
                  $$values (null::text, 'claimed'::text, null::text, 'claimed'::text),
                           ('claimed', 'released', '00000000-0000-4000-8000-0000000000b2', 'sick')$$,
                  'each change of state is in the history, with who and why');
select is((select count(*)::int from scc.event_role_changes where user_id = '00000000-0000-4000-8000-0000000000b1'),
          1, 'an update that changes neither role nor state writes no history');

select is((select scc.event_roster_json(e) -> 'capacity' -> 'crew' from scc.events as e
            where e.id = '00000000-0000-4000-8000-0000000000e1'),
          '{"min": 1, "max": 2, "filled": 1, "waitlisted": 1}'::jsonb, 'crew fill: released places do not count');
select is((select jsonb_path_query_array(scc.event_roster_json(e), '$.people[*].name') from scc.events as e
            where e.id = '00000000-0000-4000-8000-0000000000e1'),
          '["Cap", "Deck One", "Deck Three"]'::jsonb, 'live places, captain first, the waitlist last');
select is((select scc.event_roster_json(e) #>> '{people,2,position}' from scc.events as e
            where e.id = '00000000-0000-4000-8000-0000000000e1'),
          '1', 'the waitlist has positions');

select is((select jsonb_build_object('claim', y #> '{may,claim}', 'release', y #> '{may,release}')
             from scc.events as e cross join scc.event_you_json(scc.event_page_build(e), '00000000-0000-4000-8000-0000000000b3', 'crew') as y
            where e.id = '00000000-0000-4000-8000-0000000000e1'),
          '{"claim": [], "release": true}'::jsonb, 'someone waiting may not claim again, may leave');
select is((select jsonb_build_object('places', y -> 'places', 'claim', y #> '{may,claim}', 'release', y #> '{may,release}')
             from scc.events as e cross join scc.event_you_json(scc.event_page_build(e), '00000000-0000-4000-8000-0000000000b2', 'crew') as y
            where e.id = '00000000-0000-4000-8000-0000000000e1'),
          '{"places": [], "claim": ["crew"], "release": false}'::jsonb, 'crew who released may claim crew again');

-- checklists: copied once, ordered, global and the boat's own
insert into scc.checklist_templates (id, name, phase, boat_id) values
    ('00000000-0000-4000-8000-0000000000f1', 'Before any sail', 'pre', null),
    ('00000000-0000-4000-8000-0000000000f2', 'Tables only', 'pre', '00000000-0000-4000-8000-00000000b0a7'),
    ('00000000-0000-4000-8000-0000000000f3', 'After', 'post', null);
insert into scc.checklist_template_items (template_id, position, label, kind, options, unit, min_value, max_value, required) values
    ('00000000-0000-4000-8000-0000000000f1', 2, 'Life jackets counted', 'check', null, null, null, null, true),
    ('00000000-0000-4000-8000-0000000000f1', 1, 'Sea state', 'choice', '{calm,moderate,rough}', null, null, null, true),
    ('00000000-0000-4000-8000-0000000000f2', 1, 'Fuel', 'number', null, 'gal', 0, 40, false),
    ('00000000-0000-4000-8000-0000000000f3', 1, 'Damage noted', 'text', null, null, null, null, true);
select is(scc.event_copy_checklists('00000000-0000-4000-8000-0000000000e1'), 4, 'the applicable items are copied');
select is(scc.event_copy_checklists('00000000-0000-4000-8000-0000000000e1'), 0, 'once only');
insert into scc.checklist_answers (item_id, value, answered_by)
select i.id, '"calm"', '00000000-0000-4000-8000-0000000000b1'
  from scc.event_checklist_items as i where i.label = 'Sea state';
select is((select jsonb_path_query_array(scc.event_checklist_json(e), '$.pre.items[*].label') from scc.events as e
            where e.id = '00000000-0000-4000-8000-0000000000e1'),
          '["Sea state", "Life jackets counted", "Fuel"]'::jsonb, 'global items first in template order, then the boat''s');
select is((select (scc.event_checklist_json(e) -> 'pre') - 'items' from scc.events as e
            where e.id = '00000000-0000-4000-8000-0000000000e1'),
          '{"required": 2, "answered_required": 1}'::jsonb, 'required items and how many are answered');

select * from finish();
rollback;
