// cookies.test.js — with scc_cookie_secure on (as in production), the access
// cookie is __Host-scc_at (Secure, Path=/, no Domain) and the refresh cookie
// __Secure-scc_rt (Secure, Path=/api/auth): browsers then refuse either name
// from a sibling subdomain or a plain-http page, so nobody can plant or shadow
// them.  The module reads those names only: a bare scc_at is not a session.
// A stack of its own, since the shared one runs with the flag off (plain http).

import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startStack } from './lib/stack.js';
import { api, inviteLink, freshEmail, redeem, setCookies } from './lib/auth.js';

let stack;
before(async () => { stack = await startStack({ cookieSecure: true, noWorker: true }); });
after(async () => { await stack?.stop(); });

function attrs(c) { return c?.attrs ?? []; }

test('redeem sets __Host-scc_at (Path=/, Secure, no Domain) and __Secure-scc_rt', async () => {
  const { code } = await inviteLink(stack, freshEmail('hostcookie'), 'crew');
  const r = await redeem(stack, code, { origin: stack.url });
  assert.equal(r.status, 200, r.text);

  const at = r.cookies['__Host-scc_at'];
  assert.ok(at?.value, `no __Host-scc_at among ${Object.keys(r.cookies)}`);
  assert.ok(attrs(at).includes('secure') && attrs(at).includes('path=/'), at.line);
  assert.ok(attrs(at).includes('httponly') && attrs(at).includes('samesite=strict'), at.line);
  assert.ok(!attrs(at).some((a) => a.startsWith('domain')), at.line);

  const rt = r.cookies['__Secure-scc_rt'];
  assert.ok(rt?.value, `no __Secure-scc_rt among ${Object.keys(r.cookies)}`);
  assert.ok(attrs(rt).includes('secure') && attrs(rt).includes('path=/api/auth'), rt.line);
  assert.ok(attrs(rt).includes('httponly'), rt.line);

  assert.equal(r.cookies.scc_at, undefined, 'no unprefixed access cookie');
  assert.equal(r.cookies.scc_rt, undefined, 'no unprefixed refresh cookie');
});

test('the module reads the prefixed names, and not the bare ones', async () => {
  const { code } = await inviteLink(stack, freshEmail('hostread'), 'crew');
  const r = await redeem(stack, code, { origin: stack.url });
  const token = r.cookies['__Host-scc_at'].value;

  const me = await api(stack, 'GET', '/api/me', { cookie: `__Host-scc_at=${token}` });
  assert.equal(me.status, 200, me.text);
  const bare = await api(stack, 'GET', '/api/me', { cookie: `scc_at=${token}` });
  assert.equal(bare.status, 401, `a bare scc_at was taken for a session: ${bare.text}`);

  const rt = r.cookies['__Secure-scc_rt'].value;
  const cookie = `__Secure-scc_rt=${rt}`;
  const cross = await api(stack, 'POST', '/api/auth/refresh', { cookie, origin: 'http://evil.example' });
  assert.equal(cross.status, 403, 'the origin check counts the prefixed refresh cookie');
  const ok = await api(stack, 'POST', '/api/auth/refresh', { cookie, origin: stack.url });
  assert.equal(ok.status, 200, ok.text);
  const c = setCookies(ok.headers);
  assert.ok(c['__Secure-scc_rt']?.value && c['__Secure-scc_rt'].value !== rt, 'a new refresh cookie');
  assert.ok(c['__Host-scc_at']?.value, 'a new access cookie');

  const out = await api(stack, 'POST', '/api/auth/logout', { cookie: `__Secure-scc_rt=${c['__Secure-scc_rt'].value}`, origin: stack.url });
  assert.equal(out.status, 204, out.text);
  const gone = setCookies(out.headers);
  assert.match(gone['__Host-scc_at']?.line ?? '', /max-age=0.*secure/i, 'logout clears __Host-scc_at');
  assert.match(gone['__Host-scc_at']?.line ?? '', /path=\/;/i, 'with the Path it was set with');
  assert.match(gone['__Secure-scc_rt']?.line ?? '', /max-age=0/i, 'logout clears __Secure-scc_rt');
});
