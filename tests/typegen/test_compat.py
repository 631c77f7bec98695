"""pgdrift's TypeScript types against the real ``supabase gen types typescript``.

Each ``tests/fixtures/typegen/compat/*.sql`` file is loaded into its own fresh
database; the real generator (postgres-meta 0.96.6 with prettier 3.5.3, see
``tests/oracle.py``) and pgdrift both generate types for the schemas the file's
``-- schemas:`` header names, and the two texts must be identical byte for byte.

The generator is a Node process taking a second or two per run, so all the
selected files are loaded and run through it on a small thread pool as soon
as the first test asks; each test then only waits for its own result, renders
with pgdrift and compares. The last test runs the ``pgdrift gen types`` command
itself on the shared sample schema.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from oracle import diff_report, ensure_installed, run_oracle, to_url
from pgdrift.db import with_database

pytestmark = pytest.mark.oracle

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "typegen"
COMPAT_DIR = FIXTURES / "compat"
CASES = sorted(COMPAT_DIR.glob("*.sql"))
SAMPLE_SQL = FIXTURES / "sample_schema.sql"
CLI_SCHEMAS = ["public", "app"]
MIN_CASES = 24
_SCHEMAS_HEADER = re.compile(r"\A-- schemas: *(?P<list>\S+) *\n")
_COVERS = re.compile(r"^-- Covers: ", re.M)


def declared_schemas(sql: str, path: Path) -> list[str]:
    """The schema list from a compat file's first line, ``-- schemas: a,b,c``."""
    match = _SCHEMAS_HEADER.match(sql)
    if match is None:
        raise ValueError(f"{path.name}: the first line must be `-- schemas: <comma list>`")
    return match["list"].split(",")


def render_pgdrift(url: str, schemas: list[str]) -> str:
    """pgdrift's output for a database, the way ``pgdrift gen types`` produces it."""
    from pgdrift.sources.catalog import introspect_url
    from pgdrift.typegen.typescript import render_typescript

    return render_typescript(introspect_url(url, schemas), schemas)


def assert_same_as_oracle(expected: str, actual: str, what: str) -> None:
    assert isinstance(actual, str), f"{what}: pgdrift returned {type(actual).__name__}"
    if actual != expected:
        pytest.fail(
            f"{what}: pgdrift differs from supabase gen types\n{diff_report(expected, actual)}",
            pytrace=False,
        )


# --------------------------------------------------------------------------- fixtures


@dataclass(frozen=True)
class OracleRun:
    url: str
    schemas: list[str]
    output: str


class CompatDatabases:
    """Loads compat files into fresh databases and runs the generator on each, in the
    background; :meth:`get` waits for one file's result (or raises its error)."""

    def __init__(self, server_url: str, jobs: dict[Path, list[str] | None]) -> None:
        self._server_url = server_url
        self._created: list[str] = []
        workers = min(4, (os.cpu_count() or 1) + 1)
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="oracle")
        self._runs: dict[Path, Future[OracleRun]] = {
            path: self._pool.submit(self._prepare, path, schemas) for path, schemas in jobs.items()
        }

    def _prepare(self, path: Path, schemas: list[str] | None) -> OracleRun:
        sql = path.read_text(encoding="utf-8")
        schemas = schemas or declared_schemas(sql, path)
        name = f"pgdrift_test_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self._server_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        self._created.append(name)
        url = with_database(self._server_url, name)
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(sql)
        return OracleRun(url, schemas, run_oracle(url, schemas))

    def get(self, path: Path) -> OracleRun:
        return self._runs[path].result()

    def close(self) -> None:
        for future in self._runs.values():
            future.cancel()
        self._pool.shutdown(wait=True)
        with psycopg.connect(self._server_url, autocommit=True) as conn:
            for name in self._created:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def compat_dbs(server_url: str, request: pytest.FixtureRequest) -> Iterator[CompatDatabases]:
    # Install (or find) the generator once, up front: without Node/npm every test fails
    # with the reason instead of being skipped.
    ensure_installed()
    items = [i for i in request.session.items if getattr(i, "module", None) is request.module]
    jobs: dict[Path, list[str] | None] = {
        item.callspec.params["case"]: None for item in items if hasattr(item, "callspec")
    }
    if any(item.name == "test_cli_gen_types_matches_supabase" for item in items):
        jobs[SAMPLE_SQL] = CLI_SCHEMAS
    dbs = CompatDatabases(server_url, jobs)
    yield dbs
    dbs.close()


# --------------------------------------------------------------------------- tests


def test_compat_fixtures_are_well_formed() -> None:
    assert len(CASES) >= MIN_CASES, f"expected at least {MIN_CASES} compat schemas in {COMPAT_DIR}"
    for path in CASES:
        sql = path.read_text(encoding="utf-8")
        schemas = declared_schemas(sql, path)
        assert schemas and all(schemas), f"{path.name}: empty schema name in the header"
        assert len(set(schemas)) == len(schemas), f"{path.name}: duplicate schema in the header"
        assert _COVERS.search(sql), f"{path.name}: no `-- Covers:` line naming the rules"


@pytest.mark.parametrize("case", CASES, ids=[p.stem for p in CASES])
def test_matches_supabase_gen_types(case: Path, compat_dbs: CompatDatabases) -> None:
    run = compat_dbs.get(case)
    assert run.output.startswith("export type Json =") and run.output.endswith("} as const\n\n"), (
        f"{case.name}: unexpected generator output:\n{run.output[:500]}"
    )
    actual = render_pgdrift(run.url, run.schemas)
    assert_same_as_oracle(run.output, actual, f"{case.name} (schemas {','.join(run.schemas)})")


def test_cli_gen_types_matches_supabase(compat_dbs: CompatDatabases, tmp_path: Path) -> None:
    """``pgdrift gen types`` as a user runs it on the sample schema: stdout, then ``--out``
    with ``--check`` against the generator's own file."""
    run = compat_dbs.get(SAMPLE_SQL)
    base = [sys.executable, "-m", "pgdrift", "gen", "types", "--lang", "ts"]
    base += ["--db-url", to_url(run.url)]
    base += [arg for schema in run.schemas for arg in ("--schema", schema)]
    done = subprocess.run(base, cwd=tmp_path, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert_same_as_oracle(run.output, done.stdout.decode("utf-8"), "pgdrift gen types (stdout)")

    committed = tmp_path / "database.types.ts"
    committed.write_bytes(run.output.encode("utf-8"))
    check = subprocess.run(
        [*base, "--out", str(committed), "--check"], cwd=tmp_path, capture_output=True, timeout=120
    )
    assert check.returncode == 0, (
        f"--check against the generator's own file exited {check.returncode}:\n"
        f"{check.stdout.decode('utf-8', 'replace')[:4000]}{check.stderr.decode('utf-8', 'replace')}"
    )
