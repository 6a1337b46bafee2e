-- 034_business_data.sql — the business's data the eight reports read,
-- beside the ledger of 032: charter bookings and the boats' blocked days,
-- the rental property's stays, blocks and work orders, yacht deliveries
-- with their costs, the consulting practice's clients, contracts, time,
-- invoices and payments, the technology estate (services, findings, UX
-- issues, repositories, deploys, CI runs), marketing (channels, listings,
-- spend, funnel counts, local SEO tasks), and plans (monthly targets,
-- assets, action items).  Tables only: the import kinds and the reports
-- come in the migrations after this one.
--
-- Decisions:
--   * Every row that arrives by import carries an external_id, unique in
--     its scope (the entity, or its parent row), so a re-import updates
--     instead of duplicating.  Amounts are integer cents with a currency
--     (ISO 4217 letters); a report never adds two currencies.
--   * Dates the business thinks in are `date` (a stay's nights, a sail
--     date, an invoice's due date); moments are `timestamptz` (a work
--     order opened, a deploy).  A span of days is [starts_on, ends_on):
--     the end is exclusive, so a one-night stay is (d, d+1) and lengths
--     are ends_on - starts_on.
--   * Channels are one table (scc.channels) shared by bookings, stays,
--     spend, funnel counts and listings, so the CMO's mix, CAC and the
--     visibility matrix join on one key.  The six booking channels of the
--     issue are reference data seeded here; operators add others.
--   * A booking's money is recognised through the ledger: its journal
--     entry is the one with source 'booking' and the booking's
--     external_id (sql/README.md, "Business data"); the reports' tracking
--     gaps are the rows on one side without the other.
--   * Stages of a delivery are dated, one column per stage, each no
--     earlier than the one before: the pipeline's conversion is counted
--     from the dates, with no history table to keep in step.

-- ---------------------------------------------------------------------------
-- Shared checks
-- ---------------------------------------------------------------------------

create function scc.external_id_ok(v text)
returns boolean
language sql
immutable
as $$
    select length(v) between 1 and 100 and v = pg_catalog.btrim(v)
$$;
comment on function scc.external_id_ok(text) is
    'an import key: 1 to 100 characters, no surrounding spaces';

create function scc.currency_ok(v text)
returns boolean
language sql
immutable
as $$
    select v ~ '^[A-Z]{3}$'
$$;
comment on function scc.currency_ok(text) is 'three capital letters (ISO 4217)';

-- ---------------------------------------------------------------------------
-- Channels (marketing and sales), shared by every entity
-- ---------------------------------------------------------------------------

-- sequence: the order the business opens marketplaces in (Sailo, then
-- GetMyBoat, then Viator and GetYourGuide together); null for channels
-- outside that plan.
create table scc.channels (
    slug        text not null,
    name        text not null,
    kind        text not null,
    sequence    integer,
    created_at  timestamptz not null default now(),
    constraint channels_pkey primary key (slug),
    constraint channels_slug_check check (slug ~ '^[a-z][a-z0-9_]{0,39}$'),
    constraint channels_name_check check (length(name) between 1 and 100),
    constraint channels_kind_check
        check (kind in ('direct', 'marketplace', 'paid', 'organic', 'referral', 'email', 'social', 'other')),
    constraint channels_sequence_check check (sequence between 1 and 20)
);
comment on table scc.channels is
    'where business comes from: booking marketplaces, paid and organic channels; one key for bookings, stays, spend and funnels';

insert into scc.channels (slug, name, kind, sequence) values
    ('direct',       'Direct',        'direct',      null),
    ('sailo',        'Sailo',         'marketplace', 1),
    ('getmyboat',    'GetMyBoat',     'marketplace', 2),
    ('viator',       'Viator',        'marketplace', 3),
    ('getyourguide', 'GetYourGuide',  'marketplace', 3),
    ('other',        'Other',         'other',       null);

-- ---------------------------------------------------------------------------
-- Charter: bookings and the boats' blocked days
-- ---------------------------------------------------------------------------

