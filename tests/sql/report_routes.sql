-- report_routes.sql — the reports' routes (036_report_routes.sql): the
-- list of the eight, a run on demand (a preview, a test to the caller, a
-- list of addresses, "send now" for a schedule) and every refusal by its
-- field, the archive (filters, keyset pages), one run in full with its
-- email jobs and outbox rows, the rendered files of a done run (and 409
-- before), schedules (create, edit, pause and resume, delete) with their
-- refusals, the cron checks and next slots, and the mirror between the
-- schedule's columns and its options that 002's and 033's functions read.
-- Runs as the superuser inside a rolled-back transaction.
begin;
create extension if not exists pgtap;
select plan(100);

insert into scc.users (id, email, name, role) values
    ('00000000-0000-4000-8000-00000000a0a1', 'Ada@Reports.example', 'Ada Admin', 'admin'),
    ('00000000-0000-4000-8000-00000000a0c1', 'cap@reports.example', 'Cleo Captain', 'captain');

create function pg_temp.ctx(params jsonb default '{}', body jsonb default null, query jsonb default '{}',
                            actor text default '00000000-0000-4000-8000-00000000a0a1') returns jsonb
language sql as $$
    select jsonb_build_object('actor', jsonb_build_object('id', u.id, 'role', u.role),
                              'params', params, 'query', query, 'body', body, 'request_id', 'report-routes-test')
      from scc.users as u where u.id = actor::uuid
$$;
-- the machine code (DETAIL) and status a statement is refused with, or 'ok'
create function pg_temp.refusal(stmt text) returns text language plpgsql as $$
declare
    st text;
    d  text;
begin
    execute stmt;
    return 'ok';
exception when others then
    get stacked diagnostics st = returned_sqlstate, d = pg_exception_detail;
    return st || ' ' || coalesce(d, '');
end
$$;
create function pg_temp.start(kind text, body jsonb) returns jsonb language sql as $$
    select jsonb_build_object('status', r.status, 'body', r.body::jsonb)
      from scc_api.report_run_create(pg_temp.ctx(jsonb_build_object('kind', kind), body)) as r
$$;
create function pg_temp.sched(body jsonb) returns jsonb language sql as $$
    select jsonb_build_object('status', r.status, 'body', r.body::jsonb)
      from scc_api.report_schedule_create(pg_temp.ctx('{}', body)) as r
$$;
create function pg_temp.patch(id bigint, body jsonb) returns jsonb language sql as $$
    select jsonb_build_object('status', r.status, 'body', r.body::jsonb)
      from scc_api.report_schedule_update(pg_temp.ctx(jsonb_build_object('id', id::text), body)) as r
$$;

-- ---- GET /api/reports -------------------------------------------------------------------------------------
create temp table l0 as select (scc_api.reports_list(pg_temp.ctx())).body::jsonb as b;
select is((select jsonb_path_query_array(b, '$.reports[*].kind') from l0),
          '["ceo", "cto", "accounting", "cmo", "cfo", "rental", "delivery", "portfolio"]'::jsonb,
          'the eight reports, in the page''s order');
select is((select b -> 'reports' -> 0 ->> 'title' from l0), 'CEO report', 'each with its title');
select is((select count(*)::int from scc.report_catalog() as c
            where c.title = scc_report.run(c.kind, scc.report_period('2026-10', 'UTC')) ->> 'title'), 8,
          'the titles are those the reports give themselves');
select is((select b -> 'reports' -> 0 -> 'last_run' from l0), 'null'::jsonb, 'no run yet: last_run null');
select is(pg_temp.refusal($$select scc_api.reports_list(pg_temp.ctx(actor => '00000000-0000-4000-8000-00000000a0c1'))$$),
          'SC403 insufficient_scope', 'a captain may not list the reports');
select is(pg_temp.refusal($$select scc_api.reports_list(pg_temp.ctx(query => '{"x": "1"}'))$$),
          'SC400 unknown_parameter', 'an unknown parameter is refused');

