"""Replay parsed DDL onto a schema state, and freeze the state into a Schema.

:class:`State` holds what the statements built so far, keyed by name, in
creation order (which is Postgres' oid order, the order the catalog source
reports). Every value in it is immutable; statements replace values instead
of mutating them, so :meth:`State.copy` (a shallow copy of a few dicts) is a
full snapshot. That is what makes incremental re-indexing cheap: the index
keeps snapshots and resumes from one.

Names follow Postgres: unqualified names resolve through the current
``search_path``, generated names (``t_pkey``, ``t_id_seq``, ``t_a_fkey``)
follow its naming rules, defaults and policy expressions are printed as
``pg_get_expr`` prints them (:mod:`pgdrift.sources.sql_render`).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, fields
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from pgdrift.model import (
    Attribute,
    Column,
    ColumnSource,
    CompositeType,
    Domain,
    Enum,
    ForeignKey,
    Function,
    FunctionArg,
    Policy,
    Relation,
    RelationKind,
    Schema,
    Span,
    init_fields,
)
from pgdrift.sources import ddl as D
from pgdrift.sources import sql_expr as E
from pgdrift.sources.expr_memo import Entry, ExprMemo, move_dep, move_deps, recording
from pgdrift.sources.pg_builtins import (
    LATER_NAMES,
    builtins,
    builtins_major,
    quote_ident,
    quote_literal,
)
from pgdrift.sources.sql_render import (
    NO_DEPS,
    Analyzer,
    Catalog,
    ColumnInfo,
    Dep,
    FuncSig,
    Printer,
    RangeEntry,
    RelationInfo,
    RenderError,
    Scope,
    T,
    TFunc,
    TQuery,
    TSelect,
    TVar,
    Undefined,
    can_coerce,
    dependencies,
    figure_colname,
    is_poly,
    parse_qualified,
    renamed,
    same_type,
    walk,
)
from pgdrift.sources.sql_types import (
    PG_CATALOG,
    SERIAL_TYPES,
    SQL_TYPE_NAMES,
    PgType,
    TypeName,
    builtin,
    builtin_type,
    format_type,
)

NAMEDATALEN = 64

Key = tuple[str, str]
#: A stored expression's typed tree, kept so that it can be printed again
#: when something it names is renamed (Postgres stores the tree by oid):
#: (the text printed from it, the tree, and when the tree is another
#: relation's analysis reused (:mod:`.expr_memo`), that relation and the one
#: it stands for).
Stored = tuple[str, T, tuple[Key, Key] | None]


def _stored(
    text: str | None, tree: T | None, moved: tuple[Key, Key] | None = None
) -> Stored | None:
    if text is None or tree is None:
        return None
    return text, tree, (moved if moved is not None and moved[0] != moved[1] else None)


class DefaultAnalysis(NamedTuple):
    """:meth:`Replayer.analyze_default_deps`: the text (None for DEFAULT
    NULL) and what the expression uses."""

    text: str | None
    types: frozenset[Key] = frozenset()
    rels: frozenset[Key] = frozenset()
    deps: frozenset[Dep] = NO_DEPS
    stored: Stored | None = None


# --------------------------------------------------------------------------- state values

# The state's values are never changed in place: a change makes a new value
# (_replace) and a State copy shares the rest. Columns, constraints and
# relations, made by the tens of thousands in a replay, are plain slotted
# dataclasses rather than frozen ones, which cost twice as much to build
# (replay CPU on bench/index ~620 -> ~555 ms).


@dataclass(slots=True)
class ColState:
    name: str
    type: PgType
    mods: tuple[str, ...] = ()
    ndims: int = 0
    not_null: bool = False
    default: str | None = None
    identity: str | None = None
    generated: bool = False
    comment: str | None = None
    span: Span | None = None
    altered: tuple[Span, ...] = ()
    #: The default's parsed expression, kept to re-type it on ALTER TYPE.
    default_expr: E.Node | None = None
    #: The default's typed tree, to print it again after a rename.
    default_stored: Stored | None = field(default=None, compare=False)
    #: View columns: whether the column is updatable.
    updatable: bool = True
    #: User types the default's expression uses: dropping one with CASCADE
    #: drops the default (Postgres records the dependency).
    default_types: frozenset[Key] = frozenset()
    #: Relations (sequences) the default's regclass literals name
    #: (``nextval('s'::regclass)``): DROP SEQUENCE fails while the default
    #: uses it, and drops the default with CASCADE.
    default_rels: frozenset[Key] = frozenset()
    #: The functions and columns the default (or generation expression)
    #: uses (its types and relations are the two fields above): what
    #: DROP ... CASCADE follows (:meth:`Replayer.drop_dependents`).
    default_deps: frozenset[Dep] = NO_DEPS
    #: Inheritance children (INHERITS): how many parents the column comes
    #: from (attinhcount), and whether the table also declares it (attislocal).
    inhcount: int = 0
    islocal: bool = True


@dataclass(slots=True)
class ConState:
    name: str
    kind: str  # p, u, f, c, x
    columns: tuple[str, ...] = ()
    ref: Key | None = None
    ref_columns: tuple[str, ...] = ()
    on_delete: str = "NO ACTION"
    on_update: str = "NO ACTION"
    span: Span | None = None
    seq: int = 0  # creation counter (the catalog reports FKs in that order)
    #: Check constraints: what the expression uses (its own table's columns
    #: included), for DROP ... CASCADE.
    deps: frozenset[Dep] = NO_DEPS
    #: Foreign keys: the unique index of the referenced table (in its
    #: schema) the key uses (conindid): dropping it, or the constraint it
    #: belongs to, fails while the key is there, and takes it with CASCADE.
    ref_index: str = ""


@dataclass(slots=True)
class RelState:
    schema: str
    name: str
    kind: RelationKind
    columns: tuple[ColState, ...] = ()
    constraints: tuple[ConState, ...] = ()
    rls_enabled: bool = False
    rls_forced: bool = False
    policies: tuple[Policy, ...] = ()
    comment: str | None = None
    span: Span | None = None
    altered: tuple[Span, ...] = ()
    partition_of: Key | None = None
    #: Tables made with INHERITS: the parents, in order.
    inherits: tuple[Key, ...] = ()
    #: Views: relations the query reads (for DROP ... CASCADE).
    deps: frozenset[Key] = frozenset()
    #: Views: (column, (schema, relation, column)) each column passes through.
    origins: tuple[tuple[str, Key, str], ...] = ()
    view_updatable: bool = False
    #: Views: the single base relation when the view is auto-updatable.
    view_base: Key | None = None
    triggers: tuple[tuple[str, str, tuple[str, ...]], ...] = ()
    #: Typed tables (CREATE TABLE ... OF type): the composite type.
    of_type: Key | None = None
    #: What the relation's stored expressions depend on, for DROP ...
    #: CASCADE: (kind, name, dependencies) for a view's query ("view", ""),
    #: a policy's USING and WITH CHECK ("policy" / "policy check", its
    #: name), a trigger ("trigger", its name: its function, UPDATE OF columns).
    expr_deps: tuple[tuple[str, str, frozenset[Dep]], ...] = ()
    #: The typed trees of its policies' expressions, (kind, name, stored)
    #: as in ``expr_deps``: printed again after a rename.
    stored_exprs: tuple[tuple[str, str, Stored], ...] = field(default=(), compare=False)

    @property
    def key(self) -> Key:
        return (self.schema, self.name)

    def col(self, name: str) -> ColState | None:
        for c in self.columns:
            if c.name == name:
                return c
        return None


@dataclass(frozen=True, slots=True)
class TypeState:
    schema: str
    name: str
    kind: str  # enum, composite, domain, range, base, shell
    labels: tuple[str, ...] = ()
    #: Composite types: (name, type, type modifier) in attnum order.
    attributes: tuple[tuple[str, PgType, tuple[str, ...]], ...] = ()
    base: PgType | None = None
    base_mods: tuple[str, ...] = ()
    not_null: bool = False
    default: str | None = None
    checks: tuple[tuple[str, str], ...] = ()  # (constraint name, expression text)
    category: str = "U"
    extension: str = ""
    comment: str | None = None
    span: Span | None = None
    altered: tuple[Span, ...] = ()
    #: Domains: what the default ("default", "") and each check constraint
    #: ("check", its name) depend on, for DROP ... CASCADE.
    expr_deps: tuple[tuple[str, str, frozenset[Dep]], ...] = ()
    #: Ranges (base is the subtype): their multirange type (Postgres 14+).
    multirange: Key | None = None


@dataclass(frozen=True, slots=True)
class ArgState:
    mode: str
    name: str
    type: PgType
    default: str | None = None


@dataclass(frozen=True, slots=True)
class FuncState:
    schema: str
    name: str
    args: tuple[ArgState, ...]
    result: PgType
    retset: bool
    table_columns: tuple[tuple[str, PgType], ...] | None
    language: str
    volatility: str
    security_definer: bool
    rows: float
    body: str
    procedure: bool = False
    comment: str | None = None
    span: Span | None = None
    altered: tuple[Span, ...] = ()
    #: Extension members: the (arguments, identity arguments, result) texts
    #: Postgres prints with the schema on the search path, then off it (with
    #: the schema spelled as a placeholder), and the number of defaults.
    texts: tuple[tuple[str, str, str], tuple[str, str, str]] | None = None
    ndefaults: int = 0
    extension: str = ""
    #: An aggregate (CREATE AGGREGATE): resolved like the builtin ones, not
    #: listed among the functions (introspection lists prokind "f" only).
    aggregate: bool = False
    #: An aggregate's support functions the state has (its state transition
    #: and final functions): dropping one drops it, or fails without CASCADE.
    uses: tuple[tuple[str, str, tuple[Key, ...]], ...] = ()

    @property
    def identity(self) -> tuple[Key, ...]:
        return tuple(
            (a.type.schema, a.type.name) for a in self.args if a.mode in ("in", "inout", "variadic")
        )


@dataclass(frozen=True, slots=True)
class SeqState:
    schema: str
    name: str
    owned_by: tuple[str, str, str] | None = None


@dataclass(frozen=True, slots=True)
class IndexDef:
    """What ``ADD CONSTRAINT ... USING INDEX`` needs to know of an index."""

    #: Key columns: a column's name, "" for an expression.
    columns: tuple[str, ...]
    unique: bool
    method: str = "btree"
    partial: bool = False
    #: The first key column (1-based) not sorted the default way, or 0.
    odd_sort: int = 0
    #: Creation counter (``State.counter``): indexes in oid order.
    seq: int = 0


# --------------------------------------------------------------------------- findings


@dataclass(frozen=True, slots=True)
class ReplayIssue:
    code: str
    message: str
    severity: str = "warning"


class ReplayError(Exception):
    """A statement fails as it would on the server: reported, then skipped.

    ``sqlstate`` is the error code Postgres would raise (what a DO block's
    exception handler matches); when not given it follows from the code and
    the message (:func:`sqlstate_of`).
    """

    def __init__(
        self, code: str, message: str, severity: str = "error", sqlstate: str | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.severity = severity
        self.sqlstate = sqlstate


_SQLSTATE_OF_CODE = {
    "migration-unknown-relation": "42P01",  # undefined_table
    "migration-unknown-column": "42703",  # undefined_column
    "migration-unknown-type": "42704",  # undefined_object
    "migration-unknown-object": "42704",
    "migration-unknown-constraint": "42704",
    "migration-unknown-schema": "3F000",  # invalid_schema_name
    "migration-no-schema": "3F000",
    "migration-unknown-function": "42883",  # undefined_function
    "migration-ambiguous": "42725",  # ambiguous_function
}
_SQLSTATE_OF_DUPLICATE = (
    ("relation ", "42P07"),  # duplicate_table
    ("column ", "42701"),  # duplicate_column
    ("schema ", "42P06"),  # duplicate_schema
    ("function ", "42723"),  # duplicate_function
    ("multiple primary keys", "42P16"),  # invalid_table_definition
)


def sqlstate_of(exc: ReplayError) -> str | None:
    """The SQLSTATE Postgres raises for the failure ``exc`` models, if known."""
    if exc.sqlstate is not None:
        return exc.sqlstate
    if exc.code == "migration-duplicate-object":
        message = str(exc)
        for prefix, state in _SQLSTATE_OF_DUPLICATE:
            if message.startswith(prefix):
                return state
        return "42710"  # duplicate_object: types, constraints, policies, triggers ...
    return _SQLSTATE_OF_CODE.get(exc.code)


_CODE_OF_SQLSTATE = {state: code for code, state in reversed(_SQLSTATE_OF_CODE.items())}


def _failure(exc: Undefined) -> ReplayError:
    """The failure of a statement whose expression Postgres certainly rejects."""
    code = _CODE_OF_SQLSTATE.get(exc.sqlstate, "migration-invalid")
    return ReplayError(code, str(exc), sqlstate=exc.sqlstate)


# What Replayer.knows_all knows pgdrift does not model.

#: Statements the model ignores that make or rename functions or relations,
#: or change enum labels (migrations.parse_file keeps them for the replay).
NAMING_IGNORED = frozenset(
    [
        *("create aggregate", "alter aggregate", "alter routine", "import"),
        *("select into temp", "write to pg_enum"),
    ]
)
#: The Supabase platform's extensions schema holds pg_stat_statements, its
#: event trigger functions and, in older projects, pgjwt, which the stand-ins
#: leave out: these names may be there.
_PLATFORM_EXTENSION_SCHEMA = "extensions"
_PLATFORM_EXTENSION_NAMES = frozenset(
    [
        *("pg_stat_statements", "pg_stat_statements_info", "pg_stat_statements_reset"),
        *("grant_pg_cron_access", "grant_pg_graphql_access", "grant_pg_net_access"),
        *("pgrst_ddl_watch", "pgrst_drop_watch", "set_graphql_placeholder"),
        *("url_encode", "url_decode", "algorithm_sign", "sign", "verify", "try_cast_double"),
    ]
)
#: Stand-ins with every name of the extension they stand in for (the others
#: have the parts migrations commonly use).
_WHOLE_STANDINS = frozenset(("uuid-ossp", "pg_jsonschema", "pgjwt"))
#: The relations (views) of the stock extensions that have any: the extension
#: catalog lists only types and functions.
_EXTENSION_RELATIONS = {
    "pg_buffercache": frozenset(("pg_buffercache", "pg_buffercache_numa")),
    "pg_stat_statements": frozenset(("pg_stat_statements", "pg_stat_statements_info")),
}


@cache
def _extension_aggregates(major: int, name: str) -> frozenset[str]:
    """The aggregates of a stock extension (installing it does not model them)."""
    data = extension_catalog(major).get(name) or {}
    return frozenset(f[0] for f in data.get("functions", ()) if f[1] == "a")


@cache
def _extension_data(major: int) -> dict[str, Any]:
    """The extension catalog captured from the server version closest to
    ``major`` (at or below it when possible)."""
    here = Path(__file__).parent
    available: dict[int, Path] = {}
    for path in here.glob("pg_extensions_*.json"):
        try:
            available[int(path.stem.rsplit("_", 1)[1])] = path
        except ValueError:
            continue
    if not available:
        return {"schema": "", "extensions": {}}
    lower = [v for v in available if v <= major]
    chosen = max(lower) if lower else min(available)
    try:
        data: dict[str, Any] = json.loads(available[chosen].read_text())
    except (OSError, ValueError):
        return {"schema": "", "extensions": {}}
    return data


def extension_catalog(major: int = 15) -> dict[str, Any]:
    """Member types, functions, operators and casts of the extensions a stock
    server of that major version ships (generated by
    ``tools/gen_pg_extensions.py``)."""
    exts: dict[str, Any] = _extension_data(major)["extensions"]
    return exts


def extension_catalog_schema(major: int = 15) -> str:
    """The placeholder schema the extension catalog's texts are written with."""
    return str(_extension_data(major)["schema"])


@dataclass(frozen=True, slots=True)
class ExtResolution:
    """What installed extensions add to the resolution of operators and casts."""

    #: (name, prefix) -> operators, each a signature of its schema, its
    #: operand types (one for a prefix operator) and its result.
    operators: dict[tuple[str, bool], tuple[FuncSig, ...]]
    #: ((source schema, typname), (target schema, typname)) -> castcontext.
    casts: dict[tuple[Key, Key], str]


_NO_EXT_RESOLUTION = ExtResolution({}, {})


@cache
def extension_resolution(major: int, installed: frozenset[tuple[str, str]]) -> ExtResolution:
    """The operators and casts of the extensions ``installed`` ((name, schema)
    pairs) as the catalog captured from a server of ``major`` has them, their
    types placed in the schemas the extensions went into."""
    catalog = extension_catalog(major)
    marker = extension_catalog_schema(major)
    found = [(name, schema, catalog[name]) for name, schema in installed if name in catalog]
    if not any(data.get("operators") or data.get("casts") for _n, _s, data in found):
        return _NO_EXT_RESOLUTION
    # A type of the placeholder schema is one of the extension's own or of
    # one it requires (captured in the same schema): where its owner went.
    made: dict[str, PgType] = {}
    for _name, schema, data in found:
        for tname, typtype, cat, _pref, _labels in data["types"]:
            if cat == "A":
                continue
            # As install_extension records them and Replayer.pgtype reads them.
            if typtype == "e":
                made[tname] = PgType(schema, tname, "enum", "E")
            elif typtype == "r":
                made[tname] = PgType(schema, tname, "range", "R")
            else:
                made[tname] = PgType(schema, tname, "base", cat)

    def typ(qualified: str, own: str) -> PgType | None:
        tschema, _, tname = qualified.partition(".")
        if tschema != marker:
            return builtin_type(tname) if tschema == PG_CATALOG else PgType(tschema, tname)
        t = made.get(tname)
        if t is None and tname.startswith("_"):
            inner = made.get(tname[1:])
            return inner.array_of() if inner is not None else None
        return t if t is not None else PgType(own, tname)

    operators: dict[tuple[str, bool], list[FuncSig]] = {}
    casts: dict[tuple[Key, Key], str] = {}
    for _name, schema, data in sorted(found, key=lambda f: f[0]):
        for opname, left, right, result in data.get("operators", ()):
            lt = typ(left, schema) if left else None
            rt, res = typ(right, schema), typ(result, schema)
            if rt is None or res is None or (left and lt is None):
                continue
            args = (rt,) if lt is None else (lt, rt)
            operators.setdefault((opname, lt is None), []).append(
                FuncSig(schema, opname, args, result=res)
            )
        for source, target, context, _method in data.get("casts", ()):
            st, tt = typ(source, schema), typ(target, schema)
            if st is not None and tt is not None:
                casts[(st.schema, st.name), (tt.schema, tt.name)] = context
    return ExtResolution({k: tuple(v) for k, v in operators.items()}, casts)


#: The text search configurations the snowball languages add (and simple).
_TS_LANGUAGES = (
    *("arabic", "armenian", "basque", "catalan", "danish", "dutch", "english", "finnish"),
    *("french", "german", "greek", "hindi", "hungarian", "indonesian", "irish", "italian"),
    *("lithuanian", "nepali", "norwegian", "portuguese", "romanian", "russian", "serbian"),
    *("spanish", "swedish", "tamil", "turkish", "yiddish"),
)


@cache
def builtin_text_search(kind: str, major: int) -> frozenset[str]:
    """The names of pg_catalog's text search objects of a kind."""
    languages = [*_TS_LANGUAGES, *(["estonian"] if major >= 17 else [])]
    if kind == "configuration":
        return frozenset(["simple", *languages])
    if kind == "dictionary":
        return frozenset(["simple", *(f"{lang}_stem" for lang in languages)])
    if kind == "parser":
        return frozenset(["default"])
    return frozenset(["simple", "synonym", "thesaurus", "ispell", "snowball"])


def _standin(name: str) -> tuple[str | None, bool]:
    """pgdrift's stand-in SQL for extension ``name`` (None without one), and
    whether its schema is fixed by the extension itself."""
    try:
        from pgdrift.sources import shadow
    except ImportError:
        return None, False
    section = shadow._sections().get(name)
    if section is None or section.kind != "extension":
        return None, False
    return section.sql, section.fixed


def _fixed_schemas() -> dict[str, str]:
    try:
        from pgdrift.sources import shadow
    except ImportError:
        return {}
    return {**shadow._PLATFORM_EXTENSIONS, **shadow._CONVENIENCE_EXTENSIONS}


def sub_span(span: Span | None, loc: D.RelLoc) -> Span | None:
    """The span of a part of a statement, from the statement's span and the
    part's position relative to it."""
    if span is None:
        return None
    l1, c1, l2, c2 = loc
    return Span(
        span.path,
        span.start_line + l1,
        span.start_col + c1 if l1 == 0 else c1,
        span.start_line + l2,
        span.start_col + c2 if l2 == 0 else c2,
    )


class _Undecided(Exception):
    """What a DO block does cannot be known statically."""


#: PL/pgSQL condition names -> SQLSTATE (a class when it ends in 000).
_CONDITIONS = {
    "duplicate_object": "42710",
    "duplicate_table": "42P07",
    "duplicate_column": "42701",
    "duplicate_function": "42723",
    "duplicate_schema": "42P06",
    "duplicate_alias": "42712",
    "duplicate_database": "42P04",
    "undefined_table": "42P01",
    "undefined_column": "42703",
    "undefined_object": "42704",
    "undefined_function": "42883",
    "invalid_schema_name": "3F000",
    "invalid_table_definition": "42P16",
    "ambiguous_function": "42725",
    "wrong_object_type": "42809",
    "syntax_error_or_access_rule_violation": "42000",
    "syntax_error": "42601",
    "insufficient_privilege": "42501",
    "invalid_name": "42602",
    "name_too_long": "42622",
    "invalid_column_reference": "42P10",
    "invalid_object_definition": "42P17",
    "invalid_catalog_name": "3D000",
    "feature_not_supported": "0A000",
    "object_not_in_prerequisite_state": "55000",
    "object_in_use": "55006",
    "dependent_objects_still_exist": "2BP01",
    "data_exception": "22000",
    "invalid_text_representation": "22P02",
    "invalid_parameter_value": "22023",
    "integrity_constraint_violation": "23000",
    "not_null_violation": "23502",
    "foreign_key_violation": "23503",
    "unique_violation": "23505",
    "check_violation": "23514",
    "raise_exception": "P0001",
    "no_data_found": "P0002",
    "too_many_rows": "P0003",
}


def _handler_for(
    exc: ReplayError, handlers: Sequence[tuple[tuple[str, ...], tuple[D.DoItem, ...]]]
) -> tuple[D.DoItem, ...] | None:
    """The handler that catches ``exc`` (None: none does); raises
    :class:`_Undecided` when that cannot be told."""
    state = sqlstate_of(exc)
    for conditions, items in handlers:
        for name in conditions:
            if name == "others":
                return items
            code = name[9:] if name.startswith("sqlstate:") else _CONDITIONS.get(name)
            if code is None:
                raise _Undecided(f"exception condition {name} is not known to pgdrift")
            if state is None:
                raise _Undecided(f"whether {name} catches the error ({exc}) is not known")
            if code == state or (code.endswith("000") and code[:2] == state[:2]):
                return items
    return None


# --------------------------------------------------------------------------- state

FnKey = tuple[str, str, tuple[Key, ...]]


@dataclass
class State:
    """The schema built so far. Values are immutable; ``copy`` is a snapshot."""

    relations: dict[Key, RelState] = field(default_factory=dict)
    types: dict[Key, TypeState] = field(default_factory=dict)
    functions: dict[tuple[str, str, tuple[Key, ...]], FuncState] = field(default_factory=dict)
    sequences: dict[Key, SeqState] = field(default_factory=dict)
    indexes: dict[Key, Key] = field(default_factory=dict)
    schemas: dict[str, str | None] = field(
        default_factory=lambda: {"public": "standard public schema"}
    )
    extensions: dict[str, str] = field(default_factory=dict)
    #: (schema, name) of constraints: generated names must not collide.
    constraint_names: dict[Key, None] = field(default_factory=dict)
    counter: int = 0
    #: Relation -> relations that may refer to it (FKs, views, partitions): a
    #: superset, so renames and drops look at candidates instead of everything.
    refs: dict[Key, AbstractSet[Key]] = field(default_factory=dict)
    #: (schema, name) -> keys of the functions so called.
    fn_names: dict[Key, tuple[FnKey, ...]] = field(default_factory=dict)
    #: Indexes made by CREATE INDEX (not constraints), by key.
    index_defs: dict[Key, IndexDef] = field(default_factory=dict)
    #: Extensions installed as pgdrift's stand-ins -> the schemas they went into.
    standins: dict[str, frozenset[str]] = field(default_factory=dict)
    #: Stand-ins a migration's own CREATE EXTENSION installed (not the
    #: platform's): only those make a second CREATE EXTENSION fail.
    created_standins: frozenset[str] = frozenset()
    #: Relation -> keys of the indexes (in ``indexes``) and of the sequences
    #: (by ``owned_by``) ever set to belong to it: a superset, like ``refs``,
    #: so column changes look at these candidates instead of every object.
    #: Kept by :meth:`set_index` and :meth:`set_sequence`.
    rel_indexes: dict[Key, frozenset[Key]] = field(default_factory=dict)
    rel_sequences: dict[Key, frozenset[Key]] = field(default_factory=dict)
    #: Relations (sequences) a column default's regclass constant ever named
    #: (``ColState.default_rels``): a superset, so that renames look at the
    #: defaults only for these.
    regclass_named: dict[Key, None] = field(default_factory=dict)
    #: Text search objects: (kind, schema, name), kind "configuration",
    #: "dictionary", "parser" or "template" (reg* literals name them).
    text_search: dict[tuple[str, str, str], None] = field(default_factory=dict)
    #: Whether a statement whose effect pgdrift does not know ran (dynamic
    #: SQL, an extension without data, an expression it could not analyze ...):
    #: a name the state lacks may then exist (see Replayer.knows_all).
    opaque: bool = False
    #: Schemas the Supabase platform made (the stand-ins' prelude): the real
    #: platform has more in them than the stand-ins.
    platform: frozenset[str] = frozenset()
    #: Views whose query pgdrift could not analyze (their columns come from
    #: sqlglot, or the view is missing): what they have is not known for sure.
    vague: frozenset[Key] = frozenset()
    #: Targets in ``refs`` whose set only this state holds (made since its
    #: last copy): note_ref adds to those in place instead of copying them.
    _own_refs: set[Key] = field(default_factory=set)

    def copy(self) -> State:
        self._own_refs = set()  # the copy shares every set from now on
        return State(
            dict(self.relations),
            dict(self.types),
            dict(self.functions),
            dict(self.sequences),
            dict(self.indexes),
            dict(self.schemas),
            self.extensions,  # replaced on every change, never changed
            dict(self.constraint_names),
            self.counter,
            dict(self.refs),
            dict(self.fn_names),
            dict(self.index_defs),
            dict(self.standins),
            self.created_standins,
            dict(self.rel_indexes),
            dict(self.rel_sequences),
            dict(self.regclass_named),
            text_search=dict(self.text_search),
            opaque=self.opaque,
            platform=self.platform,
            vague=self.vague,
        )

    def set_index(self, ik: Key, table: Key) -> None:
        self.indexes[ik] = table
        cur = self.rel_indexes.get(table, frozenset())
        if ik not in cur:
            self.rel_indexes[table] = cur | {ik}

    def set_sequence(self, sk: Key, seq: SeqState) -> None:
        self.sequences[sk] = seq
        if seq.owned_by is not None:
            owner = (seq.owned_by[0], seq.owned_by[1])
            cur = self.rel_sequences.get(owner, frozenset())
            if sk not in cur:
                self.rel_sequences[owner] = cur | {sk}

    def indexes_of(self, table: Key) -> list[Key]:
        """Keys of the indexes on ``table``, in no particular order."""
        return [ik for ik in self.rel_indexes.get(table, ()) if self.indexes.get(ik) == table]

    def sequences_owned_by(self, table: Key) -> list[Key]:
        """Keys of the sequences owned by a column of ``table``, in no particular order."""
        out = []
        for sk in self.rel_sequences.get(table, ()):
            seq = self.sequences.get(sk)
            if seq is not None and seq.owned_by is not None and seq.owned_by[:2] == table:
                out.append(sk)
        return out

    def note_ref(self, target: Key, source: Key) -> None:
        cur = self.refs.get(target)
        if cur is None:
            self.refs[target] = {source}
            self._own_refs.add(target)
        elif source not in cur:
            if target in self._own_refs and isinstance(cur, set):
                cur.add(source)
            else:
                # Shared with a snapshot: a set of this state's own.
                self.refs[target] = {*cur, source}
                self._own_refs.add(target)

    def referrers(self, target: Key) -> list[Key]:
        return [k for k in self.refs.get(target, ()) if k in self.relations]

    def touch_functions(self) -> None:
        """Re-index function names after a bulk change of ``functions``."""
        index: dict[Key, tuple[FnKey, ...]] = {}
        for k in self.functions:
            index[(k[0], k[1])] = (*index.get((k[0], k[1]), ()), k)
        self.fn_names = index

    def fn_added(self, key: FnKey) -> None:
        keys = self.fn_names.get((key[0], key[1]), ())
        if key not in keys:
            self.fn_names[(key[0], key[1])] = (*keys, key)

    def fn_removed(self, key: FnKey) -> None:
        keys = tuple(k for k in self.fn_names.get((key[0], key[1]), ()) if k != key)
        if keys:
            self.fn_names[(key[0], key[1])] = keys
        else:
            self.fn_names.pop((key[0], key[1]), None)

    def functions_named(self, schema: str, name: str) -> tuple[FnKey, ...]:
        """Keys of the functions called ``schema.name``."""
        return self.fn_names.get((schema, name), ())


def _rekey(d: dict[Any, Any], old: Any, new: Any, value: Any) -> dict[Any, Any]:
    """The dict with ``old`` renamed to ``new`` in place (creation order kept)."""
    return {(new if k == old else k): (value if k == old else v) for k, v in d.items()}


# --------------------------------------------------------------------------- naming


def _truncate(name: str, limit: int) -> str:
    b = name.encode()
    if len(b) <= limit:
        return name
    return b[:limit].decode(errors="ignore")


def make_object_name(name1: str, name2: str, label: str) -> str:
    """Postgres' makeObjectName: ``name1_name2_label`` within 63 bytes, the
    longer part truncated first."""
    overhead = len(label.encode()) + 1 if label else 0
    if name2:
        overhead += 1
    avail = NAMEDATALEN - 1 - overhead
    l1 = len(name1.encode())
    l2 = len(name2.encode()) if name2 else 0
    while l1 + l2 > avail:
        if l1 > l2:
            l1 -= 1
        else:
            l2 -= 1
    parts = [_truncate(name1, l1)]
    if name2:
        parts.append(_truncate(name2, l2))
    if label:
        parts.append(label)
    return "_".join(parts)


def _check_enum_label(label: str) -> None:
    if len(label.encode("utf-8", "surrogatepass")) >= NAMEDATALEN:
        raise ReplayError(
            "migration-invalid",
            f'invalid enum label "{label}": labels must be {NAMEDATALEN - 1} bytes or less',
            sqlstate="42602",
        )


def index_name_addition(colnames: Sequence[str]) -> str:
    """Postgres' ChooseIndexNameAddition: column names joined with "_",
    stopping once NAMEDATALEN bytes are reached."""
    buf = b""
    for name in colnames:
        if buf:
            buf += b"_"
        buf += name.encode("utf-8", "surrogatepass")[: NAMEDATALEN - 1]
        if len(buf) >= NAMEDATALEN:
            break
    return buf.decode("utf-8", "ignore")


# --------------------------------------------------------------------------- replay context


@dataclass
class Options:
    #: Schemas whose relations, functions and FKs the model describes.
    schemas: tuple[str, ...] = ("public",)
    #: Session search_path a migration file starts with.
    search_path: tuple[str, ...] = ("public",)
    #: search_path of the session that would read the catalog: decides what
    #: ``format_type`` and ``pg_get_expr`` print qualified.
    display_path: tuple[str, ...] = ("public",)
    #: Major version of the Postgres to model (behaviour, extension contents).
    server_version: int = 15


class _RelScope(Scope):
    """The scope of a relation's own expressions (defaults, checks, policies),
    its range entry built on first use: most defaults read no column, and
    building it for each made CREATE TABLE quadratic in its columns. (The
    relation state is immutable, so building it late gives the same entry.)"""

    def __init__(self, r: Replayer, rel: RelState) -> None:
        self._r = r
        self._rel = rel
        self._entries: list[RangeEntry] | None = None
        self.parent = None
        self.ctes = {}

    @property
    def entries(self) -> list[RangeEntry]:
        if self._entries is None:
            rel = self._rel
            cols = list(self._r.column_infos(rel, with_not_null=False))
            origins: list[tuple[str, str, str] | None] = [
                (rel.schema, rel.name, c.name) for c in rel.columns
            ]
            self._entries = [
                RangeEntry(rel.name, cols, origins, "relation", (rel.schema, rel.name), rel.kind)
            ]
        return self._entries

    @entries.setter
    def entries(self, value: list[RangeEntry]) -> None:
        self._entries = value

    @property
    def read(self) -> bool:
        """Whether the analysis looked at the relation's columns."""
        return self._entries is not None


