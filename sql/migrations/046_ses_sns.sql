-- 046_ses_sns.sql — bounces and complaints from Amazon SES through SNS
-- (issue 12, helper Q4).
--
-- POST /api/ses/sns (public) stores what SNS delivers, untrusted, in
-- scc.sns_messages and queues an 'sns' job; nothing else happens in the
-- request.  The worker (worker/job_sns.c) verifies the message's signature
-- (SignatureVersion 1: SHA1withRSA, 2: SHA256withRSA) with the certificate
-- at SigningCertURL (https, host allowed by the config key sns_cert_host,
-- cached in scc.sns_certs), then either refuses it (scc.sns_refuse: a
-- reason, nothing else changes) or accepts it (scc.sns_accept): a
-- permanent bounce or a complaint puts each address on
-- scc.email_suppressions, a transient bounce is recorded only, and every
-- event names its outbox row through the SES message id
-- (scc.email_outbox.provider_message_id, what SES answered to SendEmail).
--
-- Runs as scc_owner (scc-worker migrate).  Never edit once applied.

create table scc.sns_messages (
    id             bigint generated always as identity primary key,
    message_type   text not null,
    sns_message_id text not null,
    signature      text not null,
    body           jsonb not null,
    status         text not null default 'queued',
    reason         text,
    received_at    timestamptz not null default now(),
    decided_at     timestamptz,
    constraint sns_messages_type_check check (message_type in
        ('Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation')),
    constraint sns_messages_status_check check (status in ('queued', 'accepted', 'refused')),
    -- SNS delivers at least once: the same signed message again is the same row
    constraint sns_messages_message_key unique (sns_message_id, signature)
);
create index sns_messages_received_idx on scc.sns_messages (received_at);
comment on table scc.sns_messages is
    'what SNS posted to /api/ses/sns, untrusted until the worker verified it: queued -> accepted | refused (reason)';

create table scc.sns_certs (
    url        text primary key,
    pem        text not null,
    fetched_at timestamptz not null default now()
);
comment on table scc.sns_certs is
    'SNS signing certificates by SigningCertURL (fetched once by the worker over https from an allowed host)';

