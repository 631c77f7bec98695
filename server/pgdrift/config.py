"""Project configuration: ``pgdrift.toml`` or ``[tool.pgdrift]`` in ``pyproject.toml``.

Every key is optional. Defaults come from a Supabase layout
(``supabase/config.toml``: ``[db].port``, ``[api].schemas``) and from the files
that exist. The key names are fixed by the specification (SPEC §4a)::

    migrations, schemas, [databases] local/remote = { env = "NAME" },
    [[types]] path/source, [boundary] app/allow-remote/canonical, [severity]

Loading never stops at a mistake: an unknown key or a bad value becomes a
:class:`ConfigProblem` (file, line, message), the default is used in its
place, and the remaining checks still run. :func:`load_config` with
``strict=True`` raises :class:`ConfigError` instead.

Database URLs are never read from a file, only environment-variable names:
URLs carry passwords, and configuration files get committed.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pgdrift.checks.finding import (
    Finding,
    Severity,
    check,
    is_severity_selector,
    severity_selectors,
)
from pgdrift.migrations_files import DEFAULT_DB_PORT, read_supabase_config
from pgdrift.model import Span

CONFIG_FILE = "pgdrift.toml"
PYPROJECT = "pyproject.toml"
SUPABASE_CONFIG = Path("supabase") / "config.toml"

LOCAL_ENV = "PGDRIFT_LOCAL_DB_URL"
REMOTE_ENV = "PGDRIFT_REMOTE_DB_URL"
SUPABASE_DB_PORT = DEFAULT_DB_PORT
DEFAULT_MIGRATIONS = ("supabase/migrations/*.sql",)
DEFAULT_TYPES = (
    ("types/database.local.ts", "local"),
    ("types/database.remote.ts", "remote"),
)
DEFAULT_ALLOW_REMOTE = ("scripts/validate/**",)

Language = Literal["typescript", "python"]
TypesSource = Literal["local", "remote"]

_TYPES_EXTENSIONS: tuple[tuple[str, Language], ...] = (
    (".d.ts", "typescript"),
    (".ts", "typescript"),
    (".tsx", "typescript"),
    (".mts", "typescript"),
    (".cts", "typescript"),
    (".py", "python"),
    (".pyi", "python"),
)
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SEVERITY_VALUES = ("error", "warning", "info", "off")


@dataclass(frozen=True, slots=True)
class ConfigProblem:
    """A mistake in a configuration file, at a 0-based line."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line + 1}: {self.message}"


