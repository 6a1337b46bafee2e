// analysis.js — the option analysis (captains and admins): pick a checklist
// template item, a range of local departure dates and optionally a boat;
// see how the events answered it as bars and a table (numbers: least,
// median, mean, most), and download the same as CSV.
// GET /api/checklists/analysis?item=&from=&to=&boat=&format=json|csv
// (sql/migrations/017_checklists.sql); the item list comes from
// GET /api/checklist-templates, the boats from GET /api/boats.

import { api } from './api.js';
import { h, replace, errorText } from './dom.js';
import { startPage, atLeast, param } from './shell.js';

const main = document.getElementById('main');
const me = await startPage('analysis');

function isoDate(d) {
  return d.toISOString().slice(0, 10);
}

function optionText(v) {
  if (v === true) return 'done';
  if (v === false) return 'not done';
  return String(v);
}

function plural(n, one, many) {
  return `${n} ${n === 1 ? one : many}`;
}

function percent(share) {
  return share === null ? '—' : `${Math.round(share * 1000) / 10}%`;
}

if (me && !atLeast(me.role, 'captain')) {
  replace(main, h('h1', {}, 'Checklist analysis'), h('p', {}, 'The analysis is for captains and admins.'));
} else if (me) {
  let templates = [];
  let boats = [];
  try {
    templates = (await api('GET', '/api/checklist-templates')).templates;
  } catch (err) {
    replace(main, h('h1', {}, 'Checklist analysis'), h('p', { class: 'error', role: 'alert' }, errorText(err)));
    throw err;
  }
  try {
    const r = await api('GET', '/api/boats');
    boats = r.boats ?? r.items ?? (Array.isArray(r) ? r : []);
  } catch {
    boats = [];
  }

  const today = new Date();
  const item = h('select', { id: 'a-item', required: true },
    h('option', { value: '' }, 'Choose an item'),
    templates.map((t) => h('optgroup', { label: `${t.name}${t.boat ? ` (${t.boat.name})` : ''}${t.active ? '' : ' (inactive)'}` },
      t.items.map((i) => h('option', { value: i.id, selected: param('item') === i.id },
        `${i.label} — ${i.kind}${i.active ? '' : ' (inactive)'}`)))));
  const from = h('input', { id: 'a-from', type: 'date', required: true,
    value: param('from') ?? isoDate(new Date(today.getTime() - 90 * 86400e3)) });
  const to = h('input', { id: 'a-to', type: 'date', required: true,
    value: param('to') ?? isoDate(new Date(today.getTime() + 86400e3)) });
  const boat = h('select', { id: 'a-boat' },
    h('option', { value: '' }, 'Every boat'),
    boats.map((b) => h('option', { value: b.id, selected: param('boat') === b.id }, b.name)));
  const status = h('p', { role: 'status', 'aria-live': 'polite', class: 'muted' });
  const error = h('p', { class: 'error', role: 'alert' });
  const result = h('section', { 'aria-labelledby': 'a-result', id: 'result' });

  const query = (format) => {
    const q = new URLSearchParams({ item: item.value, from: from.value, to: to.value });
    if (boat.value) q.set('boat', boat.value);
    if (format) q.set('format', format);
    return q.toString();
  };

  const show = async () => {
    error.textContent = '';
    replace(result);
    if (!item.value) {
      error.textContent = 'Choose a checklist item first.';
      item.focus();
      return;
    }
    status.textContent = 'Counting…';
    let a;
    try {
      a = await api('GET', `/api/checklists/analysis?${query()}`);
    } catch (err) {
      status.textContent = '';
      error.textContent = errorText(err);
      return;
    }
    history.replaceState(null, '', `?${query()}`);
    status.textContent = `${plural(a.events, 'event', 'events')}, ${a.answered} answered.`;
    replace(result,
      h('h2', { id: 'a-result' }, a.item.label),
      h('p', { class: 'muted' }, `${a.item.template_name} · ${a.boat ? a.boat.name : 'every boat'} · `
        + `departing ${a.from} to ${a.to} (the day before is the last)`),
      h('p', {}, `${plural(a.events, 'event', 'events')} had this item; ${a.answered} answered it.`),
      a.options.length > 0 && h('div', { class: 'bars', role: 'list', 'aria-label': 'Answers by option' },
        a.options.map((o) => {
          const bar = h('span', { class: 'bar-fill' });
          bar.style.width = `${Math.round((o.share ?? 0) * 100)}%`;
          return h('div', { class: 'bar', role: 'listitem' },
            h('span', { class: 'bar-label' }, optionText(o.value)),
            h('span', { class: 'bar-track', 'aria-hidden': 'true' }, bar),
            h('span', { class: 'bar-value' }, `${o.count} · ${percent(o.share)}`));
        })),
      a.options.length > 0 && h('table', {},
        h('caption', { class: 'visually-hidden' }, `Answers to ${a.item.label} by option`),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Option'), h('th', { scope: 'col' }, 'Count'),
          h('th', { scope: 'col' }, 'Share'))),
        h('tbody', {}, a.options.map((o) => h('tr', {},
          h('td', {}, optionText(o.value)), h('td', {}, o.count), h('td', {}, percent(o.share)))))),
      a.numbers && h('table', {},
        h('caption', { class: 'visually-hidden' }, `${a.item.label}: figures`),
        h('tbody', {}, [['Least', 'min'], ['Median', 'median'], ['Mean', 'mean'], ['Most', 'max']].map(([label, k]) =>
          h('tr', {}, h('th', { scope: 'row' }, label),
            h('td', {}, a.numbers[k] === null ? '—' : `${a.numbers[k]}${a.item.unit ? ` ${a.item.unit}` : ''}`))))),
      h('p', {}, h('a', { href: `/api/checklists/analysis?${query('csv')}`, download: '' }, 'Download CSV')));
  };

  replace(main,
    h('h1', {}, 'Checklist analysis'),
    h('form', { class: 'stack', on: { submit: (e) => { e.preventDefault(); show(); } } },
      h('label', { for: 'a-item' }, 'Checklist item'), item,
      h('div', { class: 'row' },
        h('div', {}, h('label', { for: 'a-from' }, 'Departing from'), from),
        h('div', {}, h('label', { for: 'a-to' }, 'Until (not included)'), to)),
      h('label', { for: 'a-boat' }, 'Boat'), boat,
      h('button', { type: 'submit', class: 'primary' }, 'Show')),
    status, error, result);
  if (item.value) await show();
}
