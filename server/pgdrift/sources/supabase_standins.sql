-- Stand-ins for what the Supabase platform provides before a project's first
-- migration, so that Supabase migrations replay on plain Postgres.
--
-- Shapes (names, columns, argument and return types) follow the platform;
-- bodies are trivial where the real thing needs a service. Written for
-- pgdrift; applied by pgdrift.sources.shadow, section by section:
--
--   -- @section NAME            applied as is
--   -- @extension NAME          an extension stand-in; @extschema@ is replaced
--                               by the (quoted) schema it is installed into
--   -- @extension NAME fixed    an extension whose schema is fixed by the
--                               extension itself (net, cron, pgmq, ...)
--
-- Every name is schema-qualified: extension sections can run in the middle of
-- a migration's session, whatever its search_path.

-- @section roles
-- Roles are cluster-wide: other databases on the same server may have created
-- them already, maybe concurrently. None can log in.
do $$
declare
  r record;
begin
  for r in
    select * from (values
      ('postgres', ''),
      ('anon', 'noinherit'),
      ('authenticated', 'noinherit'),
      ('service_role', 'noinherit bypassrls'),
      ('authenticator', 'noinherit'),
      ('supabase_admin', ''),
      ('supabase_auth_admin', 'noinherit createrole'),
      ('supabase_storage_admin', 'noinherit createrole'),
      ('supabase_realtime_admin', 'noinherit'),
      ('supabase_replication_admin', ''),
      ('supabase_read_only_user', 'bypassrls'),
      ('supabase_functions_admin', 'noinherit createrole'),
      ('supabase_etl_admin', ''),
      ('dashboard_user', 'createrole createdb'),
      ('pgbouncer', ''),
      ('pgsodium_keyholder', ''),
      ('pgsodium_keyiduser', ''),
      ('pgsodium_keymaker', '')
    ) as t(name, options)
  loop
    continue when exists (select from pg_catalog.pg_roles where rolname = r.name);
    begin
      execute pg_catalog.format('create role %I nologin %s', r.name, r.options);
    exception
      when duplicate_object or unique_violation then null;
      when insufficient_privilege then
        -- BYPASSRLS needs a superuser; the role's existence is what matters.
        begin
          execute pg_catalog.format('create role %I nologin', r.name);
        exception when duplicate_object or unique_violation then null;
        end;
    end;
  end loop;
  begin
    grant anon, authenticated, service_role to authenticator;
  exception when others then null;  -- already a member, or granted concurrently
  end;
end $$;

-- @section platform
create schema if not exists extensions;
create schema if not exists auth;
create schema if not exists storage;
create schema if not exists graphql_public;
create schema if not exists realtime;
create schema if not exists supabase_functions;

grant usage on schema public, extensions, graphql_public to anon, authenticated, service_role;
grant usage on schema auth, storage, realtime to anon, authenticated, service_role;
alter default privileges in schema public grant all on tables to anon, authenticated, service_role;
alter default privileges in schema public grant all on functions to anon, authenticated, service_role;
alter default privileges in schema public grant all on sequences to anon, authenticated, service_role;

do $$
begin
  execute pg_catalog.format(
    'alter database %I set search_path = "$user", public, extensions',
    pg_catalog.current_database());
end $$;

-- auth ----------------------------------------------------------------------

create type auth.aal_level as enum ('aal1', 'aal2', 'aal3');
create type auth.factor_type as enum ('totp', 'webauthn', 'phone');
create type auth.factor_status as enum ('unverified', 'verified');
create type auth.code_challenge_method as enum ('s256', 'plain');

create table auth.users (
  instance_id uuid,
  id uuid not null primary key,
  aud character varying(255),
  role character varying(255),
  email character varying(255),
  encrypted_password character varying(255),
  email_confirmed_at timestamp with time zone,
  invited_at timestamp with time zone,
  confirmation_token character varying(255),
  confirmation_sent_at timestamp with time zone,
  recovery_token character varying(255),
  recovery_sent_at timestamp with time zone,
  email_change_token_new character varying(255),
  email_change character varying(255),
  email_change_sent_at timestamp with time zone,
  last_sign_in_at timestamp with time zone,
  raw_app_meta_data jsonb,
  raw_user_meta_data jsonb,
  is_super_admin boolean,
  created_at timestamp with time zone,
  updated_at timestamp with time zone,
  phone text unique default null::character varying,
  phone_confirmed_at timestamp with time zone,
  phone_change text default ''::character varying,
  phone_change_token character varying(255) default ''::character varying,
  phone_change_sent_at timestamp with time zone,
  confirmed_at timestamp with time zone
    generated always as (least(email_confirmed_at, phone_confirmed_at)) stored,
  email_change_token_current character varying(255) default ''::character varying,
  email_change_confirm_status smallint default 0
    check (email_change_confirm_status >= 0 and email_change_confirm_status <= 2),
  banned_until timestamp with time zone,
  reauthentication_token character varying(255) default ''::character varying,
  reauthentication_sent_at timestamp with time zone,
  is_sso_user boolean not null default false,
  deleted_at timestamp with time zone,
  is_anonymous boolean not null default false
);
comment on table auth.users is 'Auth: Stores user login data within a secure schema.';

