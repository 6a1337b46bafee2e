// dock.test.js — the dock on a real stack (nginx + module, PostgreSQL, the
// worker): GET /api/events/:id/manifest as JSON and as CSV (the file's type
// and name, the header row, quoting, a formula-looking name kept inert),
// POST /api/events/:id/check-in (a signed guest checked in, a held guest
// refused with the hold's code, no show, clearing, the window, a returned
// event, the audit), who may (the event's captain and crew, admins; not
// crew off the event), every bad input (field-specific 4xx, nothing
// changed, never a 5xx), stored-XSS payloads in names left as data, and
// the worker's waiver_completion job writing the T-24 h figure.
//
// Waiver templates, versions and signatures are made with SQL as the
// superuser (the signing routes are another part's); events too.  A stack
// of its own: signatures never go away, so the shared stack could not be
// left as it was found.

import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startStack } from './lib/stack.js';
import { api, isError, lit, signIn } from './lib/auth.js';

let stack, boat, version, admin, captain, crew, otherCrew, guests;
const statuses = [];
async function call(method, p, who, body, extra = {}) {
  const r = await api(stack, method, p, { token: who?.access, body, ...extra });
  statuses.push([`${method} ${p}`, r.status]);
  return r;
}

before(async () => {
  stack = await startStack();
  [admin, captain, crew, otherCrew] = await Promise.all([
    signIn(stack, 'admin'), signIn(stack, 'captain', { name: 'Cleo Captain' }),
    signIn(stack, 'crew', { name: 'Dee Crew' }), signIn(stack, 'crew', { name: 'Dan Elsewhere' })]);
  guests = {
    signed: await signIn(stack, 'guest', { name: 'Flo <img src=x onerror=alert(1)>' }),
    held: await signIn(stack, 'guest', { name: 'Hal Held' }),
    formula: await signIn(stack, 'guest', { name: "=cmd|' /C calc'!A0" }),
    quoted: await signIn(stack, 'guest', { name: 'Quinn, "Q" Quote' }),
  };
  boat = await stack.psql(`insert into scc.boats (name, port_name, port_lat, port_lon, time_zone, guest_capacity)
    values ('Dock Boat', 'Shelter Island', 32.7115, -117.2312, 'America/Los_Angeles', 8) returning id`);
  const tpl = await stack.psql(`insert into scc.waiver_templates (name, boat_id) values ('Dock waiver', ${lit(boat)})
    returning id`);
  version = await stack.psql(`insert into scc.waiver_versions (template_id, version, title, body, body_sha256,
      intent_text, consent_text, adult_text, validity)
    values (${lit(tpl)}, 1, 'Dock waiver', 'Sailing is risky.', encode(sha256(convert_to('Sailing is risky.', 'UTF8')), 'hex'),
            'I have read and agree', 'I consent to electronic records', 'I am 18 or older', 'event') returning id`);
});
after(async () => { await stack?.stop(); });

let n = 0;
/** A scheduled event departing in `minutes`, with its captain and crew, and the guests: all signed but `held`. */
async function dockEvent({ minutes = 60, state = 'scheduled', title } = {}) {
  n += 1;
  const ev = await stack.psql(`insert into scc.events (boat_id, title, departure_at, return_at, time_zone, crew_min,
      crew_max, guest_max, state)
    values (${lit(boat)}, ${lit(title ?? `Dock sail ${n}`)}, now() + interval '${minutes} minutes',
            now() + interval '${minutes + 180} minutes', 'America/Los_Angeles', 1, 3, 8, ${lit(state)}) returning id`);
  await stack.psql(`insert into scc.event_roles (event_id, user_id, role, state, minors) values
    (${lit(ev)}, ${lit(captain.id)}, 'captain', 'confirmed', '[]'),
    (${lit(ev)}, ${lit(crew.id)}, 'crew', 'confirmed', '[]'),
    (${lit(ev)}, ${lit(guests.signed.id)}, 'guest', 'confirmed', '[{"name": "Kit <b>Small</b>", "date_of_birth": "2017-03-04"}]'),
    (${lit(ev)}, ${lit(guests.held.id)}, 'guest', 'confirmed', '[]'),
    (${lit(ev)}, ${lit(guests.formula.id)}, 'guest', 'confirmed', '[]'),
    (${lit(ev)}, ${lit(guests.quoted.id)}, 'guest', 'confirmed', '[]')`);
  for (const [who, minors] of [[guests.signed, '[{"name": "kit <b>small</b>", "date_of_birth": "2017-03-04"}]'],
    [guests.formula, '[]'], [guests.quoted, '[]']]) {
    await stack.psql(`insert into scc.waiver_signatures (version_id, body_sha256, event_id, user_id, legal_name, email,
        adult_statement, intent_text, consent_text, minors, emergency_name, emergency_phone, emergency_relationship)
      values (${lit(version)}, '', ${lit(ev)}, ${lit(who.id)}, 'Legal Name', ${lit(who.email)}, 'I am 18 or older',
              'I have read and agree', 'I consent to electronic records', ${lit(minors)},
              '<script>alert(1)</script>', '+1 619 555 0100', '=2+5')`);
  }
  return ev;
}
const manifest = (ev, who, q = '') => call('GET', `/api/events/${ev}/manifest${q}`, who);
const checkin = (ev, who, body) => call('POST', `/api/events/${ev}/check-in`, who, body);
const person = (m, u) => m.people.find((p) => p.user_id === u.id);

