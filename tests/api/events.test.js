// events.test.js — the events routes on the real stack: create, the event
// page in one call, edit (sequence, notifications, silent), the lifecycle
// over HTTP with its 409 not_ready body, admin force, cancel, copy, the
// list with fill counts and who sees what, a per-event role matrix (the
// event's captain is a place, not a role), and bad input on every route
// (field-specific 400/404/409/422, never a 5xx, nothing changed).
//
// Roster places and checklist answers are arranged with SQL (their routes
// are the roster's and the checklist's, tested in their own files).

import test, { before } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import { sharedStack } from './lib/stack.js';
import { api, isError, signIn } from './lib/auth.js';

let stack, admin, captain, captain2, crew, crew2, guest, boat;
const H = 3600_000;
const at = (ms) => new Date(Date.now() + ms).toISOString();

before(async () => {
  stack = await sharedStack();
  [admin, captain, captain2, crew, crew2, guest] = await Promise.all(
    ['admin', 'captain', 'captain', 'crew', 'crew', 'guest'].map((r) => signIn(stack, r)));
  const r = await api(stack, 'POST', '/api/boats', { token: admin.access, body: {
    name: `Events ${crypto.randomBytes(4).toString('hex')}`, port_name: 'Shelter Island', port_lat: 32.7157,
    port_lon: -117.2289, time_zone: 'America/Los_Angeles', guest_capacity: 6, crew_min: 1, crew_max: 3 } });
  assert.equal(r.status, 201, r.text);
  boat = r.body;
});

async function createEvent(over = {}, who = captain) {
  const r = await api(stack, 'POST', '/api/events', { token: who.access, body: {
    boat_id: boat.id, title: `Sail ${crypto.randomBytes(3).toString('hex')}`,
    departure_at: at(1 * H), return_at: at(4 * H), ...over } });
  assert.equal(r.status, 201, r.text);
  return r.body;
}
const place = (eventId, user, role, state) => stack.psql(
  `insert into scc.event_roles (event_id, user_id, role, state, queued_at)
   values ('${eventId}', '${user.id}', '${role}', '${state}', case when '${state}' = 'waitlisted' then clock_timestamp() end)`);
const row = (id) => stack.psql(`select md5(e::text) from scc.events as e where e.id = '${id}'`);
const emails = (eventId, template) => stack.psql(
  `select coalesce(string_agg(payload ->> 'to', ',' order by payload ->> 'to'), '') from scc.jobs
    where kind = 'email' and payload ->> 'template' = '${template}' and payload #>> '{data,event_id}' = '${eventId}'`);

test('a captain creates an event; the page comes in one call with every part the contract names', async () => {
  const page = await createEvent({ notes: 'Bring a jacket', meetup_place: 'Dock C', meetup_at: at(0.5 * H) });
  assert.deepEqual(Object.keys(page).sort(), ['checklist', 'event', 'roster', 'timing', 'transitions', 'you']);
  const e = page.event;
  assert.equal(e.state, 'draft');
  assert.equal(e.boat.id, boat.id);
  assert.equal(e.boat.time_zone, 'America/Los_Angeles');
  assert.equal(e.time_zone, 'America/Los_Angeles');
  assert.deepEqual([e.crew_min, e.crew_max, e.guest_max, e.sequence], [1, 3, 6, 0]);
  for (const k of ['id', 'title', 'notes', 'meetup_at', 'meetup_place', 'departure_at', 'return_at',
    'actual_return_at', 'state_changed_at', 'cancel_reason', 'release_cutoff_at', 'overdue_at', 'copied_from',
    'created_at', 'updated_at']) assert.ok(k in e, `event.${k}`);
  assert.equal(Date.parse(e.overdue_at) - Date.parse(e.return_at), 15 * 60_000, 'overdue at return + 15 min');
  assert.equal(Date.parse(e.departure_at) - Date.parse(e.release_cutoff_at), 24 * H, 'cutoff 24 h before');
  const t = page.timing;
  for (const k of ['date', 'sunrise', 'sunset', 'civil_dusk', 'nautical_dusk', 'duration_minutes',
    'return_after_sunset', 'return_after_civil_dusk', 'overdue']) assert.ok(k in t, `timing.${k}`);
  assert.equal(t.duration_minutes, 180);
  assert.ok(Date.parse(t.sunrise) < Date.parse(t.sunset) && Date.parse(t.sunset) < Date.parse(t.civil_dusk)
    && Date.parse(t.civil_dusk) < Date.parse(t.nautical_dusk), 'sunrise < sunset < civil dusk < nautical dusk');
  assert.equal(t.return_after_sunset, Date.parse(e.return_at) > Date.parse(t.sunset));
  assert.equal(t.overdue, false);
  assert.deepEqual(page.you.places, [], 'the creator holds no place');
  assert.deepEqual(Object.keys(page.you.may).sort(),
    ['answer', 'claim', 'copy', 'designate', 'edit', 'override', 'release', 'transition']);
  assert.equal(page.you.may.edit, false, 'the creator is not the event\'s captain');
  assert.deepEqual(page.transitions.map((x) => x.to), ['scheduled', 'cancelled']);
  assert.equal(page.transitions[0].allowed, true);
  assert.deepEqual(page.roster.capacity.crew, { min: 1, max: 3, filled: 0, waitlisted: 0 });
  assert.deepEqual(Object.keys(page.checklist).sort(), ['post', 'pre']);
  const got = await api(stack, 'GET', `/api/events/${e.id}`, { token: captain.access });
  assert.equal(got.status, 200);
  assert.deepEqual(got.body.event, e, 'GET answers the same event');
});

