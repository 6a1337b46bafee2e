-- imports_kinds_more.sql — the import kinds of sql/migrations/
-- 042_import_kinds_more.sql (bills, technology, marketing, plans) on the
-- framework of 041: every kind's sample file imported and imported again
-- (updated, never duplicated) with its values where they belong, each
-- rule across columns refused with its line and column, every named
-- constraint of the fourteen tables caught with a line and a column (and
-- its breaking rows shown to really break it when applied without the
-- checks), references to unknown rows refused, and nothing of a file
-- applied when one row is bad.  Runs as the superuser (pg_prove from the
-- repository's root) in a rolled-back transaction.
begin;
create extension if not exists pgtap;
select plan(33);

create function pg_temp.errors(kind text, csv text) returns table (line int, col text, code text) language sql as $$
    select (e ->> 'line')::int, e ->> 'column', e ->> 'code'
      from jsonb_array_elements(scc.import_csv(kind, csv, null, 'bad.csv') -> 'errors') as e
$$;

-- the kinds of 042 (positions from 200, but channels at 25: before 041's
-- bookings and stays, which name a channel), in the order their samples
-- import in
create function pg_temp.kinds_042() returns setof scc.import_kinds language sql as $$
    select k.* from scc.import_kinds as k where k.position >= 200 or k.kind = 'channels'
$$;
select is((select array_agg(k.kind order by k.position) from pg_temp.kinds_042() as k),
          array['channels', 'bills', 'services', 'security_findings', 'ux_issues', 'repositories', 'deploys', 'ci_runs',
                'channel_listings', 'marketing_months', 'seo_tasks', 'targets', 'assets', 'action_items'],
          'the fourteen kinds of 042, each after the kinds it names (services before findings, repositories before deploys and CI runs, channels before listings and months, and before 041''s bookings)');
select is((select array_agg(k.kind order by k.position) from scc.import_kinds as k
            where k.kind in ('channels', 'bookings', 'rental_stays')),
          array['channels', 'bookings', 'rental_stays'],
          'channels import before the bookings and stays of 041 that name one');
select is((select array_agg(c ->> 'name') from jsonb_array_elements(scc.import_layout('marketing_months') -> 'columns') as c),
          array['entity', 'channel', 'month', 'currency', 'spend', 'visits', 'inquiries', 'quotes', 'bookings'],
          'a layout''s columns are named as its table''s, money without _cents');
select is((select array_agg(format('%s:%s', c ->> 'name', c ->> 'default'))
             from jsonb_array_elements(scc.import_layout('action_items') -> 'columns') as c where c ->> 'default' is not null),
          array['entity:the whole business'], 'an action item without an entity is the whole business''s');

-- ---------------------------------------------------------------------------
-- every sample file of 042, in the kinds' order: imported, then imported
-- again (updated, never duplicated)
-- ---------------------------------------------------------------------------
\set bills `cat samples/import/bills.csv`
\set services `cat samples/import/services.csv`
\set security_findings `cat samples/import/security_findings.csv`
\set ux_issues `cat samples/import/ux_issues.csv`
\set repositories `cat samples/import/repositories.csv`
\set deploys `cat samples/import/deploys.csv`
\set ci_runs `cat samples/import/ci_runs.csv`
\set channels `cat samples/import/channels.csv`
\set channel_listings `cat samples/import/channel_listings.csv`
\set marketing_months `cat samples/import/marketing_months.csv`
\set seo_tasks `cat samples/import/seo_tasks.csv`
\set targets `cat samples/import/targets.csv`
\set assets `cat samples/import/assets.csv`
\set action_items `cat samples/import/action_items.csv`
create temp table samples (k int, kind text, csv text, n int);
insert into samples values
    (0, 'channels', :'channels', 6),
    (1, 'bills', :'bills', 6), (2, 'services', :'services', 6), (3, 'security_findings', :'security_findings', 5),
    (4, 'ux_issues', :'ux_issues', 4), (5, 'repositories', :'repositories', 4), (6, 'deploys', :'deploys', 5),
    (7, 'ci_runs', :'ci_runs', 5), (9, 'channel_listings', :'channel_listings', 7),
    (10, 'marketing_months', :'marketing_months', 7), (11, 'seo_tasks', :'seo_tasks', 5), (12, 'targets', :'targets', 6),
    (13, 'assets', :'assets', 6), (14, 'action_items', :'action_items', 6);
-- the rows of a kind's table (channels: beside the six 034 seeds)
create function pg_temp.table_count(kind text) returns int language sql as $$
    select case kind
        when 'bills' then (select count(*) from scc.bills) when 'services' then (select count(*) from scc.services)
        when 'security_findings' then (select count(*) from scc.security_findings)
        when 'ux_issues' then (select count(*) from scc.ux_issues)
        when 'repositories' then (select count(*) from scc.repositories) when 'deploys' then (select count(*) from scc.deploys)
        when 'ci_runs' then (select count(*) from scc.ci_runs)
        when 'channels' then (select count(*) from scc.channels
                               where slug not in ('direct', 'sailo', 'getmyboat', 'viator', 'getyourguide', 'other'))
        when 'channel_listings' then (select count(*) from scc.channel_listings)
        when 'marketing_months' then (select count(*) from scc.marketing_months)
        when 'seo_tasks' then (select count(*) from scc.seo_tasks) when 'targets' then (select count(*) from scc.targets)
        when 'assets' then (select count(*) from scc.assets) when 'action_items' then (select count(*) from scc.action_items)
        end::int
$$;
select is((select array_agg(s.kind order by s.k) from samples as s),
          (select array_agg(k.kind order by k.position) from pg_temp.kinds_042() as k),
          'a sample for every kind of 042, in the kinds'' order');
select results_eq($$select s.kind, pg_temp.table_count(s.kind) from samples as s order by s.k$$,
                  $$select s.kind, 0 from samples as s order by s.k$$, 'the tables are empty before');
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

-- the values where they belong
select is((select string_agg(format('%s:%s:%s:%s:%s', b.external_id, b.currency, b.amount_cents,
                                    coalesce(b.paid_on::text, 'unpaid'), coalesce(b.receipt, 'no receipt')), ' ' order by b.external_id)
             from scc.bills as b where b.external_id in ('PR-7731', 'WM-88412')),
          'PR-7731:USD:64000:unpaid:PR-7731.pdf WM-88412:USD:31248:2026-10-24:no receipt',
          'bills: amounts in cents, USD by default, unpaid and receipt-less ones as null');
select is((select string_agg(format('%s:%s:%s:%s:%s', s.external_id, s.provider, s.monthly_cost_cents, s.currency,
                                    coalesce(s.active_to::text, 'running')), ' ' order by s.external_id)
             from scc.services as s where s.external_id in ('SVC-DNS', 'SVC-WIDGET')),
          'SVC-DNS:Cloudflare:0:USD:running SVC-WIDGET:Bookeo:3900:USD:2026-06-30', 'services: a free one by default, one retired');
select is((select string_agg(format('%s:%s:%s', f.external_id, coalesce(s.external_id, '-'), coalesce(f.fixed_on::text, 'open')),
                             ' ' order by f.external_id)
             from scc.security_findings as f left join scc.services as s on s.id = f.service_id),
          'SF-2026-031:SVC-APP:2026-09-12 SF-2026-032:SVC-DNS:open SF-2026-033:SVC-SES:2026-10-30 SF-2026-034:-:2026-10-22 SF-2026-035:SVC-DB:open',
          'security findings: their services by external id (or none), open ones');
select is((select string_agg(format('%s:%s:%s', u.external_id, u.status, coalesce(u.closed_on::text, '-')), ' ' order by u.external_id)
             from scc.ux_issues as u where u.title like 'Date reads%'),
          'UX-2026-043:wontfix:2026-10-07', 'UX issues: a quoted title with doubled quotes, closed as wontfix');
select is((select string_agg(format('%s:%s:%s:%s', r.name, r.active,
                                    (select count(*) from scc.deploys as d where d.repository_id = r.id),
                                    (select count(*) from scc.ci_runs as c where c.repository_id = r.id)), ' ' order by r.name)
             from scc.repositories as r),
          'ops-ansible:t:1:1 rental-scripts:f:0:0 scc:t:3:3 scc-site:t:1:1',
          'deploys and CI runs on their repositories by name; one repository without checks');
select is((select string_agg(format('%s:%s', d.external_id, to_char(d.deployed_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI')), ' '
                             order by d.external_id) from scc.deploys as d where d.external_id in ('DEP-2026-0412', 'DEP-SITE-0077')),
          'DEP-2026-0412:2026-10-07 00:02 DEP-SITE-0077:2026-10-13 16:00', 'deploys: moments with their offsets');
select is((select string_agg(format('%s:%s:%s:%s', c.slug, c.name, c.kind, coalesce(c.sequence::text, '-')), ' ' order by c.slug)
             from scc.channels as c where c.slug in ('google_business', 'sailo')),
          'google_business:Google Business Profile:organic:- sailo:Sailo:marketplace:1',
          'channels: a new one beside 034''s, the seeds untouched');
select is((select string_agg(format('%s:%s:%s:%s', l.channel, l.status, coalesce(l.listed_on::text, '-'), coalesce(l.url, '-')),
                             ' ' order by l.channel)
             from scc.channel_listings as l join scc.entities as n on n.id = l.entity_id
            where n.slug = 'charter' and l.channel in ('viator', 'google_business')),
          'google_business:live:2026-09-12:https://g.page/jada-sailing viator:in_progress:-:-',
          'listings: on a channel of channels.csv, one not live without a date or address');
select is((select string_agg(format('%s:%s:%s:%s', m.channel, m.currency, m.spend_cents, m.quotes), ' ' order by m.channel)
             from scc.marketing_months as m where m.month = '2026-09-01' and m.channel in ('sailo', 'google_ads')),
          'google_ads:USD:45000:23 sailo:USD:0:17', 'marketing months: spend in cents, empty spend and currency by default');
select is((select string_agg(format('%s:%s:%s:%s:%s', n.slug, t.currency, t.revenue_cents, t.expenses_cents, t.bookings), ' ')
             from scc.targets as t join scc.entities as n on n.id = t.entity_id where n.slug = 'dangerouscentaur'),
          'dangerouscentaur:USD:1800000:300000:0', 'targets: amounts in cents, bookings 0 by default');
select is((select string_agg(format('%s:%s:%s:%s', a.external_id, coalesce(a.cost_cents::text, '-'), coalesce(a.value_cents::text, '-'),
                                    coalesce(nullif(a.note, ''), '-')), ' ' order by a.external_id)
             from scc.assets as a where a.external_id in ('AS-JADA', 'AS-SAILO', 'AS-TRUCK')),
          'AS-JADA:14500000:11800000:- AS-SAILO:-:-:- AS-TRUCK:6800000:5200000:Registration renews every March',
          'assets: cost and value when known');
select is((select string_agg(format('%s:%s:%s', i.external_id, coalesce(n.slug, 'business'), coalesce(i.done_on::text, '-')), ' '
                             order by i.external_id)
             from scc.action_items as i left join scc.entities as n on n.id = i.entity_id where i.external_id in
             ('ACT-2026-103', 'ACT-2026-105', 'ACT-2026-106')),
          'ACT-2026-103:business:- ACT-2026-105:rental-3028-51st:2026-10-01 ACT-2026-106:business:2026-11-06',
          'action items: the whole business''s without an entity, done and dropped ones dated');
select is(scc.import_csv('action_items', replace(:'action_items', 'ACT-2026-101,Finish the Viator listing,Ana,p1,doing,2026-10-20,2026-11-20,',
                                                 'ACT-2026-101,Finish the Viator listing,Ana,p1,done,2026-10-20,2026-11-20,2026-11-18'),
                         null, 'action_items.csv') - 'import_id' - 'kind',
          '{"rows": 6, "inserted": 0, "updated": 6}', 'an action item re-imported done');
select is((select status || ':' || done_on from scc.action_items where external_id = 'ACT-2026-101'), 'done:2026-11-18',
          'is updated in place');

-- ---------------------------------------------------------------------------
-- every named constraint of every kind's table is caught with a line and a
-- column: per constraint, rows (a good row of the kind with what breaks it)
-- that the import refuses with exactly the error named, and that, given to
-- the kind's apply without the checks, really break that constraint (a key
-- twice: the upsert's 21000; a foreign key: the apply resolves references,
-- so the typed check is all that stands there)
-- ---------------------------------------------------------------------------
create temp table good (kind text primary key, f jsonb);
insert into good values
    ('bills', '{"entity": "charter", "external_id": "FX-1", "vendor": "V", "issued_on": "2026-12-01", "due_on": "2026-12-31",
                "amount": "10.00"}'),
    ('services', '{"external_id": "FX-1", "name": "N", "stack": "web", "active_from": "2026-12-01"}'),
    ('security_findings', '{"external_id": "FX-1", "service": "SVC-APP", "stack": "web", "severity": "low", "title": "T",
                            "found_on": "2026-12-01"}'),
    ('ux_issues', '{"external_id": "FX-1", "page": "/x", "severity": "low", "title": "T", "status": "open",
                    "opened_on": "2026-12-01"}'),
    ('repositories', '{"name": "fx-repo", "stack": "web"}'),
    ('deploys', '{"repository": "scc", "external_id": "FX-1", "deployed_at": "2026-12-01T10:00:00Z", "outcome": "success"}'),
    ('ci_runs', '{"repository": "scc", "external_id": "FX-1", "ran_at": "2026-12-01T10:00:00Z", "outcome": "passed"}'),
    ('channels', '{"slug": "fx_channel", "name": "N", "kind": "paid"}'),
    ('channel_listings', '{"entity": "quickdumpnow", "channel": "direct", "status": "not_started"}'),
    ('marketing_months', '{"entity": "quickdumpnow", "channel": "direct", "month": "2026-12-01"}'),
    ('seo_tasks', '{"entity": "charter", "external_id": "FX-1", "title": "T", "priority": "p1", "status": "todo"}'),
    ('targets', '{"entity": "quickdumpnow", "month": "2027-01-01", "revenue": "10.00", "expenses": "5.00"}'),
    ('assets', '{"entity": "charter", "external_id": "FX-1", "kind": "other", "name": "N"}'),
    ('action_items', '{"external_id": "FX-1", "title": "T", "owner": "O", "priority": "p1", "status": "open",
                       "opened_on": "2026-12-01"}');
select is((select array_agg(g.kind order by g.kind) from good as g),
          (select array_agg(k.kind::text order by k.kind) from pg_temp.kinds_042() as k),
          'a good row for every kind of 042, each named as its table');
create temp table breaks (kind text, con text, col text, code text, rows jsonb);
insert into breaks values
    ('bills', 'bills_amount_check', 'amount', 'zero_amount', '[{"amount": "0"}]'),
    ('bills', 'bills_amount_check', 'amount', 'invalid_amount', '[{"amount": "-1.00"}]'),
    ('bills', 'bills_currency_check', 'currency', 'invalid_currency', '[{"currency": "usd"}]'),
    ('bills', 'bills_dates_check', 'due_on', 'before_issued_on', '[{"due_on": "2026-11-30"}]'),
    ('bills', 'bills_dates_check', 'paid_on', 'before_issued_on', '[{"paid_on": "2026-11-30"}]'),
    ('bills', 'bills_entity_external_id_key', 'external_id', 'duplicate_key', '[{}, {"vendor": "W"}]'),
    ('bills', 'bills_entity_id_fkey', 'entity', 'unknown_entity', '[{"entity": "nowhere"}]'),
    ('bills', 'bills_external_id_check', 'external_id', 'external_id_too_long', format('[{"external_id": "%s"}]', repeat('x', 101))::jsonb),
    ('bills', 'bills_receipt_check', 'receipt', 'receipt_too_long', format('[{"receipt": "%s"}]', repeat('r', 501))::jsonb),
    ('bills', 'bills_vendor_check', 'vendor', 'vendor_too_long', format('[{"vendor": "%s"}]', repeat('v', 201))::jsonb),
    ('services', 'services_active_check', 'active_to', 'before_active_from', '[{"active_to": "2026-11-30"}]'),
    ('services', 'services_cost_check', 'monthly_cost', 'invalid_amount', '[{"monthly_cost": "-1.00"}]'),
    ('services', 'services_currency_check', 'currency', 'invalid_currency', '[{"currency": "EURO"}]'),
    ('services', 'services_external_id_check', 'external_id', 'external_id_too_long', format('[{"external_id": "%s"}]', repeat('x', 101))::jsonb),
    ('services', 'services_external_id_key', 'external_id', 'duplicate_key', '[{}, {"name": "M"}]'),
    ('services', 'services_name_check', 'name', 'name_too_long', format('[{"name": "%s"}]', repeat('n', 201))::jsonb),
    ('services', 'services_provider_check', 'provider', 'provider_too_long', format('[{"provider": "%s"}]', repeat('p', 201))::jsonb),
    ('services', 'services_stack_check', 'stack', 'invalid_stack', '[{"stack": "Web Hosting"}]'),
    ('security_findings', 'security_findings_external_id_check', 'external_id', 'external_id_too_long',
     format('[{"external_id": "%s"}]', repeat('x', 101))::jsonb),
    ('security_findings', 'security_findings_external_id_key', 'external_id', 'duplicate_key', '[{}, {"severity": "high"}]'),
    ('security_findings', 'security_findings_fixed_check', 'fixed_on', 'before_found_on', '[{"fixed_on": "2026-11-30"}]'),
    ('security_findings', 'security_findings_service_id_fkey', 'service', 'unknown_service', '[{"service": "SVC-404"}]'),
    ('security_findings', 'security_findings_severity_check', 'severity', 'invalid_severity', '[{"severity": "urgent"}]'),
    ('security_findings', 'security_findings_stack_check', 'stack', 'invalid_stack', '[{"stack": "CI"}]'),
    ('security_findings', 'security_findings_title_check', 'title', 'title_too_long', format('[{"title": "%s"}]', repeat('t', 201))::jsonb),
    ('ux_issues', 'ux_issues_closed_check', 'closed_on', 'closed_on_required', '[{"status": "fixed"}]'),
    ('ux_issues', 'ux_issues_closed_check', 'closed_on', 'closed_on_unexpected', '[{"closed_on": "2026-12-02"}]'),
    ('ux_issues', 'ux_issues_closed_check', 'closed_on', 'before_opened_on', '[{"status": "wontfix", "closed_on": "2026-11-30"}]'),
    ('ux_issues', 'ux_issues_external_id_check', 'external_id', 'external_id_too_long', format('[{"external_id": "%s"}]', repeat('x', 101))::jsonb),
    ('ux_issues', 'ux_issues_external_id_key', 'external_id', 'duplicate_key', '[{}, {"page": "/y"}]'),
    ('ux_issues', 'ux_issues_page_check', 'page', 'page_too_long', format('[{"page": "/%s"}]', repeat('p', 200))::jsonb),
    ('ux_issues', 'ux_issues_severity_check', 'severity', 'invalid_severity', '[{"severity": "minor"}]'),
    ('ux_issues', 'ux_issues_status_check', 'status', 'invalid_status', '[{"status": "closed", "closed_on": "2026-12-02"}]'),
    ('ux_issues', 'ux_issues_title_check', 'title', 'title_too_long', format('[{"title": "%s"}]', repeat('t', 201))::jsonb),
    ('repositories', 'repositories_name_check', 'name', 'invalid_name', '[{"name": "-bad name"}]'),
    ('repositories', 'repositories_name_key', 'name', 'duplicate_key', '[{}, {"stack": "data"}]'),
    ('repositories', 'repositories_stack_check', 'stack', 'invalid_stack', '[{"stack": "9web"}]'),
    ('deploys', 'deploys_external_id_check', 'external_id', 'external_id_too_long', format('[{"external_id": "%s"}]', repeat('x', 101))::jsonb),
    ('deploys', 'deploys_outcome_check', 'outcome', 'invalid_outcome', '[{"outcome": "ok"}]'),
    ('deploys', 'deploys_repository_external_id_key', 'external_id', 'duplicate_key', '[{}, {"outcome": "failed"}]'),
    ('deploys', 'deploys_repository_id_fkey', 'repository', 'unknown_repository', '[{"repository": "nowhere/none"}]'),
    ('ci_runs', 'ci_runs_external_id_check', 'external_id', 'external_id_too_long', format('[{"external_id": "%s"}]', repeat('x', 101))::jsonb),
    ('ci_runs', 'ci_runs_outcome_check', 'outcome', 'invalid_outcome', '[{"outcome": "success"}]'),
    ('ci_runs', 'ci_runs_repository_external_id_key', 'external_id', 'duplicate_key', '[{}, {"outcome": "failed"}]'),
    ('ci_runs', 'ci_runs_repository_id_fkey', 'repository', 'unknown_repository', '[{"repository": "SCC"}]'),
    ('channels', 'channels_kind_check', 'kind', 'invalid_kind', '[{"kind": "tv"}]'),
    ('channels', 'channels_name_check', 'name', 'name_too_long', format('[{"name": "%s"}]', repeat('n', 101))::jsonb),
    ('channels', 'channels_pkey', 'slug', 'duplicate_key', '[{}, {"name": "M"}]'),
    ('channels', 'channels_sequence_check', 'sequence', 'invalid_number', '[{"sequence": "21"}]'),
    ('channels', 'channels_sequence_check', 'sequence', 'invalid_number', '[{"sequence": "0"}]'),
    ('channels', 'channels_slug_check', 'slug', 'invalid_slug', '[{"slug": "Google Ads"}]'),
    ('channel_listings', 'channel_listings_channel_fkey', 'channel', 'unknown_channel', '[{"channel": "tiktok"}]'),
    ('channel_listings', 'channel_listings_entity_id_fkey', 'entity', 'unknown_entity', '[{"entity": "nowhere"}]'),
    ('channel_listings', 'channel_listings_listed_check', 'listed_on', 'listed_on_required', '[{"status": "live"}]'),
    ('channel_listings', 'channel_listings_note_check', 'note', 'note_too_long', format('[{"note": "%s"}]', repeat('n', 1001))::jsonb),
    ('channel_listings', 'channel_listings_pkey', 'channel', 'duplicate_key', '[{}, {"status": "paused"}]'),
    ('channel_listings', 'channel_listings_status_check', 'status', 'invalid_status', '[{"status": "hidden"}]'),
    ('channel_listings', 'channel_listings_url_check', 'url', 'invalid_url', '[{"url": "http://qdn.example"}]'),
    ('channel_listings', 'channel_listings_url_check', 'url', 'url_too_long', format('[{"url": "https://%s"}]', repeat('u', 493))::jsonb),
    ('marketing_months', 'marketing_months_channel_fkey', 'channel', 'unknown_channel', '[{"channel": "tiktok"}]'),
    ('marketing_months', 'marketing_months_counts_check', 'spend', 'invalid_amount', '[{"spend": "-1.00"}]'),
    ('marketing_months', 'marketing_months_counts_check', 'visits', 'invalid_number', '[{"visits": "-1"}]'),
    ('marketing_months', 'marketing_months_counts_check', 'bookings', 'invalid_number', '[{"bookings": "-2"}]'),
    ('marketing_months', 'marketing_months_currency_check', 'currency', 'invalid_currency', '[{"currency": "$"}]'),
    ('marketing_months', 'marketing_months_entity_id_fkey', 'entity', 'unknown_entity', '[{"entity": "nowhere"}]'),
    ('marketing_months', 'marketing_months_month_check', 'month', 'invalid_month', '[{"month": "2026-12-15"}]'),
    ('marketing_months', 'marketing_months_pkey', 'month', 'duplicate_key', '[{}, {"visits": "3"}]'),
    ('seo_tasks', 'seo_tasks_done_check', 'done_on', 'done_on_required', '[{"status": "done"}]'),
    ('seo_tasks', 'seo_tasks_done_check', 'done_on', 'done_on_unexpected', '[{"status": "doing", "done_on": "2026-12-02"}]'),
    ('seo_tasks', 'seo_tasks_entity_external_id_key', 'external_id', 'duplicate_key', '[{}, {"priority": "p2"}]'),
    ('seo_tasks', 'seo_tasks_entity_id_fkey', 'entity', 'unknown_entity', '[{"entity": "nowhere"}]'),
    ('seo_tasks', 'seo_tasks_external_id_check', 'external_id', 'external_id_too_long', format('[{"external_id": "%s"}]', repeat('x', 101))::jsonb),
    ('seo_tasks', 'seo_tasks_priority_check', 'priority', 'invalid_priority', '[{"priority": "high"}]'),
    ('seo_tasks', 'seo_tasks_status_check', 'status', 'invalid_status', '[{"status": "blocked"}]'),
    ('seo_tasks', 'seo_tasks_title_check', 'title', 'title_too_long', format('[{"title": "%s"}]', repeat('t', 201))::jsonb),
    ('targets', 'targets_amounts_check', 'revenue', 'invalid_amount', '[{"revenue": "-1.00"}]'),
    ('targets', 'targets_amounts_check', 'expenses', 'invalid_amount', '[{"expenses": "-0.01"}]'),
    ('targets', 'targets_amounts_check', 'bookings', 'invalid_number', '[{"bookings": "-1"}]'),
    ('targets', 'targets_currency_check', 'currency', 'invalid_currency', '[{"currency": "US$"}]'),
    ('targets', 'targets_entity_id_fkey', 'entity', 'unknown_entity', '[{"entity": "nowhere"}]'),
    ('targets', 'targets_month_check', 'month', 'invalid_month', '[{"month": "2027-01-31"}]'),
    ('targets', 'targets_pkey', 'month', 'duplicate_key', '[{}, {"revenue": "20.00"}]'),
    ('assets', 'assets_amounts_check', 'cost', 'invalid_amount', '[{"cost": "-5.00"}]'),
    ('assets', 'assets_amounts_check', 'value', 'invalid_amount', '[{"value": "-1.00"}]'),
    ('assets', 'assets_currency_check', 'currency', 'invalid_currency', '[{"currency": "usd"}]'),
    ('assets', 'assets_entity_external_id_key', 'external_id', 'duplicate_key', '[{}, {"kind": "boat"}]'),
    ('assets', 'assets_entity_id_fkey', 'entity', 'unknown_entity', '[{"entity": "nowhere"}]'),
    ('assets', 'assets_external_id_check', 'external_id', 'external_id_too_long', format('[{"external_id": "%s"}]', repeat('x', 101))::jsonb),
    ('assets', 'assets_kind_check', 'kind', 'invalid_kind', '[{"kind": "car"}]'),
    ('assets', 'assets_name_check', 'name', 'name_too_long', format('[{"name": "%s"}]', repeat('n', 201))::jsonb),
    ('assets', 'assets_note_check', 'note', 'note_too_long', format('[{"note": "%s"}]', repeat('n', 1001))::jsonb),
    ('action_items', 'action_items_dates_check', 'due_on', 'before_opened_on', '[{"due_on": "2026-11-30"}]'),
    ('action_items', 'action_items_dates_check', 'done_on', 'before_opened_on', '[{"status": "done", "done_on": "2026-11-30"}]'),
    ('action_items', 'action_items_done_check', 'done_on', 'done_on_required', '[{"status": "dropped"}]'),
    ('action_items', 'action_items_done_check', 'done_on', 'done_on_unexpected', '[{"status": "doing", "done_on": "2026-12-02"}]'),
    ('action_items', 'action_items_entity_id_fkey', 'entity', 'unknown_entity', '[{"entity": "nowhere"}]'),
    ('action_items', 'action_items_external_id_check', 'external_id', 'external_id_too_long', format('[{"external_id": "%s"}]', repeat('x', 101))::jsonb),
    ('action_items', 'action_items_external_id_key', 'external_id', 'duplicate_key', '[{}, {"entity": "charter"}]'),
    ('action_items', 'action_items_owner_check', 'owner', 'owner_too_long', format('[{"owner": "%s"}]', repeat('o', 201))::jsonb),
    ('action_items', 'action_items_priority_check', 'priority', 'invalid_priority', '[{"priority": "p0"}]'),
    ('action_items', 'action_items_status_check', 'status', 'invalid_status', '[{"status": "closed"}]'),
    ('action_items', 'action_items_title_check', 'title', 'title_too_long', format('[{"title": "%s"}]', repeat('t', 201))::jsonb);

\ir lib/import_fixtures.psql

select results_eq($$select g.kind, pg_temp.fixture_apply((g.kind, 'x', 'x', 'x', '[{}]')::breaks),
                           pg_temp.fixture_import((g.kind, 'x', 'x', 'x', '[{}]')::breaks)
                      from good as g order by g.kind$$,
                  $$select g.kind, 'applied', 'applied' from good as g order by g.kind$$,
                  'the good row of each kind passes the checks and applies');
select results_eq($$select b.con, b.col, pg_temp.fixture_import(b) from breaks as b order by b.kind, b.con, b.col, b.code$$,
                  $$select b.con, b.col, format('%s:%s:%s', 1 + jsonb_array_length(b.rows), b.col, b.code)
                      from breaks as b order by b.kind, b.con, b.col, b.code$$,
                  'each constraint''s breaking rows are refused with one error: the last row''s line, the column, the code');
select results_eq($$select b.con, b.code, pg_temp.fixture_apply(b) from breaks as b
                     where b.con !~ '_fkey$' order by b.kind, b.con, b.col, b.code$$,
                  $$select b.con, b.code, case when b.con ~ '_p?key$' then 'key twice' else b.con end from breaks as b
                     where b.con !~ '_fkey$' order by b.kind, b.con, b.col, b.code$$,
                  'and those rows, applied without the checks, break exactly that constraint (a key twice: the upsert refuses)');
select is((select array_agg(x order by x) from (select distinct b.con as x from breaks as b) as d),
          (select array_agg(c.conname::text order by c.conname::text) from pg_constraint as c
            where c.conrelid in (select format('scc.%s', g.kind)::regclass from good as g)
              and not (c.contype = 'p' and c.conkey = array[(select a.attnum from pg_attribute as a
                                                              where a.attrelid = c.conrelid and a.attname = 'id')])),
          'every named constraint of the tables of 042''s kinds but the primary keys on a surrogate id (the natural ones are import keys) has its breaking rows');

-- the shared rules' messages
select is(array(select e ->> 'message' from jsonb_array_elements(scc.import_csv('seo_tasks',
                  E'entity,external_id,title,priority,status,due_on,done_on\n'
                  'charter,M-1,T,p1,done,,\ncharter,M-2,T,p1,todo,,2026-12-02', null, 'm.csv') -> 'errors') as e),
          array['status done has its done_on: a date, YYYY-MM-DD',
                'status todo has no done_on (only done has one): leave it empty or change the status'],
          'a date a status needs, and one it does not have: their messages');
select is((select e ->> 'message' from jsonb_array_elements(scc.import_csv('targets',
                  E'entity,month,currency,revenue,expenses,bookings\ncharter,2027-02-14,,1.00,1.00,', null, 'm.csv') -> 'errors') as e),
          'month 2027-02-14 is not the first day of a month: 2027-02-01', 'a month not on its first day: the message names it');

-- ---------------------------------------------------------------------------
-- malformed files are refused whole, every error by line and column:
-- references to unknown rows, a bad moment, a bad value, a key twice; and
-- nothing of the file is applied, not even its good rows
-- ---------------------------------------------------------------------------
select results_eq($$select * from pg_temp.errors('deploys', E'repository,external_id,deployed_at,outcome\n'
                    'scc,X-1,2026-12-01T10:00:00Z,success\n'
                    'nowhere/none,X-2,2026-12-01T10:00:00Z,success\n'
                    'scc,X-3,2026-12-01 10:00,success\n'
                    'scc,X-4,2026-12-01T10:00:00Z,deployed\n'
                    'scc,X-1,2026-12-02T10:00:00Z,failed\n'
                    'scc-site,X-1,2026-12-02T10:00:00Z,success')$$,
                  $$values (3, 'repository', 'unknown_repository'), (4, 'deployed_at', 'invalid_timestamp'),
                           (5, 'outcome', 'invalid_outcome'), (6, 'external_id', 'duplicate_key')$$,
                  'deploys: an unknown repository, a moment without its zone, an unknown outcome, a key twice (the same id in another repository is another key)');
select results_eq($$select * from pg_temp.errors('channel_listings', E'entity,channel,status,listed_on,url,note\n'
                    'expert-yacht-delivery,direct,live,2026-12-01,https://eyd.example,\n'
                    'expert-yacht-delivery,tiktok,not_started,,,\n'
                    'nowhere,airbnb,live,,,')$$,
                  $$values (3, 'channel', 'unknown_channel'), (4, 'entity', 'unknown_entity')$$,
                  'listings: a channel no file has added; an unknown entity (the live listing''s missing date waits for the values to be right)');
select is((select array[(select count(*) from scc.deploys where external_id like 'X-%'),
                        (select count(*) from scc.channel_listings as l join scc.entities as n on n.id = l.entity_id
                          where n.slug = 'expert-yacht-delivery')]::bigint[]),
          array[0, 0]::bigint[], 'nothing of a refused file is applied, not even its good rows');

select * from finish();
rollback;
