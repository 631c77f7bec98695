"""Find a project's migration files and read what ``supabase/config.toml`` says.

Three layouts, in order of precedence:

* explicit globs (``migrations = [...]`` in pgdrift's configuration): every
  matching file, ordered by project-relative path;
* Supabase (``supabase/config.toml``, or at least ``supabase/migrations/``):
  the files the Supabase CLI applies, in the order it applies them: names
  matching ``<digits>_<name>.sql`` in file-name order (a plain byte-wise sort,
  so ``9_a.sql`` runs after ``10_b.sql``, as it does under ``supabase db
  reset``), other names skipped;
* Prisma (``prisma/migrations/<folder>/migration.sql``), by folder name.

Discovery never raises for the project's contents: unreadable configuration,
skipped names and duplicate versions are reported in the result.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

__all__ = [
    "DEFAULT_API_SCHEMAS",
    "DEFAULT_DB_PORT",
    "ConfigTomlProblem",
    "DuplicateVersion",
    "MigrationFile",
    "MigrationSet",
    "SupabaseConfig",
    "default_schemas",
    "find_migrations",
    "is_supabase_project",
    "parse_migration_name",
    "read_supabase_config",
]

Layout = Literal["supabase", "prisma", "glob", "none"]

#: What the Supabase CLI assumes when config.toml leaves them out.
DEFAULT_DB_PORT = 54322
DEFAULT_API_SCHEMAS = ("public", "graphql_public")

_MIGRATION_NAME = re.compile(r"^([0-9]+)_(.*)\.sql$", re.S)
_FOLDER_NAME = re.compile(r"^([0-9]+)_(.*)$", re.S)
# Supabase CLI: a first file `<14 digits>_init.sql` older than this is the
# initial schema of CLI versions before Dec 2021 and is not applied.
_LEGACY_INIT = re.compile(r"([0-9]{14})_init\.sql")
_LEGACY_INIT_BEFORE = 20211209000000


@dataclass(frozen=True, slots=True)
class MigrationFile:
    """One migration file: where it is and what its name says.

    ``version`` is the leading digits of the file name (or of the Prisma
    folder), ``""`` when there are none; ``name`` is the rest without ``.sql``.
    ``relpath`` is the project-relative, ``/``-separated path used in messages.
    """

    path: Path
    version: str
    name: str
    relpath: str = ""

    @property
    def display(self) -> str:
        """The path to show a user: project-relative when known."""
        return self.relpath or str(self.path)


@dataclass(frozen=True, slots=True)
class DuplicateVersion:
    """Several files claim the same version (the CLI's history keeps one row per version)."""

    version: str
    files: tuple[MigrationFile, ...]


@dataclass(frozen=True, slots=True)
class ConfigTomlProblem:
    """Something wrong in ``supabase/config.toml``: the key it concerns (empty
    for the file as a whole), the 0-based line when known, and what is wrong."""

    key: tuple[str, ...]
    line: int | None
    message: str


@dataclass(frozen=True, slots=True)
class SupabaseConfig:
    """The parts of ``supabase/config.toml`` pgdrift uses, with the CLI's defaults.

    ``problems`` lists what could not be used (the file unreadable, invalid
    TOML, a value of the wrong type); the affected fields then hold the
    defaults. ``api_schemas_set`` says whether ``[api].schemas`` was given.
    """

    path: Path
    db_port: int = DEFAULT_DB_PORT
    api_schemas: tuple[str, ...] = DEFAULT_API_SCHEMAS
    api_schemas_set: bool = False
    #: ``[db].major_version``: the Postgres the project runs (None: not given).
    major_version: int | None = None
    problems: tuple[ConfigTomlProblem, ...] = ()

    @property
    def gen_types_schemas(self) -> tuple[str, ...]:
        """The schemas ``supabase gen types`` includes when given none:
        ``public`` followed by ``[api].schemas`` (the CLI's default list when
        not given), without duplicates."""
        return tuple(dict.fromkeys(("public", *self.api_schemas)))

    @property
    def error(self) -> str | None:
        """All problems in one line, or None."""
        if not self.problems:
            return None
        return f"{self.path.name}: " + "; ".join(p.message for p in self.problems)


@dataclass(frozen=True, slots=True)
class MigrationSet:
    """The migration files of a project, in the order they are applied."""

    layout: Layout
    files: tuple[MigrationFile, ...] = ()
    #: Files in the migrations folder that are not applied (name does not match).
    skipped: tuple[Path, ...] = ()
    duplicates: tuple[DuplicateVersion, ...] = ()
    #: ``supabase/config.toml`` when the project has one.
    config: SupabaseConfig | None = None

    @property
    def server_version(self) -> int:
        """The Postgres major version the migrations are modelled for: the
        project's ``[db].major_version``, else 15."""
        major = self.config.major_version if self.config is not None else None
        return major or 15

    @property
    def is_supabase(self) -> bool:
        """True when the migrations expect the Supabase platform (stand-ins needed)."""
        return self.layout == "supabase" or self.config is not None


def parse_migration_name(filename: str) -> tuple[str, str] | None:
    """``("20240101000000", "init")`` for ``20240101000000_init.sql``; None otherwise."""
    m = _MIGRATION_NAME.match(filename)
    return (m.group(1), m.group(2)) if m else None


def is_supabase_project(project_dir: Path | str) -> bool:
    """True when the project has ``supabase/config.toml``."""
    return (Path(project_dir) / "supabase" / "config.toml").is_file()


def read_supabase_config(project_dir: Path | str) -> SupabaseConfig | None:
    """Read ``[db].port``, ``[db].major_version`` and ``[api].schemas``; None
    without ``supabase/config.toml``."""
    path = Path(project_dir) / "supabase" / "config.toml"
    if not path.is_file():
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        return SupabaseConfig(path, problems=(ConfigTomlProblem((), None, f"cannot read: {exc}"),))
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"at line (\d+)", str(exc))
        line = int(match[1]) - 1 if match else None
        return SupabaseConfig(path, problems=(ConfigTomlProblem((), line, f"invalid TOML: {exc}"),))

    problems: list[ConfigTomlProblem] = []
    port = DEFAULT_DB_PORT
    db = data.get("db")
    if isinstance(db, dict) and "port" in db:
        value = db["port"]
        if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 65536:
            port = value
        else:
            message = f"[db].port must be a port number, not {value!r}"
            problems.append(ConfigTomlProblem(("db", "port"), None, message))
    major: int | None = None
    if isinstance(db, dict) and "major_version" in db:
        value = db["major_version"]
        if isinstance(value, int) and not isinstance(value, bool) and 9 <= value <= 99:
            major = value
        else:
            message = f"[db].major_version must be a Postgres major version, not {value!r}"
            problems.append(ConfigTomlProblem(("db", "major_version"), None, message))
    schemas, given = DEFAULT_API_SCHEMAS, False
    api = data.get("api")
    if isinstance(api, dict) and "schemas" in api:
        value = api["schemas"]
        if isinstance(value, list) and all(isinstance(s, str) for s in value):
            schemas, given = tuple(value), True
        else:
            message = f"[api].schemas must be a list of strings, not {value!r}"
            problems.append(ConfigTomlProblem(("api", "schemas"), None, message))
    return SupabaseConfig(path, port, schemas, given, major, tuple(problems))


