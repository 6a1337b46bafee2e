// dom.js — the one way a page puts things on screen.  Every value from the
// API goes in as a text node (never as HTML), so a name full of markup
// stays text.  Times are shown in the zone they belong to (an event's time
// zone), whatever the zone of the phone that shows them.

// h('p', {class: 'muted', on: {click: fn}}, 'text', node, [more]) builds an
// element.  Props: attributes (class, id, for, type, name, role, aria-*,
// data-*, href...), `on` listeners, and the properties value, checked,
// disabled, hidden, selected.  Children: Nodes, or strings and numbers made
// text nodes; null, undefined and false are skipped; arrays are flattened.
const PROPS = new Set(['value', 'checked', 'disabled', 'hidden', 'selected']);

export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props ?? {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'on') {
      for (const [type, fn] of Object.entries(v)) el.addEventListener(type, fn);
    } else if (PROPS.has(k)) {
      el[k] = v;
    } else {
      el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.append(c);
    else el.append(document.createTextNode(String(c)));
  }
}

// replace(el, ...children): el's children become these.
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

// A filled/max bar that screen readers read: a <meter> with a label.
export function fillBar(label, filled, max) {
  const text = max > 0 ? `${filled} of ${max}` : `${filled}`;
  return h('div', { class: 'fill' },
    h('span', { class: 'fill-label' }, label, ' ', h('span', { class: 'muted' }, text)),
    h('meter', { min: 0, max: Math.max(max, 1), value: Math.min(filled, Math.max(max, 1)),
      'aria-label': `${label}: ${text}` }));
}

// A state as a badge: <span class="badge state-underway">underway</span>.
export function badge(state, text = state) {
  return h('span', { class: `badge state-${state}` }, text);
}

const formats = new Map();
function format(tz, options) {
  const key = `${tz}|${JSON.stringify(options)}`;
  if (!formats.has(key)) formats.set(key, new Intl.DateTimeFormat('en-US', { timeZone: tz, ...options }));
  return formats.get(key);
}

// Times: an ISO instant shown in the zone tz ('America/Los_Angeles').
export function fmtTime(iso, tz) {
  return iso ? format(tz, { hour: 'numeric', minute: '2-digit', timeZoneName: 'short' }).format(new Date(iso)) : '—';
}
export function fmtDate(iso, tz) {
  return iso ? format(tz, { weekday: 'short', month: 'short', day: 'numeric', year: 'numeric' }).format(new Date(iso)) : '—';
}
export function fmtDateTime(iso, tz) {
  return iso ? `${fmtDate(iso, tz)}, ${fmtTime(iso, tz)}` : '—';
}
export function fmtDuration(minutes) {
  if (minutes === null || minutes === undefined) return '—';
  const m = Math.round(Math.abs(minutes));
  const text = m >= 60 ? `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min` : `${m} min`;
  return minutes < 0 ? `−${text}` : text;
}

// The local wall-clock parts of an instant in tz, for <input type=datetime-local>.
export function toLocalInput(iso, tz) {
  if (!iso) return '';
  const p = Object.fromEntries(format(tz, { year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(iso))
    .map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

// The instant a wall-clock time 'YYYY-MM-DDTHH:MM' names in tz, as ISO UTC.
// Found by correcting a first guess with the zone's offset at that guess
// (twice, so a guess on the other side of a DST change settles).
export function fromLocalInput(value, tz) {
  if (!value) return null;
  const wanted = Date.parse(`${value}:00Z`);
  let t = wanted;
  for (let i = 0; i < 2; i++) {
    const shown = Date.parse(`${toLocalInput(new Date(t).toISOString(), tz)}:00Z`);
    t += wanted - shown;
  }
  return new Date(t).toISOString();
}

// A refused form: the sentence in errorEl, and the field the API named
// (input, or nothing when the error is not about one field) marked
// invalid and focused, so a screen reader lands on what to fix.
export function showFieldError(errorEl, err, input) {
  errorEl.textContent = errorText(err);
  if (input) {
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  }
}

// An ApiError as one sentence a person can act on: the API's message
// names the field; the code is kept for support.
export function errorText(err) {
  if (!err) return '';
  if (err.status === undefined) return `Something went wrong: ${err.message}`;
  return `${err.message} (${err.code})`;
}
