-- 017_checklists.sql — checklists: the template routes, answering an
-- event's items, the option analysis (JSON and CSV) and the audit log read.
--
-- The tables are 014's.  What this adds:
--   GET /api/checklist-templates, POST /api/checklist-templates,
--   PATCH /api/checklist-templates/:id      (the template editor)
--   PUT /api/events/:id/checklist/:item     (one answer)
--   GET /api/checklists/analysis            (the distribution of a template item's answers)
--   GET /api/audit                          (admins read the audit log)
-- and the helpers they share.  Rules that are decisions, not constraints:
--   * An item that any event has copied is never deleted: removing it from
--     a template deactivates it, so the events keep their tie to it and
--     the analysis keeps working; such an item may not change its kind
--     (the answers already given would mean something else).  An item no
--     event has copied is deleted when it is removed.
--   * Pre-departure items are answered while the event is scheduled or
--     boarding (what was checked at the dock is the record once the boat is
--     underway); post-trip items while it is underway or returned.  Nothing
--     is answered on a draft, closed or cancelled event.
--   * The people who answer: an admin, or someone holding a captain or crew
--     place on the event (claimed, designated or confirmed; a waitlisted
--     person is not aboard).
--   * `value: null` clears an answer (audited like any other change).
--   * The analysis counts the events that copied the item, departing on
--     local dates [from, to) in each event's own time zone, cancelled
--     events left out.

-- The audit log is read by actor and by action, newest first (keyset on id).
create index audit_log_actor_idx on scc.audit_log (actor_id, id);
create index audit_log_action_idx on scc.audit_log (action, id);

-- ---- helpers -------------------------------------------------------------

-- SC400 unknown_parameter naming the first query parameter not in `allowed`.
create function scc.refuse_unknown_params(ctx jsonb, allowed text[])
returns void
language plpgsql
immutable
as $$
declare
    k text;
begin
    select x into k from pg_catalog.jsonb_object_keys(coalesce(ctx -> 'query', '{}'::jsonb)) as x
     where x <> all (allowed) order by x limit 1;
    if k is not null then
        perform scc.fail(400, 'unknown_parameter', k || ' is not a parameter of this route');
    end if;
end
$$;
comment on function scc.refuse_unknown_params(jsonb, text[]) is
    'SC400 unknown_parameter naming the first query parameter that is not allowed';

-- An ISO 8601 instant: a date (its midnight UTC) or a date and time with
-- Z or an offset.  Null for null or ''; SC400 `code` for anything else
-- (timestamptz_in's other spellings, 'now' or 'epoch' among them, never pass).
create function scc.check_iso_time(value text, code text, what text)
returns timestamptz
language plpgsql
stable
as $$
begin
    if value is null or value = '' then
        return null;
    end if;
    if value ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' then
        begin
            return (value || 'T00:00:00Z')::timestamptz;
        exception when others then
            null;
        end;
    elsif value ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}:?[0-9]{2})$' then
        begin
            return value::timestamptz;
        exception when others then
            null;
        end;
    end if;
    perform scc.fail(400, code, what || ' must be an ISO 8601 date or date-time with a zone (2026-07-04, 2026-07-04T18:30:00Z)');
end
$$;
comment on function scc.check_iso_time(text, text, text) is
    'an ISO 8601 date (midnight UTC) or date-time with Z/offset as timestamptz; null for null/empty; else SC400 with the caller''s code';

-- A calendar date YYYY-MM-DD.  Null for null or ''; SC400 `code` otherwise.
create function scc.check_iso_date(value text, code text, what text)
returns date
language plpgsql
immutable
as $$
begin
    if value is null or value = '' then
        return null;
    end if;
    if value ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' then
        begin
            return value::date;
        exception when others then
            null;
        end;
    end if;
    perform scc.fail(400, code, what || ' must be a date, YYYY-MM-DD');
end
$$;
comment on function scc.check_iso_date(text, text, text) is
    'a YYYY-MM-DD date; null for null/empty; else SC400 with the caller''s code';

