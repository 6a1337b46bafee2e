-- dock.sql — the dock (025_dock.sql): the manifest (who sails, each guest's
-- waiver state from scc.guest_hold, the signature that makes them valid,
-- minors with their age, emergency contacts, counts, the CSV), check-in
-- (the window 2 h before departure to the return, refusals: a held guest,
-- no place, a waitlisted place, someone not on the event, bad input; the
-- audit), and the waiver completion figures at T-24 h and at departure
-- (the jobs queued when an event is scheduled or its departure moves, the
-- figure itself, a released hold not counted as valid).
-- Runs as the superuser inside a rolled-back transaction.
begin;
create extension if not exists pgtap;
select plan(54);
set constraints all immediate;

insert into scc.users (id, email, name, role) values
    ('00000000-0000-4000-8000-0000000d00a1', 'admin@dock.example', 'Ada Admin', 'admin'),
    ('00000000-0000-4000-8000-0000000d00c1', 'cap@dock.example', 'Cleo Captain', 'captain'),
    ('00000000-0000-4000-8000-0000000d00c2', 'cap2@dock.example', 'Cato Captain', 'captain'),
    ('00000000-0000-4000-8000-0000000d00d1', 'crew@dock.example', 'Dee Crew', 'crew'),
    ('00000000-0000-4000-8000-0000000d00d2', 'crew2@dock.example', 'Dan Crew', 'crew'),
    ('00000000-0000-4000-8000-0000000d00f1', 'g1@dock.example', 'Flo Signed', 'guest'),
    ('00000000-0000-4000-8000-0000000d00f2', 'g2@dock.example', 'Fay Unsigned', 'guest'),
    ('00000000-0000-4000-8000-0000000d00f3', 'g3@dock.example', '=cmd|'' /C calc''!A0', 'guest'),
    ('00000000-0000-4000-8000-0000000d00f4', 'g4@dock.example', 'Fox Released', 'guest'),
    ('00000000-0000-4000-8000-0000000d00f5', 'g5@dock.example', 'Fin Waiting', 'guest');
insert into scc.boats (id, name, port_name, port_lat, port_lon, time_zone, guest_capacity, crew_min, crew_max)
values ('00000000-0000-4000-8000-0000000db001', 'Dock Test Boat', 'Shelter Island', 32.71, -117.23,
        'America/Los_Angeles', 6, 0, 2);
insert into scc.waiver_templates (id, name, boat_id) values
    ('00000000-0000-4000-8000-0000000da001', 'Dock waiver', '00000000-0000-4000-8000-0000000db001');
insert into scc.waiver_versions (id, template_id, version, title, body, body_sha256, intent_text, consent_text,
                                 adult_text, validity)
values ('00000000-0000-4000-8000-0000000dd001', '00000000-0000-4000-8000-0000000da001', 1, 'Dock waiver',
        'Sailing is risky.', encode(sha256(convert_to('Sailing is risky.', 'UTF8')), 'hex'),
        'I have read and agree', 'I consent to electronic records', 'I am 18 or older', 'event');

-- E1 departs in exactly 2 h (check-in just open), E2 in 2 h and a second,
-- E3 has returned, E4 is a draft.
insert into scc.events (id, boat_id, title, departure_at, return_at, time_zone, crew_min, crew_max, guest_max, state)
values ('00000000-0000-4000-8000-0000000de001', '00000000-0000-4000-8000-0000000db001', 'Sunset, "bay" sail',
        now() + interval '2 hours', now() + interval '5 hours', 'America/Los_Angeles', 0, 2, 6, 'scheduled'),
       ('00000000-0000-4000-8000-0000000de002', '00000000-0000-4000-8000-0000000db001', 'Later sail',
        now() + interval '2 hours 1 second', now() + interval '5 hours', 'America/Los_Angeles', 0, 2, 6, 'scheduled'),
       ('00000000-0000-4000-8000-0000000de003', '00000000-0000-4000-8000-0000000db001', 'Back already',
        now() - interval '5 hours', now() - interval '1 hour', 'America/Los_Angeles', 0, 2, 6, 'returned'),
       ('00000000-0000-4000-8000-0000000de004', '00000000-0000-4000-8000-0000000db001', 'Draft sail',
        now() + interval '1 hour', now() + interval '3 hours', 'America/Los_Angeles', 0, 2, 6, 'draft');

