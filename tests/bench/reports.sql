-- tests/bench/reports.sql — the demo's business year scaled for `make bench`
-- (tests/bench/reports): at least 100,000 charter bookings, each with its
-- journal entry (3 lines), and 185,000 bank entries of 4 lines across the
-- five entities, so the ledger holds at least 1,000,000 lines over the
-- twelve months before today.  Run as the superuser after sql/demo.sql and
-- sql/demo_business.sql (the entities' charts of accounts).  Every entry
-- balances by construction; tests/bench/reports loads this with triggers
-- off and then checks every entry and rebuilds the month sums.
-- Deterministic: amounts and dates are functions of the row number.

begin;

create temp table bench_accounts on commit drop as
select n.slug, a.code, a.id, a.entity_id from scc.accounts as a join scc.entities as n on n.id = a.entity_id;

-- bookings: spread over the year, five channels, some cancelled
insert into scc.bookings (entity_id, external_id, channel, sail_on, booked_at, party_size, status, cancellation_cause,
                          gross_cents, commission_cents, fees_cents, refunds_cents, payout_expected_on,
                          payout_expected_cents, payout_received_on, payout_received_cents)
select (select id from scc.entities where slug = 'charter'), 'bench-bk-' || i,
       (array['direct', 'sailo', 'getmyboat', 'viator', 'getyourguide'])[1 + i % 5],
       current_date - 1 - (i % 360), (current_date - 1 - (i % 360) - (3 + i % 40))::timestamptz,
       2 + i % 4,
       case when i % 23 = 0 then 'cancelled' else 'completed' end,
       case when i % 23 = 0 then 'weather' end,
       g.gross, g.commission, 0, case when i % 23 = 0 then g.gross else 0 end,
       case when i % 5 <> 0 then current_date - 1 - (i % 360) + 7 end,
       case when i % 5 <> 0 then g.gross - g.commission end,
       case when i % 5 <> 0 and i % 31 <> 0 then current_date - 1 - (i % 360) + 9 end,
       case when i % 5 <> 0 and i % 31 <> 0 then g.gross - g.commission end
  from generate_series(1, 100000) as i
  cross join lateral (select (20000 + (i * 7919) % 60000)::bigint as gross,
                             case when i % 5 = 0 then 0 else ((20000 + (i * 7919) % 60000) * 15 / 100)::bigint end
                                 as commission) as g;

-- the bookings' entries: revenue on the sail date
insert into scc.journal_entries (entity_id, posted_on, memo, source, external_id)
select b.entity_id, b.sail_on, '', 'booking', b.external_id
  from scc.bookings as b where b.external_id like 'bench-bk-%' and b.status = 'completed';
insert into scc.journal_lines (entry_id, entity_id, posted_on, account_id, amount_cents, currency)
select e.id, e.entity_id, e.posted_on, a.id, x.amount, 'USD'
  from scc.journal_entries as e
  join scc.bookings as b on b.entity_id = e.entity_id and b.external_id = e.external_id
  cross join lateral (values (case when b.channel = 'direct' then '1000' else '1150' end, b.gross_cents - b.commission_cents),
                             ('5000', b.commission_cents), ('4000', -b.gross_cents)) as x (code, amount)
  join bench_accounts as a on a.entity_id = e.entity_id and a.code = x.code
 where e.source = 'booking' and e.external_id like 'bench-bk-%' and x.amount <> 0;

-- bank entries: three expense lines paid from cash, every entity, every day
insert into scc.journal_entries (entity_id, posted_on, memo, source, external_id)
select n.id, current_date - 1 - (i % 365), '', 'bench', 'bench-je-' || i
  from generate_series(1, 185000) as i
  join scc.entities as n on n.slug = (array['charter', 'rental-3028-51st', 'expert-yacht-delivery', 'dangerouscentaur',
                                            'quickdumpnow'])[1 + i % 5];
insert into scc.journal_lines (entry_id, entity_id, posted_on, account_id, amount_cents, currency)
select e.id, e.entity_id, e.posted_on, a.id, x.amount, 'USD'
  from scc.journal_entries as e
  cross join lateral (select substr(e.external_id, 10)::int as i) as k
  cross join lateral (values ((array['5100', '5200', '5300'])[1 + k.i % 3], 1000 + (k.i * 31) % 9000),
                             ((array['5400', '5600', '5700'])[1 + k.i % 3], 500 + (k.i * 17) % 5000),
                             ('5500', 100 + (k.i * 13) % 2000),
                             ('1000', -(1000 + (k.i * 31) % 9000 + 500 + (k.i * 17) % 5000 + 100 + (k.i * 13) % 2000)))
       as x (code, amount)
  join bench_accounts as a on a.entity_id = e.entity_id and a.code = x.code
 where e.source = 'bench';

commit;
analyze;
