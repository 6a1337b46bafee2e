// reports.test.js — report runs by real scc-worker processes (issue 11,
// helper J1): a preview archives its HTML, text and CSV with their SHA-256
// and mails nothing; every report renders for an empty period (HTML well
// formed, text within 78 characters, the CSV parsed back to the JSON's
// rows); a run with a recipient arrives through the aws-ses-v2-local SES
// emulator with its CSV attached; a rerun mails once; failover
// (`transport = ses, smtp`): SES refusing connections, its account
// paused, or still throttling on the last attempt -> delivered by a real
// SMTP peer, the outbox row says so; a refusal (400) never fails over.
//
// One dedicated stack without its background worker; each test starts the
// workers it needs.  Traffic stays on 127.0.0.1.

import test, { before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import sesLocalModule from 'aws-ses-v2-local';
import { startStack, freePort, ROOT } from '../api/lib/stack.js';
import { spawnWorker, waitFor } from './lib/workers.js';
import { smtpServer } from './lib/smtp.js';
import { parseCsv, expectedCsv, csvMismatches, checkRendered } from './lib/report_checks.js';

const sesLocal = sesLocalModule.default ?? sesLocalModule;
process.env.AWS_ACCESS_KEY_ID = 'AKIDSCCREPORTS';
process.env.AWS_SECRET_ACCESS_KEY = 'scc-reports-test-secret-0123456789';
delete process.env.AWS_SESSION_TOKEN;
delete process.env.AWS_REGION;
delete process.env.AWS_DEFAULT_REGION;

const KINDS = ['ceo', 'cto', 'accounting', 'cmo', 'cfo', 'rental', 'delivery', 'portfolio'];
let s, ses, sesUrl;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scc-reports-test-'));
const q = (sql) => s.psql(sql);
const lit = (v) => `'${String(v).replace(/'/g, "''")}'`;

// February 2026 in Los Angeles: two events sailed, one cancelled for a
// cause with a comma and a quote, one whose title a spreadsheet would run.
const FIXTURE = `
insert into scc.boats (id, name, port_name, port_lat, port_lon, time_zone, guest_capacity, crew_min, crew_max)
values ('00000000-0000-4000-8000-00000000fb01', 'Report Boat', 'Shelter Island', 32.71, -117.23,
        'America/Los_Angeles', 6, 0, 2);
insert into scc.events (id, boat_id, title, departure_at, return_at, time_zone, crew_min, crew_max, guest_max, state, cancel_reason)
values ('00000000-0000-4000-8000-00000000fe01', '00000000-0000-4000-8000-00000000fb01', 'Morning sail',
        '2026-02-03 10:00 America/Los_Angeles', '2026-02-03 13:00 America/Los_Angeles', 'America/Los_Angeles', 0, 2, 6, 'closed', null),
       ('00000000-0000-4000-8000-00000000fe02', '00000000-0000-4000-8000-00000000fb01', '=SUM(A1) sail',
        '2026-02-10 10:00 America/Los_Angeles', '2026-02-10 13:00 America/Los_Angeles', 'America/Los_Angeles', 0, 2, 6, 'returned', null),
       ('00000000-0000-4000-8000-00000000fe03', '00000000-0000-4000-8000-00000000fb01', 'Stormy sail',
        '2026-02-20 10:00 America/Los_Angeles', '2026-02-20 13:00 America/Los_Angeles', 'America/Los_Angeles', 0, 2, 6,
        'cancelled', 'weather, "small craft" advisory');
-- an entity whose name a spreadsheet would run, with February's revenue:
-- the CEO report's CSV (revenue per entity) quotes and guards it
insert into scc.entities (slug, name, kind) values ('report-test', '=SUM(A1) "Ops", East', 'holding');
insert into scc.accounts (entity_id, code, name, type, purpose)
select n.id, a.code, a.name, a.type, a.purpose from scc.entities as n,
       (values ('1000', 'Cash', 'asset', 'cash'), ('4000', 'Revenue', 'revenue', null)) as a (code, name, type, purpose)
 where n.slug = 'report-test';
with e as (
    insert into scc.journal_entries (entity_id, posted_on, memo, source, external_id)
    select n.id, '2026-02-10', 'a sale', 'test', 'R1' from scc.entities as n where n.slug = 'report-test'
    returning id, entity_id, posted_on
)
insert into scc.journal_lines (entry_id, entity_id, posted_on, account_id, amount_cents, currency)
select e.id, e.entity_id, e.posted_on, a.id, case a.code when '1000' then 50000 else -50000 end, 'USD'
  from e join scc.accounts as a on a.entity_id = e.entity_id;
`;

before(async () => {
  s = await startStack({ noWorker: true });
  await q(FIXTURE);
  const port = await freePort();
  ses = await sesLocal({ host: '127.0.0.1', port });
  sesUrl = `http://127.0.0.1:${port}`;
});
after(async () => {
  if (ses) await new Promise((r) => { ses.closeAllConnections?.(); ses.close(r); });
  if (s) await s.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});
beforeEach(async () => {
  await q('truncate scc.jobs; truncate scc.email_outbox; delete from scc.report_runs');
  await fetch(`${sesUrl}/clear-store`, { method: 'POST' });
});

async function start(kind, period, recipients = [], tz = 'America/Los_Angeles') {
  return Number(await q(`select scc.report_run_start(${lit(kind)}, ${lit(period)}, ${lit(tz)}, '{}',
    array[${recipients.map(lit).join(',')}]::text[], null, null, null, null, false)`));
}
async function run(id) {
  return JSON.parse(await q(`select json_build_object('state', state, 'data', data, 'subject', subject,
    'html', html, 'text', text, 'csv', csv, 'html_sha256', html_sha256, 'text_sha256', text_sha256,
    'csv_sha256', csv_sha256, 'duration_ms', duration_ms, 'email_job_ids', email_job_ids, 'error', error)
    from scc.report_runs where id = ${id}`));
}
async function untilIdle(conf = {}) {
  const w = spawnWorker(s, conf, ['--until-idle']);
  const r = await w.exited;
  assert.equal(r.code, 0, w.log());
  return w;
}
const sesConf = (endpoint, extra = {}) => ({
  transport: 'ses', ses_endpoint: endpoint, region: 'us-east-1',
  sender: 'SCC Reports <reports@scc.example>', public_url: 'http://127.0.0.1:8080',
  poll_interval: 0.2, retry_base: 0.1, retry_max: 0.2, lease_seconds: 30, ...extra,
});

test('a preview archives HTML, text and CSV with their SHA-256, figures formatted, charts in both parts; nothing is mailed', async () => {
  const id = await start('ceo', '2026-02');
  await untilIdle();
  const r = await run(id);
  checkRendered(r, 'ceo preview');
  assert.deepEqual(r.email_job_ids, []);
  assert.equal(await q(`select count(*) from scc.jobs where kind = 'email'`), '0');
  assert.ok(r.duration_ms >= 0);
  assert.equal(r.subject, 'CEO report: February 2026');
  // Three events, one cancelled of three not draft: 33.3%; two sailed boat-days of 28.
  assert.match(r.text, /^ {2}Cancellation rate {2,}33\.3%$/m);
  assert.match(r.text, /^ {2}Utilisation {2,}7\.1%$/m);
  assert.match(r.text, /^ {2}Waiver completion {2,}n\/a$/m, 'a zero denominator reads n/a');
  assert.match(r.text, /February 2026: 2026-02-01 to 2026-02-28, America\/Los_Angeles/);
  assert.match(r.text, /^Revenue vs prior period and plan, per entity$/m);
  assert.match(r.text, /^ {2}cancelled +█+ +1$/m, 'a bar of blocks in the text');
  assert.match(r.text, /^ {2}[▁▂▃▄▅▆▇█]{28}$/m, 'the trend: one small bar a day');
  assert.ok(r.html.includes('<td width="100%" height="14"'), 'bars are table cells of a width');
  assert.ok(r.html.includes('33.3%'));
  assert.ok(!/<script|<svg|<img/i.test(r.html));
  // The CSV: revenue per entity; the quotes doubled, the formula guarded.
  assert.ok(r.csv.includes('"\'=SUM(A1) ""Ops"", East",50000,'), r.csv);
  assert.ok(r.csv.startsWith('entity,revenue_cents,prior_cents,'));
  assert.ok(r.csv.endsWith('\r\n'));
});

test('every report renders for an empty period', async () => {
  const ids = [];
  for (const k of KINDS) ids.push(await start(k, '2031-01', [], 'UTC'));
  await untilIdle();
  for (const [i, id] of ids.entries()) {
    const r = await run(id);
    checkRendered(r, KINDS[i]);
    assert.equal(r.data.kind, KINDS[i]);
    assert.ok(r.subject.endsWith(': January 2031'), r.subject);
  }
});

test('a template variant (A/B) is used where it exists, the default elsewhere; a test run says so in its subject', async () => {
  const dir = path.join(tmp, 'templates');
  fs.cpSync(path.join(ROOT, 'worker/templates'), dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'report_rental_b.subject.mustache'), 'B: {{{title}}} for {{{period_label}}}\n');
  const a = Number(await q(`select scc.report_run_start('rental', '2026-02', 'UTC', '{}', '{}', 'b', null, null, null, false)`));
  const t = Number(await q(`select scc.report_run_start('rental', '2026-02', 'UTC', '{}', '{}', null, null, null, null, true)`));
  await untilIdle({ templates_dir: dir });
  const ra = await run(a);
  checkRendered(ra, 'variant b');
  assert.equal(ra.subject, 'B: Rental operations report: 3028 51st St for February 2026');
  assert.match(ra.text, /^Template variant: b\.$/m, 'the text falls back to the default template, which names the variant');
  const rt = await run(t);
  assert.equal(rt.subject, '[Test] Rental operations report: 3028 51st St: February 2026');
});

