-- sns_retention.sql — 049's scc.prune_sns: decided SNS deliveries older
-- than the retention go, oldest first and max_rows at a time, their email
-- events with them; a queued one (never judged) and a recent one stay, and
-- the suppressions they caused stay; bad arguments are 22023; only the
-- worker may call it.  Runs as the superuser inside a rolled-back
-- transaction.
begin;
create extension if not exists pgtap;
select plan(10);

insert into scc.sns_messages (message_type, sns_message_id, signature, body, status, received_at, decided_at)
values ('Notification', 'r-old-1', 's', '{}', 'accepted', now() - interval '50 days', now() - interval '50 days'),
       ('Notification', 'r-old-2', 's', '{}', 'refused', now() - interval '40 days', now() - interval '40 days'),
       ('Notification', 'r-new', 's', '{}', 'accepted', now() - interval '5 days', now() - interval '5 days'),
       ('Notification', 'r-queued', 's', '{}', 'queued', now() - interval '60 days', null);
insert into scc.email_events (sns_message, event, address)
select id, 'permanent_bounce', 'r-gone@example.com' from scc.sns_messages where sns_message_id = 'r-old-1';
insert into scc.email_suppressions (address, reason) values ('r-gone@example.com', 'bounce') on conflict do nothing;

select is((select deleted from scc.prune_sns(30, 1)), 1, 'one at a time: max_rows holds');
select is((select string_agg(sns_message_id, ',' order by sns_message_id) from scc.sns_messages where sns_message_id like 'r-%'),
          'r-new,r-old-2,r-queued', 'the oldest decided delivery went first');
select is((select count(*)::int from scc.email_events where address = 'r-gone@example.com'), 0, 'its event went with it');
select is((select deleted from scc.prune_sns(30)), 1, 'the next call takes the rest that is due');
select is((select string_agg(sns_message_id, ',' order by sns_message_id) from scc.sns_messages where sns_message_id like 'r-%'),
          'r-new,r-queued', 'a recent and a queued delivery stay');
select is((select deleted from scc.prune_sns(30)), 0, 'nothing left to do');
select ok(exists (select 1 from scc.email_suppressions where address = 'r-gone@example.com'), 'the suppression outlives its evidence');
select throws_ok($$select * from scc.prune_sns(-1)$$, '22023', 'prune_sns: the retention must be a number of days >= 0', 'a negative retention');
select ok(has_function_privilege('scc_worker', 'scc.prune_sns(double precision, integer)', 'execute'), 'the worker may call it');
select ok(not has_function_privilege('scc_web', 'scc.prune_sns(double precision, integer)', 'execute'), 'the web role may not');

select * from finish();
rollback;
