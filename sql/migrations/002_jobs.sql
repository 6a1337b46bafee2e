-- 002_jobs.sql — the job queue (scc.jobs) and report schedules
-- (scc.report_schedules), with the functions that enqueue, claim, complete,
-- fail and prune jobs and turn schedule slots into jobs.
--
-- Runs as scc_owner (scc-worker migrate), inside one transaction.  Never
-- edit this file once applied: write the next number instead.
--
-- Who calls what:
--   scc_owner (SQL, admins, pg_cron, other security definer functions):
--       scc.enqueue_job, scc.schedule_report, scc.unschedule_report,
--       scc.enqueue_report
--   scc_worker (scc-worker run): scc.enqueue_job, scc.recover_jobs,
--       scc.claim_jobs, scc.extend_leases, scc.complete_jobs, scc.fail_job,
--       scc.release_jobs, scc.prune_jobs, scc.due_schedules,
--       scc.enqueue_schedule_slot, scc.park_schedule
-- scc_worker gets usage on schema scc only to reach these functions by
-- name: it has no privilege on any table; the functions are security
-- definer with a pinned search_path.

grant usage on schema scc to scc_worker;

-- ---- the queue -----------------------------------------------------------------

create table scc.jobs (
    id            bigint generated always as identity primary key,
    kind          text        not null check (kind ~ '^[a-z][a-z0-9_]{0,62}$'),
    payload       jsonb       not null default '{}' check (jsonb_typeof(payload) = 'object'),
    run_at        timestamptz not null default now(),
    priority      int         not null default 0,       -- higher runs first
    attempts      int         not null default 0 check (attempts >= 0),
    max_attempts  int         not null default 5 check (max_attempts between 1 and 100),
    locked_until  timestamptz,                           -- the lease, while running
    locked_by     text,                                  -- the worker holding it
    last_error    text,
    unique_key    text,
    state         text        not null default 'queued'
                  check (state in ('queued', 'running', 'done', 'dead')),
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    finished_at   timestamptz,
    check ((state = 'running') = (locked_until is not null))
);
comment on table scc.jobs is
    'work for scc-worker: queued -> running (leased) -> done | dead; done rows pruned after job_retention';

-- A unique key is unique among all rows, whatever their state: the same
-- logical job (a schedule slot, a report run) is never queued twice, even
-- after the first one finished.  It is freed only when the done row is
-- pruned; schedules also keep their last slot, so a pruned key is not
-- re-enqueued.
create unique index jobs_unique_key on scc.jobs (unique_key) where unique_key is not null;

-- Claiming walks this index in order: the highest priority first, then the
-- oldest due time, then insertion order.  Partial: only queued rows.
create index jobs_claim on scc.jobs (priority desc, run_at, id) where state = 'queued';

-- Finding expired leases (crashed workers) without scanning the table.
create index jobs_lease on scc.jobs (locked_until) where state = 'running';

-- Pruning done rows by age.
create index jobs_done on scc.jobs (finished_at) where state = 'done';

-- Wake the workers (they LISTEN scc_jobs).  Statement level: one
-- notification per kind per insert statement, not one per row, so a bulk
-- insert of 50,000 jobs sends one notification; identical payloads within
-- one transaction are folded by PostgreSQL anyway.
create function scc.jobs_notify()
returns trigger
language plpgsql
set search_path = pg_catalog, scc
as $$
declare
    k text;
begin
    for k in select distinct n.kind from new_jobs as n loop
        perform pg_notify('scc_jobs', k);
    end loop;
    return null;
end
$$;
comment on function scc.jobs_notify() is 'after insert on scc.jobs: pg_notify(''scc_jobs'', kind) once per kind inserted';

create trigger jobs_notify
    after insert on scc.jobs
    referencing new table as new_jobs
    for each statement
    execute function scc.jobs_notify();