-- gross: what the customer paid for the charter; commission: the
-- marketplace's cut; fees: payment and service fees; refunds: money given
-- back.  Net to the business = gross - commission - fees - refunds.
-- payout: what the marketplace owes (expected_on) and sent (received_on,
-- received_cents); a direct booking has none.
create table scc.bookings (
    id                     uuid not null default gen_random_uuid(),
    entity_id              bigint not null,
    external_id            text not null,
    channel                text not null,
    event_id               uuid,
    boat_id                uuid,
    sail_on                date not null,
    booked_at              timestamptz not null,
    party_size             integer not null default 1,
    status                 text not null,
    cancellation_cause     text,
    cancelled_at           timestamptz,
    currency               text not null default 'USD',
    gross_cents            bigint not null,
    commission_cents       bigint not null default 0,
    fees_cents             bigint not null default 0,
    refunds_cents          bigint not null default 0,
    deposit_cents          bigint not null default 0,
    payout_expected_on     date,
    payout_expected_cents  bigint,
    payout_received_on     date,
    payout_received_cents  bigint,
    customer               text,
    created_at             timestamptz not null default now(),
    updated_at             timestamptz not null default now(),
    constraint bookings_pkey primary key (id),
    constraint bookings_entity_id_fkey foreign key (entity_id) references scc.entities (id),
    constraint bookings_channel_fkey foreign key (channel) references scc.channels (slug),
    constraint bookings_event_id_fkey foreign key (event_id) references scc.events (id),
    constraint bookings_boat_id_fkey foreign key (boat_id) references scc.boats (id),
    constraint bookings_entity_external_id_key unique (entity_id, external_id),
    constraint bookings_external_id_check check (scc.external_id_ok(external_id)),
    constraint bookings_party_size_check check (party_size between 1 and 500),
    constraint bookings_status_check check (status in ('confirmed', 'completed', 'cancelled')),
    constraint bookings_cancellation_check
        check ((status = 'cancelled') = (cancellation_cause is not null)),
    constraint bookings_cancellation_cause_check
        check (cancellation_cause in ('customer', 'weather', 'maintenance', 'operator', 'no_show', 'other')),
    constraint bookings_currency_check check (scc.currency_ok(currency)),
    constraint bookings_amounts_check
        check (gross_cents >= 0 and commission_cents >= 0 and fees_cents >= 0
               and refunds_cents >= 0 and deposit_cents >= 0
               and refunds_cents <= gross_cents and deposit_cents <= gross_cents),
    constraint bookings_payout_check
        check ((payout_received_on is null) = (payout_received_cents is null)
               and coalesce(payout_expected_cents, 0) >= 0 and coalesce(payout_received_cents, 0) >= 0),
    constraint bookings_customer_check check (length(customer) <= 200)
);
create index bookings_sail_on_idx on scc.bookings (entity_id, sail_on);
create index bookings_event_id_idx on scc.bookings (event_id) where event_id is not null;
create index bookings_channel_idx on scc.bookings (channel, sail_on);
comment on table scc.bookings is
    'charter bookings: channel, the event sailed, gross, commission, fees, refunds, payout; money in integer cents';

-- A boat cannot sail on these days: [starts_on, ends_on).
create table scc.boat_blocks (
    id           uuid not null default gen_random_uuid(),
    boat_id      uuid not null,
    external_id  text not null,
    kind         text not null,
    starts_on    date not null,
    ends_on      date not null,
    note         text not null default '',
    created_at   timestamptz not null default now(),
    constraint boat_blocks_pkey primary key (id),
    constraint boat_blocks_boat_id_fkey foreign key (boat_id) references scc.boats (id),
    constraint boat_blocks_boat_external_id_key unique (boat_id, external_id),
    constraint boat_blocks_external_id_check check (scc.external_id_ok(external_id)),
    constraint boat_blocks_kind_check check (kind in ('maintenance', 'owner', 'weather')),
    constraint boat_blocks_span_check check (starts_on < ends_on),
    constraint boat_blocks_note_check check (length(note) <= 1000)
);
create index boat_blocks_span_idx on scc.boat_blocks (boat_id, starts_on, ends_on);
comment on table scc.boat_blocks is
    'days a boat is not available (maintenance, owner use, weather): [starts_on, ends_on)';

-- ---------------------------------------------------------------------------
-- Rental property
-- ---------------------------------------------------------------------------

