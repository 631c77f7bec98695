"""The migrations check family on real projects, with a real Postgres for the
replay and for each database's migration history."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from pgdrift.checks import migrations
from pgdrift.checks.engine import CheckRun, run_checks
from pgdrift.checks.finding import Finding, Severity
from pgdrift.dbreset import reset_database
from pgdrift.history import split_statements
from pgdrift.project import Project
from pgdrift.sources import shadow
from pgdrift.sources.shadow import MigrationFailed

PROJECTS = Path(__file__).parent.parent / "fixtures" / "projects"
UNREACHABLE = "postgresql://postgres@127.0.0.1:1/postgres"

MakeDb = Callable[..., str]
#: (code, path relative to the project, line, column, end column); 1-based.
Where = tuple[str, str, int, int, int]

# What `supabase` runs to make its history table (pkg/migration/history.go).
CLI_HISTORY_TABLE = """
CREATE SCHEMA IF NOT EXISTS supabase_migrations;
CREATE TABLE IF NOT EXISTS supabase_migrations.schema_migrations (version text NOT NULL PRIMARY KEY);
ALTER TABLE supabase_migrations.schema_migrations ADD COLUMN IF NOT EXISTS statements text[];
ALTER TABLE supabase_migrations.schema_migrations ADD COLUMN IF NOT EXISTS name text;
"""

# 20240101000000_init.sql of the supabase_reset fixture, as the CLI records it.
INIT_STATEMENTS = [
    "-- Profiles keyed by the auth user, created by a trigger on auth.users.\n"
    "create extension if not exists pg_trgm with schema extensions",
    "create type public.user_role as enum ('member', 'admin')",
    "create table public.profiles (\n"
    "  id uuid primary key references auth.users (id) on delete cascade,\n"
    "  username text unique check (username <> ';'),\n"
    "  role public.user_role not null default 'member'\n"
    ")",
    "create index profiles_username_trgm on public.profiles "
    "using gin (username extensions.gin_trgm_ops)",
    "alter table public.profiles enable row level security",
    'create policy "Profiles are readable" on public.profiles for select using (true)',
    "create function public.handle_new_user() returns trigger\n"
    "language plpgsql security definer set search_path = '' as $$\n"
    "begin\n"
    "  insert into public.profiles (id, username) values "
    "(new.id, new.raw_user_meta_data ->> 'username');\n"
    "  return new;\n"
    "end;\n"
    "$$",
    "create trigger on_auth_user_created\n"
    "  after insert on auth.users\n"
    "  for each row execute procedure public.handle_new_user()",
]


@pytest.fixture(autouse=True)
def no_databases(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reaches a database it did not name (a Supabase project's
    default local URL could be a developer's running stack)."""
    monkeypatch.setenv("PGDRIFT_LOCAL_DB_URL", UNREACHABLE)
    monkeypatch.delenv("PGDRIFT_REMOTE_DB_URL", raising=False)


