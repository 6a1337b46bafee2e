// health.js — asks GET /api/health and shows the answer on the page.
// Values from the API go into the page as text (textContent), never as HTML.

const status = document.getElementById('health-status');
const body = document.getElementById('health-body');

async function check() {
  try {
    const res = await fetch('/api/health', { headers: { accept: 'application/json' } });
    const json = await res.json();
    status.textContent = res.ok ? 'ok' : `unavailable (${res.status})`;
    body.textContent = JSON.stringify(json, null, 2);
  } catch (err) {
    status.textContent = 'unreachable';
    body.textContent = String(err);
  }
}

check();
