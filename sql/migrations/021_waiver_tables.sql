-- 021_waiver_tables.sql — guests and liability waivers: the tables every
-- part of them shares (templates and their versions, signatures, party
-- links, the completion figures), the guest's columns on the roster (the
-- minors they bring, check-in, a released hold), the hold rule, and the
-- event page's part of it (who is on hold, the caller's next step, the
-- underway guard).  The routes come in the migrations after this one.
--
-- Decisions:
--   * A template is an identity (a name, global or one boat's); what is
--     signed is a version: the text exactly as shown, its SHA-256 (a check
--     constraint recomputes it, so no row can carry another), the two
--     statements a signer ticks and the adult statement, verbatim, and its
--     validity (the one event, or a season of dates).  Versions and
--     signatures never change: a trigger refuses UPDATE, DELETE and
--     TRUNCATE for every role, the owner's functions included; a
--     correction is a new signature that supersedes the old.
--   * An event requires the version current for its boat (the boat's
--     active template, else the global one) when it enters scheduled
--     (a trigger pins events.waiver_version_id); an admin may move it on.
--   * A hold is computed, never stored (scc.guest_hold): a live guest place
--     is held until its holder has a valid signature of the required
--     template at its version or later, covering every minor the place
--     brings, each still under 18 on the event's date; an admin's release
--     ends it.  Moving the event to a newer version, or adding a minor,
--     puts the guest on hold again with no write to the place.

-- ---------------------------------------------------------------------------
-- Templates and versions
-- ---------------------------------------------------------------------------

create table scc.waiver_templates (
    id          uuid not null default gen_random_uuid(),
    name        text not null,
    boat_id     uuid,
    active      boolean not null default true,
    created_by  uuid,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    constraint waiver_templates_pkey primary key (id),
    constraint waiver_templates_boat_id_fkey foreign key (boat_id) references scc.boats (id),
    constraint waiver_templates_created_by_fkey foreign key (created_by) references scc.users (id),
    constraint waiver_templates_name_check check (length(name) between 1 and 200 and name = btrim(name))
);
-- one active template per boat, and one global
create unique index waiver_templates_one_active_idx
    on scc.waiver_templates (coalesce(boat_id, '00000000-0000-0000-0000-000000000000'::uuid))
    where active;
comment on table scc.waiver_templates is
    'a waiver''s identity: a name, global (boat_id null) or one boat''s; what is signed is a version';

-- body: the waiver's text in the small safe format (sql/README.md,
-- "Waivers": paragraphs, # headings, - lists, **bold**), exactly as shown.
create table scc.waiver_versions (
    id              uuid not null default gen_random_uuid(),
    template_id     uuid not null,
    version         integer not null,
    title           text not null,
    body            text not null,
    body_sha256     text not null,
    intent_text     text not null,
    consent_text    text not null,
    adult_text      text not null,
    validity        text not null,
    valid_from      date,
    valid_to        date,
    change_note     text not null default '',
    created_by      uuid,
    created_at      timestamptz not null default clock_timestamp(),
    constraint waiver_versions_pkey primary key (id),
    constraint waiver_versions_template_id_fkey foreign key (template_id) references scc.waiver_templates (id),
    constraint waiver_versions_created_by_fkey foreign key (created_by) references scc.users (id),
    constraint waiver_versions_template_version_key unique (template_id, version),
    constraint waiver_versions_version_check check (version >= 1),
    constraint waiver_versions_title_check check (length(title) between 1 and 200),
    constraint waiver_versions_body_check check (length(body) between 1 and 100000),
    constraint waiver_versions_body_sha256_check
        check (body_sha256 = encode(sha256(convert_to(body, 'UTF8')), 'hex')),
    constraint waiver_versions_statements_check
        check (length(intent_text) between 1 and 1000 and length(consent_text) between 1 and 1000
               and length(adult_text) between 1 and 1000),
    constraint waiver_versions_validity_check
        check ((validity = 'event' and valid_from is null and valid_to is null)
               or (validity = 'season' and valid_from is not null and valid_to is not null
                   and valid_from <= valid_to)),
    constraint waiver_versions_change_note_check check (length(change_note) <= 1000)
);
comment on table scc.waiver_versions is
    'what is signed: the text exactly as shown with its SHA-256, the statements verbatim, the validity; never changes';

alter table scc.events add column waiver_version_id uuid;
alter table scc.events add constraint events_waiver_version_id_fkey
    foreign key (waiver_version_id) references scc.waiver_versions (id);
comment on column scc.events.waiver_version_id is
    'the waiver version guests must sign: current for the boat when the event was scheduled, or moved on by an admin';

-- ---------------------------------------------------------------------------
-- Signatures
-- ---------------------------------------------------------------------------

-- The evidential record (ESIGN/UETA): what was shown (version and hash,
-- the statements verbatim), who (typed legal name, email, date of birth
-- or the adult statement), for whom (minors with the signer as guardian),
-- whom to call, when (server time), from where (ip behind the proxy, user
-- agent) and through what (the sign-in link and the session).
create table scc.waiver_signatures (
    id                      uuid not null default gen_random_uuid(),
    version_id              uuid not null,
    body_sha256             text not null,
    event_id                uuid not null,
    user_id                 uuid not null,
    legal_name              text not null,
    email                   text not null,
    date_of_birth           date,
    adult_statement         text,
    intent_text             text not null,
    consent_text            text not null,
    minors                  jsonb not null default '[]'::jsonb,
    emergency_name          text not null,
    emergency_phone         text not null,
    emergency_relationship  text not null,
    signed_at               timestamptz not null default clock_timestamp(),
    ip                      inet,
    user_agent              text,
    session_id              uuid,
    link_id                 uuid,
    supersedes              uuid,
    constraint waiver_signatures_pkey primary key (id),
    constraint waiver_signatures_version_id_fkey foreign key (version_id) references scc.waiver_versions (id),
    constraint waiver_signatures_event_id_fkey foreign key (event_id) references scc.events (id),
    constraint waiver_signatures_user_id_fkey foreign key (user_id) references scc.users (id),
    constraint waiver_signatures_supersedes_fkey foreign key (supersedes) references scc.waiver_signatures (id),
    constraint waiver_signatures_supersedes_key unique (supersedes),
    constraint waiver_signatures_legal_name_check
        check (length(legal_name) between 1 and 200 and legal_name = btrim(legal_name)),
    constraint waiver_signatures_email_check check (length(email) between 3 and 254),
    constraint waiver_signatures_age_check check (date_of_birth is not null or adult_statement is not null),
    constraint waiver_signatures_minors_check check (jsonb_typeof(minors) = 'array'),
    constraint waiver_signatures_emergency_check
        check (length(emergency_name) between 1 and 200 and length(emergency_phone) between 3 and 40
               and length(emergency_relationship) between 1 and 100),
    constraint waiver_signatures_user_agent_check check (length(user_agent) <= 1000)
);
create index waiver_signatures_user_idx on scc.waiver_signatures (user_id, signed_at);
create index waiver_signatures_event_idx on scc.waiver_signatures (event_id);
comment on table scc.waiver_signatures is
    'signed waivers, immutable evidential records (ESIGN/UETA elements); a correction supersedes';

-- The record is the server's: its time is the server's clock and its hash
-- the version's, whatever an insert says.
create function scc.waiver_signatures_stamp()
returns trigger
language plpgsql
as $$
begin
    new.signed_at := clock_timestamp();
    new.body_sha256 := (select v.body_sha256 from scc.waiver_versions as v where v.id = new.version_id);
    return new;
end
$$;
create trigger waiver_signatures_stamp before insert on scc.waiver_signatures
    for each row execute function scc.waiver_signatures_stamp();

-- Refuses every change to a record that must never change.
create function scc.refuse_change()
returns trigger
language plpgsql
as $$
begin
    raise exception '% rows never change (% refused)', tg_table_name, lower(tg_op)
        using errcode = 'SC409', detail = 'immutable_record';
end
$$;
comment on function scc.refuse_change() is
    'trigger: refuses UPDATE, DELETE and TRUNCATE of an immutable table (SC409 immutable_record)';
create trigger waiver_versions_immutable before update or delete on scc.waiver_versions
    for each row execute function scc.refuse_change();
create trigger waiver_versions_immutable_truncate before truncate on scc.waiver_versions
    for each statement execute function scc.refuse_change();
create trigger waiver_signatures_immutable before update or delete on scc.waiver_signatures
    for each row execute function scc.refuse_change();
create trigger waiver_signatures_immutable_truncate before truncate on scc.waiver_signatures
    for each statement execute function scc.refuse_change();

-- ---------------------------------------------------------------------------
-- Guests on the roster, party links, completion figures
-- ---------------------------------------------------------------------------

-- minors: the minors the holder brings, [{name, date_of_birth}] (guests);
-- checkin: checked_in or no_show at the dock, by whom and when; a hold an
-- admin released, by whom, when and why.
alter table scc.event_roles
    add column minors jsonb not null default '[]'::jsonb,
    add column checkin text,
    add column checkin_at timestamptz,
    add column checkin_by uuid,
    add column hold_released_at timestamptz,
    add column hold_released_by uuid,
    add column hold_release_reason text,
    add constraint event_roles_minors_check check (jsonb_typeof(minors) = 'array'),
    add constraint event_roles_checkin_check
        check (checkin in ('checked_in', 'no_show') and checkin_at is not null or checkin is null),
    add constraint event_roles_checkin_by_fkey foreign key (checkin_by) references scc.users (id),
    add constraint event_roles_hold_released_by_fkey foreign key (hold_released_by) references scc.users (id),
    add constraint event_roles_hold_release_check
        check ((hold_released_at is null) = (hold_release_reason is null)
               and length(hold_release_reason) between 1 and 500);

-- 016's place lookup names its columns: the new ones too.
create or replace function scc.roster_live_place(p_event uuid, p_user uuid)
returns scc.event_roles
language sql
as $$
    select r.id, r.event_id, r.user_id, r.role, r.state, r.queued_at, r.since, r.changed_by,
           r.reason, r.silent, r.created_at, r.minors, r.checkin, r.checkin_at, r.checkin_by,
           r.hold_released_at, r.hold_released_by, r.hold_release_reason
      from scc.event_roles as r
     where r.event_id = p_event and r.user_id = p_user
       and r.state in ('claimed', 'designated', 'confirmed', 'waitlisted')
       for update
$$;

-- A link a booker forwards to their party: each person who opens it gives
-- a name and an email and becomes a guest, while seats and time last.
create table scc.party_links (
    id          uuid not null default gen_random_uuid(),
    event_id    uuid not null,
    token_hash  bytea not null,
    seats       integer not null,
    expires_at  timestamptz not null,
    note        text not null default '',
    created_by  uuid,
    created_at  timestamptz not null default now(),
    revoked_at  timestamptz,
    constraint party_links_pkey primary key (id),
    constraint party_links_event_id_fkey foreign key (event_id) references scc.events (id) on delete cascade,
    constraint party_links_created_by_fkey foreign key (created_by) references scc.users (id),
    constraint party_links_token_hash_key unique (token_hash),
    constraint party_links_token_hash_check check (length(token_hash) = 32),
    constraint party_links_seats_check check (seats between 1 and 500),
    constraint party_links_note_check check (length(note) <= 500)
);
comment on table scc.party_links is
    'party links: a secret link (SHA-256 kept) good for a number of guest seats until expires_at';

create table scc.party_link_uses (
    link_id        uuid not null,
    user_id        uuid not null,
    event_role_id  bigint not null,
    used_at        timestamptz not null default clock_timestamp(),
    constraint party_link_uses_pkey primary key (link_id, user_id),
    constraint party_link_uses_link_id_fkey foreign key (link_id) references scc.party_links (id) on delete cascade,
    constraint party_link_uses_user_id_fkey foreign key (user_id) references scc.users (id),
    constraint party_link_uses_event_role_id_fkey foreign key (event_role_id) references scc.event_roles (id)
);
comment on table scc.party_link_uses is 'who joined through a party link (one seat each), and their place';

-- Waiver completion of an event's guests, kept for the reports: valid ÷
-- manifested guests 24 h before departure and at departure.
create table scc.waiver_completion (
    event_id     uuid not null,
    moment       text not null,
    manifested   integer not null,
    valid        integer not null,
    computed_at  timestamptz not null default now(),
    constraint waiver_completion_pkey primary key (event_id, moment),
    constraint waiver_completion_event_id_fkey foreign key (event_id) references scc.events (id) on delete cascade,
    constraint waiver_completion_moment_check check (moment in ('t_minus_24h', 'departure')),
    constraint waiver_completion_counts_check check (manifested >= 0 and valid between 0 and manifested)
);
comment on table scc.waiver_completion is
    'waiver completion per event at T-24 h and at departure: valid signatures of the manifested guests';

-- ---------------------------------------------------------------------------
-- The version an event requires
-- ---------------------------------------------------------------------------

-- The latest version of the active template for a boat (its own, else the
-- global one), or null when there is none.
create function scc.waiver_current_version(p_boat_id uuid)
returns uuid
language plpgsql
stable
as $$
begin
    return (
    select v.id
      from scc.waiver_templates as t
      join scc.waiver_versions as v on v.template_id = t.id
     where t.active and (t.boat_id = p_boat_id or t.boat_id is null)
     order by t.boat_id is null, v.version desc
     limit 1
    );
end
$$;
comment on function scc.waiver_current_version(uuid) is
    'the latest version of the boat''s active waiver template, else the global one''s; null when none';

-- An event entering scheduled without a required version gets the current
-- one.
create function scc.events_pin_waiver()
returns trigger
language plpgsql
as $$
begin
    if new.state = 'scheduled' and new.waiver_version_id is null
       and (tg_op = 'INSERT' or old.state is distinct from 'scheduled') then
        new.waiver_version_id := scc.waiver_current_version(new.boat_id);
    end if;
    return new;
end
$$;
create trigger events_pin_waiver before insert or update of state on scc.events
    for each row execute function scc.events_pin_waiver();

-- ---------------------------------------------------------------------------
-- The hold
-- ---------------------------------------------------------------------------

-- Why a place is on waiver hold, or null when it is not: only live guest
-- places of an event that requires a version, not released by an admin.
--   waiver_missing      no signature of the required template valid for the
--                       event (the event's own, or a season covering its
--                       date), none superseded
--   waiver_outdated     the valid one is of an older version
--   minors_not_covered  a minor the place brings is not on it (name, case
--                       and outer spaces aside, and date of birth)
--   minor_now_adult     a minor the place brings is 18 or older on the
--                       event's date (they sign for themselves)
create function scc.guest_hold(e scc.events, r scc.event_roles)
returns text
language plpgsql
stable
as $$
declare
    req   scc.waiver_versions;
    d     date := (e.departure_at at time zone e.time_zone)::date;
    s     scc.waiver_signatures;
    v_ver integer;
begin
    if r.role <> 'guest' or r.state not in ('claimed', 'designated', 'confirmed', 'waitlisted')
       or r.hold_released_at is not null or e.waiver_version_id is null then
        return null;
    end if;
    select * into req from scc.waiver_versions as x where x.id = e.waiver_version_id;
    select s1.* into s
      from scc.waiver_signatures as s1
      join scc.waiver_versions as v on v.id = s1.version_id
     where s1.user_id = r.user_id and v.template_id = req.template_id
       and not exists (select 1 from scc.waiver_signatures as n where n.supersedes = s1.id)
       and ((v.validity = 'event' and s1.event_id = e.id)
            or (v.validity = 'season' and d between v.valid_from and v.valid_to))
     order by v.version desc, s1.signed_at desc
     limit 1;
    if s.id is null then
        return 'waiver_missing';
    end if;
    select v.version into v_ver from scc.waiver_versions as v where v.id = s.version_id;
    if v_ver < req.version then
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
comment on function scc.guest_hold(scc.events, scc.event_roles) is
    'why a guest place is on waiver hold (waiver_missing, waiver_outdated, minors_not_covered, minor_now_adult), null if not';

-- ---------------------------------------------------------------------------
-- The event page: who is on hold, checked in, the caller's next step
-- ---------------------------------------------------------------------------

-- 019's roster with each place's hold (guests) and check-in.
create or replace function scc.event_roster_json(e scc.events)
returns jsonb
language plpgsql
stable
as $$
begin
    return (
    with live as (
        select r.id, r.user_id, u.name, r.role, r.state, r.since, r.queued_at, r.checkin,
               scc.guest_hold(e, r) as hold,
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
                                 'state', l.state, 'since', scc.iso(l.since), 'position', l.position,
                                 'hold', l.hold, 'checkin', l.checkin)
                               order by case l.role when 'captain' then 0 when 'crew' then 1 else 2 end,
                                        l.state = 'waitlisted', l.position, l.since, l.id)
                              from live as l), '[]'::jsonb))
    );
