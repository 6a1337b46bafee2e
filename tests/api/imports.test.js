// imports.test.js — CSV import over HTTP (POST /api/imports, GET
// /api/imports; sql/migrations/032_ledger.sql) on a stack of its own (it
// writes the ledger): both sample files imported by an admin (201 with the
// counts), imported again (updated, not duplicated), a kind of 041
// (clients) through the route, every kind listed with its sample, a bad file refused
// whole (422 import_refused with every error by line and column, nothing
// applied, the refusal in the history), the body's fields checked, the
// history newest first in keyset pages with who imported what, the 4 MB
// body limit of the route's location, and an unbalanced entry refused by
// a real COMMIT with its external id.

import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { ROOT, startStack } from './lib/stack.js';
import { api, isError, signIn } from './lib/auth.js';

const sample = (name) => fs.readFileSync(path.join(ROOT, 'samples/import', name), 'utf8');
let stack, admin;
before(async () => {
  stack = await startStack();
  admin = await signIn(stack, 'admin', { name: 'Imogen Importer' });
});
after(async () => { await stack?.stop(); });

const post = (body) => api(stack, 'POST', '/api/imports', { token: admin.access, body });

test('an admin imports both samples, then again: inserted, then updated, never duplicated', async () => {
  let r = await post({ kind: 'accounts', csv: sample('accounts.csv'), filename: 'accounts.csv' });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual({ ...r.body, import_id: undefined },
    { import_id: undefined, kind: 'accounts', rows: 30, inserted: 30, updated: 0 });
  r = await post({ kind: 'journal', csv: sample('journal.csv'), filename: 'journal.csv' });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual([r.body.rows, r.body.inserted, r.body.updated], [23, 11, 0]);
  r = await post({ kind: 'journal', csv: sample('journal.csv').replace('1450.00', '1500.00').replace('1450.00', '1500.00'),
    filename: 'journal.csv' });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual([r.body.rows, r.body.inserted, r.body.updated], [23, 0, 11]);
  assert.equal(await stack.psql('select count(*) from scc.journal_lines'), '23');
  assert.equal(await stack.psql(`select balance_cents from scc.account_balances('charter', '2026-10-31')
                                  where code = '4000'`), '270000', 'the re-imported amount (1,500 + 1,200)');
});

test('a kind of the business data through the route: clients imported, then updated; a bad row refused', async () => {
  let r = await post({ kind: 'clients', csv: sample('clients.csv'), filename: 'clients.csv' });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual([r.body.kind, r.body.rows, r.body.inserted, r.body.updated], ['clients', 4, 4, 0]);
  r = await post({ kind: 'clients', csv: sample('clients.csv'), filename: 'clients.csv' });
  assert.deepEqual([r.body.rows, r.body.inserted, r.body.updated], [4, 0, 4]);
  assert.equal(await stack.psql('select count(*) from scc.clients'), '4');
  r = await post({ kind: 'clients', csv: 'entity,external_id,name,active\ndangerouscentaur,CL-NEW,New client,perhaps\n' });
  isError(r, 422, 'import_refused');
  assert.deepEqual(r.body.error.errors, [{ line: 2, column: 'active', code: 'invalid_yes_no', message: 'perhaps is not yes or no' }]);
  assert.equal(await stack.psql(`select count(*) from scc.clients where external_id = 'CL-NEW'`), '0');
});

test('a bad file is refused whole: 422 with every error by line and column, nothing applied', async () => {
  const before = await stack.psql('select count(*) from scc.journal_entries');
  const csv = 'external_id,entity,posted_on,memo,account,debit,credit,currency,source\r\n'
    + 'OK-1,charter,2026-11-01,fine,1000,10.00,,USD,bank\r\nOK-1,charter,2026-11-01,fine,4000,,10.00,USD,bank\r\n'
    + 'BAD-1,charter,2026-11-31,bad date,1000,5.00,,USD,bank\r\nBAD-1,charter,2026-11-31,bad date,4000,,5.00,USD,bank\r\n'
    + 'BAD-2,nowhere,2026-11-02,unknown entity,1000,1,,USD,bank\r\nBAD-2,nowhere,2026-11-02,unknown entity,4000,,1,USD,bank\r\n'
    + 'BAD-3,charter,2026-11-02,unbalanced,1000,1.00,,USD,bank\r\nBAD-3,charter,2026-11-02,unbalanced,4000,,2.00,USD,bank\r\n';
  const r = await post({ kind: 'journal', csv, filename: 'november.csv' });
  isError(r, 422, 'import_refused');
  assert.equal(r.body.error.message, '5 errors: nothing was imported');
  assert.deepEqual(r.body.error.errors.map((e) => [e.line, e.column, e.code]), [
    [4, 'posted_on', 'invalid_date'], [5, 'posted_on', 'invalid_date'],
    [6, 'entity', 'unknown_entity'], [7, 'entity', 'unknown_entity'],
    [8, 'external_id', 'unbalanced_entry'],
  ]);
  assert.equal(r.body.error.errors[4].message, 'entry BAD-3 does not balance in USD: debits 1.00, credits 2.00 (lines 8, 9)');
  assert.equal(await stack.psql('select count(*) from scc.journal_entries'), before, 'not even the good entry');
  const list = await api(stack, 'GET', '/api/imports?limit=1', { token: admin.access });
  assert.equal(list.status, 200);
  const last = list.body.imports[0];
  assert.deepEqual([last.id, last.kind, last.filename, last.status, last.rows, last.error_count, last.via],
    [r.body.error.import_id, 'journal', 'november.csv', 'refused', 8, 5, 'api']);
  assert.equal(last.actor.name, 'Imogen Importer');
  assert.match(last.sha256, /^[0-9a-f]{64}$/);
});

