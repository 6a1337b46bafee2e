// guests.test.js — guests in a real browser (phone viewport, Debian's
// Chromium, a real stack): a guest the captain designated by email opens
// the emailed link, signs in through it and lands on the route for their
// next step (the waiver page, waiver.html?event=ID: the page is another
// part's, so the test asserts the address and that the event page's
// you.next is 'waiver', not the page's content); the captain's roster shows
// who is on hold; the party page takes a name and an email (a refused field
// named and marked) and ends on "check your email", a name full of markup
// staying text on the captain's roster.  axe-core finds nothing serious on
// any of them.  Screenshots in var/test-logs/browser/.

import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startStack } from '../api/lib/stack.js';
import { api, freshEmail, lit, mailedCode, signIn } from '../api/lib/auth.js';
import { makeGlobalWaiver } from '../api/lib/guests.js';
import { launchBrowser, openContext, signInAs, assertAccessible, screenshot } from './lib/browser.js';

let stack, browser, boat, captain;
before(async () => {
  stack = await startStack();
  browser = await launchBrowser();
  boat = await stack.psql(`insert into scc.boats (name, port_name, port_lat, port_lon, time_zone, guest_capacity)
    values ('Browser Guest Boat', 'Shelter Island', 32.7115, -117.2312, 'America/Los_Angeles', 12) returning id`);
  // a global waiver: scheduled events require it, so guests are held
  await makeGlobalWaiver(stack, 'Browser guests waiver');
  captain = await signIn(stack, 'captain', { name: 'Cora Captain' });
});
after(async () => {
  await browser?.close();
  await stack?.stop();
});

let n = 0;
async function makeEvent() {
  n += 1;
  const ev = await stack.psql(`insert into scc.events (boat_id, title, departure_at, return_at, time_zone, crew_min,
      crew_max, guest_max, state)
    values (${lit(boat)}, 'Guest sail ${n}', now() + interval '72 hours', now() + interval '75 hours',
            'America/Los_Angeles', 0, 2, 6, 'scheduled') returning id`);
  await stack.psql(`insert into scc.event_roles (event_id, user_id, role, state, reason)
    values (${lit(ev)}, ${lit(captain.id)}, 'captain', 'confirmed', 'fixture')`);
  return ev;
}
const roster = (page) => page.getByRole('heading', { name: 'Roster', exact: true }).locator('xpath=..');

/** The event page as its captain (a fresh phone context): check(page, the roster's guest card). */
async function asCaptain(ev, check) {
  const { context, page, problems } = await openContext(browser);
  try {
    await signInAs(context, stack, 'captain', { email: captain.email, name: 'Cora Captain' });
    await page.goto(`${stack.url}/event.html?id=${ev}`);
    await check(page, roster(page).locator('[data-role="guest"]'));
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
}

test('a guest designated by email signs in through the emailed link and lands on the waiver; the captain sees the hold', async () => {
  const ev = await makeEvent();
  const email = freshEmail('b-guest');
  const d = await api(stack, 'POST', `/api/events/${ev}/designate`, { token: captain.access,
    body: { role: 'guest', email, name: 'Gala Guest' } });
  assert.equal(d.status, 201, d.text);
  const code = await mailedCode(stack, email, 'waiver_link');

  const { context, page, problems } = await openContext(browser);
  try {
    await page.goto(`${stack.url}/signin.html?code=${code}`);
    await page.getByText(`This link signs in ${email} to see their sail and sign its waiver.`).waitFor();
    await assertAccessible(page, 'the sign-in page of a waiver link');
    await screenshot(page, 'guests-signin');
    await page.getByRole('button', { name: `Sign in as ${email}` }).click();
    await page.waitForURL((u) => u.pathname === '/waiver.html');
    assert.equal(new URL(page.url()).searchParams.get('event'), ev, 'the waiver page of this event');
    // the API says the same, for the signed-in guest (the browser's own cookies)
    const page2 = await context.request.get(`${stack.url}/api/events/${ev}`);
    const body = await page2.json();
    assert.equal(body.you.next, 'waiver');
    assert.equal(body.you.places[0].hold, 'waiver_missing');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }

  // the captain's roster: who is on hold
  await asCaptain(ev, async (page, guestCard) => {
    await guestCard.getByText('Gala Guest').waitFor();
    await guestCard.getByText('on hold: waiver not signed').waitFor();
    await assertAccessible(page, 'the roster with a held guest');
    await screenshot(page, 'guests-roster-hold');
  });
});

test('the party page: the sail, a refused name, then "check your email"; a name full of markup stays text', async () => {
  const ev = await makeEvent();
  const link = await api(stack, 'POST', `/api/events/${ev}/party-links`, { token: captain.access,
    body: { seats: 4, expires_at: new Date(Date.now() + 86400e3).toISOString(), note: 'the Smiths' } });
  assert.equal(link.status, 201, link.text);

  const { context, page, problems } = await openContext(browser);
  try {
    await page.goto(`${stack.url}${link.body.url}`);
    await page.getByRole('heading', { name: `Guest sail ${n}` }).waitFor();
    await page.getByText('4 seats left.').waitFor();
    await page.getByText('Browser Guest Boat from Shelter Island').waitFor();
    assert.equal(await page.getByText('the Smiths').count(), 0, 'the note is not shown to the public');
    await assertAccessible(page, 'the party page');
    await screenshot(page, 'guests-party');

    // a whitespace-only name: refused, named, marked and focused
    const name = page.getByLabel('Your full name');
    await name.fill('   ');
    await page.getByLabel('Your email').fill(freshEmail('b-party'));
    await page.getByRole('button', { name: 'Join this sail' }).click();
    await page.getByRole('alert').filter({ hasText: 'name_required' }).waitFor();
    assert.equal(await name.getAttribute('aria-invalid'), 'true');
    assert.ok(await name.evaluate((el) => el === document.activeElement), 'the refused field has the focus');
    assert.equal(await stack.psql(`select count(*) from scc.party_link_uses`), '0', 'and nothing was made');

    const email = freshEmail('b-party');
    await name.fill('Pia <b>Party</b>');
    await page.getByLabel('Your email').fill(email);
    await page.getByRole('button', { name: 'Join this sail' }).click();
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    await page.getByText(email).waitFor();
    await assertAccessible(page, 'the party page, confirmed');
    await screenshot(page, 'guests-party-check-email');
    assert.ok(await mailedCode(stack, email, 'waiver_link'), 'the sign-in link was mailed');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }

  await asCaptain(ev, async (page, guestCard) => {
    await guestCard.getByText('Pia <b>Party</b>').waitFor();
    assert.equal(await page.locator('b').count(), 0, 'a name full of markup stays text');
  });
});
