// config.test.js — the module's directives are checked at `nginx -t`, with
// messages that name the problem.  Each case is a small nginx.conf loading
// the real module into Debian's real nginx; nothing is started.

import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { ROOT, run } from './lib/stack.js';

const MODULE = path.join(ROOT, 'build/ngx_http_scc_module.so');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scc-conf-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));

const secret = path.join(dir, 'jwt.key');
fs.writeFileSync(secret, 'x'.repeat(48), { mode: 0o600 });
const short = path.join(dir, 'short.key');
fs.writeFileSync(short, 'x'.repeat(31) + '\n', { mode: 0o600 });

const GOOD = {
  scc_pg: `"host=${dir} dbname=scc user=scc_web"`,
  scc_jwt_secret_file: secret,
  scc_public_origin: 'http://127.0.0.1:8080',
  client_max_body_size: '64k',
  client_body_buffer_size: '64k',
};

// Writes a conf with the given http-level directives (null drops one) and
// runs `nginx -t` on it; resolves { code, out }.
async function nginxT(http = {}, { api = true, loc = '' } = {}) {
  const lines = Object.entries({ ...GOOD, ...http })
    .filter(([, v]) => v !== null)
    .map(([k, v]) => `    ${k} ${v};`);
  const conf = path.join(dir, `nginx-${Math.random().toString(36).slice(2)}.conf`);
  fs.writeFileSync(conf, `
load_module ${MODULE};
pid ${dir}/nginx.pid;
error_log ${dir}/error.log;
events { }
http {
    access_log off;
    client_body_temp_path ${dir}/body;
${lines.join('\n')}
    server {
        listen 127.0.0.1:1;
        ${api ? `location /api/ { scc_api; ${loc} }` : ''}
    }
}
`);
  const r = await run('/usr/sbin/nginx', ['-t', '-q', '-p', `${dir}/`, '-c', conf, '-e', `${dir}/error.log`]);
  return { code: r.code, out: r.stdout + r.stderr };
}

test('a complete configuration passes nginx -t', async () => {
  const r = await nginxT();
  assert.equal(r.code, 0, r.out);
});

