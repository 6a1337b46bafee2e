-- 029_session_claim.sql — the session a signature was made in (issue 10,
-- "the link and session used"; helper E).  Until now an access token said
-- sub, role, jti, iat, exp, and nothing tied it to its scc.sessions row, so
-- 023 left waiver_signatures.session_id null.  Now:
--
--   * Issue.  The issuing answer of redeem and refresh carries the session's
--     id ("session_id": the scc.sessions row whose refresh token the answer
--     holds; in the refresh's 30-second grace window, the successor's).
--     The module signs it into the access token as the "sid" claim and
--     builds the client's body itself, so session_id never reaches the
--     client: the answer the client sees keeps its shape.
--   * Verify.  The module accepts "sid" only as a uuid in PostgreSQL's
--     text, keeps it in its cache of verified tokens like "jti", and passes
--     it as ctx.actor.sid.  Tokens signed before this migration have no
--     sid and stay valid everywhere until they expire (scc_jwt_ttl).
--   * Record.  scc_api.waiver_sign records session_id from ctx.actor.sid
--     and session_started_at (when that sign-in began) only when the
--     session is the actor's and its sign-in is live (scc.actor_session).
--     Otherwise it refuses; a null session is never recorded silently:
--       - no sid (a token from before 029): 401 invalid_token, the code a
--         client answers by refreshing and trying again (frontend/api.js
--         does it once, by itself); the new token carries sid.  At most
--         scc_jwt_ttl after the upgrade, nobody meets it.
--       - a sid that names no session of the actor's (unknown, another
--         user's, malformed): 401 session_mismatch.  A token the module
--         verified cannot do that unless it was signed with our key by
--         someone else or a bug: audited (waiver.sign_refused).
--       - a sid whose sign-in has ended (signed out, a rotated token
--         reused so the family was revoked, an account disabled, the
--         refresh token expired): 401 session_revoked, audited.
--     A session that was merely rotated by a refresh (revoked_at set with
--     replaced_by) is live while its family holds a live refresh token: a
--     refresh is the sign-in going on, not ending, and a token issued
--     just before a refresh is still within its 15 minutes.
--     The two refusals are returned, not raised, so their audit rows
--     commit; nothing else is written.
--   * Show.  scc.waiver_signature_json gains session_started_at; the copy
--     email's data gains link_id, session_id, session_started_at (and its
--     local text) for the templates; waiver-view.html shows both.
--
-- session_started_at is copied onto the record, not joined: scc.prune
-- deletes ended session families after session_retention, and the record
-- must keep saying what it said.  For the same reason session_id has no
-- foreign key.  It is the family's first row's created_at: the sign-in
-- (the redeem), which a refresh does not move; session_id is the row the
-- token names, which each refresh replaces.

-- ---------------------------------------------------------------------------
-- The record: when the session began
-- ---------------------------------------------------------------------------

alter table scc.waiver_signatures
    add column session_started_at timestamptz,
    add constraint waiver_signatures_session_started_at_check
        check (session_started_at is null or session_id is not null);
comment on column scc.waiver_signatures.session_id is
    'the scc.sessions row the access token named (its sid claim), checked live and the signer''s at signing; no foreign key: sessions are pruned, the record is not';
comment on column scc.waiver_signatures.session_started_at is
    'when the sign-in of session_id began (its family''s first session), copied at signing';

-- ---------------------------------------------------------------------------
-- Issuing: the answer names the session
-- ---------------------------------------------------------------------------

-- The answer of an issuing route:
-- {"user":{"id","email","name","role"},"refresh_token","refresh_expires_at",
--  "session_id"}; the module reads session_id for the token's sid and never
-- sends it on.
create function scc.session_answer(u scc.users, token text, expires timestamptz, session_id uuid)
returns json
language sql
stable
as $$
    select pg_catalog.json_build_object(
        'user', pg_catalog.json_build_object('id', u.id, 'email', u.email, 'name', u.name, 'role', u.role),
        'refresh_token', token,
        'refresh_expires_at', scc.iso(expires),
        'session_id', session_id)
