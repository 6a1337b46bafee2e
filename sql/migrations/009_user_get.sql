-- 009_user_get.sql — GET /api/users/:id: one user, for an admin.
--
-- The admin pages show a person before changing their role or disabling
-- them; the list (GET /api/users) is a search.  This is also the API's
-- plain authenticated single-row read, which `make bench` measures against
-- pgbench -S.

-- GET /api/users/:id (admin): 200 the user (scc.user_json); SC400
-- invalid_id; SC404 user_not_found.  Reads only.
create function scc_api.user_get(ctx jsonb)
returns scc_api.response
language plpgsql
stable
security definer
set search_path = pg_catalog, scc
as $$
declare
    uid uuid;
    u   scc.users;
begin
    perform scc.require_role(ctx, 'admin');
    uid := scc.check_uuid(ctx -> 'params' ->> 'id', 'invalid_id', 'the user id');
    select x.id, x.email, x.name, x.phone, x.role, x.disabled_at, x.created_at, x.updated_at
      into u
      from scc.users as x
     where x.id = uid;
    if u.id is null then
        perform scc.fail(404, 'user_not_found', 'no such user');
    end if;
    return (200, scc.user_json(u))::scc_api.response;
end
$$;
comment on function scc_api.user_get(jsonb) is 'GET /api/users/:id: admin reads one user; 200 the user, 404 user_not_found';
revoke execute on function scc_api.user_get(jsonb) from public;
grant execute on function scc_api.user_get(jsonb) to scc_web;
