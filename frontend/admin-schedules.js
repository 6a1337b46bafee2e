// admin-schedules.js — report schedules (admin-schedules.html), for admins:
// every schedule (GET /api/report-schedules) with its cron and the next runs
// the server computed, its zone, recipients, period, variant, whether it
// skips an empty report, whether it is enabled (or was parked by the worker,
// with why), and its last run; a form to create one
// (POST /api/report-schedules) and the same form to edit one
// (PATCH /api/report-schedules/:id); pause and resume; delete (asked
// first; DELETE /api/report-schedules/:id); and "Send now": a run of the
// schedule's report for its period to its recipients, at once
// (POST /api/reports/:kind/runs {schedule_id}).  A refused field is named,
// marked invalid and focused.

import { api } from './api.js';
import { h, replace, badge, errorText, showFieldError, fmtDateTime } from './dom.js';
import { openModal } from './modal.js';
import { atLeast, startPage, param } from './shell.js';
import { periodPicker, zoneSelect } from './reportperiod.js';
import { recipientsText } from './reportrun.js';

const localZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
const me = await startPage('admin');
const main = document.getElementById('main');

const CRON_HINT = 'Five fields: minute hour day-of-month month day-of-week, in the time zone below. '
  + '"0 7 * * MON-FRI" is weekdays at 07:00; "0 6 1 * *" the 1st of each month at 06:00; @daily is midnight.';

// Addresses typed one a line or separated by commas.
function addresses(text) {
  return text.split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean);
}

