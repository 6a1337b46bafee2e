// guests.test.js — guests on the roster on a real stack (nginx + module,
// PostgreSQL, the worker mailing into the stack's outbox folder):
// designation of a guest (an existing user; an address without an account:
// created, their own waiver link carrying the event, which signs them in
// and whose event page says the next step is the waiver), the guest
// capacity and waitlist, party links (create, list, the public read and
// sign-up, every bad input answering a field-specific 4xx and changing
// nothing, 30 concurrent sign-ups through a link of 10 seats → exactly 10
// places and 20 link_full), the admin's hold release, and stored XSS in
// names and notes staying inert (JSON strings out, escaped in the HTML mail).
//
// Events are made with SQL (the events routes are another part's); every
// guest change goes through HTTP.

import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';

import { simpleParser } from 'mailparser';

import { startStack } from './lib/stack.js';
import { api, freshEmail, isError, lit, mailedCode, redeem, sentEml, signIn } from './lib/auth.js';
import { makeGlobalWaiver } from './lib/guests.js';

let stack, boat, admin, captain, captain2, crew, guest;
before(async () => {
  stack = await startStack();
  [admin, captain, captain2, crew, guest] = await Promise.all(
    ['admin', 'captain', 'captain', 'crew', 'guest'].map((r) => signIn(stack, r)));
  boat = await stack.psql(`insert into scc.boats (name, port_name, port_lat, port_lon, time_zone, guest_capacity)
    values ('Guest Boat', 'Shelter Island', 32.7115, -117.2312, 'America/Los_Angeles', 40) returning id`);
  // a global waiver, so scheduled events require a version and guests are held
  await makeGlobalWaiver(stack, 'Guests API waiver');
});
after(async () => { await stack?.stop(); });

let n = 0;
/** A scheduled event whose captain is `captain`, with guestMax guest seats. */
async function makeEvent({ guestMax = 2, state = 'scheduled', hours = 72 } = {}) {
  n += 1;
  const ev = await stack.psql(`insert into scc.events (boat_id, title, departure_at, return_at, time_zone, crew_min,
      crew_max, guest_max, state)
    values (${lit(boat)}, 'Guest sail ${n}', now() + interval '${hours} hours', now() + interval '${hours + 4} hours',
            'America/Los_Angeles', 0, 2, ${guestMax}, ${lit(state)}) returning id`);
  await stack.psql(`insert into scc.event_roles (event_id, user_id, role, state, reason)
    values (${lit(ev)}, ${lit(captain.id)}, 'captain', 'confirmed', 'fixture')`);
  return ev;
}

const post = (p, who, body) => api(stack, 'POST', p, { token: who?.access ?? who, body });
const get = (p, who) => api(stack, 'GET', p, { token: who?.access ?? who });
const des = (ev, who, body) => post(`/api/events/${ev}/designate`, who, body);
const mkLink = (ev, who, body) => post(`/api/events/${ev}/party-links`, who, body);
const soon = (h = 48) => new Date(Date.now() + h * 3600e3).toISOString();
const tokenOf = (url) => new URL(url, 'http://x').searchParams.get('t');

async function guests(ev) {
  return stack.psql(`select coalesce(string_agg(r.user_id || ':' || r.state, ',' order by r.id), '')
                       from scc.event_roles as r where r.event_id = ${lit(ev)} and r.role = 'guest'`);
}
async function counts() {
  return stack.psql(`select (select count(*) from scc.users) || '/' || (select count(*) from scc.event_roles)
                     || '/' || (select count(*) from scc.party_links) || '/' || (select count(*) from scc.party_link_uses)
                     || '/' || (select count(*) from scc.audit_log)`);
}