-- A stay's nights are [check_in, check_out).
create table scc.rental_stays (
    id             uuid not null default gen_random_uuid(),
    entity_id      bigint not null,
    external_id    text not null,
    channel        text not null,
    check_in       date not null,
    check_out      date not null,
    guests         integer not null default 1,
    status         text not null default 'confirmed',
    currency       text not null default 'USD',
    revenue_cents  bigint not null,
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now(),
    constraint rental_stays_pkey primary key (id),
    constraint rental_stays_entity_id_fkey foreign key (entity_id) references scc.entities (id),
    constraint rental_stays_channel_fkey foreign key (channel) references scc.channels (slug),
    constraint rental_stays_entity_external_id_key unique (entity_id, external_id),
    constraint rental_stays_external_id_check check (scc.external_id_ok(external_id)),
    constraint rental_stays_span_check check (check_in < check_out),
    constraint rental_stays_guests_check check (guests between 1 and 50),
    constraint rental_stays_status_check check (status in ('confirmed', 'cancelled')),
    constraint rental_stays_currency_check check (scc.currency_ok(currency)),
    constraint rental_stays_revenue_check check (revenue_cents >= 0)
);
create index rental_stays_span_idx on scc.rental_stays (entity_id, check_in, check_out);
comment on table scc.rental_stays is
    'the rental property''s stays: nights [check_in, check_out), channel, revenue in cents';

create table scc.rental_blocks (
    id           uuid not null default gen_random_uuid(),
    entity_id    bigint not null,
    external_id  text not null,
    kind         text not null,
    starts_on    date not null,
    ends_on      date not null,
    note         text not null default '',
    created_at   timestamptz not null default now(),
    constraint rental_blocks_pkey primary key (id),
    constraint rental_blocks_entity_id_fkey foreign key (entity_id) references scc.entities (id),
    constraint rental_blocks_entity_external_id_key unique (entity_id, external_id),
    constraint rental_blocks_external_id_check check (scc.external_id_ok(external_id)),
    constraint rental_blocks_kind_check check (kind in ('owner', 'maintenance')),
    constraint rental_blocks_span_check check (starts_on < ends_on),
    constraint rental_blocks_note_check check (length(note) <= 1000)
);
comment on table scc.rental_blocks is
    'nights the property is not for rent (owner use, maintenance): [starts_on, ends_on); occupancy leaves them out';

create table scc.work_orders (
    id           uuid not null default gen_random_uuid(),
    entity_id    bigint not null,
    external_id  text not null,
    title        text not null,
    priority     text not null,
    opened_at    timestamptz not null,
    closed_at    timestamptz,
    currency     text not null default 'USD',
    cost_cents   bigint not null default 0,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now(),
    constraint work_orders_pkey primary key (id),
    constraint work_orders_entity_id_fkey foreign key (entity_id) references scc.entities (id),
    constraint work_orders_entity_external_id_key unique (entity_id, external_id),
    constraint work_orders_external_id_check check (scc.external_id_ok(external_id)),
    constraint work_orders_title_check check (length(title) between 1 and 200),
    constraint work_orders_priority_check check (priority in ('low', 'normal', 'high', 'urgent')),
    constraint work_orders_closed_check check (closed_at >= opened_at),
    constraint work_orders_currency_check check (scc.currency_ok(currency)),
    constraint work_orders_cost_check check (cost_cents >= 0)
);
create index work_orders_open_idx on scc.work_orders (entity_id, opened_at);
comment on table scc.work_orders is
    'maintenance work on an entity''s property: opened, closed (null while open), priority, cost';

-- ---------------------------------------------------------------------------
-- Yacht delivery
-- ---------------------------------------------------------------------------

