"""ForkedMap: results in forked workers, in order, surviving dead workers;
write_behind: cache writes in a forked child, waited for by readers and at exit."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from pgdrift.sources.forked import ForkedMap, wait_writers, write_behind


def square(n: int) -> bytes:
    return pickle.dumps(n * n)


def test_every_result_comes_back_whatever_order_it_is_asked_in() -> None:
    tasks = list(range(200))
    with ForkedMap(square, tasks, 3) as pool:
        got = {i: pickle.loads(pool.result(i) or b"") for i in reversed(tasks)}
    assert got == {n: n * n for n in tasks}


def test_big_results_pass_through_the_pipes() -> None:
    def big(n: int) -> bytes:
        return bytes([n % 256]) * 3_000_000  # more than a pipe holds

    with ForkedMap(big, list(range(4)), 2) as pool:
        for i in range(4):
            pool.poll()
            assert pool.result(i) == bytes([i]) * 3_000_000


def test_a_worker_that_dies_loses_only_the_task_it_held() -> None:
    parent = os.getpid()

    def fragile(n: int) -> bytes:
        if n == 7 and os.getpid() != parent:
            os._exit(1)  # as a worker killed by the OOM killer would
        return square(n)

    with ForkedMap(fragile, list(range(40)), 2) as pool:
        results = [pool.result(i) for i in range(40)]
    assert results[7] is None
    assert [pickle.loads(r) for i, r in enumerate(results) if i != 7 and r is not None] == [
        i * i for i in range(40) if i != 7
    ]


def test_a_stolen_task_is_computed_by_the_caller_alone() -> None:
    parent = os.getpid()

    def slow_in_workers(n: int) -> bytes:
        if os.getpid() != parent:
            time.sleep(0.02)  # the workers lag, so the queue still holds tasks
        return pickle.dumps((n, os.getpid()))

    tasks = list(range(30))
    stolen: list[int] = []
    with ForkedMap(slow_in_workers, tasks, 2) as pool:
        while (i := pool.steal()) is not None:
            stolen.append(i)
        assert pool.steal() is None  # and it stays so
        from_workers = {}
        for i in tasks:
            if i not in stolen:
                data = pool.result(i)
                assert data is not None
                from_workers[i] = pickle.loads(data)
    assert stolen, "the caller found no task left to take"
    assert stolen == sorted(stolen)  # handed out in order
    # Every task went to exactly one side, and no worker ran a stolen one.
    assert sorted(stolen + list(from_workers)) == tasks
    assert all(n == i and pid != parent for i, (n, pid) in from_workers.items())


def test_an_exception_in_a_worker_costs_its_task() -> None:
    def failing(n: int) -> bytes:
        if n == 3:
            raise ValueError("bad input")
        return square(n)

    with ForkedMap(failing, list(range(10)), 2) as pool:
        assert pool.result(3) is None
        assert pool.result(9) is not None


def test_leaving_early_stops_and_reaps_the_workers() -> None:
    def slow(n: int) -> bytes:
        import time

        time.sleep(0.05)
        return square(n)

    pool = ForkedMap(slow, list(range(1000)), 2)
    pids = list(pool._pids)
    with pool:
        assert pool.result(0) == square(0)
    for pid in pids:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # already reaped


def test_more_tasks_than_can_be_queued_is_an_error_not_a_hang() -> None:
    with pytest.raises(ValueError, match="more than one ForkedMap can queue"):
        ForkedMap(square, range(400_000), 2)


def test_write_behind_writes_in_a_child_that_readers_wait_for(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_behind(lambda: out.write_text(str(os.getpid())))
    wait_writers()
    assert out.read_text() != str(os.getpid())


def test_write_behind_writes_here_while_other_threads_run(tmp_path: Path) -> None:
    out = tmp_path / "out"
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        write_behind(lambda: out.write_text(str(os.getpid())))
        assert out.read_text() == str(os.getpid())  # done before it returned
    finally:
        stop.set()
        thread.join()


def test_a_failed_write_behind_stays_in_its_child(tmp_path: Path) -> None:
    write_behind(lambda: 1 / 0)
    wait_writers()
    out = tmp_path / "out"
    write_behind(lambda: out.write_text("next"))
    wait_writers()
    assert out.read_text() == "next"


def test_a_process_exits_after_its_writes_behind(tmp_path: Path) -> None:
    out = tmp_path / "out"
    script = (
        "import time, pathlib\n"
        "from pgdrift.sources.forked import write_behind\n"
        "def write():\n"
        "    time.sleep(0.5)\n"
        f"    pathlib.Path({str(out)!r}).write_text('done')\n"
        "write_behind(write)\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
    assert out.read_text() == "done"
