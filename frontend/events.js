// events.js — the events list (GET /api/events): upcoming and past tabs,
// a boat filter and "only mine", each event as a card with its times in the
// event's own zone, its state and a fill bar per role; captains and admins
// get the "New event" form (POST /api/events), whose times are typed as the
// boat's local wall-clock time.

import { api } from './api.js';
import { h, replace, fillBar, badge, fmtDate, fmtTime, fromLocalInput, errorText } from './dom.js';
import { startPage, atLeast } from './shell.js';


async function main(me) {
  const root = document.getElementById('main');
  const status = h('p', { class: 'muted', role: 'status', 'aria-live': 'polite' });
  const list = h('div', { id: 'event-list', role: 'tabpanel', 'aria-labelledby': 'tab-upcoming' });
  const state = { tab: 'upcoming', boat: '', mine: me.role === 'guest' };

  // Boats: crew+ may list them (filter and form); guests see only their events.
  let boats = [];
  if (atLeast(me.role, 'crew')) {
    try { boats = (await api('GET', '/api/boats')).items; } catch (err) { status.textContent = errorText(err); }
  }

  const tabs = ['upcoming', 'past'].map((t) => h('button', {
    type: 'button', role: 'tab', id: `tab-${t}`, 'aria-controls': 'event-list',
    'aria-selected': String(t === state.tab), tabindex: t === state.tab ? '0' : '-1',
    on: { click: () => select(t), keydown: (e) => {
      if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') { select(t === 'upcoming' ? 'past' : 'upcoming'); }
    } },
  }, t === 'upcoming' ? 'Upcoming' : 'Past'));
  function select(t) {
    state.tab = t;
    for (const b of tabs) {
      const on = b.id === `tab-${t}`;
      b.setAttribute('aria-selected', String(on));
      b.tabIndex = on ? 0 : -1;
      if (on) b.focus();
    }
    list.setAttribute('aria-labelledby', `tab-${t}`);
    load();
  }

  const boatSelect = boats.length > 0 && h('select', { id: 'filter-boat', on: { change: (e) => { state.boat = e.target.value; load(); } } },
    h('option', { value: '' }, 'All boats'),
    boats.map((b) => h('option', { value: b.id }, b.name)));
  const mineBox = me.role !== 'guest' && h('input', { type: 'checkbox', id: 'filter-mine',
    on: { change: (e) => { state.mine = e.target.checked; load(); } } });

  replace(root,
    h('div', { class: 'row' }, h('h1', {}, 'Events'),
      atLeast(me.role, 'captain') && boats.length > 0 && h('button', { type: 'button', class: 'primary', id: 'new-event',
        'aria-expanded': 'false', 'aria-controls': 'new-event-form',
        on: { click: (e) => toggleForm(e.currentTarget) } }, 'New event')),
    atLeast(me.role, 'captain') && newEventForm(boats, status),
    h('div', { class: 'row filters' },
      boatSelect && h('label', { for: 'filter-boat' }, 'Boat'), boatSelect,
      mineBox && h('label', { class: 'row' }, mineBox, 'Only mine')),
    h('div', { role: 'tablist', class: 'tabs', 'aria-label': 'Which events' }, tabs),
    status,
    list);

  async function load() {
    const q = new URLSearchParams();
    // upcoming: from 12 h ago (today's sails, underway ones too); past: what
    // departed before that, newest first, over the last year: no overlap
    const split = Date.now() - 12 * 3600e3;
    if (state.tab === 'upcoming') {
      q.set('from', new Date(split).toISOString());
    } else {
      q.set('from', new Date(split - 365 * 24 * 3600e3).toISOString());
      q.set('to', new Date(split).toISOString());
      q.set('order', 'desc');
    }
    if (state.boat) q.set('boat', state.boat);
    if (state.mine) q.set('mine', '1');
    status.textContent = 'Loading…';
    try {
      const { items } = await api('GET', `/api/events?${q}`);
      status.textContent = items.length === 0 ? 'No events here.' : `${items.length} event${items.length === 1 ? '' : 's'}`;
      replace(list, h('ul', { class: 'events' }, items.map(card)));
    } catch (err) {
      status.textContent = errorText(err);
    }
  }
  await load();
}

