-- 010_auth_review.sql — the security review's findings on signing in and
-- on admins (issue 8, findings 1, 5, 6 and 10), and one house name.
--
-- Why, one finding at a time:
--
--   1. Links are bound to the user they were made for.  invite_create found
--      an existing user case-insensitively but mailed the link to the
--      address as typed, and redeeming signed in whoever owned that address:
--      a captain who controls a variant mailbox (Admin@ for admin@) became
--      that user.  Now an invite to an existing user is mailed to the STORED
--      address and the link carries the user's id; redeem signs in that user
--      only.  A link made for an address nobody had (user_id null) creates
--      the user; if someone has that address by then, it signs them in only
--      when their stored address is exactly the one the link was mailed to,
--      else it is refused (reason not_bound).
--   5. Two tabs refreshing at once no longer sign the user out.  For 30
--      seconds after a rotation the token just rotated answers the SAME
--      successor again.  Only hashes are stored, so the successor's token is
--      derived, not random: HMAC-SHA-256(old token, successor_key), the key
--      32 random bytes kept on the old session.  The holder of the old token
--      cannot compute it without the key; the database cannot without the
--      old token.  After the window a rotated token is reuse, as before: the
--      family is revoked.
--   6. The last enabled admin cannot be demoted or disabled.  Every route
--      that may take an admin away takes one transaction-level advisory lock
--      (scc.keep_an_admin) before it counts the admins that would remain, so
--      two admins demoting each other at once are serialised: the second
--      sees the first's change and answers 409 last_admin.
--  10. Refused sign-ins are audited.  auth_redeem RETURNS its refusals
--      (401 in the house error shape) instead of raising them, so the audit
--      row it writes commits (as auth_refresh already did for reuse).  The
--      row says why (malformed, unknown, used, expired, not_bound,
--      user_disabled) and the first 6 bytes of the code's SHA-256, never the
--      code.
--
-- Constraint names: from here on every constraint is named in its DDL,
-- <table>_<column(s) or meaning>_<pkey|key|fkey|check> (sql/README.md).
-- The one auto-named constraint that did not say what it checks is renamed.

alter table scc.jobs rename constraint jobs_check to jobs_running_leased_check;

-- ---- helpers ------------------------------------------------------------------

-- Bytes as base64url without padding (refresh tokens and codes).
create function scc.base64url(data bytea)
returns text
language sql
immutable
as $$
    select rtrim(translate(replace(pg_catalog.encode(data, 'base64'), E'\n', ''), '+/', '-_'), '=')
$$;
comment on function scc.base64url(bytea) is 'bytes as base64url without padding';

create or replace function scc.random_token(nbytes int) returns text
language sql volatile
set search_path = pg_catalog, scc
as $$
    select scc.base64url(gen_random_bytes(nbytes))
$$;

-- The house error shape as a route's answer, for refusals that must not roll
-- back what the route did before (an audit row, a revocation):
-- (status, {"error":{"code","message","request_id"}}).
create function scc.error_response(ctx jsonb, status int, code text, message text)
returns scc_api.response
language sql
stable
as $$
    select (status, pg_catalog.json_build_object('error', pg_catalog.json_build_object(
                'code', code, 'message', message, 'request_id', ctx ->> 'request_id'))
           )::scc_api.response
$$;
comment on function scc.error_response(jsonb, int, text, text) is
    'a refusal returned, not raised: (status, the house error shape)';

-- ---- finding 5: the successor of a rotated refresh token ---------------------------

alter table scc.sessions
    add column successor_key bytea,
    add constraint sessions_successor_key_check check (length(successor_key) = 32);
comment on column scc.sessions.successor_key is
    'set at rotation: the successor token is HMAC-SHA-256(this token, key), so a refresh inside the grace window gets it again';

-- The successor of refresh token `token` under `key` (43 characters, like a
-- random refresh token).
create function scc.successor_token(token text, key bytea)
returns text
language sql
immutable
as $$
    select scc.base64url(scc.hmac(pg_catalog.convert_to(token, 'UTF8'), key, 'sha256'))
$$;
comment on function scc.successor_token(text, bytea) is
    'the refresh token that replaces `token`: HMAC-SHA-256 under the old session''s successor_key';

