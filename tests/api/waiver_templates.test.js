// waiver_templates.test.js — the waiver template routes over HTTP on the
// real stack (sql/migrations/022_waiver_templates.sql): an admin makes a
// template and its versions (201, the SHA-256 of the bytes sent, the text
// back exactly), captains read them with what changed, an admin retires one
// and moves an event on to a newer version (its signer is held); bad input
// on every route answers a field-specific 4xx, never a 5xx, and changes
// nothing; stored-XSS payloads in names and text come back verbatim, as
// data; templates and versions made at once keep one active template per
// scope and versions numbered without a gap.
//
// The shared stack is shared with every other API file: this file's
// templates belong to boats of its own (never the global scope, which
// other files' events pin when they are scheduled), and are retired at
// the end.

import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import { sharedStack } from './lib/stack.js';
import { api, isError, lit, signIn } from './lib/auth.js';

let stack;
const who = {};
let boat;
let boat2;
const made = [];    // template ids, retired at the end
const statuses = []; // every answer's status, none may be 5xx

async function call(method, path, { as, body, raw, headers } = {}) {
  const r = await api(stack, method, path, { token: who[as]?.access, body, raw, headers });
  statuses.push([`${method} ${path}`, r.status]);
  return r;
}

const sha256 = (s) => crypto.createHash('sha256').update(Buffer.from(s, 'utf8')).digest('hex');
const XSS_NAME = '<img src=x onerror="alert(1)"> & \'quotes\'';
const XSS_BODY = '# <script>alert("h")</script>\n\nA **<b>bold</b>** line\n- <svg onload=alert(2)>\n\u00e9t\u00e9 \u2014 \ud83d\udea4  \n';

const version = (extra = {}) => ({
  title: 'Charter liability waiver', body: '# Risks\n\nSailing is **risky**.\n',
  intent_text: 'I have read this waiver and I sign it.',
  consent_text: 'I agree to sign and receive these records electronically.',
  adult_text: 'I am 18 or older.', validity: 'event', ...extra,
});

async function newBoat(tag) {
  return stack.psql(`insert into scc.boats (name, port_name, port_lat, port_lon, time_zone, guest_capacity)
    values (${lit(`Waiver boat ${tag} ${crypto.randomBytes(4).toString('hex')}`)}, 'Shelter Island', 32.71, -117.23,
            'America/Los_Angeles', 6) returning id`);
}

before(async () => {
  stack = await sharedStack();
  for (const role of ['guest', 'crew', 'captain', 'admin']) who[role] = await signIn(stack, role);
  who.passenger = await signIn(stack, 'guest');
  boat = await newBoat('A');
  boat2 = await newBoat('B');
});

after(async () => {
  if (made.length) {
    await stack.psql(`update scc.waiver_templates set active = false where id in (${made.map(lit).join(',')})`);
  }
  const bad = statuses.filter(([, s]) => s >= 500);
  assert.deepEqual(bad, [], 'no answer was a 5xx');
});

let tpl;   // the template made first
let v1;    // its version 1
let v2;    // and version 2

test('POST /api/waiver-templates: an admin makes a template; 201 version 1 with the SHA-256 of the bytes sent', async () => {
  const body = `${XSS_BODY}\r\n\n`;
  const r = await call('POST', '/api/waiver-templates', { as: 'admin',
    body: { name: `  ${XSS_NAME}  `, boat_id: boat, ...version({ body, change_note: 'first' }) } });
  assert.equal(r.status, 201, r.text);
  v1 = r.body;
  tpl = v1.template;
  made.push(tpl.id);
  assert.equal(v1.version, 1);
  assert.equal(v1.body, body, 'the text comes back exactly as sent: markup, CRLF, spaces, emoji');
  assert.equal(v1.body_sha256, sha256(body), 'the hash is the SHA-256 of its UTF-8 bytes');
  assert.equal(tpl.name, XSS_NAME, 'the name trimmed, its markup kept as data');
  assert.deepEqual([tpl.boat.id, tpl.active, tpl.versions], [boat, true, 1]);
  assert.equal(v1.deactivated, null);
  assert.equal(await stack.psql(`select body_sha256 = encode(sha256(convert_to(body, 'UTF8')), 'hex') and body = ${lit(body)}
                                   from scc.waiver_versions where id = ${lit(v1.id)}`), 't', 'stored so');
  assert.equal(await stack.psql(`select count(*) from scc.audit_log where action = 'waiver_template.create'
                                   and entity_id = ${lit(tpl.id)} and actor_id = ${lit(who.admin.id)}`), '1', 'audited');
});