-- stage is where the delivery stands; each stage reached has its date,
-- no earlier than the previous one's.  lost_on: the customer went
-- elsewhere (from inquiry, quoted or contracted).
create table scc.deliveries (
    id                uuid not null default gen_random_uuid(),
    entity_id         bigint not null,
    external_id       text not null,
    customer          text not null,
    vessel            text not null,
    vessel_length_ft  numeric(5,1),
    from_port         text not null,
    to_port           text not null,
    stage             text not null,
    inquiry_on        date not null,
    quoted_on         date,
    contracted_on     date,
    departed_on       date,
    delivered_on      date,
    invoiced_on       date,
    paid_on           date,
    lost_on           date,
    nm_planned        numeric(8,1),
    nm_logged         numeric(8,1),
    days_underway     numeric(6,2),
    weather_days      numeric(6,2) not null default 0,
    currency          text not null default 'USD',
    fee_cents         bigint,
    rating            smallint,
    created_at        timestamptz not null default now(),
    updated_at        timestamptz not null default now(),
    constraint deliveries_pkey primary key (id),
    constraint deliveries_entity_id_fkey foreign key (entity_id) references scc.entities (id),
    constraint deliveries_entity_external_id_key unique (entity_id, external_id),
    constraint deliveries_external_id_check check (scc.external_id_ok(external_id)),
    constraint deliveries_names_check
        check (length(customer) between 1 and 200 and length(vessel) between 1 and 200
               and length(from_port) between 1 and 200 and length(to_port) between 1 and 200),
    constraint deliveries_vessel_length_check check (vessel_length_ft > 0),
    constraint deliveries_stage_check
        check (stage in ('inquiry', 'quoted', 'contracted', 'in_transit', 'delivered', 'invoiced', 'paid', 'lost')),
    -- every stage up to the current one is dated, none after it
    constraint deliveries_stage_dates_check
        check ((quoted_on is not null) = (stage in ('quoted', 'contracted', 'in_transit', 'delivered', 'invoiced', 'paid')
                                          or (stage = 'lost' and quoted_on is not null))
               and (contracted_on is not null) = (stage in ('contracted', 'in_transit', 'delivered', 'invoiced', 'paid')
                                                  or (stage = 'lost' and contracted_on is not null))
               and (departed_on is not null) = (stage in ('in_transit', 'delivered', 'invoiced', 'paid'))
               and (delivered_on is not null) = (stage in ('delivered', 'invoiced', 'paid'))
               and (invoiced_on is not null) = (stage in ('invoiced', 'paid'))
               and (paid_on is not null) = (stage = 'paid')
               and (lost_on is not null) = (stage = 'lost')
               and (contracted_on is null or quoted_on is not null)),
    constraint deliveries_stage_order_check
        check (quoted_on >= inquiry_on and contracted_on >= quoted_on and departed_on >= contracted_on
               and delivered_on >= departed_on and invoiced_on >= delivered_on and paid_on >= invoiced_on
               and lost_on >= inquiry_on),
    constraint deliveries_miles_check check (nm_planned >= 0 and nm_logged >= 0),
    constraint deliveries_days_check check (days_underway >= 0 and weather_days >= 0),
    constraint deliveries_currency_check check (scc.currency_ok(currency)),
    constraint deliveries_fee_check check (fee_cents >= 0),
    constraint deliveries_rating_check check (rating between 1 and 5)
);
create index deliveries_inquiry_on_idx on scc.deliveries (entity_id, inquiry_on);
comment on table scc.deliveries is
    'yacht deliveries through inquiry → quoted → contracted → in_transit → delivered → invoiced → paid (or lost), each stage dated';

create table scc.delivery_costs (
    id            uuid not null default gen_random_uuid(),
    delivery_id   uuid not null,
    external_id   text not null,
    kind          text not null,
    incurred_on   date not null,
    currency      text not null default 'USD',
    amount_cents  bigint not null,
    created_at    timestamptz not null default now(),
    constraint delivery_costs_pkey primary key (id),
    constraint delivery_costs_delivery_id_fkey foreign key (delivery_id) references scc.deliveries (id) on delete cascade,
    constraint delivery_costs_delivery_external_id_key unique (delivery_id, external_id),
    constraint delivery_costs_external_id_check check (scc.external_id_ok(external_id)),
    constraint delivery_costs_kind_check
        check (kind in ('crew', 'fuel', 'travel', 'provisions', 'dockage', 'parts', 'insurance', 'other')),
    constraint delivery_costs_currency_check check (scc.currency_ok(currency)),
    constraint delivery_costs_amount_check check (amount_cents >= 0)
);
comment on table scc.delivery_costs is 'what a delivery cost, by kind';

-- ---------------------------------------------------------------------------
-- Consulting: clients, contracts, time, invoices, payments
-- ---------------------------------------------------------------------------

create table scc.clients (
    id           uuid not null default gen_random_uuid(),
    entity_id    bigint not null,
    external_id  text not null,
    name         text not null,
    active       boolean not null default true,
    created_at   timestamptz not null default now(),
    constraint clients_pkey primary key (id),
    constraint clients_entity_id_fkey foreign key (entity_id) references scc.entities (id),
    constraint clients_entity_external_id_key unique (entity_id, external_id),
    constraint clients_external_id_check check (scc.external_id_ok(external_id)),
    constraint clients_name_check check (length(name) between 1 and 200)
);
comment on table scc.clients is 'an entity''s clients (the consulting practice''s portfolio)';

