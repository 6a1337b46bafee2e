// events.test.js — the charter's timed job 'event_overdue' (worker/job_event.c
// → scc.event_overdue, 015_events.sql) run by a real scc-worker against a
// real PostgreSQL, mail written by the outbox transport as .eml files and
// parsed with mailparser.
//
// An event still underway past return + grace: one alert, to the event's
// captain and every enabled admin (a safety alert: even with notification
// emails off).  An event already returned, or whose return time changed
// since the job was queued: nothing is sent.  One dedicated stack without
// its background worker; each test runs its own worker.

import test, { before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { startStack } from '../api/lib/stack.js';
import { spawnWorker, waitFor } from './lib/workers.js';

let s;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scc-events-test-'));
const q = (sql) => s.psql(sql);
const lit = (v) => `'${String(v).replace(/'/g, "''")}'`;

before(async () => {
  s = await startStack({ noWorker: true });
});
after(async () => {
  if (s) await s.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});
beforeEach(async () => {
  await q('truncate scc.jobs; truncate scc.email_outbox');
});

let n = 0;
/** A boat, an event in `state` that was due back 30 minutes ago (grace 15),
 * its confirmed captain (notify_email off) and an admin; returns ids. */
async function fixture(state) {
  n += 1;
  const tag = `${process.pid}-${n}`;
  const captain = await q(`insert into scc.users (email, name, role, notify_email)
                           values ('cap-${tag}@test.example', 'Cora Captain', 'captain', false) returning id`);
  const admin = await q(`insert into scc.users (email, name, role)
                         values ('adm-${tag}@test.example', 'Ada Admin', 'admin') returning id`);
  const boat = await q(`insert into scc.boats (name, port_name, port_lat, port_lon, time_zone, guest_capacity)
                        values ('Overdue ${tag}', 'Shelter Island', 32.7157, -117.2289, 'America/Los_Angeles', 6)
                        returning id`);
  const event = await q(`insert into scc.events (boat_id, title, departure_at, return_at, time_zone, crew_min,
                                                 crew_max, guest_max, state, overdue_grace)
                         values ('${boat}', 'Evening sail ${tag}', now() - interval '3 hours',
                                 now() - interval '30 minutes', 'America/Los_Angeles', 0, 2, 6, ${lit(state)},
                                 interval '15 minutes')
                         returning id`);
  await q(`insert into scc.event_roles (event_id, user_id, role, state)
           values ('${event}', '${captain}', 'captain', 'confirmed')`);
  return { captain, admin, boat, event, captainEmail: `cap-${tag}@test.example`, adminEmail: `adm-${tag}@test.example` };
}

/** Queue the overdue job of the event as a route would (scc.event_queue_jobs
 * is what scheduling calls); its run_at (return + grace) is already past. */
async function queueOverdue(event) {
  await q(`select scc.event_queue_jobs(e) from scc.events as e where e.id = '${event}'`);
  return Number(await q(`select id from scc.jobs where kind = 'event_overdue'
                          and payload ->> 'event_id' = '${event}'`));
}

const jobState = async (id) => q(`select state || '|' || coalesce(last_error, '') from scc.jobs where id = ${id}`);

function worker(dir) {
  return spawnWorker(s, { transport: 'outbox', outbox_dir: dir, sender: 'SCC <noreply@scc.example>',
    public_url: 'http://127.0.0.1:9999', poll_interval: 0.3 });
}

test('an event still underway past return + grace: one alert to its captain and the admins, as an .eml', async () => {
  const f = await fixture('underway');
  const jobId = await queueOverdue(f.event);
  assert.ok(jobId > 0, 'scheduling queued an event_overdue job');
  assert.equal(await q(`select count(*) from scc.jobs where kind = 'event_overdue'`), '1');
  const dir = path.join(tmp, 'overdue');
  const w = worker(dir);
  try {
    await waitFor(async () => (await jobState(jobId)).startsWith('done'), { what: 'the overdue job done' });
    await waitFor(async () => fs.existsSync(dir) && fs.readdirSync(dir).some((x) => x.endsWith('.eml')),
      { what: 'the alert written to the outbox' });
    const files = fs.readdirSync(dir).filter((x) => x.endsWith('.eml'));
    assert.equal(files.length, 1, 'exactly one alert');
    const m = await simpleParser(fs.readFileSync(path.join(dir, files[0])));
    assert.match(m.subject, /^OVERDUE: Overdue .* has not returned \(Evening sail /);
    const to = m.to.value.map((a) => a.address).sort();
    assert.ok(to.includes(f.captainEmail), `the captain is told even with notification emails off: ${to}`);
    assert.ok(to.includes(f.adminEmail), `the admin is told: ${to}`);
    assert.ok(!to.some((a) => a.startsWith('cap-') && a !== f.captainEmail), 'no other event\'s captain');
    assert.ok(m.text.includes(`http://127.0.0.1:9999/event.html?id=${f.event}`), m.text);
    assert.ok(m.html.includes(`href="http://127.0.0.1:9999/event.html?id=${f.event}"`));
    assert.ok(m.text.includes('America/Los_Angeles'));
    assert.match(w.log(), /event_overdue id=\d+: sent/);
    // audited, and a second run of the same check sends nothing more
    assert.equal(await q(`select count(*) from scc.audit_log where action = 'event.overdue_alert'
                           and entity_id = '${f.event}'`), '1');
    assert.equal(await q(`select scc.event_overdue(payload) from scc.jobs where id = ${jobId}`), 'sent');
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(fs.readdirSync(dir).filter((x) => x.endsWith('.eml')).length, 1, 'the alert mail is unique per return time');
  } finally {
    assert.equal((await w.stop()).code, 0);
  }
});

test('an event already returned: the overdue job runs and sends nothing', async () => {
  const f = await fixture('underway');
  const jobId = await queueOverdue(f.event);
  await q(`update scc.events set state = 'returned', actual_return_at = now() where id = '${f.event}'`);
  const dir = path.join(tmp, 'returned');
  const w = worker(dir);
  try {
    await waitFor(async () => (await jobState(jobId)).startsWith('done'), { what: 'the overdue job done' });
    await waitFor(async () => /event_overdue id=\d+: skipped: the event is returned/.test(w.log()),
      { what: 'the skip logged' });
    assert.equal(await q(`select count(*) from scc.jobs where kind = 'email'`), '0', 'no email job');
    assert.ok(!fs.existsSync(dir) || fs.readdirSync(dir).length === 0, 'no mail written');
  } finally {
    assert.equal((await w.stop()).code, 0);
  }
});

test('an event whose return time moved since the job was queued: that job sends nothing', async () => {
  const f = await fixture('underway');
  const jobId = await queueOverdue(f.event);
  await q(`update scc.events set return_at = now() + interval '2 hours' where id = '${f.event}'`);
  const dir = path.join(tmp, 'moved');
  const w = worker(dir);
  try {
    await waitFor(async () => (await jobState(jobId)).startsWith('done'), { what: 'the overdue job done' });
    await waitFor(async () => /skipped: the return time changed/.test(w.log()), { what: 'the skip logged' });
    assert.equal(await q(`select count(*) from scc.jobs where kind = 'email'`), '0', 'no email job');
  } finally {
    assert.equal((await w.stop()).code, 0);
  }
});
