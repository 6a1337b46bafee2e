-- 032_ledger.sql — the business's entities, a double-entry ledger per
-- entity, and CSV import (issue 11, helper K).  What this adds:
--   scc.entities, scc.accounts, scc.journal_entries, scc.journal_lines
--   scc.account_balances(entity, as_of)           (the reports' helper)
--   scc.imports and scc.import_csv(kind, csv, actor, filename)
--   POST /api/imports   (admin: import a CSV file of one kind)
--   GET /api/imports    (admin: the layouts of the kinds, the history)
--
-- Decisions:
--   * The entities are reference data the reports find by slug, so they are
--     seeded here: `charter` (the charter operation: its boats are the rows
--     of scc.boats, JADA and Queen of San Diego, one entity with one ledger),
--     `quickdumpnow`, `dangerouscentaur` (consulting), `rental-3028-51st`
--     (the rental property at 3028 51st St) and `expert-yacht-delivery`.
--     Their charts of accounts and entries are data (demo.sql, imports).
--   * Ledger ids are bigint identities, not uuids: the benchmark holds a
--     million lines, and a line carries three keys.
--   * Sign convention: journal_lines.amount_cents is positive for a debit
--     and negative for a credit, so an entry balances when its lines sum to
--     zero, per currency.  An account's balance on its normal side (debit
--     for assets and expenses, credit for liabilities, equity and revenue)
--     is what scc.account_balances calls balance_cents.
--   * A line's account belongs to the line's entity and the line's entity
--     and date are its entry's: composite foreign keys (entry, entity,
--     posted_on) and (account, entity), so no trigger is needed for it and
--     lines carry posted_on for the (account, posted_on) index the reports
--     read.  The entry's date changes its lines' (on update cascade).
--   * Balance is enforced at COMMIT by a deferred constraint trigger on the
--     lines (SC422 unbalanced_entry naming the entry's external id, its
--     source and entity, the currency and both sides), so an importer can
--     write an entry's lines one by one.
--   * Import is SQL, so the CLI (scc-worker import) and the route share one
--     implementation: parse (an RFC 4180 parser in SQL), check the header
--     (the kind's exact set of columns, in any order), check every row and
--     collect every error, and only when there is none apply the file in
--     the same transaction.  A refused file is recorded (scc.imports, with
--     its errors) and nothing of it is applied: the function returns the
--     refusal instead of raising, so the record commits.
--   * A kind is: one element of scc.import_layouts() (its columns), one
--     branch of scc.import_check and one of scc.import_apply (a static CASE:
--     no dynamic SQL).  Later kinds `create or replace` those three.

-- ---------------------------------------------------------------------------
-- Entities and the ledger
-- ---------------------------------------------------------------------------

create table scc.entities (
    id         bigint generated always as identity constraint entities_pkey primary key,
    slug       text not null
               constraint entities_slug_key unique
               constraint entities_slug_check check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 40),
    name       text not null
               constraint entities_name_check check (btrim(name) <> '' and length(name) <= 200),
    kind       text not null
               constraint entities_kind_check
               check (kind in ('charter', 'hauling', 'consulting', 'rental', 'delivery', 'holding')),
    active     boolean not null default true,
    created_at timestamptz not null default now()
);
comment on table scc.entities is
    'the business''s entities (each with its own chart of accounts and ledger), found by slug';

insert into scc.entities (slug, name, kind) values
    ('charter', 'Charter operation (JADA, Queen of San Diego)', 'charter'),
    ('quickdumpnow', 'QuickDumpNow', 'hauling'),
    ('dangerouscentaur', 'DangerousCentaur', 'consulting'),
    ('rental-3028-51st', '3028 51st St', 'rental'),
    ('expert-yacht-delivery', 'Expert Yacht Delivery', 'delivery');

create table scc.accounts (
    id         bigint generated always as identity constraint accounts_pkey primary key,
    entity_id  bigint not null constraint accounts_entity_id_fkey references scc.entities (id),
    code       text not null
               constraint accounts_code_check check (code ~ '^[A-Za-z0-9][A-Za-z0-9.-]{0,19}$'),
    name       text not null
               constraint accounts_name_check check (btrim(name) <> '' and length(name) <= 200),
    type       text not null
               constraint accounts_type_check
               check (type in ('asset', 'liability', 'equity', 'revenue', 'expense')),
    active     boolean not null default true,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint accounts_entity_id_code_key unique (entity_id, code),
    constraint accounts_id_entity_id_key unique (id, entity_id)
);
comment on table scc.accounts is
    'the chart of accounts of each entity: code (unique per entity), name, type';

create table scc.imports (
    id          bigint generated always as identity constraint imports_pkey primary key,
    kind        text not null constraint imports_kind_check check (kind ~ '^[a-z_]{1,40}$'),
    filename    text constraint imports_filename_check check (length(filename) <= 255),
    sha256      text not null constraint imports_sha256_check check (sha256 ~ '^[0-9a-f]{64}$'),
    bytes       int not null constraint imports_bytes_check check (bytes >= 0),
    status      text not null constraint imports_status_check check (status in ('applied', 'refused')),
    rows        int not null default 0 constraint imports_rows_check check (rows >= 0),
    inserted    int not null default 0 constraint imports_inserted_check check (inserted >= 0),
    updated     int not null default 0 constraint imports_updated_check check (updated >= 0),
    error_count int not null default 0 constraint imports_error_count_check check (error_count >= 0),
    errors      jsonb,
    actor_id    uuid constraint imports_actor_id_fkey references scc.users (id),
    via         text not null constraint imports_via_check check (via in ('api', 'cli')),
    at          timestamptz not null default now(),
    constraint imports_refused_errors_check
        check ((status = 'refused') = (error_count > 0) and (errors is null) = (status = 'applied'))
);
comment on table scc.imports is
    'every CSV import, applied (counts) or refused (its errors, nothing applied): kind, file name, SHA-256, who, when';
create index imports_kind_idx on scc.imports (kind, id desc);

create table scc.journal_entries (
    id          bigint generated always as identity constraint journal_entries_pkey primary key,
    entity_id   bigint not null constraint journal_entries_entity_id_fkey references scc.entities (id),
    posted_on   date not null,
    memo        text not null default ''
                constraint journal_entries_memo_check check (length(memo) <= 500),
    source      text not null
                constraint journal_entries_source_check check (source ~ '^[a-z0-9][a-z0-9_.-]{0,39}$'),
    external_id text not null
                constraint journal_entries_external_id_check
                check (btrim(external_id) = external_id and external_id <> '' and length(external_id) <= 100),
    import_id   bigint constraint journal_entries_import_id_fkey references scc.imports (id),
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    constraint journal_entries_entity_id_source_external_id_key unique (entity_id, source, external_id),
    constraint journal_entries_id_entity_id_posted_on_key unique (id, entity_id, posted_on)
);
comment on table scc.journal_entries is
    'a journal entry of an entity: date, memo, where it came from (source, external id unique per entity and source)';