test('POST /api/waiver-templates {template_id}: version n + 1; the same text again is 409 no_change', async () => {
  const r = await call('POST', '/api/waiver-templates', { as: 'admin',
    body: { template_id: tpl.id, ...version({ body: `${XSS_BODY}Added line.\n`, change_note: 'a line' }) } });
  assert.equal(r.status, 201, r.text);
  v2 = r.body;
  assert.equal(v2.version, 2);
  assert.equal(v2.body_sha256, sha256(`${XSS_BODY}Added line.\n`));
  assert.equal(v2.template.current.id, v2.id, 'it is the template\'s current version');
  const again = await call('POST', '/api/waiver-templates', { as: 'admin',
    body: { template_id: tpl.id, ...version({ body: `${XSS_BODY}Added line.\n`, change_note: 'same again' }) } });
  isError(again, 409, 'no_change');
  assert.equal(await stack.psql(`select max(version) from scc.waiver_versions where template_id = ${lit(tpl.id)}`), '2');
});

test('POST /api/waiver-templates: a second template of the boat replaces the first as active', async () => {
  const r = await call('POST', '/api/waiver-templates', { as: 'admin',
    body: { name: 'Boat waiver, second', boat_id: boat, ...version({ validity: 'season', valid_from: '2026-04-01', valid_to: '2026-10-31' }) } });
  assert.equal(r.status, 201, r.text);
  made.push(r.body.template.id);
  assert.equal(r.body.deactivated, tpl.id);
  assert.deepEqual([r.body.validity, r.body.valid_from, r.body.valid_to], ['season', '2026-04-01', '2026-10-31']);
  assert.equal(await stack.psql(`select count(*) from scc.waiver_templates where boat_id = ${lit(boat)} and active`), '1');
  const back = await call('PATCH', `/api/waiver-templates/${tpl.id}`, { as: 'admin', body: { active: true } });
  assert.equal(back.status, 200, back.text);
  assert.equal(back.body.deactivated, r.body.template.id, 'bringing the first back retires the second');
  assert.equal(await stack.psql(`select string_agg(id::text, ',') from scc.waiver_templates
                                   where boat_id = ${lit(boat)} and active`), tpl.id);
});

