"""The ``pgdrift`` command line: a thin front end over sources, typegen and checks.

Exit codes: 0 success, 1 a ``--check`` found differences (or findings),
2 a usage, configuration, connection or migration error. Errors are one line
on stderr, prefixed ``pgdrift: error:``, with passwords masked.
"""

from __future__ import annotations

import argparse
import atexit
import gc
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pgdrift import __version__

if TYPE_CHECKING:
    from pgdrift.migrations_files import MigrationSet
    from pgdrift.model import Schema

# Heavier modules (pgdrift.db and psycopg with it, the renderers) are imported
# where they are used: `gen types` is timed from process start, and importing
# them here would also put them ahead of main()'s collector pause.

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
    types.add_argument(
        "--lang",
        choices=["ts", "typescript", "py", "python"],
        default="ts",
        help="TypeScript (default) or Python (postgres-meta's Python template)",
    )
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
    types.add_argument(
        "--static",
        action="store_true",
        help="with --from migrations: build the schema from the files alone, no database",
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

    check = commands.add_parser(
        "check",
        help="report stale types, drift, import-boundary and migration problems",
        description="Run every check over the project; exit 1 when findings are reported.",
    )
    check.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="limit to these files")
    check.add_argument(
        "--format", dest="fmt", choices=["text", "json", "sarif", "github"], default="text"
    )
    check.add_argument(
        "--changed-since",
        metavar="REF",
        help="only application files changed since this git ref (plus project-wide checks)",
    )
    check.add_argument(
        "--no-db", action="store_true", help="contact no database, not even a scratch one"
    )
    check.add_argument("--project", metavar="DIR", type=Path, default=None, help="project root")
    check.set_defaults(handler=_check)

    diff = commands.add_parser(
        "diff",
        help="compare two schemas: local, remote, migrations, shadow or a types file",
        description="Compare two schemas and report what is identical and what differs; "
        "exit 0 when identical, 1 when they differ.",
    )
    diff.add_argument("a", metavar="A", help="local, remote, migrations, shadow or a types file")
    diff.add_argument("b", metavar="B", help="the same choices as A")
    diff.add_argument("--format", dest="fmt", choices=["text", "json"], default="text")
    diff.add_argument("--project", metavar="DIR", type=Path, default=None, help="project root")
    diff.set_defaults(handler=_diff)

    init = commands.add_parser("init", help="write a commented pgdrift.toml for this project")
    init.add_argument("--project", metavar="DIR", type=Path, default=Path("."))
    init.add_argument("--force", action="store_true", help="overwrite an existing pgdrift.toml")
    init.set_defaults(handler=_init)

    db = commands.add_parser("db", help="work on the local database")
    db_actions = db.add_subparsers(dest="action", metavar="ACTION")
    db_actions.required = True
    reset = db_actions.add_parser(
        "reset",
        help="rebuild the local database from the migrations (as `supabase db reset`)",
        description="Drop what the migrations built in the local database, replay them, "
        "record them in supabase_migrations.schema_migrations and apply the seed.",
    )
    reset.add_argument("--project", metavar="DIR", type=Path, default=None, help="project root")
    reset.add_argument("--db-url", metavar="URL", help="the database (default: the local one)")
    reset.add_argument(
        "--force", action="store_true", help="reset a database that is not on this machine"
    )
    reset.add_argument("--no-seed", action="store_true", help="do not apply supabase/seed.sql")
    reset.set_defaults(handler=_db_reset)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # `gen types` is one short pass that builds large acyclic structures (the
    # catalog model, the documents) and keeps them until it exits: the cyclic
    # collector's passes over them cost 30-60 ms of a 250-400 ms run and freed
    # nothing. It is paused from the start (psycopg's import included) and
    # resumed for the other, longer-running commands and for in-process callers.
    collecting = gc.isenabled()
    gc.disable()
    # When the process ends, the interpreter's last collections tear down
    # every module's objects (~30 ms with psycopg loaded) for memory the
    # operating system reclaims anyway. Freezing what is tracked, from an
    # atexit hook (so only at process exit, whoever called main), leaves them
    # nothing to do; atexit functions, stream flushing and explicit clean-up
    # still run. Unregistering first keeps one hook however often main runs.
    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)
    try:
        return _main(argv, collecting)
    finally:
        if collecting and not gc.isenabled():
            _resume_gc()


def _resume_gc() -> None:
    """``gc.enable()``, filing what was allocated while paused (the modules
    imported, for one) with the old objects: left young, all of it would be
    scanned by the collection the next allocation starts (~10 ms after `gen
    types`). Passing it through the permanent generation moves it to the
    oldest one."""
    gc.freeze()
    gc.unfreeze()
    gc.enable()


def _main(argv: Sequence[str] | None, collecting: bool) -> int:
    parser = _build_parser()
    args = parser.parse_args(argv)
    if collecting and args.handler is not _gen_types:
        _resume_gc()
    from pgdrift.db import DatabaseError

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
    from pgdrift.db import mask_password

    print(f"pgdrift: error: {mask_password(message)}", file=sys.stderr)
    return EXIT_ERROR


