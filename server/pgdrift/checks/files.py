"""Reading a project's source files: the one place checks touch the disk.

Checks receive a :class:`FileReader`, so the language server can pass one
that serves unsaved editor buffers, and tests can count reads. Files that
cannot be read as UTF-8 text (binary, another encoding, a symlink loop, too
large) raise :class:`UnreadableFileError`; checks turn that into a PGD003
finding and go on with the other files.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from pgdrift.checks.finding import Finding, Severity, check
from pgdrift.model import Span

#: Larger files are not source code anyone edits by hand (bundles, dumps).
MAX_FILE_BYTES = 8 * 1024 * 1024

#: Directories never walked: dependencies, build output, caches, VCS data.
SKIPPED_DIRS = frozenset(
    {
        "node_modules",
        "bower_components",
        "venv",
        "env",
        "__pycache__",
        "site-packages",
        "dist",
        "build",
        "out",
        "coverage",
        "target",
    }
)


class UnreadableFileError(Exception):
    """A file is not readable UTF-8 text; ``reason`` says why in a few words."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class FileReader(Protocol):
    """What checks need from a file system."""

    def read_text(self, path: Path) -> str:
        """The file's text; raises :class:`UnreadableFileError`."""
        ...

    def is_file(self, path: Path) -> bool: ...

    def is_dir(self, path: Path) -> bool: ...


class DiskReader:
    """Reads files from disk, preferring ``overlay`` (unsaved buffers by path).

    Texts and existence checks are cached until :meth:`invalidate`: one
    check run reads a barrel file once however many importers lead to it.
    Whoever watches the files (the language server) invalidates changed,
    created and deleted paths.
    """

    def __init__(self, overlay: Mapping[Path, str] | None = None) -> None:
        self._overlay = dict(overlay or {})
        self._cache: dict[Path, str | UnreadableFileError] = {}
        self._files: dict[Path, bool] = {}
        self._dirs: dict[Path, bool] = {}

    def read_text(self, path: Path) -> str:
        if path in self._overlay:
            return self._overlay[path]
        cached = self._cache.get(path)
        if cached is None:
            try:
                cached = read_source(path)
            except UnreadableFileError as exc:
                cached = exc
            self._cache[path] = cached
        if isinstance(cached, UnreadableFileError):
            raise cached
        return cached

    # Module resolution probes many candidate paths per import; the answers
    # are cached like the texts, and forgotten by :meth:`invalidate`.
    def is_file(self, path: Path) -> bool:
        if path in self._overlay:
            return True
        known = self._files.get(path)
        if known is None:
            known = self._files[path] = path.is_file()
        return known

    def is_dir(self, path: Path) -> bool:
        known = self._dirs.get(path)
        if known is None:
            known = self._dirs[path] = path.is_dir()
        return known

    def set_overlay(self, path: Path, text: str | None) -> None:
        """Serve ``text`` for ``path`` (an open editor buffer); None removes it."""
        if text is None:
            self._overlay.pop(path, None)
        else:
            self._overlay[path] = text
        self._cache.pop(path, None)

    def invalidate(self, path: Path | None = None) -> None:
        """Forget cached texts (all of them when ``path`` is None)."""
        if path is None:
            self._cache.clear()
            self._files.clear()
            self._dirs.clear()
        else:
            self._cache.pop(path, None)
            self._files.pop(path, None)
            # A created or deleted file changes what its directories contain.
            for parent in path.parents:
                self._dirs.pop(parent, None)
            self._dirs.pop(path, None)


def read_source(path: Path) -> str:
    """Read a UTF-8 text file (a BOM is dropped); raise :class:`UnreadableFileError`."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise UnreadableFileError(path, f"too large ({size} bytes), skipped")
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFileError(path, _os_reason(exc)) from None
    if b"\x00" in data[:8192]:
        raise UnreadableFileError(path, "binary file (contains NUL bytes), skipped")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise UnreadableFileError(
            path,
            f"not UTF-8 (byte 0x{data[exc.start]:02x} on line {line}), skipped",
        ) from None


def _os_reason(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symlink loop, skipped"
    if exc.errno == errno.ENOENT:
        return "no such file (a dangling symlink?), skipped"
    return f"{exc.strerror or exc}, skipped"


@dataclass(frozen=True, slots=True)
class WalkProblem:
    path: Path
    reason: str


def walk_files(
    root: Path, suffixes: frozenset[str], problems: list[WalkProblem] | None = None
) -> Iterator[Path]:
    """Files under ``root`` whose name ends with one of ``suffixes``, in path order.

    Symlinked directories are followed once: a link back into a directory
    already being walked is a loop, noted in ``problems`` and not followed.
    Hidden directories and :data:`SKIPPED_DIRS` are not entered.
    """
    walked: set[tuple[int, int]] = set()
    ancestors: set[tuple[int, int]] = set()

    def walk(directory: Path) -> Iterator[Path]:
        try:
            stat = directory.stat()
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            if problems is not None:
                problems.append(WalkProblem(directory, _os_reason(exc)))
            return
        key = (stat.st_dev, stat.st_ino)
        if key in ancestors and problems is not None:
            problems.append(WalkProblem(directory, "symlink loop, not followed"))
        if key in walked:  # a loop, or a second link to a directory already walked
            return
        walked.add(key)
        ancestors.add(key)
        for entry in entries:
            path = Path(entry.path)
            try:
                is_dir = entry.is_dir()  # follows symlinks
            except OSError:
                is_dir = False
            if is_dir:
                if entry.name.startswith(".") or entry.name in SKIPPED_DIRS:
                    continue
                yield from walk(path)
            elif entry.name.endswith(tuple(suffixes)):
                yield path
        ancestors.discard(key)

    yield from walk(root)


UNREADABLE_FILE = check(
    "PGD003",
    "unreadable-file",
    Severity.WARNING,
    """A source file could not be read, so it was not checked.

    ## What it does
    Reports a file that a check needed but could not read as UTF-8 text: a
    binary or non-UTF-8 file, a symlink loop, a dangling link, a file larger
    than 8 MiB. The other files are still checked.

    ## Why
    A file pgdrift silently skipped is a file whose imports or references
    nobody checked. Saying so keeps a clean run meaningful.

    ## Example
    `src/legacy.ts` saved as Latin-1:

    ```text
    src/legacy.ts:1:1: PGD003 cannot read src/legacy.ts: not UTF-8 (byte 0xe9 on line 3), skipped
    ```
    """,
)


def unreadable_finding(path: Path, reason: str, display: str | None = None) -> Finding:
    """A PGD003 finding on the first line of ``path``."""
    name = display or str(path)
    return UNREADABLE_FILE.finding(f"cannot read {name}: {reason}", Span(str(path), 0, 0, 0, 0))
