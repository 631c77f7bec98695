"""``pgdrift db reset``: rebuild the local database from the migrations.

What ``supabase db reset`` does, on any local Postgres:

1. Refuse a database that is not on this machine (loopback host or Unix
   socket) unless forced; no connection is made before that check.
2. Throw away what the migrations built, one of two ways:

   * **recreate** (plain Postgres, including one pgdrift reset before): drop
     the database and create it again, from the server's maintenance
     database. Everything in it goes, as when the CLI recreates its
     container. Needs superuser, or ownership of the database plus
     ``CREATEDB``; database-level settings and grants not made by the
     migrations are not carried over.
   * **clear** (a Supabase local database, whose platform schemas belong to
     the platform's services; or a database pgdrift may not drop): drop
     what migrations create and keep what the platform provides, as the CLI
     does for ``db reset --db-url``: every extension but the platform's,
     every schema but the system and platform ones (and those the platform
     owns or an extension made), every function, view, materialized view,
     table, sequence and type in ``public``, every row-level security
     policy, every publication but the realtime ones; and it empties the
     platform's data tables (``auth``, ``storage``, ``supabase_functions``,
     but not their own migration bookkeeping) and pgdrift's/the CLI's
     history (``supabase_migrations``). Roles are cluster-wide and stay.

3. Apply pgdrift's Supabase stand-ins when the project is a Supabase
   project and the database lacks the platform (``auth.users``,
   ``storage.buckets``); a real Supabase local database has them.
4. Replay the migrations (:func:`pgdrift.sources.shadow.replay`) and record
   each one in ``supabase_migrations.schema_migrations`` as the CLI does
   (:mod:`pgdrift.history`). A failing migration stops the reset; those
   before it stay applied and recorded, as with the CLI.
5. Apply the seed files (``[db.seed]`` of ``supabase/config.toml``, by
   default ``supabase/seed.sql``) and record them in
   ``supabase_migrations.seed_files``, unless told not to.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import psycopg
from psycopg import sql as psql

from pgdrift.db import (
    ConnectOptions,
    DatabaseError,
    connection,
    is_loopback,
    mask_password,
    redact_url,
    with_database,
)
from pgdrift.history import read_sql_file, record_migrations, record_seed, split_statements
from pgdrift.migrations_files import MigrationFile, MigrationSet
from pgdrift.project import Project

__all__ = ["ResetError", "ResetResult", "reset_database", "seed_files"]

Conn = psycopg.Connection[Any]
Method = Literal["recreated", "cleared"]

#: Long enough for a big DROP ... CASCADE, bounded so a lock wait cannot hang.
_STATEMENT_TIMEOUT_MS = 300_000

# Extensions the Supabase platform installs: kept when clearing a Supabase
# database (the CLI keeps the same set).
_PLATFORM_EXTENSIONS = (
    "plpgsql",
    "pg_graphql",
    "pg_net",
    "pg_stat_statements",
    "pgcrypto",
    "pgjwt",
    "pgsodium",
    "supabase_vault",
    "uuid-ossp",
)
# Schemas of the Supabase platform and its services, never dropped.
_PLATFORM_SCHEMAS = (
    "public",
    "extensions",
    "auth",
    "storage",
    "graphql",
    "graphql_public",
    "realtime",
    "_realtime",
    "vault",
    "supabase_functions",
    "supabase_migrations",
    "net",
    "cron",
    "pgsodium",
    "pgsodium_masks",
    "pgbouncer",
    "pgtle",
    "pgmq",
    "_analytics",
    "_supavisor",
)
# Platform tables with data the migrations and seeds write (users, buckets,
# webhooks): emptied, except each service's own migration bookkeeping.
_TRUNCATED = (
    ("auth", "schema_migrations"),
    ("storage", "migrations"),
    ("supabase_functions", "migrations"),
    ("supabase_migrations", ""),
)


class ResetError(Exception):
    """The reset was refused or failed; the message is one line, safe to show."""


@dataclass(frozen=True)
class ResetResult:
    """What a reset did."""

    #: The database, password masked.
    database: str
    method: Method
    standins: bool
    applied: tuple[MigrationFile, ...]
    recorded: bool
    seeds: tuple[str, ...]
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _State:
    dbname: str
    user: str
    superuser: bool
    may_recreate: bool
    owner: str
    encoding: str
    collate: str
    ctype: str
    platform: bool
    real_supabase: bool


def reset_database(
    project: Project, url: str | None = None, *, force: bool = False, seed: bool = True
) -> ResetResult:
    """Rebuild the local database of ``project`` (or the one at ``url``).

    Raises :class:`ResetError` (refusals, failing migrations) and
    :class:`~pgdrift.db.DatabaseError` (connection problems); messages never
    carry a password.
    """
    found = project.migrations
    _check_migrations(project, found)
    target = url or project.database_url("local")
    if target is None:
        raise ResetError(f"no local database: set {project.database_env('local')} or pass --db-url")
    shown = redact_url(target)
    try:
        local = is_loopback(target)
    except (psycopg.Error, ValueError) as exc:
        raise ResetError(f"invalid database URL {shown}: {mask_password(str(exc))}") from None
    if not local and not force:
        raise ResetError(
            f"refusing to reset {shown}: it is not on this machine (loopback or Unix socket); "
            "pass --force to reset it anyway"
        )
    notes: list[str] = []
    state = _inspect(target)
    method: Method = "cleared"
    if not state.real_supabase and state.may_recreate:
        method = "recreated" if _recreate(target, state, notes) else "cleared"
    if method == "cleared":
        _clear(target, supabase=found.is_supabase or state.platform, notes=notes)
    platform = state.platform and method == "cleared"
    standins = found.is_supabase and not platform
    record = found.layout != "prisma"
    applied = _apply(target, found, standins=standins, record=record, notes=notes)
    seeds = _seed(project, target, record=record, notes=notes) if seed else ()
    return ResetResult(shown, method, standins, applied, record, seeds, notes)


def _check_migrations(project: Project, found: MigrationSet) -> None:
    if found.layout == "none":
        raise ResetError(
            f"no migrations in {project.root}: expected supabase/migrations/, "
            "prisma/migrations/ or `migrations` globs in pgdrift.toml"
        )
    if found.duplicates:
        dup = found.duplicates[0]
        names = ", ".join(f.display for f in dup.files)
        raise ResetError(f"two migrations share version {dup.version}: {names}")


def _options() -> ConnectOptions:
    return ConnectOptions(
        statement_timeout_ms=_STATEMENT_TIMEOUT_MS, application_name="pgdrift db reset"
    )


def _inspect(url: str) -> _State:
    query = b"""
        SELECT current_database(), current_user, r.rolsuper,
               r.rolsuper OR (r.rolcreatedb AND d.datdba = r.oid),
               pg_catalog.pg_get_userbyid(d.datdba),
               pg_catalog.pg_encoding_to_char(d.encoding), d.datcollate, d.datctype,
               to_regclass('auth.users') IS NOT NULL AND to_regclass('storage.buckets') IS NOT NULL,
               to_regclass('auth.schema_migrations') IS NOT NULL
        FROM pg_catalog.pg_roles r, pg_catalog.pg_database d
        WHERE r.rolname = current_user AND d.datname = current_database()
    """
    with connection(url, _options()) as conn:
        row = conn.execute(query).fetchone()
    if row is None:  # unreachable: the session's own role and database exist
        raise ResetError(f"cannot inspect {redact_url(url)}")
    dbname, user, superuser, may_recreate, owner, encoding, collate, ctype = row[:8]
    platform, auth_migrations = row[8:]
    # GoTrue keeps auth.schema_migrations; pgdrift's stand-ins do not.
    real = bool(platform) and bool(auth_migrations)
    return _State(
        str(dbname),
        str(user),
        bool(superuser),
        bool(may_recreate),
        str(owner),
        str(encoding),
        str(collate),
        str(ctype),
        bool(platform),
        real,
    )


# --- recreate --------------------------------------------------------------------------


def _recreate(url: str, state: _State, notes: list[str]) -> bool:
    """Drop and create the database again; False (nothing dropped) when the
    server will not let us, so the caller clears it instead."""
    for maintenance in ("postgres", "template1"):
        if maintenance == state.dbname:
            continue
        try:
            with connection(with_database(url, maintenance), _options()) as conn:
                try:
                    _drop_database(conn, state.dbname)
                except psycopg.Error as exc:
                    notes.append(
                        f"could not drop the database ({exc.diag.message_primary or exc}); "
                        "cleared it instead"
                    )
                    return False
                _create_database(conn, state)
                return True
        except DatabaseError:
            continue  # cannot reach this maintenance database: try the next
    notes.append("no maintenance database to recreate the database from; cleared it instead")
    return False


def _create_database(conn: Conn, state: _State) -> None:
    """Create the database again, like the one dropped: same owner, encoding
    and locale. From template0, which nobody can be connected to (a session on
    template1 would make CREATE DATABASE fail after the drop)."""
    name = psql.Identifier(state.dbname)
    owner: psql.Composable = psql.SQL("")
    if state.superuser and state.owner != state.user:
        owner = psql.SQL(" OWNER {}").format(psql.Identifier(state.owner))
    like = psql.SQL(" ENCODING {} LC_COLLATE {} LC_CTYPE {}").format(
        psql.Literal(state.encoding), psql.Literal(state.collate), psql.Literal(state.ctype)
    )
    attempts = [
        psql.SQL("CREATE DATABASE {} TEMPLATE template0{}{}").format(name, like, owner),
        psql.SQL("CREATE DATABASE {} TEMPLATE template0{}").format(name, owner),
        psql.SQL("CREATE DATABASE {}{}").format(name, owner),
    ]
    for i, statement in enumerate(attempts):
        try:
            conn.execute(statement)
            return
        except psycopg.Error as exc:
            if i == len(attempts) - 1:
                raise ResetError(
                    f"dropped database {state.dbname} but could not create it again: "
                    f"{exc.diag.message_primary or exc}"
                ) from None


def _drop_database(conn: Conn, dbname: str) -> None:
    name = psql.Identifier(dbname)
    if conn.info.server_version >= 130000:
        conn.execute(psql.SQL("DROP DATABASE {} WITH (FORCE)").format(name))
        return
    conn.execute(
        b"SELECT pg_catalog.pg_terminate_backend(pid) FROM pg_catalog.pg_stat_activity "
        b"WHERE datname = %s AND pid <> pg_catalog.pg_backend_pid()",
        (dbname,),
    )
    conn.execute(psql.SQL("DROP DATABASE {}").format(name))


# --- clear -----------------------------------------------------------------------------

# Not an extension's member: those go with their extension.
_NOT_MEMBER = """NOT EXISTS (SELECT FROM pg_catalog.pg_depend e
    WHERE e.classid = '{catalog}'::regclass AND e.objid = {oid} AND e.deptype = 'e')"""

_EXTENSIONS = b"SELECT extname FROM pg_catalog.pg_extension WHERE extname <> ALL(%s)"
_SCHEMAS = f"""
    SELECT n.nspname FROM pg_catalog.pg_namespace n
    WHERE n.nspname <> ALL(%s) AND n.nspname <> 'information_schema'
      AND left(n.nspname, 3) <> 'pg_'
      AND pg_catalog.pg_get_userbyid(n.nspowner) <> 'supabase_admin'
      AND {_NOT_MEMBER.format(catalog="pg_namespace", oid="n.oid")}
    ORDER BY 1""".encode()
_ROUTINES = f"""
    SELECT p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid)
    FROM pg_catalog.pg_proc p
    WHERE p.pronamespace = 'public'::regnamespace
      AND {_NOT_MEMBER.format(catalog="pg_proc", oid="p.oid")}""".encode()
# Views first: they may reference platform objects the cascade must not reach.
_RELATIONS = f"""
    SELECT c.relkind::text, c.relname FROM pg_catalog.pg_class c
    WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('v', 'm', 'r', 'p', 'f', 'S')
      AND {_NOT_MEMBER.format(catalog="pg_class", oid="c.oid")}
    ORDER BY CASE c.relkind WHEN 'v' THEN 0 WHEN 'm' THEN 1 WHEN 'S' THEN 3 ELSE 2 END, 2""".encode()
# Enums, domains, ranges and standalone composite types.
_TYPES = f"""
    SELECT t.typtype::text, t.typname FROM pg_catalog.pg_type t
    LEFT JOIN pg_catalog.pg_class c ON c.oid = t.typrelid
    WHERE t.typnamespace = 'public'::regnamespace
      AND (t.typtype IN ('e', 'd', 'r') OR (t.typtype = 'c' AND c.relkind = 'c'))
      AND {_NOT_MEMBER.format(catalog="pg_type", oid="t.oid")}""".encode()
_POLICIES = b"SELECT policyname, schemaname, tablename FROM pg_catalog.pg_policies"
_PUBLICATIONS = b"""
    SELECT pubname FROM pg_catalog.pg_publication
    WHERE pubname NOT LIKE 'supabase\\_realtime%' AND pubname NOT LIKE 'realtime\\_messages%'"""
_TABLES_IN = b"""
    SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n
      ON n.oid = c.relnamespace
    WHERE n.nspname = %s AND c.relname <> %s AND c.relkind IN ('r', 'p') ORDER BY 1"""

_RELATION_KINDS = {
    "v": "VIEW",
    "m": "MATERIALIZED VIEW",
    "f": "FOREIGN TABLE",
    "S": "SEQUENCE",
    "r": "TABLE",
    "p": "TABLE",
}


def _clear(url: str, *, supabase: bool, notes: list[str]) -> None:
    """Drop what migrations build, keep the platform (see the module docstring)."""
    keep_extensions = list(_PLATFORM_EXTENSIONS) if supabase else ["plpgsql"]
    keep_schemas = list(_PLATFORM_SCHEMAS) if supabase else ["public"]
    ident = psql.Identifier
    try:
        with connection(url, _options()) as conn, conn.transaction():
            # Every statement has IF EXISTS: what a cascade took already is fine.
            for (name,) in _rows(conn, _EXTENSIONS, (keep_extensions,)):
                _run(conn, psql.SQL("DROP EXTENSION IF EXISTS {} CASCADE").format(ident(name)))
            for (name,) in _rows(conn, _SCHEMAS, (keep_schemas,)):
                _run(conn, psql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(ident(name)))
            for name, args in _rows(conn, _ROUTINES):
                # The argument list comes from Postgres itself, in SQL syntax.
                drop = psql.SQL("DROP ROUTINE IF EXISTS public.{}({}) CASCADE")
                _run(conn, drop.format(ident(name), psql.SQL(args)))
            for kind, name in _rows(conn, _RELATIONS):
                drop = psql.SQL("DROP {} IF EXISTS public.{} CASCADE")
                _run(conn, drop.format(psql.SQL(_RELATION_KINDS[kind]), ident(name)))
            for kind, name in _rows(conn, _TYPES):
                keyword = "DOMAIN" if kind == "d" else "TYPE"
                drop = psql.SQL("DROP {} IF EXISTS public.{} CASCADE")
                _run(conn, drop.format(psql.SQL(keyword), ident(name)))
            for name, schema, table in _rows(conn, _POLICIES):
                drop = psql.SQL("DROP POLICY IF EXISTS {} ON {}.{}")
                _run(conn, drop.format(ident(name), ident(schema), ident(table)))
            for (name,) in _rows(conn, _PUBLICATIONS):
                _run(conn, psql.SQL("DROP PUBLICATION IF EXISTS {}").format(ident(name)))
            for schema, kept in _TRUNCATED:
                _truncate(conn, schema, kept, notes)
    except DatabaseError as exc:
        raise ResetError(f"cannot clear {redact_url(url)}: {exc}") from None


def _rows(
    conn: Conn, query: bytes, params: Sequence[object] | None = None
) -> list[tuple[str, ...]]:
    """A catalog query's rows as text (names, kinds, argument lists)."""
    return [tuple(str(v) for v in row) for row in conn.execute(query, params).fetchall()]


