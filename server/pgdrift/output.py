"""Rendering findings for the command line: text, JSON, SARIF and GitHub annotations.

Every format takes the same findings and the project root; paths are shown
relative to the root, '/'-separated, and positions 1-based (spans are
0-based). The JSON format has the shape of ruff's, SARIF is 2.1.0 as GitHub
code scanning reads it, and the GitHub format is workflow commands that
annotate a pull request.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal, TextIO

from pgdrift import __version__
from pgdrift.checks import all_rules
from pgdrift.checks.finding import Finding, Fix, Rule, Severity, rule_for, sort_key
from pgdrift.model import Span

Format = Literal["text", "json", "sarif", "github"]
FORMATS: tuple[Format, ...] = ("text", "json", "sarif", "github")

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
#: Where rule documentation lives, for ``url`` (JSON) and ``helpUri`` (SARIF);
#: None until pgdrift's documentation is published somewhere.
DOCS_URL: str | None = None

EXIT_CLEAN = 0
EXIT_FINDINGS = 1


def render(findings: Sequence[Finding], root: Path, fmt: Format, *, color: bool = False) -> str:
    """``findings`` in format ``fmt``; ``color`` applies to text only."""
    if fmt == "text":
        return render_text(findings, root, color=color)
    if fmt == "json":
        return render_json(findings, root)
    if fmt == "sarif":
        return render_sarif(findings, root)
    return render_github(findings, root)


def exit_code(findings: Sequence[Finding]) -> int:
    """0 when there is nothing to report, 1 otherwise (2 is for usage errors)."""
    return EXIT_FINDINGS if findings else EXIT_CLEAN


def use_color(stream: TextIO) -> bool:
    """Colour on a terminal only, and never when ``NO_COLOR`` is set."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def relative_path(path: str, root: Path) -> str:
    """``path`` relative to ``root``, '/'-separated; paths outside stay as they are."""
    p = Path(path)
    if p.is_absolute():
        try:
            return p.relative_to(root).as_posix()
        except ValueError:
            try:
                return p.resolve().relative_to(root.resolve()).as_posix()
            except (ValueError, OSError):
                return p.as_posix()
    return p.as_posix()


def _sorted(findings: Iterable[Finding], root: Path) -> list[Finding]:
    return sorted(findings, key=lambda f: (relative_path(f.span.path, root), *sort_key(f)[1:]))


# --- text ------------------------------------------------------------------------------

_STYLES = {
    "bold": "\x1b[1m",
    "cyan": "\x1b[36m",
    "red": "\x1b[31m",
    "yellow": "\x1b[33m",
    "blue": "\x1b[34m",
    "dim": "\x1b[2m",
    "reset": "\x1b[0m",
}
_SEVERITY_COLORS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "blue"}


def render_text(findings: Sequence[Finding], root: Path, *, color: bool = False) -> str:
    """ruff-style lines, ``path:line:col: CODE message``, then a summary."""

    def paint(text: str, *styles: str) -> str:
        if not color:
            return text
        return "".join(_STYLES[s] for s in styles) + text + _STYLES["reset"]

    lines = []
    for finding in _sorted(findings, root):
        path = relative_path(finding.span.path, root)
        where = (
            paint(path, "bold")
            + paint(":", "cyan")
            + str(finding.span.start_line + 1)
            + paint(":", "cyan")
            + str(finding.span.start_col + 1)
            + paint(":", "cyan")
        )
        code = paint(finding.code, "bold", _SEVERITY_COLORS[finding.severity])
        fixable = " " + paint("[*]", "cyan") if finding.fix is not None else ""
        lines.append(f"{where} {code}{fixable} {finding.message}")
    if not findings:
        lines.append(paint("All checks passed!", "bold"))
        return "\n".join(lines) + "\n"
    counts = {s: sum(1 for f in findings if f.severity == s) for s in Severity}
    parts = [_count(n, s) for s, n in counts.items() if n]  # "2 errors, 1 warning"
    noun = "finding" if len(findings) == 1 else "findings"
    lines.append(f"Found {len(findings)} {noun} ({', '.join(parts)}).")
    fixes = sum(1 for f in findings if f.fix is not None)
    if fixes:
        lines.append(f"{paint('[*]', 'cyan')} {fixes} fixable (the editor offers the fix).")
    return "\n".join(lines) + "\n"


def _count(n: int, severity: Severity) -> str:
    plural = n != 1 and severity is not Severity.INFO
    return f"{n} {severity.value}{'s' if plural else ''}"


# --- JSON (ruff's shape) ---------------------------------------------------------------


def _location(line: int, col: int) -> dict[str, int]:
    return {"row": line + 1, "column": col + 1}


def _doc_url(code: str) -> str | None:
    rule = rule_for(code)
    if DOCS_URL is None or rule is None:
        return None
    return f"{DOCS_URL}#{rule.code.lower()}-{rule.name}"


