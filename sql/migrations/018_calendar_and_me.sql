-- 018_calendar_and_me.sql — each person's calendar feed (RFC 5545) and
-- their own settings.
--
-- The feed: a secret URL per person, /api/calendar/<token>, the token 128
-- random bits shown once (at creation) and stored as its SHA-256 in
-- scc.calendar_feeds (014); a reset replaces it, so the old URL stops
-- working.  The feed is text/calendar, written here by scc.ical_line()
-- (escaping, 75-octet folding with CRLF) and sent by the module as it is
-- (route flag NGX_HTTP_SCC_FILE, the type scc_api.file_response).
--
-- Which events a feed holds, and why (calendar apps re-read a subscribed
-- feed and replace what they had with it, METHOD:PUBLISH):
--   * every event from 90 days ago to a year ahead (departure), at most
--     1000 (the nearest to now), on which the person holds a live place: claimed, designated,
--     confirmed → STATUS:CONFIRMED; waitlisted → STATUS:TENTATIVE; a draft
--     event is TENTATIVE too (not announced yet);
--   * a cancelled event they held a place on when it was cancelled (still
--     live, or ended at or after the cancellation) → STATUS:CANCELLED with
--     "Cancelled: " before the summary: Apple Calendar and Thunderbird show
--     the status, Google Calendar ignores STATUS in subscriptions and
--     keeps showing the event, so the summary says it for them;
--   * a place the person released or lost (removed) while the event goes
--     on: the event is DROPPED from the feed, not sent as CANCELLED.  Every
--     common app deletes an event that disappears from a subscribed feed,
--     while a CANCELLED one stays on the calendar in Google's (see above),
--     which would tell the person they still sail.
-- SEQUENCE is the event's own (scc.events.sequence, raised by the event
-- routes on every change a calendar should see); LAST-MODIFIED is the
-- later of the event's update and the person's place's last change.

-- ---------------------------------------------------------------------------
-- The iCalendar writer

