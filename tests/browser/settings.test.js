// settings.test.js — your own settings and the people page in a real
// browser (Debian's Chromium, phone-sized): a crew member changes their name
// (markup stays text), turns notification emails off, makes their calendar
// link and the feed behind it answers with their sail, makes a new one and
// the old one dies; a refused name is named and its field marked.  An admin
// finds a person, changes their role, invites someone and disables an
// account.  axe-core on each page finds nothing serious.

import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startStack } from '../api/lib/stack.js';
import { lit, signIn } from '../api/lib/auth.js';
import { launchBrowser, openContext, signInAs, assertAccessible, screenshot } from './lib/browser.js';

let stack, browser;
before(async () => {
  stack = await startStack();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await stack?.stop();
});

test('a crew member changes name and notifications, makes a calendar link, and the feed answers', async () => {
  const { context, page, problems } = await openContext(browser);
  try {
    const me = await signInAs(context, stack, 'crew', { name: 'Ann Crew' });
    const boat = await stack.psql(`
      insert into scc.boats (name, port_name, port_lat, port_lon, time_zone, guest_capacity)
      values ('Browser Otter', 'Shelter Island', 32.7157, -117.228, 'America/Los_Angeles', 4) returning id`);
    const event = await stack.psql(`
      insert into scc.events (boat_id, title, departure_at, return_at, time_zone, crew_min, crew_max, guest_max, state)
      values (${lit(boat)}, 'Evening sail', now() + interval '1 day', now() + interval '1 day 3 hours',
              'America/Los_Angeles', 1, 2, 0, 'scheduled') returning id`);
    await stack.psql(`insert into scc.event_roles (event_id, user_id, role, state)
                      values (${lit(event)}, ${lit(me.id)}, 'crew', 'confirmed')`);

    await page.goto(`${stack.url}/settings.html`);
    await page.getByRole('heading', { name: 'You' }).waitFor();
    assert.equal(await page.locator('#shell a[aria-current=page]').textContent(), 'Settings');
    assert.equal(await page.getByLabel('Name').inputValue(), 'Ann Crew');
    assert.equal(await page.getByLabel('Send me notification emails').isChecked(), true);
    await assertAccessible(page, 'settings page');

    // a name with markup is text, and notifications go off
    await page.getByLabel('Name').fill('Ann <b>Sailor</b>');
    await page.getByLabel('Phone').fill('+1 619 555 0100');
    await page.getByLabel('Send me notification emails').uncheck();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('#profile-status').filter({ hasText: 'Saved. Notification emails are off.' }).waitFor();
    assert.equal(await stack.psql(`select name || '|' || phone || '|' || notify_email from scc.users where id = ${lit(me.id)}`),
      'Ann <b>Sailor</b>|+1 619 555 0100|false');
    assert.equal(await page.locator('main b').count(), 0, 'no markup from a value');

    // a refused name: the message names it, the field is marked and focused
    await page.getByLabel('Name').fill('   ');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('#profile-error').filter({ hasText: 'invalid_name' }).waitFor();
    assert.match(await page.locator('#profile-error').textContent(), /name must be 1 to 200 characters/);
    assert.equal(await page.getByLabel('Name').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'set-name');
    assert.equal(await stack.psql(`select name from scc.users where id = ${lit(me.id)}`), 'Ann <b>Sailor</b>');

    // the values stay after a reload
    await page.reload();
    await page.getByRole('heading', { name: 'You' }).waitFor();
    assert.equal(await page.getByLabel('Name').inputValue(), 'Ann <b>Sailor</b>');
    assert.equal(await page.getByLabel('Send me notification emails').isChecked(), false);

    // the calendar link: made, shown with its webcal twin, and it works
    assert.match(await page.locator('#calendar-since').textContent(), /no calendar link yet/);
    await page.getByRole('button', { name: 'Make a calendar link' }).click();
    await page.locator('#calendar-url').waitFor();
    const url = await page.locator('#calendar-url').inputValue();
    assert.match(url, new RegExp(`^${stack.url}/api/calendar/[A-Za-z0-9_-]{22}$`));
    assert.equal(await page.locator('#calendar-webcal').getAttribute('href'),
      url.replace(/^http:\/\//, 'webcal://'));
    assert.match(await page.locator('#calendar-status').textContent(), /ready/);
    await assertAccessible(page, 'settings page with a calendar link');
    await screenshot(page, 'settings-calendar');

    const feed = await page.request.get(url);
    assert.equal(feed.status(), 200);
    assert.equal(feed.headers()['content-type'], 'text/calendar; charset=utf-8');
    const text = await feed.text();
    assert.match(text, /^BEGIN:VCALENDAR\r\n/);
    assert.ok(text.includes(`UID:${event}@scc\r\n`), 'the sail is in the feed');
    assert.ok(text.includes('SUMMARY:Evening sail\r\n'));
    assert.ok(text.includes('X-WR-CALNAME:SCC: Ann <b>Sailor</b>\r\n'));

    // a new link: asked first, then the old one stops working
    await page.getByRole('button', { name: 'Make a new calendar link' }).click();
    const dialog = page.getByRole('dialog', { name: 'Make a new calendar link?' });
    await dialog.waitFor();
    await assertAccessible(page, 'settings page, new-link dialog');
    await dialog.getByRole('button', { name: 'Make a new link' }).click();
    await page.waitForFunction((old) => document.getElementById('calendar-url')?.value !== old, url);
    const url2 = await page.locator('#calendar-url').inputValue();
    assert.notEqual(url2, url);
    assert.equal((await page.request.get(url)).status(), 404);
    assert.equal((await page.request.get(url2)).status(), 200);

    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('an admin finds a person, changes a role, invites someone and disables an account', async () => {
  const { context, page, problems } = await openContext(browser);
  try {
    await signInAs(context, stack, 'admin');
    const target = await signIn(stack, 'guest', { name: 'Pat Target' });
    const gone = await signIn(stack, 'crew', { name: 'Gone Crew' });

    await page.goto(`${stack.url}/admin-users.html`);
    await page.getByRole('heading', { name: 'People and invites' }).waitFor();
    await page.locator('#users-list li').first().waitFor();
    await assertAccessible(page, 'people page');

    await page.getByLabel('Search by name or email').fill('Pat Target');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.locator('#users-status').filter({ hasText: '1 person matches' }).waitFor();
    const item = page.locator('#users-list li').filter({ hasText: 'Pat Target' });
    await item.getByLabel('Role of Pat Target').selectOption('crew');
    await item.getByRole('button', { name: 'Change role' }).click();
    await item.getByRole('status').filter({ hasText: 'Pat Target is now crew.' }).waitFor();
    assert.equal(await stack.psql(`select role from scc.users where id = ${lit(target.id)}`), 'crew');

    // an invite, and a refused one naming its field
    const email = `invited-${Date.now()}@test.example`;
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Name (optional)').fill('New <i>Person</i>');
    await page.getByLabel('Role', { exact: true }).selectOption('captain');
    await page.getByRole('button', { name: 'Send invite' }).click();
    await page.locator('#invite-status').filter({ hasText: `Invite sent to ${email} as captain` }).waitFor();
    assert.equal(await stack.psql(`select count(*) from scc.magic_links where email = ${lit(email)} and role = 'captain'`), '1');
    await page.getByLabel('Email', { exact: true }).fill('not an address');
    await page.getByRole('button', { name: 'Send invite' }).click();
    await page.locator('#invite-error').filter({ hasText: 'invalid_email' }).waitFor();
    assert.equal(await page.getByLabel('Email', { exact: true }).getAttribute('aria-invalid'), 'true');

    // disabling asks for a reason in a dialog
    await page.getByLabel('Search by name or email').fill('Gone Crew');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.locator('#users-status').filter({ hasText: '1 person matches' }).waitFor();
    await page.locator('#users-list li').filter({ hasText: 'Gone Crew' }).getByRole('button', { name: 'Disable' }).click();
    const dialog = page.getByRole('dialog', { name: 'Disable Gone Crew?' });
    await dialog.waitFor();
    await dialog.getByLabel('Reason (kept in the audit log)').fill('left the club');
    await dialog.getByRole('button', { name: 'Disable' }).click();
    await page.locator('#users-status').filter({ hasText: 'Gone Crew is disabled.' }).waitFor();
    await page.locator('#users-list li').filter({ hasText: 'Gone Crew' }).locator('.badge').filter({ hasText: 'disabled' }).waitFor();
    assert.equal(await stack.psql(`select reason from scc.audit_log where entity_id = ${lit(gone.id)} and action like 'user.disable%' order by id desc limit 1`),
      'left the club');
    await assertAccessible(page, 'people page after changes');
    await screenshot(page, 'admin-users');

    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
