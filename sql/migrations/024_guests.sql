-- 024_guests.sql — guests on the roster (issue 10): designation of guests
-- (by user or by email, each with their own waiver link carrying the
-- event), guest capacity and the FIFO waitlist as for crew, party links
-- (a secret link good for a number of seats until a time, each person who
-- opens it giving a name and an email), the admin's release of a hold, and
-- the reminder to guests still on hold 24 h before departure.
--
-- Decisions:
--   * 016's roster routes take the guest role now: designate and override
--     work for guests as for crew (capacity events.guest_max, role_full,
--     the waitlist, promotion); a claim of a guest place is refused (403
--     insufficient_scope): guests come by designation or a party link.
--   * A designated guest always gets a sign-in link of purpose 'waiver'
--     bound to them and carrying the event (the waiver_link email, sent
--     whatever notify_email says: it is their way in); a new address gets
--     an account first (role guest).  The sign-in page asks
--     POST /api/auth/link for the link's event (023 adds
--     event_id to its answer) and routes on the event page's you.next.
--   * Party links: a 128-bit token, only its SHA-256 kept (as calendar
--     feeds).  A sign-up takes the LINK's row lock first, then the
--     person's, then the event's (designate too locks the person before the
--     event), so the seats are never exceeded however many sign up at once
--     and no two routes wait on each other in a circle; one seat per person (party_link_uses); a person who
--     already holds a place on the event gets their sign-in link again and
--     takes no seat.  The public answer is always 202 check_your_email:
--     it never says whether the address had an account (a disabled
--     account gets nothing, and the same answer).
--   * Reminders: the guest_reminders job (run by the worker's job_event.c)
--     is queued for departure − 24 h when an event enters scheduled or its
--     departure moves while scheduled or boarding (a trigger, so 015's
--     scc.event_queue_jobs is untouched); it mails the guests whose places
--     are on hold, except places written silently (an admin's silent
--     override: "not for silent changes") and people who turned
--     notification emails off.  A job for a departure that moved does
--     nothing (the later job mails).

-- ---------------------------------------------------------------------------
-- The guest role on the roster
-- ---------------------------------------------------------------------------

-- A roster role named by a request: captain, crew or guest; anything else
-- 400 (`code`).
create or replace function scc.roster_role(value text, code text)
returns text
language plpgsql
immutable
as $$
begin
    if value in ('captain', 'crew', 'guest') then
        return value;
    end if;
    if value is null then
        perform scc.fail(400, 'role_required', 'a role is required (captain, crew or guest)');
    end if;
    perform scc.fail(400, code, 'role must be captain, crew or guest');
end
$$;
comment on function scc.roster_role(text, text) is
    'captain, crew or guest; SC400 role_required / the caller''s code';

-- A guest's way in for one event: a sign-in link of purpose 'waiver' bound
-- to them (role guest, the event, 7 days) mailed with the waiver_link
-- template, whatever notify_email says; audited (waiver_link.create, `why`:
-- designate, party_link, reminder).  Returns the plain code.
create function scc.guest_waiver_link(ctx jsonb, u scc.users, e scc.events, actor uuid, why text)
returns text
language plpgsql
as $$
declare
    code text := scc.create_magic_link(u.email, 'waiver', 'guest', e.id, interval '7 days',
                                       nullif(u.name, ''), actor);
    link scc.magic_links;
begin
    select * into link from scc.magic_links as m where m.code_hash = scc.token_hash(code);
    perform scc.enqueue_job('email', jsonb_build_object(
        'template', 'waiver_link',
        'to', link.email,
        'data', scc.event_mail_data(e) || jsonb_build_object(
                    'name', nullif(u.name, ''), 'event_title', e.title,
                    'departure', scc.local_text(e.departure_at, e.time_zone), 'expires_days', 7),
        'code', code));
    perform scc.audit(ctx, 'waiver_link.create', 'magic_link', link.id::text, null,
                      jsonb_build_object('email', link.email, 'event_id', e.id, 'user_id', u.id, 'why', why),
                      null, actor);
    return code;
end
$$;
comment on function scc.guest_waiver_link(jsonb, scc.users, scc.events, uuid, text) is
    'a guest''s waiver sign-in link for an event (7 days), mailed (waiver_link) and audited; the plain code';

-- POST /api/events/:id/roles/:role/claim (guest and up; SQL decides): crew
-- claim crew, captains captain or crew, admins either; a guest place is
-- never claimed (guests come by designation or a party link); no body
-- fields.  Under the event's row lock: a free seat → a confirmed place; a
-- full role → waitlisted with queued_at = clock_timestamp() and its
-- position.  201 {"place":{id, role, state, position}}.
-- SC400 invalid_event_id, invalid_role, unknown_field; SC403
-- insufficient_scope (a guest account, crew claiming captain, anyone
-- claiming guest); SC404 event_not_found; SC409 event_not_open (not
-- scheduled or boarding), already_on_event (a live place already).
create or replace function scc_api.role_claim(ctx jsonb)
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
    if actor_role = 'guest' or (v_role = 'captain' and actor_role = 'crew') or v_role = 'guest' then
        perform scc.fail(403, 'insufficient_scope',
                         case when v_role = 'guest'
                              then 'guest places come by designation or a party link, not by a claim'
                              when actor_role = 'guest' then 'guests cannot claim crew or captain places'
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

-- POST /api/events/:id/designate {role, user_id | email, name?} (the
-- event's captain, admin): names a person for a role (captain, crew or
-- guest), capacity enforced (admins past it: override).  An existing user
-- (by id, or by address) gets a designated place (their waitlisted place
-- becomes it; a filled place in another role moves, and that role's
-- waitlist head takes the freed seat).  An address without an account: the
-- person is created with the role as their account role (a `name` may name
-- them).  Told: a guest, new or not, by their own waiver sign-in link for
-- the event (scc.guest_waiver_link: waiver_link, always sent, it is their
-- way in); a new captain or crew by an invite link bound to them carrying
-- the event (the invite email); an existing captain or crew by
-- roster_designated.  Only while the event is draft, scheduled or boarding.
-- 201 {"place":{...}, "user":{id, name, email, role}, "invited": bool}.
-- SC400 invalid_event_id, role_required, invalid_role, user_or_email (both
-- or neither), invalid_user_id, invalid_email, invalid_name, unknown_field;
-- SC403 insufficient_scope (not the event's captain nor an admin); SC404
-- event_not_found, user_not_found; SC409 event_not_open, user_disabled,
-- already_on_event (already holds that role), role_full; SC422
-- role_not_allowed (the account's role is below the place's).
create or replace function scc_api.role_designate(ctx jsonb)
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
        invited := true;
    end if;
    if v_role = 'guest' then
        -- a guest's way in, new or not: their own waiver link for this event
        code := scc.guest_waiver_link(ctx, u, e, actor, 'designate');
    elsif invited then
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
    if not invited and v_role <> 'guest' then
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

-- ---------------------------------------------------------------------------
-- Party links
-- ---------------------------------------------------------------------------

-- A party link as its owners see it: seats used (one per person who joined
-- through it) and left.
create function scc.party_link_json(l scc.party_links)
returns jsonb
language sql
stable
as $$
    select jsonb_build_object(
        'id', l.id, 'seats', l.seats, 'used', u.n, 'left', greatest(l.seats - u.n, 0),
        'expires_at', scc.iso(l.expires_at), 'note', l.note, 'created_at', scc.iso(l.created_at),
        'revoked_at', scc.iso(l.revoked_at),
        'live', l.revoked_at is null and l.expires_at > now() and u.n < l.seats)
      from (select count(*)::int as n from scc.party_link_uses as x where x.link_id = l.id) as u
$$;
comment on function scc.party_link_json(scc.party_links) is
    'a party link for its owners: seats, used, left, expiry, note, live';

-- POST /api/events/:id/party-links {seats, expires_at, note?} (the event's
-- captain, admin): a party link good for `seats` guests (1..500) until
-- expires_at (an instant with its offset, in the future, within a year),
-- while the event is draft, scheduled or boarding.  The token (128 bits)
-- is shown once, in url; only its SHA-256 is kept.  Audited
-- (party_link.create; never the token).
-- 201 {id, url: '/party.html?t=TOKEN', seats, expires_at, note}.
-- SC400 invalid_id, seats_required, invalid_seats, expires_at_required,
-- invalid_expires_at, invalid_note, unknown_field; SC403
-- insufficient_scope (not the event's captain nor an admin); SC404
-- event_not_found; SC409 event_not_open; SC422 seats_out_of_range,
-- expires_at_out_of_range (past, or more than a year ahead).
create function scc_api.party_link_create(ctx jsonb)
returns scc_api.response
language plpgsql
security definer
set search_path = pg_catalog, scc
as $$
declare
    actor_role text := scc.require_role(ctx, 'captain');
    actor      uuid := (ctx -> 'actor' ->> 'id')::uuid;
    token      text := scc.random_token(16);
    v_seats    integer;
    v_expires  timestamptz;
    v_expires_txt text;
    v_note     text;
    e          scc.events;
    l          scc.party_links;
begin
    perform scc.refuse_unknown_fields(ctx -> 'body', '{seats,expires_at,note}');
    v_seats := scc.body_int(ctx, 'seats', 1, 500);
    if v_seats is null then
        perform scc.fail(400, 'seats_required', 'seats is required (1 to 500)');
    end if;
    v_expires_txt := scc.body_text(ctx, 'expires_at', 'invalid_expires_at');
    if v_expires_txt is null then
        perform scc.fail(400, 'expires_at_required', 'expires_at is required');
    end if;
    v_expires := scc.parse_instant(v_expires_txt, 'invalid_expires_at', 'expires_at');
    if v_expires <= now() or v_expires > now() + interval '366 days' then
        perform scc.fail(422, 'expires_at_out_of_range', 'expires_at must be in the future, within a year');
    end if;
    v_note := coalesce(btrim(scc.body_text(ctx, 'note', 'invalid_note')), '');
    if length(v_note) > 500 or v_note ~ '[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]' then
        perform scc.fail(400, 'invalid_note', 'a note is at most 500 characters, without control characters');
    end if;
    e := scc.event_for(ctx, actor_role, false);
    if actor_role <> 'admin' and not scc.is_event_captain(e.id, actor) then
        perform scc.fail(403, 'insufficient_scope', 'only the event''s captain or an admin makes party links');
    end if;
    perform scc.roster_check_open(e);
    insert into scc.party_links (event_id, token_hash, seats, expires_at, note, created_by)
    values (e.id, scc.token_hash(token), v_seats, v_expires, v_note, actor)
    returning * into l;
    perform scc.audit(ctx, 'party_link.create', 'party_link', l.id::text, null,
                      jsonb_build_object('event_id', e.id, 'seats', l.seats,
                                         'expires_at', scc.iso(l.expires_at), 'note', l.note));
    return (201, json_build_object('id', l.id, 'url', '/party.html?t=' || token, 'seats', l.seats,
                                   'expires_at', scc.iso(l.expires_at), 'note', l.note))::scc_api.response;
end
$$;
comment on function scc_api.party_link_create(jsonb) is
    'POST /api/events/:id/party-links: the event''s captain or an admin makes a party link (seats, expiry); 201 {id, url, seats, expires_at, note}';
revoke execute on function scc_api.party_link_create(jsonb) from public;
grant execute on function scc_api.party_link_create(jsonb) to scc_web;

-- GET /api/events/:id/party-links (the event's captain, admin): the
-- event's party links, newest first, with seats used and left.
-- 200 {"links": [{id, seats, used, left, expires_at, note, created_at,
-- revoked_at, live}]}.  SC400 invalid_id; SC403 insufficient_scope; SC404
-- event_not_found.
create function scc_api.party_links_list(ctx jsonb)
returns scc_api.response
language plpgsql
stable
security definer
set search_path = pg_catalog, scc
as $$
declare
    actor_role text := scc.require_role(ctx, 'captain');
    actor      uuid := (ctx -> 'actor' ->> 'id')::uuid;
    e          scc.events := scc.event_for(ctx, actor_role, false);
begin
    if actor_role <> 'admin' and not scc.is_event_captain(e.id, actor) then
        perform scc.fail(403, 'insufficient_scope', 'only the event''s captain or an admin sees party links');
    end if;
    return (200, json_build_object('links', coalesce(
        (select jsonb_agg(scc.party_link_json(l) order by l.created_at desc, l.id)
           from scc.party_links as l where l.event_id = e.id), '[]'::jsonb)))::scc_api.response;
end
$$;
comment on function scc_api.party_links_list(jsonb) is
    'GET /api/events/:id/party-links: the event''s party links with seats used and left (captain of the event, admin)';
revoke execute on function scc_api.party_links_list(jsonb) from public;
grant execute on function scc_api.party_links_list(jsonb) to scc_web;

-- The party link of a route's :token: malformed or unknown → SC404
-- link_not_found (the hash is computed and looked up either way); revoked,
-- expired, or its event no longer open (draft, scheduled, boarding) →
-- SC410 link_expired.  Row-locked when asked (a sign-up).
create function scc.party_link_for(ctx jsonb, lock boolean)
returns scc.party_links
language plpgsql
as $$
declare
    token text := coalesce(ctx -> 'params' ->> 'token', '');
    hash  bytea := scc.token_hash(token);
    l     scc.party_links;
begin
    if lock then
        select * into l from scc.party_links as x where x.token_hash = hash for update;
    else
        select * into l from scc.party_links as x where x.token_hash = hash;
    end if;
    if l.id is null or token !~ '^[A-Za-z0-9_-]{22}$' then
        perform scc.fail(404, 'link_not_found', 'no party link at this address');
    end if;
    if l.revoked_at is not null or l.expires_at <= now()
       or not exists (select 1 from scc.events as e
                       where e.id = l.event_id and e.state in ('draft', 'scheduled', 'boarding')) then
        perform scc.fail(410, 'link_expired', 'this party link has expired; ask whoever sent it for a new one');
    end if;
    return l;
end
$$;
comment on function scc.party_link_for(jsonb, boolean) is
    'the party link of ctx.params.token, optionally row-locked; SC404 link_not_found, SC410 link_expired';

-- GET /api/party/:token (public): what a party link is for — the event's
-- title, boat, times, and the seats left; nothing else (no people, no
-- notes).  One indexed lookup and a count.
-- 200 {"event": {title, boat_name, port_name, time_zone, departure_at,
-- return_at, departure_local, return_local}, "seats_left", "expires_at"}.
-- SC404 link_not_found; SC410 link_expired.
create function scc_api.party_get(ctx jsonb)
returns scc_api.response
language plpgsql
stable
security definer
set search_path = pg_catalog, scc
as $$
declare
    l scc.party_links := scc.party_link_for(ctx, false);
begin
    return (200, (
        select json_build_object(
                   'event', json_build_object(
                       'title', e.title, 'boat_name', b.name, 'port_name', b.port_name,
                       'time_zone', e.time_zone,
                       'departure_at', scc.iso(e.departure_at), 'return_at', scc.iso(e.return_at),
                       'departure_local', scc.local_text(e.departure_at, e.time_zone),
                       'return_local', scc.local_text(e.return_at, e.time_zone)),
                   'seats_left', greatest(l.seats - (select count(*) from scc.party_link_uses as u
                                                      where u.link_id = l.id), 0),
                   'expires_at', scc.iso(l.expires_at))
          from scc.events as e
          join scc.boats as b on b.id = e.boat_id
         where e.id = l.event_id))::scc_api.response;
end
$$;
comment on function scc_api.party_get(jsonb) is
    'GET /api/party/:token (public): the event of a party link (title, boat, times) and its seats left';
revoke execute on function scc_api.party_get(jsonb) from public;
grant execute on function scc_api.party_get(jsonb) to scc_web;

-- POST /api/party/:token {name, email} (public): one person of the party
-- joins.  Checks the body, then under the LINK's row lock (then the
-- person's, then the event's, the order designate keeps): refuses a revoked or expired link, a link with no seats left;
-- finds the account by address or creates it (role guest, the name given);
-- gives it a guest place (confirmed, or waitlisted when the event's guests
-- are full), records the seat (party_link_uses), and mails the person a
-- waiver sign-in link for the event.  A person who already holds a place
-- on the event (or used this link) takes no seat and gets the link again;
-- a disabled account gets nothing.  The answer is the same for all: it
-- never says whether the address had an account.  Audited (party_link.use).
-- 202 {"status": "check_your_email"}.
-- SC400 name_required, invalid_name, email_required, invalid_email,
-- unknown_field; SC404 link_not_found; SC409 link_full; SC410 link_expired.
create function scc_api.party_join(ctx jsonb)
returns scc_api.response
language plpgsql
security definer
set search_path = pg_catalog, scc
as $$
declare
    body    jsonb := ctx -> 'body';
    v_name  text;
    v_email text;
    l       scc.party_links;
    e       scc.events;
    u       scc.users;
    p       scc.event_roles;
    created boolean := false;
begin
    perform scc.refuse_unknown_fields(body, '{name,email}');
    if body -> 'name' is not null and jsonb_typeof(body -> 'name') not in ('string', 'null') then
        perform scc.fail(400, 'invalid_name', 'name must be a string');
    end if;
    v_name := btrim(body ->> 'name', E' \t\r\n');
    if v_name is null or v_name = '' then
        perform scc.fail(400, 'name_required', 'your name is required');
    end if;
    if length(v_name) > 200 or v_name ~ '[\x01-\x1f\x7f]' then
        perform scc.fail(400, 'invalid_name', 'a name is at most 200 characters, without control characters');
    end if;
    v_email := scc.check_email(scc.body_text(ctx, 'email', 'invalid_email'));

    l := scc.party_link_for(ctx, true);
    if (select count(*) from scc.party_link_uses as x where x.link_id = l.id) >= l.seats then
        perform scc.fail(409, 'link_full', 'every seat of this party link is taken');
    end if;
    -- the person's row before the event's: designate locks them in that order too
    select * into u from scc.users as x where lower(x.email) = lower(v_email) for update;
    if u.id is null then
        insert into scc.users (email, name, role)
        values (v_email, v_name, 'guest')
        on conflict ((lower(email))) do nothing
        returning * into u;
        if u.id is null then
            select * into u from scc.users as x where lower(x.email) = lower(v_email) for update;
        else
            created := true;
            perform scc.audit(ctx, 'user.create', 'user', u.id::text, null, to_jsonb(scc.user_json(u)),
                              'joined through a party link');
        end if;
    end if;
    if u.disabled_at is not null then
        perform scc.audit(ctx, 'party_link.refused', 'party_link', l.id::text, null,
                          jsonb_build_object('event_id', l.event_id, 'user_id', u.id), 'account disabled');
        return (202, json_build_object('status', 'check_your_email'))::scc_api.response;
    end if;
    select * into e from scc.events as x where x.id = l.event_id for update;

    p := scc.roster_live_place(e.id, u.id);
    if p.id is null and not exists (select 1 from scc.party_link_uses as x
                                     where x.link_id = l.id and x.user_id = u.id) then
        if scc.roster_filled(e.id, 'guest') < scc.roster_capacity(e, 'guest') then
            insert into scc.event_roles (event_id, user_id, role, state, changed_by, reason)
            values (e.id, u.id, 'guest', 'confirmed', u.id, 'joined through a party link')
            returning * into p;
        else
            insert into scc.event_roles (event_id, user_id, role, state, queued_at, changed_by, reason)
            values (e.id, u.id, 'guest', 'waitlisted', clock_timestamp(), u.id, 'joined through a party link')
            returning * into p;
        end if;
        insert into scc.party_link_uses (link_id, user_id, event_role_id)
        values (l.id, u.id, p.id);
        perform scc.audit(ctx, 'party_link.use', 'event_role', p.id::text, null,
                          jsonb_build_object('event_id', e.id, 'user_id', u.id, 'role', p.role,
                                             'state', p.state, 'link_id', l.id, 'created', created),
                          null, u.id, u.role);
    end if;
    perform scc.guest_waiver_link(ctx, u, e, null, 'party_link');
    return (202, json_build_object('status', 'check_your_email'))::scc_api.response;
end
$$;
comment on function scc_api.party_join(jsonb) is
    'POST /api/party/:token (public): a person of the party joins as a guest (under the link''s lock: seats, expiry) and is mailed a sign-in link; 202 check_your_email';
revoke execute on function scc_api.party_join(jsonb) from public;
grant execute on function scc_api.party_join(jsonb) to scc_web;

-- ---------------------------------------------------------------------------
-- Holds
-- ---------------------------------------------------------------------------

-- POST /api/events/:id/holds/:user_id/release {reason} (admin): ends the
-- waiver hold of a person's live guest place (hold_released_at/by/reason),
-- under the event's row lock; audited (guest.hold_release, the hold it
-- ended).  Any state but closed and cancelled.
-- 200 {"place": {id, role, state, position}, "released_at", "hold_was"}.
-- SC400 invalid_event_id, invalid_user_id, reason_required, invalid_reason,
-- unknown_field; SC404 event_not_found, place_not_found (no live guest
-- place); SC409 event_closed, not_on_hold.
create function scc_api.hold_release(ctx jsonb)
returns scc_api.response
language plpgsql
security definer
set search_path = pg_catalog, scc
as $$
declare
    actor    uuid;
    v_user   uuid;
    v_reason text;
    e        scc.events;
    p        scc.event_roles;
    v_hold   text;
begin
    perform scc.require_role(ctx, 'admin');
    actor := (ctx -> 'actor' ->> 'id')::uuid;
    perform scc.refuse_unknown_fields(ctx -> 'body', '{reason}');
    v_user := scc.check_uuid(ctx -> 'params' ->> 'user_id', 'invalid_user_id', 'the user id');
    v_reason := scc.roster_reason(ctx);
    if v_reason is null then
        perform scc.fail(400, 'reason_required', 'releasing a hold needs a reason');
    end if;
    e := scc.roster_lock_event(ctx);
    if e.state in ('closed', 'cancelled') then
        perform scc.fail(409, 'event_closed', format('the event is %s', e.state));
    end if;
    p := scc.roster_live_place(e.id, v_user);
    if p.id is null or p.role <> 'guest' then
        perform scc.fail(404, 'place_not_found', 'this person holds no guest place on this event');
    end if;
    v_hold := scc.guest_hold(e, p);
    if v_hold is null then
        perform scc.fail(409, 'not_on_hold', 'this guest is not on hold');
    end if;
    update scc.event_roles as r
       set hold_released_at = clock_timestamp(), hold_released_by = actor, hold_release_reason = v_reason
     where r.id = p.id
    returning * into p;
    perform scc.audit(ctx, 'guest.hold_release', 'event_role', p.id::text,
                      jsonb_build_object('hold', v_hold),
                      jsonb_build_object('event_id', e.id, 'user_id', p.user_id, 'hold', null,
                                         'released_at', scc.iso(p.hold_released_at)),
                      v_reason);
    return (200, json_build_object('place', scc.roster_place_json(p),
                                   'released_at', scc.iso(p.hold_released_at),
                                   'hold_was', v_hold))::scc_api.response;
end
$$;
comment on function scc_api.hold_release(jsonb) is
    'POST /api/events/:id/holds/:user_id/release: an admin ends a guest''s waiver hold with a reason; audited';
revoke execute on function scc_api.hold_release(jsonb) from public;
grant execute on function scc_api.hold_release(jsonb) to scc_web;

-- ---------------------------------------------------------------------------
-- Reminders
-- ---------------------------------------------------------------------------

-- Queues the guest_reminders job for departure − 24 h when an event enters
-- scheduled, or its departure moves while it is scheduled or boarding
-- (one job per event and departure: the unique key).
create function scc.events_queue_guest_reminders()
returns trigger
language plpgsql
as $$
begin
    if new.state in ('scheduled', 'boarding')
       and (tg_op = 'INSERT' or old.state not in ('scheduled', 'boarding')
            or old.departure_at <> new.departure_at) then
        perform scc.enqueue_job('guest_reminders',
                                jsonb_build_object('event_id', new.id, 'departure_at', scc.iso(new.departure_at)),
                                run_at => greatest(new.departure_at - interval '24 hours', now()),
                                unique_key => 'guest_reminders:' || new.id || ':' || scc.iso(new.departure_at));
    end if;
    return null;
end
$$;
create trigger events_queue_guest_reminders after insert or update of state, departure_at on scc.events
    for each row execute function scc.events_queue_guest_reminders();

-- The worker's guest_reminders job ({event_id, departure_at}) calls this.
-- Nothing when the event is gone, no longer scheduled or boarding, or
-- departs at another time than the payload says.  Else, to each guest whose
-- seat (claimed, designated, confirmed: not the waitlist, who may never
-- board) is on hold (scc.guest_hold), but places written silently and
-- people who turned notification emails off or are disabled: a fresh
-- waiver sign-in link (2 days) in a waiver_reminder email, unique per
-- event, departure and person (a job run twice mails once).  Returns the
-- number of emails queued.  22023 bad_payload on a malformed payload.
create function scc.guest_reminders(payload jsonb)
returns integer
language plpgsql
security definer
set search_path = pg_catalog, scc
as $$
declare
    v_id  uuid;
    v_dep timestamptz;
    e     scc.events;
    n     integer := 0;
    code  text;
    key   text;
    r     record;
begin
    begin
        v_id := (payload ->> 'event_id')::uuid;
        v_dep := (payload ->> 'departure_at')::timestamptz;
    exception when others then
        v_id := null;
    end;
    if v_id is null or v_dep is null then
        raise exception using errcode = '22023', detail = 'bad_payload',
            message = 'guest_reminders needs {"event_id": uuid, "departure_at": timestamp}';
    end if;
    select * into e from scc.events as x where x.id = v_id;
    if e.id is null or e.state not in ('scheduled', 'boarding') or e.departure_at <> v_dep then
        return 0;
    end if;
    for r in
        select u.id, u.email, u.name, h.hold
          from scc.event_roles as p
          join scc.users as u on u.id = p.user_id
         cross join lateral (select scc.guest_hold(e, p) as hold) as h
         where p.event_id = e.id and p.role = 'guest'
           and p.state in ('claimed', 'designated', 'confirmed')
           and not p.silent and h.hold is not null
           and u.disabled_at is null and u.notify_email
         order by u.id
    loop
        key := 'guest_reminders:' || e.id || ':' || scc.iso(e.departure_at) || ':' || r.id;
        continue when exists (select 1 from scc.jobs as j where j.unique_key = key);
        code := scc.create_magic_link(r.email, 'waiver', 'guest', e.id, interval '2 days',
                                      nullif(r.name, ''), null);
        perform scc.enqueue_job('email', jsonb_build_object(
                    'template', 'waiver_reminder', 'to', r.email,
                    'data', scc.event_mail_data(e) || jsonb_build_object(
                                'name', nullif(r.name, ''), 'event_title', e.title,
                                'departure', scc.local_text(e.departure_at, e.time_zone),
                                'hold', r.hold, 'outdated', r.hold = 'waiver_outdated',
                                'minors', r.hold in ('minors_not_covered', 'minor_now_adult')),
                    'code', code),
                now(), 0, key);
        n := n + 1;
    end loop;
    return n;
end
$$;
comment on function scc.guest_reminders(jsonb) is
    'the guest_reminders job: a waiver_reminder (with a sign-in link) to each held guest, not silent places, if the event still departs as planned; the count queued';
revoke execute on function scc.guest_reminders(jsonb) from public;
grant execute on function scc.guest_reminders(jsonb) to scc_worker;
