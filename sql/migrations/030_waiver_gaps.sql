-- 030_waiver_gaps.sql — issue 10's remaining gaps (helper F):
--   GET /api/events/:id/waiver-version          (admin: the version the event
--                                                requires, the one it may move to)
--   POST /api/events/:id/waiver-version         (022's route, replaced: each guest
--                                                the move holds is mailed their
--                                                waiver link at once)
--   POST /api/events/:id/party-links/:link_id/revoke {reason}
--                                               (the event's captain, admin)
-- and a silent PATCH of the departure that no longer adds a reminder.
--
-- Decisions:
--   * Moving an event on mails, at once, each guest whose hold the move
--     made or changed (held now, and not for the same reason before: a
--     signer of the old version, now waiver_outdated); a guest who had not
--     signed at all (waiver_missing before and after) already has their
--     link and is not mailed again.  The mail is the designation's
--     (scc.guest_waiver_link: a 7-day waiver sign-in link, the waiver_link
--     email, sent whatever notify_email says because it is an action the
--     guest must take; a disabled account gets nothing).  The route has no
--     `silent` (a body with it is refused, 022): a guest held without being
--     told could not board.  The waiver_link email says the waiver changed
--     (data waiver_changed, waiver_version).
--   * The version an event may move to is computed here
--     (scc.event_waiver_next), by 022's rules: the boat's current version
--     when the route would take it (the one new events pin), else the
--     latest version of the event's own template; the page offers exactly
--     what the POST accepts.
--   * A revoked party link keeps its row (its seats' history) with who
--     revoked it and why; reading it or signing up through it answers 410
--     link_expired, the code 024 already gave a revoked link (the party
--     page and clients know it), now with a message that says it was
--     withdrawn (scc.party_link_for, replaced with the same signature).
--     People who already joined keep their places (the roster's release
--     and override remove a person).  The revoke takes the link's row lock,
--     the lock a sign-up takes first, so a sign-up either finished before
--     or is refused.
--   * A silent departure change: the event_update route sets the
--     transaction-local setting scc.silent around its UPDATE
--     (set_config(..., true): one route is one transaction, every module
--     call ends in a sync), and 024's reminder trigger reads it.  The
--     trigger stays the one place that decides when reminders are queued
--     (whoever writes the row: the route, a transition, SQL by hand); moving
--     the requeue into the route would have split that rule in two.  What a
--     silent move must not do is add a reminder the change alone would
--     cause: when the reminder for the old departure is still waiting, the
--     guests would have had it anyway, so it moves with the departure (one
--     reminder, at the new T-24 h); when it has run (or there was none), a
--     silent move queues none.  The waiver completion jobs (025's trigger)
--     ignore the setting: figures are not notifications.

-- ---------------------------------------------------------------------------
-- Moving an event on to a newer waiver version
-- ---------------------------------------------------------------------------

-- The version an event may move to (022's rules), or null: the boat's
-- current version (scc.waiver_current_version) when it is a later version
-- of the event's template, or another template's made after the event's
-- version (or the event requires none); else the latest later version of
-- the event's own template.
create function scc.event_waiver_next(e scc.events)
returns uuid
language plpgsql
stable
as $$
declare
    cur scc.waiver_versions;
    nv  scc.waiver_versions;
begin
    select * into cur from scc.waiver_versions as x where x.id = e.waiver_version_id;
    select * into nv from scc.waiver_versions as x where x.id = scc.waiver_current_version(e.boat_id);
    if nv.id is not null
       and (cur.id is null
            or (nv.template_id = cur.template_id and nv.version > cur.version)
            or (nv.template_id <> cur.template_id and nv.created_at > cur.created_at)) then
        return nv.id;
    end if;
    if cur.id is null then
        return null;
    end if;
    return (select x.id from scc.waiver_versions as x
             where x.template_id = cur.template_id and x.version > cur.version
             order by x.version desc limit 1);
end
$$;
comment on function scc.event_waiver_next(scc.events) is
    'the waiver version an event may move to (the boat''s current one, else its template''s latest), null when none';

-- A version summary with its template's name, for the move's page.
create function scc.waiver_version_named_json(p_id uuid)
returns jsonb
language plpgsql
stable
as $$
begin
    return (select scc.waiver_version_json(v, false) || jsonb_build_object('template_name', t.name)
              from scc.waiver_versions as v
              join scc.waiver_templates as t on t.id = v.template_id
             where v.id = p_id);
end
$$;
comment on function scc.waiver_version_named_json(uuid) is
    'a waiver version''s summary (scc.waiver_version_json) with its template''s name; null for none';

-- A guest's way in (024's, the same signature and mail): the data now says
-- when the link is sent because the event's waiver changed (why
-- 'waiver_version'): waiver_changed and the version now required.
create or replace function scc.guest_waiver_link(ctx jsonb, u scc.users, e scc.events, actor uuid, why text)
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
                    'departure', scc.local_text(e.departure_at, e.time_zone), 'expires_days', 7,
                    'waiver_changed', why = 'waiver_version',
                    'waiver_version', case when why = 'waiver_version' then
                                          (select v.version from scc.waiver_versions as v
                                            where v.id = e.waiver_version_id) end),
        'code', code));
    perform scc.audit(ctx, 'waiver_link.create', 'magic_link', link.id::text, null,
                      jsonb_build_object('email', link.email, 'event_id', e.id, 'user_id', u.id, 'why', why),
                      null, actor);
    return code;
