// file_answer.test.js — a route flagged NGX_HTTP_SCC_FILE answers
// scc_api.file_response (status, body text, content_type, filename) and the
// module sends the body as it came, with that media type and, for a file
// name, Content-Disposition: attachment.  Header values outside the safe set
// are refused (500, logged, not sent); SQL errors keep the JSON error shape;
// HEAD gives the headers alone.
//
// The FILE route of the table is GET /api/calendar/:token.  On a dedicated
// stack this file replaces its function with one that answers whatever the
// token asks for, so every case goes through the real nginx, module and
// PostgreSQL; the real feed is tested in calendar.test.js.

import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { startStack } from './lib/stack.js';
import { api } from './lib/auth.js';

let stack;

const FUNCTION = String.raw`
create or replace function scc_api.calendar_feed(ctx jsonb)
returns scc_api.file_response
language plpgsql stable security definer set search_path = pg_catalog, scc
as $$
declare
    t text := ctx -> 'params' ->> 'token';
begin
    case t
    when 'plain' then
        return (200, E'BEGIN:VCALENDAR\r\nX:é\r\nEND:VCALENDAR\r\n', 'text/calendar; charset=utf-8', null)::scc_api.file_response;
    when 'csv' then
        return (200, E'a,b\r\n1,"x ""y"""\r\n', 'text/csv; charset=utf-8', 'analysis-2026-11.csv')::scc_api.file_response;
    when 'created' then
        return (201, 'made', 'text/plain; charset=utf-8', null)::scc_api.file_response;
    when 'empty' then
        return (200, '', 'text/plain; charset=utf-8', null)::scc_api.file_response;
    when 'nobody' then
        return (204, null, 'text/plain', null)::scc_api.file_response;
    when 'big' then
        return (200, repeat('0123456789abcdef', 65536), 'application/octet-stream', 'big.bin')::scc_api.file_response;
    when 'crlf-type' then
        return (200, 'x', E'text/plain\r\nSet-Cookie: a=b', null)::scc_api.file_response;
    when 'quote-type' then
        return (200, 'x', 'text/plain; name="a"', null)::scc_api.file_response;
    when 'utf8-type' then
        return (200, 'x', 'text/plainé', null)::scc_api.file_response;
    when 'null-type' then
        return (200, 'x', null, null)::scc_api.file_response;
    when 'crlf-name' then
        return (200, 'x', 'text/plain', E'a\r\nSet-Cookie: a=b')::scc_api.file_response;
    when 'quote-name' then
        return (200, 'x', 'text/plain', 'a".txt')::scc_api.file_response;
    when 'slash-name' then
        return (200, 'x', 'text/plain', '../etc/passwd')::scc_api.file_response;
    when 'dot-name' then
        return (200, 'x', 'text/plain', '.hidden')::scc_api.file_response;
    when 'long-name' then
        return (200, 'x', 'text/plain', repeat('a', 129))::scc_api.file_response;
    when 'space-name' then
        return (200, 'x', 'text/plain', 'a b.txt')::scc_api.file_response;
    when 'bad-status' then
        return (99, 'x', 'text/plain', null)::scc_api.file_response;
    when 'fail' then
        perform scc.fail(404, 'feed_not_found', 'no calendar feed at this address');
    when 'sql-error' then
        perform 1 / 0;
    else
        perform scc.fail(418, 'unexpected', t);
    end case;
    return null;
end
$$`;

before(async () => {
  stack = await startStack({ workers: 1 });
  await stack.psql(FUNCTION, { user: 'postgres' });
});

after(async () => { await stack?.stop(); });

const get = (token, init) => api(stack, 'GET', `/api/calendar/${token}`, init);

function errorLog() {
  return fs.readFileSync(path.join(stack.dir, 'logs', 'error.log'), 'utf8');
}

test('the body goes out as it came, with the route\'s media type', async () => {
  const r = await stack.fetch('/api/calendar/plain');
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'text/calendar; charset=utf-8');
  assert.equal(r.headers.get('content-disposition'), null);
  assert.equal(r.headers.get('cache-control'), 'no-store');
  const bytes = Buffer.from(await r.arrayBuffer());
  assert.deepEqual(bytes, Buffer.from('BEGIN:VCALENDAR\r\nX:é\r\nEND:VCALENDAR\r\n', 'utf8'));
  assert.equal(Number(r.headers.get('content-length')), bytes.length);
});

