"""The import boundary: application code uses the local types, never the remote ones.

Zones come from ``[boundary]`` (ESLint ``import/no-restricted-paths`` style):
``app`` globs are application code, ``allow-remote`` globs may import the
remote types, ``canonical`` modules are the only way application code may
reach the generated types. Imports are resolved as the compilers do (tsconfig
aliases, relative paths, index files; jedi for Python) and followed through
re-exports, so a service importing a barrel that re-exports the remote types
is caught, with the chain in the message.

Entry points: :func:`check_boundary` for one run, :class:`BoundaryChecker`
to keep parsed files and resolvers between runs (the language server).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from pgdrift.checks.facts import SourceFacts
from pgdrift.checks.files import (
    UNREADABLE_FILE,
    DiskReader,
    FileReader,
    UnreadableFileError,
    WalkProblem,
    unreadable_finding,
    walk_files,
)
from pgdrift.checks.finding import Finding, Fix, Severity, TextEdit, check
from pgdrift.checks.imports_py import SOURCE_SUFFIXES as PY_SUFFIXES
from pgdrift.checks.imports_py import (
    PyImport,
    PyName,
    PyResolver,
    Resolved,
    mentions_any,
)
from pgdrift.checks.imports_ts import (
    RESOLVE_EXTENSIONS,
    Binding,
    ImportRef,
    ModuleFacts,
    TsResolver,
)
from pgdrift.checks.imports_ts import SOURCE_SUFFIXES as TS_SUFFIXES
from pgdrift.config import Config, TypesFile, matches_any
from pgdrift.model import Span

if TYPE_CHECKING:
    from pgdrift.checks.engine import CheckContext

#: Test code is not application code unless ``[boundary] app`` says so.
TEST_GLOBS = (
    "tests/**",
    "test/**",
    "e2e/**",
    "**/__tests__/**",
    "**/__mocks__/**",
    "**/*.test.*",
    "**/*.spec.*",
    "**/test_*.py",
    "**/*_test.py",
    "**/conftest.py",
)

# --- the checks ------------------------------------------------------------------------

REMOTE_TYPES_IMPORT = check(
    "PGD301",
    "remote-types-import",
    Severity.ERROR,
    """Application code imports the remote database types.

    ## What it does
    Reports an import in application code (`[boundary] app`) that reaches a
    `[[types]]` file with `source = "remote"`: directly, through a path alias
    or index file, or through a chain of re-exports (a barrel file). All
    import forms count: `import`, `import type`, `export … from`, `import()`,
    `require()`, and Python imports (resolved with jedi, through
    `__init__.py` re-exports). Files under `[boundary] allow-remote` (by
    default `scripts/validate/**`) may import the remote types.

    The fix rewrites the import to the canonical module when one is
    configured, else to the local types.

    ## Why
    The remote types describe production, which lags behind the migrations
    you are writing. Code typed against them compiles against a schema your
    local database no longer has, or misses the columns you just added;
    only validation scripts comparing the two should see them.

    ## Example
    ```ts
    // src/services/users.ts
    import type { Database } from "@/types";  // src/types/index.ts: export * from "./database.remote"
    ```

    ```text
    src/services/users.ts:2:31: PGD301 `src/services/users.ts` imports `Database` from `@/types`, which re-exports the remote types `types/database.remote.ts` (src/services/users.ts → src/types/index.ts → types/database.remote.ts)
    ```

    Use instead:
    ```ts
    import type { Database } from "@/types/database.local";
    ```
    """,
)

CANONICAL_BYPASS = check(
    "PGD302",
    "canonical-types-bypass",
    Severity.WARNING,
    """Application code reaches the generated types without the canonical module.

    ## What it does
    When `[boundary] canonical` names the module(s) through which
    application code must reach the generated types, reports application
    code that imports a `[[types]]` file directly, or through re-exports
    that do not pass through a canonical module. The canonical modules
    themselves are exempt. A canonical module serves code in its own
    language: with only `src/lib/database.ts` listed, Python code is not
    checked (a glob without a file extension serves both). The fix
    rewrites the import to the canonical module.

    ## Why
    One module between the generated file and the application is where
    helper types (`Tables<"profiles">`), renames and the switch between
    local and remote types live. Code that goes around it breaks when the
    generated file is regenerated or moved.

    ## Example
    ```ts
    // [boundary] canonical = ["src/lib/database.ts"]
    import type { Database } from "../../types/database.local";
    ```

    Use instead:
    ```ts
    import type { Database } from "@/lib/database";
    ```
    """,
)

BROKEN_TSCONFIG = check(
    "PGD303",
    "broken-tsconfig",
    Severity.WARNING,
    """A `tsconfig.json` could not be used to resolve imports.

    ## What it does
    Reports a `tsconfig.json` (or `jsconfig.json`, or a file it `extends`)
    that is not valid JSON-with-comments, whose `extends` cannot be found or
    forms a cycle, or whose `baseUrl`/`paths` have the wrong type. Imports
    are still resolved: relative paths as usual, aliases without the broken
    settings. A base config from a package that is not installed (no
    `node_modules`, as in a CI job without `npm install`) is a note, not a
    finding: the file is not at fault.

    ## Why
    Path aliases (`@/types`) are resolved from `compilerOptions.paths`; with
    a broken config they resolve to nothing, and an import of the remote
    types through an alias would go unnoticed.

    ## Example
    ```jsonc
    { "compilerOptions": { "paths": { "@/*": ["./src/*"] } }  // missing }
    ```

    ```text
    tsconfig.json:1:60: PGD303 invalid JSON in tsconfig.json: Expecting ',' delimiter
    ```
    """,
)

REEXPORT_CYCLE = check(
    "PGD304",
    "reexport-cycle",
    Severity.INFO,
    """Modules re-export each other in a cycle.

    ## What it does
    Reports a chain of `export … from` statements that leads back to a
    module already on the chain, found while following re-exports towards
    the generated types. Following stops at the cycle; the rest of the
    project is still checked.

    ## Why
    A re-export cycle is legal but rarely meant: which module a name comes
    from then depends on evaluation order, and bundlers warn about it.

    ## Example
    ```ts
    // src/a.ts
    export * from "./b";
    // src/b.ts
    export * from "./a";
    ```
    """,
)


# --- results of following imports ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reach:
    """A generated types file reached from an import, and how."""

    target: TypesFile
    #: Module files from the imported module to the target, inclusive.
    chain: tuple[Path, ...]
    #: The name as the importer asked for it, and as the target defines it.
    name: str
    final_name: str


@dataclass(frozen=True, slots=True)
class _Zones:
    config: Config

    def is_app(self, rel: str) -> bool:
        boundary = self.config.boundary
        if matches_any(boundary.allow_remote, rel) or self.is_types_file(rel):
            return False
        if boundary.app is not None:
            return matches_any(boundary.app, rel)
        return not matches_any(TEST_GLOBS, rel)

    def is_canonical(self, rel: str) -> bool:
        return matches_any(self.config.boundary.canonical, rel)

    def is_types_file(self, rel: str) -> bool:
        return any(t.path == rel for t in self.config.types)


def _identity(path: Path) -> str:
    # Compare files by their real path: a symlinked types folder is the same file.
    return os.path.realpath(path)


@dataclass
class BoundaryChecker:
    """Checks the import boundary, keeping parses and resolvers between runs."""

    config: Config
    reader: FileReader = field(default_factory=DiskReader)
    #: Parses shared with the other families (and the on-disk cache).
    source_facts: SourceFacts = field(default_factory=SourceFacts)
    _facts: dict[Path, ModuleFacts | UnreadableFileError] = field(default_factory=dict)
    _ts: TsResolver | None = None
    _py: PyResolver | None = None
    _py_tokens: frozenset[str] | None = None
    #: What the last check could not do, for the run's notes.
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.zones = _Zones(self.config)
        self.targets: dict[str, TypesFile] = {
            _identity(self.config.resolve(t.path)): t for t in self.config.types
        }

    @property
    def ts(self) -> TsResolver:
        if self._ts is None:
            self._ts = TsResolver(self.config.root, self.reader)
        return self._ts

    @property
    def py(self) -> PyResolver:
        if self._py is None:
            # Past a types file, a chain of re-exports no longer matters.
            stop = {Path(os.path.normpath(self.config.resolve(t.path))) for t in self.config.types}
            stop |= {Path(identity) for identity in self.targets}
            self._py = PyResolver(self.config.root, frozenset(stop), store=self.source_facts.store)
        return self._py

    def invalidate(self, path: Path | None = None) -> None:
        """Forget what was read from ``path`` (everything when None).

        Call it for every changed, created or deleted file: a new file can
        change what a specifier resolves to.
        """
        if path is None or path.name in ("tsconfig.json", "jsconfig.json"):
            self._facts.clear()
        else:
            self._facts.pop(path, None)
        if self._ts is not None:
            self._ts.invalidate()
        if self._py is not None:
            self._py.invalidate(path)
        if path is None or path.suffix in PY_SUFFIXES:
            self._py_tokens = None
        invalidate = getattr(self.reader, "invalidate", None)
        if callable(invalidate):
            invalidate(path)

    # --- running -----------------------------------------------------------------------

    def check(self, paths: Iterable[Path] | None = None) -> list[Finding]:
        """Findings for ``paths`` (absolute), or for every source file under the root."""
        if not self.targets:
            return []
        run = _Run(self)
        self.notes = []
        walk_problems: list[WalkProblem] = []
        if paths is None:
            files = list(walk_files(self.config.root, TS_SUFFIXES | PY_SUFFIXES, walk_problems))
        else:
            files = [Path(os.path.normpath(p)) for p in paths]
        for problem in walk_problems:
            rel = self.config.relative(problem.path)
            span = Span(str(problem.path), 0, 0, 0, 0)
            run.findings.append(UNREADABLE_FILE.finding(f"{rel}: {problem.reason}", span))
        python_targets = any(t.language == "python" for t in self.targets.values())
        if python_targets and any(f.suffix in PY_SUFFIXES for f in files):
            if self._py_tokens is None:
                self._py_tokens = _python_tokens(self, files if paths is None else None)
            run.python_tokens = self._py_tokens
        for file in files:
            rel = self.config.relative(file)
            if not self.zones.is_app(rel):
                continue
            if file.suffix in TS_SUFFIXES:
                run.check_ts_file(file, rel)
            elif file.suffix in PY_SUFFIXES and run.python_tokens:
                run.check_py_file(file, rel)
        run.findings += self._tsconfig_findings()
        if self._py is not None:
            self._py.save()
        return _dedupe(run.findings)

    def _tsconfig_findings(self) -> list[Finding]:
        if self._ts is None:
            return []
        result = []
        for problem in self._ts.problems:
            if problem.uninstalled:
                rel = self.config.relative(problem.path)
                note = f"{rel}: {problem.message}; {problem.effect}"
                if note not in self.notes:
                    self.notes.append(note)
                continue
            end = problem.column
            try:
                lines = self.reader.read_text(problem.path).splitlines()
                if problem.line < len(lines):
                    end = max(len(lines[problem.line]), problem.column)
            except UnreadableFileError:
                pass
            span = Span(str(problem.path), problem.line, problem.column, problem.line, end)
            message = f"{problem.message}; {problem.effect}"
            result.append(BROKEN_TSCONFIG.finding(message, span))
        return result

    def facts(self, path: Path) -> ModuleFacts | UnreadableFileError:
        cached = self._facts.get(path)
        if cached is None:
            try:
                cached = self.source_facts.ts_module(str(path), self.reader.read_text(path))
            except UnreadableFileError as exc:
                cached = exc
            self._facts[path] = cached
        return cached


def check_boundary(
    config: Config,
    paths: Iterable[Path] | None = None,
    reader: FileReader | None = None,
    facts: SourceFacts | None = None,
) -> list[Finding]:
    """Import-boundary findings (PGD301 to PGD304, and PGD003 for unreadable files).

    ``paths`` limits the files checked (absolute paths; default: every source
    file under the project root). Severity overrides and suppressions are
    applied by the caller.
    """
    checker = BoundaryChecker(config, reader or DiskReader(), facts or SourceFacts())
    return checker.check(paths)


# --- one run ---------------------------------------------------------------------------


@dataclass
class _Run:
    checker: BoundaryChecker
    findings: list[Finding] = field(default_factory=list)
    python_tokens: frozenset[str] = frozenset()
    _reported_unreadable: set[Path] = field(default_factory=set)
    _reported_cycles: set[frozenset[Path]] = field(default_factory=set)
    _memo: dict[tuple[Path, str], tuple[Reach, ...]] = field(default_factory=dict)
    _identities: dict[Path, str] = field(default_factory=dict)
    _leaves: dict[Path, bool] = field(default_factory=dict)

    @property
    def config(self) -> Config:
        return self.checker.config

    def rel(self, path: Path | str) -> str:
        return self.config.relative(path)

    def unreadable(self, error: UnreadableFileError) -> None:
        if error.path not in self._reported_unreadable:
            self._reported_unreadable.add(error.path)
            self.findings.append(unreadable_finding(error.path, error.reason, self.rel(error.path)))

    def target_of(self, path: Path) -> TypesFile | None:
        identity = self._identities.get(path)
        if identity is None:
            identity = self._identities[path] = _identity(path)
        return self.checker.targets.get(identity)

    # --- TypeScript --------------------------------------------------------------------

    def check_ts_file(self, file: Path, rel: str) -> None:
        facts = self.checker.facts(file)
        if isinstance(facts, UnreadableFileError):
            self.unreadable(facts)
            return
        canonical = self.checker.zones.is_canonical(rel)
        for ref in facts.imports:
            resolved = self.checker.ts.resolve(ref.specifier, file)
            if resolved is None:
                continue
            direct = self.target_of(resolved)
            if direct is not None:
                reaches = [Reach(direct, (resolved,), "*", "*")]
            else:
                reaches = self.reach_ts(file, ref, resolved)
            self.report(file, rel, ref, canonical, reaches, direct is not None)

    def reach_ts(self, importer: Path, ref: ImportRef, module: Path) -> list[Reach]:
        result: list[Reach] = []
        # The importer is on the chain too: a barrel that re-exports its importer is a cycle.
        stack = ((importer, "*"),)
        for binding in ref.bindings:
            for reach in self.trace(module, binding.imported, stack):
                result.append(Reach(reach.target, reach.chain, binding.imported, reach.final_name))
        return result

    def trace(
        self, module: Path, name: str, stack: tuple[tuple[Path, str], ...]
    ) -> tuple[Reach, ...]:
        """Where ``name`` exported by ``module`` comes from, among the types files.

        ``name`` ``"*"`` means the whole module (every name it re-exports).
        """
        target = self.target_of(module)
        if target is not None:
            return (Reach(target, (module,), name, name),)
        key = (module, name)
        if key in self._memo:
            return self._memo[key]
        if any(m == module for m, _ in stack):
            return ()
        facts = self.checker.facts(module)
        if isinstance(facts, UnreadableFileError):
            self.unreadable(facts)
            return ()
        frame = (*stack, key)
        found: list[Reach] = []
        complete = True
        for ref, imported in _reexports_of(facts, name):
            resolved = self.checker.ts.resolve(ref.specifier, module)
            if resolved is None:
                continue
            if any(m == resolved for m, _ in frame) and self.target_of(resolved) is None:
                self.cycle(ref, [m for m, _ in frame], resolved)
                complete = False
                continue
            if self.passes_nothing_on(resolved):
                continue  # what tracing it would find: nothing (barrels fan out to many)
            for reach in self.trace(resolved, imported, frame):
                found.append(Reach(reach.target, (module, *reach.chain), name, reach.final_name))
        result = tuple(found)
        if complete:
            self._memo[key] = result
        return result

    def passes_nothing_on(self, module: Path) -> bool:
        """Whether ``module`` is a readable non-target module that re-exports nothing:
        tracing any name into it finds nothing and reports nothing."""
        known = self._leaves.get(module)
        if known is None:
            facts = self.checker.facts(module)
            known = (
                self.target_of(module) is None
                and not isinstance(facts, UnreadableFileError)
                and not facts.local_exports
                and not any(ref.kind == "export" for ref in facts.imports)
            )
            self._leaves[module] = known
        return known

    def cycle(self, ref: ImportRef, modules: list[Path], back_to: Path) -> None:
        loop = modules[modules.index(back_to) :]
        identity = frozenset(loop)
        if identity in self._reported_cycles:
            return
        self._reported_cycles.add(identity)
        shown = " → ".join(self.rel(m) for m in [*loop, back_to])
        self.findings.append(
            REEXPORT_CYCLE.finding(
                f"re-export cycle: {shown}; pgdrift stops following it here", ref.span
            )
        )

    # --- Python ------------------------------------------------------------------------

    def check_py_file(self, file: Path, rel: str) -> None:
        try:
            text = self.checker.reader.read_text(file)
        except UnreadableFileError as exc:
            self.unreadable(exc)
            return
        canonical = self.checker.zones.is_canonical(rel)
        for imp in self.checker.source_facts.py_imports(str(file), text):
            if not mentions_any(imp, self.python_tokens):
                continue
            self.check_py_import(file, rel, text, imp, canonical)

    def check_py_import(
        self, file: Path, rel: str, text: str, imp: PyImport, canonical: bool
    ) -> None:
        resolver = self.checker.py
        module: Resolved | None = None
        if imp.module.strip("."):
            module = resolver.resolve(file, text, imp, None)
        direct = (
            self.target_of(module.path) if module is not None and len(module.chain) == 1 else None
        )
        if direct is not None and module is not None:
            ref = _py_ref(imp, imp.span)
            self.report(
                file, rel, ref, canonical, [Reach(direct, module.chain, "*", "*")], True, py=imp
            )
            return
        for name in imp.names:
            resolved = resolver.resolve(file, text, imp, name)
            if resolved is None:
                continue
            for index, hop in enumerate(resolved.chain):
                target = self.target_of(hop)
                if target is None:
                    continue
                chain = resolved.chain[: index + 1]
                ref = _py_ref(imp, name.span, name.name)
                reach = Reach(target, chain, name.name, name.name)
                self.report(file, rel, ref, canonical, [reach], index == 0, py=imp, py_name=name)
                break

    # --- findings ----------------------------------------------------------------------

    def report(
        self,
        file: Path,
        rel: str,
        ref: ImportRef,
        canonical: bool,
        reaches: list[Reach],
        direct: bool,
        py: PyImport | None = None,
        py_name: PyName | None = None,
    ) -> None:
        remote = [r for r in reaches if r.target.source == "remote"]
        if remote:
            self.findings.append(self.remote_finding(file, rel, ref, remote, direct, py, py_name))
            return
        if canonical or not self.canonical_for(file):
            return
        local = [
            r
            for r in reaches
            if not any(self.checker.zones.is_canonical(self.rel(m)) for m in r.chain)
            # an app module on the way is reported itself; do not blame its importers too
            and not any(self.checker.zones.is_app(self.rel(m)) for m in r.chain[:-1])
        ]
        if local:
            self.findings.append(self.bypass_finding(file, rel, ref, local, direct, py))

    def remote_finding(
        self,
        file: Path,
        rel: str,
        ref: ImportRef,
        reaches: list[Reach],
        direct: bool,
        py: PyImport | None,
        py_name: PyName | None,
    ) -> Finding:
        reach = min(reaches, key=lambda r: len(r.chain))
        remote = reach.target.path
        how = "re-exports" if ref.kind == "export" else "imports"
        kind = " (type-only)" if ref.type_only and ref.kind != "export" else ""
        if direct:
            message = f"`{rel}` {how} the remote types `{remote}`{kind}"
        else:
            names = sorted({r.name for r in reaches})
            listed = ", ".join(f"`{n}`" for n in names if n != "*")
            what = "everything" if names == ["*"] else listed
            chain = " → ".join([rel, *(self.rel(m) for m in reach.chain)])
            message = (
                f"`{rel}` {how} {what}{kind} from `{ref.specifier}`, which re-exports the "
                f"remote types `{remote}` ({chain})"
            )
        message += f"; application code must use {self.instead(file)}"
        fix = self.fix_for(file, ref, reaches, direct, py, py_name)
        return REMOTE_TYPES_IMPORT.finding(message, ref.span, fix)

    def bypass_finding(
        self,
        file: Path,
        rel: str,
        ref: ImportRef,
        reaches: list[Reach],
        direct: bool,
        py: PyImport | None,
    ) -> Finding:
        reach = min(reaches, key=lambda r: len(r.chain))
        canonical = ", ".join(f"`{c}`" for c in self.canonical_for(file))
        if direct:
            message = f"`{rel}` imports the generated types `{reach.target.path}` directly"
        else:
            chain = " → ".join([rel, *(self.rel(m) for m in reach.chain)])
            message = f"`{rel}` reaches the generated types `{reach.target.path}` through {chain}"
        message += f", bypassing the canonical module {canonical}"
        fix = None
        if py is None:
            destination = self.canonical_module(file)
            if destination is not None and (direct or _renames_nothing(ref, reaches)):
                fix = self.specifier_fix(file, ref, destination, "the canonical module")
        return CANONICAL_BYPASS.finding(message, ref.span, fix)

    def instead(self, file: Path) -> str:
        canonical = self.canonical_module(file)
        if canonical is not None:
            return f"the canonical module `{self.rel(canonical)}`"
        local = self.local_types(_language(file))
        if local is not None:
            return f"the local types `{self.rel(local)}`"
        return "the local types"

    def canonical_for(self, file: Path) -> tuple[str, ...]:
        """The ``canonical`` entries that can serve ``file``: those in its
        language (a Python module cannot import a TypeScript one), and globs
        without a file extension, which may match either."""
        python = file.suffix in PY_SUFFIXES
        out = []
        for entry in self.config.boundary.canonical:
            suffix = PurePosixPath(entry).suffix
            if suffix in PY_SUFFIXES:
                if python:
                    out.append(entry)
            elif suffix in TS_SUFFIXES:
                if not python:
                    out.append(entry)
            else:
                out.append(entry)
        return tuple(out)

    def canonical_module(self, file: Path) -> Path | None:
        python = file.suffix in PY_SUFFIXES
        for entry in self.config.boundary.canonical:
            if any(c in entry for c in "*?[{"):
                continue
            path = self.config.resolve(entry)
            if (path.suffix in PY_SUFFIXES) == python and self.checker.reader.is_file(path):
                return path
        return None

    def local_types(self, language: str) -> Path | None:
        for types_file in self.config.types_files("local"):
            if types_file.language == language:
                return self.config.resolve(types_file.path)
        return None

    def fix_for(
        self,
        file: Path,
        ref: ImportRef,
        reaches: list[Reach],
        direct: bool,
        py: PyImport | None,
        py_name: PyName | None,
    ) -> Fix | None:
        if py is not None:
            return self.python_fix(py, py_name, reaches[0]) if direct else None
        if not direct and not _renames_nothing(ref, reaches):
            return None
        canonical = self.canonical_module(file)
        if canonical is not None:
            return self.specifier_fix(file, ref, canonical, "the canonical module")
        local = self.local_types(_language(file))
        if local is not None:
            return self.specifier_fix(file, ref, local, "the local types")
        return None

    def specifier_fix(self, file: Path, ref: ImportRef, target: Path, what: str) -> Fix | None:
        specifier = specifier_for(self.checker.ts, file, target, ref.specifier)
        if specifier is None or specifier == ref.specifier:
            return None
        return Fix(f"Import from `{specifier}` ({what})", (TextEdit(ref.span, specifier),))

    def python_fix(self, imp: PyImport, name: PyName | None, reach: Reach) -> Fix | None:
        local = self.local_types("python")
        remote = self.config.resolve(reach.target.path)
        if local is None or local.parent != remote.parent:
            return None  # only a sibling module can be named by swapping one component
        old, new = _module_stem(remote), _module_stem(local)
        if name is not None and name.name == old:  # from pkg import database_remote
            content = new if name.alias else f"{new} as {old}"
            return Fix(f"Import `{new}` (the local types)", (TextEdit(name.span, content),))
        parts = imp.module.rsplit(".", 1)
        if parts[-1] != old or (not imp.is_from and imp.alias is None):
            return None  # a bare `import a.remote` is used by its full name: no safe rewrite
        module = f"{parts[0]}.{new}" if len(parts) == 2 else new
        if imp.module.startswith(".") and len(parts) == 1:
            module = imp.module[: len(imp.module) - len(old)] + new
        return Fix(f"Import from `{module}` (the local types)", (TextEdit(imp.span, module),))


def _language(file: Path) -> str:
    return "python" if file.suffix in PY_SUFFIXES else "typescript"


def _reexports_of(facts: ModuleFacts, name: str) -> list[tuple[ImportRef, str]]:
    """The edges along which ``name`` (or every name, for "*") leaves ``facts``."""
    edges: list[tuple[ImportRef, str]] = []
    explicit = False
    for ref in facts.imports:
        if ref.kind != "export":
            continue
        for binding in ref.bindings:
            if binding.exported is None:
                continue
            if name == "*" or binding.exported == name:
                edges.append((ref, binding.imported))
                explicit = True
    for exported, local in facts.local_exports:
        if name not in ("*", exported):
            continue
        origin = facts.binding_for_local(local)
        if origin is not None:
            edges.append((origin[0], origin[1].imported))
            explicit = True
    # ``export *`` passes on names the module does not define itself.
    if name == "*" or (not explicit and name not in facts.declared_exports and name != "default"):
        edges += [(ref, name) for ref in facts.imports if ref.is_star_export]
    return edges


def _renames_nothing(ref: ImportRef, reaches: list[Reach]) -> bool:
    """Whether rewriting ``ref``'s specifier to the types file keeps every name valid."""
    reached = {r.name for r in reaches if r.name == r.final_name and r.name != "*"}
    wanted = {b.imported for b in ref.bindings}
    return bool(wanted) and wanted <= reached