create index journal_entries_entity_id_posted_on_idx on scc.journal_entries (entity_id, posted_on);
create index journal_entries_import_id_idx on scc.journal_entries (import_id);

create table scc.journal_lines (
    id           bigint generated always as identity constraint journal_lines_pkey primary key,
    entry_id     bigint not null,
    entity_id    bigint not null,
    posted_on    date not null,
    account_id   bigint not null,
    amount_cents bigint not null constraint journal_lines_amount_cents_check check (amount_cents <> 0),
    currency     char(3) not null constraint journal_lines_currency_check check (currency ~ '^[A-Z]{3}$'),
    memo         text not null default ''
                 constraint journal_lines_memo_check check (length(memo) <= 500),
    constraint journal_lines_entry_id_entity_id_posted_on_fkey foreign key (entry_id, entity_id, posted_on)
        references scc.journal_entries (id, entity_id, posted_on) on update cascade on delete cascade,
    constraint journal_lines_account_id_entity_id_fkey foreign key (account_id, entity_id)
        references scc.accounts (id, entity_id)
);
comment on table scc.journal_lines is
    'a line of a journal entry: an account of the entry''s entity, amount_cents > 0 debit, < 0 credit, a currency';
comment on column scc.journal_lines.amount_cents is
    'integer cents: positive = debit, negative = credit; an entry''s lines sum to zero per currency (checked at commit)';
create index journal_lines_entry_id_idx on scc.journal_lines (entry_id);
create index journal_lines_account_id_posted_on_idx on scc.journal_lines (account_id, posted_on)
    include (amount_cents, currency);

-- Cents as a decimal text: 12345 → '123.45', -5 → '-0.05'.
create function scc.cents_text(cents bigint)
returns text
language sql
immutable
as $$
    select case when cents < 0 then '-' else '' end
           || (abs(cents) / 100)::text || '.' || lpad((abs(cents) % 100)::text, 2, '0')
$$;
comment on function scc.cents_text(bigint) is 'integer cents as a decimal text with two places (12345 → 123.45)';

-- The balance check (deferred to commit): the entry of the line (the old and
-- the new one on an update that moves it) sums to zero in each currency.
-- Security definer: at commit it runs as whoever commits (scc_web,
-- scc_worker), who may not read the ledger.
create function scc.journal_lines_balanced()
returns trigger
language plpgsql
security definer
set search_path = pg_catalog, scc
as $$
declare
    ids bigint[];
    bad record;
begin
    if tg_op = 'DELETE' then
        ids := array[old.entry_id];
    elsif tg_op = 'UPDATE' and old.entry_id <> new.entry_id then
        ids := array[new.entry_id, old.entry_id];
    else
        ids := array[new.entry_id];
    end if;
    select e.external_id, e.source, n.slug, x.currency, x.debits, x.credits
      into bad
      from (select l.entry_id, l.currency,
                   coalesce(sum(l.amount_cents) filter (where l.amount_cents > 0), 0)::bigint as debits,
                   coalesce(-sum(l.amount_cents) filter (where l.amount_cents < 0), 0)::bigint as credits
              from scc.journal_lines as l
             where l.entry_id = any (ids)
             group by l.entry_id, l.currency
            having sum(l.amount_cents) <> 0
             order by l.entry_id, l.currency
             limit 1) as x
      join scc.journal_entries as e on e.id = x.entry_id
      join scc.entities as n on n.id = e.entity_id;
    if found then
        raise exception using
            errcode = 'SC422', detail = 'unbalanced_entry',
            message = format('journal entry %s (%s, source %s) does not balance in %s: debits %s, credits %s',
                             bad.external_id, bad.slug, bad.source, bad.currency,
                             scc.cents_text(bad.debits), scc.cents_text(bad.credits));
    end if;
    return null;
end
$$;
comment on function scc.journal_lines_balanced() is
    'constraint trigger (deferred): SC422 unbalanced_entry when an entry''s lines do not sum to zero in a currency';

create constraint trigger journal_lines_balanced
    after insert or update or delete on scc.journal_lines
    deferrable initially deferred
    for each row execute function scc.journal_lines_balanced();

-- An entry has lines (checked at commit, as the balance is).
create function scc.journal_entries_have_lines()
returns trigger
language plpgsql
security definer
set search_path = pg_catalog, scc
as $$
begin
    if exists (select 1 from scc.journal_entries as e where e.id = new.id)
       and not exists (select 1 from scc.journal_lines as l where l.entry_id = new.id) then
        raise exception using
            errcode = 'SC422', detail = 'entry_without_lines',
            message = format('journal entry %s (source %s) has no lines', new.external_id, new.source);
    end if;
    return null;
end
$$;
comment on function scc.journal_entries_have_lines() is
    'constraint trigger (deferred): SC422 entry_without_lines for an entry committed without a line';

create constraint trigger journal_entries_have_lines
    after insert on scc.journal_entries
    deferrable initially deferred
    for each row execute function scc.journal_entries_have_lines();

-- The balance of every account of an entity (by slug) on a date, per
-- currency: debits and credits to that date inclusive, net (debits −
-- credits) and the balance on the account's normal side (net for assets and
-- expenses, −net for liabilities, equity and revenue).  An account without
-- a line is one row with currency null and zeros.  Ordered by code.
create function scc.account_balances(entity text, as_of date)
returns table (account_id bigint, code text, name text, type text, currency char(3),
               debit_cents bigint, credit_cents bigint, net_cents bigint, balance_cents bigint)
language plpgsql
stable
as $$
begin
    return query
    select a.id, a.code, a.name, a.type, s.currency,
           coalesce(s.debits, 0)::bigint, coalesce(s.credits, 0)::bigint,
           coalesce(s.debits - s.credits, 0)::bigint,
           (case when a.type in ('asset', 'expense') then 1 else -1 end
            * coalesce(s.debits - s.credits, 0))::bigint
      from scc.entities as n
      join scc.accounts as a on a.entity_id = n.id
      left join lateral (
          select l.currency,
                 coalesce(sum(l.amount_cents) filter (where l.amount_cents > 0), 0) as debits,
                 coalesce(-sum(l.amount_cents) filter (where l.amount_cents < 0), 0) as credits
            from scc.journal_lines as l
           where l.account_id = a.id and l.posted_on <= as_of
           group by l.currency) as s on true
     where n.slug = account_balances.entity
     order by a.code, s.currency;
