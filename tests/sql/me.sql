-- me.sql — sql/migrations/018_calendar_and_me.sql: your own settings.
-- GET /api/me/profile (scc_api.me_get) and PATCH /api/me (scc_api.me_update):
-- each field validated with its own code, unknown fields refused by name,
-- nothing changed by a refusal, one audit row per change and none when
-- nothing changed.  Runs in one transaction, rolled back.
begin;
create extension if not exists pgtap;
select plan(31);

insert into scc.users (id, email, name, phone, role) values
    ('00000000-0000-4000-8000-0000000000c1', 'me-crew@test.example', 'Old Name', '+1 619 555 0100', 'crew');

create function pg_temp.me(body jsonb) returns jsonb language sql as $$
    select (scc_api.me_update(jsonb_build_object(
        'actor', jsonb_build_object('id', '00000000-0000-4000-8000-0000000000c1', 'role', 'crew'),
        'request_id', 'me-test', 'body', body))).body::jsonb
$$;
create function pg_temp.row() returns jsonb language sql as $$
    select jsonb_build_object('name', name, 'phone', phone, 'notify_email', notify_email)
      from scc.users where id = '00000000-0000-4000-8000-0000000000c1'
$$;
create function pg_temp.audits() returns int language sql as $$
    select count(*)::int from scc.audit_log
     where action = 'user.settings' and entity_id = '00000000-0000-4000-8000-0000000000c1'
$$;

-- GET /api/me/profile
select is((scc_api.me_get('{"actor":{"id":"00000000-0000-4000-8000-0000000000c1","role":"crew"}}')).status,
          200, 'profile: 200');
select is((scc_api.me_get('{"actor":{"id":"00000000-0000-4000-8000-0000000000c1","role":"crew"}}')).body::jsonb
              - 'created_at' - 'id',
          '{"email": "me-crew@test.example", "name": "Old Name", "phone": "+1 619 555 0100", "role": "crew",
            "disabled_at": null, "notify_email": true}'::jsonb,
          'profile: the user and notify_email');
select throws_ok($$ select scc_api.me_get('{}') $$, 'SC401', 'this route needs a token', 'profile: needs a token');

-- a change of each field
select is(pg_temp.me('{"name": "  New Name\t"}') ->> 'name', 'New Name', 'name: trimmed and saved');
select is(pg_temp.me('{"phone": "(619) 555-0199"}') ->> 'phone', '(619) 555-0199', 'phone: saved');
select is(pg_temp.me('{"notify_email": false}') -> 'notify_email', 'false'::jsonb, 'notify_email: off');
select is(pg_temp.row(), '{"name": "New Name", "phone": "(619) 555-0199", "notify_email": false}'::jsonb,
          'the row holds the three changes');
select is(pg_temp.audits(), 3, 'one audit row per change');
select is((select before || after from scc.audit_log
            where action = 'user.settings' and entity_id = '00000000-0000-4000-8000-0000000000c1'
            order by id desc limit 1),
          '{"name": "New Name", "phone": "(619) 555-0199", "notify_email": false}'::jsonb,
          'the audit row has before and after');
select is((select request_id from scc.audit_log
            where action = 'user.settings' and entity_id = '00000000-0000-4000-8000-0000000000c1'
            order by id desc limit 1), 'me-test', 'and the request');

-- several at once, and nothing changed: no audit
select is(pg_temp.me('{"name": "Both", "notify_email": true, "phone": null}') - 'created_at' - 'id' - 'email'
              - 'role' - 'disabled_at',
          '{"name": "Both", "phone": null, "notify_email": true}'::jsonb, 'several fields at once; phone null removes it');
select is(pg_temp.audits(), 4, 'one audit row for the call');
select is(pg_temp.me('{"name": "Both"}') ->> 'name', 'Both', 'the same value again: 200');
select is(pg_temp.me('{}') ->> 'name', 'Both', 'an empty body: 200');
select is(pg_temp.audits(), 4, 'no audit row when nothing changed');
select is(pg_temp.me('{"phone": ""}') -> 'phone', 'null'::jsonb, 'phone "" removes it too');

-- refusals, each with its code, each changing nothing
select throws_ok($$ select pg_temp.me('{"name": "x", "email": "a@b.c"}') $$, 'SC400', 'unknown field email (allowed: name, phone, notify_email)',
                 'an unknown field is refused by name');
select throws_ok($$ select pg_temp.me('{"role": "admin"}') $$, 'SC400', 'unknown field role (allowed: name, phone, notify_email)',
                 'the role is not yours to change');
select throws_ok($$ select pg_temp.me('{"name": ""}') $$, 'SC400', 'name must be 1 to 200 characters', 'name: empty');
select throws_ok($$ select pg_temp.me('{"name": "   "}') $$, 'SC400', 'name must be 1 to 200 characters', 'name: blank');
select throws_ok(format($$ select pg_temp.me('{"name": "%s"}') $$, repeat('n', 201)), 'SC400',
                 'name must be 1 to 200 characters', 'name: 201 characters');
select throws_ok($$ select pg_temp.me('{"name": 7}') $$, 'SC400', 'name must be a string', 'name: a number');
select throws_ok($$ select pg_temp.me('{"name": "a\nb"}') $$, 'SC400', 'name may not contain control characters',
                 'name: a line break inside');
select throws_ok($$ select pg_temp.me('{"phone": "call me"}') $$, 'SC400', null, 'phone: letters');
select throws_ok($$ select pg_temp.me('{"phone": "12"}') $$, 'SC400', null, 'phone: too few digits');
select throws_ok(format($$ select pg_temp.me('{"phone": "%s"}') $$, repeat('1', 41)), 'SC400',
                 'phone is at most 40 characters', 'phone: 41 characters');
select throws_ok($$ select pg_temp.me('{"phone": 6195550100}') $$, 'SC400', 'phone must be a string or null',
                 'phone: a number');
select throws_ok($$ select pg_temp.me('{"notify_email": "no"}') $$, 'SC400', 'notify_email must be true or false',
                 'notify_email: a string');
select throws_ok($$ select pg_temp.me('{"notify_email": null}') $$, 'SC400', 'notify_email must be true or false',
                 'notify_email: null');
select is(pg_temp.row(), '{"name": "Both", "phone": null, "notify_email": true}'::jsonb,
          'the refusals changed nothing');

-- the codes (DETAIL) name the field
create function pg_temp.detail(body jsonb) returns text language plpgsql as $$
declare
    d text;
begin
    perform pg_temp.me(body);
    return null;
exception when others then
    get stacked diagnostics d = pg_exception_detail;
    return d;
end
$$;
select is(array(select pg_temp.detail(b) from unnest(array['{"name": 1}', '{"phone": "x"}', '{"notify_email": 1}',
                                                           '{"zzz": 1}']::jsonb[]) as b),
          array['invalid_name', 'invalid_phone', 'invalid_notify_email', 'unknown_field'],
          'the codes: invalid_name, invalid_phone, invalid_notify_email, unknown_field');

select * from finish();
rollback;
