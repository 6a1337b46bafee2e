// admin-waivers.js — the waiver template editor (admins; captains read).
// Lists the templates (GET /api/waiver-templates) with their current
// version and hash; makes a template or, for every edit, a new version of
// one (POST /api/waiver-templates) with a live preview of the text drawn
// by waivertext.js, the one renderer of the safe format; retires a template
// or makes it the active one of its scope (PATCH /api/waiver-templates/:id);
// shows every version with its SHA-256, its text and statements, and what
// changed between two chosen versions (GET .../versions?from=&to=), each
// added or removed line marked by a sign and a word as well as a colour.
// Every value reaches the page through dom.js's h (text nodes).

import { api } from './api.js';
import { h, replace, errorText, badge, fmtDateTime, showFieldError } from './dom.js';
import { startPage, atLeast, param } from './shell.js';
import { renderWaiver } from './waivertext.js';

const main = document.getElementById('main');
const me = await startPage('admin');
const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
const STATEMENTS = [
  ['intent_text', 'Intent statement (the signer ticks it)', 'I have read this waiver, I understand it, and I sign it of my own free will.'],
  ['consent_text', 'Consent to electronic records (the signer ticks it)', 'I agree to sign electronically and to receive this waiver and its records electronically.'],
  ['adult_text', 'Adult statement (for a signer who gives no date of birth)', 'I am 18 years of age or older.'],
];
let admin = false;
let boats = [];

if (me && !atLeast(me.role, 'captain')) {
  replace(main, h('h1', {}, 'Waivers'), h('p', {}, 'Only captains and admins see waiver templates.'));
} else if (me) {
  admin = me.role === 'admin';
  if (admin) {
    try {
      ({ items: boats } = await api('GET', '/api/boats'));
    } catch {
      boats = []; // templates for every boat only
    }
  }
  const id = param('template');
  if (id) await showVersions(id);
  else await showList();
}

function scope(t) {
  return t.boat ? t.boat.name : 'Every boat';
}
function validity(v) {
  return v.validity === 'season' ? `Season ${v.valid_from} to ${v.valid_to}` : 'One event';
}

function hash(sha) {
  return h('p', { class: 'hash' }, h('span', { class: 'muted' }, 'SHA-256 '), h('code', {}, sha));
}

async function showList(message = '') {
  let templates;
  try {
    ({ templates } = await api('GET', '/api/waiver-templates'));
  } catch (err) {
    replace(main, h('h1', {}, 'Waivers'), h('p', { class: 'error', role: 'alert' }, errorText(err)));
    return;
  }
  history.replaceState(null, '', '/admin-waivers.html');
  replace(main,
    h('h1', {}, 'Waivers'),
    h('p', { role: 'status', 'aria-live': 'polite', class: 'wrap' }, message),
    admin
      ? h('p', {}, h('button', { type: 'button', class: 'primary', on: { click: () => showEditor(null, null) } },
        'New waiver template'))
      : h('p', { class: 'muted' }, 'Read only: admins edit waivers.'),
    templates.length === 0 && h('p', { class: 'muted' }, 'No waiver templates yet.'),
    h('ul', { class: 'plain' }, templates.map((t) => h('li', { class: 'card', 'data-template': t.id },
      h('h2', {}, t.name),
      h('p', { class: 'row' }, h('span', {}, scope(t)),
        t.active ? badge('confirmed', 'active') : badge('cancelled', 'retired'),
        h('span', { class: 'muted' }, `${t.open_events} open event${t.open_events === 1 ? '' : 's'}`)),
      t.current && h('p', {}, `Version ${t.current.version}: ${t.current.title} (${validity(t.current)})`),
      t.current && hash(t.current.body_sha256),
      h('div', { class: 'row' },
        h('button', { type: 'button', 'aria-label': `Versions of ${t.name}`, on: { click: () => showVersions(t.id) } }, 'Versions'),
        admin && h('button', { type: 'button', 'aria-label': `Edit ${t.name}`, on: { click: () => editTemplate(t) } }, 'Edit'),
        admin && h('button', { type: 'button', class: 'link', 'aria-label': `${t.active ? 'Retire' : 'Make active'} ${t.name}`,
          on: { click: () => setActive(t, !t.active) } }, t.active ? 'Retire' : 'Make active'))))));
}

async function setActive(t, active) {
  try {
    await api('PATCH', `/api/waiver-templates/${t.id}`, { active });
    await showList(active ? `${t.name} is the active waiver of ${scope(t).toLowerCase()}.`
      : `${t.name} is retired; events that require it keep it.`);
  } catch (err) {
    await showList(errorText(err));
  }
}

// Edit = a new version, starting from the current one's text.
async function editTemplate(t) {
  try {
    const { versions } = await api('GET', `/api/waiver-templates/${t.id}/versions`);
    showEditor(t, versions[0] ?? null);
  } catch (err) {
    await showList(errorText(err));
  }
}

