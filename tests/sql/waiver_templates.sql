-- waiver_templates.sql — sql/migrations/022_waiver_templates.sql: waiver
-- templates and their versions through the route functions (versions
-- numbered, the hash of the bytes sent, the text kept exactly, no_change,
-- one active template per scope, field-specific refusals that change
-- nothing), versions immutable against UPDATE, DELETE and TRUNCATE even as
-- their owner, the pin when an event is scheduled, moving an event on to a
-- newer version (a signer of the old one is held), and the line diff.
-- Runs as the superuser inside a rolled-back transaction.
begin;
create extension if not exists pgtap;
select plan(63);
set constraints all immediate;

insert into scc.users (email, name, role) values
    ('admin@wtpl.example', 'Ada Admin', 'admin'), ('cap@wtpl.example', 'Cy Captain', 'captain'),
    ('guest@wtpl.example', 'Gus Guest', 'guest');
select id as admin from scc.users where email = 'admin@wtpl.example' \gset
select id as cap from scc.users where email = 'cap@wtpl.example' \gset
select id as guest from scc.users where email = 'guest@wtpl.example' \gset
insert into scc.boats (name, port_name, port_lat, port_lon, time_zone, guest_capacity, crew_min, crew_max)
values ('WT Alpha', 'Shelter Island', 32.71, -117.23, 'America/Los_Angeles', 6, 0, 1),
       ('WT Bravo', 'Harbor Island', 32.72, -117.20, 'America/Los_Angeles', 6, 0, 1);
select id as alpha from scc.boats where name = 'WT Alpha' \gset
select id as bravo from scc.boats where name = 'WT Bravo' \gset

create function pg_temp.ctx(actor uuid, params jsonb default '{}', body jsonb default null, query jsonb default '{}')
returns jsonb language sql as $$
    select jsonb_build_object('actor', jsonb_build_object('id', actor,
                                                          'role', (select role from scc.users where id = actor)),
                              'params', params, 'query', query, 'body', body, 'request_id', 'req-wtpl')
$$;
-- a version body with every required field, `extra` laid over it
create function pg_temp.vbody(extra jsonb) returns jsonb language sql as $$
    select jsonb_build_object('title', 'Charter waiver', 'body', E'# Risks\n\nSailing is **risky**.\n',
                              'intent_text', 'I have read this waiver and sign it.',
                              'consent_text', 'I agree to sign and receive records electronically.',
                              'adult_text', 'I am 18 or older.', 'validity', 'event') || extra
$$;
create function pg_temp.post(actor uuid, body jsonb) returns jsonb language sql as $$
    select r.body::jsonb || jsonb_build_object('_status', r.status)
      from scc_api.waiver_template_create(pg_temp.ctx(actor, body => body)) as r
$$;
create function pg_temp.code(f text) returns text language plpgsql as $$
begin
    execute f;
    return 'no error';
exception when others then
    declare d text;
    begin
        get stacked diagnostics d = pg_exception_detail;
        return d;
    end;
end
$$;
-- a clean slate: this file's templates only
update scc.waiver_templates set active = false where active;

-- ---- a new template and its versions --------------------------------------------------------------
create temporary table r1 as
    select pg_temp.post(:'admin', pg_temp.vbody(jsonb_build_object('name', '  Global waiver ',
                        'body', E'  # Risks\r\n\nSailing is **risky**.\n\n\n', 'change_note', ' first '))) as j;
select is((select (j ->> '_status')::int from r1), 201, 'an admin makes a template: 201');
select is((select j ->> 'version' from r1), '1', 'its first version is 1');
select is((select j ->> 'body' from r1), E'  # Risks\r\n\nSailing is **risky**.\n\n\n',
          'the body is kept exactly as sent (spaces, CRLF and trailing lines included)');
select is((select j ->> 'body_sha256' from r1),
          encode(sha256(convert_to(E'  # Risks\r\n\nSailing is **risky**.\n\n\n', 'UTF8')), 'hex'),
          'its hash is the SHA-256 of those bytes');
