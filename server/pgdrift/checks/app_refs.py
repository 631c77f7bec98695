"""App references: table, column and function names in supabase-js and supabase-py calls.

Application code names database objects in strings PostgREST resolves only
at run time: ``supabase.from('profiles').select('id, author:users(name)')``,
``.eq('status', …)``, ``.rpc('search', {query})``. This family checks those
names against the schema the code compiles against (the local types file,
else what the migrations build), as a compiler would: each unknown name is
reported at its exact range inside the string, with close names as
suggestions and a fix when exactly one is a good match. Generated Python
types list no functions and no relationships: those then come from what the
migrations build (:class:`Supplement`).

Only literal strings are read (see :mod:`app_refs_ts`, :mod:`app_refs_py`),
and unknown names are reported only where PostgREST would certainly fail:
a name that might resolve some way this model cannot see (a computed
relationship, a view's lineage, a client-wide default schema) is left alone.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pgdrift.cache import digest
from pgdrift.checks.app_refs_py import QUERY_HINT as PY_QUERY_HINT
from pgdrift.checks.app_refs_py import SOURCE_SUFFIXES as PY_SUFFIXES
from pgdrift.checks.app_refs_syntax import (
    JOIN_TYPES,
    OTHER,
    SUPABASE,
    Arg,
    Arr,
    Call,
    Chain,
    Embed,
    Field,
    Literal,
    Name,
    Obj,
    parse_column_list,
    parse_filter_column,
    parse_logic,
    parse_select,
)
from pgdrift.checks.app_refs_ts import QUERY_HINT as TS_QUERY_HINT
from pgdrift.checks.app_refs_ts import SOURCE_SUFFIXES as TS_SUFFIXES
from pgdrift.checks.facts import SourceFacts
from pgdrift.checks.files import FileReader, UnreadableFileError, unreadable_finding, walk_files
from pgdrift.checks.finding import Finding, Fix, Rule, Severity, TextEdit, check
from pgdrift.config import Config, matches_any
from pgdrift.config import Language as TypesLanguage
from pgdrift.model import ForeignKey, Function, Relation, Schema

if TYPE_CHECKING:
    from pgdrift.checks.engine import CheckContext

SOURCE_SUFFIXES = TS_SUFFIXES | PY_SUFFIXES

# --- the checks ------------------------------------------------------------------------

UNKNOWN_TABLE = check(
    "PGD501",
    "unknown-table",
    Severity.ERROR,
    """Application code queries a table or view that does not exist.

    ## What it does
    Reports the name in `supabase.from('…')` (supabase-js) and
    `supabase.table("…")` / `.from_("…")` (supabase-py) when no table or
    view of that name exists in the schemas the project generates types
    for (`schemas`, or `.schema('…')` on the call). Names are checked
    against the local types file when there is one, else against what the
    migrations build (replayed, or with `--no-db` pgdrift's static model
    of them). Only string literals are checked, and only on Supabase
    clients: receivers the file shows to be one (made by `createClient`
    or another factory of an `@supabase/*` module or of a module whose
    name says `supabase`, typed `SupabaseClient`, imported from such a
    module), or receivers named like `supabase` or followed by calls
    only a query builder has (`.select`, `.insert`, …). Receivers the file shows to belong to
    another library (made by, typed as or imported from knex, kysely,
    drizzle, pg, PySpark, TinyDB, ibis, PyPika, …) are ignored, and so,
    in a file that imports such a query builder and nothing of Supabase,
    are receivers the file does not bind; so are `Array.from('abc')` and
    `supabase.storage.from('avatars')`. The fix replaces the name when
    exactly one existing name is a close match.

    ## Why
    PostgREST resolves the name only when the request runs: a typo, or a
    table renamed by a migration, fails in production with `relation does
    not exist` (PGRST205) instead of in the editor.

    ## Example
    ```ts
    const { data } = await supabase.from("profilez").select("id");
    ```

    ```text
    src/profile.ts:1:39: PGD501 `profilez` is not a table or view of schema `public` in the local types `types/database.local.ts`; did you mean `profiles`?
    ```
    """,
)

UNKNOWN_COLUMN = check(
    "PGD502",
    "unknown-column",
    Severity.ERROR,
    """Application code names a column that does not exist.

    ## What it does
    Reports column names in query strings and objects that the queried
    table or view does not have: `.select('id, usernme')` (PostgREST's
    select syntax, with aliases, casts, JSON paths, aggregates and the
    columns of embedded relations), the keys of `.insert({…})`,
    `.update({…})` and `.upsert({…})` and its `onConflict` list, and the
    columns of filters and ordering (`.eq('col', …)`, `.in`, `.match({…})`,
    `.order('col')`, `.or('a.eq.1,b.is.null')`, `rel.col` on embedded
    relations). Computed fields (functions taking the row) count as
    columns where PostgREST reads them. Calls on a variable holding a
    query builder (`let query = supabase.from('t').select(…)`, then
    `query = query.eq('col', …)`, `query.order('col')`) are checked
    against its table too, when every assignment to the variable in its
    scope is a query of that same table or calls on the variable itself.

    ## Why
    A misspelt or dropped column makes PostgREST answer `column does not
    exist` (42703) at run time; with the column named in a string, the
    TypeScript compiler cannot see it.

    ## Example
    ```ts
    await supabase.from("profiles").select("id, usernme").eq("statsu", "active");
    ```

    ```text
    src/profile.ts:1:45: PGD502 `usernme` is not a column of table `public.profiles` in the local types `types/database.local.ts`; did you mean `username`?
    src/profile.ts:1:59: PGD502 `statsu` is not a column of table `public.profiles` in the local types `types/database.local.ts`; did you mean `status`?
    ```
    """,
)

UNKNOWN_FUNCTION = check(
    "PGD503",
    "unknown-function",
    Severity.ERROR,
    """Application code calls a database function, or passes an argument, that does not exist.

    ## What it does
    Reports the name in `supabase.rpc('…')` when no function of that name
    exists in the schemas the project generates types for, and each key
    of the arguments object that names no argument of the function (of
    any overload). Arguments with defaults may be left out; functions
    taking a single unnamed argument (a raw JSON body) are not checked.
    Generated Python types list no functions: a project whose local types
    are Python has its calls checked against what the migrations build,
    and not at all when the migrations cannot be read.

    ## Why
    PostgREST picks the function by its name and argument names: an
    unknown one fails with PGRST202 ("Could not find the function") when
    the call runs.

    ## Example
    ```ts
    await supabase.rpc("search_posts", { query: "pg", limt: 10 });
    ```

    ```text
    src/search.ts:1:51: PGD503 function `public.search_posts` has no argument `limt` in the local types `types/database.local.ts`; did you mean `lim`?
    ```
    """,
)

UNKNOWN_RELATIONSHIP = check(
    "PGD504",
    "unknown-relationship",
    Severity.ERROR,
    """Application code embeds a relation that is not related to the queried one.

    ## What it does
    Reports an embedded resource in a select string (`rel(cols)`,
    `alias:rel!hint(cols)`, `...rel(cols)`) whose name is neither a table
    or view related to the queried one by a foreign key (either
    direction, through views, or through a junction table), nor a foreign
    key or foreign-key column naming such a relationship; two tables with
    no foreign key between them; and a `!hint` that names no foreign key,
    column or table at all. Generated Python types have no relationships:
    the foreign keys then come from what the migrations build.

    ## Why
    PostgREST joins embedded resources along foreign keys it finds in the
    schema cache. Without one it answers PGRST200 ("Could not find a
    relationship") at run time.

    ## Example
    ```ts
    await supabase.from("posts").select("id, tags(name)");
    ```

    ```text
    src/posts.ts:1:42: PGD504 table `public.posts` and table `public.tags` have no relationship in the migrations: no foreign key joins them, directly or through a junction table
    ```
    """,
)

# --- the schema, indexed for name lookups ----------------------------------------------

_TABLE_KINDS = frozenset({"table", "partitioned_table", "foreign_table"})


@dataclass(frozen=True, slots=True, eq=False)
class Link:
    """A relation that ``select`` can embed from another, and the names that pick it."""

    target: Relation
    #: Names a ``!hint`` or the embed itself may use: FK constraint names, FK
    #: columns, the junction table.
    names: frozenset[str]
    #: For a many-to-one link: the source's FK columns (an embed may name one).
    source_columns: tuple[str, ...] = ()
    via: Relation | None = None


@dataclass(frozen=True, slots=True)
class Supplement:
    """Functions and foreign keys for a schema that cannot list them (generated Python
    types have neither): those of ``schema`` (what the migrations build), named
    ``source`` in messages. With ``schema`` None nothing tells: rpc calls are not
    checked, and embeds only as far as relation names go."""

    schema: Schema | None
    source: str = "the migrations"


class SchemaIndex:
    """Name lookups over one :class:`Schema`, built once per check run.

    Relations and columns come from ``schema``; functions and foreign keys too,
    unless a ``supplement`` is given for a schema that cannot list them.
    """

    def __init__(self, schema: Schema, supplement: Supplement | None = None) -> None:
        self.schema = schema
        self.schemas = schema.schemas or tuple(dict.fromkeys(r.schema for r in schema.relations))
        self._relations: dict[str, dict[str, Relation]] = defaultdict(dict)
        for rel in schema.relations:
            self._relations[rel.schema][rel.name] = rel
        facts: Schema | None = schema if supplement is None else supplement.schema
        #: Whether the functions are known (a Python types file alone has none).
        self.knows_functions = facts is not None
        #: The schema view lineage is read from (the main one may not have it).
        self._lineage = facts or schema
        functions = facts.functions if facts is not None else ()
        self.foreign_keys = facts.foreign_keys if facts is not None else ()
        self._functions: dict[tuple[str, str], list[Function]] = defaultdict(list)
        for fn in functions:
            self._functions[(fn.schema, fn.name)].append(fn)
        self.fk_names = frozenset(fk.name for fk in self.foreign_keys)
        self.fk_columns = frozenset(
            c for fk in self.foreign_keys for c in (*fk.columns, *fk.referenced_columns)
        )
        self._links: dict[tuple[str, str], list[Link]] | None = None
        self._readable: dict[tuple[str, str], frozenset[str]] = {}

    def search_path(self, schema: str | None) -> tuple[str, ...]:
        """Where an unqualified name is looked up: the given schema, else every
        included one, ``public`` first (the client default)."""
        if schema is not None:
            return (schema,)
        return tuple(sorted(self.schemas, key=lambda s: s != "public"))

    def relation(self, schema: str, name: str) -> Relation | None:
        return self._relations.get(schema, {}).get(name)

    def relation_names(self, schemas: Iterable[str]) -> list[str]:
        return [name for s in schemas for name in self._relations.get(s, {})]

    def functions(self, schemas: Iterable[str], name: str) -> list[Function]:
        for s in schemas:
            found = self._functions.get((s, name))
            if found:
                return found
        return []

    def function_names(self, schemas: Iterable[str]) -> list[str]:
        wanted = set(schemas)
        return [name for (s, name) in self._functions if s in wanted]

    def computed(self, rel: Relation) -> list[Function]:
        """Functions PostgREST offers on ``rel``'s rows: computed fields and relationships."""
        return [
            fn
            for (s, _), fns in self._functions.items()
            if s == rel.schema
            for fn in fns
            if _takes_row_of(fn, rel)
        ]

    def readable(self, rel: Relation) -> frozenset[str]:
        """Names a select, filter or order may use: columns and computed fields."""
        key = (rel.schema, rel.name)
        if key not in self._readable:
            columns = frozenset(c.name for c in rel.columns)
            self._readable[key] = columns | {fn.name for fn in self.computed(rel)}
        return self._readable[key]

    def links(self, rel: Relation) -> list[Link]:
        if self._links is None:
            self._links = self._build_links()
        return self._links.get((rel.schema, rel.name), [])

    def _build_links(self) -> dict[tuple[str, str], list[Link]]:
        views_over = self._views_over()
        links: dict[tuple[str, str], list[Link]] = defaultdict(list)

        def sides(schema: str, table: str, columns: tuple[str, ...]) -> list[Exposure]:
            """The relation a foreign key names, and views showing its key columns."""
            direct = self.relation(schema, table)
            result: list[Exposure] = [(direct, columns)] if direct is not None else []
            for view, mapping in views_over.get((schema, table), []):
                if all(c in mapping for c in columns):
                    result.append((view, tuple(mapping[c] for c in columns)))
            return result

        by_table: dict[tuple[str, str], list[ForeignKey]] = defaultdict(list)
        for fk in self.foreign_keys:
            by_table[(fk.schema, fk.table)].append(fk)
            names = frozenset({fk.name, *fk.columns, *fk.referenced_columns})
            referencing = sides(fk.schema, fk.table, fk.columns)
            referenced = sides(fk.referenced_schema, fk.referenced_table, fk.referenced_columns)
            for source, source_columns in referencing:
                for target, target_columns in referenced:
                    links[(source.schema, source.name)].append(
                        Link(target, names | set(source_columns), source_columns)
                    )
                    links[(target.schema, target.name)].append(
                        Link(source, names | set(target_columns))
                    )
        # Many-to-many: a junction table with foreign keys to both sides.
        for (schema, table), fks in by_table.items():
            junction = self.relation(schema, table)
            if junction is None or len(fks) < 2:
                continue
            for first in fks:
                for second in fks:
                    if first.name == second.name:
                        continue
                    names = frozenset({junction.name, first.name, second.name})
                    ends = sides(first.referenced_schema, first.referenced_table, ())
                    others = sides(second.referenced_schema, second.referenced_table, ())
                    for source, _ in ends:
                        for target, _ in others:
                            links[(source.schema, source.name)].append(
                                Link(target, names, via=junction)
                            )
        return links

    def _views_over(self) -> dict[tuple[str, str], list[tuple[Relation, dict[str, str]]]]:
        """For each table, the views showing its columns (by their column lineage),
        with base column → view column."""
        result: dict[tuple[str, str], list[tuple[Relation, dict[str, str]]]] = defaultdict(list)
        for lineage in self._lineage.relations:
            rel = self.relation(lineage.schema, lineage.name)
            if rel is None:
                continue
            per_base: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
            for source in lineage.column_sources:
                per_base[(source.schema, source.table)].setdefault(
                    source.base_column, source.column
                )
            for base, mapping in per_base.items():
                if base != (rel.schema, rel.name):
                    result[base].append((rel, mapping))
        return result


Exposure = tuple[Relation, tuple[str, ...]]


def _takes_row_of(fn: Function, rel: Relation) -> bool:
    args = fn.in_args
    if not args:
        return False
    first = args[0].type
    takes = first.schema == rel.schema and first.name == rel.name and first.kind != "array"
    return takes and all(a.has_default for a in args[1:])


def _returned_relation(index: SchemaIndex, fn: Function) -> Relation | None:
    ref = fn.return_type_ref
    if ref.kind not in ("relation", "composite", "base"):
        return None
    return index.relation(ref.schema, ref.name)


# --- suggestions -----------------------------------------------------------------------

_GOOD_MATCH = 0.75
_CLOSE_MATCH = 0.6
#: Candidates this close to the best one are as good: no single fix then.
_TIE = 0.08
_PLAIN_NAME = re.compile(r"[\w$]+")


def suggestions(name: str, candidates: Iterable[str]) -> tuple[list[str], str | None]:
    """Up to three close names, best first, and the one to fix to when exactly one is good."""
    names = sorted(set(candidates) - {name})
    same_case = [c for c in names if c.lower() == name.lower()]
    if len(same_case) == 1:
        return same_case, same_case[0]
    scored: list[tuple[float, str]] = []
    for candidate in names:
        matcher = difflib.SequenceMatcher(None, name.lower(), candidate.lower())
        if matcher.real_quick_ratio() >= _CLOSE_MATCH and matcher.quick_ratio() >= _CLOSE_MATCH:
            ratio = matcher.ratio()
            if ratio >= _CLOSE_MATCH:
                scored.append((-ratio, candidate))
    scored.sort()
    close = [c for _, c in scored[:3]]
    if not scored or -scored[0][0] < _GOOD_MATCH:
        return close, None
    best = -scored[0][0]
    good = [c for score, c in scored if -score >= max(_GOOD_MATCH, best - _TIE)]
    fix = good[0] if len(good) == 1 and _PLAIN_NAME.fullmatch(good[0]) else None
    return close, fix


def _did_you_mean(close: Sequence[str]) -> str:
    if not close:
        return ""
    quoted = [f"`{c}`" for c in close]
    options = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
    return f"; did you mean {options}?"


# --- checking chains -------------------------------------------------------------------

#: Calls only a PostgREST query builder has after ``.from(…)``: proof enough
#: that the receiver is a Supabase client when the table name is unknown.
_FROM_EVIDENCE = frozenset({"select", "insert", "update", "upsert", "delete"})
_RPC_EVIDENCE = frozenset(
    {"select", "single", "maybeSingle", "returns", "overrideTypes", "throwOnError", "execute"}
)

_COLUMN_FILTERS = frozenset(
    {
        "eq",
        "neq",
        "gt",
        "gte",
        "lt",
        "lte",
        "like",
        "ilike",
        "likeAllOf",
        "likeAnyOf",
        "ilikeAllOf",
        "ilikeAnyOf",
        "is",
        "isDistinct",
        "in",
        "contains",
        "containedBy",
        "rangeGt",
        "rangeGte",
        "rangeLt",
        "rangeLte",
        "rangeAdjacent",
        "overlaps",
        "textSearch",
        "regexMatch",
        "regexIMatch",
        "filter",
        "not",
        # supabase-py's short spellings
        "cs",
        "cd",
        "ov",
        "sl",
        "sr",
        "nxl",
        "nxr",
        "adj",
        "fts",
        "plfts",
        "phfts",
        "wfts",
    }
)
_REFERENCED_TABLE = ("referencedTable", "foreignTable", "referenceTable")

_LAST_NAME = re.compile(r"([A-Za-z_$][\w$]*)\s*$")


def _is_excluded_receiver(receiver: str, client: str) -> bool:
    """Receivers that have a ``from`` of their own: ``Array``, ``Buffer``, storage buckets
    (classes only when the file does not show the receiver to be a Supabase client)."""
    match = _LAST_NAME.search(receiver)
    if match is None:
        return False
    last = match[1]
    if "storage" in last.lower():  # supabase.storage.from('bucket')
        return True
    if client == SUPABASE:
        return False
    # Array.from, Buffer.from, Observable.from, Readable.from: classes, not clients
    return receiver.strip() == last and last[:1].isupper() and "supabase" not in last.lower()


@dataclass(frozen=True, slots=True, eq=False)
class _Target:
    """What a chain's names are checked against: a relation, or a function's result."""

    label: str
    relation: Relation | None
    readable: frozenset[str] | None
    writable: frozenset[str] | None
    #: Where the column names come from, for messages.
    source: str


@dataclass
class _Checker:
    index: SchemaIndex
    #: Where relations and columns come from, for messages.
    source: str
    #: Where functions and foreign keys come from, for messages.
    facts_source: str
    findings: list[Finding] = field(default_factory=list)

    def report(
        self, rule: Rule, message: str, literal: Literal, name: Name, candidates: Iterable[str]
    ) -> None:
        close, fix_to = suggestions(name.text, candidates)
        span = literal.span(name.start, name.end)
        fix = None
        if fix_to is not None:
            fix = Fix(f"Replace `{name.text}` with `{fix_to}`", (TextEdit(span, fix_to),))
        self.findings.append(rule.finding(message + _did_you_mean(close), span, fix))

    # --- the head of a chain -----------------------------------------------------------

    def chain(self, chain: Chain) -> None:
        if chain.client == OTHER:
            return  # knex, PySpark, …: the file shows it is not a Supabase client
        if _is_excluded_receiver(chain.receiver, chain.client):
            return
        schema_name = chain.schema.value if chain.schema is not None else None
        if schema_name is not None and schema_name not in self.index.schemas:
            return  # a schema the types do not describe: nothing to check against
        schemas = self.index.search_path(schema_name)
        evidence = (
            chain.client == SUPABASE
            or "supabase" in chain.receiver.lower()
            or chain.schema is not None
            or any(
                s.method in (_FROM_EVIDENCE if chain.kind == "from" else _RPC_EVIDENCE)
                for s in chain.steps
            )
        )
        if chain.kind == "from":
            target = self.table(chain, schemas, evidence)
        else:
            target = self.rpc(chain, schemas, evidence)
        if target is None:
            return
        embeds: dict[tuple[str, ...], _Target] = {(): target}
        for step in chain.steps:
            if step.method == "select":
                for arg in step.args:
                    if isinstance(arg, Literal):
                        items = parse_select(arg.value)
                        if items is not None:
                            self.select(arg, items, target, (), embeds)
        for step in chain.steps:
            self.step(step, target, embeds)

    def table(self, chain: Chain, schemas: tuple[str, ...], evidence: bool) -> _Target | None:
        name = chain.name.value
        for schema in schemas:
            rel = self.index.relation(schema, name)
            if rel is not None:
                return self.target(rel)
        if evidence:
            where = _schemas_phrase(schemas)
            self.report(
                UNKNOWN_TABLE,
                f"`{name}` is not a table or view of {where} in {self.source}",
                chain.name,
                Name(name, 0, len(name)),
                self.index.relation_names(schemas),
            )
        return None

    def target(self, rel: Relation) -> _Target:
        return _Target(
            f"{_kind(rel)} `{rel.schema}.{rel.name}`",
            rel,
            self.index.readable(rel),
            frozenset(c.name for c in rel.columns),
            self.source,
        )

    def rpc(self, chain: Chain, schemas: tuple[str, ...], evidence: bool) -> _Target | None:
        if not self.index.knows_functions:
            return None  # nothing lists the functions: nothing to check against
        name = chain.name.value
        overloads = self.index.functions(schemas, name)
        if not overloads:
            if evidence:
                where = _schemas_phrase(schemas)
                self.report(
                    UNKNOWN_FUNCTION,
                    f"`{name}` is not a function of {where} in {self.facts_source}",
                    chain.name,
                    Name(name, 0, len(name)),
                    self.index.function_names(schemas),
                )
            return None
        fn = overloads[0]
        label = f"function `{fn.schema}.{fn.name}`"
        args = chain.args[0] if chain.args else dict(chain.kwargs).get("params")
        # A single unnamed argument takes the whole body; unnamed ones cannot be named.
        named = all(a.name for f in overloads for a in f.in_args)
        if isinstance(args, Obj) and named:
            allowed = {a.name for f in overloads for a in f.in_args}
            for key, _ in args.entries:
                if key.value not in allowed:
                    self.report(
                        UNKNOWN_FUNCTION,
                        f"{label} has no argument `{key.value}` in {self.facts_source}",
                        key,
                        Name(key.value, 0, len(key.value)),
                        allowed,
                    )
        returned = {_returned_relation(self.index, f) for f in overloads}
        if len(returned) == 1:
            rel = returned.pop()
            if rel is not None:
                return _Target(
                    f"{label} (returning {_kind(rel)} `{rel.name}`)",
                    rel,
                    self.index.readable(rel),
                    None,
                    self.source,
                )
        outputs = [
            frozenset(a.name for a in f.args if a.mode in ("table", "out", "inout"))
            for f in overloads
        ]
        if all(outputs) and len(set(outputs)) == 1:
            return _Target(f"the result of {label}", None, outputs[0], None, self.facts_source)
        return None

    # --- the steps after it ------------------------------------------------------------

    def select(
        self,
        literal: Literal,
        items: tuple[Field | Embed, ...],
        target: _Target,
        path: tuple[str, ...],
        embeds: dict[tuple[str, ...], _Target],
    ) -> None:
        for item in items:
            if isinstance(item, Field):
                # `count` is PostgREST's row count, in an embed (`rel(count)`) or on its own.
                if item.name.text != "count":
                    self.column(literal, item.name, target, target.readable)
                continue
            embedded = self.embed(literal, item, target)
            if embedded is None:
                continue
            for key in {item.key, item.name.text}:
                embeds.setdefault((*path, key), embedded)
            self.select(literal, item.items, embedded, (*path, item.key), embeds)

    def embed(self, literal: Literal, item: Embed, target: _Target) -> _Target | None:
        source = target.relation
        if source is None:
            return None
        name = item.name.text
        links = self.index.links(source)
        found = self.resolve_embed(source, name, links)
        if found is not None:
            self.hints(literal, item, source, found, links)
            return self.target(found)
        same_name = self.index.relation(source.schema, name)
        if same_name is not None:
            # Old generated types have no `Relationships`: no foreign keys at all
            # says nothing then.
            has_keys = bool(self.index.fk_names)
            if has_keys and source.kind in _TABLE_KINDS and same_name.kind in _TABLE_KINDS:
                self.findings.append(
                    UNKNOWN_RELATIONSHIP.finding(
                        f"{target.label} and {_kind(same_name)} `{same_name.schema}.{name}` have "
                        f"no relationship in {self.facts_source}: no foreign key joins them, directly "
                        f"or through a junction table",
                        literal.span(item.name.start, item.name.end),
                    )
                )
            return self.target(same_name)
        # Names this model cannot rule out: an FK or column reached through a
        # view's lineage, a function returning rows.
        maybe = (
            name in self.index.fk_names
            or name in (target.readable or ())
            or bool(self.index.functions((source.schema,), name))
        )
        if not maybe:
            candidates = {link.target.name for link in links}
            candidates.update(c for link in links for c in link.source_columns)
            self.report(
                UNKNOWN_RELATIONSHIP,
                f"`{name}` is not a table or view related to {target.label} in {self.facts_source}",
                literal,
                item.name,
                candidates or self.index.relation_names((source.schema,)),
            )
        return None

    def resolve_embed(self, source: Relation, name: str, links: list[Link]) -> Relation | None:
        for link in links:
            if link.target.name == name:
                return link.target
        for link in links:
            if name in link.source_columns or (link.via is None and name in link.names):
                return link.target
        for fn in self.index.computed(source):  # computed relationships
            if fn.name == name:
                returned = _returned_relation(self.index, fn)
                if returned is not None:
                    return returned
        return None

    def hints(
        self, literal: Literal, item: Embed, source: Relation, target: Relation, links: list[Link]
    ) -> None:
        if not self.index.fk_names:
            return  # no foreign keys known (old generated types): hints cannot be judged
        known = (
            self.index.fk_names
            | self.index.fk_columns
            | {c.name for c in source.columns}
            | {c.name for c in target.columns}
            | set(self.index.relation_names((source.schema,)))
        )
        for hint in item.hints:
            if hint.text in JOIN_TYPES or hint.text in known:
                continue
            between = [link for link in links if link.target is target]
            candidates = {n for link in between for n in link.names if n in self.index.fk_names}
            self.report(
                UNKNOWN_RELATIONSHIP,
                f"`{hint.text}` names no foreign key, column or table relating "
                f"{_kind(source)} `{source.schema}.{source.name}` and {_kind(target)} "
                f"`{target.schema}.{target.name}` in {self.facts_source}",
                literal,
                hint,
                candidates,
            )

    def column(
        self, literal: Literal, name: Name, target: _Target, allowed: frozenset[str] | None
    ) -> None:
        if allowed is None or name.text in allowed:
            return
        self.report(
            UNKNOWN_COLUMN,
            f"`{name.text}` is not a column of {target.label} in {target.source}",
            literal,
            name,
            allowed,
        )

    def step(self, step: Call, target: _Target, embeds: dict[tuple[str, ...], _Target]) -> None:
        method = step.method
        if method in ("insert", "upsert", "update"):
            for key in _object_keys(step.arg(0, "json", "values")):
                self.column(key, Name(key.value, 0, len(key.value)), target, target.writable)
            options = step.arg(1)
            conflict = options.get("onConflict") if isinstance(options, Obj) else None
            conflict = conflict or dict(step.kwargs).get("onConflict")
            if isinstance(conflict, Literal):
                for name in parse_column_list(conflict.value) or ():
                    self.column(conflict, name, target, target.writable)
        elif method in _COLUMN_FILTERS:
            self.filter_column(step.arg(0, "column"), (), target, embeds)
        elif method == "match":
            for key in _object_keys(step.arg(0, "query")):
                self.filter_column(key, (), target, embeds)
        elif method in ("order", "or"):
            prefix = self.referenced_table(step)
            if prefix is None:
                return
            literal = step.arg(0, "column", "filters")
            if not isinstance(literal, Literal):
                return
            if method == "order":
                self.filter_column(literal, prefix, target, embeds)
            else:
                for path in parse_logic(literal.value) or ():
                    self.resolve_column(literal, prefix, path, target, embeds)

    def referenced_table(self, step: Call) -> tuple[str, ...] | None:
        """The embed path of ``{referencedTable: 'a.b'}``; None when it cannot be read."""
        options = step.arg(1)
        if len(step.args) > 1 and not isinstance(options, Obj):
            return None  # options built elsewhere may name an embed
        value = options.get(*_REFERENCED_TABLE) if isinstance(options, Obj) else None
        kwargs = dict(step.kwargs)
        value = value or next((kwargs[k] for k in _REFERENCED_TABLE if k in kwargs), None)
        if value is None:
            has_option = isinstance(options, Obj) and not options.complete
            return None if has_option else ()
        if not isinstance(value, Literal):
            return None
        path = parse_filter_column(value.value)
        return tuple(n.text for n in path) if path is not None else None

    def filter_column(
        self,
        literal: Arg,
        prefix: tuple[str, ...],
        target: _Target,
        embeds: dict[tuple[str, ...], _Target],
    ) -> None:
        if isinstance(literal, Literal):
            path = parse_filter_column(literal.value)
            if path is not None:
                self.resolve_column(literal, prefix, path, target, embeds)

    def resolve_column(
        self,
        literal: Literal,
        prefix: tuple[str, ...],
        path: tuple[Name, ...],
        target: _Target,
        embeds: dict[tuple[str, ...], _Target],
    ) -> None:
        """A filter or order column: ``col`` on the target, ``rel.col`` on an embed."""
        *relations, column = path
        where = embeds.get((*prefix, *(n.text for n in relations)))
        if where is None:
            return  # an embed of a select this chain does not show (or none at all)
        self.column(literal, column, where, where.readable)


def _object_keys(arg: Arg) -> Iterator[Literal]:
    if isinstance(arg, Obj):
        for key, _ in arg.entries:
            yield key
    elif isinstance(arg, Arr):
        for item in arg.items:
            yield from _object_keys(item) if isinstance(item, Obj) else ()


def _kind(rel: Relation) -> str:
    return {"materialized_view": "materialized view", "partitioned_table": "table"}.get(
        rel.kind, rel.kind.replace("_", " ")
    )


def _schemas_phrase(schemas: Sequence[str]) -> str:
    if len(schemas) == 1:
        return f"schema `{schemas[0]}`"
    return "schemas " + ", ".join(f"`{s}`" for s in schemas)


# --- entry points ----------------------------------------------------------------------


def check_app_references(
    files: Iterable[Path],
    schema: Schema,
    reader: FileReader,
    *,
    source: str = "the schema",
    root: Path | None = None,
    facts: SourceFacts | None = None,
    supplement: Supplement | None = None,
) -> list[Finding]:
    """PGD501 to PGD504 findings (and PGD003 for unreadable files) in ``files``.

    ``schema`` is what the code compiles against; ``source`` names it in
    messages ("the local types `types/database.local.ts`"); ``supplement``
    gives the functions and foreign keys when ``schema`` cannot list them
    (Python types); ``root``, when given, is what paths in messages are
    relative to. Files other than TypeScript, JavaScript and Python are ignored.
    """
    facts_source = source
    if supplement is not None and supplement.schema is not None:
        facts_source = supplement.source
    checker = _Checker(SchemaIndex(schema, supplement), source, facts_source)
    facts = facts or SourceFacts()
    for path in files:
        if path.suffix not in SOURCE_SUFFIXES:
            continue
        try:
            text = reader.read_text(path)
        except UnreadableFileError as exc:
            display = _relative(path, root)
            checker.findings.append(unreadable_finding(path, exc.reason, display))
            continue
        if path.suffix in PY_SUFFIXES:
            chains = facts.py_chains(str(path), text)
        else:
            chains = facts.ts_chains(str(path), text)
        for chain in chains:
            checker.chain(chain)
    return checker.findings


def _relative(path: Path, root: Path | None) -> str:
    if root is None:
        return str(path)
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def run(ctx: CheckContext) -> list[Finding]:
    """The app-references family as :mod:`pgdrift.checks.engine` runs it.

    Each file's findings depend on its text and the schema alone: when the
    schema is a local types file, they are kept in the project's on-disk cache
    by file digest, and the types file is read only if some file is new.
    """
    project = ctx.project
    if ctx.paths is None:
        # Unreadable directories are reported by the boundary family's walk.
        files: Iterable[Path] = walk_files(project.root, SOURCE_SUFFIXES)
    else:
        files = ctx.paths
    app_files = [f for f in files if _is_app_code(project.config, project.config.relative(f))]
    # Replaying the migrations is expensive: only when some file may query.
    if not any(_may_query(f, project.reader) for f in app_files):
        return []
    key = _types_key(ctx)
    stored = project.store.load(_STORE, key) if key is not None else None
    known: dict[object, object] = {}
    if isinstance(stored, tuple) and len(stored) == 2 and isinstance(stored[1], dict):
        known = stored[1]
    by_file: dict[Path, list[Finding]] = {}
    digests: dict[Path, str] = {}
    pending: list[Path] = []
    for path in app_files:
        if path.suffix not in SOURCE_SUFFIXES:
            continue
        try:
            digests[path] = digest(project.reader.read_text(path))
        except UnreadableFileError as exc:
            display = _relative(path, project.root)
            by_file[path] = [unreadable_finding(path, exc.reason, display)]
            continue
        hit = known.get((str(path), digests[path]))
        if isinstance(hit, tuple) and all(isinstance(f, Finding) for f in hit):
            by_file[path] = list(hit)
        else:
            pending.append(path)
    if pending:
        found = _compiled_schema(ctx)
        if found is None:
            return []
        schema, source, supplement = found
        computed = check_app_references(
            pending,
            schema,
            project.reader,
            source=source,
            root=project.root,
            facts=project.facts,
            supplement=supplement,
        )
        for path in pending:
            by_file[path] = []
        for finding in computed:
            by_file[Path(finding.span.path)].append(finding)
        complete = supplement is None or supplement.schema is not None
        if key is not None and source.startswith("the local types") and complete:
            results = {(str(p), d): tuple(by_file[p]) for p, d in digests.items()}
            project.store.store(_STORE, key, (source, results))
    return [f for path in app_files for f in by_file.get(path, ())]


_STORE = "app-refs"


def _types_key(ctx: CheckContext) -> tuple[object, ...] | None:
    """What the schema from the local types files depends on: their paths and texts."""
    project = ctx.project
    parts: list[object] = [str(project.root)]
    for types_file in project.config.types_files("local"):
        path = project.config.resolve(types_file.path)
        if not project.reader.is_file(path):
            continue
        try:
            text = project.reader.read_text(path)
        except UnreadableFileError:
            return None  # UTF-16 and the like: read the slow way, every time
        parts.append((types_file.path, types_file.language, digest(text)))
        if types_file.language == "python":
            # Functions and foreign keys then come from the migrations.
            parts.append((ctx.use_db, ctx.inputs_key(migrations=True)))
    return tuple(parts) if len(parts) > 1 else None


def _may_query(path: Path, reader: FileReader) -> bool:
    if path.suffix not in SOURCE_SUFFIXES:
        return False
    try:
        text = reader.read_text(path)
    except UnreadableFileError:
        return True  # reported when checked
    hint = PY_QUERY_HINT if path.suffix in PY_SUFFIXES else TS_QUERY_HINT
    return hint.search(text) is not None


def _is_app_code(config: Config, rel: str) -> bool:
    """Application code, as the import boundary defines it: not the types files, not
    validation scripts (they compile against the remote types), not tests (whose
    mocked clients query made-up tables) unless ``[boundary] app`` says so."""
    from pgdrift.checks.boundary import TEST_GLOBS

    if any(t.path == rel for t in config.types) or matches_any(config.boundary.allow_remote, rel):
        return False
    if config.boundary.app is not None:
        return matches_any(config.boundary.app, rel)
    return not matches_any(TEST_GLOBS, rel)


def _compiled_schema(ctx: CheckContext) -> tuple[Schema, str, Supplement | None] | None:
    """The schema application code compiles against, how messages name it, and
    where functions and foreign keys come from when it cannot list them."""
    project = ctx.project
    model = _MigrationsModel(ctx)
    for types_file in project.config.types_files("local"):
        path = project.config.resolve(types_file.path)
        if not project.reader.is_file(path):
            continue
        if types_file.language != "python":
            schema = _read_types_file(ctx, path, types_file.language)
            if schema is not None:
                return schema, f"the local types `{types_file.path}`", None
            continue
        # postgres-meta's Python template has no functions and no relationships:
        # those come from the migrations (whose names also map class names back).
        migrations = model.get()
        schema = _read_types_file(ctx, path, types_file.language, names_hint=migrations)
        if schema is None:
            continue
        if migrations is None:
            ctx.note(
                f"{types_file.path} lists no functions or relationships and the migrations "
                f"could not be read: rpc calls and embedded relations in code not checked"
            )
            ctx.skip((UNKNOWN_FUNCTION.code, UNKNOWN_RELATIONSHIP.code))
        return schema, f"the local types `{types_file.path}`", Supplement(migrations)
    if not project.migrations.files:
        ctx.note(
            "no local types to read and no migrations: table and column names in code not checked"
        )
        ctx.skip(("PGD5",))
        return None
    schema = model.get()
    if schema is None:
        ctx.note("table and column names in code not checked: the migrations could not be read")
        ctx.skip(("PGD5",))
        return None
    return schema, "the migrations", None


class _MigrationsModel:
    """What the migrations build, computed at most once: the replay, else (no database,
    or a replay that failed) the static model when it has no errors."""

    def __init__(self, ctx: CheckContext) -> None:
        self.ctx = ctx
        self._done = False
        self._schema: Schema | None = None

    def get(self) -> Schema | None:
        if not self._done:
            self._done = True
            self._schema = self._compute()
        return self._schema

    def _compute(self) -> Schema | None:
        return self.ctx.migrations_model()


def _read_types_file(
    ctx: CheckContext, path: Path, language: TypesLanguage, *, names_hint: Schema | None = None
) -> Schema | None:
    """The schema a generated types file describes; None (with a note) when it cannot be
    read whole: a truncated file would make every table after the cut look unknown."""
    from pgdrift.sources.typefile import TypesFileError, read_text, read_types_text

    try:
        try:
            text = ctx.project.reader.read_text(path)
        except UnreadableFileError:
            text = read_text(path)  # UTF-16 files, which generators on Windows write
    except TypesFileError as exc:
        ctx.note(f"cannot read {path.name} ({exc}); checking code against the migrations")
        return None
    read = read_types_text(text, str(path), language, names_hint=names_hint)
    if read.problems:
        problem = read.problems[0]
        ctx.note(
            f"{path.name}:{problem.line + 1}: {problem.message}; "
            f"checking code against the migrations"
        )
        return None
    return read.schema
