// openapi.test.js — the API's OpenAPI 3.1 description (frontend/api/openapi.json,
// made by docs/api/openapi.mjs): every route of the module's table described
// and nothing else, the file current with its generator, valid by
// @seriousme/openapi-schema-validator, served by nginx at /api/openapi.json,
// and real answers of the stack (at least one per tag, errors included)
// valid against the schemas it gives for them, so the description cannot
// drift silently from what the API answers.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { ROOT, run, sharedStack } from './lib/stack.js';
import os from 'node:os';
import { api, freshEmail, inviteLink, signIn } from './lib/auth.js';

const DOC_FILE = path.join(ROOT, 'frontend/api/openapi.json');
const doc = JSON.parse(fs.readFileSync(DOC_FILE, 'utf8'));

/** The module's route table, read here on its own: "METHOD /path" rows. */
function tableRoutes() {
  const c = fs.readFileSync(path.join(ROOT, 'ngx_scc_module/ngx_http_scc_route.c'), 'utf8');
  return [...c.matchAll(/NGX_HTTP_(GET|POST|PUT|PATCH|DELETE),\s*"(\/api\/[^"]*)"/g)].map((m) => `${m[1]} ${m[2]}`);
}

/** The document's operations as "METHOD /path" with :params. */
function docRoutes() {
  const out = [];
  for (const [p, item] of Object.entries(doc.paths)) {
    for (const m of Object.keys(item)) out.push(`${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`);
  }
  return out;
}

describe('the OpenAPI description', () => {
  test('every route in the module\'s table is described, and only those', () => {
    const table = tableRoutes();
    assert.ok(table.length >= 60, `the route table parsed (${table.length} rows)`);
    const described = new Set(docRoutes());
    const missing = table.filter((r) => !described.has(r));
    assert.deepEqual(missing, [], `routes without a description: ${missing.join(', ')}`);
    const extra = [...described].filter((r) => !table.includes(r));
    assert.deepEqual(extra, [], `described routes that do not exist: ${extra.join(', ')}`);
  });

  test('the served file is what docs/api/openapi.mjs makes', async () => {
    const r = await run('node', [path.join(ROOT, 'docs/api/openapi.mjs'), '--check']);
    assert.equal(r.code, 0, r.stderr);
  });

  test('a real OpenAPI 3.1 validator accepts it', async () => {
    const v = new Validator();
    const res = await v.validate(doc);
    assert.equal(v.version, '3.1');
    assert.equal(res.valid, true, JSON.stringify(res.errors, null, 1));
  });

  test('every error code the document lists is one the SQL, the module or nginx\'s config answers', () => {
    const sources = [
      ...fs.readdirSync(path.join(ROOT, 'sql/migrations')).map((f) => path.join(ROOT, 'sql/migrations', f)),
      ...fs.readdirSync(path.join(ROOT, 'ngx_scc_module')).filter((f) => f.endsWith('.c')).map((f) => path.join(ROOT, 'ngx_scc_module', f)),
      path.join(ROOT, 'conf/nginx.dev.conf.in'),
    ].map((f) => fs.readFileSync(f, 'utf8')).join('\n');
    const unknown = [];
    for (const [p, item] of Object.entries(doc.paths)) {
      for (const [m, op] of Object.entries(item)) {
        for (const [status, r] of Object.entries(op.responses)) {
          for (const code of r['x-scc-codes'] ?? []) {
            if (!sources.includes(`'${code}'`) && !sources.includes(`"${code}"`)) unknown.push(`${m} ${p} ${status} ${code}`);
          }
        }
      }
    }
    assert.deepEqual(unknown, [], `codes nothing answers: ${unknown.join(', ')}`);
  });

  test('public routes say so, and the rest ask for a token', () => {
    for (const [p, item] of Object.entries(doc.paths)) {
      for (const [m, op] of Object.entries(item)) {
        const isPublic = op['x-scc-role'] === 'none';
        assert.equal(Array.isArray(op.security) && op.security.length === 0, isPublic, `${m} ${p}`);
        if (!isPublic) assert.ok(op.responses['401'] && op.responses['403'], `${m} ${p}: 401 and 403`);
      }
    }
  });
});