def _run(conn: Conn, statement: psql.Composed) -> None:
    conn.execute(statement)


def _truncate(conn: Conn, schema: str, kept: str, notes: list[str]) -> None:
    rows = conn.execute(_TABLES_IN, (schema, kept)).fetchall()
    if not rows:
        return
    names = psql.SQL(", ").join(psql.Identifier(schema, str(r[0])) for r in rows)
    try:
        with conn.transaction():  # a savepoint: a refusal must not undo the drops
            conn.execute(psql.SQL("TRUNCATE {} CASCADE").format(names))
    except psycopg.errors.InsufficientPrivilege as exc:
        notes.append(f"could not empty the {schema} tables: {exc.diag.message_primary}")


# --- migrations and seeds --------------------------------------------------------------


def _apply(
    url: str, found: MigrationSet, *, standins: bool, record: bool, notes: list[str]
) -> tuple[MigrationFile, ...]:
    from pgdrift.sources.shadow import MigrationFailed, replay

    files = found.files
    failed: MigrationFailed | None = None
    try:
        replay(url, files, supabase=standins, notes=notes)
        applied = files
    except MigrationFailed as exc:
        failed = exc
        applied = files[: files.index(exc.file)] if exc.file in files else ()
    if record:
        _record(url, applied)
    if failed is not None:
        done = f"{len(applied)} of {len(files)} migrations applied before it"
        raise ResetError(f"{failed}; {done}, the local database is incomplete") from None
    return applied


