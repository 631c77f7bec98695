"""Replay migration files into a scratch database and read back what they built.

This is the exact truth of what a project's migrations create: Postgres runs
them, then :mod:`pgdrift.sources.catalog` introspects the result.

How files are run, following ``supabase db reset``:

* Each file goes to the server whole, with the simple query protocol, so files
  with many statements and their own ``BEGIN``/``COMMIT`` behave as in psql.
* Each file gets a fresh session state, so settings one file changes (``set
  search_path = ''`` in ``supabase db pull`` dumps) do not leak into the next:
  the files share one connection, reset with ``DISCARD ALL`` between them
  (what a new connection would give, at a fraction of its cost). After a file
  that changes database or role defaults (``ALTER DATABASE ... SET``), which
  only new sessions see, the next file gets a new connection.
* For Supabase projects, stand-ins for what the platform provides (roles,
  ``auth``/``storage`` schemas, ``auth.uid()``, the realtime publication, ...)
  are applied first; see ``supabase_standins.sql``.
* ``CREATE EXTENSION`` of an extension the server does not have is skipped with
  a note; when pgdrift has a stand-in for it, the stand-in is installed at that
  point of the file, in the schema the statement names (or the session's
  current schema), just as the extension would have been. The file is then
  sent in pieces around that statement; positions are mapped back.

A failing statement raises :class:`MigrationFailed` with the file, the 1-based
line and column of the error and Postgres' message.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import generators, pq
from psycopg import sql as psql

from pgdrift.db import (
    ConnectOptions,
    DatabaseError,
    connect,
    connection,
    mask_password,
    with_database,
)
from pgdrift.migrations_files import MigrationFile
from pgdrift.sources.sql_split import Piece, skip_block_comment, statements

if TYPE_CHECKING:
    from pgdrift.model import Schema

__all__ = [
    "MigrationFailed",
    "ShadowError",
    "replay",
    "shadow_database",
    "shadow_schema",
    "standin_sections",
]

log = logging.getLogger(__name__)

Conn = psycopg.Connection[Any]

#: Statement timeout for replayed files: generous, since data migrations may
#: run long, but bounded so that a runaway loop cannot hang an editor.
REPLAY_STATEMENT_TIMEOUT_MS = 300_000

# Extensions the Supabase platform installs itself (a project's CREATE
# EXTENSION of one of them is a no-op there), with their schema.
_PLATFORM_EXTENSIONS = {
    "uuid-ossp": "extensions",
    "pgcrypto": "extensions",
    "supabase_vault": "vault",
    "pg_graphql": "graphql",
}
# Extensions many projects enable (or enabled in the dashboard): their
# stand-ins go in up front for Supabase projects when the server lacks them.
_CONVENIENCE_EXTENSIONS = {
    "pg_net": "net",
    "pg_cron": "cron",
    "pgmq": "pgmq",
    "pg_jsonschema": "extensions",
}
# Role creation races with other replays on the same server (roles are
# cluster-wide): unique violations, "tuple concurrently updated", deadlocks.
_RACE_SQLSTATES = {"23505", "XX000", "40001", "40P01"}

_SECTION_HEADER = re.compile(r"^-- @(section|extension) (\S+)( fixed)?[ \t]*$", re.M)
_MAY_NEED_REWRITE = re.compile(r"\bextension\b|\bhnsw\b|\bivfflat\b", re.I)
_DO_CONTEXT_LINE = re.compile(r"PL/pgSQL function inline_code_block line (\d+)")
# Statements whose effect only new sessions see: defaults set on a database
# or role (the platform's search_path, say).
_CHANGES_SESSION_DEFAULTS = re.compile(r"\balter\s+(?:database|role|user)\b", re.I)


class ShadowError(Exception):
    """The shadow database could not be prepared; the message is safe to show."""


class MigrationFailed(ShadowError):
    """A migration file failed to apply.

    ``line`` and ``column`` are 1-based (characters); ``offset`` is the
    0-based character offset into the file's text (after a UTF-8 BOM).
    """

    def __init__(
        self,
        file: MigrationFile,
        line: int,
        column: int,
        message: str,
        *,
        offset: int = 0,
        sqlstate: str | None = None,
        detail: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.offset = offset
        self.sqlstate = sqlstate
        self.detail = detail
        self.hint = hint
        super().__init__(f"{file.display}:{line}:{column}: {message}")


# ----------------------------------------------------------------- stand-ins


@dataclass(frozen=True, slots=True)
class _Section:
    name: str
    kind: Literal["section", "extension"]
    fixed: bool  # extension with its own schema (no @extschema@)
    sql: str


@cache
def _sections() -> dict[str, _Section]:
    text = resources.files("pgdrift.sources").joinpath("supabase_standins.sql").read_text("utf-8")
    found: dict[str, _Section] = {}
    headers = list(_SECTION_HEADER.finditer(text))
    for i, m in enumerate(headers):
        end = headers[i + 1].start() if i + 1 < len(headers) else len(text)
        kind: Literal["section", "extension"] = "section" if m[1] == "section" else "extension"
        found[m[2]] = _Section(m[2], kind, bool(m[3]), text[m.end() : end])
    return found


def standin_sections() -> dict[str, str]:
    """The shipped stand-in SQL by section name (``roles``, ``platform``, and one
    per extension: ``vector``, ``pg_cron``, ...), ``@extschema@`` unreplaced."""
    return {name: s.sql for name, s in _sections().items()}


def _extension_sql(section: _Section, schema: str) -> str:
    if section.fixed:
        return section.sql
    # An SQL identifier, quotes doubled: any schema name is safe here.
    quoted = '"' + schema.replace('"', '""') + '"'
    return section.sql.replace("@extschema@", quoted)


# -------------------------------------------------------------- replay state


@dataclass(slots=True)
class _ReplayState:
    available: frozenset[str]
    notes: list[str] | None
    #: extension -> schemas it is installed in (real or stand-in, by us).
    installed: dict[str, set[str]] = field(default_factory=dict)
    #: extensions that behave as installed everywhere (platform-provided).
    provided: set[str] = field(default_factory=set)
    #: stand-ins installed by a project's own CREATE EXTENSION.
    created: set[str] = field(default_factory=set)

    def note(self, message: str) -> None:
        log.info("%s", message)
        if self.notes is not None:
            self.notes.append(message)

    def is_standin(self, extension: str) -> bool:
        return extension not in self.available


def _options(statement_timeout_ms: int) -> ConnectOptions:
    return ConnectOptions(
        statement_timeout_ms=statement_timeout_ms, application_name="pgdrift shadow"
    )


def _run_sql(conn: Conn, text: str) -> None:
    """Run trusted multi-statement SQL (stand-ins) in one implicit transaction."""
    conn.execute(text.encode("utf-8"))


def _install_roles(conn: Conn) -> None:
    sql = _sections()["roles"].sql
    for attempt in range(6):
        try:
            _run_sql(conn, sql)
            return
        except psycopg.Error as exc:
            if exc.sqlstate not in _RACE_SQLSTATES or attempt == 5:
                raise
            time.sleep(0.05 * (attempt + 1))


def _install_extension(
    conn: Conn, state: _ReplayState, name: str, schema: str, *, try_real: bool = True
) -> str:
    """Install ``name`` into ``schema``: the real extension when the server has it
    and it can be created, else pgdrift's stand-in. Returns "real" or "stand-in"."""
    section = _sections().get(name)
    if section is not None and section.fixed:
        schema = _CONVENIENCE_EXTENSIONS.get(name) or _PLATFORM_EXTENSIONS.get(name) or schema
    if try_real and name in state.available:
        try:
            with conn.transaction():
                conn.execute(
                    psql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(psql.Identifier(schema))
                )
                conn.execute(
                    psql.SQL("CREATE EXTENSION IF NOT EXISTS {} WITH SCHEMA {}").format(
                        psql.Identifier(name), psql.Identifier(schema)
                    )
                )
            state.installed.setdefault(name, set()).add(schema)
            return "real"
        except psycopg.Error as exc:
            # e.g. pg_cron without shared_preload_libraries: fall back.
            state.note(
                f"extension {name} is available but could not be created ({exc.diag.message_primary}); using a stand-in"
            )
            state.available = state.available - {name}
    if section is None:
        raise ShadowError(f"pgdrift has no stand-in for extension {name}")
    _run_sql(conn, _extension_sql(section, schema))
    state.installed.setdefault(name, set()).add(schema)
    return "stand-in"


