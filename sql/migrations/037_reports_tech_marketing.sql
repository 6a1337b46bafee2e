-- 037_reports_tech_marketing.sql — the CTO and CMO reports computed from
-- 034's technology and marketing data (the CMO's charter sections stay
-- 033's scc_report.charter_figures).  Formulas: sql/README.md ("Report
-- formulas"); each figure carries its own.
--
-- Decisions:
--   * A finding or UX issue is open at the period's end when it was found
--     before the end and not fixed before it.  An SLA breach is a finding
--     open at the end longer than its severity's days
--     (scc.finding_sla_days), or one fixed in the period after them.
--   * A service's cost in a period is its monthly cost spread over the
--     days of each month it was active in the period (a 30-day month's
--     day is a thirtieth of the monthly cost), so periods of any length
--     and services started mid-month add up.
--   * The CTO's ten actions are derived, never typed: breached and open
--     critical or high findings, repositories without CI runs in the
--     period, repositories failing more than a fifth of their runs, open
--     critical or high UX issues; ranked by severity, then age.
--   * Marketing figures are per channel across entities (the funnel and
--     spend are recorded per entity and channel, per month: a period
--     takes the months that start inside it).  A sale belongs to the
--     period it was booked in (booked_at), not the day it sails.  CAC is
--     what a booking cost to win through a channel: (spend + commission
--     + fees) ÷ bookings made through it, so a marketplace's CAC is its
--     cut; ROAS is those bookings' gross ÷ the channel's spend (n/a
--     without spend); MER is all bookings' gross ÷ all spend.

-- scc_report.email_delivery(p): the outbox in the period by fate (033's
-- CTO section, kept as its own function).
create function scc_report.email_delivery(p scc.report_span)
returns jsonb
language sql
stable
security definer
set search_path = pg_catalog, scc
as $$
    with i as (select from_at, until_at from scc.report_instants(p)),
    o as (
        select count(*) filter (where x.status = 'sent')::int as sent,
               count(*) filter (where x.status = 'failed')::int as failed,
               count(*) filter (where x.status = 'unknown')::int as unknown
          from scc.email_outbox as x, i
         where x.created_at >= i.from_at and x.created_at < i.until_at
    )
    select jsonb_build_object('id', 'email', 'title', 'Email delivery',
        'figures', jsonb_build_array(
            scc.report_figure('emails_sent', 'Emails sent', o.sent, 'count',
                'outbox rows created in the period and sent', 'scc.email_outbox'),
            scc.report_figure('emails_failed', 'Emails failed', o.failed, 'count',
                'outbox rows created in the period that failed', 'scc.email_outbox'),
            scc.report_figure('emails_unknown', 'Emails of unknown fate', o.unknown, 'count',
                'outbox rows created in the period left unknown (a crash or timeout mid-send)', 'scc.email_outbox'),
            scc.report_figure('email_failure_rate', 'Email failure rate',
                scc.report_ratio(o.failed + o.unknown, o.sent + o.failed + o.unknown), 'ratio',
                '(failed + unknown) / (sent + failed + unknown)', 'scc.email_outbox')))
      from o
$$;
comment on function scc_report.email_delivery(scc.report_span) is
    'the CTO''s email delivery section: outbox rows of the period sent, failed, unknown, and the failure rate';
revoke all on function scc_report.email_delivery(scc.report_span) from public;

-- scc.service_cost(s, a, b): what service s cost over [a, b), its
-- monthly cost spread over the days of each month it was active.
create function scc.service_cost(s scc.services, a date, b date)
returns numeric
language sql
stable
as $$
    select coalesce(sum(s.monthly_cost_cents::numeric
                        / extract(day from date_trunc('month', d) + interval '1 month' - interval '1 day')), 0)
      from scc.report_days(greatest(a, s.active_from), least(b, coalesce(s.active_to + 1, b))) as d
$$;
comment on function scc.service_cost(scc.services, date, date) is
    'a service''s cost over [a, b): each active day costs its month''s share of the monthly cost (fractional cents)';

-- scc.findings_open_at(day): the findings open when `day` began (found
-- before it, not fixed before it), with their age then in days and their
-- severity's SLA.
create function scc.findings_open_at(day date)
returns table (stack text, severity text, external_id text, title text, found_on date, age integer, sla integer)
language sql
stable
as $$
    select f.stack, f.severity, f.external_id, f.title, f.found_on, day - f.found_on,
           scc.finding_sla_days(f.severity)
      from scc.security_findings as f
     where f.found_on < day and (f.fixed_on is null or f.fixed_on >= day)
$$;
comment on function scc.findings_open_at(date) is
    'security findings open when a day began, with their age in days and their SLA in days';

