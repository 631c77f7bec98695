"""The on-disk cache (.pgdrift/cache) and the engine's handling of repeated findings.

Every test runs on a copy of examples/acme (TypeScript and Python code, types
files, migrations, planted problems), with the cache on: the suite turns it
off everywhere else (tests/conftest.py).
"""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

import pytest

from pgdrift.cache import PickleStore, code_fingerprint
from pgdrift.checks import app_refs, boundary
from pgdrift.checks.engine import CheckContext, CheckRun, run_checks, unique
from pgdrift.checks.facts import SourceFacts, _enc_chain
from pgdrift.checks.finding import Finding
from pgdrift.checks.imports_py import parse_imports
from pgdrift.checks.imports_ts import parse_module
from pgdrift.model import Span
from pgdrift.project import Project

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "acme"


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("PGDRIFT_NO_CACHE", raising=False)
    copy = tmp_path / "acme"
    shutil.copytree(EXAMPLE, copy, ignore=shutil.ignore_patterns(".pgdrift"))
    return copy.resolve()


def check(root: Path) -> CheckRun:
    """A run as the CLI does it: a fresh project, no database."""
    return run_checks(Project.load(root), use_db=False)


def cache_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / ".pgdrift" / "cache").rglob("*") if p.is_file())


# --- repeated findings -----------------------------------------------------------------


def test_a_file_two_families_cannot_read_is_reported_once(root: Path) -> None:
    legacy = root / "src" / "services" / "legacy.ts"
    legacy.write_bytes("// Bannière héritée\nexport const x = 1\n".encode("latin-1"))
    project = Project.load(root)
    ctx = CheckContext(project, use_db=False)
    # Both families read the file, and both say so ...
    for family in (boundary.run, app_refs.run):
        assert [f.code for f in family(ctx) if f.span.path == str(legacy)] == ["PGD003"]
    # ... the engine reports it once.
    run = check(root)
    assert [f.code for f in run.findings if f.span.path == str(legacy)] == ["PGD003"]


def test_unique_drops_exact_repeats_only() -> None:
    span = Span("a.ts", 0, 0, 0, 1)
    first = boundary.REMOTE_TYPES_IMPORT.finding("one", span)
    other = boundary.REMOTE_TYPES_IMPORT.finding("two", span)
    again = boundary.REMOTE_TYPES_IMPORT.finding("one", span)
    assert unique([first, other, again, first]) == [first, other]


# --- warm runs -------------------------------------------------------------------------


