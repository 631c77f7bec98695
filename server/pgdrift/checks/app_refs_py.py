"""supabase-py query chains in Python files.

Finds ``X.table(<literal>)``, ``X.from_(<literal>)`` and ``X.rpc(<literal>)``
calls, with an optional ``.schema(<literal>)`` before them, and the calls
chained after them, reduced to the same
:class:`~pgdrift.checks.app_refs_syntax.Chain` values as supabase-js code:
method and keyword names in supabase-js spelling (``contained_by`` →
``containedBy``, ``on_conflict`` → ``onConflict``), ``.not_`` skipped.
Only plain and raw string literals (and their implicit concatenation) are
read; f-strings, bytes and everything else are opaque.

As for supabase-js (:mod:`app_refs_ts`), the rest of the file tells what the
receiver is (:attr:`Chain.client`: made by ``create_client``, annotated
``Client`` from ``supabase``; or an object of PySpark, ibis, TinyDB, PyPika,
…), and calls made later on a variable holding the query builder (``query =
client.table('t').select(…)``, then ``query = query.eq(…)``) are appended to
the chain's steps when every assignment to it in its scope is a query of the
same table or a call on the variable itself.

Files are parsed with the stdlib :mod:`ast`, several times faster than
parso; a file with a syntax error (one being typed) is parsed with parso,
which recovers, so its other queries are still checked.
"""

from __future__ import annotations

import ast
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import parso
from parso.tree import BaseNode, NodeOrLeaf
from parso.utils import split_lines

from pgdrift.checks.app_refs_syntax import (
    OTHER,
    SUPABASE,
    UNKNOWN,
    Arg,
    Arr,
    Call,
    Chain,
    Literal,
    Obj,
    TextIndex,
    camel_case,
    combine_kinds,
)

SOURCE_SUFFIXES = frozenset({".py"})

QUERY_HINT = re.compile(r"\.\s*(?:table|from_|rpc)\s*\(")
_ROOTS = {"table": "from", "from_": "from", "rpc": "rpc"}
_SIMPLE_ESCAPES = {
    "\\": "\\",
    "'": "'",
    '"': '"',
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
}
_HEX_WIDTHS = {"x": 2, "u": 4, "U": 8}
_STRING_START = re.compile("([rRuUbBfF]{0,2})('''|\"\"\"|'|\")")
_BETWEEN_STRINGS = re.compile(r"(?:\s|\\\r?\n|#[^\n]*)*")


def chains_in_py(path: str, text: str) -> list[Chain]:
    """Every ``.table``/``.from_``/``.rpc`` chain in one Python file, in source order.

    A file that :mod:`ast` cannot parse is read with parso, call by call: its
    receivers are then unknown and builder variables are not followed.
    """
    if not QUERY_HINT.search(text):
        return []
    try:
        reader, tree = _read_ast(path, text)
    except (SyntaxError, ValueError, RecursionError):
        chains = _chains_parso(path, text)
    else:
        chains = _in_context(reader, tree)
    chains.sort(key=lambda c: c.name.offsets[0])
    return chains


