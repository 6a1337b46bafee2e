-- checks.sql — the input checks every route shares: scc.check_uuid accepts
-- exactly the canonical 8-4-4-4-12 hex form (either case) and refuses
-- everything else with the caller's code, whatever uuid_in would accept.
-- Runs in one transaction, rolled back.
begin;
create extension if not exists pgtap;
select plan(17);

select is(scc.check_uuid('25beb505-8d0f-4896-9f7b-10019e26515b', 'c', 'x'),
          '25beb505-8d0f-4896-9f7b-10019e26515b'::uuid, 'lower case');
select is(scc.check_uuid('25BEB505-8D0F-4896-9F7B-10019E26515B', 'c', 'x'),
          '25beb505-8d0f-4896-9f7b-10019e26515b'::uuid, 'upper case');
select is(scc.check_uuid('25Beb505-8d0F-4896-9f7b-10019e26515B', 'c', 'x'),
          '25beb505-8d0f-4896-9f7b-10019e26515b'::uuid, 'mixed case');

-- uuid_in takes all of these; the API does not
select throws_ok($$select scc.check_uuid('25beb5058d0f48969f7b10019e26515b', 'bad_id', 'the id')$$,
                 'SC400', 'the id must be a uuid', 'no hyphens');
select throws_ok($$select scc.check_uuid('{25beb505-8d0f-4896-9f7b-10019e26515b}', 'bad_id', 'the id')$$,
                 'SC400', 'the id must be a uuid', 'braces');
select throws_ok($$select scc.check_uuid('25be-b505-8d0f-4896-9f7b-1001-9e26-515b', 'bad_id', 'the id')$$,
                 'SC400', 'the id must be a uuid', 'hyphens every four digits');
select throws_ok($$select scc.check_uuid('{25beb5058d0f48969f7b10019e26515}', 'bad_id', 'the id')$$,
                 'SC400', 'the id must be a uuid', 'braces, 31 digits');
-- the right shape, the wrong characters
select throws_ok($$select scc.check_uuid('25beb505-8d0f-4896-9f7b-10019e26515g', 'bad_id', 'the id')$$,
                 'SC400', 'the id must be a uuid', 'a g');
select throws_ok($$select scc.check_uuid('25beb505-8d0f-4896-9f7b-10019e26515-', 'bad_id', 'the id')$$,
                 'SC400', 'the id must be a uuid', 'a fifth hyphen');
select throws_ok($$select scc.check_uuid('25beb505-8d0f-4896-9f7b-10019e2651 b', 'bad_id', 'the id')$$,
                 'SC400', 'the id must be a uuid', 'a space');
select throws_ok($$select scc.check_uuid('25beb505-8d0f-4896-9f7b-10019e26515é', 'bad_id', 'the id')$$,
                 'SC400', 'the id must be a uuid', 'a letter outside ASCII');
-- the wrong shape
select throws_ok($$select scc.check_uuid('25beb505-8d0f-4896-9f7b-10019e26515', 'bad_id', 'the id')$$,
                 'SC400', 'the id must be a uuid', '35 characters');
select throws_ok($$select scc.check_uuid('25beb505-8d0f-4896-9f7b-10019e26515bb', 'bad_id', 'the id')$$,
                 'SC400', 'the id must be a uuid', '37 characters');
select throws_ok($$select scc.check_uuid(e'25beb505-8d0f-4896-9f7b-10019e26515b\n', 'bad_id', 'the id')$$,
                 'SC400', 'the id must be a uuid', 'a trailing newline');
select throws_ok($$select scc.check_uuid('', 'bad_id', 'the id')$$,
                 'SC400', 'the id must be a uuid', 'empty');
select throws_ok($$select scc.check_uuid(null, 'bad_id', 'the id')$$,
                 'SC400', 'the id must be a uuid', 'null');
select throws_like($$select scc.check_uuid('nope', 'bad_id', 'the token subject')$$,
                   'the token subject must be a uuid', 'the message names the field');

select * from finish();
rollback;
