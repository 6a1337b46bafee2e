-- 006_one_email_shape.sql — one rule for what an email address looks like.
--
-- Why: 002 (schedules' recipients, scc.email_ok) and 004 (sign-in and
-- invites, scc.check_email) each had a pattern of their own, and they
-- disagreed: 004 let through <, >, ", comma and semicolon (which would end
-- up inside a To: header), 002 let through control characters.  The one
-- rule now: local@domain.tld, at most 254 characters, none of them
-- whitespace, a control character or one of < > " , ; and a dot-free last
-- label.  scc.check_email keeps its job (trim, then 400 email_required or
-- invalid_email) and asks scc.email_ok for the shape.

create or replace function scc.email_ok(address text)
returns boolean
language sql
immutable
set search_path = pg_catalog, scc
as $$
    select length(address) <= 254
       and address ~ '^[^@[:space:][:cntrl:]<>",;]+@[^@[:space:][:cntrl:]<>",;]+\.[^@[:space:][:cntrl:]<>",;.]+$'
$$;
comment on function scc.email_ok(text) is
    'the one email shape: local@domain.tld, <= 254 characters, no whitespace, control character or < > " , ;';

-- A normalised email address (trimmed), or SC400 email_required / invalid_email.
create or replace function scc.check_email(email text) returns text
language plpgsql immutable
set search_path = pg_catalog, scc
as $$
declare
    e text := btrim(email);
begin
    if e is null or e = '' then
        perform scc.fail(400, 'email_required', 'an email address is required');
    end if;
    if not scc.email_ok(e) then
        perform scc.fail(400, 'invalid_email', 'this is not an email address');
    end if;
    return e;
end
$$;