class _Source:
    """A Python file's text, with both parsers' positions turned into character offsets."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.index = TextIndex(text)
        # Both parsers split lines at \n, \r\n and \r, as parso's split_lines does.
        self.lines = split_lines(text, keepends=True)
        self.line_offsets = [0]
        for line in self.lines:
            self.line_offsets.append(self.line_offsets[-1] + len(line))

    def offset(self, line: int, column: int) -> int:
        """The offset of a 1-based line and a character column."""
        return self.line_offsets[line - 1] + column

    def byte_offset(self, line: int, byte_column: int) -> int:
        """The offset of a 1-based line and a UTF-8 byte column (what :mod:`ast` gives)."""
        text = self.lines[line - 1]
        if text.isascii():
            return self.line_offsets[line - 1] + byte_column
        encoded = text.encode("utf-8", errors="surrogatepass")
        column = len(encoded[:byte_column].decode("utf-8", errors="replace"))
        return self.line_offsets[line - 1] + column

    def string(self, start: int, end: int) -> Literal | None:
        """The value of the string token(s) between two offsets (implicit
        concatenation included); None for bytes, f-strings or anything else."""
        segment = self.text[start:end]
        pos = 0
        value = ""
        offsets: tuple[int, ...] = (0,)
        while True:
            match = _STRING_START.match(segment, pos)
            if match is None:
                return None
            prefix, quote = match[1].lower(), match[2]
            if "b" in prefix or "f" in prefix:
                return None
            body_start = match.end()
            close = body_start
            while not segment.startswith(quote, close):
                if close >= len(segment):
                    return None
                close += 2 if segment[close] == "\\" else 1
            raw = segment[body_start:close]
            if "r" in prefix:
                part: tuple[str, tuple[int, ...]] | None = (
                    raw,
                    tuple(range(start + body_start, start + close + 1)),
                )
            else:
                part = _decode(raw, start + body_start)
            if part is None:
                return None
            value += part[0]
            offsets = offsets[:-1] + part[1]
            after = _BETWEEN_STRINGS.match(segment, close + len(quote))
            pos = after.end() if after is not None else close + len(quote)
            if pos >= len(segment):
                return Literal(value, self.path, offsets, self.index)


# --- ast (the fast path) ---------------------------------------------------------------


def _read_ast(path: str, text: str) -> tuple[_AstReader, ast.Module]:
    tree = ast.parse(text)
    reader = _AstReader(_Source(path, text))
    stack: list[ast.AST] = [tree]
    bindings = reader.bindings
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Call | ast.Attribute):
            stack += reader.chain(node)
            continue
        if isinstance(node, ast.Name):
            if not isinstance(node.ctx, ast.Load):
                bindings.append(node)
            continue  # a name has nothing inside
        if isinstance(node, _BINDINGS):
            bindings.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return reader, tree


def _chains_ast(path: str, text: str) -> list[Chain]:
    """The chains as written, each call on its own (what parso reads too)."""
    return [root.chain for root in _read_ast(path, text)[0].roots]


def _in_context(reader: _AstReader, tree: ast.Module) -> list[Chain]:
    """The chains with what the rest of the file tells: what each receiver is, and
    the calls made later on variables holding a query builder."""
    if not reader.roots:
        return []
    bindings = _Bindings(reader.bindings)
    later = _Builders(reader, tree).later_steps()
    chains = []
    for i, root in enumerate(reader.roots):
        chain = root.chain
        chains.append(
            Chain(
                chain.kind,
                chain.name,
                chain.receiver,
                chain.schema,
                chain.steps + later.get(i, ()),
                chain.args,
                chain.kwargs,
                bindings.receiver_kind(root.receiver, chain.receiver),
            )
        )
    return chains


@dataclass(frozen=True, slots=True, eq=False)
class _Root:
    """A chain as read, with the nodes the file's other readers need."""

    chain: Chain
    receiver: ast.expr
    #: The whole chain's expression: the outermost call after the root.
    top: ast.expr

    def key(self) -> tuple[str, str, str | None, str]:
        """What two roots must share to build the same query."""
        schema = self.chain.schema.value if self.chain.schema is not None else None
        return (self.chain.kind, self.chain.name.value, schema, self.chain.receiver)


