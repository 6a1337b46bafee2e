-- imports_kinds.sql — the generic import framework (sql/migrations/
-- 041_import_kinds.sql): layouts as rows (scc.import_kinds), the one typed
-- checker (every type's error with line and column, a key given twice),
-- each kind's rules across columns, every kind's sample file imported and
-- imported again (updated, never duplicated), every named constraint of
-- every kind's table caught with a line and a column (and its breaking
-- rows shown to really break it), and malformed files refused whole.  Runs as the superuser (pg_prove from the repository's root) in a
-- rolled-back transaction; scc.import_csv is what scc_worker may run.
begin;
create extension if not exists pgtap;
select plan(35);

create function pg_temp.errors(kind text, csv text) returns table (line int, col text, code text) language sql as $$
    select (e ->> 'line')::int, e ->> 'column', e ->> 'code'
      from jsonb_array_elements(scc.import_csv(kind, csv, null, 'bad.csv') -> 'errors') as e
$$;
create function pg_temp.counts(kind text, csv text) returns jsonb language sql as $$
    select scc.import_csv(kind, csv, null, kind || '.csv') - 'import_id' - 'kind'
$$;

-- layouts are rows, the JSON shape kept
select is((select jsonb_agg(x ->> 'kind') from jsonb_array_elements(scc.import_layouts()) as x),
          (select jsonb_agg(k.kind order by k.position) from scc.import_kinds as k),
          'scc.import_layouts() lists the rows of scc.import_kinds in their order');
select is((select array_agg(c ->> 'name') from jsonb_array_elements(scc.import_layout('accounts') -> 'columns') as c),
          array['entity', 'code', 'name', 'type', 'purpose'], 'accounts has its purpose column');
select ok((select bool_and(c ? 'name' and c ? 'type' and c ? 'optional' and c ->> 'what' <> '')
             from jsonb_array_elements(scc.import_layouts()) as k, jsonb_array_elements(k -> 'columns') as c),
          'every column says its name, type, whether it may be empty and what it holds');
select throws_ok($$insert into scc.import_kinds (kind, position, title, key, key_columns, counts, sample, columns)
                   values ('widgets', 999, 'Widgets', 'id', array['id'], 'widgets', '/samples/import/widgets.csv',
                           '[{"name": "id", "type": "uuid"}]')$$,
                 '23514', null, 'a layout with an unknown column type is refused (import_kinds_columns_check)');
select throws_ok($$insert into scc.import_kinds (kind, position, title, key, key_columns, counts, sample, columns)
                   values ('widgets', 999, 'Widgets', 'id', array['id'], 'widgets', '/samples/import/widgets.csv',
                           '[{"name": "id", "type": "external_id"}, {"name": "ends_on", "type": "date", "after": "starts_on"}]')$$,
                 '23514', null, 'a column after one the layout does not have is refused');

-- the parser (fixed in 041): a quoted last field with no final line end
select results_eq($$select line, fields, problem from scc.csv_records(E'a,b\n1,"Sam ""Skip"" Porter"')
                    union all select line, fields, problem from scc.csv_records(E'a\n"x"')$$,
                  $$values (1, array['a', 'b'], null::text), (2, array['1', 'Sam "Skip" Porter'], null),
                           (1, array['a'], null), (2, array['x'], null)$$,
                  'a file ending in a quoted field, without a final line end, parses without a problem');

-- accounts: purpose, and its rule across columns
select results_eq($$select * from pg_temp.errors('accounts', E'entity,code,name,type,purpose\n'
                    'charter,P1,Bank,asset,cash\ncharter,P2,Deposits,asset,deferred_revenue\ncharter,P3,Fuel,expense,fuel\n'
                    'charter,P4,Sales,revenue,receivable\ncharter,P5,Loan,liability,payable')$$,
                  $$values (3, 'purpose', 'purpose_type_mismatch'), (4, 'purpose', 'invalid_purpose'),
                           (5, 'purpose', 'purpose_type_mismatch')$$,
                  'accounts: a purpose that does not fit the type (accounts_purpose_type_check), one that is not a purpose');

-- clients (the worked example)
\set clients `cat samples/import/clients.csv`
select is(pg_temp.counts('clients', :'clients'), '{"rows": 4, "inserted": 4, "updated": 0}', 'the clients sample: 4 clients');
select is(pg_temp.counts('clients', replace(:'clients', 'Acme Logistics', 'Acme Logistics Inc')),
          '{"rows": 4, "inserted": 0, "updated": 4}', 're-importing clients updates them');
select is((select name || ':' || active from scc.clients where external_id = 'CL-ACME'), 'Acme Logistics Inc:true',
          'a client renamed, not duplicated');
select results_eq($$select * from pg_temp.errors('clients', E'entity,external_id,name,active\n'
                    'nowhere,A,x,yes\ndangerouscentaur,,,maybe\ndangerouscentaur,CL-X,x,\ndangerouscentaur,CL-X,y,')$$,
                  $$values (2, 'entity', 'unknown_entity'), (3, 'external_id', 'external_id_required'),
                           (3, 'name', 'name_required'), (3, 'active', 'invalid_yes_no'), (5, 'external_id', 'duplicate_key')$$,
                  'clients: an unknown entity, required values, not yes or no, a key twice');


-- ---------------------------------------------------------------------------
-- the typed checker: every type's error (scc.import_value_error), with the
-- value and what is expected in the message
-- ---------------------------------------------------------------------------
insert into scc.boats (name, port_name, port_lat, port_lon, time_zone, guest_capacity)
select b, 'San Diego', 32.7157, -117.1611, 'America/Los_Angeles', 6
  from unnest(array['JADA', 'Queen of San Diego']) as b
 where not exists (select 1 from scc.boats as x where lower(x.name) = lower(b));

select results_eq($$select x.k, scc.import_value_error(x.col::jsonb, x.v, '{"entity": "nowhere", "sail_on": "2026-10-03",
                                                                            "booked_at": "2026-10-03T16:30Z", "broken": "x"}') ->> 'code'
                      from (values
    (1, '{"name": "t", "type": "text", "max": 3}', 'abcd'),
    (2, '{"name": "t", "type": "text", "pattern": "^[a-z]+$", "pattern_what": "lower case letters"}', 'A1'),
    (3, '{"name": "t", "type": "text"}', ''),
    (4, '{"name": "t", "type": "text", "optional": true}', ''),
    (5, '{"name": "external_id", "type": "external_id"}', repeat('x', 101)),
    (6, '{"name": "d", "type": "date"}', '2026-02-30'),
    (7, '{"name": "m", "type": "timestamp"}', '2026-10-03 09:30'),
    (8, '{"name": "m", "type": "timestamp"}', '2026-10-03T24:00Z'),
    (9, '{"name": "a", "type": "cents"}', '1,000.00'),
    (10, '{"name": "a", "type": "cents"}', '-1.00'),
    (11, '{"name": "a", "type": "cents", "signed": true}', '-1.00'),
    (12, '{"name": "a", "type": "cents", "positive": true}', '0.00'),
    (13, '{"name": "n", "type": "integer", "min": 1, "max": 5}', '1.5'),
    (14, '{"name": "n", "type": "integer", "min": 1, "max": 5}', '6'),
    (15, '{"name": "x", "type": "decimal", "min": 0, "scale": 1}', '1.25'),
    (16, '{"name": "x", "type": "decimal", "above": 0, "max": 24}', '0'),
    (17, '{"name": "x", "type": "decimal", "above": 0, "max": 24}', '24.01'),
    (18, '{"name": "x", "type": "decimal", "min": 0}', '1e3'),
    (19, '{"name": "e", "type": "enum", "values": ["low", "high"]}', 'medium'),
    (20, '{"name": "entity", "type": "entity"}', 'nowhere'),
    (21, '{"name": "c", "type": "currency"}', 'usd'),
    (22, '{"name": "y", "type": "yes_no"}', 'maybe'),
    (23, '{"name": "boat", "type": "ref", "ref": "boat"}', 'Nautilus'),
    (24, '{"name": "channel", "type": "ref", "ref": "channel"}', 'airbnb'),
    (25, '{"name": "event", "type": "ref", "ref": "event"}', 'not-a-uuid'),
    (26, '{"name": "client", "type": "ref", "ref": "client"}', 'CL-ACME'),
    (27, '{"name": "service", "type": "ref", "ref": "service"}', 'SVC-404'),
    (28, '{"name": "repository", "type": "ref", "ref": "repository"}', 'nowhere/none'),
    (29, '{"name": "entity", "type": "date", "after": "sail_on"}', '2026-10-03'),
    (30, '{"name": "entity", "type": "timestamp", "not_before": "booked_at"}', '2026-10-03T09:00-07:00'),
    (31, '{"name": "entity", "type": "timestamp", "not_before": "booked_at"}', '2026-10-03T17:00Z'),
    (32, '{"name": "entity", "type": "date", "after": "broken"}', '2026-10-03')
                      ) as x (k, col, v) order by x.k$$,
                  $$values (1, 't_too_long'), (2, 'invalid_t'), (3, 't_required'), (4, null), (5, 'external_id_too_long'),
                           (6, 'invalid_date'), (7, 'invalid_timestamp'), (8, 'invalid_timestamp'), (9, 'invalid_amount'),
                           (10, 'invalid_amount'), (11, null), (12, 'zero_amount'), (13, 'invalid_number'),
                           (14, 'invalid_number'), (15, 'invalid_number'), (16, 'invalid_number'), (17, 'invalid_number'),
                           (18, 'invalid_number'), (19, 'invalid_e'), (20, 'unknown_entity'), (21, 'invalid_currency'),
                           (22, 'invalid_yes_no'), (23, 'unknown_boat'), (24, 'unknown_channel'), (25, 'unknown_event'),
                           (26, null), (27, 'unknown_service'), (28, 'unknown_repository'),
                           (29, 'invalid_span'), (30, 'before_booked_at'), (31, null), (32, null)$$,
                  'every type''s error code and two dates in order; empty optional, signed, a reference in a wrong scope and an order against an invalid value pass');
select is(array[scc.import_value_error('{"name": "status", "type": "enum", "values": ["open", "done"]}', 'shut', '{}') ->> 'message',
                scc.import_value_error('{"name": "fee", "type": "cents"}', '1,000', '{}') ->> 'message',
                scc.import_value_error('{"name": "hours", "type": "decimal", "above": 0, "max": 24}', '30', '{}') ->> 'message',
                scc.import_value_error('{"name": "guests", "type": "integer", "min": 1, "max": 50}', '0', '{}') ->> 'message',
                scc.import_value_error('{"name": "boat", "type": "ref", "ref": "boat"}', 'Nautilus', '{}') ->> 'message',
                scc.import_value_error('{"name": "delivery", "type": "ref", "ref": "delivery"}', 'D-9',
                                       '{"entity": "expert-yacht-delivery"}') ->> 'message'],
          array['shut is not a status: one of open, done',
                '1,000 is not an amount: digits with at most two decimal places, such as 1250.00, no sign',
                '30 is not a number above 0 to 24, at most 2 decimal places',
                '0 is not a whole number from 1 to 50',
                'no boat Nautilus',
                'no delivery D-9 of expert-yacht-delivery'],
          'messages name the value and what is expected');
select is(array[scc.import_timestamp('2026-10-03T09:30:00-07:00'), scc.import_timestamp('2026-10-03 16:30Z'),
                scc.import_timestamp('2026-10-04T02:00+0530'), scc.import_timestamp('2026-10-03T09:30-07')],
          array[timestamptz '2026-10-03 16:30Z', '2026-10-03 16:30Z', '2026-10-03 20:30Z', '2026-10-03 16:30Z'],
          'moments: an offset with or without a colon or minutes, Z, T or a space');
select ok(scc.import_timestamp('2026-10-03T09:30') is null and scc.import_timestamp('2026-13-03T09:30Z') is null
          and scc.import_timestamp('2026-10-03T09:60Z') is null and scc.import_timestamp('2026-10-03T09:30+15') is null
          and scc.import_yes('si') is null and scc.import_yes('YES') and not scc.import_yes('0')
          and scc.import_number('1.2.3') is null and scc.import_number('-0.5') = -0.5,
          'not moments: no zone, month 13, minute 60, offset 15; yes/no and numbers');
select is(scc.import_ref_id('boat', (select id::text from scc.boats where name = 'JADA'), '{}'),
          scc.import_ref_id('boat', 'jada', '{}'), 'a boat by its id or by its name in any case');

-- ---------------------------------------------------------------------------
-- every sample file of the kinds of 041, in the kinds' order: imported,
-- then imported again (updated, never duplicated)
-- ---------------------------------------------------------------------------
\set bookings `cat samples/import/bookings.csv`
\set boat_blocks `cat samples/import/boat_blocks.csv`
\set rental_stays `cat samples/import/rental_stays.csv`
\set rental_blocks `cat samples/import/rental_blocks.csv`
\set work_orders `cat samples/import/work_orders.csv`
\set deliveries `cat samples/import/deliveries.csv`
\set delivery_costs `cat samples/import/delivery_costs.csv`
\set contracts `cat samples/import/contracts.csv`
\set invoices `cat samples/import/invoices.csv`
\set payments `cat samples/import/payments.csv`
\set time_entries `cat samples/import/time_entries.csv`
create temp table samples (k int, kind text, csv text, n int);
insert into samples values
    (1, 'bookings', :'bookings', 6), (2, 'boat_blocks', :'boat_blocks', 3), (3, 'rental_stays', :'rental_stays', 4),
    (4, 'rental_blocks', :'rental_blocks', 2), (5, 'work_orders', :'work_orders', 4), (6, 'deliveries', :'deliveries', 5),
    (7, 'delivery_costs', :'delivery_costs', 5), (8, 'contracts', :'contracts', 4), (9, 'invoices', :'invoices', 6),
    (10, 'payments', :'payments', 5), (11, 'time_entries', :'time_entries', 6);
create function pg_temp.table_count(kind text) returns int language sql as $$
    select case kind
        when 'bookings' then (select count(*) from scc.bookings) when 'boat_blocks' then (select count(*) from scc.boat_blocks)
        when 'rental_stays' then (select count(*) from scc.rental_stays) when 'rental_blocks' then (select count(*) from scc.rental_blocks)
        when 'work_orders' then (select count(*) from scc.work_orders) when 'deliveries' then (select count(*) from scc.deliveries)
        when 'delivery_costs' then (select count(*) from scc.delivery_costs) when 'contracts' then (select count(*) from scc.contracts)
        when 'invoices' then (select count(*) from scc.invoices) when 'payments' then (select count(*) from scc.payments)
        when 'time_entries' then (select count(*) from scc.time_entries) end::int
$$;
select is((select array_agg(s.kind order by s.k) from samples as s),
          (select array_agg(k.kind order by k.position) from scc.import_kinds as k
            where k.kind in (select kind from samples)), 'the samples in the kinds'' order (references first)');
create temp table first_pass as
select s.k, s.kind, scc.import_csv(s.kind, s.csv, null, s.kind || '.csv') - 'import_id' - 'kind' as r from samples as s order by s.k;
create temp table second_pass as
select s.k, s.kind, scc.import_csv(s.kind, s.csv, null, s.kind || '.csv') - 'import_id' - 'kind' as r from samples as s order by s.k;
select results_eq($$select f.kind, f.r from first_pass as f order by f.k$$,
                  $$select s.kind, jsonb_build_object('rows', s.n, 'inserted', s.n, 'updated', 0) from samples as s order by s.k$$,
                  'each sample file imports every row (inserted)');
select results_eq($$select f.kind, f.r from second_pass as f order by f.k$$,
                  $$select s.kind, jsonb_build_object('rows', s.n, 'inserted', 0, 'updated', s.n) from samples as s order by s.k$$,
                  'each sample file imported again: every row updated');
select results_eq($$select s.kind, pg_temp.table_count(s.kind) from samples as s order by s.k$$,
                  $$select s.kind, s.n from samples as s order by s.k$$, 'never duplicated: each table holds its sample''s rows once');
select is((select array[count(*) filter (where boat_id is not null), count(*) filter (where status = 'cancelled'),
                        sum(gross_cents), sum(commission_cents), min(party_size)]::bigint[] from scc.bookings),
          array[5, 1, 685000, 84100, 1]::bigint[], 'bookings: boats by name, a cancellation, amounts in cents, defaults');
select is((select string_agg(format('%s:%s:%s', d.external_id, d.stage,
                                    (select coalesce(sum(c.amount_cents), 0) from scc.delivery_costs as c
                                      where c.delivery_id = d.id and c.currency = 'USD')), ' ' order by d.external_id)
             from scc.deliveries as d),
          'EYD-2026-014:paid:108540 EYD-2026-015:in_transit:169275 EYD-2026-016:quoted:0 EYD-2026-017:lost:0 EYD-2026-018:inquiry:0',
          'deliveries at every stage with their costs, by external id');
select is((select string_agg(format('%s:%s:%s', t.external_id, coalesce(i.external_id, '-'), t.billable), ' ' order by t.external_id)
             from scc.time_entries as t left join scc.invoices as i on i.id = t.invoice_id),
          'TE-3101:1042:t TE-3102:1042:t TE-3140:-:t TE-3141:1043:t TE-3142:-:f TE-3143:-:t',
          'time entries: their contracts and invoices by external id, billable by default');
select is((select array[scc.invoice_paid(i.id, '2026-12-31')] from scc.invoices as i where i.external_id = 'EYD-INV-014'),
          array[500000::bigint], 'payments against an invoice by its external id');
select is((select string_agg(format('%s:%s', w.external_id, coalesce(to_char(w.closed_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI'), 'open')),
                             ' ' order by w.external_id) from scc.work_orders as w),
          'WO-2026-031:2026-10-20 23:00 WO-2026-032:2026-10-11 19:15 WO-2026-033:open WO-2026-034:open',
          'work orders: moments with their offsets, open ones');
select is(pg_temp.counts('bookings', replace(:'bookings', 'Rivera, Ana', 'Rivera, Ana María')) ->> 'updated', '6',
          'a booking re-imported with a change');
select is((select customer from scc.bookings where external_id = 'BK-2026-0101'), 'Rivera, Ana María', 'is updated in place');


-- ---------------------------------------------------------------------------
-- every named constraint of every kind's table is caught with a line and a
-- column: per constraint, rows (a good row of the kind with what breaks it)
-- that the import refuses with exactly the error named, and that, given to
-- the kind's apply without the checks, really break that constraint
-- (a key twice: the upsert's 21000; a foreign key: the apply resolves
-- references, so the typed check is all that stands there)
-- ---------------------------------------------------------------------------
create temp table good (kind text primary key, f jsonb);
insert into good values
    ('accounts', '{"entity": "charter", "code": "FX1", "name": "Fixture", "type": "asset"}'),
    ('bookings', '{"entity": "charter", "external_id": "FX-1", "channel": "direct", "boat": "JADA", "sail_on": "2026-12-01",
                   "booked_at": "2026-11-01T10:00:00Z", "status": "confirmed", "gross": "100.00"}'),
    ('boat_blocks', '{"boat": "JADA", "external_id": "FX-1", "kind": "owner", "starts_on": "2026-12-01", "ends_on": "2026-12-02"}'),
    ('rental_stays', '{"entity": "rental-3028-51st", "external_id": "FX-1", "channel": "direct", "check_in": "2026-12-01",
                       "check_out": "2026-12-03", "revenue": "300.00"}'),
    ('rental_blocks', '{"entity": "rental-3028-51st", "external_id": "FX-1", "kind": "owner", "starts_on": "2026-12-10",
                        "ends_on": "2026-12-12"}'),
    ('work_orders', '{"entity": "rental-3028-51st", "external_id": "FX-1", "title": "Leak", "priority": "low",
                      "opened_at": "2026-12-01T09:00:00Z"}'),
    ('deliveries', '{"entity": "expert-yacht-delivery", "external_id": "FX-1", "customer": "C", "vessel": "V", "from_port": "A",
                     "to_port": "B", "stage": "inquiry", "inquiry_on": "2026-12-01"}'),
    ('delivery_costs', '{"entity": "expert-yacht-delivery", "delivery": "EYD-2026-014", "external_id": "FX-1", "kind": "fuel",
                         "incurred_on": "2026-12-01", "amount": "10.00"}'),
    ('clients', '{"entity": "dangerouscentaur", "external_id": "FX-1", "name": "N"}'),
    ('contracts', '{"entity": "dangerouscentaur", "client": "CL-ACME", "external_id": "FX-1", "title": "T", "status": "draft",
                    "starts_on": "2026-12-01", "rate": "100.00"}'),
    ('invoices', '{"entity": "dangerouscentaur", "external_id": "FX-1", "counterparty": "X", "issued_on": "2026-12-01",
                   "due_on": "2026-12-31", "amount": "10.00"}'),
    ('payments', '{"entity": "dangerouscentaur", "invoice": "1042", "external_id": "FX-1", "received_on": "2026-12-01",
                   "amount": "10.00"}'),
    ('time_entries', '{"entity": "dangerouscentaur", "client": "CL-ACME", "contract": "ACME-2026-RET", "external_id": "FX-1",
                       "worked_on": "2026-12-01", "hours": "1", "rate": "200.00"}');
select is((select array_agg(g.kind order by g.kind) from good as g),
          array['accounts', 'boat_blocks', 'bookings', 'clients', 'contracts', 'deliveries', 'delivery_costs', 'invoices',
                'payments', 'rental_blocks', 'rental_stays', 'time_entries', 'work_orders'],
          'a good row for every kind of 041 (and accounts), each named as its table');
create temp table breaks (kind text, con text, col text, code text, rows jsonb);
insert into breaks values
    ('accounts', 'accounts_code_check', 'code', 'invalid_code', '[{"code": "a b"}]'),
    ('accounts', 'accounts_entity_id_code_key', 'code', 'duplicate_key', '[{}, {"name": "Again"}]'),
    ('accounts', 'accounts_entity_id_fkey', 'entity', 'unknown_entity', '[{"entity": "nowhere"}]'),
    ('accounts', 'accounts_name_check', 'name', 'name_too_long', format('[{"name": "%s"}]', repeat('n', 201))::jsonb),
    ('accounts', 'accounts_purpose_check', 'purpose', 'invalid_purpose', '[{"purpose": "fuel"}]'),
    ('accounts', 'accounts_purpose_type_check', 'purpose', 'purpose_type_mismatch', '[{"purpose": "cash", "type": "expense"}]'),
    ('accounts', 'accounts_type_check', 'type', 'invalid_type', '[{"type": "cash"}]'),
    ('bookings', 'bookings_amounts_check', 'refunds', 'refunds_over_gross', '[{"refunds": "150.00"}]'),
    ('bookings', 'bookings_amounts_check', 'deposit', 'deposit_over_gross', '[{"deposit": "100.01"}]'),
    ('bookings', 'bookings_amounts_check', 'commission', 'invalid_amount', '[{"commission": "-1.00"}]'),
    ('bookings', 'bookings_boat_id_fkey', 'boat', 'unknown_boat', '[{"boat": "Nautilus"}]'),
    ('bookings', 'bookings_cancellation_cause_check', 'cancellation_cause', 'invalid_cancellation_cause',
     '[{"status": "cancelled", "cancellation_cause": "storm"}]'),
    ('bookings', 'bookings_cancellation_check', 'cancellation_cause', 'cancellation_cause_required', '[{"status": "cancelled"}]'),
    ('bookings', 'bookings_cancellation_check', 'cancellation_cause', 'cause_without_cancellation', '[{"cancellation_cause": "weather"}]'),
    ('bookings', 'bookings_channel_fkey', 'channel', 'unknown_channel', '[{"channel": "airbnb"}]'),
    ('bookings', 'bookings_currency_check', 'currency', 'invalid_currency', '[{"currency": "usd"}]'),
    ('bookings', 'bookings_customer_check', 'customer', 'customer_too_long', format('[{"customer": "%s"}]', repeat('c', 201))::jsonb),
    ('bookings', 'bookings_entity_external_id_key', 'external_id', 'duplicate_key', '[{}, {"gross": "90.00"}]'),
    ('bookings', 'bookings_entity_id_fkey', 'entity', 'unknown_entity', '[{"entity": "nowhere"}]'),
    ('bookings', 'bookings_event_id_fkey', 'event', 'unknown_event', '[{"event": "00000000-0000-4000-8000-000000000000"}]'),
    ('bookings', 'bookings_external_id_check', 'external_id', 'external_id_too_long', format('[{"external_id": "%s"}]', repeat('x', 101))::jsonb),
    ('bookings', 'bookings_party_size_check', 'party_size', 'invalid_number', '[{"party_size": "0"}]'),
    ('bookings', 'bookings_payout_check', 'payout_received', 'payout_incomplete', '[{"payout_received_on": "2026-12-05"}]'),
    ('bookings', 'bookings_payout_check', 'payout_received_on', 'payout_incomplete', '[{"payout_received": "5.00"}]'),
    ('bookings', 'bookings_payout_check', 'payout_expected', 'invalid_amount', '[{"payout_expected": "-5.00"}]'),
    ('bookings', 'bookings_status_check', 'status', 'invalid_status', '[{"status": "pending"}]'),
    ('boat_blocks', 'boat_blocks_boat_external_id_key', 'external_id', 'duplicate_key', '[{}, {"boat": "jada"}]'),
    ('boat_blocks', 'boat_blocks_boat_id_fkey', 'boat', 'unknown_boat', '[{"boat": "Nautilus"}]'),
    ('boat_blocks', 'boat_blocks_external_id_check', 'external_id', 'external_id_too_long', format('[{"external_id": "%s"}]', repeat('x', 101))::jsonb),
    ('boat_blocks', 'boat_blocks_kind_check', 'kind', 'invalid_kind', '[{"kind": "storm"}]'),
    ('boat_blocks', 'boat_blocks_note_check', 'note', 'note_too_long', format('[{"note": "%s"}]', repeat('n', 1001))::jsonb),
    ('boat_blocks', 'boat_blocks_span_check', 'ends_on', 'invalid_span', '[{"ends_on": "2026-12-01"}]'),
    ('rental_stays', 'rental_stays_channel_fkey', 'channel', 'unknown_channel', '[{"channel": "airbnb"}]'),
    ('rental_stays', 'rental_stays_currency_check', 'currency', 'invalid_currency', '[{"currency": "US"}]'),
    ('rental_stays', 'rental_stays_entity_external_id_key', 'external_id', 'duplicate_key', '[{}, {}]'),
    ('rental_stays', 'rental_stays_entity_id_fkey', 'entity', 'unknown_entity', '[{"entity": "nowhere"}]'),
    ('rental_stays', 'rental_stays_external_id_check', 'external_id', 'external_id_too_long', format('[{"external_id": "%s"}]', repeat('x', 101))::jsonb),
    ('rental_stays', 'rental_stays_guests_check', 'guests', 'invalid_number', '[{"guests": "51"}]'),
    ('rental_stays', 'rental_stays_revenue_check', 'revenue', 'invalid_amount', '[{"revenue": "-1.00"}]'),
    ('rental_stays', 'rental_stays_span_check', 'check_out', 'invalid_span', '[{"check_out": "2026-11-30"}]'),
    ('rental_stays', 'rental_stays_status_check', 'status', 'invalid_status', '[{"status": "pending"}]'),
    ('rental_blocks', 'rental_blocks_entity_external_id_key', 'external_id', 'duplicate_key', '[{}, {"kind": "maintenance"}]'),
    ('rental_blocks', 'rental_blocks_entity_id_fkey', 'entity', 'unknown_entity', '[{"entity": "nowhere"}]'),
    ('rental_blocks', 'rental_blocks_external_id_check', 'external_id', 'external_id_too_long', format('[{"external_id": "%s"}]', repeat('x', 101))::jsonb),
    ('rental_blocks', 'rental_blocks_kind_check', 'kind', 'invalid_kind', '[{"kind": "weather"}]'),
    ('rental_blocks', 'rental_blocks_note_check', 'note', 'note_too_long', format('[{"note": "%s"}]', repeat('n', 1001))::jsonb),
    ('rental_blocks', 'rental_blocks_span_check', 'ends_on', 'invalid_span', '[{"ends_on": "2026-12-09"}]'),
    ('work_orders', 'work_orders_closed_check', 'closed_at', 'before_opened_at', '[{"closed_at": "2026-12-01T08:59:00Z"}]'),
    ('work_orders', 'work_orders_cost_check', 'cost', 'invalid_amount', '[{"cost": "-3.00"}]'),
    ('work_orders', 'work_orders_currency_check', 'currency', 'invalid_currency', '[{"currency": "DOLLARS"}]'),
    ('work_orders', 'work_orders_entity_external_id_key', 'external_id', 'duplicate_key', '[{}, {}]'),
    ('work_orders', 'work_orders_entity_id_fkey', 'entity', 'unknown_entity', '[{"entity": "nowhere"}]'),
    ('work_orders', 'work_orders_external_id_check', 'external_id', 'external_id_too_long', format('[{"external_id": "%s"}]', repeat('x', 101))::jsonb),
    ('work_orders', 'work_orders_priority_check', 'priority', 'invalid_priority', '[{"priority": "asap"}]'),
    ('work_orders', 'work_orders_title_check', 'title', 'title_too_long', format('[{"title": "%s"}]', repeat('t', 201))::jsonb),
    ('deliveries', 'deliveries_currency_check', 'currency', 'invalid_currency', '[{"currency": "usd"}]'),
    ('deliveries', 'deliveries_days_check', 'days_underway', 'invalid_number', '[{"days_underway": "-1"}]'),
    ('deliveries', 'deliveries_days_check', 'weather_days', 'invalid_number', '[{"weather_days": "-0.5"}]'),
    ('deliveries', 'deliveries_entity_external_id_key', 'external_id', 'duplicate_key', '[{}, {}]'),
    ('deliveries', 'deliveries_entity_id_fkey', 'entity', 'unknown_entity', '[{"entity": "nowhere"}]'),
    ('deliveries', 'deliveries_external_id_check', 'external_id', 'external_id_too_long', format('[{"external_id": "%s"}]', repeat('x', 101))::jsonb),
    ('deliveries', 'deliveries_fee_check', 'fee', 'invalid_amount', '[{"fee": "-1.00"}]'),
    ('deliveries', 'deliveries_miles_check', 'nm_planned', 'invalid_number', '[{"nm_planned": "-1"}]'),
    ('deliveries', 'deliveries_names_check', 'vessel', 'vessel_too_long', format('[{"vessel": "%s"}]', repeat('v', 201))::jsonb),
    ('deliveries', 'deliveries_rating_check', 'rating', 'invalid_number', '[{"rating": "6"}]'),
    ('deliveries', 'deliveries_stage_check', 'stage', 'invalid_stage', '[{"stage": "sailing"}]'),
    ('deliveries', 'deliveries_stage_dates_check', 'quoted_on', 'stage_date_required', '[{"stage": "quoted"}]'),
    ('deliveries', 'deliveries_stage_dates_check', 'paid_on', 'stage_date_unexpected', '[{"paid_on": "2026-12-05"}]'),
    ('deliveries', 'deliveries_stage_dates_check', 'lost_on', 'stage_date_required', '[{"stage": "lost"}]'),
    ('deliveries', 'deliveries_stage_dates_check', 'departed_on', 'stage_date_unexpected',
     '[{"stage": "lost", "lost_on": "2026-12-03", "departed_on": "2026-12-02"}]'),
    ('deliveries', 'deliveries_stage_dates_check', 'quoted_on', 'stage_date_required',
     '[{"stage": "lost", "lost_on": "2026-12-03", "contracted_on": "2026-12-02"}]'),
    ('deliveries', 'deliveries_stage_order_check', 'quoted_on', 'stage_date_order', '[{"stage": "quoted", "quoted_on": "2026-11-30"}]'),
    ('deliveries', 'deliveries_stage_order_check', 'paid_on', 'stage_date_order',
     '[{"stage": "paid", "quoted_on": "2026-12-01", "contracted_on": "2026-12-02", "departed_on": "2026-12-03",
        "delivered_on": "2026-12-04", "invoiced_on": "2026-12-06", "paid_on": "2026-12-05"}]'),
    ('deliveries', 'deliveries_vessel_length_check', 'vessel_length_ft', 'invalid_number', '[{"vessel_length_ft": "0"}]'),
    ('delivery_costs', 'delivery_costs_amount_check', 'amount', 'invalid_amount', '[{"amount": "-1.00"}]'),
    ('delivery_costs', 'delivery_costs_currency_check', 'currency', 'invalid_currency', '[{"currency": "€"}]'),
    ('delivery_costs', 'delivery_costs_delivery_external_id_key', 'external_id', 'duplicate_key', '[{}, {"kind": "crew"}]'),
    ('delivery_costs', 'delivery_costs_delivery_id_fkey', 'delivery', 'unknown_delivery', '[{"delivery": "EYD-404"}]'),
    ('delivery_costs', 'delivery_costs_external_id_check', 'external_id', 'external_id_too_long', format('[{"external_id": "%s"}]', repeat('x', 101))::jsonb),
    ('delivery_costs', 'delivery_costs_kind_check', 'kind', 'invalid_kind', '[{"kind": "food"}]'),
    ('clients', 'clients_entity_external_id_key', 'external_id', 'duplicate_key', '[{}, {"name": "M"}]'),
    ('clients', 'clients_entity_id_fkey', 'entity', 'unknown_entity', '[{"entity": "nowhere"}]'),
    ('clients', 'clients_external_id_check', 'external_id', 'external_id_too_long', format('[{"external_id": "%s"}]', repeat('x', 101))::jsonb),
    ('clients', 'clients_name_check', 'name', 'name_too_long', format('[{"name": "%s"}]', repeat('n', 201))::jsonb),
    ('contracts', 'contracts_client_external_id_key', 'external_id', 'duplicate_key', '[{}, {}]'),
    ('contracts', 'contracts_client_id_fkey', 'client', 'unknown_client', '[{"client": "CL-404"}]'),
    ('contracts', 'contracts_currency_check', 'currency', 'invalid_currency', '[{"currency": "usd"}]'),
    ('contracts', 'contracts_external_id_check', 'external_id', 'external_id_too_long', format('[{"external_id": "%s"}]', repeat('x', 101))::jsonb),
    ('contracts', 'contracts_hour_cap_check', 'hour_cap', 'invalid_number', '[{"hour_cap": "0"}]'),
    ('contracts', 'contracts_rate_check', 'rate', 'invalid_amount', '[{"rate": "-1.00"}]'),
    ('contracts', 'contracts_status_check', 'status', 'invalid_status', '[{"status": "paused"}]'),
    ('contracts', 'contracts_term_check', 'ends_on', 'before_starts_on', '[{"ends_on": "2026-11-01"}]'),
    ('contracts', 'contracts_term_check', 'renews_on', 'before_starts_on', '[{"renews_on": "2026-11-01"}]'),
    ('contracts', 'contracts_title_check', 'title', 'title_too_long', format('[{"title": "%s"}]', repeat('t', 201))::jsonb),
    ('invoices', 'invoices_amount_check', 'amount', 'zero_amount', '[{"amount": "0"}]'),
    ('invoices', 'invoices_amount_check', 'amount', 'invalid_amount', '[{"amount": "-1.00"}]'),
    ('invoices', 'invoices_client_id_fkey', 'client', 'unknown_client', '[{"client": "CL-404"}]'),
    ('invoices', 'invoices_counterparty_check', 'counterparty', 'counterparty_too_long', format('[{"counterparty": "%s"}]', repeat('c', 201))::jsonb),
    ('invoices', 'invoices_currency_check', 'currency', 'invalid_currency', '[{"currency": "usd"}]'),
    ('invoices', 'invoices_due_check', 'due_on', 'before_issued_on', '[{"due_on": "2026-11-30"}]'),
    ('invoices', 'invoices_entity_external_id_key', 'external_id', 'duplicate_key', '[{}, {}]'),
    ('invoices', 'invoices_entity_id_fkey', 'entity', 'unknown_entity', '[{"entity": "nowhere"}]'),
    ('invoices', 'invoices_external_id_check', 'external_id', 'external_id_too_long', format('[{"external_id": "%s"}]', repeat('x', 101))::jsonb),
    ('payments', 'payments_amount_check', 'amount', 'zero_amount', '[{"amount": "0.00"}]'),
    ('payments', 'payments_currency_check', 'currency', 'invalid_currency', '[{"currency": "usd"}]'),
    ('payments', 'payments_external_id_check', 'external_id', 'external_id_too_long', format('[{"external_id": "%s"}]', repeat('x', 101))::jsonb),
    ('payments', 'payments_invoice_external_id_key', 'external_id', 'duplicate_key', '[{}, {"amount": "11.00"}]'),
    ('payments', 'payments_invoice_id_fkey', 'invoice', 'unknown_invoice', '[{"invoice": "404"}]'),
    ('time_entries', 'time_entries_contract_external_id_key', 'external_id', 'duplicate_key', '[{}, {}]'),
    ('time_entries', 'time_entries_contract_id_fkey', 'contract', 'unknown_contract', '[{"contract": "X-404"}]'),
    ('time_entries', 'time_entries_external_id_check', 'external_id', 'external_id_too_long', format('[{"external_id": "%s"}]', repeat('x', 101))::jsonb),
    ('time_entries', 'time_entries_hours_check', 'hours', 'invalid_number', '[{"hours": "24.5"}]'),
    ('time_entries', 'time_entries_hours_check', 'hours', 'invalid_number', '[{"hours": "0"}]'),
    ('time_entries', 'time_entries_invoice_id_fkey', 'invoice', 'unknown_invoice', '[{"invoice": "404"}]'),
    ('time_entries', 'time_entries_invoiced_billable_check', 'billable', 'invoiced_not_billable', '[{"invoice": "1042", "billable": "no"}]'),
    ('time_entries', 'time_entries_note_check', 'note', 'note_too_long', format('[{"note": "%s"}]', repeat('n', 1001))::jsonb),
    ('time_entries', 'time_entries_rate_check', 'rate', 'invalid_amount', '[{"rate": "-1.00"}]');

\ir lib/import_fixtures.psql

select results_eq($$select b.con, b.col, pg_temp.fixture_import(b) from breaks as b order by b.kind, b.con, b.col, b.code$$,
                  $$select b.con, b.col, format('%s:%s:%s', 1 + jsonb_array_length(b.rows), b.col, b.code)
                      from breaks as b order by b.kind, b.con, b.col, b.code$$,
                  'each constraint''s breaking rows are refused with one error: the last row''s line, the column, the code');
select results_eq($$select b.con, b.code, pg_temp.fixture_apply(b) from breaks as b
                     where b.con !~ '_fkey$' order by b.kind, b.con, b.col, b.code$$,
                  $$select b.con, b.code, case when b.con ~ '_key$' then 'key twice' else b.con end from breaks as b
                     where b.con !~ '_fkey$' order by b.kind, b.con, b.col, b.code$$,
                  'and those rows, applied without the checks, break exactly that constraint (a key twice: the upsert refuses)');
select is((select array_agg(x order by x) from (select distinct b.con as x from breaks as b) as d),
          (select array_agg(c.conname::text order by c.conname::text) from pg_constraint as c
            where c.conrelid in (select format('scc.%s', g.kind)::regclass from good as g)
              and c.contype <> 'p' and c.conname <> 'accounts_id_entity_id_key'),
          'every named constraint of the tables of 041''s kinds but the primary keys (and accounts'' (id, entity_id), a key for foreign keys) has its breaking rows');
select is(pg_temp.fixture_apply(('bookings', 'x', 'x', 'x', '[{}]')::breaks), 'applied', 'the good row of a kind applies');

-- ---------------------------------------------------------------------------
-- malformed files are refused whole, every error by line and column:
-- a missing column, a bad date, a bad amount, an unknown entity, an
-- external id twice, an unknown reference
-- ---------------------------------------------------------------------------
select results_eq($$select * from pg_temp.errors('delivery_costs', E'entity,delivery,external_id,kind,incurred_on,amount\n'
                    'expert-yacht-delivery,EYD-2026-014,X-1,fuel,2026-12-01,1.00')$$,
                  $$values (1, 'currency', 'missing_column')$$, 'a missing column: line 1, named');
select results_eq($$select * from pg_temp.errors('delivery_costs', E'entity,delivery,external_id,kind,incurred_on,currency,amount\n'
                    'expert-yacht-delivery,EYD-2026-014,X-1,fuel,2026-12-01,USD,1.00\n'
                    'expert-yacht-delivery,EYD-2026-014,X-2,fuel,12/01/2026,USD,1.00\n'
                    'expert-yacht-delivery,EYD-2026-014,X-3,fuel,2026-12-01,USD,"1,000.00"\n'
                    'nowhere,EYD-2026-014,X-4,fuel,2026-12-01,USD,1.00\n'
                    'expert-yacht-delivery,EYD-2026-014,X-1,crew,2026-12-02,USD,2.00\n'
                    'expert-yacht-delivery,EYD-2026-404,X-6,fuel,2026-12-01,USD,1.00\n'
                    'expert-yacht-delivery,EYD-2026-014,X-7,fuel,2026-12-01,USD,1.00')$$,
                  $$values (3, 'incurred_on', 'invalid_date'), (4, 'amount', 'invalid_amount'), (5, 'entity', 'unknown_entity'),
                           (6, 'external_id', 'duplicate_key'), (7, 'delivery', 'unknown_delivery')$$,
                  'a bad date, a bad amount, an unknown entity (its reference not reported again), an external id twice, an unknown reference');
select is((select count(*)::int from scc.delivery_costs where external_id in ('X-1', 'X-7')), 0,
          'nothing of a refused file is applied, not even its good rows');

select * from finish();
rollback;
