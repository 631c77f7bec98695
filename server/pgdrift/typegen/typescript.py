"""``supabase gen types typescript`` output, byte for byte, from a :class:`Schema`.

Reproduces postgres-meta 0.96.6's TypeScript template (the version the
Supabase CLI pins) followed by prettier 3.5.3 with ``semi: false``: the
template's rules are applied to the model, and the text it would hand to
prettier is built directly as a document for :mod:`pgdrift.typegen.doc`,
shaped like the document prettier builds for that TypeScript.

Quirks of the generator are reproduced on purpose (type names resolved by
name with the schema being generated preferred, computed fields matched by
argument text, ``[]`` appended textually, integer-like function names first,
...). Where the generator crashes, :class:`TypegenError` is raised.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from functools import cache, lru_cache
from itertools import product
from typing import ClassVar, NamedTuple, TypeAlias

from pgdrift.model import (
    Column,
    CompositeType,
    Enum,
    Function,
    FunctionArg,
    Relation,
    Schema,
    TypeRef,
)
from pgdrift.typegen.collation import locale_key
from pgdrift.typegen.doc import (
    HARDLINE,
    LINE,
    SOFTLINE,
    Align,
    Doc,
    Group,
    IfBreak,
    Indent,
    IndentIfBreak,
    get_string_width,
    join,
    print_doc,
)

__all__ = ["TypegenError", "render_typescript"]


class TypegenError(Exception):
    """The real generator fails on this schema, so there is no output to match."""


# ---------------------------------------------------------------- keys and strings


def _ranges_class(text: str) -> str:
    out: list[str] = []
    for item in text.split():
        lo, _, hi = item.partition("-")
        out.append(f"\\u{int(lo, 16):04x}" + (f"-\\u{int(hi, 16):04x}" if hi else ""))
    return "".join(out)


_ESCAPE = re.compile(r"\\(.)|([\"'])", re.DOTALL)
_NEEDED_ESCAPE = re.compile("[\n\r\"'0-7\\\\bfnrt-vx\u2028\u2029]")


def _print_string_content(content: str) -> str:
    """prettier's ``printString`` for a literal whose source text between the
    quotes is ``content``: double quotes unless the text has more ``"`` than
    ``'``; the enclosing quote is escaped, the other one unescaped."""
    quote = "'" if content.count('"') > content.count("'") else '"'
    other = '"' if quote == "'" else "'"

    def fix(m: re.Match[str]) -> str:
        escaped, q = m.group(1), m.group(2)
        if escaped is not None:
            if escaped == other:
                return escaped
            return m.group(0) if _NEEDED_ESCAPE.fullmatch(escaped) else escaped
        return "\\" + q if q == quote else q

    return quote + _ESCAPE.sub(fix, content) + quote


def _json(s: str) -> str:
    """JavaScript ``JSON.stringify`` of a string."""
    return json.dumps(s, ensure_ascii=False)


def ts_string(value: str) -> str:
    """A TypeScript string literal as prettier prints ``JSON.stringify(value)``."""
    if (
        value.isascii()
        and value.isprintable()
        and '"' not in value
        and "'" not in value
        and "\\" not in value
    ):
        # Nothing for JSON.stringify to escape, no quote for prettier to weigh.
        return '"' + value + '"'
    return _print_string_content(_json(value)[1:-1])


@lru_cache(maxsize=4096)  # each column's name is a key in Row, Insert and Update
def ts_key(name: str) -> str:
    """An object key: bare if an ES5 IdentifierName, else a string literal.
    Number-like keys stay quoted (prettier never unquotes them for TS)."""
    if name.isascii():
        is_identifier = _ES5_ASCII_IDENTIFIER.fullmatch(name) is not None
    else:
        is_identifier = _es5_identifier().fullmatch(name) is not None
    return name if is_identifier else ts_string(name)


# ---------------------------------------------------------------- TypeScript type terms
#
# The template builds TypeScript as text; prettier then parses it. The terms
# below are that text's parse, built directly: ``X | null`` flattens into one
# union, and ``[]`` appended to a union applies to its last member, as the
# parser reads ``"a"|"b"[]``.
#
# Terms are plain slotted classes, not frozen dataclasses: this module is
# imported by every ``gen types`` run, where creating a dozen frozen slotted
# dataclasses took ~15 ms, and building one (through ``object.__setattr__``
# per field) is several times slower, for a term per member of every object.
# They are never mutated once built. ``leafy`` marks small terms without
# objects, whose documents are worth sharing (see :class:`_Docs`).


class _Term:
    """Value equality and a readable repr for the term classes."""

    __slots__ = ()

    def _fields(self) -> tuple[object, ...]:
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        return self is other or (type(other) is type(self) and self._fields() == other._fields())

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._fields()))

    def __repr__(self) -> str:
        return f"{type(self).__name__}{self._fields()!r}"


class TAtom(_Term):
    """Text printed as is: keywords, ``Database[..][..]`` references."""

    __slots__ = ("text",)
    leafy: ClassVar[bool] = True

    def __init__(self, text: str) -> None:
        self.text = text

    def _fields(self) -> tuple[object, ...]:
        return (self.text,)


class TLit(_Term):
    """A string literal type."""

    __slots__ = ("value",)
    leafy: ClassVar[bool] = True

    def __init__(self, value: str) -> None:
        self.value = value

    def _fields(self) -> tuple[object, ...]:
        return (self.value,)


class TRecord(_Term):
    """``Record<string, unknown>``."""

    __slots__ = ()
    leafy: ClassVar[bool] = True

    def _fields(self) -> tuple[object, ...]:
        return ()


class TArray(_Term):
    __slots__ = ("elem", "leafy")

    def __init__(self, elem: TType) -> None:
        self.elem = elem
        self.leafy: bool = elem.leafy

    def _fields(self) -> tuple[object, ...]:
        return (self.elem,)


class TUnion(_Term):
    __slots__ = ("leafy", "members")

    def __init__(self, members: tuple[TType, ...]) -> None:
        self.members = members
        self.leafy: bool = all(m.leafy for m in members)

    def _fields(self) -> tuple[object, ...]:
        return (self.members,)


class TInter(_Term):
    __slots__ = ("leafy", "left", "right")

    def __init__(self, left: TType, right: TType) -> None:
        self.left = left
        self.right = right
        self.leafy: bool = left.leafy and right.leafy

    def _fields(self) -> tuple[object, ...]:
        return (self.left, self.right)


class TMember(_Term):
    #: ``key`` is already printed (ts_key), or raw member text when ``type`` is None.
    __slots__ = ("key", "optional", "type")

    def __init__(self, key: str, type: TType | None, optional: bool = False) -> None:
        self.key = key
        self.type = type
        self.optional = optional

    def _fields(self) -> tuple[object, ...]:
        return (self.key, self.type, self.optional)


class TObject(_Term):
    #: ``force``: the template has a newline after ``{``; prettier keeps it expanded.
    __slots__ = ("force", "members")
    leafy: ClassVar[bool] = False

    def __init__(self, members: tuple[TMember, ...], force: bool = False) -> None:
        self.members = members
        self.force = force

    def _fields(self) -> tuple[object, ...]:
        return (self.members, self.force)


class TTuple(_Term):
    __slots__ = ("elements",)
    leafy: ClassVar[bool] = False

    def __init__(self, elements: tuple[TType, ...]) -> None:
        self.elements = elements

    def _fields(self) -> tuple[object, ...]:
        return (self.elements,)


TType: TypeAlias = TAtom | TLit | TRecord | TArray | TUnion | TInter | TObject | TTuple

