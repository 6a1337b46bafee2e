// settings.js — your own settings (settings.html): name, phone and
// notification emails (GET /api/me/profile, PATCH /api/me), and your
// calendar feed (GET /api/me/calendar, POST /api/me/calendar/reset).
//
// The feed's link holds a secret token the server keeps only hashed, so it
// is shown once, right after it is made; making a new one (a reset) stops
// the old link.  The full address is built here from this site's origin;
// webcal:// is the same address for calendar apps to subscribe to.

import { api } from './api.js';
import { h, replace, errorText, showFieldError, fmtDateTime } from './dom.js';
import { openModal } from './modal.js';
import { startPage } from './shell.js';

const FIELD_OF = { invalid_name: 'name', invalid_phone: 'phone', invalid_notify_email: 'notify' };
const localZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

const me = await startPage('settings');
if (me) {
  const main = document.getElementById('main');
  try {
    const [profile, calendar] = await Promise.all([
      api('GET', '/api/me/profile'), api('GET', '/api/me/calendar')]);
    replace(main, h('h1', {}, 'Settings'), profileForm(profile), calendarSection(calendar));
  } catch (err) {
    replace(main, h('h1', {}, 'Settings'), h('p', { class: 'error', role: 'alert' }, errorText(err)));
  }
}

function profileForm(profile) {
  const inputs = {
    name: h('input', { id: 'set-name', name: 'name', type: 'text', autocomplete: 'name', required: true,
      maxlength: 200, value: profile.name ?? '', 'aria-describedby': 'set-name-hint' }),
    phone: h('input', { id: 'set-phone', name: 'phone', type: 'tel', autocomplete: 'tel', maxlength: 40,
      value: profile.phone ?? '', 'aria-describedby': 'set-phone-hint' }),
    notify: h('input', { id: 'set-notify', name: 'notify_email', type: 'checkbox',
      checked: profile.notify_email, 'aria-describedby': 'set-notify-hint' }),
  };
  const status = h('p', { id: 'profile-status', role: 'status', 'aria-live': 'polite' });
  const error = h('p', { id: 'profile-error', class: 'error', role: 'alert' });
  const save = h('button', { type: 'submit', class: 'primary' }, 'Save');

  const form = h('form', { class: 'card stack', 'aria-labelledby': 'you-title', novalidate: true, on: { submit: async (e) => {
    e.preventDefault();
    for (const input of Object.values(inputs)) input.removeAttribute('aria-invalid');
    status.textContent = '';
    error.textContent = '';
    save.disabled = true;
    try {
      const saved = await api('PATCH', '/api/me', {
        name: inputs.name.value,
        phone: inputs.phone.value.trim() === '' ? null : inputs.phone.value,
        notify_email: inputs.notify.checked,
      });
      inputs.name.value = saved.name;
      inputs.phone.value = saved.phone ?? '';
      inputs.notify.checked = saved.notify_email;
      status.textContent = `Saved. Notification emails are ${saved.notify_email ? 'on' : 'off'}.`;
    } catch (err) {
      showFieldError(error, err, inputs[FIELD_OF[err.code]]);
    } finally {
      save.disabled = false;
    }
  } } },
  h('h2', { id: 'you-title' }, 'You'),
  h('p', {}, 'Signed in as ', h('strong', {}, profile.email), ' ', h('span', { class: 'muted' }, `(${profile.role})`)),
  h('label', { for: 'set-name' }, 'Name'),
  inputs.name,
  h('p', { id: 'set-name-hint', class: 'muted' }, 'How captains and crews see you on a roster.'),
  h('label', { for: 'set-phone' }, 'Phone'),
  inputs.phone,
  h('p', { id: 'set-phone-hint', class: 'muted' }, 'Optional. Digits, an optional leading +, spaces, dots, dashes or parentheses.'),
  h('div', { class: 'row check' }, inputs.notify, h('label', { for: 'set-notify' }, 'Send me notification emails')),
  h('p', { id: 'set-notify-hint', class: 'muted' },
    'Designations, waitlist promotions, changed or cancelled sails. Sign-in links always come.'),
  h('div', { class: 'row' }, save),
  status,
  error);
  return form;
}

function calendarSection(calendar) {
  const status = h('p', { id: 'calendar-status', role: 'status', 'aria-live': 'polite' });
  const error = h('p', { id: 'calendar-error', class: 'error', role: 'alert' });
  const shown = h('div', { id: 'calendar-link', class: 'stack' });
  const since = h('p', { id: 'calendar-since' });
  const button = h('button', { id: 'calendar-make', type: 'button' });

  const describe = (c) => {
    since.textContent = c.exists
      ? `You made a calendar link on ${fmtDateTime(c.created_at, localZone)}. It is shown only once; `
        + 'make a new one if you need it again (the old one then stops working).'
      : 'You have no calendar link yet.';
    button.textContent = c.exists ? 'Make a new calendar link' : 'Make a calendar link';
  };

  const make = async () => {
    const made = await api('POST', '/api/me/calendar/reset');
    const url = `${location.origin}${made.path}`;
    const webcal = `webcal://${location.host}${made.path}`;
    const field = h('input', { id: 'calendar-url', type: 'text', readonly: true, value: url,
      'aria-describedby': 'calendar-url-hint', on: { focus: (e) => e.target.select() } });
    const copy = h('button', { type: 'button', on: { click: async () => {
      try {
        await navigator.clipboard.writeText(url);
        status.textContent = 'Link copied.';
      } catch {
        field.focus();
        field.select();
        status.textContent = 'Select the link and copy it.';
      }
    } } }, 'Copy link');
    replace(shown,
      h('label', { for: 'calendar-url' }, 'Your calendar link'),
      field,
      h('p', { id: 'calendar-url-hint', class: 'muted' },
        'Keep it to yourself: whoever has it sees your sails. It is shown only now.'),
      h('div', { class: 'row' }, copy,
        h('a', { id: 'calendar-webcal', href: webcal }, 'Subscribe in your calendar app')));
    describe({ exists: true, created_at: made.created_at });
    status.textContent = 'Your new calendar link is ready below.';
    field.focus();
  };

  button.addEventListener('click', async () => {
    error.textContent = '';
    status.textContent = '';
    if (button.textContent.startsWith('Make a new')) {
      await openModal({
        title: 'Make a new calendar link?',
        content: h('p', {}, 'Calendars subscribed to your current link will stop receiving your sails '
          + 'until you subscribe them to the new one.'),
        actions: [{ label: 'Make a new link', primary: true, run: make }],
      });
      return;
    }
    button.disabled = true;
    try {
      await make();
    } catch (err) {
      error.textContent = errorText(err);
    } finally {
      button.disabled = false;
    }
  });

  describe(calendar);
  return h('section', { class: 'card stack', 'aria-labelledby': 'calendar-title' },
    h('h2', { id: 'calendar-title' }, 'Calendar'),
    h('p', {}, 'Your sails in your phone\'s calendar: a private link your calendar app reads every hour. '
      + 'Waitlisted places show as tentative, cancelled sails as cancelled.'),
    since,
    h('div', { class: 'row' }, button),
    shown,
    status,
    error);
}
