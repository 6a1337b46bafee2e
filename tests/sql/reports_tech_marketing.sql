-- reports_tech_marketing.sql — the CTO and CMO reports
-- (037_reports_tech_marketing.sql) on small fixtures worked out by hand:
-- findings open, new, fixed and past their SLA, MTTR, services' cost
-- spread over active days, unit costs (and n/a without emails), UX,
-- CI/CD per repository, the derived actions; the channel matrix, mix and
-- effective commission, CAC, the funnel, ROAS and MER, the marketplace
-- sequence, SEO tasks.
-- Runs as the superuser inside a rolled-back transaction.
begin;
create extension if not exists pgtap;
select plan(34);

insert into scc.entities (slug, name, kind) values ('charter', 'Charter', 'charter') on conflict (slug) do nothing;
create function pg_temp.ent(slug text) returns bigint language sql as $$
    select id from scc.entities as e where e.slug = ent.slug
$$;
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
-- other tests' and the demo's rows must not count here
delete from scc.security_findings; delete from scc.ux_issues; delete from scc.ci_runs; delete from scc.deploys;
delete from scc.repositories; delete from scc.services; delete from scc.seo_tasks; delete from scc.channel_listings;
delete from scc.marketing_months; delete from scc.bookings;

-- ---------------------------------------------------------------------------
-- CTO, October 2026
-- ---------------------------------------------------------------------------
-- F1 open 42 days (SLA 7: breached), F2 fixed in 10 days, F3 fixed after
-- 136 (SLA 90: breached), F4 open 7 days, F5 fixed before October.
insert into scc.security_findings (external_id, stack, severity, title, found_on, fixed_on) values
    ('F1', 'web', 'critical', 'Open redirect', '2026-09-20', null),
    ('F2', 'web', 'high', 'Missing CSP', '2026-10-10', '2026-10-20'),
    ('F3', 'data', 'medium', 'Backups unencrypted', '2026-06-01', '2026-10-15'),
    ('F4', 'email', 'low', 'SPF softfail', '2026-10-25', null),
    ('F5', 'web', 'high', 'Old TLS', '2026-08-01', '2026-09-15');
insert into scc.services (external_id, name, stack, provider, monthly_cost_cents, active_from, active_to) values
    ('S1', 'Hosting', 'hosting', 'Hetzner', 3100, '2026-01-01', null),
    ('S2', 'Email', 'email', 'SES', 3000, '2026-10-16', null),
    ('S3', 'CI', 'ci', 'Builder', 9000, '2026-01-01', '2026-09-30');
insert into scc.ux_issues (external_id, page, severity, title, status, opened_on, closed_on) values
    ('U1', '/event', 'critical', 'Claim button hidden on phones', 'open', '2026-10-01', null),
    ('U2', '/signin', 'low', 'Label wording', 'fixed', '2026-09-01', '2026-10-05');
insert into scc.repositories (name, stack) values ('scc', 'web'), ('site', 'web'), ('ops', 'hosting');
insert into scc.ci_runs (repository_id, external_id, ran_at, outcome)
select r.id, r.name || n, '2026-10-10 12:00+00'::timestamptz + n * interval '1 hour', o
  from scc.repositories as r,
       lateral unnest(case r.name when 'scc' then array['passed', 'passed', 'passed', 'passed', 'failed']
                                  when 'ops' then array['passed', 'failed', 'failed'] end) with ordinality as x (o, n);
insert into scc.deploys (repository_id, external_id, deployed_at, outcome)
select r.id, 'D' || n, '2026-10-12 12:00+00'::timestamptz + n * interval '1 day', o
  from scc.repositories as r,
       unnest(array['success', 'success', 'rolled_back', 'success']) with ordinality as x (o, n)
 where r.name = 'scc';
