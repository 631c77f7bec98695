"""Python types in the format of ``supabase gen types --lang python``.

:func:`render_python` prints, byte for byte, what postgres-meta 0.96.6's Python
template prints (``PG_META_GENERATE_TYPES=python``, script mode, so with the
newline ``console.log`` adds): the imports header, then

1. a ``Literal`` alias per enum of **every** schema (``PublicMood: TypeAlias =
   Literal["happy", "sad"]``), one per distinct enum *name*;
2. per table (relkind ``r``/``p``: partitions too, foreign tables never) a
   ``BaseModel`` for rows plus ``Insert``/``Update`` ``TypedDict`` classes;
3. a ``BaseModel`` per view, then per materialized view;
4. a ``BaseModel`` per composite type of an included schema with attributes.

Empty sections still leave their blank lines; the whole is trimmed.
Class names are ``Pascal(schema) + Pascal(name)`` (ASCII alphanumeric runs,
first letter upper-cased), attribute names lower-cased alphanumeric runs joined
by ``_``; aliases and enum labels are pasted between double quotes unescaped.
Columns are sorted by name with ICU root collation (``localeCompare``);
composite attributes keep attnum order and are never ``Optional``. Columns
resolve through one level of domain; composite attributes use the raw name.

Types are resolved *by name*, as the template does: any leading ``_`` means
``List[...]`` of the rest; then an enum of that name in any schema (the newest
wins, and only one alias per name is printed, at the first one's position;
integer-like names first, as JS object keys); ``Object.prototype`` members
(``constructor`` prints ``Object``); the template's map of built-ins; any
``pg_type`` of that name (the newest), printed as its class name even when
nothing defines it (``PgCatalogInet``); else ``Any``.

Order: postgres-meta's queries have no ORDER BY. Tables come in oid order (the
query groups by oid, which Postgres plans as a sort), types in oid order (read
through the oid index). Views and materialized views come in pg_class's
physical order, which is oid order until a row is rewritten (``GRANT``,
``ALTER VIEW``, ``REFRESH``, ...): we use the model's (oid) order, so such
databases can differ (tests/fixtures/typegen/python/known_diffs). The model
has no oids across kinds: when user types of different kinds share a name
(say a composite and a table), we take the referenced one to be the newest.
Types the model does not carry (relations of schemas not included, for one)
cannot take part in name collisions.

Deviation: v0.96.6 crashes (``TypeError: Cannot read properties of undefined
(reading 'name')``) when a composite type of an included schema has an
attribute whose type is not the newest ``pg_type`` of its name -- e.g.
``public.address(m public.mood)`` while ``app.mood`` (enum, composite, domain
or table) was created later, in any schema; arrays collide through their
element names -- or is a foreign table's row type. For those schemas we print
a corrected file instead: every enum gets its own alias; every reference
resolves to the type it names (domains to their base, whatever has no
generated class to ``Any``); labels and aliases are escaped; class and
attribute names are made valid and unique (``PublicUsers_2``, ``field_1``,
``class_``, ``json_``, ``hidden`` for ``_hidden``), so the file imports and
passes ``mypy --strict``. Where the generator does not crash its oddities are
kept, to stay byte-identical: such files may name undefined classes or be
invalid Python (quotes in names, columns named ``class`` or ``_x``).
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pgdrift.model import Attribute, Column, Schema, TypeKind, TypeRef
from pgdrift.typegen.collation import locale_key
from pgdrift.typegen.typescript import INFO_SCHEMA_DOMAIN_BASES, OBJECT_PROTOTYPE_MEMBERS

__all__ = ["render_python"]

_HEADER = """\
from __future__ import annotations

import datetime
import uuid
from typing import (
    Annotated,
    Any,
    List,
    Literal,
    NotRequired,
    Optional,
    TypeAlias,
    TypedDict,
)

