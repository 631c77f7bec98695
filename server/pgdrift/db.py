"""The one place pgdrift talks to Postgres.

Connections come from URLs; every connection has a connect timeout and a
statement timeout; sessions opened for a remote (production) database are
read-only at the session level, so no code path can write there; and every
message that might carry a URL has its password masked first.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import psycopg

DEFAULT_CONNECT_TIMEOUT = 5  # seconds
DEFAULT_STATEMENT_TIMEOUT_MS = 30_000

_URL_PASSWORD = re.compile(r"(?P<scheme>postgres(?:ql)?://)(?P<user>[^:@/\s]*):(?P<pw>[^@\s]*)@")
_KV_PASSWORD = re.compile(r"(?P<key>\bpassword\s*=\s*)(?P<pw>'(?:[^'\\]|\\.)*'|\S+)", re.I)


class DatabaseError(Exception):
    """A database could not be reached or queried; the message is safe to show."""


def mask_password(text: str) -> str:
    """Replace every password in URLs and key=value conninfo strings with ``***``."""
    text = _URL_PASSWORD.sub(lambda m: f"{m['scheme']}{m['user']}:***@", text)
    return _KV_PASSWORD.sub(lambda m: f"{m['key']}***", text)


def redact_url(url: str) -> str:
    """A URL fit for messages: the password replaced, everything else kept."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return mask_password(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    userinfo = netloc[0].split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{userinfo}:***@{netloc[1]}"))


def is_loopback(url: str) -> bool:
    """True for a database on this machine: a loopback host or a Unix socket."""
    info = psycopg.conninfo.conninfo_to_dict(url)
    host = str(info.get("host") or "")
    if not host:
        return True  # libpq's default is the local Unix socket
    hosts = host.split(",")
    return all(h.startswith("/") or h in ("localhost", "127.0.0.1", "::1") for h in hosts)


@dataclass(frozen=True, slots=True)
class ConnectOptions:
    read_only: bool = False
    connect_timeout: int = DEFAULT_CONNECT_TIMEOUT
    statement_timeout_ms: int = DEFAULT_STATEMENT_TIMEOUT_MS
    application_name: str = "pgdrift"


def _describe(exc: BaseException, url: str) -> str:
    """A one-line, password-free account of a connection failure.

    libpq's messages name the server, then the reason after ``failed:``,
    then hints on indented lines; the reason is what a user needs.
    """
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    reason = lines[0] if lines else type(exc).__name__
    reason = reason.rsplit("failed: ", 1)[-1]
    reason = re.sub(r"^(?:FATAL|ERROR):\s+", "", reason)
    return mask_password(f"cannot connect to {redact_url(url)}: {reason}")


def connect(
    url: str, options: ConnectOptions | None = None
) -> psycopg.Connection[tuple[object, ...]]:
    """Open a connection; raise :class:`DatabaseError` with a masked message."""
    opts = options or ConnectOptions()
    # Constants in defaults and policies (timestamptz, date) print in the
    # session's TimeZone and DateStyle: fix them to Supabase's (and most
    # servers') defaults, so every source prints them alike.
    session = [
        f"-c statement_timeout={opts.statement_timeout_ms}",
        "-c TimeZone=UTC",
        "-c DateStyle=ISO,MDY",
    ]
    if opts.read_only:
        session.append("-c default_transaction_read_only=on")
    try:
        conn = psycopg.connect(
            url,
            connect_timeout=opts.connect_timeout,
            application_name=opts.application_name,
            options=" ".join(session),
            autocommit=True,
        )
    except (psycopg.Error, ValueError) as exc:
        raise DatabaseError(_describe(exc, url)) from None
    return conn


@contextmanager
def connection(
    url: str, options: ConnectOptions | None = None
) -> Iterator[psycopg.Connection[tuple[object, ...]]]:
    """Context-managed :func:`connect` that masks passwords in query errors too."""
    conn = connect(url, options)
    try:
        yield conn
    except psycopg.Error as exc:
        raise DatabaseError(mask_password(str(exc).strip())) from None
    finally:
        conn.close()


def with_database(url: str, dbname: str) -> str:
    """The same server URL pointing at another database."""
    info = psycopg.conninfo.conninfo_to_dict(url)
    info["dbname"] = dbname
    return psycopg.conninfo.make_conninfo(**{k: str(v) for k, v in info.items() if v is not None})
