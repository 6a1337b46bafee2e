-- 022_waiver_templates.sql — waiver templates and their versions: the
-- editor's routes, what changed between versions, and moving an event on
-- to a newer version.  The tables are 021's.  What this adds:
--   GET /api/waiver-templates                 (captain+: every template, its current version)
--   POST /api/waiver-templates                (admin: a new template, or a new version of one)
--   GET /api/waiver-templates/:id/versions    (captain+: every version, its text, what changed)
--   PATCH /api/waiver-templates/:id           (admin: rename, retire, bring back)
--   POST /api/events/:id/waiver-version       (admin: an event requires a newer version)
--
-- Decisions:
--   * Every edit is a new version (n + 1 under the template's row lock);
--     versions never change (021's trigger).  The body is stored exactly as
--     sent: not trimmed, not normalised, its SHA-256 that of its UTF-8 bytes
--     (021's check recomputes it).  The statements are stored verbatim too;
--     the title and the change note are trimmed (they are labels).
--   * A version identical to the latest one (title, body, statements,
--     validity and its dates) is refused (409 no_change): a version number
--     must mean a different text to sign.
--   * A new template becomes the active one of its scope (its boat, or
--     global): the one active before is deactivated in the same
--     transaction, under an advisory lock per scope, so two admins creating
--     at once both succeed, one after the other.  Events keep the version
--     they were pinned to.
--   * An event moves only forward: to a later version of the template it
--     requires, or to a version of the boat's current template made after
--     the one it requires (the template was replaced).  Guests who signed
--     the old one are held again by scc.guest_hold with no write to their
--     places; the answer lists who is held now.
--   * What changed is a line diff computed here (longest common
--     subsequence over lines, after the common head and tail are set
--     aside), so every client shows the same change.

-- The events that require a version (a version's and a template's counts
-- of them, and 021's foreign key).
create index events_waiver_version_idx on scc.events (waiver_version_id);

-- ---------------------------------------------------------------------------
-- Helpers
-- ---------------------------------------------------------------------------

-- The lines of a text: split at CRLF, CR or LF; an empty text has none.
create function scc.text_lines(t text)
returns text[]
language sql
immutable
as $$
    select case when t is null or t = '' then '{}'::text[]
                else regexp_split_to_array(t, E'\r\n|\r|\n') end
$$;
comment on function scc.text_lines(text) is
    'the lines of a text (split at CRLF, CR or LF); none for null or empty';

-- A line diff of old_text → new_text: [{op: same|del|add, line}] in order,
-- a deleted line before the line added in its place.  The common head and
-- tail are kept as they are; the middle is a longest common subsequence
-- over lines (a table of (n+1)(m+1) cells), or, when the middle is larger
-- than 250,000 cells, every old line deleted and every new one added.
create function scc.line_diff(old_text text, new_text text)
returns jsonb
language plpgsql
immutable
as $$
declare
    a    text[] := scc.text_lines(old_text);
    b    text[] := scc.text_lines(new_text);
    na   int := coalesce(array_length(a, 1), 0);
    nb   int := coalesce(array_length(b, 1), 0);
    pre  int := 0;
    suf  int := 0;
    n    int;
    m    int;
    w    int;
    l    int[];
    i    int;
    j    int;
    ops  text[] := '{}';
    txt  text[] := '{}';
begin
    while pre < na and pre < nb and a[pre + 1] = b[pre + 1] loop
        pre := pre + 1;
    end loop;
    while suf < na - pre and suf < nb - pre and a[na - suf] = b[nb - suf] loop
        suf := suf + 1;
    end loop;
    n := na - pre - suf;
    m := nb - pre - suf;
    for k in 1 .. pre loop
        ops := ops || 'same'::text;
        txt := txt || a[k];
    end loop;
    i := 0;
    j := 0;
    if n > 0 and m > 0 and (n + 1)::bigint * (m + 1) <= 250000 then
        -- l[i * w + j + 1]: the longest common subsequence of the middle's
        -- old lines from i and new lines from j (0-based)
        w := m + 1;
        l := array_fill(0, array[(n + 1) * w]);
        for ii in reverse n - 1 .. 0 loop
            for jj in reverse m - 1 .. 0 loop
                if a[pre + ii + 1] = b[pre + jj + 1] then
                    l[ii * w + jj + 1] := l[(ii + 1) * w + jj + 2] + 1;
                else
                    l[ii * w + jj + 1] := greatest(l[(ii + 1) * w + jj + 1], l[ii * w + jj + 2]);
                end if;
            end loop;
        end loop;
        while i < n and j < m loop
            if a[pre + i + 1] = b[pre + j + 1] then
                ops := ops || 'same'::text;
                txt := txt || a[pre + i + 1];
                i := i + 1;
                j := j + 1;
            elsif l[(i + 1) * w + j + 1] >= l[i * w + j + 2] then
                ops := ops || 'del'::text;
                txt := txt || a[pre + i + 1];
                i := i + 1;
            else
                ops := ops || 'add'::text;
                txt := txt || b[pre + j + 1];
                j := j + 1;
            end if;
        end loop;
    end if;
    while i < n loop
        ops := ops || 'del'::text;
        txt := txt || a[pre + i + 1];
        i := i + 1;
    end loop;
    while j < m loop
        ops := ops || 'add'::text;
        txt := txt || b[pre + j + 1];
        j := j + 1;
    end loop;
    for k in na - suf + 1 .. na loop
        ops := ops || 'same'::text;
        txt := txt || a[k];
    end loop;
    return (select coalesce(jsonb_agg(jsonb_build_object('op', x.op, 'line', x.line) order by x.k), '[]'::jsonb)
              from unnest(ops, txt) with ordinality as x (op, line, k));
end
$$;
comment on function scc.line_diff(text, text) is
    'a line diff [{op same|del|add, line}] of two texts: common head and tail, LCS of the middle (up to 250,000 cells)';

-- A version as the API shows it: the summary (lists), or with its text,
-- statements, change note and author (full).
create function scc.waiver_version_json(v scc.waiver_versions, with_text boolean)
returns jsonb
language plpgsql
stable
as $$
begin
    if v.id is null then
        return null;
    end if;
    return jsonb_build_object(
        'id', v.id, 'template_id', v.template_id, 'version', v.version, 'title', v.title,
        'body_sha256', v.body_sha256, 'validity', v.validity,
        'valid_from', v.valid_from, 'valid_to', v.valid_to, 'created_at', scc.iso(v.created_at))
        || case when with_text then jsonb_build_object(
               'body', v.body, 'intent_text', v.intent_text, 'consent_text', v.consent_text,
               'adult_text', v.adult_text, 'change_note', v.change_note,
               'created_by', (select jsonb_build_object('id', u.id, 'name', u.name)
                                from scc.users as u where u.id = v.created_by),
               'events', (select count(*) from scc.events as e where e.waiver_version_id = v.id))
           else '{}'::jsonb end;
end
$$;
comment on function scc.waiver_version_json(scc.waiver_versions, boolean) is
    'a waiver version as the API shows it: summary, or full (text, statements, note, author, events requiring it)';

-- A template as the API shows it: its boat, whether it is active, how many
-- versions, its current (latest) version, and how many open events require
-- one of its versions.
create function scc.waiver_template_json(t scc.waiver_templates)
returns jsonb
language plpgsql
stable
as $$
begin
    return jsonb_build_object(
        'id', t.id, 'name', t.name, 'boat_id', t.boat_id,
        'boat', (select jsonb_build_object('id', b.id, 'name', b.name) from scc.boats as b where b.id = t.boat_id),
        'active', t.active,
        'versions', (select count(*) from scc.waiver_versions as v where v.template_id = t.id),
        'current', (select scc.waiver_version_json(v, false) from scc.waiver_versions as v
                     where v.template_id = t.id order by v.version desc limit 1),
        'open_events', (select count(*) from scc.events as e
                          join scc.waiver_versions as v on v.id = e.waiver_version_id
                         where v.template_id = t.id and e.state not in ('closed', 'cancelled')),
        'created_at', scc.iso(t.created_at), 'updated_at', scc.iso(t.updated_at));
end
$$;
comment on function scc.waiver_template_json(scc.waiver_templates) is
    'a waiver template as the API shows it: boat, active, versions, current version, open events requiring it';

-- Which of a version's fields besides the body differ from another's
-- (title, intent_text, consent_text, adult_text, validity), 'body' first
-- when the body does.
create function scc.waiver_changed_fields(a scc.waiver_versions, b scc.waiver_versions)
returns jsonb
language sql
immutable
as $$
    select coalesce(jsonb_agg(x.f order by x.n), '[]'::jsonb)
      from (values (1, 'body', a.body is distinct from b.body),
                   (2, 'title', a.title is distinct from b.title),
                   (3, 'intent_text', a.intent_text is distinct from b.intent_text),
                   (4, 'consent_text', a.consent_text is distinct from b.consent_text),
                   (5, 'adult_text', a.adult_text is distinct from b.adult_text),
                   (6, 'validity', (a.validity, a.valid_from, a.valid_to)
                                   is distinct from (b.validity, b.valid_from, b.valid_to))) as x (n, f, d)
     where x.d
$$;
comment on function scc.waiver_changed_fields(scc.waiver_versions, scc.waiver_versions) is
    'the fields that differ between two waiver versions: body, title, intent_text, consent_text, adult_text, validity';

-- A statement a signer sees (intent_text, consent_text, adult_text): a
-- string of 1 to 1000 characters that is not only spaces, kept verbatim.
-- SC400 <field>_required / invalid_<field>.
create function scc.waiver_statement(body jsonb, field text)
returns text
language plpgsql
immutable
as $$
declare
    f jsonb := body -> field;
begin
    if f is null or jsonb_typeof(f) = 'null' then
        perform scc.fail(400, field || '_required', field || ': a version needs the statement a signer agrees to');
    end if;
    if jsonb_typeof(f) <> 'string' then
        perform scc.fail(400, 'invalid_' || field, field || ' must be text');
    end if;
    if (f #>> '{}') ~ '^[[:space:]]*$' then
        perform scc.fail(400, 'invalid_' || field, field || ': a statement cannot be empty or only spaces');
    end if;
    if length(f #>> '{}') > 1000 then
        perform scc.fail(400, 'invalid_' || field, field || ': at most 1000 characters');
    end if;
    return f #>> '{}';
end
$$;
comment on function scc.waiver_statement(jsonb, text) is
    'a waiver statement from a body, verbatim (1..1000 characters, not only spaces); SC400 <field>_required / invalid_<field>';

-- The version fields of a POST body, checked, as a row (template_id and
-- version are the caller's): title (trimmed, 1..200), body (verbatim,
-- 1..100,000 characters, not only spaces), the three statements, validity
-- event | season with valid_from <= valid_to (dates only for a season),
-- change_note (trimmed, at most 1000).
create function scc.waiver_version_apply(body jsonb)
returns scc.waiver_versions
language plpgsql
stable
as $$
declare
    v scc.waiver_versions;
    f jsonb;
begin
    f := body -> 'title';
    if f is null or jsonb_typeof(f) = 'null' then
        perform scc.fail(400, 'title_required', 'title: a version needs a title');
    end if;
    if jsonb_typeof(f) <> 'string' or length(btrim(f #>> '{}', E' \t\n\r\f\v')) not between 1 and 200 then
        perform scc.fail(400, 'invalid_title', 'title: text of 1 to 200 characters');
    end if;
    v.title := btrim(f #>> '{}', E' \t\n\r\f\v');

    f := body -> 'body';
    if f is null or jsonb_typeof(f) = 'null' then
        perform scc.fail(400, 'body_required', 'body: a version needs its text');
    end if;
    if jsonb_typeof(f) <> 'string' then
        perform scc.fail(400, 'invalid_body', 'body must be text');
    end if;
    if (f #>> '{}') ~ '^[[:space:]]*$' then
        perform scc.fail(400, 'body_empty', 'body: the waiver''s text cannot be empty or only spaces');
    end if;
    if length(f #>> '{}') > 100000 then
        perform scc.fail(400, 'body_too_long', 'body: at most 100,000 characters');
    end if;
    v.body := f #>> '{}';

    v.intent_text := scc.waiver_statement(body, 'intent_text');
    v.consent_text := scc.waiver_statement(body, 'consent_text');
    v.adult_text := scc.waiver_statement(body, 'adult_text');

    f := body -> 'validity';
    if f is null or jsonb_typeof(f) = 'null' then
        perform scc.fail(400, 'validity_required', 'validity: event (one event) or season (valid_from to valid_to)');
    end if;
    if jsonb_typeof(f) <> 'string' or (f #>> '{}') not in ('event', 'season') then
        perform scc.fail(400, 'invalid_validity', 'validity must be event or season');
    end if;
    v.validity := f #>> '{}';
    if jsonb_typeof(body -> 'valid_from') not in ('string', 'null') then
        perform scc.fail(400, 'invalid_valid_from', 'valid_from must be a date, YYYY-MM-DD');
    end if;
    if jsonb_typeof(body -> 'valid_to') not in ('string', 'null') then
        perform scc.fail(400, 'invalid_valid_to', 'valid_to must be a date, YYYY-MM-DD');
    end if;
    v.valid_from := scc.check_iso_date(body ->> 'valid_from', 'invalid_valid_from', 'valid_from');
    v.valid_to := scc.check_iso_date(body ->> 'valid_to', 'invalid_valid_to', 'valid_to');
    if v.validity = 'event' then
        if v.valid_from is not null then
            perform scc.fail(400, 'invalid_valid_from', 'valid_from: only a season has dates');
        end if;
        if v.valid_to is not null then
            perform scc.fail(400, 'invalid_valid_to', 'valid_to: only a season has dates');
        end if;
    else
        if v.valid_from is null then
            perform scc.fail(400, 'valid_from_required', 'valid_from: a season needs its first day');
        end if;
        if v.valid_to is null then
            perform scc.fail(400, 'valid_to_required', 'valid_to: a season needs its last day');
        end if;
        if v.valid_from > v.valid_to then
            perform scc.fail(422, 'valid_to_before_valid_from', 'valid_to: the season ends before it starts');
        end if;
    end if;

    f := body -> 'change_note';
    if f is not null and jsonb_typeof(f) not in ('string', 'null') then
        perform scc.fail(400, 'invalid_change_note', 'change_note must be text');
    end if;
    v.change_note := coalesce(btrim(f #>> '{}', E' \t\n\r\f\v'), '');
    if length(v.change_note) > 1000 then
        perform scc.fail(400, 'invalid_change_note', 'change_note: at most 1000 characters');
    end if;
    return v;
end
$$;
comment on function scc.waiver_version_apply(jsonb) is
    'the version fields of a POST /api/waiver-templates body checked, as a row; SC400/SC422 naming the field';

-- A template name from a body: trimmed, 1 to 200 characters; SC400 invalid_name.
create function scc.waiver_template_name(body jsonb)
returns text
language plpgsql
immutable
as $$
declare
    f jsonb := body -> 'name';
begin
    if jsonb_typeof(f) is distinct from 'string' or length(btrim(f #>> '{}', E' \t\n\r\f\v')) not between 1 and 200 then
        perform scc.fail(400, 'invalid_name', 'name: a template name is text of 1 to 200 characters');
    end if;
    return btrim(f #>> '{}', E' \t\n\r\f\v');
end
$$;
comment on function scc.waiver_template_name(jsonb) is 'a waiver template name from a body, trimmed; SC400 invalid_name';

-- Makes `t` the one active template of its scope: the scope's advisory
-- lock, then the other active one (if any) deactivated.  Returns its id.
create function scc.waiver_scope_take(t_id uuid, t_boat uuid)
returns uuid
language plpgsql
volatile
as $$
declare
    was uuid;
begin
    perform pg_advisory_xact_lock(hashtext('scc.waiver_templates'), hashtext(coalesce(t_boat::text, 'global')));
    update scc.waiver_templates as x
       set active = false, updated_at = now()
     where x.active and x.boat_id is not distinct from t_boat and x.id is distinct from t_id
    returning x.id into was;
    return was;
end
$$;
comment on function scc.waiver_scope_take(uuid, uuid) is
    'locks a waiver scope (a boat, or global) and deactivates its active template other than t_id; returns that one''s id';

-- ---------------------------------------------------------------------------
-- Routes
-- ---------------------------------------------------------------------------

-- GET /api/waiver-templates   (captain and up)
-- Every template, active first, global before a boat's, then by name.
-- 200 {"templates": [scc.waiver_template_json]}.
-- Errors: SC400 unknown_parameter.  Reads only.
create function scc_api.waiver_templates_list(ctx jsonb)
returns scc_api.response
language plpgsql
stable
security definer
set search_path = pg_catalog, scc
as $$
declare
    answer jsonb;
begin
    perform scc.require_role(ctx, 'captain');
    perform scc.refuse_unknown_params(ctx, '{}'::text[]);
    select coalesce(jsonb_agg(scc.waiver_template_json(t)
                              order by not t.active, t.boat_id is not null, t.name, t.id), '[]'::jsonb)
      into answer
      from scc.waiver_templates as t;
    return (200, jsonb_build_object('templates', answer)::json)::scc_api.response;
end
$$;
comment on function scc_api.waiver_templates_list(jsonb) is
    'GET /api/waiver-templates: captains and admins read every waiver template with its current version';
revoke execute on function scc_api.waiver_templates_list(jsonb) from public;
grant execute on function scc_api.waiver_templates_list(jsonb) to scc_web;

-- POST /api/waiver-templates   (admin)
-- {template_id?, name?, boat_id?, title, body, intent_text, consent_text,
--  adult_text, validity, valid_from?, valid_to?, change_note?}
-- Without template_id: a new template (name required; boat_id a boat or
-- null/absent for every boat) with version 1, the active one of its scope
-- (the one active before is deactivated).  With template_id: version n + 1
-- of that template (name and boat_id are the template's: not sent).
-- Audited (waiver_template.create / waiver_template.version).
-- 201 the version (scc.waiver_version_json, full) with "template" and
-- "deactivated" (the template it replaced as active, or null).
-- Errors: SC400 unknown_field / invalid_template_id / name_required /
-- invalid_name / invalid_boat_id / title_required / invalid_title /
-- body_required / invalid_body / body_empty / body_too_long /
-- intent_text_required / invalid_intent_text (and consent_text,
-- adult_text) / validity_required / invalid_validity / invalid_valid_from /
-- invalid_valid_to / valid_from_required / valid_to_required /
-- invalid_change_note; SC404 template_not_found / boat_not_found;
-- SC409 no_change; SC422 valid_to_before_valid_from.
create function scc_api.waiver_template_create(ctx jsonb)
returns scc_api.response
language plpgsql
volatile
security definer
set search_path = pg_catalog, scc
as $$
declare
    body   jsonb := coalesce(ctx -> 'body', '{}'::jsonb);
    actor  uuid := (ctx -> 'actor' ->> 'id')::uuid;
    t      scc.waiver_templates;
    v      scc.waiver_versions;
    prev   scc.waiver_versions;
    f      jsonb;
    v_boat uuid;
    was    uuid;
    answer jsonb;
begin
    perform scc.require_role(ctx, 'admin');
    perform scc.refuse_unknown_fields(body, array['template_id', 'name', 'boat_id', 'title', 'body',
                                                  'intent_text', 'consent_text', 'adult_text', 'validity',
                                                  'valid_from', 'valid_to', 'change_note']);
    f := body -> 'template_id';
    if f is not null and jsonb_typeof(f) <> 'null' then
        if jsonb_typeof(f) <> 'string' then
            perform scc.fail(400, 'invalid_template_id', 'template_id must be a uuid');
        end if;
        t.id := scc.check_uuid(f #>> '{}', 'invalid_template_id', 'template_id');
        if body ? 'name' then
            perform scc.fail(400, 'invalid_name',
                             'name: a new version keeps its template''s name (rename with PATCH /api/waiver-templates/:id)');
        end if;
        if body ? 'boat_id' then
            perform scc.fail(400, 'invalid_boat_id',
                             'boat_id: a new version stays with its template''s boat; make a new template for another');
        end if;
        v := scc.waiver_version_apply(body);
        select * into t from scc.waiver_templates as x where x.id = t.id for update;
        if not found then
            perform scc.fail(404, 'template_not_found', 'no such waiver template');
        end if;
        select * into prev from scc.waiver_versions as x where x.template_id = t.id order by x.version desc limit 1;
        if prev.id is not null
           and (prev.title, prev.body, prev.intent_text, prev.consent_text, prev.adult_text, prev.validity,
                prev.valid_from, prev.valid_to)
               is not distinct from (v.title, v.body, v.intent_text, v.consent_text, v.adult_text, v.validity,
                                     v.valid_from, v.valid_to) then
            perform scc.fail(409, 'no_change', format('this is version %s as it stands: change the text, a statement '
                                                     'or the validity to make version %s', prev.version, prev.version + 1));
        end if;
        v.version := coalesce(prev.version, 0) + 1;
        update scc.waiver_templates as x set updated_at = now() where x.id = t.id returning * into t;
    else
        if body -> 'name' is null or jsonb_typeof(body -> 'name') = 'null' then
            perform scc.fail(400, 'name_required', 'name: a new waiver template needs a name');
        end if;
        t.name := scc.waiver_template_name(body);
        f := body -> 'boat_id';
        if f is not null and jsonb_typeof(f) <> 'null' then
            if jsonb_typeof(f) <> 'string' then
                perform scc.fail(400, 'invalid_boat_id', 'boat_id must be a uuid or null');
            end if;
            v_boat := scc.check_uuid(f #>> '{}', 'invalid_boat_id', 'boat_id');
            if not exists (select 1 from scc.boats as b where b.id = v_boat) then
                perform scc.fail(404, 'boat_not_found', 'boat_id: no such boat');
            end if;
        end if;
        v := scc.waiver_version_apply(body);
        was := scc.waiver_scope_take(null, v_boat);
        insert into scc.waiver_templates (name, boat_id, active, created_by)
        values (t.name, v_boat, true, actor)
        returning * into t;
        v.version := 1;
    end if;
    insert into scc.waiver_versions (template_id, version, title, body, body_sha256, intent_text, consent_text,
                                     adult_text, validity, valid_from, valid_to, change_note, created_by)
    values (t.id, v.version, v.title, v.body, encode(sha256(convert_to(v.body, 'UTF8')), 'hex'), v.intent_text,
            v.consent_text, v.adult_text, v.validity, v.valid_from, v.valid_to, v.change_note, actor)
    returning * into v;
    answer := scc.waiver_version_json(v, true)
              || jsonb_build_object('template', scc.waiver_template_json(t), 'deactivated', was);
    perform scc.audit(ctx, case when v.version = 1 then 'waiver_template.create' else 'waiver_template.version' end,
                      'waiver_template', t.id::text, null,
                      jsonb_build_object('template_id', t.id, 'name', t.name, 'boat_id', t.boat_id,
                                         'version_id', v.id, 'version', v.version, 'body_sha256', v.body_sha256,
                                         'deactivated', was));
    return (201, answer::json)::scc_api.response;
end
$$;
comment on function scc_api.waiver_template_create(jsonb) is
    'POST /api/waiver-templates: an admin makes a waiver template (version 1, active in its scope) or its next version; 201 the version with its SHA-256';
revoke execute on function scc_api.waiver_template_create(jsonb) from public;
grant execute on function scc_api.waiver_template_create(jsonb) to scc_web;

-- GET /api/waiver-templates/:id/versions?from=&to=   (captain and up)
-- The template and every version, newest first, each in full (text,
-- statements, hash, change note, who and when, events requiring it) with
-- "changed": the line diff of its body against the version before
-- (scc.line_diff; null for version 1) and "changed_fields" (which of body,
-- title, the statements and validity differ; null for version 1).
-- from=N&to=M (version numbers, both or neither) adds "compare":
-- {from, to, changed, changed_fields} between those two.
-- 200 {"template": scc.waiver_template_json, "versions": [...], "compare"?}.
-- Errors: SC400 invalid_id / unknown_parameter / invalid_from / invalid_to
-- / from_required / to_required; SC404 template_not_found /
-- version_not_found.  Reads only.
create function scc_api.waiver_template_versions(ctx jsonb)
returns scc_api.response
language plpgsql
stable
security definer
set search_path = pg_catalog, scc
as $$
declare
    q      jsonb := coalesce(ctx -> 'query', '{}'::jsonb);
    t      scc.waiver_templates;
    va     scc.waiver_versions;
    vb     scc.waiver_versions;
    n_from int;
    n_to   int;
    answer jsonb;
begin
    perform scc.require_role(ctx, 'captain');
    t.id := scc.check_uuid(ctx -> 'params' ->> 'id', 'invalid_id', 'the template id');
    perform scc.refuse_unknown_params(ctx, array['from', 'to']);
    if nullif(q ->> 'from', '') is not null then
        if (q ->> 'from') !~ '^[0-9]{1,6}$' then
            perform scc.fail(400, 'invalid_from', 'from: a version number');
        end if;
        n_from := (q ->> 'from')::int;
    end if;
    if nullif(q ->> 'to', '') is not null then
        if (q ->> 'to') !~ '^[0-9]{1,6}$' then
            perform scc.fail(400, 'invalid_to', 'to: a version number');
        end if;
        n_to := (q ->> 'to')::int;
    end if;
    if n_from is not null and n_to is null then
        perform scc.fail(400, 'to_required', 'to: compare needs both versions (from and to)');
    elsif n_to is not null and n_from is null then
        perform scc.fail(400, 'from_required', 'from: compare needs both versions (from and to)');
    end if;
    select * into t from scc.waiver_templates as x where x.id = t.id;
    if not found then
        perform scc.fail(404, 'template_not_found', 'no such waiver template');
    end if;
    select jsonb_agg(scc.waiver_version_json(v, true)
                     || jsonb_build_object('changed', case when p.id is not null then scc.line_diff(p.body, v.body) end,
                                           'changed_fields', case when p.id is not null
                                                                  then scc.waiver_changed_fields(p, v) end)
                     order by v.version desc)
      into answer
      from scc.waiver_versions as v
      left join scc.waiver_versions as p on p.template_id = v.template_id and p.version = v.version - 1
     where v.template_id = t.id;
    answer := jsonb_build_object('template', scc.waiver_template_json(t), 'versions', coalesce(answer, '[]'::jsonb));
    if n_from is not null then
        select * into va from scc.waiver_versions as x where x.template_id = t.id and x.version = n_from;
        if not found then
            perform scc.fail(404, 'version_not_found', format('from: this template has no version %s', n_from));
        end if;
        select * into vb from scc.waiver_versions as x where x.template_id = t.id and x.version = n_to;
        if not found then
            perform scc.fail(404, 'version_not_found', format('to: this template has no version %s', n_to));
        end if;
        answer := answer || jsonb_build_object('compare', jsonb_build_object(
                      'from', scc.waiver_version_json(va, false), 'to', scc.waiver_version_json(vb, false),
                      'changed', scc.line_diff(va.body, vb.body),
                      'changed_fields', scc.waiver_changed_fields(va, vb)));
    end if;
    return (200, answer::json)::scc_api.response;
end
$$;
comment on function scc_api.waiver_template_versions(jsonb) is
    'GET /api/waiver-templates/:id/versions: every version of a waiver template, newest first, with its hash and what changed; ?from=&to= compares two';
revoke execute on function scc_api.waiver_template_versions(jsonb) from public;
grant execute on function scc_api.waiver_template_versions(jsonb) to scc_web;

-- PATCH /api/waiver-templates/:id {name?, active?}   (admin)
-- Renames a template, retires it (active false: events that require one
-- of its versions keep it; new events pin their scope's other active
-- template, or none) or brings it back (active true: it becomes the active
-- one of its scope, the other deactivated).  Audited
-- (waiver_template.update, before and after).
-- 200 scc.waiver_template_json with "deactivated" (the template it
-- replaced as active, or null).
-- Errors: SC400 invalid_id / unknown_field / nothing_to_change /
-- invalid_name / invalid_active; SC404 template_not_found.
create function scc_api.waiver_template_update(ctx jsonb)
returns scc_api.response
language plpgsql
volatile
security definer
set search_path = pg_catalog, scc
as $$
declare
    body   jsonb := coalesce(ctx -> 'body', '{}'::jsonb);
    t      scc.waiver_templates;
    before jsonb;
    v_name text;
    v_act  boolean;
    was    uuid;
    answer jsonb;
begin
    perform scc.require_role(ctx, 'admin');
    t.id := scc.check_uuid(ctx -> 'params' ->> 'id', 'invalid_id', 'the template id');
    perform scc.refuse_unknown_fields(body, array['name', 'active']);
    if not (body ? 'name' or body ? 'active') then
        perform scc.fail(400, 'nothing_to_change', 'send name or active');
    end if;
    if body ? 'name' then
        v_name := scc.waiver_template_name(body);
    end if;
    if body ? 'active' then
        if jsonb_typeof(body -> 'active') <> 'boolean' then
            perform scc.fail(400, 'invalid_active', 'active must be true or false');
        end if;
        v_act := (body -> 'active')::boolean;
    end if;
    select * into t from scc.waiver_templates as x where x.id = t.id;
    if not found then
        perform scc.fail(404, 'template_not_found', 'no such waiver template');
    end if;
    if v_act then
        was := scc.waiver_scope_take(t.id, t.boat_id);
    end if;
    select * into t from scc.waiver_templates as x where x.id = t.id for update;
    before := jsonb_build_object('name', t.name, 'active', t.active);
    update scc.waiver_templates as x
       set name = coalesce(v_name, x.name), active = coalesce(v_act, x.active), updated_at = now()
     where x.id = t.id
    returning * into t;
    answer := scc.waiver_template_json(t) || jsonb_build_object('deactivated', was);
    perform scc.audit(ctx, 'waiver_template.update', 'waiver_template', t.id::text, before,
                      jsonb_build_object('name', t.name, 'active', t.active, 'deactivated', was));
    return (200, answer::json)::scc_api.response;
end
$$;
comment on function scc_api.waiver_template_update(jsonb) is
    'PATCH /api/waiver-templates/:id: an admin renames, retires or brings back a waiver template (one active per scope)';
revoke execute on function scc_api.waiver_template_update(jsonb) from public;
grant execute on function scc_api.waiver_template_update(jsonb) to scc_web;

-- POST /api/events/:id/waiver-version {version_id, reason}   (admin)
-- The event requires a newer waiver version from now on: a later version
-- of the template it requires, or a version of the boat's current
-- template (its active one, else the global one) made after the version it
-- requires (any version of it, when it requires none yet).  Any state but
-- closed and cancelled; the event row is locked.  Guests who signed the
-- old version are held (scc.guest_hold) with no write to their places.
-- Audited (event.waiver_version, before and after, with the reason).
-- 200 {"event_id", "waiver_version": version summary, "previous": version
-- summary or null, "held": [{user_id, name, hold}]} (the event's guests on
-- hold now).
-- Errors: SC400 invalid_id / unknown_field / version_id_required /
-- invalid_version_id / reason_required / invalid_reason; SC404
-- event_not_found / version_not_found; SC409 event_closed /
-- event_cancelled; SC422 version_not_newer / version_other_template.
create function scc_api.event_waiver_version(ctx jsonb)
returns scc_api.response
language plpgsql
volatile
security definer
set search_path = pg_catalog, scc
as $$
declare
    actor_role text := scc.require_role(ctx, 'admin');
    body       jsonb := coalesce(ctx -> 'body', '{}'::jsonb);
    vid_text   text;
    v_reason   text;
    e          scc.events;
    nv         scc.waiver_versions;
    cur        scc.waiver_versions;
    boat_tpl   uuid;
    held       jsonb;
begin
    perform scc.refuse_unknown_fields(body, array['version_id', 'reason']);
    vid_text := scc.body_text(ctx, 'version_id', 'invalid_version_id');
    if vid_text is null then
        perform scc.fail(400, 'version_id_required', 'version_id: the version the event is to require');
    end if;
    nv.id := scc.check_uuid(vid_text, 'invalid_version_id', 'version_id');
    v_reason := scc.roster_reason(ctx);
    if v_reason is null then
        perform scc.fail(400, 'reason_required', 'reason: say why the event''s waiver changes (it is audited)');
    end if;
    e := scc.event_for(ctx, actor_role, true);
    if e.state = 'closed' then
        perform scc.fail(409, 'event_closed', 'this event is closed; its waiver is the record');
    elsif e.state = 'cancelled' then
        perform scc.fail(409, 'event_cancelled', 'this event is cancelled');
    end if;
    select * into nv from scc.waiver_versions as x where x.id = nv.id;
    if not found then
        perform scc.fail(404, 'version_not_found', 'version_id: no such waiver version');
    end if;
    select * into cur from scc.waiver_versions as x where x.id = e.waiver_version_id;
    select x.template_id into boat_tpl from scc.waiver_versions as x
     where x.id = scc.waiver_current_version(e.boat_id);
    if cur.id is not null and nv.template_id = cur.template_id then
        if nv.version <= cur.version then
            perform scc.fail(422, 'version_not_newer',
                             format('version_id: the event requires version %s; move it to a later one', cur.version));
        end if;
    elsif nv.template_id is not distinct from boat_tpl then
        if cur.id is not null and nv.created_at <= cur.created_at then
            perform scc.fail(422, 'version_not_newer',
                             'version_id: this version is older than the one the event requires');
        end if;
    else
        perform scc.fail(422, 'version_other_template',
                         'version_id: a version of the event''s template, or of its boat''s current one');
    end if;
    update scc.events as x set waiver_version_id = nv.id, updated_at = now()
     where x.id = e.id
    returning * into e;
    select coalesce(jsonb_agg(jsonb_build_object('user_id', r.user_id, 'name', u.name, 'hold', h.hold)
                              order by u.name, r.user_id), '[]'::jsonb)
      into held
      from scc.event_roles as r
      join scc.users as u on u.id = r.user_id
     cross join lateral (select scc.guest_hold(e, r) as hold) as h
     where r.event_id = e.id and h.hold is not null;
    perform scc.audit(ctx, 'event.waiver_version', 'event', e.id::text,
                      jsonb_build_object('waiver_version_id', cur.id, 'version', cur.version,
                                         'template_id', cur.template_id),
                      jsonb_build_object('waiver_version_id', nv.id, 'version', nv.version,
                                         'template_id', nv.template_id, 'held', jsonb_array_length(held)),
                      v_reason);
    return (200, json_build_object('event_id', e.id, 'waiver_version', scc.waiver_version_json(nv, false),
                                   'previous', scc.waiver_version_json(cur, false),
                                   'held', held))::scc_api.response;
end
$$;
comment on function scc_api.event_waiver_version(jsonb) is
    'POST /api/events/:id/waiver-version: an admin moves an event to a newer waiver version, with a reason; its signers of the old one are held';
revoke execute on function scc_api.event_waiver_version(jsonb) from public;
grant execute on function scc_api.event_waiver_version(jsonb) to scc_web;
