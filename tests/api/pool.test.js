// pool.test.js — the module's PostgreSQL pool under pressure, against a real
// nginx and a real PostgreSQL of the test's own (one nginx worker process, so
// "a pool of 2" means exactly two connections).  The wait queue is tested
// with one query a connection (scc_pg_pipeline 1); pipelines, several
// queries in flight on each connection, have their own tests.
//
// Slow queries are made without any test hook in the product: a psql session
// takes an ACCESS EXCLUSIVE lock on scc.schema_migrations, which
// scc_api.health reads, so every health query waits in PostgreSQL until the
// session lets go.

import test, { describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

import { startStack } from './lib/stack.js';

const LOCK = 'begin; lock table scc.schema_migrations in access exclusive mode';

// One request on a connection of its own (no keep-alive pool): after a
// reload, a new connection always reaches a new worker, whereas a pooled one
// may still be served by an old worker finishing its work.
function health(stack, { signal } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.get(stack.urlFor('/api/health'), { agent: false, signal }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => {
        let body = null;
        try { body = JSON.parse(text); } catch { /* asserted by callers */ }
        resolve({ status: res.statusCode, headers: new Headers(res.headers), body, text });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

// Poll until the pool reports what we expect (or fail after `ms`).
async function poolSettles(stack, want, ms = 10_000) {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    last = await health(stack);
    if (last.status === 200
        && Object.entries(want).every(([k, v]) => last.body.pool[k] === v)) {
      return last.body.pool;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`pool never reached ${JSON.stringify(want)}; last: ${last && last.text}`);
}

// Requests that have reached PostgreSQL and wait on the lock.
async function waitingOnLock(stack, n, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const got = Number(await stack.psql(
      "select count(*) from pg_stat_activity where application_name = 'scc-nginx' "
      + "and wait_event_type = 'Lock'"));
    if (got >= n) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail(`${n} queries never reached the lock`);
}

function errorShape(r, status, code) {
  assert.equal(r.status, status, r.text);
  assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
  assert.equal(r.body.error.code, code);
  assert.equal(typeof r.body.error.message, 'string');
  assert.match(r.body.error.request_id, /^[0-9a-f]{32}$/);
}

// After a reload: new workers (new settings) are up and the old ones have
// stopped accepting.  Old workers may linger while a client keeps an idle
// connection open (nginx waits for client_header_timeout); that is nginx's
// own behaviour and no concern of these tests.
function workers(master) {
  return fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p)).flatMap((p) => {
    try {
      const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== master) return [];
      const title = fs.readFileSync(`/proc/${p}/cmdline`, 'utf8');
      return [{ pid: Number(p), old: /shutting down/.test(title) }];
    } catch { return []; }
  });
}

async function reloaded(stack, opts) {
  const master = stack.nginxPid();
  const before = new Set(workers(master).map((w) => w.pid));
  await stack.reload(opts);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const now = workers(master);
    const fresh = now.filter((w) => !before.has(w.pid) && !w.old);
    const stale = now.filter((w) => before.has(w.pid) && !w.old);
    if (fresh.length > 0 && stale.length === 0) return;
    assert.ok(Date.now() < deadline, 'new nginx workers never took over');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function errorLog(stack) {
  const f = path.join(stack.dir, 'logs', 'error.log');
  return fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : '';
}

describe('a pool of 2 connections, one query at a time each', () => {
  let stack;
  before(async () => {
    stack = await startStack({ poolSize: 2, pipeline: 1, workers: 1, waitTimeout: '20s', waitQueue: 1024 });
  });
  after(async () => {
    assert.doesNotMatch(errorLog(stack), /\[(alert|crit|emerg)\]/);
    await stack.stop();
  });

  test('1,000 concurrent requests are all answered correctly', async () => {
    const all = await Promise.all(Array.from({ length: 1000 }, () => health(stack)));
    const bad = all.filter((r) => r.status !== 200 || r.body?.status !== 'ok');
    assert.equal(bad.length, 0, `first failure: ${bad[0]?.status} ${bad[0]?.text}`);
    for (const r of all) {
      assert.equal(r.body.pool.size, 2);
      assert.ok(r.body.pool.busy <= 2);
      assert.ok(r.body.pool.waiting <= 1000);
    }
    // and the pool is whole and quiet again
    await poolSettles(stack, { connected: 2, busy: 0, waiting: 0 });
    // a queue really formed: two connections cannot serve 1,000 at once
    assert.ok(all.some((r) => r.body.pool.waiting > 0), 'some request saw a queue');
  });

  test('a client that hangs up mid-query leaves nothing dangling', async () => {
    const db = await stack.session();
    await db.query(LOCK);
    try {
      // two queries run (blocked on the lock), three wait for a connection
      const aborters = Array.from({ length: 5 }, () => new AbortController());
      const gone = aborters.map((a) => health(stack, { signal: a.signal })
        .then(() => 'answered', (e) => e.name));
      await waitingOnLock(stack, 2);
      for (const a of aborters) a.abort();
      assert.deepEqual(await Promise.all(gone), Array(5).fill('AbortError'));
      // nginx notices the hang-ups at once: the waiting ones leave the queue
      // while the two running queries still hold both connections
      const blocked = health(stack);
      await db.query('commit');
      const r = await blocked;
      assert.equal(r.status, 200);
    } finally {
      await db.close();
    }
    // both connections finished their abandoned queries and came back
    const pool = await poolSettles(stack, { connected: 2, busy: 0, waiting: 0 });
    assert.equal(pool.size, 2);
    // still serving, on the same nginx
    const again = await Promise.all(Array.from({ length: 50 }, () => health(stack)));
    assert.ok(again.every((r) => r.status === 200));
  });

  test('past the wait timeout a request gets 503 with Retry-After', async () => {
    await reloaded(stack, { poolSize: 2, pipeline: 1, workers: 1, waitTimeout: '300ms', waitQueue: 1024 });
    await poolSettles(stack, { connected: 2, busy: 0 });
    const db = await stack.session();
    await db.query(LOCK);
    try {
      const running = [health(stack), health(stack)];
      await waitingOnLock(stack, 2);
      const waited = await Promise.all([health(stack), health(stack), health(stack)]);
      for (const r of waited) {
        errorShape(r, 503, 'busy');
        assert.equal(r.headers.get('retry-after'), '1');
      }
      await db.query('commit');
      for (const r of await Promise.all(running)) assert.equal(r.status, 200);
    } finally {
      await db.close();
    }
    await poolSettles(stack, { busy: 0, waiting: 0 });
  });

  test('a full wait queue answers 503 at once', async () => {
    await reloaded(stack, { poolSize: 2, pipeline: 1, workers: 1, waitTimeout: '20s', waitQueue: 1 });
    await poolSettles(stack, { connected: 2, busy: 0 });
    const db = await stack.session();
    await db.query(LOCK);
    try {
      const running = [health(stack), health(stack)];
      await waitingOnLock(stack, 2);
      const queued = health(stack);
      // the queue holds one; wait until it does
      const deadline = Date.now() + 5000;
      let r;
      for (;;) {
        r = await health(stack);
        if (r.status === 503) break;
        assert.ok(Date.now() < deadline, 'the queue never filled');
      }
      errorShape(r, 503, 'busy');
      await db.query('commit');
      for (const x of await Promise.all([...running, queued])) assert.equal(x.status, 200);
    } finally {
      await db.close();
    }
  });
});

// A request's fate within `ms`: its answer, or 'pending' while it waits.
async function within(p, ms = 300) {
  return Promise.race([p, new Promise((r) => setTimeout(() => r('pending'), ms))]);
}

describe('pipelines: 2 connections, 3 queries in flight on each', () => {
  let stack;
  before(async () => {
    stack = await startStack({ poolSize: 2, pipeline: 3, workers: 1, waitTimeout: '20s', waitQueue: 1 });
  });
  after(async () => {
    assert.doesNotMatch(errorLog(stack), /\[(alert|crit|emerg)\]/);
    await stack.stop();
  });

  test('1,000 concurrent requests are all answered, in flight 3 deep', async () => {
    await reloaded(stack, { poolSize: 2, pipeline: 3, workers: 1, waitTimeout: '20s', waitQueue: 1024 });
    const all = await Promise.all(Array.from({ length: 1000 }, () => health(stack)));
    const bad = all.filter((r) => r.status !== 200 || r.body?.status !== 'ok');
    assert.equal(bad.length, 0, `first failure: ${bad[0]?.status} ${bad[0]?.text}`);
    for (const r of all) {
      assert.ok(r.body.pool.in_flight <= 6, `at most 2 x 3 in flight: ${r.text}`);
      assert.ok(r.body.pool.busy <= 2);
    }
    assert.ok(all.some((r) => r.body.pool.in_flight > 2), 'some request shared a connection');
    await poolSettles(stack, { connected: 2, busy: 0, in_flight: 0, waiting: 0 });
  });

  test('six run at once, the seventh waits, the eighth is refused; all seven answer', async () => {
    await reloaded(stack, { poolSize: 2, pipeline: 3, workers: 1, waitTimeout: '20s', waitQueue: 1 });
    await poolSettles(stack, { connected: 2, busy: 0 });
    const db = await stack.session();
    await db.query(LOCK);
    const accepted = [];
    let refused;
    try {
      // one at a time: each either goes in flight or waits (pending), until
      // the pipelines and the queue (1) are full and the next gets 503 at once
      for (let i = 0; i < 12 && !refused; i++) {
        const p = health(stack);
        const r = await within(p);
        if (r === 'pending') accepted.push(p); else refused = r;
      }
      assert.equal(accepted.length, 7, 'two connections x 3, and one waiting');
      errorShape(refused, 503, 'busy');
      // each connection's first query holds a backend on the lock; the
      // others are queued behind it in the same pipeline
      await waitingOnLock(stack, 2);
      await db.query('commit');
      for (const r of await Promise.all(accepted)) assert.equal(r.status, 200, r.text);
    } finally {
      await db.close();
    }
    await poolSettles(stack, { connected: 2, busy: 0, in_flight: 0, waiting: 0 });
  });

  test('clients hanging up in the middle of a pipeline disturb no other', async () => {
    await reloaded(stack, { poolSize: 2, pipeline: 3, workers: 1, waitTimeout: '20s', waitQueue: 1024 });
    await poolSettles(stack, { connected: 2, busy: 0 });
    const db = await stack.session();
    await db.query(LOCK);
    try {
      const aborters = Array.from({ length: 6 }, () => new AbortController());
      const all = [];
      for (const a of aborters) {
        all.push(health(stack, { signal: a.signal }).then((r) => r, (e) => e.name));
        await new Promise((r) => setTimeout(r, 30));
      }
      await waitingOnLock(stack, 2);
      // every other one hangs up: their queries stay in the pipelines
      for (let i = 0; i < 6; i += 2) aborters[i].abort();
      await new Promise((r) => setTimeout(r, 100));
      await db.query('commit');
      const got = await Promise.all(all);
      for (let i = 0; i < 6; i++) {
        if (i % 2 === 0) assert.equal(got[i], 'AbortError');
        else assert.equal(got[i].status, 200, got[i].text);
      }
    } finally {
      await db.close();
    }
    // the abandoned results were read and dropped: the pipelines are empty
    await poolSettles(stack, { connected: 2, busy: 0, in_flight: 0, waiting: 0 });
    const again = await Promise.all(Array.from({ length: 60 }, () => health(stack)));
    assert.ok(again.every((r) => r.status === 200));
  });

  test('a statement that fails answers its own request only', async () => {
    // the first of four in one pipeline is cancelled by PostgreSQL
    // (pg_cancel_backend: 57014, answered 504); each query has its own
    // Sync, so the three behind it run on and answer 200
    await reloaded(stack, { poolSize: 1, pipeline: 4, workers: 1, waitTimeout: '20s', waitQueue: 1024 });
    await poolSettles(stack, { connected: 1, busy: 0 });
    const db = await stack.session();
    await db.query(LOCK);
    try {
      const all = [];
      for (let i = 0; i < 4; i++) {
        all.push(health(stack));
        await new Promise((r) => setTimeout(r, 30));
      }
      await waitingOnLock(stack, 1);
      await stack.psql("select pg_cancel_backend(pid) from pg_stat_activity where application_name = 'scc-nginx' and wait_event_type = 'Lock'");
      await new Promise((r) => setTimeout(r, 100));
      await db.query('commit');
      const got = await Promise.all(all);
      errorShape(got[0], 504, 'db_timeout');
      for (const r of got.slice(1)) assert.equal(r.status, 200, r.text);
    } finally {
      await db.close();
    }
    await poolSettles(stack, { connected: 1, busy: 0, in_flight: 0, waiting: 0 });
  });
});

describe('PostgreSQL going away and nginx reloading', () => {
  let stack;
  before(async () => {
    stack = await startStack({ poolSize: 2, workers: 2, waitTimeout: '10s' });
  });
  after(async () => {
    assert.doesNotMatch(errorLog(stack), /\[(alert|crit|emerg)\]/);
    await stack.stop();
  });

  test('PostgreSQL stopped: 503 without waiting; started again: service back, same nginx', async () => {
    const master = stack.nginxPid();
    assert.equal((await health(stack)).status, 200);

    await stack.pgStop();
    for (let i = 0; i < 10; i++) {
      const t0 = Date.now();
      const r = await health(stack);
      errorShape(r, 503, 'db_unavailable');
      assert.equal(r.headers.get('retry-after'), '1');
      // it fails fast: it did not sit in the queue for the 10 s wait timeout
      assert.ok(Date.now() - t0 < 5000, 'answered without waiting for the timeout');
    }

    await stack.pgStart();
    // every worker's pool reconnects on its own (how fast is make bench's
    // business); here: it does, and then every request is served
    await poolSettles(stack, { connected: 2 });
    const deadline = Date.now() + 10_000;
    let burst;
    do {
      burst = await Promise.all(Array.from({ length: 50 }, () => health(stack)));
      if (burst.every((x) => x.status === 200)) break;
      await new Promise((res) => setTimeout(res, 50));
    } while (Date.now() < deadline);
    assert.ok(burst.every((x) => x.status === 200), 'full service came back');
    burst = await Promise.all(Array.from({ length: 200 }, () => health(stack)));
    assert.ok(burst.every((x) => x.status === 200), 'all answered after recovery');
    // nginx was never restarted
    assert.equal(stack.nginxPid(), master);
  });

  test('queries in flight when PostgreSQL stops get 503, not a hang', async () => {
    const db = await stack.session();
    await db.query(LOCK);
    const inflight = [health(stack), health(stack), health(stack)];
    // two worker processes share the three requests as the kernel pleases
    await waitingOnLock(stack, 1);
    await new Promise((r) => setTimeout(r, 200));
    // immediate: every backend exits at once without releasing its locks, so
    // no waiting query can slip through (a fast stop ends sessions in no
    // set order, and a query whose lock holder went first may well finish)
    await stack.pgStop({ mode: 'immediate' });
    await db.close().catch(() => {});
    for (const r of await Promise.all(inflight)) errorShape(r, 503, 'db_unavailable');
    await stack.pgStart();
    await poolSettles(stack, { connected: 2, busy: 0, waiting: 0 });
  });

  test('nginx -s reload while requests are in flight fails none', async () => {
    const db = await stack.session();
    await db.query(LOCK);
    const held = Array.from({ length: 4 }, () => health(stack));
    await waitingOnLock(stack, 1);
    await new Promise((r) => setTimeout(r, 200));

    // and a steady stream of requests across the reload
    let stop = false;
    const stream = (async () => {
      const out = [];
      while (!stop) out.push(await health(stack).catch((e) => ({ status: 0, text: String(e) })));
      return out;
    })();
    // the stream needs connections that are not stuck behind the lock: the
    // new workers' pools are fresh, the old workers' are held by `held`
    await stack.reload({ poolSize: 2, workers: 2, waitTimeout: '10s' });
    await new Promise((r) => setTimeout(r, 500));
    await db.query('commit');
    await db.close();
    for (const r of await Promise.all(held)) assert.equal(r.status, 200, r.text);
    await new Promise((r) => setTimeout(r, 300));
    stop = true;
    const streamed = await stream;
    const failed = streamed.filter((r) => r.status !== 200);
    assert.equal(failed.length, 0, `failed: ${JSON.stringify(failed.slice(0, 3))}`);
    assert.ok(streamed.length > 0);
  });
});
