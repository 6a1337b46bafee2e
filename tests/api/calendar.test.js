// calendar.test.js — each person's calendar feed through the real stack:
// GET /api/me/calendar, POST /api/me/calendar/reset, and the feed itself,
// GET /api/calendar/:token, parsed with ical.js (a real iCalendar parser):
// stable UIDs, SEQUENCE raised after an event change, STATUS per place and
// event, text with , ; \ and line breaks and long multi-byte text
// round-tripping exactly, every physical line at most 75 octets and ended by
// CRLF, the old URL dead after a reset, unknown tokens 404.
//
// Events and places are inserted with SQL (their routes are another part's),
// on a dedicated stack so that the shared one is left as it was.

import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';

import { startStack } from './lib/stack.js';
import { api, lit, signIn } from './lib/auth.js';

let stack;
let sailor;
let other;
let boatId;
const ev = {};

const PHRASE = 'Ünïcödé ⛵ sail to Point Loma, past the kelp; back by dusk \\ maybe 😀 ';
const LONG = PHRASE.repeat(2).trim();         // a title: at most 200 characters
const NOTES = PHRASE.repeat(20).trim();       // notes: up to 4000
const TRICKY = 'Sunset, sail; with \\ a backslash\nand two\nlines';

async function insertEvent(key, title, { days, state = 'scheduled', sequence = 0 }) {
  ev[key] = await stack.psql(`
    insert into scc.events (boat_id, title, departure_at, return_at, time_zone, crew_min, crew_max,
                            guest_max, state, sequence, meetup_at, meetup_place, notes)
    values (${lit(boatId)}, ${lit(title)}, date_trunc('minute', now()) + interval '${days} days',
            date_trunc('minute', now()) + interval '${days} days 3 hours', 'America/Los_Angeles', 1, 3, 0,
            ${lit(state)}, ${sequence}, null, '', ${lit(NOTES)})
    returning id`);
}

async function place(key, user, state, role = 'crew') {
  await stack.psql(`
    insert into scc.event_roles (event_id, user_id, role, state, queued_at)
    values (${lit(ev[key])}, ${lit(user.id)}, ${lit(role)}, ${lit(state)},
            case when ${lit(state)} = 'waitlisted' then clock_timestamp() end)`);
}

before(async () => {
  stack = await startStack({ workers: 1, noWorker: true });
  sailor = await signIn(stack, 'crew', { name: 'Ann, the; Sailor \\ ⛵' });
  other = await signIn(stack, 'crew');
  boatId = await stack.psql(`
    insert into scc.boats (name, port_name, port_lat, port_lon, time_zone, guest_capacity)
    values ('Sea Otter', 'Shelter Island, San Diego', 32.7157, -117.228, 'America/Los_Angeles', 6)
    returning id`);
  await insertEvent('confirmed', TRICKY, { days: 2, sequence: 1 });
  await insertEvent('waitlisted', LONG, { days: 3 });
  await insertEvent('released', 'Released sail', { days: 4 });
  await insertEvent('cancelled', 'Cancelled sail', { days: 5 });
  await insertEvent('others', 'Not mine', { days: 6 });
  await insertEvent('past', 'Past sail', { days: -10, state: 'closed' });
  await place('confirmed', sailor, 'confirmed');
  await place('waitlisted', sailor, 'waitlisted');
  await place('released', sailor, 'released');
  await place('cancelled', sailor, 'claimed');
  await place('others', other, 'confirmed');
  await place('past', sailor, 'confirmed', 'captain');
  await stack.psql(`update scc.events set state = 'cancelled', cancel_reason = 'gale warning',
                    state_changed_at = now(), sequence = sequence + 1 where id = ${lit(ev.cancelled)}`);
});

after(async () => { await stack?.stop(); });

async function feed(p) {
  const r = await stack.fetch(p);
  const bytes = Buffer.from(await r.arrayBuffer());
  return { status: r.status, headers: r.headers, bytes, text: bytes.toString('utf8') };
}

// X-WR-CALNAME is TEXT for every calendar app (RFC 5545 3.8.8.2: an x-prop
// is TEXT unless it says otherwise); ical.js leaves unknown x-props raw
// unless told.
ICAL.design.icalendar.property['x-wr-calname'] = { defaultType: 'text' };

