// signin.test.js — the sign-in journey in a real browser: Debian's Chromium
// driven by playwright-core, against a real stack (nginx + module,
// PostgreSQL, the worker mailing into the stack's outbox folder).
//
// What a person does: opens an invite link, sees who it is for, presses the
// button, lands home signed in; signs out; asks for a magic link with the
// form, opens the mailed link, is signed in again.  Opening a link spends
// nothing (a link scanner that loads the page leaves it working).  What must
// hold throughout: no token is ever readable by the page
// (HttpOnly cookies, nothing in storage), every value from the API is shown
// as text (a name full of markup stays text and runs nothing), the Content
// Security Policy is never violated, and a used link can't be used twice.
// Screenshots go to var/test-logs/browser/.

import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { chromium } from 'playwright-core';

import { ROOT, startStack } from '../api/lib/stack.js';
import { freshEmail, inviteLink, mailedCode, signIn } from '../api/lib/auth.js';

const SHOTS = path.join(ROOT, 'var/test-logs/browser');
const CHROMIUM = process.env.SCC_CHROMIUM || '/usr/bin/chromium';

let stack, browser;
before(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  stack = await startStack();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    // a closed network: no background services, no first-run chatter
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});
after(async () => {
  await browser?.close();
  await stack?.stop();
});

// A fresh browser profile for each journey, recording what the page sees.
async function openContext() {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } }); // a phone
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of 40[14]/.test(m.text())) {
      problems.push(`console: ${m.text()}`);
    }
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => { problems.push(`dialog: ${d.message()}`); d.dismiss(); });
  return { context, page, problems };
}

async function tokensVisibleToPage(page) {
  return page.evaluate(() => ({
    cookie: document.cookie,
    local: JSON.stringify({ ...localStorage }),
    session: JSON.stringify({ ...sessionStorage }),
  }));
}