end
$$;
comment on function scc.guest_waiver_link(jsonb, scc.users, scc.events, uuid, text) is
    'a guest''s waiver sign-in link for an event (7 days), mailed (waiver_link; says when the waiver changed) and audited; the plain code';

-- GET /api/events/:id/waiver-version   (admin)
-- What the event page's waiver card shows: the version the event requires
-- and the one it may move to (scc.event_waiver_next, the version
-- POST /api/events/:id/waiver-version would accept), with how many guests
-- are on hold now.
-- 200 {"event_id", "state", "required": version summary with template_name
-- or null, "next": the same or null, "may_move": next exists and the event
-- is neither closed nor cancelled, "guests": live guest places, "held":
-- those on hold}.
-- Errors: SC400 invalid_id; SC403 insufficient_scope; SC404 event_not_found.
create function scc_api.event_waiver_version_get(ctx jsonb)
returns scc_api.response
language plpgsql
stable
security definer
set search_path = pg_catalog, scc
as $$
declare
    actor_role text := scc.require_role(ctx, 'admin');
    e          scc.events := scc.event_for(ctx, actor_role, false);
    nv         uuid := scc.event_waiver_next(e);
    n_guests   integer;
    n_held     integer;
begin
    select count(*), count(*) filter (where scc.guest_hold(e, r) is not null)
      into n_guests, n_held
      from scc.event_roles as r
     where r.event_id = e.id and r.role = 'guest'
       and r.state in ('claimed', 'designated', 'confirmed', 'waitlisted');
    return (200, json_build_object(
        'event_id', e.id, 'state', e.state,
        'required', scc.waiver_version_named_json(e.waiver_version_id),
        'next', scc.waiver_version_named_json(nv),
        'may_move', nv is not null and e.state not in ('closed', 'cancelled'),
        'guests', n_guests, 'held', n_held))::scc_api.response;
end
$$;
comment on function scc_api.event_waiver_version_get(jsonb) is
    'GET /api/events/:id/waiver-version: an admin sees the waiver version an event requires and the newer one it may move to';
revoke execute on function scc_api.event_waiver_version_get(jsonb) from public;
grant execute on function scc_api.event_waiver_version_get(jsonb) to scc_web;

