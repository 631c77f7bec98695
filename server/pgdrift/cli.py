"""The ``pgdrift`` command line: a thin front end over sources, typegen and checks.

Exit codes: 0 success, 1 a ``--check`` found differences (or findings),
2 a usage, configuration, connection or migration error. Errors are one line
on stderr, prefixed ``pgdrift: error:``, with passwords masked.
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from pgdrift import __version__
from pgdrift.db import DatabaseError, mask_password

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2


class UsageError(Exception):
    """Bad arguments or configuration; the message is shown as is."""


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pgdrift",
        description="Keep migrations, generated database types and databases in agreement.",
    )
    parser.add_argument("--version", action="version", version=f"pgdrift {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    gen = commands.add_parser("gen", help="generate files from a schema")
    gen_kinds = gen.add_subparsers(dest="kind", metavar="KIND")
    gen_kinds.required = True
    types = gen_kinds.add_parser(
        "types",
        help="generate database types (identical to `supabase gen types`)",
        description="Print or write the database types that `supabase gen types` would print.",
    )
    types.add_argument("--lang", choices=["ts", "typescript"], default="ts")
    types.add_argument(
        "--from",
        dest="source",
        choices=["local", "remote", "migrations"],
        default=None,
        help="where the schema comes from (default: --db-url when given, else local)",
    )
    types.add_argument(
        "--db-url",
        metavar="URL",
        help="database to read; with --from migrations, the server to replay them on",
    )
    types.add_argument(
        "--schema",
        dest="schemas",
        action="append",
        metavar="NAME",
        help="schema to include (repeatable; default: public plus [api].schemas)",
    )
    types.add_argument("--out", metavar="FILE", type=Path, help="write here instead of stdout")
    types.add_argument(
        "--check",
        action="store_true",
        help="compare with --out instead of writing: exit 1 with a diff when it differs",
    )
    types.add_argument(
        "--project", metavar="DIR", type=Path, default=Path("."), help="project root"
    )
    types.set_defaults(handler=_gen_types)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.handler(args)
        return code
    except (UsageError, DatabaseError) as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        print("pgdrift: interrupted; nothing was written", file=sys.stderr)
        return 130
    except Exception as exc:  # each subsystem raises its own error type
        if type(exc).__module__.startswith("pgdrift."):
            return _fail(str(exc))
        raise


def _fail(message: str) -> int:
    print(f"pgdrift: error: {mask_password(message)}", file=sys.stderr)
    return EXIT_ERROR


# --- gen types -------------------------------------------------------------------------


def _gen_types(args: argparse.Namespace) -> int:
    from pgdrift.fsutil import write_if_changed
    from pgdrift.typegen.typescript import render_typescript

    project: Path = args.project
    if not project.is_dir():
        raise UsageError(f"project directory {project} does not exist")
    if args.check and args.out is None:
        raise UsageError("--check needs --out FILE: the file to compare with")
    if args.out is not None and not args.check:
        parent = args.out.parent if str(args.out.parent) else Path(".")
        if not parent.is_dir():
            # Fail before any slow work (a replay, a connection).
            raise UsageError(f"cannot write {args.out}: directory {parent} does not exist")
    schemas = _dedupe(args.schemas) if args.schemas else _default_schemas(project)
    schema = _load_schema(args, project, schemas)
    text = render_typescript(schema, schemas)
    if args.check:
        return _check_against(args.out, text)
    if args.out is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return EXIT_OK
    changed = write_if_changed(args.out, text)
    print(f"{args.out}: {'written' if changed else 'unchanged'}", file=sys.stderr)
    return EXIT_OK


def _check_against(path: Path, text: str) -> int:
    try:
        current = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        current = ""
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from None
    if current == text:
        print(f"{path}: up to date", file=sys.stderr)
        return EXIT_OK
    diff = difflib.unified_diff(
        current.splitlines(keepends=True),
        text.splitlines(keepends=True),
        fromfile=f"{path} (on disk)",
        tofile=f"{path} (generated)",
    )
    sys.stdout.writelines(diff)
    print(f"{path}: out of date; run without --check to update it", file=sys.stderr)
    return EXIT_FINDINGS


def _load_schema(args: argparse.Namespace, project: Path, schemas: list[str]):  # type: ignore[no-untyped-def]
    from pgdrift.sources.catalog import introspect_url

    source = args.source or ("url" if args.db_url else "local")
    if source == "migrations":
        from pgdrift.sources.shadow import shadow_schema

        files, supabase = _migration_files(project)
        return shadow_schema(files, schemas, supabase=supabase, server_url=args.db_url)
    url = args.db_url or _database_url(project, source)
    # Generating types only reads; every session is read-only whatever the target.
    return introspect_url(url, schemas, read_only=True)


def _dedupe(items: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _default_schemas(project: Path) -> list[str]:
    from pgdrift.migrations_files import default_schemas

    return default_schemas(project)


def _migration_files(project: Path):  # type: ignore[no-untyped-def]
    from pgdrift.migrations_files import find_migrations

    found = find_migrations(project)
    if found.duplicates:
        dup = found.duplicates[0]
        names = ", ".join(f.display for f in dup.files)
        raise UsageError(f"two migrations share version {dup.version}: {names}")
    if not found.files:
        raise UsageError(f"no migration files found in {project}")
    return found.files, found.is_supabase


def _database_url(project: Path, which: str) -> str:
    from pgdrift.migrations_files import read_supabase_config

    env = "PGDRIFT_LOCAL_DB_URL" if which == "local" else "PGDRIFT_REMOTE_DB_URL"
    url = os.environ.get(env)
    if url:
        return url
    if which == "local":
        config = read_supabase_config(project)
        port = config.db_port if config else 54322
        return f"postgresql://postgres:postgres@127.0.0.1:{port}/postgres"
    raise UsageError(f"no remote database: set {env} or pass --db-url")