-- ---- the completion jobs ---------------------------------------------------------------------------------
select is((select array_agg(payload ->> 'moment' || ' ' || (run_at = case payload ->> 'moment'
                                      when 'departure' then now() + interval '2 hours' else now() end)
                            order by payload ->> 'moment')
             from scc.jobs where kind = 'waiver_completion' and payload ->> 'event_id' = '00000000-0000-4000-8000-0000000de001'),
          array['departure true', 't_minus_24h true'],
          'scheduling queues the completion jobs: at departure, and T-24 h (at once when it is past)');
select is((select count(*)::int from scc.jobs where kind = 'waiver_completion'
              and payload ->> 'event_id' in ('00000000-0000-4000-8000-0000000de003', '00000000-0000-4000-8000-0000000de004')),
          0, 'a draft or a returned event queues none');

-- places: captain, crew, guests (signed; unsigned; a minor not covered; released; waitlisted)
insert into scc.event_roles (event_id, user_id, role, state, reason, minors, queued_at)
select e.id::uuid, x.u::uuid, x.role, x.state, 'fixture', x.minors::jsonb,
       case when x.state = 'waitlisted' then now() end
  from (values ('00000000-0000-4000-8000-0000000de001'), ('00000000-0000-4000-8000-0000000de002'),
               ('00000000-0000-4000-8000-0000000de003'), ('00000000-0000-4000-8000-0000000de004')) as e (id)
 cross join (values ('00000000-0000-4000-8000-0000000d00c1', 'captain', 'confirmed', '[]'),
                    ('00000000-0000-4000-8000-0000000d00d1', 'crew', 'confirmed', '[]'),
                    ('00000000-0000-4000-8000-0000000d00f1', 'guest', 'confirmed',
                     '[{"name": "Kit Signed", "date_of_birth": "2016-05-01"}]'),
                    ('00000000-0000-4000-8000-0000000d00f2', 'guest', 'confirmed', '[]'),
                    ('00000000-0000-4000-8000-0000000d00f3', 'guest', 'designated',
                     '[{"name": "=HYPERLINK(1)", "date_of_birth": "2018-02-03"}]'),
                    ('00000000-0000-4000-8000-0000000d00f4', 'guest', 'confirmed', '[]'),
                    ('00000000-0000-4000-8000-0000000d00f5', 'guest', 'waitlisted', '[]')) as x (u, role, state, minors);
update scc.event_roles set hold_released_at = now(), hold_released_by = '00000000-0000-4000-8000-0000000d00a1',
                           hold_release_reason = 'signed on paper'
 where user_id = '00000000-0000-4000-8000-0000000d00f4';
insert into scc.waiver_signatures (version_id, body_sha256, event_id, user_id, legal_name, email, date_of_birth,
                                   intent_text, consent_text, minors, emergency_name, emergency_phone,
                                   emergency_relationship)
select '00000000-0000-4000-8000-0000000dd001', '', e.id::uuid, x.u::uuid, x.n, x.m, '1990-01-02',
       'I have read and agree', 'I consent to electronic records', x.minors::jsonb, 'Mo Contact', '+1 619 555 0100', 'mother'
  from (values ('00000000-0000-4000-8000-0000000de001'), ('00000000-0000-4000-8000-0000000de002')) as e (id)
 cross join (values ('00000000-0000-4000-8000-0000000d00f1', 'Flo Signed', 'g1@dock.example',
                     '[{"name": "Kit Signed", "date_of_birth": "2016-05-01"}]'),
                    ('00000000-0000-4000-8000-0000000d00f3', 'Fred Three', 'g3@dock.example', '[]')) as x (u, n, m, minors);

create function pg_temp.ctx(actor text, ev text, body jsonb default null, query jsonb default '{}') returns jsonb
language sql as $$
    select jsonb_build_object('actor', jsonb_build_object('id', u.id, 'role', u.role),
                              'params', jsonb_build_object('id', ev), 'query', query, 'body', body,
                              'request_id', 'dock-test')
      from scc.users as u where u.id = actor::uuid
