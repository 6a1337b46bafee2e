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

// The defaults live in ngx_http_scc_defaults.h, used by the merge; the
// module's README quotes them in its directive table.  Fails when the two
// disagree (a default changed on one side only).
test('the README\'s directive table quotes the defaults of ngx_http_scc_defaults.h', () => {
  const dir = path.join(ROOT, 'ngx_scc_module');
  const h = fs.readFileSync(path.join(dir, 'ngx_http_scc_defaults.h'), 'utf8');
  const def = Object.fromEntries([...h.matchAll(/^#define NGX_HTTP_SCC_(\w+)\s+(\d+)/gm)].map((m) => [m[1], Number(m[2])]));
  const readme = fs.readFileSync(path.join(dir, 'README.md'), 'utf8');
  const row = (name) => {
    const m = new RegExp(`^\\| \`${name}(?:\\\\\\||[^|])*\\| ([^|]+) \\| ([^|]+)\\|`, 'm').exec(readme);
    assert.ok(m, `no row for ${name} in the README's directive table`);
    return { value: m[1].trim(), meaning: m[2] };
  };
  const time = (v, unit) => {   // nginx's time syntax, in ms or s
    const m = /^(\d+)(ms|s|m|h|d)?$/.exec(v);
    assert.ok(m, `not a time: ${v}`);
    const ms = Number(m[1]) * { ms: 1, s: 1000, m: 60000, h: 3600000, d: 86400000 }[m[2] ?? 's'];
    return unit === 'ms' ? ms : ms / 1000;
  };
  const cases = [
    ['scc_pg_pool_size', 'DEFAULT_PG_POOL_SIZE', Number],
    ['scc_pg_pipeline', 'DEFAULT_PG_PIPELINE', Number],
    ['scc_pg_wait_timeout', 'DEFAULT_PG_WAIT_TIMEOUT', (v) => time(v, 'ms')],
    ['scc_pg_wait_queue', 'DEFAULT_PG_WAIT_QUEUE', Number],
    ['scc_pg_query_timeout', 'DEFAULT_PG_QUERY_TIMEOUT', (v) => time(v, 'ms')],
    ['scc_jwt_ttl', 'DEFAULT_JWT_TTL', (v) => time(v, 's')],
    ['scc_refresh_ttl', 'DEFAULT_REFRESH_TTL', (v) => time(v, 's')],
    ['scc_jwt_leeway', 'DEFAULT_JWT_LEEWAY', (v) => time(v, 's')],
    ['scc_jwt_cache', 'DEFAULT_JWT_CACHE', Number],
    ['scc_cookie_secure', 'DEFAULT_COOKIE_SECURE', (v) => ({ on: 1, off: 0 })[v]],
  ];
  for (const [name, macro, parse] of cases) {
    assert.ok(macro in def, `${macro} is not in ngx_http_scc_defaults.h`);
    assert.equal(parse(row(name).value), def[macro], `${name}: README ${row(name).value}, header ${def[macro]}`);
  }
  for (const [name, macro, low] of [['scc_pg_pool_size', 'PG_POOL_SIZE_MAX', 1],
    ['scc_pg_pipeline', 'PG_PIPELINE_MAX', 1], ['scc_jwt_cache', 'JWT_CACHE_MAX', 0]]) {
    assert.ok(row(name).meaning.includes(`${low}..${def[macro]}`), `${name}: the README's range is not ${low}..${def[macro]}`);
  }
});

test('the limits of ngx_http_scc_defaults.h are the ones nginx -t enforces', async () => {
  const h = fs.readFileSync(path.join(ROOT, 'ngx_scc_module/ngx_http_scc_defaults.h'), 'utf8');
  const max = (name) => Number(new RegExp(`^#define NGX_HTTP_SCC_${name}\\s+(\\d+)`, 'm').exec(h)[1]);
  for (const [directive, name] of [['scc_pg_pool_size', 'PG_POOL_SIZE_MAX'], ['scc_pg_pipeline', 'PG_PIPELINE_MAX'],
    ['scc_jwt_cache', 'JWT_CACHE_MAX']]) {
    const at = await nginxT({ [directive]: max(name) });
    assert.equal(at.code, 0, `${directive} ${max(name)}: ${at.out}`);
    const over = await nginxT({ [directive]: max(name) + 1 });
    assert.notEqual(over.code, 0, `${directive} ${max(name) + 1} accepted`);
    assert.match(over.out, new RegExp(`"${directive}" directive must be at most ${max(name)}`));
  }
});