-- rate_cents: per hour; hour_cap: hours billable in the term, null = none.
-- status: draft, active, ended (term over), terminated (ended early).
create table scc.contracts (
    id           uuid not null default gen_random_uuid(),
    client_id    uuid not null,
    external_id  text not null,
    title        text not null,
    status       text not null,
    starts_on    date not null,
    ends_on      date,
    renews_on    date,
    currency     text not null default 'USD',
    rate_cents   bigint not null,
    hour_cap     numeric(8,2),
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now(),
    constraint contracts_pkey primary key (id),
    constraint contracts_client_id_fkey foreign key (client_id) references scc.clients (id),
    constraint contracts_client_external_id_key unique (client_id, external_id),
    constraint contracts_external_id_check check (scc.external_id_ok(external_id)),
    constraint contracts_title_check check (length(title) between 1 and 200),
    constraint contracts_status_check check (status in ('draft', 'active', 'ended', 'terminated')),
    constraint contracts_term_check check (ends_on >= starts_on and renews_on >= starts_on),
    constraint contracts_currency_check check (scc.currency_ok(currency)),
    constraint contracts_rate_check check (rate_cents >= 0),
    constraint contracts_hour_cap_check check (hour_cap > 0)
);
comment on table scc.contracts is
    'a client''s contract: term, renewal date, hourly rate, hour cap; time is logged against it';

-- Invoices of every entity (consulting, deliveries, rental, charter
-- direct bills): AR.  client_id for the consulting practice's; counterparty
-- names anyone else.  Paid is the sum of payments, never a stored flag.
create table scc.invoices (
    id            uuid not null default gen_random_uuid(),
    entity_id     bigint not null,
    external_id   text not null,
    client_id     uuid,
    counterparty  text not null,
    issued_on     date not null,
    due_on        date not null,
    currency      text not null default 'USD',
    amount_cents  bigint not null,
    void          boolean not null default false,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    constraint invoices_pkey primary key (id),
    constraint invoices_entity_id_fkey foreign key (entity_id) references scc.entities (id),
    constraint invoices_client_id_fkey foreign key (client_id) references scc.clients (id),
    constraint invoices_entity_external_id_key unique (entity_id, external_id),
    constraint invoices_external_id_check check (scc.external_id_ok(external_id)),
    constraint invoices_counterparty_check check (length(counterparty) between 1 and 200),
    constraint invoices_due_check check (due_on >= issued_on),
    constraint invoices_currency_check check (scc.currency_ok(currency)),
    constraint invoices_amount_check check (amount_cents > 0)
);
create index invoices_issued_on_idx on scc.invoices (entity_id, issued_on);
create index invoices_client_id_idx on scc.invoices (client_id) where client_id is not null;
comment on table scc.invoices is
    'money owed to an entity (AR): issued, due, amount; paid = the sum of its payments';

create table scc.payments (
    id            uuid not null default gen_random_uuid(),
    invoice_id    uuid not null,
    external_id   text not null,
    received_on   date not null,
    currency      text not null default 'USD',
    amount_cents  bigint not null,
    created_at    timestamptz not null default now(),
    constraint payments_pkey primary key (id),
    constraint payments_invoice_id_fkey foreign key (invoice_id) references scc.invoices (id),
    constraint payments_invoice_external_id_key unique (invoice_id, external_id),
    constraint payments_external_id_check check (scc.external_id_ok(external_id)),
    constraint payments_currency_check check (scc.currency_ok(currency)),
    constraint payments_amount_check check (amount_cents > 0)
);
create index payments_invoice_id_idx on scc.payments (invoice_id, received_on);
comment on table scc.payments is 'money received against an invoice';

-- A time entry's rate is the rate billed; a rate that differs from the
-- contract's is an audit flag, not an error.
create table scc.time_entries (
    id           uuid not null default gen_random_uuid(),
    contract_id  uuid not null,
    external_id  text not null,
    worked_on    date not null,
    hours        numeric(6,2) not null,
    rate_cents   bigint not null,
    billable     boolean not null default true,
    approved     boolean not null default false,
    invoice_id   uuid,
    note         text not null default '',
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now(),
    constraint time_entries_pkey primary key (id),
    constraint time_entries_contract_id_fkey foreign key (contract_id) references scc.contracts (id),
    constraint time_entries_invoice_id_fkey foreign key (invoice_id) references scc.invoices (id),
    constraint time_entries_contract_external_id_key unique (contract_id, external_id),
    constraint time_entries_external_id_check check (scc.external_id_ok(external_id)),
    constraint time_entries_hours_check check (hours > 0 and hours <= 24),
    constraint time_entries_rate_check check (rate_cents >= 0),
    constraint time_entries_invoiced_billable_check check (invoice_id is null or billable),
    constraint time_entries_note_check check (length(note) <= 1000)
);
create index time_entries_worked_on_idx on scc.time_entries (contract_id, worked_on);
comment on table scc.time_entries is
    'hours worked on a contract: billable, approved, invoiced (invoice_id) or not';

