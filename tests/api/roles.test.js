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

import test, { before, after } from 'node:test';
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
  // charter: boats and events.  :id is a user's id here, so the
  // event and boat rows reach SQL as an unknown id (404) for every role the
  // route lets through; events.test.js holds the per-event matrix (the
  // event's captain, crew on it, a guest on it) with real events.
  ['GET',    '/api/boats',                  null,                                                          [401, 403, 200, 200, 200]],
  ['POST',   '/api/boats',                  () => ({ name: freshEmail('boat'), port_name: 'Matrix', port_lat: 32.7, port_lon: -117.2,
                                                     time_zone: 'America/Los_Angeles', guest_capacity: 4 }), [401, 403, 403, 403, 201]],
  ['PATCH',  '/api/boats/:id',              { active: true },                                              [401, 403, 403, 403, 404]],
  ['GET',    '/api/events',                 null,                                                          [401, 200, 200, 200, 200]],
  ['POST',   '/api/events',                 { title: 'matrix' },                                           [401, 403, 403, 400, 400]],
  ['GET',    '/api/events/:id',             null,                                                          [401, 404, 404, 404, 404]],
  ['PATCH',  '/api/events/:id',             { title: 'matrix' },                                           [401, 403, 404, 404, 404]],
  ['POST',   '/api/events/:id/transition',  { to: 'scheduled' },                                           [401, 403, 404, 404, 404]],
  ['POST',   '/api/events/:id/copy',        () => ({ departure_at: new Date(Date.now() + 3600e3).toISOString(),
                                                     return_at: new Date(Date.now() + 7200e3).toISOString() }), [401, 403, 403, 404, 404]],
  ['POST',   '/api/users/:id/disable',      { reason: 'role matrix' },                                     [401, 403, 403, 403, 200]],
  // charter: calendar and settings
  ['GET',    '/api/me/profile',             null,                                                          [401, 200, 200, 200, 200]],
  ['PATCH',  '/api/me',                     { notify_email: true },                                        [401, 200, 200, 200, 200]],
  ['GET',    '/api/me/calendar',            null,                                                          [401, 200, 200, 200, 200]],
  ['POST',   '/api/me/calendar/reset',      {},                                                            [401, 201, 201, 201, 201]],
  ['GET',    '/api/calendar/:token',        null,                                                          [404, 404, 404, 404, 404]],
  // charter: checklists and the audit log.  :id is a user's id here, so the
  // template edit and the answer reach their function and stop there (404 template_not_found,
  // 400 invalid_item_id for the literal ":item"); the analysis without ?item= is 400 item_required.
  ['GET',    '/api/checklist-templates',    null,                                                          [401, 403, 403, 200, 200]],
  ['POST',   '/api/checklist-templates',    () => ({ name: `Matrix ${freshEmail('t')}`, phase: 'post', active: false }), [401, 403, 403, 403, 201]],
  ['PATCH',  '/api/checklist-templates/:id', { name: 'Matrix' },                                              [401, 403, 403, 403, 404]],
  ['PUT',    '/api/events/:id/checklist/:item', { value: true },                                              [401, 403, 400, 400, 400]],
  ['GET',    '/api/checklists/analysis',    null,                                                          [401, 403, 403, 400, 400]],
  ['GET',    '/api/audit',                  null,                                                          [401, 403, 403, 403, 200]],
  // guests: designation, party links, holds (helper C).  :id is a user's id
  // here (404 event_not_found once through); the party token is the literal
  // ":token" (404 link_not_found for everyone: the routes are public); the
  // hold's :user_id is the literal (400 invalid_user_id for the admin).
  // guests.test.js holds the per-event rules with real events and links.
  ['POST',   '/api/events/:id/party-links', () => ({ seats: 2, expires_at: new Date(Date.now() + 86400e3).toISOString() }), [401, 403, 403, 404, 404]],
  ['GET',    '/api/events/:id/party-links', null,                                                          [401, 403, 403, 404, 404]],
  ['GET',    '/api/party/:token',           null,                                                          [404, 404, 404, 404, 404]],
  ['POST',   '/api/party/:token',           () => ({ name: 'Matrix', email: freshEmail('party') }),       [404, 404, 404, 404, 404]],
  ['POST',   '/api/events/:id/holds/:user_id/release', { reason: 'role matrix' },                          [401, 403, 403, 403, 400]],
];

