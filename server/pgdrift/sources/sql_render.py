"""Resolve parsed expressions as Postgres does, and print them as it does.

Postgres stores a column default, a policy qual or a CHECK constraint as an
analyzed tree: literals resolved to types, operators and functions chosen
among overloads, implicit casts inserted. ``pg_get_expr`` prints that tree
back (ruleutils.c), and its text is what the catalog source reports. This
module does the same two steps statically:

* :class:`Analyzer` turns :mod:`~pgdrift.sources.sql_expr` nodes into typed
  nodes, following the rules of Postgres' "Type Conversion" chapter:
  unknown literals take the type their context wants, operators and
  functions are picked by exact match, then implicit coercibility, preferred
  types and type categories; polymorphic arguments are bound.
* :class:`Printer` renders typed nodes the way ruleutils.c does (not pretty):
  every operator parenthesized, casts shown where the server shows them,
  constants labelled with their type unless the type is implied.

Anything it cannot resolve raises :class:`RenderError`; callers then fall
back to a best-effort text and report nothing false as certain.
"""

from __future__ import annotations

import copy
import dataclasses
import ipaddress
import json
import re
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Protocol

from pgdrift.sources import sql_expr as E
from pgdrift.sources.pg_builtins import Proc, builtins, quote_ident, quote_literal
from pgdrift.sources.sql_tokens import ParseError, Stream, TokenizeError, tokenize
from pgdrift.sources.sql_types import (
    PG_CATALOG,
    PgType,
    TypeName,
    builtin,
    builtin_type,
    format_type,
)


class RenderError(Exception):
    """The expression uses something static analysis cannot resolve."""


class Undefined(RenderError):
    """An error Postgres certainly raises analyzing the expression, so the
    statement fails: a name nothing in the catalog has while the catalog
    knows everything that could have it (:meth:`Catalog.knows_all`), or a
    literal its type's input function rejects. Every other problem is a
    plain :class:`RenderError`: a limit of static analysis, not a failure."""

    def __init__(self, sqlstate: str, message: str) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


# --------------------------------------------------------------------------- catalog interface


@dataclass(frozen=True, slots=True)
class FuncSig:
    """A callable function: what overload resolution needs."""

    schema: str
    name: str
    args: tuple[PgType, ...]  # IN/INOUT/VARIADIC argument types in order
    arg_names: tuple[str, ...] = ()
    #: When the last argument is VARIADIC: its array type is args[-1].
    variadic: bool = False
    ndefaults: int = 0
    result: PgType = field(default_factory=lambda: builtin("void"))
    retset: bool = False
    kind: str = "f"  # f function, a aggregate, w window
    #: For functions with OUT/TABLE columns: their names and types.
    out_columns: tuple[tuple[str, PgType], ...] = ()


@dataclass(frozen=True, slots=True)
class ColumnInfo:
    name: str
    type: PgType
    mods: tuple[str, ...] = ()
    not_null: bool = False


@dataclass(frozen=True, slots=True)
class RelationInfo:
    schema: str
    name: str
    kind: str  # table, view, ...
    columns: tuple[ColumnInfo, ...]


class Catalog(Protocol):
    """What the analyzer asks of the schema built so far."""

    def find_type(self, names: tuple[str, ...]) -> PgType | None:
        """A non-builtin type (user, extension, relation row type) by name."""

    def find_functions(self, names: tuple[str, ...]) -> list[FuncSig]:
        """Non-builtin functions with this (possibly qualified) name, in
        search-path order."""

    def find_relation(self, names: tuple[str, ...]) -> RelationInfo | None: ...

    def row_columns(self, t: PgType) -> tuple[ColumnInfo, ...] | None:
        """The fields of a composite type or of a relation's row type (with
        their type modifiers), or None for any other type."""

    def type_visible(self, t: PgType) -> bool:
        """Whether ``format_type`` would print the type unqualified."""

    def function_visible(self, schema: str, name: str) -> bool: ...

    def relation_visible(self, schema: str, name: str) -> bool: ...

    def regclass(self, text: str) -> tuple[tuple[str, str], str] | None:
        """A ``'name'::regclass`` literal's relation: its key and its name as
        regclassout prints it, or None when unknown."""

    def text_search_text(self, kind: str, text: str) -> str | None:
        """A regconfig (``kind`` "configuration") or regdictionary
        ("dictionary") literal as its output function prints the object its
        input function finds, or None when unknown."""

    def builtins_first(self) -> bool:
        """Whether pg_catalog precedes the resolution search path (the default)."""

    def extension_operators(self, name: str, prefix: bool) -> Sequence[FuncSig]:
        """The operators called ``name`` that installed extensions add, in
        whatever schema (pg_catalog included): ``args`` are the operand types
        (one for a prefix operator)."""

    def operator_path(self) -> Sequence[str]:
        """The schemas an unqualified operator is looked up in, in order,
        pg_catalog where it applies."""

    def extension_casts(self) -> ExtCasts:
        """The casts installed extensions add."""

    def extension_key(self) -> object:
        """What the resolution of operators and functions depends on beyond
        builtins and argument types (installed extensions, search path): a
        hashable value, None when no installed extension adds operators or
        casts."""

    def operator_visible(self, schema: str, name: str, left: PgType | None, right: PgType) -> bool:
        """Whether ruleutils would print the operator of ``schema`` with
        these operand types unqualified (the reading session finds it first)."""

    def knows_all(self, kind: str, names: tuple[str, ...]) -> bool:
        """Whether the catalog finding no ``kind`` ("relation", "function" or
        "type") called ``names`` (looked up as the statement's session looks
        it up) means the server has none either: nothing pgdrift does not
        model (an unmodelled statement, a partial stand-in, the platform's
        own objects, a later server's builtins) may have made one. For
        "column", ``names`` is a relation's (schema, name): whether its
        columns are all known; for "schema", a schema's name: whether it
        certainly does not exist."""

    def enum_labels(self, t: PgType) -> tuple[Sequence[str], Collection[str]] | None:
        """An enum's labels when they are known for certain, and those of them
        added in the current transaction (not usable in it); None when not
        known."""


# --------------------------------------------------------------------------- typed nodes


class T:
    """A typed expression."""

    __slots__ = ("mods", "type")

    type: PgType
    mods: tuple[str, ...]


class TConst(T):
    __slots__ = ("is_null", "value")

    def __init__(self, type_: PgType, value: str | None, mods: tuple[str, ...] = ()) -> None:
        self.type = type_
        self.mods = mods
        self.value = value
        self.is_null = value is None


class TRegclass(TConst):
    """A regclass literal naming a known relation: the expression depends on
    it (Postgres records the dependency on the oid)."""

    __slots__ = ("key",)

    def __init__(self, type_: PgType, value: str, key: tuple[str, str]) -> None:
        super().__init__(type_, value)
        self.key = key


class TVar(T):
    __slots__ = ("entry", "name", "origin", "refname", "rte_text")

    def __init__(
        self,
        name: str,
        refname: str,
        type_: PgType,
        mods: tuple[str, ...],
        origin: tuple[str, str, str] | None,
        entry: RangeEntry | None = None,
    ) -> None:
        self.name = name
        self.refname = refname
        self.type = type_
        self.mods = mods
        self.origin = origin
        #: The range-table entry the column belongs to: the printer names it.
        self.entry = entry


class TWholeRow(T):
    __slots__ = ("entry", "refname")

    def __init__(self, refname: str, type_: PgType, entry: RangeEntry | None = None) -> None:
        self.refname = refname
        self.type = type_
        self.mods = ()
        self.entry = entry


class TParam(T):
    __slots__ = ("number",)

    def __init__(self, number: int, type_: PgType) -> None:
        self.number = number
        self.type = type_
        self.mods = ()


#: Types with a length-coercion cast (pg_cast rows from a type to itself).
#: interval has one too, but its input function applies the typmod itself.
_LENGTH_COERCED = frozenset(
    ["bpchar", "varchar", "numeric", "time", "timetz", "timestamp", "timestamptz", "bit", "varbit"]
)


def _has_length_coercion(t: PgType) -> bool:
    t = t.elem if t.kind == "array" and t.elem is not None else t
    return t.is_builtin and t.name in _LENGTH_COERCED


class TCast(T):
    """Any coercion: relabel, cast function, I/O, array or domain coercion."""

    __slots__ = ("arg", "implicit")

    def __init__(self, arg: T, type_: PgType, mods: tuple[str, ...], implicit: bool) -> None:
        self.arg = arg
        self.type = type_
        self.mods = mods
        self.implicit = implicit


class TFunc(T):
    __slots__ = ("agg", "arg_names", "args", "name", "schema", "sig", "syntax", "variadic")

    def __init__(
        self,
        schema: str,
        name: str,
        args: list[T],
        type_: PgType,
        *,
        arg_names: Sequence[str | None] = (),
        variadic: bool = False,
        syntax: str = "",
        agg: E.FuncCall | None = None,
    ) -> None:
        self.schema = schema
        self.name = name
        self.args = args
        self.type = type_
        self.mods = ()
        self.arg_names = tuple(arg_names)
        self.variadic = variadic
        self.syntax = syntax  # "" call syntax; else the SQL syntax to print
        self.agg = agg
        #: The overload chosen, when resolution chose one.
        self.sig: FuncSig | None = None


class TOp(T):
    __slots__ = ("left", "name", "right", "schema")

    def __init__(self, name: str, schema: str, left: T | None, right: T, type_: PgType) -> None:
        self.name = name
        self.schema = schema
        self.left = left
        self.right = right
        self.type = type_
        self.mods = ()


class TScalarArrayOp(T):
    __slots__ = ("left", "name", "right", "schema", "use_or")

    def __init__(self, name: str, schema: str, use_or: bool, left: T, right: T) -> None:
        self.name = name
        self.schema = schema
        self.use_or = use_or
        self.left = left
        self.right = right
        self.type = builtin("bool")
        self.mods = ()


class TBool(T):
    __slots__ = ("args", "op")

    def __init__(self, op: str, args: list[T]) -> None:
        self.op = op
        self.args = args
        self.type = builtin("bool")
        self.mods = ()


class TTest(T):
    __slots__ = ("arg", "what")

    def __init__(self, arg: T, what: str) -> None:
        self.arg = arg
        self.what = what
        self.type = builtin("bool")
        self.mods = ()


class TDistinct(T):
    """``left IS DISTINCT FROM right`` (IS NOT DISTINCT FROM is a NOT over one)."""

    __slots__ = ("left", "right")

    def __init__(self, left: T, right: T) -> None:
        self.left = left
        self.right = right
        self.type = builtin("bool")
        self.mods = ()


class TCase(T):
    __slots__ = ("arg", "default", "whens")

    def __init__(
        self,
        arg: T | None,
        whens: list[tuple[T, T]],
        default: T | None,
        type_: PgType,
        mods: tuple[str, ...],
    ) -> None:
        self.arg = arg
        self.whens = whens
        self.default = default
        self.type = type_
        self.mods = mods


class TArray(T):
    __slots__ = ("items", "nested")

    def __init__(self, items: list[T], type_: PgType, nested: bool = False) -> None:
        self.items = items
        self.type = type_
        self.mods = ()
        self.nested = nested


class TRow(T):
    __slots__ = ("cast", "explicit", "items", "raw")

    def __init__(self, items: list[T], explicit: bool, raw: list[T] | None = None) -> None:
        self.items = items
        self.explicit = explicit
        self.type = builtin("record")
        self.mods = ()
        #: The items before unknown literals became text: what a coercion to
        #: a composite type coerces to its fields.
        self.raw = raw if raw is not None else items
        #: Printed with ``::type`` (a RowExpr of COERCE_EXPLICIT_CAST format).
        self.cast = False


class TValueFunc(T):
    __slots__ = ("detail", "name")

    def __init__(self, name: str, detail: str, type_: PgType, mods: tuple[str, ...] = ()) -> None:
        self.name = name
        self.detail = detail
        self.type = type_
        self.mods = mods


class TMulti(T):
    """COALESCE, GREATEST, LEAST, NULLIF."""

    __slots__ = ("args", "name")

    def __init__(self, name: str, args: list[T], type_: PgType, mods: tuple[str, ...]) -> None:
        self.name = name
        self.args = args
        self.type = type_
        self.mods = mods


class TSubLink(T):
    __slots__ = ("kind", "opname", "opschema", "outer", "query", "test")

    def __init__(
        self,
        kind: str,
        query: TQuery,
        type_: PgType,
        test: T | None = None,
        opname: str = "",
        opschema: str = PG_CATALOG,
    ) -> None:
        self.kind = kind
        self.query = query
        self.test = test
        self.opname = opname
        #: The schema of the operator ANY / ALL compares with.
        self.opschema = opschema
        self.type = type_
        self.mods = ()
        #: The scope the sub-query was analyzed in: at the top of an
        #: expression, the relation the expression belongs to, whose name
        #: the sub-query's range-table names must not reuse.
        self.outer: Scope | None = None


class TIndirection(T):
    __slots__ = ("arg", "path")

    def __init__(
        self, arg: T, path: list[str | tuple[T | None, T | None, bool]], type_: PgType
    ) -> None:
        self.arg = arg
        self.path = path
        self.type = type_
        self.mods = ()


class TCollate(T):
    __slots__ = ("arg", "collation")

    def __init__(self, arg: T, collation: str) -> None:
        self.arg = arg
        self.collation = collation
        self.type = arg.type
        self.mods = arg.mods


# --------------------------------------------------------------------------- queries


@dataclass
class RangeEntry:
    refname: str
    columns: list[ColumnInfo]
    #: (schema, table, column) each column passes through, when it does.
    origins: list[tuple[str, str, str] | None]
    kind: str  # relation, subquery, function, join, values, cte
    relation: tuple[str, str] | None = None
    relkind: str = ""
    alias: str | None = None
    col_aliases: tuple[str, ...] = ()


@dataclass
class TFrom:
    """A FROM item, typed."""

    entry: RangeEntry | None
    join: tuple[str, TFrom, TFrom, T | None, tuple[str, ...], bool] | None = None
    subquery: TQuery | None = None
    call: T | None = None
    only: bool = False
    lateral: bool = False
    ordinality: bool = False


@dataclass
class TTarget:
    expr: T
    name: str
    origin: tuple[str, str, str] | None = None


@dataclass
class TSelect:
    targets: list[TTarget]
    from_: list[TFrom]
    where: T | None
    group_by: list[T]
    having: T | None
    distinct: bool
    distinct_on: list[T]
    values: list[list[T]]
    has_aggs: bool = False
    has_windows: bool = False
    #: ``SELECT * FROM (query)`` standing for a set operation's parenthesized
    #: leaf with its own WITH, ORDER BY or LIMIT (printed as that query).
    wrapped: bool = False


@dataclass
class TSetOp:
    op: str
    all: bool
    left: TQueryBody
    right: TQueryBody
    targets: list[TTarget]


TQueryBody = TSelect | TSetOp


@dataclass
class TQuery:
    body: TQueryBody
    with_: list[tuple[str, tuple[str, ...], TQuery]]
    order_by: list[tuple[T, bool, str]]
    limit: T | None
    offset: T | None
    recursive: bool = False

    @property
    def targets(self) -> list[TTarget]:
        return self.body.targets


@dataclass
class Scope:
    entries: list[RangeEntry]
    parent: Scope | None = None
    ctes: dict[str, RangeEntry] = field(default_factory=dict)


#: Casts installed extensions add: ((source schema, typname), (target schema,
#: typname)) -> castcontext ("i" implicit, "a" assignment, "e" explicit).
ExtCasts = Mapping[tuple[tuple[str, str], tuple[str, str]], str]
NO_CASTS: ExtCasts = {}
_UNSET = object()


# --------------------------------------------------------------------------- type helpers


def _t(name: str) -> PgType:
    return builtin(name)


_UNKNOWN = None  # set lazily (the builtins load on first use)


def unknown() -> PgType:
    return _t("unknown")


def is_unknown(t: PgType) -> bool:
    return t.is_builtin and t.name == "unknown"


_POLY = frozenset(
    [
        "anyelement",
        "anyarray",
        "anynonarray",
        "anyenum",
        "anyrange",
        "anymultirange",
        "anycompatible",
        "anycompatiblearray",
        "anycompatiblenonarray",
        "anycompatiblerange",
        "anycompatiblemultirange",
    ]
)


def is_poly(t: PgType) -> bool:
    return t.is_builtin and t.name in _POLY


def category(t: PgType) -> str:
    b = t.base_type()
    if b.kind == "array":
        return "A"
    if b.kind == "enum":
        return "E"
    if b.kind in ("composite", "relation"):
        return "C"
    if b.kind == "range":
        return "R"
    if b.kind == "multirange":
        return "R"
    return b.category


def preferred(t: PgType) -> bool:
    return t.base_type().preferred


def same_type(a: PgType, b: PgType) -> bool:
    return a.schema == b.schema and a.name == b.name


def can_coerce(src: PgType, tgt: PgType, ctx: str = "i", casts: ExtCasts = NO_CASTS) -> bool:
    """``can_coerce_type`` for one argument; ``ctx`` is i/a/e; ``casts`` are
    those installed extensions add."""
    if same_type(src, tgt):
        return True
    if is_unknown(src):
        return True
    if tgt.is_builtin and tgt.name == "any":
        return True
    if is_poly(tgt):
        return _poly_accepts(tgt, src)
    if src.kind == "domain":
        return can_coerce(src.base_type(), tgt, ctx, casts)
    if tgt.kind == "domain":
        return can_coerce(src, tgt.base_type(), ctx, casts)
    if (
        tgt.is_builtin
        and tgt.name == "record"
        and src.base_type().kind in ("composite", "relation")
    ):
        return True
    if (
        src.is_builtin
        and src.name == "record"
        and tgt.base_type().kind in ("composite", "relation")
    ):
        return True  # coerce_record_to_complex decides
    if src.kind == "array" and tgt.kind == "array" and src.elem and tgt.elem:
        return can_coerce(src.elem, tgt.elem, ctx, casts)
    c = cast_context(src, tgt, casts)
    if c is None:
        return False
    return c == "i" or (c == "a" and ctx in ("a", "e")) or ctx == "e"


def cast_context(src: PgType, tgt: PgType, casts: ExtCasts = NO_CASTS) -> str | None:
    """pg_cast context for src -> tgt, including the automatic I/O casts."""
    if src.is_builtin and tgt.is_builtin:
        c = builtins().casts.get((src.name, tgt.name))
        if c is not None:
            return c
    if casts:
        c = casts.get(((src.schema, src.name), (tgt.schema, tgt.name)))
        if c is not None:
            return c
    if category(tgt) == "S" and tgt.kind != "array":
        return "a"  # anything to a string type: I/O conversion, assignment
    if category(src) == "S" and src.kind != "array":
        return "e"
    return None


