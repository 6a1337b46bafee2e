// sail.test.js — one whole sail in Chromium on a phone-sized screen, every
// step through the pages: an admin adds a boat and a scheduled event (its
// checklists copied from the templates), designates a captain by email;
// the captain signs in from the mailed invite, accepts, walks the
// pre-departure checklist, starts boarding, casts off, marks the boat
// returned, answers the post-trip item and closes the event.  A crew
// member's claim (through the API, as crew do from their own phones) makes
// up the crew minimum.  axe-core on each page; screenshots in
// var/test-logs/browser/sail-*.png.

import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import { startStack } from '../api/lib/stack.js';
import { api, freshEmail, mailedCode, signIn } from '../api/lib/auth.js';
import { launchBrowser, openContext, signInAs, assertAccessible, screenshot, localInput } from './lib/browser.js';

let stack, browser;
before(async () => {
  stack = await startStack();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await stack?.stop();
});

const TZ = 'America/Los_Angeles';

test('a sail from a new boat to its close, through the pages', async () => {
  const tag = crypto.randomBytes(3).toString('hex');
  const boatName = `Whole Sail ${tag}`;
  const title = `Evening sail ${tag}`;
  const captainEmail = freshEmail('sail-captain');
  const admin = await openContext(browser);
  let eventId;
  try {
    await signInAs(admin.context, stack, 'admin');
    // the business's checklist templates, by another admin through the API
    // (the editor has its own test)
    const boss = await signIn(stack, 'admin');
    for (const [phase, name, items] of [
      ['pre', `Before ${tag}`, [{ label: 'Life jackets aboard', kind: 'check' },
        { label: 'Sea state', kind: 'choice', options: ['calm', 'choppy', 'rough'] }]],
      ['post', `After ${tag}`, [{ label: 'Boat rinsed', kind: 'check' }]]]) {
      const r = await api(stack, 'POST', '/api/checklist-templates', { token: boss.access, body: { name, phase, items } });
      assert.equal(r.status, 201, r.text);
    }

    const { page } = admin;
    await page.goto(`${stack.url}/admin-boats.html`);
    await page.getByRole('heading', { name: 'Add a boat' }).waitFor();
    await page.getByLabel('Name').fill(boatName);
    await page.getByLabel('Home port').fill('Shelter Island');
    await page.getByLabel('Latitude').fill('32.7142');
    await page.getByLabel('Longitude').fill('-117.2286');
    await page.getByLabel('Guest capacity').fill('6');
    await page.getByLabel('Crew minimum').fill('1');
    await page.getByLabel('Crew maximum').fill('2');
    await page.getByRole('button', { name: 'Add boat' }).click();
    await page.getByRole('status').filter({ hasText: `${boatName} added.` }).waitFor();

    await page.goto(`${stack.url}/events.html`);
    await page.getByRole('button', { name: 'New event' }).click();
    await page.locator('#ne-boat').selectOption({ label: boatName });
    await page.getByLabel('Title').fill(title);
    const dep = Date.now() + 90 * 60e3;
    await page.getByLabel('Departure').fill(localInput(dep, TZ));
    await page.getByLabel('Return').fill(localInput(dep + 2.5 * 3600e3, TZ));
    await page.getByLabel('State').selectOption('scheduled');
    await page.getByRole('button', { name: 'Create event' }).click();
    await page.waitForURL(/\/event\.html\?id=/);
    eventId = new URL(page.url()).searchParams.get('id');
    await page.locator('.badge.state-scheduled').waitFor();
    // the templates were copied when it was scheduled
    await page.locator('[data-phase=pre]').getByText('0 of 2 required done').waitFor();

    await page.getByRole('button', { name: 'Designate someone' }).click();
    const dialog = page.getByRole('dialog', { name: 'Designate someone' });
    await dialog.getByLabel('Role').selectOption('captain');
    await dialog.getByLabel('Email', { exact: true }).fill(captainEmail);
    await dialog.getByLabel('Name (optional)').fill('Skipper Sam');
    await assertAccessible(page, 'the designate dialog');
    await dialog.getByRole('button', { name: 'Designate' }).click();
    await page.getByText('Invited Skipper Sam as captain').waitFor();
    await assertAccessible(page, 'the event page, captain invited');
    await screenshot(page, 'sail-1-admin-designated');
    assert.deepEqual(admin.problems, []);
  } finally {
    await admin.context.close();
  }

  // a crew member claims from their phone
  const deck = await signIn(stack, 'crew');
  const claim = await api(stack, 'POST', `/api/events/${eventId}/roles/crew/claim`, { token: deck.access });
  assert.equal(claim.status, 201, claim.text);

  // the captain: the invite from the mail, then the event
  const cap = await openContext(browser);
  try {
    const { page } = cap;
    const code = await mailedCode(stack, captainEmail, 'invite');
    await page.goto(`${stack.url}/signin.html?code=${code}`);
    await page.getByRole('button', { name: `Sign in as ${captainEmail}` }).click();
    // waivers: signing (helper B): a link that carries an event lands on that event's page
    await page.waitForURL(`${stack.url}/event.html?id=${eventId}`);
    await page.getByRole('heading', { name: title }).waitFor();
    await page.getByRole('button', { name: 'Accept' }).click();
    await page.getByText('You accepted the captain place.').waitFor();

    const pre = page.locator('[data-phase=pre]');
    await pre.getByRole('button', { name: 'Mark done' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved: Life jackets aboard' }).waitFor();
    await pre.getByRole('group', { name: 'Sea state' }).getByRole('button', { name: 'calm' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved: Sea state' }).waitFor();
    await pre.getByText('2 of 2 required done').waitFor();
    await assertAccessible(page, 'the event page, checklist done');
    await screenshot(page, 'sail-2-captain-checklist');

    await page.getByRole('button', { name: 'Start boarding' }).click();
    await page.locator('.badge.state-boarding').waitFor();
    const castOff = page.getByRole('button', { name: 'Cast off (underway)' });
    assert.equal(await castOff.isDisabled(), false, 'nothing is missing for underway');
    await castOff.click();
    await page.locator('.badge.state-underway').waitFor();
    await screenshot(page, 'sail-3-underway');
    await page.getByRole('button', { name: 'Mark returned' }).click();
    await page.locator('.badge.state-returned').waitFor();

    const close = page.getByRole('button', { name: 'Close' , exact: true });
    assert.equal(await close.isDisabled(), true, 'closing waits for the post-trip items');
    await page.locator('[data-phase=post]').getByRole('button', { name: 'Mark done' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved: Boat rinsed' }).waitFor();
    await close.click();
    await page.locator('.badge.state-closed').waitFor();
    await assertAccessible(page, 'the event page, closed');
    await screenshot(page, 'sail-4-closed');
    assert.deepEqual(cap.problems, []);
  } finally {
    await cap.context.close();
  }

  // what the database kept: the lifecycle, each step audited, the return time
  assert.equal(await stack.psql(`select state || ' ' || (actual_return_at is not null) from scc.events where id = '${eventId}'`),
    'closed true');
  assert.equal(await stack.psql(`select string_agg(after ->> 'state', ',' order by id) from scc.audit_log
                                  where entity = 'event' and entity_id = '${eventId}' and action = 'event.transition'`),
  'boarding,underway,returned,closed');
});
