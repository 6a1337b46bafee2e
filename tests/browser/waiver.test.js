// waiver.test.js — signing a waiver in a real browser (phone viewport,
// Debian's Chromium, a real stack): a guest designated by email opens the
// emailed sign-in link that carries the event, is routed to the waiver (the event
// page's you.next), sees the text as stored with its hash, gives a date of
// birth in the future and sees the error at that field, then signs for
// themself and a child, sees the confirmation with the hash, and lands on
// the event page confirmed and not on hold; the signature's printable page
// shows the record, the session of the browser's sign-in included (029).
// A page whose access cookie is a token from before sid existed signs too:
// api.js refreshes once on 401 invalid_token and the record names the new
// session.  axe-core finds nothing serious on any of them.
//
// The waiver and the event are made with SQL; the guest is designated by
// email through the API and signs in with the link the email carries;
// everything the guest does goes through the pages.
// Screenshots in var/test-logs/browser/.

import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import { startStack } from '../api/lib/stack.js';
import { api, forgeToken, freshEmail, lit, mailedCode, signIn } from '../api/lib/auth.js';
import { launchBrowser, openContext, assertAccessible, screenshot } from './lib/browser.js';

const BODY = '# Release of liability\nSailing has **risks**.\n\n- Wear a lifejacket\n- <img src=x onerror=alert(1)> stays text\n';
const sha = crypto.createHash('sha256').update(BODY, 'utf8').digest('hex');

let stack, browser;
before(async () => {
  stack = await startStack();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await stack?.stop();
});

/** A scheduled event `days` ahead on boat, and a new guest holding a place on it in `state`. */
async function guestOn(boat, title, days, name, state) {
  const ev = await stack.psql(`insert into scc.events (boat_id, title, departure_at, return_at, time_zone, crew_min,
      crew_max, guest_max, state)
    values (${lit(boat)}, ${lit(title)}, now() + interval '${days} days', now() + interval '${days} days 3 hours',
            'America/Los_Angeles', 0, 2, 6, 'scheduled') returning id`);
  const email = freshEmail('b-guest');
  const guest = await stack.psql(`insert into scc.users (email, name, role) values (${lit(email)}, ${lit(name)}, 'guest') returning id`);
  await stack.psql(`insert into scc.event_roles (event_id, user_id, role, state) values (${lit(ev)}, ${lit(guest)}, 'guest', ${lit(state)})`);
  return { ev, email, guest };
}

/** The form's emergency contact, the two statements ticked, and Sign pressed. */
async function contactAgreeSign(page, { name, phone, relationship }) {
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Phone').fill(phone);
  await page.getByLabel('Relationship to you').fill(relationship);
  await page.getByLabel('I have read this waiver and sign it as my own').check();
  await page.getByLabel('I agree to sign and receive records electronically').check();
  await page.getByRole('button', { name: 'Sign the waiver' }).click();
}