-- ---------------------------------------------------------------------------
-- CTO
-- ---------------------------------------------------------------------------

create or replace function scc_report.cto(p scc.report_span)
returns jsonb
language plpgsql
stable
security definer
set search_path = pg_catalog, scc
as $$
declare
    t          record;
    n_open     int;
    n_new      int;
    n_fixed    int;
    n_breach   int;
    by_stack   jsonb;
    by_sev     jsonb;
    mttr       jsonb;
    cost       numeric;
    services   jsonb;
    by_cost    jsonb;
    n_book     int;
    n_mail     int;
    ux_open    int;
    ux_new     int;
    ux_fixed   int;
    ux_rows    jsonb;
    repos      jsonb;
    n_repos    int;
    no_ci      int;
    ci_fail    numeric;
    deploys    int;
    dep_fail   int;
    actions    jsonb;
    rows_csv   jsonb;
begin
    select i.from_at, i.until_at into t from scc.report_instants(p) as i;

    -- findings open at the end, new and fixed in the period, breaches
    select count(*)::int into n_open from scc.findings_open_at(p.ends);
    select count(*) filter (where f.found_on >= p.starts and f.found_on < p.ends)::int,
           count(*) filter (where f.fixed_on >= p.starts and f.fixed_on < p.ends)::int,
           count(*) filter (where f.fixed_on >= p.starts and f.fixed_on < p.ends
                              and f.fixed_on - f.found_on > scc.finding_sla_days(f.severity))::int
      into n_new, n_fixed, n_breach
      from scc.security_findings as f;
    n_breach := n_breach + (select count(*) from scc.findings_open_at(p.ends) as o where o.age > o.sla);

    select coalesce(jsonb_agg(jsonb_build_array(x.stack, x.critical, x.high, x.medium, x.low, x.total)
                              order by x.total desc, x.stack), '[]')
      into by_stack
      from (select o.stack,
                   count(*) filter (where o.severity = 'critical')::int as critical,
                   count(*) filter (where o.severity = 'high')::int as high,
                   count(*) filter (where o.severity = 'medium')::int as medium,
                   count(*) filter (where o.severity = 'low')::int as low,
                   count(*)::int as total
              from scc.findings_open_at(p.ends) as o group by o.stack) as x;

    select jsonb_agg(jsonb_build_object('label', s.severity,
                                        'value', (select count(*) from scc.findings_open_at(p.ends) as o where o.severity = s.severity))
                     order by s.ord)
      into by_sev
      from unnest(array['critical', 'high', 'medium', 'low']) with ordinality as s (severity, ord);

    select jsonb_agg(jsonb_build_array(s.severity, scc.finding_sla_days(s.severity), coalesce(x.n, 0), x.mttr,
                                       coalesce(x.late, 0),
                                       (select count(*) from scc.findings_open_at(p.ends) as o where o.severity = s.severity and o.age > o.sla))
                     order by s.ord)
      into mttr
      from unnest(array['critical', 'high', 'medium', 'low']) with ordinality as s (severity, ord)
      left join (select f.severity, count(*)::int as n, round(avg(f.fixed_on - f.found_on), 1) as mttr,
                        count(*) filter (where f.fixed_on - f.found_on > scc.finding_sla_days(f.severity))::int as late
                   from scc.security_findings as f
                  where f.fixed_on >= p.starts and f.fixed_on < p.ends
                  group by f.severity) as x on x.severity = s.severity;

    -- what the services cost in the period
    select coalesce(sum(x.c), 0),
           coalesce(jsonb_agg(jsonb_build_array(x.name, x.stack, x.provider, x.monthly, round(x.c)::bigint)
                              order by x.c desc, x.name) filter (where x.c > 0), '[]')
      into cost, services
      from (select s.name, s.stack, s.provider, s.monthly_cost_cents as monthly, scc.service_cost(s, p.starts, p.ends) as c
              from scc.services as s) as x;

    select coalesce(jsonb_agg(jsonb_build_object('label', x.stack, 'value', round(x.c)::bigint) order by x.c desc, x.stack), '[]')
      into by_cost
      from (select s.stack, sum(scc.service_cost(s, p.starts, p.ends)) as c from scc.services as s group by s.stack) as x
     where x.c > 0;

    select count(*)::int into n_book from scc.bookings as b
     where b.booked_at >= t.from_at and b.booked_at < t.until_at;
    select count(*)::int into n_mail from scc.email_outbox as o
     where o.status = 'sent' and o.created_at >= t.from_at and o.created_at < t.until_at;

    -- UX
    select count(*) filter (where u.opened_on < p.ends and (u.closed_on is null or u.closed_on >= p.ends))::int,
           count(*) filter (where u.opened_on >= p.starts and u.opened_on < p.ends)::int,
           count(*) filter (where u.status = 'fixed' and u.closed_on >= p.starts and u.closed_on < p.ends)::int
      into ux_open, ux_new, ux_fixed
      from scc.ux_issues as u;

    select coalesce(jsonb_agg(jsonb_build_array(u.page, u.severity, u.title, p.ends - u.opened_on)
                              order by array_position(array['critical', 'high', 'medium', 'low'], u.severity),
                                       u.opened_on, u.external_id), '[]')
      into ux_rows
      from scc.ux_issues as u
     where u.opened_on < p.ends and (u.closed_on is null or u.closed_on >= p.ends);

    -- CI/CD per repository
    select coalesce(jsonb_agg(jsonb_build_array(x.name, x.runs, scc.report_ratio(x.failed, x.runs), x.deploys, x.bad)
                              order by x.name), '[]'),
           count(*)::int, count(*) filter (where x.runs = 0)::int,
           scc.report_ratio(sum(x.failed), sum(x.runs)), coalesce(sum(x.deploys), 0)::int, coalesce(sum(x.bad), 0)::int
      into repos, n_repos, no_ci, ci_fail, deploys, dep_fail
      from (select r.name,
                   (select count(*) from scc.ci_runs as c
                     where c.repository_id = r.id and c.outcome <> 'cancelled'
                       and c.ran_at >= t.from_at and c.ran_at < t.until_at)::int as runs,
                   (select count(*) from scc.ci_runs as c
                     where c.repository_id = r.id and c.outcome = 'failed'
                       and c.ran_at >= t.from_at and c.ran_at < t.until_at)::int as failed,
                   (select count(*) from scc.deploys as d
                     where d.repository_id = r.id and d.deployed_at >= t.from_at and d.deployed_at < t.until_at)::int as deploys,
                   (select count(*) from scc.deploys as d
                     where d.repository_id = r.id and d.outcome <> 'success'
                       and d.deployed_at >= t.from_at and d.deployed_at < t.until_at)::int as bad
              from scc.repositories as r where r.active) as x;

    -- the ten actions: rank 1 breached critical/high findings, 2 other open
    -- critical/high findings, 3 repositories without CI, 4 critical/high
    -- UX issues, 5 repositories failing over a fifth of their runs
    select coalesce(jsonb_agg(jsonb_build_array(a.n, a.action, a.why) order by a.n), '[]')
      into actions
      from (select row_number() over (order by c.rank, c.sev, c.age desc, c.action) as n, c.action, c.why
              from (select case when o.age > o.sla then 1 else 2 end as rank,
                           array_position(array['critical', 'high'], o.severity) as sev, o.age,
                           'Fix ' || o.severity || ' finding ' || o.external_id || ' (' || o.stack || '): ' || o.title as action,
                           o.age || ' days open, SLA ' || o.sla || ' days' as why
                      from scc.findings_open_at(p.ends) as o where o.severity in ('critical', 'high')
                    union all
                    select 3, 0, 0, 'Add CI checks to ' || (r ->> 0), 'no CI run in the period'
                      from jsonb_array_elements(repos) as r where (r ->> 1)::int = 0
                    union all
                    select 4, array_position(array['critical', 'high'], u ->> 1), (u ->> 3)::int,
                           'Fix ' || (u ->> 1) || ' UX issue on ' || (u ->> 0) || ': ' || (u ->> 2),
                           (u ->> 3) || ' days open'
                      from jsonb_array_elements(ux_rows) as u where u ->> 1 in ('critical', 'high')
                    union all
                    select 5, 0, 0, 'Stabilise the builds of ' || (r ->> 0),
                           round((r ->> 2)::numeric * 100) || ' % of CI runs failed'
                      from jsonb_array_elements(repos) as r where (r ->> 2)::numeric > 0.2) as c) as a
     where a.n <= 10;

    select coalesce(jsonb_agg(jsonb_build_array(o.external_id, o.stack, o.severity, o.title,
                                                to_char(o.found_on, 'YYYY-MM-DD'), o.age, o.sla, o.age > o.sla)
                              order by array_position(array['critical', 'high', 'medium', 'low'], o.severity),
                                       o.found_on, o.external_id), '[]')
      into rows_csv
      from scc.findings_open_at(p.ends) as o;

    return scc.report_json('cto', 'CTO report', p, 'gross',
        jsonb_build_array(
            jsonb_build_object(
                'id', 'findings', 'title', 'Security findings by stack and severity',
                'figures', jsonb_build_array(
                    scc.report_figure('findings_open', 'Open at the period''s end', n_open, 'count',
                        'found before the end and not fixed before it', 'scc.security_findings'),
                    scc.report_figure('findings_new', 'New', n_new, 'count',
                        'found in the period', 'scc.security_findings'),
                    scc.report_figure('findings_fixed', 'Fixed', n_fixed, 'count',
                        'fixed in the period', 'scc.security_findings'),
                    scc.report_figure('sla_breaches', 'SLA breaches', n_breach, 'count',
                        'open at the end past their SLA + fixed in the period after it', 'scc.security_findings')),
                'table', jsonb_build_object(
                    'columns', jsonb_build_array(scc.report_column('stack', 'Stack', 'text'),
                                                 scc.report_column('critical', 'Critical', 'count'),
                                                 scc.report_column('high', 'High', 'count'),
                                                 scc.report_column('medium', 'Medium', 'count'),
                                                 scc.report_column('low', 'Low', 'count'),
                                                 scc.report_column('total', 'Open', 'count')),
                    'rows', by_stack),
                'chart', jsonb_build_object('type', 'bar', 'title', 'Open findings by severity', 'unit', 'count',
                                            'bars', by_sev)),
            jsonb_build_object(
                'id', 'mttr', 'title', 'Time to fix by severity', 'figures', '[]'::jsonb,
                'table', jsonb_build_object(
                    'columns', jsonb_build_array(scc.report_column('severity', 'Severity', 'text'),
                                                 scc.report_column('sla', 'SLA', 'days'),
                                                 scc.report_column('fixed', 'Fixed', 'count'),
                                                 scc.report_column('mttr', 'MTTR', 'days'),
                                                 scc.report_column('fixed_late', 'Fixed after SLA', 'count'),
                                                 scc.report_column('open_late', 'Open past SLA', 'count')),
                    'rows', mttr)),
            jsonb_build_object(
                'id', 'costs', 'title', 'Cost per service and unit cost',
                'figures', jsonb_build_array(
                    scc.report_figure('service_cost', 'Services', round(cost), 'cents',
                        'each service''s monthly cost spread over its active days in the period', 'scc.services'),
                    scc.report_figure('cost_per_booking', 'Per charter booking', round(scc.report_ratio(cost, n_book)), 'cents',
                        'service cost / charter bookings made in the period', 'scc.services, scc.bookings'),
                    scc.report_figure('cost_per_email', 'Per email sent', round(scc.report_ratio(cost, n_mail), 2), 'cents',
                        'service cost / emails sent in the period', 'scc.services, scc.email_outbox')),
                'table', jsonb_build_object(
                    'columns', jsonb_build_array(scc.report_column('service', 'Service', 'text'),
                                                 scc.report_column('stack', 'Stack', 'text'),
                                                 scc.report_column('provider', 'Provider', 'text'),
                                                 scc.report_column('monthly', 'Monthly', 'cents'),
                                                 scc.report_column('period', 'In the period', 'cents')),
                    'rows', services),
                'chart', jsonb_build_object('type', 'bar', 'title', 'Cost by stack', 'unit', 'cents', 'bars', by_cost)),
            scc_report.email_delivery(p),
            jsonb_build_object(
                'id', 'ux', 'title', 'UX shortfalls',
                'figures', jsonb_build_array(
                    scc.report_figure('ux_open', 'Open at the period''s end', ux_open, 'count',
                        'opened before the end and not closed before it', 'scc.ux_issues'),
                    scc.report_figure('ux_new', 'Opened', ux_new, 'count', 'opened in the period', 'scc.ux_issues'),
                    scc.report_figure('ux_fixed', 'Fixed', ux_fixed, 'count', 'fixed in the period', 'scc.ux_issues')),
                'table', jsonb_build_object(
                    'columns', jsonb_build_array(scc.report_column('page', 'Page', 'text'),
                                                 scc.report_column('severity', 'Severity', 'text'),
                                                 scc.report_column('issue', 'Issue', 'text'),
                                                 scc.report_column('age', 'Days open', 'days')),
                    'rows', ux_rows)),
            jsonb_build_object(
                'id', 'cicd', 'title', 'CI/CD gaps',
                'figures', jsonb_build_array(
                    scc.report_figure('repositories', 'Repositories', n_repos, 'count', 'active repositories', 'scc.repositories'),
                    scc.report_figure('without_ci', 'Without CI runs', no_ci, 'count',
                        'active repositories with no CI run in the period', 'scc.ci_runs'),
                    scc.report_figure('ci_failure_rate', 'CI failure rate', ci_fail, 'ratio',
                        'failed / (passed + failed) runs in the period', 'scc.ci_runs'),
                    scc.report_figure('deploys_per_week', 'Deploys per week',
                        round(scc.report_ratio(deploys * 7, p.ends - p.starts), 2), 'count',
                        'deploys in the period x 7 / days in the period', 'scc.deploys'),
                    scc.report_figure('change_failure_rate', 'Change failure rate', scc.report_ratio(dep_fail, deploys), 'ratio',
                        'deploys failed or rolled back / deploys', 'scc.deploys')),
                'table', jsonb_build_object(
                    'columns', jsonb_build_array(scc.report_column('repository', 'Repository', 'text'),
                                                 scc.report_column('runs', 'CI runs', 'count'),
                                                 scc.report_column('failure_rate', 'Failure rate', 'ratio'),
                                                 scc.report_column('deploys', 'Deploys', 'count'),
                                                 scc.report_column('failed_deploys', 'Failed deploys', 'count')),
                    'rows', repos)),
            jsonb_build_object(
                'id', 'actions', 'title', 'Ten prioritised engineering actions', 'figures', '[]'::jsonb,
                'table', jsonb_build_object(
                    'columns', jsonb_build_array(scc.report_column('rank', 'Rank', 'count'),
                                                 scc.report_column('action', 'Action', 'text'),
                                                 scc.report_column('why', 'Why', 'text')),
                    'rows', actions))),
        jsonb_build_object(
            'columns', jsonb_build_array('finding', 'stack', 'severity', 'title', 'found_on', 'age_days',
                                         'sla_days', 'breached'),
            'rows', rows_csv),
        n_open + n_new + n_fixed + ux_open + ux_new + ux_fixed + deploys = 0 and cost = 0
            and not exists (select 1 from jsonb_array_elements(repos) as r where (r ->> 1)::int > 0));