function parse(text) {
  const cal = new ICAL.Component(ICAL.parse(text));
  const events = Object.fromEntries(cal.getAllSubcomponents('vevent').map((v) => {
    const e = new ICAL.Event(v);
    return [e.uid, { e, v, status: v.getFirstPropertyValue('status') }];
  }));
  return { cal, events };
}

function checkLines(bytes) {
  assert.ok(bytes.length > 0);
  assert.deepEqual([...bytes.subarray(bytes.length - 2)], [13, 10], 'the body ends with CRLF');
  let start = 0;
  let lines = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 10) {
      assert.equal(bytes[i - 1], 13, `a LF without CR at octet ${i}`);
      const len = i - 1 - start;
      assert.ok(len <= 75, `line ${lines + 1} has ${len} octets`);
      // a physical line is valid UTF-8 on its own: no sequence was split
      assert.doesNotThrow(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(start, i - 1)),
        `line ${lines + 1} splits a UTF-8 sequence`);
      start = i + 1;
      lines++;
    } else if (bytes[i] === 13) {
      assert.equal(bytes[i + 1], 10, `a CR without LF at octet ${i}`);
    }
  }
  return lines;
}

let path1;

test('no feed at first; a reset makes one, shown once', async () => {
  const g = await api(stack, 'GET', '/api/me/calendar', { token: sailor.access });
  assert.equal(g.status, 200);
  assert.deepEqual(g.body, { exists: false, created_at: null });

  const r = await api(stack, 'POST', '/api/me/calendar/reset', { token: sailor.access });
  assert.equal(r.status, 201, r.text);
  assert.match(r.body.path, /^\/api\/calendar\/[A-Za-z0-9_-]{22}$/);
  path1 = r.body.path;

  const g2 = await api(stack, 'GET', '/api/me/calendar', { token: sailor.access });
  assert.equal(g2.body.exists, true);
  assert.equal(g2.body.created_at, r.body.created_at);
  assert.ok(!g2.text.includes(path1.slice(14)), 'the token is not shown again');

  const bad = await api(stack, 'POST', '/api/me/calendar/reset', { token: sailor.access, body: { again: true } });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, 'unknown_field');
});

test('the feed: text/calendar, CRLF, lines of at most 75 octets, a calendar ical.js reads', async () => {
  const f = await feed(path1);
  assert.equal(f.status, 200);
  assert.equal(f.headers.get('content-type'), 'text/calendar; charset=utf-8');
  assert.equal(f.headers.get('cache-control'), 'no-store');
  const lines = checkLines(f.bytes);
  assert.ok(lines > 30, `${lines} lines`);

  const { cal } = parse(f.text);
  assert.equal(cal.getFirstPropertyValue('version'), '2.0');
  assert.equal(cal.getFirstPropertyValue('prodid'), '-//Ship Captain Crew//SCC//EN');
  assert.equal(cal.getFirstPropertyValue('calscale'), 'GREGORIAN');
  assert.equal(cal.getFirstPropertyValue('method'), 'PUBLISH');
  assert.equal(cal.getFirstPropertyValue('x-wr-calname'), 'SCC: Ann, the; Sailor \\ ⛵');
});

test('the events: stable UIDs, a STATUS per place, released and others\' left out', async () => {
  const { events } = parse((await feed(path1)).text);
  assert.deepEqual(Object.keys(events).sort(),
    [ev.confirmed, ev.waitlisted, ev.cancelled, ev.past].map((id) => `${id}@scc`).sort());
  assert.equal(events[`${ev.confirmed}@scc`].status, 'CONFIRMED');
  assert.equal(events[`${ev.waitlisted}@scc`].status, 'TENTATIVE');
  assert.equal(events[`${ev.cancelled}@scc`].status, 'CANCELLED');
  assert.equal(events[`${ev.past}@scc`].status, 'CONFIRMED');
  assert.equal(events[`${ev.cancelled}@scc`].e.summary, 'Cancelled: Cancelled sail');

  const c = events[`${ev.confirmed}@scc`].e;
  const dep = await stack.psql(`select to_char(departure_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS".000Z"')
                                  from scc.events where id = ${lit(ev.confirmed)}`);
  assert.equal(c.startDate.toJSDate().toISOString(), dep);
  assert.equal(c.startDate.zone.tzid, 'UTC');
  assert.equal(c.endDate.toJSDate().getTime() - c.startDate.toJSDate().getTime(), 3 * 3600 * 1000);
  assert.equal(c.location, 'Sea Otter, Shelter Island, San Diego');
  const geo = events[`${ev.confirmed}@scc`].v.getFirstPropertyValue('geo');
  assert.deepEqual(geo.map(Number), [32.7157, -117.228]);
  assert.match(c.description, /Your place: crew \(confirmed\)/);
  assert.match(events[`${ev.past}@scc`].e.description, /Your place: captain \(confirmed\)/);
});

