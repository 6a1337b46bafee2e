// prod_config.test.js — conf/nginx.prod.conf.example, the file operators
// copy, loaded by the real nginx with our module and served: `nginx -t`, TLS
// with a certificate made here, HTTP/2, the redirect from http, security
// headers on pages, API answers and errors, the caching rules with their
// 304s, limit_req on sign-in and on the public routes in the API's error
// shape, real_ip (an address set by the trusted proxy reaches the audit log;
// one forged from elsewhere does not), and the JSON access log read back
// (user, role, request id; no secret from a URL).  Only the values
// tests/api/lib/prodconf.js lists differ from the shipped file.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import path from 'node:path';
import { freePort, run, startStack } from './lib/stack.js';
import { isError, lit, signIn } from './lib/auth.js';
import { writeProdConf } from './lib/prodconf.js';

const NGINX = process.env.SCC_NGINX || '/usr/sbin/nginx';

let stack, dir, conf, ca, httpsPort, httpPort, nginxArgs;

/** One HTTPS/1.1 request; opts: { method, headers, body, localAddress }. */
function request(p, { method = 'GET', headers = {}, body, localAddress } = {}) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body));
    const req = https.request({
      host: '127.0.0.1', port: httpsPort, servername: 'localhost', ca, path: p, method, localAddress,
      agent: false,
      headers: { ...(data !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => {
        let json;
        try { json = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: res.statusCode, headers: new Headers(res.headers), text, body: json });
      });
    });
    req.on('error', reject);
    req.end(data);
  });
}