-- POST /api/events/:id/waiver-version {version_id, reason}   (admin)
-- 022's route, its rules unchanged: the event requires a newer waiver
-- version from now on (a later version of the template it requires, or a
-- version of the boat's current template made after the one it requires).
-- Any state but closed and cancelled; the event row is locked.  Guests who
-- signed the old version are held (scc.guest_hold) with no write to their
-- places.  NEW: each guest whose hold the move made or changed (held now,
-- and not for the same reason before) and whose account is enabled is
-- mailed their waiver sign-in link at once (scc.guest_waiver_link, why
-- 'waiver_version': whatever notify_email says, as the designation's).
-- Audited (event.waiver_version, before and after with held and mailed,
-- the reason).
-- 200 {"event_id", "waiver_version": version summary, "previous": version
-- summary or null, "held": [{user_id, name, hold}] (the event's guests on
-- hold now), "mailed": how many were sent their link}.
-- Errors: SC400 invalid_id / unknown_field / version_id_required /
-- invalid_version_id / reason_required / invalid_reason; SC404
-- event_not_found / version_not_found; SC409 event_closed /
-- event_cancelled; SC422 version_not_newer / version_other_template.
create or replace function scc_api.event_waiver_version(ctx jsonb)
returns scc_api.response
language plpgsql
volatile
security definer
set search_path = pg_catalog, scc
as $$
declare
    actor_role text := scc.require_role(ctx, 'admin');
    actor      uuid := (ctx -> 'actor' ->> 'id')::uuid;
    body       jsonb := coalesce(ctx -> 'body', '{}'::jsonb);
    vid_text   text;
    v_reason   text;
    e          scc.events;
    nv         scc.waiver_versions;
    cur        scc.waiver_versions;
    boat_tpl   uuid;
    held       jsonb;
    was        jsonb;
    mailed     integer := 0;
    g          scc.users;
begin
    perform scc.refuse_unknown_fields(body, array['version_id', 'reason']);
    vid_text := scc.body_text(ctx, 'version_id', 'invalid_version_id');
    if vid_text is null then
        perform scc.fail(400, 'version_id_required', 'version_id: the version the event is to require');
    end if;
    nv.id := scc.check_uuid(vid_text, 'invalid_version_id', 'version_id');
    v_reason := scc.roster_reason(ctx);
    if v_reason is null then
        perform scc.fail(400, 'reason_required', 'reason: say why the event''s waiver changes (it is audited)');
    end if;
    e := scc.event_for(ctx, actor_role, true);
    if e.state = 'closed' then
        perform scc.fail(409, 'event_closed', 'this event is closed; its waiver is the record');
    elsif e.state = 'cancelled' then
        perform scc.fail(409, 'event_cancelled', 'this event is cancelled');
    end if;
    select * into nv from scc.waiver_versions as x where x.id = nv.id;
    if not found then
        perform scc.fail(404, 'version_not_found', 'version_id: no such waiver version');
    end if;
    select * into cur from scc.waiver_versions as x where x.id = e.waiver_version_id;
    select x.template_id into boat_tpl from scc.waiver_versions as x
     where x.id = scc.waiver_current_version(e.boat_id);
    if cur.id is not null and nv.template_id = cur.template_id then
        if nv.version <= cur.version then
            perform scc.fail(422, 'version_not_newer',
                             format('version_id: the event requires version %s; move it to a later one', cur.version));
        end if;
    elsif nv.template_id is not distinct from boat_tpl then
        if cur.id is not null and nv.created_at <= cur.created_at then
            perform scc.fail(422, 'version_not_newer',
                             'version_id: this version is older than the one the event requires');
        end if;
    else
        perform scc.fail(422, 'version_other_template',
                         'version_id: a version of the event''s template, or of its boat''s current one');
    end if;
    -- each live guest place's hold before the move, by place id
    select coalesce(jsonb_object_agg(r.id::text, scc.guest_hold(e, r)), '{}'::jsonb)
      into was
      from scc.event_roles as r
     where r.event_id = e.id and r.role = 'guest';
    update scc.events as x set waiver_version_id = nv.id, updated_at = now()
     where x.id = e.id
    returning * into e;
    select coalesce(jsonb_agg(jsonb_build_object('user_id', r.user_id, 'name', u.name, 'hold', h.hold)
                              order by u.name, r.user_id), '[]'::jsonb)
      into held
      from scc.event_roles as r
      join scc.users as u on u.id = r.user_id
     cross join lateral (select scc.guest_hold(e, r) as hold) as h
     where r.event_id = e.id and h.hold is not null;
    for g in
        select x.*
          from scc.event_roles as r
          join scc.users as x on x.id = r.user_id
         cross join lateral (select scc.guest_hold(e, r) as hold) as h
         where r.event_id = e.id and h.hold is not null
           and h.hold is distinct from was ->> r.id::text
           and x.disabled_at is null
         order by x.id
    loop
        perform scc.guest_waiver_link(ctx, g, e, actor, 'waiver_version');
        mailed := mailed + 1;
    end loop;
    perform scc.audit(ctx, 'event.waiver_version', 'event', e.id::text,
                      jsonb_build_object('waiver_version_id', cur.id, 'version', cur.version,
                                         'template_id', cur.template_id),
                      jsonb_build_object('waiver_version_id', nv.id, 'version', nv.version,
                                         'template_id', nv.template_id, 'held', jsonb_array_length(held),
                                         'mailed', mailed),
                      v_reason);
    return (200, json_build_object('event_id', e.id, 'waiver_version', scc.waiver_version_json(nv, false),
                                   'previous', scc.waiver_version_json(cur, false),
                                   'held', held, 'mailed', mailed))::scc_api.response;
end
$$;
comment on function scc_api.event_waiver_version(jsonb) is
    'POST /api/events/:id/waiver-version: an admin moves an event to a newer waiver version, with a reason; its signers of the old one are held and mailed their waiver link';

-- ---------------------------------------------------------------------------
-- Revoking a party link
-- ---------------------------------------------------------------------------

alter table scc.party_links add column revoked_by uuid;
alter table scc.party_links add column revoke_reason text;
alter table scc.party_links add constraint party_links_revoked_by_fkey
    foreign key (revoked_by) references scc.users (id);
alter table scc.party_links add constraint party_links_revoke_reason_check
    check (length(revoke_reason) between 1 and 500);
alter table scc.party_links add constraint party_links_revoked_check
    check (revoked_at is not null or (revoked_by is null and revoke_reason is null));
comment on column scc.party_links.revoke_reason is 'why the link was revoked (the revoke route requires one)';

-- The party link of a route's :token (024's, the same signature): malformed
-- or unknown → SC404 link_not_found (the hash is computed and looked up
-- either way); revoked, expired, or its event no longer open (draft,
-- scheduled, boarding) → SC410 link_expired, the message saying which.
-- Row-locked when asked (a sign-up).
create or replace function scc.party_link_for(ctx jsonb, lock boolean)
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
    if l.revoked_at is not null then
        perform scc.fail(410, 'link_expired', 'this party link was withdrawn by whoever made it; ask them what to do');
    end if;
    if l.expires_at <= now()
       or not exists (select 1 from scc.events as e
                       where e.id = l.event_id and e.state in ('draft', 'scheduled', 'boarding')) then
        perform scc.fail(410, 'link_expired', 'this party link has expired; ask whoever sent it for a new one');
    end if;
    return l;
end
$$;
comment on function scc.party_link_for(jsonb, boolean) is
    'the party link of ctx.params.token, optionally row-locked; SC404 link_not_found, SC410 link_expired (revoked, expired, event closed)';

-- A party link for its owners (024's scc.party_link_json) with who revoked
-- it and why.
create function scc.party_link_owner_json(l scc.party_links)
returns jsonb
language sql
stable
as $$
    select scc.party_link_json(l) || jsonb_build_object(
        'revoke_reason', l.revoke_reason,
        'revoked_by', (select jsonb_build_object('id', u.id, 'name', u.name)
                         from scc.users as u where u.id = l.revoked_by))
$$;
comment on function scc.party_link_owner_json(scc.party_links) is
    'a party link for its owners (seats, used, left, expiry, live) with revoked_by and revoke_reason';

-- GET /api/events/:id/party-links (the event's captain, admin): 024's
-- route; each link now says who revoked it and why.
-- 200 {"links": [{id, seats, used, left, expires_at, note, created_at,
-- revoked_at, live, revoked_by: {id, name} | null, revoke_reason}]},
-- newest first.  SC400 invalid_id; SC403 insufficient_scope; SC404
-- event_not_found.
create or replace function scc_api.party_links_list(ctx jsonb)
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
        (select jsonb_agg(scc.party_link_owner_json(l) order by l.created_at desc, l.id)
           from scc.party_links as l where l.event_id = e.id), '[]'::jsonb)))::scc_api.response;
