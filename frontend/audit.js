// audit.js — the audit log (admins): every change, newest first, with who
// made it, what it was, before and after, and why.  Filters: a person (a
// click on a name filters by them), the kind of thing, the action, and a
// range of dates (UTC).  "Older" fetches the next page by keyset
// (GET /api/audit?...&before=<next_before>, sql/migrations/017_checklists.sql).

import { api } from './api.js';
import { h, replace, errorText, fmtDateTime } from './dom.js';
import { startPage, param } from './shell.js';

const main = document.getElementById('main');
const me = await startPage('admin');
const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;

if (me && me.role !== 'admin') {
  replace(main, h('h1', {}, 'Audit log'), h('p', {}, 'Only admins read the audit log.'));
} else if (me) {
  const actor = h('input', { id: 'f-actor', type: 'text', value: param('actor') ?? '', placeholder: 'a person\'s id',
    autocomplete: 'off', spellcheck: 'false' });
  const entity = h('input', { id: 'f-entity', type: 'text', maxlength: 100, value: param('entity') ?? '',
    placeholder: 'e.g. checklist_template' });
  const action = h('input', { id: 'f-action', type: 'text', maxlength: 100, value: param('action') ?? '',
    placeholder: 'e.g. checklist.answer' });
  const from = h('input', { id: 'f-from', type: 'date', value: param('from') ?? '' });
  const to = h('input', { id: 'f-to', type: 'date', value: param('to') ?? '' });
  const status = h('p', { role: 'status', 'aria-live': 'polite', class: 'muted' });
  const error = h('p', { class: 'error', role: 'alert' });
  const list = h('ol', { class: 'audit', 'aria-label': 'Audit rows, newest first' });
  const older = h('button', { type: 'button', hidden: true }, 'Older');
  let next = null;
  let shown = 0;

  const filters = () => {
    const q = new URLSearchParams();
    for (const [k, el] of [['actor', actor], ['entity', entity], ['action', action], ['from', from], ['to', to]]) {
      if (el.value.trim()) q.set(k, el.value.trim());
    }
    return q;
  };

  const row = (x) => h('li', { class: 'card', 'data-id': x.id },
    h('p', { class: 'row' },
      h('strong', {}, x.action),
      h('span', { class: 'muted' }, fmtDateTime(x.at, tz))),
    h('p', {},
      x.actor
        ? h('button', { type: 'button', class: 'link', 'aria-label': `Show only what ${x.actor.name || x.actor.email} did`,
          on: { click: () => { actor.value = x.actor.id; load(true); } } }, x.actor.name || x.actor.email)
        : h('span', { class: 'muted' }, 'the system'),
      x.actor_role ? ` (${x.actor_role})` : '',
      ' · ', x.entity, x.entity_id ? ` ${x.entity_id}` : ''),
    x.reason && h('p', {}, 'Reason: ', x.reason),
    (x.before || x.after) && h('details', {},
      h('summary', {}, 'Before and after'),
      x.before && h('div', {}, h('p', { class: 'muted' }, 'Before'), h('pre', {}, JSON.stringify(x.before, null, 2))),
      x.after && h('div', {}, h('p', { class: 'muted' }, 'After'), h('pre', {}, JSON.stringify(x.after, null, 2)))),
    h('p', { class: 'muted small' }, `#${x.id}`, x.ip ? ` · ${x.ip}` : '', x.request_id ? ` · request ${x.request_id}` : ''));

  async function load(fresh) {
    error.textContent = '';
    const q = filters();
    if (!fresh && next !== null) q.set('before', String(next));
    status.textContent = 'Loading…';
    let r;
    try {
      r = await api('GET', `/api/audit?${q}`);
    } catch (err) {
      status.textContent = '';
      error.textContent = errorText(err);
      return;
    }
    if (fresh) {
      replace(list);
      shown = 0;
      const keep = filters();
      history.replaceState(null, '', keep.toString() ? `?${keep}` : location.pathname);
    }
    const firstNew = list.children.length;
    list.append(...r.items.map(row));
    shown += r.items.length;
    next = r.next_before;
    older.hidden = next === null;
    status.textContent = shown === 0 ? 'No rows match.'
      : `Showing ${shown} row${shown === 1 ? '' : 's'}${next === null ? ', the oldest included' : ''}.`;
    if (!fresh && r.items.length) list.children[firstNew]?.querySelector('strong')?.setAttribute('tabindex', '-1');
    if (!fresh && r.items.length) list.children[firstNew]?.querySelector('strong')?.focus();
  }
  older.addEventListener('click', () => load(false));

  replace(main,
    h('h1', {}, 'Audit log'),
    h('form', { class: 'stack', on: { submit: (e) => { e.preventDefault(); load(true); } } },
      h('label', { for: 'f-actor' }, 'Person (id)'), actor,
      h('label', { for: 'f-entity' }, 'Kind of thing'), entity,
      h('label', { for: 'f-action' }, 'Action'), action,
      h('div', { class: 'row' },
        h('div', {}, h('label', { for: 'f-from' }, 'From (UTC date)'), from),
        h('div', {}, h('label', { for: 'f-to' }, 'Until (UTC date, not included)'), to)),
      h('div', { class: 'row' },
        h('button', { type: 'submit', class: 'primary' }, 'Show'),
        h('button', { type: 'button', on: { click: () => {
          for (const el of [actor, entity, action, from, to]) el.value = '';
          load(true);
        } } }, 'Clear filters'))),
    status, error, list, older);
  await load(true);
}
