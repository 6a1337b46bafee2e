-- waiver_tables.sql — the waiver tables and the hold (021_waiver_tables.sql):
-- a version's hash is the SHA-256 of its text or the row is refused;
-- versions and signatures refuse UPDATE, DELETE and TRUNCATE even from
-- the superuser; a signature takes the server's clock and the version's
-- hash whatever the insert says; an event is pinned to the current version
-- when it is scheduled; scc.guest_hold's every answer; the event page
-- (kept) shows holds, the caller's next step and the underway guard.
-- Runs as the superuser inside a rolled-back transaction.
begin;
create extension if not exists pgtap;
select plan(27);
set constraints all immediate;

insert into scc.users (id, email, name, role) values
    ('00000000-0000-4000-8000-0000000000a1', 'admin@wt.example', 'Ada Admin', 'admin'),
    ('00000000-0000-4000-8000-0000000000c1', 'cap@wt.example', 'Cleo Captain', 'captain'),
    ('00000000-0000-4000-8000-0000000000f1', 'guest@wt.example', 'Gus Guest', 'guest'),
    ('00000000-0000-4000-8000-0000000000f2', 'guest2@wt.example', 'Gia Guest', 'guest');
insert into scc.boats (id, name, port_name, port_lat, port_lon, time_zone, guest_capacity, crew_min, crew_max)
values ('00000000-0000-4000-8000-00000000b001', 'Waiver Test Boat', 'Shelter Island', 32.71, -117.23,
        'America/Los_Angeles', 6, 0, 1);
insert into scc.waiver_templates (id, name) values ('00000000-0000-4000-8000-00000000a001', 'Test waiver');

-- ---- versions: the hash, immutability -------------------------------------------------------------
select throws_ok($$insert into scc.waiver_versions (template_id, version, title, body, body_sha256, intent_text,
                    consent_text, adult_text, validity)
                  values ('00000000-0000-4000-8000-00000000a001', 1, 'T', 'Text', repeat('0', 64), 'I agree',
                          'I consent', 'I am 18', 'event')$$,
                 '23514', null, 'a version whose hash is not its text''s SHA-256 is refused');
insert into scc.waiver_versions (id, template_id, version, title, body, body_sha256, intent_text, consent_text,
                                 adult_text, validity)
values ('00000000-0000-4000-8000-0000000000d1', '00000000-0000-4000-8000-00000000a001', 1, 'Waiver',
        E'# Risks\nSailing is **risky**.\n', encode(sha256(convert_to(E'# Risks\nSailing is **risky**.\n', 'UTF8')), 'hex'),
        'I have read and agree', 'I consent to electronic records', 'I am 18 or older', 'event');
select is((select body_sha256 from scc.waiver_versions where version = 1 and template_id = '00000000-0000-4000-8000-00000000a001'),
          encode(sha256(convert_to(E'# Risks\nSailing is **risky**.\n', 'UTF8')), 'hex'), 'with its own, it is kept');
select throws_ok($$update scc.waiver_versions set title = 'Changed' where version = 1$$, 'SC409', null,
                 'a version is never updated, even by the superuser');
select throws_ok($$delete from scc.waiver_versions$$, 'SC409', null, 'nor deleted');
select throws_ok($$truncate scc.waiver_versions cascade$$, 'SC409', null, 'nor truncated');
select is(scc.waiver_current_version('00000000-0000-4000-8000-00000000b001'),
          '00000000-0000-4000-8000-0000000000d1'::uuid, 'the global template''s latest version is current');

-- ---- the pin ----------------------------------------------------------------------------------------
insert into scc.events (id, boat_id, title, departure_at, return_at, time_zone, crew_min, crew_max, guest_max, state)
values ('00000000-0000-4000-8000-00000000e001', '00000000-0000-4000-8000-00000000b001', 'Waiver sail',
        now() + interval '3 days', now() + interval '3 days 3 hours', 'America/Los_Angeles', 0, 1, 6, 'draft');
select is((select waiver_version_id from scc.events where id = '00000000-0000-4000-8000-00000000e001'), null,
          'a draft requires no version yet');
update scc.events set state = 'scheduled' where id = '00000000-0000-4000-8000-00000000e001';
select is((select waiver_version_id from scc.events where id = '00000000-0000-4000-8000-00000000e001'),
          '00000000-0000-4000-8000-0000000000d1'::uuid, 'scheduling pins the current version');

-- ---- the hold ---------------------------------------------------------------------------------------
insert into scc.event_roles (event_id, user_id, role, state, reason)
values ('00000000-0000-4000-8000-00000000e001', '00000000-0000-4000-8000-0000000000f1', 'guest', 'confirmed', 'fixture');
create function pg_temp.hold(u text) returns text language sql as $$
    select scc.guest_hold(e, r) from scc.events as e join scc.event_roles as r on r.event_id = e.id
     where e.id = '00000000-0000-4000-8000-00000000e001' and r.user_id = u::uuid
       and r.state in ('claimed', 'designated', 'confirmed', 'waitlisted')