// The form for a new template (t null) or a new version of t, filled from
// `from` (its latest version).
function showEditor(t, from) {
  const field = (id, label, input, hint) => [h('label', { for: id }, label), hint && h('p', { class: 'muted small', id: `${id}-hint` }, hint), input];
  const name = !t && h('input', { id: 'w-name', type: 'text', maxlength: 200, required: true });
  const boat = !t && h('select', { id: 'w-boat' },
    h('option', { value: '' }, 'Every boat'),
    boats.map((b) => h('option', { value: b.id }, b.name)));
  const title = h('input', { id: 'w-title', type: 'text', maxlength: 200, required: true, value: from?.title ?? '' });
  const body = h('textarea', { id: 'w-body', rows: 14, required: true, 'aria-describedby': 'w-body-hint', value: from?.body ?? '' });
  const statements = Object.fromEntries(STATEMENTS.map(([k, , example]) =>
    [k, h('textarea', { id: `w-${k}`, rows: 3, maxlength: 1000, required: true, value: from?.[k] ?? example })]));
  const kind = h('select', { id: 'w-validity' },
    h('option', { value: 'event', selected: (from?.validity ?? 'event') === 'event' }, 'For one event'),
    h('option', { value: 'season', selected: from?.validity === 'season' }, 'For a season (from a date to a date)'));
  const validFrom = h('input', { id: 'w-from', type: 'date', value: from?.valid_from ?? '' });
  const validTo = h('input', { id: 'w-to', type: 'date', value: from?.valid_to ?? '' });
  const season = h('div', {}, h('div', { class: 'row' },
    h('div', {}, h('label', { for: 'w-from' }, 'First day'), validFrom),
    h('div', {}, h('label', { for: 'w-to' }, 'Last day'), validTo)));
  const note = h('input', { id: 'w-note', type: 'text', maxlength: 1000 });
  const preview = h('div', { class: 'waiver-preview', id: 'w-preview' });
  const status = h('p', { role: 'status', 'aria-live': 'polite', class: 'wrap' });
  const error = h('p', { class: 'error', role: 'alert' });
  const draw = () => replace(preview, h('h3', {}, title.value || 'Untitled'), renderWaiver(body.value));
  const showSeason = () => { season.hidden = kind.value !== 'season'; };
  body.addEventListener('input', draw);
  title.addEventListener('input', draw);
  kind.addEventListener('change', showSeason);
  // the field each refusal code names (codes are field-specific: invalid_title, body_empty...)
  const inputs = Object.entries({ name, boat_id: boat, title, body, validity: kind, valid_from: validFrom,
    valid_to: validTo, change_note: note, ...statements }).filter(([, el]) => el);

  const save = async () => {
    for (const [, el] of inputs) el.removeAttribute('aria-invalid');
    error.textContent = '';
    status.textContent = 'Saving…';
    const v = { title: title.value, body: body.value, validity: kind.value, change_note: note.value };
    for (const [k] of STATEMENTS) v[k] = statements[k].value;
    if (kind.value === 'season') Object.assign(v, { valid_from: validFrom.value || null, valid_to: validTo.value || null });
    if (t) v.template_id = t.id;
    else Object.assign(v, { name: name.value, boat_id: boat.value || null });
    try {
      const saved = await api('POST', '/api/waiver-templates', v);
      await showVersions(saved.template.id,
        `Saved version ${saved.version} of ${saved.template.name}. Its SHA-256 is ${saved.body_sha256}.`);
    } catch (err) {
      status.textContent = '';
      showFieldError(error, err, inputs.find(([k]) => err.code?.includes(k))?.[1]);
    }
  };

  replace(main,
    h('h1', {}, t ? `New version of ${t.name}` : 'New waiver template'),
    t && h('p', { class: 'muted' }, `Version ${from ? from.version + 1 : 1}: versions never change once saved; events keep the version they were scheduled with until an admin moves them on.`),
    h('form', { class: 'stack', on: { submit: (e) => { e.preventDefault(); save(); } } },
      name && field('w-name', 'Name', name),
      boat && field('w-boat', 'Boat', boat, 'A boat\'s own waiver, or the one for every boat. It becomes the active one there.'),
      field('w-title', 'Title (shown to the signer)', title),
      field('w-body', 'Text', body, 'One paragraph per block of lines; a line "# Heading" or "## Smaller heading"; lines "- item" make a list; **bold**. The text is kept exactly as typed.'),
      h('section', { 'aria-labelledby': 'w-preview-h', class: 'card' },
        h('h2', { id: 'w-preview-h' }, 'Preview'), preview),
      STATEMENTS.map(([k, label]) => field(`w-${k}`, label, statements[k])),
      field('w-validity', 'Valid', kind),
      season,
      field('w-note', 'What changed (for the record)', note),
      status, error,
      h('div', { class: 'row actions' },
        h('button', { type: 'submit', class: 'primary' }, t ? 'Save new version' : 'Save template'),
        h('button', { type: 'button', on: { click: () => (t ? showVersions(t.id) : showList()) } }, 'Cancel'))));
  draw();
  showSeason();
  (name || title).focus();
}

