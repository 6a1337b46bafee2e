// admin-templates.js — the checklist template editor (admins).  Lists every
// template (GET /api/checklist-templates), and edits one in place: name,
// phase, boat (or every boat), active, and its items — label, kind
// (check, choice with its options, number with unit and range, text),
// required, order (move up / down), and removal.  Saving sends the whole
// item list (POST /api/checklist-templates, PATCH /api/checklist-templates/:id);
// the server deletes a removed item no event has copied and deactivates
// one that events use (sql/migrations/017_checklists.sql), so the page says
// which it will be before saving.

import { api } from './api.js';
import { h, replace, errorText, badge } from './dom.js';
import { startPage } from './shell.js';

const KINDS = [['check', 'Check (done / not done)'], ['choice', 'Choice (pick one option)'],
  ['number', 'Number (with unit and range)'], ['text', 'Text']];
const PHASES = { pre: 'Before departure', post: 'After return' };

const main = document.getElementById('main');
const me = await startPage('admin');
let boats = [];
let uid = 0;

if (me && me.role !== 'admin') {
  replace(main, h('h1', {}, 'Checklist templates'), h('p', {}, 'Only admins edit checklist templates.'));
} else if (me) {
  try {
    const r = await api('GET', '/api/boats');
    boats = r.boats ?? r.items ?? (Array.isArray(r) ? r : []);
  } catch {
    boats = []; // no boats to choose from: templates for every boat only
  }
  await showList();
}

function boatName(t) {
  return t.boat ? t.boat.name : 'Every boat';
}

async function showList(message = '') {
  const status = h('p', { role: 'status', 'aria-live': 'polite' }, message);
  let templates = [];
  try {
    templates = (await api('GET', '/api/checklist-templates')).templates;
  } catch (err) {
    replace(main, h('h1', {}, 'Checklist templates'), h('p', { class: 'error', role: 'alert' }, errorText(err)));
    return;
  }
  replace(main,
    h('h1', {}, 'Checklist templates'),
    status,
    h('p', {}, h('button', { type: 'button', class: 'primary', on: { click: () => showEditor(null) } }, 'New template')),
    templates.length === 0 && h('p', { class: 'muted' }, 'No templates yet.'),
    templates.map((t) => h('div', { class: 'card', 'data-template': t.id },
      h('h2', {}, t.name),
      h('p', { class: 'row' }, badge(t.phase, PHASES[t.phase]), h('span', {}, boatName(t)),
        t.active ? null : badge('cancelled', 'inactive')),
      h('p', { class: 'muted' }, `${t.items.filter((i) => i.active).length} active items`,
        t.items.some((i) => !i.active) ? `, ${t.items.filter((i) => !i.active).length} inactive` : ''),
      h('button', { type: 'button', 'aria-label': `Edit ${t.name}`, on: { click: () => showEditor(t) } }, 'Edit'))));
}

// One editable item: its fields as inputs, kept in `rows` in list order.
function itemRow(item, rows, redraw) {
  const key = ++uid;
  const id = (name) => `i${key}-${name}`;
  const row = { item, key, el: null, removed: false };
  const label = h('input', { id: id('label'), type: 'text', maxlength: 200, required: true, value: item?.label ?? '' });
  const kind = h('select', { id: id('kind'), disabled: Boolean(item?.in_use) },
    KINDS.map(([k, text]) => h('option', { value: k, selected: (item?.kind ?? 'check') === k }, text)));
  const required = h('input', { id: id('required'), type: 'checkbox', checked: item ? item.required : true });
  const active = h('input', { id: id('active'), type: 'checkbox', checked: item ? item.active : true });
  const options = h('textarea', { id: id('options'), rows: 3, value: (item?.options ?? []).join('\n') });
  const unit = h('input', { id: id('unit'), type: 'text', maxlength: 20, value: item?.unit ?? '' });
  const min = h('input', { id: id('min'), type: 'number', step: 'any', value: item?.min ?? '' });
  const max = h('input', { id: id('max'), type: 'number', step: 'any', value: item?.max ?? '' });
  const choiceBox = h('div', {}, h('label', { for: id('options') }, 'Options, one a line'), options);
  // hidden works on a plain div (a .row's display: flex would override it)
  const numberBox = h('div', {}, h('div', { class: 'row' },
    h('div', {}, h('label', { for: id('unit') }, 'Unit'), unit),
    h('div', {}, h('label', { for: id('min') }, 'Least'), min),
    h('div', {}, h('label', { for: id('max') }, 'Most'), max)));
  const showKind = () => {
    choiceBox.hidden = kind.value !== 'choice';
    numberBox.hidden = kind.value !== 'number';
  };
  kind.addEventListener('change', showKind);
  showKind();
  row.read = () => {
    const v = {};
    if (item) v.id = item.id;
    v.label = label.value;
    if (!item?.in_use) v.kind = kind.value;
    v.required = required.checked;
    v.active = active.checked;
    const k = item?.in_use ? item.kind : kind.value;
    if (k === 'choice') v.options = options.value.split('\n').map((s) => s.trim()).filter(Boolean);
    if (k === 'number') {
      v.unit = unit.value.trim() || null;
      v.min = min.value === '' ? null : Number(min.value);
      v.max = max.value === '' ? null : Number(max.value);
    }
    return v;
  };
  const move = (d) => {
    const i = rows.indexOf(row);
    const j = i + d;
    if (j < 0 || j >= rows.length) return;
    [rows[i], rows[j]] = [rows[j], rows[i]];
    redraw(`${key}-${d < 0 ? 'up' : 'down'}`);
  };
  const name = () => label.value || 'this item';
  const up = h('button', { type: 'button', 'data-key': `${key}-up`, on: { click: () => move(-1) } }, '↑ Up');
  const down = h('button', { type: 'button', 'data-key': `${key}-down`, on: { click: () => move(1) } }, '↓ Down');
  const remove = h('button', { type: 'button', class: 'link', on: { click: () => {
    rows.splice(rows.indexOf(row), 1);
    redraw(null, item?.in_use
      ? `${name()} is used by events: saving deactivates it (the events keep it).`
      : `${name()} removed; saving deletes it.`);
  } } }, 'Remove');
  // the buttons say which item they move, as its label is typed
  const named = () => {
    up.setAttribute('aria-label', `Move ${name()} up`);
    down.setAttribute('aria-label', `Move ${name()} down`);
    remove.setAttribute('aria-label', `Remove ${name()}`);
  };
  label.addEventListener('input', named);
  named();
  const li = h('li', { class: 'card item-edit' },
    h('label', { for: id('label') }, 'Label'), label,
    h('label', { for: id('kind') }, 'Kind'), kind,
    item?.in_use ? h('p', { class: 'muted small' }, `Used by ${item.in_use} event${item.in_use === 1 ? '' : 's'}: its kind stays.`) : null,
    choiceBox, numberBox,
    h('div', { class: 'row' },
      h('label', { class: 'inline' }, required, ' Required'),
      item && h('label', { class: 'inline' }, active, ' Active')),
    h('div', { class: 'row' }, up, down, remove));
  row.el = () => li;
  return row;
}

