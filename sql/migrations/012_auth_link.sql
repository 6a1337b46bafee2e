-- 012_auth_link.sql — POST /api/auth/link: what a magic link is for, without
-- spending it.
--
-- A sign-in page that redeems its code on load lets a link scanner (a mail
-- filter that opens every link) spend single-use links, and lets a page
-- sign its visitor in as whoever the link was made for.  signin.html now
-- shows who the link is for and redeems only when the person presses the
-- button; this function is what it shows.

-- POST /api/auth/link {code}   (public)
-- Reads one magic link by its code and consumes nothing, audits nothing.
-- 200 {"link":{"purpose","email","name","role","expires_at"}}: the address
-- is the stored one of the user the link is bound to, else the invited
-- address.  Whoever holds the code could sign in with it, so showing the
-- address tells them nothing they could not learn by redeeming.
-- Errors: SC400 code_required; SC401 invalid_code (malformed, unknown,
-- used, expired: one answer for all, as auth_redeem gives).
create function scc_api.auth_link(ctx jsonb)
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
               'expires_at', scc.iso(m.expires_at))
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
comment on function scc_api.auth_link(jsonb) is
    'POST /api/auth/link: describes an unspent magic link (purpose, address, name, role, expiry) without consuming it';
revoke execute on function scc_api.auth_link(jsonb) from public;
grant execute on function scc_api.auth_link(jsonb) to scc_web;
