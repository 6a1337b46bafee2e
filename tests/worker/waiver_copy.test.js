// waiver_copy.test.js — the signer's copy of a signed waiver (template
// waiver_copy, queued by scc_api.waiver_sign, 023_waiver_signing.sql) sent
// by a real scc-worker through the aws-ses-v2-local SES emulator: one
// message to the signer's account address, multipart with an HTML part and
// a text part, each with the full text, the statements, the hash, the
// signed-at time, the session it was signed in (029: its id and when that
// sign-in began) and a link to view it; values HTML-escaped in the HTML part
// and as typed in the text part.  A dedicated stack without its background
// worker; traffic on 127.0.0.1.

import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import sesLocalModule from 'aws-ses-v2-local';
import { startStack, freePort } from '../api/lib/stack.js';
import { spawnWorker, waitFor } from './lib/workers.js';

const sesLocal = sesLocalModule.default ?? sesLocalModule;
process.env.AWS_ACCESS_KEY_ID = 'AKIDSCCTEST';
process.env.AWS_SECRET_ACCESS_KEY = 'scc-test-secret-never-logged-0123456789';
delete process.env.AWS_SESSION_TOKEN;

let s, ses, sesUrl;
const q = (sql) => s.psql(sql);
const lit = (v) => `'${String(v).replace(/'/g, "''")}'`;
const BODY = '# Release\nSailing has **risks** & rewards.\n\n- Wear a lifejacket\n';
const sha = crypto.createHash('sha256').update(BODY, 'utf8').digest('hex');

before(async () => {
  s = await startStack({ noWorker: true });
  const port = await freePort();
  ses = await sesLocal({ host: '127.0.0.1', port });
  sesUrl = `http://127.0.0.1:${port}`;
});
after(async () => {
  if (ses) await new Promise((r) => { ses.closeAllConnections?.(); ses.close(r); });
  if (s) await s.stop();
});

test('the copy of a signed waiver arrives through SES as HTML + text with the hash', async () => {
  const guest = await q(`insert into scc.users (email, name, role) values ('gus.copy@test.example', 'Gus', 'guest') returning id`);
  const boat = await q(`insert into scc.boats (name, port_name, port_lat, port_lon, time_zone, guest_capacity)
    values ('Copy boat', 'Shelter Island', 32.71, -117.23, 'America/Los_Angeles', 6) returning id`);
  const tpl = await q(`insert into scc.waiver_templates (name, boat_id) values ('Copy waiver', ${lit(boat)}) returning id`);
  const version = await q(`insert into scc.waiver_versions (template_id, version, title, body, body_sha256, intent_text,
      consent_text, adult_text, validity)
    values (${lit(tpl)}, 3, 'Release of liability', ${lit(BODY)}, ${lit(sha)}, 'I intend to sign',
            'I consent to electronic records', 'I am 18 or older', 'event') returning id`);
  const ev = await q(`insert into scc.events (boat_id, title, departure_at, return_at, time_zone, crew_min, crew_max,
      guest_max, state)
    values (${lit(boat)}, 'Copy sail', now() + interval '3 days', now() + interval '3 days 3 hours',
            'America/Los_Angeles', 0, 2, 6, 'scheduled') returning id`);
  await q(`insert into scc.event_roles (event_id, user_id, role, state) values (${lit(ev)}, ${lit(guest)}, 'guest', 'confirmed')`);
  // the session the guest's token names (as a redeem makes it)
  const session = await q(`insert into scc.sessions (user_id, family, refresh_hash, expires_at)
    values (${lit(guest)}, gen_random_uuid(), sha256('copy-session'::bytea), now() + interval '30 days') returning id`);
  const started = await q(`select scc.iso(created_at) from scc.sessions where id = ${lit(session)}`);
  const ctx = {
    actor: { id: guest, role: 'guest', jti: 'worker-test-jti', sid: session }, params: { id: ev }, query: {},
    body: { version_id: version, body_sha256: sha, legal_name: 'Gus <b>Guest</b>', email: 'typed@test.example',
      adult: true, intent: true, consent: true, minors: [{ name: 'Kit Guest', date_of_birth: '2016-05-01' }],
      emergency: { name: 'Mo Guest', phone: '+1 619 555 0100', relationship: 'mother' } },
    ip: '203.0.113.9', ua: 'worker test', request_id: 'copy-test',
  };
  const answer = await q(`select status || '|' || body from scc_api.waiver_sign(${lit(JSON.stringify(ctx))}::jsonb)`);
  const [status, json] = [answer.slice(0, answer.indexOf('|')), answer.slice(answer.indexOf('|') + 1)];
  assert.equal(status, '201', json);
  const sig = JSON.parse(json).signature;
  assert.equal(sig.session_id, session);
  assert.equal(sig.session_started_at, started);

  const w = spawnWorker(s, { transport: 'ses', ses_endpoint: sesUrl, region: 'us-east-1',
    sender: 'SCC Crew <noreply@scc.example>', public_url: 'http://127.0.0.1:8080', poll_interval: 0.3,
    retry_base: 0.2, retry_max: 0.5, lease_seconds: 30 });
  try {
    const state = await waitFor(async () => {
      const st = await q(`select state from scc.jobs where payload ->> 'template' = 'waiver_copy'`);
      return ['done', 'dead'].includes(st) && st;
    }, { ms: 20000, what: 'the waiver_copy job' });
    assert.equal(state, 'done', await q(`select last_error from scc.jobs where payload ->> 'template' = 'waiver_copy'`));
    const store = await (await fetch(`${sesUrl}/store`)).json();
    assert.equal(store.emails.length, 1);
    const m = store.emails[0];
    assert.deepEqual(m.destination.to.map((t) => t.replace(/.*</, '').replace(/>.*/, '')), ['gus.copy@test.example'],
      'to the account\'s address');
    assert.equal(m.subject, 'Your signed waiver: Release of liability for Copy sail, ' +
      await q(`select scc.local_text(departure_at, time_zone) from scc.events where id = ${lit(ev)}`));
    assert.ok(m.body.text && m.body.html, 'both parts');
    for (const part of [m.body.text, m.body.html]) {
      assert.ok(part.includes(sha), 'the hash');
      assert.ok(part.includes(sig.signed_at), 'the server\'s signed-at');
      assert.ok(part.includes(`/waiver-view.html?id=${sig.id}`), 'a link to view it');
      assert.ok(part.includes('I intend to sign') && part.includes('I consent to electronic records')
        && part.includes('I am 18 or older'), 'the statements');
      assert.ok(part.includes('Kit Guest'), 'the minor');
      assert.ok(part.includes(`${session}, signed in ${started}`), 'the session and when its sign-in began');
    }
    assert.ok(m.body.text.includes(BODY.trim()), 'the full text, as stored');
    assert.ok(m.body.text.includes('Hello Gus <b>Guest</b>,'), 'the text part as typed');
    assert.ok(m.body.html.includes('Gus &lt;b&gt;Guest&lt;/b&gt;'), 'the HTML part escapes the name');
    assert.ok(m.body.html.includes('**risks** &amp; rewards'), 'and the text');
    assert.ok(!m.body.html.includes('<b>Guest'), 'no markup from data');
  } finally {
    await w.stop();
  }
});
