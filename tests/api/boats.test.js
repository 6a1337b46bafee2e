// boats.test.js — GET/POST /api/boats and PATCH /api/boats/:id on the real
// stack: who may do what, what a boat looks like, deactivation, and bad
// input on every route answering a field-specific 400/404/409/422 (never a
// 5xx) while changing nothing.

import test, { before } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import { sharedStack } from './lib/stack.js';
import { api, isError, signIn } from './lib/auth.js';

let stack, admin, captain, crew, guest;
before(async () => {
  stack = await sharedStack();
  [admin, captain, crew, guest] = await Promise.all(['admin', 'captain', 'crew', 'guest'].map((r) => signIn(stack, r)));
});

const uniq = (tag) => `${tag} ${crypto.randomBytes(4).toString('hex')}`;
const boatBody = (over = {}) => ({ name: uniq('Boat'), port_name: 'Shelter Island', port_lat: 32.7157,
  port_lon: -117.2289, time_zone: 'America/Los_Angeles', guest_capacity: 6, ...over });
const snapshot = () => stack.psql(`select coalesce(md5(string_agg(b::text, '|' order by b.id)), '') from scc.boats as b`);

test('an admin creates a boat; crew list it; captains and crew may not create', async () => {
  const body = boatBody({ crew_min: 2, crew_max: 4 });
  const r = await api(stack, 'POST', '/api/boats', { token: admin.access, body });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(
    { name: r.body.name, port: r.body.port_name, lat: r.body.port_lat, lon: r.body.port_lon, tz: r.body.time_zone,
      cap: r.body.guest_capacity, min: r.body.crew_min, max: r.body.crew_max, active: r.body.active },
    { name: body.name, port: 'Shelter Island', lat: 32.7157, lon: -117.2289, tz: 'America/Los_Angeles',
      cap: 6, min: 2, max: 4, active: true });
  assert.match(r.body.id, /^[0-9a-f-]{36}$/);
  const list = await api(stack, 'GET', '/api/boats', { token: crew.access });
  assert.equal(list.status, 200);
  assert.ok(list.body.items.some((b) => b.id === r.body.id), 'crew see the new boat');
  for (const who of [captain, crew]) {
    isError(await api(stack, 'POST', '/api/boats', { token: who.access, body: boatBody() }), 403, 'insufficient_scope');
  }
  isError(await api(stack, 'GET', '/api/boats', { token: guest.access }), 403, 'insufficient_scope');
  const audit = await stack.psql(`select count(*) from scc.audit_log where action = 'boat.create' and entity_id = '${r.body.id}'`);
  assert.equal(audit, '1', 'audited');
});

test('deactivating a boat hides it from the list but not from an admin asking for all', async () => {
  const b = (await api(stack, 'POST', '/api/boats', { token: admin.access, body: boatBody() })).body;
  const r = await api(stack, 'PATCH', `/api/boats/${b.id}`, { token: admin.access, body: { active: false, guest_capacity: 8 } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.active, false);
  assert.equal(r.body.guest_capacity, 8);
  const crewList = await api(stack, 'GET', '/api/boats', { token: crew.access });
  assert.ok(!crewList.body.items.some((x) => x.id === b.id), 'not listed for crew');
  const all = await api(stack, 'GET', '/api/boats?all=1', { token: admin.access });
  assert.ok(all.body.items.some((x) => x.id === b.id && x.active === false), 'listed with all=1 for an admin');
  isError(await api(stack, 'GET', '/api/boats?all=1', { token: captain.access }), 403, 'insufficient_scope');
  const row = await stack.psql(`select before ->> 'active' || ' ' || (after ->> 'active') from scc.audit_log
                                 where action = 'boat.update' and entity_id = '${b.id}'`);
  assert.equal(row, 'true false', 'audited with before and after');
});

test('bad input on every boat route: a field-specific refusal, never a 5xx, nothing changed', async () => {
  const taken = (await api(stack, 'POST', '/api/boats', { token: admin.access, body: boatBody() })).body;
  const other = (await api(stack, 'POST', '/api/boats', { token: admin.access, body: boatBody() })).body;
  const cases = [
    ['POST', '/api/boats', boatBody({ name: taken.name.toUpperCase() }), 409, 'boat_name_taken'],
    ['POST', '/api/boats', boatBody({ name: '   ' }), 400, 'name_required'],
    ['POST', '/api/boats', boatBody({ name: 42 }), 400, 'invalid_name'],
    ['POST', '/api/boats', boatBody({ name: 'x'.repeat(101) }), 422, 'name_too_long'],
    ['POST', '/api/boats', boatBody({ port_lat: 90.5 }), 422, 'port_lat_out_of_range'],
    ['POST', '/api/boats', boatBody({ port_lon: -181 }), 422, 'port_lon_out_of_range'],
    ['POST', '/api/boats', boatBody({ port_lon: '117W' }), 400, 'invalid_port_lon'],
    ['POST', '/api/boats', boatBody({ time_zone: 'Pacific Time' }), 400, 'invalid_time_zone'],
    ['POST', '/api/boats', boatBody({ time_zone: 'PST' }), 400, 'invalid_time_zone'],
    ['POST', '/api/boats', boatBody({ guest_capacity: -1 }), 422, 'guest_capacity_out_of_range'],
    ['POST', '/api/boats', boatBody({ guest_capacity: 2.5 }), 400, 'invalid_guest_capacity'],
    ['POST', '/api/boats', boatBody({ crew_min: 3, crew_max: 2 }), 422, 'crew_min_above_max'],
    ['POST', '/api/boats', boatBody({ crew_max: 51 }), 422, 'crew_max_out_of_range'],
    ['POST', '/api/boats', boatBody({ active: 'yes' }), 400, 'invalid_active'],
    ['POST', '/api/boats', boatBody({ hull: 'blue' }), 400, 'unknown_field'],
    ['POST', '/api/boats', { name: uniq('No port') }, 400, 'port_name_required'],
    ['PATCH', `/api/boats/${other.id}`, { name: taken.name }, 409, 'boat_name_taken'],
    ['PATCH', `/api/boats/${other.id}`, { crew_min: 40, crew_max: 39 }, 422, 'crew_min_above_max'],
    ['PATCH', `/api/boats/${other.id}`, { port_lat: null }, 400, 'port_lat_required'],
    ['PATCH', `/api/boats/${other.id}`, {}, 400, 'empty_body'],
    ['PATCH', `/api/boats/${other.id}`, { speed: 9 }, 400, 'unknown_field'],
    ['PATCH', '/api/boats/not-a-uuid', { active: true }, 400, 'invalid_id'],
    ['PATCH', `/api/boats/${crypto.randomUUID()}`, { active: true }, 404, 'boat_not_found'],
    ['GET', '/api/boats?all=maybe', undefined, 400, 'invalid_all'],
  ];
  const before = await snapshot();
  for (const [method, p, body, status, code] of cases) {
    const r = await api(stack, method, p, { token: admin.access, body });
    assert.ok(r.status < 500, `${method} ${p} ${JSON.stringify(body)}: ${r.status}`);
    isError(r, status, code);
  }
  assert.equal(await snapshot(), before, 'no boat changed');
});
