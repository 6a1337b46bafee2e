-- email_shape.sql — one email shape (sql/migrations/006_one_email_shape.sql):
-- scc.email_ok (schedules' recipients) and scc.check_email (sign-in and
-- invites, after trimming) accept and refuse exactly the same addresses.
-- Runs in one transaction, rolled back.
begin;
create extension if not exists pgtap;

create temp table cases (address text, ok boolean);
insert into cases (address, ok) values
    ('ann@example.com', true),
    ('first.last+tag@sub.example.co.uk', true),
    ('o''brien@example.ie', true),
    ('zoë@exämple.de', true),
    ('a@b.c', true),
    ('ann@example', false),              -- no dot in the domain
    ('ann.example.com', false),          -- no @
    ('ann@@example.com', false),
    ('@example.com', false),
    ('ann@example.com.', false),         -- empty last label
    ('ann smith@example.com', false),    -- whitespace
    (E'ann@exa\tmple.com', false),
    (E'ann@example.com\n', false),       -- a header injection attempt
    (E'ann\u0001@example.com', false),   -- a control character
    ('<ann@example.com>', false),        -- angle brackets: a header's syntax
    ('"Ann" ann@example.com', false),
    ('ann@example.com,bob@example.com', false),
    ('ann@example.com;bob@example.com', false),
    (repeat('a', 243) || '@example.com', false),   -- 255 characters
    (repeat('a', 242) || '@example.com', true);    -- 254

select plan((select count(*)::int * 2 + 2 from cases));

select is(scc.email_ok(address), ok, format('email_ok(%L) is %s', address, ok))
  from cases;

-- check_email: the same verdicts (a refusal is SC400 invalid_email)
create function pg_temp.check(address text) returns boolean
language plpgsql as $$
begin
    perform scc.check_email(address);
    return true;
exception when sqlstate 'SC400' then
    return false;
end
$$;

select is(pg_temp.check(address), ok, format('check_email(%L) accepts: %s', address, ok))
  from cases;

select is(scc.check_email('  ann@example.com '), 'ann@example.com',
          'check_email trims before it checks');
select throws_ok($$select scc.check_email('   ')$$, 'SC400', 'an email address is required',
                 'blank: email_required');

select * from finish();
rollback;