-- scc.enqueue_job: queue one job.
-- kind: the handler's name ('email', 'report', 'noop', ...); payload: a JSON
-- object; run_at: not before; priority: higher first; unique_key: when a job
-- with this key exists (in any state), nothing is inserted and its id is
-- returned; max_attempts: runs before the job is parked as dead.
-- Returns the job's id.  Safe under concurrency (insert ... on conflict).
create function scc.enqueue_job(kind text, payload jsonb, run_at timestamptz default now(),
                                priority int default 0, unique_key text default null,
                                max_attempts int default 5)
returns bigint
language plpgsql
volatile
security definer
set search_path = pg_catalog, scc
as $$
#variable_conflict use_column
declare
    new_id bigint;
begin
    if enqueue_job.kind is null or enqueue_job.payload is null then
        raise exception using errcode = '22004', message = 'enqueue_job: kind and payload are required';
    end if;
    insert into scc.jobs as j (kind, payload, run_at, priority, unique_key, max_attempts)
    values (enqueue_job.kind, enqueue_job.payload, coalesce(enqueue_job.run_at, now()),
            coalesce(enqueue_job.priority, 0), enqueue_job.unique_key,
            coalesce(enqueue_job.max_attempts, 5))
    on conflict (unique_key) where unique_key is not null do nothing
    returning j.id into new_id;
    if new_id is null then
        -- The key exists (possibly inserted by a concurrent transaction that
        -- just committed: on conflict waited for it).
        select j.id into new_id from scc.jobs as j where j.unique_key = enqueue_job.unique_key;
    end if;
    return new_id;
end
$$;
comment on function scc.enqueue_job(text, jsonb, timestamptz, int, text, int) is
    'queue a job; with an existing unique_key returns that job''s id and inserts nothing';
grant execute on function scc.enqueue_job(text, jsonb, timestamptz, int, text, int) to scc_worker;

-- scc.recover_jobs: the leases that expired (a worker crashed or lost its
-- connection mid-job) are given back: the job is queued again (it keeps its
-- attempts), or parked as dead when it already used every attempt.
-- Returns how many jobs were recovered.  Called by workers before claiming.
create function scc.recover_jobs()
returns int
language plpgsql
volatile
security definer
set search_path = pg_catalog, scc
as $$
declare
    n int;
begin
    with expired as (
        select j.id
        from scc.jobs as j
        where j.state = 'running' and j.locked_until < now()
        for update skip locked
    )
    update scc.jobs as j
    set state        = case when j.attempts >= j.max_attempts then 'dead' else 'queued' end,
        finished_at  = case when j.attempts >= j.max_attempts then now() end,
        last_error   = 'lease expired on ' || coalesce(j.locked_by, '?') || ' during attempt '
                       || j.attempts || coalesce(' (before: ' || j.last_error || ')', ''),
        locked_until = null,
        locked_by    = null,
        updated_at   = now()
    from expired
    where j.id = expired.id;
    get diagnostics n = row_count;
    return n;
end
$$;
comment on function scc.recover_jobs() is 'requeue (or park as dead) jobs whose lease expired; returns the count';
grant execute on function scc.recover_jobs() to scc_worker;

-- scc.claim_jobs: lease up to `batch` due jobs of the given kinds to worker
-- `worker` for `lease_seconds`, highest priority first, then oldest run_at.
-- Rows another worker is claiming are skipped (skip locked), so workers
-- never wait for each other and never get the same job.  Each claimed job
-- has attempts + 1.  Returns the jobs in the order they should run.
create function scc.claim_jobs(worker text, kinds text[], batch int, lease_seconds double precision)
returns table (id bigint, kind text, payload jsonb, attempts int, max_attempts int)
language sql
volatile
security definer
set search_path = pg_catalog, scc
as $$
    with picked as (
        select j.id
        from scc.jobs as j
        where j.state = 'queued' and j.run_at <= now() and j.kind = any (claim_jobs.kinds)
        order by j.priority desc, j.run_at, j.id
        limit greatest(claim_jobs.batch, 1)
        for update skip locked
    ), claimed as (
        update scc.jobs as j
        set state        = 'running',
            attempts     = j.attempts + 1,
            locked_by    = claim_jobs.worker,
            locked_until = now() + make_interval(secs => claim_jobs.lease_seconds),
            updated_at   = now()
        from picked
        where j.id = picked.id
        returning j.id, j.kind, j.payload, j.attempts, j.max_attempts, j.priority, j.run_at
    )
    select c.id, c.kind, c.payload, c.attempts, c.max_attempts
    from claimed as c
    order by c.priority desc, c.run_at, c.id
