-- 013_uuid_check_without_regex.sql — scc.check_uuid without a regular
-- expression.
--
-- Why: every authenticated route checks the token's subject and most check
-- an :id, so check_uuid runs once or twice per request.  Its case-
-- insensitive regex built a fresh DFA on each call: about 46,000
-- instructions a check (callgrind, a single-user backend), a fifth of all
-- the work of GET /api/users/:id.  The shape test below (LIKE for the
-- length and the hyphens) and the uuid cast in a block that catches its
-- error cost about 11,000, subtransaction included.
--
-- It accepts exactly what the regex did: 36 characters, hyphens at 9, 14,
-- 19 and 24, hex digits (either case) everywhere else.  A string of that
-- shape that uuid_in refuses has a non-hex character; uuid_in's other
-- spellings (braces, no hyphens, hyphens every four digits) never have
-- that shape.  tests/sql/checks.sql holds the cases.

create or replace function scc.check_uuid(value text, code text, what text) returns uuid
language plpgsql immutable
as $$
begin
    if value like '________-____-____-____-____________' then
        begin
            return value::uuid;
        exception when invalid_text_representation then
            null;  -- a character that is not a hex digit: refused below
        end;
    end if;
    perform scc.fail(400, code, what || ' must be a uuid');
end
$$;
comment on function scc.check_uuid(text, text, text) is
    'a canonical uuid (8-4-4-4-12 hex digits, either case) as uuid, else SC400 with the caller''s code';
