// tests/fuzz/ical.mjs [SECONDS] — a property fuzz of the calendar feed's
// iCalendar writer, which is SQL (scc.ical_text escapes a TEXT value,
// scc.ical_line folds a content line; sql/migrations/018_calendar_and_me.sql),
// so libFuzzer cannot drive it: random strings go through the real functions
// on a throwaway stack's PostgreSQL, in batches, for SECONDS (default 5).
//
// Each string (any Unicode scalar but NUL, which PostgreSQL text cannot hold:
// multi-byte characters of 2, 3 and 4 octets, long runs of them, combining
// marks, control characters, CR, LF, CRLF, TAB, , ; \ : ") must give a line
//   - of physical lines of at most 75 octets, each valid UTF-8 on its own
//     (no sequence split), every break CRLF, continuations starting with one
//     space, the whole ended by CRLF;
//   - that unfolds to "SUMMARY:" + the value escaped by an independent
//     writer of RFC 5545 3.3.11 (below);
//   - that ical.js (a real parser) reads back as the string, with line
//     breaks as \n and the control characters TEXT may not hold dropped.
//
// Seeded and reproducible: FUZZ_SEED=N (else one from the clock, printed);
// batch b uses seed + b.  A failing string is saved as JSON in
// var/fuzz/crashes/ical/case-SEED-B-I.json; the files of tests/fuzz/seeds/ical/
// (strings that once failed, and edge cases) are replayed first on every run.
// Prints one summary line; exits 1 on any failure.  Log: var/fuzz/ical.log.

import fs from 'node:fs';
import path from 'node:path';
import ICAL from 'ical.js';

import { ROOT, startStack } from '../api/lib/stack.js';

const SECONDS = Number(process.argv[2] || 5);
const SEED = Number(process.env.FUZZ_SEED || (Date.now() % 2 ** 31));
const BATCH = 400;
const CRASHES = path.join(ROOT, 'var/fuzz/crashes/ical');
const SEEDS = path.join(ROOT, 'tests/fuzz/seeds/ical');
const LOG = path.join(ROOT, 'var/fuzz/ical.log');

fs.mkdirSync(CRASHES, { recursive: true });
const log = fs.createWriteStream(LOG);
const say = (s) => log.write(`${s}\n`);

// mulberry32: small, seedable, good enough to spread inputs
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomString(rnd) {
  const int = (n) => Math.floor(rnd() * n);
  const between = (lo, hi) => lo + int(hi - lo + 1);
  const scalar = (lo, hi) => {
    for (;;) {
      const c = between(lo, hi);
      if (c < 0xD800 || c > 0xDFFF) return String.fromCodePoint(c);
    }
  };
  const pieces = [
    () => scalar(0x20, 0x7E),
    () => ',;\\:"'[int(5)],
    () => ['\r', '\n', '\r\n', '\n\r', '\t'][int(5)],
    () => String.fromCharCode([between(1, 31), 0x7F][int(2)]),
    () => scalar(0x80, 0x7FF),
    () => scalar(0x800, 0xFFFF),
    () => scalar(0x10000, 0x10FFFF),
    () => ['é', '€', '😀', '⛵', 'Ü', '\u0301', '\uFEFF', '\u2028'][int(8)].repeat(between(1, 80)),
    () => 'a'.repeat(between(60, 80)),
  ];
  const len = [between(0, 8), between(0, 80), between(60, 160), between(150, 600)][int(4)];
  let s = '';
  while ([...s].length < len) s += pieces[int(pieces.length)]();
  return s;
}

