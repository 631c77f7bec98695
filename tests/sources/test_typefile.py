"""Type files read back into a Schema: round trips, old and odd files, bad input.

The round trips render the sample schema (tests/fixtures/typegen/sample_schema.sql,
loaded into a real database once for the module) with the real generators,
read the text back and compare at the precision of generated types: every
column, enum, composite type, function and relationship must come back.
"""

from __future__ import annotations

import codecs
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from pgdrift.db import with_database
from pgdrift.diff import diff_schemas, render_text, typegen_view
from pgdrift.model import Schema, TypeRef
from pgdrift.sources.catalog import introspect_url
from pgdrift.sources.typefile import (
    HAS_DEFAULT,
    TypesFileError,
    decode_types_file,
    read_types_file,
    types_file_language,
)
from pgdrift.sources.typefile_py import read_python
from pgdrift.sources.typefile_ts import read_typescript, ts_type_text
from pgdrift.typegen.python import render_python
from pgdrift.typegen.typescript import render_typescript

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "typegen"
SAMPLE_SQL = FIXTURES / "sample_schema.sql"
GOLDEN = FIXTURES / "sample_schema.ts"
SCHEMAS = ["public", "graphql_public", "app"]


@pytest.fixture(scope="module")
def sample(server_url: str) -> Iterator[Schema]:
    """The sample schema, introspected from a real database (one per module)."""
    name = f"pgdrift_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        url = with_database(server_url, name)
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(SAMPLE_SQL.read_text(encoding="utf-8"))  # type: ignore[arg-type]
        yield introspect_url(url, SCHEMAS)
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def sample_ts(sample: Schema) -> str:
    return render_typescript(sample, SCHEMAS)


def assert_same_types(a: Schema, b: Schema, language: str = "typescript") -> None:
    result = diff_schemas(a, b, compare=language, included_schemas=SCHEMAS)  # type: ignore[arg-type]
    assert result.is_identical, render_text(result, "expected", "read")


def line_of(text: str, needle: str, start: int = 0) -> int:
    """The 0-based line of the first occurrence of ``needle`` at or after line ``start``."""
    for number, line in enumerate(text.splitlines()):
        if number >= start and needle in line:
            return number
    raise AssertionError(f"{needle!r} not found")


# --- TypeScript: round trips ------------------------------------------------------------


def test_typescript_round_trip(sample: Schema, sample_ts: str) -> None:
    read = read_typescript(sample_ts, "types/database.ts")
    assert read.problems == ()
    assert read.schema.schemas == ("app", "graphql_public", "public")
    assert_same_types(sample, read.schema)
    # The projection of a read file is the file itself.
    assert typegen_view(read.schema) is read.schema


def test_golden_file_reads_like_the_rendered_text(sample: Schema) -> None:
    read = read_types_file(GOLDEN)
    assert read.problems == ()
    assert types_file_language(read.schema) == "typescript"
    users = read.schema.relation("public", "users")
    assert users is not None and users.kind == "table"
    assert [c.name for c in users.columns][:3] == ["_private", "1", "123abc"]


def test_columns_types_nullability_and_insert_optionality(sample_ts: str) -> None:
    schema = read_typescript(sample_ts, "db.ts").schema
    users = schema.relation("public", "users")
    assert users is not None
    by_name = {c.name: c for c in users.columns}
    assert by_name["id"].identity == "ALWAYS"  # Insert: never
    assert by_name["email"].nullable is False and by_name["email"].default is None
    assert by_name["created_at"].default == HAS_DEFAULT
    assert by_name["display_name"].nullable is True
    assert by_name["mood"].type == TypeRef("public", "mood", "enum")
    assert by_name["mood"].type_display == 'Database["public"]["Enums"]["mood"]'
    assert by_name["moods"].type == TypeRef("public", "_mood", "array")
    assert by_name["metadata"].type == TypeRef("pg_catalog", "jsonb")
    assert by_name["user-name"].type_display == "string"
    all_types = schema.relation("public", "all_types")
    assert all_types is not None
    hidden = all_types.column("c_hidden_levels")
    assert hidden is not None and hidden.type_display == '("low" | "high")[]'
    assert ts_type_text(by_name["moods"].type, schema) == 'Database["public"]["Enums"]["mood"][]'


