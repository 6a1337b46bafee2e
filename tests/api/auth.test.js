// auth.test.js — signing in end to end, through the real nginx module and
// PostgreSQL: magic links for login and invites (the code read from the
// queued email job: the tests' mailbox), single use, expiry, refresh
// rotation, two tabs refreshing at once, reuse detection after the grace
// window, links bound to their user, refused sign-ins audited, logout, CSRF,
// disabled users, RFC 6750 answers, identical answers for unknown addresses,
// bad request bodies that never reach PostgreSQL, the admin's user routes,
// and nginx's limit_req on /api/auth/ (on a dedicated stack, so the shared
// one keeps its budget).

import test, { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import { sharedStack, startStack } from './lib/stack.js';
import {
  api, cookieHeader, errorShapeProblem, forgeToken, freshEmail, inviteLink, isError, lit, mailCount,
  mailedCode, redeem, setCookies, signIn,
} from './lib/auth.js';

let stack;
let admin;
before(async () => {
  stack = await sharedStack();
  admin = await signIn(stack, 'admin');
});

const codeHash = (code) => `sha256(convert_to(${lit(code)}, 'UTF8'))`;

/** Move the rotation of refresh token `token` `seconds` into the past (the grace window without sleeping). */
async function rotatedAgo(token, seconds) {
  await stack.psql(`update scc.sessions set revoked_at = revoked_at - make_interval(secs => ${Number(seconds)})
    where refresh_hash = ${codeHash(token)} and replaced_by is not null`);
}

/** The reason of the one session.refused audit row of the request that answered `r`. */
async function refusedReasons(r) {
  return stack.psql(`select coalesce(string_agg(reason, ','), '') from scc.audit_log
    where action = 'session.refused' and request_id = ${lit(r.body?.error?.request_id ?? '')}`);
}

describe('magic links', () => {
  test('login: a known user asks, gets a mailed code, redeems it once', async () => {
    const user = await signIn(stack, 'crew');
    const ask = await api(stack, 'POST', '/api/auth/magic-link', { body: { email: user.email.toUpperCase() } });
    assert.equal(ask.status, 202, ask.text);
    const code = await mailedCode(stack, user.email, 'login_link');
    assert.match(code ?? '', /^[A-Za-z0-9_-]{22}$/, 'the login email job carries a 128-bit base64url code');
    const job = JSON.parse(await stack.psql(`select payload from scc.jobs where kind = 'email'
      and lower(payload ->> 'to') = lower(${lit(user.email)}) order by id desc limit 1`));
    assert.equal(job.template, 'login_link');
    assert.equal(job.data.expires_minutes, 15);
    assert.equal(Number(await stack.psql(`select count(*) from scc.magic_links where code_hash = ${codeHash(code)}`)), 1,
      'the link is stored by the SHA-256 of its code');

    const r = await redeem(stack, code);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.user, { id: user.id, email: user.email, name: user.name, role: 'crew' });
    assert.equal(r.body.token_type, 'Bearer');
    assert.equal(typeof r.body.expires_in, 'number');
    assert.match(r.access, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    assert.match(r.refresh, /^[A-Za-z0-9_-]{43}$/);
    assert.ok(r.cookies.scc_at.attrs.includes('httponly') && r.cookies.scc_at.attrs.includes('samesite=strict'));
    assert.ok(r.cookies.scc_at.attrs.includes('path=/api'));
    assert.ok(r.cookies.scc_rt.attrs.includes('path=/api/auth') && r.cookies.scc_rt.attrs.includes('httponly'));

    const me = await api(stack, 'GET', '/api/me', { token: r.access });
    assert.equal(me.status, 200, me.text);
    assert.equal(me.body.user.id, user.id);
    assert.equal(me.body.user.role, 'crew');

    const again = await redeem(stack, code);
    isError(again, 401, 'invalid_code');
    // a refused link says nothing about a session the browser may already
    // have (an old link clicked while signed in): no cookie is touched
    assert.equal(again.cookies.scc_at, undefined, 'a failed redeem leaves the cookies alone');
    assert.equal(again.cookies.scc_rt, undefined, 'a failed redeem leaves the cookies alone');
  });

  test('invite: an admin invites, the invitee redeems and exists with the role and name', async () => {
    const email = freshEmail('invitee');
    const inv = await api(stack, 'POST', '/api/invites',
      { token: admin.access, body: { email, role: 'captain', name: 'Invited Captain' } });
    assert.equal(inv.status, 201, inv.text);
    assert.deepEqual(Object.keys(inv.body).sort(), ['email', 'expires_at', 'id', 'role']);
    const code = await mailedCode(stack, email, 'invite');
    assert.ok(code, 'an invite email job was queued');
    assert.ok(!inv.text.includes(code), 'the answer never holds the code');
    const days = (Date.parse(inv.body.expires_at) - Date.now()) / 86400e3;
    assert.ok(days > 6.99 && days < 7.01, `an invite lives 7 days (${days})`);

    const r = await redeem(stack, code);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.user.email, email);
    assert.equal(r.body.user.role, 'captain');
    assert.equal(r.body.user.name, 'Invited Captain');
    isError(await redeem(stack, code), 401, 'invalid_code');
  });

  test('scc-worker invite prints a working sign-in link on the public URL', async () => {
    const email = freshEmail('cli');
    const { link, code } = await inviteLink(stack, email, 'guest', { name: 'Cli Guest', ttl: '15m' });
    assert.ok(link.startsWith(`${stack.url}/signin.html?code=`), link);
    const r = await redeem(stack, code);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.user.role, 'guest');
    const bad = await stack.worker(['invite', '--role', 'pirate', email]);
    assert.equal(bad.code, 2);
    const nomail = await stack.worker(['invite', '--role', 'crew', 'not-an-address']);
    assert.equal(nomail.code, 2);
    assert.match(nomail.stderr, /not an email address/);
  });

  test('a browser (Origin set) gets cookies only, no tokens in the body, and the cookie works', async () => {
    const { code } = await inviteLink(stack, freshEmail('browser'), 'crew');
    const r = await redeem(stack, code, { origin: stack.url });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.access_token, undefined);
    assert.equal(r.body.refresh_token, undefined);
    const me = await api(stack, 'GET', '/api/me', { cookie: cookieHeader(r.cookies) });
    assert.equal(me.status, 200, me.text);
    assert.equal(me.body.user.id, r.body.user.id);
  });

  test('an expired code is refused', async () => {
    const { code } = await inviteLink(stack, freshEmail('late'), 'crew');
    await stack.psql(`update scc.magic_links set expires_at = now() - interval '1 second' where code_hash = ${codeHash(code)}`);
    isError(await redeem(stack, code), 401, 'invalid_code');
  });

  test("a captain invites a case variant of an admin's address: the mail goes to the stored address, the variant gets nothing", async () => {
    const boss = await signIn(stack, 'admin');
    const captain = await signIn(stack, 'captain');
    const variant = boss.email.replace(/^[^@]+/, (local) => local.toUpperCase());
    assert.notEqual(variant, boss.email);
    const inv = await api(stack, 'POST', '/api/invites', { token: captain.access, body: { email: variant, role: 'crew' } });
    assert.equal(inv.status, 201, inv.text);
    const sentTo = (await stack.psql(`select coalesce(string_agg(payload ->> 'to', ','), '') from scc.jobs
      where kind = 'email' and payload ->> 'template' = 'invite' and lower(payload ->> 'to') = lower(${lit(variant)})`));
    assert.equal(sentTo, boss.email, 'the one invite email goes to the address the admin signed up with');
    assert.equal(await stack.psql(`select user_id from scc.magic_links where id = ${lit(inv.body.id)}`), boss.id,
      'the link is bound to the admin');
    // the captain's mailbox (the variant) holds no code, so nothing signs the captain in as the admin
    const code = await mailedCode(stack, boss.email, 'invite');
    const r = await redeem(stack, code);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.user.id, boss.id, 'the code signs in only the user it was made for');
    assert.equal(r.body.user.role, 'admin', 'an invite never lowers a role');
  });

  test('an invite link made before the address had a user does not sign in whoever took it since', async () => {
    const email = freshEmail('taken');
    const { code: early } = await inviteLink(stack, email.toUpperCase(), 'crew');
    const owner = await signIn(stack, 'guest', { email });
    const r = await redeem(stack, early);
    isError(r, 401, 'invalid_code');
    assert.equal(await refusedReasons(r), 'not_bound');
    assert.equal(Number(await stack.psql(`select count(*) from scc.sessions where user_id = ${lit(owner.id)}`)), 1,
      'no second session for the owner');
  });

  test('refused sign-ins (bad, used, expired link) each leave one audit row with the reason, never the code', async () => {
    const { code: used } = await inviteLink(stack, freshEmail('audited'), 'crew');
    assert.equal((await redeem(stack, used)).status, 200);
    const { code: late } = await inviteLink(stack, freshEmail('audited-late'), 'crew');
    await stack.psql(`update scc.magic_links set expires_at = now() - interval '1 second' where code_hash = ${codeHash(late)}`);
    const bad = 'B'.repeat(22);
    for (const [code, reason] of [[used, 'used'], [late, 'expired'], [bad, 'unknown'], ['not-a-code', 'malformed']]) {
      const r = await redeem(stack, code);
      isError(r, 401, 'invalid_code');
      assert.equal(await refusedReasons(r), reason, `one audit row for the ${reason} link`);
    }
    assert.equal(Number(await stack.psql(`select count(*) from scc.audit_log as a where action = 'session.refused'
      and (strpos(row_to_json(a)::text, ${lit(used)}) > 0 or strpos(row_to_json(a)::text, ${lit(late)}) > 0
           or strpos(row_to_json(a)::text, ${lit(bad)}) > 0)`)), 0, 'no audit row holds a code');
  });

  test('two redeems of one code at once: exactly one wins', async () => {
    const { code } = await inviteLink(stack, freshEmail('race'), 'crew');
    const all = await Promise.all(Array.from({ length: 6 }, () => redeem(stack, code)));
    assert.deepEqual(all.map((r) => r.status).sort(), [200, 401, 401, 401, 401, 401]);
  });

  test('bad codes and bad addresses are clear 400/401 errors', async () => {
    isError(await redeem(stack, 'AAAAAAAAAAAAAAAAAAAAAA'), 401, 'invalid_code');
    isError(await api(stack, 'POST', '/api/auth/redeem', { body: {} }), 400, 'code_required');
    isError(await api(stack, 'POST', '/api/auth/magic-link', { body: {} }), 400, 'email_required');
    isError(await api(stack, 'POST', '/api/auth/magic-link', { body: { email: 'no-at-sign' } }), 400, 'invalid_email');
    isError(await api(stack, 'POST', '/api/auth/magic-link', { body: { email: 42 } }), 400, 'invalid_email');
  });

  test('an unknown address gets the very same answer as a known one, and no mail', async () => {
    const known = await signIn(stack, 'guest');
    const unknown = freshEmail('stranger');
    const a = await api(stack, 'POST', '/api/auth/magic-link', { body: { email: known.email } });
    const b = await api(stack, 'POST', '/api/auth/magic-link', { body: { email: unknown } });
    assert.equal(a.status, 202);
    assert.equal(b.status, a.status);
    assert.equal(b.text, a.text);
    const headers = (r) => [...r.headers].filter(([k]) => !['date'].includes(k));
    assert.deepEqual(headers(b), headers(a));
    assert.equal(await mailCount(stack, unknown), 0, 'nothing is sent to an unknown address');
    assert.equal(await mailCount(stack, known.email), 1, 'the known address gets its link');
    assert.equal(Number(await stack.psql(`select count(*) from scc.magic_links where lower(email) = lower(${lit(unknown)})`)), 0);

    // one link a minute per address: asking again answers the same, sends nothing
    const c = await api(stack, 'POST', '/api/auth/magic-link', { body: { email: known.email } });
    assert.equal(c.status, 202);
    assert.equal(c.text, a.text);
    assert.equal(await mailCount(stack, known.email), 1, 'no second link within a minute');
  });
});

