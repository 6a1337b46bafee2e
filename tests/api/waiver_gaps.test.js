// waiver_gaps.test.js — issue 10's last gaps over HTTP (030_waiver_gaps.sql
// through nginx and the module, the stack's worker mailing into its outbox):
// the admin's waiver card (GET /api/events/:id/waiver-version) and the move
// that mails each guest it holds their waiver link (the mail says the
// waiver changed; its link signs the guest in to an event page whose next
// step is the waiver); revoking a party link (who may, every bad input, a
// sign-up refused after it, the place of who joined before kept); a silent
// departure change that adds no reminder of its own.
//
// The shared stack; a boat and a waiver template of this file's own (a
// global template would pin every other file's events).  Signatures never
// go away: this file's events stay behind.

import test, { before } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { simpleParser } from 'mailparser';

import { sharedStack } from './lib/stack.js';
import { api, freshEmail, isError, lit, mailedCode, redeem, sentEml, signIn } from './lib/auth.js';

let stack, boat, tpl, admin, captain, captain2, crew;
before(async () => {
  stack = await sharedStack();
  [admin, captain, captain2, crew] = await Promise.all(['admin', 'captain', 'captain', 'crew'].map((r) => signIn(stack, r)));
  boat = await stack.psql(`insert into scc.boats (name, port_name, port_lat, port_lon, time_zone, guest_capacity)
    values ('Gaps API boat ' || gen_random_uuid(), 'Shelter Island', 32.71, -117.23, 'America/Los_Angeles', 8) returning id`);
  const v1 = await post('/api/waiver-templates', admin, { name: 'Gaps API waiver', boat_id: boat, ...text(1) });
  assert.equal(v1.status, 201, v1.text);
  tpl = v1.body.template.id;
});

const post = (p, who, body) => api(stack, 'POST', p, { token: who?.access, body });
const get = (p, who) => api(stack, 'GET', p, { token: who?.access });
const patch = (p, who, body) => api(stack, 'PATCH', p, { token: who?.access, body });
const text = (n) => ({ title: 'Release', body: `# Release\n\nSailing is risky (v${n}).\n`, intent_text: 'I sign',
  consent_text: 'Electronic records are fine', adult_text: 'I am 18 or older', validity: 'event' });

let n = 0;
/** A scheduled event on this file's boat (pinning its current version), `captain` its captain. */
async function makeEvent(hours = 72) {
  n += 1;
  const ev = await stack.psql(`insert into scc.events (boat_id, title, departure_at, return_at, time_zone, crew_min,
      crew_max, guest_max, state)
    values (${lit(boat)}, 'Gaps sail ${n}', date_trunc('second', now()) + interval '${hours} hours',
            date_trunc('second', now()) + interval '${hours + 4} hours', 'America/Los_Angeles', 0, 2, 8, 'scheduled')
    returning id`);
  await stack.psql(`insert into scc.event_roles (event_id, user_id, role, state)
    values (${lit(ev)}, ${lit(captain.id)}, 'captain', 'confirmed')`);
  return ev;
}
async function guestOn(ev) {
  const g = await signIn(stack, 'guest');
  await stack.psql(`insert into scc.event_roles (event_id, user_id, role, state) values (${lit(ev)}, ${lit(g.id)}, 'guest', 'confirmed')`);
  return g;
}
async function signs(ev, g) {
  const w = await get(`/api/events/${ev}/waiver`, g);
  assert.equal(w.status, 200, w.text);
  const r = await post(`/api/events/${ev}/waiver`, g, {
    version_id: w.body.version.id, body_sha256: w.body.version.body_sha256, legal_name: 'Gus Guest',
    email: g.email, adult: true, intent: true, consent: true, minors: [],
    emergency: { name: 'Mo Guest', phone: '+1 619 555 0100', relationship: 'mother' } });
  assert.equal(r.status, 201, r.text);
}

