"""ForkedMap: results in forked workers, in order, surviving dead workers."""

from __future__ import annotations

import os
import pickle

import pytest

from pgdrift.sources.forked import ForkedMap


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