def _install_platform(conn: Conn, state: _ReplayState) -> None:
    try:
        _install_roles(conn)
        _run_sql(conn, _sections()["platform"].sql)
        for name, schema in _PLATFORM_EXTENSIONS.items():
            _install_extension(conn, state, name, schema)
            state.provided.add(name)
        for name, schema in _CONVENIENCE_EXTENSIONS.items():
            if name in state.available:
                continue  # the project creates the real one when it uses it
            _install_extension(conn, state, name, schema, try_real=False)
    except psycopg.Error as exc:
        raise ShadowError(
            f"could not install the Supabase stand-ins: {exc.diag.message_primary or exc}"
        ) from None


# ----------------------------------------------------- statement rewriting

_WORD = re.compile(r'[^\W\d][\w$]*|"(?:[^"]|"")*"', re.S)
_SKIP = re.compile(
    r"\s+|--[^\n]*|'(?:[^']|'')*'|[eE]'(?:[^'\\]|\\.|'')*'|(?<![\w$])\$([^\W\d]\w*)?\$", re.S
)


def _leading_words(text: str, limit: int = 24) -> list[str]:
    """The first identifiers/keywords of a statement, case-folded as Postgres
    does (quoted ones kept as written); punctuation becomes its own item."""
    out: list[str] = []
    pos = 0
    n = len(text)
    while pos < n and len(out) < limit:
        if text.startswith("/*", pos):
            close = skip_block_comment(text, pos + 2)
            pos = n if close < 0 else close
            continue
        m = _SKIP.match(text, pos)
        if m:
            if m.group().startswith("$"):
                end = text.find(m.group(), m.end())
                pos = n if end < 0 else end + len(m.group())
            else:
                pos = m.end()
            continue
        m = _WORD.match(text, pos)
        if m:
            word = m.group()
            out.append(word[1:-1].replace('""', '"') if word.startswith('"') else word.lower())
            pos = m.end()
            continue
        out.append(text[pos])
        pos += 1
    return out