test('who sees an event: drafts for captain+ and its people, crew once scheduled, guests only on it', async () => {
  const { event: e } = await createEvent();
  const see = async (who) => (await api(stack, 'GET', `/api/events/${e.id}`, { token: who.access })).status;
  assert.deepEqual([await see(guest), await see(crew), await see(captain2), await see(admin)], [404, 404, 200, 200]);
  await place(e.id, crew2, 'crew', 'designated');
  assert.equal(await see(crew2), 200, 'a person designated on a draft sees it');
  await place(e.id, captain, 'captain', 'confirmed');
  const s = await api(stack, 'POST', `/api/events/${e.id}/transition`, { token: captain.access, body: { to: 'scheduled' } });
  assert.equal(s.status, 200, s.text);
  assert.deepEqual([await see(guest), await see(crew)], [404, 200]);
  await place(e.id, guest, 'guest', 'waitlisted');
  assert.equal(await see(guest), 200, 'a guest with a place sees it');
  const list = await api(stack, 'GET', `/api/events?boat=${boat.id}`, { token: guest.access });
  assert.deepEqual(list.body.items.map((x) => x.id), [e.id], 'a guest lists only their events');
  assert.deepEqual(list.body.items[0].mine, { role: 'guest', state: 'waitlisted' });
});

test('the event\'s captain and admins edit and move it; other captains and crew may not', async () => {
  const { event: e } = await createEvent();
  await place(e.id, captain, 'captain', 'confirmed');
  await place(e.id, crew, 'crew', 'confirmed');
  // captain2 sees every event, crew see this draft through their place: both are refused the change
  for (const who of [captain2, crew]) {
    isError(await api(stack, 'PATCH', `/api/events/${e.id}`, { token: who.access, body: { title: 'Mine now' } }),
      403, 'insufficient_scope');
    isError(await api(stack, 'POST', `/api/events/${e.id}/transition`, { token: who.access, body: { to: 'scheduled' } }),
      403, 'insufficient_scope');
  }
  const edit = await api(stack, 'PATCH', `/api/events/${e.id}`, { token: captain.access, body: { title: 'Evening sail' } });
  assert.equal(edit.status, 200, edit.text);
  assert.equal(edit.body.event.title, 'Evening sail');
  assert.equal(edit.body.event.sequence, 1);
  assert.equal(edit.body.you.may.edit, true);
  const adminEdit = await api(stack, 'PATCH', `/api/events/${e.id}`, { token: admin.access, body: { crew_max: 2 } });
  assert.equal(adminEdit.status, 200);
  assert.equal(adminEdit.body.event.sequence, 2);
});

