// reportrun.js — one report run on screen, shared by the reports page (a
// preview as it finishes) and report-run.html (any archived run): its state,
// period and zone, who asked and who it went to, the rendered HTML in a
// sandboxed frame (served under a CSP with no script), the figures as a
// table from the run's JSON ("n/a" for a figure without a value), the CSV
// and text links, the hashes of what was rendered, and what was mailed: each
// email job with its outbox rows (status, transport, the provider's message
// id).  Also waitForRun(), which polls GET /api/report-runs/:id until the
// worker has finished.

import { api } from './api.js';
import { h, badge, fmtDateTime } from './dom.js';

const localZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
const whole = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const UNITS = { days: 'days', hours: 'h', nm: 'nm', knots: 'kn' };

// A figure's value as a person reads it: cents as dollars with thousands
// separators, percentages and ratios, counts; null is "n/a".
export function formatValue(value, unit) {
  if (value === null || value === undefined) return 'n/a';
  if (typeof value !== 'number') return String(value);
  switch (unit) {
    case 'cents': return money.format(value / 100);
    case 'count': return whole.format(value);
    case 'percent': return `${decimal.format(value)}%`;
    case 'ratio': return `${decimal.format(value * 100)}%`;
    default: return UNITS[unit] ? `${decimal.format(value)} ${UNITS[unit]}` : decimal.format(value);
  }
}

// Polls the run until it is done or failed; onUpdate(run) after each read.
// Gives up (throws) after `limitMs`.
export async function waitForRun(id, onUpdate, { limitMs = 180_000 } = {}) {
  const until = Date.now() + limitMs;
  let delay = 400;
  for (;;) {
    const { run } = await api('GET', `/api/report-runs/${encodeURIComponent(id)}`);
    onUpdate?.(run);
    if (run.state === 'done' || run.state === 'failed') return run;
    if (Date.now() > until) throw new Error(`run ${id} is still ${run.state}; look at it again later in the archive`);
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 1.5, 2000);
  }
}

// "Queued", "Rendering", ... in words for the status line.
export function stateText(run) {
  switch (run.state) {
    case 'queued': return 'Queued: waiting for the worker…';
    case 'running': return 'Rendering…';
    case 'done': return `Done${run.duration_ms !== null && run.duration_ms !== undefined ? ` in ${run.duration_ms} ms` : ''}.`;
    case 'failed': return `Failed: ${run.error ?? 'no reason recorded'}`;
    default: return run.state;
  }
}

// Who a run went to, in words.
export function recipientsText(run) {
  if (!run.recipients?.length) return 'Preview: not mailed';
  return `${run.test ? 'Test to ' : 'Sent to '}${run.recipients.join(', ')}`;
}

// The run's figures, one table a section; a section waiting for data says
// which, in words.
export function figuresTables(data, idPrefix = 'fig') {
  if (!data?.sections?.length) return h('p', { class: 'muted' }, 'This report has no sections.');
  return data.sections.map((s, i) => {
    const titleId = `${idPrefix}-s${i}`;
    const figures = s.figures ?? [];
    return h('section', { class: 'report-section', 'aria-labelledby': titleId },
      h('h3', { id: titleId }, s.title ?? s.id ?? `Section ${i + 1}`),
      s.pending ? h('p', { class: 'muted' }, `Awaiting data: ${s.pending}.`) : null,
      figures.length ? h('table', { class: 'figures' },
        h('caption', { class: 'visually-hidden' }, `${s.title ?? 'Section'}: figures`),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Figure'), h('th', { scope: 'col' }, 'Value'))),
        h('tbody', {}, figures.map((f) => h('tr', {},
          h('th', { scope: 'row' }, f.label ?? f.id,
            f.formula ? h('span', { class: 'formula muted small' }, f.formula) : null),
          h('td', { class: 'num' }, formatValue(f.value, f.unit)))))) : null,
      !s.pending && !figures.length && !s.table ? h('p', { class: 'muted' }, 'No figures.') : null);
  });
}

// The last day of a period whose end (a date) is excluded.
function lastDay(ends) {
  return new Date(Date.parse(`${ends}T00:00:00Z`) - 86400e3).toISOString().slice(0, 10);
}