def copy(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copytree(PROJECTS / name, target)
    return target.resolve()


def project_from(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "project"
    (root / "supabase" / "migrations").mkdir(parents=True)
    (root / "supabase" / "config.toml").write_text('project_id = "t"\n', encoding="utf-8")
    for name, text in files.items():
        (root / "supabase" / "migrations" / name).write_text(text, encoding="utf-8")
    return root.resolve()


def check(root: Path, server_url: str | None = None, *, use_db: bool = True) -> CheckRun:
    """Run the family; replay on the test server (not an embedded one)."""
    project = Project.load(root)
    if use_db and server_url is not None:
        with contextlib.suppress(MigrationFailed):
            project.shadow_schema(server_url)
    return run_checks(project, use_db=use_db, families=[migrations.run])


def where(findings: list[Finding], root: Path) -> set[Where]:
    return {
        (
            f.code,
            Path(f.span.path).relative_to(root).as_posix(),
            f.span.start_line + 1,
            f.span.start_col + 1,
            f.span.end_col + 1,
        )
        for f in findings
    }


def message(findings: list[Finding], code: str) -> str:
    [found] = [f for f in findings if f.code == code]
    return found.message


# --- files ----------------------------------------------------------------------------

FILES_EXPECTED = {
    ("PGD404", "supabase/migrations/20240102000000_prices.sql", 1, 1, 23),
    ("PGD404", "supabase/migrations/20240102000000_tags.sql", 1, 1, 46),
    ("PGD405", "supabase/migrations/9_late.sql", 1, 1, 35),
    ("PGD406", "supabase/migrations/seed.sql", 1, 1, 65),
    ("PGD406", "supabase/migrations/20240103000000_stock.SQL", 1, 1, 47),
}


def test_file_checks(server_url: str) -> None:
    root = PROJECTS / "migrations_files"
    run = check(root.resolve(), server_url)
    assert where(run.findings, root.resolve()) == FILES_EXPECTED
    by_path = {Path(f.span.path).name: f for f in run.findings if f.code != "PGD404"}
    assert by_path["9_late.sql"].message == (
        "supabase/migrations/9_late.sql (version 9) runs after "
        "supabase/migrations/20240102000000_prices.sql (version 20240102000000): migrations "
        "run in file-name order, so versions of different lengths run out of numeric order; "
        "use versions of one length (supabase migration new uses 14 digits)"
    )
    assert by_path["seed.sql"].severity is Severity.INFO
    assert "(seed data belongs in supabase/seed.sql)" in by_path["seed.sql"].message
    assert by_path["20240103000000_stock.SQL"].message.endswith(
        "the extension must be a lower-case .sql"
    )
    dup = [f.message for f in run.findings if f.code == "PGD404"]
    assert (
        "version 20240102000000 is also used by supabase/migrations/20240102000000_tags.sql: "
        "the migration history keeps one row per version"
    ) in dup


def test_file_checks_need_no_database() -> None:
    root = (PROJECTS / "migrations_files").resolve()
    run = check(root, use_db=False)
    assert where(run.findings, root) == FILES_EXPECTED


def test_legacy_init_file_is_skipped(tmp_path: Path) -> None:
    root = project_from(
        tmp_path,
        {
            "20211101000000_init.sql": "create table a (id int);\n",
            "20220101000000_next.sql": "create table b (id int);\n",
        },
    )
    run = check(root, use_db=False)
    assert where(run.findings, root) == {
        ("PGD406", "supabase/migrations/20211101000000_init.sql", 1, 1, 25)
    }
    assert "legacy initial schema" in run.findings[0].message


def test_unreadable_migration_is_reported_once(tmp_path: Path, server_url: str) -> None:
    root = project_from(tmp_path, {"20240101000000_a.sql": "select 1;\n"})
    (root / "supabase" / "migrations" / "20240102000000_b.sql").write_bytes(b"select '\xe9';\n")
    run = check(root, server_url)
    assert [(f.code, Path(f.span.path).name) for f in run.findings] == [
        ("PGD003", "20240102000000_b.sql")
    ]
    assert "not UTF-8 (byte 0xe9 on line 1)" in run.findings[0].message


def test_projects_without_migrations_are_skipped(tmp_path: Path) -> None:
    assert check(tmp_path, use_db=False).findings == []


# --- replay and static model ----------------------------------------------------------


def test_syntax_error_from_the_replay(server_url: str) -> None:
    root = (PROJECTS / "migrations_broken").resolve()
    run = check(root, server_url)
    # Postgres stopped at the typo; nothing after it is second-guessed.
    assert where(run.findings, root) == {
        ("PGD402", "supabase/migrations/20240102000000_typo.sql", 3, 8, 13)
    }
    assert run.findings[0].message == 'syntax error at or near "tabel"'


def test_static_findings_without_a_database() -> None:
    root = (PROJECTS / "migrations_broken").resolve()
    run = check(root, use_db=False)
    assert where(run.findings, root) == {
        ("PGD403", "supabase/migrations/20240103000000_refs.sql", 1, 13, 24),
        ("PGD402", "supabase/migrations/20240103000000_refs.sql", 4, 1, 48),
    }
    # public.dynamic is created by a DO block: not reported as unknown.
    assert message(run.findings, "PGD403") == 'relation "public.item" does not exist'
    assert "--no-db: migrations were not replayed" in " ".join(run.notes)


def test_unknown_reference_from_the_replay(tmp_path: Path, server_url: str) -> None:
    root = project_from(
        tmp_path,
        {
            "20240101000000_a.sql": "create table public.a (id int);\n",
            "20240102000000_b.sql": "-- typo\nalter table public.nope add column x int;\n",
        },
    )
    run = check(root, server_url)
    assert where(run.findings, root) == {
        ("PGD403", "supabase/migrations/20240102000000_b.sql", 2, 13, 24)
    }
    assert run.findings[0].message == 'relation "public.nope" does not exist'


def test_other_failures(tmp_path: Path, server_url: str) -> None:
    root = project_from(
        tmp_path,
        {
            "20240101000000_a.sql": (
                "create table public.a (id int primary key);\n"
                'create policy "p" on public.a using (true);\n'
                '  create policy "p" on public.a using (true);\n'
            ),
        },
    )
    run = check(root, server_url)
    assert where(run.findings, root) == {
        ("PGD401", "supabase/migrations/20240101000000_a.sql", 3, 3, 9)
    }
    assert run.findings[0].message == (
        'migration fails to apply: policy "p" for table "a" already exists'
    )
    assert run.findings[0].severity is Severity.ERROR


def test_objects_created_twice_without_a_database(tmp_path: Path) -> None:
    root = project_from(
        tmp_path,
        {
            "20240101000000_a.sql": (
                "create table public.a (id int primary key, b jsonb);\n"
                'create policy "p" on public.a using (true);\n'
                '  create policy "p" on public.a using (true);\n'
                "alter table public.a add column b jsonb;\n"
            ),
        },
    )
    run = check(root, use_db=False)
    # Each on its statement's first line, as static findings are.
    assert where(run.findings, root) == {
        ("PGD401", "supabase/migrations/20240101000000_a.sql", 3, 3, 46),
        ("PGD401", "supabase/migrations/20240101000000_a.sql", 4, 1, 41),
    }
    assert sorted(f.message for f in run.findings) == [
        'migration fails to apply: column "b" of relation "a" already exists',
        'migration fails to apply: policy "p" for table "a" already exists',
    ]


def test_failures_the_static_model_is_sure_of_without_a_database(tmp_path: Path) -> None:
    # Each would fail on the server with this message (checked in
    # tests/sources/test_migrations_static.py).
    root = project_from(
        tmp_path,
        {
            "20240101000000_a.sql": (
                "create type public.mood as enum ('ok');\n"
                "create table public.a (id int primary key);\n"
                "create table public.b (id int, a_id int references public.a);\n"
                "create view public.v as select id from public.b;\n"
                "alter table public.b alter column id type bigint;\n"
                "alter table public.a drop constraint a_pkey;\n"
                "create trigger t before insert on public.b for each row execute function nope();\n"
                "create table public.c (m public.mood default 'meh');\n"
            ),
        },
    )
    run = check(root, use_db=False)
    fails = "migration fails to apply: "
    assert sorted((f.code, f.span.start_line + 1, f.message) for f in run.findings) == [
        ("PGD401", 5, fails + "cannot alter type of a column used by a view or rule"),
        (
            "PGD401",
            6,
            fails + "cannot drop constraint a_pkey on table a because other objects depend on it",
        ),
        ("PGD401", 8, fails + 'invalid input value for enum mood: "meh"'),
        ("PGD403", 7, "function nope() does not exist"),
    ]


def test_clean_project_is_silent(server_url: str) -> None:
    root = (PROJECTS / "supabase_reset").resolve()
    run = check(root, server_url)
    assert run.findings == []
    assert any(n.startswith("local database unavailable") for n in run.notes)


def test_replays_at_most_once(
    tmp_path: Path, server_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = (PROJECTS / "migrations_broken").resolve()
    calls: list[int] = []
    real = shadow.shadow_replay

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        kwargs["server_url"] = server_url
        return real(*args, **kwargs)

    monkeypatch.setattr(shadow, "shadow_replay", counting)
    project = Project.load(root)
    run = run_checks(project, families=[migrations.run, migrations.run])
    assert len(calls) == 1
    # Both runs found the same failure; the engine reports it once.
    assert [f.code for f in run.findings] == ["PGD402"]
    assert project.shadow_failure is not None


def test_suppression_in_the_migration(tmp_path: Path, server_url: str) -> None:
    root = project_from(
        tmp_path,
        {
            "20240101000000_a.sql": "create table a (id int);\n",
            "9_b.sql": "-- pgdrift-ignore PGD405: kept for history\ncreate table b (id int);\n",
        },
    )
    assert check(root, server_url).findings == []


# --- history ----------------------------------------------------------------------------


@pytest.fixture
def history_db(
    make_db: MakeDb,
) -> Iterator[Callable[[list[tuple[str, str, list[str] | None]]], str]]:
    """A database with the CLI's history table holding the given rows."""

    def make(rows: list[tuple[str, str, list[str] | None]]) -> str:
        url = make_db(CLI_HISTORY_TABLE)
        with psycopg.connect(url, autocommit=True) as conn:
            for version, name, statements in rows:
                conn.execute(
                    "INSERT INTO supabase_migrations.schema_migrations(version, name, statements) "
                    "VALUES (%s, %s, %s)",
                    (version, name, statements),
                )
        return url

    yield make


def notes_statements() -> list[str]:
    path = PROJECTS / "supabase_reset" / "supabase" / "migrations" / "20240103000000_notes.sql"
    return [s.text for s in split_statements(path.read_text(encoding="utf-8"))]


def test_history_pending_missing_and_edited(
    history_db: Callable[..., str], server_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    edited = list(INIT_STATEMENTS)
    edited[2] = edited[2].replace("on delete cascade", "on delete set null")
    url = history_db(
        [
            ("20231201000000", "dropped_later", ["select 1"]),
            ("20240101000000", "init", edited),
            ("20240102000000", "app", None),  # `migration repair`: nothing to compare
        ]
    )
    monkeypatch.setenv("PGDRIFT_LOCAL_DB_URL", url)
    root = (PROJECTS / "supabase_reset").resolve()
    run = check(root, server_url)
    assert where(run.findings, root) == {
        ("PGD408", "supabase/config.toml", 1, 1, 34),
        ("PGD409", "supabase/migrations/20240101000000_init.sql", 7, 3, 68),
        ("PGD407", "supabase/migrations/20240103000000_notes.sql", 1, 1, 76),
    }
    assert message(run.findings, "PGD408") == (
        "version 20231201000000 (dropped_later) is applied to local but has no migration "
        "file: restore the file, or record it as reverted with "
        "`supabase migration repair --status reverted 20231201000000`"
    )
    assert message(run.findings, "PGD409") == (
        "supabase/migrations/20240101000000_init.sql was edited after it was applied to "
        "local: statement 3 differs from the recorded one (recorded: `… primary key "
        "references auth.users (id) on delete set null,`); rebuild the local database "
        "with `pgdrift db reset`"
    )
    assert message(run.findings, "PGD407") == (
        "supabase/migrations/20240103000000_notes.sql is not applied to local: rebuild the "
        "local database with `pgdrift db reset` (or `supabase migration up`)"
    )


def test_history_matching_files_is_silent(
    history_db: Callable[..., str], server_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = PROJECTS / "supabase_reset" / "supabase" / "migrations" / "20240102000000_app.sql"
    app_statements = [line.rstrip(";") for line in app.read_text(encoding="utf-8").splitlines()]
    url = history_db(
        [
            ("20240101000000", "init", INIT_STATEMENTS),
            ("20240102000000", "app", app_statements),
            ("20240103000000", "notes", notes_statements()),
        ]
    )
    monkeypatch.setenv("PGDRIFT_REMOTE_DB_URL", url)
    run = check((PROJECTS / "supabase_reset").resolve(), server_url)
    assert run.findings == []


def test_timestamps_of_different_precision_are_ordered_as_moments(tmp_path: Path) -> None:
    # Prisma folders: 202310122339 (to the minute) is after 20231012153000 (to
    # the second), and it also runs after it: nothing to report.
    root = tmp_path / "prisma"
    for name in ("20231012153000_a", "202310122339_b", "20231013080000_c"):
        folder = root / "prisma" / "migrations" / name
        folder.mkdir(parents=True)
        (folder / "migration.sql").write_text(f"create table t_{name[-1]} (id int);\n")
    assert [f for f in check(root.resolve(), use_db=False).findings if f.code == "PGD405"] == []
    # Plain numbers of different lengths are still reported, without the
    # Supabase CLI's advice in a Prisma project.
    for name in ("10_x", "9_y"):
        folder = root / "prisma" / "migrations" / name
        folder.mkdir()
        (folder / "migration.sql").write_text(f"create table t_{name[-1]} (id int);\n")
    run = check(root.resolve(), use_db=False)
    assert message(run.findings, "PGD405") == (
        "prisma/migrations/9_y/migration.sql (version 9) runs after "
        "prisma/migrations/20231013080000_c/migration.sql (version 20231013080000): migrations "
        "run in file-name order, so versions of different lengths run out of numeric order; "
        "use versions of one length"
    )


def test_remote_history_out_of_order_added_and_removed(
    history_db: Callable[..., str], server_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    notes = notes_statements()
    url = history_db(
        [
            ("20240101000000", "init", [*INIT_STATEMENTS, "select 'dropped since'"]),
            ("20240103000000", "notes", notes[:2]),
        ]
    )
    monkeypatch.setenv("PGDRIFT_REMOTE_DB_URL", url)
    root = (PROJECTS / "supabase_reset").resolve()
    run = check(root, server_url)
    assert where(run.findings, root) == {
        # removed at the end: placed on the last statement still there
        ("PGD409", "supabase/migrations/20240101000000_init.sql", 24, 1, 36),
        ("PGD405", "supabase/migrations/20240102000000_app.sql", 1, 1, 19),
        # added: the trailing comment is a statement the CLI did not record
        ("PGD409", "supabase/migrations/20240103000000_notes.sql", 8, 1, 77),
    }
    edited = sorted(f.message for f in run.findings if f.code == "PGD409")
    assert edited == [
        "supabase/migrations/20240101000000_init.sql was edited after it was applied to remote: "
        "statements were removed after statement 8 (8 now, 9 recorded); write a new migration "
        "instead",
        "supabase/migrations/20240103000000_notes.sql was edited after it was applied to "
        "remote: statement 3 was added (3 statements now, 2 recorded); write a new migration "
        "instead",
    ]
    assert message(run.findings, "PGD405") == (
        "supabase/migrations/20240102000000_app.sql is not applied to remote, which already has "
        "the later version 20240103000000: `supabase db push` refuses it without "
        "--include-all; give it a new version"
    )


def test_database_without_history_is_a_note(
    make_db: MakeDb, server_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PGDRIFT_REMOTE_DB_URL", make_db())
    run = check((PROJECTS / "supabase_reset").resolve(), server_url)
    assert run.findings == []
    assert any("remote database has no migration history" in n for n in run.notes)


def test_unreachable_database_is_a_note_with_the_password_masked(
    server_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PGDRIFT_REMOTE_DB_URL", "postgresql://app:hunter2@127.0.0.1:1/prod")
    run = check((PROJECTS / "supabase_reset").resolve(), server_url)
    assert run.findings == []
    [note] = [n for n in run.notes if n.startswith("remote database unavailable")]
    assert "hunter2" not in note
    assert "app:***@127.0.0.1:1/prod" in note


def test_no_database_is_contacted_with_no_db(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a database was contacted")

    monkeypatch.setattr(psycopg, "connect", refuse)
    monkeypatch.setenv("PGDRIFT_REMOTE_DB_URL", UNREACHABLE)
    root = (PROJECTS / "supabase_reset").resolve()
    assert check(root, use_db=False).findings == []


def test_history_after_db_reset_is_clean(
    make_db: MakeDb, server_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    root = copy("supabase_reset", tmp_path)
    url = make_db()
    reset_database(Project.load(root), url)
    monkeypatch.setenv("PGDRIFT_LOCAL_DB_URL", url)
    assert check(root, server_url).findings == []
    # An edit after the reset is caught at the changed line.
    init = root / "supabase" / "migrations" / "20240101000000_init.sql"
    init.write_text(
        init.read_text(encoding="utf-8").replace("using (true)", "using (false)"), "utf-8"
    )
    run = check(root, server_url)
    assert where(run.findings, root) == {
        ("PGD409", "supabase/migrations/20240101000000_init.sql", 14, 1, 82)
    }