-- Bills: money an entity owes (AP).  receipt: the reference of the
-- supporting document, null when missing (the expense audit lists them).
create table scc.bills (
    id            uuid not null default gen_random_uuid(),
    entity_id     bigint not null,
    external_id   text not null,
    vendor        text not null,
    issued_on     date not null,
    due_on        date not null,
    paid_on       date,
    currency      text not null default 'USD',
    amount_cents  bigint not null,
    receipt       text,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    constraint bills_pkey primary key (id),
    constraint bills_entity_id_fkey foreign key (entity_id) references scc.entities (id),
    constraint bills_entity_external_id_key unique (entity_id, external_id),
    constraint bills_external_id_check check (scc.external_id_ok(external_id)),
    constraint bills_vendor_check check (length(vendor) between 1 and 200),
    constraint bills_dates_check check (due_on >= issued_on and paid_on >= issued_on),
    constraint bills_currency_check check (scc.currency_ok(currency)),
    constraint bills_amount_check check (amount_cents > 0),
    constraint bills_receipt_check check (length(receipt) between 1 and 500)
);
create index bills_due_on_idx on scc.bills (entity_id, due_on);
comment on table scc.bills is 'money an entity owes (AP): vendor, issued, due, paid, receipt reference';

-- ---------------------------------------------------------------------------
-- Technology
-- ---------------------------------------------------------------------------

create table scc.services (
    id                  uuid not null default gen_random_uuid(),
    external_id         text not null,
    name                text not null,
    stack               text not null,
    provider            text not null default '',
    currency            text not null default 'USD',
    monthly_cost_cents  bigint not null default 0,
    active_from         date not null,
    active_to           date,
    created_at          timestamptz not null default now(),
    constraint services_pkey primary key (id),
    constraint services_external_id_key unique (external_id),
    constraint services_external_id_check check (scc.external_id_ok(external_id)),
    constraint services_name_check check (length(name) between 1 and 200),
    constraint services_stack_check check (stack ~ '^[a-z][a-z0-9_]{0,39}$'),
    constraint services_provider_check check (length(provider) <= 200),
    constraint services_currency_check check (scc.currency_ok(currency)),
    constraint services_cost_check check (monthly_cost_cents >= 0),
    constraint services_active_check check (active_to >= active_from)
);
comment on table scc.services is
    'what the business runs on, by stack (web, email, data, hosting, ci, ...), with its monthly cost';

-- severity SLAs (days to fix) are scc.finding_sla_days
create table scc.security_findings (
    id           uuid not null default gen_random_uuid(),
    external_id  text not null,
    service_id   uuid,
    stack        text not null,
    severity     text not null,
    title        text not null,
    found_on     date not null,
    fixed_on     date,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now(),
    constraint security_findings_pkey primary key (id),
    constraint security_findings_service_id_fkey foreign key (service_id) references scc.services (id),
    constraint security_findings_external_id_key unique (external_id),
    constraint security_findings_external_id_check check (scc.external_id_ok(external_id)),
    constraint security_findings_stack_check check (stack ~ '^[a-z][a-z0-9_]{0,39}$'),
    constraint security_findings_severity_check check (severity in ('critical', 'high', 'medium', 'low')),
    constraint security_findings_title_check check (length(title) between 1 and 200),
    constraint security_findings_fixed_check check (fixed_on >= found_on)
);
comment on table scc.security_findings is 'security findings by stack and severity: found, fixed (null while open)';

create function scc.finding_sla_days(severity text)
returns integer
language sql
immutable
as $$
    select case severity when 'critical' then 7 when 'high' then 30
                         when 'medium' then 90 when 'low' then 180 end
$$;
comment on function scc.finding_sla_days(text) is
    'days to fix a finding of this severity before it breaches its SLA: critical 7, high 30, medium 90, low 180';

create table scc.ux_issues (
    id           uuid not null default gen_random_uuid(),
    external_id  text not null,
    page         text not null,
    severity     text not null,
    title        text not null,
    status       text not null,
    opened_on    date not null,
    closed_on    date,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now(),
    constraint ux_issues_pkey primary key (id),
    constraint ux_issues_external_id_key unique (external_id),
    constraint ux_issues_external_id_check check (scc.external_id_ok(external_id)),
    constraint ux_issues_page_check check (length(page) between 1 and 200),
    constraint ux_issues_severity_check check (severity in ('critical', 'high', 'medium', 'low')),
    constraint ux_issues_title_check check (length(title) between 1 and 200),
    constraint ux_issues_status_check check (status in ('open', 'fixed', 'wontfix')),
    constraint ux_issues_closed_check
        check ((status = 'open') = (closed_on is null) and closed_on >= opened_on)
);
comment on table scc.ux_issues is 'user-experience shortfalls by page and severity';

