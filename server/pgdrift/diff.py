"""Comparing two schemas, whatever their sources: set operations per kind of object.

:func:`diff_schemas` keys every kind of object by qualified name (functions by
signature) and reports what only one side has (``added``: only in ``b``;
``removed``: only in ``a``) and what both have but differently (``changed``,
with one :class:`Detail` per differing aspect), and counts what is identical
(SPEC §1: "identical: 40 tables, 15 enums; differs: comments on 3 tables").

Two schemas are compared at the precision both have. A types file cannot say
what a database can (comments, the exact Postgres type behind ``number``,
which default a column has), so when either side was read from a types file
both are reduced by :func:`typegen_view` to what generated types express,
and only differences a types file can show are reported.

:func:`render_text` and :func:`render_json` present a diff grouped by kind.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal, TypeVar

from pgdrift.config import Language
from pgdrift.model import (
    Column,
    CompositeType,
    Domain,
    Enum,
    ForeignKey,
    Function,
    Policy,
    Relation,
    Schema,
    Span,
)
from pgdrift.sources.typefile import types_file_language

__all__ = [
    "Change",
    "Compare",
    "Detail",
    "Precision",
    "SchemaDiff",
    "diff_schemas",
    "render_json",
    "render_text",
    "typegen_view",
]

#: How closely two schemas are compared: everything a database has (``full``),
#: what generated TypeScript or Python types express, or (a TypeScript file
#: against a Python one) names and enum labels only (``shape``).
Precision = Literal["full", "typescript", "python", "shape"]
#: ``auto``: ``full`` for two databases or models, a types language when
#: either side was read from a types file.
Compare = Literal["auto", "full", "typescript", "python"]
ObjectKind = Literal[
    "schema",
    "table",
    "view",
    "column",
    "enum",
    "composite type",
    "domain",
    "function",
    "relationship",
    "comment",
]
Status = Literal["added", "removed", "changed"]

#: Group titles and plural nouns, in report order.
_GROUPS: tuple[tuple[ObjectKind, str, str], ...] = (
    ("schema", "Schemas", "schemas"),
    ("table", "Tables", "tables"),
    ("view", "Views", "views"),
    ("enum", "Enums", "enums"),
    ("composite type", "Composite types", "composite types"),
    ("domain", "Domains", "domains"),
    ("function", "Functions", "functions"),
    ("relationship", "Relationships", "relationships"),
    ("comment", "Comments", "comments"),
)
_PLURAL: dict[str, str] = {str(kind): plural for kind, _, plural in _GROUPS}
_PLURAL["column"] = "columns"


@dataclass(frozen=True, slots=True)
class Detail:
    """One aspect in which an object differs, as phrases for each side.

    The message reads ``<object> <verb> <a> in <A>, <b> in <B>``:
    ``column public.orders.total is numeric in local, text in remote``.
    """

    aspect: str
    a: str
    b: str
    verb: str = "is"
    #: A phrase to use instead, with ``{A}`` and ``{B}`` for the sides' names
    #: (``label "archived" only in {B}``).
    template: str | None = None

    def phrase(self, a_label: str, b_label: str) -> str:
        if self.template is not None:
            return self.template.replace("{A}", a_label).replace("{B}", b_label)
        return f"{self.verb} {self.a} in {a_label}, {self.b} in {b_label}"


@dataclass(frozen=True, slots=True)
class Change:
    """An object only one side has (``added``: only in b), or has differently."""

    kind: ObjectKind
    #: Qualified name: ``public.orders``, ``public.orders.total``,
    #: ``public.add(a integer, b integer)``; for comments, the commented object's.
    name: str
    status: Status
    details: tuple[Detail, ...] = ()
    #: The table or view a column belongs to (qualified), and which of the two it is.
    parent: str | None = None
    parent_kind: ObjectKind | None = None
    #: For comments: the kind of object commented on (``table``, ``column``, ...).
    subject: str | None = None
    #: The object's key parts: (schema, name[, column]) or a function's signature.
    key: tuple[str, ...] = ()
    a_span: Span | None = None
    b_span: Span | None = None

    def message(self, a_label: str, b_label: str) -> str:
        """A sentence naming both sides."""
        what = f"{self.subject or self.kind} {self.name}"
        if self.kind == "comment":
            what = f"the comment on {what}"
        if self.status == "added":
            return f"{what} exists only in {b_label}"
        if self.status == "removed":
            return f"{what} exists only in {a_label}"
        return f"{what} " + "; ".join(d.phrase(a_label, b_label) for d in self.details)


@dataclass(frozen=True)
class SchemaDiff:
    """What :func:`diff_schemas` found: the changes from ``a`` to ``b`` and the counts."""

    precision: Precision
    changes: tuple[Change, ...]
    #: Objects present and identical on both sides, by plural kind ("tables").
    identical: Mapping[str, int] = field(default_factory=dict)

    @property
    def is_identical(self) -> bool:
        return not self.changes

    def differing(self) -> dict[str, int]:
        """How many objects differ, by plural kind; comments by what they are on."""
        counts: Counter[str] = Counter()
        seen: set[tuple[str, str]] = set()
        for change in self.changes:
            if change.kind == "comment":
                label = f"comments on {_PLURAL.get(change.subject or '', 'objects')}"
                counts[label] += 1
                continue
            kind: str = change.kind
            name = change.name
            if change.kind == "column" and change.parent is not None:
                kind, name = change.parent_kind or "table", change.parent
            if (kind, name) not in seen:
                seen.add((kind, name))
                counts[_PLURAL.get(kind, kind)] += 1
        return dict(counts)


# --- the projection onto generated types ---------------------------------------------


def typegen_view(
    schema: Schema,
    included_schemas: Sequence[str] | None = None,
    *,
    language: Language = "typescript",
    names_hint: Schema | None = None,
) -> Schema:
    """What generated types of ``language`` can say about ``schema``.

    A schema read from such a types file is returned as it is; any other is
    rendered with the real generator (:mod:`pgdrift.typegen`) for
    ``included_schemas`` (default: the schemas it describes) and read back,
    so each column's type is exactly the text the generator prints for it.
    Raises :class:`~pgdrift.typegen.typescript.TypegenError` where the
    generator fails.
    """
    if types_file_language(schema) == language:
        return schema
    schemas = list(included_schemas) if included_schemas is not None else list(schema.schemas)
    if language == "python":
        from pgdrift.sources.typefile_py import read_python
        from pgdrift.typegen.python import render_python

        text = render_python(schema, schemas)
        return read_python(text, "<generated>.py", names_hint=names_hint or schema).schema
    from pgdrift.sources.typefile_ts import read_typescript
    from pgdrift.typegen.typescript import render_typescript

    return read_typescript(render_typescript(schema, schemas), "<generated>.ts").schema


def precision_for(a: Schema, b: Schema, compare: Compare = "auto") -> Precision:
    """The precision ``compare`` means for these two schemas."""
    if compare != "auto":
        return compare
    languages = {types_file_language(a), types_file_language(b)} - {None}
    if not languages:
        return "full"
    if len(languages) == 2:
        return "shape"
    (language,) = languages
    return "python" if language == "python" else "typescript"


# --- diffing -------------------------------------------------------------------------


def diff_schemas(
    a: Schema,
    b: Schema,
    *,
    compare: Compare = "auto",
    included_schemas: Sequence[str] | None = None,
) -> SchemaDiff:
    """The differences from ``a`` to ``b``, at the precision both sides have.

    ``included_schemas`` are the schemas generated types include, for the
    projection of a database onto types (default: each side's own). Only
    schemas both sides describe are compared object by object; a schema only
    one side describes is one change.
    """
    precision = precision_for(a, b, compare)
    original_a, original_b = a, b
    if precision in ("typescript", "python"):
        language: Language = precision
        a = typegen_view(a, included_schemas, language=language, names_hint=b)
        b = typegen_view(b, included_schemas, language=language, names_hint=a)
    elif precision == "shape":
        a = _own_view(a, included_schemas)
        b = _own_view(b, included_schemas)
    result = _Differ(a, b, precision).run()
    if a is original_a and b is original_b:
        return result
    # A projection's spans point into generated text nobody sees: use the
    # original objects' (a migration statement, for the static model), if any.
    changes = tuple(
        replace(
            change,
            a_span=change.a_span if a is original_a else _object_span(original_a, change),
            b_span=change.b_span if b is original_b else _object_span(original_b, change),
        )
        for change in result.changes
    )
    return replace(result, changes=changes)


def _object_span(schema: Schema, change: Change) -> Span | None:
    """Where the object ``change`` is about was created in ``schema``'s source text."""
    key = change.key
    if len(key) < 2:
        return None
    if change.kind == "column" and len(key) == 3:
        rel = schema.relation(key[0], key[1])
        column = rel.column(key[2]) if rel is not None else None
        return column.span if column is not None else None
    if change.kind in ("table", "view"):
        rel = schema.relation(key[0], key[1])
        return rel.span if rel is not None else None
    named: Iterable[Enum | CompositeType | Domain | Function] = ()
    if change.kind == "enum":
        named = schema.enums
    elif change.kind == "composite type":
        named = schema.composites
    elif change.kind == "domain":
        named = schema.domains
    elif change.kind == "function":
        # A projected signature is TypeScript: the first overload stands for all.
        named = schema.functions
    elif change.kind == "relationship" and len(key) >= 3:
        fk = next((f for f in schema.foreign_keys if (f.schema, f.table, f.name) == key[:3]), None)
        return fk.span if fk is not None else None
    found = next((o for o in named if (o.schema, o.name) == key[:2]), None)
    return found.span if found is not None else None


def _own_view(schema: Schema, included: Sequence[str] | None) -> Schema:
    language = types_file_language(schema)
    return typegen_view(schema, included, language=language) if language else schema


K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def _index(items: Iterable[V], key: Callable[[V], K]) -> dict[K, V]:
    out: dict[K, V] = {}
    for item in items:
        out.setdefault(key(item), item)
    return out


def _qualified(*parts: str) -> str:
    return ".".join(parts)


def _normalized(text: str | None) -> str | None:
    return " ".join(text.split()) if text is not None else None


def _quoted(value: str | None, empty: str = "none") -> str:
    return json.dumps(value, ensure_ascii=False) if value is not None else empty


class _Differ:
    def __init__(self, a: Schema, b: Schema, precision: Precision) -> None:
        self.a = a
        self.b = b
        self.precision = precision
        self.full = precision == "full"
        self.scope = set(a.schemas) & set(b.schemas)
        self.changes: list[Change] = []
        self.identical: Counter[str] = Counter()

    def in_scope(self, schema: str) -> bool:
        return schema in self.scope

    def run(self) -> SchemaDiff:
        self.compare_schemas()
        self.compare_relations()
        self.compare_enums()
        self.compare_composites()
        if self.full:
            self.compare_domains()
        if self.precision != "shape":
            self.compare_functions()
            self.compare_relationships()
        identical = {k: v for k, v in self.identical.items() if v}
        return SchemaDiff(self.precision, tuple(self.changes), identical)

    def add(self, change: Change) -> None:
        self.changes.append(change)

    def presence(
        self,
        kind: ObjectKind,
        a_items: Mapping[K, V],
        b_items: Mapping[K, V],
        name: Callable[[K], str],
        span: Callable[[V], Span | None],
        key_of: Callable[[K], tuple[str, ...]] | None = None,
        **extra: Any,
    ) -> list[tuple[K, V, V]]:
        """Record what only one side has; return the pairs both have."""

        def key_parts(key: K) -> tuple[str, ...]:
            if key_of is not None:
                return key_of(key)
            return tuple(key) if isinstance(key, tuple) else (str(key),)

        for key, item in a_items.items():
            if key not in b_items:
                change = Change(kind, name(key), "removed", key=key_parts(key), **extra)
                self.add(replace(change, a_span=span(item)))
        for key, item in b_items.items():
            if key not in a_items:
                change = Change(kind, name(key), "added", key=key_parts(key), **extra)
                self.add(replace(change, b_span=span(item)))
        return [(k, a_items[k], b_items[k]) for k in a_items if k in b_items]

    def comment(
        self,
        subject: str,
        name: str,
        a: str | None,
        b: str | None,
        spans: tuple[Span | None, Span | None],
        key: tuple[str, ...],
    ) -> None:
        if not self.full or a == b:
            return
        self.add(
            Change(
                "comment",
                name,
                "changed",
                (Detail("comment", _quoted(a), _quoted(b), "is"),),
                subject=subject,
                key=key,
                a_span=spans[0],
                b_span=spans[1],
            )
        )

    # --- schemas ---------------------------------------------------------------------

    def compare_schemas(self) -> None:
        a = {s: s for s in self.a.schemas}
        b = {s: s for s in self.b.schemas}
        both = self.presence("schema", a, b, lambda k: k, lambda _: None)
        a_comments = dict(self.a.schema_comments)
        b_comments = dict(self.b.schema_comments)
        for name, _, _ in both:
            self.comment(
                "schema", name, a_comments.get(name), b_comments.get(name), (None, None), (name,)
            )

    # --- tables and views ------------------------------------------------------------

    def compare_relations(self) -> None:
        def relations(schema: Schema) -> dict[tuple[str, str], Relation]:
            return _index(
                (r for r in schema.relations if self.in_scope(r.schema)),
                lambda r: (r.schema, r.name),
            )

        a, b = relations(self.a), relations(self.b)
        for key, rel in a.items():
            if key not in b:
                self.add(self.relation_change(rel, "removed", a_span=rel.span))
        for key, rel in b.items():
            if key not in a:
                self.add(self.relation_change(rel, "added", b_span=rel.span))
        for key, ra in a.items():
            rb = b.get(key)
            if rb is None:
                continue
            before = len(self.changes)
            self.compare_relation(ra, rb)
            # Comments are counted apart: a table whose comment differs is still identical.
            if all(c.kind == "comment" for c in self.changes[before:]):
                self.identical["views" if rb.is_view else "tables"] += 1

    def relation_change(
        self,
        rel: Relation,
        status: Status,
        a_span: Span | None = None,
        b_span: Span | None = None,
    ) -> Change:
        kind: ObjectKind = "view" if rel.is_view else "table"
        name = _qualified(rel.schema, rel.name)
        return Change(kind, name, status, key=(rel.schema, rel.name), a_span=a_span, b_span=b_span)

    def compare_relation(self, ra: Relation, rb: Relation) -> None:
        name = _qualified(ra.schema, ra.name)
        details: list[Detail] = []
        kind_a, kind_b = self.relation_kind(ra), self.relation_kind(rb)
        if kind_a != kind_b:
            details.append(Detail("kind", f"a {kind_a}", f"a {kind_b}"))
        typegen = self.precision in ("typescript", "python")
        if typegen and ra.is_view and rb.is_view and ra.updatable != rb.updatable:
            details.append(Detail("updatable", _updatable(ra.updatable), _updatable(rb.updatable)))
        if self.full:
            if ra.primary_key != rb.primary_key:
                details.append(
                    Detail(
                        "primary key", _key_text(ra.primary_key), _key_text(rb.primary_key), "has"
                    )
                )
            if ra.rls_enabled != rb.rls_enabled:
                details.append(
                    Detail("row level security", _rls(ra.rls_enabled), _rls(rb.rls_enabled), "has")
                )
            # Spans say where a side read a policy, not what the policy is.
            pa = {p.name: replace(p, span=None) for p in ra.policies}
            pb = {p.name: replace(p, span=None) for p in rb.policies}
            if pa.keys() != pb.keys():
                details.append(_policies_detail(pa, pb))
            for policy in sorted(pa.keys() & pb.keys()):
                details += _policy_details(policy, pa[policy], pb[policy])
            # The static model does not print view definitions: compare them
            # only when both sides have one.
            if (
                ra.is_view
                and rb.is_view
                and ra.definition is not None
                and rb.definition is not None
                and _normalized(ra.definition) != _normalized(rb.definition)
            ):
                details.append(Detail("definition", "one definition", "another", "has"))
        if details:
            change = self.relation_change(rb, "changed", a_span=ra.span, b_span=rb.span)
            self.add(
                Change(
                    change.kind,
                    name,
                    "changed",
                    tuple(details),
                    key=change.key,
                    a_span=ra.span,
                    b_span=rb.span,
                )
            )
        self.comment(
            "view" if rb.is_view else "table",
            name,
            ra.comment,
            rb.comment,
            (ra.span, rb.span),
            (ra.schema, ra.name),
        )
        self.compare_columns(ra, rb)

    def relation_kind(self, rel: Relation) -> str:
        if self.full:
            return rel.kind.replace("_", " ")
        return "view" if rel.is_view else "table"

    def compare_columns(self, ra: Relation, rb: Relation) -> None:
        parent = _qualified(ra.schema, ra.name)
        parent_kind: ObjectKind = "view" if rb.is_view else "table"
        a = _index(self.columns(ra), lambda c: c.name)
        b = _index(self.columns(rb), lambda c: c.name)
        both = self.presence(
            "column",
            a,
            b,
            lambda k: _qualified(parent, k),
            lambda c: c.span,
            lambda k: (ra.schema, ra.name, k),
            parent=parent,
            parent_kind=parent_kind,
        )
        for col_name, ca, cb in both:
            details = self.column_details(ca, cb, ra, rb)
            qualified = _qualified(parent, col_name)
            if details:
                self.add(
                    Change(
                        "column",
                        qualified,
                        "changed",
                        tuple(details),
                        parent=parent,
                        parent_kind=parent_kind,
                        key=(ra.schema, ra.name, col_name),
                        a_span=ca.span,
                        b_span=cb.span,
                    )
                )
            if self.full and ca.comment != cb.comment:
                self.add(
                    Change(
                        "comment",
                        qualified,
                        "changed",
                        (Detail("comment", _quoted(ca.comment), _quoted(cb.comment)),),
                        subject="column",
                        key=(ra.schema, ra.name, col_name),
                        a_span=ca.span,
                        b_span=cb.span,
                    )
                )

    def columns(self, rel: Relation) -> Iterable[Column]:
        if self.precision != "shape" or rel.is_view:
            return rel.columns
        # Python types have no computed fields (TypeScript's read-only table columns).
        return (c for c in rel.columns if c.updatable)

    def column_details(self, ca: Column, cb: Column, ra: Relation, rb: Relation) -> list[Detail]:
        details: list[Detail] = []
        if self.precision == "shape":
            # The two languages say different things about nullability
            # (TypeScript's `unknown` is never `| null`) and insertability.
            return details
        if ca.type_display != cb.type_display:
            details.append(Detail("type", ca.type_display, cb.type_display))
        if ca.nullable != cb.nullable:
            details.append(Detail("nullable", _nullable(ca.nullable), _nullable(cb.nullable)))
        if self.full:
            if ca.default != cb.default and not (ca.generated or cb.generated):
                details.append(Detail("default", _default(ca.default), _default(cb.default), "has"))
            if ca.identity != cb.identity:
                details.append(Detail("identity", _identity(ca.identity), _identity(cb.identity)))
            if ca.generated != cb.generated or (ca.generated and ca.default != cb.default):
                details.append(Detail("generated", _generated(ca), _generated(cb)))
        elif ca.nullable == cb.nullable:  # else insert optionality follows nullability
            insert_a, insert_b = _insert(ca, ra), _insert(cb, rb)
            if insert_a != insert_b:
                details.append(Detail("insert", insert_a, insert_b))
        return details

    # --- types -----------------------------------------------------------------------

    def compare_enums(self) -> None:
        a = _index(
            (e for e in self.a.enums if self.in_scope(e.schema)), lambda e: (e.schema, e.name)
        )
        b = _index(
            (e for e in self.b.enums if self.in_scope(e.schema)), lambda e: (e.schema, e.name)
        )
        both = self.presence("enum", a, b, lambda k: _qualified(*k), lambda e: e.span)
        for key, ea, eb in both:
            name = _qualified(*key)
            if ea.labels != eb.labels:
                self.add(
                    Change(
                        "enum",
                        name,
                        "changed",
                        (_labels(ea, eb),),
                        key=key,
                        a_span=ea.span,
                        b_span=eb.span,
                    )
                )
            else:
                self.identical["enums"] += 1
            self.comment("enum", name, ea.comment, eb.comment, (ea.span, eb.span), key)

    def compare_composites(self) -> None:
        def index(schema: Schema) -> dict[tuple[str, str], CompositeType]:
            return _index(
                (c for c in schema.composites if self.in_scope(c.schema)),
                lambda c: (c.schema, c.name),
            )

        both = self.presence(
            "composite type",
            index(self.a),
            index(self.b),
            lambda k: _qualified(*k),
            lambda c: c.span,
        )
        for key, ca, cb in both:
            name = _qualified(*key)
            text_a, text_b = self.attributes(ca, self.a), self.attributes(cb, self.b)
            if text_a != text_b:
                self.add(
                    Change(
                        "composite type",
                        name,
                        "changed",
                        (Detail("attributes", text_a, text_b, "has"),),
                        key=key,
                        a_span=ca.span,
                        b_span=cb.span,
                    )
                )
            else:
                self.identical["composite types"] += 1
            self.comment("composite type", name, ca.comment, cb.comment, (ca.span, cb.span), key)

    def attributes(self, composite: CompositeType, within: Schema) -> str:
        if self.precision == "shape":
            return "(" + ", ".join(a.name for a in composite.attributes) + ")"
        if self.full:
            texts = [
                f"{a.name} {_type_name(a.type.schema, a.type.name)}" for a in composite.attributes
            ]
        else:
            from pgdrift.sources.typefile_ts import ts_type_text

            texts = [
                f"{a.name}: {ts_type_text(a.type, within) if self.precision == 'typescript' else a.type.name}"
                for a in composite.attributes
            ]
        return "(" + ", ".join(texts) + ")"

    def compare_domains(self) -> None:
        def index(schema: Schema) -> dict[tuple[str, str], Domain]:
            return _index(
                (d for d in schema.domains if self.in_scope(d.schema)), lambda d: (d.schema, d.name)
            )

        both = self.presence(
            "domain", index(self.a), index(self.b), lambda k: _qualified(*k), lambda d: d.span
        )
        for key, da, db in both:
            name = _qualified(*key)
            details: list[Detail] = []
            base_a = _type_name(da.base.schema, da.base.name)
            base_b = _type_name(db.base.schema, db.base.name)
            if base_a != base_b:
                details.append(Detail("base type", f"over {base_a}", f"over {base_b}"))
            if da.not_null != db.not_null:
                details.append(
                    Detail("nullable", _nullable(not da.not_null), _nullable(not db.not_null))
                )
            if da.default != db.default:
                details.append(Detail("default", _default(da.default), _default(db.default), "has"))
            if sorted(da.checks) != sorted(db.checks):
                details.append(Detail("checks", _checks(da.checks), _checks(db.checks), "has"))
            if details:
                self.add(
                    Change(
                        "domain",
                        name,
                        "changed",
                        tuple(details),
                        key=key,
                        a_span=da.span,
                        b_span=db.span,
                    )
                )
            else:
                self.identical["domains"] += 1
            self.comment("domain", name, da.comment, db.comment, (da.span, db.span), key)

    # --- functions -------------------------------------------------------------------

    def compare_functions(self) -> None:
        def index(schema: Schema) -> dict[tuple[str, str, str], Function]:
            return _index(
                (f for f in schema.functions if self.in_scope(f.schema)),
                lambda f: (f.schema, f.name, f.identity_arguments),
            )

        both = self.presence(
            "function",
            index(self.a),
            index(self.b),
            lambda k: f"{k[0]}.{k[1]}({k[2]})",
            lambda f: f.span,
        )
        for key, fa, fb in both:
            name = f"{key[0]}.{key[1]}({key[2]})"
            details: list[Detail] = []
            if fa.return_type != fb.return_type:
                details.append(_return_type(fa.return_type, fb.return_type))
            if self.full:
                if fa.argument_types != fb.argument_types:
                    details.append(
                        Detail(
                            "arguments", f"({fa.argument_types})", f"({fb.argument_types})", "takes"
                        )
                    )
                for aspect, va, vb in (
                    ("language", fa.language, fb.language),
                    ("volatility", fa.volatility, fb.volatility),
                    (
                        "security",
                        _security(fa.security_definer),
                        _security(fb.security_definer),
                    ),
                ):
                    if va != vb:
                        details.append(Detail(aspect, va, vb))
                if _normalized(fa.definition) != _normalized(fb.definition):
                    details.append(Detail("body", "one body", "another", "has"))
            if details:
                self.add(
                    Change(
                        "function",
                        name,
                        "changed",
                        tuple(details),
                        key=key,
                        a_span=fa.span,
                        b_span=fb.span,
                    )
                )
            else:
                self.identical["functions"] += 1
            self.comment("function", name, fa.comment, fb.comment, (fa.span, fb.span), key)

    # --- relationships ---------------------------------------------------------------

    def compare_relationships(self) -> None:
        def key(fk: ForeignKey) -> tuple[str, ...]:
            if self.full:
                return (fk.schema, fk.table, fk.name)
            # Generated types list a foreign key once per table or view it
            # reaches; the entry is its identity.
            return (
                fk.schema,
                fk.table,
                fk.name,
                fk.referenced_table,
                ",".join(fk.columns),
                ",".join(fk.referenced_columns),
            )

        def on_both_sides(fk: ForeignKey) -> bool:
            # A table only one side has takes its relationships with it: one change, not many.
            return (
                self.a.relation(fk.schema, fk.table) is not None
                and self.b.relation(fk.schema, fk.table) is not None
            )

        def index(schema: Schema) -> dict[tuple[str, ...], ForeignKey]:
            fks = (f for f in schema.foreign_keys if self.in_scope(f.schema) and on_both_sides(f))
            return _index(fks, key)

        def name(k: tuple[str, ...]) -> str:
            if self.full:
                return f"{k[2]} on {k[0]}.{k[1]}"
            return f"{k[2]} on {k[0]}.{k[1]} ({k[4]}) → {k[3]} ({k[5]})"

        both = self.presence("relationship", index(self.a), index(self.b), name, lambda f: f.span)
        for k, fa, fb in both:
            details: list[Detail] = []
            one_a, one_b = self.one_to_one(self.a, fa), self.one_to_one(self.b, fb)
            if one_a != one_b:
                details.append(Detail("cardinality", _cardinality(one_a), _cardinality(one_b)))
            if self.full:
                ref_a, ref_b = _references(fa), _references(fb)
                if ref_a != ref_b:
                    details.append(Detail("references", ref_a, ref_b, ""))
                for aspect, va, vb in (
                    ("on update", fa.on_update, fb.on_update),
                    ("on delete", fa.on_delete, fb.on_delete),
                ):
                    if va != vb:
                        details.append(Detail(aspect, f"{aspect} {va}", f"{aspect} {vb}", "has"))
            if details:
                self.add(
                    Change(
                        "relationship",
                        name(k),
                        "changed",
                        tuple(details),
                        key=k,
                        a_span=fa.span,
                        b_span=fb.span,
                    )
                )
            else:
                self.identical["relationships"] += 1

    def one_to_one(self, schema: Schema, fk: ForeignKey) -> bool:
        if self.full:
            return schema.is_one_to_one(fk)
        # Read from a types file: the reader records isOneToOne as a unique key.
        rel = schema.relation(fk.schema, fk.table)
        return rel is not None and any(set(k) == set(fk.columns) for k in rel.unique_keys)


# --- phrases -------------------------------------------------------------------------


def _return_type(a: str, b: str) -> Detail:
    """Two return types; for two object types (rows), only the members that differ."""
    members_a, members_b = _object_members(a), _object_members(b)
    if members_a is None or members_b is None or a.endswith("[]") != b.endswith("[]"):
        return Detail("return type", a, b, "returns")
    parts = []
    for name, type_a in members_a.items():
        type_b = members_b.get(name)
        if type_b is None:
            parts.append(f"column {name} only in {{A}}")
        elif type_a != type_b:
            parts.append(f"column {name} is {type_a} in {{A}}, {type_b} in {{B}}")
    parts += [f"column {name} only in {{B}}" for name in members_b if name not in members_a]
    return Detail("return type", a, b, "returns", "returns rows with " + "; ".join(parts))


def _object_members(text: str) -> dict[str, str] | None:
    """The members of a canonical object type text (``{ a: T; b?: U }``, or an array of one)."""
    body = text.removesuffix("[]")
    if not (body.startswith("{ ") and body.endswith(" }")):
        return None
    members: dict[str, str] = {}
    depth, start, inner = 0, 0, body[2:-2]
    in_string = False
    for i, ch in enumerate(inner + ";"):
        if in_string:
            in_string = ch != '"' or inner[i - 1] == "\\"
        elif ch == '"':
            in_string = True
        elif ch in "{[(<":
            depth += 1
        elif ch in "}])>":
            depth -= 1
        elif ch == ";" and depth == 0:
            name, _, type_text = inner[start:i].strip().partition(": ")
            members[name] = type_text
            start = i + 1
    return members


def _type_name(schema: str, name: str) -> str:
    return name if schema in ("pg_catalog", "") else f"{schema}.{name}"


def _nullable(nullable: bool) -> str:
    return "nullable" if nullable else "NOT NULL"


def _default(default: str | None) -> str:
    return f"default {default}" if default is not None else "no default"


def _identity(identity: str | None) -> str:
    return f"an identity ({identity})" if identity else "not an identity"


def _generated(column: Column) -> str:
    return f"generated as ({column.default})" if column.generated else "not generated"


def _insert(column: Column, rel: Relation) -> str:
    if rel.is_view:
        return "read-only" if not column.updatable or not rel.updatable else "writable"
    if not column.updatable:
        return "not insertable (computed)"
    if column.identity == "ALWAYS":
        return "never inserted (identity ALWAYS)"
    if column.nullable or column.default is not None or column.identity is not None:
        return "optional on insert"
    return "required on insert"


def _updatable(updatable: bool) -> str:
    return "insertable and updatable" if updatable else "read-only"


def _key_text(key: tuple[str, ...]) -> str:
    return f"primary key ({', '.join(key)})" if key else "no primary key"


def _rls(enabled: bool) -> str:
    return "row level security enabled" if enabled else "row level security disabled"


def _policies(mine: Mapping[str, Any], other: Mapping[str, Any]) -> str:
    only = sorted(set(mine) - set(other))
    return "policies " + ", ".join(_quoted(n) for n in only) if only else "no other policies"


def _policies_detail(a: Mapping[str, Any], b: Mapping[str, Any]) -> Detail:
    """Policies one side has and the other lacks: ``policy "p" only in
    migrations``."""
    parts = []
    for mine, other, side in ((a, b, "{A}"), (b, a, "{B}")):
        only = sorted(set(mine) - set(other))
        if only:
            noun = "policy" if len(only) == 1 else "policies"
            parts.append(f"{noun} {', '.join(_quoted(n) for n in only)} only in {side}")
    return Detail("policies", _policies(a, b), _policies(b, a), "has", template=", ".join(parts))


def _policy_details(name: str, a: Policy, b: Policy) -> list[Detail]:
    """What differs between two policies of one name, aspect by aspect."""
    policy = f"policy {_quoted(name)}"
    pairs = []
    if a.command != b.command:
        pairs.append((f"for {a.command}", f"for {b.command}"))
    if a.permissive != b.permissive:
        pairs.append((_permissive(a.permissive), _permissive(b.permissive)))
    if a.roles != b.roles:
        pairs.append((f"to {', '.join(a.roles)}", f"to {', '.join(b.roles)}"))
    for clause, x, y in (("using", a.using, b.using), ("with check", a.check, b.check)):
        if _normalized(x) != _normalized(y):
            pairs.append((_clause(clause, x), _clause(clause, y)))
    return [Detail(policy, f"{policy} {x}", f"{policy} {y}", "has") for x, y in pairs]


def _permissive(permissive: bool) -> str:
    return "permissive" if permissive else "restrictive"


def _clause(clause: str, expression: str | None) -> str:
    if expression is None:
        return f"no {clause} clause"
    return f"{clause} ({_normalized(expression)})"


def _checks(checks: Sequence[str]) -> str:
    return "checks " + "; ".join(sorted(checks)) if checks else "no checks"


def _security(definer: bool) -> str:
    return "security definer" if definer else "security invoker"


def _cardinality(one_to_one: bool) -> str:
    return "one-to-one" if one_to_one else "one-to-many"


def _references(fk: ForeignKey) -> str:
    return (
        f"({', '.join(fk.columns)}) → {fk.referenced_schema}.{fk.referenced_table}"
        f"({', '.join(fk.referenced_columns)})"
    )


def _labels(a: Enum, b: Enum) -> Detail:
    text_a, text_b = _label_list(a.labels), _label_list(b.labels)
    if set(a.labels) == set(b.labels) and len(a.labels) == len(b.labels):
        return Detail("label order", "ordered " + text_a, "ordered " + text_b)
    only_a = [x for x in a.labels if x not in b.labels]
    only_b = [x for x in b.labels if x not in a.labels]
    parts = []
    for only, side in ((only_a, "{A}"), (only_b, "{B}")):
        if only:
            noun = "label" if len(only) == 1 else "labels"
            parts.append(f"{noun} {', '.join(_quoted(x) for x in only)} only in {side}")
    return Detail("labels", text_a, text_b, "has", "has " + " and ".join(parts))


def _label_list(labels: Sequence[str]) -> str:
    return ", ".join(_quoted(x) for x in labels) if labels else "no labels"


# --- reports -------------------------------------------------------------------------


def _counts(counts: Mapping[str, int]) -> str:
    order = [plural for _, _, plural in _GROUPS] + ["columns"]
    keys = sorted(counts, key=lambda k: (order.index(k) if k in order else len(order), k))
    parts = []
    for k in keys:
        noun = (
            _singular(k.removeprefix("comments on "))
            if counts[k] == 1
            else k.removeprefix("comments on ")
        )
        parts.append(
            f"comments on {counts[k]} {noun}"
            if k.startswith("comments on ")
            else f"{counts[k]} {noun}"
        )
    return ", ".join(parts)


def _singular(plural: str) -> str:
    return {
        "schemas": "schema",
        "tables": "table",
        "views": "view",
        "enums": "enum",
        "composite types": "composite type",
        "domains": "domain",
        "functions": "function",
        "relationships": "relationship",
        "columns": "column",
    }.get(plural, plural)


_PRECISION_TEXT = {
    "full": "everything both sides describe",
    "typescript": "what generated TypeScript types express",
    "python": "what generated Python types express",
    "shape": "names and enum labels (a TypeScript and a Python types file)",
}


def render_text(diff: SchemaDiff, a_label: str, b_label: str) -> str:
    """A readable report: a summary line, then the differences grouped by kind."""
    lines = [f"{a_label} vs {b_label}: compared {_PRECISION_TEXT[diff.precision]}"]
    lines.append(f"identical: {_counts(diff.identical) or 'nothing'}")
    if diff.is_identical:
        lines.append("differs: nothing")
        return "\n".join(lines) + "\n"
    lines.append(f"differs: {_counts(diff.differing())}")
    marks = {"added": "+", "removed": "-", "changed": "~"}
    by_kind: dict[str, list[Change]] = {}
    for change in diff.changes:
        kind = change.kind
        if change.parent is not None and kind == "column":
            kind = change.parent_kind or "table"
        by_kind.setdefault(kind, []).append(change)
    for kind, title, _ in _GROUPS:
        changes = by_kind.get(kind)
        if not changes:
            continue
        lines += ["", title]
        children: dict[str, list[Change]] = {}
        own: dict[str, Change] = {}
        for change in changes:
            if change.kind == "column" and change.parent is not None:
                children.setdefault(change.parent, []).append(change)
            else:
                own[change.name] = change
        names = list(dict.fromkeys([*own, *children]))
        for name in sorted(names):
            entry = own.get(name)
            label = f"{entry.subject} {name}" if entry and entry.kind == "comment" else name
            if entry is None:
                lines.append(f"  ~ {label}")
            else:
                lines.append(f"  {marks[entry.status]} {label}{_where(entry, a_label, b_label)}")
                lines += [f"      {_detail_line(d, a_label, b_label)}" for d in entry.details]
            for child in sorted(children.get(name, ()), key=lambda c: c.name):
                column = child.name[len(name) + 1 :]
                lines.append(
                    f"      {marks[child.status]} column {column}{_where(child, a_label, b_label)}"
                )
                lines += [f"          {_detail_line(d, a_label, b_label)}" for d in child.details]
    return "\n".join(lines) + "\n"


def _where(change: Change, a_label: str, b_label: str) -> str:
    if change.status == "added":
        return f": only in {b_label}"
    if change.status == "removed":
        return f": only in {a_label}"
    return ""


def _detail_line(detail: Detail, a_label: str, b_label: str) -> str:
    if detail.template is not None:
        return f"{detail.aspect}: {detail.phrase(a_label, b_label)}"
    return f"{detail.aspect}: {detail.a} in {a_label}, {detail.b} in {b_label}"


def _span_json(span: Span | None) -> dict[str, Any] | None:
    if span is None:
        return None
    return {"path": span.path, "line": span.start_line + 1, "column": span.start_col + 1}


def render_json(diff: SchemaDiff, a_label: str, b_label: str) -> str:
    """The diff as JSON: sides, precision, counts and every change."""
    data = {
        "a": a_label,
        "b": b_label,
        "precision": diff.precision,
        "identical": diff.is_identical,
        "counts": {"identical": dict(diff.identical), "different": diff.differing()},
        "changes": [
            {
                "kind": c.kind,
                "name": c.name,
                "status": c.status,
                "subject": c.subject,
                "parent": c.parent,
                "parent_kind": c.parent_kind,
                "message": c.message(a_label, b_label),
                "details": [{"aspect": d.aspect, "a": d.a, "b": d.b} for d in c.details],
                "a_location": _span_json(c.a_span),
                "b_location": _span_json(c.b_span),
            }
            for c in diff.changes
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
