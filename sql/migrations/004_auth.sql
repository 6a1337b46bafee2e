-- 004_auth.sql — people and signing in: users, sessions (refresh tokens),
-- magic links (login, invite, waiver), the audit log, and the route
-- functions of /api/auth/*, /api/invites and /api/users.
--
-- Runs as scc_owner (scc-worker migrate) in one transaction.  Never edit
-- this file once applied: write the next number instead.
--
-- Secrets are never stored: a magic-link code (16 random bytes) and a
-- refresh token (32 random bytes) are handed out once, base64url without
-- padding (22 and 43 characters), and only the SHA-256 of that text is kept.
-- The plain code exists only in the answer (CLI) or in the email job's
-- payload, which the worker scrubs once sent.
--
-- Decisions (see also sql/README.md, "Authentication"):
--   * an invite to an existing user raises the user's role to the designated
--     one when it is higher, never lowers it (demotion is an admin's
--     PATCH /api/users/:id, audited); a disabled user stays disabled;
--   * the one-link-a-minute throttle is kept per address in
--     scc.magic_link_throttle (keyed by SHA-256 of the lower-cased address,
--     so unknown addresses are throttled alike and never stored in clear);
--     a throttled request still answers 202, the same as any other;
--   * reuse of a rotated refresh token revokes the whole family; because
--     an exception would roll that revocation back, auth_refresh RETURNS
--     (401, the error shape) for that one case instead of raising;
--   * a 'waiver' link redeems like an invite (the user is created as the
--     designated role, guest), until waivers come with their own routes.

-- gen_random_bytes(); trusted since PostgreSQL 13, so scc_owner may create
-- it.  It lives in scc so the functions' pinned search_path finds it.
create extension if not exists pgcrypto with schema scc;
do $$
begin
    if (select e.extnamespace from pg_catalog.pg_extension as e where e.extname = 'pgcrypto')
       <> 'scc'::regnamespace then
        raise exception 'pgcrypto is installed outside schema scc; 004_auth needs scc.gen_random_bytes';
    end if;
end
$$;

-- ---- tables -------------------------------------------------------------------

create table scc.users (
    id          uuid primary key default gen_random_uuid(),
    email       text not null check (length(email) between 3 and 254 and email = btrim(email)),
    name        text not null default '' check (length(name) <= 200),
    phone       text check (length(phone) <= 40),
    role        text not null check (role in ('admin', 'captain', 'crew', 'guest')),
    disabled_at timestamptz,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now()
);
create unique index users_email_key on scc.users (lower(email));
comment on table scc.users is 'people who may sign in; email unique case-insensitively; no passwords';

create table scc.sessions (
    id           uuid primary key default gen_random_uuid(),
    user_id      uuid not null references scc.users (id),
    family       uuid not null,
    refresh_hash bytea not null unique check (length(refresh_hash) = 32),
    expires_at   timestamptz not null,
    revoked_at   timestamptz,
    replaced_by  uuid references scc.sessions (id),
    ip           inet,
    user_agent   text,
    created_at   timestamptz not null default now()
);
create index sessions_user_idx on scc.sessions (user_id) where revoked_at is null;
create index sessions_family_idx on scc.sessions (family);
comment on table scc.sessions is 'one refresh token each (SHA-256 only); rotation chains a family via replaced_by';

create table scc.magic_links (
    id          uuid primary key default gen_random_uuid(),
    code_hash   bytea not null unique check (length(code_hash) = 32),
    purpose     text not null check (purpose in ('login', 'invite', 'waiver')),
    email       text not null check (length(email) between 3 and 254),
    role        text not null check (role in ('admin', 'captain', 'crew', 'guest')),
    name        text check (length(name) <= 200),
    event_id    uuid,  -- no foreign key yet: events come in a later migration
    user_id     uuid references scc.users (id),
    created_by  uuid references scc.users (id),
    expires_at  timestamptz not null,
    consumed_at timestamptz,
    created_at  timestamptz not null default now()
);
create index magic_links_email_idx on scc.magic_links (lower(email), created_at);
comment on table scc.magic_links is 'single-use sign-in codes (SHA-256 only): purpose, designated role, optional event';

create table scc.magic_link_throttle (
    email_hash bytea primary key check (length(email_hash) = 32),  -- sha256(lower(email))
    last_at    timestamptz not null
);
comment on table scc.magic_link_throttle is 'when a login link was last asked for, per address (hashed): one a minute';

create table scc.audit_log (
    id         bigint generated always as identity primary key,
    at         timestamptz not null default now(),
    actor_id   uuid,
    actor_role text,
    action     text not null,
    entity     text not null,
    entity_id  text,
    before     jsonb,
    after      jsonb,
    reason     text,
    ip         inet,
    request_id text
);
create index audit_log_entity_idx on scc.audit_log (entity, entity_id);
comment on table scc.audit_log is 'every mutation: who, what, before/after, why, from where; insert only';

-- Nobody but the owner touches these; the audit log is append-only for
-- every app role (they get no table privilege at all; functions insert).
revoke all on scc.users, scc.sessions, scc.magic_links, scc.magic_link_throttle, scc.audit_log
    from public, scc_web, scc_worker;

-- ---- helpers (scc, not routes; not executable by PUBLIC: default privileges) --

-- admin 4 > captain 3 > crew 2 > guest 1; anything else 0.
create function scc.role_rank(role text) returns int
language sql immutable
set search_path = pg_catalog, scc
as $$
    select case role when 'admin' then 4 when 'captain' then 3 when 'crew' then 2
                     when 'guest' then 1 else 0 end
$$;

-- raise SCnnn with a machine code (detail) and a human message.
create function scc.fail(status int, code text, message text) returns void
language plpgsql
set search_path = pg_catalog, scc
as $$
begin
    raise exception using errcode = 'SC' || status::text, detail = code, message = message;
end
$$;

-- ISO 8601 in UTC, the way every API time is written.
create function scc.iso(t timestamptz) returns text
language sql immutable
set search_path = pg_catalog, scc
as $$
    select to_char(t at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
$$;

-- n random bytes as base64url without padding.
create function scc.random_token(nbytes int) returns text
language sql volatile
set search_path = pg_catalog, scc
as $$
    select rtrim(translate(replace(encode(gen_random_bytes(nbytes), 'base64'), E'\n', ''), '+/', '-_'), '=')
$$;

-- What is stored for a code or a refresh token: SHA-256 of its text.
create function scc.token_hash(token text) returns bytea
language sql immutable
set search_path = pg_catalog, scc
as $$
    select sha256(convert_to(token, 'UTF8'))
$$;

-- The client's address from ctx.ip, or null when it is not an IP address
-- (a unix-socket client says "unix:").
create function scc.ctx_ip(ctx jsonb) returns inet
language plpgsql immutable
set search_path = pg_catalog, scc
as $$
begin
    return (ctx ->> 'ip')::inet;
exception when others then
    return null;
end
$$;

-- A body field as text: null when absent or JSON null; SC400 `code` when it
-- is there but not a string.
create function scc.body_text(ctx jsonb, field text, code text) returns text
language plpgsql immutable
set search_path = pg_catalog, scc
as $$
declare
    v jsonb := ctx -> 'body' -> field;
begin
    if v is null or jsonb_typeof(v) = 'null' then
        return null;
    end if;
    if jsonb_typeof(v) <> 'string' then
        perform scc.fail(400, code, field || ' must be a string');
    end if;
    return v #>> '{}';
end
$$;

-- A normalised email address (trimmed), or SC400 email_required / invalid_email.
create function scc.check_email(email text) returns text
language plpgsql immutable
set search_path = pg_catalog, scc
as $$
declare
    e text := btrim(email);
begin
    if e is null or e = '' then
        perform scc.fail(400, 'email_required', 'an email address is required');
    end if;
    if length(e) > 254 or e !~ '^[^@[:space:][:cntrl:]]+@[^@[:space:][:cntrl:]]+\.[^@[:space:][:cntrl:].]+$' then
        perform scc.fail(400, 'invalid_email', 'this is not an email address');
    end if;
    return e;
end
$$;

-- A role name, or SC400 invalid_role.
create function scc.check_role(role text) returns text
language plpgsql immutable
set search_path = pg_catalog, scc
as $$
begin
    if role is null or role not in ('admin', 'captain', 'crew', 'guest') then
        perform scc.fail(400, 'invalid_role', 'role must be one of admin, captain, crew, guest');
    end if;
    return role;
end
$$;

-- A uuid from text, or SC400 `code`.
create function scc.check_uuid(value text, code text, what text) returns uuid
language plpgsql immutable
set search_path = pg_catalog, scc
as $$
begin
    if value is null or value !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
        perform scc.fail(400, code, what || ' must be a uuid');
    end if;
    return value::uuid;
end
$$;

-- The caller must be at least `least_role` (the module checks the token's
-- role too; this is the database's own guard).  The role that counts here is
-- the one in scc.users now, not the token's: a demotion or a disabling takes
-- effect at once for everything SQL checks, although an access token lives
-- on until it expires.  Returns the actor's current role.
create function scc.require_role(ctx jsonb, least_role text) returns text
language plpgsql stable
set search_path = pg_catalog, scc
as $$
declare
    actor_text text := ctx -> 'actor' ->> 'id';
    u          scc.users;
begin
    if actor_text is null then
        perform scc.fail(401, 'unauthorized', 'this route needs a token');
    end if;
    select * into u from scc.users as x where x.id = scc.check_uuid(actor_text, 'invalid_token', 'the token subject');
    if u.id is null then
        perform scc.fail(401, 'invalid_token', 'the token names no user');
    end if;
    if u.disabled_at is not null then
        perform scc.fail(401, 'user_disabled', 'this account is disabled');
    end if;
    if scc.role_rank(u.role) < scc.role_rank(least_role) then
        perform scc.fail(403, 'insufficient_scope', 'your role may not do this');
    end if;
    return u.role;
end
$$;

-- One audit row; the actor comes from ctx unless given (sign-in: the user).
create function scc.audit(ctx jsonb, action text, entity text, entity_id text,
                          before jsonb, after jsonb, reason text default null,
                          actor_id uuid default null, actor_role text default null)
returns void
language sql volatile
set search_path = pg_catalog, scc
as $$
    insert into scc.audit_log (actor_id, actor_role, action, entity, entity_id, before, after,
                               reason, ip, request_id)
    values (coalesce(actor_id, (ctx -> 'actor' ->> 'id')::uuid),
            coalesce(actor_role, ctx -> 'actor' ->> 'role'),
            action, entity, entity_id, before, after, reason,
            scc.ctx_ip(ctx), ctx ->> 'request_id')
$$;

-- The public face of a user (what the API shows).
create function scc.user_json(u scc.users) returns json
language sql stable
set search_path = pg_catalog, scc
as $$
    select json_build_object('id', u.id, 'email', u.email, 'name', u.name, 'phone', u.phone,
                             'role', u.role,
                             'disabled_at', scc.iso(u.disabled_at), 'created_at', scc.iso(u.created_at))
$$;

-- A new session (refresh token) for `user_id` in `family`; returns the
-- issuing answer of redeem and refresh:
--   {"user":{"id","email","name","role"},"refresh_token","refresh_expires_at"}
-- and, through `new_id`, the session's id.
create function scc.start_session(ctx jsonb, u scc.users, family uuid, out new_id uuid, out answer json)
language plpgsql volatile
set search_path = pg_catalog, scc
as $$
declare
    token   text := scc.random_token(32);
    ttl     numeric;
    expires timestamptz;
begin
    -- the module passes scc_refresh_ttl in seconds; 30 days if it did not
    ttl := case when jsonb_typeof(ctx -> 'refresh_ttl') = 'number'
                then (ctx ->> 'refresh_ttl')::numeric end;
    if ttl is null or ttl < 60 or ttl > 31536000 then
        ttl := 2592000;
    end if;
    expires := now() + make_interval(secs => ttl);
    insert into scc.sessions (user_id, family, refresh_hash, expires_at, ip, user_agent)
    values (u.id, family, scc.token_hash(token), expires, scc.ctx_ip(ctx), left(ctx ->> 'ua', 512))
    returning id into new_id;
    answer := json_build_object(
        'user', json_build_object('id', u.id, 'email', u.email, 'name', u.name, 'role', u.role),
        'refresh_token', token,
        'refresh_expires_at', scc.iso(expires));
end
$$;

-- The refresh token a request carries: the scc_rt cookie (ctx.refresh_token)
-- first, else body.refresh_token (API clients).
create function scc.ctx_refresh_token(ctx jsonb) returns text
language sql immutable
set search_path = pg_catalog, scc
as $$
    select coalesce(
        case when jsonb_typeof(ctx -> 'refresh_token') = 'string' then ctx ->> 'refresh_token' end,
        case when jsonb_typeof(ctx -> 'body' -> 'refresh_token') = 'string'
             then ctx -> 'body' ->> 'refresh_token' end)
$$;

-- ---- magic links: the one place codes are made -----------------------------------

-- scc.create_magic_link(email, purpose, role, event_id, ttl) -> the plain code.
-- For the CLI (scc-worker invite) and the route functions below.  A login
-- link needs an existing user; an invite or waiver link creates the user on
-- redeem.  created_by / name are optional.  Only the code's SHA-256 is kept.
create function scc.create_magic_link(email text, purpose text, role text,
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
    uid  uuid;
begin
    perform scc.check_role(role);
    if purpose is null or purpose not in ('login', 'invite', 'waiver') then
        perform scc.fail(400, 'invalid_purpose', 'purpose must be login, invite or waiver');
    end if;
    if ttl is null or ttl <= interval '0' or ttl > interval '30 days' then
        perform scc.fail(400, 'invalid_ttl', 'a link lives more than 0 and at most 30 days');
    end if;
    select u.id into uid from scc.users as u where lower(u.email) = lower(e);
    if purpose = 'login' and uid is null then
        perform scc.fail(404, 'user_not_found', 'no user with this address');
    end if;
    insert into scc.magic_links (code_hash, purpose, email, role, name, event_id, user_id,
                                 created_by, expires_at)
    values (scc.token_hash(code), purpose, e, role, nullif(btrim(name), ''), event_id, uid,
            created_by, now() + ttl);
    return code;
end
$$;
comment on function scc.create_magic_link(text, text, text, uuid, interval, text, uuid) is
    'a magic link (login needs an existing user; invite/waiver create one on redeem); returns the plain code, stores only its SHA-256';
grant usage on schema scc to scc_worker;
grant execute on function scc.create_magic_link(text, text, text, uuid, interval, text, uuid) to scc_worker;

-- ---- routes ------------------------------------------------------------------------

-- POST /api/auth/magic-link {email}   (public)
-- Always 202 {"status":"sent","message":...}, the same whatever the address
-- (known, unknown, disabled, throttled).  At most one link a minute per
-- address.  For a known, enabled user: a login link valid 15 minutes and an
-- 'email' job (template login_link) carrying the plain code.  Unknown
-- addresses do the same hashing and throttle work, so the timing is alike.
-- Errors: SC400 email_required / invalid_email.
create function scc_api.auth_magic_link(ctx jsonb)
returns scc_api.response
language plpgsql volatile
security definer
set search_path = pg_catalog, scc
as $$
declare
    e       text := scc.check_email(scc.body_text(ctx, 'email', 'invalid_email'));
    fresh   boolean;
    u       scc.users;
    code    text;
    link_id uuid;
begin
    -- one a minute per address, decided under the row lock of the upsert
    insert into scc.magic_link_throttle as t (email_hash, last_at)
    values (scc.token_hash(lower(e)), now())
    on conflict (email_hash) do update set last_at = excluded.last_at
        where t.last_at <= now() - interval '1 minute'
    returning true into fresh;

    code := scc.random_token(16);
    select * into u from scc.users as x where lower(x.email) = lower(e);

    if fresh and u.id is not null and u.disabled_at is null then
        insert into scc.magic_links (code_hash, purpose, email, role, user_id, expires_at)
        values (scc.token_hash(code), 'login', u.email, u.role, u.id, now() + interval '15 minutes')
        returning id into link_id;
        perform scc.enqueue_job('email', jsonb_build_object(
            'template', 'login_link',
            'to', u.email,
            'data', jsonb_build_object('name', u.name, 'expires_minutes', 15),
            'code', code));
        perform scc.audit(ctx, 'magic_link.create', 'magic_link', link_id::text, null,
                          jsonb_build_object('purpose', 'login', 'email', u.email),
                          null, u.id, u.role);
    end if;

    return (202, json_build_object('status', 'sent',
        'message', 'if this address may sign in, a link is on its way'))::scc_api.response;
end
$$;
comment on function scc_api.auth_magic_link(jsonb) is
    'POST /api/auth/magic-link: always 202 the same; a 15-minute login link and its email job for a known, enabled user; one a minute per address';
revoke execute on function scc_api.auth_magic_link(jsonb) from public;
grant execute on function scc_api.auth_magic_link(jsonb) to scc_web;

-- POST /api/auth/redeem {code}   (public; an issuing route)
-- Consumes the link exactly once (the update's row lock: of two concurrent
-- redeems one wins, the other finds it consumed).  Login: the link's user.
-- Invite/waiver: the user with that address, created with the designated
-- role and name when new; an existing user's role is raised to the
-- designated one if higher, never lowered.  Starts a session in a new family.
-- 200 {"user":{"id","email","name","role"},"refresh_token","refresh_expires_at"}
-- Errors: SC400 code_required; SC401 invalid_code (unknown, used, expired),
-- SC401 user_disabled.
create function scc_api.auth_redeem(ctx jsonb)
returns scc_api.response
language plpgsql volatile
security definer
set search_path = pg_catalog, scc
as $$
declare
    code   text := scc.body_text(ctx, 'code', 'invalid_code');
    link   scc.magic_links;
    u      scc.users;
    old    scc.users;
    s      record;
begin
    if code is null or code = '' then
        perform scc.fail(400, 'code_required', 'a code is required');
    end if;
    if code !~ '^[A-Za-z0-9_-]{22}$' then
        perform scc.fail(401, 'invalid_code', 'this link is not valid (any more)');
    end if;

    update scc.magic_links as m set consumed_at = now()
     where m.code_hash = scc.token_hash(code) and m.consumed_at is null and m.expires_at > now()
    returning m.* into link;
    if link.id is null then
        perform scc.fail(401, 'invalid_code', 'this link is not valid (any more)');
    end if;

    if link.purpose = 'login' then
        select * into u from scc.users as x where x.id = link.user_id for update;
    else
        insert into scc.users (email, name, role)
        values (link.email, coalesce(link.name, split_part(link.email, '@', 1)), link.role)
        on conflict ((lower(email))) do nothing
        returning * into u;
        if u.id is not null then
            perform scc.audit(ctx, 'user.create', 'user', u.id::text, null,
                              to_jsonb(scc.user_json(u)), 'invite redeemed', link.created_by, null);
        else
            select * into u from scc.users as x where lower(x.email) = lower(link.email) for update;
            if u.disabled_at is null and scc.role_rank(link.role) > scc.role_rank(u.role) then
                old := u;
                update scc.users as x set role = link.role, updated_at = now()
                 where x.id = u.id returning * into u;
                perform scc.audit(ctx, 'user.role', 'user', u.id::text,
                                  jsonb_build_object('role', old.role), jsonb_build_object('role', u.role),
                                  'invite redeemed', link.created_by, null);
            end if;
        end if;
        update scc.magic_links as m set user_id = u.id where m.id = link.id;
    end if;

    if u.id is null then
        perform scc.fail(401, 'invalid_code', 'this link is not valid (any more)');
    end if;
    if u.disabled_at is not null then
        perform scc.fail(401, 'user_disabled', 'this account is disabled');
    end if;

    s := scc.start_session(ctx, u, gen_random_uuid());
    perform scc.audit(ctx, 'session.start', 'session', s.new_id::text, null,
                      jsonb_build_object('magic_link', link.id, 'purpose', link.purpose),
                      null, u.id, u.role);
    return (200, s.answer)::scc_api.response;
end
$$;
comment on function scc_api.auth_redeem(jsonb) is
    'POST /api/auth/redeem: consumes a magic link once, creates/raises the user for invites, starts a session; 200 user + refresh token';
revoke execute on function scc_api.auth_redeem(jsonb) from public;
grant execute on function scc_api.auth_redeem(jsonb) to scc_web;

-- POST /api/auth/refresh   (public; an issuing route)
-- Token: ctx.refresh_token (the scc_rt cookie) or body.refresh_token.
-- Rotates: the presented session is revoked and replaced_by a new one in the
-- same family.  200 {"user":{...},"refresh_token","refresh_expires_at"}
-- (the user's current role: a role change takes effect here).
-- Errors: SC401 invalid_refresh_token (unknown, expired, revoked), SC401
-- user_disabled.  A token already rotated revokes its whole family and
-- answers 401 refresh_reuse — RETURNED, not raised, so the revocation commits.
create function scc_api.auth_refresh(ctx jsonb)
returns scc_api.response
language plpgsql volatile
security definer
set search_path = pg_catalog, scc
as $$
declare
    token text := scc.ctx_refresh_token(ctx);
    old   scc.sessions;
    u     scc.users;
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
        -- a rotated token came back: someone else has (had) it
        update scc.sessions as x set revoked_at = now()
         where x.family = old.family and x.revoked_at is null;
        get diagnostics n = row_count;
        perform scc.audit(ctx, 'session.reuse', 'session', old.id::text, null,
                          jsonb_build_object('family', old.family, 'revoked', n),
                          'a rotated refresh token was presented again', old.user_id, null);
        return (401, json_build_object('error', json_build_object(
            'code', 'refresh_reuse',
            'message', 'this sign-in was ended for safety; sign in again',
            'request_id', ctx ->> 'request_id')))::scc_api.response;
    end if;
    if old.revoked_at is not null or old.expires_at <= now() then
        perform scc.fail(401, 'invalid_refresh_token', 'sign in again');
    end if;

    select * into u from scc.users as x where x.id = old.user_id;
    if u.disabled_at is not null then
        perform scc.fail(401, 'user_disabled', 'this account is disabled');
    end if;

    s := scc.start_session(ctx, u, old.family);
    update scc.sessions as x set revoked_at = now(), replaced_by = s.new_id where x.id = old.id;
    perform scc.audit(ctx, 'session.refresh', 'session', s.new_id::text,
                      jsonb_build_object('session', old.id), jsonb_build_object('session', s.new_id),
                      null, u.id, u.role);
    return (200, s.answer)::scc_api.response;
end
$$;
comment on function scc_api.auth_refresh(jsonb) is
    'POST /api/auth/refresh: rotates the refresh token (same family); reuse of a rotated one revokes the family (401 refresh_reuse)';
revoke execute on function scc_api.auth_refresh(jsonb) from public;
grant execute on function scc_api.auth_refresh(jsonb) to scc_web;

-- POST /api/auth/logout   (public)
-- Revokes the session of ctx.refresh_token (cookie) or body.refresh_token.
-- 204, null body, whether or not a session matched.
create function scc_api.auth_logout(ctx jsonb)
returns scc_api.response
language plpgsql volatile
security definer
set search_path = pg_catalog, scc
as $$
declare
    token text := scc.ctx_refresh_token(ctx);
    sid   uuid;
    uid   uuid;
begin
    if token is not null then
        update scc.sessions as x set revoked_at = now()
         where x.refresh_hash = scc.token_hash(token) and x.revoked_at is null
        returning x.id, x.user_id into sid, uid;
        if sid is not null then
            perform scc.audit(ctx, 'session.logout', 'session', sid::text, null, null, null, uid, null);
        end if;
    end if;
    return (204, null)::scc_api.response;
end
$$;
comment on function scc_api.auth_logout(jsonb) is 'POST /api/auth/logout: revokes the presented session; 204 always';
revoke execute on function scc_api.auth_logout(jsonb) from public;
grant execute on function scc_api.auth_logout(jsonb) to scc_web;

-- POST /api/invites {email, role, name?, event_id?}   (least role captain)
-- Admins may invite any role; captains only crew and guest (SC403
-- insufficient_scope).  Writes an invite link valid 7 days and an 'email'
-- job (template invite) with the plain code.
-- 201 {"id","email","role","expires_at"} — never the code.
-- Errors: SC400 email_required / invalid_email / invalid_role /
-- invalid_event_id / invalid_name; SC409 user_disabled (the address belongs
-- to a disabled user).
create function scc_api.invite_create(ctx jsonb)
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
        'to', e,
        'data', jsonb_build_object('name', coalesce(nullif(v_name, ''), existing.name),
                                   'role', v_role,
                                   'inviter_name', inviter.name,
                                   'event_id', v_event,
                                   'expires_days', 7),
        'code', code));
    perform scc.audit(ctx, 'invite.create', 'magic_link', link.id::text, null,
                      jsonb_build_object('email', e, 'role', v_role, 'name', link.name,
                                         'event_id', v_event));
    return (201, json_build_object('id', link.id, 'email', link.email, 'role', link.role,
                                   'expires_at', scc.iso(link.expires_at)))::scc_api.response;
end
$$;
comment on function scc_api.invite_create(jsonb) is
    'POST /api/invites: a 7-day invite link and its email job; captains invite crew/guests only; 201 without the code';
revoke execute on function scc_api.invite_create(jsonb) from public;
grant execute on function scc_api.invite_create(jsonb) to scc_web;

-- GET /api/users?q=&limit=&offset=   (admin)
-- q matches email or name (ILIKE, q taken literally: % and _ escaped);
-- limit 1..200 (default 50), offset >= 0 (default 0); ordered by email.
-- 200 {"items":[{"id","email","name","phone","role","disabled_at","created_at"}],"total":N}
-- Errors: SC400 invalid_limit / invalid_offset / invalid_query.
create function scc_api.users_list(ctx jsonb)
returns scc_api.response
language plpgsql stable
security definer
set search_path = pg_catalog, scc
as $$
declare
    q       text := ctx -> 'query' ->> 'q';
    lim_t   text := ctx -> 'query' ->> 'limit';
    off_t   text := ctx -> 'query' ->> 'offset';
    lim     int := 50;
    off     int := 0;
    pattern text;
    items   json;
    total   bigint;
begin
    perform scc.require_role(ctx, 'admin');
    if lim_t is not null and lim_t <> '' then
        if lim_t !~ '^[0-9]{1,4}$' or lim_t::int not between 1 and 200 then
            perform scc.fail(400, 'invalid_limit', 'limit must be a whole number from 1 to 200');
        end if;
        lim := lim_t::int;
    end if;
    if off_t is not null and off_t <> '' then
        if off_t !~ '^[0-9]{1,9}$' then
            perform scc.fail(400, 'invalid_offset', 'offset must be a whole number >= 0');
        end if;
        off := off_t::int;
    end if;
    if length(q) > 200 then
        perform scc.fail(400, 'invalid_query', 'q is at most 200 characters');
    end if;
    pattern := '%' || replace(replace(replace(coalesce(btrim(q), ''), '\', '\\'), '%', '\%'), '_', '\_') || '%';

    select count(*) into total from scc.users as u
     where u.email ilike pattern escape '\' or u.name ilike pattern escape '\';
    select coalesce(json_agg(scc.user_json(u) order by lower(u.email), u.id), '[]'::json) into items
      from scc.users as u
     where u.id in (select p.id from scc.users as p
                     where p.email ilike pattern escape '\' or p.name ilike pattern escape '\'
                     order by lower(p.email), p.id
                     limit lim offset off);
    return (200, json_build_object('items', items, 'total', total))::scc_api.response;
end
$$;
comment on function scc_api.users_list(jsonb) is 'GET /api/users: admin search (email/name) with limit/offset; 200 {items,total}';
revoke execute on function scc_api.users_list(jsonb) from public;
grant execute on function scc_api.users_list(jsonb) to scc_web;

-- PATCH /api/users/:id {role}   (admin)
-- Changes a user's role (audited; takes effect at the user's next refresh,
-- access tokens carry their role until they expire).  An admin cannot
-- change their own role (SC409 self_change: no admin locks everyone out).
-- 200 the user.  Errors: SC400 invalid_id / invalid_role; SC404 user_not_found.
create function scc_api.user_update(ctx jsonb)
returns scc_api.response
language plpgsql volatile
security definer
set search_path = pg_catalog, scc
as $$
declare
    uid      uuid;
    new_role text;
    old  scc.users;
    u    scc.users;
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
    update scc.users as x set role = new_role, updated_at = now()
     where x.id = old.id returning * into u;
    perform scc.audit(ctx, 'user.role', 'user', u.id::text,
                      jsonb_build_object('role', old.role), jsonb_build_object('role', u.role));
    return (200, scc.user_json(u))::scc_api.response;
end
$$;
comment on function scc_api.user_update(jsonb) is 'PATCH /api/users/:id: admin changes a role (not their own); audited; 200 the user';
revoke execute on function scc_api.user_update(jsonb) from public;
grant execute on function scc_api.user_update(jsonb) to scc_web;

-- POST /api/users/:id/disable {reason?}   (admin)
-- Sets disabled_at (idempotent: already disabled stays as it was) and
-- revokes every live session of that user; audited with the reason.
-- An admin cannot disable themself (SC409 self_disable).
-- 200 the user.  Errors: SC400 invalid_id / invalid_reason; SC404 user_not_found.
create function scc_api.user_disable(ctx jsonb)
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
comment on function scc_api.user_disable(jsonb) is 'POST /api/users/:id/disable: admin disables a user (not themself) and revokes all their sessions; audited';
revoke execute on function scc_api.user_disable(jsonb) from public;
grant execute on function scc_api.user_disable(jsonb) to scc_web;
