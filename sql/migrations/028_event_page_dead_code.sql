-- 028_event_page_dead_code.sql — what 026 and 027 left unused.
--
--   * scc.event_timing_json(e, at): since 026 the build lays the overdue
--     flag (scc.event_overdue_at) over the sun's part (scc.event_sun_json)
--     itself, once for each side of the clock; nothing calls it.
--   * scc.event_page_assemble: every row it is given is built (the read
--     builds a stale or missing one first, and a built row always has
--     you_by_role, event_pages_you_by_role_check), so the branch for a row
--     without the kept part never ran.

drop function scc.event_timing_json(scc.events, timestamptz);

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
        'you', case when p.places ? actor_id::text
                    then scc.event_you_json(p, actor_id, actor_role)
                    else (p.you_by_role -> actor_role)::json end,
        'transitions', case when flipped then p.transitions_flipped else p.transitions end);
end
$$;
