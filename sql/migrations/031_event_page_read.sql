-- 031_event_page_read.sql — GET /api/events/:id read in one statement.
--
-- After 027 the page cost about 1.4–1.6 times an authenticated single-row
-- read, and what was left was PL/pgSQL's per-transaction work: each
-- function the read runs (the role check, two uuid checks with their
-- subtransactions, the row, the visibility rule, the assembly) compiles
-- its expressions again in every transaction, and the module runs one
-- call a transaction.  callgrind on a single-user backend (a prepared call
-- a transaction, the bench's admin on the demo's full sail): 522,000
-- instructions a call before; 406,000 with the one statement below;
-- 291,000-311,000 with the page's row also kept uncompressed (0.56-0.60 of
-- before; two stacks).  For scale: a function that only reads the
-- compressed row and returns its parts, 340,000; GET /api/users/:id's
-- function, 341,000.
--
-- The route now answers the common case with ONE statement: the caller's
-- user row (enabled), the kept page (not stale), the visibility rule for a
-- caller without a place, and the page assembled with the kept "you" of
-- the caller's role: exactly what scc.event_page_assemble answers for a
-- caller without a place.  Everything else goes to scc.event_get_slow,
-- the route as it was (027/028), which also gives every error: a missing
-- or refused token, a bad id, a stale or missing row, a caller with a
-- place, an event the caller may not see (guests without a place never
-- see one, so the fast path needs no role rank: the visibility rule only
-- lets captain, admin and crew through).  The invariant: the fast path
-- answers a request only when the slow path would answer it, and then
-- byte for byte the same (tests/sql/event_get_fast.sql).
--
-- The ids are matched as text, through an expression index on each
-- table's id written out as text in the "C" collation (memcmp), so that
-- the statement needs no uuid check: a string that is not a canonical
-- lower-case uuid finds no row and goes to the slow path, which refuses it
-- or (upper case) answers it.  Checking the shape first cost about 50,000
-- instructions a check however written (a regular expression builds its
-- automaton on every call; translate and ltrim walk the characters
-- multibyte by multibyte): two checks cost about what the one statement
-- saves.
--
-- What did not help (same measure): the statement as a `language sql`
-- route (planned again on every call: a fifth of the rate in pgbench);
-- the statement as `return coalesce((select ...), slow)` (an InitPlan:
-- 421,000); callers with a place in the fast path too (the whole-row value
-- scc.event_you_json needs is formed for every row the scan returns,
-- about 55,000 a call whether used or not); the kept "you" as json instead
-- of jsonb, to spare its cast (measured dearer: 453,000 against 421,000;
-- not pursued).

-- The two ids as the fast path matches them.
create index users_id_text_idx on scc.users ((id::text collate "C"));
create index event_pages_event_id_text_idx on scc.event_pages ((event_id::text collate "C"));

-- The page's parts uncompressed.  A built page is about 4-7 kB of json in
-- nine columns; at the default target (about 2 kB a row) pglz compressed
-- them and every read decompressed them again: about 95,000 instructions a
-- read, a quarter of it (with lz4 instead of pglz: still 65,000).  With
-- the target at its largest, a row is compressed only when it would not
-- fit a heap page alone; the table takes about a page a row (10,000
-- events: 80 MB), and a rebuild can no longer be a HOT update (two
-- versions of a row do not fit one page).  Every page is rebuilt here, so
-- that the rows already kept are written uncompressed (027 did the same).
alter table scc.event_pages set (toast_tuple_target = 8160);
do $$
begin
    perform scc.event_page_store(scc.event_page_build(e)) from scc.events as e;
end
$$;

-- The route as 027/028 left it: the role check, the id, the kept row (or
-- the page built from the tables when it is stale or missing), the
-- visibility rule, the caller's part.  Every refusal of the route is
-- raised here.
create function scc.event_get_slow(ctx jsonb)
returns scc_api.response
language plpgsql
stable
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
comment on function scc.event_get_slow(jsonb) is
    'GET /api/events/:id in full (role check, id, kept or built page, visibility, the caller''s part): the route''s path for every case its one statement does not answer';
revoke all on function scc.event_get_slow(jsonb) from public;

-- GET /api/events/:id (someone with a live place on it, crew+ once it is
-- past draft, captain+) → 200 the event page (sql/README.md): event, timing,
-- roster, checklist, you {places, may, next}, transitions; its shared parts
-- from scc.event_pages (built from the tables when the row is stale).
-- 401 unauthorized / invalid_token / user_disabled; 400 invalid_id; 404
-- event_not_found (also for an event the caller may not see).
-- One statement for an enabled caller without a place on a kept page they
-- may see; scc.event_get_slow for everything else (031).
create or replace function scc_api.event_get(ctx jsonb)
returns scc_api.response
language plpgsql
stable
security definer
set search_path = pg_catalog, scc
as $$
declare
    r scc_api.response;
begin
    select 200, json_build_object(
               'event', p.event,
               'timing', case when now() >= p.flips_at then p.timing_flipped else p.timing end,
               'roster', p.roster,
               'checklist', p.checklist,
               'you', (p.you_by_role -> u.role)::json,
               'transitions', case when now() >= p.flips_at then p.transitions_flipped else p.transitions end)
      into r
      from scc.users as u, scc.event_pages as p
     where (u.id::text collate "C") = ctx -> 'actor' ->> 'id'
       and (p.event_id::text collate "C") = ctx -> 'params' ->> 'id'
       and u.disabled_at is null
       and not p.stale
       and scc.event_visible_to(p.state, u.role, false)
       and not p.places ? (ctx -> 'actor' ->> 'id');
    if not found then
        return scc.event_get_slow(ctx);
    end if;
    return r;
end
$$;
comment on function scc_api.event_get(jsonb) is
    'GET /api/events/:id: the event page in one call (event, timing, roster, checklist, you, transitions)';
revoke all on function scc_api.event_get(jsonb) from public;
grant execute on function scc_api.event_get(jsonb) to scc_web;
