-- 041_import_kinds.sql — the import framework made generic (issue 11,
-- helper L1): a kind is a layout row plus one small apply function, and
-- every kind of business data of 034 (charter, rental, delivery and
-- consulting; technology, marketing and plans come in 042) is importable.
-- What this adds:
--   scc.import_kinds                  (one row per kind: its layout)
--   scc.import_typed_check(kind, rows) (the one checker of typed columns)
--   scc.import_value_error(col, value, row), scc.import_ref_id(ref, value, row),
--   scc.import_ref_scope(ref), scc.import_column_what(col),
--   scc.import_columns_ok(cols), scc.import_columns_named(cols, names),
--   scc.import_counts(is_new[]) (an apply's answer),
--   scc.import_timestamp(text), scc.import_yes(text), scc.import_number(text)
--   scc.import_layouts(), scc.import_layout(kind)   (read the table now)
--   scc.import_check / scc.import_apply             (a static IF chain)
--   scc.csv_records (032's parser, fixed: a quoted last field at the end)
--   the kinds bookings, boat_blocks, rental_stays, rental_blocks,
--   work_orders, deliveries, delivery_costs, clients, contracts,
--   time_entries, invoices, payments; accounts gains `purpose`.
--
-- Decisions:
--   * Layouts are rows (scc.import_kinds), so a later migration ADDS a kind
--     by an insert; scc.import_layouts() and scc.import_layout(kind) keep
--     the JSON shape the route, the page and the CLI read (each column now
--     also says its `type` and, when empty means a value, its `default`).
--   * Each column of a layout has a type; one checker yields every value's
--     error for every kind, field-specific, naming the value and what is
--     expected.  Codes: `<column>_required`, `<column>_too_long`,
--     `invalid_<column>` (a pattern or an enum), `invalid_date`,
--     `invalid_timestamp`, `invalid_amount`, `zero_amount`,
--     `invalid_number`, `invalid_currency`, `invalid_yes_no`,
--     `unknown_entity`, `unknown_<ref>` (unknown_delivery, unknown_boat ...),
--     `invalid_span`, `before_<column>` (dates out of order) and
--     `duplicate_key` (the kind's key given twice in the file, on its
--     last key column).  The accounts codes of 032 are these.
--   * A reference names a row of another kind by its external id (a boat
--     by its name or id, a channel by its slug) and must exist in the
--     DATABASE: a file holds one kind and no kind refers to its own, so
--     the common case (a file of deliveries, then a file of their costs)
--     is two imports in that order.  A reference whose scope (its entity,
--     its client) is itself wrong is not reported twice.
--   * Two dates in order are declared (a column `after` another: a span's
--     exclusive end; `not_before` another) and checked with the values.
--     A kind's own check (other rules across columns: a cancelled booking
--     has its cause) is `scc.import_<kind>_check(rows)`, optional, and is
--     given only the rows without a value error, so it may cast freely.
--     Every named constraint of a kind's table is caught by the typed
--     checker or the kind's check with a line and a column
--     (tests/sql/imports_kinds.sql holds each one to a failing row).
--   * Dispatch is a plpgsql IF chain of separate statements naming every
--     kind of 041 and 042: a statement is planned only when reached, and
--     scc.import_run refuses a kind without a layout row before it gets
--     there, so 042 only inserts rows and creates functions.  The journal
--     is the one kind not `typed`: its own check does it all (its entries
--     span rows).

-- ---------------------------------------------------------------------------
-- The parser (032), fixed: a file ending in a quoted field with no final
-- line end (a last field "Porter" at the very end) was refused as "text
-- after the closing quote": the empty piece after the last quote is the
-- end of the text, not text.  Same signature and answer otherwise.
-- ---------------------------------------------------------------------------

create or replace function scc.csv_records(csv text)
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
                    else case when x.i > 1 and x.seg <> '' and left(x.seg, 1) not in (',', E'\n') then chr(28) else '' end
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
-- Values
-- ---------------------------------------------------------------------------

-- A moment: YYYY-MM-DD, then T or a space, HH:MM or HH:MM:SS, then Z or
-- an offset (+HH:MM, -HH, ...); a moment without a zone is ambiguous and
-- refused.  Null when it is not one (never raises).
create function scc.import_timestamp(v text)
returns timestamptz
language sql
immutable
as $$
    select case when v ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2})?(Z|[+-][0-9]{2}(:?[0-9]{2})?)$'
                 and scc.import_date(left(v, 10)) is not null
                 and substr(v, 12, 2)::int < 24 and substr(v, 15, 2)::int < 60
                 and (substr(v, 17, 1) <> ':' or substr(v, 18, 2)::int < 60)
                 and (right(v, 1) = 'Z'
                      or substring(v from '[+-]([0-9]{2})(:?[0-9]{2})?$')::int <= 14)
                then v::timestamptz end
$$;
comment on function scc.import_timestamp(text) is
    'YYYY-MM-DDTHH:MM[:SS] with Z or an offset as timestamptz, or null when it is not one (never raises)';

-- yes/no (also true/false, y/n, 1/0; any case) as boolean, or null.
create function scc.import_yes(v text)
returns boolean
language sql
immutable
as $$
    select case when lower(v) in ('yes', 'y', 'true', '1') then true
                when lower(v) in ('no', 'n', 'false', '0') then false end
$$;
comment on function scc.import_yes(text) is 'yes/no (true/false, y/n, 1/0; any case) as boolean, or null (never raises)';

-- A decimal number (optional minus, at most 12 digits before the point),
-- or null (never raises).
create function scc.import_number(v text)
returns numeric
language sql
immutable
as $$
    select case when v ~ '^-?[0-9]{1,12}(\.[0-9]{1,6})?$' then v::numeric end
$$;
comment on function scc.import_number(text) is 'a decimal number (at most 12 digits and 6 places) as numeric, or null (never raises)';

