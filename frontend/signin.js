// signin.js — a magic link's landing page.  It takes the code out of the
// address bar and history at once, shows who the link is for, and redeems
// it only on a press of the button: opening the page spends nothing.

import { api } from './api.js';

const status = document.getElementById('signin-status');
const section = document.getElementById('signin-link');
const forWhom = document.getElementById('signin-for');
const go = document.getElementById('signin-go');
const code = new URLSearchParams(location.search).get('code');

// the code is single-use; it should not linger in history or be re-sent
history.replaceState(null, '', '/signin.html');

const USED = 'This link has expired or was already used. Ask for a new one on the home page.';

function refused(err) {
  section.hidden = true;
  status.textContent = err.code === 'invalid_code' ? USED : `Could not sign you in: ${err.message}`;
}

/* guests: where a guest's waiver link (purpose 'waiver', carrying an event)
   leads once signed in (helper C):
   the event page's you.next says what comes first (the API decides, so every
   page routes the same way): 'waiver' → the waiver page, else the event. */
let eventId = null;
async function nextStepUrl(id) {
  const enc = encodeURIComponent(id);
  try {
    const page = await api('GET', `/api/events/${enc}`);
    if (page.you?.next === 'waiver') return `/waiver.html?event=${enc}`;
  } catch { /* the event page says why */ }
  return `/event.html?id=${enc}`;
}
/* end guests */

async function redeem() {
  go.disabled = true;
  status.textContent = 'Signing you in…';
  try {
    const { user } = await api('POST', '/api/auth/redeem', { code });
    section.hidden = true;
    /* guests: a waiver link goes to the next step on its event (helper C) */
    if (eventId) {
      status.textContent = `Welcome${user.name ? `, ${user.name}` : ''}. Taking you to your sail…`;
      location.assign(await nextStepUrl(eventId));
      return;
    }
    /* end guests */
    status.textContent = `Welcome${user.name ? `, ${user.name}` : ''}. Taking you home…`;
    setTimeout(() => location.assign('/'), 600);
  } catch (err) {
    refused(err);
  }
}

if (!code) {
  status.textContent = 'This sign-in link has no code. Ask for a new one on the home page.';
} else {
  try {
    const { link } = await api('POST', '/api/auth/link', { code });
    eventId = link.purpose === 'waiver' ? link.event_id ?? null : null; /* guests (helper C) */
    forWhom.textContent = link.purpose === 'login'
      ? `This link signs in ${link.email}.`
      : link.purpose === 'waiver' /* guests (helper C) */
        ? `This link signs in ${link.email} to see their sail and sign its waiver.`
        : `An invitation for ${link.email} to join as ${link.role}.`;
    go.textContent = `Sign in as ${link.email}`;
    status.textContent = link.name ? `Hello, ${link.name}.` : 'Hello.';
    section.hidden = false;
    go.addEventListener('click', redeem, { once: true });
  } catch (err) {
    refused(err);
  }
}
