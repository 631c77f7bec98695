"""The project's on-disk cache: ``.pgdrift/cache/``, safe to delete at any time.

What is stored here is derived from file contents alone and keyed by them
(content digests), under a fingerprint of pgdrift's own code: a cache written
by another version, a corrupt file, an unreadable or read-only folder all
mean "compute it again", never an error. Like ``.ruff_cache``, the folder
ignores itself: ``.pgdrift/.gitignore`` holds ``*``.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import tempfile
from functools import cache
from pathlib import Path

__all__ = ["PickleStore", "cache_dir", "code_fingerprint", "digest"]

#: Bump when the layout of the stores changes (the code fingerprint covers the rest).
FORMAT = 1


def digest(text: str) -> str:
    """A short content digest of ``text``."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def cache_dir(root: Path) -> Path | None:
    """``root/.pgdrift/cache``, created with ``.pgdrift/.gitignore``; None when it cannot
    be, or when ``PGDRIFT_NO_CACHE`` is set (to anything but "" or "0")."""
    if os.environ.get("PGDRIFT_NO_CACHE", "") not in ("", "0"):
        return None
    base = root / ".pgdrift"
    folder = base / "cache"
    try:
        if not folder.is_dir():
            folder.mkdir(parents=True, exist_ok=True)
        ignore = base / ".gitignore"
        if not ignore.exists():
            _write_atomic(ignore, b"# Created by pgdrift: its caches are not to be committed.\n*\n")
    except OSError:
        return None
    return folder


@cache
def code_fingerprint() -> str:
    """A digest of pgdrift's own files and the Python version: a new pgdrift
    (or an edited checkout) never reads what an old one cached."""
    package = Path(__file__).resolve().parent
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{FORMAT} {sys.version}".encode())
    for path in sorted(package.rglob("*")):
        if path.suffix not in (".py", ".json", ".sql") or "__pycache__" in path.parts:
            continue
        with contextlib.suppress(OSError):
            h.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


class PickleStore:
    """Named values in ``.pgdrift/cache/<name>.pickle``, each stored with the key
    it was computed for; :meth:`load` answers only for the same key."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._dir: Path | None = None
        self._tried = False

    @property
    def directory(self) -> Path | None:
        if not self._tried:
            self._tried = True
            self._dir = cache_dir(self.root)
        return self._dir

    def _path(self, name: str) -> Path | None:
        directory = self.directory
        return directory / f"{name}.pickle" if directory is not None else None

    def load(self, name: str, key: object) -> object | None:
        """The value stored under ``name`` for ``key``, or None."""
        path = self._path(name)
        if path is None:
            return None
        try:
            data = pickle.loads(path.read_bytes())
        except Exception:  # missing, truncated, foreign: all the same to a cache
            return None
        if (
            isinstance(data, tuple)
            and len(data) == 3
            and data[0] == code_fingerprint()
            and data[1] == key
        ):
            value: object = data[2]
            return value
        return None

    def store(self, name: str, key: object, value: object) -> None:
        path = self._path(name)
        if path is None:
            return
        try:
            payload = pickle.dumps((code_fingerprint(), key, value), pickle.HIGHEST_PROTOCOL)
        except Exception:  # something unpicklable: not cached, nothing lost
            return
        with contextlib.suppress(OSError):
            _write_atomic(path, payload)


def _write_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            os.fchmod(f.fileno(), 0o644)  # as a plain file would be, not mkstemp's 0600
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