create table auth.identities (
  provider_id text not null,
  user_id uuid not null references auth.users (id) on delete cascade,
  identity_data jsonb not null,
  provider text not null,
  last_sign_in_at timestamp with time zone,
  created_at timestamp with time zone,
  updated_at timestamp with time zone,
  email text generated always as (pg_catalog.lower(identity_data ->> 'email')) stored,
  id uuid not null default pg_catalog.gen_random_uuid() primary key,
  unique (provider_id, provider)
);

create table auth.sessions (
  id uuid not null primary key,
  user_id uuid not null references auth.users (id) on delete cascade,
  created_at timestamp with time zone,
  updated_at timestamp with time zone,
  factor_id uuid,
  aal auth.aal_level,
  not_after timestamp with time zone,
  refreshed_at timestamp without time zone,
  user_agent text,
  ip inet,
  tag text
);

create table auth.refresh_tokens (
  instance_id uuid,
  id bigserial primary key,
  token character varying(255) unique,
  user_id character varying(255),
  revoked boolean,
  created_at timestamp with time zone,
  updated_at timestamp with time zone,
  parent character varying(255),
  session_id uuid references auth.sessions (id) on delete cascade
);

create table auth.mfa_factors (
  id uuid not null primary key,
  user_id uuid not null references auth.users (id) on delete cascade,
  friendly_name text,
  factor_type auth.factor_type not null,
  status auth.factor_status not null,
  created_at timestamp with time zone not null,
  updated_at timestamp with time zone not null,
  secret text,
  phone text,
  last_challenged_at timestamp with time zone unique,
  web_authn_credential jsonb,
  web_authn_aaguid uuid
);

create table auth.audit_log_entries (
  instance_id uuid,
  id uuid not null primary key,
  payload json,
  created_at timestamp with time zone,
  ip_address character varying(64) not null default ''::character varying
);

-- The request's JWT claims, as PostgREST sets them.
create function auth.jwt() returns jsonb language sql stable as $$
  select coalesce(
    nullif(pg_catalog.current_setting('request.jwt.claim', true), ''),
    nullif(pg_catalog.current_setting('request.jwt.claims', true), '')
  )::jsonb
$$;

