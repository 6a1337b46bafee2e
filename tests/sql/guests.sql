-- guests.sql — guests on the roster (024_guests.sql): designation of a
-- guest (an existing user, an address without an account: their own
-- waiver sign-in link carrying the event), guest capacity and the FIFO
-- waitlist, override for guests, a guest place is not claimed; party
-- links (the token's SHA-256 only, seats never exceeded, one seat per
-- person, expiry and revocation, the link's row lock taken by a sign-up,
-- the public answer that never tells whether an address had an account);
-- the admin's release of a hold (audited, 409 not_on_hold); the reminder
-- job (queued at scheduling and when the departure moves; mails only held
-- guests, never a silent place, nothing for a moved departure).
-- Runs as the superuser inside a rolled-back transaction.
begin;
create extension if not exists pgtap;
select plan(55);
set constraints all immediate;

-- ---- fixtures ------------------------------------------------------------------------
insert into scc.users (id, email, name, role, notify_email) values
    ('00000000-0000-4000-8000-0000000000a1', 'admin@guests.example', 'Ada Admin', 'admin', true),
    ('00000000-0000-4000-8000-0000000000c1', 'cap@guests.example', 'Cleo Captain', 'captain', true),
    ('00000000-0000-4000-8000-0000000000c2', 'cap2@guests.example', 'Carl Captain', 'captain', true),
    ('00000000-0000-4000-8000-000000000001', 'crew1@guests.example', 'Crew One', 'crew', true),
    ('00000000-0000-4000-8000-0000000000f1', 'g1@guests.example', 'Gus One', 'guest', true),
    ('00000000-0000-4000-8000-0000000000f2', 'g2@guests.example', 'Gia Two', 'guest', true),
    ('00000000-0000-4000-8000-0000000000f3', 'g3@guests.example', 'Gil Three', 'guest', true),
    ('00000000-0000-4000-8000-0000000000f4', 'g4@guests.example', 'Gwen Four', 'guest', false);
insert into scc.boats (id, name, port_name, port_lat, port_lon, time_zone, guest_capacity, crew_min, crew_max)
values ('00000000-0000-4000-8000-00000000b001', 'Guest Test Boat', 'Shelter Island', 32.71, -117.23,
        'America/Los_Angeles', 6, 0, 2);
insert into scc.waiver_templates (id, name) values ('00000000-0000-4000-8000-00000000a001', 'Guest test waiver');
insert into scc.waiver_versions (id, template_id, version, title, body, body_sha256, intent_text, consent_text,
                                 adult_text, validity)
values ('00000000-0000-4000-8000-0000000000d1', '00000000-0000-4000-8000-00000000a001', 1, 'Waiver',
        'Sailing is risky.', encode(sha256(convert_to('Sailing is risky.', 'UTF8')), 'hex'),
        'I agree', 'I consent to electronic records', 'I am 18 or older', 'event');
-- the event takes 2 guests
insert into scc.events (id, boat_id, title, departure_at, return_at, time_zone, crew_min, crew_max, guest_max, state)
values ('00000000-0000-4000-8000-00000000e001', '00000000-0000-4000-8000-00000000b001', 'Guest sail',
        now() + interval '3 days', now() + interval '3 days 4 hours', 'America/Los_Angeles', 0, 2, 2, 'scheduled');
insert into scc.event_roles (event_id, user_id, role, state, reason)
values ('00000000-0000-4000-8000-00000000e001', '00000000-0000-4000-8000-0000000000c1', 'captain', 'confirmed', 'fixture');
\set ev '''00000000-0000-4000-8000-00000000e001'''
\set adm '''00000000-0000-4000-8000-0000000000a1'''
\set cap '''00000000-0000-4000-8000-0000000000c1'''
\set cap2 '''00000000-0000-4000-8000-0000000000c2'''
\set crew1 '''00000000-0000-4000-8000-000000000001'''
\set g1 '''00000000-0000-4000-8000-0000000000f1'''
\set g2 '''00000000-0000-4000-8000-0000000000f2'''
\set g3 '''00000000-0000-4000-8000-0000000000f3'''
\set g4 '''00000000-0000-4000-8000-0000000000f4'''

create function pg_temp.ctx(actor text, params jsonb, body jsonb default null)
returns jsonb language sql as $$
    select jsonb_build_object('actor', case when actor is not null then jsonb_build_object(
                                  'id', actor, 'role', (select u.role from scc.users as u where u.id = actor::uuid)) end,
                              'params', params, 'body', body, 'request_id', 'guests-test')
$$;
create function pg_temp.err(q text) returns text language plpgsql as $$
declare s text; d text;
begin
    execute q;
    return 'ok';
exception when others then
    get stacked diagnostics s = returned_sqlstate, d = pg_exception_detail;
    return s || ' ' || coalesce(d, '');