-- The answer of an issuing route:
-- {"user":{"id","email","name","role"},"refresh_token","refresh_expires_at"}.
create function scc.session_answer(u scc.users, token text, expires timestamptz)
returns json
language sql
stable
as $$
    select pg_catalog.json_build_object(
        'user', pg_catalog.json_build_object('id', u.id, 'email', u.email, 'name', u.name, 'role', u.role),
        'refresh_token', token,
        'refresh_expires_at', scc.iso(expires))
$$;
comment on function scc.session_answer(scc.users, text, timestamptz) is
    'the issuing answer of redeem and refresh: user, refresh_token, refresh_expires_at';

-- A new session for `u` in `family` holding refresh token `token` (random
-- for a new sign-in, derived for a rotation); new_id is the session's id,
-- answer the issuing answer.
drop function scc.start_session(jsonb, scc.users, uuid);
create function scc.start_session(ctx jsonb, u scc.users, family uuid, token text,
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
    answer := scc.session_answer(u, token, expires);
end
$$;
comment on function scc.start_session(jsonb, scc.users, uuid, text) is
    'a session holding `token` for u in family; returns its id and the issuing answer';

-- ---- finding 6: an admin always remains ---------------------------------------------

-- Called by every route that may take an enabled admin away (demote,
-- disable), with the admin it is about to take: waits for the admins lock
-- (pg_advisory_xact_lock on hashtext('scc.admins'), held to the end of the
-- transaction), then SC409 last_admin unless another enabled admin remains.
-- The count runs after the lock is granted, so it sees what the previous
-- holder committed.
create function scc.keep_an_admin(target uuid)
returns void
language plpgsql
volatile
as $$
begin
    perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('scc.admins'));
    if not exists (select 1 from scc.users as x
                    where x.role = 'admin' and x.disabled_at is null and x.id <> target) then
        perform scc.fail(409, 'last_admin', 'this is the last enabled admin; make another admin first');
    end if;
end
$$;
comment on function scc.keep_an_admin(uuid) is
    'under the admins advisory lock: SC409 last_admin unless an enabled admin other than target remains';

-- ---- finding 10: refused sign-ins leave an audit row -----------------------------

-- Audits a refused redeem and returns its answer: 401 `code` in the house
-- shape.  `reason` says why (malformed, unknown, used, expired, not_bound,
-- user_disabled); the code is kept only as the first 6 bytes of its SHA-256.
create function scc.refuse_signin(ctx jsonb, code text, link scc.magic_links, reason text,
                                  error_code text, message text)
returns scc_api.response
language plpgsql
volatile
as $$
begin
    perform scc.audit(ctx, 'session.refused', 'magic_link', link.id::text, null,
                      pg_catalog.jsonb_build_object(
                          'code_sha256', pg_catalog.encode(pg_catalog.substr(scc.token_hash(code), 1, 6), 'hex'),
                          'purpose', link.purpose),
                      reason, link.user_id, null);
    return scc.error_response(ctx, 401, error_code, message);
end
$$;
comment on function scc.refuse_signin(jsonb, text, scc.magic_links, text, text, text) is
    'audits a refused redeem (reason, code hash prefix) and returns its 401 answer';

-- ---- finding 1: links bound to their user ---------------------------------------

-- scc.create_magic_link(email, purpose, role, event_id, ttl, name,
-- created_by) -> the plain code.  For the CLI (scc-worker invite) and the
-- route functions.  A link for an address that belongs to a user is bound to
-- that user (user_id) and carries the STORED address, whatever the case it
-- was asked with; a login link needs such a user (SC404 user_not_found).  An
-- invite or waiver link for an address nobody has creates the user on
-- redeem.  Only the code's SHA-256 is kept.
create or replace function scc.create_magic_link(email text, purpose text, role text,
                                                 event_id uuid default null,
                                                 ttl interval default '15 minutes',
                                                 name text default null,
                                                 created_by uuid default null)
returns text
language plpgsql volatile
security definer
set search_path = pg_catalog, scc
as $$
declare
    e    text := scc.check_email(email);
    code text := scc.random_token(16);
    u    scc.users;
