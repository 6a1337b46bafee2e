-- waiver_gaps.sql — issue 10's last gaps (030_waiver_gaps.sql): what the
-- event's waiver card reads (the version required, the one it may move
-- to), moving an event on mails each guest the move holds their waiver
-- link (not one who was held for the same reason before, not a disabled
-- account; whatever notify_email says), revoking a party link (who may,
-- every refusal, audited, a sign-up refused after it, the places kept),
-- and a silent departure change that adds no reminder of its own while
-- the completion figures are rescheduled.
-- Runs as the superuser inside a rolled-back transaction.
begin;
create extension if not exists pgtap;
select plan(54);
set constraints all immediate;

-- ---- fixtures ------------------------------------------------------------------------
insert into scc.users (id, email, name, role, notify_email, disabled_at) values
    ('00000000-0000-4000-8000-0000000030a1', 'admin@gaps.example', 'Ada Admin', 'admin', true, null),
    ('00000000-0000-4000-8000-0000000030c1', 'cap@gaps.example', 'Cleo Captain', 'captain', true, null),
    ('00000000-0000-4000-8000-0000000030c2', 'cap2@gaps.example', 'Carl Captain', 'captain', true, null),
    ('00000000-0000-4000-8000-000000003001', 'crew@gaps.example', 'Crew One', 'crew', true, null),
    ('00000000-0000-4000-8000-0000000030f1', 'g1@gaps.example', 'Gus Signed', 'guest', true, null),
    ('00000000-0000-4000-8000-0000000030f2', 'g2@gaps.example', 'Gia Unsigned', 'guest', true, null),
    ('00000000-0000-4000-8000-0000000030f3', 'g3@gaps.example', 'Gil Disabled', 'guest', true, now()),
    ('00000000-0000-4000-8000-0000000030f4', 'g4@gaps.example', 'Gwen Quiet', 'guest', false, null);
insert into scc.boats (id, name, port_name, port_lat, port_lon, time_zone, guest_capacity, crew_min, crew_max)
values ('00000000-0000-4000-8000-00000030b001', 'Gaps Boat', 'Shelter Island', 32.71, -117.23,
        'America/Los_Angeles', 6, 0, 2);
-- the boat's own waiver (so no global template of another file matters), version 1
insert into scc.waiver_templates (id, name, boat_id)
values ('00000000-0000-4000-8000-00000030a001', 'Gaps waiver', '00000000-0000-4000-8000-00000030b001');
create function pg_temp.version(n int) returns uuid language sql as $$
    insert into scc.waiver_versions (template_id, version, title, body, body_sha256, intent_text, consent_text,
                                     adult_text, validity)
    values ('00000000-0000-4000-8000-00000030a001', n, 'Waiver', 'Sailing is risky, v' || n,
            encode(sha256(convert_to('Sailing is risky, v' || n, 'UTF8')), 'hex'),
            'I agree', 'I consent to electronic records', 'I am 18 or older', 'event')
    returning id
$$;
create temp table t_v (n int, id uuid);
insert into t_v select 1, pg_temp.version(1);
-- scheduled on insert: 021's trigger pins version 1
insert into scc.events (id, boat_id, title, departure_at, return_at, time_zone, crew_min, crew_max, guest_max, state)
values ('00000000-0000-4000-8000-00000030e001', '00000000-0000-4000-8000-00000030b001', 'Gaps sail',
        date_trunc('second', now()) + interval '3 days', date_trunc('second', now()) + interval '3 days 4 hours',
        'America/Los_Angeles', 0, 2, 6, 'scheduled');
