-- waiver_signing.sql — signing a waiver (023_waiver_signing.sql): every
-- refusal of scc_api.waiver_sign with its code and nothing written; the
-- record holds the version's statements verbatim, the server's time, the
-- request's ip and user agent, the token's jti, the session its sid names
-- (029: with when its sign-in began; refused when not the signer's, ended,
-- or absent) and the sign-in link; the place's minors and a designated place confirmed; the copy queued; the
-- hold before and after; supersede; immutability as the owner and through
-- the routes; who may read the text and the record; season validity over
-- two events and a minor who turns 18 between them; the kept page.
-- Runs as the superuser inside a rolled-back transaction.
begin;
create extension if not exists pgtap;
select plan(100);
set constraints all immediate;

insert into scc.users (id, email, name, role) values
    ('00000000-0000-4000-8000-0000000001a1', 'admin@ws.example', 'Ada Admin', 'admin'),
    ('00000000-0000-4000-8000-0000000001c1', 'cap@ws.example', 'Cleo Captain', 'captain'),
    ('00000000-0000-4000-8000-0000000001c2', 'crew@ws.example', 'Cy Crew', 'crew'),
    ('00000000-0000-4000-8000-0000000001f1', 'Guest@ws.example', 'Gus Guest', 'guest'),
    ('00000000-0000-4000-8000-0000000001f2', 'guest2@ws.example', 'Gia Guest', 'guest'),
    ('00000000-0000-4000-8000-0000000001f3', 'guest3@ws.example', 'Out Sider', 'guest');
insert into scc.boats (id, name, port_name, port_lat, port_lon, time_zone, guest_capacity, crew_min, crew_max) values
    ('00000000-0000-4000-8000-00000001b001', 'Signing Boat', 'Shelter Island', 32.71, -117.23, 'America/Los_Angeles', 6, 0, 2),
    ('00000000-0000-4000-8000-00000001b002', 'Season Boat', 'Shelter Island', 32.71, -117.23, 'America/Los_Angeles', 6, 0, 2);
insert into scc.waiver_templates (id, name, boat_id) values
    ('00000000-0000-4000-8000-00000001a001', 'Signing waiver', '00000000-0000-4000-8000-00000001b001'),
    ('00000000-0000-4000-8000-00000001a002', 'Season waiver', '00000000-0000-4000-8000-00000001b002');
insert into scc.waiver_versions (id, template_id, version, title, body, body_sha256, intent_text, consent_text,
                                 adult_text, validity, valid_from, valid_to) values
    ('00000000-0000-4000-8000-0000000001d1', '00000000-0000-4000-8000-00000001a001', 1, 'Release of liability',
     E'# Risks\nSailing is **risky**.\n\n- Wear a lifejacket\n', encode(sha256(convert_to(E'# Risks\nSailing is **risky**.\n\n- Wear a lifejacket\n', 'UTF8')), 'hex'),
     'I have read this waiver and sign it as my own', 'I agree to sign and receive records electronically',
     'I am 18 years of age or older', 'event', null, null),
    ('00000000-0000-4000-8000-0000000001d3', '00000000-0000-4000-8000-00000001a002', 1, 'Season release',
     'Season text', encode(sha256(convert_to('Season text', 'UTF8')), 'hex'),
     'I sign for the season', 'Electronic records are fine', 'I am an adult', 'season',
     current_date - 10, current_date + 60);

-- e1: scheduled (pins version d1); e0: a sail that requires no waiver;
-- s1, s2: two sails of the season, 3 and 40 days ahead
insert into scc.events (id, boat_id, title, departure_at, return_at, time_zone, crew_min, crew_max, guest_max, state) values
    ('00000000-0000-4000-8000-00000001e001', '00000000-0000-4000-8000-00000001b001', 'Signing sail',
     now() + interval '3 days', now() + interval '3 days 3 hours', 'America/Los_Angeles', 0, 2, 6, 'scheduled'),
    ('00000000-0000-4000-8000-00000001e000', '00000000-0000-4000-8000-00000001b001', 'No waiver sail',
     now() + interval '4 days', now() + interval '4 days 3 hours', 'America/Los_Angeles', 0, 2, 6, 'draft'),
    ('00000000-0000-4000-8000-00000001e101', '00000000-0000-4000-8000-00000001b002', 'Season sail one',
     now() + interval '3 days', now() + interval '3 days 3 hours', 'America/Los_Angeles', 0, 2, 6, 'scheduled'),
    ('00000000-0000-4000-8000-00000001e102', '00000000-0000-4000-8000-00000001b002', 'Season sail two',
     now() + interval '40 days', now() + interval '40 days 3 hours', 'America/Los_Angeles', 0, 2, 6, 'scheduled');