insert into scc.bookings (entity_id, external_id, channel, sail_on, booked_at, status, gross_cents,
                          commission_cents, fees_cents, cancellation_cause) values
    (pg_temp.ent('charter'), 'B1', 'direct', '2026-11-20', '2026-10-02 10:00+00', 'confirmed', 100000, 0, 3000, null),
    (pg_temp.ent('charter'), 'B2', 'sailo', '2026-11-21', '2026-10-03 10:00+00', 'confirmed', 200000, 30000, 0, null),
    (pg_temp.ent('charter'), 'B3', 'sailo', '2026-11-22', '2026-10-04 10:00+00', 'confirmed', 100000, 15000, 0, null),
    (pg_temp.ent('charter'), 'B4', 'sailo', '2026-11-23', '2026-10-05 10:00+00', 'cancelled', 50000, 0, 0, 'customer'),
    (pg_temp.ent('charter'), 'B5', 'direct', '2026-10-20', '2026-09-30 10:00+00', 'confirmed', 70000, 0, 0, null);

create temp table c as select scc_report.cto(scc.report_period('2026-10', 'UTC')) as j;
select is((select pg_temp.fig(j, 'findings', 'findings_open') from c), '2', 'cto: F1 and F4 open at the end');
select is((select pg_temp.fig(j, 'findings', 'findings_new') from c), '2', 'cto: F2 and F4 found in October');
select is((select pg_temp.fig(j, 'findings', 'findings_fixed') from c), '2', 'cto: F2 and F3 fixed in October');
select is((select pg_temp.fig(j, 'findings', 'sla_breaches') from c), '2', 'cto: F1 open past 7 days, F3 fixed past 90');
select is((select pg_temp.tab(j, 'findings') from c), '[["email", 0, 0, 0, 1, 1], ["web", 1, 0, 0, 0, 1]]',
          'cto: open findings by stack and severity');
select is((select pg_temp.tab(j, 'mttr') from c),
          '[["critical", 7, 0, null, 0, 1], ["high", 30, 1, 10.0, 0, 0], ["medium", 90, 1, 136.0, 1, 0], ["low", 180, 0, null, 0, 0]]',
          'cto: MTTR and lateness by severity');
select is((select pg_temp.fig(j, 'costs', 'service_cost') from c), '4648', 'cto: 3100 + 16 days of 3000 / 31');
select is((select pg_temp.tab(j, 'costs') from c),
          '[["Hosting", "hosting", "Hetzner", 3100, 3100], ["Email", "email", "SES", 3000, 1548]]',
          'cto: each service''s cost in October (CI ended in September)');
select is((select pg_temp.fig(j, 'costs', 'cost_per_booking') from c), '1162', 'cto: 4648.39 / 4 bookings made in October');
select is((select pg_temp.fig(j, 'costs', 'cost_per_email') from c), 'null', 'cto: no email sent: per email n/a');
select is((select pg_temp.fig(j, 'ux', 'ux_open') from c), '1', 'cto: U1 open');
select is((select pg_temp.fig(j, 'ux', 'ux_fixed') from c), '1', 'cto: U2 fixed in October');
select is((select pg_temp.tab(j, 'cicd') from c),
          '[["ops", 3, 0.6667, 0, 0], ["scc", 5, 0.2000, 4, 1], ["site", 0, null, 0, 0]]', 'cto: CI/CD per repository');
select is((select pg_temp.fig(j, 'cicd', 'without_ci') from c), '1', 'cto: site has no CI run');
select is((select pg_temp.fig(j, 'cicd', 'ci_failure_rate') from c), '0.3750', 'cto: 3 of 8 runs failed');
select is((select pg_temp.fig(j, 'cicd', 'deploys_per_week') from c), '0.90', 'cto: 4 deploys x 7 / 31 days');
select is((select pg_temp.fig(j, 'cicd', 'change_failure_rate') from c), '0.2500', 'cto: 1 of 4 deploys rolled back');
select is((select pg_temp.tab(j, 'actions') from c),
          '[[1, "Fix critical finding F1 (web): Open redirect", "42 days open, SLA 7 days"],
            [2, "Add CI checks to site", "no CI run in the period"],
            [3, "Fix critical UX issue on /event: Claim button hidden on phones", "31 days open"],
            [4, "Stabilise the builds of ops", "67 % of CI runs failed"]]', 'cto: the derived actions, ranked');
select is((select jsonb_array_length(j -> 'csv' -> 'rows') from c), 2, 'cto: the CSV lists the open findings');