if (me && !atLeast(me.role, 'admin')) {
  replace(main, h('h1', {}, 'Report schedules'), h('p', {}, 'This page is for admins.'));
} else if (me) {
  let reports = [];
  const status = h('p', { id: 'schedules-status', role: 'status', 'aria-live': 'polite' });
  const error = h('p', { id: 'schedules-error', class: 'error', role: 'alert' });
  const list = h('ul', { id: 'schedules-list', class: 'plain', 'aria-label': 'Schedules' });
  const filter = h('select', { id: 's-filter', name: 'kind' }, h('option', { value: '' }, 'Every report'));

  // The schedule form; `s` an existing schedule to edit, or null.  Resolves
  // through onSaved(schedule).
  function scheduleForm(prefix, s, onSaved) {
    const kind = h('select', { id: `${prefix}-kind`, name: 'kind' },
      reports.map((r) => h('option', { value: r.kind, selected: r.kind === (s?.kind ?? param('kind')) }, r.title)));
    const cron = h('input', { id: `${prefix}-cron`, type: 'text', name: 'cron', required: true, autocomplete: 'off',
      spellcheck: 'false', maxlength: 200, value: s?.cron ?? '0 7 * * MON', 'aria-describedby': `${prefix}-cron-hint` });
    const zone = zoneSelect(`${prefix}-zone`, s?.time_zone ?? localZone);
    const recipients = h('textarea', { id: `${prefix}-to`, name: 'recipients', rows: 3, required: true,
      'aria-describedby': `${prefix}-to-hint`, value: (s?.recipients ?? []).join('\n') });
    const picker = periodPicker(`${prefix}-p`, 'last_month');
    if (s) picker.set(s.period);
    const variant = h('input', { id: `${prefix}-variant`, type: 'text', name: 'variant', maxlength: 32,
      autocomplete: 'off', value: s?.variant ?? '' });
    const skip = h('input', { id: `${prefix}-skip`, type: 'checkbox', name: 'skip_when_empty', checked: !!s?.skip_when_empty });
    const enabled = h('input', { id: `${prefix}-enabled`, type: 'checkbox', name: 'enabled', checked: s ? s.enabled : true });
    const formError = h('p', { id: `${prefix}-error`, class: 'error', role: 'alert' });
    const save = h('button', { type: 'submit', class: 'primary' }, s ? 'Save changes' : 'Create the schedule');
    const fieldOf = () => ({
      unknown_kind: kind, kind_required: kind, invalid_cron: cron, cron_required: cron,
      invalid_time_zone: zone, time_zone_required: zone, invalid_recipient: recipients,
      invalid_recipients: recipients, recipients_required: recipients,
      invalid_period: picker.focusable(), period_required: picker.focusable(), invalid_variant: variant,
    });
    const form = h('form', { class: 'stack', novalidate: true, on: { submit: async (e) => {
      e.preventDefault();
      formError.textContent = '';
      for (const el of [kind, cron, zone, recipients, picker.focusable(), variant]) el.removeAttribute('aria-invalid');
      save.disabled = true;
      try {
        const body = { kind: kind.value, cron: cron.value.trim(), time_zone: zone.value,
          recipients: addresses(recipients.value), period: picker.value(), variant: variant.value.trim() || null,
          skip_when_empty: skip.checked, enabled: enabled.checked };
        const saved = s
          ? await api('PATCH', `/api/report-schedules/${s.id}`, body)
          : await api('POST', '/api/report-schedules', body);
        await onSaved(saved.schedule);
      } catch (err) {
        showFieldError(formError, err, fieldOf()[err.code]);
      } finally {
        save.disabled = false;
      }
    } } },
    h('label', { for: `${prefix}-kind` }, 'Report'), kind,
    h('label', { for: `${prefix}-cron` }, 'When (cron)'), cron,
    h('p', { id: `${prefix}-cron-hint`, class: 'muted small' }, CRON_HINT),
    h('label', { for: `${prefix}-zone` }, 'Time zone'), zone,
    h('label', { for: `${prefix}-to` }, 'Recipients'), recipients,
    h('p', { id: `${prefix}-to-hint`, class: 'muted small' }, 'Email addresses, one a line or separated by commas.'),
    picker.el,
    h('label', { for: `${prefix}-variant` }, 'Template variant (optional, recorded with each run)'), variant,
    h('div', { class: 'choice' }, skip, h('label', { for: `${prefix}-skip` }, 'Skip sending when the report is empty')),
    h('div', { class: 'choice' }, enabled, h('label', { for: `${prefix}-enabled` }, 'Enabled')),
    h('div', { class: 'row' }, save),
    formError);
    return form;
  }

  function scheduleItem(s) {
    const itemStatus = h('p', { role: 'status', 'aria-live': 'polite', class: 'muted' });
    const itemError = h('p', { class: 'error', role: 'alert' });
    const titleId = `sched-${s.id}-title`;
    const sendNow = h('button', { type: 'button', on: { click: async () => {
      itemError.textContent = '';
      sendNow.disabled = true;
      try {
        const { run } = await api('POST', `/api/reports/${s.kind}/runs`, { schedule_id: s.id });
        replace(itemStatus, `Run ${run.id} queued for ${run.recipients.join(', ')}. `,
          h('a', { href: `/report-run.html?id=${run.id}` }, `Follow run ${run.id}`));
      } catch (err) {
        itemError.textContent = errorText(err);
      } finally {
        sendNow.disabled = false;
      }
    } } }, 'Send now');
    const toggle = h('button', { type: 'button', on: { click: async () => {
      itemError.textContent = '';
      try {
        await api('PATCH', `/api/report-schedules/${s.id}`, { enabled: !s.enabled });
        await load(`${s.title} schedule ${s.id} ${s.enabled ? 'paused' : 'enabled'}.`);
      } catch (err) {
        itemError.textContent = errorText(err);
      }
    } } }, s.enabled ? 'Pause' : 'Enable');
    const edit = h('button', { type: 'button', on: { click: async () => {
      await openModal({
        title: `Edit schedule ${s.id}`,
        content: scheduleForm(`e${s.id}`, s, async (saved) => {
          document.querySelector('dialog[open]')?.close();
          await load(`${saved.title} schedule ${saved.id} saved.`);
        }),
      });
    } } }, 'Edit');
    const del = h('button', { type: 'button', on: { click: async () => {
      const done = await openModal({
        title: `Delete schedule ${s.id}?`,
        content: h('p', {}, `The ${s.title} stops going to ${s.recipients.join(', ')}. Its past runs stay in the archive.`),
        actions: [{ label: 'Delete', primary: true, run: () => api('DELETE', `/api/report-schedules/${s.id}`) }],
      });
      if (done) await load(`${s.title} schedule ${s.id} deleted.`);
    } } }, 'Delete');
    return h('li', { class: 'card', 'data-schedule': s.id, 'aria-labelledby': titleId },
      h('h3', { id: titleId }, `${s.title}`, ' ', s.enabled ? badge('enabled', 'enabled') : badge('paused', 'paused')),
      s.last_error ? h('p', { class: 'warn' }, `Parked by the worker: ${s.last_error}`) : null,
      h('dl', { class: 'record' },
        h('dt', {}, 'When'), h('dd', {}, h('code', {}, s.cron), ` in ${s.time_zone}`),
        h('dt', {}, 'Next runs'), h('dd', {}, s.next_runs?.length
          ? h('ul', { class: 'plain' }, s.next_runs.map((t) => h('li', {}, fmtDateTime(t, s.time_zone))))
          : (s.enabled ? 'None in the next year' : 'Paused')),
        h('dt', {}, 'Recipients'), h('dd', { class: 'wrap' }, s.recipients.join(', ')),
        h('dt', {}, 'Period'), h('dd', {}, s.period),
        h('dt', {}, 'Variant'), h('dd', {}, s.variant ?? 'default'),
        h('dt', {}, 'When empty'), h('dd', {}, s.skip_when_empty ? 'Not sent' : 'Sent anyway'),
        h('dt', {}, 'Last run'), h('dd', {}, s.last_run
          ? [badge(s.last_run.state), ' ', h('a', { href: `/report-run.html?id=${s.last_run.id}` },
            `${s.last_run.period_label ?? s.last_run.period}, ${fmtDateTime(s.last_run.created_at, s.time_zone)}`),
          h('span', { class: 'muted' }, ` — ${recipientsText(s.last_run)}`)]
          : 'Not yet')),
      h('div', { class: 'row' }, sendNow, edit, toggle, del),
      itemStatus, itemError);
  }

  async function load(message) {
    error.textContent = '';
    try {
      const q = filter.value ? `?kind=${encodeURIComponent(filter.value)}` : '';
      const { items } = await api('GET', `/api/report-schedules${q}`);
      replace(list, items.map(scheduleItem));
      status.textContent = `${message ? `${message} ` : ''}${items.length
        ? `${items.length} schedule${items.length === 1 ? '' : 's'}.` : 'No schedules yet.'}`;
    } catch (err) {
      error.textContent = errorText(err);
    }
  }

  try {
    ({ reports } = await api('GET', '/api/reports'));
  } catch (err) {
    replace(main, h('h1', {}, 'Report schedules'), h('p', { class: 'error', role: 'alert' }, errorText(err)));
    throw err;
  }
  filter.append(...reports.map((r) => h('option', { value: r.kind, selected: r.kind === param('kind') }, r.title)));
  filter.addEventListener('change', () => load());
  const createForm = scheduleForm('new', null, async (saved) => {
    await load(`${saved.title} scheduled: first run ${saved.next_runs?.[0] ? fmtDateTime(saved.next_runs[0], saved.time_zone) : 'not in the next year'}.`);
    status.focus();
  });
  status.setAttribute('tabindex', '-1');

  replace(main,
    h('h1', {}, 'Report schedules'),
    h('p', {}, 'Each schedule mails a report on a timetable. ', h('a', { href: '/admin-reports.html' }, 'Reports'),
      ' has previews and the archive of every run.'),
    h('section', { 'aria-labelledby': 'schedules-title' },
      h('h2', { id: 'schedules-title' }, 'Schedules'),
      h('label', { for: 's-filter' }, 'Show'), filter,
      status, error, list),
    h('section', { class: 'card', 'aria-labelledby': 'new-title' },
      h('h2', { id: 'new-title' }, 'New schedule'),
      createForm));
  await load();
}
