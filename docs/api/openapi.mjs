#!/usr/bin/env node
// openapi.mjs — writes frontend/api/openapi.json, the OpenAPI 3.1 description
// of every route, which nginx serves at /api/openapi.json as a static file.
//
//   node docs/api/openapi.mjs            # (make openapi) rewrite the file
//   node docs/api/openapi.mjs --check    # exit 1 when the file is not current
//
// What each route takes and answers is written here, once, in a compact
// notation (below, "Schemas"); what the module knows is read from its route
// table (ngx_scc_module/ngx_http_scc_route.c): the methods and paths, the
// least role, public or not, body or not, file answers, token issuing.  A
// route in the table without a description here, or a description of no
// route, stops the generator; tests/api/openapi.test.js checks the served
// file against the table again, validates it with an OpenAPI 3.1 validator
// and validates real answers against it.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const OUT = path.join(ROOT, 'frontend/api/openapi.json');
const ROUTE_C = path.join(ROOT, 'ngx_scc_module/ngx_http_scc_route.c');

/** The module's route table: [{ method, path, fn, role, flags: Set }]. */
export function routeTable() {
  const c = fs.readFileSync(ROUTE_C, 'utf8');
  const rows = [];
  const re = /ngx_http_scc_route(_local)?\(\s*NGX_HTTP_(\w+),\s*"([^"]+)",\s*("[^"]*"|\w+),\s*NGX_HTTP_SCC_ROLE_(\w+),\s*([^)]*)\)/g;
  for (const m of c.matchAll(re)) {
    const flags = new Set(m[6].split(/[\s|]+/).filter((f) => f.startsWith('NGX_HTTP_SCC_'))
      .map((f) => f.replace('NGX_HTTP_SCC_', '')));
    rows.push({ method: m[2], path: m[3], fn: m[1] ? null : m[4].replace(/"/g, ''), role: m[5].toLowerCase(), flags });
  }
  return rows;
}

// ---- Schemas -------------------------------------------------------------
// A compact notation for JSON Schema:
//   'string' 'integer' 'number' 'boolean' 'uuid' 'date' 'date-time' 'email'
//   'id' (a positive integer) 'any' 'object' (any object) 'cents' (integer)
//   'a|b|c'         one of these strings (when every part is a bare word
//                   that is not a type name)
//   'T?'            in an object: an optional key (the key carries the ?)
//   'T|null'        nullable
//   '#Name'         a component schema
//   [T]             an array of T
//   {k: T, 'k?': T} an object; bodies are closed (additionalProperties:
//                   false: the SQL refuses unknown fields), answers open
const BASE = {
  string: { type: 'string' }, integer: { type: 'integer' }, number: { type: 'number' },
  boolean: { type: 'boolean' }, uuid: { type: 'string', format: 'uuid' },
  date: { type: 'string', format: 'date' }, 'date-time': { type: 'string', format: 'date-time' },
  email: { type: 'string', format: 'email' }, id: { type: 'integer', minimum: 1 },
  any: {}, object: { type: 'object' }, cents: { type: 'integer' }, array: { type: 'array' },
};

function S(spec, closed = false) {
  if (Array.isArray(spec)) return { type: 'array', items: S(spec[0], closed) };
  if (spec && typeof spec === 'object') {
    const properties = {}, required = [];
    for (const [k, v] of Object.entries(spec)) {
      const opt = k.endsWith('?');
      const name = opt ? k.slice(0, -1) : k;
      properties[name] = S(v, closed);
      if (!opt) required.push(name);
    }
    const o = { type: 'object', properties };
    if (required.length) o.required = required;
    if (closed) o.additionalProperties = false;
    return o;
  }
  let s = spec, nullable = false;
  if (s.endsWith('|null')) { nullable = true; s = s.slice(0, -5); }
  let out;
  if (s.startsWith('#')) out = { $ref: `#/components/schemas/${s.slice(1)}` };
  else if (BASE[s]) out = { ...BASE[s] };
  else if (/^[A-Za-z_]+(\|[A-Za-z_]+)+$/.test(s) || /^[a-z_]+$/.test(s)) out = { type: 'string', enum: s.split('|') };
  else throw new Error(`openapi: unknown schema notation ${spec}`);
  if (!nullable) return out;
  if (out.$ref) return { anyOf: [out, { type: 'null' }] };
  if (out.enum) return { ...out, type: ['string', 'null'], enum: [...out.enum, null] };
  return { ...out, type: [out.type, 'null'] };
}
const body = (spec) => S(spec, true);

const ROLES = 'guest|crew|captain|admin';
const STATES = 'draft|scheduled|boarding|underway|returned|closed|cancelled';

const components = {
  Error: S({ error: { code: 'string', message: 'string', request_id: 'string',
    'missing?': 'any', 'errors?': ['object'], 'field?': 'string' } }),
  User: S({ id: 'uuid', email: 'email', name: 'string|null', phone: 'string|null', role: ROLES,
    disabled_at: 'date-time|null', created_at: 'date-time' }),
  Tokens: S({ user: '#User', 'access_token?': 'string', 'refresh_token?': 'string',
    'expires_in?': 'integer', 'session_id?': 'uuid' }),
  Boat: S({ id: 'uuid', name: 'string', active: 'boolean', time_zone: 'string' }),
  EventSummary: S({ id: 'uuid', title: 'string', boat: { id: 'uuid', name: 'string' },
    departure_at: 'date-time', return_at: 'date-time', time_zone: 'string', state: STATES }),
  EventPage: S({ event: { id: 'uuid', title: 'string', state: STATES, departure_at: 'date-time',
    return_at: 'date-time', time_zone: 'string' } }),
  Place: S({ id: 'id', role: 'captain|crew|guest', state: 'string' }),
  ChecklistTemplate: S({ id: 'uuid', name: 'string', phase: 'pre|post', items: ['object'] }),
  WaiverVersion: S({ id: 'uuid', version: 'integer', title: 'string', body_sha256: 'string' }),
  ReportRun: S({ id: 'id', kind: 'string', state: 'string', period_label: 'string',
    time_zone: 'string' }),
  ReportSchedule: S({ id: 'id', kind: 'string', cron: 'string', time_zone: 'string',
    recipients: ['string'], enabled: 'boolean' }),
  Import: S({ import_id: 'id', kind: 'string', rows: 'integer', inserted: 'integer', updated: 'integer' }),
};

// ---- The routes ----------------------------------------------------------
// Per route: tag, summary, description?, query {name: T} (all optional),
// body (a closed object), ok [status, T | 'file:media/type', description?],
// errors {status: [codes]} (401/403 for non-public routes are added).
const R = {};
const route = (key, spec) => { R[key] = spec; };

const ITEMS = (t) => ({ items: [t] });

route('GET /api/health', { tag: 'health', summary: 'Liveness: the database time, the schema version and this nginx worker\'s connection set',
  ok: [200, { status: 'ok', db_time: 'date-time', schema_version: 'integer', pool: 'object' }],
  errors: { 503: ['db_unavailable'] } });

route('POST /api/auth/magic-link', { tag: 'auth', summary: 'Email a sign-in link (always 202, known address or not; one a minute per address)',
  body: { email: 'string' }, ok: [202, { status: 'sent' }], errors: { 400: ['email_required', 'invalid_email'] } });
route('POST /api/auth/link', { tag: 'auth', summary: 'Who a link is for, without spending it',
  body: { code: 'string' },
  ok: [200, { purpose: 'string', email: 'email', role: ROLES, expires_at: 'date-time' }],
  errors: { 400: ['code_required', 'invalid_code'], 401: ['invalid_code'] } });
route('POST /api/auth/redeem', { tag: 'auth', summary: 'Spend a link once: a session, tokens (in the body for API clients, no Origin) and cookies',
  body: { code: 'string' }, ok: [200, '#Tokens'],
  errors: { 400: ['code_required', 'invalid_code'], 401: ['invalid_code'] } });
route('POST /api/auth/refresh', { tag: 'auth', summary: 'Rotate the refresh token (body or cookie); the same token again within 30 s gets the same successor',
  body: { 'refresh_token?': 'string' }, ok: [200, '#Tokens'],
  errors: { 401: ['invalid_refresh_token', 'user_disabled'] } });
route('POST /api/auth/logout', { tag: 'auth', summary: 'End the session and clear the cookies',
  body: { 'refresh_token?': 'string' }, ok: [200, { status: 'string' }] });
route('POST /api/ses/sns', { tag: 'email', summary: 'Amazon SNS deliveries of SES bounces and complaints, stored untrusted and queued; the worker verifies each signature',
  description: 'Subscribe an SNS topic (HTTPS, raw message delivery off) to this route. Sent as SNS sends it (text/plain) or as application/json. '
    + 'A repeated delivery of the same MessageId answers the same row and queues nothing new.',
  body: { Type: 'Notification|SubscriptionConfirmation|UnsubscribeConfirmation', MessageId: 'string', TopicArn: 'string', Message: 'string',
    Timestamp: 'string', SignatureVersion: 'string', Signature: 'string', SigningCertURL: 'string', 'Subject?': 'string|null',
    'SubscribeURL?': 'string', 'UnsubscribeURL?': 'string', 'Token?': 'string', 'MessageAttributes?': 'object' },
  ok: [202, { status: 'queued', id: 'id' }],
  errors: { 400: ['unknown_field', 'invalid_type', 'message_id_required', 'signature_required', 'signing_cert_url_required',
    'signature_version_required', 'timestamp_required', 'topic_arn_required', 'message_required'], 413: ['body_too_large'] } });
route('GET /api/me', { tag: 'users', summary: 'Who the token says you are (answered by the module, no database round trip)',
  ok: [200, { user: { id: 'uuid', role: ROLES }, 'session_id?': 'uuid', expires_at: 'date-time' }] });

route('POST /api/invites', { tag: 'users', summary: 'Invite someone: captains invite crew and guests, admins anyone; the link is emailed',
  body: { email: 'string', role: ROLES, 'name?': 'string', 'event_id?': 'uuid' },
  ok: [202, 'object'], errors: { 400: ['email_required', 'invalid_email', 'invalid_role', 'unknown_field'], 403: ['role_not_allowed'], 404: ['event_not_found'] } });
route('GET /api/users', { tag: 'users', summary: 'Search and page the users', query: { q: 'string', limit: 'integer', offset: 'integer' },
  ok: [200, { items: ['#User'], total: 'integer' }], errors: { 400: ['invalid_limit', 'invalid_offset', 'invalid_query'] } });
route('GET /api/users/:id', { tag: 'users', summary: 'One user', ok: [200, '#User'], errors: { 400: ['invalid_id'], 404: ['user_not_found'] } });
route('PATCH /api/users/:id', { tag: 'users', summary: 'Change a role (audited); never the last enabled admin\'s',
  body: { role: ROLES }, ok: [200, '#User'], errors: { 400: ['invalid_id', 'invalid_role', 'unknown_field'], 404: ['user_not_found'], 409: ['last_admin'] } });
route('POST /api/users/:id/disable', { tag: 'users', summary: 'Disable a user and revoke every session (audited)',
  body: { 'reason?': 'string' }, ok: [200, '#User'], errors: { 400: ['invalid_id', 'invalid_reason'], 404: ['user_not_found'], 409: ['last_admin'] } });
route('GET /api/me/profile', { tag: 'users', summary: 'Your own user and settings',
  ok: [200, { id: 'uuid', email: 'email', name: 'string|null', phone: 'string|null', role: ROLES, notify_email: 'boolean' }] });
route('PATCH /api/me', { tag: 'users', summary: 'Your settings (audited when something changed)',
  body: { 'name?': 'string', 'phone?': 'string|null', 'notify_email?': 'boolean' },
  ok: [200, { id: 'uuid', email: 'email', name: 'string|null', role: ROLES, notify_email: 'boolean' }], errors: { 400: ['unknown_field', 'invalid_name', 'invalid_phone', 'invalid_notify_email'] } });
route('GET /api/me/calendar', { tag: 'calendar', summary: 'Whether you have a calendar feed (its link cannot be shown again)',
  ok: [200, { exists: 'boolean', created_at: 'date-time|null' }] });
route('POST /api/me/calendar/reset', { tag: 'calendar', summary: 'A new secret feed link, shown once; the old one stops working',
  body: {}, ok: [201, { path: 'string', created_at: 'date-time' }] });
route('GET /api/calendar/:token', { tag: 'calendar', summary: 'Your sails as RFC 5545 iCalendar (the token is the credential)',
  ok: [200, 'file:text/calendar'], errors: { 404: ['feed_not_found'] } });

const BOAT_FIELDS = { 'name?': 'string', 'port_name?': 'string', 'port_lat?': 'number', 'port_lon?': 'number',
  'time_zone?': 'string', 'guest_capacity?': 'integer', 'crew_min?': 'integer', 'crew_max?': 'integer', 'active?': 'boolean' };
route('GET /api/boats', { tag: 'charter', summary: 'The fleet by name (admins: all=1 adds boats out of service)', query: { all: 'integer' },
  ok: [200, ITEMS('#Boat')], errors: { 400: ['invalid_all'] } });
route('POST /api/boats', { tag: 'charter', summary: 'Add a boat',
  body: { ...BOAT_FIELDS, name: 'string', port_name: 'string', port_lat: 'number', port_lon: 'number', time_zone: 'string', guest_capacity: 'integer' }, ok: [201, '#Boat'],
  errors: { 400: ['unknown_field', 'name_required', 'invalid_time_zone'], 409: ['boat_name_taken'], 422: ['crew_min_above_max', 'name_too_long'] } });
route('PATCH /api/boats/:id', { tag: 'charter', summary: 'Edit a boat (active: false takes it out of service)', body: BOAT_FIELDS, ok: [200, '#Boat'],
  errors: { 400: ['empty_body', 'invalid_id', 'unknown_field'], 404: ['boat_not_found'], 409: ['boat_name_taken'], 422: ['crew_min_above_max'] } });

const EVENT_FIELDS = { 'title?': 'string', 'departure_at?': 'date-time', 'return_at?': 'date-time', 'notes?': 'string|null',
  'meetup_at?': 'date-time|null', 'meetup_place?': 'string|null', 'time_zone?': 'string', 'crew_min?': 'integer', 'crew_max?': 'integer',
  'guest_max?': 'integer', 'release_cutoff_hours?': 'integer', 'overdue_grace_minutes?': 'integer' };
route('GET /api/events', { tag: 'charter', summary: 'Sails departing in [from, to) with the fill of each role',
  query: { from: 'date-time', to: 'date-time', boat: 'uuid', state: 'string', mine: 'integer', order: 'asc|desc', limit: 'integer' },
  ok: [200, { items: ['#EventSummary'], from: 'date-time', to: 'date-time|null' }],
  errors: { 400: ['invalid_from', 'invalid_to', 'invalid_boat', 'invalid_state', 'invalid_mine', 'invalid_order', 'invalid_limit'], 422: ['to_before_from'] } });
route('POST /api/events', { tag: 'charter', summary: 'Create a sail (draft or scheduled); defaults from the boat',
  body: { boat_id: 'uuid', title: 'string', departure_at: 'date-time', return_at: 'date-time', ...EVENT_FIELDS, 'state?': 'draft|scheduled' },
  ok: [201, '#EventPage'],
  errors: { 400: ['unknown_field', 'boat_id_required', 'title_required', 'invalid_departure_at'], 404: ['boat_not_found'], 409: ['boat_inactive'],
    422: ['return_before_departure', 'event_too_long', 'meetup_after_departure', 'crew_min_above_max', 'guest_max_over_capacity', 'departure_in_past'] } });
route('GET /api/events/:id', { tag: 'charter', summary: 'The event page: event, timing, roster and waitlist, checklists, what you may do',
  ok: [200, '#EventPage'], errors: { 400: ['invalid_id'], 404: ['event_not_found'] } });
route('PATCH /api/events/:id', { tag: 'charter', summary: 'Edit a sail (new times emailed to the roster unless silent)',
  body: { ...EVENT_FIELDS, 'boat_id?': 'uuid', 'silent?': 'boolean' }, ok: [200, '#EventPage'],
  errors: { 400: ['empty_body', 'invalid_id', 'unknown_field'], 404: ['event_not_found'], 409: ['event_not_editable', 'departure_locked', 'boat_locked'], 422: ['return_before_departure'] } });
route('POST /api/events/:id/transition', { tag: 'charter', summary: 'Move a sail to its next state; 409 not_ready lists what is missing; admins may force with a reason',
  body: { to: STATES, 'reason?': 'string', 'force?': 'boolean', 'silent?': 'boolean' }, ok: [200, '#EventPage'],
  errors: { 400: ['to_required', 'reason_required', 'unknown_field'], 404: ['event_not_found'], 409: ['not_ready', 'invalid_transition'] } });
route('POST /api/events/:id/copy', { tag: 'charter', summary: 'The same sail on new dates, as a draft',
  body: { departure_at: 'date-time', return_at: 'date-time', 'title?': 'string' }, ok: [201, '#EventPage'],
  errors: { 400: ['unknown_field', 'departure_at_required'], 404: ['event_not_found'], 422: ['return_before_departure'] } });

route('POST /api/events/:id/roles/:role/claim', { tag: 'roster', summary: 'Claim a place: confirmed when free, else the waitlist with your position',
  body: {}, ok: [201, { place: '#Place' }],
  errors: { 400: ['invalid_event_id', 'invalid_role', 'unknown_field'], 404: ['event_not_found'], 409: ['event_not_open', 'already_on_event'] } });
route('POST /api/events/:id/roles/:role/release', { tag: 'roster', summary: 'Leave a place (or remove someone\'s); the waitlist\'s head is promoted and told',
  body: { 'user_id?': 'uuid', 'reason?': 'string' }, ok: [200, { place: '#Place', promoted: ['object'] }],
  errors: { 400: ['invalid_user_id', 'invalid_reason', 'unknown_field'], 404: ['place_not_found'], 409: ['event_not_open', 'release_cutoff_passed'] } });
route('POST /api/events/:id/roles/:role/accept', { tag: 'roster', summary: 'Accept a designation', body: {},
  ok: [200, { place: '#Place' }], errors: { 404: ['place_not_found'], 409: ['not_designated', 'event_not_open'] } });
route('POST /api/events/:id/designate', { tag: 'roster', summary: 'Designate a captain, crew or guest by id or address (an address without an account gets an invite)',
  body: { role: 'captain|crew|guest', 'user_id?': 'uuid', 'email?': 'string', 'name?': 'string' }, ok: [200, { place: '#Place' }],
  errors: { 400: ['role_required', 'invalid_user_id', 'invalid_email', 'unknown_field'], 404: ['event_not_found', 'user_not_found'], 409: ['role_full', 'event_not_open'] } });
route('POST /api/events/:id/override', { tag: 'roster', summary: 'Add, remove or move anyone past capacity, with a reason; silent mails nobody',
  body: { action: 'add|remove|move', user_id: 'uuid', role: 'captain|crew|guest', reason: 'string', 'silent?': 'boolean' },
  ok: [200, { place: '#Place', promoted: ['object'] }],
  errors: { 400: ['action_required', 'invalid_action', 'invalid_user_id', 'role_required', 'reason_required', 'unknown_field'],
    404: ['user_not_found', 'place_not_found'], 409: ['event_closed', 'user_disabled', 'already_on_event', 'same_role'], 422: ['role_not_allowed'] } });
route('GET /api/events/:id/candidates', { tag: 'roster', summary: 'Up to 20 people to designate whose name or address starts with q',
  query: { q: 'string' }, ok: [200, { candidates: ['#User'] }], errors: { 400: ['invalid_query'] } });

route('GET /api/checklist-templates', { tag: 'checklists', summary: 'Every checklist template with its items', query: { boat: 'uuid', phase: 'pre|post' },
  ok: [200, { templates: ['#ChecklistTemplate'] }] });
const TEMPLATE_ITEM = { 'id?': 'uuid', 'label?': 'string', 'kind?': 'check|choice|number|text', 'options?': ['string'], 'unit?': 'string|null',
  'min?': 'number|null', 'max?': 'number|null', 'required?': 'boolean', 'active?': 'boolean' };
route('POST /api/checklist-templates', { tag: 'checklists', summary: 'A checklist template, global or for one boat',
  body: { name: 'string', phase: 'pre|post', 'boat_id?': 'uuid|null', 'active?': 'boolean', 'items?': [TEMPLATE_ITEM] },
  ok: [201, '#ChecklistTemplate'], errors: { 400: ['unknown_field', 'name_required', 'invalid_phase'], 404: ['boat_not_found'] } });
route('PATCH /api/checklist-templates/:id', { tag: 'checklists', summary: 'Edit a template; items is the whole list as it should be',
  body: { 'name?': 'string', 'phase?': 'pre|post', 'boat_id?': 'uuid|null', 'active?': 'boolean', 'items?': [TEMPLATE_ITEM] },
  ok: [200, '#ChecklistTemplate'], errors: { 400: ['invalid_id', 'unknown_field'], 404: ['template_not_found'], 409: ['item_in_use'] } });
route('PUT /api/events/:id/checklist/:item', { tag: 'checklists', summary: 'Answer a checklist item (checked against its kind, options and range)',
  body: { value: 'any', 'note?': 'string|null' }, ok: [200, { item: 'object', checklist: 'any' }],
  errors: { 400: ['invalid_id', 'unknown_field'], 404: ['item_not_found'], 409: ['phase_closed', 'phase_not_open'], 422: ['not_an_option', 'out_of_range', 'value_too_long'] } });
route('GET /api/checklists/analysis', { tag: 'checklists', summary: 'How a template item was answered across events (JSON or CSV)',
  query: { item: 'uuid', from: 'date', to: 'date', boat: 'uuid', format: 'json|csv' }, ok: [200, 'file:application/json'],
  errors: { 400: ['item_required', 'invalid_item', 'invalid_format'], 404: ['item_not_found'] } });
route('GET /api/audit', { tag: 'audit', summary: 'The audit log, newest first, in keyset pages',
  query: { actor: 'uuid', entity: 'string', action: 'string', from: 'string', to: 'string', before: 'id', limit: 'integer' },
  ok: [200, { items: ['object'], next_before: 'integer|null' }], errors: { 400: ['invalid_actor', 'invalid_from', 'invalid_to', 'invalid_before', 'invalid_limit'] } });

route('GET /api/waiver-templates', { tag: 'waivers', summary: 'Every waiver template with its current version',
  ok: [200, { templates: ['object'] }] });
route('POST /api/waiver-templates', { tag: 'waivers', summary: 'A new template, or a new version of one (every edit is a new version, its text kept exactly with its SHA-256)',
  body: { 'template_id?': 'uuid', 'name?': 'string', 'boat_id?': 'uuid|null', title: 'string', body: 'string', intent_text: 'string', consent_text: 'string',
    adult_text: 'string', validity: 'string', 'valid_from?': 'date|null', 'valid_to?': 'date|null', 'change_note?': 'string|null' },
  ok: [201, '#WaiverVersion'],
  errors: { 400: ['name_required', 'title_required', 'body_required', 'body_too_long', 'validity_required', 'unknown_field'], 404: ['template_not_found', 'boat_not_found'] } });
route('GET /api/waiver-templates/:id/versions', { tag: 'waivers', summary: 'Every version newest first with a line diff; from/to compare two',
  query: { from: 'integer', to: 'integer' }, ok: [200, { template: 'object', versions: ['#WaiverVersion'] }],
  errors: { 400: ['invalid_id', 'invalid_from', 'invalid_to'], 404: ['template_not_found'] } });
route('PATCH /api/waiver-templates/:id', { tag: 'waivers', summary: 'Rename, retire or make active a template',
  body: { 'name?': 'string', 'active?': 'boolean' }, ok: [200, 'object'],
  errors: { 400: ['nothing_to_change', 'invalid_name', 'invalid_active', 'unknown_field'], 404: ['template_not_found'] } });
route('GET /api/events/:id/waiver-version', { tag: 'waivers', summary: 'The version the event requires, the newer one it may move to, the guests on hold',
  ok: [200, { event_id: 'uuid', required: 'object|null', next: 'object|null', may_move: 'boolean' }], errors: { 400: ['invalid_id'], 404: ['event_not_found'] } });
route('POST /api/events/:id/waiver-version', { tag: 'waivers', summary: 'Require a newer version; its guests who signed the old one are held and emailed their waiver link',
  body: { version_id: 'uuid', reason: 'string' }, ok: [200, { event_id: 'uuid', held: ['object'] }],
  errors: { 400: ['version_id_required', 'invalid_version_id', 'reason_required', 'unknown_field'], 404: ['version_not_found'], 409: ['event_closed', 'event_cancelled'], 422: ['version_not_newer', 'version_other_template'] } });
route('GET /api/events/:id/waiver', { tag: 'waivers', summary: 'The version a guest must sign (text exactly as stored, its SHA-256, the statements), their hold and signature',
  ok: [200, { version: '#WaiverVersion', event: 'object', place: 'object|null', signature: 'object|null', account: 'object' }],
  errors: { 400: ['invalid_id', 'unknown_parameter'], 404: ['event_not_found', 'no_waiver_required'] } });
route('POST /api/events/:id/waiver', { tag: 'waivers', summary: 'Sign: an immutable record with the statements verbatim, server time, address, the session',
  body: { version_id: 'uuid', body_sha256: 'string', legal_name: 'string', email: 'string', 'date_of_birth?': 'date', 'adult?': 'boolean',
    intent: 'boolean', consent: 'boolean', 'minors?': [{ name: 'string', date_of_birth: 'date' }],
    emergency: { name: 'string', phone: 'string', relationship: 'string' }, 'supersedes?': 'uuid' },
  ok: [201, { signature: 'object', hold: 'any', next: 'any' }],
  errors: { 400: ['unknown_field', 'version_id_required', 'date_of_birth_or_adult', 'intent_required', 'consent_required', 'emergency_required', 'invalid_minors'],
    401: ['session_mismatch', 'session_revoked'], 404: ['event_not_found', 'no_waiver_required'], 409: ['version_mismatch', 'hash_mismatch', 'already_superseded'], 422: ['signer_is_minor', 'minor_is_adult'] } });
route('GET /api/waivers/:id', { tag: 'waivers', summary: 'A signature as stored with the text signed',
  ok: [200, { signature: 'object', version: 'object', event: 'object' }], errors: { 400: ['invalid_id'], 404: ['signature_not_found'] } });

route('POST /api/events/:id/party-links', { tag: 'guests', summary: 'A party link for guests (the secret shown once)',
  body: { seats: 'integer', expires_at: 'date-time', 'note?': 'string|null' },
  ok: [201, { id: 'uuid', url: 'string', seats: 'integer', expires_at: 'date-time', note: 'string|null' }],
  errors: { 400: ['seats_required', 'expires_at_required', 'invalid_expires_at', 'invalid_note', 'unknown_field', 'invalid_id'], 404: ['event_not_found'], 409: ['event_not_open'], 422: ['expires_at_out_of_range'] } });
route('GET /api/events/:id/party-links', { tag: 'guests', summary: 'The event\'s party links: seats used and left, who revoked and why',
  ok: [200, { links: ['object'] }], errors: { 400: ['invalid_id'], 404: ['event_not_found'] } });
route('POST /api/events/:id/party-links/:link_id/revoke', { tag: 'guests', summary: 'Stop a party link taking sign-ups (who joined keeps their place)',
  body: { reason: 'string' }, ok: [200, 'object'],
  errors: { 400: ['invalid_id', 'invalid_link_id', 'reason_required', 'unknown_field'], 404: ['link_not_found'], 409: ['already_revoked'] } });
route('GET /api/party/:token', { tag: 'guests', summary: 'The sail behind a party link and its seats left',
  ok: [200, { event: 'object', seats_left: 'integer', expires_at: 'date-time' }], errors: { 404: ['link_not_found'], 410: ['link_expired'] } });
route('POST /api/party/:token', { tag: 'guests', summary: 'Join through a party link: a guest place and a sign-in link by email',
  body: { name: 'string', email: 'string' }, ok: [202, { status: 'check_your_email' }],
  errors: { 400: ['name_required', 'invalid_name', 'email_required', 'invalid_email', 'unknown_field'], 404: ['link_not_found'], 409: ['link_full'], 410: ['link_expired'] } });
route('POST /api/events/:id/holds/:user_id/release', { tag: 'guests', summary: 'Release a guest\'s waiver hold (audited)',
  body: { reason: 'string' }, ok: [200, { place: 'object', released_at: 'date-time', hold_was: 'any' }],
  errors: { 400: ['invalid_user_id', 'reason_required', 'invalid_reason', 'unknown_field'], 404: ['place_not_found'], 409: ['event_closed', 'not_on_hold'] } });
route('GET /api/events/:id/manifest', { tag: 'dock', summary: 'The dock\'s manifest (JSON, or CSV saved as manifest-<date>-<title>.csv)',
  query: { format: 'json|csv' }, ok: [200, 'file:application/json'],
  errors: { 400: ['invalid_id', 'invalid_format', 'unknown_parameter'], 404: ['event_not_found'] } });
route('POST /api/events/:id/check-in', { tag: 'dock', summary: 'Check a person in, mark a no-show, or clear it',
  body: { user_id: 'uuid', status: 'checked_in|no_show|null' }, ok: [200, { person: 'object', counts: 'object' }],
  errors: { 400: ['unknown_field', 'user_id_required', 'status_required', 'invalid_status'], 404: ['place_not_found'], 409: ['checkin_not_open', 'checkin_closed', 'guest_on_hold'] } });

route('POST /api/imports', { tag: 'imports', summary: 'Import a CSV file of one kind, the whole file or nothing',
  body: { kind: 'string', csv: 'string', 'filename?': 'string' }, ok: [201, '#Import'],
  errors: { 400: ['unknown_field', 'kind_required', 'unknown_kind', 'csv_required'], 413: ['body_too_large'], 422: ['import_refused'] } });
route('GET /api/imports', { tag: 'imports', summary: 'The import kinds\' layouts, and the imports newest first',
  query: { kind: 'string', before: 'id', limit: 'integer' }, ok: [200, { kinds: ['object'] }],
  errors: { 400: ['unknown_kind', 'invalid_before', 'invalid_limit'] } });

route('GET /api/reports', { tag: 'reports', summary: 'The eight reports with their last run and schedules',
  ok: [200, { reports: [{ kind: 'string', title: 'string' }] }], errors: { 400: ['unknown_parameter'] } });
route('POST /api/reports/:kind/runs', { tag: 'reports', summary: 'Run a report: a preview, a test to yourself ("me"), a list of addresses, or a schedule sent now',
  body: { 'period?': 'string', 'time_zone?': 'string', 'send_to?': 'any', 'variant?': 'string|null', 'schedule_id?': 'id' },
  ok: [202, { run: '#ReportRun' }],
  errors: { 400: ['unknown_field', 'period_required', 'invalid_period', 'invalid_time_zone', 'invalid_recipient', 'invalid_send_to'], 404: ['unknown_kind', 'schedule_not_found'] } });
route('GET /api/report-runs', { tag: 'reports', summary: 'The archive of runs, newest first, in keyset pages',
  query: { kind: 'string', schedule: 'id', before: 'id', limit: 'integer' }, ok: [200, { items: ['#ReportRun'], next_before: 'integer|null' }],
  errors: { 400: ['unknown_parameter', 'unknown_kind', 'invalid_schedule', 'invalid_before', 'invalid_limit'] } });
route('GET /api/report-runs/:id', { tag: 'reports', summary: 'One run in full: its figures, hashes, email jobs and outbox rows',
  ok: [200, { run: '#ReportRun' }], errors: { 400: ['invalid_id'], 404: ['run_not_found'] } });
for (const [part, type] of [['html', 'text/html'], ['text', 'text/plain'], ['csv', 'text/csv']]) {
  route(`GET /api/report-runs/:id/${part}`, { tag: 'reports', summary: `A done run's ${part} exactly as archived`,
    ok: [200, `file:${type}`], errors: { 400: ['invalid_id'], 404: ['run_not_found'], 409: ['run_not_done'] } });
}
const SCHEDULE = { 'kind?': 'string', 'cron?': 'string', 'time_zone?': 'string', 'recipients?': ['string'], 'period?': 'string',
  'variant?': 'string|null', 'skip_when_empty?': 'boolean', 'enabled?': 'boolean' };
route('GET /api/report-schedules', { tag: 'reports', summary: 'The schedules with their next three runs', query: { kind: 'string' },
  ok: [200, ITEMS('#ReportSchedule')], errors: { 400: ['unknown_kind'] } });
route('POST /api/report-schedules', { tag: 'reports', summary: 'Schedule a report: cron in a zone, recipients, period, variant',
  body: { ...SCHEDULE, kind: 'string', cron: 'string', time_zone: 'string', recipients: ['string'] }, ok: [201, { schedule: '#ReportSchedule' }],
  errors: { 400: ['unknown_field', 'kind_required', 'unknown_kind', 'cron_required', 'invalid_cron', 'time_zone_required', 'invalid_time_zone', 'recipients_required', 'invalid_recipient', 'invalid_period'] } });
route('PATCH /api/report-schedules/:id', { tag: 'reports', summary: 'Edit a schedule', body: SCHEDULE, ok: [200, { schedule: '#ReportSchedule' }],
  errors: { 400: ['invalid_id', 'empty_body', 'unknown_field', 'invalid_cron', 'invalid_time_zone'], 404: ['schedule_not_found'] } });
route('DELETE /api/report-schedules/:id', { tag: 'reports', summary: 'Delete a schedule (its runs stay archived)',
  ok: [200, { deleted: 'any' }], errors: { 400: ['invalid_id'], 404: ['schedule_not_found'] } });

// ---- Assembly -----------------------------------------------------------

const STATUS_TEXT = { 200: 'OK', 201: 'Created', 202: 'Accepted', 400: 'Bad input (the code names the field)',
  401: 'No valid token (WWW-Authenticate: Bearer)', 403: 'A role or place too low for this (insufficient_scope), or a cookie caller without our Origin (origin_mismatch)',
  404: 'Not found (also what you may not see)', 405: 'Method not allowed (Allow lists the methods)', 409: 'Conflict with the current state', 410: 'Gone',
  413: 'Body too large', 415: 'Body not application/json', 422: 'Well-formed but refused', 429: 'Too many requests', 503: 'Database unavailable or overloaded (Retry-After)', 504: 'Query timed out' };

const ROLE_TEXT = { none: 'anyone', guest: 'guest and up', crew: 'crew and up', captain: 'captain and up', admin: 'admin' };

function operation(row, spec) {
  const params = [...row.path.matchAll(/:(\w+)/g)].map((m) => ({
    name: m[1], in: 'path', required: true,
    schema: m[1] === 'token' || m[1] === 'kind' ? { type: 'string' } : m[1] === 'role' ? S('captain|crew|guest')
      : m[1] === 'id' && /^\/api\/report-(runs|schedules)\//.test(row.path) ? S('id') : S('uuid'),
  }));
  for (const [name, t] of Object.entries(spec.query ?? {})) params.push({ name, in: 'query', required: false, schema: S(t) });
  const op = {
    operationId: `${row.method.toLowerCase()}${row.path.replace(/[/:-](\w)/g, (_, c) => c.toUpperCase()).replace(/^Api/, '')}`,
    tags: [spec.tag], summary: spec.summary,
    description: (spec.description ? `${spec.description} ` : '') + `Who: ${ROLE_TEXT[row.role]}${row.flags.has('PUBLIC') ? ' (public: no token)' : ''}.`
      + (row.fn ? ` Answered by \`${row.fn}\`.` : ' Answered by the module itself.')
      + (row.flags.has('ISSUE') ? ' Issues tokens: API clients (no Origin) get them in the body; browsers get the cookies.' : '')
      + (row.flags.has('CLEAR') ? ' Clears the cookies.' : ''),
    'x-scc-role': row.role,
  };
  if (params.length) op.parameters = params;
  if (row.flags.has('PUBLIC')) op.security = [];
  if (spec.body) {
    if (!row.flags.has('BODY') && !row.flags.has('BODY_OPT')) throw new Error(`openapi: ${row.method} ${row.path} takes no body in the route table`);
    const schema = body(spec.body);
    const content = { 'application/json': { schema } };
    if (row.flags.has('BODY_TEXT')) content['text/plain'] = { schema: { type: 'string', contentMediaType: 'application/json', contentSchema: schema } };
    op.requestBody = { required: row.flags.has('BODY'), content };
  } else if (row.flags.has('BODY') || row.flags.has('BODY_OPT')) {
    throw new Error(`openapi: ${row.method} ${row.path} takes a body: describe it`);
  }
  const responses = {};
  const [okStatus, okType] = spec.ok;
  if (typeof okType === 'string' && okType.startsWith('file:')) {
    const media = okType.slice(5);
    const content = { [media]: { schema: media === 'application/json' ? { type: 'object' } : { type: 'string' } } };
    if (spec.query?.format) content['text/csv'] = { schema: { type: 'string' } };
    responses[okStatus] = { description: `${STATUS_TEXT[okStatus]}: a file answer (${Object.keys(content).join(' or ')})`, content };
  } else {
    responses[okStatus] = { description: STATUS_TEXT[okStatus], content: { 'application/json': { schema: S(okType) } } };
  }
  const errors = { ...(spec.errors ?? {}) };
  if (!row.flags.has('PUBLIC')) {
    errors[401] = [...new Set([...(errors[401] ?? []), 'invalid_token', 'unauthorized'])];
    errors[403] = [...new Set([...(errors[403] ?? []), 'insufficient_scope', 'origin_mismatch'])];
  }
  if (spec.body) {
    errors[400] = [...new Set([...(errors[400] ?? []), 'invalid_body'])];
    errors[415] = ['unsupported_media_type'];
  }
  errors[503] = [...new Set([...(errors[503] ?? []), 'db_unavailable'])];
  for (const status of Object.keys(errors).sort()) {
    responses[status] = { $ref: `#/components/responses/E${status}`, 'x-scc-codes': errors[status] };
  }
  op.responses = responses;
  return op;
}

export function build() {
  const rows = routeTable();
  const described = new Set(Object.keys(R));
  const paths = {};
  for (const row of rows) {
    const key = `${row.method} ${row.path}`;
    const spec = R[key];
    if (!spec) throw new Error(`openapi: the route ${key} is in ngx_http_scc_route.c but not described in docs/api/openapi.mjs`);
    described.delete(key);
    const p = row.path.replace(/:(\w+)/g, '{$1}');
    (paths[p] ??= {})[row.method.toLowerCase()] = operation(row, spec);
  }
  if (described.size) throw new Error(`openapi: described but not in the route table: ${[...described].join(', ')}`);
  const responses = {};
  for (const s of ['400', '401', '403', '404', '405', '409', '410', '413', '415', '422', '429', '503', '504']) {
    responses[`E${s}`] = { description: `${STATUS_TEXT[s]}; the codes this route may answer are listed in x-scc-codes`,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'SCC (Ship Captain Crew) API', version: '1',
      description: 'Every route of the JSON API served by ngx_http_scc_module. Errors have one shape, '
        + '`{"error":{"code","message","request_id"}}`; 401 and 403 follow RFC 6750. Sign in with a magic link: '
        + '`POST /api/auth/magic-link` emails one, `POST /api/auth/redeem {code}` answers tokens (API clients, no Origin header) '
        + 'and sets cookies (browsers). Send `Authorization: Bearer <access_token>`; rotate with `POST /api/auth/refresh {refresh_token}`. '
        + 'A browser sending only the cookie must send `Origin` equal to the site\'s origin on POST, PUT, PATCH and DELETE.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }, { cookie: [] }],
    tags: [...new Set(Object.values(R).map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: components,
      responses,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'The access token (HS256, 15 minutes) from redeem or refresh' },
        cookie: { type: 'apiKey', in: 'cookie', name: '__Host-scc_at', description: 'The access cookie browsers get (scc_at when scc_cookie_secure is off); unsafe methods also need Origin' },
      },
    },
  };
}

export function text() { return `${JSON.stringify(build(), null, 1)}\n`; }

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = text();
  if (process.argv.includes('--check')) {
    const now = fs.existsSync(OUT) ? fs.readFileSync(OUT, 'utf8') : '';
    if (now !== out) {
      console.error('frontend/api/openapi.json is not what docs/api/openapi.mjs makes: run `make openapi`');
      process.exit(1);
    }
  } else {
    fs.mkdirSync(path.dirname(OUT), { recursive: true });
    fs.writeFileSync(OUT, out);
    console.log(`openapi: wrote ${path.relative(ROOT, OUT)} (${Object.keys(build().paths).length} paths)`);
  }
}