/* waivers: templates, versions, an event's version (helper A) */
// :id is a user's id here, so the versions and PATCH rows reach their
// function and stop at 404 template_not_found, the event row at 404
// event_not_found.  The admin's POST makes a template of a boat of the
// matrix's own (never the global scope, which other files' events pin when
// they are scheduled); it is retired afterwards.
let waiverBoat;
const waiverBody = () => ({ name: 'Matrix waiver', boat_id: waiverBoat, title: 'Matrix', body: '# Matrix\n\nText.',
  intent_text: 'I agree', consent_text: 'I consent to electronic records', adult_text: 'I am 18 or older', validity: 'event' });
MATRIX.push(
  ['GET',    '/api/waiver-templates',       null,                                                          [401, 403, 403, 200, 200]],
  ['POST',   '/api/waiver-templates',       waiverBody,                                                    [401, 403, 403, 403, 201]],
  ['GET',    '/api/waiver-templates/:id/versions', null,                                                   [401, 403, 403, 404, 404]],
  ['PATCH',  '/api/waiver-templates/:id',   { active: false },                                             [401, 403, 403, 403, 404]],
  ['POST',   '/api/events/:id/waiver-version', { version_id: '00000000-0000-4000-8000-000000000000', reason: 'matrix' }, [401, 403, 403, 403, 404]],
);
/* waivers: issue 10's gaps (helper F) */
// :id is a user's id here: the admin's card stops at 404 event_not_found;
// the revoke's :link_id is the literal (400 invalid_link_id for the captain
// and the admin, before the event is looked up).  waiver_gaps.test.js holds
// the per-event rules (the event's captain, another captain, crew).
MATRIX.push(
  ['GET',    '/api/events/:id/waiver-version', null,                                                     [401, 403, 403, 403, 404]],
  ['POST',   '/api/events/:id/party-links/:link_id/revoke', { reason: 'role matrix' },                    [401, 403, 403, 400, 400]],
);
/* end waivers: issue 10's gaps (helper F) */
before(async () => {
  const s = await sharedStack();
  waiverBoat = await s.psql(`insert into scc.boats (name, port_name, port_lat, port_lon, time_zone, guest_capacity)
    values ('Matrix waiver boat ' || gen_random_uuid(), 'Matrix port', 32.7, -117.2, 'America/Los_Angeles', 4) returning id`);
});
after(async () => {
  if (!waiverBoat) return;
  const s = await sharedStack();
  await s.psql(`update scc.waiver_templates set active = false where boat_id = '${waiverBoat}';
                update scc.boats set active = false where id = '${waiverBoat}'`);
});

/* ledger: CSV import (helper K) */
// The admin's POST sends a file every row of which is wrong, so it reaches
// scc.import_run and is refused whole (422 import_refused): the matrix
// changes no ledger data.  imports.test.js holds the imports themselves.
const ledgerBadCsv = { kind: 'accounts', csv: 'entity,code,name,type\nno-such-entity,1000,Matrix,asset\n', filename: 'matrix.csv' };
MATRIX.push(
  ['POST',   '/api/imports',                ledgerBadCsv,                                                  [401, 403, 403, 403, 422]],
  ['GET',    '/api/imports',                null,                                                          [401, 403, 403, 403, 200]],
);
/* end ledger: CSV import (helper K) */
/* reports: routes and pages (helper J2) */
// :id is a user's id here, so the run and schedule rows reach their
// function and stop at 400 invalid_id (ids are numbers); :kind is the
// literal ":kind" (404 unknown_kind); the schedule POST names no report
// (400 kind_required): nothing is made on the shared stack.
// reports.test.js walks every route with real runs and schedules.
MATRIX.push(
  ['GET',    '/api/reports',                null,                                                          [401, 403, 403, 403, 200]],
  ['POST',   '/api/reports/:kind/runs',     { period: '2026-10' },                                         [401, 403, 403, 403, 404]],
  ['GET',    '/api/report-runs',            null,                                                          [401, 403, 403, 403, 200]],
  ['GET',    '/api/report-runs/:id',        null,                                                          [401, 403, 403, 403, 400]],
  ['GET',    '/api/report-runs/:id/html',   null,                                                          [401, 403, 403, 403, 400]],
  ['GET',    '/api/report-runs/:id/text',   null,                                                          [401, 403, 403, 403, 400]],
  ['GET',    '/api/report-runs/:id/csv',    null,                                                          [401, 403, 403, 403, 400]],
  ['GET',    '/api/report-schedules',       null,                                                          [401, 403, 403, 403, 200]],
  ['POST',   '/api/report-schedules',       { cron: '0 7 * * *', time_zone: 'UTC', recipients: ['matrix@test.example'] }, [401, 403, 403, 403, 400]],
  ['PATCH',  '/api/report-schedules/:id',   { enabled: false },                                            [401, 403, 403, 403, 400]],
  ['DELETE', '/api/report-schedules/:id',   null,                                                          [401, 403, 403, 403, 400]],
);
/* end reports: routes and pages (helper J2) */
/* ses: SNS bounces and complaints (helper Q4) */
// Public: every caller reaches scc_api.ses_sns, which refuses a message
// with no Type (400 invalid_type) and so queues nothing on the shared
// stack.  tests/worker/sns.test.js signs and delivers real messages.
MATRIX.push(
  ['POST',   '/api/ses/sns',                { Message: 'matrix' },                                         [400, 400, 400, 400, 400]],
);
/* end ses: SNS bounces and complaints (helper Q4) */

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