def _poly_accepts(param: PgType, arg: PgType) -> bool:
    if is_unknown(arg):
        return True
    b = arg.base_type()
    name = param.name
    if name in ("anyarray", "anycompatiblearray"):
        return b.kind == "array"
    if name in ("anynonarray", "anycompatiblenonarray"):
        return b.kind != "array"
    if name == "anyenum":
        return b.kind == "enum"
    if name in ("anyrange", "anycompatiblerange"):
        return b.kind == "range"
    if name in ("anymultirange", "anycompatiblemultirange"):
        return b.kind == "multirange"
    return True


def select_common_type(types: Sequence[PgType], casts: ExtCasts = NO_CASTS) -> PgType:
    """``select_common_type`` (CASE, COALESCE, ARRAY, UNION, IN)."""
    if types and not is_unknown(types[0]) and all(same_type(types[0], t) for t in types[1:]):
        # All exactly the same: the only way to a domain (an unknown literal
        # among them is another type: domains are then smashed to their base).
        return types[0]
    known = [t for t in types if not is_unknown(t)]
    if not known:
        return _t("text")
    ptype = known[0].base_type()
    pcat = category(ptype)
    ppref = preferred(ptype)
    for t in known[1:]:
        nt = t.base_type()
        if same_type(nt, ptype):
            continue
        if category(nt) != pcat:
            raise RenderError(f"types {ptype.name} and {nt.name} cannot be matched")
        if (
            not ppref
            and can_coerce(ptype, nt, "i", casts)
            and not can_coerce(nt, ptype, "i", casts)
        ):
            ptype, ppref = nt, preferred(nt)
    return ptype


def _array_mods(items: Sequence[T], elem: PgType) -> tuple[str, ...]:
    """exprTypmod of an ArrayExpr: its elements' typmod when they all agree."""
    if not items:
        return ()
    mods = items[0].mods
    if all(same_type(i.type, elem) and i.mods == mods for i in items):
        return mods
    return ()


def walk(root: T) -> list[T]:
    """``root`` and the typed nodes of its operands, to any depth (not into
    sub-queries)."""
    out: list[T] = []
    todo: list[object] = [root]
    pop, push, extend, found = todo.pop, todo.append, todo.extend, out.append
    while todo:
        x = pop()
        if isinstance(x, T):
            found(x)
            for slot in _child_slots(type(x)):
                child = getattr(x, slot, None)
                if child is not None:
                    push(child)
        elif isinstance(x, list | tuple):
            extend(x)
    return out


def type_keys(root: T) -> frozenset[tuple[str, str]]:
    """(schema, name) of the user types (not built-in) an expression's nodes
    are of: what it depends on, as Postgres records in pg_depend."""
    out: set[tuple[str, str]] = set()
    for x in walk(root):
        t: PgType | None = x.type
        while t is not None:
            if not t.is_builtin:
                out.add((t.schema, t.name))
            t = t.elem
    return frozenset(out) if out else _NO_KEYS


_NO_KEYS: frozenset[tuple[str, str]] = frozenset()


def relation_keys(root: T) -> frozenset[tuple[str, str]]:
    """(schema, name) of the relations (sequences) an expression's regclass
    literals name (``nextval('s'::regclass)``): what it depends on."""
    out = {x.key for x in walk(root) if isinstance(x, TRegclass)}
    return frozenset(out) if out else _NO_KEYS


#: An object a stored expression depends on, as pg_depend records it:
#: ``("r", schema, relation)`` a relation or sequence as a whole,
#: ``("c", schema, relation, column)`` a column, ``("t", schema, type)`` a
#: user type, ``("f", schema, function, argument type keys)`` a user function.
Dep = (
    tuple[str, str, str]
    | tuple[str, str, str, str]
    | tuple[str, str, str, tuple[tuple[str, str], ...]]
)
NO_DEPS: frozenset[Dep] = frozenset()


def dependencies(root: T | TQuery) -> frozenset[Dep]:
    """What an expression or a query depends on, sub-queries included, as
    Postgres' find_expr_references records it: the relations of its FROM
    items, regclass literals and whole-row references; the columns its
    variables read; the user types of its nodes; the user functions it calls.
    Builtins (pg_catalog) are left out: nothing drops them."""
    out: set[Dep] = set()
    add = out.add
    todo: list[object] = [root]
    pop, push, extend = todo.pop, todo.append, todo.extend
    while todo:
        x = pop()
        if isinstance(x, T):
            # The walk of :func:`walk`, inlined: this runs for every default,
            # check, policy and view of a replay.
            t: PgType | None = x.type
            while t is not None:
                if t.schema != PG_CATALOG:
                    add(("t", t.schema, t.name))
                t = t.elem
            cls = type(x)
            for slot in _child_slots(cls):
                child = getattr(x, slot, None)
                if child is not None:
                    push(child)
            if cls is TVar:
                if x.origin is not None:  # type: ignore[attr-defined]
                    add(("c", *x.origin))  # type: ignore[attr-defined]
            elif cls is TFunc:
                sig = x.sig  # type: ignore[attr-defined]
                if sig is not None and sig.schema != PG_CATALOG:
                    args = tuple((a.schema, a.name) for a in sig.args)
                    add(("f", sig.schema, sig.name, args))
            elif cls is TRegclass:
                add(("r", *x.key))  # type: ignore[attr-defined]
            elif cls is TWholeRow:
                entry = x.entry  # type: ignore[attr-defined]
                if entry is not None and entry.relation is not None:
                    add(("r", *entry.relation))
            elif cls is TSubLink:
                push(x.query)  # type: ignore[attr-defined]
        elif isinstance(x, list | tuple):
            extend(x)
        elif isinstance(x, TQuery):
            todo.extend(sub for _name, _cols, sub in x.with_)
            todo.append(x.body)
            todo.extend(e for e, _desc, _nulls in x.order_by)
            todo.extend((x.limit, x.offset))
        elif isinstance(x, TSelect):
            todo.extend(t.expr for t in x.targets)
            todo.extend(x.from_)
            todo.extend((x.where, x.having))
            todo.extend(x.group_by)
            todo.extend(x.distinct_on)
            for row in x.values:
                todo.extend(row)
        elif isinstance(x, TSetOp):
            todo.extend((x.left, x.right))
        elif isinstance(x, TFrom):
            if x.join is not None:
                _kind, left, right, quals, using, natural = x.join
                todo.extend((left, right, quals))
                if using or natural:
                    # The join's implicit condition compares the columns of
                    # both sides.
                    lcols, rcols = _from_columns(left), _from_columns(right)
                    rnames = {name for name, _o in rcols}
                    names = using or tuple(name for name, _o in lcols if name in rnames)
                    for name, origin in (*lcols, *rcols):
                        if origin is not None and name in names:
                            out.add(("c", *origin))
            elif x.entry is not None and x.entry.kind == "relation" and x.entry.relation:
                out.add(("r", *x.entry.relation))
            todo.extend((x.subquery, x.call))
    return frozenset(out) if out else NO_DEPS


def renamed(
    root: T,
    change: Callable[[Dep], Dep],
    relabel: tuple[tuple[str, str], str, str] | None = None,
) -> T | None:
    """A copy of the typed tree ``root`` naming what ``change`` renamed: a
    column, a relation (renamed or moved: its range entries, and the
    qualifier of its columns where no alias hides it), a function or a user
    type; and with ``relabel`` ((enum type, old label, new label)), holding
    the enum's renamed label. Postgres stores such trees by oid and prints
    the names an object has when read; the copy, printed again, shows what
    it would. None when nothing in the tree changes."""
    copied = copy.deepcopy(root)
    hit = False
    for x in _reachable(copied):
        if relabel is not None and isinstance(x, TConst) and x.value is not None:
            value = _relabelled(x.type.base_type(), x.value, *relabel)
            if value != x.value:
                x.value = value
                hit = True
        if isinstance(x, RangeEntry):
            hit |= _rename_entry(x, change)
        elif isinstance(x, TVar) and x.origin is not None:
            origin = _moved_column(change, x.origin)
            if origin != x.origin:
                if x.refname == x.origin[1] and (x.entry is None or x.entry.alias is None):
                    x.refname = origin[1]
                if x.name == x.origin[2] and not _aliased(x.entry, (x.origin, origin)):
                    x.name = origin[2]
                x.origin = origin
                hit = True
        elif isinstance(x, TFunc) and x.sig is not None:
            sig = x.sig
            old_dep: Dep = ("f", sig.schema, sig.name, tuple((a.schema, a.name) for a in sig.args))
            new_f = change(old_dep)
            if new_f != old_dep:
                x.sig = dataclasses.replace(sig, schema=new_f[1], name=new_f[2])
                x.schema, x.name = new_f[1], new_f[2]
                hit = True
        if isinstance(x, T):
            t = _renamed_type(x.type, change)
            if t is not x.type:
                x.type = t
                hit = True
    return copied if hit else None


def _relabelled(t: PgType, value: str, enum: tuple[str, str], old: str, new: str) -> str:
    """A constant's text with the enum label ``old`` of ``enum`` renamed:
    the constant itself, or an element of an array of it."""
    if (t.schema, t.name) == enum:
        return new if value == old else value
    elem = t.elem.base_type() if t.elem is not None else None
    if elem is None or (elem.schema, elem.name) != enum:
        return value

    def element(m: re.Match[str]) -> str:
        text = m.group()
        label = re.sub(r"\\(.)", r"\1", text[1:-1]) if text.startswith('"') else text.strip()
        return _array_element_out(new) if label == old else text

    return _ARRAY_ELEMENT.sub(element, value)


#: An element of an array constant's text: quoted, or a run of anything else
#: but braces, commas and quotes.
_ARRAY_ELEMENT = re.compile(r'"(?:[^"\\]|\\.)*"|[^{},"]+')


def _array_element_out(v: str) -> str:
    """array_out's rendering of one text element: quoted when it is empty,
    NULL, or holds braces, commas, quotes, backslashes or white space."""
    if v == "" or v.upper() == "NULL" or re.search(r'[{},"\\\s]', v):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return v


def _reachable(root: object, *, scopes: bool = True) -> Iterator[object]:
    """Each typed node, query part and range entry reachable from ``root``,
    once, sub-queries included; with ``scopes``, the scopes the analyzer
    left on the queries too (and the outer ones they lead to). A node is
    yielded before its children are looked at."""
    seen: set[int] = set()
    todo: list[object] = [root]
    while todo:
        x = todo.pop()
        if x is None or isinstance(x, str | int | bool | PgType | FuncSig) or id(x) in seen:
            continue
        seen.add(id(x))
        if isinstance(x, list | tuple):
            todo.extend(x)
            continue
        if isinstance(x, dict):
            todo.extend(x.values())
            continue
        yield x
        if isinstance(x, T):
            todo.extend(getattr(x, slot, None) for slot in _all_slots(type(x)))
        elif isinstance(x, TFrom | TTarget | TSelect | TSetOp | TQuery | RangeEntry) or (
            scopes and isinstance(x, Scope)
        ):
            # (a TSelect keeps the Scope it was analyzed in as _scope)
            todo.extend(v for k, v in vars(x).items() if scopes or k != "_scope")


def _renamed_type(t: PgType, change: Callable[[Dep], Dep]) -> PgType:
    """``t`` as :func:`renamed` sees it after ``change`` (the same object
    when nothing in it changed): a user type renamed or moved, or an array
    or domain over one."""
    if t.is_builtin and t.elem is None:
        return t
    elem = _renamed_type(t.elem, change) if t.elem is not None else None
    base = _renamed_type(t.base, change) if t.base is not None else None
    schema, name = t.schema, t.name
    if not t.is_builtin:
        new = change(("t", schema, name))
        schema, name = new[1], new[2]
    if elem is t.elem and base is t.base and (schema, name) == (t.schema, t.name):
        return t
    if elem is not t.elem and name == "_" + t.elem.name:  # type: ignore[union-attr]
        name = "_" + elem.name  # type: ignore[union-attr]  # the array type follows its element
    return dataclasses.replace(t, schema=schema, name=name, elem=elem, base=base)


def _is_record(t: PgType) -> bool:
    return t.is_builtin and t.name == "record"


def _reads_level(root: T, scope: Scope | None) -> bool:
    """contain_vars_of_level(root, 0): whether ``root`` reads a column (or
    a whole row) of the query level of ``scope``, sub-queries included."""
    if scope is None:
        return False
    found = [x.entry for x in _reachable(root, scopes=False) if isinstance(x, TVar | TWholeRow)]
    if not found:
        return False
    mine = {id(e) for e in scope.entries}
    return any(id(e) in mine for e in found)


def _rename_entry(entry: RangeEntry, change: Callable[[Dep], Dep]) -> bool:
    """:func:`renamed` for one range entry (in place); whether it changed."""
    hit = False
    if entry.kind == "relation" and entry.relation is not None:
        new = change(("r", *entry.relation))
        if new[1:3] != entry.relation:
            if entry.alias is None and entry.refname == entry.relation[1]:
                entry.refname = new[2]
            entry.relation = (new[1], new[2])
            hit = True
    for i, origin in enumerate(entry.origins):
        if origin is not None:
            moved = _moved_column(change, origin)
            if moved != origin:
                entry.origins[i] = moved
                column = entry.columns[i] if i < len(entry.columns) else None
                if column is not None and column.name == origin[2] and i >= len(entry.col_aliases):
                    entry.columns[i] = dataclasses.replace(column, name=moved[2])
                hit = True
    return hit


def _aliased(
    entry: RangeEntry | None, origins: tuple[tuple[str, str, str], tuple[str, str, str]]
) -> bool:
    """Whether the column with one of ``origins`` (before and after a
    rename: the entry may have been renamed already) goes by a column alias
    in ``entry`` (``FROM t a(x, y)``): the alias refers to it, whatever its
    name."""
    if entry is None or not entry.col_aliases:
        return False
    for i, o in enumerate(entry.origins):
        if o in origins:
            return i < len(entry.col_aliases)
    return False


def _moved_column(
    change: Callable[[Dep], Dep], origin: tuple[str, str, str]
) -> tuple[str, str, str]:
    """Where ``change`` takes the column ``origin`` (schema, relation, name)."""
    new = change(("c", *origin))
    return (new[1], new[2], str(new[3])) if len(new) == 4 else origin


def _all_slots(cls: type) -> tuple[str, ...]:
    got = _ALL_SLOTS.get(cls)
    if got is None:
        got = _ALL_SLOTS[cls] = tuple(
            slot for c in cls.__mro__ for slot in getattr(c, "__slots__", ())
        )
    return got


_ALL_SLOTS: dict[type, tuple[str, ...]] = {}


def _from_columns(f: TFrom) -> list[tuple[str, tuple[str, str, str] | None]]:
    """The columns a FROM item offers, with their origins."""
    if f.join is not None:
        return _from_columns(f.join[1]) + _from_columns(f.join[2])
    if f.entry is None:
        return []
    return [(c.name, o) for c, o in zip(f.entry.columns, f.entry.origins, strict=False)]


_CHILD_SLOTS: dict[type, tuple[str, ...]] = {}


def _child_slots(cls: type) -> tuple[str, ...]:
    """The slots of a typed node that hold its operands (sub-queries are not
    followed: a default or a check has none)."""
    got = _CHILD_SLOTS.get(cls)
    if got is None:
        operands = ("arg", "args", "left", "right", "whens", "default", "items", "test", "path")
        got = _CHILD_SLOTS[cls] = tuple(
            slot for c in cls.__mro__ for slot in getattr(c, "__slots__", ()) if slot in operands
        )
    return got


def parse_qualified(text: str) -> tuple[str, ...]:
    """The parts of a possibly qualified name as a reg* literal holds it
    (``'public."My Table"'``): unquoted parts folded to lower case."""
    parts: list[str] = []
    i = 0
    s = text.strip()
    while i < len(s):
        if s[i] == '"':
            j = i + 1
            buf = []
            while j < len(s):
                if s[j] == '"':
                    if j + 1 < len(s) and s[j + 1] == '"':
                        buf.append('"')
                        j += 2
                        continue
                    break
                buf.append(s[j])
                j += 1
            parts.append("".join(buf))
            i = j + 1
        else:
            j = s.find(".", i)
            if j < 0:
                j = len(s)
            parts.append(s[i:j].strip().lower())
            i = j
        if i < len(s) and s[i] == ".":
            i += 1
    return tuple(parts)


#: reg* types whose literals print through Analyzer._reg_output.
_REG_OUTPUT = frozenset(["regtype", "regproc", "regprocedure", "regnamespace"])


def _split_top_commas(text: str) -> list[str]:
    """A regprocedure literal's argument list split at its own commas (not
    those of typmods, ``numeric(10,2)``); no arguments for blank text."""
    if not text.strip():
        return []
    parts: list[str] = []
    depth = start = 0
    for i, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def common_mods(items: Sequence[T], t: PgType) -> tuple[str, ...]:
    """select_common_typmod (UNION, CASE, COALESCE ...): the items' type
    modifier when all are of type ``t`` (a NULL or literal of unknown type
    is not) with the same one."""
    if items and all(same_type(i.type, t) and i.mods == items[0].mods for i in items):
        return items[0].mods
    return ()


# --------------------------------------------------------------------------- constants


def _normalize_numeric(text: str) -> str:
    try:
        d = Decimal(text.strip())
    except InvalidOperation:
        return text
    if d.is_nan():
        return "NaN"
    if d.is_infinite():
        return "Infinity" if d > 0 else "-Infinity"
    out = format(d, "f")
    return out


def _normalize_float(text: str) -> str:
    s = text.strip().lower()
    if s in ("nan",):
        return "NaN"
    if s in ("infinity", "inf", "+infinity", "+inf"):
        return "Infinity"
    if s in ("-infinity", "-inf"):
        return "-Infinity"
    try:
        f = float(s)
    except ValueError:
        return text
    if f == int(f) and abs(f) < 1e15:
        return str(int(f)) if f != 0 or not str(f).startswith("-") else "-0"
    r = repr(f)
    if "e" in r:
        mant, exp = r.split("e")
        sign = "-" if exp.startswith("-") else "+"
        exp = exp.lstrip("+-").lstrip("0") or "0"
        return f"{mant}e{sign}{int(exp):02d}"
    return r


def _jsonb_out(value: object) -> str:
    if isinstance(value, dict):
        # jsonb keeps the last of duplicate keys and orders keys by length, then bytes.
        keys = sorted(value, key=lambda k: (len(k.encode()), k.encode()))
        return (
            "{"
            + ", ".join(
                f"{json.dumps(k, ensure_ascii=False)}: {_jsonb_out(value[k])}" for k in keys
            )
            + "}"
        )
    if isinstance(value, list):
        return "[" + ", ".join(_jsonb_out(v) for v in value) + "]"
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, Decimal):
        return (
            format(value, "f")
            if value == value.to_integral_value() or "e" not in str(value).lower()
            else str(value)
        )
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return json.dumps(value)


