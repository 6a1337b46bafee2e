-- 014_charter_tables.sql — the charter business's tables: boats, events,
-- the roster and its history, checklists (templates, the copies an event
-- keeps, answers), calendar feeds and each person's notification setting.
--
-- Tables, their constraints, and the few helpers that several routes share;
-- the routes come in the migrations after this one.  Rules a constraint can
-- say are said here, so that no route can break them: an event returns
-- after it departs, a cancelled event has a reason, a choice item has
-- options, a person holds at most one live place on an event.

alter table scc.users
    add column notify_email boolean not null default true;
comment on column scc.users.notify_email is
    'whether notification emails go to this person (sign-in links always go)';

-- Boats: where they sail from, in which time zone, how many they carry.
-- The time zone is checked against pg_timezone_names by the routes (a
-- constraint may not read a catalog view).
create table scc.boats (
    id              uuid not null default gen_random_uuid(),
    name            text not null,
    port_name       text not null,
    port_lat        double precision not null,
    port_lon        double precision not null,
    time_zone       text not null,
    guest_capacity  integer not null,
    crew_min        integer not null default 1,
    crew_max        integer not null default 2,
    active          boolean not null default true,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    constraint boats_pkey primary key (id),
    constraint boats_name_check check (length(name) between 1 and 100 and name = btrim(name)),
    constraint boats_port_name_check check (length(port_name) between 1 and 100),
    constraint boats_port_lat_check check (port_lat between -90 and 90),
    constraint boats_port_lon_check check (port_lon between -180 and 180),
    constraint boats_time_zone_check check (length(time_zone) between 1 and 64),
    constraint boats_guest_capacity_check check (guest_capacity between 0 and 500),
    constraint boats_crew_range_check check (crew_min >= 0 and crew_max >= crew_min and crew_max <= 50)
);
create unique index boats_name_idx on scc.boats (lower(name));

-- Events: one sail of one boat.  Times are instants (timestamptz); the
-- event's time zone (the boat's by default) is how they are shown and
-- which local date the sun times are for.  The captain's capacity is
-- always exactly 1 and has no column.  sequence rises on every change a
-- calendar should see (RFC 5545 SEQUENCE).
create table scc.events (
    id                uuid not null default gen_random_uuid(),
    boat_id           uuid not null,
    title             text not null,
    notes             text not null default '',
    meetup_at         timestamptz,
    meetup_place      text not null default '',
    departure_at      timestamptz not null,
    return_at         timestamptz not null,
    time_zone         text not null,
    crew_min          integer not null,
    crew_max          integer not null,
    guest_max         integer not null,
    release_cutoff    interval not null default interval '24 hours',
    overdue_grace     interval not null default interval '15 minutes',
    state             text not null default 'draft',
    state_changed_at  timestamptz not null default now(),
    cancel_reason     text,
    actual_return_at  timestamptz,
    sequence          integer not null default 0,
    copied_from       uuid,
    created_by        uuid,
    created_at        timestamptz not null default now(),
    updated_at        timestamptz not null default now(),
    constraint events_pkey primary key (id),
    constraint events_boat_id_fkey foreign key (boat_id) references scc.boats (id),
    constraint events_copied_from_fkey foreign key (copied_from) references scc.events (id) on delete set null,
    constraint events_created_by_fkey foreign key (created_by) references scc.users (id),
    constraint events_title_check check (length(title) between 1 and 200 and title = btrim(title)),
    constraint events_notes_check check (length(notes) <= 4000),
    constraint events_meetup_place_check check (length(meetup_place) <= 200),
    constraint events_times_order_check check (return_at > departure_at and return_at - departure_at <= interval '14 days'),
    constraint events_meetup_order_check check (meetup_at is null or meetup_at <= departure_at),
    constraint events_time_zone_check check (length(time_zone) between 1 and 64),
    constraint events_crew_range_check check (crew_min >= 0 and crew_max >= crew_min and crew_max <= 50),
    constraint events_guest_max_check check (guest_max between 0 and 500),
    constraint events_release_cutoff_check check (release_cutoff between interval '0' and interval '30 days'),
    constraint events_overdue_grace_check check (overdue_grace between interval '0' and interval '24 hours'),
    constraint events_state_check check (state in ('draft', 'scheduled', 'boarding', 'underway',
                                                   'returned', 'closed', 'cancelled')),
    constraint events_cancel_reason_check check ((state = 'cancelled') = (cancel_reason is not null)
                                                 and length(cancel_reason) between 1 and 500),
    constraint events_sequence_check check (sequence >= 0)
);
create index events_departure_idx on scc.events (departure_at);
create index events_boat_departure_idx on scc.events (boat_id, departure_at);