insert into scc.event_roles (event_id, user_id, role, state, reason, minors) values
    ('00000000-0000-4000-8000-00000001e001', '00000000-0000-4000-8000-0000000001c1', 'captain', 'confirmed', 'fixture', '[]'),
    ('00000000-0000-4000-8000-00000001e001', '00000000-0000-4000-8000-0000000001c2', 'crew', 'confirmed', 'fixture', '[]'),
    ('00000000-0000-4000-8000-00000001e001', '00000000-0000-4000-8000-0000000001f1', 'guest', 'designated', 'fixture', '[]'),
    ('00000000-0000-4000-8000-00000001e001', '00000000-0000-4000-8000-0000000001f2', 'guest', 'confirmed', 'fixture',
     '[{"name": "Kit Guest", "date_of_birth": "2016-05-01"}]'),
    ('00000000-0000-4000-8000-00000001e000', '00000000-0000-4000-8000-0000000001f1', 'guest', 'confirmed', 'fixture', '[]'),
    ('00000000-0000-4000-8000-00000001e101', '00000000-0000-4000-8000-0000000001f2', 'guest', 'confirmed', 'fixture', '[]'),
    ('00000000-0000-4000-8000-00000001e102', '00000000-0000-4000-8000-0000000001f2', 'guest', 'confirmed', 'fixture', '[]');
-- the invite that brought Gus to the sail, already redeemed
insert into scc.magic_links (id, code_hash, purpose, email, role, event_id, user_id, expires_at, consumed_at)
values ('00000000-0000-4000-8000-0000000001b1', sha256('ws-invite'::bytea), 'invite', 'Guest@ws.example', 'guest',
        '00000000-0000-4000-8000-00000001e001', '00000000-0000-4000-8000-0000000001f1', now() + interval '1 day', now());

-- everyone's session (the sid of their token): Gus signed in two hours ago and
-- refreshed ten minutes ago (5f1 rotated into 5f2, one family); the admin's
-- family likewise (5a1 into 5a2)
insert into scc.sessions (id, user_id, family, refresh_hash, expires_at, created_at) values
    ('00000000-0000-4000-8000-0000000005f2', '00000000-0000-4000-8000-0000000001f1', '00000000-0000-4000-8000-0000000006f1',
     sha256('ws-s-5f2'::bytea), now() + interval '30 days', now() - interval '10 minutes'),
    ('00000000-0000-4000-8000-0000000005f3', '00000000-0000-4000-8000-0000000001f2', '00000000-0000-4000-8000-0000000006f2',
     sha256('ws-s-5f3'::bytea), now() + interval '30 days', now() - interval '1 hour'),
    ('00000000-0000-4000-8000-0000000005f4', '00000000-0000-4000-8000-0000000001f3', '00000000-0000-4000-8000-0000000006f3',
     sha256('ws-s-5f4'::bytea), now() + interval '30 days', now() - interval '1 hour'),
    ('00000000-0000-4000-8000-0000000005a2', '00000000-0000-4000-8000-0000000001a1', '00000000-0000-4000-8000-0000000006a1',
     sha256('ws-s-5a2'::bytea), now() + interval '30 days', now() - interval '5 minutes'),
    ('00000000-0000-4000-8000-0000000005c1', '00000000-0000-4000-8000-0000000001c1', '00000000-0000-4000-8000-0000000006c1',
     sha256('ws-s-5c1'::bytea), now() + interval '30 days', now() - interval '1 hour'),
    ('00000000-0000-4000-8000-0000000005c2', '00000000-0000-4000-8000-0000000001c2', '00000000-0000-4000-8000-0000000006c2',
     sha256('ws-s-5c2'::bytea), now() + interval '30 days', now() - interval '1 hour');
insert into scc.sessions (id, user_id, family, refresh_hash, expires_at, created_at, revoked_at, replaced_by) values
    ('00000000-0000-4000-8000-0000000005f1', '00000000-0000-4000-8000-0000000001f1', '00000000-0000-4000-8000-0000000006f1',
     sha256('ws-s-5f1'::bytea), now() + interval '30 days', now() - interval '2 hours', now() - interval '10 minutes',
     '00000000-0000-4000-8000-0000000005f2'),
    ('00000000-0000-4000-8000-0000000005a1', '00000000-0000-4000-8000-0000000001a1', '00000000-0000-4000-8000-0000000006a1',
     sha256('ws-s-5a1'::bytea), now() + interval '30 days', now() - interval '3 hours', now() - interval '5 minutes',
     '00000000-0000-4000-8000-0000000005a2');
create temp table t_sid (user_id uuid primary key, sid uuid not null);
insert into t_sid select user_id, id from scc.sessions where revoked_at is null
   and user_id::text like '00000000-0000-4000-8000-0000000001__';

-- ---- helpers --------------------------------------------------------------------------------------------
create function pg_temp.ctx(u text, ev text, b jsonb) returns jsonb language sql as $$
    select jsonb_build_object('actor', jsonb_build_object('id', u, 'role', (select role from scc.users where id = u::uuid),
                                                          'jti', 'jti-' || left(u, 8),
                                                          'sid', (select t.sid from t_sid as t where t.user_id = u::uuid)),
                              'params', jsonb_build_object('id', ev), 'query', '{}'::jsonb, 'body', b,
                              'ip', '203.0.113.9', 'ua', 'pgTAP <script>alert(1)</script>', 'request_id', 'ws-test')