def test_a_warm_run_reports_exactly_what_a_cold_one_does(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cold = check(root)
    assert (root / ".pgdrift" / ".gitignore").read_text().splitlines()[-1] == "*"
    assert {p.name for p in cache_files(root)} >= {"facts.pickle", "stale.pickle"}
    warm = check(root)
    assert (warm.findings, warm.notes) == (cold.findings, cold.notes)
    monkeypatch.setenv("PGDRIFT_NO_CACHE", "1")
    uncached = check(root)
    assert (uncached.findings, uncached.notes) == (cold.findings, cold.notes)


def test_a_warm_run_parses_nothing(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cold = check(root)

    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed again")

    for target in (
        "pgdrift.checks.imports_ts.parse_tree",
        "pgdrift.checks.app_refs_py.chains_in_py",
        "pgdrift.sources.typefile.read_types_text",
        "pgdrift.sources.migrations.static_schema",
        "pgdrift.typegen.typescript.render_typescript",
    ):
        monkeypatch.setattr(target, fail)
    project = Project.load(root)
    warm = run_checks(project, use_db=False)
    assert warm.findings == cold.findings
    assert project.facts.parsed == 0


def test_an_edited_file_is_checked_again(root: Path) -> None:
    check(root)
    posts = root / "src" / "services" / "posts.ts"
    posts.write_text(posts.read_text().replace('"published"', '"publishd"'))
    warm = check(root)
    assert any("`publishd`" in f.message for f in warm.findings)
    shutil.rmtree(root / ".pgdrift")
    assert check(root).findings == warm.findings


def test_corrupt_caches_are_ignored(root: Path) -> None:
    cold = check(root)
    files = cache_files(root)
    assert files
    for index, path in enumerate(files):
        if index % 3 == 0:
            path.write_bytes(b"\x80\x05not a pickle")
        elif index % 3 == 1:
            path.write_bytes(pickle.dumps(("another", "version", {"of": "pgdrift"})))
        else:
            path.write_bytes(b"")
    assert check(root).findings == cold.findings


@pytest.mark.parametrize("garbage", [None, 3, ("x",), ((1, 2), ("n",)), {"a": "b"}])
def test_cached_values_of_the_wrong_shape_are_ignored(root: Path, garbage: object) -> None:
    cold = check(root)
    check(root)  # every store written
    for path in cache_files(root):
        if path.suffix != ".pickle" or path.parent.name != "cache":
            continue
        fingerprint, key, value = pickle.loads(path.read_bytes())
        # A table of entries has each entry spoiled; anything else is replaced.
        value = dict.fromkeys(value, garbage) if isinstance(value, dict) else garbage
        path.write_bytes(pickle.dumps((fingerprint, key, value)))
    assert check(root).findings == cold.findings


def test_a_foreign_fingerprint_is_ignored(root: Path) -> None:
    cold = check(root)
    stale = root / ".pgdrift" / "cache" / "stale.pickle"
    fingerprint, key, (_findings, notes, skipped) = pickle.loads(stale.read_bytes())
    assert fingerprint == code_fingerprint()
    # A cache from another pgdrift, that would hide every stale-types finding:
    stale.write_bytes(pickle.dumps(("0" * 32, key, ((), notes, skipped))))
    assert check(root).findings == cold.findings


def test_no_cache_folder_is_no_problem(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (root / ".pgdrift").write_text("a file where the cache folder would go\n")
    cold = check(root)
    assert (root / ".pgdrift").is_file()
    monkeypatch.setenv("PGDRIFT_NO_CACHE", "1")
    (root / ".pgdrift").unlink()
    assert check(root).findings == cold.findings
    assert not (root / ".pgdrift").exists()


# --- per-file facts --------------------------------------------------------------------


def test_stored_facts_decode_to_what_parsing_gives(root: Path) -> None:
    store = PickleStore(root)
    sources = sorted(p for p in root.rglob("*") if p.suffix in (".ts", ".py"))
    odd = root / "src" / "odd.tsx"
    odd.write_text(
        'import x, { a as b, type C } from "./é"\n'
        "export * as ns from './n'\n"
        "const q = supabase.from(`t` + 'a\\u0062').select('id, \\\n  n:name')\n"
        "export { b }\n"
    )
    sources.append(odd)
    parsed = SourceFacts(store)
    for path in sources:
        text = path.read_text()
        if path.suffix == ".py":
            parsed.py_imports(str(path), text)
            parsed.py_chains(str(path), text)
        else:
            parsed.ts_module(str(path), text)
            parsed.ts_chains(str(path), text)
    parsed.save()
    loaded = SourceFacts(store)
    for path in sources:
        text, name = path.read_text(), str(path)
        if path.suffix == ".py":
            assert loaded.py_imports(name, text) == parse_imports(name, text)
            pairs = zip(loaded.py_chains(name, text), parsed.py_chains(name, text), strict=True)
        else:
            assert loaded.ts_module(name, text) == parse_module(name, text)
            pairs = zip(loaded.ts_chains(name, text), parsed.ts_chains(name, text), strict=True)
        for decoded, fresh in pairs:
            assert _enc_chain(decoded) == _enc_chain(fresh)
            assert decoded.name.span() == fresh.name.span()
    assert loaded.parsed == 0  # everything came from the store


def test_cache_files_are_plain_files(root: Path) -> None:
    check(root)
    for path in cache_files(root):
        if path.parent.name == "cache":
            assert os.stat(path).st_mode & 0o777 == 0o644


def test_notes_of_a_cached_computation_are_replayed_in_place(root: Path) -> None:
    def family(ctx: CheckContext) -> list[Finding]:
        quiet = ctx.cached("test-quiet", "key", list)
        ctx.note("before")

        def compute() -> list[Finding]:
            ctx.note("inside")
            return [boundary.REMOTE_TYPES_IMPORT.finding("x", Span("a.ts", 0, 0, 0, 1))]

        found = ctx.cached("test-family", "key", compute)
        ctx.note("after")
        return quiet + found

    for _ in range(2):  # computed, then from the cache
        run = run_checks(Project.load(root), use_db=False, families=[family])
        assert run.notes == ["before", "inside", "after"]
        assert [f.message for f in run.findings] == ["x"]
