// waiver_signing.test.js — signing a waiver over HTTP (023_waiver_signing.sql
// through nginx and the module): GET /api/events/:id/waiver, POST
// /api/events/:id/waiver, GET /api/waivers/:id.  A guest who came through an
// invite link carrying the event signs for themself and a child: the record
// holds the request's ip and user agent, the access token's jti (the module's
// ctx.actor.jti), its session (ctx.actor.sid, 029) and the link; the event page's next step and hold clear;
// the copy reaches the outbox (the stack's worker) with the hash, as HTML
// and text.  Every bad input is a field-specific 4xx and writes nothing;
// stored-XSS payloads in names come back as the same JSON strings.
//
// The shared stack; a boat and a template of this file's own (a global
// template would pin every other file's events).  Guest places are made
// with SQL (the guest routes are another part's).  Signatures never go away
// (they are immutable): this file's events stay behind on the shared stack.

import test, { before } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';

import { sharedStack } from './lib/stack.js';
import { api, freshEmail, isError, lit, redeem, signIn } from './lib/auth.js';

const BODY = '# Release of liability\nSailing has **risks**.\n\n- Wear a lifejacket\n- Follow the captain\n';
const sha = (s) => crypto.createHash('sha256').update(s, 'utf8').digest('hex');

let stack, boat, version, admin, captain, crew, outsider;
before(async () => {
  stack = await sharedStack();
  [admin, captain, crew, outsider] = await Promise.all(['admin', 'captain', 'crew', 'guest'].map((r) => signIn(stack, r)));
  boat = await stack.psql(`insert into scc.boats (name, port_name, port_lat, port_lon, time_zone, guest_capacity)
    values ('Waiver API boat ' || gen_random_uuid(), 'Shelter Island', 32.71, -117.23, 'America/Los_Angeles', 6) returning id`);
  const tpl = await stack.psql(`insert into scc.waiver_templates (name, boat_id) values ('API waiver', ${lit(boat)}) returning id`);
  version = await stack.psql(`insert into scc.waiver_versions (template_id, version, title, body, body_sha256, intent_text,
      consent_text, adult_text, validity)
    values (${lit(tpl)}, 1, 'Release', ${lit(BODY)}, ${lit(sha(BODY))}, 'I intend to sign this waiver',
            'I consent to electronic records', 'I am 18 or older', 'event') returning id`);
});

let n = 0;
/** A scheduled event on the boat (pins the version), the captain confirmed, crew on it. */
async function makeEvent() {
  n += 1;
  const ev = await stack.psql(`insert into scc.events (boat_id, title, departure_at, return_at, time_zone, crew_min,
      crew_max, guest_max, state)
    values (${lit(boat)}, 'Waiver sail ${n}', now() + interval '3 days', now() + interval '3 days 3 hours',
            'America/Los_Angeles', 0, 2, 6, 'scheduled') returning id`);
  await stack.psql(`insert into scc.event_roles (event_id, user_id, role, state) values
    (${lit(ev)}, ${lit(captain.id)}, 'captain', 'confirmed'), (${lit(ev)}, ${lit(crew.id)}, 'crew', 'confirmed')`);
  return ev;
}
/** A guest designated on ev through an invite link carrying it, signed in over HTTP. */
async function invitedGuest(ev, name = 'Gus Guest') {
  const email = freshEmail('guest');
  const code = await stack.psql(`select scc.create_magic_link(${lit(email)}, 'invite', 'guest', ${lit(ev)},
      interval '7 days', ${lit(name)}, ${lit(captain.id)})`);
  const link = await api(stack, 'POST', '/api/auth/link', { body: { code } });
  assert.equal(link.status, 200, link.text);
  assert.equal(link.body.link.event_id, ev, 'the link says the event it carries');
  const r = await redeem(stack, code, { headers: { 'user-agent': 'WaiverTest/1.0 (phone)' } });
  assert.equal(r.status, 200, r.text);
  const id = r.body.user.id;
  await stack.psql(`insert into scc.event_roles (event_id, user_id, role, state) values (${lit(ev)}, ${lit(id)}, 'guest', 'designated')`);
  const linkId = await stack.psql(`select id from scc.magic_links where code_hash = scc.token_hash(${lit(code)})`);
  return { id, email, access: r.access, linkId };
}
const good = (patch = {}) => ({
  version_id: version, body_sha256: sha(BODY), legal_name: 'Gus Q. Guest', email: 'gus@example.com', adult: true,
  intent: true, consent: true, minors: [],
  emergency: { name: 'Mo Guest', phone: '+1 (619) 555-0100', relationship: 'mother' }, ...patch,
});
const sign = (ev, who, body, headers) => api(stack, 'POST', `/api/events/${ev}/waiver`,
  { token: who.access, body, headers: { 'user-agent': 'WaiverTest/1.0 (phone)', ...headers } });