insert into scc.event_roles (event_id, user_id, role, state) values
    ('00000000-0000-4000-8000-00000030e001', '00000000-0000-4000-8000-0000000030c1', 'captain', 'confirmed'),
    ('00000000-0000-4000-8000-00000030e001', '00000000-0000-4000-8000-0000000030f1', 'guest', 'confirmed'),
    ('00000000-0000-4000-8000-00000030e001', '00000000-0000-4000-8000-0000000030f2', 'guest', 'confirmed'),
    ('00000000-0000-4000-8000-00000030e001', '00000000-0000-4000-8000-0000000030f3', 'guest', 'confirmed'),
    ('00000000-0000-4000-8000-00000030e001', '00000000-0000-4000-8000-0000000030f4', 'guest', 'confirmed');
\set ev '''00000000-0000-4000-8000-00000030e001'''
\set adm '''00000000-0000-4000-8000-0000000030a1'''
\set cap '''00000000-0000-4000-8000-0000000030c1'''
\set cap2 '''00000000-0000-4000-8000-0000000030c2'''
\set crew '''00000000-0000-4000-8000-000000003001'''
\set g1 '''00000000-0000-4000-8000-0000000030f1'''
\set g2 '''00000000-0000-4000-8000-0000000030f2'''
\set g3 '''00000000-0000-4000-8000-0000000030f3'''
\set g4 '''00000000-0000-4000-8000-0000000030f4'''
-- g1, g3 and g4 signed version 1; g2 did not
insert into scc.waiver_signatures (version_id, body_sha256, event_id, user_id, legal_name, email, adult_statement,
                                   intent_text, consent_text, emergency_name, emergency_phone, emergency_relationship)
select v.id, '', :ev, u.id, u.name, u.email, v.adult_text, v.intent_text, v.consent_text, 'Kim', '+1 619 555 0100', 'sister'
  from scc.waiver_versions as v, scc.users as u
 where v.id = (select id from t_v where n = 1) and u.id in (:g1, :g3, :g4);

create function pg_temp.ctx(actor text, params jsonb, body jsonb default null)
returns jsonb language sql as $$
    select jsonb_build_object('actor', case when actor is not null then jsonb_build_object(
                                  'id', actor, 'role', (select u.role from scc.users as u where u.id = actor::uuid)) end,
                              'params', params, 'body', body, 'request_id', 'gaps-test')
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
create function pg_temp.card(actor text) returns jsonb language sql as $$
    select (r).body::jsonb from (select scc_api.event_waiver_version_get(pg_temp.ctx(actor,
        jsonb_build_object('id', '00000000-0000-4000-8000-00000030e001'))) as r) as x
$$;
create function pg_temp.move(n int) returns jsonb language sql as $$
    select (r).body::jsonb from (select scc_api.event_waiver_version(pg_temp.ctx('00000000-0000-4000-8000-0000000030a1',
        jsonb_build_object('id', '00000000-0000-4000-8000-00000030e001'),
        jsonb_build_object('version_id', (select id from t_v where t_v.n = move.n), 'reason', 'a new clause'))) as r) as x
$$;
create function pg_temp.links_to(email text) returns bigint language sql as $$
    select count(*) from scc.jobs as j
     where j.kind = 'email' and j.payload ->> 'template' = 'waiver_link' and j.payload ->> 'to' = email
$$;

