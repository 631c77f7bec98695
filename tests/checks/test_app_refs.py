"""App references (PGD501-PGD504) on fixture projects under tests/fixtures/app_refs/.

The schema is tests/fixtures/app_refs/schema.sql, loaded into a real database
once per module and introspected; the same schema is also rendered as
generated TypeScript types and read back, since that is what ``run`` checks
against in a project that has a local types file.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from carets import actual_findings, expected_findings

from pgdrift.checks.app_refs import Supplement, check_app_references, run, suggestions
from pgdrift.checks.engine import CheckContext, run_checks
from pgdrift.checks.files import DiskReader, walk_files
from pgdrift.checks.finding import Finding, Severity
from pgdrift.db import with_database
from pgdrift.model import Schema
from pgdrift.project import Project
from pgdrift.sources.catalog import introspect_url
from pgdrift.sources.typefile import read_types_text
from pgdrift.typegen.python import render_python
from pgdrift.typegen.typescript import render_typescript

FIXTURES = Path(__file__).parent.parent / "fixtures" / "app_refs"
SUFFIXES = frozenset({".ts", ".tsx", ".js", ".py"})


@pytest.fixture(scope="module")
def catalog_schema(server_url: str) -> Iterator[Schema]:
    name = f"pgdrift_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        url = with_database(server_url, name)
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute((FIXTURES / "schema.sql").read_text())
        yield introspect_url(url, ["public", "app"])
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def types_schema(catalog_schema: Schema) -> Schema:
    text = render_typescript(catalog_schema, ["public", "app"])
    read = read_types_text(text, "types/database.local.ts")
    assert read.problems == ()
    return read.schema


@pytest.fixture(scope="module")
def python_types_schema(catalog_schema: Schema) -> Schema:
    """The schema as generated Python types describe it: no functions, no foreign keys."""
    text = render_python(catalog_schema, ["public", "app"])
    read = read_types_text(text, "app/db_types.py", "python", names_hint=catalog_schema)
    assert read.problems == ()
    assert read.schema.functions == () and read.schema.foreign_keys == ()
    return read.schema


def check(root: Path, schema: Schema, supplement: Supplement | None = None) -> list[Finding]:
    return check_app_references(
        walk_files(root, SUFFIXES), schema, DiskReader(), supplement=supplement
    )


def test_clean_services_have_no_findings(catalog_schema: Schema, types_schema: Schema) -> None:
    # Aliases, hints, nested and spread embeds, *, count, casts, JSON paths,
    # computed fields and relationships, views, many-to-many, rpc defaults,
    # other schemas, dynamic names, and `from`/`rpc` on non-Supabase objects.
    assert check(FIXTURES / "clean", catalog_schema) == []
    assert check(FIXTURES / "clean", types_schema) == []


def test_typos_match_the_caret_annotations(catalog_schema: Schema) -> None:
    root = FIXTURES / "typos"
    findings = check(root, catalog_schema)
    assert actual_findings(findings, root, ("PGD5",)) == expected_findings(root)


def test_typos_against_generated_types(catalog_schema: Schema, types_schema: Schema) -> None:
    root = FIXTURES / "typos"
    from_types = actual_findings(check(root, types_schema), root, ("PGD5",))
    from_catalog = actual_findings(check(root, catalog_schema), root, ("PGD5",))
    # Generated types do not say which relation a set-returning function
    # returns, so columns selected from rpc results are not checked there.
    missed = from_catalog - from_types
    assert from_types <= from_catalog
    assert {line for _, line, *_ in missed} == {46, 48}


def by_name(findings: list[Finding], root: Path, path: str, line: int) -> Finding:
    [found] = [f for f in findings if f.span.path == str(root / path) and f.span.start_line == line]
    return found


def test_messages_fixes_and_severity(catalog_schema: Schema) -> None:
    root = FIXTURES / "typos"
    findings = check(root, catalog_schema)
    table = by_name(findings, root, "src/typos.ts", 4)
    assert table.code == "PGD501"
    assert table.severity is Severity.ERROR
    assert table.message == (
        "`profilez` is not a table or view of schemas `public`, `app` in the schema; "
        "did you mean `profiles`?"
    )
    assert table.fix is not None
    [edit] = table.fix.edits
    assert (edit.span, edit.content) == (table.span, "profiles")
    assert table.fix.message == "Replace `profilez` with `profiles`"

    column = by_name(findings, root, "src/typos.ts", 28)
    assert column.message == (
        "`autor_id` is not a column of table `public.posts` in the schema; "
        "did you mean `author_id` or `editor_id`?"
    )
    assert column.fix is not None and column.fix.edits[0].content == "author_id"

    unrelated = by_name(findings, root, "src/typos.ts", 17)
    assert unrelated.message == (
        "table `public.posts` and table `public.audit_log` have no relationship in the "
        "schema: no foreign key joins them, directly or through a junction table"
    )
    assert unrelated.fix is None

    argument = by_name(findings, root, "src/typos.ts", 44)
    assert argument.message == (
        "function `public.search_posts` has no argument `limit` in the schema; did you mean `lim`?"
    )
    no_candidate = by_name(findings, root, "src/typos.ts", 52)
    assert no_candidate.message.endswith("view `public.post_summaries` in the schema")
    assert no_candidate.fix is None


def test_a_name_differing_only_in_case_is_the_fix(catalog_schema: Schema) -> None:
    root = FIXTURES / "typos"
    finding = by_name(check(root, catalog_schema), root, "src/typos.ts", 55)
    assert finding.fix is not None and finding.fix.edits[0].content == "profiles"


def test_names_inside_multiline_strings_get_exact_ranges(
    catalog_schema: Schema, tmp_path: Path
) -> None:
    ts = tmp_path / "multi.ts"
    ts.write_text(
        "const { data } = await supabase.from('posts').select(`\n"
        "  id,\n"
        "  titel,\n"
        "  comments ( bdy )\n"
        "`);\n"
        "await supabase.from('profiles').select('id,\\n usrname');\n"
    )
    py = tmp_path / "multi.py"
    py.write_text(
        'supabase.table("posts").select("""\n'
        "    id,\n"
        "    titl\n"
        '""").execute()\n'
        'supabase.table("posts").select("id, é, \\N{LATIN SMALL LETTER E}x").execute()\n'
    )
    findings = check_app_references([ts, py], catalog_schema, DiskReader())
    spans = {
        (Path(f.span.path).name, f.span.start_line, f.span.start_col, f.span.end_col)
        for f in findings
    }
    assert spans == {
        ("multi.ts", 2, 2, 7),  # titel
        ("multi.ts", 3, 13, 16),  # bdy
        ("multi.ts", 5, 46, 53),  # usrname, after an escape sequence
        ("multi.py", 2, 4, 8),  # titl
        ("multi.py", 4, 36, 37),  # é
        ("multi.py", 4, 39, 64),  # \N{...}x
    }