class _AstReader:
    def __init__(self, source: _Source) -> None:
        self.source = source
        self.roots: list[_Root] = []
        #: The nodes that bind names (imports, assignments, parameters, stored names).
        self.bindings: list[ast.AST] = []

    def chain(self, top: ast.Call | ast.Attribute) -> list[ast.AST]:
        """Read the chain ending at ``top``; return the nodes left to visit."""
        links: list[ast.Call | ast.Attribute] = []
        node: ast.expr = top
        while isinstance(node, ast.Call | ast.Attribute):
            links.append(node)
            node = node.func if isinstance(node, ast.Call) else node.value
        links.reverse()
        rest: list[ast.AST] = [node]
        for link in links:
            if isinstance(link, ast.Call):
                rest += link.args
                rest += [k.value for k in link.keywords]
        for i, link in enumerate(links[:-1]):
            call = links[i + 1]
            if not isinstance(link, ast.Attribute) or not isinstance(call, ast.Call):
                continue
            kind = _ROOTS.get(link.attr)
            if kind is None or not call.args:
                continue
            name = self.literal(call.args[0])
            if name is None:
                continue
            receiver_node = link.value
            schema: Literal | None = None
            if (
                isinstance(receiver_node, ast.Call)
                and isinstance(receiver_node.func, ast.Attribute)
                and receiver_node.func.attr == "schema"
                and receiver_node.args
            ):
                schema = self.literal(receiver_node.args[0])
                if schema is not None:
                    receiver_node = receiver_node.func.value
            args, kwargs = self.arguments(call)
            steps, used = self.steps(links[i + 2 :])
            chain = Chain(kind, name, ast.unparse(receiver_node), schema, steps, args[1:], kwargs)
            self.roots.append(_Root(chain, receiver_node, links[i + 1 + used]))
        return rest

    def steps(self, links: Sequence[ast.Call | ast.Attribute]) -> tuple[tuple[Call, ...], int]:
        """The calls at the start of ``links``, and how many links they take."""
        steps: list[Call] = []
        j = used = 0
        while j < len(links):
            link = links[j]
            if not isinstance(link, ast.Attribute):
                break
            following = links[j + 1] if j + 1 < len(links) else None
            if isinstance(following, ast.Call):
                args, kwargs = self.arguments(following)
                steps.append(Call(camel_case(link.attr), args, kwargs))
                j += 2
                used = j
            elif link.attr == "not_":  # a property negating the next filter
                j += 1
            else:
                break
        return tuple(steps), used

    def arguments(self, call: ast.Call) -> tuple[tuple[Arg, ...], tuple[tuple[str, Arg], ...]]:
        args: list[Arg] = []
        for arg in call.args:
            if isinstance(arg, ast.Starred):
                break  # *args hides where the rest go
            args.append(self.arg(arg))
        kwargs = tuple(
            (camel_case(k.arg), self.arg(k.value)) for k in call.keywords if k.arg is not None
        )
        return tuple(args), kwargs

    def arg(self, node: ast.expr) -> Arg:
        if isinstance(node, ast.Dict):
            entries: list[tuple[Literal, Arg]] = []
            complete = True
            for key, value in zip(node.keys, node.values, strict=True):
                literal = self.literal(key) if key is not None else None
                if literal is None:
                    complete = False
                else:
                    entries.append((literal, self.arg(value)))
            return Obj(tuple(entries), complete)
        if isinstance(node, ast.List | ast.Tuple):
            return Arr(tuple(self.arg(e) for e in node.elts))
        return self.literal(node)

    def literal(self, node: ast.expr | None) -> Literal | None:
        if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
            return None
        if node.end_lineno is None or node.end_col_offset is None:
            return None
        start = self.source.byte_offset(node.lineno, node.col_offset)
        end = self.source.byte_offset(node.end_lineno, node.end_col_offset)
        literal = self.source.string(start, end)
        # The value ast computed is the truth; a mismatch means a token we misread.
        return literal if literal is not None and literal.value == node.value else None


# --- what a receiver is ----------------------------------------------------------------

_BINDINGS = (ast.Import, ast.ImportFrom, ast.Assign, ast.AnnAssign, ast.arg)

#: Modules whose objects are not Supabase clients, several with a ``table`` or
#: ``from_`` of their own (``spark.table('t')``, ``Query.from_('t')``).
_OTHER_MODULES = frozenset(
    {
        "pyspark",
        "snowflake",
        "ibis",
        "tinydb",
        "duckdb",
        "pypika",
        "sqlalchemy",
        "sqlmodel",
        "peewee",
        "pony",
        "tortoise",
        "piccolo",
        "ormar",
        "databases",
        "psycopg",
        "psycopg2",
        "asyncpg",
        "aiosqlite",
        "sqlite3",
        "pymysql",
        "clickhouse_connect",
        "records",
        "dataset",
        "polars",
        "pandas",
        "pyarrow",
        "pymongo",
        "motor",
        "redis",
        "boto3",
        "google.cloud.bigquery",
        "deltalake",
        "pyiceberg",
        "lancedb",
        "rich",
        "prettytable",
        "docx",
        "openpyxl",
        "astropy",
    }
)
#: Libraries with a ``table(name)`` or ``from_(name)`` of their own: in a file that
#: imports one and nothing from Supabase, a receiver the file does not bind is theirs.
_BUILDER_MODULES = frozenset({"pyspark", "snowflake", "ibis", "tinydb", "duckdb", "pypika"})
_SUPABASE_FACTORY = re.compile(r"^a?create_\w*client$|^(?:Async|Sync)?Client$")


def _in_modules(module: str, modules: frozenset[str]) -> bool:
    parts = module.split(".")
    return any(".".join(parts[:n]) in modules for n in range(1, len(parts) + 1))


