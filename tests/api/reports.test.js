// reports.test.js — the reports' routes on a real stack (nginx + module,
// PostgreSQL, the real worker rendering and mailing into the stack's outbox
// folder): GET /api/reports, a preview run by POST /api/reports/:kind/runs
// followed until the worker has rendered it, its HTML under the no-script
// Content-Security-Policy of the nginx conf (and the other files under the
// usual one), its text and its CSV as a download; a test sent to the caller
// arriving as an email with the CSV attached and recorded on the run with
// its outbox row; the archive's keyset pages; schedules created, edited,
// paused, sent now and deleted over HTTP; refusals by field; DELETE and 405;
// and never a 5xx.  A stack of its own: runs and schedules stay.

import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { startStack } from './lib/stack.js';
import { api, isError, signIn } from './lib/auth.js';

const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox";

let stack, admin, captain;
const statuses = [];
async function call(method, p, who, body) {
  const r = await api(stack, method, p, { token: who?.access, body });
  statuses.push([`${method} ${p}`, r.status]);
  return r;
}

// Polls the run over HTTP until the worker has finished it (bounded).
async function finished(id, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await call('GET', `/api/report-runs/${id}`, admin);
    assert.equal(r.status, 200, r.text);
    if (r.body.run.state === 'done' || r.body.run.state === 'failed') return r.body.run;
    if (Date.now() > deadline) {
      const job = await stack.psql(`select state || ' ' || coalesce(last_error, '') from scc.jobs
          where id = (select job_id from scc.report_runs where id = ${Number(id)})`);
      throw new Error(`run ${id} still ${r.body.run.state} (job: ${job})`);
    }
    await new Promise((res) => setTimeout(res, 250));
  }
}

before(async () => {
  stack = await startStack();
  [admin, captain] = await Promise.all([signIn(stack, 'admin', { name: 'Ada Admin' }), signIn(stack, 'captain')]);
});
after(async () => { await stack?.stop(); });

test('GET /api/reports: the eight, for admins only', async () => {
  const r = await call('GET', '/api/reports', admin);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.reports.map((x) => x.kind), ['ceo', 'cto', 'accounting', 'cmo', 'cfo', 'rental', 'delivery', 'portfolio']);
  assert.ok(r.body.reports.every((x) => x.title && x.schedules === 0 && x.last_run === null));
  isError(await call('GET', '/api/reports', captain), 403, 'insufficient_scope');
  isError(await call('GET', '/api/reports', null), 401);
});