UNKNOWN = TAtom("unknown")
NULL = TAtom("null")
NEVER = TAtom("never")
_BOOL = TAtom("boolean")
_NUMBER = TAtom("number")
_STRING = TAtom("string")
_JSON = TAtom("Json")
_UNDEFINED = TAtom("undefined")
_RECORD = TRecord()


def _is_atom(t: TType, text: str) -> bool:
    return isinstance(t, TAtom) and t.text == text


def _union(a: TType, b: TType) -> TType:
    """The parse of ``${a} | ${b}``."""
    ma = a.members if isinstance(a, TUnion) else (a,)
    mb = b.members if isinstance(b, TUnion) else (b,)
    return TUnion(ma + mb)


def _nullable(t: TType, nullable: bool = True) -> TType:
    """postgres-meta's ``generateNullableUnionTsType``: ``| null`` unless unknown."""
    if not nullable or _is_atom(t, "unknown"):
        return t
    return _union(t, NULL)


def _append_array(t: TType) -> TType:
    """The parse of ``${t}[]``: ``[]`` binds to the last union/intersection member."""
    if isinstance(t, TUnion):
        return TUnion((*t.members[:-1], _append_array(t.members[-1])))
    if isinstance(t, TInter):
        return TInter(t.left, _append_array(t.right))
    return TArray(t)


def _lit_union(labels: Sequence[str]) -> TType:
    """``labels.map(JSON.stringify).join('|')``: a union, or one literal."""
    if len(labels) == 1:
        return TLit(labels[0])
    return TUnion(tuple(TLit(v) for v in labels))


# ---------------------------------------------------------------- documents


class _Docs:
    """Documents for terms, for one render.

    A column type recurs in Row, Insert and Update and across tables, and the
    generator hands out one term object per type (``_Generator.nullable``).
    Documents are immutable once built (a group caches only its own flat
    text), so a leafy term gets one document, and one member document per
    key. The caches are keyed by identity, holding the term so the identity
    stays valid: no hashing of nested terms, and nothing outlives the render.
    """

    __slots__ = ("_members", "_types")

    def __init__(self) -> None:
        self._types: dict[int, tuple[TType, Doc]] = {}
        self._members: dict[tuple[int, str], tuple[TType, Doc]] = {}

    def member_doc(self, m: TMember) -> Doc:
        t = m.type
        if t is None:
            return m.key
        prefix = m.key + ("?: " if m.optional else ": ")
        if isinstance(t, TAtom):
            return prefix + t.text
        if isinstance(t, TLit):
            return prefix + ts_string(t.value)
        if not t.leafy:
            return Group([prefix, self.type_doc(t)])
        key = (id(t), prefix)
        hit = self._members.get(key)
        if hit is None:
            shared = self._types.get(id(t))
            if shared is None:
                shared = self._types[id(t)] = (t, self.type_doc(t))
            hit = self._members[key] = (t, Group([prefix, shared[1]]))
        return hit[1]

    def object_doc(self, obj: TObject) -> Doc:
        if not obj.members:
            return "{}"
        # Between members prettier puts ifBreak("", ";") and a line; in an object
        # that always breaks that is just the line.
        docs = list(map(self.member_doc, obj.members))
        # [LINE, doc, sep, doc, sep, ..., doc]
        parts: list[Doc] = [LINE if obj.force else _SEP] * (2 * len(docs))
        parts[0] = LINE
        parts[1::2] = docs
        return Group(["{", Indent(parts), LINE, "}"], should_break=obj.force)

    def union_code(self, u: TUnion) -> list[Doc]:
        parts: list[Doc] = [IfBreak([LINE, "| "])]
        for i, m in enumerate(u.members):
            if i:
                parts.append(LINE)
                parts.append("| ")
            parts.append(Align(2, self.type_doc(m)))
        return parts

    def type_doc(self, t: TType) -> Doc:
        if isinstance(t, TAtom):
            return t.text
        if isinstance(t, TLit):
            return ts_string(t.value)
        if isinstance(t, TUnion):
            if _hugs(t):
                return join(" | ", [self.type_doc(m) for m in t.members])
            return Group(Indent(self.union_code(t)))
        if isinstance(t, TObject):
            return self.object_doc(t)
        if isinstance(t, TArray):
            elem = t.elem
            if isinstance(elem, TUnion) and not _hugs(elem):
                # prettier keeps the parentheses and lets the union break inside.
                return ["(", Group([Indent(self.union_code(elem)), SOFTLINE]), ")[]"]
            if isinstance(elem, TUnion | TInter):
                return ["(", self.type_doc(elem), ")[]"]
            return [self.type_doc(elem), "[]"]
        if isinstance(t, TInter):
            return Group([self.type_doc(t.left), " & ", self.type_doc(t.right)])
        if isinstance(t, TRecord):
            return [
                "Record",
                Group(["<", Indent([SOFTLINE, "string,", LINE, "unknown"]), SOFTLINE, ">"]),
            ]
        if not t.elements:
            return "[]"
        # prettier groups each element; a group of one string prints as the string.
        docs = list(map(self.type_doc, t.elements))
        items = join([",", LINE], [d if isinstance(d, str) else Group(d) for d in docs])
        return Group(["[", Indent([SOFTLINE, *items, IfBreak(",")]), SOFTLINE, "]"])


_SEP: Doc = [IfBreak("", ";"), LINE]


def _hugs(u: TUnion) -> bool:
    """prettier prints ``{...} | null`` with the object hugged, no union layout."""
    objects = [m for m in u.members if isinstance(m, TObject)]
    return len(objects) == 1 and all(m is objects[0] or _is_atom(m, "null") for m in u.members)


def _js_array(values: Sequence[str]) -> Doc:
    if not values:
        return "[]"
    items = join([",", LINE], [ts_string(v) for v in values])
    return Group(["[", Indent([SOFTLINE, *items, IfBreak(",")]), SOFTLINE, "]"])


def _js_object(props: Sequence[Doc]) -> Doc:
    """An object literal written with a newline after ``{`` (stays expanded)."""
    if not props:
        return "{}"
    return Group(
        ["{", Indent([LINE, *join([",", LINE], props)]), IfBreak(","), LINE, "}"],
        should_break=True,
    )


def _js_property(key: str, value: Doc) -> Doc:
    """``key: value`` in an object literal, with prettier's assignment layout:
    a key narrower than 5 columns never breaks after ``:``; others use the
    "fluid" layout (break after ``:`` only if ``key: <value start>`` overflows)."""
    if get_string_width(key) < 5:
        return Group([key, ": ", value])
    gid = object()
    return Group([key, ":", Group(Indent(LINE), id=gid), IndentIfBreak(value, gid)])


# ---------------------------------------------------------------- postgres-meta's data

_NUMBER_TYPES = frozenset({"int2", "int4", "int8", "float4", "float8", "numeric"})
_STRING_TYPES = frozenset(
    {
        "bytea",
        "bpchar",
        "varchar",
        "date",
        "text",
        "citext",
        "time",
        "timetz",
        "timestamp",
        "timestamptz",
        "uuid",
        "vector",
        "interval",
    }
)
#: json, jsonb and text: unnamed arguments of these types are callable.
_UNNAMED_ARG_TYPES = frozenset({"json", "jsonb", "text"})