class Replayer:
    """Applies ops to a :class:`State` with a session (search_path, transactions)."""

    def __init__(self, state: State, options: Options) -> None:
        self.state = state
        self.options = options
        self.path: tuple[str, ...] = options.search_path
        self.span: Span | None = None
        self.issues: list[tuple[Span | None, ReplayIssue]] = []
        self._rollbacks = False
        self._block: State | None = None
        self._savepoints: list[tuple[str, State]] = []
        self._display = _DisplayCatalog(self)
        #: Analyses of stored expressions kept across statements (and, given
        #: by the index, across updates): see _analyzed.
        self.memo: ExprMemo | None = None
        self._signatures: dict[Key, tuple[tuple[ColState, ...], int]] = {}
        #: id(column) -> (the column, its signature): the column is kept, so
        #: that its id is not reused while the entry exists.
        self._column_signatures: dict[int, tuple[ColState, int]] = {}
        #: (schema, name, with_not_null) -> (columns, their infos): see column_infos.
        self._column_infos: dict[
            tuple[str, str, bool], tuple[tuple[ColState, ...], tuple[ColumnInfo, ...]]
        ] = {}
        #: Whether the file being replayed runs its statements in a
        #: transaction block (it holds more than one).
        self._in_block = False
        #: Check constraints of the CREATE TABLE being replayed, analyzed at
        #: its end (see _analyze_deferred_checks); None outside one.
        self._deferred_checks: list[tuple[Key, str, E.Node]] | None = None
        #: The state's extensions (replaced on every change), as a set, and
        #: what they add to resolution.
        self._ext_memo: tuple[dict[str, str], frozenset[tuple[str, str]], ExtResolution] | None = (
            None
        )
        #: Enum labels added in the current transaction (unusable in it), and
        #: the enums it created: see enum_labels.
        self._tx_labels: dict[Key, frozenset[str]] = {}
        self._tx_enums: set[Key] = set()

    # ---------------------------------------------------------------- session

    def start_file(self, ops: Iterable[D.Op] = (), statements: int = 0) -> None:
        """Each migration file runs in a fresh session, sent whole with the
        simple query protocol: its statements form one implicit transaction
        until a COMMIT or ROLLBACK, and a BEGIN makes that block explicit (so
        a later ROLLBACK undoes the statements before the BEGIN as well).
        ``statements``: how many the file holds (one runs on its own)."""
        self._in_block = statements > 1
        self.path = self.options.search_path
        self._savepoints.clear()
        self._end_transaction()
        self._rollbacks = any(
            isinstance(op, D.Transaction) and op.kind.startswith("rollback")
            for op in (o.op if isinstance(o, D.Noted) else o for o in ops)
        )
        self._block = self.state.copy() if self._rollbacks else None

    def issue(self, code: str, message: str, severity: str = "warning") -> None:
        self.issues.append((self.span, ReplayIssue(code, message, severity)))

    def apply(self, op: D.Op, span: Span | None) -> None:
        self.span = span
        handler = getattr(self, "op_" + type(op).__name__, None)
        if handler is None:
            return
        try:
            handler(op)
        except ReplayError as exc:
            self.issue(exc.code, str(exc), exc.severity)
        except RenderError as exc:
            if isinstance(exc, Undefined):
                failed = _failure(exc)
                self.issue(failed.code, str(failed), failed.severity)
            else:
                # The statement is left out for a limit of static analysis.
                self.state.opaque = True
                self.issue("migration-unresolved", str(exc), "info")
        except RecursionError:  # a limit, not a bug: expressions nested thousands deep
            self.state.opaque = True
            self.issue("migration-unresolved", "statement nested too deeply to model", "warning")
        except Exception as exc:  # a bug of pgdrift's: it must not cost the rest of the model
            self.state.opaque = True
            self.issue(
                "migration-internal-error",
                f"pgdrift failed while modelling this statement ({type(exc).__name__}: {exc}); "
                "this is a bug in pgdrift, please report it (what follows may be modelled "
                "inaccurately)",
                "error",
            )

    # ---------------------------------------------------------------- name resolution

    def effective_path(self) -> list[str]:
        return [s for s in self.path if s in self.state.schemas]

    def creation_schema(self, name: D.QName) -> tuple[str, str]:
        if len(name) >= 2:
            schema = name[-2]
            if schema == "pg_temp" or schema.startswith("pg_temp_"):
                # The session's temporary schema: what goes there is gone when
                # the migration's session ends.
                raise ReplayError(
                    "migration-skipped",
                    f"{name[-1]} is temporary (in {schema}): not part of the schema",
                    "info",
                )
            if schema not in self.state.schemas:
                raise ReplayError("migration-unknown-schema", f'schema "{schema}" does not exist')
            return schema, name[-1]
        path = self.effective_path()
        if not path:
            raise ReplayError("migration-no-schema", "no schema has been selected to create in")
        return path[0], name[-1]

    def find_relation_key(self, name: D.QName) -> Key | None:
        if len(name) >= 2:
            k = (name[-2], name[-1])
            return k if k in self.state.relations else None
        for schema in self.effective_path():
            k = (schema, name[0])
            if k in self.state.relations:
                return k
        return None

    def relation(self, name: D.QName, *, missing_ok: bool = False) -> RelState | None:
        k = self.find_relation_key(name)
        if k is None:
            if missing_ok:
                return None
            raise self.no_relation(name, f'relation "{".".join(name)}" does not exist')
        return self.state.relations[k]

    def _follow_vague(self, op: D.AlterTable) -> None:
        """A rename or move of a view pgdrift could not model: its new name
        is one too."""
        schema = op.name[-2] if len(op.name) >= 2 else None
        name = op.name[-1]
        for a in op.actions:
            if isinstance(a, D.RenameRelation):
                name = a.new
            elif isinstance(a, D.SetSchema):
                schema = a.schema
        path = self.effective_path()
        schema = schema or next((s for s in path if (s, op.name[-1]) in self.state.vague), None)
        if schema is not None:
            self.state.vague = self.state.vague | {(schema, name)}

    def no_relation(self, name: D.QName, message: str) -> ReplayError:
        """The error for a relation ``name`` that is not in the state: not
        a definite one when it may be a view pgdrift failed to model (it was
        reported then), since the server made it."""
        st = self.state
        if st.vague:
            schemas = [name[-2]] if len(name) >= 2 else self.effective_path()
            if any((s, name[-1]) in st.vague for s in schemas):
                return ReplayError(
                    "migration-unresolved",
                    f"{message} in pgdrift's model: it is a view pgdrift could not model;"
                    " the statement is skipped",
                    "warning",
                )
        return ReplayError("migration-unknown-relation", message)

    def find_type_key(self, name: D.QName) -> Key | None:
        if len(name) >= 2:
            k = (name[-2], name[-1])
            return k if k in self.state.types or k in self.state.relations else None
        if (PG_CATALOG, name[0]) in self.state.types:
            # An extension's type installed into pg_catalog (pg_dump's WITH
            # SCHEMA pg_catalog), found before the path as builtins are.
            return (PG_CATALOG, name[0])
        for schema in self.effective_path():
            k = (schema, name[0])
            if k in self.state.types or k in self.state.relations:
                return k
        return None

    def pgtype(self, key: Key) -> PgType | None:
        ts = self.state.types.get(key)
        if ts is not None:
            if ts.kind == "enum":
                return PgType(key[0], key[1], "enum", "E")
            if ts.kind == "composite":
                return PgType(key[0], key[1], "composite", "C")
            if ts.kind == "domain":
                assert ts.base is not None
                return PgType(
                    key[0],
                    key[1],
                    "domain",
                    ts.base.category,
                    False,
                    base=ts.base,
                    base_mods=ts.base_mods,
                )
            if ts.kind == "range":
                return PgType(key[0], key[1], "range", "R")
            if ts.kind == "multirange":
                return PgType(key[0], key[1], "multirange", "R")
            return PgType(key[0], key[1], "base", "S" if ts.kind == "base-string" else ts.category)
        rel = self.state.relations.get(key)
        if rel is not None:
            return PgType(key[0], key[1], "relation", "C")
        return None

    def resolve_type(self, tn: TypeName) -> tuple[PgType, tuple[str, ...], int]:
        """(type, typmod, declared array dims) for a type name."""
        if tn.pct:
            return self._pct_type(tn)
        t: PgType | None = None
        if tn.sql_builtin:
            t = builtin_type(tn.names[0])
        elif len(tn.names) == 1:
            t = builtin_type(tn.names[0])
            if t is not None and t.kind == "relation":
                t = None
            if t is None:
                k = self.find_type_key(tn.names)
                if k is not None:
                    t = self.pgtype(k)
        elif tn.names[-2] == PG_CATALOG:
            t = builtin_type(tn.names[-1])
            if t is None and (k := self.find_type_key(tn.names[-2:])) is not None:
                t = self.pgtype(k)
        else:
            k = self.find_type_key(tn.names[-2:])
            if k is not None:
                t = self.pgtype(k)
        if t is None and tn.names[-1].startswith("_") and not tn.sql_builtin:
            # The array type of a user type is named after it: _mood.
            elem = self.find_type_key((*tn.names[:-1], tn.names[-1][1:]))
            et = self.pgtype(elem) if elem is not None else None
            if et is not None and et.kind != "array":
                t = et.array_of()
        if t is None:
            raise ReplayError("migration-unknown-type", f'type "{tn.text()}" does not exist')
        mods = tn.mods
        if t.is_builtin and t.name == "numeric" and len(mods) == 1:
            mods = (mods[0], "0")
        if t.is_builtin and t.name == "interval" and tn.interval_fields:
            mods = (tn.interval_fields, *mods)
        if tn.array_dims:
            t = t.array_of()
        return t, mods, tn.array_dims

    def _pct_type(self, tn: TypeName) -> tuple[PgType, tuple[str, ...], int]:
        if tn.pct == "rowtype":
            k = self.find_relation_key(tn.names)
            if k is None:
                raise ReplayError(
                    "migration-unknown-relation", f'relation "{".".join(tn.names)}" does not exist'
                )
            t = self.pgtype(k)
            assert t is not None
            return t, (), 0
        rel = self.relation(tn.names[:-1])
        assert rel is not None
        col = rel.col(tn.names[-1])
        if col is None:
            raise ReplayError("migration-unknown-column", f'column "{tn.names[-1]}" does not exist')
        return col.type, col.mods, 0

    # ---------------------------------------------------------------- analysis helpers

    def extension_resolution(self) -> ExtResolution:
        """What the installed extensions add to resolution, kept while the
        state's ``extensions`` (replaced on every change) is the same."""
        return self._extensions_memo()[2]

    def installed_extensions(self) -> frozenset[tuple[str, str]]:
        """(name, schema) of the installed extensions."""
        return self._extensions_memo()[1]

    def _extensions_memo(
        self,
    ) -> tuple[dict[str, str], frozenset[tuple[str, str]], ExtResolution]:
        installed = self.state.extensions
        memo = self._ext_memo
        if memo is None or memo[0] is not installed:
            items = frozenset(installed.items())
            memo = self._ext_memo = (
                installed,
                items,
                extension_resolution(self.options.server_version, items),
            )
        return memo

    def knows_all(self, kind: str, names: tuple[str, ...]) -> bool:
        """:meth:`Catalog.knows_all <pgdrift.sources.sql_render.Catalog.knows_all>`
        for the state: False after a statement pgdrift could not model, and
        where it knows its data is partial (the Supabase platform's schemas,
        stand-ins, extensions' views and aggregates, builtins of a later
        server than pg_builtins.json's)."""
        st = self.state
        if st.opaque or not names or len(names) > 2:
            return False
        name = names[-1]
        if kind == "schema":
            return name not in st.schemas and name not in _SYSTEM_SCHEMAS and name[:3] != "pg_"
        if kind == "column":
            return (
                names[0] != PG_CATALOG
                and names not in st.vague
                and self._schema_whole(names[0], kind, name)
            )
        if self.options.server_version > builtins_major() and name in LATER_NAMES:
            return False
        if kind == "type" and name[:1] == "_":
            return False  # the array type of one (not modelled by that name)
        if len(names) == 2:
            schema = names[0]
            if schema not in st.schemas and schema != PG_CATALOG:
                # relation "s.x" does not exist (for a type or a function: schema "s" ...)
                return kind == "relation" and self.knows_all("schema", (schema,))
            schemas = [schema]
        else:
            if any(s in _SYSTEM_SCHEMAS[1:] or s[:7] == "pg_temp" for s in self.path):
                return False
            b = builtins()
            if kind != "function" and (name in b.relations or name in b.types):
                return False  # found or not depending on where the path has pg_catalog
            schemas = [PG_CATALOG, *self.effective_path()]
        for schema in schemas:
            if not self._schema_whole(schema, kind, name):
                return False
            # Something else of that name: Postgres says something else.
            k = (schema, name)
            if kind == "function" and st.functions_named(schema, name):
                return False  # a procedure
            if kind != "function" and (
                k in st.types
                or k in st.relations
                or k in st.sequences
                or k in st.indexes
                or k in st.vague
            ):
                return False
        return True

    def _schema_whole(self, schema: str, kind: str, name: str) -> bool:
        """Whether the state has every ``kind`` called ``name`` ``schema`` may
        hold (for "column": every column of relation ``name``)."""
        st = self.state
        if schema in st.platform and (
            schema != _PLATFORM_EXTENSION_SCHEMA or name in _PLATFORM_EXTENSION_NAMES
        ):
            return False
        for ext, ext_schema in st.extensions.items():
            if ext_schema != schema:
                continue
            if self.is_standin(ext):
                if kind == "column" and not _standin(ext)[1]:
                    continue  # only stand-ins with a schema of their own make tables
                if ext not in _WHOLE_STANDINS:
                    return False
            elif name in _EXTENSION_RELATIONS.get(ext, ()) or (
                kind == "function"
                and name in _extension_aggregates(self.options.server_version, ext)
            ):
                return False
        return True

    def enum_labels(self, t: PgType) -> tuple[tuple[str, ...], frozenset[str]] | None:
        """An enum's labels when certain, and those added in the current
        transaction: Postgres refuses their use in it (check_safe_enum_use),
        unless (from 16 on, 17 for sure) the enum is new in it as well."""
        st = self.state
        k = (t.schema, t.name)
        ts = st.types.get(k)
        if ts is None or ts.kind != "enum" or st.opaque or t.schema in st.platform:
            return None
        if ts.extension and self.is_standin(ts.extension):
            return None
        new = self._tx_labels.get(k, frozenset())
        version = self.options.server_version
        if new and (version >= 16 or version < 12) and k in self._tx_enums:
            new = frozenset()
        return ts.labels, new

    def _end_transaction(self) -> None:
        """A commit or rollback: added enum labels become usable."""
        if self._tx_labels or self._tx_enums:
            self._tx_labels = {}
            self._tx_enums = set()

    def analyzer(self, domain_type: PgType | None = None) -> Analyzer:
        return Analyzer(_ResolveCatalog(self), domain_type=domain_type)

    def printer(self) -> Printer:
        return Printer(self._display)

    def fmt_type(self, t: PgType, mods: tuple[str, ...] | None) -> str:
        fields = ""
        if (
            t.base_type().is_builtin
            and (t.elem or t).name == "interval"
            and mods
            and not mods[0].isdigit()
        ):
            fields, mods = mods[0], mods[1:]
        return format_type(t, mods, self._display.type_visible, interval_fields=fields)

    def rel_scope(self, rel: RelState) -> Scope:
        return _RelScope(self, rel)

    def column_infos(self, rel: RelState, *, with_not_null: bool) -> tuple[ColumnInfo, ...]:
        """The analyzer's view of a relation's columns, kept while they are
        unchanged: policies and views read the same tables again and again."""
        ck = (rel.schema, rel.name, with_not_null)
        hit = self._column_infos.get(ck)
        if hit is not None and hit[0] is rel.columns:
            return hit[1]
        if with_not_null:
            infos = tuple(ColumnInfo(c.name, c.type, c.mods, c.not_null) for c in rel.columns)
        else:
            infos = tuple(ColumnInfo(c.name, c.type, c.mods) for c in rel.columns)
        self._column_infos[ck] = (rel.columns, infos)
        return infos

    def analyze_default_deps(
        self,
        expr: E.Node,
        t: PgType,
        mods: tuple[str, ...],
        rel: RelState | None,
        *,
        generated: bool = False,
    ) -> DefaultAnalysis:
        """A column default (or, with ``generated``, a generation expression,
        which may read columns) as pg_get_expr prints it, None for DEFAULT
        NULL; and what it uses: the user types, the relations (sequences:
        regclass literals, as a default has no FROM items) and the functions
        and columns (``ColState.default_deps``)."""
        try:
            text, found, stored = self._analyzed("default", expr, rel, t, mods)
        except RenderError as exc:
            if not generated and isinstance(exc, Undefined) and exc.sqlstate in ("42703", "42P01"):
                # Postgres refuses any column reference in a default first.
                raise ReplayError(
                    "migration-invalid",
                    "cannot use column reference in DEFAULT expression",
                    sqlstate="0A000",
                ) from None
            return DefaultAnalysis(self._as_written(expr, exc))
        if text is None:
            return DefaultAnalysis(None)
        types = frozenset(d[1:3] for d in found if d[0] == "t")
        rels = frozenset(d[1:3] for d in found if d[0] == "r")
        self.state.regclass_named.update(dict.fromkeys(rels))
        deps = frozenset(d for d in found if d[0] in ("f", "c"))
        return DefaultAnalysis(text, types, rels, deps, stored)

    def _analyzed(
        self,
        kind: str,
        expr: E.Node,
        rel: RelState | None,
        t: PgType | None = None,
        mods: tuple[str, ...] = (),
        domain_type: PgType | None = None,
    ) -> tuple[str | None, frozenset[Dep], Stored | None]:
        """A stored expression of ``rel`` analyzed, printed as pg_get_expr
        prints it, what it depends on (as pg_depend records it) and its
        typed tree (to print it again after a rename: :meth:`_reprint`).
        ``kind``: "default" (coerced to ``t`` with ``mods`` as an assignment;
        None for DEFAULT NULL), "bool" (a check or a policy, coerced to
        boolean; ``domain_type`` is VALUE's) or "deps" (what it depends on,
        not printed: None). Raises RenderError.

        Results are kept in :attr:`memo` (see :mod:`.expr_memo`): most
        expressions of a project are analyzed many times over."""
        memo = self.memo
        scope = self.rel_scope(rel) if rel is not None else None
        if memo is None or not isinstance(expr, E.Src):
            text, deps, _clean, tree = self._analyze(kind, expr, scope, t, mods, domain_type)
            return text, deps, _stored(text, tree)
        base = (kind, expr.text, t, mods, domain_type)
        where = None if rel is None else (lambda: (self._signature(rel), rel.kind, rel.key))
        entry = memo.find(base, expr.text, where, lambda: (_ResolveCatalog(self), self._display))
        if entry is not None:
            if entry.owner is None or rel is None:
                return entry.text, entry.deps, _stored(entry.text, entry.tree)
            moved = (entry.owner, rel.key)
            deps = move_deps(entry.deps, *moved)
            return entry.text, deps, _stored(entry.text, entry.tree, moved)
        issues = len(self.issues)
        resolve, resolve_log = recording(_ResolveCatalog(self))
        display, display_log = recording(self._display)
        text, deps, clean, tree = self._analyze(
            kind, expr, scope, t, mods, domain_type, resolve, display
        )
        looked = isinstance(scope, _RelScope) and scope.read
        owner = rel.key if looked and rel is not None else None
        if clean and len(self.issues) == issues:
            entry = Entry(text, deps, owner, (resolve_log, display_log), tree)
            memo.keep(base, expr.text, where, looked, entry)
        return text, deps, _stored(text, tree)

    def _analyze(
        self,
        kind: str,
        expr: E.Node,
        scope: Scope | None,
        t: PgType | None,
        mods: tuple[str, ...],
        domain_type: PgType | None,
        resolve: Catalog | None = None,
        display: Catalog | None = None,
    ) -> tuple[str | None, frozenset[Dep], bool, T | None]:
        """:meth:`_analyzed` done, with these catalogs; whether the analysis
        printed only what it models (no notes); the tree printed."""
        a = Analyzer(resolve or _ResolveCatalog(self), domain_type=domain_type)
        typed = a.expr(expr, scope)
        if kind == "deps":
            return None, dependencies(typed), not a.notes, None
        if kind == "bool":
            typed = a.coerce(typed, builtin("bool"))
        else:
            assert t is not None
            typed = a.coerce(typed, t, mods, "a")
            if _is_null_const(typed):
                return None, NO_DEPS, not a.notes, None
        text = Printer(display or self._display).render(typed)
        return text, dependencies(typed), not a.notes, typed

    def _signature(self, rel: RelState) -> int:
        """The names and types of ``rel``'s columns, as a small number (one
        per column, shared by the states that keep a column unchanged)."""
        memo = self.memo
        assert memo is not None
        hit = self._signatures.get(rel.key)
        if hit is not None and hit[0] is rel.columns:
            return hit[1]
        of_column = self._column_signatures
        if len(of_column) > 200_000:
            of_column.clear()
        sigs = []
        for c in rel.columns:
            got = of_column.get(id(c))
            if got is None or got[0] is not c:
                got = of_column[id(c)] = (c, memo.signature((c.name, c.type, c.mods)))
            sigs.append(got[1])
        sig = memo.signature(tuple(sigs))
        self._signatures[rel.key] = (rel.columns, sig)
        return sig

    def _with_default(
        self, col: ColState, expr: E.Node, rel: RelState | None, *, generated: bool = False
    ) -> ColState:
        """``col`` with the default (or generation expression) ``expr``,
        analyzed for its type."""
        got = self.analyze_default_deps(expr, col.type, col.mods, rel, generated=generated)
        return _replace(
            col,
            default=got.text,
            default_expr=expr,
            default_types=got.types,
            default_rels=got.rels,
            default_deps=got.deps,
            default_stored=got.stored,
        )

    def analyze_bool(
        self, expr: E.Node, rel: RelState | None, domain_type: PgType | None = None
    ) -> tuple[str, frozenset[Dep], Stored | None]:
        """A check or a policy expression as pg_get_expr prints it, what it
        depends on (none when it is kept as written) and its typed tree."""
        try:
            text, deps, stored = self._analyzed("bool", expr, rel, domain_type=domain_type)
        except RenderError as exc:
            return self._as_written(expr, exc), NO_DEPS, None
        assert text is not None
        return text, deps, stored

    def _as_written(self, expr: E.Node, exc: RenderError) -> str:
        """The expression's own text when it cannot be resolved statically:
        the object is kept, and the finding says its text is approximate.
        When Postgres certainly rejects it (:class:`Undefined`), the
        statement fails instead."""
        if isinstance(exc, Undefined):
            raise _failure(exc) from None
        if not isinstance(expr, E.Src):
            raise exc
        self.issue(
            "migration-unresolved",
            f"{exc}: kept the expression as written ({expr.text}), which may differ from how Postgres prints it",
            "info",
        )
        return expr.text

    # ---------------------------------------------------------------- sessions & schemas

    def op_SetSearchPath(self, op: D.SetSearchPath) -> None:
        if op.path is None:
            self.path = self.options.search_path
        else:
            # "$user" names a schema called like the role: pgdrift assumes none exists.
            self.path = tuple(p for p in op.path if p != "$user")

    def op_Transaction(self, op: D.Transaction) -> None:
        if op.kind in ("commit", "rollback"):
            if op.kind == "rollback" and self._block is not None:
                self.state = self._block
            self._savepoints.clear()
            self._end_transaction()
            self._block = self.state.copy() if self._rollbacks else None
        elif op.kind == "savepoint":
            self._savepoints.append((op.name, self.state.copy()))
        elif op.kind == "rollback to":
            for name, snap in reversed(self._savepoints):
                if name == op.name:
                    self.state = snap.copy()
                    break

    def op_Noted(self, op: D.Noted) -> None:
        span = self.span
        for loc, message in op.notes:
            self.span = sub_span(span, loc)
            self.issue("migration-identifier-truncated", message, "info")
        self.span = span
        self.apply(op.op, span)

    # ---------------------------------------------------------------- DO blocks

    def op_Do(self, op: D.Do) -> None:
        """A DO block runs as one statement: its effects stay only when it
        completes. Inner statements are reported where they are."""
        outer = self.span
        snapshot, path, issues = self.state.copy(), self.path, len(self.issues)
        try:
            self._do_items((op.block,), outer)
        except _Undecided as exc:
            self.state, self.path = snapshot, path
            self.state.opaque = True
            del self.issues[issues:]
            self.span = outer
            self.issue(
                "migration-unmodelled",
                f"DO block: {exc}: its effect on the schema cannot be known without "
                "running it; not modelled",
                "warning",
            )
        except ReplayError as exc:
            self.state, self.path = snapshot, path
            del self.issues[issues:]
            self.issue(exc.code, str(exc), exc.severity)  # where the inner statement failed
        finally:
            self.span = outer

    def _do_items(self, items: Iterable[D.DoItem], outer: Span | None) -> None:
        for item in items:
            if isinstance(item, D.DoStmt):
                self.span = sub_span(outer, item.loc)
                handler = getattr(self, "op_" + type(item.op).__name__, None)
                if handler is None:
                    continue
                try:
                    handler(item.op)
                except ReplayError as exc:
                    if exc.severity == "error":
                        raise
                    self.issue(exc.code, str(exc), exc.severity)  # static analysis' limits
                except RenderError as exc:
                    if isinstance(exc, Undefined):
                        raise _failure(exc) from None
                    self.state.opaque = True
                    self.issue("migration-unresolved", str(exc), "info")
            elif isinstance(item, D.DoBlock):
                self._do_block(item, outer)
            elif isinstance(item, D.DoIf):
                self.span = sub_span(outer, item.loc)
                for cond, body in item.branches:
                    if cond is None or self._condition(cond):
                        self._do_items(body, outer)
                        break
            else:
                raise _Undecided(f"it runs {item.what}")

    def _do_block(self, block: D.DoBlock, outer: Span | None) -> None:
        if not block.handlers:
            self._do_items(block.items, outer)
            return
        # A block with handlers runs in a subtransaction.
        snapshot, path, issues = self.state.copy(), self.path, len(self.issues)
        try:
            self._do_items(block.items, outer)
        except ReplayError as exc:
            handler = _handler_for(exc, block.handlers)
            if handler is None:
                raise
            self.state, self.path = snapshot, path
            del self.issues[issues:]
            self._do_items(handler, outer)

    def _condition(self, node: E.Node) -> bool:
        """The value of an IF condition, from the state; raises
        :class:`_Undecided` when it cannot be known statically."""
        return _Conditions(self).truth(node)

    def op_Unmodelled(self, op: D.Unmodelled) -> None:
        self.state.opaque = True
        self.issue(
            "migration-unmodelled",
            f"{op.what}: its effect on the schema cannot be known without running it; not modelled",
            "warning",
        )

    def op_Ignored(self, op: D.Ignored) -> None:
        if op.what in NAMING_IGNORED:
            # Changes names (or enum labels) in ways the model does not follow.
            self.state.opaque = True

    def op_CreateSchema(self, op: D.CreateSchema) -> None:
        if op.name in self.state.schemas:
            if not op.if_not_exists:
                raise ReplayError(
                    "migration-duplicate-object", f'schema "{op.name}" already exists'
                )
            return
        self.state.schemas[op.name] = None

    def op_CreateTextSearch(self, op: D.CreateTextSearch) -> None:
        schema, name = self.creation_schema(op.name)
        k = (op.kind, schema, name)
        if k in self.state.text_search:
            raise ReplayError(
                "migration-duplicate-object",
                f'text search {op.kind} "{name}" already exists',
            )
        self.state.text_search[k] = None

    def op_AlterSchema(self, op: D.AlterSchema) -> None:
        st = self.state
        old, new = op.name, op.rename
        if old not in st.schemas:
            raise ReplayError("migration-unknown-schema", f'schema "{old}" does not exist')
        if new in st.schemas:
            raise ReplayError("migration-duplicate-object", f'schema "{new}" already exists')
        # What the schema holds moves as SET SCHEMA would move each object
        # (indexes and owned sequences with their tables), so that whatever
        # refers to them by oid follows; both names exist meanwhile.
        value = st.schemas[old]
        st.schemas = {**st.schemas, new: value}
        for k in [k for k in st.relations if k[0] == old]:
            self.move_relation(k, new)
        for k in [k for k in st.sequences if k[0] == old]:
            self._move_sequence(k, _replace(st.sequences[k], schema=new))
        for k in [k for k in st.types if k[0] == old]:
            self._rename_type(k, k[1], new)
        for fk in [fk for fk in st.functions if fk[0] == old]:
            self._move_function(fk, new, fk[1])
        st.text_search = {
            (kind, new if ts == old else ts, n): None for kind, ts, n in st.text_search
        }
        schemas = {s: v for s, v in st.schemas.items() if s != new}
        st.schemas = _rekey(schemas, old, new, value)

    def is_standin(self, name: str) -> bool:
        """Whether extension ``name`` is not one a stock server ships: shadow
        replay then installs pgdrift's stand-in, or skips it without one."""
        return name != "plpgsql" and name not in extension_catalog(self.options.server_version)

    def op_CreateExtension(self, op: D.CreateExtension) -> None:
        if op.name == "plpgsql":
            if not op.if_not_exists:
                raise ReplayError(
                    "migration-duplicate-object", 'extension "plpgsql" already exists'
                )
            return
        if self.is_standin(op.name):
            self._create_standin(op)
            return
        if op.name in self.state.extensions:
            if not op.if_not_exists:
                raise ReplayError(
                    "migration-duplicate-object", f'extension "{op.name}" already exists'
                )
            return
        schema = op.schema
        if schema is None:
            path = self.effective_path()
            if not path:
                raise ReplayError("migration-no-schema", "no schema has been selected to create in")
            schema = path[0]
        elif schema not in self.state.schemas and schema not in _SYSTEM_SCHEMAS:
            raise ReplayError("migration-unknown-schema", f'schema "{schema}" does not exist')
        self.install_extension(op.name, schema)

    def _create_standin(self, op: D.CreateExtension) -> None:
        """CREATE EXTENSION of an extension a stock server lacks, as shadow
        replay performs it: a stand-in already installed (by the platform or
        the project) is accepted where it is, and only a project's own
        earlier CREATE EXTENSION makes a second one fail; without a stand-in
        the statement is skipped."""
        st = self.state
        name = op.name
        sql, fixed = _standin(name)
        schemas = st.standins.get(name)
        if schemas is not None and (fixed or op.schema is None or op.schema in schemas):
            if not op.if_not_exists and name in st.created_standins:
                raise ReplayError(
                    "migration-duplicate-object", f'extension "{name}" already exists'
                )
            return
        if sql is None:
            st.opaque = True  # its objects exist on the platform
            self.issue(
                "migration-skipped",
                f"CREATE EXTENSION {name}: skipped, as shadow replay skips it: a stock "
                "Postgres server does not have it and pgdrift has no stand-in "
                "(objects that need it are not modelled)",
                "info",
            )
            return
        schema = op.schema
        if fixed:
            schema = _fixed_schemas().get(name) or schema or ""
        elif schema is None:
            path = self.effective_path()
            if not path:
                raise ReplayError("migration-no-schema", "no schema has been selected to create in")
            schema = path[0]
        elif schema not in st.schemas and schema not in _SYSTEM_SCHEMAS:
            raise ReplayError("migration-unknown-schema", f'schema "{schema}" does not exist')
        self.install_extension(name, schema)
        st.created_standins = st.created_standins | {name}

    def mark_platform(self) -> None:
        """What is installed so far is the platform's (the Supabase stand-ins):
        a migration's CREATE EXTENSION of it is accepted as shadow replay
        accepts it. Its schemas hold more on the real platform."""
        st = self.state
        st.created_standins = frozenset()
        st.platform = frozenset(s for s in st.schemas if s != "public")
        st.opaque = False  # what the prelude leaves out is the platform's

    def install_extension(self, name: str, schema: str) -> None:
        """Add an extension's member types and functions to ``schema``: from
        the catalog captured from a real server, else pgdrift's stand-in SQL
        (what shadow replay installs when the server lacks the extension)."""
        st = self.state
        st.extensions = {**st.extensions, name: schema}  # replaced, never changed
        data = extension_catalog(self.options.server_version).get(name)
        if data is None:
            self._install_standin(name, schema)
            return
        for req in data.get("requires", []):
            if req not in st.extensions and req != "plpgsql":
                self.install_extension(req, schema)
        marker = extension_catalog_schema(self.options.server_version)

        def typ(qualified: str) -> PgType:
            tschema, _, tname = qualified.partition(".")
            if tschema == PG_CATALOG:
                return builtin(tname)
            real = schema if tschema == marker else tschema
            if tname.startswith("_") and (real, tname) not in st.types:
                inner = self.pgtype((real, tname[1:]))
                if inner is not None:
                    return inner.array_of()
            t = self.pgtype((real, tname))
            return t if t is not None else PgType(real, tname, "base", "U")

        for tname, typtype, cat, _pref, labels in data["types"]:
            if cat == "A":
                continue  # array types come with their element
            kind = {"e": "enum", "r": "range", "d": "domain", "c": "composite"}.get(typtype, "base")
            if kind == "domain" or kind == "composite":
                kind = "base"
            st.types[(schema, tname)] = TypeState(
                schema, tname, kind, labels=tuple(labels), category=cat, extension=name
            )
        for (
            fname,
            prokind,
            argtypes,
            modes,
            names,
            nargs,
            ndefaults,
            result,
            retset,
            rows,
            vol,
            lang,
            secdef,
            src,
            _variadic,
            visible,
            hidden,
        ) in data["functions"]:
            if prokind not in ("f", "p"):
                continue
            args = []
            first_default = nargs - ndefaults
            in_index = 0
            for i, qt in enumerate(argtypes):
                mode = {"i": "in", "o": "out", "b": "inout", "v": "variadic", "t": "table"}.get(
                    modes[i] if modes else "i", "in"
                )
                default = None
                if mode in ("in", "inout", "variadic"):
                    if in_index >= first_default:
                        default = "?"
                    in_index += 1
                args.append(
                    ArgState(mode, names[i] if names and i < len(names) else "", typ(qt), default)
                )
            table = tuple((a.name, a.type) for a in args if a.mode == "table") or None
            args = [a for a in args if a.mode != "table"]
            fs = FuncState(
                schema,
                fname,
                tuple(args),
                typ(result),
                retset,
                table,
                lang,
                {"i": "immutable", "s": "stable"}.get(vol, "volatile"),
                secdef,
                rows,
                src,
                prokind == "p",
                texts=(_text3(visible), _text3(hidden)),
                ndefaults=ndefaults,
                extension=name,
            )
            key = self._func_key(
                schema, fname, [a.type for a in args if a.mode in ("in", "inout", "variadic")]
            )
            st.functions[key] = fs
            st.fn_added(key)

    def _install_standin(self, name: str, schema: str) -> None:
        sql, _fixed = _standin(name)
        if sql is None:
            return
        st = self.state
        st.standins[name] = st.standins.get(name, frozenset()) | {schema}
        # As shadow replay substitutes it: always quoted (bodies keep the text).
        quoted = '"' + schema.replace('"', '""') + '"'
        from pgdrift.sources.migrations import parse_file

        saved = (self.span, self.path)
        try:
            for op, _loc in parse_file(sql.replace("@extschema@", quoted)).ops:
                self.apply(op, saved[0])
        finally:
            self.span, self.path = saved

    def op_AlterExtension(self, op: D.AlterExtension) -> None:
        st = self.state
        if self.is_standin(op.name):
            self._skip_standin_statement("ALTER", op.name)
            return
        old = st.extensions.get(op.name)
        if old is None:
            raise ReplayError("migration-unknown-object", f'extension "{op.name}" does not exist')
        st.extensions = {**st.extensions, op.name: op.set_schema}
        st.types = {
            ((op.set_schema, k[1]) if v.extension == op.name else k): (
                _replace(v, schema=op.set_schema) if v.extension == op.name else v
            )
            for k, v in st.types.items()
        }
        st.functions = {
            ((op.set_schema, k[1], k[2]) if v.extension == op.name else k): (
                _replace(v, schema=op.set_schema) if v.extension == op.name else v
            )
            for k, v in st.functions.items()
        }
        st.touch_functions()

    def drop_extension(self, name: str) -> None:
        st = self.state
        st.extensions = {k: v for k, v in st.extensions.items() if k != name}
        st.types = {k: v for k, v in st.types.items() if v.extension != name}
        st.functions = {k: v for k, v in st.functions.items() if v.extension != name}
        st.touch_functions()

    # ---------------------------------------------------------------- dependencies

    def _note_deps(self, holder: Key, deps: Iterable[Dep]) -> None:
        """Note in ``refs`` that ``holder``'s expressions name what ``deps``
        name, so that renames of those look at it."""
        st = self.state
        for d in deps:
            k = (d[1], d[2])
            if k != holder:
                st.note_ref(k, holder)

    def drop_dependents(self, roots: Sequence[Dep], cascade: bool, what: str) -> None:
        """What depends on the objects a DROP names (``roots``), followed as
        Postgres' dependency.c follows pg_depend: the views, policies,
        triggers, defaults, generated columns, check constraints, foreign
        keys, columns, functions and domains that use them, recursively.
        Without CASCADE the statement fails (2BP01) while one of those
        depends on them by a normal dependency; otherwise they go here (the
        automatic dependents even without CASCADE: a check constraint on a
        dropped column, a partition). The roots are the caller's to remove."""
        plan = self._plan_drop(roots)
        if plan.blockers and not cascade:
            raise _still_used(what)
        self._apply_drop(plan)

    def _plan_drop(self, roots: Sequence[Dep]) -> _DropPlan:
        st = self.state
        plan = _DropPlan()
        for d in roots:
            self._plan_gone(plan, d, None)
        plan.own.update(roots)
        # Rounds until nothing more goes, each looking at the objects that
        # depend on what the round before found to go.
        summaries = _DEP_SUMMARIES
        new = set(plan.gone)
        while new:
            seen = set(plan.gone)
            keys = {(d[1], d[2]) for d in new}
            for rk, rel in st.relations.items():
                hit = summaries.get(id(rel))  # _dep_summary, inlined: a hot loop
                summary = hit[1] if hit is not None and hit[0] is rel else _dep_summary(rel)
                if not summary.isdisjoint(keys) and rk not in plan.relations:
                    self._plan_relation(plan, rk, rel)
            types = {(d[1], d[2]) for d in new if d[0] == "t"}
            if types:
                for fk, fs in st.functions.items():
                    if fk not in plan.functions and not _function_types(fs).isdisjoint(types):
                        self._plan_gone(plan, ("f", *fk), f"function {fs.name}")
            # Aggregates whose support functions go.
            gone_fns = {(d[1], d[2], d[-1]) for d in new if d[0] == "f"}
            if gone_fns:
                for fk, fs in st.functions.items():
                    if fs.uses and fk not in plan.functions and not gone_fns.isdisjoint(fs.uses):
                        self._plan_gone(plan, ("f", *fk), f"function {fs.name}")
            for tk, ts in st.types.items():
                if tk not in plan.types and (ts.attributes or ts.expr_deps or ts.kind == "domain"):
                    self._plan_type(plan, tk, ts, types)
            new = plan.gone - seen
        return plan

    def _plan_gone(self, plan: _DropPlan, d: Dep, blocker: str | None) -> None:
        """``d`` goes: a root (``blocker`` None), an automatic dependent (""),
        or a normal one (its description)."""
        st = self.state
        if d in plan.gone:
            return
        if blocker:
            plan.blockers.append(blocker)
        plan.gone.add(d)
        k = (d[1], d[2])
        if d[0] == "r":
            rel = st.relations.get(k)
            if rel is not None:
                plan.relations[k] = None
                plan.gone.add(("t", *k))  # its row type
                plan.gone.update(("c", *k, c.name) for c in rel.columns)
            # Owned sequences go with it (an automatic dependency).
            plan.gone.update(("r", *sk) for sk in st.sequences_owned_by(k))
        elif d[0] == "c":
            column = d[-1]
            assert isinstance(column, str)
            plan.columns[(d[1], d[2], column)] = None
            for sk in st.sequences_owned_by(k):
                if st.sequences[sk].owned_by == (d[1], d[2], column):
                    plan.gone.add(("r", *sk))
        elif d[0] == "t":
            plan.types[k] = None
            # A range's multirange and constructors go with it (internal).
            ts = st.types.get(k)
            if ts is not None and ts.kind == "range":
                if ts.multirange is not None:
                    self._plan_gone(plan, ("t", *ts.multirange), "")
                for fk, _fs in self._range_constructors(k):
                    self._plan_gone(plan, ("f", *fk), "")
        elif d[0] == "f":
            args = d[-1]
            assert isinstance(args, tuple)
            plan.functions[(d[1], d[2], args)] = None

    def _plan_part(self, plan: _DropPlan, part: tuple[Key, str, str], blocker: str) -> None:
        if part not in plan.parts:
            plan.parts[part] = None
            if blocker:
                plan.blockers.append(blocker)

    def _plan_relation(self, plan: _DropPlan, rk: Key, rel: RelState) -> None:
        """What of ``rel`` (which stays, so far) depends on what goes."""
        gone = plan.gone
        for kind, _name, deps in rel.expr_deps:
            if kind == "view" and not deps.isdisjoint(gone):
                self._plan_gone(plan, ("r", *rk), f"view {rel.name}")
                return
        if rel.partition_of is not None and ("r", *rel.partition_of) in gone:
            self._plan_gone(plan, ("r", *rk), "")  # a partition goes with its table
            return
        if any(("r", *p) in gone for p in rel.inherits):
            self._plan_gone(plan, ("r", *rk), f"table {rel.name}")  # an inheritance child
            return
        if rel.of_type is not None and ("t", *rel.of_type) in gone:
            self._plan_gone(plan, ("r", *rk), f"table {rel.name}")
            return
        for c in rel.columns:
            ck: Dep = ("c", rk[0], rk[1], c.name)
            if ck in gone:
                continue
            what = f"column {c.name} of table {rel.name}"
            if any(("t", *t) in gone for t in _type_deps(c.type)):
                self._plan_gone(plan, ck, what)
            elif c.default is not None and not _default_deps(c).isdisjoint(gone):
                if c.generated:
                    self._plan_gone(plan, ck, what)
                else:
                    self._plan_part(plan, (rk, "default", c.name), f"default value for {what}")
        for con in rel.constraints:
            if any(("c", *rk, x) in gone for x in con.columns):
                continue  # goes with its column
            what = f"constraint {con.name} on table {rel.name}"
            if con.kind == "f" and con.ref is not None:
                ref = con.ref
                if ("r", *ref) in gone or any(("c", *ref, x) in gone for x in con.ref_columns):
                    self._plan_part(plan, (rk, "constraint", con.name), what)
            elif con.deps and not con.deps.isdisjoint(gone):
                # A check on a dropped column of its own table goes with it;
                # one using anything else needs CASCADE.
                other = {d for d in con.deps if d[0] != "c" or (d[1], d[2]) != rk}
                normal = not other.isdisjoint(gone)
                self._plan_part(plan, (rk, "constraint", con.name), what if normal else "")
        for kind, name, deps in rel.expr_deps:
            if kind != "view" and not deps.isdisjoint(gone):
                kind = "policy" if kind.startswith("policy") else kind
                self._plan_part(plan, (rk, kind, name), f"{kind} {name} on table {rel.name}")

    def _plan_type(self, plan: _DropPlan, tk: Key, ts: TypeState, types: set[Key]) -> None:
        """What of a domain or composite type depends on what goes."""
        if ts.base is not None and not types.isdisjoint(_type_deps(ts.base)):
            self._plan_gone(plan, ("t", *tk), f"type {ts.name}")
            return
        for aname, atype, _mods in ts.attributes:
            if not types.isdisjoint(_type_deps(atype)):
                what = f"column {aname} of composite type {ts.name}"
                self._plan_part(plan, (tk, "attribute", aname), what)
        for kind, name, deps in ts.expr_deps:
            if not deps.isdisjoint(plan.gone):
                if kind == "default":
                    # The domain itself records its default's dependencies.
                    self._plan_gone(plan, ("t", *tk), f"type {ts.name}")
                    return
                what = f"constraint {name} of type {ts.name}"
                self._plan_part(plan, (tk, "domain check", name), what)

    def _apply_drop(self, plan: _DropPlan) -> None:
        """Remove the dependents :meth:`_plan_drop` found (not the roots)."""
        st = self.state
        own = plan.own
        for rk in plan.relations:
            if ("r", *rk) not in own:
                self.drop_relation(rk)
        for schema, name, column in plan.columns:
            rel = st.relations.get((schema, name))
            if ("c", schema, name, column) in own or rel is None or rel.col(column) is None:
                continue
            self.drop_column(
                rel.key, D.DropColumn(column, if_exists=True, cascade=True), recursing=True
            )
        for fk in plan.functions:
            if ("f", *fk) not in own and fk in st.functions:
                del st.functions[fk]
                st.fn_removed(fk)
        for tk in plan.types:
            if ("t", *tk) not in own:
                st.types.pop(tk, None)
        for k, kind, name in plan.parts:
            if kind in ("attribute", "domain check"):
                ts = st.types.get(k)
                if ts is not None:
                    st.types[k] = _drop_type_part(ts, kind, name)
                continue
            rel = st.relations.get(k)
            if rel is None:
                continue
            if kind == "constraint":
                self.drop_constraint(k, name, True)
            elif kind == "default":
                col = rel.col(name)
                if col is not None:
                    self._set_col(k, _without_default(col))
            elif kind == "policy":
                self.op_DropPolicy(D.DropPolicy(name, k, if_exists=True))
            elif kind == "trigger":
                self.op_DropTrigger(D.DropTrigger(name, k, if_exists=True))

    def _retarget_deps(
        self, keys: set[Key], change: Callable[[Dep], Dep], candidates: Iterable[Key] | None = None
    ) -> None:
        """A renamed object: the dependencies on it (they name it by
        ``keys``) follow (``change``), in the ``candidates`` relations (all
        when None) and the domains."""
        st = self.state
        if candidates is None:
            candidates = [
                k for k, r in st.relations.items() if not keys.isdisjoint(_dep_summary(r))
            ]
        for rk in candidates:
            rel = st.relations.get(rk)
            if rel is None:
                continue
            cols = tuple(
                c if not (c.default_deps or c.default_types) else self._retarget_default(c, change)
                for c in rel.columns
            )
            cons = tuple(
                c if not c.deps else _replace(c, deps=_map_deps(c.deps, change))
                for c in rel.constraints
            )
            exprs = tuple((kind, n, _map_deps(deps, change)) for kind, n, deps in rel.expr_deps)
            if cols != rel.columns or cons != rel.constraints or exprs != rel.expr_deps:
                which = [
                    (kind, n)
                    for (kind, n, deps), (_k, _n, before) in zip(exprs, rel.expr_deps, strict=True)
                    if kind.startswith("policy") and deps != before
                ]
                rel = _replace(rel, columns=cols, constraints=cons, expr_deps=exprs)
                st.relations[rk] = self._reprint_policies(
                    rel, which, lambda s: self._reprint(s, change)
                )
        for tk, ts in list(st.types.items()):
            if ts.expr_deps:
                exprs = tuple((kind, n, _map_deps(deps, change)) for kind, n, deps in ts.expr_deps)
                if exprs != ts.expr_deps:
                    st.types[tk] = _replace(ts, expr_deps=exprs)

    def _retarget_default(self, c: ColState, change: Callable[[Dep], Dep]) -> ColState:
        """:meth:`_retarget_deps` for a column's default: its dependencies
        follow, and its text shows the new names."""
        deps = _map_deps(c.default_deps, change)
        types = frozenset(_dep_key(change(("t", *t))) for t in c.default_types)
        out = _replace(c, default_deps=deps, default_types=types)
        if deps != c.default_deps or types != c.default_types:
            return self._reprint_default(out, lambda s: self._reprint(s, change))
        return out

    def _reprint_default(self, c: ColState, again: Callable[[Stored], Stored | None]) -> ColState:
        """``c`` with its default printed again from its tree (``again``),
        when its text is the one printed from that tree."""
        stored = c.default_stored
        if stored is None or stored[0] != c.default:
            return c
        new = again(stored)
        return c if new is None else _replace(c, default=new[0], default_stored=new)

    def _reprint_policies(
        self,
        rel: RelState,
        which: Iterable[tuple[str, str]],
        again: Callable[[Stored], Stored | None],
    ) -> RelState:
        """``rel`` with its policy expressions ``which`` ((kind, policy name)
        as in ``expr_deps``) printed again from their trees (``again``),
        those whose text is the one printed from their tree."""
        policies, stored = rel.policies, rel.stored_exprs
        for kind, name in which:
            tree = next((t for k, n, t in stored if k == kind and n == name), None)
            pol = next((p for p in policies if p.name == name), None)
            if tree is None or pol is None:
                continue
            field_name = "using" if kind == "policy" else "check"
            if getattr(pol, field_name) != tree[0]:
                continue  # the text was not printed from this tree
            new_tree = again(tree)
            if new_tree is not None:
                new = _replace(pol, **{field_name: new_tree[0]})
                policies = tuple(new if p is pol else p for p in policies)
                stored = _set_expr_deps(stored, kind, name, new_tree)
        return _replace(rel, policies=policies, stored_exprs=stored)

    def _follow_relabel(self, k: Key, old: str, new: str) -> None:
        """ALTER TYPE ... RENAME VALUE: the defaults and policies holding the
        label print the new one, as Postgres, which stores the label's oid,
        does (``'active'::status`` becomes ``'enabled'::status``)."""
        st = self.state
        dep: Dep = ("t", *k)

        def again(s: Stored) -> Stored | None:
            return self._reprint(s, lambda d: d, (k, old, new))

        for rk, rel in list(st.relations.items()):
            cols = tuple(
                self._reprint_default(c, again) if k in c.default_types else c for c in rel.columns
            )
            which = [
                (kind, name)
                for kind, name, deps in rel.expr_deps
                if kind.startswith("policy") and dep in deps
            ]
            if which or cols != rel.columns:
                st.relations[rk] = self._reprint_policies(_replace(rel, columns=cols), which, again)

    def _reprint(
        self,
        stored: Stored,
        change: Callable[[Dep], Dep],
        relabel: tuple[Key, str, str] | None = None,
    ) -> Stored | None:
        """A stored expression printed again after the rename ``change`` (or
        of the enum label ``relabel``: (type, old, new)), as Postgres prints
        the tree it stored by oid; None when that changes nothing in it."""
        _text, tree, moved = stored
        if moved is not None:  # reused from another relation: its references are to this one
            old, new = moved
            plain = change

            def change(d: Dep) -> Dep:
                return plain(move_dep(d, old, new))

        copy = renamed(tree, change, relabel)
        if copy is None:
            return None
        try:
            text = Printer(self._display).render(copy)
        except RenderError:
            return None
        return text, copy, None

    def _drop_roots(self, op: D.Drop) -> tuple[list[Dep], str]:
        """The objects a DROP names (those that exist), as dependencies name
        them, and how Postgres names them in its error."""
        st = self.state
        roots: list[Dep] = []
        named: list[str] = []
        for name in op.names:
            written = ".".join(name)
            if op.kind in ("table", "view", "materialized view", "foreign table"):
                k = self.find_relation_key(name)
                if k is not None:
                    roots.append(("r", *k))
                    named.append(f"{op.kind} {self.relation_text(*k)}")
            elif op.kind in ("type", "domain"):
                k = self.find_type_key(name)
                if k is not None and k in st.types:
                    roots.append(("t", *k))
                    named.append(f"type {written}")
            elif op.kind == "sequence":
                k = self._find_in_path(name, st.sequences)
                if k is not None:
                    roots.append(("r", *k))
                    named.append(f"sequence {self.relation_text(*k)}")
            elif op.kind == "schema":
                schema = name[-1]
                if schema in st.schemas:
                    roots.extend(("r", *k) for k in st.relations if k[0] == schema)
                    roots.extend(("r", *k) for k in st.sequences if k[0] == schema)
                    roots.extend(("t", *k) for k in st.types if k[0] == schema)
                    roots.extend(("f", *k) for k in st.functions if k[0] == schema)
                    named.append(f"schema {schema}")
            elif op.kind == "extension":
                ext = name[-1]
                if ext in st.extensions and not self.is_standin(ext):
                    roots.extend(("t", *k) for k, t in st.types.items() if t.extension == ext)
                    roots.extend(("f", *k) for k, f in st.functions.items() if f.extension == ext)
                    named.append(f"extension {ext}")
        return roots, named[0] if len(named) == 1 else _SEVERAL

    # ---------------------------------------------------------------- drops

    def op_Drop(self, op: D.Drop) -> None:
        # All or nothing, as on the server; the objects named go together
        # (what depends on them alone needs no CASCADE), after their dependents.
        saved = self.state.copy()
        try:
            roots, what = self._drop_roots(op)
            if op.kind == "schema" and not op.cascade:
                schemas = {name[-1] for name in op.names}
                st = self.state
                if (
                    roots
                    or any(s in schemas for s in st.extensions.values())
                    or any(k[1] in schemas for k in st.text_search)
                ):
                    raise _still_used(what)  # the objects in it depend on it
            if roots:
                self.drop_dependents(roots, op.cascade, what)
            self._drop_named(op)
        except ReplayError:
            self.state = saved
            raise

    def _drop_named(self, op: D.Drop) -> None:
        for name in op.names:
            if op.kind in ("table", "view", "materialized view", "foreign table"):
                k = self.find_relation_key(name)
                if k is None:
                    if not op.if_exists:
                        raise self.no_relation(name, f'{op.kind} "{".".join(name)}" does not exist')
                    continue
                self.drop_relation(k)
            elif op.kind in ("type", "domain"):
                k = self.find_type_key(name)
                if k is None or k not in self.state.types:
                    if not op.if_exists:
                        raise ReplayError(
                            "migration-unknown-type", f'type "{".".join(name)}" does not exist'
                        )
                    continue
                del self.state.types[k]
            elif op.kind == "schema":
                schema = name[-1]
                if schema not in self.state.schemas:
                    if not op.if_exists:
                        raise ReplayError(
                            "migration-unknown-schema", f'schema "{schema}" does not exist'
                        )
                    continue
                self.drop_schema(schema)
            elif op.kind == "sequence":
                k = self._find_in_path(name, self.state.sequences)
                if k is None:
                    if not op.if_exists:
                        raise ReplayError(
                            "migration-unknown-relation",
                            f'sequence "{".".join(name)}" does not exist',
                        )
                    continue
                del self.state.sequences[k]
            elif op.kind == "index":
                k = self._find_in_path(name, self.state.indexes)
                if k is None:
                    if not op.if_exists:
                        raise ReplayError(
                            "migration-unknown-relation", f'index "{".".join(name)}" does not exist'
                        )
                    continue
                table = self.state.indexes[k]
                rel = self.state.relations.get(table)
                if rel is not None:
                    owner = next((c for c in rel.constraints if c.name == k[1]), None)
                    if owner is not None and owner.kind in ("p", "u", "x"):
                        raise ReplayError(
                            "migration-invalid",
                            f"cannot drop index {self.relation_text(*k)} because constraint"
                            f" {owner.name} on table {self.relation_text(*table)} requires it",
                            sqlstate="2BP01",
                        )
                    what = f"index {self.relation_text(*k)}" if len(op.names) == 1 else _SEVERAL
                    self._drop_fks_using_index(table, k[1], op.cascade, what)
                del self.state.indexes[k]
                self.state.index_defs.pop(k, None)
            elif op.kind == "extension":
                if self.is_standin(name[-1]):
                    self._skip_standin_statement("DROP", name[-1])
                    continue
                if name[-1] not in self.state.extensions:
                    if not op.if_exists:
                        raise ReplayError(
                            "migration-unknown-object", f'extension "{name[-1]}" does not exist'
                        )
                    continue
                self.drop_extension(name[-1])
            elif op.kind.startswith("text search "):
                kind = op.kind[len("text search ") :]
                tk = self._find_text_search(kind, name)
                if tk is None:
                    if not op.if_exists:
                        raise ReplayError(
                            "migration-unknown-object",
                            f'text search {kind} "{".".join(name)}" does not exist',
                        )
                    continue
                del self.state.text_search[tk]

    def _find_text_search(self, kind: str, name: D.QName) -> tuple[str, str, str] | None:
        """The user-made text search object a name finds (pg_catalog's, first
        on the path unless placed later, are not kept)."""
        st = self.state
        if len(name) >= 2:
            k = (kind, name[-2], name[-1])
            return k if k in st.text_search else None
        builtin = builtin_text_search(kind, self.options.server_version)
        path = self.path if PG_CATALOG in self.path else (PG_CATALOG, *self.path)
        for schema in path:
            if schema == PG_CATALOG and name[0] in builtin:
                return None
            if (kind, schema, name[0]) in st.text_search:
                return (kind, schema, name[0])
        return None

    def _skip_standin_statement(self, verb: str, name: str) -> None:
        self.issue(
            "migration-skipped",
            f"{verb} EXTENSION {name}: skipped, as shadow replay skips it: a stock "
            "Postgres server does not have it",
            "info",
        )

    def relation_text(self, schema: str, name: str) -> str:
        """A relation (or sequence, or index) as Postgres' messages name it
        (getRelationDescription): qualified unless the session finds it
        first on its search path."""
        st = self.state
        for s in self.effective_path():
            if s == schema:
                return quote_ident(name)
            k = (s, name)
            if k in st.relations or k in st.sequences or k in st.indexes:
                break
        return f"{quote_ident(schema)}.{quote_ident(name)}"

    def _find_in_path(self, name: D.QName, d: dict[Key, Any]) -> Key | None:
        if len(name) >= 2:
            k = (name[-2], name[-1])
            return k if k in d else None
        for schema in self.effective_path():
            if (schema, name[0]) in d:
                return (schema, name[0])
        return None

    def drop_relation(self, k: Key) -> None:
        st = self.state
        if k not in st.relations:
            return
        del st.relations[k]
        # Dependents go too: views over it, FKs pointing at it, its partitions,
        # its indexes and owned sequences (what CASCADE or ownership implies).
        for ok in st.referrers(k):
            other = st.relations.get(ok)
            if other is None:
                continue
            if k in other.deps or other.partition_of == k or k in other.inherits:
                self.drop_relation(ok)
                continue
            cons = tuple(c for c in other.constraints if not (c.kind == "f" and c.ref == k))
            if len(cons) != len(other.constraints):
                st.relations[ok] = _replace(other, constraints=cons)
        for ik in st.indexes_of(k):
            del st.indexes[ik]
            st.index_defs.pop(ik, None)
        for sk in st.sequences_owned_by(k):
            del st.sequences[sk]
        for fk, f in list(st.functions.items()):
            if (f.result.schema, f.result.name) == k and f.result.kind == "relation":
                del st.functions[fk]
                st.fn_removed(fk)

    def drop_schema(self, schema: str) -> None:
        st = self.state
        for k in [k for k in st.relations if k[0] == schema]:
            self.drop_relation(k)
        st.types = {k: v for k, v in st.types.items() if k[0] != schema}
        st.functions = {k: v for k, v in st.functions.items() if k[0] != schema}
        st.touch_functions()
        st.sequences = {k: v for k, v in st.sequences.items() if k[0] != schema}
        st.indexes = {k: v for k, v in st.indexes.items() if k[0] != schema}
        st.index_defs = {k: v for k, v in st.index_defs.items() if k[0] != schema}
        st.extensions = {k: v for k, v in st.extensions.items() if v != schema}
        st.text_search = {k: v for k, v in st.text_search.items() if k[1] != schema}
        del st.schemas[schema]

    # ---------------------------------------------------------------- tables

    def op_CreateTable(self, op: D.CreateTable) -> None:
        st = self.state
        schema, name = self.creation_schema(op.name)
        key = (schema, name)
        if key in st.relations or key in st.sequences or key in st.indexes:
            if op.if_not_exists:
                return
            raise ReplayError("migration-duplicate-object", f'relation "{name}" already exists')
        kind: RelationKind = op.kind  # type: ignore[assignment]
        rel = RelState(schema, name, kind, span=self.span)
        if op.partition_of is not None:
            parent = self.relation(op.partition_of)
            assert parent is not None
            # Partitions take the parent's columns: not-null and defaults are
            # inherited, identity only since Postgres 17; attndims is 0.
            keep_identity = self.options.server_version >= 17
            cols = tuple(
                ColState(
                    c.name,
                    c.type,
                    c.mods,
                    0,
                    c.not_null,
                    c.default if not c.identity else None,
                    c.identity if keep_identity else None,
                    c.generated,
                    None,
                    self.span,
                    (),
                    c.default_expr,
                    default_types=c.default_types,
                    default_rels=c.default_rels,
                    default_deps=_rebase_deps(c.default_deps, parent.key, key),
                    default_stored=_rebase_stored(c.default_stored, parent.key, key),
                )
                for c in parent.columns
            )
            rel = _replace(rel, columns=cols, partition_of=parent.key)
            st.note_ref(parent.key, key)
        elif op.as_query is not None:
            rel = _replace(rel, columns=self._query_columns(op, op.as_query))
        conflicting: set[str] = set()
        for inh in op.inherits:
            rel = self._inherit_columns(rel, inh, conflicting)
        st.relations[key] = rel
        pending_fks: list[tuple[D.ColConstraint | D.TableConstraint, tuple[str, ...]]] = []
        later: list[tuple[str, E.Node]] = []
        checks: list[tuple[Key, str, E.Node]] = []
        self._deferred_checks = checks
        names_before = len(st.constraint_names)
        try:
            for el in op.elements:
                rel = st.relations[key]
                if isinstance(el, D.ColumnDef):
                    if op.partition_of is not None or (
                        el.type is None and (op.as_query is not None or rel.of_type is not None)
                    ):
                        # A partition's, or a typed table's column WITH OPTIONS.
                        self._partition_column_options(key, el)
                        continue
                    inherited = rel.col(el.name)
                    if inherited is not None and (inherited.islocal or not inherited.inhcount):
                        raise ReplayError(
                            "migration-duplicate-object",
                            f'column "{el.name}" specified more than once',
                        )
                    if inherited is not None:
                        self._merge_inherited_column(key, el, inherited, pending_fks, later)
                        conflicting.discard(el.name)
                        continue
                    self.add_column(key, el, pending_fks, creating=True, later=later)
                elif isinstance(el, D.LikeClause):
                    self._like(key, el)
                else:
                    self.add_constraint(key, el, pending_fks, creating=True)
            self._deferred_checks = None
            self._analyze_deferred_checks(checks)
            for fk_con, fk_cols in pending_fks:
                self._add_fk(key, fk_con, fk_cols)
            for cname, expr in later:
                rel = st.relations[key]
                col = rel.col(cname)
                if col is not None:
                    self._set_col(key, self._with_default(col, expr, rel, generated=True))
            for cname in conflicting:
                raise ReplayError(
                    "migration-invalid",
                    f'column "{cname}" inherits conflicting default values',
                    sqlstate="42611",
                )
        except ReplayError:
            # The statement fails as a whole on the server: nothing it made stays.
            st.relations.pop(key, None)
            for ik in st.indexes_of(key):
                del st.indexes[ik]
            for sk in st.sequences_owned_by(key):
                del st.sequences[sk]
            for ck in list(itertools.islice(st.constraint_names, names_before, None)):
                del st.constraint_names[ck]
            raise
        finally:
            self._deferred_checks = None
        if op.partition_of is not None:
            self._clone_parent_constraints(key)

    def _inherit_columns(self, rel: RelState, name: D.QName, conflicting: set[str]) -> RelState:
        """CREATE TABLE ... INHERITS: the parent's columns come first, in its
        order; a column several parents have is merged (same type, NOT NULL
        if any parent's is, the default if they agree). Identity, comments
        and array dimensions are not inherited."""
        parent = self.relation(name)
        assert parent is not None
        if parent.kind == "partitioned_table":
            raise ReplayError(
                "migration-invalid",
                f'cannot inherit from partitioned table "{parent.name}"',
                sqlstate="42809",
            )
        if parent.partition_of is not None:
            raise ReplayError(
                "migration-invalid",
                f'cannot inherit from partition "{parent.name}"',
                sqlstate="42809",
            )
        if parent.key in rel.inherits:
            raise ReplayError(
                "migration-duplicate-object",
                f'relation "{parent.name}" would be inherited from more than once',
                sqlstate="42P07",
            )
        cols = list(rel.columns)
        for c in parent.columns:
            i = next((i for i, x in enumerate(cols) if x.name == c.name), None)
            if i is None:
                cols.append(
                    _replace(
                        c,
                        ndims=0,
                        identity=None,
                        comment=None,
                        span=self.span,
                        altered=(),
                        inhcount=1,
                        islocal=False,
                    )
                )
                continue
            prev = cols[i]
            if not same_type(prev.type, c.type) or prev.mods != c.mods:
                raise ReplayError(
                    "migration-invalid",
                    f'inherited column "{c.name}" has a type conflict',
                    sqlstate="42804",
                )
            self.issue(
                "migration-notice",
                f'merging multiple inherited definitions of column "{c.name}"',
                "info",
            )
            if prev.default is None:
                prev = _default_of(prev, c)
            elif c.default is not None and c.default != prev.default:
                conflicting.add(c.name)
            cols[i] = _replace(
                prev, not_null=prev.not_null or c.not_null, inhcount=prev.inhcount + 1
            )
        self.state.note_ref(parent.key, rel.key)
        return _replace(rel, columns=tuple(cols), inherits=(*rel.inherits, parent.key))

    def _merge_inherited_column(
        self,
        key: Key,
        cd: D.ColumnDef,
        inherited: ColState,
        pending_fks: list[tuple[D.ColConstraint | D.TableConstraint, tuple[str, ...]]],
        later: list[tuple[str, E.Node]],
    ) -> None:
        """A child's own definition of an inherited column: it takes the
        inherited column's place; NOT NULL if either is, its own default if
        it has one."""
        st = self.state
        rel = st.relations[key]
        at = next(i for i, c in enumerate(rel.columns) if c.name == cd.name)
        st.relations[key] = _replace(
            rel, columns=tuple(c for c in rel.columns if c.name != cd.name)
        )
        self.add_column(key, cd, pending_fks, creating=True, later=later)
        rel = st.relations[key]
        own = rel.col(cd.name)
        assert own is not None
        if not same_type(own.type, inherited.type) or own.mods != inherited.mods:
            raise ReplayError(
                "migration-invalid", f'column "{cd.name}" has a type conflict', sqlstate="42804"
            )
        self.issue(
            "migration-notice",
            f'merging column "{cd.name}" with inherited definition',
            "info",
        )
        merged = _replace(
            own,
            not_null=own.not_null or inherited.not_null,
            inhcount=inherited.inhcount,
            islocal=True,
        )
        if own.default is None and own.identity is None and not own.generated:
            merged = _default_of(merged, inherited)
        cols = [c for c in rel.columns if c.name != cd.name]
        cols.insert(at, merged)
        st.relations[key] = _replace(rel, columns=tuple(cols))

    def _partition_column_options(self, key: Key, el: D.ColumnDef) -> None:
        rel = self.state.relations[key]
        col = rel.col(el.name)
        if col is None:
            if el.type is None:
                raise ReplayError("migration-unknown-column", f'column "{el.name}" does not exist')
            self.add_column(key, el, [], creating=True)
            return
        for c in el.constraints:
            if c.kind == "notnull":
                col = _replace(col, not_null=True)
            elif c.kind == "default" and c.expr is not None:
                col = self._with_default(col, c.expr, rel)
            elif c.kind in ("pk", "unique"):
                self._add_key_constraint(key, c.kind, c.name, (el.name,))
                rel = self.state.relations[key]
        if el.type is None and el.name:
            self._set_col(key, _replace(col, span=col.span))
        self._set_col(key, col)

    def _clone_parent_constraints(self, key: Key) -> None:
        # A partition gets the parent's PK/unique (as its own index-backed
        # constraints, named after the partition); FK clones are not reported.
        rel = self.state.relations[key]
        assert rel.partition_of is not None
        parent = self.state.relations.get(rel.partition_of)
        if parent is None:
            return
        for c in parent.constraints:
            if c.kind in ("p", "u"):
                self._clone_key(key, c.kind, c.columns)

    def _query_columns(self, op: D.CreateTable, q: E.Query) -> tuple[ColState, ...]:
        a = self.analyzer()
        tq = a.query(q, None)
        names = [el.name for el in op.elements if isinstance(el, D.ColumnDef)]
        out = []
        for i, t in enumerate(tq.targets):
            name = names[i] if i < len(names) else t.name
            ty = t.expr.type
            if is_poly(ty) or (ty.is_builtin and ty.name == "unknown"):
                ty = builtin("text")
            out.append(ColState(name, ty, t.expr.mods, 0, span=self.span))
        return tuple(out)

    def _like(self, key: Key, like: D.LikeClause) -> None:
        st = self.state
        if like.options and like.options[0][0] == "__type__":
            # CREATE TABLE ... OF composite_type
            tk = self.find_type_key(like.source)
            ts = st.types.get(tk) if tk else None
            if ts is None or ts.kind != "composite":
                raise ReplayError(
                    "migration-unknown-type", f'type "{".".join(like.source)}" does not exist'
                )
            rel = st.relations[key]
            cols = tuple(ColState(n, t, mods, 0, span=self.span) for n, t, mods in ts.attributes)
            st.relations[key] = _replace(rel, columns=rel.columns + cols, of_type=tk)
            return
        src = self.relation(like.source)
        assert src is not None
        opts: dict[str, bool] = {}
        for opt, inc in like.options:
            if opt == "all":
                for o in (
                    "comments",
                    "compression",
                    "constraints",
                    "defaults",
                    "generated",
                    "identity",
                    "indexes",
                    "statistics",
                    "storage",
                ):
                    opts[o] = inc
            else:
                opts[opt] = inc
        rel = st.relations[key]
        new_cols = []
        for c in src.columns:
            if rel.col(c.name) is not None:
                continue
            nc = ColState(
                c.name,
                c.type,
                c.mods,
                0,
                c.not_null,
                c.default
                if (opts.get("defaults") and not c.generated)
                or (opts.get("generated") and c.generated)
                else None,
                c.identity if opts.get("identity") else None,
                c.generated and bool(opts.get("generated")),
                c.comment if opts.get("comments") else None,
                self.span,
                (),
                c.default_expr,
                default_types=c.default_types if opts.get("defaults") else frozenset(),
                default_rels=c.default_rels if opts.get("defaults") else frozenset(),
            )
            if nc.default is not None:
                nc = _replace(
                    nc,
                    default_deps=_rebase_deps(c.default_deps, src.key, key),
                    default_stored=_rebase_stored(c.default_stored, src.key, key),
                )
            new_cols.append(nc)
        st.relations[key] = _replace(rel, columns=rel.columns + tuple(new_cols))
        if opts.get("indexes"):
            for con in src.constraints:
                if con.kind in ("p", "u"):
                    self._add_key_constraint(
                        key, "pk" if con.kind == "p" else "unique", None, con.columns
                    )
        if opts.get("comments") and src.comment is not None:
            pass  # LIKE copies column comments, not the table's

    def _set_col(self, key: Key, col: ColState) -> None:
        rel = self.state.relations[key]
        cols = tuple(col if c.name == col.name else c for c in rel.columns)
        self.state.relations[key] = _replace(rel, columns=cols)

    def _children(self, key: Key) -> list[Key]:
        rel = self.state.relations.get(key)
        if rel is None or rel.kind != "partitioned_table":
            return []  # only partitioned tables have partitions
        return [k for k, r in self.state.relations.items() if r.partition_of == key]

    def _inheritors(self, key: Key) -> list[Key]:
        """The tables that INHERIT from ``key`` (not its partitions)."""
        refs = self.state.refs.get(key)
        if not refs:
            return []
        relations = self.state.relations
        found = [k for k in refs if (r := relations.get(k)) is not None and key in r.inherits]
        return sorted(found) if len(found) > 1 else found

    def add_column(
        self,
        key: Key,
        cd: D.ColumnDef,
        pending_fks: list[tuple[D.ColConstraint | D.TableConstraint, tuple[str, ...]]],
        *,
        creating: bool = False,
        recurse: bool = True,
        later: list[tuple[str, E.Node]] | None = None,
    ) -> None:
        """``later``: CREATE TABLE collects the generation expressions there,
        to analyze them once all the columns they may read are known."""
        st = self.state
        rel = st.relations[key]
        assert cd.type is not None
        tn = cd.type
        serial = (
            len(tn.names) == 1
            and not tn.sql_builtin
            and tn.names[0] in SERIAL_TYPES
            and not tn.array_dims
        )
        if serial:
            t = builtin(SERIAL_TYPES[tn.names[0]])
            mods: tuple[str, ...] = ()
            ndims = 0
        else:
            t, mods, ndims = self.resolve_type(tn)
        not_null = False
        default: str | None = None
        default_expr: E.Node | None = None
        default_types: frozenset[Key] = frozenset()
        default_rels: frozenset[Key] = frozenset()
        default_deps = NO_DEPS
        default_stored: Stored | None = None
        identity: str | None = None
        generated = False
        if serial:
            seq = self.choose_relation_name(rel.schema, rel.name, cd.name, "seq")
            st.set_sequence(
                (rel.schema, seq), SeqState(rel.schema, seq, (rel.schema, rel.name, cd.name))
            )
            regclass = quote_literal(self._display.regclass_text(rel.schema, seq))
            not_null, default = True, f"nextval({regclass}::regclass)"
            default_rels = frozenset({(rel.schema, seq)})
            st.regclass_named[rel.schema, seq] = None
        for c in cd.constraints:
            kind = c.kind
            if kind == "notnull":
                not_null = True
            elif kind == "null":
                not_null = False
            elif kind == "default" and c.expr is not None:
                # A default cannot refer to columns: no need to see this one.
                default, default_types, default_rels, default_deps, default_stored = (
                    self.analyze_default_deps(c.expr, t, mods, rel)
                )
                default_expr = c.expr
            elif kind == "identity":
                identity, not_null = c.identity, True
            elif kind == "generated" and c.expr is not None:
                # A generation expression reads the table's other columns.
                # A virtual one (Postgres 18's default) is computed when read:
                # the catalog shows it as a column with that default.
                virtual = c.storage == "virtual" or (
                    not c.storage and self.options.server_version >= 18
                )
                if later is not None:
                    later.append((cd.name, c.expr))
                else:
                    default, default_types, default_rels, default_deps, default_stored = (
                        self.analyze_default_deps(c.expr, t, mods, rel, generated=True)
                    )
                generated = not virtual
        col = ColState(
            cd.name,
            t,
            mods,
            ndims,
            not_null,
            default,
            identity,
            generated,
            None,
            self.span,
            (),
            default_expr,
            default_types=default_types,
            default_rels=default_rels,
            default_deps=default_deps,
            default_stored=default_stored,
        )
        st.relations[key] = _replace(rel, columns=(*rel.columns, col))
        for c in cd.constraints:
            if c.kind == "pk":
                self._add_key_constraint(key, "pk", c.name, (cd.name,))
            elif c.kind == "unique":
                self._add_key_constraint(key, "unique", c.name, (cd.name,))
            elif c.kind == "fk":
                if creating:
                    pending_fks.append((c, (cd.name,)))
                else:
                    self._add_fk(key, c, (cd.name,))
            elif c.kind == "check" and c.expr is not None:
                self._add_check(key, c.name, c.expr, cd.name)
        if recurse:
            for child in self._children(key):
                if st.relations[child].col(cd.name) is None:
                    self.add_column(
                        child,
                        D.ColumnDef(
                            cd.name,
                            cd.type,
                            tuple(
                                c
                                for c in cd.constraints
                                if c.kind in ("notnull", "default", "generated")
                            ),
                        ),
                        [],
                        recurse=True,
                    )
                    cc = st.relations[child].col(cd.name)
                    if cc is not None:
                        self._set_col(child, _replace(cc, ndims=0))
            added = st.relations[key].col(cd.name)
            if added is not None:
                for child in self._inheritors(key):
                    self._add_inherited_column(child, added)

    def _add_inherited_column(self, key: Key, col: ColState) -> None:
        """ADD COLUMN on an inheritance parent: the child gets the column as
        the parent has it (its default, NOT NULL; not identity or comment), or,
        when it has one of that name already, inherits that one too."""
        st = self.state
        rel = st.relations[key]
        own = rel.col(col.name)
        if own is not None:
            if not same_type(own.type, col.type) or own.mods != col.mods:
                raise ReplayError(
                    "migration-invalid",
                    f'child table "{rel.name}" has different type for column "{col.name}"',
                    sqlstate="42804",
                )
            self.issue(
                "migration-notice",
                f'merging definition of column "{col.name}" for child "{rel.name}"',
                "info",
            )
            self._set_col(key, _replace(own, inhcount=own.inhcount + 1))
            return
        new = _replace(
            col,
            ndims=0,
            identity=None,
            comment=None,
            span=self.span,
            altered=(),
            inhcount=1,
            islocal=False,
        )
        st.relations[key] = _replace(rel, columns=(*rel.columns, new))
        for child in self._inheritors(key):
            self._add_inherited_column(child, new)

    def choose_relation_name(self, schema: str, name1: str, name2: str, label: str) -> str:
        st = self.state

        def taken(name: str) -> bool:
            k = (schema, name)
            return k in st.relations or k in st.sequences or k in st.indexes

        candidate = make_object_name(name1, name2, label)
        n = 0
        while taken(candidate):
            n += 1
            candidate = make_object_name(name1, name2, f"{label}{n}")
        return candidate

    def choose_constraint_name(self, schema: str, name1: str, name2: str, label: str) -> str:
        taken = self.state.constraint_names
        candidate = make_object_name(name1, name2, label)
        n = 0
        while (schema, candidate) in taken:
            n += 1
            candidate = make_object_name(name1, name2, f"{label}{n}")
        return candidate

    def _register_constraint_name(self, schema: str, name: str) -> None:
        self.state.constraint_names[(schema, name)] = None

    def _add_key_constraint(
        self, key: Key, kind: str, name: str | None, columns: tuple[str, ...]
    ) -> None:
        st = self.state
        rel = st.relations[key]
        for c in columns:
            if rel.col(c) is None:
                raise ReplayError(
                    "migration-unknown-column", f'column "{c}" named in key does not exist'
                )
        code = "p" if kind == "pk" else "u"
        if code == "p" and any(c.kind == "p" for c in rel.constraints):
            raise ReplayError(
                "migration-duplicate-object",
                f'multiple primary keys for table "{rel.name}" are not allowed',
            )
        if name is None:
            if code == "p":
                name = self.choose_relation_name(rel.schema, rel.name, "", "pkey")
            else:
                addition = index_name_addition(columns)
                name = self.choose_relation_name(rel.schema, rel.name, addition, "key")
        else:
            k = (rel.schema, name)
            if k in st.relations or k in st.sequences or k in st.indexes:
                raise ReplayError("migration-duplicate-object", f'relation "{name}" already exists')
            self._check_constraint_name(rel, name)
        st.counter += 1
        con = ConState(name, code, columns, span=self.span, seq=st.counter)
        cols = rel.columns
        if code == "p":
            cols = tuple(_replace(c, not_null=True) if c.name in columns else c for c in cols)
        st.relations[key] = _replace(rel, columns=cols, constraints=(*rel.constraints, con))
        st.set_index((rel.schema, name), key)
        self._register_constraint_name(rel.schema, name)
        # A key on a partitioned table is added to each partition (down
        # through sub-partitions), unless one there already matches.
        for child in self._children(key):
            self._clone_key(child, code, columns)
        if code == "p":
            # Inheritance children get no key, but its columns' NOT NULL.
            for child in self._inheritors(key):
                for c in columns:
                    with contextlib.suppress(ReplayError):
                        self.alter_column(child, D.SetNotNull(c, True))

    def _clone_key(self, key: Key, code: str, columns: tuple[str, ...]) -> None:
        """A partition gets a parent's PK / unique constraint as its own
        index-backed one named after the partition (an existing constraint
        with the same kind and columns becomes the clone)."""
        rel = self.state.relations[key]
        if not any(x.kind == code and x.columns == columns for x in rel.constraints):
            self._add_key_constraint(key, "pk" if code == "p" else "unique", None, columns)

    def _add_check(self, key: Key, name: str | None, expr: E.Node, column: str | None) -> None:
        rel = self.state.relations[key]
        if name is None:
            first = column or _first_column(expr) or ""
            name = self.choose_constraint_name(rel.schema, rel.name, first, "check")
        else:
            self._check_constraint_name(rel, name)
        self.state.counter += 1
        deferred = self._deferred_checks
        con = ConState(
            name,
            "c",
            (column,) if column else (),
            span=self.span,
            seq=self.state.counter,
            deps=self._expr_deps(expr, rel) if deferred is None else NO_DEPS,
        )
        self.state.relations[key] = _replace(rel, constraints=(*rel.constraints, con))
        self._register_constraint_name(rel.schema, name)
        if deferred is None:
            self._note_deps(key, con.deps)
        else:
            deferred.append((key, name, expr))

    def _analyze_deferred_checks(self, checks: list[tuple[Key, str, E.Node]]) -> None:
        """The dependencies of the check constraints of a CREATE TABLE, found
        once its columns are all there (a check may name a later column;
        analyzing each against the columns so far also rebuilt the
        analyzer's view of the table for every one)."""
        for key in dict.fromkeys(k for k, _name, _expr in checks):
            rel = self.state.relations[key]
            deps = {name: self._expr_deps(expr, rel) for k, name, expr in checks if k == key}
            constraints = tuple(
                _replace(c, deps=deps[c.name]) if c.kind == "c" and c.name in deps else c
                for c in rel.constraints
            )
            self.state.relations[key] = _replace(rel, constraints=constraints)
            for d in deps.values():
                self._note_deps(key, d)

    def _expr_deps(self, expr: E.Node, rel: RelState) -> frozenset[Dep]:
        """What an expression on ``rel`` (a check constraint) depends on;
        nothing when pgdrift cannot analyze it. Fails when Postgres would."""
        try:
            return self._analyzed("deps", expr, rel)[1]
        except Undefined as exc:
            raise _failure(exc) from None
        except RenderError:
            return NO_DEPS

    def _add_fk(
        self, key: Key, c: D.ColConstraint | D.TableConstraint, columns: tuple[str, ...]
    ) -> None:
        st = self.state
        rel = st.relations[key]
        fk = c.fk
        assert fk is not None
        target = (
            self.relation(fk.table)
            if fk.table != (rel.name,) or self.find_relation_key(fk.table)
            else rel
        )
        assert target is not None
        ref_cols = fk.columns
        index: str | None = None  # the unique index the key uses
        if not ref_cols:
            pk = next((x for x in target.constraints if x.kind == "p"), None)
            if pk is None:
                raise ReplayError(
                    "migration-invalid-reference",
                    f'there is no primary key for referenced table "{target.name}"',
                )
            ref_cols = pk.columns
            index = pk.name
        for col in columns:
            if rel.col(col) is None:
                raise ReplayError(
                    "migration-unknown-column",
                    f'column "{col}" referenced in foreign key constraint does not exist',
                )
        for col in ref_cols:
            if target.col(col) is None:
                raise ReplayError(
                    "migration-unknown-column",
                    f'column "{col}" referenced in foreign key constraint does not exist',
                )
        if fk.columns:
            index = self._unique_index_on(target, fk.columns)
        if index is None:
            raise ReplayError(
                "migration-invalid-reference",
                "there is no unique constraint matching given keys for referenced table "
                f'"{target.name}"',
                sqlstate="42830",
            )
        if len(ref_cols) != len(columns):
            raise ReplayError(
                "migration-invalid-reference",
                "number of referencing and referenced columns for foreign key disagree",
                sqlstate="42830",
            )
        name = c.name
        if name is None:
            addition = index_name_addition(columns)
            name = self.choose_constraint_name(rel.schema, rel.name, addition, "fkey")
        else:
            self._check_constraint_name(st.relations[key], name)
        for x, y in zip(columns, ref_cols, strict=True):
            fcol, pcol = rel.col(x), target.col(y)
            assert fcol is not None and pcol is not None
            _check_fk_types(name, pcol.type, fcol.type)
        st.counter += 1
        con = ConState(
            name,
            "f",
            columns,
            target.key,
            ref_cols,
            fk.on_delete,
            fk.on_update,
            self.span,
            st.counter,
            ref_index=index,
        )
        rel = st.relations[key]
        st.relations[key] = _replace(rel, constraints=(*rel.constraints, con))
        st.note_ref(target.key, key)
        self._register_constraint_name(rel.schema, name)

    def _unique_index_on(self, rel: RelState, columns: tuple[str, ...]) -> str | None:
        """The name of the first index (in oid order) of a primary key, a
        unique constraint or a plain unique index of ``rel`` on exactly
        ``columns`` (in any order): what a foreign key may reference, and
        the index it then depends on (transformFkeyCheckAttrs); None when
        there is none."""
        wanted = set(columns)
        if len(wanted) != len(columns):
            return None
        found = [
            (c.seq, c.name)
            for c in rel.constraints
            if c.kind in ("p", "u") and set(c.columns) == wanted
        ]
        st = self.state
        for ik in st.indexes_of(rel.key):
            d = st.index_defs.get(ik)
            if (
                d is not None
                and d.unique
                and not d.partial
                and len(d.columns) == len(columns)
                and set(d.columns) == wanted
            ):
                found.append((d.seq, ik[1]))
        return min(found)[1] if found else None

    def add_constraint(
        self,
        key: Key,
        tc: D.TableConstraint,
        pending_fks: list[tuple[D.ColConstraint | D.TableConstraint, tuple[str, ...]]],
        *,
        creating: bool = False,
    ) -> None:
        if tc.kind in ("pk", "unique"):
            if tc.index is not None:
                if creating:
                    raise ReplayError(
                        "migration-syntax-error",
                        "USING INDEX is not allowed in CREATE TABLE",
                        sqlstate="42601",
                    )
                self._constraint_using_index(key, tc)
                return
            self._add_key_constraint(key, tc.kind, tc.name, tc.columns)
        elif tc.kind == "fk":
            if creating:
                pending_fks.append((tc, tc.columns))
            else:
                self._add_fk(key, tc, tc.columns)
        elif tc.kind == "check" and tc.expr is not None:
            self._add_check(key, tc.name, tc.expr, None)
        else:
            rel = self.state.relations[key]
            name = tc.name or self.choose_relation_name(rel.schema, rel.name, "", "excl")
            self.state.counter += 1
            con = ConState(name, "x", span=self.span, seq=self.state.counter)
            self.state.relations[key] = _replace(rel, constraints=(*rel.constraints, con))
            self.state.set_index((rel.schema, name), key)

    def op_CreateIndex(self, op: D.CreateIndex) -> None:
        if op.concurrently and self._in_block:
            # A migration file is one simple query: more than one statement
            # makes it a transaction block (as supabase db push runs it too).
            raise ReplayError(
                "migration-invalid",
                "CREATE INDEX CONCURRENTLY cannot run inside a transaction block",
                sqlstate="25001",
            )
        rel = self.relation(op.table)
        assert rel is not None
        for c in op.columns:
            if c and rel.col(c) is None:
                raise ReplayError("migration-unknown-column", f'column "{c}" does not exist')
        if op.unique and op.method.lower() != "btree":
            raise ReplayError(
                "migration-invalid",
                f'access method "{op.method.lower()}" does not support unique indexes',
                sqlstate="0A000",
            )
        name = op.name
        if name is None:
            addition = index_name_addition(op.colnames)
            name = self.choose_relation_name(rel.schema, rel.name, addition, "idx")
        k = (rel.schema, name)
        if k in self.state.indexes or k in self.state.relations or k in self.state.sequences:
            if op.if_not_exists:
                return
            raise ReplayError("migration-duplicate-object", f'relation "{name}" already exists')
        self.state.set_index(k, rel.key)
        self.state.counter += 1
        if op.columns:
            self.state.index_defs[k] = IndexDef(
                op.columns,
                op.unique,
                op.method.lower(),
                op.partial,
                op.odd_sort,
                self.state.counter,
            )

    def _constraint_using_index(self, key: Key, tc: D.TableConstraint) -> None:
        """ADD [CONSTRAINT name] PRIMARY KEY | UNIQUE USING INDEX: the index
        becomes the constraint (renamed to the constraint's name), and a
        primary key's columns become NOT NULL."""
        st = self.state
        rel = st.relations[key]
        assert tc.index is not None
        if rel.kind == "partitioned_table":
            raise ReplayError(
                "migration-invalid",
                "ALTER TABLE / ADD CONSTRAINT USING INDEX is not supported on partitioned tables",
                sqlstate="0A000",
            )
        ik = (rel.schema, tc.index)
        if ik not in st.indexes:
            raise ReplayError("migration-unknown-relation", f'index "{tc.index}" does not exist')
        if st.indexes[ik] != key:
            raise ReplayError(
                "migration-invalid",
                f'index "{tc.index}" does not belong to table "{rel.name}"',
                sqlstate="55000",
            )
        idx = st.index_defs.get(ik)
        if idx is None:
            raise ReplayError(
                "migration-duplicate-object",
                f'index "{tc.index}" is already associated with a constraint',
                sqlstate="55000",
            )
        problem = ""
        if not idx.unique:
            problem = f'"{tc.index}" is not a unique index'
        elif "" in idx.columns:
            problem = f'index "{tc.index}" contains expressions'
        elif idx.partial:
            problem = f'"{tc.index}" is a partial index'
        elif idx.method != "btree":
            problem = f'index "{tc.index}" is not a btree'
        elif idx.odd_sort:
            problem = (
                f'index "{tc.index}" column number {idx.odd_sort} does not have default'
                " sorting behavior"
            )
        if problem:
            raise ReplayError("migration-invalid", problem, sqlstate="42809")
        code = "p" if tc.kind == "pk" else "u"
        if code == "p" and any(c.kind == "p" for c in rel.constraints):
            raise ReplayError(
                "migration-duplicate-object",
                f'multiple primary keys for table "{rel.name}" are not allowed',
            )
        name = tc.name or tc.index
        if name != tc.index:
            nk = (rel.schema, name)
            if nk in st.relations or nk in st.sequences or nk in st.indexes:
                raise ReplayError("migration-duplicate-object", f'relation "{name}" already exists')
            self.issue(
                "migration-notice",
                f'ALTER TABLE / ADD CONSTRAINT USING INDEX will rename index "{tc.index}" to "{name}"',
                "info",
            )
        self._check_constraint_name(rel, name)
        del st.indexes[ik]
        del st.index_defs[ik]
        # The index keeps its oid: the constraint takes its place in their order.
        con = ConState(name, code, idx.columns, span=self.span, seq=idx.seq)
        cols = rel.columns
        if code == "p":
            cols = tuple(
                self._touch_col(_replace(c, not_null=True))
                if c.name in idx.columns and not c.not_null
                else c
                for c in cols
            )
        st.relations[key] = _replace(rel, columns=cols, constraints=(*rel.constraints, con))
        st.set_index((rel.schema, name), key)
        self._register_constraint_name(rel.schema, name)

    def _check_constraint_name(self, rel: RelState, name: str) -> None:
        """A table's constraints have distinct names."""
        if any(c.name == name for c in rel.constraints):
            raise ReplayError(
                "migration-duplicate-object",
                f'constraint "{name}" for relation "{rel.name}" already exists',
            )

    # ---------------------------------------------------------------- ALTER TABLE

    def op_AlterTable(self, op: D.AlterTable) -> None:
        st = self.state
        if op.target == "index":
            self._alter_index(op)
            return
        if op.target == "sequence":
            self._alter_sequence_rename(op)
            return
        k = self.find_relation_key(op.name)
        if k is None:
            # ALTER TABLE also reaches sequences and indexes (pg_dump writes
            # ALTER TABLE seq OWNER TO ...).
            if self._find_in_path(op.name, st.sequences) is not None:
                self._alter_sequence_rename(op)
                return
            if self._find_in_path(op.name, st.indexes) is not None:
                self._alter_index(op)
                return
            if op.if_exists:
                return
            error = self.no_relation(op.name, f'relation "{".".join(op.name)}" does not exist')
            if error.code == "migration-unresolved":
                self._follow_vague(op)
            raise error
        retyped = {a.name for a in op.actions if isinstance(a, D.AlterColumnType)}
        # A statement that changes column types fails as a whole, after its
        # other actions (rare DDL: a snapshot of the state).
        saved = st.copy() if retyped else None
        try:
            for action in op.actions:
                k = self.alter_action(k, action, only=op.only)
            if retyped:
                self._check_fks_of(k, retyped)
        except ReplayError:
            if saved is not None:
                self.state = saved
            raise
        rel = st.relations.get(k)
        if rel is not None and self.span is not None and self.span not in rel.altered:
            st.relations[k] = _replace(rel, altered=(*rel.altered, self.span))

    def _alter_index(self, op: D.AlterTable) -> None:
        k = self._find_in_path(op.name, self.state.indexes)
        if k is None:
            if op.if_exists:
                return
            raise ReplayError(
                "migration-unknown-relation", f'index "{".".join(op.name)}" does not exist'
            )
        for a in op.actions:
            if isinstance(a, D.RenameRelation):
                nk = (k[0], a.new)
                st = self.state
                if nk in st.relations or nk in st.sequences or nk in st.indexes:
                    raise ReplayError(
                        "migration-duplicate-object", f'relation "{a.new}" already exists'
                    )
                table = st.indexes.pop(k)
                st.set_index(nk, table)
                if k in st.index_defs:
                    st.index_defs[nk] = st.index_defs.pop(k)
                rel = st.relations.get(table)
                if rel is not None:
                    cons = tuple(
                        _replace(c, name=a.new) if c.name == k[1] and c.kind in ("p", "u") else c
                        for c in rel.constraints
                    )
                    st.relations[table] = _replace(rel, constraints=cons)
                self._rename_ref_index(table, k[1], a.new)
                k = nk

    def _alter_sequence_rename(self, op: D.AlterTable) -> None:
        k = self._find_in_path(op.name, self.state.sequences)
        if k is None:
            if op.if_exists:
                return
            raise ReplayError(
                "migration-unknown-relation", f'sequence "{".".join(op.name)}" does not exist'
            )
        st = self.state
        seq = st.sequences[k]
        for a in op.actions:
            if isinstance(a, D.RenameRelation):
                nk = (seq.schema, a.new)
                if nk in st.relations or nk in st.sequences or nk in st.indexes:
                    raise ReplayError(
                        "migration-duplicate-object", f'relation "{a.new}" already exists'
                    )
                seq = _replace(seq, name=a.new)
            elif isinstance(a, D.SetSchema) and a.schema != seq.schema:
                if a.schema not in st.schemas:
                    raise ReplayError(
                        "migration-unknown-schema", f'schema "{a.schema}" does not exist'
                    )
                if seq.owned_by is not None:
                    raise ReplayError(
                        "migration-invalid",
                        "cannot move an owned sequence into another schema",
                        sqlstate="0A000",  # feature_not_supported
                    )
                nk = (a.schema, seq.name)
                if nk in st.relations or nk in st.sequences or nk in st.indexes:
                    raise ReplayError(
                        "migration-duplicate-object",
                        f'relation "{seq.name}" already exists in schema "{a.schema}"',
                    )
                seq = _replace(seq, schema=a.schema)
        if (seq.schema, seq.name) != k:
            self._move_sequence(k, seq)

    def _move_sequence(self, k: Key, seq: SeqState) -> None:
        """The sequence ``k`` renamed or moved to ``seq``'s name and schema."""
        st = self.state
        nk = (seq.schema, seq.name)
        old_text = self._display.regclass_text(*k)
        del st.sequences[k]
        st.set_sequence(nk, seq)
        self._follow_regclass([(k, nk, old_text)])

    def _follow_regclass(self, moves: Sequence[tuple[Key, Key, str]]) -> None:
        """Relations renamed or moved, as (old key, new key, the old name as
        regclass constants printed it): the column defaults that name them
        (``nextval('s'::regclass)``) print the new name, as Postgres, which
        stores the oid, does; and they keep depending on them."""
        st = self.state
        moves = [m for m in moves if m[0] in st.regclass_named]
        if not moves:
            return
        st.regclass_named.update(dict.fromkeys(new for _old, new, _text in moves))
        olds = frozenset(old for old, _new, _text in moves)
        for rk, rel in list(st.relations.items()):
            if all(olds.isdisjoint(c.default_rels) for c in rel.columns):
                continue
            cols = []
            for c in rel.columns:
                if not olds.isdisjoint(c.default_rels):
                    default, rels = c.default, set(c.default_rels)
                    for old, new, old_text in moves:
                        if old not in rels:
                            continue
                        rels.discard(old)
                        rels.add(new)
                        if default is not None:
                            new_text = self._display.regclass_text(*new)
                            default = default.replace(
                                quote_literal(old_text) + "::regclass",
                                quote_literal(new_text) + "::regclass",
                            )
                    c = _replace(c, default=default, default_rels=frozenset(rels))
                cols.append(c)
            st.relations[rk] = _replace(rel, columns=tuple(cols))

    def _touch_col(self, col: ColState) -> ColState:
        if self.span is None or self.span in col.altered:
            return col
        return _replace(col, altered=(*col.altered, self.span))

    def alter_action(self, k: Key, a: D.Action, *, only: bool = False) -> Key:
        st = self.state
        rel = st.relations[k]
        if isinstance(a, D.AddColumn):
            if rel.col(a.column.name) is not None:
                if a.if_not_exists:
                    return k
                raise ReplayError(
                    "migration-duplicate-object",
                    f'column "{a.column.name}" of relation "{rel.name}" already exists',
                )
            inheritors = self._inheritors(k)
            if only and (inheritors or self._children(k)):
                raise ReplayError(
                    "migration-invalid",
                    "column must be added to child tables too",
                    sqlstate="42P16",
                )
            if inheritors and any(c.kind == "identity" for c in a.column.constraints):
                raise ReplayError(
                    "migration-invalid",
                    "cannot recursively add identity column to table that has child tables",
                    sqlstate="0A000",
                )
            self.add_column(k, a.column, [])
        elif isinstance(a, D.DropColumn):
            self.drop_column(k, a, only=only)
        elif isinstance(a, D.RenameColumn):
            self.rename_column(k, a.old, a.new, only=only)
        elif isinstance(a, D.RenameRelation):
            return self.rename_relation(k, a.new)
        elif isinstance(a, D.SetSchema):
            return self.move_relation(k, a.schema)
        elif isinstance(a, D.SetRowSecurity):
            if a.action == "enable":
                rel = _replace(rel, rls_enabled=True)
            elif a.action == "disable":
                rel = _replace(rel, rls_enabled=False)
            elif a.action == "force":
                rel = _replace(rel, rls_forced=True)
            else:
                rel = _replace(rel, rls_forced=False)
            st.relations[k] = rel
        elif isinstance(a, D.AddConstraint):
            self.add_constraint(k, a.constraint, [])
        elif isinstance(a, D.DropConstraint):
            self.drop_constraint(k, a.name, a.if_exists, a.cascade)
        elif isinstance(a, D.RenameConstraint):
            cons = rel.constraints
            if not any(c.name == a.old for c in cons):
                raise ReplayError(
                    "migration-unknown-constraint",
                    f'constraint "{a.old}" for table "{rel.name}" does not exist',
                )
            st.relations[k] = _replace(
                rel,
                constraints=tuple(_replace(c, name=a.new) if c.name == a.old else c for c in cons),
            )
            if (rel.schema, a.old) in st.indexes:
                st.set_index((rel.schema, a.new), st.indexes.pop((rel.schema, a.old)))
                self._rename_ref_index(k, a.old, a.new)
            self._register_constraint_name(rel.schema, a.new)
        elif isinstance(a, D.AttachPartition):
            ck = self.find_relation_key(a.child)
            if ck is None:
                raise ReplayError(
                    "migration-unknown-relation", f'relation "{".".join(a.child)}" does not exist'
                )
            child = st.relations[ck]
            if not a.detach:
                for extra in child.columns:
                    if rel.col(extra.name) is None:
                        raise ReplayError(
                            "migration-invalid",
                            f'table "{child.name}" contains column "{extra.name}"'
                            f' not found in parent "{rel.name}"',
                            sqlstate="42804",
                        )
                for pc in rel.columns:
                    cc = child.col(pc.name)
                    if cc is None:
                        raise ReplayError(
                            "migration-invalid",
                            f'child table is missing column "{pc.name}"',
                            sqlstate="42804",
                        )
                    if pc.not_null and not cc.not_null:
                        raise ReplayError(
                            "migration-invalid",
                            f'column "{pc.name}" in child table must be marked NOT NULL',
                            sqlstate="42804",
                        )
            if self.options.server_version >= 17 and any(c.identity for c in rel.columns):
                # Partitions share the parent's identity columns from 17 on:
                # attached, a partition takes them; detached, it loses them.
                inherited = {c.name: c.identity for c in rel.columns if c.identity}
                cols = tuple(
                    (
                        _replace(c, identity=None)
                        if a.detach
                        else _replace(c, identity=inherited[c.name], not_null=True)
                    )
                    if c.name in inherited
                    else c
                    for c in child.columns
                )
                child = _replace(child, columns=cols)
            st.relations[ck] = _replace(child, partition_of=None if a.detach else k)
            st.note_ref(k, ck)
            if not a.detach:
                # The partition gets the parent's keys (detached, it keeps them).
                self._clone_parent_constraints(ck)
        else:
            if isinstance(a, D.AlterColumnType):
                self._check_retype(k, a, only)
            self.alter_column(k, a, recurse=not only)
        return k

    def _check_retype(self, k: Key, a: D.AlterColumnType, only: bool) -> None:
        """ALTER COLUMN ... TYPE: what Postgres refuses before it changes
        anything. First (ATPrepAlterColumnType) an inherited column, and ONLY
        while children have the column; then (ATExecAlterColumnType, on the
        table and each child it recurses to) a column that a view, a policy,
        a trigger or another column's generation expression uses (0A000).
        Indexes and constraints on it are rebuilt: no error (foreign keys,
        re-added once the statement changed all its columns, may fail then:
        :meth:`_check_fks_of`)."""
        st = self.state
        rel = st.relations[k]
        if rel.kind in _VIEW_KINDS:
            raise ReplayError(
                "migration-invalid",
                "ALTER action ALTER COLUMN ... SET DATA TYPE cannot be performed on relation"
                f' "{rel.name}"'
                if self.options.server_version >= 15
                else f'"{rel.name}" is not a table, composite type, or foreign table',
                sqlstate="42809",  # wrong_object_type
            )
        name = a.name
        col = rel.col(name)
        if col is None:
            return  # alter_column reports it
        if col.inhcount or rel.partition_of is not None:
            raise ReplayError(
                "migration-invalid", f'cannot alter inherited column "{name}"', sqlstate="42P16"
            )
        if only and any(
            st.relations[c].col(name) is not None
            for c in (*self._children(k), *self._inheritors(k))
        ):
            raise ReplayError(
                "migration-invalid",
                f'type of inherited column "{name}" must be changed in child tables too',
                sqlstate="42P16",
            )
        todo = [k]
        seen = {k}
        while todo:
            tk = todo.pop(0)
            problem = self._retype_blocker(tk, name)
            if problem is not None:
                raise ReplayError("migration-invalid", problem, sqlstate="0A000")
            if not only:
                for child in (*self._children(tk), *self._inheritors(tk)):
                    if child not in seen and st.relations[child].col(name) is not None:
                        seen.add(child)
                        todo.append(child)

    def _check_fks_of(self, k: Key, columns: AbstractSet[str]) -> None:
        """The foreign keys that use or reference ``columns`` of ``k``, whose
        types changed, are added back (ATPostAlterTypeCleanup): each must
        still be implementable with the new types."""
        st = self.state
        for hk in dict.fromkeys((k, *st.referrers(k))):
            holder = st.relations[hk]
            for con in holder.constraints:
                if con.kind != "f" or con.ref is None:
                    continue
                if not (
                    (hk == k and not columns.isdisjoint(con.columns))
                    or (con.ref == k and not columns.isdisjoint(con.ref_columns))
                ):
                    continue
                ref = st.relations.get(con.ref)
                if ref is None:
                    continue
                for x, y in zip(con.columns, con.ref_columns, strict=False):
                    fc, pc = holder.col(x), ref.col(y)
                    if fc is not None and pc is not None:
                        _check_fk_types(con.name, pc.type, fc.type)

    def _retype_blocker(self, k: Key, name: str) -> str | None:
        """Why Postgres refuses to change the type of column ``name`` of
        ``k``, if it does: the first of its dependents (in pg_depend's order,
        which is about creation order: spans stand for it) that it cannot
        rebuild."""
        st = self.state
        rel = st.relations[k]
        dep: Dep = ("c", k[0], k[1], name)
        found: list[tuple[tuple[str, int, int], str]] = []
        for c in rel.columns:
            if c.generated and c.name != name and dep in c.default_deps:
                found.append((_span_order(c.span), "used by a generated column"))
        for hk in dict.fromkeys((k, *st.referrers(k))):
            holder = st.relations[hk]
            for kind, pname, deps in holder.expr_deps:
                if dep not in deps:
                    continue
                if kind == "view":
                    found.append((_span_order(holder.span), "used by a view or rule"))
                elif kind.startswith("policy"):
                    span = next((p.span for p in holder.policies if p.name == pname), None)
                    found.append((_span_order(span), "used in a policy definition"))
                elif kind == "trigger":
                    found.append((_span_order(None), "used in a trigger definition"))
        if not found:
            return None
        return "cannot alter type of a column " + min(found)[1]

    def alter_column(self, k: Key, a: D.Action, *, recurse: bool = True) -> None:
        st = self.state
        rel = st.relations[k]
        name = getattr(a, "name", "")
        col = rel.col(name)
        if col is None:
            raise ReplayError(
                "migration-unknown-column",
                f'column "{name}" of relation "{rel.name}" does not exist',
            )
        if isinstance(a, D.AlterColumnType):
            t, mods, ndims = self.resolve_type(a.type)
            # The default stays as it was analysed for the old type: Postgres
            # casts it to the new one implicitly, and implicit casts are not
            # printed ('x'::character varying stays when the column becomes
            # text).
            col = _replace(col, type=t, mods=mods, ndims=ndims)
        elif isinstance(a, D.SetDefault):
            col = _without_default(col) if a.expr is None else self._with_default(col, a.expr, rel)
        elif isinstance(a, D.SetNotNull):
            col = _replace(col, not_null=a.not_null)
        elif isinstance(a, D.SetIdentity):
            if a.action == "add":
                col = _replace(col, identity=a.kind, not_null=True)
                seq = self.choose_relation_name(rel.schema, rel.name, col.name, "seq")
                st.set_sequence(
                    (rel.schema, seq), SeqState(rel.schema, seq, (rel.schema, rel.name, col.name))
                )
            elif a.action == "set":
                if col.identity is None:
                    raise ReplayError(
                        "migration-invalid",
                        f'column "{col.name}" of relation "{rel.name}" is not an identity column',
                    )
                col = _replace(col, identity=a.kind)
            else:
                if col.identity is None:
                    if a.if_exists:
                        return
                    raise ReplayError(
                        "migration-invalid",
                        f'column "{col.name}" of relation "{rel.name}" is not an identity column',
                    )
                col = _replace(col, identity=None)
                for sk in st.sequences_owned_by(rel.key):
                    if st.sequences[sk].owned_by == (rel.schema, rel.name, col.name):
                        del st.sequences[sk]
        elif isinstance(a, D.DropExpression):
            col = _replace(
                col,
                generated=False,
                default=None,
                default_types=frozenset(),
                default_rels=frozenset(),
                default_deps=NO_DEPS,
            )
        self._set_col(k, self._touch_col(col))
        if recurse and not isinstance(a, D.SetIdentity):
            for child in (*self._children(k), *self._inheritors(k)):
                with contextlib.suppress(ReplayError):
                    self.alter_column(child, a)

    def drop_column(
        self, k: Key, a: D.DropColumn, *, only: bool = False, recursing: bool = False
    ) -> None:
        st = self.state
        rel = st.relations[k]
        col = rel.col(a.name)
        if col is None:
            if a.if_exists:
                return
            raise ReplayError(
                "migration-unknown-column",
                f'column "{a.name}" of relation "{rel.name}" does not exist',
            )
        if col.inhcount and not recursing:
            raise ReplayError(
                "migration-invalid",
                f'cannot drop inherited column "{a.name}"',
                sqlstate="42P16",
            )
        if only and self._children(k):
            raise ReplayError(
                "migration-invalid",
                "cannot drop column from only the partitioned table when partitions exist",
                sqlstate="42P16",
            )
        if not recursing:
            # What uses the column, or the columns of the partitions and
            # inheritance children that go with it (views, policies,
            # triggers, generated columns, foreign keys), needs CASCADE, and
            # then goes first.
            roots = self._column_roots(k, a.name, only)
            what = f"column {a.name} of table {rel.name}" if len(roots) == 1 else _SEVERAL
            self.drop_dependents(roots, a.cascade, what)
            rel = st.relations[k]
        cols = tuple(c for c in rel.columns if c.name != a.name)
        # Constraints and indexes on the column go with it.
        dropped = [c for c in rel.constraints if a.name in c.columns]
        cons = tuple(c for c in rel.constraints if a.name not in c.columns)
        st.relations[k] = _replace(rel, columns=cols, constraints=cons)
        for c in dropped:
            st.indexes.pop((rel.schema, c.name), None)
        # So do plain indexes on it.
        for ik in st.indexes_of(k):
            idx = st.index_defs.get(ik)
            if idx is not None and a.name in idx.columns:
                del st.index_defs[ik]
                del st.indexes[ik]
        for ok in st.referrers(k):
            other = st.relations.get(ok)
            if ok == k or other is None:
                continue
            fks = tuple(
                c
                for c in other.constraints
                if not (c.kind == "f" and c.ref == k and a.name in c.ref_columns)
            )
            if len(fks) != len(other.constraints):
                st.relations[ok] = _replace(other, constraints=fks)
            if k in other.deps and any(o[1] == k and o[2] == a.name for o in other.origins):
                self.drop_relation(ok)
        for sk in st.sequences_owned_by(rel.key):
            if st.sequences[sk].owned_by == (rel.schema, rel.name, a.name):
                del st.sequences[sk]
        for child in self._children(k):
            if st.relations[child].col(a.name) is not None:
                self.drop_column(child, a)
        # An inheritance child's column goes when this was its only source;
        # one the child declares itself, or inherits from another parent too,
        # stays (a local one with ONLY).
        for child in self._inheritors(k):
            cc = st.relations[child].col(a.name)
            if cc is None:
                continue
            if cc.inhcount <= 1 and not cc.islocal and not only:
                self.drop_column(child, a, recursing=True)
            else:
                inhcount = max(cc.inhcount - 1, 0)
                self._set_col(child, _replace(cc, inhcount=inhcount, islocal=cc.islocal or only))

    def _column_roots(self, k: Key, name: str, only: bool) -> list[Dep]:
        """DROP COLUMN: the column, and those of the partitions and
        inheritance children it takes with it (as :meth:`drop_column` recurses)."""
        st = self.state
        roots: list[Dep] = [("c", k[0], k[1], name)]
        todo = [(k, only)]
        while todo:
            pk, first_only = todo.pop()
            for child in self._children(pk):
                if st.relations[child].col(name) is not None:
                    roots.append(("c", child[0], child[1], name))
                    todo.append((child, False))
            for child in self._inheritors(pk):
                cc = st.relations[child].col(name)
                if cc is not None and cc.inhcount <= 1 and not cc.islocal and not first_only:
                    roots.append(("c", child[0], child[1], name))
                    todo.append((child, False))
        return roots

    def _fks_using_index(self, table: Key, index: str) -> list[tuple[Key, str]]:
        """The foreign keys (their table, their name) that use the unique
        index ``index`` of ``table`` (:attr:`ConState.ref_index`)."""
        st = self.state
        return [
            (hk, c.name)
            for hk in dict.fromkeys((table, *st.referrers(table)))
            for c in st.relations[hk].constraints
            if c.kind == "f" and c.ref == table and c.ref_index == index
        ]

    def _rename_ref_index(self, table: Key, old: str, new: str) -> None:
        """An index of ``table`` renamed: the foreign keys using it follow."""
        st = self.state
        for hk, _name in self._fks_using_index(table, old):
            rel = st.relations[hk]
            cons = tuple(
                _replace(c, ref_index=new)
                if c.kind == "f" and c.ref == table and c.ref_index == old
                else c
                for c in rel.constraints
            )
            st.relations[hk] = _replace(rel, constraints=cons)

    def _drop_fks_using_index(self, table: Key, index: str, cascade: bool, what: str) -> None:
        """The foreign keys that use an index a DROP takes: the statement
        fails without CASCADE (2BP01, a normal dependency), they go with it."""
        fks = self._fks_using_index(table, index)
        if fks and not cascade:
            raise _still_used(what)
        for hk, name in fks:
            self.drop_constraint(hk, name, True)

    def drop_constraint(self, k: Key, name: str, if_exists: bool, cascade: bool = True) -> None:
        st = self.state
        rel = st.relations[k]
        found = [c for c in rel.constraints if c.name == name]
        if not found:
            if if_exists:
                return
            raise ReplayError(
                "migration-unknown-constraint",
                f'constraint "{name}" of relation "{rel.name}" does not exist',
            )
        if found[0].kind in ("p", "u"):
            # Its index goes with it, and the foreign keys that use that.
            what = f"constraint {name} on table {self.relation_text(*k)}"
            self._drop_fks_using_index(k, name, cascade, what)
            rel = st.relations[k]
        st.relations[k] = _replace(
            rel, constraints=tuple(c for c in rel.constraints if c.name != name)
        )
        st.indexes.pop((rel.schema, name), None)
        for child in self._children(k):
            crel = st.relations[child]
            st.relations[child] = _replace(
                crel, constraints=tuple(c for c in crel.constraints if c.name != name)
            )

    def rename_column(
        self, k: Key, old: str, new: str, *, only: bool = False, recursing: bool = False
    ) -> None:
        st = self.state
        rel = st.relations[k]
        col = rel.col(old)
        if col is None:
            raise ReplayError("migration-unknown-column", f'column "{old}" does not exist')
        if col.inhcount and not recursing:
            raise ReplayError(
                "migration-invalid", f'cannot rename inherited column "{old}"', sqlstate="42P16"
            )
        children = (*self._children(k), *self._inheritors(k))
        if only and any(st.relations[c].col(old) is not None for c in children):
            raise ReplayError(
                "migration-invalid",
                f'inherited column "{old}" must be renamed in child tables too',
                sqlstate="42P16",
            )
        if rel.col(new) is not None:
            raise ReplayError(
                "migration-duplicate-object",
                f'column "{new}" of relation "{rel.name}" already exists',
            )
        cols = tuple(
            self._touch_col(_replace(c, name=new)) if c.name == old else c for c in rel.columns
        )
        cons = tuple(
            _replace(c, columns=tuple(new if x == old else x for x in c.columns))
            if old in c.columns
            else c
            for c in rel.constraints
        )
        st.relations[k] = _replace(rel, columns=cols, constraints=cons)
        for ik in st.indexes_of(k):
            idx = st.index_defs.get(ik)
            if idx is not None and old in idx.columns:
                columns = tuple(new if x == old else x for x in idx.columns)
                st.index_defs[ik] = _replace(idx, columns=columns)
        for ok in st.referrers(k):
            other = st.relations[ok]
            changed = False
            new_cons = []
            for c in other.constraints:
                if c.kind == "f" and c.ref == k and old in c.ref_columns:
                    c = _replace(
                        c, ref_columns=tuple(new if x == old else x for x in c.ref_columns)
                    )
                    changed = True
                new_cons.append(c)
            origins = other.origins
            if any(o[1] == k and o[2] == old for o in origins):
                origins = tuple(
                    (o[0], o[1], new if (o[1] == k and o[2] == old) else o[2]) for o in origins
                )
                changed = True
            if changed:
                st.relations[ok] = _replace(other, constraints=tuple(new_cons), origins=origins)
        for sk in st.sequences_owned_by(rel.key):
            s = st.sequences[sk]
            if s.owned_by == (rel.schema, rel.name, old):
                st.set_sequence(sk, _replace(s, owned_by=(rel.schema, rel.name, new)))
        # Dependencies on the column follow it.
        old_dep: Dep = ("c", k[0], k[1], old)
        new_dep: Dep = ("c", k[0], k[1], new)
        self._retarget_deps({k}, lambda d: new_dep if d == old_dep else d, [k, *st.referrers(k)])
        for child in children:
            if st.relations[child].col(old) is not None:
                self.rename_column(child, old, new, recursing=True)

    def rename_relation(self, k: Key, new: str) -> Key:
        st = self.state
        nk = (k[0], new)
        if nk in st.relations:
            raise ReplayError("migration-duplicate-object", f'relation "{new}" already exists')
        old_text = self._display.regclass_text(*k)
        rel = _replace(st.relations[k], name=new)
        st.relations = _rekey(st.relations, k, nk, rel)
        self._retarget(k, nk)
        self._follow_regclass([(k, nk, old_text)])
        self._retype(k, nk)  # its row type
        return nk

    def move_relation(self, k: Key, schema: str) -> Key:
        st = self.state
        if schema not in st.schemas:
            raise ReplayError("migration-unknown-schema", f'schema "{schema}" does not exist')
        nk = (schema, k[1])
        moves = [(k, nk, self._display.regclass_text(*k))]
        rel = _replace(st.relations[k], schema=schema)
        st.relations = _rekey(st.relations, k, nk, rel)
        # Owned sequences and indexes move with the table.
        for sk, s in list(st.sequences.items()):
            if s.owned_by is not None and (s.owned_by[0], s.owned_by[1]) == k:
                moves.append((sk, (schema, s.name), self._display.regclass_text(*sk)))
                del st.sequences[sk]
                st.set_sequence(
                    (schema, s.name), SeqState(schema, s.name, (schema, k[1], s.owned_by[2]))
                )
        for ik, table in list(st.indexes.items()):
            if table == k:
                del st.indexes[ik]
                st.set_index((schema, ik[1]), nk)
                if ik in st.index_defs:
                    st.index_defs[(schema, ik[1])] = st.index_defs.pop(ik)
        self._retarget(k, nk)
        self._follow_regclass(moves)
        self._retype(k, nk)  # its row type
        return nk

    def _retarget(self, old: Key, new: Key) -> None:
        """References by oid follow a renamed or moved relation."""
        st = self.state
        # Its indexes are its own under the new key (a move has re-keyed them).
        for ik in st.indexes_of(old):
            st.set_index(ik, new)
        st.rel_indexes.pop(old, None)
        # The moved relation's own targets now hear from it under its new key.
        moved = st.relations[new]
        for target in (
            {c.ref for c in moved.constraints if c.ref}
            | set(moved.deps)
            | ({moved.partition_of} if moved.partition_of else set())
            | set(moved.inherits)
        ):
            if target in st.refs:
                st.refs[target] = frozenset(new if x == old else x for x in st.refs[target])
        if old in st.refs:
            st.refs[new] = st.refs.pop(old) | st.refs.get(new, frozenset())
        for ok in st.referrers(new):
            other = st.relations[ok]
            changed = False
            cons = []
            for c in other.constraints:
                if c.ref == old:
                    c = _replace(c, ref=new)
                    changed = True
                cons.append(c)
            deps = other.deps
            origins = other.origins
            if old in deps:
                deps = frozenset(new if d == old else d for d in deps)
                origins = tuple((o[0], new if o[1] == old else o[1], o[2]) for o in origins)
                changed = True
            part = other.partition_of
            if part == old:
                part = new
                changed = True
            inherits = other.inherits
            if old in inherits:
                inherits = tuple(new if p == old else p for p in inherits)
                changed = True
            view_base = new if other.view_base == old else other.view_base
            if changed or view_base != other.view_base:
                st.relations[ok] = _replace(
                    other,
                    constraints=tuple(cons),
                    deps=deps,
                    origins=origins,
                    partition_of=part,
                    inherits=inherits,
                    view_base=view_base,
                )
        for sk in st.sequences_owned_by(old):
            s = st.sequences[sk]
            assert s.owned_by is not None
            st.set_sequence(sk, _replace(s, owned_by=(new[0], new[1], s.owned_by[2])))
        # Dependencies on it (its columns, its row type) follow; what its own
        # expressions name hears from it under its new key.
        self._retarget_deps({old}, lambda d: _moved_dep(d, old, new), [new, *st.referrers(new)])
        for _kind, _name, named in st.relations[new].expr_deps:
            for target in {_dep_key(d) for d in named}:
                if old in st.refs.get(target, ()):
                    st.refs[target] = frozenset(new if x == old else x for x in st.refs[target])

    # ---------------------------------------------------------------- sequences

    def op_CreateSequence(self, op: D.CreateSequence) -> None:
        schema, name = self.creation_schema(op.name)
        k = (schema, name)
        if k in self.state.sequences or k in self.state.relations or k in self.state.indexes:
            if op.if_not_exists:
                return
            raise ReplayError("migration-duplicate-object", f'relation "{name}" already exists')
        self.state.set_sequence(k, SeqState(schema, name))
        if op.owned_by is not None:
            self._own_sequence(k, op.owned_by)

    def op_AlterSequence(self, op: D.AlterSequence) -> None:
        k = self._find_in_path(op.name, self.state.sequences)
        if k is None:
            if op.if_exists:
                return
            raise ReplayError(
                "migration-unknown-relation", f'relation "{".".join(op.name)}" does not exist'
            )
        if op.owned_by is not None:
            self._own_sequence(k, op.owned_by)

    def _own_sequence(self, k: Key, owned_by: D.QName) -> None:
        if owned_by == ("",) or owned_by == ("none",):
            self.state.set_sequence(k, _replace(self.state.sequences[k], owned_by=None))
            return
        rel = self.relation(owned_by[:-1])
        assert rel is not None
        self.state.set_sequence(
            k, _replace(self.state.sequences[k], owned_by=(rel.schema, rel.name, owned_by[-1]))
        )

    # ---------------------------------------------------------------- types

    def _new_type_key(self, name: D.QName) -> Key:
        schema, tname = self.creation_schema(name)
        k = (schema, tname)
        existing = self.state.types.get(k)
        if (existing is not None and existing.kind != "shell") or k in self.state.relations:
            raise ReplayError("migration-duplicate-object", f'type "{tname}" already exists')
        return k

    def op_CreateEnum(self, op: D.CreateEnum) -> None:
        k = self._new_type_key(op.name)
        for label in op.labels:
            _check_enum_label(label)
        self.state.types[k] = TypeState(k[0], k[1], "enum", labels=op.labels, span=self.span)
        self._tx_enums.add(k)

    def op_CreateComposite(self, op: D.CreateComposite) -> None:
        k = self._new_type_key(op.name)
        attrs = tuple((n, *self.resolve_type(tn)[:2]) for n, tn in op.attributes)
        self.state.types[k] = TypeState(k[0], k[1], "composite", attributes=attrs, span=self.span)

    def op_CreateOtherType(self, op: D.CreateOtherType) -> None:
        schema, tname = self.creation_schema(op.name)
        k = (schema, tname)
        if op.kind == "shell" and k in self.state.types:
            return
        if op.kind == "range":
            self._create_range(k, op)
            return
        self.state.types[k] = TypeState(schema, tname, op.kind, span=self.span)

    def _create_range(self, k: Key, op: D.CreateOtherType) -> None:
        """CREATE TYPE ... AS RANGE: the range, its constructor functions
        and, since Postgres 14, its multirange type and that one's."""
        st = self.state
        subtype = self.resolve_type(op.subtype)[0] if op.subtype is not None else None
        mk: Key | None = None
        if self.options.server_version >= 14:
            if op.multirange is not None:
                mk = self.creation_schema(op.multirange)
            else:
                # makeMultirangeTypeName
                at = k[1].find("range")
                mname = (
                    f"{k[1][:at]}multi{k[1][at:]}"
                    if at >= 0
                    else _truncate(k[1], NAMEDATALEN - 12) + "_multirange"
                )
                mk = (k[0], _truncate(mname, NAMEDATALEN - 1))
            if mk in st.types or mk in st.relations:
                raise ReplayError("migration-duplicate-object", f'type "{mk[1]}" already exists')
        st.types[k] = TypeState(*k, "range", base=subtype, multirange=mk, span=self.span)
        if mk is not None:
            st.types[mk] = TypeState(*mk, "multirange", span=self.span)
        for fk, fs in self._range_constructors(k):
            st.functions[fk] = _replace(fs, span=self.span)
            st.fn_added(fk)

    def _range_constructors(self, k: Key) -> list[tuple[FnKey, FuncState]]:
        """The functions Postgres makes with range ``k``: ``name(lower,
        upper[, bounds])`` and, with a multirange, ``mname()``,
        ``mname(range)`` and ``mname(VARIADIC range[])``."""
        ts = self.state.types.get(k)
        if ts is None or ts.kind != "range" or ts.base is None:
            return []
        rng = PgType(k[0], k[1], "range", "R")
        sub = ts.base
        made = [
            (k, (sub, sub), rng, "range_constructor2"),
            (k, (sub, sub, builtin("text")), rng, "range_constructor3"),
        ]
        if ts.multirange is not None:
            # In the range's schema, wherever the multirange type went.
            multi = PgType(*ts.multirange, "multirange", "R")
            mk = (k[0], ts.multirange[1])
            made += [
                (mk, (), multi, "multirange_constructor0"),
                (mk, (rng,), multi, "multirange_constructor1"),
                (mk, (rng.array_of(),), multi, "multirange_constructor2"),
            ]
        out = []
        for (schema, name), args, result, body in made:
            mode = "variadic" if body == "multirange_constructor2" else "in"
            fs = FuncState(
                schema,
                name,
                tuple(ArgState(mode, "", a) for a in args),
                result,
                False,
                None,
                "internal",
                "immutable",
                False,
                0.0,
                body,
            )
            out.append((self._func_key(schema, name, args), fs))
        return out

    def op_CreateDomain(self, op: D.CreateDomain) -> None:
        k = self._new_type_key(op.name)
        base, mods, _ = self.resolve_type(op.base)
        ts = TypeState(
            k[0], k[1], "domain", base=base, base_mods=mods, not_null=op.not_null, span=self.span
        )
        self.state.types[k] = ts
        dtype = self.pgtype(k)
        assert dtype is not None
        exprs: tuple[tuple[str, str, frozenset[Dep]], ...] = ()
        try:
            if op.default is not None:
                default, deps = self._analyze_domain_default(op.default, base, mods)
                ts = _replace(ts, default=default)
                exprs = _set_expr_deps(exprs, "default", "", deps)
            checks = []
            for cname, expr in op.checks:
                name = cname or self.choose_constraint_name(k[0], k[1], "", "check")
                self._register_constraint_name(k[0], name)
                text, deps = self._analyze_domain_check(expr, dtype)
                checks.append((name, text))
                exprs = _set_expr_deps(exprs, "check", name, deps)
        except (ReplayError, Undefined) as exc:
            del self.state.types[k]  # the statement fails as a whole
            if isinstance(exc, Undefined):
                raise _failure(exc) from None
            raise
        self.state.types[k] = _replace(ts, checks=tuple(checks), expr_deps=exprs)

    def _analyze_domain_default(
        self, expr: E.Node, base: PgType, mods: tuple[str, ...]
    ) -> tuple[str | None, frozenset[Dep]]:
        default, types, rels, deps, _stored_tree = self.analyze_default_deps(expr, base, mods, None)
        tagged = frozenset((*deps, *(("t", *k) for k in types), *(("r", *k) for k in rels)))
        return default, tagged

    def _analyze_domain_check(self, expr: E.Node, dtype: PgType) -> tuple[str, frozenset[Dep]]:
        """A domain's check constraint as Postgres prints it, and what it
        depends on (the domain itself aside)."""
        a = self.analyzer(dtype.base_type() if dtype.base is not None else dtype)
        a.domain_type = (
            PgType(
                dtype.schema,
                dtype.name,
                "domain",
                dtype.category,
                base=dtype.base,
                base_mods=dtype.base_mods,
            ).base_type()
            if False
            else (dtype.base or dtype)
        )
        typed = a.coerce(a.expr(expr, None), builtin("bool"))
        text = Printer(self._display, pretty=True).render(typed)
        own = ("t", dtype.schema, dtype.name)
        deps = frozenset(d for d in dependencies(typed) if d != own)
        # pg_get_constraintdef(pretty) prints CHECK (expr): the catalog keeps "(expr)".
        return _pretty_check(text), deps

    def op_AlterDomain(self, op: D.AlterDomain) -> None:
        k = self.find_type_key(op.name)
        ts = self.state.types.get(k) if k else None
        if ts is None or ts.kind != "domain" or k is None:
            raise ReplayError(
                "migration-unknown-type", f'type "{".".join(op.name)}" does not exist'
            )
        if op.action == "set default" and op.expr is not None:
            assert ts.base is not None
            default, deps = self._analyze_domain_default(op.expr, ts.base, ts.base_mods)
            exprs = _set_expr_deps(ts.expr_deps, "default", "", deps)
            ts = _replace(ts, default=default, expr_deps=exprs)
        elif op.action == "drop default":
            ts = _replace(
                ts, default=None, expr_deps=_set_expr_deps(ts.expr_deps, "default", "", None)
            )
        elif op.action == "set not null":
            ts = _replace(ts, not_null=True)
        elif op.action == "drop not null":
            ts = _replace(ts, not_null=False)
        elif op.action == "add check" and op.expr is not None:
            dtype = self.pgtype(k)
            assert dtype is not None
            name = op.constraint or self.choose_constraint_name(k[0], k[1], "", "check")
            self._register_constraint_name(k[0], name)
            text, deps = self._analyze_domain_check(op.expr, dtype)
            ts = _replace(
                ts,
                checks=(*ts.checks, (name, text)),
                expr_deps=_set_expr_deps(ts.expr_deps, "check", name, deps),
            )
        elif op.action == "drop constraint":
            ts = _drop_type_part(ts, "domain check", op.constraint or "")
        elif op.action == "rename constraint":
            ts = _replace(
                ts,
                checks=tuple((op.new if c[0] == op.constraint else c[0], c[1]) for c in ts.checks),
                expr_deps=tuple(
                    (kind, op.new if kind == "check" and n == op.constraint else n, deps)
                    for kind, n, deps in ts.expr_deps
                ),
            )
        elif op.action in ("rename", "set schema"):
            self._rename_type(
                k,
                op.new if op.action == "rename" else k[1],
                op.new if op.action == "set schema" else k[0],
            )
            return
        if self.span is not None:
            ts = _replace(ts, altered=(*ts.altered, self.span))
        self.state.types[k] = ts

    def op_AlterType(self, op: D.AlterType) -> None:
        st = self.state
        k = self.find_type_key(op.name)
        ts = st.types.get(k) if k else None
        if k is not None and ts is None and k in st.relations and op.action in ("rename",):
            self.rename_relation(k, op.other)
            return
        if ts is None or k is None:
            raise ReplayError(
                "migration-unknown-type", f'type "{".".join(op.name)}" does not exist'
            )
        if op.action == "add value":
            if ts.kind != "enum":
                raise ReplayError("migration-invalid", f'"{ts.name}" is not an enum')
            _check_enum_label(op.value)
            if op.value in ts.labels:
                if op.if_not_exists:
                    return
                raise ReplayError(
                    "migration-duplicate-object", f'enum label "{op.value}" already exists'
                )
            labels = list(ts.labels)
            if op.position:
                if op.other not in labels:
                    raise ReplayError(
                        "migration-invalid", f'"{op.other}" is not an existing enum label'
                    )
                i = labels.index(op.other)
                labels.insert(i if op.position == "before" else i + 1, op.value)
            else:
                labels.append(op.value)
            ts = _replace(ts, labels=tuple(labels))
            self._tx_labels[k] = self._tx_labels.get(k, frozenset()) | {op.value}
        elif op.action == "rename value":
            if op.value not in ts.labels:
                raise ReplayError(
                    "migration-invalid", f'"{op.value}" is not an existing enum label'
                )
            ts = _replace(ts, labels=tuple(op.other if x == op.value else x for x in ts.labels))
            new = self._tx_labels.get(k)
            if new is not None and op.value in new:
                self._tx_labels[k] = (new - {op.value}) | {op.other}
            self._follow_relabel(k, op.value, op.other)
        elif op.action in ("rename", "set schema"):
            self._rename_type(
                k,
                op.other if op.action == "rename" else k[1],
                op.other if op.action == "set schema" else k[0],
            )
            return
        elif op.action.endswith(" attribute"):
            self._alter_attributes(k, op)
            return
        if self.span is not None:
            ts = _replace(ts, altered=(*ts.altered, self.span))
        st.types[k] = ts

    def _alter_attributes(self, k: Key, op: D.AlterType) -> None:
        """ALTER TYPE ... ADD / DROP / ALTER / RENAME ATTRIBUTE (a list of the
        first three, all or nothing): the composite type changes, and with
        CASCADE so do the tables created OF it."""
        saved = self.state.copy()
        try:
            for action in (op, *op.more):
                self._alter_attribute(k, action)
        except ReplayError:
            self.state = saved
            raise
        ts = self.state.types[k]
        if self.span is not None:
            self.state.types[k] = _replace(ts, altered=(*ts.altered, self.span))

    def _alter_attribute(self, k: Key, a: D.AlterType) -> None:
        st = self.state
        ts = st.types[k]
        if ts.kind != "composite":
            raise ReplayError(
                "migration-invalid", f'"{ts.name}" is not a composite type', sqlstate="42809"
            )
        names = [n for n, _t, _m in ts.attributes]
        if a.action == "alter attribute":
            if a.value not in names:
                raise ReplayError(
                    "migration-unknown-column",
                    f'column "{a.value}" of relation "{ts.name}" does not exist',
                )
            self._check_type_unused(k, ts.name)
        typed = [rk for rk, rel in st.relations.items() if rel.of_type == k]
        if typed and not a.cascade:
            raise ReplayError(
                "migration-invalid",
                f'cannot alter type "{ts.name}" because it is the type of a typed table',
                sqlstate="2BP01",  # dependent_objects_still_exist
            )
        attrs = ts.attributes
        if a.action == "add attribute":
            assert a.type is not None
            if a.value in names:
                raise ReplayError(
                    "migration-duplicate-object",
                    f'column "{a.value}" of relation "{ts.name}" already exists',
                )
            t, mods, _dims = self.resolve_type(a.type)
            attrs = (*attrs, (a.value, t, mods))
            for rk in typed:
                self.add_column(rk, D.ColumnDef(a.value, a.type), [])
        elif a.action == "drop attribute":
            if a.value not in names:
                if a.if_not_exists:
                    return
                raise ReplayError(
                    "migration-unknown-column",
                    f'column "{a.value}" of relation "{ts.name}" does not exist',
                )
            attrs = tuple(x for x in attrs if x[0] != a.value)
            for rk in typed:
                self.drop_column(rk, D.DropColumn(a.value, cascade=True))
        elif a.action == "alter attribute":
            assert a.type is not None
            t, mods, _dims = self.resolve_type(a.type)
            attrs = tuple((n, t, mods) if n == a.value else (n, at, am) for n, at, am in attrs)
            for rk in typed:
                self.alter_column(rk, D.AlterColumnType(a.value, a.type))
        else:
            if a.value not in names:
                raise ReplayError("migration-unknown-column", f'column "{a.value}" does not exist')
            if a.other in names:
                raise ReplayError(
                    "migration-duplicate-object",
                    f'column "{a.other}" of relation "{ts.name}" already exists',
                )
            attrs = tuple((a.other if n == a.value else n, at, am) for n, at, am in attrs)
            for rk in typed:
                self.rename_column(rk, a.value, a.other)
        st.types[k] = _replace(st.types[k], attributes=attrs)

    def _check_type_unused(self, k: Key, name: str) -> None:
        """ALTER ATTRIBUTE ... TYPE fails while a table column stores the
        composite type (or an array or domain of it)."""
        for rel in self.state.relations.values():
            if rel.kind not in ("table", "partitioned_table", "materialized_view"):
                continue
            for c in rel.columns:
                t = c.type.base_type()
                t = t.elem.base_type() if t.elem is not None else t
                if (t.schema, t.name) == k:
                    raise ReplayError(
                        "migration-invalid",
                        f'cannot alter type "{name}" because column "{rel.name}.{c.name}" uses it',
                        sqlstate="0A000",  # feature_not_supported
                    )

    def _rename_type(self, k: Key, new_name: str, new_schema: str) -> None:
        st = self.state
        nk = (new_schema, new_name)
        if nk in st.types:
            raise ReplayError("migration-duplicate-object", f'type "{new_name}" already exists')
        ts = st.types[k]
        alt = (*ts.altered, self.span) if self.span else ts.altered
        st.types = _rekey(
            st.types, k, nk, _replace(ts, schema=new_schema, name=new_name, altered=alt)
        )
        self._retype(k, nk)
        # So do the dependencies on it.
        self._retarget_deps({k}, lambda d: _moved_dep(d, k, nk) if d[0] == "t" else d)
        self._follow_type_rename(k, nk)

    def _retype(self, k: Key, nk: Key) -> None:
        """The type ``k`` (a relation's row type too) is now ``nk``: columns,
        attributes and domains, which refer to types by oid, follow."""
        st = self.state

        def fix(t: PgType) -> PgType:
            if (t.schema, t.name) == k:
                return _replace(t, schema=nk[0], name=nk[1])
            if t.elem is not None and (t.elem.schema, t.elem.name) == k:
                return _replace(
                    t,
                    elem=_replace(t.elem, schema=nk[0], name=nk[1]),
                    schema=nk[0],
                    name="_" + nk[1],
                )
            return t

        for rk, rel in list(st.relations.items()):
            cols = tuple(_replace(c, type=fix(c.type)) for c in rel.columns)
            if rel.of_type == k:
                st.relations[rk] = rel = _replace(rel, of_type=nk)
            if cols != rel.columns:
                st.relations[rk] = _replace(rel, columns=cols)
        for tk, other in list(st.types.items()):
            attrs = tuple((n, fix(t), m) for n, t, m in other.attributes)
            base = fix(other.base) if other.base is not None else None
            if attrs != other.attributes or base != other.base:
                st.types[tk] = _replace(other, attributes=attrs, base=base)

    def _follow_type_rename(self, old: Key, new: Key) -> None:
        """A type renamed or moved: the defaults and policies that cast to
        it print its new name (in its cast, ``'yes'::vote_type``), as
        Postgres, which stores the oid, does. They were printed with the old
        name, qualified or not; the new one is qualified when not visible."""
        st = self.state
        new_t = self.pgtype(new)
        if new_t is None:
            return
        old_name = re.escape(quote_ident(old[1]))
        cast = re.compile(rf"::(?:{re.escape(quote_ident(old[0]))}\.)?{old_name}(?![\w$\"])")
        printed = "::" + format_type(new_t, (), self._display.type_visible)

        def follow(text: str | None) -> str | None:
            return cast.sub(lambda _m: printed, text) if text else text

        dep = ("t", *new)
        for rk, rel in list(st.relations.items()):
            cols = tuple(
                _replace(c, default=follow(c.default)) if new in c.default_types else c
                for c in rel.columns
            )
            policies = rel.policies
            if any(dep in deps for kind, _n, deps in rel.expr_deps if kind == "policy"):
                policies = tuple(
                    _replace(p, using=follow(p.using), check=follow(p.check)) for p in policies
                )
            if cols != rel.columns or policies != rel.policies:
                st.relations[rk] = _replace(rel, columns=cols, policies=policies)

    # ---------------------------------------------------------------- views

    def op_CreateView(self, op: D.CreateView) -> None:
        st = self.state
        schema, name = self.creation_schema(op.name)
        k = (schema, name)
        kind: RelationKind = "materialized_view" if op.materialized else "view"
        existing = st.relations.get(k)
        if existing is not None and op.if_not_exists:
            return
        tq: TQuery | None = None
        problem = op.query_error
        if op.query is not None:
            try:
                tq = self.analyzer().query(op.query, None)
            except RenderError as exc:
                if isinstance(exc, Undefined):
                    raise _failure(exc) from None  # before the name is checked, as in Postgres
                problem = str(exc)
        if existing is not None and (not op.replace or existing.kind != "view"):
            raise ReplayError("migration-duplicate-object", f'relation "{name}" already exists')
        if tq is None:
            self._create_view_with_sqlglot(op, k, kind, existing, problem)
            return
        targets = tq.targets
        specs: list[tuple[str, PgType, tuple[str, ...]]] = []
        origins: list[tuple[str, Key, str]] = []
        names = list(op.columns)
        seen: set[str] = set()
        for i, t in enumerate(targets):
            cname = names[i] if i < len(names) else t.name
            if cname in seen:
                raise ReplayError(
                    "migration-duplicate-object", f'column "{cname}" specified more than once'
                )
            seen.add(cname)
            ty = t.expr.type
            if ty.is_builtin and ty.name == "unknown":
                ty = builtin("text")
            specs.append((cname, ty, t.expr.mods))
            if t.origin is not None:
                origins.append((cname, (t.origin[0], t.origin[1]), t.origin[2]))
        deps = frozenset(_query_deps(tq))
        base, updatable_cols = _auto_updatable(tq, st) if kind == "view" else (None, set())
        updatable_names = {names[i] if i < len(names) else targets[i].name for i in updatable_cols}
        cols = [
            ColState(
                cname,
                ty,
                mods,
                0,
                span=self.span,
                updatable=kind == "view" and cname in updatable_names,
            )
            for cname, ty, mods in specs
        ]
        view_updatable = False
        if base is not None and updatable_cols:
            b = st.relations.get(base)
            view_updatable = b is not None and (
                b.kind in ("table", "partitioned_table") or (b.kind == "view" and b.view_updatable)
            )
        rel = RelState(
            schema,
            name,
            kind,
            tuple(cols),
            deps=deps,
            origins=tuple(origins),
            view_updatable=view_updatable,
            view_base=base,
            span=self.span,
            expr_deps=(("view", "", dependencies(tq)),),
        )
        if existing is not None:
            # CREATE OR REPLACE VIEW keeps the oid (position), comment, policies.
            rel = _replace(
                rel,
                comment=existing.comment,
                span=existing.span,
                altered=(*existing.altered, self.span) if self.span else existing.altered,
                columns=tuple(
                    _replace(c, comment=old.comment, span=old.span)
                    if (old := existing.col(c.name))
                    else c
                    for c in rel.columns
                ),
                triggers=existing.triggers,
                expr_deps=(*rel.expr_deps, *(e for e in existing.expr_deps if e[0] != "view")),
            )
        st.relations[k] = rel
        for d in deps:
            st.note_ref(d, k)
        self._note_deps(k, rel.expr_deps[0][2])

    def _create_view_with_sqlglot(
        self,
        op: D.CreateView,
        k: Key,
        kind: RelationKind,
        existing: RelState | None,
        problem: str,
    ) -> None:
        """A view whose query pgdrift's own analysis does not cover: its
        columns come from sqlglot's optimizer (qualify + annotate_types)
        against the schema built so far; their types are approximate."""
        st = self.state
        st.vague = st.vague | {k}  # whether made or not, its columns are not known for sure
        columns = sqlglot_view_columns(op.query_sql, self)
        if columns is None:
            raise ReplayError(
                "migration-unresolved", f"view query not understood: {problem}", "warning"
            )
        names = list(op.columns)
        # sqlglot names unnamed outputs _col_N: the query's own targets name
        # them as Postgres does (FigureColname), when they can be matched.
        own = _target_names(op.query) if op.query is not None else None
        if own is not None and len(own) == len(columns):
            columns = [(n, t, mods) for n, (_c, t, mods) in zip(own, columns, strict=True)]
        cols = []
        for i, (cname, t, mods) in enumerate(columns):
            # Like the view itself (view_updatable's default), its columns
            # are taken as not updatable: queries this far from the analysis
            # seldom are.
            name = names[i] if i < len(names) else cname
            cols.append(ColState(name, t, mods, 0, span=self.span, updatable=False))
        rel = RelState(k[0], k[1], kind, tuple(cols), span=self.span)
        if existing is not None:
            rel = _replace(rel, comment=existing.comment, span=existing.span)
        self.state.relations[k] = rel
        self.issue(
            "migration-unresolved",
            f"view {k[1]}: {problem}; columns inferred with sqlglot, types may be approximate",
            "info",
        )

    # ---------------------------------------------------------------- functions

    def _func_key(
        self, schema: str, name: str, arg_types: Sequence[PgType]
    ) -> tuple[str, str, tuple[Key, ...]]:
        return (schema, name, tuple((t.schema, t.name) for t in arg_types))

    def op_CreateFunction(self, op: D.CreateFunction) -> None:
        st = self.state
        schema, name = self.creation_schema(op.name)
        args: list[ArgState] = []
        for fa in op.args:
            t, mods, _ = self.resolve_type(fa.type)
            default = None
            if fa.default is not None:
                default = self._render_arg_default(fa.default, t, mods)
            args.append(ArgState(fa.mode, fa.name, t, default))
        table_cols: tuple[tuple[str, PgType], ...] | None = None
        if op.returns_table is not None:
            table_cols = tuple((n, self.resolve_type(tn)[0]) for n, tn in op.returns_table)
            result = builtin("record") if len(table_cols) != 1 else table_cols[0][1]
            retset = True
        elif op.returns is not None:
            result = self.resolve_type(op.returns)[0]
            retset = op.setof
        else:
            outs = [a for a in args if a.mode in ("out", "inout")]
            if op.procedure:
                result = builtin("void") if not outs else builtin("record")
            elif len(outs) == 1:
                result = outs[0].type
            elif outs:
                result = builtin("record")
            else:
                raise ReplayError("migration-invalid", "function result type must be specified")
            retset = False
        body = op.body or ""
        if op.link_symbol is not None:
            body = op.link_symbol
        if op.language in ("internal",) and not body:
            body = name
        rows = op.rows if op.rows is not None else (1000.0 if retset else 0.0)
        fs = FuncState(
            schema,
            name,
            tuple(args),
            result,
            retset,
            table_cols,
            op.language,
            op.volatility,
            op.security_definer,
            rows,
            body,
            op.procedure,
            span=self.span,
        )
        key = self._func_key(
            schema, name, [a.type for a in args if a.mode in ("in", "inout", "variadic")]
        )
        existing = st.functions.get(key)
        if existing is not None:
            if not op.replace:
                raise ReplayError(
                    "migration-duplicate-object",
                    f'function "{name}" already exists with same argument types',
                )
            if existing.aggregate:
                raise ReplayError(
                    "migration-invalid", "cannot change routine kind", sqlstate="42809"
                )
        self._store_routine(key, fs, existing)

    def _render_arg_default(self, expr: E.Node, t: PgType, mods: tuple[str, ...]) -> str:
        a = self.analyzer()
        typed = a.coerce(a.expr(expr, None), t, (), "a")
        p = self.printer()
        return p.render(typed)

    def find_function(
        self, ref: D.FuncRef, *, procedure: bool = False
    ) -> tuple[str, str, tuple[Key, ...]] | None:
        st = self.state
        schemas = [ref.name[-2]] if len(ref.name) >= 2 else self.effective_path()
        fname = ref.name[-1]
        if ref.args is None:
            found = [k for k in st.functions if k[1] == fname and k[0] in schemas]
            if len(found) > 1:
                raise ReplayError("migration-ambiguous", f'function name "{fname}" is not unique')
            return found[0] if found else None
        types = tuple(self.resolve_type(tn)[0] for tn in ref.args)
        for schema in schemas:
            k = self._func_key(schema, fname, types)
            if k in st.functions:
                return k
        return None

    def op_DropFunction(self, op: D.DropFunction) -> None:
        # The functions named go together, after what depends on them.
        keys: dict[FnKey, str] = {}
        for ref in op.items:
            try:
                k = self.find_function(ref)
            except ReplayError:
                if op.if_exists:
                    continue
                raise
            if k is None:
                if not op.if_exists:
                    raise ReplayError(
                        "migration-unknown-function",
                        f"function {'.'.join(ref.name)} does not exist",
                    )
                continue
            fs = self.state.functions[k]
            args = ", ".join(self.fmt_type(a.type, ()) for a in fs.args if a.mode != "out")
            if fs.aggregate:
                raise ReplayError(
                    "migration-invalid",
                    f'"{".".join(ref.name)}" is an aggregate function',
                    sqlstate="42809",
                )
            keys[k] = f"{'procedure' if fs.procedure else 'function'} {'.'.join(ref.name)}({args})"
        self._drop_routines(keys, op.cascade)

    def _move_function(self, k: FnKey, schema: str, name: str) -> None:
        """The function ``k`` renamed or moved; what calls it follows."""
        st = self.state
        fs = st.functions[k]
        nf = _replace(
            fs,
            schema=schema,
            name=name,
            altered=(*fs.altered, self.span) if self.span else fs.altered,
        )
        st.functions = _rekey(st.functions, k, (schema, name, k[2]), nf)
        st.touch_functions()
        old_dep: Dep = ("f", *k)
        new_dep: Dep = ("f", schema, name, k[2])
        self._retarget_deps({(k[0], k[1])}, lambda d: new_dep if d == old_dep else d)

    def op_AlterFunction(self, op: D.AlterFunction) -> None:
        st = self.state
        k = self.find_function(op.func)
        if k is None:
            raise ReplayError(
                "migration-unknown-function", f"function {'.'.join(op.func.name)} does not exist"
            )
        fs = st.functions[k]
        if op.rename is not None or op.set_schema is not None:
            self._move_function(k, op.set_schema or fs.schema, op.rename or fs.name)
            return
        if op.volatility is not None:
            fs = _replace(fs, volatility=op.volatility)
        if op.security_definer is not None:
            fs = _replace(fs, security_definer=op.security_definer)
        if op.rows is not None:
            fs = _replace(fs, rows=op.rows)
        if self.span is not None:
            fs = _replace(fs, altered=(*fs.altered, self.span))
        st.functions[k] = fs

    def _support_function(
        self, name: D.QName, want: Sequence[PgType]
    ) -> tuple[FnKey | None, set[PgType]] | None:
        """An aggregate's support function ``name`` taking ``want``: the key
        of the state's function when that is it, and the result types it may
        have (one when a function of exactly these arguments is found, in
        search-path order; else those of every function of that name,
        builtins included). None when nothing of that name exists."""
        st = self.state
        fname = name[-1]
        schemas = [name[-2]] if len(name) >= 2 else [PG_CATALOG, *self.effective_path()]
        exact = self._func_key("", "", want)[2]
        results: set[PgType] = set()
        for schema in schemas:
            if schema == PG_CATALOG:
                for p in builtins().procs.get(fname, ()):
                    known = builtin_type(p.result) is not None
                    t = builtin(p.result) if known else builtin("internal")
                    plain = p.kind == "f" and not p.variadic and not p.ndefaults and known
                    if plain and tuple((PG_CATALOG, a) for a in p.args) == exact:
                        return None, {t}
                    results.add(t)
            for k in st.functions_named(schema, fname):
                fs = st.functions[k]
                if fs.procedure or fs.aggregate:
                    continue
                if k[2] == exact:
                    return k, {fs.result}
                results.add(fs.result)
        return (None, results) if results else None

    def op_CreateAggregate(self, op: D.CreateAggregate) -> None:
        """An aggregate, modelled as far as views and policies calling it
        need (a function of kind "a"). Its result is the final function's,
        else the state type; when that is not certain (a polymorphic or
        overloaded final function, support functions pgdrift does not know)
        the aggregate is left out and its name may exist (``opaque``)."""
        st = self.state
        schema, name = self.creation_schema(op.name)
        args = [ArgState("in", fa.name, self.resolve_type(fa.type)[0]) for fa in op.args]
        stype = self.resolve_type(op.stype)[0]
        uses: list[FnKey] = []
        aggregated = args if op.order_by is None else args[op.order_by :]
        found = self._support_function(op.sfunc, [stype, *(a.type for a in aggregated)])
        extra = [a.type for a in args] if op.final_extra else []
        final = (
            self._support_function(op.finalfunc, [stype, *extra])
            if op.finalfunc is not None
            else None
        )
        result = stype
        certain = found is not None
        if found is not None and found[0] is not None:
            uses.append(found[0])
        if op.finalfunc is not None:
            if final is None or len(final[1]) != 1:
                certain = False
            else:
                result = next(iter(final[1]))
                if final[0] is not None:
                    uses.append(final[0])
        poly_args = any(is_poly(a.type) for a in args)
        if (
            not certain
            or (is_poly(result) and not poly_args)
            or (result.is_builtin and result.name in ("internal", "record", "any"))
        ):
            sfunc_args = [stype, *(a.type for a in aggregated)]
            missing = next(
                (
                    (n, want)
                    for n, f, want in (
                        (op.sfunc, found, sfunc_args),
                        (op.finalfunc, final, [stype, *extra]),
                    )
                    if n and f is None
                ),
                None,
            )
            if missing is not None and self.knows_all("function", tuple(missing[0])):
                text = ", ".join(self.fmt_type(t, ()) for t in missing[1])
                raise ReplayError(
                    "migration-unknown-function",
                    f"function {'.'.join(missing[0])}({text}) does not exist",
                )
            st.opaque = True  # an aggregate of that name exists, unmodelled
            return
        fs = FuncState(
            schema,
            name,
            tuple(args),
            result,
            False,
            None,
            "internal",
            "immutable",
            False,
            0.0,
            "",
            span=self.span,
            aggregate=True,
            uses=tuple(dict.fromkeys(uses)),
        )
        key = self._func_key(schema, name, [a.type for a in args])
        existing = st.functions.get(key)
        if existing is not None:
            if not op.replace:
                raise ReplayError(
                    "migration-duplicate-object",
                    f'function "{name}" already exists with same argument types',
                )
            if not existing.aggregate:
                raise ReplayError(
                    "migration-invalid", "cannot change routine kind", sqlstate="42809"
                )
            if not same_type(existing.result, result):
                raise ReplayError(
                    "migration-invalid",
                    "cannot change return type of existing function",
                    sqlstate="42P13",
                )
        self._store_routine(key, fs, existing)

    def _store_routine(self, key: FnKey, fs: FuncState, replaced: FuncState | None) -> None:
        """Add a function or aggregate; OR REPLACE keeps the one it replaces'
        comment and first span, and counts as an alteration of it."""
        if replaced is not None:
            fs = _replace(
                fs,
                comment=replaced.comment,
                span=replaced.span,
                altered=(*replaced.altered, self.span) if self.span else replaced.altered,
            )
        self.state.functions[key] = fs
        self.state.fn_added(key)

    def _drop_routines(self, keys: dict[FnKey, str], cascade: bool) -> None:
        """Drop the functions or aggregates ``keys`` names (each as Postgres'
        messages name it), and what depends on them."""
        if not keys:
            return
        what = next(iter(keys.values())) if len(keys) == 1 else _SEVERAL
        self.drop_dependents([("f", *k) for k in keys], cascade, what)
        for k in keys:
            del self.state.functions[k]
            self.state.fn_removed(k)

    def op_DropAggregate(self, op: D.DropAggregate) -> None:
        keys: dict[FnKey, str] = {}
        for ref in op.items:
            k = self.find_function(ref)
            text = ".".join(ref.name)
            if k is None:
                if not op.if_exists and self.knows_all("function", tuple(ref.name)):
                    args = ", ".join(
                        self.fmt_type(self.resolve_type(tn)[0], ()) for tn in ref.args or ()
                    )
                    raise ReplayError(
                        "migration-unknown-function", f"aggregate {text}({args}) does not exist"
                    )
                continue
            fs = self.state.functions[k]
            args = ", ".join(self.fmt_type(a.type, ()) for a in fs.args)
            if not fs.aggregate:
                raise ReplayError(
                    "migration-invalid",
                    f"function {text}({args}) is not an aggregate",
                    sqlstate="42809",
                )
            keys[k] = f"function {text}({args})"
        self._drop_routines(keys, op.cascade)

    # ---------------------------------------------------------------- triggers, policies

    def op_CreateTrigger(self, op: D.CreateTrigger) -> None:
        rel = self.relation(op.table)
        assert rel is not None
        self._check_trigger_function(op.function)
        trig = (op.name, op.timing, op.events)
        existing = [t for t in rel.triggers if t[0] == op.name]
        if existing and not op.replace:
            raise ReplayError(
                "migration-duplicate-object",
                f'trigger "{op.name}" for relation "{rel.name}" already exists',
            )
        triggers = (*(t for t in rel.triggers if t[0] != op.name), trig)
        # The trigger depends on its function and its UPDATE OF columns.
        deps: set[Dep] = {("c", rel.schema, rel.name, c) for c in op.columns}
        fk = self._trigger_function(op.function)
        if fk is not None:
            deps.add(("f", *fk))
        expr_deps = _set_expr_deps(rel.expr_deps, "trigger", op.name, frozenset(deps))
        self.state.relations[rel.key] = _replace(rel, triggers=triggers, expr_deps=expr_deps)
        self._note_deps(rel.key, deps)

    def _check_trigger_function(self, name: D.QName) -> None:
        """Fails as CREATE TRIGGER does (before it looks for a trigger of
        that name) when ``EXECUTE FUNCTION name()`` certainly finds no
        function without arguments (LookupFuncName: not a procedure), or one
        that does not return trigger."""
        st = self.state
        if not name or len(name) > 2:
            return
        fname = name[-1]
        schemas = [name[0]] if len(name) == 2 else [PG_CATALOG, *self.effective_path()]
        result: str | None = None
        searched = []
        for schema in schemas:
            searched.append(schema)
            if schema == PG_CATALOG:
                found = [p for p in builtins().procs.get(fname, ()) if not p.args]
                result = found[0].result if found else None
            if result is None:
                fs = st.functions.get((schema, fname, ()))
                if fs is not None and not fs.procedure:
                    t = fs.result
                    result = t.name if t.is_builtin else f"{t.schema}.{t.name}"
            if result is not None:
                break
        if result == "trigger":
            return
        # Only when nothing pgdrift does not know could come first.
        if st.opaque or (len(name) == 1 and any(s in _SYSTEM_SCHEMAS[1:] for s in self.path)):
            return
        if not all(self._schema_whole(s, "function", fname) for s in searched):
            return
        text = ".".join(name)
        if result is not None:
            raise ReplayError(
                "migration-invalid", f"function {text} must return type trigger", sqlstate="42P17"
            )
        if len(name) == 2 and self.knows_all("schema", name[:1]):
            raise ReplayError("migration-unknown-schema", f'schema "{name[0]}" does not exist')
        if self.options.server_version > builtins_major() and fname in LATER_NAMES:
            return
        if len(name) == 2 and name[0] not in st.schemas:
            return
        raise ReplayError("migration-unknown-function", f"function {text}() does not exist")

    def _trigger_function(self, name: D.QName) -> FnKey | None:
        """The key of ``EXECUTE FUNCTION name()``: a function without
        arguments, looked up as Postgres does (pg_catalog first); None for a
        builtin or one pgdrift does not know."""
        st = self.state
        if not name:
            return None
        if len(name) >= 2:
            k: FnKey = (name[-2], name[-1], ())
            return k if k in st.functions else None
        for schema in (PG_CATALOG, *self.effective_path()):
            k = (schema, name[0], ())
            if k in st.functions:
                return k
            if schema == PG_CATALOG and any(not p.args for p in builtins().procs.get(name[0], ())):
                return None
        return None

    def op_DropTrigger(self, op: D.DropTrigger) -> None:
        rel = self.relation(op.table, missing_ok=op.if_exists)
        if rel is None:
            return
        if not any(t[0] == op.name for t in rel.triggers):
            if op.if_exists:
                return
            raise ReplayError(
                "migration-unknown-object",
                f'trigger "{op.name}" for table "{rel.name}" does not exist',
            )
        self.state.relations[rel.key] = _replace(
            rel,
            triggers=tuple(t for t in rel.triggers if t[0] != op.name),
            expr_deps=_set_expr_deps(rel.expr_deps, "trigger", op.name, None),
        )

    def op_CreatePolicy(self, op: D.CreatePolicy) -> None:
        rel = self.relation(op.table)
        assert rel is not None
        # Postgres analyzes the expressions first, then looks for the name.
        using, using_deps, using_tree = (
            self.analyze_bool(op.using, rel) if op.using is not None else _NO_EXPR
        )
        check, check_deps, check_tree = (
            self.analyze_bool(op.check, rel) if op.check is not None else _NO_EXPR
        )
        if any(p.name == op.name for p in rel.policies):
            raise ReplayError(
                "migration-duplicate-object",
                f'policy "{op.name}" for table "{rel.name}" already exists',
            )
        pol = Policy(
            name=op.name,
            command=op.command,  # type: ignore[arg-type]
            permissive=op.permissive,
            roles=_roles(op.roles),
            using=using,
            check=check,
            span=self.span,
        )
        expr_deps = _set_expr_deps(rel.expr_deps, "policy", op.name, using_deps)
        expr_deps = _set_expr_deps(expr_deps, "policy check", op.name, check_deps)
        stored = _set_expr_deps(rel.stored_exprs, "policy", op.name, using_tree)
        stored = _set_expr_deps(stored, "policy check", op.name, check_tree)
        self.state.relations[rel.key] = _replace(
            rel, policies=(*rel.policies, pol), expr_deps=expr_deps, stored_exprs=stored
        )
        self._note_deps(rel.key, using_deps | check_deps)

    def op_AlterPolicy(self, op: D.AlterPolicy) -> None:
        rel = self.relation(op.table)
        assert rel is not None
        pol = next((p for p in rel.policies if p.name == op.name), None)
        if pol is None:
            raise ReplayError(
                "migration-unknown-object",
                f'policy "{op.name}" for table "{rel.name}" does not exist',
            )
        expr_deps, stored = rel.expr_deps, rel.stored_exprs
        if op.rename is not None:
            new = _replace(pol, name=op.rename)
            expr_deps = _renamed_policy(expr_deps, op.name, op.rename)
            stored = _renamed_policy(stored, op.name, op.rename)
        else:
            new = pol
            if op.roles is not None:
                new = _replace(new, roles=_roles(op.roles))
            if op.using is not None:
                using, deps, tree = self.analyze_bool(op.using, rel)
                new = _replace(new, using=using)
                expr_deps = _set_expr_deps(expr_deps, "policy", op.name, deps)
                stored = _set_expr_deps(stored, "policy", op.name, tree)
                self._note_deps(rel.key, deps)
            if op.check is not None:
                check, deps, tree = self.analyze_bool(op.check, rel)
                new = _replace(new, check=check)
                expr_deps = _set_expr_deps(expr_deps, "policy check", op.name, deps)
                stored = _set_expr_deps(stored, "policy check", op.name, tree)
                self._note_deps(rel.key, deps)
        self.state.relations[rel.key] = _replace(
            rel,
            policies=tuple(new if p.name == op.name else p for p in rel.policies),
            expr_deps=expr_deps,
            stored_exprs=stored,
        )

    def op_DropPolicy(self, op: D.DropPolicy) -> None:
        rel = self.relation(op.table, missing_ok=op.if_exists)
        if rel is None:
            return
        if not any(p.name == op.name for p in rel.policies):
            if op.if_exists:
                return
            raise ReplayError(
                "migration-unknown-object",
                f'policy "{op.name}" for table "{rel.name}" does not exist',
            )
        expr_deps = _set_expr_deps(rel.expr_deps, "policy", op.name, None)
        stored = _set_expr_deps(rel.stored_exprs, "policy", op.name, None)
        self.state.relations[rel.key] = _replace(
            rel,
            policies=tuple(p for p in rel.policies if p.name != op.name),
            expr_deps=_set_expr_deps(expr_deps, "policy check", op.name, None),
            stored_exprs=_set_expr_deps(stored, "policy check", op.name, None),
        )

    # ---------------------------------------------------------------- comments

    def op_Comment(self, op: D.Comment) -> None:
        st = self.state
        text = op.text if op.text != "" else None  # an empty comment removes it
        span = self.span
        if op.kind in ("table", "view", "materialized view", "foreign table"):
            rel = self.relation(op.target)
            assert rel is not None
            st.relations[rel.key] = _replace(
                rel, comment=text, altered=(*rel.altered, span) if span else rel.altered
            )
        elif op.kind == "column":
            rel = self.relation(op.target[:-1])
            assert rel is not None
            col = rel.col(op.target[-1])
            if col is None:
                raise ReplayError(
                    "migration-unknown-column",
                    f'column "{op.target[-1]}" of relation "{rel.name}" does not exist',
                )
            self._set_col(rel.key, self._touch_col(_replace(col, comment=text)))
        elif op.kind in ("type", "domain"):
            k = self.find_type_key(op.target)
            if k is None or k not in st.types:
                raise ReplayError(
                    "migration-unknown-type", f'type "{".".join(op.target)}" does not exist'
                )
            ts = st.types[k]
            st.types[k] = _replace(
                ts, comment=text, altered=(*ts.altered, span) if span else ts.altered
            )
        elif op.kind == "function":
            fk = self.find_function(D.FuncRef(op.target, op.func_args))
            if fk is None:
                raise ReplayError(
                    "migration-unknown-function", f"function {'.'.join(op.target)} does not exist"
                )
            fs = st.functions[fk]
            st.functions[fk] = _replace(
                fs, comment=text, altered=(*fs.altered, span) if span else fs.altered
            )
        elif op.kind == "schema":
            if op.target[-1] not in st.schemas:
                raise ReplayError(
                    "migration-unknown-schema", f'schema "{op.target[-1]}" does not exist'
                )
            st.schemas[op.target[-1]] = text

    # ---------------------------------------------------------------- freeze

    def freeze(self, cache: FreezeCache | None = None) -> Schema:
        return freeze(self.state, self.options, self._display, cache)

    def prefreeze(self, cache: FreezeCache, relations: Iterable[RelState]) -> None:
        prefreeze(self.state, self.options, self._display, cache, relations)


