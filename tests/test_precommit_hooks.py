"""The shipped pre-commit hook definitions: commands pgdrift accepts, sensible triggers."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from pgdrift.cli import _build_parser

HOOKS = Path(__file__).parent.parent / ".pre-commit-hooks.yaml"


def hooks() -> dict[str, dict[str, str]]:
    """The hooks as {id: {key: raw value}} (a flat subset of YAML; no PyYAML here)."""
    result: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for line in HOOKS.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        item = re.match(r"^- id: (\S+)$", line)
        if item:
            current = result.setdefault(item[1], {})
            continue
        field = re.match(r"^  ([a-z_]+): (.*)$", line)
        if field and current is not None:
            current[field[1]] = field[2]
    return result


def unquote(value: str) -> str:
    return value[1:-1] if value[:1] == value[-1:] == "'" else value


def test_both_hooks_are_defined() -> None:
    found = hooks()
    assert set(found) == {"pgdrift-check", "pgdrift-types"}
    for hook in found.values():
        assert hook["language"] == "python"
        assert hook["pass_filenames"] == "false"


@pytest.mark.parametrize("hook_id", ["pgdrift-check", "pgdrift-types"])
def test_entries_are_valid_pgdrift_commands(hook_id: str) -> None:
    hook = hooks()[hook_id]
    words = shlex.split(hook["entry"])
    assert words[0] == "pgdrift"
    args = re.findall(r"[^\[\], ]+", hook.get("args", ""))
    parsed = _build_parser().parse_args(words[1:] + args)
    if hook_id == "pgdrift-check":
        assert parsed.command == "check" and parsed.no_db
    else:
        assert (parsed.kind, parsed.source, parsed.check) == ("types", "migrations", True)
        assert parsed.out == Path("types/database.local.ts")


@pytest.mark.parametrize(
    ("hook_id", "path", "runs"),
    [
        ("pgdrift-check", "supabase/migrations/20240101000000_init.sql", True),
        ("pgdrift-check", "src/services/users.ts", True),
        ("pgdrift-check", "app/models.py", True),
        ("pgdrift-check", "pgdrift.toml", True),
        ("pgdrift-check", "tsconfig.base.json", True),
        ("pgdrift-check", "README.md", False),
        ("pgdrift-types", "supabase/migrations/20240101000000_init.sql", True),
        ("pgdrift-types", "types/database.local.ts", True),
        ("pgdrift-types", "src/types/database.local.ts", True),
        ("pgdrift-types", "supabase/config.toml", True),
        ("pgdrift-types", "src/services/users.ts", False),
        ("pgdrift-types", "types/database.remote.ts", False),
    ],
)
def test_files_patterns(hook_id: str, path: str, runs: bool) -> None:
    pattern = unquote(hooks()[hook_id]["files"])
    assert (re.search(pattern, path) is not None) is runs