end
$$;
comment on function scc.account_balances(text, date) is
    'each account of an entity (slug) on a date, per currency: debits, credits, net (debit − credit), balance on its normal side';

-- ---------------------------------------------------------------------------
-- CSV (RFC 4180)
-- ---------------------------------------------------------------------------

-- The records of a CSV text, in order: the line of the file each starts on
-- (1-based), its fields (quotes removed, doubled quotes made one), and the
-- first quoting problem of the record ('field N: ...') or null.  Accepts
-- quoted fields with commas, doubled quotes and line breaks, CRLF, LF or CR
-- line ends, a final line end or none, a UTF-8 byte order mark (dropped).
-- A blank line is skipped (it still counts for line numbers).  A line
-- break inside a quoted field is kept as LF.  Never raises.
--
-- How: the text is split at its quotes; the pieces at odd places are outside
-- quotes, where commas and line ends are turned into the unit and record
-- separators (U+001F, U+001E) and an empty piece between two quoted ones is
-- a doubled quote; then records and fields are plain splits.  A misplaced
-- quote leaves a mark (U+001A, U+001C, U+001D) in its field, which names the
-- problem; a text holding those control characters is refused by the
-- caller (scc.import_run) before it comes here.
create function scc.csv_records(csv text)
returns table (line int, fields text[], problem text)
language sql
immutable
as $$
with s as materialized (
    select regexp_replace(case when left(csv, 1) = E'\uFEFF' then substr(csv, 2) else csv end,
                          E'\r\n?', E'\n', 'g') as s
), segs as materialized (
    select string_to_array(s.s, '"') as a, cardinality(string_to_array(s.s, '"')) as n from s
), t as materialized (
    select string_agg(
               case when x.i % 2 = 0 then
                        case when x.i = segs.n then chr(26) else '' end || x.seg
                    when x.seg = '' and x.i > 1 and x.i < segs.n then '"'
                    else case when x.i > 1 and left(x.seg, 1) not in (',', E'\n') then chr(28) else '' end
                         || translate(x.seg, E',\n', chr(31) || chr(30))
                         || case when x.i < segs.n and x.seg <> '' and right(x.seg, 1) not in (',', E'\n')
                                 then chr(29) else '' end
               end, '' order by x.i) as t
      from segs
     cross join lateral unnest(segs.a) with ordinality as x (seg, i)
), r as materialized (
    select x.k, x.rec,
           1 + coalesce(sum(1 + length(x.rec) - length(replace(x.rec, E'\n', '')))
                            over (order by x.k rows between unbounded preceding and 1 preceding), 0) as line,
           least(nullif(strpos(x.rec, chr(26)), 0), nullif(strpos(x.rec, chr(28)), 0),
                 nullif(strpos(x.rec, chr(29)), 0)) as bad
      from t
     cross join lateral regexp_split_to_table(t.t, chr(30)) with ordinality as x (rec, k)
)
select r.line::int,
       string_to_array(case when r.bad is null then r.rec
                            else translate(r.rec, chr(26) || chr(28) || chr(29), '') end, chr(31)),
       case when r.bad is not null then
           'field ' || (1 + length(left(r.rec, r.bad)) - length(replace(left(r.rec, r.bad), chr(31), ''))) || ': '
           || case substr(r.rec, r.bad, 1)
                  when chr(26) then 'a quoted field is not closed'
                  when chr(28) then 'text after the closing quote of a quoted field'
                  else 'a quote inside an unquoted field (quote the whole field and double each quote in it)' end
       end
  from r
 where r.rec <> ''
 order by r.k
$$;
comment on function scc.csv_records(text) is
    'RFC 4180 records of a CSV text: (line it starts on, fields, first quoting problem or null); BOM dropped, blank lines skipped';

-- ---------------------------------------------------------------------------
-- Import: values
-- ---------------------------------------------------------------------------

-- A data row of an import: the line it starts on and its fields by column
-- name (values trimmed of spaces).
create type scc.import_row as (line int, f jsonb);
comment on type scc.import_row is 'a row of an imported CSV file: its line and {column: value}';

-- One error of an import, as every answer shows it.
create function scc.import_error(line int, col text, code text, message text)
returns jsonb
language sql
immutable
as $$
    select jsonb_build_object('line', line, 'column', col, 'code', code, 'message', message)
$$;
comment on function scc.import_error(int, text, text, text) is
    'an import error: {line, column (the header''s name, or null), code, message}';

-- YYYY-MM-DD as a date, or null (never raises: checked before it is cast).
create function scc.import_date(v text)
returns date
language sql
immutable
as $$
    select case when v ~ '^[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}$'
                 and substr(v, 6, 2)::int between 1 and 12
                 and substr(v, 9, 2)::int between 1 and
                     extract(day from make_date(substr(v, 1, 4)::int, substr(v, 6, 2)::int, 1)
                                      + interval '1 month - 1 day')::int
                then v::date end
$$;
comment on function scc.import_date(text) is 'a YYYY-MM-DD text as a date, or null when it is not one (never raises)';

-- A decimal amount with at most two places (an optional minus, no
-- thousands separator) as integer cents, or null (never raises).
create function scc.import_cents(v text)
returns bigint
language sql
immutable
as $$
    select case when v ~ '^-?[0-9]{1,13}(\.[0-9]{1,2})?$'
                then (case when left(v, 1) = '-' then -1 else 1 end)
                     * (split_part(ltrim(v, '-'), '.', 1)::bigint * 100
                        + rpad(split_part(v, '.', 2), 2, '0')::bigint)
           end
$$;
comment on function scc.import_cents(text) is
    'a decimal amount (at most two places, optional minus) as integer cents, or null (never raises)';

-- ---------------------------------------------------------------------------
-- Import: the kinds
-- ---------------------------------------------------------------------------

