// auth.js — signing in from the API tests, the way real clients do: an
// invite link from `scc-worker invite` (or the magic-link mail job read from
// scc.jobs — the tests' window on the mailbox), redeemed over HTTP.
//
//   import { api, signIn, mailedCode, forgeToken } from './lib/auth.js';
//   const admin = await signIn(stack, 'admin');        // { id, email, role, access, refresh }
//   const r = await api(stack, 'GET', '/api/users', { token: admin.access });
//
// Nothing here reaches into the product other than through HTTP, the CLI,
// and superuser psql for what a test must observe or arrange (the mailbox,
// an expiry in the past).

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** One API call; resolves { status, headers, body (parsed or null), text }. */
export async function api(stack, method, p, { body, raw, token, cookie, headers = {}, origin, signal } = {}) {
  const h = { ...headers };
  let payload;
  if (raw !== undefined) {
    payload = raw;
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['content-type'] = 'application/json';
  }
  if (token) h.authorization = `Bearer ${token}`;
  if (cookie) h.cookie = cookie;
  if (origin) h.origin = origin;
  const res = await stack.fetch(p, { method, headers: h, body: payload, redirect: 'manual', signal });
  const text = await res.text();
  let parsed = null;
  try { parsed = text ? JSON.parse(text) : null; } catch { /* callers assert */ }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

/** A fresh address nobody else in this run uses. */
export function freshEmail(tag = 'user') {
  return `${tag}-${crypto.randomBytes(5).toString('hex')}@test.example`;
}

/** SQL string literal. */
export function lit(s) { return `'${String(s).replace(/'/g, "''")}'`; }

/**
 * The code of the newest email job to `email` (optionally of one template):
 * from the job's payload while it is queued, else — once the stack's worker
 * has sent it and scrubbed the code from the job — from the message itself,
 * DIR/mail/<time>-<outbox id>-*.eml (quoted-printable).  null when no such job.
 */
export async function mailedCode(stack, email, template, { timeoutMs = 15_000 } = {}) {
  const where = `kind = 'email' and lower(payload ->> 'to') = lower(${lit(email)})`
    + (template ? ` and payload ->> 'template' = ${lit(template)}` : '');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await stack.psql(
      `select id || '|' || coalesce(payload ->> 'code', '') from scc.jobs where ${where} order by id desc limit 1`);
    if (!row) return null;
    const [jobId, code] = row.split('|');
    if (code) return code;
    const outboxId = await stack.psql(`select id from scc.email_outbox where job_id = ${Number(jobId)}`)
      .catch(() => '');
    const dir = path.join(stack.dir, 'mail');
    const file = outboxId && fs.existsSync(dir)
      && fs.readdirSync(dir).find((f) => f.endsWith('.eml') && new RegExp(`^[0-9TZ]+-${outboxId}-`).test(f));
    if (file) {
      const text = fs.readFileSync(path.join(dir, file), 'utf8')
        .replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
      const m = /signin\.html\?code=([A-Za-z0-9_-]{22})/.exec(text);
      if (m) return m[1];
    }
    if (Date.now() > deadline) throw new Error(`email job ${jobId} to ${email}: no code in the job nor in the outbox`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The .eml (a Buffer) the stack's worker wrote for the newest sent
 * `template` job to `email`, waiting for it; the jobs' states in the error
 * when it never comes.
 */
export async function sentEml(stack, email, template, { timeoutMs = 15_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const outboxId = await stack.psql(`select o.id from scc.email_outbox as o join scc.jobs as j on j.id = o.job_id
        where o.status = 'sent' and lower(j.payload ->> 'to') = lower(${lit(email)})
          and j.payload ->> 'template' = ${lit(template)} order by o.id desc limit 1`);
    const dir = path.join(stack.dir, 'mail');
    const file = outboxId && fs.existsSync(dir)
      && fs.readdirSync(dir).find((f) => f.endsWith('.eml') && f.includes(`-${outboxId}-`));
    if (file) return fs.readFileSync(path.join(dir, file));
    if (Date.now() > deadline) {
      const jobs = await stack.psql(`select string_agg(j.state || ' ' || coalesce(j.last_error, ''), '; ')
          from scc.jobs as j where lower(j.payload ->> 'to') = lower(${lit(email)})`);
      throw new Error(`no sent ${template} mail to ${email} (jobs: ${jobs})`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** How many email jobs went to `email`. */
export async function mailCount(stack, email) {
  return Number(await stack.psql(
    `select count(*) from scc.jobs where kind = 'email' and lower(payload ->> 'to') = lower(${lit(email)})`));
}

/** `scc-worker invite`: the printed link and its code. */
export async function inviteLink(stack, email, role, { name, ttl } = {}) {
  const args = ['invite', '--role', role];
  if (name) args.push('--name', name);
  if (ttl) args.push('--ttl', ttl);
  args.push(email);
  const r = await stack.worker(args, { env: { SCC_PUBLIC_URL: stack.url } });
  if (r.code !== 0) throw new Error(`scc-worker invite failed (${r.code}): ${r.stderr}`);
  const link = r.stdout.trim();
  const code = new URL(link).searchParams.get('code');
  return { link, code };
}

/** Redeem a code as an API client (no Origin): { status, body, access, refresh, cookies }. */
export async function redeem(stack, code, init = {}) {
  const r = await api(stack, 'POST', '/api/auth/redeem', { body: { code }, ...init });
  return { ...r, access: r.body?.access_token, refresh: r.body?.refresh_token, cookies: setCookies(r.headers) };
}

/** A new user of `role`, signed in: { id, email, role, name, access, refresh }. */
export async function signIn(stack, role, { email = freshEmail(role), name } = {}) {
  const { code } = await inviteLink(stack, email, role, { name: name ?? `Test ${role}` });
  const r = await redeem(stack, code);
  if (r.status !== 200) throw new Error(`redeem for ${email} answered ${r.status}: ${r.text}`);
  return { id: r.body.user.id, email, role, name: r.body.user.name, access: r.access, refresh: r.refresh };
}

/** Set-Cookie headers as { name: { value, attrs } }. */
export function setCookies(headers) {
  const out = {};
  for (const line of headers.getSetCookie?.() ?? []) {
    const [pair, ...attrs] = line.split(';').map((s) => s.trim());
    const i = pair.indexOf('=');
    out[pair.slice(0, i)] = { value: pair.slice(i + 1), attrs: attrs.map((a) => a.toLowerCase()), line };
  }
  return out;
}

/** A Cookie header from setCookies() output (non-empty values only). */
export function cookieHeader(cookies) {
  return Object.entries(cookies).filter(([, c]) => c.value !== '')
    .map(([k, c]) => `${k}=${c.value}`).join('; ');
}

const b64u = (buf) => Buffer.from(buf).toString('base64url');

/**
 * An access token signed with the stack's own secret (DIR/secrets/jwt.key;
 * one trailing newline is not part of it), with `claims` over the defaults —
 * how a test makes an expired or otherwise doctored but well-signed token.
 */
export function forgeToken(stack, claims = {}, { header = {}, secret } = {}) {
  let key = secret ?? fs.readFileSync(path.join(stack.dir, 'secrets', 'jwt.key'));
  if (!secret && key.length && key[key.length - 1] === 0x0a) key = key.subarray(0, key.length - 1);
  const now = Math.floor(Date.now() / 1000);
  const h = b64u(JSON.stringify({ alg: 'HS256', typ: 'at+jwt', ...header }));
  const p = b64u(JSON.stringify({
    sub: crypto.randomUUID(), role: 'admin', iat: now, exp: now + 600,
    jti: b64u(crypto.randomBytes(16)), iss: 'scc', aud: 'scc', ...claims,
  }));
  const sig = crypto.createHmac('sha256', key).update(`${h}.${p}`).digest();
  return `${h}.${p}.${b64u(sig)}`;
}

/** Assert-free check of the error shape; returns a message or null. */
export function errorShapeProblem(r, status, code) {
  if (r.status !== status) return `status ${r.status}, wanted ${status}: ${r.text}`;
  if (!/^application\/json/.test(r.headers.get('content-type') ?? '')) return `content-type ${r.headers.get('content-type')}`;
  const e = r.body?.error;
  if (!e) return `no error object: ${r.text}`;
  if (code && e.code !== code) return `error.code ${e.code}, wanted ${code}`;
  if (typeof e.message !== 'string' || !e.message) return 'no error.message';
  if (!/^[0-9a-f]{32}$/.test(e.request_id ?? '')) return `bad request_id ${e.request_id}`;
  return null;
}

/** Assert that `r` is the error shape with this status (and code, if given). */
export function isError(r, status, code) {
  const problem = errorShapeProblem(r, status, code);
  assert.equal(problem, null, problem ?? '');
}
