// report-run.js — one report run (report-run.html?id=), for admins: exactly
// what was rendered and sent (GET /api/report-runs/:id): drawn by
// reportrun.js; a run still queued or rendering is followed until it ends.

import { api } from './api.js';
import { h, replace, errorText } from './dom.js';
import { atLeast, startPage, param } from './shell.js';
import { runView, waitForRun, stateText } from './reportrun.js';

const me = await startPage('admin');
const main = document.getElementById('main');

if (me && !atLeast(me.role, 'admin')) {
  replace(main, h('h1', {}, 'Report run'), h('p', {}, 'This page is for admins.'));
} else if (me) {
  const status = h('p', { id: 'run-status', role: 'status', 'aria-live': 'polite', class: 'muted' });
  const back = h('p', {}, h('a', { href: '/admin-reports.html' }, 'All reports and the archive'));
  const show = (run) => {
    document.title = `${run.title}: ${run.period_label ?? run.period} — SCC`;
    status.textContent = stateText(run);
    replace(main, back, runView(run, { headingLevel: 1 }), status);
  };
  try {
    const id = param('id') ?? '';
    const { run } = await api('GET', `/api/report-runs/${encodeURIComponent(id)}`);
    show(run);
    if (run.state === 'queued' || run.state === 'running') {
      show(await waitForRun(id, (r) => { status.textContent = stateText(r); }));
    }
  } catch (err) {
    replace(main, h('h1', {}, 'Report run'), back, h('p', { class: 'error', role: 'alert' }, errorText(err)));
  }
}
