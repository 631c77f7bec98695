"""The immutable schema model every source produces and every consumer reads.

A :class:`Schema` is plain data: frozen dataclasses and tuples, hashable and
comparable, so two sources can be compared with ``==`` or diffed by name.
Nothing here imports from the rest of pgdrift.

Conventions shared by all producers (catalog, shadow, migrations, type files):

* Names are the names Postgres stores (already case-folded, unquoted).
* Type references use Postgres' internal type names (``typname``): ``int4``,
  ``varchar``, ``timestamptz``; array types are the element name prefixed with
  ``_`` (``_int4``), as in ``pg_type``.
* Sequences keep the order the producer saw them in (catalog order: oid order
  for types, attnum order for columns, creation order for constraints). Code
  that needs a presentation order sorts for itself.
* ``span`` is where the object was created when it came from text; ``altered``
  lists the statements that changed it afterwards. Both are empty for objects
  read from a live database.
"""

from __future__ import annotations

import copyreg
import dataclasses
import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

TypeKind = Literal[
    "base",  # built-in or extension scalar (int4, text, uuid, vector, ...)
    "array",  # name is "_" + element typname
    "enum",
    "domain",
    "composite",  # CREATE TYPE ... AS (...)
    "relation",  # row type of a table, view, materialized view or foreign table
    "pseudo",  # void, record, trigger, anyelement, ...
    "range",
    "multirange",
]

RelationKind = Literal["table", "partitioned_table", "foreign_table", "view", "materialized_view"]
IdentityKind = Literal["ALWAYS", "BY DEFAULT"]
ArgMode = Literal["in", "out", "inout", "variadic", "table"]
Volatility = Literal["immutable", "stable", "volatile"]


@dataclass(frozen=True, slots=True)
class Span:
    """A range in a file: 0-based lines and UTF-16-free character columns."""

    path: str
    start_line: int
    start_col: int
    end_line: int
    end_col: int


@dataclass(frozen=True, slots=True)
class TypeRef:
    """A reference to a Postgres type by schema and internal name."""

    schema: str
    name: str
    kind: TypeKind = "base"

    @property
    def is_array(self) -> bool:
        return self.kind == "array"

    @property
    def element_name(self) -> str:
        """The element type's name for an array (``_int4`` -> ``int4``)."""
        return self.name[1:] if self.is_array and self.name.startswith("_") else self.name


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: TypeRef
    #: ``format_type(atttypid, atttypmod)``: ``character varying(255)``, ``integer[]``.
    type_display: str
    #: Effective nullability: not NOT NULL and not a NOT NULL domain.
    nullable: bool = True
    #: ``pg_get_expr(adbin)``: the default, or the expression of a generated column.
    default: str | None = None
    identity: IdentityKind | None = None
    #: True for ``GENERATED ALWAYS AS (...) STORED`` columns (``default`` holds the expression).
    generated: bool = False
    #: Declared array dimensions (``attndims``); Postgres does not enforce them.
    array_dims: int = 0
    #: Whether the column can be written (always true for tables).
    updatable: bool = True
    comment: str | None = None
    span: Span | None = None
    altered: tuple[Span, ...] = ()


@dataclass(frozen=True, slots=True)
class ColumnSource:
    """A view column that passes a base-table column through unchanged."""

    column: str
    schema: str
    table: str
    base_column: str


@dataclass(frozen=True, slots=True)
class Policy:
    name: str
    command: Literal["ALL", "SELECT", "INSERT", "UPDATE", "DELETE"] = "ALL"
    permissive: bool = True
    roles: tuple[str, ...] = ("public",)
    using: str | None = None
    check: str | None = None
    span: Span | None = None


@dataclass(frozen=True, slots=True)
class Relation:
    """A table, partitioned table, foreign table, view or materialized view."""

    schema: str
    name: str
    kind: RelationKind
    columns: tuple[Column, ...] = ()  # attnum order
    #: Primary key columns in key order (empty when there is none).
    primary_key: tuple[str, ...] = ()
    #: Columns of each UNIQUE constraint, in key order.
    unique_keys: tuple[tuple[str, ...], ...] = ()
    #: For views: updatable for both UPDATE and DELETE (postgres-meta's rule).
    updatable: bool = True
    #: For views and materialized views: columns that expose base-table columns,
    #: resolved through nested views down to tables.
    column_sources: tuple[ColumnSource, ...] = ()
    #: View or materialized view query text, as Postgres prints it.
    definition: str | None = None
    #: For a partition: the (schema, name) of its parent.
    partition_of: tuple[str, str] | None = None
    rls_enabled: bool = False
    rls_forced: bool = False
    policies: tuple[Policy, ...] = ()
    comment: str | None = None
    span: Span | None = None
    altered: tuple[Span, ...] = ()

    @property
    def is_view(self) -> bool:
        return self.kind in ("view", "materialized_view")

    def column(self, name: str) -> Column | None:
        for col in self.columns:
            if col.name == name:
                return col
        return None


@dataclass(frozen=True, slots=True)
class Enum:
    schema: str
    name: str
    labels: tuple[str, ...]  # enumsortorder
    comment: str | None = None
    span: Span | None = None
    altered: tuple[Span, ...] = ()


@dataclass(frozen=True, slots=True)
class Attribute:
    name: str
    type: TypeRef


@dataclass(frozen=True, slots=True)
class CompositeType:
    schema: str
    name: str
    attributes: tuple[Attribute, ...]  # attnum order
    comment: str | None = None
    span: Span | None = None
    altered: tuple[Span, ...] = ()


