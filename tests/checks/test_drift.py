"""Drift (PGD201-PGD203) on the typesync fixture project.

Types files: the committed remote file describes the first migration only;
the local file is regenerated from both. Databases: two real ones, the
remote changed by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typesync import column_of, copy_project, line_of, located, migrations_sql, run_family

from pgdrift.checks.drift import run
from pgdrift.project import Project
from pgdrift.sources.catalog import introspect_url
from pgdrift.typegen.typescript import render_typescript

MakeDb = Callable[..., str]
LOCAL = "types/database.local.ts"
REMOTE = "types/database.remote.ts"


@pytest.fixture(scope="module")
def generated(server_url: str) -> Iterator[str]:
    """The types both migrations generate (from a database built from them, once)."""
    import uuid

    import psycopg

    from pgdrift.db import with_database

    name = f"pgdrift_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        url = with_database(server_url, name)
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(migrations_sql())  # type: ignore[arg-type]
        yield render_typescript(introspect_url(url, ["public"]), ["public"])
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("PGDRIFT_REMOTE_DB_URL", raising=False)
    monkeypatch.setenv("PGDRIFT_LOCAL_DB_URL", "postgresql://postgres@127.0.0.1:1/nothing")
    return copy_project(tmp_path)


def test_types_files_drift_at_the_lines_of_each_file(root: Path, generated: str) -> None:
    (root / LOCAL).write_text(generated, encoding="utf-8")
    findings, _ = run_family(Project.load(root), run, use_db=False)
    local = root / LOCAL
    tags = line_of(local, "tags: {")
    tag_id = line_of(local, "tag_id: number | null")
    fkey = line_of(local, 'foreignKeyName: "orders_tag_id_fkey"')
    bio = line_of(local, "bio: string", after="profiles: {")
    enum = line_of(local, "order_status:", after="Enums: {")
    assert located(findings, root) == sorted(
        [
            (LOCAL, fkey, column_of(local, fkey, "foreignKeyName"), "PGD201"),
            (LOCAL, tag_id, column_of(local, tag_id, "tag_id"), "PGD201"),
            (LOCAL, bio, column_of(local, bio, "bio"), "PGD201"),
            (LOCAL, tags, column_of(local, tags, "tags"), "PGD201"),
            (LOCAL, enum, column_of(local, enum, "order_status"), "PGD201"),
        ]
    )
    messages = sorted(f.message for f in findings)
    assert messages == [
        "column public.orders.tag_id exists only in the local types",
        "column public.profiles.bio is NOT NULL in the local types, nullable in the remote types",
        'enum public.order_status has label "shipped" only in the local types',
        "relationship orders_tag_id_fkey on public.orders (tag_id) → tags (id) exists only in "
        "the local types",
        "table public.tags exists only in the local types",
    ]


def test_what_only_the_remote_has_is_placed_in_the_remote_file(root: Path) -> None:
    remote = root / REMOTE
    text = remote.read_text(encoding="utf-8")
    remote.write_text(
        text.replace(
            "          username: string\n",
            "          username: string\n          legacy: string\n",
            1,
        ),
        encoding="utf-8",
    )
    findings, _ = run_family(Project.load(root), run, use_db=False)
    line = line_of(remote, "legacy: string")
    assert located(findings, root) == [(REMOTE, line, column_of(remote, line, "legacy"), "PGD201")]
    assert findings[0].message == "column public.profiles.legacy exists only in the remote types"


def test_identical_types_files_are_silent(root: Path) -> None:
    findings, notes = run_family(Project.load(root), run, use_db=False)
    assert findings == [] and notes == []


def test_a_broken_types_file_is_not_compared(root: Path) -> None:
    remote = root / REMOTE
    remote.write_text(remote.read_text(encoding="utf-8")[:500], encoding="utf-8")
    findings, notes = run_family(Project.load(root), run, use_db=False)
    assert findings == []
    assert notes == [
        f"{LOCAL} and {REMOTE} were not compared: {REMOTE} could not be read completely"
    ]


def test_databases_drift_placed_on_the_migration_that_created_the_object(
    root: Path, make_db: MakeDb, monkeypatch: pytest.MonkeyPatch
) -> None:
    local = make_db(migrations_sql())
    remote = make_db(
        migrations_sql()
        + """
        alter table public.orders alter column total type text;
        comment on table public.profiles is '@graphql({"totalCount": {"enabled": true}})';
        create table public.audit (id int);
        """
    )
    monkeypatch.setenv("PGDRIFT_LOCAL_DB_URL", local)
    monkeypatch.setenv("PGDRIFT_REMOTE_DB_URL", remote)
    findings, notes = run_family(Project.load(root), run)
    init = "migrations/20240101000000_init.sql"
    orders = line_of(root / init, "create table public.orders")
    profiles = line_of(root / init, "create table public.profiles")
    assert notes == []
    assert sorted(located(findings, root)) == sorted(
        [
            (init, orders, 0, "PGD202"),
            (init, profiles, 0, "PGD203"),
            ("pgdrift.toml", 0, 0, "PGD202"),  # the audit table is in no migration
        ]
    )
    by_code = {(f.code, f.span.path.endswith(".toml")): f.message for f in findings}
    assert by_code[("PGD202", False)] == (
        "column public.orders.total is numeric(10,2) in local, text in remote"
    )
    assert by_code[("PGD203", False)] == (
        'the comment on table public.profiles is "People who order things." in local, '
        '"@graphql({\\"totalCount\\": {\\"enabled\\": true}})" in remote'
    )
    assert by_code[("PGD202", True)] == "table public.audit exists only in remote"


def test_identical_databases_and_no_remote_are_silent(
    root: Path, make_db: MakeDb, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PGDRIFT_LOCAL_DB_URL", make_db(migrations_sql()))
    findings, notes = run_family(Project.load(root), run)
    assert findings == [] and notes == []  # no remote configured: nothing said
    monkeypatch.setenv("PGDRIFT_REMOTE_DB_URL", make_db(migrations_sql()))
    findings, notes = run_family(Project.load(root), run)
    assert findings == [] and notes == []


def test_unreachable_remote_is_a_note(
    root: Path, make_db: MakeDb, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PGDRIFT_LOCAL_DB_URL", make_db(migrations_sql()))
    monkeypatch.setenv("PGDRIFT_REMOTE_DB_URL", "postgresql://u:secret@127.0.0.1:1/x")
    findings, notes = run_family(Project.load(root), run)
    assert findings == []
    [note] = notes
    assert note.startswith("remote database unavailable") and "secret" not in note