$$;
-- a call as text: '201' or 'SC409 version_mismatch'
create function pg_temp.try(fn text, u text, ev text, b jsonb) returns text language plpgsql as $$
declare
    r  scc_api.response;
    st text;
    d  text;
begin
    case fn
    when 'sign' then r := scc_api.waiver_sign(pg_temp.ctx(u, ev, b));
    when 'get' then r := scc_api.waiver_get(pg_temp.ctx(u, ev, null));
    when 'record' then r := scc_api.waiver_signature_get(pg_temp.ctx(u, ev, null));
    end case;
    return r.status::text;
exception when others then
    get stacked diagnostics st = returned_sqlstate, d = pg_exception_detail;
    return st || ' ' || d;
end
$$;
create function pg_temp.body(fn text, u text, ev text, b jsonb) returns jsonb language plpgsql as $$
begin
    return case fn when 'sign' then (scc_api.waiver_sign(pg_temp.ctx(u, ev, b))).body::jsonb
                   when 'get' then (scc_api.waiver_get(pg_temp.ctx(u, ev, null))).body::jsonb
                   else (scc_api.waiver_signature_get(pg_temp.ctx(u, ev, null))).body::jsonb end;
end
$$;
-- a good body for version d1, changed by `patch` (keys with JSON null are removed)
create function pg_temp.good(patch jsonb default '{}') returns jsonb language sql as $$
    select jsonb_strip_nulls(jsonb_build_object(
        'version_id', '00000000-0000-4000-8000-0000000001d1',
        'body_sha256', (select body_sha256 from scc.waiver_versions where id = '00000000-0000-4000-8000-0000000001d1'),
        'legal_name', 'Gus Q. Guest', 'email', 'gus.signs@ws.example', 'adult', true,
        'intent', true, 'consent', true, 'minors', '[]'::jsonb,
        'emergency', jsonb_build_object('name', 'Mo Guest', 'phone', '+1 (619) 555-0100', 'relationship', 'mother'))
        || patch)
$$;
create function pg_temp.hold(ev text, u text) returns text language sql as $$
    select scc.guest_hold(e, r) from scc.events as e join scc.event_roles as r on r.event_id = e.id
     where e.id = ev::uuid and r.user_id = u::uuid and r.state in ('claimed', 'designated', 'confirmed', 'waitlisted')
$$;
create function pg_temp.page(ev text, u text) returns jsonb language sql as $$
    select body::jsonb from scc_api.event_get(pg_temp.ctx(u, ev, null))
$$;

-- ---- reading the text --------------------------------------------------------------------------------------
select is(pg_temp.body('get', '00000000-0000-4000-8000-0000000001f1', '00000000-0000-4000-8000-00000001e001', null)
            #>> '{version,body}',
          E'# Risks\nSailing is **risky**.\n\n- Wear a lifejacket\n', 'a guest reads the text exactly as stored');
