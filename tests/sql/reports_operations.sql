-- reports_operations.sql — the rental, yacht delivery and portfolio reports
-- (035_reports_operations.sql) on small fixtures whose every figure was
-- worked out by hand (the comments show the sums), an empty period (every
-- ratio null, never an error), a period ending on a DST change
-- (America/Los_Angeles falls back on 2026-11-01), and the CSV of each.
-- Runs as the superuser inside a rolled-back transaction.
begin;
create extension if not exists pgtap;
select plan(63);

insert into scc.entities (slug, name, kind) values
    ('test-rental', '3028 51st St (test)', 'rental'),
    ('test-delivery', 'Delivery (test)', 'delivery'),
    ('test-consulting', 'Consulting (test)', 'consulting');
create function pg_temp.ent(slug text) returns bigint language sql as $$
    select id from scc.entities as e where e.slug = ent.slug
$$;
insert into scc.channels (slug, name, kind) values ('airbnb_test', 'Airbnb', 'marketplace');

create function pg_temp.fig(r jsonb, section text, figure text)
returns jsonb language sql as $$
    select f -> 'value' from jsonb_array_elements(r -> 'sections') as s,
                             jsonb_array_elements(s -> 'figures') as f
     where s ->> 'id' = section and f ->> 'id' = figure
$$;
create function pg_temp.tab(r jsonb, section text)
returns jsonb language sql as $$
    select s -> 'table' -> 'rows' from jsonb_array_elements(r -> 'sections') as s where s ->> 'id' = section
$$;

-- ---------------------------------------------------------------------------
-- Rental, October 2026 (31 nights)
-- ---------------------------------------------------------------------------
-- block 10..12 (3 nights); S1 09-29..10-03 40000 (10000 a night, 2 in
-- October), S2 10-05..10-08 36000 (3), S3 10-30..11-02 30000 (2 in
-- October), S4 cancelled.  available 28, booked 7, revenue 76000.
insert into scc.rental_blocks (entity_id, external_id, kind, starts_on, ends_on) values
    (pg_temp.ent('test-rental'), 'B1', 'maintenance', '2026-10-10', '2026-10-13');
insert into scc.rental_stays (entity_id, external_id, channel, check_in, check_out, status, revenue_cents) values
    (pg_temp.ent('test-rental'), 'S1', 'direct', '2026-09-29', '2026-10-03', 'confirmed', 40000),
    (pg_temp.ent('test-rental'), 'S2', 'direct', '2026-10-05', '2026-10-08', 'confirmed', 36000),
    (pg_temp.ent('test-rental'), 'S3', 'airbnb_test', '2026-10-30', '2026-11-02', 'confirmed', 30000),
    (pg_temp.ent('test-rental'), 'S4', 'direct', '2026-10-15', '2026-10-20', 'cancelled', 50000);
-- W1 resolved in 2 days; at the end (2026-11-01 00:00 PDT) W2 is 61 days
-- old, W3 3.5, W4 12 (closed after the end: still open at it).
insert into scc.work_orders (entity_id, external_id, title, priority, opened_at, closed_at, cost_cents) values
    (pg_temp.ent('test-rental'), 'W1', 'Leaking tap', 'high',
     '2026-10-01 08:00 America/Los_Angeles', '2026-10-03 08:00 America/Los_Angeles', 5000),
    (pg_temp.ent('test-rental'), 'W2', 'Fence', 'low', '2026-09-01 00:00 America/Los_Angeles', null, 10000),
    (pg_temp.ent('test-rental'), 'W3', 'Smoke alarm', 'urgent', '2026-10-28 12:00 America/Los_Angeles', null, 0),
    (pg_temp.ent('test-rental'), 'W4', 'Paint', 'normal',
     '2026-10-20 00:00 America/Los_Angeles', '2026-11-05 00:00 America/Los_Angeles', 2000);

