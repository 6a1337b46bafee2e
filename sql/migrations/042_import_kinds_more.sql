-- 042_import_kinds_more.sql — the import kinds for bills, technology,
-- marketing and plans (issue 11, helper L2), on the framework of 041: each
-- kind is a row of scc.import_kinds, an apply function
-- (scc.import_<kind>_apply: insert ... on conflict (its key) do update,
-- {inserted, updated}) and, where its table has rules across columns, a
-- check (scc.import_<kind>_check).  Nothing of 041 is replaced: its
-- dispatch chain already names every kind here.
-- What this adds:
--   the kinds bills, services, security_findings, ux_issues, repositories,
--   deploys, ci_runs, channels, channel_listings, marketing_months,
--   seo_tasks, targets, assets, action_items (positions 200-330);
--   scc.import_rule_status_date(rows, status, statuses, date, exact)
--   scc.import_rule_month_start(rows, column)
--   (two rules across columns shared by the kinds' checks).
--
-- Decisions:
--   * Columns are named as the table's, money without `_cents` (`amount`,
--     `monthly_cost`, `spend`, `revenue`: the file holds 1250.00, the
--     table cents), references as the row they name (`service` by its
--     external id, `repository` by its name, `channel` by its slug).
--   * Keys are the tables' own: a repository by its name, a channel by its
--     slug, a listing by entity and channel, a month of marketing by
--     entity, channel and month, a target by entity and month; services,
--     findings, UX issues and action items by their external id alone
--     (unique across the business); the rest by entity (or repository)
--     and external id.
--   * A month is a date, the first day of the month (2026-10-01), as the
--     table holds it: another day is `invalid_month` (never 2026-10, so a
--     file exported from a sheet keeps its dates).
--   * A date given exactly when a status says so (closed_on of a UX issue
--     that is fixed or wontfix, done_on of a done SEO task, of a done or
--     dropped action item; listed_on of a live listing) is one shared rule,
--     `<date>_required` / `<date>_unexpected` on the date's column.
--   * Every named constraint of the fourteen tables is caught by the typed
--     checker or the kind's check with a line and a column
--     (tests/sql/imports_kinds_more.sql holds each one to rows that break
--     it when applied without the checks).

-- ---------------------------------------------------------------------------
-- Rules across columns shared by the kinds' checks (given rows without a
-- value error: the typed checker ran first)
-- ---------------------------------------------------------------------------

-- A date given when the status is one of `statuses` (else
-- `<date>_required`) and, when `exact`, only then (else
-- `<date>_unexpected`), on the date's column.
create function scc.import_rule_status_date(rows scc.import_row[], status_column text, statuses text[],
                                            date_column text, exact boolean)
returns setof jsonb
language sql
immutable
as $$
    select scc.import_error(x.line, date_column,
                            date_column || case when x.f ->> status_column = any (statuses) then '_required'
                                                else '_unexpected' end,
                            case when x.f ->> status_column = any (statuses)
                                 then format('%s %s has its %s: a date, YYYY-MM-DD', status_column,
                                             x.f ->> status_column, date_column)
                                 else format('%s %s has no %s (only %s has one): leave it empty or change the %s',
                                             status_column, x.f ->> status_column, date_column,
                                             array_to_string(statuses, ' or '), status_column) end)
      from unnest(rows) as x
     where (x.f ->> status_column = any (statuses) and coalesce(x.f ->> date_column, '') = '')
        or (exact and not x.f ->> status_column = any (statuses) and coalesce(x.f ->> date_column, '') <> '')
     order by x.line
$$;
comment on function scc.import_rule_status_date(scc.import_row[], text, text[], text, boolean) is
    'an import rule across columns: a date given when the status is one of statuses (<date>_required) and, when exact, only then (<date>_unexpected)';

-- A month is its first day: another day is `invalid_month`.
create function scc.import_rule_month_start(rows scc.import_row[], month_column text)
returns setof jsonb
language sql
immutable
as $$
    select scc.import_error(x.line, month_column, 'invalid_month',
                            format('%s %s is not the first day of a month: %s', month_column, x.f ->> month_column,
                                   to_char(date_trunc('month', scc.import_date(x.f ->> month_column)), 'YYYY-MM-DD')))
      from unnest(rows) as x
     where extract(day from scc.import_date(x.f ->> month_column)) <> 1
     order by x.line
$$;
comment on function scc.import_rule_month_start(scc.import_row[], text) is
    'an import rule: a month column holds the first day of its month (invalid_month)';

-- ---------------------------------------------------------------------------
-- Bills (money an entity owes)
-- ---------------------------------------------------------------------------

