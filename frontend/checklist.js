// checklist.js — the event page's checklists, before departure and after
// return: each item with its answer, and how many required items are done.
// Reads the "checklist" part of GET /api/events/:id (sql:
// scc.event_checklist_json).

import { h, replace } from './dom.js';

const PHASES = [['pre', 'Before departure'], ['post', 'After return']];

function answerText(item) {
  if (!item.answer) return 'not answered';
  const v = item.answer.value;
  if (item.kind === 'check') return v ? 'done' : 'not done';
  if (item.kind === 'number') return `${v}${item.unit ? ` ${item.unit}` : ''}`;
  return String(v);
}

// renderChecklist(section, page, reload): draws into section from the
// event page's JSON; reload() fetches the page again after a change.
export function renderChecklist(section, page) {
  replace(section,
    h('h2', {}, 'Checklists'),
    PHASES.map(([phase, label]) => {
      const c = page.checklist[phase];
      return h('div', { class: 'card', 'data-phase': phase },
        h('h3', {}, label, ' ', h('span', { class: 'muted' }, `${c.answered_required} of ${c.required} required done`)),
        c.items.length === 0
          ? h('p', { class: 'muted' }, 'No items.')
          : h('ul', {}, c.items.map((item) => h('li', {},
            item.label, item.required ? ' (required)' : '', ': ',
            h('span', { class: item.answer ? null : 'muted' }, answerText(item)))));
    }));
}
