"""postgres-meta's Python types (``supabase gen types --lang python``) read back into a Schema.

Parsed with the standard library's :mod:`ast`. The template prints a
``Literal`` alias per enum, then per table a ``BaseModel`` (rows) with
``Insert``/``Update`` ``TypedDict`` classes, then a ``BaseModel`` per view and
per composite type. What is recovered (see :mod:`pgdrift.sources.typefile`):

* tables (a model with an ``Insert`` dict), views and composite types (the
  other models: composite attributes are never ``Optional``, view columns
  always are); columns by their ``Field(alias=...)`` names with the Python
  type (``type_display``), nullability from ``Optional[...]`` and insert
  optionality from ``NotRequired[...]``;
* enums with their labels in order.

The file has no functions and no relationships. Class names join the schema
and the table name in Pascal case, which loses the exact names: given
``names_hint`` (a schema whose relations, enums and composites the file is
expected to describe) they are mapped back exactly, else split heuristically
(``PublicUserEmails`` is ``public.user_emails``).

A file that does not parse is read statement by statement; a statement cut
short (a truncated file) is read up to its last complete line.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from functools import lru_cache

from pgdrift.model import (
    Attribute,
    Column,
    CompositeType,
    Enum,
    Relation,
    Schema,
    Span,
    TypeKind,
    TypeRef,
)
from pgdrift.sources.typefile import HAS_DEFAULT, ReadProblem, TypesFileRead

__all__ = ["class_name", "read_python"]

_PY_TYPES: dict[str, TypeRef] = {
    "int": TypeRef("pg_catalog", "int8"),
    "float": TypeRef("pg_catalog", "float8"),
    "str": TypeRef("pg_catalog", "text"),
    "bool": TypeRef("pg_catalog", "bool"),
    "bytes": TypeRef("pg_catalog", "bytea"),
    "datetime.date": TypeRef("pg_catalog", "date"),
    "datetime.datetime": TypeRef("pg_catalog", "timestamptz"),
    "datetime.time": TypeRef("pg_catalog", "time"),
    "uuid.UUID": TypeRef("pg_catalog", "uuid"),
    "Json[Any]": TypeRef("pg_catalog", "jsonb"),
    "Any": TypeRef("pg_catalog", "unknown", "pseudo"),
}
_STATEMENT_START = re.compile(r"(?:class\s|from\s|import\s|@|[A-Za-z_]\w*\s*[:=])")
_WORD = re.compile(r"[A-Z][a-z0-9]*|[a-z0-9]+|[A-Z]+(?![a-z])")
_MAX_PROBLEMS = 50


def class_name(name: str) -> str:
    """The template's class-name form of a name (``user-emails`` → ``UserEmails``)."""
    return "".join(w[0].upper() + w[1:] for w in re.split(r"[^a-zA-Z0-9]", name) if w)


def read_python(text: str, path: str, *, names_hint: Schema | None = None) -> TypesFileRead:
    """Read generated Python types; never raises on bad input."""
    return _Reader(text, path, names_hint).read()


@lru_cache(maxsize=8)
def _parsed(
    text: str, path: str
) -> tuple[
    dict[str, _Class], tuple[tuple[str, tuple[str, ...], Span], ...], tuple[ReadProblem, ...]
]:
    """The classes, ``Literal`` aliases and problems of a file: what does not depend
    on the names hint, so one parse serves reads with several hints."""
    reader = _Reader(text, path, None)
    for statement, offset in reader.statements():
        if isinstance(statement, ast.ClassDef):
            reader.read_class(statement, offset)
        elif isinstance(statement, ast.AnnAssign):
            reader.read_alias(statement, offset)
    return reader.classes, tuple(reader.aliases), tuple(reader.problems)


@dataclass
class _Field:
    attr: str
    name: str
    annotation: str
    nullable: bool
    not_required: bool
    span: Span


@dataclass
class _Class:
    name: str
    base: str
    span: Span
    fields: list[_Field] = field(default_factory=list)