insert into scc.import_kinds (kind, position, title, key, key_columns, counts, sample, columns) values
('bills', 200, 'Bills (money an entity owes)', 'entity and external_id', array['entity', 'external_id'], 'bills',
 '/samples/import/bills.csv',
 '[{"name": "entity", "type": "entity"},
   {"name": "external_id", "type": "external_id", "what": "the bill''s number in its source, at most 100 characters"},
   {"name": "vendor", "type": "text", "max": 200, "what": "who is owed, at most 200 characters"},
   {"name": "issued_on", "type": "date"},
   {"name": "due_on", "type": "date", "not_before": "issued_on", "what": "YYYY-MM-DD, not before issued_on"},
   {"name": "paid_on", "type": "date", "optional": true, "not_before": "issued_on",
    "what": "the day it was paid (not before issued_on); empty while unpaid"},
   {"name": "currency", "type": "currency", "optional": true, "default": "USD"},
   {"name": "amount", "type": "cents", "positive": true},
   {"name": "receipt", "type": "text", "max": 500, "optional": true,
    "what": "the reference of the receipt or invoice scan, at most 500 characters; empty when missing (the expense audit lists it)"}]');

create function scc.import_bills_apply(rows scc.import_row[], import_id bigint)
returns jsonb
language sql
volatile
as $$
    with up as (
        insert into scc.bills as t (entity_id, external_id, vendor, issued_on, due_on, paid_on, currency, amount_cents,
                                    receipt)
        select scc.import_ref_id('entity', x.f ->> 'entity', x.f)::bigint, x.f ->> 'external_id', x.f ->> 'vendor',
               scc.import_date(x.f ->> 'issued_on'), scc.import_date(x.f ->> 'due_on'),
               scc.import_date(nullif(x.f ->> 'paid_on', '')), coalesce(nullif(x.f ->> 'currency', ''), 'USD'),
               scc.import_cents(x.f ->> 'amount'), nullif(x.f ->> 'receipt', '')
          from unnest(rows) as x
         order by x.line
        on conflict (entity_id, external_id) do update
           set vendor = excluded.vendor, issued_on = excluded.issued_on, due_on = excluded.due_on,
               paid_on = excluded.paid_on, currency = excluded.currency, amount_cents = excluded.amount_cents,
               receipt = excluded.receipt, updated_at = now()
        returning (t.xmax = 0) as is_new
    )
    select scc.import_counts(array_agg(up.is_new)) from up
$$;
comment on function scc.import_bills_apply(scc.import_row[], bigint) is
    'applies checked bills rows (insert, or update every field by entity and external_id); {inserted, updated}';

-- ---------------------------------------------------------------------------
-- Technology: services, security findings, UX issues, repositories,
-- deploys, CI runs
-- ---------------------------------------------------------------------------

insert into scc.import_kinds (kind, position, title, key, key_columns, counts, sample, columns) values
('services', 210, 'Services (technology, with their monthly cost)', 'external_id', array['external_id'], 'services',
 '/samples/import/services.csv',
 '[{"name": "external_id", "type": "external_id", "what": "the service''s id, unique across the business, at most 100 characters"},
   {"name": "name", "type": "text", "max": 200},
   {"name": "stack", "type": "text", "pattern": "^[a-z][a-z0-9_]{0,39}$",
    "pattern_what": "lower case letters, digits and _, at most 40, starting with a letter",
    "what": "the stack it belongs to, lower case: web, email, data, hosting, ci, monitoring ..."},
   {"name": "provider", "type": "text", "max": 200, "optional": true, "what": "who provides it (Hetzner, Amazon SES ...), at most 200 characters"},
   {"name": "currency", "type": "currency", "optional": true, "default": "USD"},
   {"name": "monthly_cost", "type": "cents", "optional": true, "default": "0", "what": "what it costs a month, such as 49.00"},
   {"name": "active_from", "type": "date", "what": "the first day it ran, YYYY-MM-DD"},
   {"name": "active_to", "type": "date", "optional": true, "not_before": "active_from",
    "what": "the last day it ran (not before active_from); empty while it runs"}]'),
('security_findings', 220, 'Security findings', 'external_id', array['external_id'], 'findings',
 '/samples/import/security_findings.csv',
 '[{"name": "external_id", "type": "external_id", "what": "the finding''s id, unique across the business, at most 100 characters"},
   {"name": "service", "type": "ref", "ref": "service", "optional": true,
    "what": "the external_id of the service it was found in (services.csv); empty when none"},
   {"name": "stack", "type": "text", "pattern": "^[a-z][a-z0-9_]{0,39}$",
    "pattern_what": "lower case letters, digits and _, at most 40, starting with a letter",
    "what": "the stack it belongs to, lower case: web, email, data, hosting, ci ..."},
   {"name": "severity", "type": "enum", "values": ["critical", "high", "medium", "low"],
    "what": "critical, high, medium or low (days to fix before the SLA breaches: 7, 30, 90, 180)"},
   {"name": "title", "type": "text", "max": 200},
   {"name": "found_on", "type": "date"},
   {"name": "fixed_on", "type": "date", "optional": true, "not_before": "found_on",
    "what": "the day it was fixed (not before found_on); empty while open"}]'),
