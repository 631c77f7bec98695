"""Checks: pure functions from a project's inputs to :class:`Finding` values.

Each module that declares checks is listed in :data:`RULE_MODULES`, so that
:func:`all_rules` (and the generated ``docs/checks.md``) sees every check
without importing heavy parsers up front.

A front end runs the checks it wants, then :func:`finalize` the findings:
``[severity]`` overrides (dropping checks turned off), suppressions (adding
PGD001 for unused ones), and the order every output uses.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping

from pgdrift.checks.finding import (
    Finding,
    Fix,
    Rule,
    Severity,
    TextEdit,
    apply_severity,
    is_enabled,
    registered_rules,
    sort_key,
)
from pgdrift.checks.suppress import Suppression, Unchecked, apply_suppressions

#: Modules that declare checks with ``@check``; add new ones here.
RULE_MODULES: tuple[str, ...] = (
    "pgdrift.checks.suppress",
    "pgdrift.config",
    "pgdrift.checks.files",
    "pgdrift.checks.boundary",
    "pgdrift.checks.stale",
    "pgdrift.checks.drift",
    "pgdrift.checks.migrations",
    "pgdrift.checks.app_refs",
)


def all_rules() -> list[Rule]:
    """Every check pgdrift has, ordered by code."""
    for module in RULE_MODULES:
        importlib.import_module(module)
    return registered_rules()


def finalize(
    findings: Iterable[Finding],
    overrides: Mapping[str, Severity | None],
    suppressions: Iterable[Suppression] = (),
    ran: Callable[[str], bool] = lambda code: True,
    unchecked: Iterable[Unchecked] = (),
) -> list[Finding]:
    """Findings as users see them: re-levelled, suppressed, sorted.

    ``suppressions`` come from :func:`pgdrift.checks.suppress.suppressions_in`
    over the files that were checked; ``ran(code)`` says whether the check
    behind a code ran at all, ``unchecked`` where checks did not run (see
    :class:`~pgdrift.checks.suppress.Unchecked`), so suppressions for checks
    that did not run are not reported as unused.
    """
    levelled = apply_severity(findings, overrides)
    kept = apply_suppressions(
        levelled,
        suppressions,
        lambda code: ran(code) and is_enabled(code, overrides),
        unchecked,
    )
    # PGD001 findings are new: they obey [severity] too.
    return sorted(apply_severity(kept, overrides), key=sort_key)


__all__ = [
    "RULE_MODULES",
    "Finding",
    "Fix",
    "Rule",
    "Severity",
    "TextEdit",
    "Unchecked",
    "all_rules",
    "apply_severity",
    "finalize",
]
