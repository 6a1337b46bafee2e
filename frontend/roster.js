// roster.js — the event page's roster: each role's fill against its
// capacity, who holds a place and in which state, the waitlist with its
// positions; and what the person looking may do about it:
//   - claim a place (the claim modal: pick a role, see its capacity and the
//     waitlist position a claim would get),
//   - accept a designation, release their place (the cutoff explained) or
//     leave the waitlist,
//   - as the event's captain or an admin: designate someone (search people
//     or type an email, pick the role) and remove someone,
//   - as an admin: override (add, remove, move; past capacity; a reason;
//     silent).
// Reads the "roster", "you" and "event" parts of GET /api/events/:id
// (sql: scc.event_roster_json, scc.event_you_json); every change goes
// through the roster routes (sql/migrations/016_roster.sql), then reload().

import { api } from './api.js';
import { h, replace, fillBar, badge, fmtDateTime, errorText } from './dom.js';
import { openModal } from './modal.js';

const ROLES = [['captain', 'Captain'], ['crew', 'Crew'], ['guest', 'Guests']];
const LABEL = Object.fromEntries(ROLES);
const NOUN = { captain: 'captain', crew: 'crew', guest: 'guest' };
const STATE_TEXT = {
  confirmed: 'confirmed', designated: 'designated, not accepted yet', claimed: 'claimed',
  waitlisted: 'waitlisted',
};

/* guests: the hold badge's words, by scc.guest_hold's code (helper C) */
const HOLD_TEXT = {
  waiver_missing: 'on hold: waiver not signed', waiver_outdated: 'on hold: waiver outdated',
  minors_not_covered: 'on hold: minors not covered', minor_now_adult: 'on hold: a minor is now an adult',
};

// One live region per section, kept across re-renders so that what a change
// did is announced after reload() draws the roster again.
const statusOf = new WeakMap();
function statusFor(section) {
  if (!statusOf.has(section)) statusOf.set(section, h('p', { class: 'roster-status', role: 'status', 'aria-live': 'polite' }));
  return statusOf.get(section);
}

// renderRoster(section, page, reload): draws into section from the event
// page's JSON; reload() fetches the page again (and calls this again).
export function renderRoster(section, page, reload) {
  const { capacity, people } = page.roster;
  const ev = page.event;
  const you = page.you ?? { places: [], may: {} };
  const may = you.may ?? {};
  const status = statusFor(section);
  const ctx = { section, page, reload, status, ev, tz: ev.time_zone };
  const mine = new Set((you.places ?? []).map((p) => p.id));
  // the roster changes until boarding ends (the routes say 409 event_not_open after)
  const open = ['draft', 'scheduled', 'boarding'].includes(ev.state);
  ctx.open = open;

  replace(section,
    h('h2', { id: 'roster-title' }, 'Roster'),
    yourPlace(ctx, you, may),
    h('div', { class: 'row roster-actions' },
      (may.claim ?? []).length > 0 && h('button', { type: 'button', class: 'primary',
        on: { click: () => claimModal(ctx, may.claim) } }, 'Claim a place'),
      open && may.designate && h('button', { type: 'button', on: { click: () => designateModal(ctx) } }, 'Designate someone'),
      may.override && h('button', { type: 'button', on: { click: () => overrideModal(ctx) } }, 'Override')),
    status,
    ROLES.filter(([role]) => capacity[role].max > 0 || capacity[role].filled > 0 || capacity[role].waitlisted > 0)
      .map(([role, label]) => {
        const c = capacity[role];
        const holders = people.filter((p) => p.role === role && p.state !== 'waitlisted');
        const waiting = people.filter((p) => p.role === role && p.state === 'waitlisted');
        const full = c.filled >= c.max;
        const person = (p) => h('li', { 'data-place': p.id },
          h('span', { class: 'person' }, p.name || 'Unnamed', mine.has(p.id) ? ' (you)' : ''), ' ',
          badge(p.state, STATE_TEXT[p.state] ?? p.state),
          /* guests: who is on waiver hold (helper C) */
          p.hold && [' ', badge('hold', HOLD_TEXT[p.hold] ?? 'on hold')],
          open && may.designate && !mine.has(p.id) && h('button', { type: 'button', class: 'link',
            'aria-label': `Remove ${p.name || 'Unnamed'} from ${LABEL[role].toLowerCase()}`,
            on: { click: () => removeModal(ctx, p) } }, 'Remove'));
        return h('div', { class: 'card', 'data-role': role },
          fillBar(label, c.filled, c.max),
          h('p', { class: 'muted' },
            role === 'crew' && c.min > 0 ? `At least ${c.min} needed. ` : '',
            full ? (c.filled > c.max ? 'Over capacity. ' : 'Full. ') : `${c.max - c.filled} free. `,
            c.waitlisted > 0 ? `${c.waitlisted} waiting.` : ''),
          holders.length
            ? h('ul', { 'aria-label': `${label}: on board` }, holders.map(person))
            : h('p', { class: 'muted' }, 'Nobody yet.'),
          waiting.length > 0 && h('h3', {}, `${label} waitlist`),
          waiting.length > 0 && h('ol', { 'aria-label': `${label} waitlist, in order` }, waiting.map(person)));
      }));
}