-- Every kind's layout: its columns (the header must name exactly these, in
-- any order), what each holds, whether a value may be empty, what a row
-- is keyed by (a re-import of a key updates it), what inserted/updated
-- count, and its sample file (served with the web app).  A later kind adds
-- its element here and its branches to scc.import_check and
-- scc.import_apply.
create function scc.import_layouts()
returns jsonb
language sql
immutable
as $$
    select jsonb_build_array(
        jsonb_build_object(
            'kind', 'accounts', 'title', 'Chart of accounts',
            'key', 'entity and code', 'counts', 'accounts',
            'sample', '/samples/import/accounts.csv',
            'columns', jsonb_build_array(
                jsonb_build_object('name', 'entity', 'optional', false,
                                   'what', 'the entity''s slug: charter, quickdumpnow, dangerouscentaur, rental-3028-51st, expert-yacht-delivery'),
                jsonb_build_object('name', 'code', 'optional', false,
                                   'what', 'the account''s code, unique in its entity: letters, digits, . and -, at most 20'),
                jsonb_build_object('name', 'name', 'optional', false, 'what', 'the account''s name, at most 200 characters'),
                jsonb_build_object('name', 'type', 'optional', false,
                                   'what', 'asset, liability, equity, revenue or expense'))),
        jsonb_build_object(
            'kind', 'journal', 'title', 'Journal entries (one row per line)',
            'key', 'entity, source and external_id', 'counts', 'entries',
            'sample', '/samples/import/journal.csv',
            'columns', jsonb_build_array(
                jsonb_build_object('name', 'external_id', 'optional', false,
                                   'what', 'the entry''s id in its source; the lines of an entry are consecutive rows'),
                jsonb_build_object('name', 'entity', 'optional', false, 'what', 'the entity''s slug'),
                jsonb_build_object('name', 'posted_on', 'optional', false, 'what', 'the date, YYYY-MM-DD'),
                jsonb_build_object('name', 'memo', 'optional', true,
                                   'what', 'the line''s memo; the first line''s is the entry''s (at most 500 characters)'),
                jsonb_build_object('name', 'account', 'optional', false,
                                   'what', 'an account code of the entity'),
                jsonb_build_object('name', 'debit', 'optional', true,
                                   'what', 'an amount such as 1250.00 (at most two places); a line has a debit or a credit'),
                jsonb_build_object('name', 'credit', 'optional', true, 'what', 'an amount, as debit'),
                jsonb_build_object('name', 'currency', 'optional', false, 'what', 'ISO 4217 code: USD, EUR, MXN ...'),
                jsonb_build_object('name', 'source', 'optional', false,
                                   'what', 'where the entry comes from, lower case: bank, stripe, quickbooks, manual ...'))))
$$;
comment on function scc.import_layouts() is
    'every import kind''s layout: kind, title, key, counts, sample file, columns [{name, optional, what}]';

create function scc.import_layout(kind text)
returns jsonb
language sql
immutable
as $$
    select x from jsonb_array_elements(scc.import_layouts()) as x where x ->> 'kind' = import_layout.kind
$$;
comment on function scc.import_layout(text) is 'one import kind''s layout, or null for an unknown kind';

-- The accounts kind.  Errors per row (entity, code, name, type), and a key
-- (entity, code) given twice in the file.
create function scc.import_accounts_check(rows scc.import_row[])
returns setof jsonb
language plpgsql
stable
as $$
begin
    return query
    with r as (
        select x.line, x.f ->> 'entity' as entity, x.f ->> 'code' as code, x.f ->> 'name' as name,
               x.f ->> 'type' as type, n.id as entity_id,
               min(x.line) over (partition by x.f ->> 'entity', x.f ->> 'code') as first_line
          from unnest(rows) as x
          left join scc.entities as n on n.slug = x.f ->> 'entity' and n.active
    ), e as (
        select r.line, 1 as ord, 'entity' as col,
               case when r.entity = '' then 'entity_required' else 'unknown_entity' end as code,
               case when r.entity = '' then 'an entity is required'
                    else format('no entity %s (entities: %s)', r.entity,
                                (select string_agg(n.slug, ', ' order by n.slug) from scc.entities as n where n.active))
               end as message
          from r where r.entity_id is null
        union all
        select r.line, 2, 'code',
               case when r.code = '' then 'code_required' else 'invalid_code' end,
               case when r.code = '' then 'a code is required'
                    else 'a code is letters, digits, . and -, at most 20, starting with a letter or digit' end
          from r where r.code !~ '^[A-Za-z0-9][A-Za-z0-9.-]{0,19}$'
        union all
        select r.line, 2, 'code', 'duplicate_key',
               format('account %s of %s is already on line %s', r.code, r.entity, r.first_line)
          from r where r.line <> r.first_line and r.code <> ''
        union all
        select r.line, 3, 'name',
               case when r.name = '' then 'name_required' else 'name_too_long' end,
               case when r.name = '' then 'a name is required' else 'a name is at most 200 characters' end
          from r where r.name = '' or length(r.name) > 200
        union all
        select r.line, 4, 'type', 'invalid_type', 'type is asset, liability, equity, revenue or expense'
          from r where r.type not in ('asset', 'liability', 'equity', 'revenue', 'expense')
    )
    select scc.import_error(e.line, e.col, e.code, e.message)
      from e
     order by e.line, e.ord;
end
$$;
comment on function scc.import_accounts_check(scc.import_row[]) is
    'the errors of an accounts import''s rows (entity, code, name, type; a key twice), in line order';

-- Applies checked rows: each (entity, code) inserted or its name and type
-- updated.  Returns {inserted, updated}.
create function scc.import_accounts_apply(rows scc.import_row[], import_id bigint)
returns jsonb
language plpgsql
volatile
as $$
declare
    n_new int;
    n_old int;
begin
    with r as (
        select n.id as entity_id, x.f ->> 'code' as code, x.f ->> 'name' as name, x.f ->> 'type' as type
          from unnest(rows) as x
          join scc.entities as n on n.slug = x.f ->> 'entity'
    ), up as (
        insert into scc.accounts as a (entity_id, code, name, type)
        select r.entity_id, r.code, r.name, r.type from r
        on conflict (entity_id, code) do update
           set name = excluded.name, type = excluded.type, updated_at = now()
        returning (a.xmax = 0) as is_new
    )
    select count(*) filter (where up.is_new), count(*) filter (where not up.is_new)
      into n_new, n_old
      from up;
    return jsonb_build_object('inserted', n_new, 'updated', n_old);
end
$$;
comment on function scc.import_accounts_apply(scc.import_row[], bigint) is
    'applies checked accounts rows (insert, or update name and type by entity and code); {inserted, updated}';

-- A journal import's rows read: each line's values as typed values (null
-- where a value is not valid), its entity and account ids, and its entry's
-- group (consecutive rows with one external_id).
create function scc.import_journal_lines(rows scc.import_row[])
returns table (line int, external_id text, entity text, entity_id bigint, posted_on_text text, posted_on date,
               memo text, account text, account_id bigint, debit text, credit text, debit_cents bigint,
               credit_cents bigint, currency text, source text, run int)