# ``Object.prototype`` members: as a function name (or a non-included schema
# holding enums/composites) the generator indexes a plain object with them
# and crashes.
OBJECT_PROTOTYPE_MEMBERS = frozenset(
    {
        "constructor",
        "__defineGetter__",
        "__defineSetter__",
        "hasOwnProperty",
        "__lookupGetter__",
        "__lookupSetter__",
        "isPrototypeOf",
        "propertyIsEnumerable",
        "toString",
        "valueOf",
        "__proto__",
        "toLocaleString",
    }
)

# information_schema domains: the model keeps domains of non-system schemas
# only, but a column may use these.
INFO_SCHEMA_DOMAIN_BASES = {
    "cardinal_number": "int4",
    "character_data": "varchar",
    "sql_identifier": "name",
    "time_stamp": "timestamptz",
    "yes_or_no": "varchar",
}

# pg_catalog type oids (stable across versions), to order overload conflicts
# by argument type oid as the generator does.
_BUILTIN_OID_TEXT = """
bool:16 bytea:17 char:18 name:19 int8:20 int2:21 int2vector:22 int4:23 text:25 oid:26
oidvector:30 json:114 xml:142 _xml:143 _json:199 point:600 cidr:650 _cidr:651 float4:700
float8:701 macaddr8:774 _macaddr8:775 money:790 _money:791 macaddr:829 inet:869 _bool:1000
_bytea:1001 _char:1002 _name:1003 _int2:1005 _int4:1007 _text:1009 _bpchar:1014 _varchar:1015
_int8:1016 _point:1017 _float4:1021 _float8:1022 _oid:1028 _macaddr:1040 _inet:1041
bpchar:1042 varchar:1043 date:1082 time:1083 timestamp:1114 _timestamp:1115 _date:1182
_time:1183 timestamptz:1184 _timestamptz:1185 interval:1186 _interval:1187 _numeric:1231
timetz:1266 _timetz:1270 bit:1560 _bit:1561 varbit:1562 _varbit:1563 numeric:1700
regclass:2205 regtype:2206 _regclass:2210 _regtype:2211 record:2249 anyarray:2277 void:2278
anyelement:2283 _record:2287 uuid:2950 _uuid:2951 tsvector:3614 _tsvector:3643 jsonb:3802
_jsonb:3807 int4range:3904 _int4range:3905 numrange:3906 _numrange:3907 tsrange:3908
_tsrange:3909 tstzrange:3910 _tstzrange:3911 daterange:3912 _daterange:3913 int8range:3926
_int8range:3927 jsonpath:4072 _jsonpath:4073
"""
_BUILTIN_OIDS = {
    name: int(oid) for name, _, oid in (item.partition(":") for item in _BUILTIN_OID_TEXT.split())
}


def _is_array_index(name: str) -> bool:
    """JavaScript orders integer-like (array index) object keys first."""
    return (name == "0" or (name[:1] in "123456789" and name.isdigit() and name.isascii())) and int(
        name
    ) < 2**32 - 1


class _Rel(NamedTuple):
    """One relationship row as postgres-meta lists it."""

    foreign_key_name: str
    schema: str
    relation: str
    columns: tuple[str, ...]
    is_one_to_one: bool
    referenced_schema: str
    referenced_relation: str
    referenced_columns: tuple[str, ...]


#: Relationship rows by the (schema, relation) they are listed on.
_RowsByRelation: TypeAlias = dict[tuple[str, str], list[_Rel]]


class _Fn(NamedTuple):
    """An included function with postgres-meta's view of its arguments."""

    fn: Function
    args: list[tuple[FunctionArg, bool]]  # sorted by name; (arg, has_default as pm computes it)
    in_args: list[tuple[FunctionArg, bool]]