@dataclass(frozen=True, slots=True)
class _Action:
    """What to do instead of sending one statement."""

    kind: Literal["create_extension", "skip"]
    piece: Piece
    extension: str = ""
    schema: str | None = None
    if_not_exists: bool = False
    reason: str = ""


def _plan_statement(piece: Piece, state: _ReplayState) -> _Action | None:
    words = _leading_words(piece.text)
    if len(words) >= 3 and words[0] == "create" and words[1] == "extension":
        rest = words[2:]
        if_not_exists = rest[:3] == ["if", "not", "exists"]
        if if_not_exists:
            rest = rest[3:]
        if not rest:
            return None
        name = rest[0]
        if not state.is_standin(name):
            return None  # the server has it: let Postgres decide
        schema = None
        if "schema" in rest:
            i = rest.index("schema")
            schema = rest[i + 1] if i + 1 < len(rest) else None
        return _Action("create_extension", piece, name, schema, if_not_exists)
    if len(words) >= 3 and words[1] == "extension" and words[0] in ("drop", "alter"):
        names = words[2:]
        if names[:2] == ["if", "exists"]:
            names = names[2:]
        if names and state.is_standin(names[0]):
            return _Action(
                "skip",
                piece,
                names[0],
                reason=f"{words[0].upper()} EXTENSION {names[0]}: not available on this server",
            )
        return None
    if words[:3] == ["comment", "on", "extension"] and len(words) > 3:
        if state.is_standin(words[3]):
            return _Action(
                "skip",
                piece,
                words[3],
                reason=f"COMMENT ON EXTENSION {words[3]}: not available on this server",
            )
        return None
    if words[:1] == ["create"] and "index" in words[1:4] and state.is_standin("vector"):
        for i, w in enumerate(words[:-1]):
            if w == "using" and words[i + 1] in ("hnsw", "ivfflat"):
                reason = f"CREATE INDEX USING {words[i + 1]}: pgvector is a stand-in on this server"
                return _Action("skip", piece, "vector", reason=reason)
    return None


# ------------------------------------------------------------- running files


@dataclass(frozen=True, slots=True)
class _Error:
    """A Postgres error, with where in the sent text it points (0-based), if known."""

    message: str
    sqlstate: str | None
    detail: str | None
    hint: str | None
    position: int | None  # STATEMENT_POSITION - 1
    internal_position: int | None
    internal_query: str | None
    context: str | None
    statement_index: int  # how many statements of the sent text succeeded


