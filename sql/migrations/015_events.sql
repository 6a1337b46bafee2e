-- 015_events.sql — boats and events: their routes, the event page in one
-- call, the lifecycle and its guards, copying, the sun times of an event's
-- day at its boat's home port, and the overdue alert.
--
-- Decisions (sql/README.md "Boats and events" says them for readers):
-- - A captain who creates an event is NOT its captain: the captain's place
--   is claimed or designated like any other (the roster's routes, 016), so that an
--   office admin or a senior captain can plan a sail for someone else.
-- - "The event's captain" is whoever holds a live captain place on it
--   (claimed, designated or confirmed).  The underway guard needs that
--   place to be 'confirmed'.
-- - Crew+ may read any event that has left draft (they can claim on it);
--   a guest reads only an event where they hold a live place; a draft is
--   seen by captains, admins and whoever holds a place on it.  An event the
--   caller may not read answers 404, as if it did not exist.
-- - The overdue alert is a safety alert: it goes to the event's captain and
--   every enabled admin even when they turned notification emails off.
-- - Refusals of a transition are RETURNED (409 not_ready with the list of
--   what is missing), not raised; every other refusal is raised (scc.fail).

-- ---------------------------------------------------------------------------
-- Input helpers for JSON bodies (the module guarantees ctx.body is an object)
-- ---------------------------------------------------------------------------

-- The one check for fields a request may not send: refuses the first key
-- of obj (in name order) that is not in allowed, 400 unknown_field, the
-- message naming it with path before it ('items[2].') and what is allowed.
-- Every route with a body calls it on ctx -> 'body'; nested objects (a
-- template's items) with their path.
create function scc.refuse_unknown_fields(obj jsonb, allowed text[], path text default '')
returns void
language plpgsql
immutable
as $$
declare
    k text;
begin
    if jsonb_typeof(obj) is distinct from 'object' then
        return;
    end if;
    select x into k from jsonb_object_keys(obj) as x
     where x <> all (allowed) order by x limit 1;
    if k is not null then
        perform scc.fail(400, 'unknown_field',
                         format('unknown field %s%s (allowed: %s)', path, left(k, 64),
                                coalesce(nullif(array_to_string(allowed, ', '), ''), 'none')));
    end if;
end
$$;
comment on function scc.refuse_unknown_fields(jsonb, text[], text) is
    'SC400 unknown_field naming the first key of obj (after path) not in allowed';

-- A body field of one JSON type: absent or JSON null → null; another type
-- → SC400 invalid_<field> ("<field> must be <what>").  The typed helpers
-- below read through it.
create function scc.body_typed(ctx jsonb, field text, json_type text, what text)
returns jsonb
language plpgsql
immutable
as $$
declare
    v jsonb := ctx -> 'body' -> field;
begin
    if v is null or jsonb_typeof(v) = 'null' then
        return null;
    end if;
    if jsonb_typeof(v) <> json_type then
        perform scc.fail(400, 'invalid_' || field, field || ' must be ' || what);
    end if;
    return v;
end
$$;
comment on function scc.body_typed(jsonb, text, text, text) is
    'a body field of one JSON type, or null; SC400 invalid_<field> for another type';

-- A number field within lo..hi, or null; outside → SC422 <field>_out_of_range.
create function scc.body_number(ctx jsonb, field text, lo double precision, hi double precision)
returns double precision
language plpgsql
immutable
as $$
declare
    n double precision := (scc.body_typed(ctx, field, 'number', 'a number') #>> '{}')::double precision;
begin
    if n < lo or n > hi then
        perform scc.fail(422, field || '_out_of_range', format('%s must be between %s and %s', field, lo, hi));
    end if;
    return n;
end
$$;
comment on function scc.body_number(jsonb, text, double precision, double precision) is
    'a number body field within lo..hi, or null; SC400 invalid_<field> / SC422 <field>_out_of_range';

-- A whole number field within lo..hi, or null; a fraction → SC400 invalid_<field>.
create function scc.body_int(ctx jsonb, field text, lo integer, hi integer)
returns integer
language plpgsql
immutable
as $$
declare
    n double precision := scc.body_number(ctx, field, lo, hi);
begin
    if n <> trunc(n) then
        perform scc.fail(400, 'invalid_' || field, field || ' must be a whole number');
    end if;
    return n::integer;
end
$$;
comment on function scc.body_int(jsonb, text, integer, integer) is
    'a whole-number body field within lo..hi, or null; SC400 invalid_<field> / SC422 <field>_out_of_range';

-- A boolean field, or null; anything but true/false → SC400 invalid_<field>.
create function scc.body_bool(ctx jsonb, field text)
returns boolean
language sql
immutable
as $$
    select (scc.body_typed(ctx, field, 'boolean', 'true or false') #>> '{}')::boolean
$$;
comment on function scc.body_bool(jsonb, text) is 'a boolean body field or null; SC400 invalid_<field>';

-- An instant given as ISO 8601 text WITH its offset ("2026-07-04T18:30:00Z",
-- "...-07:00"): a time without an offset is ambiguous and refused.  Years
-- 2000-2199.  Anything else → SC400 with the caller's code.
create function scc.parse_instant(value text, code text, what text)
returns timestamptz
language plpgsql
stable
as $$
declare
    t timestamptz;
begin
    if value ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?(Z|z|[+-][0-9]{2}(:?[0-9]{2})?)$' then
        begin
            t := value::timestamptz;
        exception when invalid_datetime_format or datetime_field_overflow then
            t := null;
        end;
        if t is not null and t >= timestamptz '2000-01-01 00:00Z' and t < timestamptz '2200-01-01 00:00Z' then
            return t;
        end if;
    end if;
    perform scc.fail(400, code, what || ' must be an ISO 8601 date-time with its offset, e.g. 2026-07-04T18:30:00Z');
end
$$;
comment on function scc.parse_instant(text, text, text) is
    'ISO 8601 date-time with an offset (years 2000-2199) as timestamptz, else SC400 with the caller''s code';

-- An IANA zone name known to this server (pg_timezone_names), else SC400.
create function scc.check_time_zone(value text, code text)
returns text
language plpgsql
stable
as $$
begin
    if value is null or length(value) not between 1 and 64
       or not exists (select 1 from pg_catalog.pg_timezone_names as z where z.name = value) then
        perform scc.fail(400, code, 'time_zone must be an IANA time zone name, e.g. America/Los_Angeles');
    end if;
    return value;
end
$$;
comment on function scc.check_time_zone(text, text) is 'an IANA zone from pg_timezone_names, else SC400 with the code';

-- A local wall-clock time for emails: "Sat 4 Jul 2026 11:30".
create function scc.local_text(t timestamptz, tz text)
returns text
language sql
stable
as $$
    select to_char(t at time zone tz, 'Dy FMDD Mon YYYY HH24:MI')
$$;
comment on function scc.local_text(timestamptz, text) is 'an instant as local wall-clock text in a zone, for emails';

-- ---------------------------------------------------------------------------
-- The sun: NOAA's solar position algorithm ("General Solar Position
-- Calculations", the NOAA Solar Calculator spreadsheet), in degrees.
-- ---------------------------------------------------------------------------

-- The sun's declination (degrees) and the equation of time (minutes) at a
-- Julian day (UT).
create function scc.sun_position(jd double precision, out declination double precision,
                                 out eq_time double precision)
returns record
language plpgsql
immutable
as $$
declare
    jc    double precision := (jd - 2451545.0) / 36525.0;
    l0    double precision := mod((280.46646 + jc * (36000.76983 + jc * 0.0003032))::numeric, 360)::double precision;
    m     double precision := 357.52911 + jc * (35999.05029 - 0.0001537 * jc);
    ecc   double precision := 0.016708634 - jc * (0.000042037 + 0.0000001267 * jc);
    ctr   double precision;
    app   double precision;
    obl   double precision;
    y     double precision;
begin
    ctr := sin(radians(m)) * (1.914602 - jc * (0.004817 + 0.000014 * jc))
         + sin(radians(2 * m)) * (0.019993 - 0.000101 * jc)
         + sin(radians(3 * m)) * 0.000289;
    app := l0 + ctr - 0.00569 - 0.00478 * sin(radians(125.04 - 1934.136 * jc));
    obl := 23 + (26 + (21.448 - jc * (46.815 + jc * (0.00059 - jc * 0.001813))) / 60) / 60
         + 0.00256 * cos(radians(125.04 - 1934.136 * jc));
    declination := degrees(asin(sin(radians(obl)) * sin(radians(app))));
    y := tan(radians(obl / 2)) ^ 2;
    eq_time := 4 * degrees(y * sin(2 * radians(l0))
                           - 2 * ecc * sin(radians(m))
                           + 4 * ecc * y * sin(radians(m)) * cos(2 * radians(l0))
                           - 0.5 * y * y * sin(4 * radians(l0))
                           - 1.25 * ecc * ecc * sin(2 * radians(m)));
end
$$;
comment on function scc.sun_position(double precision) is
    'NOAA: the sun''s declination (degrees) and the equation of time (minutes) at a Julian day';

-- The instant the sun's centre crosses 90° + depression from the zenith,
-- rising or setting, on a local date at (lat, lon; east positive): solar
-- noon ± the hour angle, the sun's position taken again at the instant
-- found (three passes converge well within a second).  null when the sun
-- does not reach that altitude that day.  The result is on local_date in
-- tz; when the zone sits far from the longitude the UT day is moved once.
create function scc.sun_event(lat double precision, lon double precision, local_date date, tz text,
                              depression double precision, rising boolean)
returns timestamptz
language plpgsql
stable
as $$
declare
    base  timestamptz := local_date::timestamp at time zone 'UTC';
    t     double precision;
    p     record;
    cosha double precision;
    r     timestamptz;
    d     date;
begin
    for attempt in 1..2 loop
        t := 720 - 4 * lon;
        for i in 1..3 loop
            p := scc.sun_position(2440587.5 + extract(epoch from base) / 86400 + t / 1440);
            cosha := cos(radians(90 + depression)) / (cos(radians(lat)) * cos(radians(p.declination)))
                     - tan(radians(lat)) * tan(radians(p.declination));
            if cosha > 1 or cosha < -1 then
                return null;
            end if;
            t := 720 - 4 * lon - p.eq_time
                 + case when rising then -4 else 4 end * degrees(acos(cosha));
        end loop;
        r := base + make_interval(secs => t * 60);
        d := (r at time zone tz)::date;
        exit when d = local_date;
        base := base + (local_date - d) * interval '1 day';
    end loop;
    return r;
end
$$;
comment on function scc.sun_event(double precision, double precision, date, text, double precision, boolean) is
    'NOAA: when the sun rises/sets through 90°+depression from the zenith on a local date; null if it does not';

-- Sunrise and sunset (refraction and the sun's radius: 0.833°), civil dusk
-- (6°) and nautical dusk (12° below the horizon) on a local date at a
-- place; each null when the sun does not get there that day.
create function scc.sun_times(lat double precision, lon double precision, local_date date, tz text,
                              out sunrise timestamptz, out sunset timestamptz,
                              out civil_dusk timestamptz, out nautical_dusk timestamptz)
returns record
language sql
stable
as $$
    select scc.sun_event(lat, lon, local_date, tz, 0.833, true),
           scc.sun_event(lat, lon, local_date, tz, 0.833, false),
           scc.sun_event(lat, lon, local_date, tz, 6, false),
           scc.sun_event(lat, lon, local_date, tz, 12, false)
$$;
comment on function scc.sun_times(double precision, double precision, date, text) is
    'sunrise, sunset, civil and nautical dusk on a local date at a place (NOAA); null where the sun does not reach them';

-- ---------------------------------------------------------------------------
-- Boats
-- ---------------------------------------------------------------------------

create function scc.boat_json(b scc.boats)
returns jsonb
language sql
stable
as $$
    select jsonb_build_object('id', b.id, 'name', b.name, 'port_name', b.port_name,
                              'port_lat', b.port_lat, 'port_lon', b.port_lon,
                              'time_zone', b.time_zone, 'guest_capacity', b.guest_capacity,
                              'crew_min', b.crew_min, 'crew_max', b.crew_max, 'active', b.active,
                              'created_at', scc.iso(b.created_at), 'updated_at', scc.iso(b.updated_at))
$$;
comment on function scc.boat_json(scc.boats) is 'a boat as the API shows it';

-- Overlays the body's boat fields on b, each checked; then the rules across
-- fields.  Shared by boat_create and boat_update.
create function scc.boat_apply(ctx jsonb, b scc.boats)
returns scc.boats
language plpgsql
stable
as $$
declare
    body jsonb := ctx -> 'body';
    s    text;
begin
    perform scc.refuse_unknown_fields(ctx -> 'body', array['name', 'port_name', 'port_lat', 'port_lon', 'time_zone',
                                     'guest_capacity', 'crew_min', 'crew_max', 'active']);
    if body ? 'name' then
        s := btrim(scc.body_text(ctx, 'name', 'invalid_name'));
        if s is null or s = '' then
            perform scc.fail(400, 'name_required', 'a boat needs a name');
        end if;
        if length(s) > 100 then
            perform scc.fail(422, 'name_too_long', 'a boat''s name is at most 100 characters');
        end if;
        b.name := s;
    end if;
    if body ? 'port_name' then
        s := btrim(scc.body_text(ctx, 'port_name', 'invalid_port_name'));
        if s is null or s = '' then
            perform scc.fail(400, 'port_name_required', 'a boat needs a home port');
        end if;
        if length(s) > 100 then
            perform scc.fail(422, 'port_name_too_long', 'a port''s name is at most 100 characters');
        end if;
        b.port_name := s;
    end if;
    if body ? 'port_lat' then
        b.port_lat := coalesce(scc.body_number(ctx, 'port_lat', -90, 90),
                               scc.fail_null(400, 'port_lat_required', 'port_lat is required')::double precision);
    end if;
    if body ? 'port_lon' then
        b.port_lon := coalesce(scc.body_number(ctx, 'port_lon', -180, 180),
                               scc.fail_null(400, 'port_lon_required', 'port_lon is required')::double precision);
    end if;
    if body ? 'time_zone' then
        b.time_zone := scc.check_time_zone(scc.body_text(ctx, 'time_zone', 'invalid_time_zone'),
                                           'invalid_time_zone');
    end if;
    if body ? 'guest_capacity' then
        b.guest_capacity := coalesce(scc.body_int(ctx, 'guest_capacity', 0, 500),
                                     scc.fail_null(400, 'guest_capacity_required', 'guest_capacity is required')::integer);
    end if;
    if body ? 'crew_min' then
        b.crew_min := coalesce(scc.body_int(ctx, 'crew_min', 0, 50),
                               scc.fail_null(400, 'crew_min_required', 'crew_min is required')::integer);
    end if;
    if body ? 'crew_max' then
        b.crew_max := coalesce(scc.body_int(ctx, 'crew_max', 0, 50),
                               scc.fail_null(400, 'crew_max_required', 'crew_max is required')::integer);
    end if;
    if body ? 'active' then
        b.active := coalesce(scc.body_bool(ctx, 'active'),
                             scc.fail_null(400, 'invalid_active', 'active must be true or false')::boolean);
    end if;
    if b.name is null then
        perform scc.fail(400, 'name_required', 'a boat needs a name');
    end if;
    if b.port_name is null then
        perform scc.fail(400, 'port_name_required', 'a boat needs a home port');
    end if;
    if b.port_lat is null then
        perform scc.fail(400, 'port_lat_required', 'port_lat is required');
    end if;
    if b.port_lon is null then
        perform scc.fail(400, 'port_lon_required', 'port_lon is required');
    end if;
    if b.time_zone is null then
        perform scc.fail(400, 'time_zone_required', 'time_zone is required');
    end if;
    if b.guest_capacity is null then
        perform scc.fail(400, 'guest_capacity_required', 'guest_capacity is required');
    end if;
    if b.crew_min > b.crew_max then
        perform scc.fail(422, 'crew_min_above_max', 'crew_min must not be above crew_max');
    end if;
    if exists (select 1 from scc.boats as x where lower(x.name) = lower(b.name) and x.id <> b.id) then
        perform scc.fail(409, 'boat_name_taken', 'another boat has this name');
    end if;
    return b;
end
$$;
comment on function scc.boat_apply(jsonb, scc.boats) is
    'the body''s boat fields checked and laid over a boat row (create and update share it)';

-- Raises like scc.fail but has a value, for coalesce(field, fail).
create function scc.fail_null(status integer, code text, message text)
returns text
language plpgsql
as $$
begin
    perform scc.fail(status, code, message);
    return null;
end
$$;
comment on function scc.fail_null(integer, text, text) is 'scc.fail usable where a value is expected (coalesce)';

-- GET /api/boats (crew+; ?all=1: admins include inactive boats)
-- → 200 {"items": [boat...]} by name.
-- 400 invalid_all; 403 insufficient_scope (all=1 from a non-admin).
create function scc_api.boats_list(ctx jsonb)
returns scc_api.response
language plpgsql
stable
security definer
set search_path = pg_catalog, scc
as $$
declare
    actor_role text := scc.require_role(ctx, 'crew');
    all_t      text := ctx -> 'query' ->> 'all';
    everything boolean := false;
begin
    if all_t is not null and all_t <> '' then
        if all_t not in ('0', '1', 'true', 'false') then
            perform scc.fail(400, 'invalid_all', 'all must be 1 or 0');
        end if;
        everything := all_t in ('1', 'true');
        if everything and actor_role <> 'admin' then
            perform scc.fail(403, 'insufficient_scope', 'only admins list inactive boats');
        end if;
    end if;
    return (200, json_build_object('items', coalesce(
               (select jsonb_agg(scc.boat_json(b) order by lower(b.name), b.id)
                  from scc.boats as b where b.active or everything), '[]'::jsonb)))::scc_api.response;
end
$$;
comment on function scc_api.boats_list(jsonb) is
    'GET /api/boats: crew+ list active boats (admins ?all=1 with inactive); 200 {items}';

-- POST /api/boats (admin) {name, port_name, port_lat, port_lon, time_zone,
-- guest_capacity, crew_min?, crew_max?, active?} → 201 the boat.
-- 400 unknown_field, <field>_required, invalid_<field>, invalid_time_zone;
-- 422 <field>_out_of_range, name_too_long, crew_min_above_max;
-- 409 boat_name_taken.  Audited boat.create.
create function scc_api.boat_create(ctx jsonb)
returns scc_api.response
language plpgsql
security definer
set search_path = pg_catalog, scc
as $$
declare
    b scc.boats;
begin
    perform scc.require_role(ctx, 'admin');
    b.id := gen_random_uuid();
    b.crew_min := 1;
    b.crew_max := 2;
    b.active := true;
    b := scc.boat_apply(ctx, b);
    begin
        insert into scc.boats (id, name, port_name, port_lat, port_lon, time_zone, guest_capacity,
                               crew_min, crew_max, active)
        values (b.id, b.name, b.port_name, b.port_lat, b.port_lon, b.time_zone, b.guest_capacity,
                b.crew_min, b.crew_max, b.active)
        returning * into b;
    exception when unique_violation then
        perform scc.fail(409, 'boat_name_taken', 'another boat has this name');
    end;
    perform scc.audit(ctx, 'boat.create', 'boat', b.id::text, null, scc.boat_json(b));
    return (201, scc.boat_json(b)::json)::scc_api.response;
end
$$;
comment on function scc_api.boat_create(jsonb) is
    'POST /api/boats: admin adds a boat (checked fields, unique name); audited; 201 the boat';

-- PATCH /api/boats/:id (admin) any of the create fields (active: false
-- deactivates: no new events, hidden from the list) → 200 the boat.
-- 400 invalid_id, empty_body, the create errors; 404 boat_not_found;
-- 409 boat_name_taken.  Audited boat.update with before and after.
create function scc_api.boat_update(ctx jsonb)
returns scc_api.response
language plpgsql
security definer
set search_path = pg_catalog, scc
as $$
declare
    bid uuid;
    old scc.boats;
    b   scc.boats;
begin
    perform scc.require_role(ctx, 'admin');
    bid := scc.check_uuid(ctx -> 'params' ->> 'id', 'invalid_id', 'the boat id');
    if coalesce(ctx -> 'body', '{}'::jsonb) = '{}'::jsonb then
        perform scc.fail(400, 'empty_body', 'nothing to change');
    end if;
    select * into old from scc.boats as x where x.id = bid for update;
    if old.id is null then
        perform scc.fail(404, 'boat_not_found', 'no such boat');
    end if;
    b := scc.boat_apply(ctx, old);
    if b is not distinct from old then
        return (200, scc.boat_json(old)::json)::scc_api.response;
    end if;
    begin
        update scc.boats as x
           set name = b.name, port_name = b.port_name, port_lat = b.port_lat, port_lon = b.port_lon,
               time_zone = b.time_zone, guest_capacity = b.guest_capacity, crew_min = b.crew_min,
               crew_max = b.crew_max, active = b.active, updated_at = now()
         where x.id = bid
        returning * into b;
    exception when unique_violation then
        perform scc.fail(409, 'boat_name_taken', 'another boat has this name');
    end;
    perform scc.audit(ctx, 'boat.update', 'boat', b.id::text, scc.boat_json(old), scc.boat_json(b));
    return (200, scc.boat_json(b)::json)::scc_api.response;
end
$$;
comment on function scc_api.boat_update(jsonb) is
    'PATCH /api/boats/:id: admin edits or deactivates a boat; audited; 200 the boat';

-- ---------------------------------------------------------------------------
-- Events: who may do what
-- ---------------------------------------------------------------------------

-- Whether a user holds a live captain place (claimed, designated or
-- confirmed) on an event: "the event's captain".
create function scc.is_event_captain(event_id uuid, user_id uuid)
returns boolean
language sql
stable
as $$
    select exists (select 1 from scc.event_roles as r
                    where r.event_id = is_event_captain.event_id and r.user_id = is_event_captain.user_id
                      and r.role = 'captain' and r.state in ('claimed', 'designated', 'confirmed'))
$$;
comment on function scc.is_event_captain(uuid, uuid) is
    'true when the user holds a live (claimed, designated, confirmed) captain place on the event';

-- Whether a caller may read an event (see the decisions above).
create function scc.event_visible(e scc.events, actor_id uuid, actor_role text)
returns boolean
language sql
stable
as $$
    select actor_role in ('captain', 'admin')
        or (actor_role = 'crew' and e.state <> 'draft')
        or exists (select 1 from scc.event_roles as r
                    where r.event_id = e.id and r.user_id = actor_id
                      and r.state in ('claimed', 'designated', 'confirmed', 'waitlisted'))
$$;
comment on function scc.event_visible(scc.events, uuid, text) is
    'captain+ see every event, crew every event past draft, anyone an event where they hold a live place';

-- The event-level flags of the page's you.may (claim and release come from
-- scc.event_places_json).
create function scc.event_may_json(e scc.events, actor_id uuid, actor_role text)
returns jsonb
language sql
stable
as $$
    with w as (
        select actor_role = 'admin' as admin,
               scc.is_event_captain(e.id, actor_id) as captain,
               e.state not in ('closed', 'cancelled') as is_open,
               exists (select 1 from scc.event_roles as r
                        where r.event_id = e.id and r.user_id = actor_id and r.role = 'crew'
                          and r.state in ('claimed', 'designated', 'confirmed')) as crew
    )
    select jsonb_build_object(
        'edit', (w.admin or w.captain) and w.is_open,
        'transition', (w.admin or w.captain) and w.is_open,
        'copy', scc.role_rank(actor_role) >= scc.role_rank('captain'),
        'designate', (w.admin or w.captain) and e.state in ('draft', 'scheduled', 'boarding'),
        'override', w.admin and w.is_open,
        'answer', (w.admin or w.captain or w.crew)
                  and e.state in ('scheduled', 'boarding', 'underway', 'returned'))
      from w
$$;
comment on function scc.event_may_json(scc.events, uuid, text) is
    'what the caller may do to the event: edit, transition, copy, designate, override, answer';

-- ---------------------------------------------------------------------------
-- Events: JSON
-- ---------------------------------------------------------------------------

create function scc.event_json(e scc.events)
returns jsonb
language sql
stable
as $$
    select jsonb_build_object(
        'id', e.id,
        'boat', (select jsonb_build_object('id', b.id, 'name', b.name, 'port_name', b.port_name,
                                           'port_lat', b.port_lat, 'port_lon', b.port_lon,
                                           'time_zone', b.time_zone)
                   from scc.boats as b where b.id = e.boat_id),
        'title', e.title, 'notes', e.notes,
        'meetup_at', scc.iso(e.meetup_at), 'meetup_place', e.meetup_place,
        'departure_at', scc.iso(e.departure_at), 'return_at', scc.iso(e.return_at),
        'actual_return_at', scc.iso(e.actual_return_at), 'time_zone', e.time_zone,
        'state', e.state, 'state_changed_at', scc.iso(e.state_changed_at),
        'cancel_reason', e.cancel_reason,
        'crew_min', e.crew_min, 'crew_max', e.crew_max, 'guest_max', e.guest_max,
        'release_cutoff_hours', round(extract(epoch from e.release_cutoff) / 3600)::int,
        'overdue_grace_minutes', round(extract(epoch from e.overdue_grace) / 60)::int,
        'release_cutoff_at', scc.iso(e.departure_at - e.release_cutoff),
        'overdue_at', scc.iso(e.return_at + e.overdue_grace),
        'sequence', e.sequence, 'copied_from', e.copied_from,
        'created_at', scc.iso(e.created_at), 'updated_at', scc.iso(e.updated_at))
$$;
comment on function scc.event_json(scc.events) is 'the event page''s "event": the row, its boat, cutoff and overdue instants';

-- The timing panel: the sun on the departure's local date at the boat's
-- home port, the duration, and whether the return falls after sunset or
-- civil dusk (of the return's local date), and whether the event is overdue
-- (still underway past return + grace).
create function scc.event_timing_json(e scc.events)
returns jsonb
language plpgsql
stable
as $$
declare
    b  scc.boats;
    d  date := (e.departure_at at time zone e.time_zone)::date;
    rd date := (e.return_at at time zone e.time_zone)::date;
    s  record;
    r  record;
begin
    select * into b from scc.boats as x where x.id = e.boat_id;
    s := scc.sun_times(b.port_lat, b.port_lon, d, e.time_zone);
    if rd = d then
        r := s;
    else
        r := scc.sun_times(b.port_lat, b.port_lon, rd, e.time_zone);
    end if;
    return jsonb_build_object(
        'date', d,
        'sunrise', scc.iso(s.sunrise), 'sunset', scc.iso(s.sunset),
        'civil_dusk', scc.iso(s.civil_dusk), 'nautical_dusk', scc.iso(s.nautical_dusk),
        'duration_minutes', round(extract(epoch from e.return_at - e.departure_at) / 60)::int,
        'return_after_sunset', e.return_at > r.sunset,
        'return_after_civil_dusk', e.return_at > r.civil_dusk,
        'overdue', e.state = 'underway' and now() > e.return_at + e.overdue_grace);
end
$$;
comment on function scc.event_timing_json(scc.events) is
    'the event page''s timing: sun times at the home port, duration, return after sunset/dusk, overdue';

-- What a move of the event to state `target` still needs, as a JSON array
-- of {code, message, ...}; [] when nothing is missing.  The guards:
-- scheduled: departure still ahead; boarding: from 2 h before departure;
-- underway: a confirmed captain, crew (claimed/designated/confirmed) ≥
-- crew_min, every required pre item answered; closed: every required post
-- item answered.  returned and cancelled have none.
create function scc.event_missing(e scc.events, target text)
returns jsonb
language sql
stable
as $$
    select coalesce(jsonb_agg(m.item order by m.n), '[]'::jsonb)
      from (
        select 1 as n, jsonb_build_object('code', 'departure_passed',
                                          'message', 'the departure time has passed: change it first') as item
         where target = 'scheduled' and e.departure_at <= now()
        union all
        select 2, jsonb_build_object('code', 'too_early',
                                     'message', 'boarding opens 2 hours before departure',
                                     'opens_at', scc.iso(e.departure_at - interval '2 hours'))
         where target = 'boarding' and now() < e.departure_at - interval '2 hours'
        union all
        select 3, jsonb_build_object('code', 'no_confirmed_captain',
                                     'message', 'the event needs a confirmed captain')
         where target = 'underway'
           and not exists (select 1 from scc.event_roles as r
                            where r.event_id = e.id and r.role = 'captain' and r.state = 'confirmed')
        union all
        select 4, jsonb_build_object('code', 'crew_below_min',
                                     'message', format('the event needs at least %s crew (has %s)', e.crew_min, c.n),
                                     'min', e.crew_min, 'filled', c.n)
          from (select count(*)::int as n from scc.event_roles as r
                 where r.event_id = e.id and r.role = 'crew'
                   and r.state in ('claimed', 'designated', 'confirmed')) as c
         where target = 'underway' and c.n < e.crew_min
        union all
        select 5 + i.position, jsonb_build_object('code', i.phase || '_item_unanswered',
                                                  'message', 'not answered: ' || i.label,
                                                  'item_id', i.id, 'label', i.label)
          from scc.event_checklist_items as i
         where i.event_id = e.id and i.required
           and ((target = 'underway' and i.phase = 'pre') or (target = 'closed' and i.phase = 'post'))
           and not exists (select 1 from scc.checklist_answers as a where a.item_id = i.id)
      ) as m
$$;
comment on function scc.event_missing(scc.events, text) is
    'what a transition to the target state still needs: [{code, message, ...}], [] when ready';

-- The states an event may move to from its state.
create function scc.event_next_states(state text)
returns text[]
language sql
immutable
as $$
    select case state
        when 'draft' then array['scheduled', 'cancelled']
        when 'scheduled' then array['boarding', 'cancelled']
        when 'boarding' then array['underway', 'cancelled']
        when 'underway' then array['returned']
        when 'returned' then array['closed']
        else array[]::text[] end
$$;
comment on function scc.event_next_states(text) is 'the lifecycle: the states reachable from a state';

create function scc.event_transitions_json(e scc.events)
returns jsonb
language sql
stable
as $$
    select coalesce(jsonb_agg(jsonb_build_object('to', t.s, 'allowed', m.missing = '[]'::jsonb,
                                                 'missing', m.missing) order by t.n), '[]'::jsonb)
      from unnest(scc.event_next_states(e.state)) with ordinality as t (s, n)
      cross join lateral (select scc.event_missing(e, t.s) as missing) as m
$$;
comment on function scc.event_transitions_json(scc.events) is
    'the event page''s transitions: each next state, whether its guards pass, and what is missing';

-- The event page (GET /api/events/:id) for one caller.
create function scc.event_page_json(e scc.events, actor_id uuid, actor_role text)
returns jsonb
language sql
stable
as $$
    select jsonb_build_object(
        'event', scc.event_json(e),
        'timing', scc.event_timing_json(e),
        'roster', scc.event_roster_json(e),
        'checklist', scc.event_checklist_json(e),
        'you', jsonb_build_object('places', p.j -> 'places',
                                  'may', scc.event_may_json(e, actor_id, actor_role)
                                         || jsonb_build_object('claim', p.j -> 'claim',
                                                               'release', p.j -> 'release')),
        'transitions', scc.event_transitions_json(e))
      from (select scc.event_places_json(e, actor_id, actor_role) as j) as p
$$;
comment on function scc.event_page_json(scc.events, uuid, text) is
    'the whole event page for a caller: event, timing, roster, checklist, you, transitions';

-- ---------------------------------------------------------------------------
-- Events: jobs and notifications
-- ---------------------------------------------------------------------------

-- The jobs a scheduled event keeps: the overdue check at return + grace and
-- the captain's roster 24 h before departure (at once when that is past).
-- Their unique keys carry the instant, so a changed time queues a new job
-- and the old one, when it runs, finds the event changed and does nothing.
create function scc.event_queue_jobs(e scc.events)
returns void
language plpgsql
as $$
begin
    if e.state not in ('scheduled', 'boarding', 'underway') then
        return;
    end if;
    perform scc.enqueue_job('event_overdue',
                            jsonb_build_object('event_id', e.id, 'return_at', scc.iso(e.return_at)),
                            run_at => e.return_at + e.overdue_grace,
                            unique_key => 'event_overdue:' || e.id || ':' || scc.iso(e.return_at));
    if e.state in ('scheduled', 'boarding') then
        perform scc.enqueue_job('event_roster',
                                jsonb_build_object('event_id', e.id, 'departure_at', scc.iso(e.departure_at)),
                                run_at => greatest(e.departure_at - interval '24 hours', now()),
                                unique_key => 'event_roster:' || e.id || ':' || scc.iso(e.departure_at));
    end if;
end
$$;
comment on function scc.event_queue_jobs(scc.events) is
    'queue the event_overdue (return + grace) and event_roster (departure - 24 h) jobs of a live event';

-- The template data every event email has.
create function scc.event_mail_data(e scc.events)
returns jsonb
language sql
stable
as $$
    select jsonb_build_object('event_id', e.id, 'title', e.title, 'boat_name', b.name,
                              'port_name', b.port_name, 'time_zone', e.time_zone,
                              'departure_local', scc.local_text(e.departure_at, e.time_zone),
                              'return_local', scc.local_text(e.return_at, e.time_zone),
                              'meetup_place', nullif(e.meetup_place, ''),
                              'meetup_local', scc.local_text(e.meetup_at, e.time_zone))
      from scc.boats as b where b.id = e.boat_id
$$;
comment on function scc.event_mail_data(scc.events) is 'what every event email shows: title, boat, local times';

-- One email (template, data + the person's name) to each person with a
-- live place on the event who takes notification emails, but the actor.
-- Returns how many were queued.
create function scc.event_notify(e scc.events, template text, data jsonb, actor_id uuid)
returns integer
language plpgsql
as $$
declare
    u record;
    n integer := 0;
begin
    for u in select distinct x.id, x.email, x.name
               from scc.event_roles as r
               join scc.users as x on x.id = r.user_id
              where r.event_id = e.id
                and r.state in ('claimed', 'designated', 'confirmed', 'waitlisted')
                and x.notify_email and x.disabled_at is null
                and x.id is distinct from actor_id
              order by x.id
    loop
        perform scc.enqueue_job('email', jsonb_build_object(
            'template', template, 'to', u.email,
            'data', data || jsonb_build_object('name', u.name)));
        n := n + 1;
    end loop;
    return n;
end
$$;
comment on function scc.event_notify(scc.events, text, jsonb, uuid) is
    'queue one notification email to each live place holder (notify_email on, not the actor); the count';

-- The worker's 'event_overdue' job (run at return + grace): nothing unless
-- the event is still underway and its return time is still the payload's;
-- else one email (event_overdue) to the event's captain and every enabled
-- admin, notify_email or not (a safety alert), unique per event and return
-- time.  Returns 'sent' or 'skipped: <why>'.
create function scc.event_overdue(payload jsonb)
returns text
language plpgsql
security definer
set search_path = pg_catalog, scc
as $$
declare
    e   scc.events;
    ret timestamptz;
    rcpt text[];
begin
    if jsonb_typeof(payload -> 'event_id') <> 'string' or jsonb_typeof(payload -> 'return_at') <> 'string' then
        return 'skipped: the payload needs event_id and return_at';
    end if;
    begin
        ret := (payload ->> 'return_at')::timestamptz;
        select * into e from scc.events as x where x.id = (payload ->> 'event_id')::uuid;
    exception when invalid_text_representation or invalid_datetime_format or datetime_field_overflow then
        return 'skipped: a malformed payload';
    end;
    if e.id is null then
        return 'skipped: no such event';
    end if;
    if e.state <> 'underway' then
        return 'skipped: the event is ' || e.state;
    end if;
    if e.return_at <> ret then
        return 'skipped: the return time changed';
    end if;
    select array_agg(distinct u.email order by u.email) into rcpt
      from scc.users as u
     where u.disabled_at is null
       and (u.role = 'admin'
            or exists (select 1 from scc.event_roles as r
                        where r.event_id = e.id and r.user_id = u.id and r.role = 'captain'
                          and r.state in ('claimed', 'designated', 'confirmed')));
    if rcpt is null then
        return 'skipped: nobody to alert';
    end if;
    perform scc.enqueue_job('email', jsonb_build_object(
                'template', 'event_overdue', 'to', to_jsonb(rcpt),
                'data', scc.event_mail_data(e) || jsonb_build_object(
                    'overdue_local', scc.local_text(e.return_at + e.overdue_grace, e.time_zone),
                    'grace_minutes', round(extract(epoch from e.overdue_grace) / 60)::int)),
            priority => 10,
            unique_key => 'event_overdue_mail:' || e.id || ':' || scc.iso(e.return_at));
    perform scc.audit('{}'::jsonb, 'event.overdue_alert', 'event', e.id::text,
                      null, jsonb_build_object('return_at', scc.iso(e.return_at), 'to', to_jsonb(rcpt)));
    return 'sent';
end
$$;
comment on function scc.event_overdue(jsonb) is
    'job event_overdue: alert the captain and admins once if the event is still underway past return + grace';
revoke all on function scc.event_overdue(jsonb) from public;
grant execute on function scc.event_overdue(jsonb) to scc_worker;

-- ---------------------------------------------------------------------------
-- Events: the fields of create, edit and copy
-- ---------------------------------------------------------------------------

-- Overlays the body's event fields on e, each checked, then the rules
-- across fields (times in order, capacities within the boat's).  allowed
-- names the fields the route takes.
create function scc.event_apply(ctx jsonb, e scc.events, allowed text[])
returns scc.events
language plpgsql
stable
as $$
declare
    body jsonb := ctx -> 'body';
    b    scc.boats;
    s    text;
    n    integer;
begin
    perform scc.refuse_unknown_fields(ctx -> 'body', allowed);
    if body ? 'boat_id' then
        e.boat_id := scc.check_uuid(scc.body_text(ctx, 'boat_id', 'invalid_boat_id'), 'invalid_boat_id', 'boat_id');
    end if;
    select * into b from scc.boats as x where x.id = e.boat_id;
    if b.id is null then
        perform scc.fail(404, 'boat_not_found', 'no such boat');
    end if;
    if body ? 'title' then
        s := btrim(scc.body_text(ctx, 'title', 'invalid_title'));
        if s is null or s = '' then
            perform scc.fail(400, 'title_required', 'an event needs a title');
        end if;
        if length(s) > 200 then
            perform scc.fail(422, 'title_too_long', 'a title is at most 200 characters');
        end if;
        e.title := s;
    end if;
    if body ? 'notes' then
        e.notes := coalesce(scc.body_text(ctx, 'notes', 'invalid_notes'), '');
        if length(e.notes) > 4000 then
            perform scc.fail(422, 'notes_too_long', 'notes are at most 4000 characters');
        end if;
    end if;
    if body ? 'meetup_place' then
        e.meetup_place := coalesce(btrim(scc.body_text(ctx, 'meetup_place', 'invalid_meetup_place')), '');
        if length(e.meetup_place) > 200 then
            perform scc.fail(422, 'meetup_place_too_long', 'a meetup place is at most 200 characters');
        end if;
    end if;
    if body ? 'meetup_at' then
        s := scc.body_text(ctx, 'meetup_at', 'invalid_meetup_at');
        e.meetup_at := case when s is null then null
                            else scc.parse_instant(s, 'invalid_meetup_at', 'meetup_at') end;
    end if;
    if body ? 'departure_at' then
        e.departure_at := scc.parse_instant(scc.body_text(ctx, 'departure_at', 'invalid_departure_at'),
                                            'invalid_departure_at', 'departure_at');
    end if;
    if body ? 'return_at' then
        e.return_at := scc.parse_instant(scc.body_text(ctx, 'return_at', 'invalid_return_at'),
                                         'invalid_return_at', 'return_at');
    end if;
    if body ? 'time_zone' then
        e.time_zone := scc.check_time_zone(scc.body_text(ctx, 'time_zone', 'invalid_time_zone'),
                                           'invalid_time_zone');
    end if;
    if body ? 'crew_min' then
        e.crew_min := coalesce(scc.body_int(ctx, 'crew_min', 0, 50), b.crew_min);
    end if;
    if body ? 'crew_max' then
        e.crew_max := coalesce(scc.body_int(ctx, 'crew_max', 0, 50), b.crew_max);
    end if;
    if body ? 'guest_max' then
        e.guest_max := coalesce(scc.body_int(ctx, 'guest_max', 0, 500), b.guest_capacity);
    end if;
    if body ? 'release_cutoff_hours' then
        n := coalesce(scc.body_int(ctx, 'release_cutoff_hours', 0, 720), 24);
        e.release_cutoff := make_interval(hours => n);
    end if;
    if body ? 'overdue_grace_minutes' then
        n := coalesce(scc.body_int(ctx, 'overdue_grace_minutes', 0, 1440), 15);
        e.overdue_grace := make_interval(mins => n);
    end if;
    if e.departure_at is null then
        perform scc.fail(400, 'departure_at_required', 'departure_at is required');
    end if;
    if e.return_at is null then
        perform scc.fail(400, 'return_at_required', 'return_at is required');
    end if;
    if e.title is null then
        perform scc.fail(400, 'title_required', 'an event needs a title');
    end if;
    if e.return_at <= e.departure_at then
        perform scc.fail(422, 'return_before_departure', 'return_at must be after departure_at');
    end if;
    if e.return_at - e.departure_at > interval '14 days' then
        perform scc.fail(422, 'event_too_long', 'an event lasts at most 14 days');
    end if;
    if e.meetup_at is not null and e.meetup_at > e.departure_at then
        perform scc.fail(422, 'meetup_after_departure', 'meetup_at must not be after departure_at');
    end if;
    if e.crew_min > e.crew_max then
        perform scc.fail(422, 'crew_min_above_max', 'crew_min must not be above crew_max');
    end if;
    if e.guest_max > b.guest_capacity then
        perform scc.fail(422, 'guest_max_over_capacity',
                         format('guest_max must not be above the boat''s capacity (%s)', b.guest_capacity));
    end if;
    return e;
end
$$;
comment on function scc.event_apply(jsonb, scc.events, text[]) is
    'the body''s event fields checked and laid over an event row (create, edit, copy)';

-- The event for a route's :id, locked for update when asked, that the
-- caller may see; else SC400 invalid_id / SC404 event_not_found.
create function scc.event_for(ctx jsonb, actor_role text, lock boolean)
returns scc.events
language plpgsql
as $$
declare
    eid uuid := scc.check_uuid(ctx -> 'params' ->> 'id', 'invalid_id', 'the event id');
    e   scc.events;
begin
    if lock then
        select * into e from scc.events as x where x.id = eid for update;
    else
        select * into e from scc.events as x where x.id = eid;
    end if;
    if e.id is null or not scc.event_visible(e, (ctx -> 'actor' ->> 'id')::uuid, actor_role) then
        perform scc.fail(404, 'event_not_found', 'no such event');
    end if;
    return e;
end
$$;
comment on function scc.event_for(jsonb, text, boolean) is
    'the route''s event (:id) if the caller may see it, optionally locked; SC400 invalid_id, SC404 event_not_found';

-- ---------------------------------------------------------------------------
-- Events: routes
-- ---------------------------------------------------------------------------

-- GET /api/events?from=&to=&boat=&state=&mine=&order=&limit= (guest+)
-- Events departing in [from, to) (default from now - 1 day, no end),
-- ordered by departure (order=desc for the past), at most limit (1..200,
-- default 200).  boat: a boat id; state: one state or several joined by
-- commas; mine=1: only events where the caller holds a live place.  Guests
-- see only their events, crew no drafts but their own.
-- → 200 {"items": [{id, title, boat:{id,name}, departure_at, return_at,
--   time_zone, state, fill:{captain|crew|guest:{filled,max,waitlisted}},
--   mine:{role,state}|null}], "from", "to"}
-- 400 invalid_from, invalid_to, invalid_boat, invalid_state, invalid_mine,
-- invalid_order, invalid_limit; 422 to_before_from.
create function scc_api.events_list(ctx jsonb)
returns scc_api.response
language plpgsql
stable
security definer
set search_path = pg_catalog, scc
as $$
declare
    actor_role text := scc.require_role(ctx, 'guest');
    actor      uuid := (ctx -> 'actor' ->> 'id')::uuid;
    q          jsonb := coalesce(ctx -> 'query', '{}'::jsonb);
    v_from     timestamptz := now() - interval '1 day';
    v_to       timestamptz;
    v_boat     uuid;
    v_states   text[];
    v_mine     boolean := false;
    v_desc     boolean := false;
    v_limit    integer := 200;
    s          text;
    items      jsonb;
begin
    s := q ->> 'from';
    if s is not null and s <> '' then
        v_from := scc.parse_instant(s, 'invalid_from', 'from');
    end if;
    s := q ->> 'to';
    if s is not null and s <> '' then
        v_to := scc.parse_instant(s, 'invalid_to', 'to');
        if v_to <= v_from then
            perform scc.fail(422, 'to_before_from', 'to must be after from');
        end if;
    end if;
    s := q ->> 'boat';
    if s is not null and s <> '' then
        v_boat := scc.check_uuid(s, 'invalid_boat', 'boat');
    end if;
    s := q ->> 'state';
    if s is not null and s <> '' then
        v_states := string_to_array(s, ',');
        if cardinality(v_states) > 7 or exists (
               select 1 from unnest(v_states) as x
                where x not in ('draft', 'scheduled', 'boarding', 'underway', 'returned', 'closed', 'cancelled')) then
            perform scc.fail(400, 'invalid_state',
                             'state must be draft, scheduled, boarding, underway, returned, closed or cancelled (comma-separated)');
        end if;
    end if;
    s := q ->> 'mine';
    if s is not null and s <> '' then
        if s not in ('0', '1', 'true', 'false') then
            perform scc.fail(400, 'invalid_mine', 'mine must be 1 or 0');
        end if;
        v_mine := s in ('1', 'true');
    end if;
    s := q ->> 'order';
    if s is not null and s <> '' then
        if s not in ('asc', 'desc') then
            perform scc.fail(400, 'invalid_order', 'order must be asc or desc');
        end if;
        v_desc := s = 'desc';
    end if;
    s := q ->> 'limit';
    if s is not null and s <> '' then
        if s !~ '^[0-9]{1,4}$' or s::int not between 1 and 200 then
            perform scc.fail(400, 'invalid_limit', 'limit must be a whole number from 1 to 200');
        end if;
        v_limit := s::int;
    end if;

    with picked as (
        select e.*
          from scc.events as e
         where e.departure_at >= v_from
           and (v_to is null or e.departure_at < v_to)
           and (v_boat is null or e.boat_id = v_boat)
           and (v_states is null or e.state = any (v_states))
           and (case when v_mine or actor_role = 'guest'
                     then exists (select 1 from scc.event_roles as r
                                   where r.event_id = e.id and r.user_id = actor
                                     and r.state in ('claimed', 'designated', 'confirmed', 'waitlisted'))
                     when actor_role = 'crew'
                     then e.state <> 'draft'
                          or exists (select 1 from scc.event_roles as r
                                      where r.event_id = e.id and r.user_id = actor
                                        and r.state in ('claimed', 'designated', 'confirmed', 'waitlisted'))
                     else true end)
         order by case when v_desc then e.departure_at end desc,
                  case when not v_desc then e.departure_at end, e.id
         limit v_limit
    )
    select coalesce(jsonb_agg(jsonb_build_object(
               'id', p.id, 'title', p.title,
               'boat', jsonb_build_object('id', b.id, 'name', b.name),
               'departure_at', scc.iso(p.departure_at), 'return_at', scc.iso(p.return_at),
               'time_zone', p.time_zone, 'state', p.state,
               'fill', jsonb_build_object(
                   'captain', jsonb_build_object('filled', f.captain, 'max', 1, 'waitlisted', f.captain_w),
                   'crew', jsonb_build_object('filled', f.crew, 'max', p.crew_max, 'min', p.crew_min,
                                              'waitlisted', f.crew_w),
                   'guest', jsonb_build_object('filled', f.guest, 'max', p.guest_max, 'waitlisted', f.guest_w)),
               'mine', f.mine)
             order by case when v_desc then p.departure_at end desc,
                      case when not v_desc then p.departure_at end, p.id), '[]'::jsonb)
      into items
      from picked as p
      join scc.boats as b on b.id = p.boat_id
      cross join lateral (
          select count(*) filter (where r.role = 'captain' and r.state <> 'waitlisted')::int as captain,
                 count(*) filter (where r.role = 'captain' and r.state = 'waitlisted')::int as captain_w,
                 count(*) filter (where r.role = 'crew' and r.state <> 'waitlisted')::int as crew,
                 count(*) filter (where r.role = 'crew' and r.state = 'waitlisted')::int as crew_w,
                 count(*) filter (where r.role = 'guest' and r.state <> 'waitlisted')::int as guest,
                 count(*) filter (where r.role = 'guest' and r.state = 'waitlisted')::int as guest_w,
                 (select jsonb_build_object('role', m.role, 'state', m.state)
                    from scc.event_roles as m
                   where m.event_id = p.id and m.user_id = actor
                     and m.state in ('claimed', 'designated', 'confirmed', 'waitlisted')
                   limit 1) as mine
            from scc.event_roles as r
           where r.event_id = p.id and r.state in ('claimed', 'designated', 'confirmed', 'waitlisted')
      ) as f;
    return (200, json_build_object('items', items, 'from', scc.iso(v_from), 'to', scc.iso(v_to)))::scc_api.response;
end
$$;
comment on function scc_api.events_list(jsonb) is
    'GET /api/events: events in a departure window with fill per role, filtered by boat/state/mine; guests see theirs';

-- GET /api/events/:id (someone with a live place on it, crew+ once it is
-- past draft, captain+) → 200 the event page (sql/README.md): event, timing,
-- roster, checklist, you {places, may}, transitions.
-- 400 invalid_id; 404 event_not_found (also for an event the caller may
-- not see).
create function scc_api.event_get(ctx jsonb)
returns scc_api.response
language plpgsql
stable
security definer
set search_path = pg_catalog, scc
as $$
declare
    actor_role text := scc.require_role(ctx, 'guest');
    e          scc.events := scc.event_for(ctx, actor_role, false);
begin
    return (200, scc.event_page_json(e, (ctx -> 'actor' ->> 'id')::uuid, actor_role)::json)::scc_api.response;
end
$$;
comment on function scc_api.event_get(jsonb) is
    'GET /api/events/:id: the event page in one call (event, timing, roster, checklist, you, transitions)';

-- POST /api/events (captain+) {boat_id, title, departure_at, return_at,
-- notes?, meetup_at?, meetup_place?, time_zone? (the boat's), crew_min?,
-- crew_max? (the boat's), guest_max? (the boat's capacity, at most it),
-- release_cutoff_hours? (24), overdue_grace_minutes? (15), state? ('draft'
-- or 'scheduled'; draft)} → 201 the event page.  The creator takes no place
-- (a captain claims the captain's seat).  Scheduling copies the checklists
-- and queues the overdue and roster jobs.
-- 400 unknown_field, <field>_required, invalid_<field>, invalid_state;
-- 404 boat_not_found; 409 boat_inactive; 422 return_before_departure,
-- event_too_long, meetup_after_departure, crew_min_above_max,
-- guest_max_over_capacity, departure_in_past, <field>_out_of_range,
-- title_too_long, notes_too_long, meetup_place_too_long.  Audited event.create.
create function scc_api.event_create(ctx jsonb)
returns scc_api.response
language plpgsql
security definer
set search_path = pg_catalog, scc
as $$
declare
    actor_role text := scc.require_role(ctx, 'captain');
    actor      uuid := (ctx -> 'actor' ->> 'id')::uuid;
    b          scc.boats;
    e          scc.events;
    v_state    text := coalesce(scc.body_text(ctx, 'state', 'invalid_state'), 'draft');
begin
    if v_state not in ('draft', 'scheduled') then
        perform scc.fail(400, 'invalid_state', 'a new event is draft or scheduled');
    end if;
    if not (ctx -> 'body' ? 'boat_id') or jsonb_typeof(ctx -> 'body' -> 'boat_id') = 'null' then
        perform scc.refuse_unknown_fields(ctx -> 'body', array['boat_id', 'title', 'notes', 'meetup_at', 'meetup_place',
                                         'departure_at', 'return_at', 'time_zone', 'crew_min', 'crew_max',
                                         'guest_max', 'release_cutoff_hours', 'overdue_grace_minutes', 'state']);
        perform scc.fail(400, 'boat_id_required', 'boat_id is required');
    end if;
    select * into b from scc.boats as x
     where x.id = scc.check_uuid(scc.body_text(ctx, 'boat_id', 'invalid_boat_id'), 'invalid_boat_id', 'boat_id');
    if b.id is null then
        perform scc.fail(404, 'boat_not_found', 'no such boat');
    end if;
    e.id := gen_random_uuid();
    e.boat_id := b.id;
    e.notes := '';
    e.meetup_place := '';
    e.time_zone := b.time_zone;
    e.crew_min := b.crew_min;
    e.crew_max := b.crew_max;
    e.guest_max := b.guest_capacity;
    e.release_cutoff := interval '24 hours';
    e.overdue_grace := interval '15 minutes';
    e := scc.event_apply(ctx, e, array['boat_id', 'title', 'notes', 'meetup_at', 'meetup_place',
                                       'departure_at', 'return_at', 'time_zone', 'crew_min', 'crew_max',
                                       'guest_max', 'release_cutoff_hours', 'overdue_grace_minutes', 'state']);
    if not b.active then
        perform scc.fail(409, 'boat_inactive', 'this boat is not in service');
    end if;
    if e.departure_at <= now() then
        perform scc.fail(422, 'departure_in_past', 'departure_at must be in the future');
    end if;
    insert into scc.events (id, boat_id, title, notes, meetup_at, meetup_place, departure_at, return_at,
                            time_zone, crew_min, crew_max, guest_max, release_cutoff, overdue_grace,
                            state, created_by)
    values (e.id, e.boat_id, e.title, e.notes, e.meetup_at, e.meetup_place, e.departure_at, e.return_at,
            e.time_zone, e.crew_min, e.crew_max, e.guest_max, e.release_cutoff, e.overdue_grace,
            v_state, actor)
    returning * into e;
    if e.state = 'scheduled' then
        perform scc.event_copy_checklists(e.id);
        perform scc.event_queue_jobs(e);
    end if;
    perform scc.audit(ctx, 'event.create', 'event', e.id::text, null, scc.event_json(e));
    return (201, scc.event_page_json(e, actor, actor_role)::json)::scc_api.response;
end
$$;
comment on function scc_api.event_create(jsonb) is
    'POST /api/events: captain+ create an event (draft or scheduled) on an active boat; audited; 201 the page';

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
-- Audited event.update with before, after and silent.
create function scc_api.event_update(ctx jsonb)
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
    update scc.events as x
       set boat_id = e.boat_id, title = e.title, notes = e.notes, meetup_at = e.meetup_at,
           meetup_place = e.meetup_place, departure_at = e.departure_at, return_at = e.return_at,
           time_zone = e.time_zone, crew_min = e.crew_min, crew_max = e.crew_max,
           guest_max = e.guest_max, release_cutoff = e.release_cutoff, overdue_grace = e.overdue_grace,
           sequence = x.sequence + 1, updated_at = now()
     where x.id = old.id
    returning * into e;
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

-- POST /api/events/:id/transition {to, reason?, force?, silent?} (the
-- event's captain, admin) → 200 the event page.
-- Lifecycle draft → scheduled → boarding → underway → returned → closed;
-- cancelled (reason required) from draft, scheduled or boarding.  Guards in
-- scc.event_missing; a refusal is RETURNED: 409 {"error": {"code":
-- "not_ready", "message", "missing": [...], "request_id"}}.  An admin's
-- force (with a reason) skips the guards, audited with what was missing.
-- scheduled copies the checklists and queues the jobs; returned records
-- actual_return_at; cancelled emails every live place (event_cancelled)
-- unless silent.
-- 400 invalid_id, unknown_field, to_required, invalid_to, reason_required,
-- invalid_reason, invalid_force, invalid_silent; 403 insufficient_scope
-- (not the captain; force from a non-admin); 404 event_not_found;
-- 409 invalid_transition, not_ready.  Audited event.transition.
create function scc_api.event_transition(ctx jsonb)
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
    v_to       text;
    v_reason   text;
    v_force    boolean;
    v_silent   boolean;
    missing    jsonb;
    notified   integer := 0;
begin
    perform scc.refuse_unknown_fields(ctx -> 'body', array['to', 'reason', 'force', 'silent']);
    v_to := scc.body_text(ctx, 'to', 'invalid_to');
    v_reason := nullif(btrim(scc.body_text(ctx, 'reason', 'invalid_reason')), '');
    v_force := coalesce(scc.body_bool(ctx, 'force'), false);
    v_silent := coalesce(scc.body_bool(ctx, 'silent'), false);
    if v_to is null then
        perform scc.fail(400, 'to_required', 'to (the next state) is required');
    end if;
    if v_to not in ('draft', 'scheduled', 'boarding', 'underway', 'returned', 'closed', 'cancelled') then
        perform scc.fail(400, 'invalid_to',
                         'to must be scheduled, boarding, underway, returned, closed or cancelled');
    end if;
    if length(v_reason) > 500 then
        perform scc.fail(400, 'invalid_reason', 'a reason is at most 500 characters');
    end if;
    old := scc.event_for(ctx, actor_role, true);
    if actor_role <> 'admin' and not scc.is_event_captain(old.id, actor) then
        perform scc.fail(403, 'insufficient_scope', 'only the event''s captain or an admin may move it');
    end if;
    if v_force and actor_role <> 'admin' then
        perform scc.fail(403, 'insufficient_scope', 'only an admin may force a transition');
    end if;
    if not (v_to = any (scc.event_next_states(old.state))) then
        perform scc.fail(409, 'invalid_transition', format('a %s event cannot become %s', old.state, v_to));
    end if;
    if (v_to = 'cancelled' or v_force) and v_reason is null then
        perform scc.fail(400, 'reason_required',
                         case when v_force then 'a forced transition needs a reason'
                              else 'a cancellation needs a reason' end);
    end if;
    missing := scc.event_missing(old, v_to);
    if missing <> '[]'::jsonb and not v_force then
        return (409, json_build_object('error', json_build_object(
                    'code', 'not_ready',
                    'message', format('the event cannot become %s yet: %s', v_to,
                                      (select string_agg(m ->> 'message', '; ')
                                         from jsonb_array_elements(missing) as m)),
                    'missing', missing,
                    'request_id', ctx ->> 'request_id')))::scc_api.response;
    end if;
    update scc.events as x
       set state = v_to, state_changed_at = now(),
           cancel_reason = case when v_to = 'cancelled' then v_reason else x.cancel_reason end,
           actual_return_at = case when v_to = 'returned' then now() else x.actual_return_at end,
           sequence = x.sequence + 1, updated_at = now()
     where x.id = old.id
    returning * into e;
    if v_to = 'scheduled' then
        perform scc.event_copy_checklists(e.id);
    end if;
    perform scc.event_queue_jobs(e);
    if v_to = 'cancelled' and not v_silent then
        notified := scc.event_notify(e, 'event_cancelled',
                                     scc.event_mail_data(e) || jsonb_build_object('reason', v_reason), actor);
    end if;
    perform scc.audit(ctx, 'event.transition', 'event', e.id::text,
                      jsonb_build_object('state', old.state),
                      jsonb_build_object('state', e.state, 'forced', v_force and missing <> '[]'::jsonb,
                                         'missing', missing, 'silent', v_silent, 'notified', notified),
                      v_reason);
    return (200, scc.event_page_json(e, actor, actor_role)::json)::scc_api.response;
end
$$;
comment on function scc_api.event_transition(jsonb) is
    'POST /api/events/:id/transition: the lifecycle with its guards (409 not_ready lists what is missing), admin force, cancel; audited';

-- POST /api/events/:id/copy {departure_at, return_at, title?} (captain+)
-- → 201 the new event's page: a draft on the same boat with the same texts,
-- capacities, time zone, cutoff and grace (meetup moved with the
-- departure), no roster, no checklist, copied_from the original.
-- 400 invalid_id, unknown_field, departure_at_required, return_at_required,
-- invalid_<field>; 404 event_not_found; 409 boat_inactive; 422
-- return_before_departure, event_too_long, departure_in_past,
-- title_too_long.  Audited event.copy.
create function scc_api.event_copy(ctx jsonb)
returns scc_api.response
language plpgsql
security definer
set search_path = pg_catalog, scc
as $$
declare
    actor_role text := scc.require_role(ctx, 'captain');
    actor      uuid := (ctx -> 'actor' ->> 'id')::uuid;
    src        scc.events;
    e          scc.events;
    b          scc.boats;
begin
    perform scc.refuse_unknown_fields(ctx -> 'body', array['departure_at', 'return_at', 'title']);
    src := scc.event_for(ctx, actor_role, false);
    if not (ctx -> 'body' ? 'departure_at') then
        perform scc.fail(400, 'departure_at_required', 'departure_at is required');
    end if;
    if not (ctx -> 'body' ? 'return_at') then
        perform scc.fail(400, 'return_at_required', 'return_at is required');
    end if;
    e := src;
    e := scc.event_apply(ctx, e, array['departure_at', 'return_at', 'title']);
    if e.departure_at <= now() then
        perform scc.fail(422, 'departure_in_past', 'departure_at must be in the future');
    end if;
    select * into b from scc.boats as x where x.id = e.boat_id;
    if not b.active then
        perform scc.fail(409, 'boat_inactive', 'this boat is not in service');
    end if;
    insert into scc.events (boat_id, title, notes, meetup_at, meetup_place, departure_at, return_at,
                            time_zone, crew_min, crew_max, guest_max, release_cutoff, overdue_grace,
                            state, copied_from, created_by)
    values (e.boat_id, e.title, e.notes,
            case when src.meetup_at is not null then e.departure_at - (src.departure_at - src.meetup_at) end,
            e.meetup_place, e.departure_at, e.return_at, e.time_zone, e.crew_min, e.crew_max,
            e.guest_max, e.release_cutoff, e.overdue_grace, 'draft', src.id, actor)
    returning * into e;
    perform scc.audit(ctx, 'event.copy', 'event', e.id::text, jsonb_build_object('copied_from', src.id),
                      scc.event_json(e));
    return (201, scc.event_page_json(e, actor, actor_role)::json)::scc_api.response;
end
$$;
comment on function scc_api.event_copy(jsonb) is
    'POST /api/events/:id/copy: captain+ copy an event to new dates as a draft (no roster, no answers); audited; 201';

-- The routes: scc_web only.
revoke all on function scc_api.boats_list(jsonb), scc_api.boat_create(jsonb), scc_api.boat_update(jsonb),
                       scc_api.events_list(jsonb), scc_api.event_get(jsonb), scc_api.event_create(jsonb),
                       scc_api.event_update(jsonb), scc_api.event_transition(jsonb), scc_api.event_copy(jsonb)
    from public;
grant execute on function scc_api.boats_list(jsonb), scc_api.boat_create(jsonb), scc_api.boat_update(jsonb),
                          scc_api.events_list(jsonb), scc_api.event_get(jsonb), scc_api.event_create(jsonb),
                          scc_api.event_update(jsonb), scc_api.event_transition(jsonb), scc_api.event_copy(jsonb)
    to scc_web;