function card(e) {
  const f = e.fill;
  return h('li', { class: 'card', 'data-event': e.id },
    h('h2', {}, h('a', { href: `/event.html?id=${encodeURIComponent(e.id)}` }, e.title)),
    h('p', { class: 'row' }, badge(e.state), h('span', {}, e.boat.name),
      e.mine && h('span', { class: 'badge' }, `You: ${e.mine.role}, ${e.mine.state}`)),
    h('p', {}, fmtDate(e.departure_at, e.time_zone), ', ', fmtTime(e.departure_at, e.time_zone), ' – ',
      fmtTime(e.return_at, e.time_zone)),
    fillBar('Captain', f.captain.filled, f.captain.max),
    fillBar(`Crew (min ${f.crew.min})`, f.crew.filled, f.crew.max),
    f.crew.waitlisted > 0 && h('p', { class: 'muted' }, `${f.crew.waitlisted} on the crew waitlist`),
    f.guest.max > 0 && fillBar('Guests', f.guest.filled, f.guest.max));
}

function toggleForm(button) {
  const form = document.getElementById('new-event-form');
  form.hidden = !form.hidden;
  button.setAttribute('aria-expanded', String(!form.hidden));
  if (!form.hidden) form.querySelector('select, input')?.focus();
}

// The new-event form: the boat's zone names the times typed.
function newEventForm(boats, status) {
  const error = h('p', { class: 'error', role: 'alert' });
  const zone = h('p', { class: 'muted', id: 'ne-zone' });
  const boat = h('select', { id: 'ne-boat', name: 'boat', required: true },
    boats.map((b) => h('option', { value: b.id }, b.name)));
  const title = h('input', { id: 'ne-title', name: 'title', required: true, maxlength: 200 });
  const dep = h('input', { id: 'ne-departure', name: 'departure', type: 'datetime-local', required: true, 'aria-describedby': 'ne-zone' });
  const ret = h('input', { id: 'ne-return', name: 'return', type: 'datetime-local', required: true, 'aria-describedby': 'ne-zone' });
  const st = h('select', { id: 'ne-state', name: 'state' },
    h('option', { value: 'draft' }, 'Draft (not yet open for crew)'),
    h('option', { value: 'scheduled' }, 'Scheduled (open for claims)'));
  const tz = () => boats.find((b) => b.id === boat.value)?.time_zone ?? 'UTC';
  const showZone = () => { zone.textContent = `Times in ${tz()} (the boat's home port).`; };
  boat.addEventListener('change', showZone);
  showZone();
  const form = h('form', { id: 'new-event-form', class: 'card stack', hidden: true, 'aria-label': 'New event',
    on: { submit: async (ev) => {
      ev.preventDefault();
      error.textContent = '';
      const b = form.querySelector('button[type=submit]');
      b.disabled = true;
      try {
        const page = await api('POST', '/api/events', {
          boat_id: boat.value, title: title.value, state: st.value,
          departure_at: fromLocalInput(dep.value, tz()), return_at: fromLocalInput(ret.value, tz()) });
        status.textContent = 'Event created.';
        location.assign(`/event.html?id=${encodeURIComponent(page.event.id)}`);
      } catch (err) {
        error.textContent = errorText(err);
      } finally {
        b.disabled = false;
      }
    } } },
    h('h2', {}, 'New event'),
    h('label', { for: 'ne-boat' }, 'Boat'), boat,
    h('label', { for: 'ne-title' }, 'Title'), title,
    h('label', { for: 'ne-departure' }, 'Departure'), dep,
    h('label', { for: 'ne-return' }, 'Return'), ret,
    zone,
    h('label', { for: 'ne-state' }, 'State'), st,
    error,
    h('button', { type: 'submit', class: 'primary' }, 'Create event'));
  return form;
}

// last, once every constant above is initialised
const me = await startPage('events');
if (me) await main(me);
