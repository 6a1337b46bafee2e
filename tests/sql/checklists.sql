-- checklists.sql — sql/migrations/017_checklists.sql: checklist templates
-- (create, edit, reorder, deactivate, field-specific refusals), snapshot
-- semantics (editing a template never changes an event's copied items),
-- answers per kind and who may give them when, and the option analysis's
-- arithmetic on fixtures (shares, zero denominators, medians of odd and even
-- counts, local dates, boats, cancelled events) with its CSV.
-- Runs as the superuser inside a rolled-back transaction.
begin;
create extension if not exists pgtap;
select plan(91);

-- only this file's templates apply to its events
update scc.checklist_templates set active = false;

-- people, boats
insert into scc.users (email, name, role) values
    ('admin@cl.example', 'Ada Admin', 'admin'), ('cap@cl.example', 'Cy Captain', 'captain'),
    ('deck@cl.example', 'Dee Deck', 'crew'), ('other@cl.example', 'Olly Other', 'crew'),
    ('wait@cl.example', 'Will Wait', 'crew');
select id as admin from scc.users where email = 'admin@cl.example' \gset
select id as cap from scc.users where email = 'cap@cl.example' \gset
select id as deck from scc.users where email = 'deck@cl.example' \gset
select id as other from scc.users where email = 'other@cl.example' \gset
select id as wait from scc.users where email = 'wait@cl.example' \gset
insert into scc.boats (name, port_name, port_lat, port_lon, time_zone, guest_capacity)
values ('CL Alpha', 'Shelter Island', 32.71, -117.23, 'America/Los_Angeles', 6),
       ('CL Bravo', 'Harbor Island', 32.72, -117.20, 'America/Los_Angeles', 6);
select id as alpha from scc.boats where name = 'CL Alpha' \gset
select id as bravo from scc.boats where name = 'CL Bravo' \gset

create function pg_temp.ctx(actor uuid, params jsonb default '{}', body jsonb default null, query jsonb default '{}')
returns jsonb language sql as $$
    select jsonb_build_object('actor', jsonb_build_object('id', actor,
                                                          'role', (select role from scc.users where id = actor)),
                              'params', params, 'query', query, 'body', body, 'request_id', 'req-cl')
$$;

-- ---- templates -------------------------------------------------------------
create temporary table t_pre as
    select * from scc_api.checklist_template_create(pg_temp.ctx(:'admin', body => '{
        "name": "Dock checks", "phase": "pre", "items": [
          {"label": "Life jackets aboard", "kind": "check"},
          {"label": "Sea state", "kind": "choice", "options": ["calm", "choppy", "rough"]},
          {"label": "Fuel", "kind": "number", "unit": "L", "min": 0, "max": 200, "required": false},
          {"label": "Remarks", "kind": "text", "required": false}]}'::jsonb));
select is((select status from t_pre), 201, 'an admin creates a template with four items');
select (body ->> 'id') as pre from t_pre \gset
select is((select array_agg(kind || ':' || position || ':' || required order by position)
             from scc.checklist_template_items where template_id = :'pre'),
          array['check:0:true', 'choice:1:true', 'number:2:false', 'text:3:false'],
          'items are kept in the order given, required by default');
select is((select body -> 'items' -> 2 from t_pre)::jsonb - 'id',
          '{"position":2,"label":"Fuel","kind":"number","options":null,"unit":"L","min":0,"max":200,
            "required":false,"active":true,"in_use":0}'::jsonb,
          'the answer shows each item with its kind''s fields');
select is((select count(*)::int from scc.audit_log where action = 'checklist_template.create' and entity_id = :'pre'),
          1, 'creating a template is audited');

select throws_ok(format($$select scc_api.checklist_template_create(pg_temp.ctx(%L, body => '{"name":"x","phase":"pre","colour":"red"}'))$$, :'admin'),
                 'SC400', 'unknown field colour (allowed: name, phase, boat_id, active, items)', 'an unknown field is refused by name');
select throws_ok(format($$select scc_api.checklist_template_create(pg_temp.ctx(%L, body => '{"name":"x","phase":"pre","items":[
                 {"label":"a","kind":"check"},{"label":"b","kind":"check"},{"label":"c","kind":"choice","options":["one"]}]}'))$$, :'admin'),
                 'SC400', 'items[2].options: a choice needs a list of 2 to 20 options', 'a choice with one option: items[2].options');
select throws_ok(format($$select scc_api.checklist_template_create(pg_temp.ctx(%L, body => '{"name":"x","phase":"pre","items":[
                 {"label":"a","kind":"check","options":["y","n"]}]}'))$$, :'admin'),
                 'SC400', 'items[0].options: only a choice item has options', 'options on a check');
select throws_ok(format($$select scc_api.checklist_template_create(pg_temp.ctx(%L, body => '{"name":"x","phase":"pre","items":[
                 {"label":"a","kind":"number","min":5,"max":1}]}'))$$, :'admin'),
                 'SC400', 'items[0].max: must be at least min', 'min above max');
select throws_ok(format($$select scc_api.checklist_template_create(pg_temp.ctx(%L, body => '{"name":"x","phase":"pre","items":[
                 {"label":"a","kind":"check"},{"label":"b","kind":"check","colour":1}]}'))$$, :'admin'),
                 'SC400', 'unknown field items[1].colour (allowed: id, label, kind, options, unit, min, max, required, active)', 'an unknown item field names its element');
select throws_ok(format($$select scc_api.checklist_template_create(pg_temp.ctx(%L, body => '{"name":"x","phase":"pre","items":[
                 {"label":"a","kind":"choice","options":["Yes","yes"]}]}'))$$, :'admin'),
                 'SC400', 'items[0].options: "yes" is listed twice', 'options are distinct, whatever their case');
select throws_ok(format($$select scc_api.checklist_template_create(pg_temp.ctx(%L, body => '{"name":"x","phase":"pre","items":[
                 {"label":"  ","kind":"check"}]}'))$$, :'admin'),
                 'SC400', 'items[0].label: a label is text of 1 to 200 characters', 'a blank label');
select throws_ok(format($$select scc_api.checklist_template_create(pg_temp.ctx(%L, body => '{"name":"x","phase":"pre","items":[
                 {"label":"a","kind":"slider"}]}'))$$, :'admin'),
                 'SC400', 'items[0].kind: must be one of check, choice, number, text', 'an unknown kind');
select throws_ok(format($$select scc_api.checklist_template_create(pg_temp.ctx(%L, body => '{"name":"x","phase":"during"}'))$$, :'admin'),
                 'SC400', 'phase: must be pre (before departure) or post (after return)', 'a bad phase');
select throws_ok(format($$select scc_api.checklist_template_create(pg_temp.ctx(%L, body => '{"phase":"pre"}'))$$, :'admin'),
                 'SC400', 'name: a template needs a name', 'a name is required');
select throws_ok(format($$select scc_api.checklist_template_create(pg_temp.ctx(%L, body => '{"name":"x","phase":"pre","boat_id":"%s"}'))$$,
                        :'admin', gen_random_uuid()),
                 'SC404', 'boat_id: no such boat', 'an unknown boat');
select throws_ok(format($$select scc_api.checklist_template_create(pg_temp.ctx(%L, body => '{"name":"x","phase":"pre"}'))$$, :'cap'),
                 'SC403', 'your role may not do this', 'a captain may not create templates');
select is((select count(*)::int from scc.checklist_templates where name = 'x'), 0, 'refusals create nothing');

create temporary table t_post as
    select * from scc_api.checklist_template_create(pg_temp.ctx(:'admin', body => format('{
        "name": "Alpha wash-down", "phase": "post", "boat_id": "%s", "items": [
          {"label": "Hull rinsed", "kind": "check"},
          {"label": "Engine hours", "kind": "number", "min": 0}]}', :'alpha')::jsonb));
select (body ->> 'id') as post from t_post \gset
select is((select jsonb_agg(t ->> 'name') from scc_api.checklist_templates_list(pg_temp.ctx(:'cap', query => format('{"boat":"%s"}', :'alpha')::jsonb)) as r,
                  jsonb_array_elements(r.body::jsonb -> 'templates') as t where t ->> 'name' in ('Dock checks', 'Alpha wash-down')),
          '["Dock checks", "Alpha wash-down"]'::jsonb, 'a captain lists the templates of a boat: global pre first, then the boat''s post');
select is((select count(*)::int from scc_api.checklist_templates_list(pg_temp.ctx(:'cap', query => format('{"boat":"%s"}', :'bravo')::jsonb)) as r,
                  jsonb_array_elements(r.body::jsonb -> 'templates') as t where t ->> 'name' = 'Alpha wash-down'),
          0, 'another boat''s template does not apply');
select is((select count(*)::int from scc_api.checklist_templates_list(pg_temp.ctx(:'cap', query => '{"phase":"post"}')) as r,
                  jsonb_array_elements(r.body::jsonb -> 'templates') as t where t ->> 'phase' = 'pre'),
          0, 'phase=post lists post templates only');
select throws_ok(format($$select scc_api.checklist_templates_list(pg_temp.ctx(%L, query => '{"phase":"mid"}'))$$, :'cap'),
                 'SC400', 'phase must be pre or post', 'a bad phase filter');
select throws_ok(format($$select scc_api.checklist_templates_list(pg_temp.ctx(%L, query => '{"sort":"name"}'))$$, :'cap'),
                 'SC400', 'sort is not a parameter of this route', 'an unknown parameter');
select throws_ok(format($$select scc_api.checklist_templates_list(pg_temp.ctx(%L))$$, :'deck'),
                 'SC403', 'your role may not do this', 'crew may not list templates');

-- ---- an event copies them; editing the template leaves the copy alone -------
insert into scc.events (boat_id, title, departure_at, return_at, time_zone, crew_min, crew_max, guest_max, state)
values (:'alpha', 'CL sail', now() + interval '3 days', now() + interval '3 days 4 hours',
        'America/Los_Angeles', 1, 2, 4, 'scheduled')
returning id as ev \gset
select is(scc.event_copy_checklists(:'ev'), 6, 'the event copies the global pre items and its boat''s post items');
insert into scc.event_roles (event_id, user_id, role, state) values
    (:'ev', :'cap', 'captain', 'confirmed'), (:'ev', :'deck', 'crew', 'confirmed');
insert into scc.event_roles (event_id, user_id, role, state, queued_at) values
    (:'ev', :'wait', 'crew', 'waitlisted', now());
create temporary table t_copy as
    select id, label, kind, options, position, required from scc.event_checklist_items where event_id = :'ev';

select i.id as it_check from scc.checklist_template_items as i where i.template_id = :'pre' and i.kind = 'check' \gset
select i.id as it_choice from scc.checklist_template_items as i where i.template_id = :'pre' and i.kind = 'choice' \gset
select i.id as it_number from scc.checklist_template_items as i where i.template_id = :'pre' and i.kind = 'number' \gset
select i.id as it_text from scc.checklist_template_items as i where i.template_id = :'pre' and i.kind = 'text' \gset

create temporary table t_edit as
    select * from scc_api.checklist_template_update(pg_temp.ctx(:'admin', params => jsonb_build_object('id', :'pre'),
        body => format('{"name": "Dock checks v2", "items": [
            {"id": "%s", "options": ["calm", "choppy", "rough", "storm"], "label": "Sea state at the dock"},
            {"id": "%s"},
            {"label": "Bilge dry", "kind": "check"},
            {"id": "%s", "required": true}]}', :'it_choice', :'it_check', :'it_number')::jsonb));
select is((select status from t_edit), 200, 'an admin edits, reorders, adds and leaves out items in one call');
select is((select jsonb_agg(jsonb_build_array(x ->> 'label', x ->> 'position', x ->> 'active'))
             from t_edit, jsonb_array_elements(body::jsonb -> 'items') as x),
          '[["Sea state at the dock","0","true"],["Life jackets aboard","1","true"],["Bilge dry","2","true"],
            ["Fuel","3","true"],["Remarks","4","false"]]'::jsonb,
          'the list order is the new order; the text item left out is deactivated after the listed ones');
select ok(exists (select 1 from scc.checklist_template_items where id = :'it_text' and not active),
          'an item that an event copied is kept (inactive), never deleted');
select is((select options from scc.checklist_template_items where id = :'it_choice'),
          array['calm', 'choppy', 'rough', 'storm'], 'a choice gains an option');
select is((select count(*)::int from scc.audit_log where action = 'checklist_template.update' and entity_id = :'pre'
              and before ->> 'name' = 'Dock checks' and after ->> 'name' = 'Dock checks v2'),
          1, 'the edit is audited with before and after');
select set_eq(format($$select id, label, kind, options, position, required from scc.event_checklist_items where event_id = %L$$, :'ev'),
              $$select id, label, kind, options, position, required from t_copy$$,
              'the event''s copied items are exactly as they were (snapshot)');
select is(scc.event_copy_checklists(:'ev'), 0, 'an event that has its items copies nothing again');

-- an item no event copied is deleted when left out
select i.id as it_bilge from scc.checklist_template_items as i where i.template_id = :'pre' and i.label = 'Bilge dry' \gset
select is((select status from scc_api.checklist_template_update(pg_temp.ctx(:'admin', params => jsonb_build_object('id', :'pre'),
              body => format('{"items": [{"id":"%s"},{"id":"%s"},{"id":"%s"}]}', :'it_choice', :'it_check', :'it_number')::jsonb))),
          200, 'leaving out an item no event copied');
select ok(not exists (select 1 from scc.checklist_template_items where id = :'it_bilge'), 'deletes it');
select is((select status from scc_api.checklist_template_update(pg_temp.ctx(:'admin', params => jsonb_build_object('id', :'pre'),
              body => format('{"items": [{"id":"%s"},{"id":"%s"},{"id":"%s"},{"id":"%s","active":true}]}',
                             :'it_choice', :'it_check', :'it_number', :'it_text')::jsonb))),
          200, 'listing a deactivated item with active true');
select ok((select active from scc.checklist_template_items where id = :'it_text'), 'brings it back');

select throws_ok(format($$select scc_api.checklist_template_update(pg_temp.ctx(%L, params => '{"id":"%s"}', body => '{"items":[{"id":"%s","kind":"text"}]}'))$$,
                        :'admin', :'pre', :'it_check'),
                 'SC409', 'items[0].kind: events have copied this item, so its kind stays check; add a new item instead',
                 'an item events copied keeps its kind');
select throws_ok(format($$select scc_api.checklist_template_update(pg_temp.ctx(%L, params => '{"id":"%s"}', body => '{"items":[{"id":"%s"},{"id":"%s"}]}'))$$,
                        :'admin', :'pre', :'it_check', :'it_check'),
                 'SC400', 'items[1].id: listed twice', 'an item listed twice');
select throws_ok(format($$select scc_api.checklist_template_update(pg_temp.ctx(%L, params => '{"id":"%s"}', body => '{"items":[{"id":"%s"}]}'))$$,
                        :'admin', :'pre', (select id from scc.checklist_template_items where template_id = :'post' limit 1)),
                 'SC400', 'items[0].id: not an item of this template', 'another template''s item');
select throws_ok(format($$select scc_api.checklist_template_update(pg_temp.ctx(%L, params => '{"id":"%s"}', body => '{"name":"y"}'))$$,
                        :'admin', gen_random_uuid()),
                 'SC404', 'no such checklist template', 'an unknown template');
select throws_ok(format($$select scc_api.checklist_template_update(pg_temp.ctx(%L, params => '{"id":"nope"}', body => '{"name":"y"}'))$$, :'admin'),
                 'SC400', 'the template id must be a uuid', 'a bad template id');
select is((select label from scc.checklist_template_items where id = :'it_check'), 'Life jackets aboard',
          'refused edits change nothing');

-- ---- answers -----------------------------------------------------------------
select c.id as e_check from scc.event_checklist_items as c where c.event_id = :'ev' and c.template_item_id = :'it_check' \gset
select c.id as e_choice from scc.event_checklist_items as c where c.event_id = :'ev' and c.template_item_id = :'it_choice' \gset
select c.id as e_number from scc.event_checklist_items as c where c.event_id = :'ev' and c.template_item_id = :'it_number' \gset
select c.id as e_text from scc.event_checklist_items as c where c.event_id = :'ev' and c.template_item_id = :'it_text' \gset
select c.id as e_hull from scc.event_checklist_items as c where c.event_id = :'ev' and c.phase = 'post' and c.kind = 'check' \gset

create function pg_temp.answer(actor uuid, item uuid, body jsonb, ev uuid default null)
returns scc_api.response language sql as $$
    select * from scc_api.checklist_answer(pg_temp.ctx(actor,
        jsonb_build_object('id', coalesce(ev, (select event_id from scc.event_checklist_items where id = item)), 'item', item), body))
$$;

create temporary table t_ans as select * from pg_temp.answer(:'deck', :'e_check', '{"value": true, "note": "12 aboard"}');
select is((select status from t_ans), 200, 'crew on the event answers a check');
select is((select (body::jsonb -> 'item' -> 'answer') - 'at' from t_ans),
          jsonb_build_object('value', true, 'note', '12 aboard', 'by', jsonb_build_object('id', :'deck', 'name', 'Dee Deck')),
          'the answer comes back as the event page shows it: value, note, who');
select is((select (body::jsonb -> 'checklist' -> 'pre' ->> 'answered_required')::int from t_ans), 1,
          'with the checklist''s progress');
select is((select status from pg_temp.answer(:'cap', :'e_choice', '{"value": "choppy"}')), 200, 'the captain answers a choice');
select throws_ok(format($$select pg_temp.answer(%L, %L, '{"value": "storm"}')$$, :'deck', :'e_choice'),
                 'SC422', 'value: not one of the options (calm, choppy, rough)',
                 'a choice not among the event''s options (the template''s later option is not the event''s)');
select throws_ok(format($$select pg_temp.answer(%L, %L, '{"value": 250}')$$, :'deck', :'e_number'),
                 'SC422', 'value: must be between 0 and 200 L', 'a number out of range');
select throws_ok(format($$select pg_temp.answer(%L, %L, '{"value": "40"}')$$, :'deck', :'e_number'),
                 'SC400', 'value: this item is a number', 'a number as text');
select is((select status from pg_temp.answer(:'deck', :'e_number', '{"value": 42.5}')), 200, 'a number within the range');
select throws_ok(format($$select pg_temp.answer(%L, %L, '{"value": "yes"}')$$, :'deck', :'e_check'),
                 'SC400', 'value: this item is a check, true or false', 'a check needs a boolean');
select throws_ok(format($$select pg_temp.answer(%L, %L, jsonb_build_object('value', repeat('a', 1001)))$$, :'deck', :'e_text'),
                 'SC422', 'value: at most 1000 characters', 'a text over 1000 characters');
select throws_ok(format($$select pg_temp.answer(%L, %L, '{"note": "n"}')$$, :'deck', :'e_text'),
                 'SC400', 'value: send the answer, or null to clear it', 'value is required');
select throws_ok(format($$select pg_temp.answer(%L, %L, '{"value": true, "by": "me"}')$$, :'deck', :'e_check'),
                 'SC400', 'unknown field by (allowed: value, note)', 'an unknown field');
select is((select status from pg_temp.answer(:'deck', :'e_text', '{"value": "  all good  "}')), 200, 'a text');
select is((select value from scc.checklist_answers where item_id = :'e_text'), '"all good"'::jsonb, 'stored trimmed');
select is((select status from pg_temp.answer(:'deck', :'e_text', '{"value": null}')), 200, 'value null');
select ok(not exists (select 1 from scc.checklist_answers where item_id = :'e_text'), 'clears the answer');
select is((select array_agg(action order by id) from scc.audit_log where entity_id = :'e_text'),
          array['checklist.answer', 'checklist.clear'], 'answering and clearing are audited');
select is((select before -> 'value' from scc.audit_log where entity_id = :'e_text' and action = 'checklist.clear'),
          '"all good"'::jsonb, 'with the answer that was there');

select throws_ok(format($$select pg_temp.answer(%L, %L, '{"value": true}')$$, :'other', :'e_check'),
                 'SC403', 'only the captain and crew on this event, or an admin, answer its checklist', 'crew not on the event');
select throws_ok(format($$select pg_temp.answer(%L, %L, '{"value": true}')$$, :'wait', :'e_check'),
                 'SC403', 'only the captain and crew on this event, or an admin, answer its checklist', 'a waitlisted person is not aboard');
select is((select status from pg_temp.answer(:'admin', :'e_check', '{"value": false}')), 200, 'an admin answers any event');
select throws_ok(format($$select pg_temp.answer(%L, %L, '{"value": true}')$$, :'deck', :'e_hull'),
                 'SC409', 'post-trip items are answered once the boat is underway', 'post items wait for underway');
select throws_ok(format($$select pg_temp.answer(%L, %L, '{"value": true}', %L)$$, :'deck', gen_random_uuid(), :'ev'),
                 'SC404', 'this event has no such checklist item', 'an unknown item');
select throws_ok(format($$select pg_temp.answer(%L, %L, '{"value": true}', %L)$$, :'deck', :'e_check', gen_random_uuid()),
                 'SC404', 'no such event', 'an unknown event');
update scc.events set state = 'underway' where id = :'ev';
select throws_ok(format($$select pg_temp.answer(%L, %L, '{"value": true}')$$, :'deck', :'e_check'),
                 'SC409', 'pre-departure items are answered before the boat is underway', 'pre items close at underway');
select is((select status from pg_temp.answer(:'deck', :'e_hull', '{"value": true}')), 200, 'post items open at underway');
update scc.events set state = 'closed' where id = :'ev';
select throws_ok(format($$select pg_temp.answer(%L, %L, '{"value": false}')$$, :'admin', :'e_hull'),
                 'SC409', 'this event is closed; its checklist is the record', 'nothing is answered on a closed event');

-- ---- the option analysis on fixtures --------------------------------------------
-- A template of its own; events on local dates in March 2026, two boats.
create temporary table t_an as
    select * from scc_api.checklist_template_create(pg_temp.ctx(:'admin', body => '{
        "name": "Analysis", "phase": "post", "items": [
          {"label": "Wind, \"observed\"", "kind": "choice", "options": ["calm", "breeze", "gale"]},
          {"label": "Fuel used", "kind": "number", "unit": "L"},
          {"label": "Dry bilge", "kind": "check"},
          {"label": "=Log", "kind": "text"}]}'::jsonb));
update scc.checklist_templates set active = false where id <> (select (body ->> 'id')::uuid from t_an);
select (body -> 'items' -> 0 ->> 'id') as a_choice, (body -> 'items' -> 1 ->> 'id') as a_num,
       (body -> 'items' -> 2 ->> 'id') as a_check, (body -> 'items' -> 3 ->> 'id') as a_text from t_an \gset
-- n: boat, local departure (America/Los_Angeles), state, choice, number, check, text
create temporary table fx (n int, boat uuid, dep timestamptz, state text, v_choice text, v_num numeric, v_check boolean, v_text text);
insert into fx values
    (1, :'alpha', '2026-03-01 09:00-08', 'closed',    'calm',   3,    true,  'ok'),
    (2, :'alpha', '2026-03-05 09:00-08', 'closed',    'calm',   1,    true,  null),
    (3, :'alpha', '2026-03-10 09:00-07', 'returned',  'breeze', 4,    false, null),
    (4, :'bravo', '2026-03-12 09:00-07', 'closed',    'squall', 10,   null,  null),
    (5, :'bravo', '2026-03-15 09:00-07', 'closed',    null,     null, null,  null),
    (6, :'alpha', '2026-03-20 09:00-07', 'cancelled', 'gale',   99,   true,  null),
    (7, :'alpha', '2026-02-28 22:00-08', 'closed',    'gale',   50,   true,  null),   -- 06:00Z on 1 March, local 28 Feb
    (8, :'alpha', '2026-04-01 00:30-07', 'closed',    'gale',   50,   true,  null);   -- local 1 April: outside [Mar 1, Apr 1)
create temporary table fx_ev (n int, id uuid);
with ins as (
    insert into scc.events (boat_id, title, departure_at, return_at, time_zone, crew_min, crew_max, guest_max, state, cancel_reason)
    select boat, 'fx ' || n, dep, dep + interval '3 hours', 'America/Los_Angeles', 0, 2, 4, 'scheduled', null from fx
    returning id, title
) insert into fx_ev select substr(title, 4)::int, id from ins;
select is((select sum(scc.event_copy_checklists(id))::int from fx_ev), 32, 'each fixture event copies the four analysis items');
update scc.events as e set state = fx.state, cancel_reason = case when fx.state = 'cancelled' then 'weather' end
  from fx_ev join fx using (n) where e.id = fx_ev.id;
-- the answers (a 'squall' from an option list of the past)
insert into scc.checklist_answers (item_id, value, answered_by)
select c.id, v.value, :'deck'
  from fx join fx_ev using (n)
  join scc.event_checklist_items as c on c.event_id = fx_ev.id
  cross join lateral (values (:'a_choice'::uuid, to_jsonb(fx.v_choice)), (:'a_num'::uuid, to_jsonb(fx.v_num)),
                             (:'a_check'::uuid, to_jsonb(fx.v_check)), (:'a_text'::uuid, to_jsonb(fx.v_text))) as v (item, value)
 where c.template_item_id = v.item and v.value is not null;

create function pg_temp.an(item uuid, f text, t text, boat uuid default null) returns jsonb language sql as $$
    select scc.checklist_analysis(item, f::date, t::date, boat)
$$;
select is(pg_temp.an(:'a_choice', '2026-03-01', '2026-04-01') - 'item' - 'boat' - 'from' - 'to',
          '{"events": 5, "answered": 4, "numbers": null, "options": [
             {"value": "calm", "count": 2, "share": 0.5}, {"value": "breeze", "count": 1, "share": 0.25},
             {"value": "gale", "count": 0, "share": 0}, {"value": "squall", "count": 1, "share": 0.25}]}'::jsonb,
          'choice: counts and shares over the answered; an old option after the current ones; local dates; cancelled left out');
select is(pg_temp.an(:'a_choice', '2026-03-01', '2026-03-11', :'alpha') -> 'options',
          '[{"value": "calm", "count": 2, "share": 0.6667}, {"value": "breeze", "count": 1, "share": 0.3333},
            {"value": "gale", "count": 0, "share": 0}]'::jsonb,
          'one boat: shares rounded to 4 places');
select is(pg_temp.an(:'a_choice', '2026-03-15', '2026-03-16') - 'item' - 'boat' - 'from' - 'to',
          '{"events": 1, "answered": 0, "numbers": null, "options": [
             {"value": "calm", "count": 0, "share": null}, {"value": "breeze", "count": 0, "share": null},
             {"value": "gale", "count": 0, "share": null}]}'::jsonb,
          'nothing answered: shares are null, not a division by zero');
select is(pg_temp.an(:'a_num', '2026-03-01', '2026-04-01') -> 'numbers',
          '{"min": 1, "median": 3.5, "mean": 4.5, "max": 10}'::jsonb,
          'numbers, an even count: the median is the mean of the two middle values (1, 3, 4, 10)');
select is(pg_temp.an(:'a_num', '2026-03-01', '2026-04-01', :'alpha') -> 'numbers',
          '{"min": 1, "median": 3, "mean": 2.666667, "max": 4}'::jsonb,
          'numbers, an odd count (1, 3, 4): the middle value; the mean to 6 places');
select is(pg_temp.an(:'a_num', '2027-01-01', '2027-02-01') - 'item' - 'boat' - 'from' - 'to',
          '{"events": 0, "answered": 0, "options": [], "numbers": {"min": null, "median": null, "mean": null, "max": null}}'::jsonb,
          'no events in the range: zeros and nulls');
select is(pg_temp.an(:'a_check', '2026-03-01', '2026-04-01') -> 'options',
          '[{"value": true, "count": 2, "share": 0.6667}, {"value": false, "count": 1, "share": 0.3333}]'::jsonb,
          'check: true and false');
select is(pg_temp.an(:'a_text', '2026-03-01', '2026-04-01') - 'item' - 'boat' - 'from' - 'to',
          '{"events": 5, "answered": 1, "options": [], "numbers": null}'::jsonb, 'text: counts only');

-- one CSV field
select is(scc.csv_text('plain text'), 'plain text', 'csv: a plain field stays as it is');
select is(scc.csv_text(E'two\r\nlines, "quoted"'), E'"two\r\nlines, ""quoted"""', 'csv: CR LF, commas and quotes are quoted, quotes doubled');
select is(scc.csv_text('-1+2'), '''-1+2', 'csv: a leading minus is defused');
select is(scc.csv_text('@SUM(A1),x'), '"''@SUM(A1),x"', 'csv: defused, then quoted');
select is(scc.csv_text(null), '', 'csv: null is the empty field');

-- the route: CSV and JSON, and its refusals
create temporary table t_csv as
    select * from scc_api.checklist_analysis(pg_temp.ctx(:'cap', query => format('{"item":"%s","from":"2026-03-01","to":"2026-04-01","format":"csv"}', :'a_choice')::jsonb));
select is((select content_type || ' ' || filename from t_csv),
          format('text/csv; charset=utf-8 analysis-%s-2026-03-01-2026-04-01.csv', :'a_choice'), 'CSV: its type and file name');
select is((select body from t_csv),
          E'label,events,answered,option,count,share\r\n'
          || E'"Wind, ""observed""",5,4,calm,2,0.5\r\n"Wind, ""observed""",5,4,breeze,1,0.25\r\n'
          || E'"Wind, ""observed""",5,4,gale,0,0\r\n"Wind, ""observed""",5,4,squall,1,0.25\r\n',
          'CSV: a header row, RFC 4180 quoting, CRLF');
select is((select body from scc_api.checklist_analysis(pg_temp.ctx(:'cap', query => format('{"item":"%s","from":"2026-03-01","to":"2026-04-01","format":"csv"}', :'a_text')::jsonb))),
          E'label,events,answered\r\n''=Log,5,1\r\n', 'CSV: a text a spreadsheet would run as a formula is defused');
select is((select body::jsonb -> 'numbers' ->> 'median' || ' ' || content_type || ' ' || coalesce(filename, 'null')
             from scc_api.checklist_analysis(pg_temp.ctx(:'admin', query => format('{"item":"%s","from":"2026-03-01","to":"2026-04-01"}', :'a_num')::jsonb))),
          '3.5 application/json null', 'JSON by default, shown not saved');
select throws_ok(format($$select scc_api.checklist_analysis(pg_temp.ctx(%L, query => '{"item":"%s","from":"2026-04-01","to":"2026-03-01"}'))$$, :'cap', :'a_num'),
                 'SC400', 'to must be after from', 'a range out of order');
select throws_ok(format($$select scc_api.checklist_analysis(pg_temp.ctx(%L, query => '{"item":"%s","from":"2026-02-30"}'))$$, :'cap', :'a_num'),
                 'SC400', 'from must be a date, YYYY-MM-DD', 'a date that does not exist');
select throws_ok(format($$select scc_api.checklist_analysis(pg_temp.ctx(%L, query => '{"item":"%s","format":"xlsx"}'))$$, :'cap', :'a_num'),
                 'SC400', 'format must be json or csv', 'an unknown format');
select throws_ok(format($$select scc_api.checklist_analysis(pg_temp.ctx(%L, query => '{"item":"%s"}'))$$, :'cap', gen_random_uuid()),
                 'SC404', 'item: no such checklist template item', 'an unknown item');
select throws_ok(format($$select scc_api.checklist_analysis(pg_temp.ctx(%L, query => '{"item":"%s"}'))$$, :'deck', :'a_num'),
                 'SC403', 'your role may not do this', 'crew may not read the analysis');

select * from finish();
rollback;
