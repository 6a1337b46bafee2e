// sns.test.js — SES bounces and complaints through SNS, end to end: real
// nginx + module (POST /api/ses/sns), a real PostgreSQL, a real
// `scc-worker run` verifying signatures.  The test plays Amazon SNS: a
// signing key and self-signed certificate made with openssl now, served
// over HTTPS by a local node server (its own self-signed certificate for
// 127.0.0.1, given to the worker as sns_ca_file), with sns_cert_host =
// 127.0.0.1 so the worker allows it.  Messages are signed like SNS signs
// them (SignatureVersion 1: SHA1withRSA, 2: SHA256withRSA over the
// canonical string) and posted as SNS posts them (text/plain).
//
// Forged ones — tampered, wrong certificate host, certificate over http,
// signed by another key — change nothing but their own row (refused,
// with the reason).

import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { startStack, freePort } from '../api/lib/stack.js';
import { spawnWorker, waitFor } from './lib/workers.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scc-sns-test-'));
let s, w, server, base;
const hits = [];   // paths the SNS stand-in served
const keys = {};   // name -> { key, cert } (PEM text)

function makeCert(name, subject, ext = []) {
  const key = path.join(tmp, `${name}.key`);
  const cert = path.join(tmp, `${name}.pem`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert,
    '-days', '2', '-subj', subject, ...ext], { stdio: 'ignore' });
  keys[name] = { key: fs.readFileSync(key, 'utf8'), cert: fs.readFileSync(cert, 'utf8'), certPath: cert };
}

