// roster.js — the event page's roster: each role's fill against its
// capacity, and who holds or waits for a place.  Reads the "roster" part
// of GET /api/events/:id (sql: scc.event_roster_json).

import { h, replace, fillBar, badge } from './dom.js';

const ROLES = [['captain', 'Captain'], ['crew', 'Crew'], ['guest', 'Guests']];

// renderRoster(section, page, reload): draws into section from the event
// page's JSON; reload() fetches the page again after a change.
export function renderRoster(section, page) {
  const { capacity, people } = page.roster;
  replace(section,
    h('h2', {}, 'Roster'),
    ROLES.filter(([role]) => capacity[role].max > 0 || capacity[role].filled > 0).map(([role, label]) => {
      const c = capacity[role];
      const holders = people.filter((p) => p.role === role && p.state !== 'waitlisted');
      const waiting = people.filter((p) => p.role === role && p.state === 'waitlisted');
      return h('div', { class: 'card', 'data-role': role },
        fillBar(label, c.filled, c.max),
        holders.length
          ? h('ul', {}, holders.map((p) => h('li', {}, p.name || 'Unnamed', ' ', badge(p.state))))
          : h('p', { class: 'muted' }, 'Nobody yet.'),
        waiting.length > 0 && h('p', {}, 'Waitlist:'),
        waiting.length > 0 && h('ol', {}, waiting.map((p) => h('li', {}, p.name || 'Unnamed'))));
    }));
}