-- ---- POST /api/reports/:kind/runs: refusals, each by its field --------------------------------------------
select is(pg_temp.refusal($$select pg_temp.start('nope', '{"period": "2026-10"}')$$), 'SC404 unknown_kind',
          'an unknown kind: 404 unknown_kind');
select is(pg_temp.refusal($$select pg_temp.start('ceo', '{}')$$), 'SC400 period_required', 'no period');
select is(pg_temp.refusal($$select pg_temp.start('ceo', '{"period": "2026-13"}')$$), 'SC400 invalid_period',
          'a month that does not exist');
select is(pg_temp.refusal($$select pg_temp.start('ceo', '{"period": "2026-02-30..2026-03-01"}')$$),
          'SC400 invalid_period', 'a range from a day that does not exist');
select is(pg_temp.refusal($$select pg_temp.start('ceo', '{"period": 2026}')$$), 'SC400 invalid_period',
          'a period that is not a string');
select is(pg_temp.refusal($$select pg_temp.start('ceo', '{"period": "2026-10", "time_zone": "Mars/Olympus"}')$$),
          'SC400 invalid_time_zone', 'an unknown time zone');
select is(pg_temp.refusal($$select pg_temp.start('ceo', '{"period": "2026-10", "send_to": ["a@b.example", "nope"]}')$$),
          'SC400 invalid_recipient', 'an address that is not one');
select is(pg_temp.refusal($$select pg_temp.start('ceo', '{"period": "2026-10", "send_to": "you"}')$$),
          'SC400 invalid_send_to', 'send_to other than "me" or a list');
select is(pg_temp.refusal($$select pg_temp.start('ceo', jsonb_build_object('period', '2026-10', 'send_to',
              (select jsonb_agg('r' || i || '@b.example') from generate_series(1, 51) as i)))$$),
          'SC400 invalid_send_to', 'more than 50 addresses');
select is(pg_temp.refusal($$select pg_temp.start('ceo', '{"period": "2026-10", "variant": "B!"}')$$),
          'SC400 invalid_variant', 'a variant outside [a-z0-9_-]');
select is(pg_temp.refusal($$select pg_temp.start('ceo', '{"period": "2026-10", "colour": "red"}')$$),
          'SC400 unknown_field', 'an unknown field');
select is(pg_temp.refusal($$select pg_temp.start('ceo', '{"schedule_id": 987654321}')$$),
          'SC404 schedule_not_found', 'send now for a schedule that does not exist');
select is(pg_temp.refusal($$select pg_temp.start('ceo', '{"schedule_id": "1"}')$$),
          'SC400 invalid_schedule_id', 'a schedule id that is not a number');
select is(pg_temp.refusal($$select scc_api.report_run_create(pg_temp.ctx('{"kind": "ceo"}', '{"period": "2026-10"}', '{}',
              '00000000-0000-4000-8000-00000000a0c1'))$$),
          'SC403 insufficient_scope', 'a captain may not run a report');
select is((select count(*)::int from scc.report_runs), 0, 'no refusal left a run');

-- ---- a preview, a test to me, a list ----------------------------------------------------------------------
create temp table r1 as select pg_temp.start('cfo', '{"period": "2026-10", "time_zone": "America/Los_Angeles"}') as x;
select is((select x ->> 'status' from r1), '202', 'a preview is accepted: 202');
select is((select x -> 'body' -> 'run' ->> 'state' from r1), 'queued', 'the run is queued');
select is((select x -> 'body' -> 'run' -> 'recipients' from r1), '[]'::jsonb, 'a preview mails nobody');
select is((select x -> 'body' -> 'run' ->> 'period_label' from r1), 'October 2026', 'the period read by scc.report_period');
select is((select (x -> 'body' -> 'run' ->> 'starts') || ' ' || (x -> 'body' -> 'run' ->> 'ends') from r1),
          '2026-10-01 2026-11-01', 'its dates (the end excluded)');
select is((select x -> 'body' -> 'run' -> 'requested_by' ->> 'email' from r1), 'Ada@Reports.example',
          'who asked for it');
