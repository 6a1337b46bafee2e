// roster.test.js — the roster routes on a real stack (nginx + module,
// PostgreSQL, the worker mailing into the stack's outbox folder):
// claim (a seat, then the FIFO waitlist), release (the cutoff, promotion of
// the waitlist head, who is mailed), accept, designate (an existing user;
// an address without an account: created, invited with the event, signs in
// and accepts), admin override (past capacity, silent sends nothing),
// candidates, the roster email to the captain (the worker's event_roster
// kind), bad input on every route (field-specific codes, nothing changed),
// and 100 concurrent claims on 3 crew seats (and the kept event page after them).
//
// Events are made with SQL (the events routes are another part's); every
// roster change goes through HTTP.  A stack of its own: the crowd test puts
// a hundred people on an event.

import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { startStack } from './lib/stack.js';
import { api, forgeToken, freshEmail, isError, lit, mailedCode, redeem, sentEml, signIn } from './lib/auth.js';

let stack, boat, admin, captain, captain2, crew, guest;
before(async () => {
  stack = await startStack();
  [admin, captain, captain2, guest] = await Promise.all(
    ['admin', 'captain', 'captain', 'guest'].map((r) => signIn(stack, r)));
  crew = [];
  for (let i = 0; i < 6; i++) crew.push(await signIn(stack, 'crew', { name: `Crew ${i}` }));
  boat = await stack.psql(`insert into scc.boats (name, port_name, port_lat, port_lon, time_zone, guest_capacity)
    values ('Roster Boat', 'Shelter Island', 32.7115, -117.2312, 'America/Los_Angeles', 6) returning id`);
});
after(async () => { await stack?.stop(); });

let n = 0;
/** A scheduled event (or another state) departing in `hours`, with crew_max seats. */
async function makeEvent({ crewMax = 2, state = 'scheduled', hours = 72, title } = {}) {
  n += 1;
  return stack.psql(`insert into scc.events (boat_id, title, departure_at, return_at, time_zone, crew_min,
      crew_max, guest_max, state)
    values (${lit(boat)}, ${lit(title ?? `Roster sail ${n}`)}, now() + interval '${hours} hours',
            now() + interval '${hours + 4} hours', 'America/Los_Angeles', 1, ${crewMax}, 6, ${lit(state)})
    returning id`);
}

const post = (p, who, body) => api(stack, 'POST', p, { token: who?.access ?? who, body });
const claim = (ev, role, who, body) => post(`/api/events/${ev}/roles/${role}/claim`, who, body);
const release = (ev, role, who, body) => post(`/api/events/${ev}/roles/${role}/release`, who, body);

/** The live roster of an event as 'name:role:state' rows, for "nothing changed" checks. */
async function roster(ev) {
  return stack.psql(`select string_agg(r.user_id || ':' || r.role || ':' || r.state, ',' order by r.id)
                       from scc.event_roles as r where r.event_id = ${lit(ev)}`);
}
async function auditCount() { return Number(await stack.psql('select count(*) from scc.audit_log')); }

/** Email jobs of a template to an address. */
async function mailJobs(email, template) {
  return Number(await stack.psql(`select count(*) from scc.jobs where kind = 'email'
      and lower(payload ->> 'to') = lower(${lit(email)}) and payload ->> 'template' = ${lit(template)}`));
}

/** The .eml the worker wrote for the newest `template` job to `email` (quoted-printable decoded). */
async function sentMail(email, template, opts) {
  return (await sentEml(stack, email, template, opts)).toString('utf8')
    .replace(/\r?\n[ \t]+/g, ' ') // unfold headers
    .replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
}

