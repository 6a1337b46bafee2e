-- 049_sns_retention.sql — what SNS delivered is kept for sns_retention
-- days, not for ever.  046 stores every delivery (scc.sns_messages) and the
-- events an accepted one carried (scc.email_events, deleted with their
-- message: on delete cascade).  The suppressions they caused stay in
-- scc.email_suppressions: the decision outlives its evidence.
--
-- scc.prune_sns(days, max_rows): deletes up to max_rows messages decided
-- (accepted or refused) more than days ago, oldest first, with their
-- events; a message still queued is never removed (the worker has not
-- judged it).  Returns one row ('sns messages', deleted); a count of
-- max_rows or more may leave more: call again.  Raises 22023 on a null or
-- negative retention or max_rows < 1.  scc-worker run calls it with the
-- other retention duties (`sns_retention`, default 30).
-- The prune reads decided messages oldest first; the cascade finds a
-- message's events by their sns_message.
create index sns_messages_decided_idx on scc.sns_messages (decided_at) where status <> 'queued';
create index email_events_sns_message_idx on scc.email_events (sns_message);

create function scc.prune_sns(days double precision, max_rows int default 1000)
returns table (what text, deleted int)
language plpgsql
volatile
security definer
set search_path = pg_catalog, scc
as $$
declare
    n int;
begin
    if days is null or days < 0 then
        raise exception using errcode = '22023',
            message = 'prune_sns: the retention must be a number of days >= 0';
    end if;
    if max_rows is null or max_rows < 1 then
        raise exception using errcode = '22023', message = 'prune_sns: max_rows must be >= 1';
    end if;
    with old as (
        select m.id from scc.sns_messages as m
         where m.status <> 'queued'
           and m.decided_at < now() - make_interval(secs => prune_sns.days * 86400)
         order by m.decided_at
         limit prune_sns.max_rows
           for update skip locked
    )
    delete from scc.sns_messages as m using old where m.id = old.id;
    get diagnostics n = row_count;
    what := 'sns messages'; deleted := n; return next;
end
$$;
comment on function scc.prune_sns(double precision, int) is
    'delete SNS deliveries decided more than days ago (their email events with them), max_rows at a time; never a queued one';
revoke all on function scc.prune_sns(double precision, int) from public;
grant execute on function scc.prune_sns(double precision, int) to scc_worker;