test('a run with a recipient arrives through the SES emulator with its CSV attached; a rerun mails once', async () => {
  const id = await start('cmo', '2026-02', ['CMO@Example.com']);
  await untilIdle(sesConf(sesUrl));
  const r = await run(id);
  checkRendered(r, 'cmo');
  assert.equal(r.email_job_ids.length, 1);
  const store = await (await fetch(`${sesUrl}/store`)).json();
  assert.equal(store.emails.length, 1);
  const m = store.emails[0];
  assert.equal(m.subject, 'CMO report: February 2026');
  assert.deepEqual(m.destination.to.map((t) => t.replace(/.*</, '').replace(/>.*/, '')), ['cmo@example.com']);
  assert.equal(m.attachments.length, 1);
  const a = m.attachments[0];
  assert.equal(a.filename, 'cmo-2026-02.csv');
  assert.equal(a.contentType, 'text/csv');
  const csv = Buffer.from(a.content, 'base64').toString('utf8');
  assert.equal(csv, r.csv, 'the attachment is the archived CSV, byte for byte');
  assert.deepEqual(csvMismatches(parseCsv(csv), expectedCsv(r.data.csv)), []);
  assert.equal(m.body.html.trim(), r.html.trim(), 'the HTML part is the archived HTML');
  assert.ok(m.body.text.includes('Cancellation rate'), 'the text part');
  const o = (await q(`select status || ' ' || template || ' ' || transport || ' ' || delivered_by
                        from scc.email_outbox where job_id = ${r.email_job_ids[0]}`));
  assert.equal(o, 'sent report_cmo ses ses');
  // The report job run again (a retry, an expired lease): no second email.
  await q(`update scc.jobs set state = 'queued', finished_at = null
            where id = (select job_id from scc.report_runs where id = ${id})`);
  await untilIdle(sesConf(sesUrl));
  assert.equal(await q(`select count(*) from scc.jobs where kind = 'email'`), '1');
  assert.equal((await (await fetch(`${sesUrl}/store`)).json()).emails.length, 1);
});

