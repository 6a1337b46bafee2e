-- roster.sql — the roster (sql/migrations/016_roster.sql): capacity, the
-- FIFO waitlist, the release cutoff, promotion of the waitlist head,
-- designation (existing user and invite by email) and acceptance, admin
-- override past capacity with a reason and silent, notify_email off, the
-- audit rows and the event_role_changes history, candidates, and the
-- roster email to the captain (scc.event_roster).
-- Runs as the superuser inside a rolled-back transaction.
begin;
create extension if not exists pgtap;
select plan(76);

-- ---- fixtures ------------------------------------------------------------------------
insert into scc.users (id, email, name, role, notify_email) values
    ('00000000-0000-4000-8000-0000000000a1', 'admin@roster.example', 'Ada Admin', 'admin', true),
    ('00000000-0000-4000-8000-0000000000c1', 'cap@roster.example', 'Cleo Captain', 'captain', true),
    ('00000000-0000-4000-8000-0000000000c2', 'cap2@roster.example', 'Carl Captain', 'captain', true),
    ('00000000-0000-4000-8000-000000000001', 'crew1@roster.example', 'Crew One', 'crew', true),
    ('00000000-0000-4000-8000-000000000002', 'crew2@roster.example', 'Crew Two', 'crew', true),
    ('00000000-0000-4000-8000-000000000003', 'crew3@roster.example', 'Crew Three', 'crew', true),
    ('00000000-0000-4000-8000-000000000004', 'crew4@roster.example', 'Crew Four', 'crew', false),
    ('00000000-0000-4000-8000-000000000005', 'crew5@roster.example', 'Crew Five', 'crew', true),
    ('00000000-0000-4000-8000-000000000006', 'crew6@roster.example', 'Crew Six', 'crew', true),
    ('00000000-0000-4000-8000-0000000000f1', 'guest@roster.example', 'Gus Guest', 'guest', true);
insert into scc.boats (id, name, port_name, port_lat, port_lon, time_zone, guest_capacity, crew_min, crew_max)
values ('00000000-0000-4000-8000-00000000b001', 'Roster Test Boat', 'Shelter Island', 32.71, -117.23,
        'America/Los_Angeles', 6, 1, 2);
insert into scc.events (id, boat_id, title, departure_at, return_at, time_zone, crew_min, crew_max, guest_max, state)
values ('00000000-0000-4000-8000-00000000e001', '00000000-0000-4000-8000-00000000b001', 'Sunset sail',
        now() + interval '3 days', now() + interval '3 days 4 hours', 'America/Los_Angeles', 1, 2, 6, 'scheduled'),
       ('00000000-0000-4000-8000-00000000e002', '00000000-0000-4000-8000-00000000b001', 'Draft sail',
        now() + interval '5 days', now() + interval '5 days 4 hours', 'America/Los_Angeles', 1, 2, 6, 'draft');
\set ev '''00000000-0000-4000-8000-00000000e001'''
\set draft '''00000000-0000-4000-8000-00000000e002'''

-- a route's context: the actor (with their stored role), :id, :role, the body
create function pg_temp.ctx(actor text, ev text, role text default null, body jsonb default null)
returns jsonb language sql as $$
    select jsonb_build_object('actor', jsonb_build_object('id', actor,
                                                          'role', (select u.role from scc.users as u where u.id = actor::uuid)),
                              'params', jsonb_strip_nulls(jsonb_build_object('id', ev, 'role', role)),
                              'body', body, 'request_id', 'roster-test')
$$;
-- a statement's refusal as 'SQLSTATE detail', or 'ok'
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
create function pg_temp.claim(actor text, ev text, role text) returns jsonb language sql as $$
    select (r).body::jsonb from (select scc_api.role_claim(pg_temp.ctx(actor, ev, role)) as r) as x
$$;
create function pg_temp.emails(template text, addr text) returns bigint language sql as $$
    select count(*) from scc.jobs as j
     where j.kind = 'email' and j.payload ->> 'template' = template and j.payload ->> 'to' = addr
