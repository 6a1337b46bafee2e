-- 027_event_page_you.sql — the caller's part of the event page, kept for
-- those without a place.
--
-- After 020 a read of the event page cost about one and a half times an
-- authenticated single-row read, and most of the difference was the
-- caller's part ("you"), computed on every read.  For a caller without a
-- live place on the event that part depends on nothing but their role and
-- the event's state (their place, their next step and the release cutoff
-- only matter to someone holding a place), so it is built with the page,
-- once per role, and a read by someone without a place copies it.  A
-- caller with a place is still answered by scc.event_you_json, the one
-- statement of the rules.  tests/sql/event_pages.sql compares the read page
-- with the built one for callers with and without places.
--
-- The build now fills the row by name, and one function writes it
-- (scc.event_page_store), so that the next column is added in three places
-- that say so, not in a positional row and two column lists.

alter table scc.event_pages add column you_by_role jsonb;
comment on column scc.event_pages.you_by_role is
    'the page''s "you" for a caller without a live place, by role (guest, crew, captain, admin)';

-- 026's build (the sun once, both sides of the clock), filled by name, and
-- the caller's part for each role without a place.
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
    p      scc.event_pages;
begin
    p.event_id := e.id;
    p.stale := false;
    p.event := scc.event_json(e)::json;
    p.roster := roster::json;
    p.checklist := scc.event_checklist_json(e)::json;
    p.timing := (sun || jsonb_build_object('overdue', scc.event_overdue_at(e, '-infinity')))::json;
    p.transitions := scc.event_transitions_json(e, needs, '-infinity')::json;
    p.flips_at := flip;
    if flip is not null then
        p.timing_flipped := (sun || jsonb_build_object('overdue', scc.event_overdue_at(e, flip)))::json;
        p.transitions_flipped := scc.event_transitions_json(e, needs, flip)::json;
    end if;
    p.state := e.state;
    p.release_cutoff_at := e.departure_at - e.release_cutoff;
    p.places := (select coalesce(jsonb_object_agg(x ->> 'user_id', jsonb_build_object(
                                     'id', x -> 'id', 'role', x -> 'role', 'state', x -> 'state',
                                     'position', x -> 'position', 'hold', x -> 'hold')), '{}'::jsonb)
                   from jsonb_array_elements(roster -> 'people') as x);
    p.you_by_role := jsonb_build_object(
        'guest', scc.event_you_json(p, null, 'guest')::jsonb,
        'crew', scc.event_you_json(p, null, 'crew')::jsonb,
        'captain', scc.event_you_json(p, null, 'captain')::jsonb,
        'admin', scc.event_you_json(p, null, 'admin')::jsonb);
    p.built_at := now();
    return p;
end
$$;

-- Writes a built page over the event's row (the settle trigger, and
-- migrations that rebuild every page).
create function scc.event_page_store(b scc.event_pages)
returns void
language sql
as $$
    update scc.event_pages as p
       set (stale, event, roster, checklist, timing, transitions, flips_at, timing_flipped,
            transitions_flipped, state, release_cutoff_at, places, you_by_role, built_at)
         = (b.stale, b.event, b.roster, b.checklist, b.timing, b.transitions, b.flips_at,
            b.timing_flipped, b.transitions_flipped, b.state, b.release_cutoff_at, b.places,
            b.you_by_role, b.built_at)
     where p.event_id = b.event_id
$$;
comment on function scc.event_page_store(scc.event_pages) is
    'writes a built event page over its row in scc.event_pages';

-- 020's settle, storing through scc.event_page_store.
create or replace function scc.event_pages_settle()
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
        perform scc.event_page_store(scc.event_page_build(e));
    end loop;
    return null;
end
$$;

-- The page for one caller: the shared parts (the clock's side of them
-- picked by now()), and their part: kept for a caller without a place,
-- computed for one with a place.
create or replace function scc.event_page_assemble(p scc.event_pages, actor_id uuid, actor_role text)
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
        'you', case when p.places ? actor_id::text or p.you_by_role is null
                    then scc.event_you_json(p, actor_id, actor_role)
                    else (p.you_by_role -> actor_role)::json end,
        'transitions', case when flipped then p.transitions_flipped else p.transitions end);
end
$$;

-- Every page again, with its new column.
do $$
begin
    perform scc.event_page_store(scc.event_page_build(e)) from scc.events as e;
end
$$;
alter table scc.event_pages add constraint event_pages_you_by_role_check
    check (stale or you_by_role is not null);