test('a scheduled report arrives through the SES emulator: the slot becomes a run of the schedule\'s period and variant', async () => {
  const sid = await q(`select scc.schedule_report('cfo', '0 0 1 1 *', 'UTC', array['cfo@example.com'],
                                                   '{"period": "2026-02", "variant": "b"}')`);
  await q(`update scc.report_schedules set created_at = now() - interval '2 years' where id = ${sid}`);
  await untilIdle(sesConf(sesUrl));
  const id = await q(`select id from scc.report_runs where schedule_id = ${sid}`);
  const r = await run(id);
  checkRendered(r, 'scheduled cfo');
  assert.equal(await q(`select period || ' ' || variant || ' ' || (slot is not null) from scc.report_runs where id = ${id}`),
    '2026-02 b true');
  const store = await (await fetch(`${sesUrl}/store`)).json();
  assert.equal(store.emails.length, 1);
  assert.equal(store.emails[0].subject, 'CFO report: February 2026');
  assert.equal(store.emails[0].attachments[0].filename, 'cfo-2026-02.csv');
  assert.deepEqual(csvMismatches(parseCsv(Buffer.from(store.emails[0].attachments[0].content, 'base64').toString('utf8')),
    expectedCsv(r.data.csv)), []);
  await q(`delete from scc.report_schedules where id = ${sid}`);
});

