// import.test.js — `scc-worker import KIND FILE.csv` (worker/cmd_import.c →
// scc.import_csv as scc_worker) against a real PostgreSQL: each sample file
// imported (exit 0, its summary, its rows in the database, recorded as
// the command line's), imported again (updated), every file of
// samples/import imported in the kinds' order (each a kind; each kind has
// one) and again (updated, never duplicated), a bad file refused (exit
// 1, every error as FILE:LINE: COLUMN: message, nothing applied), and the
// usage errors (exit 2: no such kind, no such file, missing arguments).

import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, startStack } from '../api/lib/stack.js';

let s;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scc-import-test-'));
before(async () => { s = await startStack({ noWorker: true }); });
after(async () => {
  if (s) await s.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('each sample file: exit 0, its summary, its rows in the database', async () => {
  let r = await s.worker(['import', 'accounts', 'samples/import/accounts.csv']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^samples\/import\/accounts\.csv: imported as accounts: 30 rows, 30 inserted, 0 updated \(import \d+\)\n$/);
  r = await s.worker(['import', 'journal', 'samples/import/journal.csv']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /imported as journal: 23 rows, 11 inserted, 0 updated/);
  assert.equal(await s.psql('select count(*) from scc.accounts'), '30');
  assert.equal(await s.psql('select count(*) from scc.journal_entries'), '11');
  assert.equal(await s.psql('select count(*) from scc.journal_lines'), '23');
  assert.equal(await s.psql(`select string_agg(distinct via || ':' || coalesce(actor_id::text, '-') || ':' || filename, ',')
                             from scc.imports`), 'cli:-:accounts.csv,cli:-:journal.csv');
  r = await s.worker(['import', 'journal', 'samples/import/journal.csv']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /23 rows, 0 inserted, 11 updated/);
  assert.equal(await s.psql('select count(*) from scc.journal_lines'), '23', 'updated, not duplicated');
});

test('every sample file in samples/import, in the kinds\' order: imported, then updated', async () => {
  const kinds = (await s.psql('select string_agg(kind, \' \' order by position) from scc.import_kinds')).split(' ');
  const files = fs.readdirSync(path.join(ROOT, 'samples/import')).filter((f) => f.endsWith('.csv'))
    .map((f) => f.slice(0, -'.csv'.length));
  assert.deepEqual([...files].sort(), [...kinds].sort(), 'one sample file per kind, each file a kind');
  // the boats the charter samples name (the demo's; a fresh database has none)
  await s.psql(`insert into scc.boats (name, port_name, port_lat, port_lon, time_zone, guest_capacity)
                select b, 'San Diego', 32.7157, -117.1611, 'America/Los_Angeles', 6
                  from unnest(array['JADA', 'Queen of San Diego']) as b
                 where not exists (select 1 from scc.boats as x where lower(x.name) = lower(b))`);
  const first = {};
  for (const kind of kinds) {
    const r = await s.worker(['import', kind, `samples/import/${kind}.csv`]);
    assert.equal(r.code, 0, `${kind}: ${r.stderr}`);
    const m = /^samples\/import\/[a-z_]+\.csv: imported as ([a-z_]+): (\d+) rows, (\d+) inserted, (\d+) updated \(import \d+\)\n$/
      .exec(r.stdout);
    assert.ok(m, r.stdout);
    assert.equal(m[1], kind);
    assert.ok(Number(m[3]) + Number(m[4]) > 0, `${kind}: something imported`);
    first[kind] = Number(m[3]) + Number(m[4]);
  }
  for (const kind of kinds) {
    const r = await s.worker(['import', kind, `samples/import/${kind}.csv`]);
    assert.equal(r.code, 0, `${kind}: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`imported as ${kind}: \\d+ rows, 0 inserted, ${first[kind]} updated`),
      `${kind}: a re-import updates every row, never duplicates`);
  }
});

test('a bad file: exit 1, every error as FILE:LINE: COLUMN: message, nothing applied', async () => {
  const file = path.join(tmp, 'bad.csv');
  fs.writeFileSync(file, 'external_id,entity,posted_on,memo,account,debit,credit,currency,source\n'
    + 'W-1,charter,2026-11-01,ok,1000,10.00,,USD,bank\nW-1,charter,2026-11-01,ok,4000,,10.00,USD,bank\n'
    + 'W-2,charter,11/02/2026,us date,1000,5.00,,USD,bank\nW-2,charter,11/02/2026,us date,4000,,5.00,USD,bank\n'
    + 'W-3,charter,2026-11-03,comma amount,1000,"1,000.00",,USD,bank\nW-3,charter,2026-11-03,x,4000,,1000.00,USD,bank\n'
    + 'W-4,charter\n');
  const r = await s.worker(['import', 'journal', file]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.equal(r.stdout, '');
  assert.deepEqual(r.stderr.trimEnd().split('\n'), [
    `${file}:4: posted_on: 11/02/2026 is not a date: YYYY-MM-DD`,
    `${file}:5: posted_on: 11/02/2026 is not a date: YYYY-MM-DD`,
    `${file}:6: debit: 1,000.00 is not an amount: digits with at most two decimal places, such as 1250.00`,
    `${file}:8: 2 fields where the header has 9`,
    `${file}: refused, 4 errors: nothing was imported (import ${await s.psql("select max(id) from scc.imports")})`,
  ]);
  assert.equal(await s.psql(`select count(*) from scc.journal_entries where external_id like 'W-%'`), '0');
  assert.equal(await s.psql(`select status || ':' || error_count from scc.imports order by id desc limit 1`), 'refused:4');
});

test('usage errors exit 2 and import nothing', async () => {
  const n = await s.psql('select count(*) from scc.imports');
  let r = await s.worker(['import', 'ledger', 'samples/import/journal.csv']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^scc-worker import: no import kind ledger \(kinds: accounts, journal, [a-z_, ]+\)/);
  r = await s.worker(['import', 'journal', path.join(tmp, 'missing.csv')]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /cannot read .*missing\.csv: No such file or directory/);
  r = await s.worker(['import', 'journal']);
  assert.equal(r.code, 2);
  r = await s.worker(['import', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /FILE:LINE: COLUMN: message/);
  assert.equal(await s.psql('select count(*) from scc.imports'), n);
});