test('changing the times emails everyone with a live place, unless silent; the actor and opted-out people are not mailed', async () => {
  const { event: e } = await createEvent({ state: 'scheduled' }, admin);
  await place(e.id, captain, 'captain', 'confirmed');
  await place(e.id, crew, 'crew', 'confirmed');
  await place(e.id, crew2, 'crew', 'waitlisted');
  await stack.psql(`update scc.users set notify_email = false where id = '${crew2.id}'`);
  try {
    const r = await api(stack, 'PATCH', `/api/events/${e.id}`, { token: captain.access,
      body: { departure_at: at(2 * H), return_at: at(5 * H) } });
    assert.equal(r.status, 200, r.text);
    assert.equal(await emails(e.id, 'event_changed'), crew.email,
      'only the crew member: not the captain who changed it, not the one who opted out');
    const data = JSON.parse(await stack.psql(`select payload -> 'data' from scc.jobs where kind = 'email'
      and payload ->> 'template' = 'event_changed' and payload #>> '{data,event_id}' = '${e.id}'`));
    assert.ok(data.old_departure_local && data.departure_local && data.departure_local !== data.old_departure_local, JSON.stringify(data));
    const jobs = await stack.psql(`select count(*) from scc.jobs where kind = 'event_overdue' and payload ->> 'event_id' = '${e.id}'`);
    assert.equal(jobs, '2', 'a new overdue job for the new return time');
    const silent = await api(stack, 'PATCH', `/api/events/${e.id}`, { token: captain.access,
      body: { return_at: at(6 * H), silent: true } });
    assert.equal(silent.status, 200);
    assert.equal(silent.body.event.sequence, 2, 'a silent change still raises the sequence');
    assert.equal(await emails(e.id, 'event_changed'), crew.email, 'and mails nobody');
  } finally {
    await stack.psql(`update scc.users set notify_email = true where id = '${crew2.id}'`);
  }
});

test('the lifecycle over HTTP: not_ready names what is missing, then boarding, underway, returned, closed', async () => {
  const { event: e } = await createEvent();
  await place(e.id, captain, 'captain', 'claimed');
  const move = (to, who = captain, extra = {}) => api(stack, 'POST', `/api/events/${e.id}/transition`,
    { token: who.access, body: { to, ...extra } });
  assert.equal((await move('scheduled')).status, 200);
  assert.equal((await move('boarding')).status, 200);
  const refused = await move('underway');
  isError(refused, 409, 'not_ready');
  assert.deepEqual(refused.body.error.missing.map((m) => m.code), ['no_confirmed_captain', 'crew_below_min']);
  assert.ok(refused.body.error.missing.every((m) => typeof m.message === 'string' && m.message));
  const page = (await api(stack, 'GET', `/api/events/${e.id}`, { token: captain.access })).body;
  assert.deepEqual(page.transitions.find((t) => t.to === 'underway').missing, refused.body.error.missing,
    'the page shows the same list before anyone presses the button');
  assert.equal(page.event.state, 'boarding', 'the refusal changed nothing');
  await stack.psql(`update scc.event_roles set state = 'confirmed' where event_id = '${e.id}' and role = 'captain'`);
  await place(e.id, crew, 'crew', 'claimed');
  const u = await move('underway');
  assert.equal(u.status, 200, u.text);
  assert.equal(u.body.event.state, 'underway');
  const r = await move('returned');
  assert.equal(r.status, 200);
  assert.ok(r.body.event.actual_return_at, 'the actual return recorded');
  const c = await move('closed');
  assert.equal(c.status, 200, c.text);
  assert.equal(c.body.event.sequence, 5);
  isError(await move('scheduled'), 409, 'invalid_transition');
});

test('an admin forces a transition with a reason (audited with what was missing); cancel needs a reason and tells people', async () => {
  const { event: e } = await createEvent({ state: 'scheduled', departure_at: at(5 * H), return_at: at(8 * H) }, admin);
  await place(e.id, crew, 'crew', 'confirmed');
  isError(await api(stack, 'POST', `/api/events/${e.id}/transition`, { token: admin.access,
    body: { to: 'boarding', force: true } }), 400, 'reason_required');
  const f = await api(stack, 'POST', `/api/events/${e.id}/transition`, { token: admin.access,
    body: { to: 'boarding', force: true, reason: 'crew is early' } });
  assert.equal(f.status, 200, f.text);
  const audit = JSON.parse(await stack.psql(`select json_build_object('after', after, 'reason', reason) from scc.audit_log
    where action = 'event.transition' and entity_id = '${e.id}' order by id desc limit 1`));
  assert.equal(audit.reason, 'crew is early');
  assert.equal(audit.after.forced, true);
  assert.deepEqual(audit.after.missing.map((m) => m.code), ['too_early']);
  isError(await api(stack, 'POST', `/api/events/${e.id}/transition`, { token: admin.access,
    body: { to: 'cancelled' } }), 400, 'reason_required');
  const c = await api(stack, 'POST', `/api/events/${e.id}/transition`, { token: admin.access,
    body: { to: 'cancelled', reason: 'Small craft advisory' } });
  assert.equal(c.status, 200, c.text);
  assert.equal(c.body.event.cancel_reason, 'Small craft advisory');
  assert.equal(await emails(e.id, 'event_cancelled'), crew.email);
  isError(await api(stack, 'PATCH', `/api/events/${e.id}`, { token: admin.access, body: { title: 'x' } }),
    409, 'event_not_editable');
});

