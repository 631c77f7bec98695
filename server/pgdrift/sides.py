"""The two sides of a comparison: a database, the migrations, or a types file, as a Schema.

``pgdrift diff A B`` and the stale-types and drift checks name what they
compare the same way: ``local`` and ``remote`` (live databases), ``shadow``
(the migrations replayed into a scratch Postgres), ``migrations`` (the static
model of the migrations when it builds cleanly, else the shadow replay), or
the path of a generated types file.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from pgdrift.config import language_of
from pgdrift.model import Schema
from pgdrift.project import Project
from pgdrift.sources.typefile import TypesFileRead, read_types_file

if TYPE_CHECKING:
    from pgdrift.sources.migrations import MigrationFinding

DATABASES = ("local", "remote")
SOURCES = ("local", "remote", "migrations", "shadow")


class SideError(Exception):
    """A side cannot be loaded: a missing or unreadable types file, an unknown name."""


@dataclass(frozen=True)
class Side:
    """A loaded side: its label for messages, its schema and, for a types file, the read."""

    label: str
    schema: Schema
    read: TypesFileRead | None = None
    notes: tuple[str, ...] = field(default=())
    #: Errors the static model of the migrations reported (``static=True``):
    #: statements it could not replay.
    errors: tuple[str, ...] = field(default=())


def is_source_name(spec: str) -> bool:
    return spec in SOURCES


def check_spec(spec: str, project: Project) -> None:
    """Raise :class:`SideError` unless ``spec`` names a usable source or types
    file: checked for both sides before anything slow starts for either."""
    if spec in DATABASES and project.database_url(spec) is None:  # type: ignore[arg-type]
        env = project.database_env(spec)  # type: ignore[arg-type]
        raise SideError(f"no {spec} database: set {env}")
    if spec in SOURCES:
        return
    if language_of(spec) is None:
        raise SideError(
            f"{spec}: not a source (local, remote, migrations, shadow) nor a types file "
            "(.ts, .d.ts, .py)"
        )
    path = Path(spec)
    if not (path if path.is_absolute() else Path.cwd() / path).is_file():
        raise SideError(f"cannot read {spec}: no such file")


def load_side(
    project: Project,
    spec: str,
    *,
    names_hint: Schema | None = None,
    server_version: int | None = None,
    static: bool = False,
) -> Side:
    """Load ``spec`` (a source name or a types file path) for ``project``.

    ``server_version`` is the Postgres major version the static model of the
    migrations is built for (default: the project's). Where the static model
    has errors, ``migrations`` is the shadow replay instead, unless
    ``static``: then it is the static model as it is, with its errors.
    Database and replay errors propagate (:class:`~pgdrift.db.DatabaseError`,
    the shadow source's errors); a types file that cannot be read raises
    :class:`SideError`.
    """
    if spec in DATABASES:
        return Side(spec, project.database_schema(spec))  # type: ignore[arg-type]
    if spec == "shadow":
        return Side(spec, project.shadow_schema())
    if spec == "migrations":
        model = static_schema(project, server_version)
        if model is not None and (static or not model[1]):
            return Side(spec, model[0], errors=model[1])
        if static:
            raise SideError("the static model of the migrations is unavailable")
        note = (
            f"the static model of the migrations has errors ({model[1][0]}); replaying them instead"
            if model is not None
            else "the static model of the migrations is unavailable; replaying them instead"
        )
        return Side(spec, project.shadow_schema(), notes=(note,))
    check_spec(spec, project)
    path = Path(spec)
    if not path.is_absolute():
        path = Path.cwd() / path
    from pgdrift.sources.typefile import TypesFileError

    try:
        read = read_types_file(path, names_hint=names_hint)
    except TypesFileError as exc:
        raise SideError(f"cannot read {spec}: {exc}") from None
    notes = tuple(f"{spec}:{p.line + 1}: {p.message}" for p in read.problems)
    return Side(spec, read.schema, read, notes)


def static_schema(
    project: Project, server_version: int | None = None
) -> tuple[Schema, tuple[str, ...]] | None:
    """The static model of the project's migrations and its error messages,
    or None when there are no migrations or building the model failed."""
    model = static_model(project, server_version)
    if not isinstance(model, tuple):
        return None
    schema, findings = model
    errors = tuple(
        f"{f.span.path}:{f.span.start_line + 1}: {f.message}"
        for f in findings
        if f.severity == "error"
    )
    return schema, errors


def static_model(
    project: Project, server_version: int | None = None
) -> tuple[Schema, tuple[MigrationFinding, ...]] | Exception | None:
    """The static model of the project's migrations, with all its findings (spans
    name files by their display path); the exception when building it failed;
    None when there are no migrations.

    Built once per process for unchanged files, and kept in the project's
    on-disk cache (``.pgdrift/cache/migrations``) between processes.
    """
    files = tuple((f.display, str(f.path), *_stamp(f.path)) for f in project.migrations.files)
    if not files:
        return None
    directory = project.store.directory
    cache = str(directory / "migrations") if directory is not None else None
    migrations = project.migrations
    version = server_version or migrations.server_version
    return _static(files, tuple(project.schemas), migrations.is_supabase, version, cache)


def _stamp(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
    except OSError:
        return (0, 0)
    return (stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _static(
    files: tuple[tuple[str, str, int, int], ...],
    schemas: tuple[str, ...],
    supabase: bool,
    server_version: int,
    cache: str | None,
) -> tuple[Schema, tuple[MigrationFinding, ...]] | Exception:
    # Keyed by path, modification time and size: an edited file is a new key.
    from pgdrift.sources.migrations import static_schema as build

    pairs: Sequence[tuple[str, str | os.PathLike[str]]] = [(f[0], f[1]) for f in files]
    try:
        schema, findings = build(
            pairs, schemas, supabase=supabase, cache_dir=cache, server_version=server_version
        )
    except Exception as exc:  # a bug in the static source must not cost the shadow fallback
        return exc
    return schema, tuple(findings)
