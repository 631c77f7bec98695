"""``pgdrift.diff``: set operations per kind, counts, precision, reports.

Schemas are built by hand here; tests/sources/test_typefile.py and the check
tests compare real ones.
"""

from __future__ import annotations

import json
from dataclasses import replace

from pgdrift.diff import diff_schemas, precision_for, render_json, render_text, typegen_view
from pgdrift.model import (
    Attribute,
    Column,
    CompositeType,
    Enum,
    ForeignKey,
    Function,
    FunctionArg,
    Relation,
    Schema,
    TypeRef,
)
from pgdrift.sources.typefile_ts import read_typescript
from pgdrift.typegen.typescript import render_typescript

INT4 = TypeRef("pg_catalog", "int4")
INT8 = TypeRef("pg_catalog", "int8")
TEXT = TypeRef("pg_catalog", "text")
NUMERIC = TypeRef("pg_catalog", "numeric")


def col(name: str, ref: TypeRef = TEXT, display: str = "text", **kw: object) -> Column:
    return Column(name, ref, display, **kw)  # type: ignore[arg-type]


def base() -> Schema:
    """A small application: orders of profiles, a status enum, a function."""
    profiles = Relation(
        "public",
        "profiles",
        "table",
        (
            col("id", INT8, "bigint", nullable=False, identity="ALWAYS"),
            col("username", nullable=False),
            col("bio"),
        ),
        primary_key=("id",),
        comment="People.",
    )
    orders = Relation(
        "public",
        "orders",
        "table",
        (
            col("id", INT8, "bigint", nullable=False, identity="BY DEFAULT"),
            col("profile_id", INT8, "bigint", nullable=False),
            col("total", NUMERIC, "numeric(10,2)", nullable=False),
            col(
                "status",
                TypeRef("public", "status", "enum"),
                "status",
                nullable=False,
                default="'new'::status",
            ),
        ),
        primary_key=("id",),
    )
    view = Relation(
        "public",
        "big_orders",
        "view",
        (col("id", INT8, "bigint"),),
        definition="SELECT id FROM orders",
    )
    status = Enum("public", "status", ("new", "paid"))
    point = CompositeType("public", "point2", (Attribute("x", NUMERIC), Attribute("y", NUMERIC)))
    count = Function(
        "public",
        "order_count",
        (FunctionArg("p_id", INT8, "bigint"),),
        "p_id bigint",
        "p_id bigint",
        "bigint",
        INT8,
        language="sql",
        definition="select count(*) from orders",
    )
    fk = ForeignKey(
        "orders_profile_id_fkey", "public", "orders", ("profile_id",), "public", "profiles", ("id",)
    )
    return Schema(
        schemas=("public",),
        relations=(profiles, orders, view),
        enums=(status,),
        composites=(point,),
        functions=(count,),
        foreign_keys=(fk,),
    )


def with_relation(schema: Schema, name: str, **changes: object) -> Schema:
    relations = tuple(replace(r, **changes) if r.name == name else r for r in schema.relations)  # type: ignore[arg-type]
    return replace(schema, relations=relations)


def with_column(schema: Schema, table: str, column: str, **changes: object) -> Schema:
    rel = schema.relation("public", table)
    assert rel is not None
    columns = tuple(replace(c, **changes) if c.name == column else c for c in rel.columns)  # type: ignore[arg-type]
    return with_relation(schema, table, columns=columns)


def test_identical_schemas_are_counted() -> None:
    result = diff_schemas(base(), base())
    assert result.is_identical
    assert result.precision == "full"
    assert dict(result.identical) == {
        "tables": 2,
        "views": 1,
        "enums": 1,
        "composite types": 1,
        "functions": 1,
        "relationships": 1,
    }
    assert render_text(result, "local", "remote").splitlines()[1:] == [
        "identical: 2 tables, 1 view, 1 enum, 1 composite type, 1 function, 1 relationship",
        "differs: nothing",
    ]


def test_column_changes_name_both_sides() -> None:
    remote = with_column(base(), "orders", "total", type_display="text", type=TEXT)
    remote = with_column(remote, "profiles", "bio", nullable=False, default="''::text")
    result = diff_schemas(base(), remote)
    messages = [c.message("local", "remote") for c in result.changes]
    assert messages == [
        "column public.profiles.bio is nullable in local, NOT NULL in remote; "
        "has no default in local, default ''::text in remote",
        "column public.orders.total is numeric(10,2) in local, text in remote",
    ]
    assert result.differing() == {"tables": 2}
    assert "tables" not in result.identical