# --- check -----------------------------------------------------------------------------


def _check(args: argparse.Namespace) -> int:
    from pgdrift.checks.engine import run_checks
    from pgdrift.config import find_root
    from pgdrift.db import mask_password
    from pgdrift.output import render, use_color
    from pgdrift.project import Project

    start = args.project or (args.paths[0] if args.paths else Path("."))
    if not start.exists():
        raise UsageError(f"{start} does not exist")
    root = args.project or find_root(start.resolve() if start.is_dir() else start.resolve().parent)
    project = Project.load(root)
    paths = _expand_paths(project.root, args.paths)
    if args.changed_since:
        changed = _changed_since(project.root, args.changed_since)
        paths = [p for p in changed if paths is None or any(_within(p, q) for q in paths)]
    result = run_checks(project, paths, use_db=not args.no_db)
    sys.stdout.write(render(result.findings, project.root, args.fmt, color=use_color(sys.stdout)))
    for note in result.notes:
        print(f"pgdrift: note: {mask_password(note)}", file=sys.stderr)
    for failure in result.failures:
        print(f"pgdrift: error: {mask_password(failure)}", file=sys.stderr)
    if result.failures:
        return EXIT_ERROR  # some checks did not run: never a pass
    return EXIT_FINDINGS if result.findings else EXIT_OK


def _expand_paths(root: Path, given: list[Path]) -> list[Path] | None:
    """Files to check: None for the whole project, else directories walked."""
    from pgdrift.checks.engine import SOURCE_SUFFIXES
    from pgdrift.checks.files import walk_files

    resolved = [p.resolve() for p in given]
    missing = [str(p) for p, r in zip(given, resolved, strict=True) if not r.exists()]
    if missing:
        raise UsageError(f"no such file or directory: {', '.join(missing)}")
    if not resolved or any(r == root or r in root.parents for r in resolved):
        return None
    files: list[Path] = []
    for path in resolved:
        files += walk_files(path, SOURCE_SUFFIXES) if path.is_dir() else [path]
    return files


def _within(path: Path, scope: Path) -> bool:
    return path == scope or scope in path.parents


