"""Running every check family over a project: the one entry point front ends call.

Each family is a function ``(CheckContext) -> list[Finding]``. A family that
needs something unavailable (a database that does not answer) records a
note and returns what it could; it never stops the others. Front ends
render :attr:`CheckRun.findings` and show :attr:`CheckRun.notes`.

Checks that could not run are recorded too (:meth:`CheckContext.skip`; the
accessors below do it for what they could not provide): a ``pgdrift-ignore``
of a check that did not run is not reported as unused.
"""

from __future__ import annotations

import gc
import hashlib
import importlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pgdrift.cache import digest
from pgdrift.checks import finalize
from pgdrift.checks.files import UnreadableFileError, walk_files
from pgdrift.checks.finding import Finding
from pgdrift.checks.suppress import Unchecked, suppressions_in
from pgdrift.model import Schema
from pgdrift.project import DatabaseName, Project

#: Files whose comments may carry ``pgdrift-ignore`` suppressions.
SOURCE_SUFFIXES = frozenset(
    {".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs", ".py", ".sql"}
)

#: The checks that compare against each database (its schema or its migration
#: history): they do not run when it is unavailable (``--no-db``, no URL, no
#: answer). PGD405 is also a history check (older than the latest applied).
DATABASE_CHECKS: Mapping[DatabaseName, tuple[str, ...]] = {
    "local": ("PGD102", "PGD202", "PGD203", "PGD405", "PGD407", "PGD408", "PGD409"),
    "remote": ("PGD202", "PGD203", "PGD405", "PGD407", "PGD408", "PGD409"),
}


