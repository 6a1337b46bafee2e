// imports.test.js — the import page in a real browser on a phone-sized page
// (admin-imports.html): an admin reads a kind's layout and its sample
// link, imports the accounts sample and then the journal sample from
// files chosen in the page (read with File.text()) and sees each summary,
// then chooses a bad file and sees its errors by line and column (nothing
// imported), with the history listing all three; a value from the file
// (a script tag as an external id) is shown as text.  axe-core finds no
// serious or critical violation; screenshots are kept.

import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { ROOT, startStack } from '../api/lib/stack.js';
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

const sample = (name) => path.join(ROOT, 'samples/import', name);

test('an admin imports both samples, then a bad file, and reads the errors by line and column', async () => {
  const { context, page, problems } = await openContext(browser);
  try {
    await signInAs(context, stack, 'admin', { name: 'Ada Imports' });
    await page.goto(`${stack.url}/admin-imports.html`);
    await page.getByRole('heading', { name: 'Import a CSV file' }).waitFor();

    const kind = page.getByLabel('Kind');
    await kind.selectOption('journal');
    const layout = page.locator('#import-layout');
    await assert.doesNotReject(layout.getByRole('rowheader', { name: 'external_id' }).waitFor());
    const link = page.getByRole('link', { name: 'Download the sample file (journal.csv)' });
    assert.equal(await link.getAttribute('href'), '/samples/import/journal.csv');
    await assertAccessible(page, 'the import page');

    // a kind of the business data (041): its typed columns, what an empty value becomes
    await kind.selectOption('bookings');
    await assert.doesNotReject(layout.getByRole('rowheader', { name: 'cancellation_cause' }).waitFor());
    assert.equal(await layout.getByRole('row', { name: /^currency / }).getByRole('cell').textContent(),
      'ISO 4217 code: USD, EUR, MXN ... (empty: USD)');
    assert.equal(await page.getByRole('link', { name: 'Download the sample file (bookings.csv)' }).getAttribute('href'),
      '/samples/import/bookings.csv');
    assert.ok((await kind.locator('option').allTextContents()).length >= 14, 'every kind is offered');

    await kind.selectOption('accounts');
    await page.getByLabel('CSV file (UTF-8, at most 4 MB)').setInputFiles(sample('accounts.csv'));
    await page.getByRole('button', { name: 'Import' }).click();
    const summary = page.locator('#import-summary');
    await summary.waitFor();
    assert.equal(await summary.textContent(),
      'Imported accounts.csv as accounts: 30 rows; 30 accounts inserted, 0 updated.');

    await kind.selectOption('journal');
    await page.getByLabel('CSV file (UTF-8, at most 4 MB)').setInputFiles(sample('journal.csv'));
    await page.getByRole('button', { name: 'Import' }).click();
    await page.getByText('Imported journal.csv as journal').waitFor();
    assert.equal(await summary.textContent(),
      'Imported journal.csv as journal: 23 rows; 11 entries inserted, 0 updated.');
    assert.equal(await stack.psql('select count(*) from scc.journal_lines'), '23');
    await screenshot(page, 'imports-summary');

    const bad = 'external_id,entity,posted_on,memo,account,debit,credit,currency,source\n'
      + '<script>alert(1)</script>,charter,2026-11-01,x,1000,10.00,,USD,bank\n'
      + '<script>alert(1)</script>,charter,2026-11-01,x,4000,,9.00,USD,bank\n'
      + 'B-2,charter,2026-11-31,bad date,1000,5.00,,USD,bank\n'
      + 'B-2,charter,2026-11-31,bad date,4000,,5.00,USD,bank\n';
    await page.getByLabel('CSV file (UTF-8, at most 4 MB)').setInputFiles(
      { name: 'november.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    await page.getByRole('button', { name: 'Import' }).click();
    await page.getByRole('heading', { name: 'november.csv was refused: 3 errors. Nothing was imported.' }).waitFor();
    const rows = await page.locator('#import-errors tbody tr').evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    assert.deepEqual(rows, [
      ['2', 'external_id', 'entry <script>alert(1)</script> does not balance in USD: debits 10.00, credits 9.00 (lines 2, 3)'],
      ['4', 'posted_on', '2026-11-31 is not a date: YYYY-MM-DD'],
      ['5', 'posted_on', '2026-11-31 is not a date: YYYY-MM-DD'],
    ]);
    assert.equal(await page.locator('#import-errors script').count(), 0, 'the file\'s text stays text');
    assert.equal(await stack.psql(`select count(*) from scc.journal_entries where external_id = 'B-2'`), '0');

    const history = await page.locator('#import-history tbody tr').evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].slice(1).map((td) => td.textContent)));
    assert.deepEqual(history, [
      ['november.csv (journal)', 'refused: 3 errors', 'Ada Imports'],
      ['journal.csv (journal)', '23 rows: 11 inserted, 0 updated', 'Ada Imports'],
      ['accounts.csv (accounts)', '30 rows: 30 inserted, 0 updated', 'Ada Imports'],
    ]);
    await assertAccessible(page, 'the import page with errors and history');
    await screenshot(page, 'imports-errors');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('a captain is told the page is for admins', async () => {
  const { context, page } = await openContext(browser);
  try {
    await signInAs(context, stack, 'captain');
    await page.goto(`${stack.url}/admin-imports.html`);
    await page.getByText('Only admins import files.').waitFor();
  } finally {
    await context.close();
  }
});
