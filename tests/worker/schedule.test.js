// schedule.test.js — report schedules turned into jobs by real workers:
// two workers and one due slot make one job; after downtime only the last
// missed slot is queued; a cron expression the parser refuses parks the
// schedule; a report run is archived and queues its email once.
//
// One dedicated stack without its background worker; schedules and jobs
// are emptied between tests.

import test, { before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../api/lib/stack.js';
import { spawnWorker, waitFor, sleep } from './lib/workers.js';

let s;
before(async () => { s = await startStack({ noWorker: true }); });
after(async () => { if (s) await s.stop(); });
beforeEach(async () => { await s.psql('truncate scc.jobs; delete from scc.report_runs; delete from scc.report_schedules'); });

const q = (sql) => s.psql(sql);

test('two workers, one schedule, one due slot: exactly one job, for the last missed slot only', async () => {
  // Every 1 January at midnight UTC, created three years ago and never run:
  // slots 2024, 2025 and 2026 were missed; only the last one is queued.
  const id = await q(`select scc.schedule_report('ceo', '0 0 1 1 *', 'UTC', array['ceo@scc.example'])`);
  await q(`update scc.report_schedules set created_at = now() - interval '3 years' where id = ${id}`);
  const a = spawnWorker(s, { poll_interval: 0.2, worker_id: 'A' });
  const b = spawnWorker(s, { poll_interval: 0.2, worker_id: 'B' });
  try {
    await waitFor(async () => (await q(`select count(*) from scc.jobs where kind = 'report' and state = 'done'`)) === '1',
      { what: 'the report job done' });
    await sleep(1000);   // both workers polled several more times
  } finally {
    await a.stop();
    await b.stop();
  }
  const slot = await q(`select to_char(date_trunc('year', now() at time zone 'UTC'), 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`);
  assert.equal(await q(`select string_agg(unique_key, ',') from scc.jobs where kind = 'report'`),
    `schedule:${id}:${slot}`);
  assert.equal(await q(`select r.kind || ' ' || r.recipients[1] || ' ' || to_char(r.slot at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
                         from scc.jobs as j join scc.report_runs as r on r.id = (j.payload->>'run_id')::bigint
                        where j.kind = 'report'`),
    `ceo ceo@scc.example ${slot}`);
  assert.equal(await q(`select to_char(last_slot at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') from scc.report_schedules where id = ${id}`), slot);
  const queuedLines = [...a.lines(/info schedule: .* queued/), ...b.lines(/info schedule: .* queued/)];
  assert.equal(queuedLines.length, 1, 'one worker queued it, the other found it done');
});

test('a new schedule does not run for slots before it existed', async () => {
  await q(`select scc.schedule_report('cto', '0 0 1 1 *', 'Europe/London', array['cto@scc.example'])`);
  const w = spawnWorker(s, {}, ['--until-idle']);
  assert.equal((await w.exited).code, 0);
  assert.equal(await q(`select count(*) from scc.jobs`), '0');
});

test('a cron expression the parser refuses parks the schedule with the reason', async () => {
  // Shaped like cron, so SQL accepts it; minute 61 does not exist.
  const id = await q(`select scc.schedule_report('cfo', '61 * * * *', 'UTC', array['cfo@scc.example'])`);
  const w = spawnWorker(s, {}, ['--until-idle']);
  assert.equal((await w.exited).code, 0);
  assert.equal(await q(`select enabled::text || ' ' || last_error from scc.report_schedules where id = ${id}`),
    'false cron "61 * * * *": minute: 61 is out of range 0-59');
  assert.equal(await q(`select count(*) from scc.jobs`), '0');
});

test('a report run (scc.enqueue_report) is archived and queues one email, even when run twice', async () => {
  const id = await q(`select scc.enqueue_report('rental', '2026-10', array['a@scc.example', 'b@scc.example'])`);
  const w = spawnWorker(s, {}, ['--until-idle']);
  assert.equal((await w.exited).code, 0);
  const run = await q(`select r.state || ' ' || r.kind || ' ' || r.period_label || ' ' || r.time_zone
                         from scc.report_runs as r where r.job_id = ${id}`);
  assert.equal(run, 'done rental October 2026 UTC');
  const email = await q(`select payload->>'template' || ' ' || (payload->'to')::text || ' ' || (r.id = (payload->>'report_run_id')::bigint)
                           from scc.jobs as j join scc.report_runs as r on r.job_id = ${id}
                          where j.kind = 'email' and j.unique_key = 'report-run:' || r.id`);
  assert.equal(email, 'report_rental ["a@scc.example", "b@scc.example"] true');
  // The same report job run again (a retry, an expired lease) queues no second email.
  await q(`update scc.jobs set state = 'queued', finished_at = null where id = ${id}`);
  const w2 = spawnWorker(s, {}, ['--until-idle']);
  assert.equal((await w2.exited).code, 0);
  assert.equal(await q(`select count(*) from scc.jobs where kind = 'email'`), '1');
});

test('slots are local times in the schedule\'s zone (Asia/Kathmandu, UTC+05:45)', async () => {
  const id = await q(`select scc.schedule_report('delivery', '0 * * * *', 'Asia/Kathmandu', array['ops@scc.example'])`);
  await q(`update scc.report_schedules set created_at = now() - interval '5 hours' where id = ${id}`);
  const expected = `select 'schedule:${id}:' || to_char((date_trunc('hour', now() at time zone 'Asia/Kathmandu') at time zone 'Asia/Kathmandu') at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;
  const before = await q(expected);
  const w = spawnWorker(s, {}, ['--until-idle']);
  assert.equal((await w.exited).code, 0);
  const after = await q(expected);
  const keys = (await q(`select string_agg(unique_key, ',') from scc.jobs where kind = 'report'`));
  assert.ok(keys === before || keys === after, `${keys} is the last local hour (${before})`);
  assert.match(keys, /T\d\d:15:00Z$/, 'a local hour in Kathmandu is a quarter past in UTC');
});
