"""The database module: masked passwords, timeouts, read-only sessions."""

from __future__ import annotations

import psycopg
import pytest

from pgdrift.db import (
    ConnectOptions,
    DatabaseError,
    connect,
    is_loopback,
    mask_password,
    redact_url,
)

SECRET = "s3cr3t-Pa55"


@pytest.mark.parametrize(
    "text",
    [
        f"postgresql://app:{SECRET}@db.example.com:5432/prod",
        f"could not connect to postgres://app:{SECRET}@10.0.0.1/x: refused",
        f"host=db.example.com user=app password={SECRET} dbname=prod",
        f"host=db user=app password='{SECRET} with space' dbname=prod",
    ],
)
def test_mask_password_removes_secret(text: str) -> None:
    masked = mask_password(text)
    assert SECRET not in masked
    assert "***" in masked


def test_redact_url_keeps_the_rest() -> None:
    assert (
        redact_url(f"postgresql://app:{SECRET}@db.example.com:6543/prod?sslmode=require")
        == "postgresql://app:***@db.example.com:6543/prod?sslmode=require"
    )


def test_loopback_detection() -> None:
    assert is_loopback("postgresql://postgres@127.0.0.1:54322/postgres")
    assert is_loopback("postgresql://postgres@localhost/postgres")
    assert is_loopback("postgresql:///postgres?host=/var/run/postgresql")
    assert not is_loopback("postgresql://postgres@db.example.com/postgres")


def test_unreachable_database_is_a_clear_error() -> None:
    url = f"postgresql://app:{SECRET}@127.0.0.1:1/prod"
    with pytest.raises(DatabaseError) as info:
        connect(url, ConnectOptions(connect_timeout=2))
    message = str(info.value)
    assert SECRET not in message
    assert message.startswith("cannot connect to postgresql://app:***@127.0.0.1:1/prod")


def test_wrong_password_is_not_echoed(password_server: str) -> None:
    info = psycopg.conninfo.conninfo_to_dict(password_server)
    url = f"postgresql://app:{SECRET}@127.0.0.1:{info['port']}/postgres"
    with pytest.raises(DatabaseError) as caught:
        connect(url)
    message = str(caught.value)
    assert SECRET not in message
    assert message == (
        f"cannot connect to postgresql://app:***@127.0.0.1:{info['port']}/postgres: "
        'password authentication failed for user "app"'
    )


def test_right_password_connects(password_server: str) -> None:
    info = psycopg.conninfo.conninfo_to_dict(password_server)
    with connect(f"postgresql://app:the-right-one@127.0.0.1:{info['port']}/postgres") as conn:
        assert conn.execute("select current_user").fetchone() == ("app",)


def test_read_only_session_cannot_write(make_db) -> None:  # type: ignore[no-untyped-def]
    url = make_db("create table t (id int)")
    conn = connect(url, ConnectOptions(read_only=True))
    with conn, pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
        conn.execute("insert into t values (1)")


def test_statement_timeout_applies(make_db) -> None:  # type: ignore[no-untyped-def]
    url = make_db()
    conn = connect(url, ConnectOptions(statement_timeout_ms=100))
    with conn, pytest.raises(psycopg.errors.QueryCanceled):
        conn.execute("select pg_sleep(2)")
