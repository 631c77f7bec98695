"""The check registry, severity overrides, and the generated docs/checks.md."""

from __future__ import annotations

from pathlib import Path

import pytest

from pgdrift.checks import all_rules
from pgdrift.checks.docs import REGENERATE, render_docs
from pgdrift.checks.finding import (
    Finding,
    Severity,
    apply_severity,
    check,
    is_enabled,
    is_severity_selector,
)
from pgdrift.model import Span

DOCS = Path(__file__).parents[2] / "docs" / "checks.md"
GOOD_DOC = """Summary.

## What it does
x

## Why
y

## Example
z
"""


def test_codes_are_stable_and_documented() -> None:
    rules = {r.code: r for r in all_rules()}
    assert {"PGD001", "PGD002", "PGD003", "PGD301", "PGD302", "PGD303", "PGD304"} <= set(rules)
    assert rules["PGD301"].name == "remote-types-import"
    assert rules["PGD301"].family == "boundary"
    assert rules["PGD001"].family == "general"
    for rule in rules.values():
        assert rule.summary.endswith(".")
        assert "## Example" in rule.doc


@pytest.mark.parametrize(
    ("code", "name", "doc", "error"),
    [
        ("X301", "ok-name", GOOD_DOC, "PGD followed by three digits"),
        ("PGD399", "Bad_Name", GOOD_DOC, "kebab-case"),
        ("PGD399", "no-example", GOOD_DOC.replace("## Example", ""), "## Example"),
        ("PGD301", "other-name", GOOD_DOC, "declared twice"),
        ("PGD399", "remote-types-import", GOOD_DOC, "declared twice"),
    ],
)
def test_declaring_a_check_validates_it(code: str, name: str, doc: str, error: str) -> None:
    all_rules()
    with pytest.raises(ValueError, match=error):
        check(code, name, Severity.INFO, doc)


def finding(code: str) -> Finding:
    return Finding(code, Severity.ERROR, "m", Span("f", 0, 0, 0, 0))


def test_the_most_specific_severity_selector_wins() -> None:
    all_rules()
    overrides = {
        "boundary": Severity.INFO,
        "PGD30": Severity.WARNING,
        "canonical-types-bypass": None,
        "PGD303": Severity.ERROR,
    }
    result = apply_severity(
        [finding(c) for c in ("PGD301", "PGD302", "PGD303", "PGD304", "PGD001")], overrides
    )
    assert [(f.code, f.severity) for f in result] == [
        ("PGD301", Severity.WARNING),
        ("PGD303", Severity.ERROR),
        ("PGD304", Severity.WARNING),
        ("PGD001", Severity.ERROR),
    ]
    assert not is_enabled("PGD302", overrides)
    assert is_enabled("PGD001", overrides)


def test_severity_selectors() -> None:
    all_rules()
    for key in ("PGD301", "PGD3", "PGD30", "PGD", "boundary", "drift", "remote-types-import"):
        assert is_severity_selector(key), key
    # Well-formed codes and prefixes that no check has are not selectors either.
    for key in ("PGD3011", "pgd301", "boundry", "X1", "PGD505", "PGD999", "PGD6", "PGD31"):
        assert not is_severity_selector(key), key


def test_committed_docs_are_current() -> None:
    current = DOCS.read_text(encoding="utf-8") if DOCS.exists() else ""
    assert current == render_docs(), (
        f"docs/checks.md is out of date: run `{REGENERATE}` from the repository root "
        "(with the project's virtualenv) and commit the result"
    )
