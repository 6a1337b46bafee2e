-- 033_report_runs.sql — the report engine (issue 11, helper J1): periods,
-- report runs (the archive), the eight scc_report functions' common shape
-- with the charter figures they can compute today, and the functions the
-- worker calls to run, render and send a report.
--
-- Decisions:
--   * A period is text the user types ('2026-10', '2026-Q3', '2026',
--     '2026-01-01..2026-03-31', 'last_month', 'last_quarter', 'last_year',
--     'month_to_date', 'year_to_date', and 'last_week' for the weekly
--     schedules sql/README.md shows) read in a time zone into
--     scc.report_span (label, starts, ends exclusive, time_zone, grain).
--     Dates, not instants: a day is a local day, so a month across a
--     daylight-saving change is still its calendar days;
--     scc.report_instants gives the two instants that bound it in its zone.
--     Anything else is 22023 detail bad_period (bad_time_zone for a zone
--     pg_timezone_names does not know).
--   * Every run is a row of scc.report_runs, made 'queued' by
--     scc.report_run_start with its 'report' job ({"run_id": id}); the
--     worker moves it to 'running' (scc.report_run_begin: the JSON is
--     computed and stored), then 'done' (scc.report_run_done: the rendered
--     subject, HTML, text and CSV with their SHA-256, computed here from
--     what is stored, and the email job) or 'failed' (scc.report_run_fail).
--     A done run never changes (trigger report_runs_keep_done).
--   * scc.enqueue_report and the schedule slots go through the same start;
--     their signatures and answers (a job id) stay.  A schedule's options
--     carry period (default last_month) and variant.
--   * Recipients empty = a preview: rendered and archived, nothing mailed.
--     Otherwise one email job (unique key report-run:<id>, so a rerun queues
--     no second one) whose payload names the run: the mail is the run's
--     archived rendering, with the CSV attached (worker/mail.c).
--   * The report data of most lenses (ledger, bookings, rental, delivery,
--     consulting, technology, marketing, plans) does not exist yet: those
--     sections say "pending": <what they await> and carry no figure.  The
--     charter figures exist (events, event_roles, boats, waiver_completion)
--     and appear in CEO, CFO and CMO (scc_report.charter_figures); the CEO's
--     top operational risks come from scc.guest_hold.

-- ---------------------------------------------------------------------------
-- Periods
-- ---------------------------------------------------------------------------

create type scc.report_span as (
    label     text,
    starts    date,
    ends      date,        -- exclusive
    time_zone text,
    grain     text         -- month | quarter | year | range
);
comment on type scc.report_span is
    'a report period: [starts, ends) local dates in time_zone, its label and grain (month, quarter, year, range)';

-- scc.report_span_of: the span of [starts, ends) in tz with its label.
create function scc.report_span_of(starts date, ends date, tz text, grain text)
returns scc.report_span
language sql
immutable
as $$
    select row(case grain
                   when 'month' then trim(to_char(starts, 'FMMonth YYYY'))
                   when 'quarter' then 'Q' || extract(quarter from starts)::int || ' ' || extract(year from starts)::int
                   when 'year' then extract(year from starts)::int::text
                   else to_char(starts, 'YYYY-MM-DD') || ' to ' || to_char(ends - 1, 'YYYY-MM-DD')
               end,
               starts, ends, tz, grain)::scc.report_span
$$;
comment on function scc.report_span_of(date, date, text, text) is
    'a scc.report_span from its bounds, zone and grain, with its label (October 2026, Q3 2026, 2026, A to B)';

-- scc.report_period(period, time_zone): see the head of this file.
-- Raises 22023 bad_period / bad_time_zone.
create function scc.report_period(period text, time_zone text)
returns scc.report_span
language plpgsql
stable
as $$
declare
    p     text := lower(btrim(coalesce(period, '')));
    today date;
    m     text[];
    a     date;
    b     date;
begin
    if time_zone is null or not exists (select 1 from pg_catalog.pg_timezone_names as z
                                         where z.name = time_zone) then
        raise exception using errcode = '22023', detail = 'bad_time_zone',
            message = format('unknown time zone %L (an IANA name such as America/Los_Angeles)', time_zone);
    end if;
    today := (now() at time zone time_zone)::date;
    if p = 'last_month' then
        a := (date_trunc('month', today) - interval '1 month')::date;
        return scc.report_span_of(a, (a + interval '1 month')::date, time_zone, 'month');
    elsif p = 'last_quarter' then
        a := (date_trunc('quarter', today) - interval '3 months')::date;
        return scc.report_span_of(a, (a + interval '3 months')::date, time_zone, 'quarter');
    elsif p = 'last_year' then
        a := (date_trunc('year', today) - interval '1 year')::date;
        return scc.report_span_of(a, (a + interval '1 year')::date, time_zone, 'year');
    elsif p = 'last_week' then
        a := (date_trunc('week', today) - interval '1 week')::date;   -- ISO weeks: Monday
        return scc.report_span_of(a, a + 7, time_zone, 'range');
    elsif p = 'month_to_date' then
        return scc.report_span_of(date_trunc('month', today)::date, today + 1, time_zone, 'range');
    elsif p = 'year_to_date' then
        return scc.report_span_of(date_trunc('year', today)::date, today + 1, time_zone, 'range');
    end if;
    begin
        m := regexp_match(p, '^(\d{4})-(\d{2})$');
        if m is not null and m[2]::int between 1 and 12 and m[1]::int between 1970 and 2200 then
            a := make_date(m[1]::int, m[2]::int, 1);
            return scc.report_span_of(a, (a + interval '1 month')::date, time_zone, 'month');
        end if;
        m := regexp_match(p, '^(\d{4})-q([1-4])$');
        if m is not null and m[1]::int between 1970 and 2200 then
            a := make_date(m[1]::int, (m[2]::int - 1) * 3 + 1, 1);
            return scc.report_span_of(a, (a + interval '3 months')::date, time_zone, 'quarter');
        end if;
        m := regexp_match(p, '^(\d{4})$');
        if m is not null and m[1]::int between 1970 and 2200 then
            a := make_date(m[1]::int, 1, 1);
            return scc.report_span_of(a, (a + interval '1 year')::date, time_zone, 'year');
        end if;
        m := regexp_match(p, '^(\d{4})-(\d{2})-(\d{2})\.\.(\d{4})-(\d{2})-(\d{2})$');
        if m is not null then
            a := make_date(m[1]::int, m[2]::int, m[3]::int);
            b := make_date(m[4]::int, m[5]::int, m[6]::int);
            if b >= a and b - a < 3700 and extract(year from a) >= 1970 and extract(year from b) <= 2200 then
                return scc.report_span_of(a, b + 1, time_zone, 'range');
            end if;
        end if;
    exception when datetime_field_overflow or invalid_datetime_format then
        null;   -- 2026-02-30: not a date, refused below
    end;
    raise exception using errcode = '22023', detail = 'bad_period',
        message = format('not a period: %L (2026-10, 2026-Q3, 2026, 2026-01-01..2026-03-31, last_month, '
                         'last_quarter, last_year, last_week, month_to_date or year_to_date)', period);
