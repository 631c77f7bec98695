"""The migrations family: files that fail, that the CLI would skip or misorder,
and files out of step with each database's migration history.

Three sources, cheapest first:

* the files themselves: duplicate versions, names the Supabase CLI skips,
  versions out of order;
* the static model (:mod:`pgdrift.sources.migrations`) and the shadow replay
  (:mod:`pgdrift.sources.shadow`): syntax errors, unknown references and
  other failures. Postgres is the authority: when the replay ran, what it
  accepted is not second-guessed, and its first failure is reported with
  Postgres' own message; static findings fill in only where it did not run;
* ``supabase_migrations.schema_migrations`` of the local and the remote
  database (read-only): pending files, recorded versions without a file,
  files edited after they were applied (see :mod:`pgdrift.history`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from pgdrift.checks.files import unreadable_finding
from pgdrift.checks.finding import Finding, Rule, Severity, check
from pgdrift.migrations_files import MigrationFile, MigrationSet, parse_migration_name
from pgdrift.model import Span
from pgdrift.sources.sql_split import split

if TYPE_CHECKING:
    from pgdrift.checks.engine import CheckContext
    from pgdrift.history import AppliedMigration, Statement
    from pgdrift.project import DatabaseName
    from pgdrift.sources.migrations import MigrationFinding
    from pgdrift.sources.shadow import MigrationFailed

# --- the checks ------------------------------------------------------------------------

MIGRATION_FAILS = check(
    "PGD401",
    "migration-fails",
    Severity.ERROR,
    """A migration fails to apply.

    ## What it does
    Replays the migrations, in the order the Supabase CLI applies them, into
    a scratch database (with stand-ins for what the Supabase platform
    provides) and reports the first statement Postgres rejects, at its file,
    line and column, with Postgres' message. Syntax errors (PGD402) and
    unknown names (PGD403) have codes of their own; this is every other
    failure: an object created twice, a constraint the data breaks, a policy
    that already exists. Migrations after the failing one are not replayed.
    Without a database, pgdrift's static model of the migrations reports
    the failures it is sure of, with Postgres' message: an object created
    when one of that name already exists; a DROP or ALTER that other objects
    forbid (a view using a column whose type changes, a foreign key using a
    key being dropped, without CASCADE); a foreign key with no unique key to
    reference; an enum literal that is not one of its labels.

    ## Why
    A migration that fails here fails in `supabase db reset` and in
    `supabase db push` too, usually at the worst moment: on a colleague's
    machine or during a deploy.

    ## Example
    ```sql
    -- supabase/migrations/20240102000000_policies.sql
    create policy "owner" on public.profiles for update using (auth.uid() = id);
    create policy "owner" on public.profiles for update using (auth.uid() = id);
    ```

    ```text
    supabase/migrations/20240102000000_policies.sql:2:1: PGD401 migration fails to apply: policy "owner" for table "profiles" already exists
    ```
    """,
)

SYNTAX_ERROR = check(
    "PGD402",
    "migration-syntax-error",
    Severity.ERROR,
    """A migration has a syntax error.

    ## What it does
    Reports a statement Postgres cannot parse, at the exact position of the
    error, with Postgres' message when the migrations could be replayed.
    Without a database (`--no-db`, or no server to replay on) pgdrift's own
    parser reports what it is sure of: unterminated strings, comments and
    dollar quotes, and statements it cannot parse.

    ## Why
    The file will not apply anywhere; finding out in the editor costs less
    than finding out from `supabase db reset`.

    ## Example
    ```sql
    create tabel public.tags (id bigint primary key);
    ```

    ```text
    supabase/migrations/20240104000000_tags.sql:1:8: PGD402 syntax error at or near "tabel"
    ```
    """,
)

UNKNOWN_REFERENCE = check(
    "PGD403",
    "migration-unknown-reference",
    Severity.ERROR,
    """A migration names a table, column, type, schema or function that does not exist at that point.

    ## What it does
    Reports a reference to an object that the migrations before it (and, in
    a Supabase project, the platform) do not create: from the replay, with
    Postgres' message; without a database, from pgdrift's static model of
    the migrations, statement by statement. `DO` blocks of plain DDL,
    exception handlers and `IF [NOT] EXISTS` guards are replayed; after one
    the static model cannot see into (loops, dynamic SQL), static findings
    are withheld: the block may have created the object.

    ## Why
    Migrations run in order on an empty database. A reference to something
    created later, renamed earlier, or only ever created by hand in the
    dashboard works on your database and fails on every other one.

    ## Example
    ```sql
    alter table public.profile add column bio text;  -- the table is "profiles"
    ```

    ```text
    supabase/migrations/20240105000000_bio.sql:1:13: PGD403 relation "public.profile" does not exist
    ```
    """,
)

DUPLICATE_VERSION = check(
    "PGD404",
    "duplicate-migration-version",
    Severity.ERROR,
    """Two migration files share a version.

    ## What it does
    Reports each migration file whose version (the digits before the first
    `_`) is also the version of another migration file.

    ## Why
    The migration history keeps one row per version: the Supabase CLI
    cannot record both files, `supabase db push` stops at the second one,
    and which of them a database has applied cannot be told. This happens
    when two branches each add a migration in the same second, or a file is
    copied to start a new one.

    ## Example
    ```text
    supabase/migrations/20240101000000_init.sql:1:1: PGD404 version 20240101000000 is also used by supabase/migrations/20240101000000_seed_roles.sql: the migration history keeps one row per version
    ```

    Rename one of them with a new version (`supabase migration new` makes one).
    """,
)

OUT_OF_ORDER = check(
    "PGD405",
    "out-of-order-migration",
    Severity.WARNING,
    """A migration's version is out of order.

    ## What it does
    Reports a migration file that is not yet applied to a database (local or
    remote, when its URL is set) although the database already has a later
    version, and a file that runs after another one with a higher version
    (versions of different lengths sort by name, not by number: `9_a.sql`
    runs after `10_b.sql`). Timestamps of different precision, such as
    Prisma's `YYYYMMDDHHMM` folders next to `YYYYMMDDHHMMSS` ones, are
    compared as the moments they name.

    ## Why
    `supabase db push` refuses to insert a migration before the last one a
    database has (unless `--include-all`), and a migration that ran after
    later ones on one database but before them on a fresh one can build a
    different schema. This happens when a branch with an older migration is
    merged after newer ones were deployed.

    ## Example
    ```text
    supabase/migrations/20240102000000_tags.sql:1:1: PGD405 supabase/migrations/20240102000000_tags.sql is not applied to remote, which already has the later version 20240103000000: `supabase db push` refuses it without --include-all; give it a new version
    ```
    """,
)

SKIPPED_FILE = check(
    "PGD406",
    "skipped-migration-file",
    Severity.INFO,
    """A `.sql` file in the migrations folder is not a migration the Supabase CLI applies.

    ## What it does
    Reports a `.sql` file in `supabase/migrations/` whose name does not
    match `<version>_<name>.sql` (a `seed.sql`, an upper-case `.SQL`, a
    version without `_`), and a first file named `<timestamp>_init.sql`
    older than December 2021, which the CLI treats as the legacy initial
    schema and skips.

    ## Why
    The CLI skips these silently: their statements never run, in any
    environment, and the schema they describe exists only on the machine
    where they were run by hand.

    ## Example
    ```text
    supabase/migrations/seed.sql:1:1: PGD406 supabase/migrations/seed.sql is skipped by the Supabase CLI: migration file names must look like <version>_<name>.sql (seed data belongs in supabase/seed.sql)
    ```
    """,
)

PENDING = check(
    "PGD407",
    "pending-migration",
    Severity.WARNING,
    """A migration is not applied to a database yet.

    ## What it does
    Compares the migration files with `supabase_migrations.schema_migrations`
    of the local database and of the remote database (each when its URL is
    set; read-only) and reports a file whose version is not recorded there,
    naming the database.

    ## Why
    Code written against the new schema fails on a database that does not
    have it; types generated from that database miss it. On the local
    database: rebuild it (`pgdrift db reset`). On the remote one: deploy it
    (`supabase db push`), or expect it not to be there yet.

    ## Example
    ```text
    supabase/migrations/20240104000000_tags.sql:1:1: PGD407 supabase/migrations/20240104000000_tags.sql is not applied to local: rebuild it with `pgdrift db reset` (or `supabase migration up`)
    ```
    """,
)

MISSING_FILE = check(
    "PGD408",
    "applied-migration-missing",
    Severity.WARNING,
    """A database has applied a migration version that has no file.

    ## What it does
    Reports each version recorded in `supabase_migrations.schema_migrations`
    of the local or remote database that no migration file has, on the first
    line of the configuration file.

    ## Why
    The database has a schema change the repository does not: a migration
    deleted or renamed after it was applied, one applied from another
    branch, or one made with `supabase db push` from a checkout nobody
    committed. `supabase db push` refuses to run until it is resolved.

    ## Example
    ```text
    pgdrift.toml:1:1: PGD408 version 20240105000000 (add_bio) is applied to remote but has no migration file: restore the file, or record it as reverted with `supabase migration repair --status reverted 20240105000000`
    ```
    """,
)

EDITED = check(
    "PGD409",
    "migration-edited-after-applied",
    Severity.ERROR,
    """A migration file was edited after it was applied to a database.

    ## What it does
    Splits each applied migration file into statements exactly as the
    Supabase CLI does when it records them, and compares them with the
    `statements` recorded in `supabase_migrations.schema_migrations` of the
    local and remote databases. A difference is reported at the first
    statement that differs, naming the database. Rows without recorded
    statements (`supabase migration repair`) are not compared.

    ## Why
    A database never re-runs a migration it has applied: the edit exists in
    the repository and on fresh databases, not on that one. Locally, rebuild
    the database (`pgdrift db reset`); once a migration is on the remote
    database, write a new migration instead of editing it.

    ## Example
    ```text
    supabase/migrations/20240101000000_init.sql:7:1: PGD409 supabase/migrations/20240101000000_init.sql was edited after it was applied to remote: statement 3 differs from the recorded one (`create table public.profiles (`); write a new migration instead
    ```
    """,
)

#: Postgres error classes reported as syntax errors and unknown references.
_SYNTAX_SQLSTATES = frozenset({"42601"})
_UNKNOWN_SQLSTATES = frozenset(
    {
        "42P01",  # undefined_table
        "42703",  # undefined_column
        "42704",  # undefined_object (types, roles, ...)
        "3F000",  # invalid_schema_name
        "42883",  # undefined_function
    }
)
_STATIC_UNKNOWN = frozenset(
    {
        "migration-unknown-relation",
        "migration-unknown-column",
        "migration-unknown-type",
        "migration-unknown-schema",
        "migration-unknown-constraint",
        "migration-unknown-function",
        "migration-unknown-object",
    }
)
#: Static failures other than unknown names and duplicates that the static
#: model reports only where Postgres certainly fails (with its message).
_STATIC_FAILS = frozenset(
    {"migration-duplicate-object", "migration-invalid", "migration-invalid-reference"}
)


def run(ctx: CheckContext) -> list[Finding]:
    """Every migrations finding for the project in ``ctx``."""
    if ctx.use_db:
        return _run(ctx)  # the replay and the histories are inputs too: not cached
    # Without databases, a function of the configuration and the migrations folder.
    return ctx.cached("migrations", ctx.inputs_key(migrations=True), lambda: _run(ctx))


def _run(ctx: CheckContext) -> list[Finding]:
    found = ctx.project.migrations
    if found.layout == "none":
        return []
    files = _read_files(found.files)
    findings: list[Finding] = []
    findings += _unreadable(files)
    findings += _duplicates(found, files)
    findings += _skipped(found, ctx.project.root)
    findings += _misordered(files, supabase=found.layout == "supabase")
    findings += _failures(ctx, found, files)
    if ctx.use_db and found.layout != "prisma":
        for which in ("local", "remote"):
            findings += _history(ctx, which, found, files)
    return findings


# --- files -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _File:
    """A migration file and its text (None when unreadable, with the reason)."""

    file: MigrationFile
    text: str | None
    problem: str | None = None

    @property
    def path(self) -> str:
        return str(self.file.path)

    @property
    def display(self) -> str:
        return self.file.display

    def first_line(self) -> Span:
        return _first_line(self.path, self.text)


def _read_files(files: Sequence[MigrationFile]) -> list[_File]:
    result: list[_File] = []
    for file in files:
        try:
            data = file.path.read_bytes()
        except OSError as exc:
            result.append(_File(file, None, exc.strerror or str(exc)))
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            result.append(
                _File(file, None, f"not UTF-8 (byte 0x{data[exc.start]:02x} on line {line})")
            )
            continue
        if "\x00" in text:
            result.append(_File(file, None, "binary file (contains NUL bytes)"))
            continue
        result.append(_File(file, text))
    return result


def _first_line(path: str, text: str | None) -> Span:
    """Line 1 of a file, as wide as its text (a byte-order mark not counted)."""
    if not text:
        return Span(path, 0, 0, 0, 0)
    line = text.removeprefix("\ufeff").split("\n", 1)[0].rstrip("\r")
    return Span(path, 0, 0, 0, len(line))


def _position(text: str, offset: int) -> tuple[int, int]:
    """0-based line and column of ``offset`` in ``text`` (which may keep a BOM)."""
    line = text.count("\n", 0, offset)
    col = offset - (text.rfind("\n", 0, offset) + 1)
    if line == 0 and text.startswith("\ufeff"):
        col = max(0, col - 1)
    return line, col


def _unreadable(files: Iterable[_File]) -> list[Finding]:
    return [
        unreadable_finding(f.file.path, f"{f.problem}; not checked", f.display)
        for f in files
        if f.problem is not None
    ]


def _duplicates(found: MigrationSet, files: Sequence[_File]) -> list[Finding]:
    by_path = {f.file.path: f for f in files}
    findings: list[Finding] = []
    for dup in found.duplicates:
        for file in dup.files:
            others = ", ".join(o.display for o in dup.files if o is not file)
            message = (
                f"version {dup.version} is also used by {others}: "
                "the migration history keeps one row per version"
            )
            entry = by_path.get(file.path)
            span = entry.first_line() if entry else Span(str(file.path), 0, 0, 0, 0)
            findings.append(DUPLICATE_VERSION.finding(message, span))
    return findings


def _skipped(found: MigrationSet, root: Path) -> list[Finding]:
    if found.layout != "supabase":
        return []
    findings: list[Finding] = []
    for path in found.skipped:
        name = path.name
        if not name.lower().endswith(".sql") or not path.is_file():
            continue  # a README, a folder: clearly not meant as a migration
        if parse_migration_name(name) is not None:
            why = (
                "as the first migration, a <timestamp>_init.sql older than 20211209000000 "
                "is taken for the legacy initial schema; rename it"
            )
        elif name.lower() == "seed.sql":
            why = (
                "migration file names must look like <version>_<name>.sql "
                "(seed data belongs in supabase/seed.sql)"
            )
        elif parse_migration_name(name[:-4] + ".sql") is not None:
            why = "the extension must be a lower-case .sql"
        else:
            why = "migration file names must look like <version>_<name>.sql"
        message = f"{_display(path, root)} is skipped by the Supabase CLI: {why}"
        findings.append(SKIPPED_FILE.finding(message, _first_line(str(path), _read_text(path))))
    return findings


def _display(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _misordered(files: Sequence[_File], *, supabase: bool) -> list[Finding]:
    """Files that run after a file with a later version."""
    findings: list[Finding] = []
    highest: _File | None = None
    for entry in files:
        version = entry.file.version
        if not version:
            continue
        if highest is not None and _version_key(version) < _version_key(highest.file.version):
            advice = (
                "use versions of one length (supabase migration new uses 14 digits)"
                if supabase
                else "use versions of one length"
            )
            message = (
                f"{entry.display} (version {version}) runs after {highest.display} "
                f"(version {highest.file.version}): migrations run in file-name order, "
                f"so versions of different lengths run out of numeric order; {advice}"
            )
            findings.append(OUT_OF_ORDER.finding(message, entry.first_line()))
        if highest is None or _version_key(version) > _version_key(highest.file.version):
            highest = entry
    return findings


_TIMESTAMP = re.compile(r"(?:19|20)\d{6,}")


def _version_key(version: str) -> int:
    """What a version means for ordering: a timestamp of any precision
    (``YYYYMMDDHHMM`` of Prisma folders, ``YYYYMMDDHHMMSS`` of the Supabase
    CLI) as a moment, anything else as a number."""
    if _TIMESTAMP.fullmatch(version) and len(version) <= 17:
        return int(version.ljust(17, "0"))  # down to milliseconds
    return int(version)


# --- replay and static model -----------------------------------------------------------


def _failures(ctx: CheckContext, found: MigrationSet, files: Sequence[_File]) -> list[Finding]:
    """Syntax errors, unknown references and other failures (PGD401-403)."""
    readable = [f for f in files if f.text is not None]
    if not readable:
        return []
    replayed, failure = _replay(ctx)
    findings: list[Finding] = []
    unreadable = {f.file.path for f in files if f.problem is not None}
    if failure is not None and failure.file.path not in unreadable:  # PGD003 says it
        findings.append(_failure_finding(failure, files))
    if replayed:
        # Postgres accepted everything before the failure, and what comes
        # after it may be its consequence: static findings would only add noise.
        if failure is not None:
            codes = (MIGRATION_FAILS.code, SYNTAX_ERROR.code, UNKNOWN_REFERENCE.code)
            _not_checked_after(ctx, codes, str(failure.file.path), failure.line - 1, files)
        return findings
    # Without the replay, only objects created twice are found (below).
    ctx.skip((MIGRATION_FAILS.code,))
    static = _static_model(ctx, found, readable)
    texts = {f.path: (f.text or "").removeprefix("\ufeff") for f in readable}
    findings += _static_findings(static, texts)
    blind = next((item for item in static if item.code == "migration-unmodelled"), None)
    if blind is not None:  # see _static_findings
        span = blind.span
        _not_checked_after(ctx, (UNKNOWN_REFERENCE.code,), span.path, span.end_line, files)
    return findings


def _not_checked_after(
    ctx: CheckContext, codes: tuple[str, ...], path: str, line: int, files: Sequence[_File]
) -> None:
    """Record that ``codes`` were not checked after ``line`` of ``path`` and in the
    files after it: suppressions there are not reported as unused."""
    ctx.skip(codes, path=path, after_line=line)
    paths = [f.path for f in files]
    if path in paths:
        for later in paths[paths.index(path) + 1 :]:
            ctx.skip(codes, path=later)


def _replay(ctx: CheckContext) -> tuple[bool, MigrationFailed | None]:
    """Whether the migrations were replayed, and how that failed (if it did).

    Replays at most once per project: the project caches both outcomes.
    """
    schema = ctx.migrations_schema()  # notes why when it cannot (or, with --no-db, may not)
    failure = ctx.project.shadow_failure
    return schema is not None or failure is not None, failure


def _failure_finding(failure: MigrationFailed, files: Sequence[_File]) -> Finding:
    path = str(failure.file.path)
    line, col = failure.line - 1, failure.column - 1
    text = next((f.text for f in files if f.file.path == failure.file.path), None)
    end_col = col + _token_length(text, line, col)
    span = Span(path, line, col, line, end_col)
    sqlstate = failure.sqlstate or ""
    if text is not None and sqlstate in _UNKNOWN_SQLSTATES:
        # Postgres gives no position for most DDL errors: mark the name itself.
        span = _name_in_statement(path, text.removeprefix("\ufeff"), failure) or span
    message = failure.message
    if failure.detail:
        message += f" ({failure.detail})"
    if failure.hint:
        message += f"; hint: {failure.hint}"
    rule: Rule
    if sqlstate in _SYNTAX_SQLSTATES:
        rule = SYNTAX_ERROR
    elif sqlstate in _UNKNOWN_SQLSTATES:
        rule = UNKNOWN_REFERENCE
    else:
        rule = MIGRATION_FAILS
        message = f"migration fails to apply: {message}"
    return rule.finding(message, span)


def _name_in_statement(path: str, text: str, failure: MigrationFailed) -> Span | None:
    """Where the name quoted in ``failure``'s message is, from the failure's
    position to the end of its statement."""
    piece = next(
        (p for p in split(text) if p.kind == "statement" and p.start <= failure.offset < p.end),
        None,
    )
    if piece is None:
        return None
    line, col = _position(text, failure.offset)
    end_line, end_col = _position(text, piece.end)
    return _named(Span(path, line, col, end_line, end_col), failure.message, text)


def _token_length(text: str | None, line: int, col: int) -> int:
    """How wide to mark an error at ``line``/``col``: the word there, else 1."""
    if text is None:
        return 1
    lines = text.removeprefix("\ufeff").split("\n")
    if line >= len(lines):
        return 1
    rest = lines[line][col:].rstrip("\r")
    if not rest:
        return 0
    if rest[0] == '"':
        close = rest.find('"', 1)
        return close + 1 if close > 0 else 1
    length = 0
    while length < len(rest) and (rest[length].isalnum() or rest[length] in "_$"):
        length += 1
    return max(1, length)


def _static_model(
    ctx: CheckContext, found: MigrationSet, files: Sequence[_File]
) -> list[MigrationFinding]:
    """Findings of pgdrift's static model of the migrations (no database).

    The model is the one the other families use (built once, cached on disk);
    its spans name files by display path, these findings by real path.
    """
    from pgdrift.sides import static_model

    model = static_model(ctx.project)
    if isinstance(model, Exception):  # a bug in the model must not stop the other checks
        # Without the replay, the static model is also what finds failing statements.
        codes = [] if ctx.use_db else [MIGRATION_FAILS.code]
        codes += [SYNTAX_ERROR.code, UNKNOWN_REFERENCE.code]
        ctx.fail(
            f"pgdrift's static analysis of the migrations failed ({type(model).__name__}: "
            f"{model}), so {', '.join(codes[:-1])} and {codes[-1]} did not run; this is a bug "
            "in pgdrift, please report it",
            codes,
        )
        return []
    if model is None:
        return []
    paths = {f.display: f.path for f in files}
    findings: list[MigrationFinding] = []
    for item in model[1]:
        if item.code == "migration-internal-error":
            # Not a problem of the project's: no finding, but no pass either.
            ctx.fail(f"{item.span.path}:{item.span.start_line + 1}: {item.message}", ())
            continue
        path = paths.get(item.span.path)
        if path is None:
            continue  # a file this family could not read: PGD003 reports it
        span = item.span
        where = Span(path, span.start_line, span.start_col, span.end_line, span.end_col)
        findings.append(replace(item, span=where))
    return findings


def _static_findings(found: Sequence[MigrationFinding], texts: dict[str, str]) -> list[Finding]:
    findings: list[Finding] = []
    blind = False  # after an unmodelled DO block or dynamic SQL: unknown names may exist
    for item in found:
        text = texts.get(item.span.path, "")
        if item.code == "migration-unmodelled":
            blind = True
        elif item.code == "migration-syntax-error":
            findings.append(SYNTAX_ERROR.finding(item.message, _first_line_of(item.span, text)))
        elif item.code in _STATIC_UNKNOWN and not blind:
            span = _named(item.span, item.message, text) or _first_line_of(item.span, text)
            findings.append(UNKNOWN_REFERENCE.finding(item.message, span))
        elif item.code in _STATIC_FAILS and item.severity == "error" and not blind:
            message = f"migration fails to apply: {item.message}"
            findings.append(MIGRATION_FAILS.finding(message, _first_line_of(item.span, text)))
    return findings


def _first_line_of(span: Span, text: str) -> Span:
    """A static finding's span cut to its first line (statements span many)."""
    if span.end_line == span.start_line:
        return span
    lines = text.split("\n")
    end = len(lines[span.start_line].rstrip("\r")) if span.start_line < len(lines) else 0
    return Span(
        span.path, span.start_line, span.start_col, span.start_line, max(end, span.start_col)
    )


_QUOTED_NAME = re.compile(r'"([^"]+)"')


def _named(span: Span, message: str, text: str) -> Span | None:
    """The unknown name itself in the statement, when the message quotes it
    (``relation "public.item" does not exist``)."""
    m = _QUOTED_NAME.search(message)
    if m is None:
        return None
    lines = text.split("\n")
    if span.start_line >= len(lines):
        return None
    offset = sum(len(line) + 1 for line in lines[: span.start_line]) + span.start_col
    end = sum(len(line) + 1 for line in lines[: span.end_line]) + span.end_col
    statement = text[offset:end]
    name = m.group(1)
    for candidate in (name, name.rsplit(".", 1)[-1]):
        pattern = r'(?<![\w$])"?' + re.escape(candidate).replace(r"\.", r'"?\."?') + r'"?(?![\w$])'
        found = re.search(pattern, statement, re.IGNORECASE)
        if found is not None:
            line, col = _position(text, offset + found.start())
            end_line, end_col = _position(text, offset + found.end())
            if end_line == line:
                return Span(span.path, line, col, line, end_col)
    return None


# --- history ---------------------------------------------------------------------------

#: What is checked against a database's migration history (PGD405: a file older
#: than the latest applied version).
_HISTORY_CHECKS = ("PGD405", "PGD407", "PGD408", "PGD409")


def _history(
    ctx: CheckContext, which: DatabaseName, found: MigrationSet, files: Sequence[_File]
) -> list[Finding]:
    """Pending, missing and edited migrations against one database's history."""
    # psycopg comes with these: imported only when a database is used.
    from pgdrift.db import DatabaseError
    from pgdrift.history import read_history

    project = ctx.project
    url = project.database_url(which)
    if url is None:
        # Same words as the engine's own note, so the two collapse into one.
        ctx.note(
            f"no {which} database ({project.database_env(which)} is not set); "
            f"checks against it skipped"
        )
        ctx.skip(_HISTORY_CHECKS)
        return []
    try:
        history = read_history(url)
    except DatabaseError as exc:
        ctx.note(f"{which} database unavailable, checks against it skipped: {exc}")
        ctx.skip(_HISTORY_CHECKS)
        return []
    if history is None:
        if not found.is_supabase:
            return []  # not a Supabase project: no history expected
        ctx.note(
            f"{which} database has no migration history (supabase_migrations.schema_migrations); "
            "pending and edited migrations not checked against it"
        )
        ctx.skip(_HISTORY_CHECKS)
        return []
    applied = {row.version: row for row in history}
    latest = max(applied, default=None)
    findings: list[Finding] = []
    versions = set()
    for entry in files:
        version = entry.file.version
        if not version:
            continue
        versions.add(version)
        row = applied.get(version)
        if row is None:
            findings.append(_not_applied(which, entry, latest))
        elif entry.text is not None:
            edited = _edited(which, entry, row)
            if edited is not None:
                findings.append(edited)
    config_span = _config_span(project.config.path, found, files)
    for row in history:
        if row.version in versions:
            continue
        name = f" ({row.name})" if row.name else ""
        message = (
            f"version {row.version}{name} is applied to {which} but has no migration file: "
            "restore the file, or record it as reverted with "
            f"`supabase migration repair --status reverted {row.version}`"
        )
        findings.append(MISSING_FILE.finding(message, config_span))
    return findings


def _not_applied(which: DatabaseName, entry: _File, latest: str | None) -> Finding:
    version = entry.file.version
    # The CLI compares versions as strings (Go's <), and so does this.
    if latest is not None and version < latest:
        message = (
            f"{entry.display} is not applied to {which}, which already has the later "
            f"version {latest}: `supabase db push` refuses it without --include-all; "
            "give it a new version"
        )
        return OUT_OF_ORDER.finding(message, entry.first_line())
    if which == "local":
        advice = "rebuild the local database with `pgdrift db reset` (or `supabase migration up`)"
    else:
        advice = "deploy it with `supabase db push` when it is ready"
    message = f"{entry.display} is not applied to {which}: {advice}"
    return PENDING.finding(message, entry.first_line())


def _edited(which: DatabaseName, entry: _File, row: AppliedMigration) -> Finding | None:
    from pgdrift.history import split_statements

    recorded = row.statements
    assert entry.text is not None
    current = split_statements(entry.text)
    if recorded is None or (not recorded and current):
        return None  # recorded without statements (migration repair): nothing to compare
    texts = [s.text for s in current]
    if texts == list(recorded):
        return None
    index = next(
        (i for i, (a, b) in enumerate(zip(texts, recorded, strict=False)) if a != b),
        min(len(texts), len(recorded)),
    )
    if which == "local":
        advice = "rebuild the local database with `pgdrift db reset`"
    else:
        advice = "write a new migration instead"
    prefix = f"{entry.display} was edited after it was applied to {which}"
    if index < len(texts) and index < len(recorded):
        line, what = _first_difference(texts[index], recorded[index])
        message = f"{prefix}: statement {index + 1} differs from the recorded one {what}; {advice}"
        return EDITED.finding(message, _line_span(entry.path, entry.text, current[index], line))
    if index < len(texts):
        message = (
            f"{prefix}: statement {index + 1} was added ({len(texts)} statements now, "
            f"{len(recorded)} recorded); {advice}"
        )
        return EDITED.finding(message, _line_span(entry.path, entry.text, current[index], 0))
    message = (
        f"{prefix}: statements were removed after statement {len(texts)} "
        f"({len(texts)} now, {len(recorded)} recorded); {advice}"
    )
    span = _line_span(entry.path, entry.text, current[-1], 0) if current else entry.first_line()
    return EDITED.finding(message, span)


def _first_difference(current: str, recorded: str) -> tuple[int, str]:
    """The first line (0-based, within the statement) where two versions of a
    statement differ, and how to say what was recorded there."""
    if current.replace("\r\n", "\n") == recorded.replace("\r\n", "\n"):
        return 0, "(only its line endings)"
    mine, theirs = current.split("\n"), recorded.split("\n")
    line = next(
        (i for i, (a, b) in enumerate(zip(mine, theirs, strict=False)) if a != b),
        min(len(mine), len(theirs)),
    )
    if line >= len(theirs):
        return min(line, len(mine) - 1), "(lines were added at its end)"
    here = mine[line] if line < len(mine) else ""
    return min(line, len(mine) - 1), f"(recorded: {_snippet(theirs[line], here)})"


def _line_span(path: str, text: str, statement: Statement, line: int) -> Span:
    """Line ``line`` (0-based) of ``statement`` in the file, without its indentation."""
    start = statement.start
    for _ in range(line):
        nl = text.find("\n", start, statement.end)
        if nl < 0:
            break
        start = nl + 1
    end = text.find("\n", start, statement.end)
    end = statement.end if end < 0 else end
    while start < end and text[start] in " \t":
        start += 1
    while end > start and text[end - 1] in " \t\r":
        end -= 1
    first, col = _position(text, start)
    _, end_col = _position(text, end)
    return Span(path, first, col, first, max(col, end_col))


def _snippet(recorded: str, current: str = "", width: int = 60) -> str:
    """``recorded`` for a message: one line, at most ``width`` characters,
    showing where it starts to differ from ``current``."""
    text = recorded.strip()
    mine = current.strip()
    at = next((i for i, (a, b) in enumerate(zip(text, mine, strict=False)) if a != b), 0)
    start = max(0, min(at - width // 3, len(text) - width))
    shown = text[start : start + width]
    if start > 0:
        shown = "…" + shown[1:]
    if start + width < len(text):
        shown = shown[:-1] + "…"
    return f"`{shown}`" if shown else "an empty line"


def _config_span(config_path: Path | None, found: MigrationSet, files: Sequence[_File]) -> Span:
    """Line 1 of the configuration file: pgdrift's, else supabase/config.toml,
    else the first migration (SPEC §6: findings about a database need a place)."""
    for path in (config_path, found.config.path if found.config else None):
        if path is not None:
            return _first_line(str(path), _read_text(path))
    if files:
        return files[0].first_line()
    return Span("pgdrift.toml", 0, 0, 0, 0)
