"""Split SQL text into statements the way psql does, in one linear pass.

The splitter knows just enough Postgres lexing to find statement ends: ``--``
and nested ``/* */`` comments, ``'...'`` and ``E'...'`` strings, quoted
identifiers, dollar quotes with tags, parentheses, ``BEGIN ATOMIC ... END``
bodies of SQL-standard routines and the data block after ``COPY ... FROM
stdin``. It never raises: input that ends inside a construct yields a final
piece marked ``unterminated``.

:func:`split` returns pieces that tile the input exactly (their texts
concatenate to it), so callers can map any statement back to its position.
Every jump uses ``str.find`` or a compiled regex from the current offset and
the offset only moves forward, so the cost is linear in the input size, even
for a megabyte-long dollar-quoted ``DO`` body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, Protocol

PieceKind = Literal["statement", "trivia", "copy_data"]

# The next token that matters when we do not care about words. Lookbehinds keep
# ``E'`` and ``$tag$`` from matching in the middle of an identifier (``a$b$``).
_TOKENS = re.compile(r"""--|/\*|(?<![\w$])[eE]'|'|"|(?<![\w$])\$(?:[^\W\d][\w]*)?\$|;|\(|\)""")
# The same, plus identifiers/keywords: used near the start of a statement and
# inside CREATE FUNCTION/PROCEDURE, where BEGIN ... END nesting matters.
_TOKENS_WORDS = re.compile(
    r"""--|/\*|(?<![\w$])[eE]'|'|"|(?<![\w$])\$(?:[^\W\d][\w]*)?\$|;|\(|\)|[^\W\d][\w$]*"""
)
_E_STRING_REST = re.compile(r"(?:[^'\\]++|\\.|'')*+'", re.S)
_COMMENT_DELIMS = re.compile(r"/\*|\*/")
_NON_SPACE = re.compile(r"\S")
_COPY_FROM_STDIN = re.compile(r"\bfrom\s+stdin\b", re.I)
_COPY_END = re.compile(r"^\\\.[ \t]*\r?$", re.M)

_ROUTINE_WORDS = ("function", "procedure")

# Once a statement's first words are known, most of its text cannot end it:
# _RUN consumes, in one regex call, everything up to the next character that
# might (a ``;`` outside parentheses) or that the loop below must handle
# itself (``/*`` comments, dollar quotes, unterminated quotes, parentheses
# nested more than three deep or holding any of those). Each alternative
# starts with a different character and every repeat is possessive, so the
# match never backtracks and stays linear. Words are consumed whole, so a
# match always ends where a token may start (``a$b$`` stays an identifier,
# ``E'`` after a word is not an escape string), as the lookbehinds above
# require; a lone ``E`` before a quote is left to the loop.
_ATOM = r"""
    [^;'"$()/\-\w]++
  | [eE]'(?:[^'\\]++|\\.|'')*+'
  | (?![eE]')\w[\w$]*+
  | '[^']*+(?:''[^']*+)*+'
  | "[^"]*+(?:""[^"]*+)*+"
  | --[^\n]*+
  | /(?!\*)
  | -(?!-)
  | \$(?!(?:[^\W\d]\w*+)?\$)
"""
# Four words separated by white space or dots, the last not an E'' prefix:
# exactly what the loop below would collect one by one.
_HEAD = re.compile(
    r"\s*+([^\W\d][\w$]*+)" + r"(?:\s++|\s*+\.\s*+)([^\W\d][\w$]*+)" * 3 + r"(?!['\w$])"
)
_GROUP0 = rf"\((?:{_ATOM}|;)*+\)"
_GROUP1 = rf"\((?:{_ATOM}|;|{_GROUP0})*+\)"
_GROUP2 = rf"\((?:{_ATOM}|;|{_GROUP1})*+\)"
_RUN = re.compile(rf"(?:{_ATOM}|{_GROUP2})*+", re.S | re.X)