/** Check-in columns of every place and the audit log's size: for "nothing changed". */
async function snapshot() {
  return stack.psql(`select (select count(*) from scc.audit_log) || ' ' ||
      coalesce((select string_agg(id || ':' || coalesce(checkin, '-'), ',' order by id) from scc.event_roles), '')`);
}

test('GET manifest: who sails with their waiver state, minors, emergency contacts and counts; names stay data', async () => {
  const ev = await dockEvent();
  const r = await manifest(ev, captain);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('content-type'), 'application/json');
  assert.equal(r.headers.get('content-disposition'), null);
  const m = r.body;
  assert.deepEqual(m.people.map((p) => p.role), ['captain', 'crew', 'guest', 'guest', 'guest', 'guest']);
  assert.equal(m.event.waiver_version.id, version);
  const signed = person(m, guests.signed);
  assert.equal(signed.name, 'Flo <img src=x onerror=alert(1)>', 'a name full of markup comes back as the same text');
  assert.equal(signed.waiver.state, 'valid');
  assert.equal(signed.waiver.version, 1);
  assert.equal(signed.waiver.signature_id, await stack.psql(`select id from scc.waiver_signatures
      where event_id = ${lit(ev)} and user_id = ${lit(guests.signed.id)}`));
  assert.deepEqual(signed.emergency_contact,
    { name: '<script>alert(1)</script>', phone: '+1 619 555 0100', relationship: '=2+5' });
  assert.equal(signed.minors.length, 1);
  assert.equal(signed.minors[0].name, 'Kit <b>Small</b>');
  assert.ok(signed.minors[0].age >= 8 && signed.minors[0].age <= 10, `age ${signed.minors[0].age}`);
  const held = person(m, guests.held);
  assert.deepEqual([held.waiver.state, held.waiver.signature_id, held.emergency_contact], ['waiver_missing', null, null]);
  assert.equal(person(m, captain).waiver, null);
  assert.deepEqual(m.counts, { captain: 1, crew: 1, guests: 4, minors: 1, aboard: 7, checked_in: 0, no_show: 0,
    not_checked: 6, guests_on_hold: 1, guests_valid: 3 });
  assert.equal(m.checkin.open, true);
  assert.equal(m.checkin.closed, false);

  // crew on the event and admins read it too
  for (const who of [crew, admin]) {
    const x = await manifest(ev, who);
    assert.equal(x.status, 200, x.text);
    assert.deepEqual(x.body.counts, m.counts);
  }
});