$$;
create function pg_temp.page(u text, r text) returns jsonb language sql as $$
    select body::jsonb from scc_api.event_get(jsonb_build_object(
        'actor', jsonb_build_object('id', u, 'role', r),
        'params', jsonb_build_object('id', '00000000-0000-4000-8000-00000000e001'), 'query', '{}'::jsonb))
$$;
select is(pg_temp.hold('00000000-0000-4000-8000-0000000000f1'), 'waiver_missing', 'an unsigned guest is held');
select is(pg_temp.page('00000000-0000-4000-8000-0000000000f1', 'guest') #>> '{you,next}', 'waiver',
          'their page says the next step is the waiver');
select is(pg_temp.page('00000000-0000-4000-8000-0000000000c1', 'captain') #>> '{roster,people,0,hold}', 'waiver_missing',
          'the captain''s roster shows the hold');
insert into scc.waiver_signatures (version_id, body_sha256, event_id, user_id, legal_name, email, date_of_birth,
                                   intent_text, consent_text, minors, emergency_name, emergency_phone,
                                   emergency_relationship, signed_at)
values ('00000000-0000-4000-8000-0000000000d1', 'forged', '00000000-0000-4000-8000-00000000e001',
        '00000000-0000-4000-8000-0000000000f1', 'Gus Guest', 'guest@wt.example', '1990-01-02',
        'I have read and agree', 'I consent to electronic records', '[]', 'Mo Guest', '+1 619 555 0100', 'mother',
        '2001-01-01');
select is((select array[body_sha256 = (select v.body_sha256 from scc.waiver_versions as v where v.version = 1
                                                                  and v.template_id = '00000000-0000-4000-8000-00000000a001'),
                        signed_at > now() - interval '1 hour']
             from scc.waiver_signatures where user_id = '00000000-0000-4000-8000-0000000000f1'),
          array[true, true], 'a signature takes the version''s hash and the server''s clock, not the insert''s');
select is(pg_temp.hold('00000000-0000-4000-8000-0000000000f1'), null, 'signed: no hold');
select is(pg_temp.page('00000000-0000-4000-8000-0000000000f1', 'guest') #> '{you,next}', 'null'::jsonb,
          'and the kept page says so at once');
select throws_ok($$update scc.waiver_signatures set legal_name = 'Someone Else'$$, 'SC409', null,
                 'a signature is never updated');
select throws_ok($$delete from scc.waiver_signatures$$, 'SC409', null, 'nor deleted');
select throws_ok($$truncate scc.waiver_signatures$$, 'SC409', null, 'nor truncated');

-- minors: brought but not signed for, then an adult by the event's date
update scc.event_roles set minors = '[{"name": "Kit Guest", "date_of_birth": "2016-05-01"}]'
 where user_id = '00000000-0000-4000-8000-0000000000f1';
select is(pg_temp.hold('00000000-0000-4000-8000-0000000000f1'), 'minors_not_covered', 'a minor not signed for holds');
insert into scc.waiver_signatures (version_id, body_sha256, event_id, user_id, legal_name, email, date_of_birth,
                                   intent_text, consent_text, minors, emergency_name, emergency_phone,
                                   emergency_relationship, supersedes)
select '00000000-0000-4000-8000-0000000000d1', '', '00000000-0000-4000-8000-00000000e001',
       '00000000-0000-4000-8000-0000000000f1', 'Gus Guest', 'guest@wt.example', '1990-01-02',
       'I have read and agree', 'I consent to electronic records',
       '[{"name": " kit guest ", "date_of_birth": "2016-05-01"}]', 'Mo Guest', '+1 619 555 0100', 'mother', s.id
  from scc.waiver_signatures as s where s.user_id = '00000000-0000-4000-8000-0000000000f1';
select is(pg_temp.hold('00000000-0000-4000-8000-0000000000f1'), null,
          'a superseding signature covering the minor (case and spaces aside) ends it');
update scc.event_roles set minors = '[{"name": "Kit Guest", "date_of_birth": "2000-05-01"}]'
 where user_id = '00000000-0000-4000-8000-0000000000f1';
select is(pg_temp.hold('00000000-0000-4000-8000-0000000000f1'), 'minors_not_covered',
          'a different date of birth is a different person');

-- a newer version required: outdated; an admin's release ends any hold
update scc.event_roles set minors = '[]' where user_id = '00000000-0000-4000-8000-0000000000f1';
insert into scc.waiver_versions (id, template_id, version, title, body, body_sha256, intent_text, consent_text,
                                 adult_text, validity)
