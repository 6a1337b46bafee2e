-- 020_event_page_cache.sql — the event page is read from a row kept up to
-- date by the writes that change it.
--
-- GET /api/events/:id is the page crew and guests open on a phone at the
-- dock, many times for every write.  Built from the tables it cost about
-- 1.7 ms of PostgreSQL a call (019), and at 64 connections on 2 cores that
-- is a p99 far above the goal (tests/bench/RESULTS.md).  Most of the page is
-- the same for every caller and changes only when someone writes: the
-- event with its boat, the sun, the roster, the checklist, and what each
-- next state still needs.  That part is now built once per write and kept
-- in scc.event_pages; a read adds the caller's part ("you": their own
-- place and what they may do), which reads one row.
--
-- The clock: in each state at most one instant changes what the page
-- says without a write (a draft's departure passes: "departure_passed";
-- boarding opens 2 h before departure: no more "too_early"; an underway
-- event's return + grace passes: overdue).  The row keeps that instant
-- (flips_at) and the timing and transitions on both sides of it; a read
-- picks one by comparing now() with it.
--
-- How the row stays right (the invariant: a page row that is not stale
-- was built from data at least as new as any a reader's snapshot holds):
--   1. every table whose rows the page shows has an AFTER ROW trigger,
--      scc.event_pages_mark, that marks the affected events' pages stale
--      with an UPDATE.  The update takes the page row's lock and keeps it
--      until the transaction ends, so two writers of one event's page
--      queue on it;
--   2. a deferred constraint trigger on the same tables,
--      scc.event_pages_settle, rebuilds the stale pages at commit, each
--      from a new snapshot (READ COMMITTED takes one per statement), after
--      the lock is held: it sees every writer that went before and its own
--      transaction's changes, and every writer after it waits for it;
--   3. a transaction that is not READ COMMITTED (its snapshot could miss a
--      writer that went before) leaves its pages stale, and so does a
--      change of a person's name or a boat for events that are closed or
--      cancelled: a read of a stale or missing row builds the page from
--      the tables, as before this migration.
-- The page read and the rows beside it come from one snapshot (the route
-- is stable), and a writer that committed before it rewrote the row, so
-- the two agree.  tests/sql/event_pages.sql compares the cached page with
-- one built from the tables after each kind of write.

-- ---------------------------------------------------------------------------
-- The table
-- ---------------------------------------------------------------------------

-- One row per event: the page's parts that are the same for every caller,
-- as the page writes them (json: a read copies them into its answer
-- without parsing them again).  timing and transitions hold before
-- flips_at, timing_flipped and transitions_flipped from it on; an event
-- whose page the clock does not change has no flips_at and no second
-- pair.  What the caller's part is computed from, so that a read needs no
-- other row: the event's state, its release cutoff, and its live places
-- by person (places: {user_id: {id, role, state, position}}).
create table scc.event_pages (
    event_id             uuid not null,
    stale                boolean not null default true,
    event                json,
    roster               json,
    checklist            json,
    timing               json,
    transitions          json,
    flips_at             timestamptz,
    timing_flipped       json,
    transitions_flipped  json,
    state                text,
    release_cutoff_at    timestamptz,
    places               jsonb,
    built_at             timestamptz,
    constraint event_pages_pkey primary key (event_id),
    constraint event_pages_event_id_fkey foreign key (event_id) references scc.events (id) on delete cascade,
    constraint event_pages_built_check check (stale or (event is not null and roster is not null
                                                        and checklist is not null and timing is not null
                                                        and transitions is not null and state is not null
                                                        and release_cutoff_at is not null
                                                        and places is not null and built_at is not null)),
    constraint event_pages_flipped_check check ((flips_at is null) = (timing_flipped is null)
                                                and (flips_at is null) = (transitions_flipped is null))
);
comment on table scc.event_pages is
    'the event page''s shared parts, rebuilt at the commit of every write that changes them (020)';

-- ---------------------------------------------------------------------------
-- The page's parts
-- ---------------------------------------------------------------------------

-- Who may read an event (015's rule, now in one place): captain+ every
-- event, crew every event past draft, anyone an event where they hold a
-- live place.
create function scc.event_visible_to(state text, actor_role text, has_place boolean)
returns boolean
language sql
immutable
as $$
    select actor_role in ('captain', 'admin') or (actor_role = 'crew' and state <> 'draft') or has_place
$$;
comment on function scc.event_visible_to(text, text, boolean) is
    'whether a caller may read an event: captain+ all, crew past draft, anyone with a live place on it';

-- scc.event_visible on the rule above, PL/pgSQL so that the place is looked
-- up only when the role does not answer (as an inlined expression with a
-- row argument it was planned on every call: four times the cost of the
-- rest of scc.event_for).
create or replace function scc.event_visible(e scc.events, actor_id uuid, actor_role text)
returns boolean
language plpgsql
stable
as $$
begin
    if scc.event_visible_to(e.state, actor_role, false) then
        return true;
    end if;
    return scc.event_visible_to(e.state, actor_role,
                                exists (select 1 from scc.event_roles as r
                                         where r.event_id = e.id and r.user_id = actor_id
                                           and r.state in ('claimed', 'designated', 'confirmed', 'waitlisted')));
end
$$;

-- The one instant at which the clock changes the page of an event in its
-- state, or null: a draft's departure (from then on it can't be
-- scheduled), 2 h before a scheduled event's departure (boarding opens),
-- an underway event's return + grace (overdue).
create function scc.event_clock_flip(e scc.events)
returns timestamptz
language sql
immutable
as $$
    select case e.state
        when 'draft' then e.departure_at
        when 'scheduled' then e.departure_at - interval '2 hours'
        when 'underway' then e.return_at + e.overdue_grace
        end
$$;
comment on function scc.event_clock_flip(scc.events) is
    'the instant the clock changes the event page in the event''s state (departure, boarding opens, overdue), or null';

-- What the clock refuses at instant `at` of a move to `target`: scheduled
-- from the departure on, boarding before it opens.  One expression
-- without a FROM: inlined where it is called.
create function scc.event_missing_now(e scc.events, target text, at timestamptz)
returns jsonb
language sql
stable
as $$
    select case
        when target = 'scheduled' and at >= e.departure_at then
            jsonb_build_array(jsonb_build_object(
                'code', 'departure_passed', 'message', 'the departure time has passed: change it first'))
        when target = 'boarding' and at < e.departure_at - interval '2 hours' then
            jsonb_build_array(jsonb_build_object(
                'code', 'too_early', 'message', 'boarding opens 2 hours before departure',
                'opens_at', scc.iso(e.departure_at - interval '2 hours')))
        else '[]'::jsonb end
$$;
comment on function scc.event_missing_now(scc.events, text, timestamptz) is
    'what the clock refuses at an instant of a move to the target state (departure_passed, too_early), [] else';

-- What the data still misses for a move to `target`: underway needs a
-- confirmed captain, crew (claimed/designated/confirmed) >= crew_min and
-- every required pre item answered; closed every required post item.
create function scc.event_missing_data(e scc.events, target text)
returns jsonb
language plpgsql
stable
as $$
begin
    if target not in ('underway', 'closed') then
        return '[]'::jsonb;
    end if;
    return (
    select coalesce(jsonb_agg(m.item order by m.n), '[]'::jsonb)
      from (
        select 3 as n, jsonb_build_object('code', 'no_confirmed_captain',
                                          'message', 'the event needs a confirmed captain') as item
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
           and i.phase = case target when 'underway' then 'pre' else 'post' end
           and not exists (select 1 from scc.checklist_answers as a where a.item_id = i.id)
      ) as m
    );
end
$$;
comment on function scc.event_missing_data(scc.events, text) is
    'what the data misses for a move to the target state (captain, crew, required items), [] else';

-- The guards of 015, now the clock's part followed by the data's (the same
-- items in the same order).
create or replace function scc.event_missing(e scc.events, target text)
returns jsonb
language plpgsql
stable
as $$
begin
    return scc.event_missing_now(e, target, now()) || scc.event_missing_data(e, target);
end
$$;

-- The data's part of every next state: {state: [missing...]}.
create function scc.event_needs_json(e scc.events)
returns jsonb
language plpgsql
stable
as $$
declare
    needs jsonb := '{}'::jsonb;
    s     text;
begin
    foreach s in array scc.event_next_states(e.state) loop
        needs := needs || jsonb_build_object(s, scc.event_missing_data(e, s));
    end loop;
    return needs;
end
$$;
comment on function scc.event_needs_json(scc.events) is
    'per next state, what the data still misses: the cached part of the page''s transitions';

-- The page's transitions at instant `at`, from the data's needs.
create function scc.event_transitions_json(e scc.events, needs jsonb, at timestamptz)
returns jsonb
language plpgsql
stable
as $$
declare
    out     jsonb := '[]'::jsonb;
    missing jsonb;
    s       text;
begin
    foreach s in array scc.event_next_states(e.state) loop
        missing := scc.event_missing_now(e, s, at) || coalesce(needs -> s, '[]'::jsonb);
        out := out || jsonb_build_array(jsonb_build_object(
                   'to', s, 'allowed', missing = '[]'::jsonb, 'missing', missing));
    end loop;
    return out;
end
$$;
comment on function scc.event_transitions_json(scc.events, jsonb, timestamptz) is
    'the page''s transitions [{to, allowed, missing}] at an instant, from the data''s needs';

create or replace function scc.event_transitions_json(e scc.events)
returns jsonb
language plpgsql
stable
as $$
begin
    return scc.event_transitions_json(e, scc.event_needs_json(e), now());
end
$$;

-- The timing panel at instant `at`: the sun on the departure's local date
-- at the boat's home port, the duration, whether the return falls after
-- sunset or civil dusk (of the return's local date), and overdue (still
-- underway from return + grace on).
create or replace function scc.event_timing_json(e scc.events, at timestamptz)
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
        'overdue', e.state = 'underway' and at >= e.return_at + e.overdue_grace);
end
$$;
comment on function scc.event_timing_json(scc.events, timestamptz) is
    'the event page''s timing at an instant: sun times at the home port, duration, return after sunset/dusk, overdue';
drop function scc.event_timing_json(scc.events);

-- The shared parts of an event's page, built from the tables: both sides
-- of the clock's instant ("before" as at -infinity: every rule of the
-- clock reads the same at any instant before flips_at), and the live
-- places by person, from the roster (the same positions).
create function scc.event_page_build(e scc.events)
returns scc.event_pages
language plpgsql
stable
as $$
declare
    needs  jsonb := scc.event_needs_json(e);
    flip   timestamptz := scc.event_clock_flip(e);
    roster jsonb := scc.event_roster_json(e);
