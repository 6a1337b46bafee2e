// module.test.js — a bare nginx with the real module, against the shared
// stack's real PostgreSQL, for what the stack's own nginx.conf cannot show:
//   - PGGSSENCMODE=require handed to the workers (nginx's `env` directive)
//     does not turn GSSAPI on: every connection forces gssencmode=disable,
//     since GSSAPI negotiation may ask a Kerberos KDC synchronously;
//   - with `error_log ... debug`, the handler's steps and the connection
//     set's state changes are traced.
// The nginx started here is stopped (by its pid) after the tests.

import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { ROOT, freePort, sharedStack } from './lib/stack.js';

const MODULE = path.join(ROOT, 'build/ngx_http_scc_module.so');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scc-module-'));
let nginx;
let port;

before(async () => {
  const stack = await sharedStack();
  port = await freePort();
  const secret = path.join(dir, 'jwt.key');
  fs.writeFileSync(secret, 'z'.repeat(48), { mode: 0o600 });
  fs.mkdirSync(path.join(dir, 'body'));
  const conf = path.join(dir, 'nginx.conf');
  fs.writeFileSync(conf, `
load_module ${MODULE};
${process.getuid() === 0 ? 'user root;' : ''}
daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log debug;
env PGGSSENCMODE=require;
events { }
http {
    access_log off;
    client_body_temp_path ${dir}/body;
    client_max_body_size 16k;
    client_body_buffer_size 16k;
    scc_pg "host=${stack.pgHost} dbname=scc user=scc_web";
    scc_pg_pool_size 1;
    scc_jwt_secret_file ${secret};
    scc_public_origin http://127.0.0.1:${port};
    server {
        listen 127.0.0.1:${port};
        location ^~ /api/ { scc_api; }
    }
}
`);
  nginx = spawn('/usr/sbin/nginx', ['-p', `${dir}/`, '-c', conf, '-e', `${dir}/error.log`],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  nginx.stderr.on('data', (d) => { err += d; });
  for (let i = 0; i < 100; i++) {
    if (nginx.exitCode !== null) throw new Error(`nginx exited: ${err}`);
    try { await fetch(`http://127.0.0.1:${port}/api/nope`); return; } catch { await sleep(100); }
  }
  throw new Error(`nginx did not listen: ${err}`);
});

after(async () => {
  if (nginx && nginx.exitCode === null) {
    const exited = new Promise((resolve) => nginx.once('exit', resolve));
    nginx.kill('SIGQUIT');
    const t = setTimeout(() => nginx.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(t);
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

function log() { return fs.readFileSync(path.join(dir, 'error.log'), 'utf8'); }

// The connection comes up in the background: health may first answer 503.
async function health() {
  let r;
  for (let i = 0; i < 50; i++) {
    r = await fetch(`http://127.0.0.1:${port}/api/health`);
    if (r.status === 200) return r;
    await sleep(100);
  }
  return r;
}

test('PGGSSENCMODE=require in the workers\' environment does not turn GSSAPI on', async () => {
  const r = await health();
  assert.equal(r.status, 200, `health answered ${r.status}; the log says:\n${log().split('\n').filter((l) => /GSSAPI|gss/i.test(l)).slice(-5).join('\n')}`);
  assert.doesNotMatch(log(), /GSSAPI encryption required/);
});

test('error_log debug traces the handler\'s steps and the connection set\'s states', async () => {
  assert.equal((await health()).status, 200);
  assert.equal((await fetch(`http://127.0.0.1:${port}/api/nope`)).status, 404);
  const l = log();
  for (const trace of [
    /scc pg #0: CLOSED -> CONNECTING/,
    /scc pg #0: CONNECTING -> READY/,
    /scc: route "\/api\/health" #0/,
    /scc: auth passed, no token/,
    /scc: query "scc_api\.health" on its way/,
    /scc pg #0: sent "scc_0"/,
    /scc pg #0: query done, 0 in flight/,
    /scc: no route for "\/api\/nope"/,
    /scc: error 404 "not_found"/,
  ]) {
    assert.match(l, trace);
  }
});