('ux_issues', 230, 'UX issues', 'external_id', array['external_id'], 'issues', '/samples/import/ux_issues.csv',
 '[{"name": "external_id", "type": "external_id", "what": "the issue''s id, unique across the business, at most 100 characters"},
   {"name": "page", "type": "text", "max": 200, "what": "the page or screen, such as /waiver, at most 200 characters"},
   {"name": "severity", "type": "enum", "values": ["critical", "high", "medium", "low"]},
   {"name": "title", "type": "text", "max": 200},
   {"name": "status", "type": "enum", "values": ["open", "fixed", "wontfix"]},
   {"name": "opened_on", "type": "date"},
   {"name": "closed_on", "type": "date", "optional": true, "not_before": "opened_on",
    "what": "the day it was fixed or closed as wontfix (not before opened_on); given exactly when the status is fixed or wontfix"}]'),
('repositories', 240, 'Repositories (code)', 'name', array['name'], 'repositories',
 '/samples/import/repositories.csv',
 '[{"name": "name", "type": "text", "max": 200, "pattern": "^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$",
    "pattern_what": "letters, digits, ., _, / and -, starting with a letter or digit, at most 200",
    "what": "the repository''s name (scc, or owner/scc), unique: letters, digits, ., _, / and -"},
   {"name": "stack", "type": "text", "pattern": "^[a-z][a-z0-9_]{0,39}$",
    "pattern_what": "lower case letters, digits and _, at most 40, starting with a letter",
    "what": "the stack it belongs to, lower case: web, hosting, data ..."},
   {"name": "active", "type": "yes_no", "optional": true, "default": "yes"}]'),
('deploys', 250, 'Deploys', 'repository and external_id', array['repository', 'external_id'], 'deploys',
 '/samples/import/deploys.csv',
 '[{"name": "repository", "type": "ref", "ref": "repository",
    "what": "a repository''s name (repositories.csv)"},
   {"name": "external_id", "type": "external_id", "what": "the deploy''s id in its source, at most 100 characters"},
   {"name": "deployed_at", "type": "timestamp"},
   {"name": "outcome", "type": "enum", "values": ["success", "failed", "rolled_back"]}]'),
('ci_runs', 260, 'CI runs (checks)', 'repository and external_id', array['repository', 'external_id'], 'runs',
 '/samples/import/ci_runs.csv',
 '[{"name": "repository", "type": "ref", "ref": "repository",
    "what": "a repository''s name (repositories.csv)"},
   {"name": "external_id", "type": "external_id", "what": "the run''s id in its CI, at most 100 characters"},
   {"name": "ran_at", "type": "timestamp"},
   {"name": "outcome", "type": "enum", "values": ["passed", "failed", "cancelled"]}]');

create function scc.import_services_apply(rows scc.import_row[], import_id bigint)
returns jsonb
language sql
volatile
as $$
    with up as (
        insert into scc.services as t (external_id, name, stack, provider, currency, monthly_cost_cents, active_from,
                                       active_to)
        select x.f ->> 'external_id', x.f ->> 'name', x.f ->> 'stack', x.f ->> 'provider',
               coalesce(nullif(x.f ->> 'currency', ''), 'USD'),
               coalesce(scc.import_cents(nullif(x.f ->> 'monthly_cost', '')), 0),
               scc.import_date(x.f ->> 'active_from'), scc.import_date(nullif(x.f ->> 'active_to', ''))
          from unnest(rows) as x
         order by x.line
        on conflict (external_id) do update
           set name = excluded.name, stack = excluded.stack, provider = excluded.provider,
               currency = excluded.currency, monthly_cost_cents = excluded.monthly_cost_cents,
               active_from = excluded.active_from, active_to = excluded.active_to
        returning (t.xmax = 0) as is_new
    )
    select scc.import_counts(array_agg(up.is_new)) from up
$$;
comment on function scc.import_services_apply(scc.import_row[], bigint) is
    'applies checked services rows (insert, or update every field by external_id); {inserted, updated}';

