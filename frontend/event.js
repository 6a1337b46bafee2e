// event.js — one event (GET /api/events/:id, the whole page in one call):
// the timing panel against the sun at the home port with a live countdown,
// the lifecycle buttons with what each next state still needs, edit, copy,
// cancel and (admins) force with a reason; the roster and the checklists
// are their own components (roster.js, checklist.js) drawn from the same
// answer.  Every time is shown in the event's zone.

import { api } from './api.js';
import { h, replace, badge, fmtDate, fmtTime, fmtDateTime, fmtDuration, toLocalInput, fromLocalInput, errorText } from './dom.js';
import { startPage, param } from './shell.js';
import { openModal } from './modal.js';
import { renderRoster } from './roster.js';
import { renderChecklist } from './checklist.js';
import { renderWaiverCard } from './event-waiver.js'; // waivers: issue 10's gaps (helper F)
import { renderPartyLinks } from './party-links.js'; // waivers: issue 10's gaps (helper F)



const LABEL = { scheduled: 'Schedule', boarding: 'Start boarding', underway: 'Cast off (underway)',
  returned: 'Mark returned', closed: 'Close', cancelled: 'Cancel event' };

/* waivers: signing (helper B): a held guest's next step, from you.next */
const HOLD_TEXT = {
  waiver_missing: 'Your place is on hold until you sign the waiver.',
  waiver_outdated: 'The waiver changed: your place is on hold until you sign the new version.',
  minors_not_covered: 'Your place is on hold: a minor you bring is not on your waiver yet.',
  minor_now_adult: 'Your place is on hold: a minor you bring is 18 by the day of the sail and signs for themselves.',
};
function holdBanner(page) {
  if (page.you.next !== 'waiver') return null;
  const hold = (page.you.places ?? []).find((p) => p.hold)?.hold;
  return h('p', { class: 'warn hold-banner', id: 'hold-banner', role: 'status' },
    HOLD_TEXT[hold] ?? 'Your place is on hold until you sign the waiver.', ' ',
    h('a', { href: `/waiver.html?event=${encodeURIComponent(page.event.id)}` }, 'Sign the waiver'));
}
/* end waivers: signing (helper B) */

