// tests/bench/email.mjs — `make bench`'s email figure: `scc-worker run
// --until-idle` sending N queued 'email' jobs through the ses transport
// (SigV4 signing, MIME, outbox rows, rate limit off) to
//   1. aws-ses-v2-local, the SES emulator from npm, with one process and
//      then with two side by side (a worker sends one message at a time,
//      so a second process overlaps its work with the emulator's), and
//   2. a minimal local HTTP endpoint answering 200 {"MessageId"} at once,
// so the figure says whether the worker or the emulator is the bottleneck.
// Prints `emu`, `emu2` and `min` lines (emails a second) on stdout.
//
// Usage (from tests/bench/run, with a stack's env exported):
//   node tests/bench/email.mjs N
// Must never send anything but to 127.0.0.1, and leaves nothing running.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sesLocalModule from 'aws-ses-v2-local';

const sesLocal = sesLocalModule.default ?? sesLocalModule;
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const N = Number(process.argv[2] || 5000);

const freePort = () => new Promise((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});
const psql = (sql) => execFileSync('psql', ['-X', '-q', '-tA', '-v', 'ON_ERROR_STOP=1', '-h', process.env.PGHOST,
  '-U', 'postgres', '-d', 'scc', '-c', sql], { encoding: 'utf8' }).trim();

async function runOnce(endpoint, workers = 1) {
  psql(`delete from scc.jobs where kind = 'email'; truncate scc.email_outbox;
        insert into scc.jobs (kind, payload)
        select 'email', jsonb_build_object('template', 'login_link', 'to', 'bench' || g || '@example.com',
                                           'data', jsonb_build_object('name', 'Bench ' || g, 'expires_minutes', 15),
                                           'code', 'benchcode' || g)
          from generate_series(1, ${N}) as g`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scc-bench-email-'));
  const conf = path.join(dir, 'worker.conf');
  fs.writeFileSync(conf, [
    'transport = ses', `ses_endpoint = ${endpoint}`, 'region = us-east-1',
    'sender = SCC <noreply@scc.example>', 'public_url = http://127.0.0.1:8080',
    'batch_size = 100', 'send_rate = 0', '',
  ].join('\n'));
  const env = { ...process.env, AWS_ACCESS_KEY_ID: 'AKIDBENCH', AWS_SECRET_ACCESS_KEY: 'bench-secret' };
  // The worker runs in a child while this process serves HTTP: async spawn.
  // `workers` processes side by side (SKIP LOCKED shares the jobs out); the
  // time is until the last one has drained the queue and exited.
  const t0 = process.hrtime.bigint();
  const codes = await Promise.all(Array.from({ length: workers }, (_, i) => new Promise((resolve) => {
    const log = fs.openSync(path.join(dir, `worker-${i}.log`), 'w');
    const child = (await_spawn)(path.join(ROOT, 'build/scc-worker'), ['run', '--until-idle', '--config', conf],
      { cwd: ROOT, env, stdio: ['ignore', 'ignore', log] });
    child.on('exit', (c) => { fs.closeSync(log); resolve(c); });
  })));
  const code = codes.find((c) => c !== 0) ?? 0;
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const sent = Number(psql(`select count(*) from scc.email_outbox where status = 'sent'`));
  if (code !== 0 || sent !== N) {
    process.stderr.write(fs.readFileSync(path.join(dir, 'worker-0.log'), 'utf8').split('\n').slice(-20).join('\n'));
    throw new Error(`bench: worker exit ${code}, ${sent} of ${N} emails sent`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return N / secs;
}

import { spawn as await_spawn } from 'node:child_process';

const emuPort = await freePort();
const emu = await sesLocal({ host: '127.0.0.1', port: emuPort });
let n = 0;
const min = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(`{"MessageId":"bench-${++n}"}`);
  });
});
const minPort = await freePort();
await new Promise((r) => min.listen(minPort, '127.0.0.1', r));
try {
  const e = await runOnce(`http://127.0.0.1:${emuPort}`);
  console.log(`emu ${e.toFixed(0)}`);
  const e2 = await runOnce(`http://127.0.0.1:${emuPort}`, 2);
  console.log(`emu2 ${e2.toFixed(0)}`);
  const m = await runOnce(`http://127.0.0.1:${minPort}`);
  console.log(`min ${m.toFixed(0)}`);
} finally {
  emu.closeAllConnections?.(); emu.close();
  min.closeAllConnections(); min.close();
  psql(`delete from scc.jobs where kind = 'email'; truncate scc.email_outbox`);
}