test('a file name adds Content-Disposition: attachment', async () => {
  const r = await get('csv');
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'text/csv; charset=utf-8');
  assert.equal(r.headers.get('content-disposition'), 'attachment; filename="analysis-2026-11.csv"');
  assert.equal(r.text, 'a,b\r\n1,"x ""y"""\r\n');
});

test('the function\'s status is the answer\'s; an empty or null body is sent as such', async () => {
  const c = await get('created');
  assert.equal(c.status, 201);
  assert.equal(c.text, 'made');
  assert.equal(c.headers.get('content-type'), 'text/plain; charset=utf-8');

  const e = await get('empty');
  assert.equal(e.status, 200);
  assert.equal(e.text, '');
  assert.equal(e.headers.get('content-length'), '0');

  const n = await get('nobody');
  assert.equal(n.status, 204);
  assert.equal(n.text, '');
});

test('a body of 1 MiB arrives whole', async () => {
  const r = await stack.fetch('/api/calendar/big');
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/octet-stream');
  assert.equal(r.headers.get('content-disposition'), 'attachment; filename="big.bin"');
  const body = Buffer.from(await r.arrayBuffer());
  assert.equal(body.length, 16 * 65536);
  assert.ok(body.equals(Buffer.from('0123456789abcdef'.repeat(65536))));
});

test('HEAD gives the headers and no body', async () => {
  const r = await stack.fetch('/api/calendar/csv', { method: 'HEAD' });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'text/csv; charset=utf-8');
  assert.equal(r.headers.get('content-disposition'), 'attachment; filename="analysis-2026-11.csv"');
  assert.equal(r.headers.get('content-length'), String(Buffer.byteLength('a,b\r\n1,"x ""y"""\r\n')));
  assert.equal((await r.arrayBuffer()).byteLength, 0);

  const f = await stack.fetch('/api/calendar/fail', { method: 'HEAD' });
  assert.equal(f.status, 404);
  assert.equal(f.headers.get('content-type'), 'application/json');
});

test('errors raised in SQL keep the JSON error shape', async () => {
  const r = await get('fail');
  assert.equal(r.status, 404);
  assert.equal(r.headers.get('content-type'), 'application/json');
  assert.equal(r.body.error.code, 'feed_not_found');
  assert.equal(r.body.error.message, 'no calendar feed at this address');
  assert.ok(r.body.error.request_id);

  const z = await get('sql-error');
  assert.equal(z.status, 400);
  assert.equal(z.body.error.code, 'invalid_input');

  const s = await get('bad-status');
  assert.equal(s.status, 500);
  assert.equal(s.body.error.code, 'internal');
});

test('a media type or file name outside the safe set is refused, logged, never sent', async () => {
  for (const token of ['crlf-type', 'quote-type', 'utf8-type', 'null-type',
    'crlf-name', 'quote-name', 'slash-name', 'dot-name', 'long-name', 'space-name']) {
    const r = await get(token);
    assert.equal(r.status, 500, token);
    assert.equal(r.headers.get('content-type'), 'application/json', token);
    assert.equal(r.body?.error?.code, 'internal', token);
    assert.equal(r.headers.get('set-cookie'), null, token);
    assert.equal(r.headers.get('content-disposition'), null, token);
  }
  const log = errorLog();
  assert.match(log, /scc: scc_api\.calendar_feed gave no content type, or one with bytes outside the safe set; not sent/);
  assert.match(log, /scc: scc_api\.calendar_feed gave a file name outside \[A-Za-z0-9\._-\] or longer than 128 bytes; not sent/);
  assert.ok(!log.includes('Set-Cookie: a=b'), 'the refused bytes are not written to the log');
});

test('a FILE route keeps the route table\'s other rules: 405 with Allow, 404 for a shorter path', async () => {
  const p = await api(stack, 'POST', '/api/calendar/plain', { body: {} });
  assert.equal(p.status, 405);
  assert.equal(p.headers.get('allow'), 'GET');
  const n = await get('');
  assert.equal(n.status, 404);
  assert.equal(n.body.error.code, 'not_found');
});