$$;
\set a1 '''00000000-0000-4000-8000-0000000000a1'''
\set c1 '''00000000-0000-4000-8000-0000000000c1'''
\set c2 '''00000000-0000-4000-8000-0000000000c2'''
\set u1 '''00000000-0000-4000-8000-000000000001'''
\set u2 '''00000000-0000-4000-8000-000000000002'''
\set u3 '''00000000-0000-4000-8000-000000000003'''
\set u4 '''00000000-0000-4000-8000-000000000004'''
\set u5 '''00000000-0000-4000-8000-000000000005'''
\set u6 '''00000000-0000-4000-8000-000000000006'''
\set g1 '''00000000-0000-4000-8000-0000000000f1'''

-- ---- claims: capacity, then the waitlist in order ------------------------------------
select is((select status from scc_api.role_claim(pg_temp.ctx(:c1, :ev, 'captain'))), 201, 'a captain claims the captain''s place');
select is(pg_temp.claim(:u1, :ev, 'crew') -> 'place' ->> 'state', 'confirmed', 'crew 1 claims a free seat: confirmed');
select is(pg_temp.claim(:u2, :ev, 'crew') -> 'place' ->> 'state', 'confirmed', 'crew 2 takes the last seat');
select is((pg_temp.claim(:u3, :ev, 'crew') -> 'place') - 'id', '{"role": "crew", "state": "waitlisted", "position": 1}'::jsonb,
          'crew 3 meets a full role: waitlisted, position 1');
select is(pg_temp.claim(:u4, :ev, 'crew') -> 'place' ->> 'position', '2', 'crew 4: position 2');
select is(scc.roster_filled(:ev, 'crew'), 2, 'never more filled than the capacity');
select is((select count(*)::int from scc.event_roles where event_id = :ev and role = 'crew' and state = 'waitlisted'
             and queued_at is not null), 2, 'both waitlisted places carry queued_at');
select is(pg_temp.claim(:c2, :ev, 'captain') -> 'place' ->> 'state', 'waitlisted',
          'a second captain for the captain''s place is waitlisted (capacity 1)');

-- refusals change nothing
select is(pg_temp.err(format('select scc_api.role_claim(%L)', pg_temp.ctx(:u1, :ev, 'crew'))),
          'SC409 already_on_event', 'a second claim by a holder: 409 already_on_event');
select is(pg_temp.err(format('select scc_api.role_claim(%L)', pg_temp.ctx(:u5, :ev, 'captain'))),
          'SC403 insufficient_scope', 'crew cannot claim the captain''s place');
select is(pg_temp.err(format('select scc_api.role_claim(%L)', pg_temp.ctx(:g1, :ev, 'crew'))),
          'SC403 insufficient_scope', 'a guest cannot claim crew');
select is(pg_temp.err(format('select scc_api.role_claim(%L)', pg_temp.ctx(:u5, :ev, 'guest'))),
          'SC403 insufficient_scope', 'a guest place is not claimed (designation or a party link): 403');
select is(pg_temp.err(format('select scc_api.role_claim(%L)', pg_temp.ctx(:u5, :ev, 'cook'))),
          'SC400 invalid_role', 'an unknown role: 400 invalid_role');
select is(pg_temp.err(format('select scc_api.role_claim(%L)', pg_temp.ctx(:u5, :draft, 'crew'))),
          'SC409 event_not_open', 'claims only while scheduled or boarding');
select is(pg_temp.err(format('select scc_api.role_claim(%L)', pg_temp.ctx(:u5, '00000000-0000-4000-8000-0000000000ff', 'crew'))),
          'SC404 event_not_found', 'an unknown event: 404');
select is(pg_temp.err(format('select scc_api.role_claim(%L)', pg_temp.ctx(:u5, 'nope', 'crew'))),
          'SC400 invalid_event_id', 'a malformed event id: 400');
select is(pg_temp.err(format('select scc_api.role_claim(%L)', pg_temp.ctx(:u5, :ev, 'crew', '{"seat": 3}'))),
          'SC400 unknown_field', 'an unknown body field: 400 unknown_field');
select is((select count(*)::int from scc.event_roles where event_id = :ev and user_id = :u5::uuid), 0,
          'and none of those left a place');

-- ---- release and promotion ---------------------------------------------------------------
select is((select (r).status from (select scc_api.role_release(pg_temp.ctx(:u1, :ev, 'crew',
                                                                           '{"reason":"sick"}')) as r) as x), 200,
          'crew 1 releases before the cutoff');
select is((select state from scc.event_roles where event_id = :ev and user_id = :u1::uuid order by id desc limit 1),
          'released', 'their place is released');