test('the waiver card and the move: signers of the old version held and mailed their link at once', async () => {
  const ev = await makeEvent();
  const [signed, unsigned] = [await guestOn(ev), await guestOn(ev)];
  await signs(ev, signed);
  const card = (who = admin, id = ev) => get(`/api/events/${id}/waiver-version`, who);

  let c = await card();
  assert.equal(c.status, 200, c.text);
  assert.equal(c.body.required.version, 1);
  assert.equal(c.body.required.template_name, 'Gaps API waiver');
  assert.equal(c.body.next, null, 'nothing newer yet');
  assert.equal(c.body.may_move, false);
  assert.deepEqual([c.body.guests, c.body.held], [2, 1], 'two guests, the unsigned one held');
  isError(await card(captain), 403, 'insufficient_scope');
  isError(await card(crew), 403, 'insufficient_scope');
  isError(await card(admin, 'nope'), 400, 'invalid_id');
  isError(await card(admin, crypto.randomUUID()), 404, 'event_not_found');

  const v2 = await post('/api/waiver-templates', admin, { template_id: tpl, ...text(2), change_note: 'v2' });
  assert.equal(v2.status, 201, v2.text);
  c = await card();
  assert.equal(c.body.next.id, v2.body.id, 'the card offers version 2');
  assert.equal(c.body.may_move, true);

  const before = await stack.psql(`select count(*) from scc.jobs where kind = 'email' and payload ->> 'template' = 'waiver_link'
                                      and payload ->> 'to' in (${lit(signed.email)}, ${lit(unsigned.email)})`);
  assert.equal(before, '0');
  const r = await post(`/api/events/${ev}/waiver-version`, admin, { version_id: c.body.next.id, reason: 'a wind clause' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.waiver_version.version, 2);
  assert.deepEqual(r.body.held.map((x) => [x.user_id, x.hold]).sort(),
    [[signed.id, 'waiver_outdated'], [unsigned.id, 'waiver_missing']].sort(), 'both held, each for its reason');
  assert.equal(r.body.mailed, 1, 'the signer of version 1 was mailed; the unsigned guest has their link already');
  assert.equal(await stack.psql(`select count(*) from scc.jobs where kind = 'email' and payload ->> 'template' = 'waiver_link'
                                   and payload ->> 'to' = ${lit(unsigned.email)}`), '0');

  // the mail, as the worker sent it: it says the waiver changed, and its link leads to the waiver
  const mail = await simpleParser(await sentEml(stack, signed.email, 'waiver_link'));
  assert.match(mail.subject, /^The waiver changed: please sign the new one for Gaps sail/);
  assert.match(mail.text, /The waiver for this sail has changed \(it is version 2 now\)/);
  assert.match(mail.html, /it is version 2 now/);
  const code = await mailedCode(stack, signed.email, 'waiver_link');
  const link = await post('/api/auth/link', null, { code });
  assert.equal(link.body.link.event_id, ev, 'the link carries the event');
  const session = await redeem(stack, code);
  assert.equal(session.status, 200, session.text);
  const page = await get(`/api/events/${ev}`, session);
  assert.equal(page.body.you.next, 'waiver', 'signed in by the mail: the next step is the new waiver');

  c = await card();
  assert.deepEqual([c.body.next, c.body.may_move, c.body.held], [null, false, 2], 'the card after: nothing newer, two held');
});

test('revoking a party link: the event\'s captain or an admin, with a reason; sign-ups refused after', async () => {
  const ev = await makeEvent();
  const other = await makeEvent();
  const made = await post(`/api/events/${ev}/party-links`, captain,
    { seats: 4, expires_at: new Date(Date.now() + 2 * 86400e3).toISOString(), note: 'the Smiths' });
  assert.equal(made.status, 201, made.text);
  const token = new URL(made.body.url, 'http://x').searchParams.get('t');
  const early = freshEmail('early');
  assert.equal((await post(`/api/party/${token}`, null, { name: 'Early Bird', email: early })).status, 202);
  const revoke = (who, body, link = made.body.id, id = ev) => post(`/api/events/${id}/party-links/${link}/revoke`, who, body);
  const live = async () => assert.equal(await stack.psql(`select revoked_at is null from scc.party_links where id = ${lit(made.body.id)}`), 't');

  isError(await revoke(null, { reason: 'x' }), 401, 'unauthorized');
  isError(await revoke(crew, { reason: 'x' }), 403, 'insufficient_scope');
  isError(await revoke(captain2, { reason: 'x' }), 403, 'insufficient_scope');
  isError(await revoke(captain, {}), 400, 'reason_required');
  isError(await revoke(captain, { reason: '  ' }), 400, 'reason_required');
  isError(await revoke(captain, { reason: 7 }), 400, 'invalid_reason');
  isError(await revoke(captain, { reason: 'x'.repeat(501) }), 400, 'invalid_reason');
  isError(await revoke(captain, { reason: 'x', silent: true }), 400, 'unknown_field');
  isError(await revoke(captain, { reason: 'x' }, 'nope'), 400, 'invalid_link_id');
  isError(await revoke(captain, { reason: 'x' }, crypto.randomUUID()), 404, 'link_not_found');
  isError(await revoke(captain, { reason: 'x' }, made.body.id, other), 404, 'link_not_found');
  isError(await revoke(admin, { reason: 'x' }, made.body.id, crypto.randomUUID()), 404, 'event_not_found');
  await live();

  const r = await revoke(captain, { reason: 'the booking was cancelled' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.live, false);
  assert.equal(r.body.revoke_reason, 'the booking was cancelled');
  assert.equal(r.body.revoked_by.id, captain.id);
  assert.deepEqual([r.body.used, r.body.left], [1, 3]);
  isError(await revoke(admin, { reason: 'again' }), 409, 'already_revoked');

  const read = await get(`/api/party/${token}`, null);
  isError(read, 410, 'link_expired');
  assert.match(read.body.error.message, /withdrawn/);
  const late = freshEmail('late');
  isError(await post(`/api/party/${token}`, null, { name: 'Late Comer', email: late }), 410, 'link_expired');
  assert.equal(await stack.psql(`select count(*) from scc.users where email = ${lit(late)}`), '0', 'nobody made');
  assert.equal(await stack.psql(`select r.state from scc.event_roles as r join scc.users as u on u.id = r.user_id
                                   where r.event_id = ${lit(ev)} and u.email = ${lit(early)}`), 'confirmed',
  'who joined before keeps their place');

  const list = await get(`/api/events/${ev}/party-links`, captain);
  assert.equal(list.body.links[0].revoke_reason, 'the booking was cancelled');
  assert.ok(list.body.links[0].revoked_at);
  assert.equal(await stack.psql(`select actor_id || ' ' || reason from scc.audit_log
                                   where action = 'party_link.revoke' and entity_id = ${lit(made.body.id)}`),
  `${captain.id} the booking was cancelled`);

  // an admin revokes a link of any event
  const second = await post(`/api/events/${ev}/party-links`, captain, { seats: 1, expires_at: new Date(Date.now() + 86400e3).toISOString() });
  assert.equal((await revoke(admin, { reason: 'tidy' }, second.body.id)).status, 200);
});

test('a silent departure change adds no reminder of its own; the completion figures follow the departure', async () => {
  const ev = await makeEvent();
  const jobs = async (kind) => Number(await stack.psql(`select count(*) from scc.jobs as j, scc.events as e
      where e.id = ${lit(ev)} and j.kind = ${lit(kind)} and j.payload ->> 'event_id' = ${lit(ev)}
        and j.payload ->> 'departure_at' = scc.iso(e.departure_at)`));
  const changedMails = async () => Number(await stack.psql(`select count(*) from scc.jobs
      where kind = 'email' and payload ->> 'template' = 'event_changed' and payload #>> '{data,event_id}' = ${lit(ev)}`));
  const move = async (silent) => {
    const dep = await stack.psql(`select scc.iso(departure_at + interval '10 minutes') from scc.events where id = ${lit(ev)}`);
    const r = await patch(`/api/events/${ev}`, admin, { departure_at: dep, ...(silent ? { silent: true } : {}) });
    assert.equal(r.status, 200, r.text);
  };
  assert.deepEqual([await jobs('guest_reminders'), await jobs('waiver_completion')], [1, 2], 'scheduled: the jobs queued');

  await move(true);
  assert.deepEqual([await jobs('guest_reminders'), await jobs('waiver_completion')], [1, 2],
    'silent while the reminder waits: it moves with the departure (one reminder, as before)');
  // the reminder has run
  await stack.psql(`update scc.jobs set state = 'done' where kind = 'guest_reminders' and payload ->> 'event_id' = ${lit(ev)}
                      and state = 'queued'`);
  await move(true);
  assert.deepEqual([await jobs('guest_reminders'), await jobs('waiver_completion')], [0, 2],
    'silent after it ran: no new reminder, the figures rescheduled');
  assert.equal(await changedMails(), 0, 'and nobody was emailed about the new times');
  await move(false);
  assert.deepEqual([await jobs('guest_reminders'), await jobs('waiver_completion')], [1, 2],
    'not silent: a reminder for the new departure');
});
