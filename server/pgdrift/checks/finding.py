"""Findings, fixes, and the registry of checks they come from.

A :class:`Finding` is plain data: a stable code, a severity, a message naming
both sides, a :class:`~pgdrift.model.Span` and an optional :class:`Fix`. Front
ends (the CLI's output formats, the language server) only render findings.

Every check is declared once with :func:`check`, next to the code that
produces its findings, with its documentation ("What it does", "Why",
"Example"), from which ``docs/checks.md`` is generated.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from inspect import cleandoc

from pgdrift.model import Span


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class TextEdit:
    """Replace the text in ``span`` (end exclusive) with ``content``."""

    span: Span
    content: str


@dataclass(frozen=True, slots=True)
class Fix:
    message: str
    edits: tuple[TextEdit, ...]


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    severity: Severity
    message: str
    span: Span
    fix: Fix | None = None


#: Check families: the name a ``[severity]`` key may use, and the code prefix
#: of its checks. Each family owns a block of a hundred codes.
FAMILIES: Mapping[str, str] = {
    "general": "PGD0",
    "stale-types": "PGD1",
    "drift": "PGD2",
    "boundary": "PGD3",
    "migrations": "PGD4",
    "app-references": "PGD5",
}

_CODE = re.compile(r"PGD\d{3}")
_NAME = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
_SECTIONS = ("## What it does", "## Why", "## Example")


@dataclass(frozen=True, slots=True)
class Rule:
    """A check as users see it: code, name, default severity, documentation."""

    code: str
    name: str
    severity: Severity
    #: The docstring's first line.
    summary: str
    #: The rest of the docstring: Markdown with the three required sections.
    doc: str

    @property
    def family(self) -> str:
        for family, prefix in FAMILIES.items():
            if self.code.startswith(prefix):
                return family
        return "general"  # unreachable for validated codes; keeps the type total

    def finding(self, message: str, span: Span, fix: Fix | None = None) -> Finding:
        """A finding of this check at its default severity."""
        return Finding(self.code, self.severity, message, span, fix)


_REGISTRY: dict[str, Rule] = {}


def check(code: str, name: str, severity: Severity, doc: str) -> Rule:
    """Declare a check next to the code that produces its findings.

    ``doc`` is its documentation: a summary line, then Markdown with "## What
    it does", "## Why" and "## Example" sections. Declaring the same check
    twice (a module imported under two names) is harmless; two checks with
    one code or one name are an error.
    """
    if not _CODE.fullmatch(code):
        raise ValueError(f"check code {code!r} is not PGD followed by three digits")
    if not _NAME.fullmatch(name):
        raise ValueError(f"check name {name!r} is not kebab-case")
    summary, _, body = cleandoc(doc).partition("\n")
    missing = [s for s in _SECTIONS if s not in body]
    if not summary or missing:
        raise ValueError(f"{code}: documentation needs a summary line and {', '.join(missing)}")
    rule = Rule(code, name, severity, summary.strip(), body.strip())
    existing = _REGISTRY.get(code)
    if existing is not None and existing != rule:
        raise ValueError(f"check code {code} is declared twice ({existing.name}, {name})")
    if any(r.name == name and r.code != code for r in _REGISTRY.values()):
        raise ValueError(f"check name {name} is declared twice")
    _REGISTRY[code] = rule
    return rule


def registered_rules() -> list[Rule]:
    """The checks declared so far, by code (see ``pgdrift.checks.all_rules``)."""
    return [_REGISTRY[code] for code in sorted(_REGISTRY)]


def rule_for(code: str) -> Rule | None:
    return _REGISTRY.get(code)


def is_severity_selector(key: str) -> bool:
    """Whether ``key`` may appear in ``[severity]``: the code of a check, a code
    prefix some check has (``PGD3``), a family name or a check name."""
    if key in FAMILIES or any(r.name == key for r in _REGISTRY.values()):
        return True
    if re.fullmatch(r"PGD\d{0,3}", key) is None:
        return False
    return any(code.startswith(key) for code in _REGISTRY)


def severity_selectors() -> list[str]:
    """Every code, check name and family name: what ``[severity]`` keys may be
    (code prefixes aside)."""
    return [*_REGISTRY, *(r.name for r in _REGISTRY.values()), *FAMILIES]


def severity_override(
    code: str, overrides: Mapping[str, Severity | None]
) -> tuple[bool, Severity | None]:
    """The configured severity for ``code``: ``(found, severity or None for off)``.

    The most specific selector wins: the code, then the check's name, then
    the longest code prefix, then the family.
    """
    if code in overrides:
        return True, overrides[code]
    rule = _REGISTRY.get(code)
    if rule is not None and rule.name in overrides:
        return True, overrides[rule.name]
    for length in range(len(code) - 1, 2, -1):
        if code[:length] in overrides:
            return True, overrides[code[:length]]
    for family, prefix in FAMILIES.items():
        if code.startswith(prefix) and family in overrides:
            return True, overrides[family]
    return False, None


def apply_severity(
    findings: Iterable[Finding], overrides: Mapping[str, Severity | None]
) -> list[Finding]:
    """Re-level findings per configuration; drop those of checks turned off."""
    result: list[Finding] = []
    for finding in findings:
        found, severity = severity_override(finding.code, overrides)
        if not found:
            result.append(finding)
        elif severity is not None:
            result.append(replace(finding, severity=severity))
    return result


def is_enabled(code: str, overrides: Mapping[str, Severity | None]) -> bool:
    found, severity = severity_override(code, overrides)
    return not found or severity is not None


def sort_key(finding: Finding) -> tuple[str, int, int, int, int, str, str]:
    """Path, then position, then code: the order every output format uses."""
    s = finding.span
    return (s.path, s.start_line, s.start_col, s.end_line, s.end_col, finding.code, finding.message)
