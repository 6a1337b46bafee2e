// reportperiod.js — the fields that name a report's period and time zone,
// shared by the reports page (a preview) and the schedules page: a period
// as the API reads it (scc.report_period: 'last_month', '2026-10',
// '2026-Q3', '2026', '2026-01-01..2026-03-31', ...) from a select and the
// inputs it needs, and a time zone select of the browser's IANA zones.

import { h } from './dom.js';

const localZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

// The period picker: relative periods, or one month, quarter, year or range.
export const PERIODS = [
  ['last_month', 'Last month'], ['last_quarter', 'Last quarter'], ['last_year', 'Last year'],
  ['month_to_date', 'Month to date'], ['year_to_date', 'Year to date'],
  ['month', 'A month…'], ['quarter', 'A quarter…'], ['year', 'A year…'], ['range', 'A date range…'],
];

function zones() {
  try { return Intl.supportedValuesOf('timeZone'); } catch { return [localZone, 'UTC']; }
}

// A zone <select> with `selected` chosen (and listed even if unknown here).
export function zoneSelect(id, selected) {
  const list = zones();
  if (!list.includes(selected)) list.unshift(selected);
  if (!list.includes('UTC')) list.push('UTC');
  return h('select', { id, name: 'time_zone' }, list.map((z) => h('option', { value: z, selected: z === selected }, z)));
}

// The period fields: a kind select and the inputs it needs; .value() gives
// the period as the API reads it, .focusable the input to mark on a refusal.
export function periodPicker(prefix, initial = 'last_month') {
  const now = new Date();
  const lastMonth = new Date(now.getFullYear(), now.getMonth() - 1, 1);
  const pad = (n) => String(n).padStart(2, '0');
  const kind = h('select', { id: `${prefix}-kind`, name: 'period_kind' },
    PERIODS.map(([v, label]) => h('option', { value: v, selected: v === initial }, label)));
  const month = h('input', { id: `${prefix}-month`, type: 'month', value: `${lastMonth.getFullYear()}-${pad(lastMonth.getMonth() + 1)}` });
  // the last whole quarter
  const lastQ = Math.floor(now.getMonth() / 3) || 4;
  const qYear = h('input', { id: `${prefix}-qyear`, type: 'number', min: 2000, max: 2100, inputmode: 'numeric',
    value: String(now.getFullYear() - (lastQ === 4 ? 1 : 0)) });
  const quarter = h('select', { id: `${prefix}-quarter` },
    [1, 2, 3, 4].map((q) => h('option', { value: `Q${q}`, selected: q === lastQ }, `Q${q}`)));
  const year = h('input', { id: `${prefix}-year`, type: 'number', min: 2000, max: 2100, inputmode: 'numeric',
    value: String(now.getFullYear() - 1) });
  const from = h('input', { id: `${prefix}-from`, type: 'date', value: `${now.getFullYear()}-01-01` });
  const to = h('input', { id: `${prefix}-to`, type: 'date', value: now.toISOString().slice(0, 10) });
  const parts = {
    month: h('div', { class: 'period-part' }, h('label', { for: `${prefix}-month` }, 'Month'), month),
    quarter: h('div', { class: 'row period-part' },
      h('div', {}, h('label', { for: `${prefix}-qyear` }, 'Year'), qYear),
      h('div', {}, h('label', { for: `${prefix}-quarter` }, 'Quarter'), quarter)),
    year: h('div', { class: 'period-part' }, h('label', { for: `${prefix}-year` }, 'Year'), year),
    range: h('div', { class: 'row period-part' },
      h('div', {}, h('label', { for: `${prefix}-from` }, 'From (first day)'), from),
      h('div', {}, h('label', { for: `${prefix}-to` }, 'To (last day, included)'), to)),
  };
  const sync = () => { for (const [k, el] of Object.entries(parts)) el.hidden = kind.value !== k; };
  kind.addEventListener('change', sync);
  sync();
  return {
    el: h('div', { class: 'stack' }, h('label', { for: `${prefix}-kind` }, 'Period'), kind, Object.values(parts)),
    value() {
      switch (kind.value) {
        case 'month': return month.value;
        case 'quarter': return `${qYear.value}-${quarter.value}`;
        case 'year': return year.value;
        case 'range': return `${from.value}..${to.value}`;
        default: return kind.value;
      }
    },
    focusable() {
      return { month, quarter: qYear, year, range: from }[kind.value] ?? kind;
    },
    set(period) {
      const rel = PERIODS.find(([v]) => v === period);
      if (rel) kind.value = period;
      else if (/^\d{4}-\d{2}$/.test(period)) { kind.value = 'month'; month.value = period; }
      else if (/^\d{4}-Q[1-4]$/.test(period)) { kind.value = 'quarter'; [qYear.value, quarter.value] = period.split('-'); }
      else if (/^\d{4}$/.test(period)) { kind.value = 'year'; year.value = period; }
      else if (period.includes('..')) { kind.value = 'range'; [from.value, to.value] = period.split('..'); }
      sync();
    },
  };
}