test('claim: a free seat is confirmed, a full role waitlists in order; bad input changes nothing', async () => {
  const ev = await makeEvent({ crewMax: 2 });
  let r = await claim(ev, 'crew', crew[0]);
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(Object.keys(r.body.place).sort(), ['id', 'position', 'role', 'state']);
  assert.equal(r.body.place.state, 'confirmed');
  assert.equal(r.body.place.position, null);
  assert.equal((await claim(ev, 'crew', crew[1])).body.place.state, 'confirmed');
  r = await claim(ev, 'crew', crew[2]);
  assert.deepEqual([r.status, r.body.place.state, r.body.place.position], [201, 'waitlisted', 1]);
  r = await claim(ev, 'crew', crew[3]);
  assert.deepEqual([r.body.place.state, r.body.place.position], ['waitlisted', 2]);
  r = await claim(ev, 'captain', captain);
  assert.deepEqual([r.status, r.body.place.state], [201, 'confirmed']);

  const draft = await makeEvent({ state: 'draft' });
  const underway = await makeEvent({ state: 'underway' });
  const before = [await roster(ev), await roster(draft), await auditCount()];
  isError(await claim(ev, 'crew', crew[0]), 409, 'already_on_event');
  isError(await claim(ev, 'captain', crew[4]), 403, 'insufficient_scope');
  isError(await claim(ev, 'crew', guest), 403, 'insufficient_scope');
  isError(await claim(ev, 'guest', crew[4]), 403, 'insufficient_scope'); // guests come by designation or a party link
  isError(await claim(ev, 'bosun', crew[4]), 400, 'invalid_role');
  isError(await claim(ev, 'crew', crew[4], { note: 'hi' }), 400, 'unknown_field');
  isError(await claim(draft, 'crew', crew[4]), 409, 'event_not_open');
  isError(await claim(underway, 'crew', crew[4]), 409, 'event_not_open');
  isError(await claim('00000000-0000-4000-8000-000000000000', 'crew', crew[4]), 404, 'event_not_found');
  isError(await claim('not-a-uuid', 'crew', crew[4]), 400, 'invalid_event_id');
  const raw = await api(stack, 'POST', `/api/events/${ev}/roles/crew/claim`, { token: crew[4].access, raw: '[1]',
    headers: { 'content-type': 'application/json' } });
  assert.equal(raw.status, 400, raw.text);
  isError(await claim(ev, 'crew', null), 401);
  assert.deepEqual([await roster(ev), await roster(draft), await auditCount()], before, 'refusals changed nothing');

  // the event page's part: my place and what I may do
  const places = JSON.parse(await stack.psql(`select scc.event_you_json(scc.event_page_build(e), ${lit(crew[3].id)}, 'crew')
      from scc.events as e where e.id = ${lit(ev)}`));
  assert.deepEqual(places.places.map((p) => [p.role, p.state, p.position]), [['crew', 'waitlisted', 2]]);
  assert.deepEqual([places.may.claim, places.may.release], [[], true]);
});