language plpgsql
stable
as $$
begin
    return query
    with r as (
        select x.line, x.f ->> 'external_id' as external_id, x.f ->> 'entity' as entity,
               x.f ->> 'posted_on' as posted_on_text, x.f ->> 'memo' as memo, x.f ->> 'account' as account,
               x.f ->> 'debit' as debit, x.f ->> 'credit' as credit, x.f ->> 'currency' as currency,
               x.f ->> 'source' as source
          from unnest(rows) as x
    ), t as (
        select r.*, n.id as entity_id, scc.import_date(r.posted_on_text) as posted_on,
               a.id as account_id, scc.import_cents(nullif(r.debit, '')) as debit_cents,
               scc.import_cents(nullif(r.credit, '')) as credit_cents,
               (r.external_id is distinct from lag(r.external_id) over (order by r.line))::int as starts
          from r
          left join scc.entities as n on n.slug = r.entity and n.active
          left join scc.accounts as a on a.entity_id = n.id and a.code = r.account
    )
    select t.line, t.external_id, t.entity, t.entity_id, t.posted_on_text, t.posted_on, t.memo, t.account,
           t.account_id, t.debit, t.credit, t.debit_cents, t.credit_cents, t.currency, t.source,
           (sum(t.starts) over (order by t.line))::int
      from t;
end
$$;
comment on function scc.import_journal_lines(scc.import_row[]) is
    'a journal import''s rows with typed values (null when invalid), entity and account ids, and each row''s run of one external_id';

-- The journal kind.  Errors per row, then per entry (the consecutive rows
-- of one external_id): the same external_id again further down, lines that
-- disagree on entity, date or source, and an entry whose debits and
-- credits differ in a currency (named with its lines).
create function scc.import_journal_check(rows scc.import_row[])
returns setof jsonb
language plpgsql
stable
as $$
begin
    return query
    with l as (
        select * from scc.import_journal_lines(rows)
    ), g as (
        select l.*, first_value(l.line) over w as first_line,
               first_value(l.entity) over w as g_entity, first_value(l.posted_on_text) over w as g_posted_on,
               first_value(l.source) over w as g_source,
               min(l.run) over (partition by l.external_id) as first_run,
               min(l.line) over (partition by l.external_id) as id_first_line
          from l
        window w as (partition by l.run order by l.line)
    ), e as (
        select l.line, 1 as ord, 'external_id' as col,
               case when l.external_id = '' then 'external_id_required' else 'external_id_too_long' end as code,
               case when l.external_id = '' then 'an external_id is required'
                    else 'an external_id is at most 100 characters' end as message
          from l where l.external_id = '' or length(l.external_id) > 100
        union all
        select g.line, 1, 'external_id', 'duplicate_external_id',
               format('entry %s already appeared on line %s: the lines of an entry are consecutive rows',
                      g.external_id, g.id_first_line)
          from g where g.run <> g.first_run and g.line = g.first_line and g.external_id <> ''
        union all
        select l.line, 2, 'entity',
               case when l.entity = '' then 'entity_required' else 'unknown_entity' end,
               case when l.entity = '' then 'an entity is required'
                    else format('no entity %s (entities: %s)', l.entity,
                                (select string_agg(n.slug, ', ' order by n.slug) from scc.entities as n where n.active))
               end
          from l where l.entity_id is null
        union all
        select g.line, 2, 'entity', 'entry_mismatch',
               format('entry %s is for %s on its first line (%s)', g.external_id, g.g_entity, g.first_line)
          from g where g.entity is distinct from g.g_entity
        union all
        select l.line, 3, 'posted_on',
               case when l.posted_on_text = '' then 'posted_on_required' else 'invalid_date' end,
               case when l.posted_on_text = '' then 'a date is required'
                    else format('%s is not a date: YYYY-MM-DD', l.posted_on_text) end
          from l where l.posted_on is null
        union all
        select g.line, 3, 'posted_on', 'entry_mismatch',
               format('entry %s is dated %s on its first line (%s)', g.external_id, g.g_posted_on, g.first_line)
          from g
         where g.posted_on_text is distinct from g.g_posted_on
           and g.posted_on is not null and scc.import_date(g.g_posted_on) is not null
        union all
        select l.line, 4, 'memo', 'memo_too_long', 'a memo is at most 500 characters'
          from l where length(l.memo) > 500
        union all
        select l.line, 5, 'account',
               case when l.account = '' then 'account_required' else 'unknown_account' end,
               case when l.account = '' then 'an account code is required'
                    else format('%s has no account %s', l.entity, l.account) end
          from l where l.account_id is null and (l.entity_id is not null or l.account = '')
        union all
        select l.line, 6, 'debit', 'invalid_amount',
               format('%s is not an amount: digits with at most two decimal places, such as 1250.00', l.debit)
          from l where l.debit <> '' and (l.debit_cents is null or l.debit_cents < 0)
        union all
        select l.line, 7, 'credit', 'invalid_amount',
               format('%s is not an amount: digits with at most two decimal places, such as 1250.00', l.credit)
          from l where l.credit <> '' and (l.credit_cents is null or l.credit_cents < 0)
        union all
        select l.line, 6, 'debit', 'amount_required', 'a line has a debit or a credit'
          from l where l.debit = '' and l.credit = ''
        union all
        select l.line, 7, 'credit', 'debit_and_credit', 'a line has a debit or a credit, not both'
          from l where l.debit <> '' and l.credit <> ''
        union all
        select l.line, 6, 'debit', 'zero_amount', 'an amount is more than zero'
          from l where l.debit_cents = 0 and l.credit = ''
        union all
        select l.line, 7, 'credit', 'zero_amount', 'an amount is more than zero'
          from l where l.credit_cents = 0 and l.debit = ''
        union all
        select l.line, 8, 'currency',
               case when l.currency = '' then 'currency_required' else 'invalid_currency' end,
               case when l.currency = '' then 'a currency is required'
                    else format('%s is not a currency code: three capital letters, such as USD', l.currency) end
          from l where l.currency !~ '^[A-Z]{3}$'
        union all
        select l.line, 9, 'source',
               case when l.source = '' then 'source_required' else 'invalid_source' end,
               case when l.source = '' then 'a source is required'
                    else 'a source is lower case letters, digits, _ . and -, at most 40, such as bank' end
          from l where l.source !~ '^[a-z0-9][a-z0-9_.-]{0,39}$'
        union all
        select g.line, 9, 'source', 'entry_mismatch',
               format('entry %s comes from %s on its first line (%s)', g.external_id, g.g_source, g.first_line)
          from g where g.source is distinct from g.g_source
        union all
        -- an entry (a run) whose every amount and currency is valid, that
        -- does not balance in a currency
        select b.first_line, 1, 'external_id', 'unbalanced_entry',
               format('entry %s does not balance in %s: debits %s, credits %s (lines %s)',
                      b.external_id, b.currency, scc.cents_text(b.debits), scc.cents_text(b.credits), b.lines)
          from (select min(l.line) over (partition by l.run) as first_line, l.run, l.external_id, l.currency,
                       (sum(coalesce(l.debit_cents, 0)) over (partition by l.run, l.currency))::bigint as debits,
                       (sum(coalesce(l.credit_cents, 0)) over (partition by l.run, l.currency))::bigint as credits,
                       string_agg(l.line::text, ', ') over (partition by l.run, l.currency) as lines,
                       bool_and(coalesce((l.debit_cents > 0 and l.credit = '') or (l.credit_cents > 0 and l.debit = ''),
                                         false)) over (partition by l.run) as amounts_ok,
                       bool_and(coalesce(l.currency ~ '^[A-Z]{3}$', false)) over (partition by l.run) as currencies_ok,
                       row_number() over (partition by l.run, l.currency order by l.line) as k
                  from l) as b
         where b.k = 1 and b.amounts_ok and b.currencies_ok and b.debits <> b.credits
    )
    select scc.import_error(e.line, e.col, e.code, e.message)
      from e
     order by e.line, e.ord, e.message;
