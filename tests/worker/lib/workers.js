// workers.js — start and watch real `scc-worker run` processes against a
// dedicated stack (tests/api/lib/stack.js, started with noWorker so the
// test owns every worker).  See tests/README.md, "Worker tests".
//
//   const s = await startStack({ noWorker: true });
//   const w = spawnWorker(s, { poll_interval: 0.5 });  // config keys
//   await w.waitForLog(/outcome=done/);                // bounded wait
//   await w.stop();                                     // SIGTERM, resolves { code, signal }
//
// This file must never fake the worker or the database, and never leave a
// process running: every worker it spawns is killed at process exit.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WORKER, ROOT } from '../../api/lib/stack.js';

const live = new Set();
process.on('exit', () => {
  for (const w of live) { try { w.child.kill('SIGKILL'); } catch { /* exiting */ } }
});

export function sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }

/** Poll fn() until it returns a truthy value (resolved), or throw after ms. */
export async function waitFor(fn, { ms = 15000, every = 100, what = 'condition' } = {}) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(every);
  }
}

let seq = 0;
/**
 * Start `scc-worker run` on stack s with config keys `conf` (written to a
 * temp config file) and extra args.  Returns a handle:
 *   log()               stderr so far
 *   lines(re)           log lines matching re
 *   waitForLog(re, ms)  resolves when a line matches
 *   exited              promise of { code, signal }
 *   stop(sig)           send sig (SIGTERM) and await exit
 *   kill9()             SIGKILL and await exit
 */
export function spawnWorker(s, conf = {}, args = []) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scc-worker-test-'));
  const file = path.join(dir, `worker${++seq}.conf`);
  fs.writeFileSync(file, Object.entries(conf).map(([k, v]) => `${k} = ${v}\n`).join(''));
  const child = spawn(WORKER, ['run', '--config', file, ...args], {
    cwd: ROOT, env: { ...process.env, ...s.env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  child.stdout.on('data', (d) => { err += d; });
  const h = {
    child,
    pid: child.pid,
    exited: new Promise((resolve) => child.on('exit', (code, signal) => {
      live.delete(h);
      fs.rmSync(dir, { recursive: true, force: true });
      resolve({ code, signal });
    })),
    log: () => err,
    lines: (re) => err.split('\n').filter((l) => re.test(l)),
    waitForLog: (re, ms = 15000) => waitFor(() => re.test(err), { ms, what: `worker log ${re}` }),
    async stop(sig = 'SIGTERM') {
      child.kill(sig);
      const t = setTimeout(() => child.kill('SIGKILL'), 30000);
      const r = await h.exited;
      clearTimeout(t);
      return r;
    },
    kill9() { return h.stop('SIGKILL'); },
  };
  live.add(h);
  return h;
}

/** Job ids of log lines `job kind=K id=N ... outcome=O`, as numbers. */
export function jobIds(lines) {
  return lines.map((l) => Number(/ id=(\d+) /.exec(l)[1]));
}