create function scc.import_security_findings_apply(rows scc.import_row[], import_id bigint)
returns jsonb
language sql
volatile
as $$
    with up as (
        insert into scc.security_findings as t (external_id, service_id, stack, severity, title, found_on, fixed_on)
        select x.f ->> 'external_id', scc.import_ref_id('service', nullif(x.f ->> 'service', ''), x.f)::uuid,
               x.f ->> 'stack', x.f ->> 'severity', x.f ->> 'title', scc.import_date(x.f ->> 'found_on'),
               scc.import_date(nullif(x.f ->> 'fixed_on', ''))
          from unnest(rows) as x
         order by x.line
        on conflict (external_id) do update
           set service_id = excluded.service_id, stack = excluded.stack, severity = excluded.severity,
               title = excluded.title, found_on = excluded.found_on, fixed_on = excluded.fixed_on,
               updated_at = now()
        returning (t.xmax = 0) as is_new
    )
    select scc.import_counts(array_agg(up.is_new)) from up
$$;
comment on function scc.import_security_findings_apply(scc.import_row[], bigint) is
    'applies checked security_findings rows (insert, or update every field by external_id); {inserted, updated}';

-- ux_issues_closed_check: closed exactly when not open (the order of the
-- dates is the layout's not_before).
create function scc.import_ux_issues_check(rows scc.import_row[])
returns setof jsonb
language sql
immutable
as $$
    select scc.import_rule_status_date(rows, 'status', array['fixed', 'wontfix'], 'closed_on', true)
$$;
comment on function scc.import_ux_issues_check(scc.import_row[]) is
    'the ux_issues kind''s rule across columns: closed_on given exactly when the status is fixed or wontfix';

create function scc.import_ux_issues_apply(rows scc.import_row[], import_id bigint)
returns jsonb
language sql
volatile
as $$
    with up as (
        insert into scc.ux_issues as t (external_id, page, severity, title, status, opened_on, closed_on)
        select x.f ->> 'external_id', x.f ->> 'page', x.f ->> 'severity', x.f ->> 'title', x.f ->> 'status',
               scc.import_date(x.f ->> 'opened_on'), scc.import_date(nullif(x.f ->> 'closed_on', ''))
          from unnest(rows) as x
         order by x.line
        on conflict (external_id) do update
           set page = excluded.page, severity = excluded.severity, title = excluded.title, status = excluded.status,
               opened_on = excluded.opened_on, closed_on = excluded.closed_on, updated_at = now()
        returning (t.xmax = 0) as is_new
    )
    select scc.import_counts(array_agg(up.is_new)) from up
$$;
comment on function scc.import_ux_issues_apply(scc.import_row[], bigint) is
    'applies checked ux_issues rows (insert, or update every field by external_id); {inserted, updated}';

create function scc.import_repositories_apply(rows scc.import_row[], import_id bigint)
returns jsonb
language sql
volatile
as $$
    with up as (
        insert into scc.repositories as t (name, stack, active)
        select x.f ->> 'name', x.f ->> 'stack', coalesce(scc.import_yes(nullif(x.f ->> 'active', '')), true)
          from unnest(rows) as x
         order by x.line
        on conflict (name) do update
           set stack = excluded.stack, active = excluded.active
        returning (t.xmax = 0) as is_new
    )
    select scc.import_counts(array_agg(up.is_new)) from up
$$;
comment on function scc.import_repositories_apply(scc.import_row[], bigint) is
    'applies checked repositories rows (insert, or update stack and active by name); {inserted, updated}';

create function scc.import_deploys_apply(rows scc.import_row[], import_id bigint)
returns jsonb
language sql
volatile
as $$
    with up as (
        insert into scc.deploys as t (repository_id, external_id, deployed_at, outcome)
        select scc.import_ref_id('repository', x.f ->> 'repository', x.f)::uuid, x.f ->> 'external_id',
               scc.import_timestamp(x.f ->> 'deployed_at'), x.f ->> 'outcome'
          from unnest(rows) as x
         order by x.line
        on conflict (repository_id, external_id) do update
           set deployed_at = excluded.deployed_at, outcome = excluded.outcome
        returning (t.xmax = 0) as is_new
    )
    select scc.import_counts(array_agg(up.is_new)) from up
$$;
comment on function scc.import_deploys_apply(scc.import_row[], bigint) is
    'applies checked deploys rows (insert, or update moment and outcome by repository and external_id); {inserted, updated}';

create function scc.import_ci_runs_apply(rows scc.import_row[], import_id bigint)
returns jsonb
language sql
volatile
as $$
    with up as (
        insert into scc.ci_runs as t (repository_id, external_id, ran_at, outcome)
        select scc.import_ref_id('repository', x.f ->> 'repository', x.f)::uuid, x.f ->> 'external_id',
               scc.import_timestamp(x.f ->> 'ran_at'), x.f ->> 'outcome'
          from unnest(rows) as x
         order by x.line
        on conflict (repository_id, external_id) do update
           set ran_at = excluded.ran_at, outcome = excluded.outcome
        returning (t.xmax = 0) as is_new
    )
    select scc.import_counts(array_agg(up.is_new)) from up
$$;
comment on function scc.import_ci_runs_apply(scc.import_row[], bigint) is
    'applies checked ci_runs rows (insert, or update moment and outcome by repository and external_id); {inserted, updated}';

-- ---------------------------------------------------------------------------
-- Marketing: channels, listings, months of spend and funnel, SEO tasks
-- ---------------------------------------------------------------------------

insert into scc.import_kinds (kind, position, title, key, key_columns, counts, sample, columns) values
('channels', 25, 'Channels (where business comes from)', 'slug', array['slug'], 'channels',
 '/samples/import/channels.csv',
 '[{"name": "slug", "type": "text", "pattern": "^[a-z][a-z0-9_]{0,39}$",
    "pattern_what": "lower case letters, digits and _, at most 40, starting with a letter",
    "what": "the channel''s key, lower case: airbnb, google_ads ... (the files of bookings, stays, listings and months name it)"},
   {"name": "name", "type": "text", "max": 100, "what": "the name the reports show, at most 100 characters"},
   {"name": "kind", "type": "enum",
    "values": ["direct", "marketplace", "paid", "organic", "referral", "email", "social", "other"]},
   {"name": "sequence", "type": "integer", "min": 1, "max": 20, "optional": true,
    "what": "its step in the order marketplaces are opened in (Sailo 1, GetMyBoat 2, Viator and GetYourGuide 3), a whole number from 1 to 20; empty when outside that plan"}]'),