@dataclass(slots=True)
class Piece:
    """A run of the input: a statement, the trivia between statements, or COPY data.

    Offsets are indices into the ``str`` given to :func:`split`; lines and
    columns are 0-based, columns counted in characters. A statement includes
    its terminating ``;`` when it has one. A value nobody changes, though not
    a frozen dataclass: those cost three times as much to build, and a cold
    index builds tens of thousands of pieces.
    """

    kind: PieceKind
    text: str
    start: int
    end: int
    start_line: int
    start_col: int
    end_line: int
    end_col: int
    #: What the input ended inside of ("string", "comment", ...), if anything.
    unterminated: str | None = None
    #: (start, end) offsets of the bodies of the statement's dollar-quoted
    #: strings, between their opening and closing tags.
    dollar_bodies: tuple[tuple[int, int], ...] = ()


class _Cursor:
    """Turns monotonically increasing offsets into (line, column) pairs."""

    __slots__ = ("line", "line_start", "offset", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.offset = 0
        self.line = 0
        self.line_start = 0

    def at(self, offset: int) -> tuple[int, int]:
        newlines = self.text.count("\n", self.offset, offset)
        if newlines:
            self.line += newlines
            self.line_start = self.text.rfind("\n", self.offset, offset) + 1
        self.offset = offset
        return self.line, offset - self.line_start


def _skip_quoted(text: str, start: int, quote: str) -> int:
    """End offset of a ``'`` string or ``"`` identifier whose body starts at ``start``
    (doubled quotes escape), or -1 when it does not end."""
    i = start
    while True:
        j = text.find(quote, i)
        if j < 0:
            return -1
        if text.startswith(quote, j + 1):
            i = j + 2
            continue
        return j + 1


def skip_block_comment(text: str, start: int) -> int:
    """End offset of a nested ``/* */`` comment whose body starts at ``start``, or -1."""
    depth = 1
    pos = start
    while True:
        m = _COMMENT_DELIMS.search(text, pos)
        if m is None:
            return -1
        depth += 1 if m.group() == "/*" else -1
        pos = m.end()
        if depth == 0:
            return pos


def split(text: str, *, fast: bool = True) -> list[Piece]:
    """Split ``text`` into pieces that concatenate back to it exactly.

    ``fast=False`` looks at every token that matters instead of skipping
    runs with :data:`_RUN`; the result is the same (tests compare them)."""
    pieces: list[Piece] = []
    cursor = _Cursor(text)
    n = len(text)

    def emit(
        kind: PieceKind,
        start: int,
        end: int,
        unterminated: str | None = None,
        bodies: tuple[tuple[int, int], ...] = (),
    ) -> None:
        if end <= start:
            return
        sl, sc = cursor.at(start)
        el, ec = cursor.at(end)
        pieces.append(
            Piece(kind, text[start:end], start, end, sl, sc, el, ec, unterminated, bodies)
        )

    pos = 0  # scan position
    emitted = 0  # end of the last emitted piece
    stmt_start = -1  # start of the current statement, -1 between statements
    paren_depth = 0
    words: list[str] = []  # the first few words of the current statement
    routine = False  # inside CREATE [OR REPLACE] FUNCTION/PROCEDURE
    begin_depth = 0
    bodies: list[tuple[int, int]] = []  # dollar-quoted bodies of the statement

    def end_statement(end: int, unterminated: str | None = None) -> int:
        """Emit the statement ending at ``end``; return where scanning resumes."""
        nonlocal emitted, stmt_start, paren_depth, routine, begin_depth
        emit("trivia", emitted, stmt_start)
        emit("statement", stmt_start, end, unterminated, tuple(bodies))
        bodies.clear()
        resume = end
        if unterminated is None and words and words[0] == "copy":
            resume = _copy_data(text, stmt_start, end, emit)
        emitted = resume
        stmt_start = -1
        paren_depth = 0
        words.clear()
        routine = False
        begin_depth = 0
        return resume

    while pos < n:
        if fast and stmt_start < 0:
            # Most statements start with four plain words ("create table
            # public.t", "alter table only x"): take them in one match.
            h = _HEAD.match(text, pos)
            if h is not None:
                stmt_start = h.start(1)
                words.extend(w.lower() for w in h.groups())
                routine = words[0] == "create" and (
                    words[1] in _ROUTINE_WORDS
                    or (words[1:3] == ["or", "replace"] and words[3] in _ROUTINE_WORDS)
                )
                pos = h.end()
        if len(words) < 4 or routine:
            pattern = _TOKENS_WORDS
        else:
            pattern = _TOKENS
            if fast and paren_depth == 0:
                pos = _RUN.match(text, pos).end()  # type: ignore[union-attr]
                if pos >= n:
                    break
        m = pattern.search(text, pos)
        if m is None:
            if stmt_start < 0:
                s = _NON_SPACE.search(text, pos)
                if s is not None:
                    stmt_start = s.start()
            pos = n
            break
        tok = m.group()
        if stmt_start < 0 and not tok.startswith(("--", "/*")):
            s = _NON_SPACE.search(text, pos, m.start())
            stmt_start = s.start() if s is not None else m.start()
        first = tok[0]
        if tok == "--":
            nl = text.find("\n", m.end())
            pos = n if nl < 0 else nl + 1
        elif tok == "/*":
            end = skip_block_comment(text, m.end())
            if end < 0:
                if stmt_start < 0:
                    emit("trivia", emitted, n, "comment")
                    return pieces
                end_statement(n, "comment")
                return pieces
            pos = end
        elif tok == "'" or tok == '"':
            end = _skip_quoted(text, m.end(), tok)
            if end < 0:
                end_statement(n, "string" if tok == "'" else "quoted identifier")
                return pieces
            pos = end
        elif first in "eE" and len(tok) == 2 and tok[1] == "'":
            em = _E_STRING_REST.match(text, m.end())
            if em is None:
                end_statement(n, "string")
                return pieces
            pos = em.end()
        elif first == "$":
            end = text.find(tok, m.end())
            if end < 0:
                end_statement(n, "dollar-quoted string")
                return pieces
            bodies.append((m.end(), end))
            pos = end + len(tok)
        elif tok == ";":
            pos = m.end()
            if stmt_start < 0 or stmt_start == m.start():
                # An empty statement: trivia, like psql which sends nothing.
                if stmt_start >= 0:
                    stmt_start = -1
                    words.clear()
                continue
            if paren_depth > 0 or begin_depth > 0:
                continue
            pos = end_statement(pos)
        elif tok == "(":
            paren_depth += 1
            pos = m.end()
        elif tok == ")":
            paren_depth = max(0, paren_depth - 1)
            pos = m.end()
        else:  # a word
            pos = m.end()
            if paren_depth:
                continue
            word = tok.lower()
            if len(words) < 4:
                words.append(word)
                if words[0] == "create" and (
                    (len(words) == 2 and word in _ROUTINE_WORDS)
                    or (
                        len(words) == 4
                        and words[1:3] == ["or", "replace"]
                        and word in _ROUTINE_WORDS
                    )
                ):
                    routine = True
            elif routine:
                if word == "begin":
                    begin_depth += 1
                elif word == "case":
                    # CASE also closes with END; only matters inside BEGIN ATOMIC.
                    if begin_depth:
                        begin_depth += 1
                elif word == "end" and begin_depth:
                    begin_depth -= 1

    if stmt_start >= 0:
        end_statement(n)
    emit("trivia", emitted, n)
    return pieces


def _copy_data(text: str, stmt_start: int, stmt_end: int, emit: _Emit) -> int:
    """After ``COPY ... FROM stdin;`` emit the rest of the line and the data block
    up to the ``\\.`` line; return where scanning resumes."""
    if _COPY_FROM_STDIN.search(text, stmt_start, stmt_end) is None:
        return stmt_end
    nl = text.find("\n", stmt_end)
    if nl < 0:
        return stmt_end
    emit("trivia", stmt_end, nl + 1)
    data_start = nl + 1
    m = _COPY_END.search(text, data_start)
    if m is None:
        emit("copy_data", data_start, len(text), "copy data")
        return len(text)
    end = m.end()
    if text.startswith("\n", end):
        end += 1
    emit("copy_data", data_start, end)
    return end


class _Emit(Protocol):
    """Type of the ``emit`` callback given to :func:`_copy_data`."""

    def __call__(
        self, kind: PieceKind, start: int, end: int, unterminated: str | None = None
    ) -> None: ...


def statements(text: str) -> list[Piece]:
    """Only the statements of :func:`split`."""
    return [p for p in split(text) if p.kind == "statement"]
