"""``pgdrift-ignore CODE: reason`` comments, and reporting the ones that are unused.

A suppression is a comment (``//``, ``#``, ``--`` or ``/*``) containing
``pgdrift-ignore`` followed by one or more codes (comma-separated) and,
after a colon, the reason. It silences findings with those codes that start
on its own line; when the comment is alone on its line, also on the next
line. A suppression that silenced nothing is reported as PGD001, so stale
ones do not pile up.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from pgdrift.checks.files import FileReader, UnreadableFileError
from pgdrift.checks.finding import Finding, Severity, check
from pgdrift.model import Span

_MARKER = re.compile(
    r"(?P<comment>//|/\*|#|--)[^\n]*?"
    r"(?P<directive>pgdrift-ignore(?![\w-])"
    r"(?P<codes>(?:[\s,]+PGD\d+)*)"
    r"[ \t]*(?::[ \t]*(?P<reason>[^\n]*?))?)[ \t]*(?:\*/[^\n]*)?$"
)
_CODE = re.compile(r"PGD\d+")


@dataclass(frozen=True, slots=True)
class Suppression:
    span: Span  # the ``pgdrift-ignore ...`` text itself
    codes: tuple[str, ...]
    reason: str
    #: 0-based lines whose findings it silences.
    lines: tuple[int, ...]


def find_suppressions(path: str, text: str) -> list[Suppression]:
    """Every ``pgdrift-ignore`` comment in a file's text."""
    if "pgdrift-ignore" not in text:
        return []
    result: list[Suppression] = []
    for number, line in enumerate(text.splitlines()):
        if "pgdrift-ignore" not in line:
            continue
        match = _MARKER.search(line)
        if match is None:
            continue
        codes = tuple(_CODE.findall(match["codes"] or ""))
        start = match.start("directive")
        span = Span(path, number, start, number, match.end("directive"))
        alone = not line[: match.start("comment")].strip()
        lines = (number, number + 1) if alone else (number,)
        result.append(Suppression(span, codes, (match["reason"] or "").strip(), lines))
    return result


def suppressions_in(paths: Iterable[Path], reader: FileReader) -> list[Suppression]:
    """The suppressions of every readable file in ``paths`` (spans use ``str(path)``)."""
    result: list[Suppression] = []
    for path in paths:
        try:
            text = reader.read_text(path)
        except UnreadableFileError:
            continue  # reported by the checks that needed the file
        result += find_suppressions(str(path), text)
    return result


def apply_suppressions(
    findings: Iterable[Finding],
    suppressions: Iterable[Suppression],
    is_active: Callable[[str], bool] = lambda code: True,
) -> list[Finding]:
    """Drop suppressed findings; add PGD001 for each unused suppression code.

    ``is_active(code)`` says whether the check behind ``code`` ran (and is not
    turned off): a suppression for a check that did not run is not unused.
    """
    table: dict[tuple[str, int, str], Suppression] = {}
    pending = list(suppressions)
    for suppression in pending:
        for line in suppression.lines:
            for code in suppression.codes:
                table.setdefault((suppression.span.path, line, code), suppression)
    used: set[tuple[Suppression, str]] = set()
    kept: list[Finding] = []
    for finding in findings:
        hit = table.get((finding.span.path, finding.span.start_line, finding.code))
        if hit is None:
            kept.append(finding)
        else:
            used.add((hit, finding.code))
    for suppression in pending:
        if not suppression.codes:
            kept.append(
                UNUSED_SUPPRESSION.finding(
                    "`pgdrift-ignore` names no check code; write `pgdrift-ignore PGD301: reason`",
                    suppression.span,
                )
            )
            continue
        for code in suppression.codes:
            if (suppression, code) not in used and is_active(code):
                where = "this line" if len(suppression.lines) == 1 else "this or the next line"
                kept.append(
                    UNUSED_SUPPRESSION.finding(
                        f"unused suppression: no {code} finding on {where}", suppression.span
                    )
                )
    return kept


UNUSED_SUPPRESSION = check(
    "PGD001",
    "unused-suppression",
    Severity.WARNING,
    """A `pgdrift-ignore` comment silences nothing.

    ## What it does
    Reports a `pgdrift-ignore CODE: reason` comment when no finding with that
    code starts on the comment's line (or, for a comment alone on its line,
    on the next line), and a `pgdrift-ignore` that names no code at all.

    ## Why
    Suppressions outlive the problems they hid: the import is fixed, the
    comment stays, and later hides a new problem on the same line. Reporting
    unused ones keeps every suppression deliberate.

    ## Example
    ```ts
    // pgdrift-ignore PGD301: validation helper, reviewed
    import type { Database } from "@/types/database.local";
    ```

    The import is of the local types, so nothing is suppressed: remove the
    comment.
    """,
)
