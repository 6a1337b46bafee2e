// auth_link.test.js — POST /api/auth/link: what a magic link is for, read
// without spending it (the sign-in page shows it and redeems only on a
// button press).  Through the real module and PostgreSQL.

import test, { before } from 'node:test';
import assert from 'node:assert/strict';

import { sharedStack } from './lib/stack.js';
import { api, freshEmail, inviteLink, isError, mailedCode, redeem, signIn } from './lib/auth.js';

let stack;
before(async () => { stack = await sharedStack(); });

const link = (code) => api(stack, 'POST', '/api/auth/link', { body: { code } });

test('an invite link: who it is for, and reading it twice spends nothing', async () => {
  const email = freshEmail('link-invite');
  const { code } = await inviteLink(stack, email, 'crew', { name: 'Lee Line' });
  for (let i = 0; i < 2; i++) {
    const r = await link(code);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(Object.keys(r.body.link).sort(), ['email', 'event_id', 'expires_at', 'name', 'purpose', 'role']);
    assert.equal(r.body.link.event_id, null, 'no event on this invite (024: a guest\'s waiver link names one)');
    assert.equal(r.body.link.purpose, 'invite');
    assert.equal(r.body.link.email, email);
    assert.equal(r.body.link.name, 'Lee Line');
    assert.equal(r.body.link.role, 'crew');
    assert.ok(Date.parse(r.body.link.expires_at) > Date.now(), r.body.link.expires_at);
  }
  assert.equal((await redeem(stack, code)).status, 200, 'the link still works after being read');
  isError(await link(code), 401, 'invalid_code');
});

test('a login link shows the stored address of the user it was made for', async () => {
  const email = freshEmail('link-login');
  await signIn(stack, 'guest', { email });
  const asked = await api(stack, 'POST', '/api/auth/magic-link', { body: { email: email.toUpperCase() } });
  assert.equal(asked.status, 202);
  const code = await mailedCode(stack, email, 'login_link');
  const r = await link(code);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.link.purpose, 'login');
  assert.equal(r.body.link.email, email);
});

test('bad codes: one answer for malformed, unknown and used; none at all is 400', async () => {
  isError(await link('AAAAAAAAAAAAAAAAAAAAAA'), 401, 'invalid_code');
  isError(await link('not a code'), 401, 'invalid_code');
  isError(await api(stack, 'POST', '/api/auth/link', { body: {} }), 400, 'code_required');
  isError(await api(stack, 'POST', '/api/auth/link', { body: { code: 42 } }), 400, 'invalid_code');
});