('channel_listings', 280, 'Channel listings (the visibility matrix)', 'entity and channel', array['entity', 'channel'],
 'listings', '/samples/import/channel_listings.csv',
 '[{"name": "entity", "type": "entity"},
   {"name": "channel", "type": "ref", "ref": "channel"},
   {"name": "status", "type": "enum", "values": ["not_started", "in_progress", "live", "paused", "rejected"]},
   {"name": "listed_on", "type": "date", "optional": true,
    "what": "the day the listing went live, YYYY-MM-DD; required when the status is live"},
   {"name": "url", "type": "text", "max": 500, "optional": true, "pattern": "^https://[^[:space:]]+$",
    "pattern_what": "an address starting https://, without spaces",
    "what": "the listing''s address, https://..., at most 500 characters"},
   {"name": "note", "type": "text", "max": 1000, "optional": true}]'),
('marketing_months', 290, 'Marketing months (spend and funnel per channel)', 'entity, channel and month',
 array['entity', 'channel', 'month'], 'months', '/samples/import/marketing_months.csv',
 '[{"name": "entity", "type": "entity"},
   {"name": "channel", "type": "ref", "ref": "channel"},
   {"name": "month", "type": "date", "what": "the first day of the month the figures are for, such as 2026-10-01"},
   {"name": "currency", "type": "currency", "optional": true, "default": "USD"},
   {"name": "spend", "type": "cents", "optional": true, "default": "0", "what": "what the channel cost that month, such as 450.00"},
   {"name": "visits", "type": "integer", "min": 0, "max": 999999999, "optional": true, "default": "0"},
   {"name": "inquiries", "type": "integer", "min": 0, "max": 999999999, "optional": true, "default": "0"},
   {"name": "quotes", "type": "integer", "min": 0, "max": 999999999, "optional": true, "default": "0"},
   {"name": "bookings", "type": "integer", "min": 0, "max": 999999999, "optional": true, "default": "0"}]'),
('seo_tasks', 300, 'Local SEO tasks', 'entity and external_id', array['entity', 'external_id'], 'tasks',
 '/samples/import/seo_tasks.csv',
 '[{"name": "entity", "type": "entity"},
   {"name": "external_id", "type": "external_id", "what": "the task''s id in its source, at most 100 characters"},
   {"name": "title", "type": "text", "max": 200},
   {"name": "priority", "type": "enum", "values": ["p1", "p2", "p3", "p4"], "what": "p1 (first), p2, p3 or p4"},
   {"name": "status", "type": "enum", "values": ["todo", "doing", "done"]},
   {"name": "due_on", "type": "date", "optional": true},
   {"name": "done_on", "type": "date", "optional": true, "what": "the day it was done, YYYY-MM-DD; given exactly when the status is done"}]');

