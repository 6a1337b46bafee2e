-- 036_report_routes.sql — the reports' routes (issue 11, helper J2): the
-- eight reports with their last run, a run on demand (a preview, a test to
-- the caller, a send now), the archive of runs and what each run rendered
-- and mailed, and report schedules edited from the web app.  The runs, the
-- periods and the rendering are 033's (helper J1): scc.report_runs,
-- scc.report_period, scc.report_run_start, scc_report.run.
--
-- Decisions:
--   * Admins only, every route; the module's least role is admin and each
--     function checks it again with scc.require_role.
--   * A run is started by scc.report_run_start and nothing else: the route
--     checks the body first so every refusal names its field (unknown_kind,
--     invalid_period, invalid_time_zone, invalid_recipient, ...), then
--     calls it.  send_to "me" mails the caller's stored address and marks
--     the run a test; no send_to is a preview (nothing mailed).
--   * Schedules keep period, variant and skip_when_empty as columns (named
--     checks), and 002's options object carries the same three keys: a
--     trigger writes the columns into options on every write, and takes
--     them from options when a write changes only options (so
--     scc.schedule_report(kind, cron, zone, recipients, '{"period": ...}')
--     and a hand-made `update ... set options` keep working, and whatever
--     reads options when a slot runs sees the columns).  skip_when_empty
--     travels with the slot's run in run.options, where 033's
--     scc.report_run_done reads it (an empty report is archived, not
--     mailed).
--   * A cron expression is checked here by the rules of worker/cron.c
--     (scc.cron_parse: the same fields, names, steps, Vixie day rule and
--     impossible days), so an admin gets 400 invalid_cron naming the field
--     instead of a parked schedule; the worker stays the judge of what
--     runs.  The next three slots are shown with each schedule
--     (scc.cron_next_slots, a hint: a time in a spring-forward gap is shown
--     at the hour after it, as the worker runs it).
--   * Changing a schedule's cron or zone, or enabling it again, moves
--     last_slot to now: the worker catches up the last missed slot of a
--     schedule, and a schedule edited at 10:00 to run at 09:00 must not run
--     at once for a slot it never had.
--   * The rendered HTML is served under its own Content-Security-Policy
--     (no script at all, sandboxed; conf/nginx.*.conf*): the page shows it
--     in an <iframe sandbox>.

-- ---------------------------------------------------------------------------
-- Schedules: the columns the web app edits
-- ---------------------------------------------------------------------------

alter table scc.report_schedules
    add column period text not null default 'last_month',
    add column variant text,
    add column skip_when_empty boolean not null default false,
    add column created_by uuid,
    add column updated_at timestamptz not null default now(),
    add constraint report_schedules_period_check
        check (length(period) between 1 and 40 and period !~ '[[:cntrl:]]'),
    add constraint report_schedules_variant_check
        check (variant ~ '^[a-z0-9][a-z0-9_-]{0,31}$'),
    add constraint report_schedules_created_by_fkey
        foreign key (created_by) references scc.users (id) on delete set null;
comment on column scc.report_schedules.period is
    'the period each slot reports on, as scc.report_period reads it (default last_month); mirrored in options.period';
comment on column scc.report_schedules.variant is
    'the template variant each run of this schedule renders (A/B trials), recorded with the run; mirrored in options.variant';
comment on column scc.report_schedules.skip_when_empty is
    'true: a slot whose report has nothing to show is archived but not mailed (the worker decides, from run.options.skip_when_empty)';

-- Schedules made before this migration named their period in options.
update scc.report_schedules as s
   set period = left(s.options ->> 'period', 40)
 where jsonb_typeof(s.options -> 'period') = 'string' and s.options ->> 'period' <> '';

-- The columns and options.period/variant/skip_when_empty say the same.
-- On insert, options that name them set the columns (scc.schedule_report
-- passes only options); on update, a key of options that changed while its
-- column did not sets the column; then the columns are written into
-- options.  No SET (a helper: 008); everything qualified.
create function scc.report_schedules_mirror()
returns trigger
language plpgsql
as $$
begin
    if tg_op = 'INSERT' then
        if jsonb_typeof(new.options -> 'period') = 'string' then
            new.period := new.options ->> 'period';
        end if;
        if new.options ? 'variant' then
            new.variant := nullif(new.options ->> 'variant', '');
        end if;
        if jsonb_typeof(new.options -> 'skip_when_empty') = 'boolean' then
            new.skip_when_empty := (new.options ->> 'skip_when_empty')::boolean;
        end if;
    else
        if new.options -> 'period' is distinct from old.options -> 'period'
           and new.period is not distinct from old.period
           and jsonb_typeof(new.options -> 'period') = 'string' then
            new.period := new.options ->> 'period';
        end if;
        if new.options -> 'variant' is distinct from old.options -> 'variant'
           and new.variant is not distinct from old.variant then
            new.variant := nullif(new.options ->> 'variant', '');
        end if;
        if new.options -> 'skip_when_empty' is distinct from old.options -> 'skip_when_empty'
           and new.skip_when_empty is not distinct from old.skip_when_empty
           and jsonb_typeof(new.options -> 'skip_when_empty') = 'boolean' then
            new.skip_when_empty := (new.options ->> 'skip_when_empty')::boolean;
        end if;
        new.updated_at := now();
    end if;
    new.options := new.options || jsonb_build_object('period', new.period, 'variant', new.variant,
                                                     'skip_when_empty', new.skip_when_empty);
    return new;
end
$$;
comment on function scc.report_schedules_mirror() is
    'before insert or update on scc.report_schedules: period, variant and skip_when_empty kept equal in columns and options';

create trigger report_schedules_mirror
    before insert or update on scc.report_schedules
    for each row
    execute function scc.report_schedules_mirror();

update scc.report_schedules set options = options;

-- ---------------------------------------------------------------------------
-- Cron, as worker/cron.c reads it
-- ---------------------------------------------------------------------------

-- One field of a cron expression → its values (sorted, distinct).  spec: a
-- comma list of '*', N, N-M, '*'/S or N-M/S; names (3 letters, any case)
-- where the field has them (names[i] is value i + base).  Day-of-week 7 is
-- Sunday (0), and a range may end on Sunday ("FRI-SUN", "5-0").  22023
-- with a message naming the field, as cron.c's.
create function scc.cron_field(spec text, label text, lo int, hi int, names text[], base int)
returns int[]
language plpgsql
immutable
as $$
declare
    item  text;
    m     text[];
    a     int;
    b     int;
    step  int;
    v     int;
    part  text;
    vals  int[] := '{}';
    i     int;