def _changed_since(root: Path, ref: str) -> list[Path]:
    import subprocess

    proc = subprocess.run(
        ["git", "diff", "--name-only", "--relative", ref, "--"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise UsageError(f"--changed-since {ref}: {proc.stderr.strip() or 'git diff failed'}")
    return [(root / line).resolve() for line in proc.stdout.splitlines() if line]


# --- diff ------------------------------------------------------------------------------


def _diff(args: argparse.Namespace) -> int:
    from pgdrift.config import find_root
    from pgdrift.db import mask_password
    from pgdrift.diff import diff_schemas, render_json, render_text
    from pgdrift.project import Project
    from pgdrift.sides import Side, SideError, check_spec, is_source_name, load_side

    if args.project is not None and not args.project.is_dir():
        raise UsageError(f"project directory {args.project} does not exist")
    project = Project.load(args.project or find_root(Path.cwd()))
    try:
        check_spec(args.a, project)
        check_spec(args.b, project)
        # Sources first: a Python types file maps its class names back with their
        # help; the shadow before the migrations, whose static model is then
        # built for the Postgres version that replayed them (the embedded
        # server's may not be the project's).
        order = sorted(
            (args.a, args.b), key=lambda spec: (not is_source_name(spec), spec != "shadow")
        )
        # Checking the static model against Postgres: it is compared as it
        # is, errors and all (elsewhere its errors make it the replay).
        static = {args.a, args.b} == {"migrations", "shadow"}
        loaded: dict[str, Side] = {}
        for spec in order:
            other = loaded.get(args.b if spec == args.a else args.a)
            version = project.shadow_major if "shadow" in loaded else None
            loaded[spec] = load_side(
                project,
                spec,
                names_hint=other.schema if other else None,
                server_version=version,
                static=static,
            )
    except SideError as exc:
        raise UsageError(str(exc)) from None
    a, b = loaded[args.a], loaded[args.b]
    for note in (*a.notes, *b.notes):
        print(f"pgdrift: note: {mask_password(note)}", file=sys.stderr)
    errors = (*a.errors, *b.errors)
    for error in errors:
        # Postgres replayed these statements: the static model disagrees.
        print(f"pgdrift: error: static model: {error}", file=sys.stderr)
    result = diff_schemas(a.schema, b.schema, included_schemas=project.schemas)
    render = render_json if args.fmt == "json" else render_text
    sys.stdout.write(render(result, a.label, b.label))
    return EXIT_OK if result.is_identical and not errors else EXIT_FINDINGS


# --- db reset --------------------------------------------------------------------------


def _db_reset(args: argparse.Namespace) -> int:
    from pgdrift.config import find_root
    from pgdrift.db import mask_password
    from pgdrift.dbreset import reset_database
    from pgdrift.project import Project

    if args.project is not None and not args.project.is_dir():
        raise UsageError(f"project directory {args.project} does not exist")
    root = args.project or find_root(Path(".").resolve())
    project = Project.load(root)
    result = reset_database(project, args.db_url, force=args.force, seed=not args.no_seed)
    for note in result.notes:
        print(f"pgdrift: note: {mask_password(note)}", file=sys.stderr)
    how = "recreated" if result.method == "recreated" else "cleared what the migrations built in"
    lines = [f"{how} {result.database}"]
    if result.standins:
        lines.append("applied pgdrift's Supabase stand-ins")
    recorded = " and recorded them" if result.recorded and result.applied else ""
    lines.append(f"applied {len(result.applied)} migrations{recorded}")
    if result.seeds:
        lines.append(f"seeded from {', '.join(result.seeds)}")
    print("; ".join(lines), file=sys.stderr)
    return EXIT_OK


# --- init ------------------------------------------------------------------------------


def _init(args: argparse.Namespace) -> int:
    from pgdrift.config import render_init

    target = args.project / "pgdrift.toml"
    if target.exists() and not args.force:
        raise UsageError(f"{target} exists; pass --force to overwrite it")
    from pgdrift.fsutil import write_if_changed

    write_if_changed(target, render_init(args.project))
    print(f"wrote {target}", file=sys.stderr)
    return EXIT_OK


# --- gen types -------------------------------------------------------------------------


def _gen_types(args: argparse.Namespace) -> int:
    from pgdrift.fsutil import write_if_changed

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
    if args.lang in ("py", "python"):
        from pgdrift.typegen.python import render_python

        text = render_python(schema, schemas)
    else:
        from pgdrift.typegen.typescript import render_typescript

        text = render_typescript(schema, schemas)
    if args.check:
        return _check_against(args.out, text)
    if args.out is None:
        # Bytes, not text: the file is UTF-8 whatever the terminal's encoding.
        sys.stdout.flush()
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.buffer.flush()
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
    import difflib

    diff = difflib.unified_diff(
        current.splitlines(keepends=True),
        text.splitlines(keepends=True),
        fromfile=f"{path} (on disk)",
        tofile=f"{path} (generated)",
    )
    sys.stdout.writelines(diff)
    print(f"{path}: out of date; run without --check to update it", file=sys.stderr)
    return EXIT_FINDINGS


def _load_schema(args: argparse.Namespace, project: Path, schemas: list[str]) -> Schema:
    from pgdrift.sources.catalog import introspect_url

    source = args.source or ("url" if args.db_url else "local")
    if args.static and source != "migrations":
        raise UsageError("--static applies to --from migrations only")
    if source == "migrations":
        found = _migration_set(project)
        if args.static:
            return _static_schema(found, schemas, project)
        from pgdrift.sources.shadow import shadow_schema

        return shadow_schema(
            found.files, schemas, supabase=found.is_supabase, server_url=args.db_url
        )
    url = args.db_url or _database_url(project, source)
    # Generating types only reads; every session is read-only whatever the target.
    return introspect_url(url, schemas, read_only=True)


def _static_schema(found: MigrationSet, schemas: list[str], project: Path) -> Schema:
    """The static model; what it could not model is reported, not hidden."""
    from pgdrift.cache import cache_dir
    from pgdrift.sources.migrations import static_schema

    # The project's cache folder, which ignores itself (or none when disabled).
    directory = cache_dir(project.resolve())
    pairs = [(f.display, f.path) for f in found.files]
    schema, findings = static_schema(
        pairs,
        schemas,
        supabase=found.is_supabase,
        cache_dir=directory / "migrations" if directory is not None else None,
        server_version=found.server_version,
    )
    for finding in findings:
        span = finding.span
        where = f"{span.path}:{span.start_line + 1}:{span.start_col + 1}"
        print(f"pgdrift: {finding.severity}: {where}: {finding.message}", file=sys.stderr)
    errors = sum(1 for f in findings if f.severity == "error")
    if errors:
        # Objects after an error may be missing or wrong: write nothing, as a
        # migration that fails in the shadow replay writes nothing either.
        raise UsageError(
            f"the static model of the migrations has {errors} error{'s' if errors > 1 else ''}; "
            "nothing was written (without --static, the migrations are replayed in Postgres)"
        )
    return schema


def _dedupe(items: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _default_schemas(project: Path) -> list[str]:
    from pgdrift.migrations_files import default_schemas

    return default_schemas(project)


def _migration_set(project: Path) -> MigrationSet:
    from pgdrift.migrations_files import find_migrations

    found = find_migrations(project)
    if found.duplicates:
        dup = found.duplicates[0]
        names = ", ".join(f.display for f in dup.files)
        raise UsageError(f"two migrations share version {dup.version}: {names}")
    if not found.files:
        raise UsageError(f"no migration files found in {project}")
    return found


def _database_url(project: Path, which: str) -> str:
    from pgdrift.config import load_config

    config = load_config(project.resolve())
    ref = config.local_db if which == "local" else config.remote_db
    url = ref.url()
    if url is None:
        raise UsageError(f"no {which} database: set {ref.env} or pass --db-url")
    return url
