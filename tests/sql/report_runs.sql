-- report_runs.sql — the report engine (033_report_runs.sql): periods in
-- every form (months of 28 to 31 days, a quarter, a year, a range across a
-- daylight-saving change, the relative ones, bad ones refused by name),
-- the prior period, starting a run (validation, the job, enqueue_report and
-- schedule slots through it), the archive (a done run never changes, the
-- hashes), the charter figures on a small fixture computed by hand (with
-- zero denominators giving null), the CEO's operational risks, and the
-- outer shape of all eight reports.
-- Runs as the superuser inside a rolled-back transaction.
begin;
create extension if not exists pgtap;
select plan(97);
set constraints all immediate;

-- ---- periods -----------------------------------------------------------------------------------------
select is((select row(label, starts, ends, time_zone, grain)::text from scc.report_period('2026-02', 'UTC')),
          '("February 2026",2026-02-01,2026-03-01,UTC,month)', 'a month of 28 days');
select is((select ends - starts from scc.report_period('2028-02', 'UTC')), 29, 'February of a leap year: 29 days');
select is((select ends - starts from scc.report_period('2026-04', 'UTC')), 30, 'April: 30 days');
select is((select ends - starts from scc.report_period('2026-12', 'UTC')), 31, 'December: 31 days, ends on 1 January');
select is((select ends from scc.report_period('2026-12', 'UTC')), '2027-01-01'::date, 'the end of December is the next year');
select is((select row(label, starts, ends, grain)::text from scc.report_period('2026-Q3', 'America/Los_Angeles')),
          '("Q3 2026",2026-07-01,2026-10-01,quarter)', 'a quarter');
select is((select row(label, starts, ends, grain)::text from scc.report_period('2026-q4', 'UTC')),
          '("Q4 2026",2026-10-01,2027-01-01,quarter)', 'a quarter, lower case');
select is((select row(label, starts, ends, grain)::text from scc.report_period('2026', 'UTC')),
          '(2026,2026-01-01,2027-01-01,year)', 'a year');
select is((select row(label, starts, ends, grain)::text
             from scc.report_period('2026-03-01..2026-03-31', 'America/Los_Angeles')),
          '("2026-03-01 to 2026-03-31",2026-03-01,2026-04-01,range)', 'a range: the end as written is included');
select is((select until_at - from_at
             from scc.report_instants(scc.report_period('2026-03-01..2026-03-31', 'America/Los_Angeles'))),
          interval '30 days 23 hours', 'across the spring change in Los Angeles the range is an hour short of 31 days');
select is((select from_at::text || ' ' || until_at::text
             from scc.report_instants(scc.report_period('2026-11-01..2026-11-01', 'America/Los_Angeles'))),
          '2026-11-01 07:00:00+00 2026-11-02 08:00:00+00', 'the autumn change: one local day of 25 hours');
select is((select ends - starts from scc.report_period('2026-05-05..2026-05-05', 'UTC')), 1, 'a one-day range');

-- relative periods, against today in the zone
select is((select row(starts, ends, grain)::text from scc.report_period('last_month', 'Pacific/Kiritimati')),
          (select row((date_trunc('month', d) - interval '1 month')::date, date_trunc('month', d)::date, 'month')::text
             from (select (now() at time zone 'Pacific/Kiritimati')::date as d) as t),
          'last_month: the month before today in the zone');
select is((select row(starts, ends, grain)::text from scc.report_period('last_quarter', 'UTC')),
          (select row((date_trunc('quarter', d) - interval '3 months')::date, date_trunc('quarter', d)::date, 'quarter')::text
             from (select (now() at time zone 'UTC')::date as d) as t),
          'last_quarter');
select is((select row(starts, ends, grain)::text from scc.report_period('last_year', 'UTC')),
          (select row((date_trunc('year', d) - interval '1 year')::date, date_trunc('year', d)::date, 'year')::text
             from (select (now() at time zone 'UTC')::date as d) as t),
          'last_year');
select is((select row(starts, ends, grain)::text from scc.report_period('month_to_date', 'America/Los_Angeles')),
          (select row(date_trunc('month', d)::date, d + 1, 'range')::text
             from (select (now() at time zone 'America/Los_Angeles')::date as d) as t),
          'month_to_date: the first of the month to today included');
select is((select row(starts, ends, grain)::text from scc.report_period('year_to_date', 'UTC')),
          (select row(date_trunc('year', d)::date, d + 1, 'range')::text
             from (select (now() at time zone 'UTC')::date as d) as t),
          'year_to_date');
