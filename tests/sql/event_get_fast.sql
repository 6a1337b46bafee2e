-- event_get_fast.sql — GET /api/events/:id's one statement (031): for
-- every kind of caller the route answers byte for byte what its full path,
-- scc.event_get_slow, answers (the same status and body text, or the same
-- refusal), and the one statement answers exactly the callers it is meant
-- for: an enabled caller without a place, on a kept page they may see.
-- Which path answered a 200 is read from pg_stat_xact_user_functions
-- (calls of scc.event_get_slow in this transaction).
-- Runs as the superuser inside a rolled-back transaction.
begin;
create extension if not exists pgtap;
select plan(21);
set constraints all immediate;
set track_functions = 'pl';

-- ---- fixtures ------------------------------------------------------------------------
insert into scc.users (id, email, name, role) values
    ('00000000-0000-4000-8000-0000000000a1', 'admin@fast.example', 'Ada Admin', 'admin'),
    ('00000000-0000-4000-8000-0000000000c1', 'cap@fast.example', 'Cleo Captain', 'captain'),
    ('00000000-0000-4000-8000-000000000001', 'crew1@fast.example', 'Crew One', 'crew'),
    ('00000000-0000-4000-8000-000000000002', 'crew2@fast.example', 'Crew Two', 'crew'),
    ('00000000-0000-4000-8000-000000000003', 'crew3@fast.example', 'Crew Three', 'crew'),
    ('00000000-0000-4000-8000-0000000000f1', 'guest1@fast.example', 'Gus Guest', 'guest'),
    ('00000000-0000-4000-8000-0000000000f2', 'guest2@fast.example', 'Gia Stranger', 'guest');
insert into scc.boats (id, name, port_name, port_lat, port_lon, time_zone, guest_capacity, crew_min, crew_max)
values ('00000000-0000-4000-8000-00000000b001', 'Fast Test Boat', 'Shelter Island', 32.71, -117.23,
        'America/Los_Angeles', 6, 1, 1);
insert into scc.waiver_templates (id, name, boat_id)
values ('00000000-0000-4000-8000-00000000a001', 'Fast test waiver', '00000000-0000-4000-8000-00000000b001');
insert into scc.waiver_versions (id, template_id, version, title, body, body_sha256, intent_text, consent_text,
                                 adult_text, validity)
values ('00000000-0000-4000-8000-0000000000d1', '00000000-0000-4000-8000-00000000a001', 1, 'Waiver',
        'Sailing is risky.', encode(sha256(convert_to('Sailing is risky.', 'UTF8')), 'hex'),
        'I agree', 'I consent to electronic records', 'I am 18 or older', 'event');
