// checklists.test.js — the checklist routes over HTTP on the real stack
// (sql/migrations/017_checklists.sql): templates created, listed and edited
// by the right roles; answers by kind on an event's copied items; the option
// analysis as JSON and as CSV (parsed back, RFC 4180); bad input on every
// route answered 400/403/404/409/422 with a field-specific code, never 5xx,
// and changing nothing.
//
// Events are inserted with SQL (the event routes are another part's); the
// templates this file makes belong to a boat of its own, so events of other
// files never copy them, and they are deactivated at the end.

import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { ROOT, sharedStack } from './lib/stack.js';
import { api, isError, lit, signIn } from './lib/auth.js';

let stack;
const who = {};
let boat;
const made = [];    // template ids, deactivated at the end
const statuses = []; // every answer's status, none may be 5xx

async function call(method, path, { as, body, raw, headers } = {}) {
  const r = await api(stack, method, path, { token: who[as]?.access, body, raw, headers });
  statuses.push([`${method} ${path}`, r.status]);
  return r;
}

/** RFC 4180: fields separated by commas, records by CRLF, quoted fields with "" for a quote. Strict. */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] === '"') {
          if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
          i++;
          break;
        }
        field += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') {
        if (text[i] === '"') throw new Error(`a quote inside an unquoted field at ${i}`);
        field += text[i++];
      }
    }
    row.push(field);
    if (text[i] === ',') { i++; continue; }
    if (text.startsWith('\r\n', i)) { rows.push(row); row = []; i += 2; if (i === text.length) return rows; continue; }
    if (i >= text.length) throw new Error('the last record has no CRLF');
    throw new Error(`a bare line break or stray character at ${i}`);
  }
}

before(async () => {
  stack = await sharedStack();
  for (const role of ['guest', 'crew', 'captain', 'admin']) who[role] = await signIn(stack, role);
  who.deck = await signIn(stack, 'crew');      // on the event
  who.skipper = await signIn(stack, 'captain'); // the event's captain
  const name = `Checklist boat ${crypto.randomBytes(4).toString('hex')}`;
  boat = await stack.psql(`insert into scc.boats (name, port_name, port_lat, port_lon, time_zone, guest_capacity)
    values (${lit(name)}, 'Shelter Island', 32.71, -117.23, 'America/Los_Angeles', 6) returning id`);
});

after(async () => {
  if (made.length) {
    await stack.psql(`update scc.checklist_templates set active = false
                       where id in (${made.map(lit).join(',')})`);
  }
});

/** An event of this file's boat in `state`, departing `dep`, with the checklists copied and a roster. */
async function event({ state = 'scheduled', dep = "now() + interval '2 days'" } = {}) {
  const id = await stack.psql(`insert into scc.events (boat_id, title, departure_at, return_at, time_zone,
      crew_min, crew_max, guest_max, state)
    values (${lit(boat)}, 'Checklist sail', ${dep}, ${dep} + interval '3 hours', 'America/Los_Angeles', 1, 2, 4, 'scheduled')
    returning id`);
  await stack.psql(`select scc.event_copy_checklists(${lit(id)})`);
  await stack.psql(`insert into scc.event_roles (event_id, user_id, role, state) values
    (${lit(id)}, ${lit(who.skipper.id)}, 'captain', 'confirmed'), (${lit(id)}, ${lit(who.deck.id)}, 'crew', 'confirmed')`);
  if (state !== 'scheduled') await stack.psql(`update scc.events set state = ${lit(state)} where id = ${lit(id)}`);
  return id;
}

/** The event's copy of template item `item`. */
async function copyOf(eventId, item) {
  return stack.psql(`select id from scc.event_checklist_items where event_id = ${lit(eventId)} and template_item_id = ${lit(item)}`);
}

const TEMPLATE = () => ({
  name: `Dock checks ${crypto.randomBytes(3).toString('hex')}`, phase: 'pre', boat_id: boat,
  items: [
    { label: 'Life jackets aboard', kind: 'check' },
    { label: 'Sea state, "as seen"', kind: 'choice', options: ['calm', 'choppy', 'rough'] },
    { label: 'Fuel', kind: 'number', unit: 'L', min: 0, max: 200, required: false },
    { label: 'Remarks', kind: 'text', required: false },
  ],
});

let tpl; // the template POST made

