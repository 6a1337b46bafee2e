// admin-users.js — people and invites (admin-users.html), for admins.
// Search by name or email (GET /api/users?q=&limit=&offset=), change a
// person's role (PATCH /api/users/:id), disable an account with a reason
// (POST /api/users/:id/disable: their sessions end), and invite someone by
// email with a role and optionally an event (POST /api/invites: the invite
// mail carries the link).  Every refusal is shown with the API's words.

import { api } from './api.js';
import { h, replace, errorText, showFieldError, fmtDate } from './dom.js';
import { openModal } from './modal.js';
import { atLeast, startPage } from './shell.js';

const ROLES = ['guest', 'crew', 'captain', 'admin'];
const PAGE = 20;
const localZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

const me = await startPage('admin');
const main = document.getElementById('main');

if (me && !atLeast(me.role, 'admin')) {
  replace(main, h('h1', {}, 'People and invites'), h('p', {}, 'This page is for admins.'));
} else if (me) {
  const status = h('p', { id: 'users-status', role: 'status', 'aria-live': 'polite' });
  const error = h('p', { id: 'users-error', class: 'error', role: 'alert' });
  const list = h('ul', { id: 'users-list', class: 'stack plain', 'aria-label': 'People' });
  const more = h('button', { type: 'button', hidden: true }, 'Show more');
  const q = h('input', { id: 'users-q', type: 'search', name: 'q', maxlength: 200, autocomplete: 'off' });
  let offset = 0;
  let total = 0;

  async function load(append) {
    error.textContent = '';
    try {
      const params = new URLSearchParams({ q: q.value.trim(), limit: String(PAGE), offset: String(offset) });
      const page = await api('GET', `/api/users?${params}`);
      total = page.total;
      const items = page.items.map(personItem);
      if (append) list.append(...items); else replace(list, items);
      offset += page.items.length;
      more.hidden = offset >= total;
      const searched = q.value.trim() !== '';
      const many = total === 1 ? (searched ? 'person matches' : 'person') : (searched ? 'people match' : 'people');
      status.textContent = total === 0 ? 'Nobody matches.' : `${total} ${many}; showing ${offset}.`;
    } catch (err) {
      error.textContent = errorText(err);
    }
  }

  function personItem(u) {
    const select = h('select', { id: `role-${u.id}`, name: 'role', disabled: u.id === me.id || !!u.disabled_at },
      ROLES.map((r) => h('option', { value: r, selected: r === u.role }, r)));
    const itemStatus = h('p', { role: 'status', 'aria-live': 'polite', class: 'muted' });
    const itemError = h('p', { class: 'error', role: 'alert' });
    const change = h('button', { type: 'button', disabled: u.id === me.id || !!u.disabled_at,
      on: { click: async () => {
        itemError.textContent = '';
        itemStatus.textContent = '';
        change.disabled = true;
        try {
          const saved = await api('PATCH', `/api/users/${u.id}`, { role: select.value });
          select.value = saved.role;
          itemStatus.textContent = `${label(saved)} is now ${saved.role}.`;
        } catch (err) {
          itemError.textContent = errorText(err);
          select.value = u.role;
        } finally {
          change.disabled = false;
        }
      } } }, 'Change role');
    const disable = !u.disabled_at && u.id !== me.id && h('button', { type: 'button',
      on: { click: () => disableDialog(u) } }, 'Disable');
    return h('li', { class: 'card' },
      h('p', {}, h('strong', {}, label(u)), ' ', u.name ? h('span', { class: 'muted' }, u.email) : null),
      h('p', { class: 'muted' }, u.phone ? `${u.phone} · ` : '', `since ${fmtDate(u.created_at, localZone)}`,
        u.disabled_at ? [' · ', h('span', { class: 'badge' }, `disabled ${fmtDate(u.disabled_at, localZone)}`)] : null,
        u.id === me.id ? ' · you' : null),
      h('div', { class: 'row' },
        h('label', { for: `role-${u.id}`, class: 'visually-hidden' }, `Role of ${label(u)}`),
        select, change, disable),
      itemStatus, itemError);
  }

  async function disableDialog(u) {
    const reason = h('textarea', { id: 'disable-reason', rows: 3, maxlength: 1000 });
    const done = await openModal({
      title: `Disable ${label(u)}?`,
      content: h('div', { class: 'stack' },
        h('p', {}, 'They are signed out everywhere and can no longer sign in. Their history stays.'),
        h('label', { for: 'disable-reason' }, 'Reason (kept in the audit log)'),
        reason),
      actions: [{ label: 'Disable', primary: true,
        run: () => api('POST', `/api/users/${u.id}/disable`, { reason: reason.value }) }],
    });
    if (done) {
      offset = 0;
      await load(false);
      status.textContent = `${label(u)} is disabled. ${status.textContent}`;
    }
  }

  more.addEventListener('click', () => load(true));
  const search = h('form', { role: 'search', class: 'row', on: { submit: (e) => {
    e.preventDefault();
    offset = 0;
    load(false);
  } } },
  h('label', { for: 'users-q' }, 'Search by name or email'), q,
  h('button', { type: 'submit' }, 'Search'));

  replace(main,
    h('h1', {}, 'People and invites'),
    inviteForm(),
    h('section', { 'aria-labelledby': 'people-title' },
      h('h2', { id: 'people-title' }, 'People'),
      search, status, error, list, more));
  await load(false);
}