select is((select extract(isodow from starts)::int || ' ' || (ends - starts) from scc.report_period('last_week', 'UTC')),
          '1 7', 'last_week: Monday to Sunday');

-- bad periods, by name: 22023 with the detail the routes map (bad_period -> 400 invalid_period)
create function pg_temp.refusal(q text) returns text language plpgsql as $f$
declare
    st text;
    dt text;
begin
    execute q;
    return 'no error';
exception when others then
    get stacked diagnostics st = returned_sqlstate, dt = pg_exception_detail;
    return st || ' ' || dt;
end
$f$;
select is(pg_temp.refusal($$select scc.report_period('2026-13', 'UTC')$$), '22023 bad_period', 'month 13 refused');
select is(pg_temp.refusal($$select scc.report_period('2026-00', 'UTC')$$), '22023 bad_period', 'month 0 refused');
select is(pg_temp.refusal($$select scc.report_period('2026-Q5', 'UTC')$$), '22023 bad_period', 'Q5 refused');
select is(pg_temp.refusal($$select scc.report_period('2026-02-30..2026-03-05', 'UTC')$$), '22023 bad_period',
          '30 February refused');
select is(pg_temp.refusal($$select scc.report_period('2026-03-05..2026-03-01', 'UTC')$$), '22023 bad_period',
          'a range ending before it starts refused');
select is(pg_temp.refusal($$select scc.report_period('2020-01-01..2031-01-01', 'UTC')$$), '22023 bad_period',
          'a range of more than ten years refused');
select is(pg_temp.refusal($$select scc.report_period('next_month', 'UTC')$$), '22023 bad_period', 'an unknown word refused');
select is(pg_temp.refusal($$select scc.report_period('', 'UTC')$$), '22023 bad_period', 'empty refused');
select is(pg_temp.refusal($$select scc.report_period(null, 'UTC')$$), '22023 bad_period', 'null refused');
select is(pg_temp.refusal($$select scc.report_period('2026-10; drop table scc.users', 'UTC')$$), '22023 bad_period',
          'junk refused');
select is(pg_temp.refusal($$select scc.report_period('1969-12', 'UTC')$$), '22023 bad_period', 'before 1970 refused');
select is(pg_temp.refusal($$select scc.report_period('2026-10', 'Mars/Olympus')$$), '22023 bad_time_zone',
          'an unknown zone refused by its own code');

-- the prior period: same grain and length
select is((select row(label, starts, ends, grain)::text from scc.report_prior_period(scc.report_period('2026-03', 'UTC'))),
          '("February 2026",2026-02-01,2026-03-01,month)', 'the month before March is February (28 days)');
select is((select row(label, starts, ends, grain)::text from scc.report_prior_period(scc.report_period('2026-Q1', 'UTC'))),
          '("Q4 2025",2025-10-01,2026-01-01,quarter)', 'the quarter before Q1 is Q4 of the year before');
select is((select row(label, starts, ends, grain)::text from scc.report_prior_period(scc.report_period('2026', 'UTC'))),
          '(2025,2025-01-01,2026-01-01,year)', 'the year before');
select is((select row(label, starts, ends, grain)::text
             from scc.report_prior_period(scc.report_period('2026-03-01..2026-03-31', 'UTC'))),
          '("2026-01-29 to 2026-02-28",2026-01-29,2026-03-01,range)', 'a range: as many days (31) ending where it starts');
select is((select time_zone from scc.report_prior_period(scc.report_period('2026-03', 'Asia/Kathmandu'))),
          'Asia/Kathmandu', 'the prior period keeps the zone');

-- ---- starting a run ----------------------------------------------------------------------------------------
insert into scc.users (id, email, name, role) values
    ('00000000-0000-4000-8000-00000000ea01', 'admin@rr.example', 'Ada Admin', 'admin'),
    ('00000000-0000-4000-8000-00000000ec01', 'cap1@rr.example', 'Cleo Captain', 'captain'),
    ('00000000-0000-4000-8000-00000000ec02', 'cap2@rr.example', 'Cato Captain', 'captain'),
    ('00000000-0000-4000-8000-00000000ed01', 'crew1@rr.example', 'Dee Crew', 'crew'),
    ('00000000-0000-4000-8000-00000000ed02', 'crew2@rr.example', 'Dan Crew', 'crew'),
    ('00000000-0000-4000-8000-00000000ef01', 'g1@rr.example', 'Flo Guest', 'guest'),
    ('00000000-0000-4000-8000-00000000ef02', 'g2@rr.example', 'Fay Guest', 'guest'),
    ('00000000-0000-4000-8000-00000000ef03', 'g3@rr.example', 'Fox Guest', 'guest');