// What the person looking holds, and the buttons for it.
function yourPlace(ctx, you, may) {
  const places = you.places ?? [];
  if (places.length === 0) return null;
  const cutoff = ctx.ev.release_cutoff_at;
  return places.map((p) => {
    const role = NOUN[p.role] ?? p.role;
    let text;
    if (p.state === 'waitlisted') text = `You are number ${p.position} on the ${role} waitlist.`;
    else if (p.state === 'designated') text = `You have been designated ${role}. Accept the place, or release it if you cannot come.`;
    else text = `You hold a ${role} place (${p.state}).`;
    const canRelease = may.release;
    return h('div', { class: 'card you', 'data-your-place': p.state },
      h('p', {}, text),
      ctx.open && p.state !== 'waitlisted' && !canRelease && cutoff && h('p', { class: 'muted' },
        `The release cutoff was ${fmtDateTime(cutoff, ctx.tz)}: ask the event's captain to release you.`),
      h('div', { class: 'row' },
        ctx.open && p.state === 'designated' && h('button', { type: 'button', class: 'primary',
          on: { click: () => act(ctx, () => api('POST', placePath(ctx, p.role, 'accept')),
            () => `You accepted the ${role} place.`) } }, 'Accept'),
        canRelease && h('button', { type: 'button',
          on: { click: () => releaseModal(ctx, p) } },
        p.state === 'waitlisted' ? 'Leave the waitlist' : 'Release my place')));
  });
}

// A form's own refusal, shown in the dialog like an API's.
function formError(message) {
  return Object.assign(new Error(message), { status: 0, code: 'form' });
}

function placePath(ctx, role, verb) {
  return `/api/events/${encodeURIComponent(ctx.ev.id)}/roles/${encodeURIComponent(role)}/${verb}`;
}

// Runs a change, reloads the page, then says what happened (or what went wrong).
async function act(ctx, run, said) {
  let answer;
  try {
    answer = await run();
  } catch (err) {
    ctx.status.textContent = errorText(err);
    ctx.status.classList.add('error');
    return false;
  }
  await ctx.reload();
  ctx.status.classList.remove('error');
  ctx.status.textContent = said(answer);
  return true;
}

// The claim modal: one radio per role the person may claim, with its
// capacity and, when full, the waitlist position a claim would get.
function claimModal(ctx, roles) {
  const { capacity } = ctx.page.roster;
  const name = `claim-role-${Math.random().toString(36).slice(2)}`;
  const choices = roles.map((role, i) => {
    const c = capacity[role];
    const full = c.filled >= c.max;
    const id = `${name}-${role}`;
    return h('div', { class: 'choice' },
      h('input', { type: 'radio', name, id, value: role, checked: i === 0 }),
      h('label', { for: id }, LABEL[role] ?? role, ' ',
        h('span', { class: 'muted' }, `${c.filled} of ${c.max} filled`,
          full ? ` — full: you would be number ${c.waitlisted + 1} on the waitlist` : ` — ${c.max - c.filled} free`)));
  });
  const cutoff = ctx.ev.release_cutoff_at;
  openModal({
    title: 'Claim a place',
    content: h('div', { class: 'stack' },
      h('fieldset', {}, h('legend', {}, 'Role'), choices),
      cutoff && h('p', { class: 'muted' },
        `You can release your place yourself until ${fmtDateTime(cutoff, ctx.tz)}; after that only the captain can. `,
        'A place on the waitlist can be left at any time.')),
    actions: [{ label: 'Claim', primary: true, run: async () => {
      const role = choices.map((c) => c.querySelector('input')).find((i) => i.checked)?.value;
      const r = await api('POST', placePath(ctx, role, 'claim'));
      await ctx.reload();
      ctx.status.classList.remove('error');
      ctx.status.textContent = r.place.state === 'waitlisted'
        ? `${LABEL[role]} is full: you are number ${r.place.position} on the waitlist. You get the seat, and an email, if one frees.`
        : `You hold a ${NOUN[role]} place.`;
    } }],
  });
}

function reasonField(label, { required = false } = {}) {
  const id = `reason-${Math.random().toString(36).slice(2)}`;
  const input = h('textarea', { id, name: 'reason', rows: 2, maxlength: 500, required: required || null });
  return { input, node: h('label', { for: id }, label, input) };
}

