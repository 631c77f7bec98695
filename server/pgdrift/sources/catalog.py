"""Read a live database into the :class:`~pgdrift.model.Schema` model.

The facts gathered are those postgres-meta 0.96.6 (the generator behind
``supabase gen types``) reads, with the same semantics, so that types rendered
from this model match its output byte for byte. Queries go to ``pg_catalog``
directly and are set-based: one query per kind of object, whatever the size of
the database; the model is assembled in Python.

Deliberate differences from postgres-meta:

* Privilege filters (``has_table_privilege``, ``has_column_privilege``,
  ``has_schema_privilege``) are not applied. They never hide anything from the
  owner or a superuser, which is how pgdrift connects.
* Enums, composite types and domains are read from every non-system schema
  (postgres-meta reads all types, system schemas included, but the model only
  needs user-defined ones; built-ins resolve by name).
* Lineage through views (``Relation.column_sources``) is computed from the
  view's stored query tree like postgres-meta's ``views_key_dependencies``
  query, but parsed in Python rather than with text replacement in SQL.
* Where postgres-meta's own order is an accident of the query plan, the model
  uses catalog order: function arguments in declaration order (its
  ``jsonb_agg`` has no ORDER BY, and Postgres 18 returns them shuffled), and
  view columns exposing the same base column in attnum order (its
  ``array_agg`` follows an unstable sort over every view's lineage rows).
  Foreign keys, whose order decides ties when the generator sorts
  relationships, do follow its plan: a sequential scan of ``pg_constraint``.
* ``Function.definition`` is ``prosrc``, the body (postgres-meta's
  ``definition``, except that it blanks it for ``internal`` functions).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple, cast

import psycopg
from psycopg import pq

from pgdrift.db import ConnectOptions, DatabaseError, connection
from pgdrift.model import (
    ArgMode,
    Attribute,
    Column,
    ColumnSource,
    CompositeType,
    Domain,
    Enum,
    ForeignKey,
    Function,
    FunctionArg,
    IdentityKind,
    Policy,
    Relation,
    RelationKind,
    Schema,
    TypeKind,
    TypeRef,
    Volatility,
)

__all__ = ["SchemaNotFound", "introspect", "introspect_url", "view_origins"]

Conn = psycopg.Connection[Any]
Row = tuple[Any, ...]


class SchemaNotFound(DatabaseError):
    """A requested schema does not exist (or is a ``pg_*`` system schema).

    A :class:`~pgdrift.db.DatabaseError`, so callers that report database
    problems report this one too; ``missing`` and ``available`` carry the names.
    """

    def __init__(self, missing: Sequence[str], available: Sequence[str]) -> None:
        self.missing = tuple(missing)
        self.available = tuple(available)
        names = ", ".join(f'"{m}"' for m in self.missing)
        noun = "schema" if len(self.missing) == 1 else "schemas"
        verb = "does" if len(self.missing) == 1 else "do"
        listing = ", ".join(self.available) or "none"
        super().__init__(f"{noun} {names} {verb} not exist (available: {listing})")


# --------------------------------------------------------------------------- queries
# None depends on another's result, so they go to the server in one pipeline.
# %(schemas)s is the list of requested schema names; a name that does not
# exist matches nothing. Comments come from one query (obj_description() and
# col_description() run a sub-query per call).

_Q_SCHEMAS = """
SELECT n.oid, n.nspname FROM pg_namespace n ORDER BY n.nspname
"""

_Q_RELATIONS = """
SELECT c.oid, n.nspname, c.relname, c.relkind::text, c.relrowsecurity, c.relforcerowsecurity,
  CASE WHEN c.relkind = 'v' THEN (pg_relation_is_updatable(c.oid, false) & 20) = 20 END,
  CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END,
  CASE WHEN c.relkind IN ('v', 'm') THEN
    (SELECT rw.ev_action::text FROM pg_rewrite rw
     WHERE rw.ev_class = c.oid AND rw.rulename = '_RETURN') END,
  CASE WHEN c.relispartition THEN
    (SELECT ARRAY[pn.nspname::text, p.relname::text] FROM pg_inherits i
     JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = p.relnamespace
     WHERE i.inhrelid = c.oid) END
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY(%(schemas)s) AND c.relkind IN ('r', 'p', 'f', 'v', 'm')
ORDER BY c.oid
"""

# Nullability and updatability follow postgres-meta's columns query: only the
# column's own domain's NOT NULL counts, and view/foreign-table columns ask
# pg_column_is_updatable (matviews are never updatable). A generated
# column's default is its generation expression. Only that one can refer to
# columns: other defaults are deparsed without their relation (relid 0, the
# same text), which spares a fresh session opening every table with a default.
_Q_COLUMNS = """
SELECT a.attrelid, a.attnum, a.attname, a.atttypid, format_type(a.atttypid, a.atttypmod),
  NOT (a.attnotnull OR (t.typtype = 'd' AND t.typnotnull)),
  CASE WHEN a.atthasdef THEN
    pg_get_expr(ad.adbin, CASE WHEN a.attgenerated = '' THEN 0 ELSE ad.adrelid END) END,
  a.attidentity::text, a.attgenerated::text, a.attndims,
  CASE
    WHEN c.relkind IN ('r', 'p') THEN true
    WHEN c.relkind IN ('v', 'f') THEN pg_column_is_updatable(c.oid, a.attnum, false)
    ELSE false
  END
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
WHERE n.nspname = ANY(%(schemas)s) AND c.relkind IN ('r', 'p', 'f', 'v', 'm')
  AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum
"""

# Primary keys, unique constraints and foreign keys, with key column numbers
# (named in Python). Referenced columns are named here only when the
# referenced table lies outside the requested schemas. Rows come in physical
# (ctid) order: postgres-meta's relationships query has no ORDER BY and is
# driven by a sequential scan of pg_constraint, and that order decides ties
# when the generator sorts relationships.
_Q_CONSTRAINTS = """
SELECT con.oid, con.conname, con.contype::text, con.conrelid, con.conkey,
  con.confrelid, con.confkey, fn.nspname, fc.relname,
  CASE WHEN con.contype = 'f' AND NOT fn.nspname = ANY(%(schemas)s) THEN
    ARRAY(
      SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
      JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum
      ORDER BY k.ord) END,
  con.confupdtype::text, con.confdeltype::text, con.conparentid
FROM pg_constraint con
JOIN pg_namespace n ON n.oid = con.connamespace
LEFT JOIN pg_class fc ON fc.oid = con.confrelid
LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
WHERE n.nspname = ANY(%(schemas)s) AND con.contype IN ('p', 'u', 'f') AND con.conrelid <> 0
ORDER BY con.ctid
"""

_Q_POLICIES = """
SELECT p.polrelid, p.polname, p.polcmd::text, p.polpermissive,
  ARRAY(
    SELECT CASE WHEN r.oid = 0 THEN 'public' ELSE pg_get_userbyid(r.oid)::text END
    FROM unnest(p.polroles) WITH ORDINALITY AS r(oid, ord) ORDER BY r.ord),
  pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid)