test('copy: a new draft with the same boat, texts and capacities, no roster, copied_from set', async () => {
  const { event: src } = await createEvent({ notes: 'Weekly', crew_max: 2, guest_max: 4, meetup_at: at(0.5 * H),
    release_cutoff_hours: 12, overdue_grace_minutes: 30 });
  await place(src.id, crew, 'crew', 'confirmed');
  const r = await api(stack, 'POST', `/api/events/${src.id}/copy`, { token: captain2.access,
    body: { departure_at: at(169 * H), return_at: at(172 * H) } });
  assert.equal(r.status, 201, r.text);
  const e = r.body.event;
  assert.notEqual(e.id, src.id);
  assert.deepEqual([e.state, e.copied_from, e.title, e.notes, e.crew_max, e.guest_max, e.boat.id],
    ['draft', src.id, src.title, 'Weekly', 2, 4, boat.id]);
  assert.deepEqual([e.release_cutoff_hours, e.overdue_grace_minutes], [12, 30]);
  // the same gap as the source's (its two times were made by two calls of the clock), to the
  // microsecond as the API writes them (Date.parse would truncate each to the millisecond)
  const usec = (iso) => BigInt(Date.parse(`${iso.slice(0, 19)}Z`)) * 1000n + BigInt(iso.slice(20, 26));
  const gap = usec(src.departure_at) - usec(src.meetup_at);
  assert.ok(gap > 29n * 60_000_000n && gap < 31n * 60_000_000n, 'the source meets about 30 minutes before');
  assert.equal(usec(e.departure_at) - usec(e.meetup_at), gap, 'the meetup moved with the departure');
  assert.deepEqual(r.body.roster.people, []);
  isError(await api(stack, 'POST', `/api/events/${src.id}/copy`, { token: crew.access,
    body: { departure_at: at(169 * H), return_at: at(172 * H) } }), 403, 'insufficient_scope');
});

test('the list: fill per role, departure order, filters', async () => {
  const a = (await createEvent({ departure_at: at(30 * H), return_at: at(33 * H), state: 'scheduled' }, admin)).event;
  const b = (await createEvent({ departure_at: at(20 * H), return_at: at(23 * H), state: 'scheduled' }, admin)).event;
  await place(a.id, captain, 'captain', 'confirmed');
  await place(a.id, crew, 'crew', 'confirmed');
  await place(a.id, crew2, 'crew', 'waitlisted');
  const r = await api(stack, 'GET', `/api/events?boat=${boat.id}&from=${encodeURIComponent(at(10 * H))}&to=${encodeURIComponent(at(40 * H))}`,
    { token: crew.access });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.items.map((x) => x.id), [b.id, a.id], 'by departure');
  const fa = r.body.items[1].fill;
  assert.deepEqual(fa.captain, { filled: 1, max: 1, waitlisted: 0 });
  assert.deepEqual(fa.crew, { filled: 1, max: 3, min: 1, waitlisted: 1 });
  assert.deepEqual(r.body.items[1].mine, { role: 'crew', state: 'confirmed' });
  assert.equal(r.body.items[0].mine, null);
  const mine = await api(stack, 'GET', `/api/events?boat=${boat.id}&mine=1&from=${encodeURIComponent(at(10 * H))}`, { token: crew.access });
  assert.deepEqual(mine.body.items.map((x) => x.id), [a.id]);
  const desc = await api(stack, 'GET', `/api/events?boat=${boat.id}&order=desc&limit=1&from=${encodeURIComponent(at(10 * H))}`,
    { token: crew.access });
  assert.deepEqual(desc.body.items.map((x) => x.id), [a.id], 'order=desc, limit=1');
});

