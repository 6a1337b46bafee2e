// waiver.js — a guest signs the waiver of an event (?event=ID):
// GET /api/events/:id/waiver gives the version (text exactly as stored, its
// SHA-256, the statements), the caller's hold, the minors on their place
// and their standing signature; POST /api/events/:id/waiver signs.  The text
// goes into the page only through waivertext.js; every other value as text
// (dom.js).  A refusal names its field: the field is marked and focused.
// A changed version (409 version_mismatch / hash_mismatch) reloads the new
// text before anyone can sign it.

import { api } from './api.js';
import { h, replace, fmtDateTime, showFieldError, errorText } from './dom.js';
import { startPage, param } from './shell.js';
import { renderWaiver } from './waivertext.js';

const HOLD_TEXT = {
  waiver_missing: 'You have not signed this waiver yet.',
  waiver_outdated: 'The waiver changed since you signed it: please sign the new version.',
  minors_not_covered: 'A minor you bring is not on your signature yet.',
  minor_now_adult: 'A minor you bring is 18 by the day of the sail and must sign for themselves.',
};

let uid = 0;
const fid = (name) => `${name}-${++uid}`;

// a labelled input: { wrap, input }
function field(label, props = {}) {
  const id = fid(props.name ?? 'f');
  const input = h('input', { id, ...props });
  return { wrap: h('label', { for: id }, label, input), input };
}

async function main() {
  const me = await startPage('events');
  if (!me) return;
  const root = document.getElementById('main');
  const eventId = param('event') ?? '';
  let data;
  try {
    data = await api('GET', `/api/events/${encodeURIComponent(eventId)}/waiver`);
  } catch (err) {
    replace(root, h('h1', {}, 'Waiver'), h('p', { class: 'error', role: 'alert' }, errorText(err)),
      eventId && h('p', {}, h('a', { href: `/event.html?id=${encodeURIComponent(eventId)}` }, 'Back to the event')));
    return;
  }
  drawForm(root, data, eventId);
}