create function auth.uid() returns uuid language sql stable as $$
  select coalesce(
    nullif(pg_catalog.current_setting('request.jwt.claim.sub', true), ''),
    nullif(pg_catalog.current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'
  )::uuid
$$;

create function auth.role() returns text language sql stable as $$
  select coalesce(
    nullif(pg_catalog.current_setting('request.jwt.claim.role', true), ''),
    nullif(pg_catalog.current_setting('request.jwt.claims', true), '')::jsonb ->> 'role'
  )::text
$$;

create function auth.email() returns text language sql stable as $$
  select coalesce(
    nullif(pg_catalog.current_setting('request.jwt.claim.email', true), ''),
    nullif(pg_catalog.current_setting('request.jwt.claims', true), '')::jsonb ->> 'email'
  )::text
$$;

grant execute on function auth.uid(), auth.role(), auth.email(), auth.jwt()
  to anon, authenticated, service_role;

-- storage -------------------------------------------------------------------

create type storage.buckettype as enum ('STANDARD', 'ANALYTICS', 'VECTOR');

create table storage.buckets (
  id text not null primary key,
  name text not null,
  owner uuid,
  created_at timestamp with time zone default pg_catalog.now(),
  updated_at timestamp with time zone default pg_catalog.now(),
  public boolean default false,
  avif_autodetection boolean default false,
  file_size_limit bigint,
  allowed_mime_types text[],
  owner_id text,
  type storage.buckettype not null default 'STANDARD'
);
create unique index bname on storage.buckets using btree (name);

create table storage.objects (
  id uuid not null default pg_catalog.gen_random_uuid() primary key,
  bucket_id text references storage.buckets (id),
  name text,
  owner uuid,
  created_at timestamp with time zone default pg_catalog.now(),
  updated_at timestamp with time zone default pg_catalog.now(),
  last_accessed_at timestamp with time zone default pg_catalog.now(),
  metadata jsonb,
  path_tokens text[] generated always as (pg_catalog.string_to_array(name, '/')) stored,
  version text,
  owner_id text,
  user_metadata jsonb,
  level integer
);
create unique index bucketid_objname on storage.objects using btree (bucket_id, name);

alter table storage.buckets enable row level security;
alter table storage.objects enable row level security;
grant all on storage.buckets, storage.objects to anon, authenticated, service_role;

-- The folders of an object path: 'a/b/c.png' -> {a,b}.
create function storage.foldername(name text) returns text[] language sql immutable as $$
  select parts[1:pg_catalog.array_length(parts, 1) - 1]
  from (select pg_catalog.string_to_array(name, '/') as parts) as p
$$;

-- The last path element: 'a/b/c.png' -> 'c.png'.
create function storage.filename(name text) returns text language sql immutable as $$
  select parts[pg_catalog.array_length(parts, 1)]
  from (select pg_catalog.string_to_array(name, '/') as parts) as p
$$;

-- What follows the last dot of the file name: 'a/b/c.tar.gz' -> 'gz'.
create function storage.extension(name text) returns text language sql immutable as $$
  select parts[pg_catalog.array_length(parts, 1)]
  from (select pg_catalog.string_to_array(storage.filename(name), '.') as parts) as p
$$;

-- realtime ------------------------------------------------------------------

create table realtime.messages (
  topic text not null,
  extension text not null,
  payload jsonb,
  event text,
  private boolean default false,
  updated_at timestamp without time zone not null default pg_catalog.now(),
  inserted_at timestamp without time zone not null default pg_catalog.now(),
  id uuid not null default pg_catalog.gen_random_uuid(),
  primary key (id, inserted_at)
);
alter table realtime.messages enable row level security;

create function realtime.topic() returns text language sql stable as $$
  select nullif(pg_catalog.current_setting('realtime.topic', true), '')::text
$$;

create function realtime.send(payload jsonb, event text, topic text, private boolean default true)
returns void language plpgsql as $$
begin
  insert into realtime.messages (payload, event, topic, private, extension)
  values (payload, event, topic, private, 'broadcast');
end
$$;

create function realtime.broadcast_changes(
  topic_name text, event_name text, operation text, table_name text, table_schema text,
  new record, old record, level text default 'ROW'
) returns void language plpgsql as $$
begin
  null;
end
$$;

-- Present on every project; ALTER PUBLICATION ... ADD TABLE needs it.
do $$
begin
  if not exists (select from pg_catalog.pg_publication where pubname = 'supabase_realtime') then
    create publication supabase_realtime;
  end if;
end $$;

-- graphql_public (the wrapper pg_graphql's event trigger creates) ------------

create function graphql_public.graphql(
  "operationName" text default null,
  query text default null,
  variables jsonb default null,
  extensions jsonb default null
) returns jsonb language sql as $$
  select pg_catalog.jsonb_build_object('errors', pg_catalog.jsonb_build_array(
    pg_catalog.jsonb_build_object('message', 'pg_graphql is not available in a pgdrift replay')))
$$;
grant execute on function graphql_public.graphql(text, text, jsonb, jsonb)
  to anon, authenticated, service_role;

-- database webhooks ---------------------------------------------------------

create table supabase_functions.migrations (
  version text not null primary key,
  inserted_at timestamp with time zone not null default pg_catalog.now()
);

create table supabase_functions.hooks (
  id bigserial primary key,
  hook_table_id integer not null,
  hook_name text not null,
  created_at timestamp with time zone not null default pg_catalog.now(),
  request_id bigint
);

-- Used as `execute function supabase_functions.http_request('url', 'POST', ...)`.
create function supabase_functions.http_request() returns trigger
language plpgsql security definer as $$
begin
  return new;
end
$$;

-- @extension uuid-ossp
create function @extschema@.uuid_nil() returns uuid language sql immutable strict parallel safe
  as $$ select '00000000-0000-0000-0000-000000000000'::uuid $$;
create function @extschema@.uuid_ns_dns() returns uuid language sql immutable strict parallel safe
  as $$ select '6ba7b810-9dad-11d1-80b4-00c04fd430c8'::uuid $$;
create function @extschema@.uuid_ns_url() returns uuid language sql immutable strict parallel safe
  as $$ select '6ba7b811-9dad-11d1-80b4-00c04fd430c8'::uuid $$;
create function @extschema@.uuid_ns_oid() returns uuid language sql immutable strict parallel safe
  as $$ select '6ba7b812-9dad-11d1-80b4-00c04fd430c8'::uuid $$;
create function @extschema@.uuid_ns_x500() returns uuid language sql immutable strict parallel safe
  as $$ select '6ba7b814-9dad-11d1-80b4-00c04fd430c8'::uuid $$;
create function @extschema@.uuid_generate_v1() returns uuid language sql volatile strict parallel safe
  as $$ select pg_catalog.gen_random_uuid() $$;
create function @extschema@.uuid_generate_v1mc() returns uuid language sql volatile strict parallel safe
  as $$ select pg_catalog.gen_random_uuid() $$;
create function @extschema@.uuid_generate_v4() returns uuid language sql volatile strict parallel safe
  as $$ select pg_catalog.gen_random_uuid() $$;
-- Name-based UUIDs: deterministic, as the real ones are (not the same bits).
create function @extschema@.uuid_generate_v3(namespace uuid, name text) returns uuid
  language sql immutable strict parallel safe
  as $$ select pg_catalog.md5(namespace::text || name)::uuid $$;
create function @extschema@.uuid_generate_v5(namespace uuid, name text) returns uuid
  language sql immutable strict parallel safe
  as $$ select pg_catalog.md5(name || namespace::text)::uuid $$;

-- @extension pgcrypto
create function @extschema@.gen_random_uuid() returns uuid language sql volatile parallel safe
  as $$ select pg_catalog.gen_random_uuid() $$;
create function @extschema@.gen_random_bytes(integer) returns bytea language sql volatile strict parallel safe
  as $$
    select pg_catalog.decode(pg_catalog.string_agg(
      pg_catalog.lpad(pg_catalog.to_hex((pg_catalog.random() * 255)::integer), 2, '0'), ''), 'hex')
    from pg_catalog.generate_series(1, $1)
  $$;
create function @extschema@.digest(bytea, text) returns bytea language sql immutable strict parallel safe
  as $$
    select case pg_catalog.lower($2)
      when 'md5' then pg_catalog.decode(pg_catalog.md5($1), 'hex')
      when 'sha224' then pg_catalog.sha224($1)
      when 'sha384' then pg_catalog.sha384($1)
      when 'sha512' then pg_catalog.sha512($1)
      else pg_catalog.sha256($1)
    end
  $$;
create function @extschema@.digest(text, text) returns bytea language sql immutable strict parallel safe
  as $$ select @extschema@.digest(pg_catalog.convert_to($1, 'UTF8'), $2) $$;
create function @extschema@.hmac(bytea, bytea, text) returns bytea language sql immutable strict parallel safe
  as $$ select @extschema@.digest($2 || $1, $3) $$;
create function @extschema@.hmac(text, text, text) returns bytea language sql immutable strict parallel safe
  as $$ select @extschema@.hmac(pg_catalog.convert_to($1, 'UTF8'), pg_catalog.convert_to($2, 'UTF8'), $3) $$;
-- crypt(password, crypt(password, salt)) = crypt(password, salt) holds, as with
-- the real one, so seeded passwords still verify.
create function @extschema@.gen_salt(text) returns text language sql volatile strict parallel safe
  as $$ select '$' || pg_catalog.lower($1) || '$' || pg_catalog.left(pg_catalog.md5(pg_catalog.random()::text), 16) || '$' $$;
create function @extschema@.gen_salt(text, integer) returns text language sql volatile strict parallel safe
  as $$ select @extschema@.gen_salt($1) $$;
create function @extschema@.crypt(text, text) returns text language sql immutable strict parallel safe
  as $$
    select salt || pg_catalog.md5(salt || $1)
    from (select coalesce(pg_catalog.substring($2, '^\$[^$]*\$[^$]*\$'), '') as salt) as s
  $$;
create function @extschema@.encrypt(bytea, bytea, text) returns bytea language sql immutable strict parallel safe
  as $$ select $1 $$;
create function @extschema@.decrypt(bytea, bytea, text) returns bytea language sql immutable strict parallel safe
  as $$ select $1 $$;
create function @extschema@.pgp_sym_encrypt(text, text) returns bytea language sql volatile strict parallel safe
  as $$ select pg_catalog.convert_to($1, 'UTF8') $$;
create function @extschema@.pgp_sym_encrypt(text, text, text) returns bytea language sql volatile strict parallel safe
  as $$ select pg_catalog.convert_to($1, 'UTF8') $$;
create function @extschema@.pgp_sym_decrypt(bytea, text) returns text language sql immutable strict parallel safe
  as $$ select pg_catalog.convert_from($1, 'UTF8') $$;
create function @extschema@.pgp_sym_decrypt(bytea, text, text) returns text language sql immutable strict parallel safe
  as $$ select pg_catalog.convert_from($1, 'UTF8') $$;
create function @extschema@.armor(bytea) returns text language sql immutable strict parallel safe
  as $$ select pg_catalog.encode($1, 'base64') $$;
create function @extschema@.dearmor(text) returns bytea language sql immutable strict parallel safe
  as $$ select pg_catalog.decode($1, 'base64') $$;

-- @extension pg_jsonschema
create function @extschema@.json_matches_schema(schema json, instance json) returns boolean
  language sql immutable strict parallel safe as $$ select true $$;
create function @extschema@.jsonb_matches_schema(schema json, instance jsonb) returns boolean
  language sql immutable strict parallel safe as $$ select true $$;
create function @extschema@.jsonschema_is_valid(schema json) returns boolean
  language sql immutable strict parallel safe as $$ select true $$;
create function @extschema@.jsonschema_validation_errors(schema json, instance json) returns text[]
  language sql immutable strict parallel safe as $$ select '{}'::text[] $$;

-- @extension vector
-- A varlena type that stores its input text, with pgvector's typmod (the
-- dimension count) so that vector(1536) columns replay and print as such.
-- Built from core's own C functions: text I/O, and bit's typmod handling,
-- which keeps the number as is. Index methods (hnsw, ivfflat) are not faked:
-- the replay skips those CREATE INDEX statements.
create type @extschema@.vector;
create function @extschema@.vector_in(cstring) returns @extschema@.vector
  language internal immutable strict parallel safe as 'textin';
create function @extschema@.vector_out(@extschema@.vector) returns cstring
  language internal immutable strict parallel safe as 'textout';
create function @extschema@.vector_typmod_in(cstring[]) returns integer
  language internal immutable strict parallel safe as 'bittypmodin';
create function @extschema@.vector_typmod_out(integer) returns cstring
  language internal immutable strict parallel safe as 'bittypmodout';
create type @extschema@.vector (
  input = @extschema@.vector_in,
  output = @extschema@.vector_out,
  typmod_in = @extschema@.vector_typmod_in,
  typmod_out = @extschema@.vector_typmod_out,
  internallength = variable,
  storage = extended
);

create type @extschema@.halfvec;
create function @extschema@.halfvec_in(cstring) returns @extschema@.halfvec
  language internal immutable strict parallel safe as 'textin';
create function @extschema@.halfvec_out(@extschema@.halfvec) returns cstring
  language internal immutable strict parallel safe as 'textout';
create type @extschema@.halfvec (
  input = @extschema@.halfvec_in,
  output = @extschema@.halfvec_out,
  typmod_in = @extschema@.vector_typmod_in,
  typmod_out = @extschema@.vector_typmod_out,
  internallength = variable,
  storage = extended
);

create type @extschema@.sparsevec;
create function @extschema@.sparsevec_in(cstring) returns @extschema@.sparsevec
  language internal immutable strict parallel safe as 'textin';
create function @extschema@.sparsevec_out(@extschema@.sparsevec) returns cstring
  language internal immutable strict parallel safe as 'textout';
create type @extschema@.sparsevec (
  input = @extschema@.sparsevec_in,
  output = @extschema@.sparsevec_out,
  typmod_in = @extschema@.vector_typmod_in,
  typmod_out = @extschema@.vector_typmod_out,
  internallength = variable,
  storage = extended
);

create cast (real[] as @extschema@.vector) with inout as assignment;
create cast (double precision[] as @extschema@.vector) with inout as assignment;
create cast (integer[] as @extschema@.vector) with inout as assignment;
create cast (numeric[] as @extschema@.vector) with inout as assignment;
create cast (@extschema@.vector as real[]) with inout as assignment;
create cast (@extschema@.vector as @extschema@.halfvec) with inout as assignment;
create cast (@extschema@.halfvec as @extschema@.vector) with inout as assignment;

create function @extschema@.l2_distance(@extschema@.vector, @extschema@.vector) returns double precision
  language sql immutable strict parallel safe as $$ select 0::double precision $$;
create function @extschema@.cosine_distance(@extschema@.vector, @extschema@.vector) returns double precision
  language sql immutable strict parallel safe as $$ select 0::double precision $$;
create function @extschema@.inner_product(@extschema@.vector, @extschema@.vector) returns double precision
  language sql immutable strict parallel safe as $$ select 0::double precision $$;
create function @extschema@.vector_negative_inner_product(@extschema@.vector, @extschema@.vector) returns double precision
  language sql immutable strict parallel safe as $$ select 0::double precision $$;
create function @extschema@.l1_distance(@extschema@.vector, @extschema@.vector) returns double precision
  language sql immutable strict parallel safe as $$ select 0::double precision $$;
create function @extschema@.vector_dims(@extschema@.vector) returns integer
  language sql immutable strict parallel safe as $$ select 0 $$;
create function @extschema@.vector_norm(@extschema@.vector) returns double precision
  language sql immutable strict parallel safe as $$ select 0::double precision $$;
create function @extschema@.l2_normalize(@extschema@.vector) returns @extschema@.vector
  language sql immutable strict parallel safe as $$ select $1 $$;
create function @extschema@.cosine_distance(@extschema@.halfvec, @extschema@.halfvec) returns double precision
  language sql immutable strict parallel safe as $$ select 0::double precision $$;
create function @extschema@.l2_distance(@extschema@.halfvec, @extschema@.halfvec) returns double precision
  language sql immutable strict parallel safe as $$ select 0::double precision $$;

create operator @extschema@.<-> (
  leftarg = @extschema@.vector, rightarg = @extschema@.vector, function = @extschema@.l2_distance);
create operator @extschema@.<=> (
  leftarg = @extschema@.vector, rightarg = @extschema@.vector, function = @extschema@.cosine_distance);
create operator @extschema@.<#> (
  leftarg = @extschema@.vector, rightarg = @extschema@.vector,
  function = @extschema@.vector_negative_inner_product);