end
$$;
comment on function scc_report.cto(scc.report_span) is
    'the CTO report: findings by stack and severity, MTTR and SLA breaches, service costs and unit costs, email, UX, CI/CD, ten actions';
revoke all on function scc_report.cto(scc.report_span) from public;

-- ---------------------------------------------------------------------------
-- CMO
-- ---------------------------------------------------------------------------

-- scc.channel_sales(p): per channel, the charter bookings made in the
-- period (cancelled ones left out) and their money, the spend and the
-- funnel of the months starting in the period.
create function scc.channel_sales(p scc.report_span)
returns table (slug text, name text, kind text, sequence integer, bookings integer, gross bigint,
               commission bigint, fees bigint, spend bigint, visits bigint, inquiries bigint, quotes bigint,
               funnel_bookings bigint)
language sql
stable
as $$
    with i as (select from_at, until_at from scc.report_instants(p))
    select c.slug, c.name, c.kind, c.sequence,
           coalesce(b.n, 0)::int, coalesce(b.gross, 0)::bigint, coalesce(b.commission, 0)::bigint,
           coalesce(b.fees, 0)::bigint, coalesce(m.spend, 0)::bigint, coalesce(m.visits, 0)::bigint,
           coalesce(m.inquiries, 0)::bigint, coalesce(m.quotes, 0)::bigint, coalesce(m.bookings, 0)::bigint
      from scc.channels as c
      left join (select x.channel, count(*) as n, sum(x.gross_cents) as gross,
                        sum(x.commission_cents) as commission, sum(x.fees_cents) as fees
                   from scc.bookings as x, i
                  where x.status <> 'cancelled' and x.booked_at >= i.from_at and x.booked_at < i.until_at
                  group by x.channel) as b on b.channel = c.slug
      left join (select y.channel, sum(y.spend_cents) as spend, sum(y.visits) as visits,
                        sum(y.inquiries) as inquiries, sum(y.quotes) as quotes, sum(y.bookings) as bookings
                   from scc.marketing_months as y
                  where y.month >= p.starts and y.month < p.ends
                  group by y.channel) as m on m.channel = c.slug