test('a guest opens their link, signs for themself and a child, and lands confirmed on the event page', async () => {
  const boat = await stack.psql(`insert into scc.boats (name, port_name, port_lat, port_lon, time_zone, guest_capacity)
    values ('Waiver Boat', 'Shelter Island', 32.7115, -117.2312, 'America/Los_Angeles', 6) returning id`);
  const tpl = await stack.psql(`insert into scc.waiver_templates (name, boat_id) values ('Browser waiver', ${lit(boat)}) returning id`);
  await stack.psql(`insert into scc.waiver_versions (template_id, version, title, body, body_sha256, intent_text,
      consent_text, adult_text, validity)
    values (${lit(tpl)}, 1, 'Release of liability', ${lit(BODY)}, ${lit(sha)},
            'I have read this waiver and sign it as my own', 'I agree to sign and receive records electronically',
            'I am 18 years of age or older', 'event')`);
  // the guest comes the way guests come: an admin designates them by email, and the email
  // carries their own sign-in link for the sail
  const ev = await stack.psql(`insert into scc.events (boat_id, title, departure_at, return_at, time_zone, crew_min,
      crew_max, guest_max, state)
    values (${lit(boat)}, 'Sunset sail', now() + interval '3 days', now() + interval '3 days 3 hours',
            'America/Los_Angeles', 0, 2, 6, 'scheduled') returning id`);
  const admin = await signIn(stack, 'admin');
  const email = freshEmail('b-guest');
  const d = await api(stack, 'POST', `/api/events/${ev}/designate`, { token: admin.access,
    body: { role: 'guest', email, name: 'Gale Guest' } });
  assert.equal(d.status, 201, d.text);
  const guest = await stack.psql(`select id from scc.users where lower(email) = lower(${lit(email)})`);
  const code = await mailedCode(stack, email, 'waiver_link');
  assert.ok(code, 'the designation mailed the guest their own link');

  const { page, problems } = await openContext(browser);
  try {
    // the link: the sign-in page, then the waiver (the page's next step)
    await page.goto(`${stack.url}/signin.html?code=${code}`);
    await page.getByRole('button', { name: `Sign in as ${email}` }).click();
    await page.waitForURL(/\/waiver\.html\?event=/);
    await page.getByRole('heading', { name: 'Release of liability', level: 1 }).waitFor();
    assert.equal(await page.locator('#waiver-hash').textContent(), sha, 'the hash shown');
    const doc = page.locator('article.waiver-doc');
    assert.equal(await doc.locator('h2').textContent(), 'Release of liability');
    assert.equal(await doc.locator('strong').textContent(), 'risks');
    assert.equal(await doc.locator('li').nth(1).textContent(), '<img src=x onerror=alert(1)> stays text');
    assert.equal(await page.locator('img').count(), 0, 'markup in the text stays text');
    await page.getByText('You have not signed this waiver yet.').waitFor();
    await assertAccessible(page, 'the waiver page');
    await screenshot(page, 'waiver-form');

    // a date of birth in the future: its field says so
    await page.getByLabel('Your full legal name').fill('Gale M. Guest');
    await page.getByLabel('I will give my date of birth').check();
    const tomorrow = new Date(Date.now() + 2 * 86400e3).toISOString().slice(0, 10);
    await page.getByLabel('Date of birth', { exact: true }).fill(tomorrow);
    await page.getByRole('button', { name: 'Add a minor' }).click();
    await page.getByLabel('Minor\'s full name').fill('Kit Guest');
    await page.getByLabel('Minor\'s date of birth').fill('2016-05-01');
    await contactAgreeSign(page, { name: 'Mo Guest', phone: '+1 619 555 0100', relationship: 'mother' });
    await page.getByRole('alert').filter({ hasText: 'invalid_date_of_birth' }).waitFor();
    const dob = page.getByLabel('Date of birth', { exact: true });
    assert.equal(await dob.getAttribute('aria-invalid'), 'true', 'the field is marked');
    assert.ok(await dob.evaluate((el) => el === document.activeElement), 'and focused');
    assert.match(await page.locator('label:has(input[name=date_of_birth]) + p.error').textContent(),
      /date_of_birth is in the future/, 'the sentence is next to the field');
    assert.equal(await dob.evaluate((el) => document.getElementById(el.getAttribute('aria-describedby'))?.textContent),
      await page.locator('label:has(input[name=date_of_birth]) + p.error').textContent(), 'and describes it');
    assert.equal(await stack.psql(`select count(*) from scc.waiver_signatures where user_id = ${lit(guest)}`), '0');
    await assertAccessible(page, 'the waiver page with a field error');
    await screenshot(page, 'waiver-field-error');

    // fixed: signed, for themself and the child
    await dob.fill('1988-03-14');
    await page.getByRole('button', { name: 'Sign the waiver' }).click();
    await page.getByRole('heading', { name: 'Waiver signed' }).waitFor();
    assert.equal(await page.locator('#signed-hash').textContent(), sha, 'the confirmation shows the hash');
    await page.getByText('Kit Guest (2016-05-01)').waitFor();
    await page.getByText('You are all set: your place is not on hold.').waitFor();
    await assertAccessible(page, 'the confirmation');
    await screenshot(page, 'waiver-confirmation');
    assert.equal(await stack.psql(`select legal_name || '|' || date_of_birth || '|' || minors::text
        from scc.waiver_signatures where user_id = ${lit(guest)}`),
      'Gale M. Guest|1988-03-14|[{"name": "Kit Guest", "date_of_birth": "2016-05-01"}]');

    // the event page: confirmed, no hold
    await page.getByRole('link', { name: 'Go to the event' }).click();
    await page.waitForURL(/\/event\.html\?id=/);
    await page.getByRole('heading', { name: 'Sunset sail', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'Roster', exact: true }).waitFor();
    assert.equal(await page.locator('#hold-banner').count(), 0, 'no hold banner');
    assert.equal(await stack.psql(`select state from scc.event_roles where event_id = ${lit(ev)} and user_id = ${lit(guest)}`),
      'confirmed');
    await assertAccessible(page, 'the event page after signing');
    await screenshot(page, 'waiver-event-after');

    // the printable record
    const sid = await stack.psql(`select id from scc.waiver_signatures where user_id = ${lit(guest)}`);
    await page.goto(`${stack.url}/waiver-view.html?id=${sid}`);
    await page.getByRole('heading', { name: 'Signed waiver', level: 1 }).waitFor();
    assert.equal(await page.locator('#view-hash').textContent(), sha);
    await page.getByText('Agreed: “I agree to sign and receive records electronically”').waitFor();
    await page.getByText('Kit Guest, born 2016-05-01').waitFor();
    const session = await stack.psql(`select s.id || '|' || scc.iso(s.created_at) from scc.waiver_signatures as w
        join scc.sessions as s on s.id = w.session_id where w.id = ${lit(sid)} and s.user_id = ${lit(guest)}`);
    assert.ok(session, 'the record names a session of the guest\'s');
    const [sessionId, sessionStart] = session.split('|');
    assert.match(await page.locator('#view-session').textContent(),
      new RegExp(`^${sessionId}, signed in ${sessionStart.replace(/\./g, '\\.')} \\(`), 'the viewer shows it with its start');
    await assertAccessible(page, 'the signature viewer');
    await screenshot(page, 'waiver-view');
    assert.deepEqual(problems, []);
  } finally {
    await page.context().close();
  }
});