begin
    return (e.id, false, scc.event_json(e)::json, roster::json,
            scc.event_checklist_json(e)::json,
            scc.event_timing_json(e, '-infinity')::json,
            scc.event_transitions_json(e, needs, '-infinity')::json,
            flip,
            case when flip is not null then scc.event_timing_json(e, flip)::json end,
            case when flip is not null then scc.event_transitions_json(e, needs, flip)::json end,
            e.state, e.departure_at - e.release_cutoff,
            (select coalesce(jsonb_object_agg(x ->> 'user_id', jsonb_build_object(
                                 'id', x -> 'id', 'role', x -> 'role', 'state', x -> 'state',
                                 'position', x -> 'position')), '{}'::jsonb)
               from jsonb_array_elements(roster -> 'people') as x),
            now())::scc.event_pages;
end
$$;
comment on function scc.event_page_build(scc.events) is
    'the event page''s shared parts built from the tables (event, roster, checklist; timing and transitions both sides of the clock; places by person)';

-- The caller's part of the page, from the page's row alone: {places:
-- [{id, role, state, position}], may: {edit, transition, copy, designate,
-- override, answer, claim, release}}.  The rules of 014-016 in one place
-- (it replaces scc.event_places_json and scc.event_may_json): the event's
-- captain (a live captain place, not waiting) and admins edit, move and
-- designate while the event is open; crew with such a place, the captain
-- and admins answer its checklists from scheduled to returned; someone
-- without a live place may claim while it is scheduled or boarding (crew:
-- crew; captain+: captain or crew); a place may be released until the
-- event leaves, before the cutoff by its holder, after it only from a
-- waitlist, by the event's captain or by an admin.  A person holds at most
-- one live place on an event (event_roles_one_live_idx).
create function scc.event_you_json(p scc.event_pages, actor_id uuid, actor_role text)
returns json
language plpgsql
stable
as $$
declare
    place   jsonb := p.places -> actor_id::text;
    admin   boolean := actor_role = 'admin';
    is_open boolean := p.state not in ('closed', 'cancelled');
    held    boolean := coalesce(place ->> 'state' <> 'waitlisted', false);
    captain boolean := held and place ->> 'role' = 'captain';
    crew    boolean := held and place ->> 'role' = 'crew';
