"""Imports of Python files, resolved to the modules they really come from.

:func:`parse_imports` lists a file's import statements (module level, in
functions, under ``try``) with exact character ranges, using parso, which
tolerates syntax errors while the user types. :class:`PyResolver` resolves
them with jedi: absolute and relative imports, packages, and names
re-exported through ``__init__.py`` chains, hop by hop so a finding can show
the chain.

jedi is the slow part, so resolution is cached per file text, and callers
resolve only imports that can lead to the modules they care about (see
:func:`mentions_any`).
"""

from __future__ import annotations

import ast
import hashlib
import os
import re
import sys
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import parso
from parso.python.tree import ImportFrom, ImportName
from parso.tree import BaseNode, NodeOrLeaf

from pgdrift.cache import PickleStore, digest
from pgdrift.model import Span

SOURCE_SUFFIXES = frozenset({".py", ".pyi"})
_MAX_HOPS = 24


@dataclass(frozen=True, slots=True)
class PyName:
    """A name taken by ``from m import name [as alias]``."""

    name: str
    alias: str | None
    span: Span  # the name (not the alias)


@dataclass(frozen=True, slots=True)
class PyImport:
    """One imported module: ``import a.b [as c]`` or ``from .a import x, y``."""

    #: As written, with leading dots for relative imports ("" for ``from . import x``).
    module: str
    #: The module text (dots included) — what a fix rewrites. For
    #: ``from . import x`` it is the dots alone.
    span: Span
    level: int = 0
    names: tuple[PyName, ...] = ()
    star: bool = False
    alias: str | None = None
    is_from: bool = False


def is_source_file(path: str | Path) -> bool:
    return Path(path).suffix in SOURCE_SUFFIXES


def parse_imports(path: str, text: str) -> list[PyImport]:
    """Every import statement in a Python file, in order."""
    fast = _imports_ast(path, text)
    return fast if fast is not None else _imports_parso(path, text)


def _imports_parso(path: str, text: str) -> list[PyImport]:
    """parso reads files with syntax errors (being typed), but slowly."""
    module = parso.parse(text, error_recovery=True)  # type: ignore[no-untyped-call]
    result: list[PyImport] = []
    for node in _walk(module):
        if isinstance(node, ImportFrom):
            result.append(_from_import(path, node))
        elif isinstance(node, ImportName):
            result.extend(_plain_imports(path, node))
    return result


def _walk(node: NodeOrLeaf) -> Iterator[NodeOrLeaf]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, BaseNode) and not isinstance(current, ImportFrom | ImportName):
            stack.extend(reversed(current.children))


def _span(path: str, first: NodeOrLeaf, last: NodeOrLeaf) -> Span:
    (sl, sc), (el, ec) = first.start_pos, last.end_pos
    return Span(path, sl - 1, sc, el - 1, ec)


def _from_import(path: str, node: ImportFrom) -> PyImport:
    children = node.children
    import_index = next(
        (i for i, c in enumerate(children) if getattr(c, "value", None) == "import"),
        len(children),
    )
    module_parts = children[1:import_index]
    module_text = "".join(c.get_code(include_prefix=False) for c in module_parts).replace(" ", "")
    span = (
        _span(path, module_parts[0], module_parts[-1])
        if module_parts
        else _span(path, children[0], children[0])
    )
    names: list[PyName] = []
    star: bool = node.is_star_import()  # type: ignore[no-untyped-call]
    if not star:
        # parso's own pairing of names and aliases (private, but stable for years)
        for name, alias in node._as_name_tuples():  # type: ignore[no-untyped-call]
            names.append(
                PyName(
                    name.value, alias.value if alias is not None else None, _span(path, name, name)
                )
            )
    return PyImport(
        module=module_text,
        span=span,
        level=node.level,
        names=tuple(names),
        star=star,
        is_from=True,
    )


def _plain_imports(path: str, node: ImportName) -> Iterator[PyImport]:
    for dotted, alias in node._dotted_as_names():  # type: ignore[no-untyped-call]
        yield PyImport(
            module=".".join(n.value for n in dotted),
            span=_span(path, dotted[0], dotted[-1]),
            alias=alias.value if alias is not None else None,
        )