def _module_kind(module: str) -> str:
    if module.split(".")[0] == "storage3":
        return OTHER  # Supabase Storage: its buckets have a `from_` of their own
    if "supabase" in module.lower() or module.split(".")[0] == "postgrest":
        return SUPABASE
    if not module.startswith(".") and _in_modules(module, _OTHER_MODULES):
        return OTHER
    return UNKNOWN


def _root_name(node: ast.expr) -> ast.Name | None:
    """The name an expression starts from: ``client`` in ``client.schema('x').table``."""
    while True:
        if isinstance(node, ast.Name):
            return node
        if isinstance(node, ast.Attribute | ast.Subscript):
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Await):
            node = node.value
        else:
            return None


def _last_name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


class _Bindings:
    """What each name of one file is bound to, as far as the file shows."""

    def __init__(self, nodes: list[ast.AST]) -> None:
        """``nodes``: the file's imports, assignments, parameters and stored names."""
        self.imports: dict[str, str] = {}
        self.values: dict[str, list[ast.expr]] = {}
        self.annotations: dict[str, list[ast.expr]] = {}
        #: Names also bound in ways that say nothing (loops, ``with``, bare parameters).
        self.opaque: set[str] = set()
        assigned: set[int] = set()
        for node in nodes:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    local = alias.asname or alias.name.split(".")[0]
                    self.imports[local] = alias.name if alias.asname else local
            elif isinstance(node, ast.ImportFrom):
                module = "." * node.level + (node.module or "")
                for alias in node.names:
                    self.imports[alias.asname or alias.name] = module
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        self.values.setdefault(target.id, []).append(node.value)
                        assigned.add(id(target))
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                name = node.target.id
                self.annotations.setdefault(name, []).append(node.annotation)
                if node.value is not None:
                    self.values.setdefault(name, []).append(node.value)
                assigned.add(id(node.target))
            elif isinstance(node, ast.arg):
                if node.annotation is not None:
                    self.annotations.setdefault(node.arg, []).append(node.annotation)
                else:
                    self.opaque.add(node.arg)
        for node in nodes:
            if isinstance(node, ast.Name) and id(node) not in assigned:
                self.opaque.add(node.id)
        self._kinds: dict[str, str] = {}

    def name_kind(self, name: str) -> str:
        found = self._kinds.get(name)
        if found is not None:
            return found
        self._kinds[name] = UNKNOWN  # a binding defined through itself says nothing
        kinds = {self.value_kind(v) for v in self.values.get(name, ())}
        kinds |= {self.annotation_kind(a) for a in self.annotations.get(name, ())}
        if name in self.imports:
            kinds.add(_module_kind(self.imports[name]))
        if name in self.opaque:
            kinds.add(UNKNOWN)
        result = combine_kinds(kinds)
        self._kinds[name] = result
        return result

    def value_kind(self, node: ast.expr) -> str:
        if isinstance(node, ast.Await):
            node = node.value
        if isinstance(node, ast.Name):
            return self.name_kind(node.id)
        if isinstance(node, ast.Call):
            root = _root_name(node.func)
            root_kind = self.name_kind(root.id) if root is not None else UNKNOWN
            if root_kind == OTHER:
                return OTHER
            last = _last_name(node.func)
            if "supabase" in last.lower():
                return SUPABASE  # get_supabase()
            if root_kind == SUPABASE and (
                isinstance(node.func, ast.Name) or _SUPABASE_FACTORY.match(last) or last == "schema"
            ):
                return SUPABASE
            return UNKNOWN
        if isinstance(node, ast.Attribute):
            root = _root_name(node)
            if root is not None and self.name_kind(root.id) == OTHER:
                return OTHER
            return SUPABASE if "supabase" in node.attr.lower() else UNKNOWN
        return UNKNOWN

    def annotation_kind(self, node: ast.expr) -> str:
        """``Client``, ``Optional[Client]``, ``Client | None``, ``SparkSession``."""
        if isinstance(node, ast.Subscript) and _last_name(node.value) == "Optional":
            return self.annotation_kind(node.slice)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            sides = [n for n in (node.left, node.right) if not _is_none(n)]
            return combine_kinds({self.annotation_kind(n) for n in sides})
        if isinstance(node, ast.Subscript):
            node = node.value  # Client[...]: generic clients
        if not isinstance(node, ast.Name | ast.Attribute):
            return UNKNOWN
        if "supabaseclient" in ast.unparse(node).lower().replace(".", ""):
            return SUPABASE
        root = _root_name(node)
        if root is not None and root.id in self.imports:
            return _module_kind(self.imports[root.id])
        return UNKNOWN

    def receiver_kind(self, receiver: ast.expr, text: str) -> str:
        root = _root_name(receiver)
        if root is None:
            return UNKNOWN
        kind = self.name_kind(root.id)
        if kind == OTHER:
            return OTHER
        if kind == SUPABASE:
            return SUPABASE if isinstance(receiver, ast.Name) else UNKNOWN
        if root.id not in self.imports and "supabase" not in text.lower() and self.builder_file():
            return OTHER
        return UNKNOWN

    def builder_file(self) -> bool:
        modules = self.imports.values()
        return any(_in_modules(m, _BUILDER_MODULES) for m in modules) and all(
            _module_kind(m) != SUPABASE for m in modules
        )


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