end
$$;
create function pg_temp.des(actor text, body jsonb) returns jsonb language sql as $$
    select (r).body::jsonb from (select scc_api.role_designate(pg_temp.ctx(actor,
        jsonb_build_object('id', '00000000-0000-4000-8000-00000000e001'), body)) as r) as x
$$;
create function pg_temp.state(u text) returns text language sql as $$
    select r.state from scc.event_roles as r
     where r.event_id = '00000000-0000-4000-8000-00000000e001' and r.user_id = u::uuid
       and r.role = 'guest' and r.state in ('claimed', 'designated', 'confirmed', 'waitlisted')
$$;
-- the kept event page (020) read as the admin and the captain equals the page built from the tables
create function pg_temp.kept(ev text) returns boolean language sql as $$
    select bool_and((select body::jsonb from scc_api.event_get(jsonb_build_object(
                        'actor', jsonb_build_object('id', u.id, 'role', u.role),
                        'params', jsonb_build_object('id', ev), 'query', '{}'::jsonb)))
                    = (select scc.event_page_json(e, u.id, u.role)::jsonb from scc.events as e where e.id = ev::uuid))
      from scc.users as u where u.email in ('admin@guests.example', 'cap@guests.example')
$$;
create function pg_temp.mails(template text, addr text) returns bigint language sql as $$
    select count(*) from scc.jobs as j
     where j.kind = 'email' and j.payload ->> 'template' = template and lower(j.payload ->> 'to') = lower(addr)
$$;

-- ---- designation, capacity, the waitlist ----------------------------------------------------
select is(pg_temp.err(format('select scc_api.role_claim(%L)', pg_temp.ctx(:crew1,
              jsonb_build_object('id', :ev, 'role', 'guest')))),
          'SC403 insufficient_scope', 'a guest place is not claimed: designation or a party link');
select is(pg_temp.des(:cap, jsonb_build_object('role', 'guest', 'user_id', :g1)) #>> '{place,state}', 'designated',
          'the event''s captain designates an existing guest');
select is(pg_temp.mails('waiver_link', 'g1@guests.example'), 1::bigint,
          'who gets their waiver sign-in link (not roster_designated)');
select is((select array[m.purpose, m.role, m.event_id::text, m.user_id::text]
             from scc.magic_links as m where m.email = 'g1@guests.example'),
          array['waiver', 'guest', :ev, :g1], 'the link: purpose waiver, role guest, bound to them, carrying the event');
select is((select count(*) from scc.jobs as j where j.payload ->> 'template' = 'waiver_link'
              and j.payload ->> 'to' = 'g1@guests.example' and length(j.payload ->> 'code') = 22), 1::bigint,
          'the email carries the code (the worker builds the link)');
select is(pg_temp.des(:adm, jsonb_build_object('role', 'guest', 'email', 'New.Guest@Guests.example', 'name', 'Nia New'))
              #>> '{invited}', 'true', 'an address without an account: invited');
select is((select array[u.role, u.name] from scc.users as u where u.email = 'New.Guest@Guests.example'),
          array['guest', 'Nia New'], 'an account is made for them, role guest, the name given');
select is((select array[m.purpose, m.event_id::text] from scc.magic_links as m
            where m.email = 'New.Guest@Guests.example'), array['waiver', :ev],
          'their own waiver link, with the event');
select is(pg_temp.mails('invite', 'New.Guest@Guests.example'), 0::bigint, 'no plain invite besides');
select is(pg_temp.err(format('select scc_api.role_designate(%L)', pg_temp.ctx(:cap,
              jsonb_build_object('id', :ev), jsonb_build_object('role', 'guest', 'user_id', :g2)))),
          'SC409 role_full', 'guest_max reached: 409 role_full');
select is(pg_temp.err(format('select scc_api.role_designate(%L)', pg_temp.ctx(:cap2,
              jsonb_build_object('id', :ev), jsonb_build_object('role', 'guest', 'user_id', :g2)))),
          'SC403 insufficient_scope', 'another captain does not designate here');
select is((select (r).body::jsonb #>> '{place,state}' from (select scc_api.role_override(pg_temp.ctx(:adm,
              jsonb_build_object('id', :ev), jsonb_build_object('action', 'add', 'user_id', :g2, 'role', 'guest',
                                                                'reason', 'the owner''s friend', 'silent', true))) as r) as x),
          'confirmed', 'an admin''s override adds a guest past capacity');
select is(scc.roster_filled(:ev, 'guest'), 3, 'three guests now, over guest_max');