def _target_names(q: E.Query) -> list[str] | None:
    """The output column names of a query as Postgres gives them (its
    leftmost SELECT's aliases, else FigureColname); None with a ``*`` or a
    VALUES list (their names need the analysis)."""
    body = q.body
    while isinstance(body, E.SetOp):
        body = body.left
    if body.values or body.wrapped:
        return None
    names = []
    for t in body.targets:
        e = t.expr
        while isinstance(e, E.Paren):
            e = e.arg
        if isinstance(e, E.ColumnRef) and e.names[-1] == "*":
            return None
        if isinstance(e, E.Indirection) and e.path and e.path[-1] == "*":
            return None
        names.append(t.alias or figure_colname(t.expr))
    return names


def sqlglot_view_columns(sql: str, r: Replayer) -> list[tuple[str, PgType, tuple[str, ...]]] | None:
    """Output columns of a query per sqlglot's optimizer, or None."""
    import sqlglot
    from sqlglot.optimizer.annotate_types import annotate_types
    from sqlglot.optimizer.qualify import qualify
    from sqlglot.schema import MappingSchema

    from pgdrift.sources.sql_expr import ExprParser
    from pgdrift.sources.sql_tokens import Stream, tokenize

    st = r.state
    by_schema: dict[str, dict[str, dict[str, str]]] = {}
    for rel in st.relations.values():
        by_schema.setdefault(rel.schema, {})[rel.name] = {
            c.name: r.fmt_type(c.type, c.mods) for c in rel.columns
        }
    mapping: dict[str, object] = dict(by_schema)
    path = r.effective_path()
    try:
        schema = MappingSchema(mapping, dialect="postgres")
        tree = sqlglot.parse_one(sql, read="postgres")
        tree = qualify(tree, schema=schema, dialect="postgres", db=path[0] if path else None)
        tree = annotate_types(tree, schema=schema, dialect="postgres")
        selects: list[Any] = list(getattr(tree, "selects", []))
    except Exception:
        return None
    out: list[tuple[str, PgType, tuple[str, ...]]] = []
    for sel in selects:
        name = sel.alias_or_name or "?column?"
        t: PgType = builtin("text")
        mods: tuple[str, ...] = ()
        dtype = sel.type
        if dtype is not None and not dtype.is_type("unknown", "null"):
            text = dtype.sql("postgres")
            try:
                tn = ExprParser(Stream(tokenize(text), text)).type_name()
                t, mods, _ = r.resolve_type(tn)
            except Exception:
                pass
        out.append((name, t, mods))
    return out