# --- query builders kept in variables ---------------------------------------------------

#: Calls after which a chain is a response, not a query builder.
_NOT_BUILDER = frozenset({"execute"})
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _direct(scope: ast.AST) -> Iterator[ast.AST]:
    """The nodes of a scope, without those of the scopes nested in it (their
    decorators, defaults and annotations, evaluated in this scope, included)."""
    stack = list(_own(scope))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            stack += node.decorator_list + list(_defaults(node.args))
            stack += [node.returns] if node.returns is not None else []
        elif isinstance(node, ast.Lambda):
            stack += list(_defaults(node.args))
        elif isinstance(node, ast.ClassDef):
            stack += node.decorator_list + node.bases + [k.value for k in node.keywords]
        elif isinstance(node, _COMPREHENSIONS):
            stack.append(node.generators[0].iter)
        else:
            stack += ast.iter_child_nodes(node)


def _own(scope: ast.AST) -> Iterator[ast.AST]:
    """What a scope evaluates itself (not its defaults, decorators or first iterable)."""
    if isinstance(scope, ast.Lambda):
        yield scope.body
    elif isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Module):
        yield from scope.body
    elif isinstance(scope, _COMPREHENSIONS):
        if isinstance(scope, ast.DictComp):
            yield from (scope.key, scope.value)
        else:
            yield scope.elt
        for i, generator in enumerate(scope.generators):
            yield generator.target
            yield from generator.ifs
            if i:
                yield generator.iter
    else:
        yield from ast.iter_child_nodes(scope)


def _defaults(args: ast.arguments) -> Iterable[ast.expr]:
    yield from args.defaults
    yield from (d for d in args.kw_defaults if d is not None)
    for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg):
        if arg is not None and arg.annotation is not None:
            yield arg.annotation


def _binds(scope: ast.AST, name: str) -> bool:
    """Whether ``scope`` binds ``name`` itself (a parameter, an assignment, …)."""
    if isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
        args = scope.args
        every = (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg)
        if any(a is not None and a.arg == name for a in every):
            return True
    if isinstance(scope, _COMPREHENSIONS):
        for generator in scope.generators:
            for node in ast.walk(generator.target):
                if isinstance(node, ast.Name) and node.id == name:
                    return True
    return any(name in _bound_names(node) for node in _direct(scope))


def _bound_names(node: ast.AST) -> tuple[str, ...]:
    if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
        return (node.id,)
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return (node.name,)
    if isinstance(node, ast.ExceptHandler) and node.name:
        return (node.name,)
    if isinstance(node, ast.Import | ast.ImportFrom):
        return tuple(a.asname or a.name.split(".")[0] for a in node.names)
    if isinstance(node, ast.Global | ast.Nonlocal):
        return tuple(node.names)
    if isinstance(node, ast.MatchAs | ast.MatchStar) and node.name:
        return (node.name,)
    if isinstance(node, ast.MatchMapping) and node.rest:
        return (node.rest,)
    return ()