const refused = [
  ['a malformed conninfo', { scc_pg: '"host=/tmp dbname"' }, /invalid PostgreSQL conninfo/],
  ['an unknown conninfo keyword', { scc_pg: '"hots=/tmp"' }, /invalid PostgreSQL conninfo/],
  ['a host name (resolving it would block)', { scc_pg: '"host=db.example.com dbname=scc"' },
    /host "db\.example\.com" is a name.*would block nginx/],
  ['a conninfo service (it may name a host)', { scc_pg: '"service=scc"' }, /does not take "service"/],
  ['GSSAPI encryption preferred (a KDC may be asked synchronously)',
    { scc_pg: `"host=${dir} dbname=scc gssencmode=prefer"` }, /"scc_pg" takes only gssencmode=disable.*would block nginx/],
  ['GSSAPI encryption required', { scc_pg: `"host=${dir} dbname=scc gssencmode=require"` },
    /"scc_pg" takes only gssencmode=disable/],
  ['pool size 0', { scc_pg_pool_size: 0 }, /"scc_pg_pool_size" directive must be at least 1/],
  ['pool size too large', { scc_pg_pool_size: 5000 }, /"scc_pg_pool_size" directive must be at most 1024/],
  ['a pipeline of 0', { scc_pg_pipeline: 0 }, /"scc_pg_pipeline" directive must be at least 1/],
  ['a pipeline too deep', { scc_pg_pipeline: 65 }, /"scc_pg_pipeline" directive must be at most 64/],
  ['a wait timeout that is not a time', { scc_pg_wait_timeout: 'soon' }, /"scc_pg_wait_timeout" directive invalid value/],
  ['scc_api without scc_pg', { scc_pg: null }, /"scc_api" in .* needs "scc_pg" in the http block/],
  ['scc_api without a JWT secret', { scc_jwt_secret_file: null }, /needs "scc_jwt_secret_file"/],
  ['a JWT secret shorter than 32 bytes', { scc_jwt_secret_file: short }, /holds 31 bytes; it must hold between 32/],
  ['a missing JWT secret file', { scc_jwt_secret_file: path.join(dir, 'nope.key') }, /open\(\) ".*nope\.key" failed/],
  ['scc_api without a public origin', { scc_public_origin: null }, /needs "scc_public_origin"/],
  ['a public origin with a path', { scc_public_origin: 'https://scc.example/app' }, /must be scheme:\/\/host\[:port\]/],
  ['a public origin without a scheme', { scc_public_origin: 'scc.example' }, /must start with http:\/\/ or https:\/\//],
  ['an access ttl longer than the refresh ttl', { scc_jwt_ttl: '40d' }, /"scc_jwt_ttl" must be positive and shorter than "scc_refresh_ttl"/],
  ['a bad cookie flag', { scc_cookie_secure: 'maybe' }, /invalid value "maybe"/],
  ['a token cache size that is not a number', { scc_jwt_cache: 'lots' }, /"scc_jwt_cache" directive invalid number/],
  ['a token cache too large', { scc_jwt_cache: 100000 }, /"scc_jwt_cache" directive must be at most 65536/],
  ['a body buffer smaller than the largest body (it would go to a file)',
    { client_body_buffer_size: '16k' },
    /"scc_api" in .*:\d+ needs "client_body_buffer_size" \(16384\) at least as large as "client_max_body_size" \(65536.*would block nginx/],
  ['nginx\'s own body sizes (16k buffer, 1m bodies)', { client_body_buffer_size: null, client_max_body_size: null },
    /needs "client_body_buffer_size" \(\d+\) at least as large as "client_max_body_size" \(1048576/],
  ['no body size limit', { client_max_body_size: 0 }, /at least as large as "client_max_body_size" \(0, 0: no limit\)/],
  ['bodies always written to files', { client_body_in_file_only: 'on' }, /does not work with "client_body_in_file_only"/],
];

for (const [what, http, message] of refused) {
  test(`nginx -t refuses ${what}, saying why`, async () => {
    const r = await nginxT(http);
    assert.notEqual(r.code, 0, `accepted: ${JSON.stringify(http)}`);
    assert.match(r.out, message);
  });
}

test('a body size raised in the scc_api location itself is refused too', async () => {
  const r = await nginxT({}, { loc: 'client_max_body_size 1m;' });
  assert.notEqual(r.code, 0, r.out);
  assert.match(r.out, /needs "client_body_buffer_size" \(65536\) at least as large as "client_max_body_size" \(1048576/);
  const ok = await nginxT({}, { loc: 'client_max_body_size 1m; client_body_buffer_size 1m;' });
  assert.equal(ok.code, 0, ok.out);
});

test('gssencmode=disable is accepted (it is what the module uses anyway)', async () => {
  const r = await nginxT({ scc_pg: `"host=${dir} dbname=scc gssencmode=disable"` });
  assert.equal(r.code, 0, r.out);
});

test('a token cache of 0 (off) and of the maximum pass nginx -t', async () => {
  for (const n of [0, 65536]) {
    const r = await nginxT({ scc_jwt_cache: n });
    assert.equal(r.code, 0, `scc_jwt_cache ${n}: ${r.out}`);
  }
});

test('without scc_api anywhere, scc_pg alone is not required', async () => {
  const r = await nginxT({ scc_pg: null, scc_jwt_secret_file: null, scc_public_origin: null }, { api: false });
  assert.equal(r.code, 0, r.out);
});

test('a world-readable secret file is accepted with a warning', async () => {
  const open = path.join(dir, 'open.key');
  fs.writeFileSync(open, 'y'.repeat(40));
  fs.chmodSync(open, 0o644);
  const r = await nginxT({ scc_jwt_secret_file: open });
  assert.equal(r.code, 0, r.out);
  const log = fs.readFileSync(path.join(dir, 'error.log'), 'utf8');
  assert.match(r.out + log, /is readable by others; chmod 600 it/);
});
