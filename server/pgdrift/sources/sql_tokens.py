"""Postgres tokens for pgdrift's own DDL and expression parsers.

Statements are tokenized by sqlglot's Postgres tokenizer and converted here
into a small, uniform token list: words are case-folded (quoted identifiers
are not), multi-word keywords sqlglot joins (``ORDER BY``) are split back,
and operators are re-lexed with Postgres' own rule (a run of operator
characters is one operator; a trailing ``+``/``-`` is dropped unless the run
holds one of ``~!@#%^&|`?``), so ``x=-1`` reads as ``=`` and ``-1`` as the
server reads it.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from sqlglot.dialects.postgres import Postgres
from sqlglot.errors import TokenError
from sqlglot.tokenizer_core import Token, TokenType

WORD = 1  # identifier or keyword, folded to lower case
QIDENT = 2  # quoted identifier, verbatim
STR = 3  # string constant, value with quotes/escapes resolved
NUM = 4
OP = 5  # operator or punctuation: ( ) [ ] , . :: ; = <> ...
PARAM = 6  # $1
BITSTR = 7  # B'0101' (X'..' converted to bits)
EOF = 0

_OP_CHARS = frozenset("~!@#^&|`?+-*/%<>=")
_OP_KEEP_TRAILING_SIGN = frozenset("~!@#^&|`?%")

_STRING_TYPES = {
    TokenType.STRING,
    TokenType.NATIONAL_STRING,
    TokenType.RAW_STRING,
    TokenType.BYTE_STRING,
    TokenType.UNICODE_STRING,
}


class Tok(NamedTuple):
    kind: int
    text: str
    start: int  # offset in the statement text
    end: int  # exclusive


class TokenizeError(Exception):
    """The statement could not be tokenized; ``offset`` is where, if known."""

    def __init__(self, message: str, offset: int | None = None) -> None:
        super().__init__(message)
        self.offset = offset


_dialect = Postgres()
# One tokenizer for every call (Dialect.tokenize builds a new one each time;
# tokenizing keeps no state between calls).
_tokenizer = _dialect.tokenizer()


def _split_operator(raw: str) -> list[str]:
    """Postgres' lexing of a run of operator characters."""
    out: list[str] = []
    while raw:
        # Fixed tokens first: "::" casts, ":=" and "=>" named arguments.
        if raw.startswith("=>") and (len(raw) == 2 or raw[2] not in _OP_CHARS):
            out.append("=>")
            raw = raw[2:]
            continue
        op = raw
        if len(op) > 1 and not any(c in _OP_KEEP_TRAILING_SIGN for c in op):
            while len(op) > 1 and op[-1] in "+-":
                op = op[:-1]
        out.append("<>" if op == "!=" else op)
        raw = raw[len(op) :]
    return out


def tokenize(sql: str) -> list[Tok]:
    """Tokens of one statement; raises :class:`TokenizeError`."""
    try:
        raw = _tokenizer.tokenize(sql)
    except TokenError as exc:
        raise TokenizeError(str(exc).splitlines()[0] if str(exc) else "cannot tokenize") from None
    except Exception as exc:  # sqlglot raises assorted errors on odd input
        raise TokenizeError(f"cannot tokenize: {type(exc).__name__}") from None
    return convert(sql, raw)


# Non-alphabetic token type -> 2 operator characters, 3 other punctuation,
# 4 sqlglot's PARAMETER ("$" starts $1, "@" is an operator character).
# Decided from the first token of each type seen: a type's symbols are alike.
_TYPE_CLASS: dict[TokenType, int] = {}


def _classify(tt: TokenType, src: str) -> int:
    if tt is TokenType.PARAMETER:
        return 4
    cls = 2 if src and all(c in _OP_CHARS for c in src) else 3
    _TYPE_CLASS[tt] = cls
    return cls


def tokenize_file(text: str) -> list[Token] | None:
    """sqlglot's tokens for a whole file (one call is much cheaper than one
    per statement), or None when it does not tokenize."""
    try:
        return _tokenizer.tokenize(text)
    except Exception:
        return None


def convert(
    sql: str, raw: Sequence[Token], base: int = 0, long_names: list[int] | None = None
) -> list[Tok]:
    """Our tokens from sqlglot's; ``raw`` offsets are relative to ``base`` in
    the text they came from, ours to ``sql``. The positions of words and
    quoted identifiers 16 characters long or longer (those that may need
    truncating to NAMEDATALEN bytes) go into ``long_names``."""
    return _convert(sql, raw, base, [] if long_names is None else long_names)


