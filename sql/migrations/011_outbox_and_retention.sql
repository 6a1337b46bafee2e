-- 011_outbox_and_retention.sql — three findings of the security review on
-- the worker's side of the database:
--
--   * suppressed addresses were mailed on a retry: scc.email_prepare
--     filtered scc.email_suppressions only when it created the outbox row,
--     so an address suppressed between two attempts was still mailed.  It
--     now filters on EVERY attempt (scc.email_unsuppressed), keeps in the
--     row only the addresses the attempt mails, and fails the row when none
--     is left;
--   * plain magic-link codes outlived failed email jobs: the worker removed
--     `code` from the payload only on some paths.  A trigger now removes it
--     whenever an email job reaches a terminal state (done or dead), however
--     it got there (sent, bad template, no sender, bad recipient, lease
--     expired and reaped, attempts used); a job that will be retried keeps
--     it;
--   * tables that only grew: scc.prune deletes, in bounded batches, done
--     and dead jobs, ended magic links, stale throttle rows and ended
--     session families after their retention; scc-worker run calls it.
--     It replaces scc.prune_jobs (002), which is dropped.
--
-- Runs as scc_owner (scc-worker migrate), inside one transaction.  Never
-- edit this file once applied.

-- ---- suppressions on every attempt -------------------------------------------------

-- scc.email_unsuppressed: split addresses into those that may be mailed
-- (keep, in their order) and those on scc.email_suppressions (dropped, each
-- as 'addr (reason)').  Both arrays are empty rather than null.  A helper of
-- scc.email_prepare: no SET search_path (every name is qualified), so it
-- inlines; nobody else may call it.
create function scc.email_unsuppressed(p_addresses text[], out keep text[], out dropped text[])
language sql
stable
as $$
    select coalesce(array_agg(t.a order by t.i) filter (where s.address is null), '{}'),
           coalesce(array_agg(t.a || ' (' || s.reason || ')' order by t.i)
                    filter (where s.address is not null), '{}')
      from pg_catalog.unnest(p_addresses) with ordinality as t(a, i)
      left join scc.email_suppressions as s on s.address = pg_catalog.lower(t.a)
$$;
revoke execute on function scc.email_unsuppressed(text[]) from public;
comment on function scc.email_unsuppressed(text[]) is
    'split addresses into those that may be mailed and those suppressed (addr (reason))';

-- scc.email_prepare: find or create the outbox row of an email job and,
-- when it is to be sent, mark it `sending` (attempts + 1) and take the
-- session advisory lock that says "this session is in the provider call",
-- all in one round trip.  The caller runs it in autocommit, so `sending` is
-- COMMITTED before it calls the provider.
-- Every attempt (the first and each retry) drops the recipients that are
-- suppressed at that moment; the row's recipients become the addresses
-- this attempt mails, and last_error names the dropped ones.
-- Returns (outbox_id, status, recipients):
--   status 'sending'    : yours: send it now, to these recipients only
--   status 'sent'/'failed' : already finished by an earlier attempt: do nothing
--   status 'unknown'    : an earlier attempt died during the provider call:
--                         do NOT send; park the job for a human
--   status 'busy'       : another session is sending it right now: retry later
--   status 'suppressed' : every recipient is suppressed; the row is 'failed'
-- p_job_id may be null (send-test-email): a new row every call.
create or replace function scc.email_prepare(p_job_id bigint, p_sender text, p_recipients text[],
                                             p_bcc text[], p_subject text, p_template text,
                                             p_transport text)
returns table (outbox_id bigint, status text, recipients text[])
language plpgsql
security definer
set search_path = pg_catalog, scc
as $$
declare
    r  scc.email_outbox;
    u  record;
    note text;