select is((select state from scc.event_roles where event_id = :ev and user_id = :u3::uuid and state <> 'released'),
          'confirmed', 'the head of the waitlist (crew 3) takes the seat');
select is((scc.event_you_json(scc.event_page_build(e), :u4::uuid, 'crew') -> 'places' -> 0 ->> 'position')::int, 1,
          'crew 4 moves up to position 1') from scc.events as e where e.id = :ev;
select is(pg_temp.emails('roster_promoted', 'crew3@roster.example'), 1::bigint, 'crew 3 is told (roster_promoted)');
select is((select array_agg(coalesce(from_state, '') || '>' || to_state order by id) from scc.event_role_changes
            where event_id = :ev and user_id = :u3::uuid), array['>waitlisted', 'waitlisted>confirmed'],
          'event_role_changes keeps crew 3''s history');
select is((select changed_by from scc.event_role_changes where event_id = :ev and user_id = :u3::uuid
            and to_state = 'confirmed'), :u1::uuid, 'the promotion records who caused it');
select is((select count(*)::int from scc.audit_log where action = 'roster.promote' and after ->> 'user_id' = :u3),
          1, 'the promotion is audited');
select is((select reason from scc.audit_log where action = 'roster.released' and after ->> 'user_id' = :u1), 'sick',
          'the release is audited with its reason');
select is((select count(*)::int from scc.audit_log where action = 'roster.claim' and after ->> 'event_id' = :ev), 6,
          'every claim is audited');
select is(scc.roster_filled(:ev, 'crew'), 2, 'still exactly the capacity');
select is(pg_temp.err(format('select scc_api.role_release(%L)', pg_temp.ctx(:u1, :ev, 'crew'))),
          'SC404 place_not_found', 'releasing twice: 404 place_not_found');
select is(pg_temp.err(format('select scc_api.role_release(%L)', pg_temp.ctx(:u2, :ev, 'crew', jsonb_build_object('user_id', :u3)))),
          'SC403 insufficient_scope', 'crew cannot release someone else');

-- ---- the cutoff ------------------------------------------------------------------------------
update scc.events set departure_at = now() + interval '2 hours', return_at = now() + interval '6 hours' where id = :ev;
select is(pg_temp.err(format('select scc_api.role_release(%L)', pg_temp.ctx(:u2, :ev, 'crew'))),
          'SC409 release_cutoff_passed', 'after the cutoff a holder cannot release');
select is((scc.event_you_json(scc.event_page_build(e), :u2::uuid, 'crew') -> 'may' ->> 'release')::boolean, false,
          'and the event page says so') from scc.events as e where e.id = :ev;
select is((scc.event_you_json(scc.event_page_build(e), :u4::uuid, 'crew') -> 'may' ->> 'release')::boolean, true,
          'a waitlisted person may still leave') from scc.events as e where e.id = :ev;
select is(pg_temp.err(format('select scc_api.role_release(%L)', pg_temp.ctx(:u4, :ev, 'crew'))), 'ok',
          'and does');
-- the event's captain removes crew 2 after the cutoff; nobody is waiting now
select is((select (r).body::jsonb -> 'place' ->> 'state'
             from (select scc_api.role_release(pg_temp.ctx(:c1, :ev, 'crew',
                                                           jsonb_build_object('user_id', :u2, 'reason', 'no show'))) as r) as x),
          'removed', 'after the cutoff the event''s captain releases crew 2: removed');
select is(pg_temp.emails('roster_removed', 'crew2@roster.example'), 1::bigint, 'crew 2 is told (roster_removed)');
select is(scc.roster_filled(:ev, 'crew'), 1, 'one crew seat left filled');

-- ---- notify_email off: a promotion that tells nobody -----------------------------------------------
update scc.events set departure_at = now() + interval '3 days', return_at = now() + interval '3 days 4 hours' where id = :ev;
select is(pg_temp.claim(:u5, :ev, 'crew') -> 'place' ->> 'state', 'confirmed', 'crew 5 takes the free seat');
select is(pg_temp.claim(:u4, :ev, 'crew') -> 'place' ->> 'state', 'waitlisted', 'crew 4 (notifications off) waits again');
select is(pg_temp.err(format('select scc_api.role_release(%L)', pg_temp.ctx(:u5, :ev, 'crew'))), 'ok', 'crew 5 leaves');
select is((select state from scc.event_roles where event_id = :ev and user_id = :u4::uuid order by id desc limit 1),
          'confirmed', 'crew 4 is promoted');