_SIGNATURES: dict[int, tuple[FuncState, FuncSig]] = {}


def _signature(fs: FuncState) -> FuncSig:
    """What overload resolution needs of a function (memoized per state)."""
    hit = _SIGNATURES.get(id(fs))
    if hit is not None and hit[0] is fs:
        return hit[1]
    ins = [a for a in fs.args if a.mode in ("in", "inout", "variadic")]
    outs = fs.table_columns or tuple(
        (a.name, a.type) for a in fs.args if a.mode in ("out", "inout")
    )
    sig = FuncSig(
        fs.schema,
        fs.name,
        tuple(a.type for a in ins),
        tuple(a.name for a in ins),
        variadic=bool(ins) and ins[-1].mode == "variadic",
        ndefaults=sum(1 for a in ins if a.default is not None),
        result=fs.result,
        retset=fs.retset,
        kind="a" if fs.aggregate else "f",
        out_columns=tuple(outs) if len(outs) > 1 or fs.table_columns else (),
    )
    if len(_SIGNATURES) > 100_000:
        _SIGNATURES.clear()
    _SIGNATURES[id(fs)] = (fs, sig)
    return sig


#: Per dataclass: a reader of its init fields' values, and their positions.
_FIELDS: dict[type, tuple[Callable[[Any], tuple[Any, ...]], dict[str, int]]] = {}
_D = TypeVar("_D")
_V = TypeVar("_V")


