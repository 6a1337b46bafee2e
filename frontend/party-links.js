// party-links.js — the event page's party links, for the event's captain
// and admins (GET /api/events/:id/party-links): each link's seats (used and
// left), its expiry in the event's zone, its note, and whether it is live,
// full, expired or revoked (when, by whom, why); a Revoke button on each
// link not revoked yet asks for a reason in a dialog
// (POST /api/events/:id/party-links/:link_id/revoke); while the roster is
// open, a form makes a new link (POST /api/events/:id/party-links) whose
// address is shown once, to send to the booker.  Values go in as text.

import { api } from './api.js';
import { h, replace, fmtDateTime, toLocalInput, fromLocalInput, showFieldError, errorText } from './dom.js';
import { openModal } from './modal.js';

const statusOf = new WeakMap();
function statusFor(section) {
  if (!statusOf.has(section)) {
    statusOf.set(section, h('p', { id: 'party-links-status', role: 'status', 'aria-live': 'polite' }));
  }
  return statusOf.get(section);
}

function linkState(l) {
  if (l.revoked_at) return ['revoked', 'revoked'];
  if (l.live) return ['live', 'live'];
  if (l.left === 0) return ['full', 'full'];
  return ['expired', 'expired'];
}

// renderPartyLinks(section, page): draws the links into section; redraws
// itself after a change (the roster is not touched by a revoke).
export async function renderPartyLinks(section, page) {
  const ev = page.event;
  const tz = ev.time_zone;
  const status = statusFor(section);
  const base = `/api/events/${encodeURIComponent(ev.id)}/party-links`;
  const redraw = () => renderPartyLinks(section, page);
  let links;
  try {
    ({ links } = await api('GET', base));
  } catch (err) {
    replace(section, h('h2', { id: 'party-links-h' }, 'Party links'), h('p', { class: 'error', role: 'alert' }, errorText(err)));
    return;
  }
  const open = ['draft', 'scheduled', 'boarding'].includes(ev.state);
  replace(section,
    h('h2', { id: 'party-links-h' }, 'Party links'),
    h('p', { class: 'muted' }, 'A party link lets a booker\'s group join as guests, one seat each, until it expires.'),
    links.length === 0
      ? h('p', { class: 'muted', id: 'party-links-none' }, 'No party links yet.')
      : h('ul', { class: 'party-links', 'aria-labelledby': 'party-links-h' }, links.map((l, i) => {
        const [state, word] = linkState(l);
        const title = `Link ${links.length - i}${l.note ? `: ${l.note}` : ''}`;
        return h('li', { class: 'card', 'data-link': l.id },
          h('p', { class: 'row' }, h('strong', {}, title), ' ', h('span', { class: `badge state-link-${state}` }, word)),
          h('p', {}, `${l.seats} seats: ${l.used} used, ${l.left} left.`),
          h('p', {}, `Expires ${fmtDateTime(l.expires_at, tz)}.`),
          l.revoked_at && h('p', { class: 'muted' },
            `Revoked ${fmtDateTime(l.revoked_at, tz)}${l.revoked_by?.name ? ` by ${l.revoked_by.name}` : ''}: `,
            l.revoke_reason ?? ''),
          !l.revoked_at && h('button', { type: 'button', 'aria-label': `Revoke ${title}`,
            on: { click: () => revoke(l, title, base, status, redraw) } }, 'Revoke'));
      })),
    status,
    open && newLinkForm(ev, base, status, redraw));
}

async function revoke(l, title, base, status, redraw) {
  const reason = h('textarea', { id: 'party-revoke-reason', required: true, maxlength: 500, rows: 3 });
  const done = await openModal({
    title: `Revoke ${title}`,
    content: h('div', { class: 'stack' },
      h('p', {}, 'Nobody else can join through this link. '
        + `${l.used === 1 ? 'The person who already joined keeps their place' : `The ${l.used} people who already joined keep their places`}`
        + ' (remove someone from the roster if needed).'),
      h('label', { for: 'party-revoke-reason' }, 'Reason (kept in the audit log)'), reason),
    actions: [{ label: 'Revoke link', primary: true, run: async () => {
      await api('POST', `${base}/${encodeURIComponent(l.id)}/revoke`, { reason: reason.value });
    } }],
  });
  if (done) {
    status.textContent = `${title} is revoked: nobody else can join through it.`;
    await redraw();
  }
}

function newLinkForm(ev, base, status, redraw) {
  const tz = ev.time_zone;
  const seats = h('input', { id: 'party-new-seats', type: 'number', min: 1, max: 500, value: '4', required: true });
  const expires = h('input', { id: 'party-new-expires', type: 'datetime-local', required: true,
    value: toLocalInput(new Date(Math.min(Date.parse(ev.departure_at), Date.now() + 7 * 86400e3)).toISOString(), tz) });
  const note = h('input', { id: 'party-new-note', maxlength: 500 });
  const error = h('p', { class: 'error', role: 'alert', id: 'party-new-error' });
  const f = h('form', { class: 'stack card', novalidate: true, 'aria-labelledby': 'party-new-h' },
    h('h3', { id: 'party-new-h' }, 'New party link'),
    h('label', { for: 'party-new-seats' }, 'Seats'), seats,
    h('label', { for: 'party-new-expires' }, `Expires (${tz})`), expires,
    h('label', { for: 'party-new-note' }, 'Note (for you: whose party)'), note,
    error,
    h('button', { type: 'submit' }, 'Make the link'));
  f.addEventListener('submit', async (e) => {
    e.preventDefault();
    for (const i of [seats, expires, note]) i.removeAttribute('aria-invalid');
    error.textContent = '';
    try {
      const made = await api('POST', base, { seats: Number(seats.value), expires_at: fromLocalInput(expires.value, tz),
        ...(note.value.trim() ? { note: note.value } : {}) });
      await redraw();
      status.textContent = 'Party link made. Send this address to the booker: it is shown only now.';
      const address = h('input', { id: 'party-new-url', readonly: true, value: `${location.origin}${made.url}`,
        'aria-label': 'The new party link' });
      status.after(h('p', { class: 'stack' }, address));
      address.focus();
      address.select();
    } catch (err) {
      showFieldError(error, err, /seats/.test(err.code) ? seats : /expires/.test(err.code) ? expires
        : /note/.test(err.code) ? note : null);
    }
  });
  return f;
}