class _Reader:
    def __init__(self, text: str, path: str, hint: Schema | None) -> None:
        self.text = text
        self.path = path
        self.hint = hint
        self.lines = text.splitlines()
        self.problems: list[ReadProblem] = []
        self.classes: dict[str, _Class] = {}
        self.aliases: list[tuple[str, tuple[str, ...], Span]] = []
        self.known: dict[str, tuple[str, str]] = {}
        if hint is not None:
            named = [(r.schema, r.name) for r in hint.relations]
            named += [(e.schema, e.name) for e in hint.enums]
            named += [(c.schema, c.name) for c in hint.composites]
            for schema, name in named:
                self.known.setdefault(class_name(schema) + class_name(name), (schema, name))
        # Longest first: "graphql_public" before "graphql".
        self.schema_names = sorted(hint.schemas if hint is not None else (), key=len, reverse=True)

    def problem(self, line: int, column: int, message: str) -> None:
        if len(self.problems) < _MAX_PROBLEMS:
            self.problems.append(ReadProblem(line, column, message))

    # --- statements ------------------------------------------------------------------

    def statements(self) -> list[tuple[ast.stmt, int]]:
        """Top-level statements with the line offset of the text they came from."""
        source = self.text
        if source.strip() and not source.endswith("\n"):
            # Generated files end with a newline: this one was cut, likely mid-line.
            last = len(self.lines) - 1
            self.problem(
                last, 0, f"the file ends early (truncated?): read up to line {last}; regenerate it"
            )
            self.lines = self.lines[:-1]
            source = "\n".join(self.lines) + "\n"
        try:
            return [(s, 0) for s in ast.parse(source).body]
        except (SyntaxError, ValueError):
            pass
        starts = [
            i
            for i, line in enumerate(self.lines)
            if line[:1] and not line[:1].isspace() and _STATEMENT_START.match(line)
        ]
        if not starts or starts[0] != 0:
            starts.insert(0, 0)
        result: list[tuple[ast.stmt, int]] = []
        for index, start in enumerate(starts):
            end = starts[index + 1] if index + 1 < len(starts) else len(self.lines)
            result += self.parse_chunk(start, end, last=end == len(self.lines))
        return result

    def parse_chunk(self, start: int, end: int, *, last: bool) -> list[tuple[ast.stmt, int]]:
        """A statement's parse, cut back to its last complete line if need be."""
        chunk = self.lines[start:end]
        for keep in range(len(chunk), 0, -1):
            source = "\n".join(chunk[:keep])
            if keep < len(chunk) and chunk[0].startswith("class ") and keep == 1:
                source += "\n    pass"
            try:
                body = ast.parse(source).body
            except (SyntaxError, ValueError):
                continue
            if keep < len(chunk) and "\n".join(chunk[keep:]).strip():
                self.unparsable(start + keep, last)
            return [(s, start) for s in body]
        if "\n".join(chunk).strip():
            self.unparsable(start, last)
        return []

    def unparsable(self, line: int, last: bool) -> None:
        if last and any("ends early" in p.message for p in self.problems):
            return
        if last:
            message = f"the file ends early (truncated?): read up to line {line}; regenerate it"
        else:
            message = f"syntax error on line {line + 1}; skipped to the next statement"
        self.problem(line, 0, message)

    # --- reading ---------------------------------------------------------------------

    def read(self) -> TypesFileRead:
        classes, aliases, problems = _parsed(self.text, self.path)
        # Shared with other reads of the same text: read, never changed, from here on.
        self.classes = classes
        self.aliases = list(aliases)
        self.problems = list(problems)
        schema, anchors = self.build()
        self.problems.sort(key=lambda p: (p.line, p.column))
        return TypesFileRead(self.path, "python", schema, tuple(self.problems), anchors, self.text)

    def span_of(self, node: ast.AST, offset: int, name: str) -> Span:
        line = getattr(node, "lineno", 1) - 1 + offset
        text = self.lines[line] if line < len(self.lines) else ""
        col = text.find(name)
        col = max(col, 0)
        return Span(self.path, line, col, line, col + len(name))

    def read_alias(self, node: ast.AnnAssign, offset: int) -> None:
        if not isinstance(node.target, ast.Name) or node.value is None:
            return
        value = node.value
        if not (
            isinstance(value, ast.Subscript)
            and isinstance(value.value, ast.Name)
            and value.value.id == "Literal"
        ):
            return
        items = value.slice.elts if isinstance(value.slice, ast.Tuple) else [value.slice]
        labels = tuple(
            item.value
            for item in items
            if isinstance(item, ast.Constant) and isinstance(item.value, str)
        )
        self.aliases.append((node.target.id, labels, self.span_of(node, offset, node.target.id)))

    def read_class(self, node: ast.ClassDef, offset: int) -> None:
        bases = [b.id for b in node.bases if isinstance(b, ast.Name)]
        base = "BaseModel" if "BaseModel" in bases else "TypedDict" if "TypedDict" in bases else ""
        if not base:
            return
        if node.name in self.classes:
            self.problem(node.lineno - 1 + offset, 0, f"class `{node.name}` is defined twice")
            return
        cls = _Class(node.name, base, self.span_of(node, offset, node.name))
        for item in node.body:
            if not isinstance(item, ast.AnnAssign) or not isinstance(item.target, ast.Name):
                continue
            annotation = item.annotation
            not_required = False
            alias: str | None = _alias(item.value)
            if _subscript_of(annotation, "NotRequired"):
                not_required = True
                annotation = _inner(annotation)
            if _subscript_of(annotation, "Annotated") and isinstance(annotation, ast.Subscript):
                elements = annotation.slice.elts if isinstance(annotation.slice, ast.Tuple) else []
                if elements:
                    annotation = elements[0]
                    alias = alias or next((a for e in elements[1:] if (a := _alias(e))), None)
            nullable = _subscript_of(annotation, "Optional")
            if nullable:
                annotation = _inner(annotation)
            attr = item.target.id
            cls.fields.append(
                _Field(
                    attr,
                    alias if alias is not None else attr,
                    ast.unparse(annotation),
                    nullable,
                    not_required,
                    self.span_of(item, offset, attr),
                )
            )
        self.classes[node.name] = cls

    # --- names -----------------------------------------------------------------------

    def split(self, name: str) -> tuple[str, str]:
        known = self.known.get(name)
        if known is not None:
            return known
        for schema in self.schema_names:
            prefix = class_name(schema)
            if name.startswith(prefix) and len(name) > len(prefix):
                return schema, _snake(name[len(prefix) :])
        words = _WORD.findall(name)
        if len(words) < 2:
            return "public", _snake(name)
        return words[0].lower(), "_".join(w.lower() for w in words[1:])

    # --- the schema ------------------------------------------------------------------

    def build(self) -> tuple[Schema, dict[tuple[str, ...], Span]]:
        enums: list[Enum] = []
        alias_names: dict[str, tuple[str, str]] = {}
        for alias, labels, span in self.aliases:
            schema, name = self.split(alias)
            alias_names[alias] = (schema, name)
            enums.append(Enum(schema, name, labels, span=span))
        models = {n: c for n, c in self.classes.items() if c.base == "BaseModel"}
        tables = {n for n in models if self.classes.get(n + "Insert", _NONE).base == "TypedDict"}
        composites = {
            n
            for n, c in models.items()
            if n not in tables and c.fields and not any(f.nullable for f in c.fields)
        }
        kinds: dict[str, TypeKind] = {n: "relation" for n in models}
        kinds.update({n: "composite" for n in composites})

        def ref(annotation: str) -> TypeRef:
            known = _PY_TYPES.get(annotation)
            if known is not None:
                return known
            match = re.fullmatch(r"(?:List|list)\[(.*)\]", annotation)
            if match:
                element = ref(match[1])
                if element.schema:
                    return TypeRef(element.schema, "_" + element.name, "array")
            if annotation in alias_names:
                return TypeRef(*alias_names[annotation], "enum")
            if annotation in kinds:
                return TypeRef(*self.split(annotation), kinds[annotation])
            return TypeRef("", annotation, "pseudo")

        relations: list[Relation] = []
        composite_types: list[CompositeType] = []
        for name, cls in models.items():
            schema, rel_name = self.split(name)
            if name in composites:
                attributes = tuple(Attribute(f.name, ref(f.annotation)) for f in cls.fields)
                composite_types.append(CompositeType(schema, rel_name, attributes, span=cls.span))
                continue
            is_table = name in tables
            insert = {f.name: f for f in self.classes[name + "Insert"].fields} if is_table else {}
            columns = []
            for f in cls.fields:
                optional = insert[f.name].not_required if f.name in insert else False
                default = HAS_DEFAULT if is_table and optional and not f.nullable else None
                columns.append(
                    Column(
                        f.name,
                        ref(f.annotation),
                        f.annotation,
                        nullable=f.nullable,
                        default=default,
                        updatable=is_table,
                        span=f.span,
                    )
                )
            relations.append(
                Relation(
                    schema,
                    rel_name,
                    "table" if is_table else "view",
                    tuple(columns),
                    updatable=is_table,
                    span=cls.span,
                )
            )
        for name, cls in self.classes.items():
            if cls.base == "TypedDict" and not (
                name.endswith(("Insert", "Update")) and name[:-6] in models
            ):
                self.problem(cls.span.start_line, 0, f"`{name}` is not part of a table's types")
        if self.hint is not None:
            schemas = tuple(self.hint.schemas)
        else:
            found = [r.schema for r in relations] + [c.schema for c in composite_types]
            schemas = tuple(dict.fromkeys(found))
        anchors: dict[tuple[str, ...], Span] = {}
        first = min(
            (c.span for c in self.classes.values()),
            key=lambda s: s.start_line,
            default=None,
        )
        if first is not None:
            anchors[()] = first
        schema_value = Schema(
            schemas=schemas,
            relations=tuple(relations),
            enums=tuple(enums),
            composites=tuple(composite_types),
        )
        return schema_value, anchors


_NONE = _Class("", "", Span("", 0, 0, 0, 0))


def _subscript_of(node: ast.expr, name: str) -> bool:
    return (
        isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Name)
        and node.value.id == name
    )


def _inner(node: ast.expr) -> ast.expr:
    assert isinstance(node, ast.Subscript)
    return node.slice


def _alias(node: ast.expr | None) -> str | None:
    """The ``alias`` of a ``Field(alias="...")`` call."""
    if not isinstance(node, ast.Call):
        return None
    for keyword in node.keywords:
        if (
            keyword.arg == "alias"
            and isinstance(keyword.value, ast.Constant)
            and isinstance(keyword.value.value, str)
        ):
            return keyword.value.value
    return None


def _snake(pascal: str) -> str:
    words = _WORD.findall(pascal)
    return "_".join(w.lower() for w in words) if words else pascal.lower()
