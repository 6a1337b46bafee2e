// stack.test.js — the harness itself (lib/stack.js + conf/stack) on a
// dedicated stack: options reach nginx.conf, reload applies new ones,
// PostgreSQL can be stopped and started under nginx, a held lock makes a
// health query wait, stop() leaves nothing running, and the token cache
// can be turned off and on (tokens answer the same either way).  The module's own
// pool behaviour is tested in depth elsewhere; this proves the tools work.

import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';

import { startStack } from './lib/stack.js';
import { api, forgeToken } from './lib/auth.js';

let stack;
before(async () => {
  stack = await startStack({ poolSize: 3, waitTimeout: '2s', waitQueue: 16, workers: 1, jwtCache: 0 });
});
after(async () => { if (stack) await stack.stop(); });

async function health() {
  const res = await stack.fetch('/api/health');
  return { status: res.status, body: await res.json() };
}

/** Retry `fn` until it returns true or `ms` pass (bounded polling). */
// Polls fn until it holds.  A request that fails outright counts as "not
// yet": across a reload, fetch may reuse a keep-alive connection that the
// old worker closes as it exits, and an HTTP client retries an idempotent
// GET on a new connection then (RFC 9110, 9.2.2).
async function eventually(fn, ms = 10_000) {
  const end = Date.now() + ms;
  let last = null;
  for (;;) {
    try {
      if (await fn()) return;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`condition not met in time${last ? ` (last error: ${last.message})` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('the options given to startStack reach nginx and the pool', async () => {
  const conf = fs.readFileSync(`${stack.dir}/nginx.conf`, 'utf8');
  assert.match(conf, /scc_pg_pool_size 3;/);
  assert.match(conf, /scc_pg_wait_timeout 2s;/);
  assert.match(conf, /scc_pg_wait_queue 16;/);
  assert.match(conf, /worker_processes 1;/);
  assert.match(conf, /scc_jwt_cache 0;/);
  assert.match(conf, new RegExp(`scc_pg "host=${stack.pgHost} dbname=scc user=scc_web";`));
  const h = await health();
  assert.equal(h.status, 200);
  assert.equal(h.body.pool.size, 3);
});

test('reload applies a new pool size without restarting the master', async () => {
  const pid = stack.nginxPid();
  await stack.reload({ poolSize: 5 });
  await eventually(async () => (await health()).body.pool?.size === 5);
  assert.equal(stack.nginxPid(), pid);
});

test('without the token cache and with it, tokens get the same answers', async () => {
  const now = Math.floor(Date.now() / 1000);
  const tokens = {
    good: forgeToken(stack, { role: 'crew' }),
    expired: forgeToken(stack, { exp: now - 1 }),
    foreign: forgeToken(stack, {}, { secret: Buffer.alloc(32, 7) }),
    'not valid yet': forgeToken(stack, { nbf: now + 600 }),
  };
  const answers = async () => {
    const out = {};
    for (const [what, token] of Object.entries(tokens)) {
      // twice: the second is the cache's answer when there is one
      const a = await api(stack, 'GET', '/api/me', { token });
      const b = await api(stack, 'GET', '/api/me', { token });
      assert.equal(a.status, b.status, what);
      out[what] = a.status === 200 ? a.body.user.role : a.body.error.code;
    }
    return out;
  };
  const expected = { good: 'crew', expired: 'invalid_token', foreign: 'invalid_token', 'not valid yet': 'invalid_token' };
  assert.deepEqual(await answers(), expected, 'scc_jwt_cache 0');
  const pid = stack.nginxPid();
  await stack.reload({ jwtCache: 64 });
  await eventually(() => fs.readFileSync(`${stack.dir}/nginx.conf`, 'utf8').includes('scc_jwt_cache 64;'));
  // the new workers answer once the old ones have gone; ask until then
  await eventually(async () => JSON.stringify(await answers()) === JSON.stringify(expected));
  assert.deepEqual(await answers(), expected, 'scc_jwt_cache 64');
  assert.equal(stack.nginxPid(), pid);
});

test('pgStop makes health 503 db_unavailable; pgStart brings it back, nginx untouched', async () => {
  const pid = stack.nginxPid();
  await stack.pgStop();
  await eventually(async () => (await health()).status === 503);
  const down = await health();
  assert.equal(down.body.error.code, 'db_unavailable');
  await stack.pgStart();
  await eventually(async () => (await health()).status === 200);
  assert.equal(stack.nginxPid(), pid);
});

test('a lock held in a session makes a health query wait until it is released', async () => {
  const db = await stack.session();
  await db.query('begin');
  await db.query('lock table scc.schema_migrations in access exclusive mode');
  let settled = false;
  const pending = health().finally(() => { settled = true; });
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(settled, false, 'health answered while the table was locked');
  await db.query('rollback');
  const h = await pending;
  assert.equal(h.status, 200);
  await db.close();
});

test('psql reports SQL errors and can run as another role', async () => {
  assert.equal(await stack.psql('select 1 + 1'), '2');
  await assert.rejects(stack.psql('select * from scc.schema_migrations', { user: 'scc_web' }),
    /permission denied/);
  assert.match(await stack.psql(`select (scc_api.health('{}')).status`, { user: 'scc_web' }), /^200$/);
});
