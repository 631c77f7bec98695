"""Generated type files read back into a :class:`~pgdrift.model.Schema`: shared parts.

The readers (:mod:`~pgdrift.sources.typefile_ts` for ``supabase gen types
typescript`` output, :mod:`~pgdrift.sources.typefile_py` for the Python
template) return a :class:`TypesFileRead`: the schema the file describes,
the problems met while reading it (a truncated or hand-broken file yields
what could be read plus problems, never an exception), and anchors (where
each schema and section starts) for placing messages about missing items.

A schema read from a types file holds what such a file can say, nothing
more: column types are the file's own type texts (``type_display``), with a
best-effort :class:`~pgdrift.model.TypeRef`; ``default`` is :data:`HAS_DEFAULT`
when the Insert type makes a non-null column optional (the file cannot say
which default); every object carries a :class:`~pgdrift.model.Span` in the
file, which is also how :func:`types_file_language` recognises such a schema.
"""

from __future__ import annotations

import codecs
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pgdrift.config import Language, language_of
from pgdrift.model import Schema, Span

#: ``Column.default`` of a non-null column a types file makes optional on insert:
#: it has a default (or is an identity or generated column), which one is unknown.
HAS_DEFAULT = "DEFAULT"

#: Larger files are not generated types anyone keeps in a repository.
MAX_TYPES_FILE_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class ReadProblem:
    """Something in a types file that could not be read: 0-based line and column."""

    line: int
    column: int
    message: str


@dataclass(frozen=True)
class TypesFileRead:
    """What a types file describes, and what could not be read."""

    path: str
    language: Language
    schema: Schema
    problems: tuple[ReadProblem, ...] = ()
    #: Where things start, for messages about what the file lacks:
    #: ``()`` the ``Database`` type, ``(schema,)`` a schema's key,
    #: ``(schema, section)`` its ``Tables``/``Views``/``Functions``/``Enums``/
    #: ``CompositeTypes`` key (TypeScript only).
    anchors: Mapping[tuple[str, ...], Span] = field(default_factory=dict)
    #: The decoded text that was read.
    text: str = ""

    def anchor(self, *key: str) -> Span:
        """The span of ``key`` or of its nearest enclosing anchor; line 1 at worst."""
        for end in range(len(key), -1, -1):
            span = self.anchors.get(key[:end])
            if span is not None:
                return span
        return Span(self.path, 0, 0, 0, 0)


class TypesFileError(Exception):
    """A types file cannot be read at all (missing, unreadable, not text)."""


def types_file_language(schema: Schema) -> Language | None:
    """The language of the types file ``schema`` was read from, or None when it
    was not read from one (a database, the migrations)."""
    spans = (
        *(r.span for r in schema.relations),
        *(e.span for e in schema.enums),
        *(c.span for c in schema.composites),
        *(f.span for f in schema.functions),
    )
    for span in spans:
        if span is not None:
            return language_of(span.path)
    return None


def decode_types_file(data: bytes) -> str:
    """A types file's text: UTF-8 (with or without BOM) or UTF-16/32 with a BOM,
    or UTF-16 without one (recognised by its NUL bytes); raises on anything else."""
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return _decode(data[len(bom) :], encoding)
    head = data[:4096]
    if len(head) >= 2 and b"\x00" in head:
        # Windows editors and PowerShell redirection write UTF-16 without BOM too.
        odd_nuls = head[1::2].count(0)
        even_nuls = head[0::2].count(0)
        if odd_nuls > len(head) // 4 and even_nuls == 0:
            return _decode(data, "utf-16-le")
        if even_nuls > len(head) // 4 and odd_nuls == 0:
            return _decode(data, "utf-16-be")
        raise TypesFileError("binary file (contains NUL bytes)")
    return _decode(data, "utf-8")


def _decode(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise TypesFileError(f"not valid {encoding.upper()} (at byte {exc.start})") from None


def read_text(path: Path) -> str:
    """Read and decode a types file; raises :class:`TypesFileError`."""
    try:
        size = path.stat().st_size
        if size > MAX_TYPES_FILE_BYTES:
            raise TypesFileError(f"too large ({size} bytes)")
        data = path.read_bytes()
    except FileNotFoundError:
        raise TypesFileError("no such file") from None
    except OSError as exc:
        raise TypesFileError(exc.strerror or str(exc)) from None
    return decode_types_file(data)


def read_types_text(
    text: str,
    path: str,
    language: Language | None = None,
    *,
    names_hint: Schema | None = None,
) -> TypesFileRead:
    """Read a types file's text; the language defaults to the one ``path`` names.

    ``names_hint`` helps the Python reader, whose class names lose the exact
    table names: a schema whose relation names it should map class names back to.
    """
    language = language or language_of(path) or "typescript"
    # One check run reads the same big file for several checks: the last few
    # reads are remembered (by text, and by the identity of the hint, which the
    # entry keeps alive so that the identity cannot be reused).
    hint = names_hint if language == "python" else None
    key = (text, path, language, id(hint))
    hit = _RECENT.get(key)
    if hit is not None and hit[1] is hint:
        _RECENT.move_to_end(key)
        return hit[0]
    read: TypesFileRead
    if language == "python":
        from pgdrift.sources.typefile_py import read_python

        read = read_python(text, path, names_hint=names_hint)
    else:
        from pgdrift.sources.typefile_ts import read_typescript

        read = read_typescript(text, path)
    _RECENT[key] = (read, hint)
    while len(_RECENT) > _RECENT_SIZE:
        _RECENT.popitem(last=False)
    return read


_RECENT_SIZE = 16
_RECENT: OrderedDict[tuple[str, str, str, int], tuple[TypesFileRead, Schema | None]] = OrderedDict()


def read_types_file(
    path: Path, language: Language | None = None, *, names_hint: Schema | None = None
) -> TypesFileRead:
    """Read a types file from disk; raises :class:`TypesFileError` when it cannot be read."""
    return read_types_text(read_text(path), str(path), language, names_hint=names_hint)
