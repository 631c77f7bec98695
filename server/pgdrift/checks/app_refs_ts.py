"""supabase-js query chains in TypeScript and JavaScript files (tree-sitter).

Finds every ``X.from(<literal>)`` and ``X.rpc(<literal>)`` call, with an
optional ``.schema(<literal>)`` before it, and the method calls chained after
it, reduced to :class:`~pgdrift.checks.app_refs_syntax.Chain` values. Only
string literals, plain template literals and their ``+`` concatenations are
read; anything computed at run time is opaque. Deciding whether a chain is a
Supabase query is the caller's business.
"""

from __future__ import annotations

import re
from functools import cache

from tree_sitter import Node, Query, QueryCursor, Tree

from pgdrift.checks.app_refs_syntax import (
    Arg,
    Arr,
    Call,
    Chain,
    Literal,
    Obj,
    TextIndex,
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
    chains = []
    for call in QueryCursor(_roots_query(tsx)).captures(tree.root_node).get("call", []):
        chain = reader.chain(call)
        if chain is not None:
            chains.append(chain)
    chains.sort(key=lambda c: c.name.offsets[0])
    return chains


class _Reader:
    def __init__(self, path: str, index: TextIndex) -> None:
        self.path = path
        self.index = index

    def chain(self, call: Node) -> Chain | None:
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
        return Chain(kind, name, _text(receiver), schema, tuple(self.steps(call)), rest)

    def steps(self, call: Node) -> list[Call]:
        """The calls chained after ``call``: ``.select(…).eq(…)``."""
        steps: list[Call] = []
        node = call
        while True:
            parent = node.parent
            if parent is not None and parent.type in _TRANSPARENT:
                node = parent
                continue
            if parent is None or parent.type != "member_expression":
                return steps
            object_ = parent.child_by_field_name("object")
            if object_ is None or object_.id != node.id:
                return steps
            outer = parent.parent
            function = outer.child_by_field_name("function") if outer is not None else None
            if outer is None or outer.type != "call_expression" or function is None:
                return steps
            if function.id != parent.id:
                return steps
            steps.append(Call(_property(parent), tuple(self.arg(a) for a in _arguments(outer))))
            node = outer

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
