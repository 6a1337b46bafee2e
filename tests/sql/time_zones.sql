-- time_zones.sql — 048: zone names checked from scc.time_zone_names.  The
-- kept names equal pg_timezone_names; a kept name, a name only the server
-- knows (removed from the kept table here, as a tzdata upgrade would add
-- it), an abbreviation that is not a zone, a POSIX string, null, empty and
-- an over-long name; the three redefined callers answer as before; and a
-- refresh puts back what was missing and drops what the server no longer has.
-- Runs as the superuser inside a rolled-back transaction.
begin;
create extension if not exists pgtap;
select plan(16);

select set_eq('select name from scc.time_zone_names',
              'select name from pg_catalog.pg_timezone_names',
              'the kept names are the server''s zone names');

select ok(scc.time_zone_known('Europe/Berlin'), 'a kept name is known');
select ok(scc.time_zone_known('UTC'), 'UTC is known');
select ok(not scc.time_zone_known('PST'), 'an abbreviation that is no zone is refused');
select ok(not scc.time_zone_known('UTC+3'), 'a POSIX offset string is refused');
select ok(not scc.time_zone_known('europe/berlin'), 'names are exact (case matters)');
select ok(not scc.time_zone_known(null), 'null is refused');
select ok(not scc.time_zone_known(''), 'empty is refused');
select ok(not scc.time_zone_known(repeat('A/', 40)), 'over 64 characters is refused');

-- A name the server knows but the kept table lacks (a newer tzdata).
delete from scc.time_zone_names where name = 'Pacific/Kiritimati';
select ok(scc.time_zone_known('Pacific/Kiritimati'), 'a name missing from the kept table falls back to the server');

select throws_ok($$select scc.check_time_zone('Mars/Olympus', 'bad_time_zone')$$, 'SC400', null,
                 'check_time_zone refuses an unknown zone');
select is(scc.check_time_zone('America/Los_Angeles', 'bad_time_zone'), 'America/Los_Angeles',
          'check_time_zone returns a known zone');
select throws_ok($$select scc.report_period('2026-10', 'Nowhere/Town')$$, '22023',
                 'unknown time zone ''Nowhere/Town'' (an IANA name such as America/Los_Angeles)',
                 'report_period refuses an unknown zone as before');
select is((scc.report_period('2026-10', 'Europe/Berlin')).label, 'October 2026',
          'report_period answers for a known zone');
select throws_ok($$select scc.schedule_report('ceo', '0 7 1 * *', 'PST', array['a@example.com'])$$,
                 '22023', 'unknown time zone ''PST'' (an IANA name such as America/Los_Angeles)',
                 'schedule_report refuses an abbreviation');

insert into scc.time_zone_names (name) values ('Atlantis/Capital');
select scc.time_zone_names_refresh();
select set_eq('select name from scc.time_zone_names',
              'select name from pg_catalog.pg_timezone_names',
              'a refresh adds the missing name and drops the one the server lacks');

select * from finish();
rollback;