def _normalize_jsonb(text: str) -> str:
    try:
        value = json.loads(text, parse_float=Decimal, parse_int=Decimal)
    except ValueError:
        return text
    return _jsonb_out(value)


_INTERVAL_UNITS = {
    "microsecond": ("us", 1),
    "microseconds": ("us", 1),
    "millisecond": ("us", 1000),
    "milliseconds": ("us", 1000),
    "ms": ("us", 1000),
    "second": ("us", 1_000_000),
    "seconds": ("us", 1_000_000),
    "sec": ("us", 1_000_000),
    "secs": ("us", 1_000_000),
    "s": ("us", 1_000_000),
    "minute": ("us", 60_000_000),
    "minutes": ("us", 60_000_000),
    "min": ("us", 60_000_000),
    "mins": ("us", 60_000_000),
    "m": ("us", 60_000_000),
    "hour": ("us", 3_600_000_000),
    "hours": ("us", 3_600_000_000),
    "hr": ("us", 3_600_000_000),
    "hrs": ("us", 3_600_000_000),
    "h": ("us", 3_600_000_000),
    "day": ("d", 1),
    "days": ("d", 1),
    "d": ("d", 1),
    "week": ("d", 7),
    "weeks": ("d", 7),
    "w": ("d", 7),
    "month": ("mon", 1),
    "months": ("mon", 1),
    "mon": ("mon", 1),
    "mons": ("mon", 1),
    "year": ("mon", 12),
    "years": ("mon", 12),
    "y": ("mon", 12),
    "yr": ("mon", 12),
    "yrs": ("mon", 12),
}

_INTERVAL_PART = re.compile(r"\s*([+-]?\d+(?:\.\d+)?)\s*([a-z]+)", re.I)


def _normalize_interval(text: str) -> str:
    """interval_out for the simple "N unit [N unit ...]" inputs migrations use."""
    s = text.strip().lower()
    if s.startswith("@"):
        return text
    pos = 0
    months = days = 0
    micros = 0
    while pos < len(s):
        m = _INTERVAL_PART.match(s, pos)
        if m is None:
            if s[pos:].strip() == "":
                break
            return text
        num, unit = m.group(1), m.group(2)
        if unit not in _INTERVAL_UNITS or "." in num:
            return text
        kind, mult = _INTERVAL_UNITS[unit]
        n = int(num) * mult
        if kind == "mon":
            months += n
        elif kind == "d":
            days += n
        else:
            micros += n
        pos = m.end()
    if pos == 0:
        return text
    parts: list[str] = []
    years, mons = divmod(abs(months), 12)
    sign = "-" if months < 0 else ""
    if years:
        parts.append(f"{sign}{years} year" + ("s" if years != 1 else ""))
    if mons:
        parts.append(f"{sign}{mons} mon" + ("s" if mons != 1 else ""))
    if days:
        parts.append(f"{days} day" + ("s" if abs(days) != 1 else ""))
    if micros or not parts:
        neg = micros < 0
        micros = abs(micros)
        secs, us = divmod(micros, 1_000_000)
        hh, rem = divmod(secs, 3600)
        mm, ss = divmod(rem, 60)
        t = f"{'-' if neg else ''}{hh:02d}:{mm:02d}:{ss:02d}"
        if us:
            t += f".{us:06d}".rstrip("0")
        parts.append(t)
    return " ".join(parts)


#: The TimeZone of the sessions that create and read the schema. pgdrift's
#: sessions do not set one, so it is the server's default: UTC on Supabase, in
#: the official Docker images and on the embedded server (initdb without TZ).
#: A timestamptz literal without an offset is read in it, and every
#: timestamptz/timetz value is printed in it.
SESSION_UTC_OFFSET = 0  # seconds east of Greenwich

#: Special inputs evaluated when the literal is parsed, that is when the
#: default (policy, constraint) is created: the stored value cannot be known.
DEFINITION_TIME_WORDS = frozenset(["now", "today", "tomorrow", "yesterday"])

_DATETIME_TYPES = frozenset(["date", "timestamp", "timestamptz", "time", "timetz"])

_ISO_DATE = r"(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})|(?P<ymd>\d{8})"
_ISO_TIME = r"(?P<h>\d{1,2}):(?P<mi>\d{1,2})(?::(?P<s>\d{1,2})(?P<f>\.\d*)?)?"
_ISO_ZONE = r"(?P<z>[zZ]|(?i:utc|gmt)|[+-]\d{1,2}(?::\d{2}(?::\d{2})?|\d{2}(?:\d{2})?)?)"
_DATETIME = re.compile(
    rf"\s*(?P<date>{_ISO_DATE})?"
    rf"(?:(?(date)(?:\s+|[tT]\s*)|){_ISO_TIME}(?:\s*{_ISO_ZONE})?)?\s*"
)

_USECS_PER_DAY = 86_400_000_000


def _zone_seconds(zone: str) -> int | None:
    """DecodeTimezone for ``Z``/``UTC``/``GMT`` and numeric zones: seconds east
    of Greenwich, None when Postgres would reject it."""
    if zone[0] not in "+-":
        return 0
    sign = -1 if zone[0] == "-" else 1
    body = zone[1:]
    if ":" in body:
        h, m, sec = ([int(p) for p in body.split(":")] + [0, 0])[:3]
    elif len(body) <= 2:
        h, m, sec = int(body), 0, 0
    elif len(body) <= 4:
        h, m, sec = int(body) // 100, int(body) % 100, 0
    else:
        return None  # hhmmss run together: rejected
    if h > 15 or m > 59 or sec > 59:
        return None
    return sign * (h * 3600 + m * 60 + sec)


def _encode_zone(east: int) -> str:
    """EncodeTimezone: +hh, +hh:mm or +hh:mm:ss."""
    sign = "-" if east < 0 else "+"
    secs = abs(east)
    h, rest = divmod(secs, 3600)
    m, sec = divmod(rest, 60)
    if sec:
        return f"{sign}{h:02d}:{m:02d}:{sec:02d}"
    if m:
        return f"{sign}{h:02d}:{m:02d}"
    return f"{sign}{h:02d}"


def _encode_time(usecs: int) -> str:
    """HH:MM:SS[.ffffff without trailing zeros], as time_out and timestamp_out print."""
    secs, us = divmod(usecs, 1_000_000)
    h, rest = divmod(secs, 3600)
    m, sec = divmod(rest, 60)
    out = f"{h:02d}:{m:02d}:{sec:02d}"
    if us:
        out += f".{us:06d}".rstrip("0")
    return out


