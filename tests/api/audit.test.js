// audit.test.js — GET /api/audit over HTTP (sql/migrations/017): an admin
// reads the rows real mutations wrote, newest first, filtered and paged by
// keyset until the end; bad filters answer 400 by name; other roles 401/403.

import test, { before } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import { sharedStack } from './lib/stack.js';
import { api, isError, signIn } from './lib/auth.js';

let stack;
let admin;
let captain;
const entityIds = [];

before(async () => {
  stack = await sharedStack();
  admin = await signIn(stack, 'admin');
  captain = await signIn(stack, 'captain');
  // five real mutations by this admin: checklist templates made and renamed
  const name = `Audit ${crypto.randomBytes(3).toString('hex')}`;
  for (let i = 0; i < 3; i++) {
    const r = await api(stack, 'POST', '/api/checklist-templates',
      { token: admin.access, body: { name: `${name} ${i}`, phase: 'post', active: false } });
    assert.equal(r.status, 201, r.text);
    entityIds.push(r.body.id);
  }
  for (const id of entityIds.slice(0, 2)) {
    const r = await api(stack, 'PATCH', `/api/checklist-templates/${id}`, { token: admin.access, body: { name: `${name} renamed ${id.slice(0, 4)}` } });
    assert.equal(r.status, 200, r.text);
  }
});

const get = (query, token = admin.access) => api(stack, 'GET', `/api/audit${query}`, { token });

test('an admin reads the rows the mutations wrote, newest first, with who and what', async () => {
  const r = await get(`?actor=${admin.id}&entity=checklist_template&limit=5`);
  assert.equal(r.status, 200, r.text);
  const items = r.body.items;
  assert.equal(items.length, 5);
  assert.deepEqual(items.map((x) => x.action), ['checklist_template.update', 'checklist_template.update',
    'checklist_template.create', 'checklist_template.create', 'checklist_template.create']);
  assert.deepEqual(items.map((x) => x.entity_id), [entityIds[1], entityIds[0], entityIds[2], entityIds[1], entityIds[0]]);
  assert.ok(items.every((x, i) => i === 0 || x.id < items[i - 1].id), 'ids go down');
  assert.deepEqual(items[0].actor, { id: admin.id, name: admin.name, email: admin.email });
  assert.equal(items[0].actor_role, 'admin');
  assert.notEqual(items[0].before.name, items[0].after.name);
  assert.match(items[0].at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  assert.ok(items[0].request_id, 'the request id ties the row to nginx\'s log');
});

test('keyset paging: before = next_before walks every row once, to the end', async () => {
  const seen = [];
  let before = '';
  for (let page = 0; page < 10; page++) {
    const r = await get(`?actor=${admin.id}&limit=2${before}`);
    assert.equal(r.status, 200, r.text);
    seen.push(...r.body.items.map((x) => x.id));
    if (r.body.next_before === null) break;
    assert.equal(r.body.next_before, r.body.items.at(-1).id);
    before = `&before=${r.body.next_before}`;
  }
  // the admin's rows: 5 mutations (signing in by invite is audited too, under this user)
  const all = await get(`?actor=${admin.id}&limit=200`);
  assert.deepEqual(seen, all.body.items.map((x) => x.id));
  assert.equal(new Set(seen).size, seen.length);
  assert.equal(all.body.next_before, null);
});

test('filters: action, time range', async () => {
  let r = await get(`?actor=${admin.id}&action=checklist_template.update`);
  assert.deepEqual(r.body.items.map((x) => x.entity_id), [entityIds[1], entityIds[0]]);
  const newest = r.body.items[0].at;
  r = await get(`?actor=${admin.id}&action=checklist_template.update&from=${encodeURIComponent(newest)}`);
  assert.deepEqual(r.body.items.map((x) => x.entity_id), [entityIds[1]], 'from is inclusive');
  r = await get(`?actor=${admin.id}&action=checklist_template.update&to=${encodeURIComponent(newest)}`);
  assert.deepEqual(r.body.items.map((x) => x.entity_id), [entityIds[0]], 'to is exclusive');
  r = await get(`?actor=${captain.id}&entity=checklist_template`);
  assert.deepEqual(r.body.items, []);
  assert.equal(r.body.next_before, null);
});

test('bad filters answer 400 by name; reading writes nothing; only admins', async () => {
  const count = await stack.psql('select count(*) from scc.audit_log');
  isError(await get('?actor=someone'), 400, 'invalid_actor');
  isError(await get('?limit=0'), 400, 'invalid_limit');
  isError(await get('?limit=500'), 400, 'invalid_limit');
  isError(await get('?limit=ten'), 400, 'invalid_limit');
  isError(await get('?before=0'), 400, 'invalid_before');
  isError(await get('?before=1e9'), 400, 'invalid_before');
  isError(await get('?from=yesterday'), 400, 'invalid_from');
  isError(await get('?to=2026-02-30'), 400, 'invalid_to');
  isError(await get('?from=2026-05-02&to=2026-05-01'), 400, 'invalid_range');
  isError(await get(`?entity=${'e'.repeat(101)}`), 400, 'invalid_entity');
  isError(await get(`?action=${'a'.repeat(101)}`), 400, 'invalid_action');
  isError(await get('?page=2'), 400, 'unknown_parameter');
  assert.equal(await stack.psql('select count(*) from scc.audit_log'), count);
  isError(await get('', captain.access), 403, 'insufficient_scope');
  isError(await get('', null), 401, 'unauthorized');
});