begin
    if p_job_id is not null then
        select o.* into r from scc.email_outbox as o where o.job_id = p_job_id for update;
        if found then
            if r.status = 'sending' then
                -- The lock is held by whoever is in the provider call.
                if not pg_try_advisory_xact_lock(hashtext('scc.email_outbox'), scc.email_lock_key(r.id)) then
                    return query select r.id, 'busy'::text, r.recipients;
                    return;
                end if;
                update scc.email_outbox as o
                   set status = 'unknown', updated_at = now(),
                       last_error = 'the worker stopped during the provider call (attempt '
                                    || r.attempts || '): delivery unknown, not resent'
                 where o.id = r.id;
                return query select r.id, 'unknown'::text, r.recipients;
                return;
            end if;
            if r.status <> 'queued' then
                return query select r.id, r.status, r.recipients;
                return;
            end if;
            -- A retry: suppressions are checked again.
            select e.keep, e.dropped into u from scc.email_unsuppressed(r.recipients) as e;
            note := case when cardinality(u.dropped) > 0
                         then 'suppressed: ' || array_to_string(u.dropped, ', ') end;
            if cardinality(u.keep) = 0 then
                update scc.email_outbox as o
                   set status = 'failed', last_error = note, updated_at = now()
                 where o.id = r.id;
                return query select r.id, 'suppressed'::text, u.keep;
                return;
            end if;
            if not pg_try_advisory_lock(hashtext('scc.email_outbox'), scc.email_lock_key(r.id)) then
                return query select r.id, 'busy'::text, r.recipients;
                return;
            end if;
            update scc.email_outbox as o
               set status = 'sending', attempts = o.attempts + 1, updated_at = now(),
                   recipients = u.keep, last_error = coalesce(note, o.last_error)
             where o.id = r.id;
            return query select r.id, 'sending'::text, u.keep;
            return;
        end if;
    end if;

    select e.keep, e.dropped into u from scc.email_unsuppressed(p_recipients) as e;
    note := case when cardinality(u.dropped) > 0
                 then 'suppressed: ' || array_to_string(u.dropped, ', ') end;
    insert into scc.email_outbox as o (job_id, sender, recipients, bcc, subject, template, transport,
                                       status, attempts, last_error)
    values (p_job_id, p_sender,
            case when cardinality(u.keep) = 0 then p_recipients else u.keep end,
            coalesce(p_bcc, '{}'), p_subject, p_template, p_transport,
            case when cardinality(u.keep) = 0 then 'failed' else 'sending' end,
            case when cardinality(u.keep) = 0 then 0 else 1 end,
            note)
    returning o.* into r;
    if cardinality(u.keep) = 0 then
        return query select r.id, 'suppressed'::text, u.keep;
        return;
    end if;
    -- A new id: nobody else can hold its lock.
    perform pg_advisory_lock(hashtext('scc.email_outbox'), scc.email_lock_key(r.id));
    return query select r.id, 'sending'::text, u.keep;
end
$$;

-- ---- no plain code in a finished email job -------------------------------------------

-- scc.jobs_scrub_code: before a row of scc.jobs is written, an email job in
-- a terminal state (done, dead) loses its plain magic-link code.  Queued and
-- running jobs keep it: they may still send it.
create function scc.jobs_scrub_code()
returns trigger
language plpgsql
as $$
begin
    new.payload := new.payload - 'code';
    return new;
end
$$;
comment on function scc.jobs_scrub_code() is
    'before insert or update on scc.jobs: a done or dead email job loses payload->''code''';

create trigger jobs_scrub_code
    before insert or update on scc.jobs
    for each row
    when (new.kind = 'email' and new.state in ('done', 'dead') and new.payload ? 'code')
    execute function scc.jobs_scrub_code();

-- Jobs that ended before this migration.
update scc.jobs as j
   set payload = j.payload - 'code'
 where j.kind = 'email' and j.state in ('done', 'dead') and j.payload ? 'code';

-- ---- retention ---------------------------------------------------------------------

-- Pruning finished jobs by state and age (scc.prune asks for one state at
-- a time, as a parameter, which this partial index still serves).
create index jobs_finished on scc.jobs (state, finished_at) where state in ('done', 'dead');
-- Pruning ended links by age.
create index magic_links_expires_idx on scc.magic_links (expires_at);
create index magic_link_throttle_last_idx on scc.magic_link_throttle (last_at);