def _py_ref(imp: PyImport, span: Span, name: str | None = None) -> ImportRef:
    bindings = (Binding(name or "*"),)
    return ImportRef(imp.module, span, "import", False, bindings)


def _module_stem(path: Path) -> str:
    return path.parent.name if path.stem == "__init__" else path.stem


def specifier_for(resolver: TsResolver, importer: Path, target: Path, original: str) -> str | None:
    """A specifier for ``target`` in the style of ``original``, that resolves back to it.

    An alias (``@/types/database.remote``) becomes an alias through the same
    ``paths`` or ``baseUrl``; anything else a relative path. Extensions and
    ``/index`` are dropped unless ``original`` carried an extension.
    """
    wanted = _identity(target)

    def works(candidate: str) -> bool:
        resolved = resolver.resolve(candidate, importer)
        return resolved is not None and _identity(resolved) == wanted

    bare = _strip_extension(str(target))
    keep_extension = Path(original).suffix in (".js", ".mjs", ".cjs", ".ts", ".jsx", ".tsx")
    stems = [bare]
    if Path(bare).name == "index":
        stems.insert(0, str(Path(bare).parent))
    candidates: list[str] = []
    if not original.startswith("."):
        config = resolver.config_for(importer)
        if config is not None:
            aliases: list[str] = []
            for stem in stems:
                aliases += _alias_candidates(config.paths, config.paths_base, config.base_url, stem)
            # Prefer the alias the original used (`@types/…` stays `@types/…`), then the shortest.
            head = original.split("/", 1)[0] + "/"
            candidates += sorted(aliases, key=lambda a: (not a.startswith(head), len(a)))
    for stem in stems:
        relative = os.path.relpath(stem, importer.parent).replace(os.sep, "/")
        candidates.append(relative if relative.startswith(".") else f"./{relative}")
    for candidate in candidates:
        if keep_extension:
            with_ext = candidate + (
                ".js" if Path(original).suffix == ".js" else Path(target).suffix
            )
            if works(with_ext):
                return with_ext
        if works(candidate):
            return candidate
    return None