$$;
comment on function scc.session_answer(scc.users, text, timestamptz, uuid) is
    'the issuing answer of redeem and refresh: user, refresh_token, refresh_expires_at, session_id (for the token''s sid; the module keeps it from the client)';

-- 010's, answering with the new session's id.
create or replace function scc.start_session(ctx jsonb, u scc.users, family uuid, token text,
                                             out new_id uuid, out answer json)
language plpgsql
volatile
as $$
declare
    ttl     numeric;
    expires timestamptz;
begin
    -- the module passes scc_refresh_ttl in seconds; 30 days if it did not
    ttl := case when pg_catalog.jsonb_typeof(ctx -> 'refresh_ttl') = 'number'
                then (ctx ->> 'refresh_ttl')::numeric end;
    if ttl is null or ttl < 60 or ttl > 31536000 then
        ttl := 2592000;
    end if;
    expires := pg_catalog.now() + pg_catalog.make_interval(secs => ttl);
    insert into scc.sessions (user_id, family, refresh_hash, expires_at, ip, user_agent)
    values (u.id, family, scc.token_hash(token), expires, scc.ctx_ip(ctx),
            pg_catalog.left(ctx ->> 'ua', 512))
    returning id into new_id;
    answer := scc.session_answer(u, token, expires, new_id);
end
$$;