test('a held guest sees the way to the waiver on the event page', async () => {
  const boat = await stack.psql(`select id from scc.boats where name = 'Waiver Boat'`);
  const { ev, email } = await guestOn(boat, 'Morning sail', 4, 'Hal Held', 'confirmed');
  const code = await stack.psql(`select scc.create_magic_link(${lit(email)}, 'login', 'guest', null, interval '15 minutes', null, null)`);
  const { page, problems } = await openContext(browser);
  try {
    await page.goto(`${stack.url}/signin.html?code=${code}`);
    await page.getByRole('button', { name: `Sign in as ${email}` }).click();
    await page.waitForURL((u) => u.pathname === '/');
    await page.goto(`${stack.url}/event.html?id=${ev}`);
    const banner = page.locator('#hold-banner');
    await banner.getByText('Your place is on hold until you sign the waiver.').waitFor();
    await assertAccessible(page, 'the event page of a held guest');
    await screenshot(page, 'waiver-hold-banner');
    await banner.getByRole('link', { name: 'Sign the waiver' }).click();
    await page.waitForURL(new RegExp(`/waiver\\.html\\?event=${ev}`));
    await page.getByRole('heading', { name: 'Release of liability', level: 1 }).waitFor();
    assert.deepEqual(problems, []);
  } finally {
    await page.context().close();
  }
});

test('a page holding a token from before sid: signing refreshes once, and the record names the new session', async () => {
  const boat = await stack.psql(`select id from scc.boats where name = 'Waiver Boat'`);
  const { ev, email, guest } = await guestOn(boat, 'Evening sail', 5, 'Olive Oldtoken', 'confirmed');
  const code = await stack.psql(`select scc.create_magic_link(${lit(email)}, 'login', 'guest', null, interval '15 minutes', null, null)`);
  const { context, page, problems } = await openContext(browser);
  try {
    const r = await context.request.post(`${stack.url}/api/auth/redeem`, { data: { code }, headers: { origin: stack.url } });
    assert.equal(r.status(), 200, await r.text());
    const first = await stack.psql(`select id || '|' || scc.iso(created_at) from scc.sessions where user_id = ${lit(guest)}`);
    // the access cookie becomes a good token without sid, as one signed before 029
    const now = Math.floor(Date.now() / 1000);
    await context.addCookies([{ name: 'scc_at', value: forgeToken(stack, { sub: guest, role: 'guest', iat: now, exp: now + 600 }),
      domain: '127.0.0.1', path: '/api', httpOnly: true, sameSite: 'Strict' }]);
    const cookies = await context.cookies(stack.url + '/api/');
    assert.equal(cookies.filter((c) => c.name === 'scc_at').length, 1, 'one access cookie, replaced');

    await page.goto(`${stack.url}/waiver.html?event=${ev}`);
    await page.getByRole('heading', { name: 'Release of liability', level: 1 }).waitFor();
    await page.getByLabel('Your full legal name').fill('Olive Oldtoken');
    await contactAgreeSign(page, { name: 'Pat Oldtoken', phone: '+1 619 555 0102', relationship: 'partner' });
    await page.getByRole('heading', { name: 'Waiver signed' }).waitFor();

    const [firstId, firstStart] = first.split('|');
    const rec = await stack.psql(`select w.session_id || '|' || scc.iso(w.session_started_at) || '|' || s.family
        || '|' || (select family from scc.sessions where id = ${lit(firstId)})
        from scc.waiver_signatures as w join scc.sessions as s on s.id = w.session_id where w.user_id = ${lit(guest)}`);
    const [recId, recStart, recFamily, firstFamily] = rec.split('|');
    assert.notEqual(recId, firstId, 'the session of the refreshed token, not the first row');
    assert.equal(recFamily, firstFamily, 'in the same sign-in');
    assert.equal(recStart, firstStart, 'which began at the redeem');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
