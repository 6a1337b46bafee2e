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

async function redeem() {
  go.disabled = true;
  status.textContent = 'Signing you in…';
  try {
    const { user } = await api('POST', '/api/auth/redeem', { code });
    section.hidden = true;
    const where = await landing();
    status.textContent = `Welcome${user.name ? `, ${user.name}` : ''}. ${where.say}`;
    setTimeout(() => location.assign(where.href), 600);
  } catch (err) {
    refused(err);
  }
}

/* waivers: signing (helper B): a link that carries an event lands on what
   comes next for the person there (the event page's you.next): the waiver
   while their place is on hold, else the event page */
let eventId = null;
async function landing() {
  if (!eventId) return { href: '/', say: 'Taking you home…' };
  const eventHref = `/event.html?id=${encodeURIComponent(eventId)}`;
  try {
    const page = await api('GET', `/api/events/${encodeURIComponent(eventId)}`);
    if (page.you?.next === 'waiver') {
      return { href: `/waiver.html?event=${encodeURIComponent(eventId)}`, say: 'Taking you to the waiver…' };
    }
    return { href: eventHref, say: 'Taking you to your sail…' };
  } catch {
    return { href: '/', say: 'Taking you home…' };
  }
}
/* end waivers: signing (helper B) */

if (!code) {
  status.textContent = 'This sign-in link has no code. Ask for a new one on the home page.';
} else {
  try {
    const { link } = await api('POST', '/api/auth/link', { code });
    eventId = link.event_id ?? null; // waivers: signing (helper B)
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
