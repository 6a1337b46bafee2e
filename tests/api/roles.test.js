// roles.test.js — the role matrix: every route × anonymous, guest, crew,
// captain, admin, with the status each must get.  The matrix is a TABLE:
// a new route adds a row here, and the test below refuses to pass while a
// route of the module's table (ngx_scc_module/ngx_http_scc_route.c) has no
// row, so no route ships without its access rules written down.
//
// Each row: [method, path, body (or a function of the fixtures), expected
// statuses for anon, guest, crew, captain, admin].  Rows run in order, each
// cell once with a fresh request; rows that change things (disable) come last
// and work on fixtures of their own.

import test, { before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { ROOT, sharedStack } from './lib/stack.js';
import { api, freshEmail, signIn } from './lib/auth.js';

const ROLES = ['anon', 'guest', 'crew', 'captain', 'admin'];

// f: the fixtures ({ victim: {id}, ... }), built in before().
const MATRIX = [
  //  method   path                          body                                                        anon guest crew captain admin
  ['GET',    '/api/health',                 null,                                                          [200, 200, 200, 200, 200]],
  ['GET',    '/api/me',                     null,                                                          [401, 200, 200, 200, 200]],
  ['POST',   '/api/auth/magic-link',        () => ({ email: freshEmail('matrix') }),                       [202, 202, 202, 202, 202]],
  ['POST',   '/api/auth/link',              { code: 'AAAAAAAAAAAAAAAAAAAAAA' },                            [401, 401, 401, 401, 401]],
  ['POST',   '/api/auth/redeem',            { code: 'AAAAAAAAAAAAAAAAAAAAAA' },                            [401, 401, 401, 401, 401]],
  ['POST',   '/api/auth/refresh',           {},                                                            [401, 401, 401, 401, 401]],
  ['POST',   '/api/auth/logout',            {},                                                            [204, 204, 204, 204, 204]],
  ['POST',   '/api/invites',                () => ({ email: freshEmail('matrix'), role: 'guest' }),        [401, 403, 403, 201, 201]],
  ['GET',    '/api/users',                  null,                                                          [401, 403, 403, 403, 200]],
  ['GET',    '/api/users/:id',              null,                                                          [401, 403, 403, 403, 200]],
  ['PATCH',  '/api/users/:id',              { role: 'crew' },                                              [401, 403, 403, 403, 200]],
  ['POST',   '/api/users/:id/disable',      { reason: 'role matrix' },                                     [401, 403, 403, 403, 200]],
];

let stack;
const who = {};
let victim;
before(async () => {
  stack = await sharedStack();
  who.anon = null;
  for (const role of ROLES.slice(1)) who[role] = await signIn(stack, role);
  victim = await signIn(stack, 'guest');
});

test('every route of the module has a row in the role matrix', () => {
  const src = fs.readFileSync(path.join(ROOT, 'ngx_scc_module/ngx_http_scc_route.c'), 'utf8');
  const routes = [...src.matchAll(/ngx_http_scc_route\(NGX_HTTP_([A-Z]+),\s*"([^"]+)"/g)]
    .map((m) => `${m[1]} ${m[2]}`);
  assert.ok(routes.length >= 10, `found the route table (${routes.length} routes)`);
  const rows = MATRIX.map(([m, p]) => `${m} ${p}`);
  assert.deepEqual(routes.filter((r) => !rows.includes(r)), [], 'routes without a row');
  assert.deepEqual(rows.filter((r) => !routes.includes(r)), [], 'rows without a route');
});

for (const [method, pattern, body, expected] of MATRIX) {
  test(`${method} ${pattern}: ${ROLES.map((r, i) => `${r} ${expected[i]}`).join(', ')}`, async () => {
    const got = [];
    for (const role of ROLES) {
      const p = pattern.replace(':id', victim.id);
      const b = typeof body === 'function' ? body() : body ?? undefined;
      const r = await api(stack, method, p, { token: who[role]?.access, body: b });
      got.push(r.status);
      if (r.status === 401 && role === 'anon' && !pattern.startsWith('/api/auth') && pattern !== '/api/health') {
        assert.equal(r.headers.get('www-authenticate'), 'Bearer realm="scc"');
      }
      if (r.status === 403) assert.equal(r.body?.error?.code, 'insufficient_scope', `${role}: ${r.text}`);
    }
    assert.deepEqual(got, expected, `${method} ${pattern} as ${ROLES.join('/')}`);
  });
}
