"""supabase-py query chains in Python files.

Finds ``X.table(<literal>)``, ``X.from_(<literal>)`` and ``X.rpc(<literal>)``
calls, with an optional ``.schema(<literal>)`` before them, and the calls
chained after them, reduced to the same
:class:`~pgdrift.checks.app_refs_syntax.Chain` values as supabase-js code:
method and keyword names in supabase-js spelling (``contained_by`` →
``containedBy``, ``on_conflict`` → ``onConflict``), ``.not_`` skipped.
Only plain and raw string literals (and their implicit concatenation) are
read; f-strings, bytes and everything else are opaque.

Files are parsed with the stdlib :mod:`ast`, several times faster than
parso; a file with a syntax error (one being typed) is parsed with parso,
which recovers, so its other queries are still checked.
"""

from __future__ import annotations

import ast
import re
import unicodedata
from collections.abc import Iterator

import parso
from parso.tree import BaseNode, NodeOrLeaf
from parso.utils import split_lines

from pgdrift.checks.app_refs_syntax import (
    Arg,
    Arr,
    Call,
    Chain,
    Literal,
    Obj,
    TextIndex,
    camel_case,
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
    """Every ``.table``/``.from_``/``.rpc`` chain in one Python file, in source order."""
    if not QUERY_HINT.search(text):
        return []
    try:
        chains = _chains_ast(path, text)
    except (SyntaxError, ValueError, RecursionError):
        chains = _chains_parso(path, text)
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


def _chains_ast(path: str, text: str) -> list[Chain]:
    tree = ast.parse(text)
    reader = _AstReader(_Source(path, text))
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Call | ast.Attribute):
            stack += reader.chain(node)
        else:
            stack.extend(ast.iter_child_nodes(node))
    return reader.chains


class _AstReader:
    def __init__(self, source: _Source) -> None:
        self.source = source
        self.chains: list[Chain] = []

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
            self.chains.append(
                Chain(
                    kind,
                    name,
                    ast.unparse(receiver_node),
                    schema,
                    self.steps(links[i + 2 :]),
                    args[1:],
                    kwargs,
                )
            )
        return rest

    def steps(self, links: list[ast.Call | ast.Attribute]) -> tuple[Call, ...]:
        steps: list[Call] = []
        j = 0
        while j < len(links):
            link = links[j]
            if not isinstance(link, ast.Attribute):
                break
            following = links[j + 1] if j + 1 < len(links) else None
            if isinstance(following, ast.Call):
                args, kwargs = self.arguments(following)
                steps.append(Call(camel_case(link.attr), args, kwargs))
                j += 2
            elif link.attr == "not_":  # a property negating the next filter
                j += 1
            else:
                break
        return tuple(steps)

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
