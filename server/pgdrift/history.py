"""The Supabase CLI's migration history: statements split as the CLI splits
them, and the ``supabase_migrations.schema_migrations`` table it keeps.

The CLI records each applied migration as ``(version, name, statements)``,
where ``statements`` is the file cut at every top-level ``;`` by its own
tokenizer, each piece with the ``;`` and surrounding white space trimmed
(``parser.SplitAndTrim``). Comments stay in: a comment before a statement is
part of that statement, and a comment after the last ``;`` is a statement of
its own. :func:`split_statements` reproduces that on top of
:mod:`pgdrift.sources.sql_split`, whose statement boundaries agree with the
CLI's tokenizer on real migrations (quotes, dollar quotes, nested block
comments, parentheses, ``BEGIN ATOMIC`` bodies). Known differences, all
rare in migrations: the CLI treats a backslash outside quotes as an escape,
does not know ``E'...'`` backslash escapes, and ends a ``BEGIN ATOMIC`` body
at the first ``END`` (even one closing a ``CASE``); pgdrift follows psql.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

from pgdrift.db import ConnectOptions, connection
from pgdrift.sources.sql_split import skip_block_comment, split

__all__ = [
    "HISTORY_TABLE",
    "SEED_TABLE",
    "AppliedMigration",
    "Statement",
    "ensure_history_table",
    "ensure_seed_table",
    "read_history",
    "read_sql_file",
    "record_migrations",
    "record_seed",
    "split_statements",
]

HISTORY_TABLE = "supabase_migrations.schema_migrations"
SEED_TABLE = "supabase_migrations.seed_files"

# Go's unicode.IsSpace, which strings.TrimSpace uses: Python's str.strip()
# would also strip the ASCII separators \x1c-\x1f.
_GO_SPACE = (
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)

# What the CLI runs before recording (pkg/migration/history.go), in order, so a
# table made by pgdrift has the CLI's exact shape and column order.
_CREATE_HISTORY = (
    "CREATE SCHEMA IF NOT EXISTS supabase_migrations",
    "CREATE TABLE IF NOT EXISTS supabase_migrations.schema_migrations "
    "(version text NOT NULL PRIMARY KEY)",
    "ALTER TABLE supabase_migrations.schema_migrations ADD COLUMN IF NOT EXISTS statements text[]",
    "ALTER TABLE supabase_migrations.schema_migrations ADD COLUMN IF NOT EXISTS name text",
)
_INSERT_MIGRATION = (
    "INSERT INTO supabase_migrations.schema_migrations(version, name, statements) "
    "VALUES (%s, %s, %s)"
)
_CREATE_SEED = (
    "CREATE SCHEMA IF NOT EXISTS supabase_migrations",
    "CREATE TABLE IF NOT EXISTS supabase_migrations.seed_files "
    "(path text NOT NULL PRIMARY KEY, hash text NOT NULL)",
)
_UPSERT_SEED = (
    "INSERT INTO supabase_migrations.seed_files(path, hash) VALUES (%s, %s) "
    "ON CONFLICT (path) DO UPDATE SET hash = EXCLUDED.hash"
)


# --- splitting -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement as the CLI records it, and where its text is in the file
    (``start``/``end``: character offsets of the trimmed text)."""

    text: str
    start: int
    end: int


def _semicolons_in_trivia(text: str, start: int, end: int) -> Iterable[int]:
    """Offsets of ``;`` in a run of comments and white space (empty statements)."""
    pos = start
    while pos < end:
        if text.startswith("--", pos):
            nl = text.find("\n", pos, end)
            pos = end if nl < 0 else nl + 1
        elif text.startswith("/*", pos):
            close = skip_block_comment(text, pos + 2)
            pos = end if close < 0 else min(close, end)
        else:
            if text[pos] == ";":
                yield pos
            pos += 1