def finding_to_json(finding: Finding, root: Path) -> dict[str, Any]:
    span = finding.span
    fix: dict[str, Any] | None = None
    if finding.fix is not None:
        fix = {
            "message": finding.fix.message,
            "edits": [
                {
                    "path": relative_path(edit.span.path, root),
                    "location": _location(edit.span.start_line, edit.span.start_col),
                    "end_location": _location(edit.span.end_line, edit.span.end_col),
                    "content": edit.content,
                }
                for edit in finding.fix.edits
            ],
        }
    return {
        "code": finding.code,
        "severity": finding.severity.value,
        "message": finding.message,
        "path": relative_path(span.path, root),
        "location": _location(span.start_line, span.start_col),
        "end_location": _location(span.end_line, span.end_col),
        "fix": fix,
        "url": _doc_url(finding.code),
    }


def render_json(findings: Sequence[Finding], root: Path) -> str:
    """A JSON array of findings, sorted by path then position (SPEC §6)."""
    data = [finding_to_json(f, root) for f in _sorted(findings, root)]
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# --- SARIF 2.1.0 -----------------------------------------------------------------------

_SARIF_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _region(span: Span) -> dict[str, int]:
    return {
        "startLine": span.start_line + 1,
        "startColumn": span.start_col + 1,
        "endLine": span.end_line + 1,
        "endColumn": span.end_col + 1,
    }


def _artifact(path: str, root: Path) -> dict[str, str]:
    relative = relative_path(path, root)
    if Path(relative).is_absolute():
        return {"uri": Path(relative).as_uri()}
    return {"uri": relative, "uriBaseId": "%SRCROOT%"}


def _sarif_rule(rule: Rule) -> dict[str, Any]:
    descriptor: dict[str, Any] = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.summary},
        "help": {"text": rule.doc, "markdown": rule.doc},
        "defaultConfiguration": {"level": _SARIF_LEVELS[rule.severity]},
        "properties": {"tags": [rule.family]},
    }
    url = _doc_url(rule.code)
    if url is not None:
        descriptor["helpUri"] = url
    return descriptor


def _sarif_fix(fix: Fix, root: Path) -> dict[str, Any]:
    by_path: dict[str, list[dict[str, Any]]] = {}
    for edit in fix.edits:
        by_path.setdefault(edit.span.path, []).append(
            {"deletedRegion": _region(edit.span), "insertedContent": {"text": edit.content}}
        )
    return {
        "description": {"text": fix.message},
        "artifactChanges": [
            {"artifactLocation": _artifact(path, root), "replacements": replacements}
            for path, replacements in by_path.items()
        ],
    }


def render_sarif(findings: Sequence[Finding], root: Path) -> str:
    """One SARIF 2.1.0 run with a rule per check code (SPEC §6)."""
    rules = {rule.code: rule for rule in all_rules()}
    for finding in findings:
        if finding.code not in rules:  # a check not in the registry still gets a rule
            rules[finding.code] = Rule(
                finding.code,
                finding.code.lower(),
                finding.severity,
                finding.code,
                "",
            )
    codes = sorted(rules)
    index = {code: i for i, code in enumerate(codes)}
    results = []
    for finding in _sorted(findings, root):
        result: dict[str, Any] = {
            "ruleId": finding.code,
            "ruleIndex": index[finding.code],
            "level": _SARIF_LEVELS[finding.severity],
            "message": {"text": finding.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": _artifact(finding.span.path, root),
                        "region": _region(finding.span),
                    }
                }
            ],
        }
        if finding.fix is not None:
            result["fixes"] = [_sarif_fix(finding.fix, root)]
        results.append(result)
    root_uri = root.resolve().as_uri().rstrip("/") + "/"
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "pgdrift",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": [_sarif_rule(rules[code]) for code in codes],
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": root_uri}},
                # Span columns count characters, not UTF-16 code units.
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


# --- GitHub workflow annotations -------------------------------------------------------

_GITHUB_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(findings: Sequence[Finding], root: Path) -> str:
    """``::error file=…,line=…,col=…,endLine=…,endColumn=…,title=CODE::message`` lines."""
    lines = []
    for finding in _sorted(findings, root):
        span = finding.span
        properties = ",".join(
            f"{key}={_escape_property(str(value))}"
            for key, value in (
                ("file", relative_path(span.path, root)),
                ("line", span.start_line + 1),
                ("col", span.start_col + 1),
                ("endLine", span.end_line + 1),
                ("endColumn", span.end_col + 1),
                ("title", finding.code),
            )
        )
        level = _GITHUB_LEVELS[finding.severity]
        lines.append(f"::{level} {properties}::{_escape_data(finding.message)}")
    return "".join(line + "\n" for line in lines)