test('a preview runs through the worker; its HTML is served under a CSP without script, framed by our pages only', async () => {
  const r = await call('POST', '/api/reports/cfo/runs', admin, { period: '2026-10', time_zone: 'America/Los_Angeles' });
  assert.equal(r.status, 202, r.text);
  assert.equal(r.body.run.state, 'queued');
  assert.deepEqual(r.body.run.recipients, []);
  const run = await finished(r.body.run.id);
  assert.equal(run.state, 'done', run.error ?? '');
  assert.equal(run.period_label, 'October 2026');
  assert.equal(run.data.kind, 'cfo');
  assert.ok(Array.isArray(run.data.sections) && run.data.sections.length > 0, 'the JSON has its sections');
  assert.deepEqual(run.emails, [], 'a preview mails nothing');
  assert.match(run.hashes.html, /^[0-9a-f]{64}$/);

  const html = await api(stack, 'GET', run.files.html, { token: admin.access });
  assert.equal(html.status, 200);
  assert.equal(html.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(html.headers.get('content-security-policy'), REPORT_CSP, 'no script, sandboxed, framed by our own pages');
  assert.equal(html.headers.get('x-frame-options'), 'SAMEORIGIN');
  assert.equal(html.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(html.headers.get('content-disposition'), null, 'shown, not saved');
  assert.doesNotMatch(html.text, /<script/i);
  assert.equal((await import('node:crypto')).createHash('sha256').update(html.text).digest('hex'), run.hashes.html,
    'the HTML served is the HTML archived');

  const text = await api(stack, 'GET', run.files.text, { token: admin.access });
  assert.equal(text.status, 200);
  assert.equal(text.headers.get('content-type'), 'text/plain; charset=utf-8');
  assert.match(text.headers.get('content-security-policy'), /^default-src 'self';/, "the other files keep the site's policy");
  assert.equal(text.headers.get('x-frame-options'), 'DENY');

  const csv = await api(stack, 'GET', run.files.csv, { token: admin.access });
  assert.equal(csv.status, 200);
  assert.equal(csv.headers.get('content-type'), 'text/csv; charset=utf-8');
  assert.equal(csv.headers.get('content-disposition'), 'attachment; filename="cfo-2026-10.csv"');
  assert.match(csv.text, /\r\n$/, 'RFC 4180 lines');

  // a path the location's pattern does not match is answered by the API as usual
  const odd = await api(stack, 'GET', `/api/report-runs/${run.id}/html/`, { token: admin.access });
  assert.equal(odd.status, 404);
  isError(await call('GET', run.files.html, captain), 403, 'insufficient_scope');
  isError(await call('GET', run.files.html, null), 401);
});

test('a run not done yet has no files: 409 run_not_done', async () => {
  const id = await stack.psql(`insert into scc.report_runs (kind, period, period_label, period_starts, period_ends,
      period_grain, time_zone) values ('ceo', '2026-10', 'October 2026', '2026-10-01', '2026-11-01', 'month', 'UTC')
    returning id`);
  for (const part of ['html', 'text', 'csv']) {
    const r = await call('GET', `/api/report-runs/${id}/${part}`, admin);
    isError(r, 409, 'run_not_done');
  }
  isError(await call('GET', '/api/report-runs/99999999/html', admin), 404, 'run_not_found');
  isError(await call('GET', '/api/report-runs/x1/csv', admin), 400, 'invalid_id');
  await stack.psql(`delete from scc.report_runs where id = ${Number(id)}`);
});

test('"Send a test to me": mailed to the caller with the CSV attached, the outbox row on the run', async () => {
  const r = await call('POST', '/api/reports/ceo/runs', admin, { period: 'last_month', send_to: 'me' });
  assert.equal(r.status, 202, r.text);
  assert.deepEqual(r.body.run.recipients, [admin.email.toLowerCase()]);
  assert.equal(r.body.run.test, true);
  await finished(r.body.run.id);
  // the email job runs after the report job: wait for its outbox row to be sent
  const deadline = Date.now() + 30_000;
  let run;
  for (;;) {
    ({ run } = (await call('GET', `/api/report-runs/${r.body.run.id}`, admin)).body);
    if (run.emails.length && run.emails.every((e) => e.outbox.some((o) => o.status === 'sent'))) break;
    assert.ok(Date.now() < deadline, `no sent outbox row: ${JSON.stringify(run.emails)}`);
    await new Promise((res) => setTimeout(res, 250));
  }
  const row = run.emails[0].outbox[0];
  assert.deepEqual(row.recipients, [admin.email.toLowerCase()]);
  assert.ok(row.transport, 'the transport is recorded');
  const dir = path.join(stack.dir, 'mail');
  const file = fs.readdirSync(dir).find((f) => f.includes(`-${row.id}-`) && f.endsWith('.eml'));
  assert.ok(file, `the message is in the stack's mail folder (outbox ${row.id})`);
  const eml = fs.readFileSync(path.join(dir, file), 'utf8');
  assert.match(eml, /multipart\/mixed/i);
  assert.match(eml, /filename="?ceo-last_month\.csv"?/);
});

test('the archive: newest first, by kind, keyset pages', async () => {
  for (const period of ['2026-01', '2026-02', '2026-03']) {
    assert.equal((await call('POST', '/api/reports/rental/runs', admin, { period })).status, 202);
  }
  const all = await call('GET', '/api/report-runs?kind=rental&limit=2', admin);
  assert.equal(all.status, 200, all.text);
  assert.deepEqual(all.body.items.map((x) => x.period), ['2026-03', '2026-02']);
  const next = await call('GET', `/api/report-runs?kind=rental&limit=2&before=${all.body.next_before}`, admin);
  assert.deepEqual(next.body.items.map((x) => x.period), ['2026-01']);
  assert.equal(next.body.next_before, null);
  isError(await call('GET', '/api/report-runs?kind=coo', admin), 400, 'unknown_kind');
  isError(await call('GET', '/api/report-runs?sort=id', admin), 400, 'unknown_parameter');
});

test('runs refused by field', async () => {
  isError(await call('POST', '/api/reports/coo/runs', admin, { period: '2026-10' }), 404, 'unknown_kind');
  isError(await call('POST', '/api/reports/ceo/runs', admin, { period: '2026-13' }), 400, 'invalid_period');
  isError(await call('POST', '/api/reports/ceo/runs', admin, { period: '2026-10', time_zone: 'Mars/Base' }), 400, 'invalid_time_zone');
  isError(await call('POST', '/api/reports/ceo/runs', admin, { period: '2026-10', send_to: ['x@y'] }), 400, 'invalid_recipient');
  isError(await call('POST', '/api/reports/ceo/runs', admin, { period: '2026-10', variant: 'A B' }), 400, 'invalid_variant');
  isError(await call('POST', '/api/reports/ceo/runs', admin, { period: '2026-10', colour: 1 }), 400, 'unknown_field');
  isError(await call('POST', '/api/reports/ceo/runs', captain, { period: '2026-10' }), 403, 'insufficient_scope');
});

test('schedules: create, edit, pause, send now, delete; refusals by field; DELETE and 405', async () => {
  const made = await call('POST', '/api/report-schedules', admin, {
    kind: 'delivery', cron: '0 6 1 * *', time_zone: 'America/Los_Angeles', recipients: ['ops@example.com'],
    period: 'last_month', skip_when_empty: true, variant: 'short' });
  assert.equal(made.status, 201, made.text);
  const s = made.body.schedule;
  assert.equal(s.next_runs.length, 3);
  assert.ok(s.next_runs.every((t) => new Date(t) > new Date()), 'the next runs are ahead');
  assert.equal(s.skip_when_empty, true);

  const list = await call('GET', '/api/report-schedules', admin);
  assert.deepEqual(list.body.items.map((x) => x.id), [s.id]);
  assert.equal((await call('GET', '/api/reports', admin)).body.reports.find((x) => x.kind === 'delivery').schedules, 1);

  const edited = await call('PATCH', `/api/report-schedules/${s.id}`, admin, { cron: '30 7 * * MON', recipients: ['a@example.com', 'b@example.com'] });
  assert.equal(edited.status, 200, edited.text);
  assert.equal(edited.body.schedule.cron, '30 7 * * MON');
  assert.deepEqual(edited.body.schedule.recipients, ['a@example.com', 'b@example.com']);
  const paused = await call('PATCH', `/api/report-schedules/${s.id}`, admin, { enabled: false });
  assert.equal(paused.body.schedule.enabled, false);
  assert.equal(paused.body.schedule.next_runs, null);

  const now = await call('POST', '/api/reports/delivery/runs', admin, { schedule_id: s.id });
  assert.equal(now.status, 202, now.text);
  assert.equal(now.body.run.schedule_id, s.id);
  assert.deepEqual(now.body.run.recipients, ['a@example.com', 'b@example.com']);
  assert.equal(now.body.run.variant, 'short');

  isError(await call('POST', '/api/report-schedules', admin, { kind: 'delivery', cron: '0 25 * * *', time_zone: 'UTC',
    recipients: ['a@example.com'] }), 400, 'invalid_cron');
  isError(await call('POST', '/api/report-schedules', admin, { kind: 'delivery', cron: '0 5 * * *', time_zone: 'UTC',
    recipients: ['a@example.com'], period: 'someday' }), 400, 'invalid_period');
  isError(await call('PATCH', `/api/report-schedules/${s.id}`, admin, {}), 400, 'empty_body');
  isError(await call('PATCH', '/api/report-schedules/99999999', admin, { enabled: true }), 404, 'schedule_not_found');

  const put = await call('PUT', `/api/report-schedules/${s.id}`, admin, { enabled: true });
  assert.equal(put.status, 405);
  assert.equal(put.headers.get('allow'), 'PATCH, DELETE');
  isError(await call('DELETE', `/api/report-schedules/${s.id}`, captain), 403, 'insufficient_scope');
  const gone = await call('DELETE', `/api/report-schedules/${s.id}`, admin);
  assert.equal(gone.status, 200, gone.text);
  assert.equal(gone.body.deleted.id, s.id);
  isError(await call('DELETE', `/api/report-schedules/${s.id}`, admin), 404, 'schedule_not_found');
  assert.equal((await call('GET', `/api/report-runs/${now.body.run.id}`, admin)).body.run.schedule_id, null,
    'its runs stay in the archive');
});

test('no answer of this file was a 5xx', () => {
  assert.deepEqual(statuses.filter(([, st]) => st >= 500), []);
  assert.ok(statuses.length > 30, `${statuses.length} requests made`);
});
