"""``pgdrift db reset`` on real databases: rebuild, history, seed, refusals."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from pgdrift.cli import main
from pgdrift.dbreset import ResetError, reset_database, seed_files
from pgdrift.history import read_history, split_statements
from pgdrift.project import Project

MakeDb = Callable[..., str]
PROJECTS = Path(__file__).parent / "fixtures" / "projects"
SECRET = "s3cr3t-pw"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    target = tmp_path / "supabase_reset"
    shutil.copytree(PROJECTS / "supabase_reset", target)
    return target.resolve()


@pytest.fixture(autouse=True)
def no_local_database(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PGDRIFT_LOCAL_DB_URL", raising=False)


def query(url: str, sql: str) -> list[tuple[object, ...]]:
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(sql).fetchall()  # type: ignore[arg-type]


def execute(url: str, sql: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def expected_history(root: Path) -> list[tuple[str, str, tuple[str, ...]]]:
    rows = []
    for path in sorted((root / "supabase" / "migrations").glob("*.sql")):
        version, _, name = path.stem.partition("_")
        statements = tuple(s.text for s in split_statements(path.read_text(encoding="utf-8")))
        rows.append((version, name, statements))
    return rows


def history(url: str) -> list[tuple[str, str, tuple[str, ...] | None]]:
    rows = read_history(url)
    assert rows is not None
    return [(r.version, r.name, r.statements) for r in rows]


def counts(url: str) -> dict[str, object]:
    return {
        table: query(url, f"select count(*) from {table}")[0][0]
        for table in (
            "auth.users",
            "public.profiles",
            "public.notes",
            "app.settings",
            "storage.buckets",
        )
    }


def test_reset_rebuilds_records_and_seeds(project: Path, make_db: MakeDb) -> None:
    url = make_db("create table public.leftover (id int)")
    result = reset_database(Project.load(project), url)
    assert result.method == "recreated"
    assert result.standins  # plain Postgres: the platform comes from pgdrift
    assert [f.version for f in result.applied] == [
        "20240101000000",
        "20240102000000",
        "20240103000000",
    ]
    assert result.seeds == ("supabase/seed.sql",)
    assert query(url, "select to_regclass('public.leftover')") == [(None,)]
    assert history(url) == expected_history(project)
    # The seed ran after the migrations: the trigger made the profile.
    assert query(url, "select username from public.profiles") == [("seed",)]
    assert counts(url) == {
        "auth.users": 1,
        "public.profiles": 1,
        "public.notes": 1,
        "app.settings": 1,
        "storage.buckets": 1,
    }
    seed = project / "supabase" / "seed.sql"
    assert query(url, "select path, hash from supabase_migrations.seed_files") == [
        ("supabase/seed.sql", hashlib.sha256(seed.read_bytes()).hexdigest())
    ]


def test_reset_is_idempotent(project: Path, make_db: MakeDb) -> None:
    url = make_db()
    reset_database(Project.load(project), url)
    first = (history(url), counts(url))
    execute(url, "create table public.by_hand (id int); insert into app.settings values ('x', '1')")
    again = reset_database(Project.load(project), url)
    assert again.method == "recreated"
    assert (history(url), counts(url)) == first
    assert query(url, "select to_regclass('public.by_hand')") == [(None,)]


def test_reset_clears_a_supabase_database(project: Path, make_db: MakeDb) -> None:
    url = make_db()
    reset_database(Project.load(project), url)
    # What a real Supabase database has and pgdrift's stand-ins do not.
    execute(
        url,
        "create table auth.schema_migrations (version text primary key);"
        "insert into auth.schema_migrations values ('gotrue');"
        "create schema scratch; create table scratch.t (id int);"
        "create function public.by_hand(a int, b text) returns int language sql as 'select 1';"
        "create type public.mood as enum ('ok');"
        "create domain public.positive as int check (value > 0);"
        "create sequence public.counter;"
        "create materialized view public.mv as select 1 as one;"
        "create policy by_hand on storage.objects for select using (false);"
        "create publication by_hand;",
    )
    result = reset_database(Project.load(project), url)
    assert result.method == "cleared"
    assert not result.standins  # the platform is there: kept, not re-applied
    gone = query(
        url,
        "select to_regnamespace('scratch'), to_regprocedure('public.by_hand(int, text)'), "
        "to_regtype('public.mood'), to_regtype('public.positive'), "
        "to_regclass('public.counter'), to_regclass('public.mv')",
    )
    assert gone == [(None,) * 6]
    assert query(url, "select policyname from pg_policies where tablename = 'objects'") == [
        ("Avatars are public",)
    ]
    assert query(url, "select pubname from pg_publication order by 1") == [
        ("app_changes",),
        ("supabase_realtime",),
    ]
    # The platform's own bookkeeping stays; its data tables were emptied, then seeded.
    assert query(url, "select version from auth.schema_migrations") == [("gotrue",)]
    assert counts(url)["auth.users"] == 1
    assert history(url) == expected_history(project)


def test_no_seed(project: Path, make_db: MakeDb) -> None:
    url = make_db()
    result = reset_database(Project.load(project), url, seed=False)
    assert result.seeds == ()
    assert query(url, "select count(*) from auth.users") == [(0,)]
    assert query(url, "select to_regclass('supabase_migrations.seed_files')") == [(None,)]


def test_seed_settings(project: Path) -> None:
    config = project / "supabase" / "config.toml"
    (project / "supabase" / "seeds").mkdir()
    for name in ("b.sql", "a.sql"):
        (project / "supabase" / "seeds" / name).write_text("select 1;\n", encoding="utf-8")
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('["./seed.sql"]', '["./seeds/*.sql", "./seed.sql"]'), "utf-8")
    names = [p.relative_to(project).as_posix() for p in seed_files(Project.load(project))]
    assert names == ["supabase/seeds/a.sql", "supabase/seeds/b.sql", "supabase/seed.sql"]
    config.write_text(text.replace("enabled = true", "enabled = false"), "utf-8")
    assert seed_files(Project.load(project)) == []


def test_failing_migration_keeps_and_records_the_earlier_ones(
    project: Path, make_db: MakeDb, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = project / "supabase" / "migrations" / "20240104000000_bad.sql"
    bad.write_text("select 1;\nalter table public.nope add column x int;\n", encoding="utf-8")
    url = make_db()
    code = main(["db", "reset", "--project", str(project), "--db-url", url])
    err = capsys.readouterr().err
    assert code == 2
    assert err == (
        "pgdrift: error: supabase/migrations/20240104000000_bad.sql:2:1: relation "
        '"public.nope" does not exist; 3 of 4 migrations applied before it, the local '
        "database is incomplete\n"
    )
    assert [row[0] for row in history(url)] == [
        "20240101000000",
        "20240102000000",
        "20240103000000",
    ]


def test_cli_reports_what_it_did(
    project: Path,
    make_db: MakeDb,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = make_db()
    monkeypatch.setenv("PGDRIFT_LOCAL_DB_URL", url)
    monkeypatch.chdir(project)
    assert main(["db", "reset"]) == 0
    err = capsys.readouterr().err
    assert err.endswith(
        "; applied pgdrift's Supabase stand-ins; applied 3 migrations and recorded them; "
        "seeded from supabase/seed.sql\n"
    )
    assert err.startswith("recreated ")


def test_refuses_a_remote_database_without_connecting(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a connection was attempted")

    monkeypatch.setattr(psycopg, "connect", refuse)
    url = f"postgresql://app:{SECRET}@db.example.com:5432/prod"
    code = main(["db", "reset", "--project", str(project), "--db-url", url])
    err = capsys.readouterr().err
    assert code == 2
    assert err == (
        "pgdrift: error: refusing to reset postgresql://app:***@db.example.com:5432/prod: "
        "it is not on this machine (loopback or Unix socket); pass --force to reset it anyway\n"
    )
    with pytest.raises(ResetError):
        reset_database(Project.load(project), "host=10.0.0.5 dbname=prod")


def test_force_goes_past_the_refusal(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"postgresql://app:{SECRET}@127.0.0.2:1/prod"  # not loopback to pgdrift; nothing there
    code = main(["db", "reset", "--project", str(project), "--db-url", url, "--force"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("pgdrift: error: cannot connect to postgresql://app:***@127.0.0.2:1/prod")
    assert SECRET not in err


def test_wrong_password_is_masked(
    project: Path, password_server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # A server that checks passwords (the local test server trusts every login).
    port = psycopg.conninfo.conninfo_to_dict(password_server)["port"]
    url = f"postgresql://app:{SECRET}@127.0.0.1:{port}/postgres"
    code = main(["db", "reset", "--project", str(project), "--db-url", url, "--no-seed"])
    err = capsys.readouterr().err
    assert code == 2
    assert SECRET not in err
    assert err == (
        f"pgdrift: error: cannot connect to postgresql://app:***@127.0.0.1:{port}/postgres: "
        'password authentication failed for user "app"\n'
    )


def test_duplicate_versions_are_refused_before_anything(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(psycopg, "connect", lambda *a, **k: pytest.fail("connected"))
    root = PROJECTS / "migrations_files"
    code = main(["db", "reset", "--project", str(root), "--db-url", "postgresql://127.0.0.1/x"])
    assert code == 2
    assert capsys.readouterr().err == (
        "pgdrift: error: two migrations share version 20240102000000: "
        "supabase/migrations/20240102000000_prices.sql, "
        "supabase/migrations/20240102000000_tags.sql\n"
    )


def test_bad_arguments(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "reset", "--project", str(tmp_path / "nope")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["db", "reset", "--project", str(tmp_path), "--db-url", "postgresql://x"]) == 2
    assert "no migrations in" in capsys.readouterr().err
    (tmp_path / "supabase" / "migrations").mkdir(parents=True)
    assert main(["db", "reset", "--project", str(tmp_path), "--db-url", "port=notanumber"]) == 2
    assert "pgdrift: error: " in capsys.readouterr().err


def test_recreated_database_keeps_its_owner(project: Path, make_db: MakeDb) -> None:
    url = make_db()
    name = query(url, "select current_database()")[0][0]
    execute(
        url,
        "do $$ begin create role pgdrift_reset_owner nologin; "
        "exception when duplicate_object then null; end $$",
    )
    execute(url, f'alter database "{name}" owner to pgdrift_reset_owner')
    assert reset_database(Project.load(project), url, seed=False).method == "recreated"
    owner = query(
        url, "select pg_get_userbyid(datdba) from pg_database where datname = current_database()"
    )
    assert owner == [("pgdrift_reset_owner",)]


def test_clears_when_it_may_not_recreate(
    project: Path, make_db: MakeDb, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dataclasses

    from pgdrift import dbreset

    url = make_db()
    reset_database(Project.load(project), url)
    real = dbreset._inspect
    monkeypatch.setattr(
        dbreset, "_inspect", lambda u: dataclasses.replace(real(u), may_recreate=False)
    )
    execute(url, "create table public.by_hand (id int)")
    result = reset_database(Project.load(project), url)
    assert (result.method, result.standins) == ("cleared", False)  # stand-ins still there
    assert query(url, "select to_regclass('public.by_hand')") == [(None,)]
    assert history(url) == expected_history(project)
    assert counts(url)["public.profiles"] == 1