select is((select (b #>> '{version,body_sha256}', b #>> '{version,intent_text}', b #>> '{place,hold}', b -> 'signature')::text
             from pg_temp.body('get', '00000000-0000-4000-8000-0000000001f1', '00000000-0000-4000-8000-00000001e001', null) as b),
          (select (body_sha256, intent_text, 'waiver_missing', 'null'::jsonb)::text from scc.waiver_versions
            where id = '00000000-0000-4000-8000-0000000001d1'),
          'with its hash, the statements, the hold and no signature yet');
select is(pg_temp.try('get', '00000000-0000-4000-8000-0000000001c1', '00000000-0000-4000-8000-00000001e001', null), '200',
          'the event''s captain reads it');
select is(pg_temp.try('get', '00000000-0000-4000-8000-0000000001a1', '00000000-0000-4000-8000-00000001e001', null), '200',
          'an admin reads it');
select is(pg_temp.try('get', '00000000-0000-4000-8000-0000000001c2', '00000000-0000-4000-8000-00000001e001', null),
          'SC403 insufficient_scope', 'crew on the event are not its guests');
select is(pg_temp.try('get', '00000000-0000-4000-8000-0000000001f3', '00000000-0000-4000-8000-00000001e001', null),
          'SC404 event_not_found', 'a guest without a place does not see the event');
select is(pg_temp.try('get', '00000000-0000-4000-8000-0000000001f1', '00000000-0000-4000-8000-00000001e000', null),
          'SC404 no_waiver_required', 'an event that requires no waiver says so');

-- ---- every refusal, nothing written ------------------------------------------------------------------------
create function pg_temp.refusal(patch jsonb, u text default '00000000-0000-4000-8000-0000000001f1',
                                ev text default '00000000-0000-4000-8000-00000001e001') returns text
language sql as $$ select pg_temp.try('sign', u, ev, pg_temp.good(patch)) $$;
select is(pg_temp.refusal('{"colour": "red"}'), 'SC400 unknown_field', 'an unknown field');
select is(pg_temp.refusal('{"emergency": {"name": "Mo", "phone": "+1 619 555 0100", "relationship": "mother", "x": 1}}'),
          'SC400 unknown_field', 'an unknown field in emergency');
select is(pg_temp.refusal('{"minors": [{"name": "Kit", "date_of_birth": "2016-05-01", "age": 9}]}'),
          'SC400 unknown_field', 'an unknown field in a minor');
select is(pg_temp.refusal('{"version_id": null}'), 'SC400 version_id_required', 'no version');
select is(pg_temp.refusal('{"version_id": "v1"}'), 'SC400 invalid_version_id', 'a version id that is no id');
select is(pg_temp.refusal('{"version_id": "00000000-0000-4000-8000-0000000001d3"}'), 'SC409 version_mismatch',
          'a version other than the event''s');
select is(pg_temp.refusal(jsonb_build_object('body_sha256', encode(sha256('other text'::bytea), 'hex'))),
          'SC409 hash_mismatch', 'a hash other than the version''s');
select is(pg_temp.refusal('{"body_sha256": "abc"}'), 'SC400 invalid_body_sha256', 'a hash that is no hash');
select is(pg_temp.refusal('{"intent": false}'), 'SC400 intent_required', 'the intent box not ticked');
select is(pg_temp.refusal('{"consent": null}'), 'SC400 consent_required', 'the consent box missing');
select is(pg_temp.refusal('{"consent": "yes"}'), 'SC400 consent_required', 'consent is true, nothing else');
select is(pg_temp.refusal('{"legal_name": "   "}'), 'SC400 invalid_legal_name', 'a whitespace-only name');
select is(pg_temp.refusal('{"legal_name": ""}'), 'SC400 invalid_legal_name', 'an empty name');
select is(pg_temp.refusal('{"legal_name": null}'), 'SC400 invalid_legal_name', 'no name');
select is(pg_temp.refusal(jsonb_build_object('legal_name', E'Gus\u0007')), 'SC400 invalid_legal_name',
          'a control character in the name');
select is(pg_temp.refusal('{"email": "gus"}'), 'SC400 invalid_email', 'a bad email');
select is(pg_temp.refusal(jsonb_build_object('adult', null, 'date_of_birth', to_char(current_date + 1, 'YYYY-MM-DD'))),
          'SC422 invalid_date_of_birth', 'a date of birth in the future');
select is(pg_temp.refusal(jsonb_build_object('adult', null, 'date_of_birth', to_char(current_date - interval '17 years', 'YYYY-MM-DD'))),
          'SC422 signer_is_minor', 'a date of birth that makes the signer a minor');
select is(pg_temp.refusal('{"adult": null, "date_of_birth": "1990-02-30"}'), 'SC400 invalid_date_of_birth',
          'a date that does not exist');
select is(pg_temp.refusal('{"adult": null}'), 'SC400 age_required', 'neither a date of birth nor the adult statement');
select is(pg_temp.refusal('{"date_of_birth": "1990-01-02"}'), 'SC400 date_of_birth_or_adult', 'both');
select is(pg_temp.refusal('{"adult": false}'), 'SC400 invalid_adult', 'adult false');
select is(pg_temp.refusal(jsonb_build_object('minors', jsonb_build_array(jsonb_build_object(
              'name', 'Tall Teen', 'date_of_birth', to_char(current_date - interval '18 years', 'YYYY-MM-DD'))))),
          'SC422 minor_is_adult', 'a "minor" who is 18 on the event''s date');
select is(pg_temp.refusal('{"minors": [{"name": "  ", "date_of_birth": "2016-05-01"}]}'), 'SC400 invalid_minor_name',
          'a minor without a name');
select is(pg_temp.refusal(jsonb_build_object('minors', jsonb_build_array(jsonb_build_object(
              'name', 'Unborn', 'date_of_birth', to_char(current_date + 30, 'YYYY-MM-DD'))))),
          'SC422 invalid_minor_date_of_birth', 'a minor born in the future');
select is(pg_temp.refusal('{"minors": {"name": "Kit"}}'), 'SC400 invalid_minors', 'minors not a list');
select is(pg_temp.refusal('{"emergency": null}'), 'SC400 emergency_required', 'no emergency contact');
select is(pg_temp.refusal('{"emergency": {"name": "Mo", "phone": "call me", "relationship": "mother"}}'),
          'SC400 invalid_emergency_phone', 'a phone that is no phone');
select is(pg_temp.refusal('{"emergency": {"name": "Mo", "phone": "+1 619 555 0100", "relationship": " "}}'),
          'SC400 invalid_emergency_relationship', 'no relationship');
select is(pg_temp.refusal('{"emergency": {"name": "", "phone": "+1 619 555 0100", "relationship": "mother"}}'),
          'SC400 invalid_emergency_name', 'an emergency contact without a name');
select is(pg_temp.refusal('{"supersedes": "00000000-0000-4000-8000-000000000000"}'), 'SC404 signature_not_found',
          'superseding a signature that is not yours');
select is(pg_temp.refusal('{}', '00000000-0000-4000-8000-0000000001c2'), 'SC403 insufficient_scope',
          'crew on the event do not sign the guests'' waiver');
select is(pg_temp.refusal('{}', '00000000-0000-4000-8000-0000000001f3'), 'SC404 event_not_found',
          'a guest without a place cannot sign');
select is(pg_temp.refusal('{}', '00000000-0000-4000-8000-0000000001f1', '00000000-0000-4000-8000-00000001e000'),
          'SC404 no_waiver_required', 'nothing to sign on an event without a waiver');
select is((select count(*) from scc.waiver_signatures where user_id = '00000000-0000-4000-8000-0000000001f1'), 0::bigint,
          'no refusal wrote a signature');
select is((select (state, minors)::text from scc.event_roles where event_id = '00000000-0000-4000-8000-00000001e001'
             and user_id = '00000000-0000-4000-8000-0000000001f1'), '(designated,[])', 'nor changed the place');

-- ---- signing ------------------------------------------------------------------------------------------------
select is(pg_temp.page('00000000-0000-4000-8000-00000001e001', '00000000-0000-4000-8000-0000000001f1') #>> '{you,next}',
          'waiver', 'before: the guest''s next step is the waiver');
create temp table signed as
select pg_temp.body('sign', '00000000-0000-4000-8000-0000000001f1', '00000000-0000-4000-8000-00000001e001',
                    pg_temp.good('{"minors": [{"name": " Kit <b>Guest</b> ", "date_of_birth": "2016-05-01"}]}')) as b;
select is((select (b ->> 'hold', b ->> 'next')::text from signed), '(,)', 'signed: no hold, no next step');
create temp table rec as
select s.* from scc.waiver_signatures as s where s.id = (select (b #>> '{signature,id}')::uuid from signed);
select is((select (r.intent_text, r.consent_text, r.adult_statement)::text from rec as r),
          (select (v.intent_text, v.consent_text, v.adult_text)::text from scc.waiver_versions as v
            where v.id = '00000000-0000-4000-8000-0000000001d1'),
          'the statements are the version''s, verbatim');
select is((select (r.body_sha256, r.legal_name, r.email, r.minors)::text from rec as r),
          (select (v.body_sha256, 'Gus Q. Guest', 'gus.signs@ws.example',
                   '[{"name": "Kit <b>Guest</b>", "date_of_birth": "2016-05-01"}]'::jsonb)::text
             from scc.waiver_versions as v where v.id = '00000000-0000-4000-8000-0000000001d1'),
          'the hash, the typed name and email, the minors (trimmed, markup kept as data)');
select ok((select r.signed_at between now() and clock_timestamp() from rec as r), 'signed_at is the server''s clock');
select is((select (host(r.ip), r.user_agent, r.token_jti, r.link_id, r.session_id)::text from rec as r),
          '(203.0.113.9,"pgTAP <script>alert(1)</script>",jti-00000000,00000000-0000-4000-8000-0000000001b1,00000000-0000-4000-8000-0000000005f2)',
          'ip, user agent, the token''s jti, the invite that brought them and the session its sid names');
select is((select r.session_started_at from rec as r),
          (select created_at from scc.sessions where id = '00000000-0000-4000-8000-0000000005f1'),
          'the session started at the sign-in two hours ago, not at the refresh that made its row');
select is((select (b #>> '{signature,session_id}', b #>> '{signature,session_started_at}')::text from signed),
          (select (id, scc.iso(now() - interval '2 hours'))::text from scc.sessions
            where id = '00000000-0000-4000-8000-0000000005f2'), 'the answer shows the session and its start');
select is((select (state, minors, reason)::text from scc.event_roles where event_id = '00000000-0000-4000-8000-00000001e001'
             and user_id = '00000000-0000-4000-8000-0000000001f1'),
          '(confirmed,"[{""name"": ""Kit <b>Guest</b>"", ""date_of_birth"": ""2016-05-01""}]","waiver signed")',
          'signing accepts the designation and sets the minors brought');
select is((select (payload ->> 'template', payload ->> 'to', payload #>> '{data,body_sha256}', payload #>> '{data,waiver_body}')::text
             from scc.jobs where kind = 'email' and payload #>> '{data,signature_id}' = (select id::text from rec)),
          (select ('waiver_copy', 'Guest@ws.example', v.body_sha256, v.body)::text from scc.waiver_versions as v
            where v.id = '00000000-0000-4000-8000-0000000001d1'),
          'the copy is queued to the account''s address with the full text and the hash');
select is((select (after ->> 'body_sha256', after ->> 'token_jti', after ->> 'session_id')::text from scc.audit_log
            where action = 'waiver.sign' and entity_id = (select id::text from rec)),
          (select (body_sha256, 'jti-00000000', session_id)::text from rec), 'audited');
select is((select (payload #>> '{data,session_id}', payload #>> '{data,session_started_at}', payload #>> '{data,link_id}')::text
             from scc.jobs where kind = 'email' and payload #>> '{data,signature_id}' = (select id::text from rec)),
          (select (session_id, scc.iso(session_started_at), link_id)::text from rec),
          'the copy carries the session and the sign-in link');
select is(pg_temp.page('00000000-0000-4000-8000-00000001e001', '00000000-0000-4000-8000-0000000001f1') #> '{you,next}',
          'null'::jsonb, 'after: the kept page has no next step for them');
select is(pg_temp.page('00000000-0000-4000-8000-00000001e001', '00000000-0000-4000-8000-0000000001f1'),
          (select scc.event_page_json(e, '00000000-0000-4000-8000-0000000001f1', 'guest')::jsonb
             from scc.events as e where e.id = '00000000-0000-4000-8000-00000001e001'),
          'the kept page is the page built from the tables');
select is(pg_temp.body('get', '00000000-0000-4000-8000-0000000001f1', '00000000-0000-4000-8000-00000001e001', null)
            #>> '{signature,id}', (select id::text from rec), 'the text''s route shows their signature');

-- Gia brought Kit but signs for nobody: the place follows the signature
select is(pg_temp.hold('00000000-0000-4000-8000-00000001e001', '00000000-0000-4000-8000-0000000001f2'), 'waiver_missing',
          'Gia is held');
select is(pg_temp.try('sign', '00000000-0000-4000-8000-0000000001f2', '00000000-0000-4000-8000-00000001e001',
                      pg_temp.good('{"adult": null, "date_of_birth": "1985-07-04", "legal_name": "Gia Guest"}')), '201',
          'Gia signs with her date of birth');
select is((select (minors, state)::text from scc.event_roles where event_id = '00000000-0000-4000-8000-00000001e001'
             and user_id = '00000000-0000-4000-8000-0000000001f2'), '([],confirmed)',
          'the minors she did not sign for are off her place, which stays confirmed');
update scc.event_roles set minors = '[{"name": "Kit Guest", "date_of_birth": "2016-05-01"}]'
 where event_id = '00000000-0000-4000-8000-00000001e001' and user_id = '00000000-0000-4000-8000-0000000001f2';
select is(pg_temp.hold('00000000-0000-4000-8000-00000001e001', '00000000-0000-4000-8000-0000000001f2'), 'minors_not_covered',
          'bringing a minor she did not sign for holds her again');

-- ---- supersede, immutability ---------------------------------------------------------------------------------
create temp table before_row as select to_jsonb(s) as j from scc.waiver_signatures as s where s.id = (select id from rec);
select is(pg_temp.try('sign', '00000000-0000-4000-8000-0000000001f1', '00000000-0000-4000-8000-00000001e001',
                      pg_temp.good(jsonb_build_object('supersedes', (select id from rec), 'legal_name', 'Gus Quincy Guest'))),
          '201', 'a correction supersedes');
select is(pg_temp.body('record', '00000000-0000-4000-8000-0000000001f1', (select id::text from rec), null)
            #>> '{signature,superseded_by}',
          (select id::text from scc.waiver_signatures where supersedes = (select id from rec)), 'the old record names its successor');
select is(pg_temp.refusal(jsonb_build_object('supersedes', (select id from rec))), 'SC409 already_superseded',
          'a record is superseded once');
select is(pg_temp.hold('00000000-0000-4000-8000-00000001e001', '00000000-0000-4000-8000-0000000001f1'), null,
          'the correction stands (it signs for nobody, and the place now brings nobody)');
select is((select to_jsonb(s) from scc.waiver_signatures as s where s.id = (select id from rec)), (select j from before_row),
          'the routes left the first record as it was');
select is(array(select p.oid::regprocedure::text from pg_proc as p
                  where p.pronamespace in ('scc'::regnamespace, 'scc_api'::regnamespace)
                    and p.prosrc ~* '(update|delete\s+from|truncate)\s+(table\s+)?(only\s+)?scc\.waiver_signatures'),
          '{}'::text[], 'no function of scc or scc_api writes to a signature but to insert one');
set local role scc_owner;
select throws_ok($$update scc.waiver_signatures set legal_name = 'X'$$, 'SC409', null, 'the owner cannot update a record');
select throws_ok($$delete from scc.waiver_signatures$$, 'SC409', null, 'nor delete one');
select throws_ok($$truncate scc.waiver_signatures$$, 'SC409', null, 'nor truncate them');
reset role;
set local role scc_web;
select throws_ok($$update scc.waiver_signatures set legal_name = 'X'$$, '42501', null, 'the web role has no table access');
reset role;

-- ---- the record: who sees it -----------------------------------------------------------------------------------
select is(pg_temp.try('record', '00000000-0000-4000-8000-0000000001f1', (select id::text from rec), null), '200', 'the signer');
select is(pg_temp.try('record', '00000000-0000-4000-8000-0000000001c1', (select id::text from rec), null), '200', 'the event''s captain');
select is(pg_temp.try('record', '00000000-0000-4000-8000-0000000001a1', (select id::text from rec), null), '200', 'an admin');
select is(pg_temp.try('record', '00000000-0000-4000-8000-0000000001f2', (select id::text from rec), null),
          'SC404 signature_not_found', 'another guest: as if it did not exist');
select is(pg_temp.try('record', '00000000-0000-4000-8000-0000000001c2', (select id::text from rec), null),
          'SC404 signature_not_found', 'crew on the event: the same');
select is(pg_temp.body('record', '00000000-0000-4000-8000-0000000001c1', (select id::text from rec), null) #>> '{version,body}',
          E'# Risks\nSailing is **risky**.\n\n- Wear a lifejacket\n', 'with the text that was signed');

-- ---- the session: what the token's sid must name ------------------------------------------------------------
-- a call with ctx.actor.sid set to `sid` (JSON: a string, null, a number): '201', '401 session_revoked'
-- (a returned refusal) or 'SC401 invalid_token' (a raised one)
create function pg_temp.try_sid(u text, sid jsonb, b jsonb, ev text default '00000000-0000-4000-8000-00000001e001')
returns text language plpgsql as $$
declare
    r  scc_api.response;
    st text;
    d  text;
begin
    r := scc_api.waiver_sign(jsonb_set(pg_temp.ctx(u, ev, b), '{actor,sid}', sid));
    return concat_ws(' ', r.status::text, r.body::jsonb #>> '{error,code}');
exception when others then
    get stacked diagnostics st = returned_sqlstate, d = pg_exception_detail;
    return st || ' ' || d;
end
$$;
create function pg_temp.standing(u text) returns text language sql as $$
    select s.id::text from scc.waiver_signatures as s
     where s.user_id = u::uuid and s.event_id = '00000000-0000-4000-8000-00000001e001'
       and not exists (select 1 from scc.waiver_signatures as n where n.supersedes = s.id)
$$;
create temp table sig_count as select count(*) as n from scc.waiver_signatures;
select is(pg_temp.try_sid('00000000-0000-4000-8000-0000000001f1', 'null', pg_temp.good()), 'SC401 invalid_token',
          'a token without sid (issued before 029): 401 invalid_token, which a client answers by refreshing');
select is(pg_temp.try_sid('00000000-0000-4000-8000-0000000001f1', '"00000000-0000-4000-8000-0000000005f3"', pg_temp.good()),
          '401 session_mismatch', 'another guest''s session: refused');
select is(pg_temp.try_sid('00000000-0000-4000-8000-0000000001f1', to_jsonb(gen_random_uuid()::text), pg_temp.good()),
          '401 session_mismatch', 'a session that does not exist: refused');
select is(pg_temp.try_sid('00000000-0000-4000-8000-0000000001f1', '"not-a-session"', pg_temp.good()),
          '401 session_mismatch', 'a sid that is not a uuid: refused');
select is(pg_temp.try_sid('00000000-0000-4000-8000-0000000001f1', '"00000000-0000-4000-8000-0000000005F2"', pg_temp.good()),
          '401 session_mismatch', 'nor in capitals: the module signs and accepts only PostgreSQL''s spelling');
select is((select array_agg(reason order by id) from scc.audit_log
            where action = 'waiver.sign_refused' and request_id = 'ws-test'),
          array['session_mismatch', 'session_mismatch', 'session_mismatch', 'session_mismatch'],
          'each mismatch is audited (returned, so the row commits)');
select is((select (entity, entity_id, actor_id::text, after ->> 'event_id')::text from scc.audit_log
            where action = 'waiver.sign_refused' and request_id = 'ws-test' order by id limit 1),
          '(session,00000000-0000-4000-8000-0000000005f3,00000000-0000-4000-8000-0000000001f1,00000000-0000-4000-8000-00000001e001)',
          'naming the session, the actor and the event');
-- signed out: the family's live row revoked
update scc.sessions set revoked_at = now() where id = '00000000-0000-4000-8000-0000000005f4';
select is(pg_temp.try_sid('00000000-0000-4000-8000-0000000001f3', '"00000000-0000-4000-8000-0000000005f4"', pg_temp.good()),
          '401 session_revoked', 'a session signed out: 401 session_revoked');
-- the admin's rotated row, then their family signed out
select is(pg_temp.try_sid('00000000-0000-4000-8000-0000000001a1', '"00000000-0000-4000-8000-0000000005a1"', pg_temp.good()),
          'SC403 insufficient_scope', 'a row rotated by a refresh, its family live: past the session check');
update scc.sessions set revoked_at = now() where id = '00000000-0000-4000-8000-0000000005a2';
select is(pg_temp.try_sid('00000000-0000-4000-8000-0000000001a1', '"00000000-0000-4000-8000-0000000005a1"', pg_temp.good()),
          '401 session_revoked', 'once the family is signed out, its rotated rows are ended too');
-- the crew member's refresh token expired
update scc.sessions set expires_at = now() - interval '1 second' where id = '00000000-0000-4000-8000-0000000005c2';
select is(pg_temp.try_sid('00000000-0000-4000-8000-0000000001c2', '"00000000-0000-4000-8000-0000000005c2"', pg_temp.good()),
          '401 session_revoked', 'a sign-in whose refresh token expired has ended');
select is((select count(*) from scc.audit_log
            where action = 'waiver.sign_refused' and reason = 'session_revoked' and request_id = 'ws-test'), 3::bigint,
          'each ended session audited');
select is((select count(*) from scc.waiver_signatures), (select n from sig_count), 'no refusal wrote a signature');
-- Gus's token from before his refresh: the rotated row, his family live
select is(pg_temp.try_sid('00000000-0000-4000-8000-0000000001f1', '"00000000-0000-4000-8000-0000000005f1"',
                          pg_temp.good(jsonb_build_object('supersedes', pg_temp.standing('00000000-0000-4000-8000-0000000001f1')))),
          '201', 'a token issued just before a refresh still signs');
select is((select (session_id, session_started_at)::text from scc.waiver_signatures
            where id = pg_temp.standing('00000000-0000-4000-8000-0000000001f1')::uuid),
          (select (id, created_at)::text from scc.sessions where id = '00000000-0000-4000-8000-0000000005f1'),
          'and the record names that row, with the same sign-in time');

-- ---- a newer version: outdated, and the old one refused --------------------------------------------------------
insert into scc.waiver_versions (id, template_id, version, title, body, body_sha256, intent_text, consent_text, adult_text, validity)
values ('00000000-0000-4000-8000-0000000001d2', '00000000-0000-4000-8000-00000001a001', 2, 'Release of liability',
        'Version two', encode(sha256(convert_to('Version two', 'UTF8')), 'hex'),
        'I have read this waiver and sign it as my own', 'I agree to sign and receive records electronically',
        'I am 18 years of age or older', 'event');
update scc.events set waiver_version_id = '00000000-0000-4000-8000-0000000001d2' where id = '00000000-0000-4000-8000-00000001e001';
select is(pg_temp.hold('00000000-0000-4000-8000-00000001e001', '00000000-0000-4000-8000-0000000001f1'), 'waiver_outdated',
          'moved to version 2: outdated');
select is(pg_temp.refusal('{}'), 'SC409 version_mismatch', 'signing the version shown before is refused');

-- ---- a season: two events, one signature; a minor who turns 18 between them -------------------------------------
-- Gia signs the season's version for a minor who turns 18 ten days from now
create function pg_temp.season_body() returns jsonb language sql as $$
    select jsonb_build_object('version_id', '00000000-0000-4000-8000-0000000001d3',
                              'body_sha256', encode(sha256(convert_to('Season text', 'UTF8')), 'hex'),
                              'legal_name', 'Gia Guest', 'email', 'guest2@ws.example', 'adult', true,
                              'intent', true, 'consent', true,
                              'minors', jsonb_build_array(jsonb_build_object('name', 'Almost Grown',
                                  'date_of_birth', to_char(current_date + 10 - interval '18 years', 'YYYY-MM-DD'))),
                              'emergency', jsonb_build_object('name', 'Lu', 'phone', '619 555 0101',
                                                              'relationship', 'partner'))
$$;
select is(pg_temp.try('sign', '00000000-0000-4000-8000-0000000001f2', '00000000-0000-4000-8000-00000001e101',
                      pg_temp.season_body()),
          '201', 'a season signature on the first sail, for a minor who is 17 that day');
select is(pg_temp.hold('00000000-0000-4000-8000-00000001e101', '00000000-0000-4000-8000-0000000001f2'), null,
          'the first sail: no hold');
select is(pg_temp.hold('00000000-0000-4000-8000-00000001e102', '00000000-0000-4000-8000-0000000001f2'), null,
          'the second sail of the season: covered by the same signature');
update scc.event_roles set minors = (select minors from scc.waiver_signatures
                                      where user_id = '00000000-0000-4000-8000-0000000001f2'
                                        and version_id = '00000000-0000-4000-8000-0000000001d3')
 where event_id = '00000000-0000-4000-8000-00000001e102' and user_id = '00000000-0000-4000-8000-0000000001f2';
select is(pg_temp.hold('00000000-0000-4000-8000-00000001e102', '00000000-0000-4000-8000-0000000001f2'), 'minor_now_adult',
          'bringing the minor to the second sail, when they are 18: held');
select is(pg_temp.try('sign', '00000000-0000-4000-8000-0000000001f2', '00000000-0000-4000-8000-00000001e102',
                      pg_temp.season_body()),
          'SC422 minor_is_adult', 'and signing for them there is refused: they sign for themselves');

select * from finish();
rollback;