def _alias_candidates(
    paths: tuple[tuple[str, tuple[str, ...]], ...],
    paths_base: Path | None,
    base_url: Path | None,
    stem: str,
) -> list[str]:
    result: list[str] = []
    if paths_base is not None:
        for pattern, substitutions in paths:
            for substitution in substitutions:
                absolute = os.path.normpath(paths_base / substitution)
                if "*" not in pattern or "*" not in substitution:
                    if _strip_extension(absolute) == stem:
                        result.append(pattern)
                    continue
                prefix, _, suffix = absolute.partition("*")
                suffix = _strip_extension(suffix) if suffix else suffix
                if stem.startswith(prefix) and stem.endswith(suffix):
                    captured = stem[len(prefix) : len(stem) - len(suffix)]
                    result.append(pattern.replace("*", captured, 1))
    if base_url is not None:
        relative = os.path.relpath(stem, base_url).replace(os.sep, "/")
        if not relative.startswith(".."):
            result.append(relative)
    return result


def _strip_extension(path: str) -> str:
    for extension in sorted(RESOLVE_EXTENSIONS, key=len, reverse=True):
        if path.endswith(extension):
            return path[: -len(extension)]
    return path


def _python_tokens(checker: BoundaryChecker, files: list[Path] | None) -> frozenset[str]:
    """Module names an import must mention to possibly lead to a Python types file.

    Starts from the types modules' names and adds, to a fixed point, every
    module whose imports mention one (it may re-export it): jedi then runs
    only on imports that can matter.
    """
    tokens = {
        _module_stem(checker.config.resolve(t.path))
        for t in checker.config.types
        if t.language == "python"
    }
    if files is None:
        files = list(walk_files(checker.config.root, PY_SUFFIXES))
    candidates: list[tuple[Path, str, str]] = []
    for file in files:
        if file.suffix not in PY_SUFFIXES:
            continue
        try:
            text = checker.reader.read_text(file)
        except UnreadableFileError:
            continue
        if "import" in text:
            candidates.append((file, _module_stem(file), text))
    changed = True
    while changed:
        changed = False
        for file, stem, text in candidates:
            # Parse only what can add a token: a module not yet one, whose text
            # names one (an import's names are all in its text).
            if stem in tokens or not any(token in text for token in tokens):
                continue
            imports = checker.source_facts.py_imports(str(file), text)
            if any(_names_any(i, tokens) for i in imports):
                tokens.add(stem)
                changed = True
    return frozenset(tokens)


def _names_any(imp: PyImport, tokens: set[str]) -> bool:
    parts = set(imp.module.strip(".").split(".")) | {n.name for n in imp.names}
    return bool(parts & tokens)


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen: set[Finding] = set()
    result = []
    for finding in findings:
        if finding not in seen:
            seen.add(finding)
            result.append(finding)
    return result


def run(ctx: CheckContext) -> list[Finding]:
    """The boundary family as :mod:`pgdrift.checks.engine` runs it."""
    project = ctx.project
    checker = BoundaryChecker(project.config, project.reader, project.facts)
    findings = checker.check(ctx.paths)
    for note in checker.notes:
        ctx.note(note)
    return findings
