// waiver-view.js — one signed waiver as a printable record (?id=), for its
// signer, the event's captain and admins (GET /api/waivers/:id; anyone
// else gets 404 and is told it was not found).  Every ESIGN/UETA element is
// shown: the version and the SHA-256 of its text, the text itself (through
// waivertext.js), the statements agreed to verbatim, the typed legal name,
// email, date of birth or the adult statement, the minors, the emergency
// contact, the server's time, the IP, the user agent, the token, the
// sign-in link and the session (its id and when its sign-in began), and
// what it supersedes or was superseded by.  The print
// stylesheet (style.css, "waivers: signing") drops the navigation.

import { api } from './api.js';
import { h, replace, fmtDateTime, errorText } from './dom.js';
import { startPage, param } from './shell.js';
import { renderWaiver } from './waivertext.js';

async function main() {
  const me = await startPage('events');
  if (!me) return;
  const root = document.getElementById('main');
  const id = param('id') ?? '';
  let data;
  try {
    data = await api('GET', `/api/waivers/${encodeURIComponent(id)}`);
  } catch (err) {
    replace(root, h('h1', {}, 'Signed waiver'), h('p', { class: 'error', role: 'alert' }, errorText(err)));
    return;
  }
  const { signature: s, version: v, event: ev } = data;
  const tz = ev.time_zone;
  const viewLink = (sid, text) => h('a', { href: `/waiver-view.html?id=${encodeURIComponent(sid)}` }, text);
  const rows = [
    ['Event', `${ev.title}, ${fmtDateTime(ev.departure_at, tz)}`],
    ['Waiver', `${v.title}, version ${v.version} (${v.validity === 'season' ? `season ${v.valid_from} to ${v.valid_to}` : 'this event'})`],
    ['SHA-256 of the text', h('code', { id: 'view-hash' }, s.body_sha256)],
    ['Legal name', s.legal_name],
    ['Email', s.email],
    s.date_of_birth ? ['Date of birth', s.date_of_birth] : ['Age', `Agreed: “${s.adult_statement}”`],
    ['Intent to sign', `Agreed: “${s.intent_text}”`],
    ['Consent to electronic records', `Agreed: “${s.consent_text}”`],
    ['Minors (signer as parent or guardian)', s.minors.length
      ? h('ul', { class: 'plain' }, s.minors.map((m) => h('li', {}, `${m.name}, born ${m.date_of_birth}`)))
      : 'none'],
    ['Emergency contact', `${s.emergency.name} (${s.emergency.relationship}), ${s.emergency.phone}`],
    ['Signed at (server time)', `${s.signed_at} (${fmtDateTime(s.signed_at, tz)})`],
    ['IP address', s.ip ?? 'not recorded'],
    ['User agent', s.user_agent ?? 'not recorded'],
    ['Access token id (jti)', s.token_jti ?? 'not recorded'],
    ['Sign-in link', s.link_id ?? 'none: signed in another way'],
    ['Session', s.session_id
      ? h('span', { id: 'view-session' }, `${s.session_id}, signed in ${s.session_started_at} (${fmtDateTime(s.session_started_at, tz)})`)
      : 'not recorded (signed before sessions were recorded)'],
    ['Signature id', s.id],
    s.supersedes && ['Corrects', viewLink(s.supersedes, s.supersedes)],
    s.superseded_by && ['Corrected by', viewLink(s.superseded_by, s.superseded_by)],
  ].filter(Boolean);
  document.title = `Signed waiver: ${s.legal_name} — SCC`;
  replace(root,
    h('p', { class: 'no-print' }, h('a', { href: `/event.html?id=${encodeURIComponent(ev.id)}` }, `← ${ev.title}`)),
    h('h1', {}, 'Signed waiver'),
    s.superseded_by && h('p', { class: 'warn' }, 'This signature was corrected by a later one.'),
    h('dl', { class: 'record', id: 'record' }, rows.map(([k, val]) => [h('dt', {}, k), h('dd', {}, val)])),
    h('h2', {}, v.title),
    h('article', { class: 'card waiver-doc', 'aria-label': 'The waiver text that was signed' }, renderWaiver(v.body)),
    h('p', { class: 'no-print actions' },
      h('button', { type: 'button', class: 'primary', on: { click: () => window.print() } }, 'Print')));
}

main();