async function main() {
  const root = document.getElementById('main');
  const id = param('id');
  const status = h('p', { class: 'muted', role: 'status', 'aria-live': 'polite' });
  // the sections outlive each redraw: a component keeps what it said (its
  // status line) and where the focus was across the reload it asked for
  const timing = h('section', { id: 'timing', class: 'card', 'aria-labelledby': 'timing-h' });
  const roster = h('section', { id: 'roster' });
  const checklist = h('section', { id: 'checklist' });
  /* waivers: issue 10's gaps (helper F) — the waiver card (admins), the party links (the event's captain, admins) */
  const waiverCard = h('section', { id: 'waiver-card', class: 'card', 'aria-labelledby': 'waiver-card-h' });
  const partyLinks = h('section', { id: 'party-links', 'aria-labelledby': 'party-links-h' });
  /* end waivers: issue 10's gaps (helper F) */
  let timer = null;

  async function reload(message) {
    try {
      const page = await api('GET', `/api/events/${encodeURIComponent(id ?? '')}`);
      draw(page);
      status.textContent = message ?? '';
    } catch (err) {
      replace(root, h('h1', {}, 'Event'), h('p', { class: 'error', role: 'alert' }, errorText(err)),
        h('p', {}, h('a', { href: '/events.html' }, 'All events')));
    }
  }

  function draw(page) {
    const e = page.event;
    const may = page.you.may;
    document.title = `${e.title} — SCC`;
    replace(root,
      h('p', {}, h('a', { href: '/events.html' }, '← All events')),
      h('h1', {}, e.title),
      h('p', { class: 'row' }, badge(e.state), h('span', {}, `${e.boat.name}, ${e.boat.port_name}`)),
      e.state === 'cancelled' && h('p', { class: 'warn' }, 'Cancelled: ', e.cancel_reason),
      status,
      holdBanner(page), // waivers: signing (helper B)
      timing,
      (e.meetup_place || e.meetup_at) && h('p', {}, 'Meet ', e.meetup_place || '', e.meetup_at ? ` at ${fmtTime(e.meetup_at, e.time_zone)}` : ''),
      e.notes && h('p', { class: 'notes' }, e.notes),
      lifecycle(page),
      h('div', { class: 'row actions' },
        may.edit && h('button', { type: 'button', id: 'edit', on: { click: () => edit(e) } }, 'Edit'),
        may.copy && h('button', { type: 'button', id: 'copy', on: { click: () => copy(e) } }, 'Copy to new dates'),
        /* waivers: the dock (helper D) — the manifest and check-in for the event's captain and crew, admins */
        (me.role === 'admin' || page.you.places.some((p) => ['captain', 'crew'].includes(p.role) && p.state !== 'waitlisted'))
          && h('a', { id: 'dock-link', href: `/manifest.html?event=${encodeURIComponent(e.id)}` }, 'Dock: manifest and check-in')),
      roster,
      /* waivers: issue 10's gaps (helper F) */
      me.role === 'admin' && waiverCard,
      ownsLinks(page) && partyLinks,
      /* end waivers: issue 10's gaps (helper F) */
      checklist);
    drawTiming(timing, page);
    renderRoster(roster, page, reload);
    /* waivers: issue 10's gaps (helper F) */
    if (me.role === 'admin') renderWaiverCard(waiverCard, page, reload);
    if (ownsLinks(page)) renderPartyLinks(partyLinks, page);
    /* end waivers: issue 10's gaps (helper F) */
    renderChecklist(checklist, page, reload);
  }

  function drawTiming(section, page) {
    const e = page.event;
    const t = page.timing;
    const tz = e.time_zone;
    const countdown = h('p', { class: 'countdown', id: 'countdown' });
    const rows = [
      ['Departure', fmtDateTime(e.departure_at, tz)],
      ['Return', `${fmtDateTime(e.return_at, tz)}`],
      e.actual_return_at && ['Returned at', fmtDateTime(e.actual_return_at, tz)],
      ['Duration', fmtDuration(t.duration_minutes)],
      ['Sunrise', fmtTime(t.sunrise, tz)],
      ['Sunset', fmtTime(t.sunset, tz)],
      ['Civil dusk', fmtTime(t.civil_dusk, tz)],
    ].filter(Boolean);
    replace(section,
      h('h2', { id: 'timing-h' }, 'Timing'),
      h('p', { class: 'muted' }, `${fmtDate(e.departure_at, tz)} · times in ${tz}`),
      h('dl', { class: 'timing' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
      t.overdue
        ? h('p', { class: 'danger', role: 'alert', id: 'overdue' },
          `OVERDUE: still underway past ${fmtTime(e.overdue_at, tz)} (return ${fmtTime(e.return_at, tz)} + grace).`)
        : null,
      !t.overdue && t.return_after_civil_dusk
        ? h('p', { class: 'warn', id: 'dusk-warning' }, `The return is after civil dusk (${fmtTime(t.civil_dusk, tz)}): the boat comes back in the dark.`)
        : !t.overdue && t.return_after_sunset
          ? h('p', { class: 'warn', id: 'dusk-warning' }, `The return is after sunset (${fmtTime(t.sunset, tz)}).`)
          : null,
      countdown);
    const tick = () => { countdown.textContent = countdownText(e); };
    tick();
    clearInterval(timer);
    timer = setInterval(tick, 30_000);
  }

  function lifecycle(page) {
    const e = page.event;
    const may = page.you.may;
    if (page.transitions.length === 0) return h('section', { id: 'lifecycle' });
    const admin = me.role === 'admin';
    return h('section', { id: 'lifecycle', class: 'card', 'aria-labelledby': 'lifecycle-h' },
      h('h2', { id: 'lifecycle-h' }, 'Next step'),
      page.transitions.map((t) => {
        const missingId = `missing-${t.to}`;
        return h('div', { class: 'stack transition', 'data-to': t.to },
          may.transition && h('div', { class: 'row' },
            h('button', { type: 'button', class: t.to === 'cancelled' ? null : 'primary', id: `to-${t.to}`,
              disabled: !t.allowed, 'aria-describedby': t.missing.length ? missingId : null,
              on: { click: () => move(e, t.to) } }, LABEL[t.to] ?? t.to),
            admin && !t.allowed && h('button', { type: 'button', id: `force-${t.to}`,
              on: { click: () => move(e, t.to, true) } }, `Force ${t.to}…`)),
          !may.transition && h('p', {}, `Next: ${t.to}`, t.allowed ? ' (ready)' : ''),
          t.missing.length > 0 && h('ul', { id: missingId, class: 'missing', 'aria-label': `Still needed for ${t.to}` },
            t.missing.map((m) => h('li', {}, m.message))));
      }));
  }

  async function move(e, to, force = false) {
    if (to === 'cancelled' || force) {
      const reason = h('textarea', { id: 'reason', required: true, maxlength: 500, rows: 3 });
      await openModal({
        title: force ? `Force the event to ${to}` : 'Cancel this event',
        content: h('div', { class: 'stack' },
          force && h('p', {}, 'The guards are skipped; the reason and what was missing are kept in the audit log.'),
          to === 'cancelled' && h('p', {}, 'Everyone on the roster is told by email.'),
          h('label', { for: 'reason' }, 'Reason'), reason),
        actions: [{ label: force ? 'Force' : 'Cancel event', primary: true, run: async () => {
          await api('POST', `/api/events/${e.id}/transition`, { to, reason: reason.value, ...(force ? { force: true } : {}) });
          await reload(`The event is ${to} now.`);
        } }],
      });
      return;
    }
    try {
      await api('POST', `/api/events/${e.id}/transition`, { to });
      await reload(`The event is ${to} now.`);
    } catch (err) {
      status.textContent = errorText(err);
      await reload(errorText(err));
    }
  }

  async function edit(e) {
    const tz = e.time_zone;
    const f = {
      title: h('input', { id: 'ed-title', value: e.title, maxlength: 200 }),
      notes: h('textarea', { id: 'ed-notes', rows: 3, maxlength: 4000 }),
      meetup_place: h('input', { id: 'ed-meetup-place', value: e.meetup_place, maxlength: 200 }),
      departure_at: h('input', { id: 'ed-departure', type: 'datetime-local', value: toLocalInput(e.departure_at, tz) }),
      return_at: h('input', { id: 'ed-return', type: 'datetime-local', value: toLocalInput(e.return_at, tz) }),
      crew_min: h('input', { id: 'ed-crew-min', type: 'number', min: 0, max: 50, value: String(e.crew_min) }),
      crew_max: h('input', { id: 'ed-crew-max', type: 'number', min: 0, max: 50, value: String(e.crew_max) }),
      guest_max: h('input', { id: 'ed-guest-max', type: 'number', min: 0, max: 500, value: String(e.guest_max) }),
      silent: h('input', { id: 'ed-silent', type: 'checkbox' }),
    };
    f.notes.value = e.notes;
    await openModal({
      title: 'Edit event',
      content: h('div', { class: 'stack' },
        h('label', { for: 'ed-title' }, 'Title'), f.title,
        h('label', { for: 'ed-notes' }, 'Notes'), f.notes,
        h('label', { for: 'ed-meetup-place' }, 'Meetup place'), f.meetup_place,
        h('label', { for: 'ed-departure' }, `Departure (${tz})`), f.departure_at,
        h('label', { for: 'ed-return' }, `Return (${tz})`), f.return_at,
        h('label', { for: 'ed-crew-min' }, 'Crew minimum'), f.crew_min,
        h('label', { for: 'ed-crew-max' }, 'Crew maximum'), f.crew_max,
        h('label', { for: 'ed-guest-max' }, 'Guests at most'), f.guest_max,
        h('label', { class: 'row' }, f.silent, 'Silent: do not email the roster about new times')),
      actions: [{ label: 'Save', primary: true, run: async () => {
        const body = {};
        if (f.title.value !== e.title) body.title = f.title.value;
        if (f.notes.value !== e.notes) body.notes = f.notes.value;
        if (f.meetup_place.value !== e.meetup_place) body.meetup_place = f.meetup_place.value;
        const dep = fromLocalInput(f.departure_at.value, tz);
        const ret = fromLocalInput(f.return_at.value, tz);
        if (dep && Date.parse(dep) !== Date.parse(e.departure_at)) body.departure_at = dep;
        if (ret && Date.parse(ret) !== Date.parse(e.return_at)) body.return_at = ret;
        for (const k of ['crew_min', 'crew_max', 'guest_max']) {
          if (Number(f[k].value) !== e[k]) body[k] = Number(f[k].value);
        }
        if (Object.keys(body).length === 0) return true;
        if (f.silent.checked) body.silent = true;
        await api('PATCH', `/api/events/${e.id}`, body);
        await reload('Saved.');
        return true;
      } }],
    });
  }

  async function copy(e) {
    const tz = e.time_zone;
    const week = 7 * 24 * 3600e3;
    const dep = h('input', { id: 'cp-departure', type: 'datetime-local',
      value: toLocalInput(new Date(Date.parse(e.departure_at) + week).toISOString(), tz) });
    const ret = h('input', { id: 'cp-return', type: 'datetime-local',
      value: toLocalInput(new Date(Date.parse(e.return_at) + week).toISOString(), tz) });
    await openModal({
      title: 'Copy to new dates',
      content: h('div', { class: 'stack' },
        h('p', {}, 'A new draft with the same boat, texts and capacities; nobody on its roster yet.'),
        h('label', { for: 'cp-departure' }, `Departure (${tz})`), dep,
        h('label', { for: 'cp-return' }, `Return (${tz})`), ret),
      actions: [{ label: 'Copy', primary: true, run: async () => {
        const page = await api('POST', `/api/events/${e.id}/copy`,
          { departure_at: fromLocalInput(dep.value, tz), return_at: fromLocalInput(ret.value, tz) });
        location.assign(`/event.html?id=${encodeURIComponent(page.event.id)}`);
      } }],
    });
  }

  await reload();
}

/* waivers: issue 10's gaps (helper F) — the event's captain and admins see its party links */
function ownsLinks(page) {
  return me.role === 'admin'
    || (page.you.places ?? []).some((p) => p.role === 'captain' && ['claimed', 'designated', 'confirmed'].includes(p.state));
}
/* end waivers: issue 10's gaps (helper F) */

// "Departs in 2 h 05 min", "Back in 40 min", "Overdue by 12 min" …
function countdownText(e) {
  const now = Date.now();
  const dep = Date.parse(e.departure_at);
  const ret = Date.parse(e.return_at);
  const mins = (ms) => fmtDuration(Math.round(ms / 60_000));
  if (['cancelled', 'closed', 'returned'].includes(e.state)) return '';
  if (e.state === 'underway') {
    return now <= ret ? `Due back in ${mins(ret - now)}` : `Due back ${mins(now - ret)} ago`;
  }
  return now < dep ? `Departs in ${mins(dep - now)}` : `Departure was ${mins(now - dep)} ago`;
}

// last, once every constant above is initialised
const me = await startPage('events');
if (me) await main();