create operator @extschema@.<+> (
  leftarg = @extschema@.vector, rightarg = @extschema@.vector, function = @extschema@.l1_distance);
create operator @extschema@.<-> (
  leftarg = @extschema@.halfvec, rightarg = @extschema@.halfvec, function = @extschema@.l2_distance);
create operator @extschema@.<=> (
  leftarg = @extschema@.halfvec, rightarg = @extschema@.halfvec, function = @extschema@.cosine_distance);

-- @extension http
create domain @extschema@.http_method as text;
create type @extschema@.http_header as (field character varying, value character varying);
create type @extschema@.http_request as (
  method @extschema@.http_method,
  uri character varying,
  headers @extschema@.http_header[],
  content_type character varying,
  content character varying
);
create type @extschema@.http_response as (
  status integer,
  content_type character varying,
  headers @extschema@.http_header[],
  content character varying
);
create function @extschema@.http(request @extschema@.http_request) returns @extschema@.http_response
  language sql volatile as $$ select row(200, 'text/plain', '{}', '')::@extschema@.http_response $$;
create function @extschema@.http_get(uri character varying) returns @extschema@.http_response
  language sql volatile as $$ select row(200, 'text/plain', '{}', '')::@extschema@.http_response $$;
create function @extschema@.http_get(uri character varying, data jsonb) returns @extschema@.http_response
  language sql volatile as $$ select row(200, 'text/plain', '{}', '')::@extschema@.http_response $$;