const jwtClaims = (token) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
const sigCount = (who) => stack.psql(`select count(*) from scc.waiver_signatures where user_id = ${lit(who.id)}`).then(Number);

test('the text to sign: exactly as stored, with its hash and statements; who may read it', async () => {
  const ev = await makeEvent();
  const g = await invitedGuest(ev);
  const r = await api(stack, 'GET', `/api/events/${ev}/waiver`, { token: g.access });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.version.body, BODY);
  assert.equal(r.body.version.body_sha256, sha(BODY));
  assert.equal(r.body.version.intent_text, 'I intend to sign this waiver');
  assert.equal(r.body.place.hold, 'waiver_missing');
  assert.equal(r.body.signature, null);
  assert.equal((await api(stack, 'GET', `/api/events/${ev}/waiver`, { token: captain.access })).status, 200);
  assert.equal((await api(stack, 'GET', `/api/events/${ev}/waiver`, { token: admin.access })).status, 200);
  isError(await api(stack, 'GET', `/api/events/${ev}/waiver`, { token: crew.access }), 403, 'insufficient_scope');
  isError(await api(stack, 'GET', `/api/events/${ev}/waiver`, { token: outsider.access }), 404, 'event_not_found');
  isError(await api(stack, 'GET', `/api/events/${ev}/waiver?x=1`, { token: g.access }), 400, 'unknown_parameter');
  isError(await api(stack, 'GET', '/api/events/nope/waiver', { token: g.access }), 400, 'invalid_id');
  await stack.psql(`update scc.events set waiver_version_id = null where id = ${lit(ev)}`);
  isError(await api(stack, 'GET', `/api/events/${ev}/waiver`, { token: g.access }), 404, 'no_waiver_required');
});