class ConfigError(Exception):
    """The configuration has problems; ``str()`` lists them, one per line."""

    def __init__(self, problems: Sequence[ConfigProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = tuple(problems)


@dataclass(frozen=True, slots=True)
class DatabaseRef:
    """Where a database URL comes from: an environment variable's name.

    ``default_url`` is Supabase's local database on the detected port, used
    for the local database when the variable is unset; it is derived, never
    read from a file.
    """

    env: str
    default_url: str | None = None

    def url(self, environ: Mapping[str, str] | None = None) -> str | None:
        value = (os.environ if environ is None else environ).get(self.env)
        return value or self.default_url


@dataclass(frozen=True, slots=True)
class TypesFile:
    """A generated types file: path relative to the root, '/'-separated."""

    path: str
    source: TypesSource
    language: Language


@dataclass(frozen=True, slots=True)
class Boundary:
    """Import-boundary zones, as root-relative globs.

    ``app`` None means the default: every source file outside
    ``allow_remote``, the types files and tests.
    """

    app: tuple[str, ...] | None = None
    allow_remote: tuple[str, ...] = DEFAULT_ALLOW_REMOTE
    canonical: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SupabaseLayout:
    config_path: Path
    db_port: int = SUPABASE_DB_PORT
    #: What ``supabase gen types`` includes by default: public + ``[api].schemas``.
    schemas: tuple[str, ...] = ("public",)
    #: Whether ``[api].schemas`` was given (else the CLI's default list).
    api_schemas_set: bool = False


@dataclass(frozen=True, slots=True)
class Config:
    root: Path
    #: The file the settings came from (``pgdrift.toml`` or ``pyproject.toml``).
    path: Path | None = None
    migrations: tuple[str, ...] = DEFAULT_MIGRATIONS
    schemas: tuple[str, ...] = ("public",)
    local_db: DatabaseRef = DatabaseRef(LOCAL_ENV)
    remote_db: DatabaseRef = DatabaseRef(REMOTE_ENV)
    types: tuple[TypesFile, ...] = ()
    boundary: Boundary = Boundary()
    #: ``[severity]``: selector (code, prefix, name, family) → severity, None for off.
    severity_overrides: tuple[tuple[str, Severity | None], ...] = ()
    supabase: SupabaseLayout | None = None
    problems: tuple[ConfigProblem, ...] = ()
    #: 0-based line of each key path in :attr:`path` (``("boundary", "app")``).
    key_lines: Mapping[tuple[str | int, ...], int] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )

    @property
    def severity(self) -> dict[str, Severity | None]:
        return dict(self.severity_overrides)

    def types_files(self, source: TypesSource | None = None) -> tuple[TypesFile, ...]:
        return tuple(t for t in self.types if source is None or t.source == source)

    def resolve(self, relative: str) -> Path:
        """An absolute path for a root-relative, '/'-separated path."""
        path = Path(relative)
        return path if path.is_absolute() else self.root / path

    def relative(self, path: Path | str) -> str:
        """``path`` relative to the root, '/'-separated (unchanged when outside)."""
        p = Path(path)
        try:
            return p.relative_to(self.root).as_posix()
        except ValueError:
            return p.as_posix()

    def key_line(self, *key: str | int) -> int:
        """The line of ``key`` (or of its nearest enclosing table) in the config file."""
        for end in range(len(key), 0, -1):
            line = self.key_lines.get(key[:end])
            if line is not None:
                return line
        return 0


def find_root(start: Path) -> Path:
    """The project root for ``start``: the nearest directory with a pgdrift
    configuration, else with ``supabase/config.toml``, else with ``.git``, else
    with ``package.json`` or ``pyproject.toml``; ``start`` itself when none."""
    start = start.resolve()
    directories = [start, *start.parents] if start.is_dir() else list(start.parents)

    def configured(d: Path) -> bool:
        return (d / CONFIG_FILE).is_file() or _has_tool_table(d)

    def supabase(d: Path) -> bool:
        return (d / SUPABASE_CONFIG).is_file()

    def vcs(d: Path) -> bool:
        return (d / ".git").exists()

    def package(d: Path) -> bool:
        return (d / "package.json").is_file() or (d / PYPROJECT).is_file()

    for marker in (configured, supabase, vcs, package):
        for directory in directories:
            if marker(directory):
                return directory
    return directories[0]


def _has_tool_table(directory: Path) -> bool:
    path = directory / PYPROJECT
    if not path.is_file():
        return False
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    tool = data.get("tool")
    return isinstance(tool, dict) and "pgdrift" in tool


# --- loading ---------------------------------------------------------------------------


def load_config(root: Path, *, strict: bool = False) -> Config:
    """Read the configuration of the project at ``root``.

    Problems are collected in ``Config.problems`` (with defaults in place of
    bad values); with ``strict`` they raise :class:`ConfigError`.
    """
    root = root.resolve()
    problems: list[ConfigProblem] = []
    supabase = read_supabase_layout(root, problems)
    loader = _Loader(root, problems)
    table, path, prefix = loader.read_settings()
    config = loader.build(table, path, prefix, supabase)
    if strict and config.problems:
        raise ConfigError(config.problems)
    return config


def read_supabase_layout(root: Path, problems: list[ConfigProblem]) -> SupabaseLayout | None:
    """``supabase/config.toml``'s local port and API schemas, when the file exists."""
    found = read_supabase_config(root)
    if found is None:
        return None
    if found.problems:
        try:
            lines = key_lines(found.path.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError):
            lines = {}
        for problem in found.problems:
            line = problem.line if problem.line is not None else lines.get(problem.key, 0)
            problems.append(ConfigProblem(found.path, line, problem.message))
    # SPEC §4a: `schemas` defaults to [api].schemas (the CLI's default list
    # when not given); public is added when missing, as `supabase gen types` does.
    schemas = found.api_schemas if "public" in found.api_schemas else found.gen_types_schemas
    return SupabaseLayout(found.path, found.db_port, schemas, found.api_schemas_set)


class _Loader:
    """Validates one settings table, recording problems with their lines."""

    def __init__(self, root: Path, problems: list[ConfigProblem]) -> None:
        self.root = root
        self.problems = problems
        self.path: Path | None = None
        self.prefix: tuple[str, ...] = ()
        self.lines: dict[tuple[str | int, ...], int] = {}

    def read_settings(self) -> tuple[dict[str, Any], Path | None, tuple[str, ...]]:
        candidates = ((self.root / CONFIG_FILE, ()), (self.root / PYPROJECT, ("tool", "pgdrift")))
        for path, prefix in candidates:
            if not path.is_file():
                continue
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                self.problems.append(ConfigProblem(path, 0, f"cannot read {path.name}: {exc}"))
                return {}, path, prefix
            try:
                data: dict[str, Any] = tomllib.loads(text)
            except tomllib.TOMLDecodeError as exc:
                if prefix and "[tool.pgdrift" not in text:
                    continue  # someone else's broken pyproject.toml, without our table
                line = _toml_error_line(exc, text)
                self.problems.append(ConfigProblem(path, line, f"invalid TOML: {exc}"))
                return {}, path, prefix
            for key in prefix:
                data = data.get(key) if isinstance(data, dict) else None  # type: ignore[assignment]
            if data is None and prefix:
                continue
            self.path, self.prefix = path, prefix
            self.lines = {
                k[len(prefix) :]: v
                for k, v in key_lines(text).items()
                if k[: len(prefix)] == prefix
            }
            if not isinstance(data, dict):
                self.report((), "[tool.pgdrift] must be a table")
                return {}, path, prefix
            return data, path, prefix
        return {}, None, ()

    def report(self, key: tuple[str | int, ...], message: str) -> None:
        line = 0
        for end in range(len(key), -1, -1):
            if key[:end] in self.lines:
                line = self.lines[key[:end]]
                break
        assert self.path is not None
        self.problems.append(ConfigProblem(self.path, line, message))

    def build(
        self,
        table: dict[str, Any],
        path: Path | None,
        prefix: tuple[str, ...],
        supabase: SupabaseLayout | None,
    ) -> Config:
        known = ("migrations", "schemas", "databases", "types", "boundary", "severity")
        self.unknown_keys(table, known, ())
        # The schemas generated types include by default (as `supabase gen types`).
        default_schemas = supabase.schemas if supabase else ("public",)
        migrations = self.strings(table, "migrations", DEFAULT_MIGRATIONS, allow_empty=True)
        schemas = self.strings(table, "schemas", default_schemas)
        port = supabase.db_port if supabase else SUPABASE_DB_PORT
        local_default = f"postgresql://postgres:postgres@127.0.0.1:{port}/postgres"
        local_db = DatabaseRef(LOCAL_ENV, local_default)
        remote_db = DatabaseRef(REMOTE_ENV)
        databases = self.table(table, "databases")
        if databases is not None:
            self.unknown_keys(databases, ("local", "remote"), ("databases",))
            local_db = self.database(databases, "local", local_db)
            remote_db = self.database(databases, "remote", remote_db)
        types = self.types(table)
        boundary = self.boundary(table)
        severity = self.severity(table)
        return Config(
            root=self.root,
            path=path,
            migrations=migrations,
            schemas=schemas,
            local_db=local_db,
            remote_db=remote_db,
            types=types,
            boundary=boundary,
            severity_overrides=severity,
            supabase=supabase,
            problems=tuple(self.problems),
            key_lines=dict(self.lines),
        )

    def unknown_keys(
        self, table: Mapping[str, Any], known: Sequence[str], where: tuple[str | int, ...]
    ) -> None:
        for key in table:
            if key in known:
                continue
            close = difflib.get_close_matches(key, known, n=1)
            hint = f"; did you mean `{close[0]}`?" if close else f"; known keys: {', '.join(known)}"
            scope = _scope(where)
            self.report((*where, key), f"unknown key `{key}`{scope}{hint}")

    def table(self, parent: Mapping[str, Any], key: str) -> dict[str, Any] | None:
        if key not in parent:
            return None
        value = parent[key]
        if not isinstance(value, dict):
            self.report((key,), f"`{key}` must be a table ([{key}]), not {_kind(value)}")
            return None
        return value

    def strings(
        self,
        table: Mapping[str, Any],
        key: str,
        default: tuple[str, ...],
        where: tuple[str | int, ...] = (),
        *,
        allow_empty: bool = False,
    ) -> tuple[str, ...]:
        if key not in table:
            return default
        value = table[key]
        name = ".".join(str(k) for k in (*where, key))
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.report((*where, key), f"`{name}` must be a list of strings, not {_kind(value)}")
            return default
        if not value and not allow_empty:
            self.report((*where, key), f"`{name}` must not be empty")
            return default
        return tuple(value)

    def database(self, databases: Mapping[str, Any], key: str, default: DatabaseRef) -> DatabaseRef:
        if key not in databases:
            return default
        value = databases[key]
        where = ("databases", key)
        example = f'{key} = {{ env = "{default.env}" }}'
        if isinstance(value, str):
            # Never echo the value: it may well be a URL with a password in it.
            looks_like_url = "://" in value or value.startswith(("postgres", "host="))
            what = "a database URL" if looks_like_url else "a string"
            self.report(
                where,
                f"databases.{key} is {what}; give the name of an environment variable "
                f"instead ({example}): URLs are never stored in configuration files",
            )
            return default
        if not isinstance(value, dict):
            self.report(where, f"databases.{key} must be an inline table ({example})")
            return default
        self.unknown_keys(value, ("env",), where)
        env = value.get("env")
        if not isinstance(env, str) or not _ENV_NAME.fullmatch(env):
            if "env" in value and isinstance(env, str) and "://" in env:
                detail = "a URL; it must be the name of an environment variable"
            elif "env" in value:
                detail = "not an environment variable name (letters, digits, _)"
            else:
                detail = "missing"
            self.report((*where, "env"), f"databases.{key}.env is {detail} ({example})")
            return default
        return DatabaseRef(env, default.default_url)

    def types(self, table: Mapping[str, Any]) -> tuple[TypesFile, ...]:
        value = table.get("types")
        defaults = tuple(
            TypesFile(path, source, "typescript")  # type: ignore[arg-type]
            for path, source in DEFAULT_TYPES
            if (self.root / path).is_file()
        )
        if value is None:
            return defaults
        if isinstance(value, dict) and "path" in value and not _has_tables(value):
            # `[types]` for `[[types]]`: clearly one entry, so read as one; the
            # default file of the other source is kept, so its checks still run.
            self._renumber(("types",))
            entries = self.types({"types": [value]})
            given = {t.source for t in entries}
            kept = tuple(t for t in defaults if t.source not in given)
            extra = "".join(f"; the default {t.path} is used too" for t in kept)
            self.report(
                ("types",),
                "`types` must be an array of tables: write `[[types]]` (two brackets) "
                f"before each types file; read as one entry{extra}",
            )
            return entries + tuple(t for t in kept if t not in entries)
        if not isinstance(value, list):
            self.report(
                ("types",),
                f"`types` must be an array of tables ([[types]]), not {_kind(value)}; "
                "the default types files are used",
            )
            return defaults
        result: list[TypesFile] = []
        for index, entry in enumerate(value):
            where: tuple[str | int, ...] = ("types", index)
            if not isinstance(entry, dict):
                self.report(where, "each [[types]] entry must be a table with `path` and `source`")
                continue
            self.unknown_keys(entry, ("path", "source"), where)
            path, source = entry.get("path"), entry.get("source")
            if not isinstance(path, str) or not path:
                self.report((*where, "path"), "[[types]] needs `path`, a string")
                continue
            if source not in ("local", "remote"):
                got = "missing" if source is None else f"{source!r}"
                self.report(
                    (*where, "source"), f'[[types]] `source` must be "local" or "remote" ({got})'
                )
                continue
            language = language_of(path)
            if language is None:
                self.report(
                    (*where, "path"),
                    f"cannot tell the language of {path}: expected .ts, .d.ts or .py",
                )
                continue
            result.append(TypesFile(_normalize_glob(path), source, language))
        if value and not result:
            return defaults  # every entry is wrong: the other checks still run
        return tuple(result)

    def _renumber(self, key: tuple[str, ...]) -> None:
        """Lines of a table's keys as those of the first entry of an array of
        tables: ``[types] path`` is where ``types[0].path`` is looked up."""
        for found, line in list(self.lines.items()):
            if found[: len(key)] == key and len(found) > len(key):
                self.lines.setdefault((*key, 0, *found[len(key) :]), line)
        if key in self.lines:
            self.lines.setdefault((*key, 0), self.lines[key])

    def boundary(self, table: Mapping[str, Any]) -> Boundary:
        value = self.table(table, "boundary")
        if value is None:
            return Boundary()
        where = ("boundary",)
        self.unknown_keys(value, ("app", "allow-remote", "canonical"), where)
        app = self.strings(value, "app", (), where) if "app" in value else None
        allow = self.strings(value, "allow-remote", DEFAULT_ALLOW_REMOTE, where, allow_empty=True)
        canonical = self.strings(value, "canonical", (), where, allow_empty=True)
        return Boundary(
            tuple(_normalize_glob(g) for g in app) if app else None,
            tuple(_normalize_glob(g) for g in allow),
            tuple(_normalize_glob(g) for g in canonical),
        )

    def severity(self, table: Mapping[str, Any]) -> tuple[tuple[str, Severity | None], ...]:
        value = self.table(table, "severity")
        if value is None:
            return ()
        from pgdrift.checks import all_rules

        all_rules()  # check names are selectors too: make sure every check is declared
        result: list[tuple[str, Severity | None]] = []
        for key, level in value.items():
            where = ("severity", key)
            if not is_severity_selector(key):
                self.report(where, _unknown_selector(key))
                continue
            if level not in _SEVERITY_VALUES:
                self.report(
                    where,
                    f"[severity] {key} = {level!r}: expected one of {', '.join(_SEVERITY_VALUES)}",
                )
                continue
            result.append((key, None if level == "off" else Severity(level)))
        return tuple(result)


def _has_tables(value: Mapping[str, Any]) -> bool:
    return any(isinstance(v, dict) for v in value.values())


def _unknown_selector(key: str) -> str:
    """Why ``key`` is no ``[severity]`` key, and the closest one that is."""
    if re.fullmatch(r"PGD\d{3}", key):
        message = f"[severity] key `{key}` is not the code of any check"
    elif re.fullmatch(r"PGD\d{0,2}", key):
        message = f"[severity] key `{key}` is a code prefix no check has"
    else:
        message = (
            f"[severity] key `{key}` is not a check code (PGD301), code prefix (PGD3), "
            "check name or family"
        )
    known = severity_selectors()
    if is_severity_selector(key.upper()):
        close = [key.upper()]
    elif is_severity_selector(key.lower()):
        close = [key.lower()]
    elif re.fullmatch(r"PGD\d?", key):
        close = []  # a family prefix: every other one is as close
    else:
        # Codes differ by a digit or two: only a close code is a likely typo.
        cutoff = 0.8 if key.upper().startswith("PGD") else 0.6
        close = difflib.get_close_matches(key, known, n=1, cutoff=cutoff)
    return f"{message}; did you mean `{close[0]}`?" if close else message


def _scope(where: tuple[str | int, ...]) -> str:
    if not where:
        return ""
    if where[0] == "types":
        return " in [[types]]"
    return f" in [{'.'.join(str(k) for k in where)}]"


def _kind(value: object) -> str:
    names = {str: "a string", int: "an integer", float: "a number", bool: "a boolean"}
    if isinstance(value, list):
        return "an array" if value else "an empty array"
    if isinstance(value, dict):
        return "a table"
    return names.get(type(value), type(value).__name__)


def language_of(path: str | Path) -> Language | None:
    """The language of a types file from its name, or None."""
    name = str(path)
    for suffix, language in _TYPES_EXTENSIONS:
        if name.endswith(suffix):
            return language
    return None


def _normalize_glob(pattern: str) -> str:
    pattern = pattern.replace("\\", "/")
    while pattern.startswith("./"):
        pattern = pattern[2:]
    return pattern


def _toml_error_line(exc: tomllib.TOMLDecodeError, text: str) -> int:
    match = re.search(r"at line (\d+)", str(exc))
    if match:
        return int(match[1]) - 1
    return max(text.count("\n") - (1 if text.endswith("\n") else 0), 0)


# --- where keys are: tomllib gives no positions ----------------------------------------

_HEADER = re.compile(r"\[\s*([^\[\]]+?)\s*\]")
_ARRAY_HEADER = re.compile(r"\[\[\s*([^\[\]]+?)\s*\]\]")
_KEY = re.compile(
    r"""((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*="""
)
_INLINE_KEY = re.compile(r"""[{,]\s*([A-Za-z0-9_-]+|"[^"]*"|'[^']*')\s*=""")


def key_lines(text: str) -> dict[tuple[str | int, ...], int]:
    """The 0-based line where each table and key is defined, by key path.

    Array-of-tables entries are numbered: the second ``[[types]]`` entry's
    ``path`` is ``("types", 1, "path")``. A simple line scanner, enough for
    placing messages: multi-line arrays are skipped over, inline tables map
    their keys to the line of the table.
    """
    lines: dict[tuple[str | int, ...], int] = {}
    table: tuple[str | int, ...] = ()
    counts: dict[tuple[str | int, ...], int] = {}
    depth = 0
    for number, raw in enumerate(text.splitlines()):
        code, balance = _strip_toml_line(raw)
        if depth > 0:
            depth = max(depth + balance, 0)
            continue
        stripped = code.strip()
        if not stripped:
            continue
        if match := _ARRAY_HEADER.fullmatch(stripped):
            name = _dotted(match[1])
            counts[name] = counts.get(name, -1) + 1
            table = (*name, counts[name])
            lines.setdefault(name, number)
            lines[table] = number
            continue
        if match := _HEADER.fullmatch(stripped):
            table = _dotted(match[1])
            lines.setdefault(table, number)
            continue
        if match := _KEY.match(stripped):
            key = (*table, *_dotted(match[1]))
            lines.setdefault(key, number)
            rest = stripped[match.end() :]
            for inner in _INLINE_KEY.finditer(rest):
                lines.setdefault((*key, _unquote(inner[1])), number)
            depth = max(balance, 0)
    return lines


def _strip_toml_line(line: str) -> tuple[str, int]:
    """The line without its comment, and its bracket balance outside strings."""
    balance = 0
    quote = ""
    for index, char in enumerate(line):
        if quote:
            if char == quote:
                quote = ""
            continue
        if char in "\"'":
            quote = char
        elif char == "#":
            return line[:index], balance
        elif char in "[{":
            balance += 1
        elif char in "]}":
            balance -= 1
    return line, balance


def _dotted(key: str) -> tuple[str, ...]:
    parts = re.findall(r""""[^"]*"|'[^']*'|[^.\s]+""", key)
    return tuple(_unquote(p) for p in parts)


def _unquote(part: str) -> str:
    part = part.strip()
    if len(part) >= 2 and part[0] == part[-1] and part[0] in "\"'":
        return part[1:-1]
    return part


# --- globs -----------------------------------------------------------------------------


def glob_matches(pattern: str, path: str) -> bool:
    """Whether a root-relative '/'-separated ``path`` matches ``pattern``.

    Globs as in ESLint's zones and .gitignore-free minimatch: ``**`` spans
    directories, ``*`` and ``?`` stay within one, ``[abc]`` and ``{a,b}``
    work. A pattern without wildcards also matches everything under it, so
    ``scripts/validate`` means the folder.
    """
    return _glob_regex(pattern).fullmatch(path) is not None


def matches_any(patterns: Iterable[str], path: str) -> bool:
    return any(glob_matches(p, path) for p in patterns)


@cache
def _glob_regex(pattern: str) -> re.Pattern[str]:
    pattern = _normalize_glob(pattern).rstrip("/")
    regex = _translate(pattern)
    if not any(c in pattern for c in "*?[{"):
        regex += "(?:/.*)?"
    return re.compile(regex, re.DOTALL)


def _translate(pattern: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        at_segment_start = i == 0 or pattern[i - 1] == "/"
        if pattern.startswith("**", i) and at_segment_start:
            if pattern.startswith("**/", i):
                out.append("(?:[^/]+/)*")
                i += 3
                continue
            if i + 2 == len(pattern):
                out.append(".*")
                i += 2
                continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[" and (close := pattern.find("]", i + 2)) != -1:
            body = pattern[i + 1 : close]
            if body.startswith("!"):
                body = "^" + body[1:]
            out.append("[" + body.replace("\\", "\\\\") + "]")
            i = close + 1
            continue
        elif char == "{" and (close := _matching_brace(pattern, i)) != -1:
            options = _split_top_level(pattern[i + 1 : close])
            out.append("(?:" + "|".join(_translate(o) for o in options) + ")")
            i = close + 1
            continue
        else:
            out.append(re.escape(char))
        i += 1
    return "".join(out)


def _matching_brace(pattern: str, start: int) -> int:
    depth = 0
    for index in range(start, len(pattern)):
        if pattern[index] == "{":
            depth += 1
        elif pattern[index] == "}":
            depth -= 1
            if depth == 0:
                return index
    return -1


def _split_top_level(body: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for char in body:
        if char == "," and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        depth += {"{": 1, "}": -1}.get(char, 0)
        current.append(char)
    parts.append("".join(current))
    return parts


# --- findings --------------------------------------------------------------------------


INVALID_CONFIGURATION = check(
    "PGD002",
    "invalid-configuration",
    Severity.ERROR,
    """The configuration has an unknown key or a bad value.

    ## What it does
    Reports each mistake in `pgdrift.toml`, `[tool.pgdrift]` in
    `pyproject.toml` or `supabase/config.toml` at its line: invalid TOML,
    unknown keys (with the closest known key), `[severity]` keys that name
    no check (`PGD999`), values of the wrong type (`[types]` where
    `[[types]]` belongs: a single table is read as one entry), a database
    URL where an environment variable's name belongs.

    ## Why
    A misspelt key is otherwise silently ignored and its default used: the
    boundary you configured is not the one being checked. The default is
    still used, so the other checks run.

    ## Example
    ```toml
    [boundary]
    allow_remote = ["scripts/validate/**"]
    ```

    ```text
    pgdrift.toml:2:1: PGD002 unknown key `allow_remote` in [boundary]; did you mean `allow-remote`?
    ```
    """,
)


def config_findings(config: Config) -> list[Finding]:
    """The configuration's problems as PGD002 findings, one per line."""
    result = []
    for problem in config.problems:
        span = Span(str(problem.path), problem.line, 0, problem.line, _line_length(problem))
        result.append(INVALID_CONFIGURATION.finding(problem.message, span))
    return result


def _line_length(problem: ConfigProblem) -> int:
    try:
        lines = problem.path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 0
    return len(lines[problem.line]) if problem.line < len(lines) else 0


# --- pgdrift init ----------------------------------------------------------------------


def render_init(project_dir: Path) -> str:
    """A commented ``pgdrift.toml`` for the project at ``project_dir``.

    Values reflect what is detected (Supabase layout, type files, source
    folders); the rest is shown commented out with its default.
    """
    root = project_dir.resolve()
    supabase = read_supabase_layout(root, [])
    out: list[str] = [
        "# pgdrift configuration. Every key is optional: delete what you do not need.",
        "# Check codes and their documentation: docs/checks.md in pgdrift.",
        "",
    ]
    if supabase is not None:
        out += [f"# Detected a Supabase project ({SUPABASE_CONFIG.as_posix()}).", ""]

    migrations = _detect_migrations(root)
    out += [
        "# Migration files, applied in order of path.",
        f"migrations = {_toml_list(migrations)}",
        "",
    ]
    schemas = supabase.schemas if supabase else ("public",)
    source = (
        "public and [api].schemas of supabase/config.toml, as supabase gen types"
        if supabase and supabase.api_schemas_set
        else "public and Supabase's default [api].schemas, as supabase gen types"
        if supabase
        else "default"
    )
    out += [f"# Database schemas to check ({source}).", f"schemas = {_toml_list(schemas)}", ""]

    port = supabase.db_port if supabase else SUPABASE_DB_PORT
    out += [
        "# Database URLs come from environment variables: name the variables here,",
        "# never the URLs (they contain passwords).",
        "[databases]",
        f'local = {{ env = "{LOCAL_ENV}" }}   # unset: Supabase\'s local database on port {port}',
        f'remote = {{ env = "{REMOTE_ENV}" }}  # unset: no remote checks',
        "",
    ]

    types = _detect_types(root)
    out.append("# Generated types files; the language follows the extension (.ts, .py).")
    for path, source_name in types:
        out += ["[[types]]", f'path = "{path}"', f'source = "{source_name}"', ""]

    app = [f"{d}/**" for d in ("src", "app", "lib", "pages", "components") if (root / d).is_dir()]
    out += [
        "# Import boundary: application code must not import the remote types.",
        "[boundary]",
    ]
    if app:
        out.append(f"app = {_toml_list(app)}")
    else:
        out.append(
            '# app = ["src/**"]  # default: all source files outside the zones below and tests'
        )
    out.append(f"allow-remote = {_toml_list(DEFAULT_ALLOW_REMOTE)}  # may import remote types")
    # Commented even when detected: turning it on reports every direct import.
    canonical = _detect_canonical(root) or "src/lib/database.ts"
    out.append(f"# canonical = {_toml_list([canonical])}  # app code reaches the types only here")
    out += [
        "",
        "# Severity per check code, code prefix, check name or family: error, warning, info, off.",
        "[severity]",
        '# PGD302 = "error"',
        '# drift = "warning"',
        "",
    ]
    return "\n".join(out)


def _detect_migrations(root: Path) -> list[str]:
    if (root / "supabase" / "migrations").is_dir() or (root / SUPABASE_CONFIG).is_file():
        return list(DEFAULT_MIGRATIONS)
    if (root / "prisma" / "migrations").is_dir():
        return ["prisma/migrations/*/migration.sql"]
    if (root / "migrations").is_dir():
        return ["migrations/*.sql"]
    return list(DEFAULT_MIGRATIONS)


def _detect_types(root: Path) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for path, source in DEFAULT_TYPES:
        if (root / path).is_file():
            found.append((path, source))
    if found:
        return found
    for directory in ("types", "src/types", "lib", "src/lib"):
        for name in ("database.types.ts", "supabase.ts", "database.ts"):
            if (root / directory / name).is_file():
                return [(f"{directory}/{name}", "local")]
    return list(DEFAULT_TYPES)


def _detect_canonical(root: Path) -> str | None:
    for candidate in ("src/lib/database.ts", "lib/database.ts", "src/lib/db.ts"):
        if (root / candidate).is_file():
            return candidate
    return None


def _toml_list(values: Iterable[str]) -> str:
    return "[" + ", ".join(f'"{v}"' for v in values) + "]"