-- The row a reference names, by its kind of reference: the value and the
-- row's fields (for its scope: the entity, the client).  Null when there is
-- none (or the value is null).  A static IF chain (every table exists,
-- 034); plpgsql, so each branch's plan is kept: it runs for every value.
--   entity      an active entity by slug                 → entities.id
--   boat        an active boat by name (any case) or id  → boats.id
--   event       an event by id                           → events.id
--   channel     a channel by slug                        → its slug
--   delivery, client, invoice   by external id in the row's `entity`
--   contract    by external id of the row's `client` (in its `entity`)
--   service     by external id; repository by name      (042's kinds)
create function scc.import_ref_id(ref text, v text, f jsonb)
returns text
language plpgsql
stable
as $$
begin
    if v is null then
        return null;
    elsif ref = 'entity' then
        return (select n.id::text from scc.entities as n where n.slug = v and n.active);
    elsif ref = 'boat' then
        return (select b.id::text from scc.boats as b
                 where b.active
                   and (lower(b.name) = lower(v)
                        or b.id = case when v ~* '^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$' then v::uuid end)
                 order by lower(b.name) = lower(v) desc
                 limit 1);
    elsif ref = 'event' then
        return (select e.id::text from scc.events as e
                 where e.id = case when v ~* '^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$' then v::uuid end);
    elsif ref = 'channel' then
        return (select c.slug from scc.channels as c where c.slug = v);
    elsif ref = 'delivery' then
        return (select d.id::text from scc.deliveries as d join scc.entities as n on n.id = d.entity_id
                 where n.slug = f ->> 'entity' and d.external_id = v);
    elsif ref = 'client' then
        return (select c.id::text from scc.clients as c join scc.entities as n on n.id = c.entity_id
                 where n.slug = f ->> 'entity' and c.external_id = v);
    elsif ref = 'invoice' then
        return (select i.id::text from scc.invoices as i join scc.entities as n on n.id = i.entity_id
                 where n.slug = f ->> 'entity' and i.external_id = v);
    elsif ref = 'contract' then
        return (select k.id::text from scc.contracts as k
                  join scc.clients as c on c.id = k.client_id
                  join scc.entities as n on n.id = c.entity_id
                 where n.slug = f ->> 'entity' and c.external_id = f ->> 'client' and k.external_id = v);
    elsif ref = 'service' then
        return (select s.id::text from scc.services as s where s.external_id = v);
    elsif ref = 'repository' then
        return (select r.id::text from scc.repositories as r where r.name = v);
    end if;
    return null;
end
$$;
comment on function scc.import_ref_id(text, text, jsonb) is
    'the id (as text) of the row a reference names (entity, boat, event, channel, delivery, client, invoice, contract, service, repository), or null';

-- The column a reference is scoped by (its entity, its client): a
-- reference whose scope is wrong is not reported (the scope is).
create function scc.import_ref_scope(ref text)
returns text
language sql
immutable
as $$
    select case when ref in ('delivery', 'client', 'invoice') then 'entity'
                when ref = 'contract' then 'client' end
$$;
comment on function scc.import_ref_scope(text) is 'the column that scopes a reference (entity, client), or null';

-- What a column holds, in words: its own `what`, or one made from its type.
create function scc.import_column_what(col jsonb)
returns text
language sql
immutable
as $$
    select coalesce(col ->> 'what',
        case col ->> 'type'
            when 'text' then format('text, at most %s characters', coalesce(col ->> 'max', '200'))
            when 'external_id' then 'the row''s id in its source, at most 100 characters'
            when 'date' then 'a date, YYYY-MM-DD'
            when 'timestamp' then 'a moment with its zone, such as 2026-10-03T09:30:00-07:00 or 2026-10-03 16:30Z'
            when 'cents' then case when (col ->> 'signed')::boolean then 'an amount such as 1250.00 or -12.50'
                                   when (col ->> 'positive')::boolean then 'an amount above zero, such as 1250.00'
                                   else 'an amount such as 1250.00 (at most two places, no sign)' end
            when 'integer' then format('a whole number from %s to %s', col ->> 'min', col ->> 'max')
            when 'decimal' then format('a number %s %s%s, at most %s decimal places',
                                       case when col ? 'above' then 'above' else 'from' end,
                                       coalesce(col ->> 'above', col ->> 'min'),
                                       case when col ? 'max' then ' to ' || (col ->> 'max') else '' end,
                                       coalesce(col ->> 'scale', '2'))
            when 'enum' then (select string_agg(x, ', ') from jsonb_array_elements_text(col -> 'values') as x)
            when 'entity' then 'the entity''s slug: charter, quickdumpnow, dangerouscentaur, rental-3028-51st, expert-yacht-delivery'
            when 'currency' then 'ISO 4217 code: USD, EUR, MXN ...'
            when 'yes_no' then 'yes or no'
            when 'ref' then case col ->> 'ref'
                                when 'boat' then 'a boat''s name (JADA) or id'
                                when 'event' then 'an event''s id'
                                when 'channel' then 'a channel''s slug: direct, sailo, getmyboat, viator, getyourguide, other ...'
                                when 'repository' then 'a repository''s name'
                                else format('the external_id of a %s%s', col ->> 'ref',
                                            coalesce(' of the row''s ' || scc.import_ref_scope(col ->> 'ref'), '')) end
        end)
$$;
comment on function scc.import_column_what(jsonb) is
    'what an import column holds, in words: its own what, or one made from its type';

-- A layout's columns are well formed: names, known types, what each type needs.
create function scc.import_columns_ok(cols jsonb)
returns boolean
language sql
immutable
as $$
    select jsonb_typeof(cols) = 'array' and jsonb_array_length(cols) > 0
       and coalesce(bool_and(
               c ->> 'name' ~ '^[a-z][a-z0-9_]{0,39}$'
               and c ->> 'type' in ('text', 'external_id', 'date', 'timestamp', 'cents', 'integer', 'decimal',
                                    'enum', 'entity', 'currency', 'yes_no', 'ref')
               and (c ->> 'type' <> 'enum' or jsonb_typeof(c -> 'values') = 'array')
               and (c ->> 'type' <> 'integer' or (c ? 'min' and c ? 'max'))
               and (c ->> 'type' <> 'ref' or c ->> 'ref' in ('boat', 'event', 'channel', 'delivery', 'client',
                                                             'invoice', 'contract', 'service', 'repository'))
               and (c ->> 'optional' is null or jsonb_typeof(c -> 'optional') = 'boolean')
               and (not (c ? 'after' or c ? 'not_before')
                    or (c ->> 'type' in ('date', 'timestamp')
                        and cols @> jsonb_build_array(jsonb_build_object(
                                         'name', coalesce(c ->> 'after', c ->> 'not_before'), 'type', c ->> 'type'))))), false)
       and (select count(distinct c ->> 'name') = count(*) from jsonb_array_elements(cols) as c)
      from jsonb_array_elements(case when jsonb_typeof(cols) = 'array' then cols else '[]' end) as c
$$;
comment on function scc.import_columns_ok(jsonb) is
    'an import layout''s columns are well formed: [{name, type, optional?, what?, ...}] with known types, names once';

-- Every name is a column of the layout (its key columns).
create function scc.import_columns_named(cols jsonb, names text[])
returns boolean
language sql
immutable
as $$
    select names <@ array(select c ->> 'name' from jsonb_array_elements(cols) as c)
$$;
comment on function scc.import_columns_named(jsonb, text[]) is 'every name is a column of the layout''s columns';

-- ---------------------------------------------------------------------------
-- The kinds
-- ---------------------------------------------------------------------------

-- One row per kind.  columns: [{name, type, optional?, what?, ...}] where
-- type is text (max, pattern, pattern_what), external_id, date, timestamp,
-- cents (signed, positive), integer (min, max), decimal (min or above,
-- max, scale), enum (values), entity, currency, yes_no or ref (ref: boat,
-- event, channel, delivery, client, invoice, contract, service,
-- repository); default documents what an empty optional value becomes;
-- a date or timestamp column may be `after` another (a span's exclusive
-- end: invalid_span) or `not_before` another (before_<other>), checked
-- when both values are valid.
-- key_columns: the columns a row is keyed by (given twice in a file:
-- duplicate_key; imported before: updated).  typed: whether the typed
-- checker runs (the journal checks itself).
create table scc.import_kinds (
    kind         text not null,
    position     integer not null,
    title        text not null,
    key          text not null,
    key_columns  text[] not null,
    counts       text not null,
    sample       text not null,
    columns      jsonb not null,
    typed        boolean not null default true,
    constraint import_kinds_pkey primary key (kind),
    constraint import_kinds_position_key unique (position),
    constraint import_kinds_kind_check check (kind ~ '^[a-z][a-z_]{0,39}$'),
    constraint import_kinds_title_check check (length(title) between 1 and 200),
    constraint import_kinds_key_check check (length(key) between 1 and 200),
    constraint import_kinds_counts_check check (length(counts) between 1 and 100),
    constraint import_kinds_sample_check check (sample = '/samples/import/' || kind || '.csv'),
    constraint import_kinds_columns_check check (scc.import_columns_ok(columns)),
    constraint import_kinds_key_columns_check
        check (cardinality(key_columns) > 0 and scc.import_columns_named(columns, key_columns))
);
comment on table scc.import_kinds is
    'the import kinds: layout (typed columns), key, what the counts count, sample file; a migration adds a kind by a row';

insert into scc.import_kinds (kind, position, title, key, key_columns, counts, sample, typed, columns) values
('accounts', 10, 'Chart of accounts', 'entity and code', array['entity', 'code'], 'accounts',
 '/samples/import/accounts.csv', true,
 '[{"name": "entity", "type": "entity"},
   {"name": "code", "type": "text", "pattern": "^[A-Za-z0-9][A-Za-z0-9.-]{0,19}$",
    "pattern_what": "letters, digits, . and -, at most 20, starting with a letter or digit",
    "what": "the account''s code, unique in its entity: letters, digits, . and -, at most 20"},
   {"name": "name", "type": "text", "max": 200, "what": "the account''s name, at most 200 characters"},
   {"name": "type", "type": "enum", "values": ["asset", "liability", "equity", "revenue", "expense"],
    "what": "asset, liability, equity, revenue or expense"},
   {"name": "purpose", "type": "enum", "optional": true,
    "values": ["cash", "receivable", "payable", "deferred_revenue", "fixed_asset", "variable_cost"],
    "what": "what the reports read it as: cash, receivable or fixed_asset (an asset), payable or deferred_revenue (a liability), variable_cost (an expense)"}]'),
('journal', 20, 'Journal entries (one row per line)', 'entity, source and external_id',
 array['entity', 'source', 'external_id'], 'entries', '/samples/import/journal.csv', false,
 '[{"name": "external_id", "type": "external_id",
    "what": "the entry''s id in its source; the lines of an entry are consecutive rows"},
   {"name": "entity", "type": "entity", "what": "the entity''s slug"},
   {"name": "posted_on", "type": "date", "what": "the date, YYYY-MM-DD"},
   {"name": "memo", "type": "text", "optional": true, "max": 500,
    "what": "the line''s memo; the first line''s is the entry''s (at most 500 characters)"},
   {"name": "account", "type": "text", "what": "an account code of the entity"},
   {"name": "debit", "type": "cents", "optional": true,
    "what": "an amount such as 1250.00 (at most two places); a line has a debit or a credit"},
   {"name": "credit", "type": "cents", "optional": true, "what": "an amount, as debit"},
   {"name": "currency", "type": "currency", "what": "ISO 4217 code: USD, EUR, MXN ..."},
   {"name": "source", "type": "text", "max": 40,
    "what": "where the entry comes from, lower case: bank, stripe, quickbooks, manual ..."}]');

create or replace function scc.import_layouts()
returns jsonb
language sql
stable
as $$
    select coalesce(jsonb_agg(scc.import_layout(k.kind) order by k.position), '[]'::jsonb)
      from scc.import_kinds as k
$$;
comment on function scc.import_layouts() is
    'every import kind''s layout, in order: kind, title, key, counts, sample file, columns [{name, type, optional, default, what}]';

create or replace function scc.import_layout(kind text)
returns jsonb
language sql
stable
as $$
    select jsonb_build_object(
               'kind', k.kind, 'title', k.title, 'key', k.key, 'counts', k.counts, 'sample', k.sample,
               'columns', (select jsonb_agg(jsonb_build_object(
                                      'name', c ->> 'name', 'type', c ->> 'type',
                                      'optional', coalesce((c ->> 'optional')::boolean, false),
                                      'default', c ->> 'default',
                                      'what', scc.import_column_what(c)) order by o)
                             from jsonb_array_elements(k.columns) with ordinality as x (c, o)))
      from scc.import_kinds as k
     where k.kind = import_layout.kind
$$;
comment on function scc.import_layout(text) is 'one import kind''s layout (scc.import_kinds), or null for an unknown kind';

-- ---------------------------------------------------------------------------
-- The typed checker
-- ---------------------------------------------------------------------------

-- What an apply answers: {inserted, updated} from each written row's
-- "was it new" (returning (t.xmax = 0)).
create function scc.import_counts(news boolean[])
returns jsonb
language sql
immutable
as $$
    select jsonb_build_object('inserted', count(*) filter (where x), 'updated', count(*) filter (where not x))
      from unnest(news) as x
$$;
comment on function scc.import_counts(boolean[]) is
    'an import apply''s answer {inserted, updated} from each written row''s is-new flag';


-- The error of one value of a column ({code, message}), or null.  v is the
-- value (trimmed; '' when empty), f the row's fields (for a reference's
-- scope).
create function scc.import_value_error(col jsonb, v text, f jsonb)
returns jsonb
language plpgsql
stable
as $$
declare
    name  text := col ->> 'name';
    t     text := col ->> 'type';
    n        numeric;
    c        bigint;
    scope    text;
    other    text;
    this_at  timestamptz;
    other_at timestamptz;
