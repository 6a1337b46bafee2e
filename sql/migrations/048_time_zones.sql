-- 048_time_zones.sql — a time zone name is checked without reading the
-- zone files.  pg_timezone_names reads every file of the server's tz
-- database on each call (about 45 ms for 1,198 names on the test machine),
-- and every route that takes a zone (events, boats, report runs and
-- schedules) paid that once or twice per request.
--
-- scc.time_zone_names keeps the names pg_timezone_names gave when this
-- migration ran.  scc.time_zone_known(name) answers from it, and only a
-- name it does not hold falls back to pg_timezone_names, so a zone that a
-- later tzdata upgrade adds is still accepted (slowly) until
-- scc.time_zone_names_refresh() runs; the deployment guide runs it after
-- an upgrade of the server's tzdata.  tzdata never drops a name (retired
-- zones stay as links in "backward"), so a kept name stays valid.
--
-- scc.check_time_zone (015), scc.report_period (033) and
-- scc.schedule_report (033) are redefined with the same signatures and
-- answers; only their zone test changes.

create table scc.time_zone_names (
    name text not null,
    constraint time_zone_names_pkey primary key (name)
);
comment on table scc.time_zone_names is
    'the server''s IANA zone names (pg_timezone_names) as of the last refresh; read by scc.time_zone_known';

-- scc.time_zone_names_refresh(): the kept names made equal to
-- pg_timezone_names.  Returns how many names there are.
create function scc.time_zone_names_refresh()
returns integer
language plpgsql
volatile
security definer
set search_path = pg_catalog, scc
as $$
declare
    n integer;
begin
    delete from scc.time_zone_names as t
     where not exists (select 1 from pg_catalog.pg_timezone_names as z where z.name = t.name);
    insert into scc.time_zone_names (name)
    select z.name from pg_catalog.pg_timezone_names as z
    on conflict on constraint time_zone_names_pkey do nothing;
    select count(*) into n from scc.time_zone_names;
    return n;
end
$$;
comment on function scc.time_zone_names_refresh() is
    'make scc.time_zone_names equal to pg_timezone_names (after a tzdata upgrade); returns the count';
revoke all on function scc.time_zone_names_refresh() from public;

select scc.time_zone_names_refresh();

-- scc.time_zone_known(name): true when name is an IANA zone this server
-- knows (pg_timezone_names), false otherwise, null included.  A kept name
-- answers from scc.time_zone_names; any other pays the scan.
create function scc.time_zone_known(name text)
returns boolean
language plpgsql
stable
security definer
set search_path = pg_catalog, scc
as $$
begin
    if name is null or length(name) not between 1 and 64 then
        return false;
    end if;
    if exists (select 1 from scc.time_zone_names as t where t.name = time_zone_known.name) then
        return true;
    end if;
    return exists (select 1 from pg_catalog.pg_timezone_names as z where z.name = time_zone_known.name);
end
$$;
comment on function scc.time_zone_known(text) is
    'is this an IANA zone name the server knows (pg_timezone_names)? kept names answer without the scan';

-- An IANA zone name known to this server, else SC400 (015, same answer).
create or replace function scc.check_time_zone(value text, code text)
returns text
language plpgsql
stable
as $$
begin
    if not scc.time_zone_known(value) then
        perform scc.fail(400, code, 'time_zone must be an IANA time zone name, e.g. America/Los_Angeles');
    end if;
    return value;
end
$$;

-- scc.report_period(period, time_zone): as 033 says.
create or replace function scc.report_period(period text, time_zone text)
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
    if not scc.time_zone_known(time_zone) then
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

-- scc.schedule_report: as 033 says.
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
    if not scc.time_zone_known(time_zone) then
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