-- a scheduled sail in three days (its waiver pinned), one leaving in an hour
-- (the clock's instant, boarding opens, has passed), a draft
insert into scc.events (id, boat_id, title, departure_at, return_at, time_zone, crew_min, crew_max, guest_max, state)
values ('00000000-0000-4000-8000-00000000e001', '00000000-0000-4000-8000-00000000b001', 'Fast sail',
        now() + interval '3 days', now() + interval '3 days 3 hours', 'America/Los_Angeles', 1, 1, 6, 'scheduled'),
       ('00000000-0000-4000-8000-00000000e002', '00000000-0000-4000-8000-00000000b001', 'Soon sail',
        now() + interval '1 hour', now() + interval '4 hours', 'America/Los_Angeles', 1, 1, 6, 'scheduled'),
       ('00000000-0000-4000-8000-00000000e003', '00000000-0000-4000-8000-00000000b001', 'Draft sail',
        now() + interval '5 days', now() + interval '5 days 3 hours', 'America/Los_Angeles', 1, 1, 6, 'draft');
insert into scc.event_roles (event_id, user_id, role, state, reason, queued_at) values
    ('00000000-0000-4000-8000-00000000e001', '00000000-0000-4000-8000-0000000000c1', 'captain', 'confirmed', 'fixture', null),
    ('00000000-0000-4000-8000-00000000e001', '00000000-0000-4000-8000-000000000001', 'crew', 'confirmed', 'fixture', null),
    ('00000000-0000-4000-8000-00000000e001', '00000000-0000-4000-8000-000000000003', 'crew', 'waitlisted', 'fixture', now()),
    ('00000000-0000-4000-8000-00000000e001', '00000000-0000-4000-8000-0000000000f1', 'guest', 'confirmed', 'fixture', null);

create function pg_temp.ctx(actor text, ev text) returns jsonb language sql as $$
    select jsonb_build_object('actor', case when actor is not null then jsonb_build_object('id', actor, 'role', 'crew') end,
                              'params', jsonb_build_object('id', ev), 'query', '{}'::jsonb,
                              'ip', '127.0.0.1', 'ua', 'pgtap', 'request_id', 'req-fast')
$$;
-- one function's answer as text: 'status body', or 'SQLSTATE code' for a refusal
create function pg_temp.answer(fn text, c jsonb) returns text language plpgsql as $$
declare
    a   text;
    err text;
    det text;
begin
    execute format('select status || '' '' || body::text from %s($1)', fn) into a using c;
    return a;
exception when others then
    get stacked diagnostics err = returned_sqlstate, det = pg_exception_detail;
    return err || ' ' || coalesce(det, '');
end
$$;
create function pg_temp.slow_calls() returns bigint language sql as $$
    select coalesce((select f.calls from pg_stat_xact_user_functions as f
                      where f.schemaname = 'scc' and f.funcname = 'event_get_slow'), 0)
$$;
-- the route against its full path for one caller: which path answered a
-- 200 (a refusal is always the full path's: the one statement raises
-- nothing, and a function that raises is not counted), and the status or
-- the refusal when the two agree byte for byte
create function pg_temp.check(actor text, ev text) returns text language plpgsql as $$
declare
    before bigint := pg_temp.slow_calls();
    got    text := pg_temp.answer('scc_api.event_get', pg_temp.ctx(actor, ev));
    path   text := case when pg_temp.slow_calls() > before then 'slow' else 'fast' end;
    want   text := pg_temp.answer('scc.event_get_slow', pg_temp.ctx(actor, ev));
begin
    if got is distinct from want then
        return path || ' differs: ' || coalesce(got, 'null') || ' / ' || coalesce(want, 'null');
    end if;
    return case when got like '200 %' then path || ' 200' else 'refused ' || got end;
end
$$;
\set ev '''00000000-0000-4000-8000-00000000e001'''
\set soon '''00000000-0000-4000-8000-00000000e002'''
\set draft '''00000000-0000-4000-8000-00000000e003'''
\set admin '''00000000-0000-4000-8000-0000000000a1'''
\set cap '''00000000-0000-4000-8000-0000000000c1'''
\set c1 '''00000000-0000-4000-8000-000000000001'''
\set c2 '''00000000-0000-4000-8000-000000000002'''
\set c3 '''00000000-0000-4000-8000-000000000003'''
\set guest '''00000000-0000-4000-8000-0000000000f1'''
\set stranger '''00000000-0000-4000-8000-0000000000f2'''

select ok((select not p.stale from scc.event_pages as p where p.event_id = :ev::uuid), 'the sail''s page is kept');

-- ---- the five callers --------------------------------------------------------------------
select is(pg_temp.check(:admin, :ev), 'fast 200', 'an admin (no place): the one statement, the same page');
select is(pg_temp.check(:cap, :ev), 'slow 200', 'the captain with a place: the full path');
select is(pg_temp.check(:c2, :ev), 'fast 200', 'crew without a place: the one statement, the same page');
select is(pg_temp.check(:guest, :ev), 'slow 200', 'a guest on hold: the full path');
select is((scc_api.event_get(pg_temp.ctx(:guest, :ev))).body::jsonb #>> '{you,places,0,hold}', 'waiver_missing',
          'and that guest is on hold');
select is(pg_temp.check(:stranger, :ev), 'refused SC404 event_not_found', 'a stranger: the full path''s refusal');

-- ---- the other places and the clock ------------------------------------------------------
select is(pg_temp.check(:c1, :ev), 'slow 200', 'crew holding the seat: the full path');
select is(pg_temp.check(:c3, :ev), 'slow 200', 'crew on the waitlist: the full path');
select is(pg_temp.check(:admin, :soon), 'fast 200', 'past the clock''s instant: the one statement');
select is((scc_api.event_get(pg_temp.ctx(:admin, :soon))).body::jsonb #>> '{transitions,0,allowed}', 'true',
          'from the side after it (boarding may open)');
select is(pg_temp.check(:c2, :draft), 'refused SC404 event_not_found', 'crew on a draft: refused by the full path');
select is(pg_temp.check(:cap, :draft), 'fast 200', 'a captain without a place on a draft: the one statement');

-- ---- refusals and odd spellings: always the full path -------------------------------------
select is(pg_temp.check(null, :ev), 'refused SC401 unauthorized', 'no token');
select is(pg_temp.check('not-a-uuid', :ev), 'refused SC400 invalid_token', 'a subject that is not a uuid');
select is(pg_temp.check('00000000-0000-4000-8000-0000000000ff', :ev), 'refused SC401 invalid_token', 'an unknown subject');
select is(pg_temp.check(:admin, 'nope'), 'refused SC400 invalid_id', 'an id that is not a uuid');
select is(pg_temp.check(:admin, '00000000-0000-4000-8000-00000000eeee'), 'refused SC404 event_not_found', 'an unknown event');
select is(pg_temp.check(:admin, upper(:ev)), 'slow 200', 'the id in upper case: the full path, the same page');
update scc.users set disabled_at = now() where id = :c2::uuid;
select is(pg_temp.check(:c2, :ev), 'refused SC401 user_disabled', 'a disabled account');
update scc.event_pages set stale = true where event_id = :ev::uuid;
select is(pg_temp.check(:admin, :ev), 'slow 200', 'a stale row: the full path builds the page');

select * from finish();
rollback;
