"""Postgres types as the static source sees them: names as written, resolved
types, and ``format_type`` text.

A :class:`TypeName` is what a statement says (``varchar(255)``,
``public.mood[]``, ``timestamp with time zone``); a :class:`PgType` is the
type it resolves to (schema, ``typname``, kind, and the category and
preferred flag that Postgres' overload resolution uses). :func:`format_type`
prints a type the way the server's ``format_type()`` does, which is what the
catalog source reports as ``type_display``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pgdrift.model import TypeKind, TypeRef, fast_pickling
from pgdrift.sources.pg_builtins import builtins, quote_ident

PG_CATALOG = "pg_catalog"


@dataclass(frozen=True, slots=True)
class TypeName:
    """A type as written in SQL, identifiers already case-folded."""

    names: tuple[str, ...]  # ("mood",), ("public", "mood"), or the canonical builtin name
    mods: tuple[str, ...] = ()  # type modifiers as written: ("255",), ("10", "2")
    array_dims: int = 0
    #: True when ``names`` is a builtin chosen by SQL grammar (``integer``,
    #: ``double precision``...), which bypasses the search path.
    sql_builtin: bool = False
    #: ``interval day to second``: the fields, lower-case.
    interval_fields: str = ""
    #: ``tbl.col%TYPE`` / ``tbl%ROWTYPE`` (function arguments).
    pct: str = ""

    def text(self) -> str:
        base = ".".join(self.names)
        if self.mods:
            base += "(" + ",".join(self.mods) + ")"
        return base + "[]" * self.array_dims


_REFS: dict[tuple[str, str, TypeKind], TypeRef] = {}


@dataclass(frozen=True, slots=True)
class PgType:
    """A resolved type."""

    schema: str
    name: str
    kind: TypeKind = "base"
    category: str = "U"
    preferred: bool = False
    elem: PgType | None = None  # for arrays
    #: For domains: the base type and its type modifiers.
    base: PgType | None = None
    base_mods: tuple[str, ...] = ()

    def __hash__(self) -> int:
        # Resolution caches hash types all the time; the name decides equality
        # but for the rarest cases (equal values hash equally either way).
        return hash((self.schema, self.name, self.kind))

    @property
    def ref(self) -> TypeRef:
        # Interned: a model shares one TypeRef per type (smaller caches).
        key = (self.schema, self.name, self.kind)
        ref = _REFS.get(key)
        if ref is None:
            ref = _REFS[key] = TypeRef(*key)
        return ref

    @property
    def is_builtin(self) -> bool:
        return self.schema == PG_CATALOG

    def base_type(self) -> PgType:
        """The type with domains peeled off (``getBaseType``)."""
        t = self
        while t.kind == "domain" and t.base is not None:
            t = t.base
        return t

    def array_of(self) -> PgType:
        """The array type over this type."""
        if self.kind == "array":
            return self
        name = "_" + self.name
        if self.is_builtin:
            bt = builtins().types.get(self.name)
            if bt is not None and bt.array:
                name = bt.array
        return PgType(self.schema, name, "array", "A", False, elem=self)


_TYPTYPE_KIND: dict[str, TypeKind] = {
    "b": "base",
    "p": "pseudo",
    "r": "range",
    "m": "multirange",
    "e": "enum",
    "d": "domain",
    "c": "composite",
}

_builtin_cache: dict[str, PgType | None] = {}


def builtin_type(name: str) -> PgType | None:
    """The ``pg_catalog`` type called ``name`` (a typname), or None."""
    try:
        return _builtin_cache[name]
    except KeyError:
        pass
    bt = builtins().types.get(name)
    result: PgType | None = None
    if bt is not None:
        if bt.elem:
            elem = builtin_type(bt.elem)
            result = PgType(PG_CATALOG, name, "array", "A", False, elem=elem)
        else:
            kind = _TYPTYPE_KIND.get(bt.typtype, "base")
            if bt.typtype == "c":
                kind = "relation"  # the row types of system catalogs
            result = PgType(PG_CATALOG, name, kind, bt.category, bt.preferred)
    _builtin_cache[name] = result
    return result


def builtin(name: str) -> PgType:
    t = builtin_type(name)
    if t is None:
        raise KeyError(name)
    return t


# SQL-grammar type names (gram.y's SimpleTypename/GenericType keywords) and
# their typnames. Generic names (int4, text, uuid...) go through the catalog.
SQL_TYPE_NAMES: dict[str, str] = {
    "int": "int4",
    "integer": "int4",
    "smallint": "int2",
    "bigint": "int8",
    "real": "float4",
    "float": "float8",
    "double precision": "float8",
    "decimal": "numeric",
    "dec": "numeric",
    "numeric": "numeric",
    "boolean": "bool",
    "bit": "bit",
    "bit varying": "varbit",
    "character": "bpchar",
    "char": "bpchar",
    "nchar": "bpchar",
    "national character": "bpchar",
    "national char": "bpchar",
    "character varying": "varchar",
    "char varying": "varchar",
    "varchar": "varchar",
    "national character varying": "varchar",
    "national char varying": "varchar",
    "nchar varying": "varchar",
    "timestamp": "timestamp",
    "timestamp without time zone": "timestamp",
    "timestamp with time zone": "timestamptz",
    "time": "time",
    "time without time zone": "time",
    "time with time zone": "timetz",
    "interval": "interval",
    "json": "json",  # a keyword since PG 16, a plain name before: same type
}

SERIAL_TYPES = {
    "serial": "int4",
    "serial4": "int4",
    "bigserial": "int8",
    "serial8": "int8",
    "smallserial": "int2",
    "serial2": "int2",
}

Visible = Callable[[PgType], bool]


def _typmod_text(t: PgType, mods: tuple[str, ...]) -> str:
    if not mods:
        return ""
    if t.name == "numeric" and len(mods) == 1:
        return f"({mods[0]},0)"
    return "(" + ",".join(mods) + ")"


def format_type(
    t: PgType,
    mods: tuple[str, ...] | None,
    visible: Visible,
    *,
    interval_fields: str = "",
) -> str:
    """``format_type(oid, typmod)``; ``mods=None`` is a NULL typmod
    (``format_type_be``), ``()`` a typmod of -1 that was given."""
    if t.kind == "array" and t.elem is not None:
        return format_type(t.elem, mods, visible, interval_fields=interval_fields) + "[]"
    m = mods or ()
    if t.is_builtin:
        name = t.name
        tm = _typmod_text(t, m)
        if name == "bpchar":
            if m:
                return "character" + tm
            return "bpchar" if mods is not None else "character"
        if name == "varchar":
            return "character varying" + tm
        if name == "varbit":
            return "bit varying" + tm
        if name == "bit":
            # bit with typmod -1 is not BIT (which means BIT(1)): quoted.
            return "bit" + tm if m or mods is None else '"bit"'
        if name == "bool":
            return "boolean"
        if name == "float4":
            return "real"
        if name == "float8":
            return "double precision"
        if name == "int2":
            return "smallint"
        if name == "int4":
            return "integer"
        if name == "int8":
            return "bigint"
        if name == "numeric":
            return "numeric" + tm
        if name == "interval":
            fields = f" {interval_fields}" if interval_fields else ""
            return "interval" + fields + tm
        if name in ("time", "timetz", "timestamp", "timestamptz"):
            base = (
                "time"
                if name.startswith("time") and not name.startswith("timestamp")
                else "timestamp"
            )
            zone = " with time zone" if name.endswith("tz") else " without time zone"
            return base + tm + zone
        if name == "char":
            return '"char"'
        return quote_ident(name) + tm
    name = quote_ident(t.name)
    if not visible(t):
        name = quote_ident(t.schema) + "." + name
    return name + _typmod_text(t, m)


fast_pickling(globals())
