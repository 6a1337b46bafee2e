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
  // charter: checklists and the audit log (helper D).  :id is a user's id here, so the
  // template edit and the answer reach their function and stop there (404 template_not_found,
  // 400 invalid_item_id for the literal ":item"); the analysis without ?item= is 400 item_required.
  ['GET',    '/api/checklist-templates',    null,                                                          [401, 403, 403, 200, 200]],
  ['POST',   '/api/checklist-templates',    () => ({ name: `Matrix ${freshEmail('t')}`, phase: 'post', active: false }), [401, 403, 403, 403, 201]],
  ['PATCH',  '/api/checklist-templates/:id', { name: 'Matrix' },                                              [401, 403, 403, 403, 404]],
  ['PUT',    '/api/events/:id/checklist/:item', { value: true },                                              [401, 403, 400, 400, 400]],
  ['GET',    '/api/checklists/analysis',    null,                                                          [401, 403, 403, 400, 400]],
  ['GET',    '/api/audit',                  null,                                                          [401, 403, 403, 403, 200]],
  // end charter: checklists and the audit log (helper D)
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
  const routes = [...src.matchAll(/ngx_http_scc_route(?:_local)?\(NGX_HTTP_([A-Z]+),\s*"([^"]+)"/g)]
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

// One table of roles in C (ngx_http_scc_role.c: name → rank, the rank the
// JWT code, auth and the route table compare) and one rank function in SQL
// (scc.role_rank, which scc.require_role compares): they must agree on every
// role, and know the same roles, or a route and its function would disagree
// on who may call it.  Fails when either side changes alone.
test('the module\'s role table and the SQL\'s scc.role_rank() agree on every role', async () => {
  const dir = path.join(ROOT, 'ngx_scc_module');
  const h = fs.readFileSync(path.join(dir, 'ngx_http_scc_role.h'), 'utf8');
  const c = fs.readFileSync(path.join(dir, 'ngx_http_scc_role.c'), 'utf8');
  const rank = Object.fromEntries([...h.matchAll(/^#define (NGX_HTTP_SCC_ROLE_[A-Z]+)\s+(\d+)\s*$/gm)]
    .map((m) => [m[1], Number(m[2])]));
  const table = c.slice(c.indexOf('ngx_http_scc_roles[] = {'), c.indexOf('};', c.indexOf('ngx_http_scc_roles[] = {')));
  const inC = Object.fromEntries([...table.matchAll(/\{ ngx_string\("([a-z_]+)"\), (NGX_HTTP_SCC_ROLE_[A-Z]+) \}/g)]
    .map((m) => {
      assert.ok(m[2] in rank, `${m[2]} has no #define in ngx_http_scc_role.h`);
      return [m[1], rank[m[2]]];
    }));
  assert.ok(Object.keys(inC).length >= 4, `could not read the role table: ${JSON.stringify(inC)}`);

  const stack = await sharedStack();
  // the SQL's own list: every "when 'name' then n" of the function's body
  const def = await stack.psql("select pg_get_functiondef('scc.role_rank(text)'::regprocedure)");
  const inSql = Object.fromEntries([...def.matchAll(/when\s+'([a-z_]+)'\s+then\s+(\d+)/g)].map((m) => [m[1], Number(m[2])]));
  assert.deepEqual(inSql, inC, 'scc.role_rank() and ngx_http_scc_roles[] list different roles or ranks');

  // and what the function answers, for each name and for no role at all
  for (const [name, r] of Object.entries(inC)) {
    assert.equal(Number(await stack.psql(`select scc.role_rank('${name}')`)), r, name);
  }
  assert.equal(Number(await stack.psql("select scc.role_rank('nobody')")), rank.NGX_HTTP_SCC_ROLE_NONE);
});