class _Builders:
    """Calls made on variables that hold a query builder, per root they continue."""

    def __init__(self, reader: _AstReader, tree: ast.Module) -> None:
        self.reader = reader
        self.tree = tree
        self.by_top = {id(root.top): i for i, root in enumerate(reader.roots)}
        #: Parents of the nodes :meth:`_reads` went through.
        self._parents: dict[int, ast.AST] = {}

    def later_steps(self) -> dict[int, tuple[Call, ...]]:
        stored = [
            node
            for node in self.reader.bindings
            if isinstance(node, ast.Assign | ast.AnnAssign)
            and node.value is not None
            and self._root_index(node.value) is not None
        ]
        if not stored:
            return {}  # no query builder is kept in a variable: nothing to follow
        later: dict[int, tuple[Call, ...]] = {}
        scopes: list[ast.AST] = [self.tree]
        while scopes:
            scope = scopes.pop()
            direct = list(_direct(scope))
            scopes += [n for n in direct if isinstance(n, (*_SCOPES, *_COMPREHENSIONS))]
            names: list[str] = []
            for node in direct:
                if isinstance(node, ast.Assign):
                    value, targets = node.value, node.targets
                elif isinstance(node, ast.AnnAssign) and node.value is not None:
                    value, targets = node.value, [node.target]
                else:
                    continue
                if self._root_index(value) is not None:
                    names += [t.id for t in targets if isinstance(t, ast.Name)]
            declared: set[str] | None = None
            for name in dict.fromkeys(names):
                if declared is None:
                    declared = {
                        n
                        for node in ast.walk(scope)
                        if isinstance(node, ast.Global | ast.Nonlocal)
                        for n in node.names
                    }
                if name in declared:
                    continue  # `global`/`nonlocal`: bound elsewhere too
                found = self._track(scope, direct, name)
                if found is not None:
                    index, steps = found
                    later[index] = later.get(index, ()) + steps
        return later

    def _root_index(self, value: ast.expr) -> int | None:
        index = self.by_top.get(id(value))
        if index is None:
            return None
        steps = self.reader.roots[index].chain.steps
        return None if any(s.method in _NOT_BUILDER for s in steps) else index

    def _continues(self, value: ast.expr, name: str) -> bool:
        """Whether ``value`` is ``name`` itself or builder calls on it (``query.eq(…)``)."""
        node = value
        while isinstance(node, ast.Call | ast.Attribute):
            if isinstance(node, ast.Attribute):
                if node.attr in _NOT_BUILDER:
                    return False
                node = node.value
            else:
                node = node.func
        return isinstance(node, ast.Name) and node.id == name

    def _track(
        self, scope: ast.AST, direct: list[ast.AST], name: str
    ) -> tuple[int, tuple[Call, ...]] | None:
        """The root a variable continues and the calls made on it later; None when any
        binding of it is something else (then nothing is guessed)."""
        if isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            args = scope.args
            every = (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg)
            if any(a is not None and a.arg == name for a in every):
                return None
        roots: list[int] = []
        targets: set[int] = set()
        for node in direct:
            value: ast.expr | None = None
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == name for t in node.targets
            ):
                value = node.value
                targets.update(id(t) for t in node.targets)
            elif (
                isinstance(node, ast.AnnAssign)
                and isinstance(node.target, ast.Name)
                and node.target.id == name
            ):
                targets.add(id(node.target))
                value = node.value
                if value is None:
                    continue
            else:
                continue
            index = self._root_index(value)
            if index is not None:
                roots.append(index)
            elif not self._continues(value, name):
                return None  # assigned something this reader cannot follow
        for node in direct:
            if id(node) not in targets and name in _bound_names(node):
                return None  # bound another way: a loop, `+=`, a def, an import, …
        keys = {self.reader.roots[i].key() for i in roots}
        if len(keys) != 1:
            return None
        steps: list[Call] = []
        for read in self._reads(scope, direct, name):
            steps += self._steps_from(read)
        first = min(roots, key=lambda i: self.reader.roots[i].chain.name.offsets[0])
        return first, tuple(steps)

    def _reads(self, scope: ast.AST, direct: list[ast.AST], name: str) -> list[ast.Name]:
        """Where ``name`` is read in ``scope`` and the scopes nested in it that do not
        bind it themselves, in source order (their parents remembered)."""
        found: list[ast.Name] = []
        pending: list[tuple[ast.AST, list[ast.AST] | None]] = [(scope, direct)]
        parents = self._parents
        while pending:
            current, nodes = pending.pop()
            for node in nodes if nodes is not None else _direct(current):
                if isinstance(node, ast.Name):
                    if node.id == name and isinstance(node.ctx, ast.Load):
                        found.append(node)
                    continue
                for child in ast.iter_child_nodes(node):
                    parents[id(child)] = node
                if (
                    isinstance(node, (*_SCOPES, *_COMPREHENSIONS))
                    and not isinstance(node, ast.ClassDef)  # its methods see no class names
                    and not _binds(node, name)
                ):
                    pending.append((node, None))
        found.sort(key=lambda n: (n.lineno, n.col_offset))
        return found

    def _steps_from(self, name: ast.Name) -> tuple[Call, ...]:
        links: list[ast.Call | ast.Attribute] = []
        node: ast.AST = name
        while True:
            parent = self._parents.get(id(node))
            if not isinstance(parent, ast.Attribute | ast.Call):
                break
            inner = parent.value if isinstance(parent, ast.Attribute) else parent.func
            if inner is not node:
                break
            links.append(parent)
            node = parent
        return self.reader.steps(links)[0]