$$;
comment on function scc.channel_sales(scc.report_span) is
    'per channel: charter bookings made in the period (not cancelled), their gross, commission and fees; spend and funnel of the months starting in it';

create or replace function scc_report.cmo(p scc.report_span)
returns jsonb
language plpgsql
stable
security definer
set search_path = pg_catalog, scc
as $$
declare
    c          jsonb := scc_report.charter_figures(p);
    chans      jsonb;
    matrix     jsonb;
    matrix_c   jsonb;
    n_live     int;
    mix        jsonb;
    t_book     int;
    t_gross    bigint;
    t_cut      bigint;
    t_spend    bigint;
    cac        jsonb;
    funnel     jsonb;
    f_vis      bigint;
    f_inq      bigint;
    f_quo      bigint;
    f_book     bigint;
    roas       jsonb;
    seq        jsonb;
    next_ch    text;
    seo        jsonb;
    seo_open   int;
    seo_done   int;
    rows_csv   jsonb;
begin
    -- the visibility matrix: every entity against the channels with a
    -- listing anywhere, or in the marketplace sequence
    select coalesce(jsonb_agg(jsonb_build_object('slug', x.slug, 'name', x.name) order by x.sequence nulls last, x.name), '[]')
      into chans
      from scc.channels as x
     where x.sequence is not null or exists (select 1 from scc.channel_listings as l where l.channel = x.slug);

    select jsonb_build_array(scc.report_column('entity', 'Entity', 'text'))
           || coalesce(jsonb_agg(scc.report_column(ch ->> 'slug', ch ->> 'name', 'text') order by n), '[]')
      into matrix_c
      from jsonb_array_elements(chans) with ordinality as x (ch, n);

    select coalesce(jsonb_agg(jsonb_build_array(e.name) || (
               select coalesce(jsonb_agg(coalesce(l.status, 'not_listed') order by n), '[]')
                 from jsonb_array_elements(chans) with ordinality as x (ch, n)
                 left join scc.channel_listings as l on l.entity_id = e.id and l.channel = ch ->> 'slug')
             order by e.name), '[]')
      into matrix
      from scc.entities as e
     where e.active;

    select count(*)::int into n_live from scc.channel_listings as l where l.status = 'live';

    -- channel mix and effective commission (charter bookings made in the period)
    select coalesce(sum(s.bookings), 0)::int, coalesce(sum(s.gross), 0)::bigint,
           coalesce(sum(s.commission + s.fees), 0)::bigint, coalesce(sum(s.spend), 0)::bigint,
           coalesce(sum(s.visits), 0), coalesce(sum(s.inquiries), 0), coalesce(sum(s.quotes), 0),
           coalesce(sum(s.funnel_bookings), 0)
      into t_book, t_gross, t_cut, t_spend, f_vis, f_inq, f_quo, f_book
      from scc.channel_sales(p) as s;

    select coalesce(jsonb_agg(jsonb_build_array(s.name, s.bookings, scc.report_ratio(s.bookings, t_book), s.gross,
                                                scc.report_ratio(s.gross, t_gross), s.commission + s.fees,
                                                scc.report_ratio(s.commission + s.fees, s.gross))
                              order by s.gross desc, s.name) filter (where s.bookings > 0), '[]')
      into mix
      from scc.channel_sales(p) as s;

    select coalesce(jsonb_agg(jsonb_build_array(s.name, s.spend, s.commission + s.fees, s.bookings,
                                                round(scc.report_ratio(s.spend + s.commission + s.fees, s.bookings)))
                              order by s.name) filter (where s.bookings > 0 or s.spend > 0), '[]')
      into cac
      from scc.channel_sales(p) as s;

    select coalesce(jsonb_agg(jsonb_build_array(s.name, s.visits, s.inquiries, s.quotes, s.funnel_bookings,
                                                scc.report_ratio(s.inquiries, s.visits), scc.report_ratio(s.quotes, s.inquiries),
                                                scc.report_ratio(s.funnel_bookings, s.quotes),
                                                scc.report_ratio(s.funnel_bookings, s.visits))
                              order by s.visits desc, s.name) filter (where s.visits + s.inquiries + s.quotes + s.funnel_bookings > 0), '[]')
      into funnel
      from scc.channel_sales(p) as s;

    select coalesce(jsonb_agg(jsonb_build_array(s.name, s.spend, s.gross, scc.report_ratio(s.gross, s.spend))
                              order by s.spend desc, s.name) filter (where s.spend > 0), '[]')
      into roas
      from scc.channel_sales(p) as s;

    -- the marketplace sequence for the charter operation
    select coalesce(jsonb_agg(jsonb_build_array(x.sequence, x.name, coalesce(l.status, 'not_listed'),
                                                to_char(l.listed_on, 'YYYY-MM-DD'))
                              order by x.sequence, x.name), '[]'),
           (array_agg(x.name order by x.sequence, x.name) filter (where coalesce(l.status, '') <> 'live'))[1]
      into seq, next_ch
      from scc.channels as x
      left join scc.entities as e on e.slug = 'charter'
      left join scc.channel_listings as l on l.entity_id = e.id and l.channel = x.slug
     where x.sequence is not null;

    select coalesce(jsonb_agg(jsonb_build_array(e.name, k.title, k.priority, k.status, to_char(k.due_on, 'YYYY-MM-DD'))
                              order by k.priority, k.due_on nulls last, k.external_id), '[]'),
           count(*)::int
      into seo, seo_open
      from scc.seo_tasks as k join scc.entities as e on e.id = k.entity_id
     where k.status <> 'done';
    select count(*)::int into seo_done from scc.seo_tasks as k
     where k.done_on >= p.starts and k.done_on < p.ends;

    select coalesce(jsonb_agg(jsonb_build_array(s.slug, s.bookings, s.gross, s.commission, s.fees,
                                                scc.report_ratio(s.commission + s.fees, s.gross), s.spend,
                                                round(scc.report_ratio(s.spend + s.commission + s.fees, s.bookings)),
                                                scc.report_ratio(s.gross, s.spend), s.visits, s.inquiries, s.quotes,
                                                s.funnel_bookings)
                              order by s.sequence nulls last, s.slug), '[]')
      into rows_csv
      from scc.channel_sales(p) as s;

    return scc.report_json('cmo', 'CMO report', p, 'gross',
        jsonb_build_array(
            jsonb_build_object(
                'id', 'visibility', 'title', 'Channel visibility matrix',
                'figures', jsonb_build_array(
                    scc.report_figure('listings_live', 'Live listings', n_live, 'count',
                        'entity and channel pairs listed live', 'scc.channel_listings')),
                'table', jsonb_build_object('columns', matrix_c, 'rows', matrix)),
            jsonb_build_object(
                'id', 'channel_mix', 'title', 'Channel mix and effective commission',
                'figures', jsonb_build_array(
                    scc.report_figure('bookings', 'Bookings made', t_book, 'count',
                        'charter bookings made in the period, not cancelled', 'scc.bookings'),
                    scc.report_figure('gross', 'Their gross', t_gross, 'cents', 'sum of gross of those', 'scc.bookings'),
                    scc.report_figure('effective_commission', 'Effective commission', scc.report_ratio(t_cut, t_gross), 'ratio',
                        '(commission + fees) / gross', 'scc.bookings')),
                'table', jsonb_build_object(
                    'columns', jsonb_build_array(scc.report_column('channel', 'Channel', 'text'),
                                                 scc.report_column('bookings', 'Bookings', 'count'),
                                                 scc.report_column('booking_share', 'Share', 'ratio'),
                                                 scc.report_column('gross', 'Gross', 'cents'),
                                                 scc.report_column('gross_share', 'Share of gross', 'ratio'),
                                                 scc.report_column('cut', 'Commission and fees', 'cents'),
                                                 scc.report_column('effective', 'Effective commission', 'ratio')),
                    'rows', mix),
                'chart', jsonb_build_object('type', 'bar', 'title', 'Gross by channel', 'unit', 'cents',
                    'bars', (select coalesce(jsonb_agg(jsonb_build_object('label', r ->> 0, 'value', (r ->> 3)::bigint)), '[]')
                               from jsonb_array_elements(mix) as r))),
            jsonb_build_object(
                'id', 'cac', 'title', 'CAC by channel',
                'figures', jsonb_build_array(
                    scc.report_figure('cac', 'Blended CAC', round(scc.report_ratio(t_spend + t_cut, t_book)), 'cents',
                        '(spend + commission + fees) / bookings made', 'scc.marketing_months, scc.bookings')),
                'table', jsonb_build_object(
                    'columns', jsonb_build_array(scc.report_column('channel', 'Channel', 'text'),
                                                 scc.report_column('spend', 'Spend', 'cents'),
                                                 scc.report_column('cut', 'Commission and fees', 'cents'),
                                                 scc.report_column('bookings', 'Bookings', 'count'),
                                                 scc.report_column('cac', 'CAC', 'cents')),
                    'rows', cac)),
            jsonb_build_object(
                'id', 'funnel', 'title', 'Funnel conversion',
                'figures', jsonb_build_array(
                    scc.report_figure('visits', 'Visits', f_vis, 'count', 'sum of visits', 'scc.marketing_months'),
                    scc.report_figure('inquiry_rate', 'Visit to inquiry', scc.report_ratio(f_inq, f_vis), 'ratio',
                        'inquiries / visits', 'scc.marketing_months'),
                    scc.report_figure('quote_rate', 'Inquiry to quote', scc.report_ratio(f_quo, f_inq), 'ratio',
                        'quotes / inquiries', 'scc.marketing_months'),
                    scc.report_figure('close_rate', 'Quote to booking', scc.report_ratio(f_book, f_quo), 'ratio',
                        'bookings / quotes', 'scc.marketing_months'),
                    scc.report_figure('conversion', 'Visit to booking', scc.report_ratio(f_book, f_vis), 'ratio',
                        'bookings / visits', 'scc.marketing_months')),
                'table', jsonb_build_object(
                    'columns', jsonb_build_array(scc.report_column('channel', 'Channel', 'text'),
                                                 scc.report_column('visits', 'Visits', 'count'),
                                                 scc.report_column('inquiries', 'Inquiries', 'count'),
                                                 scc.report_column('quotes', 'Quotes', 'count'),
                                                 scc.report_column('bookings', 'Bookings', 'count'),
                                                 scc.report_column('inquiry_rate', 'Visit to inquiry', 'ratio'),
                                                 scc.report_column('quote_rate', 'Inquiry to quote', 'ratio'),
                                                 scc.report_column('close_rate', 'Quote to booking', 'ratio'),
                                                 scc.report_column('conversion', 'Visit to booking', 'ratio')),
                    'rows', funnel),
                'chart', jsonb_build_object('type', 'bar', 'title', 'The funnel', 'unit', 'count',
                    'bars', jsonb_build_array(jsonb_build_object('label', 'visits', 'value', f_vis),
                                              jsonb_build_object('label', 'inquiries', 'value', f_inq),
                                              jsonb_build_object('label', 'quotes', 'value', f_quo),
                                              jsonb_build_object('label', 'bookings', 'value', f_book)))),
            jsonb_build_object(
                'id', 'roas', 'title', 'ROAS and MER',
                'figures', jsonb_build_array(
                    scc.report_figure('spend', 'Marketing spend', t_spend, 'cents', 'sum of spend', 'scc.marketing_months'),
                    scc.report_figure('mer', 'MER', scc.report_ratio(t_gross, t_spend), 'ratio',
                        'gross of bookings made / marketing spend', 'scc.bookings, scc.marketing_months')),
                'table', jsonb_build_object(
                    'columns', jsonb_build_array(scc.report_column('channel', 'Channel', 'text'),
                                                 scc.report_column('spend', 'Spend', 'cents'),
                                                 scc.report_column('gross', 'Gross', 'cents'),
                                                 scc.report_column('roas', 'ROAS', 'ratio')),
                    'rows', roas)),
            jsonb_build_object(
                'id', 'sequence', 'title', 'Channel sequence: Sailo, GetMyBoat, Viator/GetYourGuide',
                'figures', jsonb_build_array(
                    jsonb_build_object('id', 'next_channel', 'label', 'Next to open', 'value', next_ch, 'unit', 'text',
                                       'formula', 'the first channel of the sequence not live for the charter operation',
                                       'source', 'scc.channels, scc.channel_listings')),
                'table', jsonb_build_object(
                    'columns', jsonb_build_array(scc.report_column('step', 'Step', 'count'),
                                                 scc.report_column('channel', 'Channel', 'text'),
                                                 scc.report_column('status', 'Status', 'text'),
                                                 scc.report_column('listed_on', 'Listed on', 'date')),
                    'rows', seq)),
            jsonb_build_object(
                'id', 'seo', 'title', 'Local SEO tasks',
                'figures', jsonb_build_array(
                    scc.report_figure('seo_open', 'Open', seo_open, 'count', 'tasks not done', 'scc.seo_tasks'),
                    scc.report_figure('seo_done', 'Done in the period', seo_done, 'count',
                        'tasks done in the period', 'scc.seo_tasks')),
                'table', jsonb_build_object(
                    'columns', jsonb_build_array(scc.report_column('entity', 'Entity', 'text'),
                                                 scc.report_column('task', 'Task', 'text'),
                                                 scc.report_column('priority', 'Priority', 'text'),
                                                 scc.report_column('status', 'Status', 'text'),
                                                 scc.report_column('due_on', 'Due', 'date')),
                    'rows', seo)))
        || (c -> 'sections'),
        jsonb_build_object(
            'columns', jsonb_build_array('channel', 'bookings', 'gross_cents', 'commission_cents', 'fees_cents',
                                         'effective_commission', 'spend_cents', 'cac_cents', 'roas', 'visits',
                                         'inquiries', 'quotes', 'funnel_bookings'),
            'rows', rows_csv),
        t_book = 0 and t_spend = 0 and f_vis = 0 and coalesce((c ->> 'empty')::boolean, true));
end
$$;
comment on function scc_report.cmo(scc.report_span) is
    'the CMO report: visibility matrix, channel mix and effective commission, CAC, funnel, ROAS and MER, the marketplace sequence, local SEO, charter';
revoke all on function scc_report.cmo(scc.report_span) from public;