test('POST /api/checklist-templates: an admin makes a template; 201 with its items in order', async () => {
  const r = await call('POST', '/api/checklist-templates', { as: 'admin', body: TEMPLATE() });
  assert.equal(r.status, 201, r.text);
  tpl = r.body;
  made.push(tpl.id);
  assert.equal(tpl.boat.id, boat);
  assert.deepEqual(tpl.items.map((i) => [i.position, i.kind, i.required, i.active]),
    [[0, 'check', true, true], [1, 'choice', true, true], [2, 'number', false, true], [3, 'text', false, true]]);
  assert.deepEqual(tpl.items[1].options, ['calm', 'choppy', 'rough']);
  assert.deepEqual([tpl.items[2].unit, tpl.items[2].min, tpl.items[2].max], ['L', 0, 200]);
  const audited = await stack.psql(`select count(*) from scc.audit_log
    where action = 'checklist_template.create' and entity_id = ${lit(tpl.id)} and actor_id = ${lit(who.admin.id)}`);
  assert.equal(audited, '1');
});

test('POST /api/checklist-templates: bad input is refused by field, and nothing is made', async () => {
  const before = await stack.psql('select count(*) from scc.checklist_templates');
  const bad = async (body, status, code, message) => {
    const r = await call('POST', '/api/checklist-templates', { as: 'admin', body });
    isError(r, status, code);
    if (message) assert.match(r.body.error.message, message);
  };
  const t = TEMPLATE();
  await bad({ ...t, colour: 'red' }, 400, 'unknown_field', /^unknown field colour /);
  await bad({ ...t, items: [t.items[0], t.items[1], { label: 'x', kind: 'choice', options: ['one'] }] },
    400, 'invalid_item', /^items\[2\]\.options: /);
  await bad({ ...t, items: [{ label: 'x', kind: 'check', options: ['a', 'b'] }] }, 400, 'invalid_item', /^items\[0\]\.options: /);
  await bad({ ...t, items: [{ label: 'x', kind: 'number', min: 'low' }] }, 400, 'invalid_item', /^items\[0\]\.min: /);
  await bad({ ...t, items: [{ label: 'x', kind: 'number', min: 9, max: 1 }] }, 400, 'invalid_item', /^items\[0\]\.max: /);
  await bad({ ...t, items: [t.items[0], { label: 'y', kind: 'check', weight: 2 }] }, 400, 'unknown_field', /^unknown field items\[1\]\.weight /);
  await bad({ ...t, items: [{ kind: 'check' }] }, 400, 'invalid_item', /^items\[0\]\.label: /);
  await bad({ ...t, items: [{ label: 'x', kind: 'check', required: 'yes' }] }, 400, 'invalid_item', /^items\[0\]\.required: /);
  await bad({ ...t, items: 'all of them' }, 400, 'invalid_items');
  await bad({ ...t, phase: 'during' }, 400, 'invalid_phase');
  await bad({ ...t, name: 42 }, 400, 'invalid_name');
  await bad({ phase: 'pre' }, 400, 'name_required');
  await bad({ ...t, boat_id: 'the big one' }, 400, 'invalid_boat_id');
  await bad({ ...t, boat_id: crypto.randomUUID() }, 404, 'boat_not_found');
  const notJson = await call('POST', '/api/checklist-templates', { as: 'admin', raw: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.ok(notJson.status >= 400 && notJson.status < 500, `a form body: ${notJson.status}`);
  for (const role of ['crew', 'captain']) isError(await call('POST', '/api/checklist-templates', { as: role, body: t }), 403, 'insufficient_scope');
  assert.equal(await stack.psql('select count(*) from scc.checklist_templates'), before);
});

test('GET /api/checklist-templates: captains read, filtered by boat and phase; bad filters refused', async () => {
  const r = await call('GET', `/api/checklist-templates?boat=${boat}&phase=pre`, { as: 'captain' });
  assert.equal(r.status, 200, r.text);
  const mine = r.body.templates.find((t) => t.id === tpl.id);
  assert.ok(mine, 'the boat\'s template is listed');
  assert.ok(r.body.templates.every((t) => t.phase === 'pre' && (t.boat_id === null || t.boat_id === boat)));
  const post = await call('GET', '/api/checklist-templates?phase=post', { as: 'admin' });
  assert.equal(post.status, 200);
  assert.ok(!post.body.templates.some((t) => t.id === tpl.id));
  isError(await call('GET', '/api/checklist-templates?phase=during', { as: 'captain' }), 400, 'invalid_phase');
  isError(await call('GET', '/api/checklist-templates?boat=nope', { as: 'captain' }), 400, 'invalid_boat');
  isError(await call('GET', `/api/checklist-templates?boat=${crypto.randomUUID()}`, { as: 'captain' }), 404, 'boat_not_found');
  isError(await call('GET', '/api/checklist-templates?sort=name', { as: 'captain' }), 400, 'unknown_parameter');
  isError(await call('GET', '/api/checklist-templates', { as: 'crew' }), 403, 'insufficient_scope');
});

test('answers: each kind checked against its item; who may answer, and when', async () => {
  const ev = await event();
  const [check, choice, number, text] = await Promise.all(tpl.items.map((i) => copyOf(ev, i.id)));
  const put = (item, body, as = 'deck', e = ev) => call('PUT', `/api/events/${e}/checklist/${item}`, { as, body });

  let r = await put(check, { value: true, note: 'twelve aboard' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.item.id, check);
  assert.deepEqual([r.body.item.answer.value, r.body.item.answer.note, r.body.item.answer.by.id], [true, 'twelve aboard', who.deck.id]);
  assert.ok(r.body.checklist.pre.items.some((i) => i.id === check && i.answer?.value === true));
  assert.equal(r.body.checklist.pre.answered_required >= 1, true);

  r = await put(choice, { value: 'choppy' }, 'skipper');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.item.answer.value, 'choppy');
  r = await put(number, { value: 37.5 });
  assert.equal(r.status, 200, r.text);
  r = await put(text, { value: 'Reef in the main before the jetty' });
  assert.equal(r.status, 200, r.text);

  isError(await put(choice, { value: 'glassy' }), 422, 'not_an_option');
  isError(await put(number, { value: 201 }), 422, 'out_of_range');
  isError(await put(number, { value: -1 }), 422, 'out_of_range');
  isError(await put(number, { value: '37' }), 400, 'invalid_value');
  isError(await put(check, { value: 'yes' }), 400, 'invalid_value');
  isError(await put(text, { value: 'x'.repeat(1001) }), 422, 'value_too_long');
  isError(await put(text, { value: '   ' }), 400, 'invalid_value');
  isError(await put(text, { note: 'only a note' }), 400, 'value_required');
  isError(await put(text, { value: 'ok', note: 5 }), 400, 'invalid_note');
  isError(await put(text, { value: 'ok', colour: 'red' }), 400, 'unknown_field');
  isError(await put(check, { value: true }, 'crew'), 403, 'not_on_event');
  isError(await put(check, { value: true }, 'guest'), 403, 'insufficient_scope');
  isError(await put(check, { value: true }, 'captain'), 403, 'not_on_event');
  isError(await put('not-a-uuid', { value: true }), 400, 'invalid_item_id');
  isError(await put(crypto.randomUUID(), { value: true }), 404, 'item_not_found');
  isError(await put(check, { value: true }, 'deck', crypto.randomUUID()), 404, 'event_not_found');
  isError(await put(check, { value: true }, 'deck', 'nope'), 400, 'invalid_id');
  // the refusals changed nothing
  assert.equal(await stack.psql(`select value::text || '|' || note from scc.checklist_answers where item_id = ${lit(check)}`),
    'true|twelve aboard');
  assert.equal(await stack.psql(`select value::text from scc.checklist_answers where item_id = ${lit(number)}`), '37.5');

  // an admin answers any event; null clears
  r = await put(text, { value: null }, 'admin');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.item.answer, null);
  assert.equal(await stack.psql(`select count(*) from scc.checklist_answers where item_id = ${lit(text)}`), '0');
  assert.equal(await stack.psql(`select string_agg(action, ',' order by id) from scc.audit_log where entity_id = ${lit(text)}`),
    'checklist.answer,checklist.clear');

  // pre items close once the boat is underway; nothing moves on a closed or cancelled event
  await stack.psql(`update scc.events set state = 'underway' where id = ${lit(ev)}`);
  isError(await put(check, { value: false }), 409, 'phase_closed');
  await stack.psql(`update scc.events set state = 'closed' where id = ${lit(ev)}`);
  isError(await put(check, { value: false }, 'admin'), 409, 'event_closed');
  const draft = await event({ state: 'draft' });
  isError(await put(await copyOf(draft, tpl.items[0].id), { value: true }, 'deck', draft), 409, 'event_not_scheduled');
});

test('PATCH /api/checklist-templates/:id: reorder, edit, add, leave out; the events keep their copies', async () => {
  const ev = await event();
  const before = await stack.psql(`select string_agg(label || ':' || kind || ':' || position, ',' order by position)
    from scc.event_checklist_items where event_id = ${lit(ev)} and template_item_id is not null`);
  const [check, choice, number, text] = tpl.items;
  const r = await call('PATCH', `/api/checklist-templates/${tpl.id}`, { as: 'admin', body: {
    name: `${tpl.name} v2`,
    items: [{ id: number.id, required: true }, { id: check.id, label: 'Life jackets on deck' },
      { label: 'Bilge dry', kind: 'check' }, { id: choice.id, options: ['calm', 'choppy', 'rough', 'storm'] }],
  } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.items.map((i) => [i.label, i.position, i.active]), [
    ['Fuel', 0, true], ['Life jackets on deck', 1, true], ['Bilge dry', 2, true],
    ['Sea state, "as seen"', 3, true], ['Remarks', 4, false]]);
  assert.equal(r.body.items.find((i) => i.id === text.id).in_use >= 1, true, 'the text item is in use, so it is kept inactive');
  const afterCopy = await stack.psql(`select string_agg(label || ':' || kind || ':' || position, ',' order by position)
    from scc.event_checklist_items where event_id = ${lit(ev)} and template_item_id is not null`);
  assert.equal(afterCopy, before, 'the event\'s copied items are as they were');
  tpl = r.body;

  isError(await call('PATCH', `/api/checklist-templates/${tpl.id}`, { as: 'admin', body: { items: [{ id: check.id, kind: 'text' }] } }),
    409, 'item_in_use');
  isError(await call('PATCH', `/api/checklist-templates/${tpl.id}`, { as: 'admin', body: { items: [{ id: check.id }, { id: check.id }] } }),
    400, 'invalid_item');
  isError(await call('PATCH', `/api/checklist-templates/${tpl.id}`, { as: 'admin', body: { items: [{ id: crypto.randomUUID() }] } }),
    400, 'invalid_item');
  isError(await call('PATCH', `/api/checklist-templates/${tpl.id}`, { as: 'admin', body: { active: 'no' } }), 400, 'invalid_active');
  isError(await call('PATCH', `/api/checklist-templates/${tpl.id}`, { as: 'admin', body: { owner: 'me' } }), 400, 'unknown_field');
  isError(await call('PATCH', `/api/checklist-templates/${crypto.randomUUID()}`, { as: 'admin', body: { name: 'x' } }), 404, 'template_not_found');
  isError(await call('PATCH', '/api/checklist-templates/nope', { as: 'admin', body: { name: 'x' } }), 400, 'invalid_id');
  isError(await call('PATCH', `/api/checklist-templates/${tpl.id}`, { as: 'captain', body: { name: 'x' } }), 403, 'insufficient_scope');
  assert.equal(await stack.psql(`select name from scc.checklist_templates where id = ${lit(tpl.id)}`), `${tpl.name}`);
});

test('GET /api/checklists/analysis: the distribution as JSON and as CSV, parsed back', async () => {
  // three closed events in June 2026 (local dates), answers given with SQL as the crew would
  const choice = tpl.items.find((i) => i.kind === 'choice');
  const fuel = tpl.items.find((i) => i.kind === 'number');
  const answers = [['calm', 10], ['calm', 20], ['storm', 45]];
  for (const [i, [sea, litres]] of answers.entries()) {
    const ev = await event({ dep: `'2026-06-0${i + 1} 09:00-07'::timestamptz` });
    await stack.psql(`update scc.events set state = 'closed' where id = ${lit(ev)}`);
    // these events copy the edited template: storm is an option now
    await stack.psql(`insert into scc.checklist_answers (item_id, value, answered_by) values
      (${lit(await copyOf(ev, choice.id))}, ${lit(JSON.stringify(sea))}, ${lit(who.deck.id)}),
      (${lit(await copyOf(ev, fuel.id))}, ${lit(JSON.stringify(litres))}, ${lit(who.deck.id)})`);
  }
  const q = (item, extra = '') => `/api/checklists/analysis?item=${item}&from=2026-06-01&to=2026-07-01&boat=${boat}${extra}`;

  let r = await call('GET', q(choice.id), { as: 'captain' });
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers.get('content-type'), /^application\/json/);
  assert.equal(r.body.events, 3);
  assert.equal(r.body.answered, 3);
  assert.deepEqual(r.body.options, [
    { value: 'calm', count: 2, share: 0.6667 }, { value: 'choppy', count: 0, share: 0 },
    { value: 'rough', count: 0, share: 0 }, { value: 'storm', count: 1, share: 0.3333 }]);

  r = await call('GET', q(fuel.id), { as: 'admin' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.numbers, { min: 10, median: 20, mean: 25, max: 45 });

  r = await call('GET', q(choice.id, '&format=csv'), { as: 'captain' });
  assert.equal(r.status, 200, r.text);
  const rows = parseCsv(r.text);
  assert.deepEqual(rows, [
    ['label', 'events', 'answered', 'option', 'count', 'share'],
    ['Sea state, "as seen"', '3', '3', 'calm', '2', '0.6667'],
    ['Sea state, "as seen"', '3', '3', 'choppy', '0', '0'],
    ['Sea state, "as seen"', '3', '3', 'rough', '0', '0'],
    ['Sea state, "as seen"', '3', '3', 'storm', '1', '0.3333']]);
  r = await call('GET', q(fuel.id, '&format=csv'), { as: 'captain' });
  assert.deepEqual(parseCsv(r.text), [['label', 'events', 'answered', 'unit', 'min', 'median', 'mean', 'max'],
    ['Fuel', '3', '3', 'L', '10', '20', '25', '45']]);

  isError(await call('GET', '/api/checklists/analysis', { as: 'captain' }), 400, 'item_required');
  isError(await call('GET', '/api/checklists/analysis?item=x', { as: 'captain' }), 400, 'invalid_item');
  isError(await call('GET', `/api/checklists/analysis?item=${crypto.randomUUID()}`, { as: 'captain' }), 404, 'item_not_found');
  isError(await call('GET', q(fuel.id, '&format=xlsx'), { as: 'captain' }), 400, 'invalid_format');
  isError(await call('GET', `/api/checklists/analysis?item=${fuel.id}&from=2026-13-01`, { as: 'captain' }), 400, 'invalid_from');
  isError(await call('GET', `/api/checklists/analysis?item=${fuel.id}&to=yesterday`, { as: 'captain' }), 400, 'invalid_to');
  isError(await call('GET', `/api/checklists/analysis?item=${fuel.id}&from=2026-07-01&to=2026-06-01`, { as: 'captain' }), 400, 'invalid_range');
  isError(await call('GET', `/api/checklists/analysis?item=${fuel.id}&boat=${crypto.randomUUID()}`, { as: 'captain' }), 404, 'boat_not_found');
  isError(await call('GET', `/api/checklists/analysis?item=${fuel.id}&group=boat`, { as: 'captain' }), 400, 'unknown_parameter');
  isError(await call('GET', q(fuel.id, '&format=csv'), { as: 'crew' }), 403, 'insufficient_scope');
});

// The module sends the route's scc_api.file_response with its own type and
// file name (route flag NGX_HTTP_SCC_FILE).
test('GET /api/checklists/analysis?format=csv: text/csv, saved under its file name; JSON shown',
  async () => {
    const choice = tpl.items.find((i) => i.kind === 'choice');
    const q = `/api/checklists/analysis?item=${choice.id}&from=2026-06-01&to=2026-07-01`;
    let r = await call('GET', `${q}&format=csv`, { as: 'captain' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers.get('content-type'), 'text/csv; charset=utf-8');
    assert.equal(r.headers.get('content-disposition'),
      `attachment; filename="analysis-${choice.id}-2026-06-01-2026-07-01.csv"`);
    r = await call('GET', q, { as: 'captain' });
    assert.equal(r.headers.get('content-type'), 'application/json');
    assert.equal(r.headers.get('content-disposition'), null);
    isError(await call('GET', `${q}&format=csv&from=x`, { as: 'captain' }), 400, 'invalid_from');
  });

test('no answer of this file was a 5xx', () => {
  const bad = statuses.filter(([, s]) => s >= 500);
  assert.deepEqual(bad, []);
  assert.ok(statuses.length > 50, `${statuses.length} requests made`);
});
