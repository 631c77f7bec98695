"""``pgdrift diff A B``: sources and types files, text and JSON, exit codes."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from pgdrift.cli import main

MakeDb = Callable[..., str]
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "projects" / "typesync"


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    target = tmp_path / "typesync"
    shutil.copytree(FIXTURE, target)
    monkeypatch.chdir(target)
    monkeypatch.delenv("PGDRIFT_REMOTE_DB_URL", raising=False)
    monkeypatch.delenv("PGDRIFT_LOCAL_DB_URL", raising=False)
    return target


def migrations_sql() -> str:
    return "\n".join(p.read_text() for p in sorted((FIXTURE / "migrations").glob("*.sql")))


def test_identical_types_files_exit_0(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["diff", "types/database.local.ts", "types/database.remote.ts"])
    out = capsys.readouterr().out
    assert code == 0
    assert out == (
        "types/database.local.ts vs types/database.remote.ts: compared what generated "
        "TypeScript types express\n"
        "identical: 2 tables, 1 enum, 1 function, 1 relationship\n"
        "differs: nothing\n"
    )


def test_migrations_against_stale_types_exit_1(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["diff", "migrations", "types/database.local.ts", "--project", str(root)])
    out = capsys.readouterr().out
    assert code == 1
    assert out.splitlines()[:3] == [
        "migrations vs types/database.local.ts: compared what generated TypeScript types express",
        "identical: 1 function, 1 relationship",
        "differs: 3 tables, 1 enum, 1 relationship",
    ]
    assert "  - public.tags: only in migrations" in out
    assert '      labels: has label "shipped" only in migrations' in out


def test_json_format(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["diff", "types/database.local.ts", "migrations", "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 1
    assert data["a"] == "types/database.local.ts" and data["b"] == "migrations"
    assert data["precision"] == "typescript"
    tags = next(c for c in data["changes"] if c["name"] == "public.tags")
    assert tags["status"] == "added"
    assert tags["message"] == "table public.tags exists only in migrations"
    tag_id = next(c for c in data["changes"] if c["name"] == "public.orders.tag_id")
    # The static model of the migrations knows where the column came from.
    assert tag_id["b_location"] == {
        "path": "migrations/20240102000000_tags.sql",
        "line": 9,
        "column": 1,
    }
    assert tag_id["a_location"] is None


def test_live_databases(
    root: Path, make_db: MakeDb, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PGDRIFT_LOCAL_DB_URL", make_db(migrations_sql()))
    monkeypatch.setenv(
        "PGDRIFT_REMOTE_DB_URL",
        make_db(migrations_sql() + "\ncomment on table public.orders is '@graphql({})';"),
    )
    code = main(["diff", "local", "remote"])
    out = capsys.readouterr().out
    assert code == 1
    assert out.splitlines() == [
        "local vs remote: compared everything both sides describe",
        "identical: 3 tables, 1 enum, 1 function, 2 relationships",
        "differs: comments on 1 table",
        "",
        "Comments",
        "  ~ table public.orders",
        '      comment: none in local, "@graphql({})" in remote',
    ]
    # A database against a types file: compared at the file's precision.
    code = main(["diff", "local", "types/database.local.ts"])
    assert code == 1
    assert "differs: 3 tables, 1 enum, 1 relationship" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["diff", "types/nope.ts", "migrations"], "cannot read types/nope.ts: no such file"),
        (["diff", "staging", "local"], "staging: not a source"),
        (["diff", "local", "remote"], "no remote database: set PGDRIFT_REMOTE_DB_URL"),
        (["diff", "local", "local", "--project", "/no/such/dir"], "does not exist"),
    ],
)
def test_errors_exit_2(
    root: Path, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("pgdrift: error: ")
    assert message in err


def test_truncated_file_is_read_with_a_note(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    remote = root / "types" / "database.remote.ts"
    remote.write_text(remote.read_text()[:900])
    code = main(["diff", "types/database.local.ts", "types/database.remote.ts"])
    captured = capsys.readouterr()
    assert code == 1
    assert "pgdrift: note: types/database.remote.ts:" in captured.err
    assert "ends early" in captured.err


def test_migrations_are_modelled_for_the_server_that_replayed_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The shadow replays on the embedded Postgres (18) while the project
    # models 15: citext's functions differ between the two (argument names,
    # bodies), which is not drift in the migrations.
    (tmp_path / "supabase/migrations").mkdir(parents=True)
    (tmp_path / "supabase/config.toml").write_text('project_id = "t"\n[db]\nmajor_version = 15\n')
    (tmp_path / "supabase/migrations/20240101000000_a.sql").write_text(
        "create extension if not exists citext with schema public;\n"
        "create table public.users (id int primary key, email citext);\n"
    )
    code = main(["diff", "migrations", "shadow", "--project", str(tmp_path)])
    out = capsys.readouterr().out
    assert out.endswith("differs: nothing\n"), out
    assert code == 0


def test_the_static_model_is_compared_with_its_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # DDL run by dynamic SQL is beyond the static model (by design): the
    # later ALTER fails there while Postgres replays it. Checking the static
    # model against the shadow must say so, not quietly compare the replay
    # with itself.
    (tmp_path / "supabase/migrations").mkdir(parents=True)
    (tmp_path / "supabase/config.toml").write_text('project_id = "t"\n')
    (tmp_path / "supabase/migrations/20240101000000_a.sql").write_text(
        "do $$ begin execute 'create table public.dyn (id int)'; end $$;\n"
        "alter table public.dyn add column x int;\n"
    )
    code = main(["diff", "migrations", "shadow", "--project", str(tmp_path)])
    captured = capsys.readouterr()
    assert code == 1
    assert "pgdrift: error: static model: supabase/migrations/20240101000000_a.sql:2:" in (
        captured.err
    )
    assert "public.dyn" in captured.out