/* charter: the roster */
// Routes on an event: each row runs on a fresh scheduled event (made with
// SQL), prepared by its setup (places held by the matrix's own people; the
// captain of the matrix is the event's captain), each cell once.  The rows
// join MATRIX after the loop above registered its tests, so the route-table
// check sees them and the generic loop does not run them without an event.
const lit = (s) => `'${String(s).replace(/'/g, "''")}'`;
let rosterBoat;
async function rosterEvent() {
  rosterBoat ??= await stack.psql(`insert into scc.boats (name, port_name, port_lat, port_lon, time_zone, guest_capacity)
    values ('Matrix boat ' || gen_random_uuid(), 'Matrix port', 32.7, -117.2, 'America/Los_Angeles', 4) returning id`);
  const ev = await stack.psql(`insert into scc.events (boat_id, title, departure_at, return_at, time_zone, crew_min,
      crew_max, guest_max, state)
    values (${lit(rosterBoat)}, 'Matrix sail', now() + interval '3 days', now() + interval '3 days 3 hours',
            'America/Los_Angeles', 1, 10, 4, 'scheduled') returning id`);
  await stack.psql(`insert into scc.event_roles (event_id, user_id, role, state)
    values (${lit(ev)}, ${lit(who.captain.id)}, 'captain', 'confirmed')`);
  return ev;
}
async function holdCrew(ev, state) {
  for (const role of ['crew', 'admin']) {
    await stack.psql(`insert into scc.event_roles (event_id, user_id, role, state)
      values (${lit(ev)}, ${lit(who[role].id)}, 'crew', ${lit(state)})`);
  }
}
const freshCrew = async () => (await signIn(stack, 'crew')).id;
const ROSTER_MATRIX = [
  //  method  path                                   setup(ev)                    body(ev)                                                          anon guest crew captain admin
  ['POST', '/api/events/:id/roles/:role/claim',   null,                        null,                                                              [401, 403, 201, 409, 201]],
  ['POST', '/api/events/:id/roles/:role/release', (ev) => holdCrew(ev, 'confirmed'), null,                                                        [401, 404, 200, 404, 200]],
  ['POST', '/api/events/:id/roles/:role/accept',  (ev) => holdCrew(ev, 'designated'), null,                                                       [401, 404, 200, 404, 200]],
  ['POST', '/api/events/:id/designate',           null,                        async () => ({ role: 'crew', user_id: await freshCrew() }),        [401, 403, 403, 201, 201]],
  ['POST', '/api/events/:id/override',            null,                        async () => ({ action: 'add', user_id: await freshCrew(), role: 'crew', reason: 'matrix' }), [401, 403, 403, 403, 200]],
  ['GET',  '/api/events/:id/candidates',          null,                        null,                                                              [401, 403, 403, 200, 200]],
];
for (const [method, pattern, setup, body, expected] of ROSTER_MATRIX) {
  test(`${method} ${pattern} (on an event): ${ROLES.map((r, i) => `${r} ${expected[i]}`).join(', ')}`, async () => {
    const ev = await rosterEvent();
    await setup?.(ev);
    const got = [];
    for (const role of ROLES) {
      const p = pattern.replace(':id', ev).replace(':role', 'crew');
      const r = await api(stack, method, p, { token: who[role]?.access, body: body ? await body(ev) : undefined });
      got.push(r.status);
      if (r.status === 401) assert.equal(r.headers.get('www-authenticate'), 'Bearer realm="scc"');
      if (r.status === 403) assert.equal(r.body?.error?.code, 'insufficient_scope', `${role}: ${r.text}`);
    }
    assert.deepEqual(got, expected, `${method} ${pattern} as ${ROLES.join('/')}`);
  });
}
MATRIX.push(...ROSTER_MATRIX.map(([method, pattern, , , expected]) => [method, pattern, null, expected]));
/* waivers: the dock, manifest and check-in (helper D) */
// On a scheduled event departing in an hour (check-in open) where the
// matrix's captain is the captain and its crew and admin hold crew places:
// the event's captain and crew and admins work the dock, a guest account
// never reaches the function (the module's role), and the check-in row
// checks the captain in (no waiver hold for a captain).
async function dockEvent() {
  const ev = await rosterEvent();
  await stack.psql(`update scc.events set departure_at = now() + interval '1 hour',
      return_at = now() + interval '4 hours' where id = ${lit(ev)}`);
  await holdCrew(ev, 'confirmed');
  return ev;
}
const DOCK_MATRIX = [
  //  method  path                           body                                          anon guest crew captain admin
  ['GET',  '/api/events/:id/manifest',     null,                                           [401, 403, 200, 200, 200]],
  ['POST', '/api/events/:id/check-in',     () => ({ user_id: who.captain.id, status: 'checked_in' }), [401, 403, 200, 200, 200]],
];
for (const [method, pattern, body, expected] of DOCK_MATRIX) {
  test(`${method} ${pattern} (on an event): ${ROLES.map((r, i) => `${r} ${expected[i]}`).join(', ')}`, async () => {
    const ev = await dockEvent();
    const got = [];
    for (const role of ROLES) {
      const r = await api(stack, method, pattern.replace(':id', ev), { token: who[role]?.access, body: body?.() });
      got.push(r.status);
      if (r.status === 401) assert.equal(r.headers.get('www-authenticate'), 'Bearer realm="scc"');
      if (r.status === 403) assert.equal(r.body?.error?.code, 'insufficient_scope', `${role}: ${r.text}`);
    }
    assert.deepEqual(got, expected, `${method} ${pattern} as ${ROLES.join('/')}`);
  });
}
MATRIX.push(...DOCK_MATRIX.map(([method, pattern, , expected]) => [method, pattern, null, expected]));
/* end waivers: the dock (helper D) */
// the shared stack as it was: the matrix's events (their places and history cascade) and its boat
after(async () => {
  if (!rosterBoat) return;
  await stack.psql(`delete from scc.events where boat_id = ${lit(rosterBoat)}; delete from scc.boats where id = ${lit(rosterBoat)}`);
});

