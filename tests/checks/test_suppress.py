"""``pgdrift-ignore CODE: reason`` comments and unused-suppression findings."""

from __future__ import annotations

from pathlib import Path

import pytest

from pgdrift.checks import finalize
from pgdrift.checks.files import DiskReader
from pgdrift.checks.finding import Finding, Severity
from pgdrift.checks.suppress import apply_suppressions, find_suppressions, suppressions_in
from pgdrift.model import Span


def finding(line: int, code: str = "PGD301", path: str = "f.ts") -> Finding:
    return Finding(code, Severity.ERROR, "m", Span(path, line, 0, line, 1))


@pytest.mark.parametrize(
    ("line", "codes", "reason"),
    [
        ("// pgdrift-ignore PGD301: validation helper", ("PGD301",), "validation helper"),
        ("# pgdrift-ignore PGD301, PGD302: both", ("PGD301", "PGD302"), "both"),
        ("-- pgdrift-ignore PGD401: legacy", ("PGD401",), "legacy"),
        ("/* pgdrift-ignore PGD301: in a block */", ("PGD301",), "in a block"),
        ("{/* pgdrift-ignore PGD301: jsx */}", ("PGD301",), "jsx"),
        ("// pgdrift-ignore PGD301", ("PGD301",), ""),
    ],
)
def test_comment_forms(line: str, codes: tuple[str, ...], reason: str) -> None:
    [suppression] = find_suppressions("f.ts", line + "\n")
    assert (suppression.codes, suppression.reason) == (codes, reason)
    start = line.index("pgdrift-ignore")
    assert suppression.span.start_col == start


def test_not_in_code_or_strings_without_a_comment_marker() -> None:
    assert find_suppressions("f.ts", 'const s = "pgdrift-ignore PGD301: no";\n') == []


def test_own_line_covers_the_next_line_trailing_covers_its_own() -> None:
    text = (
        "// pgdrift-ignore PGD301: reviewed\n"
        'import a from "x";\n'
        'import b from "y"; // pgdrift-ignore PGD301: reviewed\n'
    )
    above, trailing = find_suppressions("f.ts", text)
    assert above.lines == (0, 1)
    assert trailing.lines == (2,)
    kept = apply_suppressions([finding(1), finding(2), finding(2, "PGD302")], [above, trailing])
    assert [(f.code, f.span.start_line) for f in kept] == [("PGD302", 2)]


def test_unused_suppression_is_reported_where_the_comment_is() -> None:
    text = 'import a from "x"; // pgdrift-ignore PGD301, PGD302: reviewed\n'
    suppressions = find_suppressions("f.ts", text)
    kept = apply_suppressions([finding(0, "PGD301")], suppressions)
    [unused] = kept
    assert unused.code == "PGD001"
    assert unused.severity is Severity.WARNING
    assert unused.message == "unused suppression: no PGD302 finding on this line"
    assert unused.span == Span("f.ts", 0, 22, 0, len(text) - 1)


def test_suppressions_of_checks_that_did_not_run_are_not_unused() -> None:
    suppressions = find_suppressions("f.sql", "-- pgdrift-ignore PGD401: later\n")
    assert (
        apply_suppressions([], suppressions, is_active=lambda code: code.startswith("PGD3")) == []
    )


def test_a_suppression_without_a_code_is_reported() -> None:
    [unused] = apply_suppressions([], find_suppressions("f.py", "# pgdrift-ignore: why\n"))
    assert "names no check code" in unused.message


def test_other_files_are_not_affected() -> None:
    suppressions = find_suppressions("a.ts", "// pgdrift-ignore PGD301: x\n")
    kept = apply_suppressions([finding(1, path="b.ts")], suppressions)
    assert [f.code for f in kept] == ["PGD301", "PGD001"]


def test_finalize_levels_suppresses_and_sorts(tmp_path: Path) -> None:
    source = tmp_path / "a.ts"
    source.write_text(
        'import a from "x"; // pgdrift-ignore PGD301: reviewed\n'
        "// pgdrift-ignore PGD302: nothing here\n"
        "// pgdrift-ignore PGD101: stale types did not run\n"
    )
    suppressions = suppressions_in([source, tmp_path / "missing.ts"], DiskReader())
    raw = [finding(2, "PGD304", str(source)), finding(0, "PGD301", str(source))]
    result = finalize(
        raw,
        {"PGD304": Severity.WARNING, "unused-suppression": Severity.INFO},
        suppressions,
        ran=lambda code: code.startswith("PGD3"),
    )
    assert [(f.code, f.severity, f.span.start_line) for f in result] == [
        ("PGD001", Severity.INFO, 1),
        ("PGD304", Severity.WARNING, 2),
    ]