def test_tables_unknown_to_non_supabase_receivers_are_not_reported(
    catalog_schema: Schema, tmp_path: Path
) -> None:
    source = tmp_path / "x.ts"
    source.write_text(
        "const a = Array.from('profilez');\n"
        "const b = thing.from('profilez');\n"  # no query method after it: not a query
        "const c = thing.from('profilez').select('id');\n"  # a query: reported
        "const d = supabase.from('profilez');\n"  # a Supabase client: reported
        "const e = supabase.storage.from('profilez').list();\n"
    )
    findings = check_app_references([source], catalog_schema, DiskReader())
    assert sorted(f.span.start_line for f in findings) == [2, 3]


def test_unknown_schema_is_not_checked(catalog_schema: Schema, tmp_path: Path) -> None:
    source = tmp_path / "x.ts"
    source.write_text("await supabase.schema('private').from('nothing').select('x');\n")
    assert check_app_references([source], catalog_schema, DiskReader()) == []


def test_unreadable_file_is_reported(catalog_schema: Schema, tmp_path: Path) -> None:
    source = tmp_path / "latin1.ts"
    source.write_bytes(b"// caf\xe9\nawait supabase.from('profilez').select('id');\n")
    [finding] = check_app_references([source], catalog_schema, DiskReader())
    assert finding.code == "PGD003"