test('release: the head of the waitlist takes the seat and is mailed; the cutoff holds holders, not the captain', async () => {
  const ev = await makeEvent({ crewMax: 1, title: 'Promotion <sail> & co' });
  await claim(ev, 'captain', captain);
  await claim(ev, 'crew', crew[0]);
  const w1 = await claim(ev, 'crew', crew[1]);
  const w2 = await claim(ev, 'crew', crew[2]);
  assert.deepEqual([w1.body.place.position, w2.body.place.position], [1, 2]);

  const before = [await roster(ev), await auditCount()];
  isError(await release(ev, 'crew', crew[0], { reason: 7 }), 400, 'invalid_reason');
  isError(await release(ev, 'crew', crew[0], { user_id: 'x' }), 400, 'invalid_user_id');
  isError(await release(ev, 'crew', crew[0], { why: 'x' }), 400, 'unknown_field');
  isError(await release(ev, 'crew', crew[0], { reason: 'r'.repeat(501) }), 400, 'invalid_reason');
  isError(await release(ev, 'captain', crew[0]), 404, 'place_not_found');
  isError(await release(ev, 'crew', crew[4]), 404, 'place_not_found');
  isError(await release(ev, 'crew', crew[0], { user_id: crew[1].id }), 403, 'insufficient_scope');
  isError(await release(ev, 'guest', crew[0]), 404, 'place_not_found');
  isError(await release('00000000-0000-4000-8000-000000000000', 'crew', crew[0]), 404, 'event_not_found');
  assert.deepEqual([await roster(ev), await auditCount()], before, 'refusals changed nothing');

  const r = await release(ev, 'crew', crew[0], { reason: 'family dinner' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.place.state, 'released');
  assert.deepEqual(r.body.promoted.map((p) => [p.user_id, p.state]), [[crew[1].id, 'confirmed']]);
  const mail = await sentMail(crew[1].email, 'roster_promoted');
  assert.match(mail, /^Subject: .*crew on Promotion <sail> & co/m, 'the subject names the role and the event');
  assert.match(mail, /Promotion &lt;sail&gt; &amp; co/, 'the HTML part escapes the title');
  assert.match(mail, new RegExp(`/event\\.html\\?id=${ev}`), 'and links the event page');
  const p2 = JSON.parse(await stack.psql(`select scc.event_you_json(scc.event_page_build(e), ${lit(crew[2].id)}, 'crew')
      from scc.events as e where e.id = ${lit(ev)}`));
  assert.equal(p2.places[0].position, 1, 'the next in line moves up');

  // inside the cutoff: holders are held, a waitlisted person may leave, the captain releases anyone
  await stack.psql(`update scc.events set departure_at = now() + interval '3 hours', return_at = now() + interval '7 hours'
                     where id = ${lit(ev)}`);
  isError(await release(ev, 'crew', crew[1]), 409, 'release_cutoff_passed');
  const left = await release(ev, 'crew', crew[2]);
  assert.deepEqual([left.status, left.body.place.state], [200, 'released'], left.text);
  const removed = await release(ev, 'crew', captain, { user_id: crew[1].id, reason: 'swapped boats' });
  assert.deepEqual([removed.status, removed.body.place.state], [200, 'removed'], removed.text);
  await sentMail(crew[1].email, 'roster_removed');
  assert.equal(await stack.psql(`select string_agg(action, ',' order by id) from scc.audit_log
      where entity = 'event_role' and after ->> 'event_id' = ${lit(ev)} and action <> 'roster.claim'`),
  'roster.released,roster.promote,roster.released,roster.removed');
});

test('designate and accept: an existing person, and an address without an account who signs in from the invite', async () => {
  const ev = await makeEvent({ crewMax: 2, state: 'draft', title: 'Designated sail' });
  await stack.psql(`insert into scc.event_roles (event_id, user_id, role, state) values (${lit(ev)}, ${lit(captain.id)}, 'captain', 'confirmed')`);
  const des = (who, body) => post(`/api/events/${ev}/designate`, who, body);

  const before = [await roster(ev), await auditCount()];
  isError(await des(captain2, { role: 'crew', user_id: crew[0].id }), 403, 'insufficient_scope');
  isError(await des(captain, { role: 'crew' }), 400, 'user_or_email');
  isError(await des(captain, { role: 'crew', user_id: crew[0].id, email: crew[0].email }), 400, 'user_or_email');
  isError(await des(captain, { user_id: crew[0].id }), 400, 'role_required');
  isError(await des(captain, { role: 'deckhand', user_id: crew[0].id }), 400, 'invalid_role');
  isError(await des(captain, { role: 'guest', user_id: crew[0].id, name: 'Someone' }), 400, 'invalid_name');
  isError(await des(captain, { role: 'crew', user_id: 'nope' }), 400, 'invalid_user_id');
  isError(await des(captain, { role: 'crew', user_id: '00000000-0000-4000-8000-000000000000' }), 404, 'user_not_found');
  isError(await des(captain, { role: 'crew', email: 'not an address' }), 400, 'invalid_email');
  isError(await des(captain, { role: 'crew', email: freshEmail('x'), name: 'n'.repeat(201) }), 400, 'invalid_name');
  isError(await des(captain, { role: 'crew', user_id: crew[0].id, name: 'Who' }), 400, 'invalid_name');
  isError(await des(captain, { role: 'crew', user_id: crew[0].id, seat: 1 }), 400, 'unknown_field');
  isError(await des(captain, { role: 'captain', user_id: crew[0].id }), 422, 'role_not_allowed');
  isError(await des(captain, { role: 'captain', user_id: captain.id }), 409, 'already_on_event');
  isError(await des(captain, { role: 'crew', user_id: 7 }), 400, 'invalid_user_id');
  assert.deepEqual([await roster(ev), await auditCount()], before, 'refusals changed nothing');

  let r = await des(captain, { role: 'crew', user_id: crew[0].id });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual([r.body.place.state, r.body.invited, r.body.user.id], ['designated', false, crew[0].id]);
  const mail = await sentMail(crew[0].email, 'roster_designated');
  assert.match(mail, /designated you/);
  // accept: refusals, then confirmed
  isError(await post(`/api/events/${ev}/roles/captain/accept`, crew[0]), 404, 'place_not_found');
  isError(await post(`/api/events/${ev}/roles/crew/accept`, crew[0], { ok: true }), 400, 'unknown_field');
  isError(await post(`/api/events/${ev}/roles/crew/accept`, crew[1]), 404, 'place_not_found');
  r = await post(`/api/events/${ev}/roles/crew/accept`, crew[0]);
  assert.deepEqual([r.status, r.body.place.state], [200, 'confirmed'], r.text);
  isError(await post(`/api/events/${ev}/roles/crew/accept`, crew[0]), 409, 'not_designated');

  // a new person: invited with the event; they sign in from the mailed link and accept
  const email = freshEmail('deckhand');
  r = await des(captain, { role: 'crew', email, name: 'Dana Deckhand' });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual([r.body.invited, r.body.place.state, r.body.user.role, r.body.user.name],
    [true, 'designated', 'crew', 'Dana Deckhand']);
  const code = await mailedCode(stack, email, 'invite');
  assert.ok(code, 'the invite carries a code');
  assert.equal(await stack.psql(`select event_id from scc.magic_links where user_id = ${lit(r.body.user.id)}`), ev,
    'the invite is bound to the new person and carries the event');
  const signed = await redeem(stack, code);
  assert.equal(signed.status, 200, signed.text);
  assert.equal(signed.body.user.id, r.body.user.id, 'the link signs in the person who was designated');
  r = await post(`/api/events/${ev}/roles/crew/accept`, signed.access);
  assert.deepEqual([r.status, r.body.place.state], [200, 'confirmed'], r.text);

  // the role is full now
  isError(await des(admin, { role: 'crew', user_id: crew[1].id }), 409, 'role_full');
  // and a closed roster
  await stack.psql(`update scc.events set state = 'underway' where id = ${lit(ev)}`);
  isError(await des(admin, { role: 'crew', user_id: crew[1].id }), 409, 'event_not_open');
});

test('override: an admin adds past capacity, removes silently (no email), moves; reason required', async () => {
  const ev = await makeEvent({ crewMax: 1 });
  await claim(ev, 'crew', crew[0]);
  const waiting = await claim(ev, 'crew', crew[1]);
  assert.equal(waiting.body.place.state, 'waitlisted');
  const ov = (who, body) => post(`/api/events/${ev}/override`, who, body);

  const before = [await roster(ev), await auditCount()];
  const good = { action: 'add', user_id: crew[2].id, role: 'crew', reason: 'race day' };
  isError(await ov(captain, good), 403, 'insufficient_scope');
  isError(await ov(admin, { ...good, reason: undefined }), 400, 'reason_required');
  isError(await ov(admin, { ...good, reason: '   ' }), 400, 'reason_required');
  isError(await ov(admin, { ...good, action: 'swap' }), 400, 'invalid_action');
  isError(await ov(admin, { ...good, action: undefined }), 400, 'action_required');
  isError(await ov(admin, { ...good, silent: 'yes' }), 400, 'invalid_silent');
  isError(await ov(admin, { ...good, user_id: undefined }), 400, 'invalid_user_id');
  isError(await ov(admin, { ...good, user_id: '00000000-0000-4000-8000-000000000000' }), 404, 'user_not_found');
  isError(await ov(admin, { ...good, role: 'cook' }), 400, 'invalid_role');
  isError(await ov(admin, { ...good, extra: 1 }), 400, 'unknown_field');
  isError(await ov(admin, { ...good, action: 'add', user_id: crew[0].id }), 409, 'already_on_event');
  isError(await ov(admin, { ...good, action: 'remove', user_id: crew[3].id }), 404, 'place_not_found');
  isError(await ov(admin, { ...good, action: 'move', user_id: crew[0].id, role: 'crew' }), 409, 'same_role');
  isError(await ov(admin, { ...good, action: 'move', user_id: crew[0].id, role: 'captain' }), 422, 'role_not_allowed');
  assert.deepEqual([await roster(ev), await auditCount()], before, 'refusals changed nothing');

  let r = await ov(admin, good);
  assert.deepEqual([r.status, r.body.place.state], [200, 'confirmed'], r.text);
  assert.equal(await stack.psql(`select count(*) from scc.event_roles where event_id = ${lit(ev)} and role = 'crew'
      and state in ('claimed', 'designated', 'confirmed')`), '2', 'past capacity: 2 of 1');
  await sentMail(crew[2].email, 'roster_designated');

  const mailsBefore = await Promise.all([[crew[0], 'roster_removed'], [crew[2], 'roster_removed'],
    [crew[1], 'roster_promoted']].map(([c, t]) => mailJobs(c.email, t)));
  // silent remove of the first crew: the waitlist head is NOT promoted (still over capacity), nobody is mailed
  r = await ov(admin, { action: 'remove', user_id: crew[0].id, role: 'crew', reason: 'quiet fix', silent: true });
  assert.deepEqual([r.status, r.body.place.state, r.body.promoted], [200, 'removed', []], r.text);
  // silent remove of the added one: now a seat frees, the promotion is silent too
  r = await ov(admin, { action: 'remove', user_id: crew[2].id, role: 'crew', reason: 'quiet fix', silent: true });
  assert.deepEqual(r.body.promoted.map((p) => p.user_id), [crew[1].id]);
  assert.deepEqual(await Promise.all([[crew[0], 'roster_removed'], [crew[2], 'roster_removed'],
    [crew[1], 'roster_promoted']].map(([c, t]) => mailJobs(c.email, t))), mailsBefore,
  'no email for a silent remove, to either, nor for the promotion it caused');
  assert.equal(await stack.psql(`select string_agg(action || ':' || (after ->> 'silent') || ':' || coalesce(reason, ''), ',' order by id)
      from scc.audit_log where after ->> 'event_id' = ${lit(ev)} and action like 'roster.override%'`),
  'roster.override.add:false:race day,roster.override.remove:true:quiet fix,roster.override.remove:true:quiet fix');
  // move a captain account's crew place to captain
  await claim(ev, 'crew', captain2);
  r = await ov(admin, { action: 'move', user_id: captain2.id, role: 'captain', reason: 'skipper sick' });
  assert.deepEqual([r.status, r.body.place.role, r.body.place.state], [200, 'captain', 'confirmed'], r.text);
});

test('candidates: people matching a prefix who are not on the event, for the captain and admins', async () => {
  const ev = await makeEvent();
  await stack.psql(`insert into scc.event_roles (event_id, user_id, role, state) values (${lit(ev)}, ${lit(captain.id)}, 'captain', 'confirmed')`);
  await claim(ev, 'crew', crew[0]);
  const cand = (who, q) => api(stack, 'GET', `/api/events/${ev}/candidates${q === undefined ? '' : `?q=${encodeURIComponent(q)}`}`,
    { token: who.access });
  const r = await cand(captain, 'crew');
  assert.equal(r.status, 200, r.text);
  const names = r.body.candidates.map((c) => c.name);
  assert.ok(names.includes('Crew 1') && names.includes('Crew 5'), names.join());
  assert.ok(!names.includes('Crew 0'), 'someone on the event is not a candidate');
  assert.deepEqual(Object.keys(r.body.candidates[0]).sort(), ['email', 'id', 'name', 'role']);
  const byMail = await cand(admin, crew[3].email.slice(0, 12).toUpperCase());
  assert.deepEqual(byMail.body.candidates.map((c) => c.id), [crew[3].id], 'an email prefix, any case');
  assert.equal((await cand(admin, '%')).body.candidates.length, 0, 'LIKE characters are literal');
  assert.ok((await cand(admin)).body.candidates.length <= 20);
  isError(await cand(captain2, 'crew'), 403, 'insufficient_scope');
  isError(await cand(crew[1], 'crew'), 403, 'insufficient_scope');
  isError(await cand(admin, 'q'.repeat(101)), 400, 'invalid_query');
  isError(await api(stack, 'GET', '/api/events/nope/candidates', { token: admin.access }), 400, 'invalid_event_id');
  isError(await api(stack, 'GET', '/api/events/00000000-0000-4000-8000-000000000000/candidates', { token: admin.access }),
    404, 'event_not_found');
});

test('the roster email: the worker sends it to the captain, and nothing for a moved event', async () => {
  const ev = await makeEvent({ crewMax: 1, title: 'Roster mail sail' });
  await claim(ev, 'captain', captain);
  await claim(ev, 'crew', crew[4]);
  await claim(ev, 'crew', crew[5]);
  const dep = await stack.psql(`select scc.iso(departure_at) from scc.events where id = ${lit(ev)}`);
  const stale = await stack.psql(`select scc.enqueue_job('event_roster', jsonb_build_object('event_id', ${lit(ev)},
      'departure_at', '2020-01-01T00:00:00Z'))`);
  await stack.psql(`select scc.enqueue_job('event_roster', jsonb_build_object('event_id', ${lit(ev)},
      'departure_at', ${lit(dep)}))`);
  const mail = await sentMail(captain.email, 'event_roster');
  assert.match(mail, /^Subject: Roster for Roster mail sail/m);
  assert.match(mail, /Crew 4 \(confirmed\)/);
  assert.match(mail, /waitlist 1\. Crew 5/);
  assert.equal(await stack.psql(`select state from scc.jobs where id = ${stale}`), 'done', 'the stale job ran');
  assert.equal(await mailJobs(captain.email, 'event_roster'), 1, 'and mailed nothing: one roster email');
  // a malformed payload fails for good at once (no retries), saying why
  const bad = await stack.psql(`select scc.enqueue_job('event_roster', '{"event_id": "nope"}')`);
  for (let i = 0; i < 150 && await stack.psql(`select state from scc.jobs where id = ${bad}`) !== 'dead'; i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(await stack.psql(`select state || ' ' || attempts from scc.jobs where id = ${bad}`), 'dead 1');
  assert.match(await stack.psql(`select last_error from scc.jobs where id = ${bad}`), /event_roster needs/);
});

test('100 concurrent claims on 3 crew seats: 3 confirmed, 97 waitlisted in the order served, no 5xx', async () => {
  const ev = await makeEvent({ crewMax: 3 });
  const ids = (await stack.psql(`insert into scc.users (email, name, role)
      select 'crowd-' || g || '-' || ${lit(ev)} || '@test.example', 'Crowd ' || g, 'crew'
        from generate_series(1, 100) as g returning id`)).split('\n');
  assert.equal(ids.length, 100);
  const tokens = ids.map((id) => forgeToken(stack, { sub: id, role: 'crew' }));
  const answers = await Promise.all(tokens.map((t) => claim(ev, 'crew', t)));
  assert.deepEqual([...new Set(answers.map((a) => a.status))], [201], answers.find((a) => a.status !== 201)?.text);
  const states = answers.map((a) => a.body.place.state);
  assert.equal(states.filter((s) => s === 'confirmed').length, 3);
  assert.equal(states.filter((s) => s === 'waitlisted').length, 97);

  // the order the server served them: queued_at, taken under the event's lock
  const served = (await stack.psql(`select id || ' ' || extract(epoch from queued_at) from scc.event_roles
      where event_id = ${lit(ev)} and state = 'waitlisted' order by queued_at, id`)).split('\n').map((l) => l.split(' '));
  const rank = new Map(served.map(([id], i) => [Number(id), i + 1]));
  for (const a of answers.filter((x) => x.body.place.state === 'waitlisted')) {
    assert.equal(a.body.place.position, rank.get(a.body.place.id), `place ${a.body.place.id}: answered position = its rank by queued_at`);
  }
  assert.deepEqual(answers.map((a) => a.body.place.position).filter((p) => p !== null).sort((x, y) => x - y),
    Array.from({ length: 97 }, (_, i) => i + 1), 'positions 1..97, each once');
  // served in one line: each waitlisted row got its id and its queued_at in the same order
  const byId = [...rank.keys()];
  assert.deepEqual(byId, [...byId].sort((x, y) => x - y), 'ids and queued_at agree on the order');
  // the seated were served before anyone waited
  const firstWait = Number(served[0][1]);
  const seated = (await stack.psql(`select extract(epoch from since) from scc.event_roles where event_id = ${lit(ev)}
      and state = 'confirmed'`)).split('\n').map(Number);
  assert.equal(seated.length, 3);
  assert.ok(seated.every((s) => s <= firstWait), 'the 3 seats went to the first 3 served');

  // the kept page (sql/migrations/020) after 100 writers committed at once: every caller's page
  // read through the route is the page built from the tables now
  assert.equal(await stack.psql(`select stale from scc.event_pages where event_id = ${lit(ev)}`), 'f', 'the kept row is built');
  for (const i of [0, 2, 3, 50, 99]) {
    const got = await api(stack, 'GET', `/api/events/${ev}`, { token: tokens[i] });
    assert.equal(got.status, 200, got.text);
    const want = JSON.parse(await stack.psql(`select scc.event_page_json(e, ${lit(ids[i])}, 'crew')
        from scc.events as e where e.id = ${lit(ev)}`));
    assert.deepEqual(got.body, want, `crowd member ${i + 1}: the page read is the page built from the tables`);
  }
});