end
$$;
comment on function scc.import_journal_check(scc.import_row[]) is
    'the errors of a journal import''s rows (values, entries: consecutive, consistent, balanced per currency), in line order';

-- Applies checked journal rows: each entry (entity, source, external_id)
-- inserted, or its date and memo updated and its lines replaced.  Returns
-- {inserted, updated} (entries).
create function scc.import_journal_apply(rows scc.import_row[], import_id bigint)
returns jsonb
language plpgsql
volatile
as $$
declare
    n_new int;
    n_old int;
begin
    -- one statement: the lines of entries imported before go (their new
    -- lines come below) and every entry is inserted or re-dated
    with l as materialized (
        select x.entity_id, x.source, x.external_id, x.posted_on, x.memo, x.line
          from scc.import_journal_lines(rows) as x
    ), gone as (
        delete from scc.journal_lines as jl
         using scc.journal_entries as je
         where jl.entry_id = je.id
           and (je.entity_id, je.source, je.external_id) in (select l.entity_id, l.source, l.external_id from l)
    ), up as (
        insert into scc.journal_entries as je (entity_id, posted_on, memo, source, external_id, import_id)
        select distinct on (l.entity_id, l.source, l.external_id)
               l.entity_id, l.posted_on, l.memo, l.source, l.external_id, import_journal_apply.import_id
          from l
         order by l.entity_id, l.source, l.external_id, l.line
        on conflict (entity_id, source, external_id) do update
           set posted_on = excluded.posted_on, memo = excluded.memo, import_id = excluded.import_id,
               updated_at = now()
        returning (je.xmax = 0) as is_new
    )
    select count(*) filter (where up.is_new), count(*) filter (where not up.is_new)
      into n_new, n_old
      from up;

    -- many new entries: fresh statistics, or the lines' foreign key checks
    -- below are planned for the table as it was (a scan per line)
    if n_new > 1000 then
        analyze scc.journal_entries;
    end if;

    insert into scc.journal_lines (entry_id, entity_id, posted_on, account_id, amount_cents, currency, memo)
    select je.id, je.entity_id, je.posted_on, l.account_id, coalesce(l.debit_cents, -l.credit_cents),
           l.currency, l.memo
      from scc.import_journal_lines(rows) as l
      join scc.journal_entries as je
        on je.entity_id = l.entity_id and je.source = l.source and je.external_id = l.external_id
     order by l.line;
    return jsonb_build_object('inserted', n_new, 'updated', n_old);
end
$$;
comment on function scc.import_journal_apply(scc.import_row[], bigint) is
    'applies checked journal rows (entries inserted, or re-dated and their lines replaced); {inserted, updated}';

-- The dispatch by kind (a static CASE; a later kind adds its branch).
create function scc.import_check(kind text, rows scc.import_row[])
returns jsonb
language plpgsql
stable
as $$
begin
    return coalesce(case kind
                        when 'accounts' then (select jsonb_agg(e) from scc.import_accounts_check(rows) as e)
                        when 'journal' then (select jsonb_agg(e) from scc.import_journal_check(rows) as e)
                    end, '[]'::jsonb);
end
$$;
comment on function scc.import_check(text, scc.import_row[]) is
    'the errors of an import''s rows by its kind''s check ([] when none): the one dispatch of checks';

create function scc.import_apply(kind text, rows scc.import_row[], import_id bigint)
returns jsonb
language plpgsql
volatile
as $$
begin
    return case kind
               when 'accounts' then scc.import_accounts_apply(rows, import_id)
               when 'journal' then scc.import_journal_apply(rows, import_id)
           end;
end
$$;
comment on function scc.import_apply(text, scc.import_row[], bigint) is
    'applies an import''s checked rows by its kind: {inserted, updated}; the one dispatch of applies';

-- ---------------------------------------------------------------------------
-- Import: the run
-- ---------------------------------------------------------------------------

-- One import, for the route and for the CLI: ctx names the actor (and the
-- request, for the audit); via is 'api' or 'cli'.  Parses the CSV, checks
-- the header against the kind's layout (every column once, no other; any
-- order), every row, then applies every row or none.  Records the import
-- (scc.imports) and audits it (import.apply / import.refuse) either way.
-- Returns {"import_id","kind","rows","inserted","updated"} when applied,
-- {"import_id","kind","rows","errors":[{line, column, code, message}]}
-- when refused (nothing applied).  SC400 unknown_kind for a kind that has
-- no layout (nothing recorded).
create function scc.import_run(ctx jsonb, kind text, csv text, filename text, via text)
returns jsonb
language plpgsql
volatile
as $$
declare
    layout   jsonb := scc.import_layout(kind);
    cols     text[];
    header   record;
    errs     jsonb := '[]'::jsonb;
    rows     scc.import_row[];
    n_rows   int := 0;
    counts   jsonb;
    imp_id   bigint;
    answer   jsonb;
    bad_line int;
