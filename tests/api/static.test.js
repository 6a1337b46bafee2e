// static.test.js — nginx serves frontend/ as the development nginx.conf
// says: index.html, caching (short for HTML, longer for scripts), security
// headers on every answer including errors, and the bench floor location.

import test, { before } from 'node:test';
import assert from 'node:assert/strict';

import { sharedStack } from './lib/stack.js';

let stack;
before(async () => { stack = await sharedStack(); });

function assertSecurityHeaders(res) {
  assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'self'/);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
  assert.equal(res.headers.get('x-frame-options'), 'DENY');
}

test('GET / serves index.html with a short cache and the security headers', async () => {
  const res = await stack.fetch('/');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/html/);
  assert.equal(res.headers.get('cache-control'), 'max-age=60');
  assertSecurityHeaders(res);
  assert.match(await res.text(), /Ship Captain Crew/);
});

test('scripts are served as JavaScript with a longer cache', async () => {
  const res = await stack.fetch('/health.js');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /javascript/);
  assert.equal(res.headers.get('cache-control'), 'max-age=3600');
  assertSecurityHeaders(res);
  await res.arrayBuffer();
});

test('a missing file is a 404 that still carries the security headers', async () => {
  const res = await stack.fetch('/no-such-page.html');
  assert.equal(res.status, 404);
  assertSecurityHeaders(res);
  await res.arrayBuffer();
});

test('no path escapes the frontend folder', async () => {
  const res = await stack.fetch('/%2e%2e/Makefile');
  assert.ok(res.status === 400 || res.status === 404, `status ${res.status}`);
  assert.doesNotMatch(await res.text(), /WCFLAGS/);
});

test('the bench floor location answers a plain ok', async () => {
  const res = await stack.fetch('/_bench/return200');
  assert.equal(res.status, 200);
  assert.equal(await res.text(), 'ok\n');
});
