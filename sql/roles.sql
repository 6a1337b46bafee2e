-- roles.sql — the cluster-level roles SCC needs.  Run once per cluster by a
-- superuser (conf/stack does it for local stacks; a deployment runs it with
-- `psql -v ON_ERROR_STOP=1 -f sql/roles.sql`).  Idempotent.
--
-- Roles are cluster-wide, so they are not created by migrations (which run
-- as scc_owner inside one database).  No passwords here: a deployment sets
-- them out of band (`\password scc_web`) or uses peer/cert auth; the local
-- stacks use trust on a private unix socket.
--
--   scc_owner   owns the schemas scc, scc_api, scc_report and runs migrations
--   scc_web     nginx's login role: usage on scc_api, execute on its functions, nothing else
--   scc_worker  scc-worker's login role: what later migrations grant it (jobs, reports, outbox)

do $$
begin
    if not exists (select from pg_catalog.pg_roles where rolname = 'scc_owner') then
        create role scc_owner login;
    end if;
    if not exists (select from pg_catalog.pg_roles where rolname = 'scc_web') then
        -- noinherit: even if someone grants it a role by mistake, it does not
        -- silently gain that role's privileges.
        create role scc_web login noinherit;
    end if;
    if not exists (select from pg_catalog.pg_roles where rolname = 'scc_worker') then
        create role scc_worker login noinherit;
    end if;
end
$$;

comment on role scc_owner is 'SCC: owns schemas scc, scc_api, scc_report; runs migrations';
comment on role scc_web is 'SCC: nginx module login; may only execute scc_api functions';
comment on role scc_worker is 'SCC: scc-worker login; jobs, reports, email outbox';