create function scc.import_channels_apply(rows scc.import_row[], import_id bigint)
returns jsonb
language sql
volatile
as $$
    with up as (
        insert into scc.channels as t (slug, name, kind, sequence)
        select x.f ->> 'slug', x.f ->> 'name', x.f ->> 'kind', nullif(x.f ->> 'sequence', '')::integer
          from unnest(rows) as x
         order by x.line
        on conflict (slug) do update
           set name = excluded.name, kind = excluded.kind, sequence = excluded.sequence
        returning (t.xmax = 0) as is_new
    )
    select scc.import_counts(array_agg(up.is_new)) from up
$$;
comment on function scc.import_channels_apply(scc.import_row[], bigint) is
    'applies checked channels rows (insert, or update name, kind and sequence by slug); {inserted, updated}';

-- channel_listings_listed_check: a live listing has the day it went live.
create function scc.import_channel_listings_check(rows scc.import_row[])
returns setof jsonb
language sql
immutable
as $$
    select scc.import_rule_status_date(rows, 'status', array['live'], 'listed_on', false)
$$;
comment on function scc.import_channel_listings_check(scc.import_row[]) is
    'the channel_listings kind''s rule across columns: a live listing has its listed_on';

create function scc.import_channel_listings_apply(rows scc.import_row[], import_id bigint)
returns jsonb
language sql
volatile
as $$
    with up as (
        insert into scc.channel_listings as t (entity_id, channel, status, listed_on, url, note)
        select scc.import_ref_id('entity', x.f ->> 'entity', x.f)::bigint,
               scc.import_ref_id('channel', x.f ->> 'channel', x.f), x.f ->> 'status',
               scc.import_date(nullif(x.f ->> 'listed_on', '')), nullif(x.f ->> 'url', ''), x.f ->> 'note'
          from unnest(rows) as x
         order by x.line
        on conflict (entity_id, channel) do update
           set status = excluded.status, listed_on = excluded.listed_on, url = excluded.url, note = excluded.note,
               updated_at = now()
        returning (t.xmax = 0) as is_new
    )
    select scc.import_counts(array_agg(up.is_new)) from up
$$;
comment on function scc.import_channel_listings_apply(scc.import_row[], bigint) is
    'applies checked channel_listings rows (insert, or update status, listed_on, url and note by entity and channel); {inserted, updated}';

-- marketing_months_month_check: the month is its first day.
create function scc.import_marketing_months_check(rows scc.import_row[])
returns setof jsonb
language sql
immutable
as $$
    select scc.import_rule_month_start(rows, 'month')
$$;
comment on function scc.import_marketing_months_check(scc.import_row[]) is
    'the marketing_months kind''s rule: the month is the first day of a month';

create function scc.import_marketing_months_apply(rows scc.import_row[], import_id bigint)
returns jsonb
language sql
volatile
as $$
    with up as (
        insert into scc.marketing_months as t (entity_id, channel, month, currency, spend_cents, visits, inquiries,
                                               quotes, bookings)
        select scc.import_ref_id('entity', x.f ->> 'entity', x.f)::bigint,
               scc.import_ref_id('channel', x.f ->> 'channel', x.f), scc.import_date(x.f ->> 'month'),
               coalesce(nullif(x.f ->> 'currency', ''), 'USD'),
               coalesce(scc.import_cents(nullif(x.f ->> 'spend', '')), 0),
               coalesce(nullif(x.f ->> 'visits', '')::integer, 0), coalesce(nullif(x.f ->> 'inquiries', '')::integer, 0),
               coalesce(nullif(x.f ->> 'quotes', '')::integer, 0), coalesce(nullif(x.f ->> 'bookings', '')::integer, 0)
          from unnest(rows) as x
         order by x.line
        on conflict (entity_id, channel, month) do update
           set currency = excluded.currency, spend_cents = excluded.spend_cents, visits = excluded.visits,
               inquiries = excluded.inquiries, quotes = excluded.quotes, bookings = excluded.bookings,
               updated_at = now()
        returning (t.xmax = 0) as is_new
    )
    select scc.import_counts(array_agg(up.is_new)) from up
$$;
comment on function scc.import_marketing_months_apply(scc.import_row[], bigint) is
    'applies checked marketing_months rows (insert, or update spend and funnel by entity, channel and month); {inserted, updated}';

-- seo_tasks_done_check: done exactly when it has its done_on.
create function scc.import_seo_tasks_check(rows scc.import_row[])
returns setof jsonb
language sql
immutable
as $$
    select scc.import_rule_status_date(rows, 'status', array['done'], 'done_on', true)
$$;
comment on function scc.import_seo_tasks_check(scc.import_row[]) is
    'the seo_tasks kind''s rule across columns: done_on given exactly when the status is done';