from pydantic import BaseModel, Field, Json"""

# The template's PY_TYPE_MAP, by typname.
_PY_TYPES: dict[str, str] = {
    "bool": "bool",
    "int2": "int",
    "int4": "int",
    "int8": "int",
    "float4": "float",
    "float8": "float",
    "numeric": "float",
    "bytea": "bytes",
    "bpchar": "str",
    "varchar": "str",
    "string": "str",
    "date": "datetime.date",
    "text": "str",
    "citext": "str",
    "time": "datetime.time",
    "timetz": "datetime.time",
    "timestamp": "datetime.datetime",
    "timestamptz": "datetime.datetime",
    "uuid": "uuid.UUID",
    "vector": "list[Any]",
    "interval": "str",
    "json": "Json[Any]",
    "jsonb": "Json[Any]",
    "int4range": "str",
    "int4multirange": "str",
    "int8range": "str",
    "int8multirange": "str",
    "numrange": "str",
    "nummultirange": "str",
    "tsrange": "str",
    "tsmultirange": "str",
    "tstzrange": "str",
    "tstzmultirange": "str",
    "daterange": "str",
    "datemultirange": "str",
    "void": "None",
    "record": "dict[str, Any]",
}

# ``name in obj`` in JS also finds Object.prototype's members; the template
# then prints ``obj[name].name``: the function's name, or undefined.
_JS_PROTO_NAMES: dict[str, str] = {
    **{n: n for n in OBJECT_PROTOTYPE_MEMBERS},
    "constructor": "Object",
    "__proto__": "undefined",
}

# Domains of information_schema (the model keeps user schemas' domains only).
_SYSTEM_DOMAIN_BASES: dict[str, TypeRef] = {
    name: TypeRef("pg_catalog", base) for name, base in INFO_SCHEMA_DOMAIN_BASES.items()
}

_SYSTEM_DOMAINS = tuple(("information_schema", name) for name in _SYSTEM_DOMAIN_BASES)

_TABLE_KINDS = ("table", "partitioned_table")
_SYSTEM_SCHEMAS = ("information_schema", "pg_catalog", "pg_toast")


def render_python(schema: Schema, included_schemas: Sequence[str]) -> str:
    """The Python types file for ``included_schemas`` of ``schema``.

    An empty ``included_schemas`` means every schema of the model, as an unset
    ``PG_META_GENERATE_TYPES_INCLUDED_SCHEMAS`` does.
    """
    included = list(dict.fromkeys(included_schemas or schema.schemas))
    index = _TypeIndex(schema)
    if _generator_crashes(schema, included, index):
        return _render(_CorrectedNames(schema, included, index))
    return _render(_CompatibleNames(schema, included, index))


# --------------------------------------------------------------------------- ordering


def _locale_sorted(columns: Iterable[Column]) -> list[Column]:
    """JS ``localeCompare`` order, stable like Array.sort."""
    return sorted(columns, key=lambda c: locale_key(c.name))


def _js_key_order(names: Iterable[str]) -> list[str]:
    """Property order of a JS object built from these keys: array indices
    (canonical integers below 2**32 - 1) ascending, then insertion order."""
    unique = list(dict.fromkeys(names))

    def is_index(name: str) -> bool:
        return (
            name.isascii() and name.isdigit() and str(int(name)) == name and int(name) < 2**32 - 1
        )

    return sorted((n for n in unique if is_index(n)), key=int) + [
        n for n in unique if not is_index(n)
    ]


# --------------------------------------------------------------------------- type index


@dataclass(frozen=True, slots=True)
class _Entry:
    schema: str
    name: str
    group: int  # 0 system, 1 enum, 2 composite, 3 domain, 4 relation, 5 other user type
    position: int  # order within the group


class _TypeIndex:
    """The ``pg_type`` rows the template can see, as far as the model knows them.

    postgres-meta reads every type of every schema; the model has the user
    schemas' enums, composites and domains, the included relations, and the
    types its columns, attributes and functions reference.
    """

    def __init__(self, schema: Schema) -> None:
        self.by_name: dict[str, list[_Entry]] = {}
        self._seen: set[tuple[str, str]] = set()
        for i, enum in enumerate(schema.enums):
            self._add(enum.schema, enum.name, 1, i)
        for i, comp in enumerate(schema.composites):
            self._add(comp.schema, comp.name, 2, i)
        for i, dom in enumerate(schema.domains):
            self._add(dom.schema, dom.name, 3, i)
        for i, rel in enumerate(schema.relations):
            # Foreign tables' row types are not in postgres-meta's types query.
            if rel.kind != "foreign_table":
                self._add(rel.schema, rel.name, 4, i)
        refs: list[TypeRef] = [c.type for r in schema.relations for c in r.columns]
        refs += [a.type for c in schema.composites for a in c.attributes]
        refs += [d.base for d in schema.domains]
        for fn in schema.functions:
            refs += [a.type for a in fn.args]
            refs.append(fn.return_type_ref)
        for i, ref in enumerate(refs):
            # An array stands for its element, which lives in the same schema.
            name = ref.element_name
            target = schema.relation(ref.schema, name)
            if target is not None and target.kind == "foreign_table":
                continue
            # A relation outside the model is taken to be a table or view.
            self._add(ref.schema, name, 0 if _is_system(ref.schema) else 5, i)

    def _add(self, schema: str, name: str, group: int, position: int) -> None:
        if (schema, name) not in self._seen:
            self._seen.add((schema, name))
            self.by_name.setdefault(name, []).append(_Entry(schema, name, group, position))

    def newest(self, name: str, hint: str | None = None) -> _Entry | None:
        """The type of this name created last (the one ``Object.fromEntries``
        keeps); ``hint`` (the referenced type's schema) wins unknowable ties."""
        candidates = self.by_name.get(name)
        if not candidates:
            return None
        user = [e for e in candidates if e.group != 0]
        if not user:
            return max(candidates, key=lambda e: e.position)
        if len({e.group for e in user}) == 1:
            return max(user, key=lambda e: e.position)
        for e in user:
            if e.schema == hint:
                return e
        return max(user, key=lambda e: (e.group, e.position))


def _is_system(schema: str) -> bool:
    return schema in _SYSTEM_SCHEMAS or schema.startswith("pg_")


def _valid_schemas(schema: Schema, included: Sequence[str]) -> set[str]:
    """Included schemas postgres-meta's schema list keeps (no system ones)."""
    return {s for s in included if not _is_system(s)}


def _generator_crashes(schema: Schema, included: Sequence[str], index: _TypeIndex) -> bool:
    """Whether v0.96.6 would throw in ``typeToClass``: a composite attribute's
    type id is missing from its name-keyed type table."""
    valid = _valid_schemas(schema, included)
    for comp in schema.composites:
        if comp.schema not in valid:
            continue
        for attr in comp.attributes:
            ref = attr.type
            if ref.kind == "relation":
                rel = schema.relation(ref.schema, ref.name)
                if rel is not None and rel.kind == "foreign_table":
                    return True
            # An array type collides exactly when its element does.
            newest = index.newest(ref.element_name, ref.schema)
            if newest is not None and newest.schema != ref.schema:
                return True
    return False


# --------------------------------------------------------------------------- naming


def _class_name(name: str) -> str:
    """The template's ``formatForPyClassName``."""
    return "".join(w[0].upper() + w[1:] for w in re.split(r"[^a-zA-Z0-9]", name) if w)


def _attr_name(name: str) -> str:
    """The template's ``formatForPyAttributeName``."""
    return "_".join(w.lower() for w in re.split(r"[^a-zA-Z0-9]+", name))


@dataclass(frozen=True, slots=True)
class _Field:
    attr: str
    alias: str  # a Python string literal
    type: str
    nullable: bool
    not_required: bool = False


class _Names:
    """Decides names, literals and types; :func:`_render` lays them out."""

    def __init__(self, schema: Schema, included: Sequence[str], index: _TypeIndex) -> None:
        self.schema = schema
        self.index = index
        self.valid = _valid_schemas(schema, included)
        # Foreign tables are read by postgres-meta but not printed by this template.
        self.relations = [
            r for r in schema.relations if r.schema in set(included) and r.kind != "foreign_table"
        ]
        self.composites = [c for c in schema.composites if c.attributes and c.schema in self.valid]
        self.domains = {(d.schema, d.name): d.base for d in schema.domains}

    def domain_base(self, ref: TypeRef) -> TypeRef | None:
        """The immediate base type of a domain, or None for other types."""
        base = self.domains.get((ref.schema, ref.name))
        if base is None and ref.schema == "information_schema":
            base = _SYSTEM_DOMAIN_BASES.get(ref.name)
        return base

    def enums(self) -> list[tuple[str, list[str]]]:
        """(alias, label literals) per enum alias, in output order."""
        raise NotImplementedError

    def class_name(self, schema: str, name: str) -> str:
        raise NotImplementedError

    def fields(self, items: Sequence[tuple[str, str, bool, bool]]) -> list[_Field]:
        """Fields from (pg name, python type, nullable, not required)."""
        raise NotImplementedError

    def column_type(self, column: Column) -> str:
        raise NotImplementedError

    def attribute_type(self, attribute: Attribute) -> str:
        raise NotImplementedError


class _CompatibleNames(_Names):
    """Exactly the template's choices."""

    def __init__(self, schema: Schema, included: Sequence[str], index: _TypeIndex) -> None:
        super().__init__(schema, included, index)
        self.enum_by_name = {e.name: e for e in schema.enums if e.labels}  # the last one wins

    def enums(self) -> list[tuple[str, list[str]]]:
        out = []
        for name in _js_key_order(self.enum_by_name):
            enum = self.enum_by_name[name]
            out.append((self.class_name(enum.schema, enum.name), [f'"{x}"' for x in enum.labels]))
        return out

    def class_name(self, schema: str, name: str) -> str:
        return _class_name(schema) + _class_name(name)

    def fields(self, items: Sequence[tuple[str, str, bool, bool]]) -> list[_Field]:
        return [_Field(_attr_name(n), f'"{n}"', t, nul, req) for n, t, nul, req in items]

    def column_type(self, column: Column) -> str:
        # postgres-meta's column ``format``: a domain's immediate base type.
        ref = column.type
        if ref.kind == "domain":
            ref = self.domain_base(ref) or ref
        return self._parse(ref.name, ref.schema)

    def attribute_type(self, attribute: Attribute) -> str:
        return self._parse(attribute.type.name, attribute.type.schema)

    def _parse(self, name: str, hint: str) -> str:
        """The template's ``parsePgType``: any leading ``_`` means a list."""
        if name.startswith("_"):
            return f"List[{self._parse(name[1:], hint)}]"
        if name in self.enum_by_name:
            enum = self.enum_by_name[name]
            return self.class_name(enum.schema, enum.name)
        if name in _JS_PROTO_NAMES:
            return _JS_PROTO_NAMES[name]
        if name in _PY_TYPES:
            return _PY_TYPES[name]
        newest = self.index.newest(name, hint)
        if newest is not None:
            return self.class_name(newest.schema, newest.name)
        return "Any"


# Names the header binds, and capitalised keywords: a class must not shadow them.
_RESERVED_CLASS_NAMES = frozenset(
    {
        "Annotated",
        "Any",
        "List",
        "Literal",
        "NotRequired",
        "Optional",
        "TypeAlias",
        "TypedDict",
        "BaseModel",
        "Field",
        "Json",
        "None",
        "True",
        "False",
    }
)

# Public attributes of pydantic v2's BaseModel: a field of that name would
# override them (a mypy error, a pydantic warning).
_BASEMODEL_ATTRS = frozenset(
    {
        "construct",
        "copy",
        "dict",
        "from_orm",
        "json",
        "model_computed_fields",
        "model_config",
        "model_construct",
        "model_copy",
        "model_dump",
        "model_dump_json",
        "model_extra",
        "model_fields",
        "model_fields_set",
        "model_json_schema",
        "model_parametrized_name",
        "model_post_init",
        "model_rebuild",
        "model_validate",
        "model_validate_json",
        "model_validate_strings",
        "parse_file",
        "parse_obj",
        "parse_raw",
        "schema",
        "schema_json",
        "update_forward_refs",
        "validate",
    }
)


def _py_string(text: str) -> str:
    """A double-quoted Python string literal."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch.isprintable():
            out.append(ch)
        else:
            out.append(repr(ch)[1:-1])
    return '"' + "".join(out) + '"'


class _CorrectedNames(_Names):
    """Sound choices for schemas the template crashes on (see the module doc)."""

    def __init__(self, schema: Schema, included: Sequence[str], index: _TypeIndex) -> None:
        super().__init__(schema, included, index)
        taken: set[str] = set(_RESERVED_CLASS_NAMES)
        self.names: dict[tuple[str, str, str], str] = {}

        def allocate(key: tuple[str, str, str], suffixes: tuple[str, ...] = ("",)) -> None:
            natural = _class_name(key[1]) + _class_name(key[2])
            if not natural or natural[0].isdigit():
                natural = "T" + natural
            candidate, n = natural, 1
            while any(candidate + s in taken for s in suffixes):
                n += 1
                candidate = f"{natural}_{n}"
            taken.update(candidate + s for s in suffixes)
            self.names[key] = candidate

        # Array references do not say what their element is.
        self.kinds: dict[tuple[str, str], TypeKind] = {
            key: "domain" for key in (*self.domains, *_SYSTEM_DOMAINS)
        }
        self.kinds.update({(c.schema, c.name): "composite" for c in schema.composites})
        self.kinds.update({(r.schema, r.name): "relation" for r in schema.relations})
        self.kinds.update({(e.schema, e.name): "enum" for e in schema.enums})

        self.enum_list = [e for e in schema.enums if e.labels]
        for e in self.enum_list:
            allocate(("enum", e.schema, e.name))
        for rel in self.relations:
            if rel.kind in _TABLE_KINDS:
                allocate(("rel", rel.schema, rel.name), ("", "Insert", "Update"))
        for kind in ("view", "materialized_view"):
            for rel in self.relations:
                if rel.kind == kind:
                    allocate(("rel", rel.schema, rel.name))
        for comp in self.composites:
            allocate(("composite", comp.schema, comp.name))

    def enums(self) -> list[tuple[str, list[str]]]:
        return [
            (self.names["enum", e.schema, e.name], [_py_string(x) for x in e.labels])
            for e in self.enum_list
        ]

    def class_name(self, schema: str, name: str) -> str:
        for kind in ("rel", "composite"):
            if (kind, schema, name) in self.names:
                return self.names[kind, schema, name]
        raise KeyError((schema, name))

    def fields(self, items: Sequence[tuple[str, str, bool, bool]]) -> list[_Field]:
        used: set[str] = set()
        out = []
        for pg_name, type_, nullable, not_required in items:
            # pydantic rejects fields with a leading underscore.
            natural = _attr_name(pg_name).lstrip("_")
            if not natural or natural[0].isdigit():
                natural = "field_" + natural if natural else "field"
            if keyword.iskeyword(natural) or natural in _BASEMODEL_ATTRS:
                natural += "_"
            attr, n = natural, 1
            while attr in used:
                n += 1
                attr = f"{natural}_{n}"
            used.add(attr)
            out.append(_Field(attr, _py_string(pg_name), type_, nullable, not_required))
        return out

    def column_type(self, column: Column) -> str:
        return self._resolve(column.type, set())

    def attribute_type(self, attribute: Attribute) -> str:
        return self._resolve(attribute.type, set())

    def _resolve(self, ref: TypeRef, seen: set[tuple[str, str]]) -> str:
        if ref.is_array:
            element = self._element(ref)
            return f"List[{self._resolve(element, seen)}]"
        key = (ref.schema, ref.name)
        if ("enum", *key) in self.names:
            return self.names["enum", *key]
        if ("rel", *key) in self.names:
            return self.names["rel", *key]
        if ("composite", *key) in self.names:
            return self.names["composite", *key]
        base = self.domain_base(ref)
        if base is not None and key not in seen:
            return self._resolve(base, seen | {key})
        if ref.kind in ("base", "range", "multirange", "pseudo"):
            return _PY_TYPES.get(ref.name, "Any")
        return "Any"

    def _element(self, ref: TypeRef) -> TypeRef:
        """The element of an array reference, with its kind where the model knows it."""
        key = (ref.schema, ref.element_name)
        return TypeRef(*key, self.kinds.get(key, "base"))


# --------------------------------------------------------------------------- layout


def _serialize_model(name: str, fields: Sequence[_Field]) -> str:
    lines = []
    for f in fields:
        type_ = f"Optional[{f.type}]" if f.nullable else f.type
        lines.append(f"    {f.attr}: {type_} = Field(alias={f.alias})")
    return f"class {name}(BaseModel):\n" + ("\n".join(lines) if lines else "    pass")


def _serialize_dict(name: str, fields: Sequence[_Field]) -> str:
    lines = []
    for f in fields:
        type_ = f"Optional[{f.type}]" if f.nullable else f.type
        annotation = f"Annotated[{type_}, Field(alias={f.alias})]"
        lines.append(
            f"    {f.attr}: NotRequired[{annotation}]"
            if f.not_required
            else f"    {f.attr}: {annotation}"
        )
    return f"class {name}(TypedDict):\n" + ("\n".join(lines) if lines else "    pass")


def _render(names: _Names) -> str:
    enums = [
        f"{alias}: TypeAlias = Literal[{', '.join(labels)}]" for alias, labels in names.enums()
    ]

    tables: list[str] = []
    views: list[str] = []
    matviews: list[str] = []
    for rel in names.relations:
        columns = _locale_sorted(rel.columns)
        class_name = names.class_name(rel.schema, rel.name)
        types = [names.column_type(c) for c in columns]
        row = names.fields(
            [(c.name, t, c.nullable, False) for c, t in zip(columns, types, strict=True)]
        )
        model = _serialize_model(class_name, row)
        if rel.kind in _TABLE_KINDS:
            # Insert: optional when Postgres can fill the column in.
            insert = [
                _Field(
                    f.attr,
                    f.alias,
                    f.type,
                    f.nullable,
                    c.nullable or c.identity is not None or c.default is not None,
                )
                for f, c in zip(row, columns, strict=True)
            ]
            update = [_Field(f.attr, f.alias, f.type, f.nullable, True) for f in row]
            tables += [
                model,
                _serialize_dict(class_name + "Insert", insert),
                _serialize_dict(class_name + "Update", update),
            ]
        elif rel.kind == "view":
            views.append(model)
        elif rel.kind == "materialized_view":
            matviews.append(model)

    composites = []
    for comp in names.composites:
        class_name = names.class_name(comp.schema, comp.name)
        attrs = names.fields(
            [(a.name, names.attribute_type(a), False, False) for a in comp.attributes]
        )
        composites.append(_serialize_model(class_name, attrs))

    body = "\n\n".join("\n\n".join(part) for part in (enums, tables, views, matviews, composites))
    # The template joins the parts with blank lines and trim()s the result;
    # console.log adds the final newline.
    return (_HEADER + "\n\n" + body).strip() + "\n"