test('GET manifest?format=csv: text/csv saved as manifest-<date>-<title>.csv; header, quoting, formulas inert', async () => {
  const ev = await dockEvent({ title: 'Sunset: "Bay" sail!' });
  const r = await manifest(ev, crew, '?format=csv');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('content-type'), 'text/csv; charset=utf-8');
  const date = await stack.psql(`select to_char(departure_at at time zone time_zone, 'YYYY-MM-DD') from scc.events
      where id = ${lit(ev)}`);
  assert.equal(r.headers.get('content-disposition'), `attachment; filename="manifest-${date}-sunset-bay-sail.csv"`);
  const lines = r.text.split('\r\n');
  assert.equal(lines.at(-1), '', 'every row ends with CRLF');
  assert.equal(lines[0], 'role,name,email,phone,place_state,waiver,signature_id,signed_at,waiver_version,minors,'
    + 'emergency_name,emergency_phone,emergency_relationship,checkin,checkin_at,checkin_by');
  assert.equal(lines.length - 2, 6, 'one row a person');
  const formula = lines.find((l) => l.includes(guests.formula.email));
  assert.ok(formula.startsWith(`guest,'=cmd|' /C calc'!A0,${guests.formula.email},`), formula);
  assert.ok(formula.includes(",'=2+5,"), `a formula-looking relationship is inert too: ${formula}`);
  const quoted = lines.find((l) => l.includes(guests.quoted.email));
  assert.ok(quoted.startsWith(`guest,"Quinn, ""Q"" Quote",${guests.quoted.email},`), quoted);
  const signed = lines.find((l) => l.includes(guests.signed.email));
  assert.ok(signed.includes(',"Kit <b>Small</b> (2017-03-04, '), signed);
  assert.ok(lines.find((l) => l.includes(guests.held.email)).includes(',confirmed,waiver_missing,,,,'));
});

test('GET manifest: who may, and bad input', async () => {
  const ev = await dockEvent();
  isError(await manifest(ev, otherCrew), 403, 'insufficient_scope');
  isError(await manifest(ev, guests.signed), 403, 'insufficient_scope');
  isError(await manifest(ev, null), 401);
  isError(await manifest(ev, captain, '?format=xml'), 400, 'invalid_format');
  isError(await manifest(ev, captain, '?format=csv&sort=name'), 400, 'unknown_parameter');
  isError(await manifest('not-a-uuid', captain), 400, 'invalid_id');
  isError(await manifest('00000000-0000-4000-8000-000000000000', captain), 404, 'event_not_found');
});

test('POST check-in: a signed guest in, a held one refused naming the hold, no show, clear; audited', async () => {
  const ev = await dockEvent();
  let r = await checkin(ev, crew, { user_id: guests.signed.id, status: 'checked_in' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.person.user_id, guests.signed.id);
  assert.equal(r.body.person.checkin.status, 'checked_in');
  assert.equal(r.body.person.checkin.by.id, crew.id);
  assert.equal(r.body.person.checkin.by.name, 'Dee Crew');
  assert.equal(r.body.counts.checked_in, 1);
  assert.equal(await stack.psql(`select action || ' ' || (after ->> 'checkin') from scc.audit_log
      where entity = 'event_role' and action like 'checkin.%' and actor_id = ${lit(crew.id)} order by id desc limit 1`),
  'checkin.set checked_in');

  const before = await snapshot();
  r = await checkin(ev, captain, { user_id: guests.held.id, status: 'checked_in' });
  isError(r, 409, 'guest_on_hold');
  assert.match(r.body.error.message, /waiver_missing/);
  assert.equal(await snapshot(), before, 'a refusal changes nothing');

  r = await checkin(ev, captain, { user_id: guests.held.id, status: 'no_show' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.body.person.checkin.status, r.body.counts.no_show], ['no_show', 1]);
  r = await checkin(ev, admin, { user_id: guests.held.id, status: null });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.person.checkin, null);
  assert.equal(r.body.counts.no_show, 0);
  assert.equal(await stack.psql(`select count(*) from scc.audit_log where action = 'checkin.clear'
      and entity_id = (select id::text from scc.event_roles where event_id = ${lit(ev)} and user_id = ${lit(guests.held.id)})`), '1');

  // the manifest shows what was done
  const m = (await manifest(ev, captain)).body;
  assert.equal(person(m, guests.signed).checkin.status, 'checked_in');
  assert.equal(person(m, guests.held).checkin, null);
  // and so does the kept event page (its roster's people carry checkin), equal to the page built from the tables
  const page = await call('GET', `/api/events/${ev}`, captain);
  assert.equal(page.status, 200, page.text);
  assert.deepEqual(page.body.roster.people.filter((p) => p.role === 'guest').map((p) => [p.user_id, p.checkin, p.hold])
    .sort(), [[guests.signed.id, 'checked_in', null], [guests.held.id, null, 'waiver_missing'],
    [guests.formula.id, null, null], [guests.quoted.id, null, null]].sort());
  assert.deepEqual(page.body, JSON.parse(await stack.psql(`select scc.event_page_json(e, ${lit(captain.id)}, 'captain')
      from scc.events as e where e.id = ${lit(ev)}`)));
});

