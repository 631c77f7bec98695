"""Live-catalog introspection against a real Postgres.

One database, loaded once per module with the typegen sample schema plus a few
objects the sample lacks (nested and duplicating views, argument-mode quirks,
comments, RLS), serves most tests; creating databases is the slow part.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from pgdrift.db import ConnectOptions, DatabaseError, connection, with_database
from pgdrift.model import ColumnSource, Function, Relation, Schema, TypeRef
from pgdrift.sources.catalog import SchemaNotFound, introspect, introspect_url, view_origins

MakeDb = Callable[..., str]

SAMPLE_SQL = Path(__file__).resolve().parents[1] / "fixtures" / "typegen" / "sample_schema.sql"

# Objects the sample schema lacks, in their own schema so the sample's facts
# stay as the generator oracle sees them.
_EXTRA = r"""
create schema lineage;
comment on schema lineage is 'lineage checks';
create view lineage.twice as
  select id, id as id_again, email, display_name as "a{b} (c)" from public.users;
create view lineage.nested as select id_again, email, id from lineage.twice;
create view lineage.over_matview as select user_id from public.user_stats;
create view lineage.sorted as select id from public.posts order by title;
create view lineage.computed as select title || $$!$$ as title, author_id from public.posts;
create function lineage.out_first(out x int, a int default 1, b int default 2)
  language sql as 'select 1';
create function lineage.rows_one() returns setof public.users
  language sql rows 1 as 'select * from public.users';
create procedure lineage.proc() language sql as 'select 1';
create table lineage.secured (id int primary key, owner text);
comment on table lineage.secured is 'with policies';
comment on column lineage.secured.owner is 'who owns it';
alter table lineage.secured enable row level security;
create policy own_rows on lineage.secured for select to public using (owner = current_user);
create policy no_inserts on lineage.secured as restrictive for insert with check (false);
"""

SCHEMAS = ("public", "graphql_public", "app", "lineage")


def _sample_sql() -> str:
    return SAMPLE_SQL.read_text()


@pytest.fixture(scope="module")
def sample_url(server_url: str) -> Iterator[str]:
    """Like conftest's ``make_db``, but shared by the whole module."""
    sql = _sample_sql()
    name = f"pgdrift_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"'.encode())
    url = with_database(server_url, name)
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute((sql + _EXTRA).encode())
        yield url
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())


@pytest.fixture(scope="module")
def schema(sample_url: str) -> Schema:
    return introspect_url(sample_url, SCHEMAS)


def _rel(schema: Schema, qualified: str) -> Relation:
    ns, name = qualified.split(".")
    rel = schema.relation(ns, name)
    assert rel is not None, qualified
    return rel


def _fn(schema: Schema, qualified: str) -> Function:
    ns, name = qualified.split(".")
    found = [f for f in schema.functions if (f.schema, f.name) == (ns, name)]
    assert len(found) == 1, qualified
    return found[0]


# --------------------------------------------------------------------------- schemas


def test_schemas_keep_requested_order_without_duplicates(sample_url: str) -> None:
    result = introspect_url(sample_url, ["app", "public", "app"])
    assert result.schemas == ("app", "public")
    assert {r.schema for r in result.relations} == {"app", "public"}


def test_missing_schema_raises_with_available_list(sample_url: str) -> None:
    with pytest.raises(SchemaNotFound) as info:
        introspect_url(sample_url, ["public", "nope"])
    message = str(info.value)
    assert message.startswith('schema "nope" does not exist (available: public, ')
    assert "app" in info.value.available and "pg_catalog" not in info.value.available
    assert isinstance(info.value, DatabaseError)


def test_system_schema_counts_as_missing(sample_url: str) -> None:
    with pytest.raises(SchemaNotFound):
        introspect_url(sample_url, ["pg_catalog"])


def test_missing_ok_drops_silently(sample_url: str) -> None:
    with connection(sample_url) as conn:
        result = introspect(conn, ["nope", "app"], missing_ok=True)
    assert result.schemas == ("app",)


def test_empty_database(make_db: MakeDb) -> None:
    result = introspect_url(make_db(), ["public"])
    assert result.schemas == ("public",)
    assert result.relations == () and result.functions == () and result.enums == ()


def test_schema_comments(schema: Schema) -> None:
    assert ("lineage", "lineage checks") in schema.schema_comments


# --------------------------------------------------------------------------- columns


