"""``pgdrift-ignore CODE: reason`` comments and unused-suppression findings."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from pgdrift.checks import app_refs, finalize, migrations
from pgdrift.checks.engine import run_checks
from pgdrift.checks.files import DiskReader
from pgdrift.checks.finding import Finding, Severity
from pgdrift.checks.suppress import (
    Unchecked,
    apply_suppressions,
    find_suppressions,
    suppressions_in,
)
from pgdrift.model import Span
from pgdrift.project import Project
from pgdrift.sources.migrations import build_schema
from pgdrift.sources.shadow import MigrationFailed
from pgdrift.typegen.typescript import render_typescript


def finding(line: int, code: str = "PGD301", path: str = "f.ts") -> Finding:
    return Finding(code, Severity.ERROR, "m", Span(path, line, 0, line, 1))


@pytest.mark.parametrize(
    ("line", "codes", "reason"),
    [
        ("// pgdrift-ignore PGD301: validation helper", ("PGD301",), "validation helper"),
        ("# pgdrift-ignore PGD301, PGD302: both", ("PGD301", "PGD302"), "both"),
        ("-- pgdrift-ignore PGD401: legacy", ("PGD401",), "legacy"),
        ("/* pgdrift-ignore PGD301: in a block */", ("PGD301",), "in a block"),
        ("{/* pgdrift-ignore PGD301: jsx */}", ("PGD301",), "jsx"),
        ("// pgdrift-ignore PGD301", ("PGD301",), ""),
    ],
)
def test_comment_forms(line: str, codes: tuple[str, ...], reason: str) -> None:
    [suppression] = find_suppressions("f.ts", line + "\n")
    assert (suppression.codes, suppression.reason) == (codes, reason)
    start = line.index("pgdrift-ignore")
    assert suppression.span.start_col == start


def test_not_in_code_or_strings_without_a_comment_marker() -> None:
    assert find_suppressions("f.ts", 'const s = "pgdrift-ignore PGD301: no";\n') == []


def test_own_line_covers_the_next_line_trailing_covers_its_own() -> None:
    text = (
        "// pgdrift-ignore PGD301: reviewed\n"
        'import a from "x";\n'
        'import b from "y"; // pgdrift-ignore PGD301: reviewed\n'
    )
    above, trailing = find_suppressions("f.ts", text)
    assert above.lines == (0, 1)
    assert trailing.lines == (2,)
    kept = apply_suppressions([finding(1), finding(2), finding(2, "PGD302")], [above, trailing])
    assert [(f.code, f.span.start_line) for f in kept] == [("PGD302", 2)]


def test_unused_suppression_is_reported_where_the_comment_is() -> None:
    text = 'import a from "x"; // pgdrift-ignore PGD301, PGD302: reviewed\n'
    suppressions = find_suppressions("f.ts", text)
    kept = apply_suppressions([finding(0, "PGD301")], suppressions)
    [unused] = kept
    assert unused.code == "PGD001"
    assert unused.severity is Severity.WARNING
    assert unused.message == "unused suppression: no PGD302 finding on this line"
    assert unused.span == Span("f.ts", 0, 22, 0, len(text) - 1)


def test_suppressions_of_checks_that_did_not_run_are_not_unused() -> None:
    suppressions = find_suppressions("f.sql", "-- pgdrift-ignore PGD401: later\n")
    assert (
        apply_suppressions([], suppressions, is_active=lambda code: code.startswith("PGD3")) == []
    )


def test_a_suppression_without_a_code_is_reported() -> None:
    [unused] = apply_suppressions([], find_suppressions("f.py", "# pgdrift-ignore: why\n"))
    assert "names no check code" in unused.message


def test_other_files_are_not_affected() -> None:
    suppressions = find_suppressions("a.ts", "// pgdrift-ignore PGD301: x\n")
    kept = apply_suppressions([finding(1, path="b.ts")], suppressions)
    assert [f.code for f in kept] == ["PGD301", "PGD001"]


def test_finalize_levels_suppresses_and_sorts(tmp_path: Path) -> None:
    source = tmp_path / "a.ts"
    source.write_text(
        'import a from "x"; // pgdrift-ignore PGD301: reviewed\n'
        "// pgdrift-ignore PGD302: nothing here\n"
        "// pgdrift-ignore PGD101: stale types did not run\n"
    )
    suppressions = suppressions_in([source, tmp_path / "missing.ts"], DiskReader())
    raw = [finding(2, "PGD304", str(source)), finding(0, "PGD301", str(source))]
    result = finalize(
        raw,
        {"PGD304": Severity.WARNING, "unused-suppression": Severity.INFO},
        suppressions,
        ran=lambda code: code.startswith("PGD3"),
    )
    assert [(f.code, f.severity, f.span.start_line) for f in result] == [
        ("PGD001", Severity.INFO, 1),
        ("PGD304", Severity.WARNING, 2),
    ]


# --- statements over several lines ------------------------------------------------------

TS_IMPORT = (
    "// pgdrift-ignore PGD301: one-off report, reviewed\n"
    "import type {\n"
    "  Database,\n"
    "  Json,\n"
    '} from "../types/db.remote"\n'
)


def test_a_comment_above_a_multiline_ts_import_covers_the_whole_import() -> None:
    [suppression] = find_suppressions("f.ts", TS_IMPORT)
    assert suppression.lines == (0, 1, 2, 3, 4)
    # PGD301 is placed on the `from "..."` line, the statement's last.
    assert apply_suppressions([finding(4)], [suppression]) == []
    [kept, unused] = apply_suppressions([finding(4, "PGD302")], [suppression])
    assert unused.message == "unused suppression: no PGD301 finding in the statement on lines 2-5"
    assert (kept.code, kept.span.start_line) == ("PGD302", 4)


@pytest.mark.parametrize(
    ("text", "covered"),
    [
        # Inside the braces, alone on its line.
        (
            'import type {\n  // pgdrift-ignore PGD301: r\n  Database,\n} from "x"\n',
            (0, 1, 2, 3),
        ),
        # Trailing on the last line.
        ('import type {\n  Database,\n} from "x" // pgdrift-ignore PGD301: r\n', (0, 1, 2)),
        # Above a supabase query chain.
        (
            "// pgdrift-ignore PGD502: lands with the next migration\n"
            "export const load = () => supabase\n"
            '  .from("tags")\n'
            '  .select("id, colour")\n',
            (0, 1, 2, 3),
        ),
        # Above a statement inside a function body.
        (
            "export async function load() {\n"
            "  // pgdrift-ignore PGD502: r\n"
            "  const { data } = await supabase\n"
            '    .from("tags").select("colour")\n'
            "  return data\n"
            "}\n",
            (1, 2, 3),
        ),
    ],
)
def test_ts_statements_over_several_lines(text: str, covered: tuple[int, ...]) -> None:
    [suppression] = find_suppressions("f.tsx", text)
    assert suppression.lines == covered


def test_a_comment_above_a_function_covers_its_header_not_its_body() -> None:
    text = (
        "// pgdrift-ignore PGD502: r\n"
        "export async function load() {\n"
        '  return supabase.from("tags").select("colour")\n'
        "}\n"
    )
    [suppression] = find_suppressions("f.ts", text)
    assert suppression.lines == (0, 1)
    kept = apply_suppressions([finding(2, "PGD502")], [suppression])
    assert [(f.code, f.message) for f in kept] == [
        ("PGD502", "m"),
        ("PGD001", "unused suppression: no PGD502 finding on this or the next line"),
    ]


@pytest.mark.parametrize(
    ("path", "text", "covered"),
    [
        (
            "f.py",
            "# pgdrift-ignore PGD301: r\nfrom types.remote import (\n    Database,\n)\n",
            (0, 1, 2, 3),
        ),
        (
            "f.py",
            "@cached\n# pgdrift-ignore PGD302: r\ndef load(\n    db: Database,\n):\n    return 1\n",
            (0, 1, 2, 3, 4),
        ),
        (
            "f.py",
            "def load():\n    # pgdrift-ignore PGD502: r\n"
            '    return (supabase.table("tags")\n        .select("colour"))\n',
            (1, 2, 3),
        ),
        # A file that does not parse: the comment's own lines only.
        ("f.py", "# pgdrift-ignore PGD301: r\nfrom x import (\n    Database,\n", (0, 1)),
        (
            "m.sql",
            "-- pgdrift-ignore PGD401: kept on purpose\n"
            'create policy "p" on public.a\n'
            "  for select using (true);\n",
            (0, 1, 2),
        ),
        ("m.sql", "-- pgdrift-ignore PGD401: r\ncreate table a (id int);\n", (0, 1)),
    ],
)
def test_python_and_sql_statements_over_several_lines(
    path: str, text: str, covered: tuple[int, ...]
) -> None:
    [suppression] = find_suppressions(path, text)
    assert suppression.lines == covered


# --- checks that did not run ------------------------------------------------------------


def test_suppressions_of_unchecked_codes_are_not_judged() -> None:
    text = "// pgdrift-ignore PGD502: r\nx\n// pgdrift-ignore PGD301: r\ny\n"
    suppressions = find_suppressions("f.ts", text)
    kept = apply_suppressions([], suppressions, unchecked=[Unchecked(("PGD5",))])
    # PGD5xx did not run: silent; PGD301 ran and found nothing: reported.
    assert [(f.code, f.span.start_line) for f in kept] == [("PGD001", 2)]


def test_unchecked_after_a_line_of_one_file() -> None:
    text = "-- pgdrift-ignore PGD403: a\nx;\n-- pgdrift-ignore PGD403: b\ny;\n"
    skipped = [Unchecked(("PGD403",), "m.sql", after_line=1)]
    here = apply_suppressions([], find_suppressions("m.sql", text), unchecked=skipped)
    assert [f.span.start_line for f in here] == [0]  # the one before the line is judged
    other = apply_suppressions([], find_suppressions("n.sql", text), unchecked=skipped)
    assert [f.span.start_line for f in other] == [0, 2]


@pytest.fixture
def no_databases(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PGDRIFT_LOCAL_DB_URL", "postgresql://postgres@127.0.0.1:1/postgres")
    monkeypatch.delenv("PGDRIFT_REMOTE_DB_URL", raising=False)


def write_project(root: Path, files: dict[str, str]) -> Path:
    base = {"supabase/config.toml": 'project_id = "t"\n'}
    for name, text in {**base, **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root.resolve()


MIGRATION = "supabase/migrations/20240101000000_init.sql"


@pytest.mark.usefixtures("no_databases")
def test_no_db_does_not_judge_suppressions_of_replay_and_database_checks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_project(
        tmp_path,
        {
            MIGRATION: "create table public.a (id bigint primary key);\n"
            "-- pgdrift-ignore PGD401: duplicate kept on purpose\n"
            'create policy "p" on public.a\n'
            "  for select using (true);\n"
            "-- pgdrift-ignore PGD407: not deployed yet\n"
            "-- pgdrift-ignore PGD404: nothing to hide\n"
            "create table public.b (id int);\n"
        },
    )
    for cached in (False, True):  # a warm run replays what the cold one recorded
        if cached:
            monkeypatch.delenv("PGDRIFT_NO_CACHE", raising=False)
        for _ in range(2 if cached else 1):
            run = run_checks(Project.load(root), use_db=False, families=[migrations.run])
            assert [(f.code, f.span.start_line, f.message) for f in run.findings] == [
                ("PGD001", 5, "unused suppression: no PGD404 finding on this or the next line")
            ]


@pytest.mark.usefixtures("no_databases")
def test_app_reference_suppressions_are_judged_only_when_the_code_was_checked(
    tmp_path: Path,
) -> None:
    sql = "create table public.tags (id bigint primary key, name text not null);\n"
    schema, _ = build_schema([(MIGRATION, sql)])
    types = render_typescript(schema, ["public"])
    source = (
        'import { createClient } from "@supabase/supabase-js"\n'
        'const supabase = createClient("http://x", "k")\n'
        "// pgdrift-ignore PGD502: lands with the next migration\n"
        'export const b = () => supabase.from("tags").select("id, colour")\n'
        "// pgdrift-ignore PGD501: nothing here\n"
        'export const c = () => supabase.from("tags").select("id")\n'
    )
    files = {
        MIGRATION: sql,
        "pgdrift.toml": '[[types]]\npath = "types/database.local.ts"\nsource = "local"\n',
        "types/database.local.ts": types,
        "src/tags.ts": source,
    }
    root = write_project(tmp_path, files)
    run = run_checks(Project.load(root), use_db=False, families=[app_refs.run])
    # Checked against the types: PGD502 suppressed, the PGD501 comment unused.
    assert [(f.code, f.span.start_line) for f in run.findings] == [("PGD001", 4)]
    # A truncated types file, no replay (--no-db), and a static model with an
    # error: nothing was checked, so nothing is judged.
    (root / "types/database.local.ts").write_text("".join(types.splitlines(True)[:20]))
    (root / MIGRATION).write_text(sql + "alter table public.tags add colum x text;\n")
    run = run_checks(Project.load(root), use_db=False, families=[app_refs.run])
    assert run.findings == []
    assert any("not checked" in note for note in run.notes)


@pytest.mark.usefixtures("no_databases")
def test_after_a_replay_failure_later_statements_are_not_judged(
    tmp_path: Path, server_url: str
) -> None:
    root = write_project(
        tmp_path,
        {
            "supabase/migrations/20240101000000_a.sql": "create table public.a (id int);\n"
            "-- pgdrift-ignore PGD403: checked, and nothing there\n"
            "create table public.b (id int);\n",
            "supabase/migrations/20240102000000_b.sql": "create table public.c (id int);\n"
            "-- pgdrift-ignore PGD401: a duplicate, fails\n"
            "create table public.c (id int);\n"
            "-- pgdrift-ignore PGD403: after the failure\n"
            "create table public.d (x_id int references public.x);\n",
            "supabase/migrations/20240103000000_c.sql": "-- pgdrift-ignore PGD403: later file\n"
            "create table public.e (y_id int references public.y);\n"
            "-- pgdrift-ignore PGD407: not applied anywhere yet\n"
            "create table public.f (id int);\n",
        },
    )
    project = Project.load(root)
    with contextlib.suppress(MigrationFailed):
        project.shadow_schema(server_url)
    assert project.shadow_failure is not None
    assert project.shadow_failure.sqlstate == "42P07"  # the duplicate: PGD401, suppressed
    run = run_checks(project, families=[migrations.run])
    assert [(Path(f.span.path).name, f.span.start_line, f.message) for f in run.findings] == [
        (
            "20240101000000_a.sql",
            1,
            "unused suppression: no PGD403 finding on this or the next line",
        )
    ]