select is((select j.kind || ' ' || (j.payload ->> 'run_id') from scc.jobs as j
            where j.id = (select (x -> 'body' -> 'run' ->> 'job_id')::bigint from r1)),
          'report ' || (select x -> 'body' -> 'run' ->> 'id' from r1), 'its report job is queued for the worker');
select is((select a.action || ' ' || a.entity_id from scc.audit_log as a where a.request_id = 'report-routes-test'
            order by a.id desc limit 1),
          'report_run.create ' || (select x -> 'body' -> 'run' ->> 'id' from r1), 'audited report_run.create');
select is((select x -> 'body' -> 'run' ->> 'time_zone' from r1), 'America/Los_Angeles', 'in the zone asked for');
select is((pg_temp.start('cto', '{"period": "2026-Q3"}') -> 'body' -> 'run' ->> 'time_zone'), 'UTC',
          'the zone defaults to UTC');

create temp table r2 as select pg_temp.start('ceo', '{"period": "last_month", "send_to": "me", "variant": "b"}') as x;
select is((select x -> 'body' -> 'run' -> 'recipients' from r2), '["ada@reports.example"]'::jsonb,
          'send_to "me": the caller''s stored address');
select is((select (x -> 'body' -> 'run' ->> 'test')::boolean from r2), true, 'and the run is a test');
select is((select x -> 'body' -> 'run' ->> 'variant' from r2), 'b', 'the variant is recorded with the run');
create temp table r3 as select pg_temp.start('rental', '{"period": "2026", "send_to": [" ops@x.example", "OPS@x.example", "cfo@x.example"]}') as x;
select is((select x -> 'body' -> 'run' -> 'recipients' from r3), '["ops@x.example", "cfo@x.example"]'::jsonb,
          'a list: trimmed, duplicates in any case dropped');
select is((select (x -> 'body' -> 'run' ->> 'test')::boolean from r3), false, 'not a test');

-- ---- GET /api/report-runs -----------------------------------------------------------------------------------
create function pg_temp.runs(query jsonb) returns jsonb language sql as $$
    select (scc_api.report_runs_list(pg_temp.ctx('{}', null, query))).body::jsonb
$$;
select is(jsonb_array_length(pg_temp.runs('{}') -> 'items'), 4, 'the archive lists every run');
select is((select array_agg(x::bigint order by n) from jsonb_array_elements_text(jsonb_path_query_array(pg_temp.runs('{}'), '$.items[*].id'))
             with ordinality as e(x, n)),
          (select array_agg(id order by id desc) from scc.report_runs), 'newest first');
select is(pg_temp.runs('{"kind": "ceo"}') -> 'items' -> 0 ->> 'kind', 'ceo', 'by kind');
select is(jsonb_array_length(pg_temp.runs('{"kind": "ceo"}') -> 'items'), 1, 'only that kind');
select is((pg_temp.runs('{"limit": "3"}') ->> 'next_before')::bigint,
          (select id from scc.report_runs order by id desc offset 2 limit 1), 'a page of 3: next_before is its last id');
select is(jsonb_array_length(pg_temp.runs(jsonb_build_object('limit', '3', 'before',
              pg_temp.runs('{"limit": "3"}') ->> 'next_before')) -> 'items'), 1, 'the next page has the rest');
select is(pg_temp.runs(jsonb_build_object('limit', '3', 'before', pg_temp.runs('{"limit": "3"}') ->> 'next_before')) -> 'next_before',
          'null'::jsonb, 'and no next page');
select is(pg_temp.refusal($$select pg_temp.runs('{"kind": "coo"}')$$), 'SC400 unknown_kind', 'an unknown kind');
select is(pg_temp.refusal($$select pg_temp.runs('{"limit": "0"}')$$), 'SC400 invalid_limit', 'limit 0');
select is(pg_temp.refusal($$select pg_temp.runs('{"before": "x"}')$$), 'SC400 invalid_before', 'before not an id');
select is(pg_temp.refusal($$select pg_temp.runs('{"schedule": "-1"}')$$), 'SC400 invalid_schedule', 'schedule not an id');

