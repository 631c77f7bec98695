"""Expected findings written into fixture files as caret annotations.

A comment line of carets marks a range on the nearest code line above it::

    import type { Database } from "../types/database.remote";
    //                             ^^^^^^^^^^^^^^^^^^^^^^^^ PGD301

so tests compare exact positions without anyone counting columns.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from pgdrift.checks.finding import Finding

_CARETS = re.compile(r"^\s*(?://|#)\s*(\^+)\s+(PGD\d{3})\s*$")

#: (path relative to the fixture root, line, start column, end column, code); 0-based.
Expected = tuple[str, int, int, int, str]


def expected_findings(root: Path) -> set[Expected]:
    """Every caret annotation under ``root``."""
    result: set[Expected] = set()
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.is_symlink():
            continue
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except UnicodeDecodeError:
            continue
        code_line = -1
        for number, line in enumerate(lines):
            match = _CARETS.match(line)
            if match is None:
                code_line = number
                continue
            start = match.start(1)
            rel = path.relative_to(root).as_posix()
            result.add((rel, code_line, start, match.end(1), match[2]))
    return result


def actual_findings(findings: list[Finding], root: Path, codes: tuple[str, ...]) -> set[Expected]:
    """Findings with the given codes, in the shape of :func:`expected_findings`."""
    result: set[Expected] = set()
    for finding in findings:
        if not finding.code.startswith(codes):
            continue
        span = finding.span
        assert span.start_line == span.end_line, finding
        rel = Path(span.path).relative_to(root).as_posix()
        result.add((rel, span.start_line, span.start_col, span.end_col, finding.code))
    return result


def copy_fixture(name: str, destination: Path) -> Path:
    """A fresh copy of ``tests/fixtures/boundary/<name>`` (tests may change it)."""
    source = Path(__file__).parent.parent / "fixtures" / "boundary" / name
    target = destination / name
    shutil.copytree(source, target, symlinks=True)
    return target.resolve()
