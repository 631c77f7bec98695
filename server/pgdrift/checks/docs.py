"""Generate ``docs/checks.md`` from the checks' own documentation.

Regenerate with ``python -m pgdrift.checks.docs`` from the repository root
(or pass the output path).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from pgdrift.checks import all_rules
from pgdrift.checks.finding import Rule

REGENERATE = "python -m pgdrift.checks.docs"


def anchor(rule: Rule) -> str:
    """The Markdown heading anchor of a check in ``docs/checks.md``."""
    return f"{rule.code.lower()}-{rule.name}"


def render_docs() -> str:
    """The complete text of ``docs/checks.md``."""
    rules = all_rules()
    lines = [
        "# Checks",
        "",
        f"<!-- Generated from the checks' own documentation by `{REGENERATE}`; do not edit. -->",
        "",
        "Each check has a stable code and a default severity; change it (or turn it",
        "off) under `[severity]` in the configuration, by code, code prefix, name or",
        "family. Silence one finding with a comment on or above its line:",
        "`pgdrift-ignore CODE: reason`.",
        "",
        "| code | name | family | default severity | summary |",
        "|---|---|---|---|---|",
    ]
    for rule in rules:
        lines.append(
            f"| [{rule.code}](#{anchor(rule)}) | `{rule.name}` | {rule.family} "
            f"| {rule.severity.value} | {rule.summary} |"
        )
    for rule in rules:
        lines += [
            "",
            f"## {rule.code} {rule.name}",
            "",
            rule.summary,
            "",
            f"Default severity: **{rule.severity.value}**. Family: `{rule.family}`.",
            "",
        ]
        # The docstring's sections are level 2 on their own; nest them here.
        lines += ["#" + line if line.startswith("## ") else line for line in rule.doc.splitlines()]
    return "\n".join(lines).rstrip() + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    target = Path(args[0]) if args else Path("docs") / "checks.md"
    target.write_text(render_docs(), encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