begin
    return json_build_object(
        'places', case when place is null then '[]'::jsonb else jsonb_build_array(place) end,
        'may', json_build_object(
            'edit', (admin or captain) and is_open,
            'transition', (admin or captain) and is_open,
            'copy', scc.role_rank(actor_role) >= scc.role_rank('captain'),
            'designate', (admin or captain) and p.state in ('draft', 'scheduled', 'boarding'),
            'override', admin and is_open,
            'answer', (admin or captain or crew) and p.state in ('scheduled', 'boarding', 'underway', 'returned'),
            'claim', case when place is not null or p.state not in ('scheduled', 'boarding') then '[]'::jsonb
                          when actor_role in ('captain', 'admin') then '["captain", "crew"]'::jsonb
                          when actor_role = 'crew' then '["crew"]'::jsonb
                          else '[]'::jsonb end,
            'release', place is not null
                       and p.state in ('draft', 'scheduled', 'boarding')
                       and (now() < p.release_cutoff_at or admin or not held or captain)));
end
$$;
comment on function scc.event_you_json(scc.event_pages, uuid, text) is
    'the event page''s "you" from its row: the caller''s live place and what they may do (edit, claim, release, ...)';
drop function scc.event_places_json(scc.events, uuid, text);
drop function scc.event_may_json(scc.events, uuid, text);