$$;
create function pg_temp.manifest(actor text, ev text) returns jsonb language sql as $$
    select (scc_api.event_manifest(pg_temp.ctx(actor, ev))).body::jsonb
$$;
create function pg_temp.row(m jsonb, u text) returns jsonb language sql as $$
    select x from jsonb_array_elements(m -> 'people') as x where x ->> 'user_id' = u
$$;
create function pg_temp.checkin(actor text, ev text, body jsonb) returns jsonb language sql as $$
    select jsonb_build_object('status', r.status, 'body', r.body::jsonb)
      from scc_api.event_checkin(pg_temp.ctx(actor, ev, body)) as r
$$;

-- ---- the manifest -----------------------------------------------------------------------------------------
create temp table m1 as select pg_temp.manifest('00000000-0000-4000-8000-0000000d00c1', '00000000-0000-4000-8000-0000000de001') as m;
select is((select jsonb_path_query_array(m, '$.people[*].role') from m1),
          '["captain", "crew", "guest", "guest", "guest", "guest"]'::jsonb,
          'the manifest: captain, crew, then the guests with filled places (not the waitlisted one)');
select is((select pg_temp.row(m, '00000000-0000-4000-8000-0000000d00f1') #>> '{waiver,state}' from m1), 'valid',
          'a guest signed for themself and their minor is valid');
select is((select (pg_temp.row(m, '00000000-0000-4000-8000-0000000d00f1') #>> '{waiver,signature_id}')::uuid from m1),
          (select id from scc.waiver_signatures where user_id = '00000000-0000-4000-8000-0000000d00f1'
              and event_id = '00000000-0000-4000-8000-0000000de001'),
          'with the signature that makes them valid');
select is((select pg_temp.row(m, '00000000-0000-4000-8000-0000000d00f1') -> 'emergency_contact' from m1),
          '{"name": "Mo Contact", "phone": "+1 619 555 0100", "relationship": "mother"}'::jsonb,
          'and its emergency contact');
select is((select pg_temp.row(m, '00000000-0000-4000-8000-0000000d00f1') #>> '{waiver,version}' from m1), '1', 'and version');
select is((select pg_temp.row(m, '00000000-0000-4000-8000-0000000d00f1') -> 'minors' -> 0 from m1),
          jsonb_build_object('name', 'Kit Signed', 'date_of_birth', '2016-05-01',
                             'age', extract(year from age(((now() + interval '2 hours') at time zone 'America/Los_Angeles')::date,
                                                          '2016-05-01'::date))::int),
          'a minor with their age on the event''s date');
select is((select array[pg_temp.row(m, '00000000-0000-4000-8000-0000000d00f2') #>> '{waiver,state}',
                        pg_temp.row(m, '00000000-0000-4000-8000-0000000d00f2') #>> '{waiver,signature_id}',
                        pg_temp.row(m, '00000000-0000-4000-8000-0000000d00f2') ->> 'emergency_contact'] from m1),
          array['waiver_missing', null, null], 'an unsigned guest: waiver_missing, no signature, no contact');
select is((select pg_temp.row(m, '00000000-0000-4000-8000-0000000d00f3') #>> '{waiver,state}' from m1), 'minors_not_covered',
          'a minor not on the signature: minors_not_covered (scc.guest_hold''s code)');
select is((select pg_temp.row(m, '00000000-0000-4000-8000-0000000d00f4') #>> '{waiver,state}' from m1), 'released',
          'an admin''s released hold shows as released, not valid');
select is((select pg_temp.row(m, '00000000-0000-4000-8000-0000000d00c1') -> 'waiver' from m1), 'null'::jsonb,
          'the captain signs no guest waiver');
select is((select m -> 'counts' from m1),
          '{"captain": 1, "crew": 1, "guests": 4, "minors": 2, "aboard": 8, "checked_in": 0, "no_show": 0,
            "not_checked": 6, "guests_on_hold": 2, "guests_valid": 1}'::jsonb, 'the counts');
select is((select m -> 'checkin' ->> 'open' from m1), 'true', 'check-in is open 2 h before departure');
select is(pg_temp.manifest('00000000-0000-4000-8000-0000000d00d1', '00000000-0000-4000-8000-0000000de001') -> 'counts',
          (select m -> 'counts' from m1), 'the crew on the event read it too');
select is(pg_temp.manifest('00000000-0000-4000-8000-0000000d00a1', '00000000-0000-4000-8000-0000000de001') -> 'counts',
          (select m -> 'counts' from m1), 'and admins');
select throws_ok($$select pg_temp.manifest('00000000-0000-4000-8000-0000000d00d2', '00000000-0000-4000-8000-0000000de001')$$,
                 'SC403', null, 'crew not on the event may not');
select throws_ok($$select pg_temp.manifest('00000000-0000-4000-8000-0000000d00c2', '00000000-0000-4000-8000-0000000de001')$$,
                 'SC403', null, 'nor another captain');
select throws_ok($$select pg_temp.manifest('00000000-0000-4000-8000-0000000d00f1', '00000000-0000-4000-8000-0000000de001')$$,
                 'SC403', null, 'nor a guest');
select throws_ok($$select scc_api.event_manifest(pg_temp.ctx('00000000-0000-4000-8000-0000000d00c1',
                     '00000000-0000-4000-8000-0000000de001', null, '{"format": "xml"}'))$$,
                 'SC400', 'format must be json or csv', 'an unknown format is 400');
select throws_ok($$select scc_api.event_manifest(pg_temp.ctx('00000000-0000-4000-8000-0000000d00c1',
                     '00000000-0000-4000-8000-0000000de001', null, '{"sort": "name"}'))$$,
                 'SC400', 'sort is not a parameter of this route', 'an unknown parameter is 400');

-- the CSV: header, quoting, formula-looking text inert, the file name
create temp table c1 as select * from scc_api.event_manifest(pg_temp.ctx('00000000-0000-4000-8000-0000000d00c1',
    '00000000-0000-4000-8000-0000000de001', null, '{"format": "csv"}'));
select is((select split_part(body, E'\r\n', 1) from c1),
          'role,name,email,phone,place_state,waiver,signature_id,signed_at,waiver_version,minors,'
          'emergency_name,emergency_phone,emergency_relationship,checkin,checkin_at,checkin_by', 'the CSV''s header');
select ok((select body like E'%\r\nguest,''=cmd|'' /C calc''!A0,g3@dock.example,,designated,minors_not_covered,%' from c1),
          'a formula-looking name gets an apostrophe and stays one cell');
select ok((select body like '%"''=HYPERLINK(1) (2018-02-03, %' from c1), 'so does a minor''s');
select is((select array[content_type, filename] from c1),
          array['text/csv; charset=utf-8',
                'manifest-' || to_char((now() + interval '2 hours') at time zone 'America/Los_Angeles', 'YYYY-MM-DD')
                || '-sunset-bay-sail.csv'], 'text/csv, saved as manifest-<date>-<title>.csv');
select is((select array_length(string_to_array(rtrim(body, E'\r\n'), E'\r\n'), 1) from c1), 7, 'a header and six rows');

-- ---- check-in -------------------------------------------------------------------------------------------
select is(pg_temp.checkin('00000000-0000-4000-8000-0000000d00d1', '00000000-0000-4000-8000-0000000de001',
                          '{"user_id": "00000000-0000-4000-8000-0000000d00f1", "status": "checked_in"}') #>> '{body,person,checkin,status}',
          'checked_in', 'crew on the event check a signed guest in');
select is((select array[checkin, checkin_by::text] from scc.event_roles
            where event_id = '00000000-0000-4000-8000-0000000de001' and user_id = '00000000-0000-4000-8000-0000000d00f1'
              and state = 'confirmed'),
          array['checked_in', '00000000-0000-4000-8000-0000000d00d1'], 'by them');
select is((select count(*)::int from scc.audit_log where action = 'checkin.set' and request_id = 'dock-test'), 1, 'audited');
select is(pg_temp.checkin('00000000-0000-4000-8000-0000000d00d1', '00000000-0000-4000-8000-0000000de001',
                          '{"user_id": "00000000-0000-4000-8000-0000000d00f1", "status": "checked_in"}') #>> '{body,counts,checked_in}',
          '1', 'the same again changes nothing');
select is((select count(*)::int from scc.audit_log where action like 'checkin.%' and request_id = 'dock-test'), 1,
          'and writes no second audit row');
select throws_ok($$select pg_temp.checkin('00000000-0000-4000-8000-0000000d00c1', '00000000-0000-4000-8000-0000000de001',
                     '{"user_id": "00000000-0000-4000-8000-0000000d00f2", "status": "checked_in"}')$$,
                 'SC409', 'this guest is on waiver hold (waiver_missing): they cannot be checked in',
                 'a held guest is refused, naming the hold');
select throws_ok($$select pg_temp.checkin('00000000-0000-4000-8000-0000000d00c1', '00000000-0000-4000-8000-0000000de001',
                     '{"user_id": "00000000-0000-4000-8000-0000000d00f3", "status": "checked_in"}')$$,
                 'SC409', 'this guest is on waiver hold (minors_not_covered): they cannot be checked in',
                 'so is a guest whose minor is not covered');
select is(pg_temp.checkin('00000000-0000-4000-8000-0000000d00c1', '00000000-0000-4000-8000-0000000de001',
                          '{"user_id": "00000000-0000-4000-8000-0000000d00f2", "status": "no_show"}') #>> '{body,person,checkin,status}',
          'no_show', 'a held guest may be marked no show');
select is(pg_temp.checkin('00000000-0000-4000-8000-0000000d00a1', '00000000-0000-4000-8000-0000000de001',
                          '{"user_id": "00000000-0000-4000-8000-0000000d00f4", "status": "checked_in"}') #>> '{body,person,checkin,status}',
          'checked_in', 'a released guest may be checked in (admin)');
select is(pg_temp.checkin('00000000-0000-4000-8000-0000000d00c1', '00000000-0000-4000-8000-0000000de001',
                          '{"user_id": "00000000-0000-4000-8000-0000000d00f2", "status": null}') #> '{body,person,checkin}',
          'null'::jsonb, 'null clears');
select is((select array[checkin, checkin_at::text, checkin_by::text] from scc.event_roles
            where event_id = '00000000-0000-4000-8000-0000000de001' and user_id = '00000000-0000-4000-8000-0000000d00f2'),
          array[null, null, null]::text[], 'all of it');
create temp table before_refusals as
    select (select count(*) from scc.audit_log) as audits,
           (select string_agg(id || ':' || coalesce(checkin, '-'), ',' order by id) from scc.event_roles) as places;
select throws_ok($$select pg_temp.checkin('00000000-0000-4000-8000-0000000d00c1', '00000000-0000-4000-8000-0000000de002',
                     '{"user_id": "00000000-0000-4000-8000-0000000d00f1", "status": "checked_in"}')$$,
                 'SC409', null, 'a second before the window: checkin_not_open');
select throws_ok($$select pg_temp.checkin('00000000-0000-4000-8000-0000000d00c1', '00000000-0000-4000-8000-0000000de004',
                     '{"user_id": "00000000-0000-4000-8000-0000000d00f1", "status": "checked_in"}')$$,
                 'SC409', 'check-in opens 2 h before departure, at ' || scc.iso(now() - interval '1 hour')
                          || ', once the event is scheduled', 'a draft is not open');
select throws_ok($$select pg_temp.checkin('00000000-0000-4000-8000-0000000d00c1', '00000000-0000-4000-8000-0000000de003',
                     '{"user_id": "00000000-0000-4000-8000-0000000d00f1", "status": "checked_in"}')$$,
                 'SC409', 'check-in is over: the event is returned', 'a returned event is closed');
select throws_ok($$select pg_temp.checkin('00000000-0000-4000-8000-0000000d00c1', '00000000-0000-4000-8000-0000000de001',
                     '{"user_id": "00000000-0000-4000-8000-0000000d00f5", "status": "no_show"}')$$,
                 'SC404', 'this person holds no place on this event', 'a waitlisted place is not on the manifest');
select throws_ok($$select pg_temp.checkin('00000000-0000-4000-8000-0000000d00c1', '00000000-0000-4000-8000-0000000de001',
                     '{"user_id": "00000000-0000-4000-8000-0000000d00d2", "status": "no_show"}')$$,
                 'SC404', null, 'nor is someone without a place');
select throws_ok($$select pg_temp.checkin('00000000-0000-4000-8000-0000000d00d2', '00000000-0000-4000-8000-0000000de001',
                     '{"user_id": "00000000-0000-4000-8000-0000000d00f1", "status": "no_show"}')$$,
                 'SC403', null, 'crew not on the event may not check in');
select throws_ok($$select pg_temp.checkin('00000000-0000-4000-8000-0000000d00c1', '00000000-0000-4000-8000-0000000de001',
                     '{"user_id": "00000000-0000-4000-8000-0000000d00f1", "status": "aboard"}')$$,
                 'SC400', 'status must be checked_in, no_show or null', 'an unknown status');
select throws_ok($$select pg_temp.checkin('00000000-0000-4000-8000-0000000d00c1', '00000000-0000-4000-8000-0000000de001',
                     '{"user_id": "00000000-0000-4000-8000-0000000d00f1"}')$$,
                 'SC400', 'status: checked_in, no_show, or null to clear', 'a missing status');
select throws_ok($$select pg_temp.checkin('00000000-0000-4000-8000-0000000d00c1', '00000000-0000-4000-8000-0000000de001',
                     '{"user_id": "x", "status": "no_show"}')$$,
                 'SC400', null, 'a malformed user_id');
select is((select array[(select count(*) from scc.audit_log)::text,
                        (select string_agg(id || ':' || coalesce(checkin, '-'), ',' order by id) from scc.event_roles)]),
          (select array[audits::text, places] from before_refusals), 'the refusals changed nothing');

-- ---- waiver completion -----------------------------------------------------------------------------------
select is(scc.waiver_completion_record(jsonb_build_object('event_id', '00000000-0000-4000-8000-0000000de001',
              'moment', 't_minus_24h', 'departure_at', scc.iso(now() + interval '2 hours'))),
          'recorded 1/4', 'T-24 h: one valid of four manifested guests (the released hold is not valid)');
insert into scc.waiver_signatures (version_id, body_sha256, event_id, user_id, legal_name, email, adult_statement,
                                   intent_text, consent_text, minors, emergency_name, emergency_phone,
                                   emergency_relationship)
values ('00000000-0000-4000-8000-0000000dd001', '', '00000000-0000-4000-8000-0000000de001',
        '00000000-0000-4000-8000-0000000d00f2', 'Fay Unsigned', 'g2@dock.example', 'I am 18 or older',
        'I have read and agree', 'I consent to electronic records', '[]', 'Al Contact', '+1 619 555 0199', 'friend');
select is(scc.waiver_completion_record(jsonb_build_object('event_id', '00000000-0000-4000-8000-0000000de001',
              'moment', 'departure', 'departure_at', scc.iso(now() + interval '2 hours'))),
          'recorded 2/4', 'at departure: the guest who signed since counts');
select is((select array_agg(moment || ' ' || valid || '/' || manifested order by moment) from scc.waiver_completion
            where event_id = '00000000-0000-4000-8000-0000000de001'),
          array['departure 2/4', 't_minus_24h 1/4'], 'both figures are kept');
select is(scc.waiver_completion_record(jsonb_build_object('event_id', '00000000-0000-4000-8000-0000000de001',
              'moment', 'departure', 'departure_at', scc.iso(now() + interval '3 hours'))),
          'skipped: the departure moved', 'a job for an old departure does nothing');
select throws_ok($$select scc.waiver_completion_record('{"event_id": "x", "moment": "departure"}')$$,
                 '22023', null, 'a malformed payload is 22023');
update scc.events set departure_at = departure_at + interval '1 day', return_at = return_at + interval '1 day'
 where id = '00000000-0000-4000-8000-0000000de001';
select is((select count(*)::int from scc.jobs where kind = 'waiver_completion'
              and payload ->> 'event_id' = '00000000-0000-4000-8000-0000000de001'), 4,
          'a moved departure queues the two jobs again, for the new time');
select ok(has_function_privilege('scc_worker', 'scc.waiver_completion_record(jsonb)', 'execute')
          and not has_function_privilege('scc_web', 'scc.waiver_completion_record(jsonb)', 'execute'),
          'the worker runs the completion job; the web role cannot');

select * from finish();
rollback;