test('every bad input is refused with its code and writes nothing', async () => {
  const ev = await makeEvent();
  const g = await invitedGuest(ev);
  const future = new Date(Date.now() + 86400e3 * 2).toISOString().slice(0, 10);
  const teen = new Date(Date.now() - 86400e3 * 365 * 16).toISOString().slice(0, 10);
  const cases = [
    [good({ colour: 'red' }), 400, 'unknown_field'],
    [good({ emergency: { name: 'Mo', phone: '619 555 0100', relationship: 'mother', email: 'x' } }), 400, 'unknown_field'],
    [good({ minors: [{ name: 'Kit', date_of_birth: '2016-05-01', shoe: 3 }] }), 400, 'unknown_field'],
    [good({ version_id: undefined }), 400, 'version_id_required'],
    [good({ version_id: crypto.randomUUID() }), 409, 'version_mismatch'],
    [good({ body_sha256: sha(`${BODY}changed`) }), 409, 'hash_mismatch'],
    [good({ intent: false }), 400, 'intent_required'],
    [good({ consent: undefined }), 400, 'consent_required'],
    [good({ legal_name: '' }), 400, 'invalid_legal_name'],
    [good({ legal_name: ' \t  ' }), 400, 'invalid_legal_name'],
    [good({ legal_name: 42 }), 400, 'invalid_legal_name'],
    [good({ email: 'not an email' }), 400, 'invalid_email'],
    [good({ adult: undefined, date_of_birth: future }), 422, 'invalid_date_of_birth'],
    [good({ adult: undefined, date_of_birth: teen }), 422, 'signer_is_minor'],
    [good({ adult: undefined, date_of_birth: '01/02/1990' }), 400, 'invalid_date_of_birth'],
    [good({ adult: undefined }), 400, 'age_required'],
    [good({ date_of_birth: '1990-01-02' }), 400, 'date_of_birth_or_adult'],
    [good({ minors: [{ name: 'Big Kid', date_of_birth: '2000-01-01' }] }), 422, 'minor_is_adult'],
    [good({ minors: [{ name: ' ', date_of_birth: '2016-05-01' }] }), 400, 'invalid_minor_name'],
    [good({ minors: [{ name: 'Kit', date_of_birth: future }] }), 422, 'invalid_minor_date_of_birth'],
    [good({ minors: 'Kit' }), 400, 'invalid_minors'],
    [good({ emergency: undefined }), 400, 'emergency_required'],
    [good({ emergency: { name: 'Mo', phone: 'ring ring', relationship: 'mother' } }), 400, 'invalid_emergency_phone'],
    [good({ emergency: { name: 'Mo', phone: '619 555 0100', relationship: '' } }), 400, 'invalid_emergency_relationship'],
    [good({ supersedes: crypto.randomUUID() }), 404, 'signature_not_found'],
  ];
  for (const [body, status, code] of cases) {
    isError(await sign(ev, g, body), status, code);
  }
  isError(await api(stack, 'POST', `/api/events/${ev}/waiver`, { token: g.access, raw: '[1]',
    headers: { 'content-type': 'application/json' } }), 400, 'invalid_body');
  isError(await sign(ev, crew, good()), 403, 'insufficient_scope');
  isError(await sign(ev, outsider, good()), 404, 'event_not_found');
  isError(await sign(ev, captain, good()), 403, 'insufficient_scope');
  assert.equal(await sigCount(g), 0, 'no signature written');
  assert.equal(await stack.psql(`select state || ' ' || minors::text from scc.event_roles
      where event_id = ${lit(ev)} and user_id = ${lit(g.id)}`), 'designated []', 'the place unchanged');
  assert.equal(Number(await stack.psql(`select count(*) from scc.jobs where payload ->> 'template' = 'waiver_copy'
      and payload ->> 'to' = ${lit(g.email)}`)), 0, 'no copy sent');
});

