"""The real generator, ``supabase gen types typescript``, as a test oracle.

The Supabase CLI runs postgres-meta's ``dist/server/server.js`` in script mode
(``PG_META_GENERATE_TYPES``) inside its Docker image. This module runs the same
script from the npm package, pinned to the version the CLI pins and to the
prettier version that image is built with, so its stdout is what
``supabase gen types typescript --local`` prints.

The package is installed on first use into ``<repo>/.oracle/`` (git-ignored),
under a file lock so parallel test workers do not race, and reused afterwards.
A missing ``node`` or ``npm`` is an :class:`OracleError`, never a skip.
"""

from __future__ import annotations

import difflib
import fcntl
import json
import os
import shutil
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlencode

import psycopg

__all__ = [
    "ORACLE_DIR",
    "PACKAGE_JSON",
    "POSTGRES_META_VERSION",
    "PRETTIER_VERSION",
    "OracleError",
    "diff_report",
    "ensure_installed",
    "oracle_command",
    "oracle_env",
    "run_oracle",
    "to_url",
]

POSTGRES_META_VERSION = "0.96.6"
PRETTIER_VERSION = "3.5.3"
PACKAGE_JSON = {
    "private": True,
    "dependencies": {"@supabase/postgres-meta": POSTGRES_META_VERSION},
    "overrides": {"prettier": PRETTIER_VERSION},
}

REPO = Path(__file__).resolve().parents[1]
#: Where the generator is installed; ``PGDRIFT_ORACLE_DIR`` overrides it.
ORACLE_DIR = Path(os.environ.get("PGDRIFT_ORACLE_DIR") or REPO / ".oracle")
_PACKAGE = Path("node_modules", "@supabase", "postgres-meta")
_SERVER_JS = _PACKAGE / "dist" / "server" / "server.js"
_NPM_TIMEOUT = 600  # seconds: a cold install on a slow network
_RUN_TIMEOUT = 180  # seconds: one generator run


class OracleError(RuntimeError):
    """The real generator could not be installed or failed to run."""


def _installed_version(root: Path, package: str) -> str | None:
    try:
        meta = json.loads((root / "node_modules" / package / "package.json").read_text())
    except (OSError, ValueError):
        return None
    version = meta.get("version")
    return version if isinstance(version, str) else None


def _is_installed(root: Path) -> bool:
    try:
        manifest = json.loads((root / "package.json").read_text())
    except (OSError, ValueError):
        return False
    return (
        manifest == PACKAGE_JSON
        and (root / _SERVER_JS).is_file()
        and _installed_version(root, "@supabase/postgres-meta") == POSTGRES_META_VERSION
        and _installed_version(root, "prettier") == PRETTIER_VERSION
    )


@contextmanager
def _locked(root: Path) -> Iterator[None]:
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _require(program: str) -> str:
    path = shutil.which(program)
    if path is None:
        raise OracleError(
            f"`{program}` was not found on PATH: the compatibility tests need Node.js and npm "
            f"to run the real generator (@supabase/postgres-meta {POSTGRES_META_VERSION})"
        )
    return path


def ensure_installed(root: Path = ORACLE_DIR) -> Path:
    """Install the pinned generator into ``root`` unless it is there; return server.js."""
    if _is_installed(root):
        return root / _SERVER_JS
    npm = _require("npm")
    _require("node")
    with _locked(root):
        if not _is_installed(root):  # another worker may have finished meanwhile
            (root / "package.json").write_text(json.dumps(PACKAGE_JSON, indent=2) + "\n")
            try:
                done = subprocess.run(
                    [npm, "install", "--ignore-scripts", "--no-audit", "--no-fund"],
                    cwd=root,
                    capture_output=True,
                    text=True,
                    timeout=_NPM_TIMEOUT,
                )
            except subprocess.TimeoutExpired as exc:
                raise OracleError(
                    f"npm install timed out after {exc.timeout} s in {root}"
                ) from None
            if done.returncode != 0:
                raise OracleError(
                    f"npm install failed in {root} (exit {done.returncode}):\n"
                    f"{done.stderr.strip() or done.stdout.strip()}"
                )
            if not _is_installed(root):
                found = _installed_version(root, "@supabase/postgres-meta")
                prettier = _installed_version(root, "prettier")
                raise OracleError(
                    f"npm install in {root} did not produce the pinned generator: "
                    f"postgres-meta {found}, prettier {prettier} (wanted "
                    f"{POSTGRES_META_VERSION} with prettier {PRETTIER_VERSION})"
                )
    return root / _SERVER_JS