def _replace(obj: _D, **changes: Any) -> _D:
    """``dataclasses.replace`` without its per-call checks (a hot path): the
    fields are read at once, then the changed ones swapped in."""
    cls: Any = type(obj)
    spec = _FIELDS.get(cls)
    if spec is None:
        names, read = init_fields(cls)
        spec = _FIELDS[cls] = (read, {n: i for i, n in enumerate(names)})
    read, positions = spec
    values = list(read(obj))
    for name, value in changes.items():
        i = positions.get(name)
        if i is not None:
            values[i] = value
    new: _D = cls(*values)
    return new


def _text3(texts: Sequence[str]) -> tuple[str, str, str]:
    return (texts[0], texts[1], texts[2])


def _roles(roles: Iterable[str]) -> tuple[str, ...]:
    return tuple(roles)


# --------------------------------------------------------------------------- dependencies

_NO_EXPR: tuple[None, frozenset[Dep], None] = (None, NO_DEPS, None)


def _set_expr_deps(
    entries: tuple[tuple[str, str, _V], ...], kind: str, name: str, value: _V | None
) -> tuple[tuple[str, str, _V], ...]:
    """``expr_deps`` (or ``stored_exprs``) with the entry of (kind, name)
    set to ``value``, or removed (None or no dependencies)."""
    out = tuple(e for e in entries if e[0] != kind or e[1] != name)
    if value:
        out = (*out, (kind, name, value))
    return out if out != entries else entries