// Releasing one's own place, with the cutoff spelled out.
function releaseModal(ctx, p) {
  const waiting = p.state === 'waitlisted';
  const reason = reasonField('Reason (optional, the captain sees it)');
  const cutoff = ctx.ev.release_cutoff_at;
  openModal({
    title: waiting ? 'Leave the waitlist' : 'Release your place',
    content: h('div', { class: 'stack' },
      h('p', {}, waiting
        ? `You leave the ${NOUN[p.role]} waitlist (you are number ${p.position}).`
        : `You give up your ${NOUN[p.role]} place. The first person on the waitlist gets it and is told.`),
      !waiting && cutoff && h('p', { class: 'muted' },
        `Holders can release until ${fmtDateTime(cutoff, ctx.tz)}; after that only the event's captain or an admin can.`),
      reason.node),
    actions: [{ label: waiting ? 'Leave the waitlist' : 'Release', primary: true, run: async () => {
      const body = reason.input.value.trim() ? { reason: reason.input.value.trim() } : {};
      await api('POST', placePath(ctx, p.role, 'release'), body);
      await ctx.reload();
      ctx.status.classList.remove('error');
      ctx.status.textContent = waiting ? 'You left the waitlist.' : `You released your ${NOUN[p.role]} place.`;
    } }],
  });
}

// The event's captain or an admin takes someone off the roster.
function removeModal(ctx, person) {
  const reason = reasonField('Reason (they are told)');
  openModal({
    title: `Remove ${person.name || 'Unnamed'}`,
    content: h('div', { class: 'stack' },
      h('p', {}, `${person.name || 'Unnamed'} loses their ${NOUN[person.role]} place (${person.state}) and gets an email.`,
        person.state !== 'waitlisted' ? ' The first person on the waitlist takes the seat.' : ''),
      reason.node),
    actions: [{ label: 'Remove', primary: true, run: async () => {
      const body = { user_id: person.user_id };
      if (reason.input.value.trim()) body.reason = reason.input.value.trim();
      await api('POST', placePath(ctx, person.role, 'release'), body);
      await ctx.reload();
      ctx.status.classList.remove('error');
      ctx.status.textContent = `${person.name || 'Unnamed'} is off the roster.`;
    } }],
  });
}

function roleSelect(label, roles, selected) {
  const id = `role-${Math.random().toString(36).slice(2)}`;
  const select = h('select', { id, name: 'role' },
    roles.map((r) => h('option', { value: r, selected: r === selected }, LABEL[r])));
  return { select, node: h('label', { for: id }, label, select) };
}

// A search box over GET /api/events/:id/candidates, with the results as
// radio buttons; pick() answers the chosen person or null.
function candidatePicker(ctx, legend) {
  const id = `cand-${Math.random().toString(36).slice(2)}`;
  const results = h('div', { class: 'candidates', role: 'group', 'aria-label': 'Matching people' });
  const note = h('p', { class: 'muted', 'aria-live': 'polite' });
  let found = [];
  let timer = null;
  let seq = 0;
  const search = async () => {
    const mySeq = ++seq;
    try {
      const q = input.value.trim();
      const r = await api('GET', `/api/events/${encodeURIComponent(ctx.ev.id)}/candidates?q=${encodeURIComponent(q)}`);
      if (mySeq !== seq) return;
      const chosen = results.querySelector('input:checked')?.value;
      found = r.candidates;
      replace(results, found.map((c, i) => h('div', { class: 'choice' },
        h('input', { type: 'radio', name: id, id: `${id}-${i}`, value: c.id, checked: c.id === chosen }),
        h('label', { for: `${id}-${i}` }, c.name || c.email, ' ', h('span', { class: 'muted' }, `${c.email} · ${c.role}`)))));
      note.textContent = found.length ? `${found.length} found.` : 'Nobody matches (people already on the event are not listed).';
    } catch (err) {
      note.textContent = errorText(err);
    }
  };
  const input = h('input', { type: 'search', id, name: 'q', autocomplete: 'off',
    on: { input: () => { clearTimeout(timer); timer = setTimeout(search, 250); } } });
  search();
  return {
    node: h('div', { class: 'stack' }, h('label', { for: id }, legend, input), note, results),
    pick: () => {
      const chosen = results.querySelector('input:checked');
      return chosen ? found.find((c) => c.id === chosen.value) : null;
    },
  };
}