/** A local HTTP server answering like SES with `answer`; counts requests. */
async function fakeSes(answer) {
  let n = 0;
  const srv = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      n++;
      res.writeHead(answer.status, { 'content-type': 'application/json', ...(answer.headers || {}) });
      res.end(JSON.stringify(answer.body ?? {}));
    });
  });
  const port = await freePort();
  await new Promise((r) => srv.listen(port, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${port}`, count: () => n,
    close: () => new Promise((r) => { srv.closeAllConnections(); srv.close(r); }) };
}

const failoverConf = (endpoint, smtpUrl) => sesConf(endpoint, {
  transport: 'ses, smtp', smtp_url: smtpUrl, smtp_starttls: 'no' });

test('failover: SES refusing connections -> delivered by SMTP as multipart/mixed with the CSV; the outbox row says smtp', async () => {
  const smtp = await smtpServer(tmp);
  try {
    const closed = await freePort();   // nothing listens there: connection refused
    const id = await start('cfo', '2026-02', ['cfo@example.com']);
    const w = await untilIdle(failoverConf(`http://127.0.0.1:${closed}`, smtp.url));
    assert.match(w.log(), /ses did not accept it \(SES unreachable: .*\): failing over to smtp/);
    const r = await run(id);
    const got = smtp.received();
    assert.equal(got.length, 1);
    assert.deepEqual(got[0].rcpt, ['cfo@example.com']);
    assert.match(got[0].data, /^Content-Type: multipart\/mixed;/mi, 'the message is multipart/mixed');
    const m = await simpleParser(Buffer.from(got[0].data, 'latin1'));
    assert.equal(m.subject, 'CFO report: February 2026');
    assert.equal(m.attachments.length, 1);
    assert.equal(m.attachments[0].filename, 'cfo-2026-02.csv');
    assert.deepEqual(csvMismatches(parseCsv(m.attachments[0].content.toString('utf8')), expectedCsv(r.data.csv)), []);
    assert.equal(await q(`select status || ' ' || transport || ' ' || delivered_by || ' ' || attempts
                            from scc.email_outbox where job_id = ${r.email_job_ids[0]}`), 'sent ses smtp 1');
  } finally {
    smtp.close();
  }
});

test('failover: SES still throttling on the last attempt -> SMTP; never before the last attempt', async () => {
  const smtp = await smtpServer(tmp);
  const f = await fakeSes({ status: 429, body: { message: 'Maximum sending rate exceeded.' },
    headers: { 'x-amzn-errortype': 'TooManyRequestsException' } });
  try {
    const id = await start('ceo', '2026-02', ['ceo@example.com']);
    const w = spawnWorker(s, failoverConf(f.url, smtp.url));
    try {
      await waitFor(async () => (await q(`select state from scc.jobs where kind = 'email'`)) === 'done',
        { what: 'the email job done' });
    } finally {
      assert.equal((await w.stop()).code, 0);
    }
    const r = await run(id);
    assert.equal(await q(`select attempts || ' ' || max_attempts from scc.jobs where id = ${r.email_job_ids[0]}`), '5 5');
    assert.equal(f.count(), 5, 'SES was asked on every attempt');
    assert.equal(smtp.received().length, 1, 'SMTP only on the last');
    assert.equal(await q(`select status || ' ' || delivered_by from scc.email_outbox where job_id = ${r.email_job_ids[0]}`),
      'sent smtp');
  } finally {
    smtp.close();
    await f.close();
  }
});

test('failover: the SES account paused -> SMTP at once, without waiting out the pause', async () => {
  const smtp = await smtpServer(tmp);
  const f = await fakeSes({ status: 400, body: { message: 'Sending is paused for this account.' },
    headers: { 'x-amzn-errortype': 'SendingPausedException' } });
  try {
    const id = await start('cmo', '2026-02', ['cmo@example.com']);
    await untilIdle(failoverConf(f.url, smtp.url));
    const r = await run(id);
    assert.equal(f.count(), 1);
    assert.equal(smtp.received().length, 1);
    assert.equal(await q(`select j.state || ' ' || j.attempts || ' ' || o.status || ' ' || o.delivered_by
                            from scc.jobs as j join scc.email_outbox as o on o.job_id = j.id
                           where j.id = ${r.email_job_ids[0]}`), 'done 1 sent smtp');
  } finally {
    smtp.close();
    await f.close();
  }
});

test('no failover on a refusal: SES 400 -> failed, SMTP never asked', async () => {
  const smtp = await smtpServer(tmp);
  const f = await fakeSes({ status: 400, body: { message: 'Email address is not verified.' },
    headers: { 'x-amzn-errortype': 'MessageRejected' } });
  try {
    const id = await start('cto', '2026-02', ['cto@example.com']);
    await untilIdle(failoverConf(f.url, smtp.url));
    const r = await run(id);
    assert.equal(await q(`select state from scc.jobs where id = ${r.email_job_ids[0]}`), 'dead');
    assert.equal(await q(`select status || ' ' || coalesce(delivered_by, '-') from scc.email_outbox
                            where job_id = ${r.email_job_ids[0]}`), 'failed -');
    assert.equal(smtp.received().length, 0);
  } finally {
    smtp.close();
    await f.close();
  }
});
