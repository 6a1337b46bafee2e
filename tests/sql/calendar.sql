-- calendar.sql — sql/migrations/018_calendar_and_me.sql: the iCalendar
-- writer (TEXT escaping, 75-octet folding with CRLF, never inside a UTF-8
-- sequence; exact octets), the feed's token (made, shown once, stored
-- hashed, reset), and which events a feed holds with which STATUS.
-- Runs in one transaction, rolled back.
begin;
create extension if not exists pgtap;
select plan(51);

-- ---------------------------------------------------------------------------
-- TEXT escaping (RFC 5545 3.3.11)

select is(scc.ical_text('plain words'), 'plain words', 'text: nothing to escape');
select is(scc.ical_text('a,b;c\d'), 'a\,b\;c\\d', 'text: comma, semicolon, backslash escaped');
select is(scc.ical_text(E'l1\r\nl2\nl3\rl4'), 'l1\nl2\nl3\nl4', 'text: CRLF, LF and a lone CR each become \n');
select is(scc.ical_text(E'\\n'), '\\n', 'text: a backslash before n stays a backslash (not a line break)');
select is(scc.ical_text(E'a\x01b\x1fc\x7fd\te'), E'abcd\te', 'text: control characters dropped, TAB kept');
select is(scc.ical_text(''), '', 'text: empty');
select is(scc.ical_text(null), null, 'text: null stays null');
select is(scc.ical_text('Ünïcödé ⛵ 😀'), 'Ünïcödé ⛵ 😀', 'text: multi-byte characters as they are');

-- ---------------------------------------------------------------------------
-- content lines and folding (RFC 5545 3.1)

select is(scc.ical_line('SUMMARY', 'x'), E'SUMMARY:x\r\n', 'line: NAME:value CRLF');
select is(scc.ical_line('X', repeat('a', 73)), 'X:' || repeat('a', 73) || E'\r\n',
          'line: 75 octets stay on one line');
select is(scc.ical_line('X', repeat('a', 74)), 'X:' || repeat('a', 73) || E'\r\n a\r\n',
          'line: 76 octets fold after 75, the next line starts with one space');
select is(scc.ical_line('X', repeat('a', 73 + 74)),
          'X:' || repeat('a', 73) || E'\r\n ' || repeat('a', 74) || E'\r\n',
          'line: a continuation holds the space and 74 octets');
select is(scc.ical_line('X', repeat('a', 73 + 74 + 1)),
          'X:' || repeat('a', 73) || E'\r\n ' || repeat('a', 74) || E'\r\n a\r\n',
          'line: and one more octet makes a third line');
select is(scc.ical_line('X', repeat('é', 40)),
          'X:' || repeat('é', 36) || E'\r\n ' || repeat('é', 4) || E'\r\n',
          'line: two-octet characters: the first line stops at 74 octets rather than split one');
select is(scc.ical_line('X', repeat('😀', 30)),
          'X:' || repeat('😀', 18) || E'\r\n ' || repeat('😀', 12) || E'\r\n',
          'line: four-octet characters are never split');
select is(scc.ical_line('X', 'a' || repeat('€', 40)),
          'X:a' || repeat('€', 24) || E'\r\n ' || repeat('€', 16) || E'\r\n',
          'line: three-octet characters: 3 + 72 octets, then the rest');
select is(scc.ical_line('X', null), null, 'line: a null value is no line');

-- every physical line of a long mixed value is at most 75 octets, the
-- folds are CRLF + space, and unfolding gives the value back
create temp table folded as
select v, scc.ical_line('DESCRIPTION', v) as line
  from (select string_agg(substr('aé€😀,;\ ', 1 + (i * 7) % 9, 1), '') as v
          from generate_series(1, 1000) as i) as s;
select ok((select bool_and(octet_length(l) <= 75)
             from folded, regexp_split_to_table(left(line, -2), E'\r\n') as l),
          'fold: every physical line is at most 75 octets');
