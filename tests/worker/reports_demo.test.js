// reports_demo.test.js — the eight reports over the demo year, rendered by
// a real scc-worker (issue 11, "Rendering: every report ... for the demo
// year"): a dedicated stack with the demo data set loaded as `make run`
// loads it (conf/stack demo: sql/demo.sql, then sql/demo_business.sql),
// each kind run over the demo's last twelve months (the first of the month
// eleven months back to today, in Los Angeles) and archived; each passes
// checkRendered (HTML well formed, text within 78 characters, the CSV
// parsed back to the JSON's rows, the hashes) and holds figures with
// values, a chart drawn in both parts (not accounting: it has none) and
// a CSV with rows.  The charter
// figures net of the boats' blocks (044) appear in CEO, CFO and CMO.
//
// One stack without its background worker; nothing leaves 127.0.0.1 (the
// runs have no recipient, so nothing is mailed).

import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, run as runProgram, STACK } from '../api/lib/stack.js';
import { spawnWorker } from './lib/workers.js';
import { checkRendered } from './lib/report_checks.js';

const KINDS = ['ceo', 'cto', 'accounting', 'cmo', 'cfo', 'rental', 'delivery', 'portfolio'];
const TZ = 'America/Los_Angeles';
let s, period, boatDays;
const runs = new Map();
const q = (sql) => s.psql(sql);
const lit = (v) => `'${String(v).replace(/'/g, "''")}'`;

before(async () => {
  s = await startStack({ noWorker: true });
  const d = await runProgram(STACK, ['demo', '--dir', s.dir]);
  assert.equal(d.code, 0, `conf/stack demo: ${d.stderr}${d.stdout}`);
  period = await q(`select to_char(date_trunc('month', d) - interval '11 months', 'YYYY-MM-DD') || '..'
                           || to_char(d, 'YYYY-MM-DD')
                      from (select (now() at time zone ${lit(TZ)})::date as d) as t`);
  boatDays = Number(await q(`select count(*) * (p.ends - p.starts) from scc.boats as b,
                                    scc.report_period(${lit(period)}, ${lit(TZ)}) as p
                              where b.active group by p.ends, p.starts`));
  const ids = [];
  for (const k of KINDS) {
    ids.push(Number(await q(`select scc.report_run_start(${lit(k)}, ${lit(period)}, ${lit(TZ)}, '{}',
      array[]::text[], null, null, null, null, false)`)));
  }
  const w = spawnWorker(s, {}, ['--until-idle']);
  const r = await w.exited;
  assert.equal(r.code, 0, w.log());
  for (const [i, id] of ids.entries()) {
    runs.set(KINDS[i], JSON.parse(await q(`select json_build_object('state', state, 'data', data, 'subject', subject,
      'html', html, 'text', text, 'csv', csv, 'html_sha256', html_sha256, 'text_sha256', text_sha256,
      'csv_sha256', csv_sha256, 'error', error) from scc.report_runs where id = ${id}`)));
  }
});
after(async () => {
  if (s) await s.stop();
});

const figures = (r) => r.data.sections.flatMap((x) => x.figures ?? []);
const fig = (r, id) => figures(r).find((f) => f.id === id);

for (const kind of KINDS) {
  test(`${kind}: the demo year renders strictly, with figures, a chart and CSV rows`, () => {
    const r = runs.get(kind);
    checkRendered(r, kind);
    assert.equal(r.data.kind, kind);
    assert.equal(r.data.period.time_zone, TZ);
    // figures computed from the demo's data: most have a value, and some
    // value is not zero
    const all = figures(r);
    const valued = all.filter((f) => f.value !== null && f.value !== undefined);
    assert.ok(all.length >= 4, `${kind}: ${all.length} figures`);
    assert.ok(valued.length * 2 >= all.length, `${kind}: only ${valued.length} of ${all.length} figures have a value`);
    assert.ok(valued.some((f) => typeof f.value === 'number' ? f.value !== 0 : f.value !== ''),
      `${kind}: every figure is zero`);
    // a chart with something to draw, in both parts
    const charts = r.data.sections.map((x) => x.chart).filter(Boolean);
    assert.ok(charts.some((c) => (c.bars ?? c.points ?? []).some((b) => Number(b.value) > 0)),
      `${kind}: no chart with a value`);
    assert.ok(r.html.includes('<td width="') && /height="\d+"/.test(r.html), `${kind}: bars as table cells`);
    assert.ok(/[▁▂▃▄▅▆▇█]/.test(r.text), `${kind}: bars of block characters in the text`);
    assert.ok(!/<script|<svg|<img/i.test(r.html));
    // the CSV: the main table, with rows
    assert.ok(r.data.csv.rows.length > 0, `${kind}: the CSV has no row`);
    assert.equal(r.csv.trimEnd().split('\r\n').length >= 2, true);
  });
}

test('the charter figures net of boat blocks appear in CEO, CFO and CMO over the demo year', () => {
  for (const kind of ['ceo', 'cfo', 'cmo']) {
    const r = runs.get(kind);
    const avail = fig(r, 'available_boat_days').value;
    const blocked = fig(r, 'blocked_boat_days').value;
    assert.ok(blocked > 0, `${kind}: the demo's boats have blocked days`);
    assert.ok(avail > 0, kind);
    assert.equal(avail + blocked, boatDays, `${kind}: available + blocked = active boats x days`);
    const util = Number(fig(r, 'utilisation').value);
    assert.ok(util > 0 && util <= 1, `${kind}: utilisation ${util}`);
    assert.ok(fig(r, 'revenue_per_booking').value > 0, `${kind}: revenue per booking`);
    assert.ok(fig(r, 'revenue_per_available_boat_day').value > 0, `${kind}: revenue per available boat-day`);
    const blocks = r.data.sections.find((x) => x.id === 'charter_blocks');
    assert.equal(blocks.table.rows.reduce((n, row) => n + row[1], 0), blocked, `${kind}: the causes add up`);
    assert.match(r.text, /^Boat-days blocked by cause$/m);
    assert.match(r.text, /^ {2}Revenue per available boat-day {2,}\$[\d,]+\.\d\d$/m);
  }
});
