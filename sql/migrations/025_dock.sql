-- 025_dock.sql — the dock (issue 10, helper D): the manifest of an event
-- (captain, crew and guests with their waiver state, minors, emergency
-- contacts and check-in, as JSON or CSV), check-in at the dock, and the
-- waiver completion figures kept for the reports.
--
-- Decisions:
--   * The manifest lists the places that sail: claimed, designated and
--     confirmed (the filled places; a waitlisted person does not board).
--     It is read by the event's captain and crew (a captain or crew place
--     of those states) and by admins; anyone else 403, an event they may
--     not see 404.
--   * A guest's waiver state is scc.guest_hold's answer (never a rule of
--     its own): the hold code, or 'valid'; 'released' when an admin
--     released a hold that the rule would still give; 'not_required' when
--     the event requires no version.  Captain and crew sign no waiver here.
--     The signature shown (id, time, version, emergency contact) is the
--     one that makes the guest valid: the latest of the required template,
--     valid for the event and not superseded (scc.guest_valid_signature).
--   * Check-in opens 2 h before departure (the moment boarding may start)
--     and closes when the event is returned, closed or cancelled; a draft
--     is not open either.  A held guest cannot be checked in (409
--     guest_on_hold naming the code); marking them no_show or clearing is
--     allowed (the dock records who did not come, held or not).  The event
--     row is locked first, as every roster change does.
--   * Waiver completion: valid ÷ manifested guests, recorded by the worker
--     (job kind waiver_completion) at T-24 h and at departure.  Manifested
--     guests are the filled guest places at that moment (no_show ones
--     included: the figure measures the paperwork before the boat leaves,
--     not who came).  Valid are those scc.guest_hold holds nothing against
--     *with an admin's release set aside*: a released hold is an exception
--     an admin made for a missing or stale signature, exactly what the
--     report exists to show, so it does not count as valid.  An event that
--     requires no waiver gets no figure (nothing to complete).

-- ---------------------------------------------------------------------------
-- Helpers
-- ---------------------------------------------------------------------------

-- The hold the rule gives a place with an admin's release set aside (the
-- completion figure, and the manifest's 'released').
create function scc.guest_hold_unreleased(e scc.events, r scc.event_roles)
returns text
language plpgsql
stable
as $$
begin
    r.hold_released_at := null;
    r.hold_released_by := null;
    r.hold_release_reason := null;
    return scc.guest_hold(e, r);
end
$$;
comment on function scc.guest_hold_unreleased(scc.events, scc.event_roles) is
    'scc.guest_hold with an admin''s release set aside: the hold the signatures alone give';