# --- the fast path: the stdlib parser --------------------------------------------------

#: ``from <module> import`` on one line, as parso reads it: dots and dotted names.
_FROM_MODULE = re.compile(
    r"from[ \t]+(\.+(?:[ \t]*[^\W\d]\w*(?:[ \t]*\.[ \t]*[^\W\d]\w*)*)?"
    r"|[^\W\d]\w*(?:[ \t]*\.[ \t]*[^\W\d]\w*)*)[ \t]+import(?![\w])"
)


class _Unsure(Exception):
    """The stdlib parser's view may differ from parso's here: let parso read the file."""


def _imports_ast(path: str, text: str) -> list[PyImport] | None:
    """:func:`parse_imports` with :mod:`ast`, several times faster than parso; None
    when the file does not parse or anything about it could make the two disagree
    (line breaks other than ``\\n``, unusual spellings of a module name)."""
    if "import" not in text:
        return []
    if "\r" in text or text.startswith("\ufeff"):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    nodes = list(_import_statements(tree))
    nodes.sort(key=lambda n: (n.lineno, n.col_offset))
    lines = text.split("\n")
    try:
        result: list[PyImport] = []
        for node in nodes:
            if isinstance(node, ast.ImportFrom):
                result.append(_ast_from_import(path, node, lines))
            else:
                result.extend(_ast_plain_imports(path, node, lines))
    except _Unsure:
        return None
    return result


