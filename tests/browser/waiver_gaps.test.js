// waiver_gaps.test.js — issue 10's last gaps in a real browser (phone
// viewport, Debian's Chromium, a real stack): an admin on the event page
// sees the waiver version the event requires beside a newer one, moves it
// on with a reason and reads how many guests are held and were emailed (the
// roster then shows the signer as outdated); the event's captain makes a
// party link on the event page, sees it listed with its seats, revokes it
// with a reason, and the link's page then says it no longer works; a crew
// member on the event sees no party links.  axe-core finds nothing serious
// on any of them.  Screenshots in var/test-logs/browser/.

import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startStack } from '../api/lib/stack.js';
import { lit, signIn } from '../api/lib/auth.js';
import { addWaiverVersion } from '../api/lib/guests.js';
import { launchBrowser, openContext, signInAs, assertAccessible, screenshot } from './lib/browser.js';

let stack, browser, boat, tpl, captain;
before(async () => {
  stack = await startStack();
  browser = await launchBrowser();
  boat = await stack.psql(`insert into scc.boats (name, port_name, port_lat, port_lon, time_zone, guest_capacity)
    values ('Browser Gaps Boat', 'Shelter Island', 32.7115, -117.2312, 'America/Los_Angeles', 12) returning id`);
  tpl = await stack.psql(`insert into scc.waiver_templates (name, boat_id) values ('Harbour waiver', ${lit(boat)}) returning id`);
  await version(1);
  captain = await signIn(stack, 'captain', { name: 'Cora Captain' });
});
after(async () => {
  await browser?.close();
  await stack?.stop();
});

const version = (v) => addWaiverVersion(stack, tpl, v);
let n = 0;
async function makeEvent() {
  n += 1;
  const ev = await stack.psql(`insert into scc.events (boat_id, title, departure_at, return_at, time_zone, crew_min,
      crew_max, guest_max, state)
    values (${lit(boat)}, 'Gaps sail ${n}', now() + interval '72 hours', now() + interval '75 hours',
            'America/Los_Angeles', 0, 2, 6, 'scheduled') returning id`);
  await stack.psql(`insert into scc.event_roles (event_id, user_id, role, state, reason)
    values (${lit(ev)}, ${lit(captain.id)}, 'captain', 'confirmed', 'fixture')`);
  return ev;
}
async function guest(ev, name, signed) {
  const g = await signIn(stack, 'guest', { name });
  await stack.psql(`insert into scc.event_roles (event_id, user_id, role, state) values (${lit(ev)}, ${lit(g.id)}, 'guest', 'confirmed')`);
  if (signed) {
    await stack.psql(`insert into scc.waiver_signatures (version_id, body_sha256, event_id, user_id, legal_name, email,
        adult_statement, intent_text, consent_text, emergency_name, emergency_phone, emergency_relationship)
      select e.waiver_version_id, '', e.id, ${lit(g.id)}, ${lit(name)}, ${lit(g.email)}, v.adult_text, v.intent_text,
             v.consent_text, 'Kim', '+1 619 555 0100', 'sister'
        from scc.events as e join scc.waiver_versions as v on v.id = e.waiver_version_id where e.id = ${lit(ev)}`);
  }
  return g;
}