test('a guest signs for themself and a child: the record, the place, the page, the copy', async () => {
  const ev = await makeEvent();
  const g = await invitedGuest(ev);
  const page0 = await api(stack, 'GET', `/api/events/${ev}`, { token: g.access });
  assert.equal(page0.body.you.next, 'waiver');
  const xss = '<img src=x onerror=alert(1)>Gus';
  const child = { name: '<script>alert("kit")</script>Kit', date_of_birth: '2016-05-01' };
  const r = await sign(ev, g, good({ legal_name: xss, minors: [child] }), { 'x-forwarded-for': '198.51.100.7' });
  assert.equal(r.status, 201, r.text);
  assert.match(r.headers.get('content-type'), /^application\/json/);
  const s = r.body.signature;
  assert.equal(r.body.hold, null);
  assert.equal(r.body.next, null);
  assert.equal(s.legal_name, xss, 'markup in a name is kept as data');
  assert.deepEqual(s.minors, [child]);
  assert.equal(s.body_sha256, sha(BODY));
  assert.equal(s.intent_text, 'I intend to sign this waiver');
  assert.equal(s.consent_text, 'I consent to electronic records');
  assert.equal(s.adult_statement, 'I am 18 or older');
  assert.equal(s.ip, '127.0.0.1', 'the connection\'s address (no real_ip set up on the test stack), not a header');
  assert.equal(s.user_agent, 'WaiverTest/1.0 (phone)');
  assert.equal(s.token_jti, jwtClaims(g.access).jti, 'the access token\'s jti');
  assert.equal(s.link_id, g.linkId, 'the invite that carried the event');
  assert.equal(s.session_id, jwtClaims(g.access).sid, 'the session the token was issued in (029)');
  assert.equal(s.session_started_at, await stack.psql(`select scc.iso(created_at) from scc.sessions
      where id = ${lit(s.session_id)}`), 'and when that sign-in began');
  assert.ok(Math.abs(Date.parse(s.signed_at) - Date.now()) < 60_000, 'server time');

  const page = await api(stack, 'GET', `/api/events/${ev}`, { token: g.access });
  assert.equal(page.body.you.next, null, 'the page has no next step');
  assert.equal(page.body.you.places[0].state, 'confirmed', 'signing accepted the designation');
  const seen = page.body.roster.people.find((p) => p.user_id === g.id);
  assert.equal(seen.hold, null);

  const view = await api(stack, 'GET', `/api/waivers/${s.id}`, { token: g.access });
  assert.equal(view.status, 200, view.text);
  assert.equal(view.body.version.body, BODY);
  assert.equal(view.body.signature.legal_name, xss);
  assert.equal((await api(stack, 'GET', `/api/waivers/${s.id}`, { token: captain.access })).status, 200);
  assert.equal((await api(stack, 'GET', `/api/waivers/${s.id}`, { token: admin.access })).status, 200);
  isError(await api(stack, 'GET', `/api/waivers/${s.id}`, { token: crew.access }), 404, 'signature_not_found');
  isError(await api(stack, 'GET', `/api/waivers/${s.id}`, { token: outsider.access }), 404, 'signature_not_found');
  isError(await api(stack, 'GET', `/api/waivers/${crypto.randomUUID()}`, { token: admin.access }), 404, 'signature_not_found');
  isError(await api(stack, 'GET', '/api/waivers/nope', { token: admin.access }), 400, 'invalid_id');

  // a correction supersedes; the old record stands, and names its successor
  const again = await sign(ev, g, good({ legal_name: 'Gus Quincy Guest', minors: [child], supersedes: s.id }));
  assert.equal(again.status, 201, again.text);
  const old = await api(stack, 'GET', `/api/waivers/${s.id}`, { token: g.access });
  assert.equal(old.body.signature.legal_name, xss);
  assert.equal(old.body.signature.superseded_by, again.body.signature.id);
  isError(await sign(ev, g, good({ supersedes: s.id })), 409, 'already_superseded');

  // the copy: queued to the account's address, sent by the stack's worker, HTML + text with the hash
  const outbox = await waitFor(async () => stack.psql(`select o.id from scc.email_outbox as o join scc.jobs as j on j.id = o.job_id
      where o.status = 'sent' and j.payload ->> 'template' = 'waiver_copy'
        and j.payload #>> '{data,signature_id}' = ${lit(s.id)}`));
  const dir = path.join(stack.dir, 'mail');
  const file = fs.readdirSync(dir).find((f) => f.endsWith('.eml') && f.includes(`-${outbox}-`));
  const m = await simpleParser(fs.readFileSync(path.join(dir, file)));
  assert.equal(m.to.value[0].address.toLowerCase(), g.email.toLowerCase());
  assert.ok(m.text.includes(sha(BODY)), 'the text part has the hash');
  assert.ok(m.text.includes('Sailing has **risks**.'), 'and the full text');
  assert.ok(m.html.includes(sha(BODY)), 'the HTML part has the hash');
  assert.ok(!m.html.includes('<script>alert'), 'names are escaped in the HTML');
  assert.ok(m.html.includes('&lt;script&gt;'), m.html.slice(0, 200));
  assert.ok(m.text.includes(`/waiver-view.html?id=${s.id}`), 'a link to view it');
});

test('a version moved on: the old one is refused, the page says the waiver again', async () => {
  const ev = await makeEvent();
  const g = await invitedGuest(ev);
  assert.equal((await sign(ev, g, good())).status, 201);
  const tpl = await stack.psql(`select template_id from scc.waiver_versions where id = ${lit(version)}`);
  const v2body = `${BODY}\n## New\nA new clause.\n`;
  const v2 = await stack.psql(`insert into scc.waiver_versions (template_id, version, title, body, body_sha256, intent_text,
      consent_text, adult_text, validity)
    values (${lit(tpl)}, 100 + ${n}, 'Release', ${lit(v2body)}, ${lit(sha(v2body))}, 'I intend to sign this waiver',
            'I consent to electronic records', 'I am 18 or older', 'event') returning id`);
  await stack.psql(`update scc.events set waiver_version_id = ${lit(v2)} where id = ${lit(ev)}`);
  const page = await api(stack, 'GET', `/api/events/${ev}`, { token: g.access });
  assert.equal(page.body.you.next, 'waiver');
  isError(await sign(ev, g, good()), 409, 'version_mismatch');
  const r = await sign(ev, g, good({ version_id: v2, body_sha256: sha(v2body) }));
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.next, null);
});

async function waitFor(fn, ms = 20_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 150));
  }
}