select is(pg_temp.emails('roster_promoted', 'crew4@roster.example'), 0::bigint,
          'but gets no email: notify_email is off');

-- ---- override --------------------------------------------------------------------------------------
select is(scc.roster_filled(:ev, 'crew'), 2, 'crew is full again (crew 3, crew 4)');
select is(pg_temp.err(format('select scc_api.role_override(%L)', pg_temp.ctx(:a1, :ev, null,
              jsonb_build_object('action', 'add', 'user_id', :u6, 'role', 'crew')))),
          'SC400 reason_required', 'an override needs a reason');
select is(pg_temp.err(format('select scc_api.role_override(%L)', pg_temp.ctx(:a1, :ev, null,
              jsonb_build_object('action', 'add', 'user_id', :u6, 'role', 'crew', 'reason', 'x', 'silent', 'yes')))),
          'SC400 invalid_silent', 'silent must be a boolean');
select is(pg_temp.err(format('select scc_api.role_override(%L)', pg_temp.ctx(:a1, :ev, null,
              jsonb_build_object('action', 'swap', 'user_id', :u6, 'role', 'crew', 'reason', 'x')))),
          'SC400 invalid_action', 'an unknown action: 400');
select is(pg_temp.err(format('select scc_api.role_override(%L)', pg_temp.ctx(:c1, :ev, null,
              jsonb_build_object('action', 'add', 'user_id', :u6, 'role', 'crew', 'reason', 'x')))),
          'SC403 insufficient_scope', 'captains cannot override');
select is((select (r).body::jsonb -> 'place' ->> 'state'
             from (select scc_api.role_override(pg_temp.ctx(:a1, :ev, null,
                       jsonb_build_object('action', 'add', 'user_id', :u6, 'role', 'crew',
                                          'reason', 'extra hand for the race'))) as r) as x),
          'confirmed', 'an admin adds crew 6 to a full role');
select is(scc.roster_filled(:ev, 'crew'), 3, 'past capacity (3 of 2)');
select is(pg_temp.emails('roster_designated', 'crew6@roster.example'), 1::bigint, 'crew 6 is told');
select is((select reason || ' ' || (after ->> 'silent') from scc.audit_log where action = 'roster.override.add'),
          'extra hand for the race false', 'audited with the reason and silent');
-- silent remove: nobody is mailed
select is(pg_temp.err(format('select scc_api.role_override(%L)', pg_temp.ctx(:a1, :ev, null,
              jsonb_build_object('action', 'remove', 'user_id', :u3, 'role', 'crew', 'reason', 'quiet fix',
                                 'silent', true)))), 'ok', 'a silent remove');
select is(pg_temp.emails('roster_removed', 'crew3@roster.example'), 0::bigint, 'sends nothing');
select is((select (after ->> 'silent')::boolean from scc.audit_log where action = 'roster.override.remove'), true,
          'and is audited as silent');
select is((select silent from scc.event_role_changes where event_id = :ev and user_id = :u3::uuid
            and to_state = 'removed'), true, 'the history row says silent too');
select is(pg_temp.err(format('select scc_api.role_override(%L)', pg_temp.ctx(:a1, :ev, null,
              jsonb_build_object('action', 'move', 'user_id', :u6, 'role', 'captain', 'reason', 'x')))),
          'SC422 role_not_allowed', 'a crew account cannot be moved into the captain''s place');

-- ---- designate and accept --------------------------------------------------------------------------
update scc.events set crew_max = 4 where id = :ev;
select is(pg_temp.err(format('select scc_api.role_designate(%L)', pg_temp.ctx(:u4, :ev, null,
              jsonb_build_object('role', 'crew', 'user_id', :u1)))),
          'SC403 insufficient_scope', 'crew cannot designate');
select is(pg_temp.err(format('select scc_api.role_designate(%L)', pg_temp.ctx(:c1, :ev, null,
              jsonb_build_object('role', 'crew', 'user_id', :u1, 'email', 'x@roster.example')))),
          'SC400 user_or_email', 'user_id or email, not both');
select is((select (r).body::jsonb -> 'place' ->> 'state'
             from (select scc_api.role_designate(pg_temp.ctx(:c1, :ev, null,
                       jsonb_build_object('role', 'crew', 'user_id', :u1))) as r) as x),
          'designated', 'the event''s captain designates crew 1');