describe('served and true to the answers', () => {
  let stack, admin, ajv;
  before(async () => {
    stack = await sharedStack();
    admin = await signIn(stack, 'admin');
    ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema(doc, 'openapi.json');
  });

  /** Validate an answer against the document's schema for it. */
  function check(method, template, r) {
    const op = doc.paths[template]?.[method.toLowerCase()];
    assert.ok(op, `${method} ${template} is described`);
    let resp = op.responses[String(r.status)];
    assert.ok(resp, `${method} ${template}: status ${r.status} is described (${r.text.slice(0, 200)})`);
    if (resp.$ref) resp = doc.components.responses[resp.$ref.split('/').pop()];
    const media = (r.headers.get('content-type') ?? '').split(';')[0];
    assert.ok(resp.content?.[media], `${method} ${template} ${r.status}: ${media} is described`);
    if (media !== 'application/json') return;
    const pointer = resp === op.responses[String(r.status)]
      ? ['paths', template, method.toLowerCase(), 'responses', String(r.status), 'content', media, 'schema']
      : ['components', 'responses', `E${r.status}`, 'content', media, 'schema'];
    const ref = `openapi.json#/${pointer.map((s) => encodeURIComponent(s.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/')}`;
    const validate = ajv.getSchema(ref) ?? ajv.compile({ $ref: ref });
    assert.ok(validate(r.body), `${method} ${template} ${r.status}: ${ajv.errorsText(validate.errors)}\n${r.text.slice(0, 400)}`);
    if (r.status >= 400) {
      const codes = op.responses[String(r.status)]['x-scc-codes'];
      assert.ok(codes.includes(r.body.error.code), `${method} ${template} ${r.status}: code ${r.body.error.code} is listed (${codes})`);
    }
  }

  test('GET /api/openapi.json is the file, as application/json', async () => {
    const r = await stack.fetch('/api/openapi.json');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^application\/json/);
    assert.deepEqual(await r.json(), doc);
  });

  test('answers of every tag validate against the description', async () => {
    const as = (method, p, opts = {}) => api(stack, method, p, { token: admin.access, ...opts });
    const seen = new Set();
    const problems = [];
    const go = async (method, template, actual, opts) => {
      const r = opts?.anonymous ? await api(stack, method, actual, opts) : await as(method, actual, opts);
      if (process.env.OA_DUMP) fs.appendFileSync(process.env.OA_DUMP, `${method} ${actual} ${r.status}\n${r.text.slice(0, 1500)}\n\n`);
      try { check(method, template, r); } catch (e) { problems.push(e.message); }
      seen.add(doc.paths[template][method.toLowerCase()].tags[0]);
      return r;
    };
    await go('GET', '/api/health', '/api/health', { anonymous: true });
    await go('POST', '/api/auth/magic-link', '/api/auth/magic-link', { anonymous: true, body: { email: freshEmail('oa') } });
    await go('POST', '/api/auth/redeem', '/api/auth/redeem', { anonymous: true, body: { code: 'A'.repeat(22) } });
    await go('GET', '/api/me', '/api/me');
    await go('GET', '/api/me/profile', '/api/me/profile');
    await go('GET', '/api/users', '/api/users?limit=5');
    await go('GET', '/api/users/{id}', `/api/users/${admin.id}`);
    await go('GET', '/api/users/{id}', '/api/users/00000000-0000-0000-0000-000000000000');
    await go('GET', '/api/me/calendar', '/api/me/calendar');
    const boat = await go('POST', '/api/boats', '/api/boats', { body: { name: `OA ${Date.now()}`, port_name: 'Shelter Island',
      port_lat: 32.71, port_lon: -117.23, time_zone: 'America/Los_Angeles', guest_capacity: 6 } });
    await go('POST', '/api/boats', '/api/boats', { body: { name: 'x', colour: 'red' } });
    await go('GET', '/api/boats', '/api/boats');
    const dep = new Date(Date.now() + 7 * 86400e3);
    const ev = await go('POST', '/api/events', '/api/events', { body: { boat_id: boat.body.id, title: 'OpenAPI sail',
      departure_at: dep.toISOString(), return_at: new Date(dep.getTime() + 4 * 3600e3).toISOString(), state: 'scheduled' } });
    assert.equal(ev.status, 201, ev.text); assert.equal(boat.status, 201, boat.text);
    const id = ev.body.event.id;
    await go('GET', '/api/events', '/api/events');
    await go('GET', '/api/events/{id}', `/api/events/${id}`);
    await go('GET', '/api/events/{id}', '/api/events/00000000-0000-0000-0000-000000000000');
    await go('GET', '/api/events/{id}', '/api/events/999');
    await go('POST', '/api/events/{id}/roles/{role}/claim', `/api/events/${id}/roles/crew/claim`, { body: {} });
    await go('GET', '/api/events/{id}/party-links', `/api/events/${id}/party-links`);
    await go('GET', '/api/events/{id}/manifest', `/api/events/${id}/manifest`);
    await go('GET', '/api/checklist-templates', '/api/checklist-templates');
    await go('GET', '/api/audit', '/api/audit?limit=3');
    await go('GET', '/api/waiver-templates', '/api/waiver-templates');
    await go('GET', '/api/imports', '/api/imports?limit=2');
    await go('GET', '/api/reports', '/api/reports');
    await go('GET', '/api/report-runs', '/api/report-runs?limit=2');
    await go('GET', '/api/report-schedules', '/api/report-schedules');
    await go('POST', '/api/reports/{kind}/runs', '/api/reports/ceo/runs', { body: { period: 'not a period' } });
    await go('PATCH', '/api/me', '/api/me', { body: { notify_email: true } });
    const feed = await go('POST', '/api/me/calendar/reset', '/api/me/calendar/reset', { body: {} });
    await go('GET', '/api/calendar/{token}', feed.body.path, { anonymous: true });
    await go('GET', '/api/calendar/{token}', '/api/calendar/nothing-here', { anonymous: true });
    const link = await go('POST', '/api/events/{id}/party-links', `/api/events/${id}/party-links`,
      { body: { seats: 3, expires_at: new Date(Date.now() + 86400e3).toISOString() } });
    await go('GET', '/api/party/{token}', new URL(link.body.url, 'http://x').searchParams.get('t').replace(/^/, '/api/party/'), { anonymous: true });
    await go('POST', '/api/checklist-templates', '/api/checklist-templates',
      { body: { name: 'OA pre', phase: 'pre', items: [{ label: 'Fuel', kind: 'check' }] } });
    await go('PATCH', '/api/users/{id}', `/api/users/${admin.id}`, { body: { role: 'pirate' } });
    await go('GET', '/api/report-runs/{id}', '/api/report-runs/999999');
    await go('DELETE', '/api/report-schedules/{id}', '/api/report-schedules/999999');
    await go('POST', '/api/report-schedules', '/api/report-schedules',
      { body: { kind: 'ceo', cron: '0 7 1 * *', time_zone: 'Mars/Olympus', recipients: ['a@example.com'] } });
    await go('POST', '/api/events/{id}/transition', `/api/events/${id}/transition`, { body: { to: 'closed' } });
    await go('POST', '/api/imports', '/api/imports', { body: { kind: 'accounts', csv: 'entity,code\n' } });
    const sns = { Type: 'Notification', MessageId: `oa-${Date.now()}`, TopicArn: 'arn:aws:sns:us-east-1:1:ses', Message: '{}',
      Timestamp: new Date().toISOString(), SignatureVersion: '2', Signature: 'c2ln', SigningCertURL: 'https://127.0.0.1:1/cert.pem' }; // refused by the host pattern: never fetched
    const text = { 'content-type': 'text/plain; charset=UTF-8' };
    await go('POST', '/api/ses/sns', '/api/ses/sns', { anonymous: true, raw: JSON.stringify(sns), headers: text });
    await go('POST', '/api/ses/sns', '/api/ses/sns', { anonymous: true, raw: JSON.stringify({ ...sns, Signature: undefined }), headers: text });
    assert.deepEqual(problems, [], problems.join('\n\n'));
    const tags = new Set(doc.tags.map((t) => t.name));
    assert.deepEqual([...tags].filter((t) => !seen.has(t)), [], 'every tag has an answer checked');
  });

  test('the README\'s API-client example runs as written: redeem, Bearer, refresh', async () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const m = /<!-- api-client-example -->\n```sh\n([\s\S]*?)```\n<!-- end api-client-example -->/.exec(readme);
    assert.ok(m, 'the example block is in the README');
    const email = freshEmail('client');
    const { code } = await inviteLink(stack, email, 'crew');
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'scc-client-'));
    try {
      const r = await run('bash', ['-euo', 'pipefail', '-c', m[1]], { cwd, env: { ...process.env, SCC: stack.url, CODE: code } });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout.trim(), /(^|\n)crew$/, 'the refreshed token names the user\'s role');
      const tokens = JSON.parse(fs.readFileSync(path.join(cwd, 'tokens.json'), 'utf8'));
      assert.match(tokens.access_token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });
});
