// shell.test.js — the shared shell in a real browser: the navigation shows
// what each role may open, the current page is marked, a signed-out visitor
// is told how to sign in, sign-out works, and the pages pass axe-core.

import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';

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

test('a signed-out visitor on an app page is told to sign in', async () => {
  const { context, page, problems } = await openContext(browser);
  try {
    await page.goto(`${stack.url}/admin.html`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    assert.equal(await page.locator('#shell nav a').count(), 1, 'only the brand link');
    await assertAccessible(page, 'signed-out admin page');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('the navigation follows the role, marks the page, and signs out', async () => {
  for (const [role, expected] of [['crew', ['Events', 'Settings']],
    ['captain', ['Events', 'Analysis', 'Settings']],
    ['admin', ['Events', 'Analysis', 'Admin', 'Settings']]]) {
    const { context, page, problems } = await openContext(browser);
    try {
      await signInAs(context, stack, role);
      await page.goto(`${stack.url}/admin.html`);
      await page.locator('#shell .who').filter({ hasText: role }).waitFor();
      assert.deepEqual(await page.locator('#shell nav li a').allTextContents(), expected, role);
      if (role === 'admin') {
        assert.equal(await page.locator('#shell a[aria-current=page]').textContent(), 'Admin');
        await assertAccessible(page, 'admin page');
        await screenshot(page, 'shell-admin');
        await page.getByRole('button', { name: 'Sign out' }).click();
        await page.waitForURL(`${stack.url}/`);
        const again = await page.request.get(`${stack.url}/api/me`);
        assert.equal(again.status(), 401, 'signed out');
      }
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  }
});