test('bad input on every events route: field-specific, never a 5xx, nothing changed', async () => {
  const { event: e } = await createEvent();
  await place(e.id, captain, 'captain', 'confirmed');
  const id = e.id;
  const nobody = crypto.randomUUID();
  const cases = [
    ['GET', '/api/events?from=tomorrow', undefined, 400, 'invalid_from'],
    ['GET', '/api/events?to=2026-13-40T00:00:00Z', undefined, 400, 'invalid_to'],
    ['GET', `/api/events?from=${encodeURIComponent(at(2 * H))}&to=${encodeURIComponent(at(H))}`, undefined, 422, 'to_before_from'],
    ['GET', '/api/events?boat=42', undefined, 400, 'invalid_boat'],
    ['GET', '/api/events?state=sailing', undefined, 400, 'invalid_state'],
    ['GET', '/api/events?mine=yes', undefined, 400, 'invalid_mine'],
    ['GET', '/api/events?limit=0', undefined, 400, 'invalid_limit'],
    ['GET', '/api/events?order=up', undefined, 400, 'invalid_order'],
    ['GET', '/api/events/123', undefined, 400, 'invalid_id'],
    ['GET', `/api/events/${nobody}`, undefined, 404, 'event_not_found'],
    ['POST', '/api/events', { title: 'x', departure_at: at(H), return_at: at(2 * H) }, 400, 'boat_id_required'],
    ['POST', '/api/events', { boat_id: 'b', title: 'x', departure_at: at(H), return_at: at(2 * H) }, 400, 'invalid_boat_id'],
    ['POST', '/api/events', { boat_id: nobody, title: 'x', departure_at: at(H), return_at: at(2 * H) }, 404, 'boat_not_found'],
    ['POST', '/api/events', { boat_id: boat.id, departure_at: at(H), return_at: at(2 * H) }, 400, 'title_required'],
    ['POST', '/api/events', { boat_id: boat.id, title: 'x', departure_at: 1, return_at: at(2 * H) }, 400, 'invalid_departure_at'],
    ['POST', '/api/events', { boat_id: boat.id, title: 'x', departure_at: '2026-12-01T10:00', return_at: at(2 * H) }, 400, 'invalid_departure_at'],
    ['POST', '/api/events', { boat_id: boat.id, title: 'x', departure_at: at(3 * H), return_at: at(2 * H) }, 422, 'return_before_departure'],
    ['POST', '/api/events', { boat_id: boat.id, title: 'x', departure_at: at(H), return_at: at(16 * 24 * H) }, 422, 'event_too_long'],
    ['POST', '/api/events', { boat_id: boat.id, title: 'x', departure_at: at(-H), return_at: at(2 * H) }, 422, 'departure_in_past'],
    ['POST', '/api/events', { boat_id: boat.id, title: 'x', departure_at: at(H), return_at: at(2 * H), meetup_at: at(1.5 * H) }, 422, 'meetup_after_departure'],
    ['POST', '/api/events', { boat_id: boat.id, title: 'x', departure_at: at(H), return_at: at(2 * H), crew_min: 3, crew_max: 1 }, 422, 'crew_min_above_max'],
    ['POST', '/api/events', { boat_id: boat.id, title: 'x', departure_at: at(H), return_at: at(2 * H), crew_min: '2' }, 400, 'invalid_crew_min'],
    ['POST', '/api/events', { boat_id: boat.id, title: 'x', departure_at: at(H), return_at: at(2 * H), guest_max: 7 }, 422, 'guest_max_over_capacity'],
    ['POST', '/api/events', { boat_id: boat.id, title: 'x', departure_at: at(H), return_at: at(2 * H), release_cutoff_hours: 721 }, 422, 'release_cutoff_hours_out_of_range'],
    ['POST', '/api/events', { boat_id: boat.id, title: 'x', departure_at: at(H), return_at: at(2 * H), time_zone: 'Moon/Base' }, 400, 'invalid_time_zone'],
    ['POST', '/api/events', { boat_id: boat.id, title: 'x', departure_at: at(H), return_at: at(2 * H), state: 'closed' }, 400, 'invalid_state'],
    ['POST', '/api/events', { boat_id: boat.id, title: 'x', departure_at: at(H), return_at: at(2 * H), captain_id: nobody }, 400, 'unknown_field'],
    ['PATCH', `/api/events/${id}`, {}, 400, 'empty_body'],
    ['PATCH', `/api/events/${id}`, { return_at: e.departure_at }, 422, 'return_before_departure'],
    ['PATCH', `/api/events/${id}`, { title: '' }, 400, 'title_required'],
    ['PATCH', `/api/events/${id}`, { notes: 'n'.repeat(4001) }, 422, 'notes_too_long'],
    ['PATCH', `/api/events/${id}`, { silent: 'no' }, 400, 'invalid_silent'],
    ['PATCH', `/api/events/${id}`, { state: 'closed' }, 400, 'unknown_field'],
    ['PATCH', `/api/events/${id}`, { departure_at: at(-2 * H) }, 422, 'departure_in_past'],
    ['PATCH', `/api/events/${nobody}`, { title: 'x' }, 404, 'event_not_found'],
    ['POST', `/api/events/${id}/transition`, {}, 400, 'to_required'],
    ['POST', `/api/events/${id}/transition`, { to: 'sunk' }, 400, 'invalid_to'],
    ['POST', `/api/events/${id}/transition`, { to: 9 }, 400, 'invalid_to'],
    ['POST', `/api/events/${id}/transition`, { to: 'underway' }, 409, 'invalid_transition'],
    ['POST', `/api/events/${id}/transition`, { to: 'scheduled', force: 'yes' }, 400, 'invalid_force'],
    ['POST', `/api/events/${id}/transition`, { to: 'scheduled', why: 'x' }, 400, 'unknown_field'],
    ['POST', `/api/events/${id}/transition`, { to: 'cancelled', reason: 'r'.repeat(501) }, 400, 'invalid_reason'],
    ['POST', `/api/events/${nobody}/transition`, { to: 'scheduled' }, 404, 'event_not_found'],
    ['POST', `/api/events/${id}/copy`, { return_at: at(5 * H) }, 400, 'departure_at_required'],
    ['POST', `/api/events/${id}/copy`, { departure_at: at(6 * H), return_at: at(5 * H) }, 422, 'return_before_departure'],
    ['POST', `/api/events/${id}/copy`, { departure_at: at(6 * H), return_at: at(7 * H), boat_id: nobody }, 400, 'unknown_field'],
    ['POST', `/api/events/${nobody}/copy`, { departure_at: at(6 * H), return_at: at(7 * H) }, 404, 'event_not_found'],
  ];
  const before = await row(id);
  const count = await stack.psql('select count(*) from scc.events');
  for (const [method, p, body, status, code] of cases) {
    const r = await api(stack, method, p, { token: captain.access, body });
    assert.ok(r.status < 500, `${method} ${p} ${JSON.stringify(body)}: ${r.status} ${r.text}`);
    const problem = r.status === status && r.body?.error?.code === code ? null
      : `${method} ${p} ${JSON.stringify(body)}: ${r.status} ${r.text}`;
    assert.equal(problem, null);
    isError(r, status, code);
  }
  assert.equal(await row(id), before, 'the event did not change');
  assert.equal(await stack.psql('select count(*) from scc.events'), count, 'no event was made');
});