$$;
comment on function scc.claim_jobs(text, text[], int, double precision) is
    'lease up to batch due jobs of these kinds to a worker (skip locked); attempts + 1';
grant execute on function scc.claim_jobs(text, text[], int, double precision) to scc_worker;

-- scc.extend_leases: the worker is alive and still working: every job it
-- holds gets locked_until = now() + lease_seconds.  Returns the count.
create function scc.extend_leases(worker text, lease_seconds double precision)
returns int
language sql
volatile
security definer
set search_path = pg_catalog, scc
as $$
    with extended as (
        update scc.jobs as j
        set locked_until = now() + make_interval(secs => extend_leases.lease_seconds),
            updated_at   = now()
        where j.state = 'running' and j.locked_by = extend_leases.worker
        returning 1
    )
    select count(*)::int from extended
$$;
comment on function scc.extend_leases(text, double precision) is 'renew the lease of every job a worker holds';
grant execute on function scc.extend_leases(text, double precision) to scc_worker;

-- scc.complete_jobs: the jobs `ids` that `worker` holds are done.  A job
-- whose lease this worker lost (another worker took it over) is left
-- alone.  Returns how many were marked done.
create function scc.complete_jobs(worker text, ids bigint[])
returns int
language sql
volatile
security definer
set search_path = pg_catalog, scc
as $$
    with done as (
        update scc.jobs as j
        set state = 'done', finished_at = now(), updated_at = now(),
            locked_until = null, locked_by = null
        where j.id = any (complete_jobs.ids) and j.state = 'running'
          and j.locked_by = complete_jobs.worker
        returning 1
    )
    select count(*)::int from done
$$;
comment on function scc.complete_jobs(text, bigint[]) is 'mark jobs a worker holds as done; returns the count';
grant execute on function scc.complete_jobs(text, bigint[]) to scc_worker;

-- scc.fail_job: job `id` held by `worker` failed with `error`.  When
-- `permanent`, or when it used its last attempt, it is parked as dead;
-- otherwise it is queued again to run `retry_seconds` from now (the worker
-- computes exponential backoff with jitter, worker/backoff.c).  last_error
-- keeps the message.  Returns the new state ('queued' or 'dead'), or null
-- when the worker no longer holds the job.
create function scc.fail_job(worker text, id bigint, error text, retry_seconds double precision,
                             permanent boolean default false)
returns text
language sql
volatile
security definer
set search_path = pg_catalog, scc
as $$
    update scc.jobs as j
    set state        = case when fail_job.permanent or j.attempts >= j.max_attempts
                            then 'dead' else 'queued' end,
        run_at       = case when fail_job.permanent or j.attempts >= j.max_attempts
                            then j.run_at
                            else now() + make_interval(secs => greatest(fail_job.retry_seconds, 0)) end,
        finished_at  = case when fail_job.permanent or j.attempts >= j.max_attempts then now() end,
        last_error   = left(coalesce(fail_job.error, 'failed'), 2000),
        locked_until = null,
        locked_by    = null,
        updated_at   = now()
    where j.id = fail_job.id and j.state = 'running' and j.locked_by = fail_job.worker
    returning j.state
$$;
comment on function scc.fail_job(text, bigint, text, double precision, boolean) is
    'a held job failed: queued again after retry_seconds, or dead when permanent or out of attempts';
grant execute on function scc.fail_job(text, bigint, text, double precision, boolean) to scc_worker;