class _Generator:
    def __init__(
        self,
        schema: Schema,
        included: Sequence[str],
        detect_one_to_one: bool,
        postgrest_version: str | None,
    ) -> None:
        self.model = schema
        self.detect = detect_one_to_one
        self.postgrest_version = postgrest_version
        known = set(schema.schemas)
        # Object lists (tables, views, ...) are read for every requested schema;
        # the schema list itself leaves out system schemas; a requested schema
        # that does not exist is silently absent.
        requested = frozenset(included)
        self.schemas = sorted(
            {s for s in requested if s in known and not _is_system_schema(s)}, key=locale_key
        )
        self.included = frozenset(self.schemas)

        rels = [r for r in schema.relations if r.schema in requested]
        self.rel_by_key = {(r.schema, r.name): r for r in rels}
        self.tables_by_name: dict[str, list[Relation]] = {}
        self.views_by_name: dict[str, list[Relation]] = {}
        for r in rels:
            if r.kind in ("table", "partitioned_table"):
                self.tables_by_name.setdefault(r.name, []).append(r)
            elif r.kind == "view":
                self.views_by_name.setdefault(r.name, []).append(r)
        self.enums_by_name: dict[str, list[Enum]] = {}
        for e in schema.enums:
            if e.labels:
                self.enums_by_name.setdefault(e.name, []).append(e)
        self.composites_by_name: dict[str, list[CompositeType]] = {}
        for c in schema.composites:
            if c.attributes:
                self.composites_by_name.setdefault(c.name, []).append(c)
        self.domains = {(d.schema, d.name): d for d in schema.domains}
        self.all_relations = {(r.schema, r.name): r for r in schema.relations}
        self._ts_cache: dict[tuple[str, str], TType] = {}
        self._cols_cache: dict[tuple[str, str], list[Column]] = {}
        self._user_oids: dict[tuple[str, str], int] | None = None
        self._or_null: dict[int, tuple[TType, TType]] = {}
        self.docs = _Docs()
        self._check_crashes()

    # ------------------------------------------------------------ crashes

    def _check_crashes(self) -> None:
        for group in (self.model.enums, self.model.composites):
            for t in group:
                has_content = bool(t.labels if isinstance(t, Enum) else t.attributes)
                if (
                    has_content
                    and t.schema in OBJECT_PROTOTYPE_MEMBERS
                    and t.schema not in self.included
                ):
                    raise TypegenError(
                        f"postgres-meta 0.96.6 crashes on type {t.schema}.{t.name}: its schema "
                        f"name {t.schema!r} is an Object.prototype member"
                    )

    # ------------------------------------------------------------ type names

    def ts_type(self, current: str, name: str) -> TType:
        """postgres-meta's ``pgTypeToTsType(schema, name)``: by type *name*."""
        key = (current, name)
        hit = self._ts_cache.get(key)
        if hit is None:
            hit = self._ts_type(current, name)
            self._ts_cache[key] = hit
        return hit

    def _ts_type(self, current: str, name: str) -> TType:
        if name == "bool":
            return _BOOL
        if name in _NUMBER_TYPES:
            return _NUMBER
        if name in _STRING_TYPES:
            return _STRING
        if name in ("json", "jsonb"):
            return _JSON
        if name == "void":
            return _UNDEFINED
        if name == "record":
            return _RECORD
        if name.startswith("_"):
            return TArray(self.ts_type(current, name[1:]))
        enums = self.enums_by_name.get(name)
        if enums:
            e = next((x for x in enums if x.schema == current), enums[0])
            if e.schema in self.included:
                return TAtom(_db_ref(e.schema, "Enums", e.name))
            return _lit_union(e.labels)
        comps = self.composites_by_name.get(name)
        if comps:
            c = next((x for x in comps if x.schema == current), comps[0])
            if c.schema in self.included:
                return TAtom(_db_ref(c.schema, "CompositeTypes", c.name))
            return UNKNOWN
        tables = self.tables_by_name.get(name)
        if tables:
            t = next((x for x in tables if x.schema == current), tables[0])
            if t.schema not in self.included:
                return UNKNOWN
            return TAtom(_db_ref(t.schema, "Tables", t.name) + '["Row"]')
        views = self.views_by_name.get(name)
        if views:
            v = next((x for x in views if x.schema == current), views[0])
            if v.schema not in self.included:
                return UNKNOWN
            return TAtom(_db_ref(v.schema, "Views", v.name) + '["Row"]')
        return UNKNOWN

    def column_format(self, col: Column) -> str:
        """``COALESCE(base_type.typname, type.typname)``: a domain's immediate base."""
        ref = col.type
        if ref.kind == "domain":
            d = self.domains.get((ref.schema, ref.name))
            if d is not None:
                return d.base.name
            if ref.schema == "information_schema" and ref.name in INFO_SCHEMA_DOMAIN_BASES:
                return INFO_SCHEMA_DOMAIN_BASES[ref.name]
        return ref.name

    def type_exists(self, ref: TypeRef) -> bool:
        """Is the type in postgres-meta's types list? Foreign-table row types are not."""
        if ref.kind == "relation":
            r = self.all_relations.get((ref.schema, ref.name))
            return r is None or r.kind != "foreign_table"
        return True

    def arg_type(self, current: str, ref: TypeRef) -> TType:
        if not self.type_exists(ref):
            return UNKNOWN
        return self.ts_type(current, ref.name)

    def is_relation_type(self, ref: TypeRef) -> bool:
        """In ``relationTypeByIds``: a composite or a table/view/matview row type."""
        return (ref.kind == "composite" or ref.kind == "relation") and self.type_exists(ref)

    # ------------------------------------------------------------ columns

    def columns(self, rel: Relation) -> list[Column]:
        key = (rel.schema, rel.name)
        cols = self._cols_cache.get(key)
        if cols is None:
            cols = sorted(rel.columns, key=lambda c: locale_key(c.name))
            self._cols_cache[key] = cols
        return cols

    def column_type(self, current: str, col: Column, nullable: bool) -> TType:
        return self.nullable(self.ts_type(current, self.column_format(col)), nullable)

    def nullable(self, t: TType, nullable: bool = True) -> TType:
        """:func:`_nullable`, giving one term object per term (see :class:`_Docs`)."""
        if not nullable:
            return t
        hit = self._or_null.get(id(t))
        if hit is None:
            hit = self._or_null[id(t)] = (t, _nullable(t))
        return hit[1]

    # ------------------------------------------------------------ relationships

    def relationships(self) -> list[_Rel]:
        base: list[_Rel] = []
        for fk in self.model.foreign_keys:
            if _is_system_schema(fk.schema):
                continue
            base.append(
                _Rel(
                    fk.name,
                    fk.schema,
                    fk.table,
                    fk.columns,
                    self.model.is_one_to_one(fk),
                    fk.referenced_schema,
                    fk.referenced_table,
                    fk.referenced_columns,
                )
            )
        deps = self._key_dependencies()
        derived: list[_Rel] = []
        for r in base:
            to_table = deps.get((r.schema, r.relation, r.foreign_key_name, "f"), [])
            to_view = deps.get(
                (r.referenced_schema, r.referenced_relation, r.foreign_key_name, "f_ref"), []
            )
            for vs, vn, cols in to_table:
                for combo in product(*cols):
                    derived.append(
                        _Rel(
                            r.foreign_key_name,
                            vs,
                            vn,
                            combo,
                            r.is_one_to_one,
                            r.referenced_schema,
                            r.referenced_relation,
                            r.referenced_columns,
                        )
                    )
            for vs, vn, cols in to_view:
                for combo in product(*cols):
                    derived.append(
                        _Rel(
                            r.foreign_key_name,
                            r.schema,
                            r.relation,
                            r.columns,
                            r.is_one_to_one,
                            vs,
                            vn,
                            combo,
                        )
                    )
            for vs, vn, cols in to_table:
                for combo in product(*cols):
                    for rvs, rvn, rcols in to_view:
                        for rcombo in product(*rcols):
                            derived.append(
                                _Rel(
                                    r.foreign_key_name,
                                    vs,
                                    vn,
                                    combo,
                                    r.is_one_to_one,
                                    rvs,
                                    rvn,
                                    rcombo,
                                )
                            )
        rows = base + derived
        # JSON.stringify of each distinct column list, once: json.dumps with
        # options builds an encoder per call.
        stringified = {
            cols: json.dumps(list(cols), ensure_ascii=False, separators=(",", ":"))
            for cols in {x.referenced_columns for x in rows}
        }
        rows.sort(
            key=lambda x: (
                locale_key(x.foreign_key_name),
                locale_key(x.referenced_relation),
                locale_key(stringified[x.referenced_columns]),
            )
        )
        return rows

    def _key_dependencies(
        self,
    ) -> dict[tuple[str, str, str, str], list[tuple[str, str, list[list[str]]]]]:
        """PostgREST's view key dependencies: for each (table, FK name, side)
        the views exposing every column of that side of the FK, with the view
        columns exposing each key column (in key order)."""
        # (view, base table, base column) -> view columns exposing it
        exposed: dict[tuple[str, str, str, str, str], list[str]] = {}
        # (base schema, base table) -> the views exposing any of its columns, in
        # model order: the only views worth matching against its keys.
        views_of: dict[tuple[str, str], list[Relation]] = {}
        for rel in self.model.relations:
            if not rel.is_view or not rel.column_sources or _is_system_schema(rel.schema):
                continue
            for src in rel.column_sources:
                exposed.setdefault(
                    (rel.schema, rel.name, src.schema, src.table, src.base_column), []
                ).append(src.column)
                seen = views_of.setdefault((src.schema, src.table), [])
                if not seen or seen[-1] is not rel:
                    seen.append(rel)
        if not views_of:
            return {}
        # Constraint columns by (table schema, table, name, side, ncol), merged
        # as the SQL's GROUP BY merges equal keys (UNION removes duplicate rows).
        keys: dict[tuple[str, str, str, str, int], list[tuple[int, str]]] = {}
        for fk in self.model.foreign_keys:
            if _is_system_schema(fk.schema):
                continue
            n = len(fk.columns)
            for side, sch, tbl, key_cols in (
                ("f", fk.schema, fk.table, fk.columns),
                ("f_ref", fk.referenced_schema, fk.referenced_table, fk.referenced_columns),
            ):
                entry = keys.setdefault((sch, tbl, fk.name, side, n), [])
                for ordinal, col in enumerate(key_cols, 1):
                    if (ordinal, col) not in entry:
                        entry.append((ordinal, col))
        out: dict[tuple[str, str, str, str], list[tuple[str, str, list[list[str]]]]] = {}
        for (sch, tbl, name, side, n), cols in keys.items():
            ordered = sorted(cols, key=lambda oc: oc[0])
            for v in views_of.get((sch, tbl), ()):
                present = [
                    f for _, c in ordered if (f := exposed.get((v.schema, v.name, sch, tbl, c)))
                ]
                # HAVING ncol = count(*): every key column is exposed.
                if len(present) != n:
                    continue
                out.setdefault((sch, tbl, name, side), []).append((v.schema, v.name, present))
        return out

    def relationship_defs(self, rows: _RowsByRelation, rel: Relation) -> TTuple:
        els: list[TType] = []
        for r in rows.get((rel.schema, rel.name), ()):
            members = [
                TMember("foreignKeyName", TLit(r.foreign_key_name)),
                TMember("columns", TTuple(tuple(TLit(c) for c in r.columns))),
            ]
            if self.detect:
                members.append(TMember("isOneToOne", TAtom("true" if r.is_one_to_one else "false")))
            members.append(TMember("referencedRelation", TLit(r.referenced_relation)))
            members.append(
                TMember("referencedColumns", TTuple(tuple(TLit(c) for c in r.referenced_columns)))
            )
            els.append(TObject(tuple(members), force=True))
        return TTuple(tuple(els))

    # ------------------------------------------------------------ functions

    def functions_of(self, schema_name: str) -> list[_Fn]:
        """The schema's functions postgres-meta keeps (§9.1), sorted by name."""
        out: list[_Fn] = []
        for fn in self.model.functions:
            if fn.schema != schema_name or fn.return_type in ("trigger", "event_trigger"):
                continue
            # postgres-meta zips pronargs flags (the last pronargdefaults true)
            # with ALL args, OUT and TABLE ones included.
            n_in = sum(1 for a in fn.args if a.mode in _IN_MODES)
            n_def = min(n_in, sum(1 for a in fn.args if a.has_default))
            flags = [False] * (n_in - n_def) + [True] * n_def
            pairs = [(a, i < n_in and flags[i]) for i, a in enumerate(fn.args)]
            args = sorted(pairs, key=lambda p: locale_key(p[0].name))
            in_args = [p for p in args if p[0].mode in _IN_MODES]
            if (
                not in_args
                or all(a.name for a, _ in in_args)
                or all(a.name or (d and _is_unnamed_ok(a.type)) for a, d in in_args)
                or (
                    len(in_args) == 1
                    and (
                        _is_unnamed_ok(in_args[0][0].type)
                        or self.is_relation_type(in_args[0][0].type)
                    )
                )
            ):
                out.append(_Fn(fn, args, in_args))
        out.sort(key=lambda f: locale_key(f.fn.name))
        return out

    def return_table_name(self, fn: Function) -> str | None:
        """``getTableNameFromRelationId``: the returned relation's or composite's name."""
        ref = fn.return_type_ref
        if ref.kind not in ("relation", "composite"):
            return None
        rel = self.rel_by_key.get((ref.schema, ref.name))
        if rel is not None:
            return rel.name
        return ref.name if self.is_relation_type(ref) else None

    def function_return_type(self, current: str, f: _Fn) -> TType:
        """``getFunctionReturnType``."""
        table_args = [a for a, _ in f.args if a.mode == "table"]
        if table_args:
            return TObject(
                tuple(TMember(ts_key(a.name), self.arg_type(current, a.type)) for a in table_args),
                force=True,
            )
        ref = f.fn.return_type_ref
        if ref.kind in ("relation", "composite") and ref.schema == current:
            rel = self.rel_by_key.get((current, ref.name))
            if rel is not None:
                return TObject(
                    tuple(
                        TMember(ts_key(c.name), self.column_type(current, c, c.nullable))
                        for c in self.columns(rel)
                    ),
                    force=True,
                )
        return self.arg_type(current, ref)

    def _conflict(self, schema: str, group: list[_Fn], f: _Fn) -> str | None:
        """``getConflictError``: overloads PostgREST cannot tell apart."""
        if len(group) <= 1:
            return None
        name = f.fn.name
        if not f.in_args:
            for other in group:
                if other is not f and len(other.in_args) == 1:
                    arg, has_default = other.in_args[0]
                    if not arg.name and has_default:
                        ref = other.fn.return_type_ref
                        ret = ref.name if self.type_exists(ref) else "unknown"
                        return (
                            f"Could not choose the best candidate function between: {schema}.{name}(), "
                            f"{schema}.{name}( => {ret}). {_RENAME_HINT}"
                        )
        if len(f.in_args) == 1 and f.in_args[0][0].name:
            arg = f.in_args[0][0]
            clashes = [
                o
                for o in group
                if o is not f
                and len(o.in_args) == 1
                and o.in_args[0][0].name == arg.name
                and self._type_key(o.in_args[0][0].type) != self._type_key(arg.type)
            ]
            if clashes:
                listed = sorted([f, *clashes], key=lambda o: self._type_oid(o.in_args[0][0].type))
                sigs = ", ".join(
                    f"{schema}.{name}("
                    + ", ".join(
                        f"{a.name} => {a.type.name if self.type_exists(a.type) else 'unknown'}"
                        for a, _ in o.in_args
                    )
                    + ")"
                    for o in listed
                )
                return (
                    f"Could not choose the best candidate function between: {sigs}. {_RENAME_HINT}"
                )
        return None

    @staticmethod
    def _type_key(ref: TypeRef) -> tuple[str, str]:
        return (ref.schema, ref.name)

    def _type_oid(self, ref: TypeRef) -> float:
        """The type's oid, or a stand-in in creation order.

        The model has no oids: within each kind the catalog order is oid
        order, and a user type's array gets its oid just before the type;
        between kinds (an enum created after a table, say) the order is a
        guess: enums, composites, domains, then relations.
        """
        if ref.schema == "pg_catalog" and ref.name in _BUILTIN_OIDS:
            return _BUILTIN_OIDS[ref.name]
        if self._user_oids is None:
            order: dict[tuple[str, str], int] = {}
            seq: Iterable[tuple[str, str]] = (
                *((e.schema, e.name) for e in self.model.enums),
                *((c.schema, c.name) for c in self.model.composites),
                *((d.schema, d.name) for d in self.model.domains),
                *((r.schema, r.name) for r in self.model.relations),
            )
            for key in seq:
                order.setdefault(key, len(order))
            self._user_oids = order
        elem = ref.name[1:] if ref.kind == "array" else ref.name
        pos = self._user_oids.get((ref.schema, elem))
        if pos is None:
            return 10**9
        return 16384 + 4 * pos + (0 if ref.kind == "array" else 1)

    def signature(self, schema: str, group: list[_Fn], f: _Fn) -> TObject:
        fn = f.fn
        args: TType = NEVER
        if f.in_args:
            args = TObject(
                tuple(
                    TMember(ts_key(a.name), self.arg_type(schema, a.type), optional=d)
                    for a, d in f.in_args
                )
            )
        returns = self.function_return_type(schema, f)
        conflict = self._conflict(schema, group, f)
        if conflict is not None:
            returns = TInter(_ERROR_OBJ, TLit(conflict))
        elif (
            len(f.in_args) == 1
            and not f.in_args[0][0].name
            and self.is_relation_type(f.in_args[0][0].type)
            and not self.return_table_name(fn)
        ):
            returns = TInter(
                _ERROR_OBJ,
                TLit(
                    f"the function {schema}.{fn.name} with parameter or with a single unnamed "
                    "json/jsonb parameter, but no matches were found in the schema cache"
                ),
            )
        table_name = self.return_table_name(fn)
        returns_set_of_table = fn.returns_set and fn.return_type_ref.kind in (
            "relation",
            "composite",
        )
        many = fn.rows is not None and fn.rows > 1
        setof: tuple[str, str, bool, bool] | None = None
        if table_name:
            setof = ("*", table_name, not many, fn.returns_set)
        if len(f.args) == 1 and self.is_relation_type(f.args[0][0].type):
            source = f.args[0][0].type_display
            if returns_set_of_table and table_name:
                setof = (source, table_name, not many, True)
            elif table_name and not returns_set_of_table:
                setof = (source, table_name, True, False)
        if fn.returns_set and many:
            returns = _append_array(returns)
        members = [TMember("Args", args), TMember("Returns", returns)]
        if setof is not None:
            members.append(
                TMember(
                    "SetofOptions",
                    TObject(
                        (
                            TMember("from", TLit(setof[0])),
                            TMember("to", TLit(setof[1])),
                            TMember("isOneToOne", _bool(setof[2])),
                            TMember("isSetofReturn", _bool(setof[3])),
                        ),
                        force=True,
                    ),
                )
            )
        return TObject(tuple(members))

    # ------------------------------------------------------------ rendering

    def render(self) -> str:
        # A relation lists the rows it is on, whose referenced relation is in
        # its own schema, in the order of all rows.
        rows: _RowsByRelation = {}
        for r in self.relationships():
            if r.referenced_schema == r.schema:
                rows.setdefault((r.schema, r.relation), []).append(r)
        members: list[Doc] = []
        if self.postgrest_version is not None:
            if re.search(r"['\n\r\u2028\u2029]|(?<!\\)(?:\\\\)*\\$", self.postgrest_version):
                # The template pastes the version between single quotes
                # unescaped: prettier then fails to parse the file.
                raise TypegenError(
                    f"postgres-meta 0.96.6 fails on PostgREST version {self.postgrest_version!r}"
                )
            members.append(
                [
                    "// Allows to automatically instantiate createClient with right options",
                    HARDLINE,
                    "// instead of createClient<Database, { PostgrestVersion: 'XX' }>(URL, KEY)",
                    HARDLINE,
                    self.docs.member_doc(
                        TMember(
                            "__InternalSupabase",
                            TObject(
                                (TMember("PostgrestVersion", _raw_string(self.postgrest_version)),),
                                force=True,
                            ),
                        )
                    ),
                ]
            )
        enums_by_schema: dict[str, list[Enum]] = {}
        for s in self.schemas:
            fns = self.functions_of(s)
            for f in fns:
                if f.fn.name in OBJECT_PROTOTYPE_MEMBERS:
                    raise TypegenError(
                        f"postgres-meta 0.96.6 crashes on function {s}.{f.fn.name}: its name is an "
                        "Object.prototype member"
                    )
            enums = sorted(
                (e for e in self.model.enums if e.schema == s and e.labels),
                key=lambda e: locale_key(e.name),
            )
            enums_by_schema[s] = enums
            schema_type = self.schema_type(s, fns, enums, rows)
            members.append(self.docs.member_doc(TMember(ts_key(s), schema_type)))
        if members:
            db: Doc = Group(
                ["{", Indent([LINE, *join(LINE, members)]), LINE, "}"], should_break=True
            )
        else:
            db = "{}"
        constants: list[Doc] = []
        for s in self.schemas:
            enum_props = [
                _js_property(ts_key(e.name), _js_array(e.labels)) for e in enums_by_schema[s]
            ]
            constants.append(
                _js_property(ts_key(s), _js_object([_js_property("Enums", _js_object(enum_props))]))
            )
        return (
            _JSON_TYPE
            + print_doc(["export type Database = ", db])
            + "\n\n"
            + _HELPER_TYPES
            + print_doc(["export const Constants = ", _js_object(constants), " as const"])
            + "\n\n"
        )

    def schema_type(
        self, s: str, fns: list[_Fn], enums: list[Enum], rows: _RowsByRelation
    ) -> TObject:
        # Tables with foreign tables, views with matviews, each sorted by name
        # (names are unique in a schema, so the listing order does not matter).
        tables: list[Relation] = []
        views: list[Relation] = []
        for r in self.model.relations_in(s):
            (views if r.is_view else tables).append(r)
        tables.sort(key=lambda r: locale_key(r.name))
        views.sort(key=lambda r: locale_key(r.name))
        computed: dict[str, list[_Fn]] = {}
        for f in fns:
            computed.setdefault(f.fn.argument_types, []).append(f)

        table_members = [
            TMember(ts_key(t.name), self.table_type(s, t, computed, rows)) for t in tables
        ]
        view_members = [
            TMember(ts_key(v.name), self.view_type(s, v, computed, rows)) for v in views
        ]
        fn_members = self.function_members(s, fns)
        enum_members = [TMember(ts_key(e.name), _lit_union(e.labels)) for e in enums]
        comps = sorted(
            (c for c in self.model.composites if c.schema == s and c.attributes),
            key=lambda c: locale_key(c.name),
        )
        comp_members = [
            TMember(
                ts_key(c.name),
                TObject(
                    tuple(
                        TMember(ts_key(a.name), self.nullable(self.arg_type(s, a.type)))
                        for a in c.attributes
                    ),
                    force=True,
                ),
            )
            for c in comps
        ]
        return TObject(
            (
                TMember("Tables", _section(table_members)),
                TMember("Views", _section(view_members)),
                TMember("Functions", _section(fn_members)),
                TMember("Enums", _section(enum_members)),
                TMember("CompositeTypes", _section(comp_members)),
            ),
            force=True,
        )

    def row_members(self, s: str, rel: Relation, computed: dict[str, list[_Fn]]) -> list[TMember]:
        members = [
            TMember(ts_key(c.name), self.column_type(s, c, c.nullable)) for c in self.columns(rel)
        ]
        for f in computed.get(rel.name, ()):
            members.append(
                TMember(ts_key(f.fn.name), self.nullable(self.function_return_type(s, f)))
            )
        return members

    def table_type(
        self, s: str, t: Relation, computed: dict[str, list[_Fn]], rows: _RowsByRelation
    ) -> TObject:
        cols = self.columns(t)
        insert: list[TMember] = []
        update: list[TMember] = []
        for c in cols:
            key = ts_key(c.name)
            if c.identity == "ALWAYS":
                insert.append(TMember(key, NEVER, optional=True))
                update.append(TMember(key, NEVER, optional=True))
                continue
            ty = self.column_type(s, c, c.nullable)
            optional = c.nullable or c.identity is not None or c.default is not None
            insert.append(TMember(key, ty, optional=optional))
            update.append(TMember(key, ty, optional=True))
        return TObject(
            (
                TMember("Row", TObject(tuple(self.row_members(s, t, computed)), force=True)),
                TMember("Insert", TObject(tuple(insert), force=True)),
                TMember("Update", TObject(tuple(update), force=True)),
                TMember("Relationships", self.relationship_defs(rows, t)),
            ),
            force=True,
        )

    def view_type(
        self, s: str, v: Relation, computed: dict[str, list[_Fn]], rows: _RowsByRelation
    ) -> TObject:
        members = [TMember("Row", TObject(tuple(self.row_members(s, v, computed)), force=True))]
        if v.kind == "view" and v.updatable:
            writable: list[TMember] = []
            for c in self.columns(v):
                key = ts_key(c.name)
                if not c.updatable:
                    writable.append(TMember(key, NEVER, optional=True))
                else:
                    writable.append(TMember(key, self.column_type(s, c, True), optional=True))
            members.append(TMember("Insert", TObject(tuple(writable), force=True)))
            members.append(TMember("Update", TObject(tuple(writable), force=True)))
        members.append(TMember("Relationships", self.relationship_defs(rows, v)))
        return TObject(tuple(members), force=True)

    def function_members(self, s: str, fns: list[_Fn]) -> list[TMember]:
        groups: dict[str, list[_Fn]] = {}
        for f in fns:
            groups.setdefault(f.fn.name, []).append(f)
        # JavaScript object key order: array-index-like names first, ascending.
        names = list(groups)
        indexes = sorted((n for n in names if _is_array_index(n)), key=int)
        ordered = indexes + [n for n in names if not _is_array_index(n)]
        out: list[TMember] = []
        for name in ordered:
            group = sorted(
                groups[name],
                key=lambda f: (locale_key(f.fn.argument_types), locale_key(f.fn.return_type)),
            )
            sigs = [self.signature(s, group, f) for f in group]
            value: TType = sigs[0] if len(sigs) == 1 else TUnion(tuple(sigs))
            out.append(TMember(ts_key(name), value))
        return out