describe('refresh tokens and sessions', () => {
  test('refresh rotates; the rotated token presented again after the grace window revokes the whole family', async () => {
    const u = await signIn(stack, 'crew');
    const r1 = await api(stack, 'POST', '/api/auth/refresh', { body: { refresh_token: u.refresh } });
    assert.equal(r1.status, 200, r1.text);
    assert.notEqual(r1.body.refresh_token, u.refresh);
    assert.equal(r1.body.user.id, u.id);
    const me = await api(stack, 'GET', '/api/me', { token: r1.body.access_token });
    assert.equal(me.status, 200);

    await rotatedAgo(u.refresh, 31);
    const reuse = await api(stack, 'POST', '/api/auth/refresh', { body: { refresh_token: u.refresh } });
    isError(reuse, 401, 'refresh_reuse');
    assert.match(setCookies(reuse.headers).scc_rt?.line ?? '', /max-age=0/i, 'reuse clears the cookies');
    isError(await api(stack, 'POST', '/api/auth/refresh', { body: { refresh_token: r1.body.refresh_token } }),
      401, 'invalid_refresh_token');
    assert.equal(Number(await stack.psql(
      `select count(*) from scc.sessions where user_id = ${lit(u.id)} and revoked_at is null`)), 0);
  });

  test('two refreshes of one token at once (two tabs): both 200 with the same successor, the session lives on', async () => {
    const u = await signIn(stack, 'crew');
    const both = await Promise.all([0, 1].map(() =>
      api(stack, 'POST', '/api/auth/refresh', { body: { refresh_token: u.refresh } })));
    assert.deepEqual(both.map((r) => r.status), [200, 200], both.map((r) => r.text).join('\n'));
    assert.equal(both[0].body.refresh_token, both[1].body.refresh_token, 'the same successor token');
    assert.notEqual(both[0].body.refresh_token, u.refresh);
    for (const r of both) {
      const me = await api(stack, 'GET', '/api/me', { token: r.body.access_token });
      assert.equal(me.status, 200, me.text);
    }
    const next = await api(stack, 'POST', '/api/auth/refresh', { body: { refresh_token: both[0].body.refresh_token } });
    assert.equal(next.status, 200, next.text);
    assert.equal(Number(await stack.psql(
      `select count(*) from scc.sessions where user_id = ${lit(u.id)} and revoked_at is null`)), 1,
    'one live session: the family was not revoked');
  });

  test("a browser's two tabs refresh with one cookie at once: both keep a working session", async () => {
    const { code } = await inviteLink(stack, freshEmail('tabs'), 'crew');
    const r = await redeem(stack, code, { origin: stack.url });
    const cookie = `scc_rt=${r.cookies.scc_rt.value}`;
    const both = await Promise.all([0, 1].map(() => api(stack, 'POST', '/api/auth/refresh', { cookie, origin: stack.url })));
    assert.deepEqual(both.map((x) => x.status), [200, 200], both.map((x) => x.text).join('\n'));
    const rts = both.map((x) => setCookies(x.headers).scc_rt.value);
    assert.equal(rts[0], rts[1], 'both tabs hold the same successor');
    for (const x of both) {
      const me = await api(stack, 'GET', '/api/me', { cookie: cookieHeader(setCookies(x.headers)) });
      assert.equal(me.status, 200, me.text);
    }
  });

  test('a browser refreshes with its scc_rt cookie and its own Origin', async () => {
    const { code } = await inviteLink(stack, freshEmail('rtcookie'), 'crew');
    const r = await redeem(stack, code, { origin: stack.url });
    const cookie = `scc_rt=${r.cookies.scc_rt.value}`;
    const cross = await api(stack, 'POST', '/api/auth/refresh', { cookie, origin: 'http://evil.example' });
    assert.equal(cross.status, 403, cross.text);
    const ok = await api(stack, 'POST', '/api/auth/refresh', { cookie, origin: stack.url });
    assert.equal(ok.status, 200, ok.text);
    const c = setCookies(ok.headers);
    assert.ok(c.scc_rt.value && c.scc_rt.value !== r.cookies.scc_rt.value, 'a new refresh cookie');
    assert.ok(c.scc_at.value, 'a new access cookie');
  });

  test('refresh without or with a garbage token is 401', async () => {
    isError(await api(stack, 'POST', '/api/auth/refresh'), 401, 'invalid_refresh_token');
    isError(await api(stack, 'POST', '/api/auth/refresh', { body: { refresh_token: 'x'.repeat(43) } }),
      401, 'invalid_refresh_token');
  });

  test('logout revokes the session and clears the cookies; 204 either way', async () => {
    const u = await signIn(stack, 'crew');
    const out = await api(stack, 'POST', '/api/auth/logout', { body: { refresh_token: u.refresh } });
    assert.equal(out.status, 204, out.text);
    assert.equal(out.text, '');
    const c = setCookies(out.headers);
    assert.match(c.scc_at?.line ?? '', /max-age=0/i);
    assert.match(c.scc_rt?.line ?? '', /max-age=0/i);
    isError(await api(stack, 'POST', '/api/auth/refresh', { body: { refresh_token: u.refresh } }),
      401, 'invalid_refresh_token');
    assert.equal((await api(stack, 'POST', '/api/auth/logout')).status, 204);
    assert.equal((await api(stack, 'POST', '/api/auth/logout', { body: { refresh_token: u.refresh } })).status, 204);
  });
});

