-- events.sql — boats and events (015_events.sql): the routes called with
-- the context the module builds, every lifecycle guard and its refusal's
-- "missing" list, admin force, cancel reasons, copy, sequence, the list's
-- filters and visibility, the jobs a scheduled event queues, notifications
-- and the silent flag, and bad input (a field-specific code, nothing
-- changed).  Runs in one transaction, rolled back.
begin;
create extension if not exists pgtap;
select plan(104);

create temp table ids (name text primary key, id uuid);
with u as (
    insert into scc.users (email, name, role, notify_email)
    select x.name || '@events.example', initcap(x.name),
           case when x.name like 'cap%' then 'captain'
                when x.name in ('crew', 'crew2', 'quiet') then 'crew' else x.name end,
           x.name <> 'quiet'
      from (values ('admin'), ('cap'), ('cap2'), ('crew'), ('crew2'), ('guest'), ('quiet')) as x (name)
    returning id, email
)
insert into ids (name, id) select split_part(email, '@', 1), id from u;

create temp table base as select (select count(*)::int from scc.boats) as boats,
                                 (select count(*)::int from scc.events) as events;
create function pg_temp.uid(n text) returns uuid language sql as $$ select id from ids where name = n $$;
create function pg_temp.ctx(actor text, params jsonb default '{}', body jsonb default null,
                            query jsonb default '{}') returns jsonb language sql as $$
    select jsonb_build_object('actor', jsonb_build_object('id', pg_temp.uid(actor),
                                                          'role', (select role from scc.users where id = pg_temp.uid(actor))),
                              'params', params, 'query', query, 'body', body, 'request_id', 'req-test')
$$;
-- Runs a route; answers 'STATUS' or 'STATUS code' (raised or returned) and
-- keeps the body of the last call in last_body.
create temp table last_body (body jsonb);
create function pg_temp.call(fn text, c jsonb) returns text language plpgsql as $$
declare
    st int;
    b  json;
    code text;
    detail text;
