"""The embedded Postgres: starts fast, works, and leaves nothing behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psycopg
import pytest

from pgdrift import embedded
from pgdrift.embedded import EmbeddedPostgres

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX only")


def _alive(pid: int) -> bool:
    """True for a live process (zombies count as dead: nobody may reap them here)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _descendants(pid: int) -> list[int]:
    return embedded._children_of(pid)


def _wait_gone(pids: list[int], timeout: float = 10.0) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        left = [p for p in pids if _alive(p)]
        if not left:
            return []
        time.sleep(0.05)
    return [p for p in pids if _alive(p)]


class Boom(Exception):
    pass


def test_start_connect_stop_even_on_error() -> None:
    directory: Path | None = None
    pid: int | None = None
    with pytest.raises(Boom), EmbeddedPostgres() as pg:
        assert pg.url.startswith("postgresql://postgres@127.0.0.1:")
        assert pg.url.endswith("/postgres")
        directory, pid = pg.directory, pg.pid
        with psycopg.connect(pg.url, autocommit=True) as conn:
            version = conn.execute("show server_version_num").fetchone()
            assert version is not None and int(version[0]) >= 180000
            conn.execute("create extension citext")
            conn.execute("create table t (name citext primary key)")
            conn.execute("insert into t values ('Alice')")
            row = conn.execute("select count(*) from t where name = 'ALICE'").fetchone()
            assert row == (1,)
            assert pid is not None
            backends = _descendants(pid)
            assert backends  # checkpointer, walwriter, our backend...
        raise Boom
    assert not pg.running
    assert directory is not None and pid is not None
    assert not directory.exists()
    assert _wait_gone([pid, *backends]) == []
    with pytest.raises(embedded.EmbeddedPostgresError):
        _ = pg.url
    pg.stop()  # idempotent


CHILD = textwrap.dedent(
    """
    import sys, time
    from pgdrift.embedded import EmbeddedPostgres
    with EmbeddedPostgres() as pg:
        print(pg.pid, pg.directory, flush=True)
        time.sleep(60)
    """
)


def _start_child() -> tuple[subprocess.Popen[str], int, Path]:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    line = child.stdout.readline().split()
    assert line, child.stderr.read() if child.stderr else "no output"
    return child, int(line[0]), Path(line[1])


def test_ctrl_c_stops_the_server() -> None:
    child, pid, directory = _start_child()
    assert _alive(pid) and directory.exists()
    child.send_signal(signal.SIGINT)
    child.wait(30)
    assert _wait_gone([pid]) == []
    assert not directory.exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux-only")
def test_killed_owner_takes_the_server_down() -> None:
    child, pid, directory = _start_child()
    child.kill()  # no chance to clean up
    child.wait(30)
    assert _wait_gone([pid]) == []
    # The directory outlives a SIGKILL; the next start (maybe another test
    # process's) sweeps it.
    embedded._sweep_orphans()
    assert not directory.exists()