-- 010's, the grace window answering with the successor's id.
-- POST /api/auth/refresh   (public; an issuing route)
-- Token: ctx.refresh_token (the scc_rt cookie) or body.refresh_token.
-- Rotates: the presented session is revoked and replaced_by a new one in the
-- same family, whose token is derived from the old one (successor_key).
-- For 30 seconds after that rotation the old token answers the SAME
-- successor again (two tabs refreshing at once), as long as the successor
-- is live.  200 {"user":{...},"refresh_token","refresh_expires_at",
-- "session_id"} (the user's current role: a role change takes effect
-- here; session_id, the successor's, is for the module: 029).
-- Errors: SC401 invalid_refresh_token (unknown, expired, revoked), SC401
-- user_disabled.  A token rotated more than 30 seconds ago (or whose
-- successor is gone) revokes its whole family and answers 401
-- refresh_reuse — RETURNED, not raised, so the revocation commits.
create or replace function scc_api.auth_refresh(ctx jsonb)
returns scc_api.response
language plpgsql volatile
security definer
set search_path = pg_catalog, scc
as $$
declare
    token text := scc.ctx_refresh_token(ctx);
    grace interval := interval '30 seconds';
    old   scc.sessions;
    nxt   scc.sessions;
    u     scc.users;
    key   bytea;
    succ  text;
    s     record;
    n     int;
begin
    if token is null or token !~ '^[A-Za-z0-9_-]{43}$' then
        perform scc.fail(401, 'invalid_refresh_token', 'sign in again');
    end if;
    select * into old from scc.sessions as x where x.refresh_hash = scc.token_hash(token) for update;
    if old.id is null then
        perform scc.fail(401, 'invalid_refresh_token', 'sign in again');
    end if;

    if old.replaced_by is not null then
        if old.successor_key is not null and old.revoked_at > now() - grace then
            succ := scc.successor_token(token, old.successor_key);
            select * into nxt from scc.sessions as x
             where x.id = old.replaced_by and x.refresh_hash = scc.token_hash(succ)
               and x.revoked_at is null and x.expires_at > now();
        end if;
        if nxt.id is null then
            -- a rotated token came back: someone else has (had) it
            update scc.sessions as x set revoked_at = now()
             where x.family = old.family and x.revoked_at is null;
            get diagnostics n = row_count;
            update scc.sessions as x set successor_key = null
             where x.family = old.family and x.successor_key is not null;
            perform scc.audit(ctx, 'session.reuse', 'session', old.id::text, null,
                              jsonb_build_object('family', old.family, 'revoked', n),
                              'a rotated refresh token was presented again', old.user_id, null);
            return scc.error_response(ctx, 401, 'refresh_reuse',
                                      'this sign-in was ended for safety; sign in again');
        end if;
        select * into u from scc.users as x where x.id = nxt.user_id;
        if u.disabled_at is not null then
            perform scc.fail(401, 'user_disabled', 'this account is disabled');
        end if;
        perform scc.audit(ctx, 'session.refresh', 'session', nxt.id::text,
                          jsonb_build_object('session', old.id), jsonb_build_object('session', nxt.id),
                          'the same successor again, within the grace window', u.id, u.role);
        return (200, scc.session_answer(u, succ, nxt.expires_at, nxt.id))::scc_api.response;
    end if;
    if old.revoked_at is not null or old.expires_at <= now() then
        perform scc.fail(401, 'invalid_refresh_token', 'sign in again');
    end if;

    select * into u from scc.users as x where x.id = old.user_id;
    if u.disabled_at is not null then
        perform scc.fail(401, 'user_disabled', 'this account is disabled');
    end if;

    key := gen_random_bytes(32);
    s := scc.start_session(ctx, u, old.family, scc.successor_token(token, key));
    update scc.sessions as x set revoked_at = now(), replaced_by = s.new_id, successor_key = key
     where x.id = old.id;
    perform scc.audit(ctx, 'session.refresh', 'session', s.new_id::text,
                      jsonb_build_object('session', old.id), jsonb_build_object('session', s.new_id),
                      null, u.id, u.role);
    return (200, s.answer)::scc_api.response;
end
$$;
comment on function scc_api.auth_refresh(jsonb) is
    'POST /api/auth/refresh: rotates the refresh token (same family); within 30 s the rotated token gets the same successor; later reuse revokes the family (401 refresh_reuse)';

drop function scc.session_answer(scc.users, text, timestamptz);

-- ---------------------------------------------------------------------------
-- Recording: the session of the request
-- ---------------------------------------------------------------------------

-- The session a request was made in, for a record that names it: the
-- scc.sessions row the access token's sid claim names (ctx.actor.sid, put
-- there by the module from a verified token), with when its sign-in began
-- (the family's first row).  refusal is null when the row is the actor's
-- and its sign-in is live: the family holds a refresh token neither
-- revoked nor expired (a row rotated by a refresh counts: its family goes
-- on).  Otherwise session_id and started_at are null and refusal says why:
-- no_sid (the token names no session), session_mismatch (no session of
-- the actor's by that id, or not a uuid), session_revoked (the sign-in
-- has ended).
create function scc.actor_session(ctx jsonb, out session_id uuid, out started_at timestamptz,
                                  out refusal text)
language plpgsql
stable
as $$
declare
    sid text := ctx -> 'actor' ->> 'sid';
    s   scc.sessions;
begin
    if sid is null then
        refusal := 'no_sid';
        return;
    end if;
    if sid !~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
        refusal := 'session_mismatch';
        return;
    end if;
    select x.* into s from scc.sessions as x
     where x.id = sid::uuid and x.user_id = (ctx -> 'actor' ->> 'id')::uuid;
    if s.id is null then
        refusal := 'session_mismatch';
        return;
    end if;
    if not exists (select 1 from scc.sessions as f
                    where f.family = s.family and f.revoked_at is null and f.expires_at > now()) then
        refusal := 'session_revoked';
        return;
    end if;
    session_id := s.id;
    started_at := (select min(f.created_at) from scc.sessions as f where f.family = s.family);
end
$$;
comment on function scc.actor_session(jsonb) is
    'the session ctx.actor.sid names when it is the actor''s and its sign-in is live (with when that began), else why not: no_sid, session_mismatch, session_revoked';

-- 023's, with when the session began.
create or replace function scc.waiver_signature_json(s scc.waiver_signatures)
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
        'session_id', s.session_id, 'session_started_at', scc.iso(s.session_started_at),
        'link_id', s.link_id, 'token_jti', s.token_jti,
        'supersedes', s.supersedes,
        'superseded_by', (select n.id from scc.waiver_signatures as n where n.supersedes = s.id))