// RFC 5545 3.3.11, written again from the RFC, not from the SQL
function normalise(s) {
  return s.replace(/[\x01-\x08\x0B\x0C\x0E-\x1F\x7F]/g, '').replace(/\r\n|\r|\n/g, '\n');
}
function escapeText(s) {
  let out = '';
  for (const ch of normalise(s)) {
    if (ch === '\\' || ch === ';' || ch === ',') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else out += ch;
  }
  return out;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

// what is wrong with one answer, or null
function check(input, bytes) {
  if (bytes.length < 2 || bytes[bytes.length - 2] !== 13 || bytes[bytes.length - 1] !== 10) {
    return 'the line does not end with CRLF';
  }
  const physical = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 13 && bytes[i + 1] !== 10) return `a CR without LF at octet ${i}`;
    if (bytes[i] === 10) {
      if (bytes[i - 1] !== 13) return `a LF without CR at octet ${i}`;
      physical.push(bytes.subarray(start, i - 1));
      start = i + 1;
    }
  }
  const texts = [];
  for (const [n, p] of physical.entries()) {
    if (p.length > 75) return `physical line ${n + 1} has ${p.length} octets`;
    if (n > 0 && p[0] !== 0x20) return `continuation line ${n + 1} does not start with a space`;
    if (n > 0 && p.length < 2) return `continuation line ${n + 1} is empty`;
    try { texts.push(utf8.decode(p)); } catch { return `physical line ${n + 1} splits a UTF-8 sequence`; }
  }
  const unfolded = texts.map((t, n) => (n ? t.slice(1) : t)).join('');
  const expected = `SUMMARY:${escapeText(input)}`;
  if (unfolded !== expected) return `unfolds to ${JSON.stringify(unfolded)}, not ${JSON.stringify(expected)}`;

  const doc = `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//fuzz//EN\r\nBEGIN:VEVENT\r\nUID:f@scc\r\n`
    + `DTSTAMP:20260101T000000Z\r\n${bytes.toString('utf8')}END:VEVENT\r\nEND:VCALENDAR\r\n`;
  let summary;
  try {
    summary = new ICAL.Component(ICAL.parse(doc)).getFirstSubcomponent('vevent').getFirstPropertyValue('summary');
  } catch (e) {
    return `ical.js could not parse it: ${e.message}`;
  }
  if ((summary ?? '') !== normalise(input)) {
    return `ical.js reads ${JSON.stringify(summary)}, not ${JSON.stringify(normalise(input))}`;
  }
  return null;
}

let db;
// one round trip for a batch: the inputs as a JSON array (ASCII, \u escapes),
// the lines back as hex, one a row
async function writeLines(inputs) {
  const json = JSON.stringify(inputs).replace(/[\u007F-\uFFFF]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const out = await db.query(`
    select t.n || ':' || encode(convert_to(scc.ical_line('SUMMARY', scc.ical_text(t.v)), 'UTF8'), 'hex')
      from json_array_elements_text('${json.replace(/'/g, "''")}'::json) with ordinality as t(v, n)
     order by t.n`);
  const rows = out ? out.split('\n') : [];
  if (rows.length !== inputs.length) throw new Error(`${rows.length} rows for ${inputs.length} inputs`);
  return rows.map((r) => Buffer.from(r.slice(r.indexOf(':') + 1), 'hex'));
}

let tried = 0;
const failures = [];

async function runBatch(inputs, label) {
  const lines = await writeLines(inputs);
  inputs.forEach((input, i) => {
    tried++;
    const why = check(input, lines[i]);
    if (!why) return;
    const file = path.join(CRASHES, `case-${label}-${i}.json`);
    fs.writeFileSync(file, `${JSON.stringify(input)}\n`);
    failures.push(`${file}: ${why}`);
    say(`FAIL ${file}: ${why}`);
  });
}

let stack;
let rc = 0;
try {
  say(`seed ${SEED}, ${SECONDS}s`);
  stack = await startStack({ noWorker: true, workers: 1, valgrind: false });
  db = await stack.session();

  const seeds = fs.existsSync(SEEDS)
    ? fs.readdirSync(SEEDS).filter((f) => f.endsWith('.json')).sort()
      .map((f) => JSON.parse(fs.readFileSync(path.join(SEEDS, f), 'utf8')))
    : [];
  if (seeds.length) await runBatch(seeds, 'seed');

  const deadline = Date.now() + SECONDS * 1000;
  for (let b = 0; b === 0 || Date.now() < deadline; b++) {
    const rnd = prng(SEED + b);
    await runBatch(Array.from({ length: BATCH }, () => randomString(rnd)), `${SEED}-${b}`);
  }
} catch (e) {
  failures.push(`the fuzz could not run: ${e.stack || e}`);
  say(`ERROR ${e.stack || e}`);
} finally {
  await db?.close().catch(() => {});
  await stack?.stop().catch((e) => { failures.push(`stack: ${e.message}`); });
}

if (failures.length) {
  rc = 1;
  console.log(`ical: ${failures.length} of ${tried} strings failed (seed ${SEED}, FUZZ_SEED=${SEED} replays)`);
  for (const f of failures.slice(0, 5)) console.log(`# ${f.slice(0, 300)}`);
} else {
  console.log(`ical: ${tried} strings in ${SECONDS}s (seed ${SEED}), every line folded, escaped and read back`);
}
say(`done: ${tried} strings, ${failures.length} failures`);
log.end();
process.exitCode = rc;
