// checklists.test.js — checklists in a real browser on a phone-sized page:
// an admin makes a template in the editor; a crew member on an event
// answers its items with the checklist component (a toggle, an option
// button, a number with its unit; a number out of range refused with the
// API's sentence); the analysis page shows the answers as bars and a table
// with a CSV link; the audit page lists the answers.  axe-core finds no
// serious or critical violation on any of them; screenshots are kept.
//
// The event is made with SQL (the event routes and page are another
// part's); the checklist component is mounted on a page of the app with the
// event page's checklist JSON, read from scc.event_checklist_json — the
// function GET /api/events/:id answers it with.

import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startStack } from '../api/lib/stack.js';
import { lit } from '../api/lib/auth.js';
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

let template; // the template the admin made, as the API lists it
let eventId;

test('an admin makes a template with a check, a choice and a number in the editor', async () => {
  const { context, page, problems } = await openContext(browser);
  try {
    await signInAs(context, stack, 'admin');
    await page.goto(`${stack.url}/admin-templates.html`);
    await page.getByRole('button', { name: 'New template' }).click();
    await page.getByLabel('Name').fill('Dock checks');
    await page.getByLabel('When').selectOption('pre');
    const addItem = page.getByRole('button', { name: 'Add an item' });
    const items = page.locator('ol.items > li');

    await addItem.click();
    await items.nth(0).getByLabel('Label').fill('Life jackets aboard');

    await addItem.click();
    await items.nth(1).getByLabel('Label').fill('Sea state');
    await items.nth(1).getByLabel('Kind').selectOption('choice');
    await items.nth(1).getByLabel('Options, one a line').fill('calm\nchoppy\nrough');

    await addItem.click();
    await items.nth(2).getByLabel('Label').fill('Fuel');
    await items.nth(2).getByLabel('Kind').selectOption('number');
    await items.nth(2).getByLabel('Unit').fill('L');
    await items.nth(2).getByLabel('Least').fill('0');
    await items.nth(2).getByLabel('Most').fill('200');
    await items.nth(2).getByLabel('Required').uncheck();
    // the number goes first: one move up, twice
    await items.nth(2).getByRole('button', { name: 'Move Fuel up' }).click();
    await items.nth(1).getByRole('button', { name: 'Move Fuel up' }).click();
    assert.equal(await items.nth(0).getByLabel('Label').inputValue(), 'Fuel');
    assert.equal(await items.nth(1).getByLabel('Unit').isVisible(), false, 'a check has no unit field');
    assert.equal(await items.nth(1).getByLabel('Options, one a line').isVisible(), false, 'nor options');
    assert.equal(await items.nth(2).getByLabel('Options, one a line').isVisible(), true, 'a choice has options');
    await assertAccessible(page, 'template editor');
    await screenshot(page, 'checklists-editor');

    await page.getByRole('button', { name: 'Save template' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved Dock checks.' }).waitFor();
    const card = page.locator('[data-template]').filter({ hasText: 'Dock checks' });
    await card.getByText('3 active items').waitFor();
    await assertAccessible(page, 'template list');
    await screenshot(page, 'checklists-templates');
    assert.deepEqual(problems, []);

    const list = await (await context.request.get(`${stack.url}/api/checklist-templates`)).json();
    template = list.templates.find((t) => t.name === 'Dock checks');
    assert.deepEqual(template.items.map((i) => [i.label, i.kind, i.required]),
      [['Fuel', 'number', false], ['Life jackets aboard', 'check', true], ['Sea state', 'choice', true]]);
    assert.deepEqual(template.items[2].options, ['calm', 'choppy', 'rough']);
    assert.deepEqual([template.items[0].unit, template.items[0].min, template.items[0].max], ['L', 0, 200]);
  } finally {
    await context.close();
  }
});

test('a crew member on the event answers its items with one thumb', async () => {
  assert.ok(template, 'the template of the first test');
  const { context, page, problems } = await openContext(browser);
  try {
    const crew = await signInAs(context, stack, 'crew', { name: 'Dee Deck' });
    const boat = await stack.psql(`insert into scc.boats (name, port_name, port_lat, port_lon, time_zone, guest_capacity)
      values ('Browser Bay', 'Shelter Island', 32.71, -117.23, 'America/Los_Angeles', 6) returning id`);
    eventId = await stack.psql(`insert into scc.events (boat_id, title, departure_at, return_at, time_zone, crew_min, crew_max, guest_max, state)
      values (${lit(boat)}, 'Sunset sail', now() + interval '1 day', now() + interval '1 day 3 hours', 'America/Los_Angeles', 1, 2, 4, 'scheduled')
      returning id`);
    await stack.psql(`select scc.event_copy_checklists(${lit(eventId)})`);
    await stack.psql(`insert into scc.event_roles (event_id, user_id, role, state) values (${lit(eventId)}, ${lit(crew.id)}, 'crew', 'confirmed')`);
    const checklist = JSON.parse(await stack.psql(`select scc.event_checklist_json(e) from scc.events as e where e.id = ${lit(eventId)}`));
    const eventPage = { event: { id: eventId, state: 'scheduled', time_zone: 'America/Los_Angeles' }, checklist,
      you: { may: { answer: true } } };

    await page.goto(`${stack.url}/admin.html`);
    await page.locator('#shell .who').waitFor();
    await page.evaluate(async (p) => {
      const { renderChecklist } = await import('/checklist.js');
      const section = document.createElement('section');
      section.id = 'checklist';
      document.getElementById('main').replaceChildren(section);
      // as the event page does: after a save, the whole page is drawn again
      const reload = async () => {
        window.reloads = (window.reloads ?? 0) + 1;
        renderChecklist(section, p, reload);
      };
      renderChecklist(section, p, reload);
    }, eventPage);
    const pre = page.locator('[data-phase=pre]');
    await pre.getByText('0 of 2 required done').waitFor();

    const toggle = pre.getByRole('button', { name: 'Mark done' });
    await toggle.click();
    await page.getByRole('status').filter({ hasText: 'Saved: Life jackets aboard' }).waitFor();
    assert.equal(await pre.getByRole('button', { name: '✓ Done' }).getAttribute('aria-pressed'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), '✓ Done',
      'the focus stays on the toggle through the redraw');
    await pre.getByRole('group', { name: 'Sea state' }).getByRole('button', { name: 'choppy' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved: Sea state' }).waitFor();
    assert.equal(await pre.getByRole('button', { name: 'choppy' }).getAttribute('aria-pressed'), 'true');
    await pre.getByText('2 of 2 required done').waitFor();

    const fuel = pre.getByRole('spinbutton', { name: 'Fuel' });
    await fuel.fill('250');
    await fuel.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'Fuel: value: must be between 0 and 200 L (out_of_range)' }).waitFor();
    await fuel.fill('42.5');
    await pre.locator('form.answer').getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved: Fuel' }).waitFor();
    assert.equal(await page.evaluate(() => window.reloads), 3, 'each save asked the page to reload');
    await assertAccessible(page, 'checklist');
    await screenshot(page, 'checklists-answered');
    assert.deepEqual(problems.filter((p) => !/status of 422/.test(p)), []);

    const answers = await stack.psql(`select string_agg(c.label || '=' || a.value::text || '@' || u.name, ', ' order by c.position)
      from scc.event_checklist_items as c join scc.checklist_answers as a on a.item_id = c.id
      join scc.users as u on u.id = a.answered_by where c.event_id = ${lit(eventId)}`);
    assert.equal(answers, 'Fuel=42.5@Dee Deck, Life jackets aboard=true@Dee Deck, Sea state="choppy"@Dee Deck');
  } finally {
    await context.close();
  }
});

test('the analysis shows the answers as bars and a table, with the CSV', async () => {
  assert.ok(eventId, 'the event of the second test');
  const sea = template.items.find((i) => i.label === 'Sea state');
  const { context, page, problems } = await openContext(browser);
  try {
    await signInAs(context, stack, 'captain');
    await page.goto(`${stack.url}/analysis.html`);
    await page.getByLabel('Checklist item').selectOption(sea.id);
    // the event departs tomorrow: a range that holds the coming week
    const day = (n) => new Date(Date.now() + n * 86400e3).toISOString().slice(0, 10);
    await page.getByLabel('Departing from').fill(day(-1));
    await page.getByLabel('Until (not included)').fill(day(7));
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByRole('status').filter({ hasText: '1 event, 1 answered.' }).waitFor();
    const bars = page.getByRole('list', { name: 'Answers by option' }).getByRole('listitem');
    assert.equal(await bars.count(), 3);
    assert.deepEqual(await bars.locator('.bar-label').allTextContents(), ['calm', 'choppy', 'rough']);
    assert.deepEqual(await bars.locator('.bar-value').allTextContents(), ['0 · 0%', '1 · 100%', '0 · 0%']);
    const widths = await bars.locator('.bar-fill').evaluateAll((els) => els.map((e) => e.style.width));
    assert.deepEqual(widths, ['0%', '100%', '0%']);
    assert.deepEqual(await page.locator('#result table tbody tr').allInnerTexts(),
      ['calm\t0\t0%', 'choppy\t1\t100%', 'rough\t0\t0%']);
    const href = await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href');
    const csv = await context.request.get(`${stack.url}${href}`);
    assert.equal(csv.status(), 200);
    assert.equal((await csv.text()).split('\r\n')[2], 'Sea state,1,1,choppy,1,1');
    await assertAccessible(page, 'analysis');
    await screenshot(page, 'checklists-analysis');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('the audit page lists the answers, filtered by action', async () => {
  const { context, page, problems } = await openContext(browser);
  try {
    await signInAs(context, stack, 'admin');
    await page.goto(`${stack.url}/audit.html`);
    await page.getByRole('status').filter({ hasText: /^Showing \d+ rows/ }).waitFor();
    await page.getByLabel('Action').fill('checklist.answer');
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Showing 3 rows, the oldest included.' }).waitFor();
    const rows = page.getByRole('list', { name: 'Audit rows, newest first' }).getByRole('listitem');
    assert.deepEqual(await rows.locator('strong').allTextContents(), ['checklist.answer', 'checklist.answer', 'checklist.answer']);
    await rows.first().getByText('Before and after').click();
    await rows.first().getByText('"value": 42.5').waitFor();
    await rows.first().getByRole('button', { name: 'Show only what Dee Deck did' }).click();
    await page.getByRole('status').filter({ hasText: 'Showing 3 rows, the oldest included.' }).waitFor();
    await assertAccessible(page, 'audit');
    await screenshot(page, 'checklists-audit');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