before(async () => {
  makeCert('tls', '/CN=127.0.0.1', ['-addext', 'subjectAltName=IP:127.0.0.1']);
  makeCert('signer', '/CN=sns.test.example');
  makeCert('other', '/CN=forger.test.example');
  const port = await freePort();
  server = https.createServer({ key: keys.tls.key, cert: keys.tls.cert }, (req, res) => {
    hits.push(req.url);
    if (req.url === '/SimpleNotificationService-signer.pem') return res.end(keys.signer.cert);
    if (req.url.startsWith('/confirm?')) return res.end('<ConfirmSubscriptionResponse/>');
    res.statusCode = 404;
    res.end();
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  base = `https://127.0.0.1:${port}`;
  s = await startStack({ noWorker: true });
  w = spawnWorker(s, { poll_interval: 0.3, retry_base: 0.2, retry_max: 0.5,
                       sns_cert_host: '127.0.0.1', sns_ca_file: keys.tls.certPath,
                       sns_topic_arn: 'arn:aws:sns:*:123456789012:scc-ses' });
});
after(async () => {
  if (w) await w.stop();
  if (s) await s.stop();
  if (server) await new Promise((r) => { server.closeAllConnections?.(); server.close(r); });
  fs.rmSync(tmp, { recursive: true, force: true });
});

const q = (sql) => s.psql(sql);
const lit = (v) => `'${String(v).replace(/'/g, "''")}'`;

const SIGNED = {
  Notification: ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'],
  SubscriptionConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
  UnsubscribeConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
};

/** An SNS message of `type`, signed the way SNS signs it. */
function sns(type, fields, { version = '2', signer = 'signer', certUrl, topic } = {}) {
  const m = {
    Type: type, MessageId: crypto.randomUUID(), TopicArn: topic ?? 'arn:aws:sns:us-east-1:123456789012:scc-ses',
    Timestamp: new Date().toISOString(), SignatureVersion: version,
    SigningCertURL: certUrl ?? `${base}/SimpleNotificationService-signer.pem`, ...fields,
  };
  const text = SIGNED[type].filter((k) => m[k] !== undefined).map((k) => `${k}\n${m[k]}\n`).join('');
  m.Signature = crypto.sign(version === '1' ? 'sha1' : 'sha256', Buffer.from(text), keys[signer].key)
    .toString('base64');
  return m;
}

/** A signed SES notification (notificationType ...) about SES message sesId. */
function sesNote(notification, sesId, opts) {
  return sns('Notification', {
    Message: JSON.stringify({ mail: { messageId: sesId, source: 'noreply@scc.example' }, ...notification }),
  }, opts);
}

/** POST it as SNS does; the stored row's id. */
async function deliver(m) {
  const res = await s.fetch('/api/ses/sns', {
    method: 'POST', body: JSON.stringify(m),
    headers: { 'content-type': 'text/plain; charset=UTF-8', 'x-amz-sns-message-type': m.Type },
  });
  const body = await res.json();
  assert.equal(res.status, 202, JSON.stringify(body));
  return body.id;
}

/** Deliver and wait for the worker's verdict: { status, reason }. */
async function decided(m) {
  const id = await deliver(m);
  return waitFor(async () => {
    const [status, reason] = (await q(`select status, coalesce(reason, '') from scc.sns_messages where id = ${id}`))
      .split('|');
    return status !== 'queued' && { status, reason, id };
  }, { ms: 20000, what: `sns message ${id} decided` });
}

const suppression = (a) => q(`select coalesce((select reason from scc.email_suppressions where address = ${lit(a)}), 'none')`);
const events = (a) => q(`select coalesce(string_agg(event || ':' || coalesce(outbox_id::text, '-'), ',' order by id), '')
                           from scc.email_events where address = ${lit(a)}`);
const uniq = (tag) => `${tag}-${crypto.randomUUID().slice(0, 8)}@bounce.test.example`;

test('a SubscriptionConfirmation (v1) is verified and confirmed with a GET of its SubscribeURL', async () => {
  const token = crypto.randomUUID();
  const r = await decided(sns('SubscriptionConfirmation', {
    Message: 'You have chosen to subscribe', Token: token, SubscribeURL: `${base}/confirm?Token=${token}`,
  }, { version: '1' }));
  assert.deepEqual([r.status, r.reason], ['accepted', '']);
  assert.ok(hits.includes(`/confirm?Token=${token}`), 'the subscription was confirmed');
});

test('a permanent bounce (v2) suppresses the address, linked to its outbox row: the next email is suppressed', async () => {
  const to = uniq('permanent');
  const sesId = `0100-${crypto.randomUUID()}`;
  const outbox = await q(`insert into scc.email_outbox (sender, recipients, subject, template, transport, status, provider_message_id)
                          values ('noreply@scc.example', array[${lit(to)}], 'hello', 'login_link', 'ses', 'sent', ${lit(sesId)})
                          returning id`);
  const r = await decided(sesNote({ notificationType: 'Bounce',
    bounce: { bounceType: 'Permanent', bounceSubType: 'General',
              bouncedRecipients: [{ emailAddress: to.toUpperCase(), diagnosticCode: 'smtp; 550 5.1.1 no such user' }] } }, sesId));
  assert.deepEqual([r.status, r.reason], ['accepted', '']);
  assert.equal(await suppression(to), 'bounce');
  assert.equal(await events(to), `permanent_bounce:${outbox}`);
  // the next email to it: scc.email_prepare (what the email job calls) drops it
  const next = await q(`select status from scc.email_prepare(null, 'noreply@scc.example', array[${lit(to)}],
                                                             '{}', 'again', 'login_link', 'ses')`);
  assert.equal(next, 'suppressed');
});

test('a complaint (v1) suppresses the address; a transient bounce is recorded only', async () => {
  const angry = uniq('complaint');
  const r1 = await decided(sesNote({ notificationType: 'Complaint',
    complaint: { complainedRecipients: [{ emailAddress: angry }], complaintFeedbackType: 'abuse' } },
  'no-such-ses-id', { version: '1' }));
  assert.equal(r1.status, 'accepted');
  assert.equal(await suppression(angry), 'complaint');
  assert.equal(await events(angry), 'complaint:-');

  const full = uniq('transient');
  const r2 = await decided(sesNote({ notificationType: 'Bounce',
    bounce: { bounceType: 'Transient', bounceSubType: 'MailboxFull', bouncedRecipients: [{ emailAddress: full }] } },
  'another-ses-id'));
  assert.equal(r2.status, 'accepted');
  assert.equal(await suppression(full), 'none');
  assert.equal(await events(full), 'transient_bounce:-');
});

test('an UnsubscribeConfirmation (v2) is verified and recorded; the certificate was fetched once', async () => {
  const token = crypto.randomUUID();
  const r = await decided(sns('UnsubscribeConfirmation', {
    Message: 'You have unsubscribed', Token: token, SubscribeURL: `${base}/confirm?Token=${token}`,
  }));
  assert.equal(r.status, 'accepted');
  assert.ok(!hits.includes(`/confirm?Token=${token}`), 'an unsubscription is not confirmed');
  assert.equal(hits.filter((h) => h === '/SimpleNotificationService-signer.pem').length, 1, 'cached by URL');
  assert.equal(await q('select count(*) from scc.sns_certs'), '1');
});

test('forged and tampered messages change nothing and are refused with a reason', async () => {
  const cases = [];
  const bounce = (to, opts) => sesNote({ notificationType: 'Bounce',
    bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: to }] } }, 'forged-id', opts);

  const tampered = uniq('tampered');
  const t = bounce(uniq('original'));
  t.Message = t.Message.replace(/"emailAddress":"[^"]+"/, `"emailAddress":"${tampered}"`);
  cases.push([tampered, t, /bad signature/]);

  const host = uniq('host');
  cases.push([host, bounce(host, { certUrl: `${base.replace('127.0.0.1', 'localhost')}/SimpleNotificationService-signer.pem` }),
    /SigningCertURL is not https on a host matching 127\.0\.0\.1/]);

  const plain = uniq('http');
  cases.push([plain, bounce(plain, { certUrl: `${base.replace('https:', 'http:')}/SimpleNotificationService-signer.pem` }),
    /SigningCertURL is not https/]);

  const other = uniq('otherkey');
  cases.push([other, bounce(other, { signer: 'other', version: '1' }), /bad signature/]);

  const version = uniq('version');
  cases.push([version, bounce(version, { version: '3' }), /unknown SignatureVersion/]);

  // Genuinely signed by SNS, but from someone else's topic.
  const foreign = uniq('topic');
  cases.push([foreign, bounce(foreign, { topic: 'arn:aws:sns:us-east-1:999999999999:scc-ses' }),
    /TopicArn arn:aws:sns:us-east-1:999999999999:scc-ses does not match sns_topic_arn/]);

  const subscribe = sns('SubscriptionConfirmation', { Message: 'x', Token: 'forged',
    SubscribeURL: `${base}/confirm?Token=forged` }, { signer: 'other' });
  cases.push([null, subscribe, /bad signature/]);

  for (const [addr, m, reason] of cases) {
    const r = await decided(m);
    assert.equal(r.status, 'refused', `${addr}: ${r.reason}`);
    assert.match(r.reason, reason);
    if (addr) {
      assert.equal(await suppression(addr), 'none');
      assert.equal(await events(addr), '');
    }
  }
  assert.ok(!hits.includes('/confirm?Token=forged'), 'a forged subscription is not confirmed');
  assert.equal(await q(`select count(*) from scc.audit_log where action = 'sns.refuse'`), String(cases.length));
});

