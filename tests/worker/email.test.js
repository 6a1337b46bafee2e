// email.test.js — the 'email' job kind and `scc-worker send-test-email`
// against real peers: the aws-ses-v2-local SES emulator (npm) and small
// local HTTP servers that answer like SES does when it throttles, fails,
// refuses, pauses the account, or never answers.  Real scc-worker
// processes, a real PostgreSQL; nothing of ours is mocked.
//
// One dedicated stack without its background worker; each test starts the
// workers it needs.  Traffic stays on 127.0.0.1.

import test, { before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import sesLocalModule from 'aws-ses-v2-local';
import { startStack, freePort } from '../api/lib/stack.js';
import { spawnWorker, waitFor } from './lib/workers.js';
import { smtpServer } from './lib/smtp.js';

const sesLocal = sesLocalModule.default ?? sesLocalModule;

// Fake credentials for the emulator and the local servers (never real ones).
const KEY_ID = 'AKIDSCCTEST';
const SECRET = 'scc-test-secret-never-logged-0123456789';
process.env.AWS_ACCESS_KEY_ID = KEY_ID;
process.env.AWS_SECRET_ACCESS_KEY = SECRET;
delete process.env.AWS_SESSION_TOKEN;
delete process.env.AWS_REGION;
delete process.env.AWS_DEFAULT_REGION;

let s, ses, sesUrl;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scc-email-test-'));

before(async () => {
  s = await startStack({ noWorker: true });
  const port = await freePort();
  ses = await sesLocal({ host: '127.0.0.1', port });
  sesUrl = `http://127.0.0.1:${port}`;
});
after(async () => {
  if (ses) await new Promise((r) => { ses.closeAllConnections?.(); ses.close(r); });
  if (s) await s.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});
beforeEach(async () => {
  await s.psql('truncate scc.jobs; truncate scc.email_outbox; truncate scc.email_suppressions');
  await fetch(`${sesUrl}/clear-store`, { method: 'POST' });
});

const q = (sql) => s.psql(sql);
const lit = (v) => `'${String(v).replace(/'/g, "''")}'`;

async function enqueue(payload, maxAttempts = 5) {
  return Number(await q(`select scc.enqueue_job('email', ${lit(JSON.stringify(payload))}::jsonb,
                                               now(), 0, null, ${maxAttempts})`));
}
async function job(id) {
  const [state, attempts, err, payload] = (await q(
    `select state, attempts, coalesce(last_error, ''), payload::text from scc.jobs where id = ${id}`)).split('|');
  return { state, attempts: Number(attempts), err, payload: JSON.parse(payload) };
}
async function outbox(jobId) {
  const r = await q(`select id, status, attempts, coalesce(provider_message_id, ''), coalesce(last_error, ''),
                            array_to_string(recipients, ','), array_to_string(bcc, ','), subject, transport
                       from scc.email_outbox where job_id = ${jobId}`);
  if (!r) return null;
  const [id, status, attempts, pid, err, to, bcc, subject, transport] = r.split('|');
  return { id: Number(id), status, attempts: Number(attempts), pid, err, to, bcc, subject, transport };
}
const waitJob = (id, states = ['done', 'dead'], ms = 20000) =>
  waitFor(async () => { const j = await job(id); return states.includes(j.state) && j; },
    { ms, what: `job ${id} in ${states}` });

/** Worker config for the ses transport at `endpoint`. */
const sesConf = (endpoint, extra = {}) => ({
  transport: 'ses', ses_endpoint: endpoint, region: 'us-east-1',
  sender: 'SCC Crew <noreply@scc.example>', public_url: 'http://127.0.0.1:8080',
  poll_interval: 0.3, retry_base: 0.2, retry_max: 0.5, lease_seconds: 30, ...extra,
});

/** A local HTTP server playing SES: answers[i] for the i-th request
 * ({status, body, headers} or 'hang'); records every request. */
async function fakeSes(answers) {
  const seen = [];
  const srv = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      const a = answers[Math.min(seen.length - 1, answers.length - 1)];
      if (a === 'hang') return; // never answer
      res.writeHead(a.status, { 'content-type': 'application/json', ...(a.headers || {}) });
      res.end(JSON.stringify(a.body ?? {}));
    });
  });
  const port = await freePort();
  await new Promise((r) => srv.listen(port, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${port}`, seen,
    close: () => new Promise((r) => { srv.closeAllConnections(); srv.close(r); }),
  };
}

test('login_link through the SES emulator: sender, recipient, subject, both parts, link; code scrubbed', async () => {
  const w = spawnWorker(s, sesConf(sesUrl, { audit_bcc: 'audit@scc.example' }));
  try {
    const id = await enqueue({ template: 'login_link', to: 'ann@example.com',
      data: { name: 'Ann <Captain>', expires_minutes: 15 }, code: 'Zx9_abc-DEF123' });
    const j = await waitJob(id);
    assert.equal(j.state, 'done', j.err);
    assert.equal(j.payload.code, undefined, 'the plain code is gone from the job');
    assert.equal(j.payload.template, 'login_link');

    const store = await (await fetch(`${sesUrl}/store`)).json();
    assert.equal(store.emails.length, 1);
    const m = store.emails[0];
    assert.match(m.from, /noreply@scc\.example/);
    assert.match(m.from, /SCC Crew/);
    assert.deepEqual(m.destination.to.map((t) => t.replace(/.*</, '').replace(/>.*/, '')), ['ann@example.com']);
    assert.equal(m.subject, 'Your SCC sign-in link');
    const link = 'http://127.0.0.1:8080/signin.html?code=Zx9_abc-DEF123';
    assert.ok(m.body.text.includes(link), m.body.text);
    assert.ok(m.body.text.includes('Hello Ann <Captain>,'), 'text is not HTML-escaped');
    assert.ok(m.body.html.includes(`href="${link}"`), 'the HTML has the link');
    assert.ok(m.body.html.includes('Ann &lt;Captain&gt;'), 'HTML escapes data');
    assert.ok(!/<script/i.test(m.body.html));

    const o = await outbox(id);
    assert.equal(o.status, 'sent');
    assert.equal(o.attempts, 1);
    assert.equal(o.pid, m.messageId, 'provider message id recorded');
    assert.equal(o.to, 'ann@example.com');
    assert.equal(o.bcc, 'audit@scc.example');
    assert.equal(o.transport, 'ses');
    assert.ok(!w.log().includes(SECRET), 'the secret key is never logged');
    assert.ok(!w.log().includes('Zx9_abc-DEF123'), 'the code is never logged');
  } finally {
    assert.equal((await w.stop()).code, 0);
  }
});

test('429 then 500 then 200: retried with backoff and sent exactly once; signed for ses; Bcc only in Destination', async () => {
  const f = await fakeSes([
    { status: 429, body: { message: 'Maximum sending rate exceeded.' }, headers: { 'x-amzn-errortype': 'TooManyRequestsException' } },
    { status: 500, body: { message: 'Internal failure' } },
    { status: 200, body: { MessageId: 'fake-ses-id-1' } },
  ]);
  const w = spawnWorker(s, sesConf(f.url, { audit_bcc: 'audit@scc.example' }),);
  try {
    const id = await enqueue({ template: 'invite', to: ['Bo Crew <bo@example.com>'],
      data: { name: 'Bo', role: 'crew', inviter_name: 'Ann', expires_days: 7 }, code: 'inv1TE' });
    const j = await waitJob(id);
    assert.equal(j.state, 'done', j.err);
    assert.equal(j.attempts, 3);
    assert.equal(f.seen.length, 3, 'three calls: 429, 500, then the one that sent');
    const o = await outbox(id);
    assert.equal(o.status, 'sent');
    assert.equal(o.attempts, 3);
    assert.equal(o.pid, 'fake-ses-id-1');
    assert.equal(j.payload.code, undefined);
    for (const r of f.seen) {
      assert.equal(r.method, 'POST');
      assert.equal(r.url, '/v2/email/outbound-emails');
      assert.match(r.headers.authorization,
        /^AWS4-HMAC-SHA256 Credential=AKIDSCCTEST\/\d{8}\/us-east-1\/ses\/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=[0-9a-f]{64}$/);
      assert.equal(r.headers['content-type'], 'application/json');
      assert.equal(r.headers['x-amz-security-token'], undefined);
      const body = JSON.parse(r.body);
      assert.equal(body.FromEmailAddress, 'noreply@scc.example');
      assert.deepEqual(body.Destination, { ToAddresses: ['bo@example.com'], BccAddresses: ['audit@scc.example'] });
      assert.deepEqual(body.EmailTags, [{ Name: 'scc-outbox-id', Value: String(o.id) },
        { Name: 'scc-template', Value: 'invite' }]);
      const raw = Buffer.from(body.Content.Raw.Data, 'base64').toString('latin1');
      assert.ok(!/^Bcc:/mi.test(raw), 'no Bcc header in the raw message');
      assert.ok(raw.includes(`\r\nX-SCC-Outbox-Id: ${o.id}\r\n`));
      const parsed = await simpleParser(Buffer.from(body.Content.Raw.Data, 'base64'));
      assert.equal(parsed.subject, 'Ann invited you to SCC as crew');
      assert.ok(parsed.text.includes('http://127.0.0.1:8080/signin.html?code=inv1TE'));
    }
    assert.equal(w.lines(/outcome=retry-in/).length, 2);
  } finally {
    assert.equal((await w.stop()).code, 0);
    await f.close();
  }
});

test('a 400 fails permanently: outbox failed with the provider message, job dead, code scrubbed, no retry', async () => {
  const msg = 'Email address is not verified. The following identities failed the check in region US-EAST-1: noreply@scc.example';
  const f = await fakeSes([{ status: 400, body: { message: msg }, headers: { 'x-amzn-errortype': 'MessageRejected' } }]);
  const w = spawnWorker(s, sesConf(f.url));
  try {
    const id = await enqueue({ template: 'login_link', to: 'cy@example.com', data: {}, code: 'c0de400' });
    const j = await waitJob(id);
    assert.equal(j.state, 'dead');
    assert.equal(j.attempts, 1);
    assert.ok(j.err.includes(msg), j.err);
    assert.equal(j.payload.code, undefined);
    const o = await outbox(id);
    assert.equal(o.status, 'failed');
    assert.equal(o.err, `SES 400 MessageRejected: ${msg}`);
    assert.equal(f.seen.length, 1);
  } finally {
    assert.equal((await w.stop()).code, 0);
    await f.close();
  }
});

test('suppressed addresses are not mailed: job done, outbox failed "suppressed", no request', async () => {
  const f = await fakeSes([{ status: 200, body: { MessageId: 'x' } }]);
  await q(`select scc.suppress_email('Bounced@Example.COM', 'bounce', 'hard bounce')`);
  const w = spawnWorker(s, sesConf(f.url));
  try {
    const id = await enqueue({ template: 'login_link', to: 'bounced@example.com', data: {}, code: 'sup1' });
    const j = await waitJob(id);
    assert.equal(j.state, 'done', j.err);
    assert.equal(j.payload.code, undefined);
    const o = await outbox(id);
    assert.equal(o.status, 'failed');
    assert.equal(o.err, 'suppressed: bounced@example.com (bounce)');
    assert.equal(f.seen.length, 0);
  } finally {
    assert.equal((await w.stop()).code, 0);
    await f.close();
  }
});

test('an address suppressed between two attempts is not mailed on the retry', async () => {
  const f = await fakeSes([
    { status: 500, body: { message: 'Internal failure' } },
    { status: 200, body: { MessageId: 'after-suppression' } },
  ]);
  // a retry 1-2 s after the 500: time to suppress an address in between
  const w = spawnWorker(s, sesConf(f.url, { retry_base: 2, retry_max: 2 }));
  try {
    const id = await enqueue({ template: 'login_link', to: ['Ann <ann@example.com>', 'bob@example.com'],
      data: {}, code: 'retry-sup' });
    await waitFor(() => f.seen.length >= 1, { what: 'the first call' });
    await q(`select scc.suppress_email('Bob@Example.com', 'bounce', 'bounced meanwhile')`);
    const j = await waitJob(id);
    assert.equal(j.state, 'done', j.err);
    assert.equal(j.attempts, 2);
    assert.equal(f.seen.length, 2);
    assert.deepEqual(JSON.parse(f.seen[0].body).Destination.ToAddresses, ['ann@example.com', 'bob@example.com'],
      'the first attempt went to both');
    const second = JSON.parse(f.seen[1].body);
    assert.deepEqual(second.Destination.ToAddresses, ['ann@example.com'], 'the retry is not sent to bob');
    const m = await simpleParser(Buffer.from(second.Content.Raw.Data, 'base64'));
    assert.deepEqual(m.to.value.map((a) => a.address), ['ann@example.com'], 'nor is bob in the To header');
    const o = await outbox(id);
    assert.equal(o.status, 'sent');
    assert.equal(o.to, 'ann@example.com', 'the row says whom the message went to');
    assert.equal(o.err, 'suppressed: bob@example.com (bounce)');
  } finally {
    assert.equal((await w.stop()).code, 0);
    await f.close();
  }
});

test('a failed email job keeps no code: bad recipient, bad template name, missing template on its last attempt', async () => {
  const f = await fakeSes([{ status: 200, body: { MessageId: 'never' } }]);
  const w = spawnWorker(s, sesConf(f.url, { templates_dir: path.join(tmp, 'no-templates') }));
  try {
    const bad = await enqueue({ template: 'login_link', to: 'not an address', data: {}, code: 'code-bad-to' });
    const name = await enqueue({ template: '../etc/passwd', to: 'a@example.com', data: {}, code: 'code-bad-name' });
    const missing = await enqueue({ template: 'login_link', to: 'a@example.com', data: {}, code: 'code-no-tpl' }, 1);
    for (const [id, why] of [[bad, /bad recipient address/], [name, /bad template name/], [missing, /no template/]]) {
      const j = await waitJob(id);
      assert.equal(j.state, 'dead', `${id}: ${j.err}`);
      assert.match(j.err, why);
      assert.equal(j.payload.code, undefined, `job ${id} (${why}) keeps no code`);
    }
    assert.equal(f.seen.length, 0);
    assert.ok(!/code-(bad|no)/.test(w.log()), 'no code in the log');
  } finally {
    assert.equal((await w.stop()).code, 0);
    await f.close();
  }
});

test('an email job that dies for want of a sender keeps no code', async () => {
  const w = spawnWorker(s, { transport: 'outbox', outbox_dir: path.join(tmp, 'nosender'), poll_interval: 0.3,
    public_url: 'http://127.0.0.1:8080' });
  try {
    const id = await enqueue({ template: 'login_link', to: 'a@example.com', data: {}, code: 'code-no-sender' }, 1);
    const j = await waitJob(id);
    assert.equal(j.state, 'dead', j.err);
    assert.match(j.err, /no sender configured/);
    assert.equal(j.payload.code, undefined);
  } finally {
    assert.equal((await w.stop()).code, 0);
  }
});

test('SendingPaused pauses all sending, then both messages go once the pause ends, no attempt used', async () => {
  const f = await fakeSes([
    { status: 400, body: { message: 'Sending is paused for this account.' }, headers: { 'x-amzn-errortype': 'SendingPausedException' } },
    { status: 200, body: { MessageId: 'p-2' } },
  ]);
  // Both queued before the worker starts, so that one batch claims both: the
  // first call is refused with the pause, and the second job meets the pause
  // without a call.  (Queued while the worker runs, the second could be
  // claimed only after the pause had ended, and go out without waiting.)
  // One attempt each: waiting out a pause must not use it (scc.defer_job).
  const a = await enqueue({ template: 'login_link', to: 'p1@example.com', data: {}, code: 'pause-code-1' }, 1);
  const b = await enqueue({ template: 'test', to: 'p2@example.com', data: {} }, 1);
  const w = spawnWorker(s, sesConf(f.url, { send_pause: 1, batch_size: 10, retry_base: 0.5, retry_max: 2 }));
  try {
    await w.waitForLog(/sending paused for 1 s/);
    const [ja, jb] = [await waitJob(a), await waitJob(b)];
    assert.equal(ja.state, 'done', ja.err);
    assert.equal(jb.state, 'done', jb.err);
    assert.equal(ja.attempts, 1, 'the paused call and the waits did not count');
    assert.equal(jb.attempts, 1);
    assert.ok(w.lines(/outcome=deferred-/).length >= 2, 'both jobs were deferred, not failed');
    // the deferred login link kept its code until it was really sent
    const texts = [];
    for (const r of f.seen) {
      texts.push((await simpleParser(Buffer.from(JSON.parse(r.body).Content.Raw.Data, 'base64'))).text);
    }
    assert.ok(texts.at(-1).includes('code=pause-code-1') || texts.at(-2).includes('code=pause-code-1'),
      'the link went out with its code after the pause');
    assert.equal(ja.payload.code, undefined, 'and the code is scrubbed once sent');
    // One refused call, then one call per message: nothing sent while paused.
    assert.equal(f.seen.length, 3);
    assert.ok(w.lines(/sending is paused for/).length >= 1, 'the other job waited for the pause');
    assert.equal((await outbox(a)).status, 'sent');
    assert.equal((await outbox(b)).status, 'sent');
  } finally {
    assert.equal((await w.stop()).code, 0);
    await f.close();
  }
});

test('kill -9 during the provider call leaves the row unknown; the retry does not resend and parks the job', async () => {
  const f = await fakeSes(['hang']);
  const w1 = spawnWorker(s, sesConf(f.url, { lease_seconds: 2 }));
  let w2;
  try {
    const id = await enqueue({ template: 'login_link', to: 'dee@example.com', data: {}, code: 'crash1' });
    await waitFor(() => f.seen.length === 1, { what: 'the SES call in flight' });
    assert.equal((await outbox(id)).status, 'sending', 'committed before the call');
    await w1.kill9();
    w2 = spawnWorker(s, sesConf(f.url, { lease_seconds: 2 }));
    const j = await waitJob(id, ['dead'], 30000);
    assert.match(j.err, /'unknown'.*not resent automatically/);
    assert.equal(j.payload.code, undefined, 'code scrubbed when parked');
    const o = await outbox(id);
    assert.equal(o.status, 'unknown');
    assert.match(o.err, /stopped during the provider call/);
    assert.equal(f.seen.length, 1, 'never sent a second time');
  } finally {
    if (w2) assert.equal((await w2.stop()).code, 0);
    await f.close();
  }
});

test('outbox transport writes a parseable .eml with CRLF lines and the outbox id, readable by its owner only', async () => {
  const dir = path.join(tmp, 'mail', 'box');
  const w = spawnWorker(s, { transport: 'outbox', outbox_dir: dir, sender: 'SCC <noreply@scc.example>',
    public_url: 'http://127.0.0.1:9999/', poll_interval: 0.3 });
  try {
    const id = await enqueue({ template: 'invite', to: 'Émile Zoë <emile@example.com>',
      data: { name: 'Émile', role: 'captain', inviter_name: 'Ann' }, code: 'eml1' });
    const j = await waitJob(id);
    assert.equal(j.state, 'done', j.err);
    const files = fs.readdirSync(dir).filter((n) => n.endsWith('.eml'));
    assert.equal(files.length, 1);
    // the file holds a live code: 0600 in folders of 0700, whatever the umask left
    assert.equal(fs.statSync(path.join(dir, files[0])).mode & 0o777, 0o600, 'the .eml is 0600');
    assert.equal(fs.statSync(dir).mode & 0o777, 0o700, 'outbox_dir is created 0700');
    assert.equal(fs.statSync(path.join(tmp, 'mail')).mode & 0o777, 0o700, 'and so are its missing parents');
    const raw = fs.readFileSync(path.join(dir, files[0]));
    const text = raw.toString('latin1');
    assert.ok(!/[^\r]\n/.test(text), 'CRLF line endings only');
    assert.ok(text.split('\r\n').every((l) => l.length <= 998));
    const m = await simpleParser(raw);
    const o = await outbox(id);
    assert.equal(m.headers.get('x-scc-outbox-id'), String(o.id));
    assert.equal(m.subject, 'Ann invited you to SCC as captain');
    assert.equal(m.from.value[0].address, 'noreply@scc.example');
    assert.equal(m.to.value[0].address, 'emile@example.com');
    assert.equal(m.to.value[0].name, 'Émile Zoë');
    assert.ok(m.text.includes('Hello Émile,'), m.text);
    assert.ok(m.text.includes('http://127.0.0.1:9999/signin.html?code=eml1'));
    assert.ok(m.html.includes('href="http://127.0.0.1:9999/signin.html?code=eml1"'));
    assert.equal(o.pid, files[0]);
    assert.equal(j.payload.code, undefined);
  } finally {
    assert.equal((await w.stop()).code, 0);
  }
});

test('send-test-email: sends through the emulator (exit 0), clear exit-2 errors for bad config', async () => {
  const conf = path.join(tmp, 'send-test.conf');
  const write = (o) => fs.writeFileSync(conf, Object.entries(o).map(([k, v]) => `${k} = ${v}\n`).join(''));
  write(sesConf(sesUrl));
  let r = await s.worker(['send-test-email', 'tess@example.com', '--config', conf]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /sent a test email to tess@example\.com via ses \(outbox id \d+, provider id .+\)/);
  const store = await (await fetch(`${sesUrl}/store`)).json();
  assert.equal(store.emails.length, 1);
  assert.match(store.emails[0].subject, /SCC test email \(ses\)/);
  assert.ok(!r.stderr.includes(SECRET) && !r.stdout.includes(SECRET));
  assert.equal(await q(`select status from scc.email_outbox where template = 'test'`), 'sent');

  r = await s.worker(['send-test-email', 'tess@example.com', '--config', conf, '--transport', 'outbox']);
  assert.equal(r.code, 0, r.stderr);

  write({ transport: 'ses', region: 'us-east-1' });
  r = await s.worker(['send-test-email', 'tess@example.com', '--config', conf]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no sender configured/);

  write({ transport: 'carrier-pigeon', sender: 'a@scc.example' });
  r = await s.worker(['send-test-email', 'tess@example.com', '--config', conf]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown transport "carrier-pigeon"/);

  r = await s.worker(['send-test-email', 'not-an-address']);
  assert.equal(r.code, 2);
  r = await s.worker(['send-test-email']);
  assert.equal(r.code, 2);

  // A provider that is down: exit 1, the row says why.
  const port = await freePort();
  write(sesConf(`http://127.0.0.1:${port}`));
  r = await s.worker(['send-test-email', 'tess@example.com', '--config', conf]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /not sent via ses \(temporary\): SES unreachable/);
});