select is(pg_temp.emails('roster_designated', 'crew1@roster.example'), 1::bigint, 'who is told');
select is((select (r).body::jsonb -> 'place' ->> 'state'
             from (select scc_api.role_accept(pg_temp.ctx(:u1, :ev, 'crew')) as r) as x),
          'confirmed', 'crew 1 accepts: confirmed');
select is(pg_temp.err(format('select scc_api.role_accept(%L)', pg_temp.ctx(:u1, :ev, 'crew'))),
          'SC409 not_designated', 'accepting twice: 409 not_designated');
-- a new person by email: the user, their invite bound to them and carrying the event, the place
create temporary table t_new as
    select * from scc_api.role_designate(pg_temp.ctx(:c1, :ev, null,
        '{"role": "crew", "email": "New.Deckhand@Roster.example", "name": "Nia Deckhand"}'));
select is((select status || ' ' || (body::jsonb ->> 'invited') || ' ' || (body::jsonb -> 'place' ->> 'state') from t_new),
          '201 true designated', 'an unknown address: created, invited, designated');
select is((select role || ' ' || name from scc.users where email = 'New.Deckhand@Roster.example'), 'crew Nia Deckhand',
          'the account has the role and the name');
select is((select m.event_id::text || ' ' || (m.user_id = u.id) || ' ' || m.purpose
             from scc.magic_links as m join scc.users as u on u.email = m.email
            where u.email = 'New.Deckhand@Roster.example'),
          :ev || ' true invite', 'the invite link is bound to them and carries the event');
select ok((select j.payload ? 'code' from scc.jobs as j
            where j.payload ->> 'template' = 'invite' and j.payload ->> 'to' = 'New.Deckhand@Roster.example'),
          'the invite email job carries the code');
select is(scc.roster_filled(:ev, 'crew'), 4, 'crew is now at its new capacity (4)');
select is(pg_temp.err(format('select scc_api.role_designate(%L)', pg_temp.ctx(:a1, :ev, null,
              jsonb_build_object('role', 'crew', 'user_id', :u5)))),
          'SC409 role_full', 'designating into a full role: 409 role_full');

-- ---- candidates --------------------------------------------------------------------------------------
select is((select array_agg(c ->> 'email' order by c ->> 'email')
             from scc_api.event_candidates(pg_temp.ctx(:c1, :ev, null) || '{"query":{"q":"crew"}}') as r,
                  json_array_elements(r.body -> 'candidates') as c),
          array['crew2@roster.example', 'crew3@roster.example', 'crew5@roster.example'],
          'candidates: matching people who hold no live place');

-- ---- the roster email to the captain -----------------------------------------------------------------
select is(scc.event_roster(jsonb_build_object('event_id', :ev, 'departure_at', '2001-01-01T00:00:00Z')), 0,
          'a stale job (the departure moved) sends nothing');
select is(scc.event_roster(jsonb_build_object('event_id', :ev,
                                              'departure_at', (select scc.iso(departure_at) from scc.events where id = :ev))),
          1, 'the roster goes to the event''s captain');
select is((select array_agg(p ->> 'name' order by p ->> 'name')
             from scc.jobs as j, jsonb_array_elements(j.payload -> 'data' -> 'roles' -> 1 -> 'people') as p
            where j.payload ->> 'template' = 'event_roster' and j.payload ->> 'to' = 'cap@roster.example'),
          array['Crew Four', 'Crew One', 'Crew Six', 'Nia Deckhand'], 'listing the crew by name');

select is(scc.event_roster(jsonb_build_object('event_id', :draft,
                                              'departure_at', (select scc.iso(departure_at) from scc.events where id = :draft))),
          0, 'nothing for an event that is not scheduled or boarding');
update scc.events set state = 'scheduled' where id = :draft;
select cmp_ok(scc.event_roster(jsonb_build_object('event_id', :draft,
                                                  'departure_at', (select scc.iso(departure_at) from scc.events where id = :draft))),
              '>=', 1, 'an event without a captain: the roster goes to the admins');
select is((select (j.payload -> 'data' ->> 'no_captain')::boolean from scc.jobs as j
            where j.payload ->> 'template' = 'event_roster' and j.payload ->> 'to' = 'admin@roster.example'),
          true, 'saying it has no captain');

select * from finish();
rollback;
