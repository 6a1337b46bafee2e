// install.test.js — the Debian packages on this machine, end to end: `make
// deb` (conf/deb: dpkg-buildpackage, lintian), the units checked by
// systemd-analyze, `apt-get install` of both packages, `scc-worker migrate`
// and the worker from the installed paths as the packaged user, Debian's
// nginx loading the module through the packaged modules-enabled snippet
// with the shipped production config (TLS; its own pid, ports and logs)
// against a test database and serving the packaged web app, then `apt-get
// purge` and the machine as it was found.  See tests/README.md,
// "Deploy tests".
//
// This file must never touch the system's nginx service (it only runs
// `nginx -t` on the system's config, which starts nothing) nor remove a
// package it did not install: when either package is installed already, it
// fails at once and changes nothing — unless var/deploy-installed says an
// earlier run of this file installed them and died before purging (then
// they are purged first).

import test, { after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { startStack, freePort, run, ROOT } from '../api/lib/stack.js';
import { writeProdConf } from '../api/lib/prodconf.js';

const PACKAGES = ['libnginx-mod-http-scc', 'scc-worker'];
const NGINX = '/usr/sbin/nginx';
const SNIPPET = '/usr/share/nginx/modules-available/mod-http-scc.conf';
const LINK = '/etc/nginx/modules-enabled/50-mod-http-scc.conf';
const UNITS = '/lib/systemd/system';
// Everything the packages or their maintainer scripts create.
const LEFTOVERS = [
  '/usr/share/scc', '/etc/scc', '/var/lib/scc', '/var/log/scc', '/usr/bin/scc-worker',
  '/usr/lib/nginx/modules/ngx_http_scc_module.so', SNIPPET, LINK, `${LINK}.removed`,
  `${UNITS}/scc-worker.service`, `${UNITS}/scc-worker@.service`,
  '/etc/systemd/system/multi-user.target.wants/scc-worker.service',
  '/usr/share/man/man1/scc-worker.1.gz', '/usr/share/doc/scc-worker',
  '/usr/share/doc/libnginx-mod-http-scc', '/etc/logrotate.d/scc-worker',
];

// Written before apt-get install, removed after the purge.
const MARKER = path.join(ROOT, 'var/deploy-installed');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scc-deploy-'));
fs.chmodSync(tmp, 0o755);   // nginx's workers (www-data) and the scc user read in here
const apt = (args) => run('apt-get', ['-y', '-q', '-o', 'DPkg::Lock::Timeout=120', ...args],
  { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
const status = async (pkg) => (await run('dpkg-query', ['-W', '-f=${db:Status-Status}', pkg])).stdout;
const exists = (p) => { try { fs.lstatSync(p); return true; } catch { return false; } };

let debs = [];
let ready = false;       // the machine was clear: installing cannot replace anyone's package
let installed = false;
let stack = null;
let nginxConf = null;
const before = {};

after(async () => {
  if (nginxConf) await run(NGINX, ['-c', nginxConf, '-e', path.join(tmp, 'logs/error.log'), '-s', 'stop']);
  // a failed test still leaves no package behind
  if (installed && (await apt(['purge', ...PACKAGES])).code === 0) fs.rmSync(MARKER, { force: true });
  if (stack) await stack.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('the machine before: root, no SCC package installed, nothing of theirs on disk', async () => {
  assert.equal(process.getuid(), 0, 'the install test needs root (apt-get, dpkg)');
  if (fs.existsSync(MARKER)) {
    const r = await apt(['purge', ...PACKAGES]);   // ours, from a run that died
    assert.equal(r.code, 0, r.stderr + r.stdout);
    fs.rmSync(MARKER);
  }
  for (const p of PACKAGES) {
    assert.notEqual(await status(p), 'installed', `${p} is installed on this machine: the install test would remove it, so it stops here`);
  }
  for (const p of LEFTOVERS) assert.equal(exists(p), false, `${p} is there before the packages are`);
  before.modulesEnabled = fs.readdirSync('/etc/nginx/modules-enabled').sort();
  before.user = (await run('getent', ['passwd', 'scc'])).stdout;
  before.systemNginxT = (await run(NGINX, ['-t', '-q'])).code;
  ready = true;
});

test('make deb: both packages built with debhelper, lintian without error or warning', async () => {
  const r = await run('make', ['--no-print-directory', '-s', 'deb'], { cwd: ROOT });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  debs = r.stdout.trim().split('\n').filter((l) => l.endsWith('.deb'));
  assert.deepEqual(debs.map((d) => path.basename(d).split('_')[0]), PACKAGES);
  const lint = fs.readFileSync(path.join(ROOT, 'build/deb/lintian.txt'), 'utf8');
  assert.doesNotMatch(lint, /^[EW]: /m, lint);
  // The module depends on the exact nginx ABI it was built for, as Debian's own modules do.
  const dep = (await run('dpkg-deb', ['-f', debs[0], 'Depends'])).stdout;
  // The ABI the installed nginx provides (package nginx on Debian 12).
  const provides = (await run('dpkg-query', ['-W', '-f=${Provides}\n', 'nginx', 'nginx-core'])).stdout;
  const abi = provides.match(/nginx-abi-[\w.-]+/)?.[0];
  assert.ok(abi, `no installed nginx provides an nginx-abi: ${provides}`);
  assert.match(dep, new RegExp(`(^|, )${abi.replace(/[.]/g, '\\.')}(,|$)`), `Depends: ${dep}`);
});

test('apt-get install: the module enabled the Debian way, the worker with its user, files and units', async () => {
  assert.ok(ready, 'not installing: the machine was not as this test needs it (first test)');
  assert.equal(debs.length, 2, 'not installing: make deb did not give both packages');
  fs.mkdirSync(path.dirname(MARKER), { recursive: true });
  fs.writeFileSync(MARKER, `${debs.join('\n')}\n`);
  installed = true;
  const r = await apt(['install', '--no-install-recommends', ...debs]);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  for (const p of PACKAGES) assert.equal(await status(p), 'installed');
  assert.equal(fs.readlinkSync(LINK), SNIPPET);
  assert.equal(fs.readFileSync(SNIPPET, 'utf8'), 'load_module modules/ngx_http_scc_module.so;\n');
  const conffiles = fs.readFileSync('/var/lib/dpkg/info/scc-worker.conffiles', 'utf8');
  assert.deepEqual(conffiles.trim().split('\n').sort(), ['/etc/logrotate.d/scc-worker', '/etc/scc/worker.conf']);
  assert.ok(fs.existsSync('/usr/share/doc/scc-worker/README.Debian'), 'the units\' Documentation= exists');
  const conf = fs.readFileSync('/etc/scc/worker.conf', 'utf8');
  assert.match(conf, /^migrations_dir = \/usr\/share\/scc\/migrations$/m);
  assert.match(conf, /^templates_dir = \/usr\/share\/scc\/templates$/m);
  assert.doesNotMatch(conf, /^\s*(smtp_password|aws_access_key_id|aws_secret_access_key)\s*=/m, 'no secret in the shipped config');
  assert.deepEqual(fs.readdirSync('/usr/share/scc/migrations'), fs.readdirSync(path.join(ROOT, 'sql/migrations')).filter((f) => f.endsWith('.sql')));
  assert.ok(fs.existsSync('/usr/share/scc/templates/login_link.txt.mustache'));
  // The web app, with the samples its import page links to (a link in the tree, files here).
  for (const f of fs.readdirSync(path.join(ROOT, 'frontend'))) {
    if (f === 'README.md' || f === 'samples') continue;
    assert.ok(fs.existsSync(`/usr/share/scc/frontend/${f}`), `frontend/${f} installed`);
  }
  assert.ok(fs.statSync('/usr/share/scc/frontend/samples/import/journal.csv').isFile());
  const [, , uid, , , home, shell] = (await run('getent', ['passwd', 'scc'])).stdout.trim().split(':');
  assert.ok(Number(uid) < 1000, `scc is a system user (uid ${uid})`);
  assert.equal(home, '/var/lib/scc');
  assert.equal(shell, '/usr/sbin/nologin');
  const lib = fs.statSync('/var/lib/scc');
  assert.equal(lib.uid, Number(uid));
  assert.equal(lib.mode & 0o777, 0o750);
  // Not enabled, not started: the database has to be configured first.
  assert.equal(exists('/etc/systemd/system/multi-user.target.wants/scc-worker.service'), false);
});

test('systemd: verify passes and both units score at most 3.0 (systemd-analyze security --offline)', async () => {
  assert.ok(installed, 'the packages were not installed by this run');
  for (const unit of ['scc-worker.service', 'scc-worker@.service']) {
    const file = `${UNITS}/${unit}`;
    const v = await run('systemd-analyze', ['verify', file]);
    assert.equal(v.code, 0, `verify ${unit}: ${v.stderr}${v.stdout}`);
    const s = await run('systemd-analyze', ['security', '--offline=yes', '--no-pager', file]);
    const m = s.stdout.match(/Overall exposure level for \S+: (\d+\.\d)/);
    assert.ok(m, `no score for ${unit}: ${s.stderr}${s.stdout}`);
    assert.ok(Number(m[1]) <= 3.0, `${unit} scores ${m[1]}`);
    const text = fs.readFileSync(file, 'utf8');
    for (const line of ['User=scc', 'NoNewPrivileges=yes', 'ProtectSystem=strict', 'ProtectHome=yes',
      'PrivateTmp=yes', 'ReadWritePaths=/var/lib/scc /var/log/scc', 'Restart=on-failure',
      'ExecReload=/bin/kill -HUP $MAINPID']) {
      assert.ok(text.split('\n').includes(line), `${unit} has ${line}`);
    }
  }
});

test('scc-worker migrate from /usr/share/scc, then the worker as user scc sends through the outbox and runs a job', async () => {
  assert.ok(installed, 'the packages were not installed by this run');
  stack = await startStack({ noWorker: true });
  await stack.psql('create database scc_deploy owner scc_owner', { db: 'postgres' });
  const pg = (user) => `host=${stack.pgHost} dbname=scc_deploy user=${user}`;
  const mig = await run('/usr/bin/scc-worker', ['migrate', '--config', '/etc/scc/worker.conf'],
    { env: { ...process.env, SCC_PG: pg('scc_owner') } });
  assert.equal(mig.code, 0, mig.stderr);
  const applied = Number(await stack.psql('select count(*) from scc.schema_migrations', { db: 'scc_deploy' }));
  assert.equal(applied, fs.readdirSync('/usr/share/scc/migrations').length);

  // The shipped config with a sender: every path in it is the package's.
  const conf = path.join(tmp, 'worker.conf');
  fs.writeFileSync(conf, `${fs.readFileSync('/etc/scc/worker.conf', 'utf8')}sender = SCC <no-reply@scc.example>\n`
    + 'log_file = /var/log/scc/worker.log\n');
  fs.chmodSync(conf, 0o644);
  const asScc = (args) => run('runuser', ['-u', 'scc', '--', '/usr/bin/scc-worker', ...args, '--config', conf],
    { env: { ...process.env, SCC_PG: pg('scc_worker') }, cwd: '/' });
  const mail = await asScc(['send-test-email', 'ops@scc.example']);
  assert.equal(mail.code, 0, mail.stderr + mail.stdout);
  const emls = fs.readdirSync('/var/lib/scc/mail').filter((f) => f.endsWith('.eml'));
  assert.equal(emls.length, 1, 'one .eml in the packaged outbox');
  const eml = fs.readFileSync(path.join('/var/lib/scc/mail', emls[0]), 'utf8');
  assert.match(eml, /^To: ops@scc\.example\r?$/m);
  assert.equal(fs.statSync(path.join('/var/lib/scc/mail', emls[0])).uid, fs.statSync('/var/lib/scc').uid);

  const id = await stack.psql(`select scc.enqueue_job('noop', '{}')`, { db: 'scc_deploy' });
  const w = await asScc(['run', '--until-idle']);
  assert.equal(w.code, 0, w.stderr);
  // log_file in the packaged log folder, written by the scc user
  const log = fs.readFileSync('/var/log/scc/worker.log', 'utf8');
  assert.match(log, new RegExp(`info job: kind=noop id=${id} attempt=1/\\d+ outcome=done`));
  const st = fs.statSync('/var/log/scc/worker.log');
  assert.equal(st.uid, fs.statSync('/var/lib/scc').uid);
  assert.equal(st.mode & 0o777, 0o640);
  assert.equal(await stack.psql(`select state from scc.jobs where id = ${Number(id)}`, { db: 'scc_deploy' }), 'done');
});

test('Debian nginx loads the module through modules-enabled with the shipped production config, serves TLS and the packaged web app', async () => {
  assert.ok(installed, 'the packages were not installed by this run');
  // The system's own config still loads with the module enabled (nothing is started).
  if (before.systemNginxT === 0) {
    const t = await run(NGINX, ['-t', '-q']);
    assert.equal(t.code, 0, `the system's nginx.conf no longer loads: ${t.stderr}`);
  }
  const secret = path.join(tmp, 'jwt.key');
  fs.writeFileSync(secret, Buffer.from(Array.from({ length: 48 }, (_, i) => (i * 37 + 11) & 0xff)).toString('base64'), { mode: 0o600 });
  const cert = path.join(tmp, 'cert.pem');
  const certKey = path.join(tmp, 'key.pem');
  const o = await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256',
    '-nodes', '-keyout', certKey, '-out', cert, '-days', '2', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1']);
  assert.equal(o.code, 0, o.stderr);
  const ca = fs.readFileSync(cert);
  const httpsPort = await freePort();
  const httpPort = await freePort();
  // conf/nginx.prod.conf.example as shipped, its site values and written
  // paths in our folder (tests/api/lib/prodconf.js), `include
  // /etc/nginx/modules-enabled/*.conf` kept (module: null) and the root the
  // package's /usr/share/scc/frontend.  No -p: the snippet's relative
  // `modules/ngx_http_scc_module.so` resolves against Debian's own prefix,
  // as it does for the system's nginx.
  nginxConf = writeProdConf({
    dir: tmp, httpsPort, httpPort, pgHost: stack.pgHost, jwtKey: secret, cert, certKey,
    module: null, frontend: '/usr/share/scc/frontend',
  });
  assert.match(fs.readFileSync(nginxConf, 'utf8'), /^include \/etc\/nginx\/modules-enabled\/\*\.conf;$/m);
  const args = ['-c', nginxConf, '-e', path.join(tmp, 'logs/error.log')];
  const t = await run(NGINX, ['-t', ...args]);
  assert.equal(t.code, 0, t.stderr);
  const s = await run(NGINX, args);
  assert.equal(s.code, 0, s.stderr);
  const get = (p) => new Promise((resolve, reject) => {
    const req = https.get({ host: '127.0.0.1', port: httpsPort, servername: 'localhost', ca, path: p, agent: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => { text += d; });
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text }));
      });
    req.on('error', reject);
  });
  let health;
  for (let i = 0; i < 50 && !health; i++) {
    try { health = await get('/api/health'); } catch { await new Promise((r) => setTimeout(r, 100)); }
  }
  assert.ok(health, 'nginx answered over TLS');
  assert.equal(health.status, 200, health.text);
  const body = JSON.parse(health.text);
  const latest = fs.readdirSync('/usr/share/scc/migrations').sort().pop().split('_')[0];
  assert.equal(String(body.schema_version).padStart(3, '0'), latest, health.text);
  const me = await get('/api/me');
  assert.equal(me.status, 401);
  assert.match(me.headers['www-authenticate'], /^Bearer realm="scc"/);
  // The packaged web app, and an import sample its page links to.
  const index = await get('/');
  assert.equal(index.status, 200);
  assert.equal(index.text, fs.readFileSync('/usr/share/scc/frontend/index.html', 'utf8'));
  const sample = await get('/samples/import/journal.csv');
  assert.equal(sample.status, 200);
  assert.equal(sample.text, fs.readFileSync(path.join(ROOT, 'samples/import/journal.csv'), 'utf8'));
  // The API's description, packaged with the web app.
  const openapi = await get('/api/openapi.json');
  assert.equal(openapi.status, 200);
  assert.equal(openapi.text, fs.readFileSync(path.join(ROOT, 'frontend/api/openapi.json'), 'utf8'));
  const q = await run(NGINX, [...args, '-s', 'quit']);
  assert.equal(q.code, 0, q.stderr);
  for (let i = 0; i < 50 && fs.existsSync(path.join(tmp, 'nginx.pid')); i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal(fs.existsSync(path.join(tmp, 'nginx.pid')), false, 'our nginx stopped');
  nginxConf = null;
});

test('apt-get purge: the machine as it was found (the scc system user is kept, as Debian keeps them)', async () => {
  assert.ok(installed, 'the packages were not installed by this run');
  const r = await apt(['purge', ...PACKAGES]);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  installed = false;
  fs.rmSync(MARKER);
  for (const p of PACKAGES) assert.notEqual(await status(p), 'installed');
  for (const p of LEFTOVERS) assert.equal(exists(p), false, `${p} is left after purge`);
  assert.deepEqual(fs.readdirSync('/etc/nginx/modules-enabled').sort(), before.modulesEnabled);
  if (before.systemNginxT === 0) assert.equal((await run(NGINX, ['-t', '-q'])).code, 0);
  const user = (await run('getent', ['passwd', 'scc'])).stdout;
  if (before.user) assert.equal(user, before.user);
  else assert.match(user, /^scc:x:\d+:\d+:SCC worker,*:\/var\/lib\/scc:\/usr\/sbin\/nologin$/m, 'kept, documented in debian/README.Debian');
});