create table scc.repositories (
    id           uuid not null default gen_random_uuid(),
    name         text not null,
    stack        text not null,
    active       boolean not null default true,
    created_at   timestamptz not null default now(),
    constraint repositories_pkey primary key (id),
    constraint repositories_name_key unique (name),
    constraint repositories_name_check check (name ~ '^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$'),
    constraint repositories_stack_check check (stack ~ '^[a-z][a-z0-9_]{0,39}$')
);
comment on table scc.repositories is 'the code the business keeps; deploys and CI runs are per repository';

create table scc.deploys (
    id             uuid not null default gen_random_uuid(),
    repository_id  uuid not null,
    external_id    text not null,
    deployed_at    timestamptz not null,
    outcome        text not null,
    created_at     timestamptz not null default now(),
    constraint deploys_pkey primary key (id),
    constraint deploys_repository_id_fkey foreign key (repository_id) references scc.repositories (id),
    constraint deploys_repository_external_id_key unique (repository_id, external_id),
    constraint deploys_external_id_check check (scc.external_id_ok(external_id)),
    constraint deploys_outcome_check check (outcome in ('success', 'failed', 'rolled_back'))
);
create index deploys_deployed_at_idx on scc.deploys (repository_id, deployed_at);
comment on table scc.deploys is 'each deploy of a repository and how it went';

create table scc.ci_runs (
    id             uuid not null default gen_random_uuid(),
    repository_id  uuid not null,
    external_id    text not null,
    ran_at         timestamptz not null,
    outcome        text not null,
    created_at     timestamptz not null default now(),
    constraint ci_runs_pkey primary key (id),
    constraint ci_runs_repository_id_fkey foreign key (repository_id) references scc.repositories (id),
    constraint ci_runs_repository_external_id_key unique (repository_id, external_id),
    constraint ci_runs_external_id_check check (scc.external_id_ok(external_id)),
    constraint ci_runs_outcome_check check (outcome in ('passed', 'failed', 'cancelled'))
);
create index ci_runs_ran_at_idx on scc.ci_runs (repository_id, ran_at);
comment on table scc.ci_runs is 'each CI check run of a repository; a repository without any has no checks';

-- ---------------------------------------------------------------------------
-- Marketing
-- ---------------------------------------------------------------------------

-- The visibility matrix: one row per entity and channel it is (or should
-- be) listed on.
create table scc.channel_listings (
    entity_id   bigint not null,
    channel     text not null,
    status      text not null,
    listed_on   date,
    url         text,
    note        text not null default '',
    updated_at  timestamptz not null default now(),
    constraint channel_listings_pkey primary key (entity_id, channel),
    constraint channel_listings_entity_id_fkey foreign key (entity_id) references scc.entities (id),
    constraint channel_listings_channel_fkey foreign key (channel) references scc.channels (slug),
    constraint channel_listings_status_check
        check (status in ('not_started', 'in_progress', 'live', 'paused', 'rejected')),
    constraint channel_listings_listed_check check (status <> 'live' or listed_on is not null),
    constraint channel_listings_url_check check (url ~ '^https://' and length(url) <= 500),
    constraint channel_listings_note_check check (length(note) <= 1000)
);
comment on table scc.channel_listings is
    'the visibility matrix: each entity''s listing status on each channel';

-- month: the first day of the month the figure is for.
create table scc.marketing_months (
    entity_id    bigint not null,
    channel      text not null,
    month        date not null,
    currency     text not null default 'USD',
    spend_cents  bigint not null default 0,
    visits       integer not null default 0,
    inquiries    integer not null default 0,
    quotes       integer not null default 0,
    bookings     integer not null default 0,
    updated_at   timestamptz not null default now(),
    constraint marketing_months_pkey primary key (entity_id, channel, month),
    constraint marketing_months_entity_id_fkey foreign key (entity_id) references scc.entities (id),
    constraint marketing_months_channel_fkey foreign key (channel) references scc.channels (slug),
    constraint marketing_months_month_check check (month = date_trunc('month', month)::date),
    constraint marketing_months_currency_check check (scc.currency_ok(currency)),
    constraint marketing_months_counts_check
        check (spend_cents >= 0 and visits >= 0 and inquiries >= 0 and quotes >= 0 and bookings >= 0)
);
comment on table scc.marketing_months is
    'per entity, channel and month: spend and the funnel (visits, inquiries, quotes, bookings)';