-- ---- GET /api/report-runs/:id and its files ---------------------------------------------------------------
create function pg_temp.run(id text) returns jsonb language sql as $$
    select (scc_api.report_run_get(pg_temp.ctx(jsonb_build_object('id', id)))).body::jsonb -> 'run'
$$;
create function pg_temp.file(part text, id text) returns scc_api.file_response language plpgsql as $$
begin
    return case part
        when 'html' then scc_api.report_run_html(pg_temp.ctx(jsonb_build_object('id', id)))
        when 'text' then scc_api.report_run_text(pg_temp.ctx(jsonb_build_object('id', id)))
        else scc_api.report_run_csv(pg_temp.ctx(jsonb_build_object('id', id))) end;
end
$$;
select is(pg_temp.refusal($$select pg_temp.run('1x')$$), 'SC400 invalid_id', 'a run id that is not a number');
select is(pg_temp.refusal($$select pg_temp.run('987654321')$$), 'SC404 run_not_found', 'a run that does not exist');
select is(pg_temp.refusal(format($$select pg_temp.file('html', %L)$$, (select x -> 'body' -> 'run' ->> 'id' from r1))),
          'SC409 run_not_done', 'a queued run has no HTML yet');
select is(pg_temp.run((select x -> 'body' -> 'run' ->> 'id' from r1)) -> 'data', 'null'::jsonb, 'nor data');

-- the worker's part, done by hand: the run rendered and one email job with its outbox row
select scc.enqueue_job('email', '{"template": "report", "to": "ops@x.example"}', now(), 0, 'report-routes-test-mail') as mail_job
\gset
insert into scc.email_outbox (job_id, sender, recipients, subject, template, transport, status, provider_message_id, sent_at)
values (:mail_job, 'reports@scc.example', array['ops@x.example'], 'Rental operations report: 2026', 'report', 'ses',
        'sent', '0100018c-test-message', now());
update scc.report_runs
   set state = 'done', started_at = now(), finished_at = now(), duration_ms = 42,
       data = '{"kind": "rental", "sections": []}', subject = 'Rental operations report: 2026',
       html = '<!doctype html><p>Rental</p>', text = 'Rental', csv = E'a,b\r\n1,2\r\n',
       html_sha256 = encode(sha256('<!doctype html><p>Rental</p>'), 'hex'), text_sha256 = encode(sha256('Rental'), 'hex'),
       csv_sha256 = encode(sha256(E'a,b\r\n1,2\r\n'), 'hex'), email_job_ids = array[:mail_job::bigint]
 where id = (select (x -> 'body' -> 'run' ->> 'id')::bigint from r3);
create temp table d3 as select pg_temp.run((select x -> 'body' -> 'run' ->> 'id' from r3)) as r;
select is((select r -> 'data' ->> 'kind' from d3), 'rental', 'a done run has its JSON');
select is((select r -> 'hashes' ->> 'text' from d3), encode(sha256('Rental'), 'hex'), 'and the hashes of what it rendered');
select is((select r -> 'files' ->> 'csv' from d3), '/api/report-runs/' || (select x -> 'body' -> 'run' ->> 'id' from r3) || '/csv',
          'and the paths of its files');
select is((select r -> 'emails' -> 0 -> 'outbox' -> 0 ->> 'status' || ' ' || (r -> 'emails' -> 0 -> 'outbox' -> 0 ->> 'transport')
                  || ' ' || (r -> 'emails' -> 0 -> 'outbox' -> 0 ->> 'message_id') from d3),
          'sent ses 0100018c-test-message', 'what was mailed: the outbox row''s status, transport and message id');
select is((select r -> 'emails' -> 0 ->> 'state' from d3), 'queued', 'and the email job''s state');
select is((pg_temp.file('html', (select x -> 'body' -> 'run' ->> 'id' from r3))).content_type, 'text/html; charset=utf-8',
          'the HTML as text/html');