test('the body is checked: unknown field, kind, csv, filename', async () => {
  isError(await post({ kind: 'journal', csv: 'x', sheet: 1 }), 400, 'unknown_field');
  isError(await post({ csv: 'x' }), 400, 'kind_required');
  isError(await post({ kind: 'ledger', csv: 'x' }), 400, 'unknown_kind');
  isError(await post({ kind: 'journal' }), 400, 'csv_required');
  isError(await post({ kind: 'journal', csv: 'x', filename: 7 }), 400, 'invalid_filename');
  isError(await api(stack, 'GET', '/api/imports?page=2', { token: admin.access }), 400, 'unknown_parameter');
  isError(await api(stack, 'GET', '/api/imports?kind=ledger', { token: admin.access }), 400, 'unknown_kind');
  isError(await api(stack, 'GET', '/api/imports?limit=0', { token: admin.access }), 400, 'invalid_limit');
});

test('the history: the kinds\' layouts, newest first, keyset pages, a kind alone', async () => {
  const all = await api(stack, 'GET', '/api/imports', { token: admin.access });
  assert.equal(all.status, 200);
  const kinds = all.body.kinds.map((k) => k.kind);
  assert.deepEqual(kinds, (await stack.psql('select string_agg(kind, \',\' order by position) from scc.import_kinds')).split(','),
    'every kind, in its order');
  for (const k of ['accounts', 'journal', 'bookings', 'boat_blocks', 'rental_stays', 'rental_blocks', 'work_orders',
    'deliveries', 'delivery_costs', 'clients', 'contracts', 'time_entries', 'invoices', 'payments']) {
    assert.ok(kinds.includes(k), `the kind ${k} is listed`);
  }
  for (const k of all.body.kinds) {
    assert.ok(fs.existsSync(path.join(ROOT, 'samples/import', `${k.kind}.csv`)), `${k.kind} has its sample file`);
    assert.ok(k.columns.every((c) => c.name && c.type && typeof c.optional === 'boolean' && c.what), `${k.kind}: columns described`);
  }
  const journal = all.body.kinds.find((k) => k.kind === 'journal');
  assert.deepEqual(journal.columns.map((c) => c.name),
    ['external_id', 'entity', 'posted_on', 'memo', 'account', 'debit', 'credit', 'currency', 'source']);
  assert.equal(journal.sample, '/samples/import/journal.csv');
  const sampleFile = await stack.fetch(journal.sample);
  assert.equal(sampleFile.status, 200, 'the sample file is served with the web app');
  assert.equal(await sampleFile.text(), sample('journal.csv'));
  const ids = all.body.imports.map((i) => i.id);
  assert.ok(ids.length >= 4);
  assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'newest first');
  const p1 = await api(stack, 'GET', '/api/imports?limit=2', { token: admin.access });
  assert.deepEqual(p1.body.imports.map((i) => i.id), ids.slice(0, 2));
  const p2 = await api(stack, 'GET', `/api/imports?limit=2&before=${p1.body.next_before}`, { token: admin.access });
  assert.deepEqual(p2.body.imports.map((i) => i.id), ids.slice(2, 4));
  const acc = await api(stack, 'GET', '/api/imports?kind=accounts', { token: admin.access });
  assert.deepEqual(acc.body.imports.map((i) => [i.kind, i.status, i.inserted]), [['accounts', 'applied', 30]]);
});

test('the route takes a body of nearly 4 MB and refuses a larger one with 413 in the API\'s shape', async () => {
  // 3.9 MB of rows under a header without "source": parsed whole, refused at the header
  const row = 'BIG-1,charter,2026-11-01,a memo that makes the row long enough,1000,1.00,,USD\n';
  const header = 'external_id,entity,posted_on,memo,account,debit,credit,currency\n';
  const csv = header + row.repeat(Math.floor(3.9e6 / row.length));
  const r = await post({ kind: 'journal', csv, filename: 'big.csv' });
  isError(r, 422, 'import_refused');
  assert.deepEqual(r.body.error.errors.map((e) => [e.line, e.column, e.code]), [[1, 'source', 'missing_column']]);
  const big = await post({ kind: 'journal', csv: csv + row.repeat(Math.ceil(0.3e6 / row.length)), filename: 'bigger.csv' });
  isError(big, 413, 'body_too_large');
});

test('an unbalanced entry written by hand fails at COMMIT, naming its external id', async () => {
  await assert.rejects(stack.psql(`
    begin;
    insert into scc.journal_entries (entity_id, posted_on, source, external_id)
    select id, '2026-11-05', 'manual', 'HAND-1' from scc.entities where slug = 'charter';
    insert into scc.journal_lines (entry_id, entity_id, posted_on, account_id, amount_cents, currency)
    select e.id, e.entity_id, e.posted_on, a.id, 5000, 'USD'
      from scc.journal_entries as e join scc.accounts as a on a.entity_id = e.entity_id and a.code = '1000'
     where e.external_id = 'HAND-1';
    commit;`), /journal entry HAND-1 \(charter, source manual\) does not balance in USD: debits 50\.00, credits 0\.00/);
  assert.equal(await stack.psql(`select count(*) from scc.journal_entries where external_id = 'HAND-1'`), '0');
});