-- The roster: one row for each time a person takes a place on an event
-- (captain, crew, or guest from the waiver issue on).  A person holds at
-- most one live place an event (claimed, designated, confirmed or
-- waitlisted); a released or removed row stays as history and a new claim
-- is a new row.  The waitlist is ordered by queued_at, then id: the
-- moment the claim got the event's row lock (clock_timestamp(), not the
-- transaction's start), so concurrent claims queue in the order they were
-- served.  Who changed a row, and why, is on the row (changed_by, reason,
-- silent) and every change is copied to event_role_changes by a trigger.
create table scc.event_roles (
    id          bigint generated always as identity,
    event_id    uuid not null,
    user_id     uuid not null,
    role        text not null,
    state       text not null,
    queued_at   timestamptz,
    since       timestamptz not null default clock_timestamp(),
    changed_by  uuid,
    reason      text,
    silent      boolean not null default false,
    created_at  timestamptz not null default now(),
    constraint event_roles_pkey primary key (id),
    constraint event_roles_event_id_fkey foreign key (event_id) references scc.events (id) on delete cascade,
    constraint event_roles_user_id_fkey foreign key (user_id) references scc.users (id),
    constraint event_roles_changed_by_fkey foreign key (changed_by) references scc.users (id),
    constraint event_roles_role_check check (role in ('captain', 'crew', 'guest')),
    constraint event_roles_state_check check (state in ('claimed', 'designated', 'confirmed',
                                                        'waitlisted', 'released', 'removed')),
    constraint event_roles_queued_check check ((state = 'waitlisted') <= (queued_at is not null)),
    constraint event_roles_reason_check check (length(reason) <= 500)
);
create unique index event_roles_one_live_idx on scc.event_roles (event_id, user_id)
    where state in ('claimed', 'designated', 'confirmed', 'waitlisted');
create index event_roles_event_idx on scc.event_roles (event_id, role, state);
create index event_roles_user_idx on scc.event_roles (user_id, event_id);

create table scc.event_role_changes (
    id             bigint generated always as identity,
    event_role_id  bigint not null,
    event_id       uuid not null,
    user_id        uuid not null,
    role           text not null,
    from_state     text,
    to_state       text not null,
    changed_by     uuid,
    reason         text,
    silent         boolean not null,
    at             timestamptz not null default clock_timestamp(),
    constraint event_role_changes_pkey primary key (id),
    constraint event_role_changes_event_role_id_fkey foreign key (event_role_id)
        references scc.event_roles (id) on delete cascade
);
create index event_role_changes_event_idx on scc.event_role_changes (event_id, id);

-- Writes the history row for each roster insert and each change of role or
-- state.  The writer says who and why on the row itself.
create function scc.event_roles_history()
returns trigger
language plpgsql
as $$
begin
    if tg_op = 'UPDATE' and old.state = new.state and old.role = new.role then
        return new;
    end if;
    insert into scc.event_role_changes (event_role_id, event_id, user_id, role, from_state,
                                        to_state, changed_by, reason, silent)
    values (new.id, new.event_id, new.user_id, new.role,
            case when tg_op = 'UPDATE' then old.state end,
            new.state, new.changed_by, new.reason, new.silent);
    return new;
end
$$;
create trigger event_roles_history after insert or update on scc.event_roles
    for each row execute function scc.event_roles_history();