def test_views_enums_composites_functions_relationships(sample_ts: str) -> None:
    schema = read_typescript(sample_ts, "db.ts").schema
    emails = schema.relation("public", "user_emails")
    counts = schema.relation("public", "post_counts")
    assert emails is not None and emails.kind == "view" and emails.updatable
    assert counts is not None and counts.kind == "view" and not counts.updatable
    mood = next(e for e in schema.enums if (e.schema, e.name) == ("public", "mood"))
    assert mood.labels == ("happy", "sad", 'it\'s "complicated"', "ünïcödé", "with\\backslash")
    address = next(c for c in schema.composites if c.name == "address")
    assert [a.name for a in address.attributes] == ["street", "city", "zip", "tags", "m"]
    overloaded = [f for f in schema.functions if f.name == "overloaded"]
    assert [f.identity_arguments for f in overloaded] == [
        "a: number",
        "a: number, b: string",
        "b: string",
    ]
    add = next(f for f in schema.functions if f.name == "add_numbers")
    assert add.identity_arguments == "a: number, b?: number" and add.return_type == "number"
    setof = next(f for f in schema.functions if f.name == "returns_setof_users")
    assert setof.returns_set
    avatars = [fk for fk in schema.foreign_keys if fk.table == "avatars"]
    assert {fk.referenced_table for fk in avatars} == {"users", "user_emails", "user_stats"}
    profiles = schema.relation("public", "profiles")
    assert profiles is not None and ("user_id",) in profiles.unique_keys  # isOneToOne: true


def test_spans_point_at_the_lines_of_the_file(sample_ts: str) -> None:
    read = read_typescript(sample_ts, "db.ts")
    lines = sample_ts.splitlines()
    for rel in read.schema.relations:
        assert rel.span is not None
        assert lines[rel.span.start_line][rel.span.start_col :].startswith(
            (rel.name, f'"{rel.name}"')
        )
        for col in rel.columns:
            assert col.span is not None
            text = lines[col.span.start_line][col.span.start_col : col.span.end_col]
            assert text.strip('"') == col.name or col.name in text
    for enum in read.schema.enums:
        assert enum.span is not None and enum.name in lines[enum.span.start_line]
    public_tables = read.anchors[("public", "Tables")]
    assert lines[public_tables.start_line].strip() == "Tables: {"


# --- TypeScript: old, odd and broken files --------------------------------------------


def test_utf16_with_bom_and_crlf(sample_ts: str) -> None:
    data = codecs.BOM_UTF16_LE + sample_ts.replace("\n", "\r\n").encode("utf-16-le")
    text = decode_types_file(data)
    read = read_typescript(text, "db.ts")
    plain = read_typescript(sample_ts, "db.ts")
    assert read.problems == ()
    assert_same_types(plain.schema, read.schema)
    # Same lines and columns: a CR is not a line of its own.
    assert [r.span for r in read.schema.relations] == [r.span for r in plain.schema.relations]


def test_utf16_without_bom_and_utf8_bom(sample_ts: str) -> None:
    assert decode_types_file(sample_ts.encode("utf-16-be")) == sample_ts
    assert decode_types_file(codecs.BOM_UTF8 + sample_ts.encode()) == sample_ts
    with pytest.raises(TypesFileError):
        decode_types_file(b"\x00\x01\x02garbage\xff\x00\x00\x00")


def test_older_interface_format_with_semicolons(sample_ts: str) -> None:
    start = sample_ts.index("export type Database = {")
    head = sample_ts[start : sample_ts.index("type DatabaseWithoutInternals")]
    old = head.replace("export type Database = {", "export interface Database {", 1)
    # Older generators and other formatters: semicolons after members.
    old = "\n".join(
        line + ";" if line.rstrip().endswith(("number", "string", "null", "Json", "]")) else line
        for line in old.splitlines()
    )
    read = read_typescript(old, "db.ts")
    assert read.problems == ()
    assert_same_types(read_typescript(sample_ts, "db.ts").schema, read.schema)


def test_reformatted_on_one_line(sample_ts: str) -> None:
    head = sample_ts[: sample_ts.index("type DatabaseWithoutInternals")]
    # One line, as a minifier would write it: ";" where a newline ended a member.
    lines = [line.strip() for line in head.splitlines() if line.strip()]
    flat = lines[0]
    for line in lines[1:]:
        joins = flat.endswith(("{", "[", "(", ",", "|", "&", ":", "=")) or line.startswith(
            ("}", "]", ")", "|", "&")
        )
        flat += (" " if joins else "; ") + line
    read = read_typescript(flat, "db.ts")
    assert read.problems == ()
    assert_same_types(read_typescript(sample_ts, "db.ts").schema, read.schema)