end
$$;
comment on function scc.report_period(text, text) is
    'a period text (2026-10, 2026-Q3, 2026, A..B, last_month, ...) in a zone as scc.report_span; 22023 bad_period / bad_time_zone';

-- scc.report_prior_period(p): the period before p, of the same length: the
-- month, quarter or year before; for a range, as many days ending where p
-- starts.
create function scc.report_prior_period(p scc.report_span)
returns scc.report_span
language sql
immutable
as $$
    select case p.grain
               when 'month' then scc.report_span_of((p.starts - interval '1 month')::date, p.starts, p.time_zone, 'month')
               when 'quarter' then scc.report_span_of((p.starts - interval '3 months')::date, p.starts, p.time_zone, 'quarter')
               when 'year' then scc.report_span_of((p.starts - interval '1 year')::date, p.starts, p.time_zone, 'year')
               else scc.report_span_of(p.starts - (p.ends - p.starts), p.starts, p.time_zone, 'range')
           end
$$;
comment on function scc.report_prior_period(scc.report_span) is
    'the period before, same grain and length (for a range: as many days ending where it starts)';

-- scc.report_instants(p): the instants bounding p in its zone: local
-- midnight of starts and of ends.
create function scc.report_instants(p scc.report_span, out from_at timestamptz, out until_at timestamptz)
language sql
immutable
as $$
    select p.starts::timestamp at time zone p.time_zone, p.ends::timestamp at time zone p.time_zone
$$;
comment on function scc.report_instants(scc.report_span) is
    'the instants of local midnight at starts and at ends in the period''s zone: [from_at, until_at)';

-- ---------------------------------------------------------------------------
-- The archive
-- ---------------------------------------------------------------------------

create table scc.report_runs (
    id            bigint generated always as identity
                  constraint report_runs_pkey primary key,
    kind          text        not null constraint report_runs_kind_check check (scc.report_kind_ok(kind)),
    period        text        not null constraint report_runs_period_check check (length(period) between 1 and 64),
    period_label  text        not null,
    period_starts date        not null,
    period_ends   date        not null,
    period_grain  text        not null
                  constraint report_runs_period_grain_check check (period_grain in ('month', 'quarter', 'year', 'range')),
    time_zone     text        not null constraint report_runs_time_zone_check check (length(time_zone) between 1 and 64),
    options       jsonb       not null default '{}'
                  constraint report_runs_options_check check (jsonb_typeof(options) = 'object'),
    variant       text        constraint report_runs_variant_check check (variant ~ '^[a-z0-9][a-z0-9_-]{0,31}$'),
    state         text        not null default 'queued'
                  constraint report_runs_state_check check (state in ('queued', 'running', 'done', 'failed')),
    requested_by  uuid        constraint report_runs_requested_by_fkey references scc.users (id) on delete set null,
    schedule_id   bigint      constraint report_runs_schedule_id_fkey
                              references scc.report_schedules (id) on delete set null,
    slot          timestamptz,
    job_id        bigint,
    recipients    text[]      not null default '{}',
    test          boolean     not null default false,
    data          jsonb,
    subject       text,
    html          text,
    text          text,
    csv           text,
    html_sha256   text        constraint report_runs_html_sha256_check check (html_sha256 ~ '^[0-9a-f]{64}$'),
    text_sha256   text        constraint report_runs_text_sha256_check check (text_sha256 ~ '^[0-9a-f]{64}$'),
    csv_sha256    text        constraint report_runs_csv_sha256_check check (csv_sha256 ~ '^[0-9a-f]{64}$'),
    duration_ms   int         constraint report_runs_duration_ms_check check (duration_ms >= 0),
    email_job_ids bigint[],
    error         text,
    created_at    timestamptz not null default now(),
    started_at    timestamptz,
    finished_at   timestamptz,
    constraint report_runs_period_order_check check (period_ends > period_starts),
    constraint report_runs_done_check check (state <> 'done' or (data is not null and subject is not null
        and html is not null and text is not null and csv is not null and html_sha256 is not null
        and text_sha256 is not null and csv_sha256 is not null and finished_at is not null)),
    constraint report_runs_failed_check check ((state = 'failed') = (error is not null))
);
comment on table scc.report_runs is
    'every report run: kind, period, options, the JSON, the rendered subject, HTML, text and CSV with their SHA-256, the email jobs; queued -> running -> done | failed';
comment on column scc.report_runs.recipients is 'who it is mailed to; empty: a preview, nothing mailed';
comment on column scc.report_runs.email_job_ids is 'the email jobs that sent it (scc.email_outbox.job_id)';

create index report_runs_kind_created on scc.report_runs (kind, created_at desc, id desc);
create index report_runs_created on scc.report_runs (created_at desc, id desc);
create index report_runs_schedule on scc.report_runs (schedule_id) where schedule_id is not null;

-- A done run is what was sent: nothing in it changes, except that the
-- schedule or the user it points to may be deleted (the foreign keys set
-- them null).
create function scc.report_runs_keep_done()
returns trigger
language plpgsql
as $$
declare
    n scc.report_runs;
begin
    if old.state = 'done' then
        n := new;
        if n.schedule_id is null then
            n.schedule_id := old.schedule_id;
        end if;
        if n.requested_by is null then
            n.requested_by := old.requested_by;
        end if;
        if n is distinct from old then
            raise exception 'report run % is done: its archive never changes', old.id
                using errcode = 'SC409', detail = 'immutable_record';
        end if;
    end if;
    return new;
end
$$;
comment on function scc.report_runs_keep_done() is
    'trigger: refuses any update of a done report run (SC409 immutable_record) but its schedule or requester deleted';

create trigger report_runs_keep_done
    before update on scc.report_runs
    for each row execute function scc.report_runs_keep_done();

-- ---------------------------------------------------------------------------
-- Starting a run
-- ---------------------------------------------------------------------------

-- scc.report_run_queue: the one insert of a run and its job (the start,
-- enqueue_report's run_at, a slot's unique key).  With a unique key that a
-- job already has, that job's run is returned and nothing is inserted.
create function scc.report_run_queue(p_kind text, p_period text, p_time_zone text, p_options jsonb,
                                     p_recipients text[], p_variant text, p_requested_by uuid,
                                     p_schedule_id bigint, p_slot timestamptz, p_test boolean,
                                     p_run_at timestamptz, p_unique_key text)
returns scc.report_runs
language plpgsql
as $$
declare
    sp  scc.report_span;
    r   scc.report_runs;
    old bigint;