test('the route: text/plain JSON is queued once however often SNS delivers it; what is not an SNS message is 400', async () => {
  const m = sns('Notification', { Message: '{}' }, { certUrl: 'http://127.0.0.1:9/x.pem' });
  const id1 = await deliver(m);
  const id2 = await deliver(m);
  assert.equal(id1, id2);
  assert.equal(await q(`select count(*) from scc.jobs where kind = 'sns' and payload = '{"sns_message": ${id1}}'`), '1');

  const post = async (body, type = 'text/plain; charset=UTF-8') => {
    const res = await s.fetch('/api/ses/sns', { method: 'POST', body, headers: { 'content-type': type } });
    return [res.status, (await res.json()).error?.code];
  };
  assert.deepEqual(await post('this is not json'), [400, 'invalid_body']);
  assert.deepEqual(await post(JSON.stringify({ ...m, Type: 'Other' })), [400, 'invalid_type']);
  assert.deepEqual(await post(JSON.stringify({ ...m, Extra: 1 })), [400, 'unknown_field']);
  const { Signature: _sig, ...unsigned } = m;
  assert.deepEqual(await post(JSON.stringify(unsigned)), [400, 'signature_required']);
  assert.deepEqual(await post(JSON.stringify(m), 'application/x-www-form-urlencoded'), [415, 'unsupported_media_type']);
});
