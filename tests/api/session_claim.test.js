// session_claim.test.js — the session an access token is issued in
// (029_session_claim.sql and the module's sid claim), over HTTP:
//   - a magic link redeemed: the access token's payload (decoded here) has
//     sid, the scc.sessions row holding the refresh token; /api/me says it;
//     the client's answer has no session_id (the module keeps it);
//   - a refresh: the new token's sid is the new row; the grace window's
//     second answer the same;
//   - a waiver signed with the refreshed token: the record (GET
//     /api/waivers/:id) names that session and when the sign-in began;
//   - refused: a token signed with the stack's key naming another user's
//     session or none that exists (401 session_mismatch, audited), a sid
//     that is not a uuid (the module: 401 invalid_token), a token without
//     sid (401 invalid_token from SQL: refresh and try again), a session
//     signed out while its access token is still good (401 session_revoked).
//
// The shared stack; a boat and a template of this file's own.  Signatures
// are immutable: this file's events stay behind.

import test, { before } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import { sharedStack } from './lib/stack.js';
import { api, forgeToken, freshEmail, isError, lit, redeem } from './lib/auth.js';

const BODY = 'Session claim waiver: sailing has risks.\n';
const sha = (s) => crypto.createHash('sha256').update(s, 'utf8').digest('hex');
const claimsOf = (token) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
const sessionOf = (stack, refresh) => stack.psql(
  `select id from scc.sessions where refresh_hash = sha256(convert_to(${lit(refresh)}, 'UTF8'))`);

let stack, version, event;
before(async () => {
  stack = await sharedStack();
  const boat = await stack.psql(`insert into scc.boats (name, port_name, port_lat, port_lon, time_zone, guest_capacity)
    values ('Session claim boat ' || gen_random_uuid(), 'Shelter Island', 32.71, -117.23, 'America/Los_Angeles', 8)
    returning id`);
  const tpl = await stack.psql(`insert into scc.waiver_templates (name, boat_id) values ('Session waiver', ${lit(boat)})
    returning id`);
  version = await stack.psql(`insert into scc.waiver_versions (template_id, version, title, body, body_sha256, intent_text,
      consent_text, adult_text, validity)
    values (${lit(tpl)}, 1, 'Release', ${lit(BODY)}, ${lit(sha(BODY))}, 'I intend to sign', 'I consent',
            'I am 18 or older', 'event') returning id`);
  event = await stack.psql(`insert into scc.events (boat_id, title, departure_at, return_at, time_zone, crew_min,
      crew_max, guest_max, state)
    values (${lit(boat)}, 'Session sail', now() + interval '3 days', now() + interval '3 days 3 hours',
            'America/Los_Angeles', 0, 2, 8, 'scheduled') returning id`);
});

/** A guest invited to the event by a link, signed in over HTTP as an API client; a place designated. */
async function guest() {
  const email = freshEmail('sid');
  const code = await stack.psql(`select scc.create_magic_link(${lit(email)}, 'invite', 'guest', ${lit(event)},
      interval '1 hour', 'Sid Guest', null)`);
  const r = await redeem(stack, code);
  assert.equal(r.status, 200, r.text);
  await stack.psql(`insert into scc.event_roles (event_id, user_id, role, state)
    values (${lit(event)}, ${lit(r.body.user.id)}, 'guest', 'designated')`);
  return { id: r.body.user.id, email, access: r.access, refresh: r.refresh, body: r.body };
}
const good = (patch = {}) => ({
  version_id: version, body_sha256: sha(BODY), legal_name: 'Sid Guest', email: 'sid@example.com', adult: true,
  intent: true, consent: true, emergency: { name: 'Mo', phone: '+1 619 555 0100', relationship: 'mother' }, ...patch,
});
const sign = (token, body = good()) => api(stack, 'POST', `/api/events/${event}/waiver`, { token, body });
const sigCount = (id) => stack.psql(`select count(*) from scc.waiver_signatures where user_id = ${lit(id)}`).then(Number);

