// migrate.test.js — `scc-worker migrate` against a real PostgreSQL: applies in
// order and once, records sha-256 checksums, refuses an edited applied file,
// keeps a failed migration out entirely, serialises concurrent runs, and
// exits 0/1/2 as documented.
//
// Each test works on its own database in the shared stack's cluster and on a
// copy of sql/migrations in a temp folder: the real files are never edited.

import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { ROOT, WORKER, run, sharedStack } from './lib/stack.js';

let stack;
const databases = [];
const folders = [];

before(async () => { stack = await sharedStack(); });
after(async () => {
  for (const db of databases) {
    await stack.psql(`drop database if exists ${db} with (force)`, { db: 'postgres' });
  }
  for (const f of folders) fs.rmSync(f, { recursive: true, force: true });
});

/** A fresh empty database owned by scc_owner; returns its conninfo. */
async function freshDb() {
  const name = `scc_migtest_${crypto.randomBytes(4).toString('hex')}`;
  await stack.psql(`create database ${name} owner scc_owner`, { db: 'postgres' });
  databases.push(name);
  return { name, conninfo: `host=${stack.pgHost} dbname=${name} user=scc_owner` };
}

/** A copy of the repository's migrations (plus `extra` files) in a temp folder. */
function migrationsCopy(extra = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scc-migrations-'));
  folders.push(dir);
  fs.cpSync(path.join(ROOT, 'sql/migrations'), dir, { recursive: true });
  for (const [name, body] of Object.entries(extra)) fs.writeFileSync(path.join(dir, name), body);
  return dir;
}

function migrate(conninfo, dir, extraArgs = []) {
  const env = { ...process.env, SCC_PG: conninfo };
  return run(WORKER, ['migrate', '--dir', dir, ...extraArgs], { env });
}

async function rows(db, sql) {
  const out = await stack.psql(sql, { db });
  return out === '' ? [] : out.split('\n');
}

const repoFiles = fs.readdirSync(path.join(ROOT, 'sql/migrations'))
  .filter((f) => /^\d+_[a-z0-9_]+\.sql$/.test(f)).sort();

test('first run applies every migration in order with its sha-256; second run does nothing', async () => {
  const db = await freshDb();
  const dir = migrationsCopy();

  const first = await migrate(db.conninfo, dir);
  assert.equal(first.code, 0, first.stderr);
  for (const f of repoFiles) assert.match(first.stdout, new RegExp(`applied ${f}`));

  const recorded = await rows(db.name, 'select version, name, checksum from scc.schema_migrations order by version');
  assert.deepEqual(recorded, repoFiles.map((f) => {
    const sum = crypto.createHash('sha256').update(fs.readFileSync(path.join(dir, f))).digest('hex');
    return `${parseInt(f, 10)}|${f}|${sum}`;
  }));
  const before2 = await rows(db.name, 'select version, applied_at from scc.schema_migrations order by 1');

  const second = await migrate(db.conninfo, dir);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /^up to date/m);
  assert.doesNotMatch(second.stdout, /applied \d+_/);
  assert.deepEqual(await rows(db.name, 'select version, applied_at from scc.schema_migrations order by 1'), before2);
});

test('a new file is applied alone, after the ones already there', async () => {
  const db = await freshDb();
  const dir = migrationsCopy();
  assert.equal((await migrate(db.conninfo, dir)).code, 0);

  fs.writeFileSync(path.join(dir, '900_test_extra.sql'), 'create table scc.migtest_extra (id int);\n');
  const r = await migrate(db.conninfo, dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /applied 900_test_extra\.sql/);
  for (const f of repoFiles) assert.doesNotMatch(r.stdout, new RegExp(`applied ${f}`));
  assert.equal((await rows(db.name, 'select max(version) from scc.schema_migrations'))[0], '900');
});

test('an edited, already-applied file is refused, naming the file, and nothing else runs', async () => {
  const db = await freshDb();
  const dir = migrationsCopy();
  assert.equal((await migrate(db.conninfo, dir)).code, 0);

  const first = repoFiles[0];
  fs.appendFileSync(path.join(dir, first), '\n-- an innocent-looking edit\n');
  fs.writeFileSync(path.join(dir, '901_pending.sql'), 'create table scc.migtest_pending (id int);\n');

  const r = await migrate(db.conninfo, dir);
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`${first}.*changed`));
  assert.match(r.stderr, /new migration/);
  assert.deepEqual(await rows(db.name, "select 1 from scc.schema_migrations where version = 901"), []);
  assert.equal((await rows(db.name, "select to_regclass('scc.migtest_pending') is null"))[0], 't');
});

