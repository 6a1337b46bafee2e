-- 026_waiver_review.sql — two mends after issue 10's parts came together.
--
--   * The hold and the dock chose a guest's signature with the same query
--     twice (021's scc.guest_hold, 025's scc.guest_valid_signature): the
--     hold now asks the dock's function, so the manifest shows the very
--     signature the hold judged.
--   * The kept event page computed the sun twice a build (the timing is
--     kept on both sides of the clock's instant, 020): the sun and the
--     duration are computed once (scc.event_sun_json) and the overdue flag
--     laid over them for each side.  A roster change rebuilds its page, so
--     this is time taken from every claim.

-- The hold (021's rule, unchanged): the signature from
-- scc.guest_valid_signature.
create or replace function scc.guest_hold(e scc.events, r scc.event_roles)
returns text
language plpgsql
stable
as $$
declare
    d     date := (e.departure_at at time zone e.time_zone)::date;
    s     scc.waiver_signatures;
    v_req integer;
    v_ver integer;
begin
    if r.role <> 'guest' or r.state not in ('claimed', 'designated', 'confirmed', 'waitlisted')
       or r.hold_released_at is not null or e.waiver_version_id is null then
        return null;
    end if;
    s := scc.guest_valid_signature(e, r.user_id);
    if s.id is null then
        return 'waiver_missing';
    end if;
    select v.version into v_req from scc.waiver_versions as v where v.id = e.waiver_version_id;
    select v.version into v_ver from scc.waiver_versions as v where v.id = s.version_id;
    if v_ver < v_req then
        return 'waiver_outdated';
    end if;
    if exists (select 1 from jsonb_array_elements(r.minors) as m
                where not exists (select 1 from jsonb_array_elements(s.minors) as c
                                   where lower(btrim(c ->> 'name')) = lower(btrim(m ->> 'name'))
                                     and c ->> 'date_of_birth' = m ->> 'date_of_birth')) then
        return 'minors_not_covered';
    end if;
    if exists (select 1 from jsonb_array_elements(r.minors) as m
                where (m ->> 'date_of_birth')::date <= d - interval '18 years') then
        return 'minor_now_adult';
    end if;
    return null;
end
$$;

-- The timing panel without the clock: the sun on the departure's local
-- date at the boat's home port, the duration, and whether the return falls
-- after sunset or civil dusk (of the return's local date).
create function scc.event_sun_json(e scc.events)
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
        'return_after_civil_dusk', e.return_at > r.civil_dusk);
end
$$;
comment on function scc.event_sun_json(scc.events) is
    'the event page''s timing without the clock: sun times at the home port, duration, return after sunset/dusk';

-- Whether the event is overdue at instant `at`: still underway from its
-- return + grace on.
create function scc.event_overdue_at(e scc.events, at timestamptz)
returns boolean
language sql
immutable
as $$
    select e.state = 'underway' and at >= e.return_at + e.overdue_grace
$$;
comment on function scc.event_overdue_at(scc.events, timestamptz) is
    'whether the event is overdue at an instant: underway from return + grace on';

-- 020's timing at an instant: the sun's part and the clock's.
create or replace function scc.event_timing_json(e scc.events, at timestamptz)
returns jsonb
language plpgsql
stable
as $$
begin
    return scc.event_sun_json(e) || jsonb_build_object('overdue', scc.event_overdue_at(e, at));
end
$$;

-- 021's build, with the sun computed once for both sides of the clock.
create or replace function scc.event_page_build(e scc.events)
returns scc.event_pages
language plpgsql
stable
as $$
declare
    needs  jsonb := scc.event_needs_json(e);
    flip   timestamptz := scc.event_clock_flip(e);
    roster jsonb := scc.event_roster_json(e);
    sun    jsonb := scc.event_sun_json(e);
begin
    return (e.id, false, scc.event_json(e)::json, roster::json,
            scc.event_checklist_json(e)::json,
            (sun || jsonb_build_object('overdue', scc.event_overdue_at(e, '-infinity')))::json,
            scc.event_transitions_json(e, needs, '-infinity')::json,
            flip,
            case when flip is not null
                 then (sun || jsonb_build_object('overdue', scc.event_overdue_at(e, flip)))::json end,
            case when flip is not null then scc.event_transitions_json(e, needs, flip)::json end,
            e.state, e.departure_at - e.release_cutoff,
            (select coalesce(jsonb_object_agg(x ->> 'user_id', jsonb_build_object(
                                 'id', x -> 'id', 'role', x -> 'role', 'state', x -> 'state',
                                 'position', x -> 'position', 'hold', x -> 'hold')), '{}'::jsonb)
               from jsonb_array_elements(roster -> 'people') as x),
            now())::scc.event_pages;
end
$$;
