"""Results of a function over many tasks, computed in forked worker processes.

A cold index parses thousands of files in worker processes while its replay
consumes the results in order. ``concurrent.futures`` feeds its workers from
a thread of the parent, and that thread waits for the GIL while the replay
runs: on two cores the workers sat idle for ~15% of the index. Here there is
no thread at all. The tasks are in the workers' memory when they are forked;
their numbers wait in a pipe, from which each worker takes the next one when
it is free (a read of four bytes from a pipe is atomic, so no lock is needed
and a worker that dies holds nothing up); the parent, rather than wait for a
result, may take the next task from the same pipe and compute it itself
(:meth:`ForkedMap.steal`). Each worker writes its results, tagged
with their task numbers, to its own pipe; the parent reads a result when it
needs it, and drains the pipes now and then so that no worker waits on a
full one.

A worker that dies (killed, out of memory, an exception in the function)
just stops: :meth:`ForkedMap.result` returns None for a task it took, once
every worker is gone, and the caller computes that one itself. Only for
Linux, in a process with one thread (forking a threaded process can
deadlock the child).

:func:`write_behind` runs a cache write in a forked child, so that the
caller has its result without waiting for the write.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import os
import select
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")

_HEADER = 12  # a result's task number (4 bytes) and length (8), little-endian
_PIPE_SIZE = 1 << 20  # Linux lets any process grow a pipe to 1 MB


def can_fork() -> bool:
    """Whether this process may fork workers: Linux, and no other thread
    (forking a process that runs other threads can deadlock the child)."""
    return sys.platform.startswith("linux") and threading.active_count() == 1


#: Children running a write_behind, until waited for.
_writers: list[int] = []


def write_behind(write: Callable[[], object]) -> None:
    """Run ``write`` (a cache write nothing waits for) in a forked child and
    return at once; run it here when this process cannot fork.

    The child sees this process's memory as it is now, so what it writes
    needs no copying or pickling here. A reader of what such a write
    produces calls :func:`wait_writers` first; so does this process when it
    exits, so that a later process finds the write done.
    """
    _reap(block=False)
    pid = -1
    if can_fork():
        with contextlib.suppress(OSError):
            pid = os.fork()
    if pid == 0:
        status = 1
        try:
            write()
            status = 0
        finally:
            os._exit(status)  # never back into the parent's code or exit handlers
    if pid < 0:
        write()
    else:
        _writers.append(pid)


def wait_writers() -> None:
    """Wait until every :func:`write_behind` of this process is done."""
    _reap(block=True)


def _reap(*, block: bool) -> None:
    for pid in list(_writers):
        try:
            done, _status = os.waitpid(pid, 0 if block else os.WNOHANG)
        except ChildProcessError:
            done = pid  # reaped elsewhere
        if done:
            _writers.remove(pid)


atexit.register(wait_writers)


class ForkedMap(Generic[T]):
    """``fn(task)`` for every task, in ``workers`` forked processes, handed
    out in order.

    Use as a context manager: leaving it stops the workers that still run
    (the caller may stop early) and reaps them.
    """

    def __init__(
        self, fn: Callable[[T], bytes], tasks: Sequence[T], workers: int, *, nice: int = 0
    ) -> None:
        self._pids: list[int] = []
        self._fds: list[int] = []  # results from each worker, until it is done
        self._buffers: dict[int, bytearray] = {}
        self._results: dict[int, bytes] = {}
        queue_r, queue_w = os.pipe()
        #: The queue's read end, kept for steal() (-1 once it is empty).
        self._queue = queue_r
        with contextlib.suppress(AttributeError, OSError):
            fcntl.fcntl(queue_w, fcntl.F_SETPIPE_SZ, _PIPE_SIZE)
        numbers = b"".join(i.to_bytes(4, "little") for i in range(len(tasks)))
        try:
            # All written before any worker starts: a worker can never see
            # part of a number, and sees the end of the queue once it is empty.
            os.set_blocking(queue_w, False)
            written = os.write(queue_w, numbers) if numbers else 0
        except BlockingIOError:
            written = 0
        finally:
            os.close(queue_w)
        if written < len(numbers):
            os.close(queue_r)
            self._queue = -1
            raise ValueError(f"{len(tasks)} tasks: more than one ForkedMap can queue")
        try:
            for _ in range(max(1, min(workers, len(tasks)))):
                read_fd, write_fd = os.pipe()
                with contextlib.suppress(AttributeError, OSError):
                    fcntl.fcntl(write_fd, fcntl.F_SETPIPE_SZ, _PIPE_SIZE)
                pid = os.fork()
                if pid == 0:  # the worker: never returns
                    _work(fn, tasks, queue_r, write_fd, [read_fd, *self._fds], nice)
                os.close(write_fd)
                self._pids.append(pid)
                self._fds.append(read_fd)
                self._buffers[read_fd] = bytearray()
        except BaseException:
            self.close()  # fork failed part way: stop the workers already started
            raise

    def __enter__(self) -> ForkedMap[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def result(self, i: int) -> bytes | None:
        """``fn(tasks[i])``, waiting for it if need be; None if the worker
        that took it died. Each result can be taken once."""
        while i not in self._results:
            if not self._fds:
                return None
            ready, _, _ = select.select(self._fds, [], [])
            for fd in ready:
                self._read(fd)
        return self._results.pop(i)

    def ready(self, i: int) -> bool:
        """Whether :meth:`result` would return at once for task ``i``."""
        self.poll()
        return i in self._results or not self._fds

    def poll(self) -> None:
        """Read what the workers have written so far, without waiting."""
        if self._fds:
            ready, _, _ = select.select(self._fds, [], [], 0)
            for fd in ready:
                self._read(fd)

    def steal(self) -> int | None:
        """Take the next task no worker has taken, for the caller to compute
        itself (no worker will): a caller that would wait for a result does
        useful work instead. None when every task is taken."""
        if self._queue < 0:
            return None
        # The numbers were all written before the workers started and the
        # write end is closed: this read never waits.
        number = os.read(self._queue, 4)
        if len(number) == 4:
            return int.from_bytes(number, "little")
        os.close(self._queue)
        self._queue = -1
        return None

    def close(self) -> None:
        if self._queue >= 0:
            os.close(self._queue)
            self._queue = -1
        for fd in self._fds:
            os.close(fd)
        self._fds.clear()
        for pid in self._pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)  # no-op for one that has exited
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
        self._pids.clear()

    def _read(self, fd: int) -> None:
        data = os.read(fd, _PIPE_SIZE)
        if not data:  # the worker is done (or dead)
            self._fds.remove(fd)
            os.close(fd)
            return
        buf = self._buffers[fd]
        buf += data
        while len(buf) >= _HEADER:
            size = int.from_bytes(buf[4:_HEADER], "little")
            if len(buf) < _HEADER + size:
                break
            self._results[int.from_bytes(buf[:4], "little")] = bytes(buf[_HEADER : _HEADER + size])
            del buf[: _HEADER + size]


def _work(
    fn: Callable[[T], bytes],
    tasks: Sequence[T],
    queue: int,
    write_fd: int,
    inherited: list[int],
    nice: int,
) -> None:
    status = 1
    try:
        for fd in inherited:
            os.close(fd)
        if nice:
            with contextlib.suppress(OSError):
                os.nice(nice)
        while len(number := os.read(queue, 4)) == 4:
            i = int.from_bytes(number, "little")
            data = fn(tasks[i])
            out = memoryview(i.to_bytes(4, "little") + len(data).to_bytes(8, "little") + data)
            while out:
                out = out[os.write(write_fd, out) :]
        status = 0
    finally:
        # Never return into the parent's code, flush its buffers or run its
        # exit handlers: leave at once, whatever happened.
        os._exit(status)
