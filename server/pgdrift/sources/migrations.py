"""The static source: the schema that migration files build, without a database.

Each file is split into statements (:mod:`~pgdrift.sources.sql_split`),
each statement tokenized with sqlglot's Postgres tokenizer and parsed into an
operation (:mod:`~pgdrift.sources.ddl`); the operations are replayed in file
order onto a schema state (:mod:`~pgdrift.sources.replay`), which is frozen
into the same :class:`~pgdrift.model.Schema` every other source produces.

Nothing here raises on bad input: syntax errors, statements that cannot be
modelled, statements that would fail on the server, unreadable files, all
become :class:`MigrationFinding` values and the rest is still modelled.

:class:`MigrationIndex` is the incremental form: it keeps each file's parse
(by content hash, optionally on disk) and snapshots of the replay state, so
after an edit only the edited file is parsed again and the replay resumes
from the last snapshot before it.
"""

from __future__ import annotations

import bisect
import contextlib
import gc
import hashlib
import io
import itertools
import os
import pickle
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pgdrift.model import Schema, Span, fast_pickling
from pgdrift.sources import ddl as D
from pgdrift.sources.expr_memo import ExprMemo
from pgdrift.sources.forked import ForkedMap, can_fork, wait_writers, write_behind
from pgdrift.sources.replay import NAMING_IGNORED, FreezeCache, Options, RelState, Replayer, State
from pgdrift.sources.sql_split import Piece, split
from pgdrift.sources.sql_tokens import ParseError, Tok, TokenizeError, convert, tokenize_file

__all__ = [
    "MigrationFinding",
    "MigrationIndex",
    "ParsedFile",
    "build_schema",
    "parse_file",
    "read_migration_file",
    "static_schema",
    "supabase_prelude",
]

Severity = Literal["error", "warning", "info"]

#: Bump when the parsed form changes: old cache entries are then ignored.
CACHE_VERSION = 4


def _cache_tag() -> tuple[int, str]:
    """What every cache entry is stored with and must match to be used: the
    format version and a fingerprint of pgdrift's code (parses and results
    depend on the parser and renderer, which change between versions)."""
    from pgdrift.cache import code_fingerprint

    return (CACHE_VERSION, code_fingerprint())


#: Replay snapshots are kept every this many files among the last
#: CHECKPOINT_TAIL files (edits happen mostly in the newest migrations), and
#: four times as far apart before them: each snapshot copies the whole state.
CHECKPOINT_EVERY = 16
CHECKPOINT_TAIL = 256


def _checkpoint_at(i: int, files: int) -> bool:
    step = CHECKPOINT_EVERY if i >= files - CHECKPOINT_TAIL else 4 * CHECKPOINT_EVERY
    return i % step == 0


#: Files per task for a parse worker: small, so workers finish together; big
#: enough that task overhead does not show. The first and last tasks are
#: smaller still (see _chunks).
PARSE_CHUNK = 25

_VERSION = re.compile(r"^(\d+)[_.-]")


@dataclass(frozen=True, slots=True)
class MigrationFinding:
    """Something about a migration the static source wants a person to know.

    Codes: ``migration-syntax-error``, ``migration-unmodelled`` (DO blocks,
    dynamic SQL), ``migration-unknown-*`` / ``migration-duplicate-object`` /
    ``migration-invalid`` (the statement would fail on the server),
    ``migration-unresolved`` (an expression static analysis could not type),
    ``migration-skipped`` (an extension shadow replay skips too),
    ``migration-identifier-truncated`` / ``migration-notice`` (what
    Postgres says in a NOTICE),
    ``migration-unreadable-file``, ``migration-binary-file``,
    ``migration-empty-file``, ``migration-duplicate-version``.
    """

    code: str
    message: str
    span: Span
    severity: Severity = "error"


Loc = tuple[int, int, int, int]


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """One file's statements as operations, plus what went wrong parsing it."""

    ops: tuple[tuple[D.Op, Loc], ...]
    #: (code, message, location, severity)
    problems: tuple[tuple[str, str, Loc, str], ...] = ()
    #: How many statements the file holds (more than one: the server runs
    #: them in one implicit transaction).
    statements: int = 0


# --------------------------------------------------------------------------- parsing


def _loc(p: Piece) -> Loc:
    return (p.start_line, p.start_col, p.end_line, p.end_col)


