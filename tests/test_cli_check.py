"""``pgdrift check`` and ``pgdrift init`` as processes: formats, exit codes, scoping."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SECRET = "hunter2-Secret"

TSCONFIG = '{"compilerOptions": {"baseUrl": ".", "paths": {"@db/*": ["types/*"]}}}\n'
REMOTE_IMPORT = 'import type { Database } from "@db/database.remote"\nexport type D = Database\n'
LOCAL_IMPORT = 'import type { Database } from "@db/database.local"\nexport type D = Database\n'


def pgdrift(
    *args: str | Path, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("PGDRIFT_")}
    return subprocess.run(
        [sys.executable, "-m", "pgdrift", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={**base, "NO_COLOR": "1", **(env or {})},
        check=False,
    )


def make_project(root: Path, files: dict[str, str]) -> Path:
    """A boundary-only project: two types files, a tsconfig alias, no migrations."""
    base = {
        "pgdrift.toml": '[boundary]\napp = ["src/**"]\n',
        "tsconfig.json": TSCONFIG,
        "types/database.local.ts": "export type Database = {}\n",
        "types/database.remote.ts": "export type Database = {}\n",
    }
    for name, text in {**base, **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_clean_project_exits_0(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"src/a.ts": LOCAL_IMPORT})
    proc = pgdrift("check", "--no-db", cwd=root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout == "All checks passed!\n"


def test_findings_exit_1_in_every_format(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"src/b.ts": REMOTE_IMPORT, "src/a.ts": REMOTE_IMPORT})
    text = pgdrift("check", "--no-db", cwd=root)
    assert text.returncode == 1
    assert text.stdout.startswith("src/a.ts:1:32: PGD301 [*] ")

    findings = json.loads(pgdrift("check", "--no-db", "--format", "json", cwd=root).stdout)
    assert [(f["code"], f["path"], f["location"]) for f in findings] == [
        ("PGD301", "src/a.ts", {"row": 1, "column": 32}),
        ("PGD301", "src/b.ts", {"row": 1, "column": 32}),
    ]
    assert set(findings[0]) == {
        "code", "severity", "message", "path", "location", "end_location", "fix", "url",
    }  # fmt: skip

    github = pgdrift("check", "--no-db", "--format", "github", cwd=root).stdout.splitlines()
    assert github[0].startswith("::error file=src/a.ts,line=1,col=32,endLine=1,endColumn=")
    assert ",title=PGD301::" in github[0]

    sarif = json.loads(pgdrift("check", "--no-db", "--format", "sarif", cwd=root).stdout)
    (run,) = sarif["runs"]
    assert run["tool"]["driver"]["name"] == "pgdrift"
    assert [r["ruleId"] for r in run["results"]] == ["PGD301", "PGD301"]


def test_paths_limit_application_checks(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"src/a.ts": REMOTE_IMPORT, "src/b.ts": REMOTE_IMPORT})
    proc = pgdrift("check", "--no-db", "--format", "json", "src/b.ts", cwd=root)
    assert [f["path"] for f in json.loads(proc.stdout)] == ["src/b.ts"]


def test_changed_since_checks_only_changed_files(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"src/old.ts": REMOTE_IMPORT})
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run([*git, "add", "-A"], cwd=root, check=True)
    subprocess.run([*git, "commit", "-qm", "base"], cwd=root, check=True)
    (root / "src" / "new.ts").write_text(REMOTE_IMPORT)
    subprocess.run([*git, "add", "-A"], cwd=root, check=True)
    proc = pgdrift("check", "--no-db", "--format", "json", "--changed-since", "HEAD", cwd=root)
    assert [f["path"] for f in json.loads(proc.stdout)] == ["src/new.ts"]

    bad = pgdrift("check", "--no-db", "--changed-since", "no-such-ref", cwd=root)
    assert bad.returncode == 2
    assert bad.stderr.startswith("pgdrift: error: --changed-since no-such-ref: ")


def test_unreachable_remote_database_is_a_note_and_other_checks_run(tmp_path: Path) -> None:
    # With migrations, the history checks read each database's migration table.
    root = make_project(
        tmp_path,
        {
            "src/a.ts": REMOTE_IMPORT,
            "supabase/migrations/20240101000000_init.sql": "create table public.t (id int);\n",
        },
    )
    env = {
        "PGDRIFT_LOCAL_DB_URL": "postgresql://postgres@127.0.0.1:1/local",
        "PGDRIFT_REMOTE_DB_URL": f"postgresql://app:{SECRET}@127.0.0.1:1/prod",
    }
    proc = pgdrift("check", "--format", "json", cwd=root, env=env)
    assert proc.returncode == 1, proc.stderr
    # The boundary and the stale types (local types lack table t) are still checked.
    assert [(f["code"], f["path"]) for f in json.loads(proc.stdout)] == [
        ("PGD301", "src/a.ts"),
        ("PGD101", "types/database.local.ts"),
    ]
    assert "remote database unavailable" in proc.stderr
    assert "postgresql://app:***@127.0.0.1:1/prod" in proc.stderr
    assert SECRET not in proc.stderr + proc.stdout


def test_no_db_does_not_report_suppressions_of_checks_it_skips(tmp_path: Path) -> None:
    # The pre-commit hook runs --no-db: a suppression of a replay failure (PGD401)
    # cannot be judged there, and must not fail the commit.
    migration = (
        "create table public.a (id bigint primary key);\n"
        'create policy "p" on public.a for select using (true);\n'
        "-- pgdrift-ignore PGD401: duplicate kept on purpose\n"
        'create policy "p" on public.a for select using (true);\n'
    )
    root = tmp_path
    path = root / "supabase/migrations/20240101000000_init.sql"
    path.parent.mkdir(parents=True)
    (root / "supabase/config.toml").write_text('project_id = "t"\n')
    path.write_text(migration)
    proc = pgdrift("check", "--no-db", cwd=root)
    assert (proc.returncode, proc.stdout) == (0, "All checks passed!\n"), proc.stderr
    # A suppression of a check that did run, and found nothing, is still
    # reported; and the policy created twice is found without a database.
    path.write_text(migration.replace("PGD401", "PGD404"))
    proc = pgdrift("check", "--no-db", "--format", "json", cwd=root)
    assert proc.returncode == 1
    assert [(f["code"], f["location"]["row"]) for f in json.loads(proc.stdout)] == [
        ("PGD001", 3),
        ("PGD401", 4),
    ]


def test_a_suppression_above_a_multiline_import_applies(tmp_path: Path) -> None:
    source = (
        "// pgdrift-ignore PGD301: one-off report, reviewed\n"
        "import type {\n"
        "  Database,\n"
        '} from "@db/database.remote"\n'
        "export type D = Database\n"
    )
    root = make_project(tmp_path, {"src/report.ts": source})
    proc = pgdrift("check", "--no-db", cwd=root)
    assert (proc.returncode, proc.stdout) == (0, "All checks passed!\n"), proc.stderr
    (root / "src/report.ts").write_text(source.replace("PGD301", "PGD302"))
    proc = pgdrift("check", "--no-db", "--format", "json", cwd=root)
    found = [(f["code"], f["location"]["row"]) for f in json.loads(proc.stdout)]
    assert found == [("PGD001", 1), ("PGD301", 4)]


def test_a_types_table_instead_of_an_array_still_checks_the_boundary(tmp_path: Path) -> None:
    config = '[types]\npath = "types/database.local.ts"\nsource = "local"\n'
    root = make_project(tmp_path, {"pgdrift.toml": config, "src/a.ts": REMOTE_IMPORT})
    proc = pgdrift("check", "--no-db", "--format", "json", cwd=root)
    found = [(f["code"], f["path"], f["location"]["row"]) for f in json.loads(proc.stdout)]
    assert found == [("PGD002", "pgdrift.toml", 1), ("PGD301", "src/a.ts", 1)]


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    root = make_project(tmp_path, {})
    proc = pgdrift("check", "--no-db", "src/nope.ts", cwd=root)
    assert proc.returncode == 2
    assert proc.stderr == "pgdrift: error: src/nope.ts does not exist\n"


def test_config_with_wrong_types_is_reported_and_checks_still_run(tmp_path: Path) -> None:
    root = make_project(
        tmp_path,
        {"pgdrift.toml": '[boundary]\napp = "src/**"\n', "src/a.ts": REMOTE_IMPORT},
    )
    proc = pgdrift("check", "--no-db", "--format", "json", cwd=root)
    codes = [(f["code"], f["path"], f["location"]["row"]) for f in json.loads(proc.stdout)]
    assert ("PGD002", "pgdrift.toml", 2) in codes
    assert ("PGD301", "src/a.ts", 1) in codes


@pytest.mark.parametrize("layout", ["supabase", "plain"])
def test_init_writes_a_config_that_loads_cleanly(tmp_path: Path, layout: str) -> None:
    from pgdrift.config import load_config

    if layout == "supabase":
        (tmp_path / "supabase" / "migrations").mkdir(parents=True)
        (tmp_path / "supabase" / "config.toml").write_text('[api]\nschemas = ["public", "api"]\n')
    proc = pgdrift("init", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    config = load_config(tmp_path)
    assert config.problems == ()
    assert config.path == tmp_path / "pgdrift.toml"
    if layout == "supabase":
        assert config.schemas == ("public", "api")

    again = pgdrift("init", cwd=tmp_path)
    assert again.returncode == 2
    assert "exists; pass --force to overwrite it" in again.stderr


def test_freshly_generated_types_with_default_schemas_are_not_stale(tmp_path: Path) -> None:
    # No [api].schemas and no `schemas` key: check must use the schemas that
    # gen types (like `supabase gen types`) includes, public and graphql_public.
    root = tmp_path
    files = {
        "supabase/config.toml": 'project_id = "demo"\n',
        "supabase/migrations/20240101000000_init.sql": "create table notes (id bigint primary key);\n",
        "pgdrift.toml": '[[types]]\npath = "types/database.local.ts"\nsource = "local"\n',
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    out = "types/database.local.ts"
    (root / "types").mkdir()
    gen = pgdrift("gen", "types", "--from", "migrations", "--static", "--out", out, cwd=root)
    assert gen.returncode == 0, gen.stderr
    assert "graphql_public" in (root / out).read_text()
    proc = pgdrift("check", "--no-db", cwd=root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout == "All checks passed!\n"


def test_a_crash_of_the_static_model_is_an_error_and_the_other_checks_still_run(
    tmp_path: Path,
) -> None:
    # A bug in pgdrift must not pass CI quietly: the run says which checks
    # did not run and exits 2, after reporting what the others found.
    root = make_project(
        tmp_path / "project",
        {
            "src/b.ts": REMOTE_IMPORT,
            "supabase/migrations/20240101000000_a.sql": "create table t (id int);\n",
        },
    )
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(
        "import pgdrift.sources.migrations as migrations\n\n\n"
        "def crash(*args, **kwargs):\n"
        "    raise KeyError('simulated bug')\n\n\n"
        "migrations.static_schema = crash\n"
    )
    for _run in range(2):  # a failure is not cached: the second run fails as well
        proc = pgdrift("check", "--no-db", cwd=root, env={"PYTHONPATH": str(hook)})
        assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "PGD301" in proc.stdout  # the boundary check still ran
    assert (
        "pgdrift: error: pgdrift's static analysis of the migrations failed "
        "(KeyError: 'simulated bug'), so PGD401, PGD402 and PGD403 did not run" in proc.stderr
    )
    # Without the bug, the same project passes those checks (nothing was cached).
    fixed = pgdrift("check", "--no-db", cwd=root)
    assert fixed.returncode == 1 and "error:" not in fixed.stderr, fixed.stderr


def test_a_bug_at_one_statement_names_it_and_is_an_error(tmp_path: Path) -> None:
    root = make_project(
        tmp_path / "project",
        {
            "src/a.ts": LOCAL_IMPORT,
            "supabase/migrations/20240101000000_a.sql": (
                "create table t (id int);\ncomment on table t is 'x';\n"
            ),
        },
    )
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(
        "from pgdrift.sources.replay import Replayer\n\n\n"
        "def crash(self, op):\n"
        "    raise KeyError('simulated bug')\n\n\n"
        "Replayer.op_Comment = crash\n"
    )
    proc = pgdrift("check", "--no-db", cwd=root, env={"PYTHONPATH": str(hook)})
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert (
        "pgdrift: error: supabase/migrations/20240101000000_a.sql:2: pgdrift failed while "
        "modelling this statement (KeyError: 'simulated bug')" in proc.stderr
    )
