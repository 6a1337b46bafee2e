// demo.test.js — the demo data set `make run` loads (sql/demo.sql through
// `conf/stack demo`), in a stack of its own: it loads through the tables'
// constraints and triggers, has what every page needs (three boats in San
// Diego Bay, ten people, events in every state, a full role with a
// waitlist, answered checklists), and loading it again changes nothing.

import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';

import { STACK, run, startStack } from './lib/stack.js';

let stack;
before(async () => { stack = await startStack(); });
after(async () => { await stack?.stop(); });

async function load() {
  const r = await run(STACK, ['demo', '--dir', stack.dir]);
  assert.equal(r.code, 0, `conf/stack demo: ${r.stderr}`);
}

const COUNTS = `select (select count(*) from scc.boats) || ' ' || (select count(*) from scc.users)
                || ' ' || (select count(*) from scc.events) || ' ' || (select count(*) from scc.event_roles)
                || ' ' || (select count(*) from scc.checklist_answers)`;

test('the demo data set loads once and has something for every page', async () => {
  await load();
  const counts = await stack.psql(COUNTS);

  assert.equal(await stack.psql(`select string_agg(state, ',' order by state) from
                                   (select distinct state from scc.events) as s`),
  'boarding,cancelled,closed,draft,returned,scheduled,underway', 'events in every state');
  assert.equal(await stack.psql(`select count(*) from scc.boats
                                   where port_lat between 32.60 and 32.75 and port_lon between -117.25 and -117.10
                                     and time_zone = 'America/Los_Angeles'`), '3', 'three boats in San Diego Bay');
  assert.equal(await stack.psql(`select count(*) from scc.users where email like '%@scc.example'`), '10', 'ten people');
  assert.equal(await stack.psql(`select count(*) from scc.events as e
                                   where e.state = 'scheduled'
                                     and (scc.event_roster_json(e) #>> '{capacity,crew,filled}')::int
                                         = e.crew_max
                                     and (scc.event_roster_json(e) #>> '{capacity,crew,waitlisted}')::int > 0`),
  '1', 'one scheduled event has a full crew and a waitlist');
  assert.ok(Number(await stack.psql(`select count(*) from scc.checklist_answers`)) > 20, 'answered checklists');
  assert.equal(await stack.psql(`select count(*) from scc.events where departure_at > now()`),
    await stack.psql(`select count(*) from scc.events where state in ('draft', 'scheduled', 'boarding')`),
    'the events still to come are the ones not yet underway');

  await load();
  assert.equal(await stack.psql(COUNTS), counts, 'a second load changes nothing');
});

/* waivers: the demo's waiver template (helper A) */
test('the demo has the charter waiver, version 1 with its hash, and its events past draft pinned to it', async () => {
  await load(); // loaded already by the test above, in this stack: a third load changes nothing either
  assert.equal(await stack.psql(`select t.name || '|' || t.active || '|' || (t.boat_id is null) || '|' || count(v.*)
                                   || '|' || bool_and(v.body_sha256 = encode(sha256(convert_to(v.body, 'UTF8')), 'hex'))
                                   from scc.waiver_templates as t join scc.waiver_versions as v on v.template_id = t.id
                                  group by t.id`), 'Charter liability waiver|true|true|1|true', 'one global template, one version');
  const body = await stack.psql('select body from scc.waiver_versions');
  assert.match(body, /^# /m, 'a heading');
  assert.match(body, /^- /m, 'a list');
  assert.match(body, /\*\*[^*]+\*\*/, 'bold');
  assert.equal(await stack.psql(`select count(*) from scc.events
                                   where (waiver_version_id is not null) <> (state not in ('draft', 'cancelled'))`),
  '0', 'every event scheduled or later requires it, drafts and the cancelled one nothing');
  assert.equal(await stack.psql(`select count(*) from scc.event_pages as p join scc.events as e on e.id = p.event_id
                                  where p.stale or p.event::jsonb <> scc.event_json(e)`), '0', 'the kept pages are current');
});

/* reports: the business's demo year (lead) */
const BUSINESS = `select (select count(*) from scc.bookings) || ' ' || (select count(*) from scc.rental_stays)
                  || ' ' || (select count(*) from scc.deliveries) || ' ' || (select count(*) from scc.time_entries)
                  || ' ' || (select count(*) from scc.invoices) || ' ' || (select count(*) from scc.ci_runs)`;

test('the demo has a year of the business and its ledger, and the eight reports have their figures', async () => {
  await load();
  const counts = await stack.psql(BUSINESS);
  const [bookings, stays, deliveries] = counts.split(' ').map(Number);
  assert.ok(bookings > 200, `a year of charter bookings (${bookings})`);
  assert.ok(stays > 40, `a year of stays (${stays})`);
  assert.ok(deliveries > 20, `deliveries (${deliveries})`);
  assert.equal(await stack.psql(`select count(*) from (select e.id from scc.journal_entries as e
                                   join scc.journal_lines as l on l.entry_id = e.id
                                  group by e.id, l.currency having sum(l.amount_cents) <> 0) as x`), '0',
    'every journal entry balances');
  assert.ok(Number(await stack.psql(`select count(*) from scc.journal_lines`)) > 1000, 'a year of ledger lines');
  assert.equal(await stack.psql(`select count(distinct stage) from scc.deliveries`), '8',
    'deliveries at every stage, lost included');
  assert.equal(await stack.psql(`select count(*) from scc.bookings as b join scc.events as e on e.id = b.event_id
                                   where b.sail_on <> (e.departure_at at time zone e.time_zone)::date`), '0',
    'each booking sails on its event\'s local day');

  for (const kind of ['ceo', 'cto', 'accounting', 'cmo', 'cfo', 'rental', 'delivery', 'portfolio']) {
    const pending = await stack.psql(`select count(*) from jsonb_array_elements(
        scc_report.run('${kind}', scc.report_period('last_month', 'America/Los_Angeles')) -> 'sections') as s
       where s ? 'pending'`);
    assert.equal(pending, '0', `${kind}: no section waits for data`);
  }
  const figure = (kind, section, id) => stack.psql(`select f ->> 'value' from jsonb_array_elements(
        scc_report.run('${kind}', scc.report_period('last_month', 'America/Los_Angeles')) -> 'sections') as s,
        jsonb_array_elements(s -> 'figures') as f where s ->> 'id' = '${section}' and f ->> 'id' = '${id}'`);
  assert.ok(Number(await figure('rental', 'occupancy', 'occupancy')) > 0, 'the rental was occupied last month');
  assert.ok(Number(await figure('cmo', 'channel_mix', 'bookings')) > 0, 'charter bookings were made last month');
  assert.ok(Number(await figure('portfolio', 'flags', 'over_cap')) >= 1, 'a contract over its cap to flag');
  assert.ok(Number(await figure('portfolio', 'flags', 'unpaid_60d')) >= 1, 'an invoice unpaid past 60 days');
  assert.ok(Number(await figure('cto', 'findings', 'findings_open')) > 0, 'open security findings');

  await load();
  assert.equal(await stack.psql(BUSINESS), counts, 'a second load changes nothing');
});
