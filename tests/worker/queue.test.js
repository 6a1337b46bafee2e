// queue.test.js — scc-worker run against a real PostgreSQL: LISTEN wake-up,
// priorities, unique keys, retries then dead, two workers on 1,000 jobs,
// SIGTERM finishing the job in hand, kill -9 mid-job (lease expiry), and
// PostgreSQL restarted while the worker waits.
//
// One dedicated stack without its background worker: each test starts the
// workers it needs and stops them; scc.jobs is emptied between tests.

import test, { before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../api/lib/stack.js';
import { spawnWorker, waitFor, sleep, jobIds } from './lib/workers.js';

let s;
before(async () => { s = await startStack({ noWorker: true }); });
after(async () => { if (s) await s.stop(); });
beforeEach(async () => { await s.psql('truncate scc.jobs'); });

const q = (sql) => s.psql(sql);
const jobState = async (id) => {
  const [state, attempts, err] = (await q(`select state, attempts, coalesce(last_error, '') from scc.jobs where id = ${Number(id)}`)).split('|');
  return { state, attempts: Number(attempts), err };
};

test('a NOTIFY wakes the worker long before its next poll', async () => {
  const w = spawnWorker(s, { poll_interval: 120 });
  try {
    // The first poll (at start) found nothing; from now on only NOTIFY or
    // a poll two minutes away can wake it.
    await w.waitForLog(/scc-worker run: worker /);
    await sleep(300);
    const id = await q(`select scc.enqueue_job('noop', '{}')`);
    await waitFor(async () => (await jobState(id)).state === 'done', { ms: 20000, what: 'job done' });
    assert.equal(w.lines(new RegExp(`id=${id} .*outcome=done`)).length, 1);
  } finally {
    assert.equal((await w.stop()).code, 0);
  }
});

test('higher priority runs first, then older run_at', async () => {
  await q(`select scc.enqueue_job('noop', '{"n":1}', now() - interval '3 s', 0);
           select scc.enqueue_job('noop', '{"n":2}', now() - interval '2 s', 10);
           select scc.enqueue_job('noop', '{"n":3}', now() - interval '1 s', 10);
           select scc.enqueue_job('noop', '{"n":4}', now() - interval '4 s', -5);`);
  const ids = (await q(`select id from scc.jobs order by (payload->>'n')::int`)).split('\n').map(Number);
  const w = spawnWorker(s, { batch_size: 1 }, ['--until-idle']);
  assert.equal((await w.exited).code, 0);
  assert.deepEqual(jobIds(w.lines(/outcome=done/)), [ids[1], ids[2], ids[0], ids[3]]);
});

test('a unique key queues one job, forever', async () => {
  const a = await q(`select scc.enqueue_job('noop', '{}', now(), 0, 'test:once')`);
  const b = await q(`select scc.enqueue_job('noop', '{"other":true}', now(), 0, 'test:once')`);
  assert.equal(a, b);
  const w = spawnWorker(s, {}, ['--until-idle']);
  assert.equal((await w.exited).code, 0);
  assert.equal((await jobState(a)).state, 'done');
  const c = await q(`select scc.enqueue_job('noop', '{}', now(), 0, 'test:once')`);
  assert.equal(c, a, 'a finished job keeps its key');
  assert.equal(await q(`select count(*) from scc.jobs where unique_key = 'test:once'`), '1');
});

test('a failing job is retried with growing backoff, then parked dead with its error', async () => {
  const id = await q(`select scc.enqueue_job('fail', '{"error":"remote said 503"}', now(), 0, null, 3)`);
  const w = spawnWorker(s, { poll_interval: 0.2, retry_base: 0.3 });
  try {
    await waitFor(async () => (await jobState(id)).state === 'dead', { ms: 20000, what: 'job dead' });
    const st = await jobState(id);
    assert.equal(st.attempts, 3);
    assert.equal(st.err, 'remote said 503');
    const lines = w.lines(new RegExp(`id=${id} `));
    assert.equal(lines.length, 3);
    const delays = lines.slice(0, 2).map((l) => Number(/retry-in-([\d.]+)s/.exec(l)[1]));
    // equal jitter: attempt n waits between base*2^(n-1)/2 and base*2^(n-1)
    assert.ok(delays[0] >= 0.15 && delays[0] <= 0.3, `first delay ${delays[0]}`);
    assert.ok(delays[1] >= 0.3 && delays[1] <= 0.6, `second delay ${delays[1]}`);
    assert.match(lines[2], /outcome=dead/);
  } finally {
    await w.stop();
  }
});

test('a permanent failure is dead at once', async () => {
  const id = await q(`select scc.enqueue_job('fail', '{"error":"400 bad address","permanent":true}')`);
  const w = spawnWorker(s, {}, ['--until-idle']);
  assert.equal((await w.exited).code, 0);
  assert.deepEqual(await jobState(id), { state: 'dead', attempts: 1, err: '400 bad address' });
});

test('two workers on 1,000 jobs: each done exactly once', async () => {
  const a = spawnWorker(s, { batch_size: 20, worker_id: 'A' });
  const b = spawnWorker(s, { batch_size: 20, worker_id: 'B' });
  try {
    await a.waitForLog(/worker A/);
    await b.waitForLog(/worker B/);
    // In ten statements, so both workers are woken while work remains.
    for (let i = 0; i < 10; i++) {
      await q(`insert into scc.jobs (kind, payload) select 'noop', jsonb_build_object('i', g) from generate_series(1, 100) as g`);
    }
    await waitFor(async () => (await q(`select count(*) from scc.jobs where state = 'done'`)) === '1000',
      { ms: 60000, what: '1000 jobs done' });
  } finally {
    assert.equal((await a.stop()).code, 0);
    assert.equal((await b.stop()).code, 0);
  }
  assert.equal(await q(`select count(*) from scc.jobs where state <> 'done' or attempts <> 1`), '0');
  const ran = [...jobIds(a.lines(/outcome=done/)), ...jobIds(b.lines(/outcome=done/))];
  assert.equal(ran.length, 1000, 'one run per job in the logs');
  assert.equal(new Set(ran).size, 1000, 'no job ran twice');
});

test('SIGTERM finishes the job in hand, gives back the rest, exits 0', async () => {
  const long = await q(`select scc.enqueue_job('sleep', '{"ms":1500}', now(), 10)`);
  await q(`insert into scc.jobs (kind, payload) select 'noop', '{}' from generate_series(1, 5)`);
  const w = spawnWorker(s, { batch_size: 10 });
  await waitFor(async () => (await jobState(long)).state === 'running', { what: 'sleep job running' });
  const r = await w.stop('SIGTERM');
  assert.equal(r.code, 0);
  assert.deepEqual(await jobState(long), { state: 'done', attempts: 1, err: '' });
  assert.equal(await q(`select count(*) from scc.jobs where kind = 'noop' and state = 'queued' and attempts = 0`), '5',
    'the jobs it had not started are queued again, their attempt not counted');
  assert.match(w.log(), /stopping on signal/);
});

test('SIGINT does the same', async () => {
  const id = await q(`select scc.enqueue_job('sleep', '{"ms":800}')`);
  const w = spawnWorker(s, {});
  await waitFor(async () => (await jobState(id)).state === 'running', { what: 'sleep job running' });
  assert.equal((await w.stop('SIGINT')).code, 0);
  assert.equal((await jobState(id)).state, 'done');
});

test('kill -9 mid-job: the lease expires and the job runs again, exactly once more', async () => {
  const id = await q(`select scc.enqueue_job('sleep', '{"ms":2500}')`);
  const a = spawnWorker(s, { lease_seconds: 2, worker_id: 'A' });
  await waitFor(async () => (await jobState(id)).state === 'running', { what: 'sleep job running' });
  await sleep(800);   // mid-job, after at least one lease renewal
  await a.kill9();
  assert.equal((await jobState(id)).state, 'running', 'the dead worker still holds it');
  const b = spawnWorker(s, { lease_seconds: 2, poll_interval: 0.3, worker_id: 'B' });
  try {
    await waitFor(async () => (await jobState(id)).state === 'done', { ms: 20000, what: 'job done by B' });
  } finally {
    await b.stop();
  }
  const st = await jobState(id);
  assert.equal(st.attempts, 2);
  assert.match(st.err, /lease expired on A/);
  assert.equal(b.lines(new RegExp(`id=${id} `)).length, 1, 'B ran it once');
  assert.equal(a.lines(new RegExp(`id=${id} `)).length, 0, 'A never finished it');
});

test('PostgreSQL restarted while the worker waits: jobs that became due meanwhile still run', async () => {
  const w = spawnWorker(s, { poll_interval: 120 });
  try {
    await w.waitForLog(/scc-worker run: worker /);
    await sleep(300);
    // Due in a second, and inserted with triggers off (no NOTIFY): only the
    // poll the worker makes after reconnecting can find it.
    const id = await q(`set session_replication_role = replica;
                        select scc.enqueue_job('noop', '{}', now() + interval '1 s')`);
    await s.pgStop();
    await sleep(1500);
    await s.pgStart();
    await waitFor(async () => (await jobState(id)).state === 'done', { ms: 30000, what: 'job done after restart' });
    assert.match(w.log(), /reconnected/);
    // And it LISTENs again: a normal insert is picked up at once.
    const id2 = await q(`select scc.enqueue_job('noop', '{}')`);
    await waitFor(async () => (await jobState(id2)).state === 'done', { ms: 20000, what: 'job done via NOTIFY' });
  } finally {
    assert.equal((await w.stop()).code, 0);
  }
});

test('a running worker prunes done and dead jobs, ended links, throttle rows, session families and decided SNS deliveries after their retention', async () => {
  await q(`insert into scc.jobs (kind, payload, state, finished_at) values
             ('noop', '{"n":"done-old"}', 'done', now() - interval '10 days'),
             ('noop', '{"n":"done-new"}', 'done', now() - interval '1 day'),
             ('fail', '{"n":"dead-old"}', 'dead', now() - interval '40 days'),
             ('fail', '{"n":"dead-new"}', 'dead', now() - interval '20 days')`);
  await q(`insert into scc.users (id, email, role) values
             ('00000000-0000-4000-8000-00000000b001', 'prune-w@example.com', 'crew') on conflict do nothing`);
  await q(`insert into scc.magic_links (code_hash, purpose, email, role, expires_at) values
             (sha256('w-link-old'), 'login', 'prune-w@example.com', 'crew', now() - interval '10 days'),
             (sha256('w-link-live'), 'login', 'prune-w@example.com', 'crew', now() + interval '1 hour')`);
  await q(`insert into scc.magic_link_throttle (email_hash, last_at) values
             (sha256('w-t-old'), now() - interval '3 days'), (sha256('w-t-new'), now())`);
  await q(`insert into scc.sessions (user_id, family, refresh_hash, expires_at, revoked_at) values
             ('00000000-0000-4000-8000-00000000b001', '00000000-0000-4000-8000-00000000bf01', sha256('w-s-old'),
              now() - interval '40 days', null),
             ('00000000-0000-4000-8000-00000000b001', '00000000-0000-4000-8000-00000000bf02', sha256('w-s-live'),
              now() + interval '1 day', null)`);
  // SNS deliveries (049): decided long ago (with an event: it goes with its message), decided
  // lately, and queued long ago (never judged: kept).
  await q(`insert into scc.sns_messages (message_type, sns_message_id, signature, body, status, received_at, decided_at)
           values ('Notification', 'w-sns-old', 's', '{}', 'accepted', now() - interval '40 days', now() - interval '40 days'),
                  ('Notification', 'w-sns-new', 's', '{}', 'refused', now() - interval '2 days', now() - interval '2 days'),
                  ('Notification', 'w-sns-queued', 's', '{}', 'queued', now() - interval '40 days', null)`);
  await q(`insert into scc.email_events (sns_message, event, address)
           select id, 'complaint', 'w-sns@example.com' from scc.sns_messages where sns_message_id = 'w-sns-old'`);
  const w = spawnWorker(s, { job_retention: 7, dead_job_retention: 30, link_retention: 7, throttle_retention: 1,
    session_retention: 30, sns_retention: 30 });
  try {
    await waitFor(async () => (await q(`select count(*) from scc.sessions where refresh_hash = sha256('w-s-old')`)) === '0',
      { what: 'the ended session pruned' });
    await w.waitForLog(/info prune: deleted 1 sessions/);
    assert.equal(await q(`select string_agg(payload->>'n', ',' order by payload->>'n') from scc.jobs`), 'dead-new,done-new');
    assert.equal(await q(`select string_agg(encode(code_hash, 'hex'), ',') from scc.magic_links where email = 'prune-w@example.com'`),
      await q(`select encode(sha256('w-link-live'), 'hex')`), 'the live link stays, the expired one is gone');
    assert.equal(await q(`select count(*) from scc.magic_link_throttle where email_hash in (sha256('w-t-old'), sha256('w-t-new'))`), '1');
    assert.equal(await q(`select count(*) from scc.sessions where refresh_hash = sha256('w-s-live')`), '1', 'a live session stays');
    assert.equal(await q(`select string_agg(sns_message_id, ',' order by sns_message_id) from scc.sns_messages
                           where sns_message_id like 'w-sns-%'`), 'w-sns-new,w-sns-queued', 'an old decided delivery goes');
    assert.equal(await q(`select count(*) from scc.email_events where address = 'w-sns@example.com'`), '0', 'with its event');
    for (const what of ['done jobs', 'dead jobs', 'magic links', 'throttle rows', 'sns messages']) {
      assert.equal(w.lines(new RegExp(`info prune: deleted 1 ${what}$`)).length, 1, what);
    }
  } finally {
    assert.equal((await w.stop()).code, 0);
  }
});

test('log_level warn hides info lines; a bad log_level is a usage error', async () => {
  await q(`select scc.enqueue_job('noop', '{}')`);
  const quiet = spawnWorker(s, { log_level: 'warn', poll_interval: 0.3 }, ['--until-idle']);
  assert.equal((await quiet.exited).code, 0);
  assert.equal(quiet.lines(/outcome=done/).length, 0, 'no info line');
  assert.equal(await q(`select state from scc.jobs`), 'done');
  const bad = spawnWorker(s, { log_level: 'loud' });
  assert.equal((await bad.exited).code, 2);
  assert.match(bad.log(), /log_level must be debug, info, warn or error \(got "loud"\)/);
});

test('log lines: UTC time, level, component', async () => {
  const id = await q(`select scc.enqueue_job('noop', '{}')`);
  const w = spawnWorker(s, {}, ['--until-idle']);
  assert.equal((await w.exited).code, 0);
  const [line] = w.lines(new RegExp(`id=${id} `));
  assert.match(line, new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z info job: kind=noop id=${id} attempt=1/5 outcome=done ms=`));
});

test('a bad config is a usage error (exit 2) naming the key', async () => {
  const w = spawnWorker(s, { batch_size: 'lots' });
  const r = await w.exited;
  assert.equal(r.code, 2);
  assert.match(w.log(), /batch_size must be a number/);
});

test('run --help exits 0; a stray argument is a usage error; an unreachable database with --until-idle exits 1', async () => {
  const help = await s.worker(['run', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /usage: scc-worker run/);
  const stray = await s.worker(['run', 'now']);
  assert.equal(stray.code, 2);
  assert.match(stray.stderr, /unexpected argument "now"/);
  const down = await s.worker(['run', '--until-idle'],
    { env: { SCC_PG: `host=${s.pgHost} port=1 dbname=scc user=scc_worker` } });
  assert.equal(down.code, 1);
  assert.match(down.stderr, /cannot connect to the database/);
});

/* deployment: log_file and SIGHUP (helper Q1) */
test('log_file: SIGHUP after the file was moved away opens a new one with the later lines', async () => {
  const { default: fs } = await import('node:fs');
  const { default: os } = await import('node:os');
  const { default: path } = await import('node:path');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scc-q1-log-'));
  const file = path.join(dir, 'worker.log');
  const moved = `${file}.1`;
  const read = (f) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : '');
  const w = spawnWorker(s, { poll_interval: 120, log_file: file });
  try {
    await waitFor(() => /scc-worker run: worker /.test(read(file)), { what: 'start line in log_file' });
    assert.equal(w.log(), '', 'with log_file, nothing goes to the stderr it was started with');
    const before = await q(`select scc.enqueue_job('noop', '{}')`);
    await waitFor(() => new RegExp(`id=${before} .*outcome=done`).test(read(file)), { what: 'first job logged' });
    fs.renameSync(file, moved);   // what logrotate does
    const during = await q(`select scc.enqueue_job('noop', '{}')`);
    // Until SIGHUP the worker keeps writing to the file it has open.
    await waitFor(() => new RegExp(`id=${during} .*outcome=done`).test(read(moved)), { what: 'job logged to the moved file' });
    assert.equal(fs.existsSync(file), false);
    w.child.kill('SIGHUP');
    await waitFor(() => /info run: SIGHUP: log file .* reopened/.test(read(file)), { what: 'a new log file' });
    const after = await q(`select scc.enqueue_job('noop', '{}')`);
    await waitFor(() => new RegExp(`id=${after} .*outcome=done`).test(read(file)), { what: 'later job in the new file' });
    assert.doesNotMatch(read(moved), new RegExp(`id=${after} `), 'the moved file gets no later line');
    assert.doesNotMatch(read(file), new RegExp(`id=${before} `), 'the new file starts after SIGHUP');
    assert.equal(fs.statSync(file).mode & 0o777, 0o640);
  } finally {
    const r = await w.stop();
    assert.equal(r.code, 0, 'SIGHUP did not end the worker: SIGTERM still stops it cleanly');
    assert.match(read(file), /stopping on signal/);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('log_file that cannot be opened is a configuration error (exit 2)', async () => {
  const w = spawnWorker(s, { log_file: '/nonexistent-scc-q1/worker.log' });
  assert.equal((await w.exited).code, 2);
  assert.match(w.log(), /log_file: cannot open \/nonexistent-scc-q1\/worker\.log: No such file or directory/);
});
/* end deployment (helper Q1) */
