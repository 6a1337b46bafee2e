// dock.test.js — the dock in a real browser (phone viewport, Debian's
// Chromium, a real stack): a captain opens the event page an hour before
// departure, follows the dock link to the manifest, checks a signed guest
// in with one tap, sees the held guest's Check in button disabled with the
// reason in words (attached to the button for screen readers), marks them
// no show, and finds the counts and the CSV link; when the waiver moves on
// while the page is open, a stale Check in is refused with the reason in an
// alert and the page redrawn; a name full of markup stays text; axe-core
// finds nothing serious; screenshots kept.
//
// The event, places, waiver and signatures are made with SQL (the signing
// routes are another part's); everything the captain does goes through the
// pages.  Screenshots in var/test-logs/browser/.

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

test('a captain at the dock checks a signed guest in and cannot check in a held one', async () => {
  const boat = await stack.psql(`insert into scc.boats (name, port_name, port_lat, port_lon, time_zone, guest_capacity)
    values ('Dock Browser Boat', 'Shelter Island', 32.7115, -117.2312, 'America/Los_Angeles', 6) returning id`);
  const tpl = await stack.psql(`insert into scc.waiver_templates (name, boat_id) values ('Dock waiver', ${lit(boat)}) returning id`);
  const version = await stack.psql(`insert into scc.waiver_versions (template_id, version, title, body, body_sha256,
      intent_text, consent_text, adult_text, validity)
    values (${lit(tpl)}, 1, 'Dock waiver', 'Sailing is risky.', encode(sha256(convert_to('Sailing is risky.', 'UTF8')), 'hex'),
            'I have read and agree', 'I consent to electronic records', 'I am 18 or older', 'event') returning id`);
  const ev = await stack.psql(`insert into scc.events (boat_id, title, departure_at, return_at, time_zone, crew_min,
      crew_max, guest_max, state)
    values (${lit(boat)}, 'Evening sail', now() + interval '1 hour', now() + interval '4 hours',
            'America/Los_Angeles', 0, 2, 6, 'scheduled') returning id`);
  const signed = await signIn(stack, 'guest', { name: 'Sam <b>Signed</b>' });
  const held = await signIn(stack, 'guest', { name: 'Hal Held' });
  await stack.psql(`insert into scc.event_roles (event_id, user_id, role, state, minors) values
    (${lit(ev)}, ${lit(signed.id)}, 'guest', 'confirmed', '[{"name": "Kit Small", "date_of_birth": "2017-03-04"}]'),
    (${lit(ev)}, ${lit(held.id)}, 'guest', 'confirmed', '[]')`);
  await stack.psql(`insert into scc.waiver_signatures (version_id, body_sha256, event_id, user_id, legal_name, email,
      adult_statement, intent_text, consent_text, minors, emergency_name, emergency_phone, emergency_relationship)
    values (${lit(version)}, '', ${lit(ev)}, ${lit(signed.id)}, 'Sam Signed', ${lit(signed.email)}, 'I am 18 or older',
            'I have read and agree', 'I consent to electronic records',
            '[{"name": "Kit Small", "date_of_birth": "2017-03-04"}]', 'Mo Signed', '+1 619 555 0100', 'mother')`);

  const { context, page, problems } = await openContext(browser);
  try {
    const cap = await signInAs(context, stack, 'captain', { name: 'Cleo Captain' });
    await stack.psql(`insert into scc.event_roles (event_id, user_id, role, state)
        values (${lit(ev)}, ${lit(cap.id)}, 'captain', 'confirmed')`);
    await page.goto(`${stack.url}/event.html?id=${ev}`);
    await page.getByRole('link', { name: 'Dock: manifest and check-in' }).click();
    await page.getByRole('heading', { name: 'Dock: Evening sail', level: 1 }).waitFor();
    await page.getByText('Check-in is open.').waitFor();
    await assertAccessible(page, 'the dock');
    await screenshot(page, 'dock-manifest');

    // the held guest: why, in words, and the button says so to a screen reader
    const heldCard = page.getByRole('listitem', { name: 'Hal Held' });
    await heldCard.getByText('On hold: no signed waiver. Cannot be checked in.').waitFor();
    const heldIn = heldCard.getByRole('button', { name: 'Check in: Hal Held' });
    assert.equal(await heldIn.isDisabled(), true, 'a held guest cannot be checked in');
    const describedBy = await heldIn.getAttribute('aria-describedby');
    assert.match(await page.locator(`#${describedBy}`).innerText(), /On hold: no signed waiver/);

    // the signed guest: one tap
    const signedCard = page.getByRole('listitem', { name: 'Sam <b>Signed</b>' });
    await signedCard.getByText('Minors: Kit Small (').waitFor();
    await signedCard.getByText('Emergency: Mo Signed (mother)').waitFor();
    assert.equal(await signedCard.getByRole('link', { name: '+1 619 555 0100' }).getAttribute('href'), 'tel:+16195550100');
    const box = await signedCard.getByRole('button', { name: 'Check in: Sam <b>Signed</b>' }).boundingBox();
    assert.ok(box.height >= 48, `a thumb-sized button (${box.height} px high)`);
    await signedCard.getByRole('button', { name: 'Check in: Sam <b>Signed</b>' }).click();
    await page.getByRole('status').filter({ hasText: 'Sam <b>Signed</b>: checked in.' }).waitFor();
    await signedCard.getByText(/^Checked in at .* by Cleo Captain$/).waitFor();
    assert.equal(await signedCard.getByRole('button', { name: 'Check in: Sam <b>Signed</b>' }).getAttribute('aria-pressed'), 'true');
    assert.equal(await page.locator('b').count(), 0, 'a name full of markup stays text');
    assert.equal(await stack.psql(`select checkin || ' ' || checkin_by from scc.event_roles
        where event_id = ${lit(ev)} and user_id = ${lit(signed.id)}`), `checked_in ${cap.id}`);

    // the held guest did not come
    await heldCard.getByRole('button', { name: 'No show: Hal Held' }).click();
    await page.getByRole('status').filter({ hasText: 'Hal Held: no show.' }).waitFor();
    const counts = page.getByRole('region', { name: 'Counts' });
    assert.deepEqual(await counts.locator('dt, dd').allInnerTexts(), ['Checked in', '1 of 3', 'No show', '1',
      'Not checked yet', '1', 'Guests on hold', '1', 'Guests', '2', 'Minors', '1', 'Aboard with minors', '4']);
    assert.equal(await page.getByRole('link', { name: 'Download the manifest (CSV)' }).getAttribute('href'),
      `/api/events/${ev}/manifest?format=csv`);
    const csv = await context.request.get(`${stack.url}/api/events/${ev}/manifest?format=csv`);
    assert.equal(csv.status(), 200);
    assert.match(csv.headers()['content-disposition'], /^attachment; filename="manifest-\d{4}-\d{2}-\d{2}-evening-sail\.csv"$/);
    await assertAccessible(page, 'the dock after check-in');
    await screenshot(page, 'dock-checked-in');

    // the waiver moves on while the page is open: the stale button is refused with the reason, the page redrawn
    const v2 = await stack.psql(`insert into scc.waiver_versions (template_id, version, title, body, body_sha256,
        intent_text, consent_text, adult_text, validity, change_note)
      values (${lit(tpl)}, 2, 'Dock waiver', 'Sailing is risky. Wear a jacket.',
              encode(sha256(convert_to('Sailing is risky. Wear a jacket.', 'UTF8')), 'hex'),
              'I have read and agree', 'I consent to electronic records', 'I am 18 or older', 'event', 'jackets') returning id`);
    await stack.psql(`update scc.event_roles set checkin = null, checkin_at = null, checkin_by = null
        where event_id = ${lit(ev)} and user_id = ${lit(signed.id)}`);
    await page.getByRole('button', { name: 'Refresh (others may be checking in too)' }).click();
    await page.getByRole('status').filter({ hasText: 'Refreshed.' }).waitFor();
    await stack.psql(`update scc.events set waiver_version_id = ${lit(v2)} where id = ${lit(ev)}`);
    await signedCard.getByRole('button', { name: 'Check in: Sam <b>Signed</b>' }).click();
    await page.getByRole('alert').filter({ hasText: 'Sam <b>Signed</b>: this guest is on waiver hold (waiver_outdated)' }).waitFor();
    await signedCard.getByText('On hold: signed an older version of the waiver. Cannot be checked in.').waitFor();
    assert.equal(await signedCard.getByRole('button', { name: 'Check in: Sam <b>Signed</b>' }).isDisabled(), true);
    assert.equal(await stack.psql(`select coalesce(checkin, 'none') from scc.event_roles
        where event_id = ${lit(ev)} and user_id = ${lit(signed.id)}`), 'none', 'nothing was written');
    await assertAccessible(page, 'the dock after a refusal');
    await screenshot(page, 'dock-refused');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