test('text with , ; \\ and line breaks, and long multi-byte text, round-trip exactly', async () => {
  const { events } = parse((await feed(path1)).text);
  assert.equal(events[`${ev.confirmed}@scc`].e.summary, TRICKY);
  assert.equal(events[`${ev.waitlisted}@scc`].e.summary, LONG);
  assert.ok(Buffer.byteLength(LONG) > 2 * 75, 'the long title folds twice');
  assert.ok(Buffer.byteLength(NOTES) > 20 * 75, 'the notes fold many times');
  assert.ok(events[`${ev.waitlisted}@scc`].e.description.endsWith(`\n${NOTES}`), 'the notes close the description');
});

test('SEQUENCE is the event\'s and rises with a change; the UID stays', async () => {
  const before1 = parse((await feed(path1)).text).events[`${ev.confirmed}@scc`].e;
  assert.equal(before1.sequence, 1);
  await stack.psql(`update scc.events set sequence = sequence + 1, title = 'Moved sail',
                    departure_at = departure_at + interval '1 hour', return_at = return_at + interval '1 hour',
                    updated_at = now() where id = ${lit(ev.confirmed)}`);
  const after1 = parse((await feed(path1)).text).events[`${ev.confirmed}@scc`].e;
  assert.equal(after1.sequence, 2);
  assert.equal(after1.summary, 'Moved sail');
  assert.equal(after1.startDate.toJSDate().getTime() - before1.startDate.toJSDate().getTime(), 3600 * 1000);
});

test('a place released later drops the event; a promotion turns TENTATIVE into CONFIRMED', async () => {
  await stack.psql(`update scc.event_roles set state = 'released', since = clock_timestamp()
                     where event_id = ${lit(ev.confirmed)} and user_id = ${lit(sailor.id)}`);
  await stack.psql(`update scc.event_roles set state = 'confirmed', queued_at = null, since = clock_timestamp()
                     where event_id = ${lit(ev.waitlisted)} and user_id = ${lit(sailor.id)}`);
  const { events } = parse((await feed(path1)).text);
  assert.equal(events[`${ev.confirmed}@scc`], undefined);
  assert.equal(events[`${ev.waitlisted}@scc`].status, 'CONFIRMED');
});

test('unknown, malformed and reset tokens: the same 404', async () => {
  const shapes = [];
  for (const t of ['AAAAAAAAAAAAAAAAAAAAAA', 'x', 'A'.repeat(200), '%C3%A9t%C3%A9']) {
    const r = await api(stack, 'GET', `/api/calendar/${t}`);
    assert.equal(r.status, 404, t);
    assert.equal(r.headers.get('content-type'), 'application/json');
    shapes.push({ code: r.body.error.code, message: r.body.error.message });
  }
  assert.deepEqual(new Set(shapes.map(JSON.stringify)).size, 1);
  assert.equal(shapes[0].code, 'feed_not_found');

  const r = await api(stack, 'POST', '/api/me/calendar/reset', { token: sailor.access, body: {} });
  assert.equal(r.status, 201);
  assert.notEqual(r.body.path, path1);
  const old = await api(stack, 'GET', path1);
  assert.equal(old.status, 404);
  assert.equal(old.body.error.code, 'feed_not_found');
  const fresh = await feed(r.body.path);
  assert.equal(fresh.status, 200);
  assert.ok(parse(fresh.text).events[`${ev.waitlisted}@scc`]);

  const audits = Number(await stack.psql(`select count(*) from scc.audit_log
                                          where action = 'calendar.reset' and entity_id = ${lit(sailor.id)}`));
  assert.equal(audits, 2);
});

test('another person\'s feed holds their own events only', async () => {
  const r = await api(stack, 'POST', '/api/me/calendar/reset', { token: other.access });
  const { events } = parse((await feed(r.body.path)).text);
  assert.deepEqual(Object.keys(events), [`${ev.others}@scc`]);
});