create temp table r as select scc_report.rental(scc.report_period('2026-10', 'America/Los_Angeles')) as j;
select is((select j ->> 'kind' from r), 'rental', 'rental: kind');
select is((select j #>> '{period,ends}' from r), '2026-11-01', 'rental: the period ends at November');
select is((select pg_temp.fig(j, 'occupancy', 'nights') from r), '31', 'rental: 31 nights in October');
select is((select pg_temp.fig(j, 'occupancy', 'blocked_nights') from r), '3', 'rental: 3 blocked nights');
select is((select pg_temp.fig(j, 'occupancy', 'available_nights') from r), '28', 'rental: 28 available');
select is((select pg_temp.fig(j, 'occupancy', 'booked_nights') from r), '7', 'rental: 7 booked (2 + 3 + 2)');
select is((select pg_temp.fig(j, 'occupancy', 'occupancy') from r), '0.2500', 'rental: occupancy 7 / 28');
select is((select pg_temp.fig(j, 'occupancy', 'revenue') from r), '76000', 'rental: revenue 20000 + 36000 + 20000');
select is((select pg_temp.fig(j, 'occupancy', 'adr') from r), '10857', 'rental: ADR 76000 / 7');
select is((select pg_temp.fig(j, 'occupancy', 'revpar') from r), '2714', 'rental: RevPAR 76000 / 28');
select is((select pg_temp.tab(j, 'occupancy') from r), '[["Direct", 5, 56000], ["Airbnb", 2, 20000]]',
          'rental: nights and revenue by channel');
select is((select pg_temp.fig(j, 'stays', 'stays') from r), '2', 'rental: two stays check in in October');
select is((select pg_temp.fig(j, 'stays', 'average_stay') from r), '3.00', 'rental: average stay 3 nights');
select is((select pg_temp.fig(j, 'stays', 'revenue_per_booking') from r), '33000', 'rental: revenue per booking (36000 + 30000) / 2');
select is((select pg_temp.tab(j, 'maintenance') from r),
          '[["0-7 days", 1, 0], ["8-30 days", 1, 2000], ["over 30 days", 1, 10000]]',
          'rental: the backlog at the end by age (W3, W4, W2)');
select is((select pg_temp.fig(j, 'maintenance', 'backlog') from r), '3', 'rental: three open at the end');
select is((select pg_temp.fig(j, 'maintenance', 'time_to_resolve') from r), '2.00', 'rental: W1 took 2 days');
select is((select pg_temp.fig(j, 'maintenance', 'maintenance_spent') from r), '5000', 'rental: cost of resolved work');
select is((select pg_temp.tab(j, 'resolution') from r),
          '[["urgent", 0, null], ["high", 1, 2.00], ["normal", 0, null], ["low", 0, null]]', 'rental: by priority');
select is((select jsonb_array_length(s -> 'chart' -> 'points') from r, jsonb_array_elements(j -> 'sections') as s
            where s ->> 'id' = 'occupancy_trend'), 12, 'rental: twelve months of trend');
select is((select s -> 'chart' -> 'points' -> 11 from r, jsonb_array_elements(j -> 'sections') as s
            where s ->> 'id' = 'occupancy_trend'), '{"label": "2026-10", "value": 0.2500}', 'rental: the trend ends with October');
select is((select j -> 'csv' -> 'rows' from r),
          '[["S1", "2026-09-29", "2026-10-03", 4, 2, "Direct", 1, 40000, 20000],
            ["S2", "2026-10-05", "2026-10-08", 3, 3, "Direct", 1, 36000, 36000],
            ["S3", "2026-10-30", "2026-11-02", 3, 2, "Airbnb", 1, 30000, 20000]]', 'rental: the CSV, stays with their October share');

-- an empty month: every ratio n/a, nothing fails
create temp table r0 as select scc_report.rental(scc.report_period('2020-02', 'America/Los_Angeles')) as j;
select is((select pg_temp.fig(j, 'occupancy', 'nights') from r0), '29', 'rental: February 2020 has 29 nights');
select is((select pg_temp.fig(j, 'occupancy', 'occupancy') from r0), '0.0000', 'rental: an empty month is 0 % occupied');
select is((select pg_temp.fig(j, 'occupancy', 'adr') from r0), 'null', 'rental: ADR of no nights is n/a');
select is((select pg_temp.fig(j, 'stays', 'average_stay') from r0), 'null', 'rental: average of no stays is n/a');
select is((select pg_temp.fig(j, 'maintenance', 'time_to_resolve') from r0), 'null', 'rental: no work resolved is n/a');
-- a month wholly blocked: no available night
insert into scc.rental_blocks (entity_id, external_id, kind, starts_on, ends_on) values
    (pg_temp.ent('test-rental'), 'B2', 'owner', '2025-02-01', '2025-03-01');
select is((select pg_temp.fig(scc_report.rental(scc.report_period('2025-02', 'UTC')), 'occupancy', 'occupancy')),
          'null', 'rental: occupancy of a month with no available night is n/a');

-- ---------------------------------------------------------------------------
-- Yacht delivery, Q3 2026 (92 days)
-- ---------------------------------------------------------------------------
insert into scc.deliveries (id, entity_id, external_id, customer, vessel, from_port, to_port, stage,
                            inquiry_on, quoted_on, contracted_on, departed_on, delivered_on, invoiced_on, paid_on, lost_on,
                            nm_planned, nm_logged, days_underway, weather_days, fee_cents, rating) values
    ('00000000-0000-4000-8000-0000000de101', pg_temp.ent('test-delivery'), 'D1', 'Ann', 'Swan 48',
     'San Diego', 'Honolulu', 'paid', '2026-06-20', '2026-06-25', '2026-07-02', '2026-07-10', '2026-07-20',
     '2026-07-21', '2026-08-05', null, 1000, 1100, 8, 2, 1500000, 5),
    ('00000000-0000-4000-8000-0000000de102', pg_temp.ent('test-delivery'), 'D2', 'Bob', 'J/122',
     'Seattle', 'San Diego', 'in_transit', '2026-07-05', '2026-07-08', '2026-07-15', '2026-09-25', null,
     null, null, null, 1200, null, null, 0, 800000, null),
    ('00000000-0000-4000-8000-0000000de103', pg_temp.ent('test-delivery'), 'D3', 'Cy', 'Beneteau 40',
     'Ensenada', 'San Diego', 'lost', '2026-07-10', '2026-07-12', null, null, null, null, null, '2026-07-20',
     70, null, null, 0, 500000, null),
    ('00000000-0000-4000-8000-0000000de104', pg_temp.ent('test-delivery'), 'D4', 'Di', 'Catalina 30',
     'Avalon', 'San Diego', 'inquiry', '2026-09-28', null, null, null, null, null, null, null,
     null, null, null, 0, null, null),
    ('00000000-0000-4000-8000-0000000de105', pg_temp.ent('test-delivery'), 'D5', 'Ed', 'Hinckley 43',
     'Newport Beach', 'Cabo San Lucas', 'delivered', '2026-08-01', '2026-08-03', '2026-08-05', '2026-08-10',
     '2026-08-20', null, null, null, 500, 480, 4, 0, 700000, 4);
insert into scc.delivery_costs (delivery_id, external_id, kind, incurred_on, amount_cents) values
    ('00000000-0000-4000-8000-0000000de101', 'C1', 'crew', '2026-07-20', 300000),
    ('00000000-0000-4000-8000-0000000de101', 'C2', 'fuel', '2026-07-20', 200000),
    ('00000000-0000-4000-8000-0000000de105', 'C3', 'travel', '2026-08-20', 100000);

create temp table d as select scc_report.delivery(scc.report_period('2026-Q3', 'America/Los_Angeles')) as j;
select is((select pg_temp.tab(j, 'pipeline') from d),
          '[["inquiry", 1, 0], ["quoted", 0, 0], ["contracted", 0, 0], ["in_transit", 1, 800000],
            ["delivered", 1, 700000], ["invoiced", 0, 0]]', 'delivery: the pipeline at October 1 by stage and value');
select is((select pg_temp.fig(j, 'pipeline', 'pipeline_open') from d), '2', 'delivery: two open (D4, D2)');
select is((select pg_temp.fig(j, 'pipeline', 'pipeline_value') from d), '800000', 'delivery: their value');
select is((select pg_temp.tab(j, 'conversion') from d),
          '[["inquiries", 4, null], ["quoted", 3, 0.7500], ["contracted", 3, 1.0000], ["delivered", 2, 0.6667], ["lost", 1, null]]',
          'delivery: the stage flow in Q3 (D1''s inquiry and quote were in June)');
select is((select pg_temp.fig(j, 'conversion', 'quote_rate') from d), '0.7500', 'delivery: quote rate 3 / 4');
select is((select pg_temp.fig(j, 'passages', 'delivered') from d), '2', 'delivery: D1 and D5 delivered');
select is((select pg_temp.fig(j, 'passages', 'nm_logged') from d), '1580.0', 'delivery: 1100 + 480 nm');
select is((select pg_temp.fig(j, 'passages', 'days_at_sea') from d), '12.00', 'delivery: 8 + 4 days');
select is((select pg_temp.fig(j, 'passages', 'speed_made_good') from d), '5.49', 'delivery: 1580 / 288 h');
select is((select pg_temp.fig(j, 'passages', 'utilisation') from d), '0.1304', 'delivery: 12 / 92 days');
select is((select pg_temp.fig(j, 'economics', 'revenue') from d), '2200000', 'delivery: fees');
select is((select pg_temp.fig(j, 'economics', 'costs') from d), '600000', 'delivery: costs');
select is((select pg_temp.fig(j, 'economics', 'margin') from d), '0.7273', 'delivery: margin 1600000 / 2200000');
select is((select pg_temp.fig(j, 'economics', 'revenue_per_nm') from d), '1392', 'delivery: 2200000 / 1580 nm');
select is((select pg_temp.fig(j, 'economics', 'revenue_per_day') from d), '183333', 'delivery: 2200000 / 12 days');
select is((select pg_temp.fig(j, 'satisfaction', 'rating') from d), '4.50', 'delivery: ratings 5 and 4');
select is((select jsonb_array_length(j -> 'csv' -> 'rows') from d), 5, 'delivery: the CSV has every delivery active in Q3');
select is((select j -> 'csv' -> 'rows' -> 0 from d),
          '["D1", "Ann", "Swan 48", "San Diego", "Honolulu", "paid", "2026-06-20", "2026-07-20", 1000.0, 1100.0, 8.00, 2.00, 1500000, 500000, 5]',
          'delivery: a CSV row');
select is((select pg_temp.fig(scc_report.delivery(scc.report_period('2020', 'UTC')), 'economics', 'margin')),
          'null', 'delivery: the margin of no fees is n/a');
select is((select pg_temp.fig(scc_report.delivery(scc.report_period('2020', 'UTC')), 'passages', 'speed_made_good')),
          'null', 'delivery: speed made good of no days at sea is n/a');

-- ---------------------------------------------------------------------------
-- Portfolio, October 2026 (31 days)
-- ---------------------------------------------------------------------------
insert into scc.clients (id, entity_id, external_id, name) values
    ('00000000-0000-4000-8000-0000000dc0a1', pg_temp.ent('test-consulting'), 'A', 'Acme'),
    ('00000000-0000-4000-8000-0000000dc0b1', pg_temp.ent('test-consulting'), 'B', 'Bolt');
insert into scc.contracts (id, client_id, external_id, title, status, starts_on, ends_on, renews_on, rate_cents, hour_cap) values
    ('00000000-0000-4000-8000-0000000dcca1', '00000000-0000-4000-8000-0000000dc0a1', 'CA1', 'Audit', 'active',
     '2026-05-15', '2026-11-14', '2026-11-15', 15000, 10),
    ('00000000-0000-4000-8000-0000000dccb1', '00000000-0000-4000-8000-0000000dc0b1', 'CB1', 'Retainer', 'active',
     '2026-06-01', null, '2027-06-01', 20000, null),
    ('00000000-0000-4000-8000-0000000dccb2', '00000000-0000-4000-8000-0000000dc0b1', 'CB2', 'Pilot', 'ended',
     '2026-01-01', '2026-03-31', null, 20000, null);
insert into scc.invoices (id, entity_id, external_id, client_id, counterparty, issued_on, due_on, amount_cents) values
    ('00000000-0000-4000-8000-0000000dc1a0', pg_temp.ent('test-consulting'), 'INV-A0',
     '00000000-0000-4000-8000-0000000dc0a1', 'Acme', '2026-07-15', '2026-08-14', 100000),
    ('00000000-0000-4000-8000-0000000dc1a1', pg_temp.ent('test-consulting'), 'INV-A1',
     '00000000-0000-4000-8000-0000000dc0a1', 'Acme', '2026-10-01', '2026-10-31', 90000),
    ('00000000-0000-4000-8000-0000000dc1b1', pg_temp.ent('test-consulting'), 'INV-B1',
     '00000000-0000-4000-8000-0000000dc0b1', 'Bolt', '2026-09-10', '2026-10-10', 200000),
    ('00000000-0000-4000-8000-0000000dc1b2', pg_temp.ent('test-consulting'), 'INV-B2',
     '00000000-0000-4000-8000-0000000dc0b1', 'Bolt', '2026-11-03', '2026-12-03', 60000);
insert into scc.payments (invoice_id, external_id, received_on, amount_cents) values
    ('00000000-0000-4000-8000-0000000dc1a0', 'P1', '2026-08-01', 30000),
    ('00000000-0000-4000-8000-0000000dc1a1', 'P2', '2026-10-20', 50000),
    ('00000000-0000-4000-8000-0000000dc1a1', 'P3', '2026-11-10', 40000),
    ('00000000-0000-4000-8000-0000000dc1b1', 'P4', '2026-10-05', 200000);
insert into scc.time_entries (contract_id, external_id, worked_on, hours, rate_cents, billable, approved, invoice_id) values
    ('00000000-0000-4000-8000-0000000dcca1', 'T1', '2026-09-25', 6, 15000, true, true, '00000000-0000-4000-8000-0000000dc1a1'),
    ('00000000-0000-4000-8000-0000000dcca1', 'T2', '2026-10-05', 5, 15000, true, true, null),
    ('00000000-0000-4000-8000-0000000dcca1', 'T3', '2026-10-06', 2, 15000, false, true, null),
    ('00000000-0000-4000-8000-0000000dccb1', 'T4', '2026-10-10', 4, 18000, true, false, null),
    ('00000000-0000-4000-8000-0000000dccb1', 'T5', '2026-10-12', 3, 20000, true, true, '00000000-0000-4000-8000-0000000dc1b2');

create temp table f as select scc_report.portfolio(scc.report_period('2026-10', 'America/Los_Angeles')) as j;
select is((select pg_temp.fig(j, 'unbilled', 'unbilled_hours') from f), '12.00', 'portfolio: unbilled 5 + 4 + 3 h (T5 invoiced after the end)');
select is((select pg_temp.fig(j, 'unbilled', 'unbilled_value') from f), '207000', 'portfolio: 75000 + 72000 + 60000');
select is((select pg_temp.fig(j, 'unbilled', 'unbilled_approved') from f), '135000', 'portfolio: approved 75000 + 60000');
select is((select pg_temp.tab(j, 'contracts') from f), '[["Acme", "Audit", "2026-11-15", 14, 15000]]',
          'portfolio: one renewal in the 90 days after the end');
select is((select pg_temp.tab(j, 'aging') from f),
          '[["0-30 days", 0, 0], ["31-60 days", 1, 40000], ["61-90 days", 0, 0], ["over 90 days", 1, 70000]]',
          'portfolio: AR aging at the end');
select is((select pg_temp.fig(j, 'aging', 'ar') from f), '110000', 'portfolio: receivables 70000 + 40000');
select is((select pg_temp.fig(j, 'collection', 'billed') from f), '90000', 'portfolio: invoiced in October');
select is((select pg_temp.fig(j, 'collection', 'collected') from f), '250000', 'portfolio: collected 50000 + 200000');
select is((select pg_temp.fig(j, 'collection', 'dso') from f), '37.9', 'portfolio: DSO 110000 x 31 / 90000');
select is((select pg_temp.fig(j, 'collection', 'collection_rate') from f), '0.6944',
          'portfolio: collection rate 250000 / (270000 + 90000)');
select is((select pg_temp.fig(j, 'collection', 'payment_velocity') from f), '25.0', 'portfolio: INV-B1 settled 25 days after issue');
select is((select pg_temp.fig(j, 'collection', 'largest_client_share') from f), '1.0000', 'portfolio: Acme had all October''s invoicing');
select is((select pg_temp.tab(j, 'flags') from f),
          '[["over hour cap", "Acme", "Audit", "11.00 h of 10.00 h"],
            ["rate mismatch", "Bolt", "Retainer", "1 entries at [18000] against 20000"],
            ["unpaid past 60 days", "Acme", "INV-A0", "109 days, 70000 cents due"]]', 'portfolio: the audit flags');
select is((select j -> 'csv' -> 'rows' from f),
          '[["Acme", 7.00, 90000, 50000, 110000, 1.0000], ["Bolt", 7.00, 0, 200000, 0, 0.0000]]', 'portfolio: the clients CSV');
select is((select pg_temp.fig(scc_report.portfolio(scc.report_period('2020-01', 'UTC')), 'collection', 'dso')),
          'null', 'portfolio: DSO with nothing invoiced is n/a');

select * from finish();
rollback;