-- ---------------------------------------------------------------------------
-- CMO, October 2026
-- ---------------------------------------------------------------------------
insert into scc.channel_listings (entity_id, channel, status, listed_on) values
    (pg_temp.ent('charter'), 'sailo', 'live', '2026-03-01'),
    (pg_temp.ent('charter'), 'getmyboat', 'in_progress', null);
insert into scc.marketing_months (entity_id, channel, month, spend_cents, visits, inquiries, quotes, bookings) values
    (pg_temp.ent('charter'), 'direct', '2026-10-01', 20000, 1000, 50, 20, 5),
    (pg_temp.ent('charter'), 'sailo', '2026-10-01', 0, 400, 20, 10, 2),
    (pg_temp.ent('charter'), 'direct', '2026-11-01', 99999, 1, 1, 1, 1);
insert into scc.seo_tasks (entity_id, external_id, title, priority, status, due_on, done_on) values
    (pg_temp.ent('charter'), 'T1', 'Claim the Google Business profile', 'p1', 'todo', '2026-11-15', null),
    (pg_temp.ent('charter'), 'T2', 'Citations on harbour sites', 'p2', 'done', null, '2026-10-10');
update scc.bookings set booked_at = '2026-09-29 10:00+00' where external_id = 'B5';

create temp table m as select scc_report.cmo(scc.report_period('2026-10', 'UTC')) as j;
select is((select r - 0 from m, jsonb_array_elements(pg_temp.tab(j, 'visibility')) as r
            where r ->> 0 = (select name from scc.entities where slug = 'charter')),
          '["live", "in_progress", "not_listed", "not_listed"]', 'cmo: the charter row of the matrix');
select is((select pg_temp.fig(j, 'channel_mix', 'bookings') from m), '3', 'cmo: three bookings made (B4 cancelled, B5 in September)');
select is((select pg_temp.fig(j, 'channel_mix', 'effective_commission') from m), '0.1200', 'cmo: 48000 / 400000');
select is((select pg_temp.tab(j, 'channel_mix') from m),
          '[["Sailo", 2, 0.6667, 300000, 0.7500, 45000, 0.1500], ["Direct", 1, 0.3333, 100000, 0.2500, 3000, 0.0300]]',
          'cmo: the mix by channel');
select is((select pg_temp.tab(j, 'cac') from m), '[["Direct", 20000, 3000, 1, 23000], ["Sailo", 0, 45000, 2, 22500]]',
          'cmo: CAC by channel (a marketplace''s is its cut)');
select is((select pg_temp.fig(j, 'cac', 'cac') from m), '22667', 'cmo: blended (20000 + 48000) / 3');
select is((select pg_temp.fig(j, 'funnel', 'visits') from m), '1400', 'cmo: visits of October only');
select is((select pg_temp.fig(j, 'funnel', 'quote_rate') from m), '0.4286', 'cmo: 30 / 70');
select is((select pg_temp.fig(j, 'funnel', 'conversion') from m), '0.0050', 'cmo: 7 / 1400');
select is((select pg_temp.tab(j, 'roas') from m), '[["Direct", 20000, 100000, 5.0000]]', 'cmo: ROAS of the channel with spend');
select is((select pg_temp.fig(j, 'roas', 'mer') from m), '20.0000', 'cmo: MER 400000 / 20000');
select is((select pg_temp.fig(j, 'sequence', 'next_channel') from m), '"GetMyBoat"', 'cmo: GetMyBoat is next');
select is((select pg_temp.tab(j, 'sequence') from m),
          '[[1, "Sailo", "live", "2026-03-01"], [2, "GetMyBoat", "in_progress", null],
            [3, "GetYourGuide", "not_listed", null], [3, "Viator", "not_listed", null]]', 'cmo: the sequence');
select is((select pg_temp.fig(j, 'seo', 'seo_done') from m), '1', 'cmo: one SEO task done in October');
select is((select pg_temp.fig(scc_report.cmo(scc.report_period('2020-01', 'UTC')), 'roas', 'mer')), 'null',
          'cmo: MER without spend is n/a');

select * from finish();
rollback;
