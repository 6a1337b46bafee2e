// home.js — the home page: who am I (GET /api/me), sign in by magic link,
// sign out.  Values from the API go into the page as text, never as HTML.

import { api } from './api.js';

const me = document.getElementById('me');
const signin = document.getElementById('signin');
const note = document.getElementById('signin-note');

async function showWho() {
  try {
    const { user } = await api('GET', '/api/me');
    document.getElementById('me-role').textContent = user.role;
    document.getElementById('me-id').textContent = user.id;
    me.hidden = false;
    signin.hidden = true;
  } catch {
    me.hidden = true;
    signin.hidden = false;
  }
}

document.getElementById('signin-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const email = document.getElementById('signin-email').value.trim();
  try {
    await api('POST', '/api/auth/magic-link', { email });
    note.textContent = 'If that address has an account, a sign-in link is on its way.';
  } catch (err) {
    note.textContent = `Could not ask for a link: ${err.message}`;
  }
});

document.getElementById('logout').addEventListener('click', async () => {
  try { await api('POST', '/api/auth/logout'); } finally { showWho(); }
});

showWho();