function showEditor(t) {
  const rows = [];
  const status = h('p', { role: 'status', 'aria-live': 'polite' });
  const error = h('p', { class: 'error', role: 'alert' });
  const name = h('input', { id: 't-name', type: 'text', maxlength: 200, required: true, value: t?.name ?? '' });
  const phase = h('select', { id: 't-phase' },
    Object.entries(PHASES).map(([k, text]) => h('option', { value: k, selected: (t?.phase ?? 'pre') === k }, text)));
  const boat = h('select', { id: 't-boat' },
    h('option', { value: '', selected: !t?.boat_id }, 'Every boat'),
    boats.map((b) => h('option', { value: b.id, selected: t?.boat_id === b.id }, b.name)),
    t?.boat && !boats.some((b) => b.id === t.boat.id) ? h('option', { value: t.boat.id, selected: true }, t.boat.name) : null);
  const active = h('input', { id: 't-active', type: 'checkbox', checked: t ? t.active : true });
  const list = h('ol', { class: 'items' });
  const redraw = (focusKey, message) => {
    replace(list, rows.map((r) => r.el()));
    if (message) status.textContent = message;
    if (focusKey) list.querySelector(`[data-key="${focusKey}"]`)?.focus();
  };
  for (const item of t?.items ?? []) rows.push(itemRow(item, rows, redraw));

  const save = async () => {
    error.textContent = '';
    status.textContent = 'Saving…';
    const body = { name: name.value, phase: phase.value, boat_id: boat.value || null, active: active.checked,
      items: rows.map((r) => r.read()) };
    try {
      if (t) await api('PATCH', `/api/checklist-templates/${t.id}`, body);
      else await api('POST', '/api/checklist-templates', body);
      await showList(`Saved ${body.name}.`);
    } catch (err) {
      status.textContent = '';
      error.textContent = errorText(err);
    }
  };

  replace(main,
    h('h1', {}, t ? `Edit ${t.name}` : 'New template'),
    h('form', { class: 'stack', on: { submit: (e) => { e.preventDefault(); save(); } } },
      h('label', { for: 't-name' }, 'Name'), name,
      h('label', { for: 't-phase' }, 'When'), phase,
      h('label', { for: 't-boat' }, 'Boat'), boat,
      h('label', { class: 'inline' }, active, ' Active (new events copy it)'),
      h('h2', {}, 'Items'),
      list,
      h('p', {}, h('button', { type: 'button', on: { click: () => {
        const r = itemRow(null, rows, redraw);
        rows.push(r);
        redraw(null, `Item ${rows.length} added.`);
        list.lastElementChild?.querySelector('input')?.focus();
      } } }, 'Add an item')),
      status, error,
      h('div', { class: 'row actions' },
        h('button', { type: 'submit', class: 'primary' }, 'Save template'),
        h('button', { type: 'button', on: { click: () => showList() } }, 'Cancel'))));
  redraw();
  name.focus();
}