// One diff line: a sign and a word (for everyone, not only who sees colour).
function diffLine(c) {
  const mark = { add: ['+', 'added'], del: ['−', 'removed'], same: [' ', ''] }[c.op];
  return h('li', { class: `diff diff-${c.op}` },
    h('span', { class: 'diff-mark', 'aria-hidden': 'true' }, mark[0]),
    h('span', { class: 'diff-text' }, mark[1] && h('span', { class: 'diff-word' }, `${mark[1]}: `),
      c.line === '' ? h('span', { class: 'diff-blank' }, '(blank line)') : c.line));
}

function diffView(changed, fields) {
  const n = { add: changed.filter((c) => c.op === 'add').length, del: changed.filter((c) => c.op === 'del').length };
  const others = (fields ?? []).filter((f) => f !== 'body');
  return h('div', { class: 'diff-view' },
    h('p', {}, `${n.add} line${n.add === 1 ? '' : 's'} added, ${n.del} removed.`,
      others.length ? ` Also changed: ${others.join(', ')}.` : ''),
    h('ol', { class: 'diff-lines' }, changed.map(diffLine)));
}

async function showVersions(id, message = '') {
  let answer;
  try {
    answer = await api('GET', `/api/waiver-templates/${id}/versions`);
  } catch (err) {
    replace(main, h('h1', {}, 'Waivers'), h('p', { class: 'error', role: 'alert' }, errorText(err)),
      h('p', {}, h('button', { type: 'button', on: { click: () => showList() } }, 'All waivers')));
    return;
  }
  history.replaceState(null, '', `/admin-waivers.html?template=${encodeURIComponent(id)}`);
  const { template: t, versions } = answer;
  const pick = (idName, selected) => h('select', { id: idName },
    versions.map((v) => h('option', { value: v.version, selected: v.version === selected }, `Version ${v.version}`)));
  const fromSel = pick('cmp-from', Math.max(1, versions.length - 1));
  const toSel = pick('cmp-to', versions.length);
  const out = h('div', { id: 'cmp-out' });
  const cmpError = h('p', { class: 'error', role: 'alert' });
  const compare = async () => {
    cmpError.textContent = '';
    try {
      const r = await api('GET', `/api/waiver-templates/${id}/versions?from=${fromSel.value}&to=${toSel.value}`);
      replace(out, h('h3', {}, `Version ${r.compare.from.version} → version ${r.compare.to.version}`),
        diffView(r.compare.changed, r.compare.changed_fields));
      out.querySelector('h3').setAttribute('tabindex', '-1');
      out.querySelector('h3').focus();
    } catch (err) {
      cmpError.textContent = errorText(err);
    }
  };

  replace(main,
    h('p', {}, h('button', { type: 'button', class: 'link', on: { click: () => showList() } }, '← All waivers')),
    h('h1', {}, t.name),
    h('p', { class: 'row' }, h('span', {}, scope(t)),
      t.active ? badge('confirmed', 'active') : badge('cancelled', 'retired'),
      h('span', { class: 'muted' }, `${t.versions} version${t.versions === 1 ? '' : 's'}`)),
    h('p', { role: 'status', 'aria-live': 'polite', class: 'wrap' }, message),
    admin && h('p', {}, h('button', { type: 'button', class: 'primary', on: { click: () => showEditor(t, versions[0] ?? null) } },
      'Edit (new version)')),
    versions.length > 1 && h('section', { 'aria-labelledby': 'cmp-h', class: 'card' },
      h('h2', { id: 'cmp-h' }, 'What changed'),
      h('form', { class: 'row', on: { submit: (e) => { e.preventDefault(); compare(); } } },
        h('div', {}, h('label', { for: 'cmp-from' }, 'From'), fromSel),
        h('div', {}, h('label', { for: 'cmp-to' }, 'To'), toSel),
        h('button', { type: 'submit' }, 'Show changes')),
      cmpError, out),
    h('h2', {}, 'Versions'),
    h('ol', { class: 'plain versions' }, versions.map((v) => h('li', { class: 'card', 'data-version': v.version },
      h('h3', {}, `Version ${v.version}: ${v.title}`),
      h('p', { class: 'muted' }, `${fmtDateTime(v.created_at, zone)}${v.created_by ? `, by ${v.created_by.name || 'an admin'}` : ''}`,
        ` · ${validity(v)} · required by ${v.events} event${v.events === 1 ? '' : 's'}`),
      v.change_note && h('p', {}, `What changed: ${v.change_note}`),
      hash(v.body_sha256),
      h('details', {}, h('summary', {}, `Text of version ${v.version}`),
        renderWaiver(v.body),
        h('h4', {}, 'Statements'),
        h('ul', {}, STATEMENTS.map(([k, label]) => h('li', {}, h('span', { class: 'muted' }, `${label.replace(/ \(.*\)$/, '')}: `), v[k])))),
      v.changed && h('details', {}, h('summary', {}, `Changes from version ${v.version - 1}`),
        diffView(v.changed, v.changed_fields))))));
}
