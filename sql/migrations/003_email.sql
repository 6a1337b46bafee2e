-- 003_email.sql — the email outbox (one row per message the worker sends),
-- the suppression list, and the functions scc-worker uses to move a message
-- through (queued ->) sending -> sent / failed / unknown (queued again
-- between attempts after a temporary failure).
--
-- Runs as scc_owner (scc-worker migrate).  Never edit once applied.
--
-- Why `sending` and `unknown`: Amazon SES has no idempotency key.  The worker
-- marks the row `sending` (scc.email_prepare) and COMMITS before it calls the
-- provider, holding a
-- session advisory lock on the row for the length of the call.  If the worker
-- dies during the call, its session ends and the lock goes with it; whoever
-- next finds the row `sending` with the lock free (a retry of the same job,
-- or any worker starting up: scc.email_recover()) marks it `unknown`: the
-- message may or may not have left.  An `unknown` row is never sent again by
-- the worker; a human looks at the provider's logs (the message carries
-- X-SCC-Outbox-Id and the SES tag scc-outbox-id) and decides.

create table scc.email_outbox (
    id                  bigint generated always as identity primary key,
    job_id              bigint,                    -- scc.jobs.id (no FK: jobs are pruned, the outbox is kept)
    sender              text not null,
    recipients          text[] not null check (cardinality(recipients) > 0),
    bcc                 text[] not null default '{}',
    subject             text not null,
    template            text not null,
    transport           text not null,
    status              text not null default 'queued'
                        check (status in ('queued', 'sending', 'sent', 'failed', 'unknown')),
    provider_message_id text,
    attempts            int not null default 0,
    last_error          text,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now(),
    sent_at             timestamptz
);
-- One message per email job, whatever the number of attempts.
create unique index email_outbox_job_id on scc.email_outbox (job_id) where job_id is not null;
create index email_outbox_status on scc.email_outbox (status) where status in ('sending', 'unknown');
create index email_outbox_created on scc.email_outbox (created_at);
comment on table scc.email_outbox is
    'one row per email the worker sends: queued -> sending -> sent | failed | unknown (see 003_email.sql)';

create table scc.email_suppressions (
    address    text primary key check (address = lower(address) and address like '%_@_%'),
    reason     text not null check (reason in ('bounce', 'complaint', 'manual')),
    note       text,
    created_at timestamptz not null default now()
);
comment on table scc.email_suppressions is
    'addresses never mailed (bounces, complaints, manual); stored lower-case';

-- The worker calls the functions below; it needs usage on the schema to
-- name them, and nothing in it directly (no table privileges are granted).
grant usage on schema scc to scc_worker;

-- The advisory lock key of an outbox row (two-int form, first int = this
-- table, so it cannot collide with migrate's or the queue's locks).
create function scc.email_lock_key(id bigint)
returns int
language sql
immutable
as $$ select (id % 2147483647)::int $$;
revoke execute on function scc.email_lock_key(bigint) from public;

-- scc.email_prepare: find or create the outbox row of an email job and,
-- when it is to be sent, mark it `sending` (attempts + 1) and take the
-- session advisory lock that says "this session is in the provider call",
-- all in one round trip.  The caller runs it in autocommit, so `sending` is
-- COMMITTED before it calls the provider.
-- Returns (outbox_id, status, recipients):
--   status 'sending'    : yours: send it now (recipients: the ones not suppressed)
--   status 'sent'/'failed' : already finished by an earlier attempt: do nothing
--   status 'unknown'    : an earlier attempt died during the provider call:
--                         do NOT send; park the job for a human
--   status 'busy'       : another session is sending it right now: retry later
--   status 'suppressed' : every recipient is suppressed; the row is 'failed'
-- p_job_id may be null (send-test-email): a new row every call.
create function scc.email_prepare(p_job_id bigint, p_sender text, p_recipients text[],
                                  p_bcc text[], p_subject text, p_template text,
                                  p_transport text)
returns table (outbox_id bigint, status text, recipients text[])
language plpgsql
security definer
set search_path = pg_catalog, scc
as $$
declare
    r       scc.email_outbox;
    keep    text[];
    dropped text[];
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
            if r.status = 'queued' then
                if not pg_try_advisory_lock(hashtext('scc.email_outbox'), scc.email_lock_key(r.id)) then
                    return query select r.id, 'busy'::text, r.recipients;
                    return;
                end if;
                update scc.email_outbox as o
                   set status = 'sending', attempts = o.attempts + 1, updated_at = now()
                 where o.id = r.id;
                return query select r.id, 'sending'::text, r.recipients;
                return;
            end if;
            return query select r.id, r.status, r.recipients;
            return;
        end if;
    end if;

    select coalesce(array_agg(t.a order by t.i) filter (where s.address is null), '{}'),
           coalesce(array_agg(t.a || ' (' || s.reason || ')' order by t.i)
                    filter (where s.address is not null), '{}')
      into keep, dropped
      from unnest(p_recipients) with ordinality as t(a, i)
      left join scc.email_suppressions as s on s.address = lower(t.a);

    insert into scc.email_outbox as o (job_id, sender, recipients, bcc, subject, template, transport,
                                       status, attempts, last_error)
    values (p_job_id, p_sender, p_recipients, coalesce(p_bcc, '{}'), p_subject, p_template, p_transport,
            case when cardinality(keep) = 0 then 'failed' else 'sending' end,
            case when cardinality(keep) = 0 then 0 else 1 end,
            case when cardinality(dropped) > 0
                 then 'suppressed: ' || array_to_string(dropped, ', ') end)
    returning o.* into r;
    if cardinality(keep) = 0 then
        return query select r.id, 'suppressed'::text, keep;
        return;
    end if;
    -- A new id: nobody else can hold its lock.
    perform pg_advisory_lock(hashtext('scc.email_outbox'), scc.email_lock_key(r.id));
    return query select r.id, 'sending'::text, keep;