function label(u) {
  return u.name || u.email;
}

function inviteForm() {
  const email = h('input', { id: 'inv-email', type: 'email', name: 'email', required: true, maxlength: 254,
    autocomplete: 'off' });
  const name = h('input', { id: 'inv-name', type: 'text', name: 'name', maxlength: 200, autocomplete: 'off' });
  const role = h('select', { id: 'inv-role', name: 'role' },
    ROLES.map((r) => h('option', { value: r, selected: r === 'crew' }, r)));
  const event = h('input', { id: 'inv-event', type: 'text', name: 'event_id', autocomplete: 'off',
    inputmode: 'text', 'aria-describedby': 'inv-event-hint', pattern: '[0-9a-fA-F-]{36}' });
  const status = h('p', { id: 'invite-status', role: 'status', 'aria-live': 'polite' });
  const error = h('p', { id: 'invite-error', class: 'error', role: 'alert' });
  const send = h('button', { type: 'submit', class: 'primary' }, 'Send invite');
  const fieldOf = { invalid_email: email, email_required: email, invalid_name: name, invalid_role: role,
    invalid_event_id: event };

  return h('form', { class: 'card stack', 'aria-labelledby': 'invite-title', novalidate: true, on: { submit: async (e) => {
    e.preventDefault();
    status.textContent = '';
    error.textContent = '';
    for (const input of [email, name, role, event]) input.removeAttribute('aria-invalid');
    send.disabled = true;
    try {
      const body = { email: email.value.trim(), role: role.value };
      if (name.value.trim()) body.name = name.value.trim();
      if (event.value.trim()) body.event_id = event.value.trim();
      const sent = await api('POST', '/api/invites', body);
      status.textContent = `Invite sent to ${sent.email} as ${sent.role}; the link works until ${fmtDate(sent.expires_at, localZone)}.`;
      email.value = '';
      name.value = '';
      event.value = '';
    } catch (err) {
      showFieldError(error, err, fieldOf[err.code]);
    } finally {
      send.disabled = false;
    }
  } } },
  h('h2', { id: 'invite-title' }, 'Invite someone'),
  h('label', { for: 'inv-email' }, 'Email'), email,
  h('label', { for: 'inv-name' }, 'Name (optional)'), name,
  h('label', { for: 'inv-role' }, 'Role'), role,
  h('label', { for: 'inv-event' }, 'Event id (optional)'), event,
  h('p', { id: 'inv-event-hint', class: 'muted' }, 'To invite someone onto one sail: the id from the event page\'s address.'),
  h('div', { class: 'row' }, send),
  status, error);
}