create function @extschema@.http_post(uri character varying, content character varying, content_type character varying)
  returns @extschema@.http_response
  language sql volatile as $$ select row(200, 'text/plain', '{}', '')::@extschema@.http_response $$;
create function @extschema@.http_post(uri character varying, data jsonb) returns @extschema@.http_response
  language sql volatile as $$ select row(200, 'text/plain', '{}', '')::@extschema@.http_response $$;
create function @extschema@.http_put(uri character varying, content character varying, content_type character varying)
  returns @extschema@.http_response
  language sql volatile as $$ select row(200, 'text/plain', '{}', '')::@extschema@.http_response $$;
create function @extschema@.http_patch(uri character varying, content character varying, content_type character varying)
  returns @extschema@.http_response
  language sql volatile as $$ select row(200, 'text/plain', '{}', '')::@extschema@.http_response $$;
create function @extschema@.http_delete(uri character varying) returns @extschema@.http_response
  language sql volatile as $$ select row(200, 'text/plain', '{}', '')::@extschema@.http_response $$;
create function @extschema@.http_delete(uri character varying, content character varying, content_type character varying)
  returns @extschema@.http_response
  language sql volatile as $$ select row(200, 'text/plain', '{}', '')::@extschema@.http_response $$;
create function @extschema@.http_head(uri character varying) returns @extschema@.http_response
  language sql volatile as $$ select row(200, 'text/plain', '{}', '')::@extschema@.http_response $$;