-- A TEXT value (RFC 5545 3.3.11): backslash, semicolon and comma escaped,
-- a line break (CRLF, LF or a lone CR) written \n; other control
-- characters (C0 but TAB, and DEL) are not allowed in a TEXT value and are
-- dropped.
create function scc.ical_text(value text)
returns text
language sql
immutable
strict
as $$
    -- one regular expression (compiled once per backend) for the controls,
    -- then plain replaces: the feed calls this three times an event, and
    -- translate() with a long set of characters costs ten times as much
    select replace(replace(replace(replace(replace(replace(
               regexp_replace(value, '[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]', '', 'g'),
               E'\r\n', E'\n'), E'\r', E'\n'),
               '\', '\\'), ';', '\;'), ',', '\,'), E'\n', '\n')
$$;
comment on function scc.ical_text(text) is
    'an iCalendar TEXT value: \\ \; \, escaped, line breaks as \n, other control characters dropped';

-- One content line, "NAME:value" (the value already escaped: see
-- scc.ical_text), folded to lines of at most 75 octets with CRLF and one
-- space (RFC 5545 3.1), never inside a UTF-8 sequence, and ended by CRLF.
-- PL/pgSQL: a short line returns at the first test, and a call costs less
-- than an SQL function's that cannot be inlined (one that reads its
-- argument twice, as a length test and a fold would).
create function scc.ical_fold(line text)
returns text
language plpgsql
immutable
strict
as $$
declare
    b    bytea;
    n    int;
    pos  int := 0;         -- 0-based offset of the next octet to write
    lim  int := 75;        -- the first line; the others start with a space
    stop int;
    done text := '';
begin
    if octet_length(line) <= 75 then
        return line || E'\r\n';
    end if;
    b := convert_to(line, 'UTF8');
    n := length(b);
    while n - pos > lim loop
        stop := pos + lim;
        -- back off while the octet at stop continues a sequence (10xxxxxx)
        while (get_byte(b, stop) & 192) = 128 loop
            stop := stop - 1;
        end loop;
        done := done || convert_from(substring(b from pos + 1 for stop - pos), 'UTF8') || E'\r\n ';
        pos := stop;
        lim := 74;
    end loop;
    return done || convert_from(substring(b from pos + 1), 'UTF8') || E'\r\n';
end
$$;
comment on function scc.ical_fold(text) is
    'an iCalendar content line folded at 75 octets (CRLF + space), never inside a UTF-8 sequence, ended by CRLF';

-- Reads each argument once, so that it is inlined into its caller.
create function scc.ical_line(name text, value text)
returns text
language sql
immutable
strict
as $$
    select scc.ical_fold(name || ':' || value)
$$;
comment on function scc.ical_line(text, text) is
    'one iCalendar content line NAME:value (value escaped already), folded, CRLF-ended';

-- A DATE-TIME in UTC, the form "19980119T070000Z" (RFC 5545 3.3.5).
create function scc.ical_utc(t timestamptz)
returns text
language sql
stable
strict
as $$
    select to_char(t at time zone 'UTC', 'YYYYMMDD"T"HH24MISS"Z"')
$$;
comment on function scc.ical_utc(timestamptz) is 'a UTC iCalendar DATE-TIME, 19980119T070000Z';

-- ---------------------------------------------------------------------------
-- Bodies

-- ---------------------------------------------------------------------------
-- The feed's routes

-- GET /api/me/calendar (guest+): whether the caller has a feed.  The URL
-- cannot be shown again: only its hash is kept.
-- 200 {"exists": bool, "created_at": iso|null}.  401/403 from require_role.
create function scc_api.me_calendar_get(ctx jsonb)
returns scc_api.response
language plpgsql
stable
security definer
set search_path = pg_catalog, scc
as $$
declare
    created timestamptz;
begin
    perform scc.require_role(ctx, 'guest');
    select f.created_at into created
      from scc.calendar_feeds as f
     where f.user_id = (ctx -> 'actor' ->> 'id')::uuid;
    return (200, json_build_object('exists', created is not null,
                                   'created_at', scc.iso(created)))::scc_api.response;
end
$$;
comment on function scc_api.me_calendar_get(jsonb) is
    'GET /api/me/calendar: whether the caller has a calendar feed, and since when; 200 {exists, created_at}';
revoke all on function scc_api.me_calendar_get(jsonb) from public;
grant execute on function scc_api.me_calendar_get(jsonb) to scc_web;

-- POST /api/me/calendar/reset (guest+), no body or {}: a new feed token
-- (128 bits), its SHA-256 stored in place of the old one, whose URL stops
-- working at once.  Audited (calendar.reset; the token never is).
-- 201 {"path": "/api/calendar/<token>", "created_at"}: the only time the
-- token is shown.  400 unknown_field.
create function scc_api.me_calendar_reset(ctx jsonb)
returns scc_api.response
language plpgsql
security definer
set search_path = pg_catalog, scc
as $$
declare
    uid     uuid;
    token   text := scc.random_token(16);
    before  timestamptz;
    created timestamptz;
begin
    perform scc.require_role(ctx, 'guest');
    perform scc.refuse_unknown_fields(ctx -> 'body', '{}');
    uid := (ctx -> 'actor' ->> 'id')::uuid;
    select f.created_at into before from scc.calendar_feeds as f where f.user_id = uid for update;
    insert into scc.calendar_feeds as f (user_id, token_hash, created_at)
    values (uid, scc.token_hash(token), clock_timestamp())
    on conflict (user_id) do update set token_hash = excluded.token_hash,
                                        created_at = excluded.created_at
    returning f.created_at into created;
    perform scc.audit(ctx, 'calendar.reset', 'user', uid::text,
                      case when before is null then null
                           else jsonb_build_object('created_at', scc.iso(before)) end,
                      jsonb_build_object('created_at', scc.iso(created)));
    return (201, json_build_object('path', '/api/calendar/' || token,
                                   'created_at', scc.iso(created)))::scc_api.response;
end
$$;
comment on function scc_api.me_calendar_reset(jsonb) is
    'POST /api/me/calendar/reset: a new secret calendar feed URL (the old one stops working); audited; 201 {path, created_at}';
revoke all on function scc_api.me_calendar_reset(jsonb) from public;
grant execute on function scc_api.me_calendar_reset(jsonb) to scc_web;

-- The VEVENTs of one person's feed, in departure order (see the head of
-- this file for which events and why).  One text per event, lines CRLF.
create function scc.calendar_vevents(p_user_id uuid, stamp timestamptz)
returns setof text
language sql
stable
as $$
    with latest as (
        select distinct on (r.event_id) r.event_id, r.role, r.state, r.since
          from scc.event_roles as r
         where r.user_id = p_user_id
         order by r.event_id, r.id desc
    ),
    chosen as (
        select e.*, l.role as place_role, l.state as place_state, l.since as place_since,
               b.name as boat_name, b.port_name, b.port_lat, b.port_lon
          from latest as l
          join scc.events as e on e.id = l.event_id
          join scc.boats as b on b.id = e.boat_id
         where e.departure_at >= stamp - interval '90 days'
           and e.departure_at < stamp + interval '1 year'
           and (l.state in ('claimed', 'designated', 'confirmed', 'waitlisted')
                or (e.state = 'cancelled' and l.since >= e.state_changed_at))
         -- past the cap, the events nearest to now stay: the next sails
         -- matter more than the oldest
         order by abs(extract(epoch from e.departure_at - stamp)), e.id
         limit 1000
    )
    -- the lines that can never reach 75 octets are written as they are;
    -- only SUMMARY, LOCATION and DESCRIPTION (free text) go through the
    -- folding writer
    select E'BEGIN:VEVENT\r\nUID:' || c.id::text || E'@scc\r\nSEQUENCE:' || c.sequence::text
        || E'\r\nDTSTAMP:' || scc.ical_utc(stamp)
        || E'\r\nDTSTART:' || scc.ical_utc(c.departure_at)
        || E'\r\nDTEND:' || scc.ical_utc(c.return_at) || E'\r\n'
        || scc.ical_line('SUMMARY', scc.ical_text(
               case when c.state = 'cancelled' then 'Cancelled: ' else '' end || c.title))
        || scc.ical_line('LOCATION', scc.ical_text(c.boat_name || ', ' || c.port_name))
        || 'GEO:' || round(c.port_lat::numeric, 6)::text || ';' || round(c.port_lon::numeric, 6)::text
        || E'\r\n'
        || scc.ical_line('DESCRIPTION', scc.ical_text(concat_ws(E'\n',
               'Boat: ' || c.boat_name || ' (' || c.port_name || ')',
               'Meet-up: ' || nullif(concat_ws(' at ',
                   to_char(c.meetup_at at time zone c.time_zone, 'YYYY-MM-DD HH24:MI'),
                   nullif(c.meetup_place, '')), ''),
               'Your place: ' || c.place_role || ' (' || c.place_state || ')',
               'Event: ' || c.state
                   || case when c.state = 'cancelled' then ' (' || c.cancel_reason || ')' else '' end,
               'Times: ' || to_char(c.departure_at at time zone c.time_zone, 'YYYY-MM-DD HH24:MI')
                   || ' to ' || to_char(c.return_at at time zone c.time_zone, 'YYYY-MM-DD HH24:MI')
                   || ' ' || c.time_zone,
               nullif(c.notes, ''))))
        || 'LAST-MODIFIED:' || scc.ical_utc(greatest(c.updated_at, c.place_since))
        || E'\r\nSTATUS:' || case when c.state = 'cancelled' then 'CANCELLED'
                                   when c.state = 'draft' or c.place_state = 'waitlisted' then 'TENTATIVE'
                                   else 'CONFIRMED' end
        || E'\r\nEND:VEVENT\r\n'
      from chosen as c
     order by c.departure_at, c.id
$$;
comment on function scc.calendar_vevents(uuid, timestamptz) is
    'the VEVENTs of a person''s calendar feed: live places and cancelled events, 90 days back to a year ahead, at most 1000 (the nearest to now)';

-- GET /api/calendar/:token (public: whoever holds the token): the holder's
-- events as RFC 5545 text/calendar (UTC times, CRLF, folded at 75 octets).
-- An unknown, malformed or reset token, or a disabled holder: 404
-- feed_not_found, the same answer after the same work (the hash is always
-- computed and looked up).
-- 200 file_response (text/calendar; charset=utf-8, scc.ics).
create function scc_api.calendar_feed(ctx jsonb)
returns scc_api.file_response
language plpgsql
stable
security definer
set search_path = pg_catalog, scc
as $$
declare
    token text := coalesce(ctx -> 'params' ->> 'token', '');
    hash  bytea := scc.token_hash(token);
    u     scc.users;
    stamp timestamptz := now();
    body  text;
begin
    select x.* into u
      from scc.calendar_feeds as f
      join scc.users as x on x.id = f.user_id
     where f.token_hash = hash;
    if u.id is null or u.disabled_at is not null or token !~ '^[A-Za-z0-9_-]{22}$' then
        perform scc.fail(404, 'feed_not_found', 'no calendar feed at this address');
    end if;
    body := scc.ical_line('BEGIN', 'VCALENDAR')
         || scc.ical_line('VERSION', '2.0')
         || scc.ical_line('PRODID', '-//Ship Captain Crew//SCC//EN')
         || scc.ical_line('CALSCALE', 'GREGORIAN')
         || scc.ical_line('METHOD', 'PUBLISH')
         || scc.ical_line('X-WR-CALNAME', scc.ical_text('SCC: ' || coalesce(nullif(u.name, ''), u.email)))
         || scc.ical_line('REFRESH-INTERVAL;VALUE=DURATION', 'PT1H')
         || scc.ical_line('X-PUBLISHED-TTL', 'PT1H')
         || coalesce((select string_agg(v, '') from scc.calendar_vevents(u.id, stamp) as v), '')
         || scc.ical_line('END', 'VCALENDAR');
    return (200, body, 'text/calendar; charset=utf-8', 'scc.ics')::scc_api.file_response;
end
$$;
comment on function scc_api.calendar_feed(jsonb) is
    'GET /api/calendar/:token: the token holder''s events as RFC 5545 text/calendar; 404 feed_not_found';
revoke all on function scc_api.calendar_feed(jsonb) from public;
grant execute on function scc_api.calendar_feed(jsonb) to scc_web;

-- ---------------------------------------------------------------------------
-- Your own settings

-- The caller's own user: scc.user_json and notify_email.
create function scc.me_json(u scc.users)
returns jsonb
language sql
stable
as $$
    select scc.user_json(u)::jsonb || jsonb_build_object('notify_email', u.notify_email)
$$;
comment on function scc.me_json(scc.users) is 'the caller''s own user: scc.user_json and notify_email';

-- GET /api/me/profile (guest+): the caller's own user in full (GET /api/me
-- is answered by the module from the token alone).
-- 200 {id, email, name, phone, role, disabled_at, created_at, notify_email}.
create function scc_api.me_get(ctx jsonb)
returns scc_api.response
language plpgsql
stable
security definer
set search_path = pg_catalog, scc
as $$
declare
    u scc.users;
begin
    perform scc.require_role(ctx, 'guest');
    select x.* into u from scc.users as x where x.id = (ctx -> 'actor' ->> 'id')::uuid;
    return (200, scc.me_json(u)::json)::scc_api.response;
end
$$;
comment on function scc_api.me_get(jsonb) is
    'GET /api/me/profile: the caller''s own user with notify_email; 200 the user';
revoke all on function scc_api.me_get(jsonb) from public;
grant execute on function scc_api.me_get(jsonb) to scc_web;

-- PATCH /api/me {name?, phone?, notify_email?} (guest+): the caller's own
-- settings.  name: a string, trimmed, 1..200 characters; phone: a string
-- of at most 40 characters shaped like a phone number (an optional +,
-- then digits with spaces, dots, dashes or parentheses, 3 to 20 digits),
-- or null or "" to remove it; notify_email: a boolean (notification emails
-- on or off; sign-in links always go).  Audited (user.settings) when
-- something changed.  200 the user (as GET /api/me/profile).
-- 400 unknown_field, invalid_name, invalid_phone, invalid_notify_email.
create function scc_api.me_update(ctx jsonb)
returns scc_api.response
language plpgsql
security definer
set search_path = pg_catalog, scc
as $$
declare
    body   jsonb := ctx -> 'body';
    old    scc.users;
    u      scc.users;
    name_v text;
    phone_v text;
    notify boolean;
begin
    perform scc.require_role(ctx, 'guest');
    perform scc.refuse_unknown_fields(ctx -> 'body', '{name,phone,notify_email}');
    select x.* into old from scc.users as x where x.id = (ctx -> 'actor' ->> 'id')::uuid for update;

    name_v := old.name;
    if body ? 'name' then
        if jsonb_typeof(body -> 'name') <> 'string' then
            perform scc.fail(400, 'invalid_name', 'name must be a string');
        end if;
        name_v := btrim(body ->> 'name', E' \t\r\n');
        if length(name_v) not between 1 and 200 then
            perform scc.fail(400, 'invalid_name', 'name must be 1 to 200 characters');
        end if;
        if name_v ~ '[\x01-\x1f\x7f]' then
            perform scc.fail(400, 'invalid_name', 'name may not contain control characters');
        end if;
    end if;

    phone_v := old.phone;
    if body ? 'phone' then
        if jsonb_typeof(body -> 'phone') = 'null' then
            phone_v := null;
        elsif jsonb_typeof(body -> 'phone') <> 'string' then
            perform scc.fail(400, 'invalid_phone', 'phone must be a string or null');
        else
            phone_v := nullif(btrim(body ->> 'phone'), '');
            if length(phone_v) > 40 then
                perform scc.fail(400, 'invalid_phone', 'phone is at most 40 characters');
            end if;
            if phone_v !~ '^\+?[0-9 ().-]+$'
               or length(regexp_replace(phone_v, '[^0-9]', '', 'g')) not between 3 and 20 then
                perform scc.fail(400, 'invalid_phone',
                                 'phone must look like a phone number: digits, an optional leading +, spaces, dots, dashes, parentheses');
            end if;
        end if;
    end if;

    notify := old.notify_email;
    if body ? 'notify_email' then
        if jsonb_typeof(body -> 'notify_email') <> 'boolean' then
            perform scc.fail(400, 'invalid_notify_email', 'notify_email must be true or false');
        end if;
        notify := (body -> 'notify_email')::boolean;
    end if;

    if (name_v, phone_v, notify) is not distinct from (old.name, old.phone, old.notify_email) then
        return (200, scc.me_json(old)::json)::scc_api.response;
    end if;

    update scc.users as x
       set name = name_v, phone = phone_v, notify_email = notify, updated_at = now()
     where x.id = old.id
    returning x.* into u;
    perform scc.audit(ctx, 'user.settings', 'user', u.id::text,
                      jsonb_build_object('name', old.name, 'phone', old.phone, 'notify_email', old.notify_email),
                      jsonb_build_object('name', u.name, 'phone', u.phone, 'notify_email', u.notify_email));
    return (200, scc.me_json(u)::json)::scc_api.response;
end
$$;
comment on function scc_api.me_update(jsonb) is
    'PATCH /api/me: the caller changes their own name, phone, notify_email; audited; 200 the user';
revoke all on function scc_api.me_update(jsonb) from public;
grant execute on function scc_api.me_update(jsonb) to scc_web;