begin
    if v is null or v = '' then
        if coalesce((col ->> 'optional')::boolean, false) then
            return null;
        end if;
        return jsonb_build_object('code', name || '_required',
                                  'message', format('%s is required: %s', name, scc.import_column_what(col)));
    end if;
    if t = 'text' then
        if col ? 'pattern' and v !~ (col ->> 'pattern') then
            return jsonb_build_object('code', 'invalid_' || name,
                                      'message', format('%s is not a %s: %s', v, name, col ->> 'pattern_what'));
        end if;
        if length(v) > coalesce((col ->> 'max')::int, 200) then
            return jsonb_build_object('code', name || '_too_long',
                                      'message', format('%s is %s characters: at most %s', name, length(v),
                                                        coalesce((col ->> 'max')::int, 200)));
        end if;
    elsif t = 'external_id' then
        if not scc.external_id_ok(v) then
            return jsonb_build_object('code', name || '_too_long',
                                      'message', format('%s is %s characters: at most 100', name, length(v)));
        end if;
    elsif t = 'date' then
        if scc.import_date(v) is null then
            return jsonb_build_object('code', 'invalid_date', 'message', format('%s is not a date: YYYY-MM-DD', v));
        end if;
    elsif t = 'timestamp' then
        if scc.import_timestamp(v) is null then
            return jsonb_build_object('code', 'invalid_timestamp',
                                      'message', format('%s is not a moment: YYYY-MM-DDTHH:MM[:SS] and Z or an offset such as -07:00', v));
        end if;
    elsif t = 'cents' then
        c := scc.import_cents(v);
        if c is null or (c < 0 and not coalesce((col ->> 'signed')::boolean, false)) then
            return jsonb_build_object('code', 'invalid_amount',
                                      'message', format('%s is not an amount: digits with at most two decimal places, such as 1250.00%s',
                                                        v, case when coalesce((col ->> 'signed')::boolean, false) then ''
                                                                else ', no sign' end));
        end if;
        if c = 0 and coalesce((col ->> 'positive')::boolean, false) then
            return jsonb_build_object('code', 'zero_amount', 'message', format('%s: an amount is more than zero', name));
        end if;
    elsif t = 'integer' then
        if v !~ '^-?[0-9]{1,9}$' or v::bigint < (col ->> 'min')::bigint or v::bigint > (col ->> 'max')::bigint then
            return jsonb_build_object('code', 'invalid_number',
                                      'message', format('%s is not a whole number from %s to %s', v, col ->> 'min', col ->> 'max'));
        end if;
    elsif t = 'decimal' then
        n := scc.import_number(v);
        if n is null or scale(n) > coalesce((col ->> 'scale')::int, 2)
           or (col ? 'min' and n < (col ->> 'min')::numeric)
           or (col ? 'above' and n <= (col ->> 'above')::numeric)
           or (col ? 'max' and n > (col ->> 'max')::numeric) then
            return jsonb_build_object('code', 'invalid_number',
                                      'message', format('%s is not %s', v, scc.import_column_what(col - 'what' - 'default')));
        end if;
    elsif t = 'enum' then
        if not (col -> 'values') ? v then
            return jsonb_build_object('code', 'invalid_' || name,
                                      'message', format('%s is not a %s: one of %s', v, name,
                                                        (select string_agg(x, ', ') from jsonb_array_elements_text(col -> 'values') as x)));
        end if;
    elsif t = 'entity' then
        if scc.import_ref_id('entity', v, f) is null then
            return jsonb_build_object('code', 'unknown_entity',
                                      'message', format('no entity %s (entities: %s)', v,
                                                        (select string_agg(e.slug, ', ' order by e.slug)
                                                           from scc.entities as e where e.active)));
        end if;
    elsif t = 'currency' then
        if not scc.currency_ok(v) then
            return jsonb_build_object('code', 'invalid_currency',
                                      'message', format('%s is not a currency code: three capital letters, such as USD', v));
        end if;
    elsif t = 'yes_no' then
        if scc.import_yes(v) is null then
            return jsonb_build_object('code', 'invalid_yes_no', 'message', format('%s is not yes or no', v));
        end if;
    elsif t = 'ref' then
        scope := scc.import_ref_scope(col ->> 'ref');
        if scc.import_ref_id(col ->> 'ref', v, f) is null
           and (scope is null
                or (scope = 'entity' and scc.import_ref_id('entity', f ->> 'entity', f) is not null)
                or (scope = 'client' and scc.import_ref_id('client', f ->> 'client', f) is not null)) then
            return jsonb_build_object('code', 'unknown_' || (col ->> 'ref'),
                                      'message', format('no %s %s%s', col ->> 'ref', v,
                                                        case scope when 'entity' then ' of ' || (f ->> 'entity')
                                                                   when 'client' then format(' of client %s of %s', f ->> 'client', f ->> 'entity')
                                                                   else '' end));
        end if;
    end if;
    -- a date or moment after (or not before) another column's, when both are valid
    if col ? 'after' or col ? 'not_before' then
        other := coalesce(col ->> 'after', col ->> 'not_before');
        this_at := case t when 'date' then scc.import_date(v)::timestamptz else scc.import_timestamp(v) end;
        other_at := case t when 'date' then scc.import_date(f ->> other)::timestamptz
                           else scc.import_timestamp(f ->> other) end;
        if col ? 'after' and this_at <= other_at then
            return jsonb_build_object('code', 'invalid_span',
                                      'message', format('%s %s is not after %s %s: the end is exclusive, so one day is (d, d+1)',
                                                        name, v, other, f ->> other));
        elsif col ? 'not_before' and this_at < other_at then
            return jsonb_build_object('code', 'before_' || other,
                                      'message', format('%s %s is before %s %s', name, v, other, f ->> other));
        end if;
    end if;
    return null;
end
$$;
comment on function scc.import_value_error(jsonb, text, jsonb) is
    'the error {code, message} of one value of a typed import column (required, length, pattern, date, amount, number, enum, entity, currency, yes/no, reference, after/not before another column), or null';

-- Every value error of a kind's rows and every key given twice
-- (duplicate_key, on the last key column), as scc.import_error(...), in
-- line and column order.
create function scc.import_typed_check(kind text, rows scc.import_row[])
returns setof jsonb
language sql
stable
as $$
    with k as (
        select * from scc.import_kinds as k where k.kind = import_typed_check.kind
    ), c as (
        select x.col, x.ord from k cross join jsonb_array_elements(k.columns) with ordinality as x (col, ord)
    ), r as (
        -- the key's values; a reference's as the row it names (a boat by
        -- its name in any case, or by its id, is one boat)
        select x.line, x.f,
               array(select x.f ->> u.kc from k cross join unnest(k.key_columns) with ordinality as u (kc, i)
                      order by u.i) as key,
               array(select case when c.col ->> 'type' = 'ref'
                                 then coalesce(scc.import_ref_id(c.col ->> 'ref', x.f ->> u.kc, x.f), x.f ->> u.kc)
                                 else x.f ->> u.kc end
                       from k cross join unnest(k.key_columns) with ordinality as u (kc, i)
                       join c on c.col ->> 'name' = u.kc
                      order by u.i) as same
          from unnest(rows) as x
    ), d as (
        select r.*, min(r.line) over (partition by r.same) as first_line from r
    ), e as (
        select r.line, c.ord, c.col ->> 'name' as col, scc.import_value_error(c.col, coalesce(r.f ->> (c.col ->> 'name'), ''), r.f) as err
          from r cross join c
         where r.f ->> (c.col ->> 'name') <> '' or not coalesce((c.col ->> 'optional')::boolean, false)
        union all
        select d.line, (select c.ord from k cross join c where c.col ->> 'name' = k.key_columns[cardinality(k.key_columns)]),
               k.key_columns[cardinality(k.key_columns)],
               jsonb_build_object('code', 'duplicate_key',
                                  'message', format('%s is already on line %s',
                                                    (select string_agg(format('%s %s', kc, d.key[i]), ', ' order by i)
                                                       from unnest(k.key_columns) with ordinality as u (kc, i)),
                                                    d.first_line))
          from d cross join k
         where d.line <> d.first_line and '' <> all (d.key)
    )
    select scc.import_error(e.line, e.col, e.err ->> 'code', e.err ->> 'message')
      from e
     where e.err is not null
     order by e.line, e.ord
$$;
comment on function scc.import_typed_check(text, scc.import_row[]) is
    'every typed value error of an import''s rows and every key given twice (duplicate_key), by line and column';

-- ---------------------------------------------------------------------------
-- accounts: purpose (039), checked across columns
-- ---------------------------------------------------------------------------