begin
    foreach item in array string_to_array(spec, ',') loop
        if item = '' then
            raise exception using errcode = '22023', message = label || ': empty list item';
        end if;
        m := regexp_match(item, '^(\*|([0-9]+|[a-zA-Z]+)(-([0-9]+|[a-zA-Z]+))?)(/(.*))?$');
        if m is null then
            raise exception using errcode = '22023',
                message = format('%s: unexpected %L', label, left(item, 20));
        end if;
        a := null;
        b := null;
        foreach part in array array[m[2], m[4]] loop
            continue when part is null;
            if part ~ '^[0-9]+$' then
                if length(part) > 6 or part::int not between lo and hi then
                    raise exception using errcode = '22023',
                        message = format('%s: %s is out of range %s-%s', label, left(part, 20), lo, hi);
                end if;
                v := part::int;
            else
                if names is null then
                    raise exception using errcode = '22023',
                        message = format('%s: names are not allowed here (%L)', label, left(part, 20));
                end if;
                i := array_position(names, upper(part));
                if i is null then
                    raise exception using errcode = '22023',
                        message = format('%s: unknown name %L (use %s-%s)', label, left(part, 20),
                                         names[1], names[array_length(names, 1)]);
                end if;
                v := i - 1 + base;
            end if;
            if a is null then a := v; else b := v; end if;
        end loop;
        if m[1] = '*' then
            a := lo;
            b := case when hi = 7 then 6 else hi end;
        elsif b is null then
            b := a;
        else
            if hi = 7 and b = 0 and a > 0 then
                b := 7;
            end if;
            if b < a then
                raise exception using errcode = '22023',
                    message = format('%s: range %s-%s goes backwards', label, a, b);
            end if;
        end if;
        step := 1;
        if m[5] is not null then
            if m[1] <> '*' and m[3] is null then
                raise exception using errcode = '22023',
                    message = format('%s: a step needs ''*'' or a range before it, as in */N or %s-%s/N', label, a, hi);
            end if;
            if m[6] !~ '^[0-9]{1,6}$' then
                raise exception using errcode = '22023', message = label || ': a step must be a number';
            end if;
            step := m[6]::int;
            if step not between 1 and hi then
                raise exception using errcode = '22023',
                    message = format('%s: step %s is out of range 1-%s', label, m[6], hi);
            end if;
        end if;
        v := a;
        while v <= b loop
            vals := vals || case when hi = 7 and v = 7 then 0 else v end;
            v := v + step;
        end loop;
    end loop;
    return array(select distinct x from unnest(vals) as u(x) order by x);
end
$$;
comment on function scc.cron_field(text, text, int, int, text[], int) is
    'one cron field as worker/cron.c parses it: its values, sorted; 22023 naming the field';

