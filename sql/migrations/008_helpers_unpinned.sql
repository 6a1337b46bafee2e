-- 008_helpers_unpinned.sql — helpers run under their caller's search_path.
--
-- Why: a function with a SET clause pays a GUC save and restore on every
-- call, and a LANGUAGE sql function with one is never inlined, so it is
-- planned again on every call.  Measured with pgbench (16 clients,
-- prepared): scc.user_json alone ran 25,700 calls a second, and
-- scc_api.users_list, which goes through require_role, role_rank, user_json
-- and iso, 5,900 — against 44,000 for scc_api.health.
--
-- Pinning search_path matters for SECURITY DEFINER functions, which run
-- with the owner's rights: every scc_api route and every queue function
-- keeps `set search_path = pg_catalog, scc`.  The helpers below are not
-- SECURITY DEFINER, no role but the owner may execute them, they are only
-- called from pinned functions (or by the owner), and every scc object in
-- their bodies is schema-qualified; without the SET they run under the
-- caller's path and the SQL ones can be inlined.  scc.random_token keeps
-- its SET: it calls pgcrypto's gen_random_bytes, installed in scc, by its
-- bare name.  scc.jobs_notify, a trigger, keeps its SET as well.

alter function scc.report_kind_ok(text) reset search_path;
alter function scc.cron_shape_ok(text) reset search_path;
alter function scc.email_ok(text) reset search_path;
alter function scc.role_rank(text) reset search_path;
alter function scc.token_hash(text) reset search_path;
alter function scc.ctx_refresh_token(jsonb) reset search_path;
alter function scc.user_json(scc.users) reset search_path;

-- to_char() is stable, so an immutable wrapper of it is never inlined
-- (and was never truly immutable)
alter function scc.iso(timestamptz) stable reset search_path;

alter function scc.fail(integer, text, text) reset search_path;
alter function scc.ctx_ip(jsonb) reset search_path;
alter function scc.body_text(jsonb, text, text) reset search_path;
alter function scc.check_email(text) reset search_path;
alter function scc.check_role(text) reset search_path;
alter function scc.check_uuid(text, text, text) reset search_path;
alter function scc.require_role(jsonb, text) reset search_path;
alter function scc.check_report_args(text, text[]) reset search_path;
alter function scc.audit(jsonb, text, text, text, jsonb, jsonb, text, uuid, text) reset search_path;
alter function scc.start_session(jsonb, scc.users, uuid) reset search_path;

-- GET /api/users: PL/pgSQL kept re-planning its two searches for every
-- call (a LIKE pattern makes each custom plan look cheaper than the
-- generic one), and planning cost more than running them: 7,200 calls a
-- second with custom plans, 19,900 with the generic plan (pgbench, as
-- above).  A search over the users of one charter business needs no
-- per-pattern plan.
alter function scc_api.users_list(jsonb) set plan_cache_mode = force_generic_plan;
