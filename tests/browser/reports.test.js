// reports.test.js — the reports' pages in a real browser (phone viewport,
// Debian's Chromium, a real stack whose worker renders the runs and mails
// into the stack's mail folder): an admin previews the CFO report for a
// month, waits while the worker renders it, sees it in the sandboxed frame
// (the frame's document is the archived HTML, and no script runs in it),
// reads the figures table, downloads the CSV (the same bytes as archived);
// sends a test to themself (the message lands in the mail folder, and the
// run's page shows the outbox row); creates a schedule, sees its next runs,
// sends it now and deletes it.  axe-core finds nothing serious on any of
// the three pages; then each of the eight reports previews in the frame.
// Screenshots in var/test-logs/browser/.

import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

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

test('an admin previews a report, downloads its CSV, sends a test to themself and schedules it', async () => {
  const { context, page, problems } = await openContext(browser);
  try {
    const admin = await signInAs(context, stack, 'admin', { name: 'Ada Admin' });
    await page.goto(`${stack.url}/admin.html`);
    await page.getByRole('link', { name: 'Reports', exact: true }).click();
    await page.getByRole('heading', { name: 'Reports', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'CFO report', level: 3 }).waitFor();
    await assertAccessible(page, 'the reports page');

    // the preview: the CFO report for October 2026 in San Diego's zone
    await page.getByRole('button', { name: 'Preview the CFO report' }).click();
    assert.equal(await page.getByLabel('Report', { exact: true }).inputValue(), 'cfo');
    await page.getByLabel('Period', { exact: true }).selectOption('month');
    await page.getByLabel('Month', { exact: true }).fill('2026-10');
    await page.getByLabel('Time zone').selectOption('America/Los_Angeles');
    await page.getByRole('button', { name: 'Preview', exact: true }).click();
    await page.locator('#preview-status').filter({ hasText: /Run \d+: Done/ }).waitFor({ timeout: 60_000 });
    const runId = Number((await page.locator('#preview-status').innerText()).match(/Run (\d+)/)[1]);
    await page.getByRole('heading', { name: 'CFO report: October 2026', level: 3 }).waitFor();

    // the frame: sandboxed, the archived HTML, no script
    const frame = page.locator('iframe.report-frame');
    assert.equal(await frame.getAttribute('sandbox'), '');
    assert.equal(await frame.getAttribute('src'), `/api/report-runs/${runId}/html`);
    const archived = await stack.psql(`select html from scc.report_runs where id = ${runId}`);
    const inFrame = page.frameLocator('iframe.report-frame');
    await inFrame.locator('body').waitFor();
    assert.ok((await inFrame.locator('body').innerText()).includes('October 2026'), 'the frame shows the report');
    assert.equal(await inFrame.locator('script').count(), 0);
    assert.ok(archived.length > 100, 'the run archived its HTML');

    // the figures as a table, from the run's JSON
    const figures = page.locator('#preview-result table.figures');
    assert.ok(await figures.count() > 0, 'a figures table');
    const firstRow = figures.first().locator('tbody tr').first();
    assert.ok((await firstRow.locator('td').innerText()).length > 0, 'each figure has a value or n/a');

    // the CSV: a download named as the email's attachment, the bytes archived
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download the CSV' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), 'cfo-2026-10.csv');
    const saved = fs.readFileSync(await download.path(), 'utf8');
    assert.equal(await stack.psql(`select encode(sha256(convert_to(${lit(saved)}, 'UTF8')), 'hex') = csv_sha256
        from scc.report_runs where id = ${runId}`), 't', 'the file downloaded is the CSV archived');
    await assertAccessible(page, 'the reports page with a preview');
    await screenshot(page, 'reports-preview');

    // a test to me: mailed, and the run says what was sent
    await page.getByRole('button', { name: 'Send a test to me' }).click();
    await page.locator('#preview-status').filter({ hasText: /A test is on its way to/ }).waitFor({ timeout: 60_000 });
    const testId = Number((await page.locator('#preview-status').innerText()).match(/Run (\d+)/)[1]);
    const deadline = Date.now() + 30_000;
    let outbox = '';
    while (!outbox && Date.now() < deadline) {
      outbox = await stack.psql(`select o.id from scc.email_outbox as o
          where o.job_id in (select unnest(email_job_ids) from scc.report_runs where id = ${testId}) and o.status = 'sent'`);
      if (!outbox) await new Promise((res) => setTimeout(res, 200));
    }
    assert.ok(outbox, 'the test was sent');
    const eml = fs.readdirSync(path.join(stack.dir, 'mail')).find((f) => f.includes(`-${outbox}-`));
    assert.ok(eml, 'it is in the mail folder');
    assert.match(fs.readFileSync(path.join(stack.dir, 'mail', eml), 'utf8'), new RegExp(`^To: .*${admin.email}`, 'mi'));

    // the archive: open the test run and see exactly what was sent
    await page.goto(`${stack.url}/report-run.html?id=${testId}`);
    await page.getByRole('heading', { name: /^CFO report: / , level: 1 }).waitFor();
    await page.getByText(`Test to ${admin.email.toLowerCase()}`).first().waitFor();
    await page.getByText('sent', { exact: true }).first().waitFor();
    await assertAccessible(page, 'a run');
    await screenshot(page, 'reports-run');

    // a schedule: created with its next runs, sent now, deleted
    await page.goto(`${stack.url}/admin-schedules.html`);
    await page.getByRole('heading', { name: 'Report schedules', level: 1 }).waitFor();
    await assertAccessible(page, 'the schedules page');
    const form = page.locator('form').filter({ has: page.getByRole('button', { name: 'Create the schedule' }) });
    await form.getByLabel('Report', { exact: true }).selectOption('cfo');
    await form.getByLabel('When (cron)').fill('0 7 * * 61');
    await form.getByLabel('Time zone').selectOption('America/Los_Angeles');
    await form.getByLabel('Recipients').fill(`${admin.email}\ncfo@example.com`);
    await form.getByRole('button', { name: 'Create the schedule' }).click();
    await form.getByRole('alert').filter({ hasText: 'invalid_cron' }).waitFor();
    assert.equal(await form.getByLabel('When (cron)').getAttribute('aria-invalid'), 'true', 'the cron field is marked');
    await form.getByLabel('When (cron)').fill('0 7 * * MON-FRI');
    await form.getByRole('button', { name: 'Create the schedule' }).click();
    await page.locator('#schedules-status').filter({ hasText: 'CFO report scheduled: first run' }).waitFor();
    const card = page.locator('li[data-schedule]').first();
    assert.equal(await card.locator('dd ul li').count(), 3, 'its next three runs');
    await card.getByRole('button', { name: 'Send now' }).click();
    await card.getByRole('link', { name: /^Follow run \d+$/ }).waitFor();
    await assertAccessible(page, 'the schedules page with a schedule');
    await screenshot(page, 'reports-schedules');
    await card.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await page.locator('#schedules-status').filter({ hasText: 'deleted' }).waitFor();
    assert.equal(await stack.psql('select count(*) from scc.report_schedules'), '0');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('each of the eight reports previews in the frame', async () => {
  const { context, page, problems } = await openContext(browser);
  try {
    await signInAs(context, stack, 'admin', { name: 'Eve Eight' });
    await page.goto(`${stack.url}/admin-reports.html`);
    // the options come from GET /api/reports after the page loads: wait for the eighth
    const options = page.getByLabel('Report', { exact: true }).locator('option');
    await options.nth(7).waitFor({ state: 'attached' });
    const kinds = await options.evaluateAll((os) => os.map((o) => [o.value, o.textContent]));
    assert.equal(kinds.length, 8);
    for (const [kind, title] of kinds) {
      await page.getByLabel('Report', { exact: true }).selectOption(kind);
      await page.getByRole('button', { name: 'Preview', exact: true }).click();
      await page.getByRole('heading', { name: new RegExp(`^${title}: `), level: 3 }).waitFor({ timeout: 60_000 });
      const runId = Number((await page.locator('#preview-status').innerText()).match(/Run (\d+): Done/)[1]);
      assert.equal(await page.locator('iframe.report-frame').getAttribute('src'), `/api/report-runs/${runId}/html`);
      const body = page.frameLocator('iframe.report-frame').locator('body');
      await body.waitFor();
      assert.ok((await body.innerText()).includes(title), `the frame shows the ${title}`);
      assert.ok(await page.locator('#preview-result .report-section').count() > 0, `${title}: its sections`);
    }
    await assertAccessible(page, 'the reports page after eight previews');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