create temporary table t (name text primary key, v bigint);
grant select, insert on t to scc_worker;

insert into t values ('r1', scc.report_run_start('cfo', '2026-02', 'America/Los_Angeles', '{"note": "x"}',
                                                  array['CFO@rr.example'], 'b', '00000000-0000-4000-8000-00000000ea01',
                                                  null, null, true));
select is((select row(kind, period, period_label, period_starts, period_ends, period_grain, time_zone, state,
                      variant, recipients, test, requested_by, options ->> 'note')::text
             from scc.report_runs where id = (select v from t where name = 'r1')),
          '(cfo,2026-02,"February 2026",2026-02-01,2026-03-01,month,America/Los_Angeles,queued,b,{cfo@rr.example},t,00000000-0000-4000-8000-00000000ea01,x)',
          'report_run_start: the run, queued, its period read, recipients lower-cased');
select is((select j.kind || ' ' || j.payload::text || ' ' || j.state from scc.jobs as j
            where j.id = (select job_id from scc.report_runs where id = (select v from t where name = 'r1'))),
          'report {"run_id": ' || (select v from t where name = 'r1') || '} queued',
          'its report job carries only the run id');
select is(pg_temp.refusal($$select scc.report_run_start('ceoo', '2026-02', 'UTC', '{}', '{}', null, null, null, null, false)$$),
          '22023 bad_report_kind', 'an unknown kind refused');
select is(pg_temp.refusal($$select scc.report_run_start('ceo', '2026-14', 'UTC', '{}', '{}', null, null, null, null, false)$$),
          '22023 bad_period', 'a bad period refused');
select is(pg_temp.refusal($$select scc.report_run_start('ceo', '2026-12', 'Nowhere/Else', '{}', '{}', null, null, null, null, false)$$),
          '22023 bad_time_zone', 'a bad zone refused');
select is(pg_temp.refusal($$select scc.report_run_start('ceo', '2026-12', 'UTC', '{}', array['a@b.co', 'nope'], null, null, null, null, false)$$),
          '22023 bad_recipient', 'a bad recipient refused');
select is(pg_temp.refusal($$select scc.report_run_start('ceo', '2026-12', 'UTC', '{}', '{}', 'Big Variant!', null, null, null, false)$$),
          '22023 bad_variant', 'a bad variant refused');
select is(pg_temp.refusal($$select scc.report_run_start('ceo', '2026-12', 'UTC', '[]', '{}', null, null, null, null, false)$$),
          '22023 bad_options', 'options that are not an object refused');
select is((select count(*)::int from scc.report_runs), 1, 'nothing was inserted by a refused start');
insert into t values ('preview', scc.report_run_start('rental', 'last_month', 'UTC', null, null, null, null, null, null, null));
select is((select row(cardinality(recipients), test, options::text)::text from scc.report_runs
            where id = (select v from t where name = 'preview')),
          '(0,f,{})', 'a preview: no recipients, not a test, empty options');
select ok(not has_function_privilege('scc_web', 'scc.report_run_start(text, text, text, jsonb, text[], text, uuid, bigint, timestamptz, boolean)', 'execute')
          and not has_function_privilege('scc_worker', 'scc.report_run_start(text, text, text, jsonb, text[], text, uuid, bigint, timestamptz, boolean)', 'execute'),
          'report_run_start is the owner''s (routes reach it through their own functions)');

-- enqueue_report and schedule slots go through it
insert into t values ('eq', scc.enqueue_report('delivery', '2026-Q3', array['ops@rr.example'], now() + interval '1 hour'));
insert into t select 'eq_run', r.id from scc.report_runs as r join t on t.v = r.job_id where t.name = 'eq';
select is((select row(r.kind, r.period_label, r.time_zone, r.recipients, j.run_at > now())::text
             from scc.report_runs as r join scc.jobs as j on j.id = r.job_id
            where j.id = (select v from t where name = 'eq')),
          '(delivery,"Q3 2026",UTC,{ops@rr.example},t)', 'enqueue_report: a run in UTC, its job at run_at, the job id returned');
select is(pg_temp.refusal($$select scc.enqueue_report('delivery', 'someday', array['ops@rr.example'])$$),
          '22023 bad_period', 'enqueue_report refuses a bad period');
insert into t values ('s', scc.schedule_report('ceo', '0 7 * * *', 'America/Los_Angeles', array['ceo@rr.example'],
                                               '{"variant": "short"}'));
