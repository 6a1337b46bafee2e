// roster.test.js — the roster on the event page in a real browser (phone
// viewport, Debian's Chromium, a real stack): a crew member signs in, claims
// a seat through the claim modal, is waitlisted on a full event (the modal
// says which position beforehand, the page after), releases the seat and
// leaves the waitlist; the captain of an event designates someone by
// searching for them; an admin overrides with a reason, silently.  axe-core
// finds nothing serious on the page, nor with each dialog open.
//
// Events are made with SQL (the events page is another part's); everything
// the person does goes through the page.  Screenshots in var/test-logs/browser/.

import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startStack } from '../api/lib/stack.js';
import { lit, signIn } from '../api/lib/auth.js';
import { launchBrowser, openContext, signInAs, assertAccessible, screenshot } from './lib/browser.js';

let stack, browser, boat;
before(async () => {
  stack = await startStack();
  browser = await launchBrowser();
  boat = await stack.psql(`insert into scc.boats (name, port_name, port_lat, port_lon, time_zone, guest_capacity)
    values ('Browser Roster Boat', 'Shelter Island', 32.7115, -117.2312, 'America/Los_Angeles', 0) returning id`);
});
after(async () => {
  await browser?.close();
  await stack?.stop();
});

let n = 0;
async function makeEvent({ crewMax = 1, hours = 72 } = {}) {
  n += 1;
  return stack.psql(`insert into scc.events (boat_id, title, departure_at, return_at, time_zone, crew_min,
      crew_max, guest_max, state)
    values (${lit(boat)}, 'Browser sail ${n}', now() + interval '${hours} hours', now() + interval '${hours + 3} hours',
            'America/Los_Angeles', 1, ${crewMax}, 0, 'scheduled') returning id`);
}
// the element the event page gave the roster component: the parent of its heading
const roster = (page) => page.getByRole('heading', { name: 'Roster', exact: true }).locator('xpath=..');
const status = (page) => roster(page).getByRole('status');