end
$$;
comment on function scc_api.party_links_list(jsonb) is
    'GET /api/events/:id/party-links: the event''s party links with seats used and left, and revocations (captain of the event, admin)';

-- POST /api/events/:id/party-links/:link_id/revoke {reason} (the event's
-- captain, admin): the link stops taking sign-ups (410 link_expired,
-- "withdrawn", from then on); people who joined through it keep their places.  Any event
-- state.  Under the link's row lock (a sign-up's first lock).  Audited
-- (party_link.revoke: seats and used before, the reason).
-- 200 the link as the list shows it (revoked_at, revoked_by,
-- revoke_reason, live false).
-- SC400 invalid_id, invalid_link_id, reason_required, invalid_reason,
-- unknown_field; SC403 insufficient_scope (not the event's captain nor an
-- admin); SC404 event_not_found, link_not_found (none of this event's);
-- SC409 already_revoked.
create function scc_api.party_link_revoke(ctx jsonb)
returns scc_api.response
language plpgsql
security definer
set search_path = pg_catalog, scc
as $$
declare
    actor_role text := scc.require_role(ctx, 'captain');
    actor      uuid := (ctx -> 'actor' ->> 'id')::uuid;
    v_link     uuid;
    v_reason   text;
    e          scc.events;
    l          scc.party_links;
    before     jsonb;
begin
    perform scc.refuse_unknown_fields(ctx -> 'body', '{reason}');
    v_link := scc.check_uuid(ctx -> 'params' ->> 'link_id', 'invalid_link_id', 'the party link id');
    v_reason := scc.roster_reason(ctx);
    if v_reason is null then
        perform scc.fail(400, 'reason_required', 'reason: say why the link is revoked (it is audited)');
    end if;
    e := scc.event_for(ctx, actor_role, false);
    if actor_role <> 'admin' and not scc.is_event_captain(e.id, actor) then
        perform scc.fail(403, 'insufficient_scope', 'only the event''s captain or an admin revokes party links');
    end if;
    select * into l from scc.party_links as x where x.id = v_link and x.event_id = e.id for update;
    if l.id is null then
        perform scc.fail(404, 'link_not_found', 'this event has no such party link');
    end if;
    if l.revoked_at is not null then
        perform scc.fail(409, 'already_revoked', 'this party link is revoked already');
    end if;
    before := scc.party_link_json(l);
    update scc.party_links as x
       set revoked_at = now(), revoked_by = actor, revoke_reason = v_reason
     where x.id = l.id
    returning * into l;
    perform scc.audit(ctx, 'party_link.revoke', 'party_link', l.id::text,
                      jsonb_build_object('event_id', e.id, 'seats', before -> 'seats', 'used', before -> 'used',
                                         'live', before -> 'live'),
                      jsonb_build_object('event_id', e.id, 'revoked_at', scc.iso(l.revoked_at)),
                      v_reason);
    return (200, scc.party_link_owner_json(l)::json)::scc_api.response;
end
$$;
comment on function scc_api.party_link_revoke(jsonb) is
    'POST /api/events/:id/party-links/:link_id/revoke: the event''s captain or an admin revokes a party link with a reason; sign-ups through it are refused (410 link_expired)';
revoke execute on function scc_api.party_link_revoke(jsonb) from public;
grant execute on function scc_api.party_link_revoke(jsonb) to scc_web;

-- ---------------------------------------------------------------------------
-- A silent departure change adds no reminder
-- ---------------------------------------------------------------------------

-- Whether the transaction's current change is silent: the setting
-- scc.silent a route sets (transaction-local) around its write.
create function scc.change_is_silent()
returns boolean
language sql
stable
as $$
    select coalesce(current_setting('scc.silent', true), '') = 'on'
$$;
comment on function scc.change_is_silent() is
    'true while a route''s silent write is under way (the transaction-local setting scc.silent = on)';

-- 024's trigger: queues the guest_reminders job for departure − 24 h when
-- an event enters scheduled, or its departure moves while it is scheduled
-- or boarding (one job per event and departure: the unique key).  A SILENT
-- move (scc.change_is_silent) moves a reminder still waiting for the old
-- departure to the new one, and queues none when that one has run (or
-- there was none): a silent change causes no reminder of its own.
create or replace function scc.events_queue_guest_reminders()
returns trigger
language plpgsql
as $$
begin
    if new.state in ('scheduled', 'boarding')
       and (tg_op = 'INSERT' or old.state not in ('scheduled', 'boarding')
            or old.departure_at <> new.departure_at) then
        if tg_op = 'UPDATE' and old.state in ('scheduled', 'boarding')
           and scc.change_is_silent()
           and not exists (select 1 from scc.jobs as j
                            where j.unique_key = 'guest_reminders:' || old.id || ':' || scc.iso(old.departure_at)
                              and j.state = 'queued') then
            return null;
        end if;
        perform scc.enqueue_job('guest_reminders',
                                jsonb_build_object('event_id', new.id, 'departure_at', scc.iso(new.departure_at)),
                                run_at => greatest(new.departure_at - interval '24 hours', now()),
                                unique_key => 'guest_reminders:' || new.id || ':' || scc.iso(new.departure_at));
    end if;
    return null;
end
$$;
comment on function scc.events_queue_guest_reminders() is
    'trigger: queue the guest_reminders job (T-24 h) of an event scheduled or moved; a silent move adds none of its own';

-- PATCH /api/events/:id (the event's captain, admin) any of title, notes,
-- meetup_at, meetup_place, departure_at, return_at, time_zone, crew_min,
-- crew_max, guest_max, release_cutoff_hours, overdue_grace_minutes,
-- boat_id (draft only), silent → 200 the event page.  A change raises
-- sequence; a change of departure or return emails everyone with a live
-- place (event_changed) unless silent, and queues the jobs for the new
-- times.  Nothing changed → 200, sequence unchanged, no audit.
-- 400 invalid_id, empty_body, unknown_field, invalid_<field>; 403
-- insufficient_scope; 404 event_not_found, boat_not_found; 409
-- event_not_editable (closed, cancelled), departure_locked (underway or
-- later), boat_locked (not draft), boat_inactive; 422 as event_create.
-- Audited event.update with before, after and silent.  030: a silent
-- change sets scc.silent around its UPDATE (the reminder trigger reads it).
create or replace function scc_api.event_update(ctx jsonb)
returns scc_api.response
language plpgsql
security definer
set search_path = pg_catalog, scc
as $$
declare
    actor_role text := scc.require_role(ctx, 'crew');
    actor      uuid := (ctx -> 'actor' ->> 'id')::uuid;
    old        scc.events;
    e          scc.events;
    v_silent   boolean;
    b          scc.boats;
    times      boolean;
    notified   integer := 0;
begin
    old := scc.event_for(ctx, actor_role, true);
    if actor_role <> 'admin' and not scc.is_event_captain(old.id, actor) then
        perform scc.fail(403, 'insufficient_scope', 'only the event''s captain or an admin may edit it');
    end if;
    if coalesce(ctx -> 'body', '{}'::jsonb) = '{}'::jsonb then
        perform scc.fail(400, 'empty_body', 'nothing to change');
    end if;
    v_silent := coalesce(scc.body_bool(ctx, 'silent'), false);
    if old.state in ('closed', 'cancelled') then
        perform scc.fail(409, 'event_not_editable', 'a ' || old.state || ' event cannot be edited');
    end if;
    e := scc.event_apply(ctx, old, array['title', 'notes', 'meetup_at', 'meetup_place', 'departure_at',
                                         'return_at', 'time_zone', 'crew_min', 'crew_max', 'guest_max',
                                         'release_cutoff_hours', 'overdue_grace_minutes', 'boat_id', 'silent']);
    if e.boat_id <> old.boat_id then
        if old.state <> 'draft' then
            perform scc.fail(409, 'boat_locked', 'the boat of an event can change only while it is a draft');
        end if;
        select * into b from scc.boats as x where x.id = e.boat_id;
        if not b.active then
            perform scc.fail(409, 'boat_inactive', 'this boat is not in service');
        end if;
    end if;
    if e.departure_at <> old.departure_at then
        if old.state in ('underway', 'returned') then
            perform scc.fail(409, 'departure_locked', 'the boat has left: its departure cannot change');
        end if;
        if e.departure_at <= now() then
            perform scc.fail(422, 'departure_in_past', 'departure_at must be in the future');
        end if;
    end if;
    if e is not distinct from old then
        return (200, scc.event_page_json(old, actor, actor_role)::json)::scc_api.response;
    end if;
    -- a silent change says so to the triggers its UPDATE fires (the
    -- reminder's), for that statement only
    perform set_config('scc.silent', case when v_silent then 'on' else 'off' end, true);
    update scc.events as x
       set boat_id = e.boat_id, title = e.title, notes = e.notes, meetup_at = e.meetup_at,
           meetup_place = e.meetup_place, departure_at = e.departure_at, return_at = e.return_at,
           time_zone = e.time_zone, crew_min = e.crew_min, crew_max = e.crew_max,
           guest_max = e.guest_max, release_cutoff = e.release_cutoff, overdue_grace = e.overdue_grace,
           sequence = x.sequence + 1, updated_at = now()
     where x.id = old.id
    returning * into e;
    perform set_config('scc.silent', 'off', true);
    times := e.departure_at <> old.departure_at or e.return_at <> old.return_at
             or e.overdue_grace <> old.overdue_grace;
    if times then
        perform scc.event_queue_jobs(e);
    end if;
    if (e.departure_at <> old.departure_at or e.return_at <> old.return_at) and not v_silent then
        notified := scc.event_notify(e, 'event_changed',
                        scc.event_mail_data(e) || jsonb_build_object(
                            'old_departure_local', scc.local_text(old.departure_at, e.time_zone),
                            'old_return_local', scc.local_text(old.return_at, e.time_zone)),
                        actor);
    end if;
    perform scc.audit(ctx, 'event.update', 'event', e.id::text, scc.event_json(old),
                      scc.event_json(e) || jsonb_build_object('silent', v_silent, 'notified', notified));
    return (200, scc.event_page_json(e, actor, actor_role)::json)::scc_api.response;
end
$$;
comment on function scc_api.event_update(jsonb) is
    'PATCH /api/events/:id: the event''s captain or an admin edits it; sequence + 1; time changes notify unless silent; audited';