def test_suggestions() -> None:
    assert suggestions("usernme", ["username", "id", "full_name"]) == (["username"], "username")
    assert suggestions("ID", ["id", "idx"]) == (["id"], "id")
    # Two equally good names: suggested, but no fix picks one.
    assert suggestions("nme", ["name", "nm", "id"]) == (["name", "nm"], None)
    assert suggestions("zzz", ["id"]) == ([], None)
    # A close name that needs quoting is suggested, never written by a fix.
    assert suggestions("with_space", ["with space"]) == (["with space"], None)


# --- the family in a project -----------------------------------------------------------


def copy_project(tmp_path: Path) -> Path:
    target = tmp_path / "project"
    shutil.copytree(FIXTURES / "project", target)
    return target.resolve()


def test_run_checks_app_code_against_the_local_types(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    project = Project.load(root)
    ctx = CheckContext(project, use_db=False)
    findings = run(ctx)
    # scripts/validate/** compiles against the remote types and is skipped;
    # the suppression is applied by the engine, not by the family.
    assert actual_findings(findings, root, ("PGD5",)) == expected_findings(root) | {
        ("src/services/ignored.ts", 4, 21, 32, "PGD501")
    }
    [finding] = [f for f in findings if f.span.path.endswith("profile.ts")]
    assert "in the local types `types/database.local.ts`" in finding.message
    assert ctx.notes == []


def test_the_engine_runs_the_family_and_applies_suppressions(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    result = run_checks(Project.load(root), use_db=False, families=[run])
    assert actual_findings(result.findings, root, ("PGD5",)) == expected_findings(root)
    assert [f.code for f in result.findings if not f.code.startswith("PGD5")] == []


def test_paths_limit_the_files_checked(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    ctx = CheckContext(Project.load(root), paths=[root / "src/services/ignored.ts"], use_db=False)
    assert [Path(f.span.path).name for f in run(ctx)] == ["ignored.ts"]


def test_without_types_the_migrations_are_used(
    tmp_path: Path, catalog_schema: Schema, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_project(tmp_path)
    (root / "types/database.local.ts").unlink()
    migrations = root / "supabase/migrations"
    migrations.mkdir(parents=True)
    (migrations / "20240101000000_init.sql").write_text((FIXTURES / "schema.sql").read_text())
    ctx = CheckContext(Project.load(root))
    # The replay itself is the shadow source's business (and slow): stand in for it.
    monkeypatch.setattr(ctx, "migrations_schema", lambda: catalog_schema)
    [finding, _ignored] = sorted(run(ctx), key=lambda f: f.span.path, reverse=True)
    assert finding.message == (
        "`usernme` is not a column of table `public.profiles` in the migrations; "
        "did you mean `username`?"
    )


def test_without_types_or_migrations_nothing_is_checked(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    (root / "types/database.local.ts").unlink()
    ctx = CheckContext(Project.load(root), use_db=False)
    assert run(ctx) == []
    assert ctx.notes == [
        "no local types to read and no migrations: table and column names in code not checked"
    ]


def test_a_truncated_types_file_falls_back_to_the_migrations(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    types = root / "types/database.local.ts"
    types.write_text(types.read_text()[:2000])
    ctx = CheckContext(Project.load(root), use_db=False)
    assert run(ctx) == []
    assert ctx.notes[0].startswith("database.local.ts:")
    assert ctx.notes[0].endswith("checking code against the migrations")


def test_no_schema_is_needed_when_no_file_queries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_project(tmp_path)
    shutil.rmtree(root / "src")
    (root / "src").mkdir()
    (root / "src/util.ts").write_text("export const double = (n: number) => n * 2;\n")
    (root / "types/database.local.ts").unlink()
    ctx = CheckContext(Project.load(root))

    def replay() -> Schema:
        raise AssertionError("the migrations were replayed for nothing")

    monkeypatch.setattr(ctx, "migrations_schema", replay)
    assert run(ctx) == []
    assert ctx.notes == []


def test_options_built_elsewhere_are_not_guessed(catalog_schema: Schema, tmp_path: Path) -> None:
    source = tmp_path / "x.ts"
    source.write_text(
        "const opts = { referencedTable: 'comments' };\n"
        "await supabase.from('posts').select('id, comments(body)').order('post_id', opts);\n"
        "await supabase.from('posts').select('id, comments(body)').order('post_id', { ...opts });\n"
        "await supabase.from('posts').select('id, comments(body)').order('post_id', { ascending: true });\n"
    )
    [finding] = check_app_references([source], catalog_schema, DiskReader())
    assert (finding.code, finding.span.start_line) == ("PGD502", 3)


# --- Python types: functions and foreign keys from the migrations ----------------------


def test_python_types_take_functions_and_keys_from_the_migrations(
    catalog_schema: Schema, python_types_schema: Schema
) -> None:
    supplement = Supplement(catalog_schema)
    assert check(FIXTURES / "clean", python_types_schema, supplement) == []
    root = FIXTURES / "typos"
    findings = check(root, python_types_schema, supplement)
    assert actual_findings(findings, root, ("PGD5",)) == expected_findings(root)
    function = by_name(findings, root, "src/typos.ts", 42)
    assert function.message == (
        "`search_post` is not a function of schemas `public`, `app` in the migrations; "
        "did you mean `search_posts`?"
    )
    argument = by_name(findings, root, "src/typos.ts", 44)
    assert argument.message.endswith(
        "has no argument `limit` in the migrations; did you mean `lim`?"
    )
    unrelated = by_name(findings, root, "src/typos.ts", 17)
    assert "have no relationship in the migrations" in unrelated.message
    column = by_name(findings, root, "src/typos.ts", 28)
    assert column.message.startswith(
        "`autor_id` is not a column of table `public.posts` in the schema"
    )


def test_python_types_alone_never_call_a_function_unknown(python_types_schema: Schema) -> None:
    # Nothing lists the functions: rpc names and arguments are not judged at all.
    root = FIXTURES / "typos"
    findings = check(root, python_types_schema, Supplement(None))
    codes = {f.code for f in findings}
    assert "PGD503" not in codes
    assert "PGD502" in codes and "PGD501" in codes
    # Embeds of existing tables cannot be judged without foreign keys.
    assert not [f for f in findings if f.code == "PGD504" and "no relationship" in f.message]


def python_project(tmp_path: Path, catalog_schema: Schema, *, migrations: bool = True) -> Path:
    root = tmp_path / "py"
    (root / "app").mkdir(parents=True)
    (root / "pgdrift.toml").write_text(
        'schemas = ["public", "app"]\n\n[[types]]\npath = "app/db_types.py"\nsource = "local"\n'
    )
    (root / "app/db_types.py").write_text(render_python(catalog_schema, ["public", "app"]))
    if migrations:
        folder = root / "supabase/migrations"
        folder.mkdir(parents=True)
        shutil.copy(FIXTURES / "schema.sql", folder / "20240101000000_init.sql")
    (root / "app/notes.py").write_text(
        "def notes(client):\n"
        '    client.rpc("search_posts", {"query": "pg"}).execute()\n'
        '    client.rpc("increment_views", {"row_id": 1}).execute()\n'
        '    client.table("posts").select("id, comments(body), author:profiles!author_id(username)").execute()\n'
        '    client.rpc("serch_posts", {"query": "pg"}).execute()\n'
        '    client.table("posts").select("id, audit_log(message)").execute()\n'
    )
    return root.resolve()


def test_a_python_project_checks_rpc_and_embeds_against_the_migrations(
    tmp_path: Path, catalog_schema: Schema
) -> None:
    root = python_project(tmp_path, catalog_schema)
    # Without a database: the static model of the migrations.
    ctx = CheckContext(Project.load(root), use_db=False)
    findings = run(ctx)
    assert [(f.code, f.span.start_line, f.span.start_col, f.span.end_col) for f in findings] == [
        ("PGD503", 4, 16, 27),
        ("PGD504", 5, 38, 47),
    ]
    assert findings[0].message == (
        "`serch_posts` is not a function of schemas `public`, `app` in the migrations; "
        "did you mean `search_posts`?"
    )
    assert "have no relationship in the migrations" in findings[1].message
    assert ctx.notes == []
    # Findings are kept by the migrations they were checked against too.
    migration = root / "supabase/migrations/20240201000000_drop.sql"
    migration.write_text("drop function public.increment_views(bigint, int);\n")
    again = run(CheckContext(Project.load(root), use_db=False))
    assert [(f.code, f.span.start_line) for f in again] == [
        ("PGD503", 2),
        ("PGD503", 4),
        ("PGD504", 5),
    ]


def test_a_python_project_without_migrations_leaves_rpc_alone(
    tmp_path: Path, catalog_schema: Schema
) -> None:
    root = python_project(tmp_path, catalog_schema, migrations=False)
    ctx = CheckContext(Project.load(root), use_db=False)
    assert run(ctx) == []
    assert ctx.notes == [
        "app/db_types.py lists no functions or relationships and the migrations could not be "
        "read: rpc calls and embedded relations in code not checked"
    ]


# --- which receivers are Supabase clients ----------------------------------------------


def test_receivers_are_judged_by_what_the_file_shows(catalog_schema: Schema) -> None:
    # knex, kysely, drizzle, PySpark, TinyDB, ibis and PyPika objects are ignored;
    # clients made by Supabase factories, or typed as one, are checked even
    # when no query method follows `.from`.
    root = FIXTURES / "receivers"
    findings = check(root, catalog_schema)
    expected = expected_findings(root)
    assert actual_findings(findings, root, ("PGD5",)) == expected
    assert len(findings) == len(expected)
    others = {"src/knex_report.ts", "app/other_libs.py"}
    assert not [f for f in findings if Path(f.span.path).relative_to(root).as_posix() in others]


def test_a_knex_receiver_stays_silent(catalog_schema: Schema, tmp_path: Path) -> None:
    source = tmp_path / "report.ts"
    source.write_text(
        'import knex from "knex"\n'
        'const sql = knex({ client: "pg" })\n'
        'export const accounts = () => sql.from("accounts").select("id", "email")\n'
        'export const profiles = (supabase: any) => supabase.from("profilez").select("id")\n'
    )
    [finding] = check_app_references([source], catalog_schema, DiskReader())
    assert (finding.code, finding.span.start_line, finding.span.start_col) == ("PGD501", 3, 58)


# --- query builders kept in variables --------------------------------------------------


def test_builders_kept_in_variables_are_checked(catalog_schema: Schema) -> None:
    root = FIXTURES / "builders"
    findings = check(root, catalog_schema)
    expected = expected_findings(root)
    assert actual_findings(findings, root, ("PGD5",)) == expected
    assert len(findings) == len(expected)  # each name once, however many variables
    [order] = [f for f in findings if f.span.start_line == 10 and f.span.path.endswith(".ts")]
    assert order.message == (
        "`titel` is not a column of table `public.posts` in the schema; did you mean `title`?"
    )