begin
    execute format('select status, body from scc_api.%I($1)', fn) into st, b using c;
    delete from last_body;
    insert into last_body values (b::jsonb);
    return st::text || coalesce(' ' || (b::jsonb #>> '{error,code}'), '');
exception when others then
    get stacked diagnostics code = returned_sqlstate, detail = pg_exception_detail;
    return case when code like 'SC%' then substr(code, 3) || ' ' || detail else code || ' ' || sqlerrm end;
end
$$;
create function pg_temp.body() returns jsonb language sql as $$ select body from last_body $$;
create function pg_temp.iso(t timestamptz) returns text language sql as $$ select scc.iso(t) $$;

-- ------------------------------------------------------------------ boats
select is(pg_temp.call('boat_create', pg_temp.ctx('admin', body => '{"name": "Sea Wolf", "port_name": "Shelter Island",
           "port_lat": 32.7157, "port_lon": -117.2289, "time_zone": "America/Los_Angeles", "guest_capacity": 6,
           "crew_min": 1, "crew_max": 3}')), '201', 'an admin creates a boat');
insert into ids select 'boat', (pg_temp.body() ->> 'id')::uuid;
select is(pg_temp.body() ->> 'crew_max', '3', 'with its crew range');
select is(pg_temp.call('boat_create', pg_temp.ctx('cap', body => '{"name": "X"}')), '403 insufficient_scope',
          'a captain may not create a boat');
select is(pg_temp.call('boat_create', pg_temp.ctx('admin', body => '{"name": "sea wolf", "port_name": "P",
           "port_lat": 1, "port_lon": 1, "time_zone": "UTC", "guest_capacity": 1}')), '409 boat_name_taken',
          'a duplicate name (any case) is 409');
select is(pg_temp.call('boat_create', pg_temp.ctx('admin', body => '{"name": "B", "port_name": "P",
           "port_lat": 1, "port_lon": 1, "time_zone": "Mars/Olympus", "guest_capacity": 1}')), '400 invalid_time_zone',
          'an unknown time zone is refused');
select is(pg_temp.call('boat_create', pg_temp.ctx('admin', body => '{"name": "B", "port_name": "P",
           "port_lat": 91, "port_lon": 1, "time_zone": "UTC", "guest_capacity": 1}')), '422 port_lat_out_of_range',
          'latitude out of range');
select is(pg_temp.call('boat_create', pg_temp.ctx('admin', body => '{"name": "B", "port_name": "P",
           "port_lat": 1, "port_lon": "east", "time_zone": "UTC", "guest_capacity": 1}')), '400 invalid_port_lon',
          'longitude of the wrong type');
select is(pg_temp.call('boat_create', pg_temp.ctx('admin', body => '{"name": "B", "port_name": "P",
           "port_lat": 1, "port_lon": 1, "time_zone": "UTC", "guest_capacity": 1, "crew_min": 4, "crew_max": 2}')),
          '422 crew_min_above_max', 'crew_min above crew_max');
select is(pg_temp.call('boat_create', pg_temp.ctx('admin', body => '{"name": "B", "port_name": "P",
           "port_lat": 1, "port_lon": 1, "time_zone": "UTC", "guest_capacity": 501}')), '422 guest_capacity_out_of_range',
          'capacity out of range');
select is(pg_temp.call('boat_create', pg_temp.ctx('admin', body => '{"name": "B", "port_name": "P",
           "port_lat": 1, "port_lon": 1, "time_zone": "UTC", "guest_capacity": 1, "colour": "red"}')), '400 unknown_field',
          'an unknown field');
select is(pg_temp.call('boat_create', pg_temp.ctx('admin', body => '{"port_name": "P",
           "port_lat": 1, "port_lon": 1, "time_zone": "UTC", "guest_capacity": 1}')), '400 name_required', 'no name');
select is((select count(*)::int from scc.boats), (select boats + 1 from base), 'the refused creates made nothing');
select is(pg_temp.call('boat_create', pg_temp.ctx('admin', body => '{"name": "Old Salt", "port_name": "Harbor Island",
           "port_lat": 32.72, "port_lon": -117.19, "time_zone": "America/Los_Angeles", "guest_capacity": 4}')), '201',
          'a second boat');
insert into ids select 'boat2', (pg_temp.body() ->> 'id')::uuid;
select is(pg_temp.call('boat_update', pg_temp.ctx('admin', jsonb_build_object('id', pg_temp.uid('boat2')),
                                                  '{"active": false}')), '200', 'an admin deactivates a boat');
select is(pg_temp.call('boat_update', pg_temp.ctx('admin', jsonb_build_object('id', pg_temp.uid('boat2')),
                                                  '{"name": "Sea Wolf"}')), '409 boat_name_taken', 'rename onto another name');
select is(pg_temp.call('boat_update', pg_temp.ctx('admin', jsonb_build_object('id', gen_random_uuid()),
                                                  '{"active": true}')), '404 boat_not_found', 'an unknown boat');
select is(pg_temp.call('boat_update', pg_temp.ctx('admin', '{"id": "nope"}', '{"active": true}')), '400 invalid_id',
          'a malformed id');
select is(pg_temp.call('boats_list', pg_temp.ctx('crew')), '200', 'crew list boats');
select is((select count(*)::int from jsonb_array_elements(pg_temp.body() -> 'items') as i
             where (i ->> 'id')::uuid in (pg_temp.uid('boat'), pg_temp.uid('boat2'))), 1, 'only the active one');
select is(pg_temp.call('boats_list', pg_temp.ctx('crew', query => '{"all": "1"}')), '403 insufficient_scope',
          'crew may not ask for inactive boats');
select is(pg_temp.call('boats_list', pg_temp.ctx('admin', query => '{"all": "1"}')), '200', 'admins may');
select is((select count(*)::int from jsonb_array_elements(pg_temp.body() -> 'items') as i
             where (i ->> 'id')::uuid in (pg_temp.uid('boat'), pg_temp.uid('boat2'))), 2, 'and see both');
select is((select count(*)::int from scc.audit_log where entity = 'boat'
             and entity_id in (pg_temp.uid('boat')::text, pg_temp.uid('boat2')::text)), 3, 'two creates and one update audited');

-- ----------------------------------------------------------------- create
select is(pg_temp.call('event_create', pg_temp.ctx('cap', body => jsonb_build_object(
           'boat_id', pg_temp.uid('boat'), 'title', '  Sunset sail  ', 'departure_at', pg_temp.iso(now() + interval '1 hour'),
           'return_at', pg_temp.iso(now() + interval '4 hours')))), '201', 'a captain creates an event');
insert into ids select 'ev', (pg_temp.body() #>> '{event,id}')::uuid;
select is(pg_temp.body() #>> '{event,state}', 'draft', 'a draft by default');
select is(pg_temp.body() #>> '{event,title}', 'Sunset sail', 'the title trimmed');
select is(pg_temp.body() #>> '{event,time_zone}', 'America/Los_Angeles', 'the boat''s zone by default');
select is(pg_temp.body() #>> '{event,crew_max}', '3', 'the boat''s crew range by default');
select is(pg_temp.body() #>> '{event,guest_max}', '6', 'the boat''s capacity by default');
select is(pg_temp.body() #>> '{event,release_cutoff_hours}', '24', 'a 24 h cutoff by default');
select is(pg_temp.body() #>> '{event,overdue_grace_minutes}', '15', 'a 15 minute grace by default');
select is(pg_temp.body() -> 'you' -> 'places', '[]'::jsonb, 'the creator takes no place');
select is((select count(*)::int from scc.jobs where payload ->> 'event_id' = pg_temp.uid('ev')::text), 0,
          'a draft queues no job');
select is(pg_temp.call('event_create', pg_temp.ctx('crew', body => '{}')), '403 insufficient_scope', 'crew may not create');
select is(pg_temp.call('event_create', pg_temp.ctx('cap', body => jsonb_build_object(
           'boat_id', pg_temp.uid('boat'), 'title', 'x', 'departure_at', pg_temp.iso(now() + interval '5 hours'),
           'return_at', pg_temp.iso(now() + interval '4 hours')))), '422 return_before_departure', 'times out of order');
select is(pg_temp.call('event_create', pg_temp.ctx('cap', body => jsonb_build_object(
           'boat_id', pg_temp.uid('boat'), 'title', 'x', 'departure_at', '2026-07-04 18:30',
           'return_at', pg_temp.iso(now() + interval '4 hours')))), '400 invalid_departure_at',
          'a time without its offset is refused');
select is(pg_temp.call('event_create', pg_temp.ctx('cap', body => jsonb_build_object(
           'boat_id', pg_temp.uid('boat'), 'title', 'x', 'departure_at', pg_temp.iso(now() - interval '1 hour'),
           'return_at', pg_temp.iso(now() + interval '4 hours')))), '422 departure_in_past', 'a departure in the past');
select is(pg_temp.call('event_create', pg_temp.ctx('cap', body => jsonb_build_object(
           'boat_id', pg_temp.uid('boat'), 'title', 'x', 'departure_at', pg_temp.iso(now() + interval '1 hour'),
           'return_at', pg_temp.iso(now() + interval '4 hours'), 'guest_max', 7))), '422 guest_max_over_capacity',
          'more guests than the boat carries');
select is(pg_temp.call('event_create', pg_temp.ctx('cap', body => jsonb_build_object(
           'boat_id', pg_temp.uid('boat'), 'title', 'x', 'departure_at', pg_temp.iso(now() + interval '1 hour'),
           'return_at', pg_temp.iso(now() + interval '4 hours'), 'crew_max', 51))), '422 crew_max_out_of_range',
          'crew_max out of range');
select is(pg_temp.call('event_create', pg_temp.ctx('cap', body => jsonb_build_object(
           'boat_id', pg_temp.uid('boat2'), 'title', 'x', 'departure_at', pg_temp.iso(now() + interval '1 hour'),
           'return_at', pg_temp.iso(now() + interval '4 hours')))), '409 boat_inactive', 'an inactive boat');
select is(pg_temp.call('event_create', pg_temp.ctx('cap', body => jsonb_build_object(
           'boat_id', gen_random_uuid(), 'title', 'x', 'departure_at', pg_temp.iso(now() + interval '1 hour'),
           'return_at', pg_temp.iso(now() + interval '4 hours')))), '404 boat_not_found', 'an unknown boat');
select is(pg_temp.call('event_create', pg_temp.ctx('cap', body => jsonb_build_object(
           'boat_id', pg_temp.uid('boat'), 'title', 'x', 'departure_at', pg_temp.iso(now() + interval '1 hour'),
           'return_at', pg_temp.iso(now() + interval '4 hours'), 'state', 'underway'))), '400 invalid_state',
          'a new event is draft or scheduled');
select is(pg_temp.call('event_create', pg_temp.ctx('cap', body => jsonb_build_object(
           'boat_id', pg_temp.uid('boat'), 'title', 'x', 'departure_at', pg_temp.iso(now() + interval '1 hour'),
           'return_at', pg_temp.iso(now() + interval '4 hours'), 'captain', 'me'))), '400 unknown_field', 'an unknown field');
select is((select count(*)::int from scc.events), (select events + 1 from base), 'the refused creates made nothing');

-- --------------------------------------------------------- visibility, list
select is(pg_temp.call('event_get', pg_temp.ctx('crew', jsonb_build_object('id', pg_temp.uid('ev')))),
          '404 event_not_found', 'crew do not see a draft');
select is(pg_temp.call('event_get', pg_temp.ctx('cap2', jsonb_build_object('id', pg_temp.uid('ev')))), '200',
          'another captain does');
select is(pg_temp.body() #>> '{you,may,edit}', 'false', 'but may not edit it (not its captain)');
select is(pg_temp.call('event_update', pg_temp.ctx('cap', jsonb_build_object('id', pg_temp.uid('ev')), '{"title": "T"}')),
          '403 insufficient_scope', 'its creator is not its captain');
insert into scc.event_roles (event_id, user_id, role, state)
values (pg_temp.uid('ev'), pg_temp.uid('cap'), 'captain', 'claimed');
select is(pg_temp.call('event_update', pg_temp.ctx('cap', jsonb_build_object('id', pg_temp.uid('ev')),
                                                   '{"notes": "Bring a jacket"}')), '200', 'its captain edits it');
select is(pg_temp.body() #>> '{event,sequence}', '1', 'an edit raises the sequence');
select is(pg_temp.call('event_update', pg_temp.ctx('cap', jsonb_build_object('id', pg_temp.uid('ev')),
                                                   '{"notes": "Bring a jacket"}')), '200', 'the same again');
select is(pg_temp.body() #>> '{event,sequence}', '1', 'changes nothing, not even the sequence');

-- --------------------------------------------------------------- lifecycle
select is(pg_temp.call('event_transition', pg_temp.ctx('cap', jsonb_build_object('id', pg_temp.uid('ev')),
                                                       '{"to": "boarding"}')), '409 invalid_transition',
          'a draft cannot board');
select is(pg_temp.call('event_transition', pg_temp.ctx('cap', jsonb_build_object('id', pg_temp.uid('ev')),
                                                       '{"to": "sailing"}')), '400 invalid_to', 'an unknown state');
select is(pg_temp.call('event_transition', pg_temp.ctx('cap', jsonb_build_object('id', pg_temp.uid('ev')),
                                                       '{}')), '400 to_required', 'no target');
insert into scc.checklist_templates (id, name, phase) values
    ('00000000-0000-0000-0000-00000000e001', 'Before', 'pre'), ('00000000-0000-0000-0000-00000000e002', 'After', 'post');
insert into scc.checklist_template_items (template_id, position, label, kind, required) values
    ('00000000-0000-0000-0000-00000000e001', 1, 'Life jackets aboard', 'check', true),
    ('00000000-0000-0000-0000-00000000e001', 2, 'Weather note', 'text', false),
    ('00000000-0000-0000-0000-00000000e002', 1, 'Engine hours', 'number', true);
select is(pg_temp.call('event_transition', pg_temp.ctx('cap', jsonb_build_object('id', pg_temp.uid('ev')),
                                                       '{"to": "scheduled"}')), '200', 'draft → scheduled');
select is((select count(*)::int from scc.event_checklist_items where event_id = pg_temp.uid('ev')), 3,
          'scheduling copied the checklists');
select is((select array_agg(kind order by kind) from scc.jobs where payload ->> 'event_id' = pg_temp.uid('ev')::text),
          array['event_overdue', 'event_roster', 'guest_reminders', 'waiver_completion', 'waiver_completion'],
          'and queued the overdue, roster and guest reminder jobs (024) and the two waiver completion jobs (025)');
select is((select run_at from scc.jobs where kind = 'event_overdue' and payload ->> 'event_id' = pg_temp.uid('ev')::text),
          (select return_at + overdue_grace from scc.events where id = pg_temp.uid('ev')), 'overdue at return + grace');
select is(pg_temp.call('event_transition', pg_temp.ctx('cap', jsonb_build_object('id', pg_temp.uid('ev')),
                                                       '{"to": "boarding"}')), '200', 'scheduled → boarding within 2 h of departure');
select is(pg_temp.call('event_transition', pg_temp.ctx('cap', jsonb_build_object('id', pg_temp.uid('ev')),
                                                       '{"to": "underway"}')), '409 not_ready', 'underway is refused');
select is((select array_agg(m ->> 'code') from jsonb_array_elements(pg_temp.body() #> '{error,missing}') as m),
          array['no_confirmed_captain', 'crew_below_min', 'pre_item_unanswered'],
          'naming everything missing: a confirmed captain, crew, the required pre item (not the optional one)');
select is(pg_temp.body() #>> '{error,request_id}', 'req-test', 'in the house error shape');
select is((select state from scc.events where id = pg_temp.uid('ev')), 'boarding', 'and nothing changed');
update scc.event_roles set state = 'confirmed' where event_id = pg_temp.uid('ev') and role = 'captain';
insert into scc.event_roles (event_id, user_id, role, state) values (pg_temp.uid('ev'), pg_temp.uid('crew'), 'crew', 'claimed');
insert into scc.checklist_answers (item_id, value, answered_by)
select id, 'true', pg_temp.uid('crew') from scc.event_checklist_items
 where event_id = pg_temp.uid('ev') and label = 'Life jackets aboard';
select is((select t -> 'allowed' from scc.events as e cross join lateral jsonb_array_elements(scc.event_transitions_json(e)) as t
            where e.id = pg_temp.uid('ev') and t ->> 'to' = 'underway'), 'true'::jsonb,
          'the page says underway is ready now');
select is(pg_temp.call('event_transition', pg_temp.ctx('cap', jsonb_build_object('id', pg_temp.uid('ev')),
                                                       '{"to": "underway"}')), '200', 'boarding → underway');
select is(pg_temp.call('event_transition', pg_temp.ctx('cap', jsonb_build_object('id', pg_temp.uid('ev')),
                                                       '{"to": "cancelled", "reason": "weather"}')), '409 invalid_transition',
          'no cancelling once underway');
select is(pg_temp.call('event_update', pg_temp.ctx('cap', jsonb_build_object('id', pg_temp.uid('ev')),
                       jsonb_build_object('departure_at', pg_temp.iso(now() + interval '2 hours')))), '409 departure_locked',
          'no moving the departure once underway');
select is(pg_temp.call('event_transition', pg_temp.ctx('cap', jsonb_build_object('id', pg_temp.uid('ev')),
                                                       '{"to": "returned"}')), '200', 'underway → returned');
select isnt((select actual_return_at from scc.events where id = pg_temp.uid('ev')), null, 'records the actual return');
select is(pg_temp.call('event_transition', pg_temp.ctx('cap', jsonb_build_object('id', pg_temp.uid('ev')),
                                                       '{"to": "closed"}')), '409 not_ready', 'closing needs the post items');
select is(pg_temp.body() #>> '{error,missing,0,label}', 'Engine hours', 'naming the item');
select is(pg_temp.call('event_transition', pg_temp.ctx('cap', jsonb_build_object('id', pg_temp.uid('ev')),
                                                       '{"to": "closed", "force": true, "reason": "no meter"}')),
          '403 insufficient_scope', 'a captain may not force');
select is(pg_temp.call('event_transition', pg_temp.ctx('admin', jsonb_build_object('id', pg_temp.uid('ev')),
                                                       '{"to": "closed", "force": true}')), '400 reason_required',
          'force needs a reason');
select is(pg_temp.call('event_transition', pg_temp.ctx('admin', jsonb_build_object('id', pg_temp.uid('ev')),
                                                       '{"to": "closed", "force": true, "reason": "meter broken"}')),
          '200', 'an admin forces it with a reason');
select is((select after ->> 'forced' || ' ' || (after #>> '{missing,0,code}') || ' ' || reason
             from scc.audit_log where action = 'event.transition' and entity_id = pg_temp.uid('ev')::text
             order by id desc limit 1), 'true post_item_unanswered meter broken',
          'audited as forced, with what was missing and why');
select is((select sequence from scc.events where id = pg_temp.uid('ev')), 6, 'every change raised the sequence');
select is(pg_temp.call('event_update', pg_temp.ctx('admin', jsonb_build_object('id', pg_temp.uid('ev')), '{"title": "T"}')),
          '409 event_not_editable', 'a closed event cannot be edited');

-- ------------------------------------------------ cancel, notify, silent
select is(pg_temp.call('event_create', pg_temp.ctx('admin', body => jsonb_build_object(
           'boat_id', pg_temp.uid('boat'), 'title', 'Weekend race', 'departure_at', pg_temp.iso(now() + interval '3 days'),
           'return_at', pg_temp.iso(now() + interval '3 days 6 hours'), 'state', 'scheduled'))), '201',
          'an admin creates a scheduled event');
insert into ids select 'ev2', (pg_temp.body() #>> '{event,id}')::uuid;
insert into scc.event_roles (event_id, user_id, role, state, queued_at) values
    (pg_temp.uid('ev2'), pg_temp.uid('crew'), 'crew', 'confirmed', null),
    (pg_temp.uid('ev2'), pg_temp.uid('quiet'), 'crew', 'confirmed', null),
    (pg_temp.uid('ev2'), pg_temp.uid('guest'), 'guest', 'waitlisted', now());
select is(pg_temp.call('event_update', pg_temp.ctx('admin', jsonb_build_object('id', pg_temp.uid('ev2')),
                       jsonb_build_object('return_at', pg_temp.iso(now() + interval '3 days 7 hours')))), '200',
          'the admin moves the return');
select is((select array_agg(payload ->> 'to' order by payload ->> 'to') from scc.jobs
            where kind = 'email' and payload ->> 'template' = 'event_changed'),
          array['crew@events.example', 'guest@events.example'],
          'event_changed to each live place, waitlist included, not to one with notifications off');
select is((select count(*)::int from scc.jobs where kind = 'event_overdue' and payload ->> 'event_id' = pg_temp.uid('ev2')::text),
          2, 'a new overdue job for the new return time');
select is(pg_temp.call('event_update', pg_temp.ctx('admin', jsonb_build_object('id', pg_temp.uid('ev2')),
                       jsonb_build_object('return_at', pg_temp.iso(now() + interval '3 days 8 hours'), 'silent', true))),
          '200', 'a silent change');
select is((select count(*)::int from scc.jobs where kind = 'email' and payload ->> 'template' = 'event_changed'), 2,
          'sends nothing');
select is(pg_temp.call('event_transition', pg_temp.ctx('admin', jsonb_build_object('id', pg_temp.uid('ev2')),
                                                       '{"to": "cancelled"}')), '400 reason_required',
          'cancelling needs a reason');
select is(pg_temp.call('event_transition', pg_temp.ctx('admin', jsonb_build_object('id', pg_temp.uid('ev2')),
                                                       '{"to": "cancelled", "reason": "gale warning"}')), '200',
          'cancelled with a reason');
select is((select cancel_reason from scc.events where id = pg_temp.uid('ev2')), 'gale warning', 'the reason kept');
select is((select count(*)::int from scc.jobs where kind = 'email' and payload ->> 'template' = 'event_cancelled'
             and payload #>> '{data,reason}' = 'gale warning'), 2, 'event_cancelled to the live places');

-- -------------------------------------------------------------------- copy
select is(pg_temp.call('event_copy', pg_temp.ctx('cap2', jsonb_build_object('id', pg_temp.uid('ev')),
                       jsonb_build_object('departure_at', pg_temp.iso(now() + interval '7 days'),
                                          'return_at', pg_temp.iso(now() + interval '7 days 3 hours')))), '201',
          'a captain copies an event to new dates');
select is(pg_temp.body() #>> '{event,state}' || ' ' || (pg_temp.body() #>> '{event,copied_from}') || ' '
          || (pg_temp.body() #>> '{event,notes}') || ' ' || (pg_temp.body() #>> '{event,sequence}'),
          'draft ' || pg_temp.uid('ev') || ' Bring a jacket 0', 'a draft with the texts, copied_from set');
select is(jsonb_array_length(pg_temp.body() #> '{roster,people}') + jsonb_array_length(pg_temp.body() #> '{checklist,pre,items}'),
          0, 'no roster, no checklist');
select is(pg_temp.call('event_copy', pg_temp.ctx('cap2', jsonb_build_object('id', pg_temp.uid('ev')),
                       jsonb_build_object('departure_at', pg_temp.iso(now() + interval '7 days')))), '400 return_at_required',
          'a copy needs both times');
select is(pg_temp.call('event_copy', pg_temp.ctx('crew', jsonb_build_object('id', pg_temp.uid('ev')), '{}')),
          '403 insufficient_scope', 'crew may not copy');

-- -------------------------------------------------------------------- list
select is(pg_temp.call('events_list', pg_temp.ctx('crew', query => jsonb_build_object('boat', pg_temp.uid('boat')))), '200', 'crew list events');
select is((select array_agg(i ->> 'title' order by i ->> 'title') from jsonb_array_elements(pg_temp.body() -> 'items') as i),
          array['Sunset sail', 'Weekend race'], 'no drafts for crew: the closed one and the cancelled one');
select is(pg_temp.call('events_list', pg_temp.ctx('guest', query => '{}')), '200', 'a guest lists events');
select is((select array_agg(i ->> 'title') from jsonb_array_elements(pg_temp.body() -> 'items') as i),
          array['Weekend race'], 'only theirs');
select is(pg_temp.call('events_list', pg_temp.ctx('cap2', query => jsonb_build_object('state', 'draft', 'boat', pg_temp.uid('boat')))), '200', 'filter by state');
select is(jsonb_array_length(pg_temp.body() -> 'items'), 1, 'the copy');
select is(pg_temp.call('events_list', pg_temp.ctx('crew', query => jsonb_build_object('mine', '1', 'boat', pg_temp.uid('boat')))), '200', 'mine');
select is((select array_agg(i #>> '{mine,state}' order by i ->> 'title') from jsonb_array_elements(pg_temp.body() -> 'items') as i),
          array['claimed', 'confirmed'], 'with the caller''s place on each');
select is(pg_temp.call('events_list', pg_temp.ctx('crew', query => '{"boat": "x"}')), '400 invalid_boat', 'a bad boat');
select is(pg_temp.call('events_list', pg_temp.ctx('crew', query => '{"from": "yesterday"}')), '400 invalid_from', 'a bad from');
select is(pg_temp.call('events_list', pg_temp.ctx('crew', query => jsonb_build_object('from', pg_temp.iso(now()),
                                                                                     'to', pg_temp.iso(now() - interval '1 day')))),
          '422 to_before_from', 'to before from');

select * from finish();
rollback;