test('POST check-in: the window, a closed event, who may, and every bad input changes nothing', async () => {
  const ev = await dockEvent();
  const later = await dockEvent({ minutes: 180 });
  const back = await dockEvent({ minutes: 60 });
  await stack.psql(`update scc.events set state = 'returned', actual_return_at = now() where id = ${lit(back)}`);
  const nobody = await signIn(stack, 'guest');
  const ok = { user_id: guests.signed.id, status: 'checked_in' };
  const before = await snapshot();
  const r = await checkin(later, captain, ok);
  isError(r, 409, 'checkin_not_open');
  assert.match(r.body.error.message, /opens 2 h before departure/);
  isError(await checkin(back, captain, ok), 409, 'checkin_closed');
  isError(await checkin(ev, otherCrew, ok), 403, 'insufficient_scope');
  isError(await checkin(ev, guests.signed, ok), 403, 'insufficient_scope');
  isError(await checkin(ev, null, ok), 401);
  isError(await checkin(ev, captain, { user_id: nobody.id, status: 'checked_in' }), 404, 'place_not_found');
  isError(await checkin(ev, captain, { status: 'checked_in' }), 400, 'user_id_required');
  isError(await checkin(ev, captain, { user_id: 'x', status: 'checked_in' }), 400, 'invalid_user_id');
  isError(await checkin(ev, captain, { user_id: 7, status: 'checked_in' }), 400, 'invalid_user_id');
  isError(await checkin(ev, captain, { user_id: guests.signed.id }), 400, 'status_required');
  isError(await checkin(ev, captain, { user_id: guests.signed.id, status: 'aboard' }), 400, 'invalid_status');
  isError(await checkin(ev, captain, { user_id: guests.signed.id, status: true }), 400, 'invalid_status');
  isError(await checkin(ev, captain, { ...ok, note: 'hi' }), 400, 'unknown_field');
  isError(await checkin('nope', captain, ok), 400, 'invalid_id');
  isError(await checkin('00000000-0000-4000-8000-000000000000', captain, ok), 404, 'event_not_found');
  const raw = await call('POST', `/api/events/${ev}/check-in`, captain, undefined,
    { raw: '[1]', headers: { 'content-type': 'application/json' } });
  assert.equal(raw.status, 400, raw.text);
  const empty = await call('POST', `/api/events/${ev}/check-in`, captain);
  assert.equal(empty.status, 415, empty.text);
  isError(await checkin(ev, captain, {}), 400, 'user_id_required');
  assert.equal(await snapshot(), before, 'refusals changed nothing');
});

test('the worker records the waiver completion at T-24 h (already past here: at once)', async () => {
  // a draft gets its places and signatures, then is scheduled: the jobs are queued then
  const ev = await dockEvent({ minutes: 90, state: 'draft' });
  assert.equal(await stack.psql(`select count(*) from scc.jobs where kind = 'waiver_completion'
      and payload ->> 'event_id' = ${lit(ev)}`), '0', 'a draft queues nothing');
  await stack.psql(`update scc.events set state = 'scheduled' where id = ${lit(ev)}`);
  const deadline = Date.now() + 20_000;
  let row = '';
  while (!row && Date.now() < deadline) {
    row = await stack.psql(`select moment || ' ' || valid || '/' || manifested from scc.waiver_completion
        where event_id = ${lit(ev)}`);
    if (!row) await new Promise((res) => setTimeout(res, 200));
  }
  assert.equal(row, 't_minus_24h 3/4', 'three of four guests signed');
  assert.equal(await stack.psql(`select string_agg(payload ->> 'moment' || ' ' || state, ',' order by payload ->> 'moment')
      from scc.jobs where kind = 'waiver_completion' and payload ->> 'event_id' = ${lit(ev)}`),
  'departure queued,t_minus_24h done', 'the departure figure waits for the departure');
});

test('no answer of this file was a 5xx', () => {
  assert.deepEqual(statuses.filter(([, s]) => s >= 500), []);
  assert.ok(statuses.length > 30, `${statuses.length} requests made`);
});