def test_added_and_removed_objects() -> None:
    local = base()
    remote = replace(
        local,
        relations=(
            *local.relations[:1],
            Relation("public", "audit", "table", (col("at"),)),
            *local.relations[2:],
        ),
        enums=(),
        functions=(
            replace(
                local.functions[0], identity_arguments="p_id integer", argument_types="p_id integer"
            ),
        ),
    )
    result = diff_schemas(local, remote)
    summary = {(c.kind, c.name, c.status) for c in result.changes}
    assert ("table", "public.orders", "removed") in summary
    assert ("table", "public.audit", "added") in summary
    assert ("enum", "public.status", "removed") in summary
    # Functions are keyed by signature: another signature is another function.
    assert ("function", "public.order_count(p_id bigint)", "removed") in summary
    assert ("function", "public.order_count(p_id integer)", "added") in summary
    # The orders table is gone, and its foreign key with it: one change, not two.
    assert not any(kind == "relationship" for kind, _, _ in summary)
    audit = next(c for c in result.changes if c.name == "public.audit")
    assert audit.message("local", "remote") == "table public.audit exists only in remote"


def test_enum_labels_and_order() -> None:
    added = replace(base(), enums=(Enum("public", "status", ("new", "paid", "shipped")),))
    [change] = diff_schemas(base(), added).changes
    assert (
        change.message("local", "remote") == 'enum public.status has label "shipped" only in remote'
    )
    reordered = replace(base(), enums=(Enum("public", "status", ("paid", "new")),))
    [change] = diff_schemas(base(), reordered).changes
    assert change.details[0].aspect == "label order"
    assert (
        change.message("a", "b")
        == 'enum public.status is ordered "new", "paid" in a, ordered "paid", "new" in b'
    )


def test_functions_relationships_composites_views() -> None:
    local = base()
    fn = replace(
        local.functions[0], return_type="integer", volatility="stable", definition="select 1"
    )
    fk = replace(local.foreign_keys[0], on_delete="CASCADE")
    point = CompositeType("public", "point2", (Attribute("x", NUMERIC),))
    remote = replace(local, functions=(fn,), foreign_keys=(fk,), composites=(point,))
    remote = with_relation(
        remote, "big_orders", definition="SELECT id FROM orders WHERE total > 100"
    )
    messages = {c.kind: c.message("local", "remote") for c in diff_schemas(local, remote).changes}
    assert messages["function"] == (
        "function public.order_count(p_id bigint) returns bigint in local, integer in remote; "
        "is volatile in local, stable in remote; has one body in local, another in remote"
    )
    assert messages["relationship"] == (
        "relationship orders_profile_id_fkey on public.orders has on delete NO ACTION in local, "
        "on delete CASCADE in remote"
    )
    assert messages["composite type"] == (
        "composite type public.point2 has (x numeric, y numeric) in local, (x numeric) in remote"
    )
    assert messages["view"].startswith("view public.big_orders has one definition in local")


def test_comments_are_their_own_kind_and_counted_by_subject() -> None:
    directive = '@graphql({"totalCount": {"enabled": true}})'
    remote = with_relation(base(), "orders", comment=directive)
    remote = with_relation(remote, "profiles", comment=directive)
    result = diff_schemas(base(), remote)
    assert {c.kind for c in result.changes} == {"comment"}
    # Comments do not make the tables differ: structure and comments are counted apart.
    assert result.identical["tables"] == 2
    assert result.differing() == {"comments on tables": 2}
    text = render_text(result, "local", "remote")
    assert "identical: 2 tables, 1 view, 1 enum" in text
    assert "differs: comments on 2 tables" in text
    orders = next(c for c in result.changes if c.name == "public.orders")
    assert orders.message("local", "remote") == (
        "the comment on table public.orders is none in local, "
        '"@graphql({\\"totalCount\\": {\\"enabled\\": true}})" in remote'
    )


def test_only_schemas_both_describe_are_compared_object_by_object() -> None:
    other = replace(
        base(), schemas=("public", "app"), enums=(*base().enums, Enum("app", "x", ("a",)))
    )
    result = diff_schemas(base(), other)
    assert [(c.kind, c.name, c.status) for c in result.changes] == [("schema", "app", "added")]


def test_typegen_precision_hides_what_types_cannot_show() -> None:
    local = base()
    # Differences a types file cannot express: comments, exact integer type, default text.
    remote = with_relation(local, "profiles", comment="other")
    remote = with_column(remote, "orders", "profile_id", type=INT4, type_display="integer")
    remote = with_column(remote, "orders", "status", default="'paid'::status")
    assert not diff_schemas(local, remote, compare="full").is_identical
    assert diff_schemas(local, remote, compare="typescript").is_identical
    # What it can: nullability.
    nullable = with_column(local, "orders", "total", nullable=True)
    [change] = diff_schemas(local, nullable, compare="typescript").changes
    assert (
        change.message("local", "remote")
        == "column public.orders.total is NOT NULL in local, nullable in remote"
    )


