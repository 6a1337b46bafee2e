// events.test.js — the events pages in Chromium on a phone-sized screen:
// an admin adds a boat on admin-boats.html, creates a scheduled event on
// events.html (times typed as the boat's local time), lands on the event
// page, sees the timing panel against the sun and moves it to boarding,
// the next step then naming what it still needs; a crew member sees the
// event in the list with its fill bars.  axe-core on every page: no
// serious or critical violation.  Screenshots in var/test-logs/browser/.

import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import { startStack } from '../api/lib/stack.js';
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

test('an admin adds a boat, creates and schedules an event, sees its timing and boards it; crew see it listed', async () => {
  const boatName = `Sea Wolf ${crypto.randomBytes(3).toString('hex')}`;
  const title = `Sunset sail ${crypto.randomBytes(3).toString('hex')}`;
  const { context, page, problems } = await openContext(browser);
  try {
    await signInAs(context, stack, 'admin');

    // the fleet page: add a boat
    await page.goto(`${stack.url}/admin-boats.html`);
    await page.getByRole('heading', { name: 'Add a boat' }).waitFor();
    await page.getByLabel('Name').fill(boatName);
    await page.getByLabel('Home port').fill('Shelter Island');
    await page.getByLabel('Latitude').fill('32.7157');
    await page.getByLabel('Longitude').fill('-117.2289');
    await page.getByLabel('Guest capacity').fill('6');
    await page.getByLabel('Crew minimum').fill('1');
    await page.getByLabel('Crew maximum').fill('3');
    await page.getByRole('button', { name: 'Add boat' }).click();
    await page.locator('#boat-list li').filter({ hasText: boatName }).waitFor();
    await page.getByRole('status').filter({ hasText: `${boatName} added.` }).waitFor();
    await assertAccessible(page, 'admin-boats.html');
    await screenshot(page, 'events-admin-boats');

    // the events page: a new scheduled event, departing in an hour
    await page.goto(`${stack.url}/events.html`);
    await page.getByRole('button', { name: 'New event' }).click();
    await page.getByLabel('Boat', { exact: true }).first().waitFor();
    await page.locator('#ne-boat').selectOption({ label: boatName });
    await page.getByLabel('Title').fill(title);
    const dep = Date.now() + 3600e3;
    await page.getByLabel('Departure').fill(localInput(dep, TZ));
    await page.getByLabel('Return').fill(localInput(dep + 3 * 3600e3, TZ));
    assert.equal(await page.getByLabel('State').inputValue(), 'draft', 'a new event is a draft unless asked');
    await assertAccessible(page, 'events.html with the new-event form');
    await page.getByRole('button', { name: 'Create event' }).click();

    // the event page
    await page.waitForURL(/\/event\.html\?id=/);
    const eventId = new URL(page.url()).searchParams.get('id');
    await page.getByRole('heading', { name: title }).waitFor();
    const timing = page.locator('#timing');
    await timing.getByRole('heading', { name: 'Timing' }).waitFor();
    const text = await timing.textContent();
    for (const k of ['Departure', 'Return', 'Duration', '3 h 00 min', 'Sunrise', 'Sunset', 'Civil dusk', TZ]) {
      assert.ok(text.includes(k), `the timing panel shows ${k}: ${text}`);
    }
    assert.match(await page.locator('#countdown').textContent(), /^Departs in (59 min|1 h 00 min)$/);
    // the departure typed as Los Angeles wall-clock time is the instant stored
    const stored = await stack.psql(`select extract(epoch from departure_at)::bigint from scc.events where id = '${eventId}'`);
    assert.ok(Math.abs(Number(stored) - Math.floor(dep / 60000) * 60) <= 60, `departure ${stored} vs ${dep / 1000}`);
    assert.equal(await page.locator('.badge.state-draft').count(), 1, 'a draft');
    await assertAccessible(page, 'event.html (draft)');
    await page.getByRole('button', { name: 'Schedule' }).click();
    await page.locator('.badge.state-scheduled').waitFor();
    await page.getByRole('status').filter({ hasText: 'The event is scheduled now.' }).waitFor();
    await assertAccessible(page, 'event.html (scheduled)');
    await screenshot(page, 'events-event-scheduled');

    await page.getByRole('button', { name: 'Start boarding' }).click();
    await page.locator('.badge.state-boarding').waitFor();
    const underway = page.getByRole('button', { name: 'Cast off (underway)' });
    assert.equal(await underway.isDisabled(), true, 'underway is not ready');
    const missing = await page.locator('#missing-underway li').allTextContents();
    assert.deepEqual(missing, ['the event needs a confirmed captain', 'the event needs at least 1 crew (has 0)']);
    assert.equal(await page.getByRole('button', { name: 'Force underway…' }).count(), 1, 'an admin may force');
    await assertAccessible(page, 'event.html boarding');
    await screenshot(page, 'events-event-boarding');

    // underway and past its return + grace: the page says OVERDUE, as an alert
    await stack.psql(`update scc.events set state = 'underway', departure_at = now() - interval '4 hours',
                      return_at = now() - interval '1 hour' where id = '${eventId}'`);
    await page.reload();
    const overdue = page.locator('#overdue');
    await overdue.waitFor();
    assert.equal(await overdue.getAttribute('role'), 'alert');
    assert.equal(await overdue.getAttribute('class'), 'danger');
    assert.match(await overdue.textContent(), /^OVERDUE: still underway past /);
    assert.match(await page.locator('#countdown').textContent(), /^Due back 1 h 0\d min ago$/);
    await assertAccessible(page, 'event.html overdue');
    await screenshot(page, 'events-event-overdue');
    assert.deepEqual(problems, []);

    // a crew member sees it in the list
    const crew = await openContext(browser);
    try {
      await signInAs(crew.context, stack, 'crew');
      await crew.page.goto(`${stack.url}/events.html`);
      const card = crew.page.locator('#event-list li').filter({ hasText: title });
      await card.waitFor();
      assert.ok((await card.textContent()).includes(boatName));
      assert.equal(await card.locator('meter').count(), 3, 'fill bars for captain, crew and guests');
      assert.equal(await card.getByRole('link', { name: title }).getAttribute('href'), `/event.html?id=${eventId}`);
      assert.equal(await crew.page.getByRole('button', { name: 'New event' }).count(), 0, 'crew cannot create');
      await assertAccessible(crew.page, 'events.html as crew');
      await screenshot(crew.page, 'events-list-crew');
      await crew.page.getByRole('tab', { name: 'Past' }).click();
      await crew.page.getByRole('status').filter({ hasText: /No events here|events?$/ }).waitFor();
      assert.equal(await crew.page.locator('#event-list li').filter({ hasText: title }).count(), 0, 'not among past events');
      assert.deepEqual(crew.problems, []);
    } finally {
      await crew.context.close();
    }
  } finally {
    await context.close();
  }
});