-- ---- party links -------------------------------------------------------------------------------
create temp table t_link (id uuid, token text);
insert into t_link
select (b ->> 'id')::uuid, split_part(b ->> 'url', '?t=', 2)
  from (select (r).body::jsonb as b from (select scc_api.party_link_create(pg_temp.ctx(:cap,
            jsonb_build_object('id', :ev), jsonb_build_object('seats', 2, 'expires_at',
                                                              to_char(now() + interval '2 days', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                                                              'note', 'the Smith party')))
        as r) as x) as y;
select is((select l.token_hash from scc.party_links as l where l.id = (select id from t_link)),
          (select scc.token_hash(token) from t_link), 'only the token''s SHA-256 is kept');
select matches((select token from t_link), '^[A-Za-z0-9_-]{22}$', 'the token: 128 bits, base64url');
select is(pg_temp.err(format('select scc_api.party_link_create(%L)', pg_temp.ctx(:cap2, jsonb_build_object('id', :ev),
              jsonb_build_object('seats', 2, 'expires_at', scc.iso(now() + interval '1 day'))))),
          'SC403 insufficient_scope', 'another captain makes no party link for this event');
select is(pg_temp.err(format('select scc_api.party_link_create(%L)', pg_temp.ctx(:cap, jsonb_build_object('id', :ev),
              jsonb_build_object('seats', 0, 'expires_at', scc.iso(now() + interval '1 day'))))),
          'SC422 seats_out_of_range', 'seats 0: refused');
select is(pg_temp.err(format('select scc_api.party_link_create(%L)', pg_temp.ctx(:cap, jsonb_build_object('id', :ev),
              jsonb_build_object('seats', 2, 'expires_at', '2001-01-01T00:00:00Z')))),
          'SC422 expires_at_out_of_range', 'an expiry in the past: refused');

create function pg_temp.signup(token text, body jsonb) returns text language plpgsql as $$
begin
    return pg_temp.err(format('select scc_api.party_join(%L)', pg_temp.ctx(null, jsonb_build_object('token', token), body)));
end
$$;
select is((select (r).body::jsonb from (select scc_api.party_get(pg_temp.ctx(null,
              jsonb_build_object('token', (select token from t_link)))) as r) as x) #>> '{seats_left}',
          '2', 'the public read: seats left');
select is((select array(select jsonb_object_keys((r).body::jsonb -> 'event') order by 1)
             from (select scc_api.party_get(pg_temp.ctx(null, jsonb_build_object('token', (select token from t_link)))) as r) as x),
          array['boat_name', 'departure_at', 'departure_local', 'port_name', 'return_at', 'return_local', 'time_zone', 'title'],
          'and of the event only its title, boat and times');
select is(pg_temp.signup((select token from t_link), '{"name": "   ", "email": "p1@guests.example"}'),
          'SC400 name_required', 'a whitespace-only name: 400 name_required');
select is(pg_temp.signup((select token from t_link), '{"name": "Pat", "email": "nope"}'),
          'SC400 invalid_email', 'a bad address: 400 invalid_email');
select is(pg_temp.signup('AAAAAAAAAAAAAAAAAAAAAA', '{"name": "Pat", "email": "p1@guests.example"}'),
          'SC404 link_not_found', 'an unknown token: 404 link_not_found');
select is((select count(*) from scc.users where email like 'p%@guests.example'), 0::bigint, 'the refusals made nobody');
select is(pg_temp.signup((select token from t_link), '{"name": "Pat One", "email": "p1@guests.example"}'), 'ok',
          'a person of the party joins');
select is(pg_temp.state((select id::text from scc.users where email = 'p1@guests.example')), 'waitlisted',
          'the guests are full: their place waits on the guest waitlist');
select is((select array[u.role, u.name] from scc.users as u where u.email = 'p1@guests.example'),
          array['guest', 'Pat One'], 'as a new guest account with the name given');
select is(pg_temp.mails('waiver_link', 'p1@guests.example'), 1::bigint, 'mailed a waiver sign-in link');
select is(pg_temp.signup((select token from t_link), '{"name": "Pat Again", "email": "P1@guests.example"}'), 'ok',
          'the same person again (another case) is answered the same');
select is((select count(*) from scc.party_link_uses where link_id = (select id from t_link)), 1::bigint,
          'and takes no second seat');
select is(pg_temp.signup((select token from t_link), '{"name": "Gus", "email": "g1@guests.example"}'), 'ok',
          'someone already on the event');
select is((select count(*) from scc.party_link_uses where link_id = (select id from t_link)), 1::bigint,
          'takes no seat either');
select is(pg_temp.signup((select token from t_link), '{"name": "Pat Two", "email": "p2@guests.example"}'), 'ok',
          'a second person takes the last seat');
select is(pg_temp.signup((select token from t_link), '{"name": "Pat Three", "email": "p3@guests.example"}'),
          'SC409 link_full', 'a third: 409 link_full');
select is((select count(*) from scc.users where email = 'p3@guests.example'), 0::bigint, 'and made nothing');
select ok(pg_temp.kept(:ev), 'after the sign-ups the kept event page is the built one');
select is((select (r).body::jsonb #>> '{links,0,left}' from (select scc_api.party_links_list(pg_temp.ctx(:cap,
              jsonb_build_object('id', :ev))) as r) as x), '0', 'the captain sees no seats left');
