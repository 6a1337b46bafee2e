-- 019_event_page_plans.sql — the event page's helpers keep their plans.
--
-- GET /api/events/:id builds its answer from helpers (the roster, the
-- checklists, the caller's places and rights, each next transition and
-- what it misses).  Written in `language sql` with a FROM clause, a helper
-- can't be inlined into its caller, and PostgreSQL plans its query again
-- on every call of the route, which on the event page cost more than
-- running the queries.  The same bodies as PL/pgSQL keep their plans for
-- the life of the session (tests/bench/RESULTS.md has the figures).
-- Helpers whose body is one expression with no FROM (scc.event_json,
-- scc.event_visible, scc.is_event_captain, scc.iso) stay `language sql`:
-- those are inlined, which is cheaper still (sql/README.md, "Pinned search
-- paths, and helpers without one").
--
-- Nothing else changes: the same signatures, results and comments.

-- the body of 014_charter_tables.sql
create or replace function scc.event_roster_json(e scc.events)
returns jsonb
language plpgsql
stable
as $$
begin
    return (
    with live as (
        select r.id, r.user_id, u.name, r.role, r.state, r.since, r.queued_at,
               case when r.state = 'waitlisted'
                    then row_number() over (partition by r.role, r.state = 'waitlisted'
                                            order by r.queued_at, r.id) end as position
          from scc.event_roles as r
          join scc.users as u on u.id = r.user_id
         where r.event_id = e.id
           and r.state in ('claimed', 'designated', 'confirmed', 'waitlisted')
    ), fill as (
        select x.role,
               count(*) filter (where l.state in ('claimed', 'designated', 'confirmed')) as filled,
               count(*) filter (where l.state = 'waitlisted') as waitlisted
          from (values ('captain'), ('crew'), ('guest')) as x (role)
          left join live as l on l.role = x.role
         group by x.role
    )
    select jsonb_build_object(
        'capacity', (select jsonb_object_agg(f.role, jsonb_build_object(
                                 'min', case f.role when 'captain' then 1 when 'crew' then e.crew_min else 0 end,
                                 'max', case f.role when 'captain' then 1 when 'crew' then e.crew_max else e.guest_max end,
                                 'filled', f.filled,
                                 'waitlisted', f.waitlisted))
                       from fill as f),
        'people', coalesce((select jsonb_agg(jsonb_build_object(
                                 'id', l.id, 'user_id', l.user_id, 'name', l.name, 'role', l.role,
                                 'state', l.state, 'since', scc.iso(l.since), 'position', l.position)
                               order by case l.role when 'captain' then 0 when 'crew' then 1 else 2 end,
                                        l.state = 'waitlisted', l.position, l.since, l.id)
                              from live as l), '[]'::jsonb))
    );
end
$$;

-- the body of 014_charter_tables.sql
create or replace function scc.event_checklist_json(e scc.events)
returns jsonb
language plpgsql
stable
as $$
begin
    return (
    with items as (
        select i.id, i.phase, i.position, i.label, i.kind, i.options, i.unit, i.min_value,
               i.max_value, i.required, a.value, a.note, a.answered_at, a.answered_by, u.name as by_name
          from scc.event_checklist_items as i
          left join scc.checklist_answers as a on a.item_id = i.id
          left join scc.users as u on u.id = a.answered_by
         where i.event_id = e.id
    )
    select jsonb_object_agg(p.phase, jsonb_build_object(
               'required', (select count(*) from items as i where i.phase = p.phase and i.required),
               'answered_required', (select count(*) from items as i
                                      where i.phase = p.phase and i.required and i.value is not null),
               'items', coalesce((select jsonb_agg(jsonb_build_object(
                                      'id', i.id, 'label', i.label, 'kind', i.kind,
                                      'options', to_jsonb(i.options), 'unit', i.unit,
                                      'min', i.min_value, 'max', i.max_value, 'required', i.required,
                                      'answer', case when i.value is null then null
                                                     else jsonb_build_object(
                                                         'value', i.value, 'note', i.note,
                                                         'by', jsonb_build_object('id', i.answered_by,
                                                                                  'name', i.by_name),
                                                         'at', scc.iso(i.answered_at)) end)
                                      order by i.position, i.id)
                                    from items as i where i.phase = p.phase), '[]'::jsonb)))
      from (values ('pre'), ('post')) as p (phase)
    );
end
$$;

-- the body of 016_roster.sql
create or replace function scc.event_places_json(e scc.events, actor_id uuid, actor_role text)
returns jsonb
language plpgsql
stable
as $$
begin
    return (
    with mine as (
        select r.id, r.role, r.state,
               case when r.state = 'waitlisted' then
                   (select count(*) from scc.event_roles as w
                     where w.event_id = r.event_id and w.role = r.role and w.state = 'waitlisted'
                       and (w.queued_at, w.id) <= (r.queued_at, r.id)) end as position
          from scc.event_roles as r
         where r.event_id = e.id and r.user_id = actor_id
           and r.state in ('claimed', 'designated', 'confirmed', 'waitlisted')
    )
    select jsonb_build_object(
        'places', coalesce((select jsonb_agg(jsonb_build_object('id', m.id, 'role', m.role,
                                                                'state', m.state, 'position', m.position))
                              from mine as m), '[]'::jsonb),
        'claim', case when exists (select 1 from mine) or e.state not in ('scheduled', 'boarding')
                      then '[]'::jsonb
                      when actor_role in ('captain', 'admin') then '["captain", "crew"]'::jsonb
                      when actor_role = 'crew' then '["crew"]'::jsonb
                      else '[]'::jsonb end,
        'release', exists (select 1 from mine)
                   and e.state in ('draft', 'scheduled', 'boarding')
                   and (now() < e.departure_at - e.release_cutoff
                        or actor_role = 'admin'
                        or not exists (select 1 from mine as m where m.state <> 'waitlisted')
                        or scc.is_event_captain(e.id, actor_id)))
    );
end
$$;

-- the body of 015_events.sql
create or replace function scc.event_may_json(e scc.events, actor_id uuid, actor_role text)
returns jsonb
language plpgsql
stable
as $$
begin
    return (
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
    );
end
$$;

-- the body of 015_events.sql
create or replace function scc.event_missing(e scc.events, target text)
returns jsonb
language plpgsql
stable
as $$
begin
    return (
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
    );
end
$$;

-- the body of 015_events.sql
create or replace function scc.event_transitions_json(e scc.events)
returns jsonb
language plpgsql
stable
as $$
begin
    return (
    select coalesce(jsonb_agg(jsonb_build_object('to', t.s, 'allowed', m.missing = '[]'::jsonb,
                                                 'missing', m.missing) order by t.n), '[]'::jsonb)
      from unnest(scc.event_next_states(e.state)) with ordinality as t (s, n)
      cross join lateral (select scc.event_missing(e, t.s) as missing) as m
    );
end
$$;

-- the body of 015_events.sql
create or replace function scc.event_page_json(e scc.events, actor_id uuid, actor_role text)
returns jsonb
language plpgsql
stable
as $$
begin
    return (
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
    );
end
$$;