create table scc.email_events (
    id             bigint generated always as identity primary key,
    sns_message    bigint not null,
    event          text not null,
    address        text not null,
    ses_message_id text,
    outbox_id      bigint,                    -- scc.email_outbox.id (no FK, like the outbox's job_id: rows may be pruned)
    detail         jsonb not null default '{}',
    created_at     timestamptz not null default now(),
    constraint email_events_sns_message_fkey foreign key (sns_message)
        references scc.sns_messages (id) on delete cascade,
    constraint email_events_event_check check (event in
        ('permanent_bounce', 'transient_bounce', 'undetermined_bounce', 'complaint'))
);
create index email_events_address_idx on scc.email_events (address);
create index email_events_outbox_idx on scc.email_events (outbox_id) where outbox_id is not null;
create index email_outbox_provider_message_idx on scc.email_outbox (provider_message_id)
    where provider_message_id is not null;
comment on table scc.email_events is
    'bounces and complaints SES reported (verified SNS notifications), each linked to its outbox row when known';

-- POST /api/ses/sns   (public; SNS's HTTPS delivery, content-type text/plain)
-- Body: the SNS message as SNS sends it: Type (Notification |
-- SubscriptionConfirmation | UnsubscribeConfirmation), MessageId, TopicArn,
-- Message, Timestamp, SignatureVersion, Signature, SigningCertURL, and per
-- type Subject, SubscribeURL, Token, UnsubscribeURL, MessageAttributes.
-- Nothing in it is trusted here: it is stored and an 'sns' job queued; the
-- worker verifies it.  The same message delivered again queues nothing new.
-- 202 {"status":"queued","id":N}
-- Errors: SC400 invalid_body (not JSON: the module), SC400 unknown_field,
-- SC400 invalid_type, SC400 <field>_required (message_id_required,
-- signature_required, signing_cert_url_required, signature_version_required,
-- timestamp_required, topic_arn_required, message_required),
-- SC413 body_too_large (over 256 KiB).
create function scc_api.ses_sns(ctx jsonb)
returns scc_api.response
language plpgsql volatile
security definer
set search_path = pg_catalog, scc
as $$
declare
    b      jsonb := ctx -> 'body';
    f      text[];
    new_id bigint;
begin
    if pg_catalog.octet_length(b::text) > 262144 then
        perform scc.fail(413, 'body_too_large', 'an SNS message is at most 256 KiB');
    end if;
    perform scc.refuse_unknown_fields(b, array['Type', 'MessageId', 'TopicArn', 'Subject',
        'Message', 'Timestamp', 'SignatureVersion', 'Signature', 'SigningCertURL',
        'SubscribeURL', 'UnsubscribeURL', 'Token', 'MessageAttributes']);
    if b ->> 'Type' is null or b ->> 'Type' not in
            ('Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation') then
        perform scc.fail(400, 'invalid_type',
            'Type must be Notification, SubscriptionConfirmation or UnsubscribeConfirmation');
    end if;
    foreach f slice 1 in array array[['MessageId', 'message_id_required'],
            ['Signature', 'signature_required'], ['SigningCertURL', 'signing_cert_url_required'],
            ['SignatureVersion', 'signature_version_required'], ['Timestamp', 'timestamp_required'],
            ['TopicArn', 'topic_arn_required'], ['Message', 'message_required']] loop
        if pg_catalog.jsonb_typeof(b -> f[1]) is distinct from 'string' or b ->> f[1] = '' then
            perform scc.fail(400, f[2], f[1] || ' is required (a string)');
        end if;
    end loop;

    insert into scc.sns_messages as m (message_type, sns_message_id, signature, body)
    values (b ->> 'Type', b ->> 'MessageId', b ->> 'Signature', b)
    on conflict on constraint sns_messages_message_key do nothing
    returning m.id into new_id;
    if new_id is null then
        select m.id into new_id from scc.sns_messages as m
         where m.sns_message_id = b ->> 'MessageId' and m.signature = b ->> 'Signature';
        return (202, pg_catalog.json_build_object('status', 'queued', 'id', new_id))::scc_api.response;
    end if;
    perform scc.enqueue_job('sns', pg_catalog.jsonb_build_object('sns_message', new_id));
    perform scc.audit(ctx, 'sns.receive', 'sns_message', new_id::text, null,
                      pg_catalog.jsonb_build_object('type', b ->> 'Type',
                                                    'message_id', b ->> 'MessageId'));
    return (202, pg_catalog.json_build_object('status', 'queued', 'id', new_id))::scc_api.response;
end
$$;
comment on function scc_api.ses_sns(jsonb) is
    'POST /api/ses/sns: stores an SNS delivery untrusted and queues its sns job (202); the worker verifies it';
revoke execute on function scc_api.ses_sns(jsonb) from public;
grant execute on function scc_api.ses_sns(jsonb) to scc_web;

-- scc.sns_message_get: a queued message for the worker: its body as text
-- and its status (no row: unknown id).
create function scc.sns_message_get(p_id bigint, out body text, out status text)
returns setof record
language sql stable
security definer
set search_path = pg_catalog, scc
as $$ select m.body::text, m.status from scc.sns_messages as m where m.id = p_id $$;
comment on function scc.sns_message_get(bigint) is
    'worker: an SNS message body (text) and status';

-- scc.sns_cert_get / scc.sns_cert_put: the signing certificate cache.
create function scc.sns_cert_get(p_url text)
returns text
language sql stable
security definer
set search_path = pg_catalog, scc
as $$ select c.pem from scc.sns_certs as c where c.url = p_url $$;
comment on function scc.sns_cert_get(text) is 'worker: a cached SNS signing certificate (PEM) or null';

create function scc.sns_cert_put(p_url text, p_pem text)
returns void
language sql volatile
security definer
set search_path = pg_catalog, scc
as $$
    insert into scc.sns_certs as c (url, pem) values (p_url, p_pem)
    on conflict (url) do update set pem = excluded.pem, fetched_at = now()
$$;
comment on function scc.sns_cert_put(text, text) is 'worker: cache an SNS signing certificate (PEM)';

-- scc.sns_refuse: the worker found the message forged, tampered or not
-- verifiable: it becomes 'refused' with the reason; nothing else changes.
create function scc.sns_refuse(p_id bigint, p_reason text)
returns void
language sql volatile
security definer
set search_path = pg_catalog, scc
as $$
    update scc.sns_messages as m
       set status = 'refused', reason = p_reason, decided_at = now()
     where m.id = p_id and m.status = 'queued';
    select scc.audit('{}'::jsonb, 'sns.refuse', 'sns_message', p_id::text, null, null, p_reason);
$$;
comment on function scc.sns_refuse(bigint, text) is
    'worker: an SNS message failed verification: refused with the reason, nothing else changes';

-- scc.sns_accept: the worker verified the signature (and confirmed a
-- subscription).  A Notification whose Message is an SES bounce or
-- complaint (notificationType or eventType) records one scc.email_events
-- row per recipient, linked to the outbox row whose provider_message_id is
-- mail.messageId; Permanent bounces and complaints suppress the address.
-- Returns the number of events recorded.  Only a 'queued' message is
-- applied (a job run twice records nothing twice).
create function scc.sns_accept(p_id bigint)
returns int
language plpgsql volatile
security definer
set search_path = pg_catalog, scc
as $$
declare
    m      scc.sns_messages;
    n      jsonb;
    kind   text;
    ev     text;
    addrs  jsonb;
    a      text;
    sid    text;
    ob     bigint;
    count  int := 0;
begin
    update scc.sns_messages as x set status = 'accepted', decided_at = now()
     where x.id = p_id and x.status = 'queued'
    returning x.* into m;
    if m.id is null then
        return 0;
    end if;
    if m.message_type <> 'Notification' then
        perform scc.audit('{}'::jsonb, 'sns.accept', 'sns_message', p_id::text, null,
                          jsonb_build_object('type', m.message_type,
                                             'topic_arn', m.body ->> 'TopicArn'));
        return 0;
    end if;
    begin
        n := (m.body ->> 'Message')::jsonb;
    exception when invalid_text_representation then
        n := null;
    end;
    if n is null or jsonb_typeof(n) <> 'object' then
        update scc.sns_messages as x set reason = 'not an SES notification' where x.id = p_id;
        return 0;
    end if;
    kind := coalesce(n ->> 'notificationType', n ->> 'eventType');
    sid := n -> 'mail' ->> 'messageId';
    select o.id into ob from scc.email_outbox as o
     where o.provider_message_id = sid order by o.id limit 1;
    if kind = 'Bounce' then
        ev := case n -> 'bounce' ->> 'bounceType'
                  when 'Permanent' then 'permanent_bounce'
                  when 'Transient' then 'transient_bounce'
                  else 'undetermined_bounce' end;
        addrs := n -> 'bounce' -> 'bouncedRecipients';
    elsif kind = 'Complaint' then
        ev := 'complaint';
        addrs := n -> 'complaint' -> 'complainedRecipients';
    else
        update scc.sns_messages as x set reason = 'not a bounce or complaint: '
               || coalesce(kind, 'no notificationType') where x.id = p_id;
        return 0;
    end if;
    if jsonb_typeof(addrs) is distinct from 'array' then
        addrs := '[]'::jsonb;
    end if;
    for a in select lower(r ->> 'emailAddress') from jsonb_array_elements(addrs) as r
              where jsonb_typeof(r) = 'object' loop
        continue when a is null or a !~ '^[^@\s<>]+@[^@\s<>]+$';
        insert into scc.email_events (sns_message, event, address, ses_message_id, outbox_id, detail)
        values (p_id, ev, a, sid, ob, jsonb_strip_nulls(jsonb_build_object(
                    'bounce_sub_type', n -> 'bounce' ->> 'bounceSubType',
                    'complaint_type', n -> 'complaint' ->> 'complaintFeedbackType',
                    'diagnostic', (select r ->> 'diagnosticCode' from jsonb_array_elements(addrs) as r
                                    where lower(r ->> 'emailAddress') = a limit 1))));
        if ev in ('permanent_bounce', 'complaint') then
            perform scc.suppress_email(a, case ev when 'complaint' then 'complaint' else 'bounce' end,
                                       'SES ' || ev || coalesce(' of ' || sid, ''));
            perform scc.audit('{}'::jsonb, 'email.suppress', 'email_suppression', a, null,
                              jsonb_build_object('reason', ev, 'ses_message_id', sid,
                                                 'outbox_id', ob, 'sns_message', p_id));
        end if;
        count := count + 1;
    end loop;
    return count;
end
$$;
comment on function scc.sns_accept(bigint) is
    'worker: a verified SNS message: SES bounces/complaints recorded (permanent ones and complaints suppressed)';

do $$
declare
    f text;
begin
    foreach f in array array[
        'scc.sns_message_get(bigint)',
        'scc.sns_cert_get(text)',
        'scc.sns_cert_put(text, text)',
        'scc.sns_refuse(bigint, text)',
        'scc.sns_accept(bigint)'] loop
        execute format('revoke execute on function %s from public', f);
        execute format('grant execute on function %s to scc_worker', f);
    end loop;
end
$$;
