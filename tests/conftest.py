"""Shared fixtures: a real Postgres server and throwaway databases on it.

The server is, in order of preference: ``PGDRIFT_TEST_DATABASE_URL``; the
local server on 127.0.0.1:5432 (user ``postgres``, trust auth); an embedded
Postgres that the suite starts itself and stops at the end.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator

import psycopg
import pytest
from psycopg import sql

from pgdrift.db import with_database

LOCAL_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite golden files under tests/fixtures from the real generator "
        "(supabase gen types); each rewritten file is reported as a warning",
    )


def _reachable(url: str) -> bool:
    try:
        with psycopg.connect(url, connect_timeout=3):
            return True
    except psycopg.Error:
        return False


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """A maintenance URL for a Postgres server the tests may create databases on."""
    url = os.environ.get("PGDRIFT_TEST_DATABASE_URL")
    if url:
        yield url
        return
    if _reachable(LOCAL_SERVER):
        yield LOCAL_SERVER
        return
    from pgdrift.embedded import EmbeddedPostgres

    with EmbeddedPostgres() as server:
        yield server.url


@pytest.fixture(autouse=True)
def _no_project_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """Checks keep no ``.pgdrift/cache`` in fixture folders, and a test never sees
    what another one cached; tests/checks/test_cache.py turns the cache back on."""
    monkeypatch.setenv("PGDRIFT_NO_CACHE", "1")


MakeDb = Callable[..., str]


@pytest.fixture
def make_db(server_url: str) -> Iterator[MakeDb]:
    """Create fresh databases (optionally loaded with SQL); drop them afterwards."""
    created: list[str] = []

    def make(sql: str | None = None) -> str:
        name = f"pgdrift_test_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        created.append(name)
        url = with_database(server_url, name)
        if sql:
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(sql)  # type: ignore[arg-type]
        return url

    yield make
    with psycopg.connect(server_url, autocommit=True) as conn:
        for name in created:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def password_server() -> Iterator[str]:
    """An embedded server that checks passwords for every role but ``postgres``."""
    from pgdrift.embedded import EmbeddedPostgres

    with EmbeddedPostgres() as server, psycopg.connect(server.url, autocommit=True) as conn:
        hba = conn.execute("show hba_file").fetchone()
        assert hba is not None
        rules = [
            "local all all trust",
            "host all postgres 127.0.0.1/32 trust",
            "host all all 127.0.0.1/32 scram-sha-256",
        ]
        conn.execute(
            sql.SQL("copy (select unnest({}::text[])) to {}").format(
                sql.Literal(rules), sql.Literal(hba[0])
            )
        )
        conn.execute("select pg_reload_conf()")
        conn.execute("create role app login password 'the-right-one'")
        yield server.url
