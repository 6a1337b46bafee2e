// manifest.js — the dock (?event=ID): who sails, from
// GET /api/events/:id/manifest, and check-in with
// POST /api/events/:id/check-in {user_id, status} (025_dock.sql).  For the
// event's captain and crew and admins, on a phone at the dock: the counts
// first, then one card a person with big buttons (Check in, No show, Clear)
// at the bottom where a thumb reaches.  A guest on waiver hold says so in
// words, and their Check in button is disabled with the reason attached
// (aria-describedby); so are all buttons outside the check-in window.
// Emergency contacts are tel: links.  The CSV is the same manifest as a file.

import { api } from './api.js';
import { h, replace, badge, fmtDateTime, fmtTime, errorText } from './dom.js';
import { startPage, param } from './shell.js';

const HOLD = {
  waiver_missing: 'no signed waiver',
  waiver_outdated: 'signed an older version of the waiver',
  minors_not_covered: 'a minor they bring is not on their waiver',
  minor_now_adult: 'a minor they bring is 18 by the sail and must sign for themselves',
};
const STATUS = { checked_in: 'Checked in', no_show: 'No show' };

const root = document.getElementById('main');
const id = param('event') ?? '';
const path = `/api/events/${encodeURIComponent(id)}`;
const status = h('p', { class: 'muted', role: 'status', 'aria-live': 'polite' });
const problemLine = h('p', { class: 'error', role: 'alert' });

function waiverLine(p, tz) {
  const w = p.waiver;
  if (!w) return null;
  if (w.state === 'valid') {
    return h('p', { id: `waiver-${p.user_id}` }, 'Waiver: signed',
      w.version ? `, version ${w.version}` : '', w.signed_at ? `, ${fmtDateTime(w.signed_at, tz)}` : '');
  }
  if (w.state === 'released') {
    return h('p', { id: `waiver-${p.user_id}`, class: 'warn' },
      'Waiver: hold released by an admin', w.released?.reason ? ` — ${w.released.reason}` : '');
  }
  if (w.state === 'not_required') return h('p', { id: `waiver-${p.user_id}` }, 'Waiver: none required');
  return h('p', { id: `waiver-${p.user_id}`, class: 'warn hold' },
    h('strong', {}, 'On hold: '), HOLD[w.state] ?? w.state, '. Cannot be checked in.');
}

function card(p, m, onSet) {
  const tz = m.event.time_zone;
  const held = p.waiver && !['valid', 'released', 'not_required'].includes(p.waiver.state);
  const open = m.checkin.open;
  const now = p.checkin?.status ?? null;
  const why = !open ? 'dock-window' : null;
  const button = (value, label, extra = {}) => h('button', {
    type: 'button', id: `ci-${p.user_id}-${value ?? 'clear'}`,
    class: value === 'checked_in' ? 'primary' : null,
    'aria-label': `${label}: ${p.name}`,
    'aria-pressed': value ? String(now === value) : null,
    disabled: !open || (value === 'checked_in' && held),
    'aria-describedby': extra.describedby ?? why,
    on: { click: () => onSet(p, value) } }, label);
  return h('li', { class: `card person${held ? ' held' : ''}`, 'aria-labelledby': `name-${p.user_id}` },
    h('h3', { id: `name-${p.user_id}` }, p.name),
    h('p', { class: 'row' }, badge(p.role, p.role), p.state !== 'confirmed' && badge(p.state),
      now && badge(now, STATUS[now])),
    waiverLine(p, tz),
    p.minors.length > 0 && h('p', {}, 'Minors: ',
      p.minors.map((x, i) => [i ? ', ' : '', `${x.name} (${x.age})`])),
    p.emergency_contact && h('p', {}, 'Emergency: ', p.emergency_contact.name,
      ` (${p.emergency_contact.relationship}) `,
      h('a', { href: `tel:${p.emergency_contact.phone.replace(/[^+0-9]/g, '')}` }, p.emergency_contact.phone)),
    h('p', { class: 'muted' }, now
      ? `${STATUS[now]} at ${fmtTime(p.checkin.at, tz)}${p.checkin.by?.name ? ` by ${p.checkin.by.name}` : ''}`
      : 'Not checked in yet'),
    h('div', { class: 'row dock-actions' },
      button('checked_in', 'Check in', { describedby: held ? `waiver-${p.user_id}` : why }),
      button('no_show', 'No show'),
      now && button(null, 'Clear')));
}