test('POST /api/waiver-templates: bad input is refused by field, and nothing is made', async () => {
  const count = () => stack.psql(`select (select count(*) from scc.waiver_templates) || '/' || (select count(*) from scc.waiver_versions)`);
  const before = await count();
  const bad = async (body, status, code, message) => {
    const r = await call('POST', '/api/waiver-templates', { as: 'admin', body });
    isError(r, status, code);
    if (message) assert.match(r.body.error.message, message);
  };
  const n = { name: 'Bad', boat_id: boat2 };
  await bad({ ...n, ...version(), colour: 'red' }, 400, 'unknown_field', /colour/);
  await bad({ boat_id: boat2, ...version() }, 400, 'name_required');
  await bad({ ...n, ...version(), name: ' \t ' }, 400, 'invalid_name');
  await bad({ ...n, ...version(), name: 'x'.repeat(201) }, 400, 'invalid_name');
  await bad({ ...n, ...version({ title: undefined }) }, 400, 'title_required');
  await bad({ ...n, ...version({ title: '   ' }) }, 400, 'invalid_title');
  await bad({ ...n, ...version({ body: undefined }) }, 400, 'body_required');
  await bad({ ...n, ...version({ body: 42 }) }, 400, 'invalid_body');
  await bad({ ...n, ...version({ body: '' }) }, 400, 'body_empty');
  await bad({ ...n, ...version({ body: ' \n\t\r\n ' }) }, 400, 'body_empty');
  await bad({ ...n, ...version({ body: 'x'.repeat(100_001) }) }, 400, 'body_too_long');
  await bad({ ...n, ...version({ body: '\u00e9'.repeat(100_001) }) }, 400, 'body_too_long', /100,000 characters/);
  for (const f of ['intent_text', 'consent_text', 'adult_text']) {
    await bad({ ...n, ...version({ [f]: undefined }) }, 400, `${f}_required`);
    await bad({ ...n, ...version({ [f]: '  ' }) }, 400, `invalid_${f}`);
    await bad({ ...n, ...version({ [f]: 'x'.repeat(1001) }) }, 400, `invalid_${f}`);
  }
  await bad({ ...n, ...version({ validity: undefined }) }, 400, 'validity_required');
  await bad({ ...n, ...version({ validity: 'forever' }) }, 400, 'invalid_validity');
  await bad({ ...n, ...version({ validity: 'season' }) }, 400, 'valid_from_required');
  await bad({ ...n, ...version({ validity: 'season', valid_from: '2026-04-01' }) }, 400, 'valid_to_required');
  await bad({ ...n, ...version({ validity: 'season', valid_from: '2026-10-01', valid_to: '2026-04-01' }) }, 422, 'valid_to_before_valid_from');
  await bad({ ...n, ...version({ validity: 'season', valid_from: '2026-02-30', valid_to: '2026-04-01' }) }, 400, 'invalid_valid_from');
  await bad({ ...n, ...version({ valid_to: '2026-04-01' }) }, 400, 'invalid_valid_to', /only a season/);
  await bad({ ...n, ...version({ change_note: 'x'.repeat(1001) }) }, 400, 'invalid_change_note');
  await bad({ ...version(), name: 'Bad', boat_id: 'not-a-uuid' }, 400, 'invalid_boat_id');
  await bad({ ...version(), name: 'Bad', boat_id: crypto.randomUUID() }, 404, 'boat_not_found');
  await bad({ ...version(), template_id: crypto.randomUUID() }, 404, 'template_not_found');
  await bad({ ...version(), template_id: 'nope' }, 400, 'invalid_template_id');
  await bad({ ...version(), template_id: tpl.id, name: 'Renamed' }, 400, 'invalid_name', /PATCH/);
  await bad({ ...version(), template_id: tpl.id, boat_id: boat2 }, 400, 'invalid_boat_id');
  isError(await call('POST', '/api/waiver-templates', { as: 'admin', raw: '{"name": ',
    headers: { 'content-type': 'application/json' } }), 400, 'invalid_body');
  assert.equal(await count(), before, 'nothing was made');
  assert.equal(await stack.psql(`select count(*) from scc.waiver_templates where boat_id = ${lit(boat2)}`), '0');
});

test('GET /api/waiver-templates: captains and admins read every template with its current version', async () => {
  for (const as of ['captain', 'admin']) {
    const r = await call('GET', '/api/waiver-templates', { as });
    assert.equal(r.status, 200, r.text);
    const mine = r.body.templates.find((t) => t.id === tpl.id);
    assert.equal(mine.name, XSS_NAME, 'the name verbatim, as data');
    assert.deepEqual(Object.keys(mine.current).sort(),
      ['body_sha256', 'created_at', 'id', 'template_id', 'title', 'valid_from', 'valid_to', 'validity', 'version']);
    assert.deepEqual([mine.current.version, mine.current.body_sha256, mine.versions], [2, v2.body_sha256, 2]);
  }
  isError(await call('GET', '/api/waiver-templates?boat=x', { as: 'admin' }), 400, 'unknown_parameter');
});

