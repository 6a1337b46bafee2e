// me.test.js — your own settings through the real stack: GET /api/me/profile
// and PATCH /api/me (name, phone, notify_email), each bad input answered with
// its field's code and changing nothing, the audit row, and one path with
// two answerers: GET /api/me stays the module's (from the token, no SQL)
// while PATCH /api/me is an SQL function's.

import test, { before } from 'node:test';
import assert from 'node:assert/strict';

import { sharedStack } from './lib/stack.js';
import { api, lit, signIn } from './lib/auth.js';

let stack;
let me;

before(async () => {
  stack = await sharedStack();
  me = await signIn(stack, 'guest', { name: 'Gina Guest' });
});

const profile = () => api(stack, 'GET', '/api/me/profile', { token: me.access });
const patch = (body, init = {}) => api(stack, 'PATCH', '/api/me', { token: me.access, body, ...init });

test('GET /api/me/profile: the whole own user with notify_email', async () => {
  const r = await profile();
  assert.equal(r.status, 200);
  assert.equal(r.body.id, me.id);
  assert.equal(r.body.email, me.email);
  assert.equal(r.body.name, 'Gina Guest');
  assert.equal(r.body.role, 'guest');
  assert.equal(r.body.phone, null);
  assert.equal(r.body.notify_email, true);
});

test('PATCH /api/me changes name, phone and notifications, audited', async () => {
  const r = await patch({ name: '  Gina Q. Guest ', phone: '+1 (619) 555-0142', notify_email: false });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.name, 'Gina Q. Guest');
  assert.equal(r.body.phone, '+1 (619) 555-0142');
  assert.equal(r.body.notify_email, false);
  assert.deepEqual((await profile()).body, r.body);

  const audit = JSON.parse(await stack.psql(`
    select json_build_object('before', before, 'after', after, 'actor', actor_id, 'role', actor_role)
      from scc.audit_log where action = 'user.settings' and entity_id = ${lit(me.id)} order by id desc limit 1`));
  assert.deepEqual(audit, {
    before: { name: 'Gina Guest', phone: null, notify_email: true },
    after: { name: 'Gina Q. Guest', phone: '+1 (619) 555-0142', notify_email: false },
    actor: me.id,
    role: 'guest',
  });

  const back = await patch({ notify_email: true, phone: null });
  assert.equal(back.status, 200);
  assert.equal(back.body.notify_email, true);
  assert.equal(back.body.phone, null);
  assert.equal(back.body.name, 'Gina Q. Guest');
});

test('PATCH /api/me: bad input names its field and changes nothing', async () => {
  const before1 = (await profile()).body;
  const cases = [
    [{ email: 'x@y.z' }, 400, 'unknown_field', /email/],
    [{ role: 'admin' }, 400, 'unknown_field', /role/],
    [{ name: '' }, 400, 'invalid_name', /1 to 200/],
    [{ name: ' \t ' }, 400, 'invalid_name', /1 to 200/],
    [{ name: 'n'.repeat(201) }, 400, 'invalid_name', /1 to 200/],
    [{ name: 42 }, 400, 'invalid_name', /string/],
    [{ name: ['a'] }, 400, 'invalid_name', /string/],
    [{ name: 'two\nlines' }, 400, 'invalid_name', /control/],
    [{ phone: 'call me maybe' }, 400, 'invalid_phone', /phone number/],
    [{ phone: '1'.repeat(41) }, 400, 'invalid_phone', /40/],
    [{ phone: 6195550142 }, 400, 'invalid_phone', /string or null/],
    [{ notify_email: 'false' }, 400, 'invalid_notify_email', /true or false/],
    [{ notify_email: 0 }, 400, 'invalid_notify_email', /true or false/],
    [{ name: 'Fine', notify_email: null }, 400, 'invalid_notify_email', /true or false/],
  ];
  for (const [body, status, code, message] of cases) {
    const r = await patch(body);
    assert.equal(r.status, status, JSON.stringify(body));
    assert.equal(r.body?.error?.code, code, JSON.stringify(body));
    assert.match(r.body.error.message, message, JSON.stringify(body));
  }
  assert.deepEqual((await profile()).body, before1);

  // the module's own refusals: no body, not JSON, not an object
  const none = await api(stack, 'PATCH', '/api/me', { token: me.access });
  assert.equal(none.status, 415);
  const text = await api(stack, 'PATCH', '/api/me', { token: me.access, raw: 'name=x',
    headers: { 'content-type': 'text/plain' } });
  assert.equal(text.status, 415);
  const arr = await api(stack, 'PATCH', '/api/me', { token: me.access, raw: '["x"]',
    headers: { 'content-type': 'application/json' } });
  assert.equal(arr.status, 400);
  assert.equal(arr.body.error.code, 'invalid_body');
});

test('one path, two answerers: GET /api/me from the token, PATCH /api/me from SQL, 405 otherwise', async () => {
  const g = await api(stack, 'GET', '/api/me', { token: me.access });
  assert.equal(g.status, 200);
  assert.deepEqual(Object.keys(g.body).sort(), ['expires_at', 'session_id', 'user'],
    'GET /api/me is still the token only (its session: the sid claim, 029)');
  assert.deepEqual(g.body.user, { id: me.id, role: 'guest' });
  assert.equal(g.body.session_id, JSON.parse(Buffer.from(me.access.split('.')[1], 'base64url').toString()).sid);

  const h = await stack.fetch('/api/me', { method: 'HEAD', headers: { authorization: `Bearer ${me.access}` } });
  assert.equal(h.status, 200);

  for (const method of ['PUT', 'POST', 'DELETE']) {
    const r = await api(stack, method, '/api/me', { token: me.access, body: {} });
    assert.equal(r.status, 405, method);
    assert.equal(r.headers.get('allow'), 'GET, PATCH', method);
  }

  const anon = await api(stack, 'PATCH', '/api/me', { body: { name: 'x' } });
  assert.equal(anon.status, 401);
});

test('a disabled account can no longer change its settings', async () => {
  const gone = await signIn(stack, 'crew');
  await stack.psql(`update scc.users set disabled_at = now() where id = ${lit(gone.id)}`);
  const r = await api(stack, 'PATCH', '/api/me', { token: gone.access, body: { name: 'Back' } });
  assert.equal(r.status, 401);
  assert.equal(r.body.error.code, 'user_disabled');
  assert.equal(await stack.psql(`select name from scc.users where id = ${lit(gone.id)}`), 'Test crew');
});
