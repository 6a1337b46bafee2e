// stack.js — the API tests' handle on a real SCC stack (PostgreSQL + nginx
// with the module), driven through conf/stack.  See tests/README.md.
//
//   import { startStack, sharedStack, freePort, ROOT } from './lib/stack.js';
//
//   const s = await startStack({ poolSize: 2, waitTimeout: '1s', waitQueue: 50 });
//   const res = await s.fetch('/api/health');     // global fetch against s.url
//   await s.pgStop(); await s.pgStart();          // PostgreSQL down / up, nginx untouched
//   await s.reload({ poolSize: 4 });               // regenerate nginx.conf, nginx -s reload
//   await s.psql('select 1');                      // superuser, one statement, rows as text
//   const db = await s.session();                  // a psql session kept open (locks!)
//   await db.query('begin; lock table scc.schema_migrations in access exclusive mode');
//   await db.close();
//   await s.stop();                                // down + delete the folder
//
// This file must never fake any part of the stack (no mocks: real nginx, real
// PostgreSQL) and never leave processes running: every stack it starts is
// destroyed on stop(), and at process exit if a test forgot.

import { execFile, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const STACK = path.join(ROOT, 'conf/stack');
export const WORKER = path.join(ROOT, 'build/scc-worker');

// Stacks this process started and has not stopped yet.
const live = new Set();

function cleanupSync() {
  for (const s of live) {
    try {
      execFileSync(STACK, [s.keep ? 'down' : 'destroy', '--dir', s.dir], { stdio: 'ignore' });
    } catch { /* best effort: we are exiting */ }
  }
  live.clear();
}
process.on('exit', cleanupSync);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(sig, () => { cleanupSync(); process.exit(130); });
}