-- scc.release_jobs: a stopping worker gives back jobs it claimed but did
-- not start: queued again at once, the claim's attempt not counted.
-- Returns the count.
create function scc.release_jobs(worker text, ids bigint[])
returns int
language sql
volatile
security definer
set search_path = pg_catalog, scc
as $$
    with released as (
        update scc.jobs as j
        set state = 'queued', attempts = greatest(j.attempts - 1, 0),
            locked_until = null, locked_by = null, updated_at = now()
        where j.id = any (release_jobs.ids) and j.state = 'running'
          and j.locked_by = release_jobs.worker
        returning 1
    )
    select count(*)::int from released
$$;
comment on function scc.release_jobs(text, bigint[]) is 'give back claimed, unstarted jobs (attempt not counted)';
grant execute on function scc.release_jobs(text, bigint[]) to scc_worker;

-- scc.prune_jobs: delete done jobs finished more than `retention_days` ago,
-- at most `max_rows` per call (short transactions).  Dead jobs are kept for
-- inspection.  Returns how many were deleted.
create function scc.prune_jobs(retention_days double precision, max_rows int default 10000)
returns int
language sql
volatile
security definer
set search_path = pg_catalog, scc
as $$
    with old as (
        select j.id from scc.jobs as j
        where j.state = 'done'
          and j.finished_at < now() - make_interval(secs => prune_jobs.retention_days * 86400)
        order by j.finished_at
        limit prune_jobs.max_rows
        for update skip locked
    ), deleted as (
        delete from scc.jobs as j using old where j.id = old.id returning 1
    )
    select count(*)::int from deleted
$$;
comment on function scc.prune_jobs(double precision, int) is 'delete done jobs older than the retention (dead ones are kept)';
grant execute on function scc.prune_jobs(double precision, int) to scc_worker;

-- ---- report schedules --------------------------------------------------------------

-- The eight reports (DESIGN.md "Reports").
create function scc.report_kind_ok(kind text)
returns boolean
language sql
immutable
set search_path = pg_catalog, scc
as $$
    select kind in ('ceo', 'cto', 'accounting', 'cmo', 'cfo', 'rental', 'delivery', 'portfolio')
$$;
comment on function scc.report_kind_ok(text) is 'true for the eight report kinds';

-- A light shape check of a cron expression: five fields of cron characters,
-- or one of the @ names.  The worker's parser (worker/cron.c) is the real
-- judge: a schedule whose expression it refuses is parked (enabled = false,
-- last_error says why) instead of running.
create function scc.cron_shape_ok(expr text)
returns boolean
language sql
immutable
set search_path = pg_catalog, scc
as $$
    select expr ~* '^\s*(@(yearly|annually|monthly|weekly|daily|midnight|hourly)|[0-9a-z*,/-]+(\s+[0-9a-z*,/-]+){4})\s*$'
$$;
comment on function scc.cron_shape_ok(text) is 'five cron fields or an @name; the worker validates fully';

create function scc.email_ok(address text)
returns boolean
language sql
immutable
set search_path = pg_catalog, scc
as $$
    select address ~ '^[^@\s<>",;]+@[^@\s<>",;]+\.[^@\s<>",;.]+$' and length(address) <= 254
$$;
comment on function scc.email_ok(text) is 'an address shaped like local@domain.tld (no display name)';

create table scc.report_schedules (
    id          bigint generated always as identity primary key,
    kind        text        not null check (scc.report_kind_ok(kind)),
    cron        text        not null check (scc.cron_shape_ok(cron)),
    time_zone   text        not null,
    recipients  text[]      not null check (cardinality(recipients) > 0),
    options     jsonb       not null default '{}' check (jsonb_typeof(options) = 'object'),
    enabled     boolean     not null default true,
    last_slot   timestamptz,          -- the latest slot turned into a job
    last_error  text,                 -- why the worker parked it (bad cron or zone)
    created_at  timestamptz not null default now()
);
comment on table scc.report_schedules is
    'recurring report runs: cron in time_zone; each slot becomes one report job (unique key schedule:<id>:<slot>)';