begin
    if p_kind is null or not scc.report_kind_ok(p_kind) then
        raise exception using errcode = '22023', detail = 'bad_report_kind',
            message = format('unknown report kind %L (ceo, cto, accounting, cmo, cfo, rental, delivery, portfolio)', p_kind);
    end if;
    sp := scc.report_period(p_period, p_time_zone);
    if p_recipients is null or exists (select 1 from unnest(p_recipients) as x(a)
                                        where a is null or not scc.email_ok(a)) then
        raise exception using errcode = '22023', detail = 'bad_recipient',
            message = format('not an email address: %L',
                             (select a from unnest(p_recipients) as x(a) where a is null or not scc.email_ok(a) limit 1));
    end if;
    if cardinality(p_recipients) > 50 then
        raise exception using errcode = '22023', detail = 'too_many_recipients',
            message = 'a report goes to at most 50 addresses';
    end if;
    if p_variant is not null and p_variant !~ '^[a-z0-9][a-z0-9_-]{0,31}$' then
        raise exception using errcode = '22023', detail = 'bad_variant',
            message = 'variant: 1-32 of a-z, 0-9, _ and -';
    end if;
    if p_options is null or jsonb_typeof(p_options) <> 'object' then
        raise exception using errcode = '22023', detail = 'bad_options', message = 'options must be a JSON object';
    end if;
    if p_unique_key is not null then
        select j.id into old from scc.jobs as j where j.unique_key = p_unique_key;
        if old is not null then
            select x.* into r from scc.report_runs as x where x.job_id = old order by x.id limit 1;
            if r.id is not null then
                return r;
            end if;
        end if;
    end if;
    insert into scc.report_runs as x (kind, period, period_label, period_starts, period_ends, period_grain, time_zone,
                                      options, variant, requested_by, schedule_id, slot, recipients, test)
    values (p_kind, btrim(p_period), sp.label, sp.starts, sp.ends, sp.grain, sp.time_zone,
            p_options, p_variant, p_requested_by, p_schedule_id, p_slot,
            array(select lower(a) from unnest(p_recipients) as u(a)), coalesce(p_test, false))
    returning x.* into r;
    r.job_id := scc.enqueue_job('report', jsonb_build_object('run_id', r.id),
                                coalesce(p_run_at, now()), 0, p_unique_key, 3);
    update scc.report_runs as x set job_id = r.job_id where x.id = r.id;
    return r;
end
$$;
comment on function scc.report_run_queue(text, text, text, jsonb, text[], text, uuid, bigint, timestamptz, boolean, timestamptz, text) is
    'insert a validated report run and its report job (run_at, unique key); an existing key returns its run';

-- scc.report_run_start: one report run.
--   kind: one of the eight; period, time_zone: scc.report_period's;
--   options: a JSON object kept with the run; recipients: addresses
--   (empty: a preview, nothing mailed); variant: the template variant (A/B,
--   null: the default templates); requested_by: the user who asked, if
--   any; schedule_id and slot: the schedule slot it runs for (the job then
--   has the unique key schedule:<id>:<slot UTC>, so a slot is one run);
--   test: a "send a test to me" run.
-- Queues the run and its 'report' job {"run_id": id}; returns the run id.
-- 22023 with detail bad_report_kind, bad_period, bad_time_zone,
-- bad_recipient, too_many_recipients, bad_variant or bad_options.
create function scc.report_run_start(kind text, period text, time_zone text, options jsonb,
                                     recipients text[], variant text, requested_by uuid,
                                     schedule_id bigint, slot timestamptz, test boolean)