def test_identity_and_generated_columns(schema: Schema) -> None:
    users_id = _rel(schema, "public.users").column("id")
    assert users_id is not None and users_id.identity == "ALWAYS" and not users_id.nullable
    avatar_id = _rel(schema, "public.avatars").column("id")
    assert avatar_id is not None and avatar_id.identity == "BY DEFAULT"
    serial = _rel(schema, "public.all_types").column("id")
    assert serial is not None and serial.identity is None
    assert serial.default == "nextval('all_types_id_seq'::regclass)"
    generated = _rel(schema, "public.all_types").column("c_generated")
    assert generated is not None and generated.generated
    assert generated.default == "(c_text || '!'::text)"


def test_domain_nullability_follows_the_generator(schema: Schema) -> None:
    users = _rel(schema, "public.users")
    age, handle, email = users.column("age"), users.column("handle"), users.column("email")
    assert age is not None and handle is not None and email is not None
    assert not age.nullable  # NOT NULL domain
    assert handle.nullable  # domain over a domain: only the column's own domain counts
    assert handle.type.kind == "domain" and handle.type.name == "short_email"
    short_email = schema.domain("public", "short_email")
    assert short_email is not None and short_email.base.kind == "domain"
    positive = schema.domain("public", "positive_int")
    assert positive is not None and positive.not_null and positive.checks == ("(VALUE > 0)",)


def test_column_types(schema: Schema) -> None:
    t = _rel(schema, "public.all_types")

    def col(name: str) -> tuple[str, str, str, int]:
        c = t.column(name)
        assert c is not None
        return (c.type.name, c.type.kind, c.type_display, c.array_dims)

    assert col("c_varchar") == ("varchar", "base", "character varying(10)", 0)
    assert col("c_int_arr2") == ("_int4", "array", "integer[]", 2)
    assert col("c_int4range") == ("int4range", "range", "int4range", 0)
    assert col("c_users_row") == ("users", "relation", "users", 0)
    assert col("c_point3")[:2] == ("point3", "composite")
    assert col("c_app_mood")[:2] == ("mood", "enum")
    assert col("c_hidden_levels")[:2] == ("_secret_level", "array")
    assert [c.name for c in t.columns][:3] == ["id", "c_smallint", "c_int"]  # attnum order


def test_comments(schema: Schema) -> None:
    secured = _rel(schema, "lineage.secured")
    owner = secured.column("owner")
    assert secured.comment == "with policies"
    assert owner is not None and owner.comment == "who owns it"


def test_rls_and_policies(schema: Schema) -> None:
    secured = _rel(schema, "lineage.secured")
    assert secured.rls_enabled and not secured.rls_forced
    own, no_ins = secured.policies
    assert (own.name, own.command, own.permissive, own.roles) == (
        "own_rows",
        "SELECT",
        True,
        ("public",),
    )
    assert own.using == "(owner = CURRENT_USER)"
    assert (no_ins.command, no_ins.permissive, no_ins.check) == ("INSERT", False, "false")


# --------------------------------------------------------------------------- relations


def test_keys_and_partitions(schema: Schema) -> None:
    assert _rel(schema, "public.orgs").primary_key == ("region", "code")
    assert _rel(schema, "public.users").unique_keys == (("email",),)
    parent = _rel(schema, "public.measurements")
    assert parent.kind == "partitioned_table" and parent.primary_key == ("id", "taken_on")
    part = _rel(schema, "public.measurements_2024")
    assert part.kind == "table" and part.partition_of == ("public", "measurements")


def test_view_updatability(schema: Schema) -> None:
    emails = _rel(schema, "public.user_emails")
    assert emails.kind == "view" and emails.updatable
    assert all(c.updatable and c.nullable for c in emails.columns)
    joined = _rel(schema, "public.posts_with_authors")
    assert not joined.updatable
    assert not _rel(schema, "public.post_counts").updatable
    stats = _rel(schema, "public.user_stats")
    assert stats.kind == "materialized_view" and not stats.updatable
    assert not any(c.updatable for c in stats.columns)
    assert stats.definition is not None and "count(p.id)" in stats.definition