def _record(url: str, files: Sequence[MigrationFile]) -> None:
    rows: list[tuple[str, str, list[str]]] = []
    for file in files:
        if not file.version:
            continue  # the CLI records versioned files only
        text = read_sql_file(file.path)
        statements = [s.text for s in split_statements(text)] if text is not None else []
        rows.append((file.version, file.name, statements))
    with connection(url, _options()) as conn:
        record_migrations(conn, rows)


def seed_files(project: Project) -> list[Path]:
    """The seed files ``supabase db reset`` applies, in order: ``[db.seed]
    sql_paths`` of ``supabase/config.toml`` (globs relative to ``supabase/``),
    by default ``supabase/seed.sql``; none when ``[db.seed] enabled = false``."""
    base = project.root / "supabase"
    patterns: list[str] = ["./seed.sql"]
    try:
        data = tomllib.loads((base / "config.toml").read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        data = {}
    db = data.get("db")
    settings = db.get("seed") if isinstance(db, dict) else None
    if isinstance(settings, dict):
        if settings.get("enabled") is False:
            return []
        paths = settings.get("sql_paths")
        if isinstance(paths, list) and all(isinstance(p, str) for p in paths):
            patterns = list(paths)
    result: list[Path] = []
    for pattern in patterns:
        try:
            matches = sorted(base.glob(pattern.removeprefix("./")))
        except (ValueError, OSError):
            continue
        for path in matches:
            if path.is_file() and path not in result:
                result.append(path)
    return result


def _seed(project: Project, url: str, *, record: bool, notes: list[str]) -> tuple[str, ...]:
    from pgdrift.sources.shadow import MigrationFailed, replay

    applied: list[str] = []
    for path in seed_files(project):
        rel = project.config.relative(path)
        seed = MigrationFile(path, "", path.stem, rel)
        try:
            replay(url, [seed], supabase=False, notes=notes)
        except MigrationFailed as exc:
            raise ResetError(f"seed failed: {exc}; the migrations are applied") from None
        applied.append(rel)
        if record:
            with connection(url, _options()) as conn:
                record_seed(conn, rel, path.read_bytes())
    return tuple(applied)
