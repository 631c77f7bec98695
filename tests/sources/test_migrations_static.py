"""The static source on its own: findings, spans, bad input, never raising."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
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


# ALTER [COLUMN] takes a ColId: no reserved or type-or-function-name keyword.
# A case marks with "«" the token Postgres's "syntax error at or near" names.
_ALTER_COLUMN_CASES = [
    # A missing semicolon between two ALTER TABLEs.
    "alter table t drop column if exists a,\nalter «table public.t drop column if exists b",
    "alter table t drop a, alter «table t add d int",
    "alter table t alter column «left type text",
    "alter table t alter «left type text",
    "alter table t alter column «constraint type text",
    "alter table t alter column «select type text",
    # Unreserved and column-name keywords are column names; quoted words too.
    'alter table t alter "table" type text',
    "alter table t alter column int type bigint, alter name drop not null",
]


def test_alter_column_of_a_reserved_word_fails_where_postgres_fails(
    make_db: Callable[..., str],
) -> None:
    setup = 'create table t (a int, b int, "table" int, int int, name text);'
    url = make_db(setup)
    with psycopg.connect(url) as conn:
        for case in _ALTER_COLUMN_CASES:
            sql = case.replace("«", "")
            expected = None
            if "«" in case:
                col = case.index("«")
                near = re.match(r"\w+", sql[col:])
                assert near is not None
                line = sql.count("\n", 0, col)
                col -= sql.rfind("\n", 0, col) + 1
                expected = (f'syntax error at or near "{near[0]}"', line, col)
            server = None
            try:
                conn.execute(sql)  # type: ignore[arg-type]
            except psycopg.errors.SyntaxError as exc:
                position = exc.diag.statement_position
                assert position is not None and exc.diag.message_primary is not None
                at = int(position) - 1
                server = (
                    exc.diag.message_primary,
                    sql.count("\n", 0, at),
                    at - (sql.rfind("\n", 0, at) + 1),
                )
            finally:
                conn.rollback()
            assert server == expected, case
            _, findings = build_schema([("x.sql", f"{setup}\n{sql};\n")])
            errors = [
                (f.message, f.span.start_line - 1, f.span.start_col)
                for f in findings
                if f.severity == "error"
            ]
            assert errors == ([expected] if expected else []), case


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
    text = f"do $$\nbegin\n  execute 'select 1';\n{body}end $$;\ncreate table after (id int);"
    parsed = parse_file(text)
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
                "do $$ begin create type e as enum ('a'); exception when others then null; end $$;",
                "do $$ begin if to_regclass('t') is null then create table t (); end if; end $$;",
                "create unique index i on t (id); alter table t add primary key using index i;",
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


# --- what supabase db diff writes, and other statements Postgres accepts ----


def test_primary_key_using_index_takes_the_index_over() -> None:
    # What `supabase db diff` writes for every new table.
    sql = (
        "create table public.t (id int, code text, other int);\n"
        "create unique index t_pkey on public.t using btree (id);\n"
        "alter table public.t add constraint t_pkey primary key using index t_pkey;\n"
        "create unique index t_code_idx on public.t (code);\n"
        "alter table public.t add constraint t_code_key unique using index t_code_idx"
        " deferrable initially deferred;\n"
        "create unique index on public.t (other);\n"
        "alter table public.t add unique using index t_other_idx;\n"
        "alter index t_code_key rename to t_code_unique;\n"
    )
    schema, findings = build_schema([("x.sql", sql)])
    t = schema.relation("public", "t")
    assert t is not None
    assert t.primary_key == ("id",)
    assert t.unique_keys == (("code",), ("other",))
    # The primary key's column becomes NOT NULL, as Postgres makes it.
    assert [c.nullable for c in t.columns] == [False, True, True]
    # Postgres' NOTICE about the renamed index, on the statement.
    (notice,) = findings
    assert notice.severity == "info"
    assert notice.message == (
        'ALTER TABLE / ADD CONSTRAINT USING INDEX will rename index "t_code_idx" to "t_code_key"'
    )
    assert notice.span == Span("x.sql", 4, 0, 4, 107)


def test_constraints_using_unsuitable_indexes_fail_as_in_postgres() -> None:
    sql = (
        "create table t (id int, x int);\n"
        "create index t_plain on t (id);\n"
        "alter table t add primary key using index t_plain;\n"
        "create unique index t_expr on t ((id + 1));\n"
        "alter table t add primary key using index t_expr;\n"
        "create unique index t_part on t (id) where id > 0;\n"
        "alter table t add primary key using index t_part;\n"
        "create unique index t_desc on t (x, id desc);\n"
        "alter table t add primary key using index t_desc;\n"
        "create unique index t_ok on t (id);\n"
        "alter table t add primary key using index t_ok;\n"
        "alter table t add unique using index t_ok;\n"
        "alter table t add unique using index missing;\n"
    )
    schema, findings = build_schema([("x.sql", sql)])
    assert [(f.span.start_line, f.message) for f in findings] == [
        (2, '"t_plain" is not a unique index'),
        (4, 'index "t_expr" contains expressions'),
        (6, '"t_part" is a partial index'),
        (8, 'index "t_desc" column number 2 does not have default sorting behavior'),
        (11, 'index "t_ok" is already associated with a constraint'),
        (12, 'index "missing" does not exist'),
    ]
    t = schema.relation("public", "t")
    assert t is not None and t.primary_key == ("id",) and t.unique_keys == ()


def test_a_foreign_key_needs_a_unique_key_on_what_it_references() -> None:
    # As the server says (42830): a primary key, a unique constraint or a
    # plain unique index on exactly the referenced columns, in any order.
    sql = (
        "create table a (id int, x int, y int, p int, q int, unique (q, p));\n"
        "create unique index a_x on a (x);\n"
        "create unique index a_y on a (y) where y > 0;\n"
        "create table ok1 (v int references a (x));\n"
        "create table ok2 (m int, n int, foreign key (m, n) references a (p, q));\n"
        "create table bad1 (v int references a (id));\n"
        "create table bad2 (v int references a (y));\n"
        "create table bad3 (m int, n int, foreign key (m, n) references a (x));\n"
    )
    schema, findings = build_schema([("x.sql", sql)])
    none = 'there is no unique constraint matching given keys for referenced table "a"'
    assert [(f.span.start_line, f.message) for f in findings] == [
        (5, none),
        (6, none),
        (7, "number of referencing and referenced columns for foreign key disagree"),
    ]
    assert [r.name for r in schema.relations if r.name.startswith(("ok", "bad"))] == ["ok1", "ok2"]


def test_what_pgdrift_cannot_model_makes_no_errors_later() -> None:
    # A view over a user operator (not modelled) is reported and missing
    # from the model; statements naming it later are skipped with a warning,
    # not errors (the server made it). Temporary objects are not the schema's.
    sql = (
        "create table t (id int);\n"
        "create function my_eq(a int, b int) returns boolean language sql as $$ select a = b $$;\n"
        "create operator === (leftarg = int, rightarg = int, procedure = my_eq);\n"
        "create view v as select id from t where id === 1;\n"
        "comment on view v is 'x';\n"
        "alter view v rename to w;\n"
        "drop view w;\n"
        "create function pg_temp.tmp() returns int language sql as $$ select 1 $$;\n"
    )
    _schema, findings = build_schema([("x.sql", sql)])
    assert [f for f in findings if f.severity == "error"] == []
    assert [(f.span.start_line, f.code, f.severity) for f in findings] == [
        (3, "migration-unresolved", "warning"),
        (4, "migration-unresolved", "warning"),
        (5, "migration-unresolved", "warning"),
        (6, "migration-unresolved", "warning"),
        (7, "migration-skipped", "info"),
    ]


def test_create_index_concurrently_fails_in_a_file_of_several_statements() -> None:
    # A migration file is sent as one query: with more than one statement
    # the server runs them in a transaction block, where CONCURRENTLY fails.
    files = [
        ("1.sql", "create table t (a int, b int);"),
        ("2.sql", "create index concurrently t_a on t (a);"),
        ("3.sql", "create index concurrently t_b on t (b);\ncomment on table t is 'x';"),
    ]
    schema, findings = build_schema(files)
    assert [(f.span.path, f.code, f.message) for f in findings] == [
        (
            "3.sql",
            "migration-invalid",
            "CREATE INDEX CONCURRENTLY cannot run inside a transaction block",
        )
    ]
    t = schema.relation("public", "t")
    assert t is not None and t.comment == "x"


def test_a_check_naming_a_later_column_goes_with_that_column() -> None:
    # The check is analyzed once the table's columns are all known: it
    # depends on b, and dropping b drops it (the name is free again).
    sql = (
        "create table t (a int check (a < b), b int);\n"
        "alter table t drop column b;\n"
        "alter table t add constraint t_a_check check (a > 0);\n"
    )
    _schema, findings = build_schema([("x.sql", sql)])
    assert findings == []


def test_dropping_a_sequence_a_default_uses_fails_without_cascade() -> None:
    sql = (
        "create sequence s;\n"
        "create table t (id int default nextval('s'), n serial);\n"
        "drop sequence s;\n"
        "drop sequence t_n_seq;\n"
        "drop sequence s cascade;\n"
    )
    schema, findings = build_schema([("x.sql", sql)])
    depends = "because other objects depend on it"
    assert [(f.span.start_line, f.code, f.message) for f in findings] == [
        (2, "migration-invalid", f"cannot drop sequence s {depends}"),
        (3, "migration-invalid", f"cannot drop sequence t_n_seq {depends}"),
    ]
    t = schema.relation("public", "t")
    assert t is not None
    assert [c.default for c in t.columns] == [None, "nextval('t_n_seq'::regclass)"]


def test_dropping_what_other_objects_depend_on_fails_without_cascade() -> None:
    # As Postgres (dependent_objects_still_exist, 2BP01): the statement fails
    # and changes nothing while a policy, trigger, default, view, foreign
    # key or column depends on what it drops.
    sql = (
        "create function is_admin() returns boolean language sql stable as $$ select true $$;\n"
        "create function touch() returns trigger language plpgsql as $$ begin return new; end $$;\n"
        "create type mood as enum ('a', 'b');\n"
        "create table m (id int primary key);\n"
        "create table t (id int, mid int references m, flag boolean, feeling mood,"
        " code int default length(is_admin()::text));\n"
        "create policy admins on t using (is_admin());\n"
        "create policy sub on t using (exists (select 1 from m where m.id = t.mid));\n"
        "create policy flagged on t using (flag);\n"
        "create trigger t_touch before update on t for each row execute function touch();\n"
        "create view feelings as select feeling from t;\n"
        "create extension citext;\n"
        "create table c (e citext);\n"
        "create schema s;\n"
        "create table s.x (id int);\n"
        "drop function is_admin();\n"
        "drop function touch();\n"
        "drop type mood;\n"
        "drop table m;\n"
        "alter table t drop column flag;\n"
        "alter table t drop column feeling;\n"
        "drop extension citext;\n"
        "drop schema s;\n"
        "drop table t;\n"
        "drop function is_admin(), touch();\n"
        "do $$ begin drop type mood; exception when dependent_objects_still_exist then null; end $$;\n"
        "do $$ begin drop type mood; exception when undefined_object then null; end $$;\n"
    )
    schema, findings = build_schema([("x.sql", sql)])
    it = "because other objects depend on it"
    assert [(f.span.start_line, f.code, f.message) for f in findings] == [
        (14, "migration-invalid", f"cannot drop function is_admin() {it}"),
        (15, "migration-invalid", f"cannot drop function touch() {it}"),
        (16, "migration-invalid", f"cannot drop type mood {it}"),
        (17, "migration-invalid", f"cannot drop table m {it}"),
        (18, "migration-invalid", f"cannot drop column flag of table t {it}"),
        (19, "migration-invalid", f"cannot drop column feeling of table t {it}"),
        (20, "migration-invalid", f"cannot drop extension citext {it}"),
        (21, "migration-invalid", f"cannot drop schema s {it}"),
        (22, "migration-invalid", f"cannot drop table t {it}"),
        (
            23,
            "migration-invalid",
            "cannot drop desired object(s) because other objects depend on them",
        ),
        (25, "migration-invalid", f"cannot drop type mood {it}"),
    ]
    t = schema.relation("public", "t")
    assert t is not None
    assert [c.name for c in t.columns] == ["id", "mid", "flag", "feeling", "code"]
    assert [p.name for p in t.policies] == ["admins", "sub", "flagged"]
    assert t.columns[-1].default == "length((is_admin())::text)"
    assert {"is_admin", "citextin"} <= {f.name for f in schema.functions}
    assert [e.name for e in schema.enums] == ["mood"]
    assert {r.name for r in schema.relations} == {"m", "t", "feelings", "c"}


def test_drop_cascade_takes_what_depends_on_the_dropped_objects() -> None:
    sql = (
        "create function is_admin() returns boolean language sql stable as $$ select true $$;\n"
        "create function touch() returns trigger language plpgsql as $$ begin return new; end $$;\n"
        "create table m (id int primary key);\n"
        "create table t (id int, mid int references m, flag boolean,"
        " code int default length(is_admin()::text));\n"
        "create policy admins on t using (is_admin());\n"
        "create policy sub on t using (exists (select 1 from m where m.id = t.mid));\n"
        "create policy flagged on t using (flag);\n"
        "create trigger t_touch before update on t for each row execute function touch();\n"
        "create view admin_codes as select code, is_admin() as admin from t;\n"
        "create view admin_codes_2 as select code from admin_codes;\n"
        "drop function is_admin() cascade;\n"
        "drop function touch() cascade;\n"
        "drop table m cascade;\n"
        "alter table t drop column flag cascade;\n"
        "create function touch() returns trigger language plpgsql as $$ begin return new; end $$;\n"
        "create trigger t_touch before update on t for each row execute function touch();\n"
        "create policy flagged on t using (true);\n"
    )
    schema, findings = build_schema([("x.sql", sql)])
    assert findings == []
    t = schema.relation("public", "t")
    assert t is not None
    assert [(c.name, c.default) for c in t.columns] == [("id", None), ("mid", None), ("code", None)]
    assert [p.name for p in t.policies] == ["flagged"]
    assert [r.name for r in schema.relations] == ["t"]
    assert schema.foreign_keys == ()


def test_objects_dropped_together_and_automatic_dependents_need_no_cascade() -> None:
    sql = (
        "create table a (id int primary key);\n"
        "create table b (id int primary key, aid int references a, x int, y int,"
        " constraint xy check (x < y));\n"
        "create view v1 as select id from a;\n"
        "create view v2 as select id from v1;\n"
        "alter table b drop column x;\n"  # the check on x and y goes with x
        "alter table b add constraint xy check (y > 0);\n"
        "drop view v2, v1;\n"
        "drop table a, b;\n"
    )
    schema, findings = build_schema([("x.sql", sql)])
    assert findings == []
    assert schema.relations == ()


def test_changing_the_type_of_a_column_other_objects_use_fails_as_in_postgres() -> None:
    # ATExecAlterColumnType (0A000): a view, a policy (of any table), a
    # trigger or a generated column using the column; the first of them in
    # creation order names the reason. Indexes, checks and the column's own
    # generation expression are rebuilt. Then the checks before those
    # (42P16, 42809); the statement changes nothing.
    sql = (
        "create table t (a int, b text, c varchar(5), d int, f int,"
        " g int generated always as (f * 2) stored, h int check (h > 0), i int, j int);\n"
        "create view v as select a, c from t;\n"
        "alter table t alter column a type bigint;\n"
        "alter table t alter column c type varchar(10);\n"
        "create policy p on t using (d > 0);\n"
        "alter table t alter column d type bigint;\n"
        "alter table t alter column f type bigint;\n"
        "create function touch() returns trigger language plpgsql as $$ begin return new; end $$;\n"
        "create trigger tr before update of i on t for each row execute function touch();\n"
        "alter table t alter column i type bigint;\n"
        "create table o (x int);\n"
        "create policy po on o using (exists (select 1 from t where t.j = o.x));\n"
        "alter table t alter column j type bigint;\n"
        "create view w as select * from o;\n"
        "alter table o alter column x type bigint;\n"  # the policy came first
        "alter table t alter column g type bigint, alter column h type bigint;\n"
        "create index t_b on t (b);\n"
        "alter table t alter column b type varchar(20);\n"
        "alter table t alter column h type int, alter column a type int8;\n"
        "create table q (a int, b int);\n"
        "create table q1 (x int) inherits (q);\n"
        "create view vq as select b from q1;\n"
        "alter table q alter column b type bigint;\n"  # the child's view
        "alter table q1 alter column a type bigint;\n"
        "alter table only q alter column a type bigint;\n"
        "create table pt (a int, b int) partition by list (a);\n"
        "create table pt1 partition of pt for values in (1);\n"
        "alter table pt1 alter column b type bigint;\n"
        "alter table pt alter column b type bigint;\n"
        "alter table v alter column a type bigint;\n"
    )
    schema, findings = build_schema([("x.sql", sql)])
    view = "cannot alter type of a column used by a view or rule"
    policy = "cannot alter type of a column used in a policy definition"
    assert [(f.span.start_line, f.code, f.message) for f in findings] == [
        (2, "migration-invalid", view),
        (3, "migration-invalid", view),
        (5, "migration-invalid", policy),
        (6, "migration-invalid", "cannot alter type of a column used by a generated column"),
        (9, "migration-invalid", "cannot alter type of a column used in a trigger definition"),
        (12, "migration-invalid", policy),
        (14, "migration-invalid", policy),
        (18, "migration-invalid", view),
        (22, "migration-invalid", view),
        (23, "migration-invalid", 'cannot alter inherited column "a"'),
        (
            24,
            "migration-invalid",
            'type of inherited column "a" must be changed in child tables too',
        ),
        (27, "migration-invalid", 'cannot alter inherited column "b"'),
        (
            29,
            "migration-invalid",
            'ALTER action ALTER COLUMN ... SET DATA TYPE cannot be performed on relation "v"',
        ),
    ]

    def types(name: str) -> list[str]:
        rel = schema.relation("public", name)
        assert rel is not None
        return [c.type_display for c in rel.columns]

    assert types("t") == [
        "integer",
        "character varying(20)",
        "character varying(5)",
        "integer",
        "integer",
        "bigint",
        "bigint",
        "integer",
        "integer",
    ]
    assert types("o") == ["integer"]
    assert types("q") == types("q1")[:2] == ["integer", "integer"]
    assert types("pt") == types("pt1") == ["integer", "bigint"]


def test_dropping_the_key_a_foreign_key_uses_fails_without_cascade() -> None:
    # A foreign key depends on the unique index it uses (the first on its
    # columns, in creation order): DROP CONSTRAINT or DROP INDEX of it fails
    # (2BP01) and changes nothing without CASCADE, which takes the key. An
    # index a constraint owns is dropped with the constraint, never alone.
    sql = (
        "create table a (id int, k int);\n"
        "create unique index a_uidx on a (id);\n"
        "alter table a add primary key (id);\n"
        "create table b (x int references a, y int references a (id));\n"
        "alter table a drop constraint a_pkey;\n"
        "drop index a_uidx;\n"
        "alter index a_uidx rename to a_u2;\n"
        "alter table a rename constraint a_pkey to a_pk;\n"
        "create schema s;\n"
        "alter table a set schema s;\n"
        "drop index s.a_u2;\n"
        "alter table s.a drop constraint a_pk;\n"
        "drop index s.a_pk;\n"
        "drop index s.a_pk cascade;\n"
        "create table c (id int primary key, u int unique, parent int references c);\n"
        "create table d (x int references c (u));\n"
        "alter table c drop constraint c_pkey;\n"
        "alter table c drop constraint c_u_key;\n"
        "drop table public.c;\n"
        "alter table c drop constraint c_pkey cascade;\n"
        "alter table s.a drop constraint a_pk cascade;\n"
        "drop index s.a_u2 cascade;\n"
    )
    schema, findings = build_schema([("x.sql", sql)])
    it = "because other objects depend on it"
    assert [(f.span.start_line, f.code, f.message) for f in findings] == [
        (4, "migration-invalid", f"cannot drop constraint a_pkey on table a {it}"),
        (5, "migration-invalid", f"cannot drop index a_uidx {it}"),
        (10, "migration-invalid", f"cannot drop index s.a_u2 {it}"),
        (11, "migration-invalid", f"cannot drop constraint a_pk on table s.a {it}"),
        (
            12,
            "migration-invalid",
            "cannot drop index s.a_pk because constraint a_pk on table s.a requires it",
        ),
        (
            13,
            "migration-invalid",
            "cannot drop index s.a_pk because constraint a_pk on table s.a requires it",
        ),
        (16, "migration-invalid", f"cannot drop constraint c_pkey on table c {it}"),
        (17, "migration-invalid", f"cannot drop constraint c_u_key on table c {it}"),
        (18, "migration-invalid", f"cannot drop table c {it}"),
    ]
    # The CASCADEs took c's own key and b's two keys; d's uses c_u_key.
    assert [(fk.table, fk.name) for fk in schema.foreign_keys] == [("d", "d_x_fkey")]
    c = schema.relation("public", "c")
    assert c is not None and c.primary_key == () and c.unique_keys == (("u",),)


def test_foreign_keys_need_comparable_column_types() -> None:
    # 42804 when no equality operator of the referenced key's operator family
    # takes both types and no implicit cast joins them; ALTER COLUMN TYPE
    # adds the keys on the column back once all its columns changed.
    sql = (
        "create domain did as int;\n"
        "create table p (id int primary key, u uuid unique, n numeric unique, ts timestamptz unique);\n"
        "create table a (x text references p);\n"
        "create table b (x did references p, y varchar references p (u));\n"
        "create table c (x bigint references p, y int references p (n), z date references p (ts));\n"
        "alter table c add constraint c_bad foreign key (y) references p (u);\n"
        "alter table c add foreign key (z) references p (id);\n"
        "alter table c alter column x type smallint;\n"
        "alter table p alter column n type text;\n"
        "create table f (id int primary key, parent int references f);\n"
        "alter table f alter column id type text;\n"
        "alter table f alter column id type bigint, alter column parent type text;\n"
        "alter table f alter column id type text, alter column parent type varchar;\n"
    )
    schema, findings = build_schema([("x.sql", sql)])
    assert [(f.span.start_line, f.code, f.message) for f in findings] == [
        (
            2,
            "migration-invalid-reference",
            'foreign key constraint "a_x_fkey" cannot be implemented',
        ),
        (
            3,
            "migration-invalid-reference",
            'foreign key constraint "b_y_fkey" cannot be implemented',
        ),
        (5, "migration-invalid-reference", 'foreign key constraint "c_bad" cannot be implemented'),
        (
            6,
            "migration-invalid-reference",
            'foreign key constraint "c_z_fkey1" cannot be implemented',
        ),
        (
            8,
            "migration-invalid-reference",
            'foreign key constraint "c_y_fkey" cannot be implemented',
        ),
        (
            10,
            "migration-invalid-reference",
            'foreign key constraint "f_parent_fkey" cannot be implemented',
        ),
        (
            11,
            "migration-invalid-reference",
            'foreign key constraint "f_parent_fkey" cannot be implemented',
        ),
    ]
    assert {r.name for r in schema.relations} == {"p", "c", "f"}
    p, c, f = (schema.relation("public", n) for n in ("p", "c", "f"))
    assert p is not None and c is not None and f is not None
    assert [col.type_display for col in p.columns] == [
        "integer",
        "uuid",
        "numeric",
        "timestamp with time zone",
    ]
    assert [col.type_display for col in c.columns] == ["smallint", "integer", "date"]
    assert [col.type_display for col in f.columns] == ["text", "character varying"]
    assert sorted(fk.name for fk in schema.foreign_keys) == [
        "c_x_fkey",
        "c_y_fkey",
        "c_z_fkey",
        "f_parent_fkey",
    ]


def test_unnamed_indexes_are_named_as_postgres_names_them() -> None:
    sql = (
        "create table t (a int, b text);\n"
        "create index on t (a, b);\n"
        "create index on t (lower(b));\n"
        "create index on t ((a + 1), (b || 'x'));\n"
        "create index on t (a) include (b);\n"
        "create index on t (a, a);\n"
        "drop index t_a_b_idx, t_lower_idx, t_expr_expr1_idx, t_a_b_idx1, t_a_a1_idx;\n"
    )
    _, findings = build_schema([("x.sql", sql)])
    assert findings == []


def test_identifiers_are_truncated_to_63_bytes() -> None:
    long_table = "a_very_long_table_name_that_goes_on_and_on_and_on_past_sixty_three_chars"
    long_policy = "Account users can be deleted by owners except primary account owner"
    sql = (
        f"create table {long_table} (id serial primary key, e text unique);\n"
        f'create policy "{long_policy}" on {long_table} for delete using (true);\n'
        f"alter table {long_table}_and_more add column z int;\n"
        "create type \"éééééééééééééééééééééééééééééééééééééé\" as enum ('x');\n"
    )
    schema, findings = build_schema([("x.sql", sql)])
    cut = long_table[:63]
    t = schema.relation("public", cut)
    assert t is not None
    assert [c.name for c in t.columns] == ["id", "e", "z"]
    assert [p.name for p in t.policies] == [long_policy[:63]]
    # Names Postgres makes up are cut to fit as well (makeObjectName).
    assert t.columns[0].default == (
        "nextval('a_very_long_table_name_that_goes_on_and_on_and_on_past_s_id_seq'::regclass)"
    )
    # 31 two-byte characters: the 32nd would not fit whole.
    assert [e.name for e in schema.enums] == ["é" * 31]
    assert [(f.code, f.severity, f.span) for f in findings] == [
        ("migration-identifier-truncated", "info", Span("x.sql", 0, 13, 0, 85)),
        ("migration-identifier-truncated", "info", Span("x.sql", 1, 14, 1, 83)),
        ("migration-identifier-truncated", "info", Span("x.sql", 1, 87, 1, 159)),
        ("migration-identifier-truncated", "info", Span("x.sql", 2, 12, 2, 93)),
        ("migration-identifier-truncated", "info", Span("x.sql", 3, 12, 3, 52)),
    ]
    assert findings[0].message == f'identifier "{long_table}" will be truncated to "{cut}"'


# --- DO blocks --------------------------------------------------------------


def test_do_blocks_of_plain_ddl_and_exception_handlers_are_modelled() -> None:
    sql = (
        "do $$ begin create type public.r as enum ('a', 'b'); end $$;\n"
        "do $$ begin\n"
        "  create type public.r as enum ('x');\n"
        "exception when duplicate_object then null;\n"
        "end $$;\n"
        "do $$ begin create table public.t (id int primary key, r public.r); end $$;\n"
        "do $$ begin\n"
        "  alter table t add column note text;\n"
        "  create table t (id int);\n"
        "exception when duplicate_table then raise notice 'exists';\n"
        "end $$;\n"
    )
    schema, findings = build_schema([("x.sql", sql)])
    assert findings == []
    (r,) = schema.enums
    assert r.labels == ("a", "b")
    t = schema.relation("public", "t")
    assert t is not None
    # The handled error rolled the whole block back, the column too.
    assert [c.name for c in t.columns] == ["id", "r"]
    # Objects point at the statement inside the block.
    assert r.span == Span("x.sql", 0, 12, 0, 52)


def test_do_block_guards_are_decided_from_the_state() -> None:
    sql = (
        "create table public.t (id int primary key);\n"
        "do $$ begin\n"
        "  if not exists (select 1 from pg_type where typname = 'r') then\n"
        "    create type public.r as enum ('a', 'b');\n"
        "  end if;\n"
        "  if not exists (select 1 from pg_type t join pg_namespace n on n.oid = t.typnamespace\n"
        "                 where t.typname = 'r' and n.nspname = 'public') then\n"
        "    create type public.r as enum ('never');\n"
        "  end if;\n"
        "  if not exists (select 1 from information_schema.columns\n"
        "      where table_schema = 'public' and table_name = 't' and column_name = 'r') then\n"
        "    alter table public.t add column r public.r;\n"
        "  end if;\n"
        "  if to_regclass('public.t') is not null\n"
        "     and not exists (select from pg_constraint where conname = 't_r_check') then\n"
        "    alter table public.t add constraint t_r_check check (r <> 'b');\n"
        "  elsif true then\n"
        "    create table never (id int);\n"
        "  end if;\n"
        "  if not exists (select from pg_policies where policyname = 'p' and tablename = 't') then\n"
        "    create policy p on public.t using (true);\n"
        "  end if;\n"
        "end $$;\n"
    )
    schema, findings = build_schema([("x.sql", sql)])
    assert findings == []
    assert [(e.name, e.labels) for e in schema.enums] == [("r", ("a", "b"))]
    assert [r.name for r in schema.relations] == ["t"]
    t = schema.relation("public", "t")
    assert t is not None and [c.name for c in t.columns] == ["id", "r"]
    assert [p.name for p in t.policies] == ["p"]


def test_do_blocks_beyond_static_knowledge_stay_unmodelled() -> None:
    sql = (
        "do $$ begin\n"
        "  if not exists (select from pg_roles where rolname = 'x') then\n"
        "    create table t (id int);\n"
        "  end if;\n"
        "end $$;\n"
        "do $$ declare n int; begin create table u (id int); end $$;\n"
        "do $$ begin create table v (id int); execute 'select 1'; end $$;\n"
        "do $$ begin if (select count(*) from pg_class) > 0 then create table w (); end if; end $$;\n"
        "do language plv8 $$ plv8.execute('create table x ()') $$;\n"
    )
    schema, findings = build_schema([("x.sql", sql)])
    assert schema.relations == ()
    assert codes(findings) == ["migration-unmodelled"] * 5
    assert [f.span.start_line for f in findings] == [0, 5, 6, 7, 8]
    assert "pg_roles" in findings[0].message


def test_do_blocks_without_schema_changes_are_ignored() -> None:
    sql = (
        "do $$ begin\n"
        "  if not exists (select from pg_roles where rolname = 'x') then\n"
        "    create role x;\n"
        "  end if;\n"
        "  perform pg_notify('c', 'x');\n"
        "  raise notice 'done';\n"
        "end $$;\n"
    )
    assert build_schema([("x.sql", sql)])[1] == []


def test_errors_inside_do_blocks_are_reported_where_they_are() -> None:
    long_name = "a_very_long_table_name_that_goes_on_and_on_and_on_past_sixty_three_chars"
    sql = (
        "do $$\n"
        "begin\n"
        "  create table a (id int);\n"
        "  create table a (id int);\n"
        "exception when duplicate_object then null;\n"
        "end $$;\n"
        f"do $$ begin create table {long_name} (id int); end $$;\n"
    )
    schema, findings = build_schema([("x.sql", sql)])
    # duplicate_object does not catch duplicate_table: the block fails whole.
    assert [r.name for r in schema.relations] == [long_name[:63]]
    assert [(f.code, f.span) for f in findings] == [
        ("migration-duplicate-object", Span("x.sql", 3, 2, 3, 26)),
        ("migration-identifier-truncated", Span("x.sql", 6, 25, 6, 97)),
    ]
    assert findings[0].message == 'relation "a" already exists'


# --- extensions -------------------------------------------------------------


def test_extensions_without_a_stand_in_are_skipped_as_shadow_replay_skips_them() -> None:
    sql = (
        'create extension if not exists "pgsodium" with schema "pgsodium";\n'
        "create extension plv8;\n"
        "drop extension plv8;\n"
        "create table t (id int);\n"
    )
    schema, findings = build_schema([("x.sql", sql)])
    assert [r.name for r in schema.relations] == ["t"]
    assert [(f.code, f.severity, f.span.start_line) for f in findings] == [
        ("migration-skipped", "info", 0),
        ("migration-skipped", "info", 1),
        ("migration-skipped", "info", 2),
    ]
    assert findings[0].message.startswith("CREATE EXTENSION pgsodium: skipped")


def test_platform_extensions_may_be_created_again_project_ones_not() -> None:
    from pgdrift.sources.migrations import SUPABASE_SEARCH_PATH, supabase_prelude

    def run(sql: str, supabase: bool) -> list[MigrationFinding]:
        return build_schema(
            [("x.sql", sql)],
            search_path=SUPABASE_SEARCH_PATH if supabase else ("public",),
            prelude=supabase_prelude() if supabase else "",
        )[1]

    # Supabase installs pg_cron's stand-in up front: a plain CREATE is accepted.
    assert run("create extension pg_cron;\ncreate extension pg_cron;\n", supabase=True) == []
    # Without the platform, the project's own first CREATE counts.
    (again,) = run("create extension pg_cron;\ncreate extension pg_cron;\n", supabase=False)
    assert again.span.start_line == 1
    assert again.message == 'extension "pg_cron" already exists'
    assert run("create extension pg_cron;\ncreate extension if not exists pg_cron;\n", False) == []


def test_dollar_quoted_bodies_are_kept_as_written() -> None:
    # The file's tokenizer sees long bodies blanked; the parse must not.
    body = "\n  select $x$ 'a' $x$ || $1; -- $$ inside a tagged body\n"
    text = (
        f"create function public.f(text) returns text language sql as $fn${body}$fn$;\n"
        "create function public.g() returns int language sql as $$ select 1 $$;\n"
        "comment on function public.g() is $c$it's $$ fine$c$;\n"
    )
    from pgdrift.sources import ddl as D

    ops = [op for op, _loc in parse_file(text).ops]
    assert [type(op).__name__ for op in ops] == ["CreateFunction", "CreateFunction", "Comment"]
    f, g, comment = ops
    assert isinstance(f, D.CreateFunction) and f.body == body
    assert isinstance(g, D.CreateFunction) and g.body == " select 1 "
    assert isinstance(comment, D.Comment) and comment.text == "it's $$ fine"


# gram.y's restricted b_expr (a column's or a domain's DEFAULT, BETWEEN's lower
# bound, POSITION's arguments) next to its a_expr (ALTER ... SET DEFAULT, a
# function argument's DEFAULT). A case marks with "«" the token Postgres's
# "syntax error at or near" names; unmarked cases parse.
_B_EXPR_SETUP = "create table p (a int) partition by range (a); create type ty as (a int);"
_B_EXPR_CASES = [
    # b_expr has no AT TIME ZONE, NOT, AND, OR, IS [NOT] NULL / TRUE / FALSE /
    # UNKNOWN, ISNULL, NOTNULL, IN, BETWEEN, LIKE, ILIKE, SIMILAR TO, ANY / ALL.
    "create table t (a timestamp default now() «at time zone 'utc')",
    "create table t (a timestamptz default current_timestamp «at time zone 'utc')",
    "create table t (a text default 'x' «at)",
    "create table t (a timestamp default now() «at local)",
    "create table t (a boolean default 'x' is «json)",
    "create table t (a boolean default «not false)",
    "create table t (a int default 1 + «not 1)",
    "create table t (a int default - «not 1)",
    "create table t (a int default 1 operator(pg_catalog.+) «not 1)",
    "create table t (a boolean default true «and false)",
    "create table t (a boolean default true «or false)",
    "create table t (a boolean default 1 is «null)",
    "create table t (a boolean default 1 is not «null)",
    "create table t (a boolean default 1 «isnull)",
    "create table t (a boolean default 1 «notnull)",
    "create table t (a boolean default true is «true)",
    "create table t (a boolean default true is not «false)",
    "create table t (a boolean default null is «unknown)",
    "create table t (a int default 1 is«)",
    "create table t (a int default 1 is distinct«)",
    "create table t (a boolean default 1 is distinct «2)",
    "create table t (a boolean default 1 «in (1, 2))",
    "create table t (a boolean default 1 «not in (1, 2))",
    "create table t (a boolean default 1 «between 0 and 2)",
    "create table t (a boolean default 1 «not between 0 and 2)",
    "create table t (a boolean default 'a' «like 'b')",
    "create table t (a boolean default 'a' «not like 'b')",
    "create table t (a boolean default 'a' «ilike 'b')",
    "create table t (a boolean default 'a' «similar to 'b')",
    "create table t (a boolean default 1 = «any (array[1]))",
    "create table t (a boolean default 1 = «some (array[1]))",
    "create table t (a boolean default 1 = «all ('{1}'))",
    # Comparisons and IS do not chain (%nonassoc).
    "create table t (a boolean default 1 < 2 «< 3)",
    "create table t (a boolean default 1 < 2 «= true)",
    "create table t (a boolean default 1 is distinct from 2 «is distinct from true)",
    # Every place that takes a column definition, and CREATE DOMAIN.
    "create table t (a int); alter table t add column b boolean default «not false",
    "create table t (a int); alter table t add b timestamp default now() «at time zone 'utc'",
    "create table t (a int); alter table t add b boolean default 1 is «null",
    "create table c partition of p (a default 1 is «null) for values from (1) to (3)",
    "create table c partition of p (a with options default «not false) for values from (1) to (3)",
    "create table tt of ty (a default 1 is «null)",
    "create foreign table ft (a boolean default «not false) server s",
    "create table c (a int default 1 «in (1)) partition by range (a)",
    "create domain d as boolean default «not false",
    "create domain d as timestamp default now() «at time zone 'utc'",
    "create domain d as boolean default 1 is «null",
    "create domain d as boolean default true «and false",
    # What b_expr takes.
    "create table t (a boolean default 1 < 2, b boolean default 1 <> 2 not null)",
    "create table t (a boolean default 1 is distinct from 2)",
    "create table t (a boolean default 1 + 2 is not distinct from 3 - 1)",
    "create table t (a boolean default 1 = 2 is distinct from true)",
    "create table t (a boolean default 1 operator(pg_catalog.=) 2 = true)",
    "create table t (a int default -1::int, b int default +1, c int default @ -1)",
    "create table t (a int default 1 + - 2 * 3 ^ 2, b int default 1 & 3 | 4 # 5)",
    "create table t (a boolean default (not false), b boolean default (1 is null))",
    "create table t (a timestamp default (now() at time zone 'utc'))",
    "create table t (a boolean default (1 < 2) = true)",
    "create table t (a int default (array[1, 2])[1], b int[] default '{1}'::int[])",
    "create table t (a int default case when 1 is null and true then 1 else 2 end)",
    "create table t (a boolean[] default array[true and false, 1 in (1)])",
    "create table t (a int default coalesce(null, 1 + 1), b interval default interval '1 day')",
    "create table t (a text default 'a' collate \"C\" not null unique, b text default 'x' || 'y')",
    "create table t (a text default ('a' collate \"C\"), b int default position('a' in 'abc'))",
    "create table t (a int default 1 not null check (a > 0), b int default 1 null)",
    "create domain d as text default 'a' collate \"C\" not null",
    "create domain d as boolean default 1 is not distinct from 2",
    # ALTER ... SET DEFAULT and a function argument's DEFAULT take an a_expr.
    "create table t (a boolean); alter table t alter column a set default 1 is null",
    "create table t (a boolean); alter table t alter a set default not true and 1 in (1)",
    "create table t (a timestamp); alter table t alter a set default now() at time zone 'utc'",
    "create domain d as boolean; alter domain d set default 1 is null or false",
    "create function f(a boolean default not false, b boolean = 1 is null) returns int"
    " language sql as 'select 1'",
    # BETWEEN's lower bound and POSITION's arguments are b_exprs too.
    "create table t (a boolean check (a between false is distinct from true and true))",
    "create table t (a boolean check (a between symmetric true and false and a))",
    "create table t (a int check (a not between 1::int and (2 is not null)::int + 1))",
    "create table t (a text check (a between 'a' «collate \"C\" and 'b'))",
    "create table t (a timestamp check (a between now() «at time zone 'utc' and now()))",
    "create table t (a boolean check (a between «not false and true))",
    "create table t (a boolean check (a between false < true «< true and true))",
    "create table t (a text check (position('a' || 'b' in 'c' || a) > 0 and a like 'x%'))",
    "create table t (a text check (position((a is null)::text in 'x') > 0))",
    "create table t (a text check (position('a' «collate \"C\" in 'b') > 0))",
    "create table t (a text check (position('a' in 'b' «and true) > 0))",
    "create table t (a text check (position(«not 'a' in 'b') > 0))",
]


def test_restricted_expressions_fail_where_postgres_fails(make_db: Callable[..., str]) -> None:
    url = make_db(_B_EXPR_SETUP)
    with psycopg.connect(url) as conn:
        for case in _B_EXPR_CASES:
            sql = case.replace("«", "")
            expected = None
            if "«" in case:
                col = case.index("«")
                near = re.match(r"\w+|[^\w\s]", sql[col:])
                assert near is not None
                expected = (f'syntax error at or near "{near[0]}"', col)
            # The real server, each case in a transaction rolled back.
            server = None
            try:
                conn.execute(sql)  # type: ignore[arg-type]
            except psycopg.errors.SyntaxError as exc:
                position = exc.diag.statement_position
                assert position is not None
                server = (exc.diag.message_primary, int(position) - 1)
            except psycopg.Error:
                pass  # parsed; failed later (no server "s" for the foreign table)
            finally:
                conn.rollback()
            assert server == expected, case
            # The static source, one line below the setup.
            _, findings = build_schema([("x.sql", f"{_B_EXPR_SETUP}\n{sql};\n")])
            errors = [
                (f.message, f.span.start_col)
                for f in findings
                if f.code == "migration-syntax-error" and f.span.start_line == 1
            ]
            assert errors == ([expected] if expected else []), case


def test_an_unclosed_operator_call_is_a_syntax_error_not_a_hang() -> None:
    for sql in (
        "create table t (a int check (a operator(+",
        "create table t (a int default 1 operator(+",
    ):
        _, findings = build_schema([("x.sql", sql)])
        assert [(f.code, f.message) for f in findings] == [
            ("migration-syntax-error", 'syntax error: expected ")" at or near end of input')
        ]


# --- expressions Postgres rejects ---------------------------------------------

# (setup, statement, finding code, message): the statement fails on the server
# with that message (checked by the test below against a real server) for a
# name that certainly does not exist, or an enum label the type lacks.
_REJECTED: list[tuple[str, str, str, str]] = [
    (
        "create table t1 (x int);\ncreate table t2 (y int);",
        "create policy p on t2 using (t1.x > 0);",
        "migration-unknown-relation",
        'missing FROM-clause entry for table "t1"',
    ),
    (
        "create table t (a int);",
        "create view v as select t9.a from t;",
        "migration-unknown-relation",
        'missing FROM-clause entry for table "t9"',
    ),
    (
        "create table t (a int);",
        "create view v as select 1 from t where exists (select 1 from t u where z.a = u.a);",
        "migration-unknown-relation",
        'missing FROM-clause entry for table "z"',
    ),
    (
        "",
        "create table t (id int, a int default x.y);",
        "migration-invalid",
        "cannot use column reference in DEFAULT expression",
    ),
    (
        "create table t (a int);",
        "create policy p on t using (nope = 1);",
        "migration-unknown-column",
        'column "nope" does not exist',
    ),
    (
        "create table t (a int);\nalter table t rename column a to b;",
        "create view v as select a from t;",
        "migration-unknown-column",
        'column "a" does not exist',
    ),
    (
        "create table t (a int);",
        "create view v as select t.nope from t;",
        "migration-unknown-column",
        "column t.nope does not exist",
    ),
    (
        "create table t (a int);",
        "create view v as select a from t where a in (select nope from t);",
        "migration-unknown-column",
        'column "nope" does not exist',
    ),
    (
        "",
        "create domain d as int check (nope > 0);",
        "migration-unknown-column",
        'column "nope" does not exist',
    ),
    (
        "",
        "create table t (a int check (nope > 0));",
        "migration-unknown-column",
        'column "nope" does not exist',
    ),
    (
        "",
        "create table t (a int, b int generated always as (nope + 1) stored);",
        "migration-unknown-column",
        'column "nope" does not exist',
    ),
    (
        "",
        "create table t (id serial primary key, a int default nope);",
        "migration-invalid",
        "cannot use column reference in DEFAULT expression",
    ),
    (
        "create table t (a int);",
        "create trigger tr before insert on t for each row execute function nope();",
        "migration-unknown-function",
        "function nope() does not exist",
    ),
    (
        "create table t (a int);\ncreate procedure p() language sql as 'select 1';",
        "create trigger tr before insert on t for each row execute function public.p();",
        "migration-unknown-function",
        "function public.p() does not exist",
    ),
    (
        "create table t (a int);\ncreate function f() returns int language sql as 'select 1';",
        "create trigger tr before insert on t for each row execute function f();",
        "migration-invalid",
        "function f must return type trigger",
    ),
    (
        "create table t (a int);",
        "create trigger tr before insert on t for each row execute function now();",
        "migration-invalid",
        "function now must return type trigger",
    ),
    (
        "create type e as enum ('a');",
        "create table t (id serial primary key, x e default 'b');",
        "migration-invalid",
        'invalid input value for enum e: "b"',
    ),
    (
        "create type e as enum ('a');\ncreate table t (x e);",
        "create policy p on t using (x = 'b'::e);",
        "migration-invalid",
        'invalid input value for enum e: "b"',
    ),
    (
        "create schema s;\ncreate type s.e as enum ('a');\ncreate table t (x s.e);",
        "create view v as select x from t where x in ('a', 'b');",
        "migration-invalid",
        'invalid input value for enum s.e: "b"',
    ),
    (
        "create type e as enum ('a');",
        "create function f(x e default 'b') returns int language sql as 'select 1';",
        "migration-invalid",
        'invalid input value for enum e: "b"',
    ),
    (
        "create type e as enum ('a');\nalter type e add value 'b';",
        "create table t (x e check (x <> 'b'));",
        "migration-invalid",
        'unsafe use of new value "b" of enum type e',
    ),
    (
        "create table t (a int);",
        "create view v as select * from nope;",
        "migration-unknown-relation",
        'relation "nope" does not exist',
    ),
    (
        "create table t (a int);",
        "create policy p on t using (exists (select 1 from nope.t));",
        "migration-unknown-relation",
        'relation "nope.t" does not exist',
    ),
    (
        "",
        "create table t (a int default nope(1));",
        "migration-unknown-function",
        "function nope(integer) does not exist",
    ),
    (
        "create table t (a int);",
        "create view v as select nope(a, 'x', b => null) from t;",
        "migration-unknown-function",
        "function nope(integer, unknown, b => unknown) does not exist",
    ),
    (
        "create table t (a int);",
        "alter table t add constraint c check (public.nope(a));",
        "migration-unknown-function",
        "function public.nope(integer) does not exist",
    ),
    (
        "create table t (a int);",
        "create view v as select nope.f(a) from t;",
        "migration-unknown-schema",
        'schema "nope" does not exist',
    ),
    (
        "create table t (a int);",
        "create view v as select a::nope(3)[][] from t;",
        "migration-unknown-type",
        'type "nope[]" does not exist',
    ),
    (
        "",
        "create table t (a int default 1::public.nope);",
        "migration-unknown-type",
        'type "public.nope" does not exist',
    ),
]


def test_expressions_postgres_rejects_fail_their_statement_and_change_nothing() -> None:
    for setup, statement, code, message in _REJECTED:
        lines = setup.count("\n") + 1
        before, findings = build_schema([("x.sql", setup + "\n")])
        assert [f for f in findings if f.code != "migration-empty-file"] == [], setup
        after, findings = build_schema([("x.sql", f"{setup}\n{statement}\n")])
        assert [(f.span.start_line, f.code, f.severity, f.message) for f in findings] == [
            (lines, code, "error", message)
        ], statement
        assert after == before, statement


def test_expressions_postgres_rejects_fail_as_on_the_server(make_db: Callable[..., str]) -> None:
    sqlstates = {
        "migration-unknown-column": "42703",
        "migration-unknown-function": "42883",
        "migration-unknown-relation": "42P01",
        "migration-unknown-schema": "3F000",
        "migration-unknown-type": "42704",
    }
    with psycopg.connect(make_db()) as conn:
        for setup, statement, code, message in _REJECTED:
            if setup:
                conn.execute(setup)  # type: ignore[arg-type]
            with pytest.raises(psycopg.Error) as failed:
                conn.execute(statement)  # type: ignore[arg-type]
            conn.rollback()
            assert failed.value.diag.message_primary == message, statement
            if code in sqlstates:
                assert failed.value.sqlstate == sqlstates[code], statement


def test_a_failed_create_table_leaves_no_sequence_index_or_constraint_name() -> None:
    sql = (
        "create type e as enum ('a');\n"
        "create table t (id serial primary key, x e default 'b' check (x is not null));\n"
        "create sequence t_id_seq;\n"
        "create table t_pkey (a int);\n"
        "create table t (id int constraint t_x_check check (id > 0));\n"
    )
    schema, findings = build_schema([("x.sql", sql)])
    assert [(f.span.start_line, f.message) for f in findings] == [
        (1, 'invalid input value for enum e: "b"')
    ]
    assert [r.name for r in schema.relations] == ["t_pkey", "t"]


def test_expression_failures_inside_do_blocks_reach_their_handlers() -> None:
    sql = (
        "create table t (a int);\n"
        "do $$ begin\n"
        "  create policy p on t using (nope = 1);\n"
        "exception when undefined_column then\n"
        "  create policy p on t using (a = 1);\n"
        "end $$;\n"
    )
    schema, findings = build_schema([("x.sql", sql)])
    assert findings == []
    t = schema.relation("public", "t")
    assert t is not None and [p.using for p in t.policies] == ["(a = 1)"]


def test_new_enum_labels_are_usable_once_committed() -> None:
    files = [
        ("1.sql", "create type e as enum ('a');\nalter type e add value 'b';\n"),
        ("2.sql", "create table t (x e default 'b');\n"),
        ("3.sql", "alter type e add value 'c';\ncommit;\ncreate table u (x e default 'c');\n"),
    ]
    assert build_schema(files)[1] == []
    # From Postgres 17 on, also in the transaction that created the type.
    sql = "create type e as enum ('a');\nalter type e add value 'b';\ncreate table t (x e default 'b');"
    assert build_schema([("x.sql", sql)], server_version=17)[1] == []
    assert [f.message for f in build_schema([("x.sql", sql)], server_version=15)[1]] == [
        'unsafe use of new value "b" of enum type e'
    ]


def test_names_pgdrift_may_not_know_are_not_failures() -> None:
    # What Postgres accepts, or pgdrift cannot be sure it rejects: a missing
    # name after a statement pgdrift does not model, where stand-ins or the
    # platform may have more, a later server's builtins, syntax that looks
    # like a call, a recursive CTE, system columns, output names.
    cases = [
        "create table t (a int);\n"
        "do $$ begin execute 'create table hidden (x int)'; end $$;\n"
        "create view v as select x from hidden;",
        "create table t (a int);\n"
        "create aggregate mysum(int) (sfunc = int4pl, stype = int);\n"
        "create view v as select mysum(a) from t;",
        "select 1 as x into temp tmp;\ncreate view v as select x from tmp;",
        "create extension intagg;\ncreate table t (a int);\n"
        "create view v as select int_array_aggregate(a) from t;",
        "create extension pg_stat_statements;\ncreate view v as select * from pg_stat_statements;",
        "create extension vector;\ncreate table t (e vector(3));\n"
        "create view v as select subvector(e, 1, 2) as s from t;",
        "create table t (a int);\ncreate view v as select grouping(a) from t group by a;",
        "create table t (a int, b int);\n"
        "create view v as select a, b, count(*) from t group by rollup(a, b);",
        "create view v as with recursive r(n) as"
        " (select 1 union all select n + 1 from r where n < 3) select n from r;",
        "create table t (a int);\ncreate policy p on t using (tableoid > 0 and ctid is not null);",
        "create table t (a int, b int);\n"
        "create view v as select distinct on (x) a as x, b from t order by x;",
        "set search_path = public, pg_catalog;\ncreate view v as select relname from pg_class;",
        # A type's name called with one argument is a cast.
        "create type mood as enum ('happy');\ncreate view v as select mood('happy') as m;",
        "create view v as select uuid('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11') as u;",
        # An array type's own name.
        "create type mood as enum ('a');\ncreate view v as select '{a}'::_mood as m;",
        "import foreign schema remote from server s into public;\n"
        "create view v as select x from imported;",
        "create type e as enum ('a');\ncreate table t (x e);\n"
        "update pg_enum set enumlabel = 'b' where enumlabel = 'a';\n"
        "create view v as select x from t where x = 'b';",
    ]
    for sql in cases:
        _, findings = build_schema([("x.sql", sql)])
        assert [f for f in findings if f.severity == "error"] == [], sql
    later = "create table t (a int);\ncreate view v as select any_value(a) from t;"
    (kept,) = build_schema([("x.sql", later)], server_version=17)[1]
    assert kept.severity == "info"  # the view is kept, its columns from sqlglot
    assert [f.message for f in build_schema([("x.sql", later)], server_version=15)[1]] == [
        "function any_value(integer) does not exist"
    ]


def test_the_supabase_platform_has_more_than_its_stand_ins() -> None:
    from pgdrift.sources.migrations import SUPABASE_SEARCH_PATH, supabase_prelude

    def errors(sql: str) -> list[str]:
        _, findings = build_schema(
            [("x.sql", sql)], search_path=SUPABASE_SEARCH_PATH, prelude=supabase_prelude()
        )
        return [f.message for f in findings if f.severity == "error"]

    assert errors("create table t (a int);\ncreate policy p on t using (auth.nope());") == []
    assert errors("create view v as select is_anonymous from auth.users;") == []
    assert errors("create view v as select * from extensions.pg_stat_statements;") == []
    # The project's own schemas and the functions it calls unqualified are known.
    assert errors("create table t (a int);\ncreate policy p on t using (nope());") == [
        "function nope() does not exist"
    ]
    assert errors("create table t (a int);\ncreate policy p on t using (t.id = auth.uid());") == [
        "column t.id does not exist"
    ]


def test_virtual_generated_columns_of_postgres_18() -> None:
    # As Postgres 18 reports them (checked with `pgdrift diff migrations
    # shadow` on an embedded 18): a virtual column, said or by default, is a
    # column whose default is the expression; STORED stays generated.
    sql = (
        "create table t (id int primary key,"
        " a int generated always as (id + 1) virtual,"
        " b int generated always as (id * 2),"
        " c int generated always as (id - 1) stored);"
    )
    for version, b_stored in ((18, False), (17, True)):
        schema, findings = build_schema([("x.sql", sql)], server_version=version)
        assert findings == []
        t = schema.relation("public", "t")
        assert t is not None
        assert [(c.name, c.default, c.generated) for c in t.columns[1:]] == [
            ("a", "(id + 1)", False),
            ("b", "(id * 2)", b_stored),
            ("c", "(id - 1)", True),
        ]


def test_attached_partitions_share_identity_columns_from_postgres_17() -> None:
    # As an embedded Postgres 18 reports them (`pgdrift diff migrations
    # shadow`): attached, a partition takes the parent's identity; detached,
    # it loses it. Before 17, partitions have no identity.
    sql = (
        "create table p (id bigint generated always as identity, d date not null)"
        " partition by range (d);\n"
        "create table p1 (id bigint not null, d date not null);\n"
        "alter table p attach partition p1 for values from ('2024-01-01') to ('2025-01-01');\n"
        "create table p2 (id bigint not null, d date not null);\n"
        "alter table p attach partition p2 for values from ('2025-01-01') to ('2026-01-01');\n"
        "alter table p detach partition p2;\n"
    )
    for version, attached in ((17, "ALWAYS"), (15, None)):
        schema, findings = build_schema([("x.sql", sql)], server_version=version)
        assert findings == []
        identities = {
            r.name: r.columns[0].identity for r in schema.relations if r.name in ("p1", "p2")
        }
        assert identities == {"p1": attached, "p2": None}, version


def test_views_typed_by_sqlglot_name_their_columns_as_postgres_does() -> None:
    # Queries pgdrift's own analysis does not cover (WITH RECURSIVE, ROLLUP,
    # jsonb subscripts) get sqlglot's approximate types, but the names
    # Postgres gives them (as Postgres 18 names them, seen with `pgdrift diff
    # migrations shadow`), not sqlglot's _col_N.
    sql = (
        "create table t (id int primary key, p int, meta jsonb, name text);\n"
        "create view v as with recursive r as (select id from t union all"
        " select t.id from t join r on t.p = r.id) select count(*) from r;\n"
        "create view w as select upper(name), now(), case when id > 0 then 1 end,"
        " coalesce(name, 'x'), meta['a'], meta->'b', id from t group by rollup (name, id, meta);\n"
    )
    schema, _findings = build_schema([("x.sql", sql)])
    names = {r.name: [c.name for c in r.columns] for r in schema.relations if r.name in ("v", "w")}
    assert names == {
        "v": ["count"],
        "w": ["upper", "now", "case", "coalesce", "meta", "?column?", "id"],
    }