function dl(pairs) {
  return h('dl', { class: 'record' }, pairs.filter(Boolean).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

function emailsList(run) {
  if (!run.emails?.length) {
    return h('p', { class: 'muted' }, run.recipients?.length && run.state === 'done'
      ? 'No email job recorded.' : 'Nothing was mailed.');
  }
  return h('ul', { class: 'plain stack' }, run.emails.map((e) => h('li', { class: 'card' },
    h('p', {}, h('strong', {}, `Email job ${e.job_id}`), ' ', badge(e.state),
      e.attempts ? h('span', { class: 'muted' }, ` after ${e.attempts} attempt${e.attempts === 1 ? '' : 's'}`) : null),
    e.last_error ? h('p', { class: 'error' }, e.last_error) : null,
    e.outbox.length ? h('ul', { class: 'plain' }, e.outbox.map((o) => h('li', {},
      dl([
        ['Status', o.status],
        ['Transport', o.transport ?? '—'],
        o.delivered_by ? ['Delivered by', o.delivered_by] : null,
        ['Message id', o.message_id ?? '—'],
        ['To', (o.recipients ?? []).join(', ')],
        ['Subject', o.subject],
        o.sent_at ? ['Sent', fmtDateTime(o.sent_at, localZone)] : null,
        o.last_error ? ['Last error', o.last_error] : null,
      ])))) : h('p', { class: 'muted' }, 'No outbox row yet.'))));
}

// The whole run, for a section of a page.  `headingLevel` 2 or 3.
export function runView(run, { headingLevel = 2, idPrefix = 'run' } = {}) {
  const H = `h${headingLevel}`;
  const sub = `h${headingLevel + 1}`;
  const done = run.state === 'done';
  const heading = `${run.title ?? run.kind}: ${run.period_label ?? run.period}`;
  return h('div', { class: 'run-view stack', 'data-run': run.id },
    h(H, {}, heading),
    h('p', {}, badge(run.state), ' ', run.test ? badge('test', 'test') : null, ' ',
      h('span', { class: 'muted' }, `Run ${run.id}`)),
    run.state === 'failed' ? h('p', { class: 'error', role: 'alert' }, `The run failed: ${run.error ?? 'no reason recorded'}`) : null,
    dl([
      ['Period', `${run.period_label ?? run.period} (${run.period})`],
      ['Dates', run.starts ? `${run.starts} to ${lastDay(run.ends)}` : '—'],
      ['Time zone', run.time_zone],
      ['Variant', run.variant ?? 'default'],
      ['Requested by', run.requested_by ? (run.requested_by.name || run.requested_by.email)
        : (run.schedule_id ? `schedule ${run.schedule_id}` : '—')],
      ['Recipients', recipientsText(run)],
      ['Requested', fmtDateTime(run.created_at, localZone)],
      run.finished_at ? ['Finished', fmtDateTime(run.finished_at, localZone)] : null,
      run.duration_ms !== null && run.duration_ms !== undefined ? ['Rendering took', `${run.duration_ms} ms`] : null,
    ]),
    done ? [
      h('div', { class: 'row' },
        h('a', { class: 'button', href: run.files.csv, download: '' }, 'Download the CSV'),
        h('a', { class: 'button', href: run.files.text }, 'Plain text'),
        h('a', { class: 'button', href: run.files.html, target: '_blank', rel: 'noopener' }, 'Open the HTML alone')),
      h(sub, {}, 'As rendered'),
      h('iframe', { class: 'report-frame', sandbox: true, src: run.files.html,
        title: `${heading}, as rendered for email` }),
      h(sub, {}, 'Figures'),
      figuresTables(run.data, `${idPrefix}-fig`),
      h(sub, {}, 'Hashes (SHA-256)'),
      dl([['HTML', h('code', {}, run.hashes.html ?? '—')], ['Text', h('code', {}, run.hashes.text ?? '—')],
        ['CSV', h('code', {}, run.hashes.csv ?? '—')]]),
    ] : null,
    h(sub, {}, 'What was mailed'),
    emailsList(run));
}