describe('tokens, roles and CSRF (RFC 6750)', () => {
  test('no token: 401 with WWW-Authenticate: Bearer realm="scc"', async () => {
    const r = await api(stack, 'GET', '/api/users');
    isError(r, 401);
    assert.equal(r.headers.get('www-authenticate'), 'Bearer realm="scc"');
  });

  test('a bad, expired or foreign-signed token: 401 error="invalid_token"', async () => {
    const tokens = {
      garbage: 'not.a.token',
      expired: forgeToken(stack, { sub: admin.id, exp: Math.floor(Date.now() / 1000) - 60 }),
      foreign: forgeToken(stack, { sub: admin.id }, { secret: crypto.randomBytes(32) }),
      tampered: admin.access.slice(0, -2) + (admin.access.endsWith('AA') ? 'BA' : 'AA'),
    };
    for (const [what, token] of Object.entries(tokens)) {
      const r = await api(stack, 'GET', '/api/users', { token });
      assert.equal(r.status, 401, `${what}: ${r.text}`);
      assert.match(r.headers.get('www-authenticate') ?? '', /^Bearer realm="scc", error="invalid_token"/, what);
      assert.equal(r.body.error.code, 'invalid_token', what);
    }
    // the same secret, well-formed and fresh: accepted (so the refusals above are about the token)
    const good = await api(stack, 'GET', '/api/users', { token: forgeToken(stack, { sub: admin.id }) });
    assert.equal(good.status, 200, good.text);
  });

  test('a token the cache of verified tokens holds is refused the second it expires', async () => {
    const exp = Math.floor(Date.now() / 1000) + 2;
    const token = forgeToken(stack, { sub: admin.id, role: 'captain', exp });
    // several times, so that every nginx worker has it in its cache
    for (let i = 0; i < 6; i++) {
      const r = await api(stack, 'GET', '/api/me', { token });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.user.role, 'captain');
    }
    await new Promise((r) => setTimeout(r, exp * 1000 - Date.now() + 50));
    for (let i = 0; i < 6; i++) {
      const r = await api(stack, 'GET', '/api/me', { token });
      isError(r, 401, 'invalid_token');
    }
  });

  test('GET /api/me says who the token names, as JSON text (escaped)', async () => {
    const sub = 'we"ird\\id\u0001</script>';
    const r = await api(stack, 'GET', '/api/me', { token: forgeToken(stack, { sub, role: 'guest', exp: 2000000000 }) });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, { user: { id: sub, role: 'guest' }, expires_at: '2033-05-18T03:33:20Z' });
    assert.match(r.headers.get('content-type'), /^application\/json/);
    assert.equal(r.headers.get('cache-control'), 'no-store');
  });

  test('a role too low: 403 insufficient_scope', async () => {
    const crew = await signIn(stack, 'crew');
    const r = await api(stack, 'GET', '/api/users', { token: crew.access });
    isError(r, 403, 'insufficient_scope');
    assert.match(r.headers.get('www-authenticate') ?? '', /error="insufficient_scope"/);
  });

  test('a captain invites crew and guests only (SQL checks the designated role)', async () => {
    const cap = await signIn(stack, 'captain');
    const ok = await api(stack, 'POST', '/api/invites', { token: cap.access, body: { email: freshEmail('c'), role: 'guest' } });
    assert.equal(ok.status, 201, ok.text);
    isError(await api(stack, 'POST', '/api/invites', { token: cap.access, body: { email: freshEmail('c'), role: 'captain' } }),
      403, 'insufficient_scope');
    isError(await api(stack, 'POST', '/api/invites', { token: cap.access, body: { email: freshEmail('c'), role: 'boss' } }),
      400, 'invalid_role');
  });

  test('CSRF: a cookie-authenticated POST needs our own Origin', async () => {
    const email = freshEmail('csrfcap');
    const { code } = await inviteLink(stack, email, 'captain');
    const r = await redeem(stack, code, { origin: stack.url });
    const cookie = cookieHeader(r.cookies);
    const body = { email: freshEmail('csrf'), role: 'crew' };
    isError(await api(stack, 'POST', '/api/invites', { cookie, body, origin: 'http://evil.example' }), 403);
    isError(await api(stack, 'POST', '/api/invites', { cookie, body }), 403);
    const same = await api(stack, 'POST', '/api/invites', { cookie, body, origin: stack.url });
    assert.equal(same.status, 201, same.text);
    // reads are not state-changing: a GET with the cookie needs no Origin
    assert.equal((await api(stack, 'GET', '/api/me', { cookie })).status, 200);
  });
});