begin
    perform scc.check_role(role);
    if purpose is null or purpose not in ('login', 'invite', 'waiver') then
        perform scc.fail(400, 'invalid_purpose', 'purpose must be login, invite or waiver');
    end if;
    if ttl is null or ttl <= interval '0' or ttl > interval '30 days' then
        perform scc.fail(400, 'invalid_ttl', 'a link lives more than 0 and at most 30 days');
    end if;
    select x.id, x.email, x.name, x.phone, x.role, x.disabled_at, x.created_at, x.updated_at
      into u
      from scc.users as x
     where lower(x.email) = lower(e);
    if purpose = 'login' and u.id is null then
        perform scc.fail(404, 'user_not_found', 'no user with this address');
    end if;
    insert into scc.magic_links (code_hash, purpose, email, role, name, event_id, user_id,
                                 created_by, expires_at)
    values (scc.token_hash(code), purpose, coalesce(u.email, e), role, nullif(btrim(name), ''),
            event_id, u.id, created_by, now() + ttl);
    return code;
end
$$;
comment on function scc.create_magic_link(text, text, text, uuid, interval, text, uuid) is
    'a magic link, bound to the user who has the address (stored address, user_id) if any; login needs one; returns the plain code, stores only its SHA-256';

-- POST /api/auth/redeem {code}   (public; an issuing route)
-- Consumes the link exactly once (the update's row lock: of two concurrent
-- redeems one wins, the other finds it consumed).  A link bound to a user
-- (every login link; an invite to an existing user) signs in that user
-- only, an invite raising their role to the designated one if higher, never
-- lowering it.  An unbound invite/waiver link creates the user with the
-- designated role and name; if a user has that address by now, it signs
-- them in only when their stored address is exactly the link's (the mailbox
-- the code was sent to), else refuses.  Starts a session in a new family.
-- 200 {"user":{"id","email","name","role"},"refresh_token","refresh_expires_at"}
-- Errors: SC400 code_required (raised).  RETURNED, with an audit row
-- (session.refused, reason), so the row commits: 401 invalid_code (malformed,
-- unknown, used, expired, not_bound), 401 user_disabled.
create or replace function scc_api.auth_redeem(ctx jsonb)
returns scc_api.response
language plpgsql volatile
security definer
set search_path = pg_catalog, scc
as $$
declare
    code    text := scc.body_text(ctx, 'code', 'invalid_code');
    invalid text := 'this link is not valid (any more)';
    link    scc.magic_links;
    u       scc.users;
    old     scc.users;
    s       record;
begin
    if code is null or code = '' then
        perform scc.fail(400, 'code_required', 'a code is required');
    end if;
    if code !~ '^[A-Za-z0-9_-]{22}$' then
        return scc.refuse_signin(ctx, code, link, 'malformed', 'invalid_code', invalid);
    end if;

    update scc.magic_links as m set consumed_at = now()
     where m.code_hash = scc.token_hash(code) and m.consumed_at is null and m.expires_at > now()
    returning m.* into link;
    if link.id is null then
        select m.* into link from scc.magic_links as m where m.code_hash = scc.token_hash(code);
        return scc.refuse_signin(ctx, code, link,
                                 case when link.id is null then 'unknown'
                                      when link.consumed_at is not null then 'used'
                                      else 'expired' end,
                                 'invalid_code', invalid);
    end if;

    if link.user_id is null then
        insert into scc.users (email, name, role)
        values (link.email, coalesce(link.name, split_part(link.email, '@', 1)), link.role)
        on conflict ((lower(email))) do nothing
        returning * into u;
        if u.id is not null then
            perform scc.audit(ctx, 'user.create', 'user', u.id::text, null,
                              to_jsonb(scc.user_json(u)), 'invite redeemed', link.created_by, null);
        else
            -- the address found a user after the link was made
            select * into u from scc.users as x where lower(x.email) = lower(link.email) for update;
            if u.email is distinct from link.email then
                return scc.refuse_signin(ctx, code, link, 'not_bound', 'invalid_code', invalid);
            end if;
        end if;
        update scc.magic_links as m set user_id = u.id where m.id = link.id;
    else
        select * into u from scc.users as x where x.id = link.user_id for update;
    end if;

    if u.disabled_at is not null then
        return scc.refuse_signin(ctx, code, link, 'user_disabled', 'user_disabled',
                                 'this account is disabled');
    end if;
    if link.purpose <> 'login' and scc.role_rank(link.role) > scc.role_rank(u.role) then
        old := u;
        update scc.users as x set role = link.role, updated_at = now()
         where x.id = u.id returning * into u;
        perform scc.audit(ctx, 'user.role', 'user', u.id::text,
                          jsonb_build_object('role', old.role), jsonb_build_object('role', u.role),
                          'invite redeemed', link.created_by, null);
    end if;

    s := scc.start_session(ctx, u, gen_random_uuid(), scc.random_token(32));
    perform scc.audit(ctx, 'session.start', 'session', s.new_id::text, null,
                      jsonb_build_object('magic_link', link.id, 'purpose', link.purpose),
                      null, u.id, u.role);
    return (200, s.answer)::scc_api.response;
