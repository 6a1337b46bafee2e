// event-waiver.js — the event page's waiver card, for admins: the waiver
// version the event requires beside the newer one it may move to
// (GET /api/events/:id/waiver-version), how many guests are on hold, and a
// "Require version N" button that asks for a reason in a dialog, moves the
// event on (POST /api/events/:id/waiver-version) and says how many guests
// are held now and how many were emailed their waiver link.  Values go in
// as text (dom.js).

import { api } from './api.js';
import { h, replace, fmtDate, errorText } from './dom.js';
import { openModal } from './modal.js';

// The status line outlives each redraw (the page reloads after a move).
const statusOf = new WeakMap();
function statusFor(section) {
  if (!statusOf.has(section)) {
    statusOf.set(section, h('p', { id: 'waiver-card-status', role: 'status', 'aria-live': 'polite' }));
  }
  return statusOf.get(section);
}

const versionText = (v) => `${v.template_name}, version ${v.version}`;
const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

// renderWaiverCard(section, page, reload): draws the card into section (an
// empty section for anyone but an admin); reload() redraws the event page.
export async function renderWaiverCard(section, page, reload) {
  const ev = page.event;
  const status = statusFor(section);
  let card;
  try {
    card = await api('GET', `/api/events/${encodeURIComponent(ev.id)}/waiver-version`);
  } catch (err) {
    replace(section, h('h2', { id: 'waiver-card-h' }, 'Waiver'), h('p', { class: 'error', role: 'alert' }, errorText(err)));
    return;
  }
  const tz = ev.time_zone;
  replace(section,
    h('h2', { id: 'waiver-card-h' }, 'Waiver'),
    card.required
      ? h('p', { id: 'waiver-required' }, 'Guests must sign ', h('strong', {}, versionText(card.required)),
        ` (made ${fmtDate(card.required.created_at, tz)}).`)
      : h('p', { id: 'waiver-required' }, 'This event requires no waiver yet.'),
    card.guests > 0 && h('p', { id: 'waiver-held' },
      `${plural(card.held, 'guest', 'guests')} of ${card.guests} on hold.`),
    card.next
      ? h('p', { id: 'waiver-next' }, 'Newer: ', h('strong', {}, versionText(card.next)),
        ` (made ${fmtDate(card.next.created_at, tz)}).`)
      : card.required && h('p', { class: 'muted', id: 'waiver-next' }, 'This is the current version.'),
    card.may_move && h('button', { type: 'button', id: 'waiver-move',
      on: { click: () => move(card, section, status, reload) } }, `Require version ${card.next.version}`),
    status);
}

async function move(card, section, status, reload) {
  const reason = h('textarea', { id: 'waiver-move-reason', required: true, maxlength: 500, rows: 3 });
  const next = card.next;
  const done = await openModal({
    title: `Require version ${next.version}`,
    content: h('div', { class: 'stack' },
      h('p', {}, card.required
        ? `From now on guests must sign ${versionText(next)} instead of version ${card.required.version}. `
          + 'Everyone who signed the old one is on hold until they sign again, and each of them is '
          + 'emailed their waiver link now.'
        : `From now on guests must sign ${versionText(next)}; each guest it holds is emailed their waiver link now.`),
      h('label', { for: 'waiver-move-reason' }, 'Reason (kept in the audit log)'), reason),
    actions: [{ label: `Require version ${next.version}`, primary: true, run: async () => {
      const r = await api('POST', `/api/events/${encodeURIComponent(card.event_id)}/waiver-version`,
        { version_id: next.id, reason: reason.value });
      status.textContent = `Version ${r.waiver_version.version} is required now: `
        + `${plural(r.held.length, 'guest is', 'guests are')} on hold, `
        + `${plural(r.mailed, 'guest was', 'guests were')} emailed their waiver link.`;
    } }],
  });
  if (done) {
    const text = status.textContent;
    await reload();
    status.textContent = text;
    section.querySelector('h2')?.focus?.();
  }
}
