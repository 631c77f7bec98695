"""Running every check family over a project: the one entry point front ends call.

Each family is a function ``(CheckContext) -> list[Finding]``. A family that
needs something unavailable (a database that does not answer) records a
note and returns what it could; it never stops the others. Front ends
render :attr:`CheckRun.findings` and show :attr:`CheckRun.notes`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pgdrift.checks import finalize
from pgdrift.checks.files import walk_files
from pgdrift.checks.finding import Finding
from pgdrift.checks.suppress import suppressions_in
from pgdrift.db import DatabaseError
from pgdrift.model import Schema
from pgdrift.project import DatabaseName, Project

#: Files whose comments may carry ``pgdrift-ignore`` suppressions.
SOURCE_SUFFIXES = frozenset({".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs", ".py", ".sql"})


@dataclass
class CheckContext:
    """What a check family may use: the project, the options, and a notebook."""

    project: Project
    #: Absolute paths to limit application-code checks to (None: the whole project).
    paths: list[Path] | None = None
    #: False with ``--no-db``: no database is contacted, not even a scratch one.
    use_db: bool = True
    notes: list[str] = field(default_factory=list)

    def note(self, message: str) -> None:
        if message not in self.notes:
            self.notes.append(message)

    def migrations_schema(self) -> Schema | None:
        """What the migrations build (shadow replay), or None with a note.

        A migration that fails to apply is not noted here: the migrations
        family reports it as a finding at its file and line.
        """
        if not self.use_db:
            self.note("--no-db: migrations were not replayed; checks against them skipped")
            return None
        from pgdrift.embedded import EmbeddedPostgresError
        from pgdrift.sources.shadow import MigrationFailed, ShadowError

        try:
            return self.project.shadow_schema()
        except MigrationFailed:
            return None
        except (DatabaseError, EmbeddedPostgresError, ShadowError) as exc:
            self.note(f"cannot replay the migrations: {exc}")
            return None

    def database_schema(self, which: DatabaseName) -> Schema | None:
        """The live local or remote schema, or None with a note when unavailable."""
        if not self.use_db:
            return None
        if self.project.database_url(which) is None:
            self.note(
                f"no {which} database ({self.project.database_env(which)} is not set); "
                f"checks against it skipped"
            )
            return None
        try:
            return self.project.database_schema(which)
        except DatabaseError as exc:
            self.note(f"{which} database unavailable, checks against it skipped: {exc}")
            return None


@dataclass(frozen=True)
class CheckRun:
    findings: list[Finding]
    notes: list[str]


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
    """Every finding for ``project``, with severities and suppressions applied."""
    from pgdrift.config import config_findings

    ctx = CheckContext(project, paths, use_db)
    findings: list[Finding] = list(config_findings(project.config))
    for family in families if families is not None else _families():
        findings += family(ctx)
    checked = paths if paths is not None else list(walk_files(project.root, SOURCE_SUFFIXES))
    suppressions = suppressions_in(checked, project.reader)
    overrides = dict(project.config.severity_overrides)
    return CheckRun(finalize(findings, overrides, suppressions), ctx.notes)
