"""What the app-references checks read: query chains, and PostgREST's mini-languages.

The TypeScript and Python front ends (:mod:`app_refs_ts`, :mod:`app_refs_py`)
reduce supabase-js and supabase-py calls to the same neutral :class:`Chain`
of :class:`Call` steps whose arguments are string :class:`Literal` values,
object and array literals, or opaque. Every literal remembers where each of
its characters came from, so a name inside a multi-line template or a string
with escapes still gets its exact range.

The parsers here follow PostgREST's grammars for the ``select`` parameter
(embeds, aliases, hints, spreads, casts, JSON paths, aggregates), filter
columns (``rel.col->>key``), logic trees (``a.eq.1,or(b.is.null,c.gt.2)``)
and column lists (``on_conflict``). They return None for anything they do
not understand: a check must never guess.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from itertools import accumulate

from pgdrift.model import Span

# --- positions -------------------------------------------------------------------------


class TextIndex:
    """Turns byte or character offsets of one file into (line, character column).

    The tables are built on first use: most files have no finding, and a
    position is only needed for one.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._line_starts: list[int] | None = None
        # Byte offsets equal character offsets in ASCII files, the common case.
        self._byte_starts: list[int] | None = None
        self._ascii: bool | None = None

    def char_of_byte(self, byte: int) -> int:
        if self._ascii is None:
            self._ascii = self.text.isascii()
            if not self._ascii:
                widths = (len(c.encode("utf-8", errors="surrogatepass")) for c in self.text)
                self._byte_starts = list(accumulate(widths, initial=0))
        if self._byte_starts is None:
            return byte
        return bisect.bisect_left(self._byte_starts, byte)

    def position(self, char: int) -> tuple[int, int]:
        starts = self._line_starts
        if starts is None:
            starts = self._line_starts = [0]
            find, i = self.text.find, self.text.find("\n")
            while i != -1:
                starts.append(i + 1)
                i = find("\n", i + 1)
        line = bisect.bisect_right(starts, char) - 1
        return line, char - starts[line]


@dataclass(frozen=True, slots=True, eq=False)
class Literal:
    """A string literal's value, and where each character of it is in the file.

    ``offsets[i]`` is the file character offset where ``value[i]`` starts
    (an escape sequence counts as one character); ``offsets[len(value)]``
    is the end of the literal's content.
    """

    value: str
    path: str
    offsets: tuple[int, ...]
    index: TextIndex

    def span(self, start: int = 0, end: int | None = None) -> Span:
        """The file range of ``value[start:end]``."""
        stop = len(self.value) if end is None else end
        sl, sc = self.index.position(self.offsets[start])
        el, ec = self.index.position(self.offsets[stop])
        return Span(self.path, sl, sc, el, ec)


def identity_literal(value: str, path: str, start: int, index: TextIndex) -> Literal:
    """A literal whose characters map one to one onto the file (an identifier, a raw string)."""
    return Literal(value, path, tuple(range(start, start + len(value) + 1)), index)


# --- neutral call chains ---------------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)
class Obj:
    """An object or dict literal: the entries with literal keys, in order."""

    entries: tuple[tuple[Literal, Arg], ...]
    #: False when a spread or computed key may add keys nobody can see.
    complete: bool = True

    def get(self, *names: str) -> Arg:
        for key, value in self.entries:
            if key.value in names:
                return value
        return None


@dataclass(frozen=True, slots=True, eq=False)
class Arr:
    items: tuple[Arg, ...]


#: A call argument: a string literal, an object or array literal, or opaque (None).
Arg = Literal | Obj | Arr | None


@dataclass(frozen=True, slots=True, eq=False)
class Call:
    """One method call in a chain, its name in supabase-js spelling (``containedBy``)."""

    method: str
    args: tuple[Arg, ...] = ()
    #: Python keyword arguments, names in camelCase (``onConflict``).
    kwargs: tuple[tuple[str, Arg], ...] = ()

    def arg(self, position: int, *keywords: str) -> Arg:
        if position < len(self.args):
            return self.args[position]
        for name, value in self.kwargs:
            if name in keywords:
                return value
        return None


@dataclass(frozen=True, slots=True, eq=False)
class Chain:
    """``receiver[.schema('s')].from('t').select(...).eq(...)`` or ``receiver.rpc('f', …)…``."""

    #: "from" (``.from``, ``.table``, ``.from_``) or "rpc".
    kind: str
    #: The table or function name.
    name: Literal
    #: The receiver's source text, without the ``.schema(…)`` call.
    receiver: str
    #: The schema from ``.schema('s')``; None when not given.
    schema: Literal | None
    #: The calls after the ``.from``/``.rpc`` call, in order, then those made
    #: later on a variable holding the query builder (``query = query.eq(…)``);
    #: the rpc call's own arguments are in ``args``.
    steps: tuple[Call, ...]
    args: tuple[Arg, ...] = ()
    kwargs: tuple[tuple[str, Arg], ...] = ()
    #: What the file shows the receiver to be: :data:`SUPABASE` (made by a
    #: Supabase client factory, typed as a Supabase client, imported from a
    #: Supabase module), :data:`OTHER` (another library's object: knex,
    #: PySpark, …), or :data:`UNKNOWN`.
    client: str = ""