-- Checklists.  A template (global when boat_id is null, or one boat's)
-- holds ordered items for one phase, 'pre' (before departure) or 'post'
-- (after return).  When an event is scheduled its items are copied into
-- event_checklist_items, so that editing a template never rewrites an
-- event that already has its list; template_item_id ties a copy back to
-- its item for the option analysis.
create table scc.checklist_templates (
    id          uuid not null default gen_random_uuid(),
    name        text not null,
    phase       text not null,
    boat_id     uuid,
    active      boolean not null default true,
    created_by  uuid,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    constraint checklist_templates_pkey primary key (id),
    constraint checklist_templates_boat_id_fkey foreign key (boat_id) references scc.boats (id),
    constraint checklist_templates_created_by_fkey foreign key (created_by) references scc.users (id),
    constraint checklist_templates_name_check check (length(name) between 1 and 200 and name = btrim(name)),
    constraint checklist_templates_phase_check check (phase in ('pre', 'post'))
);

create table scc.checklist_template_items (
    id           uuid not null default gen_random_uuid(),
    template_id  uuid not null,
    position     integer not null,
    label        text not null,
    kind         text not null,
    options      text[],
    unit         text,
    min_value    numeric,
    max_value    numeric,
    required     boolean not null default true,
    active       boolean not null default true,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now(),
    constraint checklist_template_items_pkey primary key (id),
    constraint checklist_template_items_template_id_fkey foreign key (template_id)
        references scc.checklist_templates (id) on delete cascade,
    constraint checklist_template_items_label_check check (length(label) between 1 and 200 and label = btrim(label)),
    constraint checklist_template_items_kind_check check (kind in ('check', 'choice', 'number', 'text')),
    constraint checklist_template_items_options_check check (
        (kind = 'choice') = (options is not null)
        and (options is null or cardinality(options) between 2 and 20)),
    constraint checklist_template_items_number_check check (
        (kind = 'number' or (unit is null and min_value is null and max_value is null))
        and (min_value is null or max_value is null or min_value <= max_value)
        and length(unit) <= 20),
    constraint checklist_template_items_position_check check (position between 0 and 1000)
);
create index checklist_template_items_template_idx on scc.checklist_template_items (template_id, position);

create table scc.event_checklist_items (
    id                uuid not null default gen_random_uuid(),
    event_id          uuid not null,
    template_item_id  uuid,
    phase             text not null,
    position          integer not null,
    label             text not null,
    kind              text not null,
    options           text[],
    unit              text,
    min_value         numeric,
    max_value         numeric,
    required          boolean not null,
    constraint event_checklist_items_pkey primary key (id),
    constraint event_checklist_items_event_id_fkey foreign key (event_id)
        references scc.events (id) on delete cascade,
    constraint event_checklist_items_template_item_id_fkey foreign key (template_item_id)
        references scc.checklist_template_items (id) on delete set null,
    constraint event_checklist_items_phase_check check (phase in ('pre', 'post')),
    constraint event_checklist_items_kind_check check (kind in ('check', 'choice', 'number', 'text')),
    constraint event_checklist_items_options_check check ((kind = 'choice') = (options is not null)),
    constraint event_checklist_items_template_item_key unique (event_id, template_item_id)
);
create index event_checklist_items_event_idx on scc.event_checklist_items (event_id, phase, position);
create index event_checklist_items_template_item_idx on scc.event_checklist_items (template_item_id);

-- The current answer to an event's item (its earlier answers are in the
-- audit log).  value is a JSON boolean (check), one of the options
-- (choice), a number within min..max (number) or a string (text); the
-- answering route checks it against the item.
create table scc.checklist_answers (
    item_id      uuid not null,
    value        jsonb not null,
    note         text not null default '',
    answered_by  uuid,
    answered_at  timestamptz not null default now(),
    constraint checklist_answers_pkey primary key (item_id),
    constraint checklist_answers_item_id_fkey foreign key (item_id)
        references scc.event_checklist_items (id) on delete cascade,
    constraint checklist_answers_answered_by_fkey foreign key (answered_by) references scc.users (id),
    constraint checklist_answers_value_check check (jsonb_typeof(value) in ('boolean', 'string', 'number')),
    constraint checklist_answers_note_check check (length(note) <= 1000)
);