test('a failing migration leaves nothing behind and says which file and line', async () => {
  const db = await freshDb();
  const dir = migrationsCopy({
    '902_half.sql': 'create table scc.migtest_half (id int);\n\nselect nonsense from nowhere;\n',
  });
  const r = await migrate(db.conninfo, dir);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /902_half\.sql failed/);
  assert.match(r.stderr, /near line 3/);
  assert.match(r.stderr, /nowhere/);
  // the earlier files stay applied; the failed one is neither recorded nor half-done
  assert.equal((await rows(db.name, 'select count(*) from scc.schema_migrations'))[0], String(repoFiles.length));
  assert.equal((await rows(db.name, "select to_regclass('scc.migtest_half') is null"))[0], 't');
});

test('a file that commits by itself is refused', async () => {
  const db = await freshDb();
  const dir = migrationsCopy({ '903_commits.sql': 'create table scc.migtest_c (id int);\ncommit;\n' });
  const r = await migrate(db.conninfo, dir);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /903_commits\.sql.*transaction control/);
  assert.deepEqual(await rows(db.name, 'select 1 from scc.schema_migrations where version = 903'), []);
});

test('misnamed or duplicate-numbered files are refused before connecting', async () => {
  const bad = migrationsCopy({ 'add-users.sql': 'select 1;\n' });
  let r = await migrate('host=/nonexistent dbname=x', bad);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /add-users\.sql: a migration file must be named NNN_name\.sql/);

  const dup = migrationsCopy({ '001_again.sql': 'select 1;\n' });
  r = await migrate('host=/nonexistent dbname=x', dup);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /same version 1/);
});

test('two runs at once: one applies, the other waits, each migration recorded once', async () => {
  const db = await freshDb();
  const dir = migrationsCopy({ '904_slow.sql': 'select pg_sleep(0.5);\n' });
  const [a, b] = await Promise.all([migrate(db.conninfo, dir), migrate(db.conninfo, dir)]);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  const out = a.stdout + b.stdout;
  assert.equal((out.match(/applied 904_slow\.sql/g) || []).length, 1);
  assert.match(out, /up to date/);
  assert.match(a.stderr + b.stderr, /waiting for it to finish/);
  assert.deepEqual(await rows(db.name, 'select count(*), count(distinct version) from scc.schema_migrations'),
    [`${repoFiles.length + 1}|${repoFiles.length + 1}`]);
});

test('exit codes: 0 help, 2 usage or config, 1 database unreachable', async () => {
  const dir = migrationsCopy();
  const noPg = { ...process.env };
  delete noPg.SCC_PG;

  let r = await run(WORKER, ['migrate', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /usage: scc-worker migrate/);

  r = await run(WORKER, ['--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /migrate/);

  r = await run(WORKER, ['migrate', '--dir', dir], { env: noPg });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no database configured/);

  r = await run(WORKER, ['migrate', '--bogus'], { env: noPg });
  assert.equal(r.code, 2);

  r = await run(WORKER, ['frobnicate']);
  assert.equal(r.code, 2);

  r = await migrate('this is not a conninfo', dir);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /bad database conninfo/);

  r = await migrate(`host=${stack.pgHost} dbname=scc user=scc_owner`, '/nonexistent/migrations');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /cannot open migrations directory/);

  r = await migrate('host=/nonexistent dbname=scc user=scc_owner', dir);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /cannot connect to the database \(host=\/nonexistent/);

  // the wrong role: a clear hint to connect as the schema owner
  r = await migrate(`host=${stack.pgHost} dbname=scc user=scc_worker`, dir);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /permission denied/);
  assert.match(r.stderr, /must connect as the schema owner/);

  // a config file: unknown keys are errors, `pg` is read, SCC_PG wins over it
  const conf = path.join(dir, 'worker.conf');
  fs.writeFileSync(conf, '# test\npgg = x\n');
  r = await run(WORKER, ['migrate', '--config', conf, '--dir', dir], { env: noPg });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /worker\.conf:2: unknown setting "pgg"/);

  fs.writeFileSync(conf, 'pg = "host=/nonexistent dbname=scc"\n');
  r = await run(WORKER, ['migrate', '--config', conf, '--dir', dir], { env: noPg });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /host=\/nonexistent/);

  r = await run(WORKER, ['migrate', '--config', conf, '--dir', dir],
    { env: { ...noPg, SCC_PG: `host=${stack.pgHost} dbname=scc user=scc_owner` } });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /up to date/);
});