@dataclass
class CheckContext:
    """What a check family may use: the project, the options, and a notebook."""

    project: Project
    #: Absolute paths to limit application-code checks to (None: the whole project).
    paths: list[Path] | None = None
    #: False with ``--no-db``: no database is contacted, not even a scratch one.
    use_db: bool = True
    notes: list[str] = field(default_factory=list)
    #: Where checks did not run (see :meth:`skip`).
    unchecked: list[Unchecked] = field(default_factory=list)
    #: Checks that could not run because pgdrift itself failed (see :meth:`fail`).
    failures: list[str] = field(default_factory=list)
    #: Notes, skips and failures taken while :meth:`cached` computes (notes
    #: and skips are replayed on a cache hit).
    _recording: list[list[str | Unchecked | Failed]] = field(default_factory=list, repr=False)

    def note(self, message: str) -> None:
        for recording in self._recording:
            recording.append(message)
        if message not in self.notes:
            self.notes.append(message)

    def fail(self, message: str, codes: Iterable[str]) -> None:
        """Record that pgdrift itself failed (a bug, not a problem of the
        project), so that the checks ``codes`` did not run: the others still
        do, and the run ends in an error rather than passing."""
        self.skip(codes)
        failed = Failed(message)
        for recording in self._recording:
            recording.append(failed)
        if message not in self.failures:
            self.failures.append(message)

    def skip(
        self, codes: Iterable[str], *, path: Path | str | None = None, after_line: int = -1
    ) -> None:
        """Record that the checks ``codes`` (codes or code prefixes) did not run:
        anywhere, or only in ``path`` after the 0-based ``after_line``.
        Suppressions of them there are not reported as unused."""
        item = Unchecked(tuple(codes), None if path is None else str(path), after_line)
        self._skipped(item)

    def _skipped(self, item: Unchecked) -> None:
        for recording in self._recording:
            recording.append(item)
        if item not in self.unchecked:
            self.unchecked.append(item)

    def cached(self, name: str, key: object, compute: Callable[[], list[Finding]]) -> list[Finding]:
        """``compute()``, or its findings and notes from an earlier run with the same
        ``key``, which must name every input ``compute`` reads (see :meth:`inputs_key`).
        Kept in the project's on-disk cache."""
        store = self.project.store
        hit = store.load(name, key)
        if _is_run_result(hit):
            assert isinstance(hit, tuple)
            stored: tuple[tuple[Finding, ...], tuple[str, ...], tuple[Unchecked, ...]] = hit
            for message in stored[1]:
                self.note(message)
            for item in stored[2]:
                self._skipped(item)
            return list(stored[0])
        recording: list[str | Unchecked | Failed] = []
        self._recording.append(recording)
        try:
            findings = compute()
        finally:
            self._recording.pop()  # a stack: nested recordings end first
        if any(isinstance(r, Failed) for r in recording):
            return findings  # pgdrift failed: try again next time
        notes = tuple(r for r in recording if isinstance(r, str))
        skipped = tuple(r for r in recording if isinstance(r, Unchecked))
        store.store(name, key, (tuple(findings), notes, skipped))
        return findings

    def inputs_key(self, *, types: bool = False, migrations: bool = False) -> str:
        """A digest of the configuration and, as asked, the contents of the types
        files and of the migrations folder: what the project-wide families read."""
        project = self.project
        config = project.config
        parts: list[object] = [str(project.root), repr(config), tuple(project.schemas)]
        for path in (config.path, config.supabase.config_path if config.supabase else None):
            parts.append(_content_digest(project, path) if path is not None else None)
        if types:
            for entry in config.types:
                parts.append((entry.path, _content_digest(project, config.resolve(entry.path))))
        if migrations:
            found = project.migrations
            parts.append((found.layout, found.is_supabase))
            for group in (found.files, found.skipped):
                for file in group:
                    path = file if isinstance(file, Path) else file.path
                    # As on disk: the migrations sources read the disk, not the editor.
                    parts.append((str(path), _bytes_digest(path)))
        return digest(repr(parts))

    def migrations_schema(self) -> Schema | None:
        """What the migrations build (shadow replay), or None with a note.

        A migration that fails to apply is not noted here: the migrations
        family reports it as a finding at its file and line.
        """
        if not self.use_db:
            self.note(
                "--no-db: migrations were not replayed; checks that need the replay "
                "use pgdrift's static model of them, or are skipped"
            )
            return None
        from pgdrift.db import DatabaseError
        from pgdrift.embedded import EmbeddedPostgresError
        from pgdrift.sources.shadow import MigrationFailed, ShadowError

        try:
            return self.project.shadow_schema()
        except MigrationFailed:
            return None
        except (DatabaseError, EmbeddedPostgresError, ShadowError) as exc:
            self.note(f"cannot replay the migrations: {exc}")
            return None

    def migrations_model(self) -> Schema | None:
        """What the migrations build: the replay, else (no database, or a
        replay that failed) the static model when it has no errors; None
        without migrations."""
        if not self.project.migrations.files:
            return None
        if self.use_db:
            shadow = self.migrations_schema()
            if shadow is not None:
                return shadow
        from pgdrift.sides import static_schema

        static = static_schema(self.project)
        if static is not None and not static[1]:
            return static[0]
        return None

    def database_schema(self, which: DatabaseName) -> Schema | None:
        """The live local or remote schema, or None with a note when unavailable."""
        if not self.use_db:
            self.skip(DATABASE_CHECKS[which])
            return None
        from pgdrift.db import DatabaseError  # psycopg: only when a database is used

        if self.project.database_url(which) is None:
            self.note(
                f"no {which} database ({self.project.database_env(which)} is not set); "
                f"checks against it skipped"
            )
            self.skip(DATABASE_CHECKS[which])
            return None
        try:
            return self.project.database_schema(which)
        except DatabaseError as exc:
            self.note(f"{which} database unavailable, checks against it skipped: {exc}")
            self.skip(DATABASE_CHECKS[which])
            return None


def _is_run_result(value: object) -> bool:
    """Whether a cached value has the shape :meth:`CheckContext.cached` stores."""
    return (
        isinstance(value, tuple)
        and len(value) == 3
        and all(isinstance(part, tuple) for part in value)
        and all(isinstance(f, Finding) for f in value[0])
        and all(isinstance(n, str) for n in value[1])
        and all(isinstance(u, Unchecked) for u in value[2])
    )