select is((pg_temp.file('html', (select x -> 'body' -> 'run' ->> 'id' from r3))).body, '<!doctype html><p>Rental</p>',
          'exactly as archived');
select is((pg_temp.file('html', (select x -> 'body' -> 'run' ->> 'id' from r3))).filename, null, 'shown, not saved');
select is((pg_temp.file('text', (select x -> 'body' -> 'run' ->> 'id' from r3))).content_type, 'text/plain; charset=utf-8',
          'the text as text/plain');
select is((select (f).content_type || ' ' || (f).filename || ' ' || (f).body
             from (select pg_temp.file('csv', (select x -> 'body' -> 'run' ->> 'id' from r3)) as f) as s),
          E'text/csv; charset=utf-8 rental-2026.csv a,b\r\n1,2\r\n', 'the CSV as a download named <kind>-<period>.csv');
select is(((scc_api.reports_list(pg_temp.ctx())).body::jsonb -> 'reports' -> 5 -> 'last_done' ->> 'id'),
          (select x -> 'body' -> 'run' ->> 'id' from r3), 'the list shows a report''s last done run');

-- ---- schedules -----------------------------------------------------------------------------------------------
select is(pg_temp.refusal($$select pg_temp.sched('{"cron": "0 7 * * *", "time_zone": "UTC", "recipients": ["a@b.example"]}')$$),
          'SC400 kind_required', 'no kind');
select is(pg_temp.refusal($$select pg_temp.sched('{"kind": "coo", "cron": "0 7 * * *", "time_zone": "UTC", "recipients": ["a@b.example"]}')$$),
          'SC400 unknown_kind', 'an unknown kind');
select is(pg_temp.refusal($$select pg_temp.sched('{"kind": "cfo", "time_zone": "UTC", "recipients": ["a@b.example"]}')$$),
          'SC400 cron_required', 'no cron');
select is(pg_temp.refusal($$select pg_temp.sched('{"kind": "cfo", "cron": "61 * * * *", "time_zone": "UTC", "recipients": ["a@b.example"]}')$$),
          'SC400 invalid_cron', 'a minute out of range (the shape alone would pass it)');
select throws_ok($$select pg_temp.sched('{"kind": "cfo", "cron": "0 0 30 2 *", "time_zone": "UTC", "recipients": ["a@b.example"]}')$$,
                 'SC400', 'cron: day-of-month: no chosen day occurs in the chosen months', 'a day that never comes, in cron.c''s words');
select is(pg_temp.refusal($$select pg_temp.sched('{"kind": "cfo", "cron": "0 7 * * *", "time_zone": "Nowhere", "recipients": ["a@b.example"]}')$$),
          'SC400 invalid_time_zone', 'an unknown zone');
select is(pg_temp.refusal($$select pg_temp.sched('{"kind": "cfo", "cron": "0 7 * * *", "time_zone": "UTC", "recipients": []}')$$),
          'SC400 recipients_required', 'no recipient');
select is(pg_temp.refusal($$select pg_temp.sched('{"kind": "cfo", "cron": "0 7 * * *", "time_zone": "UTC", "recipients": ["a@b"]}')$$),
          'SC400 invalid_recipient', 'a bad recipient');
select is(pg_temp.refusal($$select pg_temp.sched('{"kind": "cfo", "cron": "0 7 * * *", "time_zone": "UTC", "recipients": ["a@b.example"], "period": "last_decade"}')$$),
          'SC400 invalid_period', 'a period scc.report_period refuses');
select is(pg_temp.refusal($$select pg_temp.sched('{"kind": "cfo", "cron": "0 7 * * *", "time_zone": "UTC", "recipients": ["a@b.example"], "skip_when_empty": "yes"}')$$),
          'SC400 invalid_skip_when_empty', 'skip_when_empty not a boolean');
select is(pg_temp.refusal($$select pg_temp.sched('{"kind": "cfo", "cron": "0 7 * * *", "time_zone": "UTC", "recipients": ["a@b.example"], "when": "now"}')$$),
          'SC400 unknown_field', 'an unknown field');