begin
    if layout is null then
        perform scc.fail(400, 'unknown_kind',
                         format('no import kind %s (kinds: %s)', coalesce(kind, 'null'),
                                (select string_agg(x ->> 'kind', ', ')
                                   from jsonb_array_elements(scc.import_layouts()) as x)));
    end if;
    select array_agg(c ->> 'name' order by k) into cols
      from jsonb_array_elements(layout -> 'columns') with ordinality as x (c, k);

    -- the parser's separators and marks: never in a CSV text worth reading
    if csv ~ '[\x1a\x1c-\x1f]' then
        bad_line := 1 + length(substring(csv from '^[^\x1a\x1c-\x1f]*'))
                      - length(replace(replace(substring(csv from '^[^\x1a\x1c-\x1f]*'), E'\r\n', E'\n'), E'\n', ''));
        errs := jsonb_build_array(scc.import_error(bad_line, null, 'control_character',
                                                   'the file holds a control character (U+001A, U+001C to U+001F)'));
    else
        select p.line, p.fields into header from scc.csv_records(csv) as p order by p.line limit 1;
        if header.line is null then
            errs := jsonb_build_array(scc.import_error(1, null, 'empty_file', 'the file is empty: no header'));
        else
            header.fields := array(select btrim(x) from unnest(header.fields) as x);
            select coalesce(jsonb_agg(e order by o, n), '[]'::jsonb) into errs
              from (select 1 as o, c as n,
                           scc.import_error(header.line, c, 'missing_column',
                                            format('the header has no column %s (columns: %s)', c,
                                                   array_to_string(cols, ', '))) as e
                      from unnest(cols) as c where c <> all (header.fields)
                    union all
                    select 2, h, scc.import_error(header.line, h, 'unknown_column',
                                                  format('%s is not a column of %s (columns: %s)', h, kind,
                                                         array_to_string(cols, ', ')))
                      from unnest(header.fields) as h where h <> all (cols)
                    union all
                    select 3, h, scc.import_error(header.line, h, 'duplicate_column',
                                                  format('the header names %s twice', h))
                      from unnest(header.fields) as h where h = any (cols) group by h having count(*) > 1) as x;
            if jsonb_array_length(errs) = 0 then
                -- the rows, by column name; records that do not fit are errors
                with p as (
                    select p.line, p.fields, p.problem from scc.csv_records(csv) as p where p.line > header.line
                )
                select coalesce(jsonb_agg(x.e order by x.line), '[]'::jsonb),
                       (select count(*) from p),
                       (select array_agg((p.line,
                                          jsonb_object(header.fields, array(select btrim(v, ' ') from unnest(p.fields) as v))
                                         )::scc.import_row order by p.line)
                          from p
                         where p.problem is null and cardinality(p.fields) = cardinality(header.fields))
                  into errs, n_rows, rows
                  from (select p.line,
                               case when p.problem is not null then
                                   scc.import_error(p.line, header.fields[substring(p.problem from '^field ([0-9]+)')::int],
                                                    'bad_quoting', p.problem)
                               else
                                   scc.import_error(p.line, null, 'field_count',
                                                    format('%s fields where the header has %s',
                                                           cardinality(p.fields), cardinality(header.fields)))
                               end as e
                          from p
                         where p.problem is not null or cardinality(p.fields) <> cardinality(header.fields)) as x;
                if n_rows = 0 then
                    errs := jsonb_build_array(scc.import_error(header.line + 1, null, 'no_rows',
                                                               'the file has a header and no rows'));
                elsif rows is not null then
                    select coalesce(jsonb_agg(x.e order by (x.e ->> 'line')::int, x.src, x.k), '[]'::jsonb)
                      into errs
                      from (select 1 as src, a.e, a.k from jsonb_array_elements(errs) with ordinality as a (e, k)
                            union all
                            select 2, b.e, b.k
                              from jsonb_array_elements(scc.import_check(kind, rows)) with ordinality as b (e, k)) as x;
                end if;
            end if;
        end if;
    end if;

    insert into scc.imports (kind, filename, sha256, bytes, status, rows, error_count, errors, actor_id, via)
    values (kind, nullif(left(filename, 255), ''), encode(sha256(convert_to(csv, 'UTF8')), 'hex'),
            octet_length(csv), case when jsonb_array_length(errs) = 0 then 'applied' else 'refused' end,
            n_rows, jsonb_array_length(errs), nullif(errs, '[]'::jsonb),
            (ctx -> 'actor' ->> 'id')::uuid, via)
    returning id into imp_id;

    if jsonb_array_length(errs) > 0 then
        answer := jsonb_build_object('import_id', imp_id, 'kind', kind, 'rows', n_rows, 'errors', errs);
        perform scc.audit(ctx, 'import.refuse', 'import', imp_id::text, null,
                          jsonb_build_object('kind', kind, 'filename', filename, 'rows', n_rows,
                                             'errors', jsonb_array_length(errs), 'via', via));
        return answer;
    end if;

    counts := scc.import_apply(kind, rows, imp_id);
    update scc.imports as i
       set inserted = (counts ->> 'inserted')::int, updated = (counts ->> 'updated')::int
     where i.id = imp_id;
    answer := jsonb_build_object('import_id', imp_id, 'kind', kind, 'rows', n_rows,
                                 'inserted', (counts ->> 'inserted')::int, 'updated', (counts ->> 'updated')::int);
    perform scc.audit(ctx, 'import.apply', 'import', imp_id::text, null,
                      answer || jsonb_build_object('filename', filename, 'via', via));
    return answer;
end
$$;
comment on function scc.import_run(jsonb, text, text, text, text) is
    'one CSV import (route or CLI): parse, check header and rows, apply all or none; recorded and audited; summary or errors';