def default_schemas(project_dir: Path | str) -> list[str]:
    """The schemas ``supabase gen types`` includes when given none: ``public``
    followed by ``[api].schemas``, without duplicates; ``["public"]`` for a
    project without ``supabase/config.toml``."""
    config = read_supabase_config(project_dir)
    return list(config.gen_types_schemas) if config else ["public"]


def find_migrations(project_dir: Path | str, globs: Sequence[str] | None = None) -> MigrationSet:
    """The project's migrations: from ``globs`` when given, else by layout."""
    root = Path(project_dir)
    config = read_supabase_config(root)
    if globs:
        return _with_duplicates(MigrationSet("glob", _from_globs(root, globs), config=config))
    supabase_dir = root / "supabase" / "migrations"
    if config is not None or supabase_dir.is_dir():
        files, skipped = _supabase_files(root, supabase_dir)
        return _with_duplicates(MigrationSet("supabase", files, skipped, config=config))
    prisma_dir = root / "prisma" / "migrations"
    if prisma_dir.is_dir():
        return _with_duplicates(MigrationSet("prisma", _prisma_files(root, prisma_dir)))
    return MigrationSet("none")


def _relpath(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _supabase_files(
    root: Path, directory: Path
) -> tuple[tuple[MigrationFile, ...], tuple[Path, ...]]:
    try:
        # Go's fs.ReadDir sorts by the names' bytes; for str, code point order
        # is the same order as UTF-8 bytes.
        entries = sorted(directory.iterdir(), key=lambda p: p.name)
    except OSError:
        return (), ()
    files: list[MigrationFile] = []
    skipped: list[Path] = []
    for index, path in enumerate(entries):
        if index == 0:
            legacy = _LEGACY_INIT.fullmatch(path.name)
            if legacy and int(legacy.group(1)) < _LEGACY_INIT_BEFORE:
                skipped.append(path)
                continue
        if not path.is_file():
            continue
        parsed = parse_migration_name(path.name)
        if parsed is None:
            skipped.append(path)
            continue
        files.append(MigrationFile(path, parsed[0], parsed[1], _relpath(root, path)))
    return tuple(files), tuple(skipped)


def _prisma_files(root: Path, directory: Path) -> tuple[MigrationFile, ...]:
    try:
        folders = sorted((p for p in directory.iterdir() if p.is_dir()), key=lambda p: p.name)
    except OSError:
        return ()
    files: list[MigrationFile] = []
    for folder in folders:
        path = folder / "migration.sql"
        if not path.is_file():
            continue
        m = _FOLDER_NAME.match(folder.name)
        version, name = (m.group(1), m.group(2)) if m else ("", folder.name)
        files.append(MigrationFile(path, version, name, _relpath(root, path)))
    return tuple(files)


def _from_globs(root: Path, globs: Sequence[str]) -> tuple[MigrationFile, ...]:
    found: dict[str, Path] = {}
    for pattern in globs:
        try:
            matches = list(root.glob(pattern))
        except (ValueError, OSError):
            continue  # an invalid or absolute pattern: configuration checks report it
        for path in matches:
            if path.is_file():
                found.setdefault(_relpath(root, path), path)
    files: list[MigrationFile] = []
    for rel in sorted(found):
        path = found[rel]
        parsed = parse_migration_name(path.name)
        if parsed is None and path.name == "migration.sql":
            m = _FOLDER_NAME.match(path.parent.name)
            parsed = (m.group(1), m.group(2)) if m else None
        version, name = parsed or ("", path.stem)
        files.append(MigrationFile(path, version, name, rel))
    return tuple(files)


def _with_duplicates(found: MigrationSet) -> MigrationSet:
    by_version: dict[str, list[MigrationFile]] = {}
    for f in found.files:
        if f.version:
            by_version.setdefault(f.version, []).append(f)
    duplicates = tuple(
        DuplicateVersion(version, tuple(files))
        for version, files in by_version.items()
        if len(files) > 1
    )
    if not duplicates:
        return found
    return MigrationSet(found.layout, found.files, found.skipped, duplicates, found.config)