create temp table s1 as select pg_temp.sched('{"kind": "cfo", "cron": "0 7 * * MON-FRI", "time_zone": "America/Los_Angeles",
    "recipients": ["cfo@x.example"], "skip_when_empty": true, "variant": "short"}') as x;
select is((select x ->> 'status' from s1), '201', 'a schedule is created: 201');
select is((select x -> 'body' -> 'schedule' ->> 'period' from s1), 'last_month', 'the period defaults to last_month');
select is((select options from scc.report_schedules where id = (select (x -> 'body' -> 'schedule' ->> 'id')::bigint from s1)),
          '{"period": "last_month", "variant": "short", "skip_when_empty": true}'::jsonb,
          'the columns are written into options, which the slot''s run reads');
select is((select jsonb_array_length(x -> 'body' -> 'schedule' -> 'next_runs') from s1), 3, 'with its next three slots');
select ok((select bool_and(extract(isodow from (t::timestamptz at time zone 'America/Los_Angeles')) between 1 and 5
                       and to_char(t::timestamptz at time zone 'America/Los_Angeles', 'HH24:MI') = '07:00')
             from s1, jsonb_array_elements_text(x -> 'body' -> 'schedule' -> 'next_runs') as n(t)),
          'each a weekday at 07:00 in the schedule''s zone');
select is((select a.action from scc.audit_log as a where a.entity = 'report_schedule' order by a.id desc limit 1),
          'report_schedule.create', 'audited report_schedule.create');

-- send now: the schedule's period, zone, variant and recipients; the run records the schedule
create temp table r4 as select pg_temp.start('cfo', jsonb_build_object('schedule_id', (select (x -> 'body' -> 'schedule' ->> 'id')::bigint from s1))) as x;
select is((select (x -> 'body' -> 'run' ->> 'schedule_id') || ' ' || (x -> 'body' -> 'run' ->> 'period') || ' '
                  || (x -> 'body' -> 'run' ->> 'time_zone') || ' ' || (x -> 'body' -> 'run' ->> 'variant') || ' '
                  || (x -> 'body' -> 'run' ->> 'recipients') from r4),
          (select x -> 'body' -> 'schedule' ->> 'id' from s1) || ' last_month America/Los_Angeles short ["cfo@x.example"]',
          'send now runs the schedule''s report for its period to its recipients');
select is(pg_temp.refusal(format($$select pg_temp.start('ceo', '{"schedule_id": %s}')$$, (select x -> 'body' -> 'schedule' ->> 'id' from s1))),
          'SC400 schedule_kind_mismatch', 'send now names the schedule''s own kind');
select is(pg_temp.runs(jsonb_build_object('schedule', (select x -> 'body' -> 'schedule' ->> 'id' from s1))) -> 'items' -> 0 ->> 'id',
          (select x -> 'body' -> 'run' ->> 'id' from r4), 'the archive by schedule');

