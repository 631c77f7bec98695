"""supabase-js query chains in TypeScript and JavaScript files (tree-sitter).

Finds every ``X.from(<literal>)`` and ``X.rpc(<literal>)`` call, with an
optional ``.schema(<literal>)`` before it, and the method calls chained after
it, reduced to :class:`~pgdrift.checks.app_refs_syntax.Chain` values. Only
string literals, plain template literals and their ``+`` concatenations are
read; anything computed at run time is opaque.

Two things are read from the rest of the file:

* what the receiver ``X`` is (:attr:`Chain.client`), from its bindings in the
  file: made by a Supabase factory, typed ``SupabaseClient``, imported from a
  module whose name says Supabase; or made by (typed as, imported from)
  another database library (knex, kysely, drizzle, pg, …). Deciding whether a
  chain of an unknown receiver is a Supabase query is the caller's business;
* calls made later on a variable holding the query builder (``let query =
  supabase.from('t').select(…)``, then ``query = query.eq(…)`` and
  ``query.order(…)``), appended to the chain's steps when every assignment to
  that variable in its scope is a query of the same table or a call on the
  variable itself.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cache

from tree_sitter import Node, Query, QueryCursor, Tree

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
    combine_kinds,
    identity_literal,
)
from pgdrift.checks.imports_ts import SOURCE_SUFFIXES, _parser, _text, is_tsx, parse_tree

__all__ = ["QUERY_HINT", "SOURCE_SUFFIXES", "chains_in_ts"]

QUERY_HINT = re.compile(r"\.\s*(?:from|rpc)\s*\(")

_ROOTS = """
(call_expression
  function: (member_expression
    property: (property_identifier) @method (#match? @method "^(from|rpc)$"))) @call
"""

#: Wrappers that leave the value alone: ``x!``, ``x as T``, ``(x)``, ``x satisfies T``.
_TRANSPARENT = frozenset(
    {"non_null_expression", "as_expression", "satisfies_expression", "parenthesized_expression"}
)

_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v"}


@cache
def _roots_query(tsx: bool) -> Query:
    return Query(_parser(tsx).language, _ROOTS)  # type: ignore[arg-type]


def chains_in_ts(path: str, text: str, tree: Tree | None = None) -> list[Chain]:
    """Every ``.from``/``.rpc`` chain in one TS/TSX/JS file, in source order
    (``tree``: the file's parse, when the caller has it)."""
    if not QUERY_HINT.search(text):
        return []
    tsx = is_tsx(path)
    if tree is None:
        tree = parse_tree(path, text)
    reader = _Reader(path, TextIndex(text))
    roots: list[_Root] = []
    for call in QueryCursor(_roots_query(tsx)).captures(tree.root_node).get("call", []):
        root = reader.root(call)
        if root is not None:
            roots.append(root)
    if not roots:
        return []
    bindings = _Bindings(tree.root_node, tsx)
    later = _Builders(reader, roots, tree.root_node, tsx).later_steps()
    chains = []
    for i, root in enumerate(roots):
        chains.append(
            Chain(
                root.kind,
                root.name,
                _text(root.receiver),
                root.schema,
                root.steps + later.get(i, ()),
                root.args,
                client=bindings.receiver_kind(root.receiver),
            )
        )
    chains.sort(key=lambda c: c.name.offsets[0])
    return chains


@dataclass(frozen=True, slots=True, eq=False)
class _Root:
    """A ``.from``/``.rpc`` call as read, with the nodes the file's other readers need."""

    kind: str
    name: Literal
    receiver: Node
    schema: Literal | None
    steps: tuple[Call, ...]
    args: tuple[Arg, ...]
    #: The whole chain's expression: the outermost call after the root.
    top: Node

    def key(self) -> tuple[str, str, str | None, str]:
        """What two roots must share to build the same query."""
        schema = self.schema.value if self.schema is not None else None
        return (self.kind, self.name.value, schema, _text(self.receiver))


class _Reader:
    def __init__(self, path: str, index: TextIndex) -> None:
        self.path = path
        self.index = index

    def root(self, call: Node) -> _Root | None:
        function = call.child_by_field_name("function")
        if function is None:
            return None
        receiver = function.child_by_field_name("object")
        method = function.child_by_field_name("property")
        args = _arguments(call)
        if receiver is None or method is None or not args:
            return None
        name = self.literal(args[0])
        if name is None:
            return None
        schema: Literal | None = None
        schema_call = _unwrap(receiver)
        if schema_call.type == "call_expression":
            inner = schema_call.child_by_field_name("function")
            inner_args = _arguments(schema_call)
            if (
                inner is not None
                and inner.type == "member_expression"
                and _property(inner) == "schema"
                and inner_args
            ):
                schema = self.literal(inner_args[0])
                object_ = inner.child_by_field_name("object")
                if schema is not None and object_ is not None:
                    receiver = object_
        kind = _text(method)
        rest = tuple(self.arg(a) for a in args[1:])
        steps, top = self.steps(call)
        return _Root(kind, name, receiver, schema, tuple(steps), rest, top)

    def steps(self, start: Node) -> tuple[list[Call], Node]:
        """The calls chained after ``start`` (``.select(…).eq(…)``), and the last one."""
        steps: list[Call] = []
        node = top = start
        while True:
            parent = node.parent
            if parent is not None and parent.type in _TRANSPARENT:
                node = parent
                continue
            if parent is None or parent.type != "member_expression":
                return steps, top
            object_ = parent.child_by_field_name("object")
            if object_ is None or object_.id != node.id:
                return steps, top
            outer = parent.parent
            function = outer.child_by_field_name("function") if outer is not None else None
            if outer is None or outer.type != "call_expression" or function is None:
                return steps, top
            if function.id != parent.id:
                return steps, top
            steps.append(Call(_property(parent), tuple(self.arg(a) for a in _arguments(outer))))
            node = top = outer

    def arg(self, node: Node) -> Arg:
        node = _unwrap(node)
        if node.type == "object":
            return self.obj(node)
        if node.type == "array":
            return Arr(tuple(self.arg(c) for c in node.named_children if c.type != "comment"))
        return self.literal(node)

    def obj(self, node: Node) -> Obj:
        entries: list[tuple[Literal, Arg]] = []
        complete = True
        for child in node.named_children:
            if child.type == "pair":
                key_node = child.child_by_field_name("key")
                value = child.child_by_field_name("value")
                key = self.key(key_node) if key_node is not None else None
                if key is None:
                    complete = False
                    continue
                entries.append((key, self.arg(value) if value is not None else None))
            elif child.type == "shorthand_property_identifier":
                entries.append((self.identifier(child), None))
            elif child.type in ("spread_element", "method_definition"):
                complete = False
        return Obj(tuple(entries), complete)

    def key(self, node: Node) -> Literal | None:
        if node.type in ("property_identifier", "number"):
            return self.identifier(node)
        if node.type == "computed_property_name":
            inner = [c for c in node.named_children if c.type != "comment"]
            return self.literal(inner[0]) if len(inner) == 1 else None
        return self.literal(node)

    def identifier(self, node: Node) -> Literal:
        start = self.index.char_of_byte(node.start_byte)
        return identity_literal(_text(node), self.path, start, self.index)

    def literal(self, node: Node) -> Literal | None:
        """A string, a template without substitutions, or a ``+`` of them; else None."""
        node = _unwrap(node)
        if node.type == "binary_expression":
            operator = node.child_by_field_name("operator")
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            if operator is None or _text(operator) != "+" or left is None or right is None:
                return None
            first, second = self.literal(left), self.literal(right)
            if first is None or second is None:
                return None
            return Literal(
                first.value + second.value,
                self.path,
                first.offsets[:-1] + second.offsets,
                self.index,
            )
        if node.type == "string":
            pass
        elif node.type == "template_string":
            if any(c.type == "template_substitution" for c in node.children):
                return None
        else:
            return None
        # The content sits between one-character delimiters.
        start = self.index.char_of_byte(node.start_byte) + 1
        end = self.index.char_of_byte(node.end_byte) - 1
        decoded = _decode(self.index.text[start:end], start)
        if decoded is None:
            return None
        value, offsets = decoded
        return Literal(value, self.path, offsets, self.index)


# --- what a receiver is ----------------------------------------------------------------

#: Packages whose objects are not Supabase clients, some with a ``from`` of their
#: own (``knex.from('users')``): receivers they make are never checked.
_OTHER_PACKAGES = frozenset(
    {
        "knex",
        "kysely",
        "objection",
        "bookshelf",
        "squel",
        "typeorm",
        "sequelize",
        "drizzle-orm",
        "pg",
        "pg-promise",
        "postgres",
        "slonik",
        "mysql",
        "mysql2",
        "sqlite",
        "sqlite3",
        "better-sqlite3",
        "zapatos",
        "mongodb",
        "mongoose",
        "dexie",
        "@prisma/client",
        "@vercel/postgres",
        "@neondatabase/serverless",
        "@planetscale/database",
        "@libsql/client",
        "@electric-sql/pglite",
    }
)
_OTHER_SCOPES = frozenset({"@mikro-orm", "@databases"})
#: Supabase packages whose clients query no tables.
_SUPABASE_NON_QUERY = ("@supabase/storage-js",)
#: Query builders with a ``from(name)`` of their own: in a file that imports one
#: and nothing from Supabase, a receiver the file does not bind is theirs.
_BUILDER_PACKAGES = frozenset({"knex", "objection", "bookshelf", "squel", "typeorm"})
_SUPABASE_FACTORY = re.compile(r"^create\w*Client$")
_FUNCTIONS = frozenset(
    {
        "function_declaration",
        "function_expression",
        "function",
        "generator_function_declaration",
        "generator_function",
        "arrow_function",
        "method_definition",
    }
)

_DECLARATIONS = """
(variable_declarator name: (_) @name) @decl
(required_parameter pattern: (identifier) @name) @param
(optional_parameter pattern: (identifier) @name) @param
(arrow_function parameter: (identifier) @name) @param
"""


@cache
def _declarations_query(tsx: bool) -> Query:
    return Query(_parser(tsx).language, _DECLARATIONS)  # type: ignore[arg-type]


def _package(specifier: str) -> str | None:
    """The npm package a specifier names (``drizzle-orm/pg-core`` → ``drizzle-orm``);
    None for relative paths and project aliases (``@/lib/db``, ``~/db``, ``#db``)."""
    spec = specifier
    for prefix in ("npm:", "jsr:", "node:"):
        if spec.startswith(prefix):
            spec = spec[len(prefix) :]
    if "://" in spec:  # https://esm.sh/knex@3: the path names the package
        spec = spec.split("://", 1)[1].partition("/")[2]
    if not spec or spec[0] in "./~#" or spec.startswith("@/"):
        return None
    parts = spec.split("/")
    name = "/".join(parts[:2]) if spec.startswith("@") and len(parts) > 1 else parts[0]
    return name if name.startswith("@") else name.split("@", 1)[0]


def _module_kind(specifier: str) -> str:
    lower = specifier.lower()
    if any(part in lower for part in _SUPABASE_NON_QUERY):
        return OTHER  # storage buckets have a `from` of their own
    if "supabase" in lower or "postgrest" in lower:
        return SUPABASE
    package = _package(specifier)
    if package is None:
        return UNKNOWN
    if package in _OTHER_PACKAGES or package.split("/")[0] in _OTHER_SCOPES:
        return OTHER
    return UNKNOWN


class _Bindings:
    """What each name of one file is bound to, as far as the file shows (computed on demand)."""

    def __init__(self, root: Node, tsx: bool) -> None:
        self.root = root
        self.tsx = tsx
        #: Local name → module specifier, from imports and ``require``.
        self.imports: dict[str, str] = {}
        for child in root.named_children:
            if child.type == "import_statement":
                self._import(child)
        self._declared: dict[str, list[Node]] | None = None
        self._kinds: dict[str, str] = {}
        self._builder_file: bool | None = None

    def _import(self, statement: Node) -> None:
        source = statement.child_by_field_name("source")
        if source is None:
            return
        specifier = _string_value(source)
        for clause in statement.named_children:
            if clause.type != "import_clause":
                continue
            for part in clause.named_children:
                if part.type == "identifier":
                    self.imports[_text(part)] = specifier
                elif part.type == "namespace_import":
                    for name in part.named_children:
                        if name.type == "identifier":
                            self.imports[_text(name)] = specifier
                elif part.type == "named_imports":
                    for spec in part.named_children:
                        if spec.type != "import_specifier":
                            continue
                        local = spec.child_by_field_name("alias") or spec.child_by_field_name(
                            "name"
                        )
                        if local is not None:
                            self.imports[_text(local)] = specifier

    def declared(self) -> dict[str, list[Node]]:
        """Name → its declarators and parameters (``require`` destructurings become imports)."""
        if self._declared is None:
            self._declared = {}
            cursor = QueryCursor(_declarations_query(self.tsx))
            for _, captures in cursor.matches(self.root):
                [name] = captures["name"]
                node = (captures.get("decl") or captures["param"])[0]
                if name.type == "identifier":
                    self._declared.setdefault(_text(name), []).append(node)
                    continue
                value = node.child_by_field_name("value")
                specifier = _required(value) if value is not None else None
                if specifier is not None and name.type == "object_pattern":
                    for part in name.named_children:
                        local = part
                        if part.type == "pair_pattern":
                            local = part.child_by_field_name("value") or part
                        if local.type in ("identifier", "shorthand_property_identifier_pattern"):
                            self.imports.setdefault(_text(local), specifier)
        return self._declared

    def name_kind(self, name: str) -> str:
        """What ``name`` is bound to across the file: one verdict, or unknown when its
        bindings disagree."""
        found = self._kinds.get(name)
        if found is not None:
            return found
        self._kinds[name] = UNKNOWN  # a binding defined through itself says nothing
        declared = self.declared()
        kinds = {self._declaration_kind(node) for node in declared.get(name, ())}
        if name in self.imports:
            kinds.add(_module_kind(self.imports[name]))
        result = combine_kinds(kinds)
        self._kinds[name] = result
        return result

    def _declaration_kind(self, node: Node) -> str:
        annotation = node.child_by_field_name("type")
        kind = UNKNOWN
        if node.type == "variable_declarator":
            value = node.child_by_field_name("value")
            if value is not None:
                kind = self.value_kind(value)
        if kind == UNKNOWN and annotation is not None:
            kind = self.type_kind(annotation)
        return kind

    def value_kind(self, node: Node) -> str:
        """What an expression evaluates to: a client a factory made, another library's object."""
        node = _unwrap_value(node)
        specifier = _required(node)
        if specifier is not None:
            return _module_kind(specifier)
        if node.type == "identifier":
            return self.name_kind(_text(node))
        if node.type in ("call_expression", "new_expression"):
            callee = node.child_by_field_name(
                "function" if node.type == "call_expression" else "constructor"
            )
            if callee is None:
                return UNKNOWN
            callee = _unwrap(callee)
            root = _root_identifier(callee)
            root_kind = self.name_kind(_text(root)) if root is not None else UNKNOWN
            if root_kind == OTHER:
                return OTHER
            last = _last_name(callee)
            if "supabase" in last.lower():
                return SUPABASE  # getSupabase(), useSupabaseClient()
            if root_kind == SUPABASE:
                # createClient(), new SupabaseClient(), sb.createClient(), client.schema('x')
                if callee.type == "identifier" or _SUPABASE_FACTORY.match(last) or last == "schema":
                    return SUPABASE
                if node.type == "new_expression":
                    return SUPABASE
            return UNKNOWN
        if node.type == "member_expression":
            root = _root_identifier(node)
            if root is not None and self.name_kind(_text(root)) == OTHER:
                return OTHER
            return SUPABASE if "supabase" in _last_name(node).lower() else UNKNOWN
        return UNKNOWN

    def type_kind(self, annotation: Node) -> str:
        """What a ``: Type`` annotation says: ``SupabaseClient<…>``, ``Knex``, …"""
        named = [c for c in annotation.named_children if c.type != "comment"]
        if len(named) != 1:
            return UNKNOWN
        type_ = named[0]
        if type_.type == "generic_type":
            type_ = type_.child_by_field_name("name") or type_
        if type_.type not in ("type_identifier", "nested_type_identifier"):
            return UNKNOWN
        text = _text(type_)
        if "supabaseclient" in text.lower().replace(".", ""):
            return SUPABASE
        head = text.split(".", 1)[0]
        if head in self.imports:
            return _module_kind(self.imports[head])
        return UNKNOWN

    def builder_file(self) -> bool:
        """Whether the file imports a query builder of another library and nothing of
        Supabase: then receivers it does not bind are that library's."""
        if self._builder_file is None:
            self.declared()  # require() destructurings are imports too
            kinds = {_module_kind(s) for s in self.imports.values()}
            builders = {_package(s) for s in self.imports.values()} & _BUILDER_PACKAGES
            self._builder_file = bool(builders) and SUPABASE not in kinds
        return self._builder_file

    def receiver_kind(self, receiver: Node) -> str:
        """What a chain's receiver is: a Supabase client, another library's object, or
        unknown (the caller decides by the calls made on it)."""
        node = _unwrap(receiver)
        root = _root_identifier(node)
        if root is None:
            return UNKNOWN
        name = _text(root)
        kind = self.name_kind(name)
        if kind == OTHER:
            return OTHER
        if kind == SUPABASE:
            # supabase.storage, supabase.auth: only the client itself queries tables
            return SUPABASE if node.type == "identifier" else UNKNOWN
        if (
            name not in self.imports  # an imported object may well be a Supabase client
            and "supabase" not in _text(receiver).lower()
            and self.builder_file()
        ):
            return OTHER
        return UNKNOWN


def _unwrap_value(node: Node) -> Node:
    """``await x``, ``x as T``, ``(x)``: ``x``."""
    while True:
        node = _unwrap(node)
        if node.type != "await_expression":
            return node
        inner = [c for c in node.named_children if c.type != "comment"]
        if not inner:
            return node
        node = inner[0]


def _required(node: Node) -> str | None:
    """The module of ``require('m')`` or ``import('m')``; else None."""
    node = _unwrap_value(node)
    if node.type != "call_expression":
        return None
    function = node.child_by_field_name("function")
    if function is None or not (
        function.type == "import"
        or (function.type == "identifier" and _text(function) == "require")
    ):
        return None
    args = _arguments(node)
    if len(args) != 1 or args[0].type != "string":
        return None
    return _string_value(args[0])


def _string_value(node: Node) -> str:
    return "".join(_text(c) for c in node.named_children if c.type == "string_fragment")


def _root_identifier(node: Node) -> Node | None:
    """The identifier an expression starts from: ``db`` in ``db.schema('x').from``."""
    for _ in range(64):
        node = _unwrap(node)
        if node.type == "identifier":
            return node
        if node.type in ("member_expression", "subscript_expression"):
            inner = node.child_by_field_name("object")
        elif node.type == "call_expression":
            inner = node.child_by_field_name("function")
        else:
            return None
        if inner is None:
            return None
        node = inner
    return None


def _last_name(node: Node) -> str:
    """The name an expression ends with: ``createClient`` in ``sb.createClient``."""
    node = _unwrap(node)
    if node.type == "identifier":
        return _text(node)
    if node.type == "member_expression":
        return _property(node)
    return ""


# --- query builders kept in variables ---------------------------------------------------

#: Calls after which a chain is a promise, not a query builder.
_NOT_BUILDER = frozenset({"then", "catch", "finally"})
_SCOPES = frozenset({"statement_block", "program", "switch_case", "switch_default", "class_body"})
#: Where an identifier is bound or written rather than read.
_PATTERNS = frozenset(
    {
        "array_pattern",
        "object_pattern",
        "pair_pattern",
        "assignment_pattern",
        "object_assignment_pattern",
        "rest_pattern",
        "augmented_assignment_expression",
        "update_expression",
        "catch_clause",
        "formal_parameters",
        "required_parameter",
        "optional_parameter",
        "import_specifier",
        "import_clause",
        "namespace_import",
    }
)

_NAMES = """
[(identifier) (shorthand_property_identifier_pattern)] @name
"""


@cache
def _names_query(tsx: bool) -> Query:
    return Query(_parser(tsx).language, _NAMES)  # type: ignore[arg-type]


class _Builders:
    """Calls made on variables that hold a query builder, per root they continue."""

    def __init__(self, reader: _Reader, roots: list[_Root], program: Node, tsx: bool) -> None:
        self.reader = reader
        self.roots = roots
        self.program = program
        self.tsx = tsx
        self.by_top = {root.top.id: i for i, root in enumerate(roots)}
        self._names: dict[str, list[Node]] | None = None
        self._starts: dict[str, list[int]] = {}

    def later_steps(self) -> dict[int, tuple[Call, ...]]:
        declarators: dict[int, Node] = {}
        for root in self.roots:
            declarator = self._holder(root.top)
            if declarator is not None:
                declarators.setdefault(declarator.id, declarator)
        later: dict[int, tuple[Call, ...]] = {}
        for declarator in declarators.values():
            found = self._track(declarator)
            if found is not None:
                index, steps = found
                later[index] = later.get(index, ()) + steps
        return later

    def _holder(self, top: Node) -> Node | None:
        """The declarator of the variable a chain is stored in, if it is."""
        node = top
        while node.parent is not None and node.parent.type in _TRANSPARENT:
            node = node.parent
        parent = node.parent
        if parent is None:
            return None
        if parent.type == "variable_declarator":
            name = parent.child_by_field_name("name")
            value = parent.child_by_field_name("value")
            if name is not None and name.type == "identifier" and value is not None:
                return parent if value.id == node.id else None
            return None
        if parent.type == "assignment_expression":
            left = parent.child_by_field_name("left")
            right = parent.child_by_field_name("right")
            if left is not None and left.type == "identifier" and right is not None:
                return _declaration_of(_text(left), parent) if right.id == node.id else None
        return None

    def names(self, name: str, scope: Node) -> list[Node]:
        """The identifiers spelt ``name`` inside ``scope``, in source order."""
        if self._names is None:
            self._names = {}
            captures = QueryCursor(_names_query(self.tsx)).captures(self.program)
            for node in captures.get("name", []):
                self._names.setdefault(_text(node), []).append(node)
            for found in self._names.values():
                found.sort(key=lambda n: n.start_byte)
            self._starts = {k: [n.start_byte for n in v] for k, v in self._names.items()}
        found = self._names.get(name, [])
        starts = self._starts.get(name, [])
        low = bisect.bisect_left(starts, scope.start_byte)
        high = bisect.bisect_left(starts, scope.end_byte)
        return found[low:high]

    def _root_index(self, value: Node) -> int | None:
        """The root whose chain ``value`` is, when it is a query builder."""
        index = self.by_top.get(_unwrap(value).id)
        if index is None:
            return None
        if any(step.method in _NOT_BUILDER for step in self.roots[index].steps):
            return None
        return index

    def _continues(self, value: Node, name: str) -> bool:
        """Whether ``value`` is ``name`` itself or builder calls on it (``query.eq(…)``)."""
        node = _unwrap(value)
        while node.type == "call_expression":
            function = node.child_by_field_name("function")
            function = _unwrap(function) if function is not None else None
            if function is None or function.type != "member_expression":
                return False
            if _property(function) in _NOT_BUILDER:
                return False
            object_ = function.child_by_field_name("object")
            if object_ is None:
                return False
            node = _unwrap(object_)
        return node.type == "identifier" and _text(node) == name

    def _track(self, declarator: Node) -> tuple[int, tuple[Call, ...]] | None:
        """The root a variable continues and the calls made on it later; None when any
        assignment to it is something else (then nothing is guessed)."""
        name_node = declarator.child_by_field_name("name")
        if name_node is None:
            return None
        name = _text(name_node)
        scope = _scope_of(declarator)
        roots: list[int] = []
        value = declarator.child_by_field_name("value")
        if value is not None:
            index = self._root_index(value)
            if index is None:
                return None
            roots.append(index)
        reads: list[Node] = []
        for node in self.names(name, scope):
            if node.id == name_node.id:
                continue
            if node.type != "identifier":
                return None  # a destructuring binds it
            parent = node.parent
            if parent is None:
                continue
            if parent.type == "assignment_expression":
                left = parent.child_by_field_name("left")
                right = parent.child_by_field_name("right")
                if left is not None and left.id == node.id:
                    if right is None:
                        return None
                    index = self._root_index(right)
                    if index is not None:
                        roots.append(index)
                    elif not self._continues(right, name):
                        return None  # assigned something this reader cannot follow
                    continue
            elif parent.type in _PATTERNS or _binds(parent, node):
                return None  # declared again, a parameter, a destructuring, `+=`, …
            reads.append(node)
        if not roots or len({self.roots[i].key() for i in roots}) != 1:
            return None
        steps: list[Call] = []
        for read in reads:
            steps += self.reader.steps(read)[0]
        first = min(roots, key=lambda i: self.roots[i].name.offsets[0])
        return first, tuple(steps)


def _binds(parent: Node, node: Node) -> bool:
    """Whether ``node`` is a name ``parent`` declares (a variable, a loop variable)."""
    fields = _BINDING_FIELDS.get(parent.type, ())
    return any(
        (bound := parent.child_by_field_name(field)) is not None and bound.id == node.id
        for field in fields
    )


_BINDING_FIELDS = {
    "variable_declarator": ("name",),
    "for_in_statement": ("left",),
    **{function: ("name", "parameter") for function in _FUNCTIONS},
}


def _scope_of(declarator: Node) -> Node:
    """Where a declared variable is visible: its block, or its function for ``var``."""
    statement = declarator.parent
    if statement is None:
        return declarator
    if statement.type == "variable_declaration":  # var: the enclosing function
        node: Node | None = statement
        while node is not None and node.type not in _FUNCTIONS and node.type != "program":
            node = node.parent
        return node or statement
    scope = statement.parent or statement
    if scope.type == "export_statement":
        scope = scope.parent or scope
    return scope


def _declaration_of(name: str, at: Node) -> Node | None:
    """The declarator of the ``let``/``const``/``var`` ``name`` visible at ``at``; None
    for parameters and names declared nowhere this reader looks."""
    node = at.parent
    while node is not None:
        if node.type in _FUNCTIONS:
            parameters = node.child_by_field_name("parameters") or node.child_by_field_name(
                "parameter"
            )
            if parameters is not None and _names_in(parameters, name):
                return None  # a parameter: not followed
        if node.type in _SCOPES or node.type == "for_statement":
            for child in node.named_children:
                statement = child
                if statement.type == "export_statement":
                    statement = statement.child_by_field_name("declaration") or statement
                if statement.type not in ("lexical_declaration", "variable_declaration"):
                    continue
                for declarator in statement.named_children:
                    if declarator.type != "variable_declarator":
                        continue
                    bound = declarator.child_by_field_name("name")
                    if bound is not None and bound.type == "identifier" and _text(bound) == name:
                        return declarator
        node = node.parent
    return None


def _names_in(node: Node, name: str) -> bool:
    """Whether ``name`` is an identifier anywhere in ``node`` (a parameter list)."""
    if node.type in ("identifier", "shorthand_property_identifier_pattern"):
        return _text(node) == name
    return any(_names_in(child, name) for child in node.named_children)


def _decode(raw: str, base: int) -> tuple[str, tuple[int, ...]] | None:
    """A JS string body's value, with the file offset of each character."""
    if "\\" not in raw:
        return raw, tuple(range(base, base + len(raw) + 1))
    out: list[str] = []
    offsets: list[int] = []
    i = 0
    while i < len(raw):
        c = raw[i]
        if c != "\\":
            out.append(c)
            offsets.append(base + i)
            i += 1
            continue
        nxt = raw[i + 1 : i + 2]
        width = 2
        if nxt in ("\n", "\u2028", "\u2029"):  # a line continuation adds nothing
            i += 2
            continue
        if nxt == "\r":
            i += 3 if raw[i + 2 : i + 3] == "\n" else 2
            continue
        if nxt == "x":
            char, width = _hex(raw[i + 2 : i + 4], 4)
        elif nxt == "u" and raw[i + 2 : i + 3] == "{":
            close = raw.find("}", i + 3)
            if close == -1:
                return None
            char, _ = _hex(raw[i + 3 : close], 0)
            width = close + 1 - i
        elif nxt == "u":
            char, width = _hex(raw[i + 2 : i + 6], 6)
        elif nxt == "0" and not raw[i + 2 : i + 3].isdigit():
            char = "\0"
        else:
            char = _SIMPLE_ESCAPES.get(nxt, nxt)
        if char is None:
            return None
        out.append(char)
        offsets.append(base + i)
        i += width
    offsets.append(base + len(raw))
    return "".join(out), tuple(offsets)


def _hex(digits: str, width: int) -> tuple[str | None, int]:
    try:
        return chr(int(digits, 16)), width
    except (ValueError, OverflowError):
        return None, width


def _unwrap(node: Node) -> Node:
    while node.type in _TRANSPARENT:
        inner = [c for c in node.named_children if c.type != "comment"]
        if not inner:
            break
        node = inner[0]
    return node


def _arguments(call: Node) -> list[Node]:
    arguments = call.child_by_field_name("arguments")
    if arguments is None or arguments.type != "arguments":
        return []
    return [c for c in arguments.named_children if c.type != "comment"]


def _property(member: Node) -> str:
    prop = member.child_by_field_name("property")
    return _text(prop) if prop is not None else ""