# How _convert treats each sqlglot token type; types not listed are keywords
# or punctuation, told apart by their text (see _classify).
_K_OTHER, _K_STR, _K_VAR, _K_IDENT, _K_NUM, _K_BIT, _K_HEX, _K_DOLLAR = range(8)
_KIND: dict[TokenType, int] = {
    **{tt: _K_STR for tt in _STRING_TYPES},
    TokenType.HEREDOC_STRING: _K_DOLLAR,
    TokenType.VAR: _K_VAR,
    TokenType.IDENTIFIER: _K_IDENT,
    TokenType.NUMBER: _K_NUM,
    TokenType.BIT_STRING: _K_BIT,
    TokenType.HEX_STRING: _K_HEX,
}
# Identifiers repeat: one string object each shrinks what the parse workers
# pickle (pickle's memo sends a repeat as a reference) and the model.
_intern = sys.intern
_new_tok = tuple.__new__  # Tok(...) without the Python-level __new__ (a hot path)


def _keyword_types() -> set[TokenType]:
    """Token types the tokenizer makes only from one plain word (most
    keywords): converted as words without looking at their text. Types also
    spelled otherwise (LIKE and ``~~``, NOT and ``!``, ORDER BY) are not."""
    spellings: dict[TokenType, set[str]] = {}
    tokenizer = _dialect.tokenizer_class
    for text, tt in (*tokenizer.KEYWORDS.items(), *tokenizer.SINGLE_TOKENS.items()):
        spellings.setdefault(tt, set()).add(text)
    word = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
    return {tt for tt, texts in spellings.items() if all(word.fullmatch(t) for t in texts)}


for _tt in _keyword_types():
    _KIND.setdefault(_tt, _K_VAR)


def _convert(sql: str, raw: Sequence[Token], base: int, long_names: list[int]) -> list[Tok]:
    toks: list[Tok] = []
    append = toks.append
    kind_of = _KIND.get
    class_of = _TYPE_CLASS.get
    i = 0
    n = len(raw)
    while i < n:
        t = raw[i]
        tt = t.token_type
        k = kind_of(tt, _K_OTHER)
        start = t.start - base
        end = t.end + 1 - base
        if k == _K_VAR:
            if end - start > 15:
                long_names.append(len(toks))
            append(_new_tok(Tok, (WORD, _intern(t.text.lower()), start, end)))
        elif k == _K_OTHER:
            cls = class_of(tt)
            if cls == 3:  # punctuation: ( ) , ; . and the like
                append(_new_tok(Tok, (OP, sql[start:end], start, end)))
                i += 1
                continue
            src = sql[start:end]
            c0 = src[:1]
            if c0.isalpha() or c0 == "_" or c0 > "\x7f":
                cls = 1
            elif cls is None:
                cls = _classify(tt, src)
            if cls == 3:
                append(_new_tok(Tok, (OP, src, start, end)))
            elif cls == 1:
                # A keyword (sqlglot joins some: "ORDER BY", "DOUBLE PRECISION").
                words = src.split()
                if len(words) == 1:
                    if end - start > 15:
                        long_names.append(len(toks))
                    append(_new_tok(Tok, (WORD, src.lower(), start, end)))
                else:
                    pos = start
                    for w in words:
                        ws = sql.index(w, pos)
                        append(_new_tok(Tok, (WORD, w.lower(), ws, ws + len(w))))
                        pos = ws + len(w)
            elif cls == 4 and src == "$":
                nxt = raw[i + 1] if i + 1 < n else None
                if (
                    nxt is not None
                    and nxt.token_type is TokenType.NUMBER
                    and nxt.start - base == end
                ):
                    append(_new_tok(Tok, (PARAM, "$" + nxt.text, start, nxt.end + 1 - base)))
                    i += 2
                    continue
                append(_new_tok(Tok, (OP, src, start, end)))
            else:
                # Operator characters: join with following ones that touch.
                j = i + 1
                while j < n:
                    nt = raw[j]
                    ns = nt.start - base
                    s2 = sql[ns : nt.end + 1 - base]
                    if ns != end or not s2 or not all(c in _OP_CHARS for c in s2):
                        break
                    end = nt.end + 1 - base
                    j += 1
                pos = start
                for op in _split_operator(sql[start:end]):
                    append(_new_tok(Tok, (OP, op, pos, pos + len(op))))
                    pos += len(op)
                i = j
                continue
        elif k == _K_STR:
            append(_new_tok(Tok, (STR, t.text, start, end)))
        elif k == _K_DOLLAR:
            # $tag$...$tag$: the body as written (the tokenizer may have been
            # given a blanked copy of it, see migrations._file_tokens).
            tag = sql.index("$", start + 1) + 1 - start
            append(_new_tok(Tok, (STR, sql[start + tag : end - tag], start, end)))
        elif k == _K_IDENT:
            if len(t.text) > 15:
                long_names.append(len(toks))
            append(_new_tok(Tok, (QIDENT, t.text, start, end)))
        elif k == _K_NUM:
            # ".5" arrives as DOT NUMBER
            if toks and toks[-1].text == "." and toks[-1].end == start and toks[-1].kind == OP:
                prev = toks.pop()
                append(_new_tok(Tok, (NUM, "." + t.text, prev.start, end)))
            else:
                append(_new_tok(Tok, (NUM, t.text, start, end)))
        elif k == _K_BIT:
            append(_new_tok(Tok, (BITSTR, t.text, start, end)))
        else:
            bits = "".join(f"{int(c, 16):04b}" for c in t.text if c in "0123456789abcdefABCDEF")
            append(_new_tok(Tok, (BITSTR, bits, start, end)))
        i += 1
    return toks


