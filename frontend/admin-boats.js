// admin-boats.js — the fleet for admins (GET /api/boats?all=1): each boat
// with its home port, zone and capacities; add a boat (POST /api/boats),
// edit one (PATCH /api/boats/:id), take it out of service and back
// (active false/true: no new events on an inactive boat).

import { api } from './api.js';
import { h, replace, badge, errorText } from './dom.js';
import { startPage } from './shell.js';
import { openModal } from './modal.js';


const FIELDS = [
  ['name', 'Name', 'text'], ['port_name', 'Home port', 'text'],
  ['port_lat', 'Latitude (° north)', 'number'], ['port_lon', 'Longitude (° east; west is negative)', 'number'],
  ['time_zone', 'Time zone (IANA, e.g. America/Los_Angeles)', 'text'],
  ['guest_capacity', 'Guest capacity', 'number'], ['crew_min', 'Crew minimum', 'number'], ['crew_max', 'Crew maximum', 'number'],
];

// The inputs of a boat form, prefilled from b; values() reads them back.
function boatInputs(prefix, b = {}) {
  const inputs = Object.fromEntries(FIELDS.map(([k, , type]) => [k, h('input', {
    id: `${prefix}-${k}`, name: k, type, step: type === 'number' ? 'any' : null, required: true,
    value: b[k] === undefined || b[k] === null ? '' : String(b[k]) })]));
  const nodes = FIELDS.map(([k, label]) => [h('label', { for: `${prefix}-${k}` }, label), inputs[k]]);
  const values = () => Object.fromEntries(FIELDS.map(([k, , type]) => [k,
    type === 'number' ? (inputs[k].value === '' ? null : Number(inputs[k].value)) : inputs[k].value]));
  return { inputs, nodes, values };
}

async function main() {
  const root = document.getElementById('main');
  const status = h('p', { class: 'muted', role: 'status', 'aria-live': 'polite' });
  const list = h('div', { id: 'boat-list' });
  const form = createForm();

  async function load(message) {
    try {
      const { items } = await api('GET', '/api/boats?all=1');
      replace(list, items.length === 0 ? h('p', { class: 'muted' }, 'No boats yet.')
        : h('ul', { class: 'boats' }, items.map(card)));
      status.textContent = message ?? `${items.length} boat${items.length === 1 ? '' : 's'}`;
    } catch (err) {
      status.textContent = errorText(err);
    }
  }

  function card(b) {
    return h('li', { class: 'card', 'data-boat': b.id },
      h('h2', {}, b.name, ' ', b.active ? null : badge('cancelled', 'out of service')),
      h('p', {}, `${b.port_name} (${b.port_lat}, ${b.port_lon}), ${b.time_zone}`),
      h('p', {}, `Guests up to ${b.guest_capacity}; crew ${b.crew_min}–${b.crew_max}`),
      h('div', { class: 'row' },
        h('button', { type: 'button', 'aria-label': `Edit ${b.name}`, on: { click: () => edit(b) } }, 'Edit'),
        h('button', { type: 'button', 'aria-label': `${b.active ? 'Take out of service' : 'Put back in service'}: ${b.name}`,
          on: { click: async () => {
            try {
              await api('PATCH', `/api/boats/${b.id}`, { active: !b.active });
              await load(b.active ? `${b.name} is out of service.` : `${b.name} is back in service.`);
            } catch (err) { status.textContent = errorText(err); }
          } } }, b.active ? 'Take out of service' : 'Put back in service')));
  }

  async function edit(b) {
    const f = boatInputs('eb', b);
    await openModal({
      title: `Edit ${b.name}`,
      content: h('div', { class: 'stack' }, f.nodes),
      actions: [{ label: 'Save', primary: true, run: async () => {
        const v = f.values();
        const body = Object.fromEntries(Object.entries(v).filter(([k, x]) => x !== b[k]));
        if (Object.keys(body).length > 0) await api('PATCH', `/api/boats/${b.id}`, body);
        await load(`${v.name} saved.`);
      } }],
    });
  }

  function createForm() {
    const f = boatInputs('nb', { time_zone: 'America/Los_Angeles', crew_min: 1, crew_max: 2 });
    const error = h('p', { class: 'error', role: 'alert' });
    const el = h('form', { id: 'new-boat-form', class: 'card stack', 'aria-labelledby': 'new-boat-h',
      on: { submit: async (ev) => {
        ev.preventDefault();
        error.textContent = '';
        try {
          const b = await api('POST', '/api/boats', f.values());
          el.reset();
          await load(`${b.name} added.`);
        } catch (err) {
          error.textContent = errorText(err);
        }
      } } },
      h('h2', { id: 'new-boat-h' }, 'Add a boat'), f.nodes, error,
      h('button', { type: 'submit', class: 'primary' }, 'Add boat'));
    return el;
  }

  replace(root, h('p', {}, h('a', { href: '/admin.html' }, '← Admin')), h('h1', {}, 'Boats'), status, list, form);
  await load();
}

// last, once every constant above is initialised
const me = await startPage('admin');
if (me && me.role !== 'admin') {
  replace(document.getElementById('main'), h('h1', {}, 'Boats'), h('p', {}, 'Only admins manage boats.'));
} else if (me) {
  await main();
}