create function @extschema@.http_header(field character varying, value character varying)
  returns @extschema@.http_header
  language sql immutable as $$ select row(field, value)::@extschema@.http_header $$;
create function @extschema@.urlencode(string character varying) returns text
  language sql immutable strict as $$ select string::text $$;
create function @extschema@.urlencode(data jsonb) returns text
  language sql immutable strict as $$ select data::text $$;
create function @extschema@.http_set_curlopt(curlopt character varying, value character varying) returns boolean
  language sql volatile as $$ select true $$;
create function @extschema@.http_reset_curlopt() returns boolean
  language sql volatile as $$ select true $$;

-- @extension pgjwt
create function @extschema@.url_encode(data bytea) returns text language sql immutable
  as $$ select pg_catalog.translate(pg_catalog.encode(data, 'base64'), E'+/=\n', '-_') $$;
create function @extschema@.url_decode(data text) returns bytea language sql immutable
  as $$ select pg_catalog.decode(pg_catalog.rpad(pg_catalog.translate(data, '-_', '+/'),
    4 * ((pg_catalog.length(data) + 3) / 4), '='), 'base64') $$;
create function @extschema@.algorithm_sign(signables text, key text, algorithm text) returns text
  language sql immutable
  as $$ select @extschema@.url_encode(pg_catalog.sha256(pg_catalog.convert_to(key || signables, 'UTF8'))) $$;
create function @extschema@.sign(payload json, secret text, algorithm text default 'HS256') returns text
  language sql immutable
  as $$
    select parts || '.' || @extschema@.algorithm_sign(parts, secret, algorithm)
    from (select @extschema@.url_encode(pg_catalog.convert_to('{"alg":"' || algorithm || '","typ":"JWT"}', 'UTF8'))
      || '.' || @extschema@.url_encode(pg_catalog.convert_to(payload::text, 'UTF8')) as parts) as p
  $$;
create function @extschema@.verify(token text, secret text, algorithm text default 'HS256')
  returns table (header json, payload json, valid boolean) language sql immutable
  as $$ select null::json, null::json, false $$;
create function @extschema@.try_cast_double(inp text) returns double precision
  language plpgsql immutable as $$
begin
  return inp::double precision;
exception when others then
  return null;
end
$$;