// The role matrix on a real event (roles.test.js can only reach these routes
// with an unknown id): who reads, edits, moves and copies a scheduled event
// whose captain is `captain` and whose crew includes `crew`.  Each cell on a
// fresh event, so one cell's change cannot decide the next.
test('the per-event role matrix: guest, crew off and on the event, another captain, its captain, an admin', async () => {
  const people = { guest, crewOff: crew2, crewOn: crew, otherCaptain: captain2, itsCaptain: captain, admin };
  const rows = [
    ['GET', '', () => undefined, { guest: 404, crewOff: 200, crewOn: 200, otherCaptain: 200, itsCaptain: 200, admin: 200 }],
    ['PATCH', '', () => ({ notes: 'matrix' }), { guest: 403, crewOff: 403, crewOn: 403, otherCaptain: 403, itsCaptain: 200, admin: 200 }],
    ['POST', '/transition', () => ({ to: 'cancelled', reason: 'matrix' }),
      { guest: 403, crewOff: 403, crewOn: 403, otherCaptain: 403, itsCaptain: 200, admin: 200 }],
    ['POST', '/copy', () => ({ departure_at: at(48 * H), return_at: at(50 * H) }),
      { guest: 403, crewOff: 403, crewOn: 403, otherCaptain: 201, itsCaptain: 201, admin: 201 }],
  ];
  for (const [method, suffix, body, expected] of rows) {
    const got = {};
    for (const [name, who] of Object.entries(people)) {
      const { event: e } = await createEvent({ state: 'scheduled' }, admin);
      await place(e.id, captain, 'captain', 'confirmed');
      await place(e.id, crew, 'crew', 'confirmed');
      const r = await api(stack, method, `/api/events/${e.id}${suffix}`, { token: who.access, body: body() });
      got[name] = r.status;
      if (r.status === 403) assert.equal(r.body.error.code, 'insufficient_scope', `${name}: ${r.text}`);
      if (r.status === 404) assert.equal(r.body.error.code, 'event_not_found', `${name}: ${r.text}`);
    }
    assert.deepEqual(got, expected, `${method} /api/events/:id${suffix}`);
  }
});