-- A cron expression → {minutes, hours, mdays, months, wdays, mday_star,
-- wday_star} (arrays of ints), or 22023 with cron.c's reasons: five fields
-- or an @ name (@yearly @annually @monthly @weekly @daily @midnight
-- @hourly), and a day-of-month that occurs in the chosen months when the
-- weekday is unrestricted.
create function scc.cron_parse(expr text)
returns jsonb
language plpgsql
immutable
as $$
declare
    e      text := btrim(coalesce(expr, ''), E' \t\r\n');
    f      text[];
    months text[] := array['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
    days   text[] := array['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
    mdays  int[];
    mons   int[];
begin
    if e like '@%' then
        e := case lower(e)
                 when '@yearly' then '0 0 1 1 *' when '@annually' then '0 0 1 1 *'
                 when '@monthly' then '0 0 1 * *' when '@weekly' then '0 0 * * 0'
                 when '@daily' then '0 0 * * *' when '@midnight' then '0 0 * * *'
                 when '@hourly' then '0 * * * *' end;
        if e is null then
            raise exception using errcode = '22023',
                message = format('unknown shorthand %L (use @yearly, @monthly, @weekly, @daily or @hourly)',
                                 left(btrim(expr), 20));
        end if;
    end if;
    f := regexp_split_to_array(e, '\s+');
    if e = '' or cardinality(f) <> 5 then
        raise exception using errcode = '22023',
            message = format('expected 5 fields (minute hour day-of-month month day-of-week), got %s',
                             case when e = '' then 0 else cardinality(f) end);
    end if;
    mdays := scc.cron_field(f[3], 'day-of-month', 1, 31, null, 0);
    mons := scc.cron_field(f[4], 'month', 1, 12, months, 1);
    if f[3] not like '*%' and f[5] like '*%' and not exists (
           select 1 from unnest(mons) as m(n), unnest(mdays) as d(n)
            where d.n <= case when m.n = 2 then 29 when m.n in (4, 6, 9, 11) then 30 else 31 end) then
        raise exception using errcode = '22023', message = 'day-of-month: no chosen day occurs in the chosen months';
    end if;
    return jsonb_build_object(
        'minutes', to_jsonb(scc.cron_field(f[1], 'minute', 0, 59, null, 0)),
        'hours', to_jsonb(scc.cron_field(f[2], 'hour', 0, 23, null, 0)),
        'mdays', to_jsonb(mdays),
        'months', to_jsonb(mons),
        'wdays', to_jsonb(scc.cron_field(f[5], 'day-of-week', 0, 7, days, 0)),
        'mday_star', f[3] like '*%',
        'wday_star', f[5] like '*%');
end
$$;
comment on function scc.cron_parse(text) is
    'a cron expression parsed by worker/cron.c''s rules into its value sets; 22023 with the reason';

-- The first n slots of a cron expression in zone tz strictly after
-- `after`, looking at most 400 days ahead: local wall-clock minutes made
-- instants in the zone.  A local time in a spring-forward gap is shown at
-- the whole hour after it (worker/cron.c runs it at the gap's end, which
-- is an hour boundary in the zones SCC serves); slots on one instant are
-- one.  A hint for the page: the worker is the judge.
create function scc.cron_next_slots(expr text, tz text, after timestamptz, n int)
returns timestamptz[]
language plpgsql
stable
as $$
declare
    c      jsonb := scc.cron_parse(expr);
    mins   int[] := array(select x::int from jsonb_array_elements_text(c -> 'minutes') as j(x));
    hrs    int[] := array(select x::int from jsonb_array_elements_text(c -> 'hours') as j(x));
    mdays  int[] := array(select x::int from jsonb_array_elements_text(c -> 'mdays') as j(x));
    mons   int[] := array(select x::int from jsonb_array_elements_text(c -> 'months') as j(x));
    wdays  int[] := array(select x::int from jsonb_array_elements_text(c -> 'wdays') as j(x));
    dstar  boolean := (c ->> 'mday_star')::boolean;
    wstar  boolean := (c ->> 'wday_star')::boolean;
    day    date := (after at time zone tz)::date;
    last   date := day + 400;
    dm     boolean;
    wm     boolean;
    h      int;
    m      int;
    lt     timestamp;
    t      timestamptz;
    found  timestamptz[] := '{}';
begin
    while day <= last and cardinality(found) < n loop
        if extract(month from day)::int = any (mons) then
            dm := extract(day from day)::int = any (mdays);
            wm := extract(dow from day)::int = any (wdays);
            if (case when dstar or wstar then dm and wm else dm or wm end) then
                foreach h in array hrs loop
                    foreach m in array mins loop
                        lt := day + make_interval(hours => h, mins => m);
                        t := lt at time zone tz;
                        if (t at time zone tz) <> lt then
                            t := date_trunc('hour', t at time zone tz) at time zone tz;
                        end if;
                        if t > after and t <> all (found) and cardinality(found) < n then
                            found := found || t;
                        end if;
                    end loop;
                end loop;
            end if;
        end if;
        day := day + 1;
    end loop;
    return found;
end
$$;
comment on function scc.cron_next_slots(text, text, timestamptz, int) is
    'the next n slots of a cron expression in a zone after an instant (a hint; worker/cron.c decides)';

-- ---------------------------------------------------------------------------
-- Helpers
-- ---------------------------------------------------------------------------

-- The eight reports, in the order the page lists them, with their titles
-- (the titles 033's scc_report functions give their JSON) and lenses.
create function scc.report_catalog()
returns table (kind text, title text, lens text, ord int)
language sql
immutable
as $$
    select c.kind, c.title, c.lens, c.ord
      from (values
        ('ceo', 'CEO report', 'assets, revenue against the prior period and plan, gaps, concentration, cash, risks, the 30-day agenda', 1),
        ('cto', 'CTO report', 'findings, fixes and SLA, cost per service, UX shortfalls, CI/CD gaps', 2),
        ('accounting', 'Accounting report', 'revenue recognition, balances, expense audit, aging, payouts, the path to profit', 3),
        ('cmo', 'CMO report', 'channel visibility and mix, commission, CAC, funnel, ROAS and MER, local SEO', 4),
        ('cfo', 'CFO report', 'burn, runway, capital deployed, break-even, targets against actuals', 5),
        ('rental', 'Rental operations report: 3028 51st St', 'occupancy, ADR, RevPAR, stays, the maintenance backlog', 6),
        ('delivery', 'Expert Yacht Delivery report', 'pipeline, miles, days at sea, margin, satisfaction', 7),
        ('portfolio', 'DangerousCentaur portfolio audit', 'unbilled work, contracts, AR aging, DSO, audit flags', 8)
      ) as c (kind, title, lens, ord)
$$;
comment on function scc.report_catalog() is 'the eight report kinds with their titles and lenses, in page order';

-- A run as the archive lists it.
create function scc.report_run_summary_json(r scc.report_runs)
returns jsonb
language sql
stable
as $$
    select jsonb_build_object(
        'id', r.id, 'kind', r.kind,
        'title', (select c.title from scc.report_catalog() as c where c.kind = r.kind),
        'period', r.period, 'period_label', r.period_label,
        'starts', r.period_starts, 'ends', r.period_ends, 'time_zone', r.time_zone,
        'state', r.state, 'variant', r.variant, 'test', r.test, 'recipients', to_jsonb(r.recipients),
        'requested_by', (select jsonb_build_object('id', u.id, 'name', u.name, 'email', u.email)
                           from scc.users as u where u.id = r.requested_by),
        'schedule_id', r.schedule_id, 'slot', scc.iso(r.slot),
        'created_at', scc.iso(r.created_at), 'started_at', scc.iso(r.started_at),
        'finished_at', scc.iso(r.finished_at), 'duration_ms', r.duration_ms, 'error', r.error)
$$;
comment on function scc.report_run_summary_json(scc.report_runs) is 'a report run as the archive lists it';

-- A run in full: the summary, its options and hashes, its JSON once done,
-- the paths of its rendered files, and what was mailed: each email job with
-- its outbox row (status, the transport asked for and the one that
-- delivered (033's failover), the provider's message id).  A job
-- pruned after its retention is listed by id with state "pruned".
create function scc.report_run_json(r scc.report_runs)
returns jsonb
language plpgsql
stable
as $$
begin
    return scc.report_run_summary_json(r) || jsonb_build_object(
        'options', r.options,
        'hashes', jsonb_build_object('html', r.html_sha256, 'text', r.text_sha256, 'csv', r.csv_sha256),
        'data', case when r.state = 'done' then r.data end,
        'files', case when r.state = 'done' then jsonb_build_object(
                     'html', '/api/report-runs/' || r.id || '/html',
                     'text', '/api/report-runs/' || r.id || '/text',
                     'csv', '/api/report-runs/' || r.id || '/csv') end,
        'job_id', r.job_id,
        'emails', (select coalesce(jsonb_agg(jsonb_build_object(
                       'job_id', e.id,
                       'state', coalesce(j.state, 'pruned'),
                       'attempts', j.attempts, 'last_error', j.last_error,
                       'outbox', (select coalesce(jsonb_agg(jsonb_build_object(
                                      'id', o.id, 'status', o.status, 'transport', o.transport, 'delivered_by', o.delivered_by,
                                      'message_id', o.provider_message_id, 'recipients', to_jsonb(o.recipients),
                                      'subject', o.subject, 'attempts', o.attempts, 'last_error', o.last_error,
                                      'sent_at', scc.iso(o.sent_at)) order by o.id), '[]'::jsonb)
                                    from scc.email_outbox as o where o.job_id = e.id))
                       order by e.n), '[]'::jsonb)
                     from unnest(coalesce(r.email_job_ids, '{}'::bigint[])) with ordinality as e(id, n)
                     left join scc.jobs as j on j.id = e.id));
end
$$;
comment on function scc.report_run_json(scc.report_runs) is
    'a report run in full: summary, options, hashes, data when done, file paths, email jobs with their outbox rows';

-- A run by the route's :id for an admin; SC400 invalid_id, SC404 run_not_found.
create function scc.report_run_for(ctx jsonb)
returns scc.report_runs
language plpgsql
stable
as $$
declare
    t text := ctx -> 'params' ->> 'id';
    r scc.report_runs;
begin
    perform scc.require_role(ctx, 'admin');
    perform scc.refuse_unknown_params(ctx, array[]::text[]);
    if t is null or t !~ '^[0-9]{1,18}$' then
        perform scc.fail(400, 'invalid_id', 'the run id must be a whole number');
    end if;
    select * into r from scc.report_runs as x where x.id = t::bigint;
    if r.id is null then
        perform scc.fail(404, 'run_not_found', 'no such report run');
    end if;
    return r;
end
$$;
comment on function scc.report_run_for(jsonb) is 'the report run the route names, for an admin; SC400 invalid_id, SC404 run_not_found';

-- One rendered part of a done run as a file answer: 'html', 'text' or 'csv'
-- (saved as the email's attachment is named, <kind>-<period>.csv).
-- SC409 run_not_done while the run is queued or running, or failed.
create function scc.report_run_file(ctx jsonb, part text)
returns scc_api.file_response
language plpgsql
stable
as $$
declare
    r scc.report_runs := scc.report_run_for(ctx);
begin
    if r.state <> 'done' then
        perform scc.fail(409, 'run_not_done',
                         format('run %s is %s: nothing was rendered%s', r.id, r.state,
                                case when r.state = 'failed' then ' (' || coalesce(r.error, 'no error recorded') || ')'
                                     else ' yet' end));
    end if;
    if part = 'html' then
        return (200, r.html, 'text/html; charset=utf-8', null)::scc_api.file_response;
    elsif part = 'text' then
        return (200, r.text, 'text/plain; charset=utf-8', null)::scc_api.file_response;
    end if;
    -- the name the email's attachment has (033's scc.report_run_mail)
    return (200, r.csv, 'text/csv; charset=utf-8',
            (select m.filename from scc.report_run_mail(r.id) as m))::scc_api.file_response;
end
$$;
comment on function scc.report_run_file(jsonb, text) is
    'a done run''s html, text or csv as a file answer; SC409 run_not_done otherwise';

-- A report kind from the route: SC404 unknown_kind (a path) or SC400
-- unknown_kind (a body or a query), naming the eight.
create function scc.report_kind_checked(kind text, status int)
returns text
language plpgsql
immutable
as $$
begin
    if kind is null or not scc.report_kind_ok(kind) then
        perform scc.fail(status, 'unknown_kind',
                         format('unknown report %L: one of ceo, cto, accounting, cmo, cfo, rental, delivery, portfolio',
                                left(coalesce(kind, ''), 40)));
    end if;
    return kind;
end
$$;
comment on function scc.report_kind_checked(text, int) is 'a report kind or SC<status> unknown_kind';

-- A period checked against scc.report_period in the zone: its label, or
-- SC400 invalid_period with the reason.  The zone is checked first
-- (SC400 invalid_time_zone).
create function scc.report_period_checked(period text, time_zone text)
returns text
language plpgsql
stable
as $$
declare
    label text;
    msg   text;
begin
    perform scc.check_time_zone(time_zone, 'invalid_time_zone');
    if period is null or btrim(period) = '' then
        perform scc.fail(400, 'period_required', 'period is required: 2026-10, 2026-Q3, 2026, '
                         || '2026-01-01..2026-03-31, last_month, last_quarter, last_year, month_to_date or year_to_date');
    end if;
    if length(period) > 40 then
        perform scc.fail(400, 'invalid_period', 'period: at most 40 characters');
    end if;
    begin
        select p.label into label from scc.report_period(period, time_zone) as p;
    exception when sqlstate '22023' or sqlstate '22007' or sqlstate '22008' then
        get stacked diagnostics msg = message_text;
        perform scc.fail(400, 'invalid_period', 'period: ' || msg);
    end;
    return label;
end
$$;
comment on function scc.report_period_checked(text, text) is
    'a period as scc.report_period reads it in the zone; SC400 period_required, invalid_period, invalid_time_zone';

-- A list of addresses from a body field: an array of 1..50 strings, each
-- trimmed and shaped as scc.email_ok says; duplicates (any case) dropped.
-- SC400 invalid_<field>, <field>_required (empty), invalid_recipient
-- (naming the address).
create function scc.report_recipients(v jsonb, field text)
returns text[]
language plpgsql
immutable
as $$
declare
    out text[] := '{}';
    x   jsonb;
    a   text;
begin
    if jsonb_typeof(v) is distinct from 'array' then
        perform scc.fail(400, 'invalid_' || field, field || ' must be a list of email addresses');
    end if;
    if jsonb_array_length(v) = 0 then
        perform scc.fail(400, field || '_required', field || ': at least one email address');
    end if;
    if jsonb_array_length(v) > 50 then
        perform scc.fail(400, 'invalid_' || field, field || ': at most 50 addresses');
    end if;
    for x in select e from jsonb_array_elements(v) as j(e) loop
        if jsonb_typeof(x) <> 'string' then
            perform scc.fail(400, 'invalid_recipient', field || ': every address must be a string');
        end if;
        a := btrim(x #>> '{}');
        if not scc.email_ok(a) then
            perform scc.fail(400, 'invalid_recipient', format('%s: not an email address: %s', field, left(a, 254)));
        end if;
        if lower(a) <> all (select lower(y) from unnest(out) as u(y)) then
            out := out || a;
        end if;
    end loop;
    return out;
end
$$;
comment on function scc.report_recipients(jsonb, text) is
    'a body field''s list of 1..50 addresses, trimmed, checked by scc.email_ok, duplicates dropped; SC400 naming the field or address';

-- A template variant: null, or 1..32 of [a-z0-9_-] starting with a letter
-- or digit.  SC400 invalid_variant.
create function scc.report_variant(v jsonb)
returns text
language plpgsql
immutable
as $$
begin
    if v is null or jsonb_typeof(v) = 'null' or v = '""'::jsonb then
        return null;
    end if;
    if jsonb_typeof(v) <> 'string' or v #>> '{}' !~ '^[a-z0-9][a-z0-9_-]{0,31}$' then
        perform scc.fail(400, 'invalid_variant', 'variant: 1 to 32 of a-z, 0-9, _ and -, starting with a letter or digit');
    end if;
    return v #>> '{}';
end
$$;
comment on function scc.report_variant(jsonb) is 'a template variant name or null; SC400 invalid_variant';

-- A schedule as the page shows it: its fields, the latest run it made, and
-- the next three slots while enabled (null when the worker parked it).
create function scc.report_schedule_json(s scc.report_schedules)
returns jsonb
language plpgsql
stable
as $$
declare
    nxt timestamptz[];
begin
    if s.enabled then
        begin
            nxt := scc.cron_next_slots(s.cron, s.time_zone, now(), 3);
        exception when sqlstate '22023' or sqlstate '22P02' then
            nxt := null;
        end;
    end if;
    return jsonb_build_object(
        'id', s.id, 'kind', s.kind,
        'title', (select c.title from scc.report_catalog() as c where c.kind = s.kind),
        'cron', s.cron, 'time_zone', s.time_zone, 'recipients', to_jsonb(s.recipients),
        'period', s.period, 'variant', s.variant, 'skip_when_empty', s.skip_when_empty,
        'enabled', s.enabled, 'last_slot', scc.iso(s.last_slot), 'last_error', s.last_error,
        'created_at', scc.iso(s.created_at), 'updated_at', scc.iso(s.updated_at),
        'next_runs', (select jsonb_agg(scc.iso(x) order by x) from unnest(nxt) as u(x)),
        'last_run', (select scc.report_run_summary_json(r)
                       from scc.report_runs as r where r.schedule_id = s.id
                      order by r.id desc limit 1));
end
$$;
comment on function scc.report_schedule_json(scc.report_schedules) is
    'a report schedule with its next three slots and its latest run';

-- The body's schedule fields checked and laid over a schedule row (create
-- and update share it).  Errors: SC400 unknown_field, unknown_kind,
-- invalid_kind, invalid_cron, invalid_time_zone, invalid_recipients,
-- recipients_required, invalid_recipient, invalid_period, invalid_variant,
-- invalid_skip_when_empty, invalid_enabled.
create function scc.report_schedule_apply(ctx jsonb, s scc.report_schedules)
returns scc.report_schedules
language plpgsql
stable
as $$
declare
    body jsonb := coalesce(ctx -> 'body', '{}'::jsonb);
    msg  text;
begin
    perform scc.refuse_unknown_fields(body, array['kind', 'cron', 'time_zone', 'recipients', 'period', 'variant',
                                                  'skip_when_empty', 'enabled']);
    if body ? 'kind' then
        s.kind := scc.report_kind_checked(scc.body_text(ctx, 'kind', 'invalid_kind'), 400);
    end if;
    if body ? 'cron' then
        s.cron := btrim(coalesce(scc.body_text(ctx, 'cron', 'invalid_cron'), ''));
        if length(s.cron) > 200 then
            perform scc.fail(400, 'invalid_cron', 'cron: at most 200 characters');
        end if;
        begin
            perform scc.cron_parse(s.cron);
        exception when sqlstate '22023' then
            get stacked diagnostics msg = message_text;
            perform scc.fail(400, 'invalid_cron', 'cron: ' || msg);
        end;
    end if;
    if body ? 'time_zone' then
        s.time_zone := scc.check_time_zone(scc.body_text(ctx, 'time_zone', 'invalid_time_zone'), 'invalid_time_zone');
    end if;
    if body ? 'recipients' then
        s.recipients := scc.report_recipients(body -> 'recipients', 'recipients');
    end if;
    if body ? 'period' then
        s.period := btrim(coalesce(scc.body_text(ctx, 'period', 'invalid_period'), ''));
    end if;
    if body ? 'variant' then
        s.variant := scc.report_variant(body -> 'variant');
    end if;
    if body ? 'skip_when_empty' then
        s.skip_when_empty := coalesce(scc.body_bool(ctx, 'skip_when_empty'), false);
    end if;
    if body ? 'enabled' then
        s.enabled := coalesce(scc.body_bool(ctx, 'enabled'), true);
    end if;
    if s.kind is null then
        perform scc.fail(400, 'kind_required', 'kind is required: one of ceo, cto, accounting, cmo, cfo, rental, delivery, portfolio');
    end if;
    if s.cron is null or s.cron = '' then
        perform scc.fail(400, 'cron_required', 'cron is required: five fields (minute hour day-of-month month day-of-week) or @daily-style');
    end if;
    if s.time_zone is null then
        perform scc.fail(400, 'time_zone_required', 'time_zone is required, e.g. America/Los_Angeles');
    end if;
    if s.recipients is null then
        perform scc.fail(400, 'recipients_required', 'recipients: at least one email address');
    end if;
    s.period := coalesce(s.period, 'last_month');
    perform scc.report_period_checked(s.period, s.time_zone);
    return s;
end
$$;
comment on function scc.report_schedule_apply(jsonb, scc.report_schedules) is
    'the body''s schedule fields checked and laid over a schedule row (create and update share it)';

-- ---------------------------------------------------------------------------
-- Routes
-- ---------------------------------------------------------------------------

-- GET /api/reports   (admin)
-- The eight reports in page order: {reports: [{kind, title, lens,
-- last_run: the newest run of the kind (archive summary) | null,
-- last_done: the newest done run | null, schedules: how many schedules,
-- enabled: how many of them are enabled}]}.
-- Errors: SC400 unknown_parameter; SC401/403.  Reads only.
create function scc_api.reports_list(ctx jsonb)
returns scc_api.response
language plpgsql
stable
security definer
set search_path = pg_catalog, scc
as $$
begin
    perform scc.require_role(ctx, 'admin');
    perform scc.refuse_unknown_params(ctx, array[]::text[]);
    return (200, jsonb_build_object('reports', (
        select jsonb_agg(jsonb_build_object(
                   'kind', c.kind, 'title', c.title, 'lens', c.lens,
                   'last_run', (select scc.report_run_summary_json(r) from scc.report_runs as r
                                 where r.kind = c.kind order by r.id desc limit 1),
                   'last_done', (select scc.report_run_summary_json(r) from scc.report_runs as r
                                  where r.kind = c.kind and r.state = 'done' order by r.id desc limit 1),
                   'schedules', (select count(*) from scc.report_schedules as s where s.kind = c.kind),
                   'enabled', (select count(*) from scc.report_schedules as s where s.kind = c.kind and s.enabled))
               order by c.ord)
          from scc.report_catalog() as c))::json)::scc_api.response;
end
$$;
comment on function scc_api.reports_list(jsonb) is
    'GET /api/reports: admins: the eight reports with their last run and how many schedules';
revoke execute on function scc_api.reports_list(jsonb) from public;
grant execute on function scc_api.reports_list(jsonb) to scc_web;

-- POST /api/reports/:kind/runs {period, time_zone?, send_to?, variant?,
-- schedule_id?}   (admin)
-- Starts a run through scc.report_run_start; the worker renders it (and
-- mails it when it has recipients).  time_zone defaults to UTC (or the
-- schedule's); send_to: absent, null or [] → a preview (nothing mailed);
-- "me" → the caller's stored address, the run marked test; a list → those
-- addresses (1..50).  schedule_id: "send now" for a schedule of this kind:
-- its period, zone, variant and recipients for what the body leaves out,
-- and the run records the schedule.  Audited report_run.create.
-- 202 {run: the run in full (state queued)}.
-- Errors: SC400 unknown_field, period_required, invalid_period,
-- invalid_time_zone, invalid_send_to, send_to_required (an empty "to" list
-- given with a schedule that has none — never happens: schedules have
-- recipients), invalid_recipient, invalid_variant, invalid_schedule_id,
-- schedule_kind_mismatch; SC404 unknown_kind, schedule_not_found.
create function scc_api.report_run_create(ctx jsonb)
returns scc_api.response
language plpgsql
security definer
set search_path = pg_catalog, scc
as $$
declare
    actor_id   uuid;
    body       jsonb := coalesce(ctx -> 'body', '{}'::jsonb);
    v_kind     text;
    v_period   text;
    v_zone     text := 'UTC';
    v_variant  text;
    v_to       text[] := '{}';
    v_test     boolean := false;
    v_options  jsonb := '{}'::jsonb;
    s          scc.report_schedules;
    t          text;
    run_id     bigint;
    r          scc.report_runs;
    msg        text;
    code       text;
begin
    perform scc.require_role(ctx, 'admin');
    actor_id := (ctx -> 'actor' ->> 'id')::uuid;
    v_kind := scc.report_kind_checked(ctx -> 'params' ->> 'kind', 404);
    perform scc.refuse_unknown_fields(body, array['period', 'time_zone', 'send_to', 'variant', 'schedule_id']);
    if body ? 'schedule_id' and jsonb_typeof(body -> 'schedule_id') <> 'null' then
        t := body ->> 'schedule_id';
        if jsonb_typeof(body -> 'schedule_id') <> 'number' or t !~ '^[0-9]{1,18}$' then
            perform scc.fail(400, 'invalid_schedule_id', 'schedule_id must be a schedule''s id (a whole number)');
        end if;
        select * into s from scc.report_schedules as x where x.id = t::bigint;
        if s.id is null then
            perform scc.fail(404, 'schedule_not_found', 'no such report schedule');
        end if;
        if s.kind <> v_kind then
            perform scc.fail(400, 'schedule_kind_mismatch',
                             format('schedule %s runs the %s report, not %s', s.id, s.kind, v_kind));
        end if;
        v_period := s.period;
        v_zone := s.time_zone;
        v_variant := s.variant;
        v_to := s.recipients;
        v_options := jsonb_build_object('send_now', true);
    end if;
    if body ? 'time_zone' and jsonb_typeof(body -> 'time_zone') <> 'null' then
        v_zone := scc.body_text(ctx, 'time_zone', 'invalid_time_zone');
    end if;
    if body ? 'period' and jsonb_typeof(body -> 'period') <> 'null' then
        v_period := btrim(scc.body_text(ctx, 'period', 'invalid_period'));
    end if;
    perform scc.report_period_checked(v_period, v_zone);
    if body ? 'variant' then
        v_variant := scc.report_variant(body -> 'variant');
    end if;
    if body ? 'send_to' then
        if body -> 'send_to' = '"me"'::jsonb then
            select array[u.email] into v_to from scc.users as u where u.id = actor_id;
            v_test := true;
        elsif jsonb_typeof(body -> 'send_to') = 'null' or body -> 'send_to' = '[]'::jsonb then
            v_to := '{}';
        elsif jsonb_typeof(body -> 'send_to') = 'array' then
            v_to := scc.report_recipients(body -> 'send_to', 'send_to');
        else
            perform scc.fail(400, 'invalid_send_to', 'send_to: "me", or a list of email addresses');
        end if;
    end if;
    begin
        run_id := scc.report_run_start(v_kind, v_period, v_zone, v_options || jsonb_build_object('period', v_period),
                                       v_to, v_variant, actor_id, s.id, null::timestamptz, v_test);
    exception when sqlstate '22023' then
        -- report_run_start checks again what was checked above; a refusal
        -- here is one of its own rules, named by its detail
        get stacked diagnostics msg = message_text, code = pg_exception_detail;
        perform scc.fail(400, case code when 'bad_period' then 'invalid_period'
                                        when 'bad_time_zone' then 'invalid_time_zone'
                                        when 'bad_recipient' then 'invalid_recipient'
                                        when 'bad_report_kind' then 'unknown_kind'
                                        else coalesce(nullif(code, ''), 'invalid_run') end, msg);
    end;
    select * into r from scc.report_runs as x where x.id = run_id;
    perform scc.audit(ctx, 'report_run.create', 'report_run', r.id::text, null,
                      scc.report_run_summary_json(r) || jsonb_build_object('options', r.options));
    return (202, jsonb_build_object('run', scc.report_run_json(r))::json)::scc_api.response;
end
$$;
comment on function scc_api.report_run_create(jsonb) is
    'POST /api/reports/:kind/runs: admins run a report for a period: a preview, a test to themselves, or mailed; audited; 202 the run';
revoke execute on function scc_api.report_run_create(jsonb) from public;
grant execute on function scc_api.report_run_create(jsonb) to scc_web;

-- GET /api/report-runs?kind=&schedule=&before=&limit=   (admin)
-- The archive, newest first: {items: [archive summaries], next_before}
-- (keyset by id: before = the last id seen; next_before null on the last
-- page); limit 1..100, default 20; kind one of the eight; schedule a
-- schedule's id.
-- Errors: SC400 unknown_parameter, unknown_kind, invalid_schedule,
-- invalid_before, invalid_limit.  Reads only.
create function scc_api.report_runs_list(ctx jsonb)
returns scc_api.response
language plpgsql
stable
security definer
set search_path = pg_catalog, scc
as $$
declare
    q        jsonb := coalesce(ctx -> 'query', '{}'::jsonb);
    v_kind   text;
    v_sched  bigint;
    v_before bigint;
    lim      int := 20;
    t        text;
    items    jsonb;
    n        int;
begin
    perform scc.require_role(ctx, 'admin');
    perform scc.refuse_unknown_params(ctx, array['kind', 'schedule', 'before', 'limit']);
    if coalesce(q ->> 'kind', '') <> '' then
        v_kind := scc.report_kind_checked(q ->> 'kind', 400);
    end if;
    t := q ->> 'schedule';
    if coalesce(t, '') <> '' then
        if t !~ '^[0-9]{1,18}$' then
            perform scc.fail(400, 'invalid_schedule', 'schedule must be a schedule''s id (a whole number)');
        end if;
        v_sched := t::bigint;
    end if;
    t := q ->> 'before';
    if coalesce(t, '') <> '' then
        if t !~ '^[0-9]{1,18}$' or t::bigint < 1 then
            perform scc.fail(400, 'invalid_before', 'before must be a run id (a whole number >= 1)');
        end if;
        v_before := t::bigint;
    end if;
    t := q ->> 'limit';
    if coalesce(t, '') <> '' then
        if t !~ '^[0-9]{1,4}$' or t::int not between 1 and 100 then
            perform scc.fail(400, 'invalid_limit', 'limit must be a whole number from 1 to 100');
        end if;
        lim := t::int;
    end if;
    with page as (
        select r.*
          from scc.report_runs as r
         where (v_before is null or r.id < v_before)
           and (v_kind is null or r.kind = v_kind)
           and (v_sched is null or r.schedule_id = v_sched)
         order by r.id desc
         limit lim + 1
    )
    select coalesce(jsonb_agg(scc.report_run_summary_json(p::scc.report_runs) order by p.id desc), '[]'::jsonb),
           count(*)
      into items, n
      from page as p;
    if n > lim then
        items := items - lim;
    end if;
    return (200, jsonb_build_object(
                'items', items,
                'next_before', case when n > lim then (items -> (lim - 1) ->> 'id')::bigint end)::json
           )::scc_api.response;
end
$$;
comment on function scc_api.report_runs_list(jsonb) is
    'GET /api/report-runs: admins browse the archive of report runs, newest first, by kind or schedule, keyset paged';
revoke execute on function scc_api.report_runs_list(jsonb) from public;
grant execute on function scc_api.report_runs_list(jsonb) to scc_web;

-- GET /api/report-runs/:id   (admin)
-- 200 {run: the run in full (scc.report_run_json: state, period, options,
-- variant, recipients, hashes, duration, error, data once done, the file
-- paths, the email jobs and their outbox rows)}.
-- Errors: SC400 invalid_id, unknown_parameter; SC404 run_not_found.
create function scc_api.report_run_get(ctx jsonb)
returns scc_api.response
language plpgsql
stable
security definer
set search_path = pg_catalog, scc
as $$
begin
    return (200, jsonb_build_object('run', scc.report_run_json(scc.report_run_for(ctx)))::json)::scc_api.response;
end
$$;
comment on function scc_api.report_run_get(jsonb) is
    'GET /api/report-runs/:id: admins: one report run in full, with what was mailed and the outbox rows';
revoke execute on function scc_api.report_run_get(jsonb) from public;
grant execute on function scc_api.report_run_get(jsonb) to scc_web;

-- GET /api/report-runs/:id/html   (admin)
-- The rendered HTML as archived, text/html; charset=utf-8, shown (no file
-- name).  nginx serves this path under a Content-Security-Policy that
-- allows no script (conf/).
-- Errors: SC400 invalid_id, unknown_parameter; SC404 run_not_found; SC409
-- run_not_done (queued, running or failed).
create function scc_api.report_run_html(ctx jsonb)
returns scc_api.file_response
language plpgsql
stable
security definer
set search_path = pg_catalog, scc
as $$
begin
    return scc.report_run_file(ctx, 'html');
end
$$;
comment on function scc_api.report_run_html(jsonb) is
    'GET /api/report-runs/:id/html: admins: the rendered HTML of a done run, as archived';
revoke execute on function scc_api.report_run_html(jsonb) from public;
grant execute on function scc_api.report_run_html(jsonb) to scc_web;

-- GET /api/report-runs/:id/text   (admin)
-- The rendered text as archived, text/plain; charset=utf-8, shown.
-- Errors: as the html route.
create function scc_api.report_run_text(ctx jsonb)
returns scc_api.file_response
language plpgsql
stable
security definer
set search_path = pg_catalog, scc
as $$
begin
    return scc.report_run_file(ctx, 'text');
end
$$;
comment on function scc_api.report_run_text(jsonb) is
    'GET /api/report-runs/:id/text: admins: the rendered text of a done run, as archived';
revoke execute on function scc_api.report_run_text(jsonb) from public;
grant execute on function scc_api.report_run_text(jsonb) to scc_web;

-- GET /api/report-runs/:id/csv   (admin)
-- The CSV as archived (RFC 4180), text/csv; charset=utf-8, saved as
-- <kind>-<period>.csv (the attachment's name).
-- Errors: as the html route.
create function scc_api.report_run_csv(ctx jsonb)
returns scc_api.file_response
language plpgsql
stable
security definer
set search_path = pg_catalog, scc
as $$
begin
    return scc.report_run_file(ctx, 'csv');
end
$$;
comment on function scc_api.report_run_csv(jsonb) is
    'GET /api/report-runs/:id/csv: admins: the CSV of a done run, as archived, as a download';
revoke execute on function scc_api.report_run_csv(jsonb) from public;
grant execute on function scc_api.report_run_csv(jsonb) to scc_web;

-- GET /api/report-schedules?kind=   (admin)
-- {items: [scc.report_schedule_json: id, kind, title, cron, time_zone,
-- recipients, period, variant, skip_when_empty, enabled, last_slot,
-- last_error (why the worker parked it), created_at, updated_at,
-- next_runs (the next three slots while enabled), last_run]} by kind in
-- page order, then id.
-- Errors: SC400 unknown_parameter, unknown_kind.  Reads only.
create function scc_api.report_schedules_list(ctx jsonb)
returns scc_api.response
language plpgsql
stable
security definer
set search_path = pg_catalog, scc
as $$
declare
    v_kind text;
begin
    perform scc.require_role(ctx, 'admin');
    perform scc.refuse_unknown_params(ctx, array['kind']);
    if coalesce(ctx -> 'query' ->> 'kind', '') <> '' then
        v_kind := scc.report_kind_checked(ctx -> 'query' ->> 'kind', 400);
    end if;
    return (200, jsonb_build_object('items', (
        select coalesce(jsonb_agg(scc.report_schedule_json(s) order by c.ord, s.id), '[]'::jsonb)
          from scc.report_schedules as s
          join scc.report_catalog() as c on c.kind = s.kind
         where v_kind is null or s.kind = v_kind))::json)::scc_api.response;
end
$$;
comment on function scc_api.report_schedules_list(jsonb) is
    'GET /api/report-schedules: admins: every report schedule with its next slots and latest run';
revoke execute on function scc_api.report_schedules_list(jsonb) from public;
grant execute on function scc_api.report_schedules_list(jsonb) to scc_web;

-- POST /api/report-schedules {kind, cron, time_zone, recipients, period?,
-- variant?, skip_when_empty?, enabled?}   (admin)
-- period defaults to last_month, checked against scc.report_period in the
-- zone; cron checked by cron.c's rules.  The first run is the first slot
-- after now (002).  Audited report_schedule.create.
-- 201 {schedule}.
-- Errors: SC400 unknown_field, kind_required, unknown_kind, invalid_kind,
-- cron_required, invalid_cron, time_zone_required, invalid_time_zone,
-- recipients_required, invalid_recipients, invalid_recipient,
-- invalid_period, invalid_variant, invalid_skip_when_empty,
-- invalid_enabled.
create function scc_api.report_schedule_create(ctx jsonb)
returns scc_api.response
language plpgsql
security definer
set search_path = pg_catalog, scc
as $$
declare
    s scc.report_schedules;
begin
    perform scc.require_role(ctx, 'admin');
    s.enabled := true;
    s.skip_when_empty := false;
    s := scc.report_schedule_apply(ctx, s);
    insert into scc.report_schedules (kind, cron, time_zone, recipients, options, enabled, period, variant,
                                      skip_when_empty, created_by)
    values (s.kind, s.cron, s.time_zone, s.recipients, '{}'::jsonb, s.enabled, s.period, s.variant,
            s.skip_when_empty, (ctx -> 'actor' ->> 'id')::uuid)
    returning * into s;
    perform scc.audit(ctx, 'report_schedule.create', 'report_schedule', s.id::text, null, scc.report_schedule_json(s));
    return (201, jsonb_build_object('schedule', scc.report_schedule_json(s))::json)::scc_api.response;
end
$$;
comment on function scc_api.report_schedule_create(jsonb) is
    'POST /api/report-schedules: admins schedule a report (cron in a zone, recipients, period, variant); audited; 201';
revoke execute on function scc_api.report_schedule_create(jsonb) from public;
grant execute on function scc_api.report_schedule_create(jsonb) to scc_web;

-- PATCH /api/report-schedules/:id {kind?, cron?, time_zone?, recipients?,
-- period?, variant?, skip_when_empty?, enabled?}   (admin)
-- Under the schedule's row lock (the lock a slot takes).  A new cron or
-- zone, or enabling it again, moves last_slot to now (no catch-up of
-- slots it never had) and clears last_error (a parked schedule fixed).
-- Nothing changed: 200 as it is, not audited.  Audited
-- report_schedule.update with before and after.
-- 200 {schedule}.
-- Errors: SC400 invalid_id, empty_body, and the create's; SC404
-- schedule_not_found.
create function scc_api.report_schedule_update(ctx jsonb)
returns scc_api.response
language plpgsql
security definer
set search_path = pg_catalog, scc
as $$
declare
    t   text := ctx -> 'params' ->> 'id';
    old scc.report_schedules;
    s   scc.report_schedules;
begin
    perform scc.require_role(ctx, 'admin');
    if t is null or t !~ '^[0-9]{1,18}$' then
        perform scc.fail(400, 'invalid_id', 'the schedule id must be a whole number');
    end if;
    if coalesce(ctx -> 'body', '{}'::jsonb) = '{}'::jsonb then
        perform scc.fail(400, 'empty_body', 'nothing to change');
    end if;
    select * into old from scc.report_schedules as x where x.id = t::bigint for update;
    if old.id is null then
        perform scc.fail(404, 'schedule_not_found', 'no such report schedule');
    end if;
    s := scc.report_schedule_apply(ctx, old);
    if (s.kind, s.cron, s.time_zone, s.recipients, s.period, s.variant, s.skip_when_empty, s.enabled)
       is not distinct from
       (old.kind, old.cron, old.time_zone, old.recipients, old.period, old.variant, old.skip_when_empty, old.enabled) then
        return (200, jsonb_build_object('schedule', scc.report_schedule_json(old))::json)::scc_api.response;
    end if;
    if s.enabled and (s.cron <> old.cron or s.time_zone <> old.time_zone or not old.enabled) then
        s.last_slot := greatest(coalesce(old.last_slot, old.created_at), now());
        s.last_error := null;
    end if;
    update scc.report_schedules as x
       set kind = s.kind, cron = s.cron, time_zone = s.time_zone, recipients = s.recipients,
           period = s.period, variant = s.variant, skip_when_empty = s.skip_when_empty,
           enabled = s.enabled, last_slot = s.last_slot, last_error = s.last_error
     where x.id = old.id
    returning * into s;
    perform scc.audit(ctx, 'report_schedule.update', 'report_schedule', s.id::text,
                      scc.report_schedule_json(old) - 'next_runs' - 'last_run',
                      scc.report_schedule_json(s) - 'next_runs' - 'last_run');
    return (200, jsonb_build_object('schedule', scc.report_schedule_json(s))::json)::scc_api.response;
end
$$;
comment on function scc_api.report_schedule_update(jsonb) is
    'PATCH /api/report-schedules/:id: admins edit, pause or resume a report schedule; audited; 200';
revoke execute on function scc_api.report_schedule_update(jsonb) from public;
grant execute on function scc_api.report_schedule_update(jsonb) to scc_web;

-- DELETE /api/report-schedules/:id   (admin)
-- Deletes the schedule (scc.unschedule_report); runs it made stay in the
-- archive, and jobs it queued stay.  Audited report_schedule.delete with
-- what it was.  200 {deleted: the schedule as it was}.
-- Errors: SC400 invalid_id, unknown_parameter; SC404 schedule_not_found.
create function scc_api.report_schedule_delete(ctx jsonb)
returns scc_api.response
language plpgsql
security definer
set search_path = pg_catalog, scc
as $$
declare
    t   text := ctx -> 'params' ->> 'id';
    old scc.report_schedules;
    was jsonb;
begin
    perform scc.require_role(ctx, 'admin');
    perform scc.refuse_unknown_params(ctx, array[]::text[]);
    if t is null or t !~ '^[0-9]{1,18}$' then
        perform scc.fail(400, 'invalid_id', 'the schedule id must be a whole number');
    end if;
    select * into old from scc.report_schedules as x where x.id = t::bigint for update;
    if old.id is null then
        perform scc.fail(404, 'schedule_not_found', 'no such report schedule');
    end if;
    was := scc.report_schedule_json(old) - 'next_runs';
    perform scc.unschedule_report(old.id);
    perform scc.audit(ctx, 'report_schedule.delete', 'report_schedule', old.id::text, was, null);
    return (200, jsonb_build_object('deleted', was)::json)::scc_api.response;
end
$$;
comment on function scc_api.report_schedule_delete(jsonb) is
    'DELETE /api/report-schedules/:id: admins delete a report schedule (its runs stay archived); audited';
revoke execute on function scc_api.report_schedule_delete(jsonb) from public;
grant execute on function scc_api.report_schedule_delete(jsonb) to scc_web;