test('smtp transport: envelope (To + audit Bcc) and message to a real SMTP server; STARTTLS required by default', async () => {
  const smtp = await smtpServer(tmp);
  const conf = path.join(tmp, 'smtp.conf');
  const write = (o) => fs.writeFileSync(conf, Object.entries(o).map(([k, v]) => `${k} = ${v}\n`).join(''));
  try {
    write({ transport: 'smtp', smtp_url: smtp.url, smtp_starttls: 'no', sender: 'SCC <noreply@scc.example>',
      audit_bcc: 'audit@scc.example' });
    let r = await s.worker(['send-test-email', 'Sam <sam@example.com>', '--config', conf]);
    assert.equal(r.code, 0, r.stderr);
    const got = smtp.received();
    assert.equal(got.length, 1);
    assert.equal(got[0].from, 'noreply@scc.example');
    assert.deepEqual(got[0].rcpt, ['sam@example.com', 'audit@scc.example']);
    const m = await simpleParser(Buffer.from(got[0].data, 'latin1'));
    assert.equal(m.subject, 'SCC test email (smtp)');
    assert.equal(m.to.value[0].address, 'sam@example.com');
    assert.equal(m.headers.get('bcc'), undefined, 'Bcc only in the envelope');
    assert.ok(m.text.includes('through the smtp transport'));

    // Default smtp_starttls = yes: a server without STARTTLS gets nothing.
    write({ transport: 'smtp', smtp_url: smtp.url, sender: 'SCC <noreply@scc.example>' });
    r = await s.worker(['send-test-email', 'sam@example.com', '--config', conf]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /not sent via smtp: SMTP/);
    assert.equal(smtp.received().length, 1);
    assert.equal(await q(`select status from scc.email_outbox order by id desc limit 1`), 'failed');
  } finally {
    smtp.close();
  }
});
