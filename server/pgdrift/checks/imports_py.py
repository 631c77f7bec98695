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

import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jedi  # type: ignore[import-untyped]
import parso
from parso.python.tree import ImportFrom, ImportName
from parso.tree import BaseNode, NodeOrLeaf

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
    """Resolves imports with jedi, caching per file text."""

    root: Path
    _project: Any = field(init=False, repr=False)
    _cache: dict[tuple[Path, str], dict[tuple[int, int], Resolved | None]] = field(
        default_factory=dict, repr=False
    )

    def __post_init__(self) -> None:
        # The project's own files are what matter; running jedi in this
        # interpreter avoids starting a subprocess per environment.
        self._project = jedi.Project(self.root, smart_sys_path=True)
        self._environment = jedi.api.environment.InterpreterEnvironment()

    def resolve(self, path: Path, text: str, imp: PyImport, name: PyName | None) -> Resolved | None:
        """The module ``imp`` (or ``name`` from it) comes from, following re-exports."""
        target = name.span if name is not None else imp.span
        key = (target.end_line, target.end_col)
        per_file = self._cache.setdefault((path, _digest(text)), {})
        if key not in per_file:
            per_file[key] = self._follow(path, text, target)
        return per_file[key]

    def _script(self, path: Path, text: str | None = None) -> Any:
        return jedi.Script(
            code=text, path=path, project=self._project, environment=self._environment
        )

    def _follow(self, path: Path, text: str, target: Span) -> Resolved | None:
        # Start on the last character of the name: jedi resolves the dotted
        # component under the cursor.
        position = (target.end_line + 1, max(target.end_col - 1, 0))
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
        if path is None:
            self._cache.clear()
        else:
            for key in [k for k in self._cache if k[0] == path]:
                del self._cache[key]


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", errors="surrogatepass"), digest_size=16).hexdigest()
