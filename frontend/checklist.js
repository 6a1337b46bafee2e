// checklist.js — the event page's checklists, before departure and after
// return, answerable with one thumb: a check is one big toggle, a choice a
// row of buttons, a number a numeric field with its unit and range, a text
// a text box; each item can carry a note.  Required items are marked in
// words, each phase shows its progress, and every save is announced
// (aria-live) — "Saving…", "Saved", or the API's sentence naming the field.
//
// Reads the "checklist" part of GET /api/events/:id (sql:
// scc.event_checklist_json) and answers with
// PUT /api/events/:id/checklist/:item {value, note} (null clears), whose
// answer carries the whole checklist again.  Pre-departure items are open
// while the event is scheduled or boarding, post-trip items while it is
// underway or returned (sql/migrations/017_checklists.sql); the event
// page's you.may.answer says whether this person may answer at all.

import { api } from './api.js';
import { h, replace, errorText, fmtDateTime } from './dom.js';

const PHASES = [['pre', 'Before departure'], ['post', 'After return']];
const OPEN = { pre: ['scheduled', 'boarding'], post: ['underway', 'returned'] };

function answerText(item) {
  if (!item.answer) return 'not answered';
  const v = item.answer.value;
  if (item.kind === 'check') return v ? 'done' : 'not done';
  if (item.kind === 'number') return `${v}${item.unit ? ` ${item.unit}` : ''}`;
  return String(v);
}

function rangeText(item) {
  const unit = item.unit ? ` ${item.unit}` : '';
  if (item.min !== null && item.max !== null) return `${item.min} to ${item.max}${unit}`;
  if (item.min !== null) return `at least ${item.min}${unit}`;
  if (item.max !== null) return `at most ${item.max}${unit}`;
  return item.unit ? `in ${item.unit}` : '';
}

// renderChecklist(section, page, reload): draws into section from the
// event page's JSON; reload() fetches the page again after a change (the
// lifecycle's "still missing" list depends on the answers).
// The status and error lines outlive a redraw of the section (reload()
// draws the whole event page again), so an announcement is not cut short.
const lines = new WeakMap();

