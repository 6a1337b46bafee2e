// admin-imports.js — CSV import for admins.  GET /api/imports gives the
// kinds' layouts (columns, what each holds, the sample file) and the
// history; the chosen file is read in the browser (File.text()) and sent
// as text to POST /api/imports {kind, csv, filename}: 201 is the summary,
// 422 import_refused lists every error by line and column (nothing was
// imported).  Every value goes in as text.

import { api, ApiError } from './api.js';
import { h, replace, errorText } from './dom.js';
import { startPage } from './shell.js';

// The route's body limit (nginx: client_max_body_size 4m on /api/imports),
// said before sending rather than after a 413.
const MAX_BYTES = 4 * 1024 * 1024 - 4096;
const SHOWN_ERRORS = 500;

const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const when = (iso) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

// What a column holds; an optional one says what an empty value becomes
// (its default) or that it may be empty.
function columnValue(c) {
  if (!c.optional) return c.what;
  return c.default != null ? `${c.what} (empty: ${c.default})` : `${c.what} (may be empty)`;
}

function layoutView(k) {
  return h('div', { id: 'import-layout', class: 'stack' },
    h('p', {}, `${k.title}. Each row is keyed by ${k.key}: importing a key again updates it. `,
      'The header names these columns, in any order, and no other:'),
    h('table', {},
      h('caption', { class: 'visually-hidden' }, `Columns of a ${k.kind} file`),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Column'), h('th', { scope: 'col' }, 'Value'))),
      h('tbody', {}, k.columns.map((c) => h('tr', {},
        h('th', { scope: 'row' }, h('code', {}, c.name)),
        h('td', {}, columnValue(c)))))),
    h('p', {}, h('a', { href: k.sample, download: '' }, `Download the sample file (${k.sample.split('/').pop()})`)));
}

function errorsView(filename, err) {
  const errors = err.errors ?? [];
  return h('div', { class: 'stack' },
    h('h3', {}, `${filename} was refused: ${plural(errors.length, 'error')}. Nothing was imported.`),
    h('table', { id: 'import-errors' },
      h('caption', { class: 'visually-hidden' }, `Errors in ${filename}`),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Line'), h('th', { scope: 'col' }, 'Column'),
        h('th', { scope: 'col' }, 'Problem'))),
      h('tbody', {}, errors.slice(0, SHOWN_ERRORS).map((e) => h('tr', {},
        h('td', {}, String(e.line)), h('td', {}, e.column ?? '—'), h('td', {}, e.message))))),
    errors.length > SHOWN_ERRORS
      ? h('p', {}, `… and ${errors.length - SHOWN_ERRORS} more; fix these and import again.`) : null);
}

function historyView(items) {
  if (items.length === 0) return h('p', { class: 'muted' }, 'No imports yet.');
  return h('table', { id: 'import-history' },
    h('caption', { class: 'visually-hidden' }, 'Imports, newest first'),
    h('thead', {}, h('tr', {}, ['When', 'File (kind)', 'Result', 'By'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, items.map((i) => h('tr', { 'data-import': String(i.id) },
      h('td', {}, when(i.at)), h('td', {}, `${i.filename ?? '—'} (${i.kind})`),
      h('td', {}, i.status === 'applied'
        ? `${plural(i.rows, 'row')}: ${i.inserted} inserted, ${i.updated} updated`
        : `refused: ${plural(i.error_count, 'error')}`),
      h('td', {}, i.actor ? (i.actor.name || i.actor.email) : `command line (${i.via})`)))));
}

async function main() {
  const root = document.getElementById('main');
  const status = h('p', { class: 'muted', role: 'status', 'aria-live': 'polite' });
  const result = h('div', { id: 'import-result', 'aria-live': 'polite' });
  const history = h('div', { id: 'import-history-box' });
  const kindSelect = h('select', { id: 'import-kind', name: 'kind', required: true });
  const layout = h('div', {});
  const file = h('input', { id: 'import-file', name: 'file', type: 'file', accept: '.csv,text/csv', required: true });
  const formError = h('p', { class: 'error', role: 'alert' });
  let kinds = [];

  const showLayout = () => {
    const k = kinds.find((x) => x.kind === kindSelect.value);
    replace(layout, k ? layoutView(k) : null);
  };

  async function load() {
    const answer = await api('GET', '/api/imports?limit=50');
    kinds = answer.kinds;
    if (kindSelect.options.length === 0) {
      replace(kindSelect, kinds.map((k) => h('option', { value: k.kind }, `${k.kind}: ${k.title}`)));
      showLayout();
    }
    replace(history, historyView(answer.imports));
  }

  const form = h('form', { id: 'import-form', class: 'card stack', 'aria-labelledby': 'import-h',
    on: { submit: async (ev) => {
      ev.preventDefault();
      formError.textContent = '';
      replace(result);
      const f = file.files[0];
      if (!f) { formError.textContent = 'Choose a CSV file first.'; file.focus(); return; }
      if (f.size > MAX_BYTES) {
        formError.textContent = `${f.name} is larger than 4 MB: split it, or import it with scc-worker import.`;
        return;
      }
      const button = form.querySelector('button[type=submit]');
      button.disabled = true;
      status.textContent = `Importing ${f.name}…`;
      try {
        const csv = await f.text();
        const s = await api('POST', '/api/imports', { kind: kindSelect.value, csv, filename: f.name });
        const k = kinds.find((x) => x.kind === s.kind);
        replace(result, h('p', { class: 'card', id: 'import-summary' },
          `Imported ${f.name} as ${s.kind}: ${plural(s.rows, 'row')}; ${s.inserted} ${k?.counts ?? 'rows'} inserted, `
          + `${s.updated} updated.`));
        status.textContent = `${f.name} imported.`;
      } catch (err) {
        if (err instanceof ApiError && err.code === 'import_refused') {
          replace(result, errorsView(f.name, err));
          status.textContent = `${f.name} was refused.`;
        } else {
          formError.textContent = errorText(err);
          status.textContent = '';
        }
      } finally {
        button.disabled = false;
      }
      try { await load(); } catch (err) { status.textContent = errorText(err); }
    } } },
    h('h2', { id: 'import-h' }, 'Import a CSV file'),
    h('label', { for: 'import-kind' }, 'Kind'), kindSelect, layout,
    h('label', { for: 'import-file' }, 'CSV file (UTF-8, at most 4 MB)'), file, formError,
    h('button', { type: 'submit', class: 'primary' }, 'Import'));
  kindSelect.addEventListener('change', showLayout);

  replace(root, h('p', {}, h('a', { href: '/admin.html' }, '← Admin')), h('h1', {}, 'Imports'), status, form, result,
    h('h2', {}, 'History'), history);
  try { await load(); } catch (err) { status.textContent = errorText(err); }
}

// last, once every constant above is initialised
const me = await startPage('admin');
if (me && me.role !== 'admin') {
  replace(document.getElementById('main'), h('h1', {}, 'Imports'), h('p', {}, 'Only admins import files.'));
} else if (me) {
  await main();
}
