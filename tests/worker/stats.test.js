// stats.test.js — `scc-worker stats`: the queue's and the outbox's figures
// from scc.worker_stats() in Prometheus's text format, read before and
// after jobs are queued, held, killed and run by a real `scc-worker run`,
// and after an email is queued.  One dedicated stack without a background
// worker, so that nothing but this test moves the figures.

import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../api/lib/stack.js';
import { spawnWorker } from './lib/workers.js';

let s;
before(async () => { s = await startStack({ noWorker: true }); });
after(async () => { if (s) await s.stop(); });

// `scc-worker stats` as the worker role; { 'name{labels}': value }, each
// line checked against the format, a HELP and TYPE before each metric.
async function stats() {
  const r = await s.worker(['stats']);
  assert.equal(r.code, 0, r.stderr);
  const out = {};
  const declared = new Set();
  for (const line of r.stdout.trimEnd().split('\n')) {
    const m = /^# (HELP|TYPE) (scc_[a-z_]+) (.+)$/.exec(line);
    if (m) {
      if (m[1] === 'TYPE') { assert.equal(m[3], 'gauge'); declared.add(m[2]); }
      continue;
    }
    const x = /^(scc_[a-z_]+)(\{[a-z]+="[^"\\\n]*"\})? ([0-9]+(?:\.[0-9]+)?)$/.exec(line);
    assert.ok(x, `a sample line: ${JSON.stringify(line)}`);
    assert.ok(declared.has(x[1]), `${x[1]} declared before its samples`);
    out[x[1] + (x[2] ?? '')] = Number(x[3]);
  }
  return out;
}

test('an empty queue: the figures that always exist, at 0', async () => {
  const a = await stats();
  assert.deepEqual(a, {
    scc_jobs_due: 0,
    scc_jobs_oldest_queued_age_seconds: 0,
    'scc_email_outbox{status="failed"}': 0,
    'scc_email_outbox{status="queued"}': 0,
    'scc_email_outbox{status="sending"}': 0,
    'scc_email_outbox{status="sent"}': 0,
    'scc_email_outbox{status="unknown"}': 0,
  });
});

test('queued, running, dead by kind, the oldest due job\'s age, emails by status; then a worker runs them', async () => {
  // two noop jobs due 90 s ago, one in an hour, one held by a worker, one dead
  await s.psql(`select scc.enqueue_job('noop', '{}', now() - interval '90 s');
                select scc.enqueue_job('noop', '{}', now() - interval '30 s');
                select scc.enqueue_job('noop', '{}', now() + interval '1 h');
                select scc.enqueue_job('stats_held', '{}');
                select scc.enqueue_job('stats_dead', '{}');
                update scc.jobs set state = 'running', locked_until = now() + interval '1 min', locked_by = 'test'
                 where kind = 'stats_held';
                update scc.jobs set state = 'dead', last_error = 'test' where kind = 'stats_dead';
                insert into scc.email_outbox (sender, recipients, subject, template, transport)
                values ('a@test.example', array['b@test.example'], 'x', 'test', 'outbox')`);
  const b = await stats();
  assert.equal(b['scc_jobs_queued{kind="noop"}'], 3);
  assert.equal(b['scc_jobs_running{kind="noop"}'], 0);
  assert.equal(b['scc_jobs_running{kind="stats_held"}'], 1);
  assert.equal(b['scc_jobs_queued{kind="stats_held"}'], 0);
  assert.equal(b['scc_jobs_dead{kind="stats_dead"}'], 1);
  assert.equal(b['scc_jobs_dead{kind="noop"}'], 0);
  assert.equal(b.scc_jobs_due, 2, 'the one in an hour is not due');
  assert.ok(b.scc_jobs_oldest_queued_age_seconds >= 90 && b.scc_jobs_oldest_queued_age_seconds < 300,
    `age ${b.scc_jobs_oldest_queued_age_seconds}`);
  assert.equal(b['scc_email_outbox{status="queued"}'], 1);

  // a real worker runs what is due; the held and the dead stay as they are
  const w = spawnWorker(s, {}, ['--until-idle']);
  assert.equal((await w.exited).code, 0, w.log());
  const c = await stats();
  assert.equal(c['scc_jobs_queued{kind="noop"}'], 1, 'the one in an hour');
  assert.equal(c.scc_jobs_due, 0);
  assert.equal(c.scc_jobs_oldest_queued_age_seconds, 0);
  assert.equal(c['scc_jobs_running{kind="stats_held"}'], 1);
  assert.equal(c['scc_jobs_dead{kind="stats_dead"}'], 1);
});

test('stats takes no argument and refuses a database it cannot reach (exit 1)', async () => {
  assert.equal((await s.worker(['stats', 'extra'])).code, 2);
  const r = await s.worker(['stats'], { env: { SCC_PG: 'host=/nonexistent dbname=scc user=scc_worker' } });
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
});
