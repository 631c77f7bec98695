"""Generated files are written atomically and only when their content changes."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from pgdrift.fsutil import WriteError, write_if_changed


def test_writes_new_file(tmp_path: Path) -> None:
    target = tmp_path / "types.ts"
    assert write_if_changed(target, "export type A = 1\n") is True
    assert target.read_text() == "export type A = 1\n"


def test_unchanged_content_is_not_rewritten(tmp_path: Path) -> None:
    target = tmp_path / "types.ts"
    target.write_text("same\n")
    before = target.stat().st_mtime_ns
    os.utime(target, ns=(before - 10_000_000, before - 10_000_000))
    stamped = target.stat().st_mtime_ns
    assert write_if_changed(target, "same\n") is False
    assert target.stat().st_mtime_ns == stamped


def test_missing_directory_is_a_clear_error(tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "dir" / "types.ts"
    with pytest.raises(WriteError, match="does not exist"):
        write_if_changed(target, "x")
    assert not (tmp_path / "no").exists()


def test_interrupted_write_keeps_old_file(tmp_path: Path) -> None:
    target = tmp_path / "types.ts"
    target.write_text("old content\n")

    def chunks() -> Iterator[str]:
        yield "new content, first half"
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_if_changed(target, chunks())
    assert target.read_text() == "old content\n"
    assert [p.name for p in tmp_path.iterdir()] == ["types.ts"], "temporary file left behind"


def test_keeps_file_mode(tmp_path: Path) -> None:
    target = tmp_path / "types.ts"
    target.write_text("a")
    target.chmod(0o640)
    write_if_changed(target, "b")
    assert target.stat().st_mode & 0o777 == 0o640