end
$$;
comment on function scc_api.auth_redeem(jsonb) is
    'POST /api/auth/redeem: consumes a magic link once and signs in the user it is bound to (an unbound invite creates one); refusals audited; 200 user + refresh token';

-- POST /api/invites {email, role, name?, event_id?}   (least role captain)
-- Admins may invite any role; captains only crew and guest (SC403
-- insufficient_scope).  Writes an invite link valid 7 days and an 'email'
-- job (template invite) with the plain code.  An address that belongs to a
-- user, in any case, gets the link bound to that user and mailed to the
-- STORED address, never to the variant typed.
-- 201 {"id","email","role","expires_at"} — never the code; email is where
-- the link goes.
-- Errors: SC400 email_required / invalid_email / invalid_role /
-- invalid_event_id / invalid_name; SC409 user_disabled (the address belongs
-- to a disabled user).
create or replace function scc_api.invite_create(ctx jsonb)
returns scc_api.response
language plpgsql volatile
security definer
set search_path = pg_catalog, scc
as $$
declare
    actor_role text := scc.require_role(ctx, 'captain');
    e          text := scc.check_email(scc.body_text(ctx, 'email', 'invalid_email'));
    v_role     text := scc.check_role(scc.body_text(ctx, 'role', 'invalid_role'));
    v_name     text := btrim(scc.body_text(ctx, 'name', 'invalid_name'));
    event_text text := scc.body_text(ctx, 'event_id', 'invalid_event_id');
    v_event    uuid;
    inviter    scc.users;
    existing   scc.users;
    code       text;
    link       scc.magic_links;
begin
    if event_text is not null then
        v_event := scc.check_uuid(event_text, 'invalid_event_id', 'event_id');
    end if;
    if length(v_name) > 200 then
        perform scc.fail(400, 'invalid_name', 'a name is at most 200 characters');
    end if;
    if actor_role <> 'admin' and v_role not in ('crew', 'guest') then
        perform scc.fail(403, 'insufficient_scope', 'captains may invite crew and guests only');
    end if;
    select * into existing from scc.users as x where lower(x.email) = lower(e);
    if existing.disabled_at is not null then
        perform scc.fail(409, 'user_disabled', 'this address belongs to a disabled account');
    end if;
    select * into inviter from scc.users as x where x.id = (ctx -> 'actor' ->> 'id')::uuid;

    code := scc.create_magic_link(e, 'invite', v_role, v_event, interval '7 days',
                                  nullif(v_name, ''), inviter.id);
    select * into link from scc.magic_links as m where m.code_hash = scc.token_hash(code);
    perform scc.enqueue_job('email', jsonb_build_object(
        'template', 'invite',
        'to', link.email,
        'data', jsonb_build_object('name', coalesce(nullif(v_name, ''), existing.name),
                                   'role', v_role,
                                   'inviter_name', inviter.name,
                                   'event_id', v_event,
                                   'expires_days', 7),
        'code', code));
    perform scc.audit(ctx, 'invite.create', 'magic_link', link.id::text, null,
                      jsonb_build_object('email', link.email, 'role', v_role, 'name', link.name,
                                         'event_id', v_event, 'user_id', link.user_id));
    return (201, json_build_object('id', link.id, 'email', link.email, 'role', link.role,
                                   'expires_at', scc.iso(link.expires_at)))::scc_api.response;
end
$$;
comment on function scc_api.invite_create(jsonb) is
    'POST /api/invites: a 7-day invite link and its email job (an existing user''s stored address, the link bound to them); captains invite crew/guests only; 201 without the code';

