"""The state of one project: configuration, files, and the schemas derived from them.

A :class:`Project` is what the CLI and (later) the language server hold. It
knows where things are (configuration, migrations, type files, database
URLs) and computes each derived schema at most once per instance; a front
end that sees files change makes a new instance or calls :meth:`invalidate`.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pgdrift.cache import PickleStore
from pgdrift.checks.facts import SourceFacts
from pgdrift.checks.files import DiskReader, FileReader
from pgdrift.config import Config, load_config
from pgdrift.migrations_files import MigrationSet, find_migrations
from pgdrift.model import Schema

if TYPE_CHECKING:
    from pgdrift.sources.shadow import MigrationFailed

DatabaseName = Literal["local", "remote"]


@dataclass
class Project:
    root: Path
    config: Config
    reader: FileReader = field(default_factory=DiskReader)
    _migrations: MigrationSet | None = field(default=None, init=False, repr=False)
    _schemas: dict[str, Schema] = field(default_factory=dict, init=False, repr=False)
    _shadow_failure: MigrationFailed | None = field(default=None, init=False, repr=False)
    _store: PickleStore | None = field(default=None, init=False, repr=False)
    _facts: SourceFacts | None = field(default=None, init=False, repr=False)
    _shadow_job: Future[Schema] | None = field(default=None, init=False, repr=False)
    _shadow_major: int | None = field(default=None, init=False, repr=False)

    @classmethod
    def load(cls, root: Path) -> Project:
        root = root.resolve()
        return cls(root=root, config=load_config(root))

    @property
    def schemas(self) -> list[str]:
        """The schemas generated types include (SPEC §4a ``schemas``)."""
        return list(self.config.schemas)

    @property
    def migrations(self) -> MigrationSet:
        if self._migrations is None:
            # Written in the config file (on any line: the first one is line 0).
            explicit = (
                self.config.path is not None
                and self.config.key_lines.get(("migrations",)) is not None
            )
            globs = self.config.migrations if explicit else None
            self._migrations = find_migrations(self.root, globs)
        return self._migrations

    @property
    def store(self) -> PickleStore:
        """The project's on-disk cache (``.pgdrift/cache``)."""
        if self._store is None:
            self._store = PickleStore(self.root)
        return self._store

    @property
    def facts(self) -> SourceFacts:
        """Parsed per-file facts, shared by the check families and kept on disk."""
        if self._facts is None:
            self._facts = SourceFacts(self.store)
        return self._facts

    def database_url(self, which: DatabaseName) -> str | None:
        """The URL of the local or remote database, from its environment variable."""
        ref = self.config.local_db if which == "local" else self.config.remote_db
        return ref.url()

    def database_env(self, which: DatabaseName) -> str:
        ref = self.config.local_db if which == "local" else self.config.remote_db
        return ref.env

    def shadow_schema(self, server_url: str | None = None) -> Schema:
        """What the migrations build, replayed into a scratch Postgres (cached).

        A migration that fails raises :class:`MigrationFailed`; the failure is
        cached too, so the migrations are replayed at most once either way.
        A replay :meth:`prefetch_shadow` started is waited for (without
        ``server_url``: it replays on the embedded server).
        """
        if self._shadow_failure is not None:
            raise self._shadow_failure
        cached = self._schemas.get("shadow")
        if cached is None:
            from pgdrift.sources.shadow import MigrationFailed

            job, self._shadow_job = self._shadow_job, None
            try:
                if job is not None and server_url is None:
                    cached = job.result()
                else:
                    cached = self._replay(server_url)
            except MigrationFailed as exc:
                self._shadow_failure = exc
                raise
            self._schemas["shadow"] = cached
        return cached

    def prefetch_shadow(self) -> None:
        """Start replaying the migrations in a background thread, for
        :meth:`shadow_schema` to wait for.

        The replay mostly waits for Postgres: the checks that need no database
        run meanwhile. The thread is a daemon: an interrupted run does not
        wait for it (the embedded server stops at exit all the same).
        """
        if (
            self._shadow_job is not None
            or "shadow" in self._schemas
            or self._shadow_failure is not None
            or not self.migrations.files
        ):
            return
        job: Future[Schema] = Future()

        def work() -> None:
            try:
                job.set_result(self._replay(None))
            except BaseException as exc:  # handed to whoever waits for the result
                job.set_exception(exc)

        threading.Thread(target=work, name="pgdrift-shadow", daemon=True).start()
        self._shadow_job = job

    def _replay(self, server_url: str | None) -> Schema:
        from pgdrift.sources import shadow

        found = self.migrations
        schema, self._shadow_major = shadow.shadow_replay(
            found.files, self.schemas, supabase=found.is_supabase, server_url=server_url
        )
        return schema

    @property
    def shadow_major(self) -> int | None:
        """The major version of the server :meth:`shadow_schema` replayed on."""
        return self._shadow_major

    @property
    def shadow_failure(self) -> MigrationFailed | None:
        """The migration that failed in :meth:`shadow_schema`, once it has run."""
        return self._shadow_failure

    def database_schema(self, which: DatabaseName, url: str | None = None) -> Schema:
        """A live database's schema, read in a read-only session (cached)."""
        cached = self._schemas.get(which)
        if cached is None:
            from pgdrift.sources.catalog import introspect_url

            target = url or self.database_url(which)
            if target is None:
                from pgdrift.db import DatabaseError

                raise DatabaseError(
                    f"no {which} database: set {self.database_env(which)} or pass --db-url"
                )
            cached = introspect_url(target, self.schemas, read_only=True, missing_ok=True)
            self._schemas[which] = cached
        return cached

    def invalidate(self) -> None:
        """Forget derived state after files changed."""
        self._migrations = None
        self._schemas.clear()
        self._shadow_failure = None
        self._shadow_major = None
        self._shadow_job = None  # a replay of the old files: its result is not wanted