_IN_MODES = frozenset({"in", "inout", "variadic"})
_RENAME_HINT = (
    "Try renaming the parameters or the function itself in the database so function "
    "overloading can be resolved"
)
_ERROR_OBJ = TObject((TMember("error", TAtom("true")),))
_NEVER_SECTION = TObject((TMember("[_ in never]: never", None),), force=True)


def _raw_string(content: str) -> TAtom:
    """A string literal written between single quotes without escaping."""
    return TAtom(_print_string_content(content))


def _bool(value: bool) -> TAtom:
    return TAtom("true" if value else "false")


def _section(members: list[TMember]) -> TObject:
    return TObject(tuple(members), force=True) if members else _NEVER_SECTION


def _is_system_schema(name: str) -> bool:
    """Schemas postgres-meta never lists (its defaults, and every ``pg_*``)."""
    return name in ("information_schema", "pg_catalog", "pg_toast") or name.startswith("pg_")


def _is_unnamed_ok(ref: TypeRef) -> bool:
    """json, jsonb or text (by oid: the pg_catalog types)."""
    return ref.schema == "pg_catalog" and ref.name in _UNNAMED_ARG_TYPES


def _db_ref(schema: str, section: str, name: str) -> str:
    return f'Database[{ts_string(schema)}]["{section}"][{ts_string(name)}]'


