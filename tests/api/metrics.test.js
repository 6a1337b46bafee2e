// metrics.test.js — the module's Prometheus endpoint (`scc_metrics;`, the
// dev conf's `location = /metrics`), scraped before and after requests on a
// stack of its own with TWO nginx worker processes, one connection each
// (scc_pg_pool_size 1, scc_pg_pipeline 1), so that every figure is the sum
// of two processes' and a wait timeout is easy to make: nothing else talks to
// this stack, so every counter must move by exactly what the test sent.
//
// Requests go one a connection (no keep-alive): the kernel hands each to
// whichever worker process accepts it, so both processes count.

import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';

import { startStack } from './lib/stack.js';
import { signIn } from './lib/auth.js';

let s;
before(async () => {
  s = await startStack({ workers: 2, poolSize: 1, pipeline: 1, waitTimeout: '300ms', noWorker: true });
});
after(async () => { if (s) await s.stop(); });

// One request on a connection of its own; resolves { status, headers, text }.
function request(method, p, { headers = {}, localAddress } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(s.urlFor(p), { method, headers, agent: false, localAddress }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*",?)*\})? (-?[0-9]+(?:\.[0-9]+)?|\+Inf)$/;

// The exposition as { samples: Map('name{labels}' -> number), families: Map(name -> {help, type}) },
// every line checked against the format on the way.
function parse(text) {
  const samples = new Map();
  const families = new Map();
  assert.ok(text.endsWith('\n'), 'the text ends with a newline');
  for (const line of text.slice(0, -1).split('\n')) {
    let m = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (m) {
      const f = families.get(m[2]) ?? {};
      assert.equal(f[m[1].toLowerCase()], undefined, `one ${m[1]} for ${m[2]}`);
      f[m[1].toLowerCase()] = m[3];
      families.set(m[2], f);
      continue;
    }
    m = LINE.exec(line);
    assert.ok(m, `a sample line: ${JSON.stringify(line)}`);
    assert.ok(!samples.has(m[1] + (m[2] ?? '')), `no sample twice: ${line}`);
    samples.set(m[1] + (m[2] ?? ''), Number(m[3]));
  }
  return { samples, families };
}

async function scrape() {
  const r = await request('GET', '/metrics');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
  return parse(r.text);
}

const v = (snap, key) => snap.samples.get(key) ?? 0;
const req = (method, route, code) => `scc_http_requests_total{method="${method}",route="${route}",code="${code}"}`;
const unmatched = (code) => `scc_http_requests_total{route="unmatched",code="${code}"}`;
const hist = (method, route, part) => `scc_http_request_duration_seconds_${part}{method="${method}",route="${route}"}`;

// Every requests_total series that moved between two scrapes, with how much.
function moved(a, b) {
  const out = {};
  for (const [k, n] of b.samples) {
    if (k.startsWith('scc_http_requests_total') && n !== v(a, k)) out[k] = n - v(a, k);
  }
  return out;
}

// Scrape until pred(snapshot) holds: a request's counters move in the log
// phase, just after its answer has left; bounded, then the last one is shown.
async function settles(pred, what, ms = 5000) {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    last = await scrape();
    if (pred(last)) return last;
    if (Date.now() > end) assert.fail(`${what} never held; last scrape:\n${[...last.samples].join('\n')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('the scrape: Prometheus text 0.0.4, a HELP and a TYPE for every family, GET and HEAD only', async () => {
  const snap = await scrape();
  for (const [name, f] of snap.families) {
    assert.ok(f.help && f.type, `${name} has HELP and TYPE`);
    assert.match(name, /^scc_/);
  }
  const types = Object.fromEntries([...snap.families].map(([n, f]) => [n, f.type]));
  assert.deepEqual(types, {
    scc_http_requests_total: 'counter',
    scc_http_request_duration_seconds: 'histogram',
    scc_metrics_processes: 'gauge',
    scc_pg_pool_size: 'gauge',
    scc_pg_connections: 'gauge',
    scc_pg_busy: 'gauge',
    scc_pg_in_flight: 'gauge',
    scc_pg_waiting: 'gauge',
    scc_pg_wait_timeouts_total: 'counter',
    scc_pg_query_timeouts_total: 'counter',
    scc_pg_reconnects_total: 'counter',
    scc_jwt_cache_hits_total: 'counter',
    scc_jwt_cache_misses_total: 'counter',
  });
  // every sample belongs to a family declared before it
  for (const k of snap.samples.keys()) {
    const name = k.replace(/\{.*$/, '');
    const base = name.replace(/_(bucket|sum|count)$/, '');
    assert.ok(snap.families.has(name) || snap.families.get(base)?.type === 'histogram', `family of ${k}`);
  }
  const head = await request('HEAD', '/metrics');
  assert.equal(head.status, 200);
  assert.equal(head.text, '');
  assert.equal((await request('POST', '/metrics')).status, 405);
});

test('the figures of both worker processes are summed: processes, pool size, connections', async () => {
  // two processes, one connection each; PostgreSQL sees the same two
  const snap = await settles((x) => v(x, 'scc_pg_connections') === 2, 'two connections ready');
  assert.equal(v(snap, 'scc_metrics_processes'), 2);
  assert.equal(v(snap, 'scc_pg_pool_size'), 2);
  assert.equal(await s.psql("select count(*) from pg_stat_activity where application_name = 'scc-nginx'"), '2');
  assert.equal(v(snap, 'scc_pg_busy'), 0);
  assert.equal(v(snap, 'scc_pg_in_flight'), 0);
  assert.equal(v(snap, 'scc_pg_waiting'), 0);
});

test('requests are counted by route and status, exactly; the histogram counts each once', async () => {
  const a = await scrape();
  const sent = [
    ...Array(3).fill(['GET', '/api/health']),       // 200
    ...Array(2).fill(['GET', '/api/no-such-route']), // 404, no route
    ['DELETE', '/api/health'],                        // 405, no route for the method
    ...Array(2).fill(['GET', '/api/me']),            // 401, no token
  ];
  const got = [];
  for (const [m, p] of sent) got.push((await request(m, p)).status);
  assert.deepEqual(got, [200, 200, 200, 404, 404, 405, 401, 401]);

  const want = {
    [req('GET', '/api/health', 200)]: 3,
    [unmatched(404)]: 2,
    [unmatched(405)]: 1,
    [req('GET', '/api/me', 401)]: 2,
  };
  const sorted = (o) => JSON.stringify(Object.entries(o).sort());
  const b = await settles((x) => sorted(moved(a, x)) === sorted(want), 'the counters moved');
  assert.deepEqual(moved(a, b), want, 'those, and nothing else');

  // the histogram: its count moved by the route's requests, +Inf equals the
  // count, the buckets never decrease, the sum did not go down
  for (const [method, route, n] of [['GET', '/api/health', 3], ['GET', '/api/me', 2]]) {
    assert.equal(v(b, hist(method, route, 'count')) - v(a, hist(method, route, 'count')), n, route);
    const buckets = [...b.samples].filter(([k]) => k.startsWith(`scc_http_request_duration_seconds_bucket{method="${method}",route="${route}",`));
    assert.equal(buckets.length, 12, 'eleven bounds and +Inf');
    assert.match(buckets.at(-1)[0], /le="\+Inf"/);
    assert.equal(buckets.at(-1)[1], v(b, hist(method, route, 'count')));
    for (let i = 1; i < buckets.length; i++) assert.ok(buckets[i][1] >= buckets[i - 1][1], 'cumulative');
    assert.ok(v(b, hist(method, route, 'sum')) >= v(a, hist(method, route, 'sum')));
  }
  const un = (part) => `scc_http_request_duration_seconds_${part}{route="unmatched"}`;
  assert.equal(v(b, un('count')) - v(a, un('count')), 3);
});

test('the token caches: every verified token is a hit or a miss, summed over both processes', async () => {
  const user = await signIn(s, 'crew');
  const a = await scrape();
  for (let i = 0; i < 4; i++) {
    assert.equal((await request('GET', '/api/me', { headers: { authorization: `Bearer ${user.access}` } })).status, 200);
  }
  const b = await settles((x) => v(x, req('GET', '/api/me', 200)) - v(a, req('GET', '/api/me', 200)) === 4, '4 answers counted');
  const hits = v(b, 'scc_jwt_cache_hits_total') - v(a, 'scc_jwt_cache_hits_total');
  const misses = v(b, 'scc_jwt_cache_misses_total') - v(a, 'scc_jwt_cache_misses_total');
  assert.equal(hits + misses, 4);
  // each process misses a token once at most, then keeps it
  assert.ok(misses >= 1 && misses <= 2, `misses ${misses}`);
});

test('wait timeouts and the gauges while queries are held: what the clients got, the metrics say', async () => {
  const db = await s.session();
  try {
    // health reads scc.schema_migrations: its queries wait on this lock
    await db.query('begin; lock table scc.schema_migrations in access exclusive mode');
    const a = await scrape();
    const pending = Array.from({ length: 6 }, () => request('GET', '/api/health'));
    // past the 300 ms wait timeout every request that found no free
    // connection has had its 503, the others hold the two connections: all
    // six are either in flight or timed out, none waits
    const held = await settles((x) => v(x, 'scc_pg_in_flight')
      + v(x, 'scc_pg_wait_timeouts_total') - v(a, 'scc_pg_wait_timeouts_total') === 6
      && v(x, 'scc_pg_waiting') === 0, 'six requests held or timed out', 10_000);
    await db.query('commit');
    const got = (await Promise.all(pending)).map((r) => r.status);
    const busy = got.filter((x) => x === 503).length;
    const ok = got.filter((x) => x === 200).length;
    assert.equal(busy + ok, 6, `statuses ${got}`);
    assert.ok(ok >= 1 && ok <= 2, `one or two held (one a process): ${got}`);

    assert.equal(v(held, 'scc_pg_busy'), ok, 'busy connections while held');
    assert.equal(v(held, 'scc_pg_in_flight'), ok, 'queries in flight while held');
    assert.equal(v(held, 'scc_pg_waiting'), 0, 'nobody waits past the timeout');

    const b = await settles((x) => v(x, req('GET', '/api/health', 200)) - v(a, req('GET', '/api/health', 200)) === ok,
      'the held requests counted');
    assert.equal(v(b, 'scc_pg_wait_timeouts_total') - v(a, 'scc_pg_wait_timeouts_total'), busy);
    assert.equal(v(b, req('GET', '/api/health', 503)) - v(a, req('GET', '/api/health', 503)), busy);
    assert.equal(v(b, 'scc_pg_busy'), 0);
    assert.equal(v(b, 'scc_pg_query_timeouts_total'), v(a, 'scc_pg_query_timeouts_total'));
  } finally {
    await db.close();
  }
});

test('reconnects: each connection PostgreSQL drops is one reconnect, and the gauges come back', async () => {
  const a = await settles((x) => v(x, 'scc_pg_connections') === 2, 'two connections ready');
  const killed = Number(await s.psql(
    "select count(pg_terminate_backend(pid)) from pg_stat_activity where application_name = 'scc-nginx'"));
  assert.equal(killed, 2);
  const b = await settles((x) => v(x, 'scc_pg_reconnects_total') - v(a, 'scc_pg_reconnects_total') === 2
    && v(x, 'scc_pg_connections') === 2, 'two reconnects, two connections');
  assert.equal(v(b, 'scc_pg_reconnects_total') - v(a, 'scc_pg_reconnects_total'), 2);
  assert.equal((await request('GET', '/api/health')).status, 200);
});

test('allow/deny: another address gets 403, this machine the text', async () => {
  const other = await request('GET', '/metrics', { localAddress: '127.0.0.2' });
  assert.equal(other.status, 403);
  assert.doesNotMatch(other.text, /scc_/);
  assert.equal((await request('GET', '/metrics')).status, 200);
});

test('a reload keeps the counters; the new processes take the old ones\' place', async () => {
  const a = await scrape();
  assert.ok(v(a, 'scc_pg_wait_timeouts_total') > 0, 'the test before left counters to keep');
  await s.reload();
  const b = await settles((x) => v(x, 'scc_metrics_processes') === 2 && v(x, 'scc_pg_connections') === 2
    && v(x, 'scc_pg_pool_size') === 2, 'the new processes alone', 10_000);
  assert.ok(v(b, req('GET', '/api/health', 200)) >= v(a, req('GET', '/api/health', 200)));
  assert.equal(v(b, 'scc_pg_wait_timeouts_total'), v(a, 'scc_pg_wait_timeouts_total'));
  assert.equal(v(b, 'scc_jwt_cache_hits_total'), v(a, 'scc_jwt_cache_hits_total'));
});