select is((select j #>> '{template,name}' from r1), 'Global waiver', 'the name is trimmed');
select is((select j ->> 'change_note' from r1), 'first', 'so is the change note');
select is((select (j #>> '{template,active}')::boolean from r1), true, 'the new template is active');
select id as tpl_g from scc.waiver_templates where name = 'Global waiver' \gset
select is((select action || ' ' || entity_id from scc.audit_log where action like 'waiver_template.%'
            order by id desc limit 1), 'waiver_template.create ' || :'tpl_g', 'audited');

create temporary table r2 as
    select pg_temp.post(:'admin', pg_temp.vbody(jsonb_build_object('template_id', :'tpl_g',
                        'body', E'# Risks\n\nSailing is **risky**.\nSo is the sun.\n', 'change_note', 'sun'))) as j;
select is((select (j ->> 'version')::int from r2), 2, 'a new version of it is 2');
select is((select array[(j ->> '_status')::int::text, j ->> 'body_sha256'] from r2),
          array['201', encode(sha256(convert_to(E'# Risks\n\nSailing is **risky**.\nSo is the sun.\n', 'UTF8')), 'hex')],
          '201, with its own hash');
select is(pg_temp.code(format($$select pg_temp.post(%L, pg_temp.vbody(jsonb_build_object('template_id', %L,
                        'body', E'# Risks\n\nSailing is **risky**.\nSo is the sun.\n', 'change_note', 'again')))$$,
                              :'admin', :'tpl_g')),
          'no_change', 'the same text, statements and validity again: 409 no_change (a note alone is no change)');
select is(pg_temp.post(:'admin', pg_temp.vbody(jsonb_build_object('template_id', :'tpl_g',
                        'body', E'# Risks\n\nSailing is **risky**.\nSo is the sun.\n',
                        'consent_text', 'I agree to electronic records.'))) ->> 'version',
          '3', 'a changed statement is a new version');
select is((select array_agg(version order by version) from scc.waiver_versions where template_id = :'tpl_g'),
          array[1, 2, 3], 'versions are numbered 1, 2, 3');
select is(scc.waiver_current_version(:'alpha'),
          (select id from scc.waiver_versions where template_id = :'tpl_g' and version = 3),
          'the latest version of the global template is current for a boat without its own');

-- ---- one active template per scope -----------------------------------------------------------------
create temporary table rb as
    select pg_temp.post(:'admin', pg_temp.vbody(jsonb_build_object('name', 'Alpha waiver', 'boat_id', :'alpha'))) as j;
select id as tpl_a from scc.waiver_templates where name = 'Alpha waiver' \gset
select is((select j -> 'deactivated' from rb), 'null'::jsonb, 'a boat''s first template replaces nothing');
select is(scc.waiver_current_version(:'alpha'),
          (select id from scc.waiver_versions where template_id = :'tpl_a'),
          'the boat''s own template is current for it');
select is(scc.waiver_current_version(:'bravo'),
          (select id from scc.waiver_versions where template_id = :'tpl_g' and version = 3),
          'another boat keeps the global one');
create temporary table rg2 as
    select pg_temp.post(:'admin', pg_temp.vbody(jsonb_build_object('name', 'Global waiver 2026'))) as j;
select is((select j ->> 'deactivated' from rg2), :'tpl_g', 'a new global template deactivates the old global one');
select is((select array_agg(name order by name) from scc.waiver_templates where active),
          array['Alpha waiver', 'Global waiver 2026'], 'one active template per scope');
select is((select (r.body::jsonb ->> 'active')::boolean
             from scc_api.waiver_template_update(pg_temp.ctx(:'admin', params => jsonb_build_object('id', :'tpl_g'),
                                                             body => '{"active": true}')) as r),
          true, 'PATCH active brings the old one back');
select is((select array_agg(name order by name) from scc.waiver_templates where active),
          array['Alpha waiver', 'Global waiver'], 'and the other global one is retired by it');
select is((select body::jsonb #>> '{templates,0,name}'
             from scc_api.waiver_templates_list(pg_temp.ctx(:'cap'))),
          'Global waiver', 'a captain reads the list, active global first');
select is((select body::jsonb #>> '{templates,0,current,version}'
             from scc_api.waiver_templates_list(pg_temp.ctx(:'cap'))),
          '3', 'with its current version');

-- ---- refusals: field-specific, nothing written -----------------------------------------------------
create temporary table before_counts as
    select (select count(*) from scc.waiver_templates) as t, (select count(*) from scc.waiver_versions) as v;
select is(pg_temp.code(format($$select pg_temp.post(%L, pg_temp.vbody(%L))$$, :'admin', b::text)), c, m)
  from (values
    ('{}'::jsonb, 'name_required', 'a new template needs a name'),
    ('{"name": "   "}', 'invalid_name', 'a name of spaces'),
    ('{"name": "X", "body": " \n\t "}', 'body_empty', 'a body of whitespace'),
    ('{"name": "X", "body": ""}', 'body_empty', 'an empty body'),
    ('{"name": "X", "intent_text": " "}', 'invalid_intent_text', 'an empty intent statement'),
    ('{"name": "X", "validity": "season"}', 'valid_from_required', 'a season without dates'),
    ('{"name": "X", "validity": "season", "valid_from": "2026-09-01", "valid_to": "2026-05-01"}',
     'valid_to_before_valid_from', 'a season ending before it starts'),
    ('{"name": "X", "valid_from": "2026-09-01"}', 'invalid_valid_from', 'dates on an event waiver'),
    ('{"name": "X", "boat_id": "00000000-0000-4000-8000-000000000000"}', 'boat_not_found', 'an unknown boat'),
    ('{"name": "X", "colour": "red"}', 'unknown_field', 'an unknown field')
  ) as x (b, c, m);
select is(pg_temp.code(format($$select pg_temp.post(%L, pg_temp.vbody(jsonb_build_object('name', 'X', 'body', repeat('a', 100001))))$$,
                              :'admin')),
          'body_too_long', 'a body over 100,000 characters');
select is(pg_temp.code(format($$select pg_temp.post(%L, pg_temp.vbody('{"name": "X"}'))$$, :'cap')),
          'insufficient_scope', 'a captain cannot write');
select is((select array[t, v] from before_counts),
          array[(select count(*) from scc.waiver_templates), (select count(*) from scc.waiver_versions)],
          'and none of them wrote a template or a version');

-- ---- versions are immutable, even for their owner -----------------------------------------------------
set local role scc_owner;
select throws_ok($$update scc.waiver_versions set body = 'changed', body_sha256 = encode(sha256(convert_to('changed', 'UTF8')), 'hex')$$,
                 'SC409', null, 'the owner cannot update a version');
select throws_ok($$delete from scc.waiver_versions$$, 'SC409', null, 'nor delete one');
select throws_ok($$truncate scc.waiver_versions cascade$$, 'SC409', null, 'nor truncate them');
reset role;
select throws_ok($$update scc.waiver_versions set change_note = 'x'$$, 'SC409', null, 'nor the superuser');

-- ---- the pin, and moving an event on --------------------------------------------------------------------
insert into scc.events (boat_id, title, departure_at, return_at, time_zone, crew_min, crew_max, guest_max, state)
values (:'bravo', 'WT sail', now() + interval '3 days', now() + interval '3 days 3 hours', 'America/Los_Angeles',
        0, 1, 6, 'draft')
returning id as ev \gset
select is((select waiver_version_id from scc.events where id = :'ev'), null, 'a draft requires no version');
update scc.events set state = 'scheduled' where id = :'ev';
select id as g_v3 from scc.waiver_versions where template_id = :'tpl_g' and version = 3 \gset
select id as g_v2 from scc.waiver_versions where template_id = :'tpl_g' and version = 2 \gset
select is((select waiver_version_id from scc.events where id = :'ev'), :'g_v3'::uuid,
          'scheduling pins the version current for the boat');
insert into scc.event_roles (event_id, user_id, role, state, reason) values (:'ev', :'guest', 'guest', 'confirmed', 'fixture');
insert into scc.waiver_signatures (version_id, body_sha256, event_id, user_id, legal_name, email, date_of_birth,
                                   intent_text, consent_text, emergency_name, emergency_phone, emergency_relationship)
select v.id, '', :'ev', :'guest', 'Gus Guest', 'guest@wtpl.example', '1990-01-02', v.intent_text, v.consent_text,
       'Mo Guest', '+1 619 555 0100', 'mother'
  from scc.waiver_versions as v where v.id = :'g_v3';
select is((select scc.guest_hold(e, r) from scc.events as e join scc.event_roles as r on r.event_id = e.id
            where e.id = :'ev' and r.user_id = :'guest'), null, 'the guest signed version 3: no hold');

create function pg_temp.move(actor uuid, ev uuid, body jsonb) returns jsonb language sql as $$
    select r.body::jsonb || jsonb_build_object('_status', r.status)
      from scc_api.event_waiver_version(pg_temp.ctx(actor, params => jsonb_build_object('id', ev), body => body)) as r
$$;
select is(pg_temp.code(format($$select pg_temp.move(%L, %L, %L)$$, :'admin', :'ev',
                              jsonb_build_object('version_id', :'g_v2', 'reason', 'older'))),
          'version_not_newer', 'an older version is refused');
select is(pg_temp.code(format($$select pg_temp.move(%L, %L, %L)$$, :'admin', :'ev',
                              jsonb_build_object('version_id', :'g_v3', 'reason', 'same'))),
          'version_not_newer', 'so is the one it requires');
select is(pg_temp.code(format($$select pg_temp.move(%L, %L, %L)$$, :'admin', :'ev',
                              jsonb_build_object('version_id', (select id from scc.waiver_versions where template_id = :'tpl_a'),
                                                 'reason', 'other boat'))),
          'version_other_template', 'a version of another boat''s template is refused');
select is(pg_temp.code(format($$select pg_temp.move(%L, %L, %L)$$, :'admin', :'ev',
                              jsonb_build_object('version_id', :'g_v3'))),
          'reason_required', 'a move needs a reason');
select is(pg_temp.code(format($$select pg_temp.move(%L, %L, %L)$$, :'cap', :'ev',
                              jsonb_build_object('version_id', :'g_v3', 'reason', 'x'))),
          'insufficient_scope', 'only an admin moves an event');
select is((select waiver_version_id from scc.events where id = :'ev'), :'g_v3'::uuid, 'the refusals changed nothing');

select pg_temp.post(:'admin', pg_temp.vbody(jsonb_build_object('template_id', :'tpl_g',
                    'body', E'# Risks\n\nSailing is **risky**.\nSo is the sun.\nAnd the wind.\n',
                    'consent_text', 'I agree to electronic records.'))) ->> 'version' as v4 \gset
select id as g_v4 from scc.waiver_versions where template_id = :'tpl_g' and version = 4 \gset
create temporary table mv as
    select pg_temp.move(:'admin', :'ev', jsonb_build_object('version_id', :'g_v4', 'reason', 'wind clause')) as j;
select is((select (j ->> '_status')::int from mv), 200, 'an admin moves the event to version 4');
select is((select waiver_version_id from scc.events where id = :'ev'), :'g_v4'::uuid, 'it requires version 4 now');
select is((select j -> 'held' from mv),
          jsonb_build_array(jsonb_build_object('user_id', :'guest', 'name', 'Gus Guest', 'hold', 'waiver_outdated')),
          'the guest who signed version 3 is held (waiver_outdated), and the answer says so');
select is((select body::jsonb #>> '{you,next}'
             from scc_api.event_get(pg_temp.ctx(:'guest', params => jsonb_build_object('id', :'ev')))),
          'waiver', 'their event page routes them to the waiver');
select is((select reason || ' ' || (after ->> 'version') from scc.audit_log where action = 'event.waiver_version'
            order by id desc limit 1), 'wind clause 4', 'the move is audited with its reason');
update scc.events set state = 'cancelled', cancel_reason = 'weather' where id = :'ev';
select is(pg_temp.code(format($$select pg_temp.move(%L, %L, %L)$$, :'admin', :'ev',
                              jsonb_build_object('version_id', :'g_v4', 'reason', 'x'))),
          'event_cancelled', 'a cancelled event keeps its version');

-- ---- what changed ------------------------------------------------------------------------------------
select is(scc.line_diff(E'a\nb\nc', E'a\nx\nc'),
          '[{"op": "same", "line": "a"}, {"op": "del", "line": "b"}, {"op": "add", "line": "x"}, {"op": "same", "line": "c"}]'::jsonb,
          'a changed line is deleted then added, between the lines kept');
select is(scc.line_diff(E'a\nb\nc\nd', E'b\nc\ne\nd'),
          '[{"op": "del", "line": "a"}, {"op": "same", "line": "b"}, {"op": "same", "line": "c"}, {"op": "add", "line": "e"}, {"op": "same", "line": "d"}]'::jsonb,
          'the longest common subsequence is kept');
select is(scc.line_diff('', E'a\r\nb'),
          '[{"op": "add", "line": "a"}, {"op": "add", "line": "b"}]'::jsonb, 'from nothing, every line added (CRLF splits)');
create temporary table vs as
    select r.body::jsonb as j
      from scc_api.waiver_template_versions(pg_temp.ctx(:'cap', params => jsonb_build_object('id', :'tpl_g'),
                                                        query => '{"from": "2", "to": "4"}')) as r;
select is((select jsonb_path_query_array(j, '$.versions[*].version') from vs), '[4, 3, 2, 1]'::jsonb,
          'a captain reads every version, newest first');
select is((select j #> '{versions,0,changed}' from vs),
          scc.line_diff(E'# Risks\n\nSailing is **risky**.\nSo is the sun.\n',
                        E'# Risks\n\nSailing is **risky**.\nSo is the sun.\nAnd the wind.\n'),
          'each with the diff against the version before');
select is((select j #> '{versions,1,changed_fields}' from vs), '["consent_text"]'::jsonb,
          'and which fields changed (version 3: a statement only)');
select is((select j #> '{versions,3,changed}' from vs), 'null'::jsonb, 'version 1 has no version before');
select is((select jsonb_path_query_array(j, '$.compare.changed[*] ? (@.op != "same")') from vs),
          '[{"op": "add", "line": "And the wind."}]'::jsonb, 'from=2&to=4 compares two chosen versions');

select * from finish();
rollback;
