"""The bundled example project, run the way the README tells a newcomer to.

``examples/acme`` carries deliberate problems (local types one migration
behind, remote types imported through a tsconfig alias and a barrel file and
through a Python package re-export, a misspelt column in a ``.select``);
``pgdrift check`` must report each, and exactly this report.
``pytest --update-golden`` rewrites the expected report (never silently).
"""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from oracle import run_oracle
from pgdrift.migrations_files import find_migrations
from pgdrift.sources.shadow import shadow_database

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "acme"
EXPECTED_CHECK = REPO / "tests" / "fixtures" / "example_check.txt"
SCHEMAS = ["public", "graphql_public"]


def pgdrift(
    *args: str | Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pgdrift", *map(str, args)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )


@pytest.fixture(scope="module")
def generator_output(server_url: str) -> str:
    """What supabase gen types prints for a database built from the example's migrations."""
    found = find_migrations(EXAMPLE)
    with shadow_database(found.files, supabase=True, server_url=server_url) as url:
        return run_oracle(url, SCHEMAS)


def test_readme_command_prints_what_supabase_gen_types_prints(generator_output: str) -> None:
    # As in the README: no --db-url, so pgdrift starts its own Postgres.
    proc = pgdrift("gen", "types", "--from", "migrations", "--project", "examples/acme")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == generator_output


def test_static_types_match_without_a_database(generator_output: str) -> None:
    env = {**os.environ, "PGHOST": "/nonexistent", "PGPORT": "1"}
    proc = pgdrift(
        "gen", "types", "--from", "migrations", "--static", "--project", EXAMPLE, env=env
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == generator_output


def test_check_reports_every_planted_problem(request: pytest.FixtureRequest) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PGDRIFT_")}
    env["PGDRIFT_LOCAL_DB_URL"] = "postgresql://postgres@127.0.0.1:1/postgres"  # not running
    env["NO_COLOR"] = "1"
    proc = pgdrift("check", "examples/acme", env=env)
    assert proc.returncode == 1, proc.stderr
    if request.config.getoption("--update-golden"):
        EXPECTED_CHECK.write_text(proc.stdout)
        warnings.warn(f"--update-golden rewrote {EXPECTED_CHECK}", stacklevel=1)
    assert proc.stdout == EXPECTED_CHECK.read_text()
    # Each planted problem, by code and place:
    for expected in (
        "types/database.local.ts:36:5: PGD101",  # stale: post_likes missing
        "src/services/reports.ts:2:32: PGD301",  # remote types via alias + barrel
        "python/acme/services/billing.py:3:21: PGD301",  # via a package re-export
        "src/services/posts.ts:7:18: PGD502",  # `titel`
    ):
        assert expected in proc.stdout
    assert "local database unavailable" in proc.stderr
