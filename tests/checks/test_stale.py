"""Stale types (PGD101-PGD104) on the typesync fixture project.

The migrations are replayed once for the module; each test writes the types
files it needs. Expected positions are found by the text they point at, not
counted by hand.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typesync import column_of, copy_project, line_of, located, migrations_sql, run_family

from pgdrift.checks.engine import run_checks
from pgdrift.checks.stale import run
from pgdrift.project import Project
from pgdrift.typegen.typescript import render_typescript

MakeDb = Callable[..., str]
LOCAL = "types/database.local.ts"
UNREACHABLE = "postgresql://postgres@127.0.0.1:1/nothing"


@pytest.fixture(scope="module")
def workspace(
    tmp_path_factory: pytest.TempPathFactory, server_url: str
) -> Iterator[tuple[Path, Project, str]]:
    """The project, its migrations replayed once, and the types they generate."""
    root = copy_project(tmp_path_factory.mktemp("stale"))
    project = Project.load(root)
    shadow = project.shadow_schema(server_url=server_url)
    yield root, project, render_typescript(shadow, project.schemas)


@pytest.fixture
def root(workspace: tuple[Path, Project, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    root, _, _ = workspace
    originals = {p: p.read_bytes() for p in (root / "types").iterdir()}
    monkeypatch.setenv("PGDRIFT_LOCAL_DB_URL", UNREACHABLE)
    yield root
    for path, data in originals.items():
        path.write_bytes(data)


@pytest.fixture
def project(workspace: tuple[Path, Project, str], root: Path) -> Project:
    return workspace[1]


@pytest.fixture
def fresh(workspace: tuple[Path, Project, str]) -> str:
    return workspace[2]


def test_stale_items_are_reported_at_their_lines(root: Path, project: Project) -> None:
    findings, notes = run_family(project, run)
    types = root / LOCAL
    orders = line_of(types, "orders: {")
    bio = line_of(types, "bio: string | null")
    enum = line_of(types, "order_status:", after="Enums: {")
    tables = line_of(types, "Tables: {")
    assert located(findings, root) == [
        (LOCAL, tables, column_of(types, tables, "Tables"), "PGD101"),
        (LOCAL, orders, column_of(types, orders, "orders"), "PGD101"),
        (LOCAL, orders, column_of(types, orders, "orders"), "PGD101"),
        (LOCAL, bio, column_of(types, bio, "bio"), "PGD101"),
        (LOCAL, enum, column_of(types, enum, "order_status"), "PGD101"),
    ]
    messages = [f.message for f in findings]
    tags_sql = "migrations/20240102000000_tags.sql"
    assert messages == [
        f"table public.tags is not in {LOCAL} but the migrations create it ({tags_sql}:4); "
        "regenerate the local types",
        f"column public.orders.tag_id is not in {LOCAL} but the migrations create it "
        f"({tags_sql}:9); regenerate the local types",
        "relationship orders_tag_id_fkey on public.orders (tag_id) → tags (id) is not in "
        f"{LOCAL} but the migrations create it ({tags_sql}:9); regenerate the local types",
        f"column public.profiles.bio is NOT NULL in the migrations, nullable in {LOCAL} "
        f"(changed in {tags_sql}:11); regenerate the local types",
        f'enum public.order_status has label "shipped" only in the migrations '
        f"(changed in {tags_sql}:2); regenerate the local types",
    ]
    assert any("local database unavailable" in n for n in notes)


def test_each_finding_offers_the_regenerated_file(root: Path, project: Project, fresh: str) -> None:
    findings, _ = run_family(project, run)
    current = (root / LOCAL).read_text(encoding="utf-8")
    for finding in findings:
        assert finding.fix is not None
        assert finding.fix.message == "Regenerate local types"
        [edit] = finding.fix.edits
        assert edit.content == fresh
        assert (edit.span.start_line, edit.span.start_col) == (0, 0)
        assert edit.span.end_line == current.count("\n")


def test_fresh_types_are_silent(root: Path, project: Project, fresh: str) -> None:
    (root / LOCAL).write_text(fresh, encoding="utf-8")
    findings, _ = run_family(project, run)
    assert findings == []


def test_crlf_and_utf16_are_not_staleness(root: Path, project: Project, fresh: str) -> None:
    data = codecs.BOM_UTF16_LE + fresh.replace("\n", "\r\n").encode("utf-16-le")
    (root / LOCAL).write_bytes(data)
    findings, _ = run_family(project, run)
    assert findings == []


def test_hand_edited_column_is_reported_at_its_line(
    root: Path, project: Project, fresh: str
) -> None:
    edited = fresh.replace("          total: number\n", "          total: string\n", 1)
    (root / LOCAL).write_text(edited, encoding="utf-8")
    findings, _ = run_family(project, run)
    types = root / LOCAL
    line = line_of(types, "total: string")
    assert located(findings, root) == [(LOCAL, line, column_of(types, line, "total"), "PGD101")]
    assert findings[0].message == (
        f"column public.orders.total is number in the migrations, string in {LOCAL} "
        "(migrations/20240101000000_init.sql:10); regenerate the local types"
    )


def test_unexplained_difference_is_one_finding_on_line_1(
    root: Path, project: Project, fresh: str
) -> None:
    (root / LOCAL).write_text("// edited by hand\n" + fresh, encoding="utf-8")
    findings, _ = run_family(project, run)
    assert located(findings, root) == [(LOCAL, 0, 0, "PGD101")]
    assert "formatting or hand edits" in findings[0].message


def test_truncated_file(root: Path, project: Project, fresh: str) -> None:
    cut = fresh[: fresh.index("profiles: {")]
    (root / LOCAL).write_text(cut, encoding="utf-8")
    findings, _ = run_family(project, run)
    last = cut.count("\n") - 1
    assert [(f.code, f.span.start_line) for f in findings] == [("PGD101", 0), ("PGD103", last)]
    assert "could not be read completely" in findings[0].message
    assert "ends early" in findings[1].message


def test_missing_configured_types_file(root: Path, project: Project, fresh: str) -> None:
    (root / LOCAL).write_text(fresh, encoding="utf-8")
    (root / "types" / "database.remote.ts").unlink()
    findings, _ = run_family(project, run)
    config = root / "pgdrift.toml"
    line = line_of(config, 'path = "types/database.remote.ts"')
    assert located(findings, root) == [("pgdrift.toml", line, 0, "PGD104")]
    assert findings[0].message == "types/database.remote.ts does not exist"


def test_without_a_database_the_static_model_is_used(root: Path, project: Project) -> None:
    with_db, _ = run_family(project, run)
    without_db, _ = run_family(project, run, use_db=False)
    assert [(f.span, f.message) for f in without_db] == [(f.span, f.message) for f in with_db]


def test_local_database_behind_the_types(
    root: Path,
    workspace: tuple[Path, Project, str],
    fresh: str,
    make_db: MakeDb,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = make_db(migrations_sql() + "\nalter table public.tags add column color text;\n")
    monkeypatch.setenv("PGDRIFT_LOCAL_DB_URL", url)
    (root / LOCAL).write_text(fresh, encoding="utf-8")
    project = Project.load(root)
    shadow = workspace[1].shadow_schema()
    monkeypatch.setattr(project, "shadow_schema", lambda server_url=None: shadow)
    findings, notes = run_family(project, run)
    types = root / LOCAL
    tags = line_of(types, "tags: {")
    assert located(findings, root) == [(LOCAL, tags, column_of(types, tags, "tags"), "PGD102")]
    assert findings[0].message == (
        f"column public.tags.color is not in {LOCAL} but the local database has it; "
        "regenerate the local types"
    )
    assert notes == []


def test_local_database_matching_the_migrations_adds_nothing(
    root: Path,
    workspace: tuple[Path, Project, str],
    make_db: MakeDb,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PGDRIFT_LOCAL_DB_URL", make_db(migrations_sql()))
    project = Project.load(root)
    shadow = workspace[1].shadow_schema()
    monkeypatch.setattr(project, "shadow_schema", lambda server_url=None: shadow)
    findings, _ = run_family(project, run)
    assert {f.code for f in findings} == {"PGD101"}


def test_registered_with_the_engine(root: Path, project: Project) -> None:
    result = run_checks(project, use_db=True)
    codes = [f.code for f in result.findings if f.code.startswith("PGD1")]
    assert codes == ["PGD101"] * 5