def _send(conn: Conn, text: str) -> _Error | None:
    """Send ``text`` as one simple query; return the first error, if any.

    psycopg's cursor raises on the first failing result and drops the others;
    counting the results tells which statement failed when the error carries
    no position (``policy ... already exists``).
    """
    pgconn = conn.pgconn
    encoding = conn.info.encoding
    with conn.lock:
        pgconn.send_query(text.encode("utf-8"))
        results = conn.wait(generators.execute(pgconn))
        while results and results[-1].status in (pq.ExecStatus.COPY_IN, pq.ExecStatus.COPY_BOTH):
            # COPY ... FROM stdin: psql would send the data that follows; we refuse.
            pgconn.put_copy_end(b"COPY FROM STDIN is not supported by pgdrift's replay")
            more = conn.wait(generators.execute(pgconn))
            results = results[:-1] + [r for r in more if r.status != pq.ExecStatus.COPY_IN]
    for index, res in enumerate(results):
        if res.status != pq.ExecStatus.FATAL_ERROR:
            continue

        def field(code: pq.DiagnosticField, res: pq.abc.PGresult = res) -> str | None:
            value = res.error_field(code)
            return value.decode(encoding, "replace") if value is not None else None

        def number(code: pq.DiagnosticField) -> int | None:
            value = field(code)
            return int(value) - 1 if value and value.isdigit() else None

        message = field(pq.DiagnosticField.MESSAGE_PRIMARY)
        if message is None:
            message = res.error_message.decode(encoding, "replace").strip() or "unknown error"
        return _Error(
            message=message,
            sqlstate=field(pq.DiagnosticField.SQLSTATE),
            detail=field(pq.DiagnosticField.MESSAGE_DETAIL),
            hint=field(pq.DiagnosticField.MESSAGE_HINT),
            position=number(pq.DiagnosticField.STATEMENT_POSITION),
            internal_position=number(pq.DiagnosticField.INTERNAL_POSITION),
            internal_query=field(pq.DiagnosticField.INTERNAL_QUERY),
            context=field(pq.DiagnosticField.CONTEXT),
            statement_index=index,
        )
    return None


def _line_col(text: str, offset: int) -> tuple[int, int]:
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


def _failure(
    file: MigrationFile,
    text: str,
    offset: int,
    message: str,
    *,
    sqlstate: str | None = None,
    detail: str | None = None,
    hint: str | None = None,
) -> MigrationFailed:
    line, col = _line_col(text, offset)
    return MigrationFailed(
        file, line, col, message, offset=offset, sqlstate=sqlstate, detail=detail, hint=hint
    )


def _locate(err: _Error, text: str, start: int, pieces: Sequence[Piece]) -> int:
    """The file offset an error points at; ``pieces`` are the statements sent
    (as a slice of the file starting at ``start``)."""
    if err.position is not None:
        return start + err.position
    piece = pieces[err.statement_index] if err.statement_index < len(pieces) else None
    if piece is None:
        return start
    if err.internal_query and err.internal_position is not None:
        # An error inside a DO block's query: find that query in the block.
        found = piece.text.find(err.internal_query)
        if found >= 0:
            return piece.start + found + err.internal_position
    if err.context:
        m = _DO_CONTEXT_LINE.search(err.context)
        body = re.search(r"\$([^\W\d]\w*)?\$", piece.text) if m else None
        if m and body:
            # PL/pgSQL numbers lines from the one the body starts on.
            target = piece.start + body.end()
            for _ in range(int(m.group(1)) - 1):
                nl = text.find("\n", target)
                if nl < 0:
                    break
                target = nl + 1
            while target < piece.end and text[target] in " \t\r\n":
                target += 1
            return target
    return piece.start