_JSON_TYPE = """\
export type Json =
  | string
  | number
  | boolean
  | null
  | { [key: string]: Json | undefined }
  | Json[]

"""


def render_typescript(
    schema: Schema,
    included_schemas: Sequence[str],
    *,
    detect_one_to_one: bool = True,
    postgrest_version: str | None = None,
) -> str:
    """The text ``supabase gen types typescript`` prints for ``schema``.

    ``included_schemas`` is the CLI's schema list (order and duplicates do not
    matter); ``detect_one_to_one`` is false only with ``--postgrest-v9-compat``;
    ``postgrest_version`` adds ``__InternalSupabase`` as hosted projects get.
    The result ends with the empty line ``console.log`` adds.
    """
    return _Generator(schema, included_schemas, detect_one_to_one, postgrest_version).render()


# ---------------------------------------------------------------- data

# ES5 IdentifierName code points as prettier 3.5.3's isEs5IdentifierName
# accepts them (its Unicode version, BMP only): identifier starts, and the
# extra characters allowed after the first. Hex ranges, inclusive.
_ES5_ID_START = """
24 41-5a 5f 61-7a aa b5 ba c0-d6 d8-f6 f8-2c1 2c6-2d1 2e0-2e4 2ec 2ee 370-374 376-377 37a-37d
37f 386 388-38a 38c 38e-3a1 3a3-3f5 3f7-481 48a-52f 531-556 559 561-587 5d0-5ea 5f0-5f2 620-64a
66e-66f 671-6d3 6d5 6e5-6e6 6ee-6ef 6fa-6fc 6ff 710 712-72f 74d-7a5 7b1 7ca-7ea 7f4-7f5 7fa
800-815 81a 824 828 840-858 8a0-8b4 8b6-8bd 904-939 93d 950 958-961 971-980 985-98c 98f-990
993-9a8 9aa-9b0 9b2 9b6-9b9 9bd 9ce 9dc-9dd 9df-9e1 9f0-9f1 a05-a0a a0f-a10 a13-a28 a2a-a30
a32-a33 a35-a36 a38-a39 a59-a5c a5e a72-a74 a85-a8d a8f-a91 a93-aa8 aaa-ab0 ab2-ab3 ab5-ab9 abd
ad0 ae0-ae1 af9 b05-b0c b0f-b10 b13-b28 b2a-b30 b32-b33 b35-b39 b3d b5c-b5d b5f-b61 b71 b83
b85-b8a b8e-b90 b92-b95 b99-b9a b9c b9e-b9f ba3-ba4 ba8-baa bae-bb9 bd0 c05-c0c c0e-c10 c12-c28
c2a-c39 c3d c58-c5a c60-c61 c80 c85-c8c c8e-c90 c92-ca8 caa-cb3 cb5-cb9 cbd cde ce0-ce1 cf1-cf2
d05-d0c d0e-d10 d12-d3a d3d d4e d54-d56 d5f-d61 d7a-d7f d85-d96 d9a-db1 db3-dbb dbd dc0-dc6
e01-e30 e32-e33 e40-e46 e81-e82 e84 e87-e88 e8a e8d e94-e97 e99-e9f ea1-ea3 ea5 ea7 eaa-eab
ead-eb0 eb2-eb3 ebd ec0-ec4 ec6 edc-edf f00 f40-f47 f49-f6c f88-f8c 1000-102a 103f 1050-1055
105a-105d 1061 1065-1066 106e-1070 1075-1081 108e 10a0-10c5 10c7 10cd 10d0-10fa 10fc-1248
124a-124d 1250-1256 1258 125a-125d 1260-1288 128a-128d 1290-12b0 12b2-12b5 12b8-12be 12c0
12c2-12c5 12c8-12d6 12d8-1310 1312-1315 1318-135a 1380-138f 13a0-13f5 13f8-13fd 1401-166c
166f-167f 1681-169a 16a0-16ea 16ee-16f8 1700-170c 170e-1711 1720-1731 1740-1751 1760-176c
176e-1770 1780-17b3 17d7 17dc 1820-1877 1880-1884 1887-18a8 18aa 18b0-18f5 1900-191e 1950-196d
1970-1974 1980-19ab 19b0-19c9 1a00-1a16 1a20-1a54 1aa7 1b05-1b33 1b45-1b4b 1b83-1ba0 1bae-1baf
1bba-1be5 1c00-1c23 1c4d-1c4f 1c5a-1c7d 1c80-1c88 1ce9-1cec 1cee-1cf1 1cf5-1cf6 1d00-1dbf
1e00-1f15 1f18-1f1d 1f20-1f45 1f48-1f4d 1f50-1f57 1f59 1f5b 1f5d 1f5f-1f7d 1f80-1fb4 1fb6-1fbc
1fbe 1fc2-1fc4 1fc6-1fcc 1fd0-1fd3 1fd6-1fdb 1fe0-1fec 1ff2-1ff4 1ff6-1ffc 2071 207f 2090-209c
2102 2107 210a-2113 2115 2119-211d 2124 2126 2128 212a-212d 212f-2139 213c-213f 2145-2149 214e
2160-2188 2c00-2c2e 2c30-2c5e 2c60-2ce4 2ceb-2cee 2cf2-2cf3 2d00-2d25 2d27 2d2d 2d30-2d67 2d6f
2d80-2d96 2da0-2da6 2da8-2dae 2db0-2db6 2db8-2dbe 2dc0-2dc6 2dc8-2dce 2dd0-2dd6 2dd8-2dde 2e2f
3005-3007 3021-3029 3031-3035 3038-303c 3041-3096 309d-309f 30a1-30fa 30fc-30ff 3105-312d
3131-318e 31a0-31ba 31f0-31ff 3400-4db5 4e00-9fd5 a000-a48c a4d0-a4fd a500-a60c a610-a61f
a62a-a62b a640-a66e a67f-a69d a6a0-a6ef a717-a71f a722-a788 a78b-a7ae a7b0-a7b7 a7f7-a801
a803-a805 a807-a80a a80c-a822 a840-a873 a882-a8b3 a8f2-a8f7 a8fb a8fd a90a-a925 a930-a946
a960-a97c a984-a9b2 a9cf a9e0-a9e4 a9e6-a9ef a9fa-a9fe aa00-aa28 aa40-aa42 aa44-aa4b aa60-aa76
aa7a aa7e-aaaf aab1 aab5-aab6 aab9-aabd aac0 aac2 aadb-aadd aae0-aaea aaf2-aaf4 ab01-ab06
ab09-ab0e ab11-ab16 ab20-ab26 ab28-ab2e ab30-ab5a ab5c-ab65 ab70-abe2 ac00-d7a3 d7b0-d7c6
d7cb-d7fb f900-fa6d fa70-fad9 fb00-fb06 fb13-fb17 fb1d fb1f-fb28 fb2a-fb36 fb38-fb3c fb3e
fb40-fb41 fb43-fb44 fb46-fbb1 fbd3-fd3d fd50-fd8f fd92-fdc7 fdf0-fdfb fe70-fe74 fe76-fefc
ff21-ff3a ff41-ff5a ff66-ffbe ffc2-ffc7 ffca-ffcf ffd2-ffd7 ffda-ffdc
"""