-- @extension supabase_vault fixed
create schema if not exists vault;
create table vault.secrets (
  id uuid not null default pg_catalog.gen_random_uuid() primary key,
  name text,
  description text not null default '',
  secret text not null,
  key_id uuid,
  nonce bytea,
  created_at timestamp with time zone not null default current_timestamp,
  updated_at timestamp with time zone not null default current_timestamp
);
create unique index secrets_name_idx on vault.secrets (name) where name is not null;
-- The stand-in stores secrets in clear: a replay database holds no real ones.
create view vault.decrypted_secrets as
  select id, name, description, secret, secret as decrypted_secret, key_id, nonce,
    created_at, updated_at
  from vault.secrets;
create function vault.create_secret(
  new_secret text, new_name text default null, new_description text default '',
  new_key_id uuid default null
) returns uuid language sql as $$
  insert into vault.secrets (secret, name, description, key_id)
  values (new_secret, new_name, new_description, new_key_id)
  returning id
$$;
create function vault.update_secret(
  secret_id uuid, new_secret text default null, new_name text default null,
  new_description text default null, new_key_id uuid default null
) returns void language sql as $$
  update vault.secrets set
    secret = coalesce(new_secret, secret),
    name = coalesce(new_name, name),
    description = coalesce(new_description, description),
    key_id = coalesce(new_key_id, key_id),
    updated_at = pg_catalog.now()
  where id = secret_id
$$;

-- @extension pg_graphql fixed
create schema if not exists graphql;
create function graphql.resolve(
  query text, variables jsonb default '{}', "operationName" text default null,
  extensions jsonb default null
) returns jsonb language sql as $$ select '{}'::jsonb $$;
create function graphql.comment_directive(comment_ text) returns jsonb
  language sql immutable as $$ select '{}'::jsonb $$;
grant usage on schema graphql to public;

-- @extension pg_net fixed
create schema if not exists net;
create type net.request_status as enum ('PENDING', 'SUCCESS', 'ERROR');
create table net.http_request_queue (
  id bigserial not null,
  method text not null,
  url text not null,
  headers jsonb not null,
  body bytea,
  timeout_milliseconds integer not null
);
create table net._http_response (
  id bigint,
  status_code integer,
  content_type text,
  headers jsonb,
  content text,
  timed_out boolean,
  error_msg text,
  created timestamp with time zone not null default pg_catalog.now()
);
create function net.http_get(
  url text, params jsonb default '{}', headers jsonb default '{}',
  timeout_milliseconds integer default 5000
) returns bigint language sql as $$
  insert into net.http_request_queue (method, url, headers, timeout_milliseconds)
  values ('GET', url, headers, timeout_milliseconds) returning id
$$;
create function net.http_post(
  url text, body jsonb default '{}', params jsonb default '{}',
  headers jsonb default '{"Content-Type": "application/json"}',
  timeout_milliseconds integer default 5000
) returns bigint language sql as $$
  insert into net.http_request_queue (method, url, headers, body, timeout_milliseconds)
  values ('POST', url, headers, pg_catalog.convert_to(body::text, 'UTF8'), timeout_milliseconds)
  returning id
$$;
create function net.http_delete(
  url text, params jsonb default '{}', headers jsonb default '{}',
  timeout_milliseconds integer default 5000, body jsonb default null
) returns bigint language sql as $$
  insert into net.http_request_queue (method, url, headers, timeout_milliseconds)
  values ('DELETE', url, headers, timeout_milliseconds) returning id
$$;
grant usage on schema net to anon, authenticated, service_role;

-- @extension pg_cron fixed
create schema if not exists cron;
create table cron.job (
  jobid bigserial primary key,
  schedule text not null,
  command text not null,
  nodename text not null default 'localhost',
  nodeport integer not null default 5432,
  database text not null default pg_catalog.current_database(),
  username text not null default current_user,
  active boolean not null default true,
  jobname text,
  unique (jobname, username)
);
create table cron.job_run_details (
  jobid bigint,
  runid bigserial primary key,
  job_pid integer,
  database text,
  username text,
  command text,
  status text,
  return_message text,
  start_time timestamp with time zone,
  end_time timestamp with time zone
);
create function cron.schedule(schedule text, command text) returns bigint language sql as $$
  insert into cron.job (schedule, command) values (schedule, command) returning jobid
$$;
-- Scheduling an existing name replaces that job, as pg_cron does.
create function cron.schedule(job_name text, schedule text, command text) returns bigint
language sql as $$
  insert into cron.job (jobname, schedule, command) values (job_name, schedule, command)
  on conflict (jobname, username) do update set schedule = excluded.schedule, command = excluded.command
  returning jobid
$$;
create function cron.schedule_in_database(
  job_name text, schedule text, command text, database text, username text default null,
  active boolean default true
) returns bigint language sql as $$
  insert into cron.job (jobname, schedule, command, database, username, active)
  values (job_name, schedule, command, database, coalesce(username, current_user), active)
  on conflict (jobname, username) do update set schedule = excluded.schedule, command = excluded.command
  returning jobid