def _offset_loc(p: Piece, offset: int, length: int = 1) -> Loc:
    """Line/column of ``offset`` inside piece ``p``."""
    text = p.text
    offset = max(0, min(offset, len(text)))
    before = text[:offset]
    nl = before.count("\n")
    if nl:
        line = p.start_line + nl
        col = offset - (before.rfind("\n") + 1)
    else:
        line = p.start_line
        col = p.start_col + offset
    return (line, col, line, col + max(1, length))


def parse_file(text: str) -> ParsedFile:
    """Parse a migration's text; never raises."""
    ops: list[tuple[D.Op, Loc]] = []
    problems: list[tuple[str, str, Loc, str]] = []
    if "\x00" in text:
        return ParsedFile(
            (),
            (("migration-binary-file", "binary file: not a SQL migration", (0, 0, 0, 0), "error"),),
        )
    pieces = split(text)
    if not any(p.kind == "statement" for p in pieces) and not any(p.unterminated for p in pieces):
        return ParsedFile(
            (), (("migration-empty-file", "empty migration: no statements", (0, 0, 0, 0), "info"),)
        )
    tokens_of = _file_tokens(text, pieces)
    for p in pieces:
        if p.kind != "statement":
            if p.unterminated:
                problems.append(
                    ("migration-syntax-error", f"unterminated {p.unterminated}", _loc(p), "error")
                )
            continue
        if p.unterminated:
            problems.append(
                (
                    "migration-syntax-error",
                    f"unterminated {p.unterminated} starting in this statement",
                    _loc(p),
                    "error",
                )
            )
            continue
        try:
            if D.is_ignored(p.text):
                # What the replay must know happened: IMPORT FOREIGN SCHEMA makes
                # tables, and writing to pg_enum changes an enum's labels.
                head = p.text[:64].lower()
                if head.startswith("import") or "pg_enum" in head:
                    what = "import" if head.startswith("import") else "write to pg_enum"
                    ops.append((D.Ignored(what), _loc(p)))
                continue
            got = tokens_of(p)
            op = D.parse_statement(p.text, *got) if got else D.parse_statement(p.text)
        except ParseError as exc:
            problems.append(
                (
                    "migration-syntax-error",
                    exc.message
                    if exc.message.startswith("syntax error")
                    else f"syntax error: {exc.message}",
                    _offset_loc(p, exc.offset),
                    "error",
                )
            )
            continue
        except TokenizeError as exc:
            problems.append(("migration-syntax-error", f"syntax error: {exc}", _loc(p), "error"))
            continue
        except RecursionError:
            problems.append(
                ("migration-syntax-error", "statement nested too deeply to parse", _loc(p), "error")
            )
            continue
        except Exception as exc:  # a parser bug must not lose the rest of the file
            problems.append(
                (
                    "migration-internal-error",
                    f"pgdrift failed while parsing this statement ({type(exc).__name__}: {exc}); "
                    "this is a bug in pgdrift, please report it (the statement is left out)",
                    _loc(p),
                    "error",
                )
            )
            continue
        if isinstance(op, D.Ignored) and op.what not in NAMING_IGNORED:
            continue
        ops.append((op, _loc(p)))
    statements = sum(1 for p in pieces if p.kind == "statement")
    return ParsedFile(tuple(ops), tuple(problems), statements)


#: A record of a parse pack: ``{digest: ParsedFile}`` pickled, as a worker
#: sends it, or not yet (files parsed in this process).
PackRecord = bytes | dict[str, "ParsedFile"]


def _parse_chunk(items: list[tuple[str, str]]) -> bytes:
    """Parse ``(digest, text)`` pairs (in a worker process). The pickled
    ``{digest: ParsedFile}`` is both the reply and a record of the cache pack,
    so the parent never pickles parse results itself."""
    return pickle.dumps({d: parse_file(t) for d, t in items}, pickle.HIGHEST_PROTOCOL)