#: :attr:`Chain.client` values.
SUPABASE = "supabase"
OTHER = "other"
UNKNOWN = ""


def combine_kinds(kinds: set[str]) -> str:
    """One receiver kind from the kinds of everything it may be bound to."""
    if kinds == {OTHER}:
        return OTHER
    if SUPABASE in kinds and OTHER not in kinds:
        return SUPABASE
    return UNKNOWN


def camel_case(name: str) -> str:
    """supabase-py's ``contained_by``/``in_``/``from_`` in supabase-js spelling."""
    head, *rest = name.rstrip("_").split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


# --- PostgREST grammar: names ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Name:
    """A name inside a literal: its text, and its range in the literal's value."""

    text: str
    start: int
    end: int


class _Syntax(Exception):
    """The string is not in the grammar: its caller gives up on it."""


class _Cursor:
    """A position in a PostgREST string, skipping whitespace where the client strips it."""

    def __init__(self, text: str, skip_spaces: bool) -> None:
        self.text = text
        self.pos = 0
        self.skip_spaces = skip_spaces

    def skip(self) -> None:
        if self.skip_spaces:
            while self.pos < len(self.text) and self.text[self.pos].isspace():
                self.pos += 1

    def peek(self, token: str) -> bool:
        self.skip()
        return self.text.startswith(token, self.pos)

    def eat(self, token: str) -> bool:
        if self.peek(token):
            self.pos += len(token)
            return True
        return False

    def expect(self, token: str) -> None:
        if not self.eat(token):
            raise _Syntax(token)

    def at_end(self) -> bool:
        self.skip()
        return self.pos >= len(self.text)

    def name(self) -> Name:
        """A bare name (letters, digits, ``_``, ``$``, ``-`` not before ``>``) or a quoted one."""
        self.skip()
        text, start = self.text, self.pos
        if text.startswith('"', start):
            end = text.find('"', start + 1)
            if end == -1:
                raise _Syntax("unterminated quote")
            self.pos = end + 1
            return Name(text[start + 1 : end], start + 1, end)
        end = start
        while end < len(text):
            c = text[end]
            if c.isalnum() or c in "_$" or (c == "-" and not text.startswith("->", end)):
                end += 1
            else:
                break
        if end == start:
            raise _Syntax("name expected")
        self.pos = end
        return Name(text[start:end], start, end)


# --- select ----------------------------------------------------------------------------

AGGREGATES = frozenset({"avg", "count", "max", "min", "sum"})
JOIN_TYPES = frozenset({"inner", "left", "right", "full"})


@dataclass(frozen=True, slots=True)
class Field:
    """A column (or computed field) in a select list; JSON paths and casts dropped."""

    name: Name
    alias: Name | None = None


@dataclass(frozen=True, slots=True)
class Embed:
    """``alias:rel!hint!inner(items)`` or ``...rel(items)``."""

    name: Name
    alias: Name | None
    hints: tuple[Name, ...]
    items: tuple[Field | Embed, ...]
    spread: bool = False

    @property
    def key(self) -> str:
        """What filters and ``referencedTable`` call this embed."""
        return (self.alias or self.name).text


def parse_select(text: str) -> tuple[Field | Embed, ...] | None:
    """The fields and embeds of a ``select`` string; None when it is not valid."""
    # supabase-js and supabase-py strip whitespace outside quotes before sending.
    cursor = _Cursor(text, skip_spaces=True)
    try:
        items = _select_items(cursor, top=True)
        if not cursor.at_end():
            raise _Syntax("trailing text")
    except _Syntax:
        return None
    return items


def _select_items(cursor: _Cursor, top: bool) -> tuple[Field | Embed, ...]:
    items: list[Field | Embed] = []
    if cursor.at_end() or (not top and cursor.peek(")")):
        return ()
    while True:
        item = _select_item(cursor)
        if item is not None:
            items.append(item)
        if not cursor.eat(","):
            return tuple(items)