-- ---- the waiver card: required and next ----------------------------------------------------
select is(pg_temp.card(:adm) #>> '{required,version}', '1', 'the card: the event requires version 1');
select is(pg_temp.card(:adm) #>> '{required,template_name}', 'Gaps waiver', 'with its template''s name');
select is(pg_temp.card(:adm) -> 'next', 'null'::jsonb, 'no newer version yet: next is null');
select is(pg_temp.card(:adm) ->> 'may_move', 'false', 'and the event may not move');
select is((pg_temp.card(:adm) ->> 'guests', pg_temp.card(:adm) ->> 'held'), ('4'::text, '1'::text),
          'four guests, one held (g2 has not signed)');
select is(pg_temp.err(format('select scc_api.event_waiver_version_get(%L)', pg_temp.ctx(:cap, jsonb_build_object('id', :ev)))),
          'SC403 insufficient_scope', 'the event''s captain does not read the card (admin only)');
select is(pg_temp.err(format('select scc_api.event_waiver_version_get(%L)',
                             pg_temp.ctx(:adm, jsonb_build_object('id', gen_random_uuid())))),
          'SC404 event_not_found', 'an unknown event: 404');
insert into t_v select 2, pg_temp.version(2);
select is(pg_temp.card(:adm) #>> '{next,version}', '2', 'version 2 made: the card offers it');
select is(pg_temp.card(:adm) ->> 'may_move', 'true', 'and the event may move');

-- ---- the move holds the signers and mails them -------------------------------------------------
create temp table t_move as select pg_temp.move(2) as b;
select is((select jsonb_array_length(b -> 'held') from t_move), 4,
          'after the move four guests are held: g2 as before, g1, g3 and g4 outdated');
select is((select b ->> 'mailed' from t_move), '2',
          'two were mailed: g1 and g4 (a new hold); not g2 (held already, same reason), not g3 (disabled)');
select is((select array_agg(h ->> 'hold' order by h ->> 'name') from t_move, jsonb_array_elements(b -> 'held') as h),
          array['waiver_missing', 'waiver_outdated', 'waiver_outdated', 'waiver_outdated'],
          'the holds named: Gia missing, Gil, Gus and Gwen outdated');
select is((pg_temp.links_to('g1@gaps.example'), pg_temp.links_to('g4@gaps.example')), (1::bigint, 1::bigint),
          'g1 and g4 (notification emails off: the link is an action to take) each got one waiver_link');
select is((pg_temp.links_to('g2@gaps.example'), pg_temp.links_to('g3@gaps.example')), (0::bigint, 0::bigint),
          'g2 and the disabled g3 got none');
select is((select j.payload #>> '{data,waiver_changed}' || ' ' || (j.payload #>> '{data,waiver_version}')
             from scc.jobs as j where j.kind = 'email' and j.payload ->> 'to' = 'g1@gaps.example'),
          'true 2', 'the mail says the waiver changed, and to version 2');
select ok((select j.payload ? 'code' from scc.jobs as j where j.kind = 'email' and j.payload ->> 'to' = 'g1@gaps.example'),
          'it carries a sign-in code');
select is((select m.purpose || ' ' || m.role || ' ' || m.event_id from scc.magic_links as m
            where m.email = 'g1@gaps.example'),
          'waiver guest ' || :ev, 'the link: purpose waiver, role guest, carrying the event');
select is((select count(*) from scc.audit_log where action = 'waiver_link.create' and after ->> 'why' = 'waiver_version'),
          2::bigint, 'each link audited (waiver_link.create, why waiver_version)');
select is((select after ->> 'mailed' from scc.audit_log where action = 'event.waiver_version' and entity_id = :ev),
          '2', 'the move''s audit row says how many were mailed');
select is(pg_temp.card(:adm) -> 'next', 'null'::jsonb, 'the card: nothing newer now');
select is(pg_temp.card(:adm) ->> 'held', '4', 'and four held');
-- a further move: those held for the same reason (outdated) are not mailed again
insert into t_v select 3, pg_temp.version(3);
select is(pg_temp.move(3) ->> 'mailed', '0', 'to version 3: nobody newly held, nobody mailed');
select is(pg_temp.links_to('g1@gaps.example'), 1::bigint, 'g1 still has one link');
-- g1 signs version 3, then 4 comes: g1 is held again and mailed
insert into scc.waiver_signatures (version_id, body_sha256, event_id, user_id, legal_name, email, adult_statement,
                                   intent_text, consent_text, emergency_name, emergency_phone, emergency_relationship,
                                   supersedes)
select v.id, '', :ev, u.id, u.name, u.email, v.adult_text, v.intent_text, v.consent_text, 'Kim', '+1 619 555 0100', 'sister',
       (select s.id from scc.waiver_signatures as s where s.user_id = u.id)
  from scc.waiver_versions as v, scc.users as u
 where v.id = (select id from t_v where n = 3) and u.id = :g1;
insert into t_v select 4, pg_temp.version(4);
select is(pg_temp.move(4) ->> 'mailed', '1', 'to version 4: g1, who had signed 3, is mailed');
select is(pg_temp.links_to('g1@gaps.example'), 2::bigint, 'a second link for g1');

-- ---- revoking a party link ------------------------------------------------------------------------
create temp table t_link (id uuid, token text);
insert into t_link
select (b ->> 'id')::uuid, split_part(b ->> 'url', '?t=', 2)
  from (select (r).body::jsonb as b from (select scc_api.party_link_create(pg_temp.ctx(:cap,
            jsonb_build_object('id', :ev), jsonb_build_object('seats', 3, 'expires_at',
                                                              to_char(now() + interval '2 days', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))))
        as r) as x) as y;
create function pg_temp.revoke(actor text, link text, body jsonb, ev text default '00000000-0000-4000-8000-00000030e001')
returns text language sql as $$
    select pg_temp.err(format('select scc_api.party_link_revoke(%L)',
                              pg_temp.ctx(actor, jsonb_build_object('id', ev, 'link_id', link), body)))
$$;
create function pg_temp.signup(body jsonb) returns text language sql as $$
    select pg_temp.err(format('select scc_api.party_join(%L)',
                              pg_temp.ctx(null, jsonb_build_object('token', (select token from t_link)), body)))
$$;
\set link '(select id::text from t_link)'
select is(pg_temp.signup('{"name": "Pat Party", "email": "pat@gaps.example"}'), 'ok', 'a person joins through the link');
select is(pg_temp.revoke(:crew, :link, '{"reason": "x"}'), 'SC403 insufficient_scope', 'crew may not revoke');
select is(pg_temp.revoke(:cap2, :link, '{"reason": "x"}'), 'SC403 insufficient_scope',
          'another event''s captain may not revoke');
select is(pg_temp.revoke(:cap, :link, '{}'), 'SC400 reason_required', 'a reason is required');
select is(pg_temp.revoke(:cap, :link, '{"reason": "   "}'), 'SC400 reason_required', 'a blank reason is none');
select is(pg_temp.revoke(:cap, :link, jsonb_build_object('reason', repeat('x', 501))), 'SC400 invalid_reason',
          'at most 500 characters');
select is(pg_temp.revoke(:cap, :link, '{"reason": "x", "why": 1}'), 'SC400 unknown_field', 'an unknown field: 400');
select is(pg_temp.revoke(:cap, 'nope', '{"reason": "x"}'), 'SC400 invalid_link_id', 'a malformed link id: 400');
select is(pg_temp.revoke(:cap, gen_random_uuid()::text, '{"reason": "x"}'), 'SC404 link_not_found', 'an unknown link: 404');
select is(pg_temp.revoke(:adm, :link, '{"reason": "x"}', gen_random_uuid()::text), 'SC404 event_not_found',
          'the link under an unknown event: 404 event_not_found');
select is((select revoked_at from scc.party_links where id = (select id from t_link)), null,
          'every refusal left the link live');
select is(pg_temp.revoke(:cap, :link, '{"reason": "the booking was cancelled"}'), 'ok', 'the event''s captain revokes it');
select is((select revoked_by::text || ' ' || revoke_reason from scc.party_links where id = (select id from t_link)),
          :cap || ' the booking was cancelled', 'who revoked it and why are kept');
select is((select reason || ' ' || (before ->> 'used') || ' ' || (before ->> 'live')
             from scc.audit_log where action = 'party_link.revoke' and entity_id = (select id::text from t_link)),
          'the booking was cancelled 1 true', 'audited party_link.revoke with the reason and the seats used before');
select is(pg_temp.revoke(:adm, :link, '{"reason": "again"}'), 'SC409 already_revoked', 'revoking twice: 409');
select is(pg_temp.signup('{"name": "Late Comer", "email": "late@gaps.example"}'), 'SC410 link_expired',
          'a sign-up through a revoked link: 410 link_expired');
select is((select count(*) from scc.users where email = 'late@gaps.example'), 0::bigint, 'and nobody was made');
select throws_ok(format('select scc_api.party_get(%L)', pg_temp.ctx(null, jsonb_build_object('token', (select token from t_link)))),
                 'SC410', 'this party link was withdrawn by whoever made it; ask them what to do',
                 'reading it: 410, saying it was withdrawn');
select is((select r.state from scc.event_roles as r join scc.users as u on u.id = r.user_id
            where r.event_id = :ev and u.email = 'pat@gaps.example'), 'confirmed',
          'the person who joined before keeps their place');
select is((select (r).body::jsonb #>> '{links,0,revoke_reason}' || ' ' || ((r).body::jsonb #>> '{links,0,live}')
             from (select scc_api.party_links_list(pg_temp.ctx(:cap, jsonb_build_object('id', :ev))) as r) as x),
          'the booking was cancelled false', 'the list shows the revocation and the link is not live');
select throws_ok($$update scc.party_links set revoke_reason = 'x', revoked_at = null where id = (select id from t_link)$$,
                 '23514', null, 'a reason without a revocation breaks party_links_revoked_check');

-- ---- a silent departure change adds no reminder of its own ---------------------------------------
create function pg_temp.patch(dep interval, silent boolean) returns text language sql as $$
    select pg_temp.err(format('select scc_api.event_update(%L)', pg_temp.ctx('00000000-0000-4000-8000-0000000030a1',
        jsonb_build_object('id', '00000000-0000-4000-8000-00000030e001'),
        jsonb_build_object('departure_at', scc.iso((select departure_at from scc.events
                                                     where id = '00000000-0000-4000-8000-00000030e001') + dep),
                           'silent', silent))))
$$;
create function pg_temp.jobs(kind text) returns bigint language sql as $$
    select count(*) from scc.jobs as j
     where j.kind = jobs.kind and j.payload ->> 'event_id' = '00000000-0000-4000-8000-00000030e001'
       and j.payload ->> 'departure_at' = (select scc.iso(e.departure_at) from scc.events as e
                                            where e.id = '00000000-0000-4000-8000-00000030e001')
$$;
select is((pg_temp.jobs('guest_reminders'), pg_temp.jobs('waiver_completion')), (1::bigint, 2::bigint),
          'scheduling queued the reminder and the two completion jobs');
select is(pg_temp.patch(interval '10 minutes', true), 'ok', 'a silent move while the reminder still waits');
select is((pg_temp.jobs('guest_reminders'), pg_temp.jobs('waiver_completion')), (1::bigint, 2::bigint),
          'the waiting reminder moves with the departure (the guests would have had it); the figures are rescheduled');
select is(current_setting('scc.silent', true), 'off', 'the route leaves scc.silent off after its write');
-- the reminder for this departure has run
update scc.jobs set state = 'done'
 where kind = 'guest_reminders' and payload ->> 'event_id' = :ev and state = 'queued';
select is(pg_temp.patch(interval '10 minutes', true), 'ok', 'a silent move after the reminder was sent');
select is((pg_temp.jobs('guest_reminders'), pg_temp.jobs('waiver_completion')), (0::bigint, 2::bigint),
          'no reminder for the new departure (the change is silent); the completion figures are rescheduled');
select is(pg_temp.patch(interval '10 minutes', false), 'ok', 'a move that is not silent');
select is((pg_temp.jobs('guest_reminders'), pg_temp.jobs('waiver_completion')), (1::bigint, 2::bigint),
          'queues the reminder for the new departure, as before');

select * from finish();
rollback;
