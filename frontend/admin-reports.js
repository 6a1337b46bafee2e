// admin-reports.js — the eight executive reports (admin-reports.html), for
// admins: each report with its last run and how many schedules it has
// (GET /api/reports); a preview of any report for any period: pick the
// period and the time zone, run it (POST /api/reports/:kind/runs), wait while
// the worker renders it (GET /api/report-runs/:id, polled), then see it as
// rendered in a sandboxed frame, its figures as a table and its CSV; "Send a
// test to me" mails the same to the caller; the archive of past runs
// (GET /api/report-runs, keyset pages), each opening report-run.html.
// Schedules are on admin-schedules.html.

import { api } from './api.js';
import { h, replace, badge, errorText, showFieldError, fmtDateTime } from './dom.js';
import { atLeast, startPage, param } from './shell.js';
import { runView, waitForRun, stateText, recipientsText } from './reportrun.js';
import { periodPicker, zoneSelect } from './reportperiod.js';

const localZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
const me = await startPage('admin');
const main = document.getElementById('main');

function runLine(run) {
  if (!run) return h('span', { class: 'muted' }, 'Never run');
  return [badge(run.state), ' ', run.test ? badge('test', 'test') : null, ' ',
    h('a', { href: `/report-run.html?id=${run.id}` }, `${run.period_label ?? run.period}`),
    h('span', { class: 'muted' }, `, ${fmtDateTime(run.created_at, localZone)} — ${recipientsText(run)}`)];
}

