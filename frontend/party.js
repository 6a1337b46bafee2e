// party.js — a party link's public page (party.html?t=TOKEN), phone first:
// the sail the link is for (title, boat, port, local times, seats left),
// then one form, name and email, for each person of the party; the answer
// is always "check your email" (the API never says whether the address had
// an account).  A refused field is named, marked and focused; a full or
// expired link says so and what to do.  Values go in as text (dom.js).

import { api } from './api.js';
import { h, replace, showFieldError, errorText } from './dom.js';

const main = document.getElementById('main');
const status = document.getElementById('party-status');
const token = new URLSearchParams(location.search).get('t') ?? '';
const path = `/api/party/${encodeURIComponent(token)}`;

const GONE = {
  link_expired: 'This party link has expired. Ask whoever sent it for a new one.',
  link_not_found: 'This party link does not work. Check that you opened the whole address, or ask for a new one.',
  link_full: 'Every seat of this party link is taken. Ask whoever sent it to make room.',
};

function sail(party) {
  const e = party.event;
  return h('section', { class: 'card', 'aria-labelledby': 'party-title' },
    h('h2', { id: 'party-title' }, e.title),
    h('p', {}, e.boat_name, ' from ', e.port_name),
    h('p', {}, 'Departs ', h('strong', {}, e.departure_local)),
    h('p', {}, 'Returns ', e.return_local),
    h('p', { class: 'muted' }, `Times in ${e.time_zone}. `,
      party.seats_left === 1 ? '1 seat left.' : `${party.seats_left} seats left.`));
}

function confirmation(email) {
  const head = h('h2', { id: 'party-done', tabindex: '-1' }, 'Check your email');
  replace(main,
    h('h1', {}, 'Ship Captain Crew'),
    h('section', { class: 'card', 'aria-labelledby': 'party-done' },
      head,
      h('p', {}, 'We sent a sign-in link to ', h('strong', {}, email), '.'),
      h('p', {}, 'Open it on this phone to see the sail and sign the waiver: you cannot board until it is signed.'),
      h('p', { class: 'muted' }, 'Someone else in your party? Open this page again for them.')));
  head.focus();
}

function form(party) {
  const name = h('input', { id: 'party-name', name: 'name', type: 'text', autocomplete: 'name', required: true,
    maxlength: 200, 'aria-describedby': 'party-error' });
  const email = h('input', { id: 'party-email', name: 'email', type: 'email', autocomplete: 'email', required: true,
    maxlength: 254, inputmode: 'email', 'aria-describedby': 'party-error' });
  const error = h('p', { id: 'party-error', class: 'error', role: 'alert' });
  const go = h('button', { type: 'submit', class: 'primary big' }, 'Join this sail');
  const f = h('form', { class: 'stack', novalidate: true, 'aria-labelledby': 'party-join' },
    h('h2', { id: 'party-join' }, 'Your details'),
    h('p', { class: 'muted' }, 'Each person gives their own name and email.'),
    h('label', { for: 'party-name' }, 'Your full name'), name,
    h('label', { for: 'party-email' }, 'Your email'), email,
    error, go);
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    for (const i of [name, email]) i.removeAttribute('aria-invalid');
    error.textContent = '';
    go.disabled = true;
    try {
      await api('POST', path, { name: name.value, email: email.value });
      confirmation(email.value.trim());
    } catch (err) {
      go.disabled = false;
      if (GONE[err.code]) {
        error.textContent = GONE[err.code];
      } else {
        showFieldError(error, err, /name/.test(err.code) ? name : /email/.test(err.code) ? email : null);
      }
    }
  });
  return f;
}

try {
  const party = await api('GET', path);
  status.textContent = 'You are invited to join this sail.';
  main.append(sail(party), form(party));
} catch (err) {
  status.textContent = GONE[err.code] ?? errorText(err);
}