-- a slot of it (033's enqueue_schedule_slot reads options): skip_when_empty travels with the run
select ok(scc.enqueue_schedule_slot((select (x -> 'body' -> 'schedule' ->> 'id')::bigint from s1), now() + interval '1 second')
          is not null, 'a slot of the schedule is queued');
select is((select r.options ->> 'skip_when_empty' || ' ' || r.variant from scc.report_runs as r
            where r.schedule_id = (select (x -> 'body' -> 'schedule' ->> 'id')::bigint from s1) and r.slot is not null),
          'true short', 'the slot''s run carries skip_when_empty and the variant');

-- PATCH
select is(pg_temp.refusal($$select pg_temp.patch(987654321, '{"enabled": false}')$$), 'SC404 schedule_not_found', 'an unknown schedule');
select is(pg_temp.refusal(format($$select pg_temp.patch(%s, '{}')$$, (select x -> 'body' -> 'schedule' ->> 'id' from s1))),
          'SC400 empty_body', 'nothing to change');
select is(pg_temp.refusal(format($$select pg_temp.patch(%s, '{"cron": "* * * *"}')$$, (select x -> 'body' -> 'schedule' ->> 'id' from s1))),
          'SC400 invalid_cron', 'a bad cron on edit');
select is((pg_temp.patch((select (x -> 'body' -> 'schedule' ->> 'id')::bigint from s1), '{"enabled": false}')
           -> 'body' -> 'schedule' -> 'next_runs'), 'null'::jsonb, 'paused: no next runs');
update scc.report_schedules set last_slot = now() - interval '3 days'
 where id = (select (x -> 'body' -> 'schedule' ->> 'id')::bigint from s1);
select is((pg_temp.patch((select (x -> 'body' -> 'schedule' ->> 'id')::bigint from s1), '{"enabled": true, "period": "2026-Q3"}')
           -> 'body' -> 'schedule' ->> 'last_slot')::timestamptz, now(),
          'enabled again: last_slot moves to now (no catch-up of the slots it was paused for)');
select is((select period || ' ' || (options ->> 'period') from scc.report_schedules
            where id = (select (x -> 'body' -> 'schedule' ->> 'id')::bigint from s1)),
          '2026-Q3 2026-Q3', 'a new period in the column and in options');

-- 002's schedule_report still works, its options setting the columns; a hand-made update of options too
select scc.schedule_report('rental', '@monthly', 'UTC', array['ops@x.example'], '{"period": "last_quarter", "variant": "a"}') as sr
\gset
select is((select period || ' ' || variant || ' ' || skip_when_empty from scc.report_schedules where id = :sr),
          'last_quarter a false', 'scc.schedule_report''s options set the columns');
update scc.report_schedules set options = options || '{"skip_when_empty": true}' where id = :sr;
select is((select skip_when_empty from scc.report_schedules where id = :sr), true, 'an update of options alone sets its column');
select is(jsonb_array_length((scc_api.report_schedules_list(pg_temp.ctx(query => '{"kind": "rental"}'))).body::jsonb -> 'items'), 1,
          'the schedules by kind');

-- DELETE: gone, its runs stay in the archive, a done one too
create temp table r5 as select pg_temp.start('cfo', jsonb_build_object('schedule_id', (select (x -> 'body' -> 'schedule' ->> 'id')::bigint from s1))) as x;
do $$
declare
    id bigint := (select (x -> 'body' -> 'run' ->> 'id')::bigint from r5);
begin
    perform scc.report_run_begin(id);
    perform scc.report_run_done(id, 's', '<p>h</p>', 't', E'c\r\n');
end
$$;
select is((scc_api.report_schedule_delete(pg_temp.ctx(jsonb_build_object('id', (select x -> 'body' -> 'schedule' ->> 'id' from s1))))).status,
          200, 'a schedule is deleted');
select is((select count(*)::int from scc.report_schedules where id = (select (x -> 'body' -> 'schedule' ->> 'id')::bigint from s1)), 0,
          'it is gone');
select is((select schedule_id from scc.report_runs where id = (select (x -> 'body' -> 'run' ->> 'id')::bigint from r4)), null,
          'its runs stay, no longer tied to it');
select is((select state || ' ' || coalesce(schedule_id::text, 'none') from scc.report_runs
            where id = (select (x -> 'body' -> 'run' ->> 'id')::bigint from r5)), 'done none',
          'a done run of it too: the one change its archive takes');
select is(pg_temp.refusal(format('update scc.report_runs set schedule_id = null, subject = %L where id = %s', 'x',
              (select x -> 'body' -> 'run' ->> 'id' from r3))), 'SC409 immutable_record', 'any other change of a done run is refused');
select is((select a.before ->> 'kind' from scc.audit_log as a where a.action = 'report_schedule.delete' order by a.id desc limit 1),
          'cfo', 'audited with what it was');
select is(pg_temp.refusal(format($$select scc_api.report_schedule_delete(pg_temp.ctx(jsonb_build_object('id', %L)))$$,
              (select x -> 'body' -> 'schedule' ->> 'id' from s1))), 'SC404 schedule_not_found', 'deleting it again: 404');

select * from finish();
rollback;