end
$$;

-- 020's places by person carry the hold too (the caller's next step).
create or replace function scc.event_page_build(e scc.events)
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
                                 'position', x -> 'position', 'hold', x -> 'hold')), '{}'::jsonb)
               from jsonb_array_elements(roster -> 'people') as x),
            now())::scc.event_pages;
end
$$;

-- The caller's part gains "next": what the caller must do before the
-- event page is all they need: 'waiver' (their guest place is on hold),
-- 'accept' (a designation waits for them), or null.
create or replace function scc.event_you_json(p scc.event_pages, actor_id uuid, actor_role text)
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
        'next', case when jsonb_typeof(place -> 'hold') = 'string' and is_open then 'waiver'
                     when place ->> 'state' = 'designated' and is_open then 'accept' end,
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

-- 020's underway guard gains the held guests who are checked in, by name.
create or replace function scc.event_missing_data(e scc.events, target text)
returns jsonb
language plpgsql
stable
as $$
begin
    if target not in ('underway', 'closed') then
        return '[]'::jsonb;
    end if;
    return (
    select coalesce(jsonb_agg(m.item order by m.n, m.k), '[]'::jsonb)
      from (
        select 3 as n, 0::bigint as k, jsonb_build_object('code', 'no_confirmed_captain',
                                                          'message', 'the event needs a confirmed captain') as item
         where target = 'underway'
           and not exists (select 1 from scc.event_roles as r
                            where r.event_id = e.id and r.role = 'captain' and r.state = 'confirmed')
        union all
        select 4, 0, jsonb_build_object('code', 'crew_below_min',
                                        'message', format('the event needs at least %s crew (has %s)', e.crew_min, c.n),
                                        'min', e.crew_min, 'filled', c.n)
          from (select count(*)::int as n from scc.event_roles as r
                 where r.event_id = e.id and r.role = 'crew'
                   and r.state in ('claimed', 'designated', 'confirmed')) as c
         where target = 'underway' and c.n < e.crew_min
        union all
        select 5, r.id, jsonb_build_object('code', 'guest_on_hold',
                                           'message', 'checked in but on waiver hold: ' || u.name,
                                           'user_id', r.user_id, 'name', u.name, 'hold', h.hold)
          from scc.event_roles as r
          join scc.users as u on u.id = r.user_id
          cross join lateral (select scc.guest_hold(e, r) as hold) as h
         where target = 'underway' and r.event_id = e.id and r.role = 'guest'
           and r.checkin = 'checked_in' and h.hold is not null
        union all
        select 6 + i.position, 0, jsonb_build_object('code', i.phase || '_item_unanswered',
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

-- The kept page learns the signatures: a signature shows on the pages of
-- the events where its signer holds a live guest place.
create or replace function scc.event_pages_of(tab text, r jsonb, open_only boolean)
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
    when 'waiver_signatures' then
        return query select x.event_id from scc.event_roles as x
                      where x.user_id = (r ->> 'user_id')::uuid and x.role = 'guest'
                        and x.state in ('claimed', 'designated', 'confirmed', 'waitlisted')
                      order by x.event_id;
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
create trigger event_pages_mark after insert on scc.waiver_signatures
    for each row execute function scc.event_pages_mark();
create constraint trigger event_pages_settle after insert on scc.waiver_signatures
    deferrable initially deferred
    for each row execute function scc.event_pages_settle();

-- The events that exist get their pages again (the roster's new fields).
update scc.event_pages as p
   set (stale, event, roster, checklist, timing, transitions, flips_at, timing_flipped,
        transitions_flipped, state, release_cutoff_at, places, built_at)
     = (b.stale, b.event, b.roster, b.checklist, b.timing, b.transitions, b.flips_at,
        b.timing_flipped, b.transitions_flipped, b.state, b.release_cutoff_at, b.places, b.built_at)
  from scc.events as e
 cross join lateral scc.event_page_build(e) as b
 where e.id = p.event_id;