create function scc.import_seo_tasks_apply(rows scc.import_row[], import_id bigint)
returns jsonb
language sql
volatile
as $$
    with up as (
        insert into scc.seo_tasks as t (entity_id, external_id, title, priority, status, due_on, done_on)
        select scc.import_ref_id('entity', x.f ->> 'entity', x.f)::bigint, x.f ->> 'external_id', x.f ->> 'title',
               x.f ->> 'priority', x.f ->> 'status', scc.import_date(nullif(x.f ->> 'due_on', '')),
               scc.import_date(nullif(x.f ->> 'done_on', ''))
          from unnest(rows) as x
         order by x.line
        on conflict (entity_id, external_id) do update
           set title = excluded.title, priority = excluded.priority, status = excluded.status,
               due_on = excluded.due_on, done_on = excluded.done_on, updated_at = now()
        returning (t.xmax = 0) as is_new
    )
    select scc.import_counts(array_agg(up.is_new)) from up
$$;
comment on function scc.import_seo_tasks_apply(scc.import_row[], bigint) is
    'applies checked seo_tasks rows (insert, or update every field by entity and external_id); {inserted, updated}';

-- ---------------------------------------------------------------------------
-- Plans: monthly targets, assets, action items
-- ---------------------------------------------------------------------------

insert into scc.import_kinds (kind, position, title, key, key_columns, counts, sample, columns) values
('targets', 310, 'Monthly targets (the plan)', 'entity and month', array['entity', 'month'], 'targets',
 '/samples/import/targets.csv',
 '[{"name": "entity", "type": "entity"},
   {"name": "month", "type": "date", "what": "the first day of the month planned, such as 2026-10-01"},
   {"name": "currency", "type": "currency", "optional": true, "default": "USD"},
   {"name": "revenue", "type": "cents", "what": "the revenue to reach that month, such as 12000.00"},
   {"name": "expenses", "type": "cents", "what": "the expenses planned that month, such as 7000.00"},
   {"name": "bookings", "type": "integer", "min": 0, "max": 999999999, "optional": true, "default": "0",
    "what": "the sales to reach (charters, stays, deliveries: the entity''s unit), a whole number"}]'),
('assets', 320, 'Assets (boats, property, domains, accounts)', 'entity and external_id', array['entity', 'external_id'],
 'assets', '/samples/import/assets.csv',
 '[{"name": "entity", "type": "entity"},
   {"name": "external_id", "type": "external_id", "what": "the asset''s id in its source, at most 100 characters"},
   {"name": "kind", "type": "enum", "values": ["boat", "property", "vehicle", "equipment", "domain", "account", "other"]},
   {"name": "name", "type": "text", "max": 200},
   {"name": "acquired_on", "type": "date", "optional": true},
   {"name": "currency", "type": "currency", "optional": true, "default": "USD"},
   {"name": "cost", "type": "cents", "optional": true, "what": "what it cost, such as 145000.00; empty when unknown"},
   {"name": "value", "type": "cents", "optional": true, "what": "what it is worth now, such as 118000.00; empty when unknown"},
   {"name": "renews_on", "type": "date", "optional": true,
    "what": "the day it lapses unless renewed (a domain, an account, a registration), YYYY-MM-DD"},
   {"name": "note", "type": "text", "max": 1000, "optional": true}]'),
('action_items', 330, 'Action items (the agenda)', 'external_id', array['external_id'], 'items',
 '/samples/import/action_items.csv',
 '[{"name": "entity", "type": "entity", "optional": true, "default": "the whole business"},
   {"name": "external_id", "type": "external_id", "what": "the item''s id, unique across the business, at most 100 characters"},
   {"name": "title", "type": "text", "max": 200},
   {"name": "owner", "type": "text", "max": 200, "what": "who does it, at most 200 characters"},
   {"name": "priority", "type": "enum", "values": ["p1", "p2", "p3", "p4"], "what": "p1 (first), p2, p3 or p4"},
   {"name": "status", "type": "enum", "values": ["open", "doing", "done", "dropped"]},
   {"name": "opened_on", "type": "date"},
   {"name": "due_on", "type": "date", "optional": true, "not_before": "opened_on",
    "what": "YYYY-MM-DD, not before opened_on"},
   {"name": "done_on", "type": "date", "optional": true, "not_before": "opened_on",
    "what": "the day it was done or dropped (not before opened_on); given exactly when the status is done or dropped"}]');

-- targets_month_check: the month is its first day.
create function scc.import_targets_check(rows scc.import_row[])
returns setof jsonb
language sql
immutable
as $$
    select scc.import_rule_month_start(rows, 'month')
