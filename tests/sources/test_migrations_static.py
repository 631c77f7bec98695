"""The static source on its own: findings, spans, bad input, never raising."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pgdrift.model import Span
from pgdrift.sources.migrations import (
    MigrationFinding,
    build_schema,
    parse_file,
    read_migration_file,
    static_schema,
)


def codes(findings: list[MigrationFinding]) -> list[str]:
    return [f.code for f in findings]


def test_syntax_error_is_reported_at_its_position_and_the_rest_is_modelled() -> None:
    sql = "create table a (id int);\ncreate table b (id int,, x text);\ncreate table c (id int);\n"
    schema, findings = build_schema([("m/001.sql", sql)])
    assert [r.name for r in schema.relations] == ["a", "c"]
    (f,) = findings
    assert f.code == "migration-syntax-error" and f.severity == "error"
    # The second comma, line 2 (0-based 1), column 23.
    assert f.span == Span("m/001.sql", 1, 23, 1, 24)
    assert "," in f.message


def test_syntax_error_messages_say_syntax_error_once() -> None:
    # The parser's own "syntax error at or near" is not prefixed again; its
    # other messages ("expected ...") are.
    sql = "create table a (id int);\nalter table a add colum note text;\nalter table a add;\n"
    _, findings = build_schema([("x.sql", sql)])
    assert [f.message for f in findings] == [
        'syntax error at or near "text"',
        'syntax error: expected an identifier at or near ";"',
    ]


def test_syntax_error_in_one_file_does_not_stop_later_files() -> None:
    files = [
        ("001.sql", "create table a (id int primary key);"),
        ("002.sql", "alter table a add column;\nalter table a add column ok text;"),
        ("003.sql", "create table b (a_id int references a);"),
    ]
    schema, findings = build_schema(files)
    a = schema.relation("public", "a")
    assert a is not None and [c.name for c in a.columns] == ["id", "ok"]
    assert schema.relation("public", "b") is not None
    assert codes(findings) == ["migration-syntax-error"]
    assert findings[0].span.path == "002.sql"


def test_unterminated_string_is_a_finding() -> None:
    schema, findings = build_schema([("x.sql", "create table a (id int);\nselect 'oops;\n")])
    assert [r.name for r in schema.relations] == ["a"]
    assert codes(findings) == ["migration-syntax-error"]
    assert "unterminated string" in findings[0].message
    assert findings[0].span.start_line == 1


def test_do_blocks_and_dynamic_sql_are_reported_not_guessed() -> None:
    sql = "do $$ begin execute 'create table hidden (id int)'; end $$;\ncall p();\nexecute stmt;"
    schema, findings = build_schema([("x.sql", sql)])
    assert schema.relations == ()
    assert codes(findings) == ["migration-unmodelled"] * 3
    assert [f.span.start_line for f in findings] == [0, 1, 2]
    assert all(f.severity == "warning" for f in findings)


def test_statements_that_would_fail_are_reported() -> None:
    sql = (
        "create table a (id int);\n"
        "create table a (id int);\n"
        "alter table missing add column x int;\n"
        "alter table a drop column nope;\n"
        "create table b (x no_such_type);\n"
    )
    schema, findings = build_schema([("x.sql", sql)])
    assert [r.name for r in schema.relations] == ["a"]
    assert codes(findings) == [
        "migration-duplicate-object",
        "migration-unknown-relation",
        "migration-unknown-column",
        "migration-unknown-type",
    ]
    assert [f.span.start_line for f in findings] == [1, 2, 3, 4]


def test_spans_of_creation_and_alteration() -> None:
    files = [
        ("001.sql", "create table t (\n  id int,\n  name text\n);\n"),
        (
            "002.sql",
            "alter table t alter column name set not null;\ncomment on column t.id is 'x';\n",
        ),
    ]
    schema, _ = build_schema(files)
    t = schema.relation("public", "t")
    assert t is not None
    assert t.span == Span("001.sql", 0, 0, 3, 2)
    name = t.column("name")
    ident = t.column("id")
    assert name is not None and ident is not None
    assert name.span == t.span
    assert name.altered == (Span("002.sql", 0, 0, 0, 45),)
    assert ident.altered == (Span("002.sql", 1, 0, 1, 30),)
    assert t.altered == (Span("002.sql", 0, 0, 0, 45),)


def test_empty_and_binary_files() -> None:
    schema, findings = build_schema([("empty.sql", ""), ("blank.sql", "  \n-- only a comment\n")])
    assert schema.relations == ()
    assert codes(findings) == ["migration-empty-file", "migration-empty-file"]
    assert all(f.severity == "info" for f in findings)
    _, findings = build_schema([("bin.sql", "create table a (id int);\x00\x01\x02")])
    assert codes(findings) == ["migration-binary-file"]


def test_reading_binary_and_non_utf8_files(tmp_path: Path) -> None:
    (tmp_path / "bin.sql").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (tmp_path / "latin1.sql").write_bytes(b"create table a (id int);\n-- caf\xe9\n")
    (tmp_path / "bom.sql").write_bytes(b"\xef\xbb\xbfcreate table b (id int);")
    text, problem = read_migration_file(tmp_path / "bin.sql", "bin.sql")
    assert text == "" and problem is not None and problem.code == "migration-binary-file"
    text, problem = read_migration_file(tmp_path / "latin1.sql", "latin1.sql")
    assert problem is not None and problem.code == "migration-unreadable-file"
    assert problem.span == Span("latin1.sql", 1, 6, 1, 7)
    assert "0xe9" in problem.message
    text, problem = read_migration_file(tmp_path / "bom.sql")
    assert problem is None and text.startswith("create")
    (tmp_path / "ok.sql").write_text("create table c (id int);")
    files = [(name, tmp_path / name) for name in ("bin.sql", "latin1.sql", "bom.sql", "ok.sql")]
    schema, findings = static_schema(files, ["public"], supabase=False)
    assert [r.name for r in schema.relations] == ["b", "c"]
    assert sorted(codes(findings)) == ["migration-binary-file", "migration-unreadable-file"]


def test_duplicate_versions_are_reported_and_both_files_modelled() -> None:
    files = [
        ("supabase/migrations/20240101000000_a.sql", "create table a (id int);"),
        ("supabase/migrations/20240101000000_b.sql", "create table b (id int);"),
    ]
    schema, findings = build_schema(files)
    assert [r.name for r in schema.relations] == ["a", "b"]
    (f,) = findings
    assert f.code == "migration-duplicate-version"
    assert f.span.path.endswith("_b.sql") and "_a.sql" in f.message


def test_a_50_mb_file_is_indexed() -> None:
    row = "insert into t (id, body) values (1, 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx');\n"
    big = "create table t (id int, body text);\n" + row * (50_000_000 // len(row))
    big += "alter table t add column tail int;\n"
    schema, findings = build_schema([("big.sql", big)])
    t = schema.relation("public", "t")
    assert t is not None and [c.name for c in t.columns] == ["id", "body", "tail"]
    assert findings == []


def test_huge_do_block_is_one_statement() -> None:
    body = "  perform 1; -- ;\n" * 60_000
    parsed = parse_file(f"do $$\nbegin\n{body}end $$;\ncreate table after (id int);")
    assert len(parsed.ops) == 2


_SQLISH = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "create table t (id int primary key, b text default 'x');",
                "alter table t add column c int;",
                "alter table t rename column b to bb;",
                "drop table t;",
                "create type e as enum ('a');",
                "alter type e add value 'b';",
                "create view v as select * from t;",
                "create policy p on t using (id > 0);",
                "create function f() returns int language sql as $$ select 1 $$;",
                "comment on table t is 'x';",
                "begin;",
                "rollback;",
                "commit;",
                "set search_path = '';",
                "$$",
                "'",
                '"',
                "/*",
                "--",
                "(",
                ")",
                ";",
                "\n",
                " ",
                "\x00",
                "E'\\",
            ]
        ),
        st.text(max_size=20),
    ),
    max_size=30,
).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_SQLISH, min_size=1, max_size=3))
def test_the_indexer_never_raises(texts: list[str]) -> None:
    files = [(f"{i:03d}_m.sql", t) for i, t in enumerate(texts)]
    schema, findings = build_schema(files)
    assert all(isinstance(f, MigrationFinding) for f in findings)
    assert schema.schemas == ("public",)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_parsing_arbitrary_text_never_raises(text: str) -> None:
    parse_file(text)


def test_the_projects_postgres_major_version_is_modelled(tmp_path: Path) -> None:
    from pgdrift.project import Project
    from pgdrift.sides import static_model

    migrations = tmp_path / "supabase" / "migrations"
    migrations.mkdir(parents=True)
    (migrations / "20240101000000_parts.sql").write_text(
        "create table events (id bigint generated always as identity, at date not null)\n"
        "  partition by range (at);\n"
        "create table events_2024 partition of events\n"
        "  for values from ('2024-01-01') to ('2025-01-01');\n"
    )

    def partition_identity(major: int) -> str | None:
        (tmp_path / "supabase" / "config.toml").write_text(f"[db]\nmajor_version = {major}\n")
        model = static_model(Project.load(tmp_path))
        assert isinstance(model, tuple)
        (rel,) = (r for r in model[0].relations if r.name == "events_2024")
        return rel.columns[0].identity

    # Partitions inherit the parent's identity from Postgres 17 on.
    assert partition_identity(15) is None
    assert partition_identity(17) == "ALWAYS"