returns bigint
language plpgsql
volatile
security definer
set search_path = pg_catalog, scc
as $$
begin
    return (scc.report_run_queue(
        kind, period, time_zone, coalesce(options, '{}'), coalesce(recipients, '{}'), variant,
        requested_by, schedule_id, slot, test, now(),
        case when schedule_id is not null and slot is not null
             then 'schedule:' || schedule_id || ':' || to_char(slot at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
        end)).id;
end
$$;
comment on function scc.report_run_start(text, text, text, jsonb, text[], text, uuid, bigint, timestamptz, boolean) is
    'queue one report run and its report job; returns the run id; 22023 bad_report_kind, bad_period, bad_time_zone, bad_recipient, bad_variant, bad_options';
revoke all on function scc.report_run_start(text, text, text, jsonb, text[], text, uuid, bigint, timestamptz, boolean) from public;

-- scc.enqueue_report (002, same signature and answer): one run of a report
-- in UTC at run_at, through the run's start.  Returns the job id.
create or replace function scc.enqueue_report(kind text, period text, recipients text[],
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
    return (scc.report_run_queue(kind, period, 'UTC', '{}', recipients, null, null, null, null, false,
                                 coalesce(run_at, now()), null)).job_id;
end
$$;
comment on function scc.enqueue_report(text, text, text[], timestamptz) is
    'queue one report run (kind, period in UTC, recipients) at run_at through scc.report_run_queue; returns the job id';

-- scc.schedule_report (002, same signature): also checks the options'
-- period (default last_month) and variant now that runs read them.
create or replace function scc.schedule_report(kind text, cron text, time_zone text, recipients text[],
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
    perform scc.report_period(coalesce(options ->> 'period', 'last_month'), time_zone);
    if options ? 'variant' and coalesce(options ->> 'variant', '') !~ '^[a-z0-9][a-z0-9_-]{0,31}$' then
        raise exception using errcode = '22023', detail = 'bad_variant',
            message = 'variant: 1-32 of a-z, 0-9, _ and -';
    end if;
    insert into scc.report_schedules (kind, cron, time_zone, recipients, options)
    values (schedule_report.kind, btrim(schedule_report.cron), schedule_report.time_zone,
            schedule_report.recipients, schedule_report.options)
    returning id into new_id;
    return new_id;
end
$$;
comment on function scc.schedule_report(text, text, text, text[], jsonb) is
    'create a recurring report schedule; returns its id; 22023 on bad kind, cron shape, zone, recipients, period or variant';

-- scc.enqueue_schedule_slot (002, same signature and answer): a due slot
-- becomes one run (scc.report_run_start with the schedule and slot: the
-- job's unique key is schedule:<id>:<slot UTC>) and last_slot moves.  The
-- options' period (default last_month) is read when the slot is queued,
-- in the schedule's zone.  A period the options no longer allow parks the
-- schedule instead of failing every poll.  Returns the job id, or null.
create or replace function scc.enqueue_schedule_slot(schedule_id bigint, slot timestamptz)
returns bigint
language plpgsql
volatile
security definer
set search_path = pg_catalog, scc
as $$
declare
    s      scc.report_schedules%rowtype;
    run_id bigint;
begin
    select * into s from scc.report_schedules as r where r.id = schedule_id for update;
    if not found or not s.enabled or slot <= coalesce(s.last_slot, s.created_at) then
        return null;
    end if;
    begin
        run_id := scc.report_run_start(s.kind, coalesce(s.options ->> 'period', 'last_month'), s.time_zone,
                                       s.options, s.recipients, s.options ->> 'variant', null, s.id, slot, false);
    exception when sqlstate '22023' then
        update scc.report_schedules as r
           set enabled = false, last_error = left('options: ' || sqlerrm, 2000)
         where r.id = schedule_id;
        return null;
    end;
    update scc.report_schedules as r set last_slot = slot where r.id = schedule_id;
    return (select x.job_id from scc.report_runs as x where x.id = run_id);
end
$$;
comment on function scc.enqueue_schedule_slot(bigint, timestamptz) is
    'queue a schedule slot''s report run once (job unique key schedule:<id>:<slot>); null when not new';

-- ---------------------------------------------------------------------------
-- The report functions (scc_report): one shape for all eight
-- ---------------------------------------------------------------------------

-- scc.report_figure: one figure of a section.
create function scc.report_figure(id text, label text, value numeric, unit text, formula text, source text)
returns jsonb
language sql
immutable
as $$
    select jsonb_build_object('id', id, 'label', label, 'value', value, 'unit', unit,
                              'formula', formula, 'source', source)
$$;
comment on function scc.report_figure(text, text, numeric, text, text, text) is
    'a report figure {id, label, value, unit, formula, source}; value null reads n/a';

-- scc.report_ratio: a ÷ b, null when b is zero or null (read "n/a").
create function scc.report_ratio(a numeric, b numeric)
returns numeric
language sql
immutable
as $$
    select case when b is null or b = 0 then null else round(a / b, 4) end
$$;
comment on function scc.report_ratio(numeric, numeric) is 'a / b rounded to 4 places; null when b is 0 or null';

-- scc.report_pending: a section that awaits data not recorded yet.
create function scc.report_pending(id text, title text, awaits text)
returns jsonb
language sql
immutable
as $$
    select jsonb_build_object('id', id, 'title', title, 'pending', awaits, 'figures', '[]'::jsonb)
$$;
comment on function scc.report_pending(text, text, text) is
    'a section {id, title, pending: what data it awaits, figures: []}: no figure is made up';

-- scc.report_period_json: the period part of a report.
create function scc.report_period_json(p scc.report_span)
returns jsonb
language sql
immutable
as $$
    select jsonb_build_object('label', p.label, 'starts', p.starts, 'ends', p.ends,
                              'time_zone', p.time_zone, 'grain', p.grain)
$$;
comment on function scc.report_period_json(scc.report_span) is
    'the period of a report: {label, starts, ends (exclusive), time_zone, grain}';

-- scc.report_json: the outer shape every report has.  empty: nothing
-- happened in the period that the report computes (a schedule with
-- options.skip_when_empty sends nothing then).
create function scc.report_json(kind text, title text, p scc.report_span, amounts text,
                                sections jsonb, csv jsonb, empty boolean)
returns jsonb
language sql
stable
as $$
    select jsonb_build_object('kind', kind, 'title', title, 'period', scc.report_period_json(p),
                              'amounts', amounts, 'generated_at', scc.iso(now()), 'empty', empty,
                              'sections', sections, 'csv', csv)
$$;
comment on function scc.report_json(text, text, scc.report_span, text, jsonb, jsonb, boolean) is
    'a report: {kind, title, period, amounts, generated_at, empty, sections, csv}';

-- scc.report_pending_csv: the CSV of a report that has only pending
-- sections to show: which sections await what.
create function scc.report_pending_csv(sections jsonb)
returns jsonb
language sql
immutable
as $$
    select jsonb_build_object(
        'columns', jsonb_build_array('section', 'status', 'awaits'),
        'rows', coalesce((select jsonb_agg(jsonb_build_array(s ->> 'title',
                                                             case when s ? 'pending' then 'pending' else 'computed' end,
                                                             coalesce(s ->> 'pending', ''))
                                           order by n)
                            from jsonb_array_elements(sections) with ordinality as x (s, n)), '[]'))
$$;
comment on function scc.report_pending_csv(jsonb) is
    'CSV {columns: section, status, awaits; rows} listing a report''s sections and what each awaits';

-- scc.report_charter_events(p): the events departing in [starts, ends) in
-- p's zone, one row each, with what the charter figures count: filled
-- places (claimed, designated, confirmed) by role and the waiver
-- completion recorded at departure.
create function scc.report_charter_events(p scc.report_span)
returns table (id uuid, boat_id uuid, boat text, title text, state text, dep_day date, ret_day date,
               crew_filled int, crew_max int, captain_filled int, guests_filled int, cancel_reason text,
               w_manifested int, w_valid int)
language sql
stable
as $$
    select e.id, e.boat_id, b.name, e.title, e.state,
           (e.departure_at at time zone p.time_zone)::date,
           (coalesce(e.actual_return_at, e.return_at) at time zone p.time_zone)::date,
           count(r.id) filter (where r.role = 'crew')::int, e.crew_max,
           count(r.id) filter (where r.role = 'captain')::int,
           count(r.id) filter (where r.role = 'guest')::int,
           e.cancel_reason, w.manifested, w.valid
      from scc.events as e
      join scc.boats as b on b.id = e.boat_id
      left join scc.event_roles as r
             on r.event_id = e.id and r.state in ('claimed', 'designated', 'confirmed')
      left join scc.waiver_completion as w on w.event_id = e.id and w.moment = 'departure'
     where e.departure_at >= (scc.report_instants(p)).from_at
       and e.departure_at < (scc.report_instants(p)).until_at
     group by e.id, b.name, w.manifested, w.valid
$$;
comment on function scc.report_charter_events(scc.report_span) is
    'the events departing in a period with their filled places by role and waiver completion at departure';

-- scc_report.charter_figures(p): the charter sections, computed from the
-- events departing in [starts, ends) in p's zone (sql/README.md, "Report
-- formulas"):
--   'charter': events, sailed (underway, returned, closed), cancelled,
--     cancellation rate (cancelled / events not draft), available boat-days
--     (active boats x days), sailed boat-days (distinct boat and local day
--     from departure to return, inside the period), utilisation (sailed /
--     available boat-days), crew fill rate (crew places filled, at most
--     crew_max, / crew_max, over events scheduled..closed), captain seats
--     unfilled (events scheduled..closed without a filled captain), guests
--     carried (filled guest places of sailed events), waiver completion
--     (valid / manifested at departure, scc.waiver_completion); the events
--     by state as a table and a bar chart;
--   'charter_cancellations': the causes (cancel_reason) with their count;
--   'charter_trend': events sailed per day (a month or a range up to 62
--     days) or per month, as a trend chart.
-- Also 'csv': one row per event (the reports' main table).
create function scc_report.charter_figures(p scc.report_span)
returns jsonb
language plpgsql
stable
security definer
set search_path = pg_catalog, scc
as $$
declare
    days     int := p.ends - p.starts;
    n_boats  int;
    n_events int;
    n_live   int;
    n_sailed int;
    n_cancel int;
    bd_sail  int;
    crew_f   int;
    crew_m   int;
    capt_un  int;
    guests   int;
    v_valid  int;
    v_man    int;
    by_state jsonb;
    causes   jsonb;
    trend    jsonb;
    rows_csv jsonb;
    by_day   boolean := p.grain = 'month' or (p.grain = 'range' and p.ends - p.starts <= 62);
begin
    select count(*)::int into n_boats from scc.boats as b where b.active;

    select count(*)::int,
           count(*) filter (where state <> 'draft')::int,
           count(*) filter (where state in ('underway', 'returned', 'closed'))::int,
           count(*) filter (where state = 'cancelled')::int,
           coalesce(sum(least(crew_filled, crew_max)) filter (where state in ('scheduled', 'boarding', 'underway', 'returned', 'closed')), 0)::int,
           coalesce(sum(crew_max) filter (where state in ('scheduled', 'boarding', 'underway', 'returned', 'closed')), 0)::int,
           count(*) filter (where state in ('scheduled', 'boarding', 'underway', 'returned', 'closed') and captain_filled = 0)::int,
           coalesce(sum(guests_filled) filter (where state in ('underway', 'returned', 'closed')), 0)::int,
           coalesce(sum(w_valid), 0)::int, coalesce(sum(w_manifested), 0)::int
      into n_events, n_live, n_sailed, n_cancel, crew_f, crew_m, capt_un, guests, v_valid, v_man
      from scc.report_charter_events(p);

    select count(distinct (x.boat_id, d.day))::int into bd_sail
      from scc.report_charter_events(p) as x
      cross join lateral generate_series(greatest(x.dep_day, p.starts), least(x.ret_day, p.ends - 1),
                                         interval '1 day') as d (day)
     where x.state in ('underway', 'returned', 'closed');

    select jsonb_agg(jsonb_build_array(s.state, coalesce(c.n, 0)) order by s.n)
      into by_state
      from unnest(array['draft', 'scheduled', 'boarding', 'underway', 'returned', 'closed', 'cancelled'])
           with ordinality as s (state, n)
      left join (select state, count(*)::int as n from scc.report_charter_events(p) group by state) as c on c.state = s.state;

    select coalesce(jsonb_agg(jsonb_build_array(cancel_reason, n) order by n desc, cancel_reason), '[]')
      into causes
      from (select cancel_reason, count(*)::int as n from scc.report_charter_events(p)
             where state = 'cancelled' group by cancel_reason) as c;

    select jsonb_agg(jsonb_build_object('label', to_char(b.b, case when by_day then 'YYYY-MM-DD' else 'YYYY-MM' end),
                                        'value', (select count(*) from scc.report_charter_events(p) as x
                                                   where x.state in ('underway', 'returned', 'closed')
                                                     and x.dep_day >= b.b::date
                                                     and x.dep_day < (b.b + case when by_day then interval '1 day'
                                                                                 else interval '1 month' end)::date))
                     order by b.b)
      into trend
      from generate_series(case when by_day then p.starts::timestamp else date_trunc('month', p.starts::timestamp) end,
                           (p.ends - 1)::timestamp,
                           case when by_day then interval '1 day' else interval '1 month' end) as b (b);

    select coalesce(jsonb_agg(jsonb_build_array(to_char(x.dep_day, 'YYYY-MM-DD'), x.boat, x.title, x.state,
                                                x.captain_filled, x.crew_filled, x.crew_max, x.guests_filled,
                                                x.w_valid, x.w_manifested, x.cancel_reason)
                              order by x.dep_day, x.boat, x.title, x.id), '[]')
      into rows_csv
      from scc.report_charter_events(p) as x;

    return jsonb_build_object(
        'empty', n_events = 0,
        'sections', jsonb_build_array(
            jsonb_build_object(
                'id', 'charter', 'title', 'Charter operations',
                'figures', jsonb_build_array(
                    scc.report_figure('events', 'Events', n_events, 'count',
                        'events departing in the period, every state', 'scc.events'),
                    scc.report_figure('events_sailed', 'Events sailed', n_sailed, 'count',
                        'events departing in the period now underway, returned or closed', 'scc.events'),
                    scc.report_figure('events_cancelled', 'Cancellations', n_cancel, 'count',
                        'events departing in the period that were cancelled', 'scc.events'),
                    scc.report_figure('cancellation_rate', 'Cancellation rate',
                        scc.report_ratio(n_cancel, n_live), 'ratio',
                        'cancelled / events not draft', 'scc.events'),
                    scc.report_figure('available_boat_days', 'Available boat-days', n_boats * days, 'days',
                        'active boats x days in the period (availability blocks not recorded yet)', 'scc.boats'),
                    scc.report_figure('sailed_boat_days', 'Sailed boat-days', bd_sail, 'days',
                        'distinct boat and local day from departure to return, of events sailed, inside the period',
                        'scc.events'),
                    scc.report_figure('utilisation', 'Utilisation',
                        scc.report_ratio(bd_sail, n_boats * days), 'ratio',
                        'sailed boat-days / available boat-days', 'scc.events, scc.boats'),
                    scc.report_figure('crew_fill_rate', 'Crew fill rate', scc.report_ratio(crew_f, crew_m), 'ratio',
                        'filled crew places (at most crew_max) / crew_max, events scheduled to closed',
                        'scc.event_roles'),
                    scc.report_figure('captain_seats_unfilled', 'Captain seats unfilled', capt_un, 'count',
                        'events scheduled to closed without a claimed, designated or confirmed captain',
                        'scc.event_roles'),
                    scc.report_figure('guests_carried', 'Guests carried', guests, 'count',
                        'filled guest places of events sailed', 'scc.event_roles'),
                    scc.report_figure('waiver_completion', 'Waiver completion', scc.report_ratio(v_valid, v_man), 'ratio',
                        'valid / manifested guests at departure, summed over the events', 'scc.waiver_completion')),
                'table', jsonb_build_object(
                    'columns', jsonb_build_array(jsonb_build_object('id', 'state', 'label', 'State', 'unit', 'text'),
                                                 jsonb_build_object('id', 'events', 'label', 'Events', 'unit', 'count')),
                    'rows', by_state),
                'chart', jsonb_build_object(
                    'type', 'bar', 'title', 'Events by state', 'unit', 'count',
                    'bars', (select jsonb_agg(jsonb_build_object('label', r ->> 0, 'value', (r ->> 1)::int))
                               from jsonb_array_elements(by_state) as r))),
            jsonb_build_object(
                'id', 'charter_cancellations', 'title', 'Cancellations and causes',
                'figures', jsonb_build_array(
                    scc.report_figure('cancellation_causes', 'Causes', jsonb_array_length(causes), 'count',
                        'distinct cancel_reason of the cancelled events', 'scc.events')),
                'table', jsonb_build_object(
                    'columns', jsonb_build_array(jsonb_build_object('id', 'cause', 'label', 'Cause', 'unit', 'text'),
                                                 jsonb_build_object('id', 'events', 'label', 'Events', 'unit', 'count')),
                    'rows', causes)),
            jsonb_build_object(
                'id', 'charter_trend', 'title', case when by_day then 'Events sailed per day' else 'Events sailed per month' end,
                'figures', '[]'::jsonb,
                'chart', jsonb_build_object('type', 'trend', 'unit', 'count', 'points', coalesce(trend, '[]')))),
        'csv', jsonb_build_object(
            'columns', jsonb_build_array('departure_date', 'boat', 'event', 'state', 'captains', 'crew', 'crew_max',
                                         'guests', 'waivers_valid', 'waivers_manifested', 'cancel_reason'),
            'rows', rows_csv));
end
$$;
comment on function scc_report.charter_figures(scc.report_span) is
    'the charter sections of a period (figures, events by state, causes, trend) and its per-event CSV';
revoke all on function scc_report.charter_figures(scc.report_span) from public;

-- scc_report.operations_risks(): the CEO's top risks from operations over
-- the next 7 days from now: events scheduled or boarding without a filled
-- captain, and guests on waiver hold (scc.guest_hold), per event.
create function scc_report.operations_risks()
returns jsonb
language sql
stable
security definer
set search_path = pg_catalog, scc
as $$
    with ev as (
        select e, b.name as boat
          from scc.events as e join scc.boats as b on b.id = e.boat_id
         where e.state in ('scheduled', 'boarding')
           and e.departure_at >= now() and e.departure_at < now() + interval '7 days'
    ), risk as (
        select (ev.e).departure_at as at, (ev.e).time_zone as tz, ev.boat, (ev.e).title as title,
               scc.roster_filled((ev.e).id, 'captain') = 0 as no_captain,
               (select count(*)::int from scc.event_roles as r
                 where r.event_id = (ev.e).id and scc.guest_hold(ev.e, r) is not null) as held
          from ev
    )
    select jsonb_build_object(
        'id', 'operations_risks', 'title', 'Top risks from operations (next 7 days)',
        'figures', jsonb_build_array(
            scc.report_figure('captain_seats_unfilled_7d', 'Captain seats unfilled',
                (select count(*) from risk where no_captain), 'count',
                'events scheduled or boarding departing in the next 7 days without a filled captain', 'scc.event_roles'),
            scc.report_figure('guests_on_hold_7d', 'Guests on waiver hold',
                coalesce((select sum(held) from risk), 0), 'count',
                'guest places on waiver hold (scc.guest_hold) of those events', 'scc.guest_hold')),
        'table', jsonb_build_object(
            'columns', jsonb_build_array(jsonb_build_object('id', 'departure', 'label', 'Departure', 'unit', 'text'),
                                         jsonb_build_object('id', 'boat', 'label', 'Boat', 'unit', 'text'),
                                         jsonb_build_object('id', 'event', 'label', 'Event', 'unit', 'text'),
                                         jsonb_build_object('id', 'captain', 'label', 'Captain', 'unit', 'text'),
                                         jsonb_build_object('id', 'guests_on_hold', 'label', 'Guests on hold', 'unit', 'count')),
            'rows', coalesce((select jsonb_agg(jsonb_build_array(
                                          to_char(at at time zone tz, 'YYYY-MM-DD HH24:MI'), boat, title,
                                          case when no_captain then 'unfilled' else 'filled' end, held)
                                      order by at, boat, title)
                                from risk where no_captain or held > 0), '[]')))
$$;
comment on function scc_report.operations_risks() is
    'the CEO''s operational risks of the next 7 days: unfilled captain seats and guests on waiver hold';
revoke all on function scc_report.operations_risks() from public;

-- scc.report_with_charter: a report whose computed part is the charter's
-- (CEO, CFO, CMO): the sections `before`, the charter sections, the
-- sections `after`; the charter's per-event CSV; empty when no event
-- departed.
create function scc.report_with_charter(kind text, title text, p scc.report_span, amounts text,
                                        before jsonb, after jsonb)
returns jsonb
language plpgsql
stable
as $$
declare
    c jsonb := scc_report.charter_figures(p);
begin
    return scc.report_json(kind, title, p, amounts, before || (c -> 'sections') || after,
                           c -> 'csv', (c ->> 'empty')::boolean);
end
$$;
comment on function scc.report_with_charter(text, text, scc.report_span, text, jsonb, jsonb) is
    'a report of sections before, the charter sections and sections after, with the charter''s CSV';

-- scc.report_pending_only: a report nothing of which can be computed yet:
-- its pending sections, the CSV listing them, empty.
create function scc.report_pending_only(kind text, title text, p scc.report_span, sections jsonb)
returns jsonb
language sql
stable
as $$
    select scc.report_json(kind, title, p, 'gross', sections, scc.report_pending_csv(sections), true)
$$;
comment on function scc.report_pending_only(text, text, scc.report_span, jsonb) is
    'a report of pending sections only: the CSV lists them, empty';

-- The eight reports.  Each: scc_report.<kind>(p) -> the report's JSON
-- (sql/README.md, "Reports").  Sections that await data not recorded yet
-- say so ("pending"); none has a made-up figure.

create function scc_report.ceo(p scc.report_span)
returns jsonb
language sql
stable
security definer
set search_path = pg_catalog, scc
as $$
    select scc.report_with_charter('ceo', 'CEO report', p, 'mixed',
        jsonb_build_array(
            scc.report_pending('assets', 'Asset inventory', 'assets'),
            scc.report_pending('revenue', 'Revenue vs prior period and plan, per entity', 'ledger'),
            scc.report_pending('revenue_gaps', 'Revenue-tracking gaps', 'ledger'),
            scc.report_pending('concentration', 'Equity and concentration risk', 'ledger'),
            scc.report_pending('cash', 'Cash and runway', 'ledger')),
        jsonb_build_array(scc_report.operations_risks(),
                          scc.report_pending('agenda', '30-day action agenda', 'actions')))
$$;
comment on function scc_report.ceo(scc.report_span) is 'the CEO report: charter and operational risks now; ledger, assets and actions pending';

create function scc_report.cto(p scc.report_span)
returns jsonb
language plpgsql
stable
security definer
set search_path = pg_catalog, scc
as $$
declare
    f timestamptz;
    u timestamptz;
    s jsonb;
    sent int;
    failed int;
    unknown int;
begin
    select i.from_at, i.until_at into f, u from scc.report_instants(p) as i;
    select count(*) filter (where o.status = 'sent')::int, count(*) filter (where o.status = 'failed')::int,
           count(*) filter (where o.status = 'unknown')::int
      into sent, failed, unknown
      from scc.email_outbox as o where o.created_at >= f and o.created_at < u;
    s := jsonb_build_array(
        scc.report_pending('findings', 'Security findings by stack and severity', 'technology'),
        scc.report_pending('costs', 'Cost per service and unit cost', 'technology'),
        jsonb_build_object('id', 'email', 'title', 'Email delivery',
            'figures', jsonb_build_array(
                scc.report_figure('emails_sent', 'Emails sent', sent, 'count',
                    'outbox rows created in the period and sent', 'scc.email_outbox'),
                scc.report_figure('emails_failed', 'Emails failed', failed, 'count',
                    'outbox rows created in the period that failed', 'scc.email_outbox'),
                scc.report_figure('emails_unknown', 'Emails of unknown fate', unknown, 'count',
                    'outbox rows created in the period left unknown (a crash or timeout mid-send)', 'scc.email_outbox'),
                scc.report_figure('email_failure_rate', 'Email failure rate',
                    scc.report_ratio(failed + unknown, sent + failed + unknown), 'ratio',
                    '(failed + unknown) / (sent + failed + unknown)', 'scc.email_outbox'))),
        scc.report_pending('ux', 'UX shortfalls', 'technology'),
        scc.report_pending('cicd', 'CI/CD gaps', 'technology'),
        scc.report_pending('actions', 'Ten prioritised engineering actions', 'technology'));
    return scc.report_json('cto', 'CTO report', p, 'gross', s, scc.report_pending_csv(s),
                           sent + failed + unknown = 0);
end
$$;
comment on function scc_report.cto(scc.report_span) is 'the CTO report: email delivery now; technology data pending';

create function scc_report.accounting(p scc.report_span)
returns jsonb
language sql
stable
security definer
set search_path = pg_catalog, scc
as $$
    select scc.report_pending_only('accounting', 'Accounting report', p, jsonb_build_array(
        scc.report_pending('recognition', 'Revenue recognition', 'ledger'),
        scc.report_pending('accounts', 'Chart of accounts with balances', 'ledger'),
        scc.report_pending('expenses', 'Expense audit', 'ledger'),
        scc.report_pending('aging', 'AR and AP aging', 'ledger'),
        scc.report_pending('payouts', 'OTA payouts expected vs received', 'bookings'),
        scc.report_pending('profitability', 'Path to profitability', 'ledger')))
$$;
comment on function scc_report.accounting(scc.report_span) is 'the accounting officer''s report: ledger data pending';

create function scc_report.cmo(p scc.report_span)
returns jsonb
language sql
stable
security definer
set search_path = pg_catalog, scc
as $$
    select scc.report_with_charter('cmo', 'CMO report', p, 'gross',
        jsonb_build_array(
            scc.report_pending('visibility', 'Channel visibility matrix', 'marketing'),
            scc.report_pending('channel_mix', 'Channel mix and effective commission', 'bookings'),
            scc.report_pending('cac', 'CAC by channel', 'marketing'),
            scc.report_pending('funnel', 'Funnel conversion', 'marketing'),
            scc.report_pending('roas', 'ROAS and MER', 'marketing'),
            scc.report_pending('sequence', 'Channel sequence: Sailo, GetMyBoat, Viator/GetYourGuide', 'marketing'),
            scc.report_pending('seo', 'Local SEO tasks', 'marketing')),
        '[]')
$$;
comment on function scc_report.cmo(scc.report_span) is 'the CMO report: charter now; bookings and marketing data pending';

create function scc_report.cfo(p scc.report_span)
returns jsonb
language sql
stable
security definer
set search_path = pg_catalog, scc
as $$
    select scc.report_with_charter('cfo', 'CFO report', p, 'net',
        jsonb_build_array(
            scc.report_pending('burn', 'Gross and net burn (three-month average)', 'ledger'),
            scc.report_pending('runway', 'Runway', 'ledger'),
            scc.report_pending('capital', 'Capital deployment', 'ledger'),
            scc.report_pending('break_even', 'Break-even revenue and charters per month', 'ledger'),
            scc.report_pending('targets', 'Monthly targets vs actual', 'plans')),
        '[]')
$$;
comment on function scc_report.cfo(scc.report_span) is 'the CFO report: charter now; ledger and plans pending';

create function scc_report.rental(p scc.report_span)
returns jsonb
language sql
stable
security definer
set search_path = pg_catalog, scc
as $$
    select scc.report_pending_only('rental', 'Rental operations report: 3028 51st St', p, jsonb_build_array(
        scc.report_pending('occupancy', 'Occupancy, ADR, RevPAR and stays', 'rental'),
        scc.report_pending('maintenance', 'Maintenance backlog and time to resolve', 'rental')))
$$;
comment on function scc_report.rental(scc.report_span) is 'the rental operations report: rental data pending';

create function scc_report.delivery(p scc.report_span)
returns jsonb
language sql
stable
security definer
set search_path = pg_catalog, scc
as $$
    select scc.report_pending_only('delivery', 'Expert Yacht Delivery report', p, jsonb_build_array(
        scc.report_pending('pipeline', 'Pipeline by stage', 'delivery'),
        scc.report_pending('passages', 'Nautical miles, days at sea and speed made good', 'delivery'),
        scc.report_pending('economics', 'Revenue per mile and per day, margin', 'delivery'),
        scc.report_pending('satisfaction', 'Vessel utilisation and satisfaction', 'delivery')))
$$;
comment on function scc_report.delivery(scc.report_span) is 'the yacht delivery report: delivery data pending';

create function scc_report.portfolio(p scc.report_span)
returns jsonb
language sql
stable
security definer
set search_path = pg_catalog, scc
as $$
    select scc.report_pending_only('portfolio', 'DangerousCentaur portfolio audit', p, jsonb_build_array(
        scc.report_pending('unbilled', 'Unbilled work', 'consulting'),
        scc.report_pending('contracts', 'Contracts by status and upcoming renewals', 'consulting'),
        scc.report_pending('aging', 'AR aging', 'consulting'),
        scc.report_pending('collection', 'DSO, collection rate and payment velocity', 'consulting'),
        scc.report_pending('flags', 'Audit flags', 'consulting')))
$$;
comment on function scc_report.portfolio(scc.report_span) is 'the DangerousCentaur portfolio audit: consulting data pending';

-- scc_report.run(kind, p): the report of a kind, a static dispatch (no
-- dynamic SQL).  22023 bad_report_kind for anything else.
create function scc_report.run(kind text, p scc.report_span)
returns jsonb
language plpgsql
stable
security definer
set search_path = pg_catalog, scc
as $$
begin
    case kind
        when 'ceo' then return scc_report.ceo(p);
        when 'cto' then return scc_report.cto(p);
        when 'accounting' then return scc_report.accounting(p);
        when 'cmo' then return scc_report.cmo(p);
        when 'cfo' then return scc_report.cfo(p);
        when 'rental' then return scc_report.rental(p);
        when 'delivery' then return scc_report.delivery(p);
        when 'portfolio' then return scc_report.portfolio(p);
        else
            raise exception using errcode = '22023', detail = 'bad_report_kind',
                message = format('unknown report kind %L', kind);
    end case;
end
$$;
comment on function scc_report.run(text, scc.report_span) is
    'the JSON of report kind for period p (one of the eight scc_report functions)';

revoke all on function scc_report.ceo(scc.report_span), scc_report.cto(scc.report_span),
    scc_report.accounting(scc.report_span), scc_report.cmo(scc.report_span), scc_report.cfo(scc.report_span),
    scc_report.rental(scc.report_span), scc_report.delivery(scc.report_span),
    scc_report.portfolio(scc.report_span), scc_report.run(text, scc.report_span) from public;
grant execute on function scc_report.run(text, scc.report_span) to scc_worker;

-- ---------------------------------------------------------------------------
-- The worker's side of a run
-- ---------------------------------------------------------------------------

-- scc.report_run_begin(run_id): the worker starts run `run_id` (its job's
-- payload): unless it is done, it becomes 'running' (started_at now, the
-- error of an earlier attempt cleared) with its JSON computed and stored
-- (scc_report.run).  Returns the run as the worker needs it; state 'done'
-- when an earlier attempt finished it (nothing to do).  No row: no such run.
create function scc.report_run_begin(run_id bigint)
returns table (state text, kind text, period_label text, period_starts date, period_ends date,
               time_zone text, variant text, recipients text[], test boolean, data jsonb)
language plpgsql
volatile
security definer
set search_path = pg_catalog, scc
as $$
declare
    r scc.report_runs;
begin
    select x.* into r from scc.report_runs as x where x.id = run_id for update;
    if r.id is null then
        return;
    end if;
    if r.state <> 'done' then
        update scc.report_runs as x
           set state = 'running', started_at = clock_timestamp(), error = null,
               data = scc_report.run(r.kind, row(r.period_label, r.period_starts, r.period_ends, r.time_zone,
                                                 r.period_grain)::scc.report_span)
         where x.id = run_id
        returning x.* into r;
    end if;
    return query select r.state, r.kind, r.period_label, r.period_starts, r.period_ends, r.time_zone,
                        r.variant, r.recipients, r.test, r.data;
end
$$;
comment on function scc.report_run_begin(bigint) is
    'the worker starts a report run: running, its JSON computed and stored; returns it (state done: nothing to do)';
grant execute on function scc.report_run_begin(bigint) to scc_worker;

-- scc.report_run_done(run_id, subject, html, text, csv): the rendered run.
-- Stores them with their SHA-256 (hex, of the UTF-8 text), the duration
-- since started_at and, when the run has recipients (and is not empty
-- with options.skip_when_empty, a schedule's "skip when empty"), queues one
-- email job
-- {"template": "report_<kind>", "to": recipients, "report_run_id": id}
-- (unique key report-run:<id>, so a rerun queues none) whose ids it
-- records; state done.  Returns the email job ids ({} for a preview).  A
-- run already done returns its email job ids and changes nothing; a run
-- not running raises 55000.
create function scc.report_run_done(run_id bigint, subject text, html text, text text, csv text)
returns bigint[]
language plpgsql
volatile
security definer
set search_path = pg_catalog, scc
as $$
declare
    r    scc.report_runs;
    jobs bigint[] := '{}';
begin
    select x.* into r from scc.report_runs as x where x.id = run_id for update;
    if r.id is null or r.state not in ('running', 'done') then
        raise exception using errcode = '55000', detail = 'report_run_not_running',
            message = format('report run %s is not running', run_id);
    end if;
    if r.state = 'done' then
        return r.email_job_ids;
    end if;
    if cardinality(r.recipients) > 0
       and not (coalesce(r.options -> 'skip_when_empty' = 'true'::jsonb, false)
                and coalesce((r.data ->> 'empty')::boolean, false)) then
        jobs := array[scc.enqueue_job('email',
                          jsonb_build_object('template', 'report_' || r.kind, 'to', to_jsonb(r.recipients),
                                             'report_run_id', r.id),
                          now(), 0, 'report-run:' || r.id, 5)];
    end if;
    update scc.report_runs as x
       set state = 'done', subject = report_run_done.subject, html = report_run_done.html,
           text = report_run_done.text, csv = report_run_done.csv,
           html_sha256 = encode(sha256(convert_to(report_run_done.html, 'UTF8')), 'hex'),
           text_sha256 = encode(sha256(convert_to(report_run_done.text, 'UTF8')), 'hex'),
           csv_sha256 = encode(sha256(convert_to(report_run_done.csv, 'UTF8')), 'hex'),
           finished_at = clock_timestamp(),
           duration_ms = greatest(0, (extract(epoch from clock_timestamp() - x.started_at) * 1000)::int),
           email_job_ids = jobs
     where x.id = run_id;
    return jobs;
end
$$;
comment on function scc.report_run_done(bigint, text, text, text, text) is
    'archive a run''s rendering (subject, HTML, text, CSV, SHA-256, duration), queue its email when it has recipients; done';
grant execute on function scc.report_run_done(bigint, text, text, text, text) to scc_worker;

-- scc.report_run_fail(run_id, error): the run failed (this attempt): state
-- failed with the error.  A done run is left alone.
create function scc.report_run_fail(run_id bigint, error text)
returns void
language sql
volatile
security definer
set search_path = pg_catalog, scc
as $$
    update scc.report_runs as x
       set state = 'failed', error = left(coalesce(report_run_fail.error, 'failed'), 2000),
           finished_at = clock_timestamp()
     where x.id = report_run_fail.run_id and x.state <> 'done'
$$;
comment on function scc.report_run_fail(bigint, text) is 'mark a report run failed with the error (a done run is left alone)';
grant execute on function scc.report_run_fail(bigint, text) to scc_worker;

-- scc.report_run_mail(run_id): what the email job of a run sends: the
-- archived subject, text, HTML and CSV, the attachment's file name
-- (<kind>-<period>.csv) and the template name for the outbox
-- (report_<kind>).  No row unless the run is done.
create function scc.report_run_mail(run_id bigint)
returns table (subject text, text text, html text, csv text, filename text, template text)
language sql
stable
security definer
set search_path = pg_catalog, scc
as $$
    select x.subject, x.text, x.html, x.csv,
           x.kind || '-' || regexp_replace(lower(x.period), '[^a-z0-9-]+', '_', 'g') || '.csv',
           'report_' || x.kind
      from scc.report_runs as x
     where x.id = report_run_mail.run_id and x.state = 'done'
$$;
comment on function scc.report_run_mail(bigint) is
    'the archived subject, text, HTML and CSV of a done run, the CSV file name and the outbox template name';
grant execute on function scc.report_run_mail(bigint) to scc_worker;

-- ---------------------------------------------------------------------------
-- Failover: which transport delivered (worker/mail.h, `transport = ses, smtp`)
-- ---------------------------------------------------------------------------

alter table scc.email_outbox
    add column delivered_by text
        constraint email_outbox_delivered_by_check check (delivered_by in ('ses', 'smtp', 'outbox'));
comment on column scc.email_outbox.delivered_by is
    'the transport that delivered a sent row (with a failover list, not always the first: transport)';

-- scc.email_finish(..., p_transport): 003's email_finish, and on a sent
-- row the transport that delivered it.
create function scc.email_finish(p_id bigint, p_status text, p_message_id text, p_error text,
                                 p_scrub_job bigint, p_transport text)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, scc
as $$
begin
    if p_status = 'sent' then
        update scc.email_outbox as o set delivered_by = p_transport
         where o.id = p_id and o.status in ('sending', 'unknown', 'queued');
    end if;
    perform scc.email_finish(p_id, p_status, p_message_id, p_error, p_scrub_job);
end
$$;
comment on function scc.email_finish(bigint, text, text, text, bigint, text) is
    'scc.email_finish, recording on a sent row the transport that delivered it (delivered_by)';
revoke all on function scc.email_finish(bigint, text, text, text, bigint, text) from public;
grant execute on function scc.email_finish(bigint, text, text, text, bigint, text) to scc_worker;
