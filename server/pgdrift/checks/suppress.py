"""``pgdrift-ignore CODE: reason`` comments, and reporting the ones that are unused.

A suppression is a comment (``//``, ``#``, ``--`` or ``/*``) containing
``pgdrift-ignore`` followed by one or more codes (comma-separated) and,
after a colon, the reason. It silences findings with those codes that start
on its own line; when the comment is alone on its line, also on the next
line. A statement that spans several lines counts as one line: a comment
above its first line, or on any of its lines, covers all of them (a multi-line
``import { ... } from "..."``, a ``supabase.from(...).select(...)`` chain, a
``create policy`` written over several lines). Of a statement with a body
(a function, a class, an ``if``), only its header counts, not the body.

A suppression that silenced nothing is reported as PGD001, so stale ones do
not pile up — but only when its check ran over that file: a suppression of a
check that was turned off, or that could not run (``--no-db``, a database
that did not answer, migrations that could not be replayed), is not judged.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pgdrift.checks.files import FileReader, UnreadableFileError
from pgdrift.checks.finding import Finding, Severity, check
from pgdrift.model import Span

if TYPE_CHECKING:
    from tree_sitter import Node

_MARKER = re.compile(
    r"(?P<comment>//|/\*|#|--)[^\n]*?"
    r"(?P<directive>pgdrift-ignore(?![\w-])"
    r"(?P<codes>(?:[\s,]+PGD\d+)*)"
    r"[ \t]*(?::[ \t]*(?P<reason>[^\n]*?))?)[ \t]*(?:\*/[^\n]*)?$"
)
_CODE = re.compile(r"PGD\d+")

_TS_SUFFIXES = (".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs")
_PY_SUFFIXES = (".py", ".pyi")
_SQL_SUFFIXES = (".sql",)


@dataclass(frozen=True, slots=True)
class Suppression:
    span: Span  # the ``pgdrift-ignore ...`` text itself
    codes: tuple[str, ...]
    reason: str
    #: 0-based lines whose findings it silences.
    lines: tuple[int, ...]
    #: The 0-based first and last line of the statement(s) it covers, when it
    #: covers more than its own line and the next.
    statement: tuple[int, int] | None = None

    def where(self) -> str:
        """The lines it covers, as an unused-suppression message names them."""
        if self.statement is not None:
            first, last = self.statement
            return f"in the statement on lines {first + 1}-{last + 1}"
        return "on this line" if len(self.lines) == 1 else "on this or the next line"


@dataclass(frozen=True, slots=True)
class Unchecked:
    """Checks that did not run, so their suppressions cannot be judged unused.

    ``codes`` are check codes or code prefixes (``PGD5``: the whole family);
    ``path`` limits it to one file (as spans name it; None: every file), and
    ``after_line`` to suppressions whose lines all come after that 0-based line
    (-1: all of them).
    """

    codes: tuple[str, ...]
    path: str | None = None
    after_line: int = -1

    def covers(self, code: str, path: str, lines: Iterable[int]) -> bool:
        if not any(code.startswith(prefix) for prefix in self.codes):
            return False
        if self.path is None:
            return True
        return self.path == path and all(line > self.after_line for line in lines)


def find_suppressions(path: str, text: str) -> list[Suppression]:
    """Every ``pgdrift-ignore`` comment in a file's text."""
    if "pgdrift-ignore" not in text:
        return []
    found: list[tuple[int, re.Match[str], bool]] = []
    for number, line in enumerate(text.splitlines()):
        if "pgdrift-ignore" not in line:
            continue
        match = _MARKER.search(line)
        if match is None:
            continue
        alone = not line[: match.start("comment")].strip()
        found.append((number, match, alone))
    if not found:
        return []
    targets = {line for number, _, alone in found for line in _plain_lines(number, alone)}
    statements = _statements(path, text, targets)
    result: list[Suppression] = []
    for number, match, alone in found:
        codes = tuple(_CODE.findall(match["codes"] or ""))
        start = match.start("directive")
        span = Span(path, number, start, number, match.end("directive"))
        plain = _plain_lines(number, alone)
        covered = set(plain)
        statement = _covered_statement(statements, number, alone)
        if statement is not None:
            covered.update(range(statement[0], statement[1] + 1))
        if covered == plain:
            statement = None  # a one-line statement: "this (or the next) line" says it
        reason = (match["reason"] or "").strip()
        result.append(Suppression(span, codes, reason, tuple(sorted(covered)), statement))
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
    unchecked: Iterable[Unchecked] = (),
) -> list[Finding]:
    """Drop suppressed findings; add PGD001 for each unused suppression code.

    ``is_active(code)`` says whether the check behind ``code`` ran (and is not
    turned off), and ``unchecked`` where checks did not run: a suppression for
    a check that did not run over its lines is not unused.
    """
    table: dict[tuple[str, int, str], Suppression] = {}
    pending = list(suppressions)
    skipped = list(unchecked)
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
        path = suppression.span.path
        for code in suppression.codes:
            if (suppression, code) in used or not is_active(code):
                continue
            if any(u.covers(code, path, suppression.lines) for u in skipped):
                continue
            kept.append(
                UNUSED_SUPPRESSION.finding(
                    f"unused suppression: no {code} finding {suppression.where()}",
                    suppression.span,
                )
            )
    return kept