test('a redeemed magic link: the access token names the session holding the refresh token; the answer does not', async () => {
  const g = await guest();
  const claims = claimsOf(g.access);
  const row = await sessionOf(stack, g.refresh);
  assert.match(row, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.equal(claims.sid, row, 'sid is the scc.sessions row of this sign-in');
  assert.equal(claims.sub, g.id);
  assert.deepEqual(Object.keys(g.body).sort(),
    ['access_token', 'expires_in', 'refresh_expires_at', 'refresh_token', 'token_type', 'user'],
    'the client\'s answer keeps its shape: no session_id');

  const me = await api(stack, 'GET', '/api/me', { token: g.access });
  assert.equal(me.status, 200, me.text);
  assert.equal(me.body.session_id, row, '/api/me says the session');

  // a browser (Origin set): the cookie's token names its session too
  const code = await stack.psql(`select scc.create_magic_link(${lit(freshEmail('sidb'))}, 'invite', 'guest', null,
      interval '1 hour', 'Browser Sid', null)`);
  const b = await redeem(stack, code, { origin: stack.url });
  assert.equal(b.status, 200, b.text);
  assert.deepEqual(Object.keys(b.body).sort(), ['expires_in', 'token_type', 'user']);
  const cookieToken = b.cookies.scc_at.value;
  assert.equal(claimsOf(cookieToken).sid, await sessionOf(stack, b.cookies.scc_rt.value));
});

test('a refresh: the new token names the new session row, the grace window\'s answer the same', async () => {
  const g = await guest();
  const first = await sessionOf(stack, g.refresh);
  const [r1, r2] = await Promise.all([0, 1].map(() =>
    api(stack, 'POST', '/api/auth/refresh', { body: { refresh_token: g.refresh } })));
  assert.equal(r1.status, 200, r1.text);
  assert.equal(r2.status, 200, r2.text);
  const next = await sessionOf(stack, r1.body.refresh_token);
  assert.notEqual(next, first);
  assert.equal(claimsOf(r1.body.access_token).sid, next, 'the new token: the new row');
  assert.equal(claimsOf(r2.body.access_token).sid, next, 'the second refresh in the window: the same successor');
  assert.equal(r1.body.session_id, undefined, 'no session_id for the client');
  assert.equal(await stack.psql(`select replaced_by from scc.sessions where id = ${lit(first)}`), next);
});

test('signing with the refreshed token: the record names that session and when the sign-in began', async () => {
  const g = await guest();
  const first = await sessionOf(stack, g.refresh);
  const r = await api(stack, 'POST', '/api/auth/refresh', { body: { refresh_token: g.refresh } });
  assert.equal(r.status, 200, r.text);
  const sid = claimsOf(r.body.access_token).sid;

  const s = await sign(r.body.access_token);
  assert.equal(s.status, 201, s.text);
  const view = await api(stack, 'GET', `/api/waivers/${s.body.signature.id}`, { token: r.body.access_token });
  assert.equal(view.status, 200, view.text);
  assert.equal(view.body.signature.session_id, sid, 'the session the token was issued in');
  assert.equal(view.body.signature.session_started_at,
    await stack.psql(`select scc.iso(created_at) from scc.sessions where id = ${lit(first)}`),
    'started when the link was redeemed, not at the refresh');
  assert.equal(await stack.psql(`select after ->> 'session_id' from scc.audit_log
      where action = 'waiver.sign' and entity_id = ${lit(s.body.signature.id)}`), sid, 'audited with it');

  // the token from before the refresh is still within its lifetime, and its family is live
  const older = await sign(g.access, good({ supersedes: s.body.signature.id }));
  assert.equal(older.status, 201, older.text);
  assert.equal(older.body.signature.session_id, first, 'the older token records its own row');
});

test('a token signed with our key naming someone else\'s session, or none, is refused', async () => {
  const g = await guest();
  const other = await guest();
  const now = Math.floor(Date.now() / 1000);
  const as = (claims) => forgeToken(stack, { sub: g.id, role: 'guest', iat: now, exp: now + 300, ...claims });

  const foreign = await sign(as({ sid: claimsOf(other.access).sid }));
  isError(foreign, 401, 'session_mismatch');
  assert.equal(await stack.psql(`select reason || ' ' || entity_id || ' ' || actor_id from scc.audit_log
      where action = 'waiver.sign_refused' and request_id = ${lit(foreign.body.error.request_id)}`),
    `session_mismatch ${claimsOf(other.access).sid} ${g.id}`, 'audited: the session named and who named it');

  isError(await sign(as({ sid: crypto.randomUUID() })), 401, 'session_mismatch');

  // not a uuid: the module refuses the token itself
  const bad = await sign(as({ sid: 'session-1' }));
  isError(bad, 401, 'invalid_token');
  assert.match(bad.headers.get('www-authenticate') ?? '', /error="invalid_token"/, 'the module\'s RFC 6750 refusal');
  isError(await api(stack, 'GET', '/api/me', { token: as({ sid: claimsOf(g.access).sid.toUpperCase() }) }),
    401, 'invalid_token');

  // no sid (a token from before 029): good elsewhere, but signing asks for a fresh one
  const old = as({});
  assert.equal((await api(stack, 'GET', `/api/events/${event}/waiver`, { token: old })).status, 200,
    'a token without sid still reads');
  const me = await api(stack, 'GET', '/api/me', { token: old });
  assert.equal(me.status, 200);
  assert.equal(me.body.session_id, undefined);
  const none = await sign(old);
  isError(none, 401, 'invalid_token');
  assert.match(none.body.error.message, /refresh/);

  assert.equal(await sigCount(g.id), 0, 'nothing signed');
  assert.equal((await sign(g.access)).status, 201, 'the token the sign-in gave signs');
});

test('signed out: the access token still verifies, but its session has ended, so signing is refused', async () => {
  const g = await guest();
  const out = await api(stack, 'POST', '/api/auth/logout', { body: { refresh_token: g.refresh } });
  assert.equal(out.status, 204, out.text);
  assert.equal((await api(stack, 'GET', '/api/me', { token: g.access })).status, 200, 'the token lives until exp');
  const r = await sign(g.access);
  isError(r, 401, 'session_revoked');
  assert.equal(await stack.psql(`select reason || ' ' || entity_id from scc.audit_log
      where action = 'waiver.sign_refused' and request_id = ${lit(r.body.error.request_id)}`),
    `session_revoked ${claimsOf(g.access).sid}`);
  assert.equal(await sigCount(g.id), 0);
});