-- accounts_purpose_type_check: a purpose fits its type.  (The values are
-- the typed checker's; this is given rows without a value error.)
create or replace function scc.import_accounts_check(rows scc.import_row[])
returns setof jsonb
language plpgsql
stable
as $$
begin
    return query
    select scc.import_error(x.line, 'purpose', 'purpose_type_mismatch',
                            format('a %s account is %s: its purpose is %s', x.f ->> 'purpose', 
                                   case when x.f ->> 'purpose' in ('cash', 'receivable', 'fixed_asset') then 'an asset'
                                        when x.f ->> 'purpose' in ('payable', 'deferred_revenue') then 'a liability'
                                        else 'an expense' end,
                                   case x.f ->> 'type'
                                       when 'asset' then 'cash, receivable, fixed_asset or empty'
                                       when 'liability' then 'payable, deferred_revenue or empty'
                                       when 'expense' then 'variable_cost or empty'
                                       else 'empty' end))
      from unnest(rows) as x
     where x.f ->> 'purpose' <> ''
       and not ((x.f ->> 'purpose' in ('cash', 'receivable', 'fixed_asset') and x.f ->> 'type' = 'asset')
                or (x.f ->> 'purpose' in ('payable', 'deferred_revenue') and x.f ->> 'type' = 'liability')
                or (x.f ->> 'purpose' = 'variable_cost' and x.f ->> 'type' = 'expense'))
     order by x.line;
end
$$;
comment on function scc.import_accounts_check(scc.import_row[]) is
    'the accounts kind''s rule across columns: a purpose fits the account''s type (accounts_purpose_type_check)';

-- Each (entity, code) inserted, or its name, type and purpose updated.
create or replace function scc.import_accounts_apply(rows scc.import_row[], import_id bigint)
returns jsonb
language sql
volatile
as $$
    with up as (
        insert into scc.accounts as a (entity_id, code, name, type, purpose)
        select n.id, x.f ->> 'code', x.f ->> 'name', x.f ->> 'type', nullif(x.f ->> 'purpose', '')
          from unnest(rows) as x
          join scc.entities as n on n.slug = x.f ->> 'entity'
         order by x.line
        on conflict (entity_id, code) do update
           set name = excluded.name, type = excluded.type, purpose = excluded.purpose, updated_at = now()
        returning (a.xmax = 0) as is_new
    )
    select scc.import_counts(array_agg(up.is_new)) from up
$$;
comment on function scc.import_accounts_apply(scc.import_row[], bigint) is
    'applies checked accounts rows (insert, or update name, type and purpose by entity and code); {inserted, updated}';

-- ---------------------------------------------------------------------------
-- clients (the worked example: a layout row and an apply)
-- ---------------------------------------------------------------------------

insert into scc.import_kinds (kind, position, title, key, key_columns, counts, sample, columns) values
('clients', 100, 'Clients (consulting)', 'entity and external_id', array['entity', 'external_id'], 'clients',
 '/samples/import/clients.csv',
 '[{"name": "entity", "type": "entity"},
   {"name": "external_id", "type": "external_id", "what": "the client''s id in its source, at most 100 characters"},
   {"name": "name", "type": "text", "max": 200},
   {"name": "active", "type": "yes_no", "optional": true, "default": "yes"}]');

-- Each (entity, external_id) inserted, or its name and active updated.
create function scc.import_clients_apply(rows scc.import_row[], import_id bigint)
returns jsonb
language sql
volatile
as $$
    with up as (
        insert into scc.clients as t (entity_id, external_id, name, active)
        select scc.import_ref_id('entity', x.f ->> 'entity', x.f)::bigint, x.f ->> 'external_id', x.f ->> 'name',
               coalesce(scc.import_yes(x.f ->> 'active'), true)
          from unnest(rows) as x
         order by x.line
        on conflict (entity_id, external_id) do update
           set name = excluded.name, active = excluded.active
        returning (t.xmax = 0) as is_new
    )
    select scc.import_counts(array_agg(up.is_new)) from up
$$;
comment on function scc.import_clients_apply(scc.import_row[], bigint) is
    'applies checked clients rows (insert, or update name and active by entity and external_id); {inserted, updated}';

-- ---------------------------------------------------------------------------
-- Dispatch: a static chain over every kind of 041 and 042
-- ---------------------------------------------------------------------------

-- The errors of an import's rows ([] when none), in line and column order:
-- the typed checker (for a kind that is `typed`: all but the journal), then
-- the kind's own check (scc.import_<kind>_check, when it exists) on the
-- rows without a value error (the journal's: on every row).  Separate statements: one naming a function that
-- does not exist yet is planned only when reached, and scc.import_run
-- refuses a kind without a layout row before it comes here.
create or replace function scc.import_check(kind text, rows scc.import_row[])
returns jsonb
language plpgsql
stable
as $$
declare
    typed jsonb := '[]'::jsonb;
    own   jsonb := '[]'::jsonb;
    clean scc.import_row[] := rows;
begin
    if (select k.typed from scc.import_kinds as k where k.kind = import_check.kind) then
        select coalesce(jsonb_agg(e), '[]'::jsonb) into typed from scc.import_typed_check(kind, rows) as e;
        clean := array(select x from unnest(rows) as x
                        where not exists (select 1 from jsonb_array_elements(typed) as e
                                           where (e ->> 'line')::int = x.line));
        if cardinality(clean) = 0 then
            return typed;
        end if;
    end if;
    if kind = 'journal' then
        select coalesce(jsonb_agg(e), '[]'::jsonb) into own from scc.import_journal_check(clean) as e;
    elsif kind = 'accounts' then
        if to_regprocedure('scc.import_accounts_check(scc.import_row[])') is not null then
            select coalesce(jsonb_agg(e), '[]'::jsonb) into own from scc.import_accounts_check(clean) as e;
        end if;
    elsif kind = 'bookings' then
        if to_regprocedure('scc.import_bookings_check(scc.import_row[])') is not null then
            select coalesce(jsonb_agg(e), '[]'::jsonb) into own from scc.import_bookings_check(clean) as e;
        end if;
    elsif kind = 'boat_blocks' then
        if to_regprocedure('scc.import_boat_blocks_check(scc.import_row[])') is not null then
            select coalesce(jsonb_agg(e), '[]'::jsonb) into own from scc.import_boat_blocks_check(clean) as e;
        end if;
    elsif kind = 'rental_stays' then
        if to_regprocedure('scc.import_rental_stays_check(scc.import_row[])') is not null then
            select coalesce(jsonb_agg(e), '[]'::jsonb) into own from scc.import_rental_stays_check(clean) as e;
        end if;
    elsif kind = 'rental_blocks' then
        if to_regprocedure('scc.import_rental_blocks_check(scc.import_row[])') is not null then
            select coalesce(jsonb_agg(e), '[]'::jsonb) into own from scc.import_rental_blocks_check(clean) as e;
        end if;
    elsif kind = 'work_orders' then
        if to_regprocedure('scc.import_work_orders_check(scc.import_row[])') is not null then
            select coalesce(jsonb_agg(e), '[]'::jsonb) into own from scc.import_work_orders_check(clean) as e;
        end if;
    elsif kind = 'deliveries' then
        if to_regprocedure('scc.import_deliveries_check(scc.import_row[])') is not null then
            select coalesce(jsonb_agg(e), '[]'::jsonb) into own from scc.import_deliveries_check(clean) as e;
        end if;
    elsif kind = 'delivery_costs' then
        if to_regprocedure('scc.import_delivery_costs_check(scc.import_row[])') is not null then
            select coalesce(jsonb_agg(e), '[]'::jsonb) into own from scc.import_delivery_costs_check(clean) as e;
        end if;
    elsif kind = 'clients' then
        if to_regprocedure('scc.import_clients_check(scc.import_row[])') is not null then
            select coalesce(jsonb_agg(e), '[]'::jsonb) into own from scc.import_clients_check(clean) as e;
        end if;
    elsif kind = 'contracts' then
        if to_regprocedure('scc.import_contracts_check(scc.import_row[])') is not null then
            select coalesce(jsonb_agg(e), '[]'::jsonb) into own from scc.import_contracts_check(clean) as e;
        end if;
    elsif kind = 'time_entries' then
        if to_regprocedure('scc.import_time_entries_check(scc.import_row[])') is not null then
            select coalesce(jsonb_agg(e), '[]'::jsonb) into own from scc.import_time_entries_check(clean) as e;
        end if;
    elsif kind = 'invoices' then
        if to_regprocedure('scc.import_invoices_check(scc.import_row[])') is not null then
            select coalesce(jsonb_agg(e), '[]'::jsonb) into own from scc.import_invoices_check(clean) as e;
        end if;
    elsif kind = 'payments' then
        if to_regprocedure('scc.import_payments_check(scc.import_row[])') is not null then
            select coalesce(jsonb_agg(e), '[]'::jsonb) into own from scc.import_payments_check(clean) as e;
        end if;
    elsif kind = 'bills' then
        if to_regprocedure('scc.import_bills_check(scc.import_row[])') is not null then
            select coalesce(jsonb_agg(e), '[]'::jsonb) into own from scc.import_bills_check(clean) as e;
        end if;
    elsif kind = 'services' then
        if to_regprocedure('scc.import_services_check(scc.import_row[])') is not null then
            select coalesce(jsonb_agg(e), '[]'::jsonb) into own from scc.import_services_check(clean) as e;
        end if;
    elsif kind = 'security_findings' then
        if to_regprocedure('scc.import_security_findings_check(scc.import_row[])') is not null then
            select coalesce(jsonb_agg(e), '[]'::jsonb) into own from scc.import_security_findings_check(clean) as e;
        end if;
    elsif kind = 'ux_issues' then
        if to_regprocedure('scc.import_ux_issues_check(scc.import_row[])') is not null then
            select coalesce(jsonb_agg(e), '[]'::jsonb) into own from scc.import_ux_issues_check(clean) as e;
        end if;
    elsif kind = 'repositories' then
        if to_regprocedure('scc.import_repositories_check(scc.import_row[])') is not null then
            select coalesce(jsonb_agg(e), '[]'::jsonb) into own from scc.import_repositories_check(clean) as e;
        end if;
    elsif kind = 'deploys' then
        if to_regprocedure('scc.import_deploys_check(scc.import_row[])') is not null then
            select coalesce(jsonb_agg(e), '[]'::jsonb) into own from scc.import_deploys_check(clean) as e;
        end if;
    elsif kind = 'ci_runs' then
        if to_regprocedure('scc.import_ci_runs_check(scc.import_row[])') is not null then
            select coalesce(jsonb_agg(e), '[]'::jsonb) into own from scc.import_ci_runs_check(clean) as e;
        end if;
    elsif kind = 'channels' then
        if to_regprocedure('scc.import_channels_check(scc.import_row[])') is not null then
            select coalesce(jsonb_agg(e), '[]'::jsonb) into own from scc.import_channels_check(clean) as e;
        end if;
    elsif kind = 'channel_listings' then
        if to_regprocedure('scc.import_channel_listings_check(scc.import_row[])') is not null then
            select coalesce(jsonb_agg(e), '[]'::jsonb) into own from scc.import_channel_listings_check(clean) as e;
        end if;
    elsif kind = 'marketing_months' then
        if to_regprocedure('scc.import_marketing_months_check(scc.import_row[])') is not null then
            select coalesce(jsonb_agg(e), '[]'::jsonb) into own from scc.import_marketing_months_check(clean) as e;
        end if;
    elsif kind = 'seo_tasks' then
        if to_regprocedure('scc.import_seo_tasks_check(scc.import_row[])') is not null then
            select coalesce(jsonb_agg(e), '[]'::jsonb) into own from scc.import_seo_tasks_check(clean) as e;
        end if;
    elsif kind = 'targets' then
        if to_regprocedure('scc.import_targets_check(scc.import_row[])') is not null then
            select coalesce(jsonb_agg(e), '[]'::jsonb) into own from scc.import_targets_check(clean) as e;
        end if;
    elsif kind = 'assets' then
        if to_regprocedure('scc.import_assets_check(scc.import_row[])') is not null then
            select coalesce(jsonb_agg(e), '[]'::jsonb) into own from scc.import_assets_check(clean) as e;
        end if;
    elsif kind = 'action_items' then
        if to_regprocedure('scc.import_action_items_check(scc.import_row[])') is not null then
            select coalesce(jsonb_agg(e), '[]'::jsonb) into own from scc.import_action_items_check(clean) as e;
        end if;
    end if;
    return (select coalesce(jsonb_agg(x.e order by (x.e ->> 'line')::int, x.ord nulls first, x.e ->> 'message'), '[]'::jsonb)
              from (select e, (select c.o from scc.import_kinds as k
                                 cross join jsonb_array_elements(k.columns) with ordinality as c (col, o)
                                where k.kind = import_check.kind and c.col ->> 'name' = e ->> 'column') as ord
                      from jsonb_array_elements(typed || own) as e) as x);
end
$$;
comment on function scc.import_check(text, scc.import_row[]) is
    'the errors of an import''s rows ([] when none): the typed checker (typed kinds) and the kind''s own check, by line and column';

-- Applies an import's checked rows by its kind: scc.import_<kind>_apply,
-- {inserted, updated}.
create or replace function scc.import_apply(kind text, rows scc.import_row[], import_id bigint)
returns jsonb
language plpgsql
volatile
as $$
begin
    if kind = 'journal' then
        return scc.import_journal_apply(rows, import_id);
    elsif kind = 'accounts' then
        return scc.import_accounts_apply(rows, import_id);
    elsif kind = 'bookings' then
        return scc.import_bookings_apply(rows, import_id);
    elsif kind = 'boat_blocks' then
        return scc.import_boat_blocks_apply(rows, import_id);
    elsif kind = 'rental_stays' then
        return scc.import_rental_stays_apply(rows, import_id);
    elsif kind = 'rental_blocks' then
        return scc.import_rental_blocks_apply(rows, import_id);
    elsif kind = 'work_orders' then
        return scc.import_work_orders_apply(rows, import_id);
    elsif kind = 'deliveries' then
        return scc.import_deliveries_apply(rows, import_id);
    elsif kind = 'delivery_costs' then
        return scc.import_delivery_costs_apply(rows, import_id);
    elsif kind = 'clients' then
        return scc.import_clients_apply(rows, import_id);
    elsif kind = 'contracts' then
        return scc.import_contracts_apply(rows, import_id);
    elsif kind = 'time_entries' then
        return scc.import_time_entries_apply(rows, import_id);
    elsif kind = 'invoices' then
        return scc.import_invoices_apply(rows, import_id);
    elsif kind = 'payments' then
        return scc.import_payments_apply(rows, import_id);
    elsif kind = 'bills' then
        return scc.import_bills_apply(rows, import_id);
    elsif kind = 'services' then
        return scc.import_services_apply(rows, import_id);
    elsif kind = 'security_findings' then
        return scc.import_security_findings_apply(rows, import_id);
    elsif kind = 'ux_issues' then
        return scc.import_ux_issues_apply(rows, import_id);
    elsif kind = 'repositories' then
        return scc.import_repositories_apply(rows, import_id);
    elsif kind = 'deploys' then
        return scc.import_deploys_apply(rows, import_id);
    elsif kind = 'ci_runs' then
        return scc.import_ci_runs_apply(rows, import_id);
    elsif kind = 'channels' then
        return scc.import_channels_apply(rows, import_id);
    elsif kind = 'channel_listings' then
        return scc.import_channel_listings_apply(rows, import_id);
    elsif kind = 'marketing_months' then
        return scc.import_marketing_months_apply(rows, import_id);
    elsif kind = 'seo_tasks' then
        return scc.import_seo_tasks_apply(rows, import_id);
    elsif kind = 'targets' then
        return scc.import_targets_apply(rows, import_id);
    elsif kind = 'assets' then
        return scc.import_assets_apply(rows, import_id);
    elsif kind = 'action_items' then
        return scc.import_action_items_apply(rows, import_id);
    end if;
    perform scc.fail(400, 'unknown_kind', format('no import kind %s', kind));
end
$$;
comment on function scc.import_apply(text, scc.import_row[], bigint) is
    'applies an import''s checked rows by its kind (scc.import_<kind>_apply): {inserted, updated}; the one dispatch of applies';

-- ---------------------------------------------------------------------------
-- Charter: bookings and the boats' blocked days
-- ---------------------------------------------------------------------------

insert into scc.import_kinds (kind, position, title, key, key_columns, counts, sample, columns) values
('bookings', 30, 'Charter bookings', 'entity and external_id', array['entity', 'external_id'], 'bookings',
 '/samples/import/bookings.csv',
 '[{"name": "entity", "type": "entity", "what": "the entity''s slug (the charter operation: charter)"},
   {"name": "external_id", "type": "external_id", "what": "the booking''s id in its channel or source, at most 100 characters"},
   {"name": "channel", "type": "ref", "ref": "channel"},
   {"name": "event", "type": "ref", "ref": "event", "optional": true,
    "what": "the id of the event (sail) it is for, when known"},
   {"name": "boat", "type": "ref", "ref": "boat", "optional": true},
   {"name": "sail_on", "type": "date", "what": "the sail date, YYYY-MM-DD"},
   {"name": "booked_at", "type": "timestamp"},
   {"name": "party_size", "type": "integer", "min": 1, "max": 500, "optional": true, "default": "1"},
   {"name": "status", "type": "enum", "values": ["confirmed", "completed", "cancelled"]},
   {"name": "cancellation_cause", "type": "enum", "optional": true,
    "values": ["customer", "weather", "maintenance", "operator", "no_show", "other"],
    "what": "customer, weather, maintenance, operator, no_show or other; given exactly when the status is cancelled"},
   {"name": "cancelled_at", "type": "timestamp", "optional": true},
   {"name": "currency", "type": "currency", "optional": true, "default": "USD"},
   {"name": "gross", "type": "cents", "what": "what the customer paid, such as 1450.00"},
   {"name": "commission", "type": "cents", "optional": true, "default": "0", "what": "the marketplace''s cut"},
   {"name": "fees", "type": "cents", "optional": true, "default": "0", "what": "payment and service fees"},
   {"name": "refunds", "type": "cents", "optional": true, "default": "0", "what": "money given back, at most the gross"},
   {"name": "deposit", "type": "cents", "optional": true, "default": "0", "what": "the deposit taken, at most the gross"},
   {"name": "payout_expected_on", "type": "date", "optional": true},
   {"name": "payout_expected", "type": "cents", "optional": true, "what": "what the marketplace owes"},
   {"name": "payout_received_on", "type": "date", "optional": true, "what": "the day the payout arrived; with payout_received"},
   {"name": "payout_received", "type": "cents", "optional": true, "what": "what arrived; with payout_received_on"},
   {"name": "customer", "type": "text", "max": 200, "optional": true}]'),
('boat_blocks', 40, 'Boat blocks (days a boat cannot sail)', 'boat and external_id', array['boat', 'external_id'],
 'blocks', '/samples/import/boat_blocks.csv',
 '[{"name": "boat", "type": "ref", "ref": "boat"},
   {"name": "external_id", "type": "external_id", "what": "the block''s id in its source, at most 100 characters"},
   {"name": "kind", "type": "enum", "values": ["maintenance", "owner", "weather"]},
   {"name": "starts_on", "type": "date", "what": "the first day blocked, YYYY-MM-DD"},
   {"name": "ends_on", "type": "date", "after": "starts_on",
    "what": "the day after the last blocked (the end is exclusive), YYYY-MM-DD"},
   {"name": "note", "type": "text", "max": 1000, "optional": true}]');

-- bookings_cancellation_check (cancelled exactly when a cause is given),
-- bookings_amounts_check (refunds and deposit at most the gross) and
-- bookings_payout_check (a payout received has its day and its amount).
create function scc.import_bookings_check(rows scc.import_row[])
returns setof jsonb
language sql
stable
as $$
    with r as (
        select x.line, x.f ->> 'status' as status, x.f ->> 'cancellation_cause' as cause,
               scc.import_cents(x.f ->> 'gross') as gross, scc.import_cents(nullif(x.f ->> 'refunds', '')) as refunds,
               scc.import_cents(nullif(x.f ->> 'deposit', '')) as deposit,
               x.f ->> 'payout_received_on' as received_on, x.f ->> 'payout_received' as received
          from unnest(rows) as x
    ), e as (
        select r.line, 'cancellation_cause' as col, 'cancellation_cause_required' as code,
               'a cancelled booking has its cause: customer, weather, maintenance, operator, no_show or other' as message
          from r where r.status = 'cancelled' and r.cause = ''
        union all
        select r.line, 'cancellation_cause', 'cause_without_cancellation',
               format('a %s booking has no cancellation cause (%s): leave it empty or set status cancelled', r.status, r.cause)
          from r where r.status <> 'cancelled' and r.cause <> ''
        union all
        select r.line, 'refunds', 'refunds_over_gross',
               format('refunds %s are more than the gross %s', scc.cents_text(r.refunds), scc.cents_text(r.gross))
          from r where r.refunds > r.gross
        union all
        select r.line, 'deposit', 'deposit_over_gross',
               format('a deposit of %s is more than the gross %s', scc.cents_text(r.deposit), scc.cents_text(r.gross))
          from r where r.deposit > r.gross
        union all
        select r.line, case when r.received_on = '' then 'payout_received_on' else 'payout_received' end,
               'payout_incomplete', 'a payout received has both its day (payout_received_on) and its amount (payout_received)'
          from r where (r.received_on = '') <> (r.received = '')
    )
    select scc.import_error(e.line, e.col, e.code, e.message) from e order by e.line
$$;
comment on function scc.import_bookings_check(scc.import_row[]) is
    'the bookings kind''s rules across columns: cancelled with a cause, refunds and deposit within the gross, a payout received whole';

create function scc.import_bookings_apply(rows scc.import_row[], import_id bigint)
returns jsonb
language sql
volatile
as $$
    with up as (
        insert into scc.bookings as t (entity_id, external_id, channel, event_id, boat_id, sail_on, booked_at,
                                       party_size, status, cancellation_cause, cancelled_at, currency, gross_cents,
                                       commission_cents, fees_cents, refunds_cents, deposit_cents,
                                       payout_expected_on, payout_expected_cents, payout_received_on,
                                       payout_received_cents, customer)
        select scc.import_ref_id('entity', x.f ->> 'entity', x.f)::bigint, x.f ->> 'external_id', x.f ->> 'channel',
               scc.import_ref_id('event', nullif(x.f ->> 'event', ''), x.f)::uuid,
               scc.import_ref_id('boat', nullif(x.f ->> 'boat', ''), x.f)::uuid,
               scc.import_date(x.f ->> 'sail_on'), scc.import_timestamp(x.f ->> 'booked_at'),
               coalesce(nullif(x.f ->> 'party_size', '')::int, 1), x.f ->> 'status',
               nullif(x.f ->> 'cancellation_cause', ''), scc.import_timestamp(nullif(x.f ->> 'cancelled_at', '')),
               coalesce(nullif(x.f ->> 'currency', ''), 'USD'), scc.import_cents(x.f ->> 'gross'),
               coalesce(scc.import_cents(nullif(x.f ->> 'commission', '')), 0),
               coalesce(scc.import_cents(nullif(x.f ->> 'fees', '')), 0),
               coalesce(scc.import_cents(nullif(x.f ->> 'refunds', '')), 0),
               coalesce(scc.import_cents(nullif(x.f ->> 'deposit', '')), 0),
               scc.import_date(nullif(x.f ->> 'payout_expected_on', '')),
               scc.import_cents(nullif(x.f ->> 'payout_expected', '')),
               scc.import_date(nullif(x.f ->> 'payout_received_on', '')),
               scc.import_cents(nullif(x.f ->> 'payout_received', '')), nullif(x.f ->> 'customer', '')
          from unnest(rows) as x
         order by x.line
        on conflict (entity_id, external_id) do update
           set channel = excluded.channel, event_id = excluded.event_id, boat_id = excluded.boat_id,
               sail_on = excluded.sail_on, booked_at = excluded.booked_at, party_size = excluded.party_size,
               status = excluded.status, cancellation_cause = excluded.cancellation_cause,
               cancelled_at = excluded.cancelled_at, currency = excluded.currency,
               gross_cents = excluded.gross_cents, commission_cents = excluded.commission_cents,
               fees_cents = excluded.fees_cents, refunds_cents = excluded.refunds_cents,
               deposit_cents = excluded.deposit_cents, payout_expected_on = excluded.payout_expected_on,
               payout_expected_cents = excluded.payout_expected_cents,
               payout_received_on = excluded.payout_received_on,
               payout_received_cents = excluded.payout_received_cents, customer = excluded.customer,
               updated_at = now()
        returning (t.xmax = 0) as is_new
    )
    select scc.import_counts(array_agg(up.is_new)) from up
$$;
comment on function scc.import_bookings_apply(scc.import_row[], bigint) is
    'applies checked bookings rows (insert, or update every field by entity and external_id); {inserted, updated}';

create function scc.import_boat_blocks_apply(rows scc.import_row[], import_id bigint)
returns jsonb
language sql
volatile
as $$
    with up as (
        insert into scc.boat_blocks as t (boat_id, external_id, kind, starts_on, ends_on, note)
        select scc.import_ref_id('boat', x.f ->> 'boat', x.f)::uuid, x.f ->> 'external_id', x.f ->> 'kind',
               scc.import_date(x.f ->> 'starts_on'), scc.import_date(x.f ->> 'ends_on'), x.f ->> 'note'
          from unnest(rows) as x
         order by x.line
        on conflict (boat_id, external_id) do update
           set kind = excluded.kind, starts_on = excluded.starts_on, ends_on = excluded.ends_on, note = excluded.note
        returning (t.xmax = 0) as is_new
    )
    select scc.import_counts(array_agg(up.is_new)) from up
$$;
comment on function scc.import_boat_blocks_apply(scc.import_row[], bigint) is
    'applies checked boat_blocks rows (insert, or update kind, span and note by boat and external_id); {inserted, updated}';

-- ---------------------------------------------------------------------------
-- Rental property: stays, blocks, work orders
-- ---------------------------------------------------------------------------

insert into scc.import_kinds (kind, position, title, key, key_columns, counts, sample, columns) values
('rental_stays', 50, 'Rental stays', 'entity and external_id', array['entity', 'external_id'], 'stays',
 '/samples/import/rental_stays.csv',
 '[{"name": "entity", "type": "entity", "what": "the entity''s slug (the property: rental-3028-51st)"},
   {"name": "external_id", "type": "external_id", "what": "the stay''s id in its channel, at most 100 characters"},
   {"name": "channel", "type": "ref", "ref": "channel"},
   {"name": "check_in", "type": "date", "what": "the first night, YYYY-MM-DD"},
   {"name": "check_out", "type": "date", "after": "check_in",
    "what": "the day the guests leave (after check_in), YYYY-MM-DD"},
   {"name": "guests", "type": "integer", "min": 1, "max": 50, "optional": true, "default": "1"},
   {"name": "status", "type": "enum", "values": ["confirmed", "cancelled"], "optional": true, "default": "confirmed",
    "what": "confirmed or cancelled"},
   {"name": "currency", "type": "currency", "optional": true, "default": "USD"},
   {"name": "revenue", "type": "cents", "what": "what the stay earned, such as 842.16"}]'),
('rental_blocks', 60, 'Rental blocks (nights not for rent)', 'entity and external_id', array['entity', 'external_id'],
 'blocks', '/samples/import/rental_blocks.csv',
 '[{"name": "entity", "type": "entity", "what": "the entity''s slug (the property: rental-3028-51st)"},
   {"name": "external_id", "type": "external_id", "what": "the block''s id in its source, at most 100 characters"},
   {"name": "kind", "type": "enum", "values": ["owner", "maintenance"]},
   {"name": "starts_on", "type": "date", "what": "the first night blocked, YYYY-MM-DD"},
   {"name": "ends_on", "type": "date", "after": "starts_on",
    "what": "the day after the last night blocked (the end is exclusive), YYYY-MM-DD"},
   {"name": "note", "type": "text", "max": 1000, "optional": true}]'),
('work_orders', 70, 'Work orders (maintenance)', 'entity and external_id', array['entity', 'external_id'],
 'work orders', '/samples/import/work_orders.csv',
 '[{"name": "entity", "type": "entity"},
   {"name": "external_id", "type": "external_id", "what": "the work order''s id in its source, at most 100 characters"},
   {"name": "title", "type": "text", "max": 200},
   {"name": "priority", "type": "enum", "values": ["low", "normal", "high", "urgent"]},
   {"name": "opened_at", "type": "timestamp"},
   {"name": "closed_at", "type": "timestamp", "optional": true, "not_before": "opened_at", "what": "when it was done (not before opened_at); empty while open"},
   {"name": "currency", "type": "currency", "optional": true, "default": "USD"},
   {"name": "cost", "type": "cents", "optional": true, "default": "0"}]');

create function scc.import_rental_stays_apply(rows scc.import_row[], import_id bigint)
returns jsonb
language sql
volatile
as $$
    with up as (
        insert into scc.rental_stays as t (entity_id, external_id, channel, check_in, check_out, guests, status,
                                           currency, revenue_cents)
        select scc.import_ref_id('entity', x.f ->> 'entity', x.f)::bigint, x.f ->> 'external_id', x.f ->> 'channel',
               scc.import_date(x.f ->> 'check_in'), scc.import_date(x.f ->> 'check_out'),
               coalesce(nullif(x.f ->> 'guests', '')::int, 1), coalesce(nullif(x.f ->> 'status', ''), 'confirmed'),
               coalesce(nullif(x.f ->> 'currency', ''), 'USD'), scc.import_cents(x.f ->> 'revenue')
          from unnest(rows) as x
         order by x.line
        on conflict (entity_id, external_id) do update
           set channel = excluded.channel, check_in = excluded.check_in, check_out = excluded.check_out,
               guests = excluded.guests, status = excluded.status, currency = excluded.currency,
               revenue_cents = excluded.revenue_cents, updated_at = now()
        returning (t.xmax = 0) as is_new
    )
    select scc.import_counts(array_agg(up.is_new)) from up
$$;
comment on function scc.import_rental_stays_apply(scc.import_row[], bigint) is
    'applies checked rental_stays rows (insert, or update every field by entity and external_id); {inserted, updated}';

create function scc.import_rental_blocks_apply(rows scc.import_row[], import_id bigint)
returns jsonb
language sql
volatile
as $$
    with up as (
        insert into scc.rental_blocks as t (entity_id, external_id, kind, starts_on, ends_on, note)
        select scc.import_ref_id('entity', x.f ->> 'entity', x.f)::bigint, x.f ->> 'external_id', x.f ->> 'kind',
               scc.import_date(x.f ->> 'starts_on'), scc.import_date(x.f ->> 'ends_on'), x.f ->> 'note'
          from unnest(rows) as x
         order by x.line
        on conflict (entity_id, external_id) do update
           set kind = excluded.kind, starts_on = excluded.starts_on, ends_on = excluded.ends_on, note = excluded.note
        returning (t.xmax = 0) as is_new
    )
    select scc.import_counts(array_agg(up.is_new)) from up
$$;
comment on function scc.import_rental_blocks_apply(scc.import_row[], bigint) is
    'applies checked rental_blocks rows (insert, or update kind, span and note by entity and external_id); {inserted, updated}';

create function scc.import_work_orders_apply(rows scc.import_row[], import_id bigint)
returns jsonb
language sql
volatile
as $$
    with up as (
        insert into scc.work_orders as t (entity_id, external_id, title, priority, opened_at, closed_at, currency,
                                          cost_cents)
        select scc.import_ref_id('entity', x.f ->> 'entity', x.f)::bigint, x.f ->> 'external_id', x.f ->> 'title',
               x.f ->> 'priority', scc.import_timestamp(x.f ->> 'opened_at'),
               scc.import_timestamp(nullif(x.f ->> 'closed_at', '')), coalesce(nullif(x.f ->> 'currency', ''), 'USD'),
               coalesce(scc.import_cents(nullif(x.f ->> 'cost', '')), 0)
          from unnest(rows) as x
         order by x.line
        on conflict (entity_id, external_id) do update
           set title = excluded.title, priority = excluded.priority, opened_at = excluded.opened_at,
               closed_at = excluded.closed_at, currency = excluded.currency, cost_cents = excluded.cost_cents,
               updated_at = now()
        returning (t.xmax = 0) as is_new
    )
    select scc.import_counts(array_agg(up.is_new)) from up
$$;
comment on function scc.import_work_orders_apply(scc.import_row[], bigint) is
    'applies checked work_orders rows (insert, or update every field by entity and external_id); {inserted, updated}';

-- ---------------------------------------------------------------------------
-- Yacht delivery: deliveries and their costs
-- ---------------------------------------------------------------------------

insert into scc.import_kinds (kind, position, title, key, key_columns, counts, sample, columns) values
('deliveries', 80, 'Yacht deliveries', 'entity and external_id', array['entity', 'external_id'], 'deliveries',
 '/samples/import/deliveries.csv',
 '[{"name": "entity", "type": "entity", "what": "the entity''s slug (expert-yacht-delivery)"},
   {"name": "external_id", "type": "external_id", "what": "the delivery''s id in its source, at most 100 characters"},
   {"name": "customer", "type": "text", "max": 200},
   {"name": "vessel", "type": "text", "max": 200},
   {"name": "vessel_length_ft", "type": "decimal", "above": 0, "max": 9999.9, "scale": 1, "optional": true},
   {"name": "from_port", "type": "text", "max": 200},
   {"name": "to_port", "type": "text", "max": 200},
   {"name": "stage", "type": "enum",
    "values": ["inquiry", "quoted", "contracted", "in_transit", "delivered", "invoiced", "paid", "lost"],
    "what": "inquiry, quoted, contracted, in_transit, delivered, invoiced, paid or lost; every stage up to it is dated, none after it"},
   {"name": "inquiry_on", "type": "date"},
   {"name": "quoted_on", "type": "date", "optional": true, "what": "YYYY-MM-DD from the stage quoted on (may be given for a lost one)"},
   {"name": "contracted_on", "type": "date", "optional": true, "what": "YYYY-MM-DD from the stage contracted on (may be given for a lost one)"},
   {"name": "departed_on", "type": "date", "optional": true, "what": "YYYY-MM-DD from the stage in_transit on"},
   {"name": "delivered_on", "type": "date", "optional": true, "what": "YYYY-MM-DD from the stage delivered on"},
   {"name": "invoiced_on", "type": "date", "optional": true, "what": "YYYY-MM-DD from the stage invoiced on"},
   {"name": "paid_on", "type": "date", "optional": true, "what": "YYYY-MM-DD at the stage paid"},
   {"name": "lost_on", "type": "date", "optional": true, "what": "YYYY-MM-DD at the stage lost (the customer went elsewhere)"},
   {"name": "nm_planned", "type": "decimal", "min": 0, "max": 9999999.9, "scale": 1, "optional": true},
   {"name": "nm_logged", "type": "decimal", "min": 0, "max": 9999999.9, "scale": 1, "optional": true},
   {"name": "days_underway", "type": "decimal", "min": 0, "max": 9999.99, "scale": 2, "optional": true},
   {"name": "weather_days", "type": "decimal", "min": 0, "max": 9999.99, "scale": 2, "optional": true, "default": "0"},
   {"name": "currency", "type": "currency", "optional": true, "default": "USD"},
   {"name": "fee", "type": "cents", "optional": true, "what": "the fee agreed, such as 12500.00"},
   {"name": "rating", "type": "integer", "min": 1, "max": 5, "optional": true,
    "what": "the customer''s rating, a whole number from 1 to 5"}]'),
('delivery_costs', 90, 'Delivery costs', 'entity, delivery and external_id', array['entity', 'delivery', 'external_id'],
 'costs', '/samples/import/delivery_costs.csv',
 '[{"name": "entity", "type": "entity", "what": "the entity''s slug (expert-yacht-delivery)"},
   {"name": "delivery", "type": "ref", "ref": "delivery"},
   {"name": "external_id", "type": "external_id", "what": "the cost''s id in its source, at most 100 characters"},
   {"name": "kind", "type": "enum", "values": ["crew", "fuel", "travel", "provisions", "dockage", "parts", "insurance", "other"]},
   {"name": "incurred_on", "type": "date"},
   {"name": "currency", "type": "currency", "optional": true, "default": "USD"},
   {"name": "amount", "type": "cents"}]');

-- deliveries_stage_dates_check (every stage up to the current one dated,
-- none after it; a lost one may keep its quoted and contracted dates, and
-- contracted only with quoted) and deliveries_stage_order_check (each
-- date no earlier than the one before).
create function scc.import_deliveries_check(rows scc.import_row[])
returns setof jsonb
language sql
stable
as $$
    with r as (
        select x.line, x.f ->> 'stage' as stage,
               array_position(array['inquiry', 'quoted', 'contracted', 'in_transit', 'delivered', 'invoiced', 'paid'],
                              x.f ->> 'stage') - 1 as s,
               d.col, d.k, d.prev, x.f ->> d.col as v, scc.import_date(nullif(x.f ->> d.col, '')) as day,
               scc.import_date(nullif(x.f ->> d.prev, '')) as prev_day, x.f ->> d.prev as prev_v,
               x.f ->> 'quoted_on' as quoted_on
          from unnest(rows) as x
         cross join (values ('quoted_on', 1, 'inquiry_on'), ('contracted_on', 2, 'quoted_on'),
                            ('departed_on', 3, 'contracted_on'), ('delivered_on', 4, 'departed_on'),
                            ('invoiced_on', 5, 'delivered_on'), ('paid_on', 6, 'invoiced_on'),
                            ('lost_on', 7, 'inquiry_on')) as d (col, k, prev)
    ), e as (
        -- a stage reached and not dated
        select r.line, r.k, r.col, 'stage_date_required' as code,
               format('a delivery at stage %s has its %s', r.stage, r.col) as message
          from r
         where r.v = '' and ((r.stage <> 'lost' and r.k <= r.s) or (r.stage = 'lost' and r.k = 7))
        union all
        -- a stage not reached and dated
        select r.line, r.k, r.col, 'stage_date_unexpected',
               format('a delivery at stage %s has no %s yet: leave it empty or move the stage on', r.stage, r.col)
          from r
         where r.v <> '' and ((r.stage <> 'lost' and r.k > r.s) or (r.stage = 'lost' and r.k between 3 and 6))
        union all
        -- contracted without a quote (the one rule a lost delivery keeps)
        select r.line, 1, 'quoted_on', 'stage_date_required',
               'a delivery contracted has its quoted_on'
          from r
         where r.stage = 'lost' and r.col = 'contracted_on' and r.v <> '' and r.quoted_on = ''
        union all
        -- in order
        select r.line, r.k, r.col, 'stage_date_order',
               format('%s %s is before %s %s', r.col, r.v, r.prev, r.prev_v)
          from r
         where r.day < r.prev_day
    )
    select scc.import_error(e.line, e.col, e.code, e.message) from e order by e.line, e.k, e.code
$$;
comment on function scc.import_deliveries_check(scc.import_row[]) is
    'the deliveries kind''s rules across columns: the stage''s dates (each stage reached dated, none after) in order';

create function scc.import_deliveries_apply(rows scc.import_row[], import_id bigint)
returns jsonb
language sql
volatile
as $$
    with up as (
        insert into scc.deliveries as t (entity_id, external_id, customer, vessel, vessel_length_ft, from_port,
                                         to_port, stage, inquiry_on, quoted_on, contracted_on, departed_on,
                                         delivered_on, invoiced_on, paid_on, lost_on, nm_planned, nm_logged,
                                         days_underway, weather_days, currency, fee_cents, rating)
        select scc.import_ref_id('entity', x.f ->> 'entity', x.f)::bigint, x.f ->> 'external_id', x.f ->> 'customer',
               x.f ->> 'vessel', scc.import_number(nullif(x.f ->> 'vessel_length_ft', '')), x.f ->> 'from_port',
               x.f ->> 'to_port', x.f ->> 'stage', scc.import_date(x.f ->> 'inquiry_on'),
               scc.import_date(nullif(x.f ->> 'quoted_on', '')), scc.import_date(nullif(x.f ->> 'contracted_on', '')),
               scc.import_date(nullif(x.f ->> 'departed_on', '')), scc.import_date(nullif(x.f ->> 'delivered_on', '')),
               scc.import_date(nullif(x.f ->> 'invoiced_on', '')), scc.import_date(nullif(x.f ->> 'paid_on', '')),
               scc.import_date(nullif(x.f ->> 'lost_on', '')), scc.import_number(nullif(x.f ->> 'nm_planned', '')),
               scc.import_number(nullif(x.f ->> 'nm_logged', '')),
               scc.import_number(nullif(x.f ->> 'days_underway', '')),
               coalesce(scc.import_number(nullif(x.f ->> 'weather_days', '')), 0),
               coalesce(nullif(x.f ->> 'currency', ''), 'USD'), scc.import_cents(nullif(x.f ->> 'fee', '')),
               nullif(x.f ->> 'rating', '')::smallint
          from unnest(rows) as x
         order by x.line
        on conflict (entity_id, external_id) do update
           set customer = excluded.customer, vessel = excluded.vessel, vessel_length_ft = excluded.vessel_length_ft,
               from_port = excluded.from_port, to_port = excluded.to_port, stage = excluded.stage,
               inquiry_on = excluded.inquiry_on, quoted_on = excluded.quoted_on,
               contracted_on = excluded.contracted_on, departed_on = excluded.departed_on,
               delivered_on = excluded.delivered_on, invoiced_on = excluded.invoiced_on,
               paid_on = excluded.paid_on, lost_on = excluded.lost_on, nm_planned = excluded.nm_planned,
               nm_logged = excluded.nm_logged, days_underway = excluded.days_underway,
               weather_days = excluded.weather_days, currency = excluded.currency,
               fee_cents = excluded.fee_cents, rating = excluded.rating, updated_at = now()
        returning (t.xmax = 0) as is_new
    )
    select scc.import_counts(array_agg(up.is_new)) from up
$$;
comment on function scc.import_deliveries_apply(scc.import_row[], bigint) is
    'applies checked deliveries rows (insert, or update every field by entity and external_id); {inserted, updated}';

create function scc.import_delivery_costs_apply(rows scc.import_row[], import_id bigint)
returns jsonb
language sql
volatile
as $$
    with up as (
        insert into scc.delivery_costs as t (delivery_id, external_id, kind, incurred_on, currency, amount_cents)
        select scc.import_ref_id('delivery', x.f ->> 'delivery', x.f)::uuid, x.f ->> 'external_id', x.f ->> 'kind',
               scc.import_date(x.f ->> 'incurred_on'), coalesce(nullif(x.f ->> 'currency', ''), 'USD'),
               scc.import_cents(x.f ->> 'amount')
          from unnest(rows) as x
         order by x.line
        on conflict (delivery_id, external_id) do update
           set kind = excluded.kind, incurred_on = excluded.incurred_on, currency = excluded.currency,
               amount_cents = excluded.amount_cents
        returning (t.xmax = 0) as is_new
    )
    select scc.import_counts(array_agg(up.is_new)) from up
$$;
comment on function scc.import_delivery_costs_apply(scc.import_row[], bigint) is
    'applies checked delivery_costs rows (insert, or update kind, day and amount by delivery and external_id); {inserted, updated}';

-- ---------------------------------------------------------------------------
-- Consulting: contracts, time entries, invoices, payments
-- ---------------------------------------------------------------------------

insert into scc.import_kinds (kind, position, title, key, key_columns, counts, sample, columns) values
('contracts', 110, 'Contracts (consulting)', 'entity, client and external_id',
 array['entity', 'client', 'external_id'], 'contracts', '/samples/import/contracts.csv',
 '[{"name": "entity", "type": "entity", "what": "the entity''s slug (the practice: dangerouscentaur)"},
   {"name": "client", "type": "ref", "ref": "client"},
   {"name": "external_id", "type": "external_id", "what": "the contract''s id in its source, at most 100 characters"},
   {"name": "title", "type": "text", "max": 200},
   {"name": "status", "type": "enum", "values": ["draft", "active", "ended", "terminated"]},
   {"name": "starts_on", "type": "date"},
   {"name": "ends_on", "type": "date", "optional": true, "not_before": "starts_on",
    "what": "the end of the term (not before starts_on); empty when open-ended"},
   {"name": "renews_on", "type": "date", "optional": true, "not_before": "starts_on",
    "what": "the renewal date (not before starts_on)"},
   {"name": "currency", "type": "currency", "optional": true, "default": "USD"},
   {"name": "rate", "type": "cents", "what": "the hourly rate, such as 175.00"},
   {"name": "hour_cap", "type": "decimal", "above": 0, "max": 999999.99, "scale": 2, "optional": true,
    "what": "the hours billable in the term (above 0, at most two places); empty when none"}]'),
('time_entries', 140, 'Time entries (consulting)', 'entity, client, contract and external_id',
 array['entity', 'client', 'contract', 'external_id'], 'entries', '/samples/import/time_entries.csv',
 '[{"name": "entity", "type": "entity", "what": "the entity''s slug (the practice: dangerouscentaur)"},
   {"name": "client", "type": "ref", "ref": "client"},
   {"name": "contract", "type": "ref", "ref": "contract"},
   {"name": "external_id", "type": "external_id", "what": "the entry''s id in its source, at most 100 characters"},
   {"name": "worked_on", "type": "date"},
   {"name": "hours", "type": "decimal", "above": 0, "max": 24, "scale": 2},
   {"name": "rate", "type": "cents", "what": "the hourly rate billed, such as 175.00"},
   {"name": "billable", "type": "yes_no", "optional": true, "default": "yes"},
   {"name": "approved", "type": "yes_no", "optional": true, "default": "no"},
   {"name": "invoice", "type": "ref", "ref": "invoice", "optional": true,
    "what": "the external_id of the invoice that billed it (of the row''s entity; only a billable entry); empty when not invoiced"},
   {"name": "note", "type": "text", "max": 1000, "optional": true}]'),
('invoices', 120, 'Invoices (money owed to an entity)', 'entity and external_id', array['entity', 'external_id'],
 'invoices', '/samples/import/invoices.csv',
 '[{"name": "entity", "type": "entity"},
   {"name": "external_id", "type": "external_id", "what": "the invoice''s number in its source, at most 100 characters"},
   {"name": "client", "type": "ref", "ref": "client", "optional": true,
    "what": "the external_id of a client of the row''s entity (the practice''s invoices); empty for anyone else"},
   {"name": "counterparty", "type": "text", "max": 200, "what": "who owes it, at most 200 characters"},
   {"name": "issued_on", "type": "date"},
   {"name": "due_on", "type": "date", "not_before": "issued_on", "what": "YYYY-MM-DD, not before issued_on"},
   {"name": "currency", "type": "currency", "optional": true, "default": "USD"},
   {"name": "amount", "type": "cents", "positive": true},
   {"name": "void", "type": "yes_no", "optional": true, "default": "no"}]'),
('payments', 130, 'Payments (against invoices)', 'entity, invoice and external_id',
 array['entity', 'invoice', 'external_id'], 'payments', '/samples/import/payments.csv',
 '[{"name": "entity", "type": "entity"},
   {"name": "invoice", "type": "ref", "ref": "invoice"},
   {"name": "external_id", "type": "external_id", "what": "the payment''s id in its source, at most 100 characters"},
   {"name": "received_on", "type": "date"},
   {"name": "currency", "type": "currency", "optional": true, "default": "USD"},
   {"name": "amount", "type": "cents", "positive": true}]');

create function scc.import_contracts_apply(rows scc.import_row[], import_id bigint)
returns jsonb
language sql
volatile
as $$
    with up as (
        insert into scc.contracts as t (client_id, external_id, title, status, starts_on, ends_on, renews_on,
                                        currency, rate_cents, hour_cap)
        select scc.import_ref_id('client', x.f ->> 'client', x.f)::uuid, x.f ->> 'external_id', x.f ->> 'title',
               x.f ->> 'status', scc.import_date(x.f ->> 'starts_on'), scc.import_date(nullif(x.f ->> 'ends_on', '')),
               scc.import_date(nullif(x.f ->> 'renews_on', '')), coalesce(nullif(x.f ->> 'currency', ''), 'USD'),
               scc.import_cents(x.f ->> 'rate'), scc.import_number(nullif(x.f ->> 'hour_cap', ''))
          from unnest(rows) as x
         order by x.line
        on conflict (client_id, external_id) do update
           set title = excluded.title, status = excluded.status, starts_on = excluded.starts_on,
               ends_on = excluded.ends_on, renews_on = excluded.renews_on, currency = excluded.currency,
               rate_cents = excluded.rate_cents, hour_cap = excluded.hour_cap, updated_at = now()
        returning (t.xmax = 0) as is_new
    )
    select scc.import_counts(array_agg(up.is_new)) from up
$$;
comment on function scc.import_contracts_apply(scc.import_row[], bigint) is
    'applies checked contracts rows (insert, or update every field by client and external_id); {inserted, updated}';

-- time_entries_invoiced_billable_check: an invoiced entry is billable.
create function scc.import_time_entries_check(rows scc.import_row[])
returns setof jsonb
language sql
immutable
as $$
    select scc.import_error(x.line, 'billable', 'invoiced_not_billable',
                            format('an entry invoiced (%s) is billable: billable yes, or no invoice', x.f ->> 'invoice'))
      from unnest(rows) as x
     where x.f ->> 'invoice' <> '' and scc.import_yes(x.f ->> 'billable') = false
     order by x.line
$$;
comment on function scc.import_time_entries_check(scc.import_row[]) is
    'the time_entries kind''s rule across columns: an invoiced entry is billable';

create function scc.import_time_entries_apply(rows scc.import_row[], import_id bigint)
returns jsonb
language sql
volatile
as $$
    with up as (
        insert into scc.time_entries as t (contract_id, external_id, worked_on, hours, rate_cents, billable, approved,
                                           invoice_id, note)
        select scc.import_ref_id('contract', x.f ->> 'contract', x.f)::uuid, x.f ->> 'external_id',
               scc.import_date(x.f ->> 'worked_on'), scc.import_number(x.f ->> 'hours'), scc.import_cents(x.f ->> 'rate'),
               coalesce(scc.import_yes(nullif(x.f ->> 'billable', '')), true),
               coalesce(scc.import_yes(nullif(x.f ->> 'approved', '')), false),
               scc.import_ref_id('invoice', nullif(x.f ->> 'invoice', ''), x.f)::uuid, x.f ->> 'note'
          from unnest(rows) as x
         order by x.line
        on conflict (contract_id, external_id) do update
           set worked_on = excluded.worked_on, hours = excluded.hours, rate_cents = excluded.rate_cents,
               billable = excluded.billable, approved = excluded.approved, invoice_id = excluded.invoice_id,
               note = excluded.note, updated_at = now()
        returning (t.xmax = 0) as is_new
    )
    select scc.import_counts(array_agg(up.is_new)) from up
$$;
comment on function scc.import_time_entries_apply(scc.import_row[], bigint) is
    'applies checked time_entries rows (insert, or update every field by contract and external_id); {inserted, updated}';

create function scc.import_invoices_apply(rows scc.import_row[], import_id bigint)
returns jsonb
language sql
volatile
as $$
    with up as (
        insert into scc.invoices as t (entity_id, external_id, client_id, counterparty, issued_on, due_on, currency,
                                       amount_cents, void)
        select scc.import_ref_id('entity', x.f ->> 'entity', x.f)::bigint, x.f ->> 'external_id',
               scc.import_ref_id('client', nullif(x.f ->> 'client', ''), x.f)::uuid, x.f ->> 'counterparty',
               scc.import_date(x.f ->> 'issued_on'), scc.import_date(x.f ->> 'due_on'),
               coalesce(nullif(x.f ->> 'currency', ''), 'USD'), scc.import_cents(x.f ->> 'amount'),
               coalesce(scc.import_yes(nullif(x.f ->> 'void', '')), false)
          from unnest(rows) as x
         order by x.line
        on conflict (entity_id, external_id) do update
           set client_id = excluded.client_id, counterparty = excluded.counterparty, issued_on = excluded.issued_on,
               due_on = excluded.due_on, currency = excluded.currency, amount_cents = excluded.amount_cents,
               void = excluded.void, updated_at = now()
        returning (t.xmax = 0) as is_new
    )
    select scc.import_counts(array_agg(up.is_new)) from up
$$;
comment on function scc.import_invoices_apply(scc.import_row[], bigint) is
    'applies checked invoices rows (insert, or update every field by entity and external_id); {inserted, updated}';

create function scc.import_payments_apply(rows scc.import_row[], import_id bigint)
returns jsonb
language sql
volatile
as $$
    with up as (
        insert into scc.payments as t (invoice_id, external_id, received_on, currency, amount_cents)
        select scc.import_ref_id('invoice', x.f ->> 'invoice', x.f)::uuid, x.f ->> 'external_id',
               scc.import_date(x.f ->> 'received_on'), coalesce(nullif(x.f ->> 'currency', ''), 'USD'),
               scc.import_cents(x.f ->> 'amount')
          from unnest(rows) as x
         order by x.line
        on conflict (invoice_id, external_id) do update
           set received_on = excluded.received_on, currency = excluded.currency, amount_cents = excluded.amount_cents
        returning (t.xmax = 0) as is_new
    )
    select scc.import_counts(array_agg(up.is_new)) from up
$$;
comment on function scc.import_payments_apply(scc.import_row[], bigint) is
    'applies checked payments rows (insert, or update day and amount by invoice and external_id); {inserted, updated}';
