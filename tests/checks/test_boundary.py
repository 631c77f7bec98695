"""The import-boundary checks on small real projects (tests/fixtures/boundary/)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from carets import actual_findings, copy_fixture, expected_findings

from pgdrift.checks.boundary import BoundaryChecker, check_boundary
from pgdrift.checks.files import DiskReader
from pgdrift.checks.finding import Finding, Severity
from pgdrift.config import load_config

CASES = [
    "alias_barrel",
    "type_only_local",
    "allowed_folder",
    "dynamic_require",
    "python_reexport",
    "canonical",
    "cycle",
    "broken_tsconfig",
    "non_utf8",
    "symlink_loop",
]


def run(root: Path) -> list[Finding]:
    config = load_config(root)
    assert config.problems == ()
    return check_boundary(config)


def by_file(findings: list[Finding], root: Path, rel: str) -> list[Finding]:
    return [f for f in findings if f.span.path == str(root / rel)]


@pytest.mark.parametrize("case", CASES)
def test_findings_match_the_caret_annotations(case: str, tmp_path: Path) -> None:
    root = copy_fixture(case, tmp_path)
    findings = run(root)
    assert actual_findings(findings, root, ("PGD3",)) == expected_findings(root)


def test_barrel_reexport_through_alias_names_the_chain(tmp_path: Path) -> None:
    root = copy_fixture("alias_barrel", tmp_path)
    findings = run(root)
    [users] = by_file(findings, root, "src/services/users.ts")
    assert users.code == "PGD301"
    assert users.severity is Severity.ERROR
    assert users.message == (
        "`src/services/users.ts` imports `RemoteDatabase` (type-only) from `@/db`, which "
        "re-exports the remote types `types/database.remote.ts` (src/services/users.ts → "
        "src/db/index.ts → src/db/remote-reexport.ts → types/database.remote.ts); "
        "application code must use the local types `types/database.local.ts`"
    )
    # The barrel renames the type: rewriting the specifier would break the import.
    assert users.fix is None


def test_direct_alias_import_is_fixed_with_the_same_alias(tmp_path: Path) -> None:
    root = copy_fixture("alias_barrel", tmp_path)
    [direct] = by_file(run(root), root, "src/services/direct.ts")
    assert direct.fix is not None
    [edit] = direct.fix.edits
    assert edit.span == direct.span
    assert edit.content == "@types/database.local"
    assert direct.fix.message == "Import from `@types/database.local` (the local types)"


def test_names_from_the_barrel_that_are_local_are_fine(tmp_path: Path) -> None:
    root = copy_fixture("alias_barrel", tmp_path)
    assert by_file(run(root), root, "src/services/fine.ts") == []


def test_type_only_imports_of_local_types_are_silent(tmp_path: Path) -> None:
    root = copy_fixture("type_only_local", tmp_path)
    assert run(root) == []


def test_allowed_folder_and_tests_may_import_remote(tmp_path: Path) -> None:
    root = copy_fixture("allowed_folder", tmp_path)
    paths = {Path(f.span.path).relative_to(root).as_posix() for f in run(root)}
    assert paths == {"src/app.ts"}


def test_every_import_form_is_caught(tmp_path: Path) -> None:
    root = copy_fixture("dynamic_require", tmp_path)
    findings = run(root)
    fixes = {f.fix.edits[0].content for f in findings if f.fix is not None}
    # An ESM specifier with .js keeps its extension style.
    assert fixes == {"../types/database.local", "../types/database.local.js"}


def test_python_reexport_through_package_init(tmp_path: Path) -> None:
    root = copy_fixture("python_reexport", tmp_path)
    findings = run(root)
    users = by_file(findings, root, "app/services/users.py")
    messages = [f.message for f in users]
    assert messages[0] == (
        "`app/services/users.py` imports `RemoteProfiles` from `app.db`, which re-exports the "
        "remote types `app_types/database_remote.py` (app/services/users.py → "
        "app/db/__init__.py → app_types/database_remote.py); application code must use the "
        "local types `app_types/database_local.py`"
    )
    module_import = users[2]
    assert module_import.fix is not None
    assert module_import.fix.edits[0].content == "database_local as database_remote"
    [init] = by_file(findings, root, "app/db/__init__.py")
    assert init.fix is not None
    assert init.fix.edits[0].content == "app_types.database_local"
    [plain] = by_file(findings, root, "app/services/plain.py")
    assert plain.fix is not None
    assert plain.fix.edits[0].content == "app_types.database_local"


def test_canonical_bypass_and_fix(tmp_path: Path) -> None:
    root = copy_fixture("canonical", tmp_path)
    findings = run(root)
    [bypass] = by_file(findings, root, "src/features/bypass.ts")
    assert bypass.code == "PGD302"
    assert bypass.severity is Severity.WARNING
    assert bypass.message == (
        "`src/features/bypass.ts` imports the generated types `types/database.local.ts` "
        "directly, bypassing the canonical module `src/lib/database.ts`"
    )
    assert bypass.fix is not None
    assert bypass.fix.edits[0].content == "../lib/database"
    [remote] = by_file(findings, root, "src/features/remote.ts")
    assert remote.code == "PGD301"
    assert "the canonical module `src/lib/database.ts`" in remote.message
    assert remote.fix is not None
    assert remote.fix.edits[0].content == "../lib/database"
    assert by_file(findings, root, "src/lib/database.ts") == []
    assert by_file(findings, root, "src/features/good.ts") == []


def test_reexport_cycle_is_reported_once_and_checking_goes_on(tmp_path: Path) -> None:
    root = copy_fixture("cycle", tmp_path)
    findings = run(root)
    cycles = [f for f in findings if f.code == "PGD304"]
    assert [f.message for f in cycles] == [
        "re-export cycle: src/a.ts → src/b.ts → src/a.ts; pgdrift stops following it here"
    ]
    assert cycles[0].severity is Severity.INFO


def test_broken_tsconfig_is_reported_and_relative_imports_still_checked(tmp_path: Path) -> None:
    root = copy_fixture("broken_tsconfig", tmp_path)
    findings = run(root)
    [broken] = [f for f in findings if f.code == "PGD303"]
    assert broken.message == (
        "invalid JSON in tsconfig.json: Expecting ',' delimiter; "
        "path aliases from it are not applied"
    )
    assert by_file(findings, root, "src/relative.ts")


def test_file_that_is_not_utf8_is_reported_and_others_checked(tmp_path: Path) -> None:
    root = copy_fixture("non_utf8", tmp_path)
    findings = run(root)
    [unreadable] = by_file(findings, root, "src/legacy.ts")
    assert unreadable.code == "PGD003"
    assert unreadable.message == (
        "cannot read src/legacy.ts: not UTF-8 (byte 0xe9 on line 1), skipped"
    )
    assert by_file(findings, root, "src/modern.ts")


def test_symlink_loops_are_reported_not_followed(tmp_path: Path) -> None:
    root = copy_fixture("symlink_loop", tmp_path)
    os.symlink("..", root / "src" / "nested" / "loop")  # a directory that contains itself
    os.symlink("self.ts", root / "src" / "self.ts")  # a file link to itself
    findings = run(root)
    assert len(by_file(findings, root, "src/nested/app.ts")) == 1
    [loop] = by_file(findings, root, "src/nested/loop")
    assert (loop.code, loop.message) == ("PGD003", "src/nested/loop: symlink loop, not followed")
    [self_link] = by_file(findings, root, "src/self.ts")
    assert self_link.message == "cannot read src/self.ts: symlink loop, skipped"


def test_no_types_files_means_nothing_to_check(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.ts").write_text('import x from "../types/database.remote";\n')
    assert run(tmp_path.resolve()) == []


def test_checking_some_paths_only(tmp_path: Path) -> None:
    root = copy_fixture("alias_barrel", tmp_path)
    checker = BoundaryChecker(load_config(root))
    findings = checker.check([root / "src" / "services" / "users.ts"])
    assert {Path(f.span.path).name for f in findings} == {"users.ts"}


def test_unsaved_editor_text_is_checked_instead_of_the_file(tmp_path: Path) -> None:
    root = copy_fixture("allowed_folder", tmp_path)
    app = root / "src" / "app.ts"
    reader = DiskReader()
    checker = BoundaryChecker(load_config(root), reader)
    assert checker.check([app])
    reader.set_overlay(app, 'import type { Database } from "../types/database.local";\n')
    checker.invalidate(app)
    assert checker.check([app]) == []


def test_allow_remote_comes_from_configuration(tmp_path: Path) -> None:
    root = copy_fixture("allowed_folder", tmp_path)
    (root / "pgdrift.toml").write_text('[boundary]\nallow-remote = ["src"]\n')
    # Replacing the default list: scripts/validate is application code now.
    paths = {Path(f.span.path).relative_to(root).as_posix() for f in run(root)}
    assert paths == {"scripts/validate/drift.ts"}


def test_python_canonical_bypass(tmp_path: Path) -> None:
    root = copy_fixture("python_reexport", tmp_path)
    with (root / "pgdrift.toml").open("a") as config:
        config.write('\n[boundary]\ncanonical = ["app/db/__init__.py"]\n')
    findings = run(root)
    bypass = [f for f in findings if f.code == "PGD302"]
    users = root / "app" / "services" / "users.py"
    line = users.read_text().splitlines().index("from app_types.database_local import Profiles")
    assert [(f.span.path, f.span.start_line) for f in bypass] == [(str(users), line)]
    assert bypass[0].message == (
        "`app/services/users.py` imports the generated types `app_types/database_local.py` "
        "directly, bypassing the canonical module `app/db/__init__.py`"
    )


def test_canonical_modules_apply_to_their_own_language(tmp_path: Path) -> None:
    root = copy_fixture("python_reexport", tmp_path)
    with (root / "pgdrift.toml").open("a") as config:
        config.write('\n[boundary]\ncanonical = ["src/lib/database.ts"]\n')
    # Python code cannot import a TypeScript module: no bypass to report.
    assert [f for f in run(root) if f.code == "PGD302"] == []

    (root / "pgdrift.toml").write_text(
        (root / "pgdrift.toml")
        .read_text()
        .replace('["src/lib/database.ts"]', '["src/lib/database.ts", "app/db/__init__.py"]')
    )
    [bypass] = [f for f in run(root) if f.code == "PGD302"]
    assert bypass.message.endswith("bypassing the canonical module `app/db/__init__.py`")


def test_uninstalled_tsconfig_base_is_a_note_and_own_aliases_still_apply(tmp_path: Path) -> None:
    from pgdrift.checks.boundary import BoundaryChecker

    root = copy_fixture("alias_barrel", tmp_path)
    tsconfig = root / "tsconfig.json"
    base = '"extends": "./tsconfig.base.json"'
    both = '"extends": ["@tsconfig/strictest/tsconfig.json", "./tsconfig.base.json"]'
    assert base in tsconfig.read_text()
    tsconfig.write_text(tsconfig.read_text().replace(base, both))
    checker = BoundaryChecker(load_config(root), DiskReader())
    findings = checker.check()
    assert [f for f in findings if f.code == "PGD303"] == []
    assert checker.notes == [
        "tsconfig.json: tsconfig.json extends '@tsconfig/strictest/tsconfig.json', which is not "
        "installed (no node_modules); the `baseUrl` and `paths` it may set are not applied"
    ]
    # The file's own paths still resolve: the alias imports are still caught.
    assert sorted(f.code for f in findings) == sorted(
        f.code for f in run(copy_fixture("alias_barrel", tmp_path / "plain"))
    )
