// waivers_admin.test.js — the waiver template editor in a real browser on a
// phone-sized page (frontend/admin-waivers.js): an admin makes a template
// whose text has a heading, a list and bold, watching the live preview
// (a <script> typed into the text shows as text and never runs), saves it
// and sees version 1 with the SHA-256 of the text; edits it into version 2
// and sees what changed between the two, each added and removed line marked
// with a word, not colour alone; retires it and makes it active again from
// the list; a captain reads the same pages without any
// way to change them.  axe-core finds no serious or critical violation;
// screenshots are kept.

import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import { startStack } from '../api/lib/stack.js';
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

const sha256 = (s) => crypto.createHash('sha256').update(Buffer.from(s, 'utf8')).digest('hex');
const TEXT1 = [
  '# Assumption of risk',
  '',
  'Sailing on San Diego Bay carries **real risks**, including:',
  '- slips and falls on a moving deck',
  '- cold water <script>window.__pwned = 1</script>',
  '',
  'I release the owners and crew from claims arising from these risks.',
].join('\n');
const TEXT2 = TEXT1.replace('- cold water', '- sun and wind\n- cold water').replace('I release', 'I knowingly release');

test('an admin makes a waiver with a list and bold, edits it into version 2 and sees what changed', async () => {
  const { context, page, problems } = await openContext(browser);
  try {
    await signInAs(context, stack, 'admin');
    await page.goto(`${stack.url}/admin.html`);
    await page.getByRole('link', { name: 'Waivers' }).click();
    await page.getByRole('heading', { name: 'Waivers', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'New waiver template' }).click();
    await page.getByLabel('Name').fill('Charter liability waiver');
    await page.getByLabel('Title (shown to the signer)').fill('Release of liability');
    await page.getByLabel('Text', { exact: true }).fill(TEXT1);

    // the live preview: the safe format as DOM, the markup as text
    const preview = page.locator('#w-preview');
    await preview.getByRole('heading', { name: 'Assumption of risk' }).waitFor();
    assert.equal(await preview.locator('strong').textContent(), 'real risks');
    assert.deepEqual(await preview.locator('li').allTextContents(),
      ['slips and falls on a moving deck', 'cold water <script>window.__pwned = 1</script>']);
    assert.equal(await preview.locator('script').count(), 0, 'no script element was made');
    assert.equal(await page.evaluate(() => window.__pwned), undefined, 'and nothing ran');
    await assertAccessible(page, 'waiver editor');
    await screenshot(page, 'waivers-editor');

    await page.getByRole('button', { name: 'Save template' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved version 1 of Charter liability waiver.' }).waitFor();
    const v1 = page.locator('[data-version="1"]');
    assert.equal(await v1.locator('.hash code').textContent(), sha256(TEXT1), 'version 1 shows the SHA-256 of its text');

    // edit: a new version from the current text
    await page.getByRole('button', { name: 'Edit (new version)' }).click();
    await page.getByRole('heading', { name: 'New version of Charter liability waiver' }).waitFor();
    assert.equal(await page.getByLabel('Text', { exact: true }).inputValue(), TEXT1, 'the editor starts from version 1');
    await page.getByLabel('Text', { exact: true }).fill(TEXT2);
    await page.getByLabel('What changed (for the record)').fill('Sun and wind added');
    await preview.getByText('sun and wind').waitFor();
    await page.getByRole('button', { name: 'Save new version' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved version 2 of Charter liability waiver.' }).waitFor();
    assert.equal(await page.locator('[data-version="2"] .hash code').textContent(), sha256(TEXT2));
    assert.deepEqual(await page.locator('ol.versions > li h3').allTextContents(),
      ['Version 2: Release of liability', 'Version 1: Release of liability'], 'newest first');

    // what changed between the two chosen versions
    await page.getByLabel('From').selectOption('1');
    await page.getByLabel('To').selectOption('2');
    await page.getByRole('button', { name: 'Show changes' }).click();
    const out = page.locator('#cmp-out');
    await out.getByRole('heading', { name: 'Version 1 → version 2' }).waitFor();
    assert.deepEqual(await out.locator('li.diff-add .diff-text').allTextContents(),
      ['added: - sun and wind', 'added: I knowingly release the owners and crew from claims arising from these risks.']);
    assert.deepEqual(await out.locator('li.diff-del .diff-text').allTextContents(),
      ['removed: I release the owners and crew from claims arising from these risks.']);
    await out.getByText('2 lines added, 1 removed.').waitFor();
    await assertAccessible(page, 'waiver versions and changes');
    await screenshot(page, 'waivers-changes');

    // a refusal names its field: the same text again is no change
    await page.getByRole('button', { name: 'Edit (new version)' }).click();
    await page.getByRole('button', { name: 'Save new version' }).click();
    await page.getByRole('alert').filter({ hasText: 'version 2 as it stands' }).waitFor();
    await page.getByLabel('Text', { exact: true }).fill('   ');
    await page.getByRole('button', { name: 'Save new version' }).click();
    await page.getByRole('alert').filter({ hasText: 'cannot be empty' }).waitFor();
    assert.equal(await page.getByLabel('Text', { exact: true }).getAttribute('aria-invalid'), 'true', 'the text field is marked');

    // the list: retire the template, then make it active again
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: '← All waivers' }).click();
    const card = page.locator('[data-template]').filter({ hasText: 'Charter liability waiver' });
    await card.getByText('Version 2: Release of liability (One event)').waitFor();
    assert.equal(await card.locator('.hash code').textContent(), sha256(TEXT2), 'the list shows the current hash');
    await card.getByRole('button', { name: 'Retire Charter liability waiver' }).click();
    await page.getByRole('status').filter({ hasText: 'Charter liability waiver is retired' }).waitFor();
    await card.getByText('retired', { exact: true }).waitFor();
    await card.getByRole('button', { name: 'Make active Charter liability waiver' }).click();
    await page.getByRole('status').filter({ hasText: 'is the active waiver of every boat' }).waitFor();
    await card.getByText('active', { exact: true }).waitFor();
    await assertAccessible(page, 'waiver list');
    await screenshot(page, 'waivers-list');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('a captain reads the waivers and their versions, and cannot change them', async () => {
  const { context, page, problems } = await openContext(browser);
  try {
    await signInAs(context, stack, 'captain');
    await page.goto(`${stack.url}/admin-waivers.html`);
    const card = page.locator('[data-template]').filter({ hasText: 'Charter liability waiver' });
    await card.waitFor();
    await page.getByText('Read only: admins edit waivers.').waitFor();
    assert.equal(await page.getByRole('button', { name: 'New waiver template' }).count(), 0);
    assert.equal(await card.getByRole('button', { name: /^Edit|^Retire/ }).count(), 0);
    await card.getByRole('button', { name: 'Versions of Charter liability waiver' }).click();
    await page.locator('[data-version="2"]').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Edit (new version)' }).count(), 0);
    await page.locator('[data-version="1"] summary').first().click();
    await page.locator('[data-version="1"]').getByRole('heading', { name: 'Assumption of risk' }).waitFor();
    await assertAccessible(page, 'waiver versions, read only');
    await screenshot(page, 'waivers-captain');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