test('an invite link signs a crew member in; no token is visible to the page; sign-out works', async () => {
  const email = freshEmail('browser-crew');
  const { link } = await inviteLink(stack, email, 'crew', { name: 'Casey Crew' });
  const { context, page, problems } = await openContext();
  try {
    await page.goto(link);
    // who the link is for, before anything is spent
    await page.locator('#signin-for').filter({ hasText: `An invitation for ${email} to join as crew.` }).waitFor();
    assert.equal(await page.locator('#signin-status').textContent(), 'Hello, Casey Crew.');
    // the single-use code has already left the address bar
    assert.equal(page.url(), `${stack.url}/signin.html`);
    await page.screenshot({ path: path.join(SHOTS, 'link-shown.png'), fullPage: true });
    await page.locator('#signin-go').filter({ hasText: `Sign in as ${email}` }).click();
    await page.locator('#signin-status').filter({ hasText: 'Welcome, Casey Crew' }).waitFor();
    await page.waitForURL(`${stack.url}/`, { timeout: 10_000 });
    await page.locator('#me').waitFor({ state: 'visible' });
    assert.equal(await page.locator('#me-role').textContent(), 'crew');
    assert.match(await page.locator('#me-id').textContent(), /^[0-9a-f-]{36}$/);
    await page.screenshot({ path: path.join(SHOTS, 'signed-in.png'), fullPage: true });

    // the cookies exist but the page can't read them, and nothing is stored
    const cookies = await context.cookies();
    const at = cookies.find((c) => c.name === 'scc_at');
    const rt = cookies.find((c) => c.name === 'scc_rt');
    assert.ok(at && at.httpOnly && at.sameSite === 'Strict' && at.path === '/api', JSON.stringify(at));
    assert.ok(rt && rt.httpOnly && rt.sameSite === 'Strict' && rt.path === '/api/auth', JSON.stringify(rt));
    assert.deepEqual(await tokensVisibleToPage(page), { cookie: '', local: '{}', session: '{}' });

    await page.locator('#logout').click();
    await page.locator('#signin').waitFor({ state: 'visible' });
    assert.equal(await page.locator('#me').isVisible(), false);
    assert.equal((await context.cookies()).filter((c) => c.value).length, 0, 'cookies cleared');

    // the same link again: refused, and said plainly
    await page.goto(link);
    await page.locator('#signin-status').filter({ hasText: 'expired or was already used' }).waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'link-used.png'), fullPage: true });
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('the sign-in form mails a magic link that signs the person in', async () => {
  const email = freshEmail('browser-guest');
  await signIn(stack, 'guest', { email }); // the person exists (an invite redeemed once)
  const { context, page, problems } = await openContext();
  try {
    await page.goto(`${stack.url}/`);
    await page.locator('#signin').waitFor({ state: 'visible' });
    await page.locator('#signin-email').fill(email);
    await page.locator('#signin-form button[type=submit]').click();
    await page.locator('#signin-note').filter({ hasText: 'a sign-in link is on its way' }).waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'link-requested.png'), fullPage: true });

    const code = await mailedCode(stack, email, 'login_link');
    assert.match(code, /^[A-Za-z0-9_-]{22}$/);
    await page.goto(`${stack.url}/signin.html?code=${code}`);
    await page.locator('#signin-for').filter({ hasText: `This link signs in ${email}.` }).waitFor();
    await page.locator('#signin-go').click();
    await page.waitForURL(`${stack.url}/`, { timeout: 10_000 });
    await page.locator('#me').waitFor({ state: 'visible' });
    assert.equal(await page.locator('#me-role').textContent(), 'guest');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('a name full of markup is shown as text and runs nothing', async () => {
  const email = freshEmail('browser-xss');
  const name = '<img src=x onerror="alert(1)"><script>alert(2)</script>';
  const { link } = await inviteLink(stack, email, 'crew', { name });
  const { context, page, problems } = await openContext();
  try {
    await page.goto(link);
    const status = page.locator('#signin-status');
    await status.filter({ hasText: 'Hello' }).waitFor();
    assert.equal(await status.textContent(), `Hello, ${name}.`);
    assert.equal(await page.locator('#signin-status img, #signin-status script').count(), 0);
    await page.locator('#signin-go').click();
    await status.filter({ hasText: 'Welcome' }).waitFor();
    assert.equal(await status.textContent(), `Welcome, ${name}. Taking you home…`);
    assert.equal(await page.locator('#signin-status img, #signin-status script').count(), 0);
    await page.waitForURL(`${stack.url}/`, { timeout: 10_000 });
    assert.deepEqual(problems, [], 'no dialog, no script, no CSP violation');
  } finally {
    await context.close();
  }
});

test('opening a link spends nothing: a scanner loads the page, the person still signs in with it', async () => {
  const email = freshEmail('browser-scanned');
  const { link } = await inviteLink(stack, email, 'guest');
  const scanner = await openContext();
  try {
    await scanner.page.goto(link);
    await scanner.page.locator('#signin-go').waitFor({ state: 'visible' });
    await scanner.page.waitForLoadState('networkidle');
    assert.deepEqual(await scanner.context.cookies(), [], 'no session for whoever merely opened it');
    assert.deepEqual(scanner.problems, []);
  } finally {
    await scanner.context.close();
  }
  const { context, page, problems } = await openContext();
  try {
    await page.goto(link);
    await page.locator('#signin-go').click();
    await page.waitForURL(`${stack.url}/`, { timeout: 10_000 });
    await page.locator('#me').waitFor({ state: 'visible' });
    assert.equal(await page.locator('#me-role').textContent(), 'guest');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('an inline script injected into the page is blocked by the Content Security Policy', async () => {
  const { context, page, problems } = await openContext();
  try {
    await page.goto(`${stack.url}/`);
    const ran = await page.evaluate(() => new Promise((resolve) => {
      window.__ran = false;
      document.addEventListener('securitypolicyviolation', () => resolve(window.__ran), { once: true });
      const s = document.createElement('script');
      s.textContent = 'window.__ran = true';
      document.body.append(s);
      setTimeout(() => resolve(window.__ran), 1000);
    }));
    assert.equal(ran, false, 'the inline script did not run');
    assert.ok(problems.some((p) => /Content Security Policy/.test(p)), 'the browser reported the violation');
  } finally {
    await context.close();
  }
});
