// shell.js — what every signed-in page shares: the header with the
// navigation (what the person's role may open), who is signed in, and
// signing out.  A page calls startPage() first and builds #main itself.

import { api } from './api.js';
import { h, replace } from './dom.js';

const RANK = { guest: 1, crew: 2, captain: 3, admin: 4 };

const PAGES = [
  { id: 'events', href: '/events.html', label: 'Events', least: 'guest' },
  { id: 'analysis', href: '/analysis.html', label: 'Analysis', least: 'captain' },
  { id: 'admin', href: '/admin.html', label: 'Admin', least: 'admin' },
  { id: 'settings', href: '/settings.html', label: 'Settings', least: 'guest' },
];

// true when role is at least `least` in guest < crew < captain < admin
export function atLeast(role, least) {
  return (RANK[role] ?? 0) >= RANK[least];
}

// Draws the header into #shell with `current` marked, and answers the
// signed-in person ({id, role}) or null, in which case #main says how to
// sign in and the page should stop.
export async function startPage(current) {
  const header = document.getElementById('shell');
  let me = null;
  try {
    ({ user: me } = await api('GET', '/api/me'));
  } catch (err) {
    if (err.status !== 401) throw err;
  }
  const links = PAGES.filter((p) => me && atLeast(me.role, p.least)).map((p) =>
    h('li', {}, h('a', { href: p.href, 'aria-current': p.id === current ? 'page' : null }, p.label)));
  const signOut = me && h('button', { type: 'button', class: 'link', on: { click: async () => {
    try { await api('POST', '/api/auth/logout'); } finally { location.assign('/'); }
  } } }, 'Sign out');
  replace(header,
    h('nav', { 'aria-label': 'Main' },
      h('a', { class: 'brand', href: '/' }, 'SCC'),
      h('ul', {}, links),
      me && h('span', { class: 'who muted' }, me.role),
      signOut));
  if (!me) {
    replace(document.getElementById('main'),
      h('h1', {}, 'Sign in'),
      h('p', {}, 'This page needs you signed in. ', h('a', { href: '/' }, 'Ask for a sign-in link'), '.'));
  }
  return me;
}

// Reads ?name= from the address.
export function param(name) {
  return new URLSearchParams(location.search).get(name);
}