-- scc.prune: delete what is no longer needed, each kind of row after its
-- own retention (in days, >= 0; fractions allowed), at most max_rows rows
-- of each kind (session families for sessions) per call, so every call is
-- a short transaction:
--   done_days     done jobs, by finished_at;
--   dead_days     dead jobs, by finished_at (kept long enough to inspect;
--                 they hold no code: jobs_scrub_code);
--   links_days    magic links that expired or were consumed that long ago
--                 (a live link, unexpired and unused, is never removed);
--   throttle_days throttle rows last used that long ago (a row only matters
--                 for a minute);
--   sessions_days session families whose every refresh token ended
--                 (revoked or expired) that long ago; a family is removed
--                 whole, never while one of its tokens is live, so reuse
--                 detection still sees every rotated token of a live family.
-- Returns one row per kind: (what, deleted rows).  A kind whose count is
-- max_rows or more may have more to delete: call again.  Raises 22023 on a null or
-- negative retention or max_rows < 1.
create function scc.prune(done_days double precision, dead_days double precision,
                          links_days double precision, throttle_days double precision,
                          sessions_days double precision, max_rows int default 1000)
returns table (what text, deleted int)
language plpgsql
volatile
security definer
set search_path = pg_catalog, scc
as $$
declare
    n  int;
    st text;
begin
    if done_days is null or dead_days is null or links_days is null or throttle_days is null
       or sessions_days is null or least(done_days, dead_days, links_days, throttle_days,
                                         sessions_days) < 0 then
        raise exception using errcode = '22023',
            message = 'prune: every retention must be a number of days >= 0';
    end if;
    if max_rows is null or max_rows < 1 then
        raise exception using errcode = '22023', message = 'prune: max_rows must be >= 1';
    end if;

    foreach st in array array['done', 'dead'] loop
        with old as (
            select j.id from scc.jobs as j
             where j.state in ('done', 'dead') and j.state = st
               and j.finished_at < now() - make_interval(
                       secs => case st when 'done' then prune.done_days else prune.dead_days end * 86400)
             order by j.finished_at
             limit prune.max_rows
               for update skip locked
        )
        delete from scc.jobs as j using old where j.id = old.id;
        get diagnostics n = row_count;
        what := st || ' jobs'; deleted := n; return next;
    end loop;

    with old as (
        select l.id from scc.magic_links as l
         where l.expires_at < now() - make_interval(secs => prune.links_days * 86400)
            or l.consumed_at < now() - make_interval(secs => prune.links_days * 86400)
         limit prune.max_rows
           for update skip locked
    )
    delete from scc.magic_links as l using old where l.id = old.id;
    get diagnostics n = row_count;
    what := 'magic links'; deleted := n; return next;

    with old as (
        select t.email_hash from scc.magic_link_throttle as t
         where t.last_at < now() - make_interval(secs => prune.throttle_days * 86400)
         limit prune.max_rows
           for update skip locked
    )
    delete from scc.magic_link_throttle as t using old where t.email_hash = old.email_hash;
    get diagnostics n = row_count;
    what := 'throttle rows'; deleted := n; return next;

    -- A token ended when it was revoked or when it expired, whichever came
    -- first; a family ended when its last token did.
    with ended as (
        select s.family from scc.sessions as s
         group by s.family
        having max(least(coalesce(s.revoked_at, 'infinity'), s.expires_at))
               < now() - make_interval(secs => prune.sessions_days * 86400)
         limit prune.max_rows
    )
    delete from scc.sessions as s using ended where s.family = ended.family;
    get diagnostics n = row_count;
    what := 'sessions'; deleted := n; return next;
end
$$;
comment on function scc.prune(double precision, double precision, double precision,
                              double precision, double precision, int) is
    'delete done/dead jobs, ended links, stale throttle rows and ended session families after their retention, in batches';
revoke execute on function scc.prune(double precision, double precision, double precision,
                                     double precision, double precision, int) from public;

-- scc.prune does what scc.prune_jobs (002) did, and more: one way to prune.
drop function scc.prune_jobs(double precision, int);
grant execute on function scc.prune(double precision, double precision, double precision,
                                    double precision, double precision, int) to scc_worker;