function drawForm(root, data, eventId, notice) {
  const { version: v, event: ev, place, signature, account } = data;
  const eventHref = `/event.html?id=${encodeURIComponent(eventId)}`;
  document.title = `${v.title} — SCC`;
  const error = h('p', { class: 'error', role: 'alert', id: 'sign-error' });

  const legal = field('Your full legal name', { name: 'legal_name', autocomplete: 'name', 'aria-required': 'true',
    value: signature?.legal_name ?? account?.name ?? '' });
  const email = field('Your email', { name: 'email', type: 'email', autocomplete: 'email', 'aria-required': 'true',
    value: signature?.email ?? account?.email ?? '' });

  // age: the adult statement, or a date of birth
  const ageName = fid('age');
  const adultRadio = h('input', { type: 'radio', name: ageName, id: fid('adult'), value: 'adult',
    checked: signature ? Boolean(signature.adult_statement) : true });
  const dobRadio = h('input', { type: 'radio', name: ageName, id: fid('dob'), value: 'dob',
    checked: signature ? !signature.adult_statement : false });
  const dob = field('Date of birth', { name: 'date_of_birth', type: 'date', autocomplete: 'bday',
    value: signature?.date_of_birth ?? '' });
  const syncAge = () => { dob.wrap.hidden = !dobRadio.checked; };
  adultRadio.addEventListener('change', syncAge);
  dobRadio.addEventListener('change', syncAge);
  syncAge();

  // minors: rows of name + date of birth
  const minorList = h('ul', { class: 'plain minors', id: 'minors' });
  const minorRows = [];
  function addMinor(m = {}) {
    const row = { name: field('Minor\'s full name', { name: 'minor_name', value: m.name ?? '' }),
      dob: field('Minor\'s date of birth', { name: 'minor_date_of_birth', type: 'date', value: m.date_of_birth ?? '' }) };
    const n = minorRows.length + 1;
    row.li = h('li', { class: 'card minor' },
      row.name.wrap, row.dob.wrap,
      h('button', { type: 'button', class: 'remove-minor', 'aria-label': `Remove minor ${n}`, on: { click: () => {
        minorRows.splice(minorRows.indexOf(row), 1);
        row.li.remove();
        addButton.focus();
      } } }, 'Remove'));
    minorRows.push(row);
    minorList.append(row.li);
    return row;
  }
  const addButton = h('button', { type: 'button', id: 'add-minor', on: { click: () => addMinor().name.input.focus() } },
    'Add a minor');
  for (const m of (place?.minors ?? signature?.minors ?? [])) addMinor(m);

  const emName = field('Name', { name: 'emergency_name', autocomplete: 'off',
    value: signature?.emergency?.name ?? '' });
  const emPhone = field('Phone', { name: 'emergency_phone', type: 'tel', autocomplete: 'off',
    value: signature?.emergency?.phone ?? '' });
  const emRel = field('Relationship to you', { name: 'emergency_relationship', autocomplete: 'off',
    value: signature?.emergency?.relationship ?? '' });

  const intentId = fid('intent');
  const consentId = fid('consent');
  const intent = h('input', { type: 'checkbox', id: intentId, name: 'intent' });
  const consent = h('input', { type: 'checkbox', id: consentId, name: 'consent' });
  const submit = h('button', { type: 'submit', class: 'primary big', id: 'sign' }, 'Sign the waiver');

  const FIELD = {
    invalid_legal_name: legal.input, email_required: email.input, invalid_email: email.input,
    invalid_date_of_birth: dob.input, signer_is_minor: dob.input, age_required: dobRadio,
    date_of_birth_or_adult: dobRadio, invalid_adult: adultRadio,
    intent_required: intent, consent_required: consent,
    emergency_required: emName.input, invalid_emergency_name: emName.input,
    invalid_emergency_phone: emPhone.input, invalid_emergency_relationship: emRel.input,
  };
  function inputFor(err) {
    if (FIELD[err.code]) return FIELD[err.code];
    const m = /minors\[(\d+)\]/.exec(err.message ?? '');
    const row = m && minorRows[Number(m[1])];
    if (!row) return null;
    return err.code === 'invalid_minor_name' ? row.name.input : row.dob.input;
  }

  async function sign(evt) {
    evt.preventDefault();
    for (const el of root.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    for (const el of root.querySelectorAll('[aria-describedby]')) el.removeAttribute('aria-describedby');
    for (const el of root.querySelectorAll('.field-error')) el.remove();
    error.textContent = '';
    const body = {
      version_id: v.id, body_sha256: v.body_sha256,
      legal_name: legal.input.value, email: email.input.value,
      intent: intent.checked, consent: consent.checked,
      minors: minorRows.map((r) => ({ name: r.name.input.value, date_of_birth: r.dob.input.value })),
      emergency: { name: emName.input.value, phone: emPhone.input.value, relationship: emRel.input.value },
    };
    if (dobRadio.checked) body.date_of_birth = dob.input.value; else body.adult = true;
    if (signature && !signature.superseded_by) body.supersedes = signature.id;
    submit.disabled = true;
    try {
      const res = await api('POST', `/api/events/${encodeURIComponent(eventId)}/waiver`, body);
      confirmation(root, res, v, eventHref);
    } catch (err) {
      submit.disabled = false;
      if (err.code === 'version_mismatch' || err.code === 'hash_mismatch') {
        const fresh = await api('GET', `/api/events/${encodeURIComponent(eventId)}/waiver`);
        drawForm(root, fresh, eventId, 'The waiver was updated. Please read the new version before you sign.');
        return;
      }
      const input = inputFor(err);
      if (!input) {
        showFieldError(error, err, null);
        return;
      }
      // the sentence right after its field, and the field described by it
      const at = input.closest('label') ?? input.closest('.choice') ?? input;
      const note = h('p', { class: 'error field-error', role: 'alert', id: fid('field-error') });
      at.after(note);
      input.setAttribute('aria-describedby', note.id);
      showFieldError(note, err, input);
    }
  }

  const holdText = place ? (place.hold ? HOLD_TEXT[place.hold] ?? place.hold : 'You have signed: nothing is on hold.') : null;
  replace(root,
    h('p', {}, h('a', { href: eventHref }, `← ${ev.title}`)),
    h('h1', { id: 'waiver-title' }, v.title),
    h('p', { class: 'muted' }, `Version ${v.version} · ${ev.title}, ${fmtDateTime(ev.departure_at, ev.time_zone)}`),
    notice && h('p', { class: 'warn', role: 'alert' }, notice),
    holdText && h('p', { class: place.hold ? 'warn' : 'ok-note', id: 'hold-state' }, holdText),
    signature && h('p', {}, 'Your signature: ', h('a', { href: `/waiver-view.html?id=${encodeURIComponent(signature.id)}` },
      `signed ${fmtDateTime(signature.signed_at, ev.time_zone)}`), '. Signing again corrects it.'),
    h('article', { class: 'card waiver-doc', 'aria-labelledby': 'waiver-title' }, renderWaiver(v.body)),
    h('p', { class: 'small hash' }, 'SHA-256 of this text: ', h('code', { id: 'waiver-hash' }, v.body_sha256)),
    !place && h('p', { class: 'muted', id: 'not-a-guest' }, 'Only the event\'s guests sign this waiver; you are reading it.'),
    place && h('form', { id: 'waiver-form', novalidate: true, on: { submit: sign } },
      h('h2', {}, 'You'),
      legal.wrap,
      email.wrap,
      h('fieldset', {},
        h('legend', {}, 'Your age'),
        h('div', { class: 'choice' }, adultRadio, h('label', { for: adultRadio.id }, v.adult_text)),
        h('div', { class: 'choice' }, dobRadio, h('label', { for: dobRadio.id }, 'I will give my date of birth')),
        dob.wrap),
      h('fieldset', {},
        h('legend', {}, 'Minors you bring'),
        h('p', { class: 'small muted' }, 'You sign for them as their parent or guardian. Anyone 18 or older on the day of the sail signs for themselves.'),
        minorList,
        addButton),
      h('fieldset', {},
        h('legend', {}, 'Emergency contact'),
        emName.wrap, emPhone.wrap, emRel.wrap),
      h('div', { class: 'choice' }, intent, h('label', { for: intentId }, v.intent_text)),
      h('div', { class: 'choice' }, consent, h('label', { for: consentId }, v.consent_text)),
      error,
      h('div', { class: 'actions' }, submit)));
}

function confirmation(root, res, v, eventHref) {
  const s = res.signature;
  const next = res.next === 'waiver'
    ? h('p', { class: 'warn' }, HOLD_TEXT[res.hold] ?? 'Your place is still on hold.')
    : h('p', { class: 'ok-note', id: 'confirm-state' }, 'You are all set: your place is not on hold.');
  replace(root,
    h('h1', { id: 'signed-title', tabindex: '-1' }, 'Waiver signed'),
    h('p', { role: 'status' }, `Thank you, ${s.legal_name}. Your signature of “${v.title}” (version ${s.version}) is recorded, and a copy is on its way to your email.`),
    next,
    h('dl', { class: 'record' },
      h('dt', {}, 'Signed at (server time)'), h('dd', {}, s.signed_at),
      h('dt', {}, 'SHA-256 of the text'), h('dd', {}, h('code', { id: 'signed-hash' }, s.body_sha256)),
      h('dt', {}, 'Minors covered'), h('dd', {}, s.minors.length ? s.minors.map((m) => `${m.name} (${m.date_of_birth})`).join(', ') : 'none')),
    h('p', { class: 'row' },
      h('a', { class: 'button primary', href: eventHref, id: 'to-event' }, 'Go to the event'),
      h('a', { class: 'button', href: `/waiver-view.html?id=${encodeURIComponent(s.id)}` }, 'View or print your signature')));
  root.querySelector('#signed-title').focus();
}

main();