_ES5_ID_PART_EXTRA = """
30-39 300-36f 483-487 591-5bd 5bf 5c1-5c2 5c4-5c5 5c7 610-61a 64b-669 670 6d6-6dc 6df-6e4
6e7-6e8 6ea-6ed 6f0-6f9 711 730-74a 7a6-7b0 7c0-7c9 7eb-7f3 816-819 81b-823 825-827 829-82d
859-85b 8d4-8e1 8e3-903 93a-93c 93e-94f 951-957 962-963 966-96f 981-983 9bc 9be-9c4 9c7-9c8
9cb-9cd 9d7 9e2-9e3 9e6-9ef a01-a03 a3c a3e-a42 a47-a48 a4b-a4d a51 a66-a71 a75 a81-a83 abc
abe-ac5 ac7-ac9 acb-acd ae2-ae3 ae6-aef b01-b03 b3c b3e-b44 b47-b48 b4b-b4d b56-b57 b62-b63 b66-b6f
b82 bbe-bc2 bc6-bc8 bca-bcd bd7 be6-bef c00-c03 c3e-c44 c46-c48 c4a-c4d c55-c56 c62-c63 c66-c6f
c81-c83 cbc cbe-cc4 cc6-cc8 cca-ccd cd5-cd6 ce2-ce3 ce6-cef d01-d03 d3e-d44 d46-d48 d4a-d4d d57
d62-d63 d66-d6f d82-d83 dca dcf-dd4 dd6 dd8-ddf de6-def df2-df3 e31 e34-e3a e47-e4e e50-e59 eb1
eb4-eb9 ebb-ebc ec8-ecd ed0-ed9 f18-f19 f20-f29 f35 f37 f39 f3e-f3f f71-f84 f86-f87 f8d-f97
f99-fbc fc6 102b-103e 1040-1049 1056-1059 105e-1060 1062-1064 1067-106d 1071-1074 1082-108d
108f-109d 135d-135f 1712-1714 1732-1734 1752-1753 1772-1773 17b4-17d3 17dd 17e0-17e9 180b-180d
1810-1819 1885-1886 18a9 1920-192b 1930-193b 1946-194f 19d0-19d9 1a17-1a1b 1a55-1a5e 1a60-1a7c
1a7f-1a89 1a90-1a99 1ab0-1abd 1b00-1b04 1b34-1b44 1b50-1b59 1b6b-1b73 1b80-1b82 1ba1-1bad
1bb0-1bb9 1be6-1bf3 1c24-1c37 1c40-1c49 1c50-1c59 1cd0-1cd2 1cd4-1ce8 1ced 1cf2-1cf4 1cf8-1cf9
1dc0-1df5 1dfb-1dff 200c-200d 203f-2040 2054 20d0-20dc 20e1 20e5-20f0 2cef-2cf1 2d7f 2de0-2dff
302a-302f 3099-309a a620-a629 a66f a674-a67d a69e-a69f a6f0-a6f1 a802 a806 a80b a823-a827
a880-a881 a8b4-a8c5 a8d0-a8d9 a8e0-a8f1 a900-a909 a926-a92d a947-a953 a980-a983 a9b3-a9c0
a9d0-a9d9 a9e5 a9f0-a9f9 aa29-aa36 aa43 aa4c-aa4d aa50-aa59 aa7b-aa7d aab0 aab2-aab4 aab7-aab8
aabe-aabf aac1 aaeb-aaef aaf5-aaf6 abe3-abea abec-abed abf0-abf9 fb1e fe00-fe0f fe20-fe2f
fe33-fe34 fe4d-fe4f ff10-ff19 ff3f
"""