-- One CSV field (RFC 4180): quoted when it holds a comma, a quote, CR or
-- LF (quotes doubled); a text that a spreadsheet would run as a formula
-- (it starts with = + - @ tab or CR) gets a leading apostrophe first.
-- Null is the empty field.  Numbers are written by their callers as they are.
create function scc.csv_text(value text)
returns text
language sql
immutable
as $$
    select case
        when value is null then ''
        else (select case when v ~ '[,"\r\n]' then '"' || replace(v, '"', '""') || '"' else v end
                from (select case when value ~ '^[=+@\t\r-]' then '''' || value else value end as v) as s)
    end
$$;
comment on function scc.csv_text(text) is
    'one RFC 4180 CSV field for a text (quoted when needed, formula-looking text prefixed with an apostrophe)';

-- A template as the API shows it: its items in order (inactive ones with
-- active false), each with how many events copied it (in_use).
create function scc.checklist_template_json(t scc.checklist_templates)
returns jsonb
language sql
stable
as $$
    select jsonb_build_object(
        'id', t.id, 'name', t.name, 'phase', t.phase, 'boat_id', t.boat_id,
        'boat', (select jsonb_build_object('id', b.id, 'name', b.name)
                   from scc.boats as b where b.id = t.boat_id),
        'active', t.active,
        'created_at', scc.iso(t.created_at), 'updated_at', scc.iso(t.updated_at),
        'items', coalesce((select jsonb_agg(jsonb_build_object(
                               'id', i.id, 'position', i.position, 'label', i.label, 'kind', i.kind,
                               'options', to_jsonb(i.options), 'unit', i.unit,
                               'min', i.min_value, 'max', i.max_value,
                               'required', i.required, 'active', i.active,
                               'in_use', (select count(*) from scc.event_checklist_items as c
                                           where c.template_item_id = i.id))
                               order by i.position, i.id)
                             from scc.checklist_template_items as i
                            where i.template_id = t.id), '[]'::jsonb))
$$;
comment on function scc.checklist_template_json(scc.checklist_templates) is
    'a checklist template as the API shows it, items in order with active and in_use';

-- One item of a template body (POST/PATCH items[idx]) laid over `base`
-- (the stored item when the element names one, else an empty row): only
-- the fields present change.  Fields: label, kind, options, unit, min, max,
-- required, active (and id, read by the caller).  A kind change drops what
-- the new kind has no use for.  SC400 unknown_field / invalid_item, the
-- message naming the element and field ("items[2].options: ...").
create function scc.checklist_item_apply(v jsonb, idx int, base scc.checklist_template_items)
returns scc.checklist_template_items
language plpgsql
stable
as $$
declare
    p    text := 'items[' || idx || '].';
    it   scc.checklist_template_items := base;
    f    jsonb;
    opt  jsonb;
    opts text[];
    s    text;
begin
    if jsonb_typeof(v) is distinct from 'object' then
        perform scc.fail(400, 'invalid_item', 'items[' || idx || '] must be an object');
    end if;
    perform scc.refuse_unknown_fields(v, array['id', 'label', 'kind', 'options', 'unit', 'min', 'max',
                                              'required', 'active'], p);
    if v ? 'label' then
        f := v -> 'label';
        if jsonb_typeof(f) <> 'string' or length(btrim(f #>> '{}')) not between 1 and 200 then
            perform scc.fail(400, 'invalid_item', p || 'label: a label is text of 1 to 200 characters');
        end if;
        it.label := btrim(f #>> '{}');
    end if;
    if v ? 'kind' then
        f := v -> 'kind';
        if jsonb_typeof(f) <> 'string' or (f #>> '{}') not in ('check', 'choice', 'number', 'text') then
            perform scc.fail(400, 'invalid_item', p || 'kind: must be one of check, choice, number, text');
        end if;
        it.kind := f #>> '{}';
    end if;
    if it.label is null then
        perform scc.fail(400, 'invalid_item', p || 'label: a new item needs a label');
    end if;
    if it.kind is null then
        perform scc.fail(400, 'invalid_item', p || 'kind: a new item needs a kind (check, choice, number, text)');
    end if;
    -- what the kind has no use for goes (a kind change), unless it is sent
    if it.kind <> 'choice' then
        it.options := null;
    end if;
    if it.kind <> 'number' then
        it.unit := null;
        it.min_value := null;
        it.max_value := null;
    end if;

    if v ? 'options' and jsonb_typeof(v -> 'options') <> 'null' then
        if it.kind <> 'choice' then
            perform scc.fail(400, 'invalid_item', p || 'options: only a choice item has options');
        end if;
        f := v -> 'options';
        if jsonb_typeof(f) <> 'array' or jsonb_array_length(f) not between 2 and 20 then
            perform scc.fail(400, 'invalid_item', p || 'options: a choice needs a list of 2 to 20 options');
        end if;
        opts := '{}';
        for opt in select x from jsonb_array_elements(f) as x loop
            if jsonb_typeof(opt) <> 'string' or length(btrim(opt #>> '{}')) not between 1 and 100 then
                perform scc.fail(400, 'invalid_item', p || 'options: each option is text of 1 to 100 characters');
            end if;
            s := btrim(opt #>> '{}');
            if lower(s) = any (select lower(o) from unnest(opts) as o) then
                perform scc.fail(400, 'invalid_item', p || 'options: "' || s || '" is listed twice');
            end if;
            opts := opts || s;
        end loop;
        it.options := opts;
    end if;
    if it.kind = 'choice' and it.options is null then
        perform scc.fail(400, 'invalid_item', p || 'options: a choice item needs 2 to 20 options');
    end if;

    if v ? 'unit' and jsonb_typeof(v -> 'unit') <> 'null' then
        if it.kind <> 'number' then
            perform scc.fail(400, 'invalid_item', p || 'unit: only a number item has a unit');
        end if;
        f := v -> 'unit';
        if jsonb_typeof(f) <> 'string' or length(btrim(f #>> '{}')) > 20 then
            perform scc.fail(400, 'invalid_item', p || 'unit: a unit is text of at most 20 characters');
        end if;
        it.unit := nullif(btrim(f #>> '{}'), '');
    elsif v ? 'unit' then
        it.unit := null;
    end if;
    if v ? 'min' and jsonb_typeof(v -> 'min') <> 'null' then
        if it.kind <> 'number' then
            perform scc.fail(400, 'invalid_item', p || 'min: only a number item has a range');
        end if;
        if jsonb_typeof(v -> 'min') <> 'number' then
            perform scc.fail(400, 'invalid_item', p || 'min: must be a number');
        end if;
        it.min_value := (v ->> 'min')::numeric;
    elsif v ? 'min' then
        it.min_value := null;
    end if;
    if v ? 'max' and jsonb_typeof(v -> 'max') <> 'null' then
        if it.kind <> 'number' then
            perform scc.fail(400, 'invalid_item', p || 'max: only a number item has a range');
        end if;
        if jsonb_typeof(v -> 'max') <> 'number' then
            perform scc.fail(400, 'invalid_item', p || 'max: must be a number');
        end if;
        it.max_value := (v ->> 'max')::numeric;
    elsif v ? 'max' then
        it.max_value := null;
    end if;
    if it.min_value > it.max_value then
        perform scc.fail(400, 'invalid_item', p || 'max: must be at least min');
    end if;

    if v ? 'required' then
        if jsonb_typeof(v -> 'required') <> 'boolean' then
            perform scc.fail(400, 'invalid_item', p || 'required: must be true or false');
        end if;
        it.required := (v -> 'required')::boolean;
    end if;
    if v ? 'active' then
        if jsonb_typeof(v -> 'active') <> 'boolean' then
            perform scc.fail(400, 'invalid_item', p || 'active: must be true or false');
        end if;
        it.active := (v -> 'active')::boolean;
    end if;
    it.required := coalesce(it.required, true);
    it.active := coalesce(it.active, true);
    return it;
end
$$;
comment on function scc.checklist_item_apply(jsonb, int, scc.checklist_template_items) is
    'one template item from a request body laid over the stored one; SC400 invalid_item naming items[i].field';

-- A new item of template `template_id` at `pos`, from a checked row
-- (scc.checklist_item_apply).
create function scc.checklist_item_insert(template_id uuid, pos int, it scc.checklist_template_items)
returns void
language sql
volatile
as $$
    insert into scc.checklist_template_items (template_id, position, label, kind, options, unit,
                                              min_value, max_value, required, active)
    values (template_id, pos, it.label, it.kind, it.options, it.unit, it.min_value, it.max_value,
            it.required, it.active)
$$;
comment on function scc.checklist_item_insert(uuid, int, scc.checklist_template_items) is
    'inserts a checked template item at a position';

-- The template body fields shared by POST and PATCH, checked: name, phase,
-- boat_id (null: global; an unknown boat is SC404 boat_not_found), active;
-- laid over `t`.  items are the callers'.
create function scc.checklist_template_apply(body jsonb, t scc.checklist_templates)
returns scc.checklist_templates
language plpgsql
stable
as $$
declare
    f jsonb;
begin
    if body ? 'name' then
        f := body -> 'name';
        if jsonb_typeof(f) <> 'string' or length(btrim(f #>> '{}')) not between 1 and 200 then
            perform scc.fail(400, 'invalid_name', 'name: a template name is text of 1 to 200 characters');
        end if;
        t.name := btrim(f #>> '{}');
    end if;
    if body ? 'phase' then
        f := body -> 'phase';
        if jsonb_typeof(f) <> 'string' or (f #>> '{}') not in ('pre', 'post') then
            perform scc.fail(400, 'invalid_phase', 'phase: must be pre (before departure) or post (after return)');
        end if;
        t.phase := f #>> '{}';
    end if;
    if body ? 'boat_id' then
        f := body -> 'boat_id';
        if jsonb_typeof(f) = 'null' then
            t.boat_id := null;
        elsif jsonb_typeof(f) <> 'string' then
            perform scc.fail(400, 'invalid_boat_id', 'boat_id must be a uuid or null');
        else
            t.boat_id := scc.check_uuid(f #>> '{}', 'invalid_boat_id', 'boat_id');
            if not exists (select 1 from scc.boats as b where b.id = t.boat_id) then
                perform scc.fail(404, 'boat_not_found', 'boat_id: no such boat');
            end if;
        end if;
    end if;
    if body ? 'active' then
        if jsonb_typeof(body -> 'active') <> 'boolean' then
            perform scc.fail(400, 'invalid_active', 'active must be true or false');
        end if;
        t.active := (body -> 'active')::boolean;
    end if;
    if body ? 'items' and jsonb_typeof(body -> 'items') <> 'array' then
        perform scc.fail(400, 'invalid_items', 'items must be a list');
    end if;
    if jsonb_array_length(coalesce(body -> 'items', '[]'::jsonb)) > 100 then
        perform scc.fail(400, 'invalid_items', 'items: a template has at most 100 items');
    end if;
    return t;
end
$$;
comment on function scc.checklist_template_apply(jsonb, scc.checklist_templates) is
    'the name, phase, boat_id and active fields of a template body laid over a template, checked';

-- ---- routes: templates ----------------------------------------------------

-- GET /api/checklist-templates?boat=&phase=   (captain and up)
-- Every template, active or not, with its items (inactive ones flagged),
-- pre before post, global before a boat's own, then by name.  boat=<uuid>
-- keeps the templates that apply to that boat (global ones and its own);
-- phase=pre|post one phase.
-- 200 {"templates":[scc.checklist_template_json]}.
-- Errors: SC400 invalid_boat / invalid_phase / unknown_parameter;
-- SC404 boat_not_found.  Reads only.
create function scc_api.checklist_templates_list(ctx jsonb)
returns scc_api.response
language plpgsql
stable
security definer
set search_path = pg_catalog, scc
as $$
declare
    boat_t  text := ctx -> 'query' ->> 'boat';
    phase_t text := nullif(ctx -> 'query' ->> 'phase', '');
    v_boat  uuid;
    answer  jsonb;
begin
    perform scc.require_role(ctx, 'captain');
    perform scc.refuse_unknown_params(ctx, array['boat', 'phase']);
    if boat_t is not null and boat_t <> '' then
        v_boat := scc.check_uuid(boat_t, 'invalid_boat', 'boat');
        if not exists (select 1 from scc.boats as b where b.id = v_boat) then
            perform scc.fail(404, 'boat_not_found', 'boat: no such boat');
        end if;
    end if;
    if phase_t is not null and phase_t not in ('pre', 'post') then
        perform scc.fail(400, 'invalid_phase', 'phase must be pre or post');
    end if;
    select coalesce(jsonb_agg(scc.checklist_template_json(t)
                              order by t.phase = 'post', t.boat_id is not null, t.name, t.id), '[]'::jsonb)
      into answer
      from scc.checklist_templates as t
     where (v_boat is null or t.boat_id is null or t.boat_id = v_boat)
       and (phase_t is null or t.phase = phase_t);
    return (200, jsonb_build_object('templates', answer)::json)::scc_api.response;
end
$$;
comment on function scc_api.checklist_templates_list(jsonb) is
    'GET /api/checklist-templates: captains and admins read every template with its items; filters boat, phase';
revoke execute on function scc_api.checklist_templates_list(jsonb) from public;
grant execute on function scc_api.checklist_templates_list(jsonb) to scc_web;

-- POST /api/checklist-templates {name, phase, boat_id?, active?, items?}   (admin)
-- items: [{label, kind check|choice|number|text, options? (choice: 2..20
-- distinct texts), unit?, min?, max? (number), required? (default true)}],
-- at most 100, kept in the order given.  Audited (checklist_template.create).
-- 201 the template (scc.checklist_template_json).
-- Errors: SC400 unknown_field / invalid_name / name_required / invalid_phase
-- / phase_required / invalid_boat_id / invalid_active / invalid_items /
-- invalid_item (the message names items[i].field); SC404 boat_not_found.
create function scc_api.checklist_template_create(ctx jsonb)
returns scc_api.response
language plpgsql
volatile
security definer
set search_path = pg_catalog, scc
as $$
declare
    body   jsonb := coalesce(ctx -> 'body', '{}'::jsonb);
    t      scc.checklist_templates;
    empty  scc.checklist_template_items;
    v      jsonb;
    n      int := 0;
    answer jsonb;
begin
    perform scc.require_role(ctx, 'admin');
    perform scc.refuse_unknown_fields(body, array['name', 'phase', 'boat_id', 'active', 'items']);
    if not body ? 'name' then
        perform scc.fail(400, 'name_required', 'name: a template needs a name');
    end if;
    if not body ? 'phase' then
        perform scc.fail(400, 'phase_required', 'phase: a template is for pre (before departure) or post (after return)');
    end if;
    t.active := true;
    t := scc.checklist_template_apply(body, t);
    insert into scc.checklist_templates (name, phase, boat_id, active, created_by)
    values (t.name, t.phase, t.boat_id, t.active, (ctx -> 'actor' ->> 'id')::uuid)
    returning * into t;
    for v in select x from jsonb_array_elements(coalesce(body -> 'items', '[]'::jsonb)) as x loop
        if v ? 'id' then
            perform scc.fail(400, 'invalid_item', 'items[' || n || '].id: a new template''s items have no id');
        end if;
        perform scc.checklist_item_insert(t.id, n, scc.checklist_item_apply(v, n, empty));
        n := n + 1;
    end loop;
    answer := scc.checklist_template_json(t);
    perform scc.audit(ctx, 'checklist_template.create', 'checklist_template', t.id::text, null, answer);
    return (201, answer::json)::scc_api.response;
end
$$;
comment on function scc_api.checklist_template_create(jsonb) is
    'POST /api/checklist-templates: an admin creates a template with its items; 201 the template';
revoke execute on function scc_api.checklist_template_create(jsonb) from public;
grant execute on function scc_api.checklist_template_create(jsonb) to scc_web;

-- PATCH /api/checklist-templates/:id {name?, phase?, boat_id?, active?, items?}   (admin)
-- Without items, the items stay as they are.  With items, the list is the
-- template's items as they should be, in order:
--   {"id": <an item of this template>, ...fields to change}  keeps that item
--       (moved to this place; only the fields sent change; "active": false
--       deactivates it, true brings it back);
--   {...an item without id}                                   adds one.
-- An item of the template the list leaves out is removed: deleted when no
-- event has copied it, else deactivated and moved after the listed ones (the
-- events keep it and the analysis still finds it).  An item events have
-- copied keeps its kind (SC409 item_in_use).  Events keep the copies they
-- have either way.  Audited (checklist_template.update, before and after).
-- 200 the template.
-- Errors: SC400 invalid_id / unknown_field / invalid_name / invalid_phase /
-- invalid_boat_id / invalid_active / invalid_items / invalid_item
-- (items[i].id: not an item of this template, or listed twice; and every
-- field error of POST); SC404 template_not_found / boat_not_found;
-- SC409 item_in_use.
create function scc_api.checklist_template_update(ctx jsonb)
returns scc_api.response
language plpgsql
volatile
security definer
set search_path = pg_catalog, scc
as $$
declare
    body    jsonb := coalesce(ctx -> 'body', '{}'::jsonb);
    t       scc.checklist_templates;
    cur     scc.checklist_template_items;
    it      scc.checklist_template_items;
    empty   scc.checklist_template_items;
    v       jsonb;
    n       int := 0;
    item_id uuid;
    seen    uuid[] := '{}';
    was     jsonb;
    answer  jsonb;
begin
    perform scc.require_role(ctx, 'admin');
    t.id := scc.check_uuid(ctx -> 'params' ->> 'id', 'invalid_id', 'the template id');
    perform scc.refuse_unknown_fields(body, array['name', 'phase', 'boat_id', 'active', 'items']);
    select * into t from scc.checklist_templates as x where x.id = t.id for update;
    if not found then
        perform scc.fail(404, 'template_not_found', 'no such checklist template');
    end if;
    was := scc.checklist_template_json(t);
    t := scc.checklist_template_apply(body, t);
    update scc.checklist_templates as x
       set name = t.name, phase = t.phase, boat_id = t.boat_id, active = t.active, updated_at = now()
     where x.id = t.id
    returning * into t;

    if body ? 'items' then
        -- first check the whole list, then write it
        for v in select x from jsonb_array_elements(body -> 'items') as x loop
            if jsonb_typeof(v) = 'object' and v ? 'id' then
                if jsonb_typeof(v -> 'id') <> 'string' then
                    perform scc.fail(400, 'invalid_item', 'items[' || n || '].id: must be a uuid');
                end if;
                item_id := scc.check_uuid(v ->> 'id', 'invalid_item', 'items[' || n || '].id');
                if item_id = any (seen) then
                    perform scc.fail(400, 'invalid_item', 'items[' || n || '].id: listed twice');
                end if;
                seen := seen || item_id;
                select * into cur from scc.checklist_template_items as i
                 where i.id = item_id and i.template_id = t.id;
                if not found then
                    perform scc.fail(400, 'invalid_item', 'items[' || n || '].id: not an item of this template');
                end if;
                it := scc.checklist_item_apply(v, n, cur);
                if it.kind <> cur.kind and exists (select 1 from scc.event_checklist_items as c
                                                    where c.template_item_id = cur.id) then
                    perform scc.fail(409, 'item_in_use', 'items[' || n || '].kind: events have copied this item, '
                                     || 'so its kind stays ' || cur.kind || '; add a new item instead');
                end if;
            else
                perform scc.checklist_item_apply(v, n, empty);
            end if;
            n := n + 1;
        end loop;

        -- the items left out: deleted, or deactivated when events copied them
        delete from scc.checklist_template_items as i
         where i.template_id = t.id and i.id <> all (seen)
           and not exists (select 1 from scc.event_checklist_items as c where c.template_item_id = i.id);
        -- positions from a clean slate: listed ones 0..n-1, kept ones after
        update scc.checklist_template_items as i
           set position = n + k.rn - 1, active = false, updated_at = now()
          from (select x.id, row_number() over (order by x.position, x.id) as rn
                  from scc.checklist_template_items as x
                 where x.template_id = t.id and x.id <> all (seen)) as k
         where i.id = k.id;

        n := 0;
        for v in select x from jsonb_array_elements(body -> 'items') as x loop
            if v ? 'id' then
                select * into cur from scc.checklist_template_items as i where i.id = (v ->> 'id')::uuid;
                it := scc.checklist_item_apply(v, n, cur);
                update scc.checklist_template_items as i
                   set position = n, label = it.label, kind = it.kind, options = it.options,
                       unit = it.unit, min_value = it.min_value, max_value = it.max_value,
                       required = it.required, active = it.active, updated_at = now()
                 where i.id = cur.id;
            else
                perform scc.checklist_item_insert(t.id, n, scc.checklist_item_apply(v, n, empty));
            end if;
            n := n + 1;
        end loop;
    end if;

    answer := scc.checklist_template_json(t);
    perform scc.audit(ctx, 'checklist_template.update', 'checklist_template', t.id::text, was, answer);
    return (200, answer::json)::scc_api.response;
end
$$;
comment on function scc_api.checklist_template_update(jsonb) is
    'PATCH /api/checklist-templates/:id: an admin renames, (de)activates, moves and edits items; copied items are deactivated, never deleted';
revoke execute on function scc_api.checklist_template_update(jsonb) from public;
grant execute on function scc_api.checklist_template_update(jsonb) to scc_web;

-- ---- route: answering ------------------------------------------------------

-- PUT /api/events/:id/checklist/:item {value, note?}   (crew and up: an admin,
-- or someone holding a captain or crew place on the event)
-- value by the item's kind: check → true/false; choice → one of the
-- options; number → a number within min..max; text → 1 to 1000 characters
-- (trimmed).  value null clears the answer.  note: text up to 1000
-- characters ('' when absent).  Pre items while the event is scheduled or
-- boarding, post items while it is underway or returned.  Upserts the
-- answer (who and when), under a share lock on the event row so that a
-- transition sees every answer or waits for it.  Audited (checklist.answer
-- or checklist.clear, before and after).
-- 200 {"item": the item as scc.event_checklist_json shows it,
--      "checklist": scc.event_checklist_json(e)}.
-- Errors: SC400 invalid_id / invalid_item_id / unknown_field /
-- value_required / invalid_value / invalid_note; SC403 not_on_event;
-- SC404 event_not_found / item_not_found; SC409 event_not_scheduled /
-- event_closed / event_cancelled / phase_closed / phase_not_open;
-- SC422 not_an_option / out_of_range / value_too_long.
create function scc_api.checklist_answer(ctx jsonb)
returns scc_api.response
language plpgsql
volatile
security definer
set search_path = pg_catalog, scc
as $$
declare
    actor_role text := scc.require_role(ctx, 'crew');
    actor_id   uuid := (ctx -> 'actor' ->> 'id')::uuid;
    body       jsonb := coalesce(ctx -> 'body', '{}'::jsonb);
    v_event    uuid := scc.check_uuid(ctx -> 'params' ->> 'id', 'invalid_id', 'the event id');
    v_item     uuid := scc.check_uuid(ctx -> 'params' ->> 'item', 'invalid_item_id', 'the item id');
    e          scc.events;
    i          scc.event_checklist_items;
    val        jsonb := body -> 'value';
    v_note     text;
    num        numeric;
    s          text;
    prev       scc.checklist_answers;
    now_answer jsonb;
    list       jsonb;
begin
    perform scc.refuse_unknown_fields(body, array['value', 'note']);
    select * into e from scc.events as x where x.id = v_event for share;
    if not found then
        perform scc.fail(404, 'event_not_found', 'no such event');
    end if;
    select * into i from scc.event_checklist_items as x where x.id = v_item and x.event_id = e.id;
    if not found then
        perform scc.fail(404, 'item_not_found', 'this event has no such checklist item');
    end if;
    if actor_role <> 'admin' and not exists (
           select 1 from scc.event_roles as r
            where r.event_id = e.id and r.user_id = actor_id and r.role in ('captain', 'crew')
              and r.state in ('claimed', 'designated', 'confirmed')) then
        perform scc.fail(403, 'not_on_event', 'only the captain and crew on this event, or an admin, answer its checklist');
    end if;
    if e.state = 'cancelled' then
        perform scc.fail(409, 'event_cancelled', 'this event is cancelled');
    elsif e.state = 'closed' then
        perform scc.fail(409, 'event_closed', 'this event is closed; its checklist is the record');
    elsif e.state = 'draft' then
        perform scc.fail(409, 'event_not_scheduled', 'this event is a draft; its checklist opens when it is scheduled');
    elsif i.phase = 'pre' and e.state not in ('scheduled', 'boarding') then
        perform scc.fail(409, 'phase_closed', 'pre-departure items are answered before the boat is underway');
    elsif i.phase = 'post' and e.state not in ('underway', 'returned') then
        perform scc.fail(409, 'phase_not_open', 'post-trip items are answered once the boat is underway');
    end if;

    if not body ? 'value' then
        perform scc.fail(400, 'value_required', 'value: send the answer, or null to clear it');
    end if;
    v_note := scc.body_text(ctx, 'note', 'invalid_note');
    if length(v_note) > 1000 then
        perform scc.fail(400, 'invalid_note', 'note: at most 1000 characters');
    end if;
    v_note := coalesce(btrim(v_note), '');

    if jsonb_typeof(val) <> 'null' then
        if i.kind = 'check' then
            if jsonb_typeof(val) <> 'boolean' then
                perform scc.fail(400, 'invalid_value', 'value: this item is a check, true or false');
            end if;
        elsif i.kind = 'choice' then
            if jsonb_typeof(val) <> 'string' then
                perform scc.fail(400, 'invalid_value', 'value: this item is a choice, one of its options as text');
            end if;
            if not (val #>> '{}') = any (i.options) then
                perform scc.fail(422, 'not_an_option', 'value: not one of the options ('
                                 || array_to_string(i.options, ', ') || ')');
            end if;
        elsif i.kind = 'number' then
            if jsonb_typeof(val) <> 'number' then
                perform scc.fail(400, 'invalid_value', 'value: this item is a number');
            end if;
            num := (val #>> '{}')::numeric;
            if num < i.min_value or num > i.max_value then
                perform scc.fail(422, 'out_of_range', 'value: must be between '
                                 || coalesce(i.min_value::text, 'any') || ' and '
                                 || coalesce(i.max_value::text, 'any')
                                 || coalesce(' ' || i.unit, ''));
            end if;
        else
            if jsonb_typeof(val) <> 'string' then
                perform scc.fail(400, 'invalid_value', 'value: this item is a text');
            end if;
            s := btrim(val #>> '{}');
            if s = '' then
                perform scc.fail(400, 'invalid_value', 'value: an empty text is no answer; send null to clear it');
            end if;
            if length(s) > 1000 then
                perform scc.fail(422, 'value_too_long', 'value: at most 1000 characters');
            end if;
            val := to_jsonb(s);
        end if;
    end if;

    select * into prev from scc.checklist_answers as a where a.item_id = i.id for update;
    if jsonb_typeof(val) = 'null' then
        delete from scc.checklist_answers as a where a.item_id = i.id;
        now_answer := null;
    else
        insert into scc.checklist_answers (item_id, value, note, answered_by, answered_at)
        values (i.id, val, v_note, actor_id, now())
        on conflict (item_id) do update
           set value = excluded.value, note = excluded.note,
               answered_by = excluded.answered_by, answered_at = excluded.answered_at;
        now_answer := jsonb_build_object('event_id', e.id, 'phase', i.phase, 'label', i.label,
                                    'value', val, 'note', v_note);
    end if;
    perform scc.audit(ctx, case when now_answer is null then 'checklist.clear' else 'checklist.answer' end,
                      'event_checklist_item', i.id::text,
                      case when prev.item_id is null then null
                           else jsonb_build_object('event_id', e.id, 'phase', i.phase, 'label', i.label,
                                                   'value', prev.value, 'note', prev.note,
                                                   'by', prev.answered_by, 'at', scc.iso(prev.answered_at)) end,
                      now_answer);
    list := scc.event_checklist_json(e);
    return (200, jsonb_build_object(
                'item', (select x from jsonb_array_elements(list -> i.phase -> 'items') as x
                          where x ->> 'id' = i.id::text),
                'checklist', list)::json)::scc_api.response;
end
$$;
comment on function scc_api.checklist_answer(jsonb) is
    'PUT /api/events/:id/checklist/:item: the event''s crew, captain or an admin answers (or clears, value null) one item';
revoke execute on function scc_api.checklist_answer(jsonb) from public;
grant execute on function scc_api.checklist_answer(jsonb) to scc_web;

-- ---- route: the option analysis -------------------------------------------

-- The distribution of the answers to template item `p_item` over the
-- events that copied it, departing on local dates [p_from, p_to) in their
-- own time zone, of one boat or all, cancelled events left out:
--   {"item": {id, template_id, template_name, phase, label, kind, options,
--             unit, min, max, active},
--    "from", "to" (dates), "boat": {id, name} | null,
--    "events": how many events, "answered": how many of them answered,
--    "options": [{"value", "count", "share"}]  (check: true, false; choice:
--               the options in order, then any answered value no longer an
--               option, alphabetically; else [])
--    "numbers": {"min", "median", "mean", "max"} (number; nulls when no
--               answer; else null)}
-- share = count ÷ answered rounded to 4 places (null when nothing was
-- answered); mean rounded to 6 places; the median of an even count is the
-- mean of the two middle values, exact.
create function scc.checklist_analysis(p_item uuid, p_from date, p_to date, p_boat uuid)
returns jsonb
language sql
stable
as $$
    with it as (
        select i.id, i.template_id, t.name as template_name, t.phase, i.label, i.kind, i.options,
               i.unit, i.min_value, i.max_value, i.active
          from scc.checklist_template_items as i
          join scc.checklist_templates as t on t.id = i.template_id
         where i.id = p_item
    ), ev as (
        select e.id, a.value
          from scc.event_checklist_items as c
          join scc.events as e on e.id = c.event_id
          left join scc.checklist_answers as a on a.item_id = c.id
         where c.template_item_id = p_item
           and e.state <> 'cancelled'
           and (p_boat is null or e.boat_id = p_boat)
           and (e.departure_at at time zone e.time_zone)::date >= p_from
           and (e.departure_at at time zone e.time_zone)::date < p_to
    ), totals as (
        select count(*) as events, count(ev.value) as answered from ev
    ), opts as (
        select o.value, o.ord
          from it
          cross join lateral (
              select to_jsonb(x.b) as value, x.n as ord
                from (values (true, 1), (false, 2)) as x (b, n)
               where it.kind = 'check'
              union all
              select to_jsonb(x.o), x.n
                from unnest(it.options) with ordinality as x (o, n)
               where it.kind = 'choice'
              union all
              select x.value, 1000 + row_number() over (order by x.value #>> '{}')
                from (select distinct ev.value from ev
                       where it.kind = 'choice' and jsonb_typeof(ev.value) = 'string'
                         and not (ev.value #>> '{}') = any (it.options)) as x
          ) as o
    ), nums as (
        select (ev.value #>> '{}')::numeric as v,
               row_number() over (order by (ev.value #>> '{}')::numeric) as rn,
               count(*) over () as n
          from ev, it
         where it.kind = 'number' and jsonb_typeof(ev.value) = 'number'
    )
    select jsonb_build_object(
        'item', jsonb_build_object('id', it.id, 'template_id', it.template_id,
                                   'template_name', it.template_name, 'phase', it.phase,
                                   'label', it.label, 'kind', it.kind, 'options', to_jsonb(it.options),
                                   'unit', it.unit, 'min', it.min_value, 'max', it.max_value,
                                   'active', it.active),
        'from', p_from, 'to', p_to,
        'boat', (select jsonb_build_object('id', b.id, 'name', b.name) from scc.boats as b where b.id = p_boat),
        'events', totals.events,
        'answered', totals.answered,
        'options', coalesce((select jsonb_agg(jsonb_build_object(
                                 'value', o.value,
                                 'count', (select count(*) from ev where ev.value = o.value),
                                 'share', case when totals.answered = 0 then null
                                               else trim_scale(round((select count(*) from ev where ev.value = o.value)::numeric
                                                                     / totals.answered, 4)) end)
                                 order by o.ord)
                               from opts as o), '[]'::jsonb),
        'numbers', case when it.kind = 'number' then (
                        select jsonb_build_object(
                            'min', min(nums.v),
                            'median', (select trim_scale(avg(m.v)) from nums as m
                                        where m.rn in ((m.n + 1) / 2, (m.n + 2) / 2)),
                            'mean', trim_scale(round(avg(nums.v), 6)),
                            'max', max(nums.v))
                          from nums) end)
      from it, totals
$$;
comment on function scc.checklist_analysis(uuid, date, date, uuid) is
    'the distribution of a template item''s answers over events departing on local dates [from, to): counts, shares, number statistics';

-- The analysis as CSV (RFC 4180, CRLF): a header row, then
--   check/choice: label,events,answered,option,count,share   one row per option
--   number:       label,events,answered,unit,min,median,mean,max
--   text:         label,events,answered
create function scc.checklist_analysis_csv(a jsonb)
returns text
language sql
immutable
as $$
    select case a -> 'item' ->> 'kind'
        when 'number' then
            E'label,events,answered,unit,min,median,mean,max\r\n'
            || concat_ws(',', scc.csv_text(a -> 'item' ->> 'label'), a ->> 'events', a ->> 'answered',
                         scc.csv_text(a -> 'item' ->> 'unit'),
                         coalesce(a -> 'numbers' ->> 'min', ''), coalesce(a -> 'numbers' ->> 'median', ''),
                         coalesce(a -> 'numbers' ->> 'mean', ''), coalesce(a -> 'numbers' ->> 'max', ''))
            || E'\r\n'
        when 'text' then
            E'label,events,answered\r\n'
            || concat_ws(',', scc.csv_text(a -> 'item' ->> 'label'), a ->> 'events', a ->> 'answered')
            || E'\r\n'
        else
            E'label,events,answered,option,count,share\r\n'
            || coalesce((select string_agg(concat_ws(',', scc.csv_text(a -> 'item' ->> 'label'),
                                                     a ->> 'events', a ->> 'answered',
                                                     scc.csv_text(o.x ->> 'value'), o.x ->> 'count',
                                                     coalesce(o.x ->> 'share', '')) || E'\r\n', '' order by o.n)
                           from jsonb_array_elements(a -> 'options') with ordinality as o (x, n)), '')
    end
$$;
comment on function scc.checklist_analysis_csv(jsonb) is
    'scc.checklist_analysis as RFC 4180 CSV with a header row and CRLF line ends';

-- GET /api/checklists/analysis?item=&from=&to=&boat=&format=json|csv   (captain and up)
-- item: a template item's id (active or not); from, to: local dates
-- YYYY-MM-DD, [from, to) (defaults: to = tomorrow (UTC), from = to − 90
-- days; at most 10 years apart); boat: one boat's events only.  Answers
-- scc_api.file_response: json (default) application/json, shown;
-- csv text/csv; charset=utf-8, saved as analysis-<item>-<from>-<to>.csv.
-- Errors: SC400 item_required / invalid_item / invalid_from / invalid_to /
-- invalid_range / invalid_boat / invalid_format / unknown_parameter;
-- SC404 item_not_found / boat_not_found.  Reads only.
create function scc_api.checklist_analysis(ctx jsonb)
returns scc_api.file_response
language plpgsql
stable
security definer
set search_path = pg_catalog, scc
as $$
declare
    q       jsonb := coalesce(ctx -> 'query', '{}'::jsonb);
    v_item  uuid;
    v_from  date;
    v_to    date;
    v_boat  uuid;
    fmt     text := coalesce(nullif(q ->> 'format', ''), 'json');
    answer  jsonb;
begin
    perform scc.require_role(ctx, 'captain');
    perform scc.refuse_unknown_params(ctx, array['item', 'from', 'to', 'boat', 'format']);
    if coalesce(q ->> 'item', '') = '' then
        perform scc.fail(400, 'item_required', 'item: name a checklist template item');
    end if;
    v_item := scc.check_uuid(q ->> 'item', 'invalid_item', 'item');
    v_from := scc.check_iso_date(q ->> 'from', 'invalid_from', 'from');
    v_to := scc.check_iso_date(q ->> 'to', 'invalid_to', 'to');
    if fmt not in ('json', 'csv') then
        perform scc.fail(400, 'invalid_format', 'format must be json or csv');
    end if;
    v_to := coalesce(v_to, (now() at time zone 'UTC')::date + 1);
    v_from := coalesce(v_from, v_to - 90);
    if v_to <= v_from then
        perform scc.fail(400, 'invalid_range', 'to must be after from');
    end if;
    if v_to - v_from > 3653 then
        perform scc.fail(400, 'invalid_range', 'from and to are at most 10 years apart');
    end if;
    if coalesce(q ->> 'boat', '') <> '' then
        v_boat := scc.check_uuid(q ->> 'boat', 'invalid_boat', 'boat');
        if not exists (select 1 from scc.boats as b where b.id = v_boat) then
            perform scc.fail(404, 'boat_not_found', 'boat: no such boat');
        end if;
    end if;
    if not exists (select 1 from scc.checklist_template_items as i where i.id = v_item) then
        perform scc.fail(404, 'item_not_found', 'item: no such checklist template item');
    end if;
    answer := scc.checklist_analysis(v_item, v_from, v_to, v_boat);
    if fmt = 'csv' then
        return (200, scc.checklist_analysis_csv(answer), 'text/csv; charset=utf-8',
                'analysis-' || v_item || '-' || to_char(v_from, 'YYYY-MM-DD') || '-'
                || to_char(v_to, 'YYYY-MM-DD') || '.csv')::scc_api.file_response;
    end if;
    return (200, answer::text, 'application/json', null)::scc_api.file_response;
end
$$;
comment on function scc_api.checklist_analysis(jsonb) is
    'GET /api/checklists/analysis: captains and admins read the distribution of a template item''s answers, JSON or CSV';
revoke execute on function scc_api.checklist_analysis(jsonb) from public;
grant execute on function scc_api.checklist_analysis(jsonb) to scc_web;

-- ---- route: the audit log --------------------------------------------------

-- GET /api/audit?actor=&entity=&action=&from=&to=&before=&limit=   (admin)
-- Newest first.  Filters, each exact: actor (a user id), entity (e.g.
-- checklist_template), action (e.g. checklist.answer), from / to (ISO
-- dates or date-times with a zone: from <= at < to).  Keyset paging: before
-- = the last id seen (rows with a smaller id); limit 1..200 (default 50).
-- 200 {"items":[{id, at, actor: {id, name, email} | null, actor_role,
--      action, entity, entity_id, before, after, reason, ip, request_id}],
--      "next_before": the id to pass as before for older rows, or null when
--      there are none}.
-- Errors: SC400 invalid_actor / invalid_entity / invalid_action /
-- invalid_from / invalid_to / invalid_range / invalid_before /
-- invalid_limit / unknown_parameter.  Reads only.
create function scc_api.audit_list(ctx jsonb)
returns scc_api.response
language plpgsql
stable
security definer
set search_path = pg_catalog, scc
as $$
declare
    q        jsonb := coalesce(ctx -> 'query', '{}'::jsonb);
    v_actor  uuid;
    v_entity text := nullif(q ->> 'entity', '');
    v_action text := nullif(q ->> 'action', '');
    v_from   timestamptz;
    v_to     timestamptz;
    v_before bigint;
    lim      int := 50;
    t        text;
    found_rows jsonb;
    n        int;
begin
    perform scc.require_role(ctx, 'admin');
    perform scc.refuse_unknown_params(ctx, array['actor', 'entity', 'action', 'from', 'to', 'before', 'limit']);
    if coalesce(q ->> 'actor', '') <> '' then
        v_actor := scc.check_uuid(q ->> 'actor', 'invalid_actor', 'actor');
    end if;
    if length(v_entity) > 100 then
        perform scc.fail(400, 'invalid_entity', 'entity: at most 100 characters');
    end if;
    if length(v_action) > 100 then
        perform scc.fail(400, 'invalid_action', 'action: at most 100 characters');
    end if;
    v_from := scc.check_iso_time(q ->> 'from', 'invalid_from', 'from');
    v_to := scc.check_iso_time(q ->> 'to', 'invalid_to', 'to');
    if v_from >= v_to then
        perform scc.fail(400, 'invalid_range', 'to must be after from');
    end if;
    t := q ->> 'before';
    if t is not null and t <> '' then
        if t !~ '^[0-9]{1,18}$' or t::bigint < 1 then
            perform scc.fail(400, 'invalid_before', 'before must be an audit row id (a whole number >= 1)');
        end if;
        v_before := t::bigint;
    end if;
    t := q ->> 'limit';
    if t is not null and t <> '' then
        if t !~ '^[0-9]{1,4}$' or t::int not between 1 and 200 then
            perform scc.fail(400, 'invalid_limit', 'limit must be a whole number from 1 to 200');
        end if;
        lim := t::int;
    end if;

    with page as (
        select a.id, a.at, a.actor_id, a.actor_role, a.action, a.entity, a.entity_id, a.before,
               a.after, a.reason, a.ip, a.request_id
          from scc.audit_log as a
         where (v_before is null or a.id < v_before)
           and (v_actor is null or a.actor_id = v_actor)
           and (v_entity is null or a.entity = v_entity)
           and (v_action is null or a.action = v_action)
           and (v_from is null or a.at >= v_from)
           and (v_to is null or a.at < v_to)
         order by a.id desc
         limit lim + 1
    )
    select coalesce(jsonb_agg(jsonb_build_object(
               'id', p.id, 'at', scc.iso(p.at),
               'actor', case when p.actor_id is null then null
                             else jsonb_build_object('id', p.actor_id, 'name', u.name, 'email', u.email) end,
               'actor_role', p.actor_role, 'action', p.action, 'entity', p.entity,
               'entity_id', p.entity_id, 'before', p.before, 'after', p.after, 'reason', p.reason,
               'ip', host(p.ip), 'request_id', p.request_id) order by p.id desc), '[]'::jsonb),
           count(*)
      into found_rows, n
      from page as p
      left join scc.users as u on u.id = p.actor_id;
    if n > lim then
        found_rows := found_rows - lim;
    end if;
    return (200, jsonb_build_object(
                'items', found_rows,
                'next_before', case when n > lim then (found_rows -> (lim - 1) ->> 'id')::bigint end)::json
           )::scc_api.response;
end
$$;
comment on function scc_api.audit_list(jsonb) is
    'GET /api/audit: admins read the audit log newest first, filtered by actor, entity, action and time, keyset paged by id';
revoke execute on function scc_api.audit_list(jsonb) from public;
grant execute on function scc_api.audit_list(jsonb) to scc_web;