test('an admin moves an event on to the newer waiver from the event page: the held and mailed counts shown', async () => {
  const ev = await makeEvent();
  const signer = await guest(ev, 'Sam Signer', true);
  await guest(ev, 'Una Unsigned', false);
  await version(2);

  const { context, page, problems } = await openContext(browser);
  try {
    await signInAs(context, stack, 'admin', { name: 'Ada Admin' });
    await page.goto(`${stack.url}/event.html?id=${ev}`);
    const card = page.locator('#waiver-card');
    await card.getByText('Guests must sign Harbour waiver, version 1').waitFor();
    await card.getByText('Newer: Harbour waiver, version 2').waitFor();
    await card.getByText('1 guest of 2 on hold.').waitFor();
    await assertAccessible(page, 'the event page with the waiver card');
    await screenshot(page, 'waiver-gaps-card');

    await card.getByRole('button', { name: 'Require version 2' }).click();
    const dialog = page.getByRole('dialog', { name: 'Require version 2' });
    await dialog.getByText('Everyone who signed the old one is on hold until they sign again').waitFor();
    await assertAccessible(page, 'the move dialog');
    await dialog.getByLabel('Reason (kept in the audit log)').fill('A wind clause was added');
    await dialog.getByRole('button', { name: 'Require version 2' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.locator('#waiver-card-status')
      .getByText('Version 2 is required now: 2 guests are on hold, 1 guest was emailed their waiver link.').waitFor();
    await card.getByText('Guests must sign Harbour waiver, version 2').waitFor();
    await card.getByText('2 guests of 2 on hold.').waitFor();
    await card.getByText('This is the current version.').waitFor();
    assert.equal(await card.getByRole('button', { name: /Require version/ }).count(), 0, 'nothing newer to move to');
    await page.locator('[data-role="guest"]').getByText('on hold: waiver outdated').waitFor();
    await assertAccessible(page, 'the event page after the move');
    await screenshot(page, 'waiver-gaps-moved');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
  assert.equal(await stack.psql(`select count(*) from scc.jobs where kind = 'email'
      and payload ->> 'template' = 'waiver_link' and payload ->> 'to' = ${lit(signer.email)}`), '1', 'the signer was mailed');
  assert.equal(await stack.psql(`select reason from scc.audit_log where action = 'event.waiver_version' and entity_id = ${lit(ev)}`),
    'A wind clause was added');
});

test('the event\'s captain makes a party link, sees its seats, revokes it; its page then says it does not work', async () => {
  const ev = await makeEvent();
  let url;
  const { context, page, problems } = await openContext(browser);
  try {
    await signInAs(context, stack, 'captain', { email: captain.email, name: 'Cora Captain' });
    await page.goto(`${stack.url}/event.html?id=${ev}`);
    const links = page.locator('#party-links');
    await links.getByText('No party links yet.').waitFor();
    await links.getByLabel('Seats').fill('3');
    await links.getByLabel('Note (for you: whose party)').fill('The <b>Smith</b> party');
    await links.getByRole('button', { name: 'Make the link' }).click();
    await page.locator('#party-links-status').getByText('Party link made.', { exact: false }).waitFor();
    url = await page.getByLabel('The new party link').inputValue();
    assert.match(url, new RegExp(`^${stack.url}/party\\.html\\?t=[A-Za-z0-9_-]{22}$`));
    const item = links.locator('li', { hasText: 'Link 1: The <b>Smith</b> party' });
    await item.getByText('3 seats: 0 used, 3 left.').waitFor();
    await item.getByText('live', { exact: true }).waitFor();
    await assertAccessible(page, 'the party links with a new link');
    await screenshot(page, 'waiver-gaps-party-links');

    await item.getByRole('button', { name: 'Revoke Link 1: The <b>Smith</b> party' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('Nobody else can join through this link.', { exact: false }).waitFor();
    await assertAccessible(page, 'the revoke dialog');
    await dialog.getByRole('button', { name: 'Revoke link' }).click();
    await dialog.getByText('reason: say why the link is revoked', { exact: false }).waitFor();
    await dialog.getByLabel('Reason (kept in the audit log)').fill('The booking was cancelled');
    await dialog.getByRole('button', { name: 'Revoke link' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.locator('#party-links-status').getByText('is revoked: nobody else can join through it.', { exact: false }).waitFor();
    const revoked = links.locator('li', { hasText: 'Link 1' });
    await revoked.getByText('revoked', { exact: true }).waitFor();
    await revoked.getByText('by Cora Captain: The booking was cancelled', { exact: false }).waitFor();
    assert.equal(await revoked.getByRole('button', { name: /Revoke/ }).count(), 0, 'no Revoke button on a revoked link');
    await assertAccessible(page, 'the party links after a revoke');
    await screenshot(page, 'waiver-gaps-revoked');

    await page.goto(url);
    await page.getByText('This party link has expired.', { exact: false }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Join this sail' }).count(), 0, 'no form on a revoked link');
    await assertAccessible(page, 'a revoked link\'s page');
    assert.deepEqual(problems.filter((p) => !/status of 410/.test(p)), []);
  } finally {
    await context.close();
  }

  // crew on the event see no party links
  const crew = await openContext(browser);
  try {
    const c = await signInAs(crew.context, stack, 'crew', { name: 'Cal Crew' });
    await stack.psql(`insert into scc.event_roles (event_id, user_id, role, state) values (${lit(ev)}, ${lit(c.id)}, 'crew', 'confirmed')`);
    await crew.page.goto(`${stack.url}/event.html?id=${ev}`);
    await crew.page.getByRole('heading', { name: 'Roster', exact: true }).waitFor();
    assert.equal(await crew.page.getByRole('heading', { name: 'Party links' }).count(), 0);
    assert.equal(await crew.page.locator('#waiver-card').count(), 0);
  } finally {
    await crew.context.close();
  }
});
