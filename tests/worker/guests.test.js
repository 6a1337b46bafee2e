// guests.test.js — the guests' timed job 'guest_reminders' (worker/job_event.c
// → scc.guest_reminders, 024_guests.sql) run by a real scc-worker against a
// real PostgreSQL, mail written by the outbox transport as .eml files and
// parsed with mailparser.
//
// An event departing within 24 h is scheduled: the reminder job is due at
// once.  Of its guests, only those whose seat is on waiver hold get a
// reminder with their own sign-in link: not one who signed, not a place an
// admin added silently, not one who turned notification emails off, not one
// on the waitlist.  One dedicated stack without its background worker.

import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { startStack } from '../api/lib/stack.js';
import { spawnWorker, waitFor } from './lib/workers.js';

let s;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scc-guests-test-'));
const q = (sql) => s.psql(sql);

before(async () => {
  s = await startStack({ noWorker: true });
});
after(async () => {
  if (s) await s.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('the reminder job mails only the held guests with a seat, each their own sign-in link', async () => {
  await q(`with t as (insert into scc.waiver_templates (name) values ('Worker waiver') returning id)
    insert into scc.waiver_versions (id, template_id, version, title, body, body_sha256, intent_text, consent_text,
                                     adult_text, validity)
    select '00000000-0000-4000-8000-0000000000d1', t.id, 1, 'Waiver', 'Sailing is risky.',
           encode(sha256(convert_to('Sailing is risky.', 'UTF8')), 'hex'), 'I agree', 'I consent', 'I am 18 or older',
           'event' from t`);
  const users = {};
  for (const [k, notify] of [['held', true], ['silent', true], ['signed', true], ['quiet', false], ['waiting', true]]) {
    users[k] = await q(`insert into scc.users (email, name, role, notify_email)
                        values ('${k}@guests.example', 'Guest ${k} <i>x</i>', 'guest', ${notify}) returning id`);
  }
  const boat = await q(`insert into scc.boats (name, port_name, port_lat, port_lon, time_zone, guest_capacity)
                        values ('Reminder Boat', 'Shelter Island', 32.7157, -117.2289, 'America/Los_Angeles', 6)
                        returning id`);
  const event = await q(`insert into scc.events (boat_id, title, departure_at, return_at, time_zone, crew_min,
                                                 crew_max, guest_max, state)
                         values ('${boat}', 'Morning sail', now() + interval '20 hours', now() + interval '23 hours',
                                 'America/Los_Angeles', 0, 2, 4, 'scheduled') returning id`);
  const jobId = Number(await q(`select id from scc.jobs where kind = 'guest_reminders' and payload ->> 'event_id' = '${event}'`));
  assert.ok(jobId > 0, 'scheduling queued the reminder job');
  await q(`insert into scc.event_roles (event_id, user_id, role, state, reason, silent) values
             ('${event}', '${users.held}', 'guest', 'confirmed', 'party link', false),
             ('${event}', '${users.silent}', 'guest', 'confirmed', 'the owner''s friend', true),
             ('${event}', '${users.signed}', 'guest', 'confirmed', 'party link', false),
             ('${event}', '${users.quiet}', 'guest', 'designated', 'designated', false)`);
  await q(`insert into scc.event_roles (event_id, user_id, role, state, queued_at, reason) values
             ('${event}', '${users.waiting}', 'guest', 'waitlisted', now(), 'party link')`);
  await q(`insert into scc.waiver_signatures (version_id, body_sha256, event_id, user_id, legal_name, email,
             adult_statement, intent_text, consent_text, emergency_name, emergency_phone, emergency_relationship)
           values ('00000000-0000-4000-8000-0000000000d1', '', '${event}', '${users.signed}', 'Guest Signed',
                   'signed@guests.example', 'I am 18 or older', 'I agree', 'I consent', 'Mo', '+1 619 555 0100', 'mother')`);

  const dir = path.join(tmp, 'reminders');
  const w = spawnWorker(s, { transport: 'outbox', outbox_dir: dir, sender: 'SCC <noreply@scc.example>',
    public_url: 'http://127.0.0.1:9999', poll_interval: 0.3 });
  try {
    await waitFor(async () => (await q(`select state from scc.jobs where id = ${jobId}`)) === 'done',
      { what: 'the reminder job done' });
    await waitFor(async () => (await q(`select count(*) from scc.jobs where kind = 'email' and state <> 'done'`)) === '0',
      { what: 'the reminder emails sent' });
    const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((x) => x.endsWith('.eml')) : [];
    assert.equal(files.length, 1, `exactly one reminder: ${files}`);
    const m = await simpleParser(fs.readFileSync(path.join(dir, files[0])));
    assert.deepEqual(m.to.value.map((a) => a.address), ['held@guests.example'], 'to the held guest only');
    assert.equal(m.subject, 'Reminder: sign your waiver for Morning sail');
    const link = /http:\/\/127\.0\.0\.1:9999\/signin\.html\?code=([A-Za-z0-9_-]{22})/.exec(m.text);
    assert.ok(link, `the text has a sign-in link: ${m.text}`);
    assert.ok(m.html.includes(`href="${link[0]}"`), 'the HTML the same link');
    assert.ok(m.html.includes('Guest held &lt;i&gt;x&lt;/i&gt;'), 'the name escaped in the HTML');
    assert.ok(m.text.includes('we do not have your signed waiver yet'));
    assert.equal(await q(`select purpose || ' ' || event_id || ' ' || user_id from scc.magic_links
                           where code_hash = sha256(convert_to('${link[1]}', 'UTF8'))`),
      `waiver ${event} ${users.held}`, 'the link is a waiver link bound to them, for this event');
    assert.match(w.log(), /guest_reminders id=\d+: 1/);
    // a second run of the same job mails nobody again
    assert.equal(await q(`select scc.guest_reminders(payload) from scc.jobs where id = ${jobId}`), '0');
  } finally {
    assert.equal((await w.stop()).code, 0);
  }
});
