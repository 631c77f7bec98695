"""What the checks read from each source file, parsed once and remembered.

The import-boundary and app-references families read the same files: the
boundary wants a file's imports, app references its supabase query chains.
:class:`SourceFacts` parses each TypeScript file once for both (one
tree-sitter tree), each Python file once per kind of fact, and remembers the
results by file path and content digest, in memory and, when given a
:class:`~pgdrift.cache.PickleStore`, in ``.pgdrift/cache/facts.pickle`` keyed
by content digest alone. Facts are stored as plain tuples without the file's
path (and rebuilt with it), so a restarted run decodes instead of parsing,
and two files with the same text share an entry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pgdrift.cache import PickleStore, digest
from pgdrift.checks.app_refs_syntax import Arg, Arr, Call, Chain, Literal, Obj, TextIndex
from pgdrift.model import Span

if TYPE_CHECKING:
    from pgdrift.checks.imports_py import PyImport
    from pgdrift.checks.imports_ts import ModuleFacts

__all__ = ["SourceFacts"]

_STORE = "facts"
#: Bump when an encoding below changes (the code fingerprint also covers it).
_VERSION = 2
#: Entries not used by the last run are kept up to this many, for runs over a few paths.
_KEEP = 50_000


class SourceFacts:
    """Per-file facts for one project, memoized by content."""

    def __init__(self, store: PickleStore | None = None) -> None:
        self._store = store
        self._disk: dict[tuple[str, str], Any] | None = None
        #: Encoded entries this session used or computed (what :meth:`save` writes).
        self._used: dict[tuple[str, str], Any] = {}
        self._added = False
        #: How many files' facts this session had to parse (not found in the store).
        self.parsed = 0
        self._memo: dict[tuple[str, str, str, int], Any] = {}

    @property
    def store(self) -> PickleStore | None:
        """Where the facts are kept between runs (None: in memory only)."""
        return self._store

    # --- the facts ---------------------------------------------------------------------

    def ts_module(self, path: str, text: str) -> ModuleFacts:
        """The imports and exports of a TS/TSX/JS file."""
        return self._ts(path, text, 0)  # type: ignore[no-any-return]

    def ts_chains(self, path: str, text: str) -> list[Chain]:
        """The supabase-js query chains of a TS/TSX/JS file."""
        return list(self._ts(path, text, 1))

    def py_imports(self, path: str, text: str) -> list[PyImport]:
        """The import statements of a Python file."""
        from pgdrift.checks.imports_py import parse_imports

        return list(
            self._get(
                "py-imports",
                path,
                text,
                lambda: (tuple(parse_imports(path, text)),),
                lambda value: tuple(_enc_py_import(i) for i in value[0]),
                lambda data, part: tuple(_dec_py_import(path, i) for i in data),
            )
        )

    def py_chains(self, path: str, text: str) -> list[Chain]:
        """The supabase-py query chains of a Python file."""
        from pgdrift.checks.app_refs_py import chains_in_py

        return list(
            self._get(
                "py-chains",
                path,
                text,
                lambda: (tuple(chains_in_py(path, text)),),
                lambda value: tuple(_enc_chain(c) for c in value[0]),
                lambda data, part: _dec_chains(path, text, data),
            )
        )

    def _ts(self, path: str, text: str, part: int) -> Any:
        from pgdrift.checks.app_refs_ts import chains_in_ts
        from pgdrift.checks.imports_ts import is_tsx, parse_module, parse_tree

        def compute() -> tuple[ModuleFacts, tuple[Chain, ...]]:
            # One tree for both: parsing is most of the cost.
            tree = parse_tree(path, text)
            return parse_module(path, text, tree), tuple(chains_in_ts(path, text, tree))

        def encode(value: tuple[ModuleFacts, tuple[Chain, ...]]) -> object:
            module, chains = value
            return _enc_module(module), tuple(_enc_chain(c) for c in chains)

        def decode(data: Any, part: int) -> Any:
            if part == 0:
                return _dec_module(path, data[0])
            return _dec_chains(path, text, data[1])

        kind = "tsx" if is_tsx(path) else "ts"
        return self._get(kind, path, text, compute, encode, decode, part)

    # --- memo and store ----------------------------------------------------------------

    def _get(
        self,
        kind: str,
        path: str,
        text: str,
        compute: Any,
        encode: Any,
        decode: Any,
        part: int = 0,
    ) -> Any:
        """Part ``part`` of the facts of kind ``kind``: ``compute()`` returns all the
        parts, ``encode`` turns them into stored data, ``decode(data, part)`` one
        part back (parts are decoded only when asked for)."""
        key = digest(text)
        memo_key = (kind, path, key, part)
        found = self._memo.get(memo_key)
        if found is not None:
            return found
        entry = (kind, key)
        data = self._used.get(entry)
        if data is None:
            data = self._load().get(entry)
        value = None
        if data is not None:
            try:
                value = decode(data, part)
            except Exception:  # an entry this code did not write: parse instead
                value = None
        if value is None:
            parts = compute()
            data = encode(parts)
            self._added = True
            self.parsed += 1
            for index, computed in enumerate(parts):
                self._memo[(kind, path, key, index)] = computed
            value = parts[part]
        self._used[entry] = data
        self._memo[memo_key] = value
        return value

    def _load(self) -> dict[tuple[str, str], Any]:
        if self._disk is None:
            loaded = self._store.load(_STORE, _VERSION) if self._store is not None else None
            self._disk = loaded if isinstance(loaded, dict) else {}
        return self._disk

    def save(self) -> None:
        """Write what this session parsed to the store (nothing when nothing is new)."""
        if self._store is None or not self._added:
            return
        entries = dict(self._load())
        if len(entries) + len(self._used) > _KEEP:
            entries = {}
        entries.update(self._used)
        self._store.store(_STORE, _VERSION, entries)
        self._disk = entries
        self._added = False

    def forget(self) -> None:
        """Drop the in-memory memo (the store's entries are keyed by content: they stay)."""
        self._memo.clear()


# --- encodings: plain tuples, without the file's path ----------------------------------


def _enc_span(span: Span) -> tuple[int, int, int, int]:
    return (span.start_line, span.start_col, span.end_line, span.end_col)


def _dec_span(path: str, data: tuple[int, int, int, int]) -> Span:
    return Span(path, *data)


def _enc_module(facts: ModuleFacts) -> object:
    imports = tuple(
        (
            ref.specifier,
            _enc_span(ref.span),
            ref.kind,
            ref.type_only,
            tuple((b.imported, b.local, b.exported, b.type_only) for b in ref.bindings),
        )
        for ref in facts.imports
    )
    return (imports, tuple(sorted(facts.declared_exports)), facts.local_exports, facts.has_errors)


def _dec_module(path: str, data: Any) -> ModuleFacts:
    from pgdrift.checks.imports_ts import Binding, ImportRef, ModuleFacts

    imports, declared, local_exports, has_errors = data
    return ModuleFacts(
        path=path,
        imports=tuple(
            ImportRef(
                specifier,
                _dec_span(path, span),
                kind,
                type_only,
                tuple(Binding(*b) for b in bindings),
            )
            for specifier, span, kind, type_only, bindings in imports
        ),
        declared_exports=frozenset(declared),
        local_exports=tuple(local_exports),
        has_errors=has_errors,
    )


def _enc_py_import(imp: PyImport) -> object:
    names = tuple((n.name, n.alias, _enc_span(n.span)) for n in imp.names)
    return (imp.module, _enc_span(imp.span), imp.level, names, imp.star, imp.alias, imp.is_from)


def _dec_py_import(path: str, data: Any) -> PyImport:
    from pgdrift.checks.imports_py import PyImport, PyName

    module, span, level, names, star, alias, is_from = data
    return PyImport(
        module,
        _dec_span(path, span),
        level,
        tuple(PyName(n, a, _dec_span(path, s)) for n, a, s in names),
        star,
        alias,
        is_from,
    )


def _enc_literal(literal: Literal) -> tuple[str, object]:
    offsets = literal.offsets
    start = offsets[0]
    # Most literals map one to one onto the file: store where they start.
    if offsets == tuple(range(start, start + len(literal.value) + 1)):
        return (literal.value, start)
    return (literal.value, offsets)


def _enc_arg(arg: Arg) -> object:
    if arg is None:
        return None
    if isinstance(arg, Literal):
        return ("L", *_enc_literal(arg))
    if isinstance(arg, Obj):
        return ("O", tuple((_enc_literal(k), _enc_arg(v)) for k, v in arg.entries), arg.complete)
    return ("A", tuple(_enc_arg(i) for i in arg.items))


def _enc_call(call: Call) -> object:
    args = tuple(_enc_arg(a) for a in call.args)
    return (call.method, args, tuple((k, _enc_arg(v)) for k, v in call.kwargs))


def _enc_chain(chain: Chain) -> object:
    return (
        chain.kind,
        _enc_literal(chain.name),
        chain.receiver,
        _enc_literal(chain.schema) if chain.schema is not None else None,
        tuple(_enc_call(s) for s in chain.steps),
        tuple(_enc_arg(a) for a in chain.args),
        tuple((k, _enc_arg(v)) for k, v in chain.kwargs),
        chain.client,
    )


class _Decoder:
    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.index = TextIndex(text)

    def literal(self, data: Any) -> Literal:
        value, offsets = data
        if isinstance(offsets, int):
            offsets = tuple(range(offsets, offsets + len(value) + 1))
        return Literal(value, self.path, offsets, self.index)

    def arg(self, data: Any) -> Arg:
        if data is None:
            return None
        tag = data[0]
        if tag == "L":
            return self.literal(data[1:])
        if tag == "O":
            return Obj(tuple((self.literal(k), self.arg(v)) for k, v in data[1]), data[2])
        return Arr(tuple(self.arg(i) for i in data[1]))

    def call(self, data: Any) -> Call:
        method, args, kwargs = data
        return Call(method, tuple(self.arg(a) for a in args), self.kwargs(kwargs))

    def kwargs(self, data: Any) -> tuple[tuple[str, Arg], ...]:
        return tuple((k, self.arg(v)) for k, v in data)

    def chain(self, data: Any) -> Chain:
        kind, name, receiver, schema, steps, args, kwargs, client = data
        return Chain(
            kind,
            self.literal(name),
            receiver,
            self.literal(schema) if schema is not None else None,
            tuple(self.call(s) for s in steps),
            tuple(self.arg(a) for a in args),
            self.kwargs(kwargs),
            client,
        )


def _dec_chains(path: str, text: str, data: Any) -> tuple[Chain, ...]:
    if not data:
        return ()
    decoder = _Decoder(path, text)
    return tuple(decoder.chain(c) for c in data)