# --- parso (the tolerant path) ---------------------------------------------------------


def _chains_parso(path: str, text: str) -> list[Chain]:
    module = parso.parse(text, error_recovery=True)  # type: ignore[no-untyped-call]
    reader = _Reader(_Source(path, text))
    chains: list[Chain] = []
    for node in _walk(module):
        if node.type in ("atom_expr", "power"):
            chains += reader.chains(node)
    return chains


def _walk(root: NodeOrLeaf) -> Iterator[BaseNode]:
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, BaseNode):
            yield node
            stack.extend(reversed(node.children))


def _is_attribute(node: NodeOrLeaf) -> bool:
    return node.type == "trailer" and _first(node) == "."


def _is_call(node: NodeOrLeaf) -> bool:
    return node.type == "trailer" and _first(node) == "("


def _first(node: NodeOrLeaf) -> str:
    children = getattr(node, "children", ())
    return getattr(children[0], "value", "") if children else ""


def _attribute_name(trailer: NodeOrLeaf) -> str:
    return str(getattr(trailer.children[1], "value", ""))  # type: ignore[attr-defined]


class _Reader:
    def __init__(self, source: _Source) -> None:
        self.source = source

    def chains(self, node: BaseNode) -> list[Chain]:
        children = node.children
        found: list[Chain] = []
        for i in range(1, len(children) - 1):
            trailer = children[i]
            if not (_is_attribute(trailer) and _is_call(children[i + 1])):
                continue
            kind = _ROOTS.get(_attribute_name(trailer))
            if kind is None:
                continue
            args, kwargs = self.arguments(children[i + 1])
            if not args or not isinstance(args[0], Literal):
                continue
            start = 1 if getattr(children[0], "value", None) == "await" else 0
            receiver_nodes = list(children[start:i])
            schema: Literal | None = None
            if (
                len(receiver_nodes) >= 3
                and _is_attribute(receiver_nodes[-2])
                and _attribute_name(receiver_nodes[-2]) == "schema"
                and _is_call(receiver_nodes[-1])
            ):
                schema_args, _ = self.arguments(receiver_nodes[-1])
                if schema_args and isinstance(schema_args[0], Literal):
                    schema = schema_args[0]
                    receiver_nodes = receiver_nodes[:-2]
            receiver = "".join(n.get_code(include_prefix=False) for n in receiver_nodes)
            steps = self.steps(children[i + 2 :])
            found.append(Chain(kind, args[0], receiver, schema, steps, args[1:], kwargs))
        return found

    def steps(self, trailers: list[NodeOrLeaf]) -> tuple[Call, ...]:
        steps: list[Call] = []
        j = 0
        while j < len(trailers) and _is_attribute(trailers[j]):
            name = _attribute_name(trailers[j])
            if j + 1 < len(trailers) and _is_call(trailers[j + 1]):
                args, kwargs = self.arguments(trailers[j + 1])
                steps.append(Call(camel_case(name), args, kwargs))
                j += 2
            elif name == "not_":  # a property negating the next filter
                j += 1
            else:
                break
        return tuple(steps)

    def arguments(self, trailer: NodeOrLeaf) -> tuple[tuple[Arg, ...], tuple[tuple[str, Arg], ...]]:
        inner = trailer.children[1:-1]  # type: ignore[attr-defined]
        if not inner:
            return (), ()
        items = inner[0].children if inner[0].type == "arglist" else inner
        args: list[Arg] = []
        kwargs: list[tuple[str, Arg]] = []
        for item in items:
            if getattr(item, "value", None) == ",":
                continue
            if item.type == "argument":
                first = item.children[0]
                if len(item.children) == 3 and getattr(item.children[1], "value", "") == "=":
                    kwargs.append((camel_case(first.value), self.arg(item.children[2])))
                # *args and **kwargs hide what they pass
                continue
            args.append(self.arg(item))
        return tuple(args), tuple(kwargs)

    def arg(self, node: NodeOrLeaf) -> Arg:
        if node.type == "atom" and isinstance(node, BaseNode):
            opening = _first(node)
            body = node.children[1:-1]
            if opening == "{":
                return self.dict(body[0] if body else None)
            if opening == "[":
                if not body:
                    return Arr(())
                if body[0].type == "testlist_comp":
                    parts = body[0].children
                    if any(p.type in ("comp_for", "sync_comp_for") for p in parts):
                        return None
                    return Arr(tuple(self.arg(p) for p in parts if getattr(p, "value", "") != ","))
                return Arr((self.arg(body[0]),))
            if opening == "(" and len(body) == 1:
                return self.arg(body[0])
        return self.literal(node)

    def dict(self, body: NodeOrLeaf | None) -> Arg:
        if body is None:
            return Obj(())
        if not isinstance(body, BaseNode) or body.type != "dictorsetmaker":
            return None  # a set
        parts = [p for p in body.children if getattr(p, "value", None) != ","]
        if any(p.type in ("comp_for", "sync_comp_for") for p in parts):
            return None
        entries: list[tuple[Literal, Arg]] = []
        complete = True
        i = 0
        while i < len(parts):
            if getattr(parts[i], "value", None) == "**":
                complete = False
                i += 2
                continue
            if i + 2 >= len(parts) or getattr(parts[i + 1], "value", None) != ":":
                return None
            key = self.literal(parts[i])
            if key is None:
                complete = False
            else:
                entries.append((key, self.arg(parts[i + 2])))
            i += 3
        return Obj(tuple(entries), complete)

    def literal(self, node: NodeOrLeaf) -> Literal | None:
        if node.type not in ("string", "strings"):
            return None
        line, column = node.start_pos
        end_line, end_column = node.end_pos
        source = self.source
        return source.string(source.offset(line, column), source.offset(end_line, end_column))