update scc.report_schedules set created_at = '2026-01-01' where id = (select v from t where name = 's');
insert into t values ('slot', scc.enqueue_schedule_slot((select v from t where name = 's'), '2026-03-02 15:00Z'));
select is((select row(r.kind, r.period, r.variant, r.schedule_id = (select v from t where name = 's'), r.slot,
                      j.unique_key = 'schedule:' || r.schedule_id || ':2026-03-02T15:00:00Z')::text
             from scc.report_runs as r join scc.jobs as j on j.id = r.job_id
            where j.id = (select v from t where name = 'slot')),
          '(ceo,last_month,short,t,"2026-03-02 15:00:00+00",t)',
          'a slot: one run with the schedule''s period (default last_month), variant and slot; the slot''s key');
select is(scc.enqueue_schedule_slot((select v from t where name = 's'), '2026-03-02 15:00Z'), null,
          'the same slot again: nothing');
select is((select count(*)::int from scc.report_runs where schedule_id = (select v from t where name = 's')), 1,
          'one run for the slot');
select is(pg_temp.refusal($$select scc.schedule_report('ceo', '0 7 * * *', 'UTC', array['a@b.co'], '{"period": "soon"}')$$),
          '22023 bad_period', 'schedule_report refuses a period a run would refuse');
insert into t values ('s2', scc.schedule_report('cto', '0 7 * * *', 'UTC', array['cto@rr.example']));
update scc.report_schedules set created_at = '2026-01-01', options = '{"period": "whenever"}'
 where id = (select v from t where name = 's2');
select is(scc.enqueue_schedule_slot((select v from t where name = 's2'), '2026-03-02 07:00Z'), null,
          'a schedule whose options went bad queues nothing...');
select is((select enabled::text || ' ' || left(last_error, 21) from scc.report_schedules where id = (select v from t where name = 's2')),
          'false options: not a period', '...and is parked with the reason');

-- ---- the archive -------------------------------------------------------------------------------------------
set local role scc_worker;
select is((select state || ' ' || kind || ' ' || (data ->> 'kind') from scc.report_run_begin((select v from t where name = 'r1'))),
          'running cfo cfo', 'the worker begins a run: running, its JSON computed');
insert into t select 'r1_jobs', x[1] from scc.report_run_done((select v from t where name = 'r1'), 'CFO report: February 2026',
                                                    '<p>é</p>', 'text', E'a,b\r\n') as d(x)
 where cardinality(x) = 1;
reset role;
select is((select v from t where name = 'r1_jobs'), (select max(id) from scc.jobs where kind = 'email'),
          'done: the one email job''s id');
select is((select row(state, html_sha256 = encode(sha256(convert_to('<p>é</p>', 'UTF8')), 'hex'),
                      text_sha256 = encode(sha256('text'::bytea), 'hex'),
                      csv_sha256 = encode(sha256(E'a,b\r\n'::bytea), 'hex'), duration_ms >= 0,
                      finished_at is not null)::text
             from scc.report_runs where id = (select v from t where name = 'r1')),
          '(done,t,t,t,t,t)', 'the archive: SHA-256 of each rendering (UTF-8), the duration');
select is((select j.payload::text || ' ' || j.unique_key from scc.jobs as j
            where j.id = (select email_job_ids[1] from scc.report_runs where id = (select v from t where name = 'r1'))),
          '{"to": ["cfo@rr.example"], "template": "report_cfo", "report_run_id": ' || (select v from t where name = 'r1')
          || '} report-run:' || (select v from t where name = 'r1'),
          'the email job names the run and its recipients');
set local role scc_worker;
select is(scc.report_run_done((select v from t where name = 'r1'), 'again', 'x', 'y', 'z'),
          array[(select v from t where name = 'r1_jobs')],
          'done again (a rerun): the same email job, nothing changed');
select is((select state from scc.report_run_begin((select v from t where name = 'r1'))), 'done',
          'beginning a done run says done');
select is((select filename || ' ' || template || ' ' || subject from scc.report_run_mail((select v from t where name = 'r1'))),
          'cfo-2026-02.csv report_cfo CFO report: February 2026', 'the mail of a run: its archive, the CSV''s name');
reset role;
select is((select html from scc.report_runs where id = (select v from t where name = 'r1')), '<p>é</p>', 'kept as rendered');
select is(pg_temp.refusal(format('update scc.report_runs set html = %L where id = %s', 'forged', (select v from t where name = 'r1'))),
          'SC409 immutable_record', 'a done run never changes');