def test_projection_reads_back_the_real_generator_output() -> None:
    view = typegen_view(base())
    orders = view.relation("public", "orders")
    assert orders is not None
    total = orders.column("total")
    assert total is not None and total.type_display == "number"
    file_schema = read_typescript(render_typescript(base(), ["public"]), "types/db.ts").schema
    assert precision_for(base(), file_schema) == "typescript"
    assert diff_schemas(base(), file_schema).is_identical
    # The file gained a column by hand: reported, at its line in the file.
    text = render_typescript(base(), ["public"]).replace(
        "          username: string\n",
        "          username: string\n          nickname: string\n",
        1,
    )
    edited = read_typescript(text, "types/db.ts").schema
    [change] = diff_schemas(base(), edited).changes
    assert (change.kind, change.name, change.status) == (
        "column",
        "public.profiles.nickname",
        "added",
    )
    assert change.b_span is not None
    assert text.splitlines()[change.b_span.start_line].strip() == "nickname: string"


def test_insert_optionality_in_types() -> None:
    local = base()
    remote = with_column(local, "orders", "status", default=None)
    [change] = diff_schemas(local, remote, compare="typescript").changes
    assert change.message("local", "remote") == (
        "column public.orders.status is optional on insert in local, required on insert in remote"
    )


def test_json_report() -> None:
    remote = with_column(base(), "orders", "total", type_display="text", type=TEXT)
    data = json.loads(render_json(diff_schemas(base(), remote), "local", "remote"))
    assert data["identical"] is False
    assert data["precision"] == "full"
    assert data["counts"]["different"] == {"tables": 1}
    assert data["counts"]["identical"]["tables"] == 1
    [change] = data["changes"]
    assert change["kind"] == "column"
    assert change["parent"] == "public.orders"
    assert change["details"] == [{"aspect": "type", "a": "numeric(10,2)", "b": "text"}]
    assert (
        change["message"] == "column public.orders.total is numeric(10,2) in local, text in remote"
    )


def test_text_report_groups_columns_under_their_table() -> None:
    remote = with_column(base(), "orders", "total", type_display="text", type=TEXT)
    remote = replace(remote, enums=(Enum("public", "status", ("new",)),))
    text = render_text(diff_schemas(base(), remote), "local", "remote")
    assert text.splitlines()[3:] == [
        "",
        "Tables",
        "  ~ public.orders",
        "      ~ column total",
        "          type: numeric(10,2) in local, text in remote",
        "",
        "Enums",
        "  ~ public.status",
        '      labels: has label "paid" only in local',
    ]


def test_policies_compare_by_content_not_by_where_they_were_read() -> None:
    from pgdrift.model import Policy, Span

    owner = Policy("owner", "SELECT", using="(profile_id = auth.uid())")
    local = with_relation(base(), "orders", policies=(owner,), rls_enabled=True)
    # The static model knows the statement; a database does not.
    spanned = replace(owner, span=Span("supabase/migrations/1_x.sql", 3, 0, 3, 40))
    remote = with_relation(base(), "orders", policies=(spanned,), rls_enabled=True)
    assert diff_schemas(local, remote).is_identical

    changed = replace(owner, using="(profile_id = ( SELECT auth.uid() AS uid))", roles=("anon",))
    remote = with_relation(base(), "orders", policies=(changed,), rls_enabled=True)
    messages = [c.message("migrations", "shadow") for c in diff_schemas(local, remote).changes]
    assert messages == [
        'table public.orders has policy "owner" to public in migrations, '
        'policy "owner" to anon in shadow; has policy "owner" using ((profile_id = auth.uid())) '
        'in migrations, policy "owner" using ((profile_id = ( SELECT auth.uid() AS uid))) in shadow'
    ]


def test_policies_only_one_side_has_are_named_with_their_side() -> None:
    from pgdrift.model import Policy

    owner = Policy("owner", "SELECT", using="(profile_id = auth.uid())")
    admin = Policy("admin", "ALL", using="is_admin()")
    audit = Policy("audit", "SELECT", using="true")
    local = with_relation(base(), "orders", policies=(owner, admin, audit), rls_enabled=True)
    remote = with_relation(base(), "orders", policies=(owner,), rls_enabled=True)
    text = render_text(diff_schemas(local, remote), "migrations", "shadow")
    assert 'policies: policies "admin", "audit" only in migrations\n' in text
    text = render_text(
        diff_schemas(remote, with_relation(base(), "orders", policies=(admin,), rls_enabled=True)),
        "a",
        "b",
    )
    assert 'policies: policy "owner" only in a, policy "admin" only in b\n' in text


def test_a_view_definition_only_one_side_has_is_not_a_difference() -> None:
    view = next(r for r in base().relations if r.is_view)
    local = with_relation(base(), view.name, definition=None)
    remote = with_relation(local, view.name, definition=" SELECT id\n   FROM profiles;")
    assert diff_schemas(local, remote).is_identical
    other = with_relation(local, view.name, definition=" SELECT 1;")
    assert not diff_schemas(other, remote).is_identical