async function waitForPort(port) {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise((resolve) => {
      const r = http.get({ host: '127.0.0.1', port, path: '/' }, (res) => { res.resume(); resolve(true); });
      r.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nginx did not listen on ${port}`);
}

function accessLog() {
  return fs.readFileSync(path.join(dir, 'logs/access.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
}

before(async () => {
  stack = await startStack({ noWorker: true });
  dir = path.join(stack.dir, 'prod');
  fs.mkdirSync(dir, { recursive: true });
  const cert = path.join(dir, 'cert.pem'), certKey = path.join(dir, 'key.pem');
  const o = await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256',
    '-nodes', '-keyout', certKey, '-out', cert, '-days', '2', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1']);
  assert.equal(o.code, 0, o.stderr);
  ca = fs.readFileSync(cert);
  httpsPort = await freePort();
  httpPort = await freePort();
  conf = writeProdConf({
    dir, httpsPort, httpPort, pgHost: stack.pgHost, cert, certKey,
    jwtKey: path.join(stack.dir, 'secrets/jwt.key'),
  });
  nginxArgs = ['-p', `${dir}/`, '-c', conf, '-e', path.join(dir, 'logs/error.log')];
});

after(async () => {
  if (fs.existsSync(path.join(dir ?? '/nonexistent', 'nginx.pid'))) {
    await run(NGINX, [...nginxArgs, '-s', 'quit']);
    for (let i = 0; i < 100 && fs.existsSync(path.join(dir, 'nginx.pid')); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  await stack?.stop();
});

describe('the production config', () => {
  test('nginx -t accepts it, and nginx starts with it', async () => {
    const t = await run(NGINX, ['-t', ...nginxArgs]);
    assert.equal(t.code, 0, t.stderr);
    assert.match(t.stderr, /syntax is ok/);
    const r = await run(NGINX, nginxArgs);
    assert.equal(r.code, 0, r.stderr);
    await waitForPort(httpPort);
  });

  test('TLS with HTTP/2: the API answers over h2 with the test certificate', async () => {
    const session = http2.connect(`https://localhost:${httpsPort}`, { ca });
    try {
      const res = await new Promise((resolve, reject) => {
        const s = session.request({ ':path': '/api/health', ':method': 'GET' });
        let text = '', headers;
        s.setEncoding('utf8');
        s.on('response', (h) => { headers = h; });
        s.on('data', (d) => { text += d; });
        s.on('end', () => resolve({ headers, text }));
        s.on('error', reject);
        s.end();
      });
      assert.equal(session.alpnProtocol, 'h2');
      assert.ok(['TLSv1.2', 'TLSv1.3'].includes(session.socket.getProtocol()), session.socket.getProtocol());
      assert.equal(res.headers[':status'], 200);
      assert.equal(JSON.parse(res.text).status, 'ok');
    } finally {
      session.close();
    }
  });

  test('TLS 1.1 is refused', async () => {
    await assert.rejects(new Promise((resolve, reject) => {
      const req = https.request({ host: '127.0.0.1', port: httpsPort, servername: 'localhost', ca, agent: false,
        path: '/', minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1' }, resolve);
      req.on('error', reject);
      req.end();
    }));
  });

  test('plain http is sent to https, but for the ACME challenge', async () => {
    const res = await new Promise((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: httpPort, path: '/events.html?x=1', headers: { host: 'localhost' } },
        (r) => { r.resume(); resolve(r); }).on('error', reject);
    });
    assert.equal(res.statusCode, 301);
    assert.equal(res.headers.location, 'https://localhost/events.html?x=1');
    // ... except Let's Encrypt's challenge, served from its webroot.
    fs.mkdirSync(path.join(dir, 'acme/.well-known/acme-challenge'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'acme/.well-known/acme-challenge/tok3n'), 'tok3n.thumbprint');
    const acme = await new Promise((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: httpPort, path: '/.well-known/acme-challenge/tok3n' }, (r) => {
        let text = '';
        r.on('data', (d) => { text += d; });
        r.on('end', () => resolve({ status: r.statusCode, type: r.headers['content-type'], text }));
      }).on('error', reject);
    });
    assert.deepEqual(acme, { status: 200, type: 'text/plain', text: 'tok3n.thumbprint' });
  });

  const SECURITY = {
    'strict-transport-security': 'max-age=31536000; includeSubDomains',
    'content-security-policy': "default-src 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'; form-action 'self'",
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
  };

  test('security headers on a page, a module, an API answer, an API error, a 404 page and a report run\'s HTML', async () => {
    for (const p of ['/', '/shell.js', '/api/health', '/api/events', '/nope.html']) {
      const r = await request(p, { headers: { 'x-forwarded-for': '192.0.2.1' } });
      for (const [name, value] of Object.entries(SECURITY)) {
        assert.equal(r.headers.get(name), value, `${p} (${r.status}): ${name}`);
      }
      assert.equal(r.headers.get('server'), 'nginx', `${p}: no version in Server`);
    }
    // A report run's HTML (framed by the admin's page): its own policy, the
    // others repeated (a location with add_header loses the server's).
    const report = await request('/api/report-runs/1/html');
    assert.equal(report.status, 401);
    const sandboxed = { ...SECURITY, 'x-frame-options': 'SAMEORIGIN',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox" };
    for (const [name, value] of Object.entries(sandboxed)) {
      assert.equal(report.headers.get(name), value, `report run html: ${name}`);
    }
  });

  test('caching: pages, modules and styles revalidate every time; icons live 30 days; both answer 304', async () => {
    for (const p of ['/index.html', '/shell.js', '/style.css']) {
      const r = await request(p);
      assert.equal(r.status, 200, p);
      assert.equal(r.headers.get('cache-control'), 'no-cache', p);
      const etag = r.headers.get('etag');
      assert.ok(etag && r.headers.get('last-modified'), `${p}: ETag and Last-Modified`);
      const again = await request(p, { headers: { 'if-none-match': etag } });
      assert.equal(again.status, 304, p);
      assert.equal(again.text, '', p);
    }
    const icon = await request('/favicon.svg');
    assert.equal(icon.status, 200);
    assert.equal(icon.headers.get('content-type'), 'image/svg+xml');
    assert.equal(icon.headers.get('cache-control'), 'max-age=2592000');
    const since = await request('/favicon.svg', { headers: { 'if-modified-since': icon.headers.get('last-modified') } });
    assert.equal(since.status, 304);
    const api = await request('/api/health');
    assert.equal(api.headers.get('cache-control'), 'no-store', 'API answers keep the module\'s no-store');
  });

  test('the operator locations: the API description, and metrics for this machine only', async () => {
    const doc = await request('/api/openapi.json');
    assert.equal(doc.status, 200);
    assert.match(doc.headers.get('content-type'), /^application\/json/);
    assert.equal(doc.body.openapi, '3.1.0');
    assert.equal(doc.headers.get('cache-control'), 'no-cache');
    const local = await request('/metrics');
    assert.equal(local.status, 200);
    assert.match(local.text, /^# HELP scc_http_requests_total /m);
    const other = await request('/metrics', { localAddress: '127.0.0.2' });
    assert.equal(other.status, 403, 'another address');
    const forwarded = await request('/metrics', { headers: { 'x-forwarded-for': '198.51.100.60' } });
    assert.equal(forwarded.status, 403, 'behind the proxy, the client\'s address is judged');
  });

  // Each test below speaks for its own client address through the trusted
  // proxy (127.0.0.1 sets X-Forwarded-For), so their limits never meet.
  test('limit_req: a burst of sign-in attempts gets 429s in the API error shape', async () => {
    const started = Date.now();
    const all = await Promise.all(Array.from({ length: 40 }, () =>
      request('/api/auth/redeem', { method: 'POST', body: { code: 'A'.repeat(22) },
        headers: { 'x-forwarded-for': '198.51.100.40' } })));
    const counts = {};
    for (const r of all) counts[r.status] = (counts[r.status] ?? 0) + 1;
    // burst 20 + the one the rate allows, + one more each 2 s (30 r/m) the
    // burst took on a slow machine: no more than that reach PostgreSQL.
    const allowed = 21 + Math.floor((Date.now() - started) / 2000);
    assert.ok(counts[401] >= 1 && counts[401] <= allowed, `${JSON.stringify(counts)}, at most ${allowed}`);
    assert.equal(counts[401] + counts[429], 40, JSON.stringify(counts));
    isError(all.find((r) => r.status === 429), 429, 'too_many_requests');
    const other = await request('/api/auth/redeem', { method: 'POST', body: { code: 'A'.repeat(22) },
      headers: { 'x-forwarded-for': '198.51.100.41' } });
    assert.equal(other.status, 401, 'another client address is not held back');
  });

  test('limit_req: the public routes that reach the database are held too', async () => {
    for (const p of ['/api/health', '/api/calendar/not-a-token', '/api/party/not-a-token']) {
      const all = await Promise.all(Array.from({ length: 40 }, () =>
        request(p, { headers: { 'x-forwarded-for': '198.51.100.50' } })));
      const limited = all.filter((r) => r.status === 429);
      assert.ok(limited.length >= 10, `${p}: ${limited.length} of 40 limited`);
      isError(limited[0], 429, 'too_many_requests');
    }
    // SNS's route: a wider burst (SNS delivers from few addresses), still held.
    const sns = await Promise.all(Array.from({ length: 150 }, () =>
      request('/api/ses/sns', { method: 'POST', body: { Type: 'Notification' }, headers: { 'x-forwarded-for': '198.51.100.52' } })));
    const snsLimited = sns.filter((r) => r.status === 429);
    assert.ok(snsLimited.length >= 10 && snsLimited.length <= 49, `/api/ses/sns: ${snsLimited.length} of 150 limited`);
    assert.deepEqual([...new Set(sns.filter((r) => r.status !== 429).map((r) => r.status))], [400], 'the rest reached the route');
    const signedIn = await signIn(stack, 'crew');
    const all = await Promise.all(Array.from({ length: 40 }, () =>
      request('/api/me', { headers: { authorization: `Bearer ${signedIn.access}`, 'x-forwarded-for': '198.51.100.51' } })));
    assert.deepEqual([...new Set(all.map((r) => r.status))], [200], 'a signed-in route is not limited per address');
  });

  test('real_ip: the trusted proxy\'s client address reaches the audit log; a forged one does not', async () => {
    const viaProxy = await request('/api/auth/redeem', { method: 'POST', body: { code: 'B'.repeat(22) },
      headers: { 'x-forwarded-for': '203.0.113.7' } });
    isError(viaProxy, 401);
    const forged = await request('/api/auth/redeem', { method: 'POST', body: { code: 'C'.repeat(22) },
      headers: { 'x-forwarded-for': '203.0.113.8' }, localAddress: '127.0.0.2' });
    isError(forged, 401);
    const ip = (r) => stack.psql(`select string_agg(host(ip), ',') from scc.audit_log
                                   where request_id = ${lit(r.body.error.request_id)}`);
    assert.equal(await ip(viaProxy), '203.0.113.7', 'the address the trusted proxy gave');
    assert.equal(await ip(forged), '127.0.0.2', 'the connection\'s own address, not the forged header');
  });

  test('the JSON access log: one object a line with the user, role and request id, and no secret', async () => {
    const u = await signIn(stack, 'captain');
    const me = await request('/api/me', { headers: { authorization: `Bearer ${u.access}`, 'x-forwarded-for': '203.0.113.20' } });
    assert.equal(me.status, 200);
    const miss = await request('/api/events/999999999', { headers: { authorization: `Bearer ${u.access}` } });
    const secret = 'Zq9sECRETcodeVALUE0000';
    await request(`/signin.html?code=${secret}`);
    await request(`/api/calendar/${secret}`, { headers: { 'x-forwarded-for': '203.0.113.21' } });
    await new Promise((r) => setTimeout(r, 100)); // the log is written after the answer
    const lines = accessLog();
    const line = lines.find((l) => l.path === '/api/me' && l.user_id === u.id);
    assert.ok(line, 'the /api/me line names the user');
    assert.equal(line.role, 'captain');
    assert.equal(line.remote_addr, '203.0.113.20');
    assert.equal(line.status, 200);
    assert.equal(line.protocol, 'HTTP/1.1');
    assert.match(line.request_id, /^[0-9a-f]{32}$/);
    assert.equal(typeof line.request_time, 'number');
    const missLine = lines.find((l) => l.request_id === miss.body.error.request_id);
    assert.ok(missLine, 'an error body\'s request_id finds its log line');
    assert.equal(missLine.status, miss.status);
    const anonymous = lines.find((l) => l.path === '/api/health');
    assert.equal(anonymous.user_id, '', 'no token: an empty user');
    assert.equal(anonymous.role, '');
    assert.ok(lines.some((l) => l.path === '/signin.html'), 'the page is logged without its query');
    assert.ok(lines.some((l) => l.path === '/api/calendar/:token'), 'a feed\'s token is replaced');
    const raw = fs.readFileSync(path.join(dir, 'logs/access.log'), 'utf8');
    assert.ok(!raw.includes(secret), 'no secret from a URL in the log');
  });
});