def test_view_lineage(schema: Schema) -> None:
    def sources(qualified: str) -> list[tuple[str, str]]:
        return [
            (s.column, f"{s.table}.{s.base_column}") for s in _rel(schema, qualified).column_sources
        ]

    assert sources("public.posts_with_authors") == [
        ("id", "posts.id"),
        ("title", "posts.title"),
        ("author_id", "posts.author_id"),
        ("email", "users.email"),
    ]
    assert sources("public.post_counts") == [("author_id", "posts.author_id")]  # n is computed
    assert sources("public.user_stats") == [("user_id", "users.id")]
    # A column exposed twice, escaped names, and resolution through nested views.
    assert sources("lineage.twice") == [
        ("id", "users.id"),
        ("id_again", "users.id"),
        ("email", "users.email"),
        ("a{b} (c)", "users.display_name"),
    ]
    assert sources("lineage.nested") == [
        ("id_again", "users.id"),
        ("email", "users.email"),
        ("id", "users.id"),
    ]
    assert sources("lineage.over_matview") == [("user_id", "users.id")]
    assert sources("lineage.sorted") == [("id", "posts.id")]  # ORDER BY entry is not a column
    assert sources("lineage.computed") == [("author_id", "posts.author_id")]
    assert _rel(schema, "public.user_emails").column_sources[0] == ColumnSource(
        "id", "public", "users", "id"
    )


def test_view_origins_ignore_nested_queries() -> None:
    # Abridged pg_node_tree: a sublink's target entry sits deeper than the view's own.
    action = (
        '({QUERY :rtable ({RTE :eref {ALIAS :colnames ("a\\ b")}}) :targetList ('
        "{TARGETENTRY :expr {SUBLINK :subselect {QUERY :targetList ({TARGETENTRY :expr <> "
        ":resno 1 :resname x :ressortgroupref 0 :resorigtbl 99 :resorigcol 9 :resjunk false})}} "
        ":resno 1 :resname s :ressortgroupref 0 :resorigtbl 0 :resorigcol 0 :resjunk false} "
        "{TARGETENTRY :expr {VAR} :resno 2 :resname a\\ b :ressortgroupref 0 "
        ":resorigtbl 16384 :resorigcol 3 :resjunk false}) :override 0})"
    )
    assert view_origins(action) == [(1, 0, 0), (2, 16384, 3)]
    assert view_origins("<>") == []


# --------------------------------------------------------------------------- foreign keys


def test_foreign_keys_in_relationship_query_order(schema: Schema) -> None:
    names = [(fk.schema, fk.table, fk.name) for fk in schema.foreign_keys]
    assert names[:3] == [
        ("public", "posts", "posts_author_id_fkey"),
        ("public", "posts", "posts_editor_id_fkey"),
        ("public", "posts", "posts_parent_id_fkey"),
    ]
    assert ("app", "projects", "projects_owner_id_fkey") in names
    by_name = {fk.name: fk for fk in schema.foreign_keys}
    author = by_name["posts_author_id_fkey"]
    assert (author.on_delete, author.on_update) == ("CASCADE", "NO ACTION")
    composite = by_name["org_members_org_region_org_code_fkey"]
    assert composite.columns == ("org_region", "org_code")
    assert composite.referenced_columns == ("region", "code")
    cross = by_name["projects_owner_id_fkey"]
    assert (cross.referenced_schema, cross.referenced_table) == ("public", "users")


def test_one_to_one(schema: Schema) -> None:
    by_name = {fk.name: fk for fk in schema.foreign_keys}
    assert schema.is_one_to_one(by_name["profiles_user_id_fkey"])  # FK column is the PK
    assert schema.is_one_to_one(by_name["avatars_user_id_fkey"])  # FK column is UNIQUE
    assert not schema.is_one_to_one(by_name["posts_author_id_fkey"])
    assert not schema.is_one_to_one(by_name["org_members_org_region_org_code_fkey"])


# --------------------------------------------------------------------------- types


def test_enums_from_every_user_schema_in_label_order(schema: Schema) -> None:
    enums = {(e.schema, e.name): e.labels for e in schema.enums}
    assert enums[("public", "mood")] == (
        "happy",
        "sad",
        'it\'s "complicated"',
        "ünïcödé",
        "with\\backslash",
    )
    assert enums[("app", "mood")] == ("calm", "angry")
    assert enums[("hidden", "secret_level")] == ("low", "high")  # schema not requested
    assert enums[("public", "empty_enum")] == ()
    composite = next(c for c in schema.composites if c.name == "address")
    assert [a.name for a in composite.attributes] == ["street", "city", "zip", "tags", "m"]
    assert composite.attributes[3].type.name == "_text"


# --------------------------------------------------------------------------- functions


def test_function_selection(schema: Schema) -> None:
    names = {(f.schema, f.name) for f in schema.functions}
    assert ("public", "touch") not in names  # trigger function
    assert ("hidden", "secret") not in names  # schema not requested
    assert ("lineage", "proc") not in names  # procedure
    assert len([f for f in schema.functions if f.name == "overloaded"]) == 3