$$;

-- ---------------------------------------------------------------------------
-- The signing route (023's), checking and recording the session
-- ---------------------------------------------------------------------------

-- POST /api/events/:id/waiver (a guest of the event)
-- {version_id, body_sha256, legal_name, email, date_of_birth? | adult: true,
--  intent: true, consent: true, minors?: [{name, date_of_birth}],
--  emergency: {name, phone, relationship}, supersedes?}
-- First the session (029): the access token's sid (ctx.actor.sid) must
-- name a session of the actor's whose sign-in is live (scc.actor_session).
-- Under the event's row lock (a roster change): writes the immutable record
-- with the statements verbatim from the version (adult_statement = its
-- adult_text when adult), ip = ctx.ip, user agent = ctx.ua, the token's
-- jti, the session (its id and when its sign-in began) and the sign-in
-- link that carried the event; the place's minors
-- become the signed ones; a designated place becomes confirmed (signing
-- accepts); the signer's copy is emailed (waiver_copy, to the account's
-- address, always).
-- → 201 {"signature": {...}, "hold": null | code, "next": null | 'waiver' | 'accept'}.
-- Refusals (nothing written): 401 invalid_token (the token names no
-- session: issued before 029; a client refreshes and signs again); 401
-- session_mismatch (sid names no session of the actor's) and 401
-- session_revoked (its sign-in has ended: signed out, ended for safety, a
-- disabled account, expired), both RETURNED with an audit row
-- (waiver.sign_refused) so that the row commits; 400 invalid_id, unknown_field (minors[i].x,
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
create or replace function scc_api.waiver_sign(ctx jsonb)
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
    sess       record;
begin
    -- the session the token was issued in, before anything else is looked at
    select * into sess from scc.actor_session(ctx);
    if sess.refusal = 'no_sid' then
        perform scc.fail(401, 'invalid_token',
                         'this access token names no session (it was issued before sessions were signed into tokens): refresh it and sign again');
    elsif sess.refusal is not null then
        perform scc.audit(ctx, 'waiver.sign_refused', 'session', left(ctx -> 'actor' ->> 'sid', 64), null,
                          jsonb_build_object('event_id', left(ctx -> 'params' ->> 'id', 64),
                                             'token_jti', left(ctx -> 'actor' ->> 'jti', 64)),
                          sess.refusal);
        return scc.error_response(ctx, 401, sess.refusal,
                                  case sess.refusal
                                  when 'session_revoked' then 'this sign-in has ended: sign in again to sign the waiver'
                                  else 'the access token names a session that is not yours: sign in again' end);
    end if;

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
                                       ip, user_agent, session_id, session_started_at, link_id, supersedes,
                                       token_jti)
    values (v.id, v.body_sha256, e.id, actor, legal, mail,
            born, case when adult then v.adult_text end, v.intent_text, v.consent_text, v_minors,
            em_name, em_phone, em_rel,
            scc.ctx_ip(ctx), left(ctx ->> 'ua', 1000), sess.session_id, sess.started_at, link, sup,
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
                                         'link_id', link, 'token_jti', s.token_jti, 'session_id', s.session_id));
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
                    'ip', host(s.ip),
                    'link_id', s.link_id,
                    'session_id', s.session_id,
                    'session_started_at', scc.iso(s.session_started_at),
                    'session_started_local', scc.local_text(s.session_started_at, e.time_zone))));

    hold := scc.guest_hold(e, p);
    return (201, json_build_object(
        'signature', scc.waiver_signature_json(s),
        'hold', hold,
        'next', case when hold is not null then 'waiver'
                     when p.state = 'designated' then 'accept' end))::scc_api.response;
end
$$;
comment on function scc_api.waiver_sign(jsonb) is
    'POST /api/events/:id/waiver: a guest signs the event''s required waiver version (immutable record naming the live session of the token, copy emailed); 201 {signature, hold, next}';
revoke execute on function scc_api.waiver_sign(jsonb) from public;
grant execute on function scc_api.waiver_sign(jsonb) to scc_web;