def _renamed_policy(
    entries: tuple[tuple[str, str, _V], ...], old: str, new: str
) -> tuple[tuple[str, str, _V], ...]:
    """``expr_deps`` (or ``stored_exprs``) after ALTER POLICY ... RENAME."""
    return tuple(
        (kind, new if kind.startswith("policy") and name == old else name, value)
        for kind, name, value in entries
    )


def _map_deps(deps: frozenset[Dep], change: Callable[[Dep], Dep]) -> frozenset[Dep]:
    if not deps:
        return deps
    out = frozenset(change(d) for d in deps)
    return deps if out == deps else out


def _rebase_deps(deps: frozenset[Dep], old: Key, new: Key) -> frozenset[Dep]:
    """Dependencies on columns of ``old`` made ones on the same columns of
    ``new`` (an expression copied to another table: partitions, LIKE)."""
    if old == new or not deps:
        return deps
    return _map_deps(deps, lambda d: _moved_dep(d, old, new) if d[0] == "c" else d)


def _rebase_stored(stored: Stored | None, old: Key, new: Key) -> Stored | None:
    """A stored tree copied from relation ``old`` to ``new`` (partitions,
    LIKE): its references to the columns of ``old`` stand for ``new``'s."""
    if stored is None or old == new:
        return stored
    text, tree, moved = stored
    source = moved[0] if moved is not None else old
    return text, tree, (source, new) if source != new else None