-- Validation shared by schedule_report and enqueue_report.
create function scc.check_report_args(kind text, recipients text[])
returns void
language plpgsql
stable
set search_path = pg_catalog, scc
as $$
begin
    if kind is null or not scc.report_kind_ok(kind) then
        raise exception using errcode = '22023', detail = 'bad_report_kind',
            message = format('unknown report kind %L (ceo, cto, accounting, cmo, cfo, rental, delivery, portfolio)', kind);
    end if;
    if recipients is null or cardinality(recipients) = 0 then
        raise exception using errcode = '22023', detail = 'no_recipients',
            message = 'recipients must list at least one address';
    end if;
    if exists (select from unnest(recipients) as r(a) where a is null or not scc.email_ok(a)) then
        raise exception using errcode = '22023', detail = 'bad_recipient',
            message = format('not an email address: %L',
                             (select a from unnest(recipients) as r(a)
                              where a is null or not scc.email_ok(a) limit 1));
    end if;
end
$$;
comment on function scc.check_report_args(text, text[]) is 'raise 22023 for a bad report kind or recipient list';

-- scc.schedule_report: a recurring report.  kind: one of the eight; cron:
-- five fields (minute hour day-of-month month day-of-week, names allowed)
-- or @daily etc., evaluated in time_zone (an IANA name from
-- pg_timezone_names); recipients: one or more addresses; options: passed
-- to the report job (e.g. {"period": "last_month"}).  The first run is the
-- first slot after now (no run for slots before the schedule existed).
-- Returns the schedule's id.  Raises 22023 on bad input.
create function scc.schedule_report(kind text, cron text, time_zone text, recipients text[],
                                    options jsonb default '{}')
returns bigint
language plpgsql
volatile
security definer
set search_path = pg_catalog, scc
as $$
declare
    new_id bigint;
begin
    perform scc.check_report_args(kind, recipients);
    if cron is null or not scc.cron_shape_ok(cron) then
        raise exception using errcode = '22023', detail = 'bad_cron',
            message = format('not a five-field cron expression: %L', cron);
    end if;
    if time_zone is null or not exists (select from pg_timezone_names as z where z.name = time_zone) then
        raise exception using errcode = '22023', detail = 'bad_time_zone',
            message = format('unknown time zone %L (an IANA name such as America/Los_Angeles)', time_zone);
    end if;
    if options is null or jsonb_typeof(options) <> 'object' then
        raise exception using errcode = '22023', detail = 'bad_options',
            message = 'options must be a JSON object';
    end if;
    insert into scc.report_schedules (kind, cron, time_zone, recipients, options)
    values (schedule_report.kind, btrim(schedule_report.cron), schedule_report.time_zone,
            schedule_report.recipients, schedule_report.options)
    returning id into new_id;
    return new_id;
end
$$;
comment on function scc.schedule_report(text, text, text, text[], jsonb) is
    'create a recurring report schedule; returns its id; 22023 on bad kind, cron shape, zone or recipients';

-- scc.unschedule_report(id): delete one schedule; returns true when it
-- existed.  Jobs it already queued stay (they are ordinary jobs).
create function scc.unschedule_report(id bigint)
returns boolean
language plpgsql
volatile
security definer
set search_path = pg_catalog, scc
as $$
declare
    n int;
begin
    delete from scc.report_schedules as s where s.id = unschedule_report.id;
    get diagnostics n = row_count;
    return n > 0;
end
$$;
comment on function scc.unschedule_report(bigint) is 'delete a report schedule by id; true when it existed';

-- scc.unschedule_report(kind): delete every schedule of a report kind;
-- returns how many there were.
create function scc.unschedule_report(kind text)
returns int
language plpgsql
volatile
security definer
set search_path = pg_catalog, scc
as $$
declare
    n int;
begin
    delete from scc.report_schedules as s where s.kind = unschedule_report.kind;
    get diagnostics n = row_count;
    return n;
end
$$;
comment on function scc.unschedule_report(text) is 'delete every schedule of a report kind; returns the count';