update scc.party_links set expires_at = now() - interval '1 second' where id = (select id from t_link);
select is(pg_temp.signup((select token from t_link), '{"name": "Pat Four", "email": "p4@guests.example"}'),
          'SC410 link_expired', 'an expired link: 410 link_expired (before seats)');
select is(pg_temp.err(format('select scc_api.party_get(%L)', pg_temp.ctx(null, jsonb_build_object('token', (select token from t_link))))),
          'SC410 link_expired', 'and its public read too');
update scc.party_links set expires_at = now() + interval '1 day', revoked_at = now() where id = (select id from t_link);
select is(pg_temp.signup((select token from t_link), '{"name": "Pat Four", "email": "p4@guests.example"}'),
          'SC410 link_expired', 'a revoked link: 410 link_expired');

-- ---- holds -------------------------------------------------------------------------------------
create function pg_temp.release(actor text, u text, body jsonb) returns text language plpgsql as $$
begin
    return pg_temp.err(format('select scc_api.hold_release(%L)', pg_temp.ctx(actor,
        jsonb_build_object('id', '00000000-0000-4000-8000-00000000e001', 'user_id', u), body)));
end
$$;
select is(pg_temp.release(:adm, :g1, '{}'), 'SC400 reason_required', 'a release needs a reason');
select is(pg_temp.release(:adm, :crew1, '{"reason": "x"}'), 'SC404 place_not_found', 'only a guest place has a hold');
select is(pg_temp.release(:adm, :g1, '{"reason": "signed on paper at the dock"}'), 'ok', 'an admin releases a hold');
select is((select array[hold_released_by::text, hold_release_reason] from scc.event_roles
            where event_id = :ev and user_id = :g1 and state = 'designated'),
          array[:adm, 'signed on paper at the dock'], 'by whom and why, on the place');
select is((select array[a.before ->> 'hold', a.reason] from scc.audit_log as a where a.action = 'guest.hold_release'),
          array['waiver_missing', 'signed on paper at the dock'], 'audited, with the hold it ended');
select is((select scc.guest_hold(e, r) from scc.events as e join scc.event_roles as r on r.event_id = e.id
            where e.id = :ev and r.user_id = :g1 and r.state = 'designated'), null, 'the guest is no longer held');
select is(pg_temp.release(:adm, :g1, '{"reason": "again"}'), 'SC409 not_on_hold', 'a second release: 409 not_on_hold');
select ok(pg_temp.kept(:ev), 'after the release the kept event page is the built one (the hold gone)');

-- ---- reminders ---------------------------------------------------------------------------------
select is((select count(*) from scc.jobs where kind = 'guest_reminders' and payload ->> 'event_id' = :ev), 1::bigint,
          'scheduling queued the reminder job');
select ok((select run_at from scc.jobs where kind = 'guest_reminders' and payload ->> 'event_id' = :ev)
          = (select departure_at - interval '24 hours' from scc.events where id = :ev), 'for departure - 24 h');
-- g3 confirmed and held, g4 held but notification emails off
insert into scc.event_roles (event_id, user_id, role, state, reason)
values (:ev, :g3, 'guest', 'confirmed', 'fixture'), (:ev, :g4, 'guest', 'confirmed', 'fixture');
select is(scc.guest_reminders((select payload from scc.jobs where kind = 'guest_reminders' and payload ->> 'event_id' = :ev)),
          2, 'the job mails the held guests holding a seat: the new address and g3 (not the released g1, the silent g2, g4 with emails off, the waitlisted p1 and p2)');
select is((select array_agg(payload ->> 'to' order by lower(payload ->> 'to') collate "C") from scc.jobs
            where kind = 'email' and payload ->> 'template' = 'waiver_reminder'),
          array['g3@guests.example', 'New.Guest@Guests.example'],
          'to exactly those: held, not silent, taking notification emails');
select is(scc.guest_reminders((select payload from scc.jobs where kind = 'guest_reminders' and payload ->> 'event_id' = :ev)),
          0, 'run twice, it mails nobody again');
update scc.events set departure_at = departure_at + interval '1 day', return_at = return_at + interval '1 day' where id = :ev;
select is((select count(*) from scc.jobs where kind = 'guest_reminders' and payload ->> 'event_id' = :ev), 2::bigint,
          'the departure moved: a job for the new time');
select is(scc.guest_reminders((select payload from scc.jobs where kind = 'guest_reminders' and payload ->> 'event_id' = :ev
                                order by id limit 1)), 0, 'the old one mails nothing');

select * from finish();
rollback;
