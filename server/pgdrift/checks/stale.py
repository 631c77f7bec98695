"""Stale types: the local types file no longer says what the migrations build.

The expected file is rendered with the real generator (:mod:`pgdrift.typegen`)
from what the migrations build (the shadow replay, or the static model with
``--no-db``) and, when it answers, from the local database; a file whose text
differs is compared item by item (:func:`pgdrift.diff.diff_schemas` over both
read back), and each missing, extra or changed item is reported at its line
in the types file, naming the migration that introduced it when the static
model knows. Every finding carries one fix: the regenerated file.

Also here, for every ``[[types]]`` file: files that are configured but
missing (PGD104) and files that cannot be read completely (PGD103).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pgdrift.checks.files import UnreadableFileError
from pgdrift.checks.finding import Finding, Fix, Rule, Severity, TextEdit, check
from pgdrift.config import Config, Language, TypesFile
from pgdrift.diff import Change, diff_schemas
from pgdrift.model import Schema, Span
from pgdrift.sources.typefile import (
    TypesFileError,
    TypesFileRead,
    read_text,
    read_types_text,
)

if TYPE_CHECKING:
    from pgdrift.checks.engine import CheckContext
    from pgdrift.project import Project

# --- the checks ------------------------------------------------------------------------

STALE_VS_MIGRATIONS = check(
    "PGD101",
    "stale-types",
    Severity.ERROR,
    """The local types file is out of date with the migrations.

    ## What it does
    Generates the local types from what the migrations build (replayed into
    a scratch Postgres; with `--no-db`, pgdrift's static model of them), with
    the same generator as `pgdrift gen types` (identical to `supabase gen
    types`), and compares the result with the `[[types]]` file whose
    `source = "local"`. Each table, view, column, enum, function, composite
    type or relationship that is missing, extra or different is reported at
    its line in the types file, naming the migration that created or changed
    it. When the file differs only in ways no item explains (formatting, hand
    edits to the helper types), one finding is reported on line 1.

    The fix ("Regenerate local types") replaces the file with the generated
    text.

    ## Why
    Application code is typed against this file. After a migration adds a
    column or an enum value, code that uses it does not compile until the
    types are regenerated, and code that still uses a dropped column
    compiles but fails at run time.

    ## Example
    `supabase/migrations/20240104000000_tags.sql` adds `tags.color`, and the
    types were not regenerated:

    ```text
    types/database.local.ts:41:9: PGD101 column public.tags.color is not in types/database.local.ts but the migrations create it (supabase/migrations/20240104000000_tags.sql:3); regenerate the local types
    ```
    """,
)

STALE_VS_LOCAL_DATABASE = check(
    "PGD102",
    "stale-types-local-database",
    Severity.WARNING,
    """The local types file is out of date with the local database.

    ## What it does
    Generates the local types from the local database (`[databases] local`),
    when it answers, and reports what differs from the local types file, at
    its line, as PGD101 does. Differences PGD101 already reports (the local
    database matches the migrations) are not repeated.

    ## Why
    Types generated from a database that was changed by hand, or not reset
    after pulling new migrations, describe a schema nobody else has. This
    tells you the types and your database disagree; the migrations family
    tells you which of the two is behind the migrations.

    ## Example
    ```text
    types/database.local.ts:12:11: PGD102 column public.profiles.nickname is in types/database.local.ts but not in the local database; regenerate the local types
    ```
    """,
)

UNREADABLE_TYPES = check(
    "PGD103",
    "unreadable-types-file",
    Severity.WARNING,
    """A generated types file could not be read completely.

    ## What it does
    Reports a `[[types]]` file that cannot be read (not text, an unknown
    encoding) or that does not parse completely: a truncated file, a syntax
    error from a hand edit, a file that has no `Database` type. What could be
    read is still checked.

    ## Why
    A types file that does not parse breaks the build of everything that
    imports it, and pgdrift can only compare what it could read.

    ## Example
    ```text
    types/database.local.ts:812:1: PGD103 types/database.local.ts: the file ends early (truncated?): read up to line 812; regenerate it
    ```
    """,
)

MISSING_TYPES = check(
    "PGD104",
    "missing-types-file",
    Severity.WARNING,
    """A configured types file does not exist.

    ## What it does
    Reports a `[[types]]` entry of the configuration whose `path` does not
    exist, at the entry's line.

    ## Why
    A types file that was never generated, or was moved, is not checked for
    staleness or drift, and imports of it fail.

    ## Example
    ```toml
    [[types]]
    path = "src/types/database.ts"  # PGD104: src/types/database.ts does not exist
    source = "local"
    ```
    """,
)

#: More item findings than this for one file are summed up in one finding.
MAX_ITEM_FINDINGS = 100

REGENERATE = {"local": "Regenerate local types", "remote": "Regenerate remote types"}


# --- reading the types files ------------------------------------------------------------


@dataclass(frozen=True)
class LoadedTypes:
    """A ``[[types]]`` file as read for the checks."""

    entry: TypesFile
    path: Path
    rel: str
    read: TypesFileRead


def load_types_files(ctx: CheckContext, findings: list[Finding]) -> list[LoadedTypes]:
    """Every ``[[types]]`` file that exists, read; PGD103/PGD104 findings appended."""
    config = ctx.project.config
    loaded: list[LoadedTypes] = []
    for index, entry in enumerate(config.types):
        path = config.resolve(entry.path)
        rel = config.relative(path)
        if not path.exists():
            if config.path is not None:
                line = config.key_line("types", index, "path")
                span = Span(str(config.path), line, 0, line, _line_length(config.path, line))
                findings.append(MISSING_TYPES.finding(f"{rel} does not exist", span))
            continue
        try:
            text = _read(ctx.project, path)
        except TypesFileError as exc:
            span = Span(str(path), 0, 0, 0, 0)
            findings.append(UNREADABLE_TYPES.finding(f"cannot read {rel}: {exc}", span))
            continue
        read = read_types_text(text, str(path), entry.language)
        for problem in read.problems[:10]:
            span = Span(str(path), problem.line, problem.column, problem.line, problem.column)
            findings.append(UNREADABLE_TYPES.finding(f"{rel}: {problem.message}", span))
        loaded.append(LoadedTypes(entry, path, rel, read))
    return loaded


def _read(project: Project, path: Path) -> str:
    try:
        # The reader serves unsaved editor buffers; it reads UTF-8 only.
        return project.reader.read_text(path)
    except UnreadableFileError:
        return read_text(path)  # UTF-16 files, which editors on Windows write


def _line_length(path: Path, line: int) -> int:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 0
    return len(lines[line]) if line < len(lines) else 0


# --- rendering and comparing ---------------------------------------------------------


def render(schema: Schema, schemas: list[str], language: Language) -> str:
    """The types file ``schema`` generates (raises TypegenError where the generator fails)."""
    if language == "python":
        from pgdrift.typegen.python import render_python

        return render_python(schema, schemas)
    from pgdrift.typegen.typescript import render_typescript

    return render_typescript(schema, schemas)


def same_text(a: str, b: str) -> bool:
    """Equal but for line endings (git may check the file out with CRLF)."""
    return a == b or a.replace("\r\n", "\n") == b.replace("\r\n", "\n")


def whole_file_fix(types: LoadedTypes, text: str) -> Fix:
    """Replace the whole file with ``text``."""
    current = types.read.text
    end_line = current.count("\n")
    end_col = len(current) - (current.rfind("\n") + 1)
    span = Span(str(types.path), 0, 0, end_line, end_col)
    return Fix(REGENERATE[types.entry.source], (TextEdit(span, text),))


@dataclass(frozen=True)
class Expected:
    """What a types file should say, according to one source."""

    text: str
    schema: Schema
    #: "the migrations", "the local database": for messages.
    label: str


def expected_types(
    ctx: CheckContext, schema: Schema, types: LoadedTypes, label: str
) -> Expected | None:
    from pgdrift.typegen.typescript import TypegenError

    try:
        text = render(schema, ctx.project.schemas, types.entry.language)
    except TypegenError as exc:
        ctx.note(f"cannot generate types from {label}: {exc}")
        return None
    return Expected(text, schema, label)


def item_changes(types: LoadedTypes, expected: Expected) -> tuple[TypesFileRead, list[Change]]:
    """The file's read (with names mapped through the expected schema) and the items
    in which it differs from the expected file (``a`` expected, ``b`` the file)."""
    language = types.entry.language
    read = types.read
    if language == "python":
        read = read_types_text(read.text, str(types.path), language, names_hint=expected.schema)
    generated = read_types_text(
        expected.text, f"<expected>{types.path.suffix}", language, names_hint=expected.schema
    )
    result = diff_schemas(generated.schema, read.schema, compare=language)
    return read, list(result.changes)


def locate(change: Change, read: TypesFileRead) -> Span:
    """Where an item is in the types file, or where it would go when missing."""
    if change.b_span is not None:
        return change.b_span
    key = change.key
    schema = read.schema
    if change.kind == "column" and len(key) >= 2:
        rel = schema.relation(key[0], key[1])
        if rel is not None and rel.span is not None:
            return rel.span
    if change.kind == "relationship" and len(key) >= 2:
        rel = schema.relation(key[0], key[1])
        if rel is not None and rel.span is not None:
            return rel.span
    section = {
        "table": "Tables",
        "view": "Views",
        "function": "Functions",
        "enum": "Enums",
        "composite type": "CompositeTypes",
    }.get(change.kind)
    if key and section is not None:
        return read.anchor(key[0], section)
    if key:
        return read.anchor(key[0])
    return read.anchor()


# --- provenance: which migration made an object ------------------------------------------


@dataclass(frozen=True)
class Provenance:
    """Where the static model says objects were created and last changed."""

    schema: Schema
    config: Config

    def span(self, change: Change) -> Span | None:
        """The statement that created (or last changed) the object of ``change``."""
        located = self.locate(change)
        return located[0] if located is not None else None

    def locate(self, change: Change) -> tuple[Span, bool] | None:
        """(statement, whether it changed rather than created the object)."""
        key, model = change.key, self.schema
        created: Span | None = None
        altered: tuple[Span, ...] = ()
        if change.kind == "column" and len(key) == 3:
            rel = model.relation(key[0], key[1])
            col = rel.column(key[2]) if rel is not None else None
            if col is not None:
                created, altered = col.span, col.altered
        elif change.kind in ("table", "view") and len(key) == 2:
            rel = model.relation(key[0], key[1])
            if rel is not None:
                created, altered = rel.span, rel.altered
        elif change.kind == "enum" and len(key) == 2:
            enum = next((e for e in model.enums if (e.schema, e.name) == key), None)
            if enum is not None:
                created, altered = enum.span, enum.altered
        elif change.kind == "composite type" and len(key) == 2:
            comp = next((c for c in model.composites if (c.schema, c.name) == key), None)
            if comp is not None:
                created, altered = comp.span, comp.altered
        elif change.kind == "domain" and len(key) == 2:
            domain = model.domain(key[0], key[1])
            if domain is not None:
                created, altered = domain.span, domain.altered
        elif change.kind == "function" and len(key) >= 2:
            # Signatures read from a types file are TypeScript: any overload will do then.
            named = [fn for fn in model.functions if (fn.schema, fn.name) == key[:2]]
            exact = [fn for fn in named if len(key) > 2 and fn.identity_arguments == key[2]]
            chosen = (exact or named)[:1]
            if chosen:
                created, altered = chosen[0].span, chosen[0].altered
        elif change.kind == "relationship" and len(key) >= 3:
            fk = next(
                (f for f in model.foreign_keys if (f.schema, f.table, f.name) == key[:3]), None
            )
            if fk is not None:
                created = fk.span
        # A difference in an object that was altered is most likely the latest alteration.
        use_altered = change.status == "changed" and bool(altered)
        found = altered[-1] if use_altered else created
        if found is None:
            return None
        span = Span(
            str(self.config.resolve(found.path)),
            found.start_line,
            found.start_col,
            found.end_line,
            found.end_col,
        )
        return span, use_altered

    def text(self, change: Change) -> str:
        """`` (changed in FILE:LINE)``, `` (FILE:LINE)`` for a creation, or ""."""
        located = self.locate(change)
        if located is None:
            return ""
        span, altered = located
        verb = "changed in " if altered else ""
        return f" ({verb}{self.config.relative(span.path)}:{span.start_line + 1})"


def provenance(ctx: CheckContext) -> Provenance | None:
    """The static model of the migrations, for naming them in messages (None when unavailable)."""
    from pgdrift.sides import static_schema

    static = static_schema(ctx.project)
    return Provenance(static[0], ctx.project.config) if static is not None else None


# --- the family ----------------------------------------------------------------------


def run(ctx: CheckContext) -> list[Finding]:
    """PGD101 to PGD104 for the project's types files."""
    if ctx.use_db:
        return _run(ctx)  # the databases are inputs too: not cached
    # Without databases, a function of the configuration, the types files and
    # the migrations alone; rendering and reading the files back is the slow part.
    key = ctx.inputs_key(types=True, migrations=True)
    return ctx.cached("stale", key, lambda: _run(ctx))


def _run(ctx: CheckContext) -> list[Finding]:
    findings: list[Finding] = []
    loaded = load_types_files(ctx, findings)
    local = [t for t in loaded if t.entry.source == "local"]
    if not local:
        return findings
    origin = provenance(ctx)
    from_migrations = migrations_schema(ctx)
    local_db = ctx.database_schema("local") if ctx.use_db else None
    for types in local:
        reported: set[tuple[str, str, str]] = set()
        migrations_expected: Expected | None = None
        if from_migrations is not None:
            migrations_expected = expected_types(ctx, from_migrations, types, "the migrations")
            if migrations_expected is not None:
                findings += compare(
                    types, migrations_expected, STALE_VS_MIGRATIONS, origin, reported
                )
        if local_db is not None:
            db_expected = expected_types(ctx, local_db, types, "the local database")
            if db_expected is None:
                continue
            if migrations_expected is not None and db_expected.text == migrations_expected.text:
                continue  # the local database matches the migrations: PGD101 said it all
            findings += compare(types, db_expected, STALE_VS_LOCAL_DATABASE, None, reported)
    return findings


def migrations_schema(ctx: CheckContext) -> Schema | None:
    """What the migrations build: the shadow replay, else (no database) the static model."""
    return ctx.migrations_model()


def compare(
    types: LoadedTypes,
    expected: Expected,
    rule: Rule,
    origin: Provenance | None,
    reported: set[tuple[str, str, str]],
) -> list[Finding]:
    """``rule`` findings for each item in which ``types`` differs from ``expected``."""
    if same_text(types.read.text, expected.text):
        return []
    fix = whole_file_fix(types, expected.text)
    regenerate = f"regenerate the {types.entry.source} types"
    first_line = Span(str(types.path), 0, 0, 0, 0)
    if types.read.problems:
        message = (
            f"{types.rel} differs from the types {expected.label} generate, and could not be "
            f"read completely; {regenerate}"
        )
        return [rule.finding(message, first_line, fix)]
    read, changes = item_changes(types, expected)
    findings: list[Finding] = []
    for change in changes:
        identity = (change.kind, change.name, change.status)
        if identity in reported:
            continue
        reported.add(identity)
        message = _message(change, types.rel, expected.label, origin) + f"; {regenerate}"
        findings.append(rule.finding(message, _one_line(locate(change, read)), fix))
    if len(findings) > MAX_ITEM_FINDINGS:
        rest = len(findings) - MAX_ITEM_FINDINGS
        findings = findings[:MAX_ITEM_FINDINGS]
        message = (
            f"{types.rel} has {rest} more differences from the types {expected.label} generate"
        )
        findings.append(rule.finding(message, first_line, fix))
    if not changes:
        message = (
            f"{types.rel} differs from the types {expected.label} generate (formatting or hand "
            f"edits); {regenerate}"
        )
        findings.append(rule.finding(message, first_line, fix))
    return findings


def _one_line(span: Span) -> Span:
    if span.end_line == span.start_line:
        return span
    return Span(span.path, span.start_line, span.start_col, span.start_line, span.start_col)


def _message(change: Change, rel: str, label: str, origin: Provenance | None) -> str:
    what = f"{change.kind} {change.name}"
    if change.status == "removed":  # in the expected file only
        where = origin.text(change) if origin is not None else ""
        verb = "create" if label == "the migrations" else "has"
        return f"{what} is not in {rel} but {label} {verb} it{where}"
    if change.status == "added":
        return f"{what} is in {rel} but not in {label}"
    where = origin.text(change) if origin is not None else ""
    return change.message(label, rel) + where
