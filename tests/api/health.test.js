// health.test.js — GET /api/health through the real module and database:
// the answer's shape and that its figures come from where they should
// (schema_version from scc.schema_migrations, pool from the module).

import test, { before } from 'node:test';
import assert from 'node:assert/strict';

import { sharedStack } from './lib/stack.js';

let stack;
before(async () => { stack = await sharedStack(); });

test('GET /api/health answers 200 JSON with db_time, schema_version and pool', async () => {
  const res = await stack.fetch('/api/health');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  const body = await res.json();
  assert.equal(body.status, 'ok');

  const dbTime = Date.parse(body.db_time);
  assert.ok(Number.isFinite(dbTime), `db_time ${body.db_time} is an ISO time`);
  assert.ok(Math.abs(dbTime - Date.now()) < 60_000, 'db_time is now');

  const newest = Number(await stack.psql('select max(version) from scc.schema_migrations'));
  assert.equal(body.schema_version, newest);

  assert.equal(typeof body.pool, 'object');
  for (const k of ['size', 'connected', 'busy', 'in_flight', 'waiting']) {
    assert.equal(typeof body.pool[k], 'number', `pool.${k} is a number`);
  }
  assert.ok(body.pool.size >= 1);
  assert.ok(body.pool.in_flight >= body.pool.busy, 'a busy connection has a query in flight');
});