async function main() {
  let m;
  try {
    m = await api('GET', `${path}/manifest`);
  } catch (err) {
    replace(root, h('h1', {}, 'Dock'), h('p', { class: 'error', role: 'alert' }, errorText(err)),
      h('p', {}, h('a', { href: '/events.html' }, 'All events')));
    return;
  }
  draw(m);

  async function set(p, value) {
    try {
      await api('POST', `${path}/check-in`, { user_id: p.user_id, status: value });
      m = await api('GET', `${path}/manifest`);
      draw(m, `${p.name}: ${value ? STATUS[value].toLowerCase() : 'cleared'}.`);
    } catch (err) {
      // refused (a hold since the page was drawn, the window closed): say why, show the manifest as it is now
      m = await api('GET', `${path}/manifest`).catch(() => m);
      draw(m, '', `${p.name}: ${errorText(err)}`);
    }
    document.getElementById(`ci-${p.user_id}-${value ?? 'no_show'}`)?.focus();
  }

  async function refresh() {
    try {
      m = await api('GET', `${path}/manifest`);
      draw(m, 'Refreshed.');
    } catch (err) {
      draw(m, '', errorText(err));
    }
    document.getElementById('dock-refresh')?.focus();
  }

  function draw(x, message, problem) {
    const e = x.event;
    const tz = e.time_zone;
    const c = x.counts;
    document.title = `Dock: ${e.title} — SCC`;
    const windowText = x.checkin.closed ? `Check-in is over: the event is ${e.state}.`
      : x.checkin.open ? 'Check-in is open.'
        : `Check-in opens at ${fmtDateTime(x.checkin.opens_at, tz)} (2 h before departure).`;
    replace(root,
      h('p', {}, h('a', { href: `/event.html?id=${encodeURIComponent(e.id)}` }, '← The event')),
      h('h1', {}, `Dock: ${e.title}`),
      h('p', { class: 'row' }, badge(e.state), h('span', {}, `${e.boat.name} · departs ${fmtDateTime(e.departure_at, tz)}`)),
      h('p', { id: 'dock-window', class: x.checkin.open ? null : 'warn' }, windowText),
      h('div', { class: 'row' }, h('button', { type: 'button', id: 'dock-refresh', on: { click: refresh } },
        'Refresh (others may be checking in too)')),
      status,
      problemLine,
      h('section', { class: 'card', 'aria-labelledby': 'counts-h' },
        h('h2', { id: 'counts-h' }, 'Counts'),
        h('dl', { class: 'timing counts' },
          [['Checked in', `${c.checked_in} of ${c.captain + c.crew + c.guests}`],
            ['No show', c.no_show], ['Not checked yet', c.not_checked],
            ['Guests on hold', c.guests_on_hold], ['Guests', c.guests], ['Minors', c.minors],
            ['Aboard with minors', c.aboard]]
            .map(([k, v]) => [h('dt', {}, k), h('dd', {}, String(v))])),
        h('p', {}, h('a', { href: `${path}/manifest?format=csv`, download: '' }, 'Download the manifest (CSV)'))),
      h('h2', { id: 'people-h' }, `People (${x.people.length})`),
      h('ul', { class: 'plain manifest', 'aria-labelledby': 'people-h' }, x.people.map((p) => card(p, x, set))));
    status.textContent = message ?? '';
    problemLine.textContent = problem ?? '';
  }
}

const me = await startPage('events');
if (me) await main();