describe('users (admin)', () => {
  test('list with search, escaping and pagination', async () => {
    const tag = crypto.randomBytes(4).toString('hex');
    for (let i = 0; i < 3; i++) await signIn(stack, 'guest', { email: `list-${tag}-${i}@test.example` });
    const r = await api(stack, 'GET', `/api/users?q=list-${tag}&limit=2`, { token: admin.access });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.total, 3);
    assert.equal(r.body.items.length, 2);
    const page2 = await api(stack, 'GET', `/api/users?q=LIST-${tag}&limit=2&offset=2`, { token: admin.access });
    assert.equal(page2.body.items.length, 1);
    assert.equal(page2.body.items[0].email, `list-${tag}-2@test.example`);
    const wild = await api(stack, 'GET', `/api/users?q=${encodeURIComponent('%_%')}`, { token: admin.access });
    assert.equal(wild.status, 200);
    assert.equal(wild.body.total, 0, '% and _ are taken literally');
    isError(await api(stack, 'GET', '/api/users?limit=500', { token: admin.access }), 400, 'invalid_limit');
    isError(await api(stack, 'GET', '/api/users?offset=-1', { token: admin.access }), 400, 'invalid_offset');
  });

  test('read one user', async () => {
    const u = await signIn(stack, 'crew', { name: 'Rita Read' });
    const r = await api(stack, 'GET', `/api/users/${u.id}`, { token: admin.access });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual({ id: r.body.id, email: r.body.email, name: r.body.name, role: r.body.role, disabled_at: r.body.disabled_at },
      { id: u.id, email: u.email, name: 'Rita Read', role: 'crew', disabled_at: null });
    assert.match(r.body.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    isError(await api(stack, 'GET', '/api/users/not-a-uuid', { token: admin.access }), 400, 'invalid_id');
    isError(await api(stack, 'GET', `/api/users/${crypto.randomUUID()}`, { token: admin.access }), 404, 'user_not_found');
    // a known path with another method: 405 lists every method the path takes
    const del = await api(stack, 'DELETE', `/api/users/${u.id}`, { token: admin.access });
    isError(del, 405, 'method_not_allowed');
    assert.equal(del.headers.get('allow'), 'GET, PATCH');
  });

  test('change a role (audited), not your own', async () => {
    const u = await signIn(stack, 'guest');
    const r = await api(stack, 'PATCH', `/api/users/${u.id}`, { token: admin.access, body: { role: 'crew' } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.role, 'crew');
    assert.equal(await stack.psql(
      `select (before ->> 'role') || '>' || (after ->> 'role') || '|' || (actor_id = ${lit(admin.id)}) || '|' || (request_id ~ '^[0-9a-f]{32}$') || '|' || host(ip)
         from scc.audit_log where action = 'user.role' and entity_id = ${lit(u.id)}`),
      'guest>crew|true|true|127.0.0.1');
    // the new role arrives with the next refresh
    const fresh = await api(stack, 'POST', '/api/auth/refresh', { body: { refresh_token: u.refresh } });
    assert.equal(fresh.body.user.role, 'crew');
    isError(await api(stack, 'PATCH', `/api/users/${admin.id}`, { token: admin.access, body: { role: 'crew' } }), 409, 'self_change');
    isError(await api(stack, 'PATCH', '/api/users/not-a-uuid', { token: admin.access, body: { role: 'crew' } }), 400, 'invalid_id');
    isError(await api(stack, 'PATCH', `/api/users/${crypto.randomUUID()}`, { token: admin.access, body: { role: 'crew' } }), 404, 'user_not_found');
    isError(await api(stack, 'PATCH', `/api/users/${u.id}`, { token: admin.access, body: { role: 'owner' } }), 400, 'invalid_role');
  });

  test('a disabled user loses every session and cannot sign in again', async () => {
    const u = await signIn(stack, 'captain');
    const d = await api(stack, 'POST', `/api/users/${u.id}/disable`, { token: admin.access, body: { reason: 'test' } });
    assert.equal(d.status, 200, d.text);
    assert.ok(d.body.disabled_at);
    // the access token lives on until it expires, but SQL checks the account
    isError(await api(stack, 'POST', '/api/invites', { token: u.access, body: { email: freshEmail('x'), role: 'crew' } }),
      401, 'user_disabled');
    isError(await api(stack, 'POST', '/api/auth/refresh', { body: { refresh_token: u.refresh } }), 401);
    const before = await mailCount(stack, u.email);
    assert.equal((await api(stack, 'POST', '/api/auth/magic-link', { body: { email: u.email } })).status, 202);
    assert.equal(await mailCount(stack, u.email), before, 'no login link for a disabled user');
    const { code } = await inviteLink(stack, u.email, 'admin');
    isError(await redeem(stack, code), 401, 'user_disabled');
    assert.equal(await stack.psql(`select reason from scc.audit_log where action = 'user.disable' and entity_id = ${lit(u.id)}`), 'test');
    isError(await api(stack, 'POST', `/api/users/${admin.id}/disable`, { token: admin.access }), 409, 'self_disable');
  });
});

describe('bad request bodies never reach PostgreSQL', () => {
  const deep = '{"a":'.repeat(33) + '1' + '}'.repeat(33);  // depth 33
  const cases = [
    ['not JSON', 'application/json', '{email: nope}', 400, 'invalid_body'],
    ['an array', 'application/json', '["a@b.example"]', 400, 'invalid_body'],
    ['a string', 'application/json', '"a@b.example"', 400, 'invalid_body'],
    ['depth 33', 'application/json', deep, 400, 'invalid_body'],
    ['invalid UTF-8', 'application/json', Buffer.from([0x7b, 0x22, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), 400, 'invalid_body'],
    ['the wrong Content-Type', 'text/plain', '{"email":"a@b.example"}', 415, null],
    ['too large', 'application/json', `{"email":"${'a'.repeat(70 * 1024)}"}`, 413, null],
    ['empty', 'application/json', '', 400, 'invalid_body'],
  ];

  // The codes asserted (invalid_body, 415, 413) come from the module or nginx
  // only; the SQL function answers missing or bad fields with its own codes.
  test('each is a JSON error with request_id, answered while the table is locked', async () => {
    // Any magic-link call that reaches PostgreSQL waits on this lock, so an
    // answer that comes back now did not reach it.
    const db = await stack.session();
    await db.query('begin; lock table scc.magic_link_throttle in access exclusive mode');
    try {
      for (const [what, type, raw, status, code] of cases) {
        const r = await api(stack, 'POST', '/api/auth/magic-link',
          { raw, headers: { 'content-type': type }, signal: AbortSignal.timeout(5000) });
        const problem = errorShapeProblem(r, status, code);
        assert.equal(problem, null, `${what}: ${problem}`);
      }
      // the control: a good body does reach the database, and waits there
      const good = api(stack, 'POST', '/api/auth/magic-link', { body: { email: freshEmail('lock') } });
      const first = await Promise.race([good.then(() => 'answered'), new Promise((r) => setTimeout(() => r('waiting'), 300))]);
      assert.equal(first, 'waiting', 'a good request waits on the lock');
      await db.query('commit');
      assert.equal((await good).status, 202);
    } finally {
      await db.close();
    }
  });
});

describe('rate limit on /api/auth/ (dedicated stack)', () => {
  let own;
  before(async () => { own = await startStack({ workers: 1 }); });
  after(async () => { await own?.stop(); });

  test('a burst of wrong redeems from one address gets 429s, never a hit', async () => {
    const { code } = await inviteLink(own, freshEmail('target'), 'crew');
    const guesses = Array.from({ length: 400 }, () => crypto.randomBytes(16).toString('base64url'));
    const all = await Promise.all(guesses.map((g) => redeem(own, g)));
    const counts = {};
    for (const r of all) counts[r.status] = (counts[r.status] ?? 0) + 1;
    assert.deepEqual(Object.keys(counts).sort(), ['401', '429'], JSON.stringify(counts));
    assert.ok(counts[429] > 0, `nginx refused part of the burst: ${JSON.stringify(counts)}`);
    const limited = all.find((r) => r.status === 429);
    isError(limited, 429, 'too_many_requests');
    // the limit is a rate, not a ban: once the bucket refills, the right code works
    await new Promise((r) => setTimeout(r, 3000));
    const real = await redeem(own, code);
    assert.equal(real.status, 200, real.text);
  });
});
