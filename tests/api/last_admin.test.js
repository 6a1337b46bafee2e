// last_admin.test.js — two admins acting on each other at the same moment
// must leave an enabled admin (issue 8, finding 6).  On a dedicated stack, so
// the only admins are this file's.
//
// The two requests are made to overlap for certain, not by luck: a psql
// session holds scc.audit_log in exclusive mode, which every demotion and
// disabling must write to, so both transactions are inside their route
// function (the first holding its row locks, the second past its own role
// check) before either commits.  Then the lock goes and they finish in turn.

import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';

import { startStack } from './lib/stack.js';
import { api, errorShapeProblem, lit, signIn } from './lib/auth.js';

let stack;
before(async () => { stack = await startStack({ workers: 1 }); });
after(async () => { await stack?.stop(); });

/** Two fresh admins, and no other enabled admin on the stack. */
async function twoAdmins() {
  await stack.psql("update scc.users set disabled_at = now() where role = 'admin' and disabled_at is null");
  return [await signIn(stack, 'admin'), await signIn(stack, 'admin')];
}

/** Run both requests while scc.audit_log is locked, so they overlap; resolve their answers. */
async function overlapping(requests) {
  const db = await stack.session();
  try {
    await db.query('begin; lock table scc.audit_log in exclusive mode');
    const answers = Promise.all(requests.map((f) => f()));
    // both requests wait on a lock inside PostgreSQL before the audit lock goes
    let waiting = 0;
    for (let i = 0; i < 200 && waiting < 2; i++) {
      await new Promise((r) => setTimeout(r, 50));
      waiting = Number(await stack.psql(`select count(*) from pg_stat_activity
        where datname = 'scc' and usename = 'scc_web' and wait_event_type = 'Lock'`));
    }
    assert.equal(waiting, 2, 'both requests were in PostgreSQL at once');
    await db.query('rollback');
    return await answers;
  } finally {
    await db.close();
  }
}

async function enabledAdmins() {
  return Number(await stack.psql("select count(*) from scc.users where role = 'admin' and disabled_at is null"));
}

function oneRefused(answers) {
  const statuses = answers.map((r) => r.status).sort();
  assert.deepEqual(statuses, [200, 409], answers.map((r) => r.text).join('\n'));
  const refused = answers.find((r) => r.status === 409);
  const problem = errorShapeProblem(refused, 409, 'last_admin');
  assert.equal(problem, null, problem ?? '');
}

test('two admins demoting each other at once: one succeeds, the other gets 409 last_admin', async () => {
  const [ann, bob] = await twoAdmins();
  const answers = await overlapping([
    () => api(stack, 'PATCH', `/api/users/${ann.id}`, { token: bob.access, body: { role: 'crew' } }),
    () => api(stack, 'PATCH', `/api/users/${bob.id}`, { token: ann.access, body: { role: 'crew' } }),
  ]);
  oneRefused(answers);
  assert.equal(await enabledAdmins(), 1, 'one enabled admin is left');
});

test('two admins disabling each other at once: one succeeds, the other gets 409 last_admin', async () => {
  const [ann, bob] = await twoAdmins();
  const answers = await overlapping([
    () => api(stack, 'POST', `/api/users/${ann.id}/disable`, { token: bob.access, body: {} }),
    () => api(stack, 'POST', `/api/users/${bob.id}/disable`, { token: ann.access, body: {} }),
  ]);
  oneRefused(answers);
  assert.equal(await enabledAdmins(), 1, 'one enabled admin is left');
  const left = await stack.psql(`select id from scc.users where role = 'admin' and disabled_at is null
    and id in (${lit(ann.id)}, ${lit(bob.id)})`);
  assert.ok(left === ann.id || left === bob.id, 'and it is one of the two');
});