values ('00000000-0000-4000-8000-0000000000d2', '00000000-0000-4000-8000-00000000a001', 2, 'Waiver',
        'New text', encode(sha256(convert_to('New text', 'UTF8')), 'hex'),
        'I have read and agree', 'I consent to electronic records', 'I am 18 or older', 'event');
update scc.events set waiver_version_id = '00000000-0000-4000-8000-0000000000d2'
 where id = '00000000-0000-4000-8000-00000000e001';
select is(pg_temp.hold('00000000-0000-4000-8000-0000000000f1'), 'waiver_outdated', 'moved on: the old signature is outdated');
update scc.event_roles set hold_released_at = now(), hold_released_by = '00000000-0000-4000-8000-0000000000a1',
                           hold_release_reason = 'signed on paper at the dock'
 where user_id = '00000000-0000-4000-8000-0000000000f1';
select is(pg_temp.hold('00000000-0000-4000-8000-0000000000f1'), null, 'an admin''s release ends the hold');

-- a season: one signature for every event in it; a minor who turns 18 before the event signs alone
insert into scc.waiver_versions (id, template_id, version, title, body, body_sha256, intent_text, consent_text,
                                 adult_text, validity, valid_from, valid_to)
values ('00000000-0000-4000-8000-0000000000d3', '00000000-0000-4000-8000-00000000a001', 3, 'Season waiver',
        'Season text', encode(sha256(convert_to('Season text', 'UTF8')), 'hex'),
        'I have read and agree', 'I consent to electronic records', 'I am 18 or older', 'season',
        current_date - 10, current_date + 30);
update scc.events set waiver_version_id = '00000000-0000-4000-8000-0000000000d3'
 where id = '00000000-0000-4000-8000-00000000e001';
insert into scc.event_roles (event_id, user_id, role, state, reason, minors)
values ('00000000-0000-4000-8000-00000000e001', '00000000-0000-4000-8000-0000000000f2', 'guest', 'confirmed', 'fixture',
        jsonb_build_array(jsonb_build_object('name', 'Almost Grown',
                                             'date_of_birth', (current_date + 1 - interval '18 years')::date)));
insert into scc.events (id, boat_id, title, departure_at, return_at, time_zone, crew_min, crew_max, guest_max, state)
values ('00000000-0000-4000-8000-00000000e002', '00000000-0000-4000-8000-00000000b001', 'Earlier sail',
        now() - interval '5 days', now() - interval '5 days' + interval '3 hours', 'America/Los_Angeles', 0, 1, 6, 'closed');
insert into scc.waiver_signatures (version_id, body_sha256, event_id, user_id, legal_name, email, adult_statement,
                                   intent_text, consent_text, minors, emergency_name, emergency_phone,
                                   emergency_relationship)
values ('00000000-0000-4000-8000-0000000000d3', '', '00000000-0000-4000-8000-00000000e002',
        '00000000-0000-4000-8000-0000000000f2', 'Gia Guest', 'guest2@wt.example', 'I am 18 or older',
        'I have read and agree', 'I consent to electronic records',
        jsonb_build_array(jsonb_build_object('name', 'Almost Grown',
                                             'date_of_birth', (current_date + 1 - interval '18 years')::date)),
        'Lu Guest', '+1 619 555 0101', 'partner');
select is(pg_temp.hold('00000000-0000-4000-8000-0000000000f2'), 'minor_now_adult',
          'a season signature from another event counts, but the minor is 18 by this event''s date');
update scc.event_roles set minors = '[]' where user_id = '00000000-0000-4000-8000-0000000000f2';
select is(pg_temp.hold('00000000-0000-4000-8000-0000000000f2'), null, 'without them, the season signature holds');

-- ---- the underway guard names a checked-in guest on hold ----------------------------------------------
update scc.event_roles set hold_released_at = null, hold_released_by = null, hold_release_reason = null,
                           checkin = 'checked_in', checkin_at = now()
 where user_id = '00000000-0000-4000-8000-0000000000f1';
select is((select jsonb_path_query_array(scc.event_missing_data(e, 'underway'), '$[*].code')
             from scc.events as e where e.id = '00000000-0000-4000-8000-00000000e001'),
          '["no_confirmed_captain", "guest_on_hold"]'::jsonb, 'underway: a checked-in held guest is missing');
select is((select scc.event_missing_data(e, 'underway') -> 1 ->> 'name'
             from scc.events as e where e.id = '00000000-0000-4000-8000-00000000e001'),
          'Gus Guest', 'by name');
select is(pg_temp.page('00000000-0000-4000-8000-0000000000a1', 'admin'),
          (select scc.event_page_json(e, '00000000-0000-4000-8000-0000000000a1', 'admin')::jsonb
             from scc.events as e where e.id = '00000000-0000-4000-8000-00000000e001'),
          'the kept page is the page built from the tables');

select * from finish();
rollback;