if (me && !atLeast(me.role, 'admin')) {
  replace(main, h('h1', {}, 'Reports'), h('p', {}, 'This page is for admins.'));
} else if (me) {
  const listStatus = h('p', { id: 'reports-status', role: 'status', 'aria-live': 'polite', class: 'muted' });
  const listError = h('p', { class: 'error', role: 'alert' });
  const list = h('ul', { id: 'reports-list', class: 'plain', 'aria-label': 'Reports' });

  // the preview panel
  const kindSel = h('select', { id: 'p-report', name: 'kind' });
  const picker = periodPicker('p');
  const zone = zoneSelect('p-zone', localZone);
  const variant = h('input', { id: 'p-variant', type: 'text', name: 'variant', maxlength: 32, autocomplete: 'off',
    'aria-describedby': 'p-variant-hint' });
  const runStatus = h('p', { id: 'preview-status', role: 'status', 'aria-live': 'polite' });
  const runError = h('p', { id: 'preview-error', class: 'error', role: 'alert' });
  const result = h('div', { id: 'preview-result' });
  const previewBtn = h('button', { type: 'submit', class: 'primary', value: 'preview' }, 'Preview');
  const testBtn = h('button', { type: 'button' }, 'Send a test to me');
  const fieldOf = () => ({ invalid_period: picker.focusable(), period_required: picker.focusable(),
    invalid_time_zone: zone, invalid_variant: variant, unknown_kind: kindSel });

  async function start(sendTest) {
    runError.textContent = '';
    for (const el of [picker.focusable(), zone, variant, kindSel]) el.removeAttribute('aria-invalid');
    previewBtn.disabled = testBtn.disabled = true;
    replace(result);
    try {
      const body = { period: picker.value(), time_zone: zone.value };
      if (variant.value.trim()) body.variant = variant.value.trim();
      if (sendTest) body.send_to = 'me';
      const { run } = await api('POST', `/api/reports/${encodeURIComponent(kindSel.value)}/runs`, body);
      runStatus.textContent = `Run ${run.id}: ${stateText(run)}`;
      const done = await waitForRun(run.id, (r) => { runStatus.textContent = `Run ${r.id}: ${stateText(r)}`; });
      runStatus.textContent = `Run ${done.id}: ${stateText(done)}${sendTest && done.state === 'done' ? ` A test is on its way to ${done.recipients.join(', ')}.` : ''}`;
      replace(result, runView(done, { headingLevel: 3, idPrefix: 'preview' }));
      await Promise.all([loadReports(), loadArchive(false)]);
    } catch (err) {
      showFieldError(runError, err, fieldOf()[err.code]);
    } finally {
      previewBtn.disabled = testBtn.disabled = false;
    }
  }
  testBtn.addEventListener('click', () => start(true));
  const form = h('form', { id: 'preview-form', class: 'card stack', novalidate: true,
    on: { submit: (e) => { e.preventDefault(); start(false); } } },
  h('label', { for: 'p-report' }, 'Report'), kindSel,
  picker.el,
  h('label', { for: 'p-zone' }, 'Time zone'), zone,
  h('label', { for: 'p-variant' }, 'Template variant (optional)'), variant,
  h('p', { id: 'p-variant-hint', class: 'muted small' }, 'Leave empty for the standard template.'),
  h('div', { class: 'row' }, previewBtn, testBtn),
  runStatus, runError);

  // the archive
  const archKind = h('select', { id: 'a-kind', name: 'kind' }, h('option', { value: '' }, 'Every report'));
  const archList = h('ol', { id: 'archive-list', class: 'plain stack', 'aria-label': 'Past runs' });
  const archStatus = h('p', { role: 'status', 'aria-live': 'polite', class: 'muted' });
  const archError = h('p', { class: 'error', role: 'alert' });
  const older = h('button', { type: 'button', hidden: true }, 'Older runs');
  let nextBefore = null;

  async function loadArchive(append) {
    archError.textContent = '';
    try {
      const q = new URLSearchParams({ limit: '20' });
      if (archKind.value) q.set('kind', archKind.value);
      if (append && nextBefore) q.set('before', String(nextBefore));
      const page = await api('GET', `/api/report-runs?${q}`);
      const items = page.items.map((r) => h('li', { class: 'card' },
        h('p', {}, h('a', { href: `/report-run.html?id=${r.id}` }, `${r.title}: ${r.period_label ?? r.period}`)),
        h('p', {}, badge(r.state), ' ', r.test ? badge('test', 'test') : null, ' ',
          h('span', { class: 'muted' }, `${fmtDateTime(r.created_at, localZone)} · ${r.time_zone}`)),
        h('p', { class: 'muted small wrap' }, recipientsText(r),
          r.requested_by ? ` · by ${r.requested_by.name || r.requested_by.email}` : (r.schedule_id ? ` · schedule ${r.schedule_id}` : ''))));
      if (append) archList.append(...items); else replace(archList, items);
      nextBefore = page.next_before;
      older.hidden = !nextBefore;
      archStatus.textContent = archList.children.length ? `${archList.children.length} runs shown.` : 'No runs yet.';
    } catch (err) {
      archError.textContent = errorText(err);
    }
  }
  older.addEventListener('click', () => loadArchive(true));
  archKind.addEventListener('change', () => loadArchive(false));

  async function loadReports() {
    listError.textContent = '';
    try {
      const { reports } = await api('GET', '/api/reports');
      if (!kindSel.options.length) {
        const chosen = param('kind') ?? reports[0]?.kind;
        kindSel.append(...reports.map((r) => h('option', { value: r.kind, selected: r.kind === chosen }, r.title)));
        archKind.append(...reports.map((r) => h('option', { value: r.kind }, r.title)));
      }
      replace(list, reports.map((r) => h('li', { class: 'card', 'data-kind': r.kind },
        h('h3', {}, r.title),
        h('p', { class: 'muted small' }, r.lens),
        h('p', {}, 'Last run: ', runLine(r.last_run)),
        h('p', { class: 'muted small' },
          r.schedules ? h('a', { href: `/admin-schedules.html?kind=${r.kind}` },
            `${r.schedules} schedule${r.schedules === 1 ? '' : 's'} (${r.enabled} enabled)`) : 'Not scheduled'),
        h('button', { type: 'button', 'aria-label': `Preview the ${r.title}`, on: { click: () => {
          kindSel.value = r.kind;
          form.scrollIntoView();
          kindSel.focus();
        } } }, 'Preview'))));
      listStatus.textContent = '';
    } catch (err) {
      listError.textContent = errorText(err);
    }
  }

  replace(main,
    h('h1', {}, 'Reports'),
    h('p', {}, 'Preview any report for any period, send yourself a test, and see every run and what it sent. ',
      h('a', { href: '/admin-schedules.html' }, 'Report schedules'), ' send them on a timetable.'),
    h('section', { 'aria-labelledby': 'preview-title' },
      h('h2', { id: 'preview-title' }, 'Preview'),
      form, result),
    h('section', { 'aria-labelledby': 'reports-title' },
      h('h2', { id: 'reports-title' }, 'The eight reports'),
      listStatus, listError, list),
    h('section', { 'aria-labelledby': 'archive-title' },
      h('h2', { id: 'archive-title' }, 'Archive'),
      h('label', { for: 'a-kind' }, 'Show'), archKind,
      archStatus, archError, archList, older));
  await loadReports();
  await loadArchive(false);
}