update scc.report_runs set schedule_id = (select v from t where name = 's2') where id = (select v from t where name = 'preview');
set local role scc_worker;
select is((select state from scc.report_run_begin((select v from t where name = 'preview'))), 'running', 'a preview begins');
select is(scc.report_run_done((select v from t where name = 'preview'), 's', 'h', 't', 'c'), '{}'::bigint[],
          'a preview is archived and mails nothing');
reset role;
select ok(scc.unschedule_report((select v from t where name = 's2')), 'the schedule of a done run can be deleted');
select is((select state || ' ' || coalesce(schedule_id::text, 'none') || ' ' || html from scc.report_runs
            where id = (select v from t where name = 'preview')),
          'done none h', 'the run stays, without its schedule');
set local role scc_worker;
select is((select state from scc.report_run_begin((select v from t where name = 'eq_run'))), 'running', 'a run begins');
select scc.report_run_fail((select v from t where name = 'eq_run'),
                           'template report_delivery: missing');
reset role;
select is((select state || ' ' || error from scc.report_runs as r join t on t.v = r.job_id where t.name = 'eq'),
          'failed template report_delivery: missing', 'a failed run keeps the error');
set local role scc_worker;
select is((select state from scc.report_run_begin((select v from t where name = 'eq_run'))), 'running', 'the retry begins it again');
reset role;
select is((select error from scc.report_runs as r join t on t.v = r.job_id where t.name = 'eq'), null,
          'the error of the earlier attempt is cleared');