select is((select replace(left(line, -2), E'\r\n ', '') from folded),
          (select 'DESCRIPTION:' || v from folded), 'fold: unfolding gives the line back');
select ok((select right(line, 2) = E'\r\n' and line !~ E'[^\r]\n' from folded),
          'fold: every line break is CRLF');

select is(scc.ical_utc('2026-07-04 18:30:05-07'::timestamptz), '20260705T013005Z',
          'utc: a DATE-TIME in UTC, form 2');

-- ---------------------------------------------------------------------------
-- fixtures: a sailor, a boat, events in every case

insert into scc.users (id, email, name, role) values
    ('00000000-0000-4000-8000-0000000000a1', 'cal-sailor@test.example', 'Cal, the; Sailor\', 'crew'),
    ('00000000-0000-4000-8000-0000000000a2', 'cal-other@test.example', 'Other', 'crew');
insert into scc.boats (id, name, port_name, port_lat, port_lon, time_zone, guest_capacity)
values ('00000000-0000-4000-8000-0000000000b1', 'Sea Otter', 'Shelter Island, San Diego',
        32.7157, -117.2280, 'America/Los_Angeles', 6);

insert into scc.events (id, boat_id, title, departure_at, return_at, time_zone, crew_min, crew_max,
                        guest_max, state, sequence, meetup_at, meetup_place, notes)
values
    ('00000000-0000-4000-8000-0000000000e1', '00000000-0000-4000-8000-0000000000b1', 'Confirmed sail',
     now() + interval '2 days', now() + interval '2 days 4 hours', 'America/Los_Angeles', 1, 2, 0,
     'scheduled', 3, now() + interval '2 days' - interval '30 minutes', 'Dock A', E'Bring, a hat;\nand water'),
    ('00000000-0000-4000-8000-0000000000e2', '00000000-0000-4000-8000-0000000000b1', 'Waitlisted sail',
     now() + interval '3 days', now() + interval '3 days 4 hours', 'America/Los_Angeles', 1, 2, 0,
     'scheduled', 0, null, '', ''),
    ('00000000-0000-4000-8000-0000000000e3', '00000000-0000-4000-8000-0000000000b1', 'Released sail',
     now() + interval '4 days', now() + interval '4 days 4 hours', 'America/Los_Angeles', 1, 2, 0,
     'scheduled', 0, null, '', ''),
    ('00000000-0000-4000-8000-0000000000e4', '00000000-0000-4000-8000-0000000000b1', 'Cancelled sail',
     now() + interval '5 days', now() + interval '5 days 4 hours', 'America/Los_Angeles', 1, 2, 0,
     'scheduled', 1, null, '', ''),
    ('00000000-0000-4000-8000-0000000000e5', '00000000-0000-4000-8000-0000000000b1', 'Long ago',
     now() - interval '100 days', now() - interval '100 days' + interval '4 hours', 'America/Los_Angeles',
     1, 2, 0, 'closed', 0, null, '', ''),
    ('00000000-0000-4000-8000-0000000000e6', '00000000-0000-4000-8000-0000000000b1', 'Too far ahead',
     now() + interval '400 days', now() + interval '400 days 4 hours', 'America/Los_Angeles',
     1, 2, 0, 'scheduled', 0, null, '', ''),
    ('00000000-0000-4000-8000-0000000000e7', '00000000-0000-4000-8000-0000000000b1', 'Not mine',
     now() + interval '6 days', now() + interval '6 days 4 hours', 'America/Los_Angeles',
     1, 2, 0, 'scheduled', 0, null, '', ''),
    ('00000000-0000-4000-8000-0000000000e8', '00000000-0000-4000-8000-0000000000b1', 'Draft sail',
     now() + interval '7 days', now() + interval '7 days 4 hours', 'America/Los_Angeles',
     1, 2, 0, 'draft', 0, null, '', '');

insert into scc.event_roles (event_id, user_id, role, state, queued_at) values
    ('00000000-0000-4000-8000-0000000000e1', '00000000-0000-4000-8000-0000000000a1', 'crew', 'confirmed', null),
    ('00000000-0000-4000-8000-0000000000e2', '00000000-0000-4000-8000-0000000000a1', 'crew', 'waitlisted', clock_timestamp()),
    ('00000000-0000-4000-8000-0000000000e3', '00000000-0000-4000-8000-0000000000a1', 'crew', 'released', null),
    ('00000000-0000-4000-8000-0000000000e4', '00000000-0000-4000-8000-0000000000a1', 'crew', 'claimed', null),
    ('00000000-0000-4000-8000-0000000000e5', '00000000-0000-4000-8000-0000000000a1', 'crew', 'confirmed', null),
    ('00000000-0000-4000-8000-0000000000e6', '00000000-0000-4000-8000-0000000000a1', 'crew', 'confirmed', null),
    ('00000000-0000-4000-8000-0000000000e7', '00000000-0000-4000-8000-0000000000a2', 'crew', 'confirmed', null),
    ('00000000-0000-4000-8000-0000000000e8', '00000000-0000-4000-8000-0000000000a1', 'captain', 'designated', null);
update scc.events set state = 'cancelled', cancel_reason = 'gale, warning', state_changed_at = now(),
                      sequence = sequence + 1
 where id = '00000000-0000-4000-8000-0000000000e4';

-- ---------------------------------------------------------------------------
-- the token: none yet, made, shown once, stored hashed

select is((scc_api.me_calendar_get('{"actor":{"id":"00000000-0000-4000-8000-0000000000a1","role":"crew"}}')).body::jsonb,
          '{"exists": false, "created_at": null}'::jsonb, 'get: no feed yet');

create temp table made as
select r.status, r.body::jsonb as body
  from scc_api.me_calendar_reset('{"actor":{"id":"00000000-0000-4000-8000-0000000000a1","role":"crew"},
                                   "request_id":"cal-1"}') as r;
select is((select status from made), 201, 'reset: 201');
select matches((select body ->> 'path' from made), '^/api/calendar/[A-Za-z0-9_-]{22}$',
               'reset: the path carries a 22-character base64url token (128 bits)');
select is((select token_hash from scc.calendar_feeds where user_id = '00000000-0000-4000-8000-0000000000a1'),
          scc.token_hash(substr((select body ->> 'path' from made), 15)),
          'reset: only the token''s SHA-256 is stored');
select is((select count(*)::int from scc.audit_log
            where action = 'calendar.reset' and entity_id = '00000000-0000-4000-8000-0000000000a1'
              and request_id = 'cal-1' and not (after::text ~ '/api/calendar/')),
          1, 'reset: audited, without the token');
select is((scc_api.me_calendar_get('{"actor":{"id":"00000000-0000-4000-8000-0000000000a1","role":"crew"}}')).body::jsonb ->> 'exists',
          'true', 'get: the feed exists now');
select throws_ok($$ select scc_api.me_calendar_reset('{"actor":{"id":"00000000-0000-4000-8000-0000000000a1","role":"crew"},
                                                      "body":{"token":"x"}}') $$,
                 'SC400', 'unknown field token (allowed: none)', 'reset: a body field is refused by name');

create temp table feed as
select (f).status, (f).body, (f).content_type, (f).filename
  from (select scc_api.calendar_feed(jsonb_build_object('params', jsonb_build_object(
                   'token', substr((select body ->> 'path' from made), 15)))) as f) as s;

select is((select status from feed), 200, 'feed: 200');
select is((select content_type from feed), 'text/calendar; charset=utf-8', 'feed: text/calendar, UTF-8');
select is((select filename from feed), 'scc.ics', 'feed: scc.ics when saved');
select ok((select starts_with(body, replace('BEGIN:VCALENDAR|VERSION:2.0|PRODID:-//Ship Captain Crew//SCC//EN|'
                                             'CALSCALE:GREGORIAN|METHOD:PUBLISH|X-WR-CALNAME:SCC: Cal\, the\; Sailor\\|',
                                             '|', E'\r\n'))
                  and right(body, 15) = E'END:VCALENDAR\r\n' from feed),
          'feed: the calendar''s head, its name escaped, and its end');
select ok((select bool_and(octet_length(l) <= 75)
             from feed, regexp_split_to_table(left(body, -2), E'\r\n') as l),
          'feed: no physical line over 75 octets');
select ok((select body !~ E'[^\r]\n' from feed), 'feed: every line ends CRLF');

-- which events, and their status, by UID
create temp table vevents as
select substring(v from E'UID:([^\r]*)\r\n') as uid,
       substring(v from E'STATUS:([^\r]*)\r\n') as status,
       substring(v from E'SEQUENCE:([^\r]*)\r\n') as seq,
       replace(v, E'\r\n ', '') as v
  from feed, regexp_split_to_table(body, E'BEGIN:VEVENT\r\n') with ordinality as t(v, n)
 where n > 1;

select is(array(select uid || ' ' || status from vevents),
          array['00000000-0000-4000-8000-0000000000e1@scc CONFIRMED',
                '00000000-0000-4000-8000-0000000000e2@scc TENTATIVE',
                '00000000-0000-4000-8000-0000000000e4@scc CANCELLED',
                '00000000-0000-4000-8000-0000000000e8@scc TENTATIVE'],
          'feed: confirmed, waitlisted (tentative), cancelled, draft (tentative), in departure order; '
          'released, someone else''s, and those outside the window are left out');
select is((select seq from vevents where uid like '%e1@scc'), '3', 'feed: SEQUENCE is the event''s');
select is((select seq from vevents where uid like '%e4@scc'), '2', 'feed: raised by the cancellation');
select ok((select strpos(v, E'SUMMARY:Cancelled: Cancelled sail\r\n') > 0 from vevents where uid like '%e4@scc'),
          'feed: a cancelled event says so in its summary too');
select ok((select strpos(v, 'LOCATION:Sea Otter\, Shelter Island\, San Diego' || E'\r\n') > 0
                  and strpos(v, E'GEO:32.715700;-117.228000\r\n') > 0
             from vevents where uid like '%e1@scc'),
          'feed: LOCATION (boat and port, escaped) and GEO');
select ok((select v ~ (E'DTSTART:' || scc.ical_utc(e.departure_at) || E'\r\nDTEND:' || scc.ical_utc(e.return_at) || E'\r\n')
             from vevents, scc.events as e
            where uid like '%e1@scc' and e.id = '00000000-0000-4000-8000-0000000000e1'),
          'feed: DTSTART and DTEND in UTC');
select ok((select strpos(v, 'DESCRIPTION:Boat: Sea Otter (Shelter Island\, San Diego)\nMeet-up: '
                             || to_char(e.meetup_at at time zone e.time_zone, 'YYYY-MM-DD HH24:MI')
                             || ' at Dock A\nYour place: crew (confirmed)\nEvent: scheduled\nTimes: '
                             || to_char(e.departure_at at time zone e.time_zone, 'YYYY-MM-DD HH24:MI') || ' to '
                             || to_char(e.return_at at time zone e.time_zone, 'YYYY-MM-DD HH24:MI')
                             || ' America/Los_Angeles\nBring\, a hat\;\nand water' || E'\r\n') > 0
             from vevents, scc.events as e
            where uid like '%e1@scc' and e.id = '00000000-0000-4000-8000-0000000000e1'),
          'feed: DESCRIPTION with meet-up, place, state, local times and notes, escaped');
select ok((select v ~ E'DTSTAMP:\\d{8}T\\d{6}Z\r\n' and v ~ E'LAST-MODIFIED:\\d{8}T\\d{6}Z\r\n'
             from vevents where uid like '%e2@scc'),
          'feed: DTSTAMP and LAST-MODIFIED in UTC');

-- a released place is dropped; a claim again brings the event back
update scc.event_roles set state = 'released'
 where event_id = '00000000-0000-4000-8000-0000000000e1' and user_id = '00000000-0000-4000-8000-0000000000a1';
select is((select count(*)::int from scc.calendar_vevents('00000000-0000-4000-8000-0000000000a1', now()) as v
            where v like '%00000000-0000-4000-8000-0000000000e1@scc%'),
          0, 'vevents: a released place drops the event');

-- tokens that are not a feed: all 404 feed_not_found
select throws_ok($$ select scc_api.calendar_feed('{"params":{"token":"AAAAAAAAAAAAAAAAAAAAAA"}}') $$,
                 'SC404', 'no calendar feed at this address', 'feed: an unknown token is 404');
select throws_ok($$ select scc_api.calendar_feed('{"params":{"token":"not a token"}}') $$,
                 'SC404', 'no calendar feed at this address', 'feed: a malformed token is 404 too');
select throws_ok($$ select scc_api.calendar_feed('{"params":{}}') $$,
                 'SC404', 'no calendar feed at this address', 'feed: no token is 404 too');

-- a reset: the old URL stops working
select lives_ok($$ select scc_api.me_calendar_reset('{"actor":{"id":"00000000-0000-4000-8000-0000000000a1","role":"crew"}}') $$,
                'reset again');
select throws_ok(format($$ select scc_api.calendar_feed('{"params":{"token":"%s"}}') $$,
                        substr((select body ->> 'path' from made), 15)),
                 'SC404', 'no calendar feed at this address', 'feed: the old token is 404 after a reset');

-- a disabled holder's feed is gone too
create temp table made2 as
select (scc_api.me_calendar_reset('{"actor":{"id":"00000000-0000-4000-8000-0000000000a2","role":"crew"}}')).body::jsonb as body;
update scc.users set disabled_at = now() where id = '00000000-0000-4000-8000-0000000000a2';
select throws_ok(format($$ select scc_api.calendar_feed('{"params":{"token":"%s"}}') $$,
                        substr((select body ->> 'path' from made2), 15)),
                 'SC404', 'no calendar feed at this address', 'feed: a disabled holder''s feed is 404');

-- at most 1000 events a feed, the nearest to now: 600 past and 402 coming
-- places drop the two oldest, not the two last
insert into scc.users (id, email, name, role) values
    ('00000000-0000-4000-8000-0000000000a3', 'cal-busy@test.example', 'Busy', 'crew');
insert into scc.events (id, boat_id, title, departure_at, return_at, time_zone, crew_min, crew_max,
                        guest_max, state)
select ('00000000-0000-4000-9000-' || lpad(to_hex(k), 12, '0'))::uuid,
       '00000000-0000-4000-8000-0000000000b1', 'Busy sail ' || k, d, d + interval '1 hour',
       'America/Los_Angeles', 1, 2, 0, 'scheduled'
  from generate_series(1, 1002) as k,
       lateral (select case when k <= 600 then now() - interval '89 days' + (k - 1) * interval '3 hours'
                            else now() + interval '1 day' + (k - 601) * interval '3 hours' end as d) as t;
insert into scc.event_roles (event_id, user_id, role, state)
select ('00000000-0000-4000-9000-' || lpad(to_hex(k), 12, '0'))::uuid,
       '00000000-0000-4000-8000-0000000000a3', 'crew', 'confirmed'
  from generate_series(1, 1002) as k;
create temp table busy as
select substring(v from E'SUMMARY:([^\r]*)\r\n') as title, n
  from scc.calendar_vevents('00000000-0000-4000-8000-0000000000a3', now()) with ordinality as t(v, n);
select is((select count(*)::int from busy), 1000, 'vevents: at most 1000 events');
select is((select array_agg(title order by n) filter (where n in (1, 1000)) from busy),
          array['Busy sail 3', 'Busy sail 1002'],
          'vevents: the two oldest are the ones left out, and the rest come in departure order');

select * from finish();
rollback;