@dataclass(frozen=True, slots=True)
class Domain:
    schema: str
    name: str
    base: TypeRef
    not_null: bool = False
    default: str | None = None
    checks: tuple[str, ...] = ()
    comment: str | None = None
    span: Span | None = None
    altered: tuple[Span, ...] = ()


@dataclass(frozen=True, slots=True)
class FunctionArg:
    name: str  # "" when unnamed
    type: TypeRef
    #: ``format_type`` of the argument type, rendered with the search path.
    type_display: str
    mode: ArgMode = "in"
    has_default: bool = False


@dataclass(frozen=True, slots=True)
class Function:
    """A function (``prokind = 'f'``): procedures and aggregates are not modelled."""

    schema: str
    name: str
    args: tuple[FunctionArg, ...]  # declaration order, all modes
    #: ``pg_get_function_arguments``: ``a integer, b text DEFAULT 'x'::text``.
    argument_types: str
    #: ``pg_get_function_identity_arguments``: the signature used by DROP FUNCTION.
    identity_arguments: str
    #: ``pg_get_function_result``: ``integer``, ``SETOF users``, ``TABLE(id integer)``.
    return_type: str
    return_type_ref: TypeRef
    returns_set: bool = False
    #: Estimated rows (``prorows``) for set-returning functions, else None.
    rows: float | None = None
    volatility: Volatility = "volatile"
    language: str = "sql"
    security_definer: bool = False
    definition: str | None = None
    comment: str | None = None
    span: Span | None = None
    altered: tuple[Span, ...] = ()

    @property
    def in_args(self) -> tuple[FunctionArg, ...]:
        return tuple(a for a in self.args if a.mode in ("in", "inout", "variadic"))


@dataclass(frozen=True, slots=True)
class ForeignKey:
    name: str
    schema: str
    table: str
    columns: tuple[str, ...]  # key order
    referenced_schema: str
    referenced_table: str
    referenced_columns: tuple[str, ...]
    on_update: str = "NO ACTION"
    on_delete: str = "NO ACTION"
    span: Span | None = None


@dataclass(frozen=True, slots=True)
class Schema:
    """Everything pgdrift knows about a database, from whichever source.

    ``schemas`` lists the namespaces described in full: their relations,
    functions and foreign keys are here. Enums, composite types and domains
    are kept for every non-system schema, because generated types resolve
    type names across schemas.
    """

    schemas: tuple[str, ...] = ()
    relations: tuple[Relation, ...] = ()
    enums: tuple[Enum, ...] = ()
    composites: tuple[CompositeType, ...] = ()
    domains: tuple[Domain, ...] = ()
    functions: tuple[Function, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    #: Comments on schemas, by schema name.
    schema_comments: tuple[tuple[str, str], ...] = ()
    _index: dict[tuple[str, str], Relation] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def relation(self, schema: str, name: str) -> Relation | None:
        if not self._index and self.relations:
            self._index.update({(r.schema, r.name): r for r in self.relations})
        return self._index.get((schema, name))

    def relations_in(self, schema: str) -> Iterator[Relation]:
        return (r for r in self.relations if r.schema == schema)

    def domain(self, schema: str, name: str) -> Domain | None:
        for d in self.domains:
            if d.schema == schema and d.name == name:
                return d
        return None

    def is_one_to_one(self, fk: ForeignKey) -> bool:
        """True when the FK columns (in key order) equal a PK or UNIQUE key of
        the referencing table with its columns in attnum order (postgres-meta's
        rule, which decides ``isOneToOne`` in generated types)."""
        rel = self.relation(fk.schema, fk.table)
        if rel is None:
            return False
        position = {c.name: i for i, c in enumerate(rel.columns)}
        keys = (rel.primary_key, *rel.unique_keys) if rel.primary_key else rel.unique_keys
        for key in keys:
            ordered = tuple(sorted(key, key=lambda c: position.get(c, len(position))))
            if ordered == fk.columns:
                return True
        return False


def fast_pickling(namespace: dict[str, Any]) -> None:
    """Pickle the dataclasses in ``namespace`` as constructor calls.

    For plain values only: all an object holds must be in its ``__init__``
    fields (one with ``init=False`` starts afresh, as Schema's lookup index
    does). Python's default for slotted dataclasses is a generic
    ``__setstate__`` that looks up the fields for every object, several
    times slower to load; here the fields are read with one ``attrgetter``
    call. Parse workers pickle every operation they send and the caches hold
    whole schemas, so both directions are hot paths. Shared objects stay
    shared (pickle's memo).
    """
    for obj in list(namespace.values()):
        if isinstance(obj, type) and dataclasses.is_dataclass(obj):
            copyreg.pickle(obj, _reducer(obj))


def init_fields(cls: type) -> tuple[tuple[str, ...], Callable[[Any], tuple[Any, ...]]]:
    """The names of a dataclass's ``__init__`` fields, and a function that
    reads their values from an instance as a tuple in one call."""
    names = tuple(f.name for f in dataclasses.fields(cls) if f.init)
    if len(names) > 1:
        return names, operator.attrgetter(*names)  # a tuple for two names or more
    if names:
        one = operator.attrgetter(names[0])
        return names, lambda obj: (one(obj),)
    return names, lambda obj: ()


def _reducer(cls: type) -> Callable[[Any], tuple[Any, tuple[Any, ...]]]:
    read = init_fields(cls)[1]
    return lambda obj: (cls, read(obj))


fast_pickling(globals())