def _chunks(todo: list[_FileEntry]) -> list[list[_FileEntry]]:
    """``todo`` in tasks of PARSE_CHUNK files, growing to it from 4 at the
    start (the replay waits for the first) and shrinking to 4 at the end
    (the replay of the last task is the part nothing else overlaps)."""
    ramp = [4, 8, 16]
    n = len(todo)
    if n <= 2 * sum(ramp):
        sizes = [8] * ((n + 7) // 8)
    else:
        middle, rest = divmod(n - 2 * sum(ramp), PARSE_CHUNK)
        sizes = [*ramp, *[PARSE_CHUNK] * middle, *([rest] if rest else []), *ramp[::-1]]
    out: list[list[_FileEntry]] = []
    i = 0
    for size in sizes:
        out.append(todo[i : i + size])
        i += size
    return out


def _parse_workers(files: int, threshold: int) -> int:
    """How many worker processes to parse ``files`` files with (0: parse here)."""
    if files < threshold:
        return 0
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    if cpus < 2 or not can_fork():
        return 0
    # One core is this process's: it replays, and parses the chunks no
    # worker has taken rather than wait (on 2 cores, one worker and the
    # replay beat two workers: ~960 vs ~1005 ms on bench/index).
    return min(cpus - 1, 8)


def _file_tokens(
    text: str, pieces: Sequence[Piece]
) -> Callable[[Piece], tuple[list[Tok], list[int]] | None]:
    """A statement's tokens, cut from one tokenization of the whole file.

    One sqlglot call per file costs far less than one per statement. What the
    model ignores (comments, data statements) is blanked out first, offsets
    kept, so it costs the tokenizer a skip instead of tokens; so are the
    bodies of dollar-quoted strings (function bodies: sqlglot scans them
    slowly, and :func:`convert` takes their text from the statement itself).
    A statement whose tokens do not line up with the split (or a file that
    does not tokenize) is tokenized on its own by the parser.
    """
    parts: list[str] = []
    pos = 0
    for p in pieces:
        if p.kind == "statement" and not p.unterminated and not D.is_ignored(p.text):
            if p.start > pos:
                parts.append(" " * (p.start - pos))
            pos = p.start
            for start, end in p.dollar_bodies:
                if end - start >= 16:
                    parts.append(text[pos:start])
                    parts.append("x" * (end - start))
                    pos = end
            parts.append(text[pos : p.end])
            pos = p.end
    if not parts:
        return lambda p: None
    raw = tokenize_file("".join(parts))
    if raw is None:
        return lambda p: None
    starts = [t.start for t in raw]

    def tokens(p: Piece) -> tuple[list[Tok], list[int]] | None:
        lo = bisect.bisect_left(starts, p.start)
        hi = bisect.bisect_left(starts, p.end, lo)
        if hi > lo and raw[hi - 1].end + 1 > p.end:
            return None  # a token crosses the statement's end
        long_names: list[int] = []
        return convert(p.text, raw[lo:hi], p.start, long_names), long_names

    return tokens


def content_hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


# --------------------------------------------------------------------------- disk cache


class ParseCache:
    """Parsed files on disk, keyed by content hash.

    Big batches (a cold index) go into one *pack* file, single files (edits)
    into loose files; both carry the cache version and the hashes they were
    made for. A pack is a header record followed by pickled
    ``{digest: ParsedFile}`` records, so parse workers' replies can be written
    as they are. An entry that fails to load, is from another version or does
    not match is ignored (and rewritten), never fatal. The newest few packs
    are kept.
    """

    KEEP_PACKS = 3

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.dir = Path(directory)
        self._packs: dict[str, ParsedFile] | None = None

    def _path(self, digest: str) -> Path:
        return self.dir / digest[:2] / f"{digest}.pickle"

    def _load_packs(self) -> dict[str, ParsedFile]:
        if self._packs is None:
            wait_writers()  # a pack this process is still writing
            self._packs = {}
            for path in self._pack_paths()[: self.KEEP_PACKS]:
                for digest, parsed in _read_pack(path):
                    self._packs.setdefault(digest, parsed)
        return self._packs

    def _pack_paths(self) -> list[Path]:
        try:
            found = list((self.dir / "packs").glob("*.pickle"))
        except OSError:
            return []
        return sorted(found, key=lambda p: p.stat().st_mtime if p.exists() else 0, reverse=True)

    def get_many(self, digests: Iterable[str]) -> dict[str, ParsedFile]:
        """The cached entries among ``digests``. Loose files are looked up by
        listing their folders, not by trying to open one per digest (a cold
        index would try thousands)."""
        packs = self._load_packs()
        out: dict[str, ParsedFile] = {}
        missing: dict[str, list[str]] = {}
        for d in digests:
            hit = packs.get(d)
            if hit is not None:
                out[d] = hit
            else:
                missing.setdefault(d[:2], []).append(d)
        for prefix, group in missing.items():
            try:
                present = set(os.listdir(self.dir / prefix))
            except OSError:
                continue
            for d in group:
                if f"{d}.pickle" in present:
                    hit = self._get_loose(d)
                    if hit is not None:
                        out[d] = hit
        return out

    def _get_loose(self, digest: str) -> ParsedFile | None:
        wait_writers()
        try:
            data = pickle.loads(self._path(digest).read_bytes())
        except Exception:
            return None
        if (
            isinstance(data, tuple)
            and len(data) == 3
            and data[0] == _cache_tag()
            and data[1] == digest
            and isinstance(data[2], ParsedFile)
        ):
            return data[2]
        return None

    def put(self, digest: str, parsed: ParsedFile) -> None:
        _write_atomic(self._path(digest), (_cache_tag(), digest, parsed))

    def put_many(self, items: dict[str, ParsedFile]) -> None:
        """Store a batch as one pack (one write instead of thousands)."""
        if len(items) < 16:
            for digest, parsed in items.items():
                self.put(digest, parsed)
            return
        self.put_records([pickle.dumps(items, pickle.HIGHEST_PROTOCOL)], items)

    def put_records(self, records: Sequence[PackRecord], items: dict[str, ParsedFile]) -> None:
        """Store ``records``, the pickled form of ``items`` in ``{digest:
        ParsedFile}`` pieces, as one pack."""
        self.remember(items)
        self.write_pack(records, items)

    def remember(self, items: dict[str, ParsedFile]) -> None:
        """Have this object answer for ``items`` at once, before (or
        without) their pack is written."""
        if self._packs is not None:
            self._packs.update(items)

    def write_pack(self, records: Sequence[PackRecord], items: dict[str, ParsedFile]) -> None:
        """Write the pack file of :meth:`put_records` (possibly in a
        :func:`~pgdrift.sources.forked.write_behind` child)."""
        name = content_hash("\0".join(sorted(items)))
        path = self.dir / "packs" / f"{name}.pickle"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(fd, "wb") as f:
                pickle.dump(_pack_header(), f, pickle.HIGHEST_PROTOCOL)
                for record in records:
                    if isinstance(record, dict):  # parsed here, not by a worker
                        record = pickle.dumps(record, pickle.HIGHEST_PROTOCOL)
                    f.write(record)
            os.replace(tmp, path)
        except OSError:
            return  # a read-only or full disk only costs speed
        for old in self._pack_paths()[self.KEEP_PACKS :]:
            with contextlib.suppress(OSError):
                old.unlink()


def _pack_header() -> tuple[str, tuple[int, str]]:
    return ("pgdrift parse pack", _cache_tag())


def _read_pack(path: Path) -> Iterator[tuple[str, ParsedFile]]:
    """The entries of a pack; a damaged or foreign one yields what precedes the damage."""
    try:
        stream = io.BytesIO(path.read_bytes())
        if pickle.load(stream) != _pack_header():
            return
        while stream.tell() < len(stream.getbuffer()):
            record = pickle.load(stream)
            if not isinstance(record, dict):
                return
            for digest, parsed in record.items():
                if isinstance(digest, str) and isinstance(parsed, ParsedFile):
                    yield digest, parsed
    except Exception:
        return


def _write_atomic(path: Path, data: object) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(data, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only or full disk only costs speed


def default_cache_dir(project_root: str | os.PathLike[str]) -> Path:
    """``.pgdrift/cache/migrations`` under the project (ignored by git)."""
    return Path(project_root) / ".pgdrift" / "cache" / "migrations"


# --------------------------------------------------------------------------- index


@dataclass
class _FileEntry:
    path: str
    text: str
    digest: str
    #: None until needed when the index was loaded from the result cache.
    parsed: ParsedFile | None


@dataclass
class MigrationIndex:
    """Incremental static schema of an ordered list of migration files.

    :meth:`update` re-parses only files whose text changed (and, with a
    :class:`ParseCache`, only texts never seen before) and resumes the replay
    from the last snapshot before the first changed file. With a cache, the
    whole result is also stored, keyed by every file's content hash, so an
    unchanged project loads without parsing or replaying anything.
    """

    schemas: tuple[str, ...] = ("public",)
    search_path: tuple[str, ...] = ("public",)
    display_path: tuple[str, ...] = ("public",)
    cache: ParseCache | None = None
    #: Major version of the Postgres to model.
    server_version: int = 15
    #: SQL applied before the first migration (Supabase platform stand-ins).
    prelude: str = ""
    #: Parse uncached files in worker processes when there are this many.
    parallel_threshold: int = 200
    #: Also cache (and load) the whole result, keyed by every file's hash.
    cache_results: bool = True
    #: Reuse the analyses of repeated stored expressions (defaults, checks,
    #: policies) while what they read is unchanged (sources/expr_memo.py).
    reuse_analyses: bool = True
    _files: list[_FileEntry] = field(default_factory=list)
    #: Snapshot of the state before file i, for i in the keys.
    _checkpoints: dict[int, State] = field(default_factory=dict)
    _issues: list[list[MigrationFinding]] = field(default_factory=list)
    _base: State | None = None
    _schema: Schema | None = None
    _findings: list[MigrationFinding] = field(default_factory=list)
    _frozen: FreezeCache = field(default_factory=dict)
    #: Analyses of stored expressions, reused across statements and updates.
    #: (Kept for the options they were made with.)
    _memo: tuple[Options, ExprMemo] | None = None
    #: False when the schema came from the result cache (no replay state yet).
    _replayed: bool = False
    #: The parse pack of the running update, until _write_caches writes it.
    _unwritten_pack: tuple[list[PackRecord], dict[str, ParsedFile]] | None = None
    #: How many files the last update parsed and replayed (for tests/benchmarks).
    last_parsed: int = 0
    last_replayed: int = 0
    #: How many expression analyses the last update reused.
    last_reused: int = 0

    @property
    def options(self) -> Options:
        return Options(self.schemas, self.search_path, self.display_path, self.server_version)

    def _base_state(self) -> State:
        if self._base is None:
            state = State()
            if self.prelude:
                r = Replayer(state, self.options)
                r.start_file()
                for op, _loc in parse_file(self.prelude).ops:
                    r.apply(op, None)
                r.mark_platform()
                state = r.state
            self._base = state
        return self._base

    def _result_key(self) -> str:
        h = hashlib.blake2b(digest_size=20)
        h.update(
            repr(
                (
                    _cache_tag(),
                    self.schemas,
                    self.search_path,
                    self.display_path,
                    self.server_version,
                )
            ).encode()
        )
        h.update(content_hash(self.prelude).encode())
        for e in self._files:
            h.update(b"\0" + e.path.encode("utf-8", "surrogatepass") + b"\0" + e.digest.encode())
        return h.hexdigest()

    @contextlib.contextmanager
    def _parsing(
        self, entries: Sequence[_FileEntry], idle: Callable[[], bool]
    ) -> Iterator[Iterator[_FileEntry]]:
        """An iterator over ``entries`` in order, each with ``parsed`` filled
        in: kept, from the cache, or parsed. Many files to parse go to worker
        processes in chunks, started on entering the context (the caller can
        set up its replay meanwhile); each entry comes out as soon as its
        chunk is back, so the replay overlaps the parsing of later files."""
        cached: dict[str, ParsedFile] = {}
        if self.cache is not None:
            cached = self.cache.get_many(e.digest for e in entries if e.parsed is None)
        todo: list[_FileEntry] = []
        for e in entries:
            if e.parsed is None:
                e.parsed = cached.get(e.digest)
            if e.parsed is None:
                todo.append(e)
        self.last_parsed += len(todo)
        workers = _parse_workers(len(todo), self.parallel_threshold)
        if not workers:
            for e in todo:
                e.parsed = parse_file(e.text)
            if self.cache is not None and todo:
                self.cache.put_many({e.digest: e.parsed for e in todo if e.parsed is not None})
            yield iter(entries)
            return
        chunks = _chunks(todo)
        records: list[PackRecord] = []
        items: dict[str, ParsedFile] = {}
        tasks = [[(e.digest, e.text) for e in c] for c in chunks]
        # Workers at a lower priority: the replay is the critical path (it is
        # serial, while any idle worker time is made up by the others).
        with ForkedMap(_parse_chunk, tasks, workers, nice=10) as pool:
            yield self._in_order(entries, chunks, pool, records, items, idle)
        if self.cache is not None:
            # Written with the result, behind the caller's back (_write_caches).
            self.cache.remember(items)
            self._unwritten_pack = (records, items)

    @staticmethod
    def _in_order(
        entries: Sequence[_FileEntry],
        chunks: list[list[_FileEntry]],
        pool: ForkedMap[list[tuple[str, str]]],
        records: list[PackRecord],
        items: dict[str, ParsedFile],
        idle: Callable[[], bool],
    ) -> Iterator[_FileEntry]:
        """``entries`` as the chunks that parse them come back, in order; what
        comes back is collected in ``records`` and ``items`` for the cache.
        While a chunk is not back, ``idle`` is called (it does a little work
        and says whether there is more); after that, rather than wait, this
        process parses the next chunk no worker has taken."""
        next_chunk = 0
        here: dict[int, dict[str, ParsedFile]] = {}  # chunks parsed in this process
        for e in entries:
            while e.parsed is None:
                chunk = chunks[next_chunk]
                while next_chunk not in here and not pool.ready(next_chunk):
                    if idle():
                        continue
                    taken = pool.steal()
                    if taken is None:
                        break  # every chunk is taken: wait for the workers
                    here[taken] = {c.digest: parse_file(c.text) for c in chunks[taken]}
                parsed = here.pop(next_chunk, None)
                record: PackRecord
                if parsed is not None:
                    record = parsed  # pickled when the pack is written
                else:
                    data = pool.result(next_chunk)
                    try:
                        got = pickle.loads(data) if data is not None else None
                    except Exception:
                        got = None
                    if isinstance(got, dict) and data is not None:
                        parsed, record = got, data
                    else:  # the worker died: parse this chunk here
                        record = parsed = {c.digest: parse_file(c.text) for c in chunk}
                next_chunk += 1
                for c in chunk:
                    c.parsed = parsed[c.digest]
                items.update(parsed)
                records.append(record)
                pool.poll()
            yield e

    def update(self, files: Sequence[tuple[str, str]]) -> tuple[Schema, list[MigrationFinding]]:
        """Bring the index up to date with ``files`` ((path, text), in order)."""
        # Indexing allocates many long-lived objects and no cycles worth
        # collecting: the cyclic GC would rescan the growing heap over and over.
        enabled = gc.isenabled()
        gc.disable()
        try:
            return self._update(files)
        finally:
            # What an update builds lives long. Left in the youngest
            # generation, the next collection (at the caller's next
            # allocation) would scan half a million objects, ~0.2 s after a
            # cold index; freezing then unfreezing moves them all to the
            # oldest generation at once (cycles among them are still freed
            # by a full collection).
            gc.freeze()
            gc.unfreeze()
            if enabled:
                gc.enable()

    def _update(self, files: Sequence[tuple[str, str]]) -> tuple[Schema, list[MigrationFinding]]:
        self.last_parsed = 0
        self.last_replayed = 0
        self.last_reused = 0
        reused = 0
        first_changed = None
        new_entries: list[_FileEntry] = []
        for i, (path, text) in enumerate(files):
            old = self._files[i] if i < len(self._files) else None
            if old is not None and old.path == path and (old.text is text or old.text == text):
                new_entries.append(old)
                continue
            if first_changed is None:
                first_changed = i
            new_entries.append(_FileEntry(path, text, content_hash(text), None))
        if first_changed is None and len(files) != len(self._files):
            first_changed = len(files)
        self._files = new_entries
        if first_changed is None and self._schema is not None:
            return self._schema, list(self._findings)
        if not self._replayed and self._load_result():
            return self._schema, list(self._findings)  # type: ignore[return-value]
        if not self._replayed:
            first_changed = 0  # no replay state yet: replay everything
        start = first_changed or 0
        # Resume from the last snapshot at or before the first changed file.
        for k in [k for k in self._checkpoints if k > start]:
            del self._checkpoints[k]
        resume = max((k for k in self._checkpoints if k <= start), default=0)
        del self._issues[resume:]
        prefreeze = _Prefreeze(self._frozen)
        with self._parsing(self._files[resume:], prefreeze) as parsed:
            # The prelude replays while the first files are parsed.
            state = (
                self._checkpoints[resume].copy()
                if resume in self._checkpoints
                else self._base_state().copy()
            )
            replayer = Replayer(state, self.options)
            if self.reuse_analyses:
                if self._memo is None or self._memo[0] != self.options:
                    self._memo = (self.options, ExprMemo())
                replayer.memo = self._memo[1]
                reused = replayer.memo.hits
            prefreeze.replayer = replayer
            for i, entry in enumerate(parsed, resume):
                if _checkpoint_at(i, len(self._files)):
                    self._checkpoints[i] = replayer.state.copy()
                self._issues.append(self._replay_file(replayer, entry))
                self.last_replayed += 1
        self._schema = replayer.freeze(self._frozen)
        self._replayed = True
        if replayer.memo is not None:
            self.last_reused = replayer.memo.hits - reused
        findings = [f for group in self._issues for f in group]
        findings.extend(_duplicate_versions([e.path for e in self._files]))
        self._findings = findings
        self._write_caches()
        return self._schema, list(findings)

    def _result_path(self) -> Path | None:
        if self.cache is None or not self.cache_results:
            return None
        return self.cache.dir / "results" / f"{self._result_key()}.pickle"

    def _load_result(self) -> bool:
        path = self._result_path()
        if path is None:
            return False
        wait_writers()  # a result this process is still writing
        try:
            data = pickle.loads(path.read_bytes())  # much faster than pickle.load(file)
        except Exception:
            return False
        if not isinstance(data, tuple) or len(data) != 3 or data[0] != _cache_tag():
            return False  # a foreign or outdated entry: rebuild
        schema, findings = data[1], data[2]
        if not isinstance(schema, Schema) or not (
            isinstance(findings, list) and all(isinstance(f, MigrationFinding) for f in findings)
        ):
            return False
        self._schema, self._findings = schema, findings
        return True

    def _write_caches(self) -> None:
        """Write the parse pack of this update and its result, in a forked
        child (:func:`~pgdrift.sources.forked.write_behind`): the caller has
        the schema without waiting for ~2 MB of pickling and writing. They
        are in this process's memory already (the schema, and the pack's
        records as the workers sent them) and nothing changes them."""
        cache, pack = self.cache, self._unwritten_pack
        self._unwritten_pack = None
        if cache is None:
            return
        path = self._result_path()
        result = (_cache_tag(), self._schema, self._findings)

        def write() -> None:
            if pack is not None:
                cache.write_pack(*pack)
            if path is not None:
                # Model objects pickle as constructor calls (model.fast_pickling).
                _write_atomic(path, result)

        if pack is not None or path is not None:
            write_behind(write)

    @staticmethod
    def _replay_file(replayer: Replayer, entry: _FileEntry) -> list[MigrationFinding]:
        path = entry.path
        assert entry.parsed is not None
        out = [
            MigrationFinding(code, message, Span(path, *loc), _severity(severity))
            for code, message, loc, severity in entry.parsed.problems
        ]
        replayer.start_file((op for op, _ in entry.parsed.ops), entry.parsed.statements)
        replayer.issues = []
        for op, loc in entry.parsed.ops:
            replayer.apply(op, Span(path, *loc))
        for span, issue in replayer.issues:
            out.append(
                MigrationFinding(
                    issue.code,
                    issue.message,
                    span or Span(path, 0, 0, 0, 0),
                    _severity(issue.severity),
                )
            )
        return out


class _Prefreeze:
    """Work for a replay waiting for parse results: freezing the relations
    made so far, a few at a time. The freeze at the end then reuses those
    that did not change since (the serial end of a cold index is shorter by
    as much, with a core idle while it runs)."""

    BATCH = 16

    def __init__(self, cache: FreezeCache) -> None:
        self.cache = cache
        #: Set once the replay starts.
        self.replayer: Replayer | None = None
        self._todo: Iterator[RelState] = iter(())

    def __call__(self) -> bool:
        if self.replayer is None:
            return False
        batch = list(itertools.islice(self._todo, self.BATCH))
        if not batch:
            # The relations made or changed since the last round (in the
            # schemas the model includes: only those are frozen).
            cache = self.cache
            schemas = self.replayer.options.schemas
            fresh = [
                r
                for r in self.replayer.state.relations.values()
                if id(r) not in cache and r.schema in schemas
            ]
            self._todo = iter(fresh)
            batch = list(itertools.islice(self._todo, self.BATCH))
            if not batch:
                return False
        self.replayer.prefreeze(self.cache, batch)
        return True


def _severity(value: str) -> Severity:
    return "error" if value == "error" else "warning" if value == "warning" else "info"


def _duplicate_versions(paths: Iterable[str]) -> list[MigrationFinding]:
    seen: dict[str, str] = {}
    out: list[MigrationFinding] = []
    for path in paths:
        m = _VERSION.match(path.rsplit("/", 1)[-1])
        if m is None:
            continue
        version = m.group(1)
        if version in seen:
            out.append(
                MigrationFinding(
                    "migration-duplicate-version",
                    f"version {version} is also used by {seen[version]}",
                    Span(path, 0, 0, 0, 0),
                    "error",
                )
            )
        else:
            seen[version] = path
    return out


def build_schema(
    files: Sequence[tuple[str, str]],
    schemas: Sequence[str] = ("public",),
    *,
    search_path: Sequence[str] = ("public",),
    display_path: Sequence[str] | None = None,
    prelude: str = "",
    cache_dir: str | os.PathLike[str] | None = None,
    server_version: int = 15,
) -> tuple[Schema, list[MigrationFinding]]:
    """The schema ``files`` ((path, text) in apply order) build, and findings.

    ``schemas`` are the schemas described in full (as for the catalog
    source); ``search_path`` is the session search_path each file starts
    with; ``display_path`` is the search_path of the session that would read
    the catalog (it decides which names ``format_type`` qualifies; default:
    ``search_path``). ``prelude`` is SQL replayed first (platform stand-ins).
    ``server_version`` is the Postgres major version modelled (Supabase's
    ``[db] major_version``): partitions inherit identity from 17 on, and
    extensions bring what that version's contrib modules bring.
    """
    index = MigrationIndex(
        schemas=tuple(schemas),
        search_path=tuple(search_path),
        display_path=tuple(display_path if display_path is not None else search_path),
        cache=ParseCache(cache_dir) if cache_dir is not None else None,
        prelude=prelude,
        server_version=server_version,
    )
    return index.update(files)


SUPABASE_SEARCH_PATH = ("public", "extensions")


def supabase_prelude() -> str:
    """The SQL of the Supabase stand-ins, in the order shadow replay applies
    them, so the static model starts from what the shadow database starts from."""
    from pgdrift.sources import shadow

    sections = shadow.standin_sections()
    parts = [sections.get("platform", "")]
    extensions: dict[str, str] = {}
    extensions.update(getattr(shadow, "_PLATFORM_EXTENSIONS", {}))
    extensions.update(getattr(shadow, "_CONVENIENCE_EXTENSIONS", {}))
    for name, schema in extensions.items():
        sql = sections.get(name)
        if sql is None:
            continue
        quoted = '"' + schema.replace('"', '""') + '"'
        parts.append(f"create schema if not exists {quoted};\n")
        parts.append(f'create extension if not exists "{name}" with schema {quoted};\n')
        parts.append(sql.replace("@extschema@", quoted))
    return "\n".join(parts)


def static_schema(
    files: Sequence[tuple[str, str | os.PathLike[str]]],
    schemas: Sequence[str],
    *,
    supabase: bool,
    cache_dir: str | os.PathLike[str] | None = None,
    server_version: int = 15,
) -> tuple[Schema, list[MigrationFinding]]:
    """The static model of a project: ``files`` are (display path, file path)
    in apply order; Supabase projects start from the platform stand-ins with
    Supabase's default search_path. Unreadable files become findings."""
    texts: list[tuple[str, str]] = []
    unreadable: list[MigrationFinding] = []
    for display, path in files:
        text, problem = read_migration_file(path, display)
        if problem is not None:
            unreadable.append(problem)
            continue
        texts.append((display, text))
    search_path = SUPABASE_SEARCH_PATH if supabase else ("public",)
    schema, findings = build_schema(
        texts,
        schemas,
        search_path=search_path,
        prelude=supabase_prelude() if supabase else "",
        cache_dir=cache_dir,
        server_version=server_version,
    )
    return schema, unreadable + findings


def read_migration_file(
    path: str | os.PathLike[str], display: str | None = None
) -> tuple[str, MigrationFinding | None]:
    """A file's text for :func:`build_schema`, or "" and a finding when it is
    unreadable, binary or not UTF-8 (a UTF-8 BOM is dropped)."""
    shown = display or str(path)
    where = Span(shown, 0, 0, 0, 0)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return "", MigrationFinding(
            "migration-unreadable-file", f"cannot read file: {exc.strerror}", where
        )
    if b"\x00" in data[:8192]:
        return "", MigrationFinding(
            "migration-binary-file", "binary file: not a SQL migration", where
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n")
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1)
        return "", MigrationFinding(
            "migration-unreadable-file",
            f"not UTF-8 (invalid byte 0x{data[exc.start]:02x})",
            Span(shown, line, col, line, col + 1),
        )


fast_pickling({"MigrationFinding": MigrationFinding, "ParsedFile": ParsedFile})