end
$$;

-- scc.email_finish: the provider call is over.  p_status:
--   'sent'    provider accepted it (p_message_id = its id)
--   'failed'  refused for good (p_error = the provider's message)
--   'queued'  not accepted, try again later (p_error says why); the next
--             attempt's email_prepare marks it `sending` again
--   'unknown' the call broke after the request left: delivery unknown
-- With p_scrub_job, the plain magic-link code is removed from that job's
-- payload in the same transaction (it exists only until sent).
-- Releases the advisory lock taken by email_prepare.
create function scc.email_finish(p_id bigint, p_status text, p_message_id text,
                                 p_error text, p_scrub_job bigint)
returns void
language plpgsql
security definer
set search_path = pg_catalog, scc
as $$
begin
    if p_status not in ('sent', 'failed', 'queued', 'unknown') then
        raise exception 'email_finish: bad status %', p_status using errcode = '22023';
    end if;
    -- A row marked unknown meanwhile (our session was cut during the call)
    -- still takes the real outcome: the worker knows better now.
    update scc.email_outbox as o
       set status = p_status,
           provider_message_id = coalesce(p_message_id, o.provider_message_id),
           last_error = case when p_status = 'sent' then o.last_error else p_error end,
           sent_at = case when p_status = 'sent' then now() else o.sent_at end,
           updated_at = now()
     where o.id = p_id and o.status in ('sending', 'unknown', 'queued');
    perform pg_advisory_unlock(hashtext('scc.email_outbox'), scc.email_lock_key(p_id));
    if p_scrub_job is not null then
        perform scc.email_scrub_code(p_scrub_job);
    end if;
end
$$;

-- scc.email_scrub_code: remove the plain magic-link code from an email job.
create function scc.email_scrub_code(p_job_id bigint)
returns void
language sql
security definer
set search_path = pg_catalog, scc
as $$
    update scc.jobs as j set payload = j.payload - 'code'
     where j.id = p_job_id and j.kind = 'email' and j.payload ? 'code'
$$;

-- scc.email_recover: at worker start, rows left `sending` whose sender's
-- session is gone (its advisory lock is free) become `unknown`.  Rows whose
-- lock is held belong to a live worker elsewhere and are left alone.
-- Returns how many rows were marked.
create function scc.email_recover()
returns int
language plpgsql
security definer
set search_path = pg_catalog, scc
as $$
declare
    r record;
    n int := 0;
begin
    for r in select o.id, o.attempts from scc.email_outbox as o
              where o.status = 'sending' order by o.id for update skip locked loop
        if pg_try_advisory_xact_lock(hashtext('scc.email_outbox'), scc.email_lock_key(r.id)) then
            update scc.email_outbox as o
               set status = 'unknown', updated_at = now(),
                   last_error = 'the worker stopped during the provider call (attempt '
                                || r.attempts || '): delivery unknown, not resent'
             where o.id = r.id;
            n := n + 1;
        end if;
    end loop;
    return n;
end
$$;

-- scc.email_suppressed: is this address on the suppression list?
create function scc.email_suppressed(p_address text)
returns text
language sql
stable
security definer
set search_path = pg_catalog, scc
as $$ select s.reason from scc.email_suppressions as s where s.address = lower(p_address) $$;

-- scc.suppress_email: add (or re-reason) an address; for bounce/complaint
-- feedback and for admins.
create function scc.suppress_email(p_address text, p_reason text, p_note text default null)
returns void
language sql
security definer
set search_path = pg_catalog, scc
as $$
    insert into scc.email_suppressions as s (address, reason, note)
    values (lower(p_address), p_reason, p_note)
    on conflict (address) do update set reason = excluded.reason, note = excluded.note
$$;

do $$
declare
    f text;
begin
    foreach f in array array[
        'scc.email_prepare(bigint, text, text[], text[], text, text, text)',
        'scc.email_finish(bigint, text, text, text, bigint)',
        'scc.email_scrub_code(bigint)',
        'scc.email_recover()',
        'scc.email_suppressed(text)',
        'scc.suppress_email(text, text, text)'] loop
        execute format('revoke execute on function %s from public', f);
        execute format('grant execute on function %s to scc_worker', f);
    end loop;
end
$$;