-- POST /api/auth/refresh   (public; an issuing route)
-- Token: ctx.refresh_token (the scc_rt cookie) or body.refresh_token.
-- Rotates: the presented session is revoked and replaced_by a new one in the
-- same family, whose token is derived from the old one (successor_key).
-- For 30 seconds after that rotation the old token answers the SAME
-- successor again (two tabs refreshing at once), as long as the successor
-- is live.  200 {"user":{...},"refresh_token","refresh_expires_at"} (the
-- user's current role: a role change takes effect here).
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
        return (200, scc.session_answer(u, succ, nxt.expires_at))::scc_api.response;
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

-- PATCH /api/users/:id {role}   (admin)
-- Changes a user's role (audited; takes effect at the user's next refresh,
-- access tokens carry their role until they expire).  An admin cannot
-- change their own role (SC409 self_change), and the last enabled admin
-- cannot be demoted (SC409 last_admin, decided under the admins lock:
-- scc.keep_an_admin).
-- 200 the user.  Errors: SC400 invalid_id / invalid_role; SC404 user_not_found.
create or replace function scc_api.user_update(ctx jsonb)
returns scc_api.response
language plpgsql volatile
security definer
set search_path = pg_catalog, scc
as $$
declare
    uid      uuid;
    new_role text;
    old      scc.users;
    u        scc.users;
begin
    perform scc.require_role(ctx, 'admin');
    uid := scc.check_uuid(ctx -> 'params' ->> 'id', 'invalid_id', 'the user id');
    new_role := scc.check_role(scc.body_text(ctx, 'role', 'invalid_role'));
    select * into old from scc.users as x where x.id = uid for update;
    if old.id is null then
        perform scc.fail(404, 'user_not_found', 'no such user');
    end if;
    if old.id = (ctx -> 'actor' ->> 'id')::uuid then
        perform scc.fail(409, 'self_change', 'an admin cannot change their own role');
    end if;
    if old.role = 'admin' and new_role <> 'admin' and old.disabled_at is null then
        perform scc.keep_an_admin(old.id);
    end if;
    update scc.users as x set role = new_role, updated_at = now()
     where x.id = old.id returning * into u;
    perform scc.audit(ctx, 'user.role', 'user', u.id::text,
                      jsonb_build_object('role', old.role), jsonb_build_object('role', u.role));
    return (200, scc.user_json(u))::scc_api.response;
end
$$;
comment on function scc_api.user_update(jsonb) is
    'PATCH /api/users/:id: admin changes a role (not their own, not the last admin''s); audited; 200 the user';

-- POST /api/users/:id/disable {reason?}   (admin)
-- Sets disabled_at (idempotent: already disabled stays as it was) and
-- revokes every live session of that user; audited with the reason.
-- An admin cannot disable themself (SC409 self_disable), nor the last
-- enabled admin (SC409 last_admin, under the admins lock).
-- 200 the user.  Errors: SC400 invalid_id / invalid_reason; SC404 user_not_found.
create or replace function scc_api.user_disable(ctx jsonb)
returns scc_api.response
language plpgsql volatile
security definer
set search_path = pg_catalog, scc
as $$
declare
    uid    uuid;
    reason text;
    old    scc.users;
    u      scc.users;
    n      int;
begin
    perform scc.require_role(ctx, 'admin');
    uid := scc.check_uuid(ctx -> 'params' ->> 'id', 'invalid_id', 'the user id');
    reason := nullif(btrim(scc.body_text(ctx, 'reason', 'invalid_reason')), '');
    if length(reason) > 1000 then
        perform scc.fail(400, 'invalid_reason', 'a reason is at most 1000 characters');
    end if;
    select * into old from scc.users as x where x.id = uid for update;
    if old.id is null then
        perform scc.fail(404, 'user_not_found', 'no such user');
    end if;
    if old.id = (ctx -> 'actor' ->> 'id')::uuid then
        perform scc.fail(409, 'self_disable', 'an admin cannot disable themself');
    end if;
    if old.role = 'admin' and old.disabled_at is null then
        perform scc.keep_an_admin(old.id);
    end if;
    update scc.users as x set disabled_at = coalesce(x.disabled_at, now()), updated_at = now()
     where x.id = old.id returning * into u;
    update scc.sessions as x set revoked_at = now() where x.user_id = u.id and x.revoked_at is null;
    get diagnostics n = row_count;
    perform scc.audit(ctx, 'user.disable', 'user', u.id::text,
                      jsonb_build_object('disabled_at', scc.iso(old.disabled_at)),
                      jsonb_build_object('disabled_at', scc.iso(u.disabled_at), 'sessions_revoked', n),
                      reason);
    return (200, scc.user_json(u))::scc_api.response;
end
$$;
comment on function scc_api.user_disable(jsonb) is
    'POST /api/users/:id/disable: admin disables a user (not themself, not the last admin) and revokes all their sessions; audited';
