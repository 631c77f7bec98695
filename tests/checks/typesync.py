"""The ``typesync`` fixture project, for the stale-types and drift checks.

``tests/fixtures/projects/typesync``: two migrations on plain Postgres; the
local and remote types files were generated after the first one only, so
the second (a ``tags`` table, ``orders.tag_id``, a ``shipped`` status, a
``NOT NULL`` bio) is what makes them stale.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from pgdrift.checks.engine import CheckContext
from pgdrift.checks.files import DiskReader
from pgdrift.checks.finding import Finding
from pgdrift.project import Project

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "projects" / "typesync"
MIGRATIONS = FIXTURE / "migrations"


def copy_project(destination: Path) -> Path:
    target = destination / "typesync"
    shutil.copytree(FIXTURE, target)
    return target.resolve()


def migrations_sql() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(MIGRATIONS.glob("*.sql")))


def line_of(path: Path, needle: str, after: str | None = None) -> int:
    """The 0-based line of ``needle`` in ``path`` (after the line holding ``after``)."""
    started = after is None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        if not started:
            started = after in line  # type: ignore[operator]
            continue
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def column_of(path: Path, line: int, needle: str) -> int:
    return path.read_text(encoding="utf-8").splitlines()[line].index(needle)


def run_family(
    project: Project, run: Callable[[CheckContext], list[Finding]], *, use_db: bool = True
) -> tuple[list[Finding], list[str]]:
    """One family's findings and notes; files are read afresh."""
    project.reader = DiskReader()
    ctx = CheckContext(project, use_db=use_db)
    findings = run(ctx)
    return sorted(
        findings, key=lambda f: (f.span.path, f.span.start_line, f.code, f.message)
    ), ctx.notes


def located(findings: list[Finding], root: Path) -> list[tuple[str, int, int, str]]:
    """(path relative to root, line, column, code) of each finding."""
    out = []
    for f in findings:
        path = Path(f.span.path)
        rel = path.relative_to(root).as_posix() if path.is_absolute() else path.as_posix()
        out.append((rel, f.span.start_line, f.span.start_col, f.code))
    return out