-- The page for one caller: the shared parts (the clock's side of them
-- picked by now()) and the caller's part.
create function scc.event_page_assemble(p scc.event_pages, actor_id uuid, actor_role text)
returns json
language plpgsql
stable
as $$
declare
    flipped boolean := coalesce(now() >= p.flips_at, false);
begin
    return json_build_object(
        'event', p.event,
        'timing', case when flipped then p.timing_flipped else p.timing end,
        'roster', p.roster,
        'checklist', p.checklist,
        'you', scc.event_you_json(p, actor_id, actor_role),
        'transitions', case when flipped then p.transitions_flipped else p.transitions end);
end
$$;
comment on function scc.event_page_assemble(scc.event_pages, uuid, text) is
    'the event page for one caller from its row: the clock''s side of the shared parts and the caller''s part';

-- The page built from the tables (the routes that change an event answer
-- with it, inside their own transaction).  json now: a read copies the
-- cached parts into it as they are.
drop function scc.event_page_json(scc.events, uuid, text);
create function scc.event_page_json(e scc.events, actor_id uuid, actor_role text)
returns json
language plpgsql
stable
as $$
begin
    return scc.event_page_assemble(scc.event_page_build(e), actor_id, actor_role);
end
$$;
comment on function scc.event_page_json(scc.events, uuid, text) is
    'the event page for one caller, built from the tables (event, timing, roster, checklist, you, transitions)';

-- ---------------------------------------------------------------------------
-- Keeping the rows: mark at the write, build at commit
-- ---------------------------------------------------------------------------

