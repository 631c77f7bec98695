"""Drift: the local and the remote schemas disagree.

Two comparisons, each one :func:`pgdrift.diff.diff_schemas`:

* the local and the remote types files, both parsed (no database needed),
  compared at the precision both files have; each difference is placed at
  its line in the file that has the item (the local one when both do);
* the local and the remote databases, when both answer, compared in full; a
  difference is placed on the migration statement that created the object
  when pgdrift's static model of the migrations knows it, else on the first
  line of the configuration file (SPEC §6). Comment differences (pg_graphql
  ``@graphql(...)`` directives live there) have a code of their own, so a
  project can turn them down without losing the rest.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pgdrift.checks.finding import Finding, Severity, check
from pgdrift.checks.stale import LoadedTypes, Provenance, load_types_files, provenance
from pgdrift.config import Config
from pgdrift.diff import Change, ObjectKind, diff_schemas
from pgdrift.model import Schema, Span

if TYPE_CHECKING:
    from pgdrift.checks.engine import CheckContext

# --- the checks ------------------------------------------------------------------------

TYPES_DRIFT = check(
    "PGD201",
    "types-drift",
    Severity.WARNING,
    """The local and the remote types files describe different schemas.

    ## What it does
    Reads the `[[types]]` files with `source = "local"` and `source =
    "remote"` and compares them: tables, views, columns (type, nullability,
    whether they can be left out on insert), enums and their labels,
    composite types, functions and relationships. Each difference is
    reported at its line: in the local file, or in the remote file for
    what only the remote has. No database is needed.

    ## Why
    The remote types describe production. Until a migration is deployed and
    the remote types regenerated, the two files differ; a difference that
    stays after a deploy means the deploy did not do what the migrations
    say, or the remote types were not regenerated.

    ## Example
    ```text
    types/database.local.ts:57:11: PGD201 column public.orders.total is number in the local types, string in the remote types
    ```
    """,
)

DATABASE_DRIFT = check(
    "PGD202",
    "database-drift",
    Severity.WARNING,
    """The local and the remote databases have different schemas.

    ## What it does
    Reads the schemas of the local and the remote database (read-only) and
    compares everything: tables, views, columns (type, nullability, default,
    identity), primary keys, row level security and policies, enums and
    their labels and order, composite types, domains, functions (by
    signature: return type, language, volatility, security, body) and
    foreign keys. Each difference is placed on the migration statement that
    created the object when pgdrift's static model of the migrations knows
    it, else on the first line of the configuration file.

    ## Why
    Changes made in the dashboard or with ad-hoc SQL reach one database and
    not the other; the next migration then fails, or succeeds and does
    something else, in one of them.

    ## Example
    ```text
    supabase/migrations/20240101000000_init.sql:12:1: PGD202 column public.orders.total is numeric in local, text in remote
    ```
    """,
)

COMMENT_DRIFT = check(
    "PGD203",
    "comment-drift",
    Severity.INFO,
    """A comment differs between the local and the remote database.

    ## What it does
    Reports a table, view, column, type, function or schema whose comment
    differs between the local and the remote database, placed as PGD202
    places its findings.

    ## Why
    Comments are documentation, and pg_graphql reads `@graphql(...)`
    directives from them: a comment added in the remote dashboard changes
    the remote GraphQL API without a migration. The difference is often the
    only one (a real audit found 40 tables, 15 enums, 50 functions and 4
    views identical, and only GraphQL directives different), hence a code of
    its own, at severity info.

    ## Example
    ```text
    pgdrift.toml:1:1: PGD203 the comment on table public.profiles is "@graphql({\\"totalCount\\": {\\"enabled\\": true}})" in local, none in remote
    ```
    """,
)


def run(ctx: CheckContext) -> list[Finding]:
    """PGD201 to PGD203."""
    findings: list[Finding] = []
    # A function of the configuration and the types files alone.
    key = ctx.inputs_key(types=True)
    findings += ctx.cached("drift-types", key, lambda: types_drift(ctx))
    findings += database_drift(ctx)
    return findings


# --- types files -----------------------------------------------------------------------


def types_drift(ctx: CheckContext) -> list[Finding]:
    # PGD103/PGD104 for these files come from the stale-types family.
    loaded = load_types_files(ctx, [])
    locals_ = [t for t in loaded if t.entry.source == "local"]
    remotes = [t for t in loaded if t.entry.source == "remote"]
    findings: list[Finding] = []
    for local, remote in _pairs(locals_, remotes):
        if local.read.problems or remote.read.problems:
            ctx.note(
                f"{local.rel} and {remote.rel} were not compared: "
                f"{(local if local.read.problems else remote).rel} could not be read completely"
            )
            for types in (local, remote):
                ctx.skip((TYPES_DRIFT.code,), path=types.path)
            continue
        local_schema, remote_schema = local.read.schema, remote.read.schema
        if remote.entry.language == "python":
            remote_schema = _reread(remote, local_schema)
        if local.entry.language == "python":
            local_schema = _reread(local, remote_schema)
        result = diff_schemas(local_schema, remote_schema, included_schemas=ctx.project.schemas)
        for change in result.changes:
            span = change.a_span or change.b_span or _fallback(change, local, remote)
            message = change.message("the local types", "the remote types")
            findings.append(TYPES_DRIFT.finding(message, _one_line(span)))
    return findings


def _pairs(
    locals_: list[LoadedTypes], remotes: list[LoadedTypes]
) -> list[tuple[LoadedTypes, LoadedTypes]]:
    """Local and remote files to compare: same language first, then any."""
    pairs: list[tuple[LoadedTypes, LoadedTypes]] = []
    unpaired = list(remotes)
    for local in locals_:
        match = next((r for r in unpaired if r.entry.language == local.entry.language), None)
        match = match or (unpaired[0] if unpaired else None)
        if match is not None:
            unpaired.remove(match)
            pairs.append((local, match))
    return pairs


def _reread(types: LoadedTypes, hint: Schema) -> Schema:
    """A Python types file read again, its class names mapped through ``hint``."""
    from pgdrift.sources.typefile import read_types_text

    read = read_types_text(types.read.text, str(types.path), types.entry.language, names_hint=hint)
    return read.schema


def _fallback(change: Change, local: LoadedTypes, remote: LoadedTypes) -> Span:
    key = change.key
    if change.status == "added":
        return remote.read.anchor(*key[:1])
    return local.read.anchor(*key[:1])


def _one_line(span: Span) -> Span:
    if span.end_line == span.start_line:
        return span
    return Span(span.path, span.start_line, span.start_col, span.start_line, span.start_col)


# --- databases -----------------------------------------------------------------------


def database_drift(ctx: CheckContext) -> list[Finding]:
    if not ctx.use_db or ctx.project.database_url("remote") is None:
        return []  # no remote database configured: nothing to compare, nothing to say
    local = ctx.database_schema("local")
    if local is None:
        return []
    remote = ctx.database_schema("remote")
    if remote is None:
        return []
    result = diff_schemas(local, remote, compare="full")
    if result.is_identical:
        return []
    origin = provenance(ctx)
    config = ctx.project.config
    findings: list[Finding] = []
    for change in result.changes:
        rule = COMMENT_DRIFT if change.kind == "comment" else DATABASE_DRIFT
        span = _place(change, origin, config, ctx)
        findings.append(rule.finding(change.message("local", "remote"), span))
    return findings


def _place(change: Change, origin: Provenance | None, config: Config, ctx: CheckContext) -> Span:
    """The statement that created the object, else the configuration file's first line."""
    if origin is not None:
        lookup = change
        if change.kind == "comment":
            # A comment is placed on the statement that created its object.
            kind = _OBJECT_KINDS.get(change.subject or "", "table")
            lookup = Change(kind, change.name, "added", key=change.key)
        span = origin.span(lookup) if lookup.key else None
        if span is not None:
            return _one_line(span)
    return Span(str(_config_file(config, ctx)), 0, 0, 0, 0)


_OBJECT_KINDS: dict[str, ObjectKind] = {
    "table": "table",
    "view": "view",
    "column": "column",
    "enum": "enum",
    "composite type": "composite type",
    "domain": "domain",
    "function": "function",
}


def _config_file(config: Config, ctx: CheckContext) -> Path:
    if config.path is not None:
        return config.path
    if config.supabase is not None:
        return config.supabase.config_path
    files = ctx.project.migrations.files
    if files:
        return files[0].path
    return config.root / "pgdrift.toml"