def _decode(raw: str, base: int) -> tuple[str, tuple[int, ...]] | None:
    """A Python string body's value, with the file offset of each character."""
    if "\\" not in raw:
        return raw, tuple(range(base, base + len(raw) + 1))
    out: list[str] = []
    offsets: list[int] = []
    i = 0
    while i < len(raw):
        c = raw[i]
        if c != "\\" or i + 1 >= len(raw):
            out.append(c)
            offsets.append(base + i)
            i += 1
            continue
        nxt = raw[i + 1]
        width = 2
        char: str | None
        if nxt == "\n":
            i += 2
            continue
        if nxt == "\r":
            i += 3 if raw[i + 2 : i + 3] == "\n" else 2
            continue
        if nxt in _SIMPLE_ESCAPES:
            char = _SIMPLE_ESCAPES[nxt]
        elif nxt in "01234567":
            digits = re.match(r"[0-7]{1,3}", raw[i + 1 : i + 4])
            assert digits is not None
            char, width = chr(int(digits[0], 8)), 1 + len(digits[0])
        elif nxt in _HEX_WIDTHS:
            digits_text = raw[i + 2 : i + 2 + _HEX_WIDTHS[nxt]]
            try:
                char = chr(int(digits_text, 16))
            except (ValueError, OverflowError):
                return None
            width = 2 + _HEX_WIDTHS[nxt]
        elif nxt == "N" and raw[i + 2 : i + 3] == "{":
            close = raw.find("}", i + 3)
            try:
                char = unicodedata.lookup(raw[i + 3 : close]) if close != -1 else None
            except KeyError:
                char = None
            if char is None:
                return None
            width = close + 1 - i
        else:  # an unknown escape keeps its backslash
            out.append("\\")
            offsets.append(base + i)
            i += 1
            continue
        out.append(char)
        offsets.append(base + i)
        i += width
    offsets.append(base + len(raw))
    return "".join(out), tuple(offsets)