-- The events a written row shows on: its event; for a person or a boat,
-- every event they appear on (open ones only when open_only).
create function scc.event_pages_of(tab text, r jsonb, open_only boolean)
returns setof uuid
language plpgsql
stable
as $$
begin
    case tab
    when 'events' then
        return next (r ->> 'id')::uuid;
    when 'event_roles', 'event_checklist_items' then
        return next (r ->> 'event_id')::uuid;
    when 'checklist_answers' then
        return query select i.event_id from scc.event_checklist_items as i
                      where i.id = (r ->> 'item_id')::uuid;
    when 'users' then
        return query select e.id
                       from scc.events as e
                      where (e.id in (select x.event_id from scc.event_roles as x
                                       where x.user_id = (r ->> 'id')::uuid)
                             or e.id in (select i.event_id
                                           from scc.checklist_answers as a
                                           join scc.event_checklist_items as i on i.id = a.item_id
                                          where a.answered_by = (r ->> 'id')::uuid))
                        and (not open_only or e.state not in ('closed', 'cancelled'))
                      order by e.id;
    when 'boats' then
        return query select e.id from scc.events as e
                      where e.boat_id = (r ->> 'id')::uuid
                        and (not open_only or e.state not in ('closed', 'cancelled'))
                      order by e.id;
    end case;
end
$$;
comment on function scc.event_pages_of(text, jsonb, boolean) is
    'the events whose page shows a row of the given table (a person''s or a boat''s: all, or the open ones)';

-- AFTER ROW, immediate: the affected pages are stale, and their rows are
-- locked until this transaction ends.  A new event gets its row here.
create function scc.event_pages_mark()
returns trigger
language plpgsql
security definer
set search_path = pg_catalog, scc
as $$
declare
    ids uuid[];
begin
    if tg_table_name = 'events' and tg_op = 'INSERT' then
        insert into scc.event_pages (event_id) values (new.id);
        return null;
    end if;
    ids := array(select scc.event_pages_of(tg_table_name,
                                           to_jsonb(case when tg_op = 'DELETE' then old else new end), false));
    if tg_op = 'UPDATE' and tg_table_name not in ('events', 'users', 'boats') then
        ids := ids || array(select scc.event_pages_of(tg_table_name, to_jsonb(old), false));  -- a row moved
    end if;
    update scc.event_pages as p set stale = true where p.event_id = any (ids);
    return null;
end
$$;
comment on function scc.event_pages_mark() is
    'trigger: marks the pages a written row shows on stale and holds their rows until commit (020)';

-- Deferred to commit: build each stale page this row shows on, from a new
-- snapshot, now that its row is held.  Outside READ COMMITTED the pages
-- stay stale (reads build them).  A person's or a boat's change builds
-- the pages of open events only.
create function scc.event_pages_settle()
returns trigger
language plpgsql
security definer
set search_path = pg_catalog, scc
as $$
declare
    r   jsonb := to_jsonb(case when tg_op = 'DELETE' then old else new end);
    eid uuid;
    e   scc.events;
begin
    if current_setting('transaction_isolation') <> 'read committed' then
        return null;
    end if;
    for eid in select scc.event_pages_of(tg_table_name, r, tg_table_name in ('users', 'boats')) loop
        perform 1 from scc.event_pages as p where p.event_id = eid and p.stale;
        continue when not found;
        select * into e from scc.events as x where x.id = eid;
        update scc.event_pages as p
           set (stale, event, roster, checklist, timing, transitions, flips_at, timing_flipped,
                transitions_flipped, state, release_cutoff_at, places, built_at)
             = (b.stale, b.event, b.roster, b.checklist, b.timing, b.transitions, b.flips_at,
                b.timing_flipped, b.transitions_flipped, b.state, b.release_cutoff_at, b.places, b.built_at)
          from scc.event_page_build(e) as b
         where p.event_id = eid;
    end loop;
    return null;
end
$$;
comment on function scc.event_pages_settle() is
    'deferred trigger: rebuilds at commit the stale pages a written row shows on (020)';