-- skip when empty (a schedule's options.skip_when_empty): archived, not mailed
insert into t values ('skip', scc.report_run_start('cmo', '2031-01', 'UTC', '{"skip_when_empty": true}', array['cmo@rr.example'],
                                                    null, null, null, null, false));
set local role scc_worker;
select is((select (data ->> 'empty') from scc.report_run_begin((select v from t where name = 'skip'))), 'true',
          'a period without an event is empty');
select is(scc.report_run_done((select v from t where name = 'skip'), 's', 'h', 't', 'c'), '{}'::bigint[],
          'empty with skip_when_empty: archived, no email');
reset role;

-- ---- the charter figures on a fixture computed by hand --------------------------------------------------------
-- February 2026 in Los Angeles (28 days).  Boats A and B active, C not:
-- 2 x 28 = 56 available boat-days.  Events (local times):
--   E1 A 3 Feb 10-14 closed: captain, crew 2/2, guests 3; waivers 2/3
--   E2 A 10 Feb 18:00 - 12 Feb 12:00 returned: captain, crew 1/2, guests 2; waivers 2/2
--   E3 B 10 Feb 09-12 returned: no captain, crew 0/3
--   E4 B 20 Feb cancelled (weather), E5 B 21 Feb cancelled (weather),
--   E6 A 25 Feb cancelled (no bookings), E7 A 27 Feb draft
--   E8 A 28 Feb 23:30 (1 March 07:30 UTC: February here) scheduled: no captain, crew 1/2
--   E9 B 31 Jan 23:00 (1 February 07:00 UTC: January here) closed: outside
--   E10 B 27 Feb 10:00 - 2 March 10:00 underway: captain, crew 0/1
-- Sailed boat-days: A 3, 10, 11, 12; B 10, 27, 28 (clipped) = 7 -> 7/56 = 0.125.
-- Events 9 (E9 outside), not draft 8, sailed 4 (E1 E2 E3 E10), cancelled 3 -> 3/8 = 0.375.
-- Crew fill over E1 E2 E3 E8 E10: (2+1+0+1+0) / (2+2+3+2+1) = 4/10 = 0.4.
-- Captain seats unfilled: E3, E8 = 2.  Guests carried: 3 + 2 = 5.  Waivers (2+2)/(3+2) = 0.8.
insert into scc.boats (id, name, port_name, port_lat, port_lon, time_zone, guest_capacity, crew_min, crew_max, active)
values ('00000000-0000-4000-8000-00000000eb0a', 'Alpha', 'Shelter Island', 32.71, -117.23, 'America/Los_Angeles', 6, 0, 3, true),
       ('00000000-0000-4000-8000-00000000eb0b', 'Bravo', 'Shelter Island', 32.71, -117.23, 'America/Los_Angeles', 6, 0, 3, true),
       ('00000000-0000-4000-8000-00000000eb0c', 'Charlie', 'Shelter Island', 32.71, -117.23, 'America/Los_Angeles', 6, 0, 3, false);
update scc.boats set active = false where id not in ('00000000-0000-4000-8000-00000000eb0a', '00000000-0000-4000-8000-00000000eb0b');
create function pg_temp.ev(n int, boat text, dep text, ret text, st text, crew_max int, reason text default null)
returns void language sql as $f$
    insert into scc.events (id, boat_id, title, departure_at, return_at, time_zone, crew_min, crew_max, guest_max, state,
                            cancel_reason)
    values (('00000000-0000-4000-8000-0000000ee0' || lpad(n::text, 2, '0'))::uuid,
            ('00000000-0000-4000-8000-00000000eb0' || boat)::uuid, 'E' || n,
            (dep::timestamp at time zone 'America/Los_Angeles'), (ret::timestamp at time zone 'America/Los_Angeles'),
            'America/Los_Angeles', 0, crew_max, 6, st, reason)
$f$;
create function pg_temp.place(n int, who text, r text) returns void language sql as $f$
    insert into scc.event_roles (event_id, user_id, role, state)
    values (('00000000-0000-4000-8000-0000000ee0' || lpad(n::text, 2, '0'))::uuid,
            ('00000000-0000-4000-8000-00000000' || who)::uuid, r, 'confirmed')
$f$;
select pg_temp.ev(1, 'a', '2026-02-03 10:00', '2026-02-03 14:00', 'closed', 2);
select pg_temp.ev(2, 'a', '2026-02-10 18:00', '2026-02-12 12:00', 'returned', 2);
select pg_temp.ev(3, 'b', '2026-02-10 09:00', '2026-02-10 12:00', 'returned', 3);
select pg_temp.ev(4, 'b', '2026-02-20 09:00', '2026-02-20 12:00', 'cancelled', 2, 'weather');
select pg_temp.ev(5, 'b', '2026-02-21 09:00', '2026-02-21 12:00', 'cancelled', 2, 'weather');
select pg_temp.ev(6, 'a', '2026-02-25 09:00', '2026-02-25 12:00', 'cancelled', 2, 'no bookings');
select pg_temp.ev(7, 'a', '2026-02-27 09:00', '2026-02-27 12:00', 'draft', 2);
select pg_temp.ev(8, 'a', '2026-02-28 23:30', '2026-03-01 02:00', 'scheduled', 2);
select pg_temp.ev(9, 'b', '2026-01-31 23:00', '2026-02-01 01:00', 'closed', 2);
select pg_temp.ev(10, 'b', '2026-02-27 10:00', '2026-03-02 10:00', 'underway', 1);
select pg_temp.place(1, 'ec01', 'captain'), pg_temp.place(1, 'ed01', 'crew'), pg_temp.place(1, 'ed02', 'crew'),
       pg_temp.place(1, 'ef01', 'guest'), pg_temp.place(1, 'ef02', 'guest'), pg_temp.place(1, 'ef03', 'guest');
select pg_temp.place(2, 'ec02', 'captain'), pg_temp.place(2, 'ed01', 'crew'),
       pg_temp.place(2, 'ef01', 'guest'), pg_temp.place(2, 'ef02', 'guest');
select pg_temp.place(8, 'ed02', 'crew'), pg_temp.place(10, 'ec01', 'captain');
select pg_temp.place(9, 'ec01', 'captain');
-- a released place counts for nothing
insert into scc.event_roles (event_id, user_id, role, state)
values ('00000000-0000-4000-8000-0000000ee003', '00000000-0000-4000-8000-00000000ed01', 'crew', 'released');
insert into scc.waiver_completion (event_id, moment, manifested, valid) values
    ('00000000-0000-4000-8000-0000000ee001', 'departure', 3, 2),
    ('00000000-0000-4000-8000-0000000ee001', 't_minus_24h', 3, 0),
    ('00000000-0000-4000-8000-0000000ee002', 'departure', 2, 2);

create function pg_temp.fig(r jsonb, id text) returns text language sql as $f$
    select coalesce(f ->> 'value', 'null') || ' ' || (f ->> 'unit')
      from jsonb_array_elements(r -> 'sections') as s, jsonb_array_elements(s -> 'figures') as f
     where f ->> 'id' = id
$f$;
create temporary table rep as select scc_report.run('cfo', scc.report_period('2026-02', 'America/Los_Angeles')) as r;
select is(pg_temp.fig(r, 'events') || ' ' || (r ->> 'empty'), '9 count false', 'events: 9 (E9 is January here); not empty') from rep;
select is(pg_temp.fig(r, 'events_sailed'), '4 count', 'sailed: 4') from rep;
select is(pg_temp.fig(r, 'events_cancelled') || ', ' || pg_temp.fig(r, 'cancellation_rate'),
          '3 count, 0.3750 ratio', 'cancelled 3 of 8 not draft') from rep;
select is(pg_temp.fig(r, 'available_boat_days') || ', ' || pg_temp.fig(r, 'sailed_boat_days') || ', '
          || pg_temp.fig(r, 'utilisation'),
          '56 days, 7 days, 0.1250 ratio', 'utilisation 7 / 56 (a trip over several days, clipped at the end)') from rep;
select is(pg_temp.fig(r, 'crew_fill_rate'), '0.4000 ratio', 'crew fill 4 / 10') from rep;
select is(pg_temp.fig(r, 'captain_seats_unfilled') || ', ' || pg_temp.fig(r, 'guests_carried'),
          '2 count, 5 count', 'captain seats unfilled 2, guests carried 5') from rep;
select is(pg_temp.fig(r, 'waiver_completion'), '0.8000 ratio', 'waiver completion 4 / 5 at departure') from rep;
select is((select s -> 'table' -> 'rows' from jsonb_array_elements(r -> 'sections') as s where s ->> 'id' = 'charter_cancellations'),
          '[["weather", 2], ["no bookings", 1]]'::jsonb, 'the causes, most frequent first') from rep;
select is((select s -> 'table' -> 'rows' from jsonb_array_elements(r -> 'sections') as s where s ->> 'id' = 'charter'),
          '[["draft", 1], ["scheduled", 1], ["boarding", 0], ["underway", 1], ["returned", 2], ["closed", 1], ["cancelled", 3]]'::jsonb,
          'events by state, every state') from rep;
select is((select jsonb_array_length(s -> 'chart' -> 'points') || ' ' || (s -> 'chart' -> 'points' -> 9 ->> 'value')
             from jsonb_array_elements(r -> 'sections') as s where s ->> 'id' = 'charter_trend'),
          '28 2', 'the trend: one point a day, two sailings on 10 February') from rep;
select is(jsonb_array_length(c -> 'csv' -> 'rows') || ' ' || (c -> 'csv' -> 'rows' -> 0)::text, '9 ["2026-02-03", "Alpha", "E1", "closed", 1, 2, 2, 3, 2, 3, null]',
          'the charter CSV: one row per event, in departure order')
  from scc_report.charter_figures(scc.report_period('2026-02', 'America/Los_Angeles')) as c;

-- zero denominators: nothing departs, no boat is active
update scc.boats set active = false;
select is(pg_temp.fig(r, 'utilisation') || ', ' || pg_temp.fig(r, 'crew_fill_rate') || ', '
          || pg_temp.fig(r, 'cancellation_rate') || ', ' || pg_temp.fig(r, 'waiver_completion'),
          'null ratio, null ratio, null ratio, null ratio', 'zero denominators give null, not an error')
  from (select scc_report.run('ceo', scc.report_period('2030-06', 'UTC')) as r) as x;

-- ---- the outer shape of every report -------------------------------------------------------------------------
select is((select count(*)::int
             from unnest(array['ceo', 'cto', 'accounting', 'cmo', 'cfo', 'rental', 'delivery', 'portfolio']) as k(k),
                  lateral (select scc_report.run(k.k, scc.report_period('2026-02', 'UTC')) as r) as x
            where r ->> 'kind' = k.k and r ? 'title' and r -> 'period' ->> 'label' = 'February 2026'
              and r -> 'period' ->> 'time_zone' = 'UTC' and r ->> 'amounts' in ('gross', 'net', 'mixed')
              and r ? 'generated_at' and jsonb_array_length(r -> 'sections') > 0
              and jsonb_typeof(r -> 'csv' -> 'columns') = 'array' and jsonb_typeof(r -> 'csv' -> 'rows') = 'array'),
          8, 'all eight reports have the outer shape');
select is((select count(*)::int
             from unnest(array['ceo', 'cto', 'accounting', 'cmo', 'cfo', 'rental', 'delivery', 'portfolio']) as k(k),
                  lateral jsonb_array_elements(scc_report.run(k.k, scc.report_period('2026-02', 'UTC')) -> 'sections') as s
            where s ? 'pending' and jsonb_array_length(s -> 'figures') <> 0), 0,
          'a pending section has no figure');
select is((select array_agg(k.k order by k.k)
             from unnest(array['ceo', 'cto', 'accounting', 'cmo', 'cfo', 'rental', 'delivery', 'portfolio']) as k(k)
            where exists (select 1 from jsonb_array_elements(scc_report.run(k.k, scc.report_period('2026-02', 'UTC')) -> 'sections') as s
                           where s ->> 'id' = 'charter')),
          array['ceo', 'cfo', 'cmo'], 'CEO, CFO and CMO carry the charter section');
select is(pg_temp.refusal($$select scc_report.run('coo', scc.report_period('2026-02', 'UTC'))$$), '22023 bad_report_kind',
          'run refuses another kind');
select ok(has_function_privilege('scc_worker', 'scc_report.run(text, scc.report_span)', 'execute')
          and not has_function_privilege('scc_web', 'scc_report.run(text, scc.report_span)', 'execute')
          and not has_function_privilege('scc_worker', 'scc_report.ceo(scc.report_span)', 'execute'),
          'the worker runs reports through scc_report.run only');

-- ---- the CEO's risks of the next 7 days ------------------------------------------------------------------------
update scc.boats set active = true;
insert into scc.events (id, boat_id, title, departure_at, return_at, time_zone, crew_min, crew_max, guest_max, state)
values ('00000000-0000-4000-8000-0000000ee0f1', '00000000-0000-4000-8000-00000000eb0a', 'Soon, no captain',
        now() + interval '2 days', now() + interval '2 days 3 hours', 'America/Los_Angeles', 0, 2, 6, 'scheduled'),
       ('00000000-0000-4000-8000-0000000ee0f2', '00000000-0000-4000-8000-00000000eb0b', 'Later, no captain',
        now() + interval '8 days', now() + interval '8 days 3 hours', 'America/Los_Angeles', 0, 2, 6, 'scheduled');
select is((select (s -> 'figures' -> 0 ->> 'value') || ' ' || (s -> 'table' -> 'rows' -> 0 ->> 2) || ' '
                  || jsonb_array_length(s -> 'table' -> 'rows')
             from jsonb_array_elements(scc_report.run('ceo', scc.report_period('2026-02', 'UTC')) -> 'sections') as s
            where s ->> 'id' = 'operations_risks'),
          '1 Soon, no captain 1', 'the CEO''s risks: an event within 7 days without a captain, not one beyond');

-- ---- failover: the outbox row records which transport delivered -------------------------------------------
with o as (insert into scc.email_outbox (sender, recipients, subject, template, transport, status)
           values ('r@rr.example', '{x@rr.example}', 's', 'report_ceo', 'ses', 'sending') returning id)
insert into t select 'box', o.id from o;
select scc.email_finish((select v from t where name = 'box'), 'queued', null, 'SES unreachable', null, 'ses');
select is((select status || ' ' || coalesce(delivered_by, '-') from scc.email_outbox where id = (select v from t where name = 'box')),
          'queued -', 'a message not accepted records no transport');
update scc.email_outbox set status = 'sending' where id = (select v from t where name = 'box');
select scc.email_finish((select v from t where name = 'box'), 'sent', 'smtp-1', null, null, 'smtp');
select is((select status || ' ' || transport || ' ' || delivered_by from scc.email_outbox where id = (select v from t where name = 'box')),
          'sent ses smtp', 'a sent one records the transport that delivered it (the first listed was ses)');
select ok(has_function_privilege('scc_worker', 'scc.email_finish(bigint, text, text, text, bigint, text)', 'execute')
          and not has_function_privilege('scc_web', 'scc.email_finish(bigint, text, text, text, bigint, text)', 'execute'),
          'the worker records outcomes with the transport; the web role cannot');

-- a run's duration covers computing its figures (045): started_at is read
-- before scc_report.run, so duration_ms is at least the time the run's
-- computing took in this transaction (pg_stat_xact_user_functions)
set local track_functions = 'pl';
insert into t values ('timed', scc.report_run_start('ceo', '2026-02', 'UTC', null, null, null, null, null, null, null));
set local role scc_worker;
select is((select state from scc.report_run_begin((select v from t where name = 'timed'))), 'running', 'a timed run begins');
select is(scc.report_run_done((select v from t where name = 'timed'), 's', 'h', 't', 'c'), '{}'::bigint[],
          'the timed run is archived');
reset role;
select cmp_ok((select duration_ms from scc.report_runs where id = (select v from t where name = 'timed'))::numeric, '>=',
              (select floor(f.total_time)::numeric from pg_stat_xact_user_functions as f
                where f.schemaname = 'scc_report' and f.funcname = 'run'),
              'the duration includes computing the figures');
select * from finish();
rollback;