def _content_digest(project: Project, path: Path) -> str | None:
    """What ``path`` holds, as the checks would read it; None when it is missing."""
    try:
        return digest(project.reader.read_text(path))
    except UnreadableFileError:
        return _bytes_digest(path)


def _bytes_digest(path: Path) -> str | None:
    try:
        return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
    except OSError:
        return None


@dataclass(frozen=True)
class Failed:
    """A :meth:`CheckContext.fail` noted while a family computes (a result
    with one is not cached)."""

    message: str


@dataclass(frozen=True)
class CheckRun:
    findings: list[Finding]
    notes: list[str]
    #: What pgdrift failed at (its own bugs), leaving some checks not run.
    failures: list[str] = field(default_factory=list)


Family = Callable[[CheckContext], list[Finding]]

#: Check families by module: each module has ``run(ctx) -> list[Finding]``.
#: Families import lazily so a run pays only for parsers it uses.
FAMILY_MODULES: tuple[str, ...] = (
    "pgdrift.checks.boundary",
    "pgdrift.checks.stale",
    "pgdrift.checks.drift",
    "pgdrift.checks.migrations",
    "pgdrift.checks.app_refs",
)


#: Families that need no database (app references only without a local types file).
_OFFLINE_FAMILIES = ("pgdrift.checks.boundary", "pgdrift.checks.app_refs")


def _families() -> Iterable[Family]:
    for name in FAMILY_MODULES:
        module = importlib.import_module(name)
        yield module.run


def run_checks(
    project: Project,
    paths: list[Path] | None = None,
    *,
    use_db: bool = True,
    families: Iterable[Family] | None = None,
) -> CheckRun:
    """Every finding for ``project``, with severities and suppressions applied.

    Families that read the same file (an unreadable one, say) may report the
    same finding: it is reported once.
    """
    from pgdrift.config import config_findings

    ctx = CheckContext(project, paths, use_db)
    chosen = list(families if families is not None else _families())
    order = list(range(len(chosen)))
    if use_db and families is None:
        # Every run with a database replays the migrations (the migrations family
        # asks for it): the replay starts now, in the background, and the
        # families that need no database run first, while it mostly waits.
        project.prefetch_shadow()
        offline = [i for i, name in enumerate(FAMILY_MODULES) if name in _OFFLINE_FAMILIES]
        order = offline + [i for i in order if i not in offline]
    with _collector_paused():
        findings: list[Finding] = list(config_findings(project.config))
        # Results (and notes) are put back in family order: the output does
        # not depend on the order families ran in.
        results: dict[int, tuple[list[Finding], list[str | Unchecked | Failed]]] = {}
        for index in order:
            recording: list[str | Unchecked | Failed] = []
            ctx._recording.append(recording)
            try:
                results[index] = (chosen[index](ctx), recording)
            finally:
                ctx._recording.pop()  # a stack: nested recordings end first
        ctx.notes.clear()
        for index in sorted(results):
            found, notes = results[index]
            findings += found
            for message in notes:
                if isinstance(message, str):
                    ctx.note(message)
        for which in DATABASE_CHECKS:
            # Families that need a database ask for it only when they have
            # something to compare: say what did not run either way.
            if not use_db or project.database_url(which) is None:
                ctx.skip(DATABASE_CHECKS[which])
        checked = paths if paths is not None else list(walk_files(project.root, SOURCE_SUFFIXES))
        suppressions = suppressions_in(checked, project.reader)
        project.facts.save()
    overrides = dict(project.config.severity_overrides)
    kept = finalize(findings, overrides, suppressions, unchecked=ctx.unchecked)
    return CheckRun(unique(kept), ctx.notes, ctx.failures)


def unique(findings: Iterable[Finding]) -> list[Finding]:
    """``findings`` without exact repeats, in order."""
    return list(dict.fromkeys(findings))


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for a run.

    A run builds large, long-lived, acyclic structures (syntax trees, schemas):
    the collector would rescan them over and over as they grow, for nothing
    (it more than doubled the time of a large project's run). What a run
    leaves behind is collected when the collector is back.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