# The ASCII part of the classes above; the full pattern takes ~10 ms to
# compile, so it is compiled on the first non-ASCII key only.
_ES5_ASCII_IDENTIFIER = re.compile(r"[$A-Z_a-z][$0-9A-Z_a-z]*")


@cache
def _es5_identifier() -> re.Pattern[str]:
    start = _ranges_class(_ES5_ID_START)
    return re.compile(f"[{start}][{start}{_ranges_class(_ES5_ID_PART_EXTRA)}]*")


# The helper types after Database, verbatim (default schema "public").
_HELPER_TYPES = """\
type DatabaseWithoutInternals = Omit<Database, "__InternalSupabase">

type DefaultSchema = DatabaseWithoutInternals[Extract<keyof Database, "public">]

export type Tables<
  DefaultSchemaTableNameOrOptions extends
    | keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
        DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])
    : never = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
      DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])[TableName] extends {
      Row: infer R
    }
    ? R
    : never
  : DefaultSchemaTableNameOrOptions extends keyof (DefaultSchema["Tables"] &
        DefaultSchema["Views"])
    ? (DefaultSchema["Tables"] &
        DefaultSchema["Views"])[DefaultSchemaTableNameOrOptions] extends {
        Row: infer R
      }
      ? R
      : never
    : never

export type TablesInsert<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Insert: infer I
    }
    ? I
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Insert: infer I
      }
      ? I
      : never
    : never

export type TablesUpdate<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Update: infer U
    }
    ? U
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Update: infer U
      }
      ? U
      : never
    : never

export type Enums<
  DefaultSchemaEnumNameOrOptions extends
    | keyof DefaultSchema["Enums"]
    | { schema: keyof DatabaseWithoutInternals },
  EnumName extends DefaultSchemaEnumNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"]
    : never = never,
> = DefaultSchemaEnumNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"][EnumName]
  : DefaultSchemaEnumNameOrOptions extends keyof DefaultSchema["Enums"]
    ? DefaultSchema["Enums"][DefaultSchemaEnumNameOrOptions]
    : never

export type CompositeTypes<
  PublicCompositeTypeNameOrOptions extends
    | keyof DefaultSchema["CompositeTypes"]
    | { schema: keyof DatabaseWithoutInternals },
  CompositeTypeName extends PublicCompositeTypeNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"]
    : never = never,
> = PublicCompositeTypeNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"][CompositeTypeName]
  : PublicCompositeTypeNameOrOptions extends keyof DefaultSchema["CompositeTypes"]
    ? DefaultSchema["CompositeTypes"][PublicCompositeTypeNameOrOptions]
    : never

"""