test('GET /api/waiver-templates/:id/versions: every version with its text, hash and what changed', async () => {
  const r = await call('GET', `/api/waiver-templates/${tpl.id}/versions`, { as: 'captain' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.versions.map((v) => v.version), [2, 1], 'newest first');
  const [n2, n1] = r.body.versions;
  assert.equal(n1.body, v1.body, 'the text verbatim');
  assert.equal(n1.body_sha256, sha256(v1.body));
  assert.deepEqual([n2.change_note, n2.created_by.id, n2.intent_text], ['a line', who.admin.id, version().intent_text]);
  assert.equal(n1.changed, null, 'version 1 has nothing before it');
  assert.deepEqual(n2.changed_fields, ['body']);
  // v1 ends "...\n\r\n\n" (three empty lines after the last), v2 "...\nAdded line.\n"
  assert.deepEqual(n2.changed.filter((c) => c.op !== 'same'),
    [{ op: 'del', line: '' }, { op: 'del', line: '' }, { op: 'add', line: 'Added line.' }], 'only the changed lines are marked');
  assert.equal(n2.changed.filter((c) => c.op === 'same').length, 6, 'the rest is kept');
  assert.ok(n2.changed.some((c) => c.op === 'same' && c.line === '# <script>alert("h")</script>'), 'markup stays text');
  const cmp = await call('GET', `/api/waiver-templates/${tpl.id}/versions?from=1&to=2`, { as: 'admin' });
  assert.equal(cmp.status, 200, cmp.text);
  assert.deepEqual([cmp.body.compare.from.version, cmp.body.compare.to.version], [1, 2]);
  assert.deepEqual(cmp.body.compare.changed, n2.changed, 'adjacent versions compare as the list says');
  isError(await call('GET', `/api/waiver-templates/${tpl.id}/versions?from=1`, { as: 'admin' }), 400, 'to_required');
  isError(await call('GET', `/api/waiver-templates/${tpl.id}/versions?from=x&to=2`, { as: 'admin' }), 400, 'invalid_from');
  isError(await call('GET', `/api/waiver-templates/${tpl.id}/versions?from=1&to=9`, { as: 'admin' }), 404, 'version_not_found');
  isError(await call('GET', `/api/waiver-templates/${tpl.id}/versions?colour=red`, { as: 'admin' }), 400, 'unknown_parameter');
  isError(await call('GET', `/api/waiver-templates/${crypto.randomUUID()}/versions`, { as: 'admin' }), 404, 'template_not_found');
  isError(await call('GET', '/api/waiver-templates/nope/versions', { as: 'admin' }), 400, 'invalid_id');
});

test('PATCH /api/waiver-templates/:id: rename and retire; bad input refused, nothing changed', async () => {
  const r = await call('PATCH', `/api/waiver-templates/${tpl.id}`, { as: 'admin', body: { name: ' Renamed <i>waiver</i> ' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.name, 'Renamed <i>waiver</i>');
  const before = await stack.psql(`select name || '|' || active from scc.waiver_templates where id = ${lit(tpl.id)}`);
  isError(await call('PATCH', `/api/waiver-templates/${tpl.id}`, { as: 'admin', body: {} }), 400, 'nothing_to_change');
  isError(await call('PATCH', `/api/waiver-templates/${tpl.id}`, { as: 'admin', body: { name: '  ' } }), 400, 'invalid_name');
  isError(await call('PATCH', `/api/waiver-templates/${tpl.id}`, { as: 'admin', body: { active: 'no' } }), 400, 'invalid_active');
  isError(await call('PATCH', `/api/waiver-templates/${tpl.id}`, { as: 'admin', body: { boat_id: boat2 } }), 400, 'unknown_field');
  isError(await call('PATCH', `/api/waiver-templates/${crypto.randomUUID()}`, { as: 'admin', body: { active: false } }), 404, 'template_not_found');
  assert.equal(await stack.psql(`select name || '|' || active from scc.waiver_templates where id = ${lit(tpl.id)}`), before);
});

test('POST /api/events/:id/waiver-version: an admin moves an event on; the signer of the old version is held', async () => {
  const ev = await stack.psql(`insert into scc.events (boat_id, title, departure_at, return_at, time_zone, crew_min,
      crew_max, guest_max, state)
    values (${lit(boat)}, 'Waiver sail', now() + interval '3 days', now() + interval '3 days 3 hours',
            'America/Los_Angeles', 0, 2, 4, 'scheduled') returning id`);
  assert.equal(await stack.psql(`select waiver_version_id from scc.events where id = ${lit(ev)}`), v2.id,
    'scheduling pinned the boat\'s current version');
  await stack.psql(`insert into scc.event_roles (event_id, user_id, role, state) values
    (${lit(ev)}, ${lit(who.passenger.id)}, 'guest', 'confirmed')`);
  await stack.psql(`insert into scc.waiver_signatures (version_id, body_sha256, event_id, user_id, legal_name, email,
      adult_statement, intent_text, consent_text, emergency_name, emergency_phone, emergency_relationship)
    select v.id, '', ${lit(ev)}, ${lit(who.passenger.id)}, 'Pat Passenger', 'pat@test.example', v.adult_text,
           v.intent_text, v.consent_text, 'Kim', '+1 619 555 0100', 'sister'
      from scc.waiver_versions as v where v.id = ${lit(v2.id)}`);
  const page = await call('GET', `/api/events/${ev}`, { as: 'passenger' });
  assert.equal(page.body.you.next, null, 'signed: nothing to do');

  const move = (as, body, id = ev) => call('POST', `/api/events/${id}/waiver-version`, { as, body });
  const unchanged = async () => assert.equal(
    await stack.psql(`select waiver_version_id from scc.events where id = ${lit(ev)}`), v2.id, 'the event still requires version 2');
  isError(await move('admin', { version_id: v1.id, reason: 'back' }), 422, 'version_not_newer');
  isError(await move('admin', { version_id: v2.id, reason: 'same' }), 422, 'version_not_newer');
  const other = await stack.psql(`select v.id from scc.waiver_versions as v join scc.waiver_templates as t on t.id = v.template_id
                                    where t.boat_id = ${lit(boat)} and t.id <> ${lit(tpl.id)} limit 1`);
  isError(await move('admin', { version_id: other, reason: 'other' }), 422, 'version_other_template');
  isError(await move('admin', { version_id: v2.id }), 400, 'reason_required');
  isError(await move('admin', { reason: 'x' }), 400, 'version_id_required');
  isError(await move('admin', { version_id: 'v3', reason: 'x' }), 400, 'invalid_version_id');
  isError(await move('admin', { version_id: crypto.randomUUID(), reason: 'x' }), 404, 'version_not_found');
  isError(await move('admin', { version_id: v2.id, reason: 'x', silent: true }), 400, 'unknown_field');
  isError(await move('admin', { version_id: v2.id, reason: 'x' }, crypto.randomUUID()), 404, 'event_not_found');
  isError(await move('captain', { version_id: v2.id, reason: 'x' }), 403, 'insufficient_scope');
  await unchanged();

  const v3 = await call('POST', '/api/waiver-templates', { as: 'admin',
    body: { template_id: tpl.id, ...version({ body: `${XSS_BODY}Added line.\nA wind clause.\n`, change_note: 'wind' }) } });
  assert.equal(v3.status, 201, v3.text);
  const r = await move('admin', { version_id: v3.body.id, reason: 'a wind clause' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.body.previous.version, r.body.waiver_version.version], [2, 3]);
  assert.deepEqual(r.body.held.map((h) => [h.user_id, h.hold]), [[who.passenger.id, 'waiver_outdated']],
    'the answer names who is held now');
  const after = await call('GET', `/api/events/${ev}`, { as: 'passenger' });
  assert.equal(after.body.you.next, 'waiver', 'their event page now sends them to the waiver');
  assert.equal(after.body.roster.people.find((p) => p.user_id === who.passenger.id).hold, 'waiver_outdated');
  assert.equal(await stack.psql(`select reason from scc.audit_log where action = 'event.waiver_version'
                                   and entity_id = ${lit(ev)} and actor_id = ${lit(who.admin.id)}`), 'a wind clause');

  await stack.psql(`update scc.events set state = 'cancelled', cancel_reason = 'fog' where id = ${lit(ev)}`);
  const v4 = await call('POST', '/api/waiver-templates', { as: 'admin',
    body: { template_id: tpl.id, ...version({ body: 'v4', change_note: 'four' }) } });
  isError(await move('admin', { version_id: v4.body.id, reason: 'late' }), 409, 'event_cancelled');
});

test('at once: 8 new templates of one boat leave exactly one active; 8 new versions of one template are 2..9', async () => {
  const b = await newBoat('C');
  const made8 = await Promise.all(Array.from({ length: 8 }, (_, i) => call('POST', '/api/waiver-templates', { as: 'admin',
    body: { name: `Concurrent ${i}`, boat_id: b, ...version({ body: `Text ${i}` }) } })));
  assert.deepEqual(made8.map((r) => r.status), Array(8).fill(201), made8.map((r) => r.text).join('\n'));
  made.push(...made8.map((r) => r.body.template.id));
  assert.equal(await stack.psql(`select count(*) from scc.waiver_templates where boat_id = ${lit(b)} and active`), '1');
  assert.equal(await stack.psql(`select count(*) from scc.waiver_templates where boat_id = ${lit(b)}`), '8');

  const t = made8[0].body.template.id;
  const versions = await Promise.all(Array.from({ length: 8 }, (_, i) => call('POST', '/api/waiver-templates', { as: 'admin',
    body: { template_id: t, ...version({ body: `Text 0, edit ${i}` }) } })));
  assert.deepEqual(versions.map((r) => r.status), Array(8).fill(201), versions.map((r) => r.text).join('\n'));
  assert.deepEqual(versions.map((r) => r.body.version).sort((x, y) => x - y), [2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(await stack.psql(`select string_agg(version::text, ',' order by version) from scc.waiver_versions
                                   where template_id = ${lit(t)}`), '1,2,3,4,5,6,7,8,9');
});
