"""``pgdrift gen types`` as a user runs it: real processes, real databases.

Every failure is one clear line on stderr, exit code 2, and nothing written.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from pgdrift.sources.catalog import introspect_url
from pgdrift.typegen.python import render_python
from pgdrift.typegen.typescript import render_typescript

REPO = Path(__file__).resolve().parents[1]
SECRET = "hunter2-Secret"

SCHEMA_SQL = """
create type public.mood as enum ('happy', 'sad');
create table public.people (
  id bigint generated always as identity primary key,
  name text not null,
  mood public.mood
);
"""


def pgdrift(*args: str | Path, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pgdrift", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def one_line_error(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("pgdrift: error: ")
    assert proc.stdout == ""
    return lines[0]


def test_prints_types_of_a_database(make_db) -> None:  # type: ignore[no-untyped-def]
    url = make_db(SCHEMA_SQL)
    proc = pgdrift("gen", "types", "--db-url", url, "--schema", "public")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == render_typescript(introspect_url(url, ["public"]), ["public"])
    assert 'mood: "happy" | "sad"' in proc.stdout


def test_python_types(make_db) -> None:  # type: ignore[no-untyped-def]
    url = make_db(SCHEMA_SQL)
    proc = pgdrift("gen", "types", "--lang", "py", "--db-url", url, "--schema", "public")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == render_python(introspect_url(url, ["public"]), ["public"])
    assert "class PublicPeople(BaseModel):" in proc.stdout


def test_out_writes_only_when_changed_and_check_reports_diff(make_db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url = make_db(SCHEMA_SQL)
    out = tmp_path / "database.ts"
    first = pgdrift("gen", "types", "--db-url", url, "--schema", "public", "--out", out)
    assert first.returncode == 0 and "written" in first.stderr
    stamp = out.stat().st_mtime_ns
    again = pgdrift("gen", "types", "--db-url", url, "--schema", "public", "--out", out)
    assert again.returncode == 0 and "unchanged" in again.stderr
    assert out.stat().st_mtime_ns == stamp

    current = pgdrift(
        "gen", "types", "--db-url", url, "--schema", "public", "--out", out, "--check"
    )
    assert current.returncode == 0 and current.stdout == ""

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("alter table public.people add column email text")
    stale = pgdrift("gen", "types", "--db-url", url, "--schema", "public", "--out", out, "--check")
    assert stale.returncode == 1
    assert stale.stdout.startswith(f"--- {out} (on disk)\n+++ {out} (generated)\n")
    assert "+          email: string | null\n" in stale.stdout
    assert out.stat().st_mtime_ns == stamp, "--check must not write"


def test_unreachable_database(tmp_path: Path) -> None:
    out = tmp_path / "types.ts"
    url = f"postgresql://app:{SECRET}@127.0.0.1:1/prod"
    proc = pgdrift("gen", "types", "--db-url", url, "--out", out)
    line = one_line_error(proc)
    assert SECRET not in proc.stderr
    assert line == (
        "pgdrift: error: cannot connect to postgresql://app:***@127.0.0.1:1/prod: Connection refused"
    )
    assert not out.exists()


def test_wrong_password_is_not_echoed(password_server: str, tmp_path: Path) -> None:
    port = psycopg.conninfo.conninfo_to_dict(password_server)["port"]
    url = f"postgresql://app:{SECRET}@127.0.0.1:{port}/postgres"
    proc = pgdrift("gen", "types", "--db-url", url, "--out", tmp_path / "types.ts")
    line = one_line_error(proc)
    assert SECRET not in proc.stderr
    assert line.endswith('password authentication failed for user "app"')
    assert not (tmp_path / "types.ts").exists()


def test_schema_that_does_not_exist(make_db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url = make_db(SCHEMA_SQL)
    out = tmp_path / "types.ts"
    proc = pgdrift("gen", "types", "--db-url", url, "--schema", "nope", "--out", out)
    line = one_line_error(proc)
    assert line.startswith('pgdrift: error: schema "nope" does not exist (available: public')
    assert not out.exists()


def test_out_in_missing_directory_fails_before_connecting(tmp_path: Path) -> None:
    out = tmp_path / "no" / "such" / "types.ts"
    # The URL is unreachable on purpose: the directory check must come first.
    proc = pgdrift("gen", "types", "--db-url", "postgresql://x@127.0.0.1:1/x", "--out", out)
    line = one_line_error(proc)
    assert line == f"pgdrift: error: cannot write {out}: directory {out.parent} does not exist"


def _project(tmp_path: Path, migrations: dict[str, str]) -> Path:
    root = tmp_path / "project"
    (root / "supabase" / "migrations").mkdir(parents=True)
    (root / "supabase" / "config.toml").write_text('[api]\nschemas = ["public"]\n')
    for name, text in migrations.items():
        (root / "supabase" / "migrations" / name).write_text(text)
    return root


def test_migration_that_fails_names_file_line_and_error(server_url: str, tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {
            "20240101000000_init.sql": "create table public.a (id int primary key);\n",
            "20240102000000_broken.sql": "-- a typo\n\ncreate index on public.a (idd);\n",
        },
    )
    out = root / "types.ts"
    out.write_text("old\n")
    proc = pgdrift(
        "gen", "types", "--from", "migrations", "--project", root,
        "--db-url", server_url, "--out", out,
    )  # fmt: skip
    line = one_line_error(proc)
    assert line == (
        "pgdrift: error: supabase/migrations/20240102000000_broken.sql:3:1: "
        'column "idd" does not exist'
    )
    assert out.read_text() == "old\n"


def test_static_model_with_errors_writes_nothing(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {
            "20240101000000_init.sql": "create table public.a (id int primary key);\n",
            "20240102000000_broken.sql": "-- a typo\n\nalter table public.b add column x int;\n",
        },
    )
    out = root / "types.ts"
    out.write_text("old\n")
    proc = pgdrift(
        "gen", "types", "--from", "migrations", "--static", "--project", root, "--out", out
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.splitlines() == [
        "pgdrift: error: supabase/migrations/20240102000000_broken.sql:3:1: "
        'relation "public.b" does not exist',
        "pgdrift: error: the static model of the migrations has 1 error; nothing was written "
        "(without --static, the migrations are replayed in Postgres)",
    ]
    assert out.read_text() == "old\n"


def test_interrupted_run_leaves_old_file(server_url: str, tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {"20240101000000_slow.sql": "create table public.t (id int);\nselect pg_sleep(30);\n"},
    )
    out = root / "types.ts"
    out.write_text("old types\n")
    proc = subprocess.Popen(
        [sys.executable, "-m", "pgdrift", "gen", "types", "--from", "migrations",
         "--project", str(root), "--db-url", server_url, "--out", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not _sleeping(server_url):
        time.sleep(0.1)
    assert _sleeping(server_url), "the migration never started"
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "interrupted; nothing was written" in stderr
    assert out.read_text() == "old types\n"
    assert sorted(p.name for p in root.iterdir()) == ["supabase", "types.ts"]


def _sleeping(server_url: str) -> bool:
    with psycopg.connect(server_url, autocommit=True) as conn:
        row = conn.execute(
            "select count(*) from pg_stat_activity where query like 'create table public.t%'"
        ).fetchone()
    return bool(row and row[0])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--check"], "pgdrift: error: --check needs --out FILE: the file to compare with"),
        (["--static"], "pgdrift: error: --static applies to --from migrations only"),
    ],
)
def test_usage_errors(args: list[str], message: str) -> None:
    proc = pgdrift("gen", "types", "--db-url", "postgresql://x@127.0.0.1:1/x", *args)
    assert one_line_error(proc) == message
