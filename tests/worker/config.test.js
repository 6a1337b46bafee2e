// config.test.js — `scc-worker run` refuses a bad configuration before it
// touches anything: exit 2 and a message naming the setting.  No database is
// needed: the configuration is checked before connecting.

import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { WORKER, run } from '../api/lib/stack.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scc-worker-conf-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));

async function runWith(conf) {
  const file = path.join(dir, `w-${Math.random().toString(36).slice(2)}.conf`);
  fs.writeFileSync(file, conf);
  // a conninfo that parses but points nowhere: nothing may be attempted
  return run(WORKER, ['run', '--config', file],
    { env: { ...process.env, SCC_PG: `host=${dir}/nowhere dbname=scc` } });
}

const refused = [
  ['an unknown transport', 'transport = pigeon\n', /unknown transport "pigeon" \(expected ses, smtp or outbox\)/],
  ['a sender that is not one address', 'sender = not an address\n', /sender "not an address" is not one email address/],
  ['an unknown key', 'sendr = SCC <a@b.example>\n', /sendr/],
  ['a public_url without a scheme', 'public_url = scc.example\n', /public_url must start with http/],
  /* reports: failover lists (helper J1) */
  ['an unknown transport in a failover list', 'transport = ses, pigeon\n', /unknown transport "pigeon" \(expected ses, smtp or outbox\)/],
  ['a transport listed twice', 'transport = ses, smtp, ses\n', /transport "ses" is listed twice/],
  ['an empty item in a failover list', 'transport = ses,\n', /unknown transport ""/],
  /* end reports: failover lists */
];

for (const [what, conf, message] of refused) {
  test(`scc-worker run refuses ${what} with exit 2`, async () => {
    const r = await runWith(conf);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, message);
  });
}