// The designate workflow: find a person or type an email, pick the role.
function designateModal(ctx) {
  const role = roleSelect('Role', ['crew', 'captain'], 'crew');
  const picker = candidatePicker(ctx, 'Search people by name or email');
  const emailId = `email-${Math.random().toString(36).slice(2)}`;
  const nameId = `name-${Math.random().toString(36).slice(2)}`;
  const email = h('input', { type: 'email', id: emailId, name: 'email', autocomplete: 'off' });
  const name = h('input', { type: 'text', id: nameId, name: 'name', autocomplete: 'off', maxlength: 200 });
  openModal({
    title: 'Designate someone',
    content: h('div', { class: 'stack' },
      role.node,
      picker.node,
      h('fieldset', {}, h('legend', {}, 'Or invite someone new'),
        h('label', { for: emailId }, 'Email', email),
        h('label', { for: nameId }, 'Name (optional)', name),
        h('p', { class: 'muted' }, 'They get an account with this role and an invitation carrying this event.'))),
    actions: [{ label: 'Designate', primary: true, run: async () => {
      const who = picker.pick();
      const body = { role: role.select.value };
      if (email.value.trim()) {
        body.email = email.value.trim();
        if (name.value.trim()) body.name = name.value.trim();
      } else if (who) {
        body.user_id = who.id;
      } else {
        throw formError('Pick a person from the list, or type an email.');
      }
      const r = await api('POST', `/api/events/${encodeURIComponent(ctx.ev.id)}/designate`, body);
      await ctx.reload();
      ctx.status.classList.remove('error');
      ctx.status.textContent = r.invited
        ? `Invited ${r.user.name || r.user.email} as ${NOUN[r.place.role]}: an email with a sign-in link is on its way.`
        : `Designated ${r.user.name || r.user.email} as ${NOUN[r.place.role]}; they are asked to accept.`;
    } }],
  });
}

// Admin override: add (anyone, past capacity), remove or move someone on
// the roster; a reason always; silent sends no email.
function overrideModal(ctx) {
  const { people } = ctx.page.roster;
  const group = `ov-action-${Math.random().toString(36).slice(2)}`;
  const actions = [['add', 'Add someone'], ['remove', 'Remove someone'], ['move', 'Move someone to another role']];
  const radios = actions.map(([value, label], i) => h('div', { class: 'choice' },
    h('input', { type: 'radio', name: group, id: `${group}-${value}`, value, checked: i === 0,
      on: { change: () => show() } }),
    h('label', { for: `${group}-${value}` }, label)));
  const picker = candidatePicker(ctx, 'Search people by name or email');
  const onRosterId = `ov-person-${Math.random().toString(36).slice(2)}`;
  const onRoster = h('select', { id: onRosterId, name: 'person' },
    people.map((p) => h('option', { value: String(p.id) }, `${p.name || 'Unnamed'} — ${NOUN[p.role]}, ${p.state}`)));
  const onRosterNode = h('label', { for: onRosterId }, 'Person on the roster', onRoster);
  const role = roleSelect('Role', ['crew', 'captain'], 'crew');
  const reason = reasonField('Reason (required, kept in the audit log)', { required: true });
  const silentId = `ov-silent-${Math.random().toString(36).slice(2)}`;
  const silent = h('input', { type: 'checkbox', id: silentId, name: 'silent' });
  const action = () => radios.map((r) => r.querySelector('input')).find((i) => i.checked).value;
  const show = () => {
    const a = action();
    picker.node.hidden = a !== 'add';
    onRosterNode.hidden = a === 'add';
    role.node.hidden = a === 'remove';
  };
  show();
  openModal({
    title: 'Override the roster',
    content: h('div', { class: 'stack' },
      h('fieldset', {}, h('legend', {}, 'Action'), radios),
      picker.node, onRosterNode, role.node, reason.node,
      h('div', { class: 'choice' }, silent, h('label', { for: silentId }, 'Silent: send no email to anybody')),
      h('p', { class: 'muted' }, 'Overrides ignore capacity and are always audited.')),
    actions: [{ label: 'Apply', primary: true, run: async () => {
      const a = action();
      const text = reason.input.value.trim();
      if (!text) throw formError('An override needs a reason.');
      let userId;
      let placeRole = role.select.value;
      if (a === 'add') {
        const who = picker.pick();
        if (!who) throw formError('Pick a person from the list.');
        userId = who.id;
      } else {
        const p = people.find((x) => String(x.id) === onRoster.value);
        if (!p) throw formError('Pick a person on the roster.');
        userId = p.user_id;
        if (a === 'remove') placeRole = p.role;
      }
      await api('POST', `/api/events/${encodeURIComponent(ctx.ev.id)}/override`,
        { action: a, user_id: userId, role: placeRole, reason: text, silent: silent.checked });
      await ctx.reload();
      ctx.status.classList.remove('error');
      ctx.status.textContent = `Override applied (${a}${silent.checked ? ', silent' : ''}).`;
    } }],
  });
}