export function renderChecklist(section, page, reload) {
  if (!lines.has(section)) {
    lines.set(section, { status: h('p', { class: 'muted', role: 'status', 'aria-live': 'polite' }),
      error: h('p', { class: 'error', role: 'alert' }) });
  }
  const { status, error } = lines.get(section);
  const tz = page.event?.time_zone ?? 'UTC';
  const mayAnswer = Boolean(page.you?.may?.answer);

  async function save(item, value, note, key) {
    error.textContent = '';
    status.textContent = `Saving ${item.label}…`;
    for (const b of section.querySelectorAll(`[data-item="${item.id}"] button`)) b.disabled = true;
    try {
      const body = { value };
      if (note !== undefined) body.note = note;
      const r = await api('PUT', `/api/events/${page.event.id}/checklist/${item.id}`, body);
      page.checklist = r.checklist;
      draw();
      status.textContent = value === null ? `Cleared: ${item.label}` : `Saved: ${item.label}`;
      refocus(key);
      if (reload) {
        await reload();
        refocus(key);
      }
    } catch (err) {
      status.textContent = '';
      error.textContent = `${item.label}: ${errorText(err)}`;
      for (const b of section.querySelectorAll(`[data-item="${item.id}"] button`)) b.disabled = false;
    }
  }

  function refocus(key) {
    if (!key) return;
    const el = document.querySelector(`[data-key="${key}"]`);
    if (el) el.focus();
  }

  function noteField(item, open) {
    const id = `note-${item.id}`;
    const area = h('textarea', { id, rows: 2, maxlength: 1000, 'data-key': `${item.id}-note`, value: item.answer?.note ?? '' });
    return h('details', { class: 'note', open: open || null },
      h('summary', {}, item.answer?.note ? 'Note' : 'Add a note'),
      h('label', { for: id, class: 'visually-hidden' }, `Note on ${item.label}`),
      area,
      item.kind !== 'number' && item.kind !== 'text' && h('button', { type: 'button', 'data-key': `${item.id}-note-save`,
        disabled: !item.answer, on: { click: () => save(item, item.answer.value, area.value, `${item.id}-note-save`) } },
      item.answer ? 'Save note' : 'Answer first, then save the note'));
  }

  function control(item) {
    const labelId = `label-${item.id}`;
    if (item.kind === 'check') {
      const on = item.answer?.value === true;
      return h('button', { type: 'button', class: `toggle${on ? ' on' : ''}`, 'aria-pressed': on ? 'true' : 'false',
        'aria-describedby': labelId, 'data-key': `${item.id}-check`,
        on: { click: () => save(item, !on, noteOf(item), `${item.id}-check`) } }, on ? '✓ Done' : 'Mark done');
    }
    if (item.kind === 'choice') {
      return h('div', { class: 'choices', role: 'group', 'aria-labelledby': labelId },
        item.options.map((o, i) => {
          const on = item.answer?.value === o;
          return h('button', { type: 'button', class: `choice${on ? ' on' : ''}`, 'aria-pressed': on ? 'true' : 'false',
            'data-key': `${item.id}-opt-${i}`, on: { click: () => save(item, o, noteOf(item), `${item.id}-opt-${i}`) } }, o);
        }));
    }
    const inputId = `value-${item.id}`;
    const field = item.kind === 'number'
      ? h('input', { id: inputId, type: 'number', inputmode: 'decimal', step: 'any', 'data-key': `${item.id}-value`,
        min: item.min ?? null, max: item.max ?? null, value: item.answer ? String(item.answer.value) : '' })
      : h('textarea', { id: inputId, rows: 2, maxlength: 1000, 'data-key': `${item.id}-value`,
        value: item.answer ? String(item.answer.value) : '' });
    const submit = () => {
      const raw = field.value.trim();
      if (raw === '') { save(item, null, undefined, `${item.id}-save`); return; }
      if (item.kind === 'number') {
        const n = Number(raw);
        if (!Number.isFinite(n) || field.validity.badInput) {
          error.textContent = `${item.label}: a number, please`;
          return;
        }
        save(item, n, noteOf(item), `${item.id}-save`);
      } else {
        save(item, raw, noteOf(item), `${item.id}-save`);
      }
    };
    return h('form', { class: 'row answer', novalidate: true, on: { submit: (e) => { e.preventDefault(); submit(); } } },
      h('label', { for: inputId, class: 'visually-hidden' }, item.label),
      field,
      item.kind === 'number' && item.unit && h('span', { class: 'unit' }, item.unit),
      h('button', { type: 'submit', 'data-key': `${item.id}-save` }, 'Save'));
  }

  function noteOf(item) {
    const area = section.querySelector(`#note-${CSS.escape(item.id)}`);
    return area ? area.value : undefined;
  }

  function itemView(item, editable) {
    const labelId = `label-${item.id}`;
    const range = item.kind === 'number' ? rangeText(item) : '';
    return h('li', { class: `check-item${item.answer ? ' answered' : ''}`, 'data-item': item.id },
      h('div', { class: 'row' },
        h('span', { id: labelId, class: 'item-label' }, item.label),
        item.required ? h('span', { class: 'badge required' }, 'required') : h('span', { class: 'muted' }, 'optional')),
      range && h('p', { class: 'muted small' }, range),
      editable ? control(item) : h('p', {}, h('span', { class: item.answer ? null : 'muted' }, answerText(item))),
      item.answer && h('p', { class: 'muted small' },
        editable ? `${answerText(item)} · ` : '',
        `by ${item.answer.by?.name ?? 'someone'}, ${fmtDateTime(item.answer.at, tz)}`,
        !editable && item.answer.note ? ` · ${item.answer.note}` : ''),
      editable && noteField(item, Boolean(item.answer?.note)),
      editable && item.answer && h('button', { type: 'button', class: 'link', 'data-key': `${item.id}-clear`,
        on: { click: () => save(item, null, undefined, null) } }, `Clear the answer to ${item.label}`));
  }

  function draw() {
    replace(section,
      h('h2', {}, 'Checklists'),
      status, error,
      PHASES.map(([phase, label]) => {
        const c = page.checklist?.[phase] ?? { required: 0, answered_required: 0, items: [] };
        const open = OPEN[phase].includes(page.event?.state);
        const editable = mayAnswer && open;
        const progressId = `progress-${phase}`;
        return h('div', { class: 'card', 'data-phase': phase },
          h('h3', {}, label),
          h('p', { id: progressId, class: 'muted' }, `${c.answered_required} of ${c.required} required done`,
            !open && c.items.length ? (phase === 'pre' ? ' · answered while scheduled or boarding' : ' · opens once underway') : ''),
          c.required > 0 && h('meter', { min: 0, max: c.required, value: c.answered_required, 'aria-labelledby': progressId }),
          c.items.length === 0
            ? h('p', { class: 'muted' }, 'No items.')
            : h('ul', { class: 'checklist' }, c.items.map((item) => itemView(item, editable))));
      }));
  }

  draw();
}