def _select_item(cursor: _Cursor) -> Field | Embed | None:
    if cursor.eat("*"):
        return None
    spread = cursor.eat("...")
    first = cursor.name()
    alias: Name | None = None
    if cursor.peek(":") and not cursor.peek("::"):
        cursor.expect(":")
        alias, first = first, cursor.name()
    hints: list[Name] = []
    while cursor.eat("!"):
        hints.append(cursor.name())
    if cursor.eat("("):
        if not hints and first.text in AGGREGATES and cursor.eat(")"):
            _cast(cursor)  # count() and friends: an aggregate over the rows, no column
            return None
        items = _select_items(cursor, top=False)
        cursor.expect(")")
        return Embed(first, alias, tuple(hints), items, spread)
    if hints or spread:
        raise _Syntax("embed without parentheses")
    _json_path(cursor)
    _cast(cursor)
    if cursor.eat("."):  # amount.sum()
        cursor.name()
        cursor.expect("(")
        cursor.expect(")")
        _cast(cursor)
    return Field(first, alias)


def _json_path(cursor: _Cursor) -> None:
    while cursor.eat("->>") or cursor.eat("->"):
        cursor.name()


def _cast(cursor: _Cursor) -> None:
    if cursor.eat("::"):
        cursor.name()


# --- filters ---------------------------------------------------------------------------

FILTER_OPERATORS = frozenset(
    {
        "eq",
        "neq",
        "gt",
        "gte",
        "lt",
        "lte",
        "like",
        "ilike",
        "match",
        "imatch",
        "in",
        "is",
        "isdistinct",
        "fts",
        "plfts",
        "phfts",
        "wfts",
        "cs",
        "cd",
        "ov",
        "sl",
        "sr",
        "nxr",
        "nxl",
        "adj",
        "not",
    }
)


def parse_filter_column(text: str) -> tuple[Name, ...] | None:
    """``col``, ``col->a->>b`` or ``rel.sub.col``: the embed path then the column."""
    cursor = _Cursor(text, skip_spaces=False)
    try:
        names = _dotted(cursor)
        _json_path(cursor)
        if not cursor.at_end():
            raise _Syntax("trailing text")
    except _Syntax:
        return None
    return names


def _dotted(cursor: _Cursor) -> tuple[Name, ...]:
    names = [cursor.name()]
    while cursor.eat("."):
        names.append(cursor.name())
    return tuple(names)


def parse_logic(text: str) -> list[tuple[Name, ...]] | None:
    """The column paths of a logic tree (``.or('a.eq.1,and(b.gt.2,c.is.null)')``)."""
    result: list[tuple[Name, ...]] = []
    try:
        _logic(text, 0, len(text), result)
    except _Syntax:
        return None
    return result


def _logic(text: str, start: int, end: int, result: list[tuple[Name, ...]]) -> None:
    for cond_start, cond_end in _split_top(text, start, end, ","):
        while cond_start < cond_end and text[cond_start].isspace():
            cond_start += 1
        cond = text[cond_start:cond_end].rstrip()
        for prefix in ("and(", "or(", "not.and(", "not.or("):
            if cond.startswith(prefix):
                if not cond.endswith(")"):
                    raise _Syntax("unbalanced")
                inner = cond_start + len(prefix)
                _logic(text, inner, cond_start + len(cond) - 1, result)
                break
        else:
            result.append(_condition_field(text, cond_start, cond_start + len(cond)))


def _condition_field(text: str, start: int, end: int) -> tuple[Name, ...]:
    """The field of ``field.op.value``: the dotted names before the first operator."""
    cursor = _Cursor(text[:end], skip_spaces=False)
    cursor.pos = start
    names = [cursor.name()]
    while True:
        _json_path(cursor)
        cursor.expect(".")
        name = cursor.name()
        if name.text in FILTER_OPERATORS:
            return tuple(names)
        names.append(name)


def _split_top(text: str, start: int, end: int, separator: str) -> list[tuple[int, int]]:
    """Ranges between top-level separators, outside brackets and double quotes."""
    parts: list[tuple[int, int]] = []
    depth, quoted, begin, i = 0, False, start, start
    while i < end:
        c = text[i]
        if quoted:
            if c == "\\":
                i += 1
            elif c == '"':
                quoted = False
        elif c == '"':
            quoted = True
        elif c in "({[":
            depth += 1
        elif c in ")}]":
            depth -= 1
            if depth < 0:
                raise _Syntax("unbalanced")
        elif c == separator and depth == 0:
            parts.append((begin, i))
            begin = i + 1
        i += 1
    if depth or quoted:
        raise _Syntax("unbalanced")
    parts.append((begin, end))
    return parts


def parse_column_list(text: str) -> list[Name] | None:
    """``a, b`` (``onConflict``, ``columns``): the names, spaces around them dropped."""
    names: list[Name] = []
    cursor = _Cursor(text, skip_spaces=True)
    try:
        while True:
            names.append(cursor.name())
            if cursor.at_end():
                return names
            cursor.expect(",")
    except _Syntax:
        return None