FROM pg_policy p
JOIN pg_class c ON c.oid = p.polrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY(%(schemas)s)
ORDER BY p.oid
"""

_USER_SCHEMA = "n.nspname <> 'information_schema' AND NOT starts_with(n.nspname, 'pg_')"

_Q_ENUMS = f"""
SELECT t.oid, n.nspname, t.typname,
  ARRAY(SELECT e.enumlabel FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder)
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE t.typtype = 'e' AND {_USER_SCHEMA}
ORDER BY t.oid
"""

_Q_COMPOSITES = f"""
SELECT t.oid, n.nspname, t.typname,
  ARRAY(
    SELECT a.attname FROM pg_attribute a
    WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum),
  ARRAY(
    SELECT a.atttypid FROM pg_attribute a
    WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum)
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
JOIN pg_class c ON c.oid = t.typrelid AND c.relkind = 'c'
WHERE {_USER_SCHEMA}
ORDER BY t.oid
"""

_Q_DOMAINS = f"""
SELECT t.oid, n.nspname, t.typname, t.typbasetype, t.typnotnull,
  pg_get_expr(t.typdefaultbin, 0),
  ARRAY(
    SELECT pg_get_constraintdef(con.oid, true) FROM pg_constraint con
    WHERE con.contypid = t.oid AND con.contype = 'c' ORDER BY con.oid)
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE t.typtype = 'd' AND {_USER_SCHEMA}
ORDER BY t.oid
"""

# Argument and result texts are rendered with the session's search_path, as
# postgres-meta's are. Trigger functions are dropped later, by result text.
_Q_FUNCTIONS = """
SELECT p.oid, n.nspname, p.proname,
  coalesce(p.proallargtypes, p.proargtypes::oid[]),
  p.proargmodes::text[], p.proargnames, p.pronargs, p.pronargdefaults,
  pg_get_function_arguments(p.oid), pg_get_function_identity_arguments(p.oid),
  pg_get_function_result(p.oid), p.prorettype, p.proretset, p.prorows,
  p.provolatile::text, l.lanname, p.prosecdef, p.prosrc
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
JOIN pg_language l ON l.oid = p.prolang
WHERE n.nspname = ANY(%(schemas)s) AND p.prokind = 'f'
ORDER BY p.oid
"""

_Q_COMMENTS = f"""
SELECT 'c', d.objoid, d.objsubid, d.description
FROM pg_description d
JOIN pg_class c ON c.oid = d.objoid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE d.classoid = 'pg_class'::regclass AND n.nspname = ANY(%(schemas)s)
UNION ALL
SELECT 'f', d.objoid, d.objsubid, d.description
FROM pg_description d
JOIN pg_proc p ON p.oid = d.objoid
JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE d.classoid = 'pg_proc'::regclass AND n.nspname = ANY(%(schemas)s)
UNION ALL
SELECT 't', d.objoid, d.objsubid, d.description
FROM pg_description d
JOIN pg_type t ON t.oid = d.objoid
JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE d.classoid = 'pg_type'::regclass AND {_USER_SCHEMA}
UNION ALL
SELECT 'n', d.objoid, d.objsubid, d.description
FROM pg_description d
JOIN pg_namespace n ON n.oid = d.objoid
WHERE d.classoid = 'pg_namespace'::regclass AND n.nspname = ANY(%(schemas)s)
"""

# An array type is one its element type names as typarray (int2vector and
# friends have a typelem but are not arrays).
_Q_TYPES = """
SELECT t.oid, n.nspname, t.typname, t.typtype::text,
  el.oid IS NOT NULL, rc.relkind::text, format_type(t.oid, NULL)
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
LEFT JOIN pg_type el ON el.oid = t.typelem AND el.typarray = t.oid
LEFT JOIN pg_class rc ON rc.oid = t.typrelid
WHERE t.oid = ANY(%(oids)s)
"""

# Relations outside the requested schemas that view lineage ends in.
_Q_LINEAGE_TARGETS = """
SELECT c.oid, n.nspname, c.relname, c.relkind::text,
  ARRAY(SELECT a.attnum FROM pg_attribute a
        WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum),
  ARRAY(SELECT a.attname FROM pg_attribute a
        WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum)
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.oid = ANY(%(oids)s)
"""

_RELKINDS: dict[str, RelationKind] = {
    "r": "table",
    "p": "partitioned_table",
    "f": "foreign_table",
    "v": "view",
    "m": "materialized_view",
}
_TYPTYPES: dict[str, TypeKind] = {
    "e": "enum",
    "d": "domain",
    "p": "pseudo",
    "r": "range",
    "m": "multirange",
}
_IDENTITY: dict[str, IdentityKind] = {"a": "ALWAYS", "d": "BY DEFAULT"}
_ARG_MODES: dict[str, ArgMode] = {
    "i": "in",
    "o": "out",
    "b": "inout",
    "v": "variadic",
    "t": "table",
}
_VOLATILITY: dict[str, Volatility] = {"i": "immutable", "s": "stable", "v": "volatile"}
_FK_ACTIONS = {
    "a": "NO ACTION",
    "r": "RESTRICT",
    "c": "CASCADE",
    "n": "SET NULL",
    "d": "SET DEFAULT",
}
_POLICY_COMMANDS = {"*": "ALL", "r": "SELECT", "a": "INSERT", "w": "UPDATE", "d": "DELETE"}


def _is_system_schema(name: str) -> bool:
    # postgres-meta lists no pg_* schema (pg_catalog, pg_toast, pg_temp_N).
    return name.startswith("pg_")


def _strip_check(definition: str) -> str:
    """``CHECK ((VALUE > 0))`` -> ``(VALUE > 0)``: the expression, as printed."""
    if definition.startswith("CHECK (") and definition.endswith(")"):
        return definition[6:]
    return definition


# --------------------------------------------------------------------------- entry points


def introspect_url(
    url: str, schemas: Sequence[str], *, read_only: bool = False, missing_ok: bool = False
) -> Schema:
    """Connect to ``url`` through :mod:`pgdrift.db` and :func:`introspect` it.

    Connection and query failures raise :class:`~pgdrift.db.DatabaseError`
    with any password masked; ``read_only`` makes the whole session read-only.
    """
    with connection(url, ConnectOptions(read_only=read_only)) as conn:
        return introspect(conn, schemas, missing_ok=missing_ok)


def introspect(conn: Conn, schemas: Sequence[str], *, missing_ok: bool = False) -> Schema:
    """Read the given schemas of the database behind ``conn`` into a :class:`Schema`.

    Requested schemas keep their order (duplicates dropped). A schema that does
    not exist, or a ``pg_*`` schema, raises :class:`SchemaNotFound`, or is
    silently left out with ``missing_ok=True`` (postgres-meta's behaviour).
    When ``conn`` is idle the queries run in one read-only repeatable-read
    transaction, so they all see one snapshot.
    """
    if conn.info.transaction_status == pq.TransactionStatus.IDLE:
        with conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            return _Introspection(conn).run(schemas, missing_ok)
    return _Introspection(conn).run(schemas, missing_ok)


# --------------------------------------------------------------------------- assembly


# A named tuple, not a frozen dataclass: creating one of those costs ~1 ms
# at import, on every `gen types` run.
class _TypeInfo(NamedTuple):
    ref: TypeRef
    display: str


class _Introspection:
    """One pass over the catalog; holds the lookups shared between object kinds."""

    def __init__(self, conn: Conn) -> None:
        self.conn = conn
        self.types: dict[int, _TypeInfo] = {}
        self.comments: dict[tuple[str, int, int], str] = {}

    def fetch(self, query: str, params: dict[str, Any]) -> list[Row]:
        with self.conn.cursor() as cur:
            cur.execute(cast("Any", query), params)
            return cur.fetchall()

    def fetch_all(self, queries: Sequence[str], params: dict[str, Any]) -> list[list[Row]]:
        """Run independent queries in one pipeline: one round trip, not one each."""
        cursors = [self.conn.cursor() for _ in queries]
        try:
            with self.conn.pipeline():
                for cur, query in zip(cursors, queries, strict=True):
                    cur.execute(cast("Any", query), params)
            return [cur.fetchall() for cur in cursors]
        finally:
            for cur in cursors:
                cur.close()

    def comment(self, kind: str, oid: int, sub: int = 0) -> str | None:
        return self.comments.get((kind, oid, sub))

    def run(self, requested: Sequence[str], missing_ok: bool) -> Schema:
        wanted = list(dict.fromkeys(requested))
        candidates = [s for s in wanted if not _is_system_schema(s)]
        (
            nsp_rows,
            rel_rows,
            col_rows,
            con_rows,
            pol_rows,
            enum_rows,
            comp_rows,
            dom_rows,
            fn_rows,
            comment_rows,
        ) = self.fetch_all(
            (
                _Q_SCHEMAS,
                _Q_RELATIONS,
                _Q_COLUMNS,
                _Q_CONSTRAINTS,
                _Q_POLICIES,
                _Q_ENUMS,
                _Q_COMPOSITES,
                _Q_DOMAINS,
                _Q_FUNCTIONS,
                _Q_COMMENTS,
            ),
            {"schemas": candidates},
        )
        existing = {name: oid for oid, name in nsp_rows}
        present = [s for s in candidates if s in existing]
        if len(present) != len(wanted) and not missing_ok:
            missing = [s for s in wanted if s not in present]
            available = [
                n for _, n in nsp_rows if not _is_system_schema(n) and n != "information_schema"
            ]
            available.sort(key=lambda n: (n != "public", n))
            raise SchemaNotFound(missing, available)
        self.comments = {(kind, oid, sub): text for kind, oid, sub, text in comment_rows}

        type_oids: set[int] = {r[3] for r in col_rows}
        type_oids.update(oid for r in comp_rows for oid in r[4])
        type_oids.update(r[3] for r in dom_rows)
        for r in fn_rows:
            type_oids.update(r[3])
            type_oids.add(r[11])
        self.load_types(type_oids)

        by_oid, attnames = self.relations(rel_rows, col_rows, con_rows, pol_rows)
        return Schema(
            schemas=tuple(present),
            relations=tuple(by_oid.values()),
            enums=tuple(
                Enum(schema, name, tuple(labels), self.comment("t", oid))
                for oid, schema, name, labels in enum_rows
            ),
            composites=tuple(
                CompositeType(
                    schema,
                    name,
                    tuple(
                        Attribute(a, self.types[t].ref) for a, t in zip(attrs, typs, strict=True)
                    ),
                    self.comment("t", oid),
                )
                for oid, schema, name, attrs, typs in comp_rows
            ),
            domains=tuple(
                Domain(
                    schema,
                    name,
                    self.types[base].ref,
                    not_null,
                    default,
                    tuple(_strip_check(c) for c in checks),
                    self.comment("t", oid),
                )
                for oid, schema, name, base, not_null, default, checks in dom_rows
            ),
            functions=tuple(f for r in fn_rows if (f := self.function(r)) is not None),
            foreign_keys=self.foreign_keys(con_rows, by_oid, attnames),
            schema_comments=tuple(
                (s, text) for s in present if (text := self.comment("n", existing[s])) is not None
            ),
        )

    # ---------------------------------------------------------------- types

    def load_types(self, oids: Iterable[int]) -> None:
        missing = [o for o in set(oids) if o not in self.types]
        if not missing:
            return
        for oid, schema, name, typtype, is_array, relkind, display in self.fetch(
            _Q_TYPES, {"oids": missing}
        ):
            kind: TypeKind
            if is_array:
                kind = "array"
            elif typtype == "c":
                kind = "composite" if relkind == "c" else "relation"
            else:
                kind = _TYPTYPES.get(typtype, "base")
            self.types[oid] = _TypeInfo(TypeRef(schema, name, kind), display)

    # ---------------------------------------------------------------- relations

    def relations(
        self,
        rel_rows: list[Row],
        col_rows: list[Row],
        con_rows: list[Row],
        pol_rows: list[Row],
    ) -> tuple[dict[int, Relation], dict[int, dict[int, str]]]:
        """Relations by oid (in oid order), and column names by relation and attnum."""
        columns: dict[int, list[Column]] = {}
        attnames: dict[int, dict[int, str]] = {}
        types = self.types
        comments = self.comments
        for (
            relid,
            attnum,
            name,
            typid,
            display,
            nullable,
            default,
            identity,
            generated,
            ndims,
            updatable,
        ) in col_rows:
            columns.setdefault(relid, []).append(
                Column(
                    name=name,
                    type=types[typid].ref,
                    type_display=display,
                    nullable=nullable,
                    default=default,
                    identity=_IDENTITY.get(identity),
                    generated=generated == "s",
                    array_dims=ndims,
                    updatable=updatable,
                    comment=comments.get(("c", relid, attnum)),
                )
            )
            attnames.setdefault(relid, {})[attnum] = name

        # Keys in creation (oid) order; the rows come in physical order.
        pkeys: dict[int, tuple[str, ...]] = {}
        ukeys: dict[int, list[tuple[str, ...]]] = {}
        for _oid, _name, kind, relid, conkey, *_ in sorted(con_rows, key=lambda r: int(r[0])):
            if kind in ("p", "u"):
                names = attnames.get(relid, {})
                key = tuple(names[n] for n in conkey if n in names)
                if kind == "p":
                    pkeys[relid] = key
                else:
                    ukeys.setdefault(relid, []).append(key)

        policies: dict[int, list[Policy]] = {}
        for relid, name, cmd, permissive, roles, using, check in pol_rows:
            policies.setdefault(relid, []).append(
                Policy(
                    name=name,
                    command=cast("Any", _POLICY_COMMANDS.get(cmd, "ALL")),
                    permissive=permissive,
                    roles=tuple(roles),
                    using=using,
                    check=check,
                )
            )

        sources = self.lineage(rel_rows, attnames)

        result: dict[int, Relation] = {}
        for (
            oid,
            schema,
            name,
            relkind,
            rls,
            rls_forced,
            view_updatable,
            definition,
            _action,
            parent,
        ) in rel_rows:
            kind = _RELKINDS[relkind]
            # Tables are writable; views per postgres-meta's rule; matviews never.
            updatable = bool(view_updatable) if kind == "view" else kind != "materialized_view"
            result[oid] = Relation(
                schema=schema,
                name=name,
                kind=kind,
                columns=tuple(columns.get(oid, ())),
                primary_key=pkeys.get(oid, ()),
                unique_keys=tuple(ukeys.get(oid, ())),
                updatable=updatable,
                column_sources=sources.get(oid, ()),
                definition=definition,
                partition_of=(parent[0], parent[1]) if parent else None,
                rls_enabled=rls,
                rls_forced=rls_forced,
                policies=tuple(policies.get(oid, ())),
                comment=comments.get(("c", oid, 0)),
            )
        return result, attnames

    def foreign_keys(
        self,
        con_rows: list[Row],
        by_oid: dict[int, Relation],
        attnames: dict[int, dict[int, str]],
    ) -> tuple[ForeignKey, ...]:
        """Foreign keys in the order postgres-meta's relationships query yields them.

        Partition clones (``conparentid <> 0``) are left out, as there.
        """
        fks = []
        for (
            _oid,
            name,
            kind,
            relid,
            conkey,
            confrelid,
            confkey,
            fschema,
            ftable,
            fnames,
            on_update,
            on_delete,
            parent,
        ) in con_rows:
            rel = by_oid.get(relid)
            if kind != "f" or parent != 0 or rel is None:
                continue
            own = attnames.get(relid, {})
            if fnames is None:
                ref = attnames.get(confrelid, {})
                fnames = [ref.get(n, "") for n in confkey]
            fks.append(
                ForeignKey(
                    name=name,
                    schema=rel.schema,
                    table=rel.name,
                    columns=tuple(own.get(n, "") for n in conkey),
                    referenced_schema=fschema,
                    referenced_table=ftable,
                    referenced_columns=tuple(fnames),
                    on_update=_FK_ACTIONS.get(on_update, "NO ACTION"),
                    on_delete=_FK_ACTIONS.get(on_delete, "NO ACTION"),
                )
            )
        return tuple(fks)

    def lineage(
        self, rel_rows: list[Row], attnames: dict[int, dict[int, str]]
    ) -> dict[int, tuple[ColumnSource, ...]]:
        """Base-table columns that view columns pass through, by view oid.

        postgres-meta's ``views_key_dependencies`` semantics: start from each
        view column's recorded origin and, while that origin is a view or
        materialized view of a requested schema, continue from the origin
        column of that view. Chains ending in a table (or foreign table) give a
        source; chains through views of other schemas end nowhere, as there.
        A base column exposed several times gives several sources.
        """
        kinds = {r[0]: r[3] for r in rel_rows}
        names = {r[0]: (r[1], r[2]) for r in rel_rows}
        origins: dict[int, dict[int, tuple[int, int]]] = {}
        for r in rel_rows:
            if r[8] is not None:
                origins[r[0]] = {resno: (tbl, col) for resno, tbl, col in view_origins(r[8]) if tbl}

        def follow(tbl: int, col: int) -> tuple[int, int] | None:
            seen = set()
            while kinds.get(tbl) in ("v", "m"):
                if tbl in seen:
                    return None
                seen.add(tbl)
                nxt = origins.get(tbl, {}).get(col)
                if nxt is None:
                    return None
                tbl, col = nxt
            return tbl, col

        resolved: dict[int, list[tuple[str, int, int]]] = {}
        for view, cols in origins.items():
            own = attnames.get(view, {})
            for resno, (tbl, col) in sorted(cols.items()):
                # Junk entries (ORDER BY expressions) have no view column.
                if resno in own and (end := follow(tbl, col)) is not None:
                    resolved.setdefault(view, []).append((own[resno], *end))

        outside = {t for entries in resolved.values() for _, t, _ in entries if t not in kinds}
        foreign: dict[int, tuple[str, str, str, dict[int, str]]] = {}
        if outside:
            for oid, schema, name, relkind, attnums, anames in self.fetch(
                _Q_LINEAGE_TARGETS, {"oids": list(outside)}
            ):
                foreign[oid] = (schema, name, relkind, dict(zip(attnums, anames, strict=True)))

        result: dict[int, tuple[ColumnSource, ...]] = {}
        for view, entries in resolved.items():
            out = []
            for column, tbl, col in entries:
                if tbl in kinds:
                    schema, table = names[tbl]
                    base = attnames.get(tbl, {}).get(col)
                elif tbl in foreign and foreign[tbl][2] in ("r", "p", "f"):
                    schema, table, _, target_cols = foreign[tbl]
                    base = target_cols.get(col)
                else:
                    continue
                if base is not None:
                    out.append(ColumnSource(column, schema, table, base))
            result[view] = tuple(out)
        return result

    # ---------------------------------------------------------------- functions

    def function(self, row: Row) -> Function | None:
        (
            oid,
            schema,
            name,
            argtypes,
            argmodes,
            argnames,
            nargs,
            ndefaults,
            arguments,
            identity_arguments,
            result,
            rettype,
            retset,
            prorows,
            volatility,
            language,
            secdef,
            source,
        ) = row
        if result in ("trigger", "event_trigger"):
            return None
        # postgres-meta builds has_default as pronargs flags, the last
        # pronargdefaults true, then zips them with ALL args (OUT and TABLE
        # ones included): reproduced on purpose, the generator reads it so.
        first_default = nargs - ndefaults
        args = []
        for i, typid in enumerate(argtypes):
            info = self.types[typid]
            args.append(
                FunctionArg(
                    name=(argnames[i] if argnames and i < len(argnames) else "") or "",
                    type=info.ref,
                    type_display=info.display,
                    mode=_ARG_MODES.get(argmodes[i], "in") if argmodes else "in",
                    has_default=first_default <= i < nargs,
                )
            )
        return Function(
            schema=schema,
            name=name,
            args=tuple(args),
            argument_types=arguments,
            identity_arguments=identity_arguments,
            return_type=result,
            return_type_ref=self.types[rettype].ref,
            returns_set=retset,
            rows=float(prorows) if retset and prorows else None,
            volatility=_VOLATILITY.get(volatility, "volatile"),
            language=language,
            security_definer=secdef,
            definition=source,
            comment=self.comments.get(("f", oid, 0)),
        )


# --------------------------------------------------------------------------- lineage

# pg_node_tree escapes ``{}()``, whitespace and backslashes inside tokens
# with a backslash; blanking escaped characters leaves only structural
# brackets, so bracket counts give the nesting depth.
_ESCAPED = re.compile(r"\\.", re.S)
_TARGET_ENTRY = re.compile(
    r":resno (\d+) :resname \S+ :ressortgroupref \d+ :resorigtbl (\d+) :resorigcol (\d+)"
)


def _depth(text: str, start: int, end: int) -> int:
    return (
        text.count("{", start, end)
        + text.count("(", start, end)
        - text.count("}", start, end)
        - text.count(")", start, end)
    )


def view_origins(action: str) -> list[tuple[int, int, int]]:
    """``(resno, resorigtbl, resorigcol)`` of the top-level target list of a
    view's ``_RETURN`` rule (``pg_rewrite.ev_action`` as text).

    ``resorigtbl``/``resorigcol`` are what the parser records for an output
    column that is a plain reference to a table column (through sub-queries
    too); they are 0 for computed columns.
    """
    text = _ESCAPED.sub("_", action)
    # The action is a list holding one Query: its own fields sit at depth 2.
    pos = text.find(":targetList ")
    start = 0
    depth = 0
    while pos >= 0:
        depth += _depth(text, start, pos)
        start = pos
        if depth == 2:
            break
        pos = text.find(":targetList ", pos + 1)
    if pos < 0:
        return []
    origins = []
    for m in _TARGET_ENTRY.finditer(text, pos):
        depth += _depth(text, start, m.start())
        start = m.start()
        # Entries of nested queries sit deeper; after the list closes no
        # target entry is at depth 4 again (a view's returningList is empty).
        if depth == 4:  # inside "(" and "{TARGETENTRY" of the top-level list
            origins.append((int(m[1]), int(m[2]), int(m[3])))
    return origins