$$;
comment on function scc.import_targets_check(scc.import_row[]) is
    'the targets kind''s rule: the month is the first day of a month';

create function scc.import_targets_apply(rows scc.import_row[], import_id bigint)
returns jsonb
language sql
volatile
as $$
    with up as (
        insert into scc.targets as t (entity_id, month, currency, revenue_cents, expenses_cents, bookings)
        select scc.import_ref_id('entity', x.f ->> 'entity', x.f)::bigint, scc.import_date(x.f ->> 'month'),
               coalesce(nullif(x.f ->> 'currency', ''), 'USD'), scc.import_cents(x.f ->> 'revenue'),
               scc.import_cents(x.f ->> 'expenses'), coalesce(nullif(x.f ->> 'bookings', '')::integer, 0)
          from unnest(rows) as x
         order by x.line
        on conflict (entity_id, month) do update
           set currency = excluded.currency, revenue_cents = excluded.revenue_cents,
               expenses_cents = excluded.expenses_cents, bookings = excluded.bookings, updated_at = now()
        returning (t.xmax = 0) as is_new
    )
    select scc.import_counts(array_agg(up.is_new)) from up
$$;
comment on function scc.import_targets_apply(scc.import_row[], bigint) is
    'applies checked targets rows (insert, or update revenue, expenses and bookings by entity and month); {inserted, updated}';

create function scc.import_assets_apply(rows scc.import_row[], import_id bigint)
returns jsonb
language sql
volatile
as $$
    with up as (
        insert into scc.assets as t (entity_id, external_id, kind, name, acquired_on, currency, cost_cents, value_cents,
                                     renews_on, note)
        select scc.import_ref_id('entity', x.f ->> 'entity', x.f)::bigint, x.f ->> 'external_id', x.f ->> 'kind',
               x.f ->> 'name', scc.import_date(nullif(x.f ->> 'acquired_on', '')),
               coalesce(nullif(x.f ->> 'currency', ''), 'USD'), scc.import_cents(nullif(x.f ->> 'cost', '')),
               scc.import_cents(nullif(x.f ->> 'value', '')), scc.import_date(nullif(x.f ->> 'renews_on', '')),
               x.f ->> 'note'
          from unnest(rows) as x
         order by x.line
        on conflict (entity_id, external_id) do update
           set kind = excluded.kind, name = excluded.name, acquired_on = excluded.acquired_on,
               currency = excluded.currency, cost_cents = excluded.cost_cents, value_cents = excluded.value_cents,
               renews_on = excluded.renews_on, note = excluded.note, updated_at = now()
        returning (t.xmax = 0) as is_new
    )
    select scc.import_counts(array_agg(up.is_new)) from up
$$;
comment on function scc.import_assets_apply(scc.import_row[], bigint) is
    'applies checked assets rows (insert, or update every field by entity and external_id); {inserted, updated}';

-- action_items_done_check: done or dropped exactly when it has its done_on
-- (action_items_dates_check is the layout's not_before).
create function scc.import_action_items_check(rows scc.import_row[])
returns setof jsonb
language sql
immutable
as $$
    select scc.import_rule_status_date(rows, 'status', array['done', 'dropped'], 'done_on', true)
$$;
comment on function scc.import_action_items_check(scc.import_row[]) is
    'the action_items kind''s rule across columns: done_on given exactly when the status is done or dropped';

create function scc.import_action_items_apply(rows scc.import_row[], import_id bigint)
returns jsonb
language sql
volatile
as $$
    with up as (
        insert into scc.action_items as t (entity_id, external_id, title, owner, priority, status, opened_on, due_on,
                                           done_on)
        select scc.import_ref_id('entity', nullif(x.f ->> 'entity', ''), x.f)::bigint, x.f ->> 'external_id',
               x.f ->> 'title', x.f ->> 'owner', x.f ->> 'priority', x.f ->> 'status',
               scc.import_date(x.f ->> 'opened_on'), scc.import_date(nullif(x.f ->> 'due_on', '')),
               scc.import_date(nullif(x.f ->> 'done_on', ''))
          from unnest(rows) as x
         order by x.line
        on conflict (external_id) do update
           set entity_id = excluded.entity_id, title = excluded.title, owner = excluded.owner,
               priority = excluded.priority, status = excluded.status, opened_on = excluded.opened_on,
               due_on = excluded.due_on, done_on = excluded.done_on, updated_at = now()
        returning (t.xmax = 0) as is_new
    )
    select scc.import_counts(array_agg(up.is_new)) from up
$$;
comment on function scc.import_action_items_apply(scc.import_row[], bigint) is
    'applies checked action_items rows (insert, or update every field, the entity too, by external_id); {inserted, updated}';
