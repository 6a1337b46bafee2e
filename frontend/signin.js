// signin.js — redeems the magic-link code in the address bar, once, then
// takes the code out of the address bar and history and goes home.

import { api } from './api.js';

const status = document.getElementById('signin-status');
const code = new URLSearchParams(location.search).get('code');

// the code is single-use; it should not linger in history or be re-sent
history.replaceState(null, '', '/signin.html');

if (!code) {
  status.textContent = 'This sign-in link has no code. Ask for a new one on the home page.';
} else {
  try {
    const { user } = await api('POST', '/api/auth/redeem', { code });
    status.textContent = `Welcome${user.name ? `, ${user.name}` : ''}. Taking you home…`;
    setTimeout(() => location.assign('/'), 600);
  } catch (err) {
    status.textContent = err.code === 'invalid_code'
      ? 'This link has expired or was already used. Ask for a new one on the home page.'
      : `Could not sign you in: ${err.message}`;
  }
}