-- The signature that makes a guest's place valid for the event: the latest
-- (highest version, then newest) of the required template, valid for the
-- event (its own, or a season covering the event's local date), not
-- superseded.  The same choice scc.guest_hold makes; null when none.
create function scc.guest_valid_signature(e scc.events, p_user uuid)
returns scc.waiver_signatures
language plpgsql
stable
as $$
declare
    d date := (e.departure_at at time zone e.time_zone)::date;
    s scc.waiver_signatures;
begin
    if e.waiver_version_id is null then
        return null;
    end if;
    select s1.* into s
      from scc.waiver_signatures as s1
      join scc.waiver_versions as v on v.id = s1.version_id
     where s1.user_id = p_user
       and v.template_id = (select x.template_id from scc.waiver_versions as x where x.id = e.waiver_version_id)
       and not exists (select 1 from scc.waiver_signatures as n where n.supersedes = s1.id)
       and ((v.validity = 'event' and s1.event_id = e.id)
            or (v.validity = 'season' and d between v.valid_from and v.valid_to))
     order by v.version desc, s1.signed_at desc
     limit 1;
    return s;
end
$$;
comment on function scc.guest_valid_signature(scc.events, uuid) is
    'the guest''s latest unsuperseded signature of the event''s required template valid for it (scc.guest_hold''s choice), or null';

-- When check-in opens for an event: 2 h before departure.
create function scc.checkin_opens_at(e scc.events)
returns timestamptz
language sql
immutable
as $$
    select e.departure_at - interval '2 hours'
$$;
comment on function scc.checkin_opens_at(scc.events) is 'check-in opens 2 h before departure';

-- One manifest row: a filled place of the event as the dock sees it.
--   {place_id, user_id, name, email, phone, role, state,
--    waiver: null (captain, crew) | {state: valid|released|not_required|<hold code>,
--            signature_id, signed_at, version, legal_name, released: {at, reason}|null},
--    minors: [{name, date_of_birth, age}] (age in years on the event's local date),
--    emergency_contact: {name, phone, relationship} | null,
--    checkin: {status, at, by: {id, name}} | null}
create function scc.manifest_row_json(e scc.events, r scc.event_roles)
returns jsonb
language plpgsql
stable
as $$
declare
    u      scc.users;
    d      date := (e.departure_at at time zone e.time_zone)::date;
    hold   text;
    s      scc.waiver_signatures;
    v_ver  integer;
    waiver jsonb;
    by_name text;
begin
    select * into u from scc.users as x where x.id = r.user_id;
    if r.role = 'guest' then
        hold := scc.guest_hold(e, r);
        s := scc.guest_valid_signature(e, r.user_id);
        select v.version into v_ver from scc.waiver_versions as v where v.id = s.version_id;
        waiver := jsonb_build_object(
            'state', case when e.waiver_version_id is null then 'not_required'
                          when hold is not null then hold
                          when r.hold_released_at is not null
                               and scc.guest_hold_unreleased(e, r) is not null then 'released'
                          else 'valid' end,
            'signature_id', s.id,
            'signed_at', scc.iso(s.signed_at),
            'version', v_ver,
            'legal_name', s.legal_name,
            'released', case when r.hold_released_at is not null then
                            jsonb_build_object('at', scc.iso(r.hold_released_at),
                                               'reason', r.hold_release_reason) end);
    end if;
    if r.checkin is not null then
        select x.name into by_name from scc.users as x where x.id = r.checkin_by;
    end if;
    return jsonb_build_object(
        'place_id', r.id, 'user_id', r.user_id, 'name', u.name, 'email', u.email, 'phone', u.phone,
        'role', r.role, 'state', r.state,
        'waiver', waiver,
        'minors', coalesce((select jsonb_agg(jsonb_build_object(
                                     'name', m.x ->> 'name',
                                     'date_of_birth', m.x ->> 'date_of_birth',
                                     'age', extract(year from age(d, (m.x ->> 'date_of_birth')::date))::int)
                                   order by m.n)
                              from jsonb_array_elements(r.minors) with ordinality as m (x, n)), '[]'::jsonb),
        'emergency_contact', case when s.id is not null then
                                 jsonb_build_object('name', s.emergency_name, 'phone', s.emergency_phone,
                                                    'relationship', s.emergency_relationship) end,
        'checkin', case when r.checkin is not null then
                       jsonb_build_object('status', r.checkin, 'at', scc.iso(r.checkin_at),
                                          'by', jsonb_build_object('id', r.checkin_by, 'name', by_name)) end);
end
$$;
comment on function scc.manifest_row_json(scc.events, scc.event_roles) is
    'one manifest row: a filled place with its waiver state, minors (ages), emergency contact and check-in';

-- The manifest of an event:
--   {event: {id, title, state, departure_at, return_at, time_zone, boat: {id, name, port_name},
--            waiver_version: {id, version, title} | null},
--    checkin: {opens_at, open, closed},
--    counts: {captain, crew, guests, minors, aboard (people + minors),
--             checked_in, no_show, not_checked, guests_on_hold, guests_valid},
--    people: [rows] (captain, crew, guests; by name)}
create function scc.manifest_json(e scc.events)
returns jsonb
language plpgsql
stable
as $$
declare
    rows jsonb;
begin
    select coalesce(jsonb_agg(scc.manifest_row_json(e, r)
                              order by case r.role when 'captain' then 0 when 'crew' then 1 else 2 end,
                                       lower(u.name), r.id), '[]'::jsonb)
      into rows
      from scc.event_roles as r
      join scc.users as u on u.id = r.user_id
     where r.event_id = e.id and r.state in ('claimed', 'designated', 'confirmed');
    return jsonb_build_object(
        'event', (select jsonb_build_object(
                      'id', e.id, 'title', e.title, 'state', e.state,
                      'departure_at', scc.iso(e.departure_at), 'return_at', scc.iso(e.return_at),
                      'time_zone', e.time_zone,
                      'boat', jsonb_build_object('id', b.id, 'name', b.name, 'port_name', b.port_name),
                      'waiver_version', (select jsonb_build_object('id', v.id, 'version', v.version, 'title', v.title)
                                           from scc.waiver_versions as v where v.id = e.waiver_version_id))
                    from scc.boats as b where b.id = e.boat_id),
        'checkin', jsonb_build_object(
                      'opens_at', scc.iso(scc.checkin_opens_at(e)),
                      'open', e.state in ('scheduled', 'boarding', 'underway') and now() >= scc.checkin_opens_at(e),
                      'closed', e.state in ('returned', 'closed', 'cancelled')),
        'counts', (select jsonb_build_object(
                      'captain', count(*) filter (where x ->> 'role' = 'captain'),
                      'crew', count(*) filter (where x ->> 'role' = 'crew'),
                      'guests', count(*) filter (where x ->> 'role' = 'guest'),
                      'minors', coalesce(sum(jsonb_array_length(x -> 'minors')), 0),
                      'aboard', count(*) + coalesce(sum(jsonb_array_length(x -> 'minors')), 0),
                      'checked_in', count(*) filter (where x #>> '{checkin,status}' = 'checked_in'),
                      'no_show', count(*) filter (where x #>> '{checkin,status}' = 'no_show'),
                      'not_checked', count(*) filter (where x -> 'checkin' = 'null'::jsonb),
                      'guests_on_hold', count(*) filter (where x ->> 'role' = 'guest'
                                                           and x #>> '{waiver,state}' not in
                                                               ('valid', 'released', 'not_required')),
                      'guests_valid', count(*) filter (where x #>> '{waiver,state}' = 'valid'))
                     from jsonb_array_elements(rows) as x),
        'people', rows);
end
$$;
comment on function scc.manifest_json(scc.events) is
    'the dock''s manifest of an event: its filled places with waiver state, minors, emergency contacts, check-in; counts';

-- The manifest as CSV (RFC 4180, CRLF, a header row, one row a person;
-- minors in one cell as "name (date of birth, age)" joined by "; ").
create function scc.manifest_csv(m jsonb)
returns text
language sql
immutable
as $$
    select E'role,name,email,phone,place_state,waiver,signature_id,signed_at,waiver_version,minors,'
           'emergency_name,emergency_phone,emergency_relationship,checkin,checkin_at,checkin_by\r\n'
        || coalesce((select string_agg(concat_ws(',',
                        p.x ->> 'role', scc.csv_text(p.x ->> 'name'), scc.csv_text(p.x ->> 'email'),
                        scc.csv_text(p.x ->> 'phone'), p.x ->> 'state',
                        coalesce(p.x #>> '{waiver,state}', ''), coalesce(p.x #>> '{waiver,signature_id}', ''),
                        coalesce(p.x #>> '{waiver,signed_at}', ''), coalesce(p.x #>> '{waiver,version}', ''),
                        scc.csv_text((select string_agg(format('%s (%s, %s)', c.y ->> 'name', c.y ->> 'date_of_birth',
                                                               c.y ->> 'age'), '; ' order by c.n)
                                        from jsonb_array_elements(p.x -> 'minors') with ordinality as c (y, n))),
                        scc.csv_text(p.x #>> '{emergency_contact,name}'),
                        scc.csv_text(p.x #>> '{emergency_contact,phone}'),
                        scc.csv_text(p.x #>> '{emergency_contact,relationship}'),
                        coalesce(p.x #>> '{checkin,status}', ''), coalesce(p.x #>> '{checkin,at}', ''),
                        scc.csv_text(p.x #>> '{checkin,by,name}')) || E'\r\n', '' order by p.n)
                       from jsonb_array_elements(m -> 'people') with ordinality as p (x, n)), '')
$$;
comment on function scc.manifest_csv(jsonb) is
    'scc.manifest_json as RFC 4180 CSV (header row, CRLF, formula-safe text cells)';

-- The event of a dock route, for the event's captain and crew (a captain
-- or crew place claimed, designated or confirmed) and admins; locked for
-- update when asked.  SC400 invalid_id, SC404 event_not_found, SC403
-- insufficient_scope.
create function scc.dock_event(ctx jsonb, actor_role text, lock boolean)
returns scc.events
language plpgsql
as $$
declare
    e scc.events := scc.event_for(ctx, actor_role, lock);
begin
    if actor_role <> 'admin' and not exists (
           select 1 from scc.event_roles as r
            where r.event_id = e.id and r.user_id = (ctx -> 'actor' ->> 'id')::uuid
              and r.role in ('captain', 'crew') and r.state in ('claimed', 'designated', 'confirmed')) then
        perform scc.fail(403, 'insufficient_scope', 'only the captain and crew on this event, or an admin, work its dock');
    end if;
    return e;
end
$$;
comment on function scc.dock_event(jsonb, text, boolean) is
    'the route''s event for its captain and crew (live places) or an admin, optionally locked; SC400/SC403/SC404';

-- ---------------------------------------------------------------------------
-- Routes
-- ---------------------------------------------------------------------------

-- GET /api/events/:id/manifest?format=json|csv   (the event's captain and
-- crew, admin; module role: crew)
-- The manifest (scc.manifest_json).  json (default): application/json,
-- shown; csv: text/csv; charset=utf-8, saved as
-- manifest-<local departure date>-<title as a-z0-9 and dashes>.csv.
-- Errors: SC400 invalid_id, invalid_format, unknown_parameter; SC403
-- insufficient_scope; SC404 event_not_found.  Reads only.
create function scc_api.event_manifest(ctx jsonb)
returns scc_api.file_response
language plpgsql
stable
security definer
set search_path = pg_catalog, scc
as $$
declare
    actor_role text := scc.require_role(ctx, 'crew');
    fmt        text := coalesce(nullif(ctx -> 'query' ->> 'format', ''), 'json');
    e          scc.events;
    m          jsonb;
    slug       text;
begin
    perform scc.refuse_unknown_params(ctx, array['format']);
    if fmt not in ('json', 'csv') then
        perform scc.fail(400, 'invalid_format', 'format must be json or csv');
    end if;
    e := scc.dock_event(ctx, actor_role, false);
    m := scc.manifest_json(e);
    if fmt = 'csv' then
        slug := left(btrim(regexp_replace(lower(e.title), '[^a-z0-9]+', '-', 'g'), '-'), 80);
        return (200, scc.manifest_csv(m), 'text/csv; charset=utf-8',
                'manifest-' || to_char(e.departure_at at time zone e.time_zone, 'YYYY-MM-DD') || '-'
                || coalesce(nullif(btrim(slug, '-'), ''), 'event') || '.csv')::scc_api.file_response;
    end if;
    return (200, m::text, 'application/json', null)::scc_api.file_response;
end
$$;
comment on function scc_api.event_manifest(jsonb) is
    'GET /api/events/:id/manifest: the event''s captain and crew, admins: who sails, waivers, minors, emergency contacts, check-in; JSON or CSV';
revoke execute on function scc_api.event_manifest(jsonb) from public;
grant execute on function scc_api.event_manifest(jsonb) to scc_web;

-- POST /api/events/:id/check-in {user_id, status}   (the event's captain
-- and crew, admin; module role: crew)
-- status: 'checked_in', 'no_show', or null to clear.  Open from 2 h before
-- departure while the event is scheduled, boarding or underway.  A guest
-- on waiver hold cannot be checked in (no_show and clearing are allowed).
-- Under the event's row lock; sets checkin, checkin_at (server clock),
-- checkin_by; the same status again changes nothing.  Audited
-- (checkin.set / checkin.clear, before and after).
-- 200 {"person": the manifest row, "counts": the manifest's counts}.
-- Errors: SC400 invalid_id, unknown_field, user_id_required,
-- invalid_user_id, status_required, invalid_status; SC403
-- insufficient_scope; SC404 event_not_found, place_not_found (no filled
-- place: none, released, removed or waitlisted); SC409 checkin_not_open
-- (before the window, or a draft), checkin_closed (returned, closed,
-- cancelled), guest_on_hold (the message names the hold code).
create function scc_api.event_checkin(ctx jsonb)
returns scc_api.response
language plpgsql
security definer
set search_path = pg_catalog, scc
as $$
declare
    actor_role text := scc.require_role(ctx, 'crew');
    actor      uuid := (ctx -> 'actor' ->> 'id')::uuid;
    body       jsonb := coalesce(ctx -> 'body', '{}'::jsonb);
    v_user     uuid;
    v_status   text;
    e          scc.events;
    p          scc.event_roles;
    hold       text;
    m          jsonb;
begin
    perform scc.refuse_unknown_fields(body, array['user_id', 'status']);
    if body -> 'user_id' is null or jsonb_typeof(body -> 'user_id') = 'null' then
        perform scc.fail(400, 'user_id_required', 'user_id: whose check-in this is');
    end if;
    v_user := scc.check_uuid(scc.body_text(ctx, 'user_id', 'invalid_user_id'), 'invalid_user_id', 'user_id');
    if not body ? 'status' then
        perform scc.fail(400, 'status_required', 'status: checked_in, no_show, or null to clear');
    end if;
    if jsonb_typeof(body -> 'status') <> 'null' then
        v_status := scc.body_text(ctx, 'status', 'invalid_status');
        if v_status not in ('checked_in', 'no_show') then
            perform scc.fail(400, 'invalid_status', 'status must be checked_in, no_show or null');
        end if;
    end if;
    e := scc.dock_event(ctx, actor_role, true);
    if e.state in ('returned', 'closed', 'cancelled') then
        perform scc.fail(409, 'checkin_closed', 'check-in is over: the event is ' || e.state);
    end if;
    if e.state = 'draft' or now() < scc.checkin_opens_at(e) then
        perform scc.fail(409, 'checkin_not_open',
                         'check-in opens 2 h before departure, at ' || scc.iso(scc.checkin_opens_at(e))
                         || case when e.state = 'draft' then ', once the event is scheduled' else '' end);
    end if;
    p := scc.roster_live_place(e.id, v_user);
    if p.id is null or p.state = 'waitlisted' then
        perform scc.fail(404, 'place_not_found', 'this person holds no place on this event');
    end if;
    if v_status = 'checked_in' then
        hold := scc.guest_hold(e, p);
        if hold is not null then
            perform scc.fail(409, 'guest_on_hold', 'this guest is on waiver hold (' || hold || '): they cannot be checked in');
        end if;
    end if;
    if p.checkin is distinct from v_status then
        perform scc.audit(ctx, case when v_status is null then 'checkin.clear' else 'checkin.set' end,
                          'event_role', p.id::text,
                          jsonb_build_object('checkin', p.checkin, 'checkin_at', scc.iso(p.checkin_at)),
                          jsonb_build_object('event_id', e.id, 'user_id', p.user_id, 'role', p.role,
                                             'checkin', v_status));
        update scc.event_roles as r
           set checkin = v_status,
               checkin_at = case when v_status is null then null else clock_timestamp() end,
               checkin_by = case when v_status is null then null else actor end
         where r.id = p.id
        returning * into p;
    end if;
    m := scc.manifest_json(e);
    return (200, json_build_object(
                'person', scc.manifest_row_json(e, p),
                'counts', m -> 'counts'))::scc_api.response;
end
$$;
comment on function scc_api.event_checkin(jsonb) is
    'POST /api/events/:id/check-in: the event''s captain and crew, admins: checked_in, no_show or clear, from 2 h before departure; never a held guest; audited';
revoke execute on function scc_api.event_checkin(jsonb) from public;
grant execute on function scc_api.event_checkin(jsonb) to scc_web;

-- ---------------------------------------------------------------------------
-- Waiver completion, kept for the reports
-- ---------------------------------------------------------------------------

-- The worker's `waiver_completion` job ({event_id, moment, departure_at},
-- moment t_minus_24h or departure) calls this.  Nothing when the event is
-- gone, a draft or cancelled, departs at another time than the payload
-- says (a job for the new time was queued), or requires no waiver.  Else
-- the figure of that moment (see the decisions at the top) is written to
-- scc.waiver_completion, replacing an earlier one of the same moment.
-- Returns 'recorded <valid>/<manifested>' or 'skipped: <why>'.  22023
-- bad_payload on a malformed payload.
create function scc.waiver_completion_record(payload jsonb)
returns text
language plpgsql
security definer
set search_path = pg_catalog, scc
as $$
declare
    v_id     uuid;
    v_dep    timestamptz;
    v_moment text := payload ->> 'moment';
    e        scc.events;
    v_man    integer;
    v_valid  integer;
begin
    begin
        v_id := (payload ->> 'event_id')::uuid;
        v_dep := (payload ->> 'departure_at')::timestamptz;
    exception when others then
        v_id := null;
    end;
    if v_id is null or v_dep is null or v_moment is null or v_moment not in ('t_minus_24h', 'departure') then
        raise exception using errcode = '22023', detail = 'bad_payload',
            message = 'waiver_completion needs {"event_id": uuid, "moment": "t_minus_24h"|"departure", "departure_at": timestamp}';
    end if;
    select * into e from scc.events as x where x.id = v_id;
    if e.id is null then
        return 'skipped: no such event';
    end if;
    if e.state in ('draft', 'cancelled') then
        return 'skipped: the event is ' || e.state;
    end if;
    if e.departure_at <> v_dep then
        return 'skipped: the departure moved';
    end if;
    if e.waiver_version_id is null then
        return 'skipped: the event requires no waiver';
    end if;
    select count(*), count(*) filter (where scc.guest_hold_unreleased(e, r) is null)
      into v_man, v_valid
      from scc.event_roles as r
     where r.event_id = e.id and r.role = 'guest' and r.state in ('claimed', 'designated', 'confirmed');
    insert into scc.waiver_completion as w (event_id, moment, manifested, valid, computed_at)
    values (e.id, v_moment, v_man, v_valid, now())
    on conflict (event_id, moment) do update
       set manifested = excluded.manifested, valid = excluded.valid, computed_at = excluded.computed_at;
    return format('recorded %s/%s', v_valid, v_man);
end
$$;
comment on function scc.waiver_completion_record(jsonb) is
    'job waiver_completion: record valid ÷ manifested guests of an event at T-24 h or departure (released holds not valid)';
revoke execute on function scc.waiver_completion_record(jsonb) from public;
grant execute on function scc.waiver_completion_record(jsonb) to scc_worker;

-- An event entering scheduled (or boarding) or whose departure moves while
-- it is scheduled or boarding queues its two completion jobs: at T-24 h (at
-- once when that is past) and at departure.  The unique keys carry the
-- departure, so a moved departure queues new jobs and the old ones skip.
create function scc.events_queue_waiver_completion()
returns trigger
language plpgsql
as $$
begin
    if new.state in ('scheduled', 'boarding')
       and (tg_op = 'INSERT' or old.state not in ('scheduled', 'boarding')
            or old.departure_at <> new.departure_at) then
        perform scc.enqueue_job('waiver_completion',
                    jsonb_build_object('event_id', new.id, 'moment', 't_minus_24h',
                                       'departure_at', scc.iso(new.departure_at)),
                    run_at => greatest(new.departure_at - interval '24 hours', now()),
                    unique_key => 'waiver_completion:' || new.id || ':t_minus_24h:' || scc.iso(new.departure_at));
        perform scc.enqueue_job('waiver_completion',
                    jsonb_build_object('event_id', new.id, 'moment', 'departure',
                                       'departure_at', scc.iso(new.departure_at)),
                    run_at => new.departure_at,
                    unique_key => 'waiver_completion:' || new.id || ':departure:' || scc.iso(new.departure_at));
    end if;
    return null;
end
$$;
comment on function scc.events_queue_waiver_completion() is
    'trigger: queue the waiver_completion jobs (T-24 h, departure) of an event scheduled or moved';
create trigger events_queue_waiver_completion after insert or update of state, departure_at on scc.events
    for each row execute function scc.events_queue_waiver_completion();