def _days_from_civil(y: int, m: int, d: int) -> int | None:
    """Days since 1970-01-01 of a valid proleptic Gregorian date (year >= 1)."""
    if y < 1 or not 1 <= m <= 12:
        return None
    leap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
    if not 1 <= d <= (31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[m - 1]:
        return None
    y -= m <= 2
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def _civil_from_days(z: int) -> tuple[int, int, int]:
    z += 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + (3 if mp < 10 else -9)
    return yoe + era * 400 + (m <= 2), m, d


def _encode_date(days: int) -> tuple[str, str]:
    """The ISO date and the era suffix (" BC" for years before 1)."""
    y, m, d = _civil_from_days(days)
    if y < 1:
        return f"{1 - y:04d}-{m:02d}-{d:02d}", " BC"
    return f"{y:04d}-{m:02d}-{d:02d}", ""


def _normalize_datetime(name: str, text: str) -> str | None:
    """date_in/timestamp_in/time_in (and the tz variants) then their output
    functions (DateStyle ISO), for the ISO forms migrations use: a date
    ``YYYY-MM-DD`` or ``YYYYMMDD``, a time ``HH:MM[:SS[.frac]]`` after a space
    or ``T``, and a zone ``Z``, ``UTC``, ``GMT`` or ``±hh[[:]mm[[:]ss]]``; and
    the special values. None when the input is not one of these (named time
    zones, AM/PM, BC, textual months, the definition-time words): the text is
    then kept as written."""
    word = text.strip().lower()
    if word in ("infinity", "-infinity") and name in ("date", "timestamp", "timestamptz"):
        return word
    if word == "epoch" and name in ("date", "timestamp", "timestamptz"):
        return {"date": "1970-01-01", "timestamp": "1970-01-01 00:00:00"}.get(
            name, "1970-01-01 00:00:00" + _encode_zone(SESSION_UTC_OFFSET)
        )
    if word == "allballs" and name in ("time", "timetz"):
        return "00:00:00" + (_encode_zone(0) if name == "timetz" else "")
    m = _DATETIME.fullmatch(text)
    if m is None or (m["date"] is None and m["h"] is None):
        return None
    g = m.groupdict()
    days: int | None = None
    if g["ymd"] is not None:
        ymd = g["ymd"]
        days = _days_from_civil(int(ymd[:4]), int(ymd[4:6]), int(ymd[6:]))
        if days is None:
            return None
    elif g["y"] is not None:
        days = _days_from_civil(int(g["y"]), int(g["mo"]), int(g["d"]))
        if days is None:
            return None
    if days is None and name in ("date", "timestamp", "timestamptz"):
        return None  # a time alone is no date
    usecs = 0
    if g["h"] is not None:
        h, mi, sec = int(g["h"]), int(g["mi"]), int(g["s"] or 0)
        frac = g["f"] or ""
        # ParseFractionalSecond: rint(frac * 1e6), half to even like round().
        fsec = round(float("0" + frac) * 1_000_000) if len(frac) > 1 else 0
        if mi > 59 or sec > 60 or h > 24 or (h == 24 and (mi or sec or fsec)):
            return None
        usecs = ((h * 60 + mi) * 60 + sec) * 1_000_000 + fsec
    east = SESSION_UTC_OFFSET
    if g["z"] is not None:
        zone = _zone_seconds(g["z"])
        if zone is None:
            return None
        east = zone
    if name == "date":
        assert days is not None
        return "".join(_encode_date(days))
    if name in ("time", "timetz"):
        if usecs > _USECS_PER_DAY:
            return None
        out = _encode_time(usecs)
        if name == "timetz":
            out += _encode_zone(east)
        return out
    assert days is not None
    total = days * _USECS_PER_DAY + usecs
    suffix = ""
    if name == "timestamptz":
        total += (SESSION_UTC_OFFSET - east) * 1_000_000
        suffix = _encode_zone(SESSION_UTC_OFFSET)
    day, rest = divmod(total, _USECS_PER_DAY)
    date, era = _encode_date(day)
    return f"{date} {_encode_time(rest)}{suffix}{era}"


def is_definition_time(t: PgType, value: str) -> bool:
    """A date/time literal whose value is the clock when it is parsed."""
    b = t.base_type()
    return (
        b.is_builtin
        and b.name in _DATETIME_TYPES
        and value.strip().lower() in DEFINITION_TIME_WORDS
    )


def _array_output(elem: PgType, value: str) -> str:
    """array_out(array_in(value)): elements trimmed, re-quoted and each
    through its type's output; the text as written when it does not parse
    (or has explicit bounds, or the element type is box, whose delimiter is
    ';')."""
    parsed = parse_array_literal(value)
    base = elem.base_type()
    if parsed is None or (base.is_builtin and base.name == "box"):
        return value
    boolean = base.is_builtin and base.name == "bool"

    def out(items: list[object]) -> str:
        parts = []
        for item in items:
            if item is None:
                parts.append("NULL")
            elif isinstance(item, list):
                parts.append(out(item))
            else:
                v = const_output(elem, str(item))
                if boolean:  # boolout, not the deparser's true / false
                    v = {"true": "t", "false": "f"}.get(v, v)
                parts.append(_array_element_out(v))
        return "{" + ",".join(parts) + "}"

    return out(parsed)


def parse_array_literal(text: str) -> list[object] | None:
    """array_in's reading of an array literal: nested lists of strings, None
    for NULL; None when it is not a plain ``{...}`` literal."""
    s = text.strip()
    if not s.startswith("{"):
        return None
    try:
        items, end = _parse_array_level(s, 0)
    except (IndexError, ValueError, RecursionError):
        return None
    return items if s[end:].strip() == "" else None


def _parse_array_level(s: str, i: int) -> tuple[list[object], int]:
    items: list[object] = []
    i += 1  # the "{"
    while s[i].isspace():
        i += 1
    if s[i] == "}":
        return items, i + 1
    while True:
        while s[i].isspace():
            i += 1
        if s[i] == "{":
            sub, i = _parse_array_level(s, i)
            items.append(sub)
        elif s[i] == '"':
            i += 1
            chars = []
            while s[i] != '"':
                if s[i] == "\\":
                    i += 1
                chars.append(s[i])
                i += 1
            i += 1
            items.append("".join(chars))
        else:
            chars, kept = [], 0  # kept: length up to the last escaped or non-space character
            while s[i] not in ",}":
                if s[i] in '{"':
                    raise ValueError(s[i])
                if s[i] == "\\":
                    i += 1
                    chars.append(s[i])
                    kept = len(chars)
                else:
                    chars.append(s[i])
                    if not s[i].isspace():
                        kept = len(chars)
                i += 1
            word = "".join(chars[:kept])
            if not word:
                raise ValueError("empty element")
            items.append(None if word.upper() == "NULL" else word)
        while s[i].isspace():
            i += 1
        if s[i] == ",":
            i += 1
            continue
        if s[i] == "}":
            return items, i + 1
        raise ValueError(s[i])


def _normalize_inet(name: str, text: str) -> str:
    """inet_out / cidr_out for IPv4 (IPv6 is left as written): inet omits a
    /32, cidr always shows its prefix."""
    v = text.strip()
    try:
        if "/" in v:
            addr, bits = v.split("/", 1)
            prefix = int(bits)
        else:
            addr, prefix = v, 32
        ip = ipaddress.IPv4Address(addr)
    except ValueError:
        return text
    if not 0 <= prefix <= 32:
        return text
    if name == "inet":
        return str(ip) if prefix == 32 else f"{ip}/{prefix}"
    return f"{ip}/{prefix}"


def _normalize_macaddr(text: str) -> str:
    """macaddr_out: six lower-case hex pairs separated by colons."""
    digits = re.sub(r"[:.\-]", "", text.strip())
    if len(digits) != 12 or not re.fullmatch(r"[0-9A-Fa-f]{12}", digits):
        return text
    d = digits.lower()
    return ":".join(d[i : i + 2] for i in range(0, 12, 2))


def _normalize_bool(text: str) -> str | None:
    s = text.strip().lower()
    if s in ("t", "true", "y", "yes", "on", "1", "tr", "tru", "ye"):
        return "true"
    if s in ("f", "false", "n", "no", "off", "0", "fa", "fal", "fals"):
        return "false"
    return None


def const_output(t: PgType, value: str) -> str:
    """The type's output function applied to a literal's input (common types)."""
    b = t.base_type()
    if b.kind == "array" and b.elem is not None:
        return _array_output(b.elem, value)
    if not b.is_builtin:
        return value
    name = b.name
    if name in ("int2", "int4", "int8"):
        try:
            return str(int(value.strip()))
        except ValueError:
            return value
    if name == "numeric":
        return _normalize_numeric(value)
    if name in ("float4", "float8"):
        return _normalize_float(value)
    if name == "bool":
        return _normalize_bool(value) or value
    if name == "jsonb":
        return _normalize_jsonb(value)
    if name == "uuid":
        v = value.strip().strip("{}").replace("-", "").lower()
        if len(v) == 32:
            return f"{v[:8]}-{v[8:12]}-{v[12:16]}-{v[16:20]}-{v[20:]}"
        return value
    if name == "interval":
        return _normalize_interval(value)
    if name in ("inet", "cidr"):
        return _normalize_inet(name, value)
    if name == "macaddr":
        return _normalize_macaddr(value)
    if name in _DATETIME_TYPES:
        out = _normalize_datetime(name, value)
        return value if out is None else out
    return value


# --------------------------------------------------------------------------- analyzer


_SQL_SYNTAX_FUNCS = {"SUBSTRING": "substring", "POSITION": "position", "OVERLAY": "overlay"}

_VALUE_FUNC_TYPES = {
    "CURRENT_DATE": "date",
    "CURRENT_TIME": "timetz",
    "CURRENT_TIMESTAMP": "timestamptz",
    "LOCALTIME": "time",
    "LOCALTIMESTAMP": "timestamp",
    "CURRENT_ROLE": "name",
    "CURRENT_USER": "name",
    "SESSION_USER": "name",
    "USER": "name",
    "CURRENT_CATALOG": "name",
    "CURRENT_SCHEMA": "name",
    "SYSTEM_USER": "text",
}


#: Col_name and reserved keywords Postgres 16 to 18 added: with those of
#: pg_builtins, names the grammar reads as syntax of their own (JSON_OBJECT(),
#: GROUPING(), XMLELEMENT() ...), not as a function to look up.
_LATER_SYNTAX_NAMES = frozenset(
    [
        *("json", "json_array", "json_arrayagg", "json_exists", "json_object"),
        *("json_objectagg", "json_query", "json_scalar", "json_serialize", "json_table"),
        *("json_value", "merge_action", "system_user"),
    ]
)


def _syntax_name(name: str) -> bool:
    return builtins().keywords.get(name) in ("C", "R") or name in _LATER_SYNTAX_NAMES


#: Columns every table has besides its own (a view has none: not certain).
_SYSTEM_COLUMNS = frozenset(("ctid", "xmin", "xmax", "cmin", "cmax", "tableoid"))


class Analyzer:
    """Types parsed expressions against a :class:`Catalog`."""

    #: The names of the CTEs of the WITH RECURSIVE being analyzed: what refers
    #: to them inside their own queries is not modelled.
    _recursive: tuple[str, ...] = ()
    #: Whether a ``*`` expanded a function's columns (which pgdrift may not
    #: know whole) into a sub-query's: missing columns are then not certain.
    _function_star = False

    def __init__(self, catalog: Catalog, *, domain_type: PgType | None = None) -> None:
        self.catalog = catalog
        #: The type of VALUE in a domain CHECK constraint.
        self.domain_type = domain_type
        self.saw_aggregate = False
        self.saw_window = False
        #: What the analysis could not model but printed anyway (the text may
        #: differ from the server's): callers report these as findings.
        self.notes: list[str] = []
        self._casts: ExtCasts | None = None
        self._ext_key: object = _UNSET

    @property
    def casts(self) -> ExtCasts:
        """The casts installed extensions add (asked for on first use)."""
        if self._casts is None:
            self._casts = self.catalog.extension_casts()
        return self._casts

    @property
    def ext_key(self) -> object:
        """What resolution depends on beyond the builtins and the argument
        types: part of the resolution caches' keys."""
        if self._ext_key is _UNSET:
            self._ext_key = self.catalog.extension_key()
        return self._ext_key

    # ---------------------------------------------------------------- types

    def resolve_type(self, tn: TypeName) -> PgType:
        if tn.pct:
            raise RenderError("%TYPE is not supported here")
        t: PgType | None = None
        if tn.sql_builtin:
            t = builtin_type(tn.names[0])
        elif len(tn.names) == 1:
            if self.catalog.builtins_first():
                t = builtin_type(tn.names[0])
                if t is not None and t.kind in ("relation",):
                    t = None
            if t is None:
                t = self.catalog.find_type(tn.names)
            if t is None:
                t = builtin_type(tn.names[0])
        elif len(tn.names) == 2 and tn.names[0] == PG_CATALOG:
            t = builtin_type(tn.names[1]) or self.catalog.find_type(tn.names)
        else:
            t = self.catalog.find_type(tn.names[-2:])
        if t is None:
            raise self._no_type(tn)
        if tn.array_dims:
            t = t.array_of()
        return t

    def _no_type(self, tn: TypeName) -> RenderError:
        """The error for a type name that resolves to nothing: Undefined when
        Postgres certainly raises it (TypeNameToString's text: the name, and
        one "[]" for an array)."""
        names = tn.names
        if not tn.sql_builtin:
            if len(names) == 2 and self.catalog.knows_all("schema", names[:1]):
                return Undefined("3F000", f'schema "{names[0]}" does not exist')
            if self.catalog.knows_all("type", names):
                text = ".".join(names) + ("[]" if tn.array_dims else "")
                return Undefined("42704", f'type "{text}" does not exist')
        return RenderError(f'type "{tn.text()}" does not exist')

    def type_text(self, t: PgType) -> str:
        """A type as format_type_be prints it in the statement's session (in
        error messages): qualified unless its name finds it."""

        def visible(x: PgType) -> bool:
            if x.is_builtin:
                return True
            found = self.catalog.find_type((x.name,))
            return found is not None and same_type(found, x)

        return format_type(t, None, visible)

    def type_mods(self, tn: TypeName, t: PgType) -> tuple[str, ...]:
        mods = tn.mods
        if t.kind == "array" and t.elem is not None:
            t = t.elem
        if t.is_builtin and t.name == "numeric" and len(mods) == 1:
            return (mods[0], "0")
        if t.is_builtin and t.name == "interval" and tn.interval_fields:
            return mods
        return mods

    # ---------------------------------------------------------------- coercion

    def coerce(
        self,
        e: T,
        target: PgType,
        mods: tuple[str, ...] = (),
        ctx: str = "i",
        explicit: bool = False,
    ) -> T:
        """``coerce_to_target_type``: raises when no cast applies in ``ctx``."""
        src = e.type
        if is_poly(target) or (target.is_builtin and target.name == "any"):
            return e
        if isinstance(e, TConst) and is_unknown(src):
            return self._coerce_unknown(e, target, mods, explicit)
        if isinstance(e, TSubLink) and is_unknown(src):
            e.type = target
            return e
        if (
            src.is_builtin
            and src.name == "record"
            and target.base_type().kind in ("composite", "relation")
        ):
            # coerce_record_to_complex: a ROW(...) constructor only (a record
            # variable's fields are not modelled).
            if not isinstance(e, TRow):
                raise RenderError(f"cannot cast record to {target.name}")
            return self._row_to(e, target, ctx, explicit)
        if same_type(src, target):
            if mods and mods != e.mods:
                return TCast(e, target, mods, not explicit)
            if explicit and not isinstance(e, TConst) and e.mods != mods:
                return TCast(e, target, mods, False)
            return e
        if not can_coerce(src, target, "e" if explicit else ctx, self.casts):
            raise RenderError(f"cannot cast {src.name} to {target.name}")
        if target.is_builtin and target.name == "record":
            return e
        if target.kind == "domain" and not explicit:
            inner = self.coerce(e, target.base_type(), target.base_mods, ctx)
            return TCast(inner, target, (), True)
        return TCast(e, target, mods, not explicit)

    def _coerce_unknown(
        self, c: TConst, target: PgType, mods: tuple[str, ...], explicit: bool
    ) -> T:
        base = target.base_type()
        if c.value is None:
            # Postgres keeps what coerce_type builds around a NULL: a domain
            # coercion, or a length coercion (input functions get typmod -1,
            # except interval's). Both make DEFAULT NULL a stored default.
            if target.kind == "domain":
                inner = self._coerce_unknown(c, base, target.base_mods, explicit)
                return TCast(inner, target, (), not explicit)
            if mods and _has_length_coercion(target):
                return TCast(TConst(target, None, ()), target, mods, not explicit)
            return TConst(target, None, ())
        if base.is_builtin and base.name == "regclass":
            found = self.catalog.regclass(c.value)
            if found is None:
                # A system catalog relation: pg_catalog is always on the
                # path, so regclassout prints its name alone.
                names = parse_qualified(c.value)
                system = len(names) == 1 or (len(names) == 2 and names[0] == PG_CATALOG)
                if system and names[-1] in builtins().relations:
                    return TConst(target, quote_ident(names[-1]))
                return TConst(target, c.value)
            return TRegclass(target, found[1], found[0])
        if base.is_builtin and base.name in ("regconfig", "regdictionary"):
            # Their output functions print the name alone when the reading
            # session finds it first, whatever quoting or qualification the
            # literal had.
            kind = "configuration" if base.name == "regconfig" else "dictionary"
            value = self.catalog.text_search_text(kind, c.value)
            return TConst(target, c.value if value is None else value)
        if base.is_builtin and base.name in _REG_OUTPUT:
            value = self._reg_output(base.name, c.value)
            return TConst(target, c.value if value is None else value)
        if base.kind == "enum":
            self._enum_input(base, c.value)
        value = const_output(target, c.value)
        if is_definition_time(target, c.value):
            self.notes.append(
                f"{quote_literal(c.value)} is read when the expression is stored: Postgres keeps "
                f"the {format_type(base, (), lambda _t: True)} of that moment, which the migrations "
                "alone cannot tell"
            )
        const = TConst(target if target.kind != "domain" else base, value)
        if target.kind == "domain":
            return TCast(const, target, (), not explicit)
        if mods and not self._typmod_noop(target, mods):
            return TCast(const, target, mods, not explicit)
        return const

    def _enum_input(self, t: PgType, value: str) -> None:
        """enum_in, which parse analysis calls on the literal: a label the
        enum lacks fails, and so does one added in the current transaction
        (when the catalog knows the labels for certain)."""
        known = self.catalog.enum_labels(t)
        if known is None:
            return
        labels, uncommitted = known
        if value not in labels:
            raise Undefined("22P02", f'invalid input value for enum {self.type_text(t)}: "{value}"')
        if value in uncommitted:
            raise Undefined(
                "55P04", f'unsafe use of new value "{value}" of enum type {self.type_text(t)}'
            )

    def _reg_output(self, kind: str, text: str) -> str | None:
        """A regtype / regproc / regprocedure / regnamespace literal as its
        output function prints the object its input function finds
        (``'int4'`` is ``integer``, ``'abs(int4)'`` is ``abs(integer)``):
        qualified when not visible, typmods dropped. None when the object is
        not known (a schema's existence is not checked: such a literal would
        fail on the server)."""
        if kind == "regnamespace":
            names = parse_qualified(text)
            return quote_ident(names[0]) if len(names) == 1 else None
        try:
            if kind == "regtype":
                return format_type(self._reg_type(text), None, self.catalog.type_visible)
            name_text, paren, rest = text.partition("(")
            names = parse_qualified(name_text)
            if not names:
                return None
            cands = self.candidates(names)
            if kind == "regproc":
                # regprocin: the name must be unique whatever the arguments.
                if paren or len(cands) != 1:
                    return None
                f = cands[0]
            else:
                rest = rest.strip()
                if not rest.endswith(")"):
                    return None
                args = [self._reg_type(a) for a in _split_top_commas(rest[:-1])]
                found = [
                    f
                    for f in cands
                    if len(f.args) == len(args) and all(map(same_type, f.args, args))
                ]
                if len(found) != 1:
                    return None
                f = found[0]
        except (RenderError, ParseError, TokenizeError):
            return None
        out = quote_ident(f.name)
        if not self.catalog.function_visible(f.schema, f.name):
            out = f"{quote_ident(f.schema)}.{out}"
        if kind == "regprocedure":
            out += "(" + ",".join(format_type(a, None, self.catalog.type_visible) for a in f.args)
            out += ")"
        return out

    def _reg_type(self, text: str) -> PgType:
        """The type a type name in a string names (regtypein)."""
        stream = Stream(tokenize(text), text)
        tn = E.ExprParser(stream).type_name()
        if not stream.at_end():
            raise RenderError(f"invalid type name {text!r}")
        return self.resolve_type(tn)

    @staticmethod
    def _typmod_noop(t: PgType, mods: tuple[str, ...]) -> bool:
        return False

    # ---------------------------------------------------------------- expressions

    def expr(self, n: E.Node, scope: Scope | None) -> T:
        m = getattr(self, "_" + type(n).__name__, None)
        if m is None:
            raise RenderError(f"{type(n).__name__} is not supported")
        result: T = m(n, scope)
        return result

    def _Paren(self, n: E.Paren, scope: Scope | None) -> T:
        return self.expr(n.arg, scope)

    def _Src(self, n: E.Src, scope: Scope | None) -> T:
        return self.expr(n.arg, scope)

    def _Const(self, n: E.Const, scope: Scope | None) -> T:
        if n.kind == "str":
            return TConst(unknown(), n.value)
        if n.kind == "null":
            return TConst(unknown(), None)
        if n.kind == "bool":
            return TConst(_t("bool"), n.value)
        if n.kind == "bits":
            return TConst(_t("bit"), n.value)
        v = n.value or "0"
        if re.fullmatch(r"-?\d+", v):
            i = int(v)
            if -(2**31) <= i < 2**31:
                return TConst(_t("int4"), str(i))
            if -(2**63) <= i < 2**63:
                return TConst(_t("int8"), str(i))
        return TConst(_t("numeric"), _normalize_numeric(v))

    def _Param(self, n: E.Param, scope: Scope | None) -> T:
        raise RenderError("parameters are not supported")

    def _ColumnRef(self, n: E.ColumnRef, scope: Scope | None) -> T:
        names = n.names
        if self.domain_type is not None and names == ("value",):
            return TVar("VALUE", "", self.domain_type, self.domain_type.base_mods, None)
        if names[-1] == "*":
            raise RenderError("* is not supported in an expression")
        s = scope
        while s is not None:
            found = self._lookup_column(names, s)
            if found is not None:
                return found
            s = s.parent
        if len(names) == 1:
            # A whole-row reference to a table alias (``select t from t``).
            row = self._whole_row(names, scope)
            if row is not None:
                return row
        raise self._no_column(names, scope)

    def _no_column(self, names: tuple[str, ...], scope: Scope | None) -> RenderError:
        """The error for a column reference no range entry resolves:
        Undefined when Postgres certainly raises it (errorMissingColumn's
        text). ``name`` alone could be any entry's whole row or a system
        column; ``t.name``, a function taking t's row (attribute notation)."""
        plain = RenderError(f'column "{".".join(names)}" does not exist')
        name = names[-1]
        if name in _SYSTEM_COLUMNS or len(names) > 2 or self._function_star:
            return plain
        s = scope
        if len(names) == 1:
            while s is not None:
                for entry in s.entries:
                    if entry.refname == name or not self._known_columns(entry):
                        return plain
                s = s.parent
            return Undefined("42703", f'column "{name}" does not exist')
        qual = names[0]
        while s is not None:
            found = [e for e in s.entries if e.refname == qual]
            if found:
                if len(found) > 1 or not self._known_columns(found[0]):
                    return plain
                if self.candidates((name,)) or not self.catalog.knows_all("function", (name,)):
                    return plain
                return Undefined("42703", f"column {qual}.{name} does not exist")
            s = s.parent
        # No range entry is called so: Postgres reads it as a field of a
        # column of that name if there is one, else errorMissingRTE.
        s = scope
        while s is not None:
            for entry in s.entries:
                if not self._known_columns(entry) or any(c.name == qual for c in entry.columns):
                    return plain
            s = s.parent
        if scope is None:
            return plain
        return Undefined("42P01", f'missing FROM-clause entry for table "{qual}"')

    def _known_columns(self, entry: RangeEntry) -> bool:
        """Whether a range entry's columns are certainly all it has: those of
        a relation pgdrift models whole, or of a query over such relations."""
        if entry.kind == "relation":
            return entry.relation is not None and self.catalog.knows_all("column", entry.relation)
        if entry.kind in ("subquery", "cte"):
            return all(o is None or self.catalog.knows_all("column", o[:2]) for o in entry.origins)
        return False

    def _whole_row(self, names: tuple[str, ...], scope: Scope | None) -> T | None:
        """The row of the relation ``names`` refers to (an alias, or a
        relation name with its schema), if any is in scope."""
        s = scope
        while s is not None:
            for entry in s.entries:
                if entry.refname != names[-1] or entry.relation is None:
                    continue
                if len(names) > 1 and entry.relation[0] != names[-2]:
                    continue
                t = self.catalog.find_type(entry.relation)
                if t is not None:
                    return TWholeRow(entry.refname, t, entry)
            s = s.parent
        return None

    def _func_arg(self, a: E.Node, scope: Scope | None) -> T:
        # ``f(t.*)`` passes the whole row of t (it is not expanded, as it is
        # in a select list or ROW()).
        if isinstance(a, E.ColumnRef) and len(a.names) > 1 and a.names[-1] == "*":
            row = self._whole_row(a.names[:-1], scope)
            if row is None:
                raise RenderError(f'missing FROM-clause entry for table "{a.names[-2]}"')
            return row
        return self.expr(a, scope)

    def _lookup_column(self, names: tuple[str, ...], s: Scope) -> T | None:
        col = names[-1]
        qual = names[:-1]
        for entry in s.entries:
            if qual:
                if entry.refname != qual[-1]:
                    continue
                if len(qual) > 1 and entry.relation is not None and entry.relation[0] != qual[-2]:
                    continue
            for i, c in enumerate(entry.columns):
                if c.name == col:
                    return TVar(c.name, entry.refname, c.type, c.mods, entry.origins[i], entry)
        return None

    def _TypeCast(self, n: E.TypeCast, scope: Scope | None) -> T:
        target = self.resolve_type(n.type)
        mods = self.type_mods(n.type, target)
        inner = n.arg
        while isinstance(inner, E.Paren):
            inner = inner.arg
        base = target.base_type()
        if isinstance(inner, E.ArrayLit) and base.kind == "array" and base.elem is not None:
            # transformTypeCast: ARRAY[...]::t[] casts each element to t
            # (transformArrayExpr with a target type), then the array to the
            # target (a no-op unless the target is a domain over the array).
            base_mods = target.base_mods if target.kind == "domain" else mods
            arr = self._array_to(inner, scope, base, base_mods)
            return self.explicit_cast(arr, target, mods)
        arg = self.expr(n.arg, scope)
        if isinstance(arg, TConst) and is_unknown(arg.type):
            out = self._coerce_unknown(arg, target, mods, True)
            if n.type.interval_fields and isinstance(out, TConst):
                out = TCast(out, target, mods, False) if mods else out
            return out
        return self.explicit_cast(arg, target, mods)

    def explicit_cast(self, arg: T, target: PgType, mods: tuple[str, ...]) -> T:
        """``coerce_to_target_type`` with COERCION_EXPLICIT / COERCE_EXPLICIT_CAST."""
        if isinstance(arg, TConst) and is_unknown(arg.type):
            return self._coerce_unknown(arg, target, mods, True)
        return self.coerce(arg, target, mods, "e", explicit=True)

    def _array_to(
        self, n: E.ArrayLit, scope: Scope | None, array_type: PgType, mods: tuple[str, ...]
    ) -> TArray:
        """transformArrayExpr given a target array type: elements (or sub-arrays)
        are explicitly cast to it, typmod included."""
        assert array_type.elem is not None
        items: list[T] = []
        multidims = False
        for item in n.items:
            while isinstance(item, E.Paren):
                item = item.arg
            if isinstance(item, E.ArrayLit):
                items.append(self._array_to(item, scope, array_type, mods))
                multidims = True
            else:
                e = self.expr(item, scope)
                if e.type.base_type().kind == "array":
                    multidims = True
                items.append(e)
        coerce_to = array_type if multidims else array_type.elem
        out = [self.explicit_cast(i, coerce_to, mods) for i in items]
        arr = TArray(out, array_type, nested=multidims)
        arr.mods = _array_mods(out, coerce_to)
        return arr

    def _Collate(self, n: E.Collate, scope: Scope | None) -> T:
        arg = self.expr(n.arg, scope)
        if isinstance(arg, TConst) and is_unknown(arg.type):
            arg = self._coerce_unknown(arg, _t("text"), (), False)
        name = ".".join(quote_ident(p) for p in n.collation)
        return TCollate(arg, name)

    def _BoolOp(self, n: E.BoolOp, scope: Scope | None) -> T:
        args = [self.coerce(self.expr(a, scope), _t("bool")) for a in n.args]
        if n.op == "NOT":
            return TBool("NOT", args)
        flat: list[T] = []
        for a in args:
            # The analyzer keeps nested AND/OR as written; only the parser flattens.
            flat.append(a)
        return TBool(n.op, flat)

    def _Test(self, n: E.Test, scope: Scope | None) -> T:
        arg = self.expr(n.arg, scope)
        if n.what.endswith(("TRUE", "FALSE", "UNKNOWN")):
            arg = self.coerce(arg, _t("bool"))
        elif isinstance(arg, TConst) and is_unknown(arg.type):
            arg = self._coerce_unknown(arg, _t("text"), (), False)
        return TTest(arg, n.what)

    def _row_equality(self, name: str, left: TRow, right: TRow) -> T:
        """make_row_comparison_op for = and <>: the fields compared pairwise,
        ANDed (ORed for <>); one field, its comparison alone."""
        if len(left.raw) != len(right.raw):
            raise Undefined("42601", "unequal number of entries in row expressions")
        pairs = [
            self.coerce(self.operator(name, a, b), _t("bool"))
            for a, b in zip(left.raw, right.raw, strict=True)
        ]
        if len(pairs) == 1:
            return pairs[0]
        return TBool("AND" if name == "=" else "OR", pairs)

    def _distinct(self, left: T, right: T) -> T:
        """IS DISTINCT FROM; of two rows, make_row_distinct_op's fields
        compared pairwise and ORed on in turn."""
        if isinstance(left, TRow) and isinstance(right, TRow):
            if len(left.raw) != len(right.raw):
                raise Undefined("42601", "unequal number of entries in row expressions")
            result: T | None = None
            for a, b in zip(left.raw, right.raw, strict=True):
                cmp = self._distinct(a, b)
                result = cmp if result is None else TBool("OR", [result, cmp])
            assert result is not None
            return result
        op = self.operator("=", left, right)
        assert isinstance(op, TOp) and op.left is not None
        return TDistinct(op.left, op.right)

    def _Distinct(self, n: E.Distinct, scope: Scope | None) -> T:
        distinct = self._distinct(self.expr(n.left, scope), self.expr(n.right, scope))
        # The grammar reads IS NOT DISTINCT FROM as NOT (... IS DISTINCT FROM ...),
        # and ruleutils prints it so.
        return TBool("NOT", [distinct]) if n.negated else distinct

    def _Op(self, n: E.Op, scope: Scope | None) -> T:
        right = self.expr(n.right, scope)
        left = self.expr(n.left, scope) if n.left is not None else None
        return self.operator(n.name, left, right, n.schema)

    def _AtTimeZone(self, n: E.AtTimeZone, scope: Scope | None) -> T:
        arg = self.expr(n.arg, scope)
        zone = self.expr(n.zone, scope)
        f = self.call(("timezone",), [zone, arg], [], syntax="AT TIME ZONE")
        return f

    def _Like(self, n: E.Like, scope: Scope | None) -> T:
        ops = {"LIKE": "~~", "ILIKE": "~~*", "SIMILAR": "~"}
        name = ops[n.kind]
        if n.negated:
            name = "!" + name
        left = self.expr(n.arg, scope)
        pattern = self.expr(n.pattern, scope)
        if n.kind == "SIMILAR":
            esc = [self.expr(n.escape, scope)] if n.escape is not None else []
            pattern = self.call(("similar_to_escape",), [pattern, *esc], [])
        elif n.escape is not None:
            pattern = self.call(("like_escape",), [pattern, self.expr(n.escape, scope)], [])
        return self.operator(name, left, pattern)

    def _Between(self, n: E.Between, scope: Scope | None) -> T:
        if n.symmetric:
            raise RenderError("BETWEEN SYMMETRIC is not supported")
        # Postgres rewrites BETWEEN into two comparisons.
        if n.negated:
            lo = self.operator("<", self.expr(n.arg, scope), self.expr(n.low, scope))
            hi = self.operator(">", self.expr(n.arg, scope), self.expr(n.high, scope))
            return TBool("OR", [lo, hi])
        lo = self.operator(">=", self.expr(n.arg, scope), self.expr(n.low, scope))
        hi = self.operator("<=", self.expr(n.arg, scope), self.expr(n.high, scope))
        return TBool("AND", [lo, hi])

    def _InList(self, n: E.InList, scope: Scope | None) -> T:
        """transformAExprIn: the items that read no column of this query
        level, when there are several, become one ``= ANY (ARRAY[...])``
        (``<> ALL``); the others each one comparison, ORed (ANDed) on in
        turn: ``x IN (1, 2, y)`` is ``((x = ANY (ARRAY[1, 2])) OR (x = y))``."""
        left = self.expr(n.arg, scope)
        items = [self.expr(i, scope) for i in n.items]
        opname = "<>" if n.negated else "="
        reading = [i for i in items if _reads_level(i, scope)]
        constant = [i for i in items if not any(i is r for r in reading)]
        result: T | None = None
        rest = items
        if len(constant) > 1:
            try:
                common: PgType | None = select_common_type(
                    [left.type] + [i.type for i in constant], self.casts
                )
            except RenderError:
                common = None
            if common is not None and common.kind != "array" and not _is_record(common):
                # (an array type has no array type of its own; rows compare
                # field by field below)
                arr = TArray([self.coerce(i, common) for i in constant], common.array_of())
                result = self.scalar_array_op(opname, left, arr, not n.negated)
                rest = reading
        for i in rest:
            # Each comparison has its own copy of the left operand.
            cmp = self.coerce(self.operator(opname, self.expr(n.arg, scope), i), _t("bool"))
            result = cmp if result is None else TBool("AND" if n.negated else "OR", [result, cmp])
        assert result is not None  # the grammar gives IN at least one item
        return result

    def _AnyAll(self, n: E.AnyAll, scope: Scope | None) -> T:
        left = self.expr(n.left, scope)
        right = self.expr(n.right, scope)
        return self.scalar_array_op(n.op, left, right, n.quantifier == "ANY")

    def scalar_array_op(self, opname: str, left: T, right: T, use_or: bool) -> T:
        if isinstance(right, TConst) and is_unknown(right.type) and not is_unknown(left.type):
            # make_scalar_array_op: '{a,b}' on the right stays unknown while
            # the operator is chosen, then becomes an array of the type the
            # operator takes on its right.
            op = self._select_operator(opname, left, right)
            if op is None:
                raise RenderError(f"operator does not exist: {left.type.name} {opname} unknown")
            lt, rt, _res, schema = op
            target = left.type.array_of() if is_poly(rt) else rt.array_of()
            right_c = self._coerce_unknown(right, target, (), False)
            return TScalarArrayOp(opname, schema, use_or, self.coerce(left, lt), right_c)
        if isinstance(right, TConst) and is_unknown(right.type):
            right = self._coerce_unknown(right, _t("_text"), (), False)
        rtype = right.type.base_type()
        if rtype.kind != "array" or rtype.elem is None:
            raise RenderError("op ANY/ALL (array) requires an array on the right")
        elem_holder = TConst(rtype.elem, "x")
        op = self._select_operator(opname, left, elem_holder)
        if op is None:
            raise RenderError(
                f"operator does not exist: {left.type.name} {opname} {rtype.elem.name}"
            )
        lt, rt, _res, schema = op
        left_c = self.coerce(left, lt)
        right_c = right
        if not same_type(rtype.elem, rt):
            right_c = self.coerce(right, rt.array_of())
        return TScalarArrayOp(opname, schema, use_or, left_c, right_c)

    def _Case(self, n: E.Case, scope: Scope | None) -> T:
        arg = self.expr(n.arg, scope) if n.arg is not None else None
        whens: list[tuple[T, T]] = []
        for cond, res in n.whens:
            c = self.expr(cond, scope)
            c = self.operator("=", arg, c) if arg is not None else self.coerce(c, _t("bool"))
            whens.append((c, self.expr(res, scope)))
        default = self.expr(n.default, scope) if n.default is not None else None
        results = [r for _, r in whens] + ([default] if default is not None else [])
        # transformCaseExpr: the ELSE result (a NULL when there is none)
        # comes first, so its type is preferred.
        first = default.type if default is not None else unknown()
        common = select_common_type([first] + [r.type for _, r in whens], self.casts)
        # Without ELSE the result may be a NULL of no particular modifier.
        mods = common_mods(results, common) if default is not None else ()
        whens = [(c, self.coerce(r, common)) for c, r in whens]
        if default is not None:
            default = self.coerce(default, common)
        if arg is not None:
            # Printed as CASE arg WHEN val: keep the comparison's right side.
            pass
        return TCase(arg, whens, default, common, mods)

    def _ArrayLit(self, n: E.ArrayLit, scope: Scope | None) -> T:
        items = [self.expr(i, scope) for i in n.items]
        if not items:
            return TArray([], unknown())
        nested = all(isinstance(i, TArray) for i in items)
        if nested:
            elem_types = [
                i.type.elem or unknown() if i.type.kind == "array" else i.type for i in items
            ]
            common = select_common_type(elem_types, self.casts)
            arr = common.array_of()
            items = [
                self.coerce(i, arr) if not isinstance(i, TArray) else self._retype_array(i, common)
                for i in items
            ]
            return TArray(items, arr, nested=True)
        common = select_common_type([i.type for i in items], self.casts)
        return TArray([self.coerce(i, common) for i in items], common.array_of())

    def _retype_array(self, a: TArray, elem: PgType) -> TArray:
        if a.nested:
            return TArray(
                [self._retype_array(i, elem) if isinstance(i, TArray) else i for i in a.items],
                elem.array_of(),
                True,
            )
        return TArray([self.coerce(i, elem) for i in a.items], elem.array_of())

    def _Row(self, n: E.Row, scope: Scope | None) -> T:
        raw = [self.expr(i, scope) for i in n.items]
        items = [
            self._coerce_unknown(i, _t("text"), (), False)
            if isinstance(i, TConst) and is_unknown(i.type)
            else i
            for i in raw
        ]
        return TRow(items, n.explicit, raw)

    def _row_to(self, row: TRow, target: PgType, ctx: str, explicit: bool) -> T:
        """coerce_record_to_complex: each item coerced to its field's type and
        type modifier; a domain over the composite checks the row after."""
        base = target.base_type()
        fields = self.catalog.row_columns(base)
        if fields is None or len(fields) != len(row.raw):
            raise RenderError(f"cannot cast record to {target.name}")
        items = [self.coerce(i, f.type, f.mods, ctx) for i, f in zip(row.raw, fields, strict=True)]
        out = TRow(items, row.explicit)
        out.type = base
        if target.kind == "domain":
            return TCast(out, target, (), not explicit)
        out.cast = explicit
        return out

    def _SpecialFunc(self, n: E.SpecialFunc, scope: Scope | None) -> T:
        name = n.name
        if name in _VALUE_FUNC_TYPES:
            t = _t(_VALUE_FUNC_TYPES[name])
            return TValueFunc(name, n.detail, t, (n.detail,) if n.detail else ())
        args = [self.expr(a, scope) for a in n.args]
        if name in ("COALESCE", "GREATEST", "LEAST"):
            common = select_common_type([a.type for a in args], self.casts)
            mods = common_mods(args, common)
            return TMulti(name, [self.coerce(a, common) for a in args], common, mods)
        if name == "NULLIF":
            op = self.operator("=", args[0], args[1])
            assert isinstance(op, TOp) and op.left is not None
            return TMulti(name, [op.left, op.right], op.left.type, op.left.mods)
        if name == "EXTRACT":
            field_ = TConst(_t("text"), n.detail)
            return self.call(("extract",), [field_, args[0]], [], syntax="EXTRACT")
        if name == "TRIM":
            fname = {"both": "btrim", "leading": "ltrim", "trailing": "rtrim"}[n.detail or "both"]
            return self.call((fname,), args, [], syntax="TRIM " + (n.detail or "both").upper())
        if name == "POSITION":
            # POSITION(sub IN str) calls position(str, sub).
            return self.call(("position",), [args[1], args[0]], [], syntax=name)
        if name in _SQL_SYNTAX_FUNCS:
            return self.call((_SQL_SYNTAX_FUNCS[name],), args, [], syntax=name)
        raise RenderError(f"{name} is not supported")

    def _Indirection(self, n: E.Indirection, scope: Scope | None) -> T:
        steps = n.path
        slices = n.slices
        arg: T | None = None
        if steps and isinstance(steps[0], str) and steps[0] != "*":
            # ParseComplexProjection: a field of a whole-row reference
            # (``(t).col``, ``(t.*).col``) is that column itself.
            entry = self._row_entry(n.arg, scope)
            if entry is not None:
                arg = self._entry_column(entry, steps[0])
                steps, slices = steps[1:], slices[1:]
                if not steps:
                    return arg
        if arg is None:
            arg = self.expr(n.arg, scope)
        path: list[str | tuple[T | None, T | None, bool]] = []
        t = arg.type
        mods = arg.mods
        for i, step in enumerate(steps):
            if isinstance(step, str):
                if step == "*":
                    raise RenderError("(x).* is not supported here")
                fields = self.row_fields(arg if not path else None, t)
                col = next((c for c in fields or () if c.name == step), None)
                if col is None:
                    raise RenderError(f'field "{step}" not found')
                path.append(step)
                t, mods = col.type, col.mods
            else:
                lo, hi = step
                is_slice = slices[i] if i < len(slices) else False
                # array_subscript_transform: COERCION_ASSIGNMENT to int4.
                int4 = _t("int4")
                lo_t = self.coerce(self.expr(lo, scope), int4, (), "a") if lo is not None else None
                hi_t = self.coerce(self.expr(hi, scope), int4, (), "a") if hi is not None else None
                path.append((lo_t, hi_t, is_slice))
                b = t.base_type()
                if b.is_builtin and b.name in ("jsonb",):
                    raise RenderError("jsonb subscripting is not supported")
                if b.kind == "array" and b.elem is not None:
                    # An element or a slice keeps the array's type modifier
                    # (a domain's: that of its base type).
                    d = t
                    while d.kind == "domain" and d.base is not None:
                        mods, d = d.base_mods, d.base
                    if not is_slice:
                        t = b.elem
                else:
                    mods = ()
        result = TIndirection(arg, path, t)
        result.mods = mods
        return result

    def row_fields(self, e: T | None, t: PgType) -> tuple[ColumnInfo, ...] | None:
        """The fields of a row-typed value (``get_expr_result_tupdesc``): those
        of its composite or table row type, or the OUT columns of the function
        call ``e`` returning record."""
        b = t.base_type()
        if b.kind in ("composite", "relation"):
            return self.catalog.row_columns(b)
        if isinstance(e, TFunc) and e.sig is not None and e.sig.out_columns:
            return tuple(ColumnInfo(name, ct) for name, ct in e.sig.out_columns)
        return None

    def _row_entry(self, n: E.Node, scope: Scope | None) -> RangeEntry | None:
        """The range entry ``n`` refers to as a whole row (``t``, ``t.*``,
        ``s.t.*``), when it is such a reference rather than a column."""
        while isinstance(n, E.Paren):
            n = n.arg
        if not isinstance(n, E.ColumnRef):
            return None
        names = n.names
        if names[-1] == "*":
            names = names[:-1]  # t.* or s.t.*
            if not names or len(names) > 2:
                return None
        else:
            if len(names) != 1:  # a.b is a column, never a schema's table
                return None
            s = scope
            while s is not None:
                if self._lookup_column(names, s) is not None:
                    return None
                s = s.parent
        s = scope
        while s is not None:
            for entry in s.entries:
                if entry.refname != names[-1]:
                    continue
                if len(names) > 1 and (entry.relation is None or entry.relation[0] != names[-2]):
                    continue
                return entry
            s = s.parent
        return None

    @staticmethod
    def _entry_column(entry: RangeEntry, name: str) -> TVar:
        for i, c in enumerate(entry.columns):
            if c.name == name:
                return TVar(c.name, entry.refname, c.type, c.mods, entry.origins[i], entry)
        raise RenderError(f"column {entry.refname}.{name} does not exist")

    def _SubLink(self, n: E.SubLink, scope: Scope | None) -> T:
        link = self._sublink(n, scope)
        if isinstance(link, TSubLink):
            link.outer = scope
        return link

    def _sublink(self, n: E.SubLink, scope: Scope | None) -> T:
        q = self.query(n.query, scope)
        if n.kind == "EXISTS":
            return TSubLink("EXISTS", q, _t("bool"))
        if n.kind in ("ARRAY", "EXPR"):
            if not q.targets:
                if n.kind == "EXPR":
                    raise RenderError("subquery has no columns")
                return TSubLink("ARRAY", q, unknown().array_of())
            t0 = q.targets[0].expr
            link = TSubLink(n.kind, q, t0.type if n.kind == "EXPR" else t0.type.array_of())
            link.mods = t0.mods  # exprTypmod: the first column's, for both
            return link
        assert n.test is not None
        test = self.expr(n.test, scope)
        if not q.targets:
            raise RenderError("subquery has no columns")
        col = q.targets[0].expr
        op = self._select_operator(n.op, test, col)
        if op is None:
            raise RenderError(f"operator does not exist: {n.op}")
        lt, rt, _res, schema = op
        test = self.coerce(test, lt)
        if not same_type(col.type, rt):
            q.targets[0] = TTarget(self.coerce(col, rt), q.targets[0].name, q.targets[0].origin)
        kind = "ANY" if n.kind in ("IN", "ANY") else "ALL"
        return TSubLink(kind, q, _t("bool"), test, n.op if n.kind != "IN" else "IN", schema)

    def _FuncCall(self, n: E.FuncCall, scope: Scope | None) -> T:
        if n.over is not None:
            self.saw_window = True
        if n.star:
            f = self.call(n.name, [], [], agg=n)
            self.saw_aggregate = True
            return f
        args = [self._func_arg(a, scope) for a in n.args]
        if n.within_group:
            # An ordered-set aggregate: its signature lists the direct
            # arguments and then the aggregated ones, the WITHIN GROUP sort
            # keys (percentile_cont(float8) WITHIN GROUP (ORDER BY float8)).
            keys = [self.expr(k.expr, scope) for k in n.within_group]
            names = [*n.arg_names, *[None] * (len(args) - len(n.arg_names) + len(keys))]
            f = self.call(n.name, args + keys, names, variadic=n.variadic, agg=n)
            if isinstance(f, TFunc):
                f.args = f.args[: len(args)]  # the keys print from ``agg``
        else:
            f = self.call(n.name, args, list(n.arg_names), variadic=n.variadic, agg=n)
        if n.filter is not None or n.order_by or n.distinct or n.within_group:
            self.saw_aggregate = True
        return f

    # ---------------------------------------------------------------- resolution

    def _builtin_sigs(self, name: str) -> list[FuncSig]:
        return list(_builtin_sigs(name))

    def candidates(self, names: tuple[str, ...]) -> list[FuncSig]:
        if len(names) >= 2 and names[-2] == PG_CATALOG:
            # Builtins, then an extension's functions installed there.
            return self._builtin_sigs(names[-1]) + self.catalog.find_functions(names[-2:])
        user = self.catalog.find_functions(names[-2:])
        if len(names) == 1:
            b = self._builtin_sigs(names[0])
            return b + user if self.catalog.builtins_first() else user + b
        return user

    def call(
        self,
        names: tuple[str, ...],
        args: list[T],
        arg_names: Sequence[str | None],
        *,
        variadic: bool = False,
        syntax: str = "",
        agg: E.FuncCall | None = None,
    ) -> T:
        cands = self.candidates(names)
        if not cands:
            raise self._no_function(names, args, arg_names)
        if agg is not None and agg.star:
            cands = [c for c in cands if not c.args and c.kind == "a"]
            if not cands:
                raise RenderError(f"{names[-1]}(*) is not an aggregate")
            sig = cands[0]
            f = TFunc(sig.schema, sig.name, [], sig.result, agg=agg)
            f.sig = sig
            return f
        named = any(n is not None for n in arg_names)
        key = None
        if all(c.schema == PG_CATALOG for c in cands):
            # Built-in overloads never change: the choice depends on the types only.
            key = (names[-1], tuple(a.type for a in args), tuple(arg_names), variadic, self.ext_key)
        if key is not None and key in _FUNCTION_CACHE:
            chosen = _FUNCTION_CACHE[key]
        else:
            chosen = self._select_function(cands, args, list(arg_names) if named else [], variadic)
            if key is not None:
                if len(_FUNCTION_CACHE) > 50_000:
                    _FUNCTION_CACHE.clear()
                _FUNCTION_CACHE[key] = chosen
        if chosen is None:
            raise RenderError(
                f"function {'.'.join(names)}({', '.join(a.type.name for a in args)}) does not exist"
            )
        sig, param_types, _expanded = chosen
        if sig.kind == "a":
            self.saw_aggregate = True
        if sig.kind == "w":
            self.saw_window = True
        bound = self._bind_polymorphic(param_types, args)
        coerced = []
        for a, p in zip(args, param_types, strict=False):
            target = self._subst(p, bound)
            coerced.append(
                self.coerce(a, target)
                if not (target.is_builtin and target.name == "any")
                else self._any_arg(a)
            )
        result = self._subst(sig.result, bound)
        if is_poly(result):
            result = _t("text")
        f = TFunc(
            sig.schema,
            sig.name,
            coerced,
            result,
            arg_names=arg_names if named else (),
            variadic=variadic,
            syntax=syntax,
            agg=agg,
        )
        f.sig = sig
        return f

    def _no_function(
        self, names: tuple[str, ...], args: list[T], arg_names: Sequence[str | None]
    ) -> RenderError:
        """The error for a call of a name no function has: Undefined when
        Postgres certainly raises it (func_signature_string's text). Not for
        a name the grammar treats as syntax, for one argument of a row type
        (``f(t)`` may be attribute notation for ``t.f``), nor for one
        argument to a type's name (``uuid('...')`` casts)."""
        plain = RenderError(f"function {'.'.join(names)}() does not exist")
        if len(names) > 2 or (len(names) == 1 and _syntax_name(names[0])):
            return plain
        if len(names) == 2 and self.catalog.knows_all("schema", names[:1]):
            return Undefined("3F000", f'schema "{names[0]}" does not exist')
        if len(args) == 1:
            t = args[0].type.base_type()
            if t.kind in ("composite", "relation") or (t.is_builtin and t.name == "record"):
                return plain
            # A type's name: a function-style cast (func_get_detail's coercion).
            builtin_name = len(names) == 1 or names[0] == PG_CATALOG
            as_type = builtin_type(names[-1]) if builtin_name else None
            if as_type is not None or self.catalog.find_type(names) is not None:
                return plain
        if not self.catalog.knows_all("function", names):
            return plain
        shown = []
        for i, a in enumerate(args):
            name = arg_names[i] if i < len(arg_names) else None
            text = self.type_text(a.type)
            shown.append(text if name is None else f"{name} => {text}")
        return Undefined("42883", f"function {'.'.join(names)}({', '.join(shown)}) does not exist")

    def _any_arg(self, a: T) -> T:
        # An argument declared "any" keeps its type, unknown literals included.
        return a

    def _select_function(
        self, cands: list[FuncSig], args: list[T], arg_names: list[str | None], variadic_call: bool
    ) -> tuple[FuncSig, list[PgType], bool] | None:
        nargs = len(args)
        options: list[tuple[FuncSig, list[PgType], bool]] = []
        for sig in cands:
            params = list(sig.args)
            if arg_names:
                mapped = self._map_named(sig, arg_names, nargs)
                if mapped is None:
                    continue
                options.append((sig, mapped, False))
                continue
            if len(params) == nargs:
                options.append((sig, params, False))
            elif sig.variadic and not variadic_call and nargs >= len(params) - 1:
                elem = params[-1].elem if params[-1].kind == "array" else params[-1]
                assert elem is not None
                expanded = params[:-1] + [elem] * (nargs - len(params) + 1)
                options.append((sig, expanded, True))
            elif len(params) > nargs >= len(params) - sig.ndefaults:
                options.append((sig, params[:nargs], False))
        types = [a.type for a in args]
        options = [o for o in options if poly_consistent(o[1], types, self.casts)]
        return select_candidate(options, types, self.casts)

    def _map_named(
        self, sig: FuncSig, arg_names: list[str | None], nargs: int
    ) -> list[PgType] | None:
        params = list(sig.args)
        names = list(sig.arg_names) + [""] * (len(params) - len(sig.arg_names))
        result: list[PgType] = []
        used: set[int] = set()
        for i, n in enumerate(arg_names):
            if n is None:
                if i >= len(params):
                    return None
                result.append(params[i])
                used.add(i)
            else:
                if n not in names:
                    return None
                j = names.index(n)
                result.append(params[j])
                used.add(j)
        missing = [j for j in range(len(params)) if j not in used]
        if any(j < len(params) - sig.ndefaults for j in missing):
            return None
        return result

    def _bind_polymorphic(self, params: list[PgType], args: list[T]) -> dict[str, PgType]:
        bound: dict[str, PgType] = {}
        elem_types: list[PgType] = []
        compat: list[PgType] = []
        for p, a in zip(params, args, strict=False):
            if not is_poly(p) or is_unknown(a.type):
                continue
            b = a.type.base_type()
            if p.name.startswith("anycompatible"):
                compat.append(
                    b.elem if p.name == "anycompatiblearray" and b.elem is not None else b
                )
                continue
            if p.name in ("anyarray",):
                if b.elem is not None:
                    elem_types.append(b.elem)
            elif p.name in ("anyrange", "anymultirange"):
                continue
            else:
                elem_types.append(b)
        if elem_types:
            bound["anyelement"] = elem_types[0]
        elif any(is_poly(p) and not p.name.startswith("anycompatible") for p in params):
            bound["anyelement"] = _t("text")
        if compat:
            bound["anycompatible"] = select_common_type(compat, self.casts)
        elif any(p.name.startswith("anycompatible") for p in params if is_poly(p)):
            bound["anycompatible"] = _t("text")
        return bound

    def _subst(self, p: PgType, bound: dict[str, PgType]) -> PgType:
        if not is_poly(p):
            return p
        if p.name.startswith("anycompatible"):
            base = bound.get("anycompatible", _t("text"))
            return base.array_of() if p.name == "anycompatiblearray" else base
        base = bound.get("anyelement", _t("text"))
        if p.name == "anyarray":
            return base.array_of()
        return base

    def _select_operator(
        self, name: str, left: T | None, right: T, schema: str | None = None
    ) -> tuple[PgType, PgType, PgType, str] | None:
        # The choice depends on the types, and on the operators and casts of
        # installed extensions (``ext_key``) when there are any.
        key = (name, left.type if left is not None else None, right.type, schema, self.ext_key)
        try:
            return _OPERATOR_CACHE[key]
        except KeyError:
            pass
        result = self._resolve_operator(name, left, right, schema)
        if len(_OPERATOR_CACHE) > 50_000:
            _OPERATOR_CACHE.clear()
        _OPERATOR_CACHE[key] = result
        return result

    def _operator_candidates(
        self, name: str, prefix: bool, schema: str | None
    ) -> Sequence[tuple[FuncSig, tuple[PgType, ...]]]:
        """OpernameGetCandidates: the builtins and the operators of installed
        extensions, in search-path order (``OPERATOR(schema.op)``: that
        schema's); an operator hides those of later schemas with the same
        operand types."""
        builtin_sigs = _operator_sigs(name, prefix)
        ext = self.catalog.extension_operators(name, prefix)
        if not ext and schema in (None, PG_CATALOG):
            return builtin_sigs
        out: list[tuple[FuncSig, tuple[PgType, ...]]] = []
        seen: set[tuple[tuple[str, str], ...]] = set()
        for s in (schema,) if schema is not None else self.catalog.operator_path():
            group = [*builtin_sigs] if s == PG_CATALOG else []
            group += [(sig, sig.args) for sig in ext if sig.schema == s]
            for sig, params in group:
                ident = tuple((p.schema, p.name) for p in params)
                if ident not in seen:
                    seen.add(ident)
                    out.append((sig, params))
        return out

    def _resolve_operator(
        self, name: str, left: T | None, right: T, schema: str | None = None
    ) -> tuple[PgType, PgType, PgType, str] | None:
        options = [
            (sig, list(params), False)
            for sig, params in self._operator_candidates(name, left is None, schema)
        ]
        types = [right.type] if left is None else [left.type, right.type]
        options = [o for o in options if poly_consistent(o[1], types, self.casts)]
        # An unknown operand first tries the other operand's type (oper_select_candidate).
        if left is not None and (is_unknown(left.type) != is_unknown(right.type)):
            known = right.type if is_unknown(left.type) else left.type
            kb = known.base_type()
            for sig, params, _ in options:
                if same_type(params[0], kb) and same_type(params[1], kb):
                    return params[0], params[1], sig.result, sig.schema
        chosen = select_candidate(options, types, self.casts)
        if chosen is None:
            return None
        sig, params, _ = chosen
        bound = self._bind_polymorphic(params, [right] if left is None else [left, right])
        ps = [self._subst(p, bound) for p in params]
        res = self._subst(sig.result, bound)
        if left is None:
            return ps[0], ps[0], res, sig.schema
        return ps[0], ps[1], res, sig.schema

    def operator(self, name: str, left: T | None, right: T, schema: str | None = None) -> T:
        if isinstance(left, TRow) and isinstance(right, TRow) and name in ("=", "<>"):
            return self._row_equality(name, left, right)
        op = self._select_operator(name, left, right, schema)
        if op is None:
            ln = left.type.name if left is not None else ""
            raise RenderError(f"operator does not exist: {ln} {name} {right.type.name}")
        lt, rt, res, sch = op
        left_c = self.coerce(left, lt) if left is not None else None
        right_c = self.coerce(right, rt)
        return TOp(name, sch, left_c, right_c, res)

    # ---------------------------------------------------------------- queries

    def query(self, q: E.Query, outer: Scope | None) -> TQuery:
        ctes: dict[str, RangeEntry] = {}
        withs: list[tuple[str, tuple[str, ...], TQuery]] = []
        scope_for_ctes = Scope([], outer, ctes)
        recursive = self._recursive
        if q.recursive:
            self._recursive = (*recursive, *(w[0] for w in q.with_))
        for name, cols, sub in q.with_:
            tq = self.query(sub, scope_for_ctes)
            entry = self._entry_from_query(name, tq, cols, "cte")
            ctes[name] = entry
            withs.append((name, cols, tq))
        self._recursive = recursive
        body = self._body(q.body, outer, ctes)
        order: list[tuple[T, bool, str]] = []
        if q.order_by:
            oscope = body_scope = getattr(body, "_scope", None)
            for sb in q.order_by:
                order.append((self._order_expr(sb.expr, body, oscope or outer), sb.desc, sb.nulls))
            del body_scope
        limit = self.coerce(self.expr(q.limit, outer), _t("int8")) if q.limit is not None else None
        offset = (
            self.coerce(self.expr(q.offset, outer), _t("int8")) if q.offset is not None else None
        )
        return TQuery(body, withs, order, limit, offset, q.recursive)

    def _order_expr(self, n: E.Node, body: TQueryBody, scope: Scope | None) -> T:
        # ORDER BY may name an output column or give its position.
        if isinstance(n, E.ColumnRef) and len(n.names) == 1:
            for t in body.targets:
                if t.name == n.names[0]:
                    return t.expr
        if isinstance(n, E.Const) and n.kind == "num" and n.value and n.value.isdigit():
            idx = int(n.value) - 1
            if 0 <= idx < len(body.targets):
                return body.targets[idx].expr
        return self.expr(n, scope)

    def _entry_from_query(
        self, name: str, tq: TQuery, cols: tuple[str, ...], kind: str
    ) -> RangeEntry:
        columns = []
        origins = []
        for i, t in enumerate(tq.targets):
            cname = cols[i] if i < len(cols) else t.name
            columns.append(ColumnInfo(cname, t.expr.type, t.expr.mods))
            origins.append(t.origin)
        return RangeEntry(name, columns, origins, kind)

    def _body(
        self,
        b: E.QueryBody,
        outer: Scope | None,
        ctes: dict[str, RangeEntry],
        *,
        in_setop: bool = False,
    ) -> TQueryBody:
        if isinstance(b, E.SetOp):
            left = self._body(b.left, outer, ctes, in_setop=True)
            right = self._body(b.right, outer, ctes, in_setop=True)
            targets = []
            for lt, rt in zip(left.targets, right.targets, strict=False):
                common = select_common_type([lt.expr.type, rt.expr.type], self.casts)
                mods = common_mods([lt.expr, rt.expr], common)
                # transformSetOperationTree: the coercions must be possible, but
                # only literals of unknown type are coerced in the leaves (the
                # planner adds the others): the leaves print as written.
                for side in (lt, rt):
                    if not same_type(side.expr.type, common):
                        coerced = self.coerce(side.expr, common)
                        if isinstance(side.expr, TConst) and is_unknown(side.expr.type):
                            side.expr = coerced
                holder = TConst(common, None, mods)
                targets.append(TTarget(holder, lt.name, None))
            return TSetOp(b.op, b.all, left, right, targets)
        # The SELECTs of a set operation leave NULL and string literals of
        # unknown type for the operation's common type to decide.
        sel = self._select(b, outer, ctes, resolve_unknowns=not in_setop)
        sel.wrapped = in_setop and b.wrapped
        return sel

    def _select(
        self,
        s: E.Select,
        outer: Scope | None,
        ctes: dict[str, RangeEntry],
        *,
        resolve_unknowns: bool = True,
    ) -> TSelect:
        scope = Scope([], outer, ctes)
        saved = (self.saw_aggregate, self.saw_window)
        self.saw_aggregate = self.saw_window = False
        if s.values:
            rows = [[self.expr(e, scope) for e in row] for row in s.values]
            ncols = len(rows[0]) if rows else 0
            value_targets = []
            for i in range(ncols):
                col = [r[i] for r in rows if i < len(r)]
                common = select_common_type([c.type for c in col], self.casts)
                for r in rows:
                    if i < len(r):
                        r[i] = self.coerce(r[i], common)
                value_targets.append(TTarget(TConst(common, None), f"column{i + 1}"))
            self.saw_aggregate, self.saw_window = saved
            return TSelect(value_targets, [], None, [], None, False, [], rows)
        froms = [self._from(f, scope) for f in s.from_]
        targets: list[TTarget] = []
        for tg in s.targets:
            star = tg.expr
            while isinstance(star, E.Paren):
                star = star.arg
            if isinstance(star, E.ColumnRef) and star.names[-1] == "*":
                if len(star.names) == 1:
                    for f in froms:
                        targets.extend(self._star_from(f))
                else:
                    targets.extend(self._star(star.names[:-1], scope))
                continue
            if isinstance(star, E.Indirection) and star.path and star.path[-1] == "*":
                targets.extend(self._expand_row(star, scope))
                continue
            e = self.expr(tg.expr, scope)
            if resolve_unknowns and isinstance(e, TConst) and is_unknown(e.type):
                e = self._coerce_unknown(e, _t("text"), (), False)
            name = tg.alias or figure_colname(tg.expr)
            origin = e.origin if isinstance(e, TVar) else None
            targets.append(TTarget(e, name, origin))
        where = self.coerce(self.expr(s.where, scope), _t("bool")) if s.where is not None else None
        group = [self._group_expr(g, targets, scope) for g in s.group_by]
        having = (
            self.coerce(self.expr(s.having, scope), _t("bool")) if s.having is not None else None
        )
        # DISTINCT ON may name an output column, as ORDER BY may.
        don = [
            self._group_expr(d, targets, scope)
            if isinstance(d, E.ColumnRef)
            else self.expr(d, scope)
            for d in s.distinct_on
        ]
        sel = TSelect(targets, froms, where, group, having, s.distinct, don, [])
        sel.has_aggs = self.saw_aggregate
        sel.has_windows = self.saw_window
        # A sub-query's aggregates are its own (one over only outer columns
        # would belong to the outer query: not modelled).
        self.saw_aggregate, self.saw_window = saved
        sel._scope = scope  # type: ignore[attr-defined]
        return sel

    def _group_expr(self, n: E.Node, targets: list[TTarget], scope: Scope) -> T:
        if isinstance(n, E.FuncCall) and n.name in (("rollup",), ("cube",)):
            raise RenderError(f"GROUP BY {n.name[0].upper()} is not supported")  # not a call
        if isinstance(n, E.Const) and n.kind == "num" and n.value and n.value.isdigit():
            idx = int(n.value) - 1
            if 0 <= idx < len(targets):
                return targets[idx].expr
        if isinstance(n, E.ColumnRef) and len(n.names) == 1:
            try:
                return self.expr(n, scope)
            except RenderError:
                for t in targets:
                    if t.name == n.names[0]:
                        return t.expr
                raise
        return self.expr(n, scope)

    def _star_from(self, f: TFrom) -> list[TTarget]:
        """What ``*`` takes from one FROM item: a join's columns are those of
        its sides, the USING (or NATURAL) columns once and first
        (expandNSItemAttrs over the join's range entry)."""
        if f.join is None:
            entry = f.entry
            if entry is None or entry.kind == "join":
                return []
            if entry.kind == "function":
                self._function_star = True
            return [
                TTarget(TVar(c.name, entry.refname, c.type, c.mods, o, entry), c.name, o)
                for c, o in zip(entry.columns, entry.origins, strict=False)
            ]
        kind, left, right, _on, using, natural = f.join
        lt, rt = self._star_from(left), self._star_from(right)
        if natural:
            rnames = {t.name for t in rt}
            using = tuple(dict.fromkeys(t.name for t in lt if t.name in rnames))
        if not using:
            return lt + rt
        merged = []
        for name in using:
            side = rt if kind == "RIGHT" else lt
            found = next((t for t in side if t.name == name), None)
            if found is None:
                raise RenderError(f'column "{name}" specified in USING clause does not exist')
            merged.append(found)
        return (
            merged + [t for t in lt if t.name not in using] + [t for t in rt if t.name not in using]
        )

    def _star(self, qual: tuple[str, ...], scope: Scope) -> list[TTarget]:
        out: list[TTarget] = []
        entries = scope.entries
        if qual:
            entries = [e for e in entries if e.refname == qual[-1]]
            if not entries:
                raise RenderError(f'missing FROM-clause entry for table "{qual[-1]}"')
        for entry in entries:
            if entry.kind == "join":
                continue
            if entry.kind == "function":
                self._function_star = True
            for i, c in enumerate(entry.columns):
                v = TVar(c.name, entry.refname, c.type, c.mods, entry.origins[i], entry)
                out.append(TTarget(v, c.name, entry.origins[i]))
        return out

    def _expand_row(self, n: E.Indirection, scope: Scope) -> list[TTarget]:
        """ExpandIndirectionStar: ``(x).*`` in a select list is one target
        per field, each named after it; the fields of a whole-row reference
        are its columns."""
        arg = n.arg if len(n.path) == 1 else E.Indirection(n.arg, n.path[:-1], n.slices[:-1])
        entry = self._row_entry(arg, scope)
        if entry is not None:
            out = []
            for c in entry.columns:
                v = self._entry_column(entry, c.name)
                out.append(TTarget(v, c.name, v.origin))
            return out
        e = self.expr(arg, scope)
        fields = self.row_fields(e, e.type)
        if fields is None:
            raise RenderError(f"(x).* of a value of type {e.type.name}")
        targets = []
        for c in fields:
            field = TIndirection(e, [c.name], c.type)
            field.mods = c.mods
            targets.append(TTarget(field, c.name))
        return targets

    def _from(self, f: E.FromItem, scope: Scope) -> TFrom:
        if isinstance(f, E.RangeVar):
            names = f.names
            if len(names) == 1 and names[0] in scope.ctes:
                cte = scope.ctes[names[0]]
                entry = RangeEntry(
                    f.alias or names[0], list(cte.columns), list(cte.origins), "cte", alias=f.alias
                )
                entry.relation = None
                scope.entries.append(entry)
                return TFrom(entry)
            s = scope.parent
            while s is not None:
                if len(names) == 1 and names[0] in s.ctes:
                    cte = s.ctes[names[0]]
                    entry = RangeEntry(
                        f.alias or names[0],
                        list(cte.columns),
                        list(cte.origins),
                        "cte",
                        alias=f.alias,
                    )
                    scope.entries.append(entry)
                    return TFrom(entry)
                s = s.parent
            rel = self.catalog.find_relation(names)
            if rel is None:
                text = ".".join(names)
                if names[-1] not in self._recursive and self.catalog.knows_all("relation", names):
                    raise Undefined("42P01", f'relation "{text}" does not exist')
                raise RenderError(f'relation "{text}" does not exist')
            cols = list(rel.columns)
            if f.col_aliases:
                cols = [
                    ColumnInfo(f.col_aliases[i], c.type, c.mods) if i < len(f.col_aliases) else c
                    for i, c in enumerate(cols)
                ]
            origins: list[tuple[str, str, str] | None] = [
                (rel.schema, rel.name, c.name) for c in rel.columns
            ]
            entry = RangeEntry(
                f.alias or rel.name,
                cols,
                origins,
                "relation",
                (rel.schema, rel.name),
                rel.kind,
                f.alias,
                f.col_aliases,
            )
            scope.entries.append(entry)
            return TFrom(entry, only=f.only)
        if isinstance(f, E.RangeSubselect):
            sub_scope = scope if f.lateral else Scope([], scope.parent, scope.ctes)
            tq = self.query(f.query, sub_scope)
            entry = self._entry_from_query(
                f.alias or "unnamed_subquery", tq, f.col_aliases, "subquery"
            )
            entry.alias = f.alias
            entry.col_aliases = f.col_aliases
            scope.entries.append(entry)
            return TFrom(entry, subquery=tq, lateral=f.lateral)
        if isinstance(f, E.RangeFunction):
            call = self.expr(f.call, scope)
            if not isinstance(call, TFunc):
                raise RenderError("unsupported function in FROM")
            name = f.alias or call.name
            fcols: list[ColumnInfo] = []
            if call.sig is not None and call.sig.out_columns:
                fcols = [ColumnInfo(n, t) for n, t in call.sig.out_columns]
            else:
                row = self.row_fields(None, call.type)
                if row is not None:
                    fcols = list(row)
                else:
                    fcols = [ColumnInfo(f.col_aliases[0] if f.col_aliases else name, call.type)]
            if f.ordinality:
                fcols.append(ColumnInfo("ordinality", _t("int8")))
            if f.col_aliases:
                fcols = [
                    ColumnInfo(f.col_aliases[i], c.type, c.mods) if i < len(f.col_aliases) else c
                    for i, c in enumerate(fcols)
                ]
            entry = RangeEntry(
                name,
                fcols,
                [None] * len(fcols),
                "function",
                alias=f.alias,
                col_aliases=f.col_aliases,
            )
            # Postgres marks the function LATERAL (and prints it so) when it
            # reads an earlier item of the same FROM list.
            siblings = [id(e) for e in scope.entries]
            lateral = f.lateral or any(
                isinstance(x, TVar | TWholeRow) and id(x.entry) in siblings for x in walk(call)
            )
            scope.entries.append(entry)
            return TFrom(entry, call=call, lateral=lateral, ordinality=f.ordinality)
        assert isinstance(f, E.Join)
        left = self._from(f.left, scope)
        right = self._from(f.right, scope)
        on = self.coerce(self.expr(f.on, scope), _t("bool")) if f.on is not None else None
        return TFrom(None, join=(f.kind, left, right, on, f.using, f.natural))


_FUNCTION_CACHE: dict[
    tuple[str, tuple[PgType, ...], tuple[str | None, ...], bool, object],
    tuple[FuncSig, list[PgType], bool] | None,
] = {}
_OPERATOR_CACHE: dict[
    tuple[str, PgType | None, PgType, str | None, object],
    tuple[PgType, PgType, PgType, str] | None,
] = {}


@cache
def _operator_sigs(name: str, prefix: bool) -> tuple[tuple[FuncSig, tuple[PgType, ...]], ...]:
    out = []
    for o in builtins().operators.get(name, ()):
        if (o.left == "") != prefix:
            continue
        params = (builtin(o.right),) if prefix else (builtin(o.left), builtin(o.right))
        out.append((FuncSig(PG_CATALOG, name, params, result=builtin(o.result)), params))
    return tuple(out)


@cache
def _builtin_sigs(name: str) -> tuple[FuncSig, ...]:
    return tuple(sig for p in builtins().procs.get(name, ()) if (sig := _proc_sig(p)) is not None)


def _proc_sig(p: Proc) -> FuncSig | None:
    try:
        args = tuple(builtin(a) for a in p.args)
        result = builtin(p.result)
        outs = tuple((name, builtin(t)) for name, t, _mode in p.outs)
    except KeyError:
        return None
    # Like a user function: columns when it returns a row of several OUT
    # parameters (jsonb_each: key, value) or a TABLE.
    table = any(mode == "t" for _n, _t, mode in p.outs)
    return FuncSig(
        PG_CATALOG,
        p.name,
        args,
        (),
        variadic=bool(p.variadic),
        ndefaults=p.ndefaults,
        result=result,
        retset=p.retset,
        kind=p.kind,
        out_columns=outs if len(outs) > 1 or table else (),
    )


def poly_consistent(
    params: Sequence[PgType], types: Sequence[PgType], casts: ExtCasts = NO_CASTS
) -> bool:
    """check_generic_type_consistency: polymorphic parameters must agree."""
    elems: list[PgType] = []
    compat: list[PgType] = []
    for p, t in zip(params, types, strict=False):
        if not is_poly(p) or is_unknown(t):
            continue
        b = t.base_type()
        name = p.name
        if name.startswith("anycompatible"):
            if name == "anycompatiblearray":
                if b.kind != "array" or b.elem is None:
                    return False
                compat.append(b.elem)
            else:
                if name == "anycompatiblenonarray" and b.kind == "array":
                    return False
                compat.append(b)
        elif name == "anyarray":
            if b.kind != "array" or b.elem is None:
                return False
            elems.append(b.elem)
        elif name in ("anyelement", "anynonarray", "anyenum"):
            if name == "anynonarray" and b.kind == "array":
                return False
            elems.append(b)
    if any(not same_type(e, elems[0]) for e in elems[1:]):
        return False
    if compat:
        try:
            select_common_type(compat, casts)
        except RenderError:
            return False
    return True


def select_candidate(
    options: list[tuple[FuncSig, list[PgType], bool]],
    types: list[PgType],
    casts: ExtCasts = NO_CASTS,
) -> tuple[FuncSig, list[PgType], bool] | None:
    """``func_select_candidate``: narrow overloads the way Postgres does."""
    if not options:
        return None
    # Exact match on every known argument (unknowns match anything).
    exact = [
        o
        for o in options
        if all(is_unknown(t) or same_type(t, p) for t, p in zip(types, o[1], strict=False))
        and not any(is_unknown(t) for t in types)
    ]
    if len(exact) >= 1:
        return _prefer_unexpanded(exact)
    viable = [
        o
        for o in options
        if all(can_coerce(t, p, "i", casts) for t, p in zip(types, o[1], strict=False))
    ]
    if not viable:
        return None
    if len(viable) == 1:
        return viable[0]
    base_types = [t.base_type() if not is_unknown(t) else t for t in types]

    def exact_count(o: tuple[FuncSig, list[PgType], bool]) -> int:
        return sum(
            1
            for t, p in zip(base_types, o[1], strict=False)
            if not is_unknown(t) and same_type(t, p)
        )

    best = max(exact_count(o) for o in viable)
    viable = [o for o in viable if exact_count(o) == best]
    if len(viable) == 1:
        return viable[0]

    def preferred_count(o: tuple[FuncSig, list[PgType], bool]) -> int:
        return sum(
            1
            for t, p in zip(base_types, o[1], strict=False)
            if not is_unknown(t) and (same_type(t, p) or preferred(p))
        )

    best = max(preferred_count(o) for o in viable)
    viable = [o for o in viable if preferred_count(o) == best]
    if len(viable) == 1:
        return viable[0]
    # Unknown inputs: choose by category, preferring string, then preferred types.
    unknown_positions = [i for i, t in enumerate(types) if is_unknown(t)]
    if unknown_positions:
        for i in unknown_positions:
            cats = {category(o[1][i]) for o in viable if i < len(o[1])}
            chosen_cat = "S" if "S" in cats else (cats.pop() if len(cats) == 1 else None)
            if chosen_cat is None:
                break
            narrowed = [o for o in viable if i < len(o[1]) and category(o[1][i]) == chosen_cat]
            prefs = [o for o in narrowed if preferred(o[1][i])]
            viable = prefs or narrowed
            if len(viable) == 1:
                return viable[0]
        known = {(t.schema, t.name) for t in base_types if not is_unknown(t)}
        if len(known) == 1:
            ks, kn = known.pop()
            same = [
                o
                for o in viable
                if all(
                    same_type(p, PgType(ks, kn))
                    for i, p in enumerate(o[1])
                    if i in unknown_positions
                )
            ]
            if len(same) == 1:
                return same[0]
    if len(viable) > 1:
        nonpoly = [o for o in viable if not any(is_poly(p) for p in o[1])]
        if len(nonpoly) == 1:
            return nonpoly[0]
        return _prefer_unexpanded(viable)
    return viable[0] if viable else None


def _prefer_unexpanded(
    opts: list[tuple[FuncSig, list[PgType], bool]],
) -> tuple[FuncSig, list[PgType], bool]:
    for o in opts:
        if not o[2]:
            return o
    return opts[0]


def figure_colname(n: E.Node) -> str:
    """FigureColname: the output name Postgres gives an unnamed target."""
    name, _strength = E.figure_colname(n)
    return name or "?column?"


# --------------------------------------------------------------------------- printer

PRETTYINDENT_STD = 8
PRETTYINDENT_JOIN = 4
PRETTYINDENT_VAR = 4
PRETTYINDENT_LIMIT = 40


class Printer:
    """ruleutils.c's ``get_rule_expr`` for typed nodes (``pg_get_expr`` style)."""

    def __init__(self, catalog: Catalog, *, pretty: bool = False, indent: bool = True) -> None:
        self.catalog = catalog
        #: PRETTYFLAG_PAREN: only the parentheses precedence needs.
        self.pretty = pretty
        #: PRETTYFLAG_INDENT: line breaks in CASE and sub-queries (pg_get_expr sets it).
        self.indent_on = indent
        self.varprefix = False
        self.indent = 0
        self.buf: list[str] = []
        #: The range-table names of the queries being printed, outermost
        #: first (ruleutils' deparse namespaces).
        self.namespaces: list[list[str]] = []
        #: The printed name of each range-table entry (by identity).
        self.refnames: dict[int, str] = {}

    def fmt_type(self, t: PgType, mods: tuple[str, ...] = ()) -> str:
        return format_type(t, mods, self.catalog.type_visible)

    def render(self, e: T) -> str:
        self.buf = []
        self.expr(e, False)
        return "".join(self.buf)

    # -- output helpers
    def w(self, s: str) -> None:
        self.buf.append(s)

    def keyword(self, s: str, before: int, after: int, plus: int) -> None:
        """appendContextKeyword."""
        if not self.indent_on:
            self.w(s)
            return
        self.indent += before
        # remove trailing spaces
        while self.buf and self.buf[-1].endswith(" "):
            last = self.buf.pop().rstrip(" ")
            if last:
                self.buf.append(last)
                break
        if self.indent < PRETTYINDENT_LIMIT:
            amount = max(self.indent, 0) + plus
        else:
            # Wrap deep indentation back around (ruleutils' PRETTYINDENT_LIMIT).
            amount = PRETTYINDENT_LIMIT + (self.indent - PRETTYINDENT_LIMIT) // 2
            amount = amount % PRETTYINDENT_LIMIT + plus
        self.w("\n" + " " * amount + s)
        self.indent += after
        if self.indent < 0:
            self.indent = 0

    # -- expressions
    def open(self) -> None:
        """An operator's own parenthesis: printed only when not pretty."""
        if not self.pretty:
            self.w("(")

    def close(self) -> None:
        if not self.pretty:
            self.w(")")

    def sub(self, child: T, parent: T, showimplicit: bool) -> None:
        """get_rule_expr_paren: in pretty mode, parenthesize what is not simple."""
        if self.pretty and not is_simple(child, parent):
            self.w("(")
            self.expr(child, showimplicit)
            self.w(")")
        else:
            self.expr(child, showimplicit)

    def expr(self, e: T, showimplicit: bool) -> None:
        if isinstance(e, TConst):
            self.const(e, 0)
        elif isinstance(e, TVar):
            if e.refname == "" and e.name == "VALUE":
                self.w("VALUE")
            elif self.varprefix and e.refname:
                self.w(f"{quote_ident(self.refname(e.entry, e.refname))}.{quote_ident(e.name)}")
            else:
                self.w(quote_ident(e.name))
        elif isinstance(e, TWholeRow):
            self.w(f"{quote_ident(self.refname(e.entry, e.refname))}.*")
        elif isinstance(e, TCast):
            if e.implicit and not showimplicit:
                self.sub(e.arg, e, False)
            else:
                self.coercion(e.arg, e.type, e.mods, e)
        elif isinstance(e, TFunc):
            self.func(e)
        elif isinstance(e, TOp):
            self.op(e)
        elif isinstance(e, TScalarArrayOp):
            self.open()
            self.sub(e.left, e, True)
            elem = e.right.type.base_type().elem or e.right.type
            name = self.op_name(e.name, e.schema, e.left.type, elem)
            self.w(f" {name} {'ANY' if e.use_or else 'ALL'} (")
            self.sub(e.right, e, True)
            self.w(")")
            self.close()
        elif isinstance(e, TBool):
            if e.op == "NOT":
                self.open()
                self.w("NOT ")
                self.sub(e.args[0], e, False)
                self.close()
            else:
                self.open()
                for i, a in enumerate(e.args):
                    if i:
                        self.w(f" {e.op} ")
                    self.sub(a, e, False)
                self.close()
        elif isinstance(e, TTest):
            self.open()
            self.sub(e.arg, e, True)
            self.w(f" IS {e.what}")
            self.close()
        elif isinstance(e, TDistinct):
            self.open()
            self.sub(e.left, e, True)
            self.w(" IS DISTINCT FROM ")
            self.sub(e.right, e, True)
            self.close()
        elif isinstance(e, TCase):
            self.keyword("CASE", 0, 4, 0)
            if e.arg is not None:
                self.w(" ")
                self.sub(e.arg, e, True)
            for cond, res in e.whens:
                if not self.indent_on:
                    self.w(" ")
                self.keyword("WHEN ", 0, 0, 0)
                if e.arg is not None and isinstance(cond, TOp):
                    self.sub(cond.right, e, False)
                else:
                    self.sub(cond, e, False)
                self.w(" THEN ")
                self.sub(res, e, True)
            if not self.indent_on:
                self.w(" ")
            self.keyword("ELSE ", 0, 0, 0)
            if e.default is not None:
                self.sub(e.default, e, True)
            else:
                self.const(TConst(e.type, None, e.mods), 0)
            if not self.indent_on:
                self.w(" ")
            self.keyword("END", -4, 0, 0)
        elif isinstance(e, TArray):
            self.w("ARRAY[")
            for i, a in enumerate(e.items):
                if i:
                    self.w(", ")
                self.sub(a, e, True)
            self.w("]")
            if not e.items:
                self.w("::" + self.fmt_type(e.type))
        elif isinstance(e, TRow):
            self.w("ROW(")
            for i, a in enumerate(e.items):
                if i:
                    self.w(", ")
                self.sub(a, e, True)
            self.w(")")
            if e.cast:
                self.w("::" + self.fmt_type(e.type))
        elif isinstance(e, TValueFunc):
            self.w(e.name + (f"({e.detail})" if e.detail else ""))
        elif isinstance(e, TMulti):
            self.w(e.name + "(")
            for i, a in enumerate(e.args):
                if i:
                    self.w(", ")
                self.sub(a, e, True)
            self.w(")")
        elif isinstance(e, TSubLink):
            self.sublink(e)
        elif isinstance(e, TIndirection):
            self.indirection(e)
        elif isinstance(e, TCollate):
            self.open()
            self.sub(e.arg, e, showimplicit)
            self.w(f" COLLATE {e.collation}")
            self.close()
        else:
            raise RenderError(f"cannot print {type(e).__name__}")

    def const(self, c: TConst, showtype: int) -> None:
        t = c.type
        if c.is_null:
            self.w("NULL")
            if showtype >= 0:
                self.w("::" + self.fmt_type(t, c.mods))
            return
        value = c.value or ""
        b = t
        needlabel = True
        if b.is_builtin and b.name == "int4":
            if value.startswith("-"):
                self.w(quote_literal(value))
            else:
                self.w(value)
                needlabel = False
        elif b.is_builtin and b.name == "numeric":
            if value[:1].isdigit() and any(ch in value for ch in "eE."):
                self.w(value)
                needlabel = bool(c.mods)
            else:
                self.w(quote_literal(value))
        elif b.is_builtin and b.name == "bool":
            self.w("true" if value in ("true", "t") else "false")
            needlabel = False
        elif b.is_builtin and b.name in ("bit", "varbit"):
            self.w(quote_literal(value))
        elif is_unknown(b):
            self.w(quote_literal(value))
            needlabel = False
        else:
            self.w(quote_literal(value))
        if showtype < 0:
            return
        if needlabel or showtype > 0:
            self.w("::" + self.fmt_type(t, c.mods))

    def coercion(self, arg: T, t: PgType, mods: tuple[str, ...], node: T) -> None:
        """get_coercion_expr."""
        if isinstance(arg, TConst) and same_type(arg.type, t) and not arg.mods:
            self.const(arg, -1)
        else:
            self.open()
            self.sub(arg, node, False)
            self.close()
        self.w("::" + self.fmt_type(t, mods))

    def op_name(self, name: str, schema: str, left: PgType | None, right: PgType) -> str:
        """generate_operator_name: qualified unless the reading session's
        lookup with these operand types finds this operator."""
        if schema == PG_CATALOG or self.catalog.operator_visible(schema, name, left, right):
            return name
        return f"OPERATOR({quote_ident(schema)}.{name})"

    def op(self, e: TOp) -> None:
        self.open()
        if e.left is not None:
            self.sub(e.left, e, True)
            self.w(f" {self.op_name(e.name, e.schema, e.left.type, e.right.type)} ")
        else:
            self.w(f"{self.op_name(e.name, e.schema, None, e.right.type)} ")
        self.sub(e.right, e, True)
        self.close()

    def func_name(self, e: TFunc) -> str:
        name = quote_ident(e.name)
        if e.schema != PG_CATALOG and not self.catalog.function_visible(e.schema, e.name):
            return f"{quote_ident(e.schema)}.{name}"
        return name

    def func(self, e: TFunc) -> None:
        syntax = e.syntax
        if syntax == "AT TIME ZONE":
            self.w("(")
            self.expr(e.args[1], True)
            self.w(" AT TIME ZONE ")
            self.expr(e.args[0], True)
            self.w(")")
            return
        if syntax == "EXTRACT":
            field_ = e.args[0]
            assert isinstance(field_, TConst)
            self.w(f"EXTRACT({field_.value} FROM ")
            self.expr(e.args[1], True)
            self.w(")")
            return
        if syntax == "SUBSTRING":
            self.w("SUBSTRING(")
            self.expr(e.args[0], True)
            if len(e.args) > 1:
                self.w(" FROM ")
                self.expr(e.args[1], True)
            if len(e.args) > 2:
                self.w(" FOR ")
                self.expr(e.args[2], True)
            self.w(")")
            return
        if syntax == "POSITION":
            self.w("POSITION((")
            self.expr(e.args[1], True)
            self.w(") IN (")
            self.expr(e.args[0], True)
            self.w("))")
            return
        if syntax == "OVERLAY":
            self.w("OVERLAY(")
            self.expr(e.args[0], True)
            self.w(" PLACING ")
            self.expr(e.args[1], True)
            self.w(" FROM ")
            self.expr(e.args[2], True)
            if len(e.args) > 3:
                self.w(" FOR ")
                self.expr(e.args[3], True)
            self.w(")")
            return
        if syntax.startswith("TRIM"):
            mode = syntax.split()[1]
            self.w(f"TRIM({mode}")
            if len(e.args) > 1:
                self.w(" ")
                self.expr(e.args[1], True)
            self.w(" FROM ")
            self.expr(e.args[0], True)
            self.w(")")
            return
        agg = e.agg
        self.w(self.func_name(e) + "(")
        if agg is not None and agg.star:
            self.w("*")
        else:
            if agg is not None and agg.distinct:
                self.w("DISTINCT ")
            names = e.arg_names
            for i, a in enumerate(e.args):
                if i:
                    self.w(", ")
                if e.variadic and i == len(e.args) - 1:
                    self.w("VARIADIC ")
                if i < len(names) and names[i]:
                    self.w(f"{quote_ident(names[i] or '')} => ")
                self.expr(a, True)
        self.w(")")
        if agg is not None and (agg.filter is not None or agg.over is not None or agg.order_by):
            raise RenderError("aggregate clauses are not printed")

    def indirection(self, e: TIndirection) -> None:
        """SubscriptingRef and FieldSelect, as ruleutils prints them.

        Consecutive subscripts are one SubscriptingRef; each field is a
        FieldSelect. A SubscriptingRef parenthesizes its container unless it
        is a plain Var or a FieldSelect; a FieldSelect parenthesizes its
        argument unless it is a SubscriptingRef or another FieldSelect.
        """
        base, steps = _indirection_steps(e)
        self._indirection_upto(base, steps, len(steps))

    def _indirection_upto(self, base: T, steps: list[_Step], k: int) -> None:
        if k == 0:
            self.expr(base, True)
            return
        step = steps[k - 1]
        inner = steps[k - 2] if k >= 2 else None
        if isinstance(step, str):
            needs_paren = inner is None
        else:
            needs_paren = not (isinstance(inner, str) or (inner is None and isinstance(base, TVar)))
        if needs_paren:
            self.w("(")
        self._indirection_upto(base, steps, k - 1)
        if needs_paren:
            self.w(")")
        if isinstance(step, str):
            self.w("." + quote_ident(step))
            return
        for lo, hi, is_slice in step:
            self.w("[")
            if lo is not None:
                self.expr(lo, False)
            if is_slice:
                self.w(":")
                if hi is not None:
                    self.expr(hi, False)
            self.w("]")

    def sublink(self, e: TSubLink) -> None:
        """get_sublink_expr."""
        self.w("ARRAY(" if e.kind == "ARRAY" else "(")
        need_paren = True
        if e.kind == "EXISTS":
            self.w("EXISTS ")
        elif e.kind in ("ANY", "ALL"):
            assert e.test is not None
            self.expr(e.test, True)
            opname = "=" if e.opname == "IN" else e.opname
            if e.opschema != PG_CATALOG and e.query.targets:
                right = e.query.targets[0].expr.type
                opname = self.op_name(opname, e.opschema, e.test.type, right)
            if e.kind == "ANY" and opname == "=":
                self.w(" IN ")
            else:
                self.w(f" {opname} {e.kind} ")
        else:
            need_paren = False
        if need_paren:
            self.w("(")
        saved = (self.varprefix, self.indent)
        # At the top of an expression, the expression's own relation (pg_get_expr's
        # deparse_context_for) is the outermost namespace.
        roots = 0
        if not self.namespaces and e.outer is not None:
            chain: list[Scope] = []
            s: Scope | None = e.outer
            while s is not None:
                chain.append(s)
                s = s.parent
            for level in reversed(chain):
                self.push_namespace(level.entries)
                roots += 1
        self.query(e.query)
        del self.namespaces[len(self.namespaces) - roots :]
        self.varprefix, self.indent = saved
        self.w("))" if need_paren else ")")

    # -- range-table names
    def refname(self, entry: RangeEntry | None, fallback: str) -> str:
        if entry is None:
            return fallback
        return self.refnames.get(id(entry), fallback)

    def push_namespace(self, entries: Sequence[RangeEntry]) -> None:
        """set_rtable_names: name a query's range-table entries, in order,
        unique among themselves and the enclosing queries' names."""
        taken = [n for level in self.namespaces for n in level]
        names = unique_refnames([e.refname for e in entries], taken)
        for entry, name in zip(entries, names, strict=True):
            self.refnames[id(entry)] = name
        self.namespaces.append(names)

    # -- queries
    def query(self, q: TQuery) -> None:
        self.varprefix = True
        if q.with_:
            raise RenderError("WITH in a sub-query is not printed")
        if isinstance(q.body, TSetOp):
            # The leaves of a set operation are sub-queries of its range
            # table, named "*SELECT* n" left to right.
            taken = [n for level in self.namespaces for n in level]
            leaves = [f"*SELECT* {i + 1}" for i in range(_count_leaves(q.body))]
            self.namespaces.append(unique_refnames(leaves, taken))
        else:
            self.push_namespace(_rtable(q.body))
        try:
            self._query(q)
        finally:
            self.namespaces.pop()

    def _query(self, q: TQuery) -> None:
        self.query_body(q.body)
        if q.order_by:
            self.keyword(" ORDER BY ", -PRETTYINDENT_STD, PRETTYINDENT_STD, 1)
            for i, (ex, desc, nulls) in enumerate(q.order_by):
                if i:
                    self.w(", ")
                if isinstance(q.body, TSetOp):
                    # get_select_query_def: force_colno for a set operation.
                    pos = [j for j, t in enumerate(q.body.targets) if t.expr is ex]
                    if not pos:
                        raise RenderError("ORDER BY of a set operation must name a column")
                    self.w(str(pos[0] + 1))
                else:
                    self.expr(ex, False)
                if desc:
                    self.w(" DESC")
                if nulls:
                    self.w(f" NULLS {nulls}")
        if q.offset is not None:
            self.keyword(" OFFSET ", -PRETTYINDENT_STD, PRETTYINDENT_STD, 0)
            self.expr(q.offset, False)
        if q.limit is not None:
            self.keyword(" LIMIT ", -PRETTYINDENT_STD, PRETTYINDENT_STD, 0)
            lim = q.limit
            if isinstance(lim, TCast) and lim.implicit:
                lim = lim.arg
            self.expr(lim, False)

    def setop(self, b: TQueryBody) -> None:
        """get_setop_query."""
        if not isinstance(b, TSetOp):
            # A leaf: a query of its own (get_query_def, with its own context).
            saved = (self.varprefix, self.indent)
            sub = b.from_[0].subquery if b.wrapped else None
            if sub is not None:
                # Parentheses around a leaf with WITH, ORDER BY or LIMIT.
                self.w("(")
                self.query(sub)
                self.w(")")
            else:
                self.push_namespace(_rtable(b))
                try:
                    self.query_body(b)
                finally:
                    self.namespaces.pop()
            self.varprefix, self.indent = saved
            return
        # Parentheses around a left set operation of another kind or ALL-ness.
        left = b.left
        need_paren = isinstance(left, TSetOp) and (left.op != b.op or left.all != b.all)
        subindent = PRETTYINDENT_STD if need_paren else 0
        if need_paren:
            self.w("(")
            self.keyword("", subindent, 0, 0)
        self.setop(left)
        if need_paren:
            self.keyword(") ", -subindent, 0, 0)
        elif self.indent_on:
            self.keyword("", -subindent, 0, 0)
        else:
            self.w(" ")
        self.w(f"{b.op} ")
        if b.all:
            self.w("ALL ")
        # Always parentheses around a right set operation.
        need_paren = isinstance(b.right, TSetOp)
        subindent = PRETTYINDENT_STD if need_paren else 0
        if need_paren:
            self.w("(")
        self.keyword("", subindent, 0, 0)
        self.setop(b.right)
        if self.indent_on:
            self.indent -= subindent
        if need_paren:
            self.keyword(")", 0, 0, 0)

    def query_body(self, b: TQueryBody) -> None:
        if isinstance(b, TSetOp):
            self.setop(b)
            return
        if self.indent_on:
            self.indent += PRETTYINDENT_STD
            self.w(" ")
        if b.values:
            raise RenderError("VALUES in a sub-query is not printed")
        self.w("SELECT")
        if b.distinct_on:
            self.w(" DISTINCT ON (")
            for i, d in enumerate(b.distinct_on):
                if i:
                    self.w(", ")
                self.expr(d, False)
            self.w(")")
        elif b.distinct:
            self.w(" DISTINCT")
        sep = " "
        for t in b.targets:
            self.w(sep)
            sep = ", "
            self.expr(t.expr, False)
            attname = t.expr.name if isinstance(t.expr, TVar) else "?column?"
            if t.name and attname != t.name:
                self.w(f" AS {quote_ident(t.name)}")
        if b.from_:
            self.keyword(" FROM ", -PRETTYINDENT_STD, PRETTYINDENT_STD, 2)
            for i, f in enumerate(b.from_):
                if i:
                    self.w(", ")
                    # get_from_clause: pg_get_expr's wrap column is 0, so
                    # every further item goes on a new line.
                    self.keyword("", -PRETTYINDENT_STD, PRETTYINDENT_STD, PRETTYINDENT_VAR)
                self.from_item(f)
        if b.where is not None:
            self.keyword(" WHERE ", -PRETTYINDENT_STD, PRETTYINDENT_STD, 1)
            self.expr(b.where, False)
        if b.group_by:
            self.keyword(" GROUP BY ", -PRETTYINDENT_STD, PRETTYINDENT_STD, 1)
            for i, g in enumerate(b.group_by):
                if i:
                    self.w(", ")
                self.expr(g, False)
        if b.having is not None:
            self.keyword(" HAVING ", -PRETTYINDENT_STD, PRETTYINDENT_STD, 0)
            self.expr(b.having, False)

    def relation_name(self, schema: str, name: str) -> str:
        if self.catalog.relation_visible(schema, name):
            return quote_ident(name)
        return f"{quote_ident(schema)}.{quote_ident(name)}"

    def from_item(self, f: TFrom) -> None:
        if f.join is not None:
            kind, left, right, on, using, natural = f.join
            self.w("(")
            self.from_item(left)
            if natural:
                # Stored as the USING list of the columns both sides had
                # (ruleutils never prints NATURAL); none: a cross join.
                rnames = {name for name, _o in _from_columns(right)}
                using = tuple(dict.fromkeys(n for n, _o in _from_columns(left) if n in rnames))
                if not using and kind == "INNER":
                    kind = "CROSS"
            word = {
                "INNER": " JOIN ",
                "LEFT": " LEFT JOIN ",
                "RIGHT": " RIGHT JOIN ",
                "FULL": " FULL JOIN ",
                "CROSS": " CROSS JOIN ",
            }[kind]
            self.keyword(word, -PRETTYINDENT_STD, PRETTYINDENT_STD, PRETTYINDENT_JOIN)
            self.from_item(right)
            if using:
                self.w(" USING (" + ", ".join(quote_ident(u) for u in using) + ")")
            elif on is not None:
                self.w(" ON (")
                self.expr(on, False)
                self.w(")")
            elif natural and kind != "CROSS":
                self.w(" ON TRUE")
            self.w(")")
            return
        entry = f.entry
        assert entry is not None
        name = self.refname(entry, entry.refname)
        columns = [c.name for c in entry.columns]
        # get_from_clause_item: the alias is the range-table name, printed when
        # the user gave one or it differs from the relation's; column aliases
        # (all of them) when they rename something, and always for functions.
        print_cols = bool(entry.col_aliases)
        if entry.kind == "relation" and entry.relation is not None:
            if f.only:
                self.w("ONLY ")
            self.w(self.relation_name(*entry.relation))
            if entry.col_aliases:
                rel = self.catalog.find_relation(entry.relation)
                if rel is not None:
                    real = [c.name for c in rel.columns]
                    print_cols = any(a != r for a, r in zip(entry.col_aliases, real, strict=False))
            print_alias = entry.alias is not None or print_cols or name != entry.relation[1]
        elif entry.kind == "subquery" and f.subquery is not None:
            if f.lateral:
                self.w("LATERAL ")
            self.w("(")
            saved = (self.varprefix, self.indent)
            self.query(f.subquery)
            self.varprefix, self.indent = saved
            self.w(")")
            print_alias = entry.alias is not None or print_cols
        elif entry.kind == "function" and f.call is not None:
            if f.lateral:
                self.w("LATERAL ")
            self.expr(f.call, False)
            if f.ordinality:
                self.w(" WITH ORDINALITY")
            print_alias = print_cols = True
        elif entry.kind == "cte" and entry.alias is None:
            self.w(quote_ident(entry.refname))
            print_alias = name != entry.refname or print_cols
        else:
            raise RenderError("unsupported FROM item")
        if print_alias:
            self.w(" " + quote_ident(name))
        if print_cols:
            self.w("(" + ", ".join(quote_ident(c) for c in columns) + ")")


def _count_leaves(b: TQueryBody) -> int:
    if isinstance(b, TSetOp):
        return _count_leaves(b.left) + _count_leaves(b.right)
    return 1


def _rtable(b: TQueryBody) -> list[RangeEntry]:
    """The entries of a query's range table, in the parser's order (FROM
    items left to right, a join's left side before its right)."""
    out: list[RangeEntry] = []

    def walk(f: TFrom) -> None:
        if f.join is not None:
            walk(f.join[1])
            walk(f.join[2])
        elif f.entry is not None:
            out.append(f.entry)

    if isinstance(b, TSelect):
        for f in b.from_:
            walk(f)
    return out


NAMEDATALEN = 64


def unique_refnames(wanted: Sequence[str], taken: Sequence[str]) -> list[str]:
    """ruleutils' set_rtable_names: each name as wanted unless already used
    (by an enclosing query or an earlier entry), else ``name_N`` with the
    name's own counter, clipped to stay under NAMEDATALEN bytes."""
    counters = dict.fromkeys(taken, 0)
    out: list[str] = []
    for name in wanted:
        if name not in counters:
            counters[name] = 0
            out.append(name)
            continue
        base = name
        while True:
            counters[name] += 1
            while True:
                candidate = f"{base}_{counters[name]}"
                if len(candidate.encode()) < NAMEDATALEN:
                    break
                base = base[:-1]
            if candidate not in counters:
                break
        counters[candidate] = 0
        out.append(candidate)
    return out


_Subscript = tuple[T | None, T | None, bool]
#: One node of an indirection chain: a field name (FieldSelect) or a run of
#: subscripts (one SubscriptingRef).
_Step = str | list[_Subscript]


def _indirection_steps(e: TIndirection) -> tuple[T, list[_Step]]:
    """The innermost non-indirection argument and the chain of steps over it."""
    if isinstance(e.arg, TIndirection):
        base, steps = _indirection_steps(e.arg)
    else:
        base, steps = e.arg, []
    run: list[_Subscript] | None = None
    for p in e.path:
        if isinstance(p, str):
            steps.append(p)
            run = None
        else:
            if run is None:
                run = []
                steps.append(run)
            run.append(p)
    return base, steps


_FUNCTION_LIKE = (TArray, TRow, TMulti, TValueFunc, TCase, TConst, TVar, TParam, TWholeRow)


def _own_parens_parent(parent: T) -> bool | None:
    """isSimpleNode's verdict by parent for operator-like children, or None."""
    if isinstance(parent, TFunc):
        return not parent.syntax  # a call has its own parentheses; SQL syntax not
    if isinstance(parent, TCast):
        return False
    if isinstance(parent, TBool | TArray | TRow | TMulti | TCase):
        return True
    return isinstance(parent, TIndirection)


def is_simple(node: T, parent: T) -> bool:
    """ruleutils.c's isSimpleNode: whether pretty mode can omit parentheses."""
    if isinstance(node, _FUNCTION_LIKE):
        return True
    if isinstance(node, TFunc):
        return True
    if isinstance(node, TIndirection):
        return not (isinstance(parent, TIndirection) and any(isinstance(p, str) for p in node.path))
    if isinstance(node, TCast):
        return is_simple(node.arg, node)
    if isinstance(node, TOp):
        if isinstance(parent, TOp) and node.left is not None and parent.left is not None:
            op, pop = node.name, parent.name
            lo, hi = op in ("+", "-"), op in ("*", "/", "%")
            plo, phi = pop in ("+", "-"), pop in ("*", "/", "%")
            if not (lo or hi) or not (plo or phi):
                return False
            if hi and plo:
                return True
            if lo and phi:
                return False
            return node is parent.left
        return bool(_own_parens_parent(parent))
    if isinstance(node, TSubLink | TTest | TDistinct):
        return bool(_own_parens_parent(parent))
    if isinstance(node, TBool):
        if isinstance(parent, TBool):
            if node.op in ("NOT", "AND"):
                return parent.op in ("AND", "OR")
            return parent.op == "OR"
        return bool(_own_parens_parent(parent))
    return False


def render_expr(e: T, catalog: Catalog, *, pretty: bool = False) -> str:
    return Printer(catalog, pretty=pretty).render(e)


Formatter = Callable[[T], str]