def test_function_args_and_results(schema: Schema) -> None:
    add = _fn(schema, "public.add_numbers")
    assert [(a.name, a.mode, a.has_default) for a in add.args] == [
        ("a", "in", False),
        ("b", "in", True),
    ]
    assert add.argument_types == "a integer, b integer DEFAULT 1"
    assert add.identity_arguments == "a integer, b integer"
    assert (add.volatility, add.language, add.rows) == ("immutable", "sql", None)

    out = _fn(schema, "public.out_params")
    assert [a.mode for a in out.args] == ["in", "out", "out"]
    assert out.return_type == "record" and out.return_type_ref.kind == "pseudo"

    variadic = _fn(schema, "public.variadic_sum")
    assert variadic.args[0].mode == "variadic" and variadic.args[0].type.name == "_int4"

    table = _fn(schema, "public.returns_table")
    assert [a.mode for a in table.args] == ["in", "table", "table", "table"]
    assert table.returns_set and table.rows == 1000.0

    setof = _fn(schema, "public.returns_setof_users")
    assert setof.return_type == "SETOF users"
    assert setof.return_type_ref == TypeRef("public", "users", "relation")
    assert _fn(schema, "lineage.rows_one").rows == 1.0

    unnamed = _fn(schema, "public.full_label")
    assert unnamed.args[0].name == "" and unnamed.args[0].type.kind == "relation"
    # Rendered with the session's search_path: app is not on it.
    assert _fn(schema, "app.task_label").args[0].type_display == "app.tasks"
    assert _fn(schema, "public.returns_composite").return_type_ref.kind == "composite"


def test_has_default_zips_positionally_like_postgres_meta(schema: Schema) -> None:
    # pronargs flags (false, then pronargdefaults trues) are zipped with ALL
    # args, OUT included: x gets a default, b does not.
    quirk = _fn(schema, "lineage.out_first")
    assert [(a.name, a.mode, a.has_default) for a in quirk.args] == [
        ("x", "out", True),
        ("a", "in", True),
        ("b", "in", False),
    ]
    graphql = _fn(schema, "graphql_public.graphql")
    assert all(a.has_default for a in graphql.args)


# --------------------------------------------------------------------------- connections


def test_wrong_credentials_raise_masked_error(server_url: str) -> None:
    info = psycopg.conninfo.conninfo_to_dict(server_url)
    role = f"nobody_{uuid.uuid4().hex[:8]}"
    bad = f"postgresql://{role}:hunter2-s3cret@{info.get('host') or '127.0.0.1'}:{info.get('port') or 5432}/postgres"
    with pytest.raises(DatabaseError) as caught:
        introspect_url(bad, ["public"])
    assert "hunter2-s3cret" not in str(caught.value)


def test_unreachable_server_raises_masked_error() -> None:
    with pytest.raises(DatabaseError) as caught:
        introspect_url("postgresql://postgres:hunter2-s3cret@127.0.0.1:1/postgres", ["public"])
    assert "hunter2-s3cret" not in str(caught.value)


def test_read_only_session_cannot_write(sample_url: str) -> None:
    assert introspect_url(sample_url, ["app"], read_only=True).schemas == ("app",)
    with (
        connection(sample_url, ConnectOptions(read_only=True)) as conn,
        pytest.raises(psycopg.errors.ReadOnlySqlTransaction),
    ):
        conn.execute("CREATE TABLE public.should_fail (id int)")


def test_constants_print_in_utc_and_iso_whatever_the_server_defaults(make_db: MakeDb) -> None:
    url = make_db(
        "create table events (\n"
        "  id int primary key,\n"
        "  at timestamptz default '2024-01-01 00:00:00+00',\n"
        "  day date default '2024-02-03'\n"
        ")"
    )
    with psycopg.connect(url, autocommit=True) as conn:
        name = conn.execute("select current_database()").fetchone()[0]  # type: ignore[index]
        conn.execute(f"alter database \"{name}\" set timezone = 'America/New_York'")
        conn.execute(f"alter database \"{name}\" set datestyle = 'SQL, DMY'")
    schema = introspect_url(url, ["public"])
    events = schema.relation("public", "events")
    assert events is not None
    defaults = {c.name: c.default for c in events.columns}
    assert defaults["at"] == "'2024-01-01 00:00:00+00'::timestamp with time zone"
    assert defaults["day"] == "'2024-02-03'::date"