def test_hand_edits_are_read_as_written(sample_ts: str) -> None:
    edited = sample_ts.replace(
        "          note: string | null\n",
        "          // added by hand\n          note: string | null\n          extra?: number\n",
        1,
    )
    read = read_typescript(edited, "db.ts")
    assert read.problems == ()
    result = diff_schemas(read_typescript(sample_ts, "db.ts").schema, read.schema)
    assert [(c.kind, c.name, c.status) for c in result.changes] == [
        ("column", "app.posts.extra", "added")
    ]
    [change] = result.changes
    assert change.b_span is not None
    assert change.b_span.start_line == line_of(edited, "extra?: number")


def test_syntax_error_in_the_middle_is_skipped(sample_ts: str) -> None:
    broken = sample_ts.replace(
        "          note: string | null\n", "          note: string || +\n", 1
    )
    read = read_typescript(broken, "db.ts")
    assert read.problems
    assert read.problems[0].line == line_of(broken, "note: string || +")
    assert read.schema.relation("public", "users") is not None


@pytest.mark.parametrize("fraction", [0.02, 0.25, 0.5, 0.75, 0.99])
def test_truncated_file_yields_what_was_read(sample_ts: str, fraction: float) -> None:
    cut = sample_ts[: int(len(sample_ts) * fraction)]
    read = read_typescript(cut, "db.ts")
    assert any("ends early" in p.message for p in read.problems)
    truncation = next(p for p in read.problems if "ends early" in p.message)
    assert truncation.line <= cut.count("\n")
    full = read_typescript(sample_ts, "db.ts").schema
    # Whatever was read is what the full file says.
    for rel in read.schema.relations:
        whole = full.relation(rel.schema, rel.name)
        assert whole is not None
        for col in rel.columns:
            assert col.name in {c.name for c in whole.columns}
    if fraction > 0.5:
        assert len(read.schema.relations) > 5


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not typescript at all {{{",
        "export const x = 1\n",
        "\x00\x01",
        "export type Database = 42\n",
    ],
)
def test_garbage_never_raises(text: str) -> None:
    read = read_typescript(text, "db.ts")
    assert read.schema.relations == ()
    assert read.problems


def test_internal_supabase_is_not_a_schema() -> None:
    text = """export type Database = {
  __InternalSupabase: {
    PostgrestVersion: "12.2.3 (519615d)"
  }
  public: {
    Tables: {
      [_ in never]: never
    }
    Enums: {
      one: "only"
    }
  }
}
"""
    read = read_typescript(text, "db.ts")
    assert read.schema.schemas == ("public",)
    assert read.schema.enums[0].labels == ("only",)


# --- Python ------------------------------------------------------------------------------


def test_python_round_trip(sample: Schema) -> None:
    text = render_python(sample, SCHEMAS)
    read = read_python(text, "types/database.py", names_hint=sample)
    assert read.problems == ()
    assert types_file_language(read.schema) == "python"
    assert_same_types(sample, read.schema, "python")
    weird = read.schema.relation("public", "Weird Table-Name")
    assert weird is not None and [c.name for c in weird.columns] == ["id", "Value"]


def test_python_without_hint_splits_class_names(sample: Schema) -> None:
    read = read_python(render_python(sample, SCHEMAS), "db.py")
    names = {(r.schema, r.name, r.kind) for r in read.schema.relations}
    assert ("public", "user_emails", "view") in names
    assert ("app", "tasks", "table") in names
    assert {(c.schema, c.name) for c in read.schema.composites} == {
        ("public", "address"),
        ("app", "point3"),
    }
    users = read.schema.relation("public", "users")
    assert users is not None
    created = users.column("created_at")
    assert created is not None and created.default == HAS_DEFAULT and not created.nullable
    assert created.type_display == "datetime.datetime"


def test_python_truncated_and_broken(sample: Schema) -> None:
    text = render_python(sample, SCHEMAS)
    cut = text[: len(text) // 3]
    read = read_python(cut, "db.py", names_hint=sample)
    assert any("ends early" in p.message for p in read.problems)
    assert read.schema.relation("public", "users") is not None
    broken = text.replace("class PublicPosts(BaseModel):", "class PublicPosts(BaseModel)", 1)
    read = read_python(broken, "db.py", names_hint=sample)
    assert read.problems[0].line == line_of(broken, "class PublicPosts(BaseModel)")
    assert read.schema.relation("app", "tasks") is not None
    assert read_python("\x00 garbage (", "db.py").schema.relations == ()