def _read(file: MigrationFile) -> str:
    try:
        data = file.path.read_bytes()
    except OSError as exc:
        raise MigrationFailed(file, 1, 1, f"cannot read migration: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        prefix = data[: exc.start].decode("utf-8", "replace")
        line, col = _line_col(prefix, len(prefix))
        raise MigrationFailed(file, line, col, "migration is not valid UTF-8") from None
    if "\x00" in text:
        i = text.index("\x00")
        raise _failure(file, text, i, "migration contains a NUL character")
    return text


def _session(url: str, statement_timeout_ms: int) -> Conn:
    conn = connect(url, _options(statement_timeout_ms))
    # No server-side prepared statements: DISCARD ALL between files drops them.
    conn.prepare_threshold = None
    return conn


def _apply_file(conn: Conn, file: MigrationFile, state: _ReplayState) -> bool:
    """Run one file in ``conn``; return whether the session can serve the next
    file after a reset (False when the file changed database or role defaults)."""
    text = _read(file)
    pieces = statements(text)
    actions: list[_Action] = []
    if _MAY_NEED_REWRITE.search(text):
        for piece in pieces:
            action = _plan_statement(piece, state)
            if action is not None:
                actions.append(action)
    try:
        pos = 0
        for action in actions:
            _send_range(conn, file, text, pieces, pos, action.piece.start)
            _perform(conn, file, text, action, state)
            pos = action.piece.end
        _send_range(conn, file, text, pieces, pos, len(text))
        if conn.pgconn.transaction_status == pq.TransactionStatus.INTRANS:
            # psql would roll the open transaction back at exit; the author
            # meant the changes, and later files depend on them.
            state.note(f"{file.display}: ends inside a transaction block; committed")
            err = _send(conn, "COMMIT")
            if err is not None:  # a deferred constraint, say
                raise _failure(file, text, len(text), err.message, sqlstate=err.sqlstate)
        if _CHANGES_SESSION_DEFAULTS.search(text):
            return False
        err = _send(conn, "DISCARD ALL")
        if err is not None:
            raise DatabaseError(f"cannot reset the replay session: {err.message}")
        return True
    except psycopg.Error as exc:
        # The connection broke (server crash, admin shutdown): not the file's fault.
        raise DatabaseError(mask_password(str(exc).strip())) from None


def _send_range(
    conn: Conn, file: MigrationFile, text: str, pieces: Sequence[Piece], start: int, end: int
) -> None:
    sent = [p for p in pieces if p.start >= start and p.end <= end]
    if not sent:
        return  # only comments and whitespace
    err = _send(conn, text[start:end])
    if err is not None:
        offset = _locate(err, text, start, sent)
        raise _failure(
            file, text, offset, err.message, sqlstate=err.sqlstate, detail=err.detail, hint=err.hint
        )


def _perform(
    conn: Conn, file: MigrationFile, text: str, action: _Action, state: _ReplayState
) -> None:
    line, col = _line_col(text, action.piece.start)
    where = f"{file.display}:{line}:{col}"
    if action.kind == "skip":
        state.note(f"{where}: skipped {action.reason}")
        return
    name = action.extension
    section = _sections().get(name)
    if name in state.installed or name in state.provided:
        schemas = state.installed.get(name, set())
        requested = action.schema
        same_place = (
            name in state.provided
            or (section is not None and section.fixed)
            or requested is None
            or requested in schemas
        )
        if same_place:
            if not action.if_not_exists and name in state.created:
                raise _failure(file, text, action.piece.start, f'extension "{name}" already exists')
            return
    if section is None or section.kind != "extension":
        state.note(
            f"{where}: skipped CREATE EXTENSION {name} (not available on this server; "
            "no stand-in, objects that need it will fail)"
        )
        return
    schema = action.schema
    try:
        if schema is None and not section.fixed:
            row = conn.execute(b"SELECT current_schema()").fetchone()
            schema = str(row[0]) if row and row[0] is not None else None
            if schema is None:
                raise _failure(
                    file, text, action.piece.start, "no schema has been selected to create in"
                )
        if not section.fixed and schema is not None:
            exists = conn.execute(
                b"SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)
            ).fetchone()
            if exists is None:
                raise _failure(file, text, action.piece.start, f'schema "{schema}" does not exist')
        _install_extension(conn, state, name, schema or "", try_real=False)
        state.created.add(name)
    except psycopg.Error as exc:
        raise _failure(
            file,
            text,
            action.piece.start,
            f"stand-in for extension {name} failed: {exc.diag.message_primary or exc}",
            sqlstate=exc.sqlstate,
        ) from None
    state.note(
        f"{where}: extension {name} is not available on this server; installed pgdrift's stand-in"
    )


# ------------------------------------------------------------------ public


def replay(
    url: str,
    files: Sequence[MigrationFile],
    *,
    supabase: bool,
    notes: list[str] | None = None,
    statement_timeout_ms: int = REPLAY_STATEMENT_TIMEOUT_MS,
) -> None:
    """Apply ``files`` in order to the (fresh) database at ``url``.

    With ``supabase``, the platform stand-ins go in first. Raises
    :class:`MigrationFailed` for the first failing file, :class:`ShadowError`
    when the stand-ins cannot be installed and
    :class:`~pgdrift.db.DatabaseError` when the server cannot be reached.
    Notes on skipped or stood-in extensions are appended to ``notes``.
    """
    with connection(url, _options(statement_timeout_ms)) as setup:
        rows = setup.execute(b"SELECT name FROM pg_available_extensions").fetchall()
        state = _ReplayState(frozenset(str(r[0]) for r in rows), notes)
        if supabase:
            _install_platform(setup, state)
    # A new connection picks up the database-level search_path the stand-ins
    # just set; files then share it, reset between them.
    session: Conn | None = None
    try:
        for file in files:
            if session is None:
                session = _session(url, statement_timeout_ms)
            if not _apply_file(session, file, state):
                session.close()
                session = None
    finally:
        if session is not None:
            session.close()


def _database_url(server_url: str, name: str) -> str:
    """``server_url`` pointing at database ``name``, still a URL when it was one
    (other tools, such as postgres-meta, take URLs only)."""
    parts = urlsplit(server_url)
    if parts.scheme in ("postgres", "postgresql") and "dbname=" not in parts.query:
        return urlunsplit(parts._replace(path="/" + name))
    return with_database(server_url, name)


def _create_database(server_url: str, name: str) -> None:
    ident = psql.Identifier(name)
    # template0: template1 may carry the server owner's extensions and objects.
    attempts = [
        psql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(ident),
        psql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C'").format(ident),
        psql.SQL("CREATE DATABASE {} TEMPLATE template0").format(ident),
    ]
    conn = connect(server_url, _options(60_000))
    try:
        for i, statement in enumerate(attempts):
            try:
                conn.execute(statement)
                return
            except psycopg.Error as exc:
                if i == len(attempts) - 1 or exc.sqlstate in ("42501", "42P04"):
                    raise ShadowError(
                        f"cannot create the shadow database: {exc.diag.message_primary or exc}"
                    ) from None
    finally:
        conn.close()


def _drop_database(server_url: str, name: str) -> None:
    try:
        with connection(server_url, _options(60_000)) as conn:
            conn.execute(
                psql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(psql.Identifier(name))
            )
    except DatabaseError as exc:
        log.warning("could not drop shadow database %s: %s", name, exc)


@contextmanager
def shadow_database(
    files: Sequence[MigrationFile],
    *,
    supabase: bool,
    server_url: str | None = None,
    notes: list[str] | None = None,
) -> Iterator[str]:
    """Replay ``files`` into a fresh database and yield its URL.

    The database lives on ``server_url`` (a maintenance URL; the database is
    dropped afterwards) or, without one, on an embedded Postgres started for
    the occasion and stopped afterwards.
    """
    with ExitStack() as stack:
        embedded = server_url is None
        if server_url is None:
            from pgdrift.embedded import EmbeddedPostgres

            server_url = stack.enter_context(EmbeddedPostgres()).url
        name = f"pgdrift_shadow_{uuid.uuid4().hex[:12]}"
        _create_database(server_url, name)
        if not embedded:
            # The embedded server's directory goes away whole; no need to drop.
            stack.callback(_drop_database, server_url, name)
        url = _database_url(server_url, name)
        replay(url, files, supabase=supabase, notes=notes)
        yield url


def shadow_schema(
    files: Sequence[MigrationFile],
    schemas: Sequence[str],
    *,
    supabase: bool,
    server_url: str | None = None,
    notes: list[str] | None = None,
) -> Schema:
    """What ``files`` build, read back from a scratch database (see :func:`shadow_database`)."""
    return shadow_replay(files, schemas, supabase=supabase, server_url=server_url, notes=notes)[0]


def shadow_replay(
    files: Sequence[MigrationFile],
    schemas: Sequence[str],
    *,
    supabase: bool,
    server_url: str | None = None,
    notes: list[str] | None = None,
) -> tuple[Schema, int]:
    """:func:`shadow_schema`, and the major version of the server that
    replayed the files (the embedded one's, without ``server_url``)."""
    from pgdrift.db import connection
    from pgdrift.sources.catalog import introspect_url

    with shadow_database(files, supabase=supabase, server_url=server_url, notes=notes) as url:
        schema = introspect_url(url, schemas)
        with connection(url) as conn:
            row = conn.execute("SHOW server_version_num").fetchone()
        return schema, int(str(row[0]) if row else "0") // 10000
