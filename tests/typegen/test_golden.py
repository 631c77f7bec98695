"""Golden file: the sample schema's types as the real generator printed them.

``tests/fixtures/typegen/sample_schema.ts`` is ``supabase gen types typescript``
output (postgres-meta 0.96.6, prettier 3.5.3) for ``sample_schema.sql`` with
schemas public, graphql_public and app, on PostgreSQL 15. This test needs no
Node: it compares pgdrift with the committed file. ``pytest --update-golden``
regenerates the file from the real generator and reports that it did.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from oracle import diff_report, run_oracle

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "typegen"
SAMPLE_SQL = FIXTURES / "sample_schema.sql"
GOLDEN = FIXTURES / "sample_schema.ts"
SCHEMAS = ["public", "graphql_public", "app"]
#: The server major version the golden file was generated on. Later versions change the
#: output (PostgreSQL 17 lets partitions inherit identity columns).
GOLDEN_SERVER_MAJOR = 15


def server_major(url: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.info.server_version // 10000


def test_sample_schema_matches_golden(
    make_db: Callable[..., str], request: pytest.FixtureRequest
) -> None:
    url = make_db(SAMPLE_SQL.read_text(encoding="utf-8"))
    major = server_major(url)
    if request.config.getoption("--update-golden"):
        fresh = run_oracle(url, SCHEMAS)
        if not GOLDEN.exists() or GOLDEN.read_bytes() != fresh.encode("utf-8"):
            GOLDEN.write_bytes(fresh.encode("utf-8"))
            warnings.warn(
                f"--update-golden rewrote {GOLDEN} from the real generator "
                f"(PostgreSQL {major}); review and commit it",
                stacklevel=1,
            )
    if major != GOLDEN_SERVER_MAJOR:
        pytest.skip(
            f"{GOLDEN.name} was generated on PostgreSQL {GOLDEN_SERVER_MAJOR}, this server is "
            f"{major}; the compat suite checks against the real generator on any version"
        )
    expected = GOLDEN.read_bytes().decode("utf-8")

    from pgdrift.sources.catalog import introspect_url
    from pgdrift.typegen.typescript import render_typescript

    actual = render_typescript(introspect_url(url, SCHEMAS), SCHEMAS)
    if actual != expected:
        pytest.fail(f"{GOLDEN.name} differs:\n{diff_report(expected, actual)}", pytrace=False)