create trigger event_pages_mark after insert or update on scc.events
    for each row execute function scc.event_pages_mark();
create trigger event_pages_mark after insert or update or delete on scc.event_roles
    for each row execute function scc.event_pages_mark();
create trigger event_pages_mark after insert or update or delete on scc.event_checklist_items
    for each row execute function scc.event_pages_mark();
create trigger event_pages_mark after insert or update or delete on scc.checklist_answers
    for each row execute function scc.event_pages_mark();
create trigger event_pages_mark after update on scc.users
    for each row when (old.name is distinct from new.name)
    execute function scc.event_pages_mark();
create trigger event_pages_mark after update on scc.boats
    for each row when ((old.name, old.port_name, old.port_lat, old.port_lon, old.time_zone)
                       is distinct from (new.name, new.port_name, new.port_lat, new.port_lon, new.time_zone))
    execute function scc.event_pages_mark();

create constraint trigger event_pages_settle after insert or update on scc.events
    deferrable initially deferred
    for each row execute function scc.event_pages_settle();
create constraint trigger event_pages_settle after insert or update or delete on scc.event_roles
    deferrable initially deferred
    for each row execute function scc.event_pages_settle();
create constraint trigger event_pages_settle after insert or update or delete on scc.event_checklist_items
    deferrable initially deferred
    for each row execute function scc.event_pages_settle();
create constraint trigger event_pages_settle after insert or update or delete on scc.checklist_answers
    deferrable initially deferred
    for each row execute function scc.event_pages_settle();
create constraint trigger event_pages_settle after update on scc.users
    deferrable initially deferred
    for each row when (old.name is distinct from new.name)
    execute function scc.event_pages_settle();
create constraint trigger event_pages_settle after update on scc.boats
    deferrable initially deferred
    for each row when ((old.name, old.port_name, old.port_lat, old.port_lon, old.time_zone)
                       is distinct from (new.name, new.port_name, new.port_lat, new.port_lon, new.time_zone))
    execute function scc.event_pages_settle();

-- The events that exist already get their rows, built.
insert into scc.event_pages (event_id, stale, event, roster, checklist, timing, transitions, flips_at,
                             timing_flipped, transitions_flipped, state, release_cutoff_at, places, built_at)
select b.event_id, b.stale, b.event, b.roster, b.checklist, b.timing, b.transitions, b.flips_at,
       b.timing_flipped, b.transitions_flipped, b.state, b.release_cutoff_at, b.places, b.built_at
  from scc.events as e
 cross join lateral scc.event_page_build(e) as b;

-- ---------------------------------------------------------------------------
-- The route
-- ---------------------------------------------------------------------------

-- GET /api/events/:id (someone with a live place on it, crew+ once it is
-- past draft, captain+) → 200 the event page (sql/README.md): event, timing,
-- roster, checklist, you {places, may}, transitions; its shared parts from
-- scc.event_pages (built from the tables when the row is stale).
-- 400 invalid_id; 404 event_not_found (also for an event the caller may
-- not see).
create or replace function scc_api.event_get(ctx jsonb)
returns scc_api.response
language plpgsql
stable
security definer
set search_path = pg_catalog, scc
as $$
declare
    actor_role text := scc.require_role(ctx, 'guest');
    actor_id   uuid := (ctx -> 'actor' ->> 'id')::uuid;
    eid        uuid := scc.check_uuid(ctx -> 'params' ->> 'id', 'invalid_id', 'the event id');
    p          scc.event_pages;
begin
    select * into p from scc.event_pages as x where x.event_id = eid and not x.stale;
    if p.event_id is null then
        p := scc.event_page_build(scc.event_for(ctx, actor_role, false));
    elsif not scc.event_visible_to(p.state, actor_role, p.places ? actor_id::text) then
        perform scc.fail(404, 'event_not_found', 'no such event');
    end if;
    return (200, scc.event_page_assemble(p, actor_id, actor_role))::scc_api.response;
end
$$;