test('a crew member claims a seat, is waitlisted on a full event, releases and leaves the waitlist', async () => {
  const open = await makeEvent({ crewMax: 1 });
  const full = await makeEvent({ crewMax: 1 });
  const holder = await signIn(stack, 'crew', { name: 'Hana Holder' });
  await stack.fetch(`/api/events/${full}/roles/crew/claim`, { method: 'POST',
    headers: { authorization: `Bearer ${holder.access}` } });

  const { context, page, problems } = await openContext(browser);
  try {
    const me = await signInAs(context, stack, 'crew', { name: 'Casey <b>Crew</b>' });
    // a free seat
    await page.goto(`${stack.url}/event.html?id=${open}`);
    await roster(page).getByRole('button', { name: 'Claim a place' }).click();
    const dialog = page.getByRole('dialog', { name: 'Claim a place' });
    await dialog.getByText('0 of 1 filled — 1 free').waitFor();
    await assertAccessible(page, 'the claim modal');
    await screenshot(page, 'roster-claim-modal');
    await dialog.getByRole('button', { name: 'Claim' }).click();
    await status(page).filter({ hasText: 'You hold a crew place.' }).waitFor();
    await roster(page).getByText('Casey <b>Crew</b> (you)').waitFor();
    assert.equal(await page.locator('b').count(), 0, 'a name full of markup stays text');
    assert.equal(await stack.psql(`select state from scc.event_roles where event_id = ${lit(open)} and user_id = ${lit(me.id)}`),
      'confirmed');
    await assertAccessible(page, 'the roster with my place');
    await screenshot(page, 'roster-claimed');

    // release it: the modal explains the cutoff
    await roster(page).getByRole('button', { name: 'Release my place' }).click();
    const rel = page.getByRole('dialog', { name: 'Release your place' });
    await rel.getByText(/Holders can release until .*; after that only the event's captain or an admin can\./).waitFor();
    await rel.getByLabel('Reason (optional, the captain sees it)').fill('fever');
    await rel.getByRole('button', { name: 'Release' }).click();
    await status(page).filter({ hasText: 'You released your crew place.' }).waitFor();
    assert.equal(await stack.psql(`select state || ' ' || reason from scc.event_roles where event_id = ${lit(open)}
        and user_id = ${lit(me.id)}`), 'released fever');

    // a full event: the modal says the waitlist position before the claim
    await page.goto(`${stack.url}/event.html?id=${full}`);
    await roster(page).getByRole('button', { name: 'Claim a place' }).click();
    const fullDialog = page.getByRole('dialog', { name: 'Claim a place' });
    await fullDialog.getByText('1 of 1 filled — full: you would be number 1 on the waitlist').waitFor();
    await fullDialog.getByRole('button', { name: 'Claim' }).click();
    await status(page).filter({ hasText: 'Crew is full: you are number 1 on the waitlist.' }).waitFor();
    await roster(page).getByText('You are number 1 on the crew waitlist.').waitFor();
    assert.deepEqual(await roster(page).getByRole('list', { name: 'Crew waitlist, in order' }).getByRole('listitem')
      .allTextContents().then((t) => t.map((x) => x.replace(/\s+/g, ' ').trim())),
    ['Casey <b>Crew</b> (you) waitlisted']);
    await assertAccessible(page, 'the roster with a waitlist');
    await screenshot(page, 'roster-waitlisted');

    // leave the waitlist
    await roster(page).getByRole('button', { name: 'Leave the waitlist' }).click();
    await page.getByRole('dialog', { name: 'Leave the waitlist' }).getByRole('button', { name: 'Leave the waitlist' }).click();
    await status(page).filter({ hasText: 'You left the waitlist.' }).waitFor();
    await roster(page).getByRole('button', { name: 'Claim a place' }).waitFor();
    assert.equal(await stack.psql(`select count(*) from scc.event_roles where event_id = ${lit(full)}
        and user_id = ${lit(me.id)} and state = 'waitlisted'`), '0');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('the event\'s captain designates a person found by search; an admin overrides silently with a reason', async () => {
  const ev = await makeEvent({ crewMax: 2 });
  const dana = await signIn(stack, 'crew', { name: 'Dana Findable' });
  const { context, page, problems } = await openContext(browser);
  try {
    const cap = await signInAs(context, stack, 'captain', { name: 'Cleo Captain' });
    await stack.psql(`insert into scc.event_roles (event_id, user_id, role, state)
        values (${lit(ev)}, ${lit(cap.id)}, 'captain', 'confirmed')`);
    await page.goto(`${stack.url}/event.html?id=${ev}`);
    await roster(page).getByRole('button', { name: 'Designate someone' }).click();
    const dialog = page.getByRole('dialog', { name: 'Designate someone' });
    await dialog.getByLabel('Search people by name or email').fill('dana find');
    await dialog.getByText('1 found.').waitFor();
    await dialog.getByLabel(/Dana Findable/).check();
    await assertAccessible(page, 'the designate modal');
    await screenshot(page, 'roster-designate');
    await dialog.getByRole('button', { name: 'Designate' }).click();
    await status(page).filter({ hasText: 'Designated Dana Findable as crew; they are asked to accept.' }).waitFor();
    assert.equal(await stack.psql(`select state from scc.event_roles where event_id = ${lit(ev)} and user_id = ${lit(dana.id)}`),
      'designated');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }

  const admin = await openContext(browser);
  try {
    await signInAs(admin.context, stack, 'admin');
    await admin.page.goto(`${stack.url}/event.html?id=${ev}`);
    await roster(admin.page).getByRole('button', { name: 'Override' }).click();
    const dialog = admin.page.getByRole('dialog', { name: 'Override the roster' });
    await dialog.getByLabel('Remove someone').check();
    await dialog.getByLabel('Person on the roster').selectOption({ label: 'Dana Findable — crew, designated' });
    await dialog.getByLabel('Silent: send no email to anybody').check();
    await dialog.getByRole('button', { name: 'Apply' }).click();
    await dialog.getByText('An override needs a reason.').waitFor();
    await dialog.getByLabel('Reason (required, kept in the audit log)').fill('double booked');
    await assertAccessible(admin.page, 'the override modal');
    await dialog.getByRole('button', { name: 'Apply' }).click();
    await status(admin.page).filter({ hasText: 'Override applied (remove, silent).' }).waitFor();
    assert.equal(await stack.psql(`select state || ' ' || reason || ' ' || silent from scc.event_roles
        where event_id = ${lit(ev)} and user_id = ${lit(dana.id)}`), 'removed double booked true');
    assert.equal(await stack.psql(`select count(*) from scc.jobs where payload ->> 'template' = 'roster_removed'
        and payload ->> 'to' = ${lit(dana.email)}`), '0', 'silent: no email');
    await screenshot(admin.page, 'roster-override');
    assert.deepEqual(admin.problems, []);
  } finally {
    await admin.context.close();
  }
});