-- Copies the active items of the active templates that apply to an event's
-- boat (global ones and the boat's own) into the event, once: an event
-- that already has items keeps them.  Returns the number copied.
create function scc.event_copy_checklists(p_event_id uuid)
returns integer
language sql
as $$
    with e as (
        select x.id, x.boat_id from scc.events as x where x.id = p_event_id
    ), ins as (
        insert into scc.event_checklist_items (event_id, template_item_id, phase, position, label,
                                               kind, options, unit, min_value, max_value, required)
        select e.id, i.id, t.phase,
               (row_number() over (partition by t.phase
                                   order by t.boat_id nulls first, t.name, t.id, i.position, i.id))::int,
               i.label, i.kind, i.options, i.unit, i.min_value, i.max_value, i.required
          from e
          join scc.checklist_templates as t
            on t.active and (t.boat_id is null or t.boat_id = e.boat_id)
          join scc.checklist_template_items as i on i.template_id = t.id and i.active
         where not exists (select 1 from scc.event_checklist_items as c where c.event_id = e.id)
        returning 1
    )
    select count(*)::int from ins
$$;
comment on function scc.event_copy_checklists(uuid) is
    'copies the applicable active template items into an event that has none; returns the count';

-- Calendar feeds: a person's secret feed URL carries a 128-bit token; only
-- its SHA-256 is kept.  Resetting replaces the row.
create table scc.calendar_feeds (
    user_id     uuid not null,
    token_hash  bytea not null,
    created_at  timestamptz not null default now(),
    constraint calendar_feeds_pkey primary key (user_id),
    constraint calendar_feeds_user_id_fkey foreign key (user_id) references scc.users (id) on delete cascade,
    constraint calendar_feeds_token_hash_key unique (token_hash),
    constraint calendar_feeds_token_hash_check check (length(token_hash) = 32)
);

-- A route that answers something other than JSON (a calendar, a CSV
-- file) returns this instead of scc_api.response: the body as text, its
-- media type, and a file name for a download (null: shown, not saved).
create type scc_api.file_response as (
    status        integer,
    body          text,
    content_type  text,
    filename      text
);

-- The parts of the event page (GET /api/events/:id) that read these
-- tables.  The routes that change the roster and the checklists keep
-- these shapes; frontend/roster.js and frontend/checklist.js read them.

-- Live places on an event and the fill of each role: "filled" counts
-- claimed, designated and confirmed places (what capacity limits);
-- waitlisted people carry their 1-based position.  The captain's
-- capacity is always 1.
create function scc.event_roster_json(e scc.events)
returns jsonb
language sql
stable
as $$
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
$$;
comment on function scc.event_roster_json(scc.events) is
    'the event page''s roster: capacity and fill per role, live places with waitlist positions';

-- An event's checklist by phase: the items in order with their current
-- answer (null when unanswered), and how many required items are answered.
create function scc.event_checklist_json(e scc.events)
returns jsonb
language sql
stable
as $$
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
$$;
comment on function scc.event_checklist_json(scc.events) is
    'the event page''s checklist: per phase, items in order with their answers and the required count';

-- The caller's live places on an event (waitlisted ones with their
-- position) and what the roster lets them do now: which roles they may
-- claim (none while they hold a place; crew claim crew; captains and
-- admins claim captain or crew; only while the event is scheduled or
-- boarding), and whether they may release their place (before the
-- release cutoff, or at any time for the event's captain and admins,
-- until the boat is underway).
create function scc.event_places_json(e scc.events, actor_id uuid, actor_role text)
returns jsonb
language sql
stable
as $$
    with mine as (
        select r.id, r.role, r.state,
               case when r.state = 'waitlisted' then
                   (select count(*) from scc.event_roles as w
                     where w.event_id = r.event_id and w.role = r.role and w.state = 'waitlisted'
                       and (w.queued_at, w.id) <= (r.queued_at, r.id)) end as position
          from scc.event_roles as r
         where r.event_id = e.id and r.user_id = actor_id
           and r.state in ('claimed', 'designated', 'confirmed', 'waitlisted')
    ), captain as (
        select exists (select 1 from scc.event_roles as r
                        where r.event_id = e.id and r.user_id = actor_id and r.role = 'captain'
                          and r.state in ('claimed', 'designated', 'confirmed')) as is_captain
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
                   and e.state in ('scheduled', 'boarding')
                   and (now() < e.departure_at - e.release_cutoff
                        or actor_role = 'admin'
                        or (select is_captain from captain)))
$$;
comment on function scc.event_places_json(scc.events, uuid, text) is
    'the caller''s live places on an event and whether the roster lets them claim (which roles) or release now';
