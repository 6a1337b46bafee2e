-- 023_waiver_signing.sql — signing a waiver (issue 10, helper B): the text a
-- guest signs (GET /api/events/:id/waiver), the signature
-- (POST /api/events/:id/waiver), the record (GET /api/waivers/:id), and the
-- signer's copy by email (template waiver_copy).
--
-- Decisions (sql/README.md "Signing a waiver" says them for readers):
--   * The record holds what the signer was SHOWN, not what the client
--     sends back: the statements are copied from the version row
--     (intent_text, consent_text and, for "18 or older", adult_text), the
--     hash is the version's (021's trigger), the time the server's.  The
--     client proves it showed the version it names: version_id must be the
--     event's required version (409 version_mismatch: the page reloads the
--     new text) and body_sha256 the version's (409 hash_mismatch).
--   * "The link and session used": the access token's claims are sub, role,
--     jti, iat, exp; tokens are not stored, so no row ties a token to its
--     session.  The module now passes the token's jti (ctx.actor.jti): it is
--     recorded (token_jti) and audited.  link_id is the sign-in link that
--     brought the signer to this event (the newest consumed invite/waiver
--     link bound to them that carries the event), when there is one.
--     session_id stays null: naming a session we cannot prove was used
--     would make the record say more than we know.
--   * Signing accepts: a designated guest place becomes confirmed.  The
--     place's minors become the signed minors, so the hold reads the two
--     together.
--   * The copy goes to the account's stored address (the mailbox the
--     sign-in link went to), never only to a typed one, and always (it is
--     the signer's record, not a notification: notify_email aside).
--   * A signature is seen by its signer, the event's captain and admins;
--     anyone else gets 404, as if it did not exist.

-- ---------------------------------------------------------------------------
-- The token's id on the record
-- ---------------------------------------------------------------------------

alter table scc.waiver_signatures
    add column token_jti text,
    add constraint waiver_signatures_token_jti_check check (length(token_jti) between 1 and 64);
comment on column scc.waiver_signatures.token_jti is
    'the jti of the access token the signature was made with (the module puts it in ctx.actor.jti)';

-- ---------------------------------------------------------------------------
-- Helpers (no SET: they run under their route's pinned path)
-- ---------------------------------------------------------------------------

-- A signature as the API shows it (its signer, the event's captain, an
-- admin): every element of the record.
create function scc.waiver_signature_json(s scc.waiver_signatures)
returns jsonb
language sql
stable
as $$
    select jsonb_build_object(
        'id', s.id, 'version_id', s.version_id,
        'version', (select v.version from scc.waiver_versions as v where v.id = s.version_id),
        'body_sha256', s.body_sha256, 'event_id', s.event_id, 'user_id', s.user_id,
        'legal_name', s.legal_name, 'email', s.email,
        'date_of_birth', to_char(s.date_of_birth, 'YYYY-MM-DD'), 'adult_statement', s.adult_statement,
        'intent_text', s.intent_text, 'consent_text', s.consent_text, 'minors', s.minors,
        'emergency', jsonb_build_object('name', s.emergency_name, 'phone', s.emergency_phone,
                                        'relationship', s.emergency_relationship),
        'signed_at', scc.iso(s.signed_at), 'ip', host(s.ip), 'user_agent', s.user_agent,
        'session_id', s.session_id, 'link_id', s.link_id, 'token_jti', s.token_jti,
        'supersedes', s.supersedes,
        'superseded_by', (select n.id from scc.waiver_signatures as n where n.supersedes = s.id))
$$;
comment on function scc.waiver_signature_json(scc.waiver_signatures) is
    'a waiver signature as the API shows it: every element of the record, and what superseded it';

-- A version as the signer sees it.
create function scc.waiver_version_json(v scc.waiver_versions)
returns jsonb
language sql
stable
as $$
    select jsonb_build_object(
        'id', v.id, 'template_id', v.template_id, 'version', v.version, 'title', v.title, 'body', v.body,
        'body_sha256', v.body_sha256, 'intent_text', v.intent_text, 'consent_text', v.consent_text,
        'adult_text', v.adult_text, 'validity', v.validity,
        'valid_from', to_char(v.valid_from, 'YYYY-MM-DD'), 'valid_to', to_char(v.valid_to, 'YYYY-MM-DD'))
$$;
comment on function scc.waiver_version_json(scc.waiver_versions) is
    'a waiver version as the signer sees it: text, hash, statements, validity';

-- The caller's newest signature of the event's required version that counts
-- for the event (its own, or a season covering the event's local date) and
-- is not superseded; null when none.
create function scc.waiver_own_signature(e scc.events, p_user uuid)
returns scc.waiver_signatures
language plpgsql
stable
as $$
declare
    d date := (e.departure_at at time zone e.time_zone)::date;
    s scc.waiver_signatures;
begin
    select x.* into s
      from scc.waiver_signatures as x
      join scc.waiver_versions as v on v.id = x.version_id
     where x.user_id = p_user and x.version_id = e.waiver_version_id
       and not exists (select 1 from scc.waiver_signatures as n where n.supersedes = x.id)
       and ((v.validity = 'event' and x.event_id = e.id)
            or (v.validity = 'season' and d between v.valid_from and v.valid_to))
     order by x.signed_at desc, x.id
     limit 1;
    return s;
end
$$;
comment on function scc.waiver_own_signature(scc.events, uuid) is
    'a person''s newest standing signature of the event''s required version valid for the event, or null';

-- A person's name as typed on a waiver (the signer's, a minor's, the
-- emergency contact's): trimmed, 1..200 characters, no control character;
-- else SC400 `code` naming `what`.
create function scc.waiver_name(value jsonb, code text, what text)
returns text
language plpgsql
immutable
as $$
declare
    v text;
begin
    if value is null or jsonb_typeof(value) = 'null' then
        perform scc.fail(400, code, what || ' is required');
    end if;
    if jsonb_typeof(value) <> 'string' then
        perform scc.fail(400, code, what || ' must be a string');
    end if;
    v := btrim(value #>> '{}', E' \t\r\n\u00a0');
    if v = '' then
        perform scc.fail(400, code, what || ' may not be empty or only spaces');
    end if;
    if length(v) > 200 then
        perform scc.fail(400, code, what || ' is at most 200 characters');
    end if;
    if v ~ '[[:cntrl:]]' then
        perform scc.fail(400, code, what || ' may not contain control characters');
    end if;
    return v;
end
$$;
comment on function scc.waiver_name(jsonb, text, text) is
    'a name typed on a waiver: trimmed, 1..200, no control characters; SC400 with the caller''s code';

-- A date of birth: YYYY-MM-DD, not in the future, not before 1900; else
-- SC400 / SC422 `code`.
create function scc.waiver_birth_date(value jsonb, code text, what text)
returns date
language plpgsql
stable
as $$
declare
    d date;
begin
    if jsonb_typeof(value) is distinct from 'string' then
        perform scc.fail(400, code, what || ' must be a date, YYYY-MM-DD');
    end if;
    d := scc.check_iso_date(value #>> '{}', code, what);
    if d is null then
        perform scc.fail(400, code, what || ' must be a date, YYYY-MM-DD');
    end if;
    if d > current_date then
        perform scc.fail(422, code, what || ' is in the future');
    end if;
    if d < date '1900-01-01' then
        perform scc.fail(422, code, what || ' is before 1900');
    end if;
    return d;
end
$$;
comment on function scc.waiver_birth_date(jsonb, text, text) is
    'a date of birth (YYYY-MM-DD, not future, not before 1900); SC400/SC422 with the caller''s code';

-- Whether someone born on `born` is 18 or older on day `on_day`.
create function scc.is_adult_on(born date, on_day date)
returns boolean
language sql
immutable
as $$
    select born <= on_day - interval '18 years'
$$;
comment on function scc.is_adult_on(date, date) is 'true when someone born on `born` is 18 or older on `on_day`';

-- ---------------------------------------------------------------------------
-- Routes
-- ---------------------------------------------------------------------------

-- GET /api/events/:id/waiver (a guest of the event: a live guest place;
-- the event's captain and admins may read it too)
-- → 200 {"version": {id, template_id, version, title, body (exactly as
--   stored), body_sha256, intent_text, consent_text, adult_text, validity,
--   valid_from, valid_to}, "event": {id, title, departure_at, time_zone,
--   date}, "place": {id, state, hold, minors} | null (the caller's guest
--   place), "signature": the caller's standing signature of this version
--   for the event (scc.waiver_signature_json) | null,
--   "account": {email, name} (to prefill the form)}.
-- 400 invalid_id; 403 insufficient_scope (on the event but not its guest,
-- captain or an admin); 404 event_not_found (also an event the caller may
-- not see), no_waiver_required (the event requires no waiver).
create function scc_api.waiver_get(ctx jsonb)
returns scc_api.response
language plpgsql
stable
security definer
set search_path = pg_catalog, scc
as $$
declare
    actor_role text := scc.require_role(ctx, 'guest');
    actor      uuid := (ctx -> 'actor' ->> 'id')::uuid;
    e          scc.events;
    p          scc.event_roles;
    v          scc.waiver_versions;
    s          scc.waiver_signatures;
    u          scc.users;
begin
    perform scc.refuse_unknown_params(ctx, '{}');
    e := scc.event_for(ctx, actor_role, false);
    select r.* into p from scc.event_roles as r
     where r.event_id = e.id and r.user_id = actor and r.role = 'guest'
       and r.state in ('claimed', 'designated', 'confirmed', 'waitlisted');
    if p.id is null and actor_role <> 'admin' and not scc.is_event_captain(e.id, actor) then
        perform scc.fail(403, 'insufficient_scope', 'only the event''s guests, its captain and admins read its waiver');
    end if;
    if e.waiver_version_id is null then
        perform scc.fail(404, 'no_waiver_required', 'this event requires no waiver');
    end if;
    select * into v from scc.waiver_versions as x where x.id = e.waiver_version_id;
    s := scc.waiver_own_signature(e, actor);
    select * into u from scc.users as x where x.id = actor;
    return (200, json_build_object(
        'version', scc.waiver_version_json(v),
        'event', json_build_object('id', e.id, 'title', e.title, 'departure_at', scc.iso(e.departure_at),
                                   'time_zone', e.time_zone,
                                   'date', to_char((e.departure_at at time zone e.time_zone)::date, 'YYYY-MM-DD')),
        'place', case when p.id is not null then
                     json_build_object('id', p.id, 'state', p.state, 'hold', scc.guest_hold(e, p),
                                       'minors', p.minors) end,
        'signature', case when s.id is not null then scc.waiver_signature_json(s) end,
        'account', json_build_object('email', u.email, 'name', u.name)))::scc_api.response;
end
$$;
comment on function scc_api.waiver_get(jsonb) is
    'GET /api/events/:id/waiver: the waiver version the event requires, the caller''s hold, minors and standing signature';
revoke execute on function scc_api.waiver_get(jsonb) from public;
grant execute on function scc_api.waiver_get(jsonb) to scc_web;

-- POST /api/events/:id/waiver (a guest of the event)
-- {version_id, body_sha256, legal_name, email, date_of_birth? | adult: true,
--  intent: true, consent: true, minors?: [{name, date_of_birth}],
--  emergency: {name, phone, relationship}, supersedes?}
-- Under the event's row lock (a roster change): writes the immutable record
-- with the statements verbatim from the version (adult_statement = its
-- adult_text when adult), ip = ctx.ip, user agent = ctx.ua, the token's
-- jti and the sign-in link that carried the event; the place's minors
-- become the signed ones; a designated place becomes confirmed (signing
-- accepts); the signer's copy is emailed (waiver_copy, to the account's
-- address, always).
-- → 201 {"signature": {...}, "hold": null | code, "next": null | 'waiver' | 'accept'}.
-- Refusals (nothing written): 400 invalid_id, unknown_field (minors[i].x,
-- emergency.x too), version_id_required, invalid_version_id,
-- body_sha256_required, invalid_body_sha256, intent_required,
-- consent_required, invalid_legal_name, email_required, invalid_email,
-- age_required (neither date_of_birth nor adult: true),
-- date_of_birth_or_adult (both), invalid_adult, invalid_date_of_birth,
-- invalid_minors, invalid_minor_name, invalid_minor_date_of_birth,
-- emergency_required, invalid_emergency_name, invalid_emergency_phone,
-- invalid_emergency_relationship, invalid_supersedes; 403
-- insufficient_scope (no guest place on the event); 404 event_not_found,
-- no_waiver_required, signature_not_found (supersedes names no signature
-- of the caller's); 409 event_not_open, version_mismatch, hash_mismatch,
-- already_superseded; 422 invalid_date_of_birth (future, before 1900),
-- signer_is_minor, invalid_minor_date_of_birth, minor_is_adult (18 or
-- older on the event's date: they sign for themselves).
create function scc_api.waiver_sign(ctx jsonb)
returns scc_api.response
language plpgsql
security definer
set search_path = pg_catalog, scc
as $$
declare
    actor_role text := scc.require_role(ctx, 'guest');
    actor      uuid := (ctx -> 'actor' ->> 'id')::uuid;
    body       jsonb := ctx -> 'body';
    e          scc.events;
    p          scc.event_roles;
    v          scc.waiver_versions;
    u          scc.users;
    s          scc.waiver_signatures;
    old        scc.waiver_signatures;
    ver_id     uuid;
    sha        text;
    legal      text;
    mail       text;
    born       date;
    adult      boolean;
    v_minors   jsonb := '[]'::jsonb;
    m          jsonb;
    i          int := 0;
    m_name     text;
    m_born     date;
    em         jsonb;
    em_name    text;
    em_phone   text;
    em_rel     text;
    sup        uuid;
    link       uuid;
    ev_day     date;
    hold       text;
    accepted   boolean := false;
    rcpt       text;
begin
    perform scc.refuse_unknown_fields(body, '{version_id,body_sha256,legal_name,email,date_of_birth,adult,intent,consent,minors,emergency,supersedes}');

    -- what the client says it showed
    if scc.body_text(ctx, 'version_id', 'invalid_version_id') is null then
        perform scc.fail(400, 'version_id_required', 'version_id is required: the version shown');
    end if;
    ver_id := scc.check_uuid(body ->> 'version_id', 'invalid_version_id', 'version_id');
    sha := scc.body_text(ctx, 'body_sha256', 'invalid_body_sha256');
    if sha is null then
        perform scc.fail(400, 'body_sha256_required', 'body_sha256 is required: the hash of the text shown');
    end if;
    if sha !~ '^[0-9a-f]{64}$' then
        perform scc.fail(400, 'invalid_body_sha256', 'body_sha256 must be 64 lower-case hex digits');
    end if;
    if (body -> 'intent') is distinct from 'true'::jsonb then
        perform scc.fail(400, 'intent_required', 'tick the statement that you intend to sign this waiver');
    end if;
    if (body -> 'consent') is distinct from 'true'::jsonb then
        perform scc.fail(400, 'consent_required', 'tick the consent to sign and receive records electronically');
    end if;

    -- who signs
    legal := scc.waiver_name(body -> 'legal_name', 'invalid_legal_name', 'legal_name');
    mail := scc.check_email(scc.body_text(ctx, 'email', 'invalid_email'));
    adult := scc.body_bool(ctx, 'adult');
    if adult is false then
        perform scc.fail(400, 'invalid_adult', 'adult is true or left out (then give date_of_birth)');
    end if;
    if body ? 'date_of_birth' and jsonb_typeof(body -> 'date_of_birth') <> 'null' then
        if adult then
            perform scc.fail(400, 'date_of_birth_or_adult', 'give date_of_birth or adult: true, not both');
        end if;
        born := scc.waiver_birth_date(body -> 'date_of_birth', 'invalid_date_of_birth', 'date_of_birth');
        if not scc.is_adult_on(born, current_date) then
            perform scc.fail(422, 'signer_is_minor',
                             'the signer must be 18 or older: a parent or guardian signs for a minor');
        end if;
    elsif adult is null then
        perform scc.fail(400, 'age_required', 'give your date of birth, or state that you are 18 or older');
    end if;

    -- whom to call
    em := body -> 'emergency';
    if em is null or jsonb_typeof(em) = 'null' then
        perform scc.fail(400, 'emergency_required', 'an emergency contact is required: name, phone, relationship');
    end if;
    if jsonb_typeof(em) <> 'object' then
        perform scc.fail(400, 'emergency_required', 'emergency must be an object: {name, phone, relationship}');
    end if;
    perform scc.refuse_unknown_fields(em, '{name,phone,relationship}', 'emergency.');
    em_name := scc.waiver_name(em -> 'name', 'invalid_emergency_name', 'emergency.name');
    if jsonb_typeof(em -> 'phone') is distinct from 'string' then
        perform scc.fail(400, 'invalid_emergency_phone', 'emergency.phone is required, as a string');
    end if;
    em_phone := btrim(em ->> 'phone');
    if length(em_phone) > 40 or em_phone !~ '^\+?[0-9 ().-]+$'
       or length(regexp_replace(em_phone, '[^0-9]', '', 'g')) not between 3 and 20 then
        perform scc.fail(400, 'invalid_emergency_phone',
                         'emergency.phone must look like a phone number: digits, an optional leading +, spaces, dots, dashes, parentheses');
    end if;
    if jsonb_typeof(em -> 'relationship') is distinct from 'string'
       or btrim(em ->> 'relationship') = '' or length(btrim(em ->> 'relationship')) > 100
       or em ->> 'relationship' ~ '[[:cntrl:]]' then
        perform scc.fail(400, 'invalid_emergency_relationship',
                         'emergency.relationship is required: 1 to 100 characters');
    end if;
    em_rel := btrim(em ->> 'relationship');

    -- supersedes: checked for shape here, for ownership under the lock
    if body ? 'supersedes' and jsonb_typeof(body -> 'supersedes') <> 'null' then
        sup := scc.check_uuid(scc.body_text(ctx, 'supersedes', 'invalid_supersedes'), 'invalid_supersedes', 'supersedes');
    end if;

    -- the event, locked: the roster changes with the signature
    e := scc.event_for(ctx, actor_role, true);
    ev_day := (e.departure_at at time zone e.time_zone)::date;
    p := scc.roster_live_place(e.id, actor);
    if p.id is null or p.role <> 'guest' then
        perform scc.fail(403, 'insufficient_scope', 'only a guest of the event signs its waiver');
    end if;
    perform scc.roster_check_open(e);
    if e.waiver_version_id is null then
        perform scc.fail(404, 'no_waiver_required', 'this event requires no waiver');
    end if;
    select * into v from scc.waiver_versions as x where x.id = e.waiver_version_id;
    if ver_id <> v.id then
        perform scc.fail(409, 'version_mismatch',
                         format('the waiver for this event is now version %s: read it again before signing', v.version));
    end if;
    if sha <> v.body_sha256 then
        perform scc.fail(409, 'hash_mismatch', 'the text shown is not the text of this version: reload it before signing');
    end if;

    -- the minors the signer brings, as guardian
    if body ? 'minors' and jsonb_typeof(body -> 'minors') <> 'null' then
        if jsonb_typeof(body -> 'minors') <> 'array' then
            perform scc.fail(400, 'invalid_minors', 'minors must be a list of {name, date_of_birth}');
        end if;
        if jsonb_array_length(body -> 'minors') > 20 then
            perform scc.fail(400, 'invalid_minors', 'at most 20 minors on one signature');
        end if;
        for m in select x from jsonb_array_elements(body -> 'minors') as x loop
            if jsonb_typeof(m) <> 'object' then
                perform scc.fail(400, 'invalid_minors', format('minors[%s] must be {name, date_of_birth}', i));
            end if;
            perform scc.refuse_unknown_fields(m, '{name,date_of_birth}', format('minors[%s].', i));
            m_name := scc.waiver_name(m -> 'name', 'invalid_minor_name', format('minors[%s].name', i));
            m_born := scc.waiver_birth_date(m -> 'date_of_birth', 'invalid_minor_date_of_birth',
                                            format('minors[%s].date_of_birth', i));
            if scc.is_adult_on(m_born, ev_day) then
                perform scc.fail(422, 'minor_is_adult',
                                 format('minors[%s] (%s) is 18 or older on the day of the sail and signs for themselves',
                                        i, m_name));
            end if;
            v_minors := v_minors || jsonb_build_array(jsonb_build_object('name', m_name,
                                                                     'date_of_birth', to_char(m_born, 'YYYY-MM-DD')));
            i := i + 1;
        end loop;
    end if;

    if sup is not null then
        select * into old from scc.waiver_signatures as x where x.id = sup and x.user_id = actor;
        if old.id is null then
            perform scc.fail(404, 'signature_not_found', 'supersedes names none of your signatures');
        end if;
        if exists (select 1 from scc.waiver_signatures as n where n.supersedes = old.id) then
            perform scc.fail(409, 'already_superseded', 'that signature was already corrected by a later one');
        end if;
    end if;

    -- the sign-in link that carried this event to the signer, if any
    select l.id into link from scc.magic_links as l
     where l.user_id = actor and l.event_id = e.id and l.consumed_at is not null
       and l.purpose in ('invite', 'waiver')
     order by l.consumed_at desc, l.id
     limit 1;

    insert into scc.waiver_signatures (version_id, body_sha256, event_id, user_id, legal_name, email,
                                       date_of_birth, adult_statement, intent_text, consent_text, minors,
                                       emergency_name, emergency_phone, emergency_relationship,
                                       ip, user_agent, session_id, link_id, supersedes, token_jti)
    values (v.id, v.body_sha256, e.id, actor, legal, mail,
            born, case when adult then v.adult_text end, v.intent_text, v.consent_text, v_minors,
            em_name, em_phone, em_rel,
            scc.ctx_ip(ctx), left(ctx ->> 'ua', 1000), null, link, sup,
            nullif(left(ctx -> 'actor' ->> 'jti', 64), ''))
    returning * into s;

    accepted := p.state = 'designated';
    update scc.event_roles as r
       set minors = v_minors,
           state = case when accepted then 'confirmed' else r.state end,
           since = case when accepted then clock_timestamp() else r.since end,
           changed_by = case when accepted then actor else r.changed_by end,
           reason = case when accepted then 'waiver signed' else r.reason end,
           silent = case when accepted then false else r.silent end
     where r.id = p.id
    returning * into p;

    perform scc.audit(ctx, 'waiver.sign', 'waiver_signature', s.id::text, null,
                      jsonb_build_object('event_id', e.id, 'version_id', v.id, 'body_sha256', s.body_sha256,
                                         'minors', jsonb_array_length(v_minors), 'supersedes', sup,
                                         'link_id', link, 'token_jti', s.token_jti));
    if accepted then
        perform scc.audit(ctx, 'roster.accept', 'event_role', p.id::text,
                          jsonb_build_object('state', 'designated'),
                          jsonb_build_object('event_id', e.id, 'user_id', actor, 'role', p.role,
                                             'state', p.state, 'by', 'waiver.sign'));
    end if;

    select * into u from scc.users as x where x.id = actor;
    rcpt := u.email;
    perform scc.enqueue_job('email', jsonb_build_object(
        'template', 'waiver_copy',
        'to', rcpt,
        'data', scc.event_mail_data(e) || jsonb_build_object(
                    'name', legal,
                    'signature_id', s.id,
                    'waiver_title', v.title,
                    'version', v.version,
                    'waiver_body', v.body,
                    'body_sha256', s.body_sha256,
                    'signed_at', scc.iso(s.signed_at),
                    'signed_local', scc.local_text(s.signed_at, e.time_zone),
                    'legal_name', s.legal_name,
                    'email', s.email,
                    'date_of_birth', to_char(s.date_of_birth, 'YYYY-MM-DD'),
                    'adult_statement', s.adult_statement,
                    'intent_text', s.intent_text,
                    'consent_text', s.consent_text,
                    'minors', s.minors,
                    'has_minors', jsonb_array_length(s.minors) > 0,
                    'emergency_name', s.emergency_name,
                    'emergency_phone', s.emergency_phone,
                    'emergency_relationship', s.emergency_relationship,
                    'ip', host(s.ip))));

    hold := scc.guest_hold(e, p);
    return (201, json_build_object(
        'signature', scc.waiver_signature_json(s),
        'hold', hold,
        'next', case when hold is not null then 'waiver'
                     when p.state = 'designated' then 'accept' end))::scc_api.response;
end
$$;
comment on function scc_api.waiver_sign(jsonb) is
    'POST /api/events/:id/waiver: a guest signs the event''s required waiver version (immutable record, copy emailed); 201 {signature, hold, next}';
revoke execute on function scc_api.waiver_sign(jsonb) from public;
grant execute on function scc_api.waiver_sign(jsonb) to scc_web;

-- GET /api/waivers/:id (the signer, the event's captain, an admin)
-- → 200 {"signature": {...every element}, "version": {id, version, title,
--   body, body_sha256, validity, valid_from, valid_to, ...}, "event": {id,
--   title, departure_at, time_zone}}: the record as stored, with the text
--   that was signed so it can be shown and printed.
-- 400 invalid_id; 404 signature_not_found (also when the caller may not
-- see it: it is never said to exist).
create function scc_api.waiver_signature_get(ctx jsonb)
returns scc_api.response
language plpgsql
stable
security definer
set search_path = pg_catalog, scc
as $$
declare
    actor_role text := scc.require_role(ctx, 'guest');
    actor      uuid := (ctx -> 'actor' ->> 'id')::uuid;
    sid        uuid := scc.check_uuid(ctx -> 'params' ->> 'id', 'invalid_id', 'the signature id');
    s          scc.waiver_signatures;
    v          scc.waiver_versions;
    e          scc.events;
begin
    perform scc.refuse_unknown_params(ctx, '{}');
    select * into s from scc.waiver_signatures as x where x.id = sid;
    if s.id is null or not (s.user_id = actor or actor_role = 'admin' or scc.is_event_captain(s.event_id, actor)) then
        perform scc.fail(404, 'signature_not_found', 'no such signature');
    end if;
    select * into v from scc.waiver_versions as x where x.id = s.version_id;
    select * into e from scc.events as x where x.id = s.event_id;
    return (200, json_build_object(
        'signature', scc.waiver_signature_json(s),
        'version', scc.waiver_version_json(v),
        'event', json_build_object('id', e.id, 'title', e.title, 'departure_at', scc.iso(e.departure_at),
                                   'time_zone', e.time_zone)))::scc_api.response;
end
$$;
comment on function scc_api.waiver_signature_get(jsonb) is
    'GET /api/waivers/:id: a waiver signature as stored, with its version''s text (the signer, the event''s captain, admins; else 404)';
revoke execute on function scc_api.waiver_signature_get(jsonb) from public;
grant execute on function scc_api.waiver_signature_get(jsonb) to scc_web;

-- ---------------------------------------------------------------------------
-- The sign-in page routes a link that carries an event (012's answer gains
-- event_id; nothing else changes)
-- ---------------------------------------------------------------------------

-- POST /api/auth/link {code}   (public)
-- 200 {"link":{"purpose","email","name","role","expires_at","event_id"}}:
-- as 012, with the event the link carries (null for none), so the sign-in
-- page can go to the waiver or the event after redeeming.
-- Errors: SC400 code_required; SC401 invalid_code.
create or replace function scc_api.auth_link(ctx jsonb)
returns scc_api.response
language plpgsql
stable
security definer
set search_path = pg_catalog, scc
as $$
declare
    code text := scc.body_text(ctx, 'code', 'invalid_code');
    info json;
begin
    if code is null or code = '' then
        perform scc.fail(400, 'code_required', 'a code is required');
    end if;
    if code !~ '^[A-Za-z0-9_-]{22}$' then
        perform scc.fail(401, 'invalid_code', 'this link is not valid (any more)');
    end if;

    select json_build_object(
               'purpose', m.purpose,
               'email', coalesce(u.email, m.email),
               'name', coalesce(u.name, m.name),
               'role', m.role,
               'expires_at', scc.iso(m.expires_at),
               'event_id', m.event_id)
      into info
      from scc.magic_links as m
      left join scc.users as u on u.id = m.user_id
     where m.code_hash = scc.token_hash(code)
       and m.consumed_at is null
       and m.expires_at > now();
    if info is null then
        perform scc.fail(401, 'invalid_code', 'this link is not valid (any more)');
    end if;
    return (200, json_build_object('link', info))::scc_api.response;
end
$$;