/** Run a program; resolve { code, stdout, stderr } whatever the exit code. */
export function run(file, args, opts = {}) {
  return new Promise((resolve) => {
    execFile(file, args, { maxBuffer: 64 << 20, ...opts }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

async function stackCmd(args, opts) {
  const r = await run(STACK, args, opts);
  if (r.code !== 0) {
    throw new Error(`conf/stack ${args.join(' ')} failed (exit ${r.code}):\n${r.stderr}${r.stdout}`);
  }
  return r;
}

/** A TCP port that was free a moment ago on 127.0.0.1 (the kernel picked it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Parse a stack's env file (`export KEY='value'` lines) into an object. */
export function readEnv(dir) {
  const env = {};
  for (const line of fs.readFileSync(path.join(dir, 'env'), 'utf8').split('\n')) {
    const m = /^(?:export\s+)?([A-Z_][A-Z0-9_]*)='([^']*)'$/.exec(line.trim());
    if (m) env[m[1]] = m[2];
  }
  return env;
}

export class Stack {
  /** Use startStack() or sharedStack(); `owned` stacks are destroyed by stop(). */
  constructor(dir, { owned = false, keep = false } = {}) {
    this.dir = dir;
    this.owned = owned;
    this.keep = keep;
    this.env = readEnv(dir);
    this.url = this.env.SCC_URL;
    this.port = Number(this.env.SCC_PORT);
    /** unix socket directory of this stack's PostgreSQL */
    this.pgHost = this.env.PGHOST;
  }

  /** Absolute URL for a path on this stack. */
  urlFor(p) { return new URL(p, this.url).toString(); }

  /** fetch() against this stack: s.fetch('/api/health', { method: 'GET' }). */
  fetch(p, init) { return fetch(this.urlFor(p), init); }

  /** Stop PostgreSQL (mode fast by default: connections are cut). */
  async pgStop({ mode = 'fast' } = {}) { await stackCmd(['pg-stop', '--dir', this.dir, '--mode', mode]); }

  /** Start PostgreSQL again; resolves when it accepts connections. */
  async pgStart() { await stackCmd(['pg-start', '--dir', this.dir]); }

  /** Regenerate nginx.conf (optionally with new pool options) and `nginx -s reload`.
   *  Resolves once the signal is sent; old workers finish their requests. */
  async reload(opts = {}) { await stackCmd(['reload', '--dir', this.dir, ...stackOptions(opts)]); }

  /** The pid of the nginx master (or of the single valgrind'd process). */
  nginxPid() { return Number(fs.readFileSync(path.join(this.dir, 'nginx.pid'), 'utf8').trim()); }

  /**
   * Run SQL as the superuser on database scc (psql -tA, ON_ERROR_STOP).
   * Resolves with stdout (rows '|'-separated, one a line); rejects on error.
   * `user` runs it as another role instead (e.g. 'scc_web').
   */
  async psql(sql, { user = 'postgres', db = 'scc' } = {}) {
    const r = await run('psql', ['-X', '-q', '-tA', '-v', 'ON_ERROR_STOP=1',
      '-h', this.pgHost, '-U', user, '-d', db, '-c', sql]);
    if (r.code !== 0) throw new Error(`psql failed: ${r.stderr.trim()}`);
    return r.stdout.trim();
  }

  /**
   * A psql session kept open, so a test can hold locks or a transaction while
   * requests run: `await db.query(sql)` resolves when the statement finished
   * (with its output), `await db.close()` ends the session (and its locks).
   */
  async session({ user = 'postgres', db = 'scc' } = {}) {
    const child = spawn('psql', ['-X', '-q', '-tA', '-h', this.pgHost, '-U', user, '-d', db],
      { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '', err = '', n = 0, waiting = null;
    // Each query is followed by `\echo MARKER :ERROR`; psql prints the marker
    // and whether the last statement failed once the statement is done.
    child.stdout.on('data', (d) => {
      out += d;
      const m = waiting && new RegExp(`${waiting.marker} (true|false)\\n`).exec(out);
      if (!m) return;
      const before = out.slice(0, m.index);
      out = out.slice(m.index + m[0].length);
      const w = waiting; waiting = null;
      if (m[1] === 'false') { err = ''; w.resolve(before.trim()); return; }
      // stderr may arrive a moment after stdout: give it that moment.
      setTimeout(() => { const e = err; err = ''; w.reject(new Error(`psql: ${e.trim()}`)); }, 50);
    });
    child.stderr.on('data', (d) => { err += d; });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    return {
      query(sql) {
        return new Promise((resolve, reject) => {
          const marker = `__scc_done_${++n}__`;
          waiting = { marker, resolve, reject };
          child.stdin.write(`${sql.trim().replace(/;*$/, '')};\n\\echo ${marker} :ERROR\n`);
        });
      },
      async close() {
        child.stdin.end('\\q\n');
        const t = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(t);
      },
      pid: child.pid,
    };
  }

  /** Run build/scc-worker with this stack's environment (SCC_PG = worker role). */
  worker(args, { env = {} } = {}) {
    return run(WORKER, args, { cwd: ROOT, env: { ...process.env, ...this.env, ...env } });
  }

  /** Stop and delete (owned stacks); a shared stack is left running.
   *  Rejects when the stack ran under valgrind and valgrind reported errors. */
  async stop() {
    if (!this.owned) return;
    live.delete(this);
    if (this.keep) {
      await stackCmd(['down', '--dir', this.dir]);
      console.error(`# kept stack folder ${this.dir} (SCC_KEEP_STACKS)`);
    } else {
      await stackCmd(['destroy', '--dir', this.dir]);
    }
  }
}

function stackOptions({ poolSize, waitTimeout, waitQueue, workers, valgrind, noWorker, jwtCache, pipeline, cookieSecure } = {}) {
  const a = [];
  if (cookieSecure !== undefined) a.push('--cookie-secure', cookieSecure ? 'on' : 'off');
  if (pipeline !== undefined) a.push('--pipeline', String(pipeline));
  if (jwtCache !== undefined) a.push('--jwt-cache', String(jwtCache));
  if (noWorker) a.push('--no-worker');
  if (poolSize !== undefined) a.push('--pool-size', String(poolSize));
  if (waitTimeout !== undefined) a.push('--wait-timeout', String(waitTimeout));
  if (waitQueue !== undefined) a.push('--wait-queue', String(waitQueue));
  if (workers !== undefined) a.push('--workers', String(workers));
  if (valgrind) a.push('--valgrind');
  return a;
}

/**
 * Start a dedicated stack in a fresh temp folder on a free port.
 * opts: { poolSize, waitTimeout ('3s'), waitQueue, workers (nginx worker_processes),
 *         valgrind (bool; also on when env SCC_VALGRIND=1),
 *         noWorker (bool: no `scc-worker run` in the background; tests/worker start their own),
 *         jwtCache (scc_jwt_cache: verified tokens kept per nginx worker, 0 for none),
 *         pipeline (scc_pg_pipeline: queries in flight per connection),
 *         cookieSecure (scc_cookie_secure: true for Secure, prefixed cookies; off by default) }.
 * The folder is under $SCC_STACKS_DIR or the OS temp dir; SCC_KEEP_STACKS=1
 * keeps it after stop() for post-mortems.
 */
export async function startStack(opts = {}) {
  const base = process.env.SCC_STACKS_DIR || os.tmpdir();
  fs.mkdirSync(base, { recursive: true });
  const valgrind = opts.valgrind ?? process.env.SCC_VALGRIND === '1';
  let lastErr;
  // A port found free can be taken before nginx binds it: try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    const dir = fs.mkdtempSync(path.join(base, 'scc-stack-'));
    fs.chmodSync(dir, 0o755); // the postgres user must reach the cluster inside
    const port = await freePort();
    const placeholder = { dir, keep: false };
    live.add(placeholder); // cleaned at exit even if up fails half-way
    try {
      await stackCmd(['up', '--dir', dir, '--port', String(port), ...stackOptions({ ...opts, valgrind })]);
      live.delete(placeholder);
      const s = new Stack(dir, { owned: true, keep: process.env.SCC_KEEP_STACKS === '1' });
      live.add(s);
      return s;
    } catch (err) {
      lastErr = err;
      live.delete(placeholder);
      await run(STACK, ['destroy', '--dir', dir]);
      if (!/Address already in use/.test(err.message)) break;
    }
  }
  throw lastErr;
}

let shared = null;
/**
 * The stack `make test` started for this run (env SCC_DIR), shared by every
 * test file that does not disturb it.  When a file runs alone (node --test
 * tests/api/x.test.js) there is none, so one is started for this process and
 * destroyed when it exits.  Tests using it must leave it as they found it.
 */
export function sharedStack() {
  if (!shared) {
    shared = process.env.SCC_DIR
      ? Promise.resolve(new Stack(process.env.SCC_DIR))
      : startStack();
  }
  return shared;
}