def _import_statements(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement, at any depth: statements only hold statements in
    these fields, and an import is never part of an expression."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
            continue
        for name in ("body", "orelse", "finalbody", "handlers", "cases"):
            children = getattr(node, name, None)
            if isinstance(children, list):
                stack.extend(children)


def _char_col(lines: list[str], line: int, byte_col: int) -> int:
    """A character column from :mod:`ast`'s 1-based line and UTF-8 byte column."""
    text = lines[line - 1]
    if text.isascii():
        return byte_col
    return len(text.encode("utf-8", "surrogatepass")[:byte_col].decode("utf-8", "replace"))


def _ast_name(path: str, lines: list[str], alias: ast.alias, name: str) -> Span:
    """Where ``name`` (an alias's name) is written: it must start the alias, verbatim."""
    line = alias.lineno
    col = _char_col(lines, line, alias.col_offset)
    if lines[line - 1][col : col + len(name)] != name:
        raise _Unsure(name)  # a name ast normalized (NFKC), or one written with spaces
    return Span(path, line - 1, col, line - 1, col + len(name))


def _ast_from_import(path: str, node: ast.ImportFrom, lines: list[str]) -> PyImport:
    line = node.lineno
    col = _char_col(lines, line, node.col_offset)
    match = _FROM_MODULE.match(lines[line - 1], col)
    if match is None:
        raise _Unsure("module")
    written = match.group(1)
    module = written.replace(" ", "").replace("\t", "")
    if "\t" in written or module != "." * node.level + (node.module or ""):
        raise _Unsure(module)
    span = Span(path, line - 1, match.start(1), line - 1, match.end(1))
    star = any(a.name == "*" for a in node.names)
    names = (
        ()
        if star
        else tuple(PyName(a.name, a.asname, _ast_name(path, lines, a, a.name)) for a in node.names)
    )
    return PyImport(
        module=module, span=span, level=node.level, names=names, star=star, is_from=True
    )


def _ast_plain_imports(path: str, node: ast.Import, lines: list[str]) -> Iterator[PyImport]:
    for alias in node.names:
        yield PyImport(
            module=alias.name,
            span=_ast_name(path, lines, alias, alias.name),
            alias=alias.asname,
        )


def mentions_any(imp: PyImport, tokens: Iterable[str]) -> bool:
    """Whether an import names any of ``tokens`` as a module component or name.

    A cheap pre-filter: an import that leads to module ``m`` (directly or
    through re-exports) mentions ``m``, the package that re-exports it, or
    is relative.
    """
    wanted = set(tokens)
    parts = set(imp.module.strip(".").split(".")) | {n.name for n in imp.names}
    return imp.level > 0 or bool(parts & wanted)


@dataclass(frozen=True, slots=True)
class Resolved:
    """Where an imported module or name comes from."""

    #: The module file the module or name is finally defined in.
    path: Path
    #: Module files passed through on the way, the importer excluded,
    #: ``path`` included last.
    chain: tuple[Path, ...]


@dataclass
class PyResolver:
    """Resolves imports with jedi, caching per file text.

    jedi is slow (it parses and infers whole modules), so the common shape of
    a re-export chain is followed without it: ``from m import X`` where each
    module on the way binds ``X`` once, at top level, by a class, function,
    plain assignment or ``from … import``. jedi still finds each *module*
    (sys.path, packages, stubs are its business), once per directory and
    module name; anything else about the chain (star imports, conditional
    definitions, submodules, ``sys.path`` edits) is left to jedi whole.
    """

    root: Path
    #: Files where following a name stops: the caller needs the chain only up
    #: to them (the generated types modules, which are big and slow to infer).
    stop: frozenset[Path] = frozenset()
    _project: Any = field(default=None, init=False, repr=False)
    _cache: dict[tuple[Path, str], dict[tuple[int, int], Resolved | None]] = field(
        default_factory=dict, repr=False
    )
    #: Module files by (directory, importer is a package, module as written).
    _modules: dict[tuple[Path, bool, str], Path | None] = field(default_factory=dict, repr=False)
    _bindings: dict[Path, dict[str, _Binding | None] | None] = field(
        default_factory=dict, repr=False
    )
    _scripts: dict[Path, Any] = field(default_factory=dict, repr=False)
    _listings: dict[Path, set[str] | None] = field(default_factory=dict, repr=False)
    #: Where earlier runs' answers for top-level module names are kept.
    store: PickleStore | None = field(default=None, repr=False)
    _remembered: dict[tuple[str, bool, str], tuple[str | None, str]] | None = field(
        default=None, repr=False
    )
    _stamps: dict[Path, str] = field(default_factory=dict, repr=False)
    _dirty: bool = field(default=False, repr=False)

    def __post_init__(self) -> None:
        self._environment: Any = None

    def _jedi_project(self) -> tuple[Any, Any]:
        # Imported on first use: most runs never need jedi.
        if self._environment is None:
            import jedi  # type: ignore[import-untyped]

            # The project's own files are what matter; running jedi in this
            # interpreter avoids starting a subprocess per environment.
            self._project = jedi.Project(self.root, smart_sys_path=True)
            self._environment = jedi.api.environment.InterpreterEnvironment()
        return self._project, self._environment

    def resolve(self, path: Path, text: str, imp: PyImport, name: PyName | None) -> Resolved | None:
        """The module ``imp`` (or ``name`` from it) comes from, following re-exports."""
        target = name.span if name is not None else imp.span
        key = (target.end_line, target.end_col)
        per_file = self._cache.setdefault((path, _digest(text)), {})
        if key not in per_file:
            per_file[key] = self._follow(path, text, imp, name)
        return per_file[key]

    def _follow(self, path: Path, text: str, imp: PyImport, name: PyName | None) -> Resolved | None:
        quick = self._quick(path, text, imp, name)
        if quick is not _UNSURE:
            return quick  # type: ignore[return-value]
        target = name.span if name is not None else imp.span
        return self._jedi(path, text, target, self.stop if name is not None else frozenset())

    # --- without jedi ----------------------------------------------------------------

    def _quick(
        self, path: Path, text: str, imp: PyImport, name: PyName | None
    ) -> Resolved | object | None:
        if "sys.path" in text or not imp.module.strip("."):
            return _UNSURE  # sys.path edits change what modules mean; `from . import x`
        module = self._module(path, text, imp)
        if module is None or module == path:
            return _UNSURE
        if name is None:
            return Resolved(module, (module,))
        chain: list[Path] = []
        current, symbol = module, name.name
        seen: set[tuple[Path, str]] = set()
        while True:
            if current == path or (current, symbol) in seen:
                return _UNSURE  # jedi leaves the importer out of chains, and stops at loops
            seen.add((current, symbol))
            if not chain or chain[-1] != current:
                chain.append(current)
            if current in self.stop:
                break
            binding = self._binding(current, symbol)
            if binding is None:
                return _UNSURE
            if binding.imp is None:
                break  # defined here: jedi's goto on a definition gives the definition
            found = self._module(current, None, binding.imp)
            if found is None:
                return _UNSURE
            current, symbol = found, binding.imported
        return Resolved(chain[-1], tuple(chain))

    def _module(self, path: Path, text: str | None, imp: PyImport) -> Path | None:
        """The file a module name means in ``path``, as jedi would find it; None when
        that is not a plain ``.py`` file or not certain (jedi then decides alone).

        Relative names are looked up in the file system as the import system does;
        an absolute name's first component is jedi's to find (sys.path), the rest
        again in the file system, so that jedi never loads the module itself (the
        generated types are big).
        """
        level = len(imp.module) - len(imp.module.lstrip("."))
        parts = imp.module[level:].split(".")
        if level:
            base = path.parent
            for _ in range(level - 1):
                base = base.parent
            return self._descend(base, parts)
        top = self._top_module(path, text, imp, parts[0])
        if top is None or len(parts) == 1:
            return top
        if top.name != "__init__.py" or _extends_path(top):
            return None  # a module, or a package whose submodules may live elsewhere
        return self._descend(top.parent, parts[1:])

    def _top_module(self, path: Path, text: str | None, imp: PyImport, first: str) -> Path | None:
        # What a top-level name means depends on the importer's directory only
        # (jedi adds the directories above it to sys.path).
        key = (path.parent, path.name in ("__init__.py", "__init__.pyi"), first)
        if key in self._modules:
            return self._modules[key]
        remembered = self._remember()
        stamp = self._stamp(path.parent)
        known = remembered.get((str(key[0]), key[1], first))
        if (
            isinstance(known, tuple)
            and len(known) == 2
            and known[1] == stamp
            and (known[0] is None or isinstance(known[0], str))
        ):
            found = Path(known[0]) if known[0] is not None else None
            self._modules[key] = found
            return found
        found = None
        if text is None:
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                text = None
        span = imp.span
        if text is not None and span.start_line == span.end_line:
            lines = text.split("\n")
            line = lines[span.start_line] if span.start_line < len(lines) else ""
            written = line[span.start_col : span.start_col + len(first) + 1]
            if written == first or written == first + ".":
                found = self._jedi_module(path, text, (span.start_line + 1, span.start_col))
        self._modules[key] = found
        remembered[(str(key[0]), key[1], first)] = (str(found) if found else None, stamp)
        self._dirty = True
        return found

    # jedi's answer for a top-level name depends on what the directories on its
    # sys.path hold (this interpreter's sys.path, the project root, the folders
    # above the importer): it is remembered between runs with their modification
    # times, which change whenever an entry is created, deleted or renamed.

    def _stamp(self, directory: Path) -> str:
        stamp = self._stamps.get(directory)
        if stamp is None:
            folders = [self.root, *(Path(p) for p in sys.path if p), *directory.parents]
            times: list[tuple[str, int | None]] = []
            for folder in (directory, *folders):
                try:
                    times.append((str(folder), folder.stat().st_mtime_ns))
                except OSError:
                    times.append((str(folder), None))
            stamp = self._stamps[directory] = digest(repr(times))
        return stamp

    def _remember(self) -> dict[tuple[str, bool, str], tuple[str | None, str]]:
        if self._remembered is None:
            loaded = self.store.load(_STORE, _VERSION) if self.store is not None else None
            self._remembered = loaded if isinstance(loaded, dict) else {}
        return self._remembered

    def save(self) -> None:
        """Keep this run's answers about top-level module names for the next run."""
        if self.store is not None and self._dirty and self._remembered is not None:
            self.store.store(_STORE, _VERSION, self._remembered)
            self._dirty = False

    def _jedi_module(self, path: Path, text: str, position: tuple[int, int]) -> Path | None:
        try:
            names = self._script(path, text).goto(*position, follow_imports=False)
        except Exception:  # jedi raises plain errors on odd input; never fatal here
            names = []
        name = next((n for n in names if n.module_path is not None), None)
        if name is None or name.type != "module":
            return None
        candidate = Path(os.path.normpath(str(name.module_path)))
        if candidate.suffix != ".py" or candidate.with_suffix(".pyi").exists():
            return None  # stubs and their sources are jedi's to pair up
        return candidate

    def _descend(self, directory: Path, parts: list[str]) -> Path | None:
        """``a.b.c`` below ``directory`` as the import system finds it, when that is
        unambiguous: regular packages (folders with ``__init__.py``) and ``.py``
        modules, with no stub, extension module or same-named sibling beside them."""
        found: Path | None = None
        for index, part in enumerate(parts):
            names = self._listing(directory)
            if names is None or not part.isidentifier():
                return None
            beside = {n for n in names if n == part or n.startswith(part + ".")}
            last = index + 1 == len(parts)
            if beside == {part}:
                package = directory / part
                inner = self._listing(package)
                if inner is None or "__init__.py" not in inner:
                    return None  # a namespace package, or a file without a suffix
                if any(n.startswith("__init__.") and n != "__init__.py" for n in inner):
                    return None
                found = package / "__init__.py"
                if not last and _extends_path(found):
                    return None
                directory = package
            elif beside == {f"{part}.py"} and last:
                found = directory / f"{part}.py"
            else:
                return None  # missing, ambiguous, or `module.name` of a module
        return found

    def _listing(self, directory: Path) -> set[str] | None:
        if directory not in self._listings:
            try:
                self._listings[directory] = set(os.listdir(directory))
            except OSError:
                self._listings[directory] = None
        return self._listings[directory]

    def _binding(self, path: Path, symbol: str) -> _Binding | None:
        """How ``path`` binds ``symbol`` at top level, when that is plain enough."""
        if path not in self._bindings:
            self._bindings[path] = _top_level_bindings(path)
        table = self._bindings[path]
        if table is None:
            return None
        binding = table.get(symbol)
        if binding is not None and path.name == "__init__.py":
            # A package's submodule of the same name is another candidate.
            directory = path.parent
            if (directory / f"{symbol}.py").exists() or (directory / symbol).is_dir():
                return None
        return binding

    # --- with jedi -------------------------------------------------------------------

    def _script(self, path: Path, text: str | None = None) -> Any:
        import jedi

        project, environment = self._jedi_project()
        if text is not None:
            return jedi.Script(code=text, path=path, project=project, environment=environment)
        # Files on the way are read from disk, once per run.
        script = self._scripts.get(path)
        if script is None:
            script = jedi.Script(path=path, project=project, environment=environment)
            self._scripts[path] = script
        return script

    def _jedi(self, path: Path, text: str, target: Span, stop: frozenset[Path]) -> Resolved | None:
        # Start on the last character of the name: jedi resolves the dotted
        # component under the cursor.
        position = _cursor(target)
        script = self._script(path, text)
        chain: list[Path] = []
        seen: set[tuple[Path, int, int]] = set()
        current_path = path
        for _ in range(_MAX_HOPS):
            try:
                names = script.goto(*position, follow_imports=False)
            except Exception:  # jedi raises plain errors on odd input; never fatal here
                names = []
            name = next((n for n in names if n.module_path is not None), None)
            if name is None:
                break
            hop_path = Path(os.path.normpath(str(name.module_path)))
            hop = (hop_path, name.line or 0, name.column or 0)
            if hop in seen:
                break
            seen.add(hop)
            # Hops inside the importer itself (a local alias) are not part of the chain.
            if hop_path != path and (not chain or chain[-1] != hop_path):
                chain.append(hop_path)
            if hop_path in stop and hop_path != path:
                break
            if name.type == "module" or name.line is None:
                break
            position = (name.line, name.column)
            if hop_path != current_path:
                current_path = hop_path
                try:
                    script = self._script(hop_path)
                except (OSError, UnicodeDecodeError):
                    break
        if not chain:
            return None
        return Resolved(chain[-1], tuple(chain))

    def invalidate(self, path: Path | None = None) -> None:
        # What a module name means can change with any file created or deleted.
        self._modules.clear()
        self._listings.clear()
        self._stamps.clear()
        if path is None:
            self._cache.clear()
            self._bindings.clear()
            self._scripts.clear()
        else:
            for key in [k for k in self._cache if k[0] == path]:
                del self._cache[key]
            self._bindings.pop(path, None)
            self._scripts.pop(path, None)


_UNSURE = object()
_STORE = "py-modules"
_VERSION = 1


def _extends_path(init: Path) -> bool:
    """Whether a package's ``__init__.py`` touches ``__path__`` (pkgutil-style
    namespace packages): its submodules may then live elsewhere."""
    try:
        return "__path__" in init.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return True


def _cursor(span: Span) -> tuple[int, int]:
    """jedi's 1-based line and the column of a span's last character."""
    return (span.end_line + 1, max(span.end_col - 1, 0))


@dataclass(frozen=True, slots=True)
class _Binding:
    """A top-level binding: a definition (``imp`` None) or ``from m import imported``."""

    imp: PyImport | None = None
    imported: str = ""


def _top_level_bindings(path: Path) -> dict[str, _Binding | None] | None:
    """Each name bound at the top level of a module: a :class:`_Binding` when it is
    bound exactly once, by a plain top-level statement; None for the name when it
    is bound in any other way (twice, conditionally, by ``global`` …). None for the
    whole module when it cannot be read or has a star import."""
    try:
        text = path.read_text(encoding="utf-8")
        if "sys.path" in text:
            return None  # its imports may mean other modules
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError, RecursionError):
        return None
    counts: dict[str, int] = {}
    for node in _module_scope(tree):
        for bound in _bound_names(node):
            counts[bound] = counts.get(bound, 0) + 1
        if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names):
            return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Global | ast.Nonlocal):
            for bound in node.names:
                counts[bound] = counts.get(bound, 0) + 2  # never plain
    imports = {(i.span.start_line, i.module): i for i in parse_imports(str(path), text)}
    table: dict[str, _Binding | None] = dict.fromkeys(counts)
    for stmt in tree.body:
        if isinstance(stmt, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            table[stmt.name] = _Binding()
        elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            if isinstance(stmt.targets[0], ast.Name):
                table[stmt.targets[0].id] = _Binding()
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            if isinstance(stmt.target, ast.Name):
                table[stmt.target.id] = _Binding()
        elif isinstance(stmt, ast.ImportFrom):
            module = "." * stmt.level + (stmt.module or "")
            imp = imports.get((stmt.lineno - 1, module))
            for alias in stmt.names:
                bound = alias.asname or alias.name
                table[bound] = _Binding(imp, alias.name) if imp is not None else None
    return {k: (v if counts.get(k) == 1 else None) for k, v in table.items()}


def _module_scope(tree: ast.Module) -> Iterator[ast.AST]:
    """Every node whose names bind in the module's scope: not inside functions,
    classes, lambdas or comprehensions (their own names do bind here)."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(
            node,
            ast.FunctionDef
            | ast.AsyncFunctionDef
            | ast.ClassDef
            | ast.Lambda
            | ast.ListComp
            | ast.SetComp
            | ast.DictComp
            | ast.GeneratorExp,
        ):
            # Decorators, defaults and bases are evaluated here, but binding a
            # name in them takes a walrus: count those too.
            for child in ast.iter_child_nodes(node):
                if not isinstance(child, ast.stmt):
                    stack.extend(n for n in ast.walk(child) if isinstance(n, ast.NamedExpr))
            continue
        stack.extend(ast.iter_child_nodes(node))


def _bound_names(node: ast.AST) -> Iterator[str]:
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        yield node.name
    elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
        yield node.id
    elif isinstance(node, ast.Import | ast.ImportFrom):
        for alias in node.names:
            if alias.name != "*":
                yield alias.asname or alias.name.split(".")[0]
    elif isinstance(node, ast.ExceptHandler | ast.MatchAs | ast.MatchStar) and node.name:
        yield node.name
    elif isinstance(node, ast.MatchMapping) and node.rest:
        yield node.rest


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", errors="surrogatepass"), digest_size=16).hexdigest()