@dataclass(slots=True)
class ParseError(Exception):
    """A statement does not parse; ``offset`` is the offending token's start."""

    message: str
    offset: int

    def __str__(self) -> str:
        return self.message


class Stream:
    """A cursor over a statement's tokens with the usual parser helpers."""

    __slots__ = ("_ahead", "_eof", "pos", "sql", "toks")

    #: EOF tokens after the last one, so that looking a few tokens ahead
    #: needs no bounds check (the helpers below are the parser's hot path).
    _PAD = 8

    def __init__(self, toks: list[Tok], sql: str) -> None:
        self.toks = toks
        self.sql = sql
        self.pos = 0
        end = len(sql)
        self._eof = Tok(EOF, "", end, end)
        self._ahead = [*toks, *(self._eof,) * self._PAD]

    # -- looking
    def peek(self, k: int = 0) -> Tok:
        try:
            return self._ahead[self.pos + k]
        except IndexError:
            return self._eof

    def at_end(self) -> bool:
        t = self.peek()
        return t.kind == EOF or (t.kind == OP and t.text == ";")

    def is_word(self, *words: str, k: int = 0) -> bool:
        try:
            t = self._ahead[self.pos + k]
        except IndexError:
            return False
        return t.kind == WORD and t.text in words

    def is_op(self, *ops: str, k: int = 0) -> bool:
        try:
            t = self._ahead[self.pos + k]
        except IndexError:
            return False
        return t.kind == OP and t.text in ops

    def words_ahead(self, *words: str) -> bool:
        """True when the next tokens are exactly these words."""
        pos = self.pos
        ahead = self._ahead
        try:
            t = ahead[pos]
            if t.kind != WORD or t.text != words[0]:
                return False  # the common case: decided by the first word
            for k in range(1, len(words)):
                t = ahead[pos + k]
                if t.kind != WORD or t.text != words[k]:
                    return False
        except IndexError:
            return False
        return True

    # -- consuming
    def next(self) -> Tok:
        t = self.peek()
        if t.kind != EOF:
            self.pos += 1
        return t

    def accept_word(self, *words: str) -> str | None:
        try:
            t = self._ahead[self.pos]
        except IndexError:
            return None
        if t.kind == WORD and t.text in words:
            self.pos += 1
            return t.text
        return None

    def accept_words(self, *words: str) -> bool:
        if self.words_ahead(*words):
            self.pos += len(words)
            return True
        return False

    def accept_op(self, *ops: str) -> str | None:
        try:
            t = self._ahead[self.pos]
        except IndexError:
            return None
        if t.kind == OP and t.text in ops:
            self.pos += 1
            return t.text
        return None

    def expect_word(self, *words: str) -> str:
        w = self.accept_word(*words)
        if w is None:
            self.fail(f"expected {' or '.join(w.upper() for w in words)}")
        return w  # type: ignore[return-value]

    def expect_words(self, *words: str) -> None:
        for w in words:
            self.expect_word(w)

    def expect_op(self, op: str) -> None:
        if self.accept_op(op) is None:
            self.fail(f'expected "{op}"')

    def fail(self, message: str) -> None:
        t = self.peek()
        near = "end of input" if t.kind == EOF else f'"{self.sql[t.start : t.end]}"'
        raise ParseError(f"{message} at or near {near}", t.start)

    # -- identifiers
    def ident(self) -> str:
        """An identifier (folded) or a quoted identifier (verbatim)."""
        t = self.peek()
        if t.kind in (WORD, QIDENT):
            self.pos += 1
            return t.text
        self.fail("expected an identifier")
        raise AssertionError  # unreachable

    def qualified_name(self) -> tuple[str, ...]:
        parts = [self.ident()]
        while self.is_op(".") and self.peek(1).kind in (WORD, QIDENT):
            self.pos += 1
            parts.append(self.ident())
        return tuple(parts)

    def string(self) -> str:
        t = self.peek()
        if t.kind == STR:
            self.pos += 1
            # Adjacent literals separated by a newline are concatenated (SQL spec).
            while self.peek().kind == STR and "\n" in self.sql[t.end : self.peek().start]:
                t2 = self.next()
                return t.text + t2.text
            return t.text
        self.fail("expected a string constant")
        raise AssertionError

    def skip_parens(self) -> tuple[int, int]:
        """Skip a balanced ( ... ) group; return the token index range inside."""
        self.expect_op("(")
        start = self.pos
        depth = 1
        while depth:
            t = self.next()
            if t.kind == EOF:
                self.fail('expected ")"')
            if t.kind == OP:
                if t.text == "(":
                    depth += 1
                elif t.text == ")":
                    depth -= 1
        return start, self.pos - 1

    def skip_to_end(self) -> None:
        self.pos = len(self.toks)