-- The CLI's door (scc-worker import, as scc_worker): the same run with no
-- request; actor is a user id or null (the worker's own command line).
create function scc.import_csv(kind text, csv text, actor uuid, filename text)
returns jsonb
language sql
volatile
security definer
set search_path = pg_catalog, scc
as $$
    select scc.import_run(jsonb_build_object('actor', jsonb_build_object(
                              'id', actor,
                              'role', coalesce((select u.role from scc.users as u where u.id = actor), 'cli'))),
                          kind, csv, filename, 'cli')
$$;
comment on function scc.import_csv(text, text, uuid, text) is
    'import a CSV file of a kind (scc-worker import): {"import_id","kind","rows","inserted","updated"} or {... "errors"}';
revoke execute on function scc.import_csv(text, text, uuid, text) from public;
grant execute on function scc.import_csv(text, text, uuid, text) to scc_worker;

-- ---------------------------------------------------------------------------
-- Routes
-- ---------------------------------------------------------------------------

-- A query parameter that is a whole number from low to high (high null: no
-- bound): the number, null when absent or empty, else SC400 with the
-- caller's code ("limit must be a whole number from 1 to 200").  The
-- keyset pages' before and limit (audit_list and others spell it out).
create function scc.check_whole_number(value text, low bigint, high bigint, code text, what text)
returns bigint
language plpgsql
immutable
as $$
begin
    if value is null or value = '' then
        return null;
    end if;
    if value !~ '^[0-9]{1,18}$' or value::bigint < low or value::bigint > high then
        perform scc.fail(400, code, what || ' must be a whole number ' ||
                         case when high is null then '>= ' || low else 'from ' || low || ' to ' || high end);
    end if;
    return value::bigint;
end
$$;
comment on function scc.check_whole_number(text, bigint, bigint, text, text) is
    'a whole number from low to high (high null: unbounded) as bigint; null for null/empty; else SC400 with the caller''s code';

-- POST /api/imports {kind, csv, filename?}   (admin)
-- Imports a CSV file (the text, read by the page) of one kind: the whole
-- file or nothing (scc.import_run).  Recorded and audited either way.
-- The body may be up to 8 MB (the nginx location of this route).
-- 201 {"import_id","kind","rows","inserted","updated"}.
-- 422 {"error":{"code":"import_refused","message","request_id","import_id",
--      "errors":[{line, column, code, message}]}}: nothing was applied.
-- Errors: SC400 unknown_field / kind_required / unknown_kind /
-- csv_required / invalid_filename.
create function scc_api.import_create(ctx jsonb)
returns scc_api.response
language plpgsql
volatile
security definer
set search_path = pg_catalog, scc
as $$
declare
    body   jsonb := coalesce(ctx -> 'body', '{}'::jsonb);
    r      jsonb;
    n      int;
begin
    perform scc.require_role(ctx, 'admin');
    perform scc.refuse_unknown_fields(body, array['kind', 'csv', 'filename']);
    if jsonb_typeof(body -> 'kind') is distinct from 'string' or body ->> 'kind' = '' then
        perform scc.fail(400, 'kind_required', 'kind is required: one of the import kinds (GET /api/imports)');
    end if;
    if jsonb_typeof(body -> 'csv') is distinct from 'string' then
        perform scc.fail(400, 'csv_required', 'csv is required: the text of the file');
    end if;
    if body ? 'filename' and jsonb_typeof(body -> 'filename') not in ('string', 'null')
       or length(body ->> 'filename') > 255 then
        perform scc.fail(400, 'invalid_filename', 'filename is a text of at most 255 characters');
    end if;
    r := scc.import_run(ctx, body ->> 'kind', body ->> 'csv', body ->> 'filename', 'api');
    if r ? 'errors' then
        n := jsonb_array_length(r -> 'errors');
        return (422, jsonb_build_object('error', jsonb_build_object(
                    'code', 'import_refused',
                    'message', format('%s %s: nothing was imported', n, case when n = 1 then 'error' else 'errors' end),
                    'request_id', ctx ->> 'request_id', 'import_id', r -> 'import_id', 'errors', r -> 'errors'))::json
               )::scc_api.response;
    end if;
    return (201, r::json)::scc_api.response;
end
$$;
comment on function scc_api.import_create(jsonb) is
    'POST /api/imports: admins import a CSV file of one kind, all or nothing; 201 summary or 422 with every error';
revoke execute on function scc_api.import_create(jsonb) from public;
grant execute on function scc_api.import_create(jsonb) to scc_web;

-- GET /api/imports?kind=&before=&limit=   (admin)
-- The kinds' layouts and the imports, newest first: keyset pages (before =
-- the last id seen; limit 1..200, default 50), optionally of one kind.
-- 200 {"kinds": scc.import_layouts(), "imports": [{id, kind, filename,
--      sha256, bytes, status, rows, inserted, updated, error_count, via,
--      actor: {id, name, email} | null, at}], "next_before": id | null}.
-- Errors: SC400 unknown_parameter / unknown_kind / invalid_before /
-- invalid_limit.  Reads only.
create function scc_api.imports_list(ctx jsonb)
returns scc_api.response
language plpgsql
stable
security definer
set search_path = pg_catalog, scc
as $$
declare
    q        jsonb := coalesce(ctx -> 'query', '{}'::jsonb);
    v_kind   text := nullif(q ->> 'kind', '');
    v_before bigint;
    lim      int;
    page     jsonb;
    n        int;
begin
    perform scc.require_role(ctx, 'admin');
    perform scc.refuse_unknown_params(ctx, array['kind', 'before', 'limit']);
    if v_kind is not null and scc.import_layout(v_kind) is null then
        perform scc.fail(400, 'unknown_kind', 'kind is one of the import kinds');
    end if;
    v_before := scc.check_whole_number(q ->> 'before', 1, null, 'invalid_before', 'before (an import id)');
    lim := coalesce(scc.check_whole_number(q ->> 'limit', 1, 200, 'invalid_limit', 'limit'), 50);
    select coalesce(jsonb_agg(jsonb_build_object(
               'id', i.id, 'kind', i.kind, 'filename', i.filename, 'sha256', i.sha256, 'bytes', i.bytes,
               'status', i.status, 'rows', i.rows, 'inserted', i.inserted, 'updated', i.updated,
               'error_count', i.error_count, 'via', i.via,
               'actor', (select jsonb_build_object('id', u.id, 'name', u.name, 'email', u.email)
                           from scc.users as u where u.id = i.actor_id),
               'at', scc.iso(i.at)) order by i.id desc), '[]'::jsonb),
           count(*)
      into page, n
      from (select x.* from scc.imports as x
             where (v_before is null or x.id < v_before) and (v_kind is null or x.kind = v_kind)
             order by x.id desc
             limit lim) as i;
    return (200, jsonb_build_object(
                'kinds', scc.import_layouts(), 'imports', page,
                'next_before', case when n = lim then (page -> (n - 1) ->> 'id')::bigint end)::json
           )::scc_api.response;
end
$$;
comment on function scc_api.imports_list(jsonb) is
    'GET /api/imports: admins read the import kinds'' layouts and the imports, newest first';
revoke execute on function scc_api.imports_list(jsonb) from public;
grant execute on function scc_api.imports_list(jsonb) to scc_web;
