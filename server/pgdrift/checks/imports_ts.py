"""Imports and exports of TypeScript/JavaScript files, and resolving them to files.

:func:`parse_module` reads one file with tree-sitter-typescript into plain
facts: every module specifier (``import``, ``import type``, ``export … from``,
``import()``, ``require()``, ``import x = require()``) with the exact range of
the specifier text, the names it binds and whether it is type-only; and the
names the file declares and exports itself.

:class:`TsResolver` turns a specifier into a file as TypeScript does: relative
paths, ``tsconfig.json`` ``paths`` and ``baseUrl`` (following ``extends``
chains), extensions and index files. A broken ``tsconfig.json`` is reported
(see :attr:`TsResolver.problems`) and resolution goes on without its aliases.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any, Literal

import tree_sitter_typescript
from tree_sitter import Language, Node, Parser, Query, QueryCursor, Tree

from pgdrift.checks.files import FileReader, UnreadableFileError
from pgdrift.model import Span

#: File suffixes parsed as TypeScript or JavaScript.
SOURCE_SUFFIXES = frozenset({".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs"})
#: Tried in this order after a specifier without an extension (TypeScript's order).
RESOLVE_EXTENSIONS = (".ts", ".tsx", ".d.ts", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs")
_JS_TO_TS = {
    ".js": (".ts", ".tsx", ".d.ts"),
    ".jsx": (".tsx",),
    ".mjs": (".mts", ".d.mts"),
    ".cjs": (".cts", ".d.cts"),
}
_TSCONFIG_NAMES = ("tsconfig.json", "jsconfig.json")
_MAX_EXTENDS = 32

ImportKind = Literal["import", "export", "dynamic", "require"]

#: Node types under which ``import("x")`` is a type, not a value.
_TYPE_CONTEXTS = frozenset(
    {
        "type_annotation",
        "type_alias_declaration",
        "type_query",
        "type_arguments",
        "interface_declaration",
        "generic_type",
        "lookup_type",
        "index_type_query",
        "opting_type_annotation",
        "omitting_type_annotation",
        "asserts_annotation",
    }
)


@dataclass(frozen=True, slots=True)
class Binding:
    """One name an import or re-export takes from the source module.

    ``imported`` is the name in the source module: an identifier,
    ``"default"``, or ``"*"`` for the whole module (namespace imports,
    ``export *``, ``import()``, ``require()``).
    """

    imported: str
    #: The binding it creates here (imports); None for re-exports.
    local: str | None = None
    #: The name this module exports it under (re-exports); None for imports
    #: and for ``export * from`` (which exports every name under its own).
    exported: str | None = None
    type_only: bool = False


@dataclass(frozen=True, slots=True)
class ImportRef:
    specifier: str
    #: The specifier's text, inside the quotes: what a fix rewrites.
    span: Span
    kind: ImportKind
    type_only: bool
    #: Empty for a side-effect import (``import "x"``).
    bindings: tuple[Binding, ...]

    @property
    def is_star_export(self) -> bool:
        return self.kind == "export" and any(
            b.imported == "*" and b.exported is None for b in self.bindings
        )


@dataclass(frozen=True, slots=True)
class ModuleFacts:
    path: str
    imports: tuple[ImportRef, ...]
    #: Names declared here and exported (``export const x``, ``export default``).
    declared_exports: frozenset[str]
    #: ``export { local as exported }`` without ``from``: (exported, local).
    local_exports: tuple[tuple[str, str], ...]
    #: Whether tree-sitter recovered from syntax errors (facts may be partial).
    has_errors: bool = False

    def binding_for_local(self, local: str) -> tuple[ImportRef, Binding] | None:
        """The import that created the local binding ``local``, if any."""
        for ref in self.imports:
            if ref.kind == "export":
                continue
            for binding in ref.bindings:
                if binding.local == local:
                    return ref, binding
        return None


# --- parsing ---------------------------------------------------------------------------


@cache
def _parser(tsx: bool) -> Parser:
    language = (
        tree_sitter_typescript.language_tsx()
        if tsx
        else tree_sitter_typescript.language_typescript()
    )
    return Parser(Language(language))


def is_source_file(path: str | Path) -> bool:
    return Path(path).suffix in SOURCE_SUFFIXES


_CALLS = """
(call_expression function: (import)) @call
(call_expression function: (identifier) @fn (#eq? @fn "require")) @call
"""
_CALL_HINT = re.compile(r"\b(?:import|require)\s*\(")


@cache
def _calls_query(tsx: bool) -> Query:
    return Query(_parser(tsx).language, _CALLS)  # type: ignore[arg-type]


def is_tsx(path: str) -> bool:
    """Whether ``path`` is read with the TSX grammar rather than the TypeScript one."""
    # .ts files use the TypeScript grammar (``<T>x`` casts); everything else
    # may hold JSX, which the TSX grammar (a superset of JavaScript) reads.
    return not path.endswith((".ts", ".mts", ".cts"))


def parse_tree(path: str, text: str) -> Tree:
    """The tree-sitter tree of one TS/TSX/JS file (shared by every reader of it)."""
    return _parser(is_tsx(path)).parse(text.encode("utf-8", errors="surrogatepass"))


def parse_module(path: str, text: str, tree: Tree | None = None) -> ModuleFacts:
    """The imports and exports of one TS/TSX/JS/MJS/CJS file (``tree``: its parse, when
    the caller has it)."""
    tsx = is_tsx(path)
    data = text.encode("utf-8", errors="surrogatepass")
    if tree is None:
        tree = _parser(tsx).parse(data)
    collector = _Collector(path, data)
    for node in _statements(tree.root_node):
        if node.type == "import_statement":
            collector.import_statement(node)
        else:
            collector.export_statement(node)
    # import() and require() can be anywhere; a query finds them in C, and
    # only files that mention them pay for it.
    if _CALL_HINT.search(text):
        captures = QueryCursor(_calls_query(tsx)).captures(tree.root_node)
        for node in captures.get("call", []):
            collector.call(node)
    imports = sorted(collector.imports, key=lambda r: (r.span.start_line, r.span.start_col))
    return ModuleFacts(
        path=path,
        imports=tuple(imports),
        declared_exports=frozenset(collector.declared),
        local_exports=tuple(collector.local_exports),
        has_errors=tree.root_node.has_error,
    )


def _statements(root: Node) -> Iterator[Node]:
    """Top-level import and export statements, also inside syntax-error nodes."""
    stack = list(reversed(root.children))
    while stack:
        node = stack.pop()
        if node.type in ("import_statement", "export_statement"):
            yield node
        elif node.type == "ERROR":
            stack.extend(reversed(node.children))


def _walk(root: Node) -> Iterator[Node]:
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.children))


class _Collector:
    def __init__(self, path: str, data: bytes) -> None:
        self.path = path
        self.lines = data.split(b"\n")
        self.imports: list[ImportRef] = []
        self.declared: set[str] = set()
        self.local_exports: list[tuple[str, str]] = []

    # Positions: tree-sitter counts bytes; spans count characters.
    def span(self, node: Node) -> Span:
        (sl, sc), (el, ec) = node.start_point, node.end_point
        return Span(self.path, sl, self._chars(sl, sc), el, self._chars(el, ec))

    def _chars(self, line: int, byte_col: int) -> int:
        if line >= len(self.lines):
            return byte_col
        return len(self.lines[line][:byte_col].decode("utf-8", errors="replace"))

    def specifier(self, node: Node | None) -> tuple[str, Span] | None:
        """The text and content range of a string literal (or a plain template)."""
        if node is None:
            return None
        if node.type == "string":
            fragments = [c for c in node.children if c.type not in ('"', "'")]
            content = "".join(_text(c) for c in fragments)
            start, end = node.start_point, node.end_point
            # The content sits between the quotes, which are one byte each.
            line, col = start[0], start[1] + 1
            end_line, end_col = end[0], end[1] - 1
            span = Span(
                self.path, line, self._chars(line, col), end_line, self._chars(end_line, end_col)
            )
            return content, span
        if node.type == "template_string" and not any(
            c.type == "template_substitution" for c in node.children
        ):
            raw = _text(node)
            (sl, sc), (el, ec) = node.start_point, node.end_point
            span = Span(self.path, sl, self._chars(sl, sc + 1), el, self._chars(el, ec - 1))
            return raw[1:-1], span
        return None

    def add(
        self,
        source: Node | None,
        kind: ImportKind,
        type_only: bool,
        bindings: list[Binding],
    ) -> None:
        found = self.specifier(source)
        if found is None:
            return
        text, span = found
        if bindings and all(b.type_only for b in bindings):
            type_only = True
        self.imports.append(ImportRef(text, span, kind, type_only, tuple(bindings)))

    def import_statement(self, node: Node) -> None:
        statement_type_only = any(c.type == "type" for c in node.children)
        bindings: list[Binding] = []
        for child in node.children:
            if child.type == "import_clause":
                bindings += _import_clause(child, statement_type_only)
            elif child.type == "import_require_clause":
                name = next((c for c in child.children if c.type == "identifier"), None)
                local = _text(name) if name is not None else None
                bindings.append(Binding("*", local, None, statement_type_only))
                self.add(
                    child.child_by_field_name("source"), "require", statement_type_only, bindings
                )
                return
        self.add(node.child_by_field_name("source"), "import", statement_type_only, bindings)

    def export_statement(self, node: Node) -> None:
        statement_type_only = any(c.type == "type" for c in node.children)
        source = node.child_by_field_name("source")
        declaration = node.child_by_field_name("declaration")
        is_default = any(c.type == "default" for c in node.children)
        if is_default:
            self.declared.add("default")
        if declaration is not None:
            self.declared.update(_declared_names(declaration))
            return
        clause = next((c for c in node.children if c.type == "export_clause"), None)
        namespace = next((c for c in node.children if c.type == "namespace_export"), None)
        if source is None:
            if clause is not None:
                for spec in _children(clause, "export_specifier"):
                    name, alias = _name_alias(spec)
                    self.local_exports.append((alias or name, name))
            return
        bindings: list[Binding] = []
        if clause is not None:
            for spec in _children(clause, "export_specifier"):
                name, alias = _name_alias(spec)
                type_only = statement_type_only or any(c.type == "type" for c in spec.children)
                bindings.append(Binding(name, None, alias or name, type_only))
        elif namespace is not None:
            ident = next(
                (c for c in namespace.children if c.type in ("identifier", "string")), None
            )
            exported = _text(ident).strip("\"'") if ident is not None else "*"
            bindings.append(Binding("*", None, exported, statement_type_only))
        else:
            bindings.append(Binding("*", None, None, statement_type_only))  # export * from
        self.add(source, "export", statement_type_only, bindings)

    def call(self, node: Node) -> None:
        function = node.child_by_field_name("function")
        arguments = node.child_by_field_name("arguments")
        if function is None or arguments is None:
            return
        args = [c for c in arguments.children if c.is_named and c.type != "comment"]
        if not args:
            return
        if function.type == "import":
            type_only = _in_type_context(node)
            self.add(args[0], "dynamic", type_only, [Binding("*", None, None, type_only)])
        elif function.type == "identifier" and _text(function) == "require" and len(args) == 1:
            self.add(args[0], "require", False, [Binding("*")])


def _import_clause(clause: Node, type_only: bool) -> list[Binding]:
    bindings: list[Binding] = []
    for child in clause.children:
        if child.type == "identifier":
            bindings.append(Binding("default", _text(child), None, type_only))
        elif child.type == "namespace_import":
            ident = next((c for c in child.children if c.type == "identifier"), None)
            local = _text(ident) if ident is not None else None
            bindings.append(Binding("*", local, None, type_only))
        elif child.type == "named_imports":
            for spec in _children(child, "import_specifier"):
                name, alias = _name_alias(spec)
                spec_type = type_only or any(c.type == "type" for c in spec.children)
                bindings.append(Binding(name, alias or name, None, spec_type))
    return bindings


def _name_alias(spec: Node) -> tuple[str, str | None]:
    name = spec.child_by_field_name("name")
    alias = spec.child_by_field_name("alias")
    return (
        _text(name).strip("\"'") if name is not None else "",
        _text(alias).strip("\"'") if alias is not None else None,
    )


def _declared_names(declaration: Node) -> set[str]:
    name = declaration.child_by_field_name("name")
    if name is not None:
        return {_text(name)}
    names: set[str] = set()
    for declarator in _children(declaration, "variable_declarator"):
        target = declarator.child_by_field_name("name")
        if target is None:
            continue
        if target.type == "identifier":
            names.add(_text(target))
        else:  # destructuring: every identifier bound by the pattern
            names.update(
                _text(n)
                for n in _walk(target)
                if n.type in ("identifier", "shorthand_property_identifier_pattern")
            )
    return names


def _in_type_context(node: Node) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.type in _TYPE_CONTEXTS:
            return True
        if parent.type in ("statement_block", "program", "arrow_function", "class_body"):
            return False
        parent = parent.parent
    return False


def _children(node: Node, kind: str) -> list[Node]:
    return [c for c in node.children if c.type == kind]


def _text(node: Node) -> str:
    return (node.text or b"").decode("utf-8", errors="replace")


# --- tsconfig.json ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TsConfigProblem:
    """A broken ``tsconfig.json``: 0-based line and character column."""

    path: Path
    line: int
    column: int
    message: str
    #: What the problem costs, said after the message.
    effect: str = "path aliases from it are not applied"
    #: Not the file's fault: what it names is not installed (no node_modules).
    uninstalled: bool = False


@dataclass(frozen=True, slots=True)
class TsConfig:
    """The module-resolution settings of one ``tsconfig.json``, ``extends`` applied."""

    path: Path
    base_url: Path | None = None
    #: ``compilerOptions.paths`` patterns in declaration order.
    paths: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: What ``paths`` substitutions are relative to: ``baseUrl``, else the
    #: directory of the config that declared ``paths``.
    paths_base: Path | None = None
    problems: tuple[TsConfigProblem, ...] = ()


class JsoncError(ValueError):
    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


def parse_jsonc(text: str) -> Any:
    """Parse JSON with comments and trailing commas (``tsconfig.json``'s dialect).

    Comments and trailing commas are blanked out rather than removed, so the
    positions in a :class:`JsoncError` are positions in ``text``.
    """
    chars = list(text)
    i, n = 0, len(text)
    last_comma = -1
    while i < n:
        c = text[i]
        if c == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
            i += 1
            last_comma = -1
            continue
        if text.startswith("//", i):
            while i < n and text[i] != "\n":
                chars[i] = " "
                i += 1
            continue
        if text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end == -1 else end + 2
            for j in range(i, end):
                if chars[j] != "\n":
                    chars[j] = " "
            i = end
            continue
        if c == ",":
            last_comma = i
        elif c in "}]" and last_comma != -1:
            chars[last_comma] = " "
            last_comma = -1
        elif not c.isspace():
            last_comma = -1
        i += 1
    try:
        return json.loads("".join(chars))
    except json.JSONDecodeError as exc:
        raise JsoncError(exc.lineno - 1, exc.colno - 1, exc.msg) from None


def load_tsconfig(path: Path, reader: FileReader) -> TsConfig:
    """Read a ``tsconfig.json`` and the configs it extends."""
    problems: list[TsConfigProblem] = []
    options = _load_chain(path, reader, problems, [])
    base_url: Path | None = None
    paths: tuple[tuple[str, tuple[str, ...]], ...] = ()
    paths_base: Path | None = None
    if "baseUrl" in options:
        value, origin = options["baseUrl"]
        base_url = Path(os.path.normpath(origin.parent / value))
    if "paths" in options:
        value, origin = options["paths"]
        paths = tuple((k, tuple(v)) for k, v in value.items())
        paths_base = base_url or origin.parent
    return TsConfig(path, base_url, paths, paths_base, tuple(problems))


def _load_chain(
    path: Path, reader: FileReader, problems: list[TsConfigProblem], chain: list[Path]
) -> dict[str, tuple[Any, Path]]:
    """compilerOptions relevant to resolution, each with the file that set it."""
    if path in chain or len(chain) > _MAX_EXTENDS:
        cycle = " → ".join(p.name for p in [*chain, path])
        problems.append(TsConfigProblem(chain[-1], 0, 0, f"`extends` cycle: {cycle}"))
        return {}
    try:
        text = reader.read_text(path)
    except UnreadableFileError as exc:
        problems.append(TsConfigProblem(path, 0, 0, f"cannot read {path.name}: {exc.reason}"))
        return {}
    try:
        data = parse_jsonc(text)
    except JsoncError as exc:
        problems.append(
            TsConfigProblem(path, exc.line, exc.column, f"invalid JSON in {path.name}: {exc}")
        )
        return {}
    if not isinstance(data, dict):
        problems.append(TsConfigProblem(path, 0, 0, f"{path.name} must contain a JSON object"))
        return {}
    options: dict[str, tuple[Any, Path]] = {}
    extends = data.get("extends")
    bases = [extends] if isinstance(extends, str) else extends if isinstance(extends, list) else []
    if extends is not None and not bases:
        problems.append(_problem_at(path, text, "extends", "`extends` must be a string or a list"))
    for base in bases:
        if not isinstance(base, str):
            continue
        target = _find_extended(path.parent, base, reader)
        if target is None:
            problem = _problem_at(
                path, text, "extends", f"cannot find {base!r}, named in `extends`"
            )
            effect = "the `baseUrl` and `paths` it may set are not applied"
            if _is_package(base) and not _has_node_modules(path.parent, reader):
                # Packages are not installed (a CI job without `npm install`):
                # the environment's limit, not a broken file.
                problem = replace(
                    problem,
                    message=f"{path.name} extends {base!r}, which is not installed (no node_modules)",
                    uninstalled=True,
                )
            problems.append(replace(problem, effect=effect))
            continue
        options.update(_load_chain(target, reader, problems, [*chain, path]))
    compiler = data.get("compilerOptions", {})
    if not isinstance(compiler, dict):
        problems.append(_problem_at(path, text, "compilerOptions", "must be an object"))
        return options
    base_url = compiler.get("baseUrl")
    if base_url is not None:
        if isinstance(base_url, str):
            options["baseUrl"] = (base_url, path)
        else:
            problems.append(_problem_at(path, text, "baseUrl", "`baseUrl` must be a string"))
    paths = compiler.get("paths")
    if paths is not None:
        if isinstance(paths, dict) and all(
            isinstance(v, list) and all(isinstance(s, str) for s in v) for v in paths.values()
        ):
            options["paths"] = (paths, path)
        else:
            problems.append(
                _problem_at(path, text, "paths", "`paths` must map patterns to lists of strings")
            )
    return options


def _find_extended(directory: Path, spec: str, reader: FileReader) -> Path | None:
    if spec.startswith((".", "/")) or os.path.isabs(spec):
        candidate = Path(os.path.normpath(directory / spec))
        for option in (candidate, Path(f"{candidate}.json")):
            if reader.is_file(option):
                return option
        return None
    for parent in (directory, *directory.parents):
        package = parent / "node_modules" / spec
        for option in (package, Path(f"{package}.json"), package / "tsconfig.json"):
            if reader.is_file(option):
                return option
    return None


def _is_package(spec: str) -> bool:
    return not spec.startswith((".", "/")) and not os.path.isabs(spec)


def _has_node_modules(directory: Path, reader: FileReader) -> bool:
    return any(reader.is_dir(parent / "node_modules") for parent in (directory, *directory.parents))


def _problem_at(path: Path, text: str, key: str, message: str) -> TsConfigProblem:
    needle = f'"{key}"'
    for number, line in enumerate(text.splitlines()):
        column = line.find(needle)
        if column != -1:
            return TsConfigProblem(path, number, column, message)
    return TsConfigProblem(path, 0, 0, message)


# --- resolution ------------------------------------------------------------------------


@dataclass
class TsResolver:
    """Resolves module specifiers to files, caching configs per directory."""

    root: Path
    reader: FileReader
    _configs: dict[Path, TsConfig | None] = field(default_factory=dict)
    _loaded: dict[Path, TsConfig] = field(default_factory=dict)
    _resolved: dict[tuple[str, str], Path | None] = field(default_factory=dict)

    @property
    def problems(self) -> list[TsConfigProblem]:
        """Problems of every ``tsconfig.json`` consulted so far."""
        seen: set[TsConfigProblem] = set()
        result = []
        for config in self._loaded.values():
            for problem in config.problems:
                if problem not in seen:
                    seen.add(problem)
                    result.append(problem)
        return result

    def config_for(self, file: Path) -> TsConfig | None:
        """The nearest ``tsconfig.json`` (or ``jsconfig.json``) above ``file``, within the root."""
        directory = file.parent
        visited: list[Path] = []
        found: TsConfig | None = None
        while True:
            if directory in self._configs:
                found = self._configs[directory]
                break
            visited.append(directory)
            config_path = next(
                (directory / n for n in _TSCONFIG_NAMES if self.reader.is_file(directory / n)),
                None,
            )
            if config_path is not None:
                found = self._loaded.get(config_path) or load_tsconfig(config_path, self.reader)
                self._loaded[config_path] = found
                break
            if directory == self.root or directory.parent == directory:
                break
            if self.root not in directory.parents:
                break
            directory = directory.parent
        for d in visited:
            self._configs[d] = found
        return found

    def resolve(self, specifier: str, importer: Path) -> Path | None:
        """The file ``specifier`` means in ``importer``, or None (a package, or missing)."""
        # The answer depends only on the importer's directory (relative paths,
        # nearest tsconfig): files side by side share it. (A string key: this
        # runs for every import, and building Path objects is slow.)
        key = (os.path.dirname(importer), specifier)
        if key not in self._resolved:
            self._resolved[key] = self._resolve(specifier, importer)
        return self._resolved[key]

    def _resolve(self, specifier: str, importer: Path) -> Path | None:
        if not specifier or specifier.startswith(("node:", "http:", "https:", "data:")):
            return None
        if specifier.startswith(("./", "../")) or specifier in (".", ".."):
            return self.resolve_path(importer.parent / specifier)
        if specifier.startswith("/"):
            return self.resolve_path(Path(specifier))
        config = self.config_for(importer)
        if config is None:
            return None
        if config.paths and config.paths_base is not None:
            for substitution in _match_paths(config.paths, specifier):
                resolved = self.resolve_path(config.paths_base / substitution)
                if resolved is not None:
                    return resolved
        if config.base_url is not None:
            return self.resolve_path(config.base_url / specifier)
        return None

    def resolve_path(self, candidate: Path) -> Path | None:
        """A path, with extensions and index files tried as TypeScript does."""
        base = Path(os.path.normpath(candidate))
        name = base.name
        suffix = next((s for s in _JS_TO_TS if name.endswith(s)), None)
        if suffix is not None:  # "./x.js" means "./x.ts" in TypeScript ESM code
            stem = str(base)[: -len(suffix)]
            for replacement in _JS_TO_TS[suffix]:
                option = Path(stem + replacement)
                if self.reader.is_file(option):
                    return option
        if any(name.endswith(s) for s in RESOLVE_EXTENSIONS) and self.reader.is_file(base):
            return base
        for extension in RESOLVE_EXTENSIONS:
            option = Path(f"{base}{extension}")
            if self.reader.is_file(option):
                return option
        if self.reader.is_dir(base):
            typed = self._package_types(base)
            if typed is not None:
                return typed
            for extension in RESOLVE_EXTENSIONS:
                option = base / f"index{extension}"
                if self.reader.is_file(option):
                    return option
        return None

    def _package_types(self, directory: Path) -> Path | None:
        manifest = directory / "package.json"
        if not self.reader.is_file(manifest):
            return None
        try:
            data = json.loads(self.reader.read_text(manifest))
        except (UnreadableFileError, ValueError):
            return None
        for key in ("types", "typings", "module", "main"):
            value = data.get(key) if isinstance(data, dict) else None
            if isinstance(value, str):
                target = directory / value
                if self.reader.is_file(target):
                    return Path(os.path.normpath(target))
        return None

    def invalidate(self) -> None:
        """Forget every tsconfig and resolution (a file was created, deleted or renamed)."""
        self._configs.clear()
        self._loaded.clear()
        self._resolved.clear()


def _match_paths(paths: tuple[tuple[str, tuple[str, ...]], ...], specifier: str) -> list[str]:
    """Substitutions for ``specifier`` from the best ``paths`` pattern.

    TypeScript picks the matching pattern with the longest prefix before its
    ``*``; an exact pattern beats every wildcard.
    """
    best: tuple[int, str, tuple[str, ...]] | None = None
    for pattern, targets in paths:
        if "*" not in pattern:
            if pattern == specifier:
                return list(targets)
            continue
        prefix, _, suffix = pattern.partition("*")
        if (
            specifier.startswith(prefix)
            and specifier.endswith(suffix)
            and len(specifier) >= len(prefix) + len(suffix)
            and (best is None or len(prefix) > best[0])
        ):
            captured = specifier[len(prefix) : len(specifier) - len(suffix)]
            best = (len(prefix), captured, targets)
    if best is None:
        return []
    return [t.replace("*", best[1]) for t in best[2]]