#: How Postgres names several objects dropped together in its error.
_SEVERAL = "desired object(s)"


def _still_used(what: str) -> ReplayError:
    them = "them" if what == _SEVERAL else "it"
    return ReplayError(
        "migration-invalid",
        f"cannot drop {what} because other objects depend on {them}",
        sqlstate="2BP01",  # dependent_objects_still_exist
    )


#: Btree operator families with cross-type equality (integer_ops,
#: float_ops, datetime_ops, text_ops), and the input type of the default
#: btree operator class where it is not the type's own.
_FK_FAMILIES = (
    frozenset(("int2", "int4", "int8")),
    frozenset(("float4", "float8")),
    frozenset(("date", "timestamp", "timestamptz")),
    frozenset(("text", "name")),
)
_FK_OPCINTYPE = {"varchar": "text", "cidr": "inet", "regclass": "oid"}
#: The builtin types whose foreign key pairs were checked against the server.
_FK_KNOWN = frozenset(
    (
        *("int2", "int4", "int8", "float4", "float8", "numeric", "money", "oid", "regclass"),
        *("text", "varchar", "bpchar", "char", "name", "bool", "uuid", "bytea", "jsonb"),
        *("date", "timestamp", "timestamptz", "time", "timetz", "interval", "inet", "cidr"),
    )
)


def _check_fk_types(name: str, pk: PgType, fk: PgType) -> None:
    """A foreign key column of type ``fk`` referencing one of type ``pk``
    needs an equality operator of the referenced key's operator family
    taking both, or an implicit cast of both to its input type
    (ATAddForeignKeyConstraint); decided for common builtin types only."""
    pk, fk = pk.base_type(), fk.base_type()
    if (
        same_type(pk, fk)
        or not (pk.is_builtin and fk.is_builtin)
        or pk.name not in _FK_KNOWN
        or fk.name not in _FK_KNOWN
    ):
        return
    opc = _FK_OPCINTYPE.get(pk.name, pk.name)
    if any(opc in f and fk.name in f for f in _FK_FAMILIES):
        return
    opctype = builtin(opc)
    if can_coerce(pk, opctype) and can_coerce(fk, opctype):
        return
    raise ReplayError(
        "migration-invalid-reference",
        f'foreign key constraint "{name}" cannot be implemented',
        sqlstate="42804",  # datatype_mismatch
    )


def _span_order(span: Span | None) -> tuple[str, int, int]:
    """Where a statement was, to order objects by creation (unknown: last)."""
    if span is None:
        return ("\uffff", 0, 0)
    return (span.path, span.start_line, span.start_col)


def _without_default(c: ColState) -> ColState:
    return _replace(
        c,
        default=None,
        default_expr=None,
        default_types=frozenset(),
        default_rels=frozenset(),
        default_deps=NO_DEPS,
    )


def _default_of(c: ColState, source: ColState) -> ColState:
    """``c`` with the default (or generation expression) of ``source``."""
    return _replace(
        c,
        default=source.default,
        default_expr=source.default_expr,
        default_types=source.default_types,
        default_rels=source.default_rels,
        default_deps=source.default_deps,
        generated=source.generated,
    )


def _drop_type_part(ts: TypeState, kind: str, name: str) -> TypeState:
    """``ts`` without a composite type's attribute, or a domain's check
    constraint (``kind`` "attribute" or "domain check")."""
    if kind == "attribute":
        return _replace(ts, attributes=tuple(a for a in ts.attributes if a[0] != name))
    exprs = _set_expr_deps(ts.expr_deps, "check", name, None)
    return _replace(ts, checks=tuple(c for c in ts.checks if c[0] != name), expr_deps=exprs)


def _moved_dep(d: Dep, old: Key, new: Key) -> Dep:
    """``d`` with relation or type ``old`` (its columns, its row type)
    renamed or moved to ``new``."""
    if d[0] == "f" or (d[1], d[2]) != old:
        return d
    if d[0] == "c":
        column = d[-1]
        assert isinstance(column, str)
        return ("c", new[0], new[1], column)
    return (d[0], new[0], new[1])


def _dep_key(d: Dep) -> Key:
    """(schema, name) of what ``d`` names (a column's relation)."""
    return (d[1], d[2])


#: Per relation state (by identity): the (schema, name) of everything its
#: stored expressions and columns depend on, to pass over the relations a
#: DROP does not concern with one set operation.
_DEP_SUMMARIES: dict[int, tuple[RelState, frozenset[Key]]] = {}


def _dep_summary(rel: RelState) -> frozenset[Key]:
    hit = _DEP_SUMMARIES.get(id(rel))
    if hit is not None and hit[0] is rel:
        return hit[1]
    out: set[Key] = set()
    for c in rel.columns:
        out.update(_type_deps(c.type))
        out.update(c.default_types)
        out.update(c.default_rels)
        out.update(_dep_key(d) for d in c.default_deps)
    for con in rel.constraints:
        if con.ref is not None:
            out.add(con.ref)
        out.update(_dep_key(d) for d in con.deps)
    for _kind, _name, deps in rel.expr_deps:
        out.update(_dep_key(d) for d in deps)
    if rel.partition_of is not None:
        out.add(rel.partition_of)
    out.update(rel.inherits)
    if rel.of_type is not None:
        out.add(rel.of_type)
    if len(_DEP_SUMMARIES) > 100_000:
        _DEP_SUMMARIES.clear()
    summary = frozenset(out)
    _DEP_SUMMARIES[id(rel)] = (rel, summary)
    return summary


def _type_deps(t: PgType | None) -> Iterator[Key]:
    """(schema, name) of the user types a value of type ``t`` is of: the
    type, and its element's for an array."""
    while t is not None:
        if not t.is_builtin:
            yield (t.schema, t.name)
        t = t.elem


def _default_deps(c: ColState) -> frozenset[Dep]:
    """Everything a column's default or generation expression depends on."""
    if not (c.default_types or c.default_rels):
        return c.default_deps
    return frozenset(
        (
            *c.default_deps,
            *(("t", *k) for k in c.default_types),
            *(("r", *k) for k in c.default_rels),
        )
    )


def _function_types(fs: FuncState) -> frozenset[Key]:
    """The user types a function's arguments (all modes) and result are of."""
    hit = _FUNCTION_TYPES.get(id(fs))
    if hit is not None and hit[0] is fs:
        return hit[1]
    out: set[Key] = set(_type_deps(fs.result))
    for a in fs.args:
        out.update(_type_deps(a.type))
    for _n, t in fs.table_columns or ():
        out.update(_type_deps(t))
    if len(_FUNCTION_TYPES) > 100_000:
        _FUNCTION_TYPES.clear()
    types = frozenset(out)
    _FUNCTION_TYPES[id(fs)] = (fs, types)
    return types


_FUNCTION_TYPES: dict[int, tuple[FuncState, frozenset[Key]]] = {}


@dataclass
class _DropPlan:
    """What a DROP takes with it besides the objects it names (the roots):
    everything that depends on them, found as pg_depend would find it."""

    #: What goes (the roots and their parts included), as dependencies name it.
    gone: set[Dep] = field(default_factory=set)
    #: The roots: what the DROP names (not dependents: the caller removes them).
    own: set[Dep] = field(default_factory=set)
    relations: dict[Key, None] = field(default_factory=dict)
    columns: dict[tuple[str, str, str], None] = field(default_factory=dict)
    functions: dict[FnKey, None] = field(default_factory=dict)
    types: dict[Key, None] = field(default_factory=dict)
    #: (relation or type, kind, name): a column's default ("default"), a
    #: constraint ("constraint"), a policy, a trigger; a composite type's
    #: attribute ("attribute"), a domain's check ("domain check").
    parts: dict[tuple[Key, str, str], None] = field(default_factory=dict)
    #: Dependents reached by a normal dependency (not an automatic one): the
    #: drop needs CASCADE while there is one.
    blockers: list[str] = field(default_factory=list)


def _is_null_const(t: T) -> bool:
    from pgdrift.sources.sql_render import TCast, TConst

    while isinstance(t, TCast):
        if t.mods or t.type.kind == "domain":
            return False  # Postgres stores the coercion: not a bare NULL
        t = t.arg
    return isinstance(t, TConst) and t.is_null


def _first_column(expr: E.Node) -> str | None:
    stack: list[Any] = [expr]
    while stack:
        n = stack.pop(0)
        if isinstance(n, E.ColumnRef):
            return n.names[-1]
        if isinstance(n, E.Node):
            for f in getattr(n, "__slots__", ()):
                v = getattr(n, f, None)
                if isinstance(v, E.Node):
                    stack.append(v)
                elif isinstance(v, tuple):
                    stack.extend(x for x in v if isinstance(x, E.Node))
    return None


def _pretty_check(text: str) -> str:
    """pg_get_constraintdef(pretty) prints CHECK (expr); the catalog strips ``CHECK ``."""
    return f"({text})"


def _strip_outer_parens(text: str) -> str:
    if text.startswith("(") and text.endswith(")"):
        depth = 0
        for i, ch in enumerate(text):
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
                if depth == 0 and i != len(text) - 1:
                    return text
        return text[1:-1]
    return text


def _query_deps(q: TQuery) -> Iterable[Key]:
    from pgdrift.sources.sql_render import TFrom, TSetOp

    def from_deps(f: TFrom) -> Iterable[Key]:
        if f.join is not None:
            yield from from_deps(f.join[1])
            yield from from_deps(f.join[2])
        elif f.entry is not None and f.entry.relation is not None:
            yield f.entry.relation
        if f.subquery is not None:
            yield from _query_deps(f.subquery)

    def body_deps(b: Any) -> Iterable[Key]:
        if isinstance(b, TSetOp):
            yield from body_deps(b.left)
            yield from body_deps(b.right)
        else:
            for f in b.from_:
                yield from from_deps(f)

    for _, _, sub in q.with_:
        yield from _query_deps(sub)
    yield from body_deps(q.body)


def _auto_updatable(q: TQuery, st: State) -> tuple[Key | None, set[int]]:
    """view_query_is_auto_updatable: the base relation and the positions of
    updatable columns, or (None, empty) when the view is not auto-updatable."""
    b = q.body
    if not isinstance(b, TSelect) or q.with_ or q.limit is not None or q.offset is not None:
        return None, set()
    if (
        b.distinct
        or b.distinct_on
        or b.group_by
        or b.having is not None
        or b.has_aggs
        or b.has_windows
        or b.values
    ):
        return None, set()
    if len(b.from_) != 1:
        return None, set()
    f = b.from_[0]
    if f.entry is None or f.entry.kind != "relation" or f.entry.relation is None:
        return None, set()
    if f.entry.relkind not in ("table", "partitioned_table", "view", "foreign_table"):
        return None, set()
    # expression_returns_set: a set-returning call anywhere in the select
    # list (``(f()).col`` too), sub-queries aside.
    for t in b.targets:
        if any(isinstance(x, TFunc) and _returns_set(x) for x in walk(t.expr)):
            return None, set()
    base = f.entry.relation
    base_rel = st.relations.get(base)
    cols: set[int] = set()
    for i, t in enumerate(b.targets):
        if isinstance(t.expr, TVar) and t.expr.refname == f.entry.refname:
            if base_rel is not None and base_rel.kind == "view":
                bc = base_rel.col(t.expr.name)
                if bc is None or not bc.updatable:
                    continue
            cols.add(i)
    return base, cols


def _returns_set(f: TFunc) -> bool:
    if f.sig is not None:
        return f.sig.retset
    from pgdrift.sources.pg_builtins import builtins as _b

    return any(p.retset for p in _b().procs.get(f.name, ()))


# --------------------------------------------------------------------------- DO block conditions

_MAYBE = "maybe"  # a truth value: the answer depends on objects pgdrift does not model
Truth = bool | str | None  # True, False, _MAYBE, or None (SQL NULL)


class _Some:
    """An unknown value in a catalog row (a system object's): it may equal
    strings with one of ``prefixes`` or ``suffixes``, or in ``names``, or
    anything at all."""

    __slots__ = ("anything", "names", "prefixes", "suffixes")

    def __init__(
        self,
        prefixes: tuple[str, ...] = (),
        names: frozenset[str] = frozenset(),
        suffixes: tuple[str, ...] = (),
        anything: bool = False,
    ) -> None:
        self.prefixes = prefixes
        self.names = names
        self.suffixes = suffixes
        self.anything = anything

    def test(self, value: object) -> Truth:
        if self.anything or not isinstance(value, str):
            return _MAYBE
        if value in self.names or value.startswith(self.prefixes) or value.endswith(self.suffixes):
            return _MAYBE
        return False


_ANY = _Some(anything=True)
_SYSTEM_NAME = _Some(prefixes=("pg_",))

#: Relations of information_schema (Postgres 15).
_INFO_SCHEMA_RELATIONS = frozenset(
    [
        "_pg_foreign_data_wrappers",
        "_pg_foreign_servers",
        "_pg_foreign_table_columns",
        "_pg_foreign_tables",
        "_pg_user_mappings",
        "administrable_role_authorizations",
        "applicable_roles",
        "attributes",
        "character_sets",
        "check_constraint_routine_usage",
        "check_constraints",
        "collation_character_set_applicability",
        "collations",
        "column_column_usage",
        "column_domain_usage",
        "column_options",
        "column_privileges",
        "column_udt_usage",
        "columns",
        "constraint_column_usage",
        "constraint_table_usage",
        "data_type_privileges",
        "domain_constraints",
        "domain_udt_usage",
        "domains",
        "element_types",
        "enabled_roles",
        "foreign_data_wrapper_options",
        "foreign_data_wrappers",
        "foreign_server_options",
        "foreign_servers",
        "foreign_table_options",
        "foreign_tables",
        "information_schema_catalog_name",
        "key_column_usage",
        "parameters",
        "referential_constraints",
        "role_column_grants",
        "role_routine_grants",
        "role_table_grants",
        "role_udt_grants",
        "role_usage_grants",
        "routine_column_usage",
        "routine_privileges",
        "routine_routine_usage",
        "routine_sequence_usage",
        "routine_table_usage",
        "routines",
        "schemata",
        "sequences",
        "sql_features",
        "sql_implementation_info",
        "sql_parts",
        "sql_sizing",
        "table_constraints",
        "table_privileges",
        "tables",
        "transforms",
        "triggered_update_columns",
        "triggers",
        "udt_privileges",
        "usage_privileges",
        "user_defined_types",
        "user_mapping_options",
        "user_mappings",
        "view_column_usage",
        "view_routine_usage",
        "view_table_usage",
        "views",
    ]
)
_INFO_SCHEMA_TYPES = frozenset(
    ["cardinal_number", "character_data", "sql_identifier", "time_stamp", "yes_or_no"]
)
_INFO_NAME = _Some(names=_INFO_SCHEMA_RELATIONS)
_SYSTEM_SCHEMAS = ("pg_catalog", "information_schema", "pg_toast")
_RELKIND = {
    "table": "r",
    "partitioned_table": "p",
    "foreign_table": "f",
    "view": "v",
    "materialized_view": "m",
}
_TYPTYPE = {
    "enum": "e",
    "composite": "c",
    "domain": "d",
    "range": "r",
    "multirange": "m",
    "shell": "p",
}
_SYSTEM_COLUMNS = ("ctid", "xmin", "cmin", "xmax", "cmax", "tableoid")

Row = dict[str, object]


def _eq(a: object, b: object) -> Truth:
    if a is None or b is None:
        return None
    if isinstance(a, _Some):
        return a.test(b) if not isinstance(b, _Some) else _MAYBE
    if isinstance(b, _Some):
        return b.test(a)
    if isinstance(a, tuple) and isinstance(b, tuple):
        if len(a) != len(b):
            return False
        return _and([_eq(x, y) for x, y in zip(a, b, strict=True)])
    if isinstance(a, tuple) != isinstance(b, tuple) and 0 in (a, b):
        return False  # "no object" (oid 0) is no object's oid
    if isinstance(a, bool) != isinstance(b, bool) or isinstance(a, tuple) != isinstance(b, tuple):
        raise _Undecided("a comparison of values of different types")
    if isinstance(a, str) != isinstance(b, str):
        raise _Undecided("a comparison of values of different types")
    if isinstance(a, str) and isinstance(b, str):
        # The catalogs' text columns are of type name: a constant is cut to fit.
        return D.truncate_identifier(a) == D.truncate_identifier(b)
    return a == b


def _and(values: Iterable[Truth]) -> Truth:
    out: Truth = True
    for v in values:
        if v is False:
            return False
        if v is None:
            out = None if out is True else out
        elif v == _MAYBE and out is True:
            out = _MAYBE
    return out


def _or(values: Iterable[Truth]) -> Truth:
    out: Truth = False
    for v in values:
        if v is True:
            return True
        if v is None:
            out = None if out is False else out
        elif v == _MAYBE:
            out = _MAYBE
    return out


def _unwrap(node: E.Node) -> E.Node:
    while isinstance(node, (E.Paren, E.Src, E.Collate)):
        node = node.arg
    return node


def _parse_name_list(text: str) -> tuple[str, ...]:
    """A qualified name in a string (``'public."My T"'``), as regclass reads it."""
    parts: list[str] = []
    i, n = 0, len(text)
    while True:
        while i < n and text[i].isspace():
            i += 1
        if i < n and text[i] == '"':
            j = i + 1
            name = ""
            while True:
                k = text.find('"', j)
                if k < 0:
                    raise _Undecided(f"invalid name syntax: {text}")
                name += text[j:k]
                if text.startswith('"', k + 1):
                    name += '"'
                    j = k + 2
                    continue
                i = k + 1
                break
        else:
            j = i
            while i < n and text[i] not in '."' and not text[i].isspace():
                i += 1
            name = text[j:i].lower()
            if not name:
                raise _Undecided(f"invalid name syntax: {text}")
        parts.append(D.truncate_identifier(name))
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            return tuple(parts)
        if text[i] != ".":
            raise _Undecided(f"invalid name syntax: {text}")
        i += 1


