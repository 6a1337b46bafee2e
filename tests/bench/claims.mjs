// claims.mjs — the claims figure of `make bench` (tests/bench/charter):
// CLIENTS crew members, each in a loop for SECONDS: pick one of the bench's
// 100 events at random, claim a crew place, release it.  Prints one line,
//   claims OPS P50_MS P99_MS ERRORS FIVEXX
// (claim and release calls a second, their latencies, answers other than
// 2xx, and of those 5xx).  Capacity is checked afterwards in SQL, from the
// roster's history (tests/bench/charter).
//
// Usage: node tests/bench/claims.mjs URL SECRET_FILE SECONDS CLIENTS EVENTS_CSV USERS_CSV

import { mint, readSecret } from './token.js';

const [url, secretFile, seconds, clients, eventsCsv, usersCsv] = process.argv.slice(2);
const secret = readSecret(secretFile);
const events = eventsCsv.split(',');
const users = usersCsv.split(',').slice(0, Number(clients));
const until = Date.now() + Number(seconds) * 1000;
const latencies = [];
let errors = 0;
let fivexx = 0;

async function call(token, path) {
  const t0 = process.hrtime.bigint();
  const res = await fetch(`${url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  await res.arrayBuffer();
  latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
  if (res.status >= 300) errors++;
  if (res.status >= 500) fivexx++;
  return res.status;
}

async function client(id) {
  const token = mint(secret, { sub: id, role: 'crew' });
  while (Date.now() < until) {
    const ev = events[Math.floor(Math.random() * events.length)];
    const claimed = await call(token, `/api/events/${ev}/roles/crew/claim`);
    if (claimed < 300) await call(token, `/api/events/${ev}/roles/crew/release`);
  }
}

const start = Date.now();
await Promise.all(users.map(client));
const elapsed = (Date.now() - start) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
console.log(`claims ${(latencies.length / elapsed).toFixed(0)} ${pct(0.5).toFixed(2)} ${pct(0.99).toFixed(2)} ${errors} ${fivexx}`);