def to_url(conninfo: str) -> str:
    """A ``postgresql://`` URL for node-postgres from a URL or a libpq key=value string."""
    if conninfo.startswith(("postgresql://", "postgres://")):
        return conninfo
    info = {k: str(v) for k, v in psycopg.conninfo.conninfo_to_dict(conninfo).items() if v}
    user = quote(info.pop("user", ""), safe="")
    password = info.pop("password", None)
    userinfo = f"{user}:{quote(password, safe='')}@" if password is not None else f"{user}@"
    host = info.pop("host", "")
    port = info.pop("port", "")
    dbname = quote(info.pop("dbname", ""), safe="")
    params: dict[str, str] = {}
    if host.startswith("/"):  # a Unix socket directory: node-postgres takes it as ?host=
        params["host"] = host  # (the URL itself needs some host to be valid)
        host = "localhost"
    netloc = f"{userinfo}{host}{':' + port if port else ''}"
    for key in ("sslmode", "application_name", "options"):
        if key in info:
            params[key] = info[key]
    query = f"?{urlencode(params)}" if params else ""
    return f"postgresql://{netloc}/{dbname}{query}"


def oracle_env(url: str, schemas: Sequence[str], lang: str = "typescript") -> dict[str, str]:
    """The whole environment of a generator run, as the Supabase CLI sets it (env -i)."""
    return {
        "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "LANG": "C.UTF-8",
        "PG_META_DB_URL": to_url(url),
        "PG_META_GENERATE_TYPES": lang,
        "PG_META_GENERATE_TYPES_INCLUDED_SCHEMAS": ",".join(schemas),
        "PG_META_GENERATE_TYPES_DETECT_ONE_TO_ONE_RELATIONSHIPS": "true",
    }


def oracle_command() -> list[str]:
    """``node …/server.js``, installing the generator first if needed."""
    server_js = ensure_installed()
    return [_require("node"), str(server_js)]


def run_oracle(url: str, schemas: Sequence[str], lang: str = "typescript") -> str:
    """What ``supabase gen types <lang> --local --schema …`` prints for this database.

    Returns stdout exactly (UTF-8, nothing stripped); raises :class:`OracleError`
    with the generator's stderr when it fails.
    """
    command = oracle_command()
    try:
        done = subprocess.run(
            command,
            env=oracle_env(url, schemas, lang),
            cwd=ORACLE_DIR,
            capture_output=True,
            timeout=_RUN_TIMEOUT,
        )
    except subprocess.TimeoutExpired as exc:
        raise OracleError(f"the generator timed out after {exc.timeout} s") from None
    if done.returncode != 0:
        stderr = done.stderr.decode("utf-8", "replace").strip()
        raise OracleError(f"the generator failed (exit {done.returncode}):\n{stderr}")
    return done.stdout.decode("utf-8")


def diff_report(expected: str, actual: str, *, limit: int = 80) -> str:
    """Where pgdrift's text departs from the generator's: the first differing line (repr, so
    invisible characters show) and the first ``limit`` lines of a unified diff."""
    exp_lines = expected.splitlines(keepends=True)
    act_lines = actual.splitlines(keepends=True)
    first = next(
        (i for i, (e, a) in enumerate(zip(exp_lines, act_lines, strict=False)) if e != a),
        min(len(exp_lines), len(act_lines)),
    )
    head = (
        f"first difference at line {first + 1}:\n"
        f"  expected {exp_lines[first] if first < len(exp_lines) else '<end of text>'!r}\n"
        f"  actual   {act_lines[first] if first < len(act_lines) else '<end of text>'!r}\n"
    )
    diff = list(
        difflib.unified_diff(
            exp_lines,
            act_lines,
            fromfile=f"supabase gen types (postgres-meta {POSTGRES_META_VERSION})",
            tofile="pgdrift",
        )
    )
    shown = [
        line if line.endswith("\n") else f"{line}\n\\ No newline at end of file\n"
        for line in diff[:limit]
    ]
    if len(diff) > limit:
        shown.append(f"... {len(diff) - limit} more diff lines\n")
    return head + "".join(shown)