# --- statements ------------------------------------------------------------------------

#: A statement: its first line, and the last line of its head (all of it for a
#: simple statement; up to where the body starts for one with a body).
_Statement = tuple[int, int]


def _plain_lines(line: int, alone: bool) -> set[int]:
    """The lines a comment covers without statements: its own, and the next when
    it is alone on its line."""
    return {line, line + 1} if alone else {line}


def _covered_statement(statements: list[_Statement], line: int, alone: bool) -> _Statement | None:
    """The lines of the statements a comment on ``line`` applies to: those whose
    head holds the comment and, for a comment alone on its line, the one that
    starts on the next line."""
    first: int | None = None
    last: int | None = None
    for start, end in statements:
        if start <= line <= end or (alone and start == line + 1):
            first = start if first is None else min(first, start)
            last = end if last is None else max(last, end)
    return None if first is None or last is None else (first, last)


def _statements(path: str, text: str, targets: set[int]) -> list[_Statement]:
    """The statements of a source file that hold one of the 0-based ``targets``
    lines, as (first line, last line of the head); none when the language is
    unknown or the file does not parse."""
    try:
        if path.endswith(_TS_SUFFIXES):
            return list(_ts_statements(path, text, targets))
        if path.endswith(_PY_SUFFIXES):
            return list(_py_statements(text))
        if path.endswith(_SQL_SUFFIXES):
            return _sql_statements(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        pass  # a file that does not parse: comments cover their lines only
    return []


#: Tree-sitter nodes whose named children are statements.
_TS_BODIES = frozenset(
    {"program", "statement_block", "class_body", "switch_case", "switch_default"}
)
#: Tree-sitter nodes that hold a body of statements.
_TS_BLOCKS = frozenset({"statement_block", "class_body", "switch_body"})


def _ts_statements(path: str, text: str, targets: set[int]) -> Iterator[_Statement]:
    """Statements around ``targets``: only nodes that hold one of them are visited."""
    from pgdrift.checks.imports_ts import parse_tree

    root = parse_tree(path, text).root_node
    stack: list[Node] = [root]
    while stack:
        node = stack.pop()
        for child in node.named_children:
            start, end = child.start_point[0], _ts_last_line(child)
            if child.type == "comment" or not any(start <= t <= end for t in targets):
                continue
            if node.type in _TS_BODIES or child.type.endswith(("_statement", "_declaration")):
                if child.type in _TS_BLOCKS:
                    yield start, start  # a bare block: its statements count, not the block
                else:
                    body = _ts_first_block(child)
                    yield start, end if body is None else max(start, min(end, body))
            stack.append(child)


def _ts_last_line(node: Node) -> int:
    row, column = node.end_point
    return int(row - 1 if column == 0 and row > node.start_point[0] else row)


def _ts_first_block(node: Node) -> int | None:
    """The line where the first body of statements inside ``node`` starts."""
    stack = list(reversed(node.named_children))
    while stack:
        child = stack.pop()
        if child.type in _TS_BLOCKS:
            return int(child.start_point[0])
        stack.extend(reversed(child.named_children))
    return None


def _py_statements(text: str) -> Iterator[_Statement]:
    text = text.removeprefix("\ufeff")
    lines = text.splitlines()

    def head_end(start: int, body_line: int) -> int:
        """The last line of a header: the code line before the body's first line."""
        end = body_line - 1
        while end > start and (end >= len(lines) or lines[end].strip()[:1] in ("", "#")):
            end -= 1
        return end

    for node in ast.walk(ast.parse(text)):
        if not isinstance(node, ast.stmt):
            continue
        decorators = getattr(node, "decorator_list", None) or []
        start = min([node.lineno, *(d.lineno for d in decorators)]) - 1
        end = (node.end_lineno or node.lineno) - 1
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
            end = min(end, head_end(start, body[0].lineno - 1))
        elif isinstance(node, ast.Match) and node.cases:
            end = min(end, head_end(start, node.cases[0].pattern.lineno - 1))
        yield start, end


def _sql_statements(text: str) -> list[_Statement]:
    from pgdrift.sources.sql_split import split

    return [
        (p.start_line, p.end_line)
        for p in split(text.removeprefix("\ufeff"))
        if p.kind == "statement"
    ]


UNUSED_SUPPRESSION = check(
    "PGD001",
    "unused-suppression",
    Severity.WARNING,
    """A `pgdrift-ignore` comment silences nothing.

    ## What it does
    Reports a `pgdrift-ignore CODE: reason` comment when no finding with that
    code starts on the comment's line (or, for a comment alone on its line,
    on the next line), and a `pgdrift-ignore` that names no code at all.
    A statement written over several lines counts as one line: a comment
    above it, or on any of its lines, covers all of its lines (of a function,
    class or `if`, only the header). A suppression is only reported when its
    check ran: not when the check is turned off under `[severity]`, nor when
    it could not run (`--no-db`, a database that did not answer, migrations
    that could not be replayed).

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