$$;
-- Lenient where pg_cron raises: the job may have been created outside migrations.
create function cron.unschedule(job_id bigint) returns boolean language sql as $$
  with gone as (delete from cron.job where jobid = job_id returning 1)
  select pg_catalog.count(*) > 0 from gone
$$;
create function cron.unschedule(job_name text) returns boolean language sql as $$
  with gone as (delete from cron.job where jobname = job_name returning 1)
  select pg_catalog.count(*) > 0 from gone
$$;
create function cron.alter_job(
  job_id bigint, schedule text default null, command text default null, database text default null,
  username text default null, active boolean default null
) returns void language sql as $$
  update cron.job set
    schedule = coalesce(alter_job.schedule, job.schedule),
    command = coalesce(alter_job.command, job.command),
    database = coalesce(alter_job.database, job.database),
    username = coalesce(alter_job.username, job.username),
    active = coalesce(alter_job.active, job.active)
  where jobid = job_id
$$;

-- @extension pgmq fixed
create schema if not exists pgmq;
create type pgmq.message_record as (
  msg_id bigint,
  read_ct integer,
  enqueued_at timestamp with time zone,
  vt timestamp with time zone,
  message jsonb
);
create table pgmq.meta (
  queue_name character varying not null unique,
  is_partitioned boolean not null,
  is_unlogged boolean not null,
  created_at timestamp with time zone not null default pg_catalog.now()
);
-- Creates the queue and archive tables, which migrations grant on.
create function pgmq.create(queue_name text) returns void language plpgsql as $$
begin
  execute pg_catalog.format(
    'create table if not exists pgmq.%I (msg_id bigint primary key generated always as identity,'
    ' read_ct integer not null default 0, enqueued_at timestamp with time zone not null default now(),'
    ' vt timestamp with time zone not null, message jsonb)', 'q_' || queue_name);
  execute pg_catalog.format(
    'create table if not exists pgmq.%I (msg_id bigint primary key, read_ct integer not null default 0,'
    ' enqueued_at timestamp with time zone not null default now(),'
    ' archived_at timestamp with time zone not null default now(),'
    ' vt timestamp with time zone not null, message jsonb)', 'a_' || queue_name);
  insert into pgmq.meta (queue_name, is_partitioned, is_unlogged)
  values (queue_name, false, false) on conflict do nothing;
end
$$;
create function pgmq.create_unlogged(queue_name text) returns void language sql as $$
  select pgmq.create(queue_name)
$$;
create function pgmq.drop_queue(queue_name text) returns boolean language plpgsql as $$
begin
  execute pg_catalog.format('drop table if exists pgmq.%I', 'q_' || queue_name);
  execute pg_catalog.format('drop table if exists pgmq.%I', 'a_' || queue_name);
  delete from pgmq.meta where meta.queue_name = drop_queue.queue_name;
  return true;
end
$$;
create function pgmq.send(queue_name text, msg jsonb, delay integer default 0) returns setof bigint
  language sql as $$ select 0::bigint where false $$;
create function pgmq.send_batch(queue_name text, msgs jsonb[], delay integer default 0)
  returns setof bigint language sql as $$ select 0::bigint where false $$;
create function pgmq.read(queue_name text, vt integer, qty integer) returns setof pgmq.message_record
  language sql as $$ select null::pgmq.message_record where false $$;
create function pgmq.pop(queue_name text) returns setof pgmq.message_record
  language sql as $$ select null::pgmq.message_record where false $$;
create function pgmq.delete(queue_name text, msg_id bigint) returns boolean
  language sql as $$ select false $$;
create function pgmq.delete(queue_name text, msg_ids bigint[]) returns setof bigint
  language sql as $$ select 0::bigint where false $$;
create function pgmq.archive(queue_name text, msg_id bigint) returns boolean
  language sql as $$ select false $$;
create function pgmq.archive(queue_name text, msg_ids bigint[]) returns setof bigint
  language sql as $$ select 0::bigint where false $$;
create function pgmq.purge_queue(queue_name text) returns bigint
  language sql as $$ select 0::bigint $$;
-- As pgmq 1.4.4 declares them (pgflow calls these).
create type pgmq.queue_record as (
  queue_name character varying,
  is_partitioned boolean,
  is_unlogged boolean,
  created_at timestamp with time zone
);
create function pgmq.format_table_name(queue_name text, prefix text) returns text
  language plpgsql as $$
begin
  if queue_name ~ '\$|;|--|''' then
    raise exception 'queue name contains invalid characters: $, ;, --, or \''';
  end if;
  return pg_catalog.lower(prefix || '_' || queue_name);
end
$$;
create function pgmq.list_queues() returns setof pgmq.queue_record
  language sql as $$ select queue_name, is_partitioned, is_unlogged, created_at from pgmq.meta $$;
create function pgmq.set_vt(queue_name text, msg_id bigint, vt integer)
  returns setof pgmq.message_record
  language sql as $$ select null::pgmq.message_record where false $$;