def split_statements(text: str) -> list[Statement]:
    """``text`` cut into statements exactly as ``supabase`` records them.

    Each piece runs from just after the previous separator to just after the
    next ``;``; it is then trimmed of the ``;`` and of white space, and
    dropped when nothing is left (``;;``).
    """
    cuts: list[int] = []  # exclusive end of each raw piece
    for piece in split(text):
        if piece.kind == "statement":
            if piece.unterminated is None and piece.text.endswith(";"):
                cuts.append(piece.end)
        elif piece.kind == "trivia":
            cuts.extend(p + 1 for p in _semicolons_in_trivia(text, piece.start, piece.end))
    cuts.append(len(text))
    result: list[Statement] = []
    begin = 0
    for end in cuts:
        if end <= begin:
            continue
        raw = text[begin:end]
        body = raw.rstrip(";")
        stripped = body.lstrip(_GO_SPACE)
        start = begin + len(body) - len(stripped)
        stripped = stripped.rstrip(_GO_SPACE)
        if stripped:
            result.append(Statement(stripped, start, start + len(stripped)))
        begin = end
    return result


def read_sql_file(path: Path) -> str | None:
    """A file's text as the CLI reads it (UTF-8, a byte-order mark kept), or
    None when it cannot be read or is not UTF-8."""
    try:
        return path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


# --- the history table -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AppliedMigration:
    """One row of ``supabase_migrations.schema_migrations``.

    ``statements`` is None when the row has none (``supabase migration
    repair``, or a CLI older than the column).
    """

    version: str
    name: str
    statements: tuple[str, ...] | None


def read_history(url: str, *, statement_timeout_ms: int = 15_000) -> list[AppliedMigration] | None:
    """The migration history of the database at ``url``, by version; None when
    the database has no history table. Read in a read-only session.

    Raises :class:`~pgdrift.db.DatabaseError` when the database cannot be read.
    """
    options = ConnectOptions(
        read_only=True,
        statement_timeout_ms=statement_timeout_ms,
        application_name="pgdrift history",
    )
    with connection(url, options) as conn:
        columns = {
            str(row[0])
            for row in conn.execute(
                "SELECT a.attname FROM pg_catalog.pg_attribute a "
                "WHERE a.attrelid = to_regclass(%s) AND a.attnum > 0 AND NOT a.attisdropped",
                (HISTORY_TABLE,),
            ).fetchall()
        }
        if "version" not in columns:
            return None
        # Older CLIs made the table with the version column only.
        name = "coalesce(name, '')" if "name" in columns else "''"
        statements = "statements" if "statements" in columns else "NULL::text[]"
        query = f"SELECT version, {name}, {statements} FROM {HISTORY_TABLE} ORDER BY version"
        rows = conn.execute(query.encode()).fetchall()
    return [_applied(row) for row in rows]


def _applied(row: tuple[Any, ...]) -> AppliedMigration:
    version, name, statements = row
    recorded = tuple(str(s) for s in statements) if statements is not None else None
    return AppliedMigration(str(version), str(name), recorded)


Conn = psycopg.Connection[Any]


def ensure_history_table(conn: Conn) -> None:
    """Create the history schema and table, as the CLI does, when missing."""
    for statement in _CREATE_HISTORY:
        conn.execute(statement.encode())


def record_migrations(conn: Conn, rows: Sequence[tuple[str, str, Sequence[str]]]) -> None:
    """Insert ``(version, name, statements)`` rows into the history table."""
    ensure_history_table(conn)
    with conn.transaction():
        for version, name, statements in rows:
            conn.execute(_INSERT_MIGRATION.encode(), (version, name, list(statements)))


def ensure_seed_table(conn: Conn) -> None:
    for statement in _CREATE_SEED:
        conn.execute(statement.encode())


def record_seed(conn: Conn, path: str, data: bytes) -> None:
    """Record a seed file as the CLI does: its path and the SHA-256 of its bytes."""
    ensure_seed_table(conn)
    conn.execute(_UPSERT_SEED.encode(), (path, hashlib.sha256(data).hexdigest()))