create table scc.seo_tasks (
    id           uuid not null default gen_random_uuid(),
    entity_id    bigint not null,
    external_id  text not null,
    title        text not null,
    priority     text not null,
    status       text not null,
    due_on       date,
    done_on      date,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now(),
    constraint seo_tasks_pkey primary key (id),
    constraint seo_tasks_entity_id_fkey foreign key (entity_id) references scc.entities (id),
    constraint seo_tasks_entity_external_id_key unique (entity_id, external_id),
    constraint seo_tasks_external_id_check check (scc.external_id_ok(external_id)),
    constraint seo_tasks_title_check check (length(title) between 1 and 200),
    constraint seo_tasks_priority_check check (priority in ('p1', 'p2', 'p3', 'p4')),
    constraint seo_tasks_status_check check (status in ('todo', 'doing', 'done')),
    constraint seo_tasks_done_check check ((status = 'done') = (done_on is not null))
);
comment on table scc.seo_tasks is 'local SEO work per entity (listings, reviews, citations, pages)';

-- ---------------------------------------------------------------------------
-- Plans, assets and actions
-- ---------------------------------------------------------------------------

-- Monthly targets per entity: revenue and expenses in cents, bookings
-- (charters, stays, deliveries: the entity's unit of sale) as a count.
create table scc.targets (
    entity_id        bigint not null,
    month            date not null,
    currency         text not null default 'USD',
    revenue_cents    bigint not null default 0,
    expenses_cents   bigint not null default 0,
    bookings         integer not null default 0,
    updated_at       timestamptz not null default now(),
    constraint targets_pkey primary key (entity_id, month),
    constraint targets_entity_id_fkey foreign key (entity_id) references scc.entities (id),
    constraint targets_month_check check (month = date_trunc('month', month)::date),
    constraint targets_currency_check check (scc.currency_ok(currency)),
    constraint targets_amounts_check check (revenue_cents >= 0 and expenses_cents >= 0 and bookings >= 0)
);
comment on table scc.targets is 'the plan: per entity and month, revenue, expenses and bookings to reach';

create table scc.assets (
    id            uuid not null default gen_random_uuid(),
    entity_id     bigint not null,
    external_id   text not null,
    kind          text not null,
    name          text not null,
    acquired_on   date,
    currency      text not null default 'USD',
    cost_cents    bigint,
    value_cents   bigint,
    renews_on     date,
    note          text not null default '',
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    constraint assets_pkey primary key (id),
    constraint assets_entity_id_fkey foreign key (entity_id) references scc.entities (id),
    constraint assets_entity_external_id_key unique (entity_id, external_id),
    constraint assets_external_id_check check (scc.external_id_ok(external_id)),
    constraint assets_kind_check
        check (kind in ('boat', 'property', 'vehicle', 'equipment', 'domain', 'account', 'other')),
    constraint assets_name_check check (length(name) between 1 and 200),
    constraint assets_currency_check check (scc.currency_ok(currency)),
    constraint assets_amounts_check check (cost_cents >= 0 and value_cents >= 0),
    constraint assets_note_check check (length(note) <= 1000)
);
comment on table scc.assets is
    'what the business owns: boats, property, vehicles, domains and accounts (renews_on for those that lapse)';

create table scc.action_items (
    id           uuid not null default gen_random_uuid(),
    entity_id    bigint,
    external_id  text not null,
    title        text not null,
    owner        text not null,
    priority     text not null,
    status       text not null,
    opened_on    date not null,
    due_on       date,
    done_on      date,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now(),
    constraint action_items_pkey primary key (id),
    constraint action_items_entity_id_fkey foreign key (entity_id) references scc.entities (id),
    constraint action_items_external_id_key unique (external_id),
    constraint action_items_external_id_check check (scc.external_id_ok(external_id)),
    constraint action_items_title_check check (length(title) between 1 and 200),
    constraint action_items_owner_check check (length(owner) between 1 and 200),
    constraint action_items_priority_check check (priority in ('p1', 'p2', 'p3', 'p4')),
    constraint action_items_status_check check (status in ('open', 'doing', 'done', 'dropped')),
    constraint action_items_done_check check ((status in ('done', 'dropped')) = (done_on is not null)),
    constraint action_items_dates_check check (due_on >= opened_on and done_on >= opened_on)
);
create index action_items_open_idx on scc.action_items (priority, due_on) where status in ('open', 'doing');
comment on table scc.action_items is
    'the agenda: what must be done, by whom, how urgent (p1 first), by when; entity null = the whole business';