class _Conditions:
    """Evaluates a DO block's IF condition against the replay state: EXISTS
    over the catalogs (pg_type, pg_class, pg_namespace, pg_constraint, ...,
    information_schema views) with equality conditions, ``to_regclass(...)
    IS NULL`` and the like. What depends on objects pgdrift does not model,
    or on anything else, raises :class:`_Undecided`."""

    def __init__(self, r: Replayer) -> None:
        self.r = r
        self.st = r.state

    def truth(self, node: E.Node) -> bool:
        v = self.boolean(node, None)
        if v == _MAYBE:
            raise _Undecided("its IF condition depends on objects pgdrift does not model")
        return v is True

    # ---------------------------------------------------------------- expressions

    def boolean(self, node: E.Node, env: _Env | None) -> Truth:
        node = _unwrap(node)
        if isinstance(node, E.BoolOp):
            if node.op == "NOT":
                v = self.boolean(node.args[0], env)
                return v if v is None or v == _MAYBE else not v
            vals = [self.boolean(a, env) for a in node.args]
            return _and(vals) if node.op == "AND" else _or(vals)
        if isinstance(node, E.SubLink) and node.kind == "EXISTS":
            return self.exists(node.query)
        if isinstance(node, E.Test) and node.what in ("NULL", "NOT NULL"):
            value = self.scalar(node.arg, env)
            if isinstance(value, _Some):
                return _MAYBE
            return (value is None) == (node.what == "NULL")
        if isinstance(node, E.Const) and node.kind in ("bool", "null"):
            return None if node.kind == "null" else node.value in ("true", "t")
        if isinstance(node, E.Op) and node.left is not None and node.schema is None:
            if node.name in ("=", "<>"):
                v = _eq(self.scalar(node.left, env), self.scalar(node.right, env))
                if node.name == "<>" and v is not None and v != _MAYBE:
                    v = not v
                return v
            if node.name in ("<", ">", "<=", ">="):
                return self._compare(node.name, node.left, node.right, env)
        if isinstance(node, E.ColumnRef) and env is not None:
            value = self.scalar(node, env)
            if isinstance(value, _Some):
                return _MAYBE
            if value is None or isinstance(value, bool):
                return value
        raise _Undecided("its IF condition is beyond what pgdrift evaluates")

    def _compare(self, op: str, left: E.Node, right: E.Node, env: _Env | None) -> Truth:
        a, b = self.scalar(left, env), self.scalar(right, env)
        if a is None or b is None:
            return None
        if isinstance(a, _Some) or isinstance(b, _Some):
            return _MAYBE
        if not isinstance(a, int) or not isinstance(b, int):
            raise _Undecided("an ordering comparison of non-numbers")
        return {"<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[op]

    def scalar(self, node: E.Node, env: _Env | None) -> object:
        node = _unwrap(node)
        if isinstance(node, E.Const):
            if node.kind == "str":
                return node.value
            if node.kind == "null":
                return None
            if node.kind == "bool":
                return node.value in ("true", "t")
            if node.kind == "num" and node.value is not None and node.value.isdigit():
                return int(node.value)
        elif isinstance(node, E.Op) and node.name == "-" and node.left is None:
            v = self.scalar(node.right, env)
            if isinstance(v, int) and not isinstance(v, bool):
                return -v
        elif isinstance(node, E.Op) and node.name == "||" and node.left is not None:
            a, b = self.scalar(node.left, env), self.scalar(node.right, env)
            if a is None or b is None:
                return None
            if isinstance(a, str) and isinstance(b, str):
                return a + b
        elif isinstance(node, E.ColumnRef):
            if env is None:
                raise _Undecided(f"it refers to {'.'.join(node.names)}")
            return env.value(node)
        elif isinstance(node, E.TypeCast):
            return self.cast(self.scalar(node.arg, env), node.type.names[-1])
        elif isinstance(node, E.FuncCall) and len(node.args) == 1 and not node.arg_names:
            fname = node.name[-1]
            if (len(node.name) == 1 or node.name[0] == PG_CATALOG) and fname in (
                "to_regclass",
                "to_regnamespace",
                "to_regtype",
            ):
                value = self.scalar(node.args[0], env)
                if value is None:
                    return None
                if not isinstance(value, str):
                    raise _Undecided(f"{fname} of a non-string")
                return self.regobject(fname[6:], value, missing_ok=True)
        elif isinstance(node, E.SpecialFunc) and node.name == "CURRENT_SCHEMA":
            path = self.r.effective_path()
            return path[0] if path else None
        elif isinstance(node, E.SubLink) and node.kind == "EXPR":
            return self.scalar_subquery(node.query)
        raise _Undecided("its IF condition is beyond what pgdrift evaluates")

    def cast(self, value: object, type_name: str) -> object:
        if value is None or isinstance(value, _Some):
            return value
        if type_name in ("text", "varchar", "name", "bpchar") and isinstance(value, str):
            return D.truncate_identifier(value) if type_name == "name" else value
        if type_name in ("regclass", "regnamespace", "regtype") and isinstance(value, str):
            return self.regobject(type_name[3:], value, missing_ok=False)
        if (
            type_name in ("regclass", "regnamespace", "regtype", "oid") and isinstance(value, tuple)
        ) or (type_name in ("int4", "int8", "int2") and isinstance(value, int)):
            return value
        raise _Undecided(f"a cast to {type_name}")

    def regobject(self, kind: str, text: str, *, missing_ok: bool) -> object:
        """The oid (as a key tuple) a regclass / regnamespace / regtype input
        names, None for a missing one when ``missing_ok``, else the error."""
        r, st = self.r, self.st
        if kind == "namespace":
            names = _parse_name_list(text)
            if len(names) != 1:
                raise _Undecided(f"invalid schema name {text}")
            if names[0] in st.schemas or names[0] in _SYSTEM_SCHEMAS:
                return ("ns", names[0])
            if missing_ok:
                return None
            raise ReplayError(
                "migration-unknown-schema", f'schema "{names[0]}" does not exist', sqlstate="3F000"
            )
        if kind == "type":
            if any(c in text for c in "[]() "):
                raise _Undecided(f"type {text} is beyond what pgdrift reads")
            names = _parse_name_list(text)
            k = r.find_type_key(names)
            if k is not None:
                return ("type", *k)
            if len(names) == 1 or names[-2] == PG_CATALOG:
                name = SQL_TYPE_NAMES.get(names[-1], names[-1])
                if builtin_type(name) is not None:
                    return ("type", PG_CATALOG, name)
            if len(names) > 1 and names[-2] in _SYSTEM_SCHEMAS:
                raise _Undecided(f"type {text} may be a system type")
            if missing_ok:
                return None
            raise ReplayError(
                "migration-unknown-type", f'type "{text}" does not exist', sqlstate="42704"
            )
        names = _parse_name_list(text)
        key = r.find_relation_key(names)
        if key is None:
            for d in (st.sequences, st.indexes):
                key = r._find_in_path(names, d)
                if key is not None:
                    break
        if key is None:
            tk = r.find_type_key(names)
            if tk is not None and tk in st.types and st.types[tk].kind == "composite":
                key = tk
        if key is not None:
            return ("rel", *key)
        if names[-1].startswith("pg_") or names[0] in _SYSTEM_SCHEMAS:
            raise _Undecided(f"{text} may be a system relation")
        if missing_ok:
            return None
        raise ReplayError(
            "migration-unknown-relation", f'relation "{text}" does not exist', sqlstate="42P01"
        )

    # ---------------------------------------------------------------- queries

    def exists(self, q: E.Query) -> Truth:
        result: Truth = False
        for _env, truth in self.matches(q):
            if truth is True:
                return True
            result = _MAYBE
        return result

    def scalar_subquery(self, q: E.Query) -> object:
        body = q.body
        assert isinstance(body, E.Select)
        if len(body.targets) != 1:
            raise _Undecided("a subquery with several columns")
        found = list(self.matches(q))
        if any(truth is not True for _env, truth in found) or len(found) > 1:
            raise _Undecided("a subquery whose rows pgdrift cannot tell")
        if not found:
            return None
        return self.scalar(body.targets[0].expr, found[0][0])

    def matches(self, q: E.Query) -> Iterator[tuple[_Env, Truth]]:
        """The row combinations of ``q`` that pass (True) or may pass (MAYBE)."""
        body = q.body
        if (
            q.with_
            or q.offset is not None
            or not isinstance(body, E.Select)
            or body.group_by
            or body.having is not None
            or body.distinct_on
            or body.values
            or not body.from_
        ):
            raise _Undecided("its IF condition's query is beyond what pgdrift evaluates")
        if q.limit is not None and not (
            isinstance(q.limit, E.Const) and q.limit.kind == "num" and q.limit.value != "0"
        ):
            raise _Undecided("its IF condition's query has a LIMIT")
        tables: list[tuple[str, str]] = []
        conds: list[E.Node] = []
        for item in body.from_:
            self._from_item(item, tables, conds)
        if body.where is not None:
            conds.append(body.where)
        conjuncts: list[E.Node] = []
        for c in conds:
            _conjuncts(c, conjuncts)
        env = _Env(tables)
        # Narrow each table by the conditions on it alone, then join.
        candidates: list[list[Row]] = []
        for alias, table in tables:
            mine = [c for c in conjuncts if env.aliases_of(c) == {alias}]
            kept = []
            for row in self.rows(table):
                env.rows = {alias: row}
                if _and(self.boolean(c, env) for c in mine) in (True, _MAYBE):
                    kept.append(row)
            candidates.append(kept)
        rest = [c for c in conjuncts if len(env.aliases_of(c)) != 1]
        single = [c for c in conjuncts if len(env.aliases_of(c)) == 1]
        total = 1
        for kept in candidates:
            total *= len(kept)
        if total > 200_000:
            raise _Undecided("its IF condition's query reads too many rows")
        for combo in itertools.product(*candidates):
            env.rows = {alias: row for (alias, _t), row in zip(tables, combo, strict=True)}
            # Again with the narrowing conditions: they may have left a row in
            # because it may match.
            truth = _and(self.boolean(c, env) for c in (*rest, *single))
            if truth is True or truth == _MAYBE:
                yield _Env(tables, dict(env.rows)), truth

    def _from_item(
        self, item: E.FromItem, tables: list[tuple[str, str]], conds: list[E.Node]
    ) -> None:
        if isinstance(item, E.RangeVar):
            names = item.names
            if len(names) == 2 and names[0] in (PG_CATALOG, "information_schema"):
                table = names[1] if names[0] == PG_CATALOG else "information_schema." + names[1]
            elif len(names) == 1:
                table = names[0]
            else:
                raise _Undecided(f"it reads {'.'.join(names)}")
            if table not in _CATALOG_COLUMNS or item.col_aliases:
                raise _Undecided(f"it reads {'.'.join(names)}")
            tables.append((item.alias or names[-1], table))
            return
        if isinstance(item, E.Join) and item.kind in ("INNER", "CROSS") and not item.using:
            if item.natural or item.alias:
                raise _Undecided("its IF condition's query has a join pgdrift does not evaluate")
            self._from_item(item.left, tables, conds)
            self._from_item(item.right, tables, conds)
            if item.on is not None:
                conds.append(item.on)
            return
        raise _Undecided("its IF condition's query has a join pgdrift does not evaluate")

    # ---------------------------------------------------------------- catalogs

    def rows(self, table: str) -> list[Row]:
        return getattr(self, "_rows_" + table.replace(".", "_"))()  # type: ignore[no-any-return]

    def _schemas(self) -> list[str]:
        return [*self.st.schemas, *_SYSTEM_SCHEMAS]

    def _rows_pg_namespace(self) -> list[Row]:
        return [{"oid": ("ns", s), "nspname": s} for s in self._schemas()]

    def _rows_information_schema_schemata(self) -> list[Row]:
        return [{"schema_name": s} for s in self._schemas()]

    def _relations(self) -> list[tuple[Key, str]]:
        """(key, relkind) of every pg_class entry pgdrift models."""
        st = self.st
        out: list[tuple[Key, str]] = [(k, _RELKIND[r.kind]) for k, r in st.relations.items()]
        for k, table in st.indexes.items():
            rel = st.relations.get(table)
            out.append((k, "I" if rel is not None and rel.kind == "partitioned_table" else "i"))
        out.extend((k, "S") for k in st.sequences)
        out.extend((k, "c") for k, t in st.types.items() if t.kind == "composite")
        return out

    def _rows_pg_class(self) -> list[Row]:
        rows: list[Row] = [
            {"oid": ("rel", *k), "relname": k[1], "relnamespace": ("ns", k[0]), "relkind": kind}
            for k, kind in self._relations()
        ]
        for name, (kind, _cols) in builtins().relations.items():
            rows.append(
                {
                    "oid": ("rel", PG_CATALOG, name),
                    "relname": name,
                    "relnamespace": ("ns", PG_CATALOG),
                    "relkind": kind,
                }
            )
        for schema in (PG_CATALOG, "pg_toast"):
            rows.append(
                {
                    "oid": ("rel", schema, _ANY),
                    "relname": _SYSTEM_NAME,
                    "relnamespace": ("ns", schema),
                    "relkind": _ANY,
                }
            )
        rows.append(
            {
                "oid": ("rel", "information_schema", _ANY),
                "relname": _INFO_NAME,
                "relnamespace": ("ns", "information_schema"),
                "relkind": _ANY,
            }
        )
        return rows

    def _rows_pg_type(self) -> list[Row]:
        st = self.st
        rows: list[Row] = []

        def add(schema: str, name: str, typtype: str) -> None:
            rows.append(
                {
                    "oid": ("type", schema, name),
                    "typname": name,
                    "typnamespace": ("ns", schema),
                    "typtype": typtype,
                }
            )

        for (schema, name), t in st.types.items():
            add(schema, name, _TYPTYPE.get(t.kind, "b"))
            if t.kind in ("enum", "composite", "domain", "range", "multirange", "base"):
                add(schema, _array_name(name), "b")
        for schema, name in st.relations:
            add(schema, name, "c")
            add(schema, _array_name(name), "b")
        for name, bt in builtins().types.items():
            add(PG_CATALOG, name, bt.typtype)
        names = _INFO_SCHEMA_TYPES | _INFO_SCHEMA_RELATIONS
        rows.append(
            {
                "oid": ("type", "information_schema", _ANY),
                "typname": _Some(names=names | {_array_name(n) for n in names}),
                "typnamespace": ("ns", "information_schema"),
                "typtype": _ANY,
            }
        )
        if any(t.kind == "range" for t in st.types.values()):
            rows.append(
                {
                    "oid": _ANY,
                    "typname": _Some(suffixes=("multirange",)),
                    "typnamespace": _ANY,
                    "typtype": _ANY,
                }
            )
        return rows

    def _rows_pg_proc(self) -> list[Row]:
        rows: list[Row] = [
            {
                "oid": ("proc", *k[:2], k[2]),
                "proname": f.name,
                "pronamespace": ("ns", f.schema),
                "prokind": "p" if f.procedure else "a" if f.aggregate else "f",
            }
            for k, f in self.st.functions.items()
        ]
        for name, procs in builtins().procs.items():
            for p in procs:
                rows.append(
                    {
                        "oid": ("proc", PG_CATALOG, name, _ANY),
                        "proname": name,
                        "pronamespace": ("ns", PG_CATALOG),
                        "prokind": p.kind,
                    }
                )
        rows.append(
            {
                "oid": ("proc", "information_schema", _ANY, _ANY),
                "proname": _Some(prefixes=("_pg_",)),
                "pronamespace": ("ns", "information_schema"),
                "prokind": "f",
            }
        )
        return rows

    def _rows_information_schema_routines(self) -> list[Row]:
        return [
            {"routine_schema": r["pronamespace"][1], "routine_name": r["proname"]}  # type: ignore[index]
            for r in self._rows_pg_proc()
            if r["prokind"] in ("f", "p")
        ]

    def _rows_pg_constraint(self) -> list[Row]:
        st = self.st
        rows: list[Row] = []
        for k, rel in st.relations.items():
            for c in rel.constraints:
                rows.append(
                    {
                        "conname": c.name,
                        "conrelid": ("rel", *k),
                        "connamespace": ("ns", k[0]),
                        "contype": c.kind,
                        "contypid": 0,
                    }
                )
            if self.r.options.server_version >= 18 and any(c.not_null for c in rel.columns):
                rows.append(
                    {
                        "conname": _Some(suffixes=("_not_null",)),
                        "conrelid": ("rel", *k),
                        "connamespace": ("ns", k[0]),
                        "contype": "n",
                        "contypid": 0,
                    }
                )
        for k, t in st.types.items():
            for name, _text in t.checks:
                rows.append(
                    {
                        "conname": name,
                        "conrelid": 0,
                        "connamespace": ("ns", k[0]),
                        "contype": "c",
                        "contypid": ("type", *k),
                    }
                )
        rows.append(
            {
                "conname": _SYSTEM_NAME,
                "conrelid": ("rel", PG_CATALOG, _ANY),
                "connamespace": ("ns", PG_CATALOG),
                "contype": _ANY,
                "contypid": 0,
            }
        )
        return rows

    def _rows_information_schema_table_constraints(self) -> list[Row]:
        kinds = {"p": "PRIMARY KEY", "u": "UNIQUE", "f": "FOREIGN KEY", "c": "CHECK"}
        rows: list[Row] = []
        for k, rel in self.st.relations.items():
            if rel.kind not in ("table", "partitioned_table", "foreign_table"):
                continue
            for c in rel.constraints:
                if c.kind in kinds:
                    rows.append(
                        {
                            "constraint_schema": k[0],
                            "constraint_name": c.name,
                            "table_schema": k[0],
                            "table_name": k[1],
                            "constraint_type": kinds[c.kind],
                        }
                    )
            if any(c.not_null for c in rel.columns):
                rows.append(
                    {
                        "constraint_schema": k[0],
                        "constraint_name": _Some(suffixes=("_not_null",)),
                        "table_schema": k[0],
                        "table_name": k[1],
                        "constraint_type": "CHECK",
                    }
                )
        return rows

    def _user_columns(self) -> Iterator[tuple[Key, RelState, int, ColState]]:
        for k, rel in self.st.relations.items():
            for i, c in enumerate(rel.columns, 1):
                yield k, rel, i, c

    def _rows_pg_attribute(self) -> list[Row]:
        rows: list[Row] = []
        for k, rel in self.st.relations.items():
            for i, c in enumerate(rel.columns, 1):
                rows.append(
                    {"attrelid": ("rel", *k), "attname": c.name, "attnum": i, "attisdropped": False}
                )
            if rel.kind in ("table", "partitioned_table", "foreign_table", "materialized_view"):
                for i, name in enumerate(_SYSTEM_COLUMNS, 1):
                    rows.append(
                        {
                            "attrelid": ("rel", *k),
                            "attname": name,
                            "attnum": -i,
                            "attisdropped": False,
                        }
                    )
        for k, t in self.st.types.items():
            for i, (name, _t, _m) in enumerate(t.attributes, 1):
                rows.append(
                    {"attrelid": ("rel", *k), "attname": name, "attnum": i, "attisdropped": False}
                )
        for schema in _SYSTEM_SCHEMAS:
            rows.append(
                {
                    "attrelid": ("rel", schema, _ANY),
                    "attname": _ANY,
                    "attnum": _ANY,
                    "attisdropped": _ANY,
                }
            )
        return rows

    def _rows_information_schema_columns(self) -> list[Row]:
        rows: list[Row] = [
            {"table_schema": k[0], "table_name": k[1], "column_name": c.name}
            for k, rel, _i, c in self._user_columns()
            if rel.kind != "materialized_view"
        ]
        rows.append({"table_schema": PG_CATALOG, "table_name": _SYSTEM_NAME, "column_name": _ANY})
        rows.append(
            {"table_schema": "information_schema", "table_name": _INFO_NAME, "column_name": _ANY}
        )
        return rows

    def _rows_information_schema_tables(self) -> list[Row]:
        types = {
            "table": "BASE TABLE",
            "partitioned_table": "BASE TABLE",
            "view": "VIEW",
            "foreign_table": "FOREIGN",
        }
        rows: list[Row] = [
            {"table_schema": k[0], "table_name": k[1], "table_type": types[r.kind]}
            for k, r in self.st.relations.items()
            if r.kind in types
        ]
        for name, (kind, _cols) in builtins().relations.items():
            rows.append(
                {
                    "table_schema": PG_CATALOG,
                    "table_name": name,
                    "table_type": "VIEW" if kind == "v" else "BASE TABLE",
                }
            )
        rows.append(
            {"table_schema": "information_schema", "table_name": _INFO_NAME, "table_type": _ANY}
        )
        return rows

    def _rows_information_schema_views(self) -> list[Row]:
        return [
            {"table_schema": r["table_schema"], "table_name": r["table_name"]}
            for r in self._rows_information_schema_tables()
            if r["table_type"] == "VIEW" or isinstance(r["table_type"], _Some)
        ]

    def _rows_information_schema_sequences(self) -> list[Row]:
        return [{"sequence_schema": k[0], "sequence_name": k[1]} for k in self.st.sequences]

    def _rows_pg_tables(self) -> list[Row]:
        rows: list[Row] = [
            {"schemaname": k[0], "tablename": k[1]}
            for k, r in self.st.relations.items()
            if r.kind in ("table", "partitioned_table")
        ]
        for name, (kind, _cols) in builtins().relations.items():
            if kind == "r":
                rows.append({"schemaname": PG_CATALOG, "tablename": name})
        rows.append({"schemaname": "information_schema", "tablename": _Some(prefixes=("sql_",))})
        return rows

    def _rows_pg_views(self) -> list[Row]:
        rows: list[Row] = [
            {"schemaname": k[0], "viewname": k[1]}
            for k, r in self.st.relations.items()
            if r.kind == "view"
        ]
        for name, (kind, _cols) in builtins().relations.items():
            if kind == "v":
                rows.append({"schemaname": PG_CATALOG, "viewname": name})
        rows.append({"schemaname": "information_schema", "viewname": _INFO_NAME})
        return rows

    def _rows_pg_matviews(self) -> list[Row]:
        return [
            {"schemaname": k[0], "matviewname": k[1]}
            for k, r in self.st.relations.items()
            if r.kind == "materialized_view"
        ]

    def _rows_pg_indexes(self) -> list[Row]:
        st = self.st
        rows: list[Row] = [
            {"schemaname": k[0], "tablename": table[1], "indexname": k[1]}
            for k, table in st.indexes.items()
            if table in st.relations and st.relations[table].kind != "partitioned_table"
        ]
        for schema in (PG_CATALOG, "pg_toast"):
            rows.append(
                {"schemaname": schema, "tablename": _SYSTEM_NAME, "indexname": _SYSTEM_NAME}
            )
        return rows

    def _rows_pg_policy(self) -> list[Row]:
        return [
            {"polname": p.name, "polrelid": ("rel", *k)}
            for k, rel in self.st.relations.items()
            for p in rel.policies
        ]

    def _rows_pg_policies(self) -> list[Row]:
        return [
            {"schemaname": k[0], "tablename": k[1], "policyname": p.name}
            for k, rel in self.st.relations.items()
            for p in rel.policies
        ]

    def _rows_pg_trigger(self) -> list[Row]:
        rows: list[Row] = [
            {"tgname": t[0], "tgrelid": ("rel", *k)}
            for k, rel in self.st.relations.items()
            for t in rel.triggers
        ]
        rows.append({"tgname": _Some(prefixes=("RI_ConstraintTrigger_",)), "tgrelid": _ANY})
        return rows

    def _rows_pg_extension(self) -> list[Row]:
        rows: list[Row] = [{"extname": "plpgsql", "extnamespace": ("ns", PG_CATALOG)}]
        for name, schema in self.st.extensions.items():
            if not self.r.is_standin(name):
                rows.append({"extname": name, "extnamespace": ("ns", schema)})
        return rows

    def _rows_pg_enum(self) -> list[Row]:
        return [
            {"enumtypid": ("type", *k), "enumlabel": label}
            for k, t in self.st.types.items()
            if t.kind == "enum"
            for label in t.labels
        ]


_CATALOG_COLUMNS: dict[str, frozenset[str]] = {
    name: frozenset(cols.split())
    for name, cols in {
        "pg_namespace": "oid nspname",
        "pg_class": "oid relname relnamespace relkind",
        "pg_type": "oid typname typnamespace typtype",
        "pg_proc": "oid proname pronamespace prokind",
        "pg_constraint": "conname conrelid connamespace contype contypid",
        "pg_attribute": "attrelid attname attnum attisdropped",
        "pg_policy": "polname polrelid",
        "pg_policies": "schemaname tablename policyname",
        "pg_trigger": "tgname tgrelid",
        "pg_extension": "extname extnamespace",
        "pg_enum": "enumtypid enumlabel",
        "pg_indexes": "schemaname tablename indexname",
        "pg_tables": "schemaname tablename",
        "pg_views": "schemaname viewname",
        "pg_matviews": "schemaname matviewname",
        "information_schema.schemata": "schema_name",
        "information_schema.tables": "table_schema table_name table_type",
        "information_schema.views": "table_schema table_name",
        "information_schema.columns": "table_schema table_name column_name",
        "information_schema.table_constraints": (
            "constraint_schema constraint_name table_schema table_name constraint_type"
        ),
        "information_schema.routines": "routine_schema routine_name",
        "information_schema.sequences": "sequence_schema sequence_name",
    }.items()
}


def _array_name(name: str) -> str:
    return D.truncate_identifier("_" + name)


def _conjuncts(node: E.Node, out: list[E.Node]) -> None:
    node = _unwrap(node)
    if isinstance(node, E.BoolOp) and node.op == "AND":
        for a in node.args:
            _conjuncts(a, out)
    else:
        out.append(node)


class _Env:
    """The rows a query's condition is evaluated on, by alias."""

    def __init__(self, tables: list[tuple[str, str]], rows: dict[str, Row] | None = None) -> None:
        self.tables = tables
        self.rows: dict[str, Row] = rows or {}
        self._aliases: dict[int, frozenset[str]] = {}

    def resolve(self, ref: E.ColumnRef) -> tuple[str, str]:
        names = ref.names
        col = names[-1]
        if len(names) == 1:
            found = [a for a, t in self.tables if col in _CATALOG_COLUMNS[t]]
            if len(found) != 1:
                raise _Undecided(f"column {col} is not one pgdrift reads")
            return found[0], col
        qualifier = names[-2]
        for alias, table in self.tables:
            if alias == qualifier and col in _CATALOG_COLUMNS[table]:
                return alias, col
        raise _Undecided(f"column {'.'.join(names)} is not one pgdrift reads")

    def value(self, ref: E.ColumnRef) -> object:
        alias, col = self.resolve(ref)
        row = self.rows.get(alias)
        if row is None:
            raise _Undecided(f"column {'.'.join(ref.names)} is not one pgdrift reads")
        return row[col]

    def aliases_of(self, node: E.Node) -> frozenset[str]:
        got = self._aliases.get(id(node))
        if got is None:
            found: set[str] = set()
            self._collect(node, found)
            got = frozenset(found)
            self._aliases[id(node)] = got
        return got

    def _collect(self, node: object, found: set[str]) -> None:
        if isinstance(node, E.ColumnRef):
            found.add(self.resolve(node)[0])
        elif isinstance(node, E.SubLink):
            return  # subqueries are evaluated on their own
        elif isinstance(node, E.Node):
            for f in fields(node):  # type: ignore[arg-type]
                self._collect(getattr(node, f.name), found)
        elif isinstance(node, tuple):
            for x in node:
                self._collect(x, found)


# --------------------------------------------------------------------------- catalog adapters


class _ResolveCatalog:
    """The Analyzer's view of the state while a statement runs (session search_path)."""

    def __init__(self, r: Replayer) -> None:
        self.r = r
        self._ext: ExtResolution | None = None

    def find_type(self, names: tuple[str, ...]) -> PgType | None:
        k = self.r.find_type_key(names)
        return self.r.pgtype(k) if k else None

    def find_functions(self, names: tuple[str, ...]) -> list[FuncSig]:
        r = self.r
        st = r.state
        fname = names[-1]
        # pg_catalog first: an extension's functions installed there.
        schemas = [names[-2]] if len(names) >= 2 else [PG_CATALOG, *r.effective_path()]
        out: list[FuncSig] = []
        for schema in schemas:
            for k in st.functions_named(schema, fname):
                fs = st.functions[k]
                if not fs.procedure:
                    out.append(_signature(fs))
        return out

    def find_relation(self, names: tuple[str, ...]) -> RelationInfo | None:
        if (len(names) == 1 and self.builtins_first()) or (
            len(names) >= 2 and names[-2] == PG_CATALOG
        ):
            sysrel = builtins().relations.get(names[-1])
            if sysrel is not None:
                cols = tuple(
                    ColumnInfo(c, builtin(t)) for c, t in sysrel[1] if builtin_type(t) is not None
                )
                return RelationInfo(
                    PG_CATALOG, names[-1], "table" if sysrel[0] == "r" else "view", cols
                )
        k = self.r.find_relation_key(names)
        if k is None:
            return None
        rel = self.r.state.relations[k]
        return RelationInfo(
            rel.schema, rel.name, rel.kind, self.r.column_infos(rel, with_not_null=True)
        )

    def row_columns(self, t: PgType) -> tuple[ColumnInfo, ...] | None:
        if t.is_builtin:
            sysrel = builtins().relations.get(t.name) if t.kind == "relation" else None
            if sysrel is None:
                return None
            return tuple(
                ColumnInfo(c, builtin(ct)) for c, ct in sysrel[1] if builtin_type(ct) is not None
            )
        k = (t.schema, t.name)
        ts = self.r.state.types.get(k)
        if ts is not None:
            if ts.kind != "composite":
                return None
            return tuple(ColumnInfo(n, at, mods) for n, at, mods in ts.attributes)
        rel = self.r.state.relations.get(k)
        return self.r.column_infos(rel, with_not_null=False) if rel is not None else None

    def type_visible(self, t: PgType) -> bool:
        return self.r._display.type_visible(t)

    def function_visible(self, schema: str, name: str) -> bool:
        return self.r._display.function_visible(schema, name)

    def relation_visible(self, schema: str, name: str) -> bool:
        return self.r._display.relation_visible(schema, name)

    def regclass(self, text: str) -> tuple[Key, str] | None:
        r = self.r
        names = parse_qualified(text)
        if not names:
            return None
        k = (
            r._find_in_path(names, r.state.sequences)
            or r.find_relation_key(names)
            or r._find_in_path(names, r.state.indexes)
        )
        if k is None:
            return None
        return k, r._display.regclass_text(*k)

    def text_search_text(self, kind: str, text: str) -> str | None:
        r = self.r
        names = parse_qualified(text)
        if not names or len(names) > 2:
            return None
        if len(names) == 2 and names[0] == PG_CATALOG:
            schema = PG_CATALOG
        else:
            found = r._find_text_search(kind, names)
            if found is None:
                if len(names) == 2:
                    return None
                schema = PG_CATALOG  # pg_catalog's (not checked: it would fail)
            else:
                schema = found[1]
        return r._display.text_search_display(kind, schema, names[-1])

    def builtins_first(self) -> bool:
        return "pg_catalog" not in self.r.path

    def _extensions(self) -> ExtResolution:
        # Kept for the one statement this catalog serves.
        if self._ext is None:
            self._ext = self.r.extension_resolution()
        return self._ext

    def extension_operators(self, name: str, prefix: bool) -> Sequence[FuncSig]:
        return self._extensions().operators.get((name, prefix), ())

    def operator_path(self) -> Sequence[str]:
        st = self.r.state
        path = [s for s in self.r.path if s in st.schemas or s in _SYSTEM_SCHEMAS]
        return path if PG_CATALOG in path else [PG_CATALOG, *path]

    def extension_casts(self) -> Mapping[tuple[Key, Key], str]:
        return self._extensions().casts

    def extension_key(self) -> object:
        # Extensions installed in pg_catalog add to the builtins' overloads.
        installed = self.r.state.extensions
        if self._extensions() is _NO_EXT_RESOLUTION and PG_CATALOG not in installed.values():
            return None
        return self.r.installed_extensions(), tuple(self.operator_path())

    def operator_visible(self, schema: str, name: str, left: PgType | None, right: PgType) -> bool:
        return self.r._display.operator_visible(schema, name, left, right)

    def knows_all(self, kind: str, names: tuple[str, ...]) -> bool:
        return self.r.knows_all(kind, names)

    def enum_labels(self, t: PgType) -> tuple[tuple[str, ...], frozenset[str]] | None:
        return self.r.enum_labels(t)


class _DisplayCatalog(_ResolveCatalog):
    """Visibility as the session that reads the catalog sees it."""

    def _path(self) -> list[str]:
        return [s for s in self.r.options.display_path if s in self.r.state.schemas]

    def type_visible(self, t: PgType) -> bool:
        if t.is_builtin:
            return True
        for s in self._path():
            if s == t.schema:
                return True
            if (s, t.name) in self.r.state.types or (s, t.name) in self.r.state.relations:
                return False
        return False

    def function_visible(self, schema: str, name: str) -> bool:
        if schema == PG_CATALOG:
            return True
        for s in self._path():
            if s == schema:
                return True
            if self.r.state.functions_named(s, name):
                return False
        return False

    def relation_visible(self, schema: str, name: str) -> bool:
        if schema == PG_CATALOG:
            return True
        for s in self._path():
            if s == schema:
                return True
            if (s, name) in self.r.state.relations:
                return False
        return False

    def operator_visible(self, schema: str, name: str, left: PgType | None, right: PgType) -> bool:
        # OpernameGetOprid with the exact operand types along the reading
        # session's path (pg_catalog first): the first schema that has one.
        lname = "" if left is None else left.name if left.is_builtin else None
        if right.is_builtin and lname is not None:
            for o in builtins().operators.get(name, ()):
                if o.left == lname and o.right == right.name:
                    return False
        ext = self.r.extension_resolution()
        ops = ext.operators.get((name, left is None), ())
        operands = (right,) if left is None else (left, right)
        for s in [PG_CATALOG, *self._path()]:
            if s == schema:
                return True
            for sig in ops:
                if sig.schema == s and all(map(same_type, sig.args, operands)):
                    return False
        return False

    def text_search_display(self, kind: str, schema: str, name: str) -> str:
        """A text search object's name as regconfigout / regdictionaryout
        print it: alone when the reading session finds it first."""
        path = self._path()
        builtin = builtin_text_search(kind, self.r.options.server_version)
        for s in (PG_CATALOG, *path):
            if s == schema:
                return quote_ident(name)
            if s == PG_CATALOG and name in builtin:
                break
            if (kind, s, name) in self.r.state.text_search:
                break
        return f"{quote_ident(schema)}.{quote_ident(name)}"

    def regclass_text(self, schema: str, name: str) -> str:
        visible = False
        st = self.r.state
        for s in self._path():
            if s == schema:
                visible = True
                break
            if (s, name) in st.relations or (s, name) in st.sequences or (s, name) in st.indexes:
                break
        if visible:
            return quote_ident(name)
        return f"{quote_ident(schema)}.{quote_ident(name)}"


# --------------------------------------------------------------------------- freeze


_VIEW_KINDS = ("view", "materialized_view")


def _freeze_deps(rel: RelState, state: State, display: _DisplayCatalog) -> tuple[object, ...]:
    """What a frozen relation depends on besides its own state: the
    identities of the states of its columns' domains (nullability) and, for
    views, of the relations their columns pass through (column sources); and
    whether each user type of its columns prints unqualified (a type or
    table created later in a schema earlier on the path hides it)."""
    out: list[object] = []
    for c in rel.columns:
        t = c.type
        if t.kind == "domain":
            out.append(id(state.types.get((t.schema, t.name))))
        if t.kind == "array" and t.elem is not None:
            t = t.elem
        if not t.is_builtin:
            out.append(display.type_visible(t))
    if rel.deps:
        seen: set[Key] = set()
        todo = list(rel.deps)
        while todo:
            k = todo.pop()
            if k in seen:
                continue
            seen.add(k)
            dep = state.relations.get(k)
            out.append(id(dep))
            if dep is not None and dep.kind in _VIEW_KINDS:
                todo.extend(dep.deps)
    return tuple(out)


def _freeze_relation(
    rel: RelState,
    state: State,
    inc: set[str],
    display_of: Callable[[PgType, tuple[str, ...]], str],
) -> tuple[Relation, tuple[tuple[int, ForeignKey], ...]]:
    rel_fks: list[tuple[int, ForeignKey]] = []
    cols = []
    is_view = rel.kind in ("view", "materialized_view")
    for c in rel.columns:
        not_null = c.not_null and not is_view
        if c.type.kind == "domain":
            ts = state.types.get((c.type.schema, c.type.name))
            if ts is not None and ts.not_null:
                not_null = True
        if rel.kind == "materialized_view":
            updatable = False
        elif rel.kind == "view":
            updatable = c.updatable
        elif rel.kind == "foreign_table":
            updatable = False
        else:
            updatable = True
        cols.append(
            Column(
                name=c.name,
                type=c.type.ref,
                type_display=display_of(c.type, c.mods),
                nullable=not not_null,
                default=c.default,
                identity=c.identity,  # type: ignore[arg-type]
                generated=c.generated,
                array_dims=c.ndims,
                updatable=updatable,
                comment=c.comment,
                span=c.span,
                altered=c.altered,
            )
        )
    pk = next((c.columns for c in rel.constraints if c.kind == "p"), ())
    uks = tuple(c.columns for c in rel.constraints if c.kind == "u")
    sources: list[ColumnSource] = []
    if is_view:
        for colname, target, tcol in rel.origins:
            end = _follow_origin(state.relations, inc, target, tcol)
            if end is not None:
                ek, ecol = end
                erel = state.relations.get(ek)
                if erel is not None and erel.kind in (
                    "table",
                    "partitioned_table",
                    "foreign_table",
                ):
                    sources.append(ColumnSource(colname, ek[0], ek[1], ecol))
    # Tables are writable; views per postgres-meta's rule; matviews never.
    updatable_rel = rel.view_updatable if rel.kind == "view" else rel.kind != "materialized_view"
    frozen = Relation(
        schema=rel.schema,
        name=rel.name,
        kind=rel.kind,
        columns=tuple(cols),
        primary_key=pk,
        unique_keys=uks,
        updatable=updatable_rel,
        column_sources=tuple(sources),
        definition=None,
        partition_of=rel.partition_of,
        rls_enabled=rel.rls_enabled,
        rls_forced=rel.rls_forced,
        policies=rel.policies,
        comment=rel.comment,
        span=rel.span,
        altered=rel.altered,
    )
    for con in rel.constraints:
        if con.kind == "f" and con.ref is not None:
            rel_fks.append(
                (
                    con.seq,
                    ForeignKey(
                        name=con.name,
                        schema=rel.schema,
                        table=rel.name,
                        columns=con.columns,
                        referenced_schema=con.ref[0],
                        referenced_table=con.ref[1],
                        referenced_columns=con.ref_columns,
                        on_update=con.on_update,
                        on_delete=con.on_delete,
                        span=con.span,
                    ),
                )
            )
    return frozen, tuple(rel_fks)


FreezeCache = dict[int, tuple[Any, tuple[object, ...], Any, tuple[tuple[int, ForeignKey], ...]]]


class _Freezer:
    """Relation states frozen into model relations, through a cache (kept by
    the caller between calls) that maps relation states to the relations
    frozen from them: a relation whose state object and dependencies
    (:func:`_freeze_deps`) did not change is not frozen again."""

    def __init__(
        self, state: State, options: Options, display: _DisplayCatalog, cache: FreezeCache | None
    ) -> None:
        self.state = state
        self.display = display
        self.cache = cache
        self.included = [
            s
            for s in dict.fromkeys(options.schemas)
            if s in state.schemas and not s.startswith("pg_")
        ]
        self.inc = set(self.included)
        self._inc_key = tuple(self.included)
        self._display_cache: dict[tuple[PgType, tuple[str, ...]], str] = {}

    def fmt(self, t: PgType, mods: tuple[str, ...] | None) -> str:
        fields = ""
        if (
            mods
            and (t.elem or t).is_builtin
            and (t.elem or t).name == "interval"
            and not mods[0].isdigit()
        ):
            fields, mods = mods[0], mods[1:]
        return format_type(t, mods, self.display.type_visible, interval_fields=fields)

    def display_of(self, t: PgType, mods: tuple[str, ...]) -> str:
        key = (t, mods)
        text = self._display_cache.get(key)
        if text is None:
            text = self._display_cache[key] = self.fmt(t, mods)
        return text

    def relation(
        self, rel: RelState, fresh: FreezeCache
    ) -> tuple[Relation, tuple[tuple[int, ForeignKey], ...]]:
        """``rel`` frozen (or its cached form), recorded in ``fresh``."""
        deps = (self._inc_key, *_freeze_deps(rel, self.state, self.display))
        hit = self.cache.get(id(rel)) if self.cache is not None else None
        if hit is not None and hit[0] is rel and hit[1] == deps:
            frozen, rel_fks = hit[2], hit[3]
        else:
            frozen, rel_fks = _freeze_relation(rel, self.state, self.inc, self.display_of)
        fresh[id(rel)] = (rel, deps, frozen, rel_fks)
        return frozen, rel_fks


def prefreeze(
    state: State,
    options: Options,
    display: _DisplayCatalog,
    cache: FreezeCache,
    relations: Iterable[RelState],
) -> None:
    """Freeze ``relations`` into ``cache`` ahead of :func:`freeze` (a cold
    index does it while it waits for parse results): those that do not
    change before then are not frozen again."""
    freezer = _Freezer(state, options, display, cache)
    for rel in relations:
        if rel.schema in freezer.inc:
            freezer.relation(rel, cache)


def freeze(
    state: State,
    options: Options,
    display: _DisplayCatalog,
    cache: FreezeCache | None = None,
) -> Schema:
    """The immutable :class:`Schema` the catalog source would report; see
    :class:`_Freezer` for ``cache``."""
    freezer = _Freezer(state, options, display, cache)
    included, inc, fmt = freezer.included, freezer.inc, freezer.fmt
    relations: list[Relation] = []
    fks: list[tuple[int, ForeignKey]] = []
    fresh: FreezeCache = {}
    for rel in state.relations.values():
        if rel.schema not in inc:
            continue
        frozen, rel_fks = freezer.relation(rel, fresh)
        relations.append(frozen)
        fks.extend(rel_fks)
    fks.sort(key=lambda x: x[0])

    enums: list[Enum] = []
    composites: list[CompositeType] = []
    domains: list[Domain] = []
    for ts in state.types.values():
        if ts.schema.startswith("pg_") or ts.schema == "information_schema":
            continue
        if ts.kind == "enum":
            enums.append(Enum(ts.schema, ts.name, ts.labels, ts.comment, ts.span, ts.altered))
        elif ts.kind == "composite":
            composites.append(
                CompositeType(
                    ts.schema,
                    ts.name,
                    tuple(Attribute(n, t.ref) for n, t, _m in ts.attributes),
                    ts.comment,
                    ts.span,
                    ts.altered,
                )
            )
        elif ts.kind == "domain" and ts.base is not None:
            domains.append(
                Domain(
                    ts.schema,
                    ts.name,
                    ts.base.ref,
                    ts.not_null,
                    ts.default,
                    tuple(c[1] for c in ts.checks),
                    ts.comment,
                    ts.span,
                    ts.altered,
                )
            )

    functions: list[Function] = []
    path = display._path()
    for fs in state.functions.values():
        if fs.schema not in inc or fs.procedure or fs.aggregate:
            continue
        if (
            fs.result.is_builtin
            and fs.result.name in ("trigger", "event_trigger")
            and not fs.retset
        ):
            continue
        fdeps = _function_deps(fs, display)
        fhit = cache.get(id(fs)) if cache is not None else None
        if fhit is not None and fhit[0] is fs and fhit[1] == fdeps:
            frozen_fn = fhit[2]
        else:
            frozen_fn = _freeze_function(fs, fmt, path, options.server_version)
        fresh[id(fs)] = (fs, fdeps, frozen_fn, ())
        functions.append(frozen_fn)

    if cache is not None:
        cache.clear()
        cache.update(fresh)
    return Schema(
        schemas=tuple(included),
        relations=tuple(relations),
        enums=tuple(enums),
        composites=tuple(composites),
        domains=tuple(domains),
        functions=tuple(functions),
        foreign_keys=tuple(fk for _, fk in fks),
        schema_comments=tuple(
            (s, comment) for s in included if (comment := state.schemas.get(s)) is not None
        ),
    )


def _function_deps(fs: FuncState, display: _DisplayCatalog) -> tuple[object, ...]:
    """What a frozen function depends on besides its own state: whether each
    user type of its signature prints unqualified."""
    out: list[object] = []
    for t in (*(a.type for a in fs.args), fs.result):
        if t.kind == "array" and t.elem is not None:
            t = t.elem
        if not t.is_builtin:
            out.append(display.type_visible(t))
    return tuple(out)


def _follow_origin(
    relations: dict[Key, RelState], inc: set[str], target: Key, col: str
) -> tuple[Key, str] | None:
    seen: set[Key] = set()
    while (view := relations.get(target)) is not None and view.kind in _VIEW_KINDS:
        if target[0] not in inc or target in seen:
            return None
        seen.add(target)
        nxt = next(((t, c) for name, t, c in view.origins if name == col), None)
        if nxt is None:
            return None
        target, col = nxt
    return target, col


def _freeze_function(
    fs: FuncState,
    fmt: Callable[[PgType, tuple[str, ...] | None], str],
    display_path: Sequence[str],
    server_version: int = 15,
) -> Function:
    def arg_text(a: ArgState, with_default: bool) -> str:
        mode = {"in": "", "out": "OUT ", "inout": "INOUT ", "variadic": "VARIADIC "}[a.mode]
        name = f"{quote_ident(a.name)} " if a.name else ""
        text = f"{mode}{name}{fmt(a.type, None)}"
        if with_default and a.default is not None:
            text += f" DEFAULT {a.default}"
        return text

    arguments = ", ".join(arg_text(a, True) for a in fs.args)
    identity = ", ".join(arg_text(a, False) for a in fs.args)
    if fs.texts is not None:
        # An extension member: Postgres' own texts, qualified when the schema
        # is off the search path.
        if fs.schema in display_path:
            arguments, identity, result = fs.texts[0]
        else:
            marker = extension_catalog_schema(server_version)
            arguments, identity, result = (
                t.replace(marker + ".", quote_ident(fs.schema) + ".") for t in fs.texts[1]
            )
    elif fs.table_columns is not None:
        result = (
            "TABLE("
            + ", ".join(f"{quote_ident(n)} {fmt(t, None)}" for n, t in fs.table_columns)
            + ")"
        )
    else:
        result = ("SETOF " if fs.retset else "") + fmt(fs.result, None)
    # pronargs counts IN/INOUT/VARIADIC args; postgres-meta zips the "has
    # default" flags (the last pronargdefaults of them) with ALL args.
    nargs = sum(1 for a in fs.args if a.mode in ("in", "inout", "variadic"))
    ndefaults = sum(
        1 for a in fs.args if a.mode in ("in", "inout", "variadic") and a.default is not None
    )
    first_default = nargs - ndefaults
    model_args: list[FunctionArg] = []
    for i, a in enumerate(fs.args):
        model_args.append(
            FunctionArg(
                name=a.name,
                type=a.type.ref,
                type_display=fmt(a.type, None),
                mode=a.mode,  # type: ignore[arg-type]
                has_default=first_default <= i < nargs,
            )
        )
    if fs.table_columns is not None:
        for n, t in fs.table_columns:
            i = len(model_args)
            model_args.append(
                FunctionArg(n, t.ref, fmt(t, None), "table", first_default <= i < nargs)
            )
    return Function(
        schema=fs.schema,
        name=fs.name,
        args=tuple(model_args),
        argument_types=arguments,
        identity_arguments=identity,
        return_type=result,
        return_type_ref=fs.result.ref,
        returns_set=fs.retset,
        rows=fs.rows if fs.retset and fs.rows else None,
        volatility=fs.volatility,  # type: ignore[arg-type]
        language=fs.language,
        security_definer=fs.security_definer,
        definition=fs.body,
        comment=fs.comment,
        span=fs.span,
        altered=fs.altered,
    )


_ = (same_type, TypeState)