/* waivers: signing (helper B) */
// The waiver routes on an event of a boat with its own waiver template
// (scheduled, so the version is pinned), the matrix's captain its captain
// and the matrix's guest holding a guest place.  GET /api/waivers/:id reads a
// signature the guest made in the row's setup.  Signatures are immutable:
// these events stay on the shared stack (their boat is not the roster's).
const WAIVER_TEXT = 'Matrix waiver text';
let signBoat, waiverVersion, waiverSha;
async function signEvent() {
  if (!signBoat) {
    signBoat = await stack.psql(`insert into scc.boats (name, port_name, port_lat, port_lon, time_zone, guest_capacity)
      values ('Matrix waiver boat ' || gen_random_uuid(), 'Matrix port', 32.7, -117.2, 'America/Los_Angeles', 4) returning id`);
    const tpl = await stack.psql(`insert into scc.waiver_templates (name, boat_id) values ('Matrix', ${lit(signBoat)}) returning id`);
    waiverVersion = await stack.psql(`insert into scc.waiver_versions (template_id, version, title, body, body_sha256,
        intent_text, consent_text, adult_text, validity)
      values (${lit(tpl)}, 1, 'Matrix', ${lit(WAIVER_TEXT)}, encode(sha256(convert_to(${lit(WAIVER_TEXT)}, 'UTF8')), 'hex'),
              'I sign', 'Electronic is fine', 'I am 18', 'event') returning id`);
    waiverSha = await stack.psql(`select body_sha256 from scc.waiver_versions where id = ${lit(waiverVersion)}`);
  }
  const ev = await stack.psql(`insert into scc.events (boat_id, title, departure_at, return_at, time_zone, crew_min,
      crew_max, guest_max, state)
    values (${lit(signBoat)}, 'Matrix waiver sail', now() + interval '3 days', now() + interval '3 days 3 hours',
            'America/Los_Angeles', 0, 10, 4, 'scheduled') returning id`);
  await stack.psql(`insert into scc.event_roles (event_id, user_id, role, state) values
    (${lit(ev)}, ${lit(who.captain.id)}, 'captain', 'confirmed'), (${lit(ev)}, ${lit(who.guest.id)}, 'guest', 'confirmed')`);
  return ev;
}
const signBody = () => ({
  version_id: waiverVersion, body_sha256: waiverSha,
  legal_name: 'Matrix Guest', email: 'matrix@test.example', adult: true, intent: true, consent: true,
  emergency: { name: 'Someone', phone: '+1 619 555 0100', relationship: 'friend' },
});
const WAIVER_MATRIX = [
  //  method  path                       id(ev) → the :id of the request                          body                     anon guest crew captain admin
  ['GET',  '/api/events/:id/waiver', async (ev) => ev,                                              null,        [401, 200, 403, 200, 200]],
  ['POST', '/api/events/:id/waiver', async (ev) => ev,                                              signBody,  [401, 201, 403, 403, 403]],
  ['GET',  '/api/waivers/:id',       async (ev) => (await api(stack, 'POST', `/api/events/${ev}/waiver`,
                                       { token: who.guest.access, body: signBody() })).body.signature.id, null, [401, 200, 404, 200, 200]],
];
for (const [method, pattern, idOf, body, expected] of WAIVER_MATRIX) {
  test(`${method} ${pattern} (on an event with a waiver): ${ROLES.map((r, i) => `${r} ${expected[i]}`).join(', ')}`, async () => {
    const id = await idOf(await signEvent());
    assert.ok(id, 'the row\'s target exists');
    const got = [];
    for (const role of ROLES) {
      const r = await api(stack, method, pattern.replace(':id', id), { token: who[role]?.access, body: body ? body() : undefined });
      got.push(r.status);
      if (r.status === 401) assert.equal(r.headers.get('www-authenticate'), 'Bearer realm="scc"');
      if (r.status === 403) assert.equal(r.body?.error?.code, 'insufficient_scope', `${role}: ${r.text}`);
    }
    assert.deepEqual(got, expected, `${method} ${pattern} as ${ROLES.join('/')}`);
  });
}
MATRIX.push(...WAIVER_MATRIX.map(([method, pattern, , , expected]) => [method, pattern, null, expected]));
/* end waivers: signing (helper B) */
/* metrics (helper Q5) */
// /metrics (`scc_metrics`) is not an API route: no role opens it, the
// location's allow/deny decides.  From another address (127.0.0.2) every
// caller, whatever its token, gets nginx's 403; from this machine it answers
// without one.
test('q5: /metrics: 403 from another address for every role, 200 from this machine', async () => {
  const { request: q5Request } = await import('node:http');
  const q5Get = (token, localAddress) => new Promise((resolve, reject) => {
    const headers = token ? { authorization: `Bearer ${token}` } : {};
    q5Request(stack.urlFor('/metrics'), { headers, agent: false, localAddress }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    }).on('error', reject).end();
  });
  const q5Got = [];
  for (const role of ROLES) q5Got.push(await q5Get(who[role]?.access, '127.0.0.2'));
  assert.deepEqual(q5Got, [403, 403, 403, 403, 403], `from 127.0.0.2 as ${ROLES.join('/')}`);
  assert.equal(await q5Get(null, '127.0.0.1'), 200);
});
/* end metrics (helper Q5) */
