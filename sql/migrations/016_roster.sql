-- 016_roster.sql — the roster: claim, waitlist, release, accept, designate,
-- override, the designate workflow's candidates, the roster email to the
-- captain, and the notifications of every change (issue 9, "Roles").
--
-- What the states of scc.event_roles mean (014 made them; this is where
-- they get their rules).  "Filled" = claimed, designated or confirmed: what
-- a role's capacity limits (scc.event_roster_json counts the same).
--
--   confirmed   holds the seat.  A claim into a free seat is confirmed at
--               once (crew pick their own sails; nobody has to approve a
--               claim), so is a promotion from the waitlist (the person
--               asked for it) and an admin's override add or move.  The
--               `underway` guard's "a confirmed captain" is this state.
--   designated  named for the seat by the event's captain or an admin, and
--               holding it, until the person accepts
--               (POST /api/events/:id/roles/:role/accept → confirmed) or
--               declines (release).  A designated captain is the event's
--               captain for what the roster lets a captain do, but the boat
--               leaves only with a confirmed one: the event page shows the
--               designated person an Accept button.
--   waitlisted  queued for a full role, FIFO by queued_at (the moment the
--               claim got the event's row lock), then id; promoted to
--               confirmed, and told, when a seat of the role frees.
--   claimed     not written by these routes: kept for the guest places of
--               the waiver issue (a guest's claim held until the waiver is
--               signed).
--   released    the person left (their own release, or declining a
--               designation).  History: a new claim is a new row.
--   removed     someone else took them off: the event's captain or an
--               admin releasing them, or an admin's override remove.
--
-- Every change writes who (changed_by), why (reason) and silent on the row
-- (the 014 trigger copies it into scc.event_role_changes) and one
-- scc.audit_log row.  Every route that changes the roster first locks the
-- event's row (select ... for update on scc.events): claims, releases and
-- promotions of one event are serialised by it, so no number of concurrent
-- claims fills a role past its capacity, and waitlist positions follow the
-- order in which claims were served.
--
-- Guests: the `guest` role answers 422 guest_role_unavailable on every
-- route here until the waiver issue gives it its hold rule.

-- ---- helpers (no SET, everything qualified: see 008) ----------------------

-- A roster role named by a request: captain or crew; guest is 422 until
-- waivers exist; anything else 400 (`code`).
create function scc.roster_role(value text, code text)
returns text
language plpgsql
immutable
as $$
begin
    if value in ('captain', 'crew') then
        return value;
    end if;
    if value = 'guest' then
        perform scc.fail(422, 'guest_role_unavailable',
                         'guest places come with waivers, which are not available yet');
    end if;
    if value is null then
        perform scc.fail(400, 'role_required', 'a role is required (captain or crew)');
    end if;
    perform scc.fail(400, code, 'role must be captain or crew');
end
$$;
comment on function scc.roster_role(text, text) is
    'captain or crew; SC422 guest_role_unavailable for guest; SC400 role_required / the caller''s code';

-- The event named by the route's :id, locked for the roster's changes;
-- SC400 invalid_event_id, SC404 event_not_found.
create function scc.roster_lock_event(ctx jsonb)
returns scc.events
language plpgsql
as $$
declare
    v_id uuid := scc.check_uuid(ctx -> 'params' ->> 'id', 'invalid_event_id', 'the event id');
    e    scc.events;
begin
    select * into e from scc.events as x where x.id = v_id for update;
    if e.id is null then
        perform scc.fail(404, 'event_not_found', 'no such event');
    end if;
    return e;
end
$$;
comment on function scc.roster_lock_event(jsonb) is
    'the event of ctx.params.id, row-locked (for update); SC400 invalid_event_id, SC404 event_not_found';

-- How many a role takes: the captain 1, crew crew_max, guests guest_max.
create function scc.roster_capacity(e scc.events, p_role text)
returns integer
language sql
immutable
as $$
    select case p_role when 'captain' then 1 when 'crew' then e.crew_max else e.guest_max end
$$;
comment on function scc.roster_capacity(scc.events, text) is 'the capacity of a role on an event';

-- How many places of a role are filled (claimed, designated, confirmed).
create function scc.roster_filled(p_event uuid, p_role text)
returns integer
language sql
stable
as $$
    select count(*)::int from scc.event_roles as r
     where r.event_id = p_event and r.role = p_role
       and r.state in ('claimed', 'designated', 'confirmed')
$$;
comment on function scc.roster_filled(uuid, text) is 'filled places (claimed, designated, confirmed) of a role';

-- A place as the routes answer it: {id, role, state, position} (position:
-- 1-based on the role's waitlist, null otherwise; the formula of
-- scc.event_places_json).
create function scc.roster_place_json(r scc.event_roles)
returns jsonb
language sql
stable
as $$
    select jsonb_build_object(
        'id', r.id, 'role', r.role, 'state', r.state,
        'position', case when r.state = 'waitlisted' then
                        (select count(*) from scc.event_roles as w
                          where w.event_id = r.event_id and w.role = r.role and w.state = 'waitlisted'
                            and (w.queued_at, w.id) <= (r.queued_at, r.id)) end)
$$;
comment on function scc.roster_place_json(scc.event_roles) is
    'a roster place as the routes answer it: id, role, state, waitlist position';

-- Queues one roster notification email (`template`) to a person, unless
-- the change is silent, or they turned notification emails off, or they
-- are disabled.  Returns the job id, or null when nothing was queued.
create function scc.roster_notify(p_template text, p_user uuid, e scc.events, data jsonb, p_silent boolean)
returns bigint
language plpgsql
as $$
declare
    u scc.users;
begin
    if p_silent then
        return null;
    end if;
    select * into u from scc.users as x where x.id = p_user;
    if u.id is null or not u.notify_email or u.disabled_at is not null then
        return null;
    end if;
    return scc.enqueue_job('email', jsonb_build_object(
        'template', p_template,
        'to', u.email,
        'data', scc.event_mail_data(e) || jsonb_build_object('name', nullif(u.name, '')) || data));
end
$$;
comment on function scc.roster_notify(text, uuid, scc.events, jsonb, boolean) is
    'queue a roster email to a person unless silent, notify_email is off or they are disabled; the job id or null';

-- Fills free seats of a role from its waitlist, head first (queued_at,
-- id), each promoted to confirmed, audited and told (roster_promoted)
-- unless silent.  The caller holds the event's row lock.  Returns the
-- promoted places, [{id, user_id, role, state}].  Also for routes that
-- raise a capacity (PATCH of an event's crew_max).
create function scc.roster_promote(ctx jsonb, e scc.events, p_role text, p_silent boolean)
returns jsonb
language plpgsql
as $$
declare
    head     scc.event_roles;
    actor    uuid := (ctx -> 'actor' ->> 'id')::uuid;
    promoted jsonb := '[]'::jsonb;
begin
    loop
        exit when scc.roster_filled(e.id, p_role) >= scc.roster_capacity(e, p_role);
        select * into head from scc.event_roles as r
         where r.event_id = e.id and r.role = p_role and r.state = 'waitlisted'
         order by r.queued_at, r.id
         limit 1
           for update;
        exit when head.id is null;
        update scc.event_roles as r
           set state = 'confirmed', since = clock_timestamp(), changed_by = actor,
               reason = 'a seat freed: first on the waitlist', silent = p_silent
         where r.id = head.id
        returning * into head;
        perform scc.audit(ctx, 'roster.promote', 'event_role', head.id::text,
                          jsonb_build_object('state', 'waitlisted'),
                          jsonb_build_object('event_id', e.id, 'user_id', head.user_id, 'role', head.role,
                                             'state', head.state, 'silent', p_silent),
                          head.reason);
        perform scc.roster_notify('roster_promoted', head.user_id, e,
                                  jsonb_build_object('role', head.role), p_silent);
        promoted := promoted || jsonb_build_array(jsonb_build_object(
                        'id', head.id, 'user_id', head.user_id, 'role', head.role, 'state', head.state));
    end loop;
    return promoted;
end
$$;
comment on function scc.roster_promote(jsonb, scc.events, text, boolean) is
    'promote the head of a role''s waitlist into each free seat (caller holds the event lock); audited, roster_promoted unless silent';

-- The live place of a person on an event (any role), locked; null fields when none.
create function scc.roster_live_place(p_event uuid, p_user uuid)
returns scc.event_roles
language sql
as $$
    select r.id, r.event_id, r.user_id, r.role, r.state, r.queued_at, r.since, r.changed_by,
           r.reason, r.silent, r.created_at
      from scc.event_roles as r
     where r.event_id = p_event and r.user_id = p_user
       and r.state in ('claimed', 'designated', 'confirmed', 'waitlisted')
       for update
$$;
comment on function scc.roster_live_place(uuid, uuid) is
    'a person''s live place on an event (claimed, designated, confirmed or waitlisted), row-locked';

-- A reason given in a body: trimmed, at most 500 characters (the row's limit).
create function scc.roster_reason(ctx jsonb)
returns text
language plpgsql
immutable
as $$
declare
    v text := nullif(btrim(scc.body_text(ctx, 'reason', 'invalid_reason')), '');
begin
    if length(v) > 500 then
        perform scc.fail(400, 'invalid_reason', 'a reason is at most 500 characters');
    end if;
    return v;
end
$$;
comment on function scc.roster_reason(jsonb) is 'the body''s reason, trimmed, null when empty; SC400 invalid_reason';

-- Refuses a change to the roster of an event that is past boarding (or
-- cancelled): SC409 event_not_open.
create function scc.roster_check_open(e scc.events)
returns void
language plpgsql
immutable
as $$
begin
    if e.state not in ('draft', 'scheduled', 'boarding') then
        perform scc.fail(409, 'event_not_open', format('the roster is fixed once an event is %s', e.state));
    end if;
end
$$;
comment on function scc.roster_check_open(scc.events) is
    'SC409 event_not_open unless the event is draft, scheduled or boarding';

-- Refuses a place above a person's account role (a crew account cannot be
-- the captain): SC422 role_not_allowed.
create function scc.roster_check_rank(u scc.users, p_role text)
returns void
language plpgsql
immutable
as $$
begin
    if scc.role_rank(u.role) < scc.role_rank(p_role) then
        perform scc.fail(422, 'role_not_allowed',
                         format('a %s account cannot hold a %s place (an admin can change their role)', u.role, p_role));
    end if;
end
$$;
comment on function scc.roster_check_rank(scc.users, text) is
    'SC422 role_not_allowed when the account''s role ranks below the place''s';

-- The caller's places and what the roster lets them do (014's shape kept):
-- this version lets a person leave a waitlist at any time and release in a
-- draft event too, as scc_api.role_release does.
create or replace function scc.event_places_json(e scc.events, actor_id uuid, actor_role text)
returns jsonb
language sql
stable
as $$
    with mine as (
        select r.id, r.role, r.state,
               case when r.state = 'waitlisted' then
                   (select count(*) from scc.event_roles as w
                     where w.event_id = r.event_id and w.role = r.role and w.state = 'waitlisted'
                       and (w.queued_at, w.id) <= (r.queued_at, r.id)) end as position
          from scc.event_roles as r
         where r.event_id = e.id and r.user_id = actor_id
           and r.state in ('claimed', 'designated', 'confirmed', 'waitlisted')
    )
    select jsonb_build_object(
        'places', coalesce((select jsonb_agg(jsonb_build_object('id', m.id, 'role', m.role,
                                                                'state', m.state, 'position', m.position))
                              from mine as m), '[]'::jsonb),
        'claim', case when exists (select 1 from mine) or e.state not in ('scheduled', 'boarding')
                      then '[]'::jsonb
                      when actor_role in ('captain', 'admin') then '["captain", "crew"]'::jsonb
                      when actor_role = 'crew' then '["crew"]'::jsonb
                      else '[]'::jsonb end,
        'release', exists (select 1 from mine)
                   and e.state in ('draft', 'scheduled', 'boarding')
                   and (now() < e.departure_at - e.release_cutoff
                        or actor_role = 'admin'
                        or not exists (select 1 from mine as m where m.state <> 'waitlisted')
                        or scc.is_event_captain(e.id, actor_id)))
$$;

-- ---- routes ---------------------------------------------------------------

-- POST /api/events/:id/roles/:role/claim (guest and up; SQL decides): crew
-- claim crew, captains captain or crew, admins either; no body fields.
-- Under the event's row lock: a free seat → a confirmed place; a full role
-- → waitlisted with queued_at = clock_timestamp() and its position.
-- 201 {"place":{id, role, state, position}}.
-- SC400 invalid_event_id, invalid_role, unknown_field; SC403
-- insufficient_scope (a guest, or crew claiming captain); SC404
-- event_not_found; SC409 event_not_open (not scheduled or boarding),
-- already_on_event (a live place already); SC422 guest_role_unavailable.
create function scc_api.role_claim(ctx jsonb)
returns scc_api.response
language plpgsql
security definer
set search_path = pg_catalog, scc
as $$
declare
    actor_role text := scc.require_role(ctx, 'guest');
    actor      uuid := (ctx -> 'actor' ->> 'id')::uuid;
    v_role     text;
    e          scc.events;
    p          scc.event_roles;
begin
    perform scc.refuse_unknown_fields(ctx -> 'body', '{}');
    v_role := scc.roster_role(ctx -> 'params' ->> 'role', 'invalid_role');
    if actor_role = 'guest' or (v_role = 'captain' and actor_role = 'crew') then
        perform scc.fail(403, 'insufficient_scope',
                         case when actor_role = 'guest' then 'guests cannot claim crew or captain places'
                              else 'only captains and admins may claim the captain''s place' end);
    end if;
    e := scc.roster_lock_event(ctx);
    if e.state not in ('scheduled', 'boarding') then
        perform scc.fail(409, 'event_not_open',
                         format('places are claimed while an event is scheduled or boarding (this one is %s)', e.state));
    end if;
    p := scc.roster_live_place(e.id, actor);
    if p.id is not null then
        perform scc.fail(409, 'already_on_event',
                         format('you already hold a place on this event (%s, %s)', p.role, p.state));
    end if;
    if scc.roster_filled(e.id, v_role) < scc.roster_capacity(e, v_role) then
        insert into scc.event_roles (event_id, user_id, role, state, changed_by)
        values (e.id, actor, v_role, 'confirmed', actor)
        returning * into p;
    else
        insert into scc.event_roles (event_id, user_id, role, state, queued_at, changed_by)
        values (e.id, actor, v_role, 'waitlisted', clock_timestamp(), actor)
        returning * into p;
    end if;
    perform scc.audit(ctx, 'roster.claim', 'event_role', p.id::text, null,
                      jsonb_build_object('event_id', e.id, 'user_id', actor, 'role', p.role, 'state', p.state));
    return (201, json_build_object('place', scc.roster_place_json(p)))::scc_api.response;
end
$$;
comment on function scc_api.role_claim(jsonb) is
    'POST /api/events/:id/roles/:role/claim: a confirmed seat, or the waitlist when full (under the event''s row lock); 201 {place}';
revoke execute on function scc_api.role_claim(jsonb) from public;
grant execute on function scc_api.role_claim(jsonb) to scc_web;

-- POST /api/events/:id/roles/:role/release {user_id?, reason?} (guest and
-- up): the holder leaves their place of that role (→ released); the event's
-- captain or an admin may name someone else (→ removed, who is told with
-- roster_removed).  Holders release before the cutoff (departure_at −
-- release_cutoff); after it only the event's captain or an admin; a
-- waitlisted place may always be left.  Only while the event is draft,
-- scheduled or boarding.  A freed seat goes to the head of the role's
-- waitlist in the same transaction (roster_promoted).
-- 200 {"place":{...}, "promoted":[{id, user_id, role, state}]}.
-- SC400 invalid_event_id, invalid_role, invalid_user_id, invalid_reason,
-- unknown_field; SC403 insufficient_scope (someone else's place, not the
-- captain or an admin); SC404 event_not_found, place_not_found; SC409
-- event_not_open, release_cutoff_passed; SC422 guest_role_unavailable.
create function scc_api.role_release(ctx jsonb)
returns scc_api.response
language plpgsql
security definer
set search_path = pg_catalog, scc
as $$
declare
    actor_role text := scc.require_role(ctx, 'guest');
    actor      uuid := (ctx -> 'actor' ->> 'id')::uuid;
    v_role     text;
    target_txt text;
    target     uuid;
    v_reason   text;
    e          scc.events;
    p          scc.event_roles;
    old_state  text;
    promoted   jsonb;
begin
    perform scc.refuse_unknown_fields(ctx -> 'body', '{user_id,reason}');
    v_role := scc.roster_role(ctx -> 'params' ->> 'role', 'invalid_role');
    target_txt := scc.body_text(ctx, 'user_id', 'invalid_user_id');
    target := case when target_txt is null then actor
                   else scc.check_uuid(target_txt, 'invalid_user_id', 'user_id') end;
    v_reason := scc.roster_reason(ctx);
    e := scc.roster_lock_event(ctx);
    if target <> actor and actor_role <> 'admin' and not scc.is_event_captain(e.id, actor) then
        perform scc.fail(403, 'insufficient_scope',
                         'only the event''s captain or an admin may release someone else');
    end if;
    perform scc.roster_check_open(e);
    p := scc.roster_live_place(e.id, target);
    if p.id is null or p.role <> v_role then
        perform scc.fail(404, 'place_not_found',
                         case when target = actor then format('you hold no %s place on this event', v_role)
                              else format('this person holds no %s place on this event', v_role) end);
    end if;
    if p.state <> 'waitlisted' and now() >= e.departure_at - e.release_cutoff
       and actor_role <> 'admin' and not scc.is_event_captain(e.id, actor) then
        perform scc.fail(409, 'release_cutoff_passed',
                         format('the release cutoff passed at %s; ask the event''s captain to release you',
                                scc.iso(e.departure_at - e.release_cutoff)));
    end if;
    old_state := p.state;
    update scc.event_roles as r
       set state = case when target = actor then 'released' else 'removed' end,
           since = clock_timestamp(), changed_by = actor, reason = v_reason, silent = false
     where r.id = p.id
    returning * into p;
    perform scc.audit(ctx, 'roster.' || p.state, 'event_role', p.id::text,
                      jsonb_build_object('state', old_state),
                      jsonb_build_object('event_id', e.id, 'user_id', p.user_id, 'role', p.role,
                                         'state', p.state),
                      v_reason);
    if target <> actor then
        perform scc.roster_notify('roster_removed', target, e,
                                  jsonb_build_object('role', p.role, 'reason', v_reason), false);
    end if;
    promoted := scc.roster_promote(ctx, e, v_role, false);
    return (200, json_build_object('place', scc.roster_place_json(p), 'promoted', promoted))::scc_api.response;
end
$$;
comment on function scc_api.role_release(jsonb) is
    'POST /api/events/:id/roles/:role/release: leave (or, captain/admin, remove someone from) a place; before the cutoff for holders; promotes the waitlist head';
revoke execute on function scc_api.role_release(jsonb) from public;
grant execute on function scc_api.role_release(jsonb) to scc_web;

-- POST /api/events/:id/roles/:role/accept (guest and up): the caller
-- accepts the place they were designated for → confirmed.  No body fields.
-- 200 {"place":{...}}.  SC400 invalid_event_id, invalid_role,
-- unknown_field; SC404 event_not_found, place_not_found; SC409
-- event_not_open, not_designated (the place is not waiting for an answer);
-- SC422 guest_role_unavailable.
create function scc_api.role_accept(ctx jsonb)
returns scc_api.response
language plpgsql
security definer
set search_path = pg_catalog, scc
as $$
declare
    actor_role text := scc.require_role(ctx, 'guest');
    actor      uuid := (ctx -> 'actor' ->> 'id')::uuid;
    v_role     text;
    e          scc.events;
    p          scc.event_roles;
begin
    perform scc.refuse_unknown_fields(ctx -> 'body', '{}');
    v_role := scc.roster_role(ctx -> 'params' ->> 'role', 'invalid_role');
    e := scc.roster_lock_event(ctx);
    p := scc.roster_live_place(e.id, actor);
    if p.id is null or p.role <> v_role then
        perform scc.fail(404, 'place_not_found', format('you hold no %s place on this event', v_role));
    end if;
    perform scc.roster_check_open(e);
    if p.state <> 'designated' then
        perform scc.fail(409, 'not_designated',
                         format('your place is %s: only a designation waits for an answer', p.state));
    end if;
    update scc.event_roles as r
       set state = 'confirmed', since = clock_timestamp(), changed_by = actor, reason = null, silent = false
     where r.id = p.id
    returning * into p;
    perform scc.audit(ctx, 'roster.accept', 'event_role', p.id::text,
                      jsonb_build_object('state', 'designated'),
                      jsonb_build_object('event_id', e.id, 'user_id', actor, 'role', p.role, 'state', p.state));
    return (200, json_build_object('place', scc.roster_place_json(p)))::scc_api.response;
end
$$;
comment on function scc_api.role_accept(jsonb) is
    'POST /api/events/:id/roles/:role/accept: the designated person accepts their place (→ confirmed); 200 {place}';
revoke execute on function scc_api.role_accept(jsonb) from public;
grant execute on function scc_api.role_accept(jsonb) to scc_web;

-- POST /api/events/:id/designate {role, user_id | email, name?} (the
-- event's captain, admin): names a person for a role, capacity enforced
-- (admins past it: override).  An existing user (by id, or by address) gets
-- a designated place (their waitlisted place becomes it; a filled place in
-- the other role moves, and that role's waitlist head takes the freed seat)
-- and a roster_designated email.  An address without an account: the
-- person is created with the role as their account role (a `name` may name
-- them) and gets an invite link bound to them carrying the event (the
-- `invite` email, always sent: it is their way in), and the place.
-- Only while the event is draft, scheduled or boarding.
-- 201 {"place":{...}, "user":{id, name, email, role}, "invited": bool}.
-- SC400 invalid_event_id, role_required, invalid_role, user_or_email (both or
-- neither), invalid_user_id, invalid_email, invalid_name, unknown_field;
-- SC403 insufficient_scope (not the event's captain nor an admin); SC404
-- event_not_found, user_not_found; SC409 event_not_open, user_disabled,
-- already_on_event (already holds that role), role_full; SC422
-- guest_role_unavailable, role_not_allowed (the account's role is below the
-- place's: a crew account cannot be the captain).
create function scc_api.role_designate(ctx jsonb)
returns scc_api.response
language plpgsql
security definer
set search_path = pg_catalog, scc
as $$
declare
    actor_role text := scc.require_role(ctx, 'captain');
    actor      uuid := (ctx -> 'actor' ->> 'id')::uuid;
    v_role     text;
    uid_txt    text;
    v_email    text;
    v_name     text;
    e          scc.events;
    u          scc.users;
    inviter    scc.users;
    p          scc.event_roles;
    old        scc.event_roles;
    code       text;
    link       scc.magic_links;
    invited    boolean := false;
begin
    perform scc.refuse_unknown_fields(ctx -> 'body', '{role,user_id,email,name}');
    v_role := scc.roster_role(scc.body_text(ctx, 'role', 'invalid_role'), 'invalid_role');
    uid_txt := scc.body_text(ctx, 'user_id', 'invalid_user_id');
    v_email := scc.body_text(ctx, 'email', 'invalid_email');
    v_name := nullif(btrim(scc.body_text(ctx, 'name', 'invalid_name')), '');
    if (uid_txt is null) = (v_email is null) then
        perform scc.fail(400, 'user_or_email', 'give either user_id or email (one of them)');
    end if;
    if length(v_name) > 200 then
        perform scc.fail(400, 'invalid_name', 'a name is at most 200 characters');
    end if;
    if v_name is not null and uid_txt is not null then
        perform scc.fail(400, 'invalid_name', 'a name is given only with an email, for a new person');
    end if;
    if uid_txt is not null then
        select * into u from scc.users as x
         where x.id = scc.check_uuid(uid_txt, 'invalid_user_id', 'user_id') for update;
        if u.id is null then
            perform scc.fail(404, 'user_not_found', 'no such user');
        end if;
    else
        v_email := scc.check_email(v_email);
        select * into u from scc.users as x where lower(x.email) = lower(v_email) for update;
    end if;
    e := scc.roster_lock_event(ctx);
    if actor_role <> 'admin' and not scc.is_event_captain(e.id, actor) then
        perform scc.fail(403, 'insufficient_scope', 'only the event''s captain or an admin designates');
    end if;
    perform scc.roster_check_open(e);
    if u.id is not null then
        if u.disabled_at is not null then
            perform scc.fail(409, 'user_disabled', 'this account is disabled');
        end if;
        perform scc.roster_check_rank(u, v_role);
        old := scc.roster_live_place(e.id, u.id);
        if old.id is not null and old.role = v_role and old.state <> 'waitlisted' then
            perform scc.fail(409, 'already_on_event', format('this person already holds a %s place (%s)',
                                                             old.role, old.state));
        end if;
    end if;
    if scc.roster_filled(e.id, v_role) >= scc.roster_capacity(e, v_role) then
        perform scc.fail(409, 'role_full', format('the %s places are full (%s of %s)', v_role,
                                                  scc.roster_filled(e.id, v_role), scc.roster_capacity(e, v_role)));
    end if;
    select * into inviter from scc.users as x where x.id = actor;
    if u.id is null then
        insert into scc.users (email, name, role)
        values (v_email, coalesce(v_name, ''), v_role)
        returning * into u;
        code := scc.create_magic_link(u.email, 'invite', v_role, e.id, interval '7 days', v_name, actor);
        select * into link from scc.magic_links as m where m.code_hash = scc.token_hash(code);
        perform scc.enqueue_job('email', jsonb_build_object(
            'template', 'invite',
            'to', link.email,
            'data', scc.event_mail_data(e) || jsonb_build_object(
                        'name', v_name, 'role', v_role, 'inviter_name', nullif(inviter.name, ''),
                        'expires_days', 7),
            'code', code));
        perform scc.audit(ctx, 'invite.create', 'magic_link', link.id::text, null,
                          jsonb_build_object('email', link.email, 'role', v_role, 'name', link.name,
                                             'event_id', e.id, 'user_id', u.id));
        invited := true;
    end if;
    if old.id is not null then
        update scc.event_roles as r
           set role = v_role, state = 'designated', since = clock_timestamp(), changed_by = actor,
               reason = null, silent = false
         where r.id = old.id
        returning * into p;
    else
        insert into scc.event_roles (event_id, user_id, role, state, changed_by)
        values (e.id, u.id, v_role, 'designated', actor)
        returning * into p;
    end if;
    perform scc.audit(ctx, 'roster.designate', 'event_role', p.id::text,
                      case when old.id is not null then jsonb_build_object('role', old.role, 'state', old.state) end,
                      jsonb_build_object('event_id', e.id, 'user_id', u.id, 'role', p.role, 'state', p.state,
                                         'invited', invited));
    if not invited then
        perform scc.roster_notify('roster_designated', u.id, e,
                                  jsonb_build_object('role', v_role, 'designated', true,
                                                     'actor_name', nullif(inviter.name, '')), false);
    end if;
    if old.id is not null and old.role <> v_role and old.state <> 'waitlisted' then
        perform scc.roster_promote(ctx, e, old.role, false);
    end if;
    return (201, json_build_object('place', scc.roster_place_json(p),
                                   'user', json_build_object('id', u.id, 'name', u.name, 'email', u.email,
                                                             'role', u.role),
                                   'invited', invited))::scc_api.response;
end
$$;
comment on function scc_api.role_designate(jsonb) is
    'POST /api/events/:id/designate: the event''s captain or an admin names a person (or invites an address) for a role; capacity enforced; 201 {place, user, invited}';
revoke execute on function scc_api.role_designate(jsonb) from public;
grant execute on function scc_api.role_designate(jsonb) to scc_web;

-- POST /api/events/:id/override {action, user_id, role, reason, silent?}
-- (admin): add (a confirmed place in `role`, past capacity if needed; a
-- waitlisted place becomes it), remove (their live place of `role` →
-- removed; the waitlist head takes a freed seat), move (their live place to
-- `role`, confirmed, past capacity; the old role's waitlist head takes the
-- freed seat).  reason required; silent → no email to anybody (the person,
-- the promoted); always audited, silent in the audit row.  Any state but
-- closed and cancelled.
-- 200 {"place":{...}, "promoted":[...]}.
-- SC400 invalid_event_id, action_required, invalid_action, invalid_user_id,
-- role_required, invalid_role, reason_required, invalid_reason,
-- invalid_silent, unknown_field; SC404 event_not_found, user_not_found,
-- place_not_found; SC409 event_closed, user_disabled, already_on_event
-- (add: holds a filled place: use move), same_role (move); SC422
-- guest_role_unavailable, role_not_allowed.
create function scc_api.role_override(ctx jsonb)
returns scc_api.response
language plpgsql
security definer
set search_path = pg_catalog, scc
as $$
declare
    actor      uuid;
    v_action   text;
    uid_txt    text;
    v_role     text;
    v_reason   text;
    v_silent   boolean := false;
    e          scc.events;
    u          scc.users;
    p          scc.event_roles;
    old        scc.event_roles;
    promoted   jsonb := '[]'::jsonb;
    actor_name text;
begin
    perform scc.require_role(ctx, 'admin');
    actor := (ctx -> 'actor' ->> 'id')::uuid;
    perform scc.refuse_unknown_fields(ctx -> 'body', '{action,user_id,role,reason,silent}');
    v_action := scc.body_text(ctx, 'action', 'invalid_action');
    if v_action is null then
        perform scc.fail(400, 'action_required', 'an action is required (add, remove or move)');
    end if;
    if v_action not in ('add', 'remove', 'move') then
        perform scc.fail(400, 'invalid_action', 'action must be add, remove or move');
    end if;
    uid_txt := scc.body_text(ctx, 'user_id', 'invalid_user_id');
    if uid_txt is null then
        perform scc.fail(400, 'invalid_user_id', 'user_id is required');
    end if;
    v_role := scc.roster_role(scc.body_text(ctx, 'role', 'invalid_role'), 'invalid_role');
    v_reason := scc.roster_reason(ctx);
    if v_reason is null then
        perform scc.fail(400, 'reason_required', 'an override needs a reason');
    end if;
    if ctx -> 'body' ? 'silent' then
        if jsonb_typeof(ctx -> 'body' -> 'silent') <> 'boolean' then
            perform scc.fail(400, 'invalid_silent', 'silent must be true or false');
        end if;
        v_silent := (ctx -> 'body' ->> 'silent')::boolean;
    end if;
    select * into u from scc.users as x
     where x.id = scc.check_uuid(uid_txt, 'invalid_user_id', 'user_id');
    if u.id is null then
        perform scc.fail(404, 'user_not_found', 'no such user');
    end if;
    e := scc.roster_lock_event(ctx);
    if e.state in ('closed', 'cancelled') then
        perform scc.fail(409, 'event_closed', format('the event is %s', e.state));
    end if;
    old := scc.roster_live_place(e.id, u.id);
    select nullif(x.name, '') into actor_name from scc.users as x where x.id = actor;

    if v_action = 'add' then
        if u.disabled_at is not null then
            perform scc.fail(409, 'user_disabled', 'this account is disabled');
        end if;
        perform scc.roster_check_rank(u, v_role);
        if old.id is not null and old.state <> 'waitlisted' then
            perform scc.fail(409, 'already_on_event',
                             format('this person already holds a %s place (%s): use move', old.role, old.state));
        end if;
        if old.id is not null then
            update scc.event_roles as r
               set role = v_role, state = 'confirmed', since = clock_timestamp(), changed_by = actor,
                   reason = v_reason, silent = v_silent
             where r.id = old.id
            returning * into p;
        else
            insert into scc.event_roles (event_id, user_id, role, state, changed_by, reason, silent)
            values (e.id, u.id, v_role, 'confirmed', actor, v_reason, v_silent)
            returning * into p;
        end if;
        perform scc.roster_notify('roster_designated', u.id, e,
                                  jsonb_build_object('role', v_role, 'added', true, 'actor_name', actor_name),
                                  v_silent);
    elsif v_action = 'remove' then
        if old.id is null or old.role <> v_role then
            perform scc.fail(404, 'place_not_found', format('this person holds no %s place on this event', v_role));
        end if;
        update scc.event_roles as r
           set state = 'removed', since = clock_timestamp(), changed_by = actor,
               reason = v_reason, silent = v_silent
         where r.id = old.id
        returning * into p;
        perform scc.roster_notify('roster_removed', u.id, e,
                                  jsonb_build_object('role', v_role, 'reason', v_reason), v_silent);
    else
        if old.id is null then
            perform scc.fail(404, 'place_not_found', 'this person holds no place on this event');
        end if;
        if old.role = v_role then
            perform scc.fail(409, 'same_role', format('this person is already in the %s role', v_role));
        end if;
        perform scc.roster_check_rank(u, v_role);
        update scc.event_roles as r
           set role = v_role, state = 'confirmed', since = clock_timestamp(), changed_by = actor,
               reason = v_reason, silent = v_silent
         where r.id = old.id
        returning * into p;
        perform scc.roster_notify('roster_designated', u.id, e,
                                  jsonb_build_object('role', v_role, 'moved', true, 'actor_name', actor_name),
                                  v_silent);
    end if;
    perform scc.audit(ctx, 'roster.override.' || v_action, 'event_role', p.id::text,
                      case when old.id is not null then jsonb_build_object('role', old.role, 'state', old.state) end,
                      jsonb_build_object('event_id', e.id, 'user_id', u.id, 'role', p.role, 'state', p.state,
                                         'silent', v_silent),
                      v_reason);
    if old.id is not null and old.state <> 'waitlisted' and (v_action = 'remove' or old.role <> p.role) then
        promoted := scc.roster_promote(ctx, e, old.role, v_silent);
    end if;
    return (200, json_build_object('place', scc.roster_place_json(p), 'promoted', promoted))::scc_api.response;
end
$$;
comment on function scc_api.role_override(jsonb) is
    'POST /api/events/:id/override: admin adds, removes or moves a person past capacity, with a reason; silent sends nothing; audited';
revoke execute on function scc_api.role_override(jsonb) from public;
grant execute on function scc_api.role_override(jsonb) to scc_web;

-- GET /api/events/:id/candidates?q= (the event's captain, admin): up to 20
-- enabled people whose name or email starts with q (case-insensitive; a
-- word of the name counts), who hold no live place on the event, for the
-- designate workflow.  200 {"candidates":[{id, name, email, role}]}.
-- SC400 invalid_event_id, invalid_query (over 100 characters); SC403
-- insufficient_scope; SC404 event_not_found.
create function scc_api.event_candidates(ctx jsonb)
returns scc_api.response
language plpgsql
stable
security definer
set search_path = pg_catalog, scc
as $$
declare
    actor_role text := scc.require_role(ctx, 'captain');
    actor      uuid := (ctx -> 'actor' ->> 'id')::uuid;
    v_id       uuid := scc.check_uuid(ctx -> 'params' ->> 'id', 'invalid_event_id', 'the event id');
    q          text := lower(btrim(coalesce(ctx -> 'query' ->> 'q', '')));
    pattern    text;
    found      boolean;
    items      json;
begin
    if length(q) > 100 then
        perform scc.fail(400, 'invalid_query', 'q is at most 100 characters');
    end if;
    select true into found from scc.events as x where x.id = v_id;
    if found is null then
        perform scc.fail(404, 'event_not_found', 'no such event');
    end if;
    if actor_role <> 'admin' and not scc.is_event_captain(v_id, actor) then
        perform scc.fail(403, 'insufficient_scope', 'only the event''s captain or an admin designates');
    end if;
    pattern := replace(replace(replace(q, '\', '\\'), '%', '\%'), '_', '\_') || '%';
    select coalesce(json_agg(json_build_object('id', c.id, 'name', c.name, 'email', c.email, 'role', c.role)
                             order by lower(c.name), lower(c.email), c.id), '[]'::json)
      into items
      from (select u.id, u.name, u.email, u.role
              from scc.users as u
             where u.disabled_at is null
               and (lower(u.email) like pattern escape '\'
                    or lower(u.name) like pattern escape '\'
                    or lower(u.name) like '% ' || pattern escape '\')
               and not exists (select 1 from scc.event_roles as r
                                where r.event_id = v_id and r.user_id = u.id
                                  and r.state in ('claimed', 'designated', 'confirmed', 'waitlisted'))
             order by lower(u.name), lower(u.email), u.id
             limit 20) as c;
    return (200, json_build_object('candidates', items))::scc_api.response;
end
$$;
comment on function scc_api.event_candidates(jsonb) is
    'GET /api/events/:id/candidates?q=: up to 20 enabled people matching a name/email prefix, not on the event (captain of the event, admin)';
revoke execute on function scc_api.event_candidates(jsonb) from public;
grant execute on function scc_api.event_candidates(jsonb) to scc_web;

-- ---- the roster to the captain, 24 h before departure -----------------------

-- The worker's `event_roster` job ({event_id, departure_at}, queued by the
-- events routes for departure − 24 h) calls this.  Nothing when the event
-- is gone, no longer scheduled or boarding, or departs at another time than
-- the payload says (a later job was queued for the new time).  Else one
-- `event_roster` email to the event's captain (every role with names and
-- states, the waitlist), or, when it has no captain, to the enabled admins
-- (the email says so), each respecting notify_email; unique key per event,
-- departure and recipient, so a job run twice mails once.  Returns the
-- number of emails queued.  22023 bad_payload on a malformed payload.
create function scc.event_roster(payload jsonb)
returns integer
language plpgsql
security definer
set search_path = pg_catalog, scc
as $$
declare
    v_id   uuid;
    v_dep  timestamptz;
    e      scc.events;
    data   jsonb;
    cap    boolean;
    n      integer := 0;
    r      record;
begin
    begin
        v_id := (payload ->> 'event_id')::uuid;
        v_dep := (payload ->> 'departure_at')::timestamptz;
    exception when others then
        v_id := null;
    end;
    if v_id is null or v_dep is null then
        raise exception using errcode = '22023', detail = 'bad_payload',
            message = 'event_roster needs {"event_id": uuid, "departure_at": timestamp}';
    end if;
    select * into e from scc.events as x where x.id = v_id;
    if e.id is null or e.state not in ('scheduled', 'boarding') or e.departure_at <> v_dep then
        return 0;
    end if;
    cap := exists (select 1 from scc.event_roles as x
                    where x.event_id = e.id and x.role = 'captain'
                      and x.state in ('claimed', 'designated', 'confirmed'));
    data := scc.event_mail_data(e) || jsonb_build_object(
        'no_captain', not cap,
        'roles', (select jsonb_agg(jsonb_build_object(
                         'label', initcap(k.role),
                         'filled', scc.roster_filled(e.id, k.role),
                         'max', scc.roster_capacity(e, k.role),
                         'min', case k.role when 'captain' then 1 else e.crew_min end,
                         'short', scc.roster_filled(e.id, k.role) < case k.role when 'captain' then 1 else e.crew_min end,
                         'has_waitlist', exists (select 1 from scc.event_roles as x
                                                  where x.event_id = e.id and x.role = k.role
                                                    and x.state = 'waitlisted'),
                         'people', coalesce((select jsonb_agg(jsonb_build_object(
                                                    'name', coalesce(nullif(u.name, ''), u.email),
                                                    'state', x.state) order by x.since, x.id)
                                               from scc.event_roles as x
                                               join scc.users as u on u.id = x.user_id
                                              where x.event_id = e.id and x.role = k.role
                                                and x.state in ('claimed', 'designated', 'confirmed')),
                                            '[]'::jsonb),
                         'waitlist', coalesce((select jsonb_agg(jsonb_build_object(
                                                      'position', w.position, 'name', w.name)
                                                      order by w.position)
                                                 from (select row_number() over (order by x.queued_at, x.id) as position,
                                                              coalesce(nullif(u.name, ''), u.email) as name
                                                         from scc.event_roles as x
                                                         join scc.users as u on u.id = x.user_id
                                                        where x.event_id = e.id and x.role = k.role
                                                          and x.state = 'waitlisted') as w),
                                              '[]'::jsonb))
                         order by k.ord)
                   from (values ('captain', 1), ('crew', 2)) as k (role, ord)));
    for r in
        select u.id, u.email, u.name
          from scc.users as u
         where u.disabled_at is null and u.notify_email
           and case when cap
                    then exists (select 1 from scc.event_roles as x
                                  where x.event_id = e.id and x.user_id = u.id and x.role = 'captain'
                                    and x.state in ('claimed', 'designated', 'confirmed'))
                    else u.role = 'admin' end
         order by u.id
    loop
        perform scc.enqueue_job('email', jsonb_build_object(
                    'template', 'event_roster', 'to', r.email,
                    'data', data || jsonb_build_object('name', nullif(r.name, ''))),
                now(), 0, 'event_roster:' || e.id || ':' || scc.iso(e.departure_at) || ':' || r.id);
        n := n + 1;
    end loop;
    return n;
end
$$;
comment on function scc.event_roster(jsonb) is
    'the event_roster job: one roster email to the captain (admins when none) if the event still departs as planned; the count queued';
revoke execute on function scc.event_roster(jsonb) from public;
grant execute on function scc.event_roster(jsonb) to scc_worker;