-- scc.enqueue_report: one report run, not recurring.  period: the report's
-- period as the report functions understand it (e.g. '2026-10',
-- 'last_month'); run_at: not before.  Returns the job's id.
create function scc.enqueue_report(kind text, period text, recipients text[],
                                   run_at timestamptz default now())
returns bigint
language plpgsql
volatile
security definer
set search_path = pg_catalog, scc
as $$
begin
    perform scc.check_report_args(kind, recipients);
    if period is null or btrim(period) = '' then
        raise exception using errcode = '22023', detail = 'no_period', message = 'period is required';
    end if;
    return scc.enqueue_job('report',
                           jsonb_build_object('kind', kind, 'period', period,
                                              'recipients', to_jsonb(recipients)),
                           coalesce(run_at, now()));
end
$$;
comment on function scc.enqueue_report(text, text, text[], timestamptz) is
    'queue one report run (kind, period, recipients) at run_at; returns the job id';

-- scc.due_schedules: what the worker needs to evaluate every enabled
-- schedule: its cron and zone, and `since`, the instant after which a slot
-- is new (the last slot queued, else the schedule's creation).
create function scc.due_schedules()
returns table (id bigint, cron text, time_zone text, since timestamptz)
language sql
stable
security definer
set search_path = pg_catalog, scc
as $$
    select s.id, s.cron, s.time_zone, coalesce(s.last_slot, s.created_at)
    from scc.report_schedules as s
    where s.enabled
    order by s.id
$$;
comment on function scc.due_schedules() is 'enabled schedules with the instant after which a slot is new';
grant execute on function scc.due_schedules() to scc_worker;

-- scc.enqueue_schedule_slot: slot `slot` of schedule `schedule_id` is due:
-- queue its report job with unique key 'schedule:<id>:<slot in UTC, ISO
-- 8601>' and move last_slot forward.  Two workers doing this for the same
-- slot get the same job (the unique key); a slot not after last_slot is
-- ignored (returns null), so a slot is never queued twice even after its
-- job was pruned.  Returns the job id, or null.
create function scc.enqueue_schedule_slot(schedule_id bigint, slot timestamptz)
returns bigint
language plpgsql
volatile
security definer
set search_path = pg_catalog, scc
as $$
declare
    s scc.report_schedules%rowtype;
    job_id bigint;
    slot_key text := 'schedule:' || schedule_id || ':'
                     || to_char(slot at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"');
begin
    -- The row lock serialises workers on one schedule; the unique key would
    -- keep the job single anyway.
    select * into s from scc.report_schedules as r where r.id = schedule_id for update;
    if not found or not s.enabled or slot <= coalesce(s.last_slot, s.created_at) then
        return null;
    end if;
    job_id := scc.enqueue_job(
        'report',
        jsonb_build_object(
            'kind', s.kind,
            'period', coalesce(s.options ->> 'period',
                               to_char(slot at time zone s.time_zone, 'YYYY-MM-DD')),
            'recipients', to_jsonb(s.recipients),
            'options', s.options,
            'schedule_id', s.id,
            'slot', to_char(slot at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')),
        now(), 0, slot_key);
    update scc.report_schedules as r set last_slot = slot where r.id = schedule_id;
    return job_id;
end
$$;
comment on function scc.enqueue_schedule_slot(bigint, timestamptz) is
    'queue a schedule slot''s report job once (unique key schedule:<id>:<slot>); null when not new';
grant execute on function scc.enqueue_schedule_slot(bigint, timestamptz) to scc_worker;

-- scc.park_schedule: the worker could not evaluate this schedule (its cron
-- or zone is refused by worker/cron.c): disable it, keeping why.
create function scc.park_schedule(schedule_id bigint, error text)
returns void
language sql
volatile
security definer
set search_path = pg_catalog, scc
as $$
    update scc.report_schedules as s
    set enabled = false, last_error = left(park_schedule.error, 2000)
    where s.id = park_schedule.schedule_id
$$;
comment on function scc.park_schedule(bigint, text) is 'disable a schedule the worker cannot evaluate, with the reason';
grant execute on function scc.park_schedule(bigint, text) to scc_worker;
