"""Writing generated files safely: atomically, and only when they change."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path


class WriteError(Exception):
    """A file could not be written; the message names the path and the reason."""


def write_if_changed(path: Path, chunks: str | Iterable[str]) -> bool:
    """Write ``chunks`` to ``path`` atomically; return False when the content is unchanged.

    The text goes to a temporary file in the same directory, is flushed to
    disk, then renamed over the target, so a reader (or an interrupted run)
    sees either the old file or the new one, never a mixture. A missing
    directory is an error rather than something to create: a typo in
    ``--out`` should not scatter folders around the repository.
    """
    text = chunks if isinstance(chunks, str) else None
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise WriteError(f"cannot write {path}: directory {directory} does not exist")
    if text is not None and _same_content(path, text):
        return False
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            for chunk in [text] if text is not None else chunks:
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        if text is None and _same_content(path, tmp.read_text(encoding="utf-8")):
            tmp.unlink()
            return False
        if path.exists():
            with contextlib.suppress(OSError):
                os.chmod(tmp, path.stat().st_mode & 0o7777)
        else:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError):
            raise WriteError(f"cannot write {path}: {exc.strerror or exc}") from None
        raise
    return True


def _same_content(path: Path, text: str) -> bool:
    try:
        return path.read_bytes() == text.encode("utf-8")
    except OSError:
        return False


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
