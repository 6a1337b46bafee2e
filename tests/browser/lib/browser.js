// browser.js — what every browser test shares: Debian's Chromium through
// playwright-core, a phone-sized context that records what goes wrong on
// the page, signing a person in without the mail round trip, and the
// axe-core accessibility check.
//
// Signing in here redeems an invite with the browser context's own request
// client: the same HttpOnly cookies a person gets from the sign-in page
// (signin.test.js walks that page itself).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

import { chromium } from 'playwright-core';

import { ROOT } from '../../api/lib/stack.js';
import { freshEmail, inviteLink } from '../../api/lib/auth.js';

export const SHOTS = path.join(ROOT, 'var/test-logs/browser');
const CHROMIUM = process.env.SCC_CHROMIUM || '/usr/bin/chromium';
// axe-core's source, evaluated through the DevTools protocol: a script tag
// would be refused by the page's CSP (default-src 'self'), rightly
const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Debian's Chromium, on a closed network. */
export async function launchBrowser() {
  fs.mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * A fresh phone-sized context and page; `problems` collects console errors
 * (other than the 401/404 a page may meet on purpose), page errors and
 * dialogs, so a test can assert the page ran clean.
 */
export async function openContext(browser) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) {
      problems.push(`console: ${m.text()}`);
    }
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => { problems.push(`dialog: ${d.message()}`); d.dismiss(); });
  return { context, page, problems };
}

/**
 * A new user of `role` (or the given email), signed in in `context`:
 * returns { id, email, role, name }.  Like any browser's, the request
 * carries an Origin, so the tokens come as cookies only: for API calls of
 * its own, a test signs someone in with signIn() from api/lib/auth.js.
 */
export async function signInAs(context, stack, role, { email = freshEmail(`b-${role}`), name = `Test ${role}` } = {}) {
  const { code } = await inviteLink(stack, email, role, { name });
  // the context's own request client: the cookies land in the browser's jar
  // exactly as the sign-in page's fetch would leave them
  const r = await context.request.post(`${stack.url}/api/auth/redeem`, {
    data: { code }, headers: { origin: stack.url } });
  const body = await r.json();
  assert.equal(r.status(), 200, `redeem for ${email}: ${JSON.stringify(body)}`);
  return { id: body.user.id, email, role, name: body.user.name };
}

/**
 * Runs axe-core on the page as it is now and fails on any serious or
 * critical violation, naming each rule and the first elements it found.
 */
export async function assertAccessible(page, what) {
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad, [], `${what}: axe-core found ${bad.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.join(', ')}`).join('; ')}`);
}

/** A full-page screenshot into var/test-logs/browser/NAME.png. */
export function screenshot(page, name) {
  return page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

/** An instant (ms) as the 'YYYY-MM-DDTHH:MM' a datetime-local input takes, in tz. */
export function localInput(ms, tz) {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit',
    day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(ms))
    .map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}