test('a guest designated by email gets their own waiver link; it signs them in and the event says: waiver next', async () => {
  const ev = await makeEvent();
  const email = freshEmail('designated');
  const r = await des(ev, captain, { role: 'guest', email, name: 'Dee Signed' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.invited, true);
  assert.deepEqual([r.body.place.role, r.body.place.state, r.body.user.role], ['guest', 'designated', 'guest']);
  const code = await mailedCode(stack, email, 'waiver_link');
  assert.ok(code, 'the waiver_link email carries a sign-in code');
  const link = await post('/api/auth/link', null, { code });
  assert.equal(link.status, 200, link.text);
  assert.deepEqual([link.body.link.purpose, link.body.link.role, link.body.link.event_id], ['waiver', 'guest', ev]);
  const signedIn = await redeem(stack, code);
  assert.equal(signedIn.status, 200, signedIn.text);
  assert.equal(signedIn.body.user.email, email);
  const page = await get(`/api/events/${ev}`, signedIn.access);
  assert.equal(page.status, 200, page.text);
  assert.equal(page.body.you.next, 'waiver', 'the held guest is routed to the waiver');
  const me = page.body.roster.people.find((p) => p.user_id === signedIn.body.user.id);
  assert.equal(me.hold, 'waiver_missing');

  // an existing user designated as a guest gets a waiver link too (not roster_designated)
  const d2 = await des(ev, admin, { role: 'guest', user_id: guest.id });
  assert.equal(d2.status, 201, d2.text);
  assert.equal(d2.body.invited, false);
  assert.ok(await mailedCode(stack, guest.email, 'waiver_link'));
  // guest_max 2 reached: role_full; another captain: 403
  isError(await des(ev, captain, { role: 'guest', user_id: crew.id }), 409, 'role_full');
  isError(await des(ev, captain2, { role: 'guest', user_id: crew.id }), 403, 'insufficient_scope');
  // guests do not claim: designation or a party link
  isError(await post(`/api/events/${ev}/roles/guest/claim`, crew), 403, 'insufficient_scope');
  // a guest leaves their place; the seat frees
  const left = await post(`/api/events/${ev}/roles/guest/release`, guest);
  assert.equal(left.status, 200, left.text);
  assert.equal(left.body.place.state, 'released');
});

test('party links: the captain makes one, bad input refused, the public read shows only the sail', async () => {
  const ev = await makeEvent({ guestMax: 4 });
  const closed = await makeEvent({ state: 'underway' });
  const before = await counts();
  const bad = [
    [captain, {}, 400, 'seats_required'],
    [captain, { seats: 'two', expires_at: soon() }, 400, 'invalid_seats'],
    [captain, { seats: 1.5, expires_at: soon() }, 400, 'invalid_seats'],
    [captain, { seats: 0, expires_at: soon() }, 422, 'seats_out_of_range'],
    [captain, { seats: 501, expires_at: soon() }, 422, 'seats_out_of_range'],
    [captain, { seats: 2 }, 400, 'expires_at_required'],
    [captain, { seats: 2, expires_at: 'tomorrow' }, 400, 'invalid_expires_at'],
    [captain, { seats: 2, expires_at: '2026-01-01T10:00:00' }, 400, 'invalid_expires_at'],
    [captain, { seats: 2, expires_at: new Date(Date.now() - 60e3).toISOString() }, 422, 'expires_at_out_of_range'],
    [captain, { seats: 2, expires_at: soon(24 * 400) }, 422, 'expires_at_out_of_range'],
    [captain, { seats: 2, expires_at: soon(), note: 'n'.repeat(501) }, 400, 'invalid_note'],
    [captain, { seats: 2, expires_at: soon(), note: 7 }, 400, 'invalid_note'],
    [captain, { seats: 2, expires_at: soon(), color: 'red' }, 400, 'unknown_field'],
    [captain2, { seats: 2, expires_at: soon() }, 403, 'insufficient_scope'],
    [crew, { seats: 2, expires_at: soon() }, 403, 'insufficient_scope'],
  ];
  for (const [who, body, status, code] of bad) isError(await mkLink(ev, who, body), status, code);
  isError(await mkLink('00000000-0000-4000-8000-000000000000', captain, { seats: 2, expires_at: soon() }), 404, 'event_not_found');
  isError(await mkLink('nope', captain, { seats: 2, expires_at: soon() }), 400, 'invalid_id');
  isError(await mkLink(closed, admin, { seats: 2, expires_at: soon() }), 409, 'event_not_open');
  assert.equal(await counts(), before, 'the refusals changed nothing (no link, no audit row)');

  const xss = '<img src=x onerror=alert(1)>';
  const r = await mkLink(ev, captain, { seats: 3, expires_at: soon(), note: xss });
  assert.equal(r.status, 201, r.text);
  assert.match(r.body.url, /^\/party\.html\?t=[A-Za-z0-9_-]{22}$/);
  assert.equal(r.body.seats, 3);
  assert.equal(r.body.note, xss, 'the note is stored and answered as plain text');
  const token = tokenOf(r.body.url);
  assert.equal(await stack.psql(`select count(*) from scc.party_links where token_hash = sha256(convert_to(${lit(token)}, 'UTF8'))`), '1',
    'the SHA-256 of the token is kept');
  assert.equal(await stack.psql(`select count(*) from scc.audit_log where action = 'party_link.create'
      and after::text like ${lit(`%${token}%`)}`), '0', 'the token is never audited');
  const r2 = await mkLink(ev, admin, { seats: 1, expires_at: soon() });
  assert.equal(r2.status, 201, r2.text);

  const list = await get(`/api/events/${ev}/party-links`, captain);
  assert.equal(list.status, 200, list.text);
  assert.equal(list.body.links.length, 2);
  const mine = list.body.links.find((l) => l.id === r.body.id);
  assert.deepEqual([mine.seats, mine.used, mine.left, mine.live, mine.note], [3, 0, 3, true, xss]);
  assert.ok(!JSON.stringify(list.body).includes(token), 'the list never shows a token');
  isError(await get(`/api/events/${ev}/party-links`, captain2), 403, 'insufficient_scope');

  const pub = await get(`/api/party/${token}`);
  assert.equal(pub.status, 200, pub.text);
  assert.deepEqual(Object.keys(pub.body).sort(), ['event', 'expires_at', 'seats_left']);
  assert.deepEqual(Object.keys(pub.body.event).sort(),
    ['boat_name', 'departure_at', 'departure_local', 'port_name', 'return_at', 'return_local', 'time_zone', 'title']);
  assert.equal(pub.body.seats_left, 3);
  assert.equal(pub.body.event.boat_name, 'Guest Boat');
  assert.ok(!pub.text.includes(xss), 'the public read does not show the note');
  isError(await get('/api/party/AAAAAAAAAAAAAAAAAAAAAA'), 404, 'link_not_found');
  isError(await get('/api/party/short'), 404, 'link_not_found');

  // sign-up: bad input first, nothing changes
  const before2 = await counts();
  const join = (body, t = token) => post(`/api/party/${t}`, null, body);
  isError(await join({ email: freshEmail('p') }), 400, 'name_required');
  isError(await join({ name: '   \t ', email: freshEmail('p') }), 400, 'name_required');
  isError(await join({ name: 42, email: freshEmail('p') }), 400, 'invalid_name');
  isError(await join({ name: 'x'.repeat(201), email: freshEmail('p') }), 400, 'invalid_name');
  isError(await join({ name: 'Bell\u0007', email: freshEmail('p') }), 400, 'invalid_name');
  isError(await join({ name: 'Pat' }), 400, 'email_required');
  isError(await join({ name: 'Pat', email: 'not-an-address' }), 400, 'invalid_email');
  isError(await join({ name: 'Pat', email: freshEmail('p'), phone: '1' }), 400, 'unknown_field');
  isError(await join({ name: 'Pat', email: freshEmail('p') }, 'AAAAAAAAAAAAAAAAAAAAAA'), 404, 'link_not_found');
  assert.equal(await counts(), before2, 'the refused sign-ups changed nothing');

  // a sign-up: 202, never telling whether the address had an account
  const fresh = freshEmail('party');
  const a = await join({ name: `Pat ${xss}`, email: fresh });
  const b = await join({ name: 'Crew Person', email: crew.email });
  assert.deepEqual([a.status, a.body], [202, { status: 'check_your_email' }]);
  assert.deepEqual([b.status, b.body], [202, { status: 'check_your_email' }], 'an existing account: the same answer');
  const code = await mailedCode(stack, fresh, 'waiver_link');
  const link = await post('/api/auth/link', null, { code });
  assert.equal(link.body.link.event_id, ev, 'the mailed link carries the event');
  const page = await get(`/api/events/${ev}`, captain);
  const pat = page.body.roster.people.find((p) => p.name === `Pat ${xss}`);
  assert.ok(pat, 'the name is on the roster verbatim (a JSON string: inert until a page puts it in a text node)');
  assert.deepEqual([pat.role, pat.state, pat.hold], ['guest', 'confirmed', 'waiver_missing']);
  assert.equal((await get(`/api/party/${token}`)).body.seats_left, 1);
  // the HTML copy of the mail escapes the name
  const html = await sentHtml(fresh, 'waiver_link');
  assert.ok(!html.includes('<img src=x'), 'the HTML mail has no live tag from the name');
  assert.ok(html.includes('&lt;img src=x'), 'it shows the name escaped');
});

/** The HTML part of the newest sent `template` mail to `email`. */
async function sentHtml(email, template) {
  return (await simpleParser(await sentEml(stack, email, template))).html;
}

test('30 concurrent sign-ups through a party link of 10 seats: exactly 10 places, 20 link_full', async () => {
  const ev = await makeEvent({ guestMax: 40 });
  const r = await mkLink(ev, captain, { seats: 10, expires_at: soon() });
  assert.equal(r.status, 201, r.text);
  const token = tokenOf(r.body.url);
  const people = Array.from({ length: 30 }, (_, i) => ({ name: `Crowd ${i}`, email: freshEmail(`crowd${i}`) }));
  const answers = await Promise.all(people.map((p) => post(`/api/party/${token}`, null, p)));
  const statuses = answers.map((a) => a.status).sort();
  assert.equal(statuses.filter((s) => s === 202).length, 10, `202s: ${statuses}`);
  assert.equal(statuses.filter((s) => s === 409).length, 20, `409s: ${statuses}`);
  for (const a of answers.filter((x) => x.status === 409)) isError(a, 409, 'link_full');
  assert.equal(await stack.psql(`select count(*) from scc.event_roles where event_id = ${lit(ev)} and role = 'guest'`), '10',
    'exactly 10 guest places');
  assert.equal(await stack.psql(`select count(*) from scc.party_link_uses where link_id = ${lit(r.body.id)}`), '10');
  const refused = people.filter((_, i) => answers[i].status === 409).map((p) => lit(p.email.toLowerCase()));
  assert.equal(await stack.psql(`select count(*) from scc.users where lower(email) in (${refused.join(',')})`), '0',
    'the refused made no accounts');
  const list = await get(`/api/events/${ev}/party-links`, admin);
  assert.deepEqual([list.body.links[0].used, list.body.links[0].left, list.body.links[0].live], [10, 0, false]);
});

test('a party link past its time, revoked, or for a full event', async () => {
  const ev = await makeEvent({ guestMax: 1 });
  const r = await mkLink(ev, captain, { seats: 5, expires_at: soon() });
  const token = tokenOf(r.body.url);
  const first = await post(`/api/party/${token}`, null, { name: 'First', email: freshEmail('first') });
  const second = await post(`/api/party/${token}`, null, { name: 'Second', email: freshEmail('second') });
  assert.deepEqual([first.status, second.status], [202, 202]);
  const states = (await guests(ev)).split(',').map((x) => x.split(':')[1]);
  assert.deepEqual(states, ['confirmed', 'waitlisted'], "the event's guests full: the second waits on the waitlist");
  const page = await get(`/api/events/${ev}`, captain);
  assert.deepEqual([page.body.roster.capacity.guest.filled, page.body.roster.capacity.guest.waitlisted], [1, 1]);

  await stack.psql(`update scc.party_links set expires_at = now() - interval '1 second' where id = ${lit(r.body.id)}`);
  const before = await counts();
  isError(await post(`/api/party/${token}`, null, { name: 'Late', email: freshEmail('late') }), 410, 'link_expired');
  isError(await get(`/api/party/${token}`), 410, 'link_expired');
  await stack.psql(`update scc.party_links set expires_at = now() + interval '1 day', revoked_at = now() where id = ${lit(r.body.id)}`);
  isError(await post(`/api/party/${token}`, null, { name: 'Late', email: freshEmail('late') }), 410, 'link_expired');
  assert.equal(await counts(), before, 'nothing changed');
});

test('an admin releases a hold with a reason, audited; 409 not_on_hold after', async () => {
  const ev = await makeEvent();
  const d = await des(ev, captain, { role: 'guest', user_id: guest.id });
  assert.equal(d.status, 201, d.text);
  const rel = (who, uid, body) => post(`/api/events/${ev}/holds/${uid}/release`, who, body);
  const before = await counts();
  isError(await rel(captain, guest.id, { reason: 'x' }), 403, 'insufficient_scope');
  isError(await rel(admin, guest.id, {}), 400, 'reason_required');
  isError(await rel(admin, guest.id, { reason: '   ' }), 400, 'reason_required');
  isError(await rel(admin, guest.id, { reason: 'r'.repeat(501) }), 400, 'invalid_reason');
  isError(await rel(admin, guest.id, { reason: 'x', why: 1 }), 400, 'unknown_field');
  isError(await rel(admin, 'nope', { reason: 'x' }), 400, 'invalid_user_id');
  isError(await rel(admin, crew.id, { reason: 'x' }), 404, 'place_not_found');
  isError(await rel(admin, captain.id, { reason: 'x' }), 404, 'place_not_found');
  assert.equal(await counts(), before, 'nothing changed');
  const r = await rel(admin, guest.id, { reason: 'signed on paper' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.hold_was, 'waiver_missing');
  assert.equal(await stack.psql(`select reason || '|' || (before ->> 'hold') from scc.audit_log
      where action = 'guest.hold_release' and entity_id = ${lit(String(r.body.place.id))}`), 'signed on paper|waiver_missing');
  const page = await get(`/api/events/${ev}`, guest);
  assert.equal(page.body.you.next, 'accept', 'released from the hold: only the designation waits');
  isError(await rel(admin, guest.id, { reason: 'again' }), 409, 'not_on_hold');
});
